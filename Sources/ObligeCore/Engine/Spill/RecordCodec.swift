/// A compact binary form of accepted events, for the partitions an audit spills to disk: varint
/// lengths and numbers, UTF-8 bytes, no field names. Written and read by one process in one run,
/// so it has no version and no byte-order mark; it never leaves the temporary folder.
struct ByteWriter {
    var bytes: [UInt8] = []

    init(capacity: Int = 0) { bytes.reserveCapacity(capacity) }

    mutating func varint(_ value: UInt64) { Self.varint(value, into: &bytes) }

    /// `count` zero bytes at the end, to be written through a pointer: copied from a block of
    /// zeros (one copy), not appended one element at a time.
    mutating func room(_ count: Int) {
        if count <= Self.zeros.count {
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: Self.zeros[..<count]))
        } else {
            bytes.append(contentsOf: repeatElement(0, count: count))
        }
    }

    /// Never freed, never written after it is made, and no reference count for the threads
    /// that read it to share.
    nonisolated(unsafe) private static let zeros: UnsafeBufferPointer<UInt8> = {
        let block = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: 4096)
        block.initialize(repeating: 0)
        return UnsafeBufferPointer(block)
    }()

    /// LEB128: seven bits a byte, low first, the high bit set on all but the last.
    static func varint(_ value: UInt64, into bytes: inout [UInt8]) {
        var v = value
        while v >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: v) | 0x80)
            v >>= 7
        }
        bytes.append(UInt8(v))
    }

    mutating func signed(_ value: Int64) { varint(Self.zigZag(value)) }

    /// Zig-zag, so small negative numbers (UTC offsets) stay short as varints.
    static func zigZag(_ value: Int64) -> UInt64 { UInt64(bitPattern: (value << 1) ^ (value >> 63)) }

    mutating func string(_ s: String) {
        // The bytes in place (no copy of the string to make mutable); every native string has them.
        let written: Void? = s.utf8.withContiguousStorageIfAvailable { utf8 in
            varint(UInt64(utf8.count))
            bytes.append(contentsOf: utf8)
        }
        if written == nil {
            varint(UInt64(s.utf8.count))
            bytes.append(contentsOf: s.utf8)
        }
    }
}

/// Reads what `ByteWriter` wrote. A record that does not decode means the spill file was damaged
/// on disk, which the audit reports as an I/O error.
struct ByteReader {
    struct Damaged: Error {}

    let base: UnsafeBufferPointer<UInt8>
    var at = 0

    init(_ base: UnsafeBufferPointer<UInt8>) { self.base = base }

    var isAtEnd: Bool { at >= base.count }

    /// Most varints of a record are one byte (lengths, small numbers): read in place.
    @inline(__always)
    mutating func varint() throws(Damaged) -> UInt64 {
        if at < base.count, base[at] < 0x80 {
            defer { at += 1 }
            return UInt64(base[at])
        }
        return try longVarint()
    }

    private mutating func longVarint() throws(Damaged) -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while at < base.count, shift < 64 {
            let b = base[at]
            at += 1
            result |= UInt64(b & 0x7f) << shift
            if b < 0x80 { return result }
            shift += 7
        }
        throw Damaged()
    }

    mutating func signed() throws(Damaged) -> Int64 {
        let z = try varint()
        return Int64(bitPattern: (z >> 1) ^ (0 &- (z & 1)))
    }

    mutating func int() throws(Damaged) -> Int {
        let v = try varint()
        guard v <= UInt64(Int.max) else { throw Damaged() }
        return Int(v)
    }

    /// A string's bytes, as `ByteWriter.string` wrote them (length first), in place.
    mutating func utf8() throws(Damaged) -> UnsafeBufferPointer<UInt8> {
        let n = try int()
        guard n <= base.count - at else { throw Damaged() }
        defer { at += n }
        return UnsafeBufferPointer(rebasing: base[at..<at + n])
    }

    mutating func string() throws(Damaged) -> String { String(decoding: try utf8(), as: UTF8.self) }
}

/// One accepted event on its way through a partition: where it came in the input (`sequence`,
/// which decides which of two records with one id is first) and the event. (Its content hash
/// is in its id record, where duplicates are decided; evaluation never reads it.)
struct SpilledEvent {
    var sequence: UInt64
    var event: Event
}

extension ByteWriter {
    /// What `ByteReader.event(table:)` reads back as a `SpilledEvent`. `file` numbers the
    /// event's origin file among those of its chunk (`FileTable`).
    ///
    /// Written for every event read, so through a pointer into room made once (a varint takes
    /// at most ten bytes), not one checked append per field: the bytes are those `varint` and
    /// `string` would write.
    mutating func event(_ e: Event, sequence: UInt64, file: Int) {
        var bound = 10 * 10 + e.id.utf8.count + e.caseID.utf8.count + e.type.utf8.count
        for (name, value) in e.attributes {
            bound += 20 + name.utf8.count
            switch value {
            case .string(let v): bound += 10 + v.utf8.count
            case .list(let l): for v in l { bound += 10 + v.utf8.count }
            }
        }
        write(bound: bound) { w in
            w.varint(sequence)
            w.string(e.id)
            w.string(e.caseID)
            w.string(e.type)
            w.signed(e.at.nanoseconds)
            w.signed(Int64(e.offsetSeconds))
            w.varint(UInt64(file))
            w.varint(UInt64(e.origin.line ?? 0))
            w.varint(UInt64(e.attributes.count))
            for (name, value) in e.attributes {
                w.string(name)
                switch value {
                case .string(let v):
                    w.varint(0)
                    w.string(v)
                case .list(let l):
                    w.varint(UInt64(l.count) + 1)
                    for v in l { w.string(v) }
                }
            }
        }
    }
}

extension ByteWriter {
    /// A text given as its UTF-8 bytes, as `string` writes it.
    mutating func string(_ utf8: UnsafeBufferPointer<UInt8>) {
        varint(UInt64(utf8.count))
        bytes.append(contentsOf: utf8)
    }

    /// What `event(_:sequence:file:)` writes for the event a `FlatEvent` describes, read
    /// at `line`: the same bytes, taken from the line's (`RawWriter.event`).
    mutating func event(_ f: FlatEvent, sequence: UInt64, file: Int, line: Int) {
        write(bound: RawWriter.eventBound(f)) { $0.event(f, sequence: sequence, file: file, line: line) }
    }

    /// An id partition's record, for an id given as its UTF-8 bytes (`RawWriter.idRecord`).
    mutating func idRecord(_ id: UnsafeBufferPointer<UInt8>, sequence: UInt64, hash: UInt64, file: Int, line: Int) {
        write(bound: RawWriter.idRecordBound(id)) { $0.idRecord(id, sequence: sequence, hash: hash, file: file, line: line) }
    }

    /// Writes through a pointer into room for at most `bound` bytes, then gives back what was
    /// not used.
    private mutating func write(bound: Int, _ body: (inout RawWriter) -> Void) {
        let start = bytes.count
        room(bound)
        let written = bytes.withUnsafeMutableBufferPointer { all -> Int in
            var w = RawWriter(UnsafeMutableBufferPointer(rebasing: all[start...]))
            body(&w)
            return w.at
        }
        bytes.removeLast(bound - written)
    }
}

extension RawWriter {
    /// The most bytes `event(_:sequence:file:line:)` writes for `f`.
    static func eventBound(_ f: FlatEvent) -> Int {
        var bound = 10 * 10 + f.id.count + f.caseID.count + f.type.count + 30 * f.attributes.count + 10 * f.items.count
        for a in f.attributes { bound += a.name.count + (a.isList ? 0 : a.value.count) }
        for item in f.items { bound += item.count }
        return bound
    }

    /// What `ByteWriter.event(_:sequence:file:)` writes for the event a `FlatEvent` describes,
    /// read at `line`: the same bytes, taken from the line's.
    mutating func event(_ f: FlatEvent, sequence: UInt64, file: Int, line: Int) {
        varint(sequence)
        bytes(f.bytes(f.id))
        bytes(f.bytes(f.caseID))
        bytes(f.bytes(f.type))
        signed(f.at.nanoseconds)
        signed(Int64(f.offsetSeconds))
        varint(UInt64(file))
        varint(UInt64(line))
        varint(UInt64(f.attributes.count))
        for a in f.attributes {
            bytes(f.bytes(a.name))
            if a.isList {
                varint(UInt64(a.value.count) + 1)
                for item in a.value { bytes(f.bytes(f.items[item])) }
            } else {
                varint(0)
                bytes(f.bytes(a.value))
            }
        }
    }

    /// The most bytes `idRecord` writes for `id`.
    static func idRecordBound(_ id: UnsafeBufferPointer<UInt8>) -> Int { 5 * 10 + id.count }

    /// An id partition's record: the id, then where its event came in the input, its identity
    /// hash (`Auditor.identityHash`) and where it was read (`IDMatcher`).
    mutating func idRecord(_ id: UnsafeBufferPointer<UInt8>, sequence: UInt64, hash: UInt64, file: Int, line: Int) {
        bytes(id)
        varint(sequence)
        varint(hash)
        varint(UInt64(file))
        varint(UInt64(max(0, line)))
    }
}

/// Writes varints and strings as `ByteWriter` does, into room already made.
struct RawWriter {
    let room: UnsafeMutableBufferPointer<UInt8>
    var at = 0

    init(_ room: UnsafeMutableBufferPointer<UInt8>) { self.room = room }

    mutating func varint(_ value: UInt64) {
        var v = value
        while v >= 0x80 {
            room[at] = UInt8(truncatingIfNeeded: v) | 0x80
            at += 1
            v >>= 7
        }
        room[at] = UInt8(v)
        at += 1
    }

    /// `value` in exactly `width` bytes, at least `width(value)`: the bytes before the last carry
    /// the continuation bit whatever they hold, so that a reader of varints reads the same value.
    mutating func varint(_ value: UInt64, width: Int) {
        var v = value
        for _ in 1..<width {
            room[at] = UInt8(truncatingIfNeeded: v) | 0x80
            at += 1
            v >>= 7
        }
        precondition(v < 0x80, "a varint wider than its room")
        room[at] = UInt8(v)
        at += 1
    }

    /// The bytes `varint(value)` takes.
    static func width(_ value: UInt64) -> Int { max(1, (64 - value.leadingZeroBitCount + 6) / 7) }

    /// As `ByteWriter.signed` writes it.
    mutating func signed(_ value: Int64) { varint(ByteWriter.zigZag(value)) }

    /// A text given as its UTF-8 bytes, as `string` writes it.
    mutating func bytes(_ utf8: UnsafeBufferPointer<UInt8>) {
        varint(UInt64(utf8.count))
        copy(utf8)
    }

    /// Bytes as they are, with no length.
    mutating func copy(_ bytes: UnsafeBufferPointer<UInt8>) {
        if let from = bytes.baseAddress, let to = room.baseAddress { (to + at).update(from: from, count: bytes.count) }
        at += bytes.count
    }

    mutating func string(_ s: String) {
        let count = s.utf8.count
        varint(UInt64(count))
        let copied: Void? = s.utf8.withContiguousStorageIfAvailable { utf8 in
            if let from = utf8.baseAddress, let to = room.baseAddress { (to + at).update(from: from, count: count) }
        }
        if copied == nil {
            for b in s.utf8 {
                room[at] = b
                at += 1
            }
            return
        }
        at += count
    }
}

/// What decides whether and where an event record is evaluated, read without making the event:
/// its place in the input, its case and type (as written), and its instant.
struct EventHead {
    var sequence: UInt64
    var caseID: UnsafeBufferPointer<UInt8>
    var type: UnsafeBufferPointer<UInt8>
    var at: Instant
}

extension ByteReader {
    /// The head of what `ByteWriter.event` wrote; `event(table:interner:)` reads the same record whole.
    mutating func eventHead() throws(Damaged) -> EventHead {
        let sequence = try varint()
        _ = try utf8()
        let caseID = try utf8()
        let type = try utf8()
        return EventHead(sequence: sequence, caseID: caseID, type: type, at: Instant(nanoseconds: try signed()))
    }

    /// A string through `interner`: the same String for the same text.
    mutating func string(_ interner: inout StringInterner) throws(Damaged) -> String { interner.string(try utf8()) }

    /// Event ids are read as they are (each is unique); every other text through `interner`.
    mutating func event(table: FileTable, interner: inout StringInterner) throws(Damaged) -> SpilledEvent {
        let sequence = try varint()
        let id = try string()
        let caseID = try string(&interner)
        let type = try string(&interner)
        let at = Instant(nanoseconds: try signed())
        let offset = Int(try signed())
        let file = try int()
        let line = try int()
        let chunk = Int(sequence >> FileTable.chunkShift)
        guard chunk < table.names.count, file < table.names[chunk].count else { throw Damaged() }
        let count = try int()
        var attributes = Attributes()
        attributes.reserveCapacity(count)
        for _ in 0..<count {
            let name = try string(&interner)
            let tag = try int()
            if tag == 0 {
                attributes[name] = .string(try string(&interner))
            } else {
                var l: [String] = []
                l.reserveCapacity(tag - 1)
                for _ in 0..<(tag - 1) { l.append(try string(&interner)) }
                attributes[name] = .list(l)
            }
        }
        let origin = table.origin(sequence: sequence, file: file, line: line)
        return SpilledEvent(
            sequence: sequence,
            event: Event(id: id, caseID: caseID, type: type, at: at, offsetSeconds: offset, attributes: attributes, origin: origin))
    }
}
