import ArgumentParser
import Bitcoin
import BitcoinScript
import Foundation
import Primitives

/// `hemi btc verify-tx`: script verification of a raw transaction's inputs against given prevouts.
struct VerifyTx: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify-tx",
        abstract: "Verify a transaction's input scripts against the outputs they spend.",
        discussion: """
            TX is a raw transaction in hex (or @FILE holding it). --prevouts is a JSON array with one \
            {"value": satoshis, "script": hex scriptPubKey} per input, in input order. --flags takes \
            Bitcoin Core's flag names separated by commas (e.g. P2SH,WITNESS,TAPROOT), or `consensus` \
            (every consensus flag, the default), `standard` (consensus and policy), or `none`. Prints one \
            line per input, OK or Core's error name; exits 1 if any input fails.

            --batch reads JSON lines from standard input, each {"tx": hex, "index": n, "flags": Core's \
            SCRIPT_VERIFY_* bits as an integer, "spent": [{"value", "script"}…]}, and writes one JSON line \
            per request: {"ok": bool, "error": name}. Used by the differential tests against \
            libbitcoinkernel (tests/diff/scripts_vs_kernel.py).
            """
    )

    @Argument(help: "Raw transaction hex, or @FILE.") var tx: String?
    @Option(help: "JSON array of the spent outputs [{\"value\": n, \"script\": hex}, …], or @FILE.") var prevouts: String?
    @Option(help: "Verification flags: Core names separated by commas, or consensus | standard | none.")
    var flags: String = "consensus"
    @Flag(help: "Read JSON-line requests from standard input (see the discussion).") var batch = false

    struct Spent: Decodable {
        let value: Int64
        let script: String
    }

    struct Request: Decodable {
        let tx: String
        let index: Int
        let flags: UInt32
        let spent: [Spent]
    }

    func run() async throws {
        if batch {
            try runBatch()
            return
        }
        guard let tx, let prevouts else {
            printError("error: give TX and --prevouts, or --batch")
            throw ExitCode(2)
        }
        let txHex = tx.hasPrefix("@") ? String(decoding: try readFile(String(tx.dropFirst()), limit: 8 << 20), as: UTF8.self) : tx
        guard let bytes = [UInt8](hex: txHex.trimmingCharacters(in: .whitespacesAndNewlines)) else {
            printError("error: TX is not hex")
            throw ExitCode(2)
        }
        let transaction: Transaction
        do { transaction = try Transaction(bytes: bytes) } catch {
            printError("error: TX does not decode: \(error)")
            throw ExitCode(2)
        }
        let prevoutsJSON = prevouts.hasPrefix("@") ? try readFile(String(prevouts.dropFirst()), limit: 64 << 20) : Array(prevouts.utf8)
        let spentList: [Spent]
        do { spentList = try JSONDecoder().decode([Spent].self, from: Data(prevoutsJSON)) } catch {
            printError("error: --prevouts: \(error)")
            throw ExitCode(2)
        }
        guard spentList.count == transaction.inputs.count else {
            printError("error: --prevouts has \(spentList.count) entries for \(transaction.inputs.count) inputs")
            throw ExitCode(2)
        }
        var outputs: [TxOut] = []
        for s in spentList {
            guard let script = [UInt8](hex: s.script) else {
                printError("error: --prevouts: script is not hex")
                throw ExitCode(2)
            }
            outputs.append(TxOut(value: s.value, scriptPubKey: script))
        }
        let scriptFlags: ScriptFlags
        switch flags.lowercased() {
        case "consensus": scriptFlags = .mandatory
        case "standard": scriptFlags = .all
        case "none": scriptFlags = []
        default:
            guard let f = ScriptFlags(coreNames: flags) else {
                printError("error: unknown flag in --flags \(flags)")
                throw ExitCode(2)
            }
            scriptFlags = f
        }
        let pre = PrecomputedTransactionData(tx: transaction, spentOutputs: outputs)
        var failed = 0
        print("txid \(transaction.computeTxID().displayHex)")
        for i in transaction.inputs.indices {
            if let e = verifyScript(tx: transaction, inputIndex: i, spentOutput: outputs[i], precomputed: pre, flags: scriptFlags) {
                failed += 1
                print("input \(i): \(e.coreName)")
            } else {
                print("input \(i): OK")
            }
        }
        if failed > 0 { throw ExitCode(1) }
    }

    /// One JSON line in, one JSON line out; malformed requests get {"ok": false, "error": "BAD_REQUEST…"}.
    func runBatch() throws {
        let decoder = JSONDecoder()
        while let line = readLine(strippingNewline: true) {
            if line.isEmpty { continue }
            print(answer(line, decoder))
        }
    }

    func answer(_ line: String, _ decoder: JSONDecoder) -> String {
        guard let req = try? decoder.decode(Request.self, from: Data(line.utf8)) else {
            return #"{"ok":false,"error":"BAD_REQUEST"}"#
        }
        guard let bytes = [UInt8](hex: req.tx) else { return #"{"ok":false,"error":"BAD_REQUEST_HEX"}"# }
        guard let tx = try? Transaction(bytes: bytes) else { return #"{"ok":false,"error":"TX_DECODE"}"# }
        var outputs: [TxOut] = []
        for s in req.spent {
            guard let script = [UInt8](hex: s.script) else { return #"{"ok":false,"error":"BAD_REQUEST_HEX"}"# }
            outputs.append(TxOut(value: s.value, scriptPubKey: script))
        }
        guard req.index >= 0, req.index < tx.inputs.count, req.index < outputs.count else {
            return #"{"ok":false,"error":"BAD_INDEX"}"#
        }
        let pre = PrecomputedTransactionData(tx: tx, spentOutputs: outputs)
        if let e = verifyScript(
            tx: tx, inputIndex: req.index, spentOutput: outputs[req.index], precomputed: pre,
            flags: ScriptFlags(rawValue: req.flags))
        {
            return #"{"ok":false,"error":"\#(e.coreName)"}"#
        }
        return #"{"ok":true}"#
    }
}
