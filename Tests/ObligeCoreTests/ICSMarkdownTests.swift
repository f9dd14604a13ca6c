import Foundation
import ObligeCore
import ObligeTestSupport
import Testing

/// The iCalendar feed and the Markdown brief on one small audit with every kind of entry: running
/// clocks (one against a platform target), overdue ones (one with a case id full of markup and a
/// control character, one with a long non-ASCII id), a late one, a hold still holding and one ended
/// early, and a dated duty, overdue and waived, with its next period running.
@Suite("ICS and Markdown")
struct ICSMarkdownTests {
    typealias T = TestSupport

    static let nastyCase = "x<&\"'>]]>\u{1}\ty"
    /// 2-, 3- and 4-byte UTF-8 characters, long enough that SUMMARY and DESCRIPTION lines fold.
    static let wideCase = "café-Überprüfung-日本語のケース-🚨🚨-" + String(repeating: "é", count: 40)

    static let ack = Fixture.rule(
        id: "dsa.test.ack", regime: "dsa", trigger: "notice.received", fulfilled: "[notice.acknowledged]",
        deadline: "{target: notice_ack}", effective: "{from: 2024-02-17}", applies: "{services: [hosting]}"
    ).replacingOccurrences(of: "severity: critical", with: "severity: low")

    static let preserve = Fixture.rule(
        id: "us-2258a.test", regime: "us-2258a", trigger: "cybertipline.reported", fulfilled: "[preservation.ended]",
        deadline: "{calendar: P1Y}", effective: "{from: 2024-05-07}", applies: "{services: [electronic_service_provider]}", kind: "hold",
        zone: "America/New_York"
    ).replacingOccurrences(of: "severity: critical", with: "severity: high")

    static func lines() -> [String] {
        let order = { (id: String, c: String, at: String) in T.jsonl(id, c, "order.received", at, ["order_kind": "removal"]) }
        return [
            order("o1", "met", "2026-07-31T10:00:00Z"),
            T.jsonl("r1", "met", "content.removed", "2026-07-31T10:30:00Z"),
            order("o2", "late", "2026-07-31T10:00:00Z"),
            T.jsonl("r2", "late", "content.disabled", "2026-07-31T11:12:05Z"),
            order("o3", "overdue", "2026-07-31T10:00:00Z"),
            order("o4", "pending", "2026-07-31T23:30:00Z"),
            #"{"id": "o5", "case": "x<&\"'>]]>\u0001\ty", "type": "order.received", "at": "2026-07-30T10:00:00Z", "order_kind": "removal"}"#,
            order("o6", wideCase, "2026-07-31T09:00:00Z"),
            T.jsonl("n1", "ack-late", "notice.received", "2026-07-30T10:00:00Z"),
            T.jsonl("a1", "ack-late", "notice.acknowledged", "2026-07-31T12:00:00Z"),
            T.jsonl("n2", "ack-pending", "notice.received", "2026-07-31T20:00:00Z"),
            T.jsonl("c1", "kept", "cybertipline.reported", "2026-05-01T10:00:00-04:00"),
            T.jsonl("c2", "ended", "cybertipline.reported", "2026-01-01T10:00:00-05:00"),
            T.jsonl("e2", "ended", "preservation.ended", "2026-02-01T10:00:00-05:00"),
        ]
    }

    static let log = T.file("log.jsonl", lines().joined(separator: "\n") + "\n")

    /// The audit at `asOf`, seeing dated duties up to a year ahead as the calendar does; the
    /// half-yearly report is waived for every period.
    static func audit(_ asOf: String = "2026-08-01T00:00:00Z") throws -> AuditResult {
        let lib = try T.library(["tco/r.yaml": Fixture.tco, "dsa/a.yaml": ack, "dsa/r.yaml": PackTests.reports, "us-2258a/p.yaml": preserve])
        var rejects: [Reject] = []
        var r = try Auditor.run(
            rules: RuleLoader.load(root: lib), profile: T.profile(kinds: ["online_platform", "electronic_service_provider"]),
            logs: [LogInput(path: log, format: .jsonl)], options: AuditOptions(asOf: T.instant(asOf), horizon: window(asOf).to)
        ) { rejects.append($0) }
        try #require(rejects.isEmpty, "rejected: \(rejects.map(\.reason))")
        r.apply([Waiver(id: "W2", rule: "dsa.test.reports", caseID: nil, justification: "first report filed on paper", approver: "Jane <Doe>", expires: nil)])
        return r
    }

    /// The calendar's default window: from the audit's UTC date, twelve months.
    static func window(_ asOf: String) -> CalendarReport.Window {
        let first = ZoneClock.utc.date(of: T.instant(asOf))
        return CalendarReport.Window(from: ZoneClock.utc.startOfDay(first), to: ZoneClock.utc.startOfDay(first.adding(months: 12)))
    }

    static func feed(_ asOf: String = "2026-08-01T00:00:00Z", alarms: [Int] = [86_400, 3_600]) throws -> String {
        ICSReport.render(try audit(asOf), window(asOf), alarms: alarms)
    }

    // MARK: a small reader, enough to check what was written

    struct Component {
        var properties: [(name: String, value: String)] = []
        var alarms: [Component] = []
        func values(_ name: String) -> [String] { properties.filter { $0.name == name }.map(\.value) }
        func value(_ name: String) -> String? { values(name).first }
    }

    /// Logical lines: folds undone.
    static func unfold(_ feed: String) -> [String] {
        var lines = feed.replacingOccurrences(of: "\r\n ", with: "").components(separatedBy: "\r\n")
        if lines.last == "" { lines.removeLast() }
        return lines
    }

    static func events(_ feed: String) -> [Component] {
        var events: [Component] = []
        var event: Component?, alarm: Component?
        for line in unfold(feed) {
            let colon = line.firstIndex(of: ":") ?? line.endIndex
            let name = String(line[..<colon]), value = colon < line.endIndex ? String(line[line.index(after: colon)...]) : ""
            switch (name, value) {
            case ("BEGIN", "VEVENT"): event = Component()
            case ("END", "VEVENT"): event.map { events.append($0) }; event = nil
            case ("BEGIN", "VALARM"): alarm = Component()
            case ("END", "VALARM"): alarm.map { event?.alarms.append($0) }; alarm = nil
            default:
                if alarm != nil { alarm?.properties.append((name, value)) } else { event?.properties.append((name, value)) }
            }
        }
        return events
    }

    static func unescape(_ s: String) -> String {
        var out = "", escaped = false
        for c in s {
            if escaped {
                out.append(c == "n" || c == "N" ? "\n" : c)
                escaped = false
            } else if c == "\\" {
                escaped = true
            } else {
                out.append(c)
            }
        }
        return out
    }

    static func event(_ events: [Component], summaryContains text: String) throws -> Component {
        try #require(events.first { unescape($0.value("SUMMARY") ?? "").contains(text) }, "no event whose summary holds \(text)")
    }

    // MARK: RFC 5545 encoding

    @Test("folding: at most 75 octets a line, continuation lines start with a space, no UTF-8 character is split")
    func folding() throws {
        // The boundary falls inside a 2-byte character: it moves whole to the next line.
        #expect(ICSReport.fold(String(repeating: "X", count: 74) + "é") == String(repeating: "X", count: 74) + "\r\n é")
        #expect(ICSReport.fold(String(repeating: "X", count: 75)) == String(repeating: "X", count: 75))
        #expect(ICSReport.fold(String(repeating: "X", count: 76)) == String(repeating: "X", count: 75) + "\r\n X")
        let emoji = ICSReport.fold("SUMMARY:" + String(repeating: "🚨", count: 40))
        #expect(emoji.components(separatedBy: "\r\n").map(\.utf8.count) == [8 + 4 * 16, 1 + 4 * 18, 1 + 4 * 6])

        let feed = try Self.feed()
        #expect(feed.contains("日本語"))
        var folded = 0
        for segment in Data(feed.utf8).split(separator: 0x0A, omittingEmptySubsequences: false).dropLast() {
            #expect(segment.last == 0x0D, "a line that does not end in CRLF")
            let line = segment.dropLast()
            #expect(line.count <= 75, "a line of \(line.count) octets")
            #expect(String(data: Data(line), encoding: .utf8) != nil, "a line that is not whole UTF-8: a character was split")
            if line.first == 0x20 { folded += 1 }
        }
        #expect(folded > 20)
        let summary = try Self.event(Self.events(feed), summaryContains: "Überprüfung").value("SUMMARY") ?? ""
        #expect(summary.contains(Self.wideCase))
    }

    @Test("text values escape backslash, semicolon, comma and newlines; control characters become U+FFFD")
    func escaping() throws {
        #expect(ICSReport.text("a\\b;c,d\ne\r\nf\rg\u{1}\th\u{7F}") == "a\\\\b\\;c\\,d\\ne\\nf\\ng\u{FFFD}\th\u{FFFD}")
        let feed = try Self.feed()
        #expect(!feed.unicodeScalars.contains { ($0.value < 0x20 && $0 != "\r" && $0 != "\n" && $0 != "\t") || $0.value == 0x7F })
        let nasty = try Self.event(Self.events(feed), summaryContains: "x<&")
        #expect(nasty.value("SUMMARY")?.hasSuffix("(case x<&\"'>]]>\u{FFFD}\ty)") == true)
        let description = Self.unescape(nasty.value("DESCRIPTION") ?? "")
        #expect(description.contains("\nCase: x<&\"'>]]>\u{FFFD}\ty\n"))
        #expect(nasty.value("CATEGORIES") == "tco,critical")
        // The calendar's name holds a comma-free platform name; the description's comma is escaped.
        #expect(Self.unfold(feed).contains { $0.hasPrefix("X-WR-CALDESC:Deadlines from 2026-08-01T00:00:00Z to 2027-08-01T00:00:00Z\\, and") })
    }

    @Test("CRLF line ends only, the calendar's properties, and each event's required ones")
    func structure() throws {
        let feed = try Self.feed()
        #expect(feed.hasSuffix("END:VCALENDAR\r\n"))
        #expect(!feed.replacingOccurrences(of: "\r\n", with: "").contains("\n"))
        #expect(!feed.replacingOccurrences(of: "\r\n", with: "").contains("\r"))
        let head = Array(Self.unfold(feed).prefix(5))
        #expect(head == ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Oblige//Oblige deadlines//EN", "CALSCALE:GREGORIAN", "X-WR-CALNAME:Oblige deadlines · Test Platform"])
        let events = Self.events(feed)
        for e in events {
            for name in ["UID", "DTSTAMP", "SEQUENCE", "DTSTART", "DURATION", "SUMMARY", "DESCRIPTION", "URL", "CATEGORIES", "STATUS"] {
                #expect(e.values(name).count == 1, "\(e.value("SUMMARY") ?? "?") has \(e.values(name).count) \(name)")
            }
            #expect(e.value("DTSTART")?.wholeMatch(of: /\d{8}T\d{6}Z/) != nil)
            #expect(e.value("DURATION") == "PT15M")
        }
    }

    @Test("the feed holds the window's open deadlines, holds and dated duties, and the duties overdue before it")
    func which() throws {
        let audit = try Self.audit()
        let events = Self.events(ICSReport.render(audit, Self.window("2026-08-01T00:00:00Z")))
        let summaries = events.map { Self.unescape($0.value("SUMMARY") ?? "") }
        #expect(summaries == [
            "OVERDUE (waived): Half-yearly report (main 2025-H2)",
            "OVERDUE: Test rule (case x<&\"'>]]>\u{FFFD}\ty)",
            "OVERDUE: Test rule (case \(Self.wideCase))",
            "OVERDUE: Test rule (case overdue)",
            "Due: Test rule (case pending)",
            "Due: Test rule (case ack-pending)",
            "Due: Half-yearly report (main 2026-H1)",
            "Due: Half-yearly report (main 2026-H2)",
            "Hold ends: Test rule (case kept)",
        ])
        let pending = try Self.event(events, summaryContains: "case pending")
        #expect(pending.value("DTSTART") == "20260801T003000Z")
        #expect(pending.value("STATUS") == "CONFIRMED")
        #expect(pending.value("TRANSP") == "TRANSPARENT")
        #expect(pending.value("PRIORITY") == "1")
        #expect(pending.value("URL") == "https://example.org/law")
        #expect(try Self.event(events, summaryContains: "2025-H2").value("STATUS") == "CANCELLED")
        // With closed entries: those whose deadline is in the window, cancelled.
        var all = Self.window("2026-08-01T00:00:00Z")
        all.includeClosed = true
        let closed = Self.events(ICSReport.render(audit, all)).filter { $0.value("STATUS") == "CANCELLED" }.map { Self.unescape($0.value("SUMMARY") ?? "") }
        // The late and met deadlines fell before the window; the hold ended early would have ended in it.
        #expect(closed == ["OVERDUE (waived): Half-yearly report (main 2025-H2)", "Hold ended early: Test rule (case ended)"])
        all.from = T.instant("2026-07-01T00:00:00Z")
        let history = Self.events(ICSReport.render(audit, all)).map { Self.unescape($0.value("SUMMARY") ?? "") }
        #expect(history.contains("Done late: Test rule (case late)"))
        #expect(history.contains("Met: Test rule (case met)"))
        #expect(history.contains("Hold ended early: Test rule (case ended)"))  // its period would have ended in 2027
    }

    @Test("the description: state, rule, case, what started the clock, local deadline, target note, citation")
    func description() throws {
        let events = Self.events(try Self.feed())
        let ack = Self.unescape(try Self.event(events, summaryContains: "ack-pending").value("DESCRIPTION") ?? "")
        #expect(ack.hasPrefix("Running: 20h 00m 00s left at the audit instant 2026-08-01T00:00:00Z.\n"))
        for line in [
            "Rule: dsa.test.ack: Test rule", "Case: ack-pending", "Started by: notice.received n2 at 2026-07-31T20:00:00Z",
            "Deadline: 2026-08-01T22:00:00+02:00 (Europe/Brussels) = 2026-08-01T20:00:00Z",
            "Measured against the platform's own target 'notice_ack' = PT24H: the law sets no figure.",
            "Citation: Test instrument, Art 3(3)", "https://example.org/law", "Severity: low; regime: dsa",
        ] {
            #expect(ack.contains("\n" + line + "\n"), "description lacks \(line)")
        }
        let tco = Self.unescape(try Self.event(events, summaryContains: "case pending").value("DESCRIPTION") ?? "")
        #expect(!tco.contains("platform's own target"))
        let overdue = Self.unescape(try Self.event(events, summaryContains: "case overdue").value("DESCRIPTION") ?? "")
        #expect(overdue.hasPrefix("OVERDUE: not done; the deadline passed 13h 00m 00s before the audit instant 2026-08-01T00:00:00Z.\n"))
        let duty = Self.unescape(try Self.event(events, summaryContains: "2025-H2").value("DESCRIPTION") ?? "")
        #expect(duty.contains("\nWaived: waived by Jane <Doe> (W2): first report filed on paper (no expiry).\n"))
        #expect(duty.contains("\nDuty: service main, period 2025-H2\n"))
        #expect(duty.contains("Citation: Test, Art 1 [interpretation]"))
    }

    @Test("alarms: the given ones on open deadlines, none on holds, overdue or waived entries")
    func alarms() throws {
        let events = Self.events(try Self.feed())
        let pending = try Self.event(events, summaryContains: "case pending")
        #expect(pending.alarms.map { $0.value("TRIGGER") } == ["-PT24H", "-PT1H"])
        #expect(pending.alarms.allSatisfy { $0.value("ACTION") == "DISPLAY" })
        #expect(pending.alarms.first?.value("DESCRIPTION") == "Due in 1d 0h 00m: Test rule (case pending)")
        #expect(try Self.event(events, summaryContains: "2026-H1").alarms.count == 2)
        for quiet in ["case kept", "case overdue", "2025-H2"] {
            #expect(try Self.event(events, summaryContains: quiet).alarms.isEmpty, "\(quiet) has alarms")
        }
        let custom = try Self.event(Self.events(try Self.feed(alarms: [1800, 90, 1800, 0, -600])), summaryContains: "case pending")
        #expect(custom.alarms.map { $0.value("TRIGGER") } == ["-PT30M", "-PT1M30S", "PT0S", "PT10M"])
        #expect(try Self.event(Self.events(try Self.feed(alarms: [])), summaryContains: "case pending").alarms.isEmpty)
    }

    @Test("re-import: the same obligation keeps its UID at a later audit, its SEQUENCE goes up, DTSTAMP is the audit instant")
    func stableUIDs() throws {
        let early = Self.events(try Self.feed("2026-08-01T00:00:00Z"))
        let later = Self.events(try Self.feed("2026-08-03T00:00:00Z"))
        let uids = early.compactMap { $0.value("UID") }
        #expect(Set(uids).count == uids.count, "UIDs repeat within a feed")
        #expect(uids.allSatisfy { $0.wholeMatch(of: /[0-9a-f]{32}@oblige/) != nil })

        // The running clock became overdue: same UID, new state, higher SEQUENCE.
        let before = try Self.event(early, summaryContains: "case pending"), after = try Self.event(later, summaryContains: "case pending")
        #expect(before.value("UID") == after.value("UID"))
        #expect(after.value("SUMMARY") == "OVERDUE: Test rule (case pending)")
        #expect(after.alarms.isEmpty)
        let audit = try Self.audit()
        let finding = try #require(audit.findings.first { $0.caseID == "pending" })
        #expect(before.value("UID") == finding.fingerprint + "@oblige")
        #expect(before.value("UID") == ICSReport.uid(finding))

        let shared = Set(uids).intersection(later.compactMap { $0.value("UID") })
        #expect(shared.count == uids.count)
        for e in early {
            let other = try #require(later.first { $0.value("UID") == e.value("UID") })
            #expect(Int(other.value("SEQUENCE") ?? "") ?? 0 > Int(e.value("SEQUENCE") ?? "") ?? 0)
            #expect(other.value("DTSTART") == e.value("DTSTART"))
        }
        #expect(before.value("SEQUENCE") == "\(T.instant("2026-08-01T00:00:00Z").seconds / 60)")
        #expect(before.value("DTSTAMP") == "20260801T000000Z")
        #expect(after.value("DTSTAMP") == "20260803T000000Z")
        // Different obligations, different UIDs: two findings in one case, and one rule in two cases.
        #expect(try Self.event(early, summaryContains: "case overdue").value("UID") != before.value("UID"))
        #expect(try Self.event(early, summaryContains: "2026-H1").value("UID") != Self.event(early, summaryContains: "2026-H2").value("UID"))
    }

    @Test("identical audits give byte-identical feeds, whenever they are rendered")
    func deterministic() throws {
        #expect(try Self.feed() == Self.feed())
    }

    @Test("an empty window still gives a calendar with its name and no events")
    func empty() throws {
        let audit = try Self.audit()
        let w = CalendarReport.Window(from: T.instant("2030-01-01T00:00:00Z"), to: T.instant("2030-02-01T00:00:00Z"))
        var quiet = audit
        quiet.findings = audit.findings.filter { $0.status != .overdue }
        let feed = ICSReport.render(quiet, w)
        #expect(Self.events(feed).isEmpty)
        #expect(feed.hasPrefix("BEGIN:VCALENDAR\r\n") && feed.hasSuffix("END:VCALENDAR\r\n"))
    }

    // MARK: Markdown

    @Test("Markdown escaping: markup characters are inert, line breaks and control characters cannot open a block",
          arguments: [
            ("plain-id_42", "plain-id\\_42"),
            ("x<&\"'>]]>\u{1}\ty", "x\\<\\&\"'\\>\\]\\]\\>\u{FFFD} y"),
            ("*bold* `code` [a](b) ~~s~~ | #1 @team $x$ !{}", "\\*bold\\* \\`code\\` \\[a\\](b) \\~\\~s\\~\\~ \\| \\#1 \\@team \\$x\\$ \\!\\{\\}"),
            ("a\\b\nc\r\n- d", "a\\\\b\u{FFFD}c\u{FFFD}\u{FFFD}- d"),
            ("café 日本", "café 日本"),
          ])
    func markdownEscape(_ raw: String, _ escaped: String) {
        #expect(MarkdownReport.escape(raw) == escaped)
    }

    static func brief(top: Int = 5) throws -> String { MarkdownReport.render(try audit(), top: top) }

    static func section(_ text: String, from start: String, to end: String?) -> String {
        guard let a = text.range(of: start) else { return "" }
        let rest = text[a.upperBound...]
        return String(end.flatMap { rest.range(of: $0) }.map { rest[..<$0.lowerBound] } ?? rest)
    }

    @Test("Markdown: the headline counts, a summary table, breaches by severity then rule, worst first")
    func markdownGrouping() throws {
        let md = try Self.brief()
        #expect(md.hasPrefix("# Compliance brief: Test Platform\n\nAudit as of 2026-08-01T00:00:00Z: **6 active breaches** (3 overdue, 2 late, 1 violated) of 3 rules in 6 cases; 1 waived. 4 clocks running, 2 due within 7 days.\n"))
        let table = Self.section(md, from: "## Summary\n", to: "## What broke")
        #expect(table.contains("| critical | `tco.test.removal` | 4 | 3 | overdue by 1d 13h 00m |"))
        #expect(table.contains("| high | `us-2258a.test` | 1 | 0 | ended "))
        #expect(table.contains("| low | `dsa.test.ack` | 1 | 0 | late by 2h 00m 00s |"))

        let broke = Self.section(md, from: "## What broke\n", to: "## What to do next")
        let headings = broke.split(separator: "\n").filter { $0.hasPrefix("###") }
        #expect(headings == [
            "### Critical: 4 breaches of 1 rule", "#### `tco.test.removal`: Test rule",
            "### High: 1 breach of 1 rule", "#### `us-2258a.test`: Test rule",
            "### Low: 1 breach of 1 rule", "#### `dsa.test.ack`: Test rule",
        ])
        #expect(broke.contains("4 breaches (3 overdue, 1 late). Law: [Test instrument, Art 3(3)](https://example.org/law). Deadline: "))
        #expect(broke.contains("Measured against the platform's own target `notice_ack` = PT24H: the law sets no figure."))
        // Worst first within the rule: the oldest overdue, then the others, the late one last.
        let tco = Self.section(broke, from: "#### `tco.test.removal`", to: "### High").split(separator: "\n").filter { $0.hasPrefix("- ") }
        #expect(tco.count == 4)
        #expect(tco.first?.hasPrefix("- case x\\<\\&\"'\\>\\]\\]\\>\u{FFFD} y: **overdue by 1d 13h 00m**, deadline 2026-07-30T13:00:00+02:00 (Europe/Brussels)") == true)
        #expect(tco.last == "- case late: late by 12m 05s, deadline 2026-07-31T13:00:00+02:00 (Europe/Brussels), done 2026-07-31T13:12:05+02:00 (content.disabled r2)")
        // Waived breaches are not among what broke.
        #expect(!broke.contains("dsa.test.reports"))
    }

    @Test("Markdown: what to do next — overdue now, late to explain, clocks due within 7 days; waived apart")
    func markdownNext() throws {
        let md = try Self.brief()
        let next = Self.section(md, from: "## What to do next\n", to: "## Waived")
        #expect(next.contains("### Now: 3 duties overdue\n\nStill not done: do it now, and record it in the log.\n\n- `tco.test.removal` (critical): **do it now** for case x\\<"))
        #expect(next.contains("case overdue (overdue since 2026-07-31T13:00:00+02:00, 13h 00m 00s)"))
        #expect(next.contains("Done when the log records `content.removed` or `content.disabled`."))
        #expect(next.contains("### Explain and document: done late or ended early\n"))
        #expect(next.contains("- `us-2258a.test` (high): 1 hold ended before the period ran out (case ended).\n"))
        #expect(next.contains("\n\n- `tco.test.removal` (critical): 1 done late (case late, late by 12m 05s).\n- `us-2258a.test`"))
        let soon = Self.section(next, from: "### Due within 7 days\n", to: nil)
        #expect(soon.contains("- `tco.test.removal` (critical): case pending due 2026-08-01T02:30:00+02:00 (in 30m 00s). Test rule."))
        #expect(soon.contains("- `dsa.test.ack` (low): case ack-pending due 2026-08-01T22:00:00+02:00 (in 20h 00m 00s)."))
        #expect(!soon.contains("kept"), "a hold needs nothing done")
        #expect(!soon.contains("2026-H1"), "due in a month")
        let waived = Self.section(md, from: "## Waived (1)\n", to: nil)
        #expect(waived.contains("- `dsa.test.reports`, main 2025-H2: overdue by "))
        #expect(waived.contains("waived by Jane \\<Doe\\> (W2, no expiry): first report filed on paper"))
        // The raw id from the log never reaches the brief.
        #expect(!md.contains("x<&"))
        #expect(!md.unicodeScalars.contains { $0.value < 0x20 && $0 != "\n" })
    }

    @Test("Markdown: long lists are cut to the worst cases per rule, with what the rest were")
    func markdownCut() throws {
        let md = try Self.brief(top: 2)
        let tco = Self.section(md, from: "#### `tco.test.removal`", to: "### High")
        #expect(tco.split(separator: "\n").filter { $0.hasPrefix("- ") }.count == 3)
        #expect(tco.contains("- … and 2 more: 1 overdue by 13h 00m 00s; 1 late by 12m 05s\n"))
        #expect(md.contains("(overdue since 2026-07-31T12:00:00+02:00, 14h 00m 00s) and 1 more."))
    }

    @Test("Markdown: no breach says so")
    func markdownClean() throws {
        var audit = try Self.audit()
        audit.findings = audit.findings.filter { !$0.status.isBreach && $0.rule.kind == .hold }
        let md = MarkdownReport.render(audit)
        #expect(md.contains("Audit as of 2026-08-01T00:00:00Z: **no active breach**; 0 waived. 0 clocks running, 0 due within 7 days.\n"))
        #expect(md.contains("## What to do next\n\nNothing is overdue and no clock runs out within 7 days.\n"))
        #expect(!md.contains("## What broke"))
    }

    // MARK: the demo

    static func demo(_ asOf: String) throws -> AuditResult {
        try Auditor.run(
            rules: RuleLoader.load(root: T.rulesRoot), profile: PlatformProfile.load(path: T.demoDir.appendingPathComponent("platform.yaml").path),
            logs: [LogInput(path: T.demoDir.appendingPathComponent("incidents.jsonl").path, format: .jsonl)],
            options: AuditOptions(asOf: T.instant(asOf), horizon: window(asOf).to)
        ) { _ in }
    }

    @Test("the demo's 70 breaches make a brief of one screenful per severity: every rule, at most five cases each")
    func markdownDemo() throws {
        let audit = try Self.demo("2025-11-01T00:00:00Z")
        try #require(audit.activeBreaches.count == 70)
        let md = MarkdownReport.render(audit)
        let rules = Set(audit.activeBreaches.map(\.rule.id))
        let table = Self.section(md, from: "## Summary\n", to: "## What broke")
        #expect(table.split(separator: "\n").count == rules.count + 2)
        let broke = Self.section(md, from: "## What broke\n", to: "## What to do next")
        for id in rules { #expect(broke.contains("#### `\(id)`: "), "no section for \(id)") }
        #expect(broke.split(separator: "\n").filter { $0.hasPrefix("- ") }.count <= rules.count * 6)
        #expect(broke.contains("- … and 10 more: "))  // dsa.art16.decision: 15 breaches
        #expect(broke.contains("[Regulation (EU) 2021/784"))
        #expect(md.split(separator: "\n").count < 250)
    }

    /// Writes feeds and briefs where `OBLIGE_ICS_SAMPLES` says, for `scripts/check-ics` to hand to
    /// Python's icalendar: the demo audited a week apart (`demo-1.ics`, `demo-2.ics`: the same
    /// obligations must keep their UIDs), this suite's awkward audit (`audit.ics`), and the briefs.
    @Test("the samples for the independent parser render, share UIDs across two audits, and are written when asked")
    func samples() throws {
        let first = "2025-11-01T00:00:00Z", second = "2025-11-08T00:00:00Z"
        let a = try Self.demo(first), b = try Self.demo(second)
        let feedA = ICSReport.render(a, Self.window(first)), feedB = ICSReport.render(b, Self.window(second))
        let uidsA = Self.events(feedA).compactMap { $0.value("UID") }, uidsB = Self.events(feedB).compactMap { $0.value("UID") }
        #expect(uidsA.count > 100)
        #expect(Set(uidsA).count == uidsA.count)
        #expect(Set(uidsA).intersection(uidsB).count > 100)
        guard let dir = ProcessInfo.processInfo.environment["OBLIGE_ICS_SAMPLES"] else { return }
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try feedA.write(toFile: dir + "/demo-1.ics", atomically: true, encoding: .utf8)
        try feedB.write(toFile: dir + "/demo-2.ics", atomically: true, encoding: .utf8)
        try Self.feed().write(toFile: dir + "/audit.ics", atomically: true, encoding: .utf8)
        try MarkdownReport.render(a).write(toFile: dir + "/demo.md", atomically: true, encoding: .utf8)
        try Self.brief().write(toFile: dir + "/audit.md", atomically: true, encoding: .utf8)
    }
}
