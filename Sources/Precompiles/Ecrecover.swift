internal import Hashing
internal import Primitives
internal import Secp256k1

/// ECRECOVER at 0x01 (Yellow Paper appendix E): input `hash ‖ v ‖ r ‖ s` (four 32-byte words,
/// zero-padded if short). Costs 3000 gas. Output is the signer's address left-padded to 32 bytes,
/// or empty when v is not exactly 27 or 28 (as a whole word), r or s is outside [1, n), or no key
/// recovers — an empty output is still a success and still costs 3000.
/// High-s signatures are accepted (EIP-2's low-s rule applies to transactions only).
public enum Ecrecover {
    public static let gas: UInt64 = 3000

    public static func run(input: [UInt8], gasLimit: UInt64) -> PrecompileResult {
        guard gasLimit >= gas else { return .failure(gasUsed: gasLimit, .outOfGas) }
        var padded = [UInt8](repeating: 0, count: 128)
        for i in 0..<min(input.count, 128) { padded[i] = input[i] }
        return .success(gasUsed: gas, output: recoverAddressWord(padded) ?? [])
    }

    /// `padded` has exactly 128 bytes.
    static func recoverAddressWord(_ padded: [UInt8]) -> [UInt8]? {
        // v: a whole 32-byte word equal to 27 or 28.
        for i in 32..<63 where padded[i] != 0 { return nil }
        let v = padded[63]
        guard v == 27 || v == 28 else { return nil }
        let r = padded[64..<96], s = padded[96..<128]
        guard isScalarInRange(r), isScalarInRange(s) else { return nil }
        let message = Bytes32(padded[0..<32])
        guard
            let key = Secp256k1.recoverPublicKey(
                signature64: Array(padded[64..<128]), recoveryID: Int(v - 27), message: message),
            key.count == 65
        else { return nil }
        let hash = Keccak256.hash(key[1..<65]).bytes
        return [UInt8](repeating: 0, count: 12) + hash[12..<32]
    }

    /// 1 ≤ x < n (the secp256k1 group order), x as 32 big-endian bytes.
    static func isScalarInRange(_ x: ArraySlice<UInt8>) -> Bool {
        guard x.contains(where: { $0 != 0 }) else { return false }
        for (a, b) in zip(x, Secp256k1.order) where a != b { return a < b }
        return false  // x == n
    }
}
