#!/usr/bin/env python3
"""Two `hemi btc node` processes mine competing branches while apart, reconnect and converge on the
most work; every index then equals a fresh node's on that chain (issue 5, done-when "reorg").

1. A mines 110 blocks with workload spends (`hemi btc mine 110 --spends`); B syncs them over P2P.
2. Both restart without --connect. A mines 10 blocks with spends (coinbases to ADDR_A), B mines 12
   (to ADDR_B): competing branches of depth 10 and 12 from height 110, both spending the same wallet
   coins differently.
3. A restarts with --connect B: it must reorganise (depth 10) to B's tip at 122; B keeps its tip.
   (First, hostile control-channel requests must get JSON-RPC errors: malformed, unknown method,
   bad params, over-long line.)
4. Both stop; a fresh node C syncs from B. The chain-state digests (UTXO set, undo, active chain, every
   index, meta.tip) of A, B and C are equal; A's header tree and block store still hold its own branch.
Usage: tests/e2e/btc_reorg.py [HEMI]. HEMI_KEEP=1 keeps the data directories. Exit 0 on success.
"""
import os, sys, time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from btcnet import Failures, Node, TempDir, compare_digests, finish, hemi_bin, log, segwit_address, wait_synced  # noqa: E402

BASE, BRANCH_A, BRANCH_B = 110, 10, 12
hemi = hemi_bin(sys.argv)
t_start = time.time()
tmp = TempDir("hemi-btc-reorg-")
f = Failures()
a, b, c = Node(hemi, tmp.path, "A"), Node(hemi, tmp.path, "B"), Node(hemi, tmp.path, "C")
addr_a = segwit_address("bcrt", 0, bytes([0xaa] * 20))
addr_b = segwit_address("bcrt", 0, bytes([0xbb] * 20))

try:
    a.start()
    # The control channel answers hostile requests with JSON-RPC errors and keeps serving.
    for data, code in ((b"{not json\n", -32700), (b'{"id":1,"method":"nope"}\n', -32601), (b"[1,2]\n", -32600),
                       (b'{"id":1,"method":"generate","params":{"blocks":-5}}\n', -32602),
                       (b'{"id":1,"method":"generatetoaddress","params":[1,"bc1qnotregtest"]}\n', -32602),
                       (b'{"id":1,"method":"getblock","params":[99]}\n', -5),
                       (b'{"id":1,"method":"sendwallettx","params":{}}\n', -6), (b"x" * 200_000, -32600)):
        r = a.control_raw(data)
        # An over-long request may also be cut off by a reset (the node stops reading after 64 KiB).
        ok = (r is not None and r.get("error", {}).get("code") == code) or (r is None and len(data) > 65536)
        f.check(ok, f"control {data[:40]!r}… → error {code} ({r})")
    f.check(a.tip()[0] == 0, "the node still serves after hostile control requests")
    log("A:", a.mine_cli(BASE, "--spends"))
    base_height, base_tip = a.tip()
    b.start(connect=[a])
    wait_synced(b, base_height, base_tip)
    log(f"B synced the common prefix {base_height} {base_tip}")
    a.stop()
    b.stop()

    # Apart: no --connect on either side.
    a.start()
    b.start()
    log("A:", a.mine_cli(BRANCH_A, "--spends", "--address", addr_a))
    log("B:", b.mine_cli(BRANCH_B, "--spends", "--address", addr_b))
    ha, tip_a = a.tip()
    hb, tip_b = b.tip()
    f.check(ha == BASE + BRANCH_A and hb == BASE + BRANCH_B and tip_a != tip_b,
            f"competing branches: A {ha} {tip_a[:16]}…, B {hb} {tip_b[:16]}…")
    da_before = a.digest()

    # Reconnect: A dials B.
    a.stop()
    t0 = time.time()
    a.start(connect=[b])
    reorg_s = wait_synced(a, hb, tip_b)
    log(f"A reorganised to B's tip {hb} {tip_b} in {time.time() - t0:.1f} s (depth {BRANCH_A})")
    f.check(b.tip() == (hb, tip_b), "B kept its tip")
    a.stop()
    b.stop()
    c.start(connect=[b], listen=False, control=False)
    b.start()
    wait_synced(c, hb, tip_b)
    c.stop()
    b.stop()
    da, db, dc = a.digest(), b.digest(), c.digest()
    compare_digests(f, {"A": da, "B": db, "C": dc}, "after the reorg")
    blocks = {n: next(p for p in d["parts"] if p["name"] == "blocks")["entries"] for n, d in (("A", da), ("C", dc))}
    f.check(blocks["A"] == blocks["C"] + BRANCH_A, f"A still stores its {BRANCH_A} abandoned blocks ({blocks})")
    changed = [p["name"] for p, q in zip(da_before["parts"], da["parts"]) if p["chain_state"] and p["sha256"] != q["sha256"]]
    f.check("coins" in changed and "transactions:s" in changed, f"A's chain state changed in the reorg: {changed}")
except Exception as e:  # noqa: BLE001 - reported as a failure
    f.check(False, f"scenario raised: {e}")
finish(f, [a, b, c], tmp, t_start)
