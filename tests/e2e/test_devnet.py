"""End-to-end tests of `hemi devnet` with web3.py (v8) and pytest.

Starts `hemi devnet` on a free port with a temporary datadir, deploys the ERC-20 of
contracts/ERC20.vy (compiled artifact contracts/build/ERC20.json, or compiled here with vyper when
the artifact is absent), and exercises what wallets and dapps do: transfers, events through
eth_getLogs and a WebSocket subscription, eth_call, gas estimates that succeed when used, revert
reasons, legacy / EIP-2930 / EIP-1559 transactions, nonce gaps held until filled, keystones; then
SIGKILLs the node, restarts it on the same datadir and checks every mined transaction, receipt,
balance and keystone is still there.

Binary: $HEMI_BIN, else .build/release/hemi, else .build/debug/hemi.
Run: python3 -m pytest -q tests/e2e/test_devnet.py
"""

import asyncio
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import pytest
import websockets
from eth_account import Account
from web3 import Web3
from web3.exceptions import ContractLogicError, Web3RPCError

ROOT = Path(__file__).resolve().parents[2]
CHAIN_ID = 901


def hemi_binary() -> str:
    env = os.environ.get("HEMI_BIN")
    if env:
        return env
    for p in (ROOT / ".build/release/hemi", ROOT / ".build/debug/hemi"):
        if p.exists():
            return str(p)
    pytest.skip("hemi binary not built (swift build --product hemi)")


def erc20_artifact() -> dict:
    built = ROOT / "contracts/build/ERC20.json"
    if built.exists():
        return json.loads(built.read_text())
    src = ROOT / "contracts/ERC20.vy"
    out = subprocess.run(["vyper", "-f", "abi,bytecode", str(src)], check=True, capture_output=True, text=True)
    abi_line, bytecode = out.stdout.strip().splitlines()
    return {"abi": json.loads(abi_line), "bytecode": bytecode}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Node:
    def __init__(self, datadir: str, port: int, extra_args=()):
        self.datadir = datadir
        self.port = port
        self.extra_args = list(extra_args)
        self.proc = None
        self.log = Path(datadir).with_suffix(".log")
        self.keys = []

    def start(self):
        self.logf = open(self.log, "a")
        self.proc = subprocess.Popen(
            [hemi_binary(), "devnet", "--datadir", self.datadir, "--port", str(self.port), *self.extra_args],
            stdout=self.logf, stderr=subprocess.STDOUT,
        )
        deadline = time.time() + 60
        w3 = Web3(Web3.HTTPProvider(self.url, request_kwargs={"timeout": 5}))
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("hemi devnet exited:\n" + self.log.read_text())
            try:
                if w3.eth.chain_id == CHAIN_ID:
                    break
            except Exception:
                time.sleep(0.2)
        else:
            raise RuntimeError("hemi devnet did not answer:\n" + self.log.read_text())
        self.keys = re.findall(r"private key (0x[0-9a-f]{64})", self.log.read_text())
        return w3

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}"

    @property
    def ws_url(self):
        return f"ws://127.0.0.1:{self.port}"

    def kill9(self):
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(10)

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


@pytest.fixture(scope="module")
def env():
    tmp = tempfile.mkdtemp(prefix="hemi-e2e-")
    node = Node(os.path.join(tmp, "chain"), free_port())
    w3 = node.start()
    yield node, w3
    node.stop()
    shutil.rmtree(tmp, ignore_errors=True)


def send(w3, acct, tx, wait=True):
    tx.setdefault("chainId", CHAIN_ID)
    tx.setdefault("nonce", w3.eth.get_transaction_count(acct.address, "pending"))
    signed = acct.sign_transaction(tx)
    h = w3.eth.send_raw_transaction(signed.raw_transaction)
    if wait:
        return w3.eth.wait_for_transaction_receipt(h, timeout=30)
    return h


def fees(w3):
    base = w3.eth.get_block("latest")["baseFeePerGas"]
    tip = w3.eth.max_priority_fee
    return {"maxFeePerGas": 2 * base + tip, "maxPriorityFeePerGas": tip}


STATE = {}


def test_accounts_and_chain(env):
    node, w3 = env
    assert w3.eth.chain_id == CHAIN_ID
    assert len(node.keys) == 10
    a0 = Account.from_key(node.keys[0])
    assert a0.address == "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266"
    assert w3.eth.get_balance(a0.address) > 0
    assert w3.eth.accounts == []
    assert w3.eth.syncing is False
    b = w3.eth.get_block("latest", full_transactions=True)
    if b["number"] > 0:
        assert b["transactions"][0]["type"] == 0x7E  # L1-attributes deposit first
        assert b["transactions"][0]["to"] == "0x4200000000000000000000000000000000000015"


def test_deploy_and_transfer(env):
    node, w3 = env
    a0, a1 = Account.from_key(node.keys[0]), Account.from_key(node.keys[1])
    art = erc20_artifact()
    Token = w3.eth.contract(abi=art["abi"], bytecode=art["bytecode"])
    supply = 10**6 * 10**18
    tx = Token.constructor("Hemi Test", "HTT", 18, supply).build_transaction(
        {"from": a0.address, "nonce": w3.eth.get_transaction_count(a0.address, "pending"), "chainId": CHAIN_ID, **fees(w3)}
    )
    r = send(w3, a0, tx)
    assert r["status"] == 1 and r["contractAddress"]
    token = w3.eth.contract(address=r["contractAddress"], abi=art["abi"])
    assert token.functions.totalSupply().call() == supply
    assert token.functions.symbol().call() == "HTT"
    # Estimate, then send with exactly the estimate: it must succeed.
    est = token.functions.transfer(a1.address, 1234).estimate_gas({"from": a0.address})
    tx = token.functions.transfer(a1.address, 1234).build_transaction(
        {"from": a0.address, "gas": est, "nonce": w3.eth.get_transaction_count(a0.address, "pending"), "chainId": CHAIN_ID, **fees(w3)}
    )
    r = send(w3, a0, tx)
    assert r["status"] == 1
    assert r["gasUsed"] <= est
    assert token.functions.balanceOf(a1.address).call() == 1234
    # The event, decoded by web3 from the receipt and from eth_getLogs.
    ev = token.events.Transfer().process_receipt(r)
    assert ev[0]["args"]["value"] == 1234 and ev[0]["args"]["receiver"] == a1.address
    logs = token.events.Transfer().get_logs(from_block=r["blockNumber"], to_block=r["blockNumber"])
    assert [l["transactionHash"] for l in logs] == [r["transactionHash"]]
    all_logs = w3.eth.get_logs({"address": token.address, "fromBlock": 0})
    assert len(all_logs) == 2  # mint + transfer
    # eth_getBlockReceipts agrees with eth_getTransactionReceipt.
    br = w3.provider.make_request("eth_getBlockReceipts", [hex(r["blockNumber"])])["result"]
    assert r["transactionHash"].to_0x_hex() in [x["transactionHash"] for x in br]
    STATE["token"] = token
    STATE["txs"] = [r["transactionHash"]]


def test_revert_reason_surfaced(env):
    node, w3 = env
    a1, a2 = Account.from_key(node.keys[1]), Account.from_key(node.keys[2])
    token = STATE["token"]
    with pytest.raises(ContractLogicError) as e:
        token.functions.transfer(a2.address, 10**30).call({"from": a1.address})
    assert "insufficient balance" in str(e.value)
    with pytest.raises(ContractLogicError) as e:
        token.functions.transfer(a2.address, 10**30).estimate_gas({"from": a1.address})
    assert "insufficient balance" in str(e.value)
    # Raw JSON-RPC: code 3 with the revert data.
    data = token.functions.transfer(a2.address, 10**30).build_transaction({"from": a1.address, "gas": 100000, "gasPrice": 0})["data"]
    resp = w3.provider.make_request("eth_call", [{"from": a1.address, "to": token.address, "data": data}, "latest"])
    assert resp["error"]["code"] == 3
    assert resp["error"]["data"].startswith("0x08c379a0")
    # A mined reverting transaction has status 0.
    tx = token.functions.transfer(a2.address, 10**30).build_transaction(
        {"from": a1.address, "gas": 100000, "nonce": w3.eth.get_transaction_count(a1.address, "pending"), "chainId": CHAIN_ID, **fees(w3)}
    )
    r = send(w3, a1, tx)
    assert r["status"] == 0
    STATE["txs"].append(r["transactionHash"])


def test_debug_trace_transaction(env):
    node, w3 = env
    transfer_hash, revert_hash = STATE["txs"][0], STATE["txs"][1]
    r = w3.eth.get_transaction_receipt(transfer_hash)
    tx = w3.eth.get_transaction(transfer_hash)
    res = w3.provider.make_request("debug_traceTransaction", [transfer_hash.to_0x_hex()])["result"]
    assert res["gas"] == r["gasUsed"] and res["failed"] is False
    logs = res["structLogs"]
    assert logs and all(l["depth"] == 1 for l in logs) and logs[-1]["op"] in ("RETURN", "STOP")
    # One frame, no refund (a balance moves between two non-zero/zero slots): the receipt's gas is
    # the intrinsic gas (EIP-2028 calldata) plus every step's cost.
    data = bytes(tx["input"])
    intrinsic = 21000 + sum(4 if b == 0 else 16 for b in data)
    assert intrinsic + sum(l["gasCost"] for l in logs) == r["gasUsed"]
    assert any(l["op"] == "SSTORE" and l.get("storage") for l in logs)
    ct = w3.provider.make_request("debug_traceTransaction", [revert_hash.to_0x_hex(), {"tracer": "callTracer"}])["result"]
    rr = w3.eth.get_transaction_receipt(revert_hash)
    assert ct["type"] == "CALL" and ct["error"] == "execution reverted"
    assert "insufficient balance" in ct["revertReason"]
    assert int(ct["gasUsed"], 16) == rr["gasUsed"]
    bad = w3.provider.make_request("debug_traceTransaction", ["0x" + "11" * 32])
    assert "error" in bad


def test_eth_call_state_override(env):
    node, w3 = env
    token = STATE["token"]
    a3 = Account.from_key(node.keys[3])
    # Override the token's code-free view: give a3 a balance slot through a balance override of ETH.
    resp = w3.provider.make_request(
        "eth_getBalance", [a3.address, "latest"])
    plain = int(resp["result"], 16)
    resp = w3.provider.make_request(
        "eth_call", [{"to": a3.address, "data": "0x"}, "latest", {a3.address: {"code": "0x4760005260206000f3"}}])
    # code: SELFBALANCE PUSH1 0 MSTORE PUSH1 32 PUSH1 0 RETURN
    assert int(resp["result"], 16) == plain
    resp = w3.provider.make_request(
        "eth_call", [{"to": a3.address, "data": "0x"}, "latest", {a3.address: {"code": "0x4760005260206000f3", "balance": "0x2a"}}])
    assert int(resp["result"], 16) == 42


def test_transaction_types(env):
    node, w3 = env
    a2, a4 = Account.from_key(node.keys[2]), Account.from_key(node.keys[4])
    gp = w3.eth.gas_price
    legacy = send(w3, a2, {"to": a4.address, "value": 1, "gas": 21000, "gasPrice": gp})
    al = send(w3, a2, {"type": 1, "to": a4.address, "value": 2, "gas": 30000, "gasPrice": gp,
                       "accessList": [{"address": a4.address, "storageKeys": ["0x" + "00" * 32]}]})
    dyn = send(w3, a2, {"type": 2, "to": a4.address, "value": 3, "gas": 21000, **fees(w3)})
    assert [legacy["type"], al["type"], dyn["type"]] == [0, 1, 2]
    assert all(r["status"] == 1 for r in (legacy, al, dyn))
    for r, t in ((legacy, 0), (al, 1), (dyn, 2)):
        tx = w3.eth.get_transaction(r["transactionHash"])
        assert tx["type"] == t and tx["from"] == a2.address
    STATE["txs"] += [legacy["transactionHash"], al["transactionHash"], dyn["transactionHash"]]


def test_nonce_gap_held_until_filled(env):
    node, w3 = env
    a5, a6 = Account.from_key(node.keys[5]), Account.from_key(node.keys[6])
    n = w3.eth.get_transaction_count(a5.address)
    later = send(w3, a5, {"to": a6.address, "value": 7, "gas": 21000, "nonce": n + 1, **fees(w3)}, wait=False)
    time.sleep(3)
    with pytest.raises(Exception):
        w3.eth.get_transaction_receipt(later)
    assert w3.eth.get_transaction_count(a5.address) == n
    first = send(w3, a5, {"to": a6.address, "value": 5, "gas": 21000, "nonce": n, **fees(w3)}, wait=False)
    r1 = w3.eth.wait_for_transaction_receipt(first, timeout=30)
    r2 = w3.eth.wait_for_transaction_receipt(later, timeout=30)
    assert r1["status"] == 1 and r2["status"] == 1
    assert w3.eth.get_transaction_count(a5.address) == n + 2
    STATE["txs"] += [first, later]


def test_pool_errors(env):
    node, w3 = env
    a7 = Account.from_key(node.keys[7])
    n = w3.eth.get_transaction_count(a7.address)
    send(w3, a7, {"to": a7.address, "value": 0, "gas": 21000, "nonce": n, **fees(w3)})
    # Nonce too low.
    with pytest.raises(Web3RPCError, match="nonce too low"):
        send(w3, a7, {"to": a7.address, "value": 0, "gas": 21000, "nonce": n, **fees(w3)}, wait=False)
    # Wrong chain id.
    with pytest.raises(Web3RPCError):
        send(w3, a7, {"to": a7.address, "value": 0, "gas": 21000, "nonce": n + 1, "chainId": 1, **fees(w3)}, wait=False)
    # Replacement underpriced.
    base = fees(w3)
    send(w3, a7, {"to": a7.address, "value": 0, "gas": 21000, "nonce": n + 5, **base}, wait=False)
    with pytest.raises(Web3RPCError, match="replacement transaction underpriced"):
        send(w3, a7, {"to": a7.address, "value": 1, "gas": 21000, "nonce": n + 5, **base}, wait=False)
    # Fee cap below the base fee.
    with pytest.raises(Web3RPCError, match="underpriced"):
        send(w3, a7, {"to": a7.address, "value": 0, "gas": 21000, "nonce": n + 6, "maxFeePerGas": 1, "maxPriorityFeePerGas": 1}, wait=False)
    # Unknown method and malformed params.
    resp = w3.provider.make_request("eth_noSuchMethod", [])
    assert resp["error"]["code"] == -32601
    resp = w3.provider.make_request("eth_getBalance", ["0x1234", "latest"])
    assert resp["error"]["code"] == -32602


def test_websocket_subscriptions(env):
    node, w3 = env
    a8, a9 = Account.from_key(node.keys[8]), Account.from_key(node.keys[9])
    token = STATE["token"]

    async def run():
        async with websockets.connect(node.ws_url) as ws:
            await ws.send(json.dumps({"jsonrpc": "2.0", "id": 1, "method": "eth_subscribe",
                                      "params": ["logs", {"address": token.address}]}))
            logs_sub = json.loads(await ws.recv())["result"]
            await ws.send(json.dumps({"jsonrpc": "2.0", "id": 2, "method": "eth_subscribe", "params": ["newHeads"]}))
            heads_sub = json.loads(await ws.recv())["result"]
            # Fund a8 with tokens from a0 in a worker thread while we listen.
            a0 = Account.from_key(node.keys[0])
            loop = asyncio.get_running_loop()
            tx = token.functions.transfer(a8.address, 77).build_transaction(
                {"from": a0.address, "nonce": w3.eth.get_transaction_count(a0.address, "pending"), "chainId": CHAIN_ID, **fees(w3)})
            receipt = await loop.run_in_executor(None, lambda: send(w3, a0, tx))
            got_log, got_head = None, None
            deadline = time.time() + 20
            while (got_log is None or got_head is None) and time.time() < deadline:
                msg = json.loads(await asyncio.wait_for(ws.recv(), 20))
                p = msg.get("params", {})
                if p.get("subscription") == logs_sub:
                    got_log = p["result"]
                elif p.get("subscription") == heads_sub:
                    got_head = p["result"]
            return receipt, got_log, got_head

    receipt, log, head = asyncio.run(run())
    assert log is not None and head is not None
    assert log["transactionHash"] == receipt["transactionHash"].to_0x_hex()
    assert log["address"].lower() == token.address.lower()
    assert int(head["number"], 16) > 0 and head["hash"].startswith("0x")
    STATE["txs"].append(receipt["transactionHash"])


def test_filters(env):
    node, w3 = env
    token = STATE["token"]
    fid = w3.provider.make_request("eth_newFilter", [{"address": token.address}])["result"]
    bid = w3.provider.make_request("eth_newBlockFilter", [])["result"]
    a0, a3 = Account.from_key(node.keys[0]), Account.from_key(node.keys[3])
    tx = token.functions.transfer(a3.address, 5).build_transaction(
        {"from": a0.address, "nonce": w3.eth.get_transaction_count(a0.address, "pending"), "chainId": CHAIN_ID, **fees(w3)})
    r = send(w3, a0, tx)
    changes = w3.provider.make_request("eth_getFilterChanges", [fid])["result"]
    assert r["transactionHash"].to_0x_hex() in [c["transactionHash"] for c in changes]
    blocks = w3.provider.make_request("eth_getFilterChanges", [bid])["result"]
    assert len(blocks) >= 1
    assert w3.provider.make_request("eth_uninstallFilter", [fid])["result"] is True
    fh = w3.eth.fee_history(4, "latest", [50])
    assert len(fh["baseFeePerGas"]) == len(fh["gasUsedRatio"]) + 1
    STATE["txs"].append(r["transactionHash"])


def test_sigkill_restart_keeps_everything(env):
    node, w3 = env
    # Wait for a keystone (block 25).
    deadline = time.time() + 60
    while w3.eth.block_number < 26 and time.time() < deadline:
        time.sleep(0.5)
    ks_before = w3.provider.make_request("kss_getLatestKeystones", [3])["result"]["keystones"]
    assert ks_before and ks_before[0]["l2_block_number"] % 25 == 0
    b25 = w3.eth.get_block(25)
    k25 = [k for k in ks_before if k["l2_block_number"] == 25][0]
    assert k25["ep_hash"] == b25["hash"].hex().removeprefix("0x")
    assert k25["state_root"] == b25["stateRoot"].hex().removeprefix("0x")
    assert k25["parent_ep_hash"] == b25["parentHash"].hex().removeprefix("0x")

    head = w3.eth.block_number
    receipts = {h: dict(w3.eth.get_transaction_receipt(h)) for h in STATE["txs"]}
    txs = {h: dict(w3.eth.get_transaction(h)) for h in STATE["txs"]}
    keys = [Account.from_key(k).address for k in node.keys]
    balances = {a: w3.eth.get_balance(a, head) for a in keys}
    token = STATE["token"]
    token_balances = {a: token.functions.balanceOf(a).call(block_identifier=head) for a in keys}
    block_hashes = [w3.eth.get_block(n)["hash"] for n in range(head + 1)]

    node.kill9()
    w3 = node.start()
    assert w3.eth.block_number >= head
    assert [w3.eth.get_block(n)["hash"] for n in range(head + 1)] == block_hashes
    for h in STATE["txs"]:
        assert dict(w3.eth.get_transaction_receipt(h)) == receipts[h]
        assert dict(w3.eth.get_transaction(h)) == txs[h]
    for a in keys:
        assert w3.eth.get_balance(a, head) == balances[a]
        assert token.functions.balanceOf(a).call(block_identifier=head) == token_balances[a]
    ks_after = w3.provider.make_request("kss_getLatestKeystones", [50])["result"]["keystones"]
    for k in ks_before:
        assert k in ks_after
    # The chain keeps going after the restart.
    a0, a1 = Account.from_key(node.keys[0]), Account.from_key(node.keys[1])
    r = send(w3, a0, {"to": a1.address, "value": 1, "gas": 21000, **fees(w3)})
    assert r["status"] == 1
