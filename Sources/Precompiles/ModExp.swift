/// MODEXP at 0x05 (EIP-198): input is `baseLen ‖ expLen ‖ modLen` (three 32-byte big-endian words)
/// followed by base, exponent and modulus; missing input bytes read as zero. Output is
/// `base^exp mod mod` as `modLen` big-endian bytes (all zero when the modulus is zero).
///
/// Gas is computed first, from the three lengths and at most 32 bytes of the exponent, with
/// saturating 128-bit arithmetic, so lengths up to 2^256 − 1 cost nothing to price and simply
/// run out of gas. Nothing is allocated before the gas check.
public enum ModExp {
    /// Which pricing rule applies.
    public enum Pricing: Sendable, Hashable {
        /// EIP-198 (Byzantium … Istanbul): complexity(max(b, m)) · max(adjExpLen, 1) / 20.
        case eip198
        /// EIP-2565 (Berlin … Prague): max(200, ⌈max(b, m)/8⌉² · max(iterations, 1) / 3).
        case eip2565
        /// EIP-7883 (Osaka): max(500, complexity · iterations), exponent words counted ×16,
        /// complexity 16 up to 32 bytes else 2·words²; plus EIP-7823's 1024-byte bound on each length.
        case eip7883

        static func forFork(_ fork: PrecompileFork) -> Pricing {
            fork >= .osaka ? .eip7883 : fork >= .berlin ? .eip2565 : .eip198
        }
    }

    /// EIP-7823: from Osaka, each of baseLen, expLen and modLen must be at most 1024 bytes.
    public static let osakaMaxLength: UInt64 = 1024

    /// Implementation bound on base and modulus lengths before Osaka. Any call with a longer base
    /// or modulus needs more than 5·10^10 gas under EIP-198/2565 (far beyond any block gas limit),
    /// so treating it as out of gas changes no reachable outcome and bounds allocation.
    public static let maxOperandLength: UInt64 = 1 << 22

    /// The three length words, each saturated to `UInt64.max` when larger.
    public struct Lengths: Sendable, Hashable {
        public var base: UInt64
        public var exponent: UInt64
        public var modulus: UInt64

        public init(base: UInt64, exponent: UInt64, modulus: UInt64) {
            self.base = base
            self.exponent = exponent
            self.modulus = modulus
        }

        public init(input: [UInt8]) {
            self.init(
                base: ModExp.word(input, at: 0), exponent: ModExp.word(input, at: 32),
                modulus: ModExp.word(input, at: 64))
        }
    }

    // MARK: - Input access

    /// The 32-byte big-endian word at `offset` (zero-padded), saturated to `UInt64.max`.
    static func word(_ input: [UInt8], at offset: Int) -> UInt64 {
        var value: UInt64 = 0
        var saturated = false
        for i in 0..<32 {
            let p = offset + i
            let byte: UInt8 = p < input.count ? input[p] : 0
            if i < 24 {
                if byte != 0 { saturated = true }
            } else {
                value = (value << 8) | UInt64(byte)
            }
        }
        return saturated ? UInt64.max : value
    }

    /// The bytes of the data area (after the 96-byte header) at `offset ..< offset+count` that are
    /// present in the input, and how many zero bytes follow them (EIP-198 zero padding).
    static func dataSlice(_ input: [UInt8], offset: UInt64, count: UInt64) -> (bytes: ArraySlice<UInt8>, missing: UInt64) {
        let (start, o) = offset.addingReportingOverflow(96)
        guard !o, start < UInt64(input.count) else { return (input[input.count...], count) }
        let available = UInt64(input.count) - start
        let take = min(available, count)
        // start < input.count and take ≤ input.count − start, so both fit in Int.
        let s = Int(truncatingIfNeeded: start)
        return (input[s..<(s + Int(truncatingIfNeeded: take))], count - take)
    }

    /// Bit length of the first min(expLen, 32) exponent bytes read as a big-endian number.
    static func exponentHeadBitLength(_ input: [UInt8], _ lengths: Lengths) -> Int {
        let (bytes, _) = dataSlice(input, offset: lengths.base, count: min(lengths.exponent, 32))
        // Present bytes come first; missing ones are trailing zeros, which add 8 bits each if the
        // present part is non-zero.
        let headLength = Int(min(lengths.exponent, 32))
        for (i, b) in bytes.enumerated() where b != 0 {
            return (headLength - i) * 8 - b.leadingZeroBitCount
        }
        return 0
    }

    // MARK: - Gas

    /// Gas for `input` under `pricing`, saturated to `UInt64.max`.
    public static func gas(input: [UInt8], pricing: Pricing) -> UInt64 {
        let lengths = Lengths(input: input)
        return gas(lengths: lengths, exponentHeadBitLength: exponentHeadBitLength(input, lengths), pricing: pricing)
    }

    /// Gas from the lengths and the bit length of the exponent's first min(expLen, 32) bytes.
    public static func gas(lengths: Lengths, exponentHeadBitLength headBits: Int, pricing: Pricing) -> UInt64 {
        let x = UInt128(max(lengths.base, lengths.modulus))
        let expLen = UInt128(lengths.exponent)
        let head = UInt128(max(headBits - 1, 0))
        let perWord: UInt128 = pricing == .eip7883 ? 16 : 8
        // Iterations ("adjusted exponent length"); at most 16·2^64 + 255, no overflow in UInt128.
        // A saturated exponent length (≥ 2^64 − 1) makes any non-zero complexity unaffordable.
        let iterations: UInt128 =
            lengths.exponent == UInt64.max ? UInt128.max : max(expLen <= 32 ? head : perWord * (expLen - 32) + head, 1)
        switch pricing {
        case .eip198:
            // EIP-198 mult_complexity; x < 2^64 so x² < 2^128.
            let x2 = x * x
            let complexity: UInt128 =
                x <= 64 ? x2 : x <= 1024 ? x2 / 4 + 96 * x - 3072 : x2 / 16 + 480 * x - 199_680
            let (product, overflow) = complexity.multipliedReportingOverflow(by: iterations)
            return overflow ? UInt64.max : saturate(product / 20)
        case .eip2565:
            let words = (x + 7) / 8
            let (product, overflow) = (words * words).multipliedReportingOverflow(by: iterations)
            return overflow ? UInt64.max : max(200, saturate(product / 3))
        case .eip7883:
            let words = (x + 7) / 8
            let complexity: UInt128 = x <= 32 ? 16 : 2 * words * words
            let (product, overflow) = complexity.multipliedReportingOverflow(by: iterations)
            return overflow ? UInt64.max : max(500, saturate(product))
        }
    }

    @inline(__always) static func saturate(_ v: UInt128) -> UInt64 { v > UInt128(UInt64.max) ? UInt64.max : UInt64(v) }

    // MARK: - Run

    /// Prices, bounds-checks and executes one call.
    public static func run(input: [UInt8], gasLimit: UInt64, pricing: Pricing) -> PrecompileResult {
        let lengths = Lengths(input: input)
        let cost = gas(lengths: lengths, exponentHeadBitLength: exponentHeadBitLength(input, lengths), pricing: pricing)
        guard cost <= gasLimit else { return .failure(gasUsed: gasLimit, .outOfGas) }
        if pricing == .eip7883
            && (lengths.base > osakaMaxLength || lengths.exponent > osakaMaxLength || lengths.modulus > osakaMaxLength)
        {
            return .failure(gasUsed: gasLimit, .invalidInput)
        }
        if lengths.modulus == 0 { return .success(gasUsed: cost, output: []) }
        guard lengths.base <= maxOperandLength, lengths.modulus <= maxOperandLength else {
            return .failure(gasUsed: gasLimit, .outOfGas)
        }
        let modLength = Int(truncatingIfNeeded: lengths.modulus)  // ≤ maxOperandLength
        let (modOffset, modOverflow) = lengths.base.addingReportingOverflow(lengths.exponent)
        let modSlice = modOverflow ? (input[input.count...], lengths.modulus) : dataSlice(input, offset: modOffset, count: lengths.modulus)
        let modulus = Limbs.fromBigEndian(modSlice.bytes, trailingZeroBytes: Int(truncatingIfNeeded: modSlice.missing))  // ≤ modulus length
        if modulus.isEmpty { return .success(gasUsed: cost, output: [UInt8](repeating: 0, count: modLength)) }
        let baseSlice = dataSlice(input, offset: 0, count: lengths.base)
        let base = Limbs.fromBigEndian(baseSlice.bytes, trailingZeroBytes: Int(truncatingIfNeeded: baseSlice.missing))  // ≤ base length
        let expSlice = dataSlice(input, offset: lengths.base, count: lengths.exponent)
        let result = ModularExponentiation.power(
            base: base,
            exponent: .init(bytes: expSlice.bytes, trailingZeroBytes: expSlice.missing),
            modulus: modulus)
        return .success(gasUsed: cost, output: Limbs.toBigEndian(result, length: modLength))
    }
}
