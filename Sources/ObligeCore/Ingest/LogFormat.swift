/// The incident-log formats Oblige reads. JSON Lines, CSV and XML yield identical events for
/// identical content; `tdb` reads the DSA Transparency Database's statement-of-reasons dumps
/// (a CSV part or a zipped daily dump), each row becoming several events (`TDBStatement`).
public enum LogFormat: String, Sendable, CaseIterable {
    case jsonl, csv, xml, tdb

    /// The format a file's extension names, or nil (then `--log-format` must say). A zip named
    /// `sor-*.zip` is a Transparency Database daily dump; a `sor-*.csv` part stays CSV by its
    /// extension (an Oblige CSV log may have any name), so it needs `--log-format tdb`.
    public static func detect(path: String) -> LogFormat? {
        let lower = path.lowercased()
        let base = lower.split(separator: "/").last.map(String.init) ?? lower
        if base.hasPrefix("sor-") && base.hasSuffix(".zip") { return .tdb }
        if lower.hasSuffix(".jsonl") || lower.hasSuffix(".ndjson") { return .jsonl }
        if lower.hasSuffix(".csv") { return .csv }
        if lower.hasSuffix(".xml") { return .xml }
        return nil
    }
}

/// One incident log to read.
public struct LogInput: Sendable {
    public var path: String
    public var format: LogFormat

    public init(path: String, format: LogFormat) {
        self.path = path
        self.format = format
    }

    /// Resolves the format from an explicit choice or the extension; an unknown one is an error
    /// naming the file and the flag that fixes it.
    public static func resolve(path: String, format: LogFormat?) throws(ObligeError) -> LogInput {
        if let format { return LogInput(path: path, format: format) }
        guard let detected = LogFormat.detect(path: path) else {
            throw ObligeError(
                .log, "cannot tell the format of '\(path)' from its extension", at: SourceLocation(file: path),
                fix: "name it .jsonl, .csv or .xml, or pass --log-format jsonl|csv|xml|tdb")
        }
        return LogInput(path: path, format: detected)
    }
}

/// A record that could not become an event: kept aside with where it came from and why.
public struct Reject: Sendable {
    public var file: String
    public var line: Int
    public var reason: String
    public var fix: String
    /// The record as it stood in the file, so nothing is lost. Written only to the rejects
    /// file the user asked for, never to the terminal (logs hold personal data).
    public var record: String

    public var location: SourceLocation { SourceLocation(file: file, line: line) }
}

/// A field value as a log format delivers it, before it becomes an attribute.
enum RawValue {
    case string(String)
    case number(String)
    case bool(Bool)
    case null
    case list([RawValue])
    case object
}

/// Turns the fields of one record into an `Event`, the same way for every format.
enum EventBuilder {
    struct Failure: Error {
        var reason: String
        var fix: String
    }

    static let reserved: Set<String> = ["id", "case", "type", "at"]

    static func build(fields: [(String, RawValue)], origin: SourceLocation) throws(Failure) -> Event {
        var id: String?, caseID: String?, type: String?, atText: String?
        var attributes: [String: AttributeValue] = [:]
        var seen = Set<String>()
        for (key, value) in fields {
            guard seen.insert(key).inserted else {
                throw Failure(reason: "the key '\(key)' appears twice", fix: "keep one '\(key)'")
            }
            switch key {
            case "id": id = try identifier(value, key)
            case "case": caseID = try identifier(value, key)
            case "type":
                guard case .string(let s) = value, !s.isEmpty else {
                    throw Failure(reason: "'type' must be a non-empty string", fix: "e.g. \"type\": \"notice.received\"")
                }
                type = s
            case "at":
                guard case .string(let s) = value else {
                    throw Failure(reason: "'at' must be an RFC 3339 string", fix: "e.g. \"at\": \"2025-03-29T10:00:00+01:00\"")
                }
                atText = s
            default:
                switch value {
                case .null: continue  // absent
                case .string(let s) where s.isEmpty: continue  // absent, as an empty CSV cell is
                case .string(let s): attributes[key] = .string(s)
                case .number(let n): attributes[key] = .string(n)
                case .bool(let b): attributes[key] = .string(b ? "true" : "false")
                case .list(let items):
                    var strings: [String] = []
                    for item in items {
                        guard case .string(let s) = item else {
                            throw Failure(reason: "attribute '\(key)': a list may hold only strings", fix: "quote each item")
                        }
                        strings.append(s)
                    }
                    attributes[key] = .list(strings)
                case .object:
                    throw Failure(reason: "attribute '\(key)' is an object; attributes are strings, numbers, booleans or lists of strings", fix: "flatten it into separate keys")
                }
            }
        }
        guard let id else { throw Failure(reason: "missing 'id'", fix: "give every event a unique \"id\"") }
        guard let caseID else { throw Failure(reason: "missing 'case'", fix: "give every event the \"case\" it belongs to") }
        guard let type else { throw Failure(reason: "missing 'type'", fix: "give every event a \"type\" from docs/events.md") }
        guard let atText else { throw Failure(reason: "missing 'at'", fix: "give every event an \"at\" time with an offset, e.g. 2025-03-29T10:00:00+01:00") }
        let at: Instant
        do { at = try Instant.parseRFC3339(atText) } catch {
            throw Failure(reason: "unparseable 'at' (\(describe(error)))", fix: "write an RFC 3339 date-time with Z or an offset, e.g. 2025-03-29T10:00:00+01:00")
        }
        return Event(id: id, caseID: caseID, type: type, at: at, offsetSeconds: offset(of: atText), attributes: attributes, origin: origin)
    }

    private static func identifier(_ value: RawValue, _ key: String) throws(Failure) -> String {
        switch value {
        case .string(let s) where !s.isEmpty: return s
        case .number(let n): return n
        default: throw Failure(reason: "'\(key)' must be a non-empty string", fix: "e.g. \"\(key)\": \"\(key == "id" ? "e1" : "c42")\"")
        }
    }

    static func describe(_ e: Instant.RFC3339Error) -> String {
        switch e {
        case .malformed: return "not of the form YYYY-MM-DDTHH:MM:SS±HH:MM"
        case .outOfRange(let what): return "\(what) is out of range"
        case .missingOffset: return "no Z or UTC offset: local times are ambiguous across daylight-saving changes"
        }
    }

    /// The offset written in an already-validated RFC 3339 string.
    static func offset(of text: String) -> Int {
        let u = Array(text.utf8)
        guard let last = u.last else { return 0 }
        if last == 90 || last == 122 { return 0 }
        guard u.count >= 6 else { return 0 }
        let s = u.count - 6
        let sign = u[s] == 45 ? -1 : 1
        let h = Int(u[s + 1] - 48) * 10 + Int(u[s + 2] - 48)
        let m = Int(u[s + 4] - 48) * 10 + Int(u[s + 5] - 48)
        return sign * (h * 3600 + m * 60)
    }
}
