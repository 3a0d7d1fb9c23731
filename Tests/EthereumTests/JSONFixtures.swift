import Foundation
import Primitives
import TestSupport

/// Loading helpers for ethereum/tests JSON fixtures (tests only; library code never imports Foundation).
enum Fixture {
    /// Parses a fixture file under `../shared/testdata` as a JSON object.
    static func object(_ relative: String) throws -> [String: Any] {
        let text = try TestData.text(relative)
        let obj = try JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed])
        guard let dict = obj as? [String: Any] else { throw FixtureError.shape(relative) }
        return dict
    }

    /// Paths (relative to the testdata root) of all `.json` files below a directory, sorted.
    static func jsonFiles(under relative: String) throws -> [String] {
        let root = TestData.path(relative)
        guard FileManager.default.fileExists(atPath: root) else { throw TestDataError.notFound(root) }
        guard let e = FileManager.default.enumerator(atPath: root) else { throw TestDataError.notFound(root) }
        var out: [String] = []
        while let p = e.nextObject() as? String {
            if p.hasSuffix(".json") { out.append(relative + "/" + p) }
        }
        return out.sorted()
    }

    /// Big-endian minimal bytes of a non-negative decimal number of any size.
    static func decimalBytes(_ s: Substring) -> [UInt8]? {
        var out: [UInt8] = []  // big-endian
        for c in s.utf8 {
            guard c >= 0x30 && c <= 0x39 else { return nil }
            var carry = Int(c - 0x30)
            var i = out.count - 1
            while i >= 0 {
                let v = Int(out[i]) * 10 + carry
                out[i] = UInt8(v & 0xff)
                carry = v >> 8
                i -= 1
            }
            while carry > 0 {
                out.insert(UInt8(carry & 0xff), at: 0)
                carry >>= 8
            }
        }
        return Array(out.drop(while: { $0 == 0 }))
    }
}

enum FixtureError: Error, CustomStringConvertible {
    case shape(String)
    var description: String {
        switch self {
        case .shape(let s): return "unexpected fixture shape: \(s)"
        }
    }
}

/// Fuzz iteration count: `default`, or `$HEMI_FUZZ_ITERATIONS` for long runs (e.g. in release mode).
func fuzzIterations(_ default: Int) -> Int {
    ProcessInfo.processInfo.environment["HEMI_FUZZ_ITERATIONS"].flatMap { Int($0) } ?? `default`
}
