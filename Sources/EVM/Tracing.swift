public import Primitives

/// Compile-time switch for the interpreter's per-instruction trace hook. `Interpreter.execute` is
/// generic over it, so the `Untraced` instantiation carries no tracing code at all.
public protocol TraceMode {
    /// Whether the loop calls `StepTracer.step` before each instruction.
    static var enabled: Bool { get }
}

/// The default mode: no hook in the loop.
public enum Untraced: TraceMode {
    @inlinable public static var enabled: Bool { false }
}

/// Calls the tracer before every instruction.
public enum Traced: TraceMode {
    @inlinable public static var enabled: Bool { true }
}

/// Observes execution (geth's `tracing.Hooks` shape). `step` runs before each instruction with the
/// state the instruction sees; `enter`/`exit` wrap every call frame the host runs (precompiles and
/// code-less accounts included). A tracer is used by one execution on one thread.
public protocol StepTracer: AnyObject {
    /// Before the instruction `op` at `pc`: `gas` is the gas left before it is charged, `depth` the
    /// frame's `Message.depth` (0 for the transaction's frame), `address` the executing account.
    /// The buffers are only valid during the call.
    func step(
        pc: Int, op: UInt8, gas: Int64, depth: Int, address: EVMAddress, stack: UnsafeBufferPointer<UInt256>,
        memory: UnsafeRawBufferPointer)
    /// A frame starts with `message` (for a create, `recipient` is not yet known).
    func enter(_ message: Message)
    /// The frame last entered ends with `result` (gas left after a create's code deposit).
    func exit(_ result: ExecutionResult)
}
