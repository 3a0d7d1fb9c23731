internal import EVM
internal import Ethereum
internal import Foundation
internal import L2Chain
internal import Primitives

/// Runs `body` on a new thread with a large stack (EVM recursion, ADR 0004) and resumes the
/// caller when it finishes, so the cooperative pool is not blocked by EVM work.
func onLargeStack<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T {
    await withCheckedContinuation { (c: CheckedContinuation<T, Never>) in
        let t = Thread { c.resume(returning: body()) }
        t.stackSize = 256 << 20
        t.start()
    }
}

/// Maps chain-store errors to JSON-RPC errors (never echoing internals for storage failures).
func rpc<T>(_ body: () throws(L2ChainError) -> T) throws(RPCError) -> T {
    do { return try body() } catch {
        switch error {
        case .historyPruned(let r, let o):
            throw .invalidInput("historical state for block \(r) is not available (oldest \(o))")
        case .notFound(let s): throw .resourceNotFound(s)
        default: throw .internalError("internal error")
        }
    }
}

/// Log filter criteria (`eth_getLogs`, `eth_newFilter`, `eth_subscribe("logs")`).
struct LogCriteria: Sendable {
    var addresses: [Bytes20] = []
    /// Per position: nil = any; otherwise one of the listed topics.
    var topics: [[Bytes32]?] = []

    static let maxAddresses = 1000
    static let maxTopicAlternatives = 1000

    init() {}

    /// Parses `address` and `topics` of a filter object.
    init(json o: JSONObject) throws(RPCError) {
        if let a = o["address"], !a.isNull {
            if case .array(let list) = a {
                guard list.count <= Self.maxAddresses else { throw .limitExceeded("too many addresses") }
                for x in list { addresses.append(try x.address("address")) }
            } else {
                addresses = [try a.address("address")]
            }
        }
        if let t = o["topics"], !t.isNull {
            let list = try t.array("topics")
            guard list.count <= 4 else { throw .invalidParams("topics: at most 4 positions") }
            for (i, pos) in list.enumerated() {
                switch pos {
                case .null: topics.append(nil)
                case .array(let alts):
                    guard alts.count <= Self.maxTopicAlternatives else { throw .limitExceeded("too many topics") }
                    var hs: [Bytes32] = []
                    for x in alts where !x.isNull { hs.append(try x.hash("topics[\(i)]")) }
                    topics.append(hs.isEmpty ? nil : hs)
                default: topics.append([try pos.hash("topics[\(i)]")])
                }
            }
        }
    }

    func matches(_ l: Ethereum.Log) -> Bool {
        if !addresses.isEmpty && !addresses.contains(l.address) { return false }
        for (i, pos) in topics.enumerated() {
            guard let pos else { continue }
            guard i < l.topics.count, pos.contains(l.topics[i]) else { return false }
        }
        return true
    }

    /// Whether a block with `bloom` may hold a matching log.
    func mayMatch(_ bloom: Bloom) -> Bool {
        if !addresses.isEmpty && !addresses.contains(where: { bloom.mightContain($0.bytes) }) { return false }
        for pos in topics {
            guard let pos else { continue }
            if !pos.contains(where: { bloom.mightContain($0.bytes) }) { return false }
        }
        return true
    }

    /// Matching against a log already in JSON form (subscriptions).
    func matches(json: JSONValue) -> Bool {
        guard case .string(let a) = json["address"] ?? .null, let addr = Bytes20(hex: a.dropFirst(2)) else { return false }
        var topics: [Bytes32] = []
        if case .array(let ts) = json["topics"] ?? .null {
            for t in ts { if case .string(let s) = t, let h = Bytes32(hex: s.dropFirst(2)) { topics.append(h) } }
        }
        return matches(Ethereum.Log(address: addr, topics: topics, data: []))
    }
}

/// Parses a `GenericTransaction` call object.
func parseCallRequest(_ o: JSONObject) throws(RPCError) -> CallRequest {
    var r = CallRequest()
    if let v = o["from"], !v.isNull { r.from = try v.address("from") }
    if let v = o["to"], !v.isNull { r.to = try v.address("to") }
    if let v = o["gas"], !v.isNull { r.gas = try v.uint64("gas") }
    if let v = o["gasPrice"], !v.isNull { r.gasPrice = try v.quantity("gasPrice") }
    if let v = o["maxFeePerGas"], !v.isNull { r.maxFeePerGas = try v.quantity("maxFeePerGas") }
    if let v = o["maxPriorityFeePerGas"], !v.isNull { r.maxPriorityFeePerGas = try v.quantity("maxPriorityFeePerGas") }
    if r.gasPrice != nil && (r.maxFeePerGas != nil || r.maxPriorityFeePerGas != nil) {
        throw .invalidParams("both gasPrice and (maxFeePerGas or maxPriorityFeePerGas) specified")
    }
    if let v = o["value"], !v.isNull { r.value = try v.quantity("value") }
    let input = o["input"].flatMap { $0.isNull ? nil : $0 }
    let data = o["data"].flatMap { $0.isNull ? nil : $0 }
    if let input, let data, input != data {
        throw .invalidParams("both \"data\" and \"input\" are set and not equal. Please use \"input\" to pass transaction call data")
    }
    if let v = input ?? data { r.data = try v.data("input") }
    if let v = o["accessList"], !v.isNull {
        for e in try v.array("accessList") {
            let eo = try e.object("accessList")
            guard let a = eo["address"] else { throw .invalidParams("accessList: address missing") }
            var keys: [Bytes32] = []
            if let ks = eo["storageKeys"], !ks.isNull { for k in try ks.array("storageKeys") { keys.append(try k.hash("storageKeys")) } }
            r.accessList.append(AccessListEntry(address: try a.address("accessList.address"), storageKeys: keys))
        }
    }
    return r
}

/// Parses an `eth_call` state override set.
func parseOverrides(_ o: JSONObject) throws(RPCError) -> [(Bytes20, AccountOverride)] {
    var out: [(Bytes20, AccountOverride)] = []
    guard o.count <= 1000 else { throw .limitExceeded("too many state overrides") }
    for (k, v) in o {
        guard let a = Bytes20(hex: k.hasPrefix("0x") ? String(k.dropFirst(2)) : k) else {
            throw .invalidParams("state override: bad address \(k)")
        }
        let ov = try v.object("state override")
        var x = AccountOverride()
        if let b = ov["balance"], !b.isNull { x.balance = try b.quantity("balance") }
        if let n = ov["nonce"], !n.isNull { x.nonce = try n.uint64("nonce") }
        if let c = ov["code"], !c.isNull { x.code = try c.data("code") }
        func slots(_ j: JSONValue, _ name: String) throws(RPCError) -> [UInt256: UInt256] {
            var m: [UInt256: UInt256] = [:]
            for (sk, sv) in try j.object(name) {
                guard let key = Bytes32(hex: sk.dropFirst(2)) else { throw .invalidParams("\(name): bad slot \(sk)") }
                let val = try sv.hash(name)
                m[UInt256(bigEndian: key.bytes) ?? .zero] = UInt256(bigEndian: val.bytes) ?? .zero
            }
            return m
        }
        if let s = ov["state"], !s.isNull { x.state = try slots(s, "state") }
        if let s = ov["stateDiff"], !s.isNull { x.stateDiff = try slots(s, "stateDiff") }
        if x.state != nil && x.stateDiff != nil { throw .invalidParams("account \(k) has both 'state' and 'stateDiff'") }
        out.append((a, x))
    }
    return out
}
