#!/usr/bin/env python3
"""Warm ERC-20 `transfer` per call, ours against revm (PyPI `pyrevm`) in one run on the same machine.

The contract is the project's Vyper 0.4.3 ERC-20 (`contracts/ERC20.vy`), read from its committed
artifact `contracts/build/ERC20.json`; without it, `--vy FILE` is compiled here with PyPI `vyper`
(`vyper -f bytecode`). Constructor: ("Bench", "BNC", 18, 10**27), minted to the deployer.

Each side deploys it once from 0xa94f5374fce5edbc8e2a8697c15331677e6ebf0b, then makes N calls
`transfer(0x...beef, 1)` one after another on the same state (the sender's balance slot and the
receiver's slot are warm in the storage sense: written by the previous call; EIP-2929 warmth is per
transaction, so every call pays the cold SLOADs again on both sides). Per-call time, median and min.

- pyrevm: `EVM(spec_id="CANCUN").message_call(sender, token, calldata, gas=100000)` on one EVM
  instance (state carried across calls); the Python-to-Rust call (~1-2 us) is inside the timed region.
- ours: `hemi evm bench-call --initcode @FILE --calldata HEX --repeat N --fork Cancun` — each call a
  signed legacy transaction (gas price 0) whose sender is recovered before the clock starts; timed:
  `TransactionExecutor.apply(validated:...)` (stateful checks, gas purchase, warming, the call, refunds,
  fee payments, finalisation); state and code-analysis cache carried across calls. The timer runs in
  the process (no process start-up in the numbers).

Usage: PYTHONPATH=<dir with pyrevm> erc20_vs_pyrevm.py PATH/TO/release/hemi [--calls N] [--vy FILE]
"""
import argparse
import json
import os
import re
import statistics
import subprocess
import tempfile
import time

from pyrevm import EVM

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))
SENDER = "0xa94f5374fce5edbc8e2a8697c15331677e6ebf0b"
RECEIVER = "0x000000000000000000000000000000000000beef"


def abi_string(s):
    b = s.encode()
    return len(b).to_bytes(32, "big") + b + bytes((32 - len(b) % 32) % 32)


def constructor_args(name, symbol, decimals, supply):
    tail1, tail2 = abi_string(name), abi_string(symbol)
    head = (128).to_bytes(32, "big") + (128 + len(tail1)).to_bytes(32, "big")
    head += decimals.to_bytes(32, "big") + supply.to_bytes(32, "big")
    return head + tail1 + tail2


def load_initcode(vy):
    path = os.path.join(ROOT, "contracts", "build", "ERC20.json")
    if os.path.exists(path):
        return bytes.fromhex(json.load(open(path))["bytecode"][2:]), path
    if vy is None:
        raise SystemExit("no ERC20 artifact: pass --vy FILE (compiled with PyPI vyper)")
    out = subprocess.run(["vyper", "-f", "bytecode", vy], capture_output=True, text=True, check=True).stdout
    return bytes.fromhex(out.strip()[2:]), vy + " (vyper)"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("hemi")
    ap.add_argument("--calls", type=int, default=2000)
    ap.add_argument("--vy")
    a = ap.parse_args()
    code, source = load_initcode(a.vy)
    initcode = code + constructor_args("Bench", "BNC", 18, 10**27)
    calldata = bytes.fromhex("a9059cbb") + int(RECEIVER, 16).to_bytes(32, "big") + (1).to_bytes(32, "big")

    evm = EVM(spec_id="CANCUN")
    evm.set_balance(SENDER, 10**24)
    token = evm.deploy(SENDER, initcode, gas=15_000_000)
    times = []
    for _ in range(a.calls):
        t0 = time.perf_counter()
        out = evm.message_call(SENDER, token, calldata=calldata, gas=100_000)
        times.append(time.perf_counter() - t0)
        assert int.from_bytes(out, "big") == 1, out
    got = evm.message_call(SENDER, token, calldata=bytes.fromhex("70a08231") + int(RECEIVER, 16).to_bytes(32, "big"))
    assert int.from_bytes(got, "big") == a.calls, f"pyrevm state not carried: balanceOf = {got.hex()}"
    p_med, p_min = statistics.median(times) * 1e6, min(times) * 1e6

    with tempfile.NamedTemporaryFile("w", suffix=".hex") as f:
        f.write(initcode.hex())
        f.flush()
        cmd = [a.hemi, "evm", "bench-call", "--initcode", "@" + f.name, "--calldata", calldata.hex(),
               "--repeat", str(a.calls), "--fork", "Cancun", "--gas", "100000"]
        r = subprocess.run(cmd, capture_output=True, text=True)
    m = re.search(r"calls=(\d+) median_us=([0-9.]+) min_us=([0-9.]+) gas=(\d+) status=(\S+)", r.stdout)
    if not m:
        raise SystemExit(f"hemi failed: {r.stdout}{r.stderr}")
    o_med, o_min = float(m.group(2)), float(m.group(3))
    print(f"contract: {source}; {a.calls} warm transfer calls per side")
    print(f"pyrevm: median {p_med:8.2f} us  min {p_min:8.2f} us")
    print(f"ours  : median {o_med:8.2f} us  min {o_min:8.2f} us  (gas {m.group(4)} per tx incl. intrinsic, {m.group(5)})")
    print(f"ratio ours/pyrevm: median {o_med / p_med:.2f}  min {o_min / p_min:.2f}")


if __name__ == "__main__":
    main()
