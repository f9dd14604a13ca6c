import Foundation
import ObligeCore
import ObligeTestSupport
import Testing

/// The HTML report, read back with a small strict parser (below): well-formed, escaped, every
/// breach with its timeline, nothing fetched from anywhere, the same bytes for the same audit.
/// `scripts/check-html-report` then opens it in Chromium.
@Suite("HTML report")
struct HTMLReportTests {
    typealias T = TestSupport

    /// The demo audit with its exposure (the demo scenario) and the changes since an audit a
    /// month earlier; one breach waived, so every section of the page has something to show.
    static func demo() throws -> (AuditResult, ExposureAssessment, RunDiff) {
        let rules = try RuleLoader.load(root: T.rulesRoot)
        let profile = try PlatformProfile.load(path: T.demoDir.appendingPathComponent("platform.yaml").path)
        let log = [LogInput(path: T.demoDir.appendingPathComponent("incidents.jsonl").path, format: .jsonl)]
        func audit(_ asOf: String) throws -> AuditResult {
            try Auditor.run(rules: rules, profile: profile, logs: log, options: AuditOptions(asOf: T.instant(asOf))) { _ in }
        }
        let before = try audit("2025-10-01T00:00:00Z")
        var now = try audit("2025-11-01T00:00:00Z")
        let waived = try #require(now.breaches.first { $0.rule.id == "dsa.art24.sor-db" })
        now.apply([Waiver(id: "W1", rule: waived.rule.id, caseID: waived.caseID, justification: "entry filed by hand <see ticket #12>", approver: "Legal & Policy", expires: nil)])
        let scenario = try Scenario.load(path: T.demoDir.appendingPathComponent("scenario.yaml").path, rules: rules)
        let exposure = try Exposure.assess(
            name: "baseline", contraventions: now.findings.map(Contravention.init), findings: now.findings.count, profile: profile,
            penalties: rules.penalties, scenario: scenario, asOf: now.asOf)
        let diff = RunDiff(from: 1, to: 2, before: before.findings.map(StoredFinding.init), after: now.findings.map(StoredFinding.init))
        return (now, exposure, diff)
    }

    static func demoHTML() throws -> (AuditResult, String) {
        let (r, x, d) = try demo()
        return (r, HTMLReport.render(r, exposure: x, diff: d))
    }

    // MARK: - Escaping

    @Test("text from logs and waivers is escaped everywhere: case ids full of markup stay text, attributes stay attributes")
    func escaping() throws {
        let r = try CIFormatTests.audit()
        let html = HTMLReport.render(r)
        let page = try HTMLPage(html)
        #expect(page.errors.isEmpty, "not well-formed: \(page.errors.prefix(5))")
        #expect(!html.contains(CIFormatTests.nastyCase))
        #expect(!html.contains("Legal <A&B>"))
        #expect(html.contains("Legal &lt;A&amp;B&gt;"))
        // The control character becomes U+FFFD; the rest survives as the text it was.
        let shown = CIFormatTests.nastyCase.replacingOccurrences(of: "\u{1}", with: "\u{FFFD}")
        let nasty = try #require(page.all { $0.name == "section" && $0["data-case"] == shown }.first, "no breach section for the nasty case")
        #expect(nasty["data-status"] == "overdue")
        #expect(nasty.first { $0.name == "h4" }?.text.contains("case \(shown)") == true)
        #expect(page.all { $0.name == "th" && $0.text == shown }.count == 1, "the findings table's row header")
    }

    // MARK: - Every breach with its timeline

    @Test("every breach of the demo is a section named by its fingerprint, with its data and its timeline chart")
    func everyBreach() throws {
        let (r, html) = try Self.demoHTML()
        let page = try HTMLPage(html)
        #expect(page.errors.isEmpty, "not well-formed: \(page.errors.prefix(5))")
        let sections = page.all { $0.name == "section" && $0.classes.contains("breach") }
        #expect(sections.count == r.breaches.count)
        #expect(r.breaches.count == 70)
        for f in r.breaches {
            let id = "f-\(f.fingerprint)"
            guard let s = sections.first(where: { $0["id"] == id }) else {
                Issue.record("no section \(id) for \(f.rule.id) \(f.caseID)")
                continue
            }
            #expect(s["data-rule"] == f.rule.id)
            #expect(s["data-case"] == f.caseID)
            #expect(s["data-start"] == f.startID)
            #expect(s["data-status"] == f.status.rawValue)
            #expect(s["data-fingerprint"] == f.fingerprint)
            let svgs = s.all { $0.name == "svg" && $0.classes.contains("timeline") }
            #expect(svgs.count == 1, "\(id): \(svgs.count) timelines")
            guard let svg = svgs.first else { continue }
            #expect(svg["role"] == "img")
            // The accessible name and description are the chart's own <title> and <desc>.
            let ids = (svg["aria-labelledby"] ?? "").split(separator: " ").map(String.init)
            #expect(ids.count == 2)
            #expect(svg.children.first { $0.name == "title" }?["id"] == ids.first)
            #expect(svg.children.first { $0.name == "desc" }?["id"] == ids.last)
            // A hover title and a visible label with the local time for every mark.
            for mark in svg.all({ $0.name == "g" && ($0["class"] ?? "").hasPrefix("mark-") }) {
                #expect(mark.children.first?.name == "title")
                #expect(mark.all { $0.name == "text" }.count == 2)
            }
            #expect(!svg.all { $0.name == "g" && $0["class"] == "mark-deadline" }.isEmpty, "\(id): no deadline mark")
        }
        #expect(sections.filter { $0["data-waiver"] == "W1" }.count == 1)
    }

    @Test("a timeline shows local times across a DST change, the lateness, the audit instant and clock changes")
    func timelines() throws {
        let (r, html) = try Self.demoHTML()
        let page = try HTMLPage(html)
        func svg(_ rule: String, _ caseID: String) throws -> HTMLPage.Node {
            let f = try #require(r.breaches.first { $0.rule.id == rule && $0.caseID == caseID })
            let s = try #require(page.all { $0["id"] == "f-\(f.fingerprint)" }.first)
            return try #require(s.all { $0.name == "svg" }.first)
        }
        // The TCO hour that spans the spring change in Brussels: +01:00 at the trigger, +02:00 at the deadline.
        let dst = try svg("tco.art3.removal-order", "tco-late-dst")
        let labels = dst.all { $0.name == "text" }.map(\.text)
        for expected in ["trigger order.received e0003", "2025-03-30T01:30:00+01:00", "deadline", "2025-03-30T03:30:00+02:00", "fulfilled by content.disabled e0004", "2025-03-30T03:42:05+02:00", "late by 12m 05s"] {
            #expect(labels.contains(expected), "no label \(expected) in \(labels)")
        }
        let titles = dst.all { $0.name == "title" }.map(\.text)
        #expect(titles.contains { $0.hasPrefix("deadline: PT1H elapsed") && $0.contains("2025-03-30T03:30:00+02:00 Europe/Brussels (2025-03-30T01:30:00Z UTC)") })
        let desc = try #require(dst.children.first { $0.name == "desc" }).text
        #expect(desc.hasPrefix("Late by 12m 05s. Local times in Europe/Brussels: trigger order.received e0003 at 2025-03-30T01:30:00+01:00"))
        #expect(dst.all { $0.classes.contains("over") }.count == 1)

        let overdue = try svg("tco.art3.removal-order", "tco-overdue")
        #expect(overdue.all { $0["class"] == "mark-auditInstant" }.first?.all { $0.name == "text" }.map(\.text) == ["audit instant: not done", "2025-11-01T01:00:00+01:00"])

        // Suspended, then restarted: both clock notes are marks; the restart needs no mark of its own.
        let restart = try svg("tco.art3.removal-order", "tco-restart-late")
        #expect(restart.all { $0["class"] == "mark-note" }.count == 2)
        #expect(restart.all { $0["class"] == "mark-restart" }.isEmpty)
        // Clock notes that came too late are open diamonds.
        let tooLate = try svg("tco.art3.removal-order", "tco-late-request")
        #expect(tooLate.all { $0.name == "path" && $0["class"] == "mark open" }.count == 2)

        // A hold ended early: the hatched bar runs from its end to the hold's end.
        let hold = try svg("us-2258a.preserve", "us-preserve-90d-violated")
        #expect(hold.all { $0.name == "text" }.map(\.text).contains("ended 45d 15h 00m early"))
        #expect(hold.all { $0.name == "text" }.map(\.text).contains("hold period ends"))
    }

    // MARK: - Self-contained

    @Test("nothing is fetched: no src, no stylesheet link, no script file, no url() but fragments; links are citations or in-page")
    func selfContained() throws {
        let (r, html) = try Self.demoHTML()
        let page = try HTMLPage(html)
        let citations = Set(r.rules.rules.map(\.citation.url))
        let ids = Set(page.all { $0["id"] != nil }.compactMap { $0["id"] })
        #expect(page.all { $0["src"] != nil }.isEmpty)
        #expect(page.all { $0.name == "link" || $0.name == "img" || $0.name == "iframe" || $0.name == "object" }.isEmpty)
        let scripts = page.all { $0.name == "script" }
        #expect(scripts.count == 1)
        #expect(scripts.allSatisfy { $0.attributes.isEmpty })
        var external = 0
        for a in page.all({ $0["href"] != nil }) {
            let href = a["href"] ?? ""
            if href.hasPrefix("#") {
                #expect(ids.contains(String(href.dropFirst())), "dangling link \(href)")
            } else {
                #expect(citations.contains(href), "link to \(href) is not a rule's citation")
                external += 1
            }
        }
        #expect(external > 0)
        let style = page.all { $0.name == "style" }.map(\.text).joined()
        #expect(!style.contains("@import"))
        #expect(!html.replacingOccurrences(of: "url(#", with: "").contains("url("))
        #expect(!html.contains("http-equiv=\"refresh\""))
        let csp = try #require(page.all { $0["http-equiv"] == "Content-Security-Policy" }.first?["content"])
        #expect(csp.hasPrefix("default-src 'none'; style-src 'sha256-"))
        #expect(csp.contains("script-src 'sha256-"))
        #expect(!csp.contains("unsafe-inline"))
    }

    /// Two audits of the same files (the log's path is in the report: where each trigger was read).
    @Test("the same audit gives the same bytes, run after run")
    func deterministic() throws {
        let (_, a) = try Self.demoHTML()
        let (_, b) = try Self.demoHTML()
        #expect(a == b)
    }

    // MARK: - Accessibility

    @Test("one h1, no skipped heading level, lang, captions and scoped headers on every table")
    func accessible() throws {
        let (_, html) = try Self.demoHTML()
        let page = try HTMLPage(html)
        #expect(page.all { $0.name == "html" }.first?["lang"] == "en")
        let levels = page.all { $0.name.count == 2 && $0.name.hasPrefix("h") && $0.name.last?.isNumber == true }.compactMap { Int(String($0.name.dropFirst())) }
        #expect(levels.filter { $0 == 1 }.count == 1)
        #expect(levels.first == 1)
        for (a, b) in zip(levels, levels.dropFirst()) { #expect(b <= a + 1, "heading h\(a) followed by h\(b)") }
        let tables = page.all { $0.name == "table" }
        #expect(tables.count >= 6)
        for t in tables {
            #expect(t.children.first?.name == "caption", "a table without a caption")
            #expect(t.all { $0.name == "th" }.allSatisfy { $0["scope"] == "col" || $0["scope"] == "row" })
        }
        for svg in page.all({ $0.name == "svg" }) {
            #expect(svg["role"] == "img")
            let ids = (svg["aria-labelledby"] ?? "").split(separator: " ").map(String.init)
            #expect(ids.count == 2 && ids.allSatisfy { id in svg.all { $0["id"] == id }.count == 1 })
        }
        // A status is always a word, never only a colour.
        for badge in page.all({ $0.classes.contains("status") }) { #expect(Finding.Status(rawValue: badge.text) != nil) }
    }

    // MARK: - Summary and charts

    @Test("the summary: breaches by regime and severity, clocks due within a week, waived, exposure, changes since the last run")
    func summary() throws {
        let (r, x, d) = try Self.demo()
        let page = try HTMLPage(HTMLReport.render(r, exposure: x, diff: d))
        let summary = try #require(page.all { $0["id"] == "summary" }.first)
        let matrix = try #require(summary.all { $0.classes.contains("matrix") }.first)
        let total = try #require(matrix.all { $0.name == "tfoot" }.first).all { $0.name == "td" }.map(\.text)
        let active = r.activeBreaches
        #expect(total == Severity.allCases.map { s in "\(active.filter { $0.rule.severity == s }.count)" } + ["\(active.count)"])
        #expect(total.last == "69")
        let dsa = try #require(matrix.all { $0.name == "tr" }.first { $0.children.first?.text == "dsa" })
        #expect(dsa.children.last?.text == "\(active.filter { $0.rule.regime == "dsa" }.count)")

        let due = try #require(summary.all { $0.name == "table" }.first { $0.children.first?.text.hasPrefix("Running deadlines due") == true })
        let rows = due.all { $0.name == "tbody" }.first?.children.map { $0.children.map(\.text) } ?? []
        #expect(rows.map { $0[2] + " " + $0[3] } == [
            "tco.art3.removal-order case tco-pending", "dsa.art16.decision case dsa16-pending", "tco.art3.inform-authority case tco-pending",
            "dsa.art16.decision case dsa16-anonymous", "dsa.art20.handle case dsa20-pending",
        ])
        #expect(rows.first?[0] == "2025-11-01 01:20:00+01:00 Europe/Brussels")
        #expect(rows.first?[1] == "20m 00s")
        #expect(summary.all { $0.name == "p" }.contains { $0.text == "2 holds also end in this window; no action is due for them." })

        let text = summary.text
        #expect(text.contains("69 active breaches (of 70: 20 overdue, 48 late, 2 violated), 1 waived, 99 running, 288 met."))
        #expect(text.contains("waived by Legal & Policy (W1): entry filed by hand <see ticket #12>"))
        #expect(text.contains("Statutory maximum for the breaches counted: \(x.statutory.total.description)"))
        let sim = try #require(x.simulation)
        #expect(text.contains("median \(sim.total.p50.description), 95th percentile \(sim.total.p95.description)"))
        #expect(text.contains("Run 2 against run 1: \(d.count(.new)) new, \(d.count(.resolved)) resolved, \(d.count(.changed)) changed"))
        #expect(d.count(.new) > 0)
        let changed = try #require(summary.all { $0.name == "table" }.first { $0.children.first?.text.hasPrefix("Breaches new or resolved") == true })
        let changes = changed.all { $0.name == "tbody" }.first?.children.map { $0.children.map(\.text) } ?? []
        #expect(changes.count == d.newlyActive.count + d.count(.resolved))
        #expect(changes.filter { $0[0] == "new breach" }.count == d.newlyActive.count)
        let w = try #require(r.breaches.first { $0.waiver != nil })
        #expect(changes.contains(["resolved", w.rule.id, w.caseID, w.startID, "late → late, waived (W1)"]))

        // Without exposure and diff, those parts are left out, not shown empty.
        let plain = try HTMLPage(HTMLReport.render(r)).all { $0["id"] == "summary" }.first?.text ?? ""
        #expect(!plain.contains("Statutory maximum"))
        #expect(!plain.contains("Since the previous run"))
    }

    @Test("breaches per ISO week of the deadline, across year ends with 53 weeks; lateness per rule with its median")
    func charts() throws {
        let order = { (id: String, c: String, at: String) in T.jsonl(id, c, "order.received", at, ["order_kind": "removal"]) }
        let lines = [
            // Deadline Monday 2024-12-30, 11:00 in Brussels: ISO week 2025-W01.
            order("o1", "a", "2024-12-30T09:00:00Z"), T.jsonl("r1", "a", "content.removed", "2024-12-30T10:00:01Z"),
            order("o2", "b", "2024-12-30T09:00:00Z"), T.jsonl("r2", "b", "content.removed", "2024-12-30T10:00:04Z"),
            order("o3", "c", "2024-12-30T09:00:00Z"), T.jsonl("r3", "c", "content.removed", "2024-12-30T12:00:00Z"),
            order("o4", "d", "2024-12-30T09:00:00Z"), T.jsonl("r4", "d", "content.removed", "2024-12-31T10:00:00Z"),
            // Friday 2027-01-01 belongs to 2026's 53rd week.
            order("o5", "e", "2027-01-01T09:00:00Z"),
        ]
        let lib = try T.library(["tco/r.yaml": Fixture.tco])
        let (r, _) = try T.audit(library: lib, profile: T.profile(kinds: ["hosting"]), lines: lines, asOf: "2027-01-02T00:00:00Z")
        try #require(r.breaches.count == 5)
        let page = try HTMLPage(HTMLReport.render(r))
        func table(_ prefix: String) throws -> [[String]] {
            let t = try #require(page.all { $0.name == "table" }.first { $0.children.first?.text.hasPrefix(prefix) == true })
            return t.all { $0.name == "tbody" }.first?.children.map { $0.children.map(\.text) } ?? []
        }
        #expect(try table("Breaches per week") == [["2025-W01", "2024-12-30 to 2025-01-05", "4"], ["2026-W53", "2026-12-28 to 2027-01-03", "1"]])
        let weekly = try #require(page.all { $0.name == "svg" && $0.classes.contains("weekly") }.first)
        #expect(weekly.all { $0.name == "rect" && $0["class"] == "bar" }.count == 2)
        #expect(weekly.children.first { $0.name == "desc" }?.text.hasPrefix("5 breaches over 105 weeks, from 2025-W01 to 2026-W53; at most 4 in one week (2025-W01).") == true)
        // 1 s, 4 s, 2 h and 1 d late, 14 h overdue: the median of five is the third.
        #expect(try table("Lateness per rule") == [["tco.test.removal", "late by", "5", "1s", "2h 00m 00s", "1d 0h 00m"]])
        let spread = try #require(page.all { $0.name == "svg" && $0.classes.contains("spread") }.first)
        #expect(spread.all { $0["class"] == "dot" }.count == 5)
    }

    @Test("the findings table: a row per breach and running clock, met ones on request, sort keys on every cell, citations linked")
    func findingsTable() throws {
        let r = try CIFormatTests.audit()
        func rows(_ html: String) throws -> [HTMLPage.Node] {
            let t = try #require(try HTMLPage(html).all { $0.classes.contains("findings") }.first)
            #expect(t.classes.contains("sortable"))
            #expect(t.all { $0.name == "thead" }.first?.all { $0.name == "th" }.map(\.text) == [
                "Status", "Severity", "Rule", "Case", "Clock start (UTC)", "Deadline (local)", "Fulfilled / ended (local)", "Late / early by", "Citation",
            ])
            return t.all { $0.name == "tbody" }.first?.children ?? []
        }
        let some = try rows(HTMLReport.render(r))
        #expect(some.count == r.findings.filter { $0.status != .met }.count)
        let all = try rows(HTMLReport.render(r, includeMet: true))
        #expect(all.count == r.findings.count)
        #expect(all.map { $0["data-fingerprint"] } == r.findings.map(\.fingerprint))
        let late = try #require(all.first { $0.children[3].text == "late" && $0["data-status"] == "late" })
        #expect(late.children[5].text == "2026-07-31 13:00:00+02:00")
        #expect(late.children[5].children.first?["datetime"] == "2026-07-31T11:00:00Z")
        #expect(late.children[7]["data-sort"] == "725")
        #expect(late.children[7].text == "12m 05s")
        #expect(late.children[4]["data-sort"] == "\(T.instant("2026-07-31T10:00:00Z").nanoseconds)")
        let citation = try #require(late.children[8].all { $0.name == "a" }.first)
        #expect(citation["href"] == "https://example.org/law")
        #expect(citation.text == "Art 3(3)")
        #expect(citation["title"] == "Test instrument, Art 3(3)")
        #expect(late.children[0].all { $0.name == "a" }.first?["href"] == "#f-\(r.findings.first { $0.caseID == "late" && $0.status == .late }?.fingerprint ?? "")")
        for row in all { #expect(row.children.count == 9) }
    }

    /// Writes the demo report where `OBLIGE_HTML_SAMPLE` says, for `scripts/check-html-report`
    /// to open in Chromium.
    @Test("the demo report renders and is written when asked")
    func sample() throws {
        let (r, html) = try Self.demoHTML()
        #expect(html.hasPrefix("<!DOCTYPE html>\n<html lang=\"en\">"))
        #expect(html.contains("<h1>Oblige audit: \(r.profile.name)</h1>"))
        guard let path = ProcessInfo.processInfo.environment["OBLIGE_HTML_SAMPLE"] else { return }
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try html.write(toFile: path, atomically: true, encoding: .utf8)
    }
}

/// A strict reader for the HTML Oblige writes (not for HTML in general): every element closed
/// or void or self-closing (SVG), attributes double-quoted, no `<` or `>` outside markup. What it
/// cannot read is an error, so a slip in escaping fails the tests.
struct HTMLPage {
    final class Node {
        let name: String
        let attributes: [(String, String)]
        /// Elements and text (`#text`), in document order.
        var content: [Node] = []
        var ownText = ""
        init(_ name: String, _ attributes: [(String, String)]) {
            self.name = name
            self.attributes = attributes
        }
        subscript(_ attribute: String) -> String? { attributes.first { $0.0 == attribute }?.1 }
        var classes: [String] { (self["class"] ?? "").split(separator: " ").map(String.init) }
        /// The child elements.
        var children: [Node] { content.filter { $0.name != "#text" } }
        /// The text of the node and its descendants in order, runs of spaces and newlines collapsed.
        var text: String { rawText.split(whereSeparator: { $0 == " " || $0 == "\n" }).joined(separator: " ") }
        private var rawText: String { name == "#text" ? ownText : ownText + content.map(\.rawText).joined() }
        func all(_ where: (Node) -> Bool) -> [Node] {
            var out: [Node] = []
            for c in children {
                if `where`(c) { out.append(c) }
                out += c.all(`where`)
            }
            return out
        }
        func first(_ where: (Node) -> Bool) -> Node? { all(`where`).first }
    }

    let root = Node("#document", [])
    var errors: [String] = []

    static let void: Set<String> = ["meta", "link", "br", "hr", "img", "input", "area", "base", "col", "embed", "source", "track", "wbr"]

    init(_ html: String) throws {
        let s = Array(html.unicodeScalars)
        var i = 0
        var stack = [root]
        func decode(_ t: String) -> String {
            var out = t
            for (e, c) in [("&lt;", "<"), ("&gt;", ">"), ("&quot;", "\""), ("&#39;", "'"), ("&amp;", "&")] { out = out.replacingOccurrences(of: e, with: c) }
            return out
        }
        func text(_ a: Int, _ b: Int) -> String { String(String.UnicodeScalarView(s[a..<b])) }
        func find(_ needle: String, from: Int) -> Int? {
            let n = Array(needle.unicodeScalars)
            var j = from
            while j + n.count <= s.count {
                if Array(s[j..<(j + n.count)]) == n { return j }
                j += 1
            }
            return nil
        }
        while i < s.count {
            if s[i] != "<" {
                let start = i
                while i < s.count, s[i] != "<" {
                    if s[i] == ">" { errors.append("a bare > in text at \(i)") }
                    i += 1
                }
                let t = Node("#text", [])
                t.ownText = decode(text(start, i))
                stack.last?.content.append(t)
                continue
            }
            if text(i, min(i + 4, s.count)) == "<!--" {
                guard let end = find("-->", from: i) else { errors.append("unclosed comment"); break }
                i = end + 3
                continue
            }
            if i + 1 < s.count, s[i + 1] == "!" {
                guard let end = find(">", from: i) else { break }
                i = end + 1
                continue
            }
            guard let end = find(">", from: i) else { errors.append("unclosed tag at \(i)"); break }
            let tag = text(i + 1, end)
            i = end + 1
            if tag.hasPrefix("/") {
                let name = String(tag.dropFirst())
                guard stack.count > 1, stack.last?.name == name else {
                    errors.append("</\(name)> closes <\(stack.last?.name ?? "")>")
                    continue
                }
                stack.removeLast()
                continue
            }
            let selfClosing = tag.hasSuffix("/")
            var body = Array((selfClosing ? String(tag.dropLast()) : tag).unicodeScalars)
            body.append(" ")
            var k = 0
            var name = ""
            while k < body.count, body[k] != " ", body[k] != "\n" {
                name.unicodeScalars.append(body[k])
                k += 1
            }
            guard !name.isEmpty, name.unicodeScalars.allSatisfy({ CharacterSet.alphanumerics.contains($0) || $0 == "-" }) else {
                errors.append("a bare < in text: <\(tag.prefix(20))")
                continue
            }
            var attributes: [(String, String)] = []
            while k < body.count {
                while k < body.count, body[k] == " " || body[k] == "\n" { k += 1 }
                guard k < body.count else { break }
                var key = ""
                while k < body.count, body[k] != "=", body[k] != " " {
                    key.unicodeScalars.append(body[k])
                    k += 1
                }
                if k < body.count, body[k] == "=" {
                    guard k + 1 < body.count, body[k + 1] == "\"" else { errors.append("<\(name)> \(key)= unquoted"); break }
                    var v = ""
                    k += 2
                    while k < body.count, body[k] != "\"" {
                        if body[k] == "<" || body[k] == ">" { errors.append("<\(name)> \(key): bare < or > in a value") }
                        v.unicodeScalars.append(body[k])
                        k += 1
                    }
                    k += 1
                    attributes.append((key, decode(v)))
                } else {
                    attributes.append((key, ""))
                }
            }
            let node = Node(name, attributes)
            stack.last?.content.append(node)
            if name == "script" || name == "style" {
                guard let close = find("</\(name)>", from: i) else { errors.append("unclosed <\(name)>"); break }
                node.ownText = text(i, close)
                i = close + name.count + 3
            } else if !selfClosing, !Self.void.contains(name) {
                stack.append(node)
            }
        }
        if stack.count > 1 { errors.append("unclosed: \(stack.dropFirst().map(\.name))") }
    }

    func all(_ where: (Node) -> Bool) -> [Node] { root.all(`where`) }
}
