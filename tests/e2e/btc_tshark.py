#!/usr/bin/env python3
"""Wireshark's bitcoin dissector over a captured P2P session between two `hemi btc node` processes
(issue 5, done-when "tshark").

Captures loopback traffic on A's P2P port with `tshark -i lo -f 'tcp port N' -w FILE` while:
A mines 101 blocks with workload spends; B connects and syncs (version, verack, getheaders, headers,
getdata, block); A puts a wallet transaction into its mempool and announces it (inv → getdata → tx);
A mines it into a block from the mempool (generatetoaddress) and B follows. Then
`tshark -r FILE -d tcp.port==N,bitcoin -Y _ws.malformed` must print nothing, and the bitcoin commands
seen must include version, verack, getheaders, headers, getdata, block, inv and tx.
Needs tshark (scripts/install-deps --test) and permission to capture on lo (root or CAP_NET_RAW).
Usage: tests/e2e/btc_tshark.py [HEMI]. Exit 0 on success.
"""
import os, shutil, signal, subprocess, sys, time
from collections import Counter

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from btcnet import Failures, Node, TempDir, finish, hemi_bin, log, segwit_address, wait_synced  # noqa: E402

hemi = hemi_bin(sys.argv)
t_start = time.time()
tmp = TempDir("hemi-btc-tshark-")
f = Failures()
a, b = Node(hemi, tmp.path, "A"), Node(hemi, tmp.path, "B")
pcap = os.path.join(tmp.path, "p2p.pcap")
cap = None

try:
    if not shutil.which("tshark"):
        raise RuntimeError("tshark is not installed (scripts/install-deps --test)")
    port = a.p2p_port
    cap = subprocess.Popen(["tshark", "-i", "lo", "-f", f"tcp port {port}", "-w", pcap],
                           stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    # tshark reports "Capturing on 'Loopback: lo'" once the capture runs.
    line = cap.stderr.readline()
    while line and "Capturing on" not in line:
        line = cap.stderr.readline()
    if "Capturing on" not in line:
        raise RuntimeError(f"capture did not start: {line} {cap.stderr.read()}")
    log("tshark:", line.strip())
    time.sleep(1)  # "Capture started" follows

    a.start()
    log("A:", a.mine_cli(101, "--spends"))
    height, tip = a.tip()
    b.start(connect=[a], listen=False, control=False)
    wait_synced(b, height, tip)
    log(f"B synced to {height}")
    txid = a.control("sendwallettx", {})
    log("A mempool transaction", txid)
    b.wait("B has the transaction", lambda: b.status()["mempool"] >= 1, 30)
    hashes = a.control("generatetoaddress", [1, segwit_address("bcrt", 0, bytes(20))])
    wait_synced(b, height + 1, hashes[0])
    log(f"B followed block {height + 1} {hashes[0]} (with the transaction)")
    time.sleep(1)
    a.stop()
    b.stop()
    time.sleep(1)
    cap.send_signal(signal.SIGINT)
    cap.wait(30)

    decode = ["-d", f"tcp.port=={port},bitcoin"]
    r = subprocess.run(["tshark", "-r", pcap, *decode, "-Y", "_ws.malformed"], capture_output=True, text=True, timeout=120)
    f.check(r.returncode == 0 and r.stdout.strip() == "",
            f"no malformed packets (tshark -Y _ws.malformed printed {len(r.stdout.splitlines())} lines){r.stdout[:2000]}")
    r = subprocess.run(["tshark", "-r", pcap, *decode, "-Y", "bitcoin", "-T", "fields", "-e", "bitcoin.command"],
                       capture_output=True, text=True, timeout=120)
    commands = Counter(c for line in r.stdout.split() for c in line.split(","))
    log("bitcoin commands seen:", dict(sorted(commands.items())))
    for need in ("version", "verack", "getheaders", "headers", "getdata", "block", "inv", "tx"):
        f.check(commands[need] > 0, f"command {need} seen ({commands[need]})")
    # Every message was dissected: B fetched each of the height + 1 blocks in its own `block` message.
    f.check(commands["block"] >= height + 1, f"{commands['block']} block messages dissected for {height + 1} blocks")
    r = subprocess.run(["tshark", "-r", pcap, "-q", "-z", "io,phs"], capture_output=True, text=True, timeout=120)
    log(r.stdout.strip()[-600:])
except Exception as e:  # noqa: BLE001 - reported as a failure
    f.check(False, f"scenario raised: {e}")
finally:
    if cap and cap.poll() is None:
        cap.send_signal(signal.SIGINT)
        cap.wait(30)
finish(f, [a, b], tmp, t_start)
