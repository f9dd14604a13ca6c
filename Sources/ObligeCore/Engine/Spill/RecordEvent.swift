/// One event of a case as its spill record holds it, read in place: what a verdict reads (instant,
/// id, type, attributes), with no `Event` made, no text copied and nothing counted by reference.
///
/// Texts are compared by their bytes, which agrees with `String` equality (canonical
/// equivalence) only for ASCII: `ByteReader.recordEvent` gives nil for a record with any other
/// text, and the case is then made of `Event`s.
struct RecordEvent {
    var at: Instant
    var id: UnsafeBufferPointer<UInt8>
    var type: UnsafeBufferPointer<UInt8>
    /// Its type's number in the partition's numbering of types, by which the rules it triggers are found.
    var typeNumber: Int32
    /// The attributes as `ByteWriter.event` wrote them: their count, then each name, tag and values.
    var attributes: UnsafeBufferPointer<UInt8>

    /// The attribute's single value as text, as `Event[attribute:]` gives it.
    func string(_ name: String) -> String? {
        guard let found = find(name), found.tag == 0 else { return nil }
        var r = found.values
        return (try? r.utf8()).map { String(decoding: $0, as: UTF8.self) }
    }

    /// Attribute `name`'s tag (`ByteReader.valueCount`) and a reader at its first value; nil when
    /// the event has none. The record was walked whole when it was read: these reads cannot fail.
    private func find(_ name: String) -> (tag: Int, values: ByteReader)? {
        var name = name
        return name.withUTF8 { find($0) }
    }

    /// `find` by the name's UTF-8.
    func find(_ name: UnsafeBufferPointer<UInt8>) -> (tag: Int, values: ByteReader)? {
        var r = ByteReader(attributes)
        guard let count = try? r.int() else { return nil }
        for _ in 0..<count {
            guard let n = try? r.utf8(), let tag = try? r.int() else { return nil }
            if FlatEvent.equal(n, name) { return (tag, r) }
            for _ in 0..<ByteReader.valueCount(tag: tag) { guard (try? r.utf8()) != nil else { return nil } }
        }
        return nil
    }
}

extension ByteReader {
    /// How many values follow an attribute's tag in a record: one for 0 (a single value), n for
    /// n + 1 (a list of n).
    static func valueCount(tag: Int) -> Int { tag == 0 ? 1 : tag - 1 }

    /// The event `ByteWriter.event` wrote, read in place; nil when one of its texts is not ASCII.
    /// Every attribute is walked once, so that a damaged record is found here.
    mutating func recordEvent(typeNumber: Int32) throws(Damaged) -> RecordEvent? {
        _ = try varint()
        let id = try utf8()
        _ = try utf8()
        let type = try utf8()
        let at = Instant(nanoseconds: try signed())
        _ = try signed()
        _ = try int()
        _ = try int()
        let attributes = UnsafeBufferPointer(rebasing: base[self.at...])
        let count = try int()
        for _ in 0..<count {
            _ = try utf8()
            for _ in 0..<Self.valueCount(tag: try int()) { _ = try utf8() }
        }
        guard self.at == base.count else { throw Damaged() }
        // Lengths and tags below 128 are ASCII bytes too: a record with longer texts is
        // simply made into an `Event`.
        guard id.isASCII, type.isASCII, attributes.isASCII else { return nil }
        return RecordEvent(at: at, id: id, type: type, typeNumber: typeNumber, attributes: attributes)
    }
}
