public import Primitives
import Hashing
import BitcoinScript

/// The 76-byte abbreviated L2 keystone that PoP miners publish to Bitcoin
/// (`reference/hemi-protocol.md` §2.2, heminetwork `hemi.L2KeystoneAbrev`).
///
/// | Offset | Len | Field |
/// |---|---|---|
/// | 0 | 1 | version (= 1) |
/// | 1 | 4 | L1 block number, big-endian |
/// | 5 | 4 | L2 block number, big-endian |
/// | 9 | 11 | leading bytes of the parent execution-payload hash |
/// | 20 | 12 | leading bytes of the previous keystone's execution-payload hash |
/// | 32 | 32 | state root |
/// | 64 | 12 | leading bytes of the execution-payload hash |
public struct KeystoneAbbrev: Hashable, Sendable {
    /// Serialized size in bytes (`L2KeystoneAbrevSize`).
    public static let size = 76
    /// The only version parsing accepts.
    public static let currentVersion: UInt8 = 1

    public var version: UInt8
    public var l1BlockNumber: UInt32
    public var l2BlockNumber: UInt32
    /// First 11 bytes of the parent block hash.
    public var parentEPHash: [UInt8]
    /// First 12 bytes of the previous keystone's block hash.
    public var prevKeystoneEPHash: [UInt8]
    public var stateRoot: Bytes32
    /// First 12 bytes of the keystone block's hash.
    public var epHash: [UInt8]

    /// Builds the abbreviated form from full 32-byte hashes, truncating to their leading bytes as §2.2 says.
    public init(
        l1BlockNumber: UInt32, l2BlockNumber: UInt32, parentEPHash: Bytes32, prevKeystoneEPHash: Bytes32,
        stateRoot: Bytes32, epHash: Bytes32
    ) {
        self.version = Self.currentVersion
        self.l1BlockNumber = l1BlockNumber
        self.l2BlockNumber = l2BlockNumber
        self.parentEPHash = Array(parentEPHash.bytes.prefix(11))
        self.prevKeystoneEPHash = Array(prevKeystoneEPHash.bytes.prefix(12))
        self.stateRoot = stateRoot
        self.epHash = Array(epHash.bytes.prefix(12))
    }

    /// Parses exactly 76 bytes; any other length or a version other than 1 is rejected.
    public init(parsing bytes: some Collection<UInt8>) throws(KeystoneError) {
        let b = Array(bytes)
        guard b.count == Self.size else { throw .badLength(b.count) }
        guard b[0] == Self.currentVersion else { throw .unsupportedVersion(b[0]) }
        version = b[0]
        l1BlockNumber = b[1..<5].reduce(0) { $0 << 8 | UInt32($1) }
        l2BlockNumber = b[5..<9].reduce(0) { $0 << 8 | UInt32($1) }
        parentEPHash = Array(b[9..<20])
        prevKeystoneEPHash = Array(b[20..<32])
        stateRoot = Bytes32(b[32..<64])
        epHash = Array(b[64..<76])
    }

    /// The 76 serialized bytes.
    public var serialized: [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(Self.size)
        out.append(version)
        for shift in stride(from: 24, through: 0, by: -8) { out.append(UInt8(truncatingIfNeeded: l1BlockNumber >> UInt32(shift))) }
        for shift in stride(from: 24, through: 0, by: -8) { out.append(UInt8(truncatingIfNeeded: l2BlockNumber >> UInt32(shift))) }
        out += Self.fit(parentEPHash, 11)
        out += Self.fit(prevKeystoneEPHash, 12)
        out += stateRoot.bytes
        out += Self.fit(epHash, 12)
        return out
    }

    /// The keystone hash: double SHA-256 of the 76 bytes, in internal byte order. Its display form
    /// (`displayHex`) is byte-reversed like a Bitcoin txid; that form is what `kss_getKeystone` and tbc take.
    public var hash: Bytes32 { SHA256Hash.double(serialized) }

    private static func fit(_ bytes: [UInt8], _ n: Int) -> [UInt8] {
        bytes.count >= n ? Array(bytes.prefix(n)) : bytes + [UInt8](repeating: 0, count: n - bytes.count)
    }
}

/// Errors from keystone parsing.
public enum KeystoneError: Error, Equatable, Sendable {
    case badLength(Int)
    case unsupportedVersion(UInt8)
    case notPoPScript
}

/// The PoP OP_RETURN payload (§3.1): `OP_RETURN <push "HEMI" ‖ 76-byte abbreviated keystone>`.
public enum PoPPayload {
    /// ASCII "HEMI".
    public static let magic: [UInt8] = [0x48, 0x45, 0x4D, 0x49]

    /// The 83-byte output script `6a 4c 50 "HEMI" ‖ keystone`.
    public static func script(for keystone: KeystoneAbbrev) -> [UInt8] {
        [0x6a] + Script.pushData(magic + keystone.serialized)
    }

    /// Parses an output script as a PoP payload: the first opcode must be OP_RETURN, the next token a data
    /// push of at least 5 bytes starting with "HEMI", and the rest must parse as an abbreviated keystone.
    public static func keystone(fromScript script: [UInt8]) throws(KeystoneError) -> KeystoneAbbrev {
        guard script.first == 0x6a else { throw .notPoPScript }
        var pc = 1
        guard let op = getScriptOp(script, &pc), op.opcode <= 0x4e, op.dataCount >= 5 else { throw .notPoPScript }
        let data = script[op.dataStart..<(op.dataStart + op.dataCount)]
        guard data.prefix(4).elementsEqual(magic) else { throw .notPoPScript }
        return try KeystoneAbbrev(parsing: data.dropFirst(4))
    }
}
