internal import Hashing
public import Primitives
internal import Secp256k1

/// secp256k1 constants used by Ethereum signature rules (Yellow Paper appendix F; EIP-2).
public enum Secp256k1Order {
    /// The group order n.
    public static let n = UInt256(
        l0: 0xBFD2_5E8C_D036_4141, l1: 0xBAAE_DCE6_AF48_A03B, l2: 0xFFFF_FFFF_FFFF_FFFE, l3: 0xFFFF_FFFF_FFFF_FFFF)
    /// ⌊n/2⌋: the EIP-2 upper bound for s.
    public static let halfN = UInt256(
        l0: 0xDFE9_2F46_681B_20A0, l1: 0x5D57_6E73_57A4_501D, l2: 0xFFFF_FFFF_FFFF_FFFF, l3: 0x7FFF_FFFF_FFFF_FFFF)
}

/// The address of an uncompressed public key: the last 20 bytes of keccak256(X ‖ Y).
public func ethereumAddress(uncompressedPublicKey pk: [UInt8]) -> Bytes20? {
    guard pk.count == 65, pk[0] == 0x04 else { return nil }
    let h = Keccak256.hash(pk[1..<65])
    var out = [UInt8](repeating: 0, count: 20)
    for i in 0..<20 { out[i] = h[12 + i] }
    return Bytes20(out)
}

/// Recovers the signer address of `digest` from (r, s, recovery id). Range checks on r and s are
/// the caller's rules; this fails only if they do not fit or no key recovers.
func recoverAddress(digest: Bytes32, r: UInt256, s: UInt256, recoveryID: Int32) -> Bytes20? {
    var sig64 = r.bigEndianBytes
    sig64.append(contentsOf: s.bigEndianBytes)
    guard let pk = Secp256k1.recoverPublicKey(signature64: sig64, recoveryID: Int(recoveryID), message: digest)
    else { return nil }
    return ethereumAddress(uncompressedPublicKey: pk)
}

extension LegacyTransaction {
    /// The digest signed: keccak256(rlp([nonce, gasPrice, gasLimit, to, value, data])) without
    /// replay protection, or with EIP-155 `chainId, 0, 0` appended.
    public func computeSigningHash(chainID: UInt256?) -> Bytes32 {
        var out: [UInt8] = []
        out.reserveCapacity(data.count + 96)
        RLP.appendList(to: &out) { o in
            appendUnsignedFields(to: &o)
            if let chainID {
                RLP.append(chainID, to: &o)
                o.append(0x80)
                o.append(0x80)
            }
        }
        return Keccak256.hash(out)
    }
}

extension Transaction {
    /// The digest the sender signed: for typed transactions keccak256(type ‖ rlp(unsigned fields))
    /// (EIP-2718/2930/1559/4844/7702); for legacy the EIP-155 form when `v` carries a chain id
    /// (v ≥ 35), else the pre-EIP-155 form. Nil for deposits, which are not signed.
    public func computeSigningHash() -> Bytes32? {
        var out: [UInt8] = []
        out.reserveCapacity(data.count + 160)
        switch self {
        case .legacy(let t):
            return t.computeSigningHash(chainID: t.eip155ChainID)
        case .accessList(let t):
            out.append(TransactionType.accessList.rawValue)
            RLP.appendList(to: &out) { t.appendUnsignedFields(to: &$0) }
        case .dynamicFee(let t):
            out.append(TransactionType.dynamicFee.rawValue)
            RLP.appendList(to: &out) { t.appendUnsignedFields(to: &$0) }
        case .blob(let t):
            out.append(TransactionType.blob.rawValue)
            RLP.appendList(to: &out) { t.appendUnsignedFields(to: &$0) }
        case .setCode(let t):
            out.append(TransactionType.setCode.rawValue)
            RLP.appendList(to: &out) { t.appendUnsignedFields(to: &$0) }
        case .deposit, .btcAttributesDeposited, .popPayout:
            return nil
        }
        return Keccak256.hash(out)
    }

    /// Signs with a 32-byte secret key (RFC 6979, low-s), setting `v`: for legacy `27 + parity`, or
    /// `chainId * 2 + 35 + parity` when `legacyChainID` is given (EIP-155); for typed the y-parity.
    /// Returns nil for deposits or an invalid key. Intended for tests and tooling.
    public func signed(privateKey: [UInt8], legacyChainID: UInt256? = nil) -> Transaction? {
        let digest: Bytes32
        if case .legacy(let t) = self {
            digest = t.computeSigningHash(chainID: legacyChainID)
        } else {
            guard let d = computeSigningHash() else { return nil }
            digest = d
        }
        guard let (sig64, recid) = Secp256k1.signRecoverable(message: digest, privateKey: privateKey),
            let r = UInt256(bigEndian: sig64[0..<32]), let s = UInt256(bigEndian: sig64[32..<64])
        else { return nil }
        let parity = UInt256(UInt64(recid))
        switch self {
        case .legacy(var t):
            if let c = legacyChainID {
                t.signature = TransactionSignature(v: (c << 1) &+ UInt256(35) &+ parity, r: r, s: s)
            } else {
                t.signature = TransactionSignature(v: UInt256(27) &+ parity, r: r, s: s)
            }
            return .legacy(t)
        case .accessList(var t):
            t.signature = TransactionSignature(v: parity, r: r, s: s)
            return .accessList(t)
        case .dynamicFee(var t):
            t.signature = TransactionSignature(v: parity, r: r, s: s)
            return .dynamicFee(t)
        case .blob(var t):
            t.signature = TransactionSignature(v: parity, r: r, s: s)
            return .blob(t)
        case .setCode(var t):
            t.signature = TransactionSignature(v: parity, r: r, s: s)
            return .setCode(t)
        case .deposit, .btcAttributesDeposited, .popPayout:
            return nil
        }
    }
}

extension Authorization {
    /// EIP-7702 `MAGIC` prefix of the authorization digest.
    public static let magic: UInt8 = 0x05

    /// keccak256(0x05 ‖ rlp([chainId, address, nonce])) (EIP-7702).
    public func computeSigningHash() -> Bytes32 {
        var out: [UInt8] = [Self.magic]
        RLP.appendList(to: &out) { o in
            RLP.append(chainID, to: &o)
            RLP.append(address, to: &o)
            RLP.append(nonce, to: &o)
        }
        return Keccak256.hash(out)
    }

    /// The signer (EIP-7702 "authority"), or nil if y-parity is not 0/1, r or s is outside
    /// [1, n-1], s > n/2, or recovery fails. The chain-id (0 or the chain's) and nonce (< 2^64-1)
    /// checks, and all account checks, belong to the state transition, where an invalid
    /// authorization is skipped rather than invalidating the transaction.
    public func computeAuthority() -> Bytes20? {
        guard yParity <= 1, !r.isZero, r < Secp256k1Order.n, !s.isZero, s <= Secp256k1Order.halfN else { return nil }
        return recoverAddress(digest: computeSigningHash(), r: r, s: s, recoveryID: Int32(yParity))
    }

    /// The authority if this authorization may be applied on chain `chainID`: its chain id is 0 or
    /// `chainID`, its nonce is below 2^64-1, and the signature checks of `computeAuthority()` pass
    /// (EIP-7702 steps 1-3). Account-state checks (code, nonce match) remain the caller's.
    public func computeAuthority(chainID: UInt256) -> Bytes20? {
        guard self.chainID.isZero || self.chainID == chainID, nonce < UInt64.max else { return nil }
        return computeAuthority()
    }

    /// Signs (RFC 6979, low-s) with a 32-byte secret key; nil for an invalid key. For tests and tooling.
    public func signed(privateKey: [UInt8]) -> Authorization? {
        guard let (sig64, recid) = Secp256k1.signRecoverable(message: computeSigningHash(), privateKey: privateKey),
            let r = UInt256(bigEndian: sig64[0..<32]), let s = UInt256(bigEndian: sig64[32..<64])
        else { return nil }
        var a = self
        a.yParity = UInt8(truncatingIfNeeded: recid)
        a.r = r
        a.s = s
        return a
    }
}
