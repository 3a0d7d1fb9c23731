public import Primitives
public import Bitcoin

/// Amounts (Bitcoin Core `consensus/amount.h`).
public enum Money {
    /// `COIN`: satoshis per bitcoin.
    public static let coin: Int64 = 100_000_000
    /// `MAX_MONEY`: 21 million BTC. A sanity bound, not the supply.
    public static let maxMoney: Int64 = 21_000_000 * coin

    /// `MoneyRange`: 0 ≤ value ≤ MAX_MONEY.
    @inlinable public static func inRange(_ v: Int64) -> Bool { v >= 0 && v <= maxMoney }

    /// Core's `GetBlockSubsidy`: 50 BTC halved every `subsidyHalvingInterval` blocks; zero after 64
    /// halvings.
    public static func subsidy(height: Int, params: ChainParams) -> Int64 {
        let halvings = height / params.subsidyHalvingInterval
        if halvings >= 64 { return 0 }
        return (50 * coin) >> Int64(halvings)
    }
}

/// A block that broke a consensus rule. `reason` is Bitcoin Core's reject string
/// (e.g. `bad-txnmrklroot`, `bad-cb-length`); `txIndex`/`inputIndex` locate it when known.
public struct BlockValidationError: Error, Hashable, Sendable, CustomStringConvertible {
    /// Bitcoin Core's reject reason.
    public let reason: String
    public let txIndex: Int?
    public let inputIndex: Int?
    public let detail: String

    public init(_ reason: String, tx: Int? = nil, input: Int? = nil, detail: String = "") {
        self.reason = reason
        self.txIndex = tx
        self.inputIndex = input
        self.detail = detail
    }

    public var description: String {
        var s = reason
        if let t = txIndex { s += " (tx \(t)" + (inputIndex.map { ", input \($0)" } ?? "") + ")" }
        if !detail.isEmpty { s += ": " + detail }
        return s
    }
}

/// `LOCKTIME_THRESHOLD`: lock times below are heights, at or above are Unix times.
public let lockTimeThreshold: UInt32 = 500_000_000

/// Context-free and contextual block checks (Bitcoin Core `CheckBlock`, `CheckTransaction`,
/// `ContextualCheckBlock`).
public enum BlockValidation {
    /// Core's `CheckTransaction`: non-empty inputs and outputs, stripped size × 4 within the block weight,
    /// each output and the total in `MoneyRange`, no duplicate inputs (CVE-2018-17144), coinbase
    /// scriptSig of 2...100 bytes, no null prevout in a non-coinbase.
    public static func checkTransaction(_ tx: Transaction, index: Int? = nil) throws(BlockValidationError) {
        if tx.inputs.isEmpty { throw BlockValidationError("bad-txns-vin-empty", tx: index) }
        if tx.outputs.isEmpty { throw BlockValidationError("bad-txns-vout-empty", tx: index) }
        if tx.computeBaseSize() * BlockLimits.witnessScaleFactor > BlockLimits.maxWeight {
            throw BlockValidationError("bad-txns-oversize", tx: index)
        }
        var total: Int64 = 0
        for o in tx.outputs {
            if o.value < 0 { throw BlockValidationError("bad-txns-vout-negative", tx: index) }
            if o.value > Money.maxMoney { throw BlockValidationError("bad-txns-vout-toolarge", tx: index) }
            total += o.value  // both ≤ MAX_MONEY, cannot overflow
            if !Money.inRange(total) { throw BlockValidationError("bad-txns-txouttotal-toolarge", tx: index) }
        }
        var seen = Set<OutPoint>()
        seen.reserveCapacity(tx.inputs.count)
        for (i, input) in tx.inputs.enumerated() where !seen.insert(input.prevout).inserted {
            throw BlockValidationError("bad-txns-inputs-duplicate", tx: index, input: i)
        }
        if tx.isCoinbase {
            let n = tx.inputs[0].scriptSig.count
            if n < 2 || n > 100 { throw BlockValidationError("bad-cb-length", tx: index, detail: "\(n) bytes") }
        } else {
            for (i, input) in tx.inputs.enumerated() where input.prevout.isNull {
                throw BlockValidationError("bad-txns-prevout-null", tx: index, input: i)
            }
        }
    }

    /// Core's `CheckBlock` (context-free): proof of work (optional), merkle root and CVE-2012-2459
    /// mutation, size limits, exactly one coinbase and first, `CheckTransaction` for every
    /// transaction, and the legacy sigop limit (× 4 ≤ 80,000).
    ///
    /// Returns the txids it computed, for reuse.
    @discardableResult
    public static func checkBlock(_ block: Block, params: ChainParams, checkProofOfWork: Bool = true) throws(BlockValidationError) -> [TxID] {
        let hash = block.computeHash()
        if checkProofOfWork && !ProofOfWork.check(hash: hash, bits: block.header.bits, powLimit: params.powLimit) {
            throw BlockValidationError("high-hash", detail: "proof of work failed")
        }
        let txids = block.transactions.map { $0.computeTxID() }
        let (root, mutated) = Merkle.computeRoot(txids)
        if root != block.header.merkleRoot {
            throw BlockValidationError("bad-txnmrklroot", detail: "computed \(root.displayHex), header \(block.header.merkleRoot.displayHex)")
        }
        if mutated { throw BlockValidationError("bad-txns-duplicate", detail: "duplicate transaction (CVE-2012-2459)") }
        let scale = BlockLimits.witnessScaleFactor
        if block.transactions.isEmpty || block.transactions.count * scale > BlockLimits.maxWeight
            || block.computeStrippedSize() * scale > BlockLimits.maxWeight
        {
            throw BlockValidationError("bad-blk-length", detail: "size limits failed")
        }
        if !block.transactions[0].isCoinbase { throw BlockValidationError("bad-cb-missing", tx: 0, detail: "first tx is not coinbase") }
        for i in 1..<block.transactions.count where block.transactions[i].isCoinbase {
            throw BlockValidationError("bad-cb-multiple", tx: i, detail: "more than one coinbase")
        }
        for (i, tx) in block.transactions.enumerated() { try checkTransaction(tx, index: i) }
        var sigops = 0
        for tx in block.transactions { sigops += LegacySigOps.legacyCount(tx) }
        if sigops * scale > BlockLimits.maxSigOpsCost {
            throw BlockValidationError("bad-blk-sigops", detail: "\(sigops) legacy sigops")
        }
        return txids
    }

    /// Core's `IsFinalTx`.
    public static func isFinal(_ tx: Transaction, height: Int, blockTime: Int64) -> Bool {
        if tx.lockTime == 0 { return true }
        let lt = Int64(tx.lockTime)
        if lt < (tx.lockTime < lockTimeThreshold ? Int64(height) : blockTime) { return true }
        return tx.inputs.allSatisfy { $0.sequence == TxIn.sequenceFinal }
    }

    /// The scriptSig prefix BIP34 requires: `CScript() << height` (OP_0, OP_1...OP_16, or a minimal
    /// CScriptNum push).
    public static func bip34Prefix(height: Int) -> [UInt8] {
        if height == 0 { return [0x00] }
        if height >= 1 && height <= 16 { return [0x50 + UInt8(height)] }
        var v = UInt64(max(0, height))
        var bytes: [UInt8] = []
        while v > 0 {
            bytes.append(UInt8(truncatingIfNeeded: v))
            v >>= 8
        }
        if let last = bytes.last, last & 0x80 != 0 { bytes.append(0) }
        return [UInt8(bytes.count)] + bytes
    }

    /// The height a BIP34 coinbase claims: the number its scriptSig starts with (OP_0, OP_1...OP_16, or
    /// a minimal push of 1...5 bytes, non-negative). Nil for version-1 blocks or when no such number is
    /// there. Only meaningful from the network's BIP34 height on; tools use it to place a lone block.
    public static func coinbaseHeight(_ block: Block) -> Int? {
        guard block.header.version >= 2, let sig = block.transactions.first?.inputs.first?.scriptSig, let op = sig.first else {
            return nil
        }
        if op == 0 { return 0 }
        if op >= 0x51 && op <= 0x60 { return Int(op - 0x50) }
        guard op >= 1, op <= 5, sig.count > Int(op) else { return nil }
        let n = Int(op)
        if sig[n] & 0x80 != 0 { return nil }  // negative
        var v = 0
        for i in 0..<n { v |= Int(sig[1 + i]) << (8 * i) }
        // Must be the minimal encoding, as `bip34Prefix` would produce it.
        guard bip34Prefix(height: v) == Array(sig.prefix(n + 1)) else { return nil }
        return v
    }

    /// Core's `ContextualCheckBlock`: every transaction final (lock time against the parent's median
    /// time past once CSV/BIP113 is active, else the block time), the BIP34 height prefix in the
    /// coinbase, the witness commitment (BIP141) and the block weight.
    ///
    /// - Parameters:
    ///   - height: the block's height.
    ///   - parentMedianTimePast: median time past of the parent (needed from `csvHeight` on).
    public static func contextualCheckBlock(
        _ block: Block, height: Int, parentMedianTimePast: Int64?, params: ChainParams
    ) throws(BlockValidationError) {
        let cutoff: Int64
        if height >= params.csvHeight {
            guard let mtp = parentMedianTimePast else {
                throw BlockValidationError("missing-context", detail: "median time past of the parent is required at height \(height)")
            }
            cutoff = mtp
        } else {
            cutoff = Int64(block.header.time)
        }
        for (i, tx) in block.transactions.enumerated() where !isFinal(tx, height: height, blockTime: cutoff) {
            throw BlockValidationError("bad-txns-nonfinal", tx: i, detail: "non-final transaction")
        }
        if height >= params.bip34Height {
            let expect = bip34Prefix(height: height)
            guard let sig = block.transactions.first?.inputs.first?.scriptSig, sig.count >= expect.count,
                Array(sig.prefix(expect.count)) == expect
            else {
                throw BlockValidationError("bad-cb-height", tx: 0, detail: "block height mismatch in coinbase (height \(height))")
            }
        }
        switch block.checkWitnessCommitment(segwitActive: height >= params.segwitHeight) {
        case .valid, .noCommitment: break
        case let .invalid(reason): throw BlockValidationError(reason, tx: 0)
        }
        if block.computeWeight() > BlockLimits.maxWeight {
            throw BlockValidationError("bad-blk-weight", detail: "weight limit failed")
        }
    }

    /// Core's `GetBlockScriptFlags` for a block at `height` with hash `hash`: P2SH, WITNESS and TAPROOT
    /// always (except the network's listed exception blocks), DERSIG from BIP66, CHECKLOCKTIMEVERIFY
    /// from BIP65, CHECKSEQUENCEVERIFY from CSV, NULLDUMMY from segwit.
    public static func scriptFlags(height: Int, hash: BlockHash, params: ChainParams) -> UInt32 {
        var flags = params.scriptFlagExceptions[hash] ?? (ScriptFlagBits.p2sh | ScriptFlagBits.witness | ScriptFlagBits.taproot)
        if height >= params.bip66Height { flags |= ScriptFlagBits.derSig }
        if height >= params.bip65Height { flags |= ScriptFlagBits.checkLockTimeVerify }
        if height >= params.csvHeight { flags |= ScriptFlagBits.checkSequenceVerify }
        if height >= params.segwitHeight { flags |= ScriptFlagBits.nullDummy }
        return flags
    }
}
