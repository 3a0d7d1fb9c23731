/// Gas constants and schedules the interpreter charges dynamically (static base costs are in
/// `InstructionTraits`).
public enum Gas {
    /// EIP-2929.
    public static let coldAccountAccess: Int64 = 2600
    public static let coldSload: Int64 = 2100
    public static let warmAccess: Int64 = 100
    /// Cold cost minus the warm base already charged by the instruction table.
    public static let coldAccountSurcharge: Int64 = coldAccountAccess - warmAccess
    public static let coldSloadSurcharge: Int64 = coldSload - warmAccess
    /// Yellow Paper G_callvalue, G_callstipend, G_newaccount.
    public static let callValue: Int64 = 9000
    public static let callStipend: Int64 = 2300
    public static let newAccount: Int64 = 25000
    public static let selfDestructRefund: Int64 = 24000
    public static let keccakWord: Int64 = 6
    /// EIP-3860.
    public static let initcodeWord: Int64 = 2
    public static let maxInitcodeSize = 2 * 24576
    /// EIP-170.
    public static let maxCodeSize = 24576
    public static let codeDeposit: Int64 = 200

    /// SSTORE parameters of a fork (evmone's `StorageCostSpec`).
    struct StorageSchedule {
        /// Net gas metering (EIP-1283 in Constantinople, EIP-2200 from Istanbul).
        var netCost: Bool
        var warmAccess: Int64, set: Int64, reset: Int64, clear: Int64
    }

    static func storageSchedule(_ fork: Fork) -> StorageSchedule {
        switch fork {
        case .constantinople: return StorageSchedule(netCost: true, warmAccess: 200, set: 20000, reset: 5000, clear: 15000)
        case .istanbul: return StorageSchedule(netCost: true, warmAccess: 800, set: 20000, reset: 5000, clear: 15000)
        case .berlin:  // EIP-2929: reset excludes the cold-slot cost charged separately
            return StorageSchedule(netCost: true, warmAccess: 100, set: 20000, reset: 5000 - coldSload, clear: 15000)
        case .london, .paris, .shanghai, .cancun, .prague, .osaka:  // EIP-3529: clear refund 4800
            return StorageSchedule(netCost: true, warmAccess: 100, set: 20000, reset: 5000 - coldSload, clear: 4800)
        default:  // Frontier…Byzantium and Petersburg: the original rule
            return StorageSchedule(netCost: false, warmAccess: 200, set: 20000, reset: 5000, clear: 15000)
        }
    }

    /// (gas, refund) of an SSTORE with outcome `status` in `fork` (without the EIP-2929 cold cost).
    public static func sstoreCost(_ fork: Fork, _ status: StorageStatus) -> (gas: Int64, refund: Int64) {
        let c = storageSchedule(fork)
        if !c.netCost {
            switch status {
            case .added, .deletedAdded, .deletedRestored: return (c.set, 0)
            case .deleted, .modifiedDeleted, .addedDeleted: return (c.reset, c.clear)
            case .modified, .assigned, .modifiedRestored: return (c.reset, 0)
            }
        }
        switch status {
        case .assigned: return (c.warmAccess, 0)
        case .added: return (c.set, 0)
        case .deleted: return (c.reset, c.clear)
        case .modified: return (c.reset, 0)
        case .deletedAdded: return (c.warmAccess, -c.clear)
        case .modifiedDeleted: return (c.warmAccess, c.clear)
        case .deletedRestored: return (c.warmAccess, c.reset - c.warmAccess - c.clear)
        case .addedDeleted: return (c.warmAccess, c.set - c.warmAccess)
        case .modifiedRestored: return (c.warmAccess, c.reset - c.warmAccess)
        }
    }
}
