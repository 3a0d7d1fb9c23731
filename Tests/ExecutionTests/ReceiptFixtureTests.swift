import EVM
import Ethereum
import Execution
import Foundation
import MerkleTrie
import Primitives
import TestSupport
import Testing

/// Receipts and blooms of executed fixture blocks against the fixtures' own header fields: for each
/// valid block of a linear chain, `Bloom(logs:)` over the executed logs equals the JSON `bloom`, the
/// block bloom is the union of the receipts' blooms, and the receipts root equals `receiptTrie`.
@Suite struct ReceiptFixtureTests {
    @Test(arguments: ["bcWalletTest", "bcValidBlockTest", "bcStateTests", "bcRandomBlockhashTest"])
    func bloomsAndReceiptsMatchFixtureHeaders(_ dir: String) throws {
        let root = TestData.path("ethereum/BlockchainTests/ValidBlocks/" + dir)
        guard FileManager.default.fileExists(atPath: root) else { throw TestDataError.notFound(root) }
        let files = StateTestRunner.jsonFiles(at: root)
        let (checked, nonEmpty, problems) = runWithLargeStack { () -> (Int, Int, [String]) in
            var checked = 0
            var nonEmpty = 0
            var problems: [String] = []
            for file in files {
                guard let data = FileManager.default.contents(atPath: file),
                    let obj = try? JSONSerialization.jsonObject(with: data) as? [String: Any]
                else {
                    problems.append("\(file): unreadable")
                    continue
                }
                for (name, v) in obj {
                    guard let t = v as? [String: Any], let pre = try? BlockchainTestTests.accounts(t["pre"]),
                        let g = (t["genesisRLP"] as? String).flatMap({ Hex.decode($0) }),
                        var parent = try? Block.decode(g).header
                    else {
                        problems.append("\(file) \(name): fixture shape")
                        continue
                    }
                    var state = pre
                    var hashes: [UInt64: Bytes32] = [0: parent.computeHash()]
                    for b in (t["blocks"] as? [[String: Any]]) ?? [] where b["expectException"] == nil {
                        guard let json = b["blockHeader"] as? [String: Any],
                            let bytes = (b["rlp"] as? String).flatMap({ Hex.decode($0) }),
                            let block = try? Block.decode(bytes), block.header.parentHash == parent.computeHash(),
                            let bloomHex = json["bloom"] as? String, let want = [UInt8](hex: bloomHex),
                            let receiptTrie = (json["receiptTrie"] as? String).flatMap({ Bytes32(hex: $0) })
                        else { break }  // side chains: only the linear prefix is checked here
                        do {
                            let r = try BlockExecutor(fork: .cancun).execute(
                                block, parent: parent, state: state, blockHashes: hashes)
                            let logs = r.receipts.flatMap(\.logs)
                            var union = Bloom()
                            for rc in r.receipts { union.formUnion(rc.logsBloom) }
                            if Bloom(logs: logs).bytes != want || union.bytes != want {
                                problems.append("\(file) \(name) block \(block.header.number): bloom")
                            }
                            if BlockRoots.computeReceiptsRoot(r.receipts) != receiptTrie {
                                problems.append("\(file) \(name) block \(block.header.number): receipts root")
                            }
                            checked += 1
                            if want.contains(where: { $0 != 0 }) { nonEmpty += 1 }
                            state = r.accounts
                            parent = block.header
                            hashes[parent.number] = parent.computeHash()
                        } catch {
                            problems.append("\(file) \(name) block \(block.header.number): \(error)")
                            break
                        }
                    }
                }
            }
            return (checked, nonEmpty, problems)
        }
        #expect(problems.isEmpty, "\(problems.prefix(10))")
        #expect(nonEmpty > 0, "\(dir): no block with logs was checked")
        print("\(dir): \(checked) blocks, \(nonEmpty) with a non-empty bloom")
    }
}
