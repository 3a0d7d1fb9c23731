import Bitcoin
import BitcoinP2P
import NIOCore
import NIOPosix
import Primitives
import Testing

/// In-process nodes on loopback (ephemeral ports), each a `PeerManager` over a `NetTestChain`.
@Suite(.serialized) struct PeerManagerTests {
    /// B syncs 2,100 mined blocks from A (two full `headers` batches and a short one, parallel block
    /// download); a third node C then announces new blocks and a transaction to B, which relays them to A.
    @Test func twoNodesSyncThenThirdAnnounces() async throws {
        let group = MultiThreadedEventLoopGroup.singleton
        let chainA = NetTestChain()
        await chainA.mine(2100)
        let a = makeNode(chainA, testConfiguration(), group: group)
        let portA = try #require(try await a.start())

        let chainB = NetTestChain()
        let b = makeNode(chainB, testConfiguration(connect: [portA]), group: group)
        let start = ContinuousClock.now
        let portB = try #require(try await b.start())
        let synced = await waitUntil(.seconds(30)) { await chainB.bestBlockHeight == 2100 }
        let elapsed = ContinuousClock.now - start
        #expect(synced)
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        print("loopback sync: 2100 blocks in \(seconds) s = \(Int(2100 / max(seconds, 1e-9))) blocks/s")
        #expect(await chainB.bestBlockHash == chainA.bestBlockHash)
        #expect(await chainB.rawBlocksOnBestChain() == chainA.rawBlocksOnBestChain())
        let statsB = await b.statistics()
        #expect(statsB.headersAccepted >= 2100)
        #expect(statsB.misbehaviours == 0)

        // C starts with A's chain, connects to B, mines three blocks and announces them.
        let chainC = await NetTestChain(copying: chainA)
        let c = makeNode(chainC, testConfiguration(listen: false, connect: [portB]), group: group)
        try await c.start()
        #expect(await waitUntil { await c.peerInfo().contains { $0.handshakeComplete } })
        for h in await chainC.mine(3) { await c.announceBlock(h) }
        #expect(await waitUntil { await chainB.bestBlockHeight == 2103 })
        #expect(await waitUntil { await chainA.bestBlockHeight == 2103 })
        #expect(await chainA.bestBlockHash == chainC.bestBlockHash)

        // A transaction submitted at C travels C → B → A by inv/getdata/tx.
        let spend = Transaction(
            version: 2,
            inputs: [TxIn(prevout: OutPoint(txid: bytes32(0x42), vout: 0), scriptSig: [], witness: [[1, 2, 3]])],
            outputs: [TxOut(value: 1000, scriptPubKey: [0x51])])
        await chainC.submit(spend)
        await c.announceTransaction(txid: spend.computeTxID(), wtxid: spend.computeWTxID())
        #expect(await waitUntil { await chainA.transaction(spend.computeTxID(), isWitnessID: false) == spend })
        #expect(await chainB.transaction(spend.computeWTxID(), isWitnessID: true) == spend)

        await c.shutdown()
        await b.shutdown()
        await a.shutdown()
    }

    /// A peer that takes block requests and never answers is dropped after the stall timeout and its
    /// blocks are fetched from another peer.
    @Test func stallingPeerIsReplaced() async throws {
        let group = MultiThreadedEventLoopGroup.singleton
        let chainA = NetTestChain()
        let headers = await chainA.mine(200)
        let a = makeNode(chainA, testConfiguration(), group: group)
        let portA = try #require(try await a.start())
        let chainB = NetTestChain()
        let b = makeNode(chainB, testConfiguration(), group: group)
        let portB = try #require(try await b.start())

        let requested = try await ScriptedPeer.connect(port: portB, group: group).run { s in
            #expect(try await s.handshake(startHeight: 200))
            try await s.send(.headers(headers))
            // Wait for B's block requests; answer none of them.
            guard case .getdata(let items)? = await s.waitFor({ if case .getdata = $0 { true } else { false } }) else {
                return 0
            }
            await b.addOutbound(PeerEndpoint(host: "127.0.0.1", port: portA))
            _ = await s.drainUntilClosed()
            return items.count
        }
        #expect(requested > 0)
        #expect(await waitUntil { await chainB.bestBlockHeight == 200 })
        #expect(await b.statistics().stalls >= 1)
        #expect(await !b.isBanned("127.0.0.1"))
        await b.shutdown()
        await a.shutdown()
    }

    @Test func handshakeTimeoutDisconnects() async throws {
        let group = MultiThreadedEventLoopGroup.singleton
        var config = testConfiguration()
        config.handshakeTimeout = .milliseconds(300)
        let b = makeNode(NetTestChain(), config, group: group)
        let port = try #require(try await b.start())
        let start = ContinuousClock.now
        let closed = try await ScriptedPeer.connect(port: port, group: group).run(timeout: .seconds(5)) { s in
            _ = await s.drainUntilClosed()  // send nothing
            return ContinuousClock.now - start
        }
        #expect(closed >= .milliseconds(300) && closed < .seconds(3))
        #expect(await !b.isBanned("127.0.0.1"))
        await b.shutdown()
    }

    @Test func handshakeAndKeepalive() async throws {
        let group = MultiThreadedEventLoopGroup.singleton
        var config = testConfiguration()
        config.pingInterval = .milliseconds(100)
        config.pingTimeout = .milliseconds(500)
        let b = makeNode(NetTestChain(), config, group: group)
        let port = try #require(try await b.start())
        let seen = try await ScriptedPeer.connect(port: port, group: group).run { s in
            #expect(try await s.handshake())
            // Answer the first ping; ignore later ones: the node must drop us on the ping timeout.
            guard case .ping(let nonce)? = await s.waitFor({ if case .ping = $0 { true } else { false } }) else {
                return [Message]()
            }
            try await s.send(.pong(nonce: nonce))
            try await s.send(.ping(nonce: 77))
            _ = await s.drainUntilClosed()
            return s.received
        }
        let commands = seen.map(\.command)
        for c: Command in [.version, .wtxidrelay, .sendaddrv2, .verack, .sendheaders, .feefilter, .getheaders] {
            #expect(commands.contains(c), "missing \(c)")
        }
        // wtxidrelay and sendaddrv2 come between version and verack (BIP339, BIP155).
        if let v = commands.firstIndex(of: .verack), let w = commands.firstIndex(of: .wtxidrelay) { #expect(w < v) }
        #expect(seen.contains(.pong(nonce: 77)))
        #expect(await !b.isBanned("127.0.0.1"))
        await b.shutdown()
    }

    @Test func servesHeadersBlocksAndNotFound() async throws {
        let group = MultiThreadedEventLoopGroup.singleton
        let chain = NetTestChain()
        let mined = await chain.mine(30)
        let b = makeNode(chain, testConfiguration(), group: group)
        let port = try #require(try await b.start())
        let genesis = ChainParams.regtest.genesisHash
        let h10 = mined[9].computeHash()
        let h12 = mined[11].computeHash()
        let raw12 = try #require(await chain.rawBlock(h12))
        try await ScriptedPeer.connect(port: port, group: group).run { s in
            #expect(try await s.handshake())
            try await s.send(.getheaders(LocatorRequest(locator: [h10, genesis], stopHash: .zero)))
            let got = await s.waitFor { if case .headers(let hs) = $0, !hs.isEmpty { true } else { false } }
            #expect(got == .headers(Array(mined[10...])))
            try await s.send(.getdata([InventoryVector(type: .witnessBlock, hash: h12), InventoryVector(type: .block, hash: bytes32(9))]))
            let block = await s.waitFor { if case .block = $0 { true } else { false } }
            #expect(block.map { MessageEnvelope.encode($0, magic: .regtest) } == MessageEnvelope.encode(command: .block, payload: raw12, magic: .regtest))
            let nf = await s.waitFor { if case .notfound = $0 { true } else { false } }
            #expect(nf == .notfound([InventoryVector(type: .block, hash: bytes32(9))]))
        }
        await b.shutdown()
    }

    /// addr/addrv2 are remembered (deduplicated, unknown networks and port 0 skipped) and `getaddr`
    /// from an inbound peer is answered once, as `addr` to a peer that did not send `sendaddrv2`.
    @Test func addressesAreKeptAndGetAddrAnsweredOnce() async throws {
        let group = MultiThreadedEventLoopGroup.singleton
        let b = makeNode(NetTestChain(), testConfiguration(), group: group)
        let port = try #require(try await b.start())
        let v4 = TimestampedAddress(time: 1_700_000_000, address: NetworkAddress(services: [.network], ipv4: 10, 1, 2, 3, port: 8333))
        let entries: [AddrV2Entry] = [
            AddrV2Entry(time: 5, services: [.network, .witness], address: .ipv4([192, 168, 0, 1]), port: 18444),
            AddrV2Entry(time: 6, services: [.network], address: .torV3([UInt8](repeating: 7, count: 32)), port: 9050),
            AddrV2Entry(time: 7, services: [], address: .unknown(networkID: 99, bytes: [1]), port: 1),
            AddrV2Entry(time: 8, services: [], address: .ipv4([1, 1, 1, 1]), port: 0),
        ]
        let answer = try await ScriptedPeer.connect(port: port, group: group).run { s in
            #expect(try await s.handshake())
            try await s.send(.addr([v4, v4]))
            try await s.send(.addrv2(entries))
            try await s.send(.getaddr)
            let first = await s.waitFor { if case .addr = $0 { true } else { false } }
            try await s.send(.getaddr)
            try await s.send(.ping(nonce: 3))
            _ = await s.waitFor { $0 == .pong(nonce: 3) }
            // The second getaddr went unanswered (the pong came back after it, in order).
            #expect(s.received.filter { if case .addr = $0 { true } else { false } }.count == 1)
            return first
        }
        // Tor v3 cannot be carried by addr; unknown networks and port 0 are not kept.
        let legacy192 = TimestampedAddress(
            time: 5, address: NetworkAddress(services: [.network, .witness], ipv4: 192, 168, 0, 1, port: 18444))
        #expect(answer == .addr([v4, legacy192]))
        #expect(await b.knownAddresses().count == 3)
        await b.shutdown()
    }
}
