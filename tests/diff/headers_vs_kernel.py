#!/usr/bin/env python3
"""Differential test: `hemi btc verify-headers` against Bitcoin Core's libbitcoinkernel.

Usage: headers_vs_kernel.py HEMI_BINARY [--mainnet-cases N] [--regtest-cases M] [--seed S]

Needs Python 3.11 and py-bitcoinkernel (`import pbk`), which bundles Bitcoin Core's
libbitcoinkernel. Test data: ../shared/testdata/bitcoin/headers/mainnet_1_32260.bin beside the
project (or $HEMI_TESTDATA).

Part A (mainnet, >= 1,000 cases by default): real headers 1..3000 of mainnet_1_32260.bin, with
  - random bit flips (1-3 bits) in a random field (version, prev hash, merkle root, time, bits,
    nonce) of a random header h: the chain fed to both sides is headers 1..h-1 + the mutated h;
  - "drop": header h left out (h+1 follows h-1); "swap": h+1 before h.
Part T (testnet3, default 200 cases): testnet3_0_9999.txt (min-difficulty blocks, the 20-minute
  rule and its walk-back) must be accepted whole by both sides; then the same mutation kinds as part A
  over heights 1..9998.
Genesis: for each of the five networks, a header naming our genesis hash as parent must fail the
  kernel's proof-of-work check (INVALID_HEADER), not MISSING_PREV — so the kernel knows our genesis
  hash — and our tool must report the same height and class.
Part B (regtest, re-mined): a 240-header regtest chain mined here (the regtest target admits about
  half of all hashes), with mutations that keep the proof of work valid by re-mining the nonce:
  version 1..3 (bad-version), other bits (bad-diffbits), time at/below the median time past
  (time-too-old), time 3 h ahead (time-too-new) or 1 h ahead (valid), random prev hash (unknown
  parent), random merkle root or nonce (valid sibling).

Both sides must agree on accept/reject, on the failing height, and on the failure class:
libbitcoinkernel's header API reports only a BlockValidationResult, not Core's reject string, so our
rule is mapped to it (prev-blk-not-found -> MISSING_PREV, time-too-new -> TIME_FUTURE, every other
rule -> INVALID_HEADER).

How the kernel is driven: one chainstate manager per network, block-tree and chainstate databases in
memory. Cases are sorted by height, and before a case at height h the kernel is given the real
headers up to h-1 (once; state is reused across cases), so it holds exactly the chain prefix the case
builds on. What the kernel's header API cannot express, and is therefore not tested:
  - it keeps a block *tree*: a header whose parent it already knows is accepted even if it does not
    extend the sequence we feed (e.g. a repeated earlier header is a harmless duplicate there, but a
    broken link for our linear verifier). Cases are built so that this never arises.
  - "now" is the kernel's system clock; our tool also uses the system clock, and future-time cases
    stay an hour away from the 2-hour limit.
  - trusted anchors (--start-height) have no kernel equivalent; every chain starts at genesis.

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
import pbk.chain as _chain

K = _chain.k

RULE_CLASS = {
    "prev-blk-not-found": "MISSING_PREV",
    "time-too-new": "TIME_FUTURE",
}


def sha256d(b: bytes) -> bytes:
    return hashlib.sha256(hashlib.sha256(b).digest()).digest()


def testdata_root() -> str:
    env = os.environ.get("HEMI_TESTDATA")
    if env:
        return env
    here = os.path.dirname(os.path.abspath(__file__))
    return os.path.normpath(os.path.join(here, "..", "..", "..", "shared", "testdata"))


class Kernel:
    """A libbitcoinkernel chainstate manager fed headers one by one."""

    def __init__(self, chain_type, tmp):
        d = tempfile.mkdtemp(dir=tmp)
        self.ctx = pbk.make_context(chain_type)
        opts = pbk.ChainstateManagerOptions(self.ctx, d, os.path.join(d, "blocks"))
        opts.update_block_tree_db_in_memory(True)
        opts.update_chainstate_db_in_memory(True)
        self.cm = pbk.ChainstateManager(opts)
        self.loaded = 0  # real headers 1..loaded are in the kernel

    def process(self, raw: bytes):
        """Returns None if accepted, else the BlockValidationResult name."""
        st = pbk.BlockValidationState()
        rc = K.btck_chainstate_manager_process_block_header(self.cm, pbk.BlockHeader(raw), st)
        if rc == 0 and st.validation_mode == pbk.ValidationMode.VALID:
            return None
        return st.block_validation_result.name

    def load_real(self, headers, upto):
        """Makes sure real headers 1..upto are known (headers[0] is height 1)."""
        while self.loaded < upto:
            r = self.process(headers[self.loaded])
            if r is not None:
                raise SystemExit(f"kernel rejected real header {self.loaded + 1}: {r}")
            self.loaded += 1

    def run(self, seq, start_height):
        """Feeds seq (first at start_height); returns (failing height, class) or None."""
        for i, raw in enumerate(seq):
            r = self.process(raw)
            if r is not None:
                return (start_height + i, r)
        return None


def run_hemi(binary, network, chain, tmp):
    path = os.path.join(tmp, "case.bin")
    with open(path, "wb") as f:
        f.write(b"".join(chain))
    p = subprocess.run([binary, "btc", "verify-headers", "--network", network, path], capture_output=True, text=True)
    if p.returncode == 0:
        return None
    m = re.search(r"INVALID header at height (\d+): (\S+)", p.stdout)
    if not m:
        raise SystemExit(f"unexpected hemi output (rc {p.returncode}):\n{p.stdout}\n{p.stderr}")
    rule = m.group(2)
    return (int(m.group(1)), RULE_CLASS.get(rule, "INVALID_HEADER"), rule)


FIELDS = {"version": (0, 4), "prev": (4, 32), "merkle": (36, 32), "time": (68, 4), "bits": (72, 4), "nonce": (76, 4)}


def flip_bits(raw: bytes, rng: random.Random):
    name = rng.choice(list(FIELDS))
    off, size = FIELDS[name]
    b = bytearray(raw)
    flips = rng.randint(1, 3)
    for _ in range(flips):
        bit = rng.randrange(size * 8)
        b[off + bit // 8] ^= 1 << (bit % 8)
    return bytes(b), f"flip {flips} bit(s) in {name}"


def mainnet_cases(headers, n, rng, max_height=3000):
    """(h, sequence starting at height h, description); the real prefix is 1..h-1."""
    cases = []
    while len(cases) < n:
        h = rng.randint(1, max_height)
        kind = rng.random()
        if kind < 0.85:
            raw, desc = flip_bits(headers[h - 1], rng)
            if raw == headers[h - 1]:
                continue
            seq = [raw] + headers[h:h + rng.randint(0, 2)]  # a few real successors (they cannot link)
        elif kind < 0.93:
            seq, desc = [headers[h]], "drop header"
        else:
            seq, desc = [headers[h], headers[h - 1]], "swap with successor"
        cases.append((h, seq, f"{desc} at {h}"))
    cases.sort(key=lambda c: c[0])
    return cases


# ---- regtest ----

REGTEST_GENESIS = bytes.fromhex(
    "0100000000000000000000000000000000000000000000000000000000000000000000003ba3edfd7a7b12b27ac72c3e67768f617fc81bc3888a51323a9fb8aa4b1e5e4adae5494dffff7f2002000000"
)


def target_of(bits):
    size = bits >> 24
    word = bits & 0x007FFFFF
    if size <= 3:
        return word >> (8 * (3 - size)), word != 0 and bits & 0x00800000 != 0
    return word << (8 * (size - 3)), word != 0 and bits & 0x00800000 != 0


REGTEST_LIMIT = (1 << 255) - 1

GENESIS = [
    ("mainnet", pbk.ChainType.MAINNET, "000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f"),
    ("testnet3", pbk.ChainType.TESTNET, "000000000933ea01ad0ee984209779baaec3ced90fa3f408719526f8d77f4943"),
    ("testnet4", pbk.ChainType.TESTNET_4, "00000000da84f2bafbbc53dee25a72ae507ff4914b867c565be350b0da8bf043"),
    ("signet", pbk.ChainType.SIGNET, "00000008819873e925422c1ff0f99f7cc9bbb232af63a077a480a3633bee1ef6"),
    ("regtest", pbk.ChainType.REGTEST, "0f9188f13cb7b2c71f2a335e3a4fc328bf5beb436012afca590b1a11466e2206"),
]


def mine(raw: bytes, tries=4096) -> bytes:
    """Searches nonces until the hash meets the header's own target (if that target is valid)."""
    bits = struct.unpack_from("<I", raw, 72)[0]
    target, neg = target_of(bits)
    if neg or target == 0 or target > REGTEST_LIMIT:
        return raw
    b = bytearray(raw)
    for nonce in range(tries):
        struct.pack_into("<I", b, 76, nonce)
        if int.from_bytes(sha256d(bytes(b)), "little") <= target:
            return bytes(b)
    return raw


def regtest_chain(length, rng):
    prev = sha256d(REGTEST_GENESIS)
    t = struct.unpack_from("<I", REGTEST_GENESIS, 68)[0]
    out, times = [], [t]
    for i in range(length):
        t += rng.randint(1, 1200)
        raw = struct.pack("<i", 0x20000000) + prev + rng.randbytes(32) + struct.pack("<III", t, 0x207FFFFF, 0)
        raw = mine(raw)
        out.append(raw)
        times.append(t)
        prev = sha256d(raw)
    return out, times


def regtest_cases(chain, times, n, rng, now):
    cases = []
    for _ in range(n):
        h = rng.randint(1, len(chain) - 1)
        b = bytearray(chain[h - 1])
        kind = rng.choice(["version", "bits", "mtp", "future-bad", "future-ok", "prev", "merkle", "nonce"])
        if kind == "version":
            struct.pack_into("<i", b, 0, rng.choice([0, 1, 2, 3, -1, 4, 0x20000000]))
        elif kind == "bits":
            struct.pack_into("<I", b, 72, rng.choice([0x207FFFFE, 0x2000FFFF, 0x1F7FFFFF, 0x20800000, 0x217FFFFF, 0x207FFFFF]))
        elif kind == "mtp":
            window = sorted(times[max(0, h - 11):h])
            mtp = window[len(window) // 2]
            struct.pack_into("<I", b, 68, mtp - rng.randint(0, 3))
        elif kind == "future-bad":
            struct.pack_into("<I", b, 68, now + 3 * 3600)
        elif kind == "future-ok":
            struct.pack_into("<I", b, 68, now + 3600)
        elif kind == "prev":
            b[4:36] = rng.randbytes(32)
        elif kind == "merkle":
            b[36:68] = rng.randbytes(32)
        struct.pack_into("<I", b, 76, 0)
        raw = mine(bytes(b))
        cases.append((h, [raw], f"regtest {kind} at {h}"))
    cases.sort(key=lambda c: c[0])
    return cases


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("hemi")
    ap.add_argument("--mainnet-cases", type=int, default=1000)
    ap.add_argument("--regtest-cases", type=int, default=300)
    ap.add_argument("--testnet3-cases", type=int, default=200)
    ap.add_argument("--seed", type=int, default=int(time.time()))
    args = ap.parse_args()
    rng = random.Random(args.seed)
    print(f"seed {args.seed}")

    path = os.path.join(testdata_root(), "bitcoin", "headers", "mainnet_1_32260.bin")
    if not os.path.exists(path):
        raise SystemExit(f"test data not found at {path}: clone shared/ beside the project or set HEMI_TESTDATA")
    data = open(path, "rb").read()
    count = struct.unpack_from("<I", data, 0)[0]
    headers = [data[4 + 80 * i: 4 + 80 * (i + 1)] for i in range(count)]

    passed = failed = 0
    outcomes = {}
    started = time.time()
    with tempfile.TemporaryDirectory() as tmp:
        # Sanity: both sides accept the unmutated prefix.
        kern = Kernel(pbk.ChainType.MAINNET, tmp)
        ours = run_hemi(args.hemi, "mainnet", headers[:3001], tmp)
        if ours is not None:
            raise SystemExit(f"hemi rejects the real mainnet prefix: {ours}")

        def compare(kern, network, real, cases):
            nonlocal passed, failed
            for h, seq, desc in cases:
                kern.load_real(real, h - 1)
                k = kern.run(seq, h)
                o = run_hemi(args.hemi, network, real[:h - 1] + seq, tmp)
                o_cmp = None if o is None else (o[0], o[1])
                key = f"{network} " + ("accepted" if o is None else o[2])
                outcomes[key] = outcomes.get(key, 0) + 1
                if k == o_cmp:
                    passed += 1
                else:
                    failed += 1
                    print(f"DISAGREE {desc}: kernel {k}, hemi {o}")

        compare(kern, "mainnet", headers, mainnet_cases(headers, args.mainnet_cases, rng))
        print(f"mainnet: {passed} passed, {failed} failed ({time.time() - started:.1f} s)")

        # Genesis hashes: a child of our genesis with a failing proof of work.
        for net, ctype, genesis_hex in GENESIS:
            kg = Kernel(ctype, tmp)
            child = struct.pack("<i", 4) + bytes.fromhex(genesis_hex)[::-1] + bytes(32) + struct.pack("<III", 1700000000, 0x1D00FFFF if net != "regtest" else 0x207FFFFF, 0)
            child = bytes(child[:76]) + struct.pack("<I", 0)
            if net == "regtest":  # make sure it fails PoW even at the regtest limit: bits 0x03000001 = target 1
                child = child[:72] + struct.pack("<I", 0x03000001) + child[76:]
            k = kg.run([child], 1)
            o = run_hemi(args.hemi, net, [child], tmp)
            o_cmp = None if o is None else (o[0], o[1])
            key = f"genesis {net}: " + ("accepted" if o is None else o[2])
            outcomes[key] = outcomes.get(key, 0) + 1
            if k == o_cmp and k == (1, "INVALID_HEADER"):
                passed += 1
            else:
                failed += 1
                print(f"DISAGREE genesis {net}: kernel {k}, hemi {o}")

        # testnet3.
        tpath = os.path.join(testdata_root(), "bitcoin", "headers", "testnet3_0_9999.txt")
        theaders = [bytes.fromhex(line.strip()) for line in open(tpath) if line.strip()][1:]  # drop genesis
        tk = Kernel(pbk.ChainType.TESTNET, tmp)
        if run_hemi(args.hemi, "testnet3", theaders, tmp) is not None:
            raise SystemExit("hemi rejects the real testnet3 chain")
        tk.load_real(theaders, len(theaders))  # the kernel must accept it whole too
        tk = Kernel(pbk.ChainType.TESTNET, tmp)
        compare(tk, "testnet3", theaders, mainnet_cases(theaders, args.testnet3_cases, rng, max_height=len(theaders) - 2))

        rk = Kernel(pbk.ChainType.REGTEST, tmp)
        chain, times = regtest_chain(240, rng)
        if run_hemi(args.hemi, "regtest", chain, tmp) is not None:
            raise SystemExit("hemi rejects the mined regtest chain")
        now = int(time.time())
        compare(rk, "regtest", chain, regtest_cases(chain, times, args.regtest_cases, rng, now))
    for key in sorted(outcomes):
        print(f"  {key}: {outcomes[key]}")
    print(f"total time {time.time() - started:.1f} s")
    print(f"{passed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
