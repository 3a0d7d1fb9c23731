internal import Ethereum
public import L2Chain
public import PoP
internal import Primitives

/// `eth_subscribe` kinds (newHeads, logs, newPendingTransactions) and `kss_subscribe("newKeystones")`.
public enum EthSubscriptions {
    /// Registers the kinds on `hub`.
    public static func registerKinds(_ hub: SubscriptionHub) async {
        await hub.registerKind("newHeads")
        await hub.registerKind("newPendingTransactions")
        await hub.registerKind("logs") { (p: RPCParams) throws(RPCError) -> SubscriptionFilter? in
            guard let o = try p.optionalObject(0) else { return nil }
            let c = try LogCriteria(json: o)
            return { event in c.matches(json: event) ? event : nil }
        }
        await hub.registerKind("newKeystones", namespace: "kss")
    }

    /// The newHeads event of a block: its header fields and hash.
    public static func head(_ b: CommittedBlock) -> JSONValue {
        guard case .object(let o) = EthFormat.block(b.header, transactions: [], receipts: [], full: false) else { return .null }
        let drop: Set<String> = ["transactions", "uncles", "size", "withdrawals", "totalDifficulty"]
        return .object(JSONObject(o.filter { !drop.contains($0.0) }.map { ($0.0, $0.1) }))
    }

    /// Publishes a committed block's events.
    public static func publish(_ b: CommittedBlock, hub: SubscriptionHub, keystones: KeystoneStore) async {
        await hub.publish("newHeads", result: head(b))
        var logs: [JSONValue] = []
        for (i, r) in b.receipts.enumerated() {
            for (j, l) in r.receipt.logs.enumerated() {
                logs.append(EthFormat.log(l, block: b.header, txHash: r.transactionHash, txIndex: i, logIndex: r.firstLogIndex + UInt64(j)))
            }
        }
        if !logs.isEmpty { await hub.publish("logs", results: logs) }
        let n = b.header.header.number
        if n % L2Keystone.interval == 0, let k = try? keystones.keystone(atBlock: n) {
            await hub.publish("newKeystones", namespace: "kss", result: KssMethods.json(k))
        }
    }
}
