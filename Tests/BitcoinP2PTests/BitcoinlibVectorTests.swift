import Bitcoin
import BitcoinP2P
import Primitives
import Testing

/// Wire hex produced by python-bitcoinlib 0.12.2 for the messages in `messages` (regenerate with
/// `python3 tests/diff/p2p_vs_bitcoinlib.py --emit`; the script without flags re-checks this file).
/// `headers` is not here: python-bitcoinlib omits the per-header zero transaction count.
@Suite struct BitcoinlibVectorTests {
    static let vectors: [(String, String)] = [
        (
            "version",
            "f9beb4d976657273696f6e000000000066000000249b6bad80110100090400000000000000f1536500000000010000000000000000000000000000000000ffff7f000001208d000000000000000000000000000000000000ffff000000000000efcdab8967452301102f68656d692d73776966743a302e312f40d10c0000"
        ),
        ("verack", "f9beb4d976657261636b000000000000000000005df6e0e2"),
        ("ping", "f9beb4d970696e67000000000000000008000000ce09ff13efbeadde00000000"),
        ("pong", "f9beb4d9706f6e67000000000000000008000000ce09ff13efbeadde00000000"),
        (
            "getheaders",
            "f9beb4d967657468656164657273000065000000513c303980110100026fe28c0ab6f1b372c1a6a246ae63f74f931e8365e15a089c68d619000000000001010101010101010101010101010101010101010101010101010101010101010000000000000000000000000000000000000000000000000000000000000000"
        ),
        (
            "getblocks",
            "f9beb4d9676574626c6f636b730000004500000074d2a36d7f1101000102020202020202020202020202020202020202020202020202020202020202020303030303030303030303030303030303030303030303030303030303030303"
        ),
        (
            "inv",
            "f9beb4d9696e7600000000000000000049000000b75b69c802020000000404040404040404040404040404040404040404040404040404040404040404050000000505050505050505050505050505050505050505050505050505050505050505"
        ),
        (
            "getdata",
            "f9beb4d9676574646174610000000000910000009523ca8404020000400606060606060606060606060606060606060606060606060606060606060606010000400707070707070707070707070707070707070707070707070707070707070707040000000808080808080808080808080808080808080808080808080808080808080808030000000909090909090909090909090909090909090909090909090909090909090909"
        ),
        (
            "notfound",
            "f9beb4d96e6f74666f756e640000000025000000e6b66eee01010000000a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a"
        ),
        (
            "addr",
            "f9beb4d96164647200000000000000001f000000d6859f420100105e5f090000000000000000000000000000000000ffff0a000001208d"
        ),
        (
            "tx_coinbase",
            "f9beb4d9747800000000000000000000cc0000003ba3edfd01000000010000000000000000000000000000000000000000000000000000000000000000ffffffff4d04ffff001d0104455468652054696d65732030332f4a616e2f32303039204368616e63656c6c6f72206f6e206272696e6b206f66207365636f6e64206261696c6f757420666f722062616e6b73ffffffff0100f2052a01000000434104678afdb0fe5548271967f1a67130b7105cd6a828e03909a67962e0ea1f61deb649f6bc3f4cef38c4f35504e51ec112de5c384df7ba0b8d578a4c702b6bf11d5fac00000000"
        ),
        (
            "tx_segwit",
            "f9beb4d97478000000000000000000005b00000011e9b78202000000000101abababababababababababababababababababababababababababababababab0100000000fdffffff01393000000000000016001407070707070707070707070707070707070707070202304402020364000000"
        ),
        (
            "block",
            "f9beb4d9626c6f636b000000000000001d010000f71a24030100000000000000000000000000000000000000000000000000000000000000000000003ba3edfd7a7b12b27ac72c3e67768f617fc81bc3888a51323a9fb8aa4b1e5e4a29ab5f49ffff001d1dac2b7c0101000000010000000000000000000000000000000000000000000000000000000000000000ffffffff4d04ffff001d0104455468652054696d65732030332f4a616e2f32303039204368616e63656c6c6f72206f6e206272696e6b206f66207365636f6e64206261696c6f757420666f722062616e6b73ffffffff0100f2052a01000000434104678afdb0fe5548271967f1a67130b7105cd6a828e03909a67962e0ea1f61deb649f6bc3f4cef38c4f35504e51ec112de5c384df7ba0b8d578a4c702b6bf11d5fac00000000"
        ),
        ("mempool", "f9beb4d96d656d706f6f6c0000000000000000005df6e0e2"),
        ("getaddr", "f9beb4d9676574616464720000000000000000005df6e0e2"),
        ("reject", "f9beb4d972656a656374000000000000120000005210b3800776657273696f6e11086f62736f6c657465"),
    ]

    static let messages: [String: Message] = {
        let genesis = ChainParams.mainnet.genesis
        let inv = { (t: InventoryType, fill: UInt8) in InventoryVector(type: t, hash: bytes32(fill)) }
        let segwit = Transaction(
            version: 2,
            inputs: [
                TxIn(
                    prevout: OutPoint(txid: bytes32(0xab), vout: 1), scriptSig: [], sequence: 0xffff_fffd,
                    witness: [[0x30, 0x44], [0x02, 0x03]])
            ],
            outputs: [TxOut(value: 12345, scriptPubKey: [0x00, 0x14] + [UInt8](repeating: 7, count: 20))],
            lockTime: 100)
        return [
            "version": .version(
                VersionMessage(
                    protocolVersion: 70016, services: [.network, .witness, .networkLimited], timestamp: 1_700_000_000,
                    addrRecv: NetworkAddress(services: .network, ipv4: 127, 0, 0, 1, port: 8333),
                    addrFrom: NetworkAddress(services: [], ipv4: 0, 0, 0, 0, port: 0),
                    nonce: 0x0123_4567_89ab_cdef, userAgent: "/hemi-swift:0.1/", startHeight: 840_000, relay: false)),
            "verack": .verack,
            "ping": .ping(nonce: 0xdead_beef),
            "pong": .pong(nonce: 0xdead_beef),
            "getheaders": .getheaders(LocatorRequest(version: 70016, locator: [genesis.computeHash(), bytes32(1)])),
            "getblocks": .getblocks(LocatorRequest(version: 70015, locator: [bytes32(2)], stopHash: bytes32(3))),
            "inv": .inv([inv(.block, 4), inv(.wtx, 5)]),
            "getdata": .getdata([
                inv(.witnessBlock, 6), inv(.witnessTx, 7), inv(.compactBlock, 8), inv(.filteredBlock, 9),
            ]),
            "notfound": .notfound([inv(.tx, 10)]),
            "addr": .addr([
                TimestampedAddress(
                    time: 1_600_000_000,
                    address: NetworkAddress(services: [.network, .witness], ipv4: 10, 0, 0, 1, port: 8333))
            ]),
            "tx_coinbase": .tx(genesis.transactions[0]),
            "tx_segwit": .tx(segwit),
            "block": .block(genesis),
            "mempool": .mempool,
            "getaddr": .getaddr,
            "reject": .reject(
                RejectMessage(message: Array("version".utf8), code: 0x11, reason: Array("obsolete".utf8))),
        ]
    }()

    @Test func encodingsMatchBitcoinlib() throws {
        #expect(Self.vectors.count == Self.messages.count)
        for (name, wireHex) in Self.vectors {
            guard let m = Self.messages[name] else {
                Issue.record("no Swift message for \(name)")
                continue
            }
            #expect(MessageEnvelope.encode(m, magic: .mainnet).hex == wireHex, "\(name)")
            #expect(try decodeAll(hex(wireHex)) == [m], "\(name)")
        }
    }
}
