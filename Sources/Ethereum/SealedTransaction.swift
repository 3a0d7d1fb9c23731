internal import Hashing
public import Primitives

/// A transaction with its hash, computed once (keccak256 of the EIP-2718 envelope).
public struct SealedTransaction: Hashable, Sendable {
    public let transaction: Transaction
    public let hash: Bytes32

    /// Seals by encoding and hashing.
    public init(_ transaction: Transaction) {
        self.transaction = transaction
        self.hash = transaction.computeHash()
    }

    /// Decodes an envelope and hashes the input bytes directly: strict canonical decoding means
    /// they are exactly the envelope the transaction re-encodes to, so no re-encoding is needed.
    public init(envelope bytes: [UInt8]) throws(TransactionDecodingError) {
        self.transaction = try Transaction.decode(envelope: bytes)
        self.hash = Keccak256.hash(bytes)
    }
}
