import EVM
@testable import Execution
import Primitives
import TestSupport
import Testing

/// `StateHost`'s per-transaction slot table against a plain model (dictionaries and a copy of the
/// whole model per checkpoint): values, original values, EIP-2200 classification, warm/cold state
/// and reverts must agree for random operation sequences that also force the table to grow.
@Suite struct StateHostSlotTests {
    struct Model {
        var storage: [EVMAddress: [UInt256: UInt256]] = [:]
        var original: [EVMAddress: [UInt256: UInt256]] = [:]
        var warm: Set<[UInt64]> = []

        func value(_ a: EVMAddress, _ k: UInt256) -> UInt256 { storage[a]?[k] ?? .zero }
        static func id(_ a: EVMAddress, _ k: UInt256) -> [UInt64] { [a.a, a.b, UInt64(a.c), k.l0, k.l1, k.l2, k.l3] }
        mutating func access(_ a: EVMAddress, _ k: UInt256) -> AccessStatus {
            warm.insert(Self.id(a, k)).inserted ? .cold : .warm
        }
        mutating func store(_ a: EVMAddress, _ k: UInt256, _ v: UInt256) -> StorageStatus {
            let cur = value(a, k)
            if original[a]?[k] == nil { original[a, default: [:]][k] = cur }
            let orig = original[a]?[k] ?? .zero
            storage[a, default: [:]][k] = v.isZero ? nil : v
            return StorageStatus.classify(original: orig, current: cur, new: v)
        }
    }

    @Test func randomOperationsMatchModel() {
        var g = SplitMix64(seed: 0x5107)
        let addrs = (1...4).map { EVMAddress(a: UInt64($0), b: 0, c: 0) }
        var pre: [EVMAddress: Account] = [:]
        var model = Model()
        for a in addrs.prefix(3) {
            var acct = Account(balance: UInt256(1))
            for k in 0..<8 where k % 3 != 0 {
                acct.storage[UInt256(UInt64(k))] = UInt256(UInt64(100 + k))
                model.storage[a, default: [:]][UInt256(UInt64(k))] = UInt256(UInt64(100 + k))
            }
            pre[a] = acct
        }
        for round in 0..<20 {
            var host = StateHost(fork: .cancun, accounts: pre)
            var m = model
            host.beginTransaction()
            var checkpoints: [(StateHost.Checkpoint, Model)] = []
            for _ in 0..<400 {
                let a = addrs[Int(g.next() % 4)]
                // Small keys collide with the pre-state; random 256-bit keys make the table grow.
                let k = g.next() % 3 == 0 ? UInt256(l0: g.next(), l1: g.next(), l2: g.next(), l3: g.next()) : UInt256(g.next() % 10)
                let v = g.next() % 3 == 0 ? UInt256.zero : UInt256(g.next() % 4 + 100)
                switch g.next() % 7 {
                case 0:
                    let r = host.loadStorage(a, key: k)
                    #expect(r.access == m.access(a, k))
                    #expect(r.value == m.value(a, k))
                case 1:
                    let r = host.storeStorage(a, key: k, value: v)
                    #expect(r.access == m.access(a, k))
                    #expect(r.status == m.store(a, k, v))
                case 2:
                    #expect(host.setStorage(a, key: k, value: v) == m.store(a, k, v))
                case 3:
                    #expect(host.accessStorage(a, key: k) == m.access(a, k))
                case 4:
                    #expect(host.storage(a, key: k) == m.value(a, k))
                case 5:
                    checkpoints.append((host.snapshot(), m))
                default:
                    if let (c, saved) = checkpoints.popLast() {
                        host.restore(c)
                        m = saved
                    }
                }
            }
            for a in addrs {
                #expect((host.accounts[a]?.storage ?? [:]) == (m.storage[a] ?? [:]), "round \(round) \(a)")
            }
            host.finalizeTransaction()
            #expect(host.slots.count == 0)
        }
    }

    @Test func tableGrowsAndFindsEveryKey() {
        var t = SlotTable()
        var g = SplitMix64(seed: 9)
        var keys: [(EVMAddress, UInt256)] = []
        for i in 0..<5000 {
            let a = EVMAddress(a: g.next() % 3, b: 0, c: UInt32(i % 2))
            let k = i % 2 == 0 ? UInt256(UInt64(i)) : UInt256(l0: g.next(), l1: g.next(), l2: g.next(), l3: g.next())
            let (_, found) = t.findOrInsert(a, k)
            #expect(!found)
            keys.append((a, k))
        }
        #expect(t.count == 5000)
        for (a, k) in keys {
            #expect(t.find(a, k) != nil)
            #expect(t.findOrInsert(a, k).found)
        }
        #expect(t.find(EVMAddress(a: 7, b: 7, c: 7), .zero) == nil)
        t.removeAll()
        #expect(t.count == 0 && t.find(keys[0].0, keys[0].1) == nil)
    }
}
