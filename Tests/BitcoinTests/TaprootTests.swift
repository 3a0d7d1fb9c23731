import Testing
import Foundation
import Primitives
import Hashing
import Secp256k1
import Bitcoin

/// BIP341 wallet vectors (bitcoin/core/bip341_wallet_vectors.json).
@Suite struct TaprootTests {
    static func load() throws -> [String: Any] {
        guard let j = try VectorJSON.load("bitcoin/core/bip341_wallet_vectors.json") as? [String: Any] else {
            throw VectorFormatError("bip341_wallet_vectors.json layout")
        }
        return j
    }

    /// Builds a tree from the vectors' JSON: a leaf object, or a two-element array of subtrees.
    /// Also returns the leaves' ids in depth-first order.
    static func tree(_ node: Any) throws -> (TapTree, [Int]) {
        if let leaf = node as? [String: Any] {
            guard let id = leaf["id"] as? Int, let script = (leaf["script"] as? String).flatMap({ [UInt8](hex: $0) }),
                  let version = leaf["leafVersion"] as? Int, let v = UInt8(exactly: version),
                  let l = TapLeaf(leafVersion: v, script: script) else { throw VectorFormatError("leaf \(leaf)") }
            return (.leaf(l), [id])
        }
        guard let pair = node as? [Any], pair.count == 2 else { throw VectorFormatError("branch \(node)") }
        let (a, ia) = try tree(pair[0]), (b, ib) = try tree(pair[1])
        return (.branch(a, b), ia + ib)
    }

    @Test func scriptPubKeyCases() throws {
        let cases = try #require(try Self.load()["scriptPubKey"] as? [[String: Any]])
        #expect(cases.count == 7)
        var passed = 0
        for (n, c) in cases.enumerated() {
            let given = try #require(c["given"] as? [String: Any])
            let inter = try #require(c["intermediary"] as? [String: Any])
            let expected = try #require(c["expected"] as? [String: Any])
            let internalKey = try #require((given["internalPubkey"] as? String).flatMap { [UInt8](hex: $0) })
            var tree: TapTree?
            var ids: [Int] = []
            if let t = given["scriptTree"], !(t is NSNull) { (tree, ids) = try Self.tree(t) }
            let out = try #require(TaprootOutput(internalKeyX: internalKey, tree: tree), "case \(n)")
            var ok = true
            func check(_ cond: Bool, _ what: String) {
                #expect(cond, "case \(n): \(what)")
                ok = ok && cond
            }
            // Leaf hashes, listed by leaf id.
            if let leafHashes = inter["leafHashes"] as? [String], let tree {
                let paths = tree.computeLeafPaths()
                check(paths.count == leafHashes.count, "leaf count")
                for (i, p) in paths.enumerated() where i < ids.count && ids[i] < leafHashes.count {
                    check(p.hash.hex == leafHashes[ids[i]], "leaf hash of id \(ids[i])")
                }
            }
            check(out.merkleRoot?.hex == inter["merkleRoot"] as? String, "merkle root")
            check(out.tweak.hex == inter["tweak"] as? String, "tweak")
            check(out.outputKeyX.hex == inter["tweakedPubkey"] as? String, "tweaked pubkey")
            check(out.scriptPubKey.hex == expected["scriptPubKey"] as? String, "scriptPubKey")
            let addr = out.address.encode(network: .main)
            check(addr == expected["bip350Address"] as? String, "address")
            check(Address.decode(addr, network: .main)?.scriptPubKey == out.scriptPubKey, "address decodes")
            check(Secp256k1.checkTapTweak(internalKeyX: internalKey, tweak: out.tweak, outputKeyX: out.outputKeyX,
                                          parity: out.outputKeyParity), "tweak check")
            // Control blocks, listed by leaf id; each one proves its leaf against the output key.
            let blocks = out.computeControlBlocks()
            let expectedBlocks = expected["scriptPathControlBlocks"] as? [String] ?? []
            check(blocks.count == expectedBlocks.count, "control block count")
            for (i, b) in blocks.enumerated() where i < ids.count && ids[i] < expectedBlocks.count {
                check(b.controlBlock.hex == expectedBlocks[ids[i]], "control block of id \(ids[i])")
                let path = stride(from: 33, to: b.controlBlock.count, by: 32).map { Bytes32(b.controlBlock[$0..<($0 + 32)]) }
                let root = TapTree.computeRoot(leafHash: b.leaf.computeHash(), path: path)
                check(Secp256k1.checkTapTweak(
                    internalKeyX: internalKey, tweak: Secp256k1.taprootTweak(internalKeyX: internalKey, merkleRoot: root),
                    outputKeyX: out.outputKeyX, parity: b.controlBlock[0] & 1 == 1), "control block \(i) proves its leaf")
            }
            if ok { passed += 1 }
        }
        #expect(passed == 7)
    }

    /// keyPathSpending: internal private key → tweaked private key, and the BIP340 signature of
    /// the vectors' own sigHash (computing the sighash itself belongs to the script module).
    @Test func keyPathPrivateKeyTweakAndSignature() throws {
        let spends = try #require(try Self.load()["keyPathSpending"] as? [[String: Any]])
        let inputs = try #require(spends.first?["inputSpending"] as? [[String: Any]])
        #expect(inputs.count == 7)
        var passed = 0
        for (n, input) in inputs.enumerated() {
            let given = try #require(input["given"] as? [String: Any])
            let inter = try #require(input["intermediary"] as? [String: Any])
            let expected = try #require(input["expected"] as? [String: Any])
            let sk = try #require((given["internalPrivkey"] as? String).flatMap { [UInt8](hex: $0) })
            let root = (given["merkleRoot"] as? String).flatMap { Bytes32(hex: $0) }
            let hashType = try #require(given["hashType"] as? Int)
            let sigHash = try #require((inter["sigHash"] as? String).flatMap { Bytes32(hex: $0) })
            let witness = try #require((expected["witness"] as? [String])?.first)

            let xpk = Secp256k1.xOnlyPublicKey(privateKey: sk)
            #expect(xpk?.x.hex == inter["internalPubkey"] as? String, "input \(n): internal pubkey")
            let xk = try #require(xpk?.x)
            #expect(Secp256k1.taprootTweak(internalKeyX: xk, merkleRoot: root).hex == inter["tweak"] as? String,
                    "input \(n): tweak")
            let tweaked = Secp256k1.taprootTweakPrivateKey(sk, merkleRoot: root)
            #expect(tweaked?.hex == inter["tweakedPrivkey"] as? String, "input \(n): tweaked private key")
            // The vectors sign with all-zero auxiliary randomness; a non-default hash type is appended.
            let sig = tweaked.flatMap {
                Secp256k1.signSchnorr(message: sigHash, privateKey: $0, auxRandom: [UInt8](repeating: 0, count: 32))
            }
            let full = sig.map { hashType == 0 ? $0 : $0 + [UInt8(hashType)] }
            #expect(full?.hex == witness, "input \(n): signature")
            if tweaked?.hex == inter["tweakedPrivkey"] as? String && full?.hex == witness { passed += 1 }
        }
        #expect(passed == 7)
    }

    @Test func treeHelpers() throws {
        #expect(TapLeaf(leafVersion: 0xc1, script: []) == nil)  // odd leaf versions are invalid
        let a = try #require(TapLeaf(script: [0x51])), b = try #require(TapLeaf(script: [0x52]))
        let ha = a.computeHash(), hb = b.computeHash()
        #expect(TapTree.branchHash(ha, hb) == TapTree.branchHash(hb, ha))  // sorted
        #expect(TapTree.branch(.leaf(a), .leaf(b)).computeMerkleRoot() == TapTree.branch(.leaf(b), .leaf(a)).computeMerkleRoot())
        // A chain of 129 levels is too deep for a control block.
        var deep = TapTree.leaf(a)
        for _ in 0..<129 { deep = .branch(deep, .leaf(b)) }
        let key = try #require(Secp256k1.xOnlyPublicKey(privateKey: [UInt8](repeating: 1, count: 32))).x
        #expect(TaprootOutput(internalKeyX: key, tree: deep) == nil)
        #expect(TaprootOutput(internalKeyX: [UInt8](repeating: 0xff, count: 32), tree: nil) == nil)
    }
}
