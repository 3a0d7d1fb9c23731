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

