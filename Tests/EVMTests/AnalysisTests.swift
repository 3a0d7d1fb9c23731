import EVM
import Hashing
import Primitives
import Testing

struct AnalysisTests {
    @Test func jumpdestBitsetSkipsPushData() {
        // PUSH2 0x5b5b, JUMPDEST, PUSH32 <31 bytes incl. 0x5b> (truncated), all in one.
        let code: [UInt8] = [0x61, 0x5b, 0x5b, 0x5b, 0x7f] + [UInt8](repeating: 0x5b, count: 31)
        let a = CodeAnalysis(code: code)
        #expect(a.codeSize == code.count)
        #expect(!a.isJumpdest(1) && !a.isJumpdest(2))
        #expect(a.isJumpdest(3))
        for i in 4..<code.count { #expect(!a.isJumpdest(i)) }
        #expect(!a.isJumpdest(-1) && !a.isJumpdest(code.count) && !a.isJumpdest(1 << 40))
        // Padding: 33 STOP bytes after the code, 32 zero bytes before it.
        for i in 0..<33 { #expect(a.code[code.count + i] == 0) }
        for i in 1...32 { #expect(a.code[-i] == 0) }
        #expect(Array(a.bytes) == code)
    }

    @Test func emptyCode() {
        let a = CodeAnalysis(code: [UInt8]())
        #expect(a.codeSize == 0)
        #expect(!a.isJumpdest(0))
        #expect(a.code[0] == 0)
    }

    @Test func cacheReturnsSameAnalysisPerHash() {
        var cache = CodeAnalysisCache(limit: 2)
        let c1: [UInt8] = [0x60, 0x01, 0x00], c2: [UInt8] = [0x5b]
        let a1 = cache.analysis(hash: Keccak256.hash(c1), code: c1)
        #expect(cache.analysis(hash: Keccak256.hash(c1), code: c1) === a1)
        _ = cache.analysis(hash: Keccak256.hash(c2), code: c2)
        #expect(cache.count == 2)
        _ = cache.analysis(hash: Keccak256.hash([0x00]), code: [0x00])  // over the limit: cleared, then added
        #expect(cache.count == 1)
    }

    @Test func storageStatusClassification() {
        let z = UInt256.zero, x = UInt256(1), y = UInt256(2), w = UInt256(3)
        #expect(StorageStatus.classify(original: z, current: z, new: z) == .assigned)
        #expect(StorageStatus.classify(original: x, current: x, new: x) == .assigned)
        #expect(StorageStatus.classify(original: z, current: z, new: y) == .added)
        #expect(StorageStatus.classify(original: x, current: x, new: z) == .deleted)
        #expect(StorageStatus.classify(original: x, current: x, new: y) == .modified)
        #expect(StorageStatus.classify(original: x, current: z, new: y) == .deletedAdded)
        #expect(StorageStatus.classify(original: x, current: y, new: z) == .modifiedDeleted)
        #expect(StorageStatus.classify(original: x, current: z, new: x) == .deletedRestored)
        #expect(StorageStatus.classify(original: z, current: y, new: z) == .addedDeleted)
        #expect(StorageStatus.classify(original: x, current: y, new: x) == .modifiedRestored)
        #expect(StorageStatus.classify(original: x, current: y, new: w) == .assigned)
        #expect(StorageStatus.classify(original: z, current: y, new: w) == .assigned)
    }

    @Test func stackTraitsAreConsistent() {
        for op in Opcode.allCases {
            let req = InstructionTraits.stackRequired(op.rawValue)
            let change = InstructionTraits.stackChange(op.rawValue)
            #expect(req >= 0 && req <= 17, "\(op.name)")
            #expect(req + change >= 0, "\(op.name) pops more than it requires")
            #expect(change <= 1, "\(op.name)")
        }
        #expect(InstructionTraits.stackRequired(Opcode.call.rawValue) == 7)
        #expect(InstructionTraits.stackChange(Opcode.call.rawValue) == -6)
        #expect(InstructionTraits.stackRequired(Opcode.swap16.rawValue) == 17)
        #expect(InstructionTraits.stackRequired(Opcode.dup16.rawValue) == 16)
        #expect(InstructionTraits.stackChange(Opcode.log4.rawValue) == -6)
        #expect(InstructionTraits.stackChange(Opcode.returndatacopy.rawValue) == -3)
    }

    @Test func baseGasSpotChecks() {
        #expect(InstructionTraits.baseGas(.frontier)[Int(Opcode.sload.rawValue)] == 50)
        #expect(InstructionTraits.baseGas(.tangerineWhistle)[Int(Opcode.sload.rawValue)] == 200)
        #expect(InstructionTraits.baseGas(.istanbul)[Int(Opcode.sload.rawValue)] == 800)
        #expect(InstructionTraits.baseGas(.berlin)[Int(Opcode.sload.rawValue)] == 100)
        #expect(InstructionTraits.baseGas(.istanbul)[Int(Opcode.balance.rawValue)] == 700)
        #expect(InstructionTraits.baseGas(.constantinople)[Int(Opcode.extcodehash.rawValue)] == 400)
        #expect(InstructionTraits.baseGas(.osaka)[Int(Opcode.clz.rawValue)] == 5)
        #expect(InstructionTraits.baseGas(.cancun)[Int(Opcode.log4.rawValue)] == 1875)
        #expect(InstructionTraits.baseGas(.cancun)[Int(Opcode.invalid.rawValue)] == 0)
        #expect(InstructionTraits.baseGas(.cancun)[0xef] == nil)
    }
}
