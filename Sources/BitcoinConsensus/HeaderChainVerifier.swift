public import Primitives
public import Bitcoin

/// A header consensus rule, named with Bitcoin Core's reject reason (`rawValue`).
public enum HeaderRule: String, Sendable, Hashable, CaseIterable {
    /// Proof of work: the target is negative, zero, overflows or exceeds the pow limit, or the hash
    /// exceeds the target (`CheckProofOfWork`).
    case highHash = "high-hash"
    /// The header does not link to the previous header (Core: the parent is unknown).
    case badPrevHash = "prev-blk-not-found"
    /// `bits` differs from `GetNextWorkRequired`.
    case badDiffBits = "bad-diffbits"
    /// The time is not after the median of the previous 11 blocks (BIP113 MTP rule for headers).
    case timeTooOld = "time-too-old"
    /// The time is more than the future limit (2 hours) after "now".
    case timeTooNew = "time-too-new"
    /// BIP94: the first block of a period is more than 600 s before its parent.
    case timewarp = "time-timewarp-attack"
    /// The version is below the BIP34 (2), BIP66 (3) or BIP65 (4) minimum for the height.
    case badVersion = "bad-version"
}

/// The first header that broke a rule.
public struct HeaderValidationError: Error, Hashable, Sendable, CustomStringConvertible {
    public let height: Int
    public let hash: BlockHash
    public let rule: HeaderRule
    public let detail: String

    public init(height: Int, hash: BlockHash, rule: HeaderRule, detail: String) {
        self.height = height
        self.hash = hash
        self.rule = rule
        self.detail = detail
    }

    public var description: String { "height \(height) (\(hash.displayHex)): \(rule.rawValue): \(detail)" }
}

/// Checks a linear sequence of headers against Bitcoin Core's header rules
/// (`CheckBlockHeader` + `ContextualCheckBlockHeader`, in Core's order), and accumulates chain work.
///
/// It starts from an anchor: the network's genesis block, or a trusted header at a given height.
/// Rules that need ancestors below a trusted anchor (the retarget lookback, the testnet
/// min-difficulty walk-back, the 11-block median time past) are skipped while those ancestors are
/// missing; `skippedChecks` counts the skips. Nothing here reads a clock: "now" is an option.
public struct HeaderChainVerifier: Sendable {
    /// `MAX_FUTURE_BLOCK_TIME`: 2 hours.
    public static let maxFutureBlockTime: Int64 = 2 * 60 * 60
    /// The largest anchor height (Core's block heights are `int`).
    public static let maxHeight = Int(Int32.max) - 1
    /// BIP94 `MAX_TIMEWARP`: 600 seconds.
    public static let maxTimewarp: Int64 = 600

    /// Where the chain starts.
    public enum Anchor: Sendable {
        /// The network's genesis block at height 0.
        case genesis
        /// A header trusted at `height` (clamped to 0...`maxHeight`); its proof of work is still checked.
        case trusted(BlockHeader, height: Int)
    }

    /// Inputs that are not in the headers.
    public struct Options: Sendable {
        /// Current time (Unix seconds) for the future-time limit; nil skips that rule.
        public var now: Int64?
        /// The future-time limit (Core: 2 h).
        public var maxFutureBlockTime: Int64
        /// Check proof of work (Core's `fCheckPOW`). Only tests that mutate real headers turn it off.
        public var checkProofOfWork: Bool

        public init(now: Int64?, maxFutureBlockTime: Int64 = HeaderChainVerifier.maxFutureBlockTime, checkProofOfWork: Bool = true) {
            self.now = now
            self.maxFutureBlockTime = maxFutureBlockTime
            self.checkProofOfWork = checkProofOfWork
        }
    }

    /// The network's parameters.
    public let params: ChainParams
    public private(set) var options: Options
    /// Height of the anchor (the first entry).
    public let baseHeight: Int
    /// Times and bits from `baseHeight` to the tip.
    private var times: [UInt32] = []
    private var bitsList: [UInt32] = []
    /// Per entry: the testnet min-difficulty walk-back result from it, or -1 when it would reach below
    /// a trusted anchor. Makes the walk-back O(1).
    private var walkBack: [Int64] = []
    /// Hash of the last accepted header (the anchor's at first).
    public private(set) var tipHash: BlockHash
    /// Work of every header from the anchor to the tip, the anchor included (Core's `nChainWork`
    /// when the anchor is genesis).
    public private(set) var chainWork: UInt256
    /// Rule checks skipped because ancestors below a trusted anchor were missing.
    public private(set) var skippedChecks = 0
    private let powLimitBits: UInt32
    // Work of the last `bits` seen (bits rarely change; the 256-bit division is the costly part).
    private var workCacheBits: UInt32 = 0
    private var workCache: UInt256 = .zero

    /// Height of the last accepted header.
    public var tipHeight: Int { baseHeight + times.count - 1 }
    /// Headers appended after the anchor.
    public var appendedCount: Int { times.count - 1 }

    /// Creates a verifier. A trusted anchor's proof of work is checked (it needs no ancestors).
    public init(params: ChainParams, anchor: Anchor = .genesis, options: Options) throws(HeaderValidationError) {
        self.params = params
        self.options = options
        self.powLimitBits = params.powLimitBits
        let header: BlockHeader
        switch anchor {
        case .genesis:
            header = params.genesis.header
            baseHeight = 0
            tipHash = params.genesisHash
        case let .trusted(h, height):
            header = h
            // Core's heights are 32-bit; clamping keeps height arithmetic far from overflow.
            baseHeight = min(max(0, height), HeaderChainVerifier.maxHeight)
            tipHash = h.computeHash()
        }
        if options.checkProofOfWork && !ProofOfWork.check(hash: tipHash, bits: header.bits, powLimit: params.powLimit) {
            throw HeaderValidationError(height: baseHeight, hash: tipHash, rule: .highHash, detail: "anchor fails proof of work")
        }
        times = [header.time]
        bitsList = [header.bits]
        let interval = params.difficultyAdjustmentInterval
        walkBack = [baseHeight == 0 || baseHeight % interval == 0 || header.bits != powLimitBits ? Int64(header.bits) : -1]
        chainWork = header.computeWork()
    }

    /// The same chain state with proof-of-work checking switched on or off (tests mutate real headers
    /// with it off to reach the rules behind the PoW check).
    public static func resuming(_ v: HeaderChainVerifier, checkProofOfWork: Bool) -> HeaderChainVerifier {
        var copy = v
        copy.options.checkProofOfWork = checkProofOfWork
        return copy
    }

    /// Reserves storage for `n` more headers.
    public mutating func reserveCapacity(_ n: Int) {
        times.reserveCapacity(times.count + n)
        bitsList.reserveCapacity(bitsList.count + n)
        walkBack.reserveCapacity(walkBack.count + n)
    }

    struct Ancestors: AncestorProvider {
        let base: Int
        let times: [UInt32]
        let bits: [UInt32]
        let walkBack: [Int64]
        func ancestor(atHeight h: Int) -> ChainEntry? {
            let i = h - base
            guard i >= 0, i < times.count else { return nil }
            return ChainEntry(height: h, time: times[i], bits: bits[i])
        }
        func minDifficultyWalkBack(from last: ChainEntry, interval: Int, limitBits: UInt32) -> UInt32? {
            let i = last.height - base
            guard i >= 0, i < walkBack.count, walkBack[i] >= 0 else { return nil }
            return UInt32(truncatingIfNeeded: walkBack[i])
        }
    }

    /// Appends one header, computing its hash.
    public mutating func append(_ header: BlockHeader) throws(HeaderValidationError) {
        try append(header, hash: header.computeHash())
    }

    /// Appends one header whose hash the caller computed (must be `header.computeHash()`).
    public mutating func append(_ header: BlockHeader, hash: BlockHash) throws(HeaderValidationError) {
        let height = tipHeight + 1
        func fail(_ rule: HeaderRule, _ detail: String) -> HeaderValidationError {
            HeaderValidationError(height: height, hash: hash, rule: rule, detail: detail)
        }
        // CheckBlockHeader: proof of work.
        if options.checkProofOfWork && !ProofOfWork.check(hash: hash, bits: header.bits, powLimit: params.powLimit) {
            throw fail(.highHash, "hash \(hash.displayHex) above target of bits 0x\(hex32(header.bits))")
        }
        // Linkage (Core: prev-blk-not-found).
        guard header.prevBlock == tipHash else {
            throw fail(.badPrevHash, "prev \(header.prevBlock.displayHex) != tip \(tipHash.displayHex)")
        }
        let lastIndex = times.count - 1
        let last = ChainEntry(height: height - 1, time: times[lastIndex], bits: bitsList[lastIndex])
        // The ancestor view shares the arrays' storage; it is scoped so that no copy is alive when the
        // arrays grow below (which would otherwise copy them on every append).
        let (expectedBits, mtpValue): (UInt32?, Int64?) = {
            let view = Ancestors(base: baseHeight, times: times, bits: bitsList, walkBack: walkBack)
            return (
                ProofOfWork.nextWorkRequired(last: last, newTime: header.time, params: params, ancestors: view),
                ProofOfWork.medianTimePast(last: last, ancestors: view)
            )
        }()
        // ContextualCheckBlockHeader: difficulty.
        if let expected = expectedBits {
            if header.bits != expected {
                throw fail(.badDiffBits, "bits 0x\(hex32(header.bits)), expected 0x\(hex32(expected))")
            }
        } else {
            skippedChecks += 1
        }
        // Median time past.
        if let mtp = mtpValue {
            if Int64(header.time) <= mtp { throw fail(.timeTooOld, "time \(header.time) <= median time past \(mtp)") }
        } else {
            skippedChecks += 1
        }
        // BIP94 timewarp: first block of a period.
        if params.enforceBIP94 && height % params.difficultyAdjustmentInterval == 0 {
            if Int64(header.time) < Int64(last.time) - HeaderChainVerifier.maxTimewarp {
                throw fail(.timewarp, "time \(header.time) more than 600 s before parent time \(last.time)")
            }
        }
        // Future limit.
        if let now = options.now, case let (limit, false) = now.addingReportingOverflow(options.maxFutureBlockTime),
            Int64(header.time) > limit
        {
            throw fail(.timeTooNew, "time \(header.time) > now \(now) + \(options.maxFutureBlockTime)")
        }
        // Versions (BIP34/66/65).
        if let minVersion = HeaderChainVerifier.minimumVersion(height: height, params: params), header.version < minVersion {
            throw fail(.badVersion, "version 0x\(hex32(UInt32(bitPattern: header.version))) < \(minVersion) at height \(height)")
        }
        let interval = params.difficultyAdjustmentInterval
        if height % interval == 0 || header.bits != powLimitBits {
            walkBack.append(Int64(header.bits))
        } else {
            walkBack.append(walkBack[walkBack.count - 1])
        }
        times.append(header.time)
        bitsList.append(header.bits)
        tipHash = hash
        if header.bits != workCacheBits {
            workCacheBits = header.bits
            workCache = header.computeWork()
        }
        chainWork = chainWork &+ workCache
    }

    /// Appends headers in order, stopping at the first that breaks a rule.
    public mutating func append(contentsOf headers: some Sequence<BlockHeader>) throws(HeaderValidationError) {
        for h in headers { try append(h) }
    }

    /// The smallest allowed version at `height` (Core: BIP34 → 2, BIP66 → 3, BIP65 → 4), nil if any.
    public static func minimumVersion(height: Int, params: ChainParams) -> Int32? {
        if height >= params.bip65Height { return 4 }
        if height >= params.bip66Height { return 3 }
        if height >= params.bip34Height { return 2 }
        return nil
    }

    /// The tip as a `ChainEntry`.
    public var tip: ChainEntry {
        ChainEntry(height: tipHeight, time: times[times.count - 1], bits: bitsList[bitsList.count - 1])
    }

    /// The entry at `height`, if it is between the anchor and the tip.
    public func entry(atHeight h: Int) -> ChainEntry? {
        Ancestors(base: baseHeight, times: times, bits: bitsList, walkBack: walkBack).ancestor(atHeight: h)
    }

    /// Median time past of the tip, if enough ancestors are known.
    public func tipMedianTimePast() -> Int64? {
        ProofOfWork.medianTimePast(last: tip, ancestors: Ancestors(base: baseHeight, times: times, bits: bitsList, walkBack: walkBack))
    }
}

@inline(__always) func hex32(_ v: UInt32) -> String {
    let s = String(v, radix: 16)
    return String(repeating: "0", count: max(0, 8 - s.count)) + s
}
