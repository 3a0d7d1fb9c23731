public import Primitives
internal import Hashing

/// A segwit witness program (BIP141): version 0…16 and 2…40 bytes; version 0 needs exactly 20
/// (P2WPKH) or 32 (P2WSH) bytes.
public struct WitnessProgram: Hashable, Sendable {
    public let version: UInt8
    public let program: [UInt8]

    /// Nil unless the version and length are valid per BIP141.
    public init?(version: UInt8, program: [UInt8]) {
        guard version <= 16, (2...40).contains(program.count) else { return nil }
        if version == 0 && program.count != 20 && program.count != 32 { return nil }
        self.version = version
        self.program = program
    }

    /// For callers that construct a known-valid program (v0 with 20 or 32 bytes, v1 with 32).
    init(valid version: UInt8, program: [UInt8]) {
        self.version = version
        self.program = program
    }
}

/// A Bitcoin address: Base58Check P2PKH / P2SH, or a bech32/bech32m segwit program (BIP173,
/// BIP350): v0 P2WPKH/P2WSH, v1 taproot (BIP341) and future versions 2…16.
public enum Address: Hashable, Sendable {
    case p2pkh(Bytes20)
    case p2sh(Bytes20)
    case witness(WitnessProgram)

    /// P2WPKH for a 20-byte key hash.
    public static func p2wpkh(_ hash: Bytes20) -> Address { .witness(WitnessProgram(valid: 0, program: hash.bytes)) }

    /// P2WSH for a 32-byte script hash.
    public static func p2wsh(_ hash: Bytes32) -> Address { .witness(WitnessProgram(valid: 0, program: hash.bytes)) }

    /// P2TR for a 32-byte x-only output key.
    public static func p2tr(outputKeyX: [UInt8]) -> Address? {
        guard outputKeyX.count == 32 else { return nil }
        return WitnessProgram(version: 1, program: outputKeyX).map(Address.witness)
    }

    /// Parses an address for `network`, as Bitcoin Core's `DecodeDestination`: Base58Check with
    /// the network's P2PKH/P2SH version byte and a 20-byte hash, or a segwit address with the
    /// network's HRP, bech32 for v0 and bech32m for v1+ (BIP350), at most 90 characters.
    public static func decode(_ string: String, network: AddressNetwork) -> Address? {
        // Segwit first: it fails fast on anything without the network's HRP and a '1'.
        if let (variant, hrp, data) = Bech32.decode(string), hrp == network.bech32HRP {
            guard let version = data.first, version <= 16 else { return nil }
            guard variant == (version == 0 ? .bech32 : .bech32m) else { return nil }
            guard let program = Bech32.convertBits(data.dropFirst(), from: 5, to: 8, pad: false),
                  let wp = WitnessProgram(version: version, program: program) else { return nil }
            return .witness(wp)
        }
        guard let payload = Base58.decodeCheck(string, maxPayloadLength: 21), payload.count == 21 else { return nil }
        let hash = Bytes20(payload.dropFirst())
        if payload[0] == network.pubKeyHashPrefix { return .p2pkh(hash) }
        if payload[0] == network.scriptHashPrefix { return .p2sh(hash) }
        return nil
    }

    /// The address string on `network` (segwit addresses in lower case).
    public func encode(network: AddressNetwork) -> String {
        switch self {
        case let .p2pkh(h): return Base58.encodeCheck([network.pubKeyHashPrefix] + h.bytes)
        case let .p2sh(h): return Base58.encodeCheck([network.scriptHashPrefix] + h.bytes)
        case let .witness(wp):
            let data = [wp.version] + (Bech32.convertBits(wp.program, from: 8, to: 5, pad: true) ?? [])
            // At most 4 + 1 + 1 + 64 + 6 characters for a valid program and a known HRP.
            return Bech32.encode(
                hrp: network.bech32HRP, data: data, variant: wp.version == 0 ? .bech32 : .bech32m, limit: 1023) ?? ""
        }
    }

    /// The output script this address pays to.
    public var scriptPubKey: [UInt8] {
        switch self {
        case let .p2pkh(h): return [0x76, 0xa9, 0x14] + h.bytes + [0x88, 0xac]  // DUP HASH160 <20> EQUALVERIFY CHECKSIG
        case let .p2sh(h): return [0xa9, 0x14] + h.bytes + [0x87]  // HASH160 <20> EQUAL
        case let .witness(wp):
            // OP_0 or OP_1…OP_16, then a direct push of the program.
            return [wp.version == 0 ? 0x00 : 0x50 + wp.version, UInt8(wp.program.count)] + wp.program
        }
    }

    /// Recognises the standard address-bearing output scripts (Core's `ExtractDestination` for
    /// P2PKH, P2SH and witness programs). Nil for anything else (P2PK, bare multisig, OP_RETURN…).
    public init?(scriptPubKey s: [UInt8]) {
        if s.count == 25, s[0] == 0x76, s[1] == 0xa9, s[2] == 0x14, s[23] == 0x88, s[24] == 0xac {
            self = .p2pkh(Bytes20(s[3..<23]))
        } else if s.count == 23, s[0] == 0xa9, s[1] == 0x14, s[22] == 0x87 {
            self = .p2sh(Bytes20(s[2..<22]))
        } else if (4...42).contains(s.count), s[0] == 0x00 || (0x51...0x60).contains(s[0]),
                  Int(s[1]) + 2 == s.count,
                  let wp = WitnessProgram(version: s[0] == 0 ? 0 : s[0] - 0x50, program: Array(s[2...])) {
            self = .witness(wp)
        } else {
            return nil
        }
    }

    /// The address string of an output script on `network`, nil for scripts without one.
    public static func encode(scriptPubKey: [UInt8], network: AddressNetwork) -> String? {
        Address(scriptPubKey: scriptPubKey)?.encode(network: network)
    }

    /// P2PKH of a public key (HASH160 of its encoding).
    public static func p2pkh(publicKey: [UInt8]) -> Address { .p2pkh(hash160(publicKey)) }

    /// P2SH of a redeem script.
    public static func p2sh(redeemScript: [UInt8]) -> Address { .p2sh(hash160(redeemScript)) }

    /// P2WSH of a witness script (single SHA-256).
    public static func p2wsh(witnessScript: [UInt8]) -> Address {
        .p2wsh(SHA256Hash.hash(witnessScript))
    }
}
