import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The exclusive write lock of an ``LMDBStore`` directory (`hemi-kvstore.lock`).
///
/// Two layers, because neither alone is enough:
/// - a POSIX record lock (`fcntl(F_SETLK)`) keeps other processes out. Unlike `flock`, it is
///   owned by the process and not inherited by `fork()` children, so a forked child cannot keep a
///   store locked after the parent closes it;
/// - record locks do not conflict within one process (and closing any descriptor of the file drops
///   them), so an in-process registry of locked files refuses a second open without ever opening
///   the file again.
struct WriteLock: ~Copyable {
    private struct FileID: Hashable, Sendable {
        var dev: UInt64
        var ino: UInt64
    }

    private static let registry = Mutex<Set<FileID>>([])

    private let fd: Int32
    private let id: FileID

    init(directory: String) throws(KVStoreError) {
        let path = directory + "/hemi-kvstore.lock"
        let (fd, id) = try Self.registry.withLock { (held: inout Set<FileID>) throws(KVStoreError) -> (Int32, FileID) in
            var st = stat()
            if stat(path, &st) == 0, held.contains(FileID(dev: UInt64(st.st_dev), ino: UInt64(st.st_ino))) {
                throw .locked(path: directory)
            }
            let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
            if fd < 0 { throw .io(errno: errno, context: "open \(path)") }
            if fstat(fd, &st) != 0 {
                let e = errno
                _ = closeFileDescriptor(fd)
                throw .io(errno: e, context: "fstat \(path)")
            }
            let id = FileID(dev: UInt64(st.st_dev), ino: UInt64(st.st_ino))
            var fl = flock()
            fl.l_type = Int16(F_WRLCK)
            fl.l_whence = Int16(SEEK_SET)
            fl.l_start = 0
            fl.l_len = 0
            if fcntl(fd, F_SETLK, &fl) != 0 {
                let e = errno
                _ = closeFileDescriptor(fd)
                if e == EAGAIN || e == EACCES { throw .locked(path: directory) }
                throw .io(errno: e, context: "fcntl(F_SETLK) \(path)")
            }
            held.insert(id)
            return (fd, id)
        }
        self.fd = fd
        self.id = id
    }

    /// Releases the lock (closing the descriptor drops the record lock).
    consuming func release() {
        let id = self.id
        let fd = self.fd
        Self.registry.withLock { held in
            _ = closeFileDescriptor(fd)
            held.remove(id)
        }
        discard self
    }

    deinit {
        let id = self.id
        let fd = self.fd
        Self.registry.withLock { held in
            _ = closeFileDescriptor(fd)
            held.remove(id)
        }
    }
}

@inline(__always)
func closeFileDescriptor(_ fd: Int32) -> Int32 {
    #if canImport(Glibc)
        Glibc.close(fd)
    #else
        Darwin.close(fd)
    #endif
}
