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
    /// One partition: its unwritten bytes, in memory of its own, and its file.
    ///
    /// Plain memory rather than an array in an object: every event read appends to two
    /// partitions, and an array's reference counting and uniqueness checks are atomic operations,
    /// which wait for the copy into a buffer not touched since its last flush to reach the cache.
    /// (At 10 M events, with 168 buffers per thread, that wait was a tenth of the first pass.)
    private struct Slot {
        var bytes: UnsafeMutablePointer<UInt8>?
        var count = 0
        var capacity = 0
        var file: UnsafeMutablePointer<FILE>?
    }

    let count: Int
    private let folder: String?
    private let slots: UnsafeMutablePointer<Slot>
    private let flushAt: Int

    /// `folder` is a `SpillFolder`'s path; nil keeps every partition in memory.
    init(count: Int, folder: String?, name: String, flushAt: Int = 1 << 16) throws {
        precondition(count >= 1)
        self.count = count
        self.folder = folder
        self.flushAt = flushAt
        slots = .allocate(capacity: count)
        slots.initialize(repeating: Slot(), count: count)
        if let folder {
            for p in 0..<count {
                let path = "\(folder)/\(name)-\(p)"
                guard let f = fopen(path, "w+b") else {
                    throw ObligeError(.io, "cannot create the spill file '\(path)': \(String(cString: strerror(errno)))", fix: "give a writable folder with free space (--spill-dir)")
                }
                slots[p].file = f
            }
        }
    }

    deinit {
        for p in 0..<count {
            free(slots[p].bytes)
            if let f = slots[p].file { fclose(f) }
        }
        slots.deinitialize(count: count)
        slots.deallocate()
    }

    /// Appends one record (framed by its length) to partition `p`.
    func append(_ p: Int, _ record: [UInt8]) throws {
        try record.withUnsafeBufferPointer { try append(p, $0) }
    }

    /// Appends one record (framed by its length) to partition `p`.
    func append(_ p: Int, _ record: UnsafeBufferPointer<UInt8>) throws {
        var w = try reserve(p, bound: record.count)
        w.copy(record)
        try commit(p, w)
    }

    /// Room at the end of partition `p` for one record of at most `bound` bytes, written through
    /// the writer given back and ended by `commit(p, writer)`, with nothing appended to `p` in
    /// between. The record is made where it stays, not made elsewhere and copied: every event
    /// read is written this way twice (its case record and its id record).
    func reserve(_ p: Int, bound: Int) throws -> RawWriter {
        precondition(p >= 0 && p < count)
        let slot = slots + p
        let frame = Self.frame(bound)
        let need = frame + bound
        if slot.pointee.capacity - slot.pointee.count < need { try makeRoom(slot, need) }
        guard let bytes = slot.pointee.bytes else { preconditionFailure("a slot with room has a buffer") }
        return RawWriter(UnsafeMutableBufferPointer(start: bytes + slot.pointee.count + frame, count: bound))
    }

    /// The bytes a record's length takes in front of it: a varint, padded to two bytes at least
    /// (`RawWriter.varint(_:width:)`). The length is not known until the record is written, in
    /// room reserved for it after its frame; with two bytes, only a record of 16 KB or more whose
    /// bound was larger than its length is ever moved to meet its frame. (Moving each record to
    /// meet a one-byte length cost 5 % of a large audit: the copy read back bytes just written
    /// one at a time.) The frame depends on the length alone, however the room was reserved.
    static func frame(_ length: Int) -> Int { max(2, RawWriter.width(UInt64(length))) }

    /// Ends the record `reserve(p, bound:)` gave room for: its length goes in front of it.
    func commit(_ p: Int, _ record: RawWriter) throws {
        let slot = slots + p
        guard let bytes = slot.pointee.bytes, let body = record.room.baseAddress else { preconditionFailure("a reserved slot has a buffer") }
        let start = bytes + slot.pointee.count
        let reserved = body - start
        let frame = Self.frame(record.at)
        var length = RawWriter(UnsafeMutableBufferPointer(start: start, count: frame))
        length.varint(UInt64(record.at), width: frame)
        if frame < reserved { UnsafeMutableRawPointer(start + frame).copyMemory(from: body, byteCount: record.at) }
        slot.pointee.count += frame + record.at
        if slot.pointee.file != nil, slot.pointee.count >= flushAt { try flush(slot) }
    }

    /// Room for `need` more bytes in a slot: its buffer written out first when it has a file,
    /// then grown if that is not enough (a partition in memory grows with what it holds).
    private func makeRoom(_ slot: UnsafeMutablePointer<Slot>, _ need: Int) throws {
        if slot.pointee.file != nil { try flush(slot) }
        let wanted = slot.pointee.count + need
        guard wanted > slot.pointee.capacity else { return }
        let capacity = max(wanted, 2 * slot.pointee.capacity, slot.pointee.file != nil ? flushAt + 4096 : 4096)
        guard let grown = realloc(slot.pointee.bytes, capacity) else {
            throw ObligeError(.io, "out of memory for a partition of \(capacity) bytes", fix: "give a spill folder (--spill-dir) or a smaller partition size")
        }
        slot.pointee.bytes = grown.assumingMemoryBound(to: UInt8.self)
        slot.pointee.capacity = capacity
    }

    private func flush(_ slot: UnsafeMutablePointer<Slot>) throws {
        guard let f = slot.pointee.file, let bytes = slot.pointee.bytes, slot.pointee.count > 0 else { return }
        let n = fwrite(bytes, 1, slot.pointee.count, f)
        guard n == slot.pointee.count else {
            throw ObligeError(.io, "cannot write to the spill folder '\(folder ?? "")': \(String(cString: strerror(errno)))", fix: "free disk space, or give another folder (--spill-dir)")
        }
        slot.pointee.count = 0
    }

    /// The bytes of partition `p` not yet in its file (all of them without a folder).
    private func pending(_ p: Int) -> [UInt8] {
        guard let bytes = slots[p].bytes else { return [] }
        return Array(UnsafeBufferPointer(start: bytes, count: slots[p].count))
    }

    /// Frees the memory of partition `p`'s buffer.
    private func dropBuffer(_ p: Int) {
        free(slots[p].bytes)
        slots[p].bytes = nil
        slots[p].count = 0
        slots[p].capacity = 0
    }

    /// Ends writing partition `p` (all of them when nil): its buffer goes to its file.
    func finishWriting(_ p: Int? = nil) throws {
        for q in p.map({ [$0] }) ?? Array(0..<count) where slots[q].file != nil {
            try flush(slots + q)
            dropBuffer(q)
        }
    }

    /// Partition `p` whole, after `finishWriting`.
    func contents(_ p: Int) throws -> [UInt8] {
        guard let f = slots[p].file else { return pending(p) }
        let size = try wholeSize(f)
        var bytes = [UInt8](repeating: 0, count: size)
        guard bytes.withUnsafeMutableBytes({ fread($0.baseAddress, 1, size, f) }) == size else { throw readError() }
        return bytes
    }

    /// Partition `p` whole, after `finishWriting`, in memory whose address stays put for as long
    /// as the block lives: for records read in place and kept (`RecordEvent`).
    func block(_ p: Int) throws -> ByteBlock {
        guard let f = slots[p].file else { return ByteBlock(copying: UnsafeBufferPointer(start: slots[p].bytes, count: slots[p].count)) }
        let size = try wholeSize(f)
        let block = ByteBlock(count: size)
        guard fread(block.start, 1, size, f) == size else { throw readError() }
        return block
    }

    /// The size of a partition's file, which is left at its start to be read whole.
    private func wholeSize(_ f: UnsafeMutablePointer<FILE>) throws -> Int {
        guard fseeko(f, 0, SEEK_END) == 0 else { throw readError() }
        let size = Int(ftello(f))
        guard fseeko(f, 0, SEEK_SET) == 0 else { throw readError() }
        return size
    }

    /// Reads partition `p` record by record, a block at a time, after `finishWriting`.
    func cursor(_ p: Int) throws -> Cursor {
        let file = slots[p].file
        if let file, fseeko(file, 0, SEEK_SET) != 0 { throw readError() }
        return Cursor(file: file, bytes: file == nil ? UnsafeBufferPointer(start: slots[p].bytes, count: slots[p].count) : nil, owner: self)
    }

    /// Frees partition `p` once read (memory, or the file's disk space).
    func release(_ p: Int) {
        dropBuffer(p)
        if let f = slots[p].file { _ = ftruncate(fileno(f), 0) }
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

    /// The records of one partition in order, read through a block buffer, each handed over in
    /// place: no array made per record.
    final class Cursor {
        private let file: UnsafeMutablePointer<FILE>?
        private let owner: Partitions
        /// Read from the file (or copied from memory), not yet handed over from `at` to `end`.
        private var buffer: UnsafeMutablePointer<UInt8>
        private var capacity: Int
        private var at = 0
        private var end = 0

        fileprivate init(file: UnsafeMutablePointer<FILE>?, bytes: UnsafeBufferPointer<UInt8>?, owner: Partitions) {
            self.file = file
            self.owner = owner
            capacity = max(1 << 16, bytes?.count ?? 0)
            buffer = .allocate(capacity: capacity)
            if let bytes, let from = bytes.baseAddress {
                buffer.update(from: from, count: bytes.count)
                end = bytes.count
            }
        }

        deinit { buffer.deallocate() }

        /// The next record, or nil at the end. Its bytes are good until the next call.
        func next() throws -> UnsafeBufferPointer<UInt8>? {
            while true {
                let frame = self.frame()
                if let (length, header) = frame, at + header + length <= end {
                    let start = at + header
                    at = start + length
                    return UnsafeBufferPointer(start: buffer + start, count: length)
                }
                guard let file else {
                    if at < end { throw Partitions.damaged() }
                    return nil
                }
                // Keep the unread tail and read another block after it.
                let tail = end - at
                let want = max(1 << 16, frame.map { $0.header + $0.length } ?? 0)
                if tail + want > capacity {
                    let grown = UnsafeMutablePointer<UInt8>.allocate(capacity: tail + want)
                    grown.update(from: buffer + at, count: tail)
                    buffer.deallocate()
                    buffer = grown
                    capacity = tail + want
                } else if tail > 0 {
                    UnsafeMutableRawPointer(buffer).copyMemory(from: buffer + at, byteCount: tail)
                }
                at = 0
                end = tail
                let n = fread(buffer + end, 1, capacity - end, file)
                end += n
                if n == 0 {
                    if ferror(file) != 0 { throw owner.readError() }
                    if tail > 0 { throw Partitions.damaged() }
                    return nil
                }
            }
        }

        /// The length of the record at `at` and the size of its length prefix, if the prefix is
        /// all there.
        private func frame() -> (length: Int, header: Int)? {
            var r = ByteReader(UnsafeBufferPointer(start: buffer + at, count: end - at))
            guard let length = try? r.int() else { return nil }
            return (length, r.at)
        }
    }
}

/// Bytes in memory of their own, freed with the block: their address never moves, so views into
/// them stay valid while the block lives.
final class ByteBlock {
    fileprivate let start: UnsafeMutablePointer<UInt8>
    let count: Int

    fileprivate init(count: Int) {
        self.count = count
        // One byte at least, so that the address is never null.
        start = .allocate(capacity: max(1, count))
    }

    fileprivate convenience init(copying bytes: UnsafeBufferPointer<UInt8>) {
        self.init(count: bytes.count)
        if let from = bytes.baseAddress { start.update(from: from, count: bytes.count) }
    }

    deinit { start.deallocate() }

    var bytes: UnsafeBufferPointer<UInt8> { UnsafeBufferPointer(start: start, count: count) }
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
