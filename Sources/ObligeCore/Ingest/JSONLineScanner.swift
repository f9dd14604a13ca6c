/// A strict JSON scanner for one line holding one flat object, straight over bytes, that builds
/// the event as it goes.
///
/// Incident-log events are flat (strings, numbers, booleans, null, lists of strings), so a
/// purpose-built scanner beats `JSONDecoder` on speed and gives better errors: the column of
/// the first byte that is wrong and what was expected there. Each field goes to an
/// `EventBuilder.Draft` as soon as it is read, with no list of fields in between; a `String` is
/// made only for what the event keeps (`at` is read from its bytes), once per value.
///
/// One scanner reads the lines of one log in turn: it keeps a scratch buffer for strings with
/// escapes and the size of the last event's attributes.
struct JSONLineScanner {
    struct Failure: Error {
        var column: Int
        var reason: String
    }

    /// A scanned string: its decoded bytes are `b[start..<end]`, or the scratch buffer when it
    /// held escapes. Valid until the next string is scanned.
    private struct Text {
        var start: Int
        var end: Int
        var escaped: Bool

        var isEmpty: Bool { start == end }
    }

    /// A scanned value. Lists hold their items as text when the caller asked for them.
    private enum Value {
        case string(Text)
        case number(Range<Int>)
        case bool(Bool)
        case null
        case list(items: [String], onlyStrings: Bool)
        case object
    }

    private var b = UnsafeBufferPointer<UInt8>(start: nil, count: 0)
    private var i = 0
    private var scratch: [UInt8] = []
    private var attributeHint = 0
    /// Types, attribute names and values: one String each for the texts a log repeats. Case
    /// ids and event ids are left out: a large log has millions of them.
    private var interner = StringInterner(limit: 4096)

    init() {}

    /// Reads one line into an event. Throws `Failure` when the line is not one well-formed flat
    /// JSON object (checked first: it wins over anything wrong with the fields), otherwise
    /// `EventBuilder.Failure` for the first field that cannot be part of an event.
    mutating func event(_ line: UnsafeBufferPointer<UInt8>, origin: SourceLocation) throws -> Event {
        b = line
        i = 0
        defer { b = UnsafeBufferPointer(start: nil, count: 0) }
        var draft = EventBuilder.Draft(capacityHint: attributeHint)
        try object(&draft)
        let event = try draft.finish(origin: origin)
        attributeHint = event.attributes.count
        return event
    }

    private func fail(_ reason: String) -> Failure { Failure(column: i + 1, reason: reason) }

    private mutating func skipSpace() {
        while i < b.count, b[i] == 32 || b[i] == 9 || b[i] == 13 || b[i] == 10 { i += 1 }
    }

    private mutating func object(_ draft: inout EventBuilder.Draft) throws(Failure) {
        skipSpace()
        if i < b.count, b[i] == 0xEF, i + 2 < b.count, b[i + 1] == 0xBB, b[i + 2] == 0xBF { i += 3 }  // BOM
        guard i < b.count, b[i] == 123 else { throw fail("expected '{' at the start of the event") }
        i += 1
        skipSpace()
        if i < b.count, b[i] == 125 {
            i += 1
        } else {
            while true {
                skipSpace()
                guard i < b.count, b[i] == 34 else { throw fail("expected a quoted key") }
                let key = try string()
                skipSpace()
                guard i < b.count, b[i] == 58 else { throw fail("expected ':' after the key \"\(text(key))\"") }
                i += 1
                try field(key, &draft)
                skipSpace()
                guard i < b.count else { throw fail("the object is not closed: expected ',' or '}'") }
                if b[i] == 44 { i += 1; continue }
                if b[i] == 125 { i += 1; break }
                throw fail("expected ',' or '}'")
            }
        }
        skipSpace()
        guard i == b.count else { throw fail("unexpected text after the event object (one event per line)") }
    }

    /// Reads the value of `key` and hands it to the draft; after the draft's first failure the
    /// rest of the line is only checked.
    private mutating func field(_ key: Text, _ draft: inout EventBuilder.Draft) throws(Failure) {
        guard draft.failure == nil else {
            _ = try value(depth: 0, collect: false)
            return
        }
        if let reserved = withBytes(key, { EventBuilder.Reserved($0) }) {
            let v = try value(depth: 0, collect: false)
            guard draft.reserved(reserved) else { return }
            switch (reserved, v) {
            case (.id, .string(let s)), (.caseID, .string(let s)): draft.identifier(reserved, s.isEmpty ? nil : text(s))
            case (.id, .number(let r)), (.caseID, .number(let r)): draft.identifier(reserved, ascii(r))
            case (.id, _), (.caseID, _): draft.identifier(reserved, nil)
            case (.type, .string(let s)): draft.type(s.isEmpty ? nil : shared(s))
            case (.type, _): draft.type(nil)
            case (.at, .string(let s)): withBytes(s) { draft.at($0) }
            case (.at, _): draft.at(nil)
            }
            return
        }
        let name = shared(key)
        switch try value(depth: 0, collect: true) {
        case .string(let s): draft.attribute(name, s.isEmpty ? nil : .string(shared(s)))
        case .number(let r): draft.attribute(name, .string(ascii(r)))
        case .bool(let v): draft.attribute(name, .string(v ? "true" : "false"))
        case .null: draft.attribute(name, nil)
        case .list(let items, true): draft.attribute(name, .list(items))
        case .list: draft.attribute(name, unusable: .listItem)
        case .object: draft.attribute(name, unusable: .object)
        }
    }

    /// Scans one value; with `collect`, a list's string items become `String`s.
    private mutating func value(depth: Int, collect: Bool) throws(Failure) -> Value {
        skipSpace()
        guard i < b.count else { throw fail("expected a value") }
        switch b[i] {
        case 34: return .string(try string())
        case 116: try literal("true"); return .bool(true)
        case 102: try literal("false"); return .bool(false)
        case 110: try literal("null"); return .null
        case 91:
            guard depth == 0 else { throw fail("nested lists are not attributes") }
            i += 1
            var items: [String] = []
            var onlyStrings = true
            skipSpace()
            if i < b.count, b[i] == 93 { i += 1; return .list(items: items, onlyStrings: true) }
            while true {
                switch try value(depth: depth + 1, collect: false) {
                case .string(let s): if collect, onlyStrings { items.append(shared(s)) }
                default: onlyStrings = false
                }
                skipSpace()
                guard i < b.count else { throw fail("the list is not closed") }
                if b[i] == 44 { i += 1; continue }
                if b[i] == 93 { i += 1; return .list(items: items, onlyStrings: onlyStrings) }
                throw fail("expected ',' or ']' in the list")
            }
        case 123:
            // Skip a balanced object so the error can name the attribute.
            var level = 0
            var inString = false
            while i < b.count {
                let c = b[i]
                if inString {
                    if c == 92 { i += 1 } else if c == 34 { inString = false }
                } else if c == 34 {
                    inString = true
                } else if c == 123 {
                    level += 1
                } else if c == 125 {
                    level -= 1
                    if level == 0 { i += 1; return .object }
                }
                i += 1
            }
            throw fail("the nested object is not closed")
        case 45, 48...57: return .number(try number())
        default: throw fail("expected a value (string, number, true, false, null or a list)")
        }
    }

    private mutating func literal(_ word: StaticString) throws(Failure) {
        let n = word.utf8CodeUnitCount
        guard i + n <= b.count else { throw fail("expected \(word)") }
        let p = word.utf8Start
        for k in 0..<n where b[i + k] != p[k] { throw fail("expected \(word)") }
        i += n
    }

    private mutating func number() throws(Failure) -> Range<Int> {
        let start = i
        if b[i] == 45 { i += 1 }
        guard i < b.count, b[i] >= 48, b[i] <= 57 else { throw fail("bad number") }
        if b[i] == 48 { i += 1 } else { while i < b.count, b[i] >= 48, b[i] <= 57 { i += 1 } }
        if i < b.count, b[i] == 46 {
            i += 1
            guard i < b.count, b[i] >= 48, b[i] <= 57 else { throw fail("bad number: digits must follow '.'") }
            while i < b.count, b[i] >= 48, b[i] <= 57 { i += 1 }
        }
        if i < b.count, b[i] == 101 || b[i] == 69 {
            i += 1
            if i < b.count, b[i] == 43 || b[i] == 45 { i += 1 }
            guard i < b.count, b[i] >= 48, b[i] <= 57 else { throw fail("bad number exponent") }
            while i < b.count, b[i] >= 48, b[i] <= 57 { i += 1 }
        }
        return start..<i
    }

    /// Scans a string from its opening quote, checking its escapes and its UTF-8.
    private mutating func string() throws(Failure) -> Text {
        i += 1  // opening quote
        let start = i
        // Fast path: no escapes. Plain ASCII needs no UTF-8 check.
        var high: UInt8 = 0
        while i < b.count {
            let c = b[i]
            if c == 34 || c == 92 || c < 0x20 { break }
            high |= c
            i += 1
        }
        if i < b.count, b[i] == 34 {
            let slice = UnsafeBufferPointer(rebasing: b[start..<i])
            i += 1
            if high >= 0x80, String(validating: slice, as: UTF8.self) == nil {
                i = start
                throw fail("invalid UTF-8 in a string")
            }
            return Text(start: start, end: i - 1, escaped: false)
        }
        scratch.removeAll(keepingCapacity: true)
        scratch.append(contentsOf: b[start..<i])
        while i < b.count {
            let c = b[i]
            if c == 34 {
                i += 1
                guard String(validating: scratch, as: UTF8.self) != nil else { throw fail("invalid UTF-8 in a string") }
                return Text(start: 0, end: scratch.count, escaped: true)
            }
            if c < 0x20 { throw fail("control character in a string (escape it)") }
            if c == 92 {
                i += 1
                guard i < b.count else { break }
                switch b[i] {
                case 34: scratch.append(34)
                case 92: scratch.append(92)
                case 47: scratch.append(47)
                case 98: scratch.append(8)
                case 102: scratch.append(12)
                case 110: scratch.append(10)
                case 114: scratch.append(13)
                case 116: scratch.append(9)
                case 117:
                    var scalar = try hex4()
                    if (0xD800...0xDBFF).contains(scalar) {
                        guard i + 2 < b.count, b[i + 1] == 92, b[i + 2] == 117 else { throw fail("unpaired surrogate in \\u escape") }
                        i += 2
                        let low = try hex4()
                        guard (0xDC00...0xDFFF).contains(low) else { throw fail("bad low surrogate in \\u escape") }
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    } else if (0xDC00...0xDFFF).contains(scalar) {
                        throw fail("unpaired surrogate in \\u escape")
                    }
                    guard let u = Unicode.Scalar(scalar) else { throw fail("bad \\u escape") }
                    UTF8.encode(u) { scratch.append($0) }
                default: throw fail("unknown escape '\\\(Character(Unicode.Scalar(b[i])))'")
                }
                i += 1
                continue
            }
            scratch.append(c)
            i += 1
        }
        throw fail("unterminated string")
    }

    /// Reads the four hex digits after `\u`; leaves `i` on the last digit.
    private mutating func hex4() throws(Failure) -> UInt32 {
        guard i + 4 < b.count else { throw fail("short \\u escape") }
        var v: UInt32 = 0
        for _ in 0..<4 {
            i += 1
            let c = b[i]
            let d: UInt32
            switch c {
            case 48...57: d = UInt32(c - 48)
            case 97...102: d = UInt32(c - 87)
            case 65...70: d = UInt32(c - 55)
            default: throw fail("bad hex digit in \\u escape")
            }
            v = v << 4 | d
        }
        return v
    }

    private func withBytes<R>(_ t: Text, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        if t.escaped { return scratch.withUnsafeBufferPointer { body(UnsafeBufferPointer(rebasing: $0[t.start..<t.end])) } }
        return body(UnsafeBufferPointer(rebasing: b[t.start..<t.end]))
    }

    /// The string's text; its UTF-8 was checked when it was scanned.
    private func text(_ t: Text) -> String { withBytes(t) { String(decoding: $0, as: UTF8.self) } }

    /// The string's text through the interner (the same String for the same text).
    private mutating func shared(_ t: Text) -> String {
        guard !t.escaped else { return text(t) }
        return interner.string(UnsafeBufferPointer(rebasing: b[t.start..<t.end]))
    }

    /// A number's literal text, kept as written.
    private func ascii(_ r: Range<Int>) -> String { String(decoding: UnsafeBufferPointer(rebasing: b[r]), as: UTF8.self) }
}
