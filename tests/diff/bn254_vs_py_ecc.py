#!/usr/bin/env python3
"""Differential check of the Swift bn254 precompiles (Sources/Curves) against py_ecc.

Two modes (py_ecc is a test-only dependency: `pip install py_ecc`):

  python3 tests/diff/bn254_vs_py_ecc.py vectors
      Prints deterministic (seeded) ECADD / ECMUL / ECPAIRING cases computed with
      py_ecc.optimized_bn128 as Swift array literals. Their output is what is hard-coded in
      Tests/CurvesTests/PrecompileVectorTests.swift (regenerate and paste if the set changes).

  HEMI_BN254_DIFF_OUT=/tmp/bn254.jsonl swift test --filter CurvesTests.DifferentialDumpTests
  python3 tests/diff/bn254_vs_py_ecc.py check /tmp/bn254.jsonl
      The Swift test writes random inputs (valid, invalid, edge cases) and the Swift outputs as JSON
      lines {"op": "add"|"mul"|"pairing", "input": hex, "output": hex|null}; this script recomputes
      each with py_ecc and reports mismatches (exit status 1 if any).

The unit tests never need Python at run time.
"""
import json
import random
import sys

from py_ecc import optimized_bn128 as bn
from py_ecc.fields import optimized_bn128_FQ as FQ, optimized_bn128_FQ2 as FQ2

P = bn.field_modulus
R = bn.curve_order


def w(x):
    return x.to_bytes(32, "big")


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


def dec_g1(b):
    x, y = int.from_bytes(b[0:32], "big"), int.from_bytes(b[32:64], "big")
    if x >= P or y >= P:
        return "bad"
    if x == 0 and y == 0:
        return None
    pt = (FQ(x), FQ(y), FQ(1))
    if not bn.is_on_curve(pt, bn.b):
        return "bad"
    return pt


def dec_g2(b):
    xi, xr, yi, yr = (int.from_bytes(b[i:i + 32], "big") for i in range(0, 128, 32))
    if max(xi, xr, yi, yr) >= P:
        return "bad"
    if xi == xr == yi == yr == 0:
        return None
    pt = (FQ2([xr, xi]), FQ2([yr, yi]), FQ2([1, 0]))
    if not bn.is_on_curve(pt, bn.b2):
        return "bad"
    if not bn.is_inf(bn.multiply(pt, R)):
        return "bad"
    return pt


def padded(b, n):
    return b + bytes(max(0, n - len(b)))


def ref_add(inp):
    b = padded(inp, 128)
    p, q = dec_g1(b[0:64]), dec_g1(b[64:128])
    if p == "bad" or q == "bad":
        return None
    if p is None:
        return enc_g1(q)
    if q is None:
        return enc_g1(p)
    return enc_g1(bn.add(p, q))


def ref_mul(inp):
    b = padded(inp, 96)
    p = dec_g1(b[0:64])
    if p == "bad":
        return None
    s = int.from_bytes(b[64:96], "big")
    if p is None or s % R == 0:
        return bytes(64)
    return enc_g1(bn.multiply(p, s))


def ref_pairing(inp):
    if len(inp) % 192:
        return None
    acc = bn.FQ12.one()
    for i in range(0, len(inp), 192):
        p, q = dec_g1(inp[i:i + 64]), dec_g2(inp[i + 64:i + 192])
        if p == "bad" or q == "bad":
            return None
        if p is None or q is None:
            continue
        acc = acc * bn.pairing(q, p, final_exponentiate=False)
    acc = bn.final_exponentiate(acc)
    return w(1 if acc == bn.FQ12.one() else 0)


def swift_literal(name, cases):
    print(f"    static let {name}: [(input: String, output: String?)] = [")
    for i, o in cases:
        out = '"%s"' % o.hex() if o is not None else "nil"
        print('        ("%s", %s),' % (i.hex(), out))
    print("    ]")


def vectors():
    rng = random.Random(196197)
    g1, g2 = bn.G1, bn.G2
    pts = [bn.multiply(g1, rng.randrange(1, R)) for _ in range(6)]
    adds = []
    for i in range(4):
        a, c = pts[i], pts[i + 1]
        adds.append(enc_g1(a) + enc_g1(c))
    adds.append(enc_g1(pts[0]) + enc_g1(pts[0]))            # doubling
    adds.append(enc_g1(pts[1]) + enc_g1(bn.neg(pts[1])))    # P + (-P)
    adds.append(enc_g1(pts[2]) + bytes(64))                 # P + O
    adds.append(bytes(64) + enc_g1(pts[3]))                 # O + P
    adds.append(enc_g1(pts[4])[:40])                        # short input, right-padded
    adds.append(enc_g1(pts[5]) + enc_g1(g1) + b"\x01" * 16) # trailing bytes ignored
    adds.append(w(1) + w(3) + bytes(64))                    # off curve
    adds.append(w(P + 1) + w(2) + bytes(64))                # x >= p
    adds.append(w(1) + w(2) + w(1) + w(P - 2))              # G + (-G) with y = p - 2
    adds.append(w(1) + w(2 + P) + bytes(64))                # y >= p (same residue as G)
    swift_literal("addVectors", [(x, ref_add(x)) for x in adds])

    muls = []
    for s in [0, 1, 2, R - 1, R, R + 1, 2**256 - 1, rng.getrandbits(256), rng.getrandbits(256), rng.getrandbits(128)]:
        muls.append(enc_g1(pts[len(muls) % 6]) + w(s))
    muls.append(bytes(64) + w(12345))
    muls.append(enc_g1(pts[0]) + w(7)[:10])                 # short scalar, right-padded
    muls.append(w(1) + w(3) + w(5))                         # off curve
    muls.append(w(P) + w(0) + w(1))                         # x = p
    swift_literal("mulVectors", [(x, ref_mul(x)) for x in muls])

    pairs = []
    a, b = rng.randrange(1, R), rng.randrange(1, R)
    pa, qb = bn.multiply(g1, a), bn.multiply(g2, b)
    pab = bn.multiply(g1, a * b % R)
    pairs.append(b"")                                                     # empty: true
    pairs.append(enc_g1(pa) + enc_g2(qb) + enc_g1(bn.neg(pab)) + enc_g2(g2))  # true
    pairs.append(enc_g1(pa) + enc_g2(qb) + enc_g1(pab) + enc_g2(g2))      # false
    pairs.append(enc_g1(g1) + enc_g2(g2))                                 # single, false
    pairs.append(bytes(64) + enc_g2(g2))                                  # infinity G1: true
    pairs.append(enc_g1(g1) + bytes(128))                                 # infinity G2: true
    pairs.append((enc_g1(g1) + enc_g2(g2))[:191])                         # bad length
    bad = bytearray(enc_g1(g1) + enc_g2(g2)); bad[-1] ^= 1
    pairs.append(bytes(bad))                                              # G2 off curve
    swift_literal("pairingVectors", [(x, ref_pairing(x)) for x in pairs])


def check(path):
    bad = 0
    n = 0
    for line in open(path):
        line = line.strip()
        if not line:
            continue
        c = json.loads(line)
        inp = bytes.fromhex(c["input"])
        got = None if c["output"] is None else bytes.fromhex(c["output"])
        ref = {"add": ref_add, "mul": ref_mul, "pairing": ref_pairing}[c["op"]](inp)
        n += 1
        if ref != got:
            bad += 1
            print("MISMATCH", c["op"], c["input"], "swift:", c["output"], "py_ecc:", ref and ref.hex())
    print(f"{n} cases, {bad} mismatches")
    return 1 if bad else 0


if __name__ == "__main__":
    if len(sys.argv) >= 2 and sys.argv[1] == "vectors":
        vectors()
    elif len(sys.argv) >= 3 and sys.argv[1] == "check":
        sys.exit(check(sys.argv[2]))
    else:
        print(__doc__)
        sys.exit(2)
