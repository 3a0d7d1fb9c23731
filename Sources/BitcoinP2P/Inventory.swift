public import Primitives

/// An inventory type (`GetDataMsg` in Core's `protocol.h`). Unknown values are kept, not rejected.
public struct InventoryType: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public var rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    /// `MSG_WITNESS_FLAG` (BIP144): request the witness serialization.
    public static let witnessFlag: UInt32 = 1 << 30

    public static let error = InventoryType(rawValue: 0)
    public static let tx = InventoryType(rawValue: 1)
    public static let block = InventoryType(rawValue: 2)
    /// `MSG_FILTERED_BLOCK` (BIP37).
    public static let filteredBlock = InventoryType(rawValue: 3)
    /// `MSG_CMPCT_BLOCK` (BIP152).
    public static let compactBlock = InventoryType(rawValue: 4)
    /// `MSG_WTX` (BIP339).
    public static let wtx = InventoryType(rawValue: 5)
    public static let witnessTx = InventoryType(rawValue: 1 | witnessFlag)
    public static let witnessBlock = InventoryType(rawValue: 2 | witnessFlag)
    public static let witnessFilteredBlock = InventoryType(rawValue: 3 | witnessFlag)

    public var hasWitnessFlag: Bool { rawValue & Self.witnessFlag != 0 }
    /// The type without the witness flag.
    public var base: InventoryType { InventoryType(rawValue: rawValue & ~Self.witnessFlag) }

    public var description: String {
        let name: String
        switch base {
        case .error: name = "error"
        case .tx: name = "tx"
        case .block: name = "block"
        case .filteredBlock: name = "filtered_block"
        case .compactBlock: name = "cmpct_block"
        case .wtx: name = "wtx"
        default: name = "unknown(\(base.rawValue))"
        }
        return hasWitnessFlag ? "witness_" + name : name
    }
}

/// An inventory vector: type (u32 LE) and 32-byte hash (internal order).
public struct InventoryVector: Hashable, Sendable {
    public static let size = 36
    public var type: InventoryType
    public var hash: Bytes32

    public init(type: InventoryType, hash: Bytes32) {
        self.type = type
        self.hash = hash
    }

    public func encode(into w: inout ByteWriter) {
        w.writeUInt32LE(type.rawValue)
        w.write(hash)
    }

    public static func decode(from r: inout ByteReader) throws(DecodeError) -> InventoryVector {
        let t = InventoryType(rawValue: try r.readUInt32LE())
        return InventoryVector(type: t, hash: try r.readBytes32())
    }
}
