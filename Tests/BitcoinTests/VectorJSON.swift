import Foundation
import TestSupport

/// Loads a JSON vector file from the shared test data (fails with guidance if it is missing).
enum VectorJSON {
    static func load(_ relative: String) throws -> Any {
        let bytes = try TestData.bytes(relative)
        return try JSONSerialization.jsonObject(with: Data(bytes), options: [.fragmentsAllowed])
    }
}

struct VectorFormatError: Error, CustomStringConvertible {
    let description: String
    init(_ d: String) { description = d }
}

/// A small deterministic PRNG for fuzz-style tests.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9e37_79b9_7f4a_7c15
        var z = state
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }
}
