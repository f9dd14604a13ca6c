import ObligeCore
import ObligeTestSupport
import Testing

/// Rule text shared by the engine tests, in the rule language itself.
enum Fixture {
    static func rule(
        id: String = "tco.test.removal", regime: String = "tco", trigger: String = "{event: order.received, where: {order_kind: removal}}",
        fulfilled: String = "[content.removed, content.disabled]", deadline: String = "{elapsed: PT1H}", extra: String = "",
        effective: String = "{from: 2022-06-07}", applies: String = "{services: [hosting]}", kind: String = "deadline",
        zone: String = "Europe/Brussels"
    ) -> String {
        """
        id: \(id)
        title: Test rule
        regime: \(regime)
        citation: {instrument: Test instrument, article: "3", paragraph: "3", url: "https://example.org/law", confidence: confirmed}
        notes: test
        zone: \(zone)
        effective: \(effective)
        applies_to: \(applies)
        kind: \(kind)
        trigger: \(trigger)
        \(kind == "hold" ? "ended_by" : "fulfilled_by"): \(fulfilled)
        deadline: \(deadline)
        severity: critical
        \(extra)
        """
    }

    static let tco = rule(extra: "suspend_on: [order.clarification_requested]\nrestart_on: [order.clarified]")
}

@Suite("Engine")
struct EngineTests {
    typealias T = TestSupport

    func run(_ rules: [String: String], _ lines: [String], asOf: String = "2025-12-31T00:00:00Z", profile: PlatformProfile? = nil) throws -> AuditResult {
        let lib = try T.library(rules)
        return try T.audit(library: lib, profile: profile ?? T.profile(), lines: lines, asOf: asOf).0
    }

    func only(_ r: AuditResult) throws -> Finding {
        try #require(r.findings.count == 1, "expected one finding, got \(r.findings.map { "\($0.rule.id) \($0.status)" })")
        return r.findings[0]
    }

    @Test("a fulfilment exactly at the deadline instant is on time; a nanosecond later is late")
    func boundaryInstant() throws {
        let order = T.jsonl("o", "c", "order.received", "2025-03-29T10:00:00+01:00", ["order_kind": "removal"])
        let onTime = try only(run(["tco/r.yaml": Fixture.tco], [order, T.jsonl("r", "c", "content.removed", "2025-03-29T10:00:00Z")]))
        #expect(onTime.status == .met)
        let late = try only(run(["tco/r.yaml": Fixture.tco], [order, T.jsonl("r", "c", "content.removed", "2025-03-29T10:00:00.000000001Z")]))
        #expect(late.status == .late)
        #expect(late.lateBy == 1)
        #expect(late.lateBySeconds == 1)
    }

    @Test("statuses: met, late, overdue, pending")
    func statuses() throws {
        let lines = [
            T.jsonl("o1", "met", "order.received", "2025-05-01T10:00:00Z", ["order_kind": "removal"]),
            T.jsonl("r1", "met", "content.removed", "2025-05-01T10:59:59Z"),
            T.jsonl("o2", "late", "order.received", "2025-05-01T10:00:00Z", ["order_kind": "removal"]),
            T.jsonl("r2", "late", "content.disabled", "2025-05-01T11:12:05Z"),
            T.jsonl("o3", "overdue", "order.received", "2025-05-01T10:00:00Z", ["order_kind": "removal"]),
            T.jsonl("o4", "pending", "order.received", "2025-05-01T11:30:00Z", ["order_kind": "removal"]),
        ]
        let r = try run(["tco/r.yaml": Fixture.tco], lines, asOf: "2025-05-01T12:00:00Z")
        let byCase = Dictionary(uniqueKeysWithValues: r.findings.map { ($0.caseID, $0) })
        #expect(byCase["met"]?.status == .met)
        #expect(byCase["late"]?.status == .late)
        #expect(byCase["late"]?.lateBySeconds == Int64(12 * 60 + 5))
        #expect(byCase["overdue"]?.status == .overdue)
        #expect(byCase["overdue"]?.lateBySeconds == 3600)
        #expect(byCase["pending"]?.status == .pending)
        #expect(byCase["pending"]?.deadline == T.instant("2025-05-01T12:30:00Z"))
        #expect(r.breaches.count == 2)
    }

    @Test("TCO Art 3(8): the hour runs again from the clarification")
    func restartAfterClarification() throws {
        let lines = [
            T.jsonl("o", "c", "order.received", "2025-05-01T10:00:00Z", ["order_kind": "removal"]),
            T.jsonl("q", "c", "order.clarification_requested", "2025-05-01T10:20:00Z"),
            T.jsonl("a", "c", "order.clarified", "2025-05-01T14:00:00Z"),
            T.jsonl("r", "c", "content.removed", "2025-05-01T14:45:00Z"),
        ]
        let f = try only(run(["tco/r.yaml": Fixture.tco], lines))
        #expect(f.status == .met)
        #expect(f.clockStart == T.instant("2025-05-01T14:00:00Z"))
        #expect(f.deadline == T.instant("2025-05-01T15:00:00Z"))
        #expect(f.clockNotes.map(\.applied) == [true, true])
    }

    @Test("a clarification request after the hour has run cannot undo the breach")
    func lateSuspensionIgnored() throws {
        let lines = [
            T.jsonl("o", "c", "order.received", "2025-05-01T10:00:00Z", ["order_kind": "removal"]),
            T.jsonl("q", "c", "order.clarification_requested", "2025-05-01T11:20:00Z"),
            T.jsonl("a", "c", "order.clarified", "2025-05-01T14:00:00Z"),
            T.jsonl("r", "c", "content.removed", "2025-05-01T14:45:00Z"),
        ]
        let f = try only(run(["tco/r.yaml": Fixture.tco], lines))
        #expect(f.status == .late)
        #expect(f.deadline == T.instant("2025-05-01T11:00:00Z"))
        #expect(f.clockNotes.map(\.applied) == [false, false])
    }

    @Test("a suspended clock with no clarification yet is pending with no deadline")
    func suspended() throws {
        let lines = [
            T.jsonl("o", "c", "order.received", "2025-05-01T10:00:00Z", ["order_kind": "removal"]),
            T.jsonl("q", "c", "order.clarification_requested", "2025-05-01T10:20:00Z"),
        ]
        let f = try only(run(["tco/r.yaml": Fixture.tco], lines))
        #expect(f.status == .pending)
        #expect(f.deadline == nil)
    }

    @Test("an extension granted before expiry moves the deadline; one granted after does not")
    func extensions() throws {
        let rule = Fixture.rule(
            id: "au-osa.test", regime: "au-osa", trigger: "removal_notice.received", deadline: "{elapsed: PT24H}",
            extra: "extend_on: [{event: extension.granted, until: until}]", effective: "{from: 2022-01-23}",
            applies: "{services: [social_media_service]}", zone: "Australia/Sydney")
        let profile = try T.profile(kinds: ["social_media_service"])
        let granted = [
            T.jsonl("n", "c", "removal_notice.received", "2025-04-05T09:00:00+11:00"),
            T.jsonl("x", "c", "extension.granted", "2025-04-05T20:00:00+11:00", ["until": "2025-04-08"]),
            T.jsonl("r", "c", "content.removed", "2025-04-08T18:00:00+10:00"),
        ]
        let f = try only(run(["au-osa/r.yaml": rule], granted, profile: profile))
        #expect(f.status == .met)
        // 8 April ends at midnight AEST (+10:00): Sydney left daylight saving on 6 April 2025.
        #expect(f.deadline == T.instant("2025-04-08T14:00:00Z"))
        let tooLate = [
            T.jsonl("n", "c", "removal_notice.received", "2025-04-05T09:00:00+11:00"),
            T.jsonl("x", "c", "extension.granted", "2025-04-06T12:00:00+10:00", ["until": "2025-04-08"]),
            T.jsonl("r", "c", "content.removed", "2025-04-08T18:00:00+10:00"),
        ]
        let g = try only(run(["au-osa/r.yaml": rule], tooLate, profile: profile))
        #expect(g.status == .late)
        #expect(g.clockNotes.first?.applied == false)
        // 24 hours of real time across the end of daylight saving: 08:00 AEST, not 09:00.
        #expect(g.deadline == T.instant("2025-04-05T22:00:00Z"))
    }

    static let preserve = """
        \(Fixture.rule(id: "us-2258a.test", regime: "us-2258a", trigger: "cybertipline.reported", fulfilled: "[preservation.ended]", deadline: "{calendar: P90D}", effective: "{from: 2008-10-13, until: 2024-05-07}", applies: "{services: [electronic_service_provider]}", kind: "hold", zone: "America/New_York"))
        ---
        \(Fixture.rule(id: "us-2258a.test", regime: "us-2258a", trigger: "cybertipline.reported", fulfilled: "[preservation.ended]", deadline: "{calendar: P1Y}", effective: "{from: 2024-05-07}", applies: "{services: [electronic_service_provider]}", kind: "hold", zone: "America/New_York"))
        """

    @Test("the law in force at the trigger decides: 90-day preservation before 2024-05-07, 1 year from then")
    func lawInForceAtTrigger() throws {
        let profile = try T.profile(kinds: ["electronic_service_provider"])
        let lines = [
            // Reported on 6 May 2024 (New York): 90 days, so ending after 100 days is fine.
            T.jsonl("a1", "before", "cybertipline.reported", "2024-05-06T23:30:00-04:00"),
            T.jsonl("a2", "before", "preservation.ended", "2024-08-14T12:00:00-04:00"),
            // 7 May 2024 in New York, though still 6 May in Hawaii's offset: 1 year, so 100 days is early.
            T.jsonl("b1", "after", "cybertipline.reported", "2024-05-07T00:30:00-04:00"),
            T.jsonl("b2", "after", "preservation.ended", "2024-08-15T12:00:00-04:00"),
            // Kept past the year: met.
            T.jsonl("c1", "kept", "cybertipline.reported", "2024-06-01T10:00:00-04:00"),
            T.jsonl("c2", "kept", "preservation.ended", "2025-06-02T00:00:00-04:00"),
        ]
        let r = try run(["us-2258a/p.yaml": Self.preserve], lines, profile: profile)
        let byCase = Dictionary(uniqueKeysWithValues: r.findings.map { ($0.caseID, $0) })
        #expect(byCase["before"]?.status == .met)
        #expect(byCase["before"]?.rule.effective.until == T.date("2024-05-07"))
        #expect(byCase["before"]?.deadline == T.instant("2024-08-05T04:00:00Z"))
        #expect(byCase["after"]?.status == .violated)
        #expect(byCase["after"]?.deadline == T.instant("2025-05-08T04:00:00Z"))
        #expect(byCase["kept"]?.status == .met)
        // The hold ends at the end of 1 June 2025: an end at 00:00 on 2 June is exactly on time.
        #expect(byCase["kept"]?.deadline == T.instant("2025-06-02T04:00:00Z"))
    }

    @Test("events in any order give the same findings")
    func orderIndependence() throws {
        let lines = [
            T.jsonl("o", "c", "order.received", "2025-05-01T10:00:00Z", ["order_kind": "removal"]),
            T.jsonl("q", "c", "order.clarification_requested", "2025-05-01T10:20:00Z"),
            T.jsonl("a", "c", "order.clarified", "2025-05-01T14:00:00+02:00"),
            T.jsonl("r", "c", "content.removed", "2025-05-01T12:45:00Z"),
            T.jsonl("o2", "d", "order.received", "2025-05-02T10:00:00Z", ["order_kind": "removal"]),
            T.jsonl("r2", "d", "content.disabled", "2025-05-02T11:00:01Z"),
        ]
        let lib = try T.library(["tco/r.yaml": Fixture.tco])
        let reference = JSONReport.document(try T.audit(library: lib, profile: T.profile(), lines: lines, asOf: "2025-06-01T00:00:00Z").0)
        var generator = SplitMix(seed: 7)
        for _ in 0..<6 {
            let shuffled = lines.shuffled(using: &generator)
            let out = JSONReport.document(try T.audit(library: lib, profile: T.profile(), lines: shuffled, asOf: "2025-06-01T00:00:00Z").0)
            #expect(out.replacingOccurrences(of: #""path": "[^"]*""#, with: "", options: .regularExpression)
                == reference.replacingOccurrences(of: #""path": "[^"]*""#, with: "", options: .regularExpression))
        }
    }

    @Test("a fulfilment at the same instant as the trigger counts, whatever the ids")
    func sameInstant() throws {
        let lines = [
            T.jsonl("z9", "c", "order.received", "2025-05-01T10:00:00Z", ["order_kind": "removal"]),
            T.jsonl("a1", "c", "content.removed", "2025-05-01T10:00:00Z"),
        ]
        #expect(try only(run(["tco/r.yaml": Fixture.tco], lines)).status == .met)
    }

    @Test("a fulfilment before the trigger does not count")
    func fulfilmentBeforeTrigger() throws {
        let lines = [
            T.jsonl("r", "c", "content.removed", "2025-05-01T09:00:00Z"),
            T.jsonl("o", "c", "order.received", "2025-05-01T10:00:00Z", ["order_kind": "removal"]),
        ]
        #expect(try only(run(["tco/r.yaml": Fixture.tco], lines, asOf: "2025-05-01T12:00:00Z")).status == .overdue)
    }

    @Test("rules in force only from their date; trigger conditions; events after as-of unseen")
    func applicabilityInTime() throws {
        let lines = [
            T.jsonl("o1", "early", "order.received", "2022-06-06T23:30:00+02:00", ["order_kind": "removal"]),
            T.jsonl("o2", "act", "order.received", "2025-05-01T10:00:00Z", ["order_kind": "act"]),
            T.jsonl("o3", "future", "order.received", "2026-01-01T10:00:00Z", ["order_kind": "removal"]),
        ]
        let r = try run(["tco/r.yaml": Fixture.tco], lines)
        #expect(r.findings.isEmpty)
        #expect(r.stats.afterAsOf == 1)
    }

    @Test("micro and small enterprises are exempt unless designated; designations apply from their duties date")
    func exemptionsAndDesignation() throws {
        let exempt = Fixture.rule(
            id: "dsa.test.exempt", regime: "dsa", trigger: "{event: complaint.received, where: {regime: dsa}}", fulfilled: "[complaint.decided]",
            deadline: "{target: complaint_decision}", effective: "{from: 2024-02-17}", applies: "{services: [online_platform], exempt_micro_small: true}")
        let vlop = Fixture.rule(
            id: "dsa.test.vlop", regime: "dsa", trigger: "{event: complaint.received, where: {regime: dsa}}", fulfilled: "[complaint.decided]",
            deadline: "{target: complaint_decision}", effective: "{from: 2023-08-25}", applies: "{services: [online_platform], designation: vlop}")
        let line = T.jsonl("c1", "c", "complaint.received", "2025-05-01T10:00:00Z", ["regime": "dsa"])
        let small = try T.profile(size: "small")
        #expect(try run(["dsa/a.yaml": exempt, "dsa/b.yaml": vlop], [line], profile: small).findings.isEmpty)
        let designated = try T.profile(
            size: "small", extra: "    designations: [{kind: vlop, notified_on: 2024-10-01}]")
        let r = try run(["dsa/a.yaml": exempt, "dsa/b.yaml": vlop], [line], profile: designated)
        #expect(r.findings.map(\.rule.id).sorted() == ["dsa.test.exempt", "dsa.test.vlop"])
        // Notified 2025-01-10: duties only from 2025-05-10 (DSA Art 33(6)), after this complaint.
        let early = try T.profile(size: "small", extra: "    designations: [{kind: vlop, notified_on: 2025-01-10}]")
        let line2 = T.jsonl("c1", "c", "complaint.received", "2025-05-09T10:00:00Z", ["regime": "dsa"])
        #expect(try run(["dsa/b.yaml": vlop], [line2], profile: early).findings.isEmpty)
    }

    @Test("a platform target finding says it is measured against the platform's own target")
    func platformTarget() throws {
        let rule = Fixture.rule(
            id: "dsa.test.ack", regime: "dsa", trigger: "{event: notice.received, where: {contact: true}}", fulfilled: "[notice.acknowledged]",
            deadline: "{target: notice_ack}", effective: "{from: 2024-02-17}", applies: "{services: [hosting]}")
        let lines = [
            T.jsonl("n", "c", "notice.received", "2025-05-01T10:00:00Z", ["contact": "true"]),
            T.jsonl("n2", "anon", "notice.received", "2025-05-01T10:00:00Z", ["contact": "false"]),
        ]
        let f = try only(run(["dsa/r.yaml": rule], lines))
        #expect(f.computation?.basis == .platformTarget(name: "notice_ack", duration: "PT24H"))
        #expect(f.status == .overdue)
        #expect(JSONReport.finding(f).text.contains(#""measured_against":"platform_target""#))
    }

    @Test("a missing target in the profile is an error before evaluation")
    func missingTarget() throws {
        let rule = Fixture.rule(
            id: "dsa.test.x", regime: "dsa", trigger: "notice.received", fulfilled: "[notice.decided]",
            deadline: "{target: not_in_profile}", effective: "{from: 2024-02-17}")
        #expect(throws: ObligeErrors.self) { try run(["dsa/r.yaml": rule], []) }
    }

    @Test("a target is needed only for rules that can bind the platform's services")
    func targetOnlyWhenBinding() throws {
        let rule = Fixture.rule(
            id: "us-2258a.test", regime: "us-2258a", trigger: "csam.detected", fulfilled: "[cybertipline.reported]",
            deadline: "{target: not_in_profile}", effective: "{from: 2008-10-13}", applies: "{services: [electronic_service_provider]}")
        #expect(try run(["us-2258a/r.yaml": rule], []).findings.isEmpty)
    }

    @Test("an event naming a service the profile does not have is rejected, not applied to every service")
    func unknownService() throws {
        let lib = try T.library(["tco/r.yaml": Fixture.tco])
        let (r, rejects) = try T.audit(
            library: lib, profile: T.profile(),
            lines: [T.jsonl("o", "c", "order.received", "2025-05-01T10:00:00Z", ["order_kind": "removal", "service": "mian"])],
            asOf: "2025-06-01T00:00:00Z")
        #expect(r.findings.isEmpty)
        #expect(rejects.first?.reason == "service 'mian' is not a service of the platform profile")
        #expect(rejects.first?.fix.contains("main") == true)
    }

    @Test("a trigger missing the date its deadline needs is reported, not guessed")
    func unevaluable() throws {
        let rule = Fixture.rule(
            id: "authority.test", regime: "authority", trigger: "summons.received", fulfilled: "[summons.answered]",
            deadline: "{attribute: respond_by}", effective: "{from: 2017-01-01}", applies: "{services: [intermediary]}")
        let r = try run(["authority/r.yaml": rule], [T.jsonl("s", "c", "summons.received", "2025-05-01T10:00:00Z")])
        #expect(r.findings.isEmpty)
        #expect(r.problems.count == 1)
        #expect(r.problems.first?.message.contains("respond_by") == true)
    }

    @Test("problems come in case order, whatever the partitions, as one pass in memory gives them")
    func problemsInCaseOrder() throws {
        let rule = Fixture.rule(
            id: "authority.test", regime: "authority", trigger: "summons.received", fulfilled: "[summons.answered]",
            deadline: "{attribute: respond_by}", effective: "{from: 2017-01-01}", applies: "{services: [intermediary]}")
        let rules = try RuleLoader.load(root: try T.library(["authority/r.yaml": rule]))
        // Cases met in another order than their ids', one of them with two problems.
        let cases = ["c7", "c2", "c9", "c1", "c5", "c2", "c8", "c3"]
        let lines = cases.enumerated().map { T.jsonl("s\($0.offset)", $0.element, "summons.received", "2025-05-0\($0.offset + 1)T10:00:00Z") }
        let log = T.file("summons.jsonl", lines.joined(separator: "\n") + "\n")
        let options = AuditOptions(asOf: T.instant("2025-12-31T00:00:00Z"))
        let memory = try Auditor.run(rules: rules, profile: T.profile(), logs: [LogInput(path: log, format: .jsonl)], options: options, checkpoint: true) { _ in }
        let expected = ["c1", "c2", "c2", "c3", "c5", "c7", "c8", "c9"]
        #expect(memory.problems.map(\.caseID) == expected)
        for scale in [ScaleOptions(threads: 1), ScaleOptions(threads: 2, partitionBytes: 200)] {
            let partitioned = try Auditor.runPartitioned(
                rules: rules, profile: T.profile(), logs: [LogInput(path: log, format: .jsonl)], options: options, scale: scale) { _ in }
            #expect(partitioned.problems.map { "\($0.caseID) \($0.event.id)" } == memory.problems.map { "\($0.caseID) \($0.event.id)" })
        }
    }
}

/// A small deterministic generator for shuffles in tests.
struct SplitMix: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
