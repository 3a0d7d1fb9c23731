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
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-websocket", from: "2.8.1"),
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
        .target(
            name: "BitcoinP2P",
            dependencies: [
                "Primitives", "Hashing", "Bitcoin",
                .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        .target(name: "BitcoinView", dependencies: ["Primitives", "Hashing", "Bitcoin", "BitcoinScript"], swiftSettings: strict),
        .target(
            name: "BitcoinNode",
            dependencies: [
                "Primitives", "Hashing", "Secp256k1", "Bitcoin", "BitcoinScript", "BitcoinConsensus", "BitcoinP2P",
                "BitcoinView", "KVStore",
                .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        .target(
            name: "BitcoinAPI",
            dependencies: [
                "Primitives", "Hashing", "Bitcoin", "BitcoinScript", "BitcoinView", "BitcoinNode", "KVStore",
                .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdWebSocket", package: "hummingbird-websocket"),
            ],
            swiftSettings: strict
        ),
        // L2 chain and L3 services
        .target(
            name: "L2Chain",
            dependencies: ["Primitives", "Hashing", "Secp256k1", "Ethereum", "MerkleTrie", "EVM", "Precompiles", "Execution", "KVStore"],
            swiftSettings: strict
        ),
        .target(
            name: "PoP",
            dependencies: ["Primitives", "Hashing", "Bitcoin", "BitcoinView", "Ethereum", "KVStore", "L2Chain"],
            swiftSettings: strict
        ),
        .target(
            name: "Sequencer",
            dependencies: [
                "Primitives", "Hashing", "Ethereum", "EVM", "Execution", "L2Chain",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        .target(
            name: "RPC",
            dependencies: [
                "Primitives", "Hashing", "Ethereum", "EVM", "Execution", "L2Chain", "Sequencer", "PoP",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdWebSocket", package: "hummingbird-websocket"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strict
        ),
        .target(
            name: "Node",
            dependencies: [
                "Primitives", "Hashing", "Secp256k1", "Bitcoin", "Ethereum", "EVM", "Execution", "KVStore", "L2Chain", "PoP",
                "Sequencer", "RPC", "BitcoinNode",
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        // Test support: locating ../shared/testdata, vector loaders.
        .target(name: "TestSupport", dependencies: ["Primitives"], swiftSettings: strict),
        // Bitcoin test support shared by BitcoinNodeTests and BitcoinAPITests: test wallet, chain generator.
        .target(
            name: "BitcoinTestSupport",
            dependencies: [
                "Primitives", "Hashing", "Secp256k1", "Bitcoin", "BitcoinScript", "BitcoinConsensus", "BitcoinView",
                "BitcoinNode", "KVStore", "TestSupport",
            ],
            swiftSettings: strict
        ),
        // The single executable.
        .executableTarget(
            name: "hemi",
            dependencies: [
                "Primitives", "Hashing", "Bitcoin", "BitcoinScript", "BitcoinConsensus", "Execution", "EVM", "Precompiles",
                "BitcoinView", "BitcoinNode", "Node", "BitcoinP2P", "KVStore", "Ethereum", "Secp256k1", "L2Chain", "PoP",
                "Sequencer", "BitcoinAPI",
                .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
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
            dependencies: [
                "BitcoinP2P", "Bitcoin", "Primitives", "Hashing", "TestSupport",
                .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "BitcoinNodeTests",
            dependencies: [
                "BitcoinNode", "BitcoinView", "BitcoinP2P", "BitcoinConsensus", "BitcoinScript", "Bitcoin", "KVStore",
                "Secp256k1", "Primitives", "Hashing", "TestSupport", "BitcoinTestSupport",
                .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "RPCTests",
            dependencies: [
                "RPC", "Primitives", "Hashing", "TestSupport",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "HummingbirdWSClient", package: "hummingbird-websocket"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOWebSocket", package: "swift-nio"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "BitcoinAPITests",
            dependencies: [
                "BitcoinAPI", "BitcoinNode", "BitcoinView", "BitcoinConsensus", "BitcoinScript", "Bitcoin", "KVStore",
                "Secp256k1", "Primitives", "Hashing", "TestSupport", "BitcoinTestSupport",
                .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "HummingbirdWSClient", package: "hummingbird-websocket"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "L2Tests",
            dependencies: [
                "L2Chain", "PoP", "Sequencer", "RPC", "Node", "Ethereum", "Execution", "EVM", "KVStore", "BitcoinView",
                "MerkleTrie",
                "Secp256k1", "Primitives", "Hashing", "TestSupport",
            ],
            swiftSettings: strict
        ),
    ],
    swiftLanguageModes: [.v6]
)
