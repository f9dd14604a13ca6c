/// One legal obligation, as a rule file states it, checked and compiled.
///
/// A rule is immutable once loaded: the engine reads it, never changes it. It is a class so that
/// the many findings of one rule share it rather than copy it. Several versions of a
/// rule may share an `id` when their effective periods do not overlap (an amendment chain); the
/// version in force at the trigger instant decides.
public final class Rule: Sendable {
    public let id: String
    public let title: String
    public let regime: String
    public let citation: Citation
    public let notes: String
    /// The zone in which this rule's dates are read: effective dates, calendar periods, date-only
    /// attribute values, and the local times in its findings.
    public let zone: ZoneClock
    public let effective: EffectivePeriod
    public let appliesTo: Applicability
    public let kind: Kind
    /// The event that starts the clock; nil for a dated duty, which starts from its `schedule`.
    public let trigger: EventMatcher?
    /// Dated and recurring duties: when instances fall due, from the calendar and the profile.
    public let schedule: Schedule?
    /// Deadline rules: events that discharge the duty. Hold rules: events that end the hold.
    /// Checks: none.
    public let fulfilledBy: [EventMatcher]
    /// Deadline rules: a fulfilment earlier in the case than the trigger also counts (a statement
    /// of reasons given before the restriction it explains).
    public let earlierFulfilmentCounts: Bool
    /// Checks carry `.atTrigger` here, unread: their findings have no deadline.
    public let deadline: DeadlineSpec
    public let restartOn: [EventMatcher]
    public let suspendOn: [EventMatcher]
    public let extendOn: [ExtensionSpec]
    public let severity: Severity
    public let penalty: String?
    public let origin: SourceLocation
    /// The event types this rule reads, for indexing and for keeping only relevant events.
    public let eventTypes: Set<String>

    /// Whether any event can suspend, restart or extend this rule's clock.
    public var clockMoves: Bool { !(suspendOn.isEmpty && restartOn.isEmpty && extendOn.isEmpty) }

    public init(
        id: String, title: String, regime: String, citation: Citation, notes: String, zone: ZoneClock, effective: EffectivePeriod,
        appliesTo: Applicability, kind: Kind, trigger: EventMatcher?, schedule: Schedule?, fulfilledBy: [EventMatcher],
        earlierFulfilmentCounts: Bool, deadline: DeadlineSpec, restartOn: [EventMatcher], suspendOn: [EventMatcher],
        extendOn: [ExtensionSpec], severity: Severity, penalty: String?, origin: SourceLocation
    ) {
        self.id = id
        self.title = title
        self.regime = regime
        self.citation = citation
        self.notes = notes
        self.zone = zone
        self.effective = effective
        self.appliesTo = appliesTo
        self.kind = kind
        self.trigger = trigger
        self.schedule = schedule
        self.fulfilledBy = fulfilledBy
        self.earlierFulfilmentCounts = earlierFulfilmentCounts
        self.deadline = deadline
        self.restartOn = restartOn
        self.suspendOn = suspendOn
        self.extendOn = extendOn
        self.severity = severity
        self.penalty = penalty
        self.origin = origin
        var types = Set<String>()
        if let trigger { types.insert(trigger.type) }
        for m in fulfilledBy + restartOn + suspendOn + (schedule?.onlyIf ?? []) { types.insert(m.type) }
        for e in extendOn { types.insert(e.matcher.type) }
        eventTypes = types
    }

    public enum Kind: String, Sendable {
        /// Something must happen by a deadline.
        case deadline
        /// Something must last at least until a deadline; ending it earlier is the breach.
        case hold
        /// The trigger is itself the breach: a record that contradicts the duty (a statement of
        /// reasons without the facts Art 17(3) asks for). No clock runs and nothing fulfils it;
        /// the finding is `violated` at the trigger's instant.
        case check
    }

    /// How the deadline is set, in words: the deadline kind, or the dated duty's schedule; a check
    /// has none.
    public var deadlineSummary: String {
        kind == .check ? "none: the trigger is itself the breach (a check)" : schedule?.summary ?? deadline.summary
    }

    /// What starts the clock (for a check, what is the breach), in words.
    public var startSummary: String {
        if kind == .check { return "breach: \(trigger?.text ?? "")" }
        return trigger.map { "trigger: \($0.text)" } ?? "dated duty: \(schedule?.summary ?? "")"
    }

}

public struct Citation: Sendable {
    public var instrument: String
    public var article: String?
    public var section: String?
    public var paragraph: String?
    public var point: String?
    public var url: String
    public var confidence: Confidence
    /// What was checked and how, or what could not be; shown beside the citation.
    public var verification: String?

    public enum Confidence: String, Sendable {
        /// Read in the legal text or an official copy.
        case confirmed
        /// Seen only in a secondary source or draft; to be verified before relying on it.
        case check
        /// The rule encodes a reading of the law (e.g. a platform target for a vague term).
        case interpretation
    }

    /// `Art 3(3)`, `s. 9(2)`, `§ 3(2) no. 2`, as lawyers write provisions.
    public var provision: String {
        var s: String
        if let article { s = "Art \(article)" } else if let section { s = section.hasPrefix("§") ? section : "s. \(section)" } else { s = "" }
        if let paragraph { s += "(\(paragraph))" }
        if let point { s += " point \(point)" }
        return s
    }

    /// `Regulation (EU) 2021/784, Art 3(3)`.
    public var text: String { provision.isEmpty ? instrument : "\(instrument), \(provision)" }
}

/// `[from, until)`: `until` is the first day the version no longer applies (the amendment's
/// date of effect), so consecutive versions chain as `until` = next `from` with no gap and no overlap.
public struct EffectivePeriod: Sendable {
    public var from: CivilDate
    public var until: CivilDate?

    public func contains(_ date: CivilDate) -> Bool {
        date >= from && (until.map { date < $0 } ?? true)
    }

    public func overlaps(_ other: EffectivePeriod) -> Bool {
        let aEnd = until ?? CivilDate(year: 9999, month: 12, day: 31)
        let bEnd = other.until ?? CivilDate(year: 9999, month: 12, day: 31)
        return from < bEnd && other.from < aEnd
    }

    public var text: String { "from \(from)" + (until.map { " until \($0) (exclusive)" } ?? "") }
}

/// Which platforms, and which of their services, a rule binds.
public struct Applicability: Sendable {
    /// The service kinds the duty falls on; a service of any of them (or of a narrower kind) is bound.
    public var services: [ServiceKind]
    /// Only while a designation of this kind (vlop, vlose) has taken effect for the service;
    /// `none`: only while no designation has (duties a designation replaces, e.g. DSA Art 15
    /// annual reports, which VLOPs give every six months under Art 42).
    public var designation: String?

    public static let undesignated = "none"
    /// Exempt micro and small enterprises unless designated (DSA Art 15(2), 19(2), 29(2)).
    public var exemptMicroSmall: Bool
    /// Service flags that must all be set in the profile (`likely_accessed_by_children`).
    public var flags: [String] = []
}

/// When a dated duty falls due: fixed reporting periods, or a chain of due dates each counted
/// from the previous fulfilment ("at least once every six months").
public struct Schedule: Sendable {
    public enum Form: Sendable {
        /// Calendar-aligned reporting periods (years from 1 January, halves from 1 January and
        /// 1 July, quarters), each due `due` after the period's end.
        case periods(months: Int, due: CalendarAmount)
        /// A first due date (the latest of the anchors that apply), then, if `every` is set, the
        /// next due `every` after the previous instance was fulfilled.
        case chain(first: [Anchor], every: CalendarAmount?)
    }

    /// Where a chain's first due date comes from.
    public enum Anchor: Sendable {
        /// A date the law fixes; the duty is due at the end of that day in the rule's zone.
        case date(CivilDate)
        /// A date from the profile plus a period: the day the service's designation took effect
        /// (`designation`) or the service's launch (`launch`).
        case after(ProfileDate, CalendarAmount?)

        public enum ProfileDate: String, Sendable { case designation, launch }
    }

    public var form: Form
    /// Periods only: an instance exists only for periods in which such an event happened
    /// (TCO Art 7: a report for each year in which action was taken).
    public var onlyIf: [EventMatcher]

    public var summary: String {
        switch form {
        case .periods(let months, let due):
            let name = months == 12 ? "each calendar year" : months == 6 ? "each half-year (January–June, July–December)" : "each \(months)-month period"
            return "\(name), due \(due.text) after the period ends" + (onlyIf.isEmpty ? "" : " (only periods with \(onlyIf.map(\.text).joined(separator: " or ")))")
        case .chain(let first, let every):
            let anchors = first.map(\.text)
            var s = anchors.count == 1 ? "first due \(anchors[0])" : "first due on the latest of \(anchors.joined(separator: "; "))"
            if let every { s += ", then at most \(every.text) after the previous fulfilment" }
            return s
        }
    }
}

/// A whole number of days, weeks, months or years on the calendar.
public struct CalendarAmount: Sendable {
    public var unit: ISODuration.CalendarUnit
    public var count: Int
    public var text: String

    /// The date this many units after `date` (months clamp to the month's last day).
    public func after(_ date: CivilDate) -> CivilDate {
        switch unit {
        case .days: date.adding(days: count)
        case .weeks: date.adding(days: 7 * count)
        case .months: date.adding(months: count)
        case .years: date.adding(months: 12 * count)
        }
    }
}

extension Schedule.Anchor {
    public var text: String {
        switch self {
        case .date(let d): return "\(d) (end of that day; no roll-over)"
        case .after(let what, let amount):
            let base = what == .designation ? "the day the designation's duties apply" : "the service's launch"
            return amount.map { "\($0.text) after \(base)" } ?? base
        }
    }
}

/// An event type and conditions on its attributes.
public struct EventMatcher: Sendable {
    public var type: String
    public var conditions: [Condition]

    public func matches(_ e: Event) -> Bool {
        e.type == type && conditionsHold(for: e)
    }

    /// Whether an event (of the right type) meets every condition: `failedCondition` is nil.
    public func conditionsHold(for e: Event) -> Bool { conditions.allSatisfy { $0.holds(for: e) } }

    /// The first condition an event of the right type fails, in words, for `oblige explain`.
    public func failedCondition(_ e: Event) -> String? {
        conditions.first { !$0.holds(for: e) }.map { c in
            let actual = e.attributes[c.attribute].map { $0.values.joined(separator: "|") } ?? "absent"
            return "\(c.text) (the event has \(c.attribute) = \(actual))"
        }
    }

    public var text: String {
        conditions.isEmpty ? type : type + " where " + conditions.map(\.text).joined(separator: " and ")
    }
}

public struct Condition: Sendable {
    public enum Test: Sendable {
        case anyOf([String])
        case noneOf([String])
        case exists(Bool)
    }
    public var attribute: String
    public var test: Test

    public func holds(for e: Event) -> Bool { holds { among in e.attributes[attribute]?.contains(where: among.contains) } }

    /// The test, over an event seen through `anyAmong`: nil when the event has no `attribute`,
    /// else whether any of its values is one of those given. (An `Event`, or a spill record read
    /// in place.)
    @inline(__always)
    func holds(_ anyAmong: ([String]) -> Bool?) -> Bool {
        switch test {
        case .anyOf(let allowed): return anyAmong(allowed) ?? false
        case .noneOf(let banned): return !(anyAmong(banned) ?? false)
        case .exists(let present): return (anyAmong([]) != nil) == present
        }
    }

    public var text: String {
        switch test {
        case .anyOf(let v): v.count == 1 ? "\(attribute) = \(v[0])" : "\(attribute) in [\(v.joined(separator: ", "))]"
        case .noneOf(let v): v.count == 1 ? "\(attribute) ≠ \(v[0])" : "\(attribute) not in [\(v.joined(separator: ", "))]"
        case .exists(let p): p ? "\(attribute) given" : "\(attribute) absent"
        }
    }
}

/// An event that moves the deadline to a date it carries (an authority's extension).
public struct ExtensionSpec: Sendable {
    public var matcher: EventMatcher
    /// The attribute holding the new deadline.
    public var untilAttribute: String
}

/// How a deadline is computed from the instant its clock starts.
public indirect enum DeadlineSpec: Sendable {
    /// Real time: the clock start plus hours, minutes, seconds. Daylight saving never moves it.
    case elapsed(ISODuration)
    /// Days, weeks, months or years on the rule zone's calendar, the day of the event not counted,
    /// ending at the end of the last day (1182/71 Art 3, BGB §§187–188), optionally rolled over to
    /// the next working day of a holiday calendar (1182/71 Art 3(4), BGB §193).
    case calendar(CalendarPeriod)
    /// A date or date-time the trigger carries (an authority's `respond_by`); a date alone means
    /// the end of that day in the event's zone attribute or the rule's zone.
    case attribute(name: String, zoneAttribute: String?, otherwise: DeadlineSpec?)
    /// A vague legal term resolved to the platform's own target from its profile.
    case target(name: String)
    /// At the latest when the trigger happens (DSA Art 17(1): the statement of reasons is due "at
    /// the latest from the date that the restriction is imposed").
    case atTrigger

    /// Counted on the calendar: the deadline depends on the clock start's local day alone.
    var isCalendar: Bool { if case .calendar = self { true } else { false } }

    public struct CalendarPeriod: Sendable {
        public var unit: ISODuration.CalendarUnit
        public var count: Int
        public var duration: ISODuration
        public var rollOver: String?
        public var minWorkingDays: Int?

        public init(unit: ISODuration.CalendarUnit, count: Int, duration: ISODuration, rollOver: String? = nil, minWorkingDays: Int? = nil) {
            self.unit = unit
            self.count = count
            self.duration = duration
            self.rollOver = rollOver
            self.minWorkingDays = minWorkingDays
        }
    }

    public var summary: String {
        switch self {
        case .elapsed(let d): return "\(d.text) elapsed (\(d.spelledOut) of real time)"
        case .calendar(let p):
            var s = "\(p.duration.text) calendar (\(p.duration.spelledOut), day of the event not counted"
            if let r = p.rollOver { s += ", rolled to the next \(r) working day" }
            if let m = p.minWorkingDays { s += ", at least \(m) working days" }
            return s + ")"
        case .attribute(let name, _, let otherwise):
            return "the event's \(name)" + (otherwise.map { ", otherwise \($0.summary)" } ?? "")
        case .target(let name): return "platform target '\(name)'"
        case .atTrigger: return "at the latest when the trigger happens"
        }
    }
}

public enum Severity: String, Sendable, CaseIterable, Comparable {
    case critical, high, medium, low

    public var rank: Int {
        switch self {
        case .critical: 0
        case .high: 1
        case .medium: 2
        case .low: 3
        }
    }
    public static func < (l: Severity, r: Severity) -> Bool { l.rank < r.rank }
}

/// Kinds of service the laws distinguish. A narrower kind implies the broader ones it sits in
/// (an online platform is a hosting service is an intermediary service).
public enum ServiceKind: String, Sendable, CaseIterable {
    case intermediary, mere_conduit, caching, hosting, online_platform, marketplace, online_search_engine
    /// UK Online Safety Act.
    case user_to_user, search_service
    /// Australia Online Safety Act.
    case social_media_service, relevant_electronic_service, designated_internet_service
    /// 18 U.S.C. 2258A "provider" (electronic communication or remote computing service).
    case electronic_service_provider

    /// This kind and every broader kind it implies.
    public var implied: Set<ServiceKind> {
        switch self {
        case .mere_conduit, .caching, .hosting: return [self, .intermediary]
        case .online_platform: return [self, .hosting, .intermediary]
        case .marketplace: return [self, .online_platform, .hosting, .intermediary]
        case .online_search_engine: return [self, .intermediary]
        default: return [self]
        }
    }
}
