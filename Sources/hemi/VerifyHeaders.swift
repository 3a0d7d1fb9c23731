import ArgumentParser
import Primitives
import Bitcoin
import BitcoinConsensus

struct VerifyHeaders: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify-headers",
        abstract: "Verify a file of block headers against the consensus header rules.",
        discussion: """
            FILE holds raw 80-byte headers back to back (optionally behind a 4-byte little-endian count), or \
            one header per line as 160 hex digits.

            Without --start-height the chain starts at the network's genesis block; the file may begin with \
            genesis itself or with its child. With --start-height H the first header is a trusted anchor at \
            height H (only its proof of work is checked); every later header is checked against every rule \
            whose ancestors the file provides (the retarget lookback, the testnet minimum-difficulty \
            walk-back and the 11-block median time past need ancestors; skipped checks are counted).

            Rules, in Bitcoin Core's order: high-hash (proof of work), prev-blk-not-found (linkage), \
            bad-diffbits (retarget, testnet 20-minute rule, BIP94), time-too-old (median time past), \
            time-timewarp-attack (BIP94), time-too-new (more than 2 h after now), bad-version (BIP34/66/65).

            Prints the count, tip hash, cumulative chain work and speed. On the first invalid header prints \
            its height and the rule, and exits with status 1.
            """
    )

    @Option(name: .long, help: "The network whose consensus rules apply.")
    var network = NetworkOption(.mainnet)

    @Option(name: .long, help: "Height of the first header, which is then trusted as the anchor.")
    var startHeight: Int?

    @Option(name: .long, help: "Current Unix time for the 2-hour future limit (default: the system clock).")
    var now: Int64?

    @Option(name: .customLong("repeat"), help: "Verify N times and report the fastest run (benchmarking on a noisy machine).")
    var repeatCount: Int = 1

    @Argument(help: "The header file.")
    var file: String

    func run() async throws {
        let params = network.params
        let bytes = try readFile(file)
        var best: Double = .infinity
        var verifier: HeaderChainVerifier? = nil
        var count = 0
        for _ in 0..<max(1, repeatCount) {
            let (v, secs, n) = try verifyOnce(bytes, params: params)
            verifier = v
            count = n
            best = min(best, secs)
        }
        guard let verifier else { throw ExitCode(2) }
        let secs = best
        print("network: \(network.description)")
        print("headers: \(count) (verified \(verifier.appendedCount) after the \(startHeight == nil ? "genesis" : "trusted") anchor)")
        print("tip: \(verifier.tipHash.displayHex) (height \(verifier.tipHeight))")
        print("chainwork: \(verifier.chainWork.hexString) (\(verifier.chainWork))")
        if verifier.skippedChecks > 0 {
            print("skipped checks (ancestors below the anchor): \(verifier.skippedChecks)")
        }
        let rate = secs > 0 ? Double(count) / secs : 0
        print("time: \(formatted(secs, 3)) s, \(Int(rate.rounded())) headers/s\(repeatCount > 1 ? " (best of \(repeatCount))" : "")")
    }

    /// Parses and verifies the file once; returns the verifier, seconds taken, and header count.
    func verifyOnce(_ bytes: [UInt8], params: ChainParams) throws -> (HeaderChainVerifier, Double, Int) {
        let clock = ContinuousClock()
        let start = clock.now
        let headers: [BlockHeader]
        do {
            headers = try HeaderFile.parse(bytes)
        } catch {
            printError("error: \(file): \(error)")
            throw ExitCode(2)
        }
        let options = HeaderChainVerifier.Options(now: now ?? unixNow())
        var verifier: HeaderChainVerifier
        var rest = headers[...]
        do {
            if let h = startHeight {
                guard h >= 0, h <= HeaderChainVerifier.maxHeight, let first = rest.first else {
                    printError("error: --start-height must be in 0...\(HeaderChainVerifier.maxHeight)")
                    throw ExitCode(2)
                }
                verifier = try HeaderChainVerifier(params: params, anchor: .trusted(first, height: h), options: options)
                rest = rest.dropFirst()
            } else {
                verifier = try HeaderChainVerifier(params: params, anchor: .genesis, options: options)
                if let first = rest.first, first.computeHash() == params.genesisHash { rest = rest.dropFirst() }
            }
            verifier.reserveCapacity(rest.count)
            for h in rest { try verifier.append(h) }
        } catch let e as HeaderValidationError {
            print("INVALID header at height \(e.height): \(e.rule.rawValue)")
            print("  hash: \(e.hash.displayHex)")
            print("  \(e.detail)")
            throw ExitCode(1)
        }
        let elapsed = clock.now - start
        let secs = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        return (verifier, secs, headers.count)
    }
}

func formatted(_ v: Double, _ digits: Int) -> String {
    var m = 1.0
    for _ in 0..<digits { m *= 10 }
    let r = (v * m).rounded() / m
    return "\(r)"
}
