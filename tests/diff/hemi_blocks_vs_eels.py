#!/usr/bin/env python3
"""Hemi devnet blocks against the Ethereum execution specification (PyPI `ethereum-execution`
2.20.0, "EELS"), for the part of each block that is plain Ethereum.

Input: a fixture written by `hemi l2 export-blocktest` (network `Hemi-Cancun`, docs/adr/0011). For
every block, starting from the fixture's `pre` state, the user transactions run through EELS's own
Cancun `process_transaction` (signature recovery, validation, gas purchase, EVM, refunds, fees,
EIP-161 cleanup); the OP Stack deposits are applied by this script with the one shape the devnet
produces — the L1-attributes deposit, no mint, no value, to a code-less account, which only bumps
the depositor's nonce and uses its intrinsic gas (OP specs "Deposits", Regolith). The block's gas
used and its state root must then equal the header's. Any other deposit shape, or non-zero L1 fee
parameters, is reported as unsupported (a failure), not skipped.

Usage: python3 tests/diff/hemi_blocks_vs_eels.py FIXTURE.json
Prints one line per failing block and `N passed, M failed` (blocks); exits 1 on any failure.
"""
import json
import os
import sys

root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(root, ".build", "eels"))

try:
    from ethereum_rlp import rlp
    from ethereum_types.bytes import Bytes20, Bytes32
    from ethereum_types.numeric import U64, U256, Uint
    from ethereum.crypto.hash import keccak256
    from ethereum.forks.cancun import fork, vm
    from ethereum.forks.cancun.blocks import Block
    from ethereum.forks.cancun.fork_types import Account
    from ethereum.forks.cancun.state import State, get_account, get_account_optional, set_account, set_storage, state_root
    from ethereum.forks.cancun.transactions import decode_transaction
except ImportError as e:  # the oracle is a test-only dependency
    print(f"ethereum-execution not importable ({e}): run scripts/install-deps --test")
    print("0 passed, 1 failed")
    sys.exit(1)


def q(s):
    return int(s, 16)


def main(path):
    doc = json.load(open(path))
    (name, t), = doc.items()
    cfg = t.get("config", {})
    if t.get("network") != "Hemi-Cancun":
        print(f"network {t.get('network')} not supported (Hemi-Cancun only)")
        return 1
    if any(q(cfg[k]) != 0 for k in ("l1BaseFee", "l1BlobBaseFee")) or cfg.get("baseFeeRecipient") is not None:
        print("non-zero L1 fee or a base-fee vault: not modelled by this oracle")
        return 1
    chain_id = U64(q(cfg["chainid"]))

    state = State()
    for a, acct in t["pre"].items():
        addr = Bytes20(bytes.fromhex(a[2:]))
        set_account(state, addr, Account(nonce=Uint(q(acct["nonce"])), balance=U256(q(acct["balance"])),
                                         code=bytes.fromhex(acct["code"][2:])))
        for k, v in acct["storage"].items():
            set_storage(state, addr, Bytes32(q(k).to_bytes(32, "big")), U256(q(v)))

    hashes = [Bytes32(bytes.fromhex(t["genesisBlockHeader"]["hash"][2:]))]
    passed = failed = 0
    for i, b in enumerate(t["blocks"]):
        raw = bytes.fromhex(b["rlp"][2:])
        block = rlp.decode_to(Block, raw)
        h = block.header
        env = vm.BlockEnvironment(
            chain_id=chain_id, state=state, block_gas_limit=h.gas_limit, block_hashes=hashes[-256:],
            coinbase=h.coinbase, number=h.number, base_fee_per_gas=h.base_fee_per_gas, time=h.timestamp,
            prev_randao=h.prev_randao, excess_blob_gas=h.excess_blob_gas,
            parent_beacon_block_root=h.parent_beacon_block_root)
        out = vm.BlockOutput()
        why = None
        for j, tx in enumerate(block.transactions):
            if isinstance(tx, bytes) and tx[:1] == b"\x7e":
                _src, frm, to, mint, value, gas, _sys, data = rlp.decode(tx[1:])
                to_acct = get_account_optional(state, Bytes20(to)) if to else None
                if not to or int.from_bytes(mint, "big") or int.from_bytes(value, "big") or (to_acct and to_acct.code):
                    why = f"tx {j}: deposit shape not modelled (mint/value/code/create)"
                    break
                intrinsic = 21000 + sum(4 if x == 0 else 16 for x in data)
                if intrinsic > int.from_bytes(gas, "big"):
                    why = f"tx {j}: deposit below intrinsic gas not modelled"
                    break
                sender = Bytes20(frm)
                a = get_account(state, sender)
                set_account(state, sender, Account(nonce=a.nonce + Uint(1), balance=a.balance, code=a.code))
                out.block_gas_used += Uint(intrinsic)
            else:
                try:
                    fork.process_transaction(env, out, decode_transaction(tx), Uint(j))
                except Exception as e:  # EELS rejects the transaction: the block is invalid for it
                    why = f"tx {j}: EELS rejects it: {type(e).__name__} {e}"
                    break
        if why is None:
            root = state_root(state)
            if out.block_gas_used != h.gas_used:
                why = f"gas used {out.block_gas_used} != header {h.gas_used}"
            elif root != h.state_root:
                why = f"state root {root.hex()} != header {h.state_root.hex()}"
        if why:
            failed += 1
            print(f"FAIL block {int(h.number)}: {why}")
            break  # later blocks build on a state that already differs
        passed += 1
        hashes.append(keccak256(rlp.encode(h)))
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    if len(sys.argv) != 2:
        print(__doc__)
        sys.exit(2)
    sys.exit(main(sys.argv[1]))
