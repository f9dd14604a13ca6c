/// One rule's verdict on one triggering event: the unit every output is made of.
public struct Finding: Sendable {
    public enum Status: String, Sendable, CaseIterable {
        /// Fulfilled at or before the deadline (a hold that lasted its full period).
        case met
        /// Fulfilled, but after the deadline.
        case late
        /// Not fulfilled and the deadline passed before the audit instant.
        case overdue
        /// Not fulfilled and the deadline is still ahead (or the clock is suspended).
        case pending
        /// Broken by what happened rather than by a clock running out: a hold ended before its
        /// period ran out (`earlyBy` says how early), or a check's trigger, a record that
        /// contradicts the duty (no deadline; the breach is at the trigger's instant).
        case violated

        public var isBreach: Bool { self == .late || self == .overdue || self == .violated }

        /// Where the status is in `allCases`.
        var position: Int {
            switch self {
            case .met: 0
            case .late: 1
            case .overdue: 2
            case .pending: 3
            case .violated: 4
            }
        }
    }

    public var rule: Rule
    /// The case of the trigger; for a dated duty, the service it binds.
    public var caseID: String
    /// The event that started the clock; nil for a dated duty.
    public var trigger: Event?
    /// For a dated duty: which period or occurrence this finding is about.
    public var instance: DutyInstance?
    public var status: Status
    /// When the clock that decides the deadline started: the trigger, or the last restart. For a
    /// check, the trigger's instant, when the breach happened.
    public var clockStart: Instant
    /// Nil while the clock is suspended, and for a check, which has no clock.
    public var deadline: Instant?
    public var computation: DeadlineComputation?
    /// The event that fulfilled the duty (or ended the hold).
    public var fulfilment: Event?
    /// For late: fulfilment − deadline. For overdue: as-of − deadline. Nanoseconds.
    public var lateBy: Int64?
    /// For violated holds: deadline − end event.
    public var earlyBy: Int64?
    /// Restarts, suspensions and extensions, in order, and what each did.
    public var clockNotes: [ClockNote]
    /// The events of the case this rule reads, in time order, for the timeline.
    public var caseEvents: [Event]
    /// A breach the legal team waived (`oblige waive`, `--waivers`); nil otherwise.
    public var waiver: Waiver? = nil

    public struct ClockNote: Sendable {
        public var event: Event
        public var effect: String
        /// Whether the event changed the clock (false when it came too late to count).
        public var applied: Bool
    }

    /// A stable name for what started the clock within the case: the trigger's id, or the dated
    /// duty's instance (`due:2025-H2`).
    public var startID: String { trigger?.id ?? "due:" + (instance?.label ?? "") }

    /// When the clock started, for ordering: the trigger's instant or the instance's clock start.
    public var startedAt: Instant { trigger?.at ?? clockStart }

    public var instanceLabel: String? { instance?.label }

    /// `findings` in the order of every report (`FindingKey`: when the clock started, then case,
    /// rule and what started it). Sorts positions by key rather than moving the findings
    /// themselves, which are large; equal keys keep their order.
    public static func inReportOrder(_ findings: [Finding]) -> [Finding] { reportOrder(findings).map { findings[$0] } }

    /// The positions of `findings` in report order (`inReportOrder`): for findings read once in
    /// that order, with no sorted copy made (and destroyed).
    static func reportOrder(_ findings: [Finding]) -> [Int] {
        let keys = findings.map(FindingKey.init)
        return findings.indices.sorted { a, b in keys[a] < keys[b] || (!(keys[b] < keys[a]) && a < b) }
    }

    /// Whole seconds, rounded up: any lateness at all is at least one second.
    public var lateBySeconds: Int64? { lateBy.map(Self.roundedUpSeconds) }
    public var earlyBySeconds: Int64? { earlyBy.map(Self.roundedUpSeconds) }

    static func roundedUpSeconds(_ nanoseconds: Int64) -> Int64 { (nanoseconds + 999_999_999).floorDivided(by: 1_000_000_000) }
}

/// One occurrence of a dated duty: a reporting period, or the n-th of a recurring chain.
public struct DutyInstance: Sendable {
    /// `2025` (a year), `2025-H2` (a half), `2025-Q3`, `2025-07` (a month), or `#2` in a chain.
    public var label: String
    /// The service of the profile the duty binds.
    public var service: String
    /// Reporting periods only: the first and last day covered.
    public var periodStart: CivilDate?
    public var periodEnd: CivilDate?
}

/// Something the engine could not evaluate: shown beside the findings, never silently skipped.
public struct EvaluationProblem: Sendable {
    public var rule: String
    public var caseID: String
    public var event: Event
    public var message: String
    public var fix: String
}

/// Why a rule did or did not bind an event, for `oblige explain`.
public struct Consideration: Sendable {
    public enum Outcome: Sendable {
        case triggered
        case notInForce(String)
        case conditionFailed(String)
        case notApplicable(String)
    }
    public var rule: Rule
    public var event: Event
    public var outcome: Outcome
}

extension Finding {
    /// A stable name for this finding across runs and log re-exports: rule, case and what started
    /// the clock (`startID`), hashed. Versions of a rule share it; statuses and timestamps do not
    /// enter it, so one obligation keeps its fingerprint while it goes from pending to overdue.
    public var fingerprint: String { Finding.fingerprint(rule: rule.id, caseID: caseID, startID: startID) }

    public static func fingerprint(rule: String, caseID: String, startID: String) -> String {
        String(SHA256.hex("oblige-finding/1\u{0}\(rule)\u{0}\(caseID)\u{0}\(startID)").prefix(32))
    }
}
