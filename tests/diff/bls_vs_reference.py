#!/usr/bin/env python3
"""Differential test: hemi's BLS12-381 precompiles (EIP-2537 0x0b-0x11) and KZG point evaluation
(EIP-4844 0x0a) against independent implementations on random inputs.

References: py-arkworks-bls12381 (arkworks, Rust) for every EIP-2537 operation, py_ecc (pure Python)
for a subset of the map-to-curve cases, ckzg (c-kzg-4844 / blst) for KZG. Invalid inputs (bad
length, top 16 bytes non-zero, value >= p, off-curve, outside the subgroup for MSM/pairing) must be
rejected. Optionally replays go-ethereum's precompile vectors (--geth-dir, outputs and gas).

Our side runs through the release `hemi evm run` binary: the inputs are appended to a small EVM
program that STATICCALLs each precompile in turn (with 100M gas each) and returns
ok(1) ‖ len(2) ‖ returndata for every call — thousands of calls per process.

    pip install py-arkworks-bls12381==0.5.0 ckzg==2.1.8 py_ecc
    swift build -c release --product hemi
    python3 tests/diff/bls_vs_reference.py [--scale 1.0] [--trusted-setup PATH] [--geth-dir DIR]

--trusted-setup is c-kzg-4844's src/trusted_setup.txt (needed for the KZG part, skipped otherwise).
"""
import argparse
import hashlib
import os
import random
import subprocess
import sys
import tempfile
import time

import py_arkworks_bls12381 as ark

P = 0x1A0111EA397FE69A4B1BA7B6434BACD764774B84F38512BF6730D2A0F6B0F6241EABFFFEB153FFFFB9FEFFFFFFFFAAAB
R = 0x73EDA753299D7D483339D80809A1D80553BDA402FFFE5BFEFFFFFFFF00000001
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
HEMI = os.environ.get("HEMI_BIN", os.path.join(ROOT, ".build", "release", "hemi"))

rng = random.Random(int(os.environ.get("SEED", "20261121")))


# ---------------------------------------------------------------- our side: batched EVM calls

def assemble():
    """The batch program; returns (code, data_start)."""
    OUT, SCRATCH = 0x1000000, 0xF00000  # inputs go to memory [0, len), len < 0xF00000
    ops = []  # (kind, value)

    def op(*b):
        ops.append(("raw", bytes(b)))

    def push(v, n):
        ops.append(("raw", bytes([0x5F + n]) + v.to_bytes(n, "big")))

    def label(name):
        ops.append(("label", name))

    def pushlabel(name):
        ops.append(("ref", name))

    push(0, 2)  # ptr placeholder is patched below (data start)
    ptr_patch = len(ops) - 1
    push(OUT, 4)
    label("loop"); op(0x5B)
    op(0x81, 0x38, 0x11); pushlabel("body"); op(0x57)        # DUP2 CODESIZE GT ; JUMPI body
    push(OUT, 4); op(0x81, 0x03); push(OUT, 4); op(0xF3)     # RETURN(OUT, out-OUT)
    label("body"); op(0x5B)
    push(4, 1); op(0x82); push(SCRATCH, 4); op(0x39)         # CODECOPY(SCRATCH, ptr, 4)
    push(SCRATCH, 4); op(0x51); push(224, 1); op(0x1C)       # hdr
    op(0x80); push(0xFFFFFF, 3); op(0x16); op(0x90); push(24, 1); op(0x1C)  # [ptr,out,len,addr]
    op(0x81, 0x84); push(4, 1); op(0x01); push(0, 1); op(0x39)  # CODECOPY(0, ptr+4, len)
    push(0, 1); push(0, 1); op(0x83); push(0, 1); op(0x84); push(100_000_000, 4); op(0xFA)  # STATICCALL
    op(0x83, 0x53)                                            # MSTORE8(out, ok)
    op(0x3D); push(8, 1); op(0x1C); op(0x83); push(1, 1); op(0x01, 0x53)
    op(0x3D); push(0xFF, 1); op(0x16); op(0x83); push(2, 1); op(0x01, 0x53)
    op(0x3D); push(0, 1); op(0x84); push(3, 1); op(0x01, 0x3E)  # RETURNDATACOPY(out+3, 0, rs)
    op(0x50); push(4, 1); op(0x01); op(0x90); op(0x3D, 0x01); push(3, 1); op(0x01)
    op(0x91, 0x01, 0x90)
    pushlabel("loop"); op(0x56)
    # two passes for labels (refs are PUSH2)
    addr, pos = {}, 0
    for k, v in ops:
        if k == "label":
            addr[v] = pos
        else:
            pos += 3 if k == "ref" else len(v)
    code = b""
    for k, v in ops:
        if k == "raw":
            code += v
        elif k == "ref":
            code += bytes([0x61]) + addr[v].to_bytes(2, "big")
    start = len(code)
    code = bytes([0x61]) + start.to_bytes(2, "big") + code[3:]
    return code, start


def run_ours(cases):
    """cases: list of (address, input bytes). Returns list of (ok, output bytes)."""
    code, _ = assemble()
    results = []
    chunk = 4000
    for i in range(0, len(cases), chunk):
        part = cases[i:i + chunk]
        blob = code + b"".join(bytes([a]) + len(x).to_bytes(3, "big") + x for a, x in part)
        with tempfile.NamedTemporaryFile("w", suffix=".hex", delete=False) as f:
            f.write(blob.hex())
            path = f.name
        try:
            p = subprocess.run([HEMI, "evm", "run", "--code", "@" + path, "--gas", str(9 * 10**18)],
                               capture_output=True, text=True)
        finally:
            os.unlink(path)
        lines = dict(l.split(": ", 1) for l in p.stdout.splitlines() if ": " in l)
        if p.returncode != 0 or lines.get("status") != "success":
            sys.exit(f"hemi evm run failed: {p.stdout[:500]} {p.stderr[:500]}")
        out = bytes.fromhex(lines["output"][2:])
        j = 0
        for _ in part:
            ok, n = out[j], int.from_bytes(out[j + 1:j + 3], "big")
            results.append((ok == 1, out[j + 3:j + 3 + n]))
            j += 3 + n
    return results


# ---------------------------------------------------------------- encodings

def fp(v):
    return v.to_bytes(64, "big")


def g1_enc(pt):
    b = pt.to_xy_bytes_be()
    return bytes(16) + b[:48] + bytes(16) + b[48:]


def g2_enc(pt):
    b = pt.to_xy_bytes_be()
    return b"".join(bytes(16) + b[i:i + 48] for i in range(0, 192, 48))


def rand_scalar_mod_r():
    return ark.Scalar.from_le_bytes_mod_order(rng.randbytes(32))


def rand_g1():
    return ark.G1Point() * rand_scalar_mod_r()


def rand_g2():
    return ark.G2Point() * rand_scalar_mod_r()


def sqrt_fp(a):
    s = pow(a, (P + 1) // 4, P)
    return s if s * s % P == a else None


def g1_off_subgroup():
    """A point of E(F_p) outside G1 (random x)."""
    while True:
        x = rng.randrange(P)
        y = sqrt_fp((x ** 3 + 4) % P)
        if y is not None:
            return fp(x) + fp(y)


class Fp2:
    def __init__(s, a, b):
        s.a, s.b = a % P, b % P

    def __add__(s, o):
        return Fp2(s.a + o.a, s.b + o.b)

    def __mul__(s, o):
        return Fp2(s.a * o.a - s.b * o.b, s.a * o.b + s.b * o.a)

    def pow(s, e):
        r, b = Fp2(1, 0), s
        while e:
            if e & 1:
                r = r * b
            b, e = b * b, e >> 1
        return r

    def __eq__(s, o):
        return s.a == o.a and s.b == o.b


def g2_off_subgroup():
    """A point of the twist outside G2 (random x)."""
    while True:
        x = Fp2(rng.randrange(P), rng.randrange(P))
        rhs = x * x * x + Fp2(4, 4)
        cand = rhs.pow((P * P + 7) // 16)  # p^2 = 9 mod 16: y = cand * (an 8th root of unity)
        found = None
        for eta in _eighth_roots():
            y = cand * eta
            if y * y == rhs:
                found = y
                break
        if found is not None:
            return b"".join(fp(v) for v in (x.a, x.b, found.a, found.b))


_ER = None


def _eighth_roots():
    global _ER
    if _ER is None:
        # a primitive 8th root of unity in F_p2: (1+u)^((p^2-1)/8) generates; take its powers.
        g = None
        for t in range(2, 50):
            c = Fp2(t, 1).pow((P * P - 1) // 8)
            if not (c.pow(4) == Fp2(1, 0)):
                g = c
                break
        _ER = [g.pow(i) for i in range(8)]
    return _ER


# ---------------------------------------------------------------- case generation

def gen_cases(scale, ts_path, only=None):
    """Yields (op name, address, input, expected) with expected = bytes (success) or None (error).
    `only`: a tuple of case-name prefixes; the other groups are not generated."""
    def n(k, name=None):
        if only is not None and name is not None and name != "invalid" and not name.startswith(only):
            return 0
        return max(1, int(k * scale))
    cases = []
    t0 = time.time()
    base1 = [rand_g1() for _ in range(64)]
    base2 = [rand_g2() for _ in range(64)]
    step1, step2 = rand_g1(), rand_g2()

    def pts1(count):
        cur = rand_g1()
        for i in range(count):
            cur = cur + (step1 if i % 7 else base1[i % 64])
            yield cur

    def pts2(count):
        cur = rand_g2()
        for i in range(count):
            cur = cur + (step2 if i % 7 else base2[i % 64])
            yield cur

    inf1, inf2 = bytes(128), bytes(256)
    # G1ADD: mostly subgroup points, some off-subgroup (no subgroup check in ADD), doubling,
    # inverse, infinity.
    for i, a in enumerate(pts1(n(10_000, "g1add"))):
        b = base1[rng.randrange(64)]
        kind = i % 20
        if kind == 0:
            inp, exp = g1_enc(a) + g1_enc(a), g1_enc(a + a)
        elif kind == 1:
            inp, exp = g1_enc(a) + g1_enc(-a), inf1
        elif kind == 2:
            inp, exp = inf1 + g1_enc(a), g1_enc(a)
        elif kind in (3, 4):
            x = g1_off_subgroup()
            q = ark.G1Point.from_xy_bytes_unchecked_be(x[16:64] + x[80:128])
            inp, exp = x + g1_enc(b), g1_enc(q + b)
        else:
            inp, exp = g1_enc(a) + g1_enc(b), g1_enc(a + b)
        cases.append(("g1add", 0x0B, inp, exp))
    for i, a in enumerate(pts2(n(10_000, "g2add"))):
        b = base2[rng.randrange(64)]
        kind = i % 20
        if kind == 0:
            inp, exp = g2_enc(a) + g2_enc(a), g2_enc(a + a)
        elif kind == 1:
            inp, exp = g2_enc(a) + g2_enc(-a), inf2
        elif kind == 2:
            inp, exp = g2_enc(a) + inf2, g2_enc(a)
        elif kind == 3:
            x = g2_off_subgroup()
            q = ark.G2Point.from_xy_bytes_unchecked_be(b"".join(x[i + 16:i + 64] for i in range(0, 256, 64)))
            inp, exp = x + g2_enc(b), g2_enc(q + b)
        else:
            inp, exp = g2_enc(a) + g2_enc(b), g2_enc(a + b)
        cases.append(("g2add", 0x0D, inp, exp))
    print(f"  adds generated ({time.time() - t0:.1f}s)", flush=True)
    # MSM with k = 1 (the old MUL), full 256-bit scalars (not reduced, EIP-2537).
    for a in pts1(n(10_000, "g1mul")):
        s = rng.getrandbits(256) if rng.random() < 0.9 else rng.choice([0, 1, R, R - 1, R + 1, 2**256 - 1])
        cases.append(("g1mul", 0x0C, g1_enc(a) + s.to_bytes(32, "big"),
                      g1_enc(a * ark.Scalar.from_le_bytes_mod_order(s.to_bytes(32, "little")))))
    for a in pts2(n(10_000, "g2mul")):
        s = rng.getrandbits(256) if rng.random() < 0.9 else rng.choice([0, 1, R, R - 1, R + 1, 2**256 - 1])
        cases.append(("g2mul", 0x0E, g2_enc(a) + s.to_bytes(32, "big"),
                      g2_enc(a * ark.Scalar.from_le_bytes_mod_order(s.to_bytes(32, "little")))))
    print(f"  muls generated ({time.time() - t0:.1f}s)", flush=True)
    for name, addr, pts, enc, ident in (("g1msm", 0x0C, pts1, g1_enc, ark.G1Point.identity()),
                                         ("g2msm", 0x0E, pts2, g2_enc, ark.G2Point.identity())):
        for i in range(n(10_000, name)):
            k = rng.choice([2, 2, 3, 4, 5, 8, 16, 31]) if i % 40 else rng.choice([64, 128])
            ps = list(pts(k))
            ss = [rng.getrandbits(256) for _ in range(k)]
            if i % 5 == 0:
                ss[0] = 0
            acc = ident
            for p_, s in zip(ps, ss):
                acc = acc + p_ * ark.Scalar.from_le_bytes_mod_order(s.to_bytes(32, "little"))
            inp = b"".join(enc(p_) + s.to_bytes(32, "big") for p_, s in zip(ps, ss))
            cases.append((name, addr, inp, enc(acc)))
    print(f"  msms generated ({time.time() - t0:.1f}s)", flush=True)
    # Maps.
    for _ in range(n(10_000, "mapg1")):
        u = rng.randrange(P)
        cases.append(("mapg1", 0x10, fp(u), g1_enc(ark.G1Point.map_from_fp_be(u.to_bytes(48, "big")))))
    for _ in range(n(10_000, "mapg2")):
        u0, u1 = rng.randrange(P), rng.randrange(P)
        cases.append(("mapg2", 0x11, fp(u0) + fp(u1),
                      g2_enc(ark.G2Point.map_from_fp2_be(u0.to_bytes(48, "big") + u1.to_bytes(48, "big")))))
    print(f"  maps generated ({time.time() - t0:.1f}s)", flush=True)
    # Pairing checks: half satisfied (e(aP, bQ)·e(−abP, Q)…), half random.
    for i in range(n(10_000, "pairing")):
        k = rng.choice([1, 2, 2, 3, 4])
        g1s = [rand_g1() for _ in range(k)]
        g2s = [rand_g2() for _ in range(k)]
        if i % 2 == 0 and k >= 2:
            a, b = rand_scalar_mod_r(), rand_scalar_mod_r()
            g1s[0], g2s[0] = ark.G1Point() * a, ark.G2Point() * b
            g1s[1], g2s[1] = -(ark.G1Point() * (a * b)), ark.G2Point()
            if k > 2:
                g1s[2] = ark.G1Point.identity()
        ok = ark.GT.pairing_check(g1s, g2s)
        inp = b"".join(g1_enc(a) + g2_enc(b) for a, b in zip(g1s, g2s))
        cases.append(("pairing", 0x0F, inp, bytes(31) + bytes([1 if ok else 0])))
    print(f"  pairings generated ({time.time() - t0:.1f}s)", flush=True)
    # Invalid inputs (expected None = error, all gas).
    g1, g2 = g1_enc(ark.G1Point()), g2_enc(ark.G2Point())
    sc = (5).to_bytes(32, "big")
    for i in range(n(2_000, "invalid")):
        x = rng.randrange(P)
        big = rng.randrange(P, 2**384)
        top = bytearray(fp(x))
        top[rng.randrange(16)] = rng.randrange(1, 256)
        top = bytes(top)
        off1 = fp(x) + fp(rng.randrange(P))  # off-curve with overwhelming probability
        off2 = fp(x) + fp(1) + fp(2) + fp(3)
        nsg1, nsg2 = g1_off_subgroup(), None
        variants = [
            ("g1add", 0x0B, fp(big) + g1[64:] + g1), ("g1add", 0x0B, top + g1[64:] + g1),
            ("g1add", 0x0B, off1 + g1), ("g1add", 0x0B, g1 + g1[:rng.randrange(128)]),
            ("g2add", 0x0D, g2 + g2[:192] + fp(big)), ("g2add", 0x0D, g2 + off2),
            ("g2add", 0x0D, g2 + g2 + bytes(rng.randrange(1, 64))),
            ("g1msm", 0x0C, nsg1 + sc), ("g1msm", 0x0C, g1 + sc + nsg1 + bytes(32)),
            ("g1msm", 0x0C, off1 + sc), ("g1msm", 0x0C, (g1 + sc)[:rng.randrange(1, 160)]),
            ("g1msm", 0x0C, b""), ("g2msm", 0x0E, off2 + sc), ("g2msm", 0x0E, b""),
            ("pairing", 0x0F, nsg1 + g2), ("pairing", 0x0F, g1 + off2), ("pairing", 0x0F, b""),
            ("pairing", 0x0F, (g1 + g2)[:383]), ("pairing", 0x0F, top + g1[64:] + g2),
            ("mapg1", 0x10, fp(big)), ("mapg1", 0x10, top), ("mapg1", 0x10, fp(x)[:63]),
            ("mapg2", 0x11, fp(x) + fp(big)), ("mapg2", 0x11, top + fp(x)), ("mapg2", 0x11, fp(x) + fp(x) + b"\0"),
        ]
        if i % 10 == 0:
            nsg2 = g2_off_subgroup()
            variants += [("g2msm", 0x0E, nsg2 + sc), ("pairing", 0x0F, g1 + nsg2)]
        for name, addr, inp in variants:
            cases.append((name + "-invalid", addr, inp, None))
    print(f"  invalid inputs generated ({time.time() - t0:.1f}s)", flush=True)
    # KZG point evaluation against ckzg.
    if ts_path:
        import ckzg
        ts = ckzg.load_trusted_setup(ts_path, 0)
        # Valid openings: ckzg proofs of two random blobs f, g at a point z (one z per 50 cases),
        # then the linear combinations a·f + b·g (commitment aC_f + bC_g, value a·y_f + b·y_g, proof
        # aπ_f + bπ_g; KZG is linear), so 10,000 distinct openings cost 400 proofs. Each is checked
        # with ckzg.verify_kzg_proof below, which decides the expected output.
        base = None
        for i in range(n(10_000, "kzg")):
            if i % 50 == 0:
                blobs = [b"".join((rng.randrange(R)).to_bytes(32, "big") for _ in range(4096)) for _ in range(2)]
                zb = rng.randrange(R).to_bytes(32, "big")
                base = []
                for blob in blobs:
                    cb = ckzg.blob_to_kzg_commitment(blob, ts)
                    pb, yb = ckzg.compute_kzg_proof(blob, zb, ts)
                    base.append((ark.G1Point.from_compressed_bytes(cb), int.from_bytes(yb, "big"),
                                 ark.G1Point.from_compressed_bytes(pb)))
            if i % 50 < 2:
                cp, yv, pp = base[i % 50]
            else:
                a_, b_ = rng.randrange(1, R), rng.randrange(R)
                sa, sb = (ark.Scalar.from_le_bytes_mod_order(v.to_bytes(32, "little")) for v in (a_, b_))
                cp = base[0][0] * sa + base[1][0] * sb
                yv = (a_ * base[0][1] + b_ * base[1][1]) % R
                pp = base[0][2] * sa + base[1][2] * sb
            c, z, y, proof = bytes(cp.to_compressed_bytes()), zb, yv.to_bytes(32, "big"), bytes(pp.to_compressed_bytes())
            vh = b"\x01" + hashlib.sha256(c).digest()[1:]
            variants = [(z, y, proof, ckzg.verify_kzg_proof(c, z, y, proof, ts))]
            if i % 5 == 0:
                y2 = ((int.from_bytes(y, "big") + 1) % R).to_bytes(32, "big")
                variants.append((z, y2, proof, ckzg.verify_kzg_proof(c, z, y2, proof, ts)))
            for zz, yy, pr, ok in variants:
                out = (4096).to_bytes(32, "big") + R.to_bytes(32, "big") if ok else None
                cases.append(("kzg" if ok else "kzg-invalid", 0x0A, vh + zz + yy + c + pr, out))
            if i % 5:
                continue
            # Malformed: z >= r, bad versioned hash, proof not in G1.
            bad_z = (R + rng.randrange(2**255 - R)).to_bytes(32, "big")
            cases.append(("kzg-invalid", 0x0A, vh + bad_z + y + c + proof, None))
            cases.append(("kzg-invalid", 0x0A, b"\x02" + vh[1:] + z + y + c + proof, None))
            nsg = bytearray(g1_off_subgroup()[16:64])  # compressed x of a point outside G1
            nsg[0] |= 0x80
            cases.append(("kzg-invalid", 0x0A, vh + z + y + c + bytes(nsg), None))
        print(f"  kzg generated ({time.time() - t0:.1f}s)", flush=True)
    return cases


def check_tau_g2(ts_path):
    """Our built-in [tau]_2 equals g2_monomial[1] of the trusted setup file (c-kzg-4844 format:
    two count lines, 4096 G1 Lagrange points, then the 65 G2 monomials)."""
    import re
    lines = [l.strip() for l in open(ts_path) if l.strip()]
    n1, n2 = int(lines[0]), int(lines[1])
    g2_1 = lines[2 + n1 + 1]
    src = open(os.path.join(ROOT, "Sources", "Precompiles", "KZGPointEvaluation.swift")).read()
    m = re.search(r'tauG2Hex =\s*"([0-9a-f]+)"\s*\+\s*"([0-9a-f]+)"', src)
    ours = m.group(1) + m.group(2) if m else ""
    print(f"[tau]_2: setup has {n1} G1 / {n2} G2 points; g2_monomial[1] {'matches' if ours == g2_1 else 'DIFFERS FROM'} "
          f"our constant")
    return ours == g2_1


def cross_check_py_ecc(count):
    """map_to_curve + clear_cofactor for G1 by py_ecc equals arkworks' (independent reference)."""
    from py_ecc.bls.hash_to_curve import clear_cofactor_G1, map_to_curve_G1
    from py_ecc.fields import optimized_bls12_381_FQ as FQ
    from py_ecc.optimized_bls12_381 import normalize
    bad = 0
    for _ in range(count):
        u = rng.randrange(P)
        x, y = normalize(clear_cofactor_G1(map_to_curve_G1(FQ(u))))
        ours = ark.G1Point.map_from_fp_be(u.to_bytes(48, "big")).to_xy_bytes_be()
        bad += ours != int(x).to_bytes(48, "big") + int(y).to_bytes(48, "big")
    return bad


def geth_cases(d):
    import json
    names = {"blsG1Add": 0x0B, "blsG1MultiExp": 0x0C, "blsG2Add": 0x0D, "blsG2MultiExp": 0x0E,
             "blsPairing": 0x0F, "blsMapG1": 0x10, "blsMapG2": 0x11, "pointEvaluation": 0x0A}
    out = []
    for name, addr in names.items():
        for prefix in ("", "fail-"):
            path = os.path.join(d, prefix + name + ".json")
            if not os.path.exists(path):
                continue
            for v in json.load(open(path)):
                exp = bytes.fromhex(v["Expected"]) if "Expected" in v else None
                out.append(("geth-" + prefix + name, addr, bytes.fromhex(v["Input"]), exp))
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--scale", type=float, default=1.0)
    ap.add_argument("--trusted-setup", default=os.environ.get("KZG_TRUSTED_SETUP"))
    ap.add_argument("--geth-dir", default=None)
    ap.add_argument("--only", default=None, help="comma-separated case-name prefixes to run (e.g. "
                    "pairing,g1msm,g2msm,kzg); all are generated, the others are dropped")
    ap.add_argument("--cache", help="pickle file: reuse the cases generated by an earlier run with the same "
                    "arguments (written if missing)")
    ap.add_argument("--generate-only", action="store_true", help="generate the cases (into --cache) and stop")
    args = ap.parse_args()
    if not args.generate_only and not os.path.exists(HEMI):
        sys.exit(f"missing {HEMI}: swift build -c release --product hemi")
    key = (args.scale, args.trusted_setup, args.only, os.environ.get("SEED"))
    if args.cache and os.path.exists(args.cache):
        import pickle
        with open(args.cache, "rb") as f:
            ckey, cases = pickle.load(f)
        if ckey != key:
            sys.exit(f"{args.cache} was generated with {ckey}, not {key}")
        print(f"loaded {len(cases)} cases from {args.cache}")
    else:
        print("generating cases", flush=True)
        cases = gen_cases(args.scale, args.trusted_setup, tuple(args.only.split(",")) if args.only else None)
        if args.cache:
            import pickle
            with open(args.cache, "wb") as f:
                pickle.dump((key, cases), f)
    if args.generate_only:
        return
    if args.geth_dir:
        cases += geth_cases(args.geth_dir)
    if args.only:
        keep = tuple(args.only.split(","))
        cases = [c for c in cases if c[0].startswith(keep)]
    bad_ecc = cross_check_py_ecc(max(1, int(200 * args.scale)))
    print(f"py_ecc vs arkworks map_fp_to_g1: {max(1, int(200 * args.scale))} cases, {bad_ecc} mismatches")
    tau_ok = check_tau_g2(args.trusted_setup) if args.trusted_setup else True
    bad_ecc += 0 if tau_ok else 1
    t0 = time.time()
    results = run_ours([(a, x) for _, a, x, _ in cases])
    print(f"ran {len(cases)} precompile calls through hemi in {time.time() - t0:.1f}s")
    from collections import Counter
    total, fails = Counter(), Counter()
    shown = 0
    for (name, _, inp, exp), (ok, out) in zip(cases, results):
        total[name] += 1
        good = (not ok) if exp is None else (ok and out == exp)
        if not good:
            fails[name] += 1
            if shown < 10:
                shown += 1
                print(f"MISMATCH {name}: input {inp.hex()[:96]}… ok={ok} out={out.hex()[:64]} "
                      f"expected={'error' if exp is None else exp.hex()[:64]}")
    for name in sorted(total):
        print(f"  {name:28s} {total[name]:6d} cases, {fails[name]} mismatches")
    nfail = sum(fails.values()) + bad_ecc
    print(f"TOTAL {sum(total.values())} cases, {nfail} mismatches")
    sys.exit(1 if nfail else 0)


if __name__ == "__main__":
    main()
