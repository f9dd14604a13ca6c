import Foundation

/// One JSON line read as byte ranges of the line, for the plain lines nearly every log is made
/// of: no `String`, no `Event`, no array made per line (the two arrays are kept from line to
/// line and only refilled).
///
/// It reads only what it is sure of: one flat object of ASCII text without escapes, whose keys
/// are distinct, whose `id`, `case` and `type` are non-empty strings and whose `at` is a string
/// that reads as an RFC 3339 instant, and whose other values are strings, numbers, booleans,
/// null or lists of strings. It declines any other line whole (escapes, non-ASCII bytes, a BOM,
/// a number for an id, a nested object, a key given twice, anything `JSONLineScanner` would
/// reject): the scanner then reads the line as before, so every reject keeps its reason. A line
/// it reads describes exactly the event the scanner would build from it.
///
/// Values keep their text as written, as events keep it canonically: a number's literal, and
/// `true` or `false`, are their own bytes.
struct FlatEvent {
    /// One attribute with a value (a null or an empty string makes none).
    struct Attribute {
        var name: Range<Int>
        /// A single value's bytes, or for a list the range of its items in `items`.
        var value: Range<Int>
        var isList: Bool
    }

    /// The line read last; the ranges point into it, so they are good while its bytes are.
    private(set) var line = UnsafeBufferPointer<UInt8>(start: nil, count: 0)
    private(set) var id = 0..<0
    private(set) var caseID = 0..<0
    private(set) var type = 0..<0
    private(set) var at = Instant(nanoseconds: 0)
    private(set) var offsetSeconds = 0
    /// In name order, by bytes, which for ASCII names is the order `Attributes` keeps.
    private(set) var attributes: [Attribute] = []
    /// The items of every list, each list's together.
    private(set) var items: [Range<Int>] = []
    /// How many values read were absent (null or empty), to drop once the names are checked.
    private var absent = 0

    init() {}

    /// The bytes of a range of the line.
    @inline(__always)
    func bytes(_ r: Range<Int>) -> UnsafeBufferPointer<UInt8> { UnsafeBufferPointer(rebasing: line[r]) }

    /// Reads `line`; false when the line is not one this form is sure of (nothing else is told).
    mutating func read(_ line: UnsafeBufferPointer<UInt8>) -> Bool {
        self.line = line
        attributes.removeAll(keepingCapacity: true)
        items.removeAll(keepingCapacity: true)
        absent = 0
        var s = Cursor(line)
        var seen: UInt8 = 0
        guard s.skipSpace(), s.next == 123 else { return false }
        s.i += 1
        while true {
            guard s.skipSpace(), s.next == 34, let key = s.string(), s.skipSpace(), s.next == 58 else { return false }
            s.i += 1
            guard s.skipSpace() else { return false }
            if let reserved = EventBuilder.Reserved(bytes(key)) {
                guard seen & reserved.rawValue == 0, s.next == 34, let value = s.string(), !value.isEmpty else { return false }
                seen |= reserved.rawValue
                switch reserved {
                case .id: id = value
                case .caseID: caseID = value
                case .type: type = value
                case .at:
                    guard let parsed = try? Instant.parseRFC3339WithOffset(bytes(value)) else { return false }
                    (at, offsetSeconds) = parsed
                }
            } else {
                switch s.next {
                case 34:
                    guard let value = s.string() else { return false }
                    if value.isEmpty { absent += 1 }
                    attributes.append(Attribute(name: key, value: value, isList: false))
                case 116:
                    guard let value = s.literal("true") else { return false }
                    attributes.append(Attribute(name: key, value: value, isList: false))
                case 102:
                    guard let value = s.literal("false") else { return false }
                    attributes.append(Attribute(name: key, value: value, isList: false))
                case 110:
                    // Absent, but the key still counts for duplicates: kept as an empty value.
                    guard let value = s.literal("null") else { return false }
                    absent += 1
                    attributes.append(Attribute(name: key, value: value.lowerBound..<value.lowerBound, isList: false))
                case 45, 48...57:
                    guard let value = s.number() else { return false }
                    attributes.append(Attribute(name: key, value: value, isList: false))
                case 91:
                    s.i += 1
                    let first = items.count
                    guard s.skipSpace() else { return false }
                    if s.next == 93 {
                        s.i += 1
                    } else {
                        while true {
                            guard s.skipSpace(), s.next == 34, let item = s.string(), s.skipSpace() else { return false }
                            items.append(item)
                            if s.next == 44 {
                                s.i += 1
                                continue
                            }
                            guard s.next == 93 else { return false }
                            s.i += 1
                            break
                        }
                    }
                    attributes.append(Attribute(name: key, value: first..<items.count, isList: true))
                default: return false
                }
            }
            guard s.skipSpace() else { return false }
            if s.next == 44 {
                s.i += 1
                continue
            }
            guard s.next == 125 else { return false }
            s.i += 1
            break
        }
        guard !s.skipSpace(), seen == 15 else { return false }
        return sortAttributes()
    }

    /// Where `read` is in the line. A value of its own, not variables captured by nested
    /// functions, which would be kept on the heap and checked for exclusive access at each use.
    private struct Cursor {
        let b: UnsafeBufferPointer<UInt8>
        var i = 0

        init(_ b: UnsafeBufferPointer<UInt8>) { self.b = b }

        /// The byte at `i`; only after `skipSpace` said there is one.
        var next: UInt8 { b[i] }

        /// Skips white space; false at the end of the line.
        @inline(__always)
        mutating func skipSpace() -> Bool {
            while i < b.count {
                let c = b[i]
                guard c == 32 || c == 9 || c == 13 || c == 10 else { return true }
                i += 1
            }
            return false
        }

        /// A string from its opening quote to past its closing one: ASCII without control
        /// characters, and without escapes (no backslash).
        @inline(__always)
        mutating func string() -> Range<Int>? {
            let n = b.count
            i += 1
            let start = i
            // Eight bytes at a time while they are plain; the first that is not decides.
            if let base = b.baseAddress {
                while i + 8 <= n {
                    let special = FlatEvent.special(UInt64(littleEndian: UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self)))
                    if special == 0 {
                        i += 8
                        continue
                    }
                    i += special.trailingZeroBitCount >> 3
                    guard b[i] == 34 else { return nil }
                    i += 1
                    return start..<(i - 1)
                }
            }
            while i < n {
                let c = b[i]
                if c == 34 {
                    i += 1
                    return start..<(i - 1)
                }
                // Below 0x20 (a control character) or above 0x7f (not ASCII), or a backslash.
                if c &- 0x20 >= 0x60 || c == 92 { return nil }
                i += 1
            }
            return nil
        }

        @inline(__always)
        private mutating func digits() -> Bool {
            guard i < b.count, b[i] >= 48, b[i] <= 57 else { return false }
            while i < b.count, b[i] >= 48, b[i] <= 57 { i += 1 }
            return true
        }

        /// A number as JSON writes it (the scanner's own grammar), kept as its text.
        mutating func number() -> Range<Int>? {
            let start = i
            if b[i] == 45 { i += 1 }
            guard i < b.count, b[i] >= 48, b[i] <= 57 else { return nil }
            if b[i] == 48 { i += 1 } else { _ = digits() }
            if i < b.count, b[i] == 46 {
                i += 1
                guard digits() else { return nil }
            }
            if i < b.count, b[i] == 101 || b[i] == 69 {
                i += 1
                if i < b.count, b[i] == 43 || b[i] == 45 { i += 1 }
                guard digits() else { return nil }
            }
            return start..<i
        }

        mutating func literal(_ word: StaticString) -> Range<Int>? {
            let count = word.utf8CodeUnitCount
            guard i + count <= b.count else { return nil }
            let p = word.utf8Start
            for k in 0..<count where b[i + k] != p[k] { return nil }
            i += count
            return (i - count)..<i
        }
    }

    /// Puts the attributes in name order and drops the absent ones; false when a name is given
    /// twice (the scanner rejects that line).
    private mutating func sortAttributes() -> Bool {
        let count = attributes.count
        guard count > 0 else { return true }
        // Insertion sort: a line holds a handful of attributes, most logs write them in order.
        for k in 1..<count {
            let moving = attributes[k]
            let name = bytes(moving.name)
            var j = k
            while j > 0 {
                let order = Self.compare(bytes(attributes[j - 1].name), name)
                if order == 0 { return false }
                if order < 0 { break }
                attributes[j] = attributes[j - 1]
                j -= 1
            }
            attributes[j] = moving
        }
        // Absent values: a null, or an empty string (a list is never absent).
        if absent > 0 { attributes.removeAll { !$0.isList && $0.value.isEmpty } }
        return true
    }

    /// The high bit of each of the eight bytes of `x` (the first in the lowest) that ends a
    /// plain string or spoils it: a quote, a backslash, a control character (below 0x20) or a
    /// byte that is not ASCII. Above the first such byte the bits may be wrong, so only the
    /// lowest is to be read; zero when all eight are plain.
    @inline(__always)
    static func special(_ x: UInt64) -> UInt64 {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let quote = x ^ (ones &* 0x22)
        let backslash = x ^ (ones &* 0x5c)
        // (y - 1) & ~y has the high bit of each zero byte of y, and of none below the first;
        // (x - 0x20) & ~x that of each byte below 0x20; x itself that of each byte above 0x7f.
        return ((quote &- ones) & ~quote | (backslash &- ones) & ~backslash | (x &- ones &* 0x20) & ~x | x) & (ones &* 0x80)
    }

    /// Byte order: negative, zero or positive as `a` sorts before, with or after `b`. For ASCII
    /// this is the order of `String`.
    static func compare(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>) -> Int {
        let common = min(a.count, b.count)
        if common > 0, let pa = a.baseAddress, let pb = b.baseAddress {
            let order = memcmp(pa, pb, common)
            if order != 0 { return Int(order) }
        }
        return a.count - b.count
    }

    static func equal(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>) -> Bool {
        a.count == b.count && compare(a, b) == 0
    }
}
