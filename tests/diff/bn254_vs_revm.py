#!/usr/bin/env python3
"""Differential test: hemi's bn254 precompiles (EIP-196 ECADD 0x06, ECMUL 0x07, EIP-197 ECPAIRING
0x08) against revm's (PyPI `pyrevm` 0.3.7, an independent Rust implementation) on random inputs.

Both sides execute the *same* EVM batch program (tests/diff/bls_vs_reference.py `assemble`): the
inputs are appended to a program that STATICCALLs each precompile in turn and returns
ok(1) ‖ len(2) ‖ returndata per call. Ours: the release `hemi evm run`; revm: `EVM.message_call`
on the same code. Every call's success flag and output must match. Independent of both, py_ecc
(pure Python) recomputes every ECADD, and every pairing case built to be true (Σ aᵢbᵢ ≡ 0 mod r from
known discrete logs) must return 1.

Valid inputs (default 10,000 per operation at --scale 1): random points from random walks with
known discrete logs, doubling, P + (−P), infinity operands, short (zero-padded) and over-long
inputs; scalars of every size (0, 1, r−1, r, r+1, multiples of r, 2^256−1, random 1–256-bit);
pairings with 1–4 pairs, half of them true, some pairs with an infinity point, the empty input.
Invalid inputs (must fail): coordinates ≥ p (including x + p aliases of valid points), points off
the curve or the twist, G2 points on the twist outside the order-r subgroup, pairing input lengths
that are not a multiple of 192.

    pip install py_ecc
    swift build -c release --product hemi
    PYTHONPATH=/tmp/pyrevm-pkg python3 tests/diff/bn254_vs_revm.py [--scale 1.0]

Set HEMI_BIN to use another hemi binary. Exit status 1 on any mismatch.
"""
import argparse
import os
import pickle
import random
import sys
import time
from collections import Counter

from py_ecc import optimized_bn128 as bn
from py_ecc.fields import optimized_bn128_FQ as FQ, optimized_bn128_FQ2 as FQ2
from pyrevm import EVM, AccountInfo, BlockEnv, Env

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bls_vs_reference as batch  # noqa: E402  (the shared EVM batch program and hemi runner)

P = bn.field_modulus
R = bn.curve_order
rng = random.Random(int(os.environ.get("SEED", "20261121")))


def w(x):
    return (x % 2**256).to_bytes(32, "big")


def enc_g1(pt):
    if pt is None or bn.is_inf(pt):
        return bytes(64)
    x, y = bn.normalize(pt)
    return w(int(x)) + w(int(y))


def enc_g2(pt):
    if pt is None or bn.is_inf(pt):
        return bytes(128)
    x, y = bn.normalize(pt)
    return w(x.coeffs[1]) + w(x.coeffs[0]) + w(y.coeffs[1]) + w(y.coeffs[0])


class Walk:
    """Points with known discrete logs: a pool of multiples of the generator, then sums of two."""

    def __init__(self, gen, pool):
        self.gen = gen
        self.pts = []
        for _ in range(pool):
            k = rng.randrange(1, R)
            self.pts.append((k, bn.multiply(gen, k)))

    def next(self):
        (a, p), (b, q) = rng.sample(self.pts, 2)
        k, pt = (a + b) % R, bn.add(p, q)
        self.pts[rng.randrange(len(self.pts))] = (k, pt)
        return k, pt


def fq2_sqrt(a):
    """A square root in F_p2 (p ≡ 3 mod 4; Adj & Rodríguez-Henríquez, Alg. 9), or None."""
    a1 = a ** ((P - 3) // 4)
    alpha = a1 * a1 * a
    x0 = a1 * a
    if alpha == FQ2([P - 1, 0]):
        x = FQ2([0, 1]) * x0
    else:
        x = (FQ2.one() + alpha) ** ((P - 1) // 2) * x0
    return x if x * x == a else None


def off_subgroup_g2(n):
    """n points on the twist y² = x³ + 3/ξ that are not in the order-r subgroup."""
    out = []
    while len(out) < n:
        x = FQ2([rng.randrange(P), rng.randrange(P)])
        y = fq2_sqrt(x ** 3 + bn.b2)
        if y is None:
            continue
        pt = (x, y, FQ2.one())
        assert bn.is_on_curve(pt, bn.b2)
        if not bn.is_inf(bn.multiply(pt, R)):
            out.append(pt)
    return out


def gen_cases(scale):
    """(op, address, input, expected) with expected True/False for a pairing built to be true or
    false, bytes for an ECADD recomputed by py_ecc, None when only revm decides."""
    n = max(1, int(10_000 * scale))
    t0 = time.time()
    g1 = Walk(bn.G1, 64)
    g2 = Walk(bn.G2, 32)
    print(f"  pools ({time.time() - t0:.1f}s)", flush=True)
    cases = []

    # ECADD.
    for i in range(n):
        k = i % 10
        _, p = g1.next()
        _, q = g1.next()
        if k == 0:
            inp = enc_g1(p) + enc_g1(p)                       # doubling
        elif k == 1:
            inp = enc_g1(p) + enc_g1(bn.neg(p))               # P + (−P) = O
        elif k == 2:
            inp = rng.choice([enc_g1(p) + bytes(64), bytes(64) + enc_g1(p), bytes(128)])
        elif k == 3:
            inp = (enc_g1(p) + enc_g1(q))[:rng.randrange(0, 128)]   # short: zero-padded
        elif k == 4:
            inp = enc_g1(p) + enc_g1(q) + rng.randbytes(rng.randrange(1, 64))  # extra bytes ignored
        else:
            inp = enc_g1(p) + enc_g1(q)
        b = inp + bytes(max(0, 128 - len(inp)))
        pts = []
        for o in (0, 64):
            x, y = int.from_bytes(b[o:o + 32], "big"), int.from_bytes(b[o + 32:o + 64], "big")
            pt = None if x == y == 0 else (FQ(x), FQ(y), FQ(1))
            pts.append("bad" if pt is not None and (x >= P or y >= P or not bn.is_on_curve(pt, bn.b)) else pt)
        if "bad" in pts:
            ref = False                                       # a truncated point is off the curve
        elif pts[0] is None or pts[1] is None:
            ref = enc_g1(pts[1] if pts[0] is None else pts[0])
        else:
            ref = enc_g1(bn.add(pts[0], pts[1]))
        cases.append(("add", 0x06, inp, ref))
    print(f"  add ({time.time() - t0:.1f}s)", flush=True)

    # ECMUL.
    specials = [0, 1, 2, R - 1, R, R + 1, 2 * R, 5 * R + 3, 2**256 - 1, 2**255, P, P - 1]
    for i in range(n):
        _, p = g1.next()
        k = i % 8
        if k == 0:
            s = rng.choice(specials)
        elif k == 1:
            s = rng.getrandbits(rng.randrange(1, 64))
        elif k == 2:
            s = rng.randrange(R)
        else:
            s = rng.getrandbits(rng.choice([128, 200, 253, 254, 255, 256]))
        if i % 50 == 7:
            inp = bytes(64) + w(s)                            # O · s
        elif i % 50 == 8:
            inp = (enc_g1(p) + w(s))[:rng.randrange(64, 96)]  # short scalar, zero-padded
        elif i % 50 == 9:
            inp = enc_g1(p) + w(s) + rng.randbytes(17)        # extra bytes ignored
        else:
            inp = enc_g1(p) + w(s)
        cases.append(("mul", 0x07, inp, None))
    print(f"  mul ({time.time() - t0:.1f}s)", flush=True)

    # ECPAIRING: half built true from discrete logs, half random (false with overwhelming
    # probability, decided by revm).
    for i in range(n):
        k = 1 + i % 4 if i % 5 else 2
        want_true = i % 2 == 0
        logs1, logs2, g1s, g2s = [], [], [], []
        for _ in range(k):
            a, p = g1.next()
            b, q = g2.next()
            logs1.append(a)
            logs2.append(b)
            g1s.append(p)
            g2s.append(q)
        if want_true and (k == 1 or i % 8 == 0):
            # Last G1 point: −(Σ_{j<k} a_j b_j) / b_k · G, so Σ a_j b_j ≡ 0 (one scalar
            # multiplication in Python, so only for some of the cases).
            acc = sum(a * b for a, b in zip(logs1[:-1], logs2[:-1])) % R
            last = (-acc * pow(logs2[-1], -1, R)) % R
            g1s[-1] = bn.multiply(bn.G1, last) if last else None
        elif want_true:
            # Bilinearity without scalar multiplications: the last pair cancels the others
            # through a shared point, e.g. e(P1, Q)·e(P2, Q)·e(−(P1 + P2), Q) = 1.
            if rng.random() < 0.5:
                q = g2s[0]
                g2s = [q] * k
                g1s[-1] = bn.neg(g1s[0]) if k == 2 else bn.neg(bn.add(*g1s[:-1])) if k == 3 else \
                    bn.neg(bn.add(bn.add(g1s[0], g1s[1]), g1s[2]))
            else:
                p = g1s[0]
                g1s = [p] * k
                g2s[-1] = bn.neg(g2s[0]) if k == 2 else bn.neg(bn.add(*g2s[:-1])) if k == 3 else \
                    bn.neg(bn.add(bn.add(g2s[0], g2s[1]), g2s[2]))
            order = list(range(k))
            rng.shuffle(order)
            g1s = [g1s[j] for j in order]
            g2s = [g2s[j] for j in order]
        data = b""
        for p, q in zip(g1s, g2s):
            data += enc_g1(p) + enc_g2(q)
        if i % 23 == 5:
            # An extra pair with an infinity point contributes 1.
            _, p = g1.next()
            _, q = g2.next()
            data += rng.choice([bytes(64) + enc_g2(q), enc_g1(p) + bytes(128)])
        cases.append(("pairing", 0x08, data, want_true or None))
    cases.append(("pairing", 0x08, b"", True))
    print(f"  pairing ({time.time() - t0:.1f}s)", flush=True)

    # Invalid inputs: each op gets ~10% of n.
    m = max(1, n // 10)
    offs = off_subgroup_g2(8)
    for i in range(m):
        _, p = g1.next()
        _, q = g1.next()
        ep, eq = bytearray(enc_g1(p)), enc_g1(q)
        kind = i % 4
        if kind == 0:                                         # x + p alias
            ep[0:32] = w(int.from_bytes(ep[0:32], "big") + P)
        elif kind == 1:                                       # y ≥ p
            ep[32:64] = w(P + rng.randrange(2**256 - P))
        elif kind == 2:                                       # off curve: y + 1
            ep[32:64] = w((int.from_bytes(ep[32:64], "big") + 1) % P)
        else:                                                 # off curve: (0, y ≠ 0) or (x, 0)
            ep = bytearray(rng.choice([bytes(32) + w(rng.randrange(1, P)), ep[0:32] + bytes(32)]))
        bad = bytes(ep)
        cases.append(("add-invalid", 0x06, rng.choice([bad + eq, eq + bad]), False))
        cases.append(("mul-invalid", 0x07, bad + w(rng.getrandbits(256)), False))
        # Pairing: a bad G1, a bad G2 (coordinate ≥ p, off the twist, outside the subgroup), or a
        # bad length.
        _, q2 = g2.next()
        good = enc_g1(p) + enc_g2(q2)
        kind2 = i % 6
        if kind2 == 0:
            inp = bad + enc_g2(q2)
        elif kind2 == 1:
            e = bytearray(enc_g2(q2))
            j = rng.randrange(4) * 32
            e[j:j + 32] = w(int.from_bytes(e[j:j + 32], "big") + P)
            inp = enc_g1(p) + bytes(e)
        elif kind2 == 2:
            e = bytearray(enc_g2(q2))
            e[96:128] = w((int.from_bytes(e[96:128], "big") + 1) % P)
            inp = enc_g1(p) + bytes(e)
        elif kind2 == 3:
            off = bn.add(rng.choice(offs), q2)                # still outside the subgroup
            inp = enc_g1(p) + enc_g2(off)
        elif kind2 == 4:
            inp = (good * 2)[:rng.choice([1, 63, 191, 193, 200, 383])]
        else:
            inp = good + bytes(rng.choice([32, 64, 128]))
        if kind2 < 4 and rng.random() < 0.5:
            inp = good + inp                                  # the bad pair second
        cases.append(("pairing-invalid", 0x08, inp, False))
    print(f"  invalid ({time.time() - t0:.1f}s)", flush=True)
    return cases


def run_revm(cases):
    """The same batch program on revm; returns [(ok, output)]."""
    code, _ = batch.assemble()
    evm = EVM(env=Env(block=BlockEnv(gas_limit=2**62)), gas_limit=2**62, spec_id="CANCUN")
    caller = "0x0000000000000000000000000000000000ca11e7"
    target = "0x000000000000000000000000000000000000c0de"
    evm.insert_account_info(caller, AccountInfo(balance=10**30))
    results = []
    chunk = 4000
    for i in range(0, len(cases), chunk):
        part = cases[i:i + chunk]
        blob = code + b"".join(bytes([a]) + len(x).to_bytes(3, "big") + x for a, x in part)
        evm.insert_account_info(target, AccountInfo(code=blob))
        out = bytes(evm.message_call(caller, target, calldata=b"", gas=2**61))
        j = 0
        for _ in part:
            ok, n = out[j], int.from_bytes(out[j + 1:j + 3], "big")
            results.append((ok == 1, out[j + 3:j + 3 + n]))
            j += 3 + n
    return results


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--scale", type=float, default=1.0, help="1.0 = 10,000 valid inputs per operation")
    ap.add_argument("--cache", help="pickle file: reuse the cases and revm's results from an earlier run "
                    "with the same scale and SEED (written if missing)")
    ap.add_argument("--reference-only", action="store_true", help="generate the cases and revm's results "
                    "(into --cache) and stop")
    args = ap.parse_args()
    if not args.reference_only and not os.path.exists(batch.HEMI):
        sys.exit(f"missing {batch.HEMI}: swift build -c release --product hemi (or set HEMI_BIN)")
    if args.cache and os.path.exists(args.cache):
        with open(args.cache, "rb") as f:
            scale, cases, ref = pickle.load(f)
        if scale != args.scale:
            sys.exit(f"{args.cache} holds scale {scale}, not {args.scale}")
        print(f"loaded {len(cases)} cases and revm's results from {args.cache}")
    else:
        print("generating cases", flush=True)
        cases = gen_cases(args.scale)
        t0 = time.time()
        ref = run_revm([(a, x) for _, a, x, _ in cases])
        print(f"revm: {len(cases)} calls in {time.time() - t0:.1f}s")
        if args.cache:
            with open(args.cache, "wb") as f:
                pickle.dump((args.scale, cases, ref), f)
    if args.reference_only:
        return
    t0 = time.time()
    ours = batch.run_ours([(a, x) for _, a, x, _ in cases])
    print(f"hemi: {len(cases)} calls in {time.time() - t0:.1f}s")
    total, fails, trues = Counter(), Counter(), Counter()
    shown = 0
    for (name, _, inp, exp), (ok, out), (rok, rout) in zip(cases, ours, ref):
        total[name] += 1
        good = ok == rok and (out == rout if ok else True)
        if exp is False:
            good = good and not ok
        elif exp is True:
            good = good and ok and out == w(1)
        elif isinstance(exp, bytes):
            good = good and ok and out == exp
        if ok and name == "pairing" and out == w(1):
            trues[name] += 1
        if not good:
            fails[name] += 1
            if shown < 10:
                shown += 1
                print(f"MISMATCH {name}: input {inp.hex()[:128]}… ours ok={ok} {out.hex()[:64]} "
                      f"revm ok={rok} {rout.hex()[:64]} expected={exp if not isinstance(exp, bytes) else exp.hex()}")
    for name in sorted(total):
        extra = f" ({trues[name]} true)" if name in trues else ""
        print(f"  {name:18s} {total[name]:6d} cases{extra}, {fails[name]} mismatches")
    nfail = sum(fails.values())
    print(f"TOTAL {sum(total.values())} cases, {nfail} mismatches (hemi vs revm; py_ecc for ECADD; "
          "constructed-true pairings)")
    sys.exit(1 if nfail else 0)


if __name__ == "__main__":
    main()
