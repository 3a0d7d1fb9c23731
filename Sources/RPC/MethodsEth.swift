internal import EVM
internal import Ethereum
internal import L2Chain
internal import Sequencer
internal import Primitives

extension EthAPI {
    /// Registers the `eth_` methods (`eth_chainId` comes with `registerStandardMethods`).
    public func register(into r: inout RPCMethodRegistry) {
        let api = self
        let chain = self.chain
        let pool = self.pool
        registerDebug(into: &r)

        r.register("eth_blockNumber") { (p: RPCParams) async throws(RPCError) -> JSONValue in
            try p.expectCount(max: 0)
            return .quantity(chain.snapshot.number)
        }
        r.register("eth_syncing") { (p: RPCParams) async throws(RPCError) -> JSONValue in
            try p.expectCount(max: 0)
            return .bool(false)
        }
        r.register("eth_accounts") { (p: RPCParams) async throws(RPCError) -> JSONValue in
            try p.expectCount(max: 0)
            return .array([])
        }
        r.register("eth_gasPrice") { (p: RPCParams) async throws(RPCError) -> JSONValue in
            try p.expectCount(max: 0)
            return .quantity(api.nextBaseFee &+ EthAPI.suggestedTip)
        }
        r.register("eth_maxPriorityFeePerGas") { (p: RPCParams) async throws(RPCError) -> JSONValue in
            try p.expectCount(max: 0)
            return .quantity(EthAPI.suggestedTip)
        }
        r.register("eth_blobBaseFee") { (p: RPCParams) async throws(RPCError) -> JSONValue in
            try p.expectCount(max: 0)
            return .quantity(UInt64(1))
        }

        // MARK: state
        r.register("eth_getBalance") { (p: RPCParams) async throws(RPCError) -> JSONValue in
            try p.expectCount(min: 1, max: 2)
            let a = try p.address(0)
            let (acc, _) = try api.state(try p.optionalBlockTag(1) ?? .latest)
            return .quantity(acc[a]?.balance ?? .zero)
        }
        r.register("eth_getCode") { (p: RPCParams) async throws(RPCError) -> JSONValue in
            try p.expectCount(min: 1, max: 2)
            let a = try p.address(0)
            let (acc, _) = try api.state(try p.optionalBlockTag(1) ?? .latest)
            return .data(acc[a]?.code ?? [])
        }
        r.register("eth_getStorageAt") { (p: RPCParams) async throws(RPCError) -> JSONValue in
            try p.expectCount(min: 2, max: 3)
            let a = try p.address(0)
            let slot = try p.quantity(1)
            let (acc, _) = try api.state(try p.optionalBlockTag(2) ?? .latest)
            return .data((acc[a]?.storage[slot] ?? .zero).bigEndianBytes)
        }
        r.register("eth_getTransactionCount") { (p: RPCParams) async throws(RPCError) -> JSONValue in
            try p.expectCount(min: 1, max: 2)
            let a = try p.address(0)
            let tag = try p.optionalBlockTag(1) ?? .latest
            let (acc, _) = try api.state(tag)
            let n = acc[a]?.nonce ?? 0
            if tag == .pending { return .quantity(pool.pendingNonce(sender: a, stateNonce: n)) }
            return .quantity(n)
        }

        // MARK: blocks
        r.register("eth_getBlockByNumber") { (p: RPCParams) async throws(RPCError) -> JSONValue in
            try p.expectCount(min: 2, max: 2)
            // Every argument is type-checked before the lookup (geth: -32602 even for an unknown block).
            let tag = try p.blockTag(0)
            let full = try p.bool(1)
            guard let n = try api.number(tag) else { return .null }
            return try api.blockJSON(n, full: full)
        }
        r.register("eth_getBlockByHash") { (p: RPCParams) async throws(RPCError) -> JSONValue in
            try p.expectCount(min: 2, max: 2)
            let h = try p.hash(0)
            let full = try p.bool(1)
            guard let n = try rpc({ () throws(L2ChainError) in try chain.number(ofBlock: h) }) else { return .null }
            return try api.blockJSON(n, full: full)
        }
        r.register("eth_getBlockTransactionCountByNumber") { (p: RPCParams) async throws(RPCError) -> JSONValue in
            try p.expectCount(min: 1, max: 1)
            guard let n = try api.number(try p.blockTag(0)),
                let txs = try rpc({ () throws(L2ChainError) in try chain.transactions(number: n) })
            else { return .null }
            return .quantity(UInt64(txs.count))
        }
        r.register("eth_getBlockTransactionCountByHash") { (p: RPCParams) async throws(RPCError) -> JSONValue in
            try p.expectCount(min: 1, max: 1)
            let h = try p.hash(0)
            guard let n = try rpc({ () throws(L2ChainError) in try chain.number(ofBlock: h) }),
                let txs = try rpc({ () throws(L2ChainError) in try chain.transactions(number: n) })
            else { return .null }
            return .quantity(UInt64(txs.count))
        }
        r.register("eth_getBlockReceipts") { (p: RPCParams) async throws(RPCError) -> JSONValue in
            try p.expectCount(min: 1, max: 1)
            guard let n = try api.number(try p.blockTag(0)) else { return .null }
            return try rpc { () throws(L2ChainError) -> JSONValue in
                guard let h = try chain.header(number: n), let txs = try chain.transactions(number: n),
                    let rs = try chain.receipts(number: n)
                else { return .null }
                return .array(zip(txs, rs).enumerated().map { EthFormat.receipt($1.1, tx: $1.0, block: h, index: $0) })
            }
        }
        r.register("eth_getUncleCountByBlockNumber") { (p: RPCParams) async throws(RPCError) -> JSONValue in
            try p.expectCount(min: 1, max: 1)
            return try api.number(try p.blockTag(0)) == nil ? .null : .quantity(UInt64(0))
        }

        // MARK: transactions
        r.register("eth_getTransactionByHash") { (p: RPCParams) async throws(RPCError) -> JSONValue in
            try p.expectCount(min: 1, max: 1)
            return try api.transactionJSON(hash: try p.hash(0))
        }
        r.register("eth_getTransactionReceipt") { (p: RPCParams) async throws(RPCError) -> JSONValue in
            try p.expectCount(min: 1, max: 1)
            return try api.receiptJSON(hash: try p.hash(0))
        }
        r.register("eth_getTransactionByBlockNumberAndIndex") { (p: RPCParams) async throws(RPCError) -> JSONValue in
            try p.expectCount(min: 2, max: 2)
            let tag = try p.blockTag(0)
            let i = try p.uint64(1)
            guard let n = try api.number(tag) else { return .null }
            guard let rs = try rpc({ () throws(L2ChainError) in try chain.receipts(number: n) }), i < UInt64(rs.count) else {
                return .null
            }
            return try api.transactionJSON(hash: rs[Int(i)].transactionHash)
        }
        r.register("eth_getTransactionByBlockHashAndIndex") { (p: RPCParams) async throws(RPCError) -> JSONValue in
            try p.expectCount(min: 2, max: 2)
            let h = try p.hash(0)
            let i = try p.uint64(1)
            guard let n = try rpc({ () throws(L2ChainError) in try chain.number(ofBlock: h) }) else { return .null }
            guard let rs = try rpc({ () throws(L2ChainError) in try chain.receipts(number: n) }), i < UInt64(rs.count) else {
                return .null
            }
            return try api.transactionJSON(hash: rs[Int(i)].transactionHash)
        }
        r.register("eth_sendRawTransaction") { (p: RPCParams) async throws(RPCError) -> JSONValue in
            try p.expectCount(min: 1, max: 1)
            let raw = try p.data(0)
            return .data(try api.admit(raw))
        }
        r.register("eth_sendTransaction") { (_: RPCParams) async throws(RPCError) -> JSONValue in
            throw .methodNotSupported("eth_sendTransaction: the node holds no keys; sign locally and use eth_sendRawTransaction")
        }
        r.register("eth_sign") { (_: RPCParams) async throws(RPCError) -> JSONValue in
            throw .methodNotSupported("eth_sign: the node holds no keys")
        }

        // MARK: execution
        r.register("eth_call") { (p: RPCParams) async throws(RPCError) -> JSONValue in
            try p.expectCount(min: 1, max: 3)
            var req = try parseCallRequest(try p.object(0))
            let tag = try p.optionalBlockTag(1) ?? .latest
            let overrides = try p.optionalObject(2).map { o throws(RPCError) in try parseOverrides(o) } ?? []
            let (accounts0, header) = try api.state(tag)
            var accounts = accounts0
            for (a, o) in overrides { o.apply(to: &accounts, address: a) }
            let gas = Swift.min(req.gas ?? header.header.gasLimit, 50_000_000)
            req.gas = gas
            let ctx = api.context(header)
            let config = chain.config
            let frozen = accounts
            let request = req
            let hashes = chain.blockHashes
            let result = await onLargeStack {
                CallExecutor.call(request, gasLimit: gas, accounts: frozen, context: ctx, config: config, blockHashes: hashes)
            }
            switch result {
            case .failure(let e): throw .invalidInput(e.description)
            case .success(let o):
                switch o.status {
                case .success: return .data(o.output)
                case .revert: throw RPCError.executionReverted(output: o.output)
                case .halt(let h): throw .invalidInput(EthAPI.haltMessage(h))
                }
            }
        }
        r.register("eth_estimateGas") { (p: RPCParams) async throws(RPCError) -> JSONValue in
            try p.expectCount(min: 1, max: 3)
            let req = try parseCallRequest(try p.object(0))
            let tag = try p.optionalBlockTag(1) ?? .latest
            let overrides = try p.optionalObject(2).map { o throws(RPCError) in try parseOverrides(o) } ?? []
            let (accounts0, header) = try api.state(tag)
            var accounts = accounts0
            for (a, o) in overrides { o.apply(to: &accounts, address: a) }
            let ctx = api.context(header)
            let config = chain.config
            let frozen = accounts
            let cap = header.header.gasLimit
            let hashes = chain.blockHashes
            let result = await onLargeStack {
                CallExecutor.estimateGas(req, cap: cap, accounts: frozen, context: ctx, config: config, blockHashes: hashes)
            }
            switch result {
            case .success(let g): return .quantity(g)
            case .failure(.failed(let reverted, let output, _)):
                if reverted { throw RPCError.executionReverted(output: output) }
                throw .invalidInput("gas required exceeds allowance (\(cap))")
            case .failure(let e): throw .invalidInput(e.description)
            }
        }

        // MARK: logs and filters
        r.register("eth_getLogs") { (p: RPCParams) async throws(RPCError) -> JSONValue in
            try p.expectCount(min: 1, max: 1)
            return .array(try api.logs(filter: try p.object(0)))
        }
        r.register("eth_newFilter") { (p: RPCParams) async throws(RPCError) -> JSONValue in
            try p.expectCount(min: 1, max: 1)
            let o = try p.object(0)
            let criteria = try LogCriteria(json: o)
            let head = chain.snapshot.number
            var start = head
            if let fb = o["fromBlock"], !fb.isNull, let n = try api.number(try fb.blockTag("fromBlock")) {
                start = n == 0 ? 0 : n - 1
            }
            let id = try api.filters.install(.logs(criteria, fromBlock: o["fromBlock"], toBlock: o["toBlock"]), head: start)
            return .string(id)
        }
        r.register("eth_newBlockFilter") { (p: RPCParams) async throws(RPCError) -> JSONValue in
            try p.expectCount(max: 0)
            return .string(try api.filters.install(.blocks, head: chain.snapshot.number))
        }
        r.register("eth_newPendingTransactionFilter") { (p: RPCParams) async throws(RPCError) -> JSONValue in
            try p.expectCount(max: 1)
            return .string(try api.filters.install(.pending, head: chain.snapshot.number))
        }
        r.register("eth_uninstallFilter") { (p: RPCParams) async throws(RPCError) -> JSONValue in
            try p.expectCount(min: 1, max: 1)
            return .bool(api.filters.uninstall(try p.string(0)))
        }
        r.register("eth_getFilterChanges") { (p: RPCParams) async throws(RPCError) -> JSONValue in
            try p.expectCount(min: 1, max: 1)
            let head = chain.snapshot.number
            guard let (kind, from, pending) = api.filters.poll(try p.string(0), head: head) else {
                throw .invalidInput("filter not found")
            }
            switch kind {
            case .pending: return .array(pending.map { .data($0) })
            case .blocks:
                guard from <= head else { return .array([]) }
                var out: [JSONValue] = []
                for n in from...head {
                    if let h = try rpc({ () throws(L2ChainError) in try chain.header(number: n) }) { out.append(.data(h.hash)) }
                }
                return .array(out)
            case .logs(let c, _, let toBlock):
                var to = head
                if let tb = toBlock, !tb.isNull, let n = try api.number(try tb.blockTag("toBlock")) { to = Swift.min(n, head) }
                guard from <= to else { return .array([]) }
                return .array(try api.logs(from: Swift.max(from, to >= EthAPI.maxLogRange ? to - EthAPI.maxLogRange + 1 : 0), to: to, criteria: c))
            }
        }
        r.register("eth_getFilterLogs") { (p: RPCParams) async throws(RPCError) -> JSONValue in
            try p.expectCount(min: 1, max: 1)
            guard let kind = api.filters.kind(try p.string(0)) else { throw .invalidInput("filter not found") }
            guard case .logs(_, let fb, let tb) = kind else { throw .invalidInput("filter not found") }
            var o = JSONObject()
            if let fb { o.append("fromBlock", fb) }
            if let tb { o.append("toBlock", tb) }
            if case .logs(let c, _, _) = kind {
                let head = chain.snapshot.number
                let f = try fb.flatMap { $0.isNull ? nil : $0 }.map { v throws(RPCError) in try v.blockTag("fromBlock") }.flatMap { t throws(RPCError) in try api.number(t) } ?? head
                let t = try tb.flatMap { $0.isNull ? nil : $0 }.map { v throws(RPCError) in try v.blockTag("toBlock") }.flatMap { t throws(RPCError) in try api.number(t) } ?? head
                return .array(try api.logs(from: f, to: Swift.min(t, head), criteria: c))
            }
            return .array([])
        }

        // MARK: fees
        r.register("eth_feeHistory") { (p: RPCParams) async throws(RPCError) -> JSONValue in
            try p.expectCount(min: 2, max: 3)
            let count = try p.uint64(0)
            let newestTag = try p.blockTag(1)
            var percentiles: [Double] = []
            if p.isPresent(2) {
                let arr = try p.array(2)
                guard arr.count <= 100 else { throw .limitExceeded("too many reward percentiles") }
                for v in arr {
                    guard let d = v.doubleValue, d >= 0, d <= 100, d >= (percentiles.last ?? 0) else {
                        throw .invalidParams("invalid reward percentile")
                    }
                    percentiles.append(d)
                }
            }
            guard let newest = try api.number(newestTag) else { throw .invalidInput("header not found") }
            if count == 0 { return ["oldestBlock": .quantity(UInt64(0)), "baseFeePerGas": [], "gasUsedRatio": []] }
            return try api.feeHistory(count: count, newest: newest, percentiles: percentiles)
        }
    }

    func admit(_ raw: [UInt8]) throws(RPCError) -> Bytes32 {
        do { return try pool.add(raw: raw) } catch { throw EthAPI.poolError(error) }
    }

    static func haltMessage(_ h: HaltReason) -> String {
        switch h {
        case .outOfGas: return "out of gas"
        case .badJumpDestination: return "invalid jump destination"
        case .stackUnderflow: return "stack underflow"
        case .stackOverflow: return "stack limit reached 1024"
        default: return "execution halted: \(h)"
        }
    }
}
