public import Primitives
public import Bitcoin
import BitcoinConsensus
import KVStore
import Hashing

/// Errors of block template building.
public enum MinerError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A template transaction spends an output that is neither in the UTXO set nor created earlier in
    /// the template.
    case missingInput(OutPoint)
    /// Inputs are worth less than outputs.
    case negativeFee(txIndex: Int)
    /// No nonce (over all extra nonces tried) met the target — only possible off regtest.
    case noSolution
    /// The parent is not in the index.
    case unknownParent(BlockHash)

    public var description: String {
        switch self {
        case let .missingInput(op): return "template input \(op) not found"
        case let .negativeFee(i): return "template transaction \(i) pays more than it spends"
        case .noSolution: return "no proof-of-work solution found"
        case let .unknownParent(h): return "unknown parent \(h.displayHex)"
        }
    }
}

/// Block templates and proof-of-work grinding (for regtest and devnets, where the target is easy).
public enum BlockMiner {
    /// `nVersion` of mined blocks (BIP9 top bits, no deployments signalled).
    public static let blockVersion: Int32 = 0x2000_0000

    /// The coinbase of a block at `height`: scriptSig = BIP34 height ‖ push of `extraNonce` (4 bytes),
    /// one output paying `reward` to `payTo`, and, if `witnessCommitment` is given, the BIP141
    /// commitment output and the 32-byte zero witness reserved value.
    public static func coinbase(height: Int, payTo: [UInt8], reward: Int64, extraNonce: UInt32, witnessCommitment: Bytes32?) -> Transaction {
        var sig = BlockValidation.bip34Prefix(height: height)
        var nonce: [UInt8] = []
        for s in stride(from: 0, through: 24, by: 8) { nonce.append(UInt8(truncatingIfNeeded: extraNonce >> UInt32(s))) }
        sig += [UInt8(nonce.count)] + nonce
        var outputs = [TxOut(value: reward, scriptPubKey: payTo)]
        var witness: [[UInt8]] = []
        if let c = witnessCommitment {
            outputs.append(TxOut(value: 0, scriptPubKey: WitnessCommitment.header + c.bytes))
            witness = [[UInt8](repeating: 0, count: 32)]
        }
        return Transaction(
            version: 2, inputs: [TxIn(prevout: .null, scriptSig: sig, sequence: TxIn.sequenceFinal, witness: witness)], outputs: outputs,
            lockTime: 0)
    }

    /// Assembles a block: coinbase (subsidy + `fees`), then `transactions` in order; a witness
    /// commitment is added when any transaction has witness data. The header's nonce is not ground.
    public static func assemble(
        params: ChainParams, parent: BlockHash, height: Int, bits: UInt32, time: UInt32, payTo: [UInt8], transactions: [Transaction],
        fees: Int64, extraNonce: UInt32 = 0
    ) -> Block {
        let reward = Money.subsidy(height: height, params: params) + fees
        var cb = coinbase(height: height, payTo: payTo, reward: reward, extraNonce: extraNonce, witnessCommitment: nil)
        var block = Block(
            header: BlockHeader(version: blockVersion, prevBlock: parent, merkleRoot: .zero, time: time, bits: bits, nonce: 0),
            transactions: [cb] + transactions)
        if transactions.contains(where: \.hasWitness) {
            // The commitment covers the witness merkle root, where the coinbase counts as zero.
            let root = block.computeWitnessMerkleRoot()
            let commitment = SHA256Hash.double(root.bytes + [UInt8](repeating: 0, count: 32))
            cb = coinbase(height: height, payTo: payTo, reward: reward, extraNonce: extraNonce, witnessCommitment: commitment)
            block.transactions[0] = cb
        }
        block.header.merkleRoot = block.computeMerkleRoot().root
        return block
    }

    /// Searches nonces until the header meets its target; false if all 2^32 fail.
    public static func grind(_ header: inout BlockHeader, powLimit: UInt256) -> Bool {
        var nonce: UInt32 = 0
        while true {
            header.nonce = nonce
            if ProofOfWork.check(hash: header.computeHash(), bits: header.bits, powLimit: powLimit) { return true }
            if nonce == .max { return false }
            nonce += 1
        }
    }
}

extension BitcoinChain {
    /// A solved block on `parent` (default: the tip) paying subsidy + fees to `payTo`, with
    /// `transactions` in order. Fees are computed from the UTXO set when `parent` is the tip (inputs
    /// may also spend outputs earlier in the template); otherwise pass `fees`. `time` defaults to
    /// max(parent time, median time past) + 1.
    public func makeBlock(
        on parent: BlockHash? = nil, payTo: [UInt8], transactions: [Transaction] = [], fees: Int64? = nil, time: UInt32? = nil
    ) throws(NodeError) -> Block {
        let parentHash = parent ?? tip.hash
        guard let p = entries[parentHash] else { throw .unknownBlock(parentHash) }
        let height = Int(p.height) + 1
        let ancestors = TreeAncestors(chain: self, pending: [:], start: p)
        let last = ChainEntry(height: Int(p.height), time: p.header.time, bits: p.header.bits)
        let mtp = ProofOfWork.medianTimePast(last: last, ancestors: ancestors) ?? Int64(p.header.time)
        let blockTime = time ?? UInt32(truncatingIfNeeded: max(Int64(p.header.time), mtp) + 1)
        guard let bits = ProofOfWork.nextWorkRequired(last: last, newTime: blockTime, params: params, ancestors: ancestors) else {
            throw .other("cannot compute the required bits")
        }
        let totalFees: Int64
        if let fees {
            totalFees = fees
        } else {
            guard parentHash == tip.hash else { throw .other("fees must be given for a block off the tip") }
            totalFees = try templateFees(transactions)
        }
        var extra: UInt32 = 0
        while true {
            var block = BlockMiner.assemble(
                params: params, parent: parentHash, height: height, bits: bits, time: blockTime, payTo: payTo, transactions: transactions,
                fees: totalFees, extraNonce: extra)
            if BlockMiner.grind(&block.header, powLimit: params.powLimit) { return block }
            guard extra < 16 else { throw .other(MinerError.noSolution.description) }
            extra += 1
        }
    }

    /// Inputs minus outputs of template transactions, against the UTXO set plus earlier template outputs.
    func templateFees(_ txs: [Transaction]) throws(NodeError) -> Int64 {
        var created: [OutPoint: Int64] = [:]
        var fees: Int64 = 0
        for (i, tx) in txs.enumerated() {
            var valueIn: Int64 = 0
            for input in tx.inputs {
                if let v = created.removeValue(forKey: input.prevout) {
                    valueIn += v
                } else if let raw = try readStore({ r in try r.get(self.t.coins, Keys.outpoint(input.prevout)) }) {
                    valueIn += try CoinCodec.decode(raw).output.value
                } else {
                    throw .other(MinerError.missingInput(input.prevout).description)
                }
            }
            let valueOut = tx.outputs.reduce(Int64(0)) { $0 + $1.value }
            guard valueIn >= valueOut else { throw .other(MinerError.negativeFee(txIndex: i).description) }
            fees += valueIn - valueOut
            let txid = tx.computeTxID()
            for (o, out) in tx.outputs.enumerated() { created[OutPoint(txid: txid, vout: UInt32(o))] = out.value }
        }
        return fees
    }

    /// Builds a block on the tip (see ``makeBlock(on:payTo:transactions:fees:time:)``), grinds it and
    /// submits it through ``acceptBlock(_:)``. Returns the block.
    @discardableResult
    public nonisolated(nonsending) func mine(payTo: [UInt8], transactions: [Transaction] = [], time: UInt32? = nil) async throws(NodeError) -> Block {
        let block = try makeBlock(payTo: payTo, transactions: transactions, time: time)
        try await acceptBlock(block)
        return block
    }
}
