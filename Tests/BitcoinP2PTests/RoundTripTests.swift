import Bitcoin
import BitcoinP2P
import Primitives
import Testing

@Suite struct RoundTripTests {
    @Test(arguments: sampleMessages.indices)
    func payloadRoundTrip(index: Int) throws {
        let m = sampleMessages[index]
        let payload = m.encodePayload()
        #expect(payload.count <= MessageLimits.maxPayload(for: m.command))
        #expect(try Message.decode(command: m.command, payload: payload) == m)
    }

    @Test func everyKnownCommandIsCovered() {
        let covered = Set(sampleMessages.map(\.command))
        for c in Command.known { #expect(covered.contains(c), "no sample for \(c)") }
    }

    @Test(arguments: [NetworkMagic.mainnet, .testnet3, .testnet4, .signet, .regtest])
    func envelopeRoundTrip(magic: NetworkMagic) throws {
        var wire: [UInt8] = []
        for m in sampleMessages { wire += MessageEnvelope.encode(m, magic: magic) }
        #expect(try decodeAll(wire, magic: magic) == sampleMessages)
    }

    @Test func magicsPerNetwork() {
        #expect(NetworkMagic.mainnet.bytes == hex("f9beb4d9"))
        #expect(NetworkMagic.testnet3.bytes == hex("0b110907"))
        #expect(NetworkMagic.testnet4.bytes == hex("1c163f28"))
        #expect(NetworkMagic.signet.bytes == hex("0a03cf40"))
        #expect(NetworkMagic.regtest.bytes == hex("fabfb5da"))
    }

    @Test func maximalMessagesFitTheirLimits() throws {
        let hs = [BlockHeader](repeating: ChainParams.mainnet.genesis.header, count: MessageLimits.maxHeaders)
        let h = Message.headers(hs)
        #expect(h.encodePayload().count == MessageLimits.maxPayload(for: .headers))
        #expect(try Message.decode(command: .headers, payload: h.encodePayload()) == h)
        let inv = Message.inv(
            [InventoryVector](
                repeating: InventoryVector(type: .tx, hash: bytes32(1)), count: MessageLimits.maxInventory))
        #expect(inv.encodePayload().count == MessageLimits.maxPayload(for: .inv))
        #expect(try Message.decode(command: .inv, payload: inv.encodePayload()) == inv)
        let loc = Message.getheaders(
            LocatorRequest(locator: [BlockHash](repeating: bytes32(2), count: MessageLimits.maxLocator)))
        #expect(loc.encodePayload().count == MessageLimits.maxPayload(for: .getheaders))
        let addr = Message.addr(
            [TimestampedAddress](
                repeating: TimestampedAddress(time: 1, address: .unspecified), count: MessageLimits.maxAddresses))
        #expect(addr.encodePayload().count == MessageLimits.maxPayload(for: .addr))
        var v = VersionMessage(
            services: [], timestamp: 0, addrRecv: .unspecified, nonce: 0, userAgent: "", startHeight: 0)
        v.userAgent = [UInt8](repeating: 0x61, count: MessageLimits.maxUserAgent)
        #expect(
            Message.version(v).encodePayload().count + MessageLimits.versionExtensionAllowance
                == MessageLimits.maxPayload(for: .version))
    }

    @Test func trailingBytesRejected() {
        for m in sampleMessages {
            switch m {
            case .version, .reject, .unknown: continue
            default:
                let p = m.encodePayload() + [0]
                if p.count > MessageLimits.maxPayload(for: m.command) { continue }
                #expect(throws: P2PError.self, "\(m.command)") { try Message.decode(command: m.command, payload: p) }
            }
        }
    }
}

@Suite struct BlockLocatorTests {
    @Test func coreStepPattern() {
        #expect(BlockLocator.heights(tipHeight: 0) == [0])
        #expect(BlockLocator.heights(tipHeight: 5) == [5, 4, 3, 2, 1, 0])
        #expect(BlockLocator.heights(tipHeight: 10) == [10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0])
        // Eleven entries at step 1 (100...90), then steps 1, 2, 4, ... (Core doubles after the 11th push).
        #expect(
            BlockLocator.heights(tipHeight: 100) == [
                100, 99, 98, 97, 96, 95, 94, 93, 92, 91, 90, 89, 87, 83, 75, 59, 27, 0,
            ])
        #expect(BlockLocator.heights(tipHeight: -1) == [])
    }

    @Test func alwaysEndsAtGenesisAndStaysSmall() {
        for tip in [1, 11, 12, 1000, 840_000, Int(Int32.max)] {
            let hs = BlockLocator.heights(tipHeight: tip)
            #expect(hs.first == tip)
            #expect(hs.last == 0)
            #expect(hs.count <= MessageLimits.maxLocator)
            #expect(zip(hs, hs.dropFirst()).allSatisfy { $0 > $1 })
        }
    }

    @Test func buildLooksUpHashes() {
        let chain = (0...50).map { bytes32(UInt8($0)) }
        let loc = BlockLocator.build(tipHeight: 50) { h in chain.indices.contains(h) ? chain[h] : nil }
        #expect(loc == BlockLocator.heights(tipHeight: 50).map { chain[$0] })
        #expect(loc.last == chain[0])
    }
}
