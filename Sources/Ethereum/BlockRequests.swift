internal import Hashing
public import Primitives

/// EIP-7685 execution-layer requests (Prague): each request is `request_type ‖ request_data`.
public enum BlockRequests {
    /// EIP-6110 deposit requests.
    public static let depositRequestType: UInt8 = 0x00
    /// EIP-7002 withdrawal requests.
    public static let withdrawalRequestType: UInt8 = 0x01
    /// EIP-7251 consolidation requests.
    public static let consolidationRequestType: UInt8 = 0x02

    /// `requestsHash` (EIP-7685): `sha256(sha256(r₀) ‖ sha256(r₁) ‖ …)` over the requests in type order,
    /// leaving out those with empty `request_data` (a lone type byte or nothing).
    public static func computeRequestsHash(_ requests: [[UInt8]]) -> Bytes32 {
        var outer = SHA256Hasher()
        for r in requests where r.count > 1 { outer.update(SHA256Hash.hash(r)) }
        return outer.finalize()
    }

    /// EIP-7685's hash of no requests: `sha256("")`.
    public static let emptyRequestsHash = computeRequestsHash([])
}
