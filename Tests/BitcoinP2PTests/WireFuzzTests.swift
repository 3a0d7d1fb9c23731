import Bitcoin
import BitcoinP2P
import Primitives
import Testing

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Stream fuzzing of the framer and the message decoder: whole envelopes (valid ones mutated in the
/// header or the payload, with the checksum recomputed half the time so that payload decoders are
/// reached, and pure random bytes), fed in random chunk sizes. Nothing may trap; whatever decodes must
/// re-encode to bytes that decode to the same message.
///
/// `HEMI_FUZZ=N` runs N inputs (use a release build: `HEMI_FUZZ=1000000 swift test -c release
/// --filter WireFuzzTests`); otherwise 20,000.
@Suite struct WireFuzzTests {
    @Test func framerAndDecoderSurviveMutatedStreams() {
        let count = getenv("HEMI_FUZZ").flatMap { Int(String(cString: $0)) } ?? 20_000
        var rng = SplitMix64Local(seed: 0xf022)
        let seeds: [(Command, [UInt8])] = sampleMessages.map { ($0.command, $0.encodePayload()) } + [
            (.headers, Message.headers(Array(repeating: ChainParams.regtest.genesis.header, count: 20)).encodePayload()),
            (.block, ChainParams.regtest.genesis.serialized()),
        ]
        var messages = 0
        var errors = 0
        var bytes = 0
        let start = ContinuousClock.now
        for i in 0..<count {
            var stream: [UInt8]
            switch i % 4 {
            case 0:
                // Random bytes, sometimes after a valid magic so the header parser is reached.
                let n = Int(rng.next() % 300)
                stream = (0..<n).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
                if rng.next() % 2 == 0 { stream = NetworkMagic.regtest.bytes + stream }
            default:
                let (command, payload0) = seeds[Int(rng.next() % UInt64(seeds.count))]
                var payload = payload0
                for _ in 0..<Int(rng.next() % 4) {
                    guard !payload.isEmpty else { break }
                    let at = Int(rng.next() % UInt64(payload.count))
                    switch rng.next() % 4 {
                    case 0: payload[at] = UInt8(truncatingIfNeeded: rng.next())
                    case 1: payload.removeSubrange(at...)
                    case 2: payload.insert(contentsOf: [0xfd, 0xff, 0xff, 0xfe, 0xff, 0xff, 0xff, 0x7f].prefix(Int(rng.next() % 8) + 1), at: at)
                    default: payload[at] ^= 1 << UInt8(rng.next() % 8)
                    }
                }
                stream = MessageEnvelope.encode(command: command, payload: payload, magic: .regtest)
                if rng.next() % 2 == 0 {
                    // Corrupt the header: magic, command, length or checksum.
                    let at = Int(rng.next() % 24)
                    stream[at] = UInt8(truncatingIfNeeded: rng.next())
                }
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
                    do {
                        guard let raw = try framer.nextRawMessage() else { break }
                        let m = try raw.decode()
                        messages += 1
                        let again = try Message.decode(command: m.command, payload: m.encodePayload())
                        if again != m { Issue.record("re-decode mismatch for \(m.command)") }
                    } catch {
                        errors += 1
                        break feeding
                    }
                }
            }
        }
        let elapsed = ContinuousClock.now - start
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        print(
            "wire fuzz: \(count) inputs (\(bytes) bytes) in \(seconds) s = \(Int(Double(count) / max(seconds, 1e-9))) inputs/s; \(messages) messages decoded, \(errors) rejected, no crash"
        )
        #expect(messages > count / 10)
        #expect(errors > count / 10)
    }
}
