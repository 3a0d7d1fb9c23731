/// Execution-layer forks as far as precompiles are concerned. The cases mirror `Ethereum.Fork`
/// one-to-one (same names, same order) so the EVM can map between them by name or raw value;
/// this module does not depend on `Ethereum`.
public enum PrecompileFork: Int, Comparable, Sendable, CaseIterable {
    /// 0x01 ecrecover, 0x02 sha256, 0x03 ripemd160, 0x04 identity.
    case frontier
    case homestead
    case tangerineWhistle
    case spuriousDragon
    /// + 0x05 modexp (EIP-198), 0x06–0x08 bn254 add/mul/pairing (EIP-196/197).
    case byzantium
    case constantinople
    case petersburg
    /// + 0x09 blake2f (EIP-152); bn254 repriced (EIP-1108).
    case istanbul
    /// modexp repriced (EIP-2565).
    case berlin
    case london
    case paris
    case shanghai
    /// + 0x0a KZG point evaluation (EIP-4844).
    case cancun
    /// + 0x0b–0x11 BLS12-381 (EIP-2537).
    case prague
    /// modexp bounds (EIP-7823) and repricing (EIP-7883); + 0x100 P256VERIFY (EIP-7951).
    case osaka

    public static func < (a: PrecompileFork, b: PrecompileFork) -> Bool { a.rawValue < b.rawValue }
}
