public import Primitives
public import Bitcoin
import Hashing
import Secp256k1

/// Which rules a script runs under (Core's `SigVersion`).
public enum SigVersion: Sendable, Equatable {
    /// Legacy and P2SH scripts.
    case base
    /// BIP141/BIP143 witness v0 scripts.
    case witnessV0
    /// BIP341 key-path spends (no script execution).
    case taproot
    /// BIP342 tapscript.
    case tapscript
}

/// Per-execution data for taproot signatures (Core's `ScriptExecutionData`).
public struct ScriptExecutionData: Sendable {
    /// BIP341 tapleaf hash of the executing script (script-path spends).
    public var tapleafHash: Bytes32? = nil
    /// Opcode position of the last executed OP_CODESEPARATOR, 0xffffffff if none.
    public var codeSeparatorPosition: UInt32 = 0xffff_ffff
    /// SHA256 of the CompactSize-prefixed annex, if one is present.
    public var annexHash: Bytes32? = nil
    /// BIP342 remaining validation weight (nil outside tapscript).
    public var validationWeightLeft: Int64? = nil
    /// Cached SHA256 of the output at the same index (SIGHASH_SINGLE).
    public var outputHash: Bytes32? = nil

    public init() {}
}

/// What the interpreter asks of the spending transaction. The interpreter is generic over it,
/// so a concrete checker is specialised (no existential dispatch in the loop).
public protocol SignatureChecker {
    /// ECDSA check of `signature` (DER + hash-type byte) against `publicKey` over `scriptCode`.
    func checkECDSASignature(_ signature: [UInt8], publicKey: [UInt8], scriptCode: [UInt8], sigVersion: SigVersion) -> Bool
    /// BIP340 check; throws the Core error on failure.
    func checkSchnorrSignature(
        _ signature: [UInt8], publicKey: [UInt8], sigVersion: SigVersion, execData: inout ScriptExecutionData
    ) throws(ScriptError)
    /// BIP65 comparison against nLockTime and this input's nSequence.
    func checkLockTime(_ lockTime: Int64) -> Bool
    /// BIP112 comparison against this input's nSequence.
    func checkSequence(_ sequence: Int64) -> Bool
}

/// A checker without a transaction: every signature and lock-time check fails (Core's
/// `BaseSignatureChecker`). Useful for evaluating scripts in isolation.
public struct NullSignatureChecker: SignatureChecker, Sendable {
    public init() {}
    public func checkECDSASignature(_ signature: [UInt8], publicKey: [UInt8], scriptCode: [UInt8], sigVersion: SigVersion) -> Bool { false }
    public func checkSchnorrSignature(
        _ signature: [UInt8], publicKey: [UInt8], sigVersion: SigVersion, execData: inout ScriptExecutionData
    ) throws(ScriptError) { throw .unknownError }
    public func checkLockTime(_ lockTime: Int64) -> Bool { false }
    public func checkSequence(_ sequence: Int64) -> Bool { false }
}

/// Checks signatures for one input of a transaction (Core's `GenericTransactionSignatureChecker`
/// with `MissingDataBehavior::FAIL`).
public struct TransactionSignatureChecker: SignatureChecker, Sendable {
    public let tx: Transaction
    public let inputIndex: Int
    public let amount: Int64
    public let precomputed: PrecomputedTransactionData

    public init(tx: Transaction, inputIndex: Int, amount: Int64, precomputed: PrecomputedTransactionData) {
        self.tx = tx
        self.inputIndex = inputIndex
        self.amount = amount
        self.precomputed = precomputed
    }

    public func checkECDSASignature(_ signature: [UInt8], publicKey: [UInt8], scriptCode: [UInt8], sigVersion: SigVersion) -> Bool {
        guard Secp256k1.hasValidPublicKeySize(publicKey) else { return false }
        guard let last = signature.last else { return false }
        let hashType = Int32(last)
        let der = Array(signature.dropLast())
        let sighash: Bytes32
        switch sigVersion {
        case .witnessV0:
            if amount < 0 { return false }
            sighash = SigHash.witnessV0(
                tx: tx, inputIndex: inputIndex, scriptCode: scriptCode, amount: amount, hashType: hashType,
                precomputed: precomputed)
        default:
            sighash = SigHash.legacy(tx: tx, inputIndex: inputIndex, scriptCode: scriptCode, hashType: hashType)
        }
        return Secp256k1.verifyECDSA(signatureDER: der, publicKey: publicKey, message: sighash)
    }

    public func checkSchnorrSignature(
        _ signature: [UInt8], publicKey: [UInt8], sigVersion: SigVersion, execData: inout ScriptExecutionData
    ) throws(ScriptError) {
        guard signature.count == 64 || signature.count == 65 else { throw .schnorrSigSize }
        var hashType = SigHash.default
        var sig = signature
        if signature.count == 65 {
            hashType = signature[64]
            if hashType == SigHash.default { throw .schnorrSigHashtype }
            sig.removeLast()
        }
        let leaf = sigVersion == .tapscript ? (execData.tapleafHash ?? .zero) : nil
        guard
            let sighash = SigHash.taproot(
                tx: tx, inputIndex: inputIndex, hashType: hashType, precomputed: precomputed,
                annexHash: execData.annexHash, leafHash: leaf,
                codeSeparatorPosition: execData.codeSeparatorPosition, outputHashCache: &execData.outputHash)
        else { throw .schnorrSigHashtype }
        guard Secp256k1.verifySchnorr(signature: sig, message: sighash.bytes, publicKeyX: publicKey) else {
            throw .schnorrSig
        }
    }

    public func checkLockTime(_ lockTime: Int64) -> Bool {
        guard inputIndex >= 0, inputIndex < tx.inputs.count else { return false }
        let txLockTime = Int64(tx.lockTime)
        let threshold = ScriptLimits.lockTimeThreshold
        guard (txLockTime < threshold && lockTime < threshold) || (txLockTime >= threshold && lockTime >= threshold)
        else { return false }
        if lockTime > txLockTime { return false }
        if tx.inputs[inputIndex].sequence == TxIn.sequenceFinal { return false }
        return true
    }

    public func checkSequence(_ sequence: Int64) -> Bool {
        guard inputIndex >= 0, inputIndex < tx.inputs.count else { return false }
        let txSequence = Int64(tx.inputs[inputIndex].sequence)
        // BIP68 applies from version 2; Core compares the version as uint32.
        if UInt32(bitPattern: tx.version) < 2 { return false }
        if txSequence & Int64(TxIn.sequenceDisableFlag) != 0 { return false }
        let mask = Int64(TxIn.sequenceTypeFlag | TxIn.sequenceLockTimeMask)
        let txMasked = txSequence & mask
        let masked = sequence & mask
        let typeFlag = Int64(TxIn.sequenceTypeFlag)
        guard (txMasked < typeFlag && masked < typeFlag) || (txMasked >= typeFlag && masked >= typeFlag) else {
            return false
        }
        return masked <= txMasked
    }
}
