import Foundation
import ObligeCore
import ObligeTestSupport
import Testing

/// Rules of kind `check`: the trigger is itself the breach. Engine, loader, worked examples and
/// every renderer, on a test rule over the shipped vocabulary.
@Suite("Check rules (the trigger is the breach)")
struct CheckRuleTests {
    typealias T = TestSupport

    static func checkRule(extra: String = "") -> String {
        """
        id: tco.test.check
        title: A removal order is never acceptable in this test
        regime: tco
        citation: {instrument: Test instrument, article: "3", url: "https://example.org/law", confidence: confirmed}
        notes: test
        zone: Europe/Brussels
        effective: {from: 2022-06-07}
        applies_to: {services: [hosting]}
        kind: check
        trigger: {event: order.received, where: {order_kind: removal}}
        severity: high
        penalty: tco.art18-3
        \(extra)
        """
    }

    static let lines = [
        T.jsonl("o1", "c1", "order.received", "2025-03-29T10:00:00+01:00", ["order_kind": "removal"]),
        T.jsonl("r1", "c1", "content.removed", "2025-03-29T10:10:00+01:00"),
        T.jsonl("o2", "c2", "order.received", "2025-03-30T10:00:00+02:00", ["order_kind": "act"]),
    ]

    static func audit() throws -> AuditResult {
        let lib = try T.library(["tco/check.yaml": checkRule()])
        return try T.audit(library: lib, profile: T.profile(), lines: lines, asOf: "2025-04-30T00:00:00Z").0
    }

    @Test("a check gives a violated finding at the trigger: no deadline, no lateness, nothing fulfils it; a trigger that fails the condition gives none")
    func engine() throws {
        let r = try Self.audit()
        try #require(r.findings.count == 1)
        let f = r.findings[0]
        #expect(f.rule.kind == .check)
        #expect(f.status == .violated)
        #expect(f.status.isBreach)
        #expect(f.trigger?.id == "o1")
        #expect(f.caseID == "c1")
        #expect(f.clockStart == T.instant("2025-03-29T09:00:00Z"))
        #expect(f.deadline == nil)
        #expect(f.fulfilment == nil)
        #expect(f.lateBySeconds == nil && f.earlyBySeconds == nil)
        #expect(r.activeBreaches.count == 1)
        // Exposure: a contravention on the trigger's day, at the trigger's instant.
        let c = Contravention(f)
        #expect(c.day == T.date("2025-03-29"))
        #expect(c.at == T.instant("2025-03-29T09:00:00Z"))
        #expect(!c.isOpen)
    }

    struct LoaderCase: Sendable, CustomTestStringConvertible {
        var key: String
        var yaml: String
        var testDescription: String { key }
    }

    @Test(
        "a check rule takes no clock keys: each is an error naming the key and its line",
        arguments: [
            LoaderCase(key: "deadline", yaml: "deadline: {elapsed: PT1H}"),
            LoaderCase(key: "fulfilled_by", yaml: "fulfilled_by: [content.removed]"),
            LoaderCase(key: "ended_by", yaml: "ended_by: [content.removed]"),
            LoaderCase(key: "suspend_on", yaml: "suspend_on: [order.clarification_requested]"),
            LoaderCase(key: "earlier_fulfilment_counts", yaml: "earlier_fulfilment_counts: true"),
        ])
    func loaderRefusesClockKeys(_ c: LoaderCase) throws {
        let lib = try T.library(["tco/check.yaml": Self.checkRule(extra: c.yaml)])
        let errors: [ObligeError]
        do {
            _ = try RuleLoader.load(root: lib)
            errors = []
        } catch {
            errors = error.errors
        }
        let match = errors.first { $0.message.contains("a check rule takes no \(c.key)") }
        #expect(match != nil, "got: \(errors.map(\.description))")
        // The extra key is the file's 13th line.
        #expect(match?.location?.line == 13)
        #expect(errors.count == 1, "got: \(errors.map(\.description))")
    }

    @Test("a check rule loads without deadline or fulfilled_by, and says so in words")
    func loads() throws {
        let set = try RuleLoader.load(root: try T.library(["tco/check.yaml": Self.checkRule()]))
        let rule = try #require(set.rules.first)
        #expect(rule.kind == .check)
        #expect(rule.fulfilledBy.isEmpty)
        #expect(rule.deadlineSummary == "none: the trigger is itself the breach (a check)")
        #expect(rule.startSummary == "breach: order.received where order_kind = removal")
        let reference = RulesReference.markdown(set)
        #expect(reference.contains("| breach | event order.received where order_kind = removal |"))
        #expect(reference.contains("| deadline | none: a check (the trigger is itself the breach) |"))
        #expect(!reference.contains("| fulfilled by |"))
    }

    @Test("worked examples: `deadline: none` passes for a check and fails for a rule with a deadline")
    func examples() throws {
        let examples = """
            ---
            profile: {platform: Example, enterprise_size: large, services: [{id: main, kinds: [hosting]}]}
            examples:
              - name: A removal order is the breach
                events:
                  - {type: order.received, at: "2025-03-29T10:00:00+01:00", order_kind: removal}
                expect: {status: violated, deadline: none}
              - name: An order to act is not
                events:
                  - {type: order.received, at: "2025-03-29T10:00:00+01:00", order_kind: act}
                expect: none
              - name: Wrongly expected as a breach with a deadline
                events:
                  - {type: order.received, at: "2025-03-29T10:00:00+01:00", order_kind: removal}
                expect: {status: violated, deadline: "2025-03-29T11:00:00+01:00"}
            """
        let set = try RuleLoader.load(root: try T.library(["tco/check.yaml": Self.checkRule() + "\n" + examples]))
        let outcomes = ExampleRunner.runAll(set)
        #expect(outcomes.count == 3)
        #expect(outcomes[0].failures.isEmpty, "\(outcomes[0].failures)")
        #expect(outcomes[1].failures.isEmpty, "\(outcomes[1].failures)")
        #expect(outcomes[2].failures.contains { $0.contains("deadline: expected 2025-03-29T11:00:00+01:00") && $0.contains("found none (a check)") })

        // A deadline rule expected with `deadline: none` fails: it has a clock.
        let deadlineExamples = """
            ---
            profile: {platform: Example, enterprise_size: large, services: [{id: main, kinds: [hosting]}]}
            examples:
              - name: Not a check
                events:
                  - {type: order.received, at: "2025-03-29T10:00:00+01:00", order_kind: removal}
                as_of: "2025-03-29T13:00:00+01:00"
                expect: {status: overdue, deadline: none}
            """
        let set2 = try RuleLoader.load(root: try T.library(["tco/r.yaml": Fixture.tco + "\n" + deadlineExamples]))
        let o = ExampleRunner.runAll(set2)
        #expect(o.count == 1)
        #expect(o[0].failures.contains { $0.contains("deadline: expected none (a check), found") })
    }

    @Test("every renderer says a check was breached by the record, with where it was read; none shows a deadline or lateness for it")
    func renderers() throws {
        let r = try Self.audit()
        let f = try #require(r.findings.first)
        let origin = "\(try #require(f.trigger).origin)"
        #expect(origin.hasSuffix("log.jsonl:1"))

        let text = TextReport.render(r, includeMet: false, rejectsNote: nil)
        #expect(text.contains("Findings: 1 — 1 breach (1 violated), 0 running, 0 met."))
        #expect(text.contains("VIOLATED tco.test.check · case c1 · breached by the record itself\n"))
        #expect(text.contains("  deadline: none: the trigger is itself the breach (a check)\n"))
        #expect(text.contains("  found: \(origin): order_kind=removal\n"))
        #expect(text.contains("order.received o1  ◆ the breach (a check: no clock)"))
        #expect(!text.contains("early"))

        let json = try #require(try JSONSerialization.jsonObject(with: Data(JSONReport.document(r).utf8)) as? [String: Any])
        let jf = try #require((json["findings"] as? [[String: Any]])?.first)
        #expect(jf["kind"] as? String == "check")
        #expect(jf["status"] as? String == "violated")
        #expect(jf["record"] as? String == origin)
        #expect(jf["deadline"] is NSNull)
        #expect(jf["early_by_seconds"] is NSNull)
        #expect(jf["deadline_rule"] as? String == "none: the trigger is itself the breach (a check)")

        let explain = ExplainReport.render(try T.audit(library: try T.library(["tco/check.yaml": Self.checkRule()]), profile: T.profile(), lines: Self.lines, asOf: "2025-04-30T00:00:00Z", explain: ["c1"]).0, caseID: "c1")
        #expect(explain.contains("triggered → VIOLATED"))
        #expect(explain.contains("the trigger is the breach (a check: no clock, nothing fulfils it): /"))
        #expect(explain.contains("/log.jsonl:1: order_kind=removal\n"))
        #expect(!explain.contains("in the case by the audit instant"))

        let junit = JUnitReport.render(r)
        #expect(junit.contains("type=\"violated\" message=\"breached by the record itself (at 2025-03-29T09:00:00Z)\""))
        #expect(junit.contains("found:"))
        #expect(!junit.contains("suspended"))

        let sarif = SARIFReport.render(r)
        #expect(sarif.contains("Breached by the record itself: A removal order is never acceptable in this test (tco.test.check, case c1). Breach: order.received o1"))
        #expect(sarif.contains("Found: \(origin): order_kind=removal."))
        #expect(sarif.contains("\"startLine\": 1"))

        let md = MarkdownReport.render(r)
        #expect(md.contains("**1 active breach** (1 violated)"))
        #expect(md.contains("### Explain and document: done late, ended early, or wrong in the record"))
        #expect(md.contains("1 record contradicts the duty: correct the source (case c1)"))
        #expect(md.contains("Deadline: none: the trigger is itself the breach (a check)."))

        let html = HTMLReport.render(r)
        #expect(html.contains("<dt>Found</dt><dd>"))
        #expect(html.contains("1 breach is of check rules (the record itself is the breach): no deadline, no lateness, not charted here."))
        #expect(!html.contains("class=\"spread\""))
        #expect(html.contains(">none (check)</td>"))

        // A check has no deadline: not in the calendar or its feed.
        let window = CalendarReport.Window(from: T.instant("2025-01-01T00:00:00Z"), to: T.instant("2026-01-01T00:00:00Z"), includeClosed: true)
        #expect(CalendarReport.entries(r, window).isEmpty)
        #expect(!ICSReport.render(r, window).contains("BEGIN:VEVENT"))
    }
}
