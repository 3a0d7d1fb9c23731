public import EVM
internal import Ethereum
internal import Hashing
internal import MerkleTrie
public import Primitives

/// The flat row of an account (`accounts` table): nonce, balance and code hash; storage lives in
/// its own table and the storage root is derived.
public struct AccountRecord: Sendable, Equatable {
    public var nonce: UInt64
    public var balance: UInt256
    public var codeHash: Bytes32

    public init(nonce: UInt64, balance: UInt256, codeHash: Bytes32) {
        self.nonce = nonce
        self.balance = balance
        self.codeHash = codeHash
    }

    init(_ a: Account) { self.init(nonce: a.nonce, balance: a.balance, codeHash: a.codeHash) }

    func encoded() -> [UInt8] {
        var out: [UInt8] = []
        RLP.appendList(to: &out) { o in
            RLP.append(nonce, to: &o)
            RLP.append(balance, to: &o)
            RLP.append(codeHash, to: &o)
        }
        return out
    }

    static func decode(_ bytes: [UInt8]) throws(RLPError) -> AccountRecord {
        var r = RLPReader(bytes)
        var l = try r.readList()
        let rec = AccountRecord(nonce: try l.readUInt64(), balance: try l.readUInt256(), codeHash: try l.readBytes32())
        try l.expectEnd()
        try r.expectEnd()
        return rec
    }
}

/// What one block changed in the world state: the new values (to write to the flat tables) and the
/// old ones (the reverse diff kept for historical state).
public struct StateChanges: Sendable {
    /// New account rows; nil deletes the account (and all of its storage).
    public var accounts: [(address: EVMAddress, new: Account?)] = []
    /// Changed slots with their new value (zero deletes) — for accounts that still exist.
    public var slots: [(address: EVMAddress, key: UInt256, value: UInt256)] = []
    public var reverse = ReverseDiff()
}

/// The state before a block, restricted to what the block changed: for each changed account its
/// previous row (nil if it did not exist) and for each changed slot its previous value.
public struct ReverseDiff: Sendable, Equatable {
    public var accounts: [(address: EVMAddress, old: AccountRecord?)] = []
    public var slots: [(address: EVMAddress, key: UInt256, old: UInt256)] = []

    public static func == (a: ReverseDiff, b: ReverseDiff) -> Bool {
        a.accounts.count == b.accounts.count && a.slots.count == b.slots.count
            && zip(a.accounts, b.accounts).allSatisfy { $0.address == $1.address && $0.old == $1.old }
            && zip(a.slots, b.slots).allSatisfy { $0.address == $1.address && $0.key == $1.key && $0.old == $1.old }
    }

    /// `rlp([[address, exists, nonce, balance, codeHash]…], [[address, key, old]…])`.
    func encoded() -> [UInt8] {
        var out: [UInt8] = []
        RLP.appendList(to: &out) { o in
            RLP.appendList(to: &o) { l in
                for (a, old) in accounts {
                    RLP.appendList(to: &l) { e in
                        RLP.append(a, to: &e)
                        RLP.append(old != nil, to: &e)
                        RLP.append(old?.nonce ?? 0, to: &e)
                        RLP.append(old?.balance ?? .zero, to: &e)
                        RLP.append(old?.codeHash ?? .zero, to: &e)
                    }
                }
            }
            RLP.appendList(to: &o) { l in
                for (a, k, v) in slots {
                    RLP.appendList(to: &l) { e in
                        RLP.append(a, to: &e)
                        RLP.append(k, to: &e)
                        RLP.append(v, to: &e)
                    }
                }
            }
        }
        return out
    }

    static func decode(_ bytes: [UInt8]) throws(RLPError) -> ReverseDiff {
        var d = ReverseDiff()
        var r = RLPReader(bytes)
        var l = try r.readList()
        var accts = try l.readList()
        while !accts.isAtEnd {
            var e = try accts.readList()
            let a = try e.readBytes20()
            let exists = try e.readBool()
            let rec = AccountRecord(nonce: try e.readUInt64(), balance: try e.readUInt256(), codeHash: try e.readBytes32())
            try e.expectEnd()
            d.accounts.append((a, exists ? rec : nil))
        }
        var slots = try l.readList()
        while !slots.isAtEnd {
            var e = try slots.readList()
            d.slots.append((try e.readBytes20(), try e.readUInt256(), try e.readUInt256()))
            try e.expectEnd()
        }
        try l.expectEnd()
        try r.expectEnd()
        return d
    }
}

extension Bytes20 {
    /// Byte-lexicographic order (deterministic iteration over address sets).
    static func lexLess(_ x: Bytes20, _ y: Bytes20) -> Bool {
        if x.a != y.a { return x.a.byteSwapped < y.a.byteSwapped }
        if x.b != y.b { return x.b.byteSwapped < y.b.byteSwapped }
        return x.c.byteSwapped < y.c.byteSwapped
    }
}

/// The current world state held in memory with its Merkle commitments kept incrementally: the
/// secure account trie and one secure storage trie per account. `commit(_:)` diffs a post-block
/// account map against the current one and re-hashes only the changed paths.
public struct WorldState: Sendable {
    public private(set) var accounts: [EVMAddress: Account]
    var accountTrie = SecureMerklePatriciaTrie()
    var storageTries: [EVMAddress: SecureMerklePatriciaTrie] = [:]
    var storageRoots: [EVMAddress: Bytes32] = [:]
    public private(set) var stateRoot: Bytes32

    /// Builds the tries from scratch (genesis, or loading the flat state at startup).
    public init(accounts: [EVMAddress: Account]) {
        self.accounts = accounts
        self.stateRoot = MerklePatriciaTrie.emptyRoot
        for (a, acct) in accounts {
            var st = SecureMerklePatriciaTrie()
            for (k, v) in acct.storage where !v.isZero { st.insert(key: k.bytes32.bytes, value: RLP.encode(v)) }
            let root = st.computeRoot()
            if !st.isEmpty {
                storageTries[a] = st
            }
            storageRoots[a] = root
            accountTrie.insert(key: a.bytes, value: Self.leaf(acct, storageRoot: root))
        }
        stateRoot = accountTrie.computeRoot()
    }

    static func leaf(_ acct: Account, storageRoot: Bytes32) -> [UInt8] {
        var out: [UInt8] = []
        RLP.appendList(to: &out) { o in
            RLP.append(acct.nonce, to: &o)
            RLP.append(acct.balance, to: &o)
            RLP.append(storageRoot, to: &o)
            RLP.append(acct.codeHash, to: &o)
        }
        return out
    }

    /// Replaces the state with `post`, updating the tries along the changed paths only, and returns
    /// what changed (new values and the reverse diff), in byte order of address and key.
    public mutating func commit(_ post: [EVMAddress: Account]) -> StateChanges {
        var changed: [EVMAddress] = []
        for (a, n) in post {
            if let o = accounts[a], o == n { continue }
            changed.append(a)
        }
        for a in accounts.keys where post[a] == nil { changed.append(a) }
        changed.sort(by: Bytes20.lexLess)

        var ch = StateChanges()
        for a in changed {
            let old = accounts[a]
            let new = post[a]
            ch.reverse.accounts.append((a, old.map(AccountRecord.init)))
            ch.accounts.append((a, new))
            let oldStorage = old?.storage ?? [:]
            let newStorage = new?.storage ?? [:]
            var slotChanges: [(UInt256, UInt256, UInt256)] = []  // key, old, new
            if oldStorage != newStorage {
                for (k, v) in newStorage where oldStorage[k] != v { slotChanges.append((k, oldStorage[k] ?? .zero, v)) }
                for (k, v) in oldStorage where newStorage[k] == nil && !v.isZero { slotChanges.append((k, v, .zero)) }
                slotChanges.sort { $0.0 < $1.0 }
            }
            for (k, o, n) in slotChanges {
                ch.reverse.slots.append((a, k, o))
                if new != nil { ch.slots.append((a, k, n)) }
            }
            guard let new else {
                accountTrie.remove(key: a.bytes)
                storageTries[a] = nil
                storageRoots[a] = nil
                continue
            }
            var root = storageRoots[a] ?? MerklePatriciaTrie.emptyRoot
            if !slotChanges.isEmpty || old == nil {
                var st = old == nil ? SecureMerklePatriciaTrie() : (storageTries[a] ?? SecureMerklePatriciaTrie())
                if old == nil {
                    for (k, v) in newStorage where !v.isZero { st.insert(key: k.bytes32.bytes, value: RLP.encode(v)) }
                } else {
                    for (k, _, n) in slotChanges {
                        if n.isZero { st.remove(key: k.bytes32.bytes) } else { st.insert(key: k.bytes32.bytes, value: RLP.encode(n)) }
                    }
                }
                root = st.computeRoot()
                storageTries[a] = st.isEmpty ? nil : st
                storageRoots[a] = root
            }
            accountTrie.insert(key: a.bytes, value: Self.leaf(new, storageRoot: root))
        }
        accounts = post
        stateRoot = accountTrie.computeRoot()
        return ch
    }

    /// The storage root of `address` (empty-trie root for accounts without storage).
    public func storageRoot(of address: EVMAddress) -> Bytes32 {
        storageRoots[address] ?? MerklePatriciaTrie.emptyRoot
    }
}
