/// Runs a rule's worked examples through the same engine as an audit and compares verdicts.
public enum ExampleRunner {
    public struct Outcome: Sendable {
        public var example: RuleExample
        /// Each difference between what the example expects and what the engine found, in words.
        public var failures: [String]
        /// What the engine found, one line per finding, for the report.
        public var found: [String]

        public var passed: Bool { failures.isEmpty }
    }

    /// Every example of the set, in file order.
    public static func runAll(_ rules: RuleSet) -> [Outcome] {
        var byRule: [String: RuleSet] = [:]
        return rules.examples.map { example in
            let only = byRule[example.rule] ?? rules.only(rule: example.rule)
            byRule[example.rule] = only
            return run(example, rules: only)
        }
    }

    /// One example against the versions of its rule in `rules`.
    public static func run(_ example: RuleExample, rules: RuleSet) -> Outcome {
        var outcome = Outcome(example: example, failures: [], found: [])
        for e in example.events {
            if let problem = rules.vocabulary.problem(with: e) {
                outcome.failures.append("event \(e.id) would be rejected: \(problem.message) (fix: \(problem.fix))")
            }
        }
        guard outcome.failures.isEmpty else { return outcome }
        let result: AuditResult
        do {
            result = try Auditor.evaluate(rules: rules, profile: example.profile, events: example.events, options: AuditOptions(asOf: example.asOf))
        } catch let e as ObligeErrors {
            outcome.failures = e.errors.map { "cannot evaluate: \($0.message)" }
            return outcome
        } catch {
            outcome.failures = ["cannot evaluate: \(error)"]
            return outcome
        }
        for p in result.problems {
            outcome.failures.append("not evaluated (event \(p.event.id)): \(p.message)")
        }
        let findings = result.findings.filter { $0.rule.id == example.rule }
        outcome.found = findings.map(describe)
        if findings.count != example.expect.count {
            outcome.failures.append(
                example.expect.isEmpty
                    ? "expected the rule not to bind, but it found \(findings.count == 1 ? "1 finding" : "\(findings.count) findings")"
                    : "expected \(example.expect.count) finding\(example.expect.count == 1 ? "" : "s"), found \(findings.count)")
            return outcome
        }
        for (i, (want, got)) in zip(example.expect, findings).enumerated() {
            let which = example.expect.count == 1 ? "" : "finding \(i + 1): "
            outcome.failures += compare(want, got).map { which + $0 }
        }
        return outcome
    }

    static func compare(_ want: RuleExample.Expectation, _ got: Finding) -> [String] {
        var out: [String] = []
        let zone = got.rule.zone
        func local(_ i: Instant?) -> String {
            i.map { "\(zone.format($0)) (\($0.rfc3339))" } ?? (got.rule.kind == .check ? "none (a check)" : "none (clock suspended)")
        }
        if want.status != got.status { out.append("status: expected \(want.status.rawValue), found \(got.status.rawValue)") }
        if want.suspended {
            if got.deadline != nil { out.append("deadline: expected the clock suspended, found \(local(got.deadline))") }
        } else if want.noDeadline {
            if got.deadline != nil || got.rule.kind != .check { out.append("deadline: expected none (a check), found \(got.deadline == nil ? "a suspended clock" : local(got.deadline))") }
        } else if want.deadline != got.deadline {
            out.append("deadline: expected \(local(want.deadline)), found \(local(got.deadline))")
        }
        if let late = want.lateBySeconds, late != got.lateBySeconds ?? 0 {
            out.append("late by: expected \(spellSeconds(late)), found \(got.lateBySeconds.map(spellSeconds) ?? "not late")")
        }
        if let early = want.earlyBySeconds, early != got.earlyBySeconds ?? 0 {
            out.append("ended early by: expected \(spellSeconds(early)), found \(got.earlyBySeconds.map(spellSeconds) ?? "not early")")
        }
        if let id = want.fulfilledBy, id != got.fulfilment?.id {
            out.append("fulfilled by: expected \(id), found \(got.fulfilment?.id ?? "nothing")")
        }
        if let from = want.versionFrom, from != got.rule.effective.from {
            out.append("version: expected the one in force from \(from), found the one \(got.rule.effective.text)")
        }
        if let c = want.caseID, c != got.caseID { out.append("case: expected \(c), found \(got.caseID)") }
        if let label = want.instance, label != got.instanceLabel {
            out.append("instance: expected \(label), found \(got.instanceLabel ?? "an event-triggered finding")")
        }
        return out
    }

    static func describe(_ f: Finding) -> String {
        var s = "\(f.status.rawValue), deadline \(f.deadline.map { f.rule.zone.format($0) } ?? (f.rule.kind == .check ? "none (a check)" : "suspended"))"
        if let l = f.lateBySeconds { s += ", late by \(spellSeconds(l))" }
        if let e = f.earlyBySeconds { s += ", ended \(spellSeconds(e)) early" }
        s += " (version \(f.rule.effective.text); case \(f.caseID)"
        if let label = f.instanceLabel { s += ", instance \(label)" }
        return s + ")"
    }
}
