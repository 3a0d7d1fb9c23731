import EVM
import Ethereum
import Foundation
import L2Chain
import Node
import Primitives
import Sequencer

/// A fresh temporary directory for a chain store.
func makeTempDir(_ tag: String = "l2") -> String {
    let p = FileManager.default.temporaryDirectory.appendingPathComponent("hemi-\(tag)-\(UUID().uuidString)").path
    try? FileManager.default.createDirectory(atPath: p, withIntermediateDirectories: true)
    return p
}

let devAccounts = DevAccounts.derive(count: 4)
let ether = UInt256(1_000_000_000_000_000_000)

func devConfig(blockTime: UInt64 = 1) -> ChainConfig {
    var alloc: [Bytes20: GenesisAccount] = [:]
    for a in devAccounts { alloc[a.address] = GenesisAccount(balance: ether &* UInt256(10_000)) }
    return ChainConfig.devnet(alloc: alloc, blockTime: blockTime, genesisTimestamp: 1_700_000_000)
}

/// A deterministic clock for block production: starts after genesis, one second per call.
final class TestClock: @unchecked Sendable {
    let lock = NSLock()
    var t: UInt64 = 1_700_000_000
    func next() -> UInt64 {
        lock.lock()
        defer { lock.unlock() }
        t += 1
        return t
    }
}

func signedEIP1559(
    _ from: DevAccount, nonce: UInt64, to: Bytes20?, value: UInt256 = .zero, data: [UInt8] = [],
    gas: UInt64 = 21_000, maxFee: UInt256 = UInt256(10_000_000_000), tip: UInt256 = UInt256(1_000_000_000),
    chainID: UInt64 = 901
) -> Transaction {
    let t = Transaction.dynamicFee(
        DynamicFeeTransaction(
            chainID: UInt256(chainID), nonce: nonce, maxPriorityFeePerGas: tip, maxFeePerGas: maxFee, gasLimit: gas,
            to: to, value: value, data: data, accessList: [], signature: TransactionSignature(v: .zero, r: .zero, s: .zero)))
    return t.signed(privateKey: from.privateKey)!
}

func signedLegacy(_ from: DevAccount, nonce: UInt64, to: Bytes20?, value: UInt256 = .zero, gasPrice: UInt256 = UInt256(5_000_000_000)) -> Transaction {
    let t = Transaction.legacy(
        LegacyTransaction(
            nonce: nonce, gasPrice: gasPrice, gasLimit: 21_000, to: to, value: value, data: [],
            signature: TransactionSignature(v: .zero, r: .zero, s: .zero)))
    return t.signed(privateKey: from.privateKey, legacyChainID: UInt256(901))!
}

/// Runtime: stores calldata word 0 under key CALLER and emits LOG1(topic = CALLER, data = word).
let loggerRuntime: [UInt8] = [
    0x60, 0x00, 0x35, 0x33, 0x55, 0x60, 0x00, 0x35, 0x60, 0x00, 0x52, 0x33, 0x60, 0x20, 0x60, 0x00, 0xa1, 0x00,
]
/// Init code returning `loggerRuntime`.
let loggerInit: [UInt8] =
    [0x60, UInt8(loggerRuntime.count), 0x60, 0x0c, 0x60, 0x00, 0x39, 0x60, UInt8(loggerRuntime.count), 0x60, 0x00, 0xf3]
    + loggerRuntime
