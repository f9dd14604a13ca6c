import Foundation
@testable import ObligeCore
import ObligeTestSupport
import Testing

/// The partitioned audit must give what one pass in memory gives, whatever the partitions, the
/// threads, the log order and the output: the same findings in the same order, the same counts,
/// the same rejects in input order.
@Suite("Audits in partitions")
struct PartitionedAuditTests {
    typealias T = TestSupport

    static let asOf = T.instant("2025-11-01T00:00:00Z")

    /// The demo log, shuffled, with duplicates, a conflicting id in another case, a malformed line
    /// and an unknown type spread through it.
    static func messyLog() throws -> String {
        let demo = try String(contentsOf: T.demoDir.appendingPathComponent("incidents.jsonl"), encoding: .utf8)
        var lines = demo.split(separator: "\n").map(String.init)
        // A fixed shuffle (a linear congruential walk), so the test is the same every run.
        var state: UInt64 = 12345
        for i in stride(from: lines.count - 1, to: 0, by: -1) {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            lines.swapAt(i, Int(state >> 33) % (i + 1))
        }
        lines.insert(lines[10], at: 200)  // an exact duplicate, far from its first
        lines.insert(lines[20], at: 30)
        lines.insert(#"{"id": "e0001", "case": "other", "type": "notice.received", "at": "2025-05-01T10:00:00Z", "source": "user"}"#, at: 400)
        lines.insert("{not json", at: 50)
        lines.insert(#"{"id": "x1", "case": "c", "type": "notice.recieved", "at": "2025-05-01T10:00:00Z"}"#, at: 5)
        return T.file("messy.jsonl", lines.joined(separator: "\n") + "\n")
    }

    /// A log audited in partitions against a test rule library and the test profile: by default
    /// one thread and a partition for every few records.
    static func audit(
        _ path: String, library: String, asOf: String, scale: ScaleOptions = ScaleOptions(threads: 1, partitionBytes: 64), _ output: FindingOutput
    ) throws -> AuditResult {
        try Auditor.runPartitioned(
            rules: RuleLoader.load(root: library), profile: T.profile(), logs: [LogInput(path: path, format: .jsonl)],
            options: AuditOptions(asOf: T.instant(asOf)), scale: scale, output: output
        ) { _ in }
    }

    static func audit(_ path: String, scale: ScaleOptions, output: FindingOutput = .collect, waivers: [Waiver] = []) throws -> (AuditResult, [Reject]) {
        var rejects: [Reject] = []
        let result = try Auditor.runPartitioned(
            rules: RuleLoader.load(root: T.rulesRoot), profile: PlatformProfile.load(path: T.demoDir.appendingPathComponent("platform.yaml").path),
            logs: [LogInput(path: path, format: .jsonl)], options: AuditOptions(asOf: asOf, waivers: waivers), scale: scale, output: output
        ) { rejects.append($0) }
        return (result, rejects)
    }

    @Test("spilled partitions on two threads give the findings, counts and rejects of one pass in memory")
    func partitionsAgree() throws {
        let path = try Self.messyLog()
        let (memory, memoryRejects) = try Self.audit(path, scale: ScaleOptions(threads: 1))
        #expect(memory.stats.duplicates == 4)  // the demo's own two, and two more
        #expect(memory.stats.rejected == 3)
        #expect(memoryRejects.map(\.line) == memoryRejects.map(\.line).sorted(), "rejects in input order")
        #expect(memoryRejects.contains { $0.reason.contains("id 'e0001' was already used at") })
        let expected = memory.findings.map { JSONReport.finding($0).text }
        #expect(expected.count > 400)
        // The reading a stored run does (every id kept in memory for the next run) agrees too.
        var storedRejects: [Reject] = []
        var stored = try Auditor.run(
            rules: RuleLoader.load(root: T.rulesRoot), profile: PlatformProfile.load(path: T.demoDir.appendingPathComponent("platform.yaml").path),
            logs: [LogInput(path: path, format: .jsonl)], options: AuditOptions(asOf: Self.asOf), checkpoint: true
        ) { storedRejects.append($0) }
        stored.checkpoint = nil
        #expect(stored.stats == memory.stats)
        #expect(storedRejects.map(\.reason) == memoryRejects.map(\.reason))
        #expect(stored.findings.map { JSONReport.finding($0).text } == expected)
        for scale in [ScaleOptions(threads: 1, partitionBytes: 4096), ScaleOptions(threads: 2, partitionBytes: 4096), ScaleOptions(threads: 3, partitionBytes: 8192), ScaleOptions(threads: 2, partitionBytes: 30_000)] {
            let (spilled, rejects) = try Self.audit(path, scale: scale)
            #expect(spilled.stats == memory.stats)
            #expect(rejects.map(\.line) == memoryRejects.map(\.line))
            #expect(rejects.map(\.reason) == memoryRejects.map(\.reason))
            #expect(spilled.findings.map { JSONReport.finding($0).text } == expected)
            #expect(spilled.problems.map { "\($0.caseID) \($0.rule) \($0.event.id) \($0.message)" } == memory.problems.map { "\($0.caseID) \($0.rule) \($0.event.id) \($0.message)" })
        }
    }

    @Test("streamed findings come in report order through the merge, with waivers and the counts of what was not kept")
    func streamedFindingsAgree() throws {
        let path = try Self.messyLog()
        let waivers = [Waiver(id: "W1", rule: "tco.art3.removal-order", caseID: nil, justification: "test", approver: "QA", expires: nil)]
        let (memory, _) = try Self.audit(path, scale: ScaleOptions(threads: 1), waivers: waivers)
        let expected = memory.findings.filter { $0.status != .met }.map { JSONReport.finding($0).text + "\n" }.joined()
        #expect(memory.findings.contains { $0.waiver?.id == "W1" })
        for scale in [ScaleOptions(threads: 1), ScaleOptions(threads: 2, partitionBytes: 4096)] {
            var written: [UInt8] = []
            let (streamed, _) = try Self.audit(
                path, scale: scale, output: .stream(include: .notMet, render: JSONReport.line, write: { written += $0 }), waivers: waivers)
            #expect(streamed.findings.isEmpty)
            #expect(String(decoding: written, as: UTF8.self) == expected)
            #expect(streamed.tally == memory.tally)
            #expect(streamed.tally.activeBreaches == memory.activeBreaches.count)
        }
    }

    @Test("without waivers, findings only counted are never made: their counts and the findings kept equal those of every finding made")
    func countedVerdictsAgree() throws {
        // The demo, messy, and a generated year with every pack's triggers: late, missing and
        // early fulfilments, holds, checks, earlier statements of reasons, clocks still running.
        var generated: [UInt8] = []
        _ = try LoadGenerator.write(LoadOptions(events: 30_000, seed: 11)) { generated += $0 }
        // Checks, which the generator does not make (they come from Transparency Database dumps).
        let checks = [
            T.jsonl("x1", "sor-x1", "sor.inconsistent", "2025-03-01T10:00:00Z", ["problem": "missing_mandatory", "field": "decision_facts", "uuid": "u1"]),
            T.jsonl("x2", "sor-x2", "sor.inconsistent", "2025-03-02T10:00:00Z", ["problem": "end_before_application", "field": "end_date_account_restriction", "uuid": "u2"]),
        ]
        let logs = [try Self.messyLog(), T.file("generated.jsonl", String(decoding: generated, as: UTF8.self) + checks.joined(separator: "\n") + "\n")]
        var kinds = Set<Rule.Kind>(), statuses = Set<Finding.Status>()
        for (path, asOf) in zip(logs, [Self.asOf, T.instant("2025-07-01T00:00:00Z")]) {
            func audit(_ output: FindingOutput, threads: Int) throws -> AuditResult {
                try Auditor.runPartitioned(
                    rules: RuleLoader.load(root: T.rulesRoot), profile: PlatformProfile.load(path: T.demoDir.appendingPathComponent("platform.yaml").path),
                    logs: [LogInput(path: path, format: .jsonl)], options: AuditOptions(asOf: asOf), scale: ScaleOptions(threads: threads, partitionBytes: 64 << 10),
                    output: output
                ) { _ in }
            }
            let all = try audit(.collect, threads: 1)
            statuses.formUnion(all.findings.map(\.status))
            kinds.formUnion(all.findings.map(\.rule.kind))
            for filter in [FindingFilter.notMet, FindingFilter(statuses: [.late, .violated]), .all] {
                let kept = try audit(.keep(include: filter), threads: 2)
                #expect(kept.fullTally == all.tally)
                #expect(kept.findings.map { JSONReport.finding($0).text } == all.findings.filter(filter.accepts).map { JSONReport.finding($0).text })
                #expect(kept.problems.map(\.message).sorted() == all.problems.map(\.message).sorted())
            }
        }
        #expect(statuses == Set(Finding.Status.allCases))
        #expect(kinds == [.deadline, .hold, .check])
    }

    @Test("verdicts read from spill records in place equal those evaluate counts from events, case by case; only cases needing more fall back")
    func recordVerdictsAgree() throws {
        var generated: [UInt8] = []
        _ = try LoadGenerator.write(LoadOptions(events: 30_000, seed: 5)) { generated += $0 }
        let rules = try RuleLoader.load(root: T.rulesRoot)
        let profile = try PlatformProfile.load(path: T.demoDir.appendingPathComponent("platform.yaml").path)
        let asOf = T.instant("2025-07-01T00:00:00Z")
        let read = try Auditor.run(
            rules: rules, profile: profile, logs: [LogInput(path: T.file("records.jsonl", String(decoding: generated, as: UTF8.self)), format: .jsonl)],
            options: AuditOptions(asOf: asOf, keepEvents: true)
        ) { _ in }
        let evaluator = CaseEvaluator(
            rules: rules, profile: profile, calculator: DeadlineCalculator(calendars: rules.calendars, targets: profile.targets, narrate: false), asOf: asOf)
        var types: [String: Int32] = [:]
        var triggers: [[Int]] = []
        var scratch = evaluator.recordScratch()
        var byRecords = 0, fellBack = 0, verdicts = 0
        var statuses = Set<Finding.Status>()
        for (caseID, events) in Dictionary(grouping: read.events, by: \.caseID) {
            // As events: the verdicts evaluate counts, and whether it made any finding or problem.
            var expected: [String] = []
            var made = 0
            let r = evaluator.evaluate(
                caseID: caseID, events: events, explain: false,
                visit: { _ in
                    made += 1
                    return false
                }, verdicts: { rule, trigger, status in expected.append("\(rule) \(trigger.id) \(status)") })
            // As records, each written as the partitions write it and read in place.
            let written = events.enumerated().map { k, e in
                var w = ByteWriter()
                w.event(e, sequence: UInt64(k), file: 0)
                return w.bytes
            }
            let agreed = try withExtendedLifetime(written) { () throws -> Bool in
                var records: [RecordEvent] = []
                for (bytes, e) in zip(written, events) {
                    let number = types[e.type] ?? {
                        types[e.type] = Int32(triggers.count)
                        triggers.append(rules.byTrigger[e.type] ?? [])
                        return Int32(triggers.count - 1)
                    }()
                    var reader = ByteReader(bytes.withUnsafeBufferPointer { $0 })
                    guard let record = try reader.recordEvent(typeNumber: number) else { return false }
                    records.append(record)
                }
                var got: [CaseEvaluator.RecordVerdict] = []
                guard evaluator.recordVerdicts(&records, triggers: CaseEvaluator.TriggerTable(triggers), scratch: &scratch, into: &got) else { return false }
                #expect(made == 0 && r.problems.isEmpty, "case \(caseID): counted from records, but evaluate made findings or problems")
                let texts = got.map { v in "\(v.rule) \(String(decoding: records[v.trigger].id, as: UTF8.self)) \(v.status)" }
                #expect(texts.sorted() == expected.sorted(), "case \(caseID)")
                statuses.formUnion(got.map(\.status))
                verdicts += got.count
                return true
            }
            if agreed { byRecords += 1 } else { fellBack += 1 }
        }
        // Most cases are counted from their records; every verdict a count can take occurs.
        #expect(byRecords > 4 * fellBack && fellBack > 0)
        #expect(verdicts > 10_000)
        #expect(statuses == [.met, .late, .overdue, .pending])
    }

    @Test("conditions of every kind (one of, none of, given, absent; single values and lists) hold of records read in place exactly as of events")
    func recordConditionsAgree() throws {
        let rule = { (id: String, trigger: String, fulfilled: String) in
            Fixture.rule(
                id: "tco.test.\(id)", trigger: "{event: order.received, where: \(trigger)}", fulfilled: fulfilled,
                applies: "{services: [online_platform]}")
        }
        let lib = try T.library([
            "tco/any.yaml": rule("any", "{order_kind: [removal, act]}", "[{event: content.disabled, where: {territorial_scope: [DE, FR]}}]"),
            "tco/none.yaml": rule("none", "{order_kind: {not: removal}}", "[{event: content.disabled, where: {territorial_scope: {not: [IT]}}}]"),
            "tco/given.yaml": rule("given", "{authority: {exists: true}}", "[{event: content.disabled, where: {territorial_scope: {exists: true}}}]"),
            "tco/absent.yaml": rule(
                "absent", "{authority: {exists: false}, order_kind: [information]}",
                "[content.removed, {event: content.disabled, where: {territorial_scope: {exists: false}}}]"),
        ])
        // Every order kind with and without an authority, each answered in its own case by
        // disablings of every shape: one country, a list with or without a wanted one, none.
        let answers = ["[\"DE\"]", "[\"IT\"]", "[\"IT\", \"FR\"]", "[]", nil]
        var lines: [String] = []
        for kind in ["removal", "act", "information"] {
            for authority in [nil, "ARCOM"] {
                for (n, scope) in answers.enumerated() {
                    let c = "\(kind)-\(authority ?? "none")-\(n)"
                    var order = ["order_kind": kind]
                    order["authority"] = authority
                    lines.append(T.jsonl("o-\(c)", c, "order.received", "2025-05-01T10:00:00Z", order))
                    let disabled = "{\"id\": \"d-\(c)\", \"case\": \"\(c)\", \"type\": \"content.disabled\", \"at\": \"2025-05-01T10:30:00Z\""
                    lines.append(disabled + (scope.map { ", \"territorial_scope\": \($0)}" } ?? "}"))
                }
            }
        }
        let path = T.file("conditions.jsonl", lines.joined(separator: "\n") + "\n")
        func audit(_ output: FindingOutput) throws -> AuditResult { try Self.audit(path, library: lib, asOf: "2025-05-02T00:00:00Z", output) }
        // Every finding made from events; the verdicts counted from records when only some are kept.
        let all = try audit(.collect)
        #expect(all.stats.rejected == 0)
        let kept = try audit(.keep(include: .notMet))
        #expect(kept.fullTally == all.tally)
        #expect(kept.findings.map { "\($0.rule.id) \($0.caseID)" }.sorted() == all.findings.filter { $0.status != .met }.map { "\($0.rule.id) \($0.caseID)" }.sorted())
        // The conditions were met and failed both ways, as written.
        let met = Set(all.findings.filter { $0.status == .met }.map { "\($0.rule.id.dropFirst(9)) \($0.caseID)" })
        #expect(met.contains("any removal-none-0") && !met.contains("any removal-none-1") && met.contains("any act-ARCOM-2"))
        #expect(!all.findings.contains { $0.rule.id == "tco.test.any" && $0.caseID.hasPrefix("information") })
        #expect(met.contains("none act-none-0") && !met.contains("none act-none-1") && !met.contains("none act-none-2"))
        #expect(met.contains("none act-none-3") && met.contains("none act-none-4"))
        #expect(!all.findings.contains { $0.rule.id == "tco.test.none" && $0.caseID.hasPrefix("removal") })
        #expect(met.contains("given removal-ARCOM-3") && !met.contains("given removal-ARCOM-4"))
        #expect(!all.findings.contains { $0.rule.id == "tco.test.given" && $0.caseID.contains("-none-") })
        #expect(met.contains("absent information-none-4") && !met.contains("absent information-none-3"))
        #expect(Set(all.findings.filter { $0.rule.id == "tco.test.absent" }.map(\.caseID)) == Set((0..<5).map { "information-none-\($0)" }))
    }

    @Test("a calendar deadline read from records is the one of its trigger's own local day, triggers of one rule one after another included")
    func recordCalendarDeadlinesByLocalDay() throws {
        // Two days on the calendar of Brussels (UTC+2 in May), the day of the trigger not counted.
        let lib = try T.library([
            "tco/days.yaml": Fixture.rule(deadline: "{calendar: P2D}", applies: "{services: [online_platform]}")
        ])
        // Cases met one after another, their triggers on one UTC day but on two local days (the
        // second is past local midnight), and on one local day again; each answered just after
        // the deadline the local day before would give, so that a deadline reused across local
        // days turns met into late, or late into met.
        var lines: [String] = []
        let triggers = [
            ("a", "2025-05-01T21:30:00Z"), ("b", "2025-05-01T21:50:00Z"),  // 1 May, local
            ("c", "2025-05-01T22:30:00Z"), ("d", "2025-05-01T23:10:00Z"),  // 2 May, local
            ("e", "2025-05-02T08:00:00Z"),  // 2 May, local, and on UTC's too
        ]
        for (c, at) in triggers {
            lines.append(T.jsonl("o-\(c)", c, "order.received", at, ["order_kind": "removal"]))
            // After the end of 3 May local (2025-05-03T22:00:00Z), before the end of 4 May.
            lines.append(T.jsonl("r-\(c)", c, "content.removed", "2025-05-04T08:00:00Z"))
        }
        let path = T.file("days.jsonl", lines.joined(separator: "\n") + "\n")
        func audit(_ output: FindingOutput) throws -> AuditResult {
            try Self.audit(path, library: lib, asOf: "2025-06-01T00:00:00Z", scale: ScaleOptions(threads: 1), output)
        }
        let all = try audit(.collect)
        #expect(Dictionary(uniqueKeysWithValues: all.findings.map { ($0.caseID, $0.status) }) == ["a": .late, "b": .late, "c": .met, "d": .met, "e": .met])
        let kept = try audit(.keep(include: .notMet))
        #expect(kept.fullTally == all.tally)
        #expect(kept.findings.map(\.caseID).sorted() == ["a", "b"])
    }

    @Test("a trigger never fulfils itself when verdicts are read from records: another event of its type at or after it does")
    func recordVerdictsLeaveTheTriggerOut() throws {
        // A rule fulfilled by an event of its own trigger's type.
        let lib = try T.library(["tco/again.yaml": Fixture.rule(fulfilled: "[order.received]", applies: "{services: [online_platform]}")])
        let order = { (id: String, c: String, at: String) in T.jsonl(id, c, "order.received", at, ["order_kind": "removal"]) }
        let lines = [
            order("o1", "a", "2025-05-01T10:00:00Z"), order("o2", "a", "2025-05-01T10:30:00Z"),
            order("o3", "b", "2025-05-01T10:00:00Z"),
            order("o4", "c", "2025-05-01T10:00:00Z"), order("o5", "c", "2025-05-01T10:00:00Z"),
        ]
        let path = T.file("again.jsonl", lines.joined(separator: "\n") + "\n")
        func audit(_ output: FindingOutput) throws -> AuditResult { try Self.audit(path, library: lib, asOf: "2025-05-02T00:00:00Z", output) }
        let all = try audit(.collect)
        #expect(Dictionary(uniqueKeysWithValues: all.findings.map { ($0.trigger?.id ?? "", $0.status) }) == ["o1": .met, "o2": .overdue, "o3": .overdue, "o4": .met, "o5": .met])
        let kept = try audit(.keep(include: .notMet))
        #expect(kept.fullTally == all.tally)
        #expect(kept.findings.compactMap(\.trigger?.id).sorted() == ["o2", "o3"])
    }

    @Test("case ids are one case when they are equal as text, spelled alike or not (the Kelvin sign and K), as in one pass in memory")
    func caseIDsCompareAsText() throws {
        let lines = [
            T.jsonl("a1", "notice-A", "notice.received", "2025-05-01T10:00:00Z", ["source": "user", "category": "scams_and_fraud", "contact": "true"]),
            T.jsonl("K1", "notice-K", "notice.received", "2025-05-01T10:00:00Z", ["source": "user", "category": "scams_and_fraud", "contact": "true"]),
            T.jsonl("a2", "notice-A", "notice.acknowledged", "2025-05-01T11:00:00Z"),
            // The Kelvin sign: another spelling of the same text as "notice-K".
            T.jsonl("K2", "notice-\u{212A}", "notice.acknowledged", "2025-05-01T11:00:00Z"),
            T.jsonl("b1", "notice-B", "notice.received", "2025-05-01T10:00:00Z", ["source": "user", "category": "scams_and_fraud", "contact": "true"]),
            // Ids too: the same event again under the Kelvin spelling of its id is a duplicate,
            // another event under it a conflict; and a case with a combining accent.
            T.jsonl("\u{212A}1", "notice-K", "notice.received", "2025-05-01T10:00:00Z", ["source": "user", "category": "scams_and_fraud", "contact": "true"]),
            T.jsonl("\u{212A}2", "notice-K", "notice.acknowledged", "2025-05-01T12:00:00Z"),
            T.jsonl("c1", "notice-caf\u{e9}", "notice.received", "2025-05-01T10:00:00Z", ["source": "user", "category": "scams_and_fraud", "contact": "true"]),
            T.jsonl("c2", "notice-cafe\u{301}", "notice.acknowledged", "2025-05-01T12:00:00Z"),
        ]
        let path = T.file("kelvin.jsonl", lines.joined(separator: "\n") + "\n")
        var memoryRejects: [Reject] = []
        let memory = try Auditor.run(
            rules: RuleLoader.load(root: T.rulesRoot), profile: PlatformProfile.load(path: T.demoDir.appendingPathComponent("platform.yaml").path),
            logs: [LogInput(path: path, format: .jsonl)], options: AuditOptions(asOf: Self.asOf), checkpoint: true
        ) { memoryRejects.append($0) }
        #expect(memory.stats.duplicates == 1 && memoryRejects.count == 1)
        // One partition, and a partition for every few records (keys spread over many).
        for scale in [ScaleOptions(threads: 1), ScaleOptions(threads: 2, partitionBytes: 64)] {
            let (partitioned, rejects) = try Self.audit(path, scale: scale)
            let acks = partitioned.findings.filter { $0.rule.id == "dsa.art16.notice-ack" }
            #expect(acks.map(\.caseID).sorted() == ["notice-A", "notice-B", "notice-K", "notice-caf\u{e9}"])
            #expect(acks.first { $0.caseID == "notice-K" }?.status == .met)
            #expect(acks.first { $0.caseID == "notice-caf\u{e9}" }?.status == .met)
            #expect(partitioned.stats == memory.stats)
            #expect(rejects.map(\.reason) == memoryRejects.map(\.reason))
            #expect(partitioned.findings.map { JSONReport.finding($0).text } == memory.findings.map { JSONReport.finding($0).text })
        }
    }

    @Test("a spill folder that cannot be made stops the audit with the place and the fix, and a spilled run leaves no files behind")
    func spillFolder() throws {
        let path = try Self.messyLog()
        #expect {
            try Self.audit(path, scale: ScaleOptions(threads: 2, spillDirectory: "/nonexistent/oblige", partitionBytes: 4096))
        } throws: { error in
            guard let e = error as? ObligeError else { return false }
            return e.message.contains("cannot create a spill folder in '/nonexistent/oblige'") && e.fix?.contains("--spill-dir") == true
        }
        let parent = T.temporaryDirectory("spill-parent").path
        _ = try Self.audit(path, scale: ScaleOptions(threads: 2, spillDirectory: parent, partitionBytes: 4096))
        #expect(try FileManager.default.contentsOfDirectory(atPath: parent).isEmpty)
    }

    @Test("keeping only breaches and running clocks gives the same text and JSON reports, counts of met findings included")
    func keptFindingsReportAlike() throws {
        let path = try Self.messyLog()
        let waivers = [Waiver(id: "W1", rule: "tco.art3.removal-order", caseID: nil, justification: "test", approver: "QA", expires: nil)]
        let (all, _) = try Self.audit(path, scale: ScaleOptions(threads: 1), waivers: waivers)
        try #require(all.findings.contains { $0.status == .met })
        for scale in [ScaleOptions(threads: 1), ScaleOptions(threads: 2, partitionBytes: 4096)] {
            let (kept, _) = try Self.audit(path, scale: scale, output: .keep(include: .notMet), waivers: waivers)
            #expect(!kept.findings.contains { $0.status == .met })
            #expect(kept.tally == all.tally)
            #expect(TextReport.render(kept, includeMet: false, rejectsNote: "3") == TextReport.render(all, includeMet: false, rejectsNote: "3"))
            #expect(JSONReport.document(kept, includeMet: false) == JSONReport.document(all, includeMet: false))
        }
    }
}
