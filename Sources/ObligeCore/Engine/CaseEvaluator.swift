/// Evaluates every rule against the events of one case.
///
/// A case's events are put in time order first (ties broken by id), so the verdict never
/// depends on the order the log delivered them in.
struct CaseEvaluator: Sendable {
    let rules: RuleSet
    let profile: PlatformProfile
    private(set) var calculator: DeadlineCalculator
    let asOf: Instant
    /// By rule position: the rule binds the platform for any event on any day, because every
    /// service of the profile is of its kinds and flags and it asks for no designation and no
    /// exemption applies. `inapplicable` is then nil, and is not asked.
    let bindsAlways: [Bool]
    /// By rule position: the length of the deadline in seconds when it is elapsed time, set in
    /// law or by one of the profile's targets, or none (due when the trigger happens); a
    /// verdict's deadline is then the clock start plus it, as `DeadlineCalculator.compute` would
    /// give it, with nothing else computed.
    let elapsed: [Int64?]
    /// The rules' distinct zones, and by rule position the number of its zone among them: a
    /// trigger's local day is found once per zone (`day(of:rule:known:)`). Each over a table of
    /// this evaluator's own (`ZoneClock.privateCopy`): an audit's threads each have theirs.
    let zones: [ZoneClock]
    let zoneNumber: [Int]
    /// What the verdict pass over spill records reads of the rules, as plain values.
    let plan: RecordPlan

    init(rules: RuleSet, profile: PlatformProfile, calculator: DeadlineCalculator, asOf: Instant) {
        self.rules = rules
        self.profile = profile
        self.calculator = calculator
        self.asOf = asOf
        let small = profile.enterpriseSize == .micro || profile.enterpriseSize == .small
        bindsAlways = rules.rules.map { rule in
            let a = rule.appliesTo
            return a.designation == nil && !(a.exemptMicroSmall && small) && !profile.services.isEmpty
                && profile.services.allSatisfy { s in a.services.contains(where: s.kinds.contains) && a.flags.allSatisfy(s.flags.contains) }
        }
        elapsed = rules.rules.map { rule in
            switch rule.deadline {
            case .elapsed(let d): d.elapsedSeconds
            case .target(let name): calculator.targets[name]?.duration.elapsedSeconds
            // Due when the trigger happens: no time at all.
            case .atTrigger: 0
            default: nil
            }
        }
        var zones: [ZoneClock] = []
        zoneNumber = rules.rules.map { rule in
            if let known = zones.firstIndex(of: rule.zone) { return known }
            zones.append(rule.zone.privateCopy())
            return zones.count - 1
        }
        self.zones = zones
        // Counted without a finding: the rule binds always, and no event moves its clock.
        let countable = zip(rules.rules, bindsAlways).map { rule, always in always && !rule.clockMoves }
        plan = RecordPlan(rules: rules, countable: countable, zoneNumber: zoneNumber)
    }

    /// This evaluator with a calculator that writes out no working (`DeadlineCalculator.narrate`),
    /// for findings only counted: its tables (zones, plan) are this one's, not made again.
    func silenced() -> CaseEvaluator {
        var silent = self
        silent.calculator.narrate = false
        return silent
    }

    /// The deadline of the verdict of the rule at `index` for a clock started at `start`: the
    /// same instant `DeadlineCalculator.compute` gives, or the same problem. The trigger is read
    /// through `attribute` and named by `label`.
    @inline(__always)
    func verdictDeadline(
        _ index: Int, from start: Instant, attribute: (String) -> String?, trigger label: @autoclosure () -> String
    ) throws(DeadlineProblem) -> Instant {
        if let seconds = elapsed[index] { return start.adding(seconds: seconds) }
        let rule = rules.rules[index]
        // The zone over this evaluator's own table (`zones`), not the one all threads share.
        return try calculator.compute(rule.deadline, from: start, attribute: attribute, trigger: label(), zone: zones[zoneNumber[index]]).deadline
    }

    struct Result {
        var findings: [Finding] = []
        var problems: [EvaluationProblem] = []
        var considerations: [Consideration] = []
    }

    /// One rule triggered by one event: the finding it makes, whatever its verdict.
    struct Slot: Hashable {
        let rule: ObjectIdentifier
        let trigger: String

        init(rule: Rule, trigger: Event) { self.init(rule: rule, trigger: trigger.id) }

        init(rule: Rule, trigger id: String) {
            self.rule = ObjectIdentifier(rule)
            self.trigger = id
        }

        /// The slot of a case's finding (which always has a trigger).
        init(_ f: Finding) {
            rule = ObjectIdentifier(f.rule)
            trigger = f.trigger?.id ?? ""
        }
    }

    /// The case's findings, problems and (with `explain`) the reasons rules did not bind; with
    /// `only`, just the findings of those slots, the other rules and triggers left alone.
    ///
    /// Each finding is handed to `visit` as it is made (to be marked, counted or looked at in
    /// place) and kept in the result only when `visit` says so: most findings of a large audit
    /// are only counted, and are never copied into a list.
    ///
    /// With `verdicts`, a rule whose clock nothing moves makes no finding at all: its verdict
    /// goes to `verdicts` (the rule's position in the rule set, the trigger, the status), which is
    /// all a count needs. The verdict is the one the finding would carry (`verdict(_:trigger:events:later:)`).
    func evaluate(
        caseID: String, events unsorted: [Event], explain: Bool, only: Set<Slot>? = nil, visit: ((inout Finding) -> Bool)? = nil,
        verdicts: ((Int, Event, Finding.Status) -> Void)? = nil
    ) -> Result {
        func before(_ a: Event, _ b: Event) -> Bool { (a.at, a.id) < (b.at, b.id) }
        // Logs are mostly in time order already: then the case's list is used as it is.
        let inOrder = unsorted.indices.dropFirst().allSatisfy { !before(unsorted[$0], unsorted[$0 - 1]) }
        let events = inOrder ? unsorted : unsorted.sorted(by: before)
        var result = Result()
        var days = TriggerDays(zones: zones.count)
        for position in events.indices {
            guard let indices = rules.byTrigger[events[position].type] else { continue }
            let event = events[position]
            // Shared by the rules this event triggers: its local day in each rule's zone, and the
            // events after it (those at its instant count as after it, whatever their ids).
            days.forget()
            var first = position
            while first > 0, events[first - 1].at >= event.at { first -= 1 }
            let later = LaterEvents(events: events, from: first, trigger: event.id)
            for index in indices {
                let rule = rules.rules[index]
                if let only, !only.contains(Slot(rule: rule, trigger: event)) { continue }
                let triggerDay = day(of: event.at, rule: index, known: &days)
                guard rule.effective.contains(triggerDay) else {
                    if explain { result.considerations.append(.init(rule: rule, event: event, outcome: .notInForce("this version is in force \(rule.effective.text); the trigger fell on \(triggerDay) (\(rule.zone.identifier))"))) }
                    continue
                }
                if let trigger = rule.trigger, !trigger.conditionsHold(for: event) {
                    // Which condition failed, in words, only when it is written out.
                    if explain, let failed = trigger.failedCondition(event) {
                        result.considerations.append(.init(rule: rule, event: event, outcome: .conditionFailed(failed)))
                    }
                    continue
                }
                if !bindsAlways[index], let why = inapplicable(rule, event, on: triggerDay, explain: explain) {
                    if explain { result.considerations.append(.init(rule: rule, event: event, outcome: .notApplicable(why))) }
                    continue
                }
                if explain { result.considerations.append(.init(rule: rule, event: event, outcome: .triggered)) }
                if let verdicts, !rule.clockMoves {
                    do {
                        verdicts(index, event, try verdict(index, trigger: event, events: events, later: later))
                    } catch {
                        result.problems.append(EvaluationProblem(rule: rule.id, caseID: caseID, event: event, message: error.message, fix: error.fix))
                    }
                    continue
                }
                do {
                    var finding: Finding
                    if rule.kind == .check {
                        // The trigger is the breach: no clock, no deadline, nothing fulfils it.
                        finding = Finding(
                            rule: rule, caseID: caseID, trigger: event, status: .violated, clockStart: event.at, deadline: nil,
                            computation: nil, fulfilment: nil, clockNotes: [], caseEvents: [])
                    } else if rule.kind == .hold {
                        finding = try hold(rule, trigger: event, later: later)
                    } else if rule.earlierFulfilmentCounts,
                        let earlier = events.last(where: { e in e.at < event.at && rule.fulfilledBy.contains { $0.matches(e) } })
                    {
                        finding = try deadline(rule, trigger: event, later: LaterEvents(events: [], from: 0, trigger: event.id))
                        finding.fulfilment = earlier
                        finding.status = .met
                        finding.lateBy = nil
                    } else {
                        finding = try deadline(rule, trigger: event, later: later)
                    }
                    // The timeline, for findings whose working is written out.
                    if calculator.narrate { finding.caseEvents = events.filter { rule.eventTypes.contains($0.type) } }
                    if visit?(&finding) ?? true { result.findings.append(finding) }
                } catch {
                    result.problems.append(EvaluationProblem(rule: rule.id, caseID: caseID, event: event, message: error.message, fix: error.fix))
                }
            }
        }
        return result
    }

    /// The local day of a trigger's instant in the zone of the rule at `index`, found once per
    /// zone for all the rules a trigger meets (`known`, forgotten for each new trigger).
    @inline(__always)
    func day(of instant: Instant, rule index: Int, known: inout TriggerDays) -> CivilDate {
        CivilDate(daysSinceEpoch: day(of: instant, zone: zoneNumber[index], known: &known))
    }

    /// The local day (since 1970-01-01) of a trigger's instant in zone number `zone`, as above.
    @inline(__always)
    func day(of instant: Instant, zone: Int, known: inout TriggerDays) -> Int { known.day(of: instant, zone: zone, clocks: zones) }

    /// One trigger's local day in each of the rules' zones (`zones`), as far as found; and each
    /// zone's offset with the span of time it holds over, kept from trigger to trigger.
    struct TriggerDays {
        static let unknown = Int.min
        private var days: [Int]
        private var spans: [(from: Int64, until: Int64, offset: Int64)]

        init(zones: Int) {
            days = Array(repeating: Self.unknown, count: zones)
            spans = Array(repeating: (0, 0, 0), count: zones)
        }

        /// The local day (since 1970-01-01) of `instant` in zone number `zone`, whose clock is
        /// `clocks[zone]`: its `day(of:)`, found once per trigger. The zone's offset as last
        /// found serves while the instant is within its span: the clock (and its table, counted
        /// by reference) is not touched then. (The clocks come as a list, not as a clock made
        /// lazily: a closure for that would copy the evaluator that holds them, per trigger.)
        mutating func day(of instant: Instant, zone: Int, clocks: [ZoneClock]) -> Int {
            let found = days[zone]
            if found != Self.unknown { return found }
            let t = instant.seconds
            var span = spans[zone]
            if t < span.from || t >= span.until {
                guard let offset = clocks[zone].offsetSpan(at: instant) else {
                    let day = clocks[zone].day(of: instant)
                    days[zone] = day
                    return day
                }
                span = (offset.from, offset.until, Int64(offset.offset))
                spans[zone] = span
            }
            let day = Int((t + span.offset).floorDivided(by: 86_400))
            days[zone] = day
            return day
        }

        /// For a new trigger: in place, so that no array is made per trigger.
        mutating func forget() { for zone in days.indices { days[zone] = Self.unknown } }
    }

    /// Why the rule does not bind this platform for this event, or nil when it does. Without
    /// `explain` the reason is not written out (an empty text says "does not bind").
    ///
    /// Asked for every trigger of every rule: it walks the profile's services in place rather
    /// than filtering them into lists, which only the reasons need.
    func inapplicable(_ rule: Rule, _ event: Event, on day: CivilDate, explain: Bool = true) -> String? {
        func why(_ text: @autoclosure () -> String) -> String { explain ? text() : "" }
        let candidates = profile.serviceIndices(for: event)
        let kinds = rule.appliesTo.services
        let flags = rule.appliesTo.flags
        let all = profile.services
        var anyOfKind = false
        var anyBound = false
        var everyBoundDesignated = true
        var anyBoundDesignated = false
        var anyBoundOfKind = false
        for i in candidates {
            guard kinds.contains(where: all[i].kinds.contains) else { continue }
            anyOfKind = true
            guard flags.allSatisfy(all[i].flags.contains) else { continue }
            anyBound = true
            if all[i].designations.contains(where: { $0.inEffect(on: day) }) {
                anyBoundDesignated = true
            } else {
                everyBoundDesignated = false
            }
            if let kind = rule.appliesTo.designation, all[i].designations.contains(where: { $0.kind == kind && $0.inEffect(on: day) }) {
                anyBoundOfKind = true
            }
        }
        guard anyOfKind else {
            return why(
                "the rule binds \(kinds.map(\.rawValue).joined(separator: " or ")) services; \(candidates.map { "\(all[$0].id) is \(all[$0].kinds.map(\.rawValue).sorted().joined(separator: ", "))" }.joined(separator: "; "))")
        }
        guard anyBound else {
            return why("the rule binds only services flagged \(flags.joined(separator: ", ")) in the profile")
        }
        if rule.appliesTo.designation == Applicability.undesignated {
            if everyBoundDesignated {
                return why("the rule binds only services without a designation in effect; on \(day) every bound service had one")
            }
        } else if let kind = rule.appliesTo.designation, !anyBoundOfKind {
            return why("the rule binds only services whose \(kind.uppercased()) designation had taken effect; none had on \(day)")
        }
        if rule.appliesTo.exemptMicroSmall, profile.enterpriseSize == .micro || profile.enterpriseSize == .small, !anyBoundDesignated {
            return why("the platform is a \(profile.enterpriseSize.rawValue) enterprise and not designated: exempt")
        }
        return nil
    }

    /// A duty to act by a deadline, with restarts, suspensions and extensions.
    func deadline(_ rule: Rule, trigger: Event, later: LaterEvents) throws(DeadlineProblem) -> Finding {
        let fulfilment = later.first { e in rule.fulfilledBy.contains { $0.matches(e) } }
        var start = trigger.at
        var computation = try calculator.compute(rule.deadline, from: start, trigger: trigger, zone: rule.zone)
        var deadline = computation.deadline
        var suspendedAt: Instant?
        var notes: [Finding.ClockNote] = []
        let cutoff = fulfilment?.at
        for e in later where rule.clockMoves {
            if let cutoff, e.at > cutoff { break }
            if e.id == fulfilment?.id { break }
            if rule.suspendOn.contains(where: { $0.matches(e) }) {
                if suspendedAt != nil {
                    notes.append(.init(event: e, effect: "clock already suspended", applied: false))
                } else if e.at <= deadline {
                    suspendedAt = e.at
                    notes.append(.init(event: e, effect: "clock suspended until the grounds cease", applied: true))
                } else {
                    notes.append(.init(event: e, effect: "came after the deadline had passed: the breach already stands, the clock is not suspended", applied: false))
                }
            } else if rule.restartOn.contains(where: { $0.matches(e) }) {
                if suspendedAt != nil || e.at <= deadline {
                    start = e.at
                    computation = try calculator.compute(rule.deadline, from: start, trigger: trigger, zone: rule.zone)
                    if calculator.narrate { computation.steps.insert("The clock started again at \(e.type) \(e.id).", at: 0) }
                    deadline = computation.deadline
                    suspendedAt = nil
                    notes.append(.init(event: e, effect: "clock starts again: new deadline \(deadline.rfc3339)", applied: true))
                } else {
                    notes.append(.init(event: e, effect: "came after the deadline had passed: the breach already stands, the clock does not restart", applied: false))
                }
            } else if let ext = rule.extendOn.first(where: { $0.matcher.matches(e) }) {
                guard let value = e[attribute: ext.untilAttribute] else {
                    throw DeadlineProblem(message: "\(e.type) \(e.id) has no '\(ext.untilAttribute)'", fix: "add the extended date to the event")
                }
                let until: Instant
                if let i = try? Instant.parseRFC3339(value) {
                    until = i
                } else if let d = try? CivilDate.parse(value) {
                    until = rule.zone.endOfDay(d)
                } else {
                    throw DeadlineProblem(message: "\(ext.untilAttribute) = '\(value)' is not a date", fix: "write YYYY-MM-DD or an RFC 3339 date-time")
                }
                if e.at > deadline {
                    notes.append(.init(event: e, effect: "granted after the deadline had passed: the contravention had already occurred, not applied", applied: false))
                } else if until <= deadline {
                    notes.append(.init(event: e, effect: "sets \(until.rfc3339), not later than the running deadline: no change", applied: false))
                } else {
                    deadline = until
                    computation.deadline = until
                    computation.basis = .authority(attribute: ext.untilAttribute)
                    if calculator.narrate { computation.steps.append("Extended by \(e.type) \(e.id) to \(until.rfc3339) (\(rule.zone.format(until))).") }
                    notes.append(.init(event: e, effect: "deadline extended to \(until.rfc3339)", applied: true))
                }
            }
        }
        var finding = Finding(
            rule: rule, caseID: trigger.caseID, trigger: trigger, status: .pending, clockStart: start, deadline: deadline,
            computation: computation, fulfilment: fulfilment, clockNotes: notes, caseEvents: [])
        if fulfilment != nil, suspendedAt != nil {
            // Fulfilled while the clock stood still: on time, and no deadline was running.
            finding.status = .met
            finding.deadline = nil
        } else if let fulfilment {
            if fulfilment.at <= deadline {
                finding.status = .met
            } else {
                finding.status = .late
                finding.lateBy = fulfilment.at.nanoseconds(since: deadline)
            }
        } else if suspendedAt != nil {
            finding.status = .pending
            finding.deadline = nil
        } else if deadline < asOf {
            finding.status = .overdue
            finding.lateBy = asOf.nanoseconds(since: deadline)
        }
        return finding
    }

    /// The status of the finding `evaluate` would make for a rule whose clock nothing moves,
    /// without making it: the same deadline, the same fulfilment, the same comparisons as
    /// `deadline` and `hold` (and a check's `violated`), the same problem when the deadline cannot
    /// be computed. Events are looked at in place, never copied.
    func verdict(_ index: Int, trigger: Event, events: [Event], later: LaterEvents) throws(DeadlineProblem) -> Finding.Status {
        let rule = rules.rules[index]
        func fulfils(_ e: Event) -> Bool { rule.fulfilledBy.contains { $0.matches(e) } }
        return try status(
            rule.kind, earlierFulfilmentCounts: rule.earlierFulfilmentCounts,
            deadline: { () throws(DeadlineProblem) in
                try verdictDeadline(index, from: trigger.at, attribute: { trigger[attribute: $0] }, trigger: "\(trigger.type) \(trigger.id)")
            },
            fulfilledEarlier: { events.withUnsafeBufferPointer { $0.contains { $0.at < trigger.at && fulfils($0) } } },
            firstLater: { later.firstIndex(where: fulfils).map { events[$0].at } })
    }

    /// A verdict's comparisons, whatever the events are read from: `deadline` computes the
    /// deadline from the trigger, `fulfilledEarlier` says whether a fulfilment came before it,
    /// `firstLater` gives the instant of the first after it. Each is asked only when needed.
    @inline(__always)
    func status(
        _ kind: Rule.Kind, earlierFulfilmentCounts: Bool,
        deadline: () throws(DeadlineProblem) -> Instant, fulfilledEarlier: () -> Bool, firstLater: () -> Instant?
    ) throws(DeadlineProblem) -> Finding.Status {
        switch kind {
        case .check:
            return .violated
        case .hold:
            let deadline = try deadline()
            if let end = firstLater() { return end < deadline ? .violated : .met }
            return deadline <= asOf ? .met : .pending
        case .deadline:
            let deadline = try deadline()
            if earlierFulfilmentCounts, fulfilledEarlier() { return .met }
            if let f = firstLater() { return f <= deadline ? .met : .late }
            return deadline < asOf ? .overdue : .pending
        }
    }

    /// A duty to keep something for a period: ending it early is the breach.
    func hold(_ rule: Rule, trigger: Event, later: LaterEvents) throws(DeadlineProblem) -> Finding {
        let computation = try calculator.compute(rule.deadline, from: trigger.at, trigger: trigger, zone: rule.zone)
        let end = later.first { e in rule.fulfilledBy.contains { $0.matches(e) } }
        var finding = Finding(
            rule: rule, caseID: trigger.caseID, trigger: trigger, status: .pending, clockStart: trigger.at,
            deadline: computation.deadline, computation: computation, fulfilment: end, clockNotes: [], caseEvents: [])
        if let end {
            if end.at < computation.deadline {
                finding.status = .violated
                finding.earlyBy = computation.deadline.nanoseconds(since: end.at)
            } else {
                finding.status = .met
            }
        } else if computation.deadline <= asOf {
            finding.status = .met
        }
        return finding
    }
}

/// The events of a case (in time order) after a trigger: those at or after its instant, itself
/// left out. A view over the case's events, so that no list is made per trigger.
struct LaterEvents: Sequence {
    let events: [Event]
    /// The first event at or after the trigger's instant.
    let from: Int
    let trigger: String

    struct Iterator: IteratorProtocol {
        let view: LaterEvents
        var at: Int

        mutating func next() -> Event? {
            while at < view.events.count {
                defer { at += 1 }
                if view.events[at].id != view.trigger { return view.events[at] }
            }
            return nil
        }
    }

    func makeIterator() -> Iterator { Iterator(view: self, at: from) }

    /// The first later event `test` accepts. Looks at the events in place: only the one found
    /// is copied out.
    func first(where test: (Event) -> Bool) -> Event? { firstIndex(where: test).map { events[$0] } }

    /// Where in the case's events the first later event `test` accepts is.
    func firstIndex(where test: (Event) -> Bool) -> Int? {
        // Through a buffer: each event is looked at where it is, not copied out to be tested.
        events.withUnsafeBufferPointer { events in
            var i = from
            while i < events.count {
                if events[i].id != trigger, test(events[i]) { return i }
                i += 1
            }
            return nil
        }
    }
}
