/// Evaluates every rule against the events of one case.
///
/// A case's events are put in time order first (ties broken by id), so the verdict never
/// depends on the order the log delivered them in.
struct CaseEvaluator: Sendable {
    let rules: RuleSet
    let profile: PlatformProfile
    let calculator: DeadlineCalculator
    let asOf: Instant

    struct Result {
        var findings: [Finding] = []
        var problems: [EvaluationProblem] = []
        var considerations: [Consideration] = []
    }

    func evaluate(caseID: String, events unsorted: [Event], explain: Bool) -> Result {
        let events = unsorted.sorted { ($0.at, $0.id) < ($1.at, $1.id) }
        var result = Result()
        for event in events {
            guard let indices = rules.byTrigger[event.type] else { continue }
            // Shared by the rules this event triggers: its local day in each rule's zone, and the
            // events after it (those at its instant count as after it, whatever their ids).
            var days: [(zone: ZoneClock, day: CivilDate)] = []
            var laterEvents: [Event]?
            for index in indices {
                let rule = rules.rules[index]
                let triggerDay: CivilDate
                if let known = days.first(where: { $0.zone == rule.zone }) {
                    triggerDay = known.day
                } else {
                    triggerDay = rule.zone.date(of: event.at)
                    days.append((rule.zone, triggerDay))
                }
                guard rule.effective.contains(triggerDay) else {
                    if explain { result.considerations.append(.init(rule: rule, event: event, outcome: .notInForce("this version is in force \(rule.effective.text); the trigger fell on \(triggerDay) (\(rule.zone.identifier))"))) }
                    continue
                }
                if let failed = rule.trigger?.failedCondition(event) {
                    if explain { result.considerations.append(.init(rule: rule, event: event, outcome: .conditionFailed(failed))) }
                    continue
                }
                if let why = inapplicable(rule, event, on: triggerDay, explain: explain) {
                    if explain { result.considerations.append(.init(rule: rule, event: event, outcome: .notApplicable(why))) }
                    continue
                }
                if explain { result.considerations.append(.init(rule: rule, event: event, outcome: .triggered)) }
                let later = laterEvents ?? events.filter { $0.at >= event.at && $0.id != event.id }
                laterEvents = later
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
                        finding = try deadline(rule, trigger: event, later: [])
                        finding.fulfilment = earlier
                        finding.status = .met
                        finding.lateBy = nil
                    } else {
                        finding = try deadline(rule, trigger: event, later: later)
                    }
                    // The timeline, for findings whose working is written out.
                    if calculator.narrate { finding.caseEvents = events.filter { rule.eventTypes.contains($0.type) } }
                    result.findings.append(finding)
                } catch {
                    result.problems.append(EvaluationProblem(rule: rule.id, caseID: caseID, event: event, message: error.message, fix: error.fix))
                }
            }
        }
        return result
    }

    /// Why the rule does not bind this platform for this event, or nil when it does. Without
    /// `explain` the reason is not written out (an empty text says "does not bind").
    func inapplicable(_ rule: Rule, _ event: Event, on day: CivilDate, explain: Bool = true) -> String? {
        func why(_ text: @autoclosure () -> String) -> String { explain ? text() : "" }
        let services = profile.services(for: event)
        let kinds = rule.appliesTo.services
        let ofKind = services.filter { s in kinds.contains(where: s.kinds.contains) }
        guard !ofKind.isEmpty else {
            return why("the rule binds \(kinds.map(\.rawValue).joined(separator: " or ")) services; \(services.map { "\($0.id) is \($0.kinds.map(\.rawValue).sorted().joined(separator: ", "))" }.joined(separator: "; "))")
        }
        let bound = ofKind.filter { s in rule.appliesTo.flags.allSatisfy(s.flags.contains) }
        guard !bound.isEmpty else {
            return why("the rule binds only services flagged \(rule.appliesTo.flags.joined(separator: ", ")) in the profile")
        }
        let designated = bound.filter { s in s.designations.contains { $0.inEffect(on: day) } }
        if rule.appliesTo.designation == Applicability.undesignated {
            if bound.allSatisfy({ s in s.designations.contains { $0.inEffect(on: day) } }) {
                return why("the rule binds only services without a designation in effect; on \(day) every bound service had one")
            }
        } else if let kind = rule.appliesTo.designation, !bound.contains(where: { s in s.designations.contains { $0.kind == kind && $0.inEffect(on: day) } }) {
            return why("the rule binds only services whose \(kind.uppercased()) designation had taken effect; none had on \(day)")
        }
        if rule.appliesTo.exemptMicroSmall, profile.enterpriseSize == .micro || profile.enterpriseSize == .small, designated.isEmpty {
            return why("the platform is a \(profile.enterpriseSize.rawValue) enterprise and not designated: exempt")
        }
        return nil
    }

    /// A duty to act by a deadline, with restarts, suspensions and extensions.
    func deadline(_ rule: Rule, trigger: Event, later: [Event]) throws(DeadlineProblem) -> Finding {
        let fulfilment = later.first { e in rule.fulfilledBy.contains { $0.matches(e) } }
        var start = trigger.at
        var computation = try calculator.compute(rule.deadline, from: start, trigger: trigger, zone: rule.zone)
        var deadline = computation.deadline
        var suspendedAt: Instant?
        var notes: [Finding.ClockNote] = []
        let cutoff = fulfilment?.at
        for e in later {
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

    /// A duty to keep something for a period: ending it early is the breach.
    func hold(_ rule: Rule, trigger: Event, later: [Event]) throws(DeadlineProblem) -> Finding {
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
