public import Primitives

/// The precompiles active at one fork, with O(1) lookup by address (revm's "precompile registry per
/// spec"). Build once per fork with `PrecompileSet(fork:)` and share; it is an immutable value.
public struct PrecompileSet: Sendable, Hashable {
    public let fork: PrecompileFork
    /// Active precompiles in address order.
    public let precompiles: [Precompile]
    /// Index by small address id 0…0x11; entries are nil where nothing is active.
    private let low: [Precompile?]
    private let p256: Precompile?

    public init(fork: PrecompileFork) {
        self.fork = fork
        let active = Precompile.Kind.allCases.filter { $0.introducedIn <= fork }.map { Precompile(kind: $0, fork: fork) }
        precompiles = active
        var low = [Precompile?](repeating: nil, count: 0x12)
        for p in active where p.kind.rawValue < 0x12 { low[Int(p.kind.rawValue)] = p }
        self.low = low
        p256 = active.first { $0.kind == .p256Verify }
    }

    /// The set for `fork`, built once per process.
    public static func forFork(_ fork: PrecompileFork) -> PrecompileSet { all[fork.rawValue] }

    private static let all: [PrecompileSet] = PrecompileFork.allCases.map { PrecompileSet(fork: $0) }

    /// The addresses of all active precompiles (warm from the start of a transaction, EIP-2929).
    public var addresses: [Bytes20] { precompiles.map(\.address) }

    /// The precompile at `address`, if one is active at this fork.
    @inlinable public func precompile(at address: Bytes20) -> Precompile? {
        guard let id = Precompile.smallID(of: address) else { return nil }
        return precompile(id: id)
    }

    /// The precompile whose address is the small integer `id`, if active.
    public func precompile(id: UInt16) -> Precompile? {
        if id < 0x12 { return low[Int(id)] }
        return id == 0x100 ? p256 : nil
    }

    @inlinable public func contains(_ address: Bytes20) -> Bool { precompile(at: address) != nil }

    /// Runs the precompile at `address`; nil when no precompile is active there.
    @inlinable public func run(address: Bytes20, input: [UInt8], gasLimit: UInt64) -> PrecompileResult? {
        precompile(at: address)?.run(input: input, gasLimit: gasLimit)
    }
}
