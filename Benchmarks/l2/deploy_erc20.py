#!/usr/bin/env python3
"""Deploys contracts/build/ERC20.json on a running hemi devnet with dev account 0 and prints
the token address and the calldata of balanceOf(account 0) — the eth_call target for load.py.

    Benchmarks/l2/deploy_erc20.py http://127.0.0.1:8545
"""
import json
import sys
from pathlib import Path

from eth_account import Account
from web3 import Web3

KEY0 = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80"  # test mnemonic, account 0
url = sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8545"
art = json.loads((Path(__file__).resolve().parents[2] / "contracts/build/ERC20.json").read_text())
w3 = Web3(Web3.HTTPProvider(url))
a0 = Account.from_key(KEY0)
Token = w3.eth.contract(abi=art["abi"], bytecode=art["bytecode"])
tx = Token.constructor("Load", "LD", 18, 10**27).build_transaction(
    {"from": a0.address, "nonce": w3.eth.get_transaction_count(a0.address, "pending"), "chainId": w3.eth.chain_id})
h = w3.eth.send_raw_transaction(a0.sign_transaction(tx).raw_transaction)
r = w3.eth.wait_for_transaction_receipt(h, timeout=60)
token = w3.eth.contract(address=r["contractAddress"], abi=art["abi"])
data = token.encode_abi("balanceOf", [a0.address])
print(r["contractAddress"], data)
