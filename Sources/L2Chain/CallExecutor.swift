public import EVM
public import Ethereum
internal import Execution
internal import Precompiles
public import Primitives

/// An `eth_call` / `eth_estimateGas` request (execution-apis `GenericTransaction`).
public struct CallRequest: Sendable {
    public var from: Bytes20?
    public var to: Bytes20?
    public var gas: UInt64?
    public var gasPrice: UInt256?
    public var maxFeePerGas: UInt256?
    public var maxPriorityFeePerGas: UInt256?
    public var value: UInt256
    public var data: [UInt8]
    public var accessList: [AccessListEntry]

    public init(
        from: Bytes20? = nil, to: Bytes20? = nil, gas: UInt64? = nil, gasPrice: UInt256? = nil,
        maxFeePerGas: UInt256? = nil, maxPriorityFeePerGas: UInt256? = nil, value: UInt256 = .zero, data: [UInt8] = [],
        accessList: [AccessListEntry] = []
    ) {
        self.from = from
        self.to = to
        self.gas = gas
        self.gasPrice = gasPrice
        self.maxFeePerGas = maxFeePerGas
        self.maxPriorityFeePerGas = maxPriorityFeePerGas
        self.value = value
        self.data = data
        self.accessList = accessList
    }

    /// The price the sender would pay at `baseFee` (zero when no price is given, as geth's eth_call).
    func price(baseFee: UInt256) -> UInt256 {
        if let p = gasPrice { return p }
        guard let cap = maxFeePerGas else { return .zero }
        let tip = maxPriorityFeePerGas ?? .zero
        let withTip = baseFee &+ tip
        return withTip < cap ? withTip : cap
    }
}

/// A per-account state override of `eth_call` (geth's `StateOverride`): `state` replaces the
/// whole storage, `stateDiff` patches slots.
public struct AccountOverride: Sendable {
    public var balance: UInt256?
    public var nonce: UInt64?
    public var code: [UInt8]?
    public var state: [UInt256: UInt256]?
    public var stateDiff: [UInt256: UInt256]?

    public init(
        balance: UInt256? = nil, nonce: UInt64? = nil, code: [UInt8]? = nil, state: [UInt256: UInt256]? = nil,
        stateDiff: [UInt256: UInt256]? = nil
    ) {
        self.balance = balance
        self.nonce = nonce
        self.code = code
        self.state = state
        self.stateDiff = stateDiff
    }

    /// Applies the override to `accounts[address]`.
    public func apply(to accounts: inout [EVMAddress: Account], address: EVMAddress) {
        var a = accounts[address] ?? Account()
        if let balance { a.balance = balance }
        if let nonce { a.nonce = nonce }
        if let code { a.setCode(code) }
        if let state { a.storage = state.filter { !$0.value.isZero } }
        if let stateDiff { for (k, v) in stateDiff { a.storage[k] = v.isZero ? nil : v } }
        accounts[address] = a
    }
}

/// The outcome of a simulated call.
public struct CallOutcome: Sendable {
    public var status: ExecutionStatus
    public var gasUsed: UInt64
    public var output: [UInt8]
    public var createdAddress: Bytes20?
}

/// Why a call could not even start (geth's pre-check errors).
public enum CallError: Error, Sendable, Equatable, CustomStringConvertible {
    case intrinsicGasTooLow(have: UInt64, want: UInt64)
    case insufficientFunds
    case gasAboveCap(UInt64)
    /// The call fails at the highest allowed gas (status and output of that run).
    case failed(reverted: Bool, output: [UInt8], reason: String)

    public var description: String {
        switch self {
        case .intrinsicGasTooLow(let h, let w): return "intrinsic gas too low: have \(h), want \(w)"
        case .insufficientFunds: return "insufficient funds for gas * price + value"
        case .gasAboveCap(let g): return "gas \(g) above the cap"
        case .failed(_, _, let r): return r
        }
    }
}

/// Runs calls against a state without a signature, nonce check or fee purchase (`eth_call`), and
/// binary-searches the lowest gas limit with which a transaction succeeds (`eth_estimateGas`).
/// Execution uses the `StateHost` and the warming/refund rules of `TransactionExecutor`; callers
/// must be on a large-stack thread.
public enum CallExecutor {
    /// Runs `request` with `gasLimit` on `accounts` in the block `context`.
    public static func call(
        _ request: CallRequest, gasLimit: UInt64, accounts: [EVMAddress: Account], context: L2BlockContext,
        config: ChainConfig, blockHashes: [UInt64: Bytes32] = [:]
    ) -> Result<CallOutcome, CallError> {
        let from = request.from ?? .zero
        let ethFork = Ethereum.Fork(rawValue: Int(config.fork.rawValue)) ?? .cancun
        let intrinsic = IntrinsicGas.compute(
            data: request.data, isCreate: request.to == nil, accessListAddresses: request.accessList.count,
            accessListStorageKeys: request.accessList.reduce(0) { $0 + $1.storageKeys.count }, authorizations: 0,
            fork: ethFork)
        if gasLimit < intrinsic.minimumGasLimit {
            return .failure(.intrinsicGasTooLow(have: gasLimit, want: intrinsic.minimumGasLimit))
        }
        let price = request.price(baseFee: context.baseFee)
        let cost = UInt256(gasLimit) &* price &+ request.value
        let balance = accounts[from]?.balance ?? .zero
        if balance < cost { return .failure(.insufficientFunds) }

        var host = StateHost(fork: config.fork, accounts: accounts)
        host.blockHashes = blockHashes
        host.beginTransaction()
        host.txContext = TxContext(
            gasPrice: price, origin: from, coinbase: context.coinbase, number: context.number,
            timestamp: context.timestamp, gasLimit: context.gasLimit,
            prevRandao: UInt256(bigEndian: context.prevRandao.bytes) ?? .zero, chainID: UInt256(config.chainID),
            baseFee: price.isZero ? .zero : context.baseFee, blobBaseFee: .one, blobHashes: [])
        host.warm(from)
        if let to = request.to { host.warm(to) }
        for a in host.precompiles.addresses { host.warm(a) }
        for e in request.accessList {
            host.warm(e.address)
            for k in e.storageKeys { host.warm(e.address, key: UInt256(bigEndian: k.bytes) ?? .zero) }
        }
        host.warm(context.coinbase)
        let gas = Int64(clamping: gasLimit - intrinsic.regular)
        let result: ExecutionResult
        if let to = request.to {
            var acct = host.accounts[from] ?? Account()
            acct.nonce = acct.nonce &+ 1
            host.accounts[from] = acct
            var codeAddress = to
            if let d = host.delegate(of: to) {
                host.warm(d)
                codeAddress = d
            }
            result = host.call(
                Message(kind: .call, gas: gas, recipient: to, sender: from, codeAddress: codeAddress, value: request.value, input: request.data))
        } else {
            result = host.call(Message(kind: .create, gas: gas, recipient: .zero, sender: from, value: request.value, input: request.data))
        }
        let gasLeft = result.status.isSuccess || result.status == .revert ? result.gasLeft : 0
        let used0 = Int64(clamping: gasLimit) - gasLeft
        let refund = result.status.isSuccess ? Swift.max(0, Swift.min(result.gasRefund, used0 / 5)) : 0
        var used = UInt64(used0 - refund)
        if config.fork >= .prague { used = Swift.max(used, intrinsic.floor) }
        return .success(CallOutcome(status: result.status, gasUsed: used, output: result.output, createdAddress: result.createdAddress))
    }

    /// The lowest gas limit in [intrinsic, cap] with which `request` succeeds (geth's
    /// `eth_estimateGas`: one run at the cap, then a binary search). A failure at the cap is
    /// returned as `.failed` with the revert output.
    public static func estimateGas(
        _ request: CallRequest, cap: UInt64, accounts: [EVMAddress: Account], context: L2BlockContext,
        config: ChainConfig, blockHashes: [UInt64: Bytes32] = [:]
    ) -> Result<UInt64, CallError> {
        var hi = cap
        if let g = request.gas, g < hi { hi = g }
        // A price limits the gas the balance can buy.
        let price = request.price(baseFee: context.baseFee)
        if !price.isZero {
            let balance = accounts[request.from ?? .zero]?.balance ?? .zero
            if balance < request.value { return .failure(.insufficientFunds) }
            let affordable = (balance &- request.value) / price
            if affordable < UInt256(hi) { hi = affordable.l0 }
        }
        let top: CallOutcome
        switch call(request, gasLimit: hi, accounts: accounts, context: context, config: config, blockHashes: blockHashes) {
        case .failure(let e): return .failure(e)
        case .success(let o): top = o
        }
        guard top.status.isSuccess else {
            return .failure(.failed(reverted: top.status == .revert, output: top.output, reason: "\(top.status)"))
        }
        func ok(_ g: UInt64) -> Bool {
            if case .success(let o) = call(request, gasLimit: g, accounts: accounts, context: context, config: config, blockHashes: blockHashes) {
                return o.status.isSuccess
            }
            return false
        }
        var lo = top.gasUsed &- 1
        // Most calls succeed with used × 64/63 (the all-but-one-64th rule); try it first.
        let guess = Swift.min(hi, top.gasUsed &* 64 / 63 &+ 1)
        if guess < hi, ok(guess) { hi = guess }
        while lo &+ 1 < hi {
            let mid = lo + (hi - lo) / 2
            if ok(mid) { hi = mid } else { lo = mid }
        }
        return .success(hi)
    }
}
