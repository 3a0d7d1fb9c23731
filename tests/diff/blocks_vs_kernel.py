#!/usr/bin/env python3
"""Differential test: `hemi btc verify-block --connect` against Bitcoin Core's libbitcoinkernel on
regtest blocks.

Usage: blocks_vs_kernel.py HEMI_BINARY [--cases N] [--seed S]

Builds a 400-block regtest chain here (regtest proof of work is trivial to mine): coinbases paying the
subsidy (halving every 150 blocks) to OP_TRUE, and from height 102 on a transaction spending a mature
coinbase (OP_TRUE needs no signature, so the missing script interpreter on our side does not matter:
the kernel verifies those scripts and they are valid). Then, for N distinct heights h, block h is
mutated and re-mined, and the chain 1..h-1 + mutated h is given to both sides:

  coinbase scriptSig length (1 / 2 / 100 / 101 bytes), wrong BIP34 height, coinbase paying one satoshi
  more / less than subsidy + fees, a random merkle root, a duplicated transaction, a second coinbase,
  premature coinbase spend, missing input, outputs above inputs, negative / too-large outputs,
  20,001 legacy sigops, a witness without commitment, a valid / wrong / reserved-value-less witness
  commitment, non-final lock times (height and BIP68 relative), header time at the median time past,
  header version 1.

Both must agree on accept/reject. The kernel's verdict: the block becomes the tip (accepted), or
process_block raises / the tip stays on the parent (rejected); heights are distinct so a valid mutated
block always extends the tip. libbitcoinkernel reports no reject string, so only accept/reject is
compared (our reason is printed on disagreement and tallied).

Prints "N passed, M failed" as its last line; exits 1 on any disagreement.
"""
import argparse
import hashlib
import os
import random
import re
import struct
import subprocess
import sys
import tempfile
import time

import pbk


def sha256d(b):
    return hashlib.sha256(hashlib.sha256(b).digest()).digest()


def cs(n):
    if n < 0xFD:
        return bytes([n])
    if n <= 0xFFFF:
        return b"\xfd" + struct.pack("<H", n)
    if n <= 0xFFFFFFFF:
        return b"\xfe" + struct.pack("<I", n)
    return b"\xff" + struct.pack("<Q", n)


class Tx:
    def __init__(self, version=1, ins=None, outs=None, locktime=0, witness=None):
        self.version, self.ins, self.outs, self.locktime = version, ins or [], outs or [], locktime
        self.witness = witness  # list of stacks, or None

    def ser(self, with_witness=True):
        wit = with_witness and self.witness and any(self.witness)
        b = struct.pack("<i", self.version)
        if wit:
            b += b"\x00\x01"
        b += cs(len(self.ins))
        for txid, vout, script, seq in self.ins:
            b += txid + struct.pack("<I", vout) + cs(len(script)) + script + struct.pack("<I", seq)
        b += cs(len(self.outs))
        for value, script in self.outs:
            b += struct.pack("<q", value) + cs(len(script)) + script
        if wit:
            for stack in self.witness:
                b += cs(len(stack)) + b"".join(cs(len(x)) + x for x in stack)
        return b + struct.pack("<I", self.locktime)

    def txid(self):
        return sha256d(self.ser(False))

    def wtxid(self):
        return sha256d(self.ser(True))


def merkle(hashes):
    if not hashes:
        return bytes(32)
    level = list(hashes)
    while len(level) > 1:
        if len(level) % 2:
            level.append(level[-1])
        level = [sha256d(level[i] + level[i + 1]) for i in range(0, len(level), 2)]
    return level[0]


def bip34(h):
    if h == 0:
        return b"\x00"
    if 1 <= h <= 16:
        return bytes([0x50 + h])
    v = h.to_bytes((h.bit_length() + 7) // 8, "little")
    if v[-1] & 0x80:
        v += b"\x00"
    return bytes([len(v)]) + v


def subsidy(h):
    return (50 * 100_000_000) >> (h // 150)


OP_TRUE = b"\x51"
REGTEST_GENESIS = bytes.fromhex(
    "0100000000000000000000000000000000000000000000000000000000000000000000003ba3edfd7a7b12b27ac72c3e67768f617fc81bc3888a51323a9fb8aa4b1e5e4adae5494dffff7f2002000000"
)
MAGIC = bytes.fromhex("fabfb5da")
LIMIT = (1 << 255) - 1


class Blk:
    def __init__(self, prev, time_, txs, version=0x20000000, bits=0x207FFFFF):
        self.prev, self.time, self.txs, self.version, self.bits = prev, time_, txs, version, bits
        self.merkle_override = None
        self.nonce = 0

    def header(self):
        root = self.merkle_override or merkle([t.txid() for t in self.txs])
        return struct.pack("<i", self.version) + self.prev + root + struct.pack("<III", self.time, self.bits, self.nonce)

    def mine(self):
        size, word = self.bits >> 24, self.bits & 0x7FFFFF
        target = word << (8 * (size - 3))
        for n in range(100000):
            self.nonce = n
            if int.from_bytes(sha256d(self.header()), "little") <= target:
                return self
        raise SystemExit("could not mine")

    def hash(self):
        return sha256d(self.header())

    def ser(self):
        return self.header() + cs(len(self.txs)) + b"".join(t.ser() for t in self.txs)


def coinbase(h, value, extra=b"\x00", outs=None):
    return Tx(1, [(bytes(32), 0xFFFFFFFF, bip34(h) + extra, 0xFFFFFFFF)], outs or [(value, OP_TRUE)])


def build_chain(n, rng):
    """Blocks 1..n; from 102 on each spends the coinbase of h-101 (fee 1000 sat)."""
    prev = sha256d(REGTEST_GENESIS)
    t = struct.unpack_from("<I", REGTEST_GENESIS, 68)[0]
    blocks, cbs = [], {}
    for h in range(1, n + 1):
        t += 600
        txs = [None]
        fees = 0
        if h >= 102:
            src = cbs[h - 101]
            value = src.outs[0][0]  # subsidy + that block's fees
            txs.append(Tx(2, [(src.txid(), 0, b"", 0xFFFFFFFE)], [(value - 1000, OP_TRUE)]))
            fees = 1000
        txs[0] = coinbase(h, subsidy(h) + fees, extra=rng.randbytes(4))
        cbs[h] = txs[0]
        b = Blk(prev, t, txs).mine()
        blocks.append(b)
        prev = b.hash()
    return blocks, cbs


def with_commitment(b, correct=True, reserved=True):
    cb = b.txs[0]
    wroot = merkle([bytes(32)] + [t.wtxid() for t in b.txs[1:]])
    c = sha256d(wroot + bytes(32))
    if not correct:
        c = bytes([c[0] ^ 1]) + c[1:]
    cb.outs = cb.outs + [(0, bytes.fromhex("6a24aa21a9ed") + c)]
    cb.witness = [[bytes(32)]] if reserved else None


def mutate(blocks, cbs, h, kind, rng):
    """A mutated copy of block h (re-mined)."""
    src = blocks[h - 1]
    txs = [Tx(t.version, list(t.ins), list(t.outs), t.locktime, t.witness) for t in src.txs]
    b = Blk(src.prev, src.time, txs, src.version, src.bits)
    cb = txs[0]
    fees = 1000 if len(txs) > 1 else 0
    if kind == "cb-len":
        n = rng.choice([1, 2, 100, 101])
        script = bip34(h) + bytes(max(0, n - len(bip34(h))))
        cb.ins = [(bytes(32), 0xFFFFFFFF, script[:n] if n < len(bip34(h)) else script, 0xFFFFFFFF)]
    elif kind == "cb-height":
        cb.ins = [(bytes(32), 0xFFFFFFFF, bip34(h + rng.choice([-1, 1, 1000])) + b"\x00\x00", 0xFFFFFFFF)]
    elif kind == "cb-amount":
        cb.outs = [(subsidy(h) + fees + rng.choice([1, 1, 1000, -1, 0]), OP_TRUE)]
    elif kind == "merkle":
        b.merkle_override = rng.randbytes(32)
    elif kind == "dup-tx":
        txs.append(txs[-1])
    elif kind == "two-coinbases":
        txs.append(coinbase(h, 1, extra=b"\x01\x02"))
    elif kind == "premature" and h >= 102:
        age = rng.choice([99, 100])
        if h - age >= 1:
            txs.append(Tx(1, [(cbs[h - age].txid(), 0, b"", 0xFFFFFFFF)], [(1000, OP_TRUE)]))
    elif kind == "missing":
        txs.append(Tx(1, [(rng.randbytes(32), 0, b"", 0xFFFFFFFF)], [(1000, OP_TRUE)]))
    elif kind == "in-below-out" and len(txs) > 1:
        value = cbs[h - 101].outs[0][0]  # the spent coinbase output
        delta = rng.choice([1, 1, 0, -1000])
        txs[1].outs = [(value + delta, OP_TRUE)]
        cb.outs = [(subsidy(h) + max(0, -delta), OP_TRUE)]
    elif kind == "bad-value" and len(txs) > 1:
        txs[1].outs = [(rng.choice([-1, 21_000_000 * 100_000_000 + 1]), OP_TRUE)]
    elif kind == "sigops":
        cb.outs = cb.outs + [(0, b"\xac" * rng.choice([19_990, 20_001]))]
    elif kind == "witness-no-commitment":
        cb.witness = [[bytes(32)]]
    elif kind == "commitment":
        with_commitment(b, correct=rng.random() < 0.5, reserved=rng.random() < 0.7)
    elif kind == "locktime" and len(txs) > 1:
        txs[1].locktime = h + rng.choice([-1, 0])  # height lock: final only below h
        txs[1].ins = [(txs[1].ins[0][0], 0, b"", 0)]
    elif kind == "bip68" and len(txs) > 1:
        txs[1].ins = [(txs[1].ins[0][0], 0, b"", rng.choice([100, 101, 102, 500]))]  # coin is 101 deep
    elif kind == "time-mtp":
        times = [blk.time for blk in blocks[max(0, h - 12):h - 1]]
        b.time = sorted(times)[len(times) // 2] if times else b.time
    elif kind == "version":
        b.version = rng.choice([1, 2, 3, 4])
    else:
        return None
    return b.mine()


KINDS = ["cb-len", "cb-height", "cb-amount", "merkle", "dup-tx", "two-coinbases", "premature", "missing",
         "in-below-out", "bad-value", "sigops", "witness-no-commitment", "commitment", "locktime", "bip68",
         "time-mtp", "version"]


class Kernel:
    def __init__(self, tmp):
        d = tempfile.mkdtemp(dir=tmp)
        self.ctx = pbk.make_context(pbk.ChainType.REGTEST)
        opts = pbk.ChainstateManagerOptions(self.ctx, d, os.path.join(d, "blocks"))
        opts.update_block_tree_db_in_memory(True)
        opts.update_chainstate_db_in_memory(True)
        self.cm = pbk.ChainstateManager(opts)
        self.loaded = 0

    def tip_hash(self):
        """Hash (wire order) of the active chain's tip."""
        chain = self.cm.get_active_chain()
        return bytes(chain.block_tree_entries[chain.height].block_hash)

    def process(self, raw):
        try:
            self.cm.process_block(pbk.Block(raw))
        except Exception:
            pass

    def load(self, blocks, upto):
        while self.loaded < upto:
            self.process(blocks[self.loaded].ser())
            self.loaded += 1


def run_hemi(binary, blocks, tmp):
    path = os.path.join(tmp, "chain.blk")
    with open(path, "wb") as f:
        for b in blocks:
            raw = b.ser()
            f.write(MAGIC + struct.pack("<I", len(raw)) + raw)
    p = subprocess.run([binary, "btc", "verify-block", "--network", "regtest", "--connect", path], capture_output=True, text=True)
    if p.returncode == 0:
        return None
    m = re.findall(r"INVALID: (.*)", p.stdout)
    return m[-1] if m else f"rc {p.returncode}: {p.stderr.strip()[:200]}"


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("hemi")
    ap.add_argument("--cases", type=int, default=300)
    ap.add_argument("--seed", type=int, default=int(time.time()))
    args = ap.parse_args()
    rng = random.Random(args.seed)
    print(f"seed {args.seed}")
    started = time.time()
    blocks, cbs = build_chain(400, rng)
    passed = failed = 0
    outcomes = {}
    with tempfile.TemporaryDirectory() as tmp:
        if run_hemi(args.hemi, blocks, tmp) is not None:
            raise SystemExit(f"hemi rejects the valid regtest chain: {run_hemi(args.hemi, blocks, tmp)}")
        kern = Kernel(tmp)
        heights = sorted(rng.sample(range(1, 401), min(args.cases, 400)))
        for h in heights:
            mutated = None
            while mutated is None:
                kind = rng.choice(KINDS)
                mutated = mutate(blocks, cbs, h, kind, rng)
            kern.load(blocks, h - 1)
            kern.process(mutated.ser())
            # A valid mutated block has more work than anything the kernel holds (a previous case's
            # valid sibling at h-1 at most ties with the real h-1), so it becomes the tip.
            k_ok = kern.tip_hash() == mutated.hash()
            o = run_hemi(args.hemi, blocks[:h - 1] + [mutated], tmp)
            reason = "accepted" if o is None else o.removeprefix("header: ").split(" (")[0].split(":")[0]
            key = f"{kind}: {reason}"
            outcomes[key] = outcomes.get(key, 0) + 1
            if k_ok == (o is None):
                passed += 1
            else:
                failed += 1
                print(f"DISAGREE {kind} at {h}: kernel {'accepts' if k_ok else 'rejects'}, hemi {o or 'accepts'}")
    for key in sorted(outcomes):
        print(f"  {key}: {outcomes[key]}")
    print(f"total time {time.time() - started:.1f} s")
    print(f"{passed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
