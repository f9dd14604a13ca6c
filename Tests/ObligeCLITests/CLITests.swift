import Foundation
import ObligeTestSupport
import Testing

/// End-to-end: the built `oblige` binary on the shipped demo and on bad input.
@Suite("oblige command line", .serialized)
struct CLITests {
    typealias T = TestSupport
    static let asOf = "2025-11-01T00:00:00Z"
    static let demo = ["--platform", "Fixtures/demo/platform.yaml", "--as-of", asOf]

    func audit(_ log: String = "Fixtures/demo/incidents.jsonl", _ extra: [String] = []) throws -> T.Run {
        try T.run(["audit"] + Self.demo + ["--log", log] + extra)
    }

    func json(_ run: T.Run) throws -> [String: Any] {
        let object = try JSONSerialization.jsonObject(with: Data(run.stdout.utf8))
        return try #require(object as? [String: Any])
    }

    func findings(_ doc: [String: Any]) throws -> [[String: Any]] {
        try #require(doc["findings"] as? [[String: Any]])
    }

    func finding(_ doc: [String: Any], case c: String, rule: String) throws -> [String: Any] {
        let match = try findings(doc).filter { $0["case"] as? String == c && $0["rule"] as? String == rule }
        try #require(match.count == 1, "expected one \(rule) finding for \(c), got \(match.count)")
        return match[0]
    }

    @Test("the demo audit shows breaches with timelines and citations, and exits 1")
    func demoText() throws {
        let r = try audit()
        #expect(r.status == 1, "\(r.stderr)")
        #expect(r.stderr.isEmpty)
        #expect(r.stdout.contains("Oblige audit · Demo Social Ltd · as of 2025-11-01T00:00:00Z"))
        #expect(r.stdout.contains("2 duplicates ignored, 0 rejected"))
        #expect(r.stdout.contains("BREACHES"))
        #expect(r.stdout.contains("tco.art3.removal-order · case tco-late-dst · late by 12m 05s"))
        #expect(r.stdout.contains("Regulation (EU) 2021/784"))
        #expect(r.stdout.contains("◆ trigger: clock starts"))
        #expect(r.stdout.contains("── deadline"))
        #expect(r.stdout.contains("2025-03-30T01:30:00Z  2025-03-30T03:30:00+02:00"))  // UTC and the rule's zone
        #expect(r.stdout.contains("measured against the platform's own target"))
        #expect(r.stdout.contains("RUNNING"))
        #expect(!r.stdout.contains("MET ("))
        #expect(try audit("Fixtures/demo/incidents.jsonl", ["--all"]).stdout.contains("MET ("))
    }

    @Test("the demo JSON: every status, hand-checked deadlines, and the summary counts")
    func demoJSON() throws {
        let r = try audit("Fixtures/demo/incidents.jsonl", ["--format", "json", "--all"])
        #expect(r.status == 1)
        let doc = try json(r)
        #expect(doc["as_of"] as? String == Self.asOf)
        let summary = try #require(doc["summary"] as? [String: Any])
        #expect(summary["duplicates"] as? Int == 2)
        #expect(summary["rejected"] as? Int == 0)
        #expect(summary["records"] as? Int == 521)
        #expect(summary["events_read"] as? Int == 519)
        #expect(summary["problems"] as? Int == 0)
        let all = try findings(doc)
        let statuses = Set(all.compactMap { $0["status"] as? String })
        #expect(statuses == ["met", "late", "overdue", "pending", "violated"])
        for f in all {
            for key in ["rule", "regime", "citation", "case", "status", "trigger_at", "deadline", "fulfilled_at", "late_by_seconds", "severity", "events"] {
                #expect(f.keys.contains(key), "finding lacks \(key)")
            }
        }
        // The demo exercises these rules (and the dated duties below).
        let rules = Set(all.compactMap { $0["rule"] as? String })
        #expect(rules.isSuperset(of: [
            "tco.art3.removal-order", "netzdg.3.manifest", "netzdg.3.unlawful", "au-osa.removal-notice", "dsa.art9.order-effect",
            "dsa.art16.notice-ack", "dsa.art16.decision", "dsa.art20.handle", "us-2258a.report", "us-2258a.preserve", "authority.summons.respond",
            "dsa.art24.amar", "dsa.art34.risk", "dsa.art37.audit", "dsa.art42.reports", "uk-osa.s9.illegal-risk-assessment",
            "uk-osa.s36.children-access", "dsa.art24.sor-db", "tco.art3.inform-authority", "authority.hearing.attend", "dsa.art17.sor",
        ]))
        // Dated duties: the sixth user-number publication was due six months after 6 February 2025
        // (end of 6 August, 22:00Z) and came on 12 August at 08:00Z.
        let amar = try #require(all.first { $0["rule"] as? String == "dsa.art24.amar" && ($0["instance"] as? [String: Any])?["label"] as? String == "#6" })
        #expect(amar["status"] as? String == "late")
        #expect(amar["deadline"] as? String == "2025-08-06T22:00:00Z")
        #expect(amar["late_by_seconds"] as? Int == 468_000)
        #expect(amar["case"] as? String == "social")
        #expect(amar["trigger"] is NSNull)

        // 01:30 CET plus one real hour on the night clocks jump is 03:30 CEST = 01:30Z; removed 01:42:05Z.
        let dst = try finding(doc, case: "tco-late-dst", rule: "tco.art3.removal-order")
        #expect(dst["deadline"] as? String == "2025-03-30T01:30:00Z")
        #expect(dst["late_by_seconds"] as? Int == 725)
        // The hour ran again from the clarification (a day and two hours after the order).
        let restart = try finding(doc, case: "tco-restart", rule: "tco.art3.removal-order")
        #expect(restart["status"] as? String == "met")
        #expect(restart["clock_start"] as? String == "2025-06-13T09:00:00Z")
        #expect(try finding(doc, case: "tco-suspended", rule: "tco.art3.removal-order")["deadline"] is NSNull)
        #expect(try finding(doc, case: "tco-late-request", rule: "tco.art3.removal-order")["status"] as? String == "late")
        // Seven days from Friday 22 March 2024 end on Good Friday: rolled to Tuesday 2 April, 24:00 CEST.
        let easter = try finding(doc, case: "netzdg-easter-rollover", rule: "netzdg.3.unlawful")
        #expect(easter["deadline"] as? String == "2024-04-02T22:00:00Z")
        #expect(easter["status"] as? String == "met")
        // 24 real hours across the end of Sydney's daylight saving end 08:00 AEST, not 09:00.
        let au = try finding(doc, case: "au-late-dst", rule: "au-osa.removal-notice")
        #expect(au["deadline"] as? String == "2025-04-05T22:00:00Z")
        #expect(au["late_by_seconds"] as? Int == 1800)
        #expect(try finding(doc, case: "au-extended", rule: "au-osa.removal-notice")["status"] as? String == "met")
        #expect(try finding(doc, case: "au-extension-too-late", rule: "au-osa.removal-notice")["status"] as? String == "late")
        // The 2258A amendment: the version in force when the report was made decides.
        #expect(try finding(doc, case: "us-preserve-90d-met", rule: "us-2258a.preserve")["status"] as? String == "met")
        #expect(try finding(doc, case: "us-preserve-90d-violated", rule: "us-2258a.preserve")["status"] as? String == "violated")
        #expect(try finding(doc, case: "us-preserve-1y-violated", rule: "us-2258a.preserve")["status"] as? String == "violated")
        #expect(try finding(doc, case: "us-preserve-running", rule: "us-2258a.preserve")["status"] as? String == "pending")
        // A date-only respond_by ends at 24:00 in the authority's zone (London, BST).
        let summons = try finding(doc, case: "summons-late", rule: "authority.summons.respond")
        #expect(summons["deadline"] as? String == "2025-06-23T23:00:00Z")
        #expect(summons["late_by_seconds"] as? Int == 900)
        #expect(try finding(doc, case: "summons-met", rule: "authority.summons.respond")["status"] as? String == "met")
        // No acknowledgement is owed for an anonymous notice; NetzDG no longer applied in June 2024.
        #expect(try findings(doc).filter { $0["case"] as? String == "dsa16-anonymous" && $0["rule"] as? String == "dsa.art16.notice-ack" }.isEmpty)
        #expect(try findings(doc).filter { $0["case"] as? String == "netzdg-after-repeal" }.isEmpty)
        let target = try finding(doc, case: "dsa9-target", rule: "dsa.art9.order-effect")
        #expect(target["measured_against"] as? String == "platform_target")
        #expect(target["status"] as? String == "late")
    }

    @Test("the same inputs and --as-of give byte-identical output, in every log format")
    func deterministicAndEquivalent() throws {
        let a = try audit("Fixtures/demo/incidents.jsonl", ["--format", "json"])
        let b = try audit("Fixtures/demo/incidents.jsonl", ["--format", "json"])
        #expect(a.stdout == b.stdout)
        func body(_ s: String) -> String {
            s.replacingOccurrences(of: #"(?s)"logs": \[.*?\],"#, with: "", options: .regularExpression)
        }
        for other in ["Fixtures/demo/incidents.csv", "Fixtures/demo/incidents.xml"] {
            let r = try audit(other, ["--format", "json"])
            #expect(r.status == 1)
            #expect(body(r.stdout) == body(a.stdout), "\(other) differs")
        }
        let lines = try audit("Fixtures/demo/incidents.jsonl", ["--format", "jsonl"]).stdout.split(separator: "\n")
        let doc = try json(a)
        #expect(lines.count == (try findings(doc)).count)
        for line in lines { _ = try JSONSerialization.jsonObject(with: Data(line.utf8)) }
    }

    @Test("explain shows the restart, the roll-over steps and why rules did not apply")
    func explain() throws {
        let r = try T.run(["explain"] + Self.demo + ["--log", "Fixtures/demo/incidents.jsonl", "--case", "tco-restart", "--case", "netzdg-easter-rollover", "--case", "netzdg-after-repeal"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("Case tco-restart"))
        #expect(r.stdout.contains("clock suspended"))
        #expect(r.stdout.contains("clock starts again"))
        #expect(r.stdout.contains("triggered → MET"))
        #expect(r.stdout.contains("trigger condition not met"))  // dsa.art9 wants order_kind = act
        #expect(r.stdout.contains("Friday 2024-03-29 is a public holiday"))
        #expect(r.stdout.contains("not in force"))
    }

    @Test("bad log lines: reported with file and line, kept in the rejects file, the rest evaluated")
    func rejects() throws {
        let dir = T.temporaryDirectory()
        let log = dir.appendingPathComponent("bad.jsonl").path
        let good = try String(contentsOfFile: T.demoDir.appendingPathComponent("incidents.jsonl").path, encoding: .utf8)
        let lines = good.split(separator: "\n").prefix(10).map(String.init)
            + ["{\"id\": \"bad1\", \"case\": \"x\", \"type\": \"order.received\"", "{\"id\": \"bad2\", \"case\": \"x\", \"type\": \"content.removed\", \"at\": \"yesterday\"}"]
        try (lines.joined(separator: "\n") + "\n").write(toFile: log, atomically: true, encoding: .utf8)
        let rejectsPath = dir.appendingPathComponent("rejects.jsonl").path
        let r = try audit(log, ["--rejects", rejectsPath])
        #expect(r.status == 1)
        #expect(r.stdout.contains("2 rejected"))
        #expect(r.stdout.contains("Rejected records: 2 written to \(rejectsPath)"))
        let kept = try String(contentsOfFile: rejectsPath, encoding: .utf8).split(separator: "\n")
        #expect(kept.count == 2)
        let first = try #require(try JSONSerialization.jsonObject(with: Data(kept[0].utf8)) as? [String: Any])
        #expect(first["line"] as? Int == 11)
        #expect((first["record"] as? String)?.contains("bad1") == true)
        // Without --rejects: listed on stderr with file:line, but the record itself is not echoed.
        let s = try audit(log)
        #expect(s.stderr.contains("bad.jsonl:11: rejected: bad JSON"))
        #expect(s.stderr.contains("bad.jsonl:12: rejected: unparseable 'at'"))
        #expect(!s.stderr.contains("yesterday"))
        #expect(try audit(log, ["--strict"]).status == 2)
    }

    @Test("a broken rule file: exit 2 and file:line:column")
    func brokenRules() throws {
        let original = try String(contentsOfFile: T.rulesRoot + "/tco/art3-removal-order.yaml", encoding: .utf8)
        let broken = original.replacingOccurrences(of: "elapsed: PT1H", with: "elapsed: PT1X")
        #expect(broken != original)
        let lib = try T.library(["tco/art3-removal-order.yaml": broken])
        let r = try T.run(["rules", "check", lib + "/tco"])
        #expect(r.status == 2)
        #expect(r.stderr.range(of: #"tco/art3-removal-order\.yaml:\d+:\d+: error: bad duration"#, options: .regularExpression) != nil, "\(r.stderr)")
        let ok = try T.run(["rules", "check"])
        #expect(ok.status == 0, "\(ok.stderr)")
        #expect(ok.stdout.hasPrefix("OK: "))
    }

    @Test("the demo calendar: the next twelve months of dated duties and running clocks, in date order")
    func demoCalendar() throws {
        let r = try T.run(["calendar"] + Self.demo + ["--log", "Fixtures/demo/incidents.jsonl", "--format", "json"])
        #expect(r.status == 0, "\(r.stderr)")
        let doc = try json(r)
        #expect(doc["from"] as? String == "2025-11-01T00:00:00Z")
        #expect(doc["to"] as? String == "2026-11-01T00:00:00Z")
        let list = try #require(doc["deadlines"] as? [[String: Any]])
        let deadlines = list.compactMap { $0["deadline"] as? String }
        #expect(deadlines == deadlines.sorted())
        func entry(_ rule: String, _ label: String) throws -> [String: Any] {
            try #require(list.first { $0["rule"] as? String == rule && ($0["instance"] as? [String: Any])?["label"] as? String == label })
        }
        // July-December 2025 is due two months after its end: 1 March 2026 00:00 Brussels.
        let half = try entry("dsa.art42.reports", "2025-H2")
        #expect(half["deadline_local"] as? String == "2026-03-01T00:00:00+01:00")
        #expect(half["state"] as? String == "upcoming")
        #expect(half["days_remaining"] as? Int == 119)
        // Risk assessed on 19 August 2025: the next is due by the end of 19 August 2026.
        #expect(try entry("dsa.art34.risk", "#4")["deadline_local"] as? String == "2026-08-20T00:00:00+02:00")
        #expect(try entry("uk-osa.s36.children-access", "#2")["deadline_local"] as? String == "2026-04-11T00:00:00+01:00")
        #expect(try entry("tco.art7.transparency", "2025")["deadline_local"] as? String == "2026-03-01T00:00:00+01:00")
        // A running clock from the log, 20 minutes from the audit instant.
        let tco = try #require(list.first { $0["case"] as? String == "tco-pending" && $0["rule"] as? String == "tco.art3.removal-order" })
        #expect(tco["seconds_remaining"] as? Int == 1200)
        #expect(tco["state"] as? String == "running")

        let text = try T.run(["calendar"] + Self.demo + ["--from", "2026-02-01", "--to", "2026-03-31"])
        #expect(text.status == 0)
        #expect(text.stdout.contains("No log given"))
        #expect(text.stdout.contains("dsa.art42.reports"))
        #expect(!text.stdout.contains("dsa.art34.risk "))  // due in August, outside the window
        #expect(try T.run(["calendar"] + Self.demo + ["--from", "2026-03-01", "--to", "2026-02-01"]).status == 64)
    }

    @Test("rules test: PASS per example over the shipped packs; a wrong expectation fails with file:line and exit 1")
    func rulesTest() throws {
        let ok = try T.run(["rules", "test"])
        #expect(ok.status == 0, "\(ok.stdout.split(separator: "\n").filter { !$0.hasPrefix("PASS") }.joined(separator: "\n"))")
        #expect(ok.stdout.contains("PASS tco.art3.removal-order  Removal at the sixtieth minute is in time"))
        #expect(!ok.stdout.contains("FAIL"))

        let original = try String(contentsOfFile: T.rulesRoot + "/tco/art3-removal-order.yaml", encoding: .utf8)
        let changed = original.replacingOccurrences(of: "elapsed: PT1H", with: "elapsed: PT2H")
        #expect(changed != original)
        let lib = try T.library(["tco/art3-removal-order.yaml": changed])
        let bad = try T.run(["rules", "test", lib + "/tco"])
        #expect(bad.status == 1)
        #expect(bad.stdout.range(of: #"FAIL tco\.art3\.removal-order  Removal one second after the hour is late\n     at .*art3-removal-order\.yaml:\d+:\d+"#, options: .regularExpression) != nil, "\(bad.stdout)")
        #expect(bad.stdout.contains("status: expected late, found met"))
        #expect(try T.run(["rules", "test", lib + "/tco", "--min-examples", "50"]).stdout.contains("fewer than 50"))
    }

    @Test("holidays: the days a roll-over skips, per calendar")
    func holidays() throws {
        let r = try T.run(["holidays", "--calendar", "GB-EW", "--from-year", "2025"])
        #expect(r.status == 0)
        #expect(r.stdout.contains("2025-08-25 Mon  Summer bank holiday"))
        #expect(try T.run(["holidays", "--calendar", "XX", "--from-year", "2025"]).status == 64)
        #expect(try T.run(["holidays", "--calendar", "DE", "--from-year", "2040"]).status == 2)
    }

    @Test("rules list --at shows the law in force on a date")
    func rulesInForce() throws {
        let before = try T.run(["rules", "list", "--at", "2024-01-01"])
        #expect(before.status == 0)
        #expect(before.stdout.contains("netzdg.3.manifest"))
        #expect(before.stdout.contains("until 2024-05-07"))  // the 90-day 2258A version
        let after = try T.run(["rules", "list", "--at", "2025-01-01"])
        #expect(!after.stdout.contains("netzdg.3.manifest"))
        #expect(!after.stdout.contains("until 2024-05-07"))
    }

    @Test("unevaluable findings are named on stderr in jsonl mode; citations carry their verification note")
    func problemsAndVerification() throws {
        let lib = try T.library([
            "authority/r.yaml": """
                id: authority.test
                title: Answer by the date the authority set
                regime: authority
                citation: {instrument: Test, article: "67", url: "https://example.org/law", confidence: check, verification: Read only in a secondary source.}
                notes: test
                zone: Europe/Brussels
                effective: {from: 2017-01-01}
                applies_to: {services: [intermediary]}
                trigger: summons.received
                fulfilled_by: [summons.answered]
                deadline: {attribute: respond_by}
                severity: high
                """
        ])
        let log = T.file("s.jsonl", T.jsonl("s1", "sum", "summons.received", "2025-05-01T10:00:00Z") + "\n"
            + T.jsonl("s2", "ok", "summons.received", "2025-05-01T10:00:00Z", ["respond_by": "2025-05-09"]) + "\n")
        let args = ["--rules", lib, "--log", log]
        let r = try T.run(["audit"] + Self.demo + args + ["--format", "jsonl"])
        #expect(r.status == 1)
        #expect(r.stderr.contains("s.jsonl:1: not evaluated: authority.test case sum: summons.received s1 has no 'respond_by'"))
        let line = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.split(separator: "\n")[0].utf8)) as? [String: Any])
        let citation = try #require(line["citation"] as? [String: Any])
        #expect(citation["confidence"] as? String == "check")
        #expect(citation["verification"] as? String == "Read only in a secondary source.")
        #expect(try T.run(["audit"] + Self.demo + args + ["--strict"]).status == 2)
        let explain = try T.run(["explain"] + Self.demo + args + ["--case", "ok", "--case", "nothing"])
        #expect(explain.stdout.contains("citation confidence: check (Read only in a secondary source.)"))
        #expect(explain.stdout.contains("Case nothing: no accepted events with this case id up to the audit instant"))
    }

    @Test("usage errors exit 64; unusable inputs exit 2 with the fix")
    func exitCodes() throws {
        #expect(try T.run(["audit", "--log", "x.jsonl"]).status == 64)
        #expect(try T.run(["audit"] + Self.demo + ["--log", "x.jsonl", "--as-of", "tomorrow"]).status == 64)
        let unknown = try audit("README.md")
        #expect(unknown.status == 2)
        #expect(unknown.stderr.contains("--log-format"))
        let missing = try audit("no/such/file.jsonl")
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("cannot open"))
        let profile = try T.run(["audit", "--platform", "no-such-profile.yaml", "--log", "Fixtures/demo/incidents.jsonl"])
        #expect(profile.status == 2)
    }

    @Test("--threads must be 1 or more and gives the same bytes for any number; --spill-dir is only touched when a log needs spilling")
    func threadsAndSpill() throws {
        let log = ["--log", "Fixtures/demo/incidents.jsonl", "--format", "jsonl", "--all"]
        let zero = try T.run(["audit"] + Self.demo + log + ["--threads", "0"])
        #expect(zero.status == 64)
        #expect(zero.stderr.contains("--threads must be 1 or more"))
        let one = try T.run(["audit"] + Self.demo + log + ["--threads", "1"])
        let three = try T.run(["audit"] + Self.demo + log + ["--threads", "3"])
        #expect(one.status == 1)
        #expect(!one.stdout.isEmpty)
        #expect(three.stdout == one.stdout)
        // The demo log is far below one partition: nothing is spilled, so a bad folder is never used.
        #expect(try T.run(["audit"] + Self.demo + log + ["--spill-dir", "/nonexistent/oblige"]).stdout == one.stdout)
    }
}
