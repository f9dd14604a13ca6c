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
    ///
    /// False, with `verdicts` left partial, when the case needs `evaluate` itself: a rule it
    /// triggers moves its clock (so makes a finding), binds only some services or days, or cannot
    /// compute a deadline (a problem to report with its event).
    func recordVerdicts(_ events: inout [RecordEvent], triggers: [[Int]], into verdicts: inout [RecordVerdict]) -> Bool {
        func before(_ a: RecordEvent, _ b: RecordEvent) -> Bool {
            a.at < b.at || (a.at == b.at && a.id.lexicographicallyPrecedes(b.id))
        }
        if !events.indices.dropFirst().allSatisfy({ !before(events[$0], events[$0 - 1]) }) { events.sort(by: before) }
        var days = TriggerDays(zones: zones.count)
        return events.withUnsafeBufferPointer { events in
            for position in events.indices {
                let event = events[position]
                let indices = triggers[Int(event.typeNumber)]
                guard !indices.isEmpty else { continue }
                days.forget()
                var first = position
                while first > 0, events[first - 1].at >= event.at { first -= 1 }
                for index in indices {
                    let rule = rules.rules[index]
                    guard rule.effective.contains(day(of: event.at, rule: index, known: &days)) else { continue }
                    if triggerTested[index], let trigger = rule.trigger, !event.conditionsHold(trigger) { continue }
                    guard countable[index] else { return false }
                    func fulfils(_ e: RecordEvent) -> Bool { rule.fulfilledBy.contains { e.matches($0) } }
                    do {
                        let status = try status(
                            rule,
                            deadline: { () throws(DeadlineProblem) in
                                // A problem sends the case to `evaluate`, which words it: no label.
                                try verdictDeadline(index, from: event.at, attribute: { event.string($0) }, trigger: "")
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
}
