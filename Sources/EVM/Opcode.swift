/// EVM opcodes through Osaka (legacy bytecode; EOF is not part of any scheduled fork here).
public enum Opcode: UInt8, CaseIterable, Sendable {
    case stop = 0x00, add, mul, sub, div, sdiv, mod, smod, addmod, mulmod, exp, signextend
    case lt = 0x10, gt, slt, sgt, eq, iszero, and, or, xor, not, byte, shl, shr, sar
    case clz = 0x1e  // EIP-7939 (Osaka)
    case keccak256 = 0x20
    case address = 0x30, balance, origin, caller, callvalue, calldataload, calldatasize, calldatacopy
    case codesize = 0x38, codecopy, gasprice, extcodesize, extcodecopy, returndatasize, returndatacopy, extcodehash
    case blockhash = 0x40, coinbase, timestamp, number, prevrandao, gaslimit, chainid, selfbalance, basefee
    case blobhash = 0x49, blobbasefee
    case pop = 0x50, mload, mstore, mstore8, sload, sstore, jump, jumpi, pc, msize, gas, jumpdest
    case tload = 0x5c, tstore, mcopy, push0
    case push1 = 0x60, push2, push3, push4, push5, push6, push7, push8, push9, push10, push11, push12, push13
    case push14, push15, push16, push17, push18, push19, push20, push21, push22, push23, push24, push25
    case push26, push27, push28, push29, push30, push31, push32
    case dup1 = 0x80, dup2, dup3, dup4, dup5, dup6, dup7, dup8, dup9, dup10, dup11, dup12, dup13, dup14, dup15, dup16
    case swap1 = 0x90, swap2, swap3, swap4, swap5, swap6, swap7, swap8, swap9, swap10, swap11, swap12, swap13
    case swap14, swap15, swap16
    case log0 = 0xa0, log1, log2, log3, log4
    case create = 0xf0, call, callcode, `return`, delegatecall, create2
    case staticcall = 0xfa
    case revert = 0xfd, invalid, selfdestruct

    /// The mnemonic, e.g. `"PUSH1"`.
    public var name: String {
        switch self {
        case .keccak256: return "KECCAK256"
        default: return String(describing: self).uppercased()
        }
    }

    /// The first fork in which the opcode is defined (INVALID 0xFE is "designated invalid" and always defined).
    public var introduced: Fork {
        switch self {
        case .delegatecall: .homestead
        case .returndatasize, .returndatacopy, .staticcall, .revert: .byzantium
        case .shl, .shr, .sar, .extcodehash, .create2: .constantinople
        case .chainid, .selfbalance: .istanbul
        case .basefee: .london
        case .push0: .shanghai
        case .blobhash, .blobbasefee, .tload, .tstore, .mcopy: .cancun
        case .clz: .osaka
        default: .frontier
        }
    }
}
