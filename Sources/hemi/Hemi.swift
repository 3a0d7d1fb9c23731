import ArgumentParser

/// The `hemi` command-line tool.
@main
struct Hemi: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hemi",
        abstract: "Hemi node tools.",
        discussion: """
            With no subcommand: devnet (a local Hemi L2 with JSON-RPC). Subcommand groups: btc (the Bitcoin \
            node, its Electrum and tbc APIs, consensus checks on files, keystones), evm (Ethereum execution \
            conformance, benchmarks, fuzzing), l2 (L2 chain tools).
            """,
        subcommands: [Devnet.self, BTC.self, EVMCommands.self, L2Commands.self],
        defaultSubcommand: Devnet.self
    )
}

/// `hemi btc …`
struct BTC: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "btc",
        abstract: "The Bitcoin node (tbc) and Bitcoin consensus checks on files.",
        discussion: """
            `node` runs a validating Bitcoin node (P2P sync into LMDB, Hemi's indexes, optional Electrum and \
            tbc websocket APIs); `status` reads its state. The other commands are offline checks that follow \
            Bitcoin Core's consensus rules and never touch the network.
            """,
        subcommands: [
            VerifyHeaders.self, VerifyBlock.self, VerifyTx.self, BtcKeystones.self, BtcNode.self, BtcStatus.self, BtcMine.self, BtcDigest.self,
            BtcFuzzP2P.self, BtcBenchChain.self, BtcBenchLookup.self,
        ]
    )
}
