#!/usr/bin/env bash
# Smoke test of the hemi btc subcommands on the shared test data.
# Usage: tests/cli/smoke.sh [path/to/hemi]   (default: .build/release/hemi)
set -u
HEMI=${1:-.build/release/hemi}
T=${HEMI_TESTDATA:-$(cd "$(dirname "$0")/../../.." && pwd)/shared/testdata}/bitcoin
[ -d "$T" ] || { echo "test data not found at $T (clone shared/ beside the project or set HEMI_TESTDATA)"; exit 2; }
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
pass=0; fail=0
check() {  # name, expected rc, grep pattern, command...
    local name=$1 want=$2 pat=$3; shift 3
    out=$("$@" 2>&1); rc=$?
    if [ "$rc" = "$want" ] && grep -qE -- "$pat" <<<"$out"; then pass=$((pass+1)); else
        fail=$((fail+1)); echo "FAIL $name (rc $rc, want $want, pattern '$pat')"; echo "$out" | head -5; fi
}
check "mainnet headers" 0 "tip: 0000000007bfbe7e.*height 32260" "$HEMI" btc verify-headers --network mainnet "$T/headers/mainnet_1_32260.bin"
check "testnet3 headers" 0 "height 9999" "$HEMI" btc verify-headers --network testnet3 "$T/headers/testnet3_0_9999.txt"
check "testnet3 on mainnet rules" 1 "INVALID header at height" "$HEMI" btc verify-headers --network mainnet "$T/headers/testnet3_0_9999.txt"
check "trusted anchor" 0 "height 32260" "$HEMI" btc verify-headers --start-height 30000 <(tail -c $((2261*80)) "$T/headers/mainnet_1_32260.bin")
# Nonce bit of header 1000 (file offset 4 + 999*80 + 76).
cp "$T/headers/mainnet_1_32260.bin" "$tmp/m.bin"; chmod u+w "$tmp/m.bin"
printf '\x01' | dd of="$tmp/m.bin" bs=1 seek=$((4 + 999*80 + 76)) conv=notrunc 2>/dev/null
check "nonce flip" 1 "height 1000: high-hash" "$HEMI" btc verify-headers "$tmp/m.bin"
check "blocks" 0 "witness commitment: ok" "$HEMI" btc verify-block "$T/blocks/block481829.dat" "$T/blocks/block481815.dat" "$T/blocks/mainnet_0_438.blkdat"
check "reorg set" 0 "height: 5" "$HEMI" btc verify-block "$T"/blocks/reorg_blk_0_to_4.blkdat "$T"/blocks/reorg_blk_3A.blkdat "$T"/blocks/reorg_blk_4A.blkdat "$T"/blocks/reorg_blk_5A.blkdat
check "prevouts: all scripts verify" 0 "scripts: ok \(732 inputs verified" "$HEMI" btc verify-block --prevouts "$T/blocks/block277647.prevouts.json" "$T/blocks/block277647.dat"
# One byte of one prevout's scriptPubKey (inside its HASH160) changed: that input's script must fail.
python3 - "$T/blocks/block277647.prevouts.json" "$tmp/prevouts-bad.json" <<'PY'
import json, sys
p = json.load(open(sys.argv[1]))
e = p[100]
s = bytearray.fromhex(e["scriptPubKey"]); s[5] ^= 0x80; e["scriptPubKey"] = s.hex()
json.dump(p, open(sys.argv[2], "w"))
PY
check "prevouts: a wrong prevout script fails the block" 1 "INVALID: .*mandatory-script-verify-flag-failed" "$HEMI" btc verify-block --prevouts "$tmp/prevouts-bad.json" "$T/blocks/block277647.dat"
head -c 5000 "$T/blocks/block169482.dat" > "$tmp/trunc.dat"
check "truncated block" 1 "INVALID" "$HEMI" btc verify-block "$tmp/trunc.dat"
check "connect 0..438" 0 "at height 438, 443 unspent outputs" "$HEMI" btc verify-block --connect "$T/blocks/mainnet_0_438.blkdat"
check "reorg set under mainnet maturity" 1 "premature-spend-of-coinbase" "$HEMI" btc verify-block --connect "$T/blocks/reorg_blk_0_to_4.blkdat"
check "help" 0 "verify-headers" "$HEMI" btc --help
# hemi evm run: 7 + 5 returned as a word (24 gas by hand: six 3-gas pushes/ops, MSTORE 3 + 3 memory).
check "evm run add" 0 "gas used: 24" "$HEMI" evm run --code 600760050160005260206000f3
check "evm run output" 0 "output: 0x0{63}c$" "$HEMI" evm run --code 600760050160005260206000f3
check "evm run revert exits 1" 1 "status: revert" "$HEMI" evm run --code 60006000fd
check "evm run PUSH0 undefined before Shanghai" 1 "undefinedInstruction" "$HEMI" evm run --fork London --code 5f
check "evm fuzz small run is clean" 0 "programs=300 precompile_inputs=300 failures=0" "$HEMI" evm fuzz --programs 300 --precompile-inputs 300
check "evm fuzz replays one program" 0 "programs=1 precompile_inputs=0 failures=0" "$HEMI" evm fuzz --only 17
check "evm run sha256 precompile" 0 "output: 0xe3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" "$HEMI" evm run --code 6020600060006000600261fffffa5060206000f3
check "evm run --repeat summary" 0 "^runs=20 median_ms=[0-9.]+ min_ms=[0-9.]+ gas=24$" "$HEMI" evm run --repeat 20 --code 600760050160005260206000f3
check "evm bench prints Mgas/s" 0 "snailtracer London #0 .* Mgas/s" "$HEMI" evm bench --repeat 1 "$(dirname "$T")/ethereum/evm-benchmarks/main/snailtracer.json"
echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
