import Foundation

/// `oblige exposure` for people (text), programs (JSON) and spreadsheets (CSV). Every figure
/// names the provision and the findings it comes from, and shows its arithmetic.
public enum ExposureReport {
    static let rounding =
        "Amounts are exact decimals, rounded once per figure, half away from zero, to the currency's minor unit; conversions use the stated rates."

    // MARK: - Text

    public static func text(_ x: ExposureResult, listAll: Bool = false, style: TextReport.Style = TextReport.Style(color: false)) -> String {
        let b = x.baseline
        let s = b.statutory
        var out = style.paint("Oblige exposure · \(x.platform) · as of \(s.asOf.rfc3339)", "1") + "\n"
        out += "Findings from \(x.sources.joined(separator: ", ")): \(b.totalBreaches) breach\(b.totalBreaches == 1 ? "" : "es").\n"
        out += "Decisions assumed on \(s.decisionDate) (picks the turnover year) · reporting currency \(s.reportingCurrency)"
        out += x.scenario.origin.map { " · scenario \"\(x.scenario.name)\" (\($0))" } ?? " · no scenario: statutory maxima only"
        out += "\n"

        out += "\n" + style.paint("STATUTORY MAXIMUM BY REGIME", "1") + "\n"
        var rows = [["regime", "decisions", "breaches", "maximum", "in \(s.reportingCurrency)", "periodic (\(s.reportingCurrency))"]]
        for r in s.regimes {
            rows.append([
                r.regime, "\(r.decisions)", "\(r.contraventions)",
                r.notQuantified == r.decisions ? "not quantified" : r.maximum?.description ?? "mixed currencies", r.maximumInReporting.description,
                r.periodicInReporting.amount == 0 ? "–" : r.periodicInReporting.description,
            ])
        }
        rows.append(["total", "", "", "", s.total.description, s.totalPeriodic.amount == 0 ? "–" : s.totalPeriodic.description])
        out += table(rows, rightAligned: [1, 2, 3, 4, 5])
        let notQuantified = s.decisions.filter { $0.maximum == nil }
        if !notQuantified.isEmpty {
            out += "Not in the totals: \(notQuantified.count) decision(s) under provisions that set no figure ("
            out += Set(notQuantified.map(\.provision.id)).sorted().joined(separator: ", ") + ").\n"
        }

        out += "\n" + style.paint("DECISIONS", "1") + "\n"
        for d in s.decisions { out += decisionText(d, listAll: listAll) }

        if let sim = b.simulation {
            out += "\n" + style.paint("SIMULATED (\(sim.runs) runs, seed \(sim.seed), \(sim.currency))", "1") + "\n"
            var rows = [["regime", "P(enforce)", "share of maximum", "factors", "p5", "p50", "p95", "mean"]]
            for r in sim.regimes {
                let a = r.assumptions
                let pr = Money.percent(Money.round(r.probability, scale: 4)) + (a.perBreach ? " (\(a.probabilityText) × \(r.breaches))" : "")
                rows.append([
                    r.regime, pr, a.share.text, "×\(a.multiplier)", r.distribution.p5.description,
                    r.distribution.p50.description, r.distribution.p95.description, r.distribution.mean.description,
                ])
            }
            let t = sim.total
            rows.append(["total", "", "", "", t.p5.description, t.p50.description, t.p95.description, t.mean.description])
            out += table(rows, rightAligned: [1, 4, 5, 6, 7])
            out += "Percentiles by nearest rank over the runs; \(Money.percent(Money.round(t.anyPenalty * 100, scale: 2) / 100)) of runs end in some penalty. "
            out += "Factors are gravity × duration × recurrence; no decision exceeds its maximum.\n"
        }

        if !x.variants.isEmpty { out += "\n" + style.paint("WHAT-IF", "1") + "\n" + whatIfTable(x) }

        if !s.unpenalised.isEmpty || !s.notCounted.isEmpty {
            out += "\n" + style.paint("BREACHES WITHOUT A FIGURE", "1") + "\n"
            for (rule, n) in Dictionary(grouping: s.unpenalised, by: \.rule).mapValues(\.count).sorted(by: { $0.key < $1.key }) {
                out += "  \(n) × \(rule): the rule names no penalty provision\n"
            }
            for (reason, items) in Dictionary(grouping: s.notCounted, by: \.reason).sorted(by: { $0.key < $1.key }) {
                out += "  \(items.count) × \(Set(items.map(\.contravention.rule)).sorted().joined(separator: ", ")): \(reason)\n"
            }
        }
        if !s.ratesUsed.isEmpty { out += "\nRates: " + s.ratesUsed.joined(separator: "; ") + ".\n" }
        out += "\n" + rounding + "\n"
        return out
    }

    static func decisionText(_ d: StatutoryExposure.Decision, listAll: Bool) -> String {
        let p = d.provision
        var out = "\n\(p.id): \(p.title)\n"
        out += "  \(p.citation.text) [\(p.citation.confidence.rawValue)]\n  decided by: \(p.authority)\n"
        let scope: String
        switch d.grouping {
        case .regime: scope = "one decision for all \(d.contraventions.count) breach(es) under this provision"
        case .rule: scope = "one decision for \(d.contraventions.count) breach(es) of \(d.group)"
        case .case: scope = "one decision for \(d.contraventions.count) breach(es) in case \(d.group)"
        }
        out += "  \(scope)\n"
        for from in d.replaced.keys.sorted() {
            out += "  counted here instead of \(from): the service's designation was in effect (replaced_by in \(from); reasons in the JSON output)\n"
        }
        if let condition = p.condition { out += "  condition: \(oneLine(condition))\n" }
        for line in d.working { out += "  \(line)\n" }
        let items = listAll ? d.items : Array(d.items.prefix(5))
        for item in items { out += "    \(item.contravention.reference): \(item.working)\n" }
        if d.items.count > items.count { out += "    … \(d.items.count - items.count) more (--all lists them)\n" }
        if let a = d.periodic {
            out += "  periodic penalty payments (\(a.citation.text)), while breaches stay open:\n"
            for line in a.working { out += "    \(line)\n" }
        }
        if d.items.isEmpty {
            let shown = listAll ? d.contraventions : Array(d.contraventions.prefix(5))
            out += "  findings: " + shown.map { "\($0.reference) (\($0.status.rawValue))" }.joined(separator: "; ")
            if d.contraventions.count > shown.count { out += "; … \(d.contraventions.count - shown.count) more (--all lists them)" }
            out += "\n"
        }
        if let m = d.maximumInReporting, m.currency != d.maximum?.currency { out += "  in \(m.currency): \(m)\n" }
        return out
    }

    static func whatIfTable(_ x: ExposureResult) -> String {
        let all = [x.baseline] + x.variants
        var rows = [["", "breaches", "maximum (\(x.baseline.statutory.reportingCurrency))", "periodic", "p50", "mean"]]
        for a in all {
            rows.append([
                a.name, "\(a.totalBreaches)", a.statutory.total.description, a.statutory.totalPeriodic.description,
                a.simulation?.total.p50.description ?? "–", a.simulation?.total.mean.description ?? "–",
            ])
        }
        var out = table(rows, rightAligned: [1, 2, 3, 4, 5])
        for v in x.variants {
            out += "\n\(v.name): "
            var changes: [String] = []
            if let w = v.whatIf {
                changes += w.targets.sorted { $0.key < $1.key }.map { "target \($0.key) = \($0.value)" }
                changes += w.shifts.map { "\($0.types.sorted().joined(separator: ", ")) moved \($0.text)" }
            }
            out += changes.joined(separator: "; ") + "\n"
            let regimes = Set(x.baseline.breaches.keys).union(v.breaches.keys).sorted()
            for r in regimes {
                let before = x.baseline.breaches[r] ?? 0
                let after = v.breaches[r] ?? 0
                let maxBefore = x.baseline.statutory.regimes.first { $0.regime == r }?.maximumInReporting
                let maxAfter = v.statutory.regimes.first { $0.regime == r }?.maximumInReporting
                let meanBefore = x.baseline.simulation?.regimes.first { $0.regime == r }?.distribution.mean
                let meanAfter = v.simulation?.regimes.first { $0.regime == r }?.distribution.mean
                guard before != after || maxBefore?.amount != maxAfter?.amount || meanBefore?.amount != meanAfter?.amount else { continue }
                out += "  \(r): breaches \(before) → \(after)"
                if maxBefore?.amount == maxAfter?.amount {
                    out += ", maximum unchanged (\(maxAfter?.description ?? "none"))"
                } else {
                    out += ", maximum \(maxBefore?.description ?? "none") → \(maxAfter?.description ?? "none")"
                }
                if let meanBefore, let meanAfter { out += ", simulated mean \(meanBefore) → \(meanAfter)" }
                out += "\n"
            }
        }
        return out
    }

    static func oneLine(_ s: String) -> String {
        s.split(whereSeparator: \.isNewline).joined(separator: " ").trimmingCharacters(in: .whitespaces)
    }

    /// Columns padded to their widest cell; numbers right-aligned.
    static func table(_ rows: [[String]], rightAligned: Set<Int>) -> String {
        let widths = (0..<(rows.first?.count ?? 0)).map { i in rows.map { $0[i].count }.max() ?? 0 }
        var out = ""
        for row in rows {
            let cells = row.enumerated().map { i, c in
                let pad = String(repeating: " ", count: widths[i] - c.count)
                return rightAligned.contains(i) ? pad + c : c + pad
            }
            var line = "  " + cells.joined(separator: "  ")
            while line.hasSuffix(" ") { line.removeLast() }
            out += line + "\n"
        }
        return out
    }

    // MARK: - JSON

    public static func json(_ x: ExposureResult) -> String {
        let root: JSONValue = .object([
            ("oblige", .string("exposure")),
            ("format_version", .int(1)),
            ("platform", .string(x.platform)),
            ("sources", .array(x.sources.map(JSONValue.string))),
            ("scenario", scenario(x.scenario)),
            ("rounding", .string(rounding)),
            ("baseline", assessment(x.baseline)),
            ("what_if", .array(x.variants.map(assessment))),
        ])
        return root.pretty + "\n"
    }

    static func money(_ m: Money?) -> JSONValue {
        guard let m else { return .null }
        return .object([("amount", .string(m.plain)), ("currency", .string(m.currency))])
    }

    static func scenario(_ s: Scenario) -> JSONValue {
        .object([
            ("name", .string(s.name)), ("file", .optional(s.origin)), ("decision_date", .optional(s.decisionDate?.iso8601)),
            ("seed", .string(String(s.seed))), ("runs", .int(Int64(s.runs))),
            ("regimes", .object(s.regimes.sorted { $0.key < $1.key }.map { ($0.key, assumptions($0.value)) })),
            ("default", s.otherRegimes.map(assumptions) ?? .null),
        ])
    }

    static func assumptions(_ a: RegimeAssumptions) -> JSONValue {
        var share: [(String, JSONValue)]
        switch a.share {
        case .fixed(let v): share = [("fixed", .string(v.description))]
        case .triangular(let l, let m, let h): share = [("low", .string(l.description)), ("mode", .string(m.description)), ("high", .string(h.description))]
        }
        return .object([
            ("probability", .string(a.probability.description)), ("per_breach", .bool(a.perBreach)), ("share_of_maximum", .object(share)), ("gravity", .string(a.gravity.description)),
            ("duration", .string(a.duration.description)), ("recurrence", .string(a.recurrence.description)),
            ("remediation", .optional(a.remediation?.iso8601)), ("periodic_from", .optional(a.periodicFrom?.iso8601)),
            ("periodic_until", .optional(a.periodicUntil?.iso8601)), ("one_decision_per", .optional(a.grouping?.rawValue)),
        ])
    }

    static func assessment(_ a: ExposureAssessment) -> JSONValue {
        let s = a.statutory
        var pairs: [(String, JSONValue)] = [("name", .string(a.name))]
        if let w = a.whatIf {
            pairs.append(
                (
                    "changes",
                    .object([
                        ("targets", .object(w.targets.sorted { $0.key < $1.key }.map { ($0.key, .string($0.value.text)) })),
                        ("shifts", .array(w.shifts.map { .object([("events", .array($0.types.sorted().map(JSONValue.string))), ("by", .string($0.text))]) })),
                    ])
                ))
        }
        pairs += [
            ("as_of", .string(s.asOf.rfc3339)),
            ("decision_date", .string(s.decisionDate.iso8601)),
            ("reporting_currency", .string(s.reportingCurrency)),
            ("findings", .int(Int64(a.findings))),
            ("breaches", .object(a.breaches.sorted { $0.key < $1.key }.map { ($0.key, .int(Int64($0.value))) })),
            ("total_maximum", money(s.total)),
            ("total_periodic", money(s.totalPeriodic)),
            ("regimes", .array(s.regimes.map { r in
                .object([
                    ("regime", .string(r.regime)), ("decisions", .int(Int64(r.decisions))), ("breaches_counted", .int(Int64(r.contraventions))),
                    ("maximum", money(r.maximum)), ("maximum_reporting", money(r.maximumInReporting)), ("periodic", money(r.periodic)),
                    ("periodic_reporting", money(r.periodicInReporting)), ("not_quantified", .int(Int64(r.notQuantified))),
                ])
            })),
            ("decisions", .array(s.decisions.map(decision))),
            ("unpenalised", .array(s.unpenalised.map { .string($0.reference) })),
            ("not_counted", .array(s.notCounted.map { .object([("finding", .string($0.contravention.reference)), ("reason", .string($0.reason))]) })),
            ("rates", .array(s.ratesUsed.map(JSONValue.string))),
        ]
        if let sim = a.simulation {
            func dist(_ d: SimulationResult.Distribution) -> JSONValue {
                .object([("p5", money(d.p5)), ("p50", money(d.p50)), ("p95", money(d.p95)), ("mean", money(d.mean)), ("share_of_runs_with_penalty", .string(d.anyPenalty.description))])
            }
            pairs.append(
                (
                    "simulation",
                    .object([
                        ("seed", .string(String(sim.seed))), ("runs", .int(Int64(sim.runs))), ("currency", .string(sim.currency)),
                        ("percentiles", .string("nearest rank")),
                        ("regimes", .array(sim.regimes.map { .object([("regime", .string($0.regime)), ("probability", .string(Money.round($0.probability, scale: 6).description)), ("breaches", .int(Int64($0.breaches))), ("distribution", dist($0.distribution)), ("not_quantified", .int(Int64($0.notQuantified)))]) })),
                        ("total", dist(sim.total)),
                    ])
                ))
        }
        return .object(pairs)
    }

    static func decision(_ d: StatutoryExposure.Decision) -> JSONValue {
        let p = d.provision
        return .object([
            ("provision", .string(p.id)), ("version_from", .string(p.effective.from.iso8601)), ("title", .string(p.title)),
            ("regime", .string(p.regime)), ("authority", .string(p.authority)),
            ("citation", .object([("text", .string(p.citation.text)), ("url", .string(p.citation.url)), ("confidence", .string(p.citation.confidence.rawValue))])),
            ("condition", .optional(p.condition)),
            ("one_decision_per", .string(d.grouping.rawValue)), ("group", .string(d.group)),
            ("maximum", money(d.maximum)), ("maximum_reporting", money(d.maximumInReporting)),
            ("working", .array(d.working.map(JSONValue.string))),
            ("turnover", d.turnover.map { t in
                .object([
                    ("financial_year", .string(t.financialYear)), ("from", .string(t.from.iso8601)), ("to", .string(t.to.iso8601)),
                    ("stated", money(t.stated)), ("used", money(t.amount)), ("conversion", .optional(t.conversion)), ("pro_rata", .optional(t.proRata)),
                ])
            } ?? .null),
            ("periodic", d.periodic.map { a in
                .object([
                    ("citation", .string(a.citation.text)), ("per_day", money(a.perDay)), ("from", .string(a.from.iso8601)),
                    ("until_exclusive", .string(a.until.iso8601)), ("days", .int(Int64(a.days))), ("ends_by", .string(a.endsBy)),
                    ("amount", money(a.amount)), ("amount_reporting", money(d.periodicInReporting)), ("working", .array(a.working.map(JSONValue.string))),
                ])
            } ?? .null),
            ("replaced", .object(d.replaced.sorted { $0.key < $1.key }.map { ($0.key, .string(oneLine($0.value))) })),
            ("findings", .array(d.contraventions.map { c in
                let item = d.items.first { $0.contravention.reference == c.reference }
                return .object([
                    ("rule", .string(c.rule)), ("case", .string(c.caseID)), ("start", .string(c.startID)), ("status", .string(c.status.rawValue)),
                    ("day", .string(c.day.iso8601)), ("deadline", .optional(c.deadline?.rfc3339)),
                    ("amount", money(item?.amount)), ("working", .optional(item?.working)),
                ])
            })),
        ])
    }

    // MARK: - CSV

    /// One row per decision (each variant's too), then one per regime and a total per variant,
    /// with the simulated percentiles where a scenario ran. Amounts are plain decimals; `breaches`
    /// counts the breaches the row's decisions count (breaches without a figure are in the JSON).
    public static func csv(_ x: ExposureResult) -> String {
        let header = [
            "variant", "row", "regime", "provision", "citation", "authority", "group", "breaches", "maximum", "currency",
            "maximum_reporting", "reporting_currency", "turnover_year", "turnover_used", "periodic_days", "periodic", "periodic_reporting",
            "p5", "p50", "p95", "mean", "findings", "working",
        ]
        var out = header.joined(separator: ",") + "\r\n"
        func row(_ cells: [String]) { out += cells.map(csvCell).joined(separator: ",") + "\r\n" }
        for a in [x.baseline] + x.variants {
            let s = a.statutory
            let rc = s.reportingCurrency
            for d in s.decisions {
                row([
                    a.name, "decision", d.regime, d.provision.id, d.provision.citation.text, d.provision.authority, d.group, "\(d.contraventions.count)",
                    d.maximum?.plain ?? "", d.provision.currency, d.maximumInReporting?.plain ?? "", rc, d.turnover?.financialYear ?? "",
                    d.turnover?.amount.plain ?? "", d.periodic.map { "\($0.days)" } ?? "", d.periodic?.amount.plain ?? "", d.periodicInReporting?.plain ?? "",
                    "", "", "", "", d.contraventions.map(\.reference).joined(separator: "; "), (d.working + (d.periodic?.working ?? [])).joined(separator: " | "),
                ])
            }
            for r in s.regimes {
                let sim = a.simulation?.regimes.first { $0.regime == r.regime }?.distribution
                row([
                    a.name, "regime", r.regime, "", "", "", "", "\(r.contraventions)", r.maximum?.plain ?? "", r.maximum?.currency ?? "",
                    r.maximumInReporting.plain, rc, "", "", "", r.periodic?.plain ?? "", r.periodicInReporting.plain, sim?.p5.plain ?? "",
                    sim?.p50.plain ?? "", sim?.p95.plain ?? "", sim?.mean.plain ?? "", "", "",
                ])
            }
            let t = a.simulation?.total
            row([
                a.name, "total", "", "", "", "", "", "\(s.regimes.reduce(0) { $0 + $1.contraventions })", "", "", s.total.plain, rc, "", "", "", "", s.totalPeriodic.plain,
                t?.p5.plain ?? "", t?.p50.plain ?? "", t?.p95.plain ?? "", t?.mean.plain ?? "", "", "",
            ])
        }
        return out
    }

    static func csvCell(_ s: String) -> String {
        // Scalars, not Characters: "\r\n" is one Character, equal to neither "\r" nor "\n".
        guard s.unicodeScalars.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return s }
        return "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
