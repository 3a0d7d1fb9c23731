import KVStore
import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The backends every shared test runs against.
enum Backend: String, CaseIterable, CustomTestStringConvertible, Sendable {
    case memory, lmdb
    var testDescription: String { rawValue }
}

/// A fresh temporary directory, removed (with the store files in it) on deinit.
final class TempDir {
    let path: String

    init() {
        var template = Array("/tmp/hemi-kvstore-test-XXXXXX".utf8CString)
        let ok = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) != nil }
        precondition(ok, "mkdtemp failed: errno \(errno)")
        path = String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// A path inside the directory (not created).
    func sub(_ name: String) -> String { path + "/" + name }

    deinit { removeTree(path) }
}

/// Removes a directory tree of plain files (the stores create no nested directories beyond one level).
func removeTree(_ path: String) {
    if let d = opendir(path) {
        while let e = readdir(d) {
            let name = withUnsafeBytes(of: e.pointee.d_name) { raw in
                String(cString: raw.bindMemory(to: CChar.self).baseAddress!)
            }
            if name == "." || name == ".." { continue }
            let child = path + "/" + name
            if unlink(child) != 0 { removeTree(child) }
        }
        closedir(d)
    }
    rmdir(path)
}

/// Options for test stores: no fsync (a process crash still loses nothing, see LMDBOptions).
extension LMDBOptions {
    static var test: LMDBOptions { LMDBOptions(mapSize: 1 << 24, durability: .noSync) }
}

/// A store of the chosen backend in a temp directory that lives as long as the harness.
final class Harness {
    let dir = TempDir()
    let store: any KVStore
    let backend: Backend

    init(_ backend: Backend, tables: [KVTableSpec], options: LMDBOptions = .test) throws {
        self.backend = backend
        switch backend {
        case .memory: store = MemoryStore(tables: tables)
        case .lmdb: store = try LMDBStore(path: dir.sub("db"), tables: tables, options: options)
        }
    }

    deinit {
        if let s = store as? LMDBStore { try? s.close() }
    }
}

extension Array where Element == UInt8 {
    init(_ s: String) { self = Array(s.utf8) }
}

func bytes(_ s: String) -> [UInt8] { Array(s.utf8) }

func be32(_ x: UInt32) -> [UInt8] { [UInt8(x >> 24), UInt8(x >> 16 & 0xFF), UInt8(x >> 8 & 0xFF), UInt8(x & 0xFF)] }

func randomBytes(_ n: Int, _ rng: inout SplitMix64) -> [UInt8] {
    (0..<n).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
}

/// Lexicographic unsigned-byte order (the order both backends promise).
func lexLess(_ a: [UInt8], _ b: [UInt8]) -> Bool { a.lexicographicallyPrecedes(b) }

struct TestFailure: Error, CustomStringConvertible {
    var description: String
    init(_ d: String) { description = d }
}

func monotonicSeconds() -> Double {
    var t = timespec()
    clock_gettime(CLOCK_MONOTONIC, &t)
    return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
}
