import Foundation

extension CaseEvaluator {
    /// One verdict of a case read from its records: the rule's position, the trigger's place in
    /// the case's events (in time order), and the status.
    struct RecordVerdict {
        var rule: Int
        var trigger: Int
        var status: Finding.Status
    }

    /// The verdicts `evaluate` gives `verdicts` for a case, from its spill records read in place
    /// (`RecordEvent`), with no `Event` made: the same triggers in the same order, the same tests,
    /// deadlines and comparisons (`status`). `events` is put in time order (ties by id), as
    /// `evaluate` orders a case's events; `triggers` gives the rules each type number triggers.
    /// `scratch` is kept from case to case (`recordScratch()`).
    ///
    /// The rules are read through `plan`, plain values: nothing is retained per trigger.
    ///
    /// False, with `verdicts` left partial, when the case needs `evaluate` itself: a rule it
    /// triggers moves its clock (so makes a finding), binds only some services or days, or cannot
    /// compute a deadline (a problem to report with its event).
    func recordVerdicts(
        _ events: inout [RecordEvent], triggers: TriggerTable, scratch: inout RecordScratch, into verdicts: inout [RecordVerdict]
    ) -> Bool {
        func before(_ a: RecordEvent, _ b: RecordEvent) -> Bool {
            a.at < b.at || (a.at == b.at && a.id.lexicographicallyPrecedes(b.id))
        }
        if !events.indices.dropFirst().allSatisfy({ !before(events[$0], events[$0 - 1]) }) { events.sort(by: before) }
        return events.withUnsafeBufferPointer { events in
            for position in events.indices {
                let event = events[position]
                let triggered = triggers.range(of: event.typeNumber)
                guard !triggered.isEmpty else { continue }
                scratch.days.forget()
                var first = position
                while first > 0, events[first - 1].at >= event.at { first -= 1 }
                for k in triggered {
                    let index = triggers.rules[k]
                    let rule = plan.rules[index]
                    let triggerDay = day(of: event.at, zone: rule.zone, known: &scratch.days)
                    guard rule.days.contains(triggerDay) else { continue }
                    if !plan.conditionsHold(rule.trigger, event) { continue }
                    guard rule.countable else { return false }
                    func fulfils(_ e: RecordEvent) -> Bool { plan.fulfils(rule, e) }
                    do {
                        let status = try status(
                            rule.kind, earlierFulfilmentCounts: rule.earlierFulfilmentCounts,
                            deadline: { () throws(DeadlineProblem) in
                                // A calendar deadline depends on the trigger's local day alone:
                                // the rule's last one is reused while its triggers fall on that day.
                                if rule.calendar, let known = scratch.calendarDeadlines[index], known.day == triggerDay { return known.deadline }
                                // A problem sends the case to `evaluate`, which words it: no label.
                                let deadline = try verdictDeadline(index, from: event.at, attribute: { event.string($0) }, trigger: "")
                                if rule.calendar { scratch.calendarDeadlines[index] = (triggerDay, deadline) }
                                return deadline
                            },
                            fulfilledEarlier: { events.contains { $0.at < event.at && fulfils($0) } },
                            firstLater: {
                                // Those at or after the trigger's instant, itself left out (ids are
                                // unique in an audit, as `LaterEvents` has it).
                                var i = first
                                while i < events.count {
                                    if i != position, fulfils(events[i]) { return events[i].at }
                                    i += 1
                                }
                                return nil
                            })
                        verdicts.append(RecordVerdict(rule: index, trigger: position, status: status))
                    } catch {
                        return false
                    }
                }
            }
            return true
        }
    }

    /// What `recordVerdicts` keeps from case to case: room for a trigger's local days, and by
    /// rule position the last calendar deadline computed and the local day it was computed for.
    struct RecordScratch {
        var days: TriggerDays
        var calendarDeadlines: [(day: Int, deadline: Instant)?]
    }

    func recordScratch() -> RecordScratch {
        RecordScratch(days: TriggerDays(zones: zones.count), calendarDeadlines: Array(repeating: nil, count: rules.rules.count))
    }

    /// The rules each type number triggers (their positions in the rule set), in one flat list:
    /// a list per type, read per record, would be retained and released each time.
    struct TriggerTable {
        private(set) var rules: [Int] = []
        /// Type number t's rules are `rules[starts[t]..<starts[t + 1]]`.
        private var starts: [Int] = [0]

        init() {}

        /// A list per type number, in order.
        init(_ lists: [[Int]]) { for list in lists { append(list) } }

        /// The rules of the next type number.
        mutating func append(_ list: [Int]) {
            rules += list
            starts.append(rules.count)
        }

        func range(of type: Int32) -> Range<Int> { starts[Int(type)]..<starts[Int(type) + 1] }
    }

    /// What `recordVerdicts` reads of the rules, copied once per evaluator into plain values:
    /// bounds as day numbers, texts as bytes in one array, lists as ranges of others.
    ///
    /// Read out of the rules themselves (class instances, arrays of matchers, texts), each rule,
    /// matcher and condition met was retained and released per trigger, on counts every thread
    /// shares: at two threads that was 8.8 % of a 1 M audit's profile, against 4.6 % at one
    /// (`docs/performance.md`).
    struct RecordPlan: Sendable {
        struct PlannedRule {
            var kind: Rule.Kind
            var earlierFulfilmentCounts: Bool
            /// Its verdict can be counted without a finding (`bindsAlways`, no clock moves).
            var countable: Bool
            /// The number of its zone (`CaseEvaluator.zones`).
            var zone: Int
            /// The local days (since 1970-01-01, in its zone) of the triggers this version takes:
            /// `effective`.
            var days: Range<Int>
            /// The trigger's conditions, in `conditions`.
            var trigger: Range<Int>
            /// Its fulfilments, in `matchers`.
            var fulfilments: Range<Int>
            /// Its deadline is counted on the calendar (`DeadlineSpec.calendar`): a function of the
            /// trigger's local day alone.
            var calendar: Bool
        }

        struct PlannedMatcher {
            /// The type's UTF-8, in `bytes`.
            var type: Range<Int>
            var conditions: Range<Int>
        }

        struct PlannedCondition {
            enum Test { case anyOf, noneOf, exists(Bool) }
            /// The attribute's name's UTF-8, in `bytes`.
            var attribute: Range<Int>
            var test: Test
            /// The values of `anyOf` or `noneOf`, in `values`.
            var values: Range<Int>
        }

        private(set) var rules: [PlannedRule] = []
        private var matchers: [PlannedMatcher] = []
        private var conditions: [PlannedCondition] = []
        /// Each value's UTF-8, in `bytes`.
        private var values: [Range<Int>] = []
        private var bytes: [UInt8] = []

        init(rules ruleSet: RuleSet, countable: [Bool], zoneNumber: [Int]) {
            for (index, rule) in ruleSet.rules.enumerated() {
                let trigger = add(rule.trigger?.conditions ?? [])
                let first = matchers.count
                for m in rule.fulfilledBy { matchers.append(PlannedMatcher(type: text(m.type), conditions: add(m.conditions))) }
                let e = rule.effective
                rules.append(
                    PlannedRule(
                        kind: rule.kind, earlierFulfilmentCounts: rule.earlierFulfilmentCounts, countable: countable[index],
                        zone: zoneNumber[index], days: e.from.daysSinceEpoch..<(e.until?.daysSinceEpoch ?? Int.max),
                        trigger: trigger, fulfilments: first..<matchers.count, calendar: rule.deadline.isCalendar))
            }
        }

        private mutating func text(_ s: String) -> Range<Int> {
            let start = bytes.count
            bytes += s.utf8
            return start..<bytes.count
        }

        private mutating func add(_ list: [Condition]) -> Range<Int> {
            let first = conditions.count
            for c in list {
                let attribute = text(c.attribute)
                let given = values.count
                let test: PlannedCondition.Test
                switch c.test {
                case .anyOf(let v):
                    test = .anyOf
                    for s in v { values.append(text(s)) }
                case .noneOf(let v):
                    test = .noneOf
                    for s in v { values.append(text(s)) }
                case .exists(let present):
                    test = .exists(present)
                }
                conditions.append(PlannedCondition(attribute: attribute, test: test, values: given..<values.count))
            }
            return first..<conditions.count
        }

        /// Whether `e` meets every condition in `range`, as `Condition.holds` has it: values are
        /// compared by their bytes (records read in place are ASCII).
        func conditionsHold(_ range: Range<Int>, _ e: RecordEvent) -> Bool {
            bytes.withUnsafeBufferPointer { bytes in
                /// Nil when `e` has no attribute `c.attribute`; else whether any of its values is
                /// one of `c`'s.
                func anyAmong(_ c: PlannedCondition) -> Bool? {
                    guard let found = e.find(UnsafeBufferPointer(rebasing: bytes[c.attribute])) else { return nil }
                    var r = found.values
                    for _ in 0..<ByteReader.valueCount(tag: found.tag) {
                        guard let value = try? r.utf8() else { return nil }
                        for v in c.values where FlatEvent.equal(UnsafeBufferPointer(rebasing: bytes[values[v]]), value) { return true }
                    }
                    return false
                }
                // By index: a slice of the list would be retained and released.
                for i in range {
                    let c = conditions[i]
                    let anyAmong = anyAmong(c)
                    let holds: Bool
                    switch c.test {
                    case .anyOf: holds = anyAmong ?? false
                    case .noneOf: holds = !(anyAmong ?? false)
                    case .exists(let present): holds = (anyAmong != nil) == present
                    }
                    if !holds { return false }
                }
                return true
            }
        }

        /// Whether `e` is one of `rule`'s fulfilments: of a matcher's type, meeting its conditions.
        func fulfils(_ rule: PlannedRule, _ e: RecordEvent) -> Bool {
            for i in rule.fulfilments {
                let m = matchers[i]
                let isType = bytes.withUnsafeBufferPointer { FlatEvent.equal(UnsafeBufferPointer(rebasing: $0[m.type]), e.type) }
                if isType, conditionsHold(m.conditions, e) { return true }
            }
            return false
        }
    }
}
