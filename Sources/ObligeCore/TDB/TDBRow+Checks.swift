import Foundation

/// One thing wrong with a statement of reasons as a Transparency Database dump holds it: what the
/// consistency checks report, each as a `sor.inconsistent` event and, through the rules of
/// `Rules/dsa/art24-sor-db-consistency.yaml`, a finding that names the row and the field.
public struct TDBRowProblem: Sendable, Equatable {
    /// The kinds of problem, as the event's `problem` attribute writes them.
    public enum Kind: String, Sendable, CaseIterable, Comparable {
        /// An `end_date_*_restriction` before `application_date`: the restriction ends before it began.
        case endBeforeApplication = "end_before_application"
        /// A field the API documentation makes mandatory (always, or under a condition the row meets) is empty.
        case missingMandatory = "missing_mandatory"
        /// A value outside the field's enumeration in the schema the statement was submitted under.
        case outsideEnumeration = "outside_enumeration"

        public static func < (a: Kind, b: Kind) -> Bool { a.rawValue < b.rawValue }
    }

    /// A kind and a field: what `TDBImportSummary.problems` counts.
    public struct Tally: Sendable, Hashable, Comparable {
        public var kind: Kind
        public var field: String
        public init(kind: Kind, field: String) {
            self.kind = kind
            self.field = field
        }
        public static func < (a: Tally, b: Tally) -> Bool { (a.kind, a.field) < (b.kind, b.field) }
    }

    public var kind: Kind
    /// The dump column at fault; for the four decision columns of which one is needed, all four
    /// joined by `|`.
    public var field: String
    /// The values at fault as written (dates, enumerated values; each cut to 100 characters); empty
    /// for a missing field.
    public var values: [String]
    /// Why it is a problem, in words: the condition that makes a field mandatory, the application
    /// date an end date precedes, the enumeration a value is not in.
    public var detail: String

    public init(kind: Kind, field: String, values: [String] = [], detail: String) {
        self.kind = kind
        self.field = field
        self.values = values
        self.detail = detail
    }

    public var tally: Tally { Tally(kind: kind, field: field) }
}

extension TDBRow {
    /// The four decision columns; a statement needs at least one (API: `required_without_all`).
    static let decisionColumns = ["decision_visibility", "decision_monetary", "decision_provision", "decision_account"]

    /// Columns the API documentation makes mandatory in every statement, in dump order. `puid`
    /// (`platform_uid`) is left out: a row without it has no case and is rejected.
    static let mandatoryColumns = [
        "decision_ground", "category", "content_type", "content_date", "territorial_scope", "application_date",
        "decision_facts", "source_type", "automated_detection", "automated_decision",
    ]

    /// The day the submission schema v2 took effect (the API documentation's Changelog). A statement
    /// created earlier was checked against v1, whose values the correspondence table lists.
    static let schemaV2From = "2025-07-01"

    /// The v1 values the Commission's correspondence table (API documentation, Changelog) lists as
    /// changed or dropped in v2: accepted in statements created before 1 July 2025.
    /// Where each column stands in the full layout, for listing missing fields in column order.
    static let columnOrder = Dictionary(uniqueKeysWithValues: TDBSchema.fullColumns.enumerated().map { ($1, $0) })

    /// The values each enumerated column may hold under schema v2, and before it (v2 with the
    /// legacy values of the Commission's table); worked out once, not per row.
    static let allowedV2: [String: Set<String>] = {
        var allowed = StatementSchema.enumerations.mapValues { Set($0) }
        allowed["content_language"] = StatementSchema.languages
        return allowed
    }()
    static let allowedV1: [String: Set<String>] = Dictionary(uniqueKeysWithValues: allowedV2.map { column, values in
        (column, column == "content_language" ? values : values.union(legacyValues[column] ?? []))
    })

    static let legacyValues: [String: Set<String>] = [
        "category": Set(TDBStatement.legacyCategories.keys),
        "category_addition": Set(TDBStatement.legacyCategories.keys),
        "category_specification": [
            "KEYWORD_ONLINE_BULLYING_INTIMIDATION", "KEYWORD_INSUFFICIENT_INFORMATION_TRADERS", "KEYWORD_DISINFORMATION",
            "KEYWORD_NON_CONSENSUAL_ITEMS_DEEPFAKE", "KEYWORD_MISINFORMATION", "KEYWORD_FOREIGN_INFORMATION_MANIPULATION",
            "KEYWORD_REGULATED_GOODS_SERVICES", "KEYWORD_DANGEROUS_TOYS", "KEYWORD_GENDER_BASED_VIOLENCE",
            "KEYWORD_IMAGE_BASED_SEXUAL_ABUSE",
        ],
    ]

    /// Every problem of this row, in a fixed order: end dates, then missing fields, then values
    /// outside the enumerations, each in dump column order.
    ///
    /// A column the layout lacks (the light dump has no `decision_facts`, `territorial_scope` or
    /// explanations) is never reported missing. The enumerations are `StatementSchema`'s (v2); a
    /// statement created before 1 July 2025 may also hold the v1 values of the Commission's
    /// correspondence table. A list that is not JSON is not checked here: `TDBStatement.map`
    /// rejects the row.
    public func problems() -> [TDBRowProblem] {
        var out: [TDBRowProblem] = []
        func present(_ column: String) -> Bool {
            guard let v = self[column] else { return false }
            if let items = TDBStatement.parseList(v) { return items.contains(where: \.hasNonSpace) }
            return v.hasNonSpace
        }
        func items(_ column: String) -> [String] {
            guard let v = self[column] else { return [] }
            return StatementSchema.listFields.contains(column) ? TDBStatement.parseList(v) ?? [] : [v]
        }
        func cut(_ s: String) -> String { s.count > 100 ? String(s.prefix(99)) + "…" : s }

        // The restriction cannot end before it was applied.
        if let appliedText = self["application_date"], let applied = TDBStatement.instant(appliedText) {
            for r in TDBStatement.restrictions {
                if let endText = self[r.column], let end = TDBStatement.instant(endText), end < applied {
                    out.append(TDBRowProblem(kind: .endBeforeApplication, field: r.column, values: [endText], detail: "before application_date \(appliedText)"))
                }
            }
        }

        // Mandatory fields, then the fields a value of another makes mandatory.
        var missing: [(column: String, detail: String)] = []
        for column in Self.mandatoryColumns where carries(column) && !present(column) {
            missing.append((column, "required in every statement"))
        }
        if !Self.decisionColumns.contains(where: present) {
            missing.append((Self.decisionColumns.joined(separator: "|"), "at least one of \(Self.decisionColumns.joined(separator: ", ")) is required"))
        }
        let ground = self["decision_ground"]
        let conditional: [(column: String, applies: Bool, condition: String)] = [
            ("decision_visibility_other", items("decision_visibility").contains("DECISION_VISIBILITY_OTHER"), "decision_visibility contains DECISION_VISIBILITY_OTHER"),
            ("decision_monetary_other", self["decision_monetary"] == "DECISION_MONETARY_OTHER", "decision_monetary is DECISION_MONETARY_OTHER"),
            ("illegal_content_legal_ground", ground == "DECISION_GROUND_ILLEGAL_CONTENT", "decision_ground is DECISION_GROUND_ILLEGAL_CONTENT"),
            ("illegal_content_explanation", ground == "DECISION_GROUND_ILLEGAL_CONTENT", "decision_ground is DECISION_GROUND_ILLEGAL_CONTENT"),
            ("incompatible_content_ground", ground == "DECISION_GROUND_INCOMPATIBLE_CONTENT", "decision_ground is DECISION_GROUND_INCOMPATIBLE_CONTENT"),
            ("incompatible_content_explanation", ground == "DECISION_GROUND_INCOMPATIBLE_CONTENT", "decision_ground is DECISION_GROUND_INCOMPATIBLE_CONTENT"),
            ("content_type_other", items("content_type").contains("CONTENT_TYPE_OTHER"), "content_type contains CONTENT_TYPE_OTHER"),
        ]
        for c in conditional where c.applies && carries(c.column) && !present(c.column) {
            missing.append((c.column, "required when \(c.condition)"))
        }
        let order = Self.columnOrder
        for m in missing.sorted(by: { (order[$0.column] ?? -1, $0.column) < (order[$1.column] ?? -1, $1.column) }) {
            out.append(TDBRowProblem(kind: .missingMandatory, field: m.column, detail: m.detail))
        }

        // Values outside the enumeration of the statement's schema generation.
        let v1 = (self["created_at"].map { String($0.prefix(10)) } ?? Self.schemaV2From) < Self.schemaV2From
        for column in schema.columns {
            guard let allowed = (v1 ? Self.allowedV1 : Self.allowedV2)[column] else { continue }
            let bad = items(column).filter { !allowed.contains($0) }
            guard !bad.isEmpty else { continue }
            let schemaName = v1 ? "schema v1 (before \(Self.schemaV2From): v2 and the legacy values of the Commission's table)" : "schema v2"
            out.append(TDBRowProblem(kind: .outsideEnumeration, field: column, values: bad.map(cut), detail: "not among the values of \(column) in \(schemaName)"))
        }
        return out
    }
}

extension String {
    /// Whether the text holds anything but spaces and tabs (`CharacterSet.whitespaces`): what
    /// `trimmingCharacters(in: .whitespaces)` leaves non-empty, without going through NSString
    /// for every field of every row.
    var hasNonSpace: Bool {
        for b in utf8 {
            if b >= 0x80 { return unicodeScalars.contains { !CharacterSet.whitespaces.contains($0) } }
            if b != 32, b != 9 { return true }
        }
        return false
    }
}
