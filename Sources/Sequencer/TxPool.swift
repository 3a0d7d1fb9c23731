public import EVM
public import Ethereum
public import L2Chain
public import Primitives
internal import Synchronization

/// Limits of the transaction pool.
public struct PoolLimits: Sendable {
    /// Transactions one sender may have in the pool (also the widest nonce gap accepted).
    public var perSender: Int = 64
    public var total: Int = 8192
    /// A replacement (same sender and nonce) must raise both fee caps by this percentage (geth: 10).
    public var priceBumpPercent: UInt64 = 10
    /// Largest accepted envelope (geth: 128 KiB).
    public var maxTransactionBytes: Int = 128 * 1024

    public init() {}
}

/// Why the pool refused a transaction (messages follow geth's, which clients match on).
public enum PoolError: Error, Sendable, Equatable, CustomStringConvertible {
    case decode(String)
    case invalid(String)
    case unsupportedType(TransactionType)
    case tooLarge(Int)
    case wrongChainID
    case alreadyKnown
    case nonceTooLow(next: UInt64, got: UInt64)
    case nonceTooHigh(next: UInt64, got: UInt64)
    case gasLimitAboveBlock(UInt64)
    case feeCapBelowBaseFee(maxFee: UInt256, baseFee: UInt256)
    case insufficientFunds
    case replacementUnderpriced
    case senderLimit
    case poolFull
    case senderHasCode

    public var description: String {
        switch self {
        case .decode(let s): return "invalid transaction encoding: \(s)"
        case .invalid(let s): return "invalid transaction: \(s)"
        case .unsupportedType(let t): return "transaction type not supported: \(t)"
        case .tooLarge(let n): return "oversized data: transaction size \(n)"
        case .wrongChainID: return "invalid chain id for signer"
        case .alreadyKnown: return "already known"
        case .nonceTooLow(let n, let g): return "nonce too low: next nonce \(n), tx nonce \(g)"
        case .nonceTooHigh(let n, let g): return "nonce too high: next nonce \(n), tx nonce \(g)"
        case .gasLimitAboveBlock(let g): return "exceeds block gas limit: \(g)"
        case .feeCapBelowBaseFee(let m, let b):
            return "transaction underpriced: max fee per gas \(m) less than block base fee \(b)"
        case .insufficientFunds: return "insufficient funds for gas * price + value"
        case .replacementUnderpriced: return "replacement transaction underpriced"
        case .senderLimit: return "txpool is full for this sender"
        case .poolFull: return "txpool is full"
        case .senderHasCode: return "sender not an eoa"
        }
    }
}

/// A transaction in the pool with what admission computed.
public struct PooledTransaction: Sendable {
    public let sealed: SealedTransaction
    public let sender: Bytes20
    public let nonce: UInt64
    public var maxFee: UInt256 { sealed.transaction.maxFeePerGas }
    public var tip: UInt256 { sealed.transaction.maxPriorityFeePerGas }
}

/// The transaction pool: per-sender nonce-ordered queues; a transaction becomes executable when
/// every lower nonce of its sender is mined or pooled (gaps are held until filled); replacement
/// needs a `priceBumpPercent` raise of both fee caps; admission checks signature, chain id, type,
/// size, nonce, block gas limit, base fee and balance against the chain head; limits per sender
/// and overall, evicting the cheapest non-executable-breaking tail when full.
public final class TxPool: Sendable {
    struct State {
        var bySender: [Bytes20: [UInt64: PooledTransaction]] = [:]
        var byHash: [Bytes32: (Bytes20, UInt64)] = [:]
        var count = 0
    }

    public let chain: L2Chain
    public let limits: PoolLimits
    let state = Mutex(State())
    let listeners = Mutex<[@Sendable (PooledTransaction) -> Void]>([])
    let rules: TransactionRules

    public init(chain: L2Chain, limits: PoolLimits = PoolLimits()) {
        self.chain = chain
        self.limits = limits
        self.rules = .hemi(
            fork: Ethereum.Fork(rawValue: Int(chain.config.fork.rawValue)) ?? .cancun,
            chainID: UInt256(chain.config.chainID))
    }

    /// Registers a callback run for each admitted transaction.
    public func onAdd(_ f: @escaping @Sendable (PooledTransaction) -> Void) { listeners.withLock { $0.append(f) } }

    public var count: Int { state.withLock { $0.count } }

    /// Decodes and admits a raw EIP-2718 envelope; returns its hash.
    @discardableResult
    public func add(raw bytes: [UInt8]) throws(PoolError) -> Bytes32 {
        guard bytes.count <= limits.maxTransactionBytes else { throw .tooLarge(bytes.count) }
        let sealed: SealedTransaction
        do { sealed = try SealedTransaction(envelope: bytes) } catch { throw .decode("\(error)") }
        return try add(sealed)
    }

    /// Admits a decoded transaction.
    @discardableResult
    public func add(_ sealed: SealedTransaction) throws(PoolError) -> Bytes32 {
        let tx = sealed.transaction
        switch tx.type {
        case .legacy, .accessList, .dynamicFee, .setCode: break
        default: throw .unsupportedType(tx.type)
        }
        let validated: ValidatedTransaction
        do { validated = try tx.validate(rules: rules) } catch {
            if case .wrongChainID = error { throw .wrongChainID }
            throw .invalid("\(error)")
        }
        let sender = validated.sender
        guard let nonce = tx.nonce else { throw .invalid("no nonce") }
        let snap = chain.snapshot
        if tx.gasLimit > chain.config.gasLimit { throw .gasLimitAboveBlock(tx.gasLimit) }
        let nextBaseFee = chain.config.computeNextBaseFee(
            parentGasUsed: snap.head.header.gasUsed, parentBaseFee: snap.head.header.baseFeePerGas ?? .zero)
        if tx.maxFeePerGas < nextBaseFee { throw .feeCapBelowBaseFee(maxFee: tx.maxFeePerGas, baseFee: nextBaseFee) }
        let account = snap.accounts[sender]
        let stateNonce = account?.nonce ?? 0
        if nonce < stateNonce { throw .nonceTooLow(next: stateNonce, got: nonce) }
        if nonce >= stateNonce &+ UInt64(limits.perSender) { throw .nonceTooHigh(next: stateNonce, got: nonce) }
        if let code = account?.code, !code.isEmpty, !(code.count == 23 && code.starts(with: [0xef, 0x01, 0x00])) {
            throw .senderHasCode
        }
        guard let cost = tx.computeMaxUpfrontCost(), (account?.balance ?? .zero) >= cost else {
            throw .insufficientFunds
        }
        let entry = PooledTransaction(sealed: sealed, sender: sender, nonce: nonce)
        let limits = self.limits
        try state.withLock { s throws(PoolError) in
            if s.byHash[sealed.hash] != nil { throw .alreadyKnown }
            // Drop what the chain has mined meanwhile for this sender.
            if var q = s.bySender[sender] {
                for n in q.keys where n < stateNonce {
                    if let old = q.removeValue(forKey: n) {
                        s.byHash[old.sealed.hash] = nil
                        s.count -= 1
                    }
                }
                s.bySender[sender] = q.isEmpty ? nil : q
            }
            if let old = s.bySender[sender]?[nonce] {
                let bump = UInt256(100 + limits.priceBumpPercent)
                let needFee = old.maxFee &* bump / UInt256(100)
                let needTip = old.tip &* bump / UInt256(100)
                guard tx.maxFeePerGas >= needFee, tx.maxPriorityFeePerGas >= needTip else {
                    throw .replacementUnderpriced
                }
                s.byHash[old.sealed.hash] = nil
                s.bySender[sender]?[nonce] = entry
                s.byHash[sealed.hash] = (sender, nonce)
                return
            }
            if (s.bySender[sender]?.count ?? 0) >= limits.perSender { throw .senderLimit }
            if s.count >= limits.total {
                // Evict the cheapest sender tail (its highest nonce), if it pays less than this one.
                var victim: PooledTransaction?
                for (_, q) in s.bySender {
                    guard let top = q.keys.max(), let t = q[top] else { continue }
                    if victim == nil || t.tip < (victim?.tip ?? .zero) { victim = t }
                }
                guard let v = victim, v.tip < tx.maxPriorityFeePerGas, v.sender != sender else { throw .poolFull }
                s.bySender[v.sender]?[v.nonce] = nil
                if s.bySender[v.sender]?.isEmpty == true { s.bySender[v.sender] = nil }
                s.byHash[v.sealed.hash] = nil
                s.count -= 1
            }
            s.bySender[sender, default: [:]][nonce] = entry
            s.byHash[sealed.hash] = (sender, nonce)
            s.count += 1
        }
        for f in listeners.withLock({ $0 }) { f(entry) }
        return sealed.hash
    }

    /// A pooled transaction by hash.
    public func transaction(hash: Bytes32) -> PooledTransaction? {
        state.withLock { s in
            guard let (a, n) = s.byHash[hash] else { return nil }
            return s.bySender[a]?[n]
        }
    }

    /// The next nonce of `sender` counting contiguous pooled transactions after `stateNonce`.
    public func pendingNonce(sender: Bytes20, stateNonce: UInt64) -> UInt64 {
        state.withLock { s in
            var n = stateNonce
            guard let q = s.bySender[sender] else { return n }
            while q[n] != nil { n += 1 }
            return n
        }
    }

    /// All pooled transactions (executable first), for `txpool_`-style inspection and tests.
    public func all() -> [PooledTransaction] {
        state.withLock { s in s.bySender.values.flatMap { $0.values }.sorted { ($0.sender.hex, $0.nonce) < ($1.sender.hex, $1.nonce) } }
    }

    /// Executable transactions for a block at `baseFee` on `accounts`: per sender the contiguous
    /// run from its account nonce, merged across senders by effective tip (highest first; ties by
    /// sender address bytes, then nonce, so the order is deterministic). A sender whose next
    /// transaction cannot pay `baseFee` contributes nothing further. At most `limit` results.
    public func executable(accounts: [EVMAddress: Account], baseFee: UInt256, limit: Int = .max) -> [PooledTransaction] {
        var queues: [[PooledTransaction]] = state.withLock { s in
            var out: [[PooledTransaction]] = []
            for (sender, q) in s.bySender {
                var n = accounts[sender]?.nonce ?? 0
                var run: [PooledTransaction] = []
                while let t = q[n] {
                    run.append(t)
                    n += 1
                }
                if !run.isEmpty { out.append(run) }
            }
            return out
        }
        func key(_ a: Bytes20) -> (UInt64, UInt64, UInt32) { (a.a.byteSwapped, a.b.byteSwapped, a.c.byteSwapped) }
        queues.sort { key($0[0].sender) < key($1[0].sender) }
        // Max-heap of (tip, queue index) over each queue's next transaction.
        var heap: [(tip: UInt256, q: Int)] = []
        heap.reserveCapacity(queues.count)
        func above(_ x: (tip: UInt256, q: Int), _ y: (tip: UInt256, q: Int)) -> Bool {
            x.tip != y.tip ? x.tip > y.tip : x.q < y.q
        }
        func push(_ e: (tip: UInt256, q: Int)) {
            heap.append(e)
            var i = heap.count - 1
            while i > 0 {
                let p = (i - 1) / 2
                if !above(heap[i], heap[p]) { break }
                heap.swapAt(i, p)
                i = p
            }
        }
        func pop() -> (tip: UInt256, q: Int)? {
            guard let top = heap.first else { return nil }
            let last = heap.removeLast()
            if !heap.isEmpty {
                heap[0] = last
                var i = 0
                while true {
                    let l = 2 * i + 1
                    let r = l + 1
                    var m = i
                    if l < heap.count && above(heap[l], heap[m]) { m = l }
                    if r < heap.count && above(heap[r], heap[m]) { m = r }
                    if m == i { break }
                    heap.swapAt(i, m)
                    i = m
                }
            }
            return top
        }
        var heads = [Int](repeating: 0, count: queues.count)
        for (i, q) in queues.enumerated() {
            if let tip = q[0].sealed.transaction.effectiveTip(baseFee: baseFee) { push((tip, i)) }
        }
        var result: [PooledTransaction] = []
        while result.count < limit, let top = pop() {
            let i = top.q
            result.append(queues[i][heads[i]])
            heads[i] += 1
            if heads[i] < queues[i].count, let tip = queues[i][heads[i]].sealed.transaction.effectiveTip(baseFee: baseFee) {
                push((tip, i))
            }
        }
        return result
    }

    /// Removes transactions the chain has mined (nonce below the account nonce) and ones a block
    /// rejected (`drop`).
    public func prune(accounts: [EVMAddress: Account], drop: [Bytes32] = []) {
        state.withLock { s in
            for h in drop {
                guard let (a, n) = s.byHash.removeValue(forKey: h) else { continue }
                s.bySender[a]?[n] = nil
                if s.bySender[a]?.isEmpty == true { s.bySender[a] = nil }
                s.count -= 1
            }
            for (sender, q) in s.bySender {
                let stateNonce = accounts[sender]?.nonce ?? 0
                var q2 = q
                for (n, t) in q where n < stateNonce {
                    q2[n] = nil
                    s.byHash[t.sealed.hash] = nil
                    s.count -= 1
                }
                s.bySender[sender] = q2.isEmpty ? nil : q2
            }
        }
    }
}
