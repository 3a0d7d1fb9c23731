import Ethereum
import Foundation
import Primitives
import Testing

/// ethereum/tests TransactionTests: `{txbytes, result{Fork: {hash, sender, intrinsicGas} | {exception}}}`.
/// For every fork listed in a file: an `exception` must be rejected (by the decoder or by
/// `validate`); otherwise decoding, validation, sender, hash and intrinsic gas must all match.
@Suite struct TransactionFixtureTests {
    struct Outcome {
        var passed = 0
        var total = 0
        /// Cases with an expected result (hash, sender, intrinsic gas) rather than an exception.
        var validCases = 0
        var failures: [String] = []
    }

    static func run() throws -> [Fork: Outcome] {
        let files = try Fixture.jsonFiles(under: "ethereum/TransactionTests")
        var byFork: [Fork: Outcome] = [:]
        for file in files {
            for (name, t) in try Fixture.object(file) {
                guard let t = t as? [String: Any], let txHex = t["txbytes"] as? String,
                    let results = t["result"] as? [String: Any]
                else { throw FixtureError.shape("\(file) \(name)") }
                let bytes = [UInt8](hex: txHex)
                for (forkName, r) in results {
                    guard let fork = Fork(name: forkName), let r = r as? [String: Any] else {
                        throw FixtureError.shape("\(file) \(name) fork \(forkName)")
                    }
                    let verdict = check(bytes: bytes, expected: r, fork: fork)
                    var o = byFork[fork, default: Outcome()]
                    o.total += 1
                    if (r["exception"] as? String) == nil { o.validCases += 1 }
                    if let why = verdict {
                        o.failures.append("\(name)[\(forkName)]: \(why)")
                    } else {
                        o.passed += 1
                    }
                    byFork[fork] = o
                }
            }
        }
        return byFork
    }

    /// nil on agreement, else the reason.
    static func check(bytes: [UInt8]?, expected r: [String: Any], fork: Fork) -> String? {
        let rules = TransactionRules(fork: fork, chainID: UInt256(1))
        let expectedException = r["exception"] as? String
        guard let bytes else { return expectedException == nil ? "txbytes not hex" : nil }
        let tx: Transaction
        do {
            tx = try Transaction.decode(envelope: bytes)
        } catch {
            return expectedException == nil ? "decode failed: \(error)" : nil
        }
        let validated: ValidatedTransaction
        do {
            validated = try tx.validate(rules: rules)
        } catch {
            return expectedException == nil ? "rejected: \(error)" : nil
        }
        if let e = expectedException { return "accepted, expected \(e)" }
        var problems: [String] = []
        if let h = r["hash"] as? String, Bytes32(hex: h) != tx.computeHash() {
            problems.append("hash \(tx.computeHash()) != \(h)")
        }
        if let s = r["sender"] as? String, Bytes20(hex: s) != validated.sender {
            problems.append("sender \(validated.sender) != \(s)")
        }
        if let g = r["intrinsicGas"] as? String, UInt256(hex: g) != UInt256(validated.intrinsicGas.regular) {
            problems.append("intrinsicGas \(validated.intrinsicGas.regular) != \(g)")
        }
        if tx.encodedEnvelope() != bytes { problems.append("re-encoding differs") }
        return problems.isEmpty ? nil : problems.joined(separator: "; ")
    }

    @Test func allForks() throws {
        let results = try Self.run()
        #expect(!results.isEmpty)
        for fork in Fork.allCases {
            guard let o = results[fork] else { continue }
            print(
                "TransactionTests \(fork): \(o.passed)/\(o.total) (\(o.validCases) valid, \(o.total - o.validCases) expected rejections)"
            )
            for f in o.failures { Issue.record("\(f)") }
        }
        #expect(results[.cancun]?.total ?? 0 > 0)
    }
}

/// The fixtures also give `intrinsicGas` for most rejected transactions (0 where the type is not
/// supported); wherever the bytes decode, our intrinsic gas must match it too.
@Suite struct TransactionIntrinsicGasOnRejectedTests {
    @Test func intrinsicGasOfRejectedTransactions() throws {
        var matched = 0
        var compared = 0
        for file in try Fixture.jsonFiles(under: "ethereum/TransactionTests") {
            for (name, t) in try Fixture.object(file) {
                guard let t = t as? [String: Any], let bytes = (t["txbytes"] as? String).flatMap({ [UInt8](hex: $0) }),
                    let results = t["result"] as? [String: Any], let tx = try? Transaction.decode(envelope: bytes)
                else { continue }
                for (forkName, r) in results {
                    guard let fork = Fork(name: forkName), let r = r as? [String: Any], r["exception"] != nil,
                        let g = (r["intrinsicGas"] as? String).flatMap({ UInt256(hex: $0) }), !g.isZero
                    else { continue }
                    compared += 1
                    let ours = UInt256(tx.computeIntrinsicGas(fork: fork).regular)
                    if ours == g { matched += 1 } else { Issue.record("\(name)[\(forkName)]: \(ours) != \(g)") }
                }
            }
        }
        print("TransactionTests intrinsicGas on rejected transactions: \(matched)/\(compared)")
        #expect(compared > 0)
    }
}

/// How our rejection reasons line up with the fixtures' exception names. Informational: several
/// fixture names describe the same fault differently (and clients differ in which check fires
/// first), so only the agreement count is printed, with the disagreements for review.
@Suite struct TransactionExceptionKindTests {
    static func kind(_ e: TransactionDecodingError) -> String {
        switch e {
        case .empty: return "RLP_ERROR_EOF"
        case .unsupportedType: return "TYPE_NOT_SUPPORTED"
        case .missingField: return "RLP_TOO_FEW_ELEMENTS"
        case .extraFields: return "RLP_TOO_MANY_ELEMENTS"
        case .field(let f, let r):
            switch (f, r) {
            case (.nonce, .integerTooLarge): return "NONCE_OVERFLOW"
            case (.gasLimit, .integerTooLarge): return "GASLIMIT_OVERFLOW"
            case (.gasPrice, .integerTooLarge), (.maxFeePerGas, .integerTooLarge): return "GASPRICE_OVERFLOW"
            case (.maxPriorityFeePerGas, .integerTooLarge): return "PRIORITY_OVERFLOW"
            case (.value, .integerTooLarge): return "VALUE_OVERFLOW"
            case (.r, .integerTooLarge), (.s, .integerTooLarge), (.v, .integerTooLarge): return "INVALID_SIGNATURE_VRS"
            case (.to, .wrongLength(_, _, let got)): return got > 20 ? "ADDRESS_TOO_LONG" : "ADDRESS_TOO_SHORT"
            case (.accessListAddress, .wrongLength(_, _, let got)):
                return got > 20
                    ? "RLP_INVALID_ACCESS_LIST_ADDRESS_TOO_LONG" : "RLP_INVALID_ACCESS_LIST_ADDRESS_TOO_SHORT"
            case (.accessListStorageKey, .wrongLength(_, _, let got)):
                return got > 32
                    ? "RLP_INVALID_ACCESS_LIST_STORAGE_TOO_LONG" : "RLP_INVALID_ACCESS_LIST_STORAGE_TOO_SHORT"
            case (.nonce, .leadingZeroInInteger): return "RLP_LEADING_ZEROS_NONCE"
            case (.gasLimit, .leadingZeroInInteger): return "RLP_LEADING_ZEROS_GASLIMIT"
            case (.gasPrice, .leadingZeroInInteger): return "RLP_LEADING_ZEROS_GASPRICE"
            case (.maxFeePerGas, .leadingZeroInInteger): return "RLP_LEADING_ZEROS_BASEFEE"
            case (.maxPriorityFeePerGas, .leadingZeroInInteger): return "RLP_LEADING_ZEROS_PRIORITY_FEE"
            case (.value, .leadingZeroInInteger): return "RLP_LEADING_ZEROS_VALUE"
            case (.v, .leadingZeroInInteger): return "RLP_LEADING_ZEROS_V"
            case (.r, .leadingZeroInInteger): return "RLP_LEADING_ZEROS_R"
            case (.s, .leadingZeroInInteger): return "RLP_LEADING_ZEROS_S"
            case (.nonce, .nonCanonicalSingleByte): return "RLP_LEADING_ZEROS_NONCE_SIZE"
            case (.nonce, .expectedBytes): return "RLP_INVALID_NONCE"
            case (.gasLimit, .expectedBytes): return "RLP_INVALID_GASLIMIT"
            case (.to, .expectedBytes): return "RLP_INVALID_TO"
            case (.data, .expectedBytes): return "RLP_INVALID_DATA"
            case (.r, .expectedBytes): return "RLP_INVALID_SIGNATURE_R"
            case (.s, .expectedBytes): return "RLP_INVALID_SIGNATURE_S"
            case (.data, .leadingZeroInLength): return "RLP_LEADING_ZEROS_DATA_SIZE"
            case (.envelope, .leadingZeroInLength): return "RLP_ERROR_SIZE_LEADING_ZEROS"
            case (.envelope, .expectedList): return "RLP_INVALID_HEADER"
            default: return "RLP_ERROR_SIZE"
            }
        }
    }

    static func kind(_ e: TransactionValidationError) -> String {
        switch e {
        case .typeNotSupported: return "TYPE_NOT_SUPPORTED"
        case .nonceTooBig: return "NONCE_TOO_BIG"
        case .gasLimitPriceProductOverflow: return "GASLIMIT_PRICE_PRODUCT_OVERFLOW"
        case .priorityFeeGreaterThanMaxFee: return "PRIORITY_GREATER_THAN_MAX_FEE_PER_GAS"
        case .invalidSignatureValues, .invalidV: return "INVALID_SIGNATURE_VRS"
        case .wrongChainID: return "INVALID_CHAINID"
        case .intrinsicGasTooLow: return "INTRINSIC_GAS_TOO_LOW"
        case .initcodeSizeExceeded: return "INITCODE_SIZE_EXCEEDED"
        case .blobCountOutOfRange, .invalidBlobVersionedHash: return "TYPE_3_TX"
        case .emptyAuthorizationList: return "TYPE_4_EMPTY_AUTHORIZATION_LIST"
        case .gasLimitAboveCap: return "GAS_LIMIT_EXCEEDS_MAXIMUM"
        case .senderRecoveryFailed: return "EC_RECOVERY_FAIL"
        }
    }

    @Test func exceptionKindAgreement() throws {
        var agree = 0
        var total = 0
        var disagreements: [String: Int] = [:]
        for file in try Fixture.jsonFiles(under: "ethereum/TransactionTests") {
            for (_, t) in try Fixture.object(file) {
                guard let t = t as? [String: Any], let bytes = (t["txbytes"] as? String).flatMap({ [UInt8](hex: $0) }),
                    let results = t["result"] as? [String: Any]
                else { continue }
                for (forkName, r) in results {
                    guard let fork = Fork(name: forkName),
                        let expected = (r as? [String: Any])?["exception"] as? String
                    else { continue }
                    let want = expected.replacingOccurrences(of: "TransactionException.", with: "")
                    var got = "ACCEPTED"
                    do {
                        let tx = try Transaction.decode(envelope: bytes)
                        _ = try tx.validate(rules: TransactionRules(fork: fork, chainID: UInt256(1)))
                    } catch let e as TransactionDecodingError {
                        got = Self.kind(e)
                    } catch let e as TransactionValidationError {
                        got = Self.kind(e)
                    }
                    total += 1
                    if want.hasPrefix(got) {
                        agree += 1
                    } else {
                        disagreements["\(want) <- ours \(got)", default: 0] += 1
                    }
                }
            }
        }
        print("TransactionTests exception kinds: \(agree)/\(total) agree")
        for (k, n) in disagreements.sorted(by: { $0.value > $1.value }) { print("  \(n)× \(k)") }
        #expect(disagreements.keys.allSatisfy { !$0.hasSuffix("ACCEPTED") })
    }
}
