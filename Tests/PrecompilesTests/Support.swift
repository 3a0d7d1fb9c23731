import Precompiles
import Primitives
import Testing

/// Hex (whitespace and a leading 0x ignored) to bytes; records a test failure on bad hex.
func hex(_ s: String, sourceLocation: SourceLocation = #_sourceLocation) -> [UInt8] {
    var t = s.filter { !$0.isWhitespace }
    if t.hasPrefix("0x") { t.removeFirst(2) }
    guard let b = Hex.decode(t) else {
        Issue.record("bad hex: \(s.prefix(40))", sourceLocation: sourceLocation)
        return []
    }
    return b
}

/// A 32-byte big-endian word holding `v`.
func word(_ v: UInt64) -> [UInt8] {
    [UInt8](repeating: 0, count: 24) + (0..<8).map { UInt8(truncatingIfNeeded: v >> UInt64(56 - 8 * $0)) }
}

/// EIP-198 input: lengths from the operands.
func modexpInput(base: [UInt8], exponent: [UInt8], modulus: [UInt8]) -> [UInt8] {
    word(UInt64(base.count)) + word(UInt64(exponent.count)) + word(UInt64(modulus.count)) + base + exponent + modulus
}

extension PrecompileResult {
    var error: PrecompileError? {
        if case let .failure(_, e) = self { return e }
        return nil
    }
}
