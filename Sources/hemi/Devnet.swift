import ArgumentParser
import Foundation
import KVStore
import L2Chain
import Node
import Primitives

/// `hemi devnet`: a single-sequencer Hemi L2 with prefunded development accounts and JSON-RPC.
struct Devnet: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "devnet",
        abstract: "Run a local Hemi L2 development chain with JSON-RPC on HTTP and WebSocket.",
        discussion: """
            Chain id 901. Ten accounts from the test mnemonic are prefunded and printed with their private
            keys (never use them on a real network). State is kept in --datadir and resumed on restart;
            --ephemeral uses a temporary directory that is removed at exit. Stop with Ctrl-C.
            """
    )

    @Option(help: "Chain directory (default ~/.hemi/devnet).") var datadir: String?
    @Flag(help: "Use a temporary directory, deleted at exit.") var ephemeral = false
    @Option(help: "Listen address.") var host = "127.0.0.1"
    @Option(help: "JSON-RPC port (HTTP and WebSocket).") var port = 8545
    @Option(help: "Seconds between blocks; 0 = one block per transaction.") var blockTime: UInt64 = 1
    @Option(help: "Number of development accounts.") var accounts = 10
    @Option(help: "Balance of each account in ether.") var balance: UInt64 = 10_000

    func run() async throws {
        let dir: String
        if ephemeral {
            dir = FileManager.default.temporaryDirectory.appendingPathComponent("hemi-devnet-\(UUID().uuidString)").path
        } else {
            dir = datadir ?? (NSHomeDirectory() + "/.hemi/devnet")
        }
        defer { if ephemeral { try? FileManager.default.removeItem(atPath: dir) } }
        let node = try DevnetNode(
            options: DevnetOptions(
                datadir: dir, ephemeral: ephemeral, host: host, port: port, blockTime: blockTime,
                accounts: accounts, balanceEther: balance))
        var out = "hemi devnet — chain id \(node.chain.config.chainID), block time \(blockTime == 0 ? "per transaction" : "\(blockTime) s")\n"
        out += "datadir \(ephemeral ? "(ephemeral) " : "")\(dir); head block \(node.chain.snapshot.number)\n\n"
        out += "Accounts (\(balance) ETH each; mnemonic \"\(DevAccounts.mnemonic)\"):\n"
        for (i, a) in node.accounts.enumerated() {
            out += "(\(i)) \(a.address.checksumHex)  private key 0x\(Hex.encode(a.privateKey))\n"
        }
        print(out, terminator: "")
        fflush(nil)
        let host = self.host
        try await node.run(onListening: { p in
            print("\nJSON-RPC listening on http://\(host):\(p) and ws://\(host):\(p)")
            fflush(nil)
        })
        print("stopped at block \(node.chain.snapshot.number)")
    }
}
