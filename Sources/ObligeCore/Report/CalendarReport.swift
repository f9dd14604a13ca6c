/// Deadlines in a window, in date order: running clocks from the log and dated duties from the
/// profile, with the time remaining at the audit instant.
public enum CalendarReport {
    public struct Window: Sendable {
        public var from: Instant
        public var to: Instant
        /// Also list deadlines already met or missed in the window (history), not only open ones.
        public var includeClosed: Bool

        public init(from: Instant, to: Instant, includeClosed: Bool = false) {
            self.from = from
            self.to = to
            self.includeClosed = includeClosed
        }
    }

    /// The findings whose deadline falls in `[from, to)`, by deadline; open ones only unless asked.
    /// A check's finding has no deadline: never listed (the audit lists it as a breach).
    public static func entries(_ r: AuditResult, _ w: Window) -> [Finding] {
        r.findings.filter { f in
            guard let d = f.deadline, d >= w.from, d < w.to else { return false }
            return w.includeClosed || f.status == .pending || f.status == .overdue
        }.sorted { a, b in
            (a.deadline ?? a.clockStart, a.rule.id, a.caseID, a.startID) < (b.deadline ?? b.clockStart, b.rule.id, b.caseID, b.startID)
        }
    }

    static func state(_ f: Finding, asOf: Instant) -> String {
        switch f.status {
        case .pending where f.rule.kind == .hold: "holding"
        case .pending: f.clockStart > asOf ? "upcoming" : "running"
        default: f.status.rawValue
        }
    }

    /// Open duties whose deadline passed before the window: not in it, but not to be forgotten.
    public static func overdueBefore(_ r: AuditResult, _ w: Window) -> [Finding] {
        r.findings.filter { $0.status == .overdue && ($0.deadline.map { $0 < w.from } ?? false) }
    }

    public static func text(_ r: AuditResult, _ w: Window, style: TextReport.Style = .init(color: false)) -> String {
        let list = entries(r, w)
        var out = style.paint("Oblige calendar · \(r.profile.name) · \(w.from.rfc3339) to \(w.to.rfc3339) · as of \(r.asOf.rfc3339)", "1") + "\n"
        if r.logs.isEmpty { out += "No log given: dated duties only, none of them known to be fulfilled.\n" }
        out += "\(list.count) deadline\(list.count == 1 ? "" : "s") in the window."
        let before = overdueBefore(r, w)
        if !before.isEmpty {
            out += " " + style.paint("\(before.count) more \(before.count == 1 ? "was" : "were") already overdue before it", "1;31") + " (oldest: \(before.min { ($0.deadline ?? $0.clockStart) < ($1.deadline ?? $1.clockStart) }.map { "\($0.rule.id) \(TextReport.subject($0))" } ?? "")); `oblige audit` lists them."
        }
        out += "\n\n"
        guard !list.isEmpty else { return out }
        out += "\(TextReport.pad("DUE (local, rule's zone)", 27))\(TextReport.pad("REMAINING", 14))\(TextReport.pad("STATE", 10))\(TextReport.pad("RULE", 36))FOR\n"
        for f in list {
            guard let d = f.deadline else { continue }
            let left = d.nanoseconds(since: r.asOf) / 1_000_000_000
            let remaining = left >= 0 ? spellSeconds(left) : "-" + spellSeconds(-left)
            let state = state(f, asOf: r.asOf)
            let painted = style.paint(TextReport.pad(state, 10), f.status == .overdue ? "1;31" : left < 7 * 86_400 ? "33" : "0")
            out += "\(TextReport.pad(f.rule.zone.format(d), 27))\(TextReport.pad(remaining, 14))\(painted)\(TextReport.pad(f.rule.id, 36))\(TextReport.subject(f))\n"
            out += "    \(f.rule.title) · \(f.rule.citation.text)\n"
        }
        return out
    }

    public static func json(_ r: AuditResult, _ w: Window) -> String {
        let list = entries(r, w)
        let root: JSONValue = .object([
            ("oblige", .string("calendar")),
            ("format_version", .int(1)),
            ("as_of", .string(r.asOf.rfc3339)),
            ("platform", .string(r.profile.name)),
            ("from", .string(w.from.rfc3339)),
            ("to", .string(w.to.rfc3339)),
            ("overdue_before_window", .int(Int64(overdueBefore(r, w).count))),
            ("deadlines", .array(list.map { f in
                let d = f.deadline ?? f.clockStart
                let left = d.nanoseconds(since: r.asOf) / 1_000_000_000
                return .object([
                    ("deadline", .string(d.rfc3339)),
                    ("deadline_local", .string(f.rule.zone.format(d))),
                    ("zone", .string(f.rule.zone.identifier)),
                    ("seconds_remaining", .int(left)),
                    ("days_remaining", .int(left.floorDivided(by: 86_400))),
                    ("state", .string(state(f, asOf: r.asOf))),
                    ("rule", .string(f.rule.id)),
                    ("title", .string(f.rule.title)),
                    ("citation", .string(f.rule.citation.text)),
                    ("url", .string(f.rule.citation.url)),
                    ("case", .string(f.caseID)),
                    ("trigger", .optional(f.trigger?.id)),
                    ("instance", f.instance.map(JSONReport.instance) ?? .null),
                    ("severity", .string(f.rule.severity.rawValue)),
                ])
            })),
        ])
        return root.pretty + "\n"
    }
}
