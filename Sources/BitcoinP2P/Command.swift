internal import Primitives

/// A message command: up to 12 printable ASCII bytes (0x20...0x7e), NUL-padded on the wire.
public struct Command: Hashable, Sendable, CustomStringConvertible {
    /// Size of the command field in the message header.
    public static let fieldSize = 12

    /// The command's bytes without padding.
    public let bytes: [UInt8]

    /// Validates `name` (programmer-supplied names; nil if longer than 12 bytes or not printable ASCII).
    public init?(_ name: String) {
        let b = Array(name.utf8)
        guard b.count <= Command.fieldSize, b.allSatisfy({ $0 >= 0x20 && $0 <= 0x7e }) else { return nil }
        bytes = b
    }

    /// Known-valid constant (used for the built-in commands only).
    init(constant name: StaticString) {
        bytes = name.withUTF8Buffer { Array($0) }
    }

    /// Parses the 12-byte wire field with Bitcoin Core's `IsCommandValid` rule: printable ASCII, then
    /// only NULs after the first NUL.
    public init(field: some Collection<UInt8>) throws(P2PError) {
        let f = Array(field)
        guard f.count == Command.fieldSize else { throw .invalidCommand(bytes: f) }
        var name: [UInt8] = []
        var sawNul = false
        for c in f {
            if c == 0 {
                sawNul = true
            } else if sawNul || c < 0x20 || c > 0x7e {
                throw .invalidCommand(bytes: f)
            } else {
                name.append(c)
            }
        }
        bytes = name
    }

    /// The 12-byte NUL-padded wire field.
    public var field: [UInt8] { bytes + [UInt8](repeating: 0, count: Command.fieldSize - bytes.count) }

    public var name: String { String(decoding: bytes, as: UTF8.self) }
    public var description: String { name }

    public static let version = Command(constant: "version")
    public static let verack = Command(constant: "verack")
    public static let ping = Command(constant: "ping")
    public static let pong = Command(constant: "pong")
    public static let getheaders = Command(constant: "getheaders")
    public static let getblocks = Command(constant: "getblocks")
    public static let headers = Command(constant: "headers")
    public static let inv = Command(constant: "inv")
    public static let getdata = Command(constant: "getdata")
    public static let notfound = Command(constant: "notfound")
    public static let block = Command(constant: "block")
    public static let tx = Command(constant: "tx")
    public static let sendheaders = Command(constant: "sendheaders")
    public static let wtxidrelay = Command(constant: "wtxidrelay")
    public static let sendaddrv2 = Command(constant: "sendaddrv2")
    public static let feefilter = Command(constant: "feefilter")
    public static let mempool = Command(constant: "mempool")
    public static let getaddr = Command(constant: "getaddr")
    public static let addr = Command(constant: "addr")
    public static let addrv2 = Command(constant: "addrv2")
    public static let reject = Command(constant: "reject")
    public static let sendcmpct = Command(constant: "sendcmpct")

    /// Every command this module decodes.
    public static let known: [Command] = [
        .version, .verack, .ping, .pong, .getheaders, .getblocks, .headers, .inv, .getdata, .notfound,
        .block, .tx, .sendheaders, .wtxidrelay, .sendaddrv2, .feefilter, .mempool, .getaddr, .addr,
        .addrv2, .reject, .sendcmpct,
    ]
}
