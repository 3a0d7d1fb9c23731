import BitcoinView
import Ethereum
import Hashing
import KVStore
import L2Chain
import PoP
import Primitives
import Sequencer
import Testing

@Suite struct KeystoneTests {
    @Test func keystonesMatchBlocksAndSurviveRestart() throws {
        let dir = makeTempDir("ks")
        let clock = TestClock()
        var hashes: [Bytes32] = []
        do {
            let chain = try L2Chain(path: dir, config: devConfig(), indexers: [KeystoneIndexer()])
            let pool = TxPool(chain: chain)
            let producer = BlockProducer(chain: chain, pool: pool, blockTime: 1, now: clock.next)
            for _ in 0..<60 { try producer.produceBlock() }
            let ks = KeystoneStore(chain: chain)
            #expect(try ks.keystone(atBlock: 0) == nil)
            #expect(try ks.keystone(atBlock: 26) == nil)
            for n in [UInt64(25), 50] {
                let k = try #require(try ks.keystone(atBlock: n))
                let h = try #require(try chain.header(number: n))
                let parent = try #require(try chain.header(number: n - 1))
                let prev = try #require(try chain.header(number: n - 25))
                // §2.1 fields from the block data.
                #expect(k.version == 1)
                #expect(k.l2BlockNumber == UInt32(n))
                #expect(k.epHash == h.hash)
                #expect(k.parentEPHash == parent.hash)
                #expect(k.prevKeystoneEPHash == prev.hash)
                #expect(k.stateRoot == h.header.stateRoot)
                // §2.2: the 76 bytes laid out by hand, hashed with double SHA-256.
                var expected: [UInt8] = [1, 0, 0, 0, 0, 0, 0, 0, UInt8(n)]
                expected += parent.hash.bytes.prefix(11)
                expected += prev.hash.bytes.prefix(12)
                expected += h.header.stateRoot.bytes
                expected += h.hash.bytes.prefix(12)
                #expect(k.abbreviated.serialized == expected)
                #expect(k.computeHash() == SHA256Hash.double(expected))
                hashes.append(k.computeHash())
            }
            let latest = try ks.latest(count: 5)
            #expect(latest.map(\.l2BlockNumber) == [50, 25])
            let chainFrom25 = try ks.keystone(hash: hashes[0], count: 3)
            #expect(chainFrom25.map(\.l2BlockNumber) == [25, 50])
            try chain.store.close()
        }
        let chain = try L2Chain(path: dir, config: devConfig(), indexers: [KeystoneIndexer()])
        let ks = KeystoneStore(chain: chain)
        #expect(try ks.keystone(hash: hashes[1], count: 0).map { $0.computeHash() } == [hashes[1]])
        #expect(try ks.latest(count: 2).map { $0.computeHash() } == [hashes[1], hashes[0]])
        #expect(throws: KeystoneQueryError.unknownKeystone) { try ks.keystone(hash: .zero, count: 1) }
    }
}
