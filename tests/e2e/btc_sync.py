#!/usr/bin/env python3
"""Two `hemi btc node` processes on loopback: A mines 500 regtest blocks carrying real spends, B syncs
from A over P2P, and every index matches (issue 5, done-when "500 blocks with real spends").

1. A (regtest, LMDB) mines 500 blocks with `hemi btc mine 500 --spends`: its deterministic workload
   wallet pays the coinbases to itself and, from block 101 on, fills blocks with signed spends of
   P2PKH, P2WPKH, P2TR key-path and P2TR script-path outputs, OP_RETURN data and PoP keystones.
   Then `hemi btc mine 3 --address ADDR` (Core's generatetoaddress) pays three coinbases to a P2WPKH
   address computed here; A's Electrum server must report 3 × 6.25 BTC for it (regtest halves every
   150 blocks: heights 501–503 earn 50 >> 3 BTC).
2. B (scripts verified: every signature is checked by B itself) syncs from A over P2P.
3. Both stop; `hemi btc digest` of A and B: the tip and every chain-state part (UTXO set, undo data,
   active chain, UTXO/script-hash/tx/spend/keystone indexes, `meta.tip`) are equal.
   Before B starts, python-bitcoinlib parses A's blocks (spent outputs of all four kinds and OP_RETURNs
   must appear) and Bitcoin Core's libbitcoinkernel (py-bitcoinkernel, regtest) must accept them all.
4. C syncs from scratch from A; its digest equals too.
Usage: tests/e2e/btc_sync.py [HEMI] (default $HEMI_BIN or .build/release/hemi). HEMI_KEEP=1 keeps
the data directories. Exit 0 on success.
"""
import hashlib, json, os, socket, sys, tempfile, time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from btcnet import Failures, Node, TempDir, compare_digests, finish, hemi_bin, log, segwit_address, wait_synced  # noqa: E402

BLOCKS = int(os.environ.get("HEMI_BTC_BLOCKS", "500"))
hemi = hemi_bin(sys.argv)
t_start = time.time()
tmp = TempDir("hemi-btc-sync-")
f = Failures()
a, b, c = Node(hemi, tmp.path, "A"), Node(hemi, tmp.path, "B"), Node(hemi, tmp.path, "C")
electrum_port = None


def electrum_call(port, method, params):
    with socket.create_connection(("127.0.0.1", port), timeout=30) as s:
        s.sendall((json.dumps({"jsonrpc": "2.0", "id": 1, "method": method, "params": params}) + "\n").encode())
        data = b""
        while not data.endswith(b"\n"):
            chunk = s.recv(65536)
            if not chunk:
                break
            data += chunk
    return json.loads(data)["result"]


def classify_spends(raws):
    """Kinds of spent outputs and OP_RETURN outputs, by python-bitcoinlib's parse of the raw blocks."""
    from bitcoin.core import CBlock
    outs, kinds = {}, {}
    for raw in raws:
        blk = CBlock.deserialize(raw)
        for tx in blk.vtx:
            txid = tx.GetTxid()
            if not tx.is_coinbase():
                for i, txin in enumerate(tx.vin):
                    spk = outs.pop((txin.prevout.hash, txin.prevout.n))
                    wit = list(tx.wit.vtxinwit[i].scriptWitness.stack) if tx.wit and len(tx.wit.vtxinwit) > i else []
                    if spk[:3] == b"\x76\xa9\x14" and len(txin.scriptSig) > 0:
                        k = "p2pkh"
                    elif spk[:2] == b"\x00\x14" and len(wit) == 2 and len(wit[1]) == 33:
                        k = "p2wpkh"
                    elif spk[:2] == b"\x51\x20" and len(wit) == 1 and len(wit[0]) == 64:
                        k = "p2tr-key-path"
                    elif spk[:2] == b"\x51\x20" and len(wit) == 3 and len(wit[2]) == 33 and wit[2][0] & 0xFE == 0xC0:
                        k = "p2tr-script-path"
                    else:
                        k = "other"
                    kinds[k] = kinds.get(k, 0) + 1
            for n, o in enumerate(tx.vout):
                spk = bytes(o.scriptPubKey)
                if spk[:1] == b"\x6a":
                    kinds["op_return"] = kinds.get("op_return", 0) + 1
                else:
                    outs[(txid, n)] = spk
    return kinds


def kernel_tip(raws):
    """Feeds the blocks to libbitcoinkernel (regtest, in-memory) and returns its tip (display hex)."""
    import pbk
    d = tempfile.mkdtemp(dir=tmp.path)
    ctx = pbk.make_context(pbk.ChainType.REGTEST)
    opts = pbk.ChainstateManagerOptions(ctx, d, os.path.join(d, "blocks"))
    opts.update_block_tree_db_in_memory(True)
    opts.update_chainstate_db_in_memory(True)
    cm = pbk.ChainstateManager(opts)
    for raw in raws:
        cm.process_block(pbk.Block(raw))
    chain = cm.get_active_chain()
    return bytes(chain.block_tree_entries[chain.height].block_hash)[::-1].hex()


try:
    from btcnet import free_port
    electrum_port = free_port()
    a.start(extra=["--electrum", f"127.0.0.1:{electrum_port}"])
    t0 = time.time()
    out = a.mine_cli(BLOCKS, "--spends")
    mine_s = time.time() - t0
    log(f"A: {out} ({mine_s:.1f} s)")
    # generatetoaddress to a P2WPKH address of a key chosen here.
    h160 = hashlib.new("ripemd160", hashlib.sha256(bytes.fromhex("02" + "11" * 32)).digest()).digest()
    addr = segwit_address("bcrt", 0, h160)
    out = a.mine_cli(3, "--address", addr)
    log(f"A: {out} (to {addr})")
    height, tip = a.tip()
    f.check(height == BLOCKS + 3, f"A tip height {height} == {BLOCKS + 3}")
    script = bytes([0, 20]) + h160
    sh = hashlib.sha256(script).digest()[::-1].hex()
    bal = a.wait("electrum balance", lambda: electrum_call(electrum_port, "blockchain.scripthash.get_balance", [sh]), 30)
    expect = 3 * (5_000_000_000 >> ((BLOCKS + 1) // 150))
    f.check(bal["confirmed"] == expect, f"Electrum balance of {addr}: {bal['confirmed']} == {expect} (3 coinbases)")

    # Independent checks of A's chain: python-bitcoinlib parses every block and classifies each spent
    # output; Bitcoin Core's libbitcoinkernel (regtest) validates the chain, scripts included.
    raws = [bytes.fromhex(a.control("getblock", [h])) for h in range(1, height + 1)]
    kinds = classify_spends(raws)
    log("spent outputs by kind (python-bitcoinlib):", kinds)
    for k in ("p2pkh", "p2wpkh", "p2tr-key-path", "p2tr-script-path"):
        f.check(kinds.get(k, 0) > 0, f"the workload spent {k} outputs ({kinds.get(k, 0)})")
    f.check(kinds.get("op_return", 0) > 0, f"blocks carry OP_RETURN outputs ({kinds.get('op_return', 0)})")
    t0 = time.time()
    ktip = kernel_tip(raws)
    f.check(ktip == tip, f"libbitcoinkernel accepts all {height} blocks: its tip {ktip} ({time.time() - t0:.1f} s)")

    b.start(connect=[a])
    sync_s = wait_synced(b, height, tip)
    log(f"B synced {height} blocks from A in {sync_s:.1f} s")
    c.start(connect=[a], listen=False, control=False)
    sync_c = wait_synced(c, height, tip)
    log(f"C synced {height} blocks from A in {sync_c:.1f} s")
    for n in (a, b, c):
        n.stop()
    da, db, dc = a.digest(), b.digest(), c.digest()
    parts = {p["name"]: p for p in da["parts"]}
    log(f"A's store: {parts['transactions:t']['entries']} transactions, {parts['transactions:s']['entries']} spends, "
        f"{parts['coins']['entries']} UTXOs, {parts['keystones']['entries']} keystones")
    spend_blocks = BLOCKS - 100  # coinbases mature after 100 blocks
    f.check(parts["transactions:s"]["entries"] > 3 * spend_blocks and parts["keystones"]["entries"] > spend_blocks // 10,
            f"the workload spent > {3 * spend_blocks} outputs and published > {spend_blocks // 10} keystones")
    compare_digests(f, {"A": da, "B": db, "C": dc}, "A/B/C after sync")
    log(f"times: mine {BLOCKS} blocks {mine_s:.1f} s, B sync {sync_s:.1f} s, C sync {sync_c:.1f} s")
except Exception as e:  # noqa: BLE001 - reported as a failure
    f.check(False, f"scenario raised: {e}")
finish(f, [a, b, c], tmp, t_start)
