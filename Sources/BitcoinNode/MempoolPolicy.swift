public import Bitcoin
import BitcoinConsensus
import BitcoinScript

/// Relay policy of the mempool: Bitcoin Core's defaults (policy/policy.h, validation.h,
/// kernel/mempool_options.h). Fee rates are in satoshis per 1,000 virtual bytes, like Core's
/// `CFeeRate`. None of this is consensus; blocks are never checked against it.
public struct MempoolPolicy: Sendable, Hashable {
    /// `-minrelaytxfee` (DEFAULT_MIN_RELAY_TX_FEE = 1,000 sat/kvB = 1 sat/vB).
    public var minRelayFeeRate: Int64 = 1000
    /// `-incrementalrelayfee` (DEFAULT_INCREMENTAL_RELAY_FEE = 1,000 sat/kvB): the extra rate a
    /// replacement must pay (BIP125 rule 4) and the step above an evicted package's rate.
    public var incrementalRelayFeeRate: Int64 = 1000
    /// `-dustrelayfee` (DUST_RELAY_TX_FEE = 3,000 sat/kvB).
    public var dustRelayFeeRate: Int64 = 3000
    /// `-maxmempool` (DEFAULT_MAX_MEMPOOL_SIZE_MB = 300), counted here as the sum of the entries'
    /// serialized sizes plus ``entryOverhead`` each (Core counts dynamic memory usage).
    public var maxSizeBytes: Int = 300_000_000
    /// Bytes charged per entry on top of its serialized size (index and bookkeeping).
    public var entryOverhead: Int = 400
    /// `-mempoolexpiry` (DEFAULT_MEMPOOL_EXPIRY_HOURS = 336 h), in seconds.
    public var expirySeconds: Int64 = 336 * 3600
    /// `-limitancestorcount` / `-limitdescendantcount` (25, the transaction itself included).
    public var ancestorLimitCount: Int = 25
    public var descendantLimitCount: Int = 25
    /// `-limitancestorsize` / `-limitdescendantsize` (101 kvB), in virtual bytes.
    public var ancestorLimitVSize: Int = 101_000
    public var descendantLimitVSize: Int = 101_000
    /// BIP125 rule 5 (MAX_REPLACEMENT_CANDIDATES = 100): most transactions one replacement evicts.
    public var maxReplacements: Int = 100
    /// `-datacarriersize` (MAX_OP_RETURN_RELAY = 83): largest standard OP_RETURN scriptPubKey, and at
    /// most one such output per transaction — Core ≤ 29's rule. Core 30 raised the default to 100,000
    /// bytes and allows several OP_RETURN outputs; we keep the older, stricter default (tbc peers and
    /// most of the network's relay still follow it, and PoP payloads are 80 bytes).
    public var maxDataCarrierBytes: Int = 83
    /// `-permitbaremultisig` (DEFAULT_PERMIT_BAREMULTISIG = true).
    public var permitBareMultisig: Bool = true
    /// Whether standardness is required (Core's `fRequireStandard`: on for mainnet, testnet4 and
    /// signet; `BitcoinChain` turns it off on regtest and testnet3 as Core does). Off, only consensus
    /// rules, fees, package limits and RBF apply (and, unlike Core, `tx-size-small` is not checked
    /// either, so regtest tools may relay tiny anyone-can-spend sweeps).
    public var requireStandard: Bool = true

    /// Core's defaults.
    public init() {}

    /// `MAX_STANDARD_TX_WEIGHT`.
    public static let maxStandardWeight = 400_000
    /// `MIN_STANDARD_TX_NONWITNESS_SIZE`: smaller non-witness serializations are rejected (CVE-2017-12842).
    public static let minStandardNonWitnessSize = 65
    /// `MAX_STANDARD_SCRIPTSIG_SIZE`.
    public static let maxStandardScriptSigSize = 1650
    /// `MAX_STANDARD_TX_SIGOPS_COST` (MAX_BLOCK_SIGOPS_COST / 5).
    public static let maxStandardSigOpsCost = 16_000
    /// `MAX_P2SH_SIGOPS`.
    public static let maxP2SHSigOps = 15
    /// `TX_MAX_STANDARD_VERSION` (3 since Core 28: TRUC/v3 transactions are standard).
    public static let maxStandardVersion: Int32 = 3
    /// `DEFAULT_BYTES_PER_SIGOP`: sigops are charged this many virtual bytes each in the policy vsize.
    public static let bytesPerSigOp = 20

    /// `CFeeRate::GetFee`: the fee at `rate` sat/kvB for `vsize` bytes, rounded up (and at least 1 sat
    /// for a non-zero rate and size).
    public static func fee(rate: Int64, vsize: Int) -> Int64 {
        let n = rate * Int64(vsize)
        var fee = n >= 0 ? (n + 999) / 1000 : -((-n) / 1000)
        if fee == 0 && vsize != 0 { fee = rate > 0 ? 1 : (rate < 0 ? -1 : 0) }
        return fee
    }

    /// `GetVirtualTransactionSize(weight, sigop_cost, bytes_per_sigop)`.
    public static func virtualSize(weight: Int, sigOpsCost: Int) -> Int {
        (max(weight, sigOpsCost * bytesPerSigOp) + 3) / 4
    }
}

/// The output script templates of Core's `Solver` (script/solver.h `TxoutType`).
public enum OutputScriptType: Sendable, Hashable {
    case nonStandard
    case pubkey
    case pubkeyHash
    case scriptHash
    case multisig(required: Int, keys: Int)
    case nullData
    case witnessV0KeyHash
    case witnessV0ScriptHash
    case witnessV1Taproot
    /// Pay-to-anchor, `OP_1 <0x4e73>` (Core 28).
    case anchor
    case witnessUnknown

    /// Classifies `script` (Core's `Solver`).
    public init(script s: [UInt8]) {
        if Script.isPayToScriptHash(s) {
            self = .scriptHash
            return
        }
        if s == [0x51, 0x02, 0x4e, 0x73] {
            self = .anchor
            return
        }
        if let wp = Script.witnessProgram(s) {
            switch (wp.version, wp.program.count) {
            case (0, 20): self = .witnessV0KeyHash
            case (0, 32): self = .witnessV0ScriptHash
            case (0, _): self = .nonStandard
            case (1, 32): self = .witnessV1Taproot
            default: self = .witnessUnknown
            }
            return
        }
        if let first = s.first, first == 0x6a, Script.isPushOnly(Array(s.dropFirst())) {
            self = .nullData
            return
        }
        if (s.count == 35 && s[0] == 33 && s[34] == 0xac && Self.validPubKeySize(s[1...33]))
            || (s.count == 67 && s[0] == 65 && s[66] == 0xac && Self.validPubKeySize(s[1...65]))
        {
            self = .pubkey
            return
        }
        if s.count == 25 && s[0] == 0x76 && s[1] == 0xa9 && s[2] == 0x14 && s[23] == 0x88 && s[24] == 0xac {
            self = .pubkeyHash
            return
        }
        if let m = Self.multisig(s) {
            self = .multisig(required: m.required, keys: m.keys)
            return
        }
        self = .nonStandard
    }

    /// `CPubKey::ValidSize`: the length the header byte announces.
    static func validPubKeySize(_ k: ArraySlice<UInt8>) -> Bool {
        guard let h = k.first else { return false }
        switch h {
        case 2, 3: return k.count == 33
        case 4, 6, 7: return k.count == 65
        default: return false
        }
    }

    /// `MatchMultisig`: OP_m <keys…> OP_n OP_CHECKMULTISIG with n keys of valid size, 1 ≤ m ≤ n ≤ 16.
    static func multisig(_ s: [UInt8]) -> (required: Int, keys: Int)? {
        guard s.count >= 3, s[s.count - 1] == 0xae else { return nil }
        var pc = 0
        guard let mOp = getScriptOp(s, &pc), (0x51...0x60).contains(mOp.opcode) else { return nil }
        let m = Int(mOp.opcode) - 0x50
        var keys = 0
        while true {
            guard let ins = getScriptOp(s, &pc) else { return nil }
            if ins.opcode == 33 || ins.opcode == 65 {
                guard validPubKeySize(s[ins.dataStart..<(ins.dataStart + ins.dataCount)]) else { return nil }
                keys += 1
                continue
            }
            guard (0x51...0x60).contains(ins.opcode), Int(ins.opcode) - 0x50 == keys else { return nil }
            break
        }
        guard pc == s.count - 1, m <= keys else { return nil }
        return (m, keys)
    }
}

/// Core's standardness rules (policy/policy.cpp `IsStandardTx`, `AreInputsStandard`, `IsDust`).
/// The reason strings are Core's reject reasons.
public enum StandardPolicy {
    /// `GetDustThreshold`: an output is dust when its value is below the fee, at `dustRelayFeeRate`,
    /// of the output plus the input that would spend it (148 bytes of input, or 67 for a witness
    /// program: 32 + 4 + 1 + 107/4 + 4). Unspendable outputs (OP_RETURN, scripts over 10,000 bytes)
    /// have no threshold. Examples at 3,000 sat/kvB: P2PKH 546, P2WPKH 294, P2TR 330.
    public static func dustThreshold(_ out: TxOut, dustRelayFeeRate: Int64) -> Int64 {
        let s = out.scriptPubKey
        if s.first == 0x6a || s.count > ScriptLimits.maxScriptSize { return 0 }
        var size = 8 + compactSizeLength(s.count) + s.count
        if Script.witnessProgram(s) != nil {
            size += 32 + 4 + 1 + (107 / 4) + 4
        } else {
            size += 32 + 4 + 1 + 107 + 4
        }
        return MempoolPolicy.fee(rate: dustRelayFeeRate, vsize: size)
    }

    /// `IsDust`.
    public static func isDust(_ out: TxOut, dustRelayFeeRate: Int64) -> Bool {
        out.value < dustThreshold(out, dustRelayFeeRate: dustRelayFeeRate)
    }

    static func compactSizeLength(_ n: Int) -> Int { n < 0xfd ? 1 : (n <= 0xffff ? 3 : (n <= 0xffff_ffff ? 5 : 9)) }

    /// `IsStandardTx` (without the finality check, which the mempool does itself). Returns Core's
    /// reject reason, or nil if the transaction is standard.
    public static func checkStandard(_ tx: Transaction, policy: MempoolPolicy) -> String? {
        if tx.version > MempoolPolicy.maxStandardVersion || tx.version < 1 { return "version" }
        if tx.computeWeight() > MempoolPolicy.maxStandardWeight { return "tx-size" }
        for input in tx.inputs {
            if input.scriptSig.count > MempoolPolicy.maxStandardScriptSigSize { return "scriptsig-size" }
            if !Script.isPushOnly(input.scriptSig) { return "scriptsig-not-pushonly" }
        }
        var dataOutputs = 0
        for out in tx.outputs {
            let type = OutputScriptType(script: out.scriptPubKey)
            switch type {
            case .nonStandard: return "scriptpubkey"
            case let .multisig(m, n):
                if n < 1 || n > 3 || m < 1 || m > n { return "scriptpubkey" }
                if !policy.permitBareMultisig { return "bare-multisig" }
            case .nullData:
                if out.scriptPubKey.count > policy.maxDataCarrierBytes { return "scriptpubkey" }
                dataOutputs += 1
            default: break
            }
            if isDust(out, dustRelayFeeRate: policy.dustRelayFeeRate) { return "dust" }
        }
        if dataOutputs > 1 { return "multi-op-return" }
        return nil
    }

    /// `AreInputsStandard`: every spent output is of a standard type (not non-standard or an unknown
    /// witness version), and a P2SH redeem script has at most 15 sigops. Nil when standard, else
    /// Core's reason.
    public static func checkInputs(_ tx: Transaction, spent: [TxOut]) -> String? {
        for (i, input) in tx.inputs.enumerated() where i < spent.count {
            switch OutputScriptType(script: spent[i].scriptPubKey) {
            case .nonStandard, .witnessUnknown: return "bad-txns-nonstandard-inputs"
            case .scriptHash:
                if SigOps.p2shCount(scriptSig: input.scriptSig, scriptPubKey: spent[i].scriptPubKey) > MempoolPolicy.maxP2SHSigOps {
                    return "bad-txns-nonstandard-inputs"
                }
            default: break
            }
        }
        return nil
    }
}
