import EVM
import Hashing
import Primitives
import Testing

/// Basic execution, gas of simple programs, halts and the jump/stack/memory rules.
struct InterpreterTests {
    @Test func addReturnsAndCosts24Gas() {
        // evmone's canonical example: 3 PUSH1 (9) + ADD (3) + MSTORE (3 + 3 memory) + 2 PUSH1 (6) + RETURN.
        let r = execute(push(1) + push(2) + .add + retTop())
        #expect(r.status == .success)
        #expect(r.word == UInt256(3))
        #expect(r.gasUsed == 24)
    }

    @Test func arithmeticOpcodes() {
        func top(_ c: Bytecode, fork: Fork = .osaka) -> UInt256 {
            let r = execute(c + retTop(), fork: fork)
            #expect(r.status == .success, "\(c)")
            return r.word
        }
        #expect(top(push(7) + push(13) + .sub) == UInt256(6))  // 13 - 7
        #expect(top(push(3) + push(10) + .div) == UInt256(3))
        #expect(top(push(0) + push(10) + .div) == .zero)
        #expect(top(push(3) + push(10) + .mod) == UInt256(1))
        #expect(top(push(5) + push(4) + push(3) + .addmod) == UInt256(2))  // (3 + 4) % 5
        #expect(top(push(5) + push(4) + push(3) + .mulmod) == UInt256(2))  // (3 * 4) % 5
        #expect(top(push(10) + push(2) + .exp) == UInt256(1024))
        #expect(top(push(0xff) + push(0) + .signextend) == .max)
        #expect(top(push(1) + push(2) + .lt) == .zero)  // 2 < 1
        #expect(top(push(1) + push(2) + .gt) == .one)
        #expect(top(push(1) + push(0) + .not + .slt) == .one)  // -1 < 1
        #expect(top(push(0) + .iszero) == .one)
        #expect(top(push(0x1234) + push(30) + .byte) == UInt256(0x12))
        #expect(top(push(1) + push(4) + .shl) == UInt256(16))
        #expect(top(push(16) + push(4) + .shr) == UInt256(1))
        #expect(top(push(0) + .not + push(4) + .sar) == .max)
        #expect(top(push(1) + .clz) == UInt256(255))
        #expect(top(push(0) + .clz) == UInt256(256))
        #expect(top(push(0xf0) + push(0x0f) + .or + push(0xff) + .xor) == .zero)
    }

    @Test func pushTruncatedAtEndOfCodeReadsZeros() {
        // PUSH32 with 2 immediate bytes: the missing 30 are zero (padding), then STOP.
        let r = execute(Bytecode([0x7f, 0xaa, 0xbb]))
        #expect(r.status == .success)
        #expect(r.gasUsed == 3)
        let r2 = execute(pushBytes([UInt8](repeating: 0x11, count: 32)) + retTop())
        #expect(r2.word == UInt256(bigEndian: [UInt8](repeating: 0x11, count: 32))!)
        for n in 1...32 {
            let bytes = (0..<n).map { UInt8($0 + 1) }
            let r3 = execute(pushBytes(bytes) + retTop())
            #expect(r3.word == UInt256(bigEndian: bytes)!, "PUSH\(n)")
        }
    }

    @Test func jumps() {
        // JUMP over an INVALID to a JUMPDEST.
        let ok = execute(push(4) + .jump + .invalid + .jumpdest + push(42) + retTop())
        #expect(ok.status == .success)
        #expect(ok.word == UInt256(42))
        // 3 + 8 + 1 + 3 + 15 (retTop: 3+3+3+3+3 incl. one memory word) = 30
        #expect(ok.gasUsed == 3 + 8 + 1 + 3 + 15)
        // Jump to a non-JUMPDEST.
        #expect(execute(push(3) + .jump + .stop).status == .halt(.badJumpDestination))
        // 0x5b inside PUSH data is not a destination.
        #expect(execute(push(3) + .jump + pushBytes([0x5b])).status == .halt(.badJumpDestination))
        // Past the end and huge destinations.
        #expect(execute(push(100) + .jump).status == .halt(.badJumpDestination))
        #expect(execute(push(UInt256.max) + .jump).status == .halt(.badJumpDestination))
        // JUMPI not taken.
        let nt = execute(jumpi(100, push(0)) + push(7) + retTop())
        #expect(nt.word == UInt256(7))
        // A halt consumes all gas.
        #expect(execute(push(3) + .jump, gas: 5000).gasUsed == 5000)
    }

    @Test func stackLimits() {
        #expect(execute(Bytecode(.add)).status == .halt(.stackUnderflow))
        #expect(execute(push(1) + .swap1).status == .halt(.stackUnderflow))
        #expect(execute(15 * push(1) + .dup16).status == .halt(.stackUnderflow))
        #expect(execute(16 * push(1) + .dup16).status == .success)
        #expect(execute(1024 * push(1)).status == .success)
        #expect(execute(1025 * push(1)).status == .halt(.stackOverflow))
        #expect(execute(1024 * push(1) + .dup1).status == .halt(.stackOverflow))
        #expect(execute(1024 * Bytecode(.push0)).status == .success)
    }

    @Test func invalidAndUndefined() {
        #expect(execute(Bytecode(.invalid)).status == .halt(.invalidInstruction))
        #expect(execute(Bytecode([0x0c])).status == .halt(.undefinedInstruction))
        #expect(execute(Bytecode([0xef])).status == .halt(.undefinedInstruction))
    }

    @Test func outOfGas() {
        let r = execute(push(1) + push(2) + .add, gas: 8)
        #expect(r.status == .halt(.outOfGas))
        #expect(r.result.gasLeft == 0)
        #expect(execute(push(1) + push(2) + .add, gas: 9).status == .success)
    }

    @Test func memoryExpansionCost() {
        // MSTORE at 0: 3 + 3; at 1024: 33 words = 99 + 33*33/512 = 101.
        #expect(execute(push(1) + mstore(0)).gasUsed == 3 + 3 + 3 + 3)
        #expect(execute(push(1) + mstore(1024)).gasUsed == 3 + 3 + 3 + 101)
        // MSIZE after MSTORE8 at 31 is 32.
        #expect(execute(push(1) + push(31) + .mstore8 + .msize + retTop()).word == UInt256(32))
        // Quadratic: 1 MiB of memory = 32768 words = 98304 + 2097152.
        let big = execute(push(1) + mstore(1_048_576 - 32), gas: 3_000_000)
        #expect(big.gasUsed == 3 + 3 + 3 + 98304 + 2_097_152)
    }

    @Test func hugeOffsetsAreOutOfGasNotCrashes() {
        for off in [UInt256(1) .evmShl(32), UInt256(1).evmShl(64), .max, UInt256(UInt64(Int64.max))] {
            #expect(execute(push(off) + .mload).status == .halt(.outOfGas))
            #expect(execute(push(1) + push(off) + .mstore).status == .halt(.outOfGas))
            #expect(execute(push(off) + push(0) + push(0) + .calldatacopy).status == .halt(.outOfGas))
            #expect(execute(push(off) + push(0) + .keccak256).status == .halt(.outOfGas))
            #expect(execute(push(off) + push(0) + .return).status == .halt(.outOfGas))
            #expect(execute(push(32) + push(0) + push(off) + .mcopy).status == .halt(.outOfGas))
            // Zero size ignores the offset.
            #expect(execute(push(0) + push(off) + .keccak256 + .pop).status == .success)
            #expect(execute(push(0) + push(off) + push(off) + .calldatacopy).status == .success)
            #expect(execute(push(0) + push(off) + .return).status == .success)
        }
        // Largest accepted size is still out of gas at a block gas limit (4 GiB costs ~2^45 gas).
        #expect(execute(push(UInt64(UInt32.max)) + push(0) + .keccak256, gas: 30_000_000).status == .halt(.outOfGas))
    }

    @Test func keccak256() {
        let empty = execute(push(0) + push(0) + .keccak256 + retTop())
        #expect(empty.word == UInt256(hex: "c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470")!)
        // 30 + 6 per word + memory.
        let r = execute(push(32) + push(0) + .keccak256 + .pop)
        #expect(r.gasUsed == 3 + 3 + 30 + 6 + 3 + 2)
        #expect(execute(push(32) + push(0) + .keccak256 + retTop()).word == UInt256(bigEndian: Keccak256.hash([UInt8](repeating: 0, count: 32))))
    }

    @Test func calldataAndCode() {
        let input: [UInt8] = (1...40).map { UInt8($0) }
        let r = execute(push(0) + .calldataload + retTop(), input: input)
        #expect(r.output == Array(input[0..<32]))
        let r2 = execute(push(20) + .calldataload + retTop(), input: input)
        #expect(r2.output == Array(input[20..<40]) + [UInt8](repeating: 0, count: 12))
        #expect(execute(push(UInt256.max) + .calldataload + retTop(), input: input).word == .zero)
        #expect(execute(Bytecode(.calldatasize) + retTop(), input: input).word == UInt256(40))
        // CALLDATACOPY 8 bytes from offset 36 (4 real, 4 zero) to memory 0.
        let r3 = execute(push(8) + push(36) + push(0) + .calldatacopy + ret(0, 8), input: input)
        #expect(r3.output == [37, 38, 39, 40, 0, 0, 0, 0])
        let code = push(6) + push(0) + push(0) + .codecopy + ret(0, 6)
        #expect(execute(code).output == Array(code.bytes[0..<6]))
        #expect(execute(Bytecode(.codesize) + retTop()).word == UInt256(UInt64(9)))  // 1 + retTop's 8 bytes
    }

    @Test func returnAndRevert() {
        let r = execute(push(0xab) + push(0) + .mstore8 + revert(0, 1))
        #expect(r.status == .revert)
        #expect(r.output == [0xab])
        #expect(r.result.gasLeft > 0)
        #expect(r.result.gasRefund == 0)
    }

    @Test func context() {
        let ctx = TxContext(
            gasPrice: UInt256(7), origin: senderAddress, coinbase: otherAddress, number: 1000, timestamp: 1_700_000_000,
            gasLimit: 30_000_000, prevRandao: UInt256(0x1234), chainID: UInt256(43111), baseFee: UInt256(9),
            blobBaseFee: UInt256(3), blobHashes: [Bytes32(w0: 1, w1: 0, w2: 0, w3: 0)])
        func top(_ c: Bytecode, fork: Fork = .cancun) -> UInt256 {
            execute(c + retTop(), fork: fork, value: UInt256(5), context: ctx) { h in
                h.blockHashes[999] = Bytes32(w0: 0, w1: 0, w2: 0, w3: 0x0100_0000_0000_0000)
            }.word
        }
        #expect(top(Bytecode(.address)) == UInt256(address: contractAddress))
        #expect(top(Bytecode(.caller)) == UInt256(address: senderAddress))
        #expect(top(Bytecode(.origin)) == UInt256(address: senderAddress))
        #expect(top(Bytecode(.callvalue)) == UInt256(5))
        #expect(top(Bytecode(.gasprice)) == UInt256(7))
        #expect(top(Bytecode(.coinbase)) == UInt256(address: otherAddress))
        #expect(top(Bytecode(.timestamp)) == UInt256(1_700_000_000))
        #expect(top(Bytecode(.number)) == UInt256(1000))
        #expect(top(Bytecode(.prevrandao)) == UInt256(0x1234))
        #expect(top(Bytecode(.gaslimit)) == UInt256(30_000_000))
        #expect(top(Bytecode(.chainid)) == UInt256(43111))
        #expect(top(Bytecode(.basefee)) == UInt256(9))
        #expect(top(Bytecode(.blobbasefee)) == UInt256(3))
        #expect(top(push(0) + .blobhash) == UInt256(bigEndian: Bytes32(w0: 1, w1: 0, w2: 0, w3: 0)))
        #expect(top(push(1) + .blobhash) == .zero)
        #expect(top(Bytecode(.selfbalance)) == UInt256(1_000_005))  // 1,000,000 + 5 transferred
        #expect(top(push(999) + .blockhash) == UInt256(1))
        #expect(top(push(1000) + .blockhash) == .zero)
        #expect(top(push(743) + .blockhash) == .zero)  // older than 256 blocks
        #expect(top(Bytecode(.pc)) == .zero)
        #expect(top(push(0) + .pop + .gas) == UInt256(1_000_000 - 3 - 2 - 2))
    }
}
