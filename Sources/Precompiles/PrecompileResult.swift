/// Why a precompile call failed. Every failure consumes all gas given to the call, as in geth and
/// revm: "out of gas" and "invalid input" are both exceptional halts of the callee.
public enum PrecompileError: Error, Sendable, Hashable {
    /// The call's gas limit is below the precompile's price for this input.
    case outOfGas
    /// The input breaks the precompile's rules (length, flag byte, point not on curve, …).
    case invalidInput
    /// The precompile exists at this fork but is not implemented (no precompile reports this today;
    /// the state-test runner skips cases that hit it).
    case notImplemented
}

/// The outcome of one precompile call: a value, never a thrown error.
public enum PrecompileResult: Sendable, Hashable {
    /// Success; `gasUsed` ≤ the call's gas limit. The output may be empty (e.g. ecrecover of an
    /// invalid signature, which still succeeds and costs 3000 gas).
    case success(gasUsed: UInt64, output: [UInt8])
    /// Failure; `gasUsed` is always the whole gas limit of the call.
    case failure(gasUsed: UInt64, PrecompileError)

    @inlinable public var gasUsed: UInt64 {
        switch self {
        case let .success(g, _), let .failure(g, _): return g
        }
    }

    @inlinable public var isSuccess: Bool {
        if case .success = self { return true }
        return false
    }

    /// The output on success, nil on failure.
    @inlinable public var output: [UInt8]? {
        if case let .success(_, out) = self { return out }
        return nil
    }
}
