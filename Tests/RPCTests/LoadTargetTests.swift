import Foundation
import Logging
import ServiceLifecycle
import Testing

@testable import RPC

/// A server for `Benchmarks/rpc/load.py`, only when `HEMI_RPC_SERVE_SECONDS` is set:
///
///     HEMI_RPC_SERVE_SECONDS=60 HEMI_RPC_SERVE_PORT=18545 swift test --skip-build --filter LoadTarget
///
/// It serves the standard namespaces plus stand-ins for `eth_getBalance` / `eth_call` that parse
/// their params like the real ones (address, block tag, call object) and return fixed values.
@Suite struct LoadTargetTests {
    @Test(.enabled(if: ProcessInfo.processInfo.environment["HEMI_RPC_SERVE_SECONDS"] != nil))
    func serveForLoadTest() async throws {
        let env = ProcessInfo.processInfo.environment
        let seconds = Int(env["HEMI_RPC_SERVE_SECONDS"] ?? "") ?? 30
        let port = Int(env["HEMI_RPC_SERVE_PORT"] ?? "") ?? 18545
        var registry = RPCMethodRegistry()
        registry.registerStandardMethods(chainID: 743111)
        registry.register("eth_getBalance") { (params: RPCParams) async throws(RPCError) -> JSONValue in
            try params.expectCount(min: 1, max: 2)
            _ = try params.address(0)
            _ = try params.optionalBlockTag(1)
            return .quantity(UInt64(1_000_000_000_000_000_000))
        }
        registry.register("eth_call") { (params: RPCParams) async throws(RPCError) -> JSONValue in
            try params.expectCount(min: 1, max: 3)
            let call = try params.object(0)
            if let to = call["to"] { _ = try to.address("to") }
            let input = try (call["input"] ?? call["data"])?.data("data") ?? []
            _ = try params.optionalBlockTag(1)
            return .data([UInt8](repeating: 0, count: 31) + [UInt8(truncatingIfNeeded: input.count)])
        }
        let server = RPCServer(
            configuration: RPCServerConfiguration(host: "127.0.0.1", port: port),
            registry: registry,
            logger: Logger(label: "load-target"),
            onListening: { port in print("load target listening on 127.0.0.1:\(port), pid \(getpid())") }
        )
        let group = ServiceGroup(services: [server], logger: Logger(label: "load-target"))
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            try await Task.sleep(for: .seconds(seconds))
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
    }
}
