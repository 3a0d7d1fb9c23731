#!/usr/bin/env bash
# Times RPC's JSON parser/serializer (swiftc -O on the three JSON source files) next to Python's
# C-accelerated json module on the same documents. Usage: Benchmarks/rpc/json_bench.sh [N]
set -euo pipefail
cd "$(dirname "$0")/../.."
out="${TMPDIR:-/tmp}/hemi-json-bench"
swiftc -O -swift-version 6 -o "$out" \
  Sources/RPC/JSONValue.swift Sources/RPC/JSONParser.swift Sources/RPC/JSONSerialization.swift \
  Benchmarks/rpc/JSONBench/main.swift
echo "== hemi RPC JSON (swiftc -O)"
"$out" "${1:-100000}"
echo "== python3 json (C accelerated), same documents"
python3 - "${1:-100000}" <<'PY'
import json, sys, time
n = int(sys.argv[1])
req = b'{"jsonrpc":"2.0","id":42,"method":"eth_call","params":[{"from":"0x52908400098527886e0f7030069857d2e4169ee7","to":"0x8617e340b3d01fa5f11f306f4090fd50e238070d","gas":"0x76c0","gasPrice":"0x9184e72a000","value":"0x0","data":"0x70a0823100000000000000000000000052908400098527886e0f7030069857d2e4169ee7"},"latest"]}'
h32 = "0x" + "ab" * 32; a20 = "0x" + "cd" * 20
block = {"number": "0x1b4", "hash": h32, "parentHash": h32, "nonce": "0x0000000000000000", "sha3Uncles": h32,
         "logsBloom": "0x" + "00" * 256, "transactionsRoot": h32, "stateRoot": h32, "receiptsRoot": h32,
         "miner": a20, "difficulty": "0x0", "totalDifficulty": "0x0", "extraData": "0x", "size": "0x220",
         "gasLimit": "0x1c9c380", "gasUsed": "0x5208", "timestamp": "0x6553f100", "baseFeePerGas": "0x7",
         "mixHash": h32, "transactions": [h32] * 10, "uncles": []}
bb = json.dumps(block, separators=(",", ":")).encode()
def best(label, size, f):
    b = float("inf")
    for _ in range(5):
        t = time.perf_counter_ns(); f(); b = min(b, (time.perf_counter_ns() - t) / n)
    print(f"{label} ({size} B): {b:.0f} ns/op  {size / b * 1e3:.0f} MB/s")
parsed = json.loads(req)
best("parse eth_call request", len(req), lambda: [json.loads(req) for _ in range(n)])
best("serialize eth_call request", len(req), lambda: [json.dumps(parsed, separators=(",", ":")) for _ in range(n)])
best("parse block header", len(bb), lambda: [json.loads(bb) for _ in range(n)])
best("serialize block header", len(bb), lambda: [json.dumps(block, separators=(",", ":")) for _ in range(n)])
PY
