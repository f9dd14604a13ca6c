/// Evaluates dated duties: obligations no incident triggers, due on dates the law and the
/// platform profile fix (a transparency report by the end of February, a risk assessment by
/// 16 March 2025, the next one at most a year after the last).
///
/// Each duty binds each service of the profile it applies to separately; its findings carry the
/// service as their case and the period or occurrence as their instance.
struct ScheduleEvaluator: Sendable {
    let rules: RuleSet
    let profile: PlatformProfile
    let calculator: DeadlineCalculator
    let asOf: Instant

    /// Instances whose clock has started by `asOf`, plus, for chains, the next one due.
    /// `through`, when given, also lists reporting periods due on or before it (the calendar's
    /// window), with their clocks not yet started. `events` are those known at `asOf`.
    func evaluate(events: [Event], through horizon: Instant? = nil) -> [Finding] {
        let sorted = events.sorted { ($0.at, $0.id) < ($1.at, $1.id) }
        var findings: [Finding] = []
        for service in profile.services {
            let mine = sorted.filter { e in e[attribute: "service"].map { $0 == service.id } ?? true }
            // Versions of one duty share their fulfilments: a report counts once, in the version
            // whose instance takes it first (rules come ordered by id, then effective date).
            var used: [String: Set<String>] = [:]
            for rule in rules.rules {
                guard let schedule = rule.schedule, binds(rule, service) else { continue }
                switch schedule.form {
                case .periods(let months, let due):
                    findings += periods(rule, schedule, service, months: months, due: due, events: mine, used: &used[rule.id, default: []], horizon: horizon)
                case .chain(let anchors, let every):
                    findings += chain(rule, service, anchors: anchors, every: every, events: mine, used: &used[rule.id, default: []])
                }
            }
        }
        return findings
    }

    /// Kinds, flags and size; designation is checked per instance, by date.
    func binds(_ rule: Rule, _ service: PlatformProfile.Service) -> Bool {
        guard !service.kinds.isDisjoint(with: rule.appliesTo.services) else { return false }
        guard rule.appliesTo.flags.allSatisfy(service.flags.contains) else { return false }
        if let kind = rule.appliesTo.designation, kind != Applicability.undesignated, designation(rule, service) == nil { return false }
        if rule.appliesTo.exemptMicroSmall, profile.enterpriseSize == .micro || profile.enterpriseSize == .small,
            service.designations.isEmpty
        {
            return false
        }
        return true
    }

    func designation(_ rule: Rule, _ service: PlatformProfile.Service) -> PlatformProfile.Designation? {
        guard let kind = rule.appliesTo.designation else { return nil }
        return service.designations.filter { $0.kind == kind }.min { $0.dutiesFrom < $1.dutiesFrom }
    }

    /// Whether the service's designation (when the rule needs one) is in effect on `day`.
    func designated(_ rule: Rule, _ service: PlatformProfile.Service, on day: CivilDate) -> Bool {
        guard let kind = rule.appliesTo.designation else { return true }
        if kind == Applicability.undesignated { return !service.designations.contains { $0.inEffect(on: day) } }
        return service.designations.contains { $0.kind == kind && $0.inEffect(on: day) }
    }

    // MARK: - Reporting periods

    func periods(
        _ rule: Rule, _ schedule: Schedule, _ service: PlatformProfile.Service, months: Int, due: CalendarAmount, events: [Event],
        used: inout Set<String>, horizon: Instant?
    ) -> [Finding] {
        let zone = rule.zone
        var findings: [Finding] = []
        // Periods are calendar-aligned; the first is the one in which the version took effect,
        // covering only its days from then (a first report for 17 February to 31 December 2024).
        var start = alignedStart(containing: rule.effective.from, months: months)
        let lastClockStart = max(asOf, horizon ?? asOf)
        while true {
            if let until = rule.effective.until, start >= until { break }
            let nextStart = start.adding(months: months)
            let end = nextStart.adding(days: -1)
            let clockStart = zone.startOfDay(nextStart)
            let dueDay = due.after(nextStart).adding(days: -1)
            let deadline = zone.endOfDay(dueDay)
            if clockStart > asOf, deadline > lastClockStart { break }
            defer { start = nextStart }
            guard designated(rule, service, on: end) else { continue }
            let inPeriod = { (e: Event) in
                let d = zone.date(of: e.at)
                return d >= max(start, rule.effective.from) && d <= end
            }
            if !schedule.onlyIf.isEmpty, !events.contains(where: { e in inPeriod(e) && schedule.onlyIf.contains { $0.matches(e) } }) {
                continue
            }
            let label = Self.label(start: start, months: months)
            let covered = max(start, rule.effective.from)
            let instance = DutyInstance(label: label, service: service.id, periodStart: covered, periodEnd: end)
            // A report naming its period (period_end) belongs to it; one that names none goes to the
            // earliest period it can cover: published after that period ended.
            let fulfilment = events.first { e in
                guard !used.contains(e.id), rule.fulfilledBy.contains(where: { $0.matches(e) }) else { return false }
                if let pe = e[attribute: "period_end"], let d = try? CivilDate.parse(pe) { return d == end }
                return e.at >= clockStart
            }
            if let fulfilment { used.insert(fulfilment.id) }
            let steps = [
                "Reporting period \(label): \(covered) to \(end) (\(zone.identifier))\(covered > start ? ", from the day this version of the duty took effect" : "").",
                "Due \(due.text) after the period ends: the period ends with \(end) at 24:00, so the report is due by \(dueDay.weekdayName) \(dueDay) 24:00 = \(calculator.describe(deadline, zone)).",
            ]
            findings.append(finding(rule, instance, clockStart: clockStart, deadline: deadline, steps: steps, fulfilment: fulfilment))
        }
        return findings
    }

    /// The first day of the aligned period (January-based) that contains `date`.
    func alignedStart(containing date: CivilDate, months: Int) -> CivilDate {
        let index = (date.month - 1) / months * months
        return CivilDate(year: date.year, month: index + 1, day: 1)
    }

    static func label(start: CivilDate, months: Int) -> String {
        switch months {
        case 12: "\(start.year)"
        case 6: "\(start.year)-H\(start.month <= 6 ? 1 : 2)"
        case 3: "\(start.year)-Q\((start.month - 1) / 3 + 1)"
        default: "\(start.year)-\(pad2(start.month))"
        }
    }

    // MARK: - Chains

    func chain(
        _ rule: Rule, _ service: PlatformProfile.Service, anchors: [Schedule.Anchor], every: CalendarAmount?, events: [Event],
        used: inout Set<String>
    ) -> [Finding] {
        let zone = rule.zone
        // The first due date: the latest of the anchors that apply to this service.
        var candidates: [(day: CivilDate, why: String)] = []
        for anchor in anchors {
            switch anchor {
            case .date(let d):
                candidates.append((d, "the law fixes \(d.weekdayName) \(d)"))
            case .after(let what, let amount):
                let base: CivilDate?
                let name: String
                switch what {
                case .designation:
                    base = designation(rule, service)?.dutiesFrom
                    name = "the designation's duties apply from"
                case .launch:
                    base = service.launched
                    name = "the service launched on"
                }
                guard let base else { continue }
                // A period from a day: that day not counted, ending at the end of the last day.
                let day = amount.map { $0.after(base) } ?? base
                let text = amount.map { "\($0.text) after \(name) \(base)" } ?? "\(name) \(base)"
                candidates.append((day, "\(text): \(day.weekdayName) \(day)"))
            }
        }
        guard let first = candidates.max(by: { $0.day < $1.day }) else { return [] }
        var findings: [Finding] = []
        var dueDay = first.day
        var clockStart = zone.startOfDay(rule.effective.from)
        var opensAfter: Instant?
        var why = candidates.count > 1
            ? "First due on the latest of: \(candidates.map(\.why).joined(separator: "; ")). That is \(first.day.weekdayName) \(first.day)."
            : "First due: \(first.why)."
        var n = 1
        while true {
            if !rule.effective.contains(dueDay) { break }
            let deadline = zone.endOfDay(dueDay)
            let instance = DutyInstance(label: "#\(n)", service: service.id, periodStart: nil, periodEnd: nil)
            let fulfilment = events.first { e in
                guard !used.contains(e.id), opensAfter.map({ e.at > $0 }) ?? true, rule.fulfilledBy.contains(where: { $0.matches(e) }) else {
                    return false
                }
                // A report naming a period this version does not govern is another version's.
                if let pe = e[attribute: "period_end"], let d = try? CivilDate.parse(pe), !rule.effective.contains(d) { return false }
                return true
            }
            if let fulfilment { used.insert(fulfilment.id) }
            let steps = [why, "Due by \(dueDay.weekdayName) \(dueDay) 24:00 = \(calculator.describe(deadline, zone)); a fixed date does not roll over."]
            if !designated(rule, service, on: dueDay) { break }
            findings.append(finding(rule, instance, clockStart: clockStart, deadline: deadline, steps: steps, fulfilment: fulfilment))
            guard let every else { break }
            // The next instance counts from the fulfilment; an unfulfilled one stays the last.
            guard let fulfilment else { break }
            let fulfilledDay = zone.date(of: fulfilment.at)
            let next = every.after(fulfilledDay)
            why = "\(every.text) after the previous fulfilment (\(fulfilment.type) \(fulfilment.id) on \(fulfilledDay)), that day not counted: \(next.weekdayName) \(next)."
            dueDay = next
            clockStart = fulfilment.at
            opensAfter = fulfilment.at
            n += 1
        }
        return findings
    }

    func finding(_ rule: Rule, _ instance: DutyInstance, clockStart: Instant, deadline: Instant, steps: [String], fulfilment: Event?) -> Finding {
        var f = Finding(
            rule: rule, caseID: instance.service, trigger: nil, instance: instance, status: .pending, clockStart: clockStart,
            deadline: deadline, computation: DeadlineComputation(deadline: deadline, basis: .law, steps: steps), fulfilment: fulfilment,
            clockNotes: [], caseEvents: fulfilment.map { [$0] } ?? [])
        if let fulfilment {
            if fulfilment.at <= deadline {
                f.status = .met
            } else {
                f.status = .late
                f.lateBy = fulfilment.at.nanoseconds(since: deadline)
            }
        } else if deadline < asOf {
            f.status = .overdue
            f.lateBy = asOf.nanoseconds(since: deadline)
        }
        return f
    }
}
