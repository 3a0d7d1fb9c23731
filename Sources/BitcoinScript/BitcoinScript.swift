// BitcoinScript — Bitcoin Core's script interpreter (script/interpreter.cpp) in Swift.
//
// Entry points:
// - `verifyScript(tx:inputIndex:spentOutput:precomputed:flags:) -> ScriptError?` verifies one input
//   (nil = valid). Build one `PrecomputedTransactionData(tx:spentOutputs:)` per transaction and share
//   it across its inputs; without the spent outputs, taproot signature checks fail as Core's do when
//   data is missing (SCHNORR_SIG_HASHTYPE).
// - `verifyScript(scriptSig:scriptPubKey:witness:flags:checker:) throws(ScriptError)` and
//   `evalScript(...)` are the lower-level Core shapes, generic over a `SignatureChecker`.
// - `SigHash.legacy / .witnessV0 / .taproot` (signers and tests), `SigOps` (GetSigOpCount,
//   GetP2SHSigOpCount, CountWitnessSigOps), `TransactionChecks.checkTransaction` (CheckTransaction),
//   `ScriptPolicy.isWitnessStandard` (IsWitnessStandard), `ScriptAsm` (Core's test asm), `Opcode`.
//
// Errors are exactly Core's `ScriptError_t`, returned in Core's order of checks; `ScriptFlags` are
// Core's `SCRIPT_VERIFY_*` bits. Conformance: Tests/BitcoinScriptTests (script_tests.json,
// tx_valid/tx_invalid.json, sighash.json, BIP143 and BIP341 vectors, mainnet block 277647, fuzz).
