import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// One writer at a time per store: an exclusive `flock` on `STORE.lock`, held for a whole run
/// (read the previous run, audit, record), so two runs never interleave. The lock goes with the
/// process: a run killed with `kill -9` leaves no stale lock behind.
public final class StoreLock: @unchecked Sendable {
    // @unchecked: the descriptor is only touched in init and deinit.
    private let fd: Int32
    public let path: String

    /// Takes the lock; with `wait`, blocks until the other run ends, else fails at once with a
    /// message naming the process that holds it.
    public init(store: String, wait: Bool) throws(ObligeErrors) {
        path = store + ".lock"
        fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            throw ObligeErrors([ObligeError(.store, "cannot create the lock file '\(path)': \(String(cString: strerror(errno)))", at: SourceLocation(file: path), fix: "check that the store's folder is writable")])
        }
        if flock(fd, LOCK_EX | (wait ? 0 : LOCK_NB)) != 0 {
            let holder = (try? String(contentsOfFile: path, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
            close(fd)
            throw ObligeErrors([
                ObligeError(
                    .store, "the store '\(store)' is in use by another oblige run\(holder.isEmpty ? "" : " (\(holder))")", at: SourceLocation(file: store),
                    fix: "wait for it to finish, or pass --wait to queue behind it")
            ])
        }
        let note = "pid \(getpid()) since \(ISO8601DateFormatter().string(from: Date()))\n"
        _ = ftruncate(fd, 0)
        _ = note.withCString { pwrite(fd, $0, strlen($0), 0) }
    }

    deinit {
        _ = ftruncate(fd, 0)
        flock(fd, LOCK_UN)
        close(fd)
    }
}
