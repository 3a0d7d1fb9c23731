import ArgumentParser
import Foundation
import KVStore
import L2Chain

/// `hemi l2 export-blocktest`: a chain's blocks as a BlockchainTests fixture (ADR 0011).
struct L2ExportBlockTest: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export-blocktest",
        abstract: "Export L2 blocks as an ethereum/tests BlockchainTests fixture for `hemi evm blocktest`.",
        discussion: """
            Opens the chain in --datadir (stop the node first, or let it run: the export only reads) and \
            writes one fixture: block --from is the genesis (its state is `pre`), blocks --from+1 … --to are \
            `blocks`, the state after --to is `postState`. The network is `Hemi-<fork>` and `config` carries \
            the rollup parameters (docs/adr/0011), so `hemi evm blocktest` re-executes the blocks with its own \
            block executor, independent of the sequencer's block builder.
            """
    )

    @Option(help: "Chain directory of a Hemi node (e.g. a `hemi devnet --datadir`).") var datadir: String
    @Option(help: "Chain: devnet, testnet or mainnet (its chain id must match the store).") var chain = "devnet"
    @Option(help: "First block (the fixture's genesis); its state must still be available.") var from: UInt64 = 0
    @Option(help: "Last block (default: the head).") var to: UInt64?
    @Option(help: "Test name inside the fixture.") var name = "hemi_l2_blocks"
    @Option(name: .shortAndLong, help: "Output file (default: standard output).") var output: String?

    func run() throws {
        guard FileManager.default.fileExists(atPath: datadir + "/data.mdb") else {
            throw ValidationError("no chain store in \(datadir)")
        }
        let config: ChainConfig
        switch chain {
        case "devnet": config = .devnet(alloc: [:], genesisTimestamp: 0)
        case "testnet": config = .testnet()
        case "mainnet": config = .mainnet()
        default: throw ValidationError("--chain must be devnet, testnet or mainnet")
        }
        let l2 = try L2Chain(path: datadir, config: config, options: LMDBOptions(readOnly: true))
        let last = to ?? l2.snapshot.number
        let json = try l2.exportBlockchainTest(name: name, from: from, to: last)
        if let output {
            guard FileManager.default.createFile(atPath: output, contents: Data(json)) else {
                throw ValidationError("cannot write \(output)")
            }
            FileHandle.standardError.write(Data("exported blocks \(from + 1)…\(last) to \(output)\n".utf8))
        } else {
            FileHandle.standardOutput.write(Data(json))
        }
    }
}
