public import Primitives

/// The chain parameters that stateless transaction validity depends on.
public struct TransactionRules: Hashable, Sendable {
    public var fork: Fork
    /// The chain id signatures must commit to (EIP-155; typed transactions' `chainId`).
    public var chainID: UInt256
    /// OP Stack: deposit transactions (type 0x7E) are accepted.
    public var allowsDeposits: Bool
    /// Hemi: the system transactions 0x7C (BTC attributes) and 0x7D (PoP payout) are accepted
    /// (in blocks; a transaction pool must still refuse them).
    public var allowsHemiSystemTransactions: Bool
    /// EIP-4844 blob transactions (from Cancun). OP Stack L2s do not carry them (op-alloy's
    /// `OpTxType` has no 0x03), so `hemi(…)` turns this off.
    public var allowsBlobTransactions: Bool

    public init(
        fork: Fork, chainID: UInt256, allowsDeposits: Bool = false, allowsHemiSystemTransactions: Bool = false,
        allowsBlobTransactions: Bool = true
    ) {
        self.fork = fork
        self.chainID = chainID
        self.allowsDeposits = allowsDeposits
        self.allowsHemiSystemTransactions = allowsHemiSystemTransactions
        self.allowsBlobTransactions = allowsBlobTransactions
    }

    /// Ethereum L1 rules.
    public static func ethereum(fork: Fork, chainID: UInt256 = UInt256(1)) -> TransactionRules {
        TransactionRules(fork: fork, chainID: chainID)
    }

    /// Hemi (an OP Stack L2) block rules: deposits and Hemi system transactions accepted, blob
    /// transactions refused. `fork` is the Ethereum fork the active OP/Hemi upgrade builds on.
    public static func hemi(fork: Fork, chainID: UInt256) -> TransactionRules {
        TransactionRules(
            fork: fork, chainID: chainID, allowsDeposits: true, allowsHemiSystemTransactions: true,
            allowsBlobTransactions: false)
    }
}

/// A transaction that passed stateless validation, with its recovered sender and intrinsic gas.
public struct ValidatedTransaction: Hashable, Sendable {
    public var transaction: Transaction
    public var sender: Bytes20
    public var intrinsicGas: IntrinsicGas
}

extension Transaction {
    /// EIP-7825 (Osaka) per-transaction gas limit cap, 2^24.
    public static let osakaGasLimitCap: UInt64 = 1 << 24
    /// EIP-4844 VERSIONED_HASH_VERSION_KZG.
    public static let versionedHashVersionKZG: UInt8 = 0x01

    /// Stateless validity under `rules` (no account state): type enabled in the fork, EIP-2681 nonce
    /// bound, fee caps (EIP-1559) and the gas × price product fitting 256 bits, signature values
    /// (r, s in [1, n-1]; EIP-2 s ≤ n/2 from Homestead; v/y-parity and EIP-155 chain id), intrinsic
    /// gas and the EIP-7623 floor, EIP-3860 initcode size, EIP-4844 blob hashes, EIP-7702 non-empty
    /// authorizations, EIP-7825 gas cap; then recovers the sender. An OP Stack deposit (when
    /// `rules.allowsDeposits`) passes with `from` as sender: deposits are never rejected.
    public func validate(rules: TransactionRules) throws(TransactionValidationError) -> ValidatedTransaction {
        let fork = rules.fork
        // Type activation (EIP-2718 & co).
        switch type {
        case .legacy: break
        case .accessList: if fork < .berlin { throw .typeNotSupported(type, fork) }
        case .dynamicFee: if fork < .london { throw .typeNotSupported(type, fork) }
        case .blob: if fork < .cancun || !rules.allowsBlobTransactions { throw .typeNotSupported(type, fork) }
        case .setCode: if fork < .prague { throw .typeNotSupported(type, fork) }
        case .deposit: if !rules.allowsDeposits { throw .typeNotSupported(type, fork) }
        case .btcAttributesDeposited, .popPayout:
            if !rules.allowsHemiSystemTransactions { throw .typeNotSupported(type, fork) }
            // Built by the sequencer and checked by what they carry (hVM headers, payouts), not here.
            return ValidatedTransaction(
                transaction: self, sender: HemiSystemTransaction.sender,
                intrinsicGas: IntrinsicGas(regular: 0, floor: 0))
        }
        if case .deposit(let d) = self {
            // Deposits are derived from L1 and can never be rejected: a deposit that breaks a rule
            // (initcode size, gas) fails in execution instead, keeping its mint (OP Stack deposits spec).
            return ValidatedTransaction(
                transaction: self, sender: d.from, intrinsicGas: computeIntrinsicGas(fork: fork))
        }

        // Cheap signature checks (v/y-parity, chain id, r/s ranges) come before the gas rules, as in
        // geth; the expensive public-key recovery comes last.
        _ = try checkSignatureValues(rules: rules)

        if let nonce, nonce == .max { throw .nonceTooBig }

        let feeCap = maxFeePerGas
        if UInt256(gasLimit).multipliedReportingOverflow(by: feeCap).overflow { throw .gasLimitPriceProductOverflow }
        switch type {
        case .dynamicFee, .blob, .setCode:
            if maxPriorityFeePerGas > feeCap { throw .priorityFeeGreaterThanMaxFee }
        default: break
        }

        let intrinsic = computeIntrinsicGas(fork: fork)
        if gasLimit < intrinsic.minimumGasLimit {
            throw .intrinsicGasTooLow(gasLimit: gasLimit, required: intrinsic.minimumGasLimit)
        }
        if fork >= .osaka, gasLimit > Self.osakaGasLimitCap {
            throw .gasLimitAboveCap(gasLimit: gasLimit, cap: Self.osakaGasLimitCap)
        }
        if fork >= .shanghai, to == nil, data.count > IntrinsicGas.maxInitcodeSize {
            throw .initcodeSizeExceeded(size: data.count, limit: IntrinsicGas.maxInitcodeSize)
        }

        switch self {
        case .blob(let t):
            let maxBlobs = fork.maxBlobsPerTransaction
            let count = t.blobVersionedHashes.count
            if count == 0 || count > maxBlobs { throw .blobCountOutOfRange(count: count, max: maxBlobs) }
            for (i, h) in t.blobVersionedHashes.enumerated() where h[0] != Self.versionedHashVersionKZG {
                throw .invalidBlobVersionedHash(index: i)
            }
        case .setCode(let t):
            if t.authorizationList.isEmpty { throw .emptyAuthorizationList }
        default: break
        }

        let sender = try computeSender(rules: rules)
        return ValidatedTransaction(transaction: self, sender: sender, intrinsicGas: intrinsic)
    }

    /// Checks the signature values under `rules` and recovers the sender (for a deposit: `from`).
    public func computeSender(rules: TransactionRules) throws(TransactionValidationError) -> Bytes20 {
        switch self {
        case .deposit(let t): return t.from
        case .btcAttributesDeposited, .popPayout: return HemiSystemTransaction.sender
        default: break
        }
        let (sig, recoveryID) = try checkSignatureValues(rules: rules)
        guard let digest = computeSigningHash(),
            let address = recoverAddress(digest: digest, r: sig.r, s: sig.s, recoveryID: recoveryID)
        else { throw .senderRecoveryFailed }
        return address
    }

    /// The cheap signature checks, without recovery: `v` (27/28, or EIP-155 from Spurious Dragon) or
    /// the y-parity, the chain id, r and s in [1, n-1], and s ≤ n/2 from Homestead (EIP-2).
    /// Returns the signature and its recovery id. Deposits have none and pass with a zero signature.
    public func checkSignatureValues(
        rules: TransactionRules
    ) throws(TransactionValidationError) -> (TransactionSignature, Int32) {
        let sig: TransactionSignature
        let recoveryID: Int32
        switch self {
        case .deposit, .btcAttributesDeposited, .popPayout:
            return (TransactionSignature(v: .zero, r: .zero, s: .zero), 0)
        case .legacy(let t):
            sig = t.signature
            if sig.v == UInt256(27) || sig.v == UInt256(28) {
                recoveryID = Int32(truncatingIfNeeded: sig.v.l0 - 27)
            } else if rules.fork >= .spuriousDragon, let chain = t.eip155ChainID {
                guard chain == rules.chainID else { throw .wrongChainID(expected: rules.chainID, got: chain) }
                recoveryID = Int32(truncatingIfNeeded: (sig.v.l0 &- 35) & 1)
            } else {
                throw .invalidV(sig.v)
            }
        case .accessList(let t):
            sig = t.signature
            guard t.chainID == rules.chainID else { throw .wrongChainID(expected: rules.chainID, got: t.chainID) }
            recoveryID = try Self.yParity(sig.v)
        case .dynamicFee(let t):
            sig = t.signature
            guard t.chainID == rules.chainID else { throw .wrongChainID(expected: rules.chainID, got: t.chainID) }
            recoveryID = try Self.yParity(sig.v)
        case .blob(let t):
            sig = t.signature
            guard t.chainID == rules.chainID else { throw .wrongChainID(expected: rules.chainID, got: t.chainID) }
            recoveryID = try Self.yParity(sig.v)
        case .setCode(let t):
            sig = t.signature
            guard t.chainID == rules.chainID else { throw .wrongChainID(expected: rules.chainID, got: t.chainID) }
            recoveryID = try Self.yParity(sig.v)
        }
        if sig.r.isZero || sig.r >= Secp256k1Order.n { throw .invalidSignatureValues("r not in [1, n-1]") }
        if sig.s.isZero || sig.s >= Secp256k1Order.n { throw .invalidSignatureValues("s not in [1, n-1]") }
        if rules.fork >= .homestead && sig.s > Secp256k1Order.halfN {
            throw .invalidSignatureValues("s above n/2 (EIP-2)")
        }
        return (sig, recoveryID)
    }

    static func yParity(_ v: UInt256) throws(TransactionValidationError) -> Int32 {
        guard v.l1 | v.l2 | v.l3 == 0, v.l0 <= 1 else { throw .invalidSignatureValues("y-parity not 0 or 1") }
        return Int32(truncatingIfNeeded: v.l0)
    }
}
