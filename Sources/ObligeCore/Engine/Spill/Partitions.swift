import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A fixed number of append-only byte partitions, each a sequence of length-framed records.
///
/// Without a folder nothing touches the disk. With one, each partition is a file in it, written
/// through a small buffer, so memory holds only the buffers while writing and what a reader asks
/// for while reading. Different partitions may be written or read by different threads at once;
/// one partition is used by one thread at a time.
final class Partitions: @unchecked Sendable {
    /// One partition: its unwritten bytes and its file.
    private final class Slot {
        var pending: [UInt8] = []
        var file: UnsafeMutablePointer<FILE>?
        deinit { if let file { fclose(file) } }
    }

    let count: Int
    private let folder: String?
    private let slots: [Slot]
    private let flushAt: Int

    /// `folder` is a `SpillFolder`'s path; nil keeps every partition in memory.
    init(count: Int, folder: String?, name: String, flushAt: Int = 1 << 16) throws {
        precondition(count >= 1)
        self.count = count
        self.folder = folder
        self.flushAt = flushAt
        slots = (0..<count).map { _ in Slot() }
        if let folder {
            for (p, slot) in slots.enumerated() {
                let path = "\(folder)/\(name)-\(p)"
                guard let f = fopen(path, "w+b") else {
                    throw ObligeError(.io, "cannot create the spill file '\(path)': \(String(cString: strerror(errno)))", fix: "give a writable folder with free space (--spill-dir)")
                }
                slot.file = f
            }
        }
    }

    /// Appends one record (framed by its length) to partition `p`.
    func append(_ p: Int, _ record: [UInt8]) throws {
        let slot = slots[p]
        ByteWriter.varint(UInt64(record.count), into: &slot.pending)
        slot.pending.append(contentsOf: record)
        if slot.file != nil, slot.pending.count >= flushAt { try flush(slot) }
    }

    /// Appends one record that `write` puts straight into partition `p`'s buffer, framed as
    /// `append(_:_:)` frames it: no record is built apart and copied in.
    func append(_ p: Int, _ write: (inout ByteWriter) -> Void) throws {
        let slot = slots[p]
        var w = ByteWriter()
        swap(&w.bytes, &slot.pending)
        let start = w.bytes.count
        // Room for the length of most records; `frame` fits the length to what was written.
        w.bytes.append(0)
        w.bytes.append(0)
        write(&w)
        w.frame(from: start)
        swap(&w.bytes, &slot.pending)
        if slot.file != nil, slot.pending.count >= flushAt { try flush(slot) }
    }

    private func flush(_ slot: Slot) throws {
        guard let f = slot.file, !slot.pending.isEmpty else { return }
        let n = slot.pending.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, f) }
        guard n == slot.pending.count else {
            throw ObligeError(.io, "cannot write to the spill folder '\(folder ?? "")': \(String(cString: strerror(errno)))", fix: "free disk space, or give another folder (--spill-dir)")
        }
        slot.pending.removeAll(keepingCapacity: true)
    }

    /// Ends writing partition `p` (all of them when nil): its buffer goes to its file.
    func finishWriting(_ p: Int? = nil) throws {
        for slot in p.map({ [slots[$0]] }) ?? slots where slot.file != nil {
            try flush(slot)
            slot.pending = []
        }
    }

    /// Partition `p` whole, after `finishWriting`.
    func contents(_ p: Int) throws -> [UInt8] {
        let slot = slots[p]
        guard let f = slot.file else { return slot.pending }
        guard fseeko(f, 0, SEEK_END) == 0 else { throw readError() }
        let size = Int(ftello(f))
        guard fseeko(f, 0, SEEK_SET) == 0 else { throw readError() }
        var bytes = [UInt8](repeating: 0, count: size)
        let n = bytes.withUnsafeMutableBytes { fread($0.baseAddress, 1, size, f) }
        guard n == size else { throw readError() }
        return bytes
    }

    /// Reads partition `p` record by record, a block at a time, after `finishWriting`.
    func cursor(_ p: Int) throws -> Cursor {
        let slot = slots[p]
        if let f = slot.file, fseeko(f, 0, SEEK_SET) != 0 { throw readError() }
        return Cursor(file: slot.file, bytes: slot.file == nil ? slot.pending : [], owner: self)
    }

    /// Frees partition `p` once read (memory, or the file's disk space).
    func release(_ p: Int) {
        let slot = slots[p]
        slot.pending = []
        if let f = slot.file { _ = ftruncate(fileno(f), 0) }
    }

    fileprivate func readError() -> ObligeError {
        ObligeError(.io, "cannot read back the spill folder '\(folder ?? "")': \(String(cString: strerror(errno)))", fix: "check the disk; the audit can be run again")
    }

    static func damaged() -> ObligeError {
        ObligeError(.io, "a spill file was damaged while the audit ran", fix: "check the disk; the audit can be run again")
    }

    /// Calls `body` with each record of `all` (what `contents` returned), in place.
    static func forEachRecord(in all: UnsafeBufferPointer<UInt8>, _ body: (UnsafeBufferPointer<UInt8>) throws -> Void) throws {
        var r = ByteReader(all)
        while !r.isAtEnd {
            guard let n = try? r.int(), n <= all.count - r.at else { throw damaged() }
            try body(UnsafeBufferPointer(rebasing: all[r.at..<r.at + n]))
            r.at += n
        }
    }

    /// The records of one partition in order, read through a block buffer.
    struct Cursor {
        private let file: UnsafeMutablePointer<FILE>?
        private var buffer: [UInt8]
        private var at = 0
        private let owner: Partitions

        fileprivate init(file: UnsafeMutablePointer<FILE>?, bytes: [UInt8], owner: Partitions) {
            self.file = file
            self.buffer = bytes
            self.owner = owner
        }

        /// The next record, or nil at the end.
        mutating func next() throws -> [UInt8]? {
            while true {
                if let (length, header) = frame(), at + header + length <= buffer.count {
                    let start = at + header
                    at = start + length
                    return Array(buffer[start..<at])
                }
                guard let file else {
                    if at < buffer.count { throw Partitions.damaged() }
                    return nil
                }
                // Keep the unread tail and read another block after it.
                buffer.removeSubrange(0..<at)
                at = 0
                let have = buffer.count
                let want = max(1 << 16, frame().map { $0.header + $0.length } ?? 0)
                buffer.append(contentsOf: repeatElement(0, count: want))
                let n = buffer.withUnsafeMutableBytes { fread($0.baseAddress! + have, 1, want, file) }
                buffer.removeSubrange((have + n)...)
                if n == 0 {
                    if ferror(file) != 0 { throw owner.readError() }
                    if !buffer.isEmpty { throw Partitions.damaged() }
                    return nil
                }
            }
        }

        /// The length of the record at `at` and the size of its length prefix, if the prefix is
        /// all there.
        private func frame() -> (length: Int, header: Int)? {
            buffer.withUnsafeBufferPointer { all in
                var r = ByteReader(UnsafeBufferPointer(rebasing: all[at...]))
                guard let length = try? r.int() else { return nil }
                return (length, r.at)
            }
        }
    }
}

/// A private temporary folder for spill files, removed with everything in it.
struct SpillFolder {
    let path: String

    init(in parent: String?) throws {
        let base = parent ?? FileManager.default.temporaryDirectory.path
        var template = Array("\(base)/oblige-spill-XXXXXX".utf8CString)
        let made = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
        guard made != nil else {
            throw ObligeError(.io, "cannot create a spill folder in '\(base)': \(String(cString: strerror(errno)))", fix: "give a writable folder with free space (--spill-dir)")
        }
        path = template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
    }

    func remove() { try? FileManager.default.removeItem(atPath: path) }
}
