/// The calendar's deadlines as an iCalendar feed (RFC 5545), for the calendar people already use.
///
/// Re-importing a newer feed must update events rather than add copies, so every event is named by
/// what it is about, never by when the feed was made:
/// - `UID` is the finding's fingerprint (rule, case, what started the clock) + `@oblige`: one
///   obligation keeps its UID while it goes from running to overdue to met, and across log re-exports.
/// - `DTSTAMP` is the audit instant, not the wall clock: identical audits give identical feeds.
/// - `SEQUENCE` is the audit instant in whole minutes since 1970. An event's deadline, state and
///   text can all change between two audits (a restart or extension moves the deadline, which can
///   then move either way; a running clock becomes overdue or met), and calendar apps take a
///   changed event only when its SEQUENCE went up. The audit instant is the one thing that always
///   grows from one audit to the next, so a later audit supersedes an earlier one and an earlier
///   one never overwrites a later one. Minutes keep it within 32 bits (until the year 6053), which
///   some calendar apps require. Two audits at the same instant share it, as they share DTSTAMP.
///
/// Times are UTC (`…Z`), so the feed needs no VTIMEZONE; the deadline in the rule's own zone is in
/// each event's description.
public enum ICSReport {
    public static let prodID = "-//Oblige//Oblige deadlines//EN"
    /// How long each deadline's event lasts in a calendar view: a marker, not a meeting.
    public static let eventDuration = "PT15M"

    /// The feed: `CalendarReport.entries` (running clocks, holds, dated duties, and with
    /// `w.includeClosed` those already met or late), plus the duties already overdue before the
    /// window. Those stay in the feed until they are done: left out, a re-import would keep the
    /// stale "due" event of a duty that is now overdue. `alarms` are seconds before the deadline;
    /// they go on open deadlines only (running or upcoming), not on holds (nothing is to be done
    /// when a hold ends), overdue duties (the moment has passed) or closed and waived ones. A
    /// check's finding has no deadline, so it is never in the feed.
    public static func render(_ r: AuditResult, _ w: CalendarReport.Window, alarms: [Int] = [86_400, 3_600]) -> String {
        var lines = [
            "BEGIN:VCALENDAR",
            "VERSION:2.0",
            "PRODID:\(prodID)",
            "CALSCALE:GREGORIAN",
            "X-WR-CALNAME:" + text("Oblige deadlines · \(r.profile.name)"),
            "NAME:" + text("Oblige deadlines · \(r.profile.name)"),
            "X-WR-CALDESC:" + text("Deadlines from \(w.from.rfc3339) to \(w.to.rfc3339), and duties overdue before, as of \(r.asOf.rfc3339)"),
        ]
        var seenAlarms = Set<Int>()
        let alarmSeconds = alarms.filter { seenAlarms.insert($0).inserted }
        for f in events(r, w) { lines += event(f, r, alarms: alarmSeconds) }
        lines.append("END:VCALENDAR")
        return lines.map(fold).joined(separator: "\r\n") + "\r\n"
    }

    /// The findings the feed holds, by deadline: overdue before the window, then the window's.
    public static func events(_ r: AuditResult, _ w: CalendarReport.Window) -> [Finding] {
        let before = CalendarReport.overdueBefore(r, w).sorted { a, b in
            (a.deadline ?? a.clockStart, a.rule.id, a.caseID, a.startID) < (b.deadline ?? b.clockStart, b.rule.id, b.caseID, b.startID)
        }
        return before + CalendarReport.entries(r, w)
    }

    /// The UID of a finding's event: the same obligation gets the same UID in every feed.
    public static func uid(_ f: Finding) -> String { f.fingerprint + "@oblige" }

    /// The SEQUENCE of every event of an audit's feed (see the type's documentation).
    public static func sequence(asOf: Instant) -> Int64 { max(0, asOf.seconds.floorDivided(by: 60)) }

    static func event(_ f: Finding, _ r: AuditResult, alarms: [Int]) -> [String] {
        guard let deadline = f.deadline else { return [] }
        let state = CalendarReport.state(f, asOf: r.asOf)
        let open = f.waiver == nil && (f.status == .pending || f.status == .overdue)
        let summary = self.summary(f, state: state)
        var lines = [
            "BEGIN:VEVENT",
            "UID:" + text(uid(f)),
            "DTSTAMP:" + dateTime(r.asOf),
            "SEQUENCE:\(sequence(asOf: r.asOf))",
            "DTSTART:" + dateTime(deadline),
            "DURATION:\(eventDuration)",
            "SUMMARY:" + text(summary),
            "DESCRIPTION:" + text(description(f, r, state: state)),
            "URL:" + uri(f.rule.citation.url),
            "CATEGORIES:" + [f.rule.regime, f.rule.severity.rawValue].map(text).joined(separator: ","),
            "PRIORITY:\(priority(f.rule.severity))",
            // Cancelled: nothing is left to do (met, late, ended, waived). The event stays, so a
            // re-import updates the earlier "due" event instead of leaving its alarm behind.
            "STATUS:" + (open ? "CONFIRMED" : "CANCELLED"),
            // A deadline is not a meeting: it must not make anyone look busy.
            "TRANSP:TRANSPARENT",
        ]
        if open, f.status == .pending, f.rule.kind == .deadline {
            for seconds in alarms {
                lines += [
                    "BEGIN:VALARM",
                    "ACTION:DISPLAY",
                    "TRIGGER:" + duration(before: seconds),
                    "DESCRIPTION:" + text((seconds > 0 ? "Due in \(spellSeconds(Int64(seconds))): " : "Due now: ") + subject(f)),
                    "END:VALARM",
                ]
            }
        }
        lines.append("END:VEVENT")
        return lines
    }

    /// `Due: Remove or disable terrorist content in all Member States… (case c42)`.
    static func summary(_ f: Finding, state: String) -> String {
        let what: String
        switch (f.status, state) {
        case (.overdue, _): what = "OVERDUE"
        case (.pending, "holding"): what = "Hold ends"
        case (.pending, _): what = "Due"
        case (.met, _): what = f.rule.kind == .hold ? "Hold kept" : "Met"
        case (.late, _): what = "Done late"
        case (.violated, _): what = f.rule.kind == .check ? "Breached by the record" : "Hold ended early"
        }
        return "\(what)\(f.waiver == nil ? "" : " (waived)"): \(subject(f))"
    }

    /// `Remove or disable terrorist content in all Member States… (case c42)`.
    static func subject(_ f: Finding) -> String { "\(shortTitle(f.rule.title)) (\(TextReport.subject(f)))" }

    /// The title up to its first qualification (`;` or ` (`), cut at a word within `limit`
    /// characters: calendar views show little; the description has it whole.
    static func shortTitle(_ title: String, limit: Int = 60) -> String {
        var s = Substring(title)
        for mark in ["; ", " ("] {
            if let r = s.range(of: mark), s.distance(from: s.startIndex, to: r.lowerBound) >= 20 { s = s[..<r.lowerBound] }
        }
        guard s.count > limit else { return String(s) }
        let cut = s.prefix(limit)
        let word = cut.lastIndex(of: " ").map { cut[..<$0] } ?? cut
        return word.trimmingTrailing(",;:") + "…"
    }

    /// State, rule, case, what started the clock, the deadline in the rule's zone and how it was
    /// set, the citation: what a person needs to act without opening the audit.
    static func description(_ f: Finding, _ r: AuditResult, state: String) -> String {
        guard let d = f.deadline else { return "" }
        let left = d.nanoseconds(since: r.asOf) / 1_000_000_000
        var out: [String] = []
        switch f.status {
        case .pending where f.rule.kind == .hold:
            out.append("Holding: the hold period ends \(spellSeconds(left)) after the audit instant \(r.asOf.rfc3339); until then it must not end.")
        case .pending:
            out.append("\(state.capitalizedFirst): \(spellSeconds(left)) left at the audit instant \(r.asOf.rfc3339).")
        case .overdue:
            out.append("OVERDUE: not done; the deadline passed \(spellSeconds(f.lateBySeconds ?? -left)) before the audit instant \(r.asOf.rfc3339).")
        default:
            out.append("\(BreachText.standing(f).capitalizedFirst) (audit of \(r.asOf.rfc3339)).")
        }
        if let w = f.waiver { out.append("Waived: \(BreachText.waiver(w)).") }
        out.append("Rule: \(f.rule.id): \(f.rule.title)")
        out.append(f.instance.map { "Duty: service \($0.service), \($0.periodEnd == nil ? "occurrence" : "period") \($0.label)" } ?? "Case: \(f.caseID)")
        if let t = f.trigger {
            out.append("Started by: \(t.type) \(t.id) at \(t.at.rfc3339)")
            if f.clockStart != t.at { out.append("Clock restarted: \(f.clockStart.rfc3339)") }
        } else {
            out.append("Started by: \(BreachText.start(f))")
        }
        out.append("Deadline: \(f.rule.zone.format(d)) (\(f.rule.zone.identifier)) = \(d.rfc3339)")
        out.append("Deadline rule: \(f.rule.deadlineSummary)")
        switch f.computation?.basis {
        case .platformTarget(let name, let duration)?:
            out.append("Measured against the platform's own target '\(name)' = \(duration): the law sets no figure.")
        case .authority(let attribute)?:
            out.append("The date is the one the authority set (\(attribute)).")
        default: break
        }
        if let fu = f.fulfilment { out.append("\(f.rule.kind == .hold ? "Ended" : "Done"): \(fu.type) \(fu.id) at \(fu.at.rfc3339)") }
        out.append("Citation: \(BreachText.citation(f))")
        out.append(f.rule.citation.url)
        out.append("Severity: \(f.rule.severity.rawValue); regime: \(f.rule.regime)")
        out.append("Oblige finding \(f.fingerprint)")
        return out.joined(separator: "\n")
    }

    static func priority(_ s: Severity) -> Int {
        switch s {
        case .critical: 1
        case .high: 2
        case .medium: 5
        case .low: 9
        }
    }

    // MARK: RFC 5545 encoding

    /// `20251101T002000Z`: UTC, whole seconds (a fraction is dropped: the deadline shows at most
    /// a second early, never late).
    static func dateTime(_ i: Instant) -> String {
        Instant(seconds: i.seconds).rfc3339.filter { $0 != "-" && $0 != ":" }
    }

    /// A trigger `seconds` before the start: `-PT24H`, `-PT1H30M`; exact hours, not nominal days,
    /// so daylight saving cannot move the alarm. Negative seconds are after the start.
    static func duration(before seconds: Int) -> String {
        let s = abs(seconds)
        var out = seconds > 0 ? "-PT" : "PT"
        if s == 0 { return "PT0S" }
        if s / 3600 > 0 { out += "\(s / 3600)H" }
        if s / 60 % 60 > 0 { out += "\(s / 60 % 60)M" }
        if s % 60 > 0 { out += "\(s % 60)S" }
        return out
    }

    /// A TEXT value (RFC 5545 §3.3.11): `\` `;` `,` and newlines escaped; control characters the
    /// format cannot hold (all but tab) become U+FFFD, so an id from a log cannot break a line.
    public static func text(_ s: String) -> String {
        var out = ""
        var afterCR = false
        for c in s.unicodeScalars {
            defer { afterCR = c == "\r" }
            switch c {
            case "\\": out += "\\\\"
            case ";": out += "\\;"
            case ",": out += "\\,"
            case "\n": if !afterCR { out += "\\n" }
            case "\r": out += "\\n"
            case "\t": out.unicodeScalars.append(c)
            default:
                if c.value < 0x20 || c.value == 0x7F { out += "\u{FFFD}" } else { out.unicodeScalars.append(c) }
            }
        }
        return out
    }

    /// A URI value: not TEXT-escaped; characters no URI may hold are percent-encoded.
    static func uri(_ s: String) -> String {
        var out = ""
        for b in s.utf8 {
            if b <= 0x20 || b >= 0x7F || b == 0x22 || b == 0x3C || b == 0x3E || b == 0x5C || b == 0x5E || b == 0x60 || b == 0x7B || b == 0x7C || b == 0x7D {
                out += "%" + String(b, radix: 16, uppercase: true).leftPadded(2)
            } else {
                out.unicodeScalars.append(Unicode.Scalar(b))
            }
        }
        return out
    }

    /// Folds a content line at 75 octets (RFC 5545 §3.1): continuation lines start with a space,
    /// which counts, and a multi-byte UTF-8 character is never split.
    public static func fold(_ line: String) -> String {
        var out = ""
        var width = 0
        for s in line.unicodeScalars {
            let n = UTF8.width(s)
            if width + n > 75 {
                out += "\r\n "
                width = 1
            }
            out.unicodeScalars.append(s)
            width += n
        }
        return out
    }
}

extension StringProtocol {
    fileprivate func trimmingTrailing(_ characters: String) -> String {
        var s = Substring(self)
        while let last = s.last, characters.contains(last) || last == " " { s = s.dropLast() }
        return String(s)
    }

    fileprivate func leftPadded(_ n: Int) -> String { count >= n ? String(self) : String(repeating: "0", count: n - count) + self }
}
