import BitcoinView
import Hashing
import Primitives
import Testing

@Suite struct KeystoneCodecTests {
    /// Builds the 76 bytes by hand from the §2.2 table and checks that the codec agrees both ways.
    @Test func layoutFollowsTheSpecTable() throws {
        let parent = Bytes32((0..<32).map { UInt8($0) })
        let prev = Bytes32((0..<32).map { UInt8(0x40 + $0) })
        let root = Bytes32((0..<32).map { UInt8(0x80 + $0) })
        let ep = Bytes32((0..<32).map { UInt8(0xC0 + $0) })
        let k = KeystoneAbbrev(
            l1BlockNumber: 0x0102_0304, l2BlockNumber: 0x0A0B_0C0D, parentEPHash: parent, prevKeystoneEPHash: prev,
            stateRoot: root, epHash: ep)
        var expected: [UInt8] = [1, 1, 2, 3, 4, 0x0A, 0x0B, 0x0C, 0x0D]
        expected += parent.bytes.prefix(11)
        expected += prev.bytes.prefix(12)
        expected += root.bytes
        expected += ep.bytes.prefix(12)
        #expect(k.serialized == expected)
        #expect(expected.count == 76)
        let back = try KeystoneAbbrev(parsing: expected)
        #expect(back == k)
        #expect(k.hash == SHA256Hash.double(expected))
    }

    @Test func rejectsBadLengthAndVersion() {
        let good = [UInt8](repeating: 0, count: 75) + [0]
        var v2 = good
        v2[0] = 2
        #expect(throws: KeystoneError.badLength(75)) { try KeystoneAbbrev(parsing: good.dropLast()) }
        #expect(throws: KeystoneError.unsupportedVersion(0)) { try KeystoneAbbrev(parsing: good) }
        #expect(throws: KeystoneError.unsupportedVersion(2)) { try KeystoneAbbrev(parsing: v2) }
    }

    @Test func popScriptIsOpReturnPushdata1Of80Bytes() throws {
        let k = KeystoneAbbrev(
            l1BlockNumber: 7, l2BlockNumber: 25, parentEPHash: .zero, prevKeystoneEPHash: .zero, stateRoot: .zero,
            epHash: .zero)
        let script = PoPPayload.script(for: k)
        #expect(script.count == 83)
        #expect(Array(script.prefix(7)) == [0x6a, 0x4c, 0x50, 0x48, 0x45, 0x4D, 0x49])
        #expect(try PoPPayload.keystone(fromScript: script) == k)
        // Not OP_RETURN, wrong magic, truncated keystone.
        #expect(throws: KeystoneError.notPoPScript) { try PoPPayload.keystone(fromScript: [0x51] + script.dropFirst()) }
        var wrongMagic = script
        wrongMagic[3] = 0x58
        #expect(throws: KeystoneError.notPoPScript) { try PoPPayload.keystone(fromScript: wrongMagic) }
        #expect(throws: KeystoneError.notPoPScript) { try PoPPayload.keystone(fromScript: [0x6a]) }
        #expect(throws: KeystoneError.badLength(75)) {
            try PoPPayload.keystone(fromScript: [0x6a, 0x4c, 79] + PoPPayload.magic + k.serialized.dropLast())
        }
    }
}
