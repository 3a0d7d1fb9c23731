"""Helpers for the two-process Bitcoin scenarios (tests/e2e/btc_*.py): start/stop `hemi btc node`
processes on loopback, drive their regtest control channel, wait for sync, compare store digests.

The hemi binary is the first argument of each script, or $HEMI_BIN, or .build/release/hemi.
"""
import json, os, shutil, signal, socket, subprocess, sys, tempfile, time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "../.."))


def hemi_bin(argv):
    if len(argv) > 1 and not argv[1].startswith("-"):
        return os.path.abspath(argv[1])
    return os.environ.get("HEMI_BIN", os.path.join(ROOT, ".build/release/hemi"))


def log(*a):
    print(*a, flush=True)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Failures:
    def __init__(self):
        self.items = []

    def check(self, cond, what):
        log(("ok   " if cond else "FAIL ") + what)
        if not cond:
            self.items.append(what)
        return cond


class Node:
    """One `hemi btc node` process (regtest, LMDB datadir, loopback)."""

    def __init__(self, hemi, tmp, name):
        self.hemi = hemi
        self.name = name
        self.datadir = os.path.join(tmp, name)
        self.p2p_port = free_port()
        self.control_port = free_port()
        self.proc = None
        self.logf = os.path.join(tmp, name + ".log")

    def start(self, connect=(), listen=True, control=True, extra=()):
        cmd = [self.hemi, "btc", "node", "--network", "regtest", "--datadir", self.datadir, "--no-sync",
               "--status-interval", "0.5"]
        if listen:
            cmd += ["--listen", f"127.0.0.1:{self.p2p_port}"]
        if control:
            cmd += ["--control", str(self.control_port)]
        for c in connect:
            cmd += ["--connect", f"127.0.0.1:{c.p2p_port}"]
        cmd += list(extra)
        try:
            os.unlink(os.path.join(self.datadir, "status.json"))
        except FileNotFoundError:
            pass
        self.proc = subprocess.Popen(cmd, stdout=open(self.logf, "a"), stderr=subprocess.STDOUT)
        self.wait(f"{self.name} up", lambda: self.status() is not None, 60)
        return self

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc = None

    def status(self):
        try:
            with open(os.path.join(self.datadir, "status.json")) as f:
                return json.load(f)
        except (OSError, ValueError):
            return None

    def wait(self, what, fn, timeout):
        t0 = time.time()
        last = None
        while time.time() - t0 < timeout:
            if self.proc is not None and self.proc.poll() is not None:
                raise RuntimeError(f"{self.name} exited ({self.proc.returncode}) waiting for {what}; log {self.logf}:\n"
                                   + open(self.logf).read()[-3000:])
            try:
                last = fn()
                if last:
                    return last
            except Exception as e:  # noqa: BLE001 - retried until the timeout
                last = e
            time.sleep(0.2)
        raise RuntimeError(f"timeout waiting for {what}: {last}")

    def control(self, method, params):
        """One JSON-RPC request on the control channel (one line per connection)."""
        with socket.create_connection(("127.0.0.1", self.control_port), timeout=600) as s:
            s.sendall((json.dumps({"id": 1, "method": method, "params": params}) + "\n").encode())
            data = b""
            while True:
                chunk = s.recv(65536)
                if not chunk:
                    break
                data += chunk
        reply = json.loads(data.split(b"\n")[0])
        if "error" in reply:
            raise RuntimeError(f"{self.name} {method}: {reply['error']}")
        return reply["result"]

    def control_raw(self, data, half_close=True):
        """Sends raw bytes on the control channel (optionally shutting down the sending side) and
        returns the reply line parsed, or None if the node closed without a reply."""
        reply = b""
        try:
            with socket.create_connection(("127.0.0.1", self.control_port), timeout=60) as s:
                s.sendall(data)
                if half_close:
                    s.shutdown(socket.SHUT_WR)
                while True:
                    chunk = s.recv(65536)
                    if not chunk:
                        break
                    reply += chunk
        except (ConnectionResetError, BrokenPipeError):
            pass  # the node closed with our bytes unread (over-long request)
        line = reply.split(b"\n")[0]
        return json.loads(line) if line else None

    def mine_cli(self, *args):
        """`hemi btc mine ...` against this node (the command line of the issue)."""
        r = subprocess.run([self.hemi, "btc", "mine", *map(str, args), "--datadir", self.datadir],
                           capture_output=True, text=True, timeout=900)
        if r.returncode != 0:
            raise RuntimeError(f"hemi btc mine {args}: {r.stdout} {r.stderr}")
        return r.stdout.strip()

    def tip(self):
        return self.control("getblockcount", []), self.control("getbestblockhash", [])

    def digest(self):
        r = subprocess.run([self.hemi, "btc", "digest", "--datadir", self.datadir, "--json"],
                           capture_output=True, text=True, timeout=300)
        if r.returncode != 0:
            raise RuntimeError(f"digest {self.name}: {r.stdout} {r.stderr}")
        return json.loads(r.stdout)


def wait_synced(node, height, tip, timeout=180):
    """Waits until `node`'s status.json shows tip `tip` at `height`; returns the seconds it took."""
    t0 = time.time()
    node.wait(f"{node.name} at {height} {tip}",
              lambda: (s := node.status()) is not None and s["height"] == height and s["tip"] == tip, timeout)
    return time.time() - t0


def compare_digests(f, digests, what):
    """Checks that every chain-state part is equal across the named digests; prints a table."""
    names = list(digests)
    first = digests[names[0]]
    parts = [p["name"] for p in first["parts"]]
    log(f"digests ({what}): " + ", ".join(f"{n} tip {d['tip_height']} {d['tip'][:16]}…" for n, d in digests.items()))
    f.check(all(d["tip"] == first["tip"] for d in digests.values()), f"{what}: tips equal ({first['tip_height']} {first['tip']})")
    for name in parts:
        rows = {n: next((p for p in d["parts"] if p["name"] == name), None) for n, d in digests.items()}
        chain_state = rows[names[0]]["chain_state"]
        same = len({(r["entries"], r["sha256"]) if r else None for r in rows.values()}) == 1
        cells = "  ".join(f"{n}={r['entries']}:{r['sha256'][:12]}" if r else f"{n}=missing" for n, r in rows.items())
        if chain_state:
            f.check(same, f"{what}: {name:17s} equal  {cells}")
        else:
            log(f"     {what}: {name:17s} {'equal' if same else 'differs (not chain state)'}  {cells}")


class TempDir:
    def __init__(self, prefix):
        self.path = tempfile.mkdtemp(prefix=prefix)

    def cleanup(self, keep):
        if keep:
            log("kept", self.path)
        else:
            shutil.rmtree(self.path, ignore_errors=True)


def finish(f, nodes, tmp, t0):
    for n in nodes:
        n.stop()
    log(f"{len(f.items)} failure(s), {time.time() - t0:.1f} s")
    tmp.cleanup(keep=bool(f.items) or os.environ.get("HEMI_KEEP") == "1")
    sys.exit(1 if f.items else 0)


# BIP173/BIP350 bech32 encoding (from the BIPs' description) for regtest addresses in the scenarios.
_CHARSET = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"


def _polymod(values):
    gen = [0x3B6A57B2, 0x26508E6D, 0x1EA119FA, 0x3D4233DD, 0x2A1462B3]
    chk = 1
    for v in values:
        b = chk >> 25
        chk = (chk & 0x1FFFFFF) << 5 ^ v
        for i in range(5):
            chk ^= gen[i] if ((b >> i) & 1) else 0
    return chk


def segwit_address(hrp, version, program):
    acc, bits, data = 0, 0, [version]
    for b in program:
        acc = (acc << 8) | b
        bits += 8
        while bits >= 5:
            bits -= 5
            data.append((acc >> bits) & 31)
    if bits:
        data.append((acc << (5 - bits)) & 31)
    const = 1 if version == 0 else 0x2BC830A3
    hrp_exp = [ord(c) >> 5 for c in hrp] + [0] + [ord(c) & 31 for c in hrp]
    pm = _polymod(hrp_exp + data + [0] * 6) ^ const
    checksum = [(pm >> 5 * (5 - i)) & 31 for i in range(6)]
    return hrp + "1" + "".join(_CHARSET[d] for d in data + checksum)
