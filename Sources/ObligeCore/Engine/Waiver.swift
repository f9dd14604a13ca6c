/// A decision the legal team recorded: a rule's breaches (in one case, or all cases) are
/// accepted, with a justification, an approver and an expiry. A waived finding keeps its status
/// and timeline; it shows as `waived` with who and why, and does not fail a run.
public struct Waiver: Sendable, Equatable {
    /// `W3` for a waiver in a store, `FILE:LINE` for one in a waiver file.
    public var id: String
    public var rule: String
    /// Nil: every case of the rule.
    public var caseID: String?
    public var justification: String
    public var approver: String
    /// The last day (UTC) the waiver applies; nil: until revoked.
    public var expires: CivilDate?

    public init(id: String, rule: String, caseID: String?, justification: String, approver: String, expires: CivilDate?) {
        self.id = id
        self.rule = rule
        self.caseID = caseID
        self.justification = justification
        self.approver = approver
        self.expires = expires
    }

    /// Whether the waiver covers this rule and case at the audit instant: through the whole of its
    /// expiry day in UTC, not after.
    public func covers(rule r: String, caseID c: String, asOf: Instant) -> Bool {
        guard rule == r, caseID.map({ $0 == c }) ?? true else { return false }
        guard let expires else { return true }
        return ZoneClock.utc.date(of: asOf) <= expires
    }

    public func isExpired(asOf: Instant) -> Bool { expires.map { ZoneClock.utc.date(of: asOf) > $0 } ?? false }
}

extension Finding {
    /// The waiver that covers this finding at the audit instant, if it is a breach; a case-specific
    /// waiver wins over a rule-wide one, then the first given.
    public func covering(_ waivers: [Waiver], asOf: Instant) -> Waiver? {
        guard status.isBreach, !waivers.isEmpty else { return nil }
        let covering = waivers.filter { $0.covers(rule: rule.id, caseID: caseID, asOf: asOf) }
        return covering.first { $0.caseID != nil } ?? covering.first
    }
}

extension Finding {
    /// The finding with the audit's waivers marked.
    func withWaiver(_ options: AuditOptions) -> Finding {
        guard !options.waivers.isEmpty else { return self }
        var f = self
        f.waiver = covering(options.waivers, asOf: options.asOf)
        return f
    }
}

extension AuditResult {
    /// Marks breaches the waivers cover; a case-specific waiver wins over a rule-wide one.
    public mutating func apply(_ waivers: [Waiver]) {
        guard !waivers.isEmpty else { return }
        for i in findings.indices where findings[i].status.isBreach {
            findings[i].waiver = findings[i].covering(waivers, asOf: asOf)
        }
    }

    public var activeBreaches: [Finding] { findings.filter { $0.status.isBreach && $0.waiver == nil } }

    /// Counts of the findings by rule and status, and of active breaches by severity: from the
    /// findings, or, when not all were kept, as the audit counted them.
    public var tally: FindingTally { fullTally ?? FindingTally(findings) }
}

/// How many findings an audit had, without the findings themselves.
public struct FindingTally: Sendable, Equatable {
    /// Rule id → status → count.
    public var byRule: [String: [Finding.Status: Int]] = [:]
    /// Breaches without a waiver, by severity.
    public var activeBySeverity: [Severity: Int] = [:]
    public var waived = 0

    public init() {}

    public init(_ findings: [Finding]) {
        for f in findings { add(f) }
    }

    public mutating func add(_ f: Finding) { add(f.rule, f.status, waived: f.waiver != nil) }

    /// `count` findings of `rule` with `status`.
    public mutating func add(_ rule: Rule, _ status: Finding.Status, waived: Bool = false, count: Int = 1) {
        byRule[rule.id, default: [:]][status, default: 0] += count
        guard status.isBreach else { return }
        if waived { self.waived += count } else { activeBySeverity[rule.severity, default: 0] += count }
    }

    public mutating func merge(_ other: FindingTally) {
        for (rule, counts) in other.byRule { byRule[rule, default: [:]].merge(counts, uniquingKeysWith: +) }
        activeBySeverity.merge(other.activeBySeverity, uniquingKeysWith: +)
        waived += other.waived
    }

    public var activeBreaches: Int { activeBySeverity.values.reduce(0, +) }
    public var findings: Int { byRule.values.reduce(0) { $0 + $1.values.reduce(0, +) } }
    public func count(_ status: Finding.Status) -> Int { byRule.values.reduce(0) { $0 + ($1[status] ?? 0) } }
}
