import ArgumentParser
import EVM
import Execution
import Foundation
import Precompiles
import Primitives

/// `hemi evm fuzz`: runs many random and mutated programs (and precompile inputs) and checks that
/// nothing crashes, hangs or misbehaves.
struct EVMFuzz: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fuzz",
        abstract: "Run random and mutated EVM programs and precompile inputs; report anything abnormal.",
        discussion: """
            Program i is generated from (--seed, i), so any reported case can be replayed with \
            --only i. A third of the programs are random bytes, a third are built from valid opcodes \
            with interesting operands (huge memory offsets, calls to itself and to every precompile, \
            creates, jumps to real and fake JUMPDESTs), and a third are real contracts from the \
            --corpus files (their "code" fields) with random mutations.

            Each program runs twice, each time in a fresh state, under a fork picked from \
            Cancun/Prague/Osaka; the two results must agree (status, gas left, refund, output) and \
            the gas left must lie in [0, gas]. Precompile inputs (--precompile-inputs) are random or \
            mutated byte strings of interesting lengths sent to every precompile of Osaka; they must \
            be deterministic and never use more gas than given. The command ends with the line \
            `corpus=C programs=N precompile_inputs=P failures=F max_rss_mb=M slowest_ms=S rate=R/s` and exits \
            non-zero if F > 0.
            """
    )

    @Option(help: "Number of programs.") var programs: Int = 100_000
    @Option(help: "Number of precompile inputs.") var precompileInputs: Int = 0
    @Option(help: "Seed.") var seed: UInt64 = 1
    @Option(help: "Gas given to each program.") var gas: Int64 = 300_000
    @Option(help: "Run only program number I (for replaying a failure).") var only: Int?
    @Option(help: "JSON fixture files or directories whose \"code\" fields seed the mutator.") var corpus: [String] = []
    @Flag(help: "Print each failing case in full.") var verbose = false

    func validate() throws {
        guard programs >= 0, programs <= 100_000_000 else { throw ValidationError("--programs must be in 0...100000000") }
        guard precompileInputs >= 0, precompileInputs <= 100_000_000 else {
            throw ValidationError("--precompile-inputs must be in 0...100000000")
        }
        guard gas > 0, gas <= 30_000_000 else { throw ValidationError("--gas must be in 1...30000000") }
    }

    func run() async throws {
        let seeds = try loadCorpus(corpus)
        let config = FuzzConfig(programs: programs, precompileInputs: precompileInputs, seed: seed, gas: gas, only: only)
        let verbose = verbose
        let report = runWithLargeStack { EVMFuzzer(config: config, corpus: seeds, verbose: verbose).run() }
        print(
            "corpus=\(seeds.count) programs=\(report.programs) precompile_inputs=\(report.precompileInputs) failures=\(report.failures) "
                + "max_rss_mb=\(report.maxRSSMB) slowest_ms=\(formatted(report.slowestMS, 2)) "
                + "rate=\(Int(report.rate))/s"
        )
        if report.failures > 0 { throw ExitCode(1) }
    }

    private func loadCorpus(_ paths: [String]) throws -> [[UInt8]] {
        var files: [String] = []
        let fm = FileManager.default
        for p in paths {
            var isDir: ObjCBool = false
            guard fm.fileExists(atPath: p, isDirectory: &isDir) else {
                printError("error: corpus path \(p) does not exist")
                throw ExitCode(2)
            }
            if isDir.boolValue {
                let e = fm.enumerator(atPath: p)
                while let f = e?.nextObject() as? String, files.count < 5000 {
                    if f.hasSuffix(".json") { files.append(p + "/" + f) }
                }
            } else {
                files.append(p)
            }
        }
        var codes = Set<[UInt8]>()
        let pattern = try NSRegularExpression(pattern: "\"code\"\\s*:\\s*\"0x([0-9a-fA-F]{2,})\"")
        for f in files.sorted() {
            let text = String(decoding: try readFile(f, limit: 64 << 20), as: UTF8.self)
            let ns = text as NSString
            for m in pattern.matches(in: text, range: NSRange(location: 0, length: ns.length)) {
                if let bytes = [UInt8](hex: ns.substring(with: m.range(at: 1))), bytes.count <= 24_576 { codes.insert(bytes) }
            }
        }
        return codes.sorted { $0.count != $1.count ? $0.count < $1.count : $0.lexicographicallyPrecedes($1) }
    }
}

struct FuzzConfig: Sendable {
    var programs: Int
    var precompileInputs: Int
    var seed: UInt64
    var gas: Int64
    var only: Int?
}

struct FuzzReport: Sendable {
    var programs = 0
    var precompileInputs = 0
    var failures = 0
    var maxRSSMB = 0
    var slowestMS = 0.0
    var rate = 0.0
}

/// SplitMix64, shared by the fuzz commands, so every case is reproducible from (seed, index).
struct FuzzRNG {
    var state: UInt64
    init(_ seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func below(_ n: Int) -> Int { n <= 1 ? 0 : Int(next() % UInt64(n)) }
    mutating func chance(_ percent: Int) -> Bool { below(100) < percent }
    mutating func bytes(_ n: Int) -> [UInt8] { (0..<n).map { _ in UInt8(truncatingIfNeeded: next()) } }
}

struct EVMFuzzer {
    let config: FuzzConfig
    let corpus: [[UInt8]]
    let verbose: Bool

    static let codeAddress = EVMAddress(hex: "000000000000000000000000000000000000c0de")!
    static let otherAddress = EVMAddress(hex: "000000000000000000000000000000000000beef")!
    static let callerAddress = EVMAddress(hex: "0000000000000000000000000000000000ca11e7")!
    static let forks: [Fork] = [.cancun, .prague, .osaka]

    /// Operand values that find edge cases: zero, one, word boundaries, huge offsets and lengths.
    static let interesting: [[UInt8]] = [
        [0], [1], [2], [0x1f], [0x20], [0x21], [0xff], [0x01, 0x00], [0xff, 0xff], [0x60, 0x00],
        [0x01, 0x00, 0x00, 0x00, 0x00], [0xff, 0xff, 0xff, 0xff], [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff],
        [0x80] + [UInt8](repeating: 0, count: 31), [UInt8](repeating: 0xff, count: 32),
        [0x7f] + [UInt8](repeating: 0xff, count: 31), [0xc0, 0xde], [0xbe, 0xef],
    ]

    func run() -> FuzzReport {
        var report = FuzzReport()
        let clock = ContinuousClock()
        let start = clock.now
        let range = config.only.map { $0..<($0 + 1) } ?? 0..<config.programs
        for i in range {
            var rng = FuzzRNG(config.seed &* 0x100_0000_01B3 &+ UInt64(i))
            let program = makeProgram(index: i, rng: &rng)
            let partner = makeProgram(index: i &+ 1_000_000_007, rng: &rng)
            let fork = Self.forks[rng.below(Self.forks.count)]
            let input = rng.bytes(rng.below(100))
            let t0 = clock.now
            let a = execute(program, partner: partner, input: input, fork: fork)
            let ms = milliseconds(clock.now - t0)
            let b = execute(program, partner: partner, input: input, fork: fork)
            report.slowestMS = max(report.slowestMS, ms)
            report.programs += 1
            var problem: String?
            if a.gasLeft < 0 || a.gasLeft > config.gas { problem = "gas left \(a.gasLeft) outside [0, \(config.gas)]" }
            let sameStatus = a.status == b.status
            let sameGas = a.gasLeft == b.gasLeft && a.gasRefund == b.gasRefund
            if !sameStatus || !sameGas || a.output != b.output {
                problem = "two runs differ: \(a.status)/\(a.gasLeft) vs \(b.status)/\(b.gasLeft)"
            }
            if let problem {
                report.failures += 1
                printError("program \(i) (seed \(config.seed), \(fork)): \(problem)")
                if verbose { printError("  code 0x\(program.hex)") }
            }
            if i % 10_000 == 9_999 { report.maxRSSMB = max(report.maxRSSMB, currentRSSMB()) }
        }
        if config.only == nil {
            for i in 0..<config.precompileInputs {
                var rng = FuzzRNG(config.seed &* 0x9E37_79B9 &+ UInt64(i) &+ 0x5555)
                if let problem = fuzzPrecompile(&rng) {
                    report.failures += 1
                    printError("precompile input \(i) (seed \(config.seed)): \(problem)")
                }
                report.precompileInputs += 1
                if i % 10_000 == 9_999 { report.maxRSSMB = max(report.maxRSSMB, currentRSSMB()) }
            }
        }
        report.maxRSSMB = max(report.maxRSSMB, currentRSSMB())
        let seconds = max(milliseconds(clock.now - start) / 1000, 1e-9)
        report.rate = Double(report.programs + report.precompileInputs) / seconds
        return report
    }

    private func execute(_ code: [UInt8], partner: [UInt8], input: [UInt8], fork: Fork) -> ExecutionResult {
        var host = StateHost(
            fork: fork, txContext: TxContext(origin: Self.callerAddress),
            accounts: [
                Self.codeAddress: Account(balance: UInt256(1_000_000), code: code, storage: [UInt256(1): UInt256(7)]),
                Self.otherAddress: Account(balance: UInt256(5), code: partner),
                Self.callerAddress: Account(balance: UInt256(UInt64.max)),
            ])
        host.beginTransaction()
        host.warm(Self.callerAddress)
        host.warm(Self.codeAddress)
        for p in host.precompiles.addresses { host.warm(p) }
        let message = Message(gas: config.gas, recipient: Self.codeAddress, sender: Self.callerAddress, input: input)
        return host.call(message)
    }

    private func makeProgram(index: Int, rng: inout FuzzRNG) -> [UInt8] {
        switch index % 3 {
        case 0: return rng.bytes(1 + rng.below(rng.chance(10) ? 4096 : 256))
        case 1: return structured(&rng)
        default:
            guard !corpus.isEmpty else { return structured(&rng) }
            return mutate(corpus[rng.below(corpus.count)], &rng)
        }
    }

    private func push(_ value: [UInt8], into out: inout [UInt8]) {
        let v = value.isEmpty ? [0] : value
        out.append(0x5f + UInt8(v.count))
        out += v
    }

    private func operand(_ rng: inout FuzzRNG) -> [UInt8] {
        if rng.chance(60) { return Self.interesting[rng.below(Self.interesting.count)] }
        if rng.chance(50) { return [UInt8(truncatingIfNeeded: rng.next() % 200)] }
        return rng.bytes(1 + rng.below(32))
    }

    private func structured(_ rng: inout FuzzRNG) -> [UInt8] {
        var out: [UInt8] = []
        let steps = 1 + rng.below(64)
        let callTargets: [[UInt8]] = [[0xc0, 0xde], [0xbe, 0xef], [0xca, 0x11, 0xe7]] + (1...0x11).map { [UInt8($0)] } + [[0x01, 0x00]]
        for _ in 0..<steps {
            switch rng.below(12) {
            case 0, 1:  // arithmetic / comparison / bitwise on pushed operands
                push(operand(&rng), into: &out)
                push(operand(&rng), into: &out)
                out.append([0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x0a, 0x0b, 0x10, 0x11, 0x12, 0x13, 0x14, 0x16, 0x17, 0x18, 0x1a, 0x1b, 0x1c, 0x1d, 0x1e][rng.below(22)])
            case 2:  // memory with interesting offsets
                push(operand(&rng), into: &out)
                push(operand(&rng), into: &out)
                out.append([0x52, 0x53, 0x51, 0x20, 0x55, 0x54, 0x5d, 0x5c][rng.below(8)])
            case 3:  // copies: (dest, offset, size) or MCOPY
                push(operand(&rng), into: &out)
                push(operand(&rng), into: &out)
                push(operand(&rng), into: &out)
                out.append([0x37, 0x39, 0x3e, 0x5e][rng.below(4)])
            case 4, 5:  // calls: gas, addr, (value), argsOffset, argsSize, retOffset, retSize
                for _ in 0..<4 { push(operand(&rng), into: &out) }
                let op: UInt8 = [0xf1, 0xf2, 0xf4, 0xfa][rng.below(4)]
                if op == 0xf1 || op == 0xf2 { push(rng.chance(70) ? [0] : operand(&rng), into: &out) }
                push(callTargets[rng.below(callTargets.count)], into: &out)
                push(rng.chance(50) ? [0xff, 0xff, 0xff] : operand(&rng), into: &out)
                out.append(op)
            case 6:  // create / create2
                if rng.chance(50) { push(operand(&rng), into: &out) }  // salt for CREATE2
                push(operand(&rng), into: &out)
                push(operand(&rng), into: &out)
                push(rng.chance(80) ? [0] : operand(&rng), into: &out)
                out.append(rng.chance(50) ? 0xf0 : 0xf5)
            case 7:  // jumps to real or fake destinations
                let target = rng.chance(50) ? out.count + 4 : rng.below(max(out.count + 8, 1))
                push([UInt8(truncatingIfNeeded: target >> 8), UInt8(truncatingIfNeeded: target)], into: &out)
                if rng.chance(50) {
                    push(operand(&rng), into: &out)
                    out.append(0x57)
                } else {
                    out.append(0x56)
                }
                out.append(0x5b)
            case 8:  // environment and block opcodes, stack ops
                out.append([0x30, 0x31, 0x32, 0x33, 0x34, 0x35, 0x36, 0x38, 0x3a, 0x3b, 0x3c, 0x3d, 0x3f, 0x40, 0x41, 0x42, 0x43, 0x44, 0x45, 0x46, 0x47, 0x48, 0x49, 0x4a, 0x58, 0x59, 0x5a, 0x80, 0x81, 0x8f, 0x90, 0x9f, 0x50][rng.below(33)])
            case 9:  // logs
                let n = rng.below(5)
                for _ in 0..<(n + 2) { push(operand(&rng), into: &out) }
                out.append(0xa0 + UInt8(n))
            case 10:  // terminators and rare ones
                push(operand(&rng), into: &out)
                push(operand(&rng), into: &out)
                out.append([0xf3, 0xfd, 0xff, 0x00, 0xfe, 0x1e, 0x5f][rng.below(7)])
            default:  // any byte at all
                out.append(UInt8(truncatingIfNeeded: rng.next()))
            }
        }
        return out
    }

    private func mutate(_ code: [UInt8], _ rng: inout FuzzRNG) -> [UInt8] {
        var out = code
        let n = 1 + rng.below(8)
        for _ in 0..<n {
            switch rng.below(6) {
            case 0 where !out.isEmpty: out[rng.below(out.count)] = UInt8(truncatingIfNeeded: rng.next())
            case 1: out.insert(UInt8(truncatingIfNeeded: rng.next()), at: rng.below(out.count + 1))
            case 2 where out.count > 1:
                let a = rng.below(out.count)
                let len = min(1 + rng.below(16), out.count - a)
                out.removeSubrange(a..<(a + len))
            case 3 where !corpus.isEmpty:
                let other = corpus[rng.below(corpus.count)]
                if !other.isEmpty {
                    let a = rng.below(other.count)
                    let len = min(1 + rng.below(64), other.count - a)
                    out.insert(contentsOf: other[a..<(a + len)], at: rng.below(out.count + 1))
                }
            case 4 where !out.isEmpty:
                let v = Self.interesting[rng.below(Self.interesting.count)]
                let at = rng.below(out.count)
                for (k, byte) in v.enumerated() where at + k < out.count { out[at + k] = byte }
            default: if !out.isEmpty { out[rng.below(out.count)] ^= UInt8(1 << rng.below(8)) }
            }
        }
        return out.count > 24_576 ? Array(out.prefix(24_576)) : out
    }

    /// One random input to one Osaka precompile: must be deterministic and within its gas limit.
    private func fuzzPrecompile(_ rng: inout FuzzRNG) -> String? {
        let kinds = Precompile.Kind.allCases
        let kind = kinds[rng.below(kinds.count)]
        let precompile = Precompile(kind: kind, fork: .osaka)
        let sizes = [0, 1, 31, 32, 33, 64, 96, 128, 160, 192, 213, 256, 288, 384, 480, 512, 576, 768, 960, 1024, 1152]
        var length = rng.chance(70) ? sizes[rng.below(sizes.count)] : rng.below(2048)
        if rng.chance(5) { length = 32 * 1024 + rng.below(1024) }
        var input: [UInt8]
        switch rng.below(4) {
        case 0: input = rng.bytes(length)
        case 1: input = [UInt8](repeating: 0, count: length)
        case 2: input = [UInt8](repeating: 0xff, count: length)
        default:
            // Mostly small big-endian words: lengths/exponents/coordinates that are in range.
            input = [UInt8](repeating: 0, count: length)
            var w = 0
            while w + 32 <= length {
                if rng.chance(50) { input[w + 31] = UInt8(truncatingIfNeeded: rng.next()) }
                if rng.chance(20) { input[w + 30] = UInt8(truncatingIfNeeded: rng.next()) }
                w += 32
            }
            if !input.isEmpty && rng.chance(50) { input[rng.below(input.count)] = UInt8(truncatingIfNeeded: rng.next()) }
        }
        let gasLimit = rng.chance(20) ? UInt64(rng.below(5000)) : UInt64(rng.below(10_000_000))
        let a = precompile.run(input: input, gasLimit: gasLimit)
        let b = precompile.run(input: input, gasLimit: gasLimit)
        if a != b { return "\(precompile): two runs differ on \(input.count) bytes" }
        if a.gasUsed > gasLimit { return "\(precompile): used \(a.gasUsed) gas of \(gasLimit)" }
        return nil
    }
}

private func milliseconds(_ d: Duration) -> Double {
    Double(d.components.seconds) * 1e3 + Double(d.components.attoseconds) / 1e15
}

/// Resident set size in MiB from /proc/self/status (0 where unavailable).
func currentRSSMB() -> Int {
    guard let text = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return 0 }
    for line in text.split(separator: "\n") where line.hasPrefix("VmRSS:") {
        let kb = line.split(separator: " ").compactMap { Int($0) }.first ?? 0
        return kb / 1024
    }
    return 0
}
