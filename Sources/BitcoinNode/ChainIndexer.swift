import Primitives
import Hashing
import Bitcoin
import BitcoinConsensus
import BitcoinView
import KVStore

/// Writes one block's changes to the UTXO set, undo data and Hemi's indexes, forward (connect) and
/// backward (disconnect), inside the caller's write transaction.
enum ChainIndexer {
    /// Core's `IsUnspendable`: OP_RETURN outputs and scripts over 10,000 bytes are never in the UTXO
    /// set nor in the UTXO index.
    static func isUnspendable(_ s: [UInt8]) -> Bool { s.count > 10_000 || s.first == 0x6a }

    static func scriptHash(_ script: [UInt8]) -> Bytes32 { SHA256Hash.hash(script) }

    static func valueBytes(_ v: Int64) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(8)
        Keys.be64(UInt64(bitPattern: v), into: &out)
        return out
    }

    /// The script hashes each transaction of a block touches, as (script hash, position in block)
    /// pairs: the script hash of every output that is not OP_RETURN (Electrum servers skip those) and
    /// of every output an input spends — found among the earlier outputs of the same block or in the
    /// block's undo data (the coins it spent that existed before it). Each pair appears once.
    /// Connect and disconnect derive the same pairs from the same block and undo data.
    static func historyEntries(_ parsed: ParsedBlock, undo: [(OutPoint, Coin)]) -> [(Bytes32, UInt32)] {
        var spentScripts: [OutPoint: Bytes32] = [:]
        spentScripts.reserveCapacity(undo.count)
        for (op, coin) in undo { spentScripts[op] = scriptHash(coin.output.scriptPubKey) }
        var inBlock: [OutPoint: Bytes32] = [:]
        var out: [(Bytes32, UInt32)] = []
        for (i, tx) in parsed.block.transactions.enumerated() {
            var touched: [Bytes32] = []
            func add(_ sh: Bytes32) { if !touched.contains(sh) { touched.append(sh) } }
            if !tx.isCoinbase {
                for input in tx.inputs {
                    if let sh = inBlock[input.prevout] ?? spentScripts[input.prevout] { add(sh) }
                }
            }
            let txid = parsed.txids[i]
            for (o, output) in tx.outputs.enumerated() where output.scriptPubKey.first != 0x6a {
                let sh = scriptHash(output.scriptPubKey)
                inBlock[OutPoint(txid: txid, vout: UInt32(o))] = sh
                add(sh)
            }
            for sh in touched { out.append((sh, UInt32(i))) }
        }
        return out
    }

    /// Applies a connected block.
    static func connect<W: KVWriteTransaction>(
        _ w: W, t: Tables, parsed: ParsedBlock, height: UInt64, result: ConnectedBlock, undo: [(OutPoint, Coin)]
    ) throws {
        let bh = parsed.hash
        let block = parsed.block
        // UTXO set and UTXO index: spent coins out.
        for (op, coin) in undo {
            try w.delete(t.coins, Keys.outpoint(op))
            try w.delete(t.outputs, Keys.outpoint(op, prefix: Keys.prefixUTXO))
            try w.delete(t.outputs, Keys.scriptHashEntry(scriptHash(coin.output.scriptPubKey), op))
        }
        // New coins in (block order; the connector already left out unspendable outputs and those
        // spent later in the same block).
        for (i, tx) in block.transactions.enumerated() {
            let txid = parsed.txids[i]
            for (o, out) in tx.outputs.enumerated() {
                let op = OutPoint(txid: txid, vout: UInt32(o))
                guard let coin = result.created[op] else { continue }
                let sh = scriptHash(out.scriptPubKey)
                try w.put(t.coins, Keys.outpoint(op), CoinCodec.encode(coin))
                try w.put(t.outputs, Keys.outpoint(op, prefix: Keys.prefixUTXO), sh.bytes)
                try w.put(t.outputs, Keys.scriptHashEntry(sh, op), valueBytes(out.value))
            }
        }
        try w.put(t.undo, bh.bytes, UndoRecord(spent: undo).encoded())
        // Transactions and spends.
        for (i, tx) in block.transactions.enumerated() {
            let txid = parsed.txids[i]
            let range = parsed.txRanges[i]
            var v: [UInt8] = []
            Keys.be32(range.start, into: &v)
            Keys.be32(range.length, into: &v)
            try w.put(t.transactions, Keys.tx(txid, bh), v)
            if tx.isCoinbase { continue }
            for (n, input) in tx.inputs.enumerated() {
                var s = txid.bytes
                Keys.be32(UInt32(n), into: &s)
                try w.put(t.transactions, Keys.spend(input.prevout, bh), s)
            }
        }
        try w.put(t.transactions, [Keys.prefixBlockIndexed] + bh.bytes, [])
        // Script-hash history.
        for (sh, pos) in historyEntries(parsed, undo: undo) {
            try w.put(t.history, Keys.history(sh, height: height, position: pos), parsed.txids[Int(pos)].bytes)
        }
        // Keystones: only the first canonical occurrence.
        for k in KeystoneScan.scan(block).map(\.keystone) {
            let kh = k.hash
            var v: [UInt8] = []
            Keys.be32(UInt32(truncatingIfNeeded: height), into: &v)
            v += bh.bytes
            v += k.serialized
            if try w.put(t.keystones, kh.bytes, v, mode: .noOverwrite) {
                try w.put(t.keystoneHeights, Keys.keystoneHeight(UInt32(truncatingIfNeeded: height), kh), [])
            }
        }
    }

    /// Reverses ``connect`` for the tip block, given its undo data.
    static func disconnect<W: KVWriteTransaction>(
        _ w: W, t: Tables, parsed: ParsedBlock, height: UInt64, undo: [(OutPoint, Coin)]
    ) throws {
        let bh = parsed.hash
        let block = parsed.block
        for (i, tx) in block.transactions.enumerated().reversed() {
            let txid = parsed.txids[i]
            for (o, out) in tx.outputs.enumerated() where !isUnspendable(out.scriptPubKey) {
                let op = OutPoint(txid: txid, vout: UInt32(o))
                try w.delete(t.coins, Keys.outpoint(op))
                try w.delete(t.outputs, Keys.outpoint(op, prefix: Keys.prefixUTXO))
                try w.delete(t.outputs, Keys.scriptHashEntry(scriptHash(out.scriptPubKey), op))
            }
        }
        for (op, coin) in undo {
            let sh = scriptHash(coin.output.scriptPubKey)
            try w.put(t.coins, Keys.outpoint(op), CoinCodec.encode(coin))
            try w.put(t.outputs, Keys.outpoint(op, prefix: Keys.prefixUTXO), sh.bytes)
            try w.put(t.outputs, Keys.scriptHashEntry(sh, op), valueBytes(coin.output.value))
        }
        try w.delete(t.undo, bh.bytes)
        for (i, tx) in block.transactions.enumerated() {
            try w.delete(t.transactions, Keys.tx(parsed.txids[i], bh))
            if tx.isCoinbase { continue }
            for input in tx.inputs { try w.delete(t.transactions, Keys.spend(input.prevout, bh)) }
        }
        try w.delete(t.transactions, [Keys.prefixBlockIndexed] + bh.bytes)
        for (sh, pos) in historyEntries(parsed, undo: undo) {
            try w.delete(t.history, Keys.history(sh, height: height, position: pos))
        }
        for k in KeystoneScan.scan(block).map(\.keystone) {
            let kh = k.hash
            guard let v = try w.get(t.keystones, kh.bytes), v.count == 4 + 32 + KeystoneAbbrev.size,
                Bytes32(v[4..<36]) == bh
            else { continue }
            try w.delete(t.keystones, kh.bytes)
            try w.delete(t.keystoneHeights, Keys.keystoneHeight(BE.u32(v[0..<4]), kh))
        }
    }
}
