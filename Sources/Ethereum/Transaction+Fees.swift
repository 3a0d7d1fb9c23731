public import Primitives

extension Transaction {
    /// EIP-4844 GAS_PER_BLOB (2^17).
    public static let gasPerBlob: UInt64 = 1 << 17

    /// Blob gas this transaction uses: `GAS_PER_BLOB × number of versioned hashes` (EIP-4844); 0 for
    /// other types.
    public var blobGas: UInt64 {
        if case .blob(let t) = self { return Self.gasPerBlob &* UInt64(t.blobVersionedHashes.count) }
        return 0
    }

    /// The price per gas actually paid at `baseFee` (EIP-1559): `min(maxFeePerGas, baseFee +
    /// maxPriorityFeePerGas)`; for types 0 and 1 simply `gasPrice`. Nil if the transaction cannot
    /// pay the base fee (`maxFeePerGas < baseFee`). Deposits pay nothing (zero).
    public func effectiveGasPrice(baseFee: UInt256) -> UInt256? {
        switch self {
        case .deposit, .btcAttributesDeposited, .popPayout:
            return .zero
        case .legacy, .accessList:
            return maxFeePerGas >= baseFee ? maxFeePerGas : nil
        case .dynamicFee, .blob, .setCode:
            let cap = maxFeePerGas
            guard cap >= baseFee else { return nil }
            let (withTip, overflow) = baseFee.addingReportingOverflow(maxPriorityFeePerGas)
            return overflow || withTip > cap ? cap : withTip
        }
    }

    /// The priority fee per gas the block producer receives at `baseFee` (effective price − base fee).
    public func effectiveTip(baseFee: UInt256) -> UInt256? {
        guard let price = effectiveGasPrice(baseFee: baseFee) else { return nil }
        switch self {
        case .deposit, .btcAttributesDeposited, .popPayout: return .zero
        default: break
        }
        return price &- baseFee
    }

    /// The balance the sender must hold before execution: `gasLimit × maxFeePerGas + value +
    /// blobGas × maxFeePerBlobGas` (EIP-1559/4844 "max cost"). Nil if it overflows 256 bits, which
    /// no balance can cover. Deposits: `value` only (their gas is bought on L1; `mint` is credited first).
    public func computeMaxUpfrontCost() -> UInt256? {
        switch self {
        case .deposit(let d): return d.value
        case .btcAttributesDeposited, .popPayout: return .zero
        default: break
        }
        let (gasCost, o1) = UInt256(gasLimit).multipliedReportingOverflow(by: maxFeePerGas)
        var (total, o2) = gasCost.addingReportingOverflow(value)
        if o1 || o2 { return nil }
        if case .blob(let t) = self {
            let (blobCost, o3) = UInt256(blobGas).multipliedReportingOverflow(by: t.maxFeePerBlobGas)
            let (sum, o4) = total.addingReportingOverflow(blobCost)
            if o3 || o4 { return nil }
            total = sum
        }
        return total
    }
}
