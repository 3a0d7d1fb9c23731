public import Primitives

/// The result of analysing legacy bytecode once (evmone `baseline_analysis`): the code in one
/// allocation with 32 zero bytes in front (so a PUSHn can load a whole 32-byte window ending at its
/// last immediate byte) and 33 zero bytes (STOP) behind (so a truncated PUSH32 reads padding and the
/// loop needs no end-of-code check), plus a JUMPDEST bitset.
///
/// Immutable after `init`; share it between frames and threads freely. Cache it per code hash with
/// `CodeAnalysisCache`.
public final class CodeAnalysis: @unchecked Sendable {
    // SAFETY: the allocation is written only in `init` and freed in `deinit`; all other access is
    // read-only, which makes the class safe to share (`@unchecked Sendable`).
    @usableFromInline let storage: UnsafeMutableRawPointer
    /// First code byte; bytes `code[-32 ..< codeSize + 33]` are readable.
    public let code: UnsafePointer<UInt8>
    /// Length of the original (unpadded) code.
    public let codeSize: Int
    /// One bit per code byte: set where a JUMPDEST (0x5B) starts an instruction.
    @usableFromInline let jumpdests: UnsafePointer<UInt64>

    static let frontPadding = 32
    static let backPadding = 33

    public init(code bytes: some Collection<UInt8>) {
        let n = bytes.count
        let words = (n + 63) / 64
        let total = words * 8 + Self.frontPadding + n + Self.backPadding
        let raw = UnsafeMutableRawPointer.allocate(byteCount: total, alignment: 8)
        raw.initializeMemory(as: UInt8.self, repeating: 0, count: total)
        let bits = raw.bindMemory(to: UInt64.self, capacity: words)
        let codeStart = (raw + words * 8 + Self.frontPadding).assumingMemoryBound(to: UInt8.self)
        var i = 0
        for b in bytes {
            codeStart[i] = b
            i += 1
        }
        // Mark JUMPDESTs, skipping PUSH immediates (PUSH1..PUSH32 are 0x60...0x7f: Int8(op) >= 0x60 trick
        // from evmone does not apply in Swift's unsigned world; compare the range directly).
        var pc = 0
        while pc < n {
            let op = codeStart[pc]
            if op == 0x5b {
                bits[pc >> 6] |= 1 << UInt64(pc & 63)
            } else if op >= 0x60 && op <= 0x7f {
                pc += Int(op - 0x5f)
            }
            pc += 1
        }
        storage = raw
        code = UnsafePointer(codeStart)
        codeSize = n
        jumpdests = UnsafePointer(bits)
    }

    deinit { storage.deallocate() }

    /// True if `dest` is a valid jump destination.
    @inlinable @inline(__always)
    public func isJumpdest(_ dest: Int) -> Bool {
        // SAFETY: dest is bounds-checked against codeSize first; the bitset covers codeSize bits.
        dest >= 0 && dest < codeSize && (jumpdests[dest >> 6] >> UInt64(dest & 63)) & 1 == 1
    }

    /// The original code bytes (without padding).
    public var bytes: UnsafeBufferPointer<UInt8> { UnsafeBufferPointer(start: code, count: codeSize) }
}

/// A bounded cache of analyses keyed by code hash, owned by a host or executor (a value, not shared).
public struct CodeAnalysisCache {
    private var entries: [Bytes32: CodeAnalysis] = [:]
    /// Entries kept before the cache is cleared (a simple bound; an LRU can come later).
    public var limit: Int

    public init(limit: Int = 4096) { self.limit = limit }

    /// The cached analysis of `code`, whose keccak256 is `hash`, computing it on a miss.
    public mutating func analysis(hash: Bytes32, code: some Collection<UInt8>) -> CodeAnalysis {
        if let a = entries[hash] { return a }
        if entries.count >= limit { entries.removeAll(keepingCapacity: true) }
        let a = CodeAnalysis(code: code)
        entries[hash] = a
        return a
    }

    public var count: Int { entries.count }
}
