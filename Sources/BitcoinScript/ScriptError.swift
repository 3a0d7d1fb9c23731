/// Script verification failures: exactly Bitcoin Core's `ScriptError_t` set (script_error.h),
/// minus `SCRIPT_ERR_OK` (success is `nil`). `coreName` is the spelling used by Core's
/// `script_tests.json`.
public enum ScriptError: Error, Hashable, Sendable, CaseIterable, CustomStringConvertible {
    case unknownError
    case evalFalse
    case opReturn

    // Max sizes
    case scriptSize
    case pushSize
    case opCount
    case stackSize
    case sigCount
    case pubkeyCount

    // Failed verify operations
    case verify
    case equalVerify
    case checkMultisigVerify
    case checkSigVerify
    case numEqualVerify

    // Logical/Format/Canonical errors
    case badOpcode
    case disabledOpcode
    case invalidStackOperation
    case invalidAltstackOperation
    case unbalancedConditional

    // CHECKLOCKTIMEVERIFY and CHECKSEQUENCEVERIFY
    case negativeLocktime
    case unsatisfiedLocktime

    // Malleability
    case sigHashtype
    case sigDER
    case minimalData
    case sigPushOnly
    case sigHighS
    case sigNullDummy
    case pubkeyType
    case cleanStack
    case minimalIf
    case sigNullFail

    // Softfork safeness
    case discourageUpgradableNops
    case discourageUpgradableWitnessProgram
    case discourageUpgradableTaprootVersion
    case discourageOpSuccess
    case discourageUpgradablePubkeyType

    // Segregated witness
    case witnessProgramWrongLength
    case witnessProgramWitnessEmpty
    case witnessProgramMismatch
    case witnessMalleated
    case witnessMalleatedP2SH
    case witnessUnexpected
    case witnessPubkeyType

    // Taproot
    case schnorrSigSize
    case schnorrSigHashtype
    case schnorrSig
    case taprootWrongControlSize
    case tapscriptValidationWeight
    case tapscriptCheckMultisig
    case tapscriptMinimalIf
    case tapscriptEmptyPubkey

    // Constant scriptCode
    case opCodeseparator
    case sigFindAndDelete

    /// The name Bitcoin Core's script tests use (`FormatScriptError`).
    public var coreName: String {
        switch self {
        case .unknownError: return "UNKNOWN_ERROR"
        case .evalFalse: return "EVAL_FALSE"
        case .opReturn: return "OP_RETURN"
        case .scriptSize: return "SCRIPT_SIZE"
        case .pushSize: return "PUSH_SIZE"
        case .opCount: return "OP_COUNT"
        case .stackSize: return "STACK_SIZE"
        case .sigCount: return "SIG_COUNT"
        case .pubkeyCount: return "PUBKEY_COUNT"
        case .verify: return "VERIFY"
        case .equalVerify: return "EQUALVERIFY"
        case .checkMultisigVerify: return "CHECKMULTISIGVERIFY"
        case .checkSigVerify: return "CHECKSIGVERIFY"
        case .numEqualVerify: return "NUMEQUALVERIFY"
        case .badOpcode: return "BAD_OPCODE"
        case .disabledOpcode: return "DISABLED_OPCODE"
        case .invalidStackOperation: return "INVALID_STACK_OPERATION"
        case .invalidAltstackOperation: return "INVALID_ALTSTACK_OPERATION"
        case .unbalancedConditional: return "UNBALANCED_CONDITIONAL"
        case .negativeLocktime: return "NEGATIVE_LOCKTIME"
        case .unsatisfiedLocktime: return "UNSATISFIED_LOCKTIME"
        case .sigHashtype: return "SIG_HASHTYPE"
        case .sigDER: return "SIG_DER"
        case .minimalData: return "MINIMALDATA"
        case .sigPushOnly: return "SIG_PUSHONLY"
        case .sigHighS: return "SIG_HIGH_S"
        case .sigNullDummy: return "SIG_NULLDUMMY"
        case .pubkeyType: return "PUBKEYTYPE"
        case .cleanStack: return "CLEANSTACK"
        case .minimalIf: return "MINIMALIF"
        case .sigNullFail: return "NULLFAIL"
        case .discourageUpgradableNops: return "DISCOURAGE_UPGRADABLE_NOPS"
        case .discourageUpgradableWitnessProgram: return "DISCOURAGE_UPGRADABLE_WITNESS_PROGRAM"
        case .discourageUpgradableTaprootVersion: return "DISCOURAGE_UPGRADABLE_TAPROOT_VERSION"
        case .discourageOpSuccess: return "DISCOURAGE_OP_SUCCESS"
        case .discourageUpgradablePubkeyType: return "DISCOURAGE_UPGRADABLE_PUBKEYTYPE"
        case .witnessProgramWrongLength: return "WITNESS_PROGRAM_WRONG_LENGTH"
        case .witnessProgramWitnessEmpty: return "WITNESS_PROGRAM_WITNESS_EMPTY"
        case .witnessProgramMismatch: return "WITNESS_PROGRAM_MISMATCH"
        case .witnessMalleated: return "WITNESS_MALLEATED"
        case .witnessMalleatedP2SH: return "WITNESS_MALLEATED_P2SH"
        case .witnessUnexpected: return "WITNESS_UNEXPECTED"
        case .witnessPubkeyType: return "WITNESS_PUBKEYTYPE"
        case .schnorrSigSize: return "SCHNORR_SIG_SIZE"
        case .schnorrSigHashtype: return "SCHNORR_SIG_HASHTYPE"
        case .schnorrSig: return "SCHNORR_SIG"
        case .taprootWrongControlSize: return "TAPROOT_WRONG_CONTROL_SIZE"
        case .tapscriptValidationWeight: return "TAPSCRIPT_VALIDATION_WEIGHT"
        case .tapscriptCheckMultisig: return "TAPSCRIPT_CHECKMULTISIG"
        case .tapscriptMinimalIf: return "TAPSCRIPT_MINIMALIF"
        case .tapscriptEmptyPubkey: return "TAPSCRIPT_EMPTY_PUBKEY"
        case .opCodeseparator: return "OP_CODESEPARATOR"
        case .sigFindAndDelete: return "SIG_FINDANDDELETE"
        }
    }

    /// Looks an error up by its Core test name (`"OK"` is not an error and gives nil).
    public init?(coreName: String) {
        guard let e = ScriptError.allCases.first(where: { $0.coreName == coreName }) else { return nil }
        self = e
    }

    public var description: String { coreName }
}
