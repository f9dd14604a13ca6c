import Foundation
import ObligeCore
import ObligeTestSupport
import Testing

/// The consistency checks on Transparency Database dump rows: what the reader finds (`TDBRow.problems`),
/// the `sor.inconsistent` events, the import summary, and the findings of the shipped check rules.
@Suite("Transparency Database consistency checks")
struct TDBChecksTests {
    typealias T = TestSupport

    /// One 38-column row from its non-empty cells; every other column is empty (the dump's null).
    static func row(_ cells: [String: String]) -> String {
        TDBSchema.fullColumns.map { column in
            guard let v = cells[column] else { return "" }
            return "\"" + v.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        }.joined(separator: ",")
    }

    /// A statement that passes every check: created under schema v2, incompatible with the terms.
    static let base: [String: String] = [
        "uuid": "00000000-0000-4000-8000-0000000000c1", "decision_visibility": #"["DECISION_VISIBILITY_CONTENT_REMOVED"]"#,
        "decision_ground": "DECISION_GROUND_INCOMPATIBLE_CONTENT", "incompatible_content_ground": "Terms 4.2",
        "incompatible_content_explanation": "Spam", "category": "STATEMENT_CATEGORY_SCAMS_AND_FRAUD",
        "content_type": #"["CONTENT_TYPE_TEXT"]"#, "content_language": "EN", "content_date": "2025-07-30 00:00:00",
        "territorial_scope": #"["DE","FR"]"#, "application_date": "2025-07-31 00:00:00", "decision_facts": "Repeated spam.",
        "source_type": "SOURCE_VOLUNTARY", "automated_detection": "Yes", "automated_decision": "AUTOMATED_DECISION_FULLY",
        "platform_name": "Example Forum", "platform_uid": "puid-c1", "created_at": "2025-08-01 10:00:00",
    ]

    static func variant(_ n: Int, _ changes: [String: String?]) -> [String: String] {
        var cells = base
        cells["uuid"] = "00000000-0000-4000-8000-0000000000c\(n)"
        cells["platform_uid"] = "puid-c\(n)"
        for (k, v) in changes { cells[k] = v }
        return cells
    }

    /// Lines 2-7: clean; an end date before the application (and one on the same day); two missing
    /// fields; no decision at all; four values outside the enumerations; legacy v1 values in a
    /// statement created before 1 July 2025.
    static var handMade: String {
        let rows = [
            base,
            variant(2, ["end_date_visibility_restriction": "2025-07-30 00:00:00", "end_date_account_restriction": "2025-07-31 00:00:00"]),
            variant(3, [
                "decision_facts": nil, "decision_ground": "DECISION_GROUND_ILLEGAL_CONTENT", "illegal_content_explanation": "Fraud",
                "incompatible_content_ground": nil, "incompatible_content_explanation": nil,
            ]),
            variant(4, ["decision_visibility": "[]"]),
            variant(5, ["territorial_scope": #"["DE","EL"]"#, "content_language": "en", "automated_detection": "Maybe", "category_specification": #"["KEYWORD_DISINFORMATION"]"#]),
            variant(6, [
                "category_specification": #"["KEYWORD_DISINFORMATION"]"#, "category": "STATEMENT_CATEGORY_SCOPE_OF_PLATFORM_SERVICE",
                "created_at": "2025-06-30 23:59:59", "content_date": "2025-06-28", "application_date": "2025-06-29",
            ]),
        ]
        return ([TDBSchema.fullColumns.joined(separator: ",")] + rows.map(row)).joined(separator: "\n") + "\n"
    }

    static func read(_ path: String) throws -> (rows: [(TDBRow, TDBStatement.Mapped)], summary: TDBImportSummary) {
        var rows: [(TDBRow, TDBStatement.Mapped)] = []
        let summary = try TDBDump.read(path) { item in
            if case .row(let row, let mapped) = item { rows.append((row, mapped)) }
        }
        return (rows, summary)
    }

    @Test("a hand-made row for each problem kind: the problems, their fields, values and details, in column order")
    func handMadeRows() throws {
        let path = T.file("sor-global-2025-08-01-full-00000-00000.csv", Self.handMade)
        let (rows, summary) = try Self.read(path)
        try #require(rows.count == 6)
        #expect(rows.map(\.0.location.line) == [2, 3, 4, 5, 6, 7])
        #expect(rows[0].1.problems.isEmpty)
        // The end on the day of the application is not earlier; the day before is.
        #expect(rows[1].1.problems == [
            TDBRowProblem(kind: .endBeforeApplication, field: "end_date_visibility_restriction", values: ["2025-07-30 00:00:00"], detail: "before application_date 2025-07-31 00:00:00"),
        ])
        #expect(rows[2].1.problems == [
            TDBRowProblem(kind: .missingMandatory, field: "illegal_content_legal_ground", detail: "required when decision_ground is DECISION_GROUND_ILLEGAL_CONTENT"),
            TDBRowProblem(kind: .missingMandatory, field: "decision_facts", detail: "required in every statement"),
        ])
        #expect(rows[3].1.problems == [
            TDBRowProblem(
                kind: .missingMandatory, field: "decision_visibility|decision_monetary|decision_provision|decision_account",
                detail: "at least one of decision_visibility, decision_monetary, decision_provision, decision_account is required"),
        ])
        #expect(rows[4].1.problems.map(\.kind) == Array(repeating: .outsideEnumeration, count: 4))
        #expect(rows[4].1.problems.map(\.field) == ["category_specification", "content_language", "territorial_scope", "automated_detection"])
        #expect(rows[4].1.problems.map(\.values) == [["KEYWORD_DISINFORMATION"], ["en"], ["EL"], ["Maybe"]])
        #expect(rows[4].1.problems[2].detail == "not among the values of territorial_scope in schema v2")
        // Before 1 July 2025 the v1 values of the Commission's table are in the enumeration.
        #expect(rows[5].1.problems.isEmpty)

        #expect(summary.rowsWithProblems == 4)
        #expect(summary.problemCount == 8)
        #expect(summary.problems[TDBRowProblem.Tally(kind: .missingMandatory, field: "decision_facts")] == 1)
        #expect(summary.problems[TDBRowProblem.Tally(kind: .endBeforeApplication, field: "end_date_visibility_restriction")] == 1)

        // Each problem is an event of the statement's case, at its created_at, read from the row.
        let e = try #require(rows[2].1.events.first { $0.type == TDBStatement.inconsistent })
        #expect(e.id == "00000000-0000-4000-8000-0000000000c3/inconsistent/missing_mandatory/illegal_content_legal_ground")
        #expect(e.caseID == "puid-c3")
        #expect(e.at == T.instant("2025-08-01T10:00:00Z"))
        #expect(e.origin == SourceLocation(file: path, line: 4))
        #expect(e[attribute: "uuid"] == "00000000-0000-4000-8000-0000000000c3")
        #expect(e[attribute: "platform_name"] == "Example Forum")
        #expect(e.attributes["value"] == nil)
        // The row is imported all the same.
        #expect(rows[2].1.events.map(\.type).prefix(3) == ["sor.content_dated", "sor.decision_applied", "sor.submitted"])
    }

    @Test("a light dump is not checked for the columns it does not carry")
    func lightColumns() throws {
        let header = TDBSchema.light.columns
        var cells = Self.base
        for c in TDBSchema.lightOmits { cells[c] = nil }
        let line = header.map { c in cells[c].map { "\"" + $0.replacingOccurrences(of: "\"", with: "\"\"") + "\"" } ?? "" }.joined(separator: ",")
        let path = T.file("sor-global-2025-08-01-light-00000-00000.csv", header.joined(separator: ",") + "\n" + line + "\n")
        let (rows, _) = try Self.read(path)
        #expect(rows.count == 1)
        #expect(rows.first?.1.problems == [])
    }

    static func audit(_ paths: [String]) throws -> AuditResult {
        let rules = try RuleLoader.load(root: T.rulesRoot)
        let profile = try PlatformProfile.load(path: T.demoDir.appendingPathComponent("platform.yaml").path)
        return try Auditor.run(
            rules: rules, profile: profile, logs: paths.map { LogInput(path: $0, format: .tdb) },
            options: AuditOptions(asOf: T.instant("2025-11-01T00:00:00Z"))
        ) { _ in }
    }

    static let checkRules = ["dsa.art17.sor-db-end-date", "dsa.art17.sor-db-missing-field", "dsa.art24.sor-db-enumeration"]

    @Test("the shipped check rules report each problem with its severity; text and JSON name the row (file:line) and the field")
    func findingsNameRowAndField() throws {
        let path = T.file("sor-global-2025-08-01-full-00000-00000.csv", Self.handMade)
        let r = try Self.audit([path])
        let checks = r.findings.filter { Self.checkRules.contains($0.rule.id) }
        #expect(checks.count == 8)
        #expect(checks.allSatisfy { $0.status == .violated && $0.deadline == nil && $0.rule.kind == .check })
        let byRule = Dictionary(grouping: checks, by: \.rule.id).mapValues(\.count)
        #expect(byRule == ["dsa.art17.sor-db-end-date": 1, "dsa.art17.sor-db-missing-field": 3, "dsa.art24.sor-db-enumeration": 4])
        #expect(Set(checks.filter { $0.rule.id == "dsa.art17.sor-db-missing-field" }.map(\.rule.severity)) == [.medium])
        #expect(Set(checks.filter { $0.rule.id != "dsa.art17.sor-db-missing-field" }.map(\.rule.severity)) == [.low])

        let text = TextReport.render(r, includeMet: false, rejectsNote: nil)
        #expect(text.contains("  consistency checks: 8 problems in 4 rows (imported all the same; findings below name each row): end_before_application end_date_visibility_restriction 1, missing_mandatory decision_facts 1, missing_mandatory decision_visibility|decision_monetary|decision_provision|decision_account 1, missing_mandatory illegal_content_legal_ground 1, outside_enumeration automated_detection 1, outside_enumeration category_specification 1, outside_enumeration content_language 1, outside_enumeration territorial_scope 1\n"))
        #expect(text.contains("VIOLATED dsa.art17.sor-db-missing-field · case puid-c3 · breached by the record itself\n"))
        #expect(text.contains("  found: \(path):4: detail=required in every statement, field=decision_facts, platform_name=Example Forum, problem=missing_mandatory, uuid=00000000-0000-4000-8000-0000000000c3\n"))
        #expect(text.contains("  found: \(path):3: detail=before application_date 2025-07-31 00:00:00, field=end_date_visibility_restriction, platform_name=Example Forum, problem=end_before_application, uuid=00000000-0000-4000-8000-0000000000c2, value=2025-07-30 00:00:00\n"))

        let doc = try #require(try JSONSerialization.jsonObject(with: Data(JSONReport.document(r).utf8)) as? [String: Any])
        let found = ((doc["findings"] as? [[String: Any]]) ?? []).filter { ($0["rule"] as? String).map(Self.checkRules.contains) ?? false }
        #expect(found.count == 8)
        let enumeration = try #require(found.first { $0["trigger"] as? String == "00000000-0000-4000-8000-0000000000c5/inconsistent/outside_enumeration/territorial_scope" })
        #expect(enumeration["record"] as? String == "\(path):6")
        #expect(enumeration["kind"] as? String == "check")
        #expect(enumeration["severity"] as? String == "low")
        let trigger = try #require((enumeration["events"] as? [[String: Any]])?.first { $0["id"] as? String == enumeration["trigger"] as? String })
        #expect(trigger["field"] as? String == "territorial_scope")
        #expect(trigger["problem"] as? String == "outside_enumeration")
        #expect(trigger["value"] as? [String] == ["EL"])
    }

    // Counted independently of Oblige (Python's csv module over the three parts, rules as in
    // docs/tdb.md): no end date before its application date (the three end dates equal it: lines 20
    // of 00000-00000, 24 and 51 of 00000-00001), no value outside the v1 enumerations (legacy
    // categories and keywords are v1 values), and decision_facts empty on two rows, both AliExpress,
    // lines 48 (uuid 87a73e2d-…) and 50 (e962780c-…) of 00000-00000. Line 22 of 00000-00001 has no
    // decision_visibility but a decision_account: not missing.
    @Test("the real dump rows: two statements without decision_facts, reported with file:line; no other problem")
    func realRows() throws {
        let dir = T.repoRoot.appendingPathComponent("Fixtures/tdb")
        let parts = ["sor-global-2024-03-14-full-00000-00000.csv", "sor-global-2024-03-14-full-00000-00001.csv", "sor-global-2024-03-14-full-00001-00001.csv"]
            .map { dir.appendingPathComponent($0).path }
        var summary = TDBImportSummary()
        var problems: [(Int?, TDBRowProblem)] = []
        for p in parts {
            let (rows, s) = try Self.read(p)
            summary = summary.appending(s)
            problems += rows.flatMap { row, mapped in mapped.problems.map { (row.location.line, $0) } }
        }
        #expect(summary.rows == 150)
        #expect(summary.rowsWithProblems == 2)
        #expect(summary.problems == [TDBRowProblem.Tally(kind: .missingMandatory, field: "decision_facts"): 2])
        #expect(problems.map(\.0) == [48, 50])

        let r = try Self.audit(parts)
        let checks = r.findings.filter { Self.checkRules.contains($0.rule.id) }.sorted { ($0.trigger?.origin.line ?? 0) < ($1.trigger?.origin.line ?? 0) }
        #expect(checks.map(\.rule.id) == ["dsa.art17.sor-db-missing-field", "dsa.art17.sor-db-missing-field"])
        #expect(checks.map(\.caseID) == ["29915155050", "29915155252"])
        #expect(checks.map { $0.trigger?.origin } == [SourceLocation(file: parts[0], line: 48), SourceLocation(file: parts[0], line: 50)])
        #expect(checks.map(\.clockStart) == [T.instant("2024-03-14T00:01:26Z"), T.instant("2024-03-14T00:01:26Z")])
        let text = TextReport.render(r, includeMet: false, rejectsNote: nil)
        #expect(text.contains("  consistency checks: 2 problems in 2 rows (imported all the same; findings below name each row): missing_mandatory decision_facts 2\n"))
        #expect(text.contains("  found: \(parts[0]):48: detail=required in every statement, field=decision_facts, platform_name=AliExpress, problem=missing_mandatory, uuid=87a73e2d-bedc-4fd9-9935-5e952956636a\n"))
    }
}
