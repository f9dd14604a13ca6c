import Foundation

/// Which rule of the API (or of Oblige) a statement breaks. Extensible: a struct, not an enum.
public struct StatementRule: Hashable, Sendable, CustomStringConvertible {
    public let name: String
    public init(_ name: String) { self.name = name }
    public var description: String { name }

    /// A field every statement needs is missing or blank.
    public static let required = StatementRule("required")
    /// None of decision_visibility, decision_monetary, decision_provision, decision_account.
    public static let decisionKind = StatementRule("decision-kind")
    /// A value outside the field's enumeration.
    public static let enumeration = StatementRule("enumeration")
    /// A field that depends on another: required when it applies, not allowed when it does not
    /// (the API drops it silently, so the statement would not say what the platform meant).
    public static let conditional = StatementRule("conditional")
    /// Longer than the field's maximum, in characters.
    public static let length = StatementRule("length")
    /// A date that is not `YYYY-MM-DD` or not a real day.
    public static let dateFormat = StatementRule("date-format")
    /// A date outside the range the API accepts.
    public static let dateRange = StatementRule("date-range")
    /// A puid with a character outside `[a-zA-Z0-9-_]`.
    public static let puidPattern = StatementRule("puid-pattern")
    /// A puid used by an earlier statement of the same export (the API refuses the whole request).
    public static let puidUnique = StatementRule("puid-unique")
    /// A value of the wrong JSON type (text where a list belongs, a number, null).
    public static let valueType = StatementRule("type")
    /// Not an http or https URL.
    public static let url = StatementRule("url")
    /// content_id's EAN-13 is not 13 digits.
    public static let ean13 = StatementRule("ean-13")
    /// A field the API does not know: it would be dropped.
    public static let unknownField = StatementRule("unknown-field")
    /// Oblige's own check, not the API's: dates that contradict each other.
    public static let consistency = StatementRule("consistency")
    /// A request body that is not `{"statements": [1 to 100 statements]}`.
    public static let body = StatementRule("body")
}

/// One thing wrong with one field of a statement.
public struct StatementProblem: Sendable, Equatable, CustomStringConvertible {
    public var field: String
    public var rule: StatementRule
    public var message: String
    public var fix: String

    public init(field: String, rule: StatementRule, message: String, fix: String) {
        self.field = field
        self.rule = rule
        self.message = message
        self.fix = fix
    }

    public var description: String { "\(field): [\(rule)] \(message); fix: \(fix)" }
}

/// Checks statements against the rules the Commission's application applies to
/// `POST /api/v1/statements` (see `StatementSchema`), before anything is written or sent.
///
/// Where the API would silently drop a field (a conditional field whose condition does not hold,
/// an unknown field), this validator reports it: the statement would not say what the platform
/// meant. Values are never quoted when they may hold personal data (free text); enumerated
/// values, dates and puids are.
public enum StatementValidator {
    /// Every problem of one statement, in `StatementSchema.fields` order.
    public static func problems(in s: SubmissionStatement) -> [StatementProblem] {
        var out: [StatementProblem] = []
        func add(_ field: String, _ rule: StatementRule, _ message: String, _ fix: String) {
            out.append(StatementProblem(field: field, rule: rule, message: message, fix: fix))
        }

        // Types first: a field of the wrong type is not checked further.
        var typed = s
        for (name, value) in s.fields.sorted(by: { $0.key < $1.key }) {
            let ok: Bool
            switch value {
            case .text: ok = !StatementSchema.listFields.contains(name) && name != "content_id"
            case .list: ok = StatementSchema.listFields.contains(name)
            case .object: ok = name == "content_id"
            case .unsupported: ok = false
            }
            guard StatementSchema.fields.contains(name) else {
                add(name, .unknownField, "the API has no field '\(name)' and would drop it", "remove it, or correct the field name")
                typed[name] = nil
                continue
            }
            if !ok {
                let expected = StatementSchema.listFields.contains(name) ? "a list of text" : name == "content_id" ? "an object {\"EAN-13\": \"…\"}" : "text"
                add(name, .valueType, "must be \(expected), not \(describe(value))", "write \(expected)")
                typed[name] = nil
            }
        }

        func present(_ f: String) -> Bool {
            switch typed[f] {
            case .text(let t)?: return !t.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty
            case .list(let l)?: return !l.isEmpty
            case .object(let o)?: return !o.isEmpty
            default: return false
            }
        }
        let hasWrongType = Set(s.fields.keys).subtracting(typed.fields.keys)

        for f in StatementSchema.requiredFields where !present(f) && !hasWrongType.contains(f) {
            add(f, .required, "is required", "give \(f)")
        }
        if !StatementSchema.decisionKindFields.contains(where: present) {
            add(
                "decision_visibility", .decisionKind, "a statement needs at least one of decision_visibility, decision_monetary, decision_provision, decision_account",
                "state what was restricted")
        }

        // Enumerations.
        for f in StatementSchema.fields {
            guard let allowed = StatementSchema.enumerations[f], present(f) else { continue }
            let values = typed.list(f) ?? typed.text(f).map { [$0] } ?? []
            for v in values where !allowed.contains(v) {
                let hint = closest(v, in: allowed).map { "did you mean \($0)? " } ?? ""
                add(f, .enumeration, "'\(v)' is not one of the \(allowed.count) values the API accepts", hint + "use a value listed in docs/tdb-export.md")
            }
        }
        if let language = typed.text("content_language"), present("content_language"), !StatementSchema.languages.contains(language) {
            add("content_language", .enumeration, "'\(language)' is not an upper-case ISO 639-1 code the API accepts", "write the two-letter code in upper case, e.g. EN, DE")
        }

        // Conditional fields: required when they apply, reported when they do not.
        let visibility = typed.list("decision_visibility") ?? []
        let ground = typed.text("decision_ground")
        let contentTypes = typed.list("content_type") ?? []
        let keywords = typed.list("category_specification") ?? []
        let conditions: [(field: String, applies: Bool, condition: String)] = [
            ("decision_visibility_other", visibility.contains("DECISION_VISIBILITY_OTHER"), "decision_visibility contains DECISION_VISIBILITY_OTHER"),
            ("decision_monetary_other", typed.text("decision_monetary") == "DECISION_MONETARY_OTHER", "decision_monetary is DECISION_MONETARY_OTHER"),
            ("illegal_content_legal_ground", ground == "DECISION_GROUND_ILLEGAL_CONTENT", "decision_ground is DECISION_GROUND_ILLEGAL_CONTENT"),
            ("illegal_content_explanation", ground == "DECISION_GROUND_ILLEGAL_CONTENT", "decision_ground is DECISION_GROUND_ILLEGAL_CONTENT"),
            ("incompatible_content_ground", ground == "DECISION_GROUND_INCOMPATIBLE_CONTENT", "decision_ground is DECISION_GROUND_INCOMPATIBLE_CONTENT"),
            ("incompatible_content_explanation", ground == "DECISION_GROUND_INCOMPATIBLE_CONTENT", "decision_ground is DECISION_GROUND_INCOMPATIBLE_CONTENT"),
            ("content_type_other", contentTypes.contains("CONTENT_TYPE_OTHER"), "content_type contains CONTENT_TYPE_OTHER"),
        ]
        for c in conditions {
            if c.applies && !present(c.field) {
                add(c.field, .conditional, "is required when \(c.condition)", "give \(c.field)")
            } else if !c.applies && typed[c.field] != nil {
                add(c.field, .conditional, "is only allowed when \(c.condition); the API would drop it", "remove it, or correct the field it depends on")
            }
        }
        // Optional, but dropped by the API outside their condition.
        let optional: [(field: String, applies: Bool, condition: String)] = [
            ("incompatible_content_illegal", ground == "DECISION_GROUND_INCOMPATIBLE_CONTENT", "decision_ground is DECISION_GROUND_INCOMPATIBLE_CONTENT"),
            ("category_specification_other", keywords.contains("KEYWORD_OTHER"), "category_specification contains KEYWORD_OTHER"),
            ("source_identity", typed.text("source_type") != "SOURCE_VOLUNTARY", "source_type is not SOURCE_VOLUNTARY"),
        ]
        for c in optional where !c.applies && typed[c.field] != nil {
            add(c.field, .conditional, "is only allowed when \(c.condition); the API would drop it", "remove it, or correct the field it depends on")
        }

        // Lengths in characters.
        for f in StatementSchema.fields {
            guard let max = StatementSchema.maxLength[f], let t = typed.text(f) else { continue }
            let n = t.unicodeScalars.count
            if n > max { add(f, .length, "is \(n) characters long; at most \(max) are allowed", "shorten it to \(max) characters") }
        }

        // puid.
        if let puid = typed.text("puid"), present("puid"), !puid.unicodeScalars.allSatisfy(isPUIDCharacter) {
            add("puid", .puidPattern, "'\(puid.prefix(80))' holds characters other than letters, digits, - and _", "use an identifier matching ^[a-zA-Z0-9-_]+$")
        }

        // Dates.
        let ranges: [(field: String, from: String?)] = [
            ("content_date", "2000-01-01"), ("application_date", "2020-01-01"),
            ("end_date_visibility_restriction", nil), ("end_date_monetary_restriction", nil),
            ("end_date_service_restriction", nil), ("end_date_account_restriction", nil),
        ]
        var dates: [String: CivilDate] = [:]
        for (f, from) in ranges {
            guard let t = typed.text(f), present(f) else { continue }
            guard let d = parseDate(t) else {
                add(f, .dateFormat, "'\(t.prefix(40))' is not a date YYYY-MM-DD", "write the date as YYYY-MM-DD")
                continue
            }
            dates[f] = d
            if let from, d.iso8601 < from {
                add(f, .dateRange, "\(d) is before \(from), the earliest the API accepts", "check the date")
            } else if d.iso8601 > "2038-01-01" {
                add(f, .dateRange, "\(d) is after 2038-01-01, the latest the API accepts", "check the date")
            }
        }
        if let applied = dates["application_date"] {
            if let posted = dates["content_date"], posted > applied {
                add("content_date", .consistency, "the content is dated \(posted), after the decision was applied (\(applied))", "check content_date and application_date")
            }
            for f in ["end_date_visibility_restriction", "end_date_monetary_restriction", "end_date_service_restriction", "end_date_account_restriction"] {
                if let end = dates[f], end < applied {
                    add(f, .consistency, "the restriction ends on \(end), before it was applied (\(applied))", "check \(f) and application_date")
                }
            }
        }

        if let url = typed.text("decision_ground_reference_url"), present("decision_ground_reference_url"), !isHTTPURL(url) {
            add("decision_ground_reference_url", .url, "is not an http or https URL", "give a full URL, e.g. https://example.com/terms#section-4")
        }
        if case .object(let o)? = typed["content_id"], let ean = o["EAN-13"], !(ean.count == 13 && ean.allSatisfy { $0.isASCII && $0.isNumber }) {
            add("content_id", .ean13, "EAN-13 '\(ean.prefix(40))' is not 13 digits", "give the product's 13-digit EAN")
        }

        let order = Dictionary(uniqueKeysWithValues: StatementSchema.fields.enumerated().map { ($1, $0) })
        return out.enumerated().sorted { a, b in
            let (x, y) = (order[a.element.field] ?? Int.max, order[b.element.field] ?? Int.max)
            return x != y ? x < y : a.offset < b.offset
        }.map(\.element)
    }

    /// Every problem of a request body: its shape (`{"statements": [...]}` with 1 to 100
    /// statements), each statement's fields, and puids repeated within the body. `index` is the
    /// statement's position (0-based, as the API's `statement_<index>` keys), nil for the body.
    public static func problems(inBody text: String) -> [(index: Int?, problem: StatementProblem)] {
        guard let data = text.data(using: .utf8),
            let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
            let list = object["statements"] as? [Any]
        else {
            return [(nil, StatementProblem(field: "statements", rule: .body, message: "the body is not a JSON object with a list 'statements'", fix: "write {\"statements\": [ … ]}"))]
        }
        var out: [(Int?, StatementProblem)] = []
        if list.isEmpty || list.count > StatementSchema.maxStatementsPerRequest {
            out.append((nil, StatementProblem(field: "statements", rule: .body, message: "holds \(list.count) statements; the API takes 1 to 100", fix: "split the statements into bodies of at most 100")))
        }
        var seen: [String: Int] = [:]
        for (i, item) in list.enumerated() {
            guard let fields = item as? [String: Any] else {
                out.append((i, StatementProblem(field: "statements", rule: .body, message: "statement \(i) is not a JSON object", fix: "write each statement as an object")))
                continue
            }
            let s = SubmissionStatement(jsonObject: fields)
            out += problems(in: s).map { (i, $0) }
            if let puid = s.text("puid") {
                if let first = seen[puid] {
                    out.append((i, StatementProblem(field: "puid", rule: .puidUnique, message: "'\(puid.prefix(80))' is also the puid of statement \(first)", fix: "give each statement its own puid")))
                } else {
                    seen[puid] = i
                }
            }
        }
        return out
    }

    static func isPUIDCharacter(_ u: Unicode.Scalar) -> Bool {
        ("a"..."z").contains(u) || ("A"..."Z").contains(u) || ("0"..."9").contains(u) || u == "-" || u == "_"
    }

    /// `YYYY-MM-DD`, a real day (PHP's `date_format:Y-m-d` with four-digit years).
    static func parseDate(_ t: String) -> CivilDate? {
        let b = Array(t.utf8)
        guard b.count == 10, b[4] == UInt8(ascii: "-"), b[7] == UInt8(ascii: "-") else { return nil }
        func num(_ r: Range<Int>) -> Int? {
            var n = 0
            for i in r {
                guard b[i] >= 48 && b[i] <= 57 else { return nil }
                n = n * 10 + Int(b[i] - 48)
            }
            return n
        }
        guard let y = num(0..<4), let m = num(5..<7), let d = num(8..<10), (1...12).contains(m), d >= 1, d <= CivilDate.daysIn(year: y, month: m) else { return nil }
        return CivilDate(year: y, month: m, day: d)
    }

    /// A URL with scheme http or https and a host. Laravel's `url` rule accepts more schemes; a
    /// statement's reference is a web page, so Oblige asks for http(s).
    static func isHTTPURL(_ t: String) -> Bool {
        guard !t.contains(where: \.isWhitespace), let u = URLComponents(string: t), let scheme = u.scheme?.lowercased(),
            scheme == "http" || scheme == "https", let host = u.host, !host.isEmpty
        else { return false }
        return true
    }

    private static func describe(_ v: SubmissionStatement.Value) -> String {
        switch v {
        case .text: "text"
        case .list: "a list"
        case .object: "an object"
        case .unsupported(let what): what
        }
    }

    /// The allowed value nearest to `v` by edit distance, when near enough to be a likely typo.
    static func closest(_ v: String, in allowed: [String]) -> String? {
        let a = Array(v.uppercased().utf8)
        var best: (value: String, distance: Int)?
        for candidate in allowed {
            let d = editDistance(a, Array(candidate.utf8))
            if d < (best?.distance ?? Int.max) { best = (candidate, d) }
        }
        guard let best, best.distance <= max(3, best.value.count / 4) else { return nil }
        return best.value
    }

    private static func editDistance(_ a: [UInt8], _ b: [UInt8]) -> Int {
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var prev = Array(0...b.count)
        for i in 1...a.count {
            var cur = [i] + Array(repeating: 0, count: b.count)
            for j in 1...b.count {
                cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            prev = cur
        }
        return prev[b.count]
    }
}
