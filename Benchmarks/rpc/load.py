#!/usr/bin/env python3
"""Load generator for the hemi JSON-RPC server (stdlib only: asyncio + raw HTTP/1.1 keep-alive).

Throughput/latency:
    Benchmarks/rpc/load.py http://127.0.0.1:8545 --method eth_getBalance --duration 10 --concurrency 16
    Benchmarks/rpc/load.py http://127.0.0.1:8545 --method eth_call --to 0x… --data 0x70a08231…
Prints requests/s and p50/p90/p99/max latency; non-200 answers and JSON-RPC errors are counted.

Soak with hostile input:
    Benchmarks/rpc/load.py http://127.0.0.1:8545 --soak 20000 --pid $(pgrep -n hemi)
Sends N requests mixing valid calls with malformed ones (bad JSON, wrong types, deep nesting,
invalid UTF-8, empty/huge batches, oversized bodies, wrong content type), then checks the server
still answers and reports VmRSS/VmHWM from /proc/<pid>/status before and after.
"""
import argparse
import asyncio
import json
import os
import random
import sys
import time
from urllib.parse import urlparse

ADDRESS = "0x" + "11" * 20


def body_for(method, to, data):
    if method == "eth_getBalance":
        params = [ADDRESS, "latest"]
    elif method == "eth_call":
        params = [{"to": to, "data": data}, "latest"]
    else:
        params = []
    return json.dumps({"jsonrpc": "2.0", "id": 1, "method": method, "params": params}).encode()


class Conn:
    def __init__(self, host, port, path):
        self.host, self.port, self.path = host, port, path
        self.reader = self.writer = None

    async def open(self):
        self.reader, self.writer = await asyncio.open_connection(self.host, self.port)

    async def close(self):
        if self.writer:
            self.writer.close()
            try:
                await self.writer.wait_closed()
            except Exception:
                pass
            self.writer = None

    async def post(self, body, content_type="application/json"):
        """One request on the kept-alive connection; returns (status, body). Reconnects if needed."""
        if self.writer is None:
            await self.open()
        head = (
            f"POST {self.path} HTTP/1.1\r\nHost: {self.host}:{self.port}\r\n"
            f"Content-Type: {content_type}\r\nContent-Length: {len(body)}\r\nConnection: keep-alive\r\n\r\n"
        ).encode()
        self.writer.write(head + body)
        await self.writer.drain()
        status_line = await self.reader.readline()
        if not status_line:
            raise ConnectionError("server closed the connection")
        status = int(status_line.split()[1])
        length, close = 0, False
        while True:
            line = await self.reader.readline()
            if line in (b"\r\n", b"\n", b""):
                break
            name, _, value = line.decode("latin-1").partition(":")
            name = name.strip().lower()
            if name == "content-length":
                length = int(value.strip())
            elif name == "connection" and value.strip().lower() == "close":
                close = True
            elif name == "transfer-encoding" and "chunked" in value.lower():
                raise ConnectionError("chunked responses are not supported by this client")
        payload = await self.reader.readexactly(length) if length else b""
        if close:
            await self.close()
        return status, payload


def percentile(sorted_values, p):
    if not sorted_values:
        return float("nan")
    k = min(len(sorted_values) - 1, max(0, int(round(p / 100 * (len(sorted_values) - 1)))))
    return sorted_values[k]


async def run_load(args, host, port, path):
    body = body_for(args.method, args.to, args.data)
    latencies, errors, statuses = [], 0, {}
    deadline = time.perf_counter() + args.duration

    async def worker():
        nonlocal errors
        c = Conn(host, port, path)
        try:
            while time.perf_counter() < deadline:
                t0 = time.perf_counter()
                status, payload = await c.post(body)
                latencies.append(time.perf_counter() - t0)
                statuses[status] = statuses.get(status, 0) + 1
                if status != 200 or b'"error"' in payload:
                    errors += 1
        finally:
            await c.close()

    # Warm-up request (also checks the URL).
    c = Conn(host, port, path)
    status, payload = await c.post(body)
    await c.close()
    print(f"first answer: HTTP {status} {payload[:160].decode(errors='replace')}")
    t0 = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(args.concurrency)))
    elapsed = time.perf_counter() - t0
    latencies.sort()
    n = len(latencies)
    print(f"method={args.method} concurrency={args.concurrency} duration={elapsed:.1f}s requests={n} "
          f"errors={errors} statuses={statuses}")
    print(f"throughput: {n / elapsed:.0f} req/s")
    print("latency ms: p50={:.3f} p90={:.3f} p99={:.3f} max={:.3f}".format(
        *(1000 * percentile(latencies, p) for p in (50, 90, 99)), 1000 * latencies[-1] if n else float("nan")))


def rss(pid):
    if not pid:
        return None
    fields = {}
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                k, _, v = line.partition(":")
                if k in ("VmRSS", "VmHWM"):
                    fields[k] = v.strip()
    except OSError:
        return None
    return fields


_STATIC = None


def hostile_bodies(rng, max_body):
    """(label, body, content_type) samples. Large fixed bodies are built once."""
    global _STATIC
    valid = json.dumps({"jsonrpc": "2.0", "id": rng.randrange(1 << 30), "method": "eth_chainId"}).encode()
    if _STATIC is None:
        one = b'{"jsonrpc":"2.0","id":1,"method":"eth_chainId"}'
        _STATIC = [
            ("valid-balance", body_for("eth_getBalance", None, None), "application/json"),
            ("not-object", b"12345", "application/json"),
            ("wrong-types", b'{"jsonrpc":"2.0","id":{},"method":7,"params":"x"}', "application/json"),
            ("bad-params", b'{"jsonrpc":"2.0","id":1,"method":"eth_getBalance","params":["0x12",5]}',
             "application/json"),
            ("unknown-method", b'{"jsonrpc":"2.0","id":1,"method":"nope_nope"}', "application/json"),
            ("deep", b"[" * 100_000 + b"]" * 100_000, "application/json"),
            ("deep-object", b'{"a":' * 50_000 + b"1" + b"}" * 50_000, "application/json"),
            ("bad-utf8", b'{"jsonrpc":"2.0","id":1,"method":"\xff\xfe"}', "application/json"),
            ("empty-batch", b"[]", "application/json"),
            ("huge-batch", b"[" + b",".join([one] * 2000) + b"]", "application/json"),
            ("batch", b"[" + b",".join([one] * 100) + b"]", "application/json"),
            ("notifications", b'[{"jsonrpc":"2.0","method":"eth_chainId"}]', "application/json"),
            ("oversized", b"[" + b"1," * (max_body // 2 + 10) + b"1]", "application/json"),
            ("wrong-content-type", one, "text/plain"),
            ("long-string", b'{"jsonrpc":"2.0","id":1,"method":"' + b"a" * 1_000_000 + b'"}', "application/json"),
        ]
    return [
        ("valid", valid, "application/json"),
        ("garbage", bytes(rng.randrange(256) for _ in range(rng.randrange(1, 200))), "application/json"),
        ("truncated", valid[: rng.randrange(1, len(valid))], "application/json"),
    ] + _STATIC


async def run_soak(args, host, port, path):
    rng = random.Random(args.seed)
    before = rss(args.pid)
    print(f"RSS before: {before}")
    counts, statuses = {}, {}
    sem = asyncio.Semaphore(args.concurrency)
    conns = [Conn(host, port, path) for _ in range(args.concurrency)]
    free = list(conns)

    async def one(i):
        async with sem:
            c = free.pop()
            try:
                label, body, ctype = rng.choice(hostile_bodies(rng, args.max_body))
                counts[label] = counts.get(label, 0) + 1
                try:
                    status, _ = await c.post(body, ctype)
                except (ConnectionError, asyncio.IncompleteReadError, OSError):
                    status = "closed"
                    await c.close()
                statuses[status] = statuses.get(status, 0) + 1
            finally:
                free.append(c)

    t0 = time.perf_counter()
    await asyncio.gather(*(one(i) for i in range(args.soak)))
    elapsed = time.perf_counter() - t0
    for c in conns:
        await c.close()
    # The server must still answer correctly.
    c = Conn(host, port, path)
    status, payload = await c.post(b'{"jsonrpc":"2.0","id":42,"method":"eth_chainId"}')
    await c.close()
    after = rss(args.pid)
    print(f"sent {args.soak} requests in {elapsed:.1f}s ({args.soak / elapsed:.0f} req/s)")
    print(f"by kind: {dict(sorted(counts.items()))}")
    print(f"by status: {statuses}")
    print(f"after soak: HTTP {status} {payload.decode(errors='replace')}")
    print(f"RSS after: {after}")
    ok = status == 200 and b'"id":42' in payload
    if not ok:
        print("FAIL: server did not answer a valid request after the soak", file=sys.stderr)
    return ok


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("url", help="http://host:port/ of the JSON-RPC server")
    ap.add_argument("--method", default="eth_getBalance", choices=["eth_getBalance", "eth_call", "eth_chainId"])
    ap.add_argument("--to", default=ADDRESS, help="eth_call target address")
    ap.add_argument("--data", default="0x70a08231" + "00" * 12 + "11" * 20,
                    help="eth_call data (default: balanceOf(0x11…11))")
    ap.add_argument("--duration", type=float, default=10.0)
    ap.add_argument("--concurrency", type=int, default=16)
    ap.add_argument("--soak", type=int, default=0, metavar="N", help="send N mixed valid/malformed requests")
    ap.add_argument("--pid", type=int, default=0, help="server pid for /proc/<pid>/status RSS")
    ap.add_argument("--max-body", type=int, default=5 * 1024 * 1024, help="server body limit (for 'oversized')")
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    u = urlparse(args.url)
    if u.scheme != "http" or not u.hostname:
        sys.exit("url must be http://host:port/")
    host, port, path = u.hostname, u.port or 80, u.path or "/"
    if args.soak:
        ok = asyncio.run(run_soak(args, host, port, path))
        sys.exit(0 if ok else 1)
    asyncio.run(run_load(args, host, port, path))


if __name__ == "__main__":
    main()
