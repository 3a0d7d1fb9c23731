public import Primitives

/// EIP-2718 transaction type bytes.
public enum TransactionType: UInt8, Sendable, Hashable {
    /// Untyped legacy transaction (an RLP list; optionally EIP-155 replay-protected).
    case legacy = 0x00
    /// EIP-2930: access list.
    case accessList = 0x01
    /// EIP-1559: dynamic fee.
    case dynamicFee = 0x02
    /// EIP-4844: blob-carrying (only versioned hashes in the execution layer).
    case blob = 0x03
    /// EIP-7702: set code (authorization list).
    case setCode = 0x04
    /// Hemi BTC Attributes Deposited system transaction (hVM Bitcoin headers), no signature.
    case btcAttributesDeposited = 0x7c
    /// Hemi PoP payout system transaction, no signature.
    case popPayout = 0x7d
    /// OP Stack deposit transaction (`specs/protocol/deposits.md`), no signature.
    case deposit = 0x7e
}

/// One EIP-2930 access list entry: an address and the storage keys to pre-warm.
public struct AccessListEntry: Hashable, Sendable {
    public var address: Bytes20
    public var storageKeys: [Bytes32]
    public init(address: Bytes20, storageKeys: [Bytes32]) {
        self.address = address
        self.storageKeys = storageKeys
    }
}

/// An ECDSA signature as carried by a transaction: `v` (legacy: 27/28 or EIP-155
/// `chainId * 2 + 35/36`; typed: the y-parity 0/1), and `r`, `s` as integers. Decoding keeps
/// whatever integers were sent; `TransactionValidation` decides whether they are acceptable.
public struct TransactionSignature: Hashable, Sendable {
    public var v: UInt256
    public var r: UInt256
    public var s: UInt256
    public init(v: UInt256, r: UInt256, s: UInt256) {
        self.v = v
        self.r = r
        self.s = s
    }
}

/// An EIP-7702 authorization tuple `[chain_id, address, nonce, y_parity, r, s]`.
/// Field bounds (EIP-7702): nonce < 2^64, y_parity < 2^8; other checks happen when applied.
public struct Authorization: Hashable, Sendable {
    public var chainID: UInt256
    public var address: Bytes20
    public var nonce: UInt64
    public var yParity: UInt8
    public var r: UInt256
    public var s: UInt256
    public init(chainID: UInt256, address: Bytes20, nonce: UInt64, yParity: UInt8, r: UInt256, s: UInt256) {
        self.chainID = chainID
        self.address = address
        self.nonce = nonce
        self.yParity = yParity
        self.r = r
        self.s = s
    }
}

/// Type 0: `rlp([nonce, gasPrice, gasLimit, to, value, data, v, r, s])`.
public struct LegacyTransaction: Hashable, Sendable {
    public var nonce: UInt64
    public var gasPrice: UInt256
    public var gasLimit: UInt64
    /// nil for contract creation.
    public var to: Bytes20?
    public var value: UInt256
    public var data: [UInt8]
    public var signature: TransactionSignature

    public init(
        nonce: UInt64, gasPrice: UInt256, gasLimit: UInt64, to: Bytes20?, value: UInt256, data: [UInt8],
        signature: TransactionSignature
    ) {
        self.nonce = nonce
        self.gasPrice = gasPrice
        self.gasLimit = gasLimit
        self.to = to
        self.value = value
        self.data = data
        self.signature = signature
    }

    /// The EIP-155 chain id encoded in `v` (`v = chainId * 2 + 35 + parity`), or nil for v = 27/28
    /// or any other value below 35.
    public var eip155ChainID: UInt256? {
        let v = signature.v
        guard v >= UInt256(35) else { return nil }
        return (v &- UInt256(35)) >> 1
    }
}

/// Type 1 (EIP-2930): `0x01 ‖ rlp([chainId, nonce, gasPrice, gasLimit, to, value, data, accessList, yParity, r, s])`.
public struct AccessListTransaction: Hashable, Sendable {
    public var chainID: UInt256
    public var nonce: UInt64
    public var gasPrice: UInt256
    public var gasLimit: UInt64
    public var to: Bytes20?
    public var value: UInt256
    public var data: [UInt8]
    public var accessList: [AccessListEntry]
    public var signature: TransactionSignature

    public init(
        chainID: UInt256, nonce: UInt64, gasPrice: UInt256, gasLimit: UInt64, to: Bytes20?, value: UInt256,
        data: [UInt8], accessList: [AccessListEntry], signature: TransactionSignature
    ) {
        self.chainID = chainID
        self.nonce = nonce
        self.gasPrice = gasPrice
        self.gasLimit = gasLimit
        self.to = to
        self.value = value
        self.data = data
        self.accessList = accessList
        self.signature = signature
    }
}

/// Type 2 (EIP-1559): `0x02 ‖ rlp([chainId, nonce, maxPriorityFeePerGas, maxFeePerGas, gasLimit, to,
/// value, data, accessList, yParity, r, s])`.
public struct DynamicFeeTransaction: Hashable, Sendable {
    public var chainID: UInt256
    public var nonce: UInt64
    public var maxPriorityFeePerGas: UInt256
    public var maxFeePerGas: UInt256
    public var gasLimit: UInt64
    public var to: Bytes20?
    public var value: UInt256
    public var data: [UInt8]
    public var accessList: [AccessListEntry]
    public var signature: TransactionSignature

    public init(
        chainID: UInt256, nonce: UInt64, maxPriorityFeePerGas: UInt256, maxFeePerGas: UInt256, gasLimit: UInt64,
        to: Bytes20?, value: UInt256, data: [UInt8], accessList: [AccessListEntry], signature: TransactionSignature
    ) {
        self.chainID = chainID
        self.nonce = nonce
        self.maxPriorityFeePerGas = maxPriorityFeePerGas
        self.maxFeePerGas = maxFeePerGas
        self.gasLimit = gasLimit
        self.to = to
        self.value = value
        self.data = data
        self.accessList = accessList
        self.signature = signature
    }
}

/// Type 3 (EIP-4844): `0x03 ‖ rlp([chainId, nonce, maxPriorityFeePerGas, maxFeePerGas, gasLimit, to,
/// value, data, accessList, maxFeePerBlobGas, blobVersionedHashes, yParity, r, s])`. `to` is required.
/// Only the execution-layer form: the network wrapper with blobs, commitments and proofs is not handled here.
public struct BlobTransaction: Hashable, Sendable {
    public var chainID: UInt256
    public var nonce: UInt64
    public var maxPriorityFeePerGas: UInt256
    public var maxFeePerGas: UInt256
    public var gasLimit: UInt64
    public var to: Bytes20
    public var value: UInt256
    public var data: [UInt8]
    public var accessList: [AccessListEntry]
    public var maxFeePerBlobGas: UInt256
    public var blobVersionedHashes: [Bytes32]
    public var signature: TransactionSignature

    public init(
        chainID: UInt256, nonce: UInt64, maxPriorityFeePerGas: UInt256, maxFeePerGas: UInt256, gasLimit: UInt64,
        to: Bytes20, value: UInt256, data: [UInt8], accessList: [AccessListEntry], maxFeePerBlobGas: UInt256,
        blobVersionedHashes: [Bytes32], signature: TransactionSignature
    ) {
        self.chainID = chainID
        self.nonce = nonce
        self.maxPriorityFeePerGas = maxPriorityFeePerGas
        self.maxFeePerGas = maxFeePerGas
        self.gasLimit = gasLimit
        self.to = to
        self.value = value
        self.data = data
        self.accessList = accessList
        self.maxFeePerBlobGas = maxFeePerBlobGas
        self.blobVersionedHashes = blobVersionedHashes
        self.signature = signature
    }
}

/// Type 4 (EIP-7702): `0x04 ‖ rlp([chainId, nonce, maxPriorityFeePerGas, maxFeePerGas, gasLimit, to,
/// value, data, accessList, authorizationList, yParity, r, s])`. `to` is required.
public struct SetCodeTransaction: Hashable, Sendable {
    public var chainID: UInt256
    public var nonce: UInt64
    public var maxPriorityFeePerGas: UInt256
    public var maxFeePerGas: UInt256
    public var gasLimit: UInt64
    public var to: Bytes20
    public var value: UInt256
    public var data: [UInt8]
    public var accessList: [AccessListEntry]
    public var authorizationList: [Authorization]
    public var signature: TransactionSignature

    public init(
        chainID: UInt256, nonce: UInt64, maxPriorityFeePerGas: UInt256, maxFeePerGas: UInt256, gasLimit: UInt64,
        to: Bytes20, value: UInt256, data: [UInt8], accessList: [AccessListEntry], authorizationList: [Authorization],
        signature: TransactionSignature
    ) {
        self.chainID = chainID
        self.nonce = nonce
        self.maxPriorityFeePerGas = maxPriorityFeePerGas
        self.maxFeePerGas = maxFeePerGas
        self.gasLimit = gasLimit
        self.to = to
        self.value = value
        self.data = data
        self.accessList = accessList
        self.authorizationList = authorizationList
        self.signature = signature
    }
}

/// OP Stack deposit (type 0x7E, `specs/protocol/deposits.md`): `0x7E ‖ rlp([sourceHash, from, to,
/// mint, value, gas, isSystemTransaction, data])`. Unsigned: `from` is authenticated by L1 derivation.
/// `mint` zero and "no mint" encode identically (`0x80`).
public struct DepositTransaction: Hashable, Sendable {
    public var sourceHash: Bytes32
    public var from: Bytes20
    public var to: Bytes20?
    public var mint: UInt256
    public var value: UInt256
    public var gasLimit: UInt64
    public var isSystemTransaction: Bool
    public var data: [UInt8]

    public init(
        sourceHash: Bytes32, from: Bytes20, to: Bytes20?, mint: UInt256, value: UInt256, gasLimit: UInt64,
        isSystemTransaction: Bool, data: [UInt8]
    ) {
        self.sourceHash = sourceHash
        self.from = from
        self.to = to
        self.mint = mint
        self.value = value
        self.gasLimit = gasLimit
        self.isSystemTransaction = isSystemTransaction
        self.data = data
    }
}

/// A Hemi system transaction, type 0x7C (BTC Attributes Deposited: `updateHvmState(bytes32,bytes[])`
/// to the HvmState predeploy) or 0x7D (PoP payout: `mintPoPRewards(…)` to the governance token):
/// `type ‖ rlp([to, gas, data])` with `to` empty for nil (hemilabs/op-geth core/types
/// `btc_attributes_deposited_tx.go`, `pop_payout_tx.go`). Unsigned, no nonce, value or fee; the
/// sender is always `HemiSystemTransaction.sender`. Built by the sequencer and force-included; never
/// accepted from the mempool.
public struct HemiSystemTransaction: Hashable, Sendable {
    /// `0x8888888888888888888888888888888888888888`, the sender of both system types.
    public static let sender = Bytes20(a: 0x8888_8888_8888_8888, b: 0x8888_8888_8888_8888, c: 0x8888_8888)

    public var to: Bytes20?
    public var gasLimit: UInt64
    public var data: [UInt8]

    public init(to: Bytes20?, gasLimit: UInt64, data: [UInt8]) {
        self.to = to
        self.gasLimit = gasLimit
        self.data = data
    }
}
