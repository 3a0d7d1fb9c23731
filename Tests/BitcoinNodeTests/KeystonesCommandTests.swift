import Bitcoin
import BitcoinConsensus
import BitcoinNode
import BitcoinTestSupport
import BitcoinView
import Hashing
import Primitives
import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Runs an executable, returning its exit status and standard output.
func runProcess(_ path: String, _ args: [String]) throws -> (status: Int32, out: String) {
    var fds: [Int32] = [0, 0]
    try #require(pipe(&fds) == 0)
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_adddup2(&actions, fds[1], 1)
    posix_spawn_file_actions_addclose(&actions, fds[0])
    let argv = ([path] + args).map { strdup($0) } + [nil]
    defer { for p in argv { free(p) } }
    var pid: pid_t = 0
    let rc = posix_spawn(&pid, path, &actions, nil, argv, environ)
    close(fds[1])
    try #require(rc == 0, "posix_spawn \(path) failed: \(rc)")
    var out: [UInt8] = []
    var buf = [UInt8](repeating: 0, count: 65536)
    while true {
        let n = read(fds[0], &buf, buf.count)
        if n <= 0 { break }
        out += buf[0..<n]
    }
    close(fds[0])
    var status: Int32 = 0
    while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
    return ((status >> 8) & 0xff, String(decoding: out, as: UTF8.self))
}

/// The `hemi` executable next to the test bundle (both are built by `swift build --build-tests`).
func hemiExecutable() throws -> String {
    var buf = [CChar](repeating: 0, count: 4096)
    let n = readlink("/proc/self/exe", &buf, buf.count - 1)
    try #require(n > 0, "cannot locate the test binary")
    let exe = String(decoding: buf[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    let dir = exe.split(separator: "/", omittingEmptySubsequences: false).dropLast().joined(separator: "/")
    let path = dir + "/hemi"
    try #require(access(path, X_OK) == 0, "\(path) not found: build it with `swift build --build-tests` first")
    return path
}

@Suite struct KeystonesCommandTests {
    /// Builds a regtest block holding PoP keystones (in several transactions, one transaction with two,
    /// plus a non-PoP OP_RETURN, a "HEMI" payload of a wrong length and a keystone in the coinbase,
    /// which must all be ignored), writes it raw and as hex, and checks that `hemi btc keystones`
    /// lists exactly the keystones put there, with the hash and fields of §2.2.
    @Test func listsExactlyTheKeystonesInABlock() async throws {
        let chain = try memoryNode()
        var gen = ChainGenerator(seed: 3)
        for h in 1...105 {
            let b = try await chain.mine(payTo: gen.wallet.keys[h % 6].script)
            gen.wallet.apply(b, height: h)
        }
        let height = Int(chain.tip.height) + 1
        let coins = gen.wallet.spendable(at: height)
        try #require(coins.count >= 3)
        var planted: [(txIndex: Int, output: Int, keystone: KeystoneAbbrev)] = []
        var txs: [Transaction] = []
        var fees: Int64 = 0
        for i in 0..<3 {
            var outputs = [TxOut(value: coins[i].output.value - 2000, scriptPubKey: gen.wallet.keys[0].script)]
            let count = i == 1 ? 2 : 1
            for j in 0..<count {
                let k = KeystoneAbbrev(
                    l1BlockNumber: UInt32(7 + i), l2BlockNumber: UInt32(100 * (i + 1) + j), parentEPHash: SHA256Hash.hash([UInt8(i), 1]),
                    prevKeystoneEPHash: SHA256Hash.hash([UInt8(i), 2]), stateRoot: SHA256Hash.hash([UInt8(i), 3]),
                    epHash: SHA256Hash.hash([UInt8(i), UInt8(j)]))
                planted.append((i + 1, outputs.count, k))
                outputs.append(TxOut(value: 0, scriptPubKey: PoPPayload.script(for: k)))
            }
            if i == 2 {
                outputs.append(TxOut(value: 0, scriptPubKey: [0x6a, 0x04] + Array("HEMI".utf8)))  // too short
                outputs.append(TxOut(value: 0, scriptPubKey: [0x6a, 0x03, 1, 2, 3]))
            }
            var tx = Transaction(version: 2, inputs: [TxIn(prevout: coins[i].outpoint)], outputs: outputs)
            gen.wallet.sign(&tx, spent: [coins[i]])
            txs.append(tx)
            fees += 2000
        }
        var block = try chain.makeBlock(payTo: gen.wallet.keys[1].script, transactions: txs, fees: fees)
        // A keystone in the coinbase is not a PoP transaction: add one and re-solve the block.
        block.transactions[0].outputs.append(TxOut(value: 0, scriptPubKey: PoPPayload.script(for: planted[0].keystone)))
        block.header.merkleRoot = block.computeMerkleRoot().root
        #expect(BlockMiner.grind(&block.header, powLimit: ChainParams.regtest.powLimit))
        try await chain.acceptBlock(block)
        #expect(chain.tip.hash == block.computeHash(), "the block is valid")

        // Library scan.
        let found = KeystoneScan.scan(block)
        #expect(found.map(\.txIndex) == planted.map(\.txIndex))
        #expect(found.map(\.outputIndex) == planted.map(\.output))
        #expect(found.map(\.keystone) == planted.map(\.keystone))

        // The command, on the raw and the hex file.
        let dir = TempDir()
        let raw = block.serialized()
        let rawPath = dir.sub("block.bin"), hexPath = dir.sub("block.hex")
        for (p, bytes) in [(rawPath, raw), (hexPath, Array((Hex.encode(raw) + "\n").utf8))] {
            let f = fopen(p, "wb")
            try #require(f != nil)
            _ = bytes.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, f) }
            fclose(f)
        }
        let hemi = try hemiExecutable()
        for p in [rawPath, hexPath] {
            let (status, out) = try runProcess(hemi, ["btc", "keystones", p])
            #expect(status == 0)
            let lines = out.split(separator: "\n").map(String.init)
            #expect(lines.last == "keystones: \(planted.count)")
            // Expected hashes, computed from the script bytes: SHA-256d of the 76 bytes after "HEMI".
            var expectedHashes: [String] = []
            for pl in planted {
                let script = block.transactions[pl.txIndex].outputs[pl.output].scriptPubKey
                expectedHashes.append(SHA256Hash.double(Array(script[7..<83])).displayHex)
            }
            let hashes = lines.filter { $0.hasPrefix("    hash: ") }.map { String($0.dropFirst(10)) }
            #expect(hashes == expectedHashes)
            let txLines = lines.filter { $0.hasPrefix("  tx ") }
            #expect(txLines == planted.map { "  tx \(block.transactions[$0.txIndex].computeTxID().displayHex) output \($0.output)" })
            let l2 = lines.filter { $0.hasPrefix("    l2_block_number: ") }.map { String($0.dropFirst(21)) }
            #expect(l2 == planted.map { String($0.keystone.l2BlockNumber) })
            let rawLines = lines.filter { $0.hasPrefix("    raw: ") }.map { String($0.dropFirst(9)) }
            #expect(rawLines == planted.map { pl in
                Hex.encode(block.transactions[pl.txIndex].outputs[pl.output].scriptPubKey[7..<83])
            })
        }
        // The keystone index holds them too (first publication = this block).
        let view = try chain.view()
        for pl in planted {
            #expect(try view.keystone(hash: pl.keystone.hash)?.blockHash == block.computeHash())
        }
    }
}
