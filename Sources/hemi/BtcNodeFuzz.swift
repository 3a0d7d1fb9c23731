import ArgumentParser
import Bitcoin
import BitcoinP2P
import Primitives

/// `hemi btc fuzz-p2p N`: N random and mutated byte streams through `MessageFramer` and
/// `Message.decode` (the same bytes a peer can send), in random chunk sizes. Reports inputs/s; any
/// trap would kill the process, so finishing is the result. Whatever decodes must re-encode to bytes
/// that decode to the same message.
struct BtcFuzzP2P: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fuzz-p2p", abstract: "Fuzz the P2P framer and message decoder with N inputs.")

    @Argument(help: "Number of inputs.")
    var count = 1_000_000

    @Option(help: "Random seed.")
    var seed: UInt64 = 0xf022

    func run() throws {
        var rng = FuzzRNG(seed)
        let genesis = ChainParams.regtest.genesis
        let tx = genesis.transactions[0]
        let seeds: [Message] = [
            .version(
                VersionMessage(
                    services: [.network, .witness], timestamp: 1_700_000_000,
                    addrRecv: NetworkAddress(services: [], ipv4: 127, 0, 0, 1, port: 18444), nonce: 7,
                    userAgent: "/fuzz:0/", startHeight: 100)),
            .verack, .ping(nonce: 1), .pong(nonce: 2), .sendheaders, .wtxidrelay, .sendaddrv2, .feefilter(1000),
            .getheaders(LocatorRequest(locator: [genesis.computeHash()])),
            .headers(Array(repeating: genesis.header, count: 20)),
            .inv([InventoryVector(type: .block, hash: genesis.computeHash())]),
            .getdata([InventoryVector(type: .witnessTx, hash: tx.computeTxID())]),
            .notfound([InventoryVector(type: .wtx, hash: tx.computeWTxID())]),
            .block(genesis), .tx(tx),
            .addr([TimestampedAddress(time: 1, address: NetworkAddress(services: [.network], ipv4: 1, 2, 3, 4, port: 8333))]),
            .addrv2([AddrV2Entry(time: 1, services: [.network], address: .ipv4([1, 2, 3, 4]), port: 8333)]),
            .sendcmpct(announce: true, version: 2),
        ]
        let payloads = seeds.map { ($0.command, $0.encodePayload()) }
        var decoded = 0
        var rejected = 0
        var mismatches = 0
        var bytes = 0
        let start = ContinuousClock.now
        for i in 0..<count {
            var stream: [UInt8]
            if i % 4 == 0 {
                stream = (0..<Int(rng.next() % 300)).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
                if rng.next() % 2 == 0 { stream = NetworkMagic.regtest.bytes + stream }
            } else {
                let (command, p0) = payloads[Int(rng.next() % UInt64(payloads.count))]
                var p = p0
                for _ in 0..<Int(rng.next() % 4) {
                    guard !p.isEmpty else { break }
                    let at = Int(rng.next() % UInt64(p.count))
                    switch rng.next() % 4 {
                    case 0: p[at] = UInt8(truncatingIfNeeded: rng.next())
                    case 1: p.removeSubrange(at...)
                    case 2: p.insert(contentsOf: [0xfd, 0xff, 0xff, 0xfe, 0xff, 0xff, 0xff, 0x7f].prefix(Int(rng.next() % 8) + 1), at: at)
                    default: p[at] ^= 1 << UInt8(rng.next() % 8)
                    }
                }
                stream = MessageEnvelope.encode(command: command, payload: p, magic: .regtest)
                if rng.next() % 2 == 0 { stream[Int(rng.next() % 24)] = UInt8(truncatingIfNeeded: rng.next()) }
                if i % 7 == 0 { stream += MessageEnvelope.encode(.ping(nonce: rng.next()), magic: .regtest) }
            }
            bytes += stream.count
            var framer = MessageFramer(magic: .regtest)
            var offset = 0
            feeding: while offset < stream.count {
                let n = min(Int(rng.next() % 64) + 1, stream.count - offset)
                framer.feed(stream[offset..<offset + n])
                offset += n
                while true {
                    do throws(P2PError) {
                        guard let raw = try framer.nextRawMessage() else { break }
                        let m = try raw.decode()
                        decoded += 1
                        if (try? Message.decode(command: m.command, payload: m.encodePayload())) != m { mismatches += 1 }
                    } catch {
                        rejected += 1
                        break feeding
                    }
                }
            }
        }
        let s = seconds(ContinuousClock.now - start)
        print(
            "fuzz-p2p: \(count) inputs, \(bytes) bytes in \(format1(s)) s = \(Int(Double(count) / max(s, 1e-9))) inputs/s; "
                + "\(decoded) messages decoded, \(rejected) streams rejected, \(mismatches) re-encode mismatches, no crash")
        if mismatches > 0 { throw ExitCode(1) }
    }
}
