/// The audit as a brief for a ticket or an e-mail, in Markdown: what broke, which law, how late,
/// what to do next. Long lists are cut to the worst few cases per rule with a count of the rest,
/// so a brief of seventy breaches still reads in a minute; `oblige audit` has every one.
public enum MarkdownReport {
    /// `top`: how many cases each rule lists, worst first, before "and N more".
    public static func render(_ r: AuditResult, top: Int = 5) -> String {
        let top = max(1, top)
        let breaches = r.activeBreaches
        let waived = r.findings.filter { $0.status.isBreach && $0.waiver != nil }
        let dueSoon = r.findings.filter { f in
            guard f.status == .pending, f.rule.kind == .deadline, let d = f.deadline else { return false }
            return d.nanoseconds(since: r.asOf) <= 7 * 86_400 * 1_000_000_000
        }.sorted { ($0.deadline ?? r.asOf, $0.rule.id, $0.caseID) < ($1.deadline ?? r.asOf, $1.rule.id, $1.caseID) }
        let running = r.findings.filter { $0.status == .pending && $0.rule.kind == .deadline }

        var out = "# Compliance brief: \(escape(r.profile.name))\n\n"
        out += "Audit as of \(r.asOf.rfc3339): "
        if breaches.isEmpty {
            out += "**no active breach**"
        } else {
            let counts = [Finding.Status.overdue, .late, .violated].compactMap { st in
                let n = breaches.filter { $0.status == st }.count
                return n == 0 ? nil : "\(n) \(st.rawValue)"
            }
            let rules = Set(breaches.map(\.rule.id)).count
            out += "**\(plural(breaches.count, "active breach", "active breaches"))** (\(counts.joined(separator: ", "))) of \(plural(rules, "rule"))"
            out += " in \(plural(Set(breaches.map(\.caseID)).count, "case"))"
        }
        out += "; \(waived.count) waived. \(plural(running.count, "clock")) running, \(dueSoon.count) due within 7 days.\n"
        if !r.problems.isEmpty {
            out += "\n\(plural(r.problems.count, "finding")) could not be evaluated: `oblige audit` lists \(r.problems.count == 1 ? "it" : "them") with the log file and line.\n"
        }

        let groups = groupsBySeverity(breaches)
        if !groups.isEmpty {
            out += "\n## Summary\n\n| Severity | Rule | Breaches | Overdue | Worst |\n| --- | --- | ---: | ---: | --- |\n"
            for (sev, rules) in groups {
                for list in rules {
                    out += "| \(sev.rawValue) | \(code(list[0].rule.id)) | \(list.count) | \(list.filter { $0.status == .overdue }.count) | \(BreachText.standing(list[0])) |\n"
                }
            }

            out += "\n## What broke\n"
            for (sev, rules) in groups {
                let n = rules.map(\.count).reduce(0, +)
                out += "\n### \(sev.rawValue.capitalizedFirst): \(plural(n, "breach", "breaches")) of \(plural(rules.count, "rule"))\n"
                for list in rules { out += "\n" + ruleSection(list, top: top) }
            }

            out += "\n## What to do next\n"
            let overdue = bySeverity(groupsByRule(breaches.filter { $0.status == .overdue }))
            if !overdue.isEmpty {
                out += "\n### Now: \(plural(overdue.map(\.count).reduce(0, +), "duty", "duties")) overdue\n\n"
                out += "Still not done: do it now, and record it in the log.\n\n"
                for list in overdue { out += "- " + overdueAction(list, asOf: r.asOf, top: top) + "\n" }
            }
            let closed = bySeverity(groupsByRule(breaches.filter { $0.status == .late || $0.status == .violated }))
            if !closed.isEmpty {
                let checks = closed.joined().contains { $0.rule.kind == .check }
                out += "\n### Explain and document: done late\(checks ? ", ended early, or wrong in the record" : " or ended early")\n\n"
                out += "For each, record why, and what was changed so it does not recur; a regulator may ask.\n\n"
                for list in closed { out += "- " + documentAction(list, top: top) + "\n" }
            }
        } else {
            out += "\n## What to do next\n"
        }
        if !dueSoon.isEmpty {
            out += "\n### Due within 7 days\n\n"
            let byRule = Dictionary(grouping: dueSoon, by: \.rule.id).values.sorted { ($0[0].deadline ?? r.asOf, $0[0].rule.id) < ($1[0].deadline ?? r.asOf, $1[0].rule.id) }
            out += "Clocks that run out within 7 days of the audit instant, soonest first.\n\n"
            for list in byRule { out += "- " + dueAction(list, asOf: r.asOf, top: top) + "\n" }
        } else if breaches.isEmpty {
            out += "\nNothing is overdue and no clock runs out within 7 days.\n"
        }

        if !waived.isEmpty {
            out += "\n## Waived (\(waived.count))\n\nNot counted above: the legal team accepted them.\n\n"
            for f in waived.sorted(by: worstFirst) {
                guard let w = f.waiver else { continue }
                out += "- \(code(f.rule.id)), \(escape(TextReport.subject(f))): \(BreachText.standing(f)); waived by \(escape(TextReport.oneLine(w.approver)))"
                out += " (\(escape(w.id)), \(w.expires.map { "until \($0.iso8601)" } ?? "no expiry")): \(escape(TextReport.oneLine(w.justification)))\n"
            }
        }
        return out
    }

    // MARK: sections

    /// One rule's breaches: how many, the law with its link, the deadline, then the worst cases.
    static func ruleSection(_ list: [Finding], top: Int) -> String {
        let rule = list[0].rule
        let c = rule.citation
        var out = "#### \(code(rule.id)): \(escape(rule.title))\n\n"
        let counts = [Finding.Status.overdue, .violated, .late].compactMap { st in
            let n = list.filter { $0.status == st }.count
            return n == 0 ? nil : "\(n) \(st.rawValue)"
        }
        out += "\(plural(list.count, "breach", "breaches")) (\(counts.joined(separator: ", "))). "
        out += "Law: \(link(c.text, c.url))\(c.confidence == .confirmed ? "" : " (citation confidence: \(c.confidence.rawValue))"). "
        out += "Deadline: \(escape(rule.deadlineSummary)).\n"
        let targets = list.compactMap { f -> String? in
            if case .platformTarget(let name, let duration)? = f.computation?.basis { return "\(code(name)) = \(duration)" }
            return nil
        }
        if let first = targets.first {
            let which = targets.count == list.count ? "Measured" : "\(targets.count) of them measured"
            out += "\(which) against the platform's own target \(first): the law sets no figure.\n"
        }
        out += "\n"
        for f in list.prefix(top) {
            out += "- \(escape(TextReport.subject(f))): \(f.status == .overdue ? "**\(BreachText.standing(f))**" : BreachText.standing(f))"
            if let d = f.deadline { out += ", deadline \(rule.zone.format(d)) (\(rule.zone.identifier))" }
            if let fu = f.fulfilment { out += ", \(rule.kind == .hold ? "ended" : "done") \(rule.zone.format(fu.at)) (\(escape(fu.type)) \(escape(fu.id)))" }
            if let found = BreachText.found(f) { out += ", \(rule.zone.format(f.clockStart)): \(escape(found))" }
            out += "\n"
        }
        if list.count > top { out += "- … and \(list.count - top) more: \(more(list.dropFirst(top)))\n" }
        return out
    }

    /// `tco.x` (critical): do it now for case a (overdue since …, 2d 0h 00m); what fulfils it.
    static func overdueAction(_ list: [Finding], asOf: Instant, top: Int) -> String {
        let rule = list[0].rule
        var out = "\(code(rule.id)) (\(rule.severity.rawValue)): **do it now** for "
        out += list.prefix(top).map { f in
            let since = f.deadline.map { "since \(rule.zone.format($0)), " } ?? ""
            return "\(escape(TextReport.subject(f))) (overdue \(since)\(spellSeconds(f.lateBySeconds ?? 0)))"
        }.joined(separator: ", ")
        if list.count > top { out += " and \(list.count - top) more" }
        out += ". Done when the log records \(rule.fulfilledBy.map { code($0.text) }.joined(separator: " or "))."
        return out
    }

    /// `tco.x` (critical): 5 done late (worst: case a, late by 1h 00m 00s).
    static func documentAction(_ list: [Finding], top: Int) -> String {
        let rule = list[0].rule
        let late = list.filter { $0.status == .late }, early = list.filter { $0.status == .violated && $0.rule.kind == .hold }
        let found = list.filter { $0.status == .violated && $0.rule.kind == .check }
        var parts: [String] = []
        if let worst = late.first {
            parts.append("\(late.count) done late (\(late.count == 1 ? "" : "worst: ")\(escape(TextReport.subject(worst))), \(BreachText.standing(worst)))")
        }
        if !early.isEmpty { parts.append("\(early.count) \(early.count == 1 ? "hold" : "holds") ended before the period ran out (\(names(early, top: top)))") }
        if !found.isEmpty { parts.append("\(found.count) \(found.count == 1 ? "record contradicts" : "records contradict") the duty: correct the source (\(names(found, top: top)))") }
        return "\(code(rule.id)) (\(rule.severity.rawValue)): \(parts.joined(separator: "; "))."
    }

    /// `tco.x`: case a due 2025-11-01T01:20:00+01:00 (in 20m 00s), …
    static func dueAction(_ list: [Finding], asOf: Instant, top: Int) -> String {
        let rule = list[0].rule
        var out = "\(code(rule.id)) (\(rule.severity.rawValue)): "
        out += list.prefix(top).map { f in
            guard let d = f.deadline else { return escape(TextReport.subject(f)) }
            return "\(escape(TextReport.subject(f))) due \(rule.zone.format(d)) (in \(spellSeconds(d.nanoseconds(since: asOf) / 1_000_000_000)))"
        }.joined(separator: ", ")
        if list.count > top { out += " and \(list.count - top) more" }
        return out + ". " + escape(rule.title) + "."
    }

    // MARK: ordering

    /// Breaches by severity, then by rule, worst rule first; each rule's list worst first.
    static func groupsBySeverity(_ breaches: [Finding]) -> [(Severity, [[Finding]])] {
        Severity.allCases.compactMap { sev in
            let rules = groupsByRule(breaches.filter { $0.rule.severity == sev })
            return rules.isEmpty ? nil : (sev, rules)
        }
    }

    /// Rule groups, most severe first, keeping the order within a severity.
    static func bySeverity(_ groups: [[Finding]]) -> [[Finding]] {
        Severity.allCases.flatMap { sev in groups.filter { $0[0].rule.severity == sev } }
    }

    static func groupsByRule(_ findings: [Finding]) -> [[Finding]] {
        Dictionary(grouping: findings, by: \.rule.id).values
            .map { $0.sorted(by: worstFirst) }
            .sorted { worstFirst($0[0], $1[0]) }
    }

    /// Overdue before ended early before late; then the furthest from its deadline.
    static func worstFirst(_ a: Finding, _ b: Finding) -> Bool {
        func key(_ f: Finding) -> (Int, Int64, String, String, String) {
            let rank: [Finding.Status: Int] = [.overdue: 0, .violated: 1, .late: 2]
            return (rank[f.status] ?? 3, -(f.lateBySeconds ?? f.earlyBySeconds ?? 0), f.rule.id, f.caseID, f.startID)
        }
        return key(a) < key(b)
    }

    /// `2 late, the worst late by 2h 00m 00s; 1 overdue by 3d 1h 00m`: what a cut list left out.
    static func more(_ rest: ArraySlice<Finding>) -> String {
        [Finding.Status.overdue, .violated, .late].compactMap { st -> String? in
            let group = rest.filter { $0.status == st }
            guard let worst = group.first else { return nil }
            return group.count == 1 ? "1 \(BreachText.standing(worst))" : "\(group.count) \(st.rawValue), the worst \(BreachText.standing(worst))"
        }.joined(separator: "; ")
    }

    static func names(_ list: [Finding], top: Int) -> String {
        list.prefix(top).map { escape(TextReport.subject($0)) }.joined(separator: ", ") + (list.count > top ? " and \(list.count - top) more" : "")
    }

    static func plural(_ n: Int, _ one: String, _ many: String? = nil) -> String { "\(n) \(n == 1 ? one : many ?? one + "s")" }

    // MARK: Markdown encoding

    /// Text from logs or files, inert in Markdown: every character that could open markup
    /// (emphasis, code, links, HTML, tables, strikethrough, math, mentions, references) is
    /// backslash-escaped; line breaks and other control characters become U+FFFD, so a value
    /// cannot start a new block. Characters that only matter at the start of a line (`-`, `+`,
    /// `.`) are left alone: no value is written at the start of one.
    public static func escape(_ s: String) -> String {
        var out = ""
        for c in s.unicodeScalars {
            if "\\`*_[]<>&|~#!${}@".unicodeScalars.contains(c) {
                out += "\\"
                out.unicodeScalars.append(c)
            } else if c == "\t" {
                out += " "
            } else if c.value < 0x20 || c.value == 0x7F || c == "\u{2028}" || c == "\u{2029}" {
                out += "\u{FFFD}"
            } else {
                out.unicodeScalars.append(c)
            }
        }
        return out
    }

    /// A code span that holds any text: a fence longer than any run of backticks inside.
    static func code(_ s: String) -> String {
        var longest = 0, run = 0
        for c in s.unicodeScalars {
            run = c == "`" ? run + 1 : 0
            longest = max(longest, run)
        }
        let fence = String(repeating: "`", count: longest + 1)
        let pad = s.hasPrefix("`") || s.hasSuffix("`") ? " " : ""
        var clean = ""
        for c in s.unicodeScalars { clean.unicodeScalars.append(c.value < 0x20 || c.value == 0x7F ? "\u{FFFD}" : c) }
        return fence + pad + clean + pad + fence
    }

    /// `[text](url)` with the text escaped and the characters that would end the destination
    /// percent-encoded.
    static func link(_ text: String, _ url: String) -> String {
        var dest = ""
        for b in url.utf8 {
            if b <= 0x20 || b >= 0x7F || b == 0x28 || b == 0x29 || b == 0x3C || b == 0x3E {
                let hex = String(b, radix: 16, uppercase: true)
                dest += "%" + (hex.count == 1 ? "0" : "") + hex
            } else {
                dest.unicodeScalars.append(Unicode.Scalar(b))
            }
        }
        return "[\(escape(text))](\(dest))"
    }
}
