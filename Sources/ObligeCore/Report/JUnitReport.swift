/// The audit as JUnit XML, the test-report format every CI system shows: one test suite per
/// regime, one test case per rule and case, failing while an unwaived breach stands.
///
/// A test case is the question "does this case comply with this rule?", so several triggers of
/// one rule in one case are one test case; a dated duty's case is its service, and each period
/// or occurrence is its own test case (`main 2025-H2`). The outcome, strongest first:
/// - `<error>`: the engine could not evaluate a trigger (an `EvaluationProblem`);
/// - `<failure>`: at least one breach no waiver covers, with every such breach's timeline;
/// - `<skipped>`: breaches, all waived, with who waived them and why;
/// - passing: met or pending.
/// Only regimes with at least one test case get a suite.
public enum JUnitReport {
    public static func render(_ r: AuditResult) -> String {
        let suites = testCases(r)
        var total = Counts()
        var body = ""
        for (regime, cases) in suites {
            let counts = Counts(cases)
            total.add(counts)
            body += "  <testsuite name=\(attr(regime))\(counts.attributes)>\n"
            body += "    <properties>\n"
            body += "      <property name=\"as_of\" value=\(attr(r.asOf.rfc3339))/>\n"
            body += "      <property name=\"platform\" value=\(attr(r.profile.name))/>\n"
            body += "    </properties>\n"
            for c in cases { body += c.xml }
            body += "  </testsuite>\n"
        }
        var out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        out += "<testsuites name=\(attr("oblige audit: \(r.profile.name)"))\(total.attributes)>\n"
        out += body
        out += "</testsuites>\n"
        return out
    }

    struct TestCase {
        enum Outcome {
            case pass
            case skipped(message: String)
            case failure(type: String, message: String, text: String)
            case error(message: String, text: String)
        }

        var rule: String
        var caseID: String
        var name: String
        var start: Instant
        var outcome: Outcome

        var xml: String {
            let open = "    <testcase classname=\(attr(rule)) name=\(attr(name))"
            switch outcome {
            case .pass:
                return open + "/>\n"
            case .skipped(let message):
                return open + ">\n      <skipped message=\(attr(message))/>\n    </testcase>\n"
            case .failure(let type, let message, let text):
                return open + ">\n      <failure type=\(attr(type)) message=\(attr(message))>\(escape(text))</failure>\n    </testcase>\n"
            case .error(let message, let text):
                return open + ">\n      <error type=\"not_evaluated\" message=\(attr(message))>\(escape(text))</error>\n    </testcase>\n"
            }
        }
    }

    struct Counts {
        var tests = 0, failures = 0, errors = 0, skipped = 0

        init() {}

        init(_ cases: [TestCase]) {
            tests = cases.count
            for c in cases {
                switch c.outcome {
                case .pass: break
                case .skipped: skipped += 1
                case .failure: failures += 1
                case .error: errors += 1
                }
            }
        }

        mutating func add(_ o: Counts) {
            tests += o.tests
            failures += o.failures
            errors += o.errors
            skipped += o.skipped
        }

        var attributes: String { " tests=\"\(tests)\" failures=\"\(failures)\" errors=\"\(errors)\" skipped=\"\(skipped)\"" }
    }

    /// Test cases by regime, regimes by name; in a suite by rule, then when their clocks started.
    static func testCases(_ r: AuditResult) -> [(String, [TestCase])] {
        struct Key: Hashable {
            var rule: String
            var caseID: String
            var instance: String?
        }
        var findings: [Key: [Finding]] = [:]
        var problems: [Key: [EvaluationProblem]] = [:]
        for f in r.findings { findings[Key(rule: f.rule.id, caseID: f.caseID, instance: f.instanceLabel), default: []].append(f) }
        for p in r.problems { problems[Key(rule: p.rule, caseID: p.caseID, instance: nil), default: []].append(p) }
        var regimeOf: [String: String] = [:]
        for rule in r.rules.rules where regimeOf[rule.id] == nil { regimeOf[rule.id] = rule.regime }

        var byRegime: [String: [TestCase]] = [:]
        for key in Set(findings.keys).union(problems.keys) {
            let fs = findings[key] ?? []
            let ps = problems[key] ?? []
            let regime = fs.first?.rule.regime ?? regimeOf[key.rule] ?? "unknown"
            let start = (fs.map(\.startedAt) + ps.map(\.event.at)).min() ?? r.asOf
            let name = key.instance.map { "\(key.caseID) \($0)" } ?? key.caseID
            byRegime[regime, default: []].append(TestCase(rule: key.rule, caseID: key.caseID, name: name, start: start, outcome: outcome(fs, ps, asOf: r.asOf)))
        }
        return byRegime.keys.sorted().map { regime in
            (regime, byRegime[regime, default: []].sorted { ($0.rule, $0.start, $0.name, $0.caseID) < ($1.rule, $1.start, $1.name, $1.caseID) })
        }
    }

    static func outcome(_ findings: [Finding], _ problems: [EvaluationProblem], asOf: Instant) -> TestCase.Outcome {
        let breaches = findings.filter(\.status.isBreach)
        let active = breaches.filter { $0.waiver == nil }
        let waived = breaches.filter { $0.waiver != nil }
        // Whatever else is wrong in the test case goes in the text too, so nothing is hidden
        // behind the outcome that names it.
        func breachText(_ fs: [Finding], heading: String) -> String {
            fs.isEmpty ? "" : "\n\(heading)\n\n" + fs.map { BreachText.details($0, asOf: asOf) }.joined(separator: "\n")
        }

        if !problems.isEmpty {
            let message = problems.map(\.message).joined(separator: "; ")
                + (breaches.isEmpty ? "" : " (and \(breaches.count) breach\(breaches.count == 1 ? "" : "es"))")
            var text = problems.map { "not evaluated: trigger \($0.event.type) \($0.event.id) at \($0.event.at.rfc3339) (\($0.event.origin))\n\($0.message)\nfix: \($0.fix)\n" }
                .joined(separator: "\n")
            text += breachText(active, heading: "Breaches:")
            text += breachText(waived, heading: "Waived breaches:")
            return .error(message: message, text: text)
        }
        if !active.isEmpty {
            let message = active.count == 1
                ? "\(BreachText.standing(active[0])) (\(active[0].rule.kind == .check ? "at \(active[0].clockStart.rfc3339)" : "deadline \(active[0].deadline?.rfc3339 ?? "suspended")"))"
                : "\(active.count) breaches: " + active.map(BreachText.standing).joined(separator: "; ")
            let text = active.map { BreachText.details($0, asOf: asOf) }.joined(separator: "\n") + breachText(waived, heading: "Waived breaches:")
            return .failure(type: active[0].status.rawValue, message: message, text: text)
        }
        if !waived.isEmpty {
            var seen = Set<String>()
            let waivers = waived.compactMap(\.waiver).filter { seen.insert($0.id).inserted }
            return .skipped(message: waivers.map(BreachText.waiver).joined(separator: "; "))
        }
        return .pass
    }

    /// A double-quoted attribute value.
    static func attr(_ s: String) -> String { "\"" + escape(s, attribute: true) + "\"" }

    /// Text safe inside XML 1.0 content or a double-quoted attribute. Characters XML 1.0 forbids
    /// even as references (control characters other than tab, newline and carriage return,
    /// U+FFFE, U+FFFF) become U+FFFD; in attributes, tab and newline are written as references
    /// so a parser's whitespace normalisation keeps them.
    static func escape(_ s: String, attribute: Bool = false) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count)
        for u in s.unicodeScalars {
            switch u {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"" where attribute: out += "&quot;"
            case "'" where attribute: out += "&apos;"
            case "\r": out += "&#13;"
            case "\n" where attribute: out += "&#10;"
            case "\t" where attribute: out += "&#9;"
            case "\n", "\t": out.unicodeScalars.append(u)
            case let c where c.value < 0x20 || c.value == 0xFFFE || c.value == 0xFFFF: out += "\u{FFFD}"
            default: out.unicodeScalars.append(u)
            }
        }
        return out
    }
}
