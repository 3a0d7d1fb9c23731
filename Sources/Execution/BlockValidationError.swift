internal import Ethereum
public import Primitives

/// Why a block is invalid: a header rule against its parent, a body/header mismatch, a rejected
/// transaction, or a post-execution commitment that differs from the header.
public enum BlockValidationError: Error, Equatable, Sendable, CustomStringConvertible {
    case unknownParent(Bytes32)
    case numberMismatch(expected: UInt64, got: UInt64)
    case timestampNotAfterParent(parent: UInt64, got: UInt64)
    /// EIP-3675 / Yellow Paper: at most 32 bytes.
    case extraDataTooLong(Int)
    /// Above 2⁶³ − 1 (geth's `MaxGasLimit`).
    case gasLimitTooBig(UInt64)
    /// Moved by parent/1024 or more from the parent's limit (Yellow Paper §4.3.4).
    case gasLimitOutOfBounds(parent: UInt64, got: UInt64)
    /// Below 5000.
    case gasLimitBelowMinimum(UInt64)
    case gasUsedAboveLimit(gasUsed: UInt64, gasLimit: UInt64)
    /// A fork field is absent (`name`) or present before its fork.
    case missingHeaderField(String)
    case unexpectedHeaderField(String)
    case baseFeeMismatch(expected: UInt256, got: UInt256)
    /// EIP-3675: post-Merge headers have difficulty 0, nonce 0 and no ommers.
    case difficultyNotZero
    case nonceNotZero
    case ommersNotEmpty
    case ommersHashMismatch
    case transactionsRootMismatch
    case withdrawalsRootMismatch
    case excessBlobGasMismatch(expected: UInt64, got: UInt64)
    /// EIP-4844: `blobGasUsed` above the block maximum or not a multiple of the blob size.
    case blobGasUsedInvalid(UInt64)
    case blobGasUsedMismatch(expected: UInt64, got: UInt64)
    /// Transaction `index` does not fit the gas left in the block.
    case transactionGasAboveRemaining(index: Int, gasLimit: UInt64, remaining: UInt64)
    /// Transaction `index` would push the block's blob gas above the maximum.
    case blobGasAboveRemaining(index: Int)
    case transaction(index: Int, TransactionRejection)
    case gasUsedMismatch(expected: UInt64, got: UInt64)
    case receiptsRootMismatch
    case logsBloomMismatch
    case stateRootMismatch(expected: Bytes32, got: Bytes32)
    /// EIP-6110: a log of the deposit contract is not a well-formed `DepositEvent`.
    case invalidDepositLog
    /// EIP-7002 / EIP-7251: the system contract is missing or its call failed.
    case systemCallFailed(Bytes20)
    case requestsHashMismatch(expected: Bytes32, got: Bytes32)
    case unsupportedFork(String)
    /// Transaction `index` reached a precompile that is still a placeholder here (its result would
    /// be wrong, so the block cannot be judged).
    case unimplementedPrecompile(index: Int, String)
    /// Rollup blocks (ADR 0011) start with the L1-attributes deposit.
    case rollupFirstTransactionNotDeposit
    /// Rollup blocks (ADR 0011) carry deposits only before the first user transaction.
    case rollupDepositAfterUserTransaction(index: Int)
    /// A transaction type a rollup block does not carry (blob, Hemi system, 7702 before Prague).
    case rollupTransactionTypeNotAllowed(index: Int, String)

    public var description: String {
        switch self {
        case .unknownParent(let h): return "unknown parent \(h.hex)"
        case .numberMismatch(let e, let g): return "block number \(g), expected \(e)"
        case .timestampNotAfterParent(let p, let g): return "timestamp \(g) not after parent's \(p)"
        case .extraDataTooLong(let n): return "extraData has \(n) bytes, at most 32 allowed"
        case .gasLimitTooBig(let g): return "gas limit \(g) above 2^63-1"
        case .gasLimitOutOfBounds(let p, let g): return "gas limit \(g) outside parent \(p) ± parent/1024"
        case .gasLimitBelowMinimum(let g): return "gas limit \(g) below 5000"
        case .gasUsedAboveLimit(let u, let l): return "gas used \(u) above gas limit \(l)"
        case .missingHeaderField(let f): return "header lacks \(f)"
        case .unexpectedHeaderField(let f): return "header has \(f) before its fork"
        case .baseFeeMismatch(let e, let g): return "base fee \(g), expected \(e)"
        case .difficultyNotZero: return "difficulty is not zero after the Merge"
        case .nonceNotZero: return "nonce is not zero after the Merge"
        case .ommersNotEmpty: return "ommers after the Merge"
        case .ommersHashMismatch: return "ommers hash does not match the ommers"
        case .transactionsRootMismatch: return "transactions root mismatch"
        case .withdrawalsRootMismatch: return "withdrawals root mismatch"
        case .excessBlobGasMismatch(let e, let g): return "excess blob gas \(g), expected \(e)"
        case .blobGasUsedInvalid(let g): return "blob gas used \(g) above the maximum or not a multiple of 2^17"
        case .blobGasUsedMismatch(let e, let g): return "blob gas used \(g), header says \(e)"
        case .transactionGasAboveRemaining(let i, let g, let r):
            return "transaction \(i): gas limit \(g) above the block's remaining \(r)"
        case .blobGasAboveRemaining(let i): return "transaction \(i): blob gas above the block's remaining"
        case .transaction(let i, let r): return "transaction \(i): \(r)"
        case .gasUsedMismatch(let e, let g): return "gas used \(g), header says \(e)"
        case .receiptsRootMismatch: return "receipts root mismatch"
        case .logsBloomMismatch: return "logs bloom mismatch"
        case .stateRootMismatch(let e, let g): return "state root \(g.hex), header says \(e.hex)"
        case .invalidDepositLog: return "malformed deposit contract log (EIP-6110)"
        case .systemCallFailed(let a): return "system call to \(a.hex) failed"
        case .requestsHashMismatch(let e, let g): return "requests hash \(g.hex), header says \(e.hex)"
        case .unsupportedFork(let f): return "fork \(f) not supported by the block executor"
        case .unimplementedPrecompile(let i, let k):
            return "transaction \(i) reached precompile \(k), not implemented yet"
        case .rollupFirstTransactionNotDeposit: return "rollup block does not start with the L1-attributes deposit"
        case .rollupDepositAfterUserTransaction(let i): return "transaction \(i): deposit after a user transaction"
        case .rollupTransactionTypeNotAllowed(let i, let t): return "transaction \(i): type \(t) not allowed in a rollup block"
        }
    }
}
