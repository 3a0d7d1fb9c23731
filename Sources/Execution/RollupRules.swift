public import EVM
public import Primitives

/// The block rules of an OP Stack rollup such as Hemi, layered over an Ethereum fork's EVM and
/// transaction rules (ADR 0011). `BlockExecutor` applies them when its `rollup` is set:
///
/// - EIP-1559 base fee with the chain's elasticity multiplier and change denominator;
/// - deposit transactions (0x7E, OP specs "Deposits", Regolith/Canyon rules) only at the start of
///   a block, the first one being the L1-attributes deposit; no signature, nonce check, gas
///   purchase or fee; `mint` credited even when the deposit fails; a failed deposit reverts to the
///   post-mint state, increments the sender's nonce and uses its whole gas limit; a deposit whose
///   EVM execution reverts or halts uses `gasLimit − gasLeft` (no refunds); receipts carry
///   `depositNonce` and `depositReceiptVersion`;
/// - the Ecotone L1 data fee of every other transaction, charged to its sender before execution
///   and paid to `l1FeeRecipient`;
/// - the base fee either burnt (`baseFeeRecipient == nil`, plain EIP-1559) or paid to a vault
///   (OP Stack's BaseFeeVault);
/// - no blob transactions and no Hemi system transactions (0x7C/0x7D) in user blocks.
///
/// This is a second implementation, kept apart from `L2Chain.BlockBuilder` on purpose: block
/// tests exported from a Hemi chain are re-executed with it to check the chain's blocks.
public struct RollupRules: Sendable, Equatable {
    public var chainID: UInt256
    /// EIP-1559 elasticity multiplier (gas target = gas limit / multiplier).
    public var elasticityMultiplier: UInt64
    /// EIP-1559 base-fee change denominator.
    public var baseFeeChangeDenominator: UInt64
    /// Ecotone L1 fee parameters (as set by the L1-attributes deposit).
    public var l1BaseFee: UInt256
    public var l1BlobBaseFee: UInt256
    public var baseFeeScalar: UInt32
    public var blobBaseFeeScalar: UInt32
    /// Receives the L1 data fee (OP Stack L1FeeVault).
    public var l1FeeRecipient: EVMAddress
    /// Receives `baseFee × gasUsed`; nil burns it (EIP-1559).
    public var baseFeeRecipient: EVMAddress?
    /// `depositReceiptVersion` of deposit receipts: 1 from Canyon, nil before.
    public var depositReceiptVersion: UInt64?

    public init(
        chainID: UInt256, elasticityMultiplier: UInt64, baseFeeChangeDenominator: UInt64, l1BaseFee: UInt256 = .zero,
        l1BlobBaseFee: UInt256 = .zero, baseFeeScalar: UInt32 = 0, blobBaseFeeScalar: UInt32 = 0,
        l1FeeRecipient: EVMAddress = RollupRules.l1FeeVault, baseFeeRecipient: EVMAddress? = nil,
        depositReceiptVersion: UInt64? = 1
    ) {
        self.chainID = chainID
        self.elasticityMultiplier = elasticityMultiplier
        self.baseFeeChangeDenominator = baseFeeChangeDenominator
        self.l1BaseFee = l1BaseFee
        self.l1BlobBaseFee = l1BlobBaseFee
        self.baseFeeScalar = baseFeeScalar
        self.blobBaseFeeScalar = blobBaseFeeScalar
        self.l1FeeRecipient = l1FeeRecipient
        self.baseFeeRecipient = baseFeeRecipient
        self.depositReceiptVersion = depositReceiptVersion
    }

    /// OP Stack L1FeeVault predeploy `0x420…001A`.
    public static let l1FeeVault = EVMAddress(hex: "420000000000000000000000000000000000001a") ?? .zero
    /// OP Stack BaseFeeVault predeploy `0x420…0019`.
    public static let baseFeeVault = EVMAddress(hex: "4200000000000000000000000000000000000019") ?? .zero
    /// EIP-3860 `MAX_INITCODE_SIZE`: a deposit creating a contract with longer init code fails.
    public static let maxInitCodeSize = 49_152

    /// EIP-1559 base fee of a child of a block with `parentGasUsed` gas used out of
    /// `parentGasLimit` at `parentBaseFee`, with this chain's parameters.
    public func computeBaseFee(parentGasLimit: UInt64, parentGasUsed: UInt64, parentBaseFee: UInt256) -> UInt256 {
        let target = parentGasLimit / Swift.max(elasticityMultiplier, 1)
        if target == 0 || parentGasUsed == target { return parentBaseFee }
        let denominator = UInt256(Swift.max(baseFeeChangeDenominator, 1))
        if parentGasUsed > target {
            let delta = parentBaseFee &* UInt256(parentGasUsed - target) / UInt256(target) / denominator
            return parentBaseFee &+ Swift.max(delta, .one)
        }
        let delta = parentBaseFee &* UInt256(target - parentGasUsed) / UInt256(target) / denominator
        return parentBaseFee > delta ? parentBaseFee &- delta : .zero
    }

    /// Ecotone L1 data fee of a transaction whose EIP-2718 envelope is `envelope`:
    /// `l1GasUsed = Σ (zero byte ? 4 : 16)`,
    /// `fee = l1GasUsed × (16·baseFeeScalar·l1BaseFee + blobBaseFeeScalar·l1BlobBaseFee) / 16e6`
    /// (OP specs "Ecotone L1 cost"; the 68-byte signature overhead of Bedrock is gone since Regolith).
    public func computeL1Fee(envelope: [UInt8]) -> UInt256 {
        var l1Gas: UInt64 = 0
        for b in envelope { l1Gas &+= b == 0 ? 4 : 16 }
        let weighted =
            UInt256(16) &* UInt256(UInt64(baseFeeScalar)) &* l1BaseFee
            &+ UInt256(UInt64(blobBaseFeeScalar)) &* l1BlobBaseFee
        return UInt256(l1Gas) &* weighted / UInt256(16_000_000)
    }
}
