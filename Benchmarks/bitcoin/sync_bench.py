#!/usr/bin/env python3
"""P2P sync benchmarks of `hemi btc node` over loopback (issue 5, done-when 8).

1. Block sync: a regtest chain of signed transactions (`hemi btc bench-chain`: 102 set-up blocks,
   then --blocks blocks of --txs transactions: P2WPKH and P2TR key-path spends, 2 outputs each) is
   generated once into WORK/source. A serving node (`hemi btc node --datadir WORK/source --listen`)
   and a fresh syncing node (`--datadir WORK/sink --connect`) run as two processes; the syncing node
   validates everything (scripts on, all indexes on, LMDB noSync). Timed from the syncing node's
   start until its status.json reports the source tip (polled every 50 ms, written every 100 ms).
2. Header sync: a tiny Python peer (this file) serves the 32,260 mainnet headers of
   ../shared/testdata/bitcoin/headers/mainnet_1_32260.bin (answers `getheaders` with up to 2,000
   headers; advertises no services, so no blocks are asked of it); a fresh mainnet node syncs them.
   Timed from the node's start until its best header is 32,260.

Usage: python3 Benchmarks/bitcoin/sync_bench.py .build/release/hemi [--blocks 2000] [--txs 200]
       [--work /tmp/hemi-syncbench] [--skip-blocks] [--skip-headers] [--repeat N]
"""
import argparse
import hashlib
import json
import os
import shutil
import socket
import struct
import subprocess
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.environ.get("HEMI_TESTDATA", os.path.join(HERE, "..", "..", "..", "shared", "testdata"))
MAINNET_MAGIC = bytes.fromhex("f9beb4d9")


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p


def read_status(datadir):
    try:
        with open(os.path.join(datadir, "status.json")) as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


def start_node(hemi, network, datadir, extra, log):
    cmd = [hemi, "btc", "node", "--network", network, "--datadir", datadir, "--no-sync", "--status-interval", "0.1"] + extra
    return subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT)


def stop(p):
    if p.poll() is None:
        p.terminate()
        try:
            p.wait(10)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()


def wait_for(pred, timeout, what):
    t_end = time.monotonic() + timeout
    while time.monotonic() < t_end:
        v = pred()
        if v:
            return v
        time.sleep(0.05)
    raise SystemExit(f"timed out waiting for {what}")


def block_sync(a, work):
    source = os.path.join(work, "source")
    if read_status(source) is None and not os.path.exists(os.path.join(source, "chain")):
        print(f"generating the chain into {source} …", flush=True)
        t = time.monotonic()
        subprocess.run([a.hemi, "btc", "bench-chain", "--datadir", source, "--blocks", str(a.blocks), "--txs", str(a.txs)], check=True)
        print(f"  generated in {time.monotonic() - t:.1f} s", flush=True)
    port = free_port()
    log_a = open(os.path.join(work, "source.log"), "w")
    serving = start_node(a.hemi, "regtest", source, ["--listen", f"127.0.0.1:{port}"], log_a)
    try:
        st = wait_for(lambda: (lambda s: s if s and s.get("listen_port") == port and s.get("pid") == serving.pid else None)(read_status(source)),
                      120, "the serving node")
        target = st["height"]
        total_tx = 101 + 2 + a.blocks * (a.txs + 1)  # coinbase-only set-up, fan-out block, benchmark blocks
        results = []
        for r in range(a.repeat):
            sink = os.path.join(work, "sink")
            shutil.rmtree(sink, ignore_errors=True)
            os.makedirs(sink)
            log_b = open(os.path.join(work, f"sink{r}.log"), "w")
            t0 = time.monotonic()
            syncing = start_node(a.hemi, "regtest", sink, ["--connect", f"127.0.0.1:{port}"], log_b)
            first = [None]

            def done():
                s = read_status(sink)
                if s and s.get("pid") == syncing.pid:
                    if first[0] is None and s["height"] > 0:
                        first[0] = time.monotonic()
                    return s["height"] >= target
                return False

            try:
                wait_for(done, 3600, "block sync")
                dt = time.monotonic() - t0
                dt_blocks = time.monotonic() - (first[0] or t0)
            finally:
                stop(syncing)
                log_b.close()
            results.append((dt, dt_blocks))
            print(f"block sync run {r + 1}: {target} blocks, {total_tx} transactions in {dt:.2f} s "
                  f"({target / dt:.1f} blocks/s, {total_tx / dt:.0f} tx/s; from the first connected block: "
                  f"{dt_blocks:.2f} s)", flush=True)
        best = min(results)
        print(f"BLOCK SYNC best of {a.repeat}: {target} blocks ({a.blocks} × {a.txs} tx + set-up), {total_tx} tx: "
              f"{best[0]:.2f} s = {target / best[0]:.1f} blocks/s, {total_tx / best[0]:.0f} tx/s", flush=True)
    finally:
        stop(serving)
        log_a.close()


# --- a minimal header-serving Bitcoin P2P peer ---------------------------------------------------

def dsha(b):
    return hashlib.sha256(hashlib.sha256(b).digest()).digest()


def frame(cmd, payload):
    return MAINNET_MAGIC + cmd.encode().ljust(12, b"\0") + struct.pack("<I", len(payload)) + dsha(payload)[:4] + payload


def varint(n):
    if n < 0xfd:
        return bytes([n])
    if n <= 0xffff:
        return b"\xfd" + struct.pack("<H", n)
    return b"\xfe" + struct.pack("<I", n)


def read_varint(b, i):
    n = b[i]
    if n < 0xfd:
        return n, i + 1
    if n == 0xfd:
        return struct.unpack_from("<H", b, i + 1)[0], i + 3
    if n == 0xfe:
        return struct.unpack_from("<I", b, i + 1)[0], i + 5
    return struct.unpack_from("<Q", b, i + 1)[0], i + 9


class HeaderPeer:
    def __init__(self, headers):
        self.headers = headers
        genesis = headers[0][4:36]
        self.height = {genesis: 0}
        for h, raw in enumerate(headers, start=1):
            self.height[dsha(raw)] = h
        self.sock = socket.socket()
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(4)
        self.port = self.sock.getsockname()[1]
        self.served = 0
        threading.Thread(target=self.accept, daemon=True).start()

    def accept(self):
        while True:
            try:
                c, _ = self.sock.accept()
            except OSError:
                return
            threading.Thread(target=self.serve, args=(c,), daemon=True).start()

    def version(self):
        addr = struct.pack("<Q", 0) + bytes(10) + b"\xff\xff" + bytes([127, 0, 0, 1]) + struct.pack(">H", 8333)
        ua = b"/header-peer:0.1/"
        return (struct.pack("<iQq", 70016, 0, int(time.time())) + addr + addr + os.urandom(8) + varint(len(ua)) + ua
                + struct.pack("<i", len(self.headers)) + b"\x00")

    def serve(self, c):
        buf = b""
        c.sendall(frame("version", self.version()))
        try:
            while True:
                while len(buf) < 24:
                    d = c.recv(65536)
                    if not d:
                        return
                    buf += d
                n = struct.unpack_from("<I", buf, 16)[0]
                while len(buf) < 24 + n:
                    d = c.recv(65536)
                    if not d:
                        return
                    buf += d
                cmd = buf[4:16].rstrip(b"\0").decode()
                payload = buf[24:24 + n]
                buf = buf[24 + n:]
                if cmd == "version":
                    c.sendall(frame("verack", b""))
                elif cmd == "ping":
                    c.sendall(frame("pong", payload))
                elif cmd == "getheaders":
                    count, i = read_varint(payload, 4)
                    start = 0
                    for k in range(count):
                        h = payload[i + 32 * k:i + 32 * (k + 1)]
                        if h in self.height:
                            start = self.height[h]
                            break
                    batch = self.headers[start:start + 2000]
                    c.sendall(frame("headers", varint(len(batch)) + b"".join(x + b"\x00" for x in batch)))
                    self.served += len(batch)
        except OSError:
            return
        finally:
            c.close()


def header_sync(a, work):
    raw = open(os.path.join(DATA, "bitcoin/headers/mainnet_1_32260.bin"), "rb").read()
    count = struct.unpack_from("<I", raw, 0)[0]
    headers = [raw[4 + 80 * i:4 + 80 * (i + 1)] for i in range(count)]
    peer = HeaderPeer(headers)
    results = []
    for r in range(a.repeat):
        d = os.path.join(work, "headers")
        shutil.rmtree(d, ignore_errors=True)
        os.makedirs(d)
        log = open(os.path.join(work, f"headers{r}.log"), "w")
        t0 = time.monotonic()
        node = start_node(a.hemi, "mainnet", d, ["--connect", f"127.0.0.1:{peer.port}"], log)
        try:
            wait_for(lambda: (lambda s: s and s.get("pid") == node.pid and s["best_header_height"] >= count)(read_status(d)),
                     600, "header sync")
            dt = time.monotonic() - t0
        finally:
            stop(node)
            log.close()
        results.append(dt)
        print(f"header sync run {r + 1}: {count} headers in {dt:.2f} s = {count / dt:.0f} headers/s", flush=True)
    best = min(results)
    print(f"HEADER SYNC best of {a.repeat}: {count} mainnet headers from a local peer in {best:.2f} s = {count / best:.0f} headers/s "
          "(includes node start-up)", flush=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("hemi")
    ap.add_argument("--blocks", type=int, default=2000)
    ap.add_argument("--txs", type=int, default=200)
    ap.add_argument("--work", default="/tmp/hemi-syncbench")
    ap.add_argument("--repeat", type=int, default=1)
    ap.add_argument("--skip-blocks", action="store_true")
    ap.add_argument("--skip-headers", action="store_true")
    a = ap.parse_args()
    a.hemi = os.path.abspath(a.hemi)
    os.makedirs(a.work, exist_ok=True)
    if not a.skip_headers:
        header_sync(a, a.work)
    if not a.skip_blocks:
        block_sync(a, a.work)


if __name__ == "__main__":
    sys.exit(main())
