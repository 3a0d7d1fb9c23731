/// EVM memory of one frame: a zero-initialised byte buffer that grows in 32-byte words and is never
/// shrunk. The capacity doubles from 4 KiB. Gas for expansion is charged by the interpreter *before*
/// `grow` is called, and sizes are capped at `Memory.maxSize`, so untrusted offsets never allocate.
///
/// A plain value that does not free itself: `Interpreter.execute` owns it and either frees its buffer
/// or hands it back to a `FrameBuffers` pool when the frame ends (one owner, no copies escape).
struct Memory {
    /// Largest offset + size accepted (as evmone's `max_buffer_size`); anything larger is out of gas
    /// long before (3 gas/word + words²/512 makes 4 GiB cost about 2^45 gas).
    static let maxSize: UInt64 = UInt64(UInt32.max)

    private(set) var base: UnsafeMutableRawPointer?
    /// Current size in bytes (a multiple of 32): MSIZE.
    private(set) var size: Int = 0
    private var capacity: Int = 0

    init() {}

    /// Starts with a recycled all-zero buffer of `capacity` bytes.
    init(reusing buffer: UnsafeMutableRawPointer, capacity: Int) {
        base = buffer
        self.capacity = capacity
    }

    /// Zeroes the used part and gives up the buffer (for a pool), or nil if none was allocated.
    mutating func takeBuffer() -> (buffer: UnsafeMutableRawPointer, capacity: Int)? {
        guard let b = base else { return nil }
        // SAFETY: bytes [0, size) were initialised by the frame; beyond `size` they are already zero.
        b.initializeMemory(as: UInt8.self, repeating: 0, count: size)
        base = nil
        defer { size = 0; capacity = 0 }
        return (b, capacity)
    }

    /// Frees the buffer (when there is no pool).
    mutating func free() {
        base?.deallocate()
        base = nil
        size = 0
        capacity = 0
    }

    /// Grows the active size to `newSize` bytes (a multiple of 32, larger than `size`).
    mutating func grow(to newSize: Int) {
        if newSize > capacity {
            var c = Swift.max(capacity * 2, 4096)
            while c < newSize { c *= 2 }
            let nb = UnsafeMutableRawPointer.allocate(byteCount: c, alignment: 32)
            // SAFETY: the old buffer holds `size` initialised bytes and the new one `c >= newSize > size`;
            // everything past `size` is zeroed so memory reads as zero until written.
            if let old = base {
                nb.copyMemory(from: old, byteCount: size)
                old.deallocate()
            }
            (nb + size).initializeMemory(as: UInt8.self, repeating: 0, count: c - size)
            base = nb
            capacity = c
        }
        size = newSize
    }

    /// Pointer to byte `offset`. Only for `offset < size`: every caller first expands memory to
    /// cover the range and skips zero-length accesses, so `base` is allocated here (an invariant of
    /// the interpreter, not something input can violate).
    @inline(__always)
    func pointer(_ offset: Int) -> UnsafeMutableRawPointer {
        // SAFETY: callers expanded memory to cover [offset, offset + count) with count > 0 first.
        guard let base else { preconditionFailure("EVM memory accessed before expansion") }
        return base + offset
    }

    /// Copies `count` bytes at `offset` into a new array.
    func bytes(_ offset: Int, _ count: Int) -> [UInt8] {
        if count == 0 { return [] }
        // SAFETY: callers expanded memory to cover [offset, offset + count), count > 0.
        return [UInt8](UnsafeRawBufferPointer(start: pointer(offset), count: count))
    }

    /// Gas for a memory of `words` words: 3·w + w²/512 (Yellow Paper, C_mem).
    @inline(__always)
    static func cost(words: Int) -> Int64 {
        let w = Int64(words)
        return 3 &* w &+ (w &* w) / 512
    }
}
