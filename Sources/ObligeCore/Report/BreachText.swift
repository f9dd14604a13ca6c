/// How one finding reads in a CI system: a short standing, one sentence, or labelled lines with
/// its timeline. JUnit and SARIF both use it, so a breach reads the same in both.
enum BreachText {
    /// `overdue by 1h 00m 00s`, `late by 12m 05s`, `ended 2d 0h 00m early`, `breached by the
    /// record itself` (a check), or the bare status.
    static func standing(_ f: Finding) -> String {
        switch f.status {
        case .late: "late by \(spellSeconds(f.lateBySeconds ?? 0))"
        case .overdue: "overdue by \(spellSeconds(f.lateBySeconds ?? 0))"
        case .violated where f.rule.kind == .check: checkStanding
        case .violated: "ended \(spellSeconds(f.earlyBySeconds ?? 0)) early"
        case .met, .pending: f.status.rawValue
        }
    }

    /// A check has no clock: its trigger, the record, is the breach.
    static let checkStanding = "breached by the record itself"

    /// For a check: where the record was read and what it says, e.g.
    /// `sor.csv:48: field=decision_facts, problem=missing_mandatory, uuid=87a73e2d-…`. Nil otherwise.
    static func found(_ f: Finding) -> String? {
        guard f.rule.kind == .check, let t = f.trigger else { return nil }
        let attributes = t.sortedAttributes.map { "\($0.name)=\($0.value.values.joined(separator: "|"))" }.joined(separator: ", ")
        return "\(t.origin)" + (attributes.isEmpty ? "" : ": " + attributes)
    }

    /// `case c42`, or for a dated duty `main 2025-H2`.
    static func subject(_ f: Finding) -> String { TextReport.subject(f) }

    /// What started the clock, in words: the trigger event and where it was read, or the duty's
    /// period or occurrence.
    static func start(_ f: Finding) -> String {
        if let t = f.trigger { return "\(t.type) \(t.id) at \(t.at.rfc3339) (\(t.origin))" }
        if let i = f.instance {
            let what = i.periodEnd.map { "period \(i.label) of \(i.service) ended (\(i.periodStart.map(\.iso8601) ?? "")–\($0))" }
                ?? "occurrence \(i.label) of the duty for \(i.service)"
            return "\(what); clock runs from \(f.clockStart.rfc3339)"
        }
        return "clock starts \(f.clockStart.rfc3339)"
    }

    static func deadline(_ f: Finding) -> String {
        if f.rule.kind == .check { return "none (a check: the trigger is the breach)" }
        guard let d = f.deadline else { return "none while the clock is suspended" }
        return "\(d.rfc3339) (\(f.rule.zone.format(d)) \(f.rule.zone.identifier))"
    }

    static func fulfilment(_ f: Finding, asOf: Instant) -> String {
        if let fu = f.fulfilment { return "\(fu.type) \(fu.id) at \(fu.at.rfc3339)" }
        if f.rule.kind == .check { return "nothing fulfils a check" }
        return f.rule.kind == .hold ? "not ended by the audit instant \(asOf.rfc3339)" : "none by the audit instant \(asOf.rfc3339)"
    }

    static func citation(_ f: Finding) -> String {
        let c = f.rule.citation
        return c.text + (c.confidence == .confirmed ? "" : " [\(c.confidence.rawValue)]")
    }

    /// `waived by Jane Doe (W3): accepted risk (expires 2026-01-31)`.
    static func waiver(_ w: Waiver) -> String {
        "waived by \(w.approver) (\(w.id)): \(w.justification) (\(w.expires.map { "expires \($0.iso8601)" } ?? "no expiry"))"
    }

    /// One paragraph for a result message: standing, what the rule asks, and the timeline.
    static func sentence(_ f: Finding, asOf: Instant) -> String {
        var s = "\(standing(f).capitalizedFirst): \(f.rule.title) (\(f.rule.id), \(subject(f))). "
        if let found = found(f) {
            s += "Breach: \(start(f)). Found: \(found). "
        } else {
            s += "Started: \(start(f)). "
            if f.clockStart != f.trigger?.at, f.trigger != nil { s += "Clock restarted \(f.clockStart.rfc3339). " }
            s += "Deadline: \(deadline(f)). "
            s += "\(f.rule.kind == .hold ? "Hold ended" : "Fulfilled"): \(fulfilment(f, asOf: asOf)). "
        }
        s += "\(citation(f)), \(f.rule.citation.url)"
        return s
    }

    /// Labelled lines and the case timeline, for a JUnit failure's text.
    static func details(_ f: Finding, asOf: Instant) -> String {
        var fields: [(String, String)] = [("status", "\(f.status.rawValue) (\(standing(f)))")]
        if let found = found(f) {
            fields += [("breach", start(f)), ("found", found), ("deadline", deadline(f))]
        } else {
            fields += [
                ("started", start(f)),
                ("clock start", f.clockStart.rfc3339),
                ("deadline", deadline(f)),
                (f.rule.kind == .hold ? "hold ended" : "fulfilled", fulfilment(f, asOf: asOf)),
            ]
        }
        if let late = f.lateBySeconds { fields.append(("late by", "\(spellSeconds(late)) (\(late) s)")) }
        if let early = f.earlyBySeconds { fields.append(("ended early by", "\(spellSeconds(early)) (\(early) s)")) }
        fields.append(("deadline rule", f.rule.deadlineSummary))
        fields.append(("citation", citation(f)))
        fields.append(("url", f.rule.citation.url))
        if let w = f.waiver { fields.append(("waiver", waiver(w))) }

        var out = "\(f.rule.id) · \(subject(f)) · \(standing(f))\n\(f.rule.title)\n"
        let width = (fields.map(\.0.count).max() ?? 0) + 2
        for (label, value) in fields { out += TextReport.pad(label + ":", width) + value + "\n" }
        out += "timeline:\n"
        for line in TextReport.timeline(f) {
            out += "  \(TextReport.pad(line.at.rfc3339, 21))\(TextReport.pad(f.rule.zone.format(line.at), 26))\(line.text)\n"
        }
        return out
    }
}

extension String {
    var capitalizedFirst: String { prefix(1).uppercased() + dropFirst() }
}
