import Foundation

/// A breach as exposure sees it: what a regulator would count, taken from a finding of this
/// audit or from the JSON of an earlier one (`--findings`), so both give the same figures.
public struct Contravention: Sendable {
    public var rule: String
    public var title: String
    public var regime: String
    /// The penalty provision the rule names; nil when it names none.
    public var penalty: String?
    public var status: Finding.Status
    public var caseID: String
    /// The trigger's id, or `due:<instance>` for a dated duty: with rule and case, a stable name.
    public var startID: String
    public var clockStart: Instant
    public var deadline: Instant?
    /// When the duty was done (late), or the hold ended (violated); nil for a check, whose breach
    /// is its trigger (`clockStart`).
    public var endedAt: Instant?
    /// The rule's zone: contravention days are its calendar days.
    public var zone: ZoneClock
    /// The profile service the finding concerns; nil: every service of the profile.
    public var service: String?

    /// `rule · case · start`: what a lawyer quotes to find the finding in the audit.
    public var reference: String { "\(rule) · \(caseID) · \(startID)" }

    /// The day the contravention happened (the law in force that day decides): the deadline's
    /// day, the day a hold ended early, or a check's trigger day (no deadline, no end).
    public var day: CivilDate {
        if status == .violated, let endedAt { return zone.date(of: endedAt) }
        return zone.date(of: deadline ?? clockStart)
    }

    /// The instant the contravention happened, for ordering failures.
    public var at: Instant { status == .violated ? (endedAt ?? clockStart) : (deadline ?? clockStart) }

    /// Whether the duty is still undone at the audit instant (only these accrue periodic penalties).
    public var isOpen: Bool { status == .overdue }

    public init(
        rule: String, title: String, regime: String, penalty: String?, status: Finding.Status, caseID: String, startID: String,
        clockStart: Instant, deadline: Instant?, endedAt: Instant?, zone: ZoneClock, service: String?
    ) {
        self.rule = rule
        self.title = title
        self.regime = regime
        self.penalty = penalty
        self.status = status
        self.caseID = caseID
        self.startID = startID
        self.clockStart = clockStart
        self.deadline = deadline
        self.endedAt = endedAt
        self.zone = zone
        self.service = service
    }

    public init(_ f: Finding) {
        self.init(
            rule: f.rule.id, title: f.rule.title, regime: f.rule.regime, penalty: f.rule.penalty, status: f.status, caseID: f.caseID,
            startID: f.startID, clockStart: f.clockStart, deadline: f.deadline, endedAt: f.fulfilment?.at, zone: f.rule.zone,
            service: f.service)
    }
}

extension Finding {
    /// The profile service this finding concerns: a dated duty's, or the trigger's `service`
    /// attribute; nil when the trigger names none (then it concerns every service).
    public var service: String? { instance?.service ?? trigger?[attribute: "service"] }
}

extension Contravention {
    /// Reads the breaches of an audit's JSON document (`oblige audit --format json`). Findings
    /// that are not breaches are skipped; a breach missing a field the figures need is an error
    /// naming the finding.
    public static func load(json path: String) throws(ObligeErrors) -> (asOf: Instant, findings: Int, contraventions: [Contravention]) {
        func fail(_ message: String, _ fix: String? = nil) -> ObligeErrors {
            ObligeErrors([ObligeError(.io, message, at: SourceLocation(file: path), fix: fix)])
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw fail("cannot read findings file '\(path)'", "pass the JSON an audit wrote: oblige audit … --format json > findings.json")
        }
        guard let root = try? JSONSerialization.jsonObject(with: data) as? [String: Any], root["oblige"] as? String == "audit",
            let findings = root["findings"] as? [[String: Any]], let asOfText = root["as_of"] as? String,
            let asOf = try? Instant.parseRFC3339(asOfText)
        else {
            throw fail("'\(path)' is not the JSON of an oblige audit", "write it with: oblige audit … --format json")
        }
        var out: [Contravention] = []
        var errors: [ObligeError] = []
        var seen: [String: Int] = [:]
        for (i, f) in findings.enumerated() {
            guard let statusText = f["status"] as? String, let status = Finding.Status(rawValue: statusText) else {
                errors.append(ObligeError(.io, "finding \(i + 1) has no valid status", at: SourceLocation(file: path)))
                continue
            }
            guard status.isBreach else { continue }
            func instant(_ key: String) -> Instant? { (f[key] as? String).flatMap { try? Instant.parseRFC3339($0) } }
            let instance = f["instance"] as? [String: Any]
            guard f.keys.contains("penalty") else {
                errors.append(
                    ObligeError(.io, "finding \(i + 1) (\(f["rule"] as? String ?? "?")) has no \"penalty\" field", at: SourceLocation(file: path),
                    fix: "pass the JSON of `oblige audit --format json`, unedited"))
                continue
            }
            guard let rule = f["rule"] as? String, let regime = f["regime"] as? String, let caseID = f["case"] as? String,
                let clockStart = instant("clock_start"), let zoneName = f["zone"] as? String, let zone = ZoneClock(identifier: zoneName),
                let startID = (f["trigger"] as? String) ?? (instance?["label"] as? String).map({ "due:" + $0 })
            else {
                errors.append(
                    ObligeError(.io, "finding \(i + 1) (\(f["rule"] as? String ?? "?")) lacks rule, regime, case, trigger, clock_start or zone", at: SourceLocation(file: path),
                    fix: "re-run the audit with this version of oblige"))
                continue
            }
            let reference = "\(rule) · \(caseID) · \(startID)"
            if let first = seen[reference] {
                errors.append(
                    ObligeError(.io, "finding \(i + 1) repeats finding \(first) (\(reference))", at: SourceLocation(file: path),
                    fix: "each finding once: pass the JSON of one audit, unedited"))
                continue
            }
            seen[reference] = i + 1
            out.append(
                Contravention(
                    rule: rule, title: f["title"] as? String ?? rule, regime: regime, penalty: f["penalty"] as? String, status: status, caseID: caseID,
                    startID: startID, clockStart: clockStart, deadline: instant("deadline"), endedAt: instant("fulfilled_at"), zone: zone,
                    service: (f["service"] as? String) ?? (instance?["service"] as? String)))
        }
        if !errors.isEmpty { throw ObligeErrors(errors) }
        return (asOf, findings.count, out)
    }
}
