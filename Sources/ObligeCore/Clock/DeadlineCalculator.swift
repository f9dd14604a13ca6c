/// A deadline and how it was reached, step by step, for `oblige explain` and the timelines.
public struct DeadlineComputation: Sendable {
    public var deadline: Instant
    /// What the deadline is measured against.
    public var basis: Basis
    /// Plain-language steps a lawyer can check against the article.
    public var steps: [String]

    public enum Basis: Sendable, Equatable {
        /// A period the law fixes.
        case law
        /// The platform's own target for a vague legal term; findings must say so.
        case platformTarget(name: String, duration: String)
        /// A date an authority set in its order, summons or extension.
        case authority(attribute: String)
    }
}

/// Why a deadline cannot be computed for one trigger: reported, never guessed.
public struct DeadlineProblem: Error, Sendable {
    public var message: String
    public var fix: String
}

/// Computes deadlines from clock starts, for one rule library and one platform profile.
public struct DeadlineCalculator: Sendable {
    public let calendars: [String: HolidayCalendar]
    public let targets: [String: PlatformProfile.Target]
    /// Write the steps. Off, computations carry the deadline and basis only: for verdicts nobody
    /// reads the working of (met obligations in a streamed audit), which are most of them.
    public var narrate: Bool

    public init(calendars: [String: HolidayCalendar], targets: [String: PlatformProfile.Target], narrate: Bool = true) {
        self.calendars = calendars
        self.targets = targets
        self.narrate = narrate
    }

    /// Appends a step when narrating; the text is not even made otherwise.
    private func say(_ steps: inout [String], _ text: @autoclosure () -> String) {
        if narrate { steps.append(text()) }
    }

    private func steps(_ texts: @autoclosure () -> [String]) -> [String] { narrate ? texts() : [] }

    public func compute(_ spec: DeadlineSpec, from start: Instant, trigger: Event, zone: ZoneClock) throws(DeadlineProblem) -> DeadlineComputation {
        try compute(spec, from: start, attribute: { trigger[attribute: $0] }, trigger: "\(trigger.type) \(trigger.id)", zone: zone)
    }

    /// `compute`, for a trigger seen through `attribute` (its single value of a name) and named
    /// by `label` (its type and id) in problems: an `Event`, or a spill record read in place.
    func compute(
        _ spec: DeadlineSpec, from start: Instant, attribute: (String) -> String?, trigger label: @autoclosure () -> String, zone: ZoneClock
    ) throws(DeadlineProblem) -> DeadlineComputation {
        switch spec {
        case .elapsed(let d):
            let deadline = start.adding(seconds: d.elapsedSeconds)
            return DeadlineComputation(
                deadline: deadline, basis: .law,
                steps: steps([
                    "\(d.text) is elapsed time: \(d.spelledOut) of real time from the clock start \(describe(start, zone)), whatever the local clock shows (daylight saving does not move it).",
                    "Deadline: \(describe(deadline, zone)).",
                ]))
        case .calendar(let p):
            return try calendar(p, from: start, zone: zone)
        case .atTrigger:
            return DeadlineComputation(
                deadline: start, basis: .law,
                steps: steps(["The duty is due at the latest when the trigger happens: deadline \(describe(start, zone))."]))
        case .attribute(let name, let zoneAttribute, let otherwise):
            guard let value = attribute(name) else {
                if let otherwise {
                    var c = try compute(otherwise, from: start, attribute: attribute, trigger: label(), zone: zone)
                    if narrate { c.steps.insert("The event sets no \(name); the rule falls back to \(otherwise.summary).", at: 0) }
                    return c
                }
                throw DeadlineProblem(
                    message: "\(label()) has no '\(name)', which this rule reads its deadline from",
                    fix: "add \"\(name)\" (a date or date-time) to the event")
            }
            if let instant = try? Instant.parseRFC3339(value) {
                return DeadlineComputation(
                    deadline: instant, basis: .authority(attribute: name),
                    steps: steps(["The event sets \(name) = \(value), a date-time: deadline \(describe(instant, zone))."]))
            }
            guard let date = try? CivilDate.parse(value) else {
                throw DeadlineProblem(message: "\(name) = '\(value)' is neither a date nor a date-time", fix: "write YYYY-MM-DD or an RFC 3339 date-time")
            }
            var dayZone = zone
            var zoneNote = "the rule's zone \(zone.identifier)"
            if let zoneAttribute, let zname = attribute(zoneAttribute) {
                guard let z = ZoneClock(identifier: zname) else {
                    throw DeadlineProblem(message: "\(zoneAttribute) = '\(zname)' is not an IANA time zone", fix: "e.g. Europe/Brussels")
                }
                dayZone = z
                zoneNote = "the event's \(zoneAttribute) \(z.identifier)"
            }
            let end = dayZone.endOfDay(date)
            return DeadlineComputation(
                deadline: end, basis: .authority(attribute: name),
                steps: steps([
                    "The event sets \(name) = \(value), a date without a time: the deadline is the end of that day in \(zoneNote).",
                    "Deadline: \(date.weekdayName) \(date) 24:00 = \(describe(end, dayZone)).",
                ]))
        case .target(let name):
            guard let target = targets[name] else {
                throw DeadlineProblem(message: "the platform profile sets no target '\(name)'", fix: "add `\(name): PT24H` under targets in the profile")
            }
            let deadline = start.adding(seconds: target.duration.elapsedSeconds)
            var steps = steps([
                "The law sets no figure here; measured against the platform's own target '\(name)' = \(target.duration.text) (\(target.duration.spelledOut)) from its profile.",
                "Deadline: \(describe(start, zone)) + \(target.duration.text) = \(describe(deadline, zone)).",
            ])
            if narrate, let rationale = target.rationale { steps.insert("Target rationale (profile): \(rationale)", at: 1) }
            return DeadlineComputation(deadline: deadline, basis: .platformTarget(name: name, duration: target.duration.text), steps: steps)
        }
    }

    /// Regulation 1182/71 Art 3 / BGB §§187, 188, 193 counting on the zone's calendar.
    func calendar(_ p: DeadlineSpec.CalendarPeriod, from start: Instant, zone: ZoneClock) throws(DeadlineProblem) -> DeadlineComputation {
        let eventDay = zone.date(of: start)
        var steps: [String] = []
        say(&steps, "Counted on the calendar of \(zone.identifier): the clock started \(describe(start, zone)), on \(eventDay.weekdayName) \(eventDay); that day is not counted (Reg. 1182/71 Art 3(1); BGB §187(1)).")
        var last: CivilDate
        switch p.unit {
        case .days:
            last = eventDay.adding(days: p.count)
            say(&steps, "\(p.count) day\(p.count == 1 ? "" : "s") from the next day: the last day is \(last.weekdayName) \(last) (Art 3(2)(b)).")
        case .weeks:
            last = eventDay.adding(days: 7 * p.count)
            say(&steps, "\(p.count) week\(p.count == 1 ? "" : "s"): the last day is the same weekday, \(last.weekdayName) \(last) (Art 3(2)(c); BGB §188(2)).")
        case .months, .years:
            let months = p.unit == .months ? p.count : 12 * p.count
            last = eventDay.adding(months: months)
            let clamped = last.day != eventDay.day
            say(&steps,
                "\(p.duration.spelledOut): the last day is the same date, \(last.weekdayName) \(last)"
                    + (clamped ? ", the last day of that month because \(eventDay.day) does not exist in it" : "")
                    + " (Art 3(2)(c); BGB §188(2)-(3)).")
        }
        if let id = p.rollOver, let cal = calendars[id] {
            var reasons: [String] = []
            do {
                while let why = try cal.nonWorkingReason(last) {
                    if narrate { reasons.append("\(last.weekdayName) \(last) is a \(why)") }
                    last = last.adding(days: 1)
                }
                if !reasons.isEmpty {
                    say(&steps, "\(reasons.joined(separator: "; ")) in \(id): the period ends on the next working day, \(last.weekdayName) \(last) (Art 3(4); BGB §193).")
                } else {
                    say(&steps, "\(last.weekdayName) \(last) is a working day in \(id): no roll-over.")
                }
                if let minimum = p.minWorkingDays {
                    var count = 0
                    var d = eventDay.adding(days: 1)
                    while d <= last {
                        if try cal.nonWorkingReason(d) == nil { count += 1 }
                        d = d.adding(days: 1)
                    }
                    if count < minimum {
                        while count < minimum {
                            last = last.adding(days: 1)
                            if try cal.nonWorkingReason(last) == nil { count += 1 }
                        }
                        say(&steps, "The period must include at least \(minimum) working days (Art 3(5)): extended to \(last.weekdayName) \(last).")
                    }
                }
            } catch {
                guard case .outsideCoverage(let year, let covers) = error else { throw DeadlineProblem(message: "\(error)", fix: "") }
                throw DeadlineProblem(
                    message: "holiday calendar \(id) covers \(covers.lowerBound)–\(covers.upperBound), but this period ends in \(year)",
                    fix: "extend Rules/calendars/\(id).yaml to \(year) and raise its covers.to")
            }
        }
        let end = zone.endOfDay(last)
        say(&steps, "The period ends with the expiry of the last hour of \(last.weekdayName) \(last) (Art 3(2)(b)): \(describe(end, zone)).")
        return DeadlineComputation(deadline: end, basis: .law, steps: steps)
    }

    /// `2025-03-30T09:00:00Z (2025-03-30T11:00:00+02:00 Europe/Berlin)`: the zone's name, not the
    /// system's abbreviation, so the text does not depend on the machine's locale data.
    func describe(_ instant: Instant, _ zone: ZoneClock) -> String {
        "\(instant.rfc3339) (\(zone.format(instant)) \(zone.identifier))"
    }
}
