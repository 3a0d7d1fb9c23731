#!/usr/bin/env python3
"""Prague block execution against the Ethereum execution specification (PyPI `ethereum-execution`
2.20.0, the "EELS" reference implementation).

The offline BlockchainTests are all Cancun, so Prague's block-level rules (EIP-2935 history storage,
EIP-6110 deposits from logs, EIP-7002/7251 request system calls, EIP-7685 requests hash, EIP-7691
blob parameters) are not covered by them. This script builds a small Prague chain with the
specification itself: a genesis holding the four system contracts (bytecode as published in the
EIPs), a stand-in deposit contract that emits the `DepositEvent` log it is called with, and blocks
that queue withdrawal and consolidation requests, make deposits, pay withdrawals and transfer value.
Two blocks carry 7 and 9 blobs (EIP-7691: above Cancun's limit, up to Prague's). Each block's header commitments (state root, receipts root, bloom, gas used, requests hash, …) come
from the specification's `apply_body`, and the block is then accepted by its `state_transition`.
It also adds a block with a wrong requests hash, which the specification rejects.

The chain is written as a BlockchainTests fixture and run through `hemi evm blocktest`; the script
exits non-zero unless hemi passes it (head, post-state, the rejected block).

Usage: python3 tests/diff/prague_blocks_vs_eels.py HEMI_BINARY [--keep FILE]
Needs `ethereum-execution` importable (scripts/install-deps --test installs it into .build/eels,
which this script puts on sys.path).
"""
import copy
import dataclasses
import json
import os
import subprocess
import sys
import tempfile

root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(root, ".build", "eels"))

try:
    import coincurve
    from ethereum_rlp import rlp
    from ethereum_types.bytes import Bytes0, Bytes8, Bytes20, Bytes32, Bytes256
    from ethereum_types.numeric import U64, U256, Uint
    from ethereum.crypto.hash import keccak256
    from ethereum.forks.prague import fork
    from ethereum.forks.prague.blocks import Block, Header, Withdrawal
    from ethereum.forks.prague.fork_types import Account
    from ethereum.forks.prague.requests import compute_requests_hash
    from ethereum.forks.prague.state import State, set_account, state_root
    from ethereum.forks.prague.transactions import (BlobTransaction, FeeMarketTransaction, encode_transaction,
                                                   signing_hash_1559, signing_hash_4844)
    from ethereum.forks.prague.trie import Trie, copy_trie, root as trie_root
    from ethereum.forks.prague.vm import BlockEnvironment
    from ethereum.forks.prague.vm.gas import calculate_excess_blob_gas
except ImportError as e:  # the oracle is a test-only dependency
    print(f"ethereum-execution not importable ({e}): run scripts/install-deps --test")
    print("0 passed, 1 failed")
    sys.exit(1)

# System contract bytecode, as published in EIP-4788, EIP-2935, EIP-7002 and EIP-7251.
BEACON_ROOTS = ("000F3df6D732807Ef1319fB7B8bB8522d0Beac02",
                "3373fffffffffffffffffffffffffffffffffffffffe14604d57602036146024575f5ffd5b5f35801560495762001fff810690815414603c575f5ffd5b62001fff01545f5260205ff35b5f5ffd5b62001fff42064281555f359062001fff015500")
HISTORY = ("0000F90827F1C53a10cb7A02335B175320002935",
           "3373fffffffffffffffffffffffffffffffffffffffe14604657602036036042575f35600143038111604257611fff81430311604257611fff9006545f5260205ff35b5f5ffd5b5f35611fff60014303065500")
WITHDRAWALS = ("00000961Ef480Eb55e80D19ad83579A64c007002",
               "3373fffffffffffffffffffffffffffffffffffffffe1460cb5760115f54807fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff146101f457600182026001905f5b5f82111560685781019083028483029004916001019190604d565b909390049250505036603814608857366101f457346101f4575f5260205ff35b34106101f457600154600101600155600354806003026004013381556001015f35815560010160203590553360601b5f5260385f601437604c5fa0600101600355005b6003546002548082038060101160df575060105b5f5b8181146101835782810160030260040181604c02815460601b8152601401816001015481526020019060020154807fffffffffffffffffffffffffffffffff00000000000000000000000000000000168252906010019060401c908160381c81600701538160301c81600601538160281c81600501538160201c81600401538160181c81600301538160101c81600201538160081c81600101535360010160e1565b910180921461019557906002556101a0565b90505f6002555f6003555b5f54807fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff14156101cd57505f5b6001546002828201116101e25750505f6101e8565b01600290035b5f555f600155604c025ff35b5f5ffd")
CONSOLIDATIONS = ("0000BBdDc7CE488642fb579F8B00f3a590007251",
                  "3373fffffffffffffffffffffffffffffffffffffffe1460d35760115f54807fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff1461019a57600182026001905f5b5f82111560685781019083028483029004916001019190604d565b9093900492505050366060146088573661019a573461019a575f5260205ff35b341061019a57600154600101600155600354806004026004013381556001015f358155600101602035815560010160403590553360601b5f5260605f60143760745fa0600101600355005b6003546002548082038060021160e7575060025b5f5b8181146101295782810160040260040181607402815460601b815260140181600101548152602001816002015481526020019060030154905260010160e9565b910180921461013b5790600255610146565b90505f6002555f6003555b5f54807fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff141561017357505f5b6001546001828201116101885750505f61018e565b01600190035b5f555f6001556074025ff35b5f5ffd")
DEPOSIT_CONTRACT = "00000000219ab540356cBB839Cbe05303d7705Fa"
DEPOSIT_TOPIC = "649bbc62d0e31342afea4e5cd82d4049e7e1ee912fc0889aa790803be39038c5"
# Stand-in deposit contract: LOG1(calldata, DepositEvent topic).
DEPOSIT_CODE = "365f5f37" + "7f" + DEPOSIT_TOPIC + "365fa100"

KEY = coincurve.PrivateKey(bytes.fromhex("45a915e4d060149eb4365960e6a7a45f334393093061116b197e3240065ff2d8"))
SENDER = keccak256(KEY.public_key.format(compressed=False)[1:])[12:]
CHAIN_ID = 1
EMPTY_ROOT = trie_root(Trie(secured=False, default=None))


def addr(h):
    return Bytes20(bytes.fromhex(h))


def word(v):
    return v.to_bytes(32, "big")


def deposit_log_data(seed):
    """ABI encoding of DepositEvent(bytes pubkey, bytes wc, bytes amount, bytes sig, bytes index)."""
    fields = [bytes([seed]) * 48, bytes([seed + 1]) * 32, (32_000_000_000 + seed).to_bytes(8, "little"),
              bytes([seed + 2]) * 96, seed.to_bytes(8, "little")]
    head, tail = b"", b""
    for f in fields:
        head += word(5 * 32 + len(tail))
        tail += word(len(f)) + f + b"\0" * ((32 - len(f) % 32) % 32)
    return head + tail


def sign_1559(nonce, to, value, data, gas=300_000):
    tx = FeeMarketTransaction(
        chain_id=U64(CHAIN_ID), nonce=U256(nonce), max_priority_fee_per_gas=Uint(2),
        max_fee_per_gas=Uint(10**10), gas=Uint(gas), to=to, value=U256(value), data=data,
        access_list=(), y_parity=U256(0), r=U256(0), s=U256(0))
    sig = KEY.sign_recoverable(signing_hash_1559(tx), hasher=None)
    tx = dataclasses.replace(tx, r=U256(int.from_bytes(sig[:32], "big")), s=U256(int.from_bytes(sig[32:64], "big")),
                             y_parity=U256(sig[64]))
    return encode_transaction(tx)


def clone_state(state):
    return State(_main_trie=copy_trie(state._main_trie),
                 _storage_tries={a: copy_trie(t) for a, t in state._storage_tries.items()})


def sign_blob(nonce, to, blobs):
    """A type-3 transaction carrying `blobs` versioned hashes (version 0x01; no sidecar in the EL)."""
    tx = BlobTransaction(
        chain_id=U64(CHAIN_ID), nonce=U256(nonce), max_priority_fee_per_gas=Uint(1),
        max_fee_per_gas=Uint(10**10), gas=Uint(21_000), to=to, value=U256(0), data=b"", access_list=(),
        max_fee_per_blob_gas=U256(10**6),
        blob_versioned_hashes=tuple(Bytes32(b"\x01" + bytes([i]) * 31) for i in range(blobs)),
        y_parity=U256(0), r=U256(0), s=U256(0))
    sig = KEY.sign_recoverable(signing_hash_4844(tx), hasher=None)
    tx = dataclasses.replace(tx, r=U256(int.from_bytes(sig[:32], "big")), s=U256(int.from_bytes(sig[32:64], "big")),
                             y_parity=U256(sig[64]))
    return encode_transaction(tx)


def header_hash(h):
    return keccak256(rlp.encode(h))


def dump_state(state):
    out = {}
    for a, acct in state._main_trie._data.items():
        if acct is None:
            continue
        storage = {}
        st = state._storage_tries.get(a)
        if st is not None:
            for k, v in st._data.items():
                if int(v) != 0:
                    storage[hex(int.from_bytes(k, "big"))] = hex(int(v))
        out["0x" + bytes(a).hex()] = {"nonce": hex(int(acct.nonce)), "balance": hex(int(acct.balance)),
                                      "code": "0x" + bytes(acct.code).hex(), "storage": storage}
    return out


def build_block(chain, number, txs, withdrawals, timestamp):
    parent = chain.blocks[-1].header
    base_fee = fork.calculate_base_fee_per_gas(parent.gas_limit, parent.gas_limit, parent.gas_used,
                                               parent.base_fee_per_gas)
    env = BlockEnvironment(
        chain_id=chain.chain_id, state=clone_state(chain.state), block_gas_limit=parent.gas_limit,
        block_hashes=fork.get_last_256_block_hashes(chain), coinbase=addr("c0ffee" + "00" * 17),
        number=Uint(number), base_fee_per_gas=base_fee, time=U256(timestamp),
        prev_randao=Bytes32(bytes([number]) * 32), excess_blob_gas=calculate_excess_blob_gas(parent),
        parent_beacon_block_root=Bytes32(bytes([0xbe, number]) * 16))
    out = fork.apply_body(env, tuple(txs), tuple(withdrawals))
    header = Header(
        parent_hash=header_hash(parent), ommers_hash=fork.EMPTY_OMMER_HASH, coinbase=env.coinbase,
        state_root=state_root(env.state), transactions_root=trie_root(out.transactions_trie),
        receipt_root=trie_root(out.receipts_trie), bloom=fork.logs_bloom(out.block_logs),
        difficulty=Uint(0), number=Uint(number), gas_limit=parent.gas_limit, gas_used=out.block_gas_used,
        timestamp=U256(timestamp), extra_data=b"prague", prev_randao=env.prev_randao, nonce=Bytes8(b"\0" * 8),
        base_fee_per_gas=base_fee, withdrawals_root=trie_root(out.withdrawals_trie),
        blob_gas_used=out.blob_gas_used, excess_blob_gas=env.excess_blob_gas,
        parent_beacon_block_root=env.parent_beacon_block_root, requests_hash=compute_requests_hash(out.requests))
    return Block(header=header, transactions=tuple(txs), ommers=(), withdrawals=tuple(withdrawals)), out.requests


def main():
    if len(sys.argv) < 2:
        print(__doc__)
        sys.exit(2)
    hemi = sys.argv[1]
    keep = sys.argv[sys.argv.index("--keep") + 1] if "--keep" in sys.argv else None

    state = State()
    for a, code in (BEACON_ROOTS, HISTORY, WITHDRAWALS, CONSOLIDATIONS):
        set_account(state, addr(a), Account(nonce=Uint(1), balance=U256(0), code=bytes.fromhex(code)))
    set_account(state, addr(DEPOSIT_CONTRACT), Account(nonce=Uint(1), balance=U256(0),
                                                       code=bytes.fromhex(DEPOSIT_CODE)))
    set_account(state, SENDER, Account(nonce=Uint(0), balance=U256(10**21), code=b""))
    pre = dump_state(state)
    genesis_header = Header(
        parent_hash=Bytes32(b"\0" * 32), ommers_hash=fork.EMPTY_OMMER_HASH, coinbase=Bytes20(b"\0" * 20),
        state_root=state_root(state), transactions_root=EMPTY_ROOT, receipt_root=EMPTY_ROOT,
        bloom=Bytes256(b"\0" * 256), difficulty=Uint(0), number=Uint(0), gas_limit=Uint(30_000_000),
        gas_used=Uint(0), timestamp=U256(0), extra_data=b"", prev_randao=Bytes32(b"\0" * 32),
        nonce=Bytes8(b"\0" * 8), base_fee_per_gas=Uint(10**9), withdrawals_root=EMPTY_ROOT,
        blob_gas_used=U64(0), excess_blob_gas=U64(0), parent_beacon_block_root=Bytes32(b"\0" * 32),
        requests_hash=compute_requests_hash([]))
    genesis = Block(header=genesis_header, transactions=(), ommers=(), withdrawals=())
    chain = fork.BlockChain(blocks=[genesis], state=state, chain_id=U64(CHAIN_ID))

    recipient = addr("00" * 19 + "77")
    plans = [
        # Block 1: a withdrawal request (56-byte input, fee 1 wei at zero excess), a consolidation
        # request (96 bytes), one deposit, a transfer; two withdrawals, one of zero Gwei.
        ([sign_1559(0, addr(WITHDRAWALS[0]), 1, bytes([0xaa]) * 48 + (5).to_bytes(8, "big")),
          sign_1559(1, addr(CONSOLIDATIONS[0]), 1, bytes([0xbb]) * 48 + bytes([0xcc]) * 48),
          sign_1559(2, addr(DEPOSIT_CONTRACT), 0, deposit_log_data(1)),
          sign_1559(3, recipient, 12345, b"", gas=21_000)],
         [Withdrawal(index=U64(0), validator_index=U64(7), address=addr("00" * 19 + "99"), amount=U256(5)),
          Withdrawal(index=U64(1), validator_index=U64(8), address=addr("00" * 19 + "98"), amount=U256(0))]),
        # Block 2: two deposits in two transactions, three withdrawal requests, no withdrawals.
        ([sign_1559(4, addr(DEPOSIT_CONTRACT), 0, deposit_log_data(10)),
          sign_1559(5, addr(DEPOSIT_CONTRACT), 0, deposit_log_data(20))]
         + [sign_1559(6 + i, addr(WITHDRAWALS[0]), 2, bytes([i]) * 48 + (i).to_bytes(8, "big")) for i in range(3)],
         []),
        # Block 3: 7 blobs, above Cancun's maximum of 6 and the Prague target of 6 (EIP-7691).
        ([sign_1559(9, recipient, 1, b"", gas=21_000), sign_blob(10, recipient, 7)], []),
        # Block 4: 9 blobs (the Prague maximum) at a non-zero excess blob gas and blob base fee.
        ([sign_blob(11, recipient, 5), sign_blob(12, recipient, 4)], []),
        # Block 5: empty (the history and beacon-root contracts still run; the queues are empty).
        ([], []),
    ]
    blocks_json = []
    all_requests = []
    for n, (txs, ws) in enumerate(plans, start=1):
        block, requests = build_block(chain, n, txs, ws, 12 * n)
        fork.state_transition(chain, block)  # the specification accepts it
        blocks_json.append({"rlp": "0x" + rlp.encode(block).hex()})
        all_requests.append([r.hex() for r in requests])
    head = header_hash(chain.blocks[-1].header)

    # A child of the head with a wrong requests hash: the specification rejects it.
    bad, _ = build_block(chain, len(plans) + 1, [], [], 12 * (len(plans) + 1))
    bad = dataclasses.replace(bad, header=dataclasses.replace(bad.header, requests_hash=Bytes32(b"\x11" * 32)))
    try:
        fork.state_transition(fork.BlockChain(blocks=list(chain.blocks), state=clone_state(chain.state), chain_id=chain.chain_id), bad)
        print("FAIL oracle accepted a block with a wrong requests hash")
        print("0 passed, 1 failed")
        sys.exit(1)
    except Exception:
        pass
    blocks_json.append({"rlp": "0x" + rlp.encode(bad).hex(), "expectException": "BlockException.INVALID_REQUESTS"})

    fixture = {"prague_system_contracts_and_requests": {
        "network": "Prague", "sealEngine": "NoProof", "pre": pre,
        "genesisRLP": "0x" + rlp.encode(genesis).hex(),
        "genesisBlockHeader": {"hash": "0x" + bytes(header_hash(genesis_header)).hex()},
        "blocks": blocks_json, "postState": dump_state(chain.state), "lastblockhash": "0x" + bytes(head).hex(),
        "_info": {"comment": "generated by tests/diff/prague_blocks_vs_eels.py from ethereum-execution 2.20.0",
                  "requests": all_requests}}}
    nonempty = sum(1 for rs in all_requests for r in rs if len(r) > 2)
    print(f"built {len(plans)} Prague blocks with the specification ({nonempty} non-empty request lists) + 1 invalid")
    path = keep or tempfile.mkstemp(suffix=".json")[1]
    with open(path, "w") as f:
        json.dump(fixture, f)
    r = subprocess.run([hemi, "evm", "blocktest", path], capture_output=True, text=True)
    print(r.stdout.strip())
    if not keep:
        os.unlink(path)
    ok = r.returncode == 0 and "1 passed, 0 failed" in r.stdout and nonempty >= 3
    print("1 passed, 0 failed" if ok else "0 passed, 1 failed")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
