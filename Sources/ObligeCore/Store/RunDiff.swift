/// What changed between two runs, finding by finding (matched by fingerprint).
///
/// - **new**: a breach now that was none before: absent, pending, met, or waived (an expired or
///   revoked waiver brings its breach back as new);
/// - **resolved**: an active breach before that needs nothing more: an overdue duty now done (even
///   late), a breach now waived, or one gone from the run;
/// - **changed**: any other change of status (pending → met, late → …);
/// - **unchanged**: the same status, waived or not as before.
public struct RunDiff: Sendable {
    public enum Kind: String, Sendable, CaseIterable { case new, resolved, changed, unchanged }

    public struct Entry: Sendable {
        public var kind: Kind
        public var before: StoredFinding?
        public var after: StoredFinding?
        public var finding: StoredFinding { after ?? before! }

        /// `overdue → late`, `waived (W3) → overdue`.
        public var transition: String {
            func state(_ f: StoredFinding?) -> String {
                guard let f else { return "absent" }
                return f.waiverID.map { "\(f.status), waived (\($0))" } ?? f.status
            }
            return "\(state(before)) → \(state(after))"
        }
    }

    public var from: Int?
    /// The later run; 0 for an audit compared with the store but not recorded in it.
    public var to: Int

    public var isUnrecorded: Bool { to == 0 }
    public var entries: [Entry]

    public func count(_ k: Kind) -> Int { entries.filter { $0.kind == k }.count }
    public func entries(_ k: Kind) -> [Entry] { entries.filter { $0.kind == k } }

    public init(from: Int?, to: Int, before: [StoredFinding], after: [StoredFinding]) {
        self.from = from
        self.to = to
        let old = Dictionary(before.map { ($0.fingerprint, $0) }, uniquingKeysWith: { a, _ in a })
        let now = Dictionary(after.map { ($0.fingerprint, $0) }, uniquingKeysWith: { a, _ in a })
        var out: [Entry] = []
        for f in after {
            let b = old[f.fingerprint]
            let kind: Kind
            if let b {
                if f.isActiveBreach && !b.isActiveBreach {
                    // A waiver that expired or was revoked brings its breach back as new; a clock
                    // that ran out (pending → overdue) is a change of the same finding.
                    kind = b.waiverID != nil ? .new : .changed
                } else if b.isActiveBreach && (!f.isActiveBreach || (b.status == "overdue" && f.status != "overdue")) {
                    // Waived, gone, or an overdue duty now done (late): nothing left to do.
                    kind = .resolved
                } else if b.status != f.status || (b.waiverID == nil) != (f.waiverID == nil) {
                    // Waived or not, not which waiver: a waiver file's ids move with its lines.
                    kind = .changed
                } else {
                    kind = .unchanged
                }
            } else {
                kind = .new
            }
            out.append(Entry(kind: kind, before: b, after: f))
        }
        for b in before where now[b.fingerprint] == nil {
            out.append(Entry(kind: b.isActiveBreach ? .resolved : .changed, before: b, after: nil))
        }
        entries = out.sorted { ($0.kind.rawValue, $0.finding.rule, $0.finding.caseID, $0.finding.startID) < ($1.kind.rawValue, $1.finding.rule, $1.finding.caseID, $1.finding.startID) }
    }

    /// Active breaches now that were not active breaches in the earlier run (what `--fail-on new`
    /// fails on): new ones, and pending clocks that ran out.
    public var newlyActive: [Entry] { entries.filter { ($0.after?.isActiveBreach ?? false) && !($0.before?.isActiveBreach ?? false) } }
}
