import Bitcoin
import BitcoinP2P
import Primitives
import Testing

func hex(_ s: String) -> [UInt8] {
    guard let b = Hex.decode(s.filter { !$0.isWhitespace }) else {
        Issue.record("bad hex literal in test")
        return []
    }
    return b
}

func bytes32(_ fill: UInt8) -> Bytes32 { Bytes32([UInt8](repeating: fill, count: 32)) }

/// Frames all of `bytes` and returns the decoded messages (throws the framer's error).
func decodeAll(_ bytes: [UInt8], magic: NetworkMagic = .mainnet) throws(P2PError) -> [Message] {
    var f = MessageFramer(magic: magic)
    f.feed(bytes)
    var out: [Message] = []
    while let m = try f.nextMessage() { out.append(m) }
    return out
}

/// One example of every message type this module models.
let sampleMessages: [Message] = {
    let genesis = ChainParams.mainnet.genesis
    let segwitTx = Transaction(
        version: 2,
        inputs: [
            TxIn(
                prevout: OutPoint(txid: bytes32(0xab), vout: 1), scriptSig: [], sequence: 0xffff_fffd,
                witness: [[0x30, 0x44], [0x02, 0x03]])
        ],
        outputs: [TxOut(value: 12345, scriptPubKey: [0x00, 0x14] + [UInt8](repeating: 7, count: 20))],
        lockTime: 100)
    let version = VersionMessage(
        services: [.network, .witness, .networkLimited], timestamp: 1_700_000_000,
        addrRecv: NetworkAddress(services: .network, ipv4: 127, 0, 0, 1, port: 8333),
        addrFrom: .unspecified, nonce: 0x0123_4567_89ab_cdef, userAgent: "/hemi-swift:0.1/", startHeight: 840_000,
        relay: false)
    var noRelay = version
    noRelay.relay = nil
    return [
        .version(version),
        .version(noRelay),
        .verack,
        .ping(nonce: 0xdead_beef),
        .pong(nonce: 0xdead_beef),
        .getheaders(LocatorRequest(locator: [genesis.computeHash(), bytes32(1)], stopHash: .zero)),
        .getblocks(LocatorRequest(version: 70015, locator: [bytes32(2)], stopHash: bytes32(3))),
        .headers([genesis.header, genesis.header]),
        .headers([]),
        .inv([InventoryVector(type: .block, hash: bytes32(4)), InventoryVector(type: .wtx, hash: bytes32(5))]),
        .getdata([
            InventoryVector(type: .witnessBlock, hash: bytes32(6)), InventoryVector(type: .witnessTx, hash: bytes32(7)),
            InventoryVector(type: .compactBlock, hash: bytes32(8)),
            InventoryVector(type: .filteredBlock, hash: bytes32(9)),
        ]),
        .notfound([InventoryVector(type: .tx, hash: bytes32(10))]),
        .block(genesis),
        .tx(segwitTx),
        .tx(genesis.transactions[0]),
        .sendheaders,
        .wtxidrelay,
        .sendaddrv2,
        .feefilter(1000),
        .mempool,
        .getaddr,
        .addr([
            TimestampedAddress(
                time: 1_600_000_000,
                address: NetworkAddress(services: [.network, .witness], ipv4: 10, 0, 0, 1, port: 8333))
        ]),
        .addrv2([
            AddrV2Entry(time: 1, services: [.network], address: .ipv4([1, 2, 3, 4]), port: 8333),
            AddrV2Entry(time: 2, services: [.witness], address: .ipv6([UInt8](repeating: 0x20, count: 16)), port: 1),
            AddrV2Entry(time: 3, services: [], address: .torV3([UInt8](repeating: 0x33, count: 32)), port: 9050),
            AddrV2Entry(
                time: 4, services: [.networkLimited], address: .i2p([UInt8](repeating: 0x44, count: 32)), port: 0),
            AddrV2Entry(
                time: 5, services: ServiceFlags(rawValue: 1 << 40),
                address: .cjdns([0xfc] + [UInt8](repeating: 1, count: 15)), port: 2),
            AddrV2Entry(time: 6, services: [], address: .unknown(networkID: 42, bytes: [1, 2, 3]), port: 3),
        ]),
        .reject(
            RejectMessage(message: Array("tx".utf8), code: 0x10, reason: Array("bad-txns".utf8), data: bytes32(11))),
        .reject(RejectMessage(message: Array("version".utf8), code: 0x11, reason: Array("obsolete".utf8))),
        .sendcmpct(announce: true, version: 2),
        .unknown(command: Command("filterload") ?? .verack, payload: [1, 2, 3]),
        .unknown(command: Command("cfilter") ?? .verack, payload: []),
    ]
}()
