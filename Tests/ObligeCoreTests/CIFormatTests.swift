import Foundation
import ObligeCore
import ObligeTestSupport
import Testing

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// JUnit XML and SARIF on one small audit with every outcome: met, late, overdue, pending, two
/// breaches in one case, a case id full of markup and a control character, a dated duty, a
/// trigger that cannot be evaluated, and waivers (case-specific, rule-wide, expired).
@Suite("CI formats")
struct CIFormatTests {
    typealias T = TestSupport

    /// `x<&"'>]]>`, a control character XML 1.0 cannot hold, a tab, `y`.
    static let nastyCase = "x<&\"'>]]>\u{1}\ty"

    static let reports = PackTests.reports

    static let summons = Fixture.rule(
        id: "authority.test", regime: "authority", trigger: "summons.received", fulfilled: "[summons.answered]",
        deadline: "{attribute: respond_by}", effective: "{from: 2017-01-01}", applies: "{services: [intermediary]}")

    static let waivers = [
        Waiver(id: "W1", rule: "tco.test.removal", caseID: "waived", justification: "order withdrawn by the authority", approver: "Legal <A&B>", expires: nil),
        Waiver(id: "W2", rule: "dsa.test.reports", caseID: nil, justification: "first report filed on paper", approver: "Jane Doe", expires: T.date("2026-12-31")),
        Waiver(id: "W3", rule: "tco.test.removal", caseID: "late", justification: "expired", approver: "Jane Doe", expires: T.date("2026-07-01")),
    ]

    static func audit() throws -> AuditResult {
        let order = { (id: String, c: String, at: String) in T.jsonl(id, c, "order.received", at, ["order_kind": "removal"]) }
        let lines = [
            order("o1", "met", "2026-07-31T10:00:00Z"),
            T.jsonl("r1", "met", "content.removed", "2026-07-31T10:30:00Z"),
            order("o2", "late", "2026-07-31T10:00:00Z"),
            T.jsonl("r2", "late", "content.disabled", "2026-07-31T11:12:05Z"),
            order("o3", "overdue", "2026-07-31T10:00:00Z"),
            order("o4", "pending", "2026-07-31T23:30:00Z"),
            order("o5", "waived", "2026-07-31T10:00:00Z"),
            order("o6", "two", "2026-07-31T09:00:00Z"),
            order("o7", "two", "2026-07-31T10:00:00Z"),
            #"{"id": "o8", "case": "x<&\"'>]]>\u0001\ty", "type": "order.received", "at": "2026-07-31T10:00:00Z", "order_kind": "removal"}"#,
            T.jsonl("s1", "summons", "summons.received", "2026-07-31T10:00:00Z"),
        ]
        let lib = try T.library(["tco/r.yaml": Fixture.tco, "dsa/r.yaml": reports, "authority/r.yaml": summons])
        let (result, rejects) = try T.audit(library: lib, profile: T.profile(), lines: lines, asOf: "2026-08-01T00:00:00Z")
        try #require(rejects.isEmpty, "rejected: \(rejects.map(\.reason))")
        var r = result
        r.apply(waivers)
        return r
    }

    // MARK: JUnit

    func junit() throws -> XMLElement {
        let text = JUnitReport.render(try Self.audit())
        let doc = try XMLDocument(data: Data(text.utf8), options: [])
        return try #require(doc.rootElement())
    }

    func attr(_ e: XMLElement, _ name: String) -> String? { e.attribute(forName: name)?.stringValue }

    func testcase(_ root: XMLElement, _ rule: String, _ name: String) throws -> XMLElement {
        let all = root.elements(forName: "testsuite").flatMap { $0.elements(forName: "testcase") }
        return try #require(all.first { attr($0, "classname") == rule && attr($0, "name") == name }, "no testcase \(rule) \(name)")
    }

    @Test("JUnit: one suite per regime, one test case per rule and case, counts on suites and on the root")
    func junitStructure() throws {
        let root = try junit()
        #expect(root.name == "testsuites")
        let suites = root.elements(forName: "testsuite")
        #expect(suites.map { attr($0, "name") } == ["authority", "dsa", "tco"])
        let tco = try #require(suites.last)
        // Cases by rule, then clock start: "two" starts at 09:00, the 23:30 order is last.
        #expect(tco.elements(forName: "testcase").map { attr($0, "name") } == ["two", "late", "met", "overdue", "waived", Self.nastyCase.replacingOccurrences(of: "\u{1}", with: "\u{FFFD}"), "pending"])
        #expect([attr(tco, "tests"), attr(tco, "failures"), attr(tco, "errors"), attr(tco, "skipped")] == ["7", "4", "0", "1"])
        let dsa = suites[1]
        #expect([attr(dsa, "tests"), attr(dsa, "failures"), attr(dsa, "errors"), attr(dsa, "skipped")] == ["2", "0", "0", "1"])
        #expect([attr(root, "tests"), attr(root, "failures"), attr(root, "errors"), attr(root, "skipped")] == ["10", "4", "1", "2"])
        let props = try #require(tco.elements(forName: "properties").first).elements(forName: "property")
        #expect(props.map { "\(attr($0, "name") ?? "")=\(attr($0, "value") ?? "")" } == ["as_of=2026-08-01T00:00:00Z", "platform=Test Platform"])
    }

    @Test("JUnit: a breach is a failure whose message says how late and whose text is the timeline")
    func junitFailure() throws {
        let root = try junit()
        let late = try #require(try testcase(root, "tco.test.removal", "late").elements(forName: "failure").first)
        #expect(attr(late, "type") == "late")
        #expect(attr(late, "message") == "late by 12m 05s (deadline 2026-07-31T11:00:00Z)")
        let text = late.stringValue ?? ""
        for expected in [
            "started:", "order.received o2 at 2026-07-31T10:00:00Z", "clock start:", "deadline:", "2026-07-31T11:00:00Z",
            "fulfilled:", "content.disabled r2 at 2026-07-31T11:12:05Z", "late by:", "12m 05s (725 s)",
            "citation:", "Test instrument, Art 3(3)", "https://example.org/law", "timeline:", "◆ trigger: clock starts",
        ] {
            #expect(text.contains(expected), "failure text lacks \(expected)")
        }
        // The expired waiver W3 does not cover it.
        #expect(!text.contains("W3"))

        let overdue = try #require(try testcase(root, "tco.test.removal", "overdue").elements(forName: "failure").first)
        #expect(attr(overdue, "type") == "overdue")
        #expect(attr(overdue, "message") == "overdue by 13h 00m 00s (deadline 2026-07-31T11:00:00Z)")
        #expect(overdue.stringValue?.contains("none by the audit instant 2026-08-01T00:00:00Z") == true)

        let two = try #require(try testcase(root, "tco.test.removal", "two").elements(forName: "failure").first)
        #expect(attr(two, "message") == "2 breaches: overdue by 14h 00m 00s; overdue by 13h 00m 00s")
        #expect(two.stringValue?.contains("order.received o6") == true)
        #expect(two.stringValue?.contains("order.received o7") == true)
    }

    @Test("JUnit: met and pending pass; a dated duty's test case names its period; an unevaluable trigger is an error")
    func junitOtherOutcomes() throws {
        let root = try junit()
        for name in ["met", "pending"] {
            #expect((try testcase(root, "tco.test.removal", name).children ?? []).isEmpty, "\(name) should be a bare passing testcase")
        }
        #expect((try testcase(root, "dsa.test.reports", "main 2026-H1").children ?? []).isEmpty)
        #expect(try testcase(root, "dsa.test.reports", "main 2025-H2").elements(forName: "skipped").count == 1)
        let error = try #require(try testcase(root, "authority.test", "summons").elements(forName: "error").first)
        #expect(attr(error, "message")?.contains("respond_by") == true)
        #expect(error.stringValue?.contains("summons.received s1") == true)
        #expect(error.stringValue?.contains("fix:") == true)
    }

    @Test("JUnit: a waived breach is skipped with who waived it, why and until when")
    func junitWaived() throws {
        let root = try junit()
        let waived = try testcase(root, "tco.test.removal", "waived")
        #expect(waived.elements(forName: "failure").isEmpty)
        let skipped = try #require(waived.elements(forName: "skipped").first)
        #expect(attr(skipped, "message") == "waived by Legal <A&B> (W1): order withdrawn by the authority (no expiry)")
        let duty = try #require(try testcase(root, "dsa.test.reports", "main 2025-H2").elements(forName: "skipped").first)
        #expect(attr(duty, "message") == "waived by Jane Doe (W2): first report filed on paper (expires 2026-12-31)")
    }

    @Test("JUnit: markup is escaped, tabs and newlines survive in attributes, characters XML 1.0 forbids become U+FFFD")
    func junitEscaping() throws {
        let text = JUnitReport.render(try Self.audit())
        #expect(!text.unicodeScalars.contains { $0.value < 0x20 && $0 != "\n" && $0 != "\t" })
        #expect(text.contains(#"name="x&lt;&amp;&quot;&apos;&gt;]]&gt;�&#9;y""#))
        let root = try junit()
        let nasty = try testcase(root, "tco.test.removal", "x<&\"'>]]>\u{FFFD}\ty")
        #expect(nasty.elements(forName: "failure").first?.stringValue?.contains("case x<&\"'>]]>\u{FFFD}\ty") == true)
    }

    @Test("JUnit and SARIF are byte-identical for identical audits")
    func deterministic() throws {
        let a = try Self.audit(), b = try Self.audit()
        // The log lands in a fresh temporary folder each time: compare with the folder named alike.
        func same(_ s: String, _ r: AuditResult) -> String { s.replacingOccurrences(of: r.logs[0].path, with: "LOG") }
        #expect(same(JUnitReport.render(a), a) == same(JUnitReport.render(b), b))
        #expect(same(SARIFReport.render(a), a) == same(SARIFReport.render(b), b))
    }

    // MARK: SARIF

    func sarif(_ r: AuditResult? = nil, informationURI: String? = "https://example.org/oblige") throws -> [String: Any] {
        let text = SARIFReport.render(try r ?? Self.audit(), informationURI: informationURI)
        return try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    func run(_ doc: [String: Any]) throws -> [String: Any] {
        let runs = try #require(doc["runs"] as? [[String: Any]])
        try #require(runs.count == 1)
        return runs[0]
    }

    func results(_ doc: [String: Any]) throws -> [[String: Any]] { try #require(try run(doc)["results"] as? [[String: Any]]) }

    @Test("SARIF: version, schema, and every rule of the rule set with its citation")
    func sarifRules() throws {
        let doc = try sarif()
        #expect(doc["version"] as? String == "2.1.0")
        #expect(doc["$schema"] as? String == SARIFReport.schemaURI)
        let driver = try #require((try run(doc)["tool"] as? [String: Any])?["driver"] as? [String: Any])
        #expect(driver["name"] as? String == "oblige")
        #expect(driver["informationUri"] as? String == "https://example.org/oblige")
        let rules = try #require(driver["rules"] as? [[String: Any]])
        #expect(rules.map { $0["id"] as? String } == ["authority.test", "dsa.test.reports", "tco.test.removal"])
        let tco = rules[2]
        #expect(tco["name"] as? String == "TcoTestRemoval")
        #expect((tco["shortDescription"] as? [String: Any])?["text"] as? String == "Test rule")
        #expect(((tco["fullDescription"] as? [String: Any])?["text"] as? String)?.contains("Test instrument, Art 3(3)") == true)
        #expect(tco["helpUri"] as? String == "https://example.org/law")
        let props = try #require(tco["properties"] as? [String: Any])
        #expect(props["citation"] as? String == "Test instrument, Art 3(3)")
        #expect(props["confidence"] as? String == "confirmed")
        #expect(props["regime"] as? String == "tco")
        #expect(props["severity"] as? String == "critical")
        #expect((rules[1]["defaultConfiguration"] as? [String: Any])?["level"] as? String == "warning")
        let duty = try #require((rules[1]["fullDescription"] as? [String: Any])?["text"] as? String)
        #expect(duty.hasPrefix("Half-yearly report. Dated duty: each half-year (January–June, July–December), due 2 months after the period ends. Test, Art 1."))
        #expect(!SARIFReport.render(try Self.audit()).contains("informationUri"))
    }

    @Test("SARIF: one result per breach, located at the trigger's log line, with a fingerprint and the timeline")
    func sarifResults() throws {
        let audit = try Self.audit()
        let results = try results(try sarif(audit))
        #expect(results.count == audit.breaches.count)
        #expect(results.count == 7)
        let late = try #require(results.first { ($0["properties"] as? [String: Any])?["caseId"] as? String == "late" })
        #expect(late["ruleId"] as? String == "tco.test.removal")
        #expect(late["ruleIndex"] as? Int == 2)
        #expect(late["level"] as? String == "error")
        let message = try #require((late["message"] as? [String: Any])?["text"] as? String)
        #expect(message.hasPrefix("Late by 12m 05s: Test rule (tco.test.removal, case late)."))
        #expect(message.contains("Deadline: 2026-07-31T11:00:00Z"))
        #expect(message.contains("Fulfilled: content.disabled r2 at 2026-07-31T11:12:05Z"))
        let location = try #require((late["locations"] as? [[String: Any]])?.first)
        let physical = try #require(location["physicalLocation"] as? [String: Any])
        #expect((physical["artifactLocation"] as? [String: Any])?["uri"] as? String == "file://" + audit.logs[0].path)
        #expect((physical["region"] as? [String: Any])?["startLine"] as? Int == 3)
        #expect((location["logicalLocations"] as? [[String: Any]])?.first?["name"] as? String == "late")
        let finding = try #require(audit.findings.first { $0.caseID == "late" })
        #expect((late["partialFingerprints"] as? [String: Any])?["obligeFinding/v1"] as? String == finding.fingerprint)
        let props = try #require(late["properties"] as? [String: Any])
        #expect(props["status"] as? String == "late")
        #expect(props["deadline"] as? String == "2026-07-31T11:00:00Z")
        #expect(props["lateBySeconds"] as? Int == 725)
        #expect(late["suppressions"] == nil)

        // A dated duty has no trigger line: only its service as a logical location.
        let duty = try #require(results.first { $0["ruleId"] as? String == "dsa.test.reports" })
        #expect(duty["level"] as? String == "warning")
        let dutyLocation = try #require((duty["locations"] as? [[String: Any]])?.first)
        #expect(dutyLocation["physicalLocation"] == nil)
        #expect((dutyLocation["logicalLocations"] as? [[String: Any]])?.first?["kind"] as? String == "service")
        #expect((duty["properties"] as? [String: Any])?["instance"] as? String == "2025-H2")

        // JSON keeps the case id exactly, control character included.
        #expect(results.contains { ($0["properties"] as? [String: Any])?["caseId"] as? String == Self.nastyCase })
    }

    @Test("SARIF: waived breaches are results with an accepted external suppression")
    func sarifWaived() throws {
        let results = try results(try sarif())
        let waived = try #require(results.first { ($0["properties"] as? [String: Any])?["caseId"] as? String == "waived" })
        let suppression = try #require((waived["suppressions"] as? [[String: Any]])?.first)
        #expect(suppression["kind"] as? String == "external")
        #expect(suppression["status"] as? String == "accepted")
        #expect(suppression["justification"] as? String == "order withdrawn by the authority")
        #expect((suppression["properties"] as? [String: Any])?["approver"] as? String == "Legal <A&B>")
        #expect(results.filter { $0["suppressions"] != nil }.count == 2)
    }

    @Test("SARIF: an unevaluable trigger is an error notification of the invocation")
    func sarifProblems() throws {
        let invocation = try #require((try run(try sarif())["invocations"] as? [[String: Any]])?.first)
        #expect(invocation["executionSuccessful"] as? Bool == true)
        let note = try #require((invocation["toolExecutionNotifications"] as? [[String: Any]])?.first)
        #expect(note["level"] as? String == "error")
        #expect((note["associatedRule"] as? [String: Any])?["id"] as? String == "authority.test")
        #expect(((note["message"] as? [String: Any])?["text"] as? String)?.contains("respond_by") == true)
    }

    @Test("SARIF: a log path becomes a URI reference: relative stays relative, unsafe characters are encoded")
    func sarifPaths() throws {
        var audit = try Self.audit()
        let i = try #require(audit.findings.firstIndex { $0.caseID == "late" })
        audit.findings[i].trigger?.origin = SourceLocation(file: "exports/May 2026:#1%.jsonl", line: 7)
        let late = try #require(try results(try sarif(audit)).first { ($0["properties"] as? [String: Any])?["caseId"] as? String == "late" })
        let physical = try #require((late["locations"] as? [[String: Any]])?.first?["physicalLocation"] as? [String: Any])
        #expect((physical["artifactLocation"] as? [String: Any])?["uri"] as? String == "exports/May%202026%3A%231%25.jsonl")
        #expect((physical["region"] as? [String: Any])?["startLine"] as? Int == 7)
    }

    @Test("SARIF levels follow severity", arguments: [(Severity.critical, "error"), (.high, "error"), (.medium, "warning"), (.low, "note")])
    func levels(_ severity: Severity, _ level: String) {
        #expect(SARIFReport.level(severity) == level)
    }

    /// Writes both formats where `OBLIGE_CI_SAMPLES` says, for `scripts/check-ci-formats` to hand
    /// to the real consumers (junitparser, the SARIF schema): this audit (`audit.*`, the awkward
    /// inputs), and the demo audit on the shipped library (`demo.*`, every real citation).
    @Test("the samples for the consumers' check render and are written when asked")
    func samplesForConsumers() throws {
        let audit = try Self.audit()
        let junit = JUnitReport.render(audit), sarif = SARIFReport.render(audit, informationURI: "https://example.org/oblige")
        #expect(junit.hasPrefix("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites"))
        #expect(sarif.hasPrefix("{\n  \"$schema\": "))
        guard let dir = ProcessInfo.processInfo.environment["OBLIGE_CI_SAMPLES"] else { return }
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try junit.write(toFile: dir + "/audit.junit.xml", atomically: true, encoding: .utf8)
        try sarif.write(toFile: dir + "/audit.sarif", atomically: true, encoding: .utf8)

        var demo = try Auditor.run(
            rules: RuleLoader.load(root: T.rulesRoot), profile: PlatformProfile.load(path: T.demoDir.appendingPathComponent("platform.yaml").path),
            logs: [LogInput(path: T.demoDir.appendingPathComponent("incidents.jsonl").path, format: .jsonl)], options: AuditOptions(asOf: T.instant("2025-11-01T00:00:00Z"))
        ) { _ in }
        let first = try #require(demo.breaches.first, "the demo audit has breaches on purpose")
        demo.apply([Waiver(id: "W1", rule: first.rule.id, caseID: first.caseID, justification: "sample waiver", approver: "CI", expires: nil)])
        try JUnitReport.render(demo).write(toFile: dir + "/demo.junit.xml", atomically: true, encoding: .utf8)
        try SARIFReport.render(demo).write(toFile: dir + "/demo.sarif", atomically: true, encoding: .utf8)
    }
}
