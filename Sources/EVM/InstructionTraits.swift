/// Static per-opcode data, as evmone's `instructions_traits.hpp`: the stack height an opcode needs,
/// how it changes the height, and its base gas per fork (`nil` = undefined in that fork).
/// Dynamic costs (memory expansion, cold access, copy words, …) are charged by the interpreter.
public enum InstructionTraits {
    /// Items the opcode pops (the stack must hold at least this many).
    public static func stackRequired(_ op: UInt8) -> Int {
        switch op {
        case 0x00, 0x30, 0x32, 0x33, 0x34, 0x36, 0x38, 0x3a, 0x3d, 0x41...0x48, 0x4a, 0x58...0x5b, 0x5f...0x7f, 0xfe:
            return 0
        case 0x15, 0x19, 0x1e, 0x31, 0x35, 0x3b, 0x3f, 0x40, 0x49, 0x50, 0x51, 0x54, 0x56, 0x5c, 0xff:
            return 1
        case 0x01...0x07, 0x0a, 0x0b, 0x10...0x14, 0x16...0x18, 0x1a...0x1d, 0x20, 0x52, 0x53, 0x55, 0x57, 0x5d,
            0xa0, 0xf3, 0xfd:
            return 2
        case 0x08, 0x09, 0x37, 0x39, 0x3e, 0x5e, 0xa1, 0xf0: return 3
        case 0x3c, 0xa2, 0xf5: return 4
        case 0xa3: return 5
        case 0xa4, 0xf4, 0xfa: return 6
        case 0xf1, 0xf2: return 7
        case 0x80...0x8f: return Int(op - 0x80) + 1
        case 0x90...0x9f: return Int(op - 0x90) + 2
        default: return 0
        }
    }

    /// Net change of the stack height.
    public static func stackChange(_ op: UInt8) -> Int {
        switch op {
        case 0x30, 0x32, 0x33, 0x34, 0x36, 0x38, 0x3a, 0x3d, 0x41...0x48, 0x4a, 0x58, 0x59, 0x5a, 0x5f...0x7f,
            0x80...0x8f:
            return 1
        case 0x00, 0x15, 0x19, 0x1e, 0x31, 0x35, 0x3b, 0x3f, 0x40, 0x49, 0x51, 0x54, 0x5b, 0x5c, 0x90...0x9f, 0xfe:
            return 0
        case 0x01...0x07, 0x0a, 0x0b, 0x10...0x14, 0x16...0x18, 0x1a...0x1d, 0x20, 0x50, 0x56: return -1
        case 0x08, 0x09, 0x52, 0x53, 0x55, 0x57, 0x5d, 0xf3, 0xfd, 0xa0: return -2
        case 0x37, 0x39, 0x3e, 0x5e, 0xa1: return -3
        case 0x3c, 0xa2: return -4
        case 0xa3: return -5
        case 0xa4: return -6
        case 0xf0: return -2
        case 0xf5: return -3
        case 0xf4, 0xfa: return -5
        case 0xf1, 0xf2: return -6
        case 0xff: return -1
        default: return 0
        }
    }

    /// Base gas of every opcode in `fork`, `nil` where the opcode is undefined. Built like revm's
    /// gas table: the Frontier schedule, then one patch per fork in order.
    public static func baseGas(_ fork: Fork) -> [Int16?] {
        var g = [Int16?](repeating: nil, count: 256)
        // Frontier (Yellow Paper appendix G).
        g[0x00] = 0
        for op in [0x01, 0x03, 0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18, 0x19, 0x1a] { g[op] = 3 }
        for op in [0x02, 0x04, 0x05, 0x06, 0x07, 0x0b] { g[op] = 5 }
        g[0x08] = 8; g[0x09] = 8; g[0x0a] = 10
        g[0x20] = 30
        for op in [0x30, 0x32, 0x33, 0x34, 0x36, 0x38, 0x3a, 0x41, 0x42, 0x43, 0x44, 0x45] { g[op] = 2 }
        g[0x31] = 20; g[0x35] = 3; g[0x37] = 3; g[0x39] = 3; g[0x3b] = 20; g[0x3c] = 20
        g[0x40] = 20
        g[0x50] = 2; g[0x51] = 3; g[0x52] = 3; g[0x53] = 3; g[0x54] = 50; g[0x55] = 0
        g[0x56] = 8; g[0x57] = 10; g[0x58] = 2; g[0x59] = 2; g[0x5a] = 2; g[0x5b] = 1
        for op in 0x60...0x9f { g[op] = 3 }
        for (i, op) in (0xa0...0xa4).enumerated() { g[op] = Int16(375 * (i + 1)) }
        g[0xf0] = 32000; g[0xf1] = 40; g[0xf2] = 40; g[0xf3] = 0; g[0xfe] = 0; g[0xff] = 0
        if fork >= .homestead { g[0xf4] = 40 }  // EIP-7 DELEGATECALL
        if fork >= .tangerineWhistle {  // EIP-150 repricing
            g[0x31] = 400; g[0x3b] = 700; g[0x3c] = 700; g[0x54] = 200
            g[0xf1] = 700; g[0xf2] = 700; g[0xf4] = 700; g[0xff] = 5000
        }
        if fork >= .byzantium {  // EIP-211 RETURNDATA*, EIP-214 STATICCALL, EIP-140 REVERT
            g[0x3d] = 2; g[0x3e] = 3; g[0xfa] = 700; g[0xfd] = 0
        }
        if fork >= .constantinople {  // EIP-145 shifts, EIP-1052 EXTCODEHASH, EIP-1014 CREATE2
            g[0x1b] = 3; g[0x1c] = 3; g[0x1d] = 3; g[0x3f] = 400; g[0xf5] = 32000
        }
        if fork >= .istanbul {  // EIP-1884 repricing, EIP-1344 CHAINID, EIP-1884 SELFBALANCE
            g[0x31] = 700; g[0x3f] = 700; g[0x54] = 800; g[0x46] = 2; g[0x47] = 5
        }
        if fork >= .berlin {  // EIP-2929: base = warm access; cold surcharge is dynamic
            for op in [0x31, 0x3b, 0x3c, 0x3f, 0x54, 0xf1, 0xf2, 0xf4, 0xfa] { g[op] = 100 }
        }
        if fork >= .london { g[0x48] = 2 }  // EIP-3198 BASEFEE
        if fork >= .shanghai { g[0x5f] = 2 }  // EIP-3855 PUSH0
        if fork >= .cancun {  // EIP-4844 BLOBHASH, EIP-7516 BLOBBASEFEE, EIP-1153 TLOAD/TSTORE, EIP-5656 MCOPY
            g[0x49] = 3; g[0x4a] = 2; g[0x5c] = 100; g[0x5d] = 100; g[0x5e] = 3
        }
        if fork >= .osaka { g[0x1e] = 5 }  // EIP-7939 CLZ
        return g
    }
}

/// One packed entry (8 bytes) of the per-fork instruction table the interpreter loop reads.
@frozen public struct InstructionEntry: Sendable {
    /// Base gas, or -1 if the opcode is undefined in this fork.
    public var gas: Int32
    /// Items needed on the stack; `Int16.max` for an undefined opcode, so that the loop's one
    /// underflow comparison also catches undefined opcodes (the cold path tells them apart by `gas`).
    public var stackRequired: Int16
    /// The largest stack height at which the opcode cannot overflow: 1024 − its stack growth.
    public var stackMax: Int16
}

/// A 256-entry instruction table for one fork, allocated once per fork and never freed.
public struct InstructionTable: @unchecked Sendable {
    // SAFETY: `entries` points to 256 entries written once in `init` and never mutated afterwards, so
    // sharing between threads is safe (hence `@unchecked Sendable`). The tables are immortal statics.
    public let entries: UnsafePointer<InstructionEntry>

    init(fork: Fork) {
        let p = UnsafeMutablePointer<InstructionEntry>.allocate(capacity: 256)
        let gas = InstructionTraits.baseGas(fork)
        for op in 0..<256 {
            let o = UInt8(op)
            let defined = gas[op] != nil
            (p + op).initialize(
                to: InstructionEntry(
                    gas: gas[op].map { Int32($0) } ?? -1,
                    stackRequired: defined ? Int16(InstructionTraits.stackRequired(o)) : .max,
                    stackMax: Int16(1024 - InstructionTraits.stackChange(o))))
        }
        entries = UnsafePointer(p)
    }

    static let all: [InstructionTable] = Fork.allCases.map { InstructionTable(fork: $0) }

    /// The table for `fork`.
    public static func table(for fork: Fork) -> InstructionTable { all[Int(fork.rawValue)] }
}
