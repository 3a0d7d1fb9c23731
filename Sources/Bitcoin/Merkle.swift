public import Primitives
internal import Hashing

/// Merkle roots over transaction ids, as Bitcoin Core computes them (`consensus/merkle.cpp`).
public enum Merkle {
    /// Computes the merkle root of `leaves` (internal byte order), duplicating the last hash of
    /// odd-length levels.
    ///
    /// `mutated` reports Core's CVE-2012-2459 detection: two identical adjacent hashes at any level
    /// (before odd-level duplication), which means another transaction list has the same root.
    /// An empty list gives the zero hash.
    public static func computeRoot(_ leaves: [Bytes32]) -> (root: Bytes32, mutated: Bool) {
        if leaves.isEmpty { return (.zero, false) }
        var level = leaves
        var mutation = false
        var buf = [UInt8](repeating: 0, count: 64)
        while level.count > 1 {
            var pos = 0
            while pos + 1 < level.count {
                if level[pos] == level[pos + 1] { mutation = true }
                pos += 2
            }
            if level.count & 1 == 1, let last = level.last { level.append(last) }
            var next: [Bytes32] = []
            next.reserveCapacity(level.count / 2)
            var i = 0
            while i + 1 < level.count {
                write(level[i], into: &buf, at: 0)
                write(level[i + 1], into: &buf, at: 32)
                next.append(SHA256Hash.double(buf))
                i += 2
            }
            level = next
        }
        return (level[0], mutation)
    }

    @inline(__always)
    static func write(_ h: Bytes32, into buf: inout [UInt8], at base: Int) {
        for k in 0..<8 {
            buf[base + k] = UInt8(truncatingIfNeeded: h.w0 >> UInt64(8 * k))
            buf[base + 8 + k] = UInt8(truncatingIfNeeded: h.w1 >> UInt64(8 * k))
            buf[base + 16 + k] = UInt8(truncatingIfNeeded: h.w2 >> UInt64(8 * k))
            buf[base + 24 + k] = UInt8(truncatingIfNeeded: h.w3 >> UInt64(8 * k))
        }
    }
}

extension Block {
    /// The transaction merkle root (Core's `BlockMerkleRoot`) and whether the list is mutated
    /// (CVE-2012-2459). Uses cached txids when `txids` is given.
    public func computeMerkleRoot(txids: [TxID]? = nil) -> (root: Bytes32, mutated: Bool) {
        Merkle.computeRoot(txids ?? transactions.map { $0.computeTxID() })
    }

    /// The BIP141 witness merkle root (Core's `BlockWitnessMerkleRoot`): the wtxid tree with the
    /// coinbase's wtxid replaced by 32 zero bytes.
    public func computeWitnessMerkleRoot() -> Bytes32 {
        var leaves: [Bytes32] = []
        leaves.reserveCapacity(transactions.count)
        for (i, tx) in transactions.enumerated() { leaves.append(i == 0 ? .zero : tx.computeWTxID()) }
        return Merkle.computeRoot(leaves).root
    }

    /// Index of the BIP141 witness commitment output in the coinbase (Core's
    /// `GetWitnessCommitmentIndex`): the **last** output whose scriptPubKey is at least 38 bytes and
    /// starts with `OP_RETURN 0x24 0xaa21a9ed`. Nil when there is none.
    public func witnessCommitmentIndex() -> Int? {
        guard let coinbase = transactions.first else { return nil }
        var found: Int?
        for (o, out) in coinbase.outputs.enumerated() {
            let s = out.scriptPubKey
            if s.count >= WitnessCommitment.minimumScriptSize, s[0] == 0x6a, s[1] == 0x24, s[2] == 0xaa, s[3] == 0x21,
                s[4] == 0xa9, s[5] == 0xed
            {
                found = o
            }
        }
        return found
    }

    /// Checks the BIP141 witness commitment (Core's `CheckWitnessMalleation`).
    ///
    /// With `segwitActive` and a commitment present: the coinbase's first input must have a witness of
    /// exactly one 32-byte item (the reserved value), and SHA256d(witness root ‖ reserved value) must
    /// equal the 32 bytes after the commitment header. In every other case no transaction may carry a
    /// witness.
    public func checkWitnessCommitment(segwitActive: Bool) -> WitnessCommitmentResult {
        if segwitActive, let pos = witnessCommitmentIndex() {
            guard let coinbase = transactions.first, let input = coinbase.inputs.first else {
                return .invalid(reason: "bad-cb-missing")
            }
            let stack = input.witness
            guard stack.count == 1, stack[0].count == 32 else { return .invalid(reason: "bad-witness-nonce-size") }
            let root = computeWitnessMerkleRoot()
            let computed = SHA256Hash.double(root.bytes + stack[0])
            let script = coinbase.outputs[pos].scriptPubKey
            let committed = Bytes32(script[6..<38])
            guard computed == committed else { return .invalid(reason: "bad-witness-merkle-match") }
            return .valid(committed: committed)
        }
        for tx in transactions where tx.hasWitness { return .invalid(reason: "unexpected-witness") }
        return .noCommitment
    }

    /// Block weight (BIP141): stripped size × 3 + total size (Core's `GetBlockWeight`).
    public func computeWeight() -> Int {
        computeStrippedSize() * 3 + computeTotalSize()
    }

    /// Size without witness data.
    public func computeStrippedSize() -> Int {
        var n = BlockHeader.size + ByteWriter.compactSizeLength(UInt64(transactions.count))
        for tx in transactions { n += tx.computeBaseSize() }
        return n
    }

    /// Size of the full (witness) serialization.
    public func computeTotalSize() -> Int {
        var n = BlockHeader.size + ByteWriter.compactSizeLength(UInt64(transactions.count))
        for tx in transactions { n += tx.computeTotalSize() }
        return n
    }
}

/// BIP141 witness commitment constants.
public enum WitnessCommitment {
    /// `OP_RETURN`, push 36, then the 4-byte header `aa21a9ed`.
    public static let header: [UInt8] = [0x6a, 0x24, 0xaa, 0x21, 0xa9, 0xed]
    /// Header (6) + commitment (32).
    public static let minimumScriptSize = 38
}

/// Outcome of `Block.checkWitnessCommitment(segwitActive:)`.
public enum WitnessCommitmentResult: Equatable, Sendable {
    /// A commitment was present and matched.
    case valid(committed: Bytes32)
    /// No commitment checked (none present, or segwit not active) and no witness data present.
    case noCommitment
    /// The reject reason, using Bitcoin Core's strings.
    case invalid(reason: String)
}
