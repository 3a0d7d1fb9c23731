import ArgumentParser

/// The `hemi` command-line tool.
@main
struct Hemi: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hemi",
        abstract: "Hemi node tools.",
        discussion: "With no subcommand: devnet (a local Hemi L2 with JSON-RPC). Subcommand groups: btc (Bitcoin consensus checks on files), evm (Ethereum execution conformance).",
        subcommands: [Devnet.self, BTC.self, EVMCommands.self, L2Commands.self],
        defaultSubcommand: Devnet.self
    )
}

/// `hemi btc …`
struct BTC: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "btc",
        abstract: "Bitcoin consensus checks on header and block files.",
        discussion: """
            Offline checks that follow Bitcoin Core's consensus rules. Nothing here talks to the network.
            """,
        subcommands: [
            VerifyHeaders.self, VerifyBlock.self, VerifyTx.self, BtcKeystones.self, BtcNode.self, BtcStatus.self,
            BtcFuzzP2P.self,
        ]
    )
}
