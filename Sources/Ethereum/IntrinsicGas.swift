/// Intrinsic gas of a transaction: what it costs before any EVM execution (Yellow Paper §6.2, g₀),
/// with every fork change that affects it. Pure function of the transaction's shape and the fork.
public struct IntrinsicGas: Hashable, Sendable {
    /// The classic intrinsic cost charged up front.
    public var regular: UInt64
    /// EIP-7623 (Prague) calldata floor: the gas used is at least this; the gas limit must cover
    /// `max(regular, floor)`. Zero before Prague.
    public var floor: UInt64

    public init(regular: UInt64, floor: UInt64) {
        self.regular = regular
        self.floor = floor
    }

    /// The minimum gas limit a transaction needs: `max(regular, floor)`.
    @inlinable public var minimumGasLimit: UInt64 { Swift.max(regular, floor) }

    /// G_transaction.
    public static let base: UInt64 = 21_000
    /// G_txcreate, charged from Homestead (EIP-2).
    public static let create: UInt64 = 32_000
    /// G_txdatazero.
    public static let dataZero: UInt64 = 4
    /// G_txdatanonzero before Istanbul.
    public static let dataNonZeroFrontier: UInt64 = 68
    /// G_txdatanonzero from Istanbul (EIP-2028).
    public static let dataNonZeroIstanbul: UInt64 = 16
    /// EIP-2930 ACCESS_LIST_ADDRESS_COST.
    public static let accessListAddress: UInt64 = 2_400
    /// EIP-2930 ACCESS_LIST_STORAGE_KEY_COST.
    public static let accessListStorageKey: UInt64 = 1_900
    /// EIP-3860 INITCODE_WORD_COST.
    public static let initcodeWord: UInt64 = 2
    /// EIP-7702 PER_EMPTY_ACCOUNT_COST, charged per authorization.
    public static let perAuthorization: UInt64 = 25_000
    /// EIP-7623 TOTAL_COST_FLOOR_PER_TOKEN.
    public static let floorPerToken: UInt64 = 10
    /// EIP-7623 STANDARD_TOKEN_COST: tokens = zero bytes + 4 × non-zero bytes.
    public static let tokensPerNonZeroByte: UInt64 = 4
    /// EIP-3860 MAX_INITCODE_SIZE (2 × EIP-170's 24576).
    public static let maxInitcodeSize = 49_152

    /// Computes the intrinsic gas. Arithmetic saturates at `UInt64.max` (such a transaction can never
    /// have enough gas), so no input overflows.
    public static func compute(
        data: some Collection<UInt8>, isCreate: Bool, accessListAddresses: Int, accessListStorageKeys: Int,
        authorizations: Int, fork: Fork
    ) -> IntrinsicGas {
        var zero: UInt64 = 0
        for b in data where b == 0 { zero &+= 1 }
        let total = UInt64(data.count)
        let nonZero = total - zero
        var gas = base
        if isCreate && fork >= .homestead { gas = add(gas, create) }
        let nonZeroCost = fork >= .istanbul ? dataNonZeroIstanbul : dataNonZeroFrontier
        gas = add(gas, mul(zero, dataZero))
        gas = add(gas, mul(nonZero, nonZeroCost))
        if isCreate && fork >= .shanghai {
            gas = add(gas, mul((total + 31) / 32, initcodeWord))
        }
        if fork >= .berlin {
            gas = add(gas, mul(UInt64(clamping: accessListAddresses), accessListAddress))
            gas = add(gas, mul(UInt64(clamping: accessListStorageKeys), accessListStorageKey))
        }
        if fork >= .prague {
            gas = add(gas, mul(UInt64(clamping: authorizations), perAuthorization))
        }
        var floorGas: UInt64 = 0
        if fork >= .prague {
            let tokens = add(zero, mul(nonZero, tokensPerNonZeroByte))
            floorGas = add(base, mul(tokens, floorPerToken))
        }
        return IntrinsicGas(regular: gas, floor: floorGas)
    }

    @inline(__always) static func add(_ a: UInt64, _ b: UInt64) -> UInt64 {
        let (v, o) = a.addingReportingOverflow(b)
        return o ? .max : v
    }

    @inline(__always) static func mul(_ a: UInt64, _ b: UInt64) -> UInt64 {
        let (v, o) = a.multipliedReportingOverflow(by: b)
        return o ? .max : v
    }
}

extension Transaction {
    /// The intrinsic gas of this transaction under `fork`'s rules.
    public func computeIntrinsicGas(fork: Fork) -> IntrinsicGas {
        let list = accessList
        var keys = 0
        for e in list { keys += e.storageKeys.count }
        return IntrinsicGas.compute(
            data: data, isCreate: to == nil, accessListAddresses: list.count, accessListStorageKeys: keys,
            authorizations: authorizationList.count, fork: fork)
    }
}
