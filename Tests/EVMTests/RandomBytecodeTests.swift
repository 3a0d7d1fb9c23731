import EVM
import Primitives
import TestSupport
import Testing

/// Robustness: random programs (raw random bytes and opcode-aware random sequences) under every fork
/// with a gas cap. None may crash; gas and output stay within bounds; halts consume all gas.
struct RandomBytecodeTests {
    static let programs = 20_000
    static let gasCap: Int64 = 100_000

    static let interesting: [UInt256] = [
        .zero, .one, UInt256(2), UInt256(31), UInt256(32), UInt256(33), UInt256(64), UInt256(255), UInt256(256),
        UInt256(1024), UInt256(0xffff), UInt256(1 << 32), UInt256.one.evmShl(64), UInt256.one.evmShl(255), .max,
        UInt256(address: contractAddress), UInt256(address: otherAddress), UInt256(1), UInt256(4), UInt256(0x0a),
    ]

    static func randomProgram(_ g: inout SplitMix64) -> [UInt8] {
        let len = Int(g.next() % 200)
        if g.next() % 4 == 0 {
            return (0..<len).map { _ in UInt8(truncatingIfNeeded: g.next()) }
        }
        let ops = Opcode.allCases
        var code: [UInt8] = []
        while code.count < len {
            switch g.next() % 3 {
            case 0:
                // A push of an interesting value (small offsets keep memory ops alive).
                let v = g.next() % 2 == 0 ? UInt256(g.next() % 80) : interesting[Int(g.next() % UInt64(interesting.count))]
                let be = v.bigEndianBytes.drop { $0 == 0 }
                code += [0x5f + UInt8(Swift.max(be.count, 1))] + (be.isEmpty ? [0] : Array(be))
            case 1:
                code.append(0x5b)  // JUMPDEST targets for random jumps
            default:
                code.append(ops[Int(g.next() % UInt64(ops.count))].rawValue)
            }
        }
        return code
    }

    @Test func randomProgramsNeverCrash() {
        let stats = runWithLargeStack { () -> (ok: Int, revert: Int, halt: Int, issues: [String]) in
            var g = SplitMix64(seed: 0xEB3)
            var ok = 0, revert = 0, halt = 0
            var issues: [String] = []
            for i in 0..<Self.programs {
                let code = Self.randomProgram(&g)
                let fork = Fork.allCases[Int(g.next() % UInt64(Fork.allCases.count))]
                let input = (0..<Int(g.next() % 70)).map { _ in UInt8(truncatingIfNeeded: g.next()) }
                var host = InMemoryHost(fork: fork, txContext: TxContext(number: 300, blobHashes: [.zero]))
                host.accounts[contractAddress] = Account(nonce: 1, balance: UInt256(1000), code: code)
                host.accounts[otherAddress] = Account(code: Self.randomProgram(&g))
                let r = host.transact(
                    Message(gas: Self.gasCap, recipient: contractAddress, sender: senderAddress, input: input))
                switch r.status {
                case .success: ok += 1
                case .revert: revert += 1
                case .halt: halt += 1
                }
                if r.gasLeft < 0 || r.gasLeft > Self.gasCap { issues.append("program \(i): gasLeft \(r.gasLeft)") }
                if case .halt = r.status, r.gasLeft != 0 { issues.append("program \(i): halt with gas left") }
                // With 100k gas, memory can't exceed ~6,000 words, so neither can the output.
                if r.output.count > 200_000 { issues.append("program \(i): output \(r.output.count) bytes") }
            }
            return (ok, revert, halt, issues)
        }
        #expect(stats.issues.isEmpty, "\(stats.issues.prefix(5))")
        #expect(stats.ok + stats.revert + stats.halt == Self.programs)
        // The generator should exercise more than immediate halts.
        #expect(stats.ok > 1000)
        print("random programs: \(stats.ok) success, \(stats.revert) revert, \(stats.halt) halt")
    }
}
