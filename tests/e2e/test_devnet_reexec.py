"""Independent re-execution of devnet blocks (issue 6, docs/adr/0011-rollup-block-rules.md).

Runs `hemi devnet --block-time 0` (one block per transaction), sends 110+ transactions of every
kind the devnet takes through JSON-RPC (ERC-20 deployment from contracts/build/ERC20.json and
transfers, reverting token transfers, plain ETH transfers as legacy / pre-EIP-155 / EIP-2930 /
EIP-1559, contract creations, a reverting creation, an out-of-gas call), stops the node, exports
the chain with `hemi l2 export-blocktest`, and re-executes it with `hemi evm blocktest` — the
Ethereum block executor with the rollup rules, a code path separate from the sequencer's
BlockBuilder. Then checks that tampered exports (a state root, a transaction, the post-state)
fail, and runs tests/diff/hemi_blocks_vs_eels.py (the user transactions through the execution
specification, EELS) on the export.

Binary: $HEMI_BIN, else .build/release/hemi, else .build/debug/hemi.
Run: python3 -m pytest -q tests/e2e/test_devnet_reexec.py
"""

import copy
import json
import os
import shutil
import subprocess
import tempfile

import pytest
import rlp
from eth_account import Account
from eth_utils import keccak
from web3 import Web3

from test_devnet import CHAIN_ID, Node, erc20_artifact, free_port, hemi_binary

TARGET_BLOCKS = 110


@pytest.fixture(scope="module")
def exported():
    tmp = tempfile.mkdtemp(prefix="hemi-reexec-")
    datadir = os.path.join(tmp, "chain")
    node = Node(datadir, free_port(), extra_args=["--block-time", "0"])
    w3 = node.start()
    try:
        kinds = _traffic(node, w3)
        head = w3.eth.block_number
    finally:
        node.stop()
    out = os.path.join(tmp, "blocks.json")
    r = subprocess.run([hemi_binary(), "l2", "export-blocktest", "--datadir", datadir, "--output", out],
                       capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    yield tmp, out, head, kinds
    shutil.rmtree(tmp, ignore_errors=True)


def _traffic(node, w3):
    accts = [Account.from_key(k) for k in node.keys[:5]]
    nonces = {a.address: w3.eth.get_transaction_count(a.address) for a in accts}
    kinds = {}
    hashes = []
    gp = w3.eth.gas_price * 2

    def send(acct, tx, kind, legacy_pre155=False):
        tx = dict(tx)
        tx["nonce"] = nonces[acct.address]
        if not legacy_pre155:
            tx["chainId"] = CHAIN_ID
        signed = acct.sign_transaction(tx)
        h = w3.eth.send_raw_transaction(signed.raw_transaction)
        nonces[acct.address] += 1
        kinds[kind] = kinds.get(kind, 0) + 1
        hashes.append(h)
        return h

    art = erc20_artifact()
    token_c = w3.eth.contract(abi=art["abi"], bytecode=art["bytecode"])
    deploy = token_c.constructor("Token", "TOK", 18, 10**24).build_transaction(
        {"from": accts[0].address, "gas": 3_000_000, "gasPrice": gp, "nonce": 0, "chainId": CHAIN_ID})
    h = send(accts[0], {k: deploy[k] for k in ("data", "gas", "gasPrice")}, "create ERC-20")
    receipt = w3.eth.wait_for_transaction_receipt(h, timeout=60)
    token = w3.eth.contract(address=receipt["contractAddress"], abi=art["abi"])
    # Runtime: SSTORE(CALLER, calldata[0]); LOG1. Init code returns it.
    runtime = bytes.fromhex("6000353355600035600052336020 6000a100".replace(" ", ""))
    init = bytes([0x60, len(runtime), 0x60, 0x0c, 0x60, 0x00, 0x39, 0x60, len(runtime), 0x60, 0x00, 0xf3]) + runtime
    h = send(accts[1], {"data": init, "gas": 200_000, "gasPrice": gp}, "create")
    logger = w3.eth.wait_for_transaction_receipt(h, timeout=60)["contractAddress"]

    i = 0
    while len(hashes) < TARGET_BLOCKS + 5:
        i += 1
        r = i % 9
        to = accts[(i % 4) + 1].address
        if r == 0:
            data = token.encode_abi("transfer", [to, i * 10**18])
            send(accts[0], {"to": token.address, "data": data, "gas": 100_000, "gasPrice": gp}, "erc20 transfer")
        elif r == 1:
            data = token.encode_abi("transfer", [accts[0].address, 10**30])
            send(accts[2], {"to": token.address, "data": data, "gas": 100_000, "gasPrice": gp}, "erc20 revert")
        elif r == 2:
            send(accts[3], {"to": to, "value": i, "gas": 21_000, "gasPrice": gp}, "legacy")
        elif r == 3:
            send(accts[3], {"to": to, "value": i, "gas": 21_000, "gasPrice": gp}, "legacy pre-155", legacy_pre155=True)
        elif r == 4:
            send(accts[4], {"type": 1, "to": logger, "data": (i).to_bytes(32, "big"), "gas": 80_000, "gasPrice": gp,
                            "accessList": [{"address": logger, "storageKeys": ["0x" + "00" * 12 + accts[4].address[2:]]}]},
                 "access list call")
        elif r == 5:
            send(accts[4], {"type": 2, "to": to, "value": 10**15, "gas": 21_000, "maxFeePerGas": gp,
                            "maxPriorityFeePerGas": 10**9}, "eip-1559 transfer")
        elif r == 6:
            send(accts[1], {"data": init, "gas": 200_000, "gasPrice": gp}, "create")
        elif r == 7:
            send(accts[1], {"data": bytes([0x60, 0, 0x60, 0, 0xfd]), "gas": 100_000, "gasPrice": gp}, "create revert")
        else:
            send(accts[2], {"to": logger, "data": (7).to_bytes(32, "big"), "gas": 23_000, "gasPrice": gp}, "out of gas")
    for h in hashes:
        w3.eth.wait_for_transaction_receipt(h, timeout=60)
    statuses = [w3.eth.get_transaction_receipt(h)["status"] for h in hashes]
    assert statuses.count(0) >= 20 and statuses.count(1) >= 60
    return kinds


def blocktest(path):
    return subprocess.run([hemi_binary(), "evm", "blocktest", path], capture_output=True, text=True, timeout=600)


def test_export_reexecutes(exported):
    tmp, out, head, kinds = exported
    assert head >= TARGET_BLOCKS, head
    assert len(kinds) >= 9, kinds
    fixture = json.load(open(out))
    (name, t), = fixture.items()
    assert t["network"] == "Hemi-Cancun" and len(t["blocks"]) == head
    r = blocktest(out)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "1 passed, 0 failed" in r.stdout, r.stdout
    print(f"\n{head} blocks, traffic {kinds}; hemi evm blocktest: {r.stdout.strip()}")


def _tampered(exported, mutate):
    tmp, out, _, _ = exported
    t = json.load(open(out))
    (name, f), = t.items()
    f = copy.deepcopy(f)
    mutate(f)
    p = os.path.join(tmp, "tampered.json")
    json.dump({name: f}, open(p, "w"))
    return blocktest(p)


def _block(f, i):
    return rlp.decode(bytes.fromhex(f["blocks"][i]["rlp"][2:]))


def _set_block(f, i, blk, update_last=False):
    enc = rlp.encode(blk)
    f["blocks"][i]["rlp"] = "0x" + enc.hex()
    if update_last:
        f["lastblockhash"] = "0x" + keccak(rlp.encode(blk[0])).hex()


def test_changed_state_root_fails(exported):
    def mutate(f):
        blk = _block(f, -1)
        blk[0][3] = keccak(b"not the state root")
        _set_block(f, -1, blk, update_last=True)
    r = _tampered(exported, mutate)
    assert r.returncode == 1 and "state root" in r.stdout, r.stdout


def test_tampered_transaction_fails(exported):
    def mutate(f):
        blk = _block(f, -1)
        tx = blk[1][-1]  # the block's user transaction (legacy: a list; typed: bytes)
        if isinstance(tx, list):
            tx[4] = (int.from_bytes(tx[4], "big") + 1).to_bytes(32, "big").lstrip(b"\0")
        else:
            tx = tx[:-1] + bytes([tx[-1] ^ 1])
        blk[1][-1] = tx
        _set_block(f, -1, blk)
    r = _tampered(exported, mutate)
    assert r.returncode == 1 and "FAIL" in r.stdout, r.stdout


def test_changed_post_state_fails(exported):
    def mutate(f):
        a = next(iter(k for k, v in f["postState"].items() if int(v["balance"], 16) > 0))
        f["postState"][a]["balance"] = hex(int(f["postState"][a]["balance"], 16) + 1)
    r = _tampered(exported, mutate)
    assert r.returncode == 1 and "balance" in r.stdout, r.stdout


def test_user_transactions_match_eels(exported):
    # The Ethereum part of every block (all user transactions) re-executed by the execution
    # specification (EELS, .build/eels from scripts/install-deps --test): same gas used and state root.
    tmp, out, head, _ = exported
    script = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "diff", "hemi_blocks_vs_eels.py")
    r = subprocess.run(["python3", script, out], capture_output=True, text=True, timeout=1200)
    assert r.returncode == 0, r.stdout + r.stderr
    assert f"{head} passed, 0 failed" in r.stdout, r.stdout
    print(f"\nEELS: {r.stdout.strip()}")

    # The oracle can disagree: one more wei in the pre-state changes block 1's state root.
    def mutate(f):
        a = next(k for k, v in f["pre"].items() if int(v["balance"], 16) > 0)
        f["pre"][a]["balance"] = hex(int(f["pre"][a]["balance"], 16) + 1)
    _tampered(exported, mutate)
    bad = subprocess.run(["python3", script, os.path.join(tmp, "tampered.json")], capture_output=True, text=True,
                         timeout=1200)
    assert bad.returncode == 1 and "FAIL block 1: state root" in bad.stdout, bad.stdout
