/// Turns one statement of reasons (a dump row) into the events of its case.
///
/// The case is the platform's own identifier (`platform_uid`, the `puid` of the submission API);
/// the ids derive from the database's `uuid`, so a row read twice gives the same events and
/// counts once (the audit's duplicate check). Dates are the dump's UTC timestamps
/// (`2025-07-01 00:00:00`; a date alone is the start of that day in UTC).
public enum TDBStatement {
    /// When the content was posted or made available (`content_date`).
    public static let contentDated = "sor.content_dated"
    /// When the decision took effect (`application_date`).
    public static let decisionApplied = "sor.decision_applied"
    /// When the database received the statement (`created_at`, set by the server).
    public static let submitted = "sor.submitted"
    /// When a restriction ends (`end_date_*_restriction`); `restriction` says which.
    public static let restrictionEnds = "sor.restriction_ends"
    /// A consistency problem of the row (`TDBRowProblem`), dated at its `created_at`: when the
    /// statement as the Database holds it was submitted.
    public static let inconsistent = "sor.inconsistent"

    /// The v1 category values the database used until 1 July 2025, and their v2 value from the
    /// Commission's correspondence table (`resources/markdown/api-documentation.md`, Changelog, in
    /// digital-services-act/transparency-database). nil: the table gives no v2 value, so the legacy
    /// value is kept as written.
    public static let legacyCategories: [String: String?] = [
        "STATEMENT_CATEGORY_SCOPE_OF_PLATFORM_SERVICE": "STATEMENT_CATEGORY_OTHER_VIOLATION_TC",
        "STATEMENT_CATEGORY_UNSAFE_AND_ILLEGAL_PRODUCTS": "STATEMENT_CATEGORY_UNSAFE_AND_PROHIBITED_PRODUCTS",
        "STATEMENT_CATEGORY_NON_CONSENSUAL_BEHAVIOUR": nil,
        "STATEMENT_CATEGORY_PORNOGRAPHY_OR_SEXUALIZED_CONTENT": nil,
    ]

    /// The restrictions whose end the dump dates: (attribute value, column, id suffix).
    static let restrictions: [(name: String, column: String)] = [
        ("visibility", "end_date_visibility_restriction"),
        ("monetary", "end_date_monetary_restriction"),
        ("service", "end_date_service_restriction"),
        ("account", "end_date_account_restriction"),
    ]

    /// Why a row cannot become events.
    public struct Problem: Error, Sendable {
        public var reason: String
        public var fix: String
    }

    /// A row's events (in a fixed order: content, applied, submitted, restriction ends, then one
    /// `sor.inconsistent` per problem), the legacy category values it held (in `category` and
    /// `category_addition`, as written), and its consistency problems.
    public struct Mapped: Sendable {
        public var events: [Event]
        public var legacyCategories: [String]
        public var problems: [TDBRowProblem] = []
    }

    /// The events of `row`. A row without `uuid`, `platform_uid` or `created_at` (which the
    /// database always fills), or with a date or list it cannot read, is a problem: the caller
    /// rejects it. An empty `content_date`, `application_date` or end date gives no event for it;
    /// the raw row still shows the gap to a check.
    public static func map(_ row: TDBRow) throws(Problem) -> Mapped {
        guard let uuid = row["uuid"] else {
            throw Problem(reason: "'uuid' is empty", fix: "every dump row carries the database's uuid; check the row was not cut")
        }
        guard let puid = row["platform_uid"] else {
            throw Problem(reason: "'platform_uid' (the platform's puid) is empty: the row has no case", fix: "every dump row carries the platform's puid; check the row was not cut")
        }
        guard let createdText = row["created_at"] else {
            throw Problem(reason: "'created_at' is empty", fix: "the database sets created_at on every statement; check the row was not cut")
        }
        var attributes: Attributes = [:]
        var legacy: [String] = []
        func single(_ column: String) {
            if let v = row[column] { attributes[column] = .string(v) }
        }
        func list(_ column: String) throws(Problem) -> [String]? {
            guard let v = row[column] else { return nil }
            guard let items = parseList(v) else {
                throw Problem(reason: "'\(column)' is not a JSON list of strings", fix: "the dump writes lists as JSON text, e.g. [\"DE\",\"FR\"]")
            }
            if !items.isEmpty { attributes[column] = .list(items) }
            return items
        }
        for column in ["platform_name", "source_type", "automated_decision", "decision_ground", "decision_monetary", "decision_provision", "decision_account", "account_type", "content_language"] {
            single(column)
        }
        if let v = row["automated_detection"] {
            attributes["automated_detection"] = .string(v == "Yes" ? "true" : v == "No" ? "false" : v)
        }
        if let v = row["category"] {
            if let mapped = legacyCategories[v] {
                legacy.append(v)
                attributes["category_legacy"] = .string(v)
                attributes["category"] = .string(mapped ?? v)
            } else {
                attributes["category"] = .string(v)
            }
        }
        if let additions = try list("category_addition"), !additions.isEmpty {
            let mapped = additions.map { a in
                guard let target = legacyCategories[a] else { return a }
                legacy.append(a)
                return target ?? a
            }
            attributes["category_addition"] = .list(mapped)
        }
        for column in ["category_specification", "decision_visibility", "content_type", "territorial_scope"] {
            _ = try list(column)
        }

        let origin = row.location
        func event(_ suffix: String, _ type: String, _ column: String, _ text: String, extra: Attributes = [:]) throws(Problem) -> Event {
            guard let at = instant(text) else {
                throw Problem(reason: "'\(column)' is not a date: '\(text.prefix(40))'", fix: "the dump writes dates as YYYY-MM-DD HH:MM:SS (UTC) or YYYY-MM-DD")
            }
            return Event(id: "\(uuid)/\(suffix)", caseID: puid, type: type, at: at, offsetSeconds: 0, attributes: attributes.merging(extra), origin: origin)
        }
        var events: [Event] = []
        if let t = row["content_date"] { events.append(try event("content", contentDated, "content_date", t)) }
        if let t = row["application_date"] { events.append(try event("applied", decisionApplied, "application_date", t)) }
        events.append(try event("submitted", submitted, "created_at", createdText))
        for r in restrictions {
            if let t = row[r.column] {
                events.append(try event("end-\(r.name)", restrictionEnds, r.column, t, extra: ["restriction": .string(r.name)]))
            }
        }
        // A row with problems is still real data: its events stay, and each problem is an event
        // of its own at the row's origin, for the check rules to report.
        let problems = row.problems()
        if !problems.isEmpty, let at = instant(createdText) {
            for p in problems {
                var extra: Attributes = [
                    "problem": .string(p.kind.rawValue), "field": .string(p.field), "detail": .string(p.detail), "uuid": .string(uuid),
                ]
                if !p.values.isEmpty { extra["value"] = .list(p.values) }
                if let name = attributes["platform_name"] { extra["platform_name"] = name }
                events.append(Event(id: "\(uuid)/inconsistent/\(p.kind.rawValue)/\(p.field)", caseID: puid, type: inconsistent, at: at, offsetSeconds: 0, attributes: extra, origin: origin))
            }
        }
        return Mapped(events: events, legacyCategories: legacy, problems: problems)
    }

    /// A dump date: `YYYY-MM-DD HH:MM:SS` (UTC, the database's zone), `YYYY-MM-DD` (the start of
    /// that day in UTC), or an RFC 3339 date-time with its own offset.
    public static func instant(_ text: String) -> Instant? {
        if text.utf8.count == 10 { return try? Instant.parseRFC3339(text + "T00:00:00Z") }
        do { return try Instant.parseRFC3339(text) } catch .missingOffset {
            return try? Instant.parseRFC3339(text + "Z")
        } catch { return nil }
    }

    /// A JSON list of strings (`["DE","FR"]`, `[]`), or a bare value (read as a list of one, as
    /// older dumps wrote single values); nil when it starts like a list but is not one.
    public static func parseList(_ text: String) -> [String]? {
        let b = Array(text.utf8)
        var i = 0
        func skip() { while i < b.count, b[i] == 32 || b[i] == 9 || b[i] == 10 || b[i] == 13 { i += 1 } }
        skip()
        guard i < b.count, b[i] == UInt8(ascii: "[") else { return [text] }
        i += 1
        var items: [String] = []
        skip()
        if i < b.count, b[i] == UInt8(ascii: "]") {
            i += 1
            skip()
            return i == b.count ? [] : nil
        }
        while true {
            skip()
            guard i < b.count, b[i] == 34 else { return nil }
            i += 1
            var out: [UInt8] = []
            var scalars = String.UnicodeScalarView()
            var escaped = false
            func flush() {
                if !out.isEmpty {
                    scalars.append(contentsOf: String(decoding: out, as: UTF8.self).unicodeScalars)
                    out.removeAll()
                }
            }
            while true {
                guard i < b.count else { return nil }
                let c = b[i]
                i += 1
                if c == 34 { break }
                if c != 92 {
                    out.append(c)
                    continue
                }
                escaped = true
                guard i < b.count else { return nil }
                let e = b[i]
                i += 1
                switch e {
                case 34, 92, 47: out.append(e)
                case UInt8(ascii: "n"): out.append(10)
                case UInt8(ascii: "t"): out.append(9)
                case UInt8(ascii: "r"): out.append(13)
                case UInt8(ascii: "b"): out.append(8)
                case UInt8(ascii: "f"): out.append(12)
                case UInt8(ascii: "u"):
                    guard var code = hex4(b, i) else { return nil }
                    i += 4
                    if (0xD800..<0xDC00).contains(code) {
                        guard i + 6 <= b.count, b[i] == 92, b[i + 1] == UInt8(ascii: "u"), let low = hex4(b, i + 2), (0xDC00..<0xE000).contains(low) else { return nil }
                        i += 6
                        code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                    }
                    guard let scalar = Unicode.Scalar(code) else { return nil }
                    flush()
                    scalars.append(scalar)
                default: return nil
                }
            }
            if escaped {
                flush()
                items.append(String(scalars))
            } else {
                items.append(String(decoding: out, as: UTF8.self))
            }
            skip()
            guard i < b.count else { return nil }
            if b[i] == UInt8(ascii: ",") {
                i += 1
                continue
            }
            guard b[i] == UInt8(ascii: "]") else { return nil }
            i += 1
            skip()
            return i == b.count ? items : nil
        }
    }

    private static func hex4(_ b: [UInt8], _ i: Int) -> UInt32? {
        guard i + 4 <= b.count else { return nil }
        var v: UInt32 = 0
        for c in b[i..<i + 4] {
            let d: UInt32
            switch c {
            case 48...57: d = UInt32(c - 48)
            case 65...70: d = UInt32(c - 55)
            case 97...102: d = UInt32(c - 87)
            default: return nil
            }
            v = v * 16 + d
        }
        return v
    }
}
