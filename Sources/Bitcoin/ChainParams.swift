public import Primitives

/// The networks Bitcoin Core knows (`ChainType`).
public enum Network: String, Sendable, CaseIterable, Hashable {
    case mainnet = "main"
    case testnet3 = "test"
    case testnet4
    case signet
    case regtest
}

/// Consensus and encoding parameters of one network, from Bitcoin Core's `kernel/chainparams.cpp`.
///
/// Heights are the heights at which a rule is first enforced (Core's `DeploymentHeight`).
public struct ChainParams: Sendable {
    /// Which network these are.
    public let network: Network
    /// The 4 message-start bytes (also the blk-file magic), wire order.
    public let magic: [UInt8]
    /// Default P2P port.
    public let defaultPort: UInt16
    /// The genesis block, built as Core's `CreateGenesisBlock`.
    public let genesis: Block
    /// The genesis block hash as Core hard-codes it (tests check `genesis.computeHash()` equals it).
    public let genesisHash: BlockHash
    /// The highest allowed target (`powLimit`).
    public let powLimit: UInt256
    /// `nPowTargetSpacing`, seconds.
    public let powTargetSpacing: Int64
    /// `nPowTargetTimespan`, seconds (two weeks).
    public let powTargetTimespan: Int64
    /// `fPowNoRetargeting` (regtest): bits never change.
    public let powNoRetargeting: Bool
    /// `fPowAllowMinDifficultyBlocks` (testnets, regtest): a block more than 2 × spacing after its
    /// parent may use the pow limit.
    public let powAllowMinDifficultyBlocks: Bool
    /// `enforce_BIP94` (testnet4): retarget from the first block of the period and the timewarp rule.
    public let enforceBIP94: Bool
    /// BIP34 (height in coinbase, version ≥ 2).
    public let bip34Height: Int
    /// BIP65 (CHECKLOCKTIMEVERIFY, version ≥ 4).
    public let bip65Height: Int
    /// BIP66 (strict DER, version ≥ 3).
    public let bip66Height: Int
    /// BIP68/112/113 (CSV, MTP lock-time).
    public let csvHeight: Int
    /// BIP141/143/147 (segwit).
    public let segwitHeight: Int
    /// `nSubsidyHalvingInterval`.
    public let subsidyHalvingInterval: Int
    /// `COINBASE_MATURITY`.
    public let coinbaseMaturity: Int
    /// BIP173 human-readable part.
    public let bech32HRP: String
    /// Base58Check version bytes.
    public let base58PubkeyPrefix: UInt8
    public let base58ScriptPrefix: UInt8
    public let base58SecretPrefix: UInt8
    /// Blocks whose script flags differ from the default (Core's `script_flag_exceptions`):
    /// hash → flags (Core's `SCRIPT_VERIFY_*` bit values).
    public let scriptFlagExceptions: [BlockHash: UInt32]

    /// `DifficultyAdjustmentInterval()` = timespan / spacing (2016).
    public var difficultyAdjustmentInterval: Int { Int(powTargetTimespan / powTargetSpacing) }

    /// The pow limit in compact form.
    public var powLimitBits: UInt32 { CompactTarget.encode(powLimit) }
}

extension ChainParams {
    /// Parameters for `network`.
    public static func forNetwork(_ network: Network) -> ChainParams {
        switch network {
        case .mainnet: return .mainnet
        case .testnet3: return .testnet3
        case .testnet4: return .testnet4
        case .signet: return .signet
        case .regtest: return .regtest
        }
    }

    /// All five networks.
    public static let all: [ChainParams] = [.mainnet, .testnet3, .testnet4, .signet, .regtest]

    static let satoshiTimestamp = "The Times 03/Jan/2009 Chancellor on brink of second bailout for banks"
    static let satoshiPubkey = Hex.decode(
        "04678afdb0fe5548271967f1a67130b7105cd6a828e03909a67962e0ea1f61deb649f6bc3f4cef38c4f35504e51ec112de5c384df7ba0b8d578a4c702b6bf11d5f"
    ) ?? []
    static let limit1d00ffff = UInt256(hex: "00000000ffffffffffffffffffffffffffffffffffffffffffffffffffffffff") ?? .zero
    static let twoWeeks: Int64 = 14 * 24 * 60 * 60

    /// Core's `CreateGenesisBlock`: one coinbase whose scriptSig is
    /// `486604799 CScriptNum(4) <timestamp>` paying `reward` to `<pubkey> OP_CHECKSIG`.
    static func makeGenesis(timestamp: String, pubkey: [UInt8], time: UInt32, nonce: UInt32, bits: UInt32) -> Block {
        var sig: [UInt8] = [0x04, 0xff, 0xff, 0x00, 0x1d, 0x01, 0x04]
        let msg = Array(timestamp.utf8)
        if msg.count < 0x4c { sig.append(UInt8(msg.count)) } else { sig += [0x4c, UInt8(truncatingIfNeeded: msg.count)] }
        sig += msg
        let script = [UInt8(pubkey.count)] + pubkey + [0xac]
        let coinbase = Transaction(
            version: 1,
            inputs: [TxIn(prevout: .null, scriptSig: sig, sequence: 0xffff_ffff)],
            outputs: [TxOut(value: 50 * 100_000_000, scriptPubKey: script)],
            lockTime: 0)
        let root = Merkle.computeRoot([coinbase.computeTxID()]).root
        let header = BlockHeader(version: 1, prevBlock: .zero, merkleRoot: root, time: time, bits: bits, nonce: nonce)
        return Block(header: header, transactions: [coinbase])
    }

    static func hash(_ display: String) -> BlockHash { BlockHash(displayHex: display) ?? .zero }

    /// Bitcoin mainnet.
    public static let mainnet = ChainParams(
        network: .mainnet, magic: [0xf9, 0xbe, 0xb4, 0xd9], defaultPort: 8333,
        genesis: makeGenesis(timestamp: satoshiTimestamp, pubkey: satoshiPubkey, time: 1_231_006_505, nonce: 2_083_236_893, bits: 0x1d00_ffff),
        genesisHash: hash("000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f"),
        powLimit: limit1d00ffff, powTargetSpacing: 600, powTargetTimespan: twoWeeks,
        powNoRetargeting: false, powAllowMinDifficultyBlocks: false, enforceBIP94: false,
        bip34Height: 227_931, bip65Height: 388_381, bip66Height: 363_725, csvHeight: 419_328, segwitHeight: 481_824,
        subsidyHalvingInterval: 210_000, coinbaseMaturity: 100,
        bech32HRP: "bc", base58PubkeyPrefix: 0, base58ScriptPrefix: 5, base58SecretPrefix: 128,
        scriptFlagExceptions: [
            // BIP16 exception: the one block that violates P2SH.
            hash("00000000000002dc756eebf4f49723ed8d30cc28a5f108eb94b1ba88ac4f9c22"): ScriptFlagBits.none,
            // Taproot exception.
            hash("0000000000000000000f14c35b2d841e986ab5441de8c585d5ffe55ea1e395ad"): ScriptFlagBits.p2sh | ScriptFlagBits.witness,
        ])

    /// testnet3 (20-minute min-difficulty rule, no BIP94).
    public static let testnet3 = ChainParams(
        network: .testnet3, magic: [0x0b, 0x11, 0x09, 0x07], defaultPort: 18333,
        genesis: makeGenesis(timestamp: satoshiTimestamp, pubkey: satoshiPubkey, time: 1_296_688_602, nonce: 414_098_458, bits: 0x1d00_ffff),
        genesisHash: hash("000000000933ea01ad0ee984209779baaec3ced90fa3f408719526f8d77f4943"),
        powLimit: limit1d00ffff, powTargetSpacing: 600, powTargetTimespan: twoWeeks,
        powNoRetargeting: false, powAllowMinDifficultyBlocks: true, enforceBIP94: false,
        bip34Height: 21_111, bip65Height: 581_885, bip66Height: 330_776, csvHeight: 770_112, segwitHeight: 834_624,
        subsidyHalvingInterval: 210_000, coinbaseMaturity: 100,
        bech32HRP: "tb", base58PubkeyPrefix: 111, base58ScriptPrefix: 196, base58SecretPrefix: 239,
        scriptFlagExceptions: [
            hash("00000000dd30457c001f4095d208cc1296b0eed002427aa599874af7a432b105"): ScriptFlagBits.none
        ])

    /// testnet4 (BIP94: timewarp rule, retarget from the period's first block).
    public static let testnet4 = ChainParams(
        network: .testnet4, magic: [0x1c, 0x16, 0x3f, 0x28], defaultPort: 48333,
        genesis: makeGenesis(
            timestamp: "03/May/2024 000000000000000000001ebd58c244970b3aa9d783bb001011fbe8ea8e98e00e",
            pubkey: [UInt8](repeating: 0, count: 33), time: 1_714_777_860, nonce: 393_743_547, bits: 0x1d00_ffff),
        genesisHash: hash("00000000da84f2bafbbc53dee25a72ae507ff4914b867c565be350b0da8bf043"),
        powLimit: limit1d00ffff, powTargetSpacing: 600, powTargetTimespan: twoWeeks,
        powNoRetargeting: false, powAllowMinDifficultyBlocks: true, enforceBIP94: true,
        bip34Height: 1, bip65Height: 1, bip66Height: 1, csvHeight: 1, segwitHeight: 1,
        subsidyHalvingInterval: 210_000, coinbaseMaturity: 100,
        bech32HRP: "tb", base58PubkeyPrefix: 111, base58ScriptPrefix: 196, base58SecretPrefix: 239,
        scriptFlagExceptions: [:])

    /// The default signet (BIP325); custom signet challenges are not modelled.
    public static let signet = ChainParams(
        network: .signet, magic: [0x0a, 0x03, 0xcf, 0x40], defaultPort: 38333,
        genesis: makeGenesis(timestamp: satoshiTimestamp, pubkey: satoshiPubkey, time: 1_598_918_400, nonce: 52_613_770, bits: 0x1e03_77ae),
        genesisHash: hash("00000008819873e925422c1ff0f99f7cc9bbb232af63a077a480a3633bee1ef6"),
        powLimit: UInt256(hex: "00000377ae000000000000000000000000000000000000000000000000000000") ?? .zero,
        powTargetSpacing: 600, powTargetTimespan: twoWeeks,
        powNoRetargeting: false, powAllowMinDifficultyBlocks: false, enforceBIP94: false,
        bip34Height: 1, bip65Height: 1, bip66Height: 1, csvHeight: 1, segwitHeight: 1,
        subsidyHalvingInterval: 210_000, coinbaseMaturity: 100,
        bech32HRP: "tb", base58PubkeyPrefix: 111, base58ScriptPrefix: 196, base58SecretPrefix: 239,
        scriptFlagExceptions: [:])

    /// regtest (no retargeting; BIP34/65/66/CSV at 1, segwit at 0; halving every 150).
    public static let regtest = ChainParams(
        network: .regtest, magic: [0xfa, 0xbf, 0xb5, 0xda], defaultPort: 18444,
        genesis: makeGenesis(timestamp: satoshiTimestamp, pubkey: satoshiPubkey, time: 1_296_688_602, nonce: 2, bits: 0x207f_ffff),
        genesisHash: hash("0f9188f13cb7b2c71f2a335e3a4fc328bf5beb436012afca590b1a11466e2206"),
        powLimit: UInt256(hex: "7fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff") ?? .zero,
        powTargetSpacing: 600, powTargetTimespan: twoWeeks,
        powNoRetargeting: true, powAllowMinDifficultyBlocks: true, enforceBIP94: false,
        bip34Height: 1, bip65Height: 1, bip66Height: 1, csvHeight: 1, segwitHeight: 0,
        subsidyHalvingInterval: 150, coinbaseMaturity: 100,
        bech32HRP: "bcrt", base58PubkeyPrefix: 111, base58ScriptPrefix: 196, base58SecretPrefix: 239,
        scriptFlagExceptions: [:])
}

/// Bitcoin Core's `SCRIPT_VERIFY_*` bit values (`script/interpreter.h`), for block script flags.
public enum ScriptFlagBits {
    public static let none: UInt32 = 0
    /// BIP16.
    public static let p2sh: UInt32 = 1 << 0
    public static let strictEncoding: UInt32 = 1 << 1
    /// BIP66.
    public static let derSig: UInt32 = 1 << 2
    public static let lowS: UInt32 = 1 << 3
    /// BIP147.
    public static let nullDummy: UInt32 = 1 << 4
    public static let sigPushOnly: UInt32 = 1 << 5
    public static let minimalData: UInt32 = 1 << 6
    public static let discourageUpgradableNops: UInt32 = 1 << 7
    public static let cleanStack: UInt32 = 1 << 8
    /// BIP65.
    public static let checkLockTimeVerify: UInt32 = 1 << 9
    /// BIP112.
    public static let checkSequenceVerify: UInt32 = 1 << 10
    /// BIP141/143.
    public static let witness: UInt32 = 1 << 11
    public static let discourageUpgradableWitnessProgram: UInt32 = 1 << 12
    public static let minimalIf: UInt32 = 1 << 13
    public static let nullFail: UInt32 = 1 << 14
    public static let witnessPubkeyType: UInt32 = 1 << 15
    public static let constScriptCode: UInt32 = 1 << 16
    /// BIP341/342.
    public static let taproot: UInt32 = 1 << 17
}
