#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import EVM
import Primitives
import Testing

/// Raw interpreter speed on loop-heavy bytecode. In the unit suite it runs a few thousand iterations
/// as a smoke test; with `HEMI_EVM_BENCH=1` (use a release build:
/// `HEMI_EVM_BENCH=1 swift test -c release --filter EVMTests.BenchmarkTests`) it runs 10M iterations
/// and prints ns per instruction.
@Suite(.serialized) struct BenchmarkTests {
    static let full = getenv("HEMI_EVM_BENCH") != nil
    /// `HEMI_EVM_BENCH_ITERATIONS=N` overrides the iteration count (for callgrind runs).
    static let iterationsOverride: UInt64? = getenv("HEMI_EVM_BENCH_ITERATIONS").flatMap { UInt64(String(cString: $0)) }

    /// counter = N; loop: JUMPDEST; counter -= 1; JUMPI(loop, counter) — 7 instructions, 26 gas per iteration.
    static func countdown(_ n: UInt64) -> Bytecode {
        push(UInt256(n)) + .jumpdest + push(1) + .swap1 + .sub + .dup1 + push(UInt64(push(UInt256(n)).count)) + .jumpi + .stop
    }

    /// A loop that also does MUL, ADD, MSTORE, MLOAD, and DIV per iteration (18 instructions).
    static func mixed(_ n: UInt64) -> Bytecode {
        let head = push(UInt256(n))
        let loopStart = UInt64(head.count)
        let body =
            Bytecode(.jumpdest)
            + .dup1 + .dup1 + .mul + push(0) + .mstore  // mem[0] = c*c
            + push(0) + .mload + push(7) + .swap1 + .div + .pop  // mem[0] / 7
            + push(1) + .swap1 + .sub  // c -= 1
            + .dup1 + push(loopStart) + .jumpi + .stop
        return head + body
    }

    static func run(_ name: String, _ code: Bytecode, iterations: UInt64, instructionsPerIteration: Double) -> ExecutionResult {
        let analysis = CodeAnalysis(code: code.bytes)
        var host = InMemoryHost(fork: .cancun)
        let msg = Message(gas: Int64.max / 2, recipient: contractAddress, sender: senderAddress)
        var best = Duration.seconds(1_000_000)
        var result = ExecutionResult(status: .revert, gasLeft: 0)
        for _ in 0..<(Self.full ? 5 : 1) {
            let clock = ContinuousClock()
            let t0 = clock.now
            result = Interpreter.execute(message: msg, code: analysis, fork: .cancun, host: &host)
            let dt = clock.now - t0
            if dt < best { best = dt }
        }
        let (s, atto) = best.components
        let ns = Double(s) * 1e9 + Double(atto) / 1e9
        let ops = Double(iterations) * instructionsPerIteration
        let gas = Double(Int64.max / 2 - result.gasLeft)
        if Self.full {
            print(
                "bench \(name): \(iterations) iterations, best of 5 \(ns / 1e6) ms, \(ns / ops) ns/instruction, "
                    + "\(gas / (ns / 1e9) / 1e6) Mgas/s")
        }
        return result
    }

    @Test func countdownLoop() {
        let n: UInt64 = Self.iterationsOverride ?? (Self.full ? 10_000_000 : 5_000)
        let r = Self.run("countdown", Self.countdown(n), iterations: n, instructionsPerIteration: 7)
        #expect(r.status == .success)
        #expect(Int64.max / 2 - r.gasLeft == 3 + Int64(n) * 26)
    }

    @Test func mixedLoop() {
        let n: UInt64 = Self.iterationsOverride ?? (Self.full ? 2_000_000 : 2_000)
        let r = Self.run("mixed", Self.mixed(n), iterations: n, instructionsPerIteration: 18)
        #expect(r.status == .success)
    }

    /// CALL overhead: a loop of STATICCALLs to a contract that returns one word, through `InMemoryHost`
    /// (frame set-up, stack allocation, host snapshot, return data).
    @Test func callLoop() {
        let n: UInt64 = Self.iterationsOverride.map { $0 / 20 } ?? (Self.full ? 200_000 : 500)
        let callee = push(1) + retTop()
        let head = push(UInt256(n))
        let loop =
            Bytecode(.jumpdest) + call(.staticcall, gas: 100_000, to: otherAddress, retSize: 32) + .pop
            + push(1) + .swap1 + .sub + .dup1 + push(UInt64(head.count)) + .jumpi + .stop
        var host = InMemoryHost(fork: .cancun)
        host.accounts[contractAddress] = Account(code: (head + loop).bytes)
        host.accounts[otherAddress] = Account(code: callee.bytes)
        var best = Duration.seconds(1_000_000)
        var r = ExecutionResult(status: .revert, gasLeft: 0)
        for _ in 0..<(Self.full ? 5 : 1) {
            let clock = ContinuousClock()
            let t0 = clock.now
            r = host.transact(Message(gas: Int64.max / 2, recipient: contractAddress, sender: senderAddress))
            let dt = clock.now - t0
            if dt < best { best = dt }
        }
        #expect(r.status == .success)
        let (s, atto) = best.components
        let ns = Double(s) * 1e9 + Double(atto) / 1e9
        if Self.full { print("bench call: \(n) STATICCALLs, best of 5 \(ns / 1e6) ms, \(ns / Double(n)) ns/call") }
    }
}
