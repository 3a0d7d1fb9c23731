public import EVM
public import Primitives

/// System contracts the block executor calls around a block's transactions, as the system
/// address with 30M gas, no value, no fees and no nonce change (EIP-4788's procedure, reused by
/// EIP-2935, EIP-7002 and EIP-7251).
public enum SystemCalls {
    /// `SYSTEM_ADDRESS` (EIP-4788): 0xfffffffffffffffffffffffffffffffffffffffe.
    public static let systemAddress = EVMAddress([UInt8](repeating: 0xff, count: 19) + [0xfe])
    /// Gas for every system call: 30,000,000 (EIP-4788, EIP-2935, EIP-7002, EIP-7251).
    public static let gasLimit: Int64 = 30_000_000

    /// EIP-4788 `BEACON_ROOTS_ADDRESS` (Cancun).
    public static let beaconRootsAddress = address("000F3df6D732807Ef1319fB7B8bB8522d0Beac02")
    /// EIP-2935 `HISTORY_STORAGE_ADDRESS` (Prague).
    public static let historyStorageAddress = address("0000F90827F1C53a10cb7A02335B175320002935")
    /// EIP-7002 `WITHDRAWAL_REQUEST_PREDEPLOY_ADDRESS` (Prague).
    public static let withdrawalRequestAddress = address("00000961Ef480Eb55e80D19ad83579A64c007002")
    /// EIP-7251 `CONSOLIDATION_REQUEST_PREDEPLOY_ADDRESS` (Prague).
    public static let consolidationRequestAddress = address("0000BBdDc7CE488642fb579F8B00f3a590007251")
    /// Mainnet deposit contract (EIP-6110 `DEPOSIT_CONTRACT_ADDRESS`), also used by the test fixtures.
    public static let mainnetDepositContract = address("00000000219ab540356cBB839Cbe05303d7705Fa")
    /// EIP-6110 `DEPOSIT_EVENT_SIGNATURE_HASH`: keccak256("DepositEvent(bytes,bytes,bytes,bytes,bytes)").
    public static let depositEventTopic =
        Bytes32(hex: "649bbc62d0e31342afea4e5cd82d4049e7e1ee912fc0889aa790803be39038c5") ?? .zero

    static func address(_ hex: String) -> EVMAddress { EVMAddress(hex: hex) ?? .zero }

    /// Runs one system call and finalises it like a transaction (EIP-161 cleanup of touched empty
    /// accounts, geth's `Finalise(true)`). Returns nil when `target` has no code (the call is then
    /// skipped), else the call's result.
    static func call(
        _ target: EVMAddress, input: [UInt8], context: TxContext, host: inout StateHost
    ) -> ExecutionResult? {
        guard let code = host.accounts[target]?.code, !code.isEmpty else { return nil }
        host.beginTransaction()
        var ctx = context
        ctx.origin = systemAddress
        ctx.gasPrice = .zero
        ctx.blobHashes = []
        host.txContext = ctx
        host.warm(systemAddress)
        host.warm(target)
        let r = host.call(
            Message(
                kind: .call, gas: gasLimit, recipient: target, sender: systemAddress, codeAddress: target,
                value: .zero, input: input))
        // geth and the specification never touch the caller of a system call (no value moves), so
        // an empty account at the system address would survive; only the call's own touches count.
        host.touched.remove(systemAddress)
        host.finalizeTransaction()
        return r
    }

    /// EIP-6110: the 192-byte deposit request (`pubkey ‖ withdrawal_credentials ‖ amount ‖ signature
    /// ‖ index`) in a `DepositEvent` log's ABI data; nil when the layout is not the one the deposit
    /// contract emits (576 bytes; offsets 160, 256, 320, 384, 512; sizes 48, 32, 8, 96, 8).
    public static func depositRequest(fromLogData data: [UInt8]) -> [UInt8]? {
        guard data.count == 576 else { return nil }
        func word(_ at: Int) -> UInt256? { UInt256(bigEndian: Array(data[at..<(at + 32)])) }
        let offsets: [UInt64] = [160, 256, 320, 384, 512]
        let sizes: [UInt64] = [48, 32, 8, 96, 8]
        var out: [UInt8] = []
        out.reserveCapacity(192)
        for i in 0..<5 {
            guard let off = word(i * 32), off == UInt256(offsets[i]) else { return nil }
            let o = Int(offsets[i])
            guard let size = word(o), size == UInt256(sizes[i]) else { return nil }
            out += data[(o + 32)..<(o + 32 + Int(sizes[i]))]
        }
        return out
    }
}
