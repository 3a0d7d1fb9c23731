internal import EVM
internal import Ethereum
public import Execution
internal import Foundation
internal import Primitives

extension ChainConfig {
    /// The rollup rules this chain's blocks follow, for the independent re-execution of exported
    /// blocks by `BlockExecutor` (ADR 0011): the chain's EIP-1559 parameters and Ecotone L1 fee
    /// parameters, the base fee burnt (the Hemi devnet pays only the priority fee to the
    /// coinbase), Canyon deposit receipts.
    public var rollupRules: RollupRules {
        RollupRules(
            chainID: UInt256(chainID), elasticityMultiplier: elasticityMultiplier,
            baseFeeChangeDenominator: baseFeeChangeDenominator, l1BaseFee: l1BaseFee, l1BlobBaseFee: l1BlobBaseFee,
            baseFeeScalar: baseFeeScalar, blobBaseFeeScalar: blobBaseFeeScalar, l1FeeRecipient: ChainConfig.l1FeeVault,
            baseFeeRecipient: nil, depositReceiptVersion: 1)
    }

    /// The fixture network name of this chain's rules: `Hemi-<fork>` (e.g. `Hemi-Cancun`).
    public var blockchainTestNetwork: String { BlockchainTestRunner.hemiNetworkPrefix + fork.description }
}

extension L2Chain {
    /// Exports blocks `from + 1 … to` as one ethereum/tests BlockchainTests fixture named `name`
    /// (format: `reference/ethereum-test-suites-and-peers.md` §1.4): block `from` is the fixture's
    /// genesis (`genesisBlockHeader`, `genesisRLP`), its post-state the `pre` allocation, each later
    /// block's RLP one entry of `blocks`, the post-state of `to` the `postState`, and `network`/
    /// `config` name the rollup rules (ADR 0011). Returns the JSON document `{name: fixture}`.
    ///
    /// `from` must still have its historical state (`oldestStateAvailable`).
    public func exportBlockchainTest(name: String, from: UInt64, to: UInt64) throws(L2ChainError) -> [UInt8] {
        guard from < to else { throw .notFound("block range \(from)…\(to) is empty") }
        guard to <= snapshot.number else { throw .notFound("block \(to) is above the head \(snapshot.number)") }
        guard let pre = try accounts(atBlock: from), let post = try accounts(atBlock: to) else {
            throw .notFound("state of blocks \(from)/\(to)")
        }
        func block(_ n: UInt64) throws(L2ChainError) -> (SealedBlockHeader, [UInt8]) {
            guard let h = try header(number: n), let txs = try transactions(number: n) else {
                throw .notFound("block \(n)")
            }
            return (h, Block(header: h.header, transactions: txs, withdrawals: []).encoded())
        }
        let (genesis, genesisRLP) = try block(from)
        var blocks: [[String: Any]] = []
        var last = genesis
        for n in (from + 1)...to {
            let (h, rlp) = try block(n)
            blocks.append(["rlp": "0x" + rlp.hex, "blockHeader": Self.headerJSON(h)])
            last = h
        }
        let c = config
        let rules = c.rollupRules
        let fixture: [String: Any] = [
            "_info": [
                "comment":
                    "Hemi L2 blocks \(from + 1)…\(to) of chain \(c.chainID) (\(c.name)), exported by hemi l2 export-blocktest; rules: docs/adr/0011"
            ],
            "network": c.blockchainTestNetwork,
            "config": [
                "network": c.blockchainTestNetwork,
                "chainid": UInt256(c.chainID).hexString,
                "elasticityMultiplier": UInt256(rules.elasticityMultiplier).hexString,
                "baseFeeChangeDenominator": UInt256(rules.baseFeeChangeDenominator).hexString,
                "l1BaseFee": rules.l1BaseFee.hexString,
                "l1BlobBaseFee": rules.l1BlobBaseFee.hexString,
                "baseFeeScalar": UInt256(UInt64(rules.baseFeeScalar)).hexString,
                "blobBaseFeeScalar": UInt256(UInt64(rules.blobBaseFeeScalar)).hexString,
                "l1FeeRecipient": "0x" + rules.l1FeeRecipient.hex,
                "baseFeeRecipient": rules.baseFeeRecipient.map { "0x" + $0.hex } as Any? ?? NSNull(),
                "depositReceiptVersion": rules.depositReceiptVersion.map { UInt256($0).hexString } as Any? ?? NSNull(),
            ] as [String: Any],
            "genesisBlockHeader": Self.headerJSON(genesis),
            "genesisRLP": "0x" + genesisRLP.hex,
            "pre": Self.allocJSON(pre),
            "blocks": blocks,
            "postState": Self.allocJSON(post),
            "lastblockhash": "0x" + last.hash.hex,
            "sealEngine": "NoProof",
        ]
        do {
            let data = try JSONSerialization.data(
                withJSONObject: [name: fixture], options: [.sortedKeys, .prettyPrinted])
            return [UInt8](data)
        } catch {
            throw .storage("JSON: \(error)")
        }
    }

    static func headerJSON(_ s: SealedBlockHeader) -> [String: Any] {
        let h = s.header
        var o: [String: Any] = [
            "parentHash": "0x" + h.parentHash.hex, "uncleHash": "0x" + h.ommersHash.hex,
            "coinbase": "0x" + h.coinbase.hex, "stateRoot": "0x" + h.stateRoot.hex,
            "transactionsTrie": "0x" + h.transactionsRoot.hex, "receiptTrie": "0x" + h.receiptsRoot.hex,
            "bloom": "0x" + h.logsBloom.bytes.hex, "difficulty": h.difficulty.hexString,
            "number": UInt256(h.number).hexString, "gasLimit": UInt256(h.gasLimit).hexString,
            "gasUsed": UInt256(h.gasUsed).hexString, "timestamp": UInt256(h.timestamp).hexString,
            "extraData": "0x" + h.extraData.hex, "mixHash": "0x" + h.mixHash.hex,
            "nonce": "0x" + UInt256(h.nonce).bigEndianBytes.suffix(8).hex, "hash": "0x" + s.hash.hex,
        ]
        if let v = h.baseFeePerGas { o["baseFeePerGas"] = v.hexString }
        if let v = h.withdrawalsRoot { o["withdrawalsRoot"] = "0x" + v.hex }
        if let v = h.blobGasUsed { o["blobGasUsed"] = UInt256(v).hexString }
        if let v = h.excessBlobGas { o["excessBlobGas"] = UInt256(v).hexString }
        if let v = h.parentBeaconBlockRoot { o["parentBeaconBlockRoot"] = "0x" + v.hex }
        if let v = h.requestsHash { o["requestsHash"] = "0x" + v.hex }
        return o
    }

    static func allocJSON(_ accounts: [EVMAddress: Account]) -> [String: Any] {
        var out: [String: Any] = [:]
        for (a, acct) in accounts {
            var storage: [String: String] = [:]
            for (k, v) in acct.storage where !v.isZero { storage[k.hexString] = v.hexString }
            out["0x" + a.hex] =
                [
                    "balance": acct.balance.hexString, "nonce": UInt256(acct.nonce).hexString,
                    "code": "0x" + acct.code.hex,
                    "storage": storage,
                ] as [String: Any]
        }
        return out
    }
}
