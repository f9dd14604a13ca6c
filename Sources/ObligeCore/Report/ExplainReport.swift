/// The full reasoning for one case: its events, every rule considered, how each deadline was computed.
public enum ExplainReport {
    public static func render(_ r: AuditResult, caseID: String) -> String {
        guard let explained = r.explained[caseID] else {
            return "Case \(caseID): no accepted events with this case id up to the audit instant \(r.asOf.rfc3339) (events after it are not evaluated; rejected ones are listed as rejects).\n"
        }
        var out = "Case \(caseID) · \(r.profile.name) · as of \(r.asOf.rfc3339)\n\nEVENTS (\(explained.events.count), in time order)\n"
        for e in explained.events {
            let attrs = e.sortedAttributes.map { "\($0.name)=\($0.value.values.joined(separator: "|"))" }.joined(separator: " ")
            out += "  \(e.at.rfc3339.padding(toLength: 21, withPad: " ", startingAt: 0)) \(TextReport.pad(e.type, 30)) \(TextReport.pad(e.id, 10)) \(attrs)  [\(e.origin)]\n"
        }
        out += "\nRULES CONSIDERED\n"
        let findings = r.findings.filter { $0.caseID == caseID }
        for c in explained.considerations {
            out += "\n• \(c.rule.id) (\(c.rule.citation.text), version \(c.rule.effective.text)) on \(c.event.type) \(c.event.id)\n"
            if c.rule.citation.confidence != .confirmed {
                out += "  citation confidence: \(c.rule.citation.confidence.rawValue)\(c.rule.citation.verification.map { " (\($0.split(whereSeparator: \.isNewline).joined(separator: " ")))" } ?? "")\n"
            }
            switch c.outcome {
            case .notInForce(let why): out += "  not in force: \(why)\n"
            case .conditionFailed(let why): out += "  trigger condition not met: \(why)\n"
            case .notApplicable(let why): out += "  does not apply to this platform: \(why)\n"
            case .triggered:
                if let problem = r.problems.first(where: { $0.rule == c.rule.id && $0.event.id == c.event.id }) {
                    out += "  triggered, but NOT EVALUATED: \(problem.message) (fix: \(problem.fix))\n"
                    continue
                }
                guard let f = findings.first(where: { $0.rule.id == c.rule.id && $0.trigger?.id == c.event.id }) else { continue }
                out += "  triggered → \(f.status.rawValue.uppercased())\n"
                if let w = f.waiver {
                    out += "  WAIVED by \(TextReport.oneLine(w.approver)) (\(w.caseID == nil ? "every case of the rule" : "this case")), "
                    out += "\(w.expires.map { "until \($0.iso8601) (UTC)" } ?? "no expiry"), \(w.id): \(TextReport.oneLine(w.justification))\n"
                }
                out += "  deadline rule: \(f.rule.deadlineSummary)\n"
                for step in f.computation?.steps ?? [] { out += "    - \(step)\n" }
                for n in f.clockNotes {
                    out += "    - \(n.event.type) \(n.event.id) at \(n.event.at.rfc3339): \(n.effect)\n"
                }
                if let found = BreachText.found(f) {
                    out += "    - the trigger is the breach (a check: no clock, nothing fulfils it): \(found)\n"
                } else if let fu = f.fulfilment {
                    out += "    - \(f.rule.kind == .hold ? "ended" : "fulfilled") by \(fu.type) \(fu.id) at \(fu.at.rfc3339)\n"
                } else {
                    out += "    - no \(f.rule.fulfilledBy.map(\.text).joined(separator: " or ")) in the case by the audit instant\n"
                }
                if let late = f.lateBySeconds { out += "    - \(f.status == .overdue ? "overdue" : "late") by \(spellSeconds(late)) (\(late) s)\n" }
                if let early = f.earlyBySeconds { out += "    - ended \(spellSeconds(early)) (\(early) s) before the hold period ran out\n" }
            }
        }
        let types = Set(explained.events.map(\.type))
        var listed = Set<String>()
        let unreached = r.rules.rules.compactMap { rule in
            rule.trigger.flatMap { t in !types.contains(t.type) && listed.insert(rule.id).inserted ? (rule.id, t.type) : nil }
        }
        if !unreached.isEmpty {
            out += "\nNOT TRIGGERED (no event of their trigger type in this case)\n"
            for (id, type) in unreached { out += "  \(TextReport.pad(id, 30)) needs \(type)\n" }
        }
        return out
    }
}
