/// Bech32 (BIP173) and Bech32m (BIP350) strings: HRP, separator '1', 5-bit data, 6-char checksum.
public enum Bech32 {
    /// The checksum variant: BIP173 bech32 (constant 1) or BIP350 bech32m (constant 0x2bc830a3).
    public enum Variant: Sendable, Hashable {
        case bech32
        case bech32m

        var constant: UInt32 {
            switch self {
            case .bech32: return 1
            case .bech32m: return 0x2bc8_30a3
            }
        }
    }

    /// BIP173's limit on the total string length (segwit addresses).
    public static let maxLength = 90

    static let charset: [UInt8] = Array("qpzry9x8gf2tvdw0s3jn54khce6mua7l".utf8)

    /// Lower-case character → 5-bit value, 0xff if not in the charset.
    static let charValue: [UInt8] = {
        var table = [UInt8](repeating: 0xff, count: 128)
        for (i, c) in charset.enumerated() { table[Int(c)] = UInt8(i) }
        return table
    }()

    static func polymod(_ values: [UInt8]) -> UInt32 {
        let gen: [UInt32] = [0x3b6a_57b2, 0x2650_8e6d, 0x1ea1_19fa, 0x3d42_33dd, 0x2a14_62b3]
        var chk: UInt32 = 1
        for v in values {
            let top = chk >> 25
            chk = (chk & 0x1ff_ffff) << 5 ^ UInt32(v)
            for i in 0..<5 where (top >> UInt32(i)) & 1 == 1 { chk ^= gen[i] }
        }
        return chk
    }

    static func hrpExpand(_ hrp: [UInt8]) -> [UInt8] {
        hrp.map { $0 >> 5 } + [0] + hrp.map { $0 & 31 }
    }

    static func checksum(hrp: [UInt8], data: [UInt8], variant: Variant) -> [UInt8] {
        let mod = polymod(hrpExpand(hrp) + data + [0, 0, 0, 0, 0, 0]) ^ variant.constant
        return (0..<6).map { UInt8((mod >> (5 * (5 - UInt32($0)))) & 31) }
    }

    /// Encodes `hrp` and 5-bit `data` (lower case). Nil if the HRP is empty or has characters
    /// outside 33…126, a data value is ≥ 32, or the result exceeds `limit` characters.
    public static func encode(hrp: String, data: [UInt8], variant: Variant, limit: Int = maxLength) -> String? {
        let h = Array(hrp.lowercased().utf8)
        guard !h.isEmpty, h.allSatisfy({ (33...126).contains($0) }), data.allSatisfy({ $0 < 32 }) else { return nil }
        guard h.count + 1 + data.count + 6 <= limit else { return nil }
        let all = data + checksum(hrp: h, data: data, variant: variant)
        return String(decoding: h + [UInt8(ascii: "1")] + all.map { charset[Int($0)] }, as: UTF8.self)
    }

    /// Decodes a bech32 or bech32m string: at most `limit` characters, all in 33…126, not mixed
    /// case, a non-empty HRP before the last '1', at least six checksum characters after it.
    /// Returns the variant whose checksum matches, the lower-case HRP and the 5-bit data without
    /// the checksum.
    public static func decode(_ string: String, limit: Int = maxLength) -> (variant: Variant, hrp: String, data: [UInt8])? {
        let s = Array(string.utf8)
        guard s.count <= limit else { return nil }
        var hasLower = false, hasUpper = false
        for c in s {
            guard (33...126).contains(c) else { return nil }
            if (0x61...0x7a).contains(c) { hasLower = true }
            if (0x41...0x5a).contains(c) { hasUpper = true }
        }
        guard !(hasLower && hasUpper) else { return nil }
        let lower = s.map { (0x41...0x5a).contains($0) ? $0 | 0x20 : $0 }
        guard let sep = lower.lastIndex(of: UInt8(ascii: "1")), sep >= 1, lower.count - sep - 1 >= 6 else { return nil }
        let hrp = Array(lower[..<sep])
        var data: [UInt8] = []
        data.reserveCapacity(lower.count - sep - 1)
        for c in lower[(sep + 1)...] {
            let v = charValue[Int(c)]
            guard v != 0xff else { return nil }
            data.append(v)
        }
        let mod = polymod(hrpExpand(hrp) + data)
        let variant: Variant
        switch mod {
        case Variant.bech32.constant: variant = .bech32
        case Variant.bech32m.constant: variant = .bech32m
        default: return nil
        }
        return (variant, String(decoding: hrp, as: UTF8.self), Array(data.dropLast(6)))
    }

    /// Regroups bits (BIP173 `convertbits`): 8→5 with padding to encode, 5→8 without padding to
    /// decode. Without padding, more than `from - 1` leftover bits, or non-zero leftover bits,
    /// are an error (nil). Values that do not fit in `from` bits are an error.
    public static func convertBits(_ data: some Sequence<UInt8>, from: Int, to: Int, pad: Bool) -> [UInt8]? {
        guard (1...8).contains(from), (1...8).contains(to) else { return nil }
        var acc: UInt32 = 0
        var bits = 0
        var out: [UInt8] = []
        let maxv: UInt32 = (1 << UInt32(to)) - 1
        for value in data {
            guard UInt32(value) >> UInt32(from) == 0 else { return nil }
            acc = (acc << UInt32(from)) | UInt32(value)
            bits += from
            while bits >= to {
                bits -= to
                out.append(UInt8((acc >> UInt32(bits)) & maxv))
            }
            acc &= (1 << UInt32(bits)) - 1
        }
        if pad {
            if bits > 0 { out.append(UInt8((acc << UInt32(to - bits)) & maxv)) }
        } else if bits >= from || (acc << UInt32(to - bits)) & maxv != 0 {
            return nil
        }
        return out
    }
}
