import Primitives

/// Bitcoin Core's test "asm" syntax (`ParseScript` in core_read.cpp): decimal numbers become
/// minimal pushes (OP_0, OP_1NEGATE, OP_1..OP_16 where possible), `0x…` is inserted verbatim,
/// `'text'` is pushed, and opcodes are named with or without `OP_`.
public enum ScriptAsm {
    public enum ParseError: Error, Equatable, Sendable {
        case numberOutOfRange(String)
        case unknownWord(String)
    }

    public static func parse(_ text: String) throws(ParseError) -> [UInt8] {
        var out: [UInt8] = []
        let words = text.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" })
        for word in words {
            let w = String(word)
            let utf8 = Array(w.utf8)
            let isDigit: (UInt8) -> Bool = { $0 >= 0x30 && $0 <= 0x39 }
            if utf8.allSatisfy(isDigit) || (utf8.first == 0x2d && utf8.count > 1 && utf8.dropFirst().allSatisfy(isDigit)) {
                guard let v = Int64(w), v <= 0xffff_ffff, v >= -0xffff_ffff else { throw .numberOutOfRange(w) }
                Script.appendNumber(v, to: &out)
            } else if w.hasPrefix("0x"), utf8.count > 2, let raw = [UInt8](hex: w.dropFirst(2)) {
                out.append(contentsOf: raw)
            } else if utf8.count >= 2, utf8.first == 0x27, utf8.last == 0x27 {
                Script.appendPush(Array(utf8[1..<(utf8.count - 1)]), to: &out)
            } else if let op = Opcode.byName[w] {
                out.append(op.rawValue)
            } else {
                throw .unknownWord(w)
            }
        }
        return out
    }

    /// Core's `ScriptToAsmStr` (without sighash decoding): pushes of up to 4 bytes as decimal
    /// script numbers, longer pushes as hex, opcodes by name, "[error]" at a truncated push.
    public static func format(_ script: [UInt8]) -> String {
        var parts: [String] = []
        var pc = 0
        while pc < script.count {
            guard let ins = getScriptOp(script, &pc) else {
                parts.append("[error]")
                break
            }
            if ins.opcode <= 0x4e {
                let data = Array(script[ins.dataStart..<(ins.dataStart + ins.dataCount)])
                if data.count <= 4 {
                    let v = (try? ScriptNum.decode(data, requireMinimal: false)) ?? 0
                    parts.append(String(ScriptNum.clampToInt32(v)))
                } else {
                    parts.append(data.hex)
                }
            } else {
                parts.append(Opcode(ins.opcode).name)
            }
        }
        return parts.joined(separator: " ")
    }
}
