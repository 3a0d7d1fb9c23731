import ArgumentParser

/// The `hemi` command-line tool.
@main
struct Hemi: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hemi",
        abstract: "Hemi node tools.",
        discussion: "Subcommand groups: btc (Bitcoin consensus checks on files), evm (Ethereum execution conformance).",
        subcommands: [BTC.self, EVMCommands.self, L2Commands.self]
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
        subcommands: [VerifyHeaders.self, VerifyBlock.self, VerifyTx.self]
    )
}
