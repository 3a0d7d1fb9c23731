import Ethereum
import Foundation
import Hashing
import Primitives
import TestSupport
import Testing

@Suite struct TransactionUnitTests {
    /// The ethereum/tests default key; its address is a94f5374fce5edbc8e2a8697c15331677e6ebf0b.
    static let key = [UInt8](hex: "45a915e4d060149eb4365960e6a7a45f334393093061116b197e3240065ff2d8") ?? []
    static let keyAddress = Bytes20(hex: "a94f5374fce5edbc8e2a8697c15331677e6ebf0b") ?? .zero
    static let target = Bytes20(hex: "095e7baea6a6c7c4c2dfeb977efac326af552d87") ?? .zero
    static let sig0 = TransactionSignature(v: .zero, r: .zero, s: .zero)
    static let access = [
        AccessListEntry(
            address: target, storageKeys: [.zero, Bytes32(hex: String(repeating: "11", count: 32)) ?? .zero])
    ]
    static let blobHash = Bytes32(hex: "01a915e4d060149eb4365960e6a7a45f334393093061116b197e3240065ff2d8") ?? .zero

    static func unsignedOfEveryType() -> [Transaction] {
        let data: [UInt8] = [0x00, 0x01, 0x02]
        return [
            .legacy(
                LegacyTransaction(
                    nonce: 1, gasPrice: UInt256(10), gasLimit: 100_000, to: target, value: UInt256(5),
                    data: data, signature: sig0)),
            .accessList(
                AccessListTransaction(
                    chainID: UInt256(1), nonce: 2, gasPrice: UInt256(10), gasLimit: 100_000,
                    to: nil, value: .zero, data: data, accessList: access, signature: sig0)),
            .dynamicFee(
                DynamicFeeTransaction(
                    chainID: UInt256(1), nonce: 3, maxPriorityFeePerGas: UInt256(1),
                    maxFeePerGas: UInt256(10), gasLimit: 100_000, to: target, value: UInt256(7), data: data,
                    accessList: access, signature: sig0)),
            .blob(
                BlobTransaction(
                    chainID: UInt256(1), nonce: 4, maxPriorityFeePerGas: UInt256(1),
                    maxFeePerGas: UInt256(10), gasLimit: 100_000, to: target, value: .zero, data: data, accessList: [],
                    maxFeePerBlobGas: UInt256(3), blobVersionedHashes: [blobHash], signature: sig0)),
            .setCode(
                SetCodeTransaction(
                    chainID: UInt256(1), nonce: 5, maxPriorityFeePerGas: UInt256(1),
                    maxFeePerGas: UInt256(10), gasLimit: 100_000, to: target, value: .zero, data: data, accessList: [],
                    authorizationList: [
                        Authorization(chainID: .zero, address: target, nonce: 0, yParity: 0, r: .zero, s: .zero)
                            .signed(privateKey: key)
                    ].compactMap { $0 }, signature: sig0)),
        ]
    }

    @Test func signRecoverRoundTripEveryType() throws {
        let rules = TransactionRules(fork: .prague, chainID: UInt256(1))
        for unsigned in Self.unsignedOfEveryType() {
            let variants: [Transaction?] =
                if case .legacy = unsigned {
                    [
                        unsigned.signed(privateKey: Self.key),
                        unsigned.signed(privateKey: Self.key, legacyChainID: UInt256(1)),
                    ]
                } else {
                    [unsigned.signed(privateKey: Self.key)]
                }
            for v in variants {
                let tx = try #require(v)
                let bytes = tx.encodedEnvelope()
                let decoded = try Transaction.decode(envelope: bytes)
                #expect(decoded == tx)
                #expect(try decoded.validate(rules: rules).sender == Self.keyAddress, "\(tx.type)")
                // Block-body form reads back too.
                var body: [UInt8] = []
                tx.appendBlockEncoding(to: &body)
                var r = RLPReader(body)
                #expect(try Transaction.read(blockEncodingFrom: &r) == tx)
                // Wrong chain id is rejected.
                let other = TransactionRules(fork: .prague, chainID: UInt256(5))
                if case .legacy(let l) = tx, l.eip155ChainID == nil {
                    #expect(try decoded.validate(rules: other).sender == Self.keyAddress)
                } else {
                    #expect(throws: TransactionValidationError.wrongChainID(expected: UInt256(5), got: UInt256(1))) {
                        _ = try decoded.validate(rules: other)
                    }
                }
            }
        }
        // The 7702 authority recovers to the signer.
        if case .setCode(let t) = Self.unsignedOfEveryType()[4] {
            #expect(t.authorizationList.first?.computeAuthority() == Self.keyAddress)
        }
    }

    @Test func sealedAndAuthorityRules() throws {
        for unsigned in Self.unsignedOfEveryType() {
            let tx = try #require(unsigned.signed(privateKey: Self.key))
            let sealed = try SealedTransaction(envelope: tx.encodedEnvelope())
            #expect(sealed.hash == tx.computeHash())
            #expect(sealed == SealedTransaction(tx))
        }
        let auth = try #require(
            Authorization(chainID: UInt256(7), address: Self.target, nonce: 3, yParity: 0, r: .zero, s: .zero)
                .signed(privateKey: Self.key))
        #expect(auth.computeAuthority(chainID: UInt256(7)) == Self.keyAddress)
        #expect(auth.computeAuthority(chainID: UInt256(1)) == nil)
        var any = auth
        any.chainID = .zero
        #expect(any.computeAuthority() != Self.keyAddress)  // the chain id is signed
        let zeroChain = try #require(any.signed(privateKey: Self.key))
        #expect(zeroChain.computeAuthority(chainID: UInt256(1)) == Self.keyAddress)
        var maxNonce = zeroChain
        maxNonce.nonce = .max
        #expect(maxNonce.computeAuthority(chainID: UInt256(1)) == nil)
        var highS = zeroChain
        highS.s = Secp256k1Order.n &- highS.s
        highS.yParity ^= 1
        #expect(highS.computeAuthority() == nil)  // EIP-2 style low-s for authorizations
        var badParity = zeroChain
        badParity.yParity = 2
        #expect(badParity.computeAuthority() == nil)
    }

    @Test func feesAndUpfrontCost() {
        let all = Self.unsignedOfEveryType()
        // Legacy: gasPrice 10.
        #expect(all[0].effectiveGasPrice(baseFee: UInt256(7)) == UInt256(10))
        #expect(all[0].effectiveGasPrice(baseFee: UInt256(11)) == nil)
        // Dynamic fee: tip 1, cap 10.
        #expect(all[2].effectiveGasPrice(baseFee: UInt256(7)) == UInt256(8))
        #expect(all[2].effectiveTip(baseFee: UInt256(7)) == UInt256(1))
        #expect(all[2].effectiveGasPrice(baseFee: UInt256(10)) == UInt256(10))
        #expect(all[2].effectiveTip(baseFee: UInt256(10)) == .zero)
        #expect(all[2].effectiveGasPrice(baseFee: UInt256(11)) == nil)
        // Upfront: 100 000 × 10 + value 7.
        #expect(all[2].computeMaxUpfrontCost() == UInt256(1_000_007))
        // Blob: one blob, 131 072 blob gas × 3.
        #expect(all[3].blobGas == 131_072)
        #expect(all[3].computeMaxUpfrontCost() == UInt256(1_000_000 + 393_216))
        guard case .legacy(var l) = all[0] else { return }
        l.gasPrice = .max
        #expect(Transaction.legacy(l).computeMaxUpfrontCost() == nil)
    }

    @Test func typeActivation() throws {
        let txs = Self.unsignedOfEveryType().compactMap { $0.signed(privateKey: Self.key) }
        let firstFork: [TransactionType: Fork] = [
            .legacy: .frontier, .accessList: .berlin, .dynamicFee: .london,
            .blob: .cancun, .setCode: .prague,
        ]
        for tx in txs {
            guard let first = firstFork[tx.type] else { continue }
            for fork in Fork.allCases where fork >= .spuriousDragon {
                let rules = TransactionRules(fork: fork, chainID: UInt256(1))
                if fork < first {
                    #expect(throws: TransactionValidationError.typeNotSupported(tx.type, fork)) {
                        _ = try tx.validate(rules: rules)
                    }
                } else {
                    #expect(throws: Never.self) { _ = try tx.validate(rules: rules) }
                }
            }
        }
    }

    @Test func statelessRuleViolations() throws {
        let rules = TransactionRules(fork: .cancun, chainID: UInt256(1))
        let all = Self.unsignedOfEveryType()
        guard case .blob(var b) = all[3], case .dynamicFee(var d) = all[2], case .setCode(var s) = all[4] else {
            Issue.record("fixture order")
            return
        }
        b.blobVersionedHashes = []
        #expect(throws: TransactionValidationError.blobCountOutOfRange(count: 0, max: 6)) {
            _ = try Transaction.blob(b).signed(privateKey: Self.key)?.validate(rules: rules)
        }
        b.blobVersionedHashes = [Self.blobHash, .zero]
        #expect(throws: TransactionValidationError.invalidBlobVersionedHash(index: 1)) {
            _ = try Transaction.blob(b).signed(privateKey: Self.key)?.validate(rules: rules)
        }
        b.blobVersionedHashes = [Bytes32](repeating: Self.blobHash, count: 7)
        #expect(throws: TransactionValidationError.blobCountOutOfRange(count: 7, max: 6)) {
            _ = try Transaction.blob(b).signed(privateKey: Self.key)?.validate(rules: rules)
        }
        #expect(throws: Never.self) {
            _ = try Transaction.blob(b).signed(privateKey: Self.key)?.validate(
                rules: TransactionRules(fork: .prague, chainID: UInt256(1)))
        }
        d.maxPriorityFeePerGas = UInt256(11)
        #expect(throws: TransactionValidationError.priorityFeeGreaterThanMaxFee) {
            _ = try Transaction.dynamicFee(d).signed(privateKey: Self.key)?.validate(rules: rules)
        }
        d.maxPriorityFeePerGas = UInt256(1)
        d.gasLimit = 21_000
        #expect(
            throws: TransactionValidationError.intrinsicGasTooLow(
                gasLimit: 21_000, required: 21_000 + 4 + 32 + 2400 + 3800)
        ) {
            _ = try Transaction.dynamicFee(d).signed(privateKey: Self.key)?.validate(rules: rules)
        }
        d.gasLimit = 1 << 24 + 1
        #expect(throws: TransactionValidationError.gasLimitAboveCap(gasLimit: 1 << 24 + 1, cap: 1 << 24)) {
            _ = try Transaction.dynamicFee(d).signed(privateKey: Self.key)?.validate(
                rules: TransactionRules(fork: .osaka, chainID: UInt256(1)))
        }
        s.authorizationList = []
        #expect(throws: TransactionValidationError.emptyAuthorizationList) {
            _ = try Transaction.setCode(s).signed(privateKey: Self.key)?.validate(
                rules: TransactionRules(fork: .prague, chainID: UInt256(1)))
        }
        // High-s is rejected from Homestead (EIP-2) but fine in Frontier.
        let legacy = try #require(all[0].signed(privateKey: Self.key))
        guard case .legacy(var l) = legacy else { return }
        l.signature.s = Secp256k1Order.n &- l.signature.s
        l.signature.v = UInt256(55) &- l.signature.v  // flip parity 27 <-> 28
        let high = Transaction.legacy(l)
        #expect(
            try high.validate(rules: TransactionRules(fork: .frontier, chainID: UInt256(1))).sender == Self.keyAddress)
        #expect(throws: TransactionValidationError.invalidSignatureValues("s above n/2 (EIP-2)")) {
            _ = try high.validate(rules: TransactionRules(fork: .homestead, chainID: UInt256(1)))
        }
    }

    /// Hand-computed intrinsic gas across the forks that change it.
    @Test func intrinsicGasPerFork() {
        let data: [UInt8] = [0, 1, 0, 0xff]
        func g(_ fork: Fork, create: Bool = true, auths: Int = 0, data d: [UInt8]? = nil) -> IntrinsicGas {
            IntrinsicGas.compute(
                data: d ?? data, isCreate: create, accessListAddresses: 2, accessListStorageKeys: 3,
                authorizations: auths, fork: fork)
        }
        #expect(g(.frontier).regular == 21_000 + 2 * 4 + 2 * 68)
        #expect(g(.homestead).regular == 53_000 + 2 * 4 + 2 * 68)
        #expect(g(.istanbul).regular == 53_000 + 2 * 4 + 2 * 16)
        #expect(g(.berlin).regular == 53_040 + 2 * 2_400 + 3 * 1_900)
        #expect(g(.shanghai).regular == 63_540 + 2)  // one initcode word
        #expect(g(.cancun, create: false).regular == 21_040 + 10_500)
        #expect(g(.prague).regular == 63_542)
        #expect(g(.prague).floor == 21_000 + 10 * (2 + 4 * 2))
        #expect(g(.cancun).floor == 0)
        #expect(g(.prague, create: false, auths: 3).regular == 21_040 + 10_500 + 75_000)
        // EIP-7623: 1000 non-zero bytes cost 16 000 regular but a 40 000 floor.
        let big = [UInt8](repeating: 0xaa, count: 1000)
        let p = IntrinsicGas.compute(
            data: big, isCreate: false, accessListAddresses: 0, accessListStorageKeys: 0,
            authorizations: 0, fork: .prague)
        #expect(p.regular == 37_000)
        #expect(p.floor == 61_000)
        #expect(p.minimumGasLimit == 61_000)
        // Saturation rather than overflow.
        #expect(
            IntrinsicGas.compute(
                data: [], isCreate: false, accessListAddresses: .max, accessListStorageKeys: 0,
                authorizations: 0, fork: .berlin
            ).regular == .max)
    }

    /// An OP Stack L1-attributes deposit (Base Sepolia), with the hash its source reports.
    @Test func opDepositVector() throws {
        let hex =
            "7ef8f8a042a8ae5ec231af3d0f90f68543ec8bca1da4f7edd712d5b51b490688355a6db794deaddeaddeaddeaddeaddeaddeaddeaddead00019442000000000000000000000000000000000000158080830f424080b8a4440a5e200000044d000a118b00000000000000040000000067cb7cb0000000000077dbd4000000000000000000000000000000000000000000000000000000000000000a00000000000000000000000000000000000000000000000000000000000000014edd27304108914dd6503b19b9eeb9956982ef197febbeeed8a9eac3dbaaabdf000000000000000000000000fc56e7272eebbba5bc6c544e159483c4a38f8ba3"
        let bytes = try #require([UInt8](hex: hex))
        let tx = try Transaction.decode(envelope: bytes)
        guard case .deposit(let d) = tx else {
            Issue.record("not a deposit")
            return
        }
        #expect(d.from == Bytes20(hex: "deaddeaddeaddeaddeaddeaddeaddeaddead0001"))
        #expect(d.to == Bytes20(hex: "4200000000000000000000000000000000000015"))
        #expect(d.mint == .zero && d.value == .zero && d.gasLimit == 1_000_000 && !d.isSystemTransaction)
        #expect(d.data.count == 164)
        #expect(tx.computeHash() == Bytes32(hex: "2be2e6f8b01b03b87ae9f0ebca8bbd420f174bef0fbcc18c7802c5378b78f548"))
        #expect(tx.encodedEnvelope() == bytes)
        #expect(tx.computeSigningHash() == nil)
        #expect(throws: TransactionValidationError.typeNotSupported(.deposit, .cancun)) {
            _ = try tx.validate(rules: TransactionRules(fork: .cancun, chainID: UInt256(84532)))
        }
        let v = try tx.validate(rules: TransactionRules(fork: .cancun, chainID: UInt256(84532), allowsDeposits: true))
        #expect(v.sender == d.from)
        // Deposits are never rejected, even when breaking rules that invalidate signed transactions.
        var huge = d
        huge.to = nil
        huge.data = [UInt8](repeating: 1, count: 60_000)
        huge.gasLimit = 1 << 40
        let osaka = TransactionRules(fork: .osaka, chainID: UInt256(84532), allowsDeposits: true)
        #expect(try Transaction.deposit(huge).validate(rules: osaka).sender == d.from)
        // isSystemTransaction must be a canonical bool.
        // The isSystemTx byte (0x80) is the one just before the data header `b8 a4`.
        let at = try #require(
            (0..<(bytes.count - 2)).first { bytes[$0] == 0x80 && bytes[$0 + 1] == 0xb8 && bytes[$0 + 2] == 0xa4 })
        var bad = bytes
        bad[at] = 0x01
        #expect(try Transaction.decode(envelope: bad) != tx)  // true is fine
        bad[at] = 0x02
        #expect(throws: TransactionDecodingError.field(.isSystemTransaction, .invalidBool(offset: at))) {
            _ = try Transaction.decode(envelope: bad)
        }
    }

    /// Hemi system transactions 0x7C and 0x7D: the golden wire bytes pinned by hemilabs/op-geth's
    /// envelope tests (`btc_attributes_envelope_test.go`, `pop_payout_envelope_test.go`).
    @Test func hemiSystemTransactionGoldens() throws {
        let eights = try #require(Bytes20(hex: "8888888888888888888888888888888888888888"))
        let gov = try #require(Bytes20(hex: "4200000000000000000000000000000000000042"))
        #expect(HemiSystemTransaction.sender == eights)
        let btcData: [UInt8] = [0xc9, 0x4f, 0x1c, 0xca, 0xde, 0xad, 0xbe, 0xef]
        let cases: [(Transaction, String)] = [
            (
                .btcAttributesDeposited(HemiSystemTransaction(to: eights, gasLimit: 1_000_000, data: btcData)),
                "7ce2948888888888888888888888888888888888888888830f424088c94f1ccadeadbeef"
            ),
            (
                .btcAttributesDeposited(HemiSystemTransaction(to: nil, gasLimit: 1_000_000, data: btcData)),
                "7cce80830f424088c94f1ccadeadbeef"
            ),
            (
                .popPayout(HemiSystemTransaction(to: gov, gasLimit: 1_000_000, data: [0xc9, 0x4f])),
                "7ddc944200000000000000000000000000000000000042830f424082c94f"
            ),
            (
                .popPayout(HemiSystemTransaction(to: nil, gasLimit: 1_000_000, data: [0xc9, 0x4f])),
                "7dc880830f424082c94f"
            ),
        ]
        let hemi = TransactionRules(fork: .cancun, chainID: UInt256(43111), allowsHemiSystemTransactions: true)
        let plain = TransactionRules(fork: .cancun, chainID: UInt256(43111))
        for (tx, hex) in cases {
            let bytes = try #require([UInt8](hex: hex))
            #expect(tx.encodedEnvelope().hex == hex)
            #expect(try Transaction.decode(envelope: bytes) == tx)
            #expect(try SealedTransaction(envelope: bytes).hash == Keccak256.hash(bytes))
            #expect(tx.computeSigningHash() == nil && tx.signed(privateKey: Self.key) == nil)
            #expect(tx.nonce == nil && tx.value == .zero && tx.computeMaxUpfrontCost() == .zero)
            #expect(try tx.validate(rules: hemi).sender == eights)
            #expect(throws: TransactionValidationError.typeNotSupported(tx.type, .cancun)) {
                _ = try tx.validate(rules: plain)
            }
            var body: [UInt8] = []
            tx.appendBlockEncoding(to: &body)
            var r = RLPReader(body)
            #expect(try Transaction.read(blockEncodingFrom: &r) == tx)
            // Trailing bytes and truncation are rejected.
            #expect(throws: TransactionDecodingError.self) {
                _ = try Transaction.decode(envelope: bytes + [1, 2, 3, 4])
            }
            #expect(throws: TransactionDecodingError.self) {
                _ = try Transaction.decode(envelope: [bytes[0], 1, 2, 3])
            }
        }
    }

    /// OP deposit goldens pinned by hemilabs/op-geth `deposit_tx_envelope_test.go` (isSystemTransaction
    /// true; nil `to` and nil `mint` as empty strings).
    @Test func depositGoldens() throws {
        let source = try #require(Bytes32(hex: String(repeating: "0", count: 61) + "abc"))
        let from = try #require(Bytes20(hex: String(repeating: "0", count: 38) + "de"))
        let gov = try #require(Bytes20(hex: "4200000000000000000000000000000000000042"))
        let full = Transaction.deposit(
            DepositTransaction(
                sourceHash: source, from: from, to: gov, mint: UInt256(12345), value: UInt256(7), gasLimit: 50_000,
                isSystemTransaction: true, data: [0x01]))
        let nilToMint = Transaction.deposit(
            DepositTransaction(
                sourceHash: source, from: from, to: nil, mint: .zero, value: UInt256(7), gasLimit: 50_000,
                isSystemTransaction: false, data: [0x01]))
        let goldens: [(Transaction, String)] = [
            (
                full,
                "7ef854a00000000000000000000000000000000000000000000000000000000000000abc9400000000000000000000000000000000000000de9442000000000000000000000000000000000000428230390782c3500101"
            ),
            (
                nilToMint,
                "7ef83ea00000000000000000000000000000000000000000000000000000000000000abc9400000000000000000000000000000000000000de80800782c3508001"
            ),
        ]
        for (tx, hex) in goldens {
            #expect(tx.encodedEnvelope().hex == hex)
            #expect(try Transaction.decode(envelope: [UInt8](hex: hex) ?? []) == tx)
        }
    }

    @Test func hemiRulesPreset() throws {
        let hemi = TransactionRules.hemi(fork: .cancun, chainID: UInt256(43111))
        #expect(hemi.allowsDeposits && hemi.allowsHemiSystemTransactions && !hemi.allowsBlobTransactions)
        var blob = Self.unsignedOfEveryType()[3]
        if case .blob(var b) = blob {
            b.chainID = UInt256(43111)
            blob = .blob(b)
        }
        let signed = try #require(blob.signed(privateKey: Self.key))
        #expect(throws: TransactionValidationError.typeNotSupported(.blob, .cancun)) {
            _ = try signed.validate(rules: hemi)
        }
        #expect(try signed.validate(rules: .ethereum(fork: .cancun, chainID: UInt256(43111))).sender == Self.keyAddress)
    }

    @Test func envelopeShapes() {
        #expect(throws: TransactionDecodingError.empty) { _ = try Transaction.decode(envelope: []) }
        #expect(throws: TransactionDecodingError.unsupportedType(0x05)) {
            _ = try Transaction.decode(envelope: [0x05, 0xc0])
        }
        #expect(throws: TransactionDecodingError.unsupportedType(0x00)) {
            _ = try Transaction.decode(envelope: [0x00, 0xc0])
        }
        #expect(throws: TransactionDecodingError.unsupportedType(0x83)) {
            _ = try Transaction.decode(envelope: [0x83, 1, 2, 3])
        }
        #expect(throws: TransactionDecodingError.missingField(.chainID, offset: 2)) {
            _ = try Transaction.decode(envelope: [0x02, 0xc0])
        }
    }

    /// Decoder fuzz over mutated fixture transactions: no crash, and whatever decodes re-encodes
    /// to the identical bytes (strictness: one encoding per transaction).
    @Test func fuzzTransactionDecoder() throws {
        var seeds: [[UInt8]] = Self.unsignedOfEveryType().compactMap {
            $0.signed(privateKey: Self.key)?.encodedEnvelope()
        }
        for file in try Fixture.jsonFiles(under: "ethereum/TransactionTests").prefix(80) {
            for (_, t) in try Fixture.object(file) {
                if let h = (t as? [String: Any])?["txbytes"] as? String, let b = [UInt8](hex: h), b.count < 2000 {
                    seeds.append(b)
                }
            }
        }
        var rng = SplitMix64(seed: 7)
        var accepted = 0
        for i in 0..<fuzzIterations(30_000) {
            var b = seeds[i % seeds.count]
            let mutations = 1 + Int(rng.next() % 3)
            for _ in 0..<mutations where !b.isEmpty {
                let idx = Int(rng.next() % UInt64(b.count))
                switch rng.next() % 4 {
                case 0: b[idx] = UInt8(truncatingIfNeeded: rng.next())
                case 1: b.remove(at: idx)
                case 2: b.insert(UInt8(truncatingIfNeeded: rng.next()), at: idx)
                default: b = Array(b.prefix(idx))
                }
            }
            if let tx = try? Transaction.decode(envelope: b) {
                accepted += 1
                #expect(tx.encodedEnvelope() == b)
                _ = try? tx.validate(rules: TransactionRules(fork: .prague, chainID: UInt256(1)))
            }
        }
        #expect(accepted > 0)
    }
}
