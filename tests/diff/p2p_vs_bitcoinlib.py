#!/usr/bin/env python3
"""Cross-check BitcoinP2P message encodings against python-bitcoinlib (PyPI `python-bitcoinlib`, 0.12.2).

The same logical messages are built here with python-bitcoinlib and, in Swift, in
Tests/BitcoinP2PTests/BitcoinlibVectorTests.swift, which holds the expected wire hex. This script
  1. serializes each message with python-bitcoinlib and checks that the Swift test file holds
     exactly that hex for the same name (Swift's test then checks our encoder produces it), and
  2. parses each hex with python-bitcoinlib (`MsgSerializable.from_bytes`) and re-serializes it.

`headers` is deliberately absent: python-bitcoinlib encodes it without the per-header zero tx count.

Usage: python3 tests/diff/p2p_vs_bitcoinlib.py          # check (exit 1 on mismatch)
       python3 tests/diff/p2p_vs_bitcoinlib.py --emit   # print Swift tuples for the test file
"""
import os
import re
import sys

import bitcoin
from bitcoin.core import CMutableTransaction, CMutableTxIn, CMutableTxOut, COutPoint, CTxWitness, CTxInWitness
from bitcoin.core.script import CScript, CScriptWitness
from bitcoin.messages import (MsgSerializable, msg_addr, msg_block, msg_getaddr, msg_getblocks, msg_getdata,
                              msg_getheaders, msg_inv, msg_mempool, msg_notfound, msg_ping, msg_pong, msg_reject,
                              msg_tx, msg_verack, msg_version)
from bitcoin.net import CAddress, CInv

bitcoin.SelectParams("mainnet")
GENESIS = bitcoin.params.GENESIS_BLOCK


def build():
    out = []
    v = msg_version()
    v.nVersion = 70016
    v.nServices = 1 | 8 | 1024
    v.nTime = 1700000000
    v.addrTo = CAddress(); v.addrTo.nServices = 1; v.addrTo.ip = "127.0.0.1"; v.addrTo.port = 8333
    v.addrFrom = CAddress(); v.addrFrom.nServices = 0; v.addrFrom.ip = "0.0.0.0"; v.addrFrom.port = 0
    v.nNonce = 0x0123456789ABCDEF
    v.strSubVer = b"/hemi-swift:0.1/"
    v.nStartingHeight = 840000
    v.fRelay = False
    out.append(("version", v))
    out.append(("verack", msg_verack()))
    out.append(("ping", msg_ping(nonce=0xDEADBEEF)))
    out.append(("pong", msg_pong(nonce=0xDEADBEEF)))
    gh = msg_getheaders()
    gh.locator.nVersion = 70016
    gh.locator.vHave = [GENESIS.GetHash(), b"\x01" * 32]
    out.append(("getheaders", gh))
    gb = msg_getblocks()
    gb.locator.nVersion = 70015
    gb.locator.vHave = [b"\x02" * 32]
    gb.hashstop = b"\x03" * 32
    out.append(("getblocks", gb))

    def inv(t, fill):
        i = CInv(); i.type = t; i.hash = bytes([fill]) * 32
        return i
    m = msg_inv(); m.inv = [inv(2, 4), inv(5, 5)]
    out.append(("inv", m))
    m = msg_getdata(); m.inv = [inv(0x40000002, 6), inv(0x40000001, 7), inv(4, 8), inv(3, 9)]
    out.append(("getdata", m))
    m = msg_notfound(); m.inv = [inv(1, 10)]
    out.append(("notfound", m))
    a = CAddress(); a.nTime = 1600000000; a.nServices = 1 | 8; a.ip = "10.0.0.1"; a.port = 8333
    m = msg_addr(); m.addrs = [a]
    out.append(("addr", m))
    m = msg_tx(); m.tx = GENESIS.vtx[0]
    out.append(("tx_coinbase", m))
    tx = CMutableTransaction(
        [CMutableTxIn(COutPoint(b"\xab" * 32, 1), CScript(), 0xFFFFFFFD)],
        [CMutableTxOut(12345, CScript(bytes([0x00, 0x14]) + b"\x07" * 20))],
        nLockTime=100, nVersion=2,
        witness=CTxWitness([CTxInWitness(CScriptWitness([b"\x30\x44", b"\x02\x03"]))]))
    m = msg_tx(); m.tx = tx
    out.append(("tx_segwit", m))
    m = msg_block(); m.block = GENESIS
    out.append(("block", m))
    out.append(("mempool", msg_mempool()))
    out.append(("getaddr", msg_getaddr()))
    m = msg_reject(); m.message = b"version"; m.ccode = b"\x11"; m.reason = b"obsolete"
    out.append(("reject", m))
    return out


def main():
    msgs = build()
    if "--emit" in sys.argv:
        for name, m in msgs:
            print('        ("%s", "%s"),' % (name, m.to_bytes().hex()))
        return 0
    path = os.path.join(os.path.dirname(__file__), "..", "..", "Tests", "BitcoinP2PTests", "BitcoinlibVectorTests.swift")
    swift = open(path).read()
    pairs = dict(re.findall(r'\(\s*"([a-z_0-9]+)",\s*"([0-9a-f]+)"\s*\)', swift))
    failures = 0
    for name, m in msgs:
        ours = pairs.get(name)
        theirs = m.to_bytes().hex()
        if ours != theirs:
            print("MISMATCH %s\n  swift test: %s\n  bitcoinlib: %s" % (name, ours, theirs))
            failures += 1
            continue
        parsed = MsgSerializable.from_bytes(bytes.fromhex(ours))
        if parsed is None or parsed.to_bytes().hex() != ours:
            print("REPARSE MISMATCH %s" % name)
            failures += 1
    print("%d messages checked, %d failures" % (len(msgs), failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
