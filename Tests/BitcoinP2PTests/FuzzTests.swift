import Bitcoin
import BitcoinP2P
import Primitives
import Testing

/// Decoders must reject or accept any bytes without crashing; whatever decodes must re-encode to
/// something that decodes to the same value.
@Suite struct FuzzTests {
    static let commands = Command.known + [Command("zzzz") ?? .verack]

    @Test func mutatedAndRandomPayloads() {
        var rng = SplitMix64Local(seed: 0x5eed)
        let seeds = sampleMessages.map { ($0.command, $0.encodePayload()) }
        var decoded = 0
        var rejected = 0
        let iterations = 60_000
        for i in 0..<iterations {
            let command: Command
            var payload: [UInt8]
            if i % 3 == 0 {
                // Random bytes under a random command.
                command = Self.commands[Int(rng.next() % UInt64(Self.commands.count))]
                let n = Int(rng.next() % 200)
                payload = (0..<n).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
            } else {
                // Mutate a valid payload: flip bytes, truncate, extend, splice in large CompactSizes.
                let s = seeds[Int(rng.next() % UInt64(seeds.count))]
                command = s.0
                payload = s.1
                let mutations = Int(rng.next() % 4) + 1
                for _ in 0..<mutations {
                    switch rng.next() % 5 {
                    case 0 where !payload.isEmpty:
                        payload[Int(rng.next() % UInt64(payload.count))] = UInt8(truncatingIfNeeded: rng.next())
                    case 1 where !payload.isEmpty:
                        payload.removeLast(Int(rng.next() % UInt64(payload.count)) + 1)
                    case 2:
                        payload += (0..<Int(rng.next() % 8)).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
                    case 3 where !payload.isEmpty:
                        let at = Int(rng.next() % UInt64(payload.count))
                        let big: [[UInt8]] = [
                            [0xfd, 0xff, 0xff], [0xfe, 0xff, 0xff, 0xff, 0xff],
                            [0xff] + [UInt8](repeating: 0xff, count: 8), [0xfc],
                        ]
                        payload.replaceSubrange(at..<min(at + 1, payload.count), with: big[Int(rng.next() % 4)])
                    default:
                        if !payload.isEmpty {
                            payload[Int(rng.next() % UInt64(payload.count))] ^= 1 << UInt8(rng.next() % 8)
                        }
                    }
                }
            }
            do {
                let m = try Message.decode(command: command, payload: payload)
                decoded += 1
                // Re-encoding a decoded message yields a payload that decodes to the same message.
                let again = try Message.decode(command: command, payload: m.encodePayload())
                if again != m { Issue.record("re-decode mismatch for \(command)") }
            } catch {
                rejected += 1
            }
        }
        #expect(decoded + rejected == iterations)
        #expect(decoded > 1000)
        #expect(rejected > 1000)
    }

    @Test func framerOnRandomStreams() {
        var rng = SplitMix64Local(seed: 99)
        let good = sampleMessages.flatMap { MessageEnvelope.encode($0, magic: .regtest) }
        for _ in 0..<2000 {
            var s = good
            for _ in 0..<Int(rng.next() % 4) {
                s[Int(rng.next() % UInt64(s.count))] = UInt8(truncatingIfNeeded: rng.next())
            }
            var f = MessageFramer(magic: .regtest)
            var i = 0
            loop: while i < s.count {
                let n = min(Int(rng.next() % 4096) + 1, s.count - i)
                f.feed(s[i..<i + n])
                i += n
                while true {
                    do {
                        guard try f.nextMessage() != nil else { break }
                    } catch {
                        break loop
                    }
                }
            }
        }
    }
}
