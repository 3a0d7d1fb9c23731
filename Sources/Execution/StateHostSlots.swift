internal import EVM
internal import Primitives

/// The storage slots one transaction has touched, keyed by (address, slot): the slot's original
/// value (at the start of the transaction, EIP-2200/EIP-3529), its current value and whether it is
/// warm (EIP-2929), found with one probe sequence instead of a `Set` insert plus two dictionary
/// lookups (account, then slot) per SLOAD/SSTORE.
///
/// The current value mirrors `accounts[address].storage[key]`: every in-transaction storage write
/// goes through `StateHost.setStorage`/`storeStorage` (which write both) and every undo through
/// `StateHost.restore` (which also restores both). The table is emptied at the start and the end of
/// each transaction, so code outside a transaction may edit `accounts` freely.
///
/// Open addressing with linear probing at a load factor of at most 1/2. Keys are chosen by the
/// transaction (any 256-bit slot number, any address), so the hash must not let an attacker build
/// long probe chains: it is a folded 64×64→128-bit multiply chain (the aHash/wyhash construction)
/// keyed with four random 64-bit words drawn once per process, which the transaction cannot see or
/// influence. Even in the unlucky worst case the table holds at most one entry per cold slot
/// access or access-list slot, i.e. at most gas/1900 entries per transaction from Berlin on (EIP-2929,
/// EIP-2930), so a probe is bounded by that.
struct SlotTable {
    struct Entry {
        var address: EVMAddress
        var key: UInt256
        var current: UInt256
        var original: UInt256
        var used: Bool
        var warm: Bool

        static let empty = Entry(
            address: .zero, key: .zero, current: .zero, original: .zero, used: false, warm: false)
    }

    static let initialCapacity = 64
    /// Above this capacity an emptied table is reallocated small instead of cleared in place, so
    /// one huge transaction does not make every later one pay for clearing its table.
    static let keepCapacity = 1024

    /// Four random words per process (the hash key); `SystemRandomNumberGenerator` is the OS CSPRNG.
    static let processSeed: (UInt64, UInt64, UInt64, UInt64) = {
        var g = SystemRandomNumberGenerator()
        return (g.next(), g.next(), g.next(), g.next())
    }()

    private(set) var entries: [Entry]
    private(set) var count = 0
    private var mask: Int
    private let seed: (UInt64, UInt64, UInt64, UInt64)

    init() {
        entries = Array(repeating: .empty, count: Self.initialCapacity)
        mask = Self.initialCapacity - 1
        seed = Self.processSeed
    }

    /// Forgets every slot.
    mutating func removeAll() {
        if count == 0 { return }
        count = 0
        if entries.count > Self.keepCapacity {
            entries = Array(repeating: .empty, count: Self.initialCapacity)
            mask = Self.initialCapacity - 1
        } else {
            for i in entries.indices { entries[i].used = false }
        }
    }

    @inline(__always)
    static func fold(_ a: UInt64, _ b: UInt64) -> UInt64 {
        let (hi, lo) = a.multipliedFullWidth(by: b)
        return hi ^ lo
    }

    @inline(__always)
    func hash(_ a: EVMAddress, _ k: UInt256) -> Int {
        var h = Self.fold(k.l0 ^ seed.0, k.l1 ^ seed.1)
        h = Self.fold(h ^ k.l2, k.l3 ^ seed.2)
        h = Self.fold(h ^ a.a, a.b ^ seed.3)
        h = Self.fold(h ^ UInt64(a.c), seed.0 ^ 0x243f_6a88_85a3_08d3)
        return Int(truncatingIfNeeded: h ^ (h >> 29))
    }

    /// The index of the entry for (`a`, `k`), or nil.
    @inline(__always)
    func find(_ a: EVMAddress, _ k: UInt256) -> Int? {
        var i = hash(a, k) & mask
        while entries[i].used {
            if entries[i].key == k && entries[i].address == a { return i }
            i = (i &+ 1) & mask
        }
        return nil
    }

    /// The index of the entry for (`a`, `k`) and whether it existed. A new entry has its address and
    /// key set, is cold, and its values are zero: the caller fills them in.
    @inline(__always)
    mutating func findOrInsert(_ a: EVMAddress, _ k: UInt256) -> (index: Int, found: Bool) {
        if (count &+ 1) &* 2 > entries.count { grow() }
        var i = hash(a, k) & mask
        while entries[i].used {
            if entries[i].key == k && entries[i].address == a { return (i, true) }
            i = (i &+ 1) & mask
        }
        entries[i] = Entry(address: a, key: k, current: .zero, original: .zero, used: true, warm: false)
        count &+= 1
        return (i, false)
    }

    @inline(never)
    mutating func grow() {
        let old = entries
        entries = Array(repeating: .empty, count: old.count * 2)
        mask = entries.count - 1
        for e in old where e.used {
            var i = hash(e.address, e.key) & mask
            while entries[i].used { i = (i &+ 1) & mask }
            entries[i] = e
        }
    }

    @inline(__always)
    subscript(_ i: Int) -> Entry { entries[i] }

    /// Sets a new entry's original and current value (the slot's value at its first use).
    @inline(__always)
    mutating func setLoaded(_ i: Int, _ v: UInt256) {
        entries[i].current = v
        entries[i].original = v
    }

    @inline(__always)
    mutating func setCurrent(_ i: Int, _ v: UInt256) { entries[i].current = v }

    @inline(__always)
    mutating func setWarm(_ i: Int, _ w: Bool) { entries[i].warm = w }
}
