/// The column layouts of the DSA Transparency Database's daily dump CSV parts.
///
/// The Commission's export (`app/Exports/StatementExportTrait.php`, `headings()` and
/// `headingsLight()`) writes one header row per part; the layout is told from it, never guessed
/// from the file name.
public enum TDBSchema: String, Sendable, CaseIterable {
    /// Full dump, current: 38 columns, with `content_id_ean` (from March 2025).
    case full
    /// Full dump before March 2025: 37 columns, without `content_id_ean`.
    case fullWithoutEAN = "full-without-ean"
    /// Light dump, current: 34 columns (no explanations, `territorial_scope` or `decision_facts`).
    case light
    /// Light dump before March 2025: 33 columns.
    case lightWithoutEAN = "light-without-ean"

    /// The current full layout, in the export's order.
    public static let fullColumns: [String] = [
        "uuid", "decision_visibility", "decision_visibility_other", "end_date_visibility_restriction",
        "decision_monetary", "decision_monetary_other", "end_date_monetary_restriction",
        "decision_provision", "end_date_service_restriction", "decision_account", "end_date_account_restriction",
        "account_type", "decision_ground", "decision_ground_reference_url",
        "illegal_content_legal_ground", "illegal_content_explanation", "incompatible_content_ground",
        "incompatible_content_explanation", "incompatible_content_illegal",
        "category", "category_addition", "category_specification", "category_specification_other",
        "content_type", "content_type_other", "content_language", "content_date", "content_id_ean",
        "territorial_scope", "application_date", "decision_facts", "source_type", "source_identity",
        "automated_detection", "automated_decision", "platform_name", "platform_uid", "created_at",
    ]

    /// The columns the light dump leaves out (free text, and the territorial scope).
    public static let lightOmits: Set<String> = [
        "illegal_content_explanation", "incompatible_content_explanation", "territorial_scope", "decision_facts",
    ]

    /// This layout's columns, in order.
    public var columns: [String] { Self.layouts[self]?.columns ?? [] }

    /// The position of `column` in this layout, or nil when the layout lacks it.
    public func index(of column: String) -> Int? { Self.layouts[self]?.index[column] }

    public var isLight: Bool { self == .light || self == .lightWithoutEAN }

    /// In words, for summaries and errors: `full dump, 38 columns`.
    public var summary: String {
        switch self {
        case .full: "full dump, 38 columns"
        case .fullWithoutEAN: "full dump before 2025-03, 37 columns"
        case .light: "light dump, 34 columns"
        case .lightWithoutEAN: "light dump before 2025-03, 33 columns"
        }
    }

    /// The layout whose header is exactly `names` (a byte-order mark before the first is ignored).
    public static func detect(header names: [String]) -> TDBSchema? {
        var names = names
        if let first = names.first, first.hasPrefix("\u{FEFF}") { names[0] = String(first.dropFirst()) }
        return allCases.first { $0.columns == names }
    }

    /// Why `names` is not a dump header: what is missing and what is extra, against the closest
    /// layout (the one sharing most columns).
    static func mismatch(header names: [String]) -> String {
        let given = Set(names)
        let closest = allCases.max { a, b in
            Set(a.columns).intersection(given).count < Set(b.columns).intersection(given).count
        } ?? .full
        let missing = closest.columns.filter { !given.contains($0) }
        let extra = names.filter { !Set(closest.columns).contains($0) }
        var parts: [String] = []
        if !missing.isEmpty { parts.append("lacks \(list(missing))") }
        if !extra.isEmpty { parts.append("has unknown column(s) \(list(extra))") }
        if parts.isEmpty { parts.append("has the columns in another order") }
        return "\(names.count) columns; closest to the \(closest.summary), it " + parts.joined(separator: " and ")
    }

    private static func list(_ names: [String]) -> String {
        let shown = names.prefix(6).map { "'\($0)'" }.joined(separator: ", ")
        return names.count > 6 ? shown + " and \(names.count - 6) more" : shown
    }

    private static let layouts: [TDBSchema: (columns: [String], index: [String: Int])] = {
        var out: [TDBSchema: (columns: [String], index: [String: Int])] = [:]
        for schema in allCases {
            var columns = fullColumns
            if schema == .fullWithoutEAN || schema == .lightWithoutEAN { columns.removeAll { $0 == "content_id_ean" } }
            if schema.isLight { columns.removeAll { lightOmits.contains($0) } }
            out[schema] = (columns, Dictionary(uniqueKeysWithValues: columns.enumerated().map { ($1, $0) }))
        }
        return out
    }()
}
