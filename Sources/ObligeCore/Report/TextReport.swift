/// The audit for people: breaches by severity with case timelines, then running deadlines.
public enum TextReport {
    public struct Style: Sendable {
        public var color: Bool
        public init(color: Bool) { self.color = color }
        public func paint(_ s: String, _ code: String) -> String { color ? "\u{1B}[\(code)m\(s)\u{1B}[0m" : s }
    }

    public static func render(_ r: AuditResult, includeMet: Bool, rejectsNote: String?, style: Style = Style(color: false)) -> String {
        var out = ""
        let s = r.stats
        out += style.paint("Oblige audit · \(r.profile.name) · as of \(r.asOf.rfc3339)", "1") + "\n"
        out += "Read \(s.records) record\(s.records == 1 ? "" : "s") from \(r.logs.count) log\(r.logs.count == 1 ? "" : "s"): \(s.events) events in \(s.cases) cases"
        out += ", \(s.duplicates) duplicate\(s.duplicates == 1 ? "" : "s") ignored, \(s.rejected) rejected"
        if s.afterAsOf > 0 { out += ", \(s.afterAsOf) after the audit instant (not evaluated)" }
        out += ".\n"
        if let t = r.tdb { out += tdbSummary(t) }
        if s.rejected > 0, let rejectsNote { out += style.paint("Rejected records: \(rejectsNote)", "33") + "\n" }
        // Counted over every finding, also when only breaches and running clocks were kept.
        let tally = r.tally
        let breachCount = tally.count(.overdue) + tally.count(.late) + tally.count(.violated)
        out += "Findings: \(tally.findings) — \(breachCount) breach\(breachCount == 1 ? "" : "es")"
        let parts = [Finding.Status.overdue, .late, .violated].compactMap { st in tally.count(st) > 0 ? "\(tally.count(st)) \(st.rawValue)" : nil }
        if !parts.isEmpty { out += " (\(parts.joined(separator: ", ")))" }
        if tally.waived > 0 { out += ", \(tally.waived) waived" }
        let waived = r.findings.filter { $0.status.isBreach && $0.waiver != nil }
        out += ", \(tally.count(.pending)) running, \(tally.count(.met)) met.\n"

        if !r.problems.isEmpty {
            out += "\n" + style.paint("NOT EVALUATED (\(r.problems.count))", "1;33") + "\n"
            for p in r.problems {
                out += "  \(p.event.origin): \(p.rule) case \(p.caseID): \(p.message)\n    fix: \(p.fix)\n"
            }
        }

        // Waived breaches are listed apart: they need no action and do not fail the run.
        let breaches = r.activeBreaches
        if breaches.isEmpty {
            out += waived.isEmpty ? "\nNo breaches.\n" : "\nNo breaches besides the waived ones.\n"
        } else {
            out += "\n" + style.paint("BREACHES", "1;31") + "\n"
            for sev in Severity.allCases {
                let group = breaches.filter { $0.rule.severity == sev }.sorted(by: breachOrder)
                guard !group.isEmpty else { continue }
                out += "\n── \(sev.rawValue) (\(group.count)) " + String(repeating: "─", count: 40) + "\n"
                for f in group { out += "\n" + block(f, style: style) }
            }
        }

        if !waived.isEmpty {
            out += "\n" + style.paint("WAIVED (\(waived.count))", "1;35") + "\n"
            for sev in Severity.allCases {
                for f in waived.filter({ $0.rule.severity == sev }).sorted(by: breachOrder) { out += waivedLines(f) }
            }
        }

        let pending = r.findings.filter { $0.status == .pending }.sorted { ($0.deadline ?? r.asOf, $0.rule.id, $0.caseID) < ($1.deadline ?? r.asOf, $1.rule.id, $1.caseID) }
        // Holds still holding are many and need no action; list them only with --all.
        let holding = pending.filter { $0.rule.kind == .hold }
        let running = includeMet ? pending : pending.filter { $0.rule.kind != .hold }
        if !running.isEmpty || !holding.isEmpty {
            out += "\n" + style.paint("RUNNING (\(pending.count))", "1;36") + "\n"
            if !includeMet, !holding.isEmpty {
                let byRule = Dictionary(grouping: holding, by: \.rule.id).sorted { $0.key < $1.key }.map { "\($0.value.count) \($0.key)" }
                out += "  \(holding.count) hold\(holding.count == 1 ? "" : "s") still running, no action due (\(byRule.joined(separator: ", "))); --all lists them\n"
            }
            for f in running {
                let due: String
                if let d = f.deadline {
                    due = "\(f.rule.kind == .hold ? "hold ends" : "due") \(d.rfc3339) (\(f.rule.zone.format(d))), in \(spellSeconds(d.nanoseconds(since: r.asOf) / 1_000_000_000))"
                } else {
                    due = "clock suspended" + (f.clockNotes.last(where: \.applied).map { " since \($0.event.at.rfc3339) (\($0.event.type))" } ?? "")
                }
                out += "  \(pad(f.rule.id, 28)) \(pad(subject(f), 17)) \(due)\n"
            }
        }

        if includeMet {
            let met = r.findings.filter { $0.status == .met }
            if !met.isEmpty {
                out += "\n" + style.paint("MET (\(met.count))", "1;32") + "\n"
                for f in met {
                    var how = ""
                    if let fu = f.fulfilment, let d = f.deadline {
                        how = f.rule.kind == .hold
                            ? "hold kept until \(fu.at.rfc3339)" : "\(fu.type) \(spellSeconds(d.nanoseconds(since: fu.at) / 1_000_000_000)) before the deadline"
                    } else if f.fulfilment != nil {
                        how = "fulfilled while the clock was suspended"
                    } else {
                        how = "hold period completed \(f.deadline?.rfc3339 ?? "")"
                    }
                    out += "  \(pad(f.rule.id, 28)) \(pad(subject(f), 17)) \(how)\n"
                }
            }
        }
        return out
    }

    /// `case c42`, or for a dated duty `social 2025-H2`.
    static func subject(_ f: Finding) -> String {
        f.instance.map { "\($0.service) \($0.label)" } ?? "case \(f.caseID)"
    }

    static func breachOrder(_ a: Finding, _ b: Finding) -> Bool {
        let rank: [Finding.Status: Int] = [.overdue: 0, .violated: 1, .late: 2]
        return (rank[a.status] ?? 3, a.deadline ?? a.clockStart, a.rule.id, a.caseID) < (rank[b.status] ?? 3, b.deadline ?? b.clockStart, b.rule.id, b.caseID)
    }

    /// How the breach went wrong, in words: `overdue by 2 days`.
    static func how(_ f: Finding) -> String {
        switch f.status {
        case .late: return "late by \(spellSeconds(f.lateBySeconds ?? 0))"
        case .overdue: return "overdue by \(spellSeconds(f.lateBySeconds ?? 0))"
        case .violated: return BreachText.standing(f)
        default: return f.status.rawValue
        }
    }

    /// A waived breach: what it is, who waived it until when, and why.
    static func waivedLines(_ f: Finding) -> String {
        guard let w = f.waiver else { return "" }
        var out = "  \(f.rule.id) · \(subject(f)) · \(how(f)) · \(f.rule.severity.rawValue)\n"
        out += "    waived by \(oneLine(w.approver)) · \(w.expires.map { "until \($0.iso8601) (UTC)" } ?? "no expiry") · \(w.id)\n"
        out += "    why: \(oneLine(w.justification))\n"
        return out
    }

    /// Free text of a waiver on one line: a YAML block scalar may span several.
    static func oneLine(_ text: String) -> String {
        text.split(whereSeparator: \.isWhitespace).joined(separator: " ")
    }

    /// One breach with its citation and timeline.
    public static func block(_ f: Finding, style: Style = Style(color: false)) -> String {
        let zone = f.rule.zone
        var out = style.paint(pad(f.status.rawValue.uppercased(), 9), f.status.isBreach ? "1;31" : "32")
        out += "\(f.rule.id) · \(subject(f)) · \(how(f))\n"
        out += "  \(f.rule.title)\n"
        out += "  \(f.rule.citation.text)\(f.rule.citation.confidence == .confirmed ? "" : " [\(f.rule.citation.confidence.rawValue)]") · \(f.rule.citation.url)\n"
        out += "  deadline: \(f.rule.deadlineSummary)\n"
        if let found = BreachText.found(f) { out += "  found: \(found)\n" }
        if case .platformTarget(let name, let duration)? = f.computation?.basis {
            out += "  measured against the platform's own target '\(name)' = \(duration): the law sets no figure\n"
        }
        for line in timeline(f) {
            out += "    \(line.at.rfc3339.padding(toLength: 21, withPad: " ", startingAt: 0)) \(pad(zone.format(line.at), 26)) \(line.text)\n"
        }
        return out
    }

    struct TimelineLine {
        var at: Instant
        var order: Int
        var text: String
    }

    /// Trigger, clock changes, deadline, fulfilment (and the other case events the rule reads), in time order.
    static func timeline(_ f: Finding) -> [TimelineLine] {
        var lines: [TimelineLine] = []
        if let t = f.trigger {
            lines.append(TimelineLine(at: t.at, order: 0, text: "\(t.type) \(t.id)  ◆ \(f.rule.kind == .check ? "the breach (a check: no clock)" : "trigger: clock starts")"))
        } else if let i = f.instance {
            let what = i.periodEnd.map { "period \(i.label) ended (\(i.periodStart.map(\.iso8601) ?? "")–\($0))" } ?? "occurrence \(i.label) of the duty"
            lines.append(TimelineLine(at: f.clockStart, order: 0, text: "◆ \(what): clock runs"))
        }
        for n in f.clockNotes {
            lines.append(TimelineLine(at: n.event.at, order: 1, text: "\(n.event.type) \(n.event.id)  \(n.applied ? "◆" : "·") \(n.effect)"))
        }
        if let d = f.deadline {
            lines.append(TimelineLine(at: d, order: 2, text: f.rule.kind == .hold ? "── hold period ends" : "── deadline"))
        }
        if let fu = f.fulfilment {
            var note = ""
            switch f.status {
            case .late: note = "fulfilled, \(spellSeconds(f.lateBySeconds ?? 0)) late"
            case .violated: note = "hold ended early by \(spellSeconds(f.earlyBySeconds ?? 0))"
            default: note = f.rule.kind == .hold ? "hold ended" : "fulfilled"
            }
            lines.append(TimelineLine(at: fu.at, order: 3, text: "\(fu.type) \(fu.id)  ◆ \(note)"))
        } else if f.status == .overdue {
            lines.append(TimelineLine(at: f.deadline ?? f.clockStart, order: 4, text: "   (no fulfilment by the audit instant)"))
        }
        return lines.sorted { ($0.at, $0.order) < ($1.at, $1.order) }
    }

    static func pad(_ s: String, _ n: Int) -> String { s.count >= n ? s + " " : s + String(repeating: " ", count: n - s.count) }

    /// What reading Transparency Database dumps saw: parts and layouts, legacy categories mapped.
    static func tdbSummary(_ t: TDBImportSummary) -> String {
        let layouts = Dictionary(grouping: t.parts, by: \.schema).map { "\($0.value.count) × \($0.key.summary)" }.sorted()
        var out = "Transparency Database dumps: \(t.parts.count) part\(t.parts.count == 1 ? "" : "s") (\(layouts.joined(separator: ", "))), \(t.rows) rows, \(t.rejected) rejected"
        if !t.skippedEntries.isEmpty { out += "; \(t.skippedEntries.count) archive entries that are not dump parts skipped: \(t.skippedEntries.joined(separator: ", "))" }
        out += ".\n"
        for (value, n) in t.legacyCategories.sorted(by: { $0.key < $1.key }) {
            let target = TDBStatement.legacyCategories[value] ?? nil
            out += "  legacy category \(value) (\(n)): " + (target.map { "read as \($0)" } ?? "kept as written (no v2 value in the Commission's table)") + "\n"
        }
        if t.problemCount > 0 {
            // Each is also a sor.inconsistent event, which the check rules report as a finding.
            out += "  consistency checks: \(t.problemCount) problem\(t.problemCount == 1 ? "" : "s") in \(t.rowsWithProblems) row\(t.rowsWithProblems == 1 ? "" : "s") (imported all the same; findings below name each row): "
            out += t.problems.sorted { $0.key < $1.key }.map { "\($0.key.kind.rawValue) \($0.key.field) \($0.value)" }.joined(separator: ", ") + "\n"
        } else if t.rows > 0 {
            out += "  consistency checks: no problem in the rows read.\n"
        }
        return out
    }
}
