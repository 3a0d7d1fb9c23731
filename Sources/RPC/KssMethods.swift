internal import L2Chain
public import PoP
internal import Primitives

/// The `kss_` namespace (`reference/hemi-protocol.md` §7.1): keystones in heminetwork's JSON form.
public enum KssMethods {
    /// `hemi.L2Keystone` JSON: hashes as plain hex (Go `api.ByteSlice`), numbers as JSON numbers.
    public static func json(_ k: L2Keystone) -> JSONValue {
        var o = JSONObject()
        o.append("version", .int(k.version))
        o.append("l1_block_number", .int(k.l1BlockNumber))
        o.append("l2_block_number", .int(k.l2BlockNumber))
        o.append("parent_ep_hash", .string(k.parentEPHash.hex))
        o.append("prev_ep_keystone_hash", .string(k.prevKeystoneEPHash.hex))
        o.append("state_root", .string(k.stateRoot.hex))
        o.append("ep_hash", .string(k.epHash.hex))
        return .object(o)
    }

    static func count(_ p: RPCParams, _ i: Int) throws(RPCError) -> Int {
        guard let v = p[i] else { throw .invalidParams("missing value for required argument \(i)") }
        let n: UInt64
        if let x = v.intValue, x >= 0 { n = UInt64(x) } else { n = try v.uint64("count") }
        guard n <= UInt64(KeystoneStore.maxCount) else { throw .limitExceeded("count above \(KeystoneStore.maxCount)") }
        return Int(n)
    }

    static func lookup(_ ks: KeystoneStore, hash: Bytes32, count: Int) throws(RPCError) -> [L2Keystone] {
        do { return try ks.keystone(hash: hash, count: count) } catch {
            if error == .unknownKeystone { throw .resourceNotFound("keystone not found") }
            throw .internalError("internal error")
        }
    }

    /// Registers `kss_getLatestKeystones(count)` and `kss_getKeystone(abrevHashHex, count)`.
    public static func register(into r: inout RPCMethodRegistry, keystones: KeystoneStore) {
        r.register("kss_getLatestKeystones") { (p: RPCParams) async throws(RPCError) -> JSONValue in
            try p.expectCount(min: 1, max: 1)
            let n = try count(p, 0)
            do {
                return ["keystones": .array(try keystones.latest(count: n).map(json))]
            } catch {
                throw .internalError("internal error")
            }
        }
        r.register("kss_getKeystone") { (p: RPCParams) async throws(RPCError) -> JSONValue in
            try p.expectCount(min: 1, max: 2)
            var s = try p.string(0)
            if s.hasPrefix("0x") { s = String(s.dropFirst(2)) }
            // The abbreviated hash in its display form (byte-reversed, like a Bitcoin txid).
            guard s.utf8.count == 64, let h = Bytes32(displayHex: s) else { throw .invalidParams("invalid keystone hash") }
            let n = p.isPresent(1) ? try count(p, 1) : 0
            return ["keystones": .array(try lookup(keystones, hash: h, count: n).map(json))]
        }
    }
}
