#!/usr/bin/env python3
"""BLS12-381 speed, ours against blst (PyPI `ckzg`, c-kzg-4844 on blst) and arkworks (PyPI
`py-arkworks-bls12381`) in one run on the same machine. Not part of CI.

Cases: KZG point evaluation (0x0a; reference ckzg.verify_kzg_proof, which is the same check), a
2-pair pairing check (0x0f; references arkworks GT.pairing_check and, as the closest blst number,
the KZG verification itself, which is a 2-pair pairing check plus two G1 scalar multiplications),
a 128-point G1 MSM (0x0c; reference arkworks multiexp), G1/G2 map (0x10/0x11).

Ours is `hemi evm run --repeat N` on a tiny program that copies the call data to memory and
STATICCALLs the precompile once, so a few microseconds of EVM work are included. We report the
median; references are the median of N timed calls. Ratio = ours / reference (lower is better).

Usage: vs_ckzg.py PATH/TO/release/hemi --trusted-setup PATH/TO/trusted_setup.txt [--repeat N]
"""
import argparse
import hashlib
import random
import statistics
import subprocess
import time

import ckzg
import py_arkworks_bls12381 as ark

R = 0x73EDA753299D7D483339D80809A1D80553BDA402FFFE5BFEFFFFFFFF00000001


def program(addr):
    # CALLDATACOPY(0, 0, CALLDATASIZE); STATICCALL(GAS, addr, 0, CALLDATASIZE, 0, 0);
    # RETURNDATACOPY(0, 0, RETURNDATASIZE); RETURN(0, RETURNDATASIZE)
    return bytes([0x36, 0x60, 0, 0x60, 0, 0x37,
                  0x60, 0, 0x60, 0, 0x36, 0x60, 0, 0x60, addr, 0x5A, 0xFA, 0x50,
                  0x3D, 0x60, 0, 0x60, 0, 0x3E, 0x3D, 0x60, 0, 0xF3]).hex()


def ours(hemi, addr, data, repeat):
    out = subprocess.run([hemi, "evm", "run", "--code", program(addr), "--input", data.hex(), "--gas", "100000000",
                          "--repeat", str(repeat)], capture_output=True, text=True, check=True).stdout
    line = [l for l in out.splitlines() if l.startswith("runs=")][0]
    fields = dict(kv.split("=") for kv in line.split())
    output = [l for l in out.splitlines() if l.startswith("output: ")][0][10:]
    return float(fields["median_ms"]), output


def ref(fn, repeat):
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1e3)
    return statistics.median(times)


def g1_enc(p):
    b = p.to_xy_bytes_be()
    return bytes(16) + b[:48] + bytes(16) + b[48:]


def g2_enc(p):
    b = p.to_xy_bytes_be()
    return b"".join(bytes(16) + b[i:i + 48] for i in range(0, 192, 48))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("hemi")
    ap.add_argument("--trusted-setup", required=True)
    ap.add_argument("--repeat", type=int, default=50)
    a = ap.parse_args()
    rng = random.Random(7)
    ts = ckzg.load_trusted_setup(a.trusted_setup, 0)
    rows = []

    # KZG point evaluation.
    blob = b"".join(rng.randrange(R).to_bytes(32, "big") for _ in range(4096))
    c = ckzg.blob_to_kzg_commitment(blob, ts)
    z = rng.randrange(R).to_bytes(32, "big")
    proof, y = ckzg.compute_kzg_proof(blob, z, ts)
    data = b"\x01" + hashlib.sha256(c).digest()[1:] + z + y + c + proof
    t_ours, out = ours(a.hemi, 0x0A, data, a.repeat)
    assert out.endswith("73eda753299d7d483339d80809a1d80553bda402fffe5bfeffffffff00000001"), out
    t_kzg = ref(lambda: ckzg.verify_kzg_proof(c, z, y, proof, ts), a.repeat)
    rows.append(("KZG point evaluation (0x0a)", t_ours, "ckzg/blst", t_kzg))

    # 2-pair pairing check e(aP, Q)·e(−P, aQ) = 1.
    s = ark.Scalar(rng.randrange(R))
    g1s = [ark.G1Point() * s, -ark.G1Point()]
    g2s = [ark.G2Point(), ark.G2Point() * s]
    data = b"".join(g1_enc(p) + g2_enc(q) for p, q in zip(g1s, g2s))
    t_ours, out = ours(a.hemi, 0x0F, data, a.repeat)
    assert out.endswith("01"), out
    t_ark = ref(lambda: ark.GT.pairing_check(g1s, g2s), a.repeat)
    rows.append(("2-pair pairing check (0x0f)", t_ours, "arkworks", t_ark))
    rows.append(("2-pair pairing check (0x0f)", t_ours, "ckzg/blst verify (2 pairings + 2 muls)", t_kzg))

    # 128-point G1 MSM.
    pts = [ark.G1Point() * ark.Scalar(rng.randrange(R)) for _ in range(128)]
    scs = [rng.randrange(R) for _ in range(128)]
    data = b"".join(g1_enc(p) + k.to_bytes(32, "big") for p, k in zip(pts, scs))
    t_ours, _ = ours(a.hemi, 0x0C, data, max(5, a.repeat // 5))
    sc = [ark.Scalar(k) for k in scs]
    t_ark = ref(lambda: ark.G1Point.multiexp_unchecked(pts, sc), max(5, a.repeat // 5))
    rows.append(("G1 MSM, 128 points (0x0c)", t_ours, "arkworks", t_ark))

    # Maps.
    u = rng.randrange(R)
    t_ours, _ = ours(a.hemi, 0x10, u.to_bytes(64, "big"), a.repeat)
    t_ark = ref(lambda: ark.G1Point.map_from_fp_be(u.to_bytes(48, "big")), a.repeat)
    rows.append(("MAP_FP_TO_G1 (0x10)", t_ours, "arkworks", t_ark))
    t_ours, _ = ours(a.hemi, 0x11, u.to_bytes(64, "big") * 2, a.repeat)
    t_ark = ref(lambda: ark.G2Point.map_from_fp2_be(u.to_bytes(48, "big") * 2), a.repeat)
    rows.append(("MAP_FP2_TO_G2 (0x11)", t_ours, "arkworks", t_ark))

    print(f"{'case':32s} {'ours ms':>9s} {'reference':40s} {'ref ms':>9s} {'ratio':>6s}")
    for name, o, rname, r in rows:
        print(f"{name:32s} {o:9.3f} {rname:40s} {r:9.3f} {o / r:6.2f}")


if __name__ == "__main__":
    main()
