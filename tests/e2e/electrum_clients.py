#!/usr/bin/env python3
"""Real Electrum clients against `hemi btc node --electrum` (issue 5, done-when 4).

Starts a regtest node that mines 110 blocks to an Electrum (Debian `electrum`) wallet address and then
one block every 2 s, serving the Electrum protocol on 127.0.0.1:PORT. Then:
  1. electrum (daemon, --oneserver) syncs: balance, history; `payto` 1 BTC to a bdkpython wallet and
     `broadcast`; the node mines it (history shows it confirmed).
  2. bdkpython (ElectrumClient) full-scans: balance == 1 BTC, the transaction in its history;
     it sends 0.4 BTC back, broadcasts through our server, the node mines it; both wallets see it.
Usage: tests/e2e/electrum_clients.py [--hemi PATH] [--port N]. Exit 0 on success.
"""
import argparse, json, os, shutil, subprocess, sys, tempfile, time

ap = argparse.ArgumentParser()
ap.add_argument("--hemi", default=os.path.join(os.path.dirname(__file__), "../../.build/debug/hemi"))
ap.add_argument("--port", type=int, default=0, help="0 picks a free port")
ap.add_argument("--timeout", type=float, default=90)
args = ap.parse_args()
if args.port == 0:
    import socket
    with socket.socket() as s_:
        s_.bind(("127.0.0.1", 0))
        args.port = s_.getsockname()[1]

tmp = tempfile.mkdtemp(prefix="hemi-electrum-e2e-")
edir = os.path.join(tmp, "electrum")
server = f"127.0.0.1:{args.port}:t"
procs = []
failures = []


def log(*a):
    print(*a, flush=True)


def check(cond, what):
    log(("ok   " if cond else "FAIL ") + what)
    if not cond:
        failures.append(what)


def electrum(*cmd, offline=False):
    # Debian's electrum runs on the system python3.
    full = ["/usr/bin/python3", "/usr/bin/electrum", "--regtest", "-D", edir] + (["--offline"] if offline else []) + list(cmd)
    r = subprocess.run(full, capture_output=True, text=True, timeout=60)
    if r.returncode != 0:
        raise RuntimeError(f"electrum {' '.join(cmd)}: {r.stdout} {r.stderr}")
    out = r.stdout.strip()
    try:
        return json.loads(out)
    except ValueError:
        return out


def wait(what, fn, timeout=args.timeout):
    t0 = time.time()
    last = None
    while time.time() - t0 < timeout:
        try:
            last = fn()
            if last:
                return last
        except Exception as e:  # noqa: BLE001 - retried until the timeout
            last = e
        time.sleep(1)
    raise RuntimeError(f"timeout waiting for {what}: {last}")


try:
    # 1. Electrum wallet (offline), its first receiving address.
    electrum("create", offline=True)
    eaddr = electrum("listaddresses", "--receiving", offline=True)[0]
    log("electrum address", eaddr)

    # 2. The node: mine 110 blocks to it, then a block every 2 s; Electrum server.
    node = subprocess.Popen(
        [args.hemi, "btc", "node", "--network", "regtest", "--datadir", os.path.join(tmp, "node"), "--mine", "110",
         "--mine-address", eaddr, "--mine-interval", "2", "--electrum", f"127.0.0.1:{args.port}", "--no-sync",
         "--status-interval", "5"],
        stdout=open(os.path.join(tmp, "node.log"), "w"), stderr=subprocess.STDOUT)
    procs.append(node)
    wait("node mined", lambda: "mined 110" in open(os.path.join(tmp, "node.log")).read())

    # 3. Electrum daemon against our server only.
    electrum("daemon", "-d", "--oneserver", "--server", server)
    electrum("load_wallet")
    bal = wait("electrum balance", lambda: (lambda b: b if float(b.get("confirmed", 0)) > 0 else None)(electrum("getbalance")))
    log("electrum getbalance:", bal)
    check(float(bal["confirmed"]) > 0, "electrum: confirmed balance from mined coinbases")
    hist = electrum("onchain_history")
    txs = hist["transactions"] if isinstance(hist, dict) else hist
    check(len(txs) >= 110, f"electrum: onchain_history lists the coinbases ({len(txs)} entries)")

    # 4. bdkpython wallet.
    import bdkpython as bdk
    mn = bdk.Mnemonic.from_entropy(bytes(range(16)))
    sk = bdk.DescriptorSecretKey(bdk.NetworkKind.TEST, mn, None)
    ext = bdk.Descriptor.new_bip84(sk, bdk.KeychainKind.EXTERNAL, bdk.NetworkKind.TEST)
    chg = bdk.Descriptor.new_bip84(sk, bdk.KeychainKind.INTERNAL, bdk.NetworkKind.TEST)
    wallet = bdk.Wallet(ext, chg, bdk.Network.REGTEST, bdk.Persister.new_in_memory())
    baddr = str(wallet.reveal_next_address(bdk.KeychainKind.EXTERNAL).address)
    log("bdk address", baddr)

    # 5. Electrum pays 1 BTC to bdk and broadcasts through our server.
    raw = electrum("payto", baddr, "1", "--feerate", "2")
    raw = raw["hex"] if isinstance(raw, dict) else raw
    txid = electrum("broadcast", raw)
    log("electrum broadcast txid", txid)
    check(isinstance(txid, str) and len(txid) == 64, "electrum: broadcast returned a txid")

    def confirmed_in_electrum(t):
        h = electrum("onchain_history")
        txs = h["transactions"] if isinstance(h, dict) else h
        return any(x.get("txid") == t and (x.get("height") or 0) > 0 for x in txs)

    wait("electrum sees its spend mined", lambda: confirmed_in_electrum(txid))
    check(True, "electrum: its spend was mined (height > 0 in onchain_history)")

    # 6. bdk syncs over Electrum.
    client = bdk.ElectrumClient(f"tcp://127.0.0.1:{args.port}")

    def bdk_sync():
        req = wallet.start_full_scan().build()
        wallet.apply_update(client.full_scan(req, 10, 10, False))
        return wallet.balance()

    b = wait("bdk balance", lambda: (lambda x: x if x.confirmed.to_sat() > 0 else None)(bdk_sync()))
    log("bdk balance confirmed", b.confirmed.to_sat(), "total", b.total.to_sat())
    check(b.confirmed.to_sat() == 100_000_000, "bdk: confirmed balance is 1 BTC")
    ids = [str(t.transaction.compute_txid()) for t in wallet.transactions()]
    check(txid in ids, "bdk: history holds the electrum payment")

    # 7. bdk sends 0.4 BTC back to electrum, broadcast through our server; mined.
    escript = bdk.Address(eaddr, bdk.Network.REGTEST).script_pubkey()
    psbt = bdk.TxBuilder().add_recipient(escript, bdk.Amount.from_sat(40_000_000)).fee_rate(bdk.FeeRate.from_sat_per_vb(3)).finish(wallet)
    check(wallet.sign(psbt), "bdk: signed")
    tx = psbt.extract_tx()
    btxid = str(client.transaction_broadcast(tx))
    log("bdk broadcast txid", btxid)

    def bdk_confirmed():
        bdk_sync()
        for t in wallet.transactions():
            if str(t.transaction.compute_txid()) == btxid and isinstance(t.chain_position, bdk.ChainPosition.CONFIRMED):
                return True
        return False

    wait("bdk spend mined", bdk_confirmed)
    check(True, "bdk: its spend was mined")
    b2 = wallet.balance()
    log("bdk balance after spend", b2.confirmed.to_sat())
    check(b2.confirmed.to_sat() < 60_000_000 and b2.confirmed.to_sat() > 59_000_000, "bdk: balance 0.6 BTC minus fee")
    wait("electrum sees the bdk payment", lambda: confirmed_in_electrum(btxid))
    check(True, "electrum: history shows the bdk payment confirmed")
except Exception as e:  # noqa: BLE001
    failures.append(str(e))
    log("ERROR", e)
finally:
    try:
        electrum("stop")
    except Exception:  # noqa: BLE001
        pass
    for p in procs:
        p.terminate()
        try:
            p.wait(10)
        except subprocess.TimeoutExpired:
            p.kill()
    if failures:
        log("node log tail:\n" + "".join(open(os.path.join(tmp, "node.log")).readlines()[-20:]) if os.path.exists(os.path.join(tmp, "node.log")) else "")
    shutil.rmtree(tmp, ignore_errors=True)

log("PASS" if not failures else f"FAILED: {failures}")
sys.exit(1 if failures else 0)
