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
        /// A hold ended before its period ran out.
        case violated

        public var isBreach: Bool { self == .late || self == .overdue || self == .violated }
    }

    public var rule: Rule
    public var caseID: String
    public var trigger: Event
    public var status: Status
    /// When the clock that decides the deadline started: the trigger, or the last restart.
    public var clockStart: Instant
    /// Nil only while the clock is suspended.
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

    public struct ClockNote: Sendable {
        public var event: Event
        public var effect: String
        /// Whether the event changed the clock (false when it came too late to count).
        public var applied: Bool
    }

    /// Whole seconds, rounded up: any lateness at all is at least one second.
    public var lateBySeconds: Int64? { lateBy.map(Self.roundedUpSeconds) }
    public var earlyBySeconds: Int64? { earlyBy.map(Self.roundedUpSeconds) }

    static func roundedUpSeconds(_ nanoseconds: Int64) -> Int64 { (nanoseconds + 999_999_999).floorDivided(by: 1_000_000_000) }
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
