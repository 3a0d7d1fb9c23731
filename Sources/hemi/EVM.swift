import ArgumentParser

/// `hemi evm …`
struct EVMCommands: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evm",
        abstract: "Ethereum execution-layer tools.",
        discussion: "Conformance runners for the EVM and the transaction executor. Nothing here talks to the network.",
        subcommands: [StateTest.self, BlockTest.self, EVMRun.self, EVMBench.self, EVMBenchCall.self, EVMFuzz.self]
    )
}
