#!/usr/bin/env python3
"""Bitcoin validation speed, ours against Bitcoin Core's libbitcoinkernel (py-bitcoinkernel), in
one run on the same machine. Reports times and the ratio ours/kernel (below 1.0 = we are faster).

  1. Header-chain validation: mainnet headers 1..32,260 (PoW, links, retargets, MTP).
     Ours: `hemi btc verify-headers --repeat N` (best of N, parsing included).
     Kernel: ChainstateManager.process_block_header for each header (in-memory block tree, fresh
     each repetition, best of N). The kernel number includes one Python->C call per header
     (~1-2 us), stated beside the result.
  2. Script validation: all 732 inputs of mainnet block 277,647 (P2PKH, 385 uncompressed keys).
     Ours: `hemi btc verify-block --prevouts --script-threads T` for T = 1 and T = cores (the time
     it prints covers connect-block: input lookups, amounts, sigops and the script checks).
     Kernel: ScriptPubkey.verify for each input, serially, with P2SH flags (one Python->C call
     per input, ~2 us, against ~50-100 us of ECDSA verification per input).

Usage: vs_kernel.py PATH/TO/release/hemi [--repeat N]
"""
import argparse
import json
import os
import re
import subprocess
import tempfile
import time

import pbk

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.environ.get("HEMI_TESTDATA", os.path.join(HERE, "..", "..", "..", "shared", "testdata"))


def kernel_headers(headers, repeat):
    best = None
    for _ in range(repeat):
        with tempfile.TemporaryDirectory() as d:
            ctx = pbk.make_context(pbk.ChainType.MAINNET)
            opts = pbk.ChainstateManagerOptions(ctx, d, os.path.join(d, "blocks"))
            opts.update_block_tree_db_in_memory(True)
            opts.update_chainstate_db_in_memory(True)
            cm = pbk.ChainstateManager(opts)
            objs = [pbk.BlockHeader(h) for h in headers]
            t0 = time.perf_counter()
            for h in objs:
                st = cm.process_block_header(h)
                if st.validation_mode != pbk.ValidationMode.VALID:
                    raise SystemExit("kernel rejected a real header")
            dt = time.perf_counter() - t0
            del cm
        best = dt if best is None else min(best, dt)
    return best


def kernel_scripts(repeat):
    raw = open(os.path.join(DATA, "bitcoin/blocks/block277647.dat"), "rb").read()[8:]
    prevouts = json.load(open(os.path.join(DATA, "bitcoin/blocks/block277647.prevouts.json")))
    pmap = {(p["txid"], p["vout"]): (p["value"], bytes.fromhex(p["scriptPubKey"])) for p in prevouts}
    block = pbk.Block(raw)
    jobs = []
    for ti, tx in enumerate(block.transactions):
        if ti == 0:
            continue
        spent = [pmap[(str(i.out_point.txid), i.out_point.index)] for i in tx.inputs]
        outs = [pbk.TransactionOutput(pbk.ScriptPubkey(s), v) for v, s in spent]
        pre = pbk.script.PrecomputedTransactionData(tx, outs)
        for ii, (v, s) in enumerate(spent):
            jobs.append((pbk.ScriptPubkey(s), v, tx, pre, ii))
    flags = pbk.ScriptVerificationFlags.P2SH
    best = None
    for _ in range(repeat):
        t0 = time.perf_counter()
        for spk, v, tx, pre, ii in jobs:
            if not spk.verify(v, tx, pre, ii, flags):
                raise SystemExit("kernel rejected a real input")
        dt = time.perf_counter() - t0
        best = dt if best is None else min(best, dt)
    return best, len(jobs)


def ours_headers(hemi, repeat):
    out = subprocess.run([hemi, "btc", "verify-headers", "--network", "mainnet", "--repeat", str(repeat),
                          os.path.join(DATA, "bitcoin/headers/mainnet_1_32260.bin")],
                         capture_output=True, text=True, check=True).stdout
    return float(re.search(r"time: ([0-9.]+) s", out).group(1))


def ours_scripts(hemi, repeat, threads):
    best = None
    for _ in range(repeat):
        out = subprocess.run([hemi, "btc", "verify-block", "--network", "mainnet", "--script-threads", str(threads),
                              "--prevouts",
                              os.path.join(DATA, "bitcoin/blocks/block277647.prevouts.json"),
                              os.path.join(DATA, "bitcoin/blocks/block277647.dat")],
                             capture_output=True, text=True, check=True).stdout
        m = re.search(r"scripts: ok \((\d+) inputs verified in ([0-9.]+) s\)", out)
        dt = float(m.group(2))
        best = dt if best is None else min(best, dt)
    return best


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("hemi")
    ap.add_argument("--repeat", type=int, default=5)
    a = ap.parse_args()
    raw = open(os.path.join(DATA, "bitcoin/headers/mainnet_1_32260.bin"), "rb").read()
    n = int.from_bytes(raw[:4], "little")
    headers = [raw[4 + 80 * i: 84 + 80 * i] for i in range(n)]

    print(f"machine: {os.cpu_count()} cores; best of {a.repeat}; ratio = ours / kernel (lower is better)")
    o = ours_headers(a.hemi, a.repeat)
    k = kernel_headers(headers, a.repeat)
    print(f"headers 1..{n}:   ours {o*1e3:8.1f} ms ({n/o:,.0f}/s)   kernel {k*1e3:8.1f} ms ({n/k:,.0f}/s, "
          f"incl. one Python call per header)   ratio {o/k:.2f}")
    k, jobs = kernel_scripts(a.repeat)
    for threads in (1, os.cpu_count() or 1):
        o = ours_scripts(a.hemi, a.repeat, threads)
        print(f"block 277647 scripts ({jobs} inputs):   ours {o*1e3:8.1f} ms (connect-block, {threads} thread(s))   "
              f"kernel {k*1e3:8.1f} ms (serial, one Python call per input)   ratio {o/k:.2f}")


if __name__ == "__main__":
    main()
