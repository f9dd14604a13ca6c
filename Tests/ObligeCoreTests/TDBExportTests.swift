import Foundation
import ObligeCore
import ObligeTestSupport
import Testing

/// A statement that passes every check; each validation case below breaks or varies one thing.
private func validStatement() -> SubmissionStatement {
    SubmissionStatement(fields: [
        "puid": .text("e-0001"),
        "decision_visibility": .list(["DECISION_VISIBILITY_CONTENT_REMOVED"]),
        "decision_ground": .text("DECISION_GROUND_ILLEGAL_CONTENT"),
        "illegal_content_legal_ground": .text("Art 263 Strafgesetzbuch (fraud)"),
        "illegal_content_explanation": .text("The listing asks for advance payment for goods that do not exist."),
        "content_type": .list(["CONTENT_TYPE_TEXT"]),
        "category": .text("STATEMENT_CATEGORY_SCAMS_AND_FRAUD"),
        "territorial_scope": .list(["DE", "AT"]),
        "content_date": .text("2025-06-30"),
        "application_date": .text("2025-07-01"),
        "decision_facts": .text("Notice from a user; reviewed by a moderator."),
        "source_type": .text("SOURCE_ARTICLE_16"),
        "automated_detection": .text("No"),
        "automated_decision": .text("AUTOMATED_DECISION_NOT_AUTOMATED"),
    ])
}

/// One validation case: a change to the valid statement, and the field and rule it must break
/// (nil: the change is allowed and the statement stays valid).
struct ValidationCase: Sendable, CustomTestStringConvertible {
    var name: String
    var set: [String: SubmissionStatement.Value?]
    var field: String?
    var rule: String?
    var testDescription: String { name }

    static func fails(_ name: String, _ set: [String: SubmissionStatement.Value?], _ field: String, _ rule: StatementRule) -> ValidationCase {
        ValidationCase(name: name, set: set, field: field, rule: rule.name)
    }
    static func passes(_ name: String, _ set: [String: SubmissionStatement.Value?]) -> ValidationCase {
        ValidationCase(name: name, set: set, field: nil, rule: nil)
    }
}

private let long5000 = String(repeating: "x", count: 5000)

private let validationCases: [ValidationCase] = [
    // required
    .fails("decision_facts missing", ["decision_facts": nil], "decision_facts", .required),
    .fails("decision_facts blank", ["decision_facts": .text("   ")], "decision_facts", .required),
    .fails("territorial_scope empty", ["territorial_scope": .list([])], "territorial_scope", .required),
    .fails("puid missing", ["puid": nil], "puid", .required),
    .passes("optional account_type given", ["account_type": .text("ACCOUNT_TYPE_PRIVATE")]),
    // one of the four decision kinds
    .fails("no decision kind", ["decision_visibility": nil], "decision_visibility", .decisionKind),
    .passes("only an account decision", ["decision_visibility": nil, "decision_account": .text("DECISION_ACCOUNT_SUSPENDED")]),
    .passes("only a service decision", ["decision_visibility": nil, "decision_provision": .text("DECISION_PROVISION_TOTAL_SUSPENSION")]),
    // enumerations
    .fails("category outside the list", ["category": .text("STATEMENT_CATEGORY_ILLEGAL_HATE_SPEECH")], "category", .enumeration),
    .fails("legacy v1 category", ["category": .text("STATEMENT_CATEGORY_PORNOGRAPHY_OR_SEXUALIZED_CONTENT")], "category", .enumeration),
    .fails("keyword defined but not accepted", ["category_specification": .list(["KEYWORD_DANGEROUS_TOYS"])], "category_specification", .enumeration),
    .passes("a v2 keyword", ["category_specification": .list(["KEYWORD_PHISHING", "KEYWORD_OTHER"]), "category_specification_other": .text("fake bank page")]),
    .fails("Greece written EL", ["territorial_scope": .list(["EL"])], "territorial_scope", .enumeration),
    .passes("Greece written GR, and EEA states", ["territorial_scope": .list(["GR", "IS", "LI", "NO"])]),
    .fails("lower-case language", ["content_language": .text("de")], "content_language", .enumeration),
    .passes("upper-case language", ["content_language": .text("DE")]),
    .fails("automated_detection true", ["automated_detection": .text("true")], "automated_detection", .enumeration),
    .fails("source type without prefix", ["source_type": .text("VOLUNTARY")], "source_type", .enumeration),
    .fails("content type unknown", ["content_type": .list(["CONTENT_TYPE_LIVESTREAM"])], "content_type", .enumeration),
    // conditional fields
    .fails("visibility other without text", ["decision_visibility": .list(["DECISION_VISIBILITY_OTHER"])], "decision_visibility_other", .conditional),
    .fails("visibility text without other", ["decision_visibility_other": .text("hidden from search")], "decision_visibility_other", .conditional),
    .passes("visibility other with text", ["decision_visibility": .list(["DECISION_VISIBILITY_OTHER"]), "decision_visibility_other": .text("hidden from search")]),
    .fails("monetary other without text", ["decision_monetary": .text("DECISION_MONETARY_OTHER")], "decision_monetary_other", .conditional),
    .passes("monetary other with text", ["decision_monetary": .text("DECISION_MONETARY_OTHER"), "decision_monetary_other": .text("payout delayed")]),
    .fails("illegal ground without legal ground", ["illegal_content_legal_ground": nil], "illegal_content_legal_ground", .conditional),
    .fails(
        "incompatible ground with illegal-content fields",
        ["decision_ground": .text("DECISION_GROUND_INCOMPATIBLE_CONTENT"), "incompatible_content_ground": .text("Terms 4.2"), "incompatible_content_explanation": .text("spam")],
        "illegal_content_legal_ground", .conditional),
    .fails(
        "incompatible ground without its explanation",
        ["decision_ground": .text("DECISION_GROUND_INCOMPATIBLE_CONTENT"), "illegal_content_legal_ground": nil, "illegal_content_explanation": nil, "incompatible_content_ground": .text("Terms 4.2")],
        "incompatible_content_explanation", .conditional),
    .passes(
        "incompatible ground with its fields",
        [
            "decision_ground": .text("DECISION_GROUND_INCOMPATIBLE_CONTENT"), "illegal_content_legal_ground": nil, "illegal_content_explanation": nil,
            "incompatible_content_ground": .text("Terms 4.2"), "incompatible_content_explanation": .text("spam"), "incompatible_content_illegal": .text("No"),
        ]),
    .fails("incompatible_content_illegal under the illegal ground", ["incompatible_content_illegal": .text("Yes")], "incompatible_content_illegal", .conditional),
    .fails("content type other without text", ["content_type": .list(["CONTENT_TYPE_OTHER"])], "content_type_other", .conditional),
    .fails("content type text without other", ["content_type_other": .text("livestream")], "content_type_other", .conditional),
    .passes("content type other with text", ["content_type": .list(["CONTENT_TYPE_VIDEO", "CONTENT_TYPE_OTHER"]), "content_type_other": .text("livestream")]),
    .fails("source identity on a voluntary decision", ["source_type": .text("SOURCE_VOLUNTARY"), "source_identity": .text("Trusted flagger X")], "source_identity", .conditional),
    .passes("source identity on a notice", ["source_identity": .text("Trusted flagger X")]),
    .fails("keyword other text without KEYWORD_OTHER", ["category_specification_other": .text("fake bank page")], "category_specification_other", .conditional),
    // lengths
    .fails("facts of 5001 characters", ["decision_facts": .text(long5000 + "y")], "decision_facts", .length),
    .passes("facts of 5000 characters", ["decision_facts": .text(long5000)]),
    .passes("facts of 5000 characters, some outside ASCII", ["decision_facts": .text(String(repeating: "é", count: 5000))]),
    .fails("explanation of 2001 characters", ["illegal_content_explanation": .text(String(repeating: "x", count: 2001))], "illegal_content_explanation", .length),
    .fails("puid of 501 characters", ["puid": .text(String(repeating: "a", count: 501))], "puid", .length),
    .passes("puid of 500 characters", ["puid": .text(String(repeating: "a", count: 500))]),
    // puid pattern
    .fails("puid with a slash", ["puid": .text("case/17")], "puid", .puidPattern),
    .fails("puid with a dot", ["puid": .text("e.1")], "puid", .puidPattern),
    .fails("puid with a trailing newline", ["puid": .text("e1\n")], "puid", .puidPattern),
    .passes("puid of letters, digits, - and _", ["puid": .text("Case-17_b9")]),
    // dates
    .fails("impossible date", ["content_date": .text("2025-02-29")], "content_date", .dateFormat),
    .fails("date with a time", ["application_date": .text("2025-07-01 10:00:00")], "application_date", .dateFormat),
    .passes("leap day", ["content_date": .text("2024-02-29")]),
    .fails("content before 2000", ["content_date": .text("1999-12-31")], "content_date", .dateRange),
    .passes("content on 2000-01-01", ["content_date": .text("2000-01-01")]),
    .fails("applied before 2020", ["application_date": .text("2019-12-31"), "content_date": .text("2019-12-01")], "application_date", .dateRange),
    .fails("restriction ending after 2038-01-01", ["end_date_visibility_restriction": .text("2038-01-02")], "end_date_visibility_restriction", .dateRange),
    .passes("restriction ending on 2038-01-01", ["end_date_visibility_restriction": .text("2038-01-01")]),
    // Oblige's own consistency checks
    .fails("restriction ending before it was applied", ["end_date_account_restriction": .text("2025-06-30"), "decision_account": .text("DECISION_ACCOUNT_SUSPENDED")], "end_date_account_restriction", .consistency),
    .fails("content dated after the decision", ["content_date": .text("2025-07-02")], "content_date", .consistency),
    .passes("restriction ending the day it was applied", ["end_date_visibility_restriction": .text("2025-07-01")]),
    // types, URL, EAN-13, unknown fields
    .fails("content_type as text", ["content_type": .text("CONTENT_TYPE_TEXT")], "content_type", .valueType),
    .fails("decision_facts as a number", ["decision_facts": .unsupported("a number or a boolean")], "decision_facts", .valueType),
    .fails("reference that is not a URL", ["decision_ground_reference_url": .text("see our terms")], "decision_ground_reference_url", .url),
    .fails("reference over FTP", ["decision_ground_reference_url": .text("ftp://example.com/terms")], "decision_ground_reference_url", .url),
    .passes("reference over https", ["decision_ground_reference_url": .text("https://example.com/terms#s4")]),
    .fails("EAN of 12 digits", ["content_id": .object(["EAN-13": "400638133393"])], "content_id", .ean13),
    .passes("EAN of 13 digits", ["content_id": .object(["EAN-13": "4006381333931"])]),
    .fails("a misspelt field", ["decision_fact": .text("x")], "decision_fact", .unknownField),
]

@Suite("Transparency Database export")
struct TDBExportTests {
    typealias T = TestSupport

    @Test func theBaselineStatementIsValid() {
        #expect(StatementValidator.problems(in: validStatement()).isEmpty)
    }

    @Test(arguments: validationCases)
    func validation(_ c: ValidationCase) {
        var s = validStatement()
        for (field, value) in c.set { s[field] = value }
        let problems = StatementValidator.problems(in: s)
        if let field = c.field, let rule = c.rule {
            #expect(problems.contains { $0.field == field && $0.rule.name == rule }, "expected \(field) [\(rule)], got \(problems)")
        } else {
            #expect(problems.isEmpty, "\(problems)")
        }
    }

    @Test func theSchemaListsTheCommissionsValues() {
        #expect(StatementSchema.keywords.count == 69)
        #expect(Set(StatementSchema.keywords).count == 69)
        #expect(!StatementSchema.keywords.contains("KEYWORD_DANGEROUS_TOYS"))
        #expect(StatementSchema.categories.count == 16)
        #expect(StatementSchema.countries.count == 30)
        #expect(StatementSchema.languages.count == 184)
        #expect(StatementSchema.contentTypes.count == 8 && StatementSchema.decisionVisibilities.count == 7)
    }

    // MARK: From events to statements

    static func event(
        _ id: String, _ caseID: String = "c1", type: String = "restriction.imposed", at: String = "2025-07-02T00:30:00+02:00",
        _ attributes: [String: AttributeValue] = [:], line: Int = 1
    ) -> Event {
        let offset = at.hasSuffix("Z") ? 0 : (Int(at.suffix(6).prefix(3)) ?? 0) * 3600
        return Event(id: id, caseID: caseID, type: type, at: T.instant(at), offsetSeconds: offset, attributes: Attributes(attributes), origin: SourceLocation(file: "log.jsonl", line: line))
    }

    /// A decision with every attribute a statement needs.
    static func complete(_ id: String, _ caseID: String = "c1", at: String = "2025-07-02T00:30:00+02:00", with extra: [String: AttributeValue] = [:]) -> Event {
        var a: [String: AttributeValue] = [
            "measure": .list(["removal"]), "ground": .string("illegal_content"), "basis": .string("own_initiative"),
            "legal_ground": .string("StGB 263"), "explanation": .string("Advance-fee fraud."), "content_type": .list(["text"]),
            "category": .string("scams_and_fraud"), "territorial_scope": .list(["DE", "EL"]), "content_date": .string("2025-06-30T22:00:00-04:00"),
            "decision_facts": .string("Detected by a classifier, confirmed by a moderator."), "automated_detection": .string("true"),
            "automated_decision": .string("partially"),
        ]
        for (k, v) in extra { a[k] = v }
        return event(id, caseID, at: at, a)
    }

    @Test func aDecisionBecomesTheStatementTheAPIExpects() throws {
        let r = SubmissionExport.export(events: [Self.complete("d1")], profile: try T.profile())
        #expect(r.problems.isEmpty, "\(r.problems)")
        #expect(r.batches.count == 1)
        // Application date: the day as the log wrote it (+02:00), not the UTC day (2025-07-01).
        // Content date: the date as written. EL becomes GR. Own initiative is SOURCE_VOLUNTARY.
        #expect(
            r.statements.first?.json.text
                == #"{"puid":"d1","decision_visibility":["DECISION_VISIBILITY_CONTENT_REMOVED"],"decision_ground":"DECISION_GROUND_ILLEGAL_CONTENT","illegal_content_legal_ground":"StGB 263","illegal_content_explanation":"Advance-fee fraud.","content_type":["CONTENT_TYPE_TEXT"],"category":"STATEMENT_CATEGORY_SCAMS_AND_FRAUD","territorial_scope":["DE","GR"],"content_date":"2025-06-30","application_date":"2025-07-02","decision_facts":"Detected by a classifier, confirmed by a moderator.","source_type":"SOURCE_VOLUNTARY","automated_detection":"Yes","automated_decision":"AUTOMATED_DECISION_PARTIALLY"}"#
        )
    }

    @Test func measuresMapToTheFourDecisionKinds() {
        let e = Self.complete(
            "d1",
            with: [
                "measure": .list(["labelling", "demotion", "payments", "service", "account_suspension"]), "decision_monetary": .string("suspension"),
                "decision_provision": .string("partial_termination"), "account_type": .string("business"), "end_date_account_restriction": .string("2025-08-01"),
            ])
        let (s, mapping) = SubmissionExport.statement(for: e, caseEvents: [e])
        #expect(mapping.isEmpty)
        #expect(s.list("decision_visibility") == ["DECISION_VISIBILITY_CONTENT_DEMOTED", "DECISION_VISIBILITY_CONTENT_LABELLED"])
        #expect(s.text("decision_monetary") == "DECISION_MONETARY_SUSPENSION")
        #expect(s.text("decision_provision") == "DECISION_PROVISION_PARTIAL_TERMINATION")
        #expect(s.text("decision_account") == "DECISION_ACCOUNT_SUSPENDED")
        #expect(s.text("account_type") == "ACCOUNT_TYPE_BUSINESS")
        #expect(s.text("end_date_account_restriction") == "2025-08-01")
        #expect(StatementValidator.problems(in: s).isEmpty)
    }

    @Test func mappingProblemsNameTheAttribute() throws {
        let both = Self.complete("d1", with: ["measure": .list(["account_suspension", "account_termination"])])
        let payments = Self.complete("d2", with: ["measure": .list(["payments"])])
        let stray = Self.complete("d3", with: ["decision_provision": .string("total_suspension")])
        let r = SubmissionExport.export(events: [both, payments, stray], profile: try T.profile())
        #expect(r.rejected == ["d1", "d2", "d3"])
        #expect(r.problems.contains { $0.eventID == "d1" && $0.field == "decision_account" && $0.rule == .enumeration })
        #expect(r.problems.contains { $0.eventID == "d2" && $0.field == "decision_monetary" && $0.rule == .required && $0.fix.contains("attribute decision_monetary") })
        #expect(r.problems.contains { $0.eventID == "d3" && $0.field == "decision_provision" && $0.rule == .conditional })
    }

    @Test func theNoticeGivesCategoryAndSource() {
        let notice = Self.event("n1", type: "notice.received", at: "2025-07-01T10:00:00Z", ["source": .string("trusted_flagger"), "category": .string("violence")])
        var decision = Self.complete("d1", with: ["basis": .string("notice")])
        decision.attributes["category"] = nil
        let (s, _) = SubmissionExport.statement(for: decision, caseEvents: [notice, decision])
        #expect(s.text("category") == "STATEMENT_CATEGORY_VIOLENCE")
        #expect(s.text("source_type") == "SOURCE_TRUSTED_FLAGGER")
        let (own, _) = SubmissionExport.statement(for: Self.complete("d2", with: ["source_type": .string("other_notification")]), caseEvents: [notice])
        #expect(own.text("source_type") == "SOURCE_TYPE_OTHER_NOTIFICATION")
    }

    @Test func decisionsThatOweNoStatementAreSkippedWithTheirReason() throws {
        let events = [
            Self.complete("d1", "c1", with: ["basis": .string("art9_order")]),
            Self.complete("d2", "c2", with: ["deceptive_commercial": .string("true")]),
            Self.complete("d3", "c3"),
            Self.complete("d4", "c4", with: ["service": .string("other")]),
            Self.event("r1", "c5", type: "content.removed"),
            Self.event("r2", "c3", type: "content.removed"),  // the act of decision d3: not a second statement
            Self.complete("d5", "c6"),
        ]
        let twoServices = try PlatformProfile.load(
            path: T.file(
                "platform.yaml",
                "platform: Two\nenterprise_size: large\nservices:\n  - id: main\n    kinds: [online_platform]\n  - id: other\n    kinds: [online_platform]\n"))
        let r = SubmissionExport.export(events: events, profile: twoServices, options: ExportOptions(service: "main", submitted: ["d3"]))
        #expect(r.decisions == 5)
        #expect(r.statements.compactMap { $0.text("puid") } == ["d5"])
        #expect(Dictionary(uniqueKeysWithValues: r.skipped.map { ($0.eventID, $0.reason) }) == [
            "d1": .art9Order, "d2": .deceptiveCommercial, "d3": .alreadySubmitted, "d4": .otherService, "r1": .noDecision,
        ])
        #expect(r.problems.isEmpty)
        #expect(
            SubmissionExport.reportText(r).hasPrefix(
                "5 decisions: 1 statements in 1 request body, 0 cannot be submitted, 4 skipped; 1 content.removed or content.disabled without a restriction.imposed\n"))
    }

    @Test func aPUIDUsedTwiceRejectsTheSecondDecision() throws {
        let a = Self.complete("d1", at: "2025-07-02T00:30:00+02:00", with: ["puid": .string("sor-1")])
        let b = Self.complete("d2", at: "2025-07-02T00:31:00+02:00", with: ["puid": .string("sor-1")])
        let r = SubmissionExport.export(events: [b, a], profile: try T.profile())
        #expect(r.statements.compactMap { $0.text("puid") } == ["sor-1"])
        #expect(r.rejected == ["d2"])
        #expect(r.problems.map(\.rule) == [.puidUnique])
        #expect(r.problems.first?.message.contains("d1") == true)
    }

    @Test func anIDTheAPIRefusesIsReportedNotRewritten() throws {
        let r = SubmissionExport.export(events: [Self.complete("case/17.a")], profile: try T.profile())
        #expect(r.statements.isEmpty)
        #expect(r.problems.map { "\($0.field) \($0.rule)" } == ["puid puid-pattern"])
        #expect(r.problems.first?.origin.description == "log.jsonl:1")
        #expect(r.problems.first?.fix.contains("attribute puid") == true)
        #expect(SubmissionExport.reportText(r).contains("\nlog.jsonl:1: error: event case/17.a (case c1): puid: [puid-pattern] "))
        let json = SubmissionExport.reportJSON(r).text
        #expect(json.hasPrefix(#"{"decisions":1,"statements":0,"batches":[],"rejected":["case/17.a"],"problems":[{"event":"case/17.a","case":"c1","file":"log.jsonl","line":1,"puid":"case/17.a","field":"puid","rule":"puid-pattern","#))
    }

    // MARK: Batches

    static func decisions(_ n: Int) -> [Event] {
        (0..<n).map { (i: Int) -> Event in
            let day: Int = 1 + i / 1440 % 28, hour: Int = i / 60 % 24, minute: Int = i % 60
            let at = String(format: "2025-07-%02dT%02d:%02d:00Z", day, hour, minute)
            return Self.complete(String(format: "d%04d", i), "c\(i)", at: at)
        }
    }

    @Test(arguments: [(100, [100]), (101, [100, 1]), (250, [100, 100, 50])])
    func batchesHoldAtMost100Statements(_ n: Int, _ sizes: [Int]) throws {
        let r = SubmissionExport.export(events: Self.decisions(n), profile: try T.profile())
        #expect(r.problems.isEmpty)
        #expect(r.batches.count == sizes.count)
        for (body, size) in zip(r.batches, sizes) {
            let object = try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any]
            #expect((object?["statements"] as? [Any])?.count == size)
            #expect(StatementValidator.problems(inBody: body).isEmpty)
        }
    }

    @Test func bodiesOutsideOneTo100AreRefused() {
        let s = validStatement().json
        let empty = StatementValidator.problems(inBody: #"{"statements": []}"#)
        #expect(empty.map(\.problem.rule) == [.body])
        let many = JSONValue.object([("statements", .array(Array(repeating: s, count: 101)))]).text
        let problems = StatementValidator.problems(inBody: many)
        #expect(problems.contains { $0.index == nil && $0.problem.rule == .body })
        #expect(problems.filter { $0.problem.rule == .puidUnique }.count == 100)  // the same puid 101 times
        #expect(StatementValidator.problems(inBody: "[1, 2]").map(\.problem.rule) == [.body])
    }

    @Test func theExportIsDeterministic() throws {
        let events = Self.decisions(150) + [Self.complete("bad", "cx", with: ["category": .string("hate")])]
        let a = SubmissionExport.export(events: events, profile: try T.profile())
        let b = SubmissionExport.export(events: events.reversed(), profile: try T.profile())
        #expect(a.batches == b.batches)
        #expect(a.problems == b.problems)
        let dirA = T.temporaryDirectory().appendingPathComponent("out").path
        let dirB = T.temporaryDirectory().appendingPathComponent("out").path
        try SubmissionExport.write(batches: a.batches, to: dirA)
        try SubmissionExport.write(batches: b.batches, to: dirB)
        for name in ["statements-0001.json", "statements-0002.json"] {
            let x = try Data(contentsOf: URL(fileURLWithPath: dirA + "/" + name))
            let y = try Data(contentsOf: URL(fileURLWithPath: dirB + "/" + name))
            #expect(x == y)
        }
    }

    @Test func roundTripWrittenFilesValidateAgain() throws {
        let r = SubmissionExport.export(events: Self.decisions(120), profile: try T.profile())
        let dir = T.temporaryDirectory().appendingPathComponent("sor").path
        try SubmissionExport.write(batches: r.batches, to: dir)
        let names = try FileManager.default.contentsOfDirectory(atPath: dir).sorted()
        #expect(names == ["statements-0001.json", "statements-0002.json"])
        var count = 0
        for name in names {
            let text = try String(contentsOfFile: dir + "/" + name, encoding: .utf8)
            #expect(StatementValidator.problems(inBody: text).isEmpty)
            let object = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]
            let statements = (object?["statements"] as? [[String: Any]] ?? []).map(SubmissionStatement.init(jsonObject:))
            count += statements.count
            #expect(statements == Array(r.statements[(name.hasSuffix("1.json") ? 0 : 100)..<(name.hasSuffix("1.json") ? 100 : 120)]))
        }
        #expect(count == 120)
    }

    @Test func theWriterReplacesAnEarlierExportAndRefusesAForeignFolder() throws {
        let base = T.temporaryDirectory()
        let dir = base.appendingPathComponent("sor").path
        let three = SubmissionExport.export(events: Self.decisions(250), profile: try T.profile()).batches
        try SubmissionExport.write(batches: three, to: dir)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir).count == 3)
        let one = SubmissionExport.export(events: Self.decisions(5), profile: try T.profile()).batches
        try SubmissionExport.write(batches: one, to: dir)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir) == ["statements-0001.json"])
        // No staging folder is left beside it.
        #expect(try FileManager.default.contentsOfDirectory(atPath: base.path) == ["sor"])

        try "keep me".write(toFile: dir + "/notes.txt", atomically: true, encoding: .utf8)
        #expect(throws: ObligeError.self) { try SubmissionExport.write(batches: three, to: dir) }
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir).sorted() == ["notes.txt", "statements-0001.json"])
    }

    @Test func submittedPUIDsAreReadOneALine() throws {
        let path = T.file("submitted.txt", "# sent on 2025-07-02\nd0001\n\n  d0002  \n")
        #expect(try SubmissionExport.readSubmittedPUIDs(path: path) == ["d0001", "d0002"])
        let r = SubmissionExport.export(events: Self.decisions(3), profile: try T.profile(), options: ExportOptions(submitted: try SubmissionExport.readSubmittedPUIDs(path: path)))
        #expect(r.statements.compactMap { $0.text("puid") } == ["d0000"])
        #expect(r.skipped.map(\.reason) == [.alreadySubmitted, .alreadySubmitted])
    }

    // MARK: The demo log

    /// The demo's 40 decisions carry what a statement needs (Fixtures/demo/make_demo.py): every
    /// one exports, in one body, and the body passes the validator again.
    @Test func theDemoLogsDecisionsAllExport() throws {
        let rules = try RuleLoader.load(root: T.rulesRoot)
        let profile = try PlatformProfile.load(path: T.demoDir.appendingPathComponent("platform.yaml").path)
        var rejects = 0
        let events = try SubmissionExport.readEvents(
            rules: rules, profile: profile, logs: [LogInput(path: T.demoDir.appendingPathComponent("incidents.jsonl").path, format: .jsonl)]
        ) { _ in rejects += 1 }
        #expect(rejects == 0)
        let r = SubmissionExport.export(events: events, profile: profile)
        // 40 restriction.imposed (one per notice-NNN case whose notice led to a removal).
        #expect(r.decisions == 40)
        #expect(r.statements.count == 40)
        #expect(r.rejected.isEmpty)
        #expect(r.problems.isEmpty, "\(r.problems.prefix(3).map(\.message))")
        #expect(r.batches.count == 1)
        #expect(StatementValidator.problems(inBody: r.batches[0]).isEmpty)
        // content.removed / content.disabled in the 27 cases without restriction.imposed (orders,
        // NetzDG, eSafety, dsa16-dst).
        #expect(r.skipped.count == 27 && r.skipped.allSatisfy { $0.reason == .noDecision })
    }
}
