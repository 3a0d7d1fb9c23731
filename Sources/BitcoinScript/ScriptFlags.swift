/// Script verification flags, bit-for-bit Bitcoin Core's `SCRIPT_VERIFY_*` (script/interpreter.h).
public struct ScriptFlags: OptionSet, Hashable, Sendable {
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    public static let none: ScriptFlags = []
    /// BIP16.
    public static let p2sh = ScriptFlags(rawValue: 1 << 0)
    /// Strict signature/pubkey encodings and defined hash types (policy).
    public static let strictEnc = ScriptFlags(rawValue: 1 << 1)
    /// BIP66 strict DER.
    public static let derSig = ScriptFlags(rawValue: 1 << 2)
    /// Low-S signatures (policy, BIP146).
    public static let lowS = ScriptFlags(rawValue: 1 << 3)
    /// BIP147 NULLDUMMY.
    public static let nullDummy = ScriptFlags(rawValue: 1 << 4)
    /// scriptSig must be push-only (policy; consensus for P2SH and witness spends).
    public static let sigPushOnly = ScriptFlags(rawValue: 1 << 5)
    /// Minimal pushes and minimal script numbers (policy).
    public static let minimalData = ScriptFlags(rawValue: 1 << 6)
    public static let discourageUpgradableNops = ScriptFlags(rawValue: 1 << 7)
    /// Exactly one stack element after evaluation (policy).
    public static let cleanStack = ScriptFlags(rawValue: 1 << 8)
    /// BIP65.
    public static let checkLockTimeVerify = ScriptFlags(rawValue: 1 << 9)
    /// BIP112.
    public static let checkSequenceVerify = ScriptFlags(rawValue: 1 << 10)
    /// BIP141/BIP143.
    public static let witness = ScriptFlags(rawValue: 1 << 11)
    public static let discourageUpgradableWitnessProgram = ScriptFlags(rawValue: 1 << 12)
    /// Minimal OP_IF/OP_NOTIF arguments in witness v0 (policy).
    public static let minimalIf = ScriptFlags(rawValue: 1 << 13)
    /// Failed signature checks must use empty signatures (BIP146).
    public static let nullFail = ScriptFlags(rawValue: 1 << 14)
    /// Compressed keys only in witness v0 (policy).
    public static let witnessPubkeyType = ScriptFlags(rawValue: 1 << 15)
    /// No OP_CODESEPARATOR / FindAndDelete matches in legacy scripts (policy).
    public static let constScriptCode = ScriptFlags(rawValue: 1 << 16)
    /// BIP341/BIP342.
    public static let taproot = ScriptFlags(rawValue: 1 << 17)
    public static let discourageUpgradableTaprootVersion = ScriptFlags(rawValue: 1 << 18)
    public static let discourageOpSuccess = ScriptFlags(rawValue: 1 << 19)
    public static let discourageUpgradablePubkeyType = ScriptFlags(rawValue: 1 << 20)

    /// Core's names (`mapFlagNames` in the unit tests), in bit order.
    public static let namedFlags: [(name: String, flag: ScriptFlags)] = [
        ("P2SH", .p2sh), ("STRICTENC", .strictEnc), ("DERSIG", .derSig), ("LOW_S", .lowS),
        ("NULLDUMMY", .nullDummy), ("SIGPUSHONLY", .sigPushOnly), ("MINIMALDATA", .minimalData),
        ("DISCOURAGE_UPGRADABLE_NOPS", .discourageUpgradableNops), ("CLEANSTACK", .cleanStack),
        ("CHECKLOCKTIMEVERIFY", .checkLockTimeVerify), ("CHECKSEQUENCEVERIFY", .checkSequenceVerify),
        ("WITNESS", .witness), ("DISCOURAGE_UPGRADABLE_WITNESS_PROGRAM", .discourageUpgradableWitnessProgram),
        ("MINIMALIF", .minimalIf), ("NULLFAIL", .nullFail), ("WITNESS_PUBKEYTYPE", .witnessPubkeyType),
        ("CONST_SCRIPTCODE", .constScriptCode), ("TAPROOT", .taproot),
        ("DISCOURAGE_UPGRADABLE_TAPROOT_VERSION", .discourageUpgradableTaprootVersion),
        ("DISCOURAGE_OP_SUCCESS", .discourageOpSuccess),
        ("DISCOURAGE_UPGRADABLE_PUBKEYTYPE", .discourageUpgradablePubkeyType),
    ]

    /// Every defined flag.
    public static let all: ScriptFlags = namedFlags.reduce(into: ScriptFlags()) { $0.formUnion($1.flag) }

    /// The consensus flags of a fully upgraded chain (P2SH, DERSIG, NULLDUMMY, CLTV, CSV, WITNESS, TAPROOT).
    public static let mandatory: ScriptFlags = [
        .p2sh, .derSig, .nullDummy, .checkLockTimeVerify, .checkSequenceVerify, .witness, .taproot,
    ]

    /// Core's `STANDARD_SCRIPT_VERIFY_FLAGS` (policy/policy.h).
    public static let standard: ScriptFlags = mandatory.union([
        .strictEnc, .minimalData, .discourageUpgradableNops, .cleanStack, .minimalIf, .nullFail, .lowS,
        .discourageUpgradableWitnessProgram, .witnessPubkeyType, .constScriptCode,
        .discourageUpgradableTaprootVersion, .discourageOpSuccess, .discourageUpgradablePubkeyType,
    ])

    /// Parses Core's comma-separated flag names (`""` and `"NONE"` give no flags). Nil on an unknown name.
    public init?(coreNames: String) {
        self = []
        if coreNames.isEmpty || coreNames == "NONE" { return }
        for word in coreNames.split(separator: ",", omittingEmptySubsequences: false) {
            guard let f = ScriptFlags.namedFlags.first(where: { $0.name == word }) else { return nil }
            formUnion(f.flag)
        }
    }

    /// Core's names of the flags set, comma-separated.
    public var coreNames: String {
        ScriptFlags.namedFlags.filter { contains($0.flag) }.map(\.name).joined(separator: ",")
    }
}
