// swift-tools-version: 6.2
import PackageDescription

// CI sets HEMI_WERROR=1 so that warnings in our own targets fail the build (dependencies are unaffected).
let werror: [SwiftSetting] = Context.environment["HEMI_WERROR"] == nil ? [] : [.treatAllWarnings(as: .error)]

let strict: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
] + werror

let package = Package(
    name: "hemi-swift",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "hemi", targets: ["hemi"])
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        // Test-only oracle for UInt256 arithmetic.
        .package(url: "https://github.com/attaswift/BigInt", from: "6.0.1"),
    ],
    targets: [
        // L0
        .systemLibrary(
            name: "CSecp256k1",
            pkgConfig: "libsecp256k1",
            providers: [.apt(["libsecp256k1-dev"])]
        ),
        .systemLibrary(
            name: "CLMDB",
            pkgConfig: "lmdb",
            providers: [.apt(["liblmdb-dev"])]
        ),
        .target(name: "Primitives", swiftSettings: strict),
        .target(name: "Curves", dependencies: ["Primitives"], swiftSettings: strict),
        .target(name: "KVStore", dependencies: ["CLMDB", "Primitives"], swiftSettings: strict),
        .target(
            name: "Hashing",
            dependencies: ["Primitives", .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: strict
        ),
        .target(name: "Secp256k1", dependencies: ["CSecp256k1", "Primitives", "Hashing"], swiftSettings: strict),
        // L1 Bitcoin
        .target(name: "Bitcoin", dependencies: ["Primitives", "Hashing", "Secp256k1"], swiftSettings: strict),
        .target(name: "BitcoinScript", dependencies: ["Primitives", "Hashing", "Secp256k1", "Bitcoin"], swiftSettings: strict),
        .target(
            name: "BitcoinConsensus",
            dependencies: ["Primitives", "Hashing", "Bitcoin", "BitcoinScript"],
            swiftSettings: strict
        ),
        // L2 Ethereum
        .target(name: "Ethereum", dependencies: ["Primitives", "Hashing", "Secp256k1"], swiftSettings: strict),
        .target(name: "MerkleTrie", dependencies: ["Primitives", "Hashing", "Ethereum"], swiftSettings: strict),
        .target(name: "EVM", dependencies: ["Primitives", "Hashing"], swiftSettings: strict),
        .target(
            name: "Precompiles",
            dependencies: [
                "Primitives", "Hashing", "Secp256k1", "Curves", .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: strict
        ),
        .target(
            name: "Execution",
            dependencies: ["Primitives", "Hashing", "Ethereum", "MerkleTrie", "EVM", "Precompiles"],
            swiftSettings: strict
        ),
        .target(name: "BitcoinP2P", dependencies: ["Primitives", "Hashing", "Bitcoin"], swiftSettings: strict),
        // Test support: locating ../shared/testdata, vector loaders.
        .target(name: "TestSupport", dependencies: ["Primitives"], swiftSettings: strict),
        // The single executable.
        .executableTarget(
            name: "hemi",
            dependencies: [
                "Primitives", "Hashing", "Bitcoin", "BitcoinScript", "BitcoinConsensus", "Execution", "EVM", "Precompiles",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "PrimitivesTests",
            dependencies: ["Primitives", "TestSupport", .product(name: "BigInt", package: "BigInt")],
            swiftSettings: strict
        ),
        .testTarget(name: "HashingTests", dependencies: ["Hashing", "Primitives", "TestSupport"], swiftSettings: strict),
        .testTarget(
            name: "Secp256k1Tests",
            dependencies: ["Secp256k1", "Hashing", "Primitives", "TestSupport"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "BitcoinTests",
            dependencies: ["Bitcoin", "Secp256k1", "Hashing", "Primitives", "TestSupport"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "BitcoinScriptTests",
            dependencies: ["BitcoinScript", "Bitcoin", "Secp256k1", "Hashing", "Primitives", "TestSupport"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "BitcoinConsensusTests",
            dependencies: ["BitcoinConsensus", "BitcoinScript", "Bitcoin", "Hashing", "Primitives", "TestSupport"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "EthereumTests",
            dependencies: ["Ethereum", "MerkleTrie", "Hashing", "Primitives", "TestSupport"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "EVMTests",
            dependencies: ["EVM", "Primitives", "Hashing", "TestSupport", .product(name: "BigInt", package: "BigInt")],
            swiftSettings: strict
        ),
        .testTarget(
            name: "CurvesTests",
            dependencies: ["Curves", "Primitives", "TestSupport", .product(name: "BigInt", package: "BigInt")],
            swiftSettings: strict
        ),
        .testTarget(
            name: "PrecompilesTests",
            dependencies: [
                "Precompiles", "Primitives", "Hashing", "TestSupport", .product(name: "BigInt", package: "BigInt"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: strict
        ),
        .testTarget(name: "KVStoreTests", dependencies: ["KVStore", "Primitives", "TestSupport"], swiftSettings: strict),
        .testTarget(
            name: "ExecutionTests",
            dependencies: ["Execution", "EVM", "Ethereum", "MerkleTrie", "Precompiles", "Primitives", "Hashing", "TestSupport"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "BitcoinP2PTests",
            dependencies: ["BitcoinP2P", "Bitcoin", "Primitives", "Hashing", "TestSupport"],
            swiftSettings: strict
        ),
    ],
    swiftLanguageModes: [.v6]
)
