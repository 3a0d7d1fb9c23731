/// Bitcoin Core's `CScriptNum`: little-endian sign-magnitude integers on the script stack.
/// Operands are limited to 4 bytes (5 for CHECKLOCKTIMEVERIFY/CHECKSEQUENCEVERIFY); results may be
/// longer. Decoding failures are Core's `scriptnum_error`, which Core reports as UNKNOWN_ERROR.
public enum ScriptNum {
    public static let defaultMaxSize = 4

    /// Decodes a stack element. Throws `.unknownError` if it is longer than `maxSize`, or, with
    /// `requireMinimal`, not minimally encoded (including negative zero).
    @inlinable
    public static func decode(_ v: [UInt8], requireMinimal: Bool, maxSize: Int = defaultMaxSize) throws(ScriptError) -> Int64 {
        let n = v.count
        if n > maxSize { throw .unknownError }
        if n == 0 { return 0 }
        if requireMinimal {
            // The most significant byte, less its sign bit, must be non-zero, unless the next byte
            // down needs its top bit for the magnitude (e.g. 0xff00 = 255).
            if v[n - 1] & 0x7f == 0 {
                if n <= 1 || v[n - 2] & 0x80 == 0 { throw .unknownError }
            }
        }
        var result: UInt64 = 0
        for i in 0..<n { result |= UInt64(v[i]) << UInt64(8 * i) }
        // n <= 8 here in practice; maxSize is at most 5 in the interpreter.
        let signBit: UInt64 = 0x80 << UInt64(8 * (n - 1))
        if result & signBit != 0 {
            return -Int64(bitPattern: result & ~signBit)
        }
        return Int64(bitPattern: result)
    }

    /// Minimal encoding of `value` (`CScriptNum::serialize`).
    @inlinable
    public static func encode(_ value: Int64) -> [UInt8] {
        if value == 0 { return [] }
        var out: [UInt8] = []
        out.reserveCapacity(9)
        let negative = value < 0
        var abs = value.magnitude
        while abs != 0 {
            out.append(UInt8(truncatingIfNeeded: abs))
            abs >>= 8
        }
        if out[out.count - 1] & 0x80 != 0 {
            out.append(negative ? 0x80 : 0)
        } else if negative {
            out[out.count - 1] |= 0x80
        }
        return out
    }

    /// Core's `CScriptNum::getint`: clamps to the Int32 range.
    @inlinable
    public static func clampToInt32(_ v: Int64) -> Int {
        if v > Int64(Int32.max) { return Int(Int32.max) }
        if v < Int64(Int32.min) { return Int(Int32.min) }
        return Int(v)
    }
}

/// Core's `CastToBool`: false for empty, all-zero, or all-zero with a final 0x80 (negative zero).
@inlinable
public func castToBool(_ v: [UInt8]) -> Bool {
    let n = v.count
    var i = 0
    while i < n {
        if v[i] != 0 {
            if i == n - 1 && v[i] == 0x80 { return false }
            return true
        }
        i += 1
    }
    return false
}
