#!/usr/bin/env python3
"""An independent Bitcoin peer built from python-bitcoinlib (PyPI `python-bitcoinlib`, 0.12.2) message
classes, to check a running `hemi btc node` over real TCP.

It handshakes (version/verack; it tolerates wtxidrelay, sendaddrv2, sendheaders, feefilter), asks for
all headers from genesis with `getheaders` (following full 2000-header batches), checks that they link
and meet their proof-of-work target, fetches blocks with `getdata` (MSG_WITNESS_BLOCK) and checks each
block's hash and merkle root with python-bitcoinlib, then relays a transaction: it sends `inv` for it,
expects the node's `getdata`, and answers with `tx`.

python-bitcoinlib's `headers` message omits the per-header transaction count on the wire, so that one
message is parsed by hand here. Frames are read by hand too (bitcoinlib prints and drops commands it
does not know); every other message is built and parsed with bitcoinlib's classes.

Usage: python3 tests/diff/p2p_peer.py --port 18444 [--host 127.0.0.1] [--network regtest]
          [--min-height N] [--max-blocks N]
       python3 tests/diff/p2p_peer.py --spawn .build/release/hemi [--mine 300]
          (starts `hemi btc node --network regtest --mine N` on a free loopback port in a temporary
          datadir, waits until it has mined, runs the checks, and stops it)
Exit status 0 when every check passed; prints one line per check.
"""
import argparse
import hashlib
import io
import json
import os
import shutil
import socket
import struct
import subprocess
import sys
import tempfile
import time

import bitcoin
from bitcoin.core import (CBlock, CBlockHeader, CMutableTransaction, CMutableTxIn, CMutableTxOut, COutPoint,
                          CheckProofOfWork, b2lx, lx)
from bitcoin.core.script import CScript, OP_TRUE
from bitcoin.messages import (MsgSerializable, msg_getdata, msg_getheaders, msg_inv, msg_ping, msg_pong, msg_tx,
                              msg_verack, msg_version)
from bitcoin.net import CInv

PARAMS = {"regtest": "regtest", "mainnet": "mainnet", "testnet3": "testnet"}


def sha256d(b):
    return hashlib.sha256(hashlib.sha256(b).digest()).digest()


class Peer:
    def __init__(self, host, port, timeout):
        self.sock = socket.create_connection((host, port), timeout=timeout)
        self.sock.settimeout(timeout)
        self.buf = b""
        self.commands = []

    def send(self, msg):
        self.sock.sendall(msg.to_bytes())

    def _read(self, n):
        while len(self.buf) < n:
            chunk = self.sock.recv(1 << 16)
            if not chunk:
                raise EOFError("connection closed by node")
            self.buf += chunk
        out, self.buf = self.buf[:n], self.buf[n:]
        return out

    def recv(self):
        """(command, payload, bitcoinlib message or None)."""
        head = self._read(24)
        if head[:4] != bitcoin.params.MESSAGE_START:
            raise ValueError("bad magic %s" % head[:4].hex())
        command = head[4:16].rstrip(b"\x00").decode()
        (length,) = struct.unpack("<I", head[16:20])
        payload = self._read(length)
        if sha256d(payload)[:4] != head[20:24]:
            raise ValueError("bad checksum on %s" % command)
        self.commands.append(command)
        parsed = None
        if command in ("version", "verack", "ping", "pong", "inv", "getdata", "notfound", "block", "tx", "addr",
                       "getheaders"):
            parsed = MsgSerializable.from_bytes(head + payload)
        return command, payload, parsed

    def wait_for(self, wanted, deadline):
        while time.time() < deadline:
            command, payload, parsed = self.recv()
            if command == "ping" and parsed is not None:
                self.send(msg_pong(nonce=parsed.nonce))
            if command == wanted:
                return payload, parsed
        raise TimeoutError("no %s" % wanted)


def parse_headers(payload):
    """`headers` by hand: CompactSize count, then 80-byte header + CompactSize tx count (must be 0)."""
    f = io.BytesIO(payload)

    def compact():
        b = f.read(1)[0]
        if b < 0xFD:
            return b
        size = {0xFD: 2, 0xFE: 4, 0xFF: 8}[b]
        return int.from_bytes(f.read(size), "little")

    n = compact()
    out = []
    for _ in range(n):
        raw = f.read(80)
        out.append(CBlockHeader.deserialize(raw))
        if compact() != 0:
            raise ValueError("headers entry with non-zero tx count")
    if f.read(1):
        raise ValueError("trailing bytes in headers")
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int)
    ap.add_argument("--spawn", metavar="HEMI", help="start `HEMI btc node` (regtest) and test it")
    ap.add_argument("--mine", type=int, default=300, help="blocks the spawned node mines")
    ap.add_argument("--network", default="regtest", choices=sorted(PARAMS))
    ap.add_argument("--min-height", type=int, default=1, help="fail if the node has fewer headers")
    ap.add_argument("--max-blocks", type=int, default=200, help="blocks to fetch and check")
    ap.add_argument("--timeout", type=float, default=20)
    ap.add_argument("--spend-coinbase", action="store_true",
                    help="relay a spend of block 1's coinbase (the node must mine to OP_TRUE)")
    a = ap.parse_args()
    if a.spawn:
        return spawn_and_check(a)
    if a.port is None:
        ap.error("--port or --spawn is required")
    return check_node(a)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def spawn_and_check(a):
    d = tempfile.mkdtemp(prefix="p2p_peer.")
    a.port = free_port()
    a.network = "regtest"
    a.min_height = a.mine
    a.spend_coinbase = True
    a.max_blocks = min(a.max_blocks, a.mine)
    log = open(os.path.join(d, "node.log"), "w")
    node = subprocess.Popen([a.spawn, "btc", "node", "--network", "regtest", "--datadir", os.path.join(d, "n"),
                             "--listen", "127.0.0.1:%d" % a.port, "--mine", str(a.mine), "--no-sync",
                             "--status-interval", "0.5"], stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.time() + 120
        while time.time() < deadline:
            try:
                with open(os.path.join(d, "n", "status.json")) as f:
                    if json.load(f).get("height", 0) >= a.mine:
                        break
            except (OSError, ValueError):
                pass
            if node.poll() is not None:
                print("FAIL node exited with %s" % node.returncode)
                return 1
            time.sleep(0.2)
        else:
            print("FAIL node did not mine %d blocks in time" % a.mine)
            return 1
        return check_node(a)
    finally:
        node.terminate()
        node.wait(10)
        log.close()
        shutil.rmtree(d, ignore_errors=True)


def check_node(a):
    bitcoin.SelectParams(PARAMS[a.network])
    genesis = bitcoin.params.GENESIS_BLOCK.GetHash()
    failures = 0

    def check(name, ok, detail=""):
        nonlocal failures
        print("%s %s%s" % ("PASS" if ok else "FAIL", name, (": " + detail) if detail else ""))
        if not ok:
            failures += 1

    deadline = time.time() + a.timeout
    p = Peer(a.host, a.port, a.timeout)
    v = msg_version()
    v.nVersion = 70016
    v.nServices = 0
    v.nStartingHeight = 0
    v.strSubVer = b"/python-bitcoinlib-peer:0.12.2/"
    v.addrTo.ip, v.addrTo.port = a.host, a.port
    p.send(v)
    _, their_version = p.wait_for("version", deadline)
    _, _ = p.wait_for("verack", deadline)
    p.send(msg_verack())
    check("handshake", True, "agent %s, height %d, services %#x" % (
        their_version.strSubVer.decode(errors="replace"), their_version.nStartingHeight, their_version.nServices))
    check("NODE_NETWORK|NODE_WITNESS advertised", their_version.nServices & 9 == 9)

    # Headers from genesis, following full batches.
    headers = []
    prev = genesis
    while True:
        gh = msg_getheaders()
        gh.locator.vHave = [prev]
        p.send(gh)
        payload, _ = p.wait_for("headers", deadline)
        batch = parse_headers(payload)
        headers += batch
        if len(batch) < 2000:
            break
        prev = batch[-1].GetHash()
    linked = True
    pow_ok = True
    prev = genesis
    for h in headers:
        if h.hashPrevBlock != prev:
            linked = False
        try:
            CheckProofOfWork(h.GetHash(), h.nBits)
        except Exception:
            pow_ok = False
        prev = h.GetHash()
    check("headers", len(headers) >= a.min_height, "%d headers, tip %s" % (len(headers), b2lx(prev)))
    check("headers link from genesis", linked)
    check("headers meet their PoW target", pow_ok)

    # Blocks (witness serialization), checked by hash and merkle root.
    want = [h.GetHash() for h in headers[: a.max_blocks]]
    got = 0
    bad = 0
    for i in range(0, len(want), 16):
        gd = msg_getdata()
        gd.inv = [CInv() for _ in want[i:i + 16]]
        for inv, h in zip(gd.inv, want[i:i + 16]):
            inv.type, inv.hash = 0x40000002, h
        p.send(gd)
        for h in want[i:i + 16]:
            _, blk = p.wait_for("block", deadline + a.timeout)
            block = blk.block
            if block.GetHash() != h or block.calc_merkle_root() != block.hashMerkleRoot:
                bad += 1
            got += 1
    check("blocks", got == len(want) and bad == 0, "%d fetched, %d bad" % (got, bad))

    # Relay a transaction: inv -> node's getdata -> tx. With --spend-coinbase (set by --spawn, whose
    # node mines to OP_TRUE) it spends block 1's coinbase, valid once 100 blocks deep, and the node
    # must then hold it in its mempool (getdata answered with the tx, not notfound).
    block1 = None
    if a.spend_coinbase and len(headers) >= 101:
        gd = msg_getdata()
        gd.inv = [CInv()]
        gd.inv[0].type, gd.inv[0].hash = 0x40000002, headers[0].GetHash()
        p.send(gd)
        _, blk = p.wait_for("block", time.time() + 10)
        block1 = blk.block
    if block1 is not None:
        cb = block1.vtx[0]
        tx = CMutableTransaction(
            [CMutableTxIn(COutPoint(cb.GetTxid(), 0))],
            [CMutableTxOut(cb.vout[0].nValue - 1000, CScript([OP_TRUE]))])
    else:
        tx = CMutableTransaction(
            [CMutableTxIn(COutPoint(lx("11" * 32), 0))],
            [CMutableTxOut(1000, CScript([OP_TRUE]))])
    txid = tx.GetTxid()
    inv = msg_inv()
    inv.inv = [CInv()]
    inv.inv[0].type, inv.inv[0].hash = 1, txid
    p.send(inv)
    try:
        _, req = p.wait_for("getdata", time.time() + 10)
        asked = any(i.hash == txid for i in req.inv)
    except (TimeoutError, socket.timeout):
        asked = False
    check("node requested the announced tx", asked)
    if asked:
        m = msg_tx()  # (msg_tx's first positional argument is the protocol version, not the tx)
        m.tx = tx
        p.send(m)
    if asked and block1 is not None:
        gd = msg_getdata()
        gd.inv = [CInv()]
        gd.inv[0].type, gd.inv[0].hash = 1, txid
        p.send(gd)
        deadline2 = time.time() + 10
        held = None
        while held is None and time.time() < deadline2:
            command, payload, parsed = p.recv()
            if command == "tx":
                held = parsed.tx.GetTxid() == txid
            elif command == "notfound":
                held = False
        check("node accepted the coinbase spend into its mempool", held is True)
    # The connection must still be healthy afterwards.
    p.send(msg_ping(nonce=4242))
    _, pong = p.wait_for("pong", time.time() + 10)
    check("ping/pong after relay", pong.nonce == 4242)
    print("p2p_peer: %d failed; commands seen: %s" % (failures, ",".join(sorted(set(p.commands)))))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
