import Bitcoin
import BitcoinP2P
import Primitives
import Testing

/// Byte-exact vectors from Bitcoin's protocol documentation (developer reference) and the mainnet genesis block.
@Suite struct VectorTests {
    /// The `version` example of the Bitcoin developer reference (protocol 70002, /Satoshi:0.9.3/).
    static let devRefVersion = hex(
        """
        f9beb4d9 76657273696f6e0000000000 65000000 5f1a69d2
        72110100 0100000000000000 bc8f5e5400000000
        0100000000000000 00000000000000000000ffffc61b6409 208d
        0100000000000000 00000000000000000000ffffcb0071c0 208d
        128035cbc97953f8 0f 2f5361746f7368693a302e392e332f cf050500 01
        """)

    @Test func versionFromDeveloperReference() throws {
        let msgs = try decodeAll(Self.devRefVersion)
        #expect(msgs.count == 1)
        guard case .version(let v) = msgs.first else {
            Issue.record("not a version message")
            return
        }
        #expect(v.protocolVersion == 70002)
        #expect(v.services == .network)
        #expect(v.timestamp == 1_415_483_324)
        #expect(v.addrRecv == NetworkAddress(services: .network, ipv4: 198, 27, 100, 9, port: 8333))
        #expect(v.addrFrom == NetworkAddress(services: .network, ipv4: 203, 0, 113, 192, port: 8333))
        #expect(v.nonce == 0xf853_79c9_cb35_8012)
        #expect(v.userAgentString == "/Satoshi:0.9.3/")
        #expect(v.startHeight == 329_167)
        #expect(v.relay == true)
        #expect(MessageEnvelope.encode(.version(v), magic: .mainnet) == Self.devRefVersion)
    }

    @Test func verackHasWellKnownChecksum() throws {
        let wire = hex("f9beb4d9 76657261636b000000000000 00000000 5df6e0e2")
        #expect(MessageEnvelope.encode(.verack, magic: .mainnet) == wire)
        #expect(try decodeAll(wire) == [.verack])
        // Every empty-payload message carries the same checksum.
        for m in [Message.sendheaders, .wtxidrelay, .sendaddrv2, .mempool, .getaddr] {
            #expect(Array(MessageEnvelope.encode(m, magic: .mainnet)[20..<24]) == hex("5df6e0e2"))
        }
    }

    static let genesisBlock = hex(
        """
        0100000000000000000000000000000000000000000000000000000000000000000000003ba3edfd7a7b12b27ac72c3e67768f617fc81bc3888a51323a9fb8aa4b1e5e4a29ab5f49ffff001d1dac2b7c\
        0101000000010000000000000000000000000000000000000000000000000000000000000000ffffffff4d04ffff001d0104455468652054696d65732030332f4a616e2f32303039204368616e63656c6c6f72206f6e206272696e6b206f66207365636f6e64206261696c6f757420666f722062616e6b73ffffffff0100f2052a01000000434104678afdb0fe5548271967f1a67130b7105cd6a828e03909a67962e0ea1f61deb649f6bc3f4cef38c4f35504e51ec112de5c384df7ba0b8d578a4c702b6bf11d5fac00000000
        """)

    @Test func genesisBlockMessage() throws {
        // Header: "block", length 285, checksum = SHA256d(block)[0..<4] (computed independently with hashlib).
        let wire = hex("f9beb4d9 626c6f636b00000000000000 1d010000 f71a2403") + Self.genesisBlock
        let msgs = try decodeAll(wire)
        guard case .block(let b) = msgs.first, msgs.count == 1 else {
            Issue.record("not one block message")
            return
        }
        #expect(b.computeHash().displayHex == "000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f")
        #expect(b == ChainParams.mainnet.genesis)
        #expect(MessageEnvelope.encode(.block(b), magic: .mainnet) == wire)
    }

    @Test func headersCarryTrailingZeroTxCount() throws {
        let header = Array(Self.genesisBlock.prefix(80))
        // count 1, header, tx count 0; checksum from hashlib.
        let wire = hex("f9beb4d9 686561646572730000000000 52000000 0b0e13eb 01") + header + [0x00]
        #expect(MessageEnvelope.encode(.headers([ChainParams.mainnet.genesis.header]), magic: .mainnet) == wire)
        #expect(try decodeAll(wire) == [.headers([ChainParams.mainnet.genesis.header])])
    }

    @Test func headersWithNonZeroTxCountRejected() {
        let payload = [0x01] + Array(Self.genesisBlock.prefix(80)) + [0x01]
        #expect(throws: P2PError.self) { try Message.decode(command: .headers, payload: payload) }
        // A full block inside headers is still rejected (the tx count is non-zero).
        #expect(throws: P2PError.self) { try Message.decode(command: .headers, payload: [0x01] + Self.genesisBlock) }
    }

    @Test func pingPongAndFeefilterLayout() throws {
        #expect(Message.ping(nonce: 0x0102_0304_0506_0708).encodePayload() == hex("0807060504030201"))
        #expect(Message.feefilter(1000).encodePayload() == hex("e803000000000000"))
        #expect(Message.sendcmpct(announce: false, version: 1).encodePayload() == hex("00 0100000000000000"))
    }

    @Test func getheadersLayout() throws {
        let g = ChainParams.mainnet.genesisHash
        let payload = Message.getheaders(LocatorRequest(version: 70016, locator: [g], stopHash: .zero)).encodePayload()
        #expect(payload == hex("80110100 01") + g.bytes + [UInt8](repeating: 0, count: 32))
    }

    @Test func invLayoutAndWitnessFlag() throws {
        let inv = Message.getdata([InventoryVector(type: .witnessBlock, hash: bytes32(0xaa))]).encodePayload()
        #expect(inv == hex("01 02000040") + [UInt8](repeating: 0xaa, count: 32))
        #expect(InventoryType.witnessTx.rawValue == 0x4000_0001)
        #expect(InventoryType.witnessBlock.base == .block)
        #expect(InventoryType.witnessBlock.hasWitnessFlag)
        #expect(InventoryType.witnessFilteredBlock.description == "witness_filtered_block")
        // Unknown inventory types decode, they are not errors.
        let odd = try Message.decode(command: .inv, payload: hex("01 07000000") + [UInt8](repeating: 1, count: 32))
        #expect(odd == .inv([InventoryVector(type: InventoryType(rawValue: 7), hash: bytes32(1))]))
    }

    @Test func addrv2Layout() throws {
        // BIP155: time, services as CompactSize, network id, CompactSize length, address, port (BE).
        let e = AddrV2Entry(
            time: 0x01020304, services: [.network, .witness], address: .ipv4([1, 2, 3, 4]), port: 8333)
        #expect(Message.addrv2([e]).encodePayload() == hex("01 04030201 09 01 04 01020304 208d"))
        let big = AddrV2Entry(
            time: 0, services: ServiceFlags(rawValue: 0x1_0000), address: .ipv4([0, 0, 0, 0]), port: 0)
        #expect(Message.addrv2([big]).encodePayload() == hex("01 00000000 fe00000100 01 04 00000000 0000"))
    }

    @Test func addrv2RejectsWrongLengthForKnownNetwork() {
        // IPv4 with 5 bytes; TorV3 with 16.
        #expect(throws: P2PError.self) {
            try Message.decode(command: .addrv2, payload: hex("01 00000000 00 01 05 0102030405 0000"))
        }
        #expect(throws: P2PError.self) {
            try Message.decode(
                command: .addrv2, payload: hex("01 00000000 00 04 10") + [UInt8](repeating: 0, count: 16) + [0, 0])
        }
        // An address longer than 512 bytes is rejected even for unknown networks.
        #expect(throws: P2PError.self) {
            try Message.decode(
                command: .addrv2, payload: hex("01 00000000 00 63 fd0102") + [UInt8](repeating: 0, count: 513) + [0, 0])
        }
    }

    @Test func versionLimitsAndOptionalRelay() throws {
        var p = Array(Self.devRefVersion.dropFirst(24))
        p.removeLast()  // no relay byte
        guard case .version(let v) = try Message.decode(command: .version, payload: p) else {
            Issue.record("not version")
            return
        }
        #expect(v.relay == nil)
        // Extra bytes after relay are tolerated (forward compatibility, as Core).
        #expect(throws: Never.self) {
            try Message.decode(command: .version, payload: Array(Self.devRefVersion.dropFirst(24)) + [9, 9])
        }
        // A 257-byte user agent is rejected.
        var long = Array(Self.devRefVersion.dropFirst(24).prefix(80))
        long += hex("fd0101") + [UInt8](repeating: 0x41, count: 257) + hex("00000000 01")
        #expect(throws: P2PError.self) { try Message.decode(command: .version, payload: long) }
    }

    @Test func locatorLimit() {
        var w = ByteWriter()
        w.writeUInt32LE(70016)
        w.writeCompactSize(102)
        for _ in 0..<102 { w.write(Bytes32.zero) }
        w.write(Bytes32.zero)
        #expect(throws: P2PError.self) { try Message.decode(command: .getheaders, payload: w.bytes) }
    }

    @Test func countLimitsCheckedBeforeAllocation() {
        // Counts above the limits fail on the CompactSize alone.
        #expect(throws: P2PError.self) { try Message.decode(command: .headers, payload: hex("fdd107")) }  // 2001
        #expect(throws: P2PError.self) { try Message.decode(command: .inv, payload: hex("fe51c30000")) }  // 50001
        #expect(throws: P2PError.self) { try Message.decode(command: .addr, payload: hex("fde903")) }  // 1001
        #expect(throws: P2PError.self) { try Message.decode(command: .addrv2, payload: hex("fde903")) }
        // Huge counts with no data behind them fail as truncation, without allocating.
        #expect(throws: P2PError.self) { try Message.decode(command: .inv, payload: hex("fd50c3")) }
    }

    @Test func commandFieldValidation() throws {
        #expect(try Command(field: hex("76657273696f6e0000000000")) == .version)
        // Non-NUL after the first NUL.
        #expect(throws: P2PError.self) { try Command(field: hex("76657273696f6e0000000001")) }
        // Non-printable.
        #expect(throws: P2PError.self) { try Command(field: hex("76657273696f6e0a00000000")) }
        #expect(throws: P2PError.self) { try Command(field: hex("ff0000000000000000000000")) }
        #expect(Command("thirteenchars") == nil)
        #expect(Command("sendcmpct")?.field == hex("73656e64636d706374000000"))
    }

    @Test func unknownCommandIsNotAnError() throws {
        let wire = MessageEnvelope.encode(command: Command("cfheaders") ?? .verack, payload: [1, 2], magic: .regtest)
        let msgs = try decodeAll(wire, magic: .regtest)
        #expect(msgs == [.unknown(command: Command("cfheaders") ?? .verack, payload: [1, 2])])
    }

    @Test func rejectDecodes() throws {
        // "tx", 0x10, "bad-txns-inputs-missingorspent", txid.
        let payload =
            hex("02 7478 10 1e") + Array("bad-txns-inputs-missingorspent".utf8) + [UInt8](repeating: 0x11, count: 32)
        let m = try Message.decode(command: .reject, payload: payload)
        #expect(
            m
                == .reject(
                    RejectMessage(
                        message: Array("tx".utf8), code: 0x10, reason: Array("bad-txns-inputs-missingorspent".utf8),
                        data: bytes32(0x11))))
    }
}

@Suite struct AddrV2Tests {
    @Test func torV2IsSkippedLikeCore() throws {
        // id 3 (Tor v2, dropped by Core 22.0) with a non-10-byte address is kept as unknown, not an error.
        let m = try Message.decode(command: .addrv2, payload: hex("01 00000000 00 03 02 abcd 0000"))
        #expect(
            m
                == .addrv2([
                    AddrV2Entry(time: 0, services: [], address: .unknown(networkID: 3, bytes: [0xab, 0xcd]), port: 0)
                ]))
    }

    @Test func knownNetworksHaveFixedLengths() {
        #expect(AddrV2Address.expectedLength(networkID: 1) == 4)
        #expect(AddrV2Address.expectedLength(networkID: 2) == 16)
        #expect(AddrV2Address.expectedLength(networkID: 4) == 32)
        #expect(AddrV2Address.expectedLength(networkID: 5) == 32)
        #expect(AddrV2Address.expectedLength(networkID: 6) == 16)
        #expect(AddrV2Address.expectedLength(networkID: 3) == nil)
    }
}

/// Bitcoin Core's `src/test/netbase_tests.cpp` fixtures: the same three addresses as an `addr`
/// payload (`stream_addr_hex`, v1) and as an `addrv2` payload (`stream_addrv2_hex`, BIP155).
@Suite struct CoreAddressFixtureTests {
    static let loopback6 = [UInt8](repeating: 0, count: 15) + [1]
    static let services: [ServiceFlags] = [[], .network, [.witness, .compactFilters, .networkLimited]]
    static let times: [UInt32] = [0x4966_bc61, 0x8376_6279, 0xffff_ffff]
    static let ports: [UInt16] = [0, 0x00f1, 0xf1f2]

    @Test func addrV1() throws {
        let payload = hex(
            """
            03
            61bc6649 0000000000000000 00000000000000000000000000000001 0000
            79627683 0100000000000000 00000000000000000000000000000001 00f1
            ffffffff 4804000000000000 00000000000000000000000000000001 f1f2
            """)
        let expected = Message.addr(
            (0..<3).map {
                TimestampedAddress(
                    time: Self.times[$0],
                    address: NetworkAddress(services: Self.services[$0], ip: Self.loopback6, port: Self.ports[$0]))
            })
        #expect(try Message.decode(command: .addr, payload: payload) == expected)
        #expect(expected.encodePayload() == payload)
    }

    @Test func addrV2() throws {
        let payload = hex(
            """
            03
            61bc6649 00     02 10 00000000000000000000000000000001 0000
            79627683 01     02 10 00000000000000000000000000000001 00f1
            ffffffff fd4804 02 10 00000000000000000000000000000001 f1f2
            """)
        let expected = Message.addrv2(
            (0..<3).map {
                AddrV2Entry(
                    time: Self.times[$0], services: Self.services[$0], address: .ipv6(Self.loopback6),
                    port: Self.ports[$0])
            })
        #expect(try Message.decode(command: .addrv2, payload: payload) == expected)
        #expect(expected.encodePayload() == payload)
    }
}

@Suite struct RealTrafficVectorTests {
    /// A real mainnet `version` from a /Satoshi:22.0.0/ node (October 2021), as recorded in
    /// 22388o/bitcodec-bitcoin-p2p `tests/data/version_message.ts`.
    @Test func satoshi22Version() throws {
        let wire = hex(
            """
            f9beb4d976657273696f6e00000000006600000097302af5801101000904000000000000e5776461000000000000000000000000\
            00000000000000000000ffff1fdf0364085e0904000000000000000000000000000000000000000000000000\
            72036dbc6d407f7f102f5361746f7368693a32322e302e302f26c00a0001
            """)
        let msgs = try decodeAll(wire)
        guard case .version(let v) = msgs.first, msgs.count == 1 else {
            Issue.record("not one version message")
            return
        }
        #expect(v.protocolVersion == 70016)
        #expect(v.services == [.network, .witness, .networkLimited])
        #expect(v.timestamp == 1_633_974_245)
        #expect(v.addrRecv == NetworkAddress(services: [], ipv4: 31, 223, 3, 100, port: 2142))
        #expect(v.addrFrom == NetworkAddress(services: [.network, .witness, .networkLimited], ip: [], port: 0))
        #expect(v.nonce == 0x7f7f_406d_bc6d_0372)
        #expect(v.userAgentString == "/Satoshi:22.0.0/")
        #expect(v.startHeight == 704_550)
        #expect(v.relay == true)
        #expect(MessageEnvelope.encode(.version(v), magic: .mainnet) == wire)
    }
}

@Suite struct DecodeEdgeTests {
    @Test func directDecodeChecksPayloadLimit() {
        #expect(throws: P2PError.payloadTooLarge(command: "ping", length: 9, limit: 8)) {
            try Message.decode(command: .ping, payload: [UInt8](repeating: 0, count: 9))
        }
        #expect(throws: P2PError.self) { try Message.decode(command: .verack, payload: [0]) }
    }

    @Test func sendcmpctAnnounceIsACppBool() throws {
        // Core reads the announce byte as a bool: any non-zero value is true.
        #expect(
            try Message.decode(command: .sendcmpct, payload: hex("02 0200000000000000"))
                == .sendcmpct(announce: true, version: 2))
        #expect(
            try Message.decode(command: .sendcmpct, payload: hex("00 0200000000000000"))
                == .sendcmpct(announce: false, version: 2))
    }

    @Test func truncatedPayloadsAreTypedErrors() {
        for m in sampleMessages {
            let p = m.encodePayload()
            guard !p.isEmpty else { continue }
            if case .unknown = m { continue }
            if case .reject = m { continue }  // the trailing hash is optional
            if case .version(let v) = m, v.relay != nil { continue }  // the relay byte is optional
            #expect(throws: P2PError.self, "\(m.command)") {
                try Message.decode(command: m.command, payload: Array(p.dropLast()))
            }
        }
    }
}
