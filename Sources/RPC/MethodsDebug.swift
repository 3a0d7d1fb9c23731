internal import EVM
internal import Ethereum
internal import Execution
internal import L2Chain
internal import Primitives

/// Options of `debug_traceTransaction` (geth's `TraceConfig` with the struct logger's `Config`).
struct TraceOptions: Sendable {
    var disableStack = false
    var disableStorage = false
    var enableMemory = false
    var enableReturnData = false
    /// nil: the struct logger; otherwise "callTracer".
    var tracer: String?
    var onlyTopCall = false

    init(_ o: JSONObject?) throws(RPCError) {
        guard let o else { return }
        func flag(_ k: String) throws(RPCError) -> Bool {
            guard let v = o[k], !v.isNull else { return false }
            return try v.bool(k)
        }
        disableStack = try flag("disableStack")
        disableStorage = try flag("disableStorage")
        enableMemory = try flag("enableMemory")
        enableReturnData = try flag("enableReturnData")
        if let v = o["tracer"], !v.isNull {
            let name = try v.string("tracer")
            guard name == "callTracer" else {
                throw .invalidParams("tracer \(name) is not supported (only callTracer)")
            }
            tracer = name
        }
        if let c = o["tracerConfig"], !c.isNull {
            let co = try c.object("tracerConfig")
            if let v = co["onlyTopCall"], !v.isNull { onlyTopCall = try v.bool("onlyTopCall") }
        }
    }
}

extension EthAPI {
    /// Limits of the struct logger: entries and bytes of stack/memory/storage copies.
    static let maxStructLogs = 100_000
    static let maxStructLogBytes = 256 << 20

    /// Registers `debug_traceTransaction` (struct logger and `callTracer`).
    public func registerDebug(into r: inout RPCMethodRegistry) {
        let chain = self.chain
        r.register("debug_traceTransaction") { (p: RPCParams) async throws(RPCError) -> JSONValue in
            try p.expectCount(min: 1, max: 2)
            let hash = try p.hash(0)
            let options = try TraceOptions(try p.optionalObject(1))
            let result: Result<JSONValue, RPCError> = await onLargeStack {
                do throws(RPCError) {
                    return .success(try EthAPI.trace(chain: chain, hash: hash, options: options))
                } catch {
                    return .failure(error)
                }
            }
            return try result.get()
        }
    }

    static func trace(chain: L2Chain, hash: Bytes32, options: TraceOptions) throws(RPCError) -> JSONValue {
        if options.tracer == "callTracer" {
            let tracer = CallTracer(onlyTopCall: options.onlyTopCall)
            guard
                let replay = try rpc({ () throws(L2ChainError) in
                    try chain.replayTransaction(hash: hash, tracer: tracer)
                })
            else {
                throw .resourceNotFound("transaction \(hash.hex) not found")
            }
            guard var root = tracer.root else { throw .internalError("no call frame traced") }
            // geth reports the transaction's gas limit and gas used at the top.
            root.gas = Int64(clamping: replay.transaction.gasLimit)
            root.gasUsed = Int64(clamping: replay.receipt.gasUsed)
            return callFrameJSON(root)
        }
        let logger = StructLogger(
            config: .init(
                disableStack: options.disableStack, disableStorage: options.disableStorage,
                enableMemory: options.enableMemory, maxEntries: maxStructLogs, maxBytes: maxStructLogBytes))
        guard
            let replay = try rpc({ () throws(L2ChainError) in try chain.replayTransaction(hash: hash, tracer: logger) })
        else {
            throw .resourceNotFound("transaction \(hash.hex) not found")
        }
        if logger.truncated {
            throw .limitExceeded(
                "trace exceeds \(maxStructLogs) steps or \(maxStructLogBytes >> 20) MiB; use disableStack/disableStorage or the callTracer"
            )
        }
        let result = logger.result
        var out = JSONObject()
        out.append("gas", .int(replay.receipt.gasUsed))
        out.append("failed", .bool(!(result?.status.isSuccess ?? true)))
        out.append("returnValue", .data(result?.output ?? []))
        out.append("structLogs", .array(logger.entries.map(structLogJSON)))
        return .object(out)
    }

    /// One struct log in geth's legacy JSON: stack words as minimal 0x hex, memory as 32-byte words
    /// and storage as 32-byte keys and values in plain hex.
    static func structLogJSON(_ e: StructLogger.Entry) -> JSONValue {
        var o = JSONObject()
        o.append("pc", .int(e.pc))
        o.append("op", .string(opcodeName(e.op)))
        o.append("gas", .int(e.gas))
        o.append("gasCost", .int(e.gasCost))
        o.append("depth", .int(e.depth))
        if let err = e.error { o.append("error", .string(err)) }
        if let s = e.stack { o.append("stack", .array(s.map { .string($0.hexString) })) }
        if let m = e.memory, !m.isEmpty {
            var words: [JSONValue] = []
            words.reserveCapacity(m.count / 32)
            var i = 0
            while i + 32 <= m.count {
                words.append(.string(Hex.encode(m[i..<(i + 32)])))
                i += 32
            }
            o.append("memory", .array(words))
        }
        if let st = e.storage, !st.isEmpty {
            var so = JSONObject()
            for (k, v) in st.sorted(by: { $0.key < $1.key }) {
                so.append(Hex.encode(k.bigEndianBytes), .string(Hex.encode(v.bigEndianBytes)))
            }
            o.append("storage", .object(so))
        }
        return .object(o)
    }

    /// A `callTracer` frame in geth's JSON.
    static func callFrameJSON(_ f: CallTracer.Frame) -> JSONValue {
        var o = JSONObject()
        o.append("from", .data(f.from))
        o.append("gas", .quantity(UInt64(clamping: f.gas)))
        o.append("gasUsed", .quantity(UInt64(clamping: f.gasUsed)))
        if let to = f.to { o.append("to", .data(to)) }
        o.append("input", .data(f.input))
        if let out = f.output { o.append("output", .data(out)) }
        if let e = f.error { o.append("error", .string(e)) }
        // geth decodes Error(string) and Panic(uint256) (`abi.UnpackRevert`).
        let reason =
            f.error == "execution reverted" ? f.output.flatMap { RevertReason.decode($0) } ?? f.revertReason : nil
        if let r = reason { o.append("revertReason", .string(r)) }
        if !f.calls.isEmpty { o.append("calls", .array(f.calls.map(callFrameJSON))) }
        if let v = f.value { o.append("value", .quantity(v)) }
        o.append("type", .string(f.type))
        return .object(o)
    }
}
