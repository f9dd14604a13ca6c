import ArgumentParser
import Foundation
import ObligeCore

struct ExposureCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "exposure",
        abstract: "Fine exposure: the statutory maximum per regime, periodic penalties, a simulated range and what-ifs.",
        discussion: """
            Reads the findings of an audit (--log, or --findings from `oblige audit --format json`) and the \
            penalty provisions of the rule library (Rules/penalties/). Without --scenario it gives statutory \
            maxima only. --what-if-target and --what-if-shift add one variant, audited again beside the \
            baseline; a scenario file can hold several. Exit 0 when computed (breaches are the audit's \
            business); 2 when an input cannot be used; 64 on usage errors. See docs/exposure.md.
            """)

    enum Format: String, ExpressibleByArgument, CaseIterable { case text, json, csv }

    @OptionGroup var input: InputOptions

    @Option(name: .long, help: "Use the findings of an earlier audit (its --format json output) instead of --log.")
    var findings: String?

    @Option(name: .long, help: "A scenario file (YAML): enforcement assumptions, what-ifs. See docs/exposure.md.")
    var scenario: String?

    @Option(name: .long, help: "Currency of totals (ISO 4217), overriding the scenario's.")
    var currency: String?

    @Option(name: .long, help: "The day decisions are assumed taken (YYYY-MM-DD), overriding the scenario's; it picks the turnover year.")
    var decisionDate: String?

    @Option(name: .long, help: "Simulation seed, overriding the scenario's.")
    var seed: UInt64?

    @Option(name: .long, help: "What-if: a platform target changed, NAME=DURATION (e.g. notice_decision=PT48H); repeatable.")
    var whatIfTarget: [String] = []

    @Option(name: .long, help: "What-if: events moved in time, TYPE[,TYPE…]=DURATION (e.g. content.removed=-PT20M for sooner); repeatable.")
    var whatIfShift: [String] = []

    @Option(name: .long, help: "Output format: text, json or csv.")
    var format: Format = .text

    @Flag(name: .long, help: "List every finding and item of each decision (text).")
    var all = false

    func validate() throws {
        if findings == nil { try input.requireLog() }
        if findings != nil, !input.log.isEmpty { throw ValidationError("give --log or --findings, not both") }
        if findings != nil, !whatIfTarget.isEmpty || !whatIfShift.isEmpty {
            throw ValidationError("a what-if audits the log again: give --log instead of --findings")
        }
        if let currency, currency.range(of: "^[A-Z]{3}$", options: .regularExpression) == nil {
            throw ValidationError("--currency '\(currency)' is not an ISO 4217 code (EUR, GBP, USD, AUD …)")
        }
    }

    func run() throws {
        let rules = try input.library.load()
        let profile = try orExit { try PlatformProfile.load(path: input.platform) }
        var scenario = try scenario.map { path in try orExit { try Scenario.load(path: path, rules: rules) } } ?? Scenario.statutory
        if let currency { scenario.reportingCurrency = currency }
        if let seed { scenario.seed = seed }
        if let decisionDate {
            guard let d = try? CivilDate.parse(decisionDate) else { throw ValidationError("--decision-date '\(decisionDate)' is not a date (YYYY-MM-DD)") }
            scenario.decisionDate = d
        }
        if let variant = try commandLineWhatIf(rules) {
            if scenario.whatIf.contains(where: { $0.name == variant.name }) { throw ValidationError("the scenario already has a what-if named '\(variant.name)'") }
            scenario.whatIf.append(variant)
        }

        let result: ExposureResult
        if findings != nil, !scenario.whatIf.isEmpty {
            throw ValidationError("the scenario's what-ifs audit the log again: give --log instead of --findings, or a scenario without what_if")
        }
        if let findings {
            let (asOf, count, contraventions) = try orExit { try Contravention.load(json: findings) }
            let base = try orExit {
                try Exposure.assess(
                    name: "baseline", contraventions: contraventions, findings: count, profile: profile, penalties: rules.penalties,
                    scenario: scenario, asOf: input.asOf.map(parseAsOf) ?? asOf)
            }
            result = ExposureResult(platform: profile.name, scenario: scenario, sources: [findings], baseline: base, variants: [])
        } else {
            let asOf = try parseAsOf(input.asOf)
            func assess(_ name: String, _ w: WhatIf?) throws -> ExposureAssessment {
                let p = w.map { Exposure.profile(profile, applying: $0) } ?? profile
                let (audit, note) = try input.load(at: asOf, rules: rules, profile: p, shifts: w?.shifts ?? [])
                if w == nil, let note { printError("Rejected records: \(note)") }
                return try orExit {
                    try Exposure.assess(
                        name: name, whatIf: w, contraventions: audit.findings.map(Contravention.init), findings: audit.findings.count, profile: p,
                        penalties: rules.penalties, scenario: scenario, asOf: asOf)
                }
            }
            let base = try assess("baseline", nil)
            let variants = try scenario.whatIf.map { try assess($0.name, $0) }
            result = ExposureResult(platform: profile.name, scenario: scenario, sources: input.log, baseline: base, variants: variants)
        }
        let output: String
        switch format {
        case .text: output = ExposureReport.text(result, listAll: all, style: .init(color: useColor()))
        case .json: output = ExposureReport.json(result)
        case .csv: output = ExposureReport.csv(result)
        }
        FileHandle.standardOutput.write(Data(output.utf8))
    }

    /// The what-if given on the command line, if any, checked like a scenario's.
    func commandLineWhatIf(_ rules: RuleSet) throws -> WhatIf? {
        guard !whatIfTarget.isEmpty || !whatIfShift.isEmpty else { return nil }
        let known = Set(rules.targetsUsed.map(\.target))
        var targets: [String: ISODuration] = [:]
        for item in whatIfTarget {
            let parts = item.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2, known.contains(parts[0]) else {
                throw ValidationError("--what-if-target '\(item)': write NAME=DURATION with a target some rule uses: \(known.sorted().joined(separator: ", "))")
            }
            guard let d = try? ISODuration.parseElapsed(parts[1]) else { throw ValidationError("--what-if-target '\(item)': '\(parts[1])' is not an elapsed duration such as PT48H") }
            targets[parts[0]] = d
        }
        var shifts: [EventShift] = []
        for item in whatIfShift {
            let parts = item.split(separator: "=", maxSplits: 1).map(String.init)
            let types = parts.first.map { $0.split(separator: ",").map(String.init) } ?? []
            guard parts.count == 2, !types.isEmpty, types.allSatisfy(rules.vocabulary.knows) else {
                throw ValidationError("--what-if-shift '\(item)': write TYPE[,TYPE…]=DURATION with event types of the vocabulary (e.g. content.removed=-PT20M)")
            }
            guard let (ns, text) = try? EventShift.parse(parts[1]) else { throw ValidationError("--what-if-shift '\(item)': '\(parts[1])' is not a signed elapsed duration such as -PT20M") }
            shifts.append(EventShift(types: Set(types), by: ns, text: text))
        }
        let name = (targets.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" } + shifts.map { "\($0.types.sorted().joined(separator: "/")) \($0.text)" })
            .joined(separator: " ")
        return WhatIf(name: name, targets: targets, shifts: shifts)
    }
}
