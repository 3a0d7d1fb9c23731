#!/usr/bin/env python3
"""Smoke test of contracts/build/ERC20.json on revm (PyPI pyrevm): deploy with constructor args,
check name/symbol/decimals/totalSupply/balanceOf, transfer, approve/transferFrom, and that an
over-balance transfer reverts with Error(string) "insufficient balance" (the payload the RPC layer
turns into `execution reverted: insufficient balance`).

Usage: PYTHONPATH=<dir with pyrevm> contracts/smoke_erc20.py
"""
import json
import pathlib
import sys

from pyrevm import EVM

art = json.loads((pathlib.Path(__file__).parent / "build" / "ERC20.json").read_text())
DEPLOYER = "0x" + "11" * 20
ALICE = "0x" + "22" * 20
BOB = "0x" + "33" * 20


def word(n):
    return n.to_bytes(32, "big")


def addr(a):
    return bytes(12) + bytes.fromhex(a[2:])


def abi_string(s):
    b = s.encode()
    return word(len(b)) + b + bytes(-len(b) % 32)


def selector(sig):
    from Crypto.Hash import keccak  # pycryptodome (installed with vyper)
    return keccak.new(digest_bits=256, data=sig.encode()).digest()[:4]


def call(evm, sender, to, sig, args=b"", commit=True):
    return bytes(evm.message_call(caller=sender, to=to, calldata=selector(sig) + args, is_static=not commit))


supply = 10**24
name, symbol = "Hemi Test", "HTT"
# constructor(string,string,uint8,uint256): head of 4 words, then the two strings.
head = word(4 * 32) + word(4 * 32 + len(abi_string(name))) + word(18) + word(supply)
ctor = head + abi_string(name) + abi_string(symbol)
evm = EVM()
evm.set_balance(DEPLOYER, 10**20)
token = evm.deploy(DEPLOYER, bytes.fromhex(art["bytecode"][2:]) + ctor)

checks = 0


def expect(cond, what):
    global checks
    checks += 1
    if not cond:
        sys.exit(f"FAIL: {what}")


def uint(b):
    return int.from_bytes(b[:32], "big")


def string_of(b):
    off = uint(b)
    n = uint(b[off:])
    return b[off + 32: off + 32 + n].decode()


expect(string_of(call(evm, ALICE, token, "name()", commit=False)) == name, "name")
expect(string_of(call(evm, ALICE, token, "symbol()", commit=False)) == symbol, "symbol")
expect(uint(call(evm, ALICE, token, "decimals()", commit=False)) == 18, "decimals")
expect(uint(call(evm, ALICE, token, "totalSupply()", commit=False)) == supply, "totalSupply")
expect(uint(call(evm, ALICE, token, "balanceOf(address)", addr(DEPLOYER), commit=False)) == supply, "deployer balance")
expect(uint(call(evm, DEPLOYER, token, "transfer(address,uint256)", addr(ALICE) + word(1000))) == 1, "transfer")
expect(uint(call(evm, ALICE, token, "balanceOf(address)", addr(ALICE), commit=False)) == 1000, "alice balance")
expect(uint(call(evm, ALICE, token, "approve(address,uint256)", addr(BOB) + word(300))) == 1, "approve")
expect(uint(call(evm, ALICE, token, "allowance(address,address)", addr(ALICE) + addr(BOB), commit=False)) == 300,
       "allowance")
expect(uint(call(evm, BOB, token, "transferFrom(address,address,uint256)", addr(ALICE) + addr(BOB) + word(200))) == 1,
       "transferFrom")
expect(uint(call(evm, ALICE, token, "allowance(address,address)", addr(ALICE) + addr(BOB), commit=False)) == 100,
       "allowance after transferFrom")
expect(uint(call(evm, BOB, token, "balanceOf(address)", addr(BOB), commit=False)) == 200, "bob balance")

try:
    call(evm, ALICE, token, "transfer(address,uint256)", addr(BOB) + word(10**6))
    expect(False, "over-balance transfer must revert")
except Exception as e:  # pyrevm raises on revert; the message carries the output bytes
    text = str(e).lower()
    # Error(string) ABI encoding of "insufficient balance": selector, offset 0x20, length 0x14, bytes.
    want = ("08c379a0" + word(32).hex() + word(20).hex() + "insufficient balance".encode().hex().ljust(64, "0"))
    expect(want in text, f"revert payload is Error(string) 'insufficient balance': {text[:400]}")
    print(f"revert: {text[:200]}")
print(f"ok: {checks} checks on {art['compiler']} ERC20")
