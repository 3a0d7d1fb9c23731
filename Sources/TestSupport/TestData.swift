/// Locates the shared, read-only conformance data (`../shared/testdata` beside the project root).
/// Tests read it in place; it is never copied into the repository.
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

public enum TestDataError: Error, CustomStringConvertible {
    case notFound(String)
    public var description: String {
        switch self {
        case let .notFound(p):
            return "test data not found at \(p): clone the steering repo's shared/ beside this project (../shared/testdata) or set HEMI_TESTDATA"
        }
    }
}

public enum TestData {
    /// The testdata root: `$HEMI_TESTDATA`, else `../shared/testdata` relative to the package root.
    public static var root: String {
        if let env = getenv("HEMI_TESTDATA") { return String(cString: env) }
        // #filePath is .../Sources/TestSupport/TestData.swift; the package root is three levels up.
        var parts = String(#filePath).split(separator: "/", omittingEmptySubsequences: false)
        parts.removeLast(3)
        let pkg = parts.joined(separator: "/")
        return pkg + "/../shared/testdata"
    }

    /// Absolute path of a file under the testdata root.
    public static func path(_ relative: String) -> String { root + "/" + relative }

    /// Reads a whole file; throws `TestDataError.notFound` with guidance if missing.
    public static func bytes(_ relative: String) throws -> [UInt8] {
        let p = path(relative)
        guard let f = fopen(p, "rb") else { throw TestDataError.notFound(p) }
        defer { fclose(f) }
        var out: [UInt8] = []
        var buf = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = fread(&buf, 1, buf.count, f)
            if n <= 0 { break }
            out.append(contentsOf: buf[0..<n])
        }
        return out
    }

    /// Reads a whole file as UTF-8 text.
    public static func text(_ relative: String) throws -> String {
        String(decoding: try bytes(relative), as: UTF8.self)
    }
}
