import Foundation
import Testing
import Primitives
import Hashing
import Bitcoin
import BitcoinScript
import Secp256k1

@Suite struct SighashVectors {
    /// Core's sighash.json: legacy SignatureHash; the expected value is in display (reversed) order.
    @Test func legacySighashJSON() throws {
        guard let rows = try loadJSON("bitcoin/core/sighash.json") as? [[Any]] else { throw VectorError("bad json") }
        var passed = 0
        var total = 0
        var failures: [String] = []
        for (i, row) in rows.enumerated() where row.count == 5 {
            total += 1
            guard let txHex = row[0] as? String, let scriptHex = row[1] as? String,
                let nIn = (row[2] as? NSNumber)?.intValue, let hashType = (row[3] as? NSNumber)?.int32Value,
                let expected = row[4] as? String, let txBytes = [UInt8](hex: txHex), let script = [UInt8](hex: scriptHex)
            else { failures.append("row \(i): malformed"); continue }
            let tx = try Transaction(bytes: txBytes)
            #expect(TransactionChecks.checkTransaction(tx) == nil, "row \(i): CheckTransaction")
            let got = SigHash.legacy(tx: tx, inputIndex: nIn, scriptCode: script, hashType: hashType)
            if got.displayHex == expected { passed += 1 } else { failures.append("row \(i): got \(got.displayHex) expected \(expected)") }
        }
        print("sighash.json: \(passed)/\(total) pass")
        for f in failures { print("FAIL sighash.json \(f)") }
        #expect(total == 500)
        #expect(failures.isEmpty)
    }

    /// BIP143 worked examples: intermediate hashes, every sighash, every signature, and every
    /// signed transaction verifying input by input under the consensus flags and under policy.
    @Test func bip143Examples() throws {
        guard let root = try loadJSON("bitcoin/bips/bip143.json") as? [String: Any],
            let examples = root["examples"] as? [[String: Any]]
        else { throw VectorError("bad json") }
        var sighashChecks = 0
        var signatureChecks = 0
        var txChecks = 0
        for ex in examples {
            let name = ex["name"] as? String ?? "?"
            let unsigned = try Transaction(bytes: [UInt8](hex: ex["unsigned_tx"] as? String ?? "") ?? [])
            let inputs = ex["inputs"] as? [[String: Any]] ?? []
            var spent: [TxOut] = []
            for inp in inputs {
                let amount = (inp["amount"] as? NSNumber)?.int64Value ?? -1
                var spk = [UInt8](hex: inp["scriptPubKey"] as? String ?? "") ?? []
                if inp["scriptPubKey"] == nil, let ws = [UInt8](hex: inp["witnessScript"] as? String ?? "") {
                    spk = [0x00, 0x20] + SHA256Hash.hash(ws).bytes
                }
                spent.append(TxOut(value: amount, scriptPubKey: spk))
            }
            #expect(spent.count == unsigned.inputs.count, "\(name): inputs")
            let pre = PrecomputedTransactionData(tx: unsigned, spentOutputs: spent, force: true)
            if let inter = ex["intermediate"] as? [String: String] {
                // Some examples print only some of the three.
                if let v = inter["hashPrevouts"] { #expect(pre.hashPrevouts.hex == v, "\(name): hashPrevouts") }
                if let v = inter["hashSequence"] { #expect(pre.hashSequence.hex == v, "\(name): hashSequence") }
                if let v = inter["hashOutputs"] { #expect(pre.hashOutputs.hex == v, "\(name): hashOutputs") }
            }
            for sh in ex["sighashes"] as? [[String: Any]] ?? [] {
                let idx = (sh["input_index"] as? NSNumber)?.intValue ?? -1
                let hashType = (sh["sighash_type"] as? NSNumber)?.int32Value ?? 0
                var codeReader = ByteReader([UInt8](hex: sh["scriptCode"] as? String ?? "") ?? [])
                let scriptCode = try codeReader.readVarBytes()
                let amountLE = [UInt8](hex: sh["amount"] as? String ?? "") ?? []
                var ar = ByteReader(amountLE)
                let amount = try ar.readInt64LE()
                for cached in [true, false] {
                    let got = SigHash.witnessV0(
                        tx: unsigned, inputIndex: idx, scriptCode: scriptCode, amount: amount, hashType: hashType,
                        precomputed: cached ? pre : nil)
                    #expect(got.hex == sh["sighash"] as? String, "\(name): sighash input \(idx) type \(hashType)")
                }
                #expect(SHA256Hash.double([UInt8](hex: sh["preimage"] as? String ?? "") ?? []).hex == sh["sighash"] as? String)
                sighashChecks += 1
                if let sigHex = sh["signature"] as? String, let sig = [UInt8](hex: sigHex) {
                    let pubHex = (sh["public_key"] as? String) ?? (inputs[idx]["public_key"] as? String)
                    if let pubHex, let pub = [UInt8](hex: pubHex), let digest = Bytes32(hex: sh["sighash"] as? String ?? "") {
                        #expect(
                            Secp256k1.verifyECDSA(signatureDER: Array(sig.dropLast()), publicKey: pub, message: digest),
                            "\(name): signature input \(idx)")
                        signatureChecks += 1
                    }
                }
            }
            for key in ["signed_tx", "signed_tx_inputs_swapped"] {
                guard let hex = ex[key] as? String, let bytes = [UInt8](hex: hex) else { continue }
                let tx = try Transaction(bytes: bytes)
                // Spent outputs by outpoint (the swapped variant reorders inputs).
                var byOutpoint: [OutPoint: TxOut] = [:]
                for (i, inp) in unsigned.inputs.enumerated() { byOutpoint[inp.prevout] = spent[i] }
                let spentHere = tx.inputs.map { byOutpoint[$0.prevout] ?? TxOut(value: 0, scriptPubKey: []) }
                let txPre = PrecomputedTransactionData(tx: tx, spentOutputs: spentHere)
                for i in 0..<tx.inputs.count {
                    let err = verifyScript(
                        tx: tx, inputIndex: i, spentOutput: spentHere[i], precomputed: txPre, flags: .mandatory)
                    #expect(err == nil, "\(name) \(key): input \(i) failed with \(err?.coreName ?? "")")
                }
                txChecks += 1
            }
        }
        print("bip143.json: \(sighashChecks) sighashes, \(signatureChecks) signatures, \(txChecks) signed txs checked")
        #expect(sighashChecks == 14)
        #expect(txChecks == 8)
    }

    /// BIP341 wallet vectors, keyPathSpending: intermediary hashes, sigHash for each input,
    /// and verification of each given witness (and the fully signed transaction).
    @Test func bip341KeyPathSpending() throws {
        guard let root = try loadJSON("bitcoin/core/bip341_wallet_vectors.json") as? [String: Any],
            let kps = root["keyPathSpending"] as? [[String: Any]]
        else { throw VectorError("bad json") }
        var inputsChecked = 0
        for k in kps {
            let given = k["given"] as? [String: Any] ?? [:]
            let tx = try Transaction(bytes: [UInt8](hex: given["rawUnsignedTx"] as? String ?? "") ?? [])
            let utxos = (given["utxosSpent"] as? [[String: Any]] ?? []).map {
                TxOut(
                    value: ($0["amountSats"] as? NSNumber)?.int64Value ?? 0,
                    scriptPubKey: [UInt8](hex: $0["scriptPubKey"] as? String ?? "") ?? [])
            }
            let pre = PrecomputedTransactionData(tx: tx, spentOutputs: utxos, force: true)
            let inter = k["intermediary"] as? [String: String] ?? [:]
            #expect(pre.spentAmountsSingleHash.hex == inter["hashAmounts"])
            #expect(pre.outputsSingleHash.hex == inter["hashOutputs"])
            #expect(pre.prevoutsSingleHash.hex == inter["hashPrevouts"])
            #expect(pre.spentScriptsSingleHash.hex == inter["hashScriptPubkeys"])
            #expect(pre.sequencesSingleHash.hex == inter["hashSequences"])

            for spend in k["inputSpending"] as? [[String: Any]] ?? [] {
                let g = spend["given"] as? [String: Any] ?? [:]
                let im = spend["intermediary"] as? [String: Any] ?? [:]
                let idx = (g["txinIndex"] as? NSNumber)?.intValue ?? -1
                let hashType = UInt8((g["hashType"] as? NSNumber)?.intValue ?? 0)
                let sigMsg = [UInt8](hex: im["sigMsg"] as? String ?? "") ?? []
                let expectedHash = im["sigHash"] as? String
                #expect(TaggedHash.tapSighash.hash(sigMsg).hex == expectedHash, "input \(idx): sigMsg → sigHash")
                let got = SigHash.taproot(tx: tx, inputIndex: idx, hashType: hashType, precomputed: pre)
                #expect(got?.hex == expectedHash, "input \(idx): sigHash")

                // The given witness verifies against the utxo under all standard flags.
                let witness = ((spend["expected"] as? [String: Any])?["witness"] as? [String] ?? []).compactMap {
                    [UInt8](hex: $0)
                }
                var signed = tx
                signed.inputs[idx].witness = witness
                let sPre = PrecomputedTransactionData(tx: signed, spentOutputs: utxos)
                let err = verifyScript(tx: signed, inputIndex: idx, spentOutput: utxos[idx], precomputed: sPre, flags: .standard)
                #expect(err == nil, "input \(idx): \(err?.coreName ?? "")")
                // A flipped signature bit fails with SCHNORR_SIG.
                if var sig = witness.first {
                    sig[0] ^= 1
                    signed.inputs[idx].witness = [sig]
                    let bad = verifyScript(
                        tx: signed, inputIndex: idx, spentOutput: utxos[idx],
                        precomputed: PrecomputedTransactionData(tx: signed, spentOutputs: utxos), flags: .standard)
                    #expect(bad == .schnorrSig)
                    // Without spent outputs taproot checks fail as Core's do with missing data.
                    let missing = verifyScript(
                        tx: signed, inputIndex: idx, spentOutput: utxos[idx],
                        precomputed: PrecomputedTransactionData(tx: signed, spentOutputs: []), flags: .standard)
                    #expect(missing == .schnorrSigHashtype)
                }
                inputsChecked += 1
            }
            if let aux = k["auxiliary"] as? [String: String], let full = aux["fullySignedTx"] {
                let ftx = try Transaction(bytes: [UInt8](hex: full) ?? [])
                let fPre = PrecomputedTransactionData(tx: ftx, spentOutputs: utxos)
                for i in 0..<ftx.inputs.count {
                    let err = verifyScript(tx: ftx, inputIndex: i, spentOutput: utxos[i], precomputed: fPre, flags: .mandatory)
                    #expect(err == nil, "fullySignedTx input \(i): \(err?.coreName ?? "")")
                }
            }
        }
        print("bip341 keyPathSpending: \(inputsChecked) inputs checked")
        #expect(inputsChecked == 7)
    }
}
