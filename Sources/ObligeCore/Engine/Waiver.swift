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

extension AuditResult {
    /// Marks breaches the waivers cover; a case-specific waiver wins over a rule-wide one.
    public mutating func apply(_ waivers: [Waiver]) {
        guard !waivers.isEmpty else { return }
        for i in findings.indices where findings[i].status.isBreach {
            let f = findings[i]
            let covering = waivers.filter { $0.covers(rule: f.rule.id, caseID: f.caseID, asOf: asOf) }
            findings[i].waiver = covering.first { $0.caseID != nil } ?? covering.first
        }
    }

    /// Breaches no waiver covers: what fails a run.
    public var activeBreaches: [Finding] { findings.filter { $0.status.isBreach && $0.waiver == nil } }
}
