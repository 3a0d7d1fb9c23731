internal import Primitives
internal import Hashing

/// Base58 and Base58Check (Bitcoin's alphabet), as in Bitcoin Core's `base58.cpp`.
///
/// Decoding never traps: every input string — any length, any characters — yields bytes or nil.
/// Unlike Core, surrounding whitespace is not skipped; callers trim if they want that.
public enum Base58 {
    static let alphabet: [UInt8] = Array("123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz".utf8)

    /// Character → digit value, 0xff for characters outside the alphabet.
    static let digitValue: [UInt8] = {
        var table = [UInt8](repeating: 0xff, count: 256)
        for (i, c) in alphabet.enumerated() { table[Int(c)] = UInt8(i) }
        return table
    }()

    /// Encodes bytes; each leading zero byte becomes a leading '1'.
    public static func encode(_ bytes: some Collection<UInt8>) -> String {
        let input = Array(bytes)
        let zeros = input.prefix(while: { $0 == 0 }).count
        // log(256) / log(58) ≈ 1.365: enough base-58 digits for the rest.
        var digits = [UInt8](repeating: 0, count: (input.count - zeros) * 138 / 100 + 1)
        var length = 0
        for byte in input[zeros...] {
            var carry = Int(byte)
            var i = 0
            var k = digits.count - 1
            while (carry != 0 || i < length) && k >= 0 {
                carry += 256 * Int(digits[k])
                digits[k] = UInt8(carry % 58)
                carry /= 58
                i += 1
                k -= 1
            }
            length = i
        }
        var out = [UInt8](repeating: alphabet[0], count: zeros)
        for d in digits[(digits.count - length)...] { out.append(alphabet[Int(d)]) }
        return String(decoding: out, as: UTF8.self)
    }

    /// Decodes a Base58 string to at most `maxLength` bytes; nil if a character is outside the
    /// alphabet or the result would be longer. Inputs too long to fit are rejected before any
    /// work proportional to their square is done.
    public static func decode(_ string: some StringProtocol, maxLength: Int) -> [UInt8]? {
        let input = Array(string.utf8)
        guard maxLength >= 0 else { return nil }
        let zeros = input.prefix(while: { $0 == alphabet[0] }).count
        guard zeros <= maxLength else { return nil }
        // A value of b bytes has at most b·log(256)/log(58) + 1 digits.
        let maxDigits = (maxLength - zeros) * 138 / 100 + 1
        guard input.count - zeros <= maxDigits else { return nil }
        // log(58) / log(256) ≈ 0.733.
        var b256 = [UInt8](repeating: 0, count: (input.count - zeros) * 733 / 1000 + 1)
        var length = 0
        for c in input[zeros...] {
            let v = digitValue[Int(c)]
            guard v != 0xff else { return nil }
            var carry = Int(v)
            var i = 0
            var k = b256.count - 1
            while (carry != 0 || i < length) && k >= 0 {
                carry += 58 * Int(b256[k])
                b256[k] = UInt8(carry & 0xff)
                carry >>= 8
                i += 1
                k -= 1
            }
            guard carry == 0 else { return nil }
            length = i
        }
        let body = b256[(b256.count - length)...].drop(while: { $0 == 0 })
        guard zeros + body.count <= maxLength else { return nil }
        return [UInt8](repeating: 0, count: zeros) + body
    }

    /// Base58Check: payload ‖ first four bytes of SHA256d(payload).
    public static func encodeCheck(_ payload: some Collection<UInt8>) -> String {
        let data = Array(payload)
        return encode(data + SHA256Hash.double(data).bytes.prefix(4))
    }

    /// Decodes Base58Check; nil on a bad character, a payload longer than `maxPayloadLength`, or
    /// a checksum mismatch.
    public static func decodeCheck(_ string: some StringProtocol, maxPayloadLength: Int) -> [UInt8]? {
        guard maxPayloadLength >= 0, let data = decode(string, maxLength: maxPayloadLength + 4), data.count >= 4
        else { return nil }
        let payload = Array(data[..<(data.count - 4)])
        guard SHA256Hash.double(payload).bytes.prefix(4).elementsEqual(data.suffix(4)) else { return nil }
        return payload
    }
}
