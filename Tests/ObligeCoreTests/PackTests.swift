import Foundation
import ObligeCore
import ObligeTestSupport
import Testing

@Suite("Shipped rule packs: worked examples, dated duties, generated reference")
struct PackTests {
    typealias T = TestSupport

    @Test func everyShippedRuleHasAtLeastThreePassingExamples() throws {
        let set = try RuleLoader.load(root: T.rulesRoot)
        let outcomes = ExampleRunner.runAll(set)
        let failed = outcomes.filter { !$0.passed }.map { "\($0.example.origin) \($0.example.rule) '\($0.example.name)': \($0.failures.joined(separator: "; "))" }
        #expect(failed.isEmpty, "\(failed.joined(separator: "\n"))")
        var counts: [String: Int] = [:]
        for e in set.examples { counts[e.rule, default: 0] += 1 }
        let thin = set.ids.filter { (counts[$0] ?? 0) < 3 }
        #expect(thin.isEmpty, "rules with fewer than three worked examples: \(thin)")
        for pack in ["dsa", "tco", "netzdg", "uk-osa", "au-osa", "us-2258a", "fr-lcen", "authority"] {
            #expect(set.rules.contains { $0.regime == pack }, "no rules in pack \(pack)")
        }
    }

    @Test func theGeneratedReferenceIsCurrent() throws {
        let set = try RuleLoader.load(root: T.rulesRoot)
        let path = T.repoRoot.appendingPathComponent("docs/rules.md").path
        let committed = try String(contentsOfFile: path, encoding: .utf8)
        #expect(committed == RulesReference.markdown(set), "docs/rules.md is stale: run `oblige rules doc -o docs/rules.md`")
        #expect(committed.hasPrefix(RulesReference.header))
    }

    /// An example that expects the wrong verdict fails, and says what differs.
    @Test func aWrongExampleFails() throws {
        let rule = Fixture.tco + "\n" + """
            ---
            profile: {platform: P, enterprise_size: large, services: [{id: main, kinds: [hosting]}]}
            examples:
              - name: wrong on purpose
                events:
                  - {type: order.received, at: "2025-03-29T10:00:00+01:00", order_kind: removal}
                  - {type: content.removed, at: "2025-03-29T11:00:01+01:00"}
                expect: {status: met, deadline: "2025-03-29T11:00:00+01:00"}
              - name: right
                events:
                  - {type: order.received, at: "2025-03-29T10:00:00+01:00", order_kind: removal}
                expect: {status: pending, deadline: "2025-03-29T11:00:00+01:00"}
            """
        let set = try RuleLoader.load(root: try T.library(["tco/r.yaml": rule]))
        let outcomes = ExampleRunner.runAll(set)
        #expect(outcomes.map(\.passed) == [false, true])
        #expect(outcomes[0].failures == ["status: expected met, found late"])
    }

    @Test func examplesAreCheckedLikeRules() throws {
        let rule = Fixture.tco + "\n" + """
            ---
            examples:
              - name: no profile
                events: [{type: order.recieved, at: "2025-03-29T10:00:00+01:00"}]
                expect: {status: met, deadline: "2025-03-29T11:00:00"}
            """
        let lib = try T.library(["tco/r.yaml": rule])
        do {
            _ = try RuleLoader.load(root: lib)
            Issue.record("a broken examples document loaded")
        } catch {
            let text = error.errors.map(\.description).joined(separator: "\n")
            #expect(text.contains("has no platform profile"))
            #expect(text.contains("deadline: '2025-03-29T11:00:00' is not an RFC 3339 date-time"))
            #expect(error.errors.allSatisfy { $0.location?.line != nil })
        }
    }

    static let reports = """
        id: dsa.test.reports
        title: Half-yearly report
        regime: dsa
        citation: {instrument: Test, article: "1", url: https://example.org, confidence: interpretation}
        notes: test
        zone: Europe/Brussels
        effective: {from: 2025-07-01}
        applies_to: {services: [online_platform]}
        schedule: {periods: P6M, due: P2M}
        fulfilled_by: [{event: report.published, where: {report: dsa_transparency}}]
        severity: medium
        """

    @Test func datedDutiesInAnAuditAndBeyondIt() throws {
        let set = try RuleLoader.load(root: try T.library(["dsa/r.yaml": Self.reports]))
        let profile = try T.profile()
        let published = Event(
            id: "r1", caseID: "reports", type: "report.published", at: T.instant("2026-02-20T10:00:00+01:00"),
            attributes: ["report": .list(["dsa_transparency"])], origin: SourceLocation(file: "t"))
        let asOf = T.instant("2026-08-01T00:00:00Z")
        let audit = try Auditor.evaluate(rules: set, profile: profile, events: [published], options: AuditOptions(asOf: asOf))
        #expect(audit.findings.map(\.instanceLabel) == ["2025-H2", "2026-H1"])
        #expect(audit.findings.map(\.status) == [.met, .pending])
        #expect(audit.findings.map(\.caseID) == ["main", "main"])
        #expect(audit.findings[1].deadline == T.instant("2026-09-01T00:00:00+02:00"))

        // The calendar's horizon adds instances whose periods have not ended yet.
        let horizon = T.instant("2027-12-31T00:00:00Z")
        let ahead = try Auditor.evaluate(rules: set, profile: profile, events: [published], options: AuditOptions(asOf: asOf, horizon: horizon))
        #expect(ahead.findings.map(\.instanceLabel) == ["2025-H2", "2026-H1", "2026-H2", "2027-H1"])
        let window = CalendarReport.Window(from: asOf, to: horizon)
        #expect(CalendarReport.entries(ahead, window).map(\.instanceLabel) == ["2026-H1", "2026-H2", "2027-H1"])
        #expect(CalendarReport.text(ahead, window).contains("upcoming"))
    }

    @Test(arguments: [
        ("schedule: {periods: P6M, due: P2M}\ntrigger: notice.received", "a rule has a trigger or a schedule, not both"),
        ("schedule: {periods: P5M, due: P2M}", "is not a calendar-aligned period"),
        ("schedule: {periods: P6M}", "periods need `due:`"),
        ("schedule: {first_due: {after: designation}}", "counts from a designation, but applies_to names none"),
        ("schedule: {periods: P6M, due: P2M}\ndeadline: {elapsed: PT1H}", "takes no deadline"),
    ])
    func scheduleMistakesAreErrors(replacement: String, message: String) throws {
        let text = Self.reports.replacingOccurrences(of: "schedule: {periods: P6M, due: P2M}", with: replacement)
        let lib = try T.library(["dsa/r.yaml": text])
        do {
            _ = try RuleLoader.load(root: lib)
            Issue.record("loaded: \(replacement)")
        } catch {
            #expect(error.errors.contains { $0.message.contains(message) }, "\(error.errors.map(\.message))")
        }
    }
}
