import Bitcoin
import BitcoinP2P
import NIOCore
import NIOPosix
import Primitives
import Testing

/// Hostile inbound peers: each case must end with the node closing the connection and banning the
/// address (or, for harmless cases, not banning), and the node still serving an honest peer after.
@Suite(.serialized) struct HostilePeerTests {
    enum Attack: String, CaseIterable, Sendable {
        case malformedPayload, oversizedLength, badChecksum, wrongMagic, invalidCommand
        case invalidHeaderPoW, unlinkedHeaders, invalidBlock, unconnectingHeaderSpam, invalidTxFlood
    }

    /// A header on top of regtest genesis whose hash is above the target.
    static func highHashHeader() -> BlockHeader {
        var h = BlockHeader(
            version: 0x2000_0000, prevBlock: ChainParams.regtest.genesisHash, merkleRoot: bytes32(1),
            time: ChainParams.regtest.genesis.header.time + 1, bits: NetTestChain.regtestBits, nonce: 0)
        while NetTestChain.checkProofOfWork(h, hash: h.computeHash()) { h.nonce += 1 }
        return h
    }

    static func envelope(_ command: String, payload: [UInt8], magic: NetworkMagic = .regtest) -> [UInt8] {
        MessageEnvelope.encode(command: Command(command) ?? .verack, payload: payload, magic: magic)
    }

    @Test(arguments: Attack.allCases) func hostilePeerIsBanned(_ attack: Attack) async throws {
        let group = MultiThreadedEventLoopGroup.singleton
        let chain = NetTestChain()
        let honest = await chain.mine(3)
        let b = makeNode(chain, testConfiguration(), group: group)
        let port = try #require(try await b.start())

        try await ScriptedPeer.connect(port: port, group: group).run { s in
            #expect(try await s.handshake())
            switch attack {
            case .malformedPayload:
                // A ping whose payload is 4 bytes (BIP31 nonce is 8).
                try await s.sendBytes(Self.envelope("ping", payload: [1, 2, 3, 4]))
            case .oversizedLength:
                var bytes = Self.envelope("block", payload: [])
                // Declared length 4,000,001: over MAX_PROTOCOL_MESSAGE_LENGTH.
                bytes.replaceSubrange(16..<20, with: [0x01, 0x09, 0x3d, 0x00])
                try await s.sendBytes(bytes)
            case .badChecksum:
                var bytes = MessageEnvelope.encode(.ping(nonce: 5), magic: .regtest)
                bytes[20] ^= 0xff
                try await s.sendBytes(bytes)
            case .wrongMagic:
                try await s.sendBytes(MessageEnvelope.encode(.ping(nonce: 5), magic: .mainnet))
            case .invalidCommand:
                var bytes = MessageEnvelope.encode(.ping(nonce: 5), magic: .regtest)
                bytes[5] = 0x01
                try await s.sendBytes(bytes)
            case .invalidHeaderPoW:
                try await s.send(.headers([Self.highHashHeader()]))
            case .unlinkedHeaders:
                try await s.send(.headers([honest[0], honest[2]]))
            case .invalidBlock:
                // A fresh valid header, then its block with a transaction the merkle root does not commit to.
                // (The node's own three blocks are the first three of any chain mined here, so go higher.)
                let other = NetTestChain()
                let hs = await other.mine(5)
                var block = try Block(bytes: #require(await other.rawBlock(hs[3].computeHash())))
                try await s.send(.headers(hs))
                block.transactions.append(block.transactions[0])
                try await s.send(.block(block))
            case .unconnectingHeaderSpam:
                // 50 batches of headers whose parents nobody knows: 5 × 20 points.
                for i in 0..<50 {
                    var h = Self.highHashHeader()
                    h.prevBlock = bytes32(UInt8(i))
                    try await s.send(.headers([h]))
                }
            case .invalidTxFlood:
                for i in 0..<20 {
                    let tx = Transaction(
                        version: 2, inputs: [TxIn(prevout: OutPoint(txid: bytes32(UInt8(i)), vout: 0))],
                        outputs: [TxOut(value: -1, scriptPubKey: [0x51])])
                    try await s.send(.tx(tx))
                }
            }
            _ = await s.drainUntilClosed()
        }
        #expect(await waitUntil(.seconds(3)) { await b.isBanned("127.0.0.1") }, "\(attack) did not ban")
        #expect(await b.statistics().bans == 1)
        // A banned address is refused at once.
        let refused = try await ScriptedPeer.connect(port: port, group: group).run(timeout: .seconds(3)) { s in
            await s.next() == nil
        }
        #expect(refused)
        // The node survived: after lifting the ban an honest peer handshakes and gets headers.
        await b.unban("127.0.0.1")
        try await ScriptedPeer.connect(port: port, group: group).run { s in
            #expect(try await s.handshake())
            try await s.send(.getheaders(LocatorRequest(locator: [ChainParams.regtest.genesisHash])))
            let got = await s.waitFor { if case .headers(let hs) = $0, !hs.isEmpty { true } else { false } }
            // (After the invalid-block attack the node also holds that peer's valid headers 4 and 5.)
            guard case .headers(let hs)? = got else {
                Issue.record("no headers after the attack")
                return
            }
            #expect(Array(hs.prefix(3)) == honest)
        }
        await b.shutdown()
    }

    /// Rejected-by-policy transactions and a few unconnecting headers are not punished.
    @Test func harmlessOdditiesAreNotBanned() async throws {
        let group = MultiThreadedEventLoopGroup.singleton
        let b = makeNode(NetTestChain(), testConfiguration(), group: group)
        let port = try #require(try await b.start())
        try await ScriptedPeer.connect(port: port, group: group).run { s in
            #expect(try await s.handshake())
            for i in 0..<5 {
                var h = Self.highHashHeader()
                h.prevBlock = bytes32(UInt8(i))
                try await s.send(.headers([h]))
            }
            try await s.send(.unknown(command: Command("filterload") ?? .verack, payload: [1]))
            try await s.send(.ping(nonce: 9))
            #expect(await s.waitFor { $0 == .pong(nonce: 9) } != nil)
        }
        #expect(await !b.isBanned("127.0.0.1"))
        #expect(await b.statistics().misbehaviours == 0)
        await b.shutdown()
    }
}
