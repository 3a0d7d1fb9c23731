"""End-to-end checks of `hemi devnet` with `--block-time 0` (one block per transaction): keystones
over `kss_` against the block data, hostile JSON-RPC callers, and an optional soak.

1. test_keystones_match_blocks_and_survive_restart — ≥ 300 blocks; every keystone block N
   (N % 25 == 0) served by kss_getLatestKeystones / kss_getKeystone equals the keystone derived
   here from eth_getBlockByNumber as reference/hemi-protocol.md §2.1 defines it; the abbreviated
   hash (§2.2: double-SHA256 of the 76-byte serialization, built here from the table, shown
   byte-reversed like a txid) is the key kss_getKeystone answers to; after a SIGKILL and a restart
   on the same datadir the keystones and their hashes are unchanged.
2. test_hostile_callers — malformed JSON, wrong types, huge bodies and batches, unknown methods,
   empty batch, bad signatures, wrong chain id, nonce too low, underpriced, replacement
   underpriced, insufficient funds: each gets the JSON-RPC 2.0 / EIP-1474 code and geth's key words.
3. test_soak (only with HEMI_SOAK=1; HEMI_SOAK_N requests, default 100000, over HEMI_SOAK_CONN
   keep-alive connections, default 8) — mixed valid and malformed requests; every answer checked;
   VmRSS of the node before/after printed and bounded by HEMI_SOAK_RSS_MB (default 512).

Binary: $HEMI_BIN, else .build/release/hemi, else .build/debug/hemi.
Run: python3 -m pytest -q tests/e2e/test_devnet_hostile.py   (add -s to see the soak numbers)
"""

import asyncio
import hashlib
import http.client
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
import rlp
from eth_account import Account

sys.path.insert(0, str(Path(__file__).resolve().parent))
from test_devnet import CHAIN_ID, free_port, hemi_binary  # noqa: E402

KEYSTONE_INTERVAL = 25
SECP256K1_N = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141
FIRST_DEV_ADDRESS = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266"  # test mnemonic, m/44'/60'/0'/0/0


class Devnet:
    """`hemi devnet --block-time 0` on a free port; `args` picks --datadir or --ephemeral."""

    def __init__(self, args, log: Path):
        self.args = args
        self.port = free_port()
        self.log = log
        self.proc = None
        self.keys = []
        self.conn = None

    def start(self):
        self.logf = open(self.log, "a")
        self.proc = subprocess.Popen(
            [hemi_binary(), "devnet", *self.args, "--port", str(self.port), "--block-time", "0"],
            stdout=self.logf, stderr=subprocess.STDOUT,
        )
        deadline = time.time() + 60
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("hemi devnet exited:\n" + self.log.read_text())
            try:
                if self.call("eth_chainId", []) == hex(CHAIN_ID):
                    break
            except (OSError, http.client.HTTPException, ValueError):
                self.conn = None
                time.sleep(0.2)
        else:
            raise RuntimeError("hemi devnet did not answer:\n" + self.log.read_text())
        self.keys = re.findall(r"private key (0x[0-9a-f]{64})", self.log.read_text())[-10:]
        return self

    def kill9(self):
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(10)
        self.conn = None

    def stop(self):
        self.conn = None
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    # --- raw HTTP / JSON-RPC -------------------------------------------------------------------

    def post(self, body: bytes, headers=None):
        """POST on a keep-alive connection; returns (status, parsed JSON or None, raw bytes)."""
        if isinstance(body, str):
            body = body.encode()
        h = {"Content-Type": "application/json"}
        h.update(headers or {})
        for attempt in (0, 1):
            if self.conn is None:
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
            try:
                self.conn.request("POST", "/", body, h)
                r = self.conn.getresponse()
                data = r.read()
                break
            except (ConnectionError, http.client.RemoteDisconnected, http.client.CannotSendRequest):
                self.conn.close()
                self.conn = None
                if attempt:
                    raise
        try:
            parsed = json.loads(data) if data else None
        except ValueError:
            parsed = None
        return r.status, parsed, data

    def request(self, method, params, id=1):
        status, resp, raw = self.post(json.dumps({"jsonrpc": "2.0", "id": id, "method": method, "params": params}))
        assert status == 200, (method, status, raw)
        return resp

    def call(self, method, params):
        resp = self.request(method, params)
        if "error" in resp:
            raise ValueError(f"{method}: {resp['error']}")
        return resp["result"]

    def batch(self, calls):
        """[(method, params)] → results in order (raises on any error)."""
        body = [{"jsonrpc": "2.0", "id": i, "method": m, "params": p} for i, (m, p) in enumerate(calls)]
        status, resp, raw = self.post(json.dumps(body))
        assert status == 200 and isinstance(resp, list), raw[:300]
        by_id = {r["id"]: r for r in resp}
        out = []
        for i in range(len(calls)):
            assert "result" in by_id[i], by_id[i]
            out.append(by_id[i]["result"])
        return out

    def nonce(self, address, tag="pending"):
        return int(self.call("eth_getTransactionCount", [address, tag]), 16)

    def send_raw(self, raw: bytes):
        return self.request("eth_sendRawTransaction", ["0x" + raw.hex()])

    def rss_kib(self):
        status = Path(f"/proc/{self.proc.pid}/status").read_text()
        get = lambda k: int(re.search(rf"^{k}:\s+(\d+) kB", status, re.M).group(1))
        return get("VmRSS"), get("VmHWM")


@pytest.fixture
def tmpdir_path():
    d = tempfile.mkdtemp(prefix="hemi-e2e-hostile-")
    yield Path(d)
    shutil.rmtree(d, ignore_errors=True)


# --- keystones (hemi-protocol.md §2) ------------------------------------------------------------


def h32(hexstr: str) -> bytes:
    b = bytes.fromhex(hexstr.removeprefix("0x"))
    assert len(b) == 32
    return b


def l1_origin_number(block_full: dict) -> int:
    """L1 block number from the block's first transaction, the L1-attributes deposit (type 0x7E)
    calling setL1BlockValuesEcotone: selector ‖ baseFeeScalar u32 ‖ blobBaseFeeScalar u32 ‖
    sequenceNumber u64 ‖ timestamp u64 ‖ number u64 ‖ … (OP Stack Ecotone L1Block)."""
    tx = block_full["transactions"][0]
    assert int(tx["type"], 16) == 0x7E
    assert tx["to"].lower() == "0x4200000000000000000000000000000000000015"
    data = bytes.fromhex(tx["input"].removeprefix("0x"))
    assert data[:4] == bytes.fromhex("440a5e20") and len(data) == 164
    return int.from_bytes(data[28:36], "big")


def expected_keystone(block: dict, prev_keystone_block: dict, l1_number: int) -> dict:
    """hemi.L2Keystone JSON (§2.1) for block N, derived from eth_getBlockByNumber answers."""
    strip = lambda s: s.removeprefix("0x")
    return {
        "version": 1,
        "l1_block_number": l1_number,
        "l2_block_number": int(block["number"], 16),
        "parent_ep_hash": strip(block["parentHash"]),
        "prev_ep_keystone_hash": strip(prev_keystone_block["hash"]),
        "state_root": strip(block["stateRoot"]),
        "ep_hash": strip(block["hash"]),
    }


def abbreviate(k: dict) -> bytes:
    """§2.2 table: version u8 ‖ L1 u32 BE ‖ L2 u32 BE ‖ parent[:11] ‖ prev[:12] ‖ state_root ‖ ep[:12]."""
    out = (
        bytes([k["version"]])
        + k["l1_block_number"].to_bytes(4, "big")
        + k["l2_block_number"].to_bytes(4, "big")
        + h32(k["parent_ep_hash"])[:11]
        + h32(k["prev_ep_keystone_hash"])[:12]
        + h32(k["state_root"])
        + h32(k["ep_hash"])[:12]
    )
    assert len(out) == 76
    return out


def abrev_hash_display(k: dict) -> str:
    """chainhash.DoubleHashH of the 76 bytes, in its display form (byte-reversed hex, like a txid)."""
    d = hashlib.sha256(hashlib.sha256(abbreviate(k)).digest()).digest()
    return d[::-1].hex()


def produce_blocks(node: Devnet, target: int):
    """Send cheap self-transfers round-robin from the dev accounts until the head reaches `target`."""
    accts = [Account.from_key(k) for k in node.keys]
    gas_price = 2 * int(node.call("eth_gasPrice", []), 16)
    nonces = {a.address: node.nonce(a.address) for a in accts}
    need = target - int(node.call("eth_blockNumber", []), 16)
    for i in range(max(need, 0)):
        a = accts[i % len(accts)]
        tx = a.sign_transaction({"to": a.address, "value": 0, "gas": 21000, "gasPrice": gas_price,
                                 "nonce": nonces[a.address], "chainId": CHAIN_ID})
        r = node.send_raw(tx.raw_transaction)
        assert "result" in r, r
        nonces[a.address] += 1
    deadline = time.time() + 60
    while time.time() < deadline:
        if all(node.nonce(a, "latest") == n for a, n in nonces.items()):
            break
        time.sleep(0.2)
    else:
        raise AssertionError("transactions not mined")
    return int(node.call("eth_blockNumber", []), 16)


def fetch_blocks(node: Devnet, head: int):
    blocks = []
    for start in range(0, head + 1, 100):
        nums = range(start, min(start + 100, head + 1))
        blocks += node.batch([("eth_getBlockByNumber", [hex(n), n % KEYSTONE_INTERVAL == 0]) for n in nums])
    assert [int(b["number"], 16) for b in blocks] == list(range(head + 1))
    for b in blocks[1:]:
        assert b["parentHash"] == blocks[int(b["number"], 16) - 1]["hash"]
    return blocks


def test_keystones_match_blocks_and_survive_restart(tmpdir_path):
    node = Devnet(["--datadir", str(tmpdir_path / "chain")], tmpdir_path / "node.log").start()
    try:
        assert Account.from_key(node.keys[0]).address == FIRST_DEV_ADDRESS
        head = produce_blocks(node, 310)
        assert head >= 300
        blocks = fetch_blocks(node, head)
        # One block per transaction: each keystone block holds the L1-attributes deposit and one transfer.
        assert all(len(blocks[n]["transactions"]) == 2 for n in range(25, head + 1, 25))

        numbers = list(range(KEYSTONE_INTERVAL, head + 1, KEYSTONE_INTERVAL))
        expected = {
            n: expected_keystone(blocks[n], blocks[n - KEYSTONE_INTERVAL], l1_origin_number(blocks[n]))
            for n in numbers
        }
        assert len(numbers) >= 12

        latest = node.call("kss_getLatestKeystones", [50])["keystones"]
        assert latest == [expected[n] for n in reversed(numbers)]  # newest first, exact fields
        assert node.call("kss_getLatestKeystones", [3])["keystones"] == [expected[n] for n in reversed(numbers)][:3]

        hashes = {}
        for i, n in enumerate(numbers):
            disp = abrev_hash_display(expected[n])
            hashes[n] = disp
            got = node.call("kss_getKeystone", [disp, 0])["keystones"]
            assert got == [expected[n]], n
            # With a 0x prefix too; and with descendants (oldest first).
            assert node.call("kss_getKeystone", ["0x" + disp])["keystones"][0] == expected[n]
            desc = node.call("kss_getKeystone", [disp, 2])["keystones"]
            assert desc == [expected[m] for m in numbers[i:i + 3]], (n, desc)
            # The internal (non-reversed) byte order is not the key.
            wrong = node.request("kss_getKeystone", [bytes.fromhex(disp)[::-1].hex(), 0])
            assert wrong["error"]["code"] == -32001, wrong
        assert len(set(hashes.values())) == len(hashes)
        # A non-keystone block's would-be keystone is unknown.
        fake = expected_keystone(blocks[26], blocks[1], 0)
        assert node.request("kss_getKeystone", [abrev_hash_display(fake)])["error"]["code"] == -32001

        node.kill9()
        node.start()
        assert int(node.call("eth_blockNumber", []), 16) >= head
        assert [b["hash"] for b in fetch_blocks(node, head)] == [b["hash"] for b in blocks]
        after = node.call("kss_getLatestKeystones", [50])["keystones"]
        assert after[-len(latest):] == latest
        for n in numbers:
            assert node.call("kss_getKeystone", [hashes[n], 0])["keystones"] == [expected[n]]
        # The chain keeps producing keystones after the restart.
        head2 = produce_blocks(node, (head // 25 + 1) * 25 + 1)
        b = fetch_blocks(node, head2)
        n2 = (head // 25 + 1) * 25
        k2 = expected_keystone(b[n2], b[n2 - 25], l1_origin_number(b[n2]))
        assert node.call("kss_getLatestKeystones", [1])["keystones"] == [k2]
        assert node.call("kss_getKeystone", [hashes[numbers[-1]], 1])["keystones"] == [expected[numbers[-1]], k2]
    finally:
        node.stop()


# --- hostile callers -----------------------------------------------------------------------------


def error_of(resp):
    assert isinstance(resp, dict) and "error" in resp, resp
    return resp["error"]["code"], resp["error"]["message"]


@pytest.fixture(scope="module")
def ephemeral_node():
    d = Path(tempfile.mkdtemp(prefix="hemi-e2e-hostile-"))
    node = Devnet(["--ephemeral"], d / "node.log").start()
    yield node
    node.stop()
    shutil.rmtree(d, ignore_errors=True)


def test_hostile_callers(ephemeral_node):
    _hostile(ephemeral_node)


# Where the node differs from geth (strict xfail: these flip to failures once the node is fixed,
# so the marker must then be removed).


def test_unprotected_legacy_accepted_on_devnet(ephemeral_node):
    """A pre-EIP-155 legacy transaction (v = 27/28) is accepted by the devnet's pool.

    Deliberate, and unlike geth's default (which refuses them over RPC unless
    --rpc.allow-unprotected-txs): development chains (anvil, Hardhat) accept them because
    well-known deployments depend on them, e.g. the deterministic CREATE2 deployment proxy's
    presigned transaction. A production node configuration should refuse them (to do).
    """
    node = ephemeral_node
    a = Account.from_key(node.keys[3])
    gp = 4 * int(node.call("eth_gasPrice", []), 16)
    unprot = Account.sign_transaction(
        {"to": a.address, "value": 0, "gas": 21000, "gasPrice": gp, "nonce": node.nonce(a.address)}, a.key)
    assert unprot.v in (27, 28)
    resp = node.send_raw(unprot.raw_transaction)
    assert "result" in resp, resp


def test_params_typed_before_block_lookup(ephemeral_node):
    # geth type-checks every argument before looking the block up: -32602, not null.
    unknown_hash = "0x" + "ab" * 32
    for method, params in [
        ("eth_getBlockByNumber", ["0xffffff", "yes"]),
        ("eth_getBlockByHash", [unknown_hash, "yes"]),
        ("eth_getTransactionByBlockNumberAndIndex", ["0xffffff", "zero"]),
        ("eth_getTransactionByBlockHashAndIndex", [unknown_hash, True]),
        ("eth_call", [{"to": "0x" + "00" * 20}, "0xffffff", "not an object"]),
        ("eth_estimateGas", [{"to": "0x" + "00" * 20}, "0xffffff", 7]),
        ("eth_feeHistory", ["0x1", "0xffffff", "not an array"]),
    ]:
        resp = ephemeral_node.request(method, params)
        assert error_of(resp)[0] == -32602, (method, resp)
    # Well-typed arguments for an unknown block still give null.
    assert ephemeral_node.request("eth_getBlockByNumber", ["0xffffff", False])["result"] is None


def _hostile(node: Devnet):
    # ---- JSON-RPC framing (JSON-RPC 2.0 codes) ----
    cases = [
        # (body, expected code, key words in message, expected id)
        (b'{"jsonrpc":"2.0","id":1,"method":', -32700, "", None),
        (b'{"jsonrpc":"2.0","id":1,"method":"eth_blockNumber",}', -32700, "", None),
        (b"\xff\xfe{}", -32700, "", None),
        (b"[" * 100 + b"]" * 100, -32700, "", None),
        (b'"just a string"', -32600, "", None),
        (b'{"id":1,"method":"eth_blockNumber","params":[]}', -32600, "jsonrpc", 1),
        (b'{"jsonrpc":"2.0","id":1,"method":42,"params":[]}', -32600, "", 1),
        (b'{"jsonrpc":"2.0","id":{"a":1},"method":"eth_blockNumber","params":[]}', -32600, "", None),
        (b'{"jsonrpc":"2.0","id":7,"method":"eth_noSuchMethod","params":[]}', -32601, "does not exist", 7),
        (b'{"jsonrpc":"2.0","id":8,"method":"eth_getBalance","params":[123,"latest"]}', -32602, "argument 0", 8),
        (b'{"jsonrpc":"2.0","id":9,"method":"eth_getBalance","params":"0xf39f"}', -32602, "", 9),
        (b'{"jsonrpc":"2.0","id":10,"method":"eth_getBalance","params":["0x1234","latest"]}', -32602, "argument 0", 10),
        (b'{"jsonrpc":"2.0","id":11,"method":"eth_getBlockByNumber","params":["latest","yes"]}', -32602, "argument 1", 11),
        (b'{"jsonrpc":"2.0","id":12,"method":"eth_getBlockByNumber","params":[true,false]}', -32602, "argument 0", 12),
        (b'{"jsonrpc":"2.0","id":13,"method":"eth_getBlockByNumber","params":["0x01",false]}', -32602, "", 13),
        (b'{"jsonrpc":"2.0","id":14,"method":"eth_sendRawTransaction","params":[5]}', -32602, "", 14),
        (b'{"jsonrpc":"2.0","id":15,"method":"eth_sendRawTransaction","params":[]}', -32602, "", 15),
        (b'{"jsonrpc":"2.0","id":16,"method":"kss_getKeystone","params":["zz"]}', -32602, "", 16),
        (b'{"jsonrpc":"2.0","id":17,"method":"kss_getLatestKeystones","params":[51]}', -32005, "", 17),
        (b'[]', -32600, "empty batch", None),
    ]
    for body, code, words, rid in cases:
        status, resp, raw = node.post(body)
        assert status == 200, (body, status, raw)
        assert isinstance(resp, dict), (body, raw)  # a single error object, not an array
        got_code, msg = error_of(resp)
        assert got_code == code and words in msg, (body, resp)
        assert resp["id"] == rid and resp["jsonrpc"] == "2.0", (body, resp)

    # A batch mixing good and bad entries answers each by id.
    status, resp, _ = node.post(json.dumps([
        {"jsonrpc": "2.0", "id": "a", "method": "eth_chainId", "params": []},
        {"jsonrpc": "2.0", "id": "b", "method": "eth_nope", "params": []},
        {"jsonrpc": "2.0", "id": "c", "method": "eth_getBalance", "params": [1]},
        17,
    ]))
    assert status == 200 and isinstance(resp, list) and len(resp) == 4, resp
    by_id = {r.get("id"): r for r in resp}
    assert by_id["a"]["result"] == hex(CHAIN_ID)
    assert by_id["b"]["error"]["code"] == -32601 and by_id["c"]["error"]["code"] == -32602
    assert by_id[None]["error"]["code"] == -32600

    # Huge batch: more than 1000 calls → one -32600 "batch too large" object; 1000 is served.
    calls = [{"jsonrpc": "2.0", "id": i, "method": "eth_blockNumber", "params": []} for i in range(1001)]
    status, resp, raw = node.post(json.dumps(calls))
    assert status == 200 and isinstance(resp, dict), raw[:300]
    assert error_of(resp)[0] == -32600 and "batch too large" in error_of(resp)[1]
    status, resp, _ = node.post(json.dumps(calls[:1000]))
    assert status == 200 and isinstance(resp, list) and len(resp) == 1000 and all("result" in r for r in resp)

    # Huge body (> 5 MiB): HTTP 413 with a -32005 error, by Content-Length and when chunked.
    big = b'{"jsonrpc":"2.0","id":1,"method":"eth_blockNumber","params":["' + b"a" * (5 * 1024 * 1024 + 16) + b'"]}'
    status, resp, raw = node.post(big)
    assert status == 413 and error_of(resp)[0] == -32005, (status, raw[:300])
    node.conn = None

    def chunks():
        piece = b"a" * 65536
        for _ in range(6 * 16 + 1):  # > 6 MiB
            yield piece

    c = http.client.HTTPConnection("127.0.0.1", node.port, timeout=30)
    try:
        c.request("POST", "/", chunks(), {"Content-Type": "application/json"}, encode_chunked=True)
        r = c.getresponse()
        raw = r.read()
        assert r.status == 413 and json.loads(raw)["error"]["code"] == -32005, (r.status, raw)
    except (BrokenPipeError, ConnectionResetError):
        pass  # the server may cut the upload off before reading it all; then it must still be alive
    finally:
        c.close()

    # A 413 from Content-Length alone: the declared body is skipped, not parsed as a next request.
    import socket
    smuggled = b'{"jsonrpc":"2.0","id":"smuggled","method":"eth_blockNumber","params":[]}'
    follow = smuggled.replace(b"smuggled", b"follow")
    wrap = lambda b: b"POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s" % (len(b), b)
    declared = 6_000_000
    with socket.create_connection(("127.0.0.1", node.port), timeout=20) as s:
        s.sendall(b"POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n" % declared)
        first = s.recv(4096)
        assert first.startswith(b"HTTP/1.1 413"), first
        try:
            s.sendall(wrap(smuggled) + b" " * (declared - len(wrap(smuggled))))
            s.sendall(wrap(follow))
            s.settimeout(5)
            rest = b""
            while b'"follow"' not in rest:
                chunk = s.recv(65536)
                if not chunk:
                    break
                rest += chunk
            assert b'"smuggled"' not in rest, rest
        except (BrokenPipeError, ConnectionResetError):
            pass  # closing the connection after a 413 is fine too

    # Wrong Content-Type → 415 (geth).
    status, _, _ = node.post(b'{"jsonrpc":"2.0","id":1,"method":"eth_blockNumber","params":[]}', {"Content-Type": "text/plain"})
    assert status == 415

    # ---- transactions (geth txpool errors, code -32000) ----
    accts = [Account.from_key(k) for k in node.keys]
    a, b = accts[0], accts[1]
    head = node.call("eth_getBlockByNumber", ["latest", False])
    fee = {"maxFeePerGas": 4 * int(head["baseFeePerGas"], 16) + 10**9, "maxPriorityFeePerGas": 10**9}

    def signed(acct, **tx):
        tx.setdefault("chainId", CHAIN_ID)
        tx.setdefault("gas", 21000)
        tx.setdefault("to", b.address)
        tx.setdefault("value", 0)
        if "gasPrice" not in tx:
            for k, v in fee.items():
                tx.setdefault(k, v)
        return acct.sign_transaction(tx).raw_transaction

    def expect_tx_error(raw, *words, code=-32000):
        resp = node.send_raw(raw)
        got, msg = error_of(resp)
        assert got == code and all(w.lower() in msg.lower() for w in words), (words, resp)
        return msg

    # Mine one so nonce 0 is used.
    n = node.nonce(a.address)
    r = node.send_raw(signed(a, nonce=n))
    assert "result" in r, r
    deadline = time.time() + 30
    while node.nonce(a.address, "latest") <= n and time.time() < deadline:
        time.sleep(0.1)
    n = node.nonce(a.address, "latest")

    msgs = {}
    msgs["nonce too low"] = expect_tx_error(signed(a, nonce=n - 1), "nonce too low")
    # Wrong chain id: typed (EIP-1559) and legacy EIP-155.
    msgs["chain id (1559)"] = expect_tx_error(signed(a, nonce=n, chainId=1), "invalid chain id")
    msgs["chain id (155)"] = expect_tx_error(signed(a, nonce=n, chainId=1, gasPrice=fee["maxFeePerGas"]), "invalid chain id")
    # Bad signatures, built by editing r/s/yParity of a valid EIP-1559 transaction.
    fields = rlp.decode(signed(a, nonce=n)[1:])
    def with_sig(y=None, r=None, s=None):
        f = list(fields)
        if y is not None:
            f[-3] = y
        if r is not None:
            f[-2] = r.to_bytes(32, "big").lstrip(b"\0")
        if s is not None:
            f[-1] = s.to_bytes(32, "big").lstrip(b"\0")
        return b"\x02" + rlp.encode(f)
    s_val = int.from_bytes(fields[-1], "big")
    msgs["r = 0"] = expect_tx_error(with_sig(r=0), "invalid", "signature")
    msgs["s = 0"] = expect_tx_error(with_sig(s=0), "invalid", "signature")
    msgs["s >= n"] = expect_tx_error(with_sig(s=SECP256K1_N + 1), "invalid", "signature")
    msgs["high s"] = expect_tx_error(with_sig(s=SECP256K1_N - s_val), "invalid", "signature")
    msgs["yParity 5"] = expect_tx_error(with_sig(y=5), "invalid", "signature")
    # r = 5 is not the x coordinate of a curve point (5³+7 = 132 is not a square mod p): recovery fails.
    msgs["r off curve"] = expect_tx_error(with_sig(r=5), "invalid")
    # Garbage encodings.
    msgs["garbage type"] = expect_tx_error(b"\x12\x34", "invalid")
    msgs["truncated"] = expect_tx_error(signed(a, nonce=n)[:-5], "invalid")
    # Max fee below the pending block's base fee.
    msgs["underpriced"] = expect_tx_error(signed(a, nonce=n, maxFeePerGas=1, maxPriorityFeePerGas=1), "underpriced")
    msgs["legacy underpriced"] = expect_tx_error(signed(a, nonce=n, gasPrice=1), "underpriced")
    # Insufficient funds: an empty account, and a dev account sending more than it has.
    poor = Account.create()
    msgs["poor"] = expect_tx_error(signed(poor, nonce=0), "insufficient funds for gas * price + value")
    msgs["too much value"] = expect_tx_error(signed(b, nonce=node.nonce(b.address), value=10**30),
                                             "insufficient funds for gas * price + value")
    # Tip above fee cap.
    msgs["tip > cap"] = expect_tx_error(signed(a, nonce=n, maxFeePerGas=10**10, maxPriorityFeePerGas=10**11), "priority", "fee")
    # Replacement underpriced: nonce n+2 stays pending behind the gap at n, n+1.
    gap = n + 2
    first = signed(a, nonce=gap)
    assert "result" in node.send_raw(first)
    msgs["already known"] = expect_tx_error(first, "already known")
    msgs["same fee"] = expect_tx_error(signed(a, nonce=gap, value=1), "replacement transaction underpriced")
    bump = lambda pct: {"maxFeePerGas": fee["maxFeePerGas"] * pct // 100, "maxPriorityFeePerGas": fee["maxPriorityFeePerGas"] * pct // 100}
    msgs["+9%"] = expect_tx_error(signed(a, nonce=gap, value=1, **bump(109)), "replacement transaction underpriced")
    msgs["tip +9%, cap x2"] = expect_tx_error(
        signed(a, nonce=gap, value=1, maxFeePerGas=fee["maxFeePerGas"] * 2,
               maxPriorityFeePerGas=fee["maxPriorityFeePerGas"] * 109 // 100), "replacement transaction underpriced")
    # A 10 % bump of both replaces it (geth's PriceBump = 10).
    r = node.send_raw(signed(a, nonce=gap, value=2, **bump(110)))
    assert "result" in r, r
    assert node.nonce(a.address, "latest") == n  # still held behind the gap
    for k, v in msgs.items():
        print(f"  {k:20s} → {v}")

    # After all that the node still serves.
    assert node.proc.poll() is None
    assert int(node.call("eth_blockNumber", []), 16) >= 1
    assert node.call("eth_chainId", []) == hex(CHAIN_ID)


# --- soak ------------------------------------------------------------------------------------------


def _soak_templates(node: Devnet):
    """(body, check(status, parsed)) pairs; about half malformed."""
    addr = Account.from_key(node.keys[0]).address
    req = lambda m, p, i=1: json.dumps({"jsonrpc": "2.0", "id": i, "method": m, "params": p}).encode()
    is_result = lambda st, r: st == 200 and isinstance(r, dict) and "result" in r
    err = lambda code: (lambda st, r: st == 200 and isinstance(r, dict) and r.get("error", {}).get("code") == code)
    bad_sig = bytes.fromhex("02") + rlp.encode([CHAIN_ID, 0, 1, 1, 21000, bytes(20), 0, b"", [], 0, 0, 1])
    return [
        (req("eth_blockNumber", []), is_result),
        (req("eth_getBalance", [addr, "latest"]), is_result),
        (req("eth_chainId", []), lambda st, r: is_result(st, r) and r["result"] == hex(CHAIN_ID)),
        (req("eth_getBlockByNumber", ["latest", False]), is_result),
        (req("kss_getLatestKeystones", [2]), is_result),
        (req("eth_call", [{"to": addr, "data": "0x"}, "latest"]), is_result),
        (json.dumps([json.loads(req("eth_blockNumber", [], i)) for i in range(5)]).encode(),
         lambda st, r: st == 200 and isinstance(r, list) and len(r) == 5),
        (b'{"jsonrpc":"2.0","id":1,"method":', err(-32700)),
        (b"[" * 70 + b"]" * 70, err(-32700)),
        (b'{"jsonrpc":"2.0","id":1,"method":"eth_getBalance","params":[1,2,3]}', err(-32602)),
        (b'{"jsonrpc":"2.0","id":1,"method":"eth_getBalance","params":["0xzz","latest"]}', err(-32602)),
        (b'{"jsonrpc":"2.0","id":1,"method":"no_such","params":[]}', err(-32601)),
        (b'{"id":1,"method":"eth_blockNumber"}', err(-32600)),
        (b"[]", err(-32600)),
        (req("eth_sendRawTransaction", ["0x" + bad_sig.hex()]), err(-32000)),
        (req("eth_sendRawTransaction", ["0xdeadbeef"]), err(-32000)),
        (json.dumps([json.loads(req("eth_blockNumber", [], i)) for i in range(1001)]).encode(), err(-32600)),
    ]


async def _soak_conn(port, n, templates, pick_offset, stats, sender):
    """`n` requests on one keep-alive connection; every 50th a valid transfer from `sender`
    (acct, nonce, gas price), so blocks are produced during the soak."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    acct, nonce, gas_price = sender
    try:
        for i in range(n):
            body, check = templates[(i + pick_offset) % len(templates)]
            if i % 50 == 25:
                tx = acct.sign_transaction({"to": acct.address, "value": 0, "gas": 21000, "gasPrice": gas_price,
                                            "nonce": nonce, "chainId": CHAIN_ID})
                nonce += 1
                body = json.dumps({"jsonrpc": "2.0", "id": 1, "method": "eth_sendRawTransaction",
                                   "params": ["0x" + tx.raw_transaction.hex()]}).encode()
                check = lambda st, r: st == 200 and isinstance(r, dict) and "result" in r
                stats["txs"] += 1
            writer.write(b"POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                         b"Content-Length: %d\r\n\r\n%s" % (len(body), body))
            head = await reader.readuntil(b"\r\n\r\n")
            status = int(head.split(b" ", 2)[1])
            m = re.search(rb"(?i)content-length:\s*(\d+)", head)
            data = await reader.readexactly(int(m.group(1))) if m else b""
            try:
                parsed = json.loads(data) if data else None
            except ValueError:
                parsed = None
            if check(status, parsed):
                stats["ok"] += 1
            else:
                stats["bad"] += 1
                if len(stats["examples"]) < 5:
                    stats["examples"].append((body[:120], status, data[:200]))
    finally:
        writer.close()


@pytest.mark.skipif(os.environ.get("HEMI_SOAK") != "1", reason="soak runs with HEMI_SOAK=1")
def test_soak(tmpdir_path):
    total = int(os.environ.get("HEMI_SOAK_N", "100000"))
    conns = int(os.environ.get("HEMI_SOAK_CONN", "8"))
    bound_mb = int(os.environ.get("HEMI_SOAK_RSS_MB", "512"))
    node = Devnet(["--ephemeral"], tmpdir_path / "node.log").start()
    try:
        produce_blocks(node, 30)  # some chain and a keystone to serve
        rss0, hwm0 = node.rss_kib()
        templates = _soak_templates(node)
        stats = {"ok": 0, "bad": 0, "txs": 0, "examples": []}
        per = total // conns
        gas_price = 4 * int(node.call("eth_gasPrice", []), 16)
        senders = [Account.from_key(node.keys[c % len(node.keys)]) for c in range(conns)]
        assert len({a.address for a in senders}) == conns, "at most one connection per dev account"
        senders = [(a, node.nonce(a.address), gas_price) for a in senders]
        head0 = int(node.call("eth_blockNumber", []), 16)

        async def run():
            await asyncio.gather(*(_soak_conn(node.port, per, templates, c * 3, stats, senders[c]) for c in range(conns)))

        t0 = time.time()
        asyncio.run(run())
        dt = time.time() - t0
        rss1, hwm1 = node.rss_kib()
        done = per * conns
        head1 = int(node.call("eth_blockNumber", []), 16)
        print(f"\nsoak: {done} requests over {conns} keep-alive connections in {dt:.1f} s = {done / dt:.0f} req/s; "
              f"{stats['txs']} transactions, blocks {head0} → {head1}; mismatches {stats['bad']}; VmRSS {rss0 / 1024:.1f} MB → {rss1 / 1024:.1f} MB "
              f"(VmHWM {hwm0 / 1024:.1f} → {hwm1 / 1024:.1f} MB), bound {bound_mb} MB")
        assert stats["bad"] == 0, stats["examples"]
        assert stats["ok"] == done >= total - conns
        assert rss1 < bound_mb * 1024 and hwm1 < bound_mb * 1024
        assert node.proc.poll() is None
        assert node.call("eth_chainId", []) == hex(CHAIN_ID)
        # Every soak transaction is mined (one block each).
        deadline = time.time() + 60
        while time.time() < deadline and any(node.nonce(a.address, "latest") != n0 + per // 50 + (per % 50 > 25)
                                             for a, n0, _ in senders):
            time.sleep(0.5)
        assert int(node.call("eth_blockNumber", []), 16) >= head0 + stats["txs"]
        print(f"soak: all {stats['txs']} transactions mined; head {int(node.call('eth_blockNumber', []), 16)}")
    finally:
        node.stop()
