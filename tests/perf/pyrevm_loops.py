"""Side-by-side peer for EVMTests.BenchmarkTests: the same countdown and mixed loops in pyrevm (revm).

Run: PYTHONPATH=<dir with pyrevm==0.3.7> python3 tests/perf/pyrevm_loops.py
Prints ns/instruction (best of 5) including one message call's Python overhead (negligible at these sizes).
"""
import time
from pyrevm import EVM, AccountInfo, BlockEnv, Env


def push(v: int) -> bytes:
    b = v.to_bytes(max(1, (v.bit_length() + 7) // 8), "big")
    return bytes([0x5F + len(b)]) + b


def countdown(n: int) -> bytes:
    head = push(n)
    # JUMPDEST PUSH1 1 SWAP1 SUB DUP1 PUSH1 start JUMPI STOP
    return head + bytes([0x5B]) + push(1) + bytes([0x90, 0x03, 0x80]) + push(len(head)) + bytes([0x57, 0x00])


def mixed(n: int) -> bytes:
    head = push(n)
    body = (
        bytes([0x5B, 0x80, 0x80, 0x02]) + push(0) + bytes([0x52])
        + push(0) + bytes([0x51]) + push(7) + bytes([0x90, 0x04, 0x50])
        + push(1) + bytes([0x90, 0x03])
        + bytes([0x80]) + push(len(head)) + bytes([0x57, 0x00])
    )
    return head + body


def bench(name: str, code: bytes, iterations: int, per_iter: int) -> None:
    evm = EVM(env=Env(block=BlockEnv(gas_limit=2**62)), gas_limit=2**62)
    caller = "0x5e4d005e4d005e4d005e4d005e4d005e4d005e4d"
    target = "0xc0dec0dec0dec0dec0dec0dec0dec0dec0dec0de"
    evm.insert_account_info(caller, AccountInfo(balance=10**30))
    evm.insert_account_info(target, AccountInfo(code=code))
    best = float("inf")
    for _ in range(5):
        t0 = time.perf_counter()
        evm.message_call(caller, target, gas=2**60)
        best = min(best, time.perf_counter() - t0)
    print(f"pyrevm {name}: {iterations} iterations, best of 5 {best * 1e3:.1f} ms, "
          f"{best * 1e9 / (iterations * per_iter):.2f} ns/instruction")


if __name__ == "__main__":
    bench("countdown", countdown(10_000_000), 10_000_000, 7)
    bench("mixed", mixed(2_000_000), 2_000_000, 18)
