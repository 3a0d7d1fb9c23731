#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Environment failure reading a file.
struct FileReadError: Error, CustomStringConvertible {
    let path: String
    let reason: String
    var description: String { "cannot read \(path): \(reason)" }
}

/// Reads a whole file, refusing files above `limit` bytes.
func readFile(_ path: String, limit: Int = 1 << 31) throws -> [UInt8] {
    guard let f = fopen(path, "rb") else { throw FileReadError(path: path, reason: String(cString: strerror(errno))) }
    defer { fclose(f) }
    var out: [UInt8] = []
    var buf = [UInt8](repeating: 0, count: 1 << 20)
    while true {
        let n = fread(&buf, 1, buf.count, f)
        if n <= 0 { break }
        out.append(contentsOf: buf[0..<n])
        if out.count > limit { throw FileReadError(path: path, reason: "larger than \(limit) bytes") }
    }
    if ferror(f) != 0 { throw FileReadError(path: path, reason: "read error") }
    return out
}

/// Prints to standard error.
func printError(_ s: String) {
    let line = Array((s + "\n").utf8)
    _ = line.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
}

/// Unix time now (the only clock read in the tool; consensus code takes it as a parameter).
func unixNow() -> Int64 {
    var ts = timespec()
    clock_gettime(CLOCK_REALTIME, &ts)
    return Int64(ts.tv_sec)
}
