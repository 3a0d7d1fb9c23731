public import EVM
public import Primitives

/// A genesis allocation entry.
public struct GenesisAccount: Sendable, Equatable {
    public var balance: UInt256
    public var nonce: UInt64
    public var code: [UInt8]
    public var storage: [UInt256: UInt256]

    public init(balance: UInt256 = .zero, nonce: UInt64 = 0, code: [UInt8] = [], storage: [UInt256: UInt256] = [:]) {
        self.balance = balance
        self.nonce = nonce
        self.code = code
        self.storage = storage
    }
}

/// The parameters of one Hemi L2 chain (`reference/hemi-protocol.md` §11).
///
/// The chain runs the OP Stack block shape on the EVM rules of `fork` (Ecotone/Canyon build on
/// Cancun): an L1-attributes deposit first in every block, EIP-1559 with the Canyon denominator,
/// empty withdrawals, no blob transactions.
public struct ChainConfig: Sendable {
    public var name: String
    public var chainID: UInt64
    /// Seconds between blocks; 0 means one block per transaction (devnet only).
    public var blockTime: UInt64
    public var gasLimit: UInt64
    /// EIP-1559 elasticity multiplier (gas target = gasLimit / elasticity).
    public var elasticityMultiplier: UInt64
    /// EIP-1559 base-fee change denominator (Canyon value).
    public var baseFeeChangeDenominator: UInt64
    public var genesisTimestamp: UInt64
    public var genesisBaseFee: UInt256
    public var fork: EVM.Fork
    /// The block coinbase: OP Stack's SequencerFeeVault predeploy collects the priority fees.
    public var coinbase: Bytes20
    public var alloc: [Bytes20: GenesisAccount]
    /// How many recent blocks keep reverse state diffs for historical state queries.
    public var historyBlocks: UInt64
    /// The L1 fee parameters of the L1-attributes deposit (Ecotone). Zero in a devnet without L1.
    public var l1BaseFee: UInt256
    public var l1BlobBaseFee: UInt256
    public var baseFeeScalar: UInt32
    public var blobBaseFeeScalar: UInt32

    public init(
        name: String, chainID: UInt64, blockTime: UInt64, gasLimit: UInt64 = 30_000_000,
        elasticityMultiplier: UInt64 = 6, baseFeeChangeDenominator: UInt64 = 250, genesisTimestamp: UInt64,
        genesisBaseFee: UInt256 = UInt256(1_000_000_000), fork: EVM.Fork = .cancun,
        coinbase: Bytes20 = ChainConfig.sequencerFeeVault, alloc: [Bytes20: GenesisAccount] = [:],
        historyBlocks: UInt64 = 10_000, l1BaseFee: UInt256 = .zero, l1BlobBaseFee: UInt256 = .zero,
        baseFeeScalar: UInt32 = 0, blobBaseFeeScalar: UInt32 = 0
    ) {
        self.name = name
        self.chainID = chainID
        self.blockTime = blockTime
        self.gasLimit = gasLimit
        self.elasticityMultiplier = elasticityMultiplier
        self.baseFeeChangeDenominator = baseFeeChangeDenominator
        self.genesisTimestamp = genesisTimestamp
        self.genesisBaseFee = genesisBaseFee
        self.fork = fork
        self.coinbase = coinbase
        self.alloc = alloc
        self.historyBlocks = historyBlocks
        self.l1BaseFee = l1BaseFee
        self.l1BlobBaseFee = l1BlobBaseFee
        self.baseFeeScalar = baseFeeScalar
        self.blobBaseFeeScalar = blobBaseFeeScalar
    }

    /// OP Stack SequencerFeeVault predeploy, the coinbase of every L2 block.
    public static let sequencerFeeVault = Bytes20(hex: "4200000000000000000000000000000000000011") ?? .zero
    /// OP Stack L1FeeVault predeploy: receives the L1 data fee of every user transaction.
    public static let l1FeeVault = Bytes20(hex: "420000000000000000000000000000000000001a") ?? .zero
    /// OP Stack L1Block predeploy, target of the L1-attributes deposit.
    public static let l1BlockPredeploy = Bytes20(hex: "4200000000000000000000000000000000000015") ?? .zero
    /// OP Stack depositor account, sender of the L1-attributes deposit.
    public static let l1AttributesDepositor = Bytes20(hex: "deaddeaddeaddeaddeaddeaddeaddeaddead0001") ?? .zero

    /// Hemi mainnet (§11): chain id 43111, 12 s blocks, 30M gas, EIP-1559 6/250 (Canyon).
    /// The genesis allocation of the live network is not embedded; this config carries its parameters.
    public static func mainnet() -> ChainConfig {
        ChainConfig(name: "hemi-mainnet", chainID: 43111, blockTime: 12, genesisTimestamp: 1_725_866_711)
    }

    /// Hemi Sepolia testnet (§11): chain id 743111, same parameters as mainnet.
    public static func testnet() -> ChainConfig {
        ChainConfig(name: "hemi-testnet", chainID: 743111, blockTime: 12, genesisTimestamp: 1_708_110_816)
    }

    /// A local development chain: chain id 901 (§11 "Localnet"), 1 s blocks by default, mainnet's
    /// gas limit and EIP-1559 parameters (6/250, not the localnet's 1/1/1, so fees behave as on
    /// mainnet), `alloc` prefunded.
    public static func devnet(
        alloc: [Bytes20: GenesisAccount], blockTime: UInt64 = 1, genesisTimestamp: UInt64
    ) -> ChainConfig {
        ChainConfig(
            name: "hemi-devnet", chainID: 901, blockTime: blockTime, genesisTimestamp: genesisTimestamp, alloc: alloc)
    }

    /// The gas target: `gasLimit / elasticityMultiplier`.
    public var gasTarget: UInt64 { gasLimit / Swift.max(elasticityMultiplier, 1) }

    /// EIP-1559 base fee of the child of a block with `parentGasUsed`/`parentBaseFee` (geth's
    /// `CalcBaseFee` with this chain's elasticity and denominator).
    public func computeNextBaseFee(parentGasUsed: UInt64, parentBaseFee: UInt256) -> UInt256 {
        let target = gasTarget
        if target == 0 || parentGasUsed == target { return parentBaseFee }
        let denominator = UInt256(Swift.max(baseFeeChangeDenominator, 1))
        if parentGasUsed > target {
            let delta = parentBaseFee &* UInt256(parentGasUsed - target) / UInt256(target) / denominator
            return parentBaseFee &+ Swift.max(delta, .one)
        }
        let delta = parentBaseFee &* UInt256(target - parentGasUsed) / UInt256(target) / denominator
        return delta >= parentBaseFee ? .zero : parentBaseFee &- delta
    }
}
