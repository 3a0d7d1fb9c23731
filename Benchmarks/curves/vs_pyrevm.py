#!/usr/bin/env python3
"""Curve precompile speed, ours against revm's own precompiles (PyPI `pyrevm` 0.3.7), plus the
BLS12-381 rows of vs_ckzg.py (ckzg/blst, arkworks) when --trusted-setup is given: one run, one
table, every ratio.

Like for like: both sides execute the same EVM bytecode, a loop that STATICCALLs the precompile K
times with the call data as input (then returns the last output). The per-call time is the median
of N timed runs divided by K, so the fixed cost around one run (pyrevm: revm's `transact` and the
Python-to-Rust call, a few microseconds; ours: state set-up is outside the clock) is spread over K
calls. The loop itself costs ~0.1 us of EVM work per call on each side.

- pyrevm: `EVM(spec_id="CANCUN").message_call(caller, loop contract, calldata, gas)`, timed with
  `time.perf_counter` around the call, N times on the same EVM (the precompiles keep no state).
- ours: `hemi evm run --code LOOP --input DATA --repeat N --fork Cancun` (timer inside the process,
  around `host.call`, fresh state each run).

Cases: bn254 ECADD (0x06), ECMUL (0x07, a random 254-bit scalar), ECPAIRING with 2 pairs (0x08,
a true check e(aP, Q)·e(−P, aQ) = 1) and KZG point evaluation (0x0a) through revm; with
--trusted-setup also KZG (vs ckzg), the 2-pair BLS12-381 pairing and the 128-point G1 MSM (vs
arkworks) and the maps, measured by vs_ckzg.py on the single-call program. The outputs of both
sides are compared (a mismatch aborts).

Usage: PYTHONPATH=/tmp/pyrevm-pkg vs_pyrevm.py PATH/TO/release/hemi [--repeat N]
           [--trusted-setup PATH/TO/trusted_setup.txt]
"""
import argparse
import hashlib
import os
import random
import statistics
import subprocess
import sys
import time

from pyrevm import EVM, AccountInfo

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

P = 0x30644E72E131A029B85045B68181585D97816A916871CA8D3C208C16D87CFD47
N = 0x30644E72E131A029B85045B68181585D2833E84879B9709143E1F593F0000001
BLS_R = 0x73EDA753299D7D483339D80809A1D80553BDA402FFFE5BFEFFFFFFFF00000001
LOOP_ADDR = "0x000000000000000000000000000000000000c0de"
CALLER = "0x0000000000000000000000000000000000ca11e7"


def loop_program(addr, k):
    """CALLDATACOPY(0, 0, CALLDATASIZE); k times: require(STATICCALL(GAS, addr, 0, CALLDATASIZE,
    0, 0)); RETURNDATACOPY(0, 0, RETURNDATASIZE); RETURN(0, RETURNDATASIZE)."""
    head = bytes([0x36, 0x60, 0, 0x60, 0, 0x37, 0x61]) + k.to_bytes(2, "big")
    loop = len(head)
    body = bytes([0x5B,                                   # JUMPDEST
                  0x60, 0, 0x60, 0, 0x36, 0x60, 0, 0x60, addr, 0x5A, 0xFA,  # STATICCALL
                  0x15, 0x61, 0, 0, 0x57,                 # ISZERO PUSH2 fail JUMPI
                  0x60, 1, 0x90, 0x03,                    # counter - 1
                  0x80, 0x61]) + loop.to_bytes(2, "big") + bytes([0x57])  # DUP1 PUSH2 loop JUMPI
    tail = bytes([0x50, 0x3D, 0x60, 0, 0x60, 0, 0x3E, 0x3D, 0x60, 0, 0xF3])
    fail = len(head) + len(body) + len(tail)
    body = body[:14] + fail.to_bytes(2, "big") + body[16:]
    return head + body + tail + bytes([0x5B, 0x60, 0, 0x80, 0xFD])  # fail: REVERT(0, 0)


def ours(hemi, code, data, repeat):
    p = subprocess.run([hemi, "evm", "run", "--code", code.hex(), "--input", data.hex(), "--gas", "1000000000",
                        "--fork", "Cancun", "--repeat", str(repeat)], capture_output=True, text=True)
    lines = p.stdout.splitlines()
    status = [l for l in lines if l.startswith("status: ")]
    if p.returncode != 0 or not status or status[0] != "status: success":
        sys.exit(f"hemi evm run failed: {p.stdout[:400]} {p.stderr[:400]}")
    fields = dict(kv.split("=") for kv in [l for l in lines if l.startswith("runs=")][0].split())
    output = bytes.fromhex([l for l in lines if l.startswith("output: ")][0][10:])
    return float(fields["median_ms"]), output


def revm(code, data, repeat):
    evm = EVM(spec_id="CANCUN")
    evm.insert_account_info(LOOP_ADDR, AccountInfo(code=code))
    evm.insert_account_info(CALLER, AccountInfo(balance=10**24))
    evm.message_call(CALLER, LOOP_ADDR, calldata=data, gas=1_000_000_000)  # warm-up (revm loads its KZG setup)
    times, out = [], None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = evm.message_call(CALLER, LOOP_ADDR, calldata=data, gas=1_000_000_000)
        times.append((time.perf_counter() - t0) * 1e3)
    return statistics.median(times), bytes(out)


def w(x):
    return x.to_bytes(32, "big")


def bn254_cases(rng, ts_path):
    from py_ecc import optimized_bn128 as bn

    def g1(pt):
        x, y = bn.normalize(pt)
        return w(int(x)) + w(int(y))

    def g2(pt):
        x, y = bn.normalize(pt)
        return w(x.coeffs[1]) + w(x.coeffs[0]) + w(y.coeffs[1]) + w(y.coeffs[0])

    p1 = bn.multiply(bn.G1, rng.randrange(1, N))
    p2 = bn.multiply(bn.G1, rng.randrange(1, N))
    a = rng.randrange(1, N)
    cases = [
        ("bn254 ECADD (0x06)", 0x06, g1(p1) + g1(p2), 1000),
        ("bn254 ECMUL (0x07)", 0x07, g1(p1) + w(rng.randrange(2**253, N)), 200),
        ("bn254 ECPAIRING 2 pairs (0x08)", 0x08,
         g1(bn.multiply(bn.G1, a)) + g2(bn.G2) + g1(bn.neg(bn.G1)) + g2(bn.multiply(bn.G2, a)), 10),
    ]
    if ts_path:
        import ckzg
        ts = ckzg.load_trusted_setup(ts_path, 0)
        blob = b"".join(rng.randrange(BLS_R).to_bytes(32, "big") for _ in range(4096))
        c = ckzg.blob_to_kzg_commitment(blob, ts)
        z = rng.randrange(BLS_R).to_bytes(32, "big")
        proof, y = ckzg.compute_kzg_proof(blob, z, ts)
        cases.append(("KZG point evaluation (0x0a)", 0x0A,
                      b"\x01" + hashlib.sha256(c).digest()[1:] + z + y + c + proof, 10))
    return cases


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("hemi")
    ap.add_argument("--repeat", type=int, default=21, help="timed runs per case and side (median)")
    ap.add_argument("--trusted-setup", default=os.environ.get("KZG_TRUSTED_SETUP"),
                    help="c-kzg-4844 trusted_setup.txt: adds KZG through revm and the vs_ckzg.py rows")
    a = ap.parse_args()
    rng = random.Random(8)
    rows = []
    for name, addr, data, k in bn254_cases(rng, a.trusted_setup):
        code = loop_program(addr, k)
        t_ours, o_ours = ours(a.hemi, code, data, a.repeat)
        t_revm, o_revm = revm(code, data, a.repeat)
        if o_ours != o_revm:
            sys.exit(f"{name}: outputs differ: ours {o_ours.hex()} revm {o_revm.hex()}")
        rows.append((name, t_ours / k, f"revm (pyrevm), {k} calls/run", t_revm / k))
    if a.trusted_setup:
        import vs_ckzg
        sys.argv = [sys.argv[0], a.hemi, "--trusted-setup", a.trusted_setup, "--repeat", str(a.repeat)]
        print("vs_ckzg.py (single-call program, median of runs):")
        vs_ckzg.main()
    print(f"\nbn254 through revm: median of {a.repeat} runs of a K-call loop, per call; ratio = ours / revm "
          "(lower is better)")
    print(f"{'case':32s} {'ours ms':>9s} {'reference':32s} {'ref ms':>9s} {'ratio':>6s}")
    for name, o, rname, r in rows:
        print(f"{name:32s} {o:9.4f} {rname:32s} {r:9.4f} {o / r:6.2f}")


if __name__ == "__main__":
    main()
