/// A JSON value with ordered keys, written the same way every time.
///
/// Output must be byte-identical for identical inputs, and readable with keys in a sensible
/// order, so Oblige writes its own JSON rather than rely on dictionary order.
public enum JSONValue: Sendable {
    case null
    case bool(Bool)
    case int(Int64)
    case string(String)
    case array([JSONValue])
    case object([(String, JSONValue)])

    public static func optional(_ s: String?) -> JSONValue { s.map(JSONValue.string) ?? .null }
    public static func optional(_ i: Int64?) -> JSONValue { i.map(JSONValue.int) ?? .null }

    /// Compact, one line: for JSON Lines.
    public var text: String { String(decoding: bytes, as: UTF8.self) }

    /// `text` in UTF-8, without making a `String`: for output written as bytes.
    public var bytes: [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(256)
        write(into: &out, indent: nil, level: 0)
        return out
    }

    /// Indented two spaces: for documents people read.
    public var pretty: String {
        var out: [UInt8] = []
        write(into: &out, indent: Array("  ".utf8), level: 0)
        return String(decoding: out, as: UTF8.self)
    }

    func write(into out: inout [UInt8], indent: [UInt8]?, level: Int) {
        switch self {
        case .null: out += Self.nullBytes
        case .bool(let b): out += b ? Self.trueBytes : Self.falseBytes
        case .int(let i): Self.decimal(i, into: &out)
        case .string(let s): JSONValue.escape(s, into: &out)
        case .array(let items):
            if items.isEmpty { out += Self.emptyArray; return }
            out.append(UInt8(ascii: "["))
            for (n, item) in items.enumerated() {
                if n > 0 { out.append(UInt8(ascii: ",")) }
                newline(&out, indent, level + 1)
                item.write(into: &out, indent: indent, level: level + 1)
            }
            newline(&out, indent, level)
            out.append(UInt8(ascii: "]"))
        case .object(let pairs):
            if pairs.isEmpty { out += Self.emptyObject; return }
            out.append(UInt8(ascii: "{"))
            for (n, (k, v)) in pairs.enumerated() {
                if n > 0 { out.append(UInt8(ascii: ",")) }
                newline(&out, indent, level + 1)
                JSONValue.escape(k, into: &out)
                out.append(UInt8(ascii: ":"))
                if indent != nil { out.append(UInt8(ascii: " ")) }
                v.write(into: &out, indent: indent, level: level + 1)
            }
            newline(&out, indent, level)
            out.append(UInt8(ascii: "}"))
        }
    }

    private static let nullBytes = Array("null".utf8), trueBytes = Array("true".utf8), falseBytes = Array("false".utf8)
    private static let emptyArray = Array("[]".utf8), emptyObject = Array("{}".utf8)

    private func newline(_ out: inout [UInt8], _ indent: [UInt8]?, _ level: Int) {
        guard let indent else { return }
        out.append(10)
        for _ in 0..<level { out += indent }
    }

    /// A JSON string: quotes, backslashes and control characters escaped, everything else
    /// (all of UTF-8 above them) copied as it is, in runs.
    static func escape(_ s: String, into out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        var s = s
        s.withUTF8 { utf8 in
            var run = 0
            var i = 0
            while i < utf8.count {
                // Eight bytes at a time past those that need nothing: most text is such runs.
                if i + 8 <= utf8.count, let base = utf8.baseAddress, !Self.needsEscape(UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self)) {
                    i += 8
                    continue
                }
                let b = utf8[i]
                i += 1
                guard b < 0x20 || b == UInt8(ascii: "\"") || b == UInt8(ascii: "\\") else { continue }
                out.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[run..<(i - 1)]))
                run = i
                switch b {
                case UInt8(ascii: "\""): out += [92, 34]
                case UInt8(ascii: "\\"): out += [92, 92]
                case 10: out += [92, UInt8(ascii: "n")]
                case 13: out += [92, UInt8(ascii: "r")]
                case 9: out += [92, UInt8(ascii: "t")]
                default:
                    let hex = Array("0123456789abcdef".utf8)
                    out += [92, UInt8(ascii: "u"), 48, 48, hex[Int(b >> 4)], hex[Int(b & 15)]]
                }
            }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[run...]))
        }
        out.append(UInt8(ascii: "\""))
    }

    /// `v` in decimal, as `String(v)` writes it, without making that string.
    static func decimal(_ v: Int64, into out: inout [UInt8]) { v.withDecimalText { out.append(contentsOf: $0) } }

    /// Whether any of the eight bytes of `w` is a control character, a quote or a backslash
    /// (bytes of 0x80 and above never are). The usual word tests: a byte below 0x20, or a byte
    /// equal to 0x22 or 0x5C (zero after the exclusive or). They may flag a word that needs
    /// nothing (a borrow), never miss one that does; a flagged word is looked at byte by byte.
    @inline(__always)
    static func needsEscape(_ w: UInt64) -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101, highs: UInt64 = 0x8080_8080_8080_8080
        func hasZero(_ v: UInt64) -> Bool { (v &- ones) & ~v & highs != 0 }
        let below = (w &- 0x2020_2020_2020_2020) & ~w & highs != 0
        return below || hasZero(w ^ 0x2222_2222_2222_2222) || hasZero(w ^ 0x5C5C_5C5C_5C5C_5C5C)
    }
}

enum JSONWriter {
    /// An event as the log format writes it: id, case, type, at (with the log's offset), then
    /// attributes in name order.
    static func event(_ e: Event) -> JSONValue { JSONPairs.object { eventFields(e, into: &$0) } }

    /// `event`, into a tree or as text.
    static func eventFields<F: JSONFields>(_ e: Event, into o: inout F) {
        o.add("id", string: e.id)
        o.add("case", string: e.caseID)
        o.add("type", string: e.type)
        o.add("at", string: e.at.formatted(offsetSeconds: e.offsetSeconds))
        for (k, v) in e.sortedAttributes {
            switch v {
            case .string(let s): o.add(k, string: s)
            case .list(let l): o.add(k, strings: l)
            }
        }
    }
}
