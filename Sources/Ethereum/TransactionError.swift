public import Primitives

/// A transaction field, named in decoding errors.
public enum TransactionField: String, Sendable {
    case envelope, chainID, nonce, gasPrice, maxPriorityFeePerGas, maxFeePerGas, gasLimit, to, value, data
    case accessList, accessListAddress, accessListStorageKey, maxFeePerBlobGas, blobVersionedHashes
    case authorizationList, authorization, v, r, s, sourceHash, from, mint, isSystemTransaction
}

/// Why bytes are not a well-formed transaction envelope (EIP-2718) of a known type.
public enum TransactionDecodingError: Error, Equatable, Sendable, CustomStringConvertible {
    /// No bytes at all.
    case empty
    /// The first byte is neither a known type byte nor an RLP list header (e.g. an RLP string).
    case unsupportedType(UInt8)
    /// A field (or the outer structure) is malformed RLP or has the wrong size or shape.
    case field(TransactionField, RLPError)
    /// The field list ended before `field`.
    case missingField(TransactionField, offset: Int)
    /// More fields than the type defines.
    case extraFields(type: TransactionType, offset: Int)

    public var description: String {
        switch self {
        case .empty: return "empty transaction encoding"
        case .unsupportedType(let t): return "unsupported transaction type byte 0x\([t].hex)"
        case .field(let f, let e): return "transaction field \(f.rawValue): \(e)"
        case .missingField(let f, let o): return "transaction ended at offset \(o) before field \(f.rawValue)"
        case .extraFields(let t, let o): return "extra fields in \(t) transaction at offset \(o)"
        }
    }
}

/// Why a well-formed transaction is not valid under a fork's stateless rules.
public enum TransactionValidationError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The envelope type is not enabled in this fork (EIP-2718/2930/1559/4844/7702 activation), or
    /// a deposit outside an OP Stack chain.
    case typeNotSupported(TransactionType, Fork)
    /// EIP-2681: nonce must be below 2^64 - 1.
    case nonceTooBig
    /// `gasLimit * (gasPrice | maxFeePerGas)` does not fit 256 bits.
    case gasLimitPriceProductOverflow
    /// EIP-1559: `maxPriorityFeePerGas > maxFeePerGas`.
    case priorityFeeGreaterThanMaxFee
    /// r or s outside [1, n-1], s above n/2 from Homestead (EIP-2), or y-parity not 0/1.
    case invalidSignatureValues(String)
    /// `v` is not 27/28 and not a valid EIP-155 value (or EIP-155 used before Spurious Dragon).
    case invalidV(UInt256)
    /// The signed chain id differs from the chain's.
    case wrongChainID(expected: UInt256, got: UInt256)
    /// The gas limit is below the intrinsic gas (or the EIP-7623 floor).
    case intrinsicGasTooLow(gasLimit: UInt64, required: UInt64)
    /// EIP-3860: initcode longer than 49152 bytes.
    case initcodeSizeExceeded(size: Int, limit: Int)
    /// EIP-4844: no blobs, too many blobs, or a versioned hash without the 0x01 KZG version byte.
    case blobCountOutOfRange(count: Int, max: Int)
    case invalidBlobVersionedHash(index: Int)
    /// EIP-7702: the authorization list must not be empty.
    case emptyAuthorizationList
    /// EIP-7825 (Osaka): gas limit above 2^24.
    case gasLimitAboveCap(gasLimit: UInt64, cap: UInt64)
    /// Public-key recovery failed (no curve point for r, or recovery produced infinity).
    case senderRecoveryFailed

    public var description: String {
        switch self {
        case .typeNotSupported(let t, let f): return "transaction type \(t) not supported in \(f)"
        case .nonceTooBig: return "nonce must be below 2^64-1 (EIP-2681)"
        case .gasLimitPriceProductOverflow: return "gasLimit * gasPrice overflows 256 bits"
        case .priorityFeeGreaterThanMaxFee: return "maxPriorityFeePerGas exceeds maxFeePerGas"
        case .invalidSignatureValues(let r): return "invalid signature values: \(r)"
        case .invalidV(let v): return "invalid v \(v)"
        case .wrongChainID(let e, let g): return "chain id \(g), expected \(e)"
        case .intrinsicGasTooLow(let l, let r): return "gas limit \(l) below intrinsic gas \(r)"
        case .initcodeSizeExceeded(let s, let l): return "initcode size \(s) exceeds \(l) (EIP-3860)"
        case .blobCountOutOfRange(let c, let m): return "blob count \(c) not in 1...\(m)"
        case .invalidBlobVersionedHash(let i): return "blob versioned hash \(i) lacks version 0x01"
        case .emptyAuthorizationList: return "empty authorization list (EIP-7702)"
        case .gasLimitAboveCap(let l, let c): return "gas limit \(l) above cap \(c) (EIP-7825)"
        case .senderRecoveryFailed: return "sender recovery failed"
        }
    }
}
