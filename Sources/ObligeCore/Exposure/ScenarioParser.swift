import Foundation
import Yams

extension Scenario {
    /// Loads a scenario file, checked against the rule library it will be used with: regimes,
    /// event types and target names must exist, shares and probabilities lie between 0 and 1.
    /// Every problem is reported at once, with file, line and column.
    public static func load(path: String, rules: RuleSet) throws(ObligeErrors) -> Scenario {
        try YAMLReader.single(
            path: path, kind: .scenario, what: "scenario",
            missing: ObligeError(.usage, "scenario '\(path)' does not exist", fix: "pass --scenario FILE, e.g. Fixtures/demo/scenario.yaml")
        ) { doc, r in ScenarioParser(reader: r, rules: rules).parse(doc, path: path) }
    }
}

extension ObligeError.Kind {
    public static let scenario = ObligeError.Kind("scenario")
}

struct ScenarioParser {
    let reader: YAMLReader
    let rules: RuleSet

    func parse(_ doc: Node, path: String) -> Scenario? {
        let r = reader
        guard
            let m = r.mapping(
                doc, "scenario", allowed: ["scenario", "decision_date", "reporting_currency", "exchange_rates", "simulation", "regimes", "default", "what_if"],
                required: ["scenario"])
        else { return nil }
        var seed: UInt64 = 1
        var runs = Scenario.defaultRuns
        if let sn = m["simulation"], let s = r.mapping(sn, "simulation", allowed: ["seed", "runs"]) {
            if let v = s["seed"].flatMap({ r.int($0, "seed", range: 0...Int.max) }) { seed = UInt64(v) }
            if let v = s["runs"].flatMap({ r.int($0, "runs", range: 100...1_000_000) }) { runs = v }
        }
        let regimeNames = Set(rules.rules.map(\.regime))
        var regimes: [String: RegimeAssumptions] = [:]
        if let rn = m["regimes"], let entries = r.freeMapping(rn, "regimes") {
            for (name, keyNode, value) in entries {
                guard regimeNames.contains(name) else {
                    let hint = closest(name, in: regimeNames).map { "did you mean '\($0)'? " } ?? ""
                    r.error(keyNode, "unknown regime '\(name)'", fix: hint + "regimes of the loaded rules: \(regimeNames.sorted().joined(separator: ", "))")
                    continue
                }
                if let a = assumptions(value, "regimes.\(name)") { regimes[name] = a }
            }
        }
        let other = m["default"].flatMap { assumptions($0, "default") }
        var whatIf: [WhatIf] = []
        for node in r.list(m["what_if"], "what_if") ?? [] {
            if let w = variant(node) {
                if whatIf.contains(where: { $0.name == w.name }) { r.error(node, "a second what-if named '\(w.name)'") }
                whatIf.append(w)
            }
        }
        guard let name = r.string(m["scenario"], "scenario") else { return nil }
        return Scenario(
            name: name, decisionDate: m["decision_date"].flatMap { r.date($0, "decision_date") },
            reportingCurrency: m["reporting_currency"].flatMap { r.currencyCode($0) }, rates: m["exchange_rates"].map { r.exchangeRates($0) } ?? ExchangeRates(),
            seed: seed, runs: runs, regimes: regimes, otherRegimes: other, whatIf: whatIf, origin: path)
    }

    func fraction(_ node: Node?, _ what: String) -> Decimal? {
        guard let v = reader.decimal(node, what, positive: false) else { return nil }
        if v < 0 || v > 1 { reader.error(node, "\(what) \(v) is not between 0 and 1", fix: "write 35 % as \"0.35\"") }
        return v
    }

    func assumptions(_ node: Node, _ what: String) -> RegimeAssumptions? {
        let r = reader
        guard
            let m = r.mapping(
                node, what, allowed: ["probability", "probability_per_breach", "share_of_maximum", "gravity", "duration", "recurrence", "remediation", "periodic", "one_decision_per"],
                required: ["share_of_maximum"])
        else { return nil }
        let before = r.errors.count
        if (m["probability"] == nil) == (m["probability_per_breach"] == nil) {
            r.error(node, "\(what) needs exactly one of probability (that the regime enforces) and probability_per_breach (that each breach draws attention)")
        }
        let perBreach = m["probability_per_breach"] != nil
        let probability = perBreach ? fraction(m["probability_per_breach"], "probability_per_breach") : fraction(m["probability"], "probability")
        var share: ShareDistribution?
        if let s = m["share_of_maximum"] {
            if case .scalar = s {
                share = fraction(s, "share_of_maximum").map(ShareDistribution.fixed)
            } else if let t = r.mapping(s, "share_of_maximum", allowed: ["low", "mode", "high"], required: ["low", "mode", "high"]),
                let low = fraction(t["low"], "low"), let mode = fraction(t["mode"], "mode"), let high = fraction(t["high"], "high")
            {
                if !(low <= mode && mode <= high) { r.error(s, "share_of_maximum needs low ≤ mode ≤ high") }
                share = .triangular(low: low, mode: mode, high: high)
            }
        }
        func factor(_ key: String) -> Decimal { m[key].flatMap { r.decimal($0, key) } ?? 1 }
        var periodicFrom: CivilDate?
        var periodicUntil: CivilDate?
        if let pn = m["periodic"], let p = r.mapping(pn, "periodic", allowed: ["from", "until"]) {
            periodicFrom = p["from"].flatMap { r.date($0, "periodic.from") }
            periodicUntil = p["until"].flatMap { r.date($0, "periodic.until") }
            if let f = periodicFrom, let u = periodicUntil, u <= f { r.error(p["until"], "periodic.until is not after periodic.from", fix: "until is the first day no longer counted") }
        }
        let grouping = m["one_decision_per"].flatMap { r.oneOf($0, "one_decision_per", PenaltyProvision.Grouping.allCases.map(\.rawValue)) }
            .flatMap(PenaltyProvision.Grouping.init(rawValue:))
        guard r.errors.count == before, let probability, let share else { return nil }
        return RegimeAssumptions(
            probability: probability, perBreach: perBreach, share: share, gravity: factor("gravity"), duration: factor("duration"), recurrence: factor("recurrence"),
            remediation: m["remediation"].flatMap { r.date($0, "remediation") }, periodicFrom: periodicFrom, periodicUntil: periodicUntil,
            grouping: grouping, origin: r.location(node))
    }

    func variant(_ node: Node) -> WhatIf? {
        let r = reader
        guard let m = r.mapping(node, "what-if", allowed: ["name", "targets", "shift"], required: ["name"]), let name = r.string(m["name"], "name") else { return nil }
        if m["targets"] == nil, m["shift"] == nil { r.error(node, "what-if '\(name)' changes nothing", fix: "give `targets:` and/or `shift:`") }
        let before = r.errors.count
        var targets: [String: ISODuration] = [:]
        if let tn = m["targets"], let entries = r.freeMapping(tn, "targets") {
            let known = Set(rules.targetsUsed.map(\.target))
            for (target, keyNode, value) in entries {
                if !known.contains(target) {
                    let hint = closest(target, in: known).map { "did you mean '\($0)'? " } ?? ""
                    r.error(keyNode, "no loaded rule measures against a target '\(target)'", fix: hint + "targets: \(known.sorted().joined(separator: ", "))")
                    continue
                }
                guard let text = r.string(value, "target \(target)") else { continue }
                do { targets[target] = try ISODuration.parseElapsed(text) } catch { r.error(value, "target \(target): \(error.message)") }
            }
        }
        var shifts: [EventShift] = []
        for sn in r.list(m["shift"], "shift") ?? [] {
            guard let s = r.mapping(sn, "shift", allowed: ["events", "by"], required: ["events", "by"]), let types = r.strings(s["events"], "events"),
                let by = r.string(s["by"], "by")
            else { continue }
            for (i, t) in types.enumerated() where !rules.vocabulary.types.keys.contains(t) {
                r.error(r.list(s["events"], "events")?[i], "unknown event type '\(t)'", fix: closest(t, in: rules.vocabulary.types.keys).map { "did you mean '\($0)'?" })
            }
            do {
                let (ns, text) = try EventShift.parse(by)
                shifts.append(EventShift(types: Set(types), by: ns, text: text))
            } catch {
                r.error(s["by"], "shift by: \(error.message)", fix: "an elapsed duration, negative for sooner: -PT20M")
            }
        }
        guard r.errors.count == before else { return nil }
        return WhatIf(name: name, targets: targets, shifts: shifts, origin: r.location(node))
    }
}
