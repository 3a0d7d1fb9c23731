public import Bitcoin

/// Context-free transaction checks (Core's `CheckTransaction`, consensus/tx_check.cpp).
public enum TransactionChecks {
    /// 21,000,000 BTC in satoshis.
    public static let maxMoney: Int64 = 21_000_000 * 100_000_000
    /// Block weight limit (BIP141).
    public static let maxBlockWeight = 4_000_000
    public static let witnessScaleFactor = 4

    /// Why a transaction failed `checkTransaction`, with Core's reject reasons.
    public enum Failure: Error, Hashable, Sendable, CustomStringConvertible {
        case vinEmpty, voutEmpty, oversize, voutNegative, voutTooLarge, txoutTotalTooLarge
        case inputsDuplicate, coinbaseLength, prevoutNull

        public var rejectReason: String {
            switch self {
            case .vinEmpty: return "bad-txns-vin-empty"
            case .voutEmpty: return "bad-txns-vout-empty"
            case .oversize: return "bad-txns-oversize"
            case .voutNegative: return "bad-txns-vout-negative"
            case .voutTooLarge: return "bad-txns-vout-toolarge"
            case .txoutTotalTooLarge: return "bad-txns-txouttotal-toolarge"
            case .inputsDuplicate: return "bad-txns-inputs-duplicate"
            case .coinbaseLength: return "bad-cb-length"
            case .prevoutNull: return "bad-txns-prevout-null"
            }
        }
        public var description: String { rejectReason }
    }

    /// Returns nil if the transaction passes, else the first failure in Core's order.
    public static func checkTransaction(_ tx: Transaction) -> Failure? {
        if tx.inputs.isEmpty { return .vinEmpty }
        if tx.outputs.isEmpty { return .voutEmpty }
        // Size without witness (witness malleability is not yet checked).
        if tx.computeBaseSize() * witnessScaleFactor > maxBlockWeight { return .oversize }
        var total: Int64 = 0
        for o in tx.outputs {
            if o.value < 0 { return .voutNegative }
            if o.value > maxMoney { return .voutTooLarge }
            total += o.value  // both ≤ MAX_MONEY, cannot overflow
            if total < 0 || total > maxMoney { return .txoutTotalTooLarge }
        }
        var seen = Set<OutPoint>()
        seen.reserveCapacity(tx.inputs.count)
        for i in tx.inputs where !seen.insert(i.prevout).inserted { return .inputsDuplicate }
        if tx.isCoinbase {
            let n = tx.inputs[0].scriptSig.count
            if n < 2 || n > 100 { return .coinbaseLength }
        } else {
            for i in tx.inputs where i.prevout.isNull { return .prevoutNull }
        }
        return nil
    }
}
