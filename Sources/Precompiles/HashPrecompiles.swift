internal import Hashing
internal import Primitives

/// SHA2-256 at 0x02: 60 + 12 per 32-byte word of input; output the 32-byte digest.
public enum SHA256Precompile {
    public static let baseGas: UInt64 = 60
    public static let wordGas: UInt64 = 12

    public static func gas(inputLength: Int) -> UInt64 { WordGas.cost(base: baseGas, perWord: wordGas, length: inputLength) }

    public static func run(input: [UInt8], gasLimit: UInt64) -> PrecompileResult {
        let cost = gas(inputLength: input.count)
        guard cost <= gasLimit else { return .failure(gasUsed: gasLimit, .outOfGas) }
        return .success(gasUsed: cost, output: SHA256Hash.hash(input).bytes)
    }
}

/// RIPEMD-160 at 0x03: 600 + 120 per word; output the 20-byte digest left-padded to 32 bytes.
public enum RIPEMD160Precompile {
    public static let baseGas: UInt64 = 600
    public static let wordGas: UInt64 = 120

    public static func gas(inputLength: Int) -> UInt64 { WordGas.cost(base: baseGas, perWord: wordGas, length: inputLength) }

    public static func run(input: [UInt8], gasLimit: UInt64) -> PrecompileResult {
        let cost = gas(inputLength: input.count)
        guard cost <= gasLimit else { return .failure(gasUsed: gasLimit, .outOfGas) }
        return .success(gasUsed: cost, output: [UInt8](repeating: 0, count: 12) + RIPEMD160.hash(input).bytes)
    }
}

/// IDENTITY at 0x04: 15 + 3 per word; output equals input.
public enum Identity {
    public static let baseGas: UInt64 = 15
    public static let wordGas: UInt64 = 3

    public static func gas(inputLength: Int) -> UInt64 { WordGas.cost(base: baseGas, perWord: wordGas, length: inputLength) }

    public static func run(input: [UInt8], gasLimit: UInt64) -> PrecompileResult {
        let cost = gas(inputLength: input.count)
        guard cost <= gasLimit else { return .failure(gasUsed: gasLimit, .outOfGas) }
        return .success(gasUsed: cost, output: input)
    }
}
