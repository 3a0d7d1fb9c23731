import ArgumentParser
import Primitives
import Bitcoin
import BitcoinView

/// `hemi btc keystones FILE…`: lists the PoP keystones (§3.1 "HEMI" OP_RETURN payloads) in block files.
struct BtcKeystones: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keystones",
        abstract: "List the PoP keystones in block files and print their count.",
        discussion: """
            Each FILE holds a raw serialized block, hex blocks (one per line), or blk*.dat framing. Every \
            output of every non-coinbase transaction that is OP_RETURN <"HEMI" ‖ 76-byte abbreviated keystone> \
            is listed with its txid, output index, the decoded fields (hemi-protocol.md §2.2) and the keystone \
            hash (double SHA-256 of the 76 bytes, shown byte-reversed like a txid). The last line is the total.
            """
    )

    @Argument(help: "Block files (raw, hex or blk*.dat).")
    var files: [String]

    func run() async throws {
        var total = 0
        var failed = false
        for file in files {
            let blocks: [FileBlock]
            do {
                blocks = try BlockFile.parse(try readFile(file, limit: 1 << 30))
            } catch {
                printError("\(file): \(error)")
                failed = true
                continue
            }
            for fb in blocks {
                let found = KeystoneScan.scan(fb.block)
                print("block \(fb.block.computeHash().displayHex)  (\(file) @ \(fb.position)): \(found.count) keystone\(found.count == 1 ? "" : "s")")
                for f in found {
                    let k = f.keystone
                    print("  tx \(f.txid.displayHex) output \(f.outputIndex)")
                    print("    hash: \(k.hash.displayHex)")
                    print("    version: \(k.version)")
                    print("    l1_block_number: \(k.l1BlockNumber)")
                    print("    l2_block_number: \(k.l2BlockNumber)")
                    print("    parent_ep_hash: \(Hex.encode(k.parentEPHash))")
                    print("    prev_ep_keystone_hash: \(Hex.encode(k.prevKeystoneEPHash))")
                    print("    state_root: \(k.stateRoot.hex)")
                    print("    ep_hash: \(Hex.encode(k.epHash))")
                    print("    raw: \(Hex.encode(k.serialized))")
                }
                total += found.count
            }
        }
        print("keystones: \(total)")
        if failed { throw ExitCode(2) }
    }
}
