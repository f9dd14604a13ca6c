import Foundation
import ObligeCore

#if canImport(Glibc)
    import Glibc
#endif

/// Standard output through one buffer: a report of millions of lines is written in a few
/// thousand system calls, not one per line.
///
/// The buffer is 64 KB, not larger. On the benchmark machine (Linux 6.18, ext4) the final merge of
/// the 10 M-event audit, which writes a 500 MB report, took 1.5–1.7 s in 1 MB writes and 0.6 s in
/// 64 KB writes, nearly all of the difference in the kernel's copy into the page cache. The likely
/// cause: the file system backs a large write with large pages (folios), which cost far more to
/// find than small ones once memory is fragmented (docs/performance.md).
final class StandardOutput {
    private var buffer: [UInt8] = []
    private let limit = 1 << 16
    /// The first write that failed, reported by the next `flush`.
    private var failure: Error?

    init() { buffer.reserveCapacity(limit) }

    func write(_ bytes: [UInt8]) { bytes.withUnsafeBufferPointer { write($0) } }

    func write(_ bytes: UnsafeBufferPointer<UInt8>) {
        buffer.append(contentsOf: bytes)
        if buffer.count >= limit, failure == nil {
            do { try flush() } catch { failure = error }
        }
    }

    /// Writes what is buffered; fails when standard output is closed or full.
    func flush() throws {
        if let failure { throw failure }
        var done = 0
        while done < buffer.count {
            let n = buffer.withUnsafeBytes { Glibc.write(1, $0.baseAddress! + done, $0.count - done) }
            if n < 0, errno == EINTR { continue }
            guard n > 0 else {
                let why = String(cString: strerror(errno))
                buffer.removeAll(keepingCapacity: true)
                throw ObligeError(.io, "cannot write to standard output: \(why)", fix: "check the disk or the program reading the output")
            }
            done += n
        }
        buffer.removeAll(keepingCapacity: true)
    }
}
