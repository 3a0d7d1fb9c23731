internal import Primitives

/// Stacks and memory buffers kept per call depth and reused by later frames at the same depth, as
/// evmone reuses its `ExecutionState` per depth, so CALL-heavy code does not allocate a 32 KiB stack and
/// a memory buffer for every call. Owned by one host/executor and used from one thread at a time;
/// touched only at frame start and end, never inside the loop.
public final class FrameBuffers {
    static let depths = 1025  // depth 0…1024

    private var stacks: [UnsafeMutablePointer<UInt256>?] = Array(repeating: nil, count: FrameBuffers.depths)
    private var memories: [(buffer: UnsafeMutableRawPointer, capacity: Int)?] = Array(
        repeating: nil, count: FrameBuffers.depths)
    /// Memory buffers larger than this are freed instead of kept (bounds what an idle pool holds).
    public var maxKeptMemory = 1 << 20

    public init() {}

    deinit {
        for s in stacks { s?.deallocate() }
        for m in memories { m?.buffer.deallocate() }
    }

    /// A stack of 1024 slots for a frame at `depth` (allocated on first use).
    func takeStack(depth: Int) -> UnsafeMutablePointer<UInt256> {
        guard depth >= 0 && depth < Self.depths, let s = stacks[depth] else {
            return .allocate(capacity: Frame.stackLimit)
        }
        stacks[depth] = nil
        return s
    }

    func putStack(_ s: UnsafeMutablePointer<UInt256>, depth: Int) {
        guard depth >= 0 && depth < Self.depths, stacks[depth] == nil else {
            s.deallocate()
            return
        }
        stacks[depth] = s
    }

    func takeMemory(depth: Int) -> Memory {
        guard depth >= 0 && depth < Self.depths, let m = memories[depth] else { return Memory() }
        memories[depth] = nil
        return Memory(reusing: m.buffer, capacity: m.capacity)
    }

    func putMemory(_ memory: inout Memory, depth: Int) {
        guard depth >= 0 && depth < Self.depths, memories[depth] == nil, let (b, cap) = memory.takeBuffer() else {
            memory.free()
            return
        }
        if cap > maxKeptMemory {
            b.deallocate()
            return
        }
        memories[depth] = (b, cap)
    }
}
