/// Size and count limits for peer messages (Bitcoin Core `net_processing.cpp` / `net.h`).
public enum MessageLimits {
    /// `MAX_PROTOCOL_MESSAGE_LENGTH`: no message payload may exceed 4,000,000 bytes.
    public static let maxProtocolMessageLength = 4_000_000
    /// `MAX_HEADERS_RESULTS`: headers per `headers` message.
    public static let maxHeaders = 2000
    /// `MAX_INV_SZ`: entries per `inv`, `getdata`, `notfound`.
    public static let maxInventory = 50_000
    /// `MAX_ADDR_TO_SEND`: entries per `addr` / `addrv2`.
    public static let maxAddresses = 1000
    /// `MAX_LOCATOR_SZ`: hashes in a `getheaders` / `getblocks` locator.
    public static let maxLocator = 101
    /// `MAX_SUBVERSION_LENGTH`: bytes of the `version` user agent.
    public static let maxUserAgent = 256
    /// BIP155: an `addrv2` address is at most 512 bytes.
    public static let maxAddrV2AddressLength = 512
    /// Reject messages: Core's `COMMAND_SIZE` for the message name and `MAX_REJECT_MESSAGE_LENGTH` (111).
    public static let maxRejectMessageName = 12
    public static let maxRejectReason = 111

    /// Bytes accepted after the `version` relay flag (unknown future fields, ignored).
    public static let versionExtensionAllowance = 512

    static func compactSizeBytes(_ n: Int) -> Int {
        n < 0xfd ? 1 : n <= 0xffff ? 3 : n <= 0xffff_ffff ? 5 : 9
    }

    /// The largest payload accepted for `command`, checked against the header's length field before
    /// any payload byte is buffered. Unknown commands get `maxProtocolMessageLength`.
    public static func maxPayload(for command: Command) -> Int {
        switch command {
        case .verack, .sendheaders, .wtxidrelay, .sendaddrv2, .mempool, .getaddr: return 0
        case .ping, .pong, .feefilter: return 8
        case .sendcmpct: return 9
        case .version:
            // version..startHeight + relay, user agent at its maximum, plus room for fields a later
            // protocol version may append (Core ignores them; so does `VersionMessage.decode`).
            return 4 + 8 + 8 + 26 + 26 + 8 + compactSizeBytes(maxUserAgent) + maxUserAgent + 4 + 1
                + versionExtensionAllowance
        case .getheaders, .getblocks:
            return 4 + compactSizeBytes(maxLocator) + maxLocator * 32 + 32
        case .headers: return compactSizeBytes(maxHeaders) + maxHeaders * 81
        case .inv, .getdata, .notfound: return compactSizeBytes(maxInventory) + maxInventory * 36
        case .addr: return compactSizeBytes(maxAddresses) + maxAddresses * 30
        case .addrv2:
            let entry = 4 + 9 + 1 + compactSizeBytes(maxAddrV2AddressLength) + maxAddrV2AddressLength + 2
            return compactSizeBytes(maxAddresses) + maxAddresses * entry
        case .reject:
            return 1 + maxRejectMessageName + 1 + compactSizeBytes(maxRejectReason) + maxRejectReason + 32
        default: return maxProtocolMessageLength
        }
    }
}
