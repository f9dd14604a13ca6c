import Foundation

/// The audit as one web page to forward: a summary, a timeline chart per breach, breaches per
/// week and lateness per rule, and a sortable table of findings with links to the law.
///
/// The file stands alone: styles and the one small sort script are inline, charts are inline SVG,
/// and its content security policy forbids loading anything, so it opens the same offline, from
/// a mail attachment, or printed. The same audit gives the same bytes: nothing in it depends on
/// when it was written.
///
/// Every breach is a `<section id="f-FINGERPRINT">` with `data-rule`, `data-case`, `data-start`
/// (`Finding.startID`) and `data-status`, holding its timeline `<svg class="timeline">`.
public enum HTMLReport {
    /// - Parameters:
    ///   - exposure: the statutory maximum and, with a scenario, the simulated range, for the summary.
    ///   - diff: what changed since the previous stored run.
    ///   - includeMet: also list met findings in the findings table (breaches and running
    ///     clocks are always there).
    public static func render(_ r: AuditResult, exposure: ExposureAssessment? = nil, diff: RunDiff? = nil, includeMet: Bool = false) -> String {
        let title = "Oblige audit · \(r.profile.name) · as of \(r.asOf.rfc3339)"
        var out = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        out += "<meta http-equiv=\"Content-Security-Policy\" content=\"\(contentSecurityPolicy)\">\n"
        out += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        out += "<meta name=\"generator\" content=\"Oblige\">\n"
        out += "<title>\(esc(title))</title>\n<style>\(style)</style>\n</head>\n<body>\n"
        out += "<header>\n<h1>Oblige audit: \(esc(r.profile.name))</h1>\n"
        out += "<p class=\"meta\">As of <time datetime=\"\(r.asOf.rfc3339)\">\(r.asOf.rfc3339)</time> (UTC) · \(esc(readLine(r)))</p>\n"
        out += "<nav aria-label=\"Contents\"><ul><li><a href=\"#summary\">Summary</a></li><li><a href=\"#charts\">Charts</a></li>"
        out += "<li><a href=\"#breaches\">Breaches</a></li><li><a href=\"#findings\">All findings</a></li></ul></nav>\n</header>\n<main>\n"
        out += summary(r, exposure: exposure, diff: diff)
        out += charts(r)
        out += breaches(r)
        out += findingsTable(r, includeMet: includeMet)
        out += "</main>\n<footer><p class=\"note\">Written by Oblige from the audit above; times are UTC unless marked with a zone. "
        out += "Deadlines and statuses are Oblige's reading of the rules; the citations link to the official texts.</p></footer>\n"
        out += "<script>\(script)</script>\n</body>\n</html>\n"
        return out
    }

    /// `Read 521 records from 1 log: 519 events in 146 cases, …`
    static func readLine(_ r: AuditResult) -> String {
        let s = r.stats
        var line = "Read \(s.records) record\(s.records == 1 ? "" : "s") from \(r.logs.count) log\(r.logs.count == 1 ? "" : "s"): \(s.events) events in \(s.cases) cases"
        line += ", \(s.duplicates) duplicate\(s.duplicates == 1 ? "" : "s") ignored, \(s.rejected) rejected"
        if s.afterAsOf > 0 { line += ", \(s.afterAsOf) after the audit instant (not evaluated)" }
        return line + "."
    }

    // MARK: - Summary

    static func summary(_ r: AuditResult, exposure: ExposureAssessment?, diff: RunDiff?) -> String {
        var out = "<section id=\"summary\" aria-labelledby=\"summary-h\">\n<h2 id=\"summary-h\">Summary</h2>\n"
        let counts = Dictionary(grouping: r.findings, by: \.status).mapValues(\.count)
        let active = r.activeBreaches
        let waived = r.breaches.filter { $0.waiver != nil }
        out += "<p>\(r.findings.count) findings: <strong>\(active.count) active breach\(active.count == 1 ? "" : "es")</strong>"
        let parts = [Finding.Status.overdue, .late, .violated].compactMap { st in counts[st].map { "\($0) \(st.rawValue)" } }
        if !parts.isEmpty { out += " (of \(r.breaches.count): \(parts.joined(separator: ", ")))" }
        out += ", \(waived.count) waived, \(counts[.pending] ?? 0) running, \(counts[.met] ?? 0) met."
        if !r.problems.isEmpty { out += " <strong>\(r.problems.count) not evaluated</strong> (listed below)." }
        out += "</p>\n"

        out += "<h3>Active breaches by regime and severity</h3>\n"
        if active.isEmpty {
            out += "<p>No active breaches.</p>\n"
        } else {
            out += "<table class=\"matrix\">\n<caption>Active breaches (waived ones not counted)</caption>\n<thead><tr><th scope=\"col\">Regime</th>"
            for sev in Severity.allCases { out += "<th scope=\"col\" class=\"n\">\(sev.rawValue)</th>" }
            out += "<th scope=\"col\" class=\"n\">total</th></tr></thead>\n<tbody>\n"
            for (regime, group) in Dictionary(grouping: active, by: \.rule.regime).sorted(by: { $0.key < $1.key }) {
                out += "<tr><th scope=\"row\">\(esc(regime))</th>"
                for sev in Severity.allCases { out += "<td class=\"n\">\(group.filter { $0.rule.severity == sev }.count)</td>" }
                out += "<td class=\"n\">\(group.count)</td></tr>\n"
            }
            out += "</tbody>\n<tfoot><tr><th scope=\"row\">total</th>"
            for sev in Severity.allCases { out += "<td class=\"n\">\(active.filter { $0.rule.severity == sev }.count)</td>" }
            out += "<td class=\"n\">\(active.count)</td></tr></tfoot>\n</table>\n"
        }

        out += dueSoon(r)

        if !waived.isEmpty {
            out += "<h3>Waived breaches</h3>\n<p>\(waived.count) breach\(waived.count == 1 ? " is" : "es are") waived: "
            out += "they keep their status and timeline below but need no action.</p>\n<ul>\n"
            for f in waived.sorted(by: TextReport.breachOrder) {
                guard let w = f.waiver else { continue }
                out += "<li><a href=\"#f-\(f.fingerprint)\">\(esc("\(f.rule.id) · \(TextReport.subject(f))"))</a>: \(esc(BreachText.standing(f))); \(esc(BreachText.waiver(w)))</li>\n"
            }
            out += "</ul>\n"
        }
        if let exposure { out += exposureHeadline(exposure) }
        if let diff { out += changes(diff, breachIDs: Set(r.breaches.map(\.fingerprint))) }
        if !r.problems.isEmpty { out += problems(r.problems) }
        return out + "</section>\n"
    }

    /// Running deadlines falling due within seven days after the audit instant. Holds still
    /// holding need no action, so they are counted, not listed.
    static func dueSoon(_ r: AuditResult) -> String {
        let end = r.asOf.adding(seconds: 7 * 86_400)
        let due = r.findings.filter { f in f.status == .pending && f.deadline.map { $0 > r.asOf && $0 <= end } ?? false }
            .sorted { ($0.deadline ?? r.asOf, $0.rule.id, $0.caseID, $0.startID) < ($1.deadline ?? r.asOf, $1.rule.id, $1.caseID, $1.startID) }
        let clocks = due.filter { $0.rule.kind != .hold }, holds = due.count - clocks.count
        var out = "<h3>Due in the next 7 days</h3>\n"
        let holdNote = holds == 0 ? "" : " \(holds) hold\(holds == 1 ? "" : "s") also end\(holds == 1 ? "s" : "") in this window; no action is due for \(holds == 1 ? "it" : "them")."
        guard !clocks.isEmpty else { return out + "<p>No running deadline falls due by \(end.rfc3339).\(holdNote)</p>\n" }
        out += "<table>\n<caption>Running deadlines due after \(r.asOf.rfc3339) and by \(end.rfc3339)</caption>\n"
        out += "<thead><tr><th scope=\"col\">Due (local time)</th><th scope=\"col\">In</th><th scope=\"col\">Rule</th><th scope=\"col\">Case</th><th scope=\"col\">Obligation</th></tr></thead>\n<tbody>\n"
        for f in clocks {
            guard let d = f.deadline else { continue }
            out += "<tr><td>\(timeCell(d, in: f.rule.zone)) <span class=\"note\">\(esc(f.rule.zone.identifier))</span></td>"
            out += "<td class=\"nw\">\(spellSeconds(d.nanoseconds(since: r.asOf) / 1_000_000_000))</td><td>\(esc(f.rule.id))</td>"
            out += "<th scope=\"row\">\(esc(TextReport.subject(f)))</th><td>\(esc(f.rule.title))</td></tr>\n"
        }
        out += "</tbody>\n</table>\n"
        if !holdNote.isEmpty { out += "<p class=\"note\">\(holdNote.dropFirst())</p>\n" }
        return out
    }

    static func exposureHeadline(_ x: ExposureAssessment) -> String {
        let s = x.statutory
        var out = "<h3>Exposure</h3>\n<p>Statutory maximum for the breaches counted: <strong>\(esc(s.total.description))</strong>"
        if s.totalPeriodic.amount != 0 { out += ", plus periodic penalty payments of up to \(esc(s.totalPeriodic.description))" }
        out += " (decisions assumed on \(s.decisionDate.iso8601), \(s.decisions.count) decision\(s.decisions.count == 1 ? "" : "s")).</p>\n"
        if let sim = x.simulation {
            out += "<p>Simulated (\(sim.runs) runs, seed \(sim.seed)): median <strong>\(esc(sim.total.p50.description))</strong>, "
            let share: Decimal = Money.round(sim.total.anyPenalty * 100, scale: 2) / 100
            out += "95th percentile <strong>\(esc(sim.total.p95.description))</strong>; \(esc(Money.percent(share))) of runs end in some penalty.</p>\n"
        }
        out += "<table>\n<caption>Statutory maximum by regime (in \(esc(s.reportingCurrency)))</caption>\n<thead><tr><th scope=\"col\">Regime</th>"
        out += "<th scope=\"col\" class=\"n\">Decisions</th><th scope=\"col\" class=\"n\">Breaches counted</th><th scope=\"col\" class=\"n\">Maximum</th>"
        if x.simulation != nil { out += "<th scope=\"col\" class=\"n\">Simulated median</th><th scope=\"col\" class=\"n\">Simulated 95th percentile</th>" }
        out += "</tr></thead>\n<tbody>\n"
        for r in s.regimes {
            out += "<tr><th scope=\"row\">\(esc(r.regime))</th><td class=\"n\">\(r.decisions)</td><td class=\"n\">\(r.contraventions)</td>"
            out += "<td class=\"n nw\">\(r.notQuantified == r.decisions ? "not quantified" : esc(r.maximumInReporting.description))</td>"
            if let sim = x.simulation {
                let d = sim.regimes.first { $0.regime == r.regime }?.distribution
                out += "<td class=\"n nw\">\(esc(d?.p50.description ?? "–"))</td><td class=\"n nw\">\(esc(d?.p95.description ?? "–"))</td>"
            }
            out += "</tr>\n"
        }
        out += "</tbody>\n</table>\n<p class=\"note\">\(esc(ExposureReport.rounding)) <code>oblige exposure</code> shows the working.</p>\n"
        return out
    }

    /// What changed since the previous stored run: the counts, then the breaches that need
    /// attention now and did not before (new ones, clocks that ran out) and those resolved.
    /// Other changes (a clock now running, a duty met in time) are counted, not listed.
    static func changes(_ d: RunDiff, breachIDs: Set<String>) -> String {
        var out = "<h3>Since the previous run</h3>\n"
        guard let from = d.from else {
            return out + "<p>Run \(d.to) is the first in this store: \(d.entries.count) findings recorded, nothing to compare with.</p>\n"
        }
        out += "<p>\(d.isUnrecorded ? "This audit (not recorded)" : "Run \(d.to)") against run \(from): \(d.count(.new)) new, \(d.count(.resolved)) resolved, \(d.count(.changed)) changed, \(d.count(.unchanged)) unchanged.</p>\n"
        let listed = d.newlyActive.map { ("new breach", $0) } + d.entries(.resolved).map { ("resolved", $0) }
        guard !listed.isEmpty else { return out + "<p>No breach is new or resolved.</p>\n" }
        out += "<table>\n<caption>Breaches new or resolved since run \(from)</caption>\n<thead><tr><th scope=\"col\">Change</th><th scope=\"col\">Rule</th>"
        out += "<th scope=\"col\">Case</th><th scope=\"col\">Started by</th><th scope=\"col\">Status then → now</th></tr></thead>\n<tbody>\n"
        for (label, e) in listed {
            let f = e.finding
            let caseCell = breachIDs.contains(f.fingerprint) ? "<a href=\"#f-\(f.fingerprint)\">\(esc(f.caseID))</a>" : esc(f.caseID)
            out += "<tr><td>\(label)</td><td>\(esc(f.rule))</td><th scope=\"row\">\(caseCell)</th><td>\(esc(f.startID))</td><td>\(esc(e.transition))</td></tr>\n"
        }
        return out + "</tbody>\n</table>\n"
    }

    static func problems(_ ps: [EvaluationProblem]) -> String {
        var out = "<h3>Not evaluated</h3>\n<table>\n<caption>Triggers whose deadline could not be computed: fix the input and audit again</caption>\n"
        out += "<thead><tr><th scope=\"col\">Where</th><th scope=\"col\">Rule</th><th scope=\"col\">Case</th><th scope=\"col\">Problem</th><th scope=\"col\">Fix</th></tr></thead>\n<tbody>\n"
        for p in ps {
            out += "<tr><td>\(esc(p.event.origin.description))</td><td>\(esc(p.rule))</td><th scope=\"row\">\(esc(p.caseID))</th><td>\(esc(p.message))</td><td>\(esc(p.fix))</td></tr>\n"
        }
        return out + "</tbody>\n</table>\n"
    }

    // MARK: - Charts

    static func charts(_ r: AuditResult) -> String {
        var out = "<section id=\"charts\" aria-labelledby=\"charts-h\">\n<h2 id=\"charts-h\">Charts</h2>\n"
        let all = r.breaches
        guard !all.isEmpty else { return out + "<p>No breaches to chart.</p>\n</section>\n" }

        let weeks = weeklyCounts(all)
        out += "<h3 id=\"weekly-h\">Breaches per week</h3>\n<figure aria-labelledby=\"weekly-h\">\n\(weeklySVG(weeks))\n"
        out += "<figcaption>All \(all.count) breaches, waived ones included, by the ISO week in which their deadline fell (for a check, which has none: the week of its trigger).</figcaption>\n</figure>\n"
        // Dozens of rows: folded on screen, opened for printing by the page's script.
        out += "<details class=\"data\"><summary>Table: breaches per week</summary>\n<table>\n<caption>Breaches per week (weeks without a breach are left out)</caption>\n"
        out += "<thead><tr><th scope=\"col\">Week</th><th scope=\"col\">Monday to Sunday</th><th scope=\"col\" class=\"n\">Breaches</th></tr></thead>\n<tbody>\n"
        for w in weeks where w.count > 0 {
            out += "<tr><th scope=\"row\">\(w.week.label)</th><td>\(w.week.range)</td><td class=\"n\">\(w.count)</td></tr>\n"
        }
        out += "</tbody>\n</table>\n</details>\n"

        // A check has no clock, so no lateness: it has no bar in this chart.
        let clocked = all.filter { $0.rule.kind != .check }
        let checks = all.count - clocked.count
        let checkNote = checks == 0 ? "" : "<p class=\"note\">\(checks) breach\(checks == 1 ? " is" : "es are") of check rules (the record itself is the breach): no deadline, no lateness, not charted here.</p>\n"
        guard !clocked.isEmpty else { return out + "<h3 id=\"spread-h\">Lateness per rule</h3>\n" + checkNote + "</section>\n" }
        let spreads = spreads(clocked)
        out += "<h3 id=\"spread-h\">Lateness per rule</h3>\n" + checkNote + "<figure aria-labelledby=\"spread-h\">\n\(spreadSVG(spreads))\n"
        out += "<figcaption>How late each rule's breaches were (for holds: how early they ended), on a logarithmic scale.</figcaption>\n</figure>\n"
        out += "<table>\n<caption>Lateness per rule (median of an even count: the mean of the middle two)</caption>\n<thead><tr><th scope=\"col\">Rule</th>"
        out += "<th scope=\"col\">Measure</th><th scope=\"col\" class=\"n\">Breaches</th><th scope=\"col\" class=\"n\">Least</th><th scope=\"col\" class=\"n\">Median</th><th scope=\"col\" class=\"n\">Most</th></tr></thead>\n<tbody>\n"
        for s in spreads {
            out += "<tr><th scope=\"row\">\(esc(s.rule))</th><td>\(s.measure)</td><td class=\"n\">\(s.values.count)</td>"
            out += "<td class=\"n\">\(spellSeconds(s.min))</td><td class=\"n\">\(spellSeconds(s.median))</td><td class=\"n\">\(spellSeconds(s.max))</td></tr>\n"
        }
        return out + "</tbody>\n</table>\n</section>\n"
    }

    // MARK: - Breaches

    /// Active breaches by severity, then the waived ones; each with its facts and its timeline.
    static func breaches(_ r: AuditResult) -> String {
        var out = "<section id=\"breaches\" aria-labelledby=\"breaches-h\">\n<h2 id=\"breaches-h\">Breaches</h2>\n"
        let active = r.activeBreaches, waived = r.breaches.filter { $0.waiver != nil }
        if r.breaches.isEmpty { return out + "<p>No breaches.</p>\n</section>\n" }
        out += "<p class=\"note\">Each breach has a timeline in the local time of its rule's zone. Grey bar: the time allowed, from the clock start to the deadline. "
        out += "Hatched bar: the lateness, up to the fulfilment or the audit instant (for a hold: how early it ended); a check has neither, its trigger is the breach. Marks: circle, the trigger; "
        out += "diamond, a clock change (open: too late to count); triangle, a clock restart; upright bar, the deadline; square, the fulfilment (open: the audit instant, not done). "
        out += "Hover a mark for its time in UTC.</p>\n"
        if active.isEmpty { out += "<p>No breaches besides the waived ones.</p>\n" }
        for sev in Severity.allCases {
            let group = active.filter { $0.rule.severity == sev }.sorted(by: TextReport.breachOrder)
            guard !group.isEmpty else { continue }
            out += "<h3 id=\"sev-\(sev.rawValue)\">Severity \(sev.rawValue) (\(group.count))</h3>\n"
            for f in group { out += breach(f, asOf: r.asOf) }
        }
        if !waived.isEmpty {
            out += "<h3 id=\"waived\">Waived (\(waived.count))</h3>\n"
            for sev in Severity.allCases {
                for f in waived.filter({ $0.rule.severity == sev }).sorted(by: TextReport.breachOrder) { out += breach(f, asOf: r.asOf) }
            }
        }
        return out + "</section>\n"
    }

    static func statusBadge(_ s: Finding.Status) -> String { "<span class=\"status s-\(s.rawValue)\">\(s.rawValue)</span>" }

    /// The citation linked to the official text; `short`: the provision only (`Art 16(5)`), the
    /// whole citation in the link's title.
    static func citationLink(_ c: Citation, short: Bool = false) -> String {
        let words = short && !c.provision.isEmpty ? c.provision : c.text
        let text = esc(words) + (c.confidence == .confirmed ? "" : " <span class=\"note\">[\(c.confidence.rawValue)]</span>")
        guard let url = safeURL(c.url) else { return text + " <span class=\"note\">(\(esc(c.url)))</span>" }
        return "<a href=\"\(esc(url))\"\(short ? " title=\"\(esc(c.text))\"" : "") rel=\"noreferrer\">\(text)</a>"
    }

    static func breach(_ f: Finding, asOf: Instant) -> String {
        let fp = f.fingerprint
        var out = "<section class=\"breach\(f.waiver == nil ? "" : " waived")\" id=\"f-\(fp)\" aria-labelledby=\"f-\(fp)-h\" data-fingerprint=\"\(fp)\""
        out += " data-rule=\"\(esc(f.rule.id))\" data-case=\"\(esc(f.caseID))\" data-start=\"\(esc(f.startID))\" data-status=\"\(f.status.rawValue)\""
        if let w = f.waiver { out += " data-waiver=\"\(esc(w.id))\"" }
        out += ">\n<h4 id=\"f-\(fp)-h\">\(statusBadge(f.status)) \(esc(f.rule.id)) · \(esc(TextReport.subject(f))) · \(esc(BreachText.standing(f)))</h4>\n"
        out += "<p>\(esc(f.rule.title))</p>\n<dl>\n"
        func row(_ label: String, _ html: String) { out += "<dt>\(label)</dt><dd>\(html)</dd>\n" }
        if let found = BreachText.found(f) {
            row("Breach", esc(BreachText.start(f)))
            row("Found", esc(found))
            row("Deadline", esc(BreachText.deadline(f)))
        } else {
            row("Started", esc(BreachText.start(f)))
            if let t = f.trigger, f.clockStart != t.at { row("Clock restarted", esc(f.clockStart.rfc3339)) }
            row("Deadline", esc(BreachText.deadline(f)))
            row(f.rule.kind == .hold ? "Hold ended" : "Fulfilled", esc(BreachText.fulfilment(f, asOf: asOf)))
        }
        row("Deadline rule", esc(f.rule.deadlineSummary))
        if case .platformTarget(let name, let duration)? = f.computation?.basis {
            row("Measured against", esc("the platform's own target '\(name)' = \(duration): the law sets no figure"))
        }
        row("Severity", esc("\(f.rule.severity.rawValue) · \(f.rule.regime)"))
        row("Citation", citationLink(f.rule.citation))
        if let w = f.waiver { row("Waiver", esc(BreachText.waiver(w))) }
        out += "</dl>\n"
        if !f.clockNotes.isEmpty {
            out += "<ul class=\"notes\">\n"
            for n in f.clockNotes {
                out += "<li><time datetime=\"\(n.event.at.rfc3339)\">\(esc(f.rule.zone.format(n.event.at)))</time> \(esc("\(n.event.type) \(n.event.id)")): \(esc(n.effect))</li>\n"
            }
            out += "</ul>\n"
        }
        out += "<figure>\n\(timelineSVG(f, asOf: asOf))\n</figure>\n"
        return out + "</section>\n"
    }

    // MARK: - Findings table

    /// An instant for a table cell: RFC 3339 with a space for the `T` (as RFC 3339 allows), so a
    /// narrow column breaks between date and time and nowhere else.
    static func timeCell(_ t: Instant, in zone: ZoneClock) -> String {
        let text = zone.format(t)
        let parts = text.split(separator: "T", maxSplits: 1)
        let shown = parts.count == 2 ? "<span class=\"nw\">\(parts[0])</span> <span class=\"nw\">\(parts[1])</span>" : esc(text)
        return "<time datetime=\"\(t.rfc3339)\">\(shown)</time>"
    }

    static func findingsTable(_ r: AuditResult, includeMet: Bool) -> String {
        let rows = r.findings.filter { includeMet || $0.status != .met }
        var out = "<section id=\"findings\" aria-labelledby=\"findings-h\">\n<h2 id=\"findings-h\">All findings</h2>\n"
        let shown = includeMet ? "every finding" : "breaches and running clocks (\(r.findings.filter { $0.status == .met }.count) met findings not listed)"
        out += "<p class=\"note\">\(rows.count) rows: \(shown). Click a column header to sort by it; click again to reverse.</p>\n"
        out += "<div class=\"scroll\" role=\"region\" aria-labelledby=\"findings-h\" tabindex=\"0\">\n"
        out += "<table class=\"findings sortable\">\n<caption>Findings, in the order their clocks started</caption>\n<thead><tr>"
        for (name, numeric) in [("Status", false), ("Severity", false), ("Rule", false), ("Case", false), ("Clock start (UTC)", false), ("Deadline (local)", false), ("Fulfilled / ended (local)", false), ("Late / early by", true), ("Citation", false)] {
            out += "<th scope=\"col\"\(numeric ? " class=\"n\"" : "")>\(esc(name))</th>"
        }
        out += "</tr></thead>\n<tbody>\n"
        let rank: [Finding.Status: Int] = [.overdue: 0, .violated: 1, .late: 2, .pending: 3, .met: 4]
        for f in rows {
            let zone = f.rule.zone
            var status = statusBadge(f.status)
            if f.status.isBreach { status = "<a href=\"#f-\(f.fingerprint)\">\(status)</a>" }
            if let w = f.waiver { status += " <span class=\"note\">waived (\(esc(w.id)))</span>" }
            let waivedRank = f.waiver == nil ? 0 : 5
            let subject = f.instance.map { "\($0.service) \($0.label)" } ?? f.caseID
            out += "<tr data-fingerprint=\"\(f.fingerprint)\" data-status=\"\(f.status.rawValue)\">"
            out += "<td data-sort=\"\((rank[f.status] ?? 9) + waivedRank)\">\(status)</td>"
            out += "<td data-sort=\"\(f.rule.severity.rank)\">\(f.rule.severity.rawValue)</td>"
            out += "<td>\(esc(f.rule.id))</td><th scope=\"row\">\(esc(subject))</th>"
            out += "<td data-sort=\"\(f.clockStart.nanoseconds)\">\(timeCell(f.clockStart, in: .utc))</td>"
            if let d = f.deadline {
                out += "<td data-sort=\"\(d.nanoseconds)\">\(timeCell(d, in: zone))</td>"
            } else {
                out += "<td data-sort=\"\">\(f.rule.kind == .check ? "none (check)" : "clock suspended")</td>"
            }
            if let fu = f.fulfilment {
                out += "<td data-sort=\"\(fu.at.nanoseconds)\">\(timeCell(fu.at, in: zone))</td>"
            } else {
                out += "<td data-sort=\"\"></td>"
            }
            if let late = f.lateBySeconds {
                out += "<td class=\"n nw\" data-sort=\"\(late)\">\(spellSeconds(late))</td>"
            } else if let early = f.earlyBySeconds {
                out += "<td class=\"n nw\" data-sort=\"\(early)\">\(spellSeconds(early)) early</td>"
            } else {
                out += "<td class=\"n\" data-sort=\"\"></td>"
            }
            out += "<td>\(citationLink(f.rule.citation, short: true))</td></tr>\n"
        }
        return out + "</tbody>\n</table>\n</div>\n</section>\n"
    }
}
