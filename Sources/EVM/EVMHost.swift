public import Primitives

/// A 20-byte Ethereum account address.
public typealias EVMAddress = Bytes20

/// What kind of frame a `Message` starts.
public enum CallKind: UInt8, Sendable {
    case call, delegateCall, callCode, staticCall, create, create2

    @inlinable public var isCreate: Bool { self == .create || self == .create2 }
}

/// A call or create request (evmc_message). The interpreter builds these for CALL*/CREATE*; the
/// executor builds the top-level one from a transaction.
public struct Message: Sendable {
    public var kind: CallKind
    /// STATICCALL context (EIP-214): state changes are forbidden.
    public var isStatic: Bool
    /// 0 for the transaction's top-level frame.
    public var depth: Int
    public var gas: Int64
    /// The account whose storage and balance the code acts on (ADDRESS); for creates, the new address
    /// is chosen by the host and this field is ignored.
    public var recipient: EVMAddress
    /// CALLER.
    public var sender: EVMAddress
    /// The account whose code runs (differs from `recipient` for DELEGATECALL/CALLCODE and EIP-7702).
    public var codeAddress: EVMAddress
    /// CALLVALUE (for DELEGATECALL, the parent's value; no transfer happens).
    public var value: UInt256
    /// Call data; for creates, the init code.
    public var input: [UInt8]
    /// CREATE2 salt.
    public var salt: UInt256

    public init(
        kind: CallKind = .call, isStatic: Bool = false, depth: Int = 0, gas: Int64,
        recipient: EVMAddress, sender: EVMAddress, codeAddress: EVMAddress? = nil,
        value: UInt256 = .zero, input: [UInt8] = [], salt: UInt256 = .zero
    ) {
        self.kind = kind
        self.isStatic = isStatic
        self.depth = depth
        self.gas = gas
        self.recipient = recipient
        self.sender = sender
        self.codeAddress = codeAddress ?? recipient
        self.value = value
        self.input = input
        self.salt = salt
    }
}

/// Why a frame halted exceptionally. A halt consumes all gas given to the frame and reverts it.
public enum HaltReason: UInt8, Error, Sendable, Equatable {
    case outOfGas
    case stackUnderflow
    case stackOverflow
    case badJumpDestination
    /// An opcode not defined in the active fork.
    case undefinedInstruction
    /// The designated INVALID opcode 0xFE.
    case invalidInstruction
    /// RETURNDATACOPY past the end of the return data (EIP-211).
    case invalidMemoryAccess
    /// A state change inside STATICCALL (EIP-214).
    case staticModeViolation
    /// CREATE result rejected: starts with 0xEF (EIP-3541).
    case contractValidationFailure
    /// CREATE result longer than 24,576 bytes (EIP-170).
    case codeSizeExceeded
    /// CREATE target already has code or nonce (EIP-684/7610).
    case createCollision
    /// A precompile rejected its input.
    case precompileFailure
    /// The sender's nonce would overflow (EIP-2681).
    case nonceOverflow
}

/// The outcome of a frame: success, revert (output is the revert data, unused gas is returned),
/// or an exceptional halt.
public enum ExecutionStatus: Sendable, Equatable {
    case success
    case revert
    case halt(HaltReason)

    @inlinable public var isSuccess: Bool { self == .success }
}

/// The result of running a frame (evmc_result).
public struct ExecutionResult: Sendable {
    public var status: ExecutionStatus
    public var gasLeft: Int64
    /// Refund counter accumulated by the frame (SSTORE clears, pre-London SELFDESTRUCT); may be negative.
    public var gasRefund: Int64
    /// RETURN or REVERT data (for a successful create, empty).
    public var output: [UInt8]
    /// The new account for a successful CREATE/CREATE2.
    public var createdAddress: EVMAddress?

    public init(
        status: ExecutionStatus, gasLeft: Int64, gasRefund: Int64 = 0, output: [UInt8] = [],
        createdAddress: EVMAddress? = nil
    ) {
        self.status = status
        self.gasLeft = gasLeft
        self.gasRefund = gasRefund
        self.output = output
        self.createdAddress = createdAddress
    }
}

/// How an SSTORE changed a slot, as EVMC's `evmc_storage_status` (X = original value at the start of
/// the transaction, Y = current value, Z = new value; 0 is zero). The interpreter prices each case per
/// fork (EIP-2200/3529 and the older schedules).
public enum StorageStatus: UInt8, Sendable, CaseIterable {
    /// Any other case: no-op (X→X→X, 0→0→0) or a dirty slot not covered below (X→Y→Z).
    case assigned
    /// 0 → 0 → Z.
    case added
    /// X → X → 0.
    case deleted
    /// X → X → Z.
    case modified
    /// X → 0 → Z.
    case deletedAdded
    /// X → Y → 0.
    case modifiedDeleted
    /// X → 0 → X.
    case deletedRestored
    /// 0 → Y → 0.
    case addedDeleted
    /// X → Y → X.
    case modifiedRestored

    /// Classifies a store from the original, current and new values.
    public static func classify(original: UInt256, current: UInt256, new: UInt256) -> StorageStatus {
        if current == new { return .assigned }
        if original == current {
            if original.isZero { return .added }
            return new.isZero ? .deleted : .modified
        }
        // Dirty slot (original != current).
        if original.isZero {
            return new.isZero ? .addedDeleted : .assigned
        }
        if current.isZero {
            return new == original ? .deletedRestored : .deletedAdded
        }
        if new.isZero { return .modifiedDeleted }
        return new == original ? .modifiedRestored : .assigned
    }
}

/// Warm/cold state of an account or slot before an access (EIP-2929).
public enum AccessStatus: Sendable {
    case cold, warm
}

/// Block and transaction values the EVM can read.
public struct TxContext: Sendable {
    public var gasPrice: UInt256
    public var origin: EVMAddress
    public var coinbase: EVMAddress
    public var number: UInt64
    public var timestamp: UInt64
    public var gasLimit: UInt64
    /// PREVRANDAO after the Merge; DIFFICULTY before it.
    public var prevRandao: UInt256
    public var chainID: UInt256
    public var baseFee: UInt256
    public var blobBaseFee: UInt256
    public var blobHashes: [Bytes32]

    public init(
        gasPrice: UInt256 = .zero, origin: EVMAddress = .zero, coinbase: EVMAddress = .zero, number: UInt64 = 0,
        timestamp: UInt64 = 0, gasLimit: UInt64 = 30_000_000, prevRandao: UInt256 = .zero, chainID: UInt256 = .one,
        baseFee: UInt256 = .zero, blobBaseFee: UInt256 = .one, blobHashes: [Bytes32] = []
    ) {
        self.gasPrice = gasPrice
        self.origin = origin
        self.coinbase = coinbase
        self.number = number
        self.timestamp = timestamp
        self.gasLimit = gasLimit
        self.prevRandao = prevRandao
        self.chainID = chainID
        self.baseFee = baseFee
        self.blobBaseFee = blobBaseFee
        self.blobHashes = blobHashes
    }
}

/// The interpreter's view of the world (evmc_host_interface / revm `Host`). State journaling,
/// value transfers, nested execution and create-address derivation live behind `call`.
///
/// Use it generically (`Interpreter.execute(…, host: &h)` with `H: EVMHost`), never as `any EVMHost`
/// inside the loop: an existential host measured 2.7× slower here.
public protocol EVMHost {
    /// Whether the account exists; from Spurious Dragon on, an empty account (EIP-161) counts as absent.
    func accountExists(_ address: EVMAddress) -> Bool
    func balance(_ address: EVMAddress) -> UInt256
    func codeSize(_ address: EVMAddress) -> Int
    /// keccak256 of the code, or zero for a non-existent (or empty, EIP-161) account (EIP-1052).
    func codeHash(_ address: EVMAddress) -> Bytes32
    /// Copies code bytes starting at `offset` into `buffer`; returns how many were copied.
    func copyCode(_ address: EVMAddress, offset: Int, into buffer: UnsafeMutableRawBufferPointer) -> Int
    /// The EIP-7702 delegate if the account's code is a delegation designator `0xef0100 ‖ address`.
    func delegate(of address: EVMAddress) -> EVMAddress?

    func storage(_ address: EVMAddress, key: UInt256) -> UInt256
    /// Writes a slot and reports how it changed relative to the transaction's original value.
    mutating func setStorage(_ address: EVMAddress, key: UInt256, value: UInt256) -> StorageStatus
    /// EIP-1153.
    func transientStorage(_ address: EVMAddress, key: UInt256) -> UInt256
    mutating func setTransientStorage(_ address: EVMAddress, key: UInt256, value: UInt256)

    /// Marks the account warm and returns its previous state (EIP-2929).
    mutating func accessAccount(_ address: EVMAddress) -> AccessStatus
    /// Marks the slot warm and returns its previous state (EIP-2929).
    mutating func accessStorage(_ address: EVMAddress, key: UInt256) -> AccessStatus
    /// SLOAD in one step: marks the slot warm and returns its previous access state with its value
    /// (`accessStorage` then `storage`; a host can answer both with one lookup).
    mutating func loadStorage(_ address: EVMAddress, key: UInt256) -> (value: UInt256, access: AccessStatus)
    /// SSTORE in one step: marks the slot warm and writes it, returning the previous access state and
    /// the store's classification (`accessStorage` then `setStorage`).
    mutating func storeStorage(
        _ address: EVMAddress, key: UInt256, value: UInt256
    ) -> (status: StorageStatus, access: AccessStatus)

    var txContext: TxContext { get }
    /// Hash of block `number`; only asked for the 256 blocks before the current one.
    func blockHash(number: UInt64) -> Bytes32

    /// Runs a nested call or create. The interpreter has already checked depth and balance.
    mutating func call(_ message: Message) -> ExecutionResult
    /// Registers SELFDESTRUCT of `address` (EIP-6780 rules are the host's); returns true if this is
    /// the first registration in the transaction (pre-London refund).
    mutating func selfDestruct(_ address: EVMAddress, beneficiary: EVMAddress) -> Bool
    mutating func emitLog(address: EVMAddress, topics: [Bytes32], data: [UInt8])
}

extension EVMHost {
    /// `accessStorage` then `storage`.
    @inlinable
    public mutating func loadStorage(_ address: EVMAddress, key: UInt256) -> (value: UInt256, access: AccessStatus) {
        let access = accessStorage(address, key: key)
        return (storage(address, key: key), access)
    }

    /// `accessStorage` then `setStorage`.
    @inlinable
    public mutating func storeStorage(
        _ address: EVMAddress, key: UInt256, value: UInt256
    ) -> (status: StorageStatus, access: AccessStatus) {
        let access = accessStorage(address, key: key)
        return (setStorage(address, key: key, value: value), access)
    }
}
