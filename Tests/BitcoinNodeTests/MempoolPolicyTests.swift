import Bitcoin
import BitcoinConsensus
import BitcoinNode
import Primitives
import Testing

/// Standardness rules against Bitcoin Core's documented values (policy/policy.cpp, policy.h).
@Suite struct MempoolPolicyTests {
    static let p2pkh: [UInt8] = [0x76, 0xa9, 0x14] + Array(repeating: 7, count: 20) + [0x88, 0xac]
    static let p2wpkh: [UInt8] = [0x00, 0x14] + Array(repeating: 7, count: 20)
    static let p2sh: [UInt8] = [0xa9, 0x14] + Array(repeating: 7, count: 20) + [0x87]
    static let p2wsh: [UInt8] = [0x00, 0x20] + Array(repeating: 7, count: 32)
    static let p2tr: [UInt8] = [0x51, 0x20] + Array(repeating: 7, count: 32)
    static let key33: [UInt8] = [0x02] + Array(repeating: 5, count: 32)

    /// A transaction with one plain input and the given outputs.
    static func tx(version: Int32 = 2, scriptSig: [UInt8] = [0x51], outputs: [TxOut]) -> Transaction {
        Transaction(
            version: version, inputs: [TxIn(prevout: OutPoint(txid: Bytes32(Array(repeating: 1, count: 32)), vout: 0), scriptSig: scriptSig)],
            outputs: outputs)
    }

    /// Dust thresholds at the default 3 sat/vB dust relay fee: the well-known 546 (P2PKH), 540
    /// (P2SH), 294 (P2WPKH) and 330 (P2WSH, P2TR) satoshis.
    @Test func dustThresholds() {
        let rate = MempoolPolicy().dustRelayFeeRate
        #expect(StandardPolicy.dustThreshold(TxOut(value: 0, scriptPubKey: Self.p2pkh), dustRelayFeeRate: rate) == 546)
        #expect(StandardPolicy.dustThreshold(TxOut(value: 0, scriptPubKey: Self.p2sh), dustRelayFeeRate: rate) == 540)
        #expect(StandardPolicy.dustThreshold(TxOut(value: 0, scriptPubKey: Self.p2wpkh), dustRelayFeeRate: rate) == 294)
        #expect(StandardPolicy.dustThreshold(TxOut(value: 0, scriptPubKey: Self.p2wsh), dustRelayFeeRate: rate) == 330)
        #expect(StandardPolicy.dustThreshold(TxOut(value: 0, scriptPubKey: Self.p2tr), dustRelayFeeRate: rate) == 330)
        #expect(StandardPolicy.dustThreshold(TxOut(value: 0, scriptPubKey: [0x6a, 0x01, 0x00]), dustRelayFeeRate: rate) == 0)
        #expect(StandardPolicy.isDust(TxOut(value: 545, scriptPubKey: Self.p2pkh), dustRelayFeeRate: rate))
        #expect(!StandardPolicy.isDust(TxOut(value: 546, scriptPubKey: Self.p2pkh), dustRelayFeeRate: rate))
    }

    @Test func outputTypes() {
        #expect(OutputScriptType(script: Self.p2pkh) == .pubkeyHash)
        #expect(OutputScriptType(script: Self.p2sh) == .scriptHash)
        #expect(OutputScriptType(script: Self.p2wpkh) == .witnessV0KeyHash)
        #expect(OutputScriptType(script: Self.p2wsh) == .witnessV0ScriptHash)
        #expect(OutputScriptType(script: Self.p2tr) == .witnessV1Taproot)
        #expect(OutputScriptType(script: [0x51, 0x02, 0x4e, 0x73]) == .anchor)
        #expect(OutputScriptType(script: [0x52, 0x02, 0x00, 0x00]) == .witnessUnknown)
        #expect(OutputScriptType(script: [0x00, 0x03, 1, 2, 3]) == .nonStandard)  // v0 must be 20 or 32 bytes
        #expect(OutputScriptType(script: [33] + Self.key33 + [0xac]) == .pubkey)
        #expect(OutputScriptType(script: [33] + [0x04] + Array(repeating: 5, count: 32) + [0xac]) == .nonStandard)  // bad key header
        #expect(OutputScriptType(script: [0x6a]) == .nullData)
        #expect(OutputScriptType(script: [0x6a, 0x51, 0x02, 1, 2]) == .nullData)
        #expect(OutputScriptType(script: [0x6a, 0xac]) == .nonStandard)
        let ms2of3 = [0x52] + [33] + Self.key33 + [33] + Self.key33 + [33] + Self.key33 + [0x53, 0xae]
        #expect(OutputScriptType(script: ms2of3) == .multisig(required: 2, keys: 3))
        let ms3of2 = [0x53] + [33] + Self.key33 + [33] + Self.key33 + [0x52, 0xae]
        #expect(OutputScriptType(script: ms3of2) == .nonStandard)
        #expect(OutputScriptType(script: [0x51, 0xae]) == .nonStandard)
    }

    @Test func isStandardTx() {
        let policy = MempoolPolicy()
        let ok = TxOut(value: 10_000, scriptPubKey: Self.p2wpkh)
        #expect(StandardPolicy.checkStandard(Self.tx(outputs: [ok]), policy: policy) == nil)
        #expect(StandardPolicy.checkStandard(Self.tx(version: 3, outputs: [ok]), policy: policy) == nil)
        #expect(StandardPolicy.checkStandard(Self.tx(version: 4, outputs: [ok]), policy: policy) == "version")
        #expect(StandardPolicy.checkStandard(Self.tx(version: 0, outputs: [ok]), policy: policy) == "version")
        // scriptSig: push-only, at most 1,650 bytes.
        #expect(StandardPolicy.checkStandard(Self.tx(scriptSig: [0x51, 0x87], outputs: [ok]), policy: policy) == "scriptsig-not-pushonly")
        let big: [UInt8] = [0x4d, 0x70, 0x06] + Array(repeating: 0, count: 1648)  // a 1,651-byte push
        #expect(StandardPolicy.checkStandard(Self.tx(scriptSig: big, outputs: [ok]), policy: policy) == "scriptsig-size")
        let edge: [UInt8] = [0x4d, 0x6f, 0x06] + Array(repeating: 0, count: 1647)  // exactly 1,650 bytes
        #expect(StandardPolicy.checkStandard(Self.tx(scriptSig: edge, outputs: [ok]), policy: policy) == nil)
        // OP_RETURN: one output, script ≤ 83 bytes (OP_RETURN OP_PUSHDATA1 80 <80 bytes> = 83).
        let data83 = TxOut(value: 0, scriptPubKey: [0x6a, 0x4c, 80] + Array(repeating: 1, count: 80))
        let data84 = TxOut(value: 0, scriptPubKey: [0x6a, 0x4c, 81] + Array(repeating: 1, count: 81))
        #expect(StandardPolicy.checkStandard(Self.tx(outputs: [ok, data83]), policy: policy) == nil)
        #expect(StandardPolicy.checkStandard(Self.tx(outputs: [ok, data84]), policy: policy) == "scriptpubkey")
        #expect(StandardPolicy.checkStandard(Self.tx(outputs: [ok, data83, data83]), policy: policy) == "multi-op-return")
        // Dust, non-standard outputs, bare multisig up to 3 keys.
        #expect(StandardPolicy.checkStandard(Self.tx(outputs: [TxOut(value: 293, scriptPubKey: Self.p2wpkh)]), policy: policy) == "dust")
        #expect(StandardPolicy.checkStandard(Self.tx(outputs: [TxOut(value: 10_000, scriptPubKey: [0x51])]), policy: policy) == "scriptpubkey")
        let ms1of3 = [0x51] + [33] + Self.key33 + [33] + Self.key33 + [33] + Self.key33 + [0x53, 0xae]
        let ms1of4 = [0x51] + [33] + Self.key33 + [33] + Self.key33 + [33] + Self.key33 + [33] + Self.key33 + [0x54, 0xae]
        #expect(StandardPolicy.checkStandard(Self.tx(outputs: [TxOut(value: 10_000, scriptPubKey: ms1of3)]), policy: policy) == nil)
        #expect(StandardPolicy.checkStandard(Self.tx(outputs: [TxOut(value: 10_000, scriptPubKey: ms1of4)]), policy: policy) == "scriptpubkey")
        var noBare = policy
        noBare.permitBareMultisig = false
        #expect(StandardPolicy.checkStandard(Self.tx(outputs: [TxOut(value: 10_000, scriptPubKey: ms1of3)]), policy: noBare) == "bare-multisig")
        // Weight above 400,000: 2,500 outputs of 43 bytes ≈ 430,000 weight units.
        let heavy = Self.tx(outputs: Array(repeating: TxOut(value: 1000, scriptPubKey: Self.p2wsh), count: 2500))
        #expect(heavy.computeWeight() > 400_000)
        #expect(StandardPolicy.checkStandard(heavy, policy: policy) == "tx-size")
    }

    /// `CFeeRate::GetFee` rounds up; the policy vsize charges 20 vbytes per sigop (cost) when larger.
    @Test func feeArithmetic() {
        #expect(MempoolPolicy.fee(rate: 1000, vsize: 141) == 141)
        #expect(MempoolPolicy.fee(rate: 1500, vsize: 141) == 212)  // 211.5 rounded up
        #expect(MempoolPolicy.fee(rate: 1, vsize: 10) == 1)  // never 0 for a non-zero rate
        #expect(MempoolPolicy.virtualSize(weight: 561, sigOpsCost: 4) == 141)
        #expect(MempoolPolicy.virtualSize(weight: 400, sigOpsCost: 100) == 500)  // 100 × 20 / 4
    }
}
