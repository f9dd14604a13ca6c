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

    /// The four keys every event has; every other key is an attribute.
    enum Reserved: UInt8 {
        case id = 1, caseID = 2, type = 4, at = 8

        var key: String {
            switch self {
            case .id: "id"
            case .caseID: "case"
            case .type: "type"
            case .at: "at"
            }
        }

        init?(_ key: String) {
            switch key {
            case "id": self = .id
            case "case": self = .caseID
            case "type": self = .type
            case "at": self = .at
            default: return nil
            }
        }

        /// The same match over a key's UTF-8 bytes. Bytes are enough: no other text is
        /// canonically equivalent to these four ASCII words, so `String` equality agrees.
        init?(_ key: UnsafeBufferPointer<UInt8>) {
            switch key.count {
            case 2:
                if key[0] == 105, key[1] == 100 { self = .id } else if key[0] == 97, key[1] == 116 { self = .at } else { return nil }
            case 4:
                if key[0] == 99, key[1] == 97, key[2] == 115, key[3] == 101 {
                    self = .caseID
                } else if key[0] == 116, key[1] == 121, key[2] == 112, key[3] == 101 {
                    self = .type
                } else {
                    return nil
                }
            default: return nil
            }
        }
    }

    static func build(fields: [(String, RawValue)], origin: SourceLocation) throws(Failure) -> Event {
        var draft = Draft()
        for (key, value) in fields where draft.failure == nil { draft.take(key, value) }
        return try draft.finish(origin: origin)
    }

    /// One event assembled field by field in the order written, so a format's reader can hand
    /// over each field as it parses it (the JSON Lines scanner builds no list of fields).
    ///
    /// The first problem met is kept and the fields after it are not looked at: the reject names
    /// the first bad field, as it would reading the fields one by one. A reader that finds the
    /// record itself malformed reports that instead, whatever the draft holds.
    struct Draft {
        /// The first problem with a field, in field order.
        private(set) var failure: Failure?
        private var seen: UInt8 = 0
        private var id: String?
        private var caseID: String?
        private var type: String?
        private var at: (instant: Instant, offsetSeconds: Int)?
        /// Kept until the missing keys are checked: a missing key is the better reason.
        private var atError: Instant.RFC3339Error?
        private var attributes: Attributes = [:]
        /// Keys given with an absent value (null, ""): they count for duplicates too.
        private var absent: [String] = []
        /// How many attributes to make room for when the first arrives (the last event's count).
        private let capacityHint: Int

        init(capacityHint: Int = 0) { self.capacityHint = capacityHint }

        /// Notes a reserved key; false, with the failure, when it came before.
        mutating func reserved(_ key: Reserved) -> Bool {
            guard seen & key.rawValue == 0 else {
                twice(key.key)
                return false
            }
            seen |= key.rawValue
            return true
        }

        /// `id` or `case`: nil when the value is not a non-empty string or a number.
        mutating func identifier(_ key: Reserved, _ value: String?) {
            guard let value else {
                let k = key.key
                failure = Failure(reason: "'\(k)' must be a non-empty string", fix: "e.g. \"\(k)\": \"\(key == .id ? "e1" : "c42")\"")
                return
            }
            if key == .id { id = value } else { caseID = value }
        }

        /// `type`: nil when the value is not a non-empty string.
        mutating func type(_ value: String?) {
            guard let value else {
                failure = Failure(reason: "'type' must be a non-empty string", fix: "e.g. \"type\": \"notice.received\"")
                return
            }
            type = value
        }

        /// `at`, as the UTF-8 bytes of its string; nil when the value is not a string.
        mutating func at(_ text: UnsafeBufferPointer<UInt8>?) {
            guard let text else {
                failure = Failure(reason: "'at' must be an RFC 3339 string", fix: "e.g. \"at\": \"2025-03-29T10:00:00+01:00\"")
                return
            }
            do { at = try Instant.parseRFC3339WithOffset(text) } catch { atError = error }
        }

        /// An attribute; nil when its value is absent (null, or empty as an empty CSV cell is).
        mutating func attribute(_ key: String, _ value: AttributeValue?) {
            guard let value else {
                if attributes[key] != nil || absent.contains(key) { return twice(key) }
                absent.append(key)
                return
            }
            if !absent.isEmpty, absent.contains(key) { return twice(key) }
            if attributes.isEmpty, capacityHint > 1 { attributes.reserveCapacity(capacityHint) }
            if attributes.updateValue(value, forKey: key) != nil { twice(key) }
        }

        enum Unusable { case object, listItem }

        /// An attribute whose value cannot be one: a nested object or a list holding a non-string.
        mutating func attribute(_ key: String, unusable: Unusable) {
            if attributes[key] != nil || absent.contains(key) { return twice(key) }
            switch unusable {
            case .listItem: failure = Failure(reason: "attribute '\(key)': a list may hold only strings", fix: "quote each item")
            case .object:
                failure = Failure(
                    reason: "attribute '\(key)' is an object; attributes are strings, numbers, booleans or lists of strings", fix: "flatten it into separate keys")
            }
        }

        private mutating func twice(_ key: String) {
            failure = Failure(reason: "the key '\(key)' appears twice", fix: "keep one '\(key)'")
        }

        /// One field as a format's reader delivers it.
        mutating func take(_ key: String, _ value: RawValue) {
            if let r = Reserved(key) {
                guard reserved(r) else { return }
                switch (r, value) {
                case (.id, .string(let s)) where !s.isEmpty, (.caseID, .string(let s)) where !s.isEmpty: identifier(r, s)
                case (.id, .number(let n)), (.caseID, .number(let n)): identifier(r, n)
                case (.id, _), (.caseID, _): identifier(r, nil)
                case (.type, .string(let s)) where !s.isEmpty: type(s)
                case (.type, _): type(nil)
                case (.at, .string(var s)): s.withUTF8 { at($0) }
                case (.at, _): at(nil)
                }
                return
            }
            switch value {
            case .null: attribute(key, nil)
            case .string(let s): attribute(key, s.isEmpty ? nil : .string(s))
            case .number(let n): attribute(key, .string(n))
            case .bool(let b): attribute(key, .string(b ? "true" : "false"))
            case .list(let items):
                var strings: [String] = []
                for item in items {
                    guard case .string(let s) = item else { return attribute(key, unusable: .listItem) }
                    strings.append(s)
                }
                attribute(key, .list(strings))
            case .object: attribute(key, unusable: .object)
            }
        }

        /// The event, or the first problem: a bad field, then a missing key, then an unreadable `at`.
        func finish(origin: SourceLocation) throws(Failure) -> Event {
            if let failure { throw failure }
            guard let id else { throw Failure(reason: "missing 'id'", fix: "give every event a unique \"id\"") }
            guard let caseID else { throw Failure(reason: "missing 'case'", fix: "give every event the \"case\" it belongs to") }
            guard let type else { throw Failure(reason: "missing 'type'", fix: "give every event a \"type\" from docs/events.md") }
            guard let at else {
                if let atError {
                    throw Failure(
                        reason: "unparseable 'at' (\(describe(atError)))", fix: "write an RFC 3339 date-time with Z or an offset, e.g. 2025-03-29T10:00:00+01:00")
                }
                throw Failure(reason: "missing 'at'", fix: "give every event an \"at\" time with an offset, e.g. 2025-03-29T10:00:00+01:00")
            }
            return Event(id: id, caseID: caseID, type: type, at: at.instant, offsetSeconds: at.offsetSeconds, attributes: attributes, origin: origin)
        }
    }

    static func describe(_ e: Instant.RFC3339Error) -> String {
        switch e {
        case .malformed: return "not of the form YYYY-MM-DDTHH:MM:SS±HH:MM"
        case .outOfRange(let what): return "\(what) is out of range"
        case .missingOffset: return "no Z or UTC offset: local times are ambiguous across daylight-saving changes"
        }
    }
}
