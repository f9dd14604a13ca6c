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

    /// Nil when the event has no attribute `name`; else whether any of its values is one of
    /// `among` (as `Condition.holds` asks it).
    func attribute(_ name: String, anyAmong among: [String]) -> Bool? {
        // The record was walked whole when it was read: these reads cannot fail.
        var r = ByteReader(attributes)
        guard let count = try? r.int() else { return nil }
        for _ in 0..<count {
            guard let n = try? r.utf8(), let tag = try? r.int() else { return nil }
            let named = name.hasUTF8(n)
            var any = false
            for _ in 0..<max(1, tag - 1) where tag != 1 {
                guard let value = try? r.utf8() else { return nil }
                if named, !any { any = among.contains { $0.hasUTF8(value) } }
            }
            if named { return any }
        }
        return nil
    }

    /// The attribute's single value as text, as `Event[attribute:]` gives it.
    func string(_ name: String) -> String? {
        var r = ByteReader(attributes)
        guard let count = try? r.int() else { return nil }
        for _ in 0..<count {
            guard let n = try? r.utf8(), let tag = try? r.int() else { return nil }
            let named = name.hasUTF8(n)
            if tag == 0 {
                guard let value = try? r.utf8() else { return nil }
                if named { return String(decoding: value, as: UTF8.self) }
            } else {
                for _ in 0..<(tag - 1) { guard (try? r.utf8()) != nil else { return nil } }
                if named { return nil }
            }
        }
        return nil
    }

    func matches(_ m: EventMatcher) -> Bool { m.type.hasUTF8(type) && conditionsHold(m) }

    func conditionsHold(_ m: EventMatcher) -> Bool {
        m.conditions.allSatisfy { c in c.holds { among in attribute(c.attribute, anyAmong: among) } }
    }
}

extension ByteReader {
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
            let tag = try int()
            for _ in 0..<max(1, tag - 1) where tag != 1 { _ = try utf8() }
        }
        guard self.at == base.count else { throw Damaged() }
        // Lengths and tags below 128 are ASCII bytes too: a record with longer texts is
        // simply made into an `Event`.
        guard id.isASCII, type.isASCII, attributes.isASCII else { return nil }
        return RecordEvent(at: at, id: id, type: type, typeNumber: typeNumber, attributes: attributes)
    }
}
