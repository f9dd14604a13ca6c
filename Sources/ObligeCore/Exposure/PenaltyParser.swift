import Foundation
import Yams

/// Turns one YAML document of `Rules/penalties/` into a `PenaltyProvision`, recording every
/// problem in the reader (docs/penalties.md is the reference for the keys).
struct PenaltyParser {
    let reader: YAMLReader

    static let keys = [
        "id", "title", "regime", "authority", "currency", "citation", "notes", "effective", "one_decision_per", "counts",
        "condition", "maximum", "periodic", "replaced_by",
    ]
    static let forms = ["amount", "share_of_turnover", "greater_of", "per_failure", "per_day", "not_quantified"]
    static let breachStatuses: [Finding.Status] = Finding.Status.allCases.filter(\.isBreach)

    func parse(_ doc: Node) -> PenaltyProvision? {
        let r = reader
        let before = r.errors.count
        guard
            let m = r.mapping(
                doc, "penalty provision", allowed: Self.keys,
                required: ["id", "title", "regime", "authority", "currency", "citation", "notes", "effective", "one_decision_per", "maximum"])
        else { return nil }
        let regime = r.string(m["regime"], "regime") ?? ""
        let id = r.dottedID(m["id"], regime: regime, example: "dsa.art74-1")
        let currency = reader.currencyCode(m["currency"])
        let grouping = m["one_decision_per"].flatMap { r.oneOf($0, "one_decision_per", PenaltyProvision.Grouping.allCases.map(\.rawValue)) }
            .flatMap(PenaltyProvision.Grouping.init(rawValue:))
        var counts = Set(Self.breachStatuses)
        if let list = r.list(m["counts"], "counts") {
            counts = []
            for node in list {
                if let s = r.oneOf(node, "counts", Self.breachStatuses.map(\.rawValue)), let status = Finding.Status(rawValue: s) { counts.insert(status) }
            }
            if list.isEmpty { r.error(m["counts"], "counts lists no status", fix: "list some of: late, overdue, violated; or leave it out") }
        }
        let maximum = currency.flatMap { c in m["maximum"].flatMap { self.maximum($0, currency: c) } }
        let periodic = m["periodic"].flatMap(self.periodic)
        let replacement = m["replaced_by"].flatMap(self.replacement)
        let citation = m["citation"].flatMap(r.citation)
        let effective = m["effective"].flatMap(r.effective)
        guard r.errors.count == before, let currency, let grouping, let maximum, let citation, let effective,
            let title = r.string(m["title"], "title"), let authority = r.string(m["authority"], "authority"),
            let notes = r.string(m["notes"], "notes")
        else { return nil }
        return PenaltyProvision(
            id: id, title: title, regime: regime, authority: authority, currency: currency, citation: citation, notes: notes,
            effective: effective, grouping: grouping, counts: counts, condition: m["condition"].flatMap { r.string($0, "condition") },
            maximum: maximum, periodic: periodic, replacedBy: replacement, origin: r.location(m["id"]))
    }

    func maximum(_ node: Node, currency: String) -> PenaltyProvision.Maximum? {
        let r = reader
        guard let m = r.mapping(node, "maximum", allowed: Self.forms) else { return nil }
        guard m.count == 1, let entry = m.first else {
            r.error(node, "maximum takes exactly one form, found \(m.count)", fix: "one of: \(Self.forms.joined(separator: ", "))")
            return nil
        }
        let value = entry.value
        switch entry.key {
        case "amount":
            return reader.decimal(value, "maximum.amount").map { .amount(Money($0, currency)) }
        case "share_of_turnover":
            guard let s = r.mapping(value, "share_of_turnover", allowed: ["share", "turnover", "pro_rata"], required: ["share", "turnover"]) else { return nil }
            let share = reader.decimal(s["share"], "share")
            if let share, share > 1 { r.error(s["share"], "share \(share) is more than the whole turnover", fix: "write 6 % as \"0.06\"") }
            guard let share, let basis = basis(s["turnover"]) else { return nil }
            return .shareOfTurnover(share: share, basis: basis, proRata: s["pro_rata"].flatMap { r.bool($0, "pro_rata") } ?? false)
        case "greater_of":
            guard let list = r.list(value, "greater_of") else { return nil }
            guard list.count == 2 else {
                r.error(value, "greater_of compares two maxima, found \(list.count)")
                return nil
            }
            guard let a = maximum(list[0], currency: currency), let b = maximum(list[1], currency: currency) else { return nil }
            for x in [a, b] {
                switch x {
                case .amount, .shareOfTurnover: continue
                default: r.error(value, "greater_of compares amounts and shares of turnover only")
                }
            }
            return .greaterOf(a, b)
        case "per_failure":
            guard let p = r.mapping(value, "per_failure", allowed: ["tiers"], required: ["tiers"]), let list = r.list(p["tiers"], "tiers") else { return nil }
            var tiers: [PenaltyProvision.Tier] = []
            for (i, node) in list.enumerated() {
                guard let t = r.mapping(node, "tier", allowed: ["users_at_least", "region", "first", "subsequent"], required: ["first", "subsequent"]) else { continue }
                let users = t["users_at_least"].flatMap { r.int($0, "users_at_least", range: 1...Int.max) }
                if (users == nil) != (i == list.count - 1) {
                    r.error(node, i == list.count - 1 ? "the last tier applies to everyone else: it takes no users_at_least" : "every tier but the last needs users_at_least")
                }
                if let users, let prev = tiers.last?.usersAtLeast, users >= prev {
                    r.error(t["users_at_least"], "tiers go from the largest threshold down", fix: "put the tier for \(users) users before the one for \(prev)")
                }
                if t["region"] != nil, users == nil { r.error(t["region"], "region only qualifies users_at_least") }
                guard let first = reader.decimal(t["first"], "first"), let later = reader.decimal(t["subsequent"], "subsequent") else { continue }
                tiers.append(
                    PenaltyProvision.Tier(
                        usersAtLeast: users, region: users == nil ? nil : (t["region"].flatMap { r.string($0, "region") } ?? "worldwide"),
                        first: Money(first, currency), subsequent: Money(later, currency)))
            }
            if list.isEmpty { r.error(value, "per_failure lists no tiers") }
            return tiers.count == list.count && !tiers.isEmpty ? .perFailure(tiers) : nil
        case "per_day":
            guard let p = r.mapping(value, "per_day", allowed: ["penalty_units", "multiplier", "unit_values"], required: ["penalty_units", "unit_values"]),
                let list = r.list(p["unit_values"], "unit_values")
            else { return nil }
            let units = p["penalty_units"].flatMap { reader.decimal($0, "penalty_units") }
            let multiplier = p["multiplier"].map { reader.decimal($0, "multiplier") } ?? 1
            var values: [(from: CivilDate, value: Money)] = []
            for node in list {
                guard let v = r.mapping(node, "unit value", allowed: ["from", "value"], required: ["from", "value"]),
                    let from = r.date(v["from"], "from"), let amount = reader.decimal(v["value"], "value")
                else { continue }
                if let last = values.last, from <= last.from { r.error(v["from"], "unit values go in date order", fix: "list the oldest value first") }
                values.append((from, Money(amount, currency)))
            }
            if list.isEmpty { r.error(value, "per_day lists no unit_values") }
            guard let units, let multiplier, values.count == list.count, !values.isEmpty else { return nil }
            return .perDay(PenaltyProvision.PenaltyUnits(units: units, multiplier: multiplier, values: values))
        default:  // not_quantified
            return r.string(value, "not_quantified").map { .notQuantified($0) }
        }
    }

    func basis(_ node: Node?) -> PenaltyProvision.TurnoverBasis? {
        let choices = [PenaltyProvision.TurnoverBasis.precedingFinancialYear, .mostRecentCompletePeriod].map(\.rawValue)
        return node.flatMap { reader.oneOf($0, "turnover", choices) }.flatMap(PenaltyProvision.TurnoverBasis.init(rawValue:))
    }

    func periodic(_ node: Node) -> PenaltyProvision.Periodic? {
        let r = reader
        guard
            let m = r.mapping(
                node, "periodic", allowed: ["citation", "share_of_average_daily_turnover", "turnover", "notes"],
                required: ["citation", "share_of_average_daily_turnover", "turnover"])
        else { return nil }
        let citation = m["citation"].flatMap(r.citation)
        let share = reader.decimal(m["share_of_average_daily_turnover"], "share_of_average_daily_turnover")
        if let share, share > 1 { r.error(m["share_of_average_daily_turnover"], "share \(share) is more than a whole day's turnover", fix: "write 5 % as \"0.05\"") }
        guard let citation, let share, let basis = basis(m["turnover"]) else { return nil }
        return PenaltyProvision.Periodic(citation: citation, shareOfAverageDailyTurnover: share, basis: basis, notes: m["notes"].flatMap { r.string($0, "notes") })
    }

    func replacement(_ node: Node) -> PenaltyProvision.Replacement? {
        let r = reader
        guard let m = r.mapping(node, "replaced_by", allowed: ["provision", "when_designated", "because"], required: ["provision", "when_designated", "because"]),
            let provision = r.string(m["provision"], "provision"), let kinds = r.list(m["when_designated"], "when_designated"),
            let because = r.string(m["because"], "because")
        else { return nil }
        let designations = kinds.compactMap { r.oneOf($0, "when_designated", ["vlop", "vlose"]) }
        guard designations.count == kinds.count, !designations.isEmpty else { return nil }
        return PenaltyProvision.Replacement(provision: provision, whenDesignated: Set(designations), because: because)
    }
}

extension PenaltyBook {
    /// Reads every provision under `dir` and checks them against each other and against the rules
    /// that name them: an unknown provision, a regime mismatch, overlapping versions, a
    /// replacement nobody defined. Problems go to `errors`.
    static func load(dir: String, rules: [Rule], errors: inout [ObligeError]) -> PenaltyBook {
        var provisions: [PenaltyProvision] = []
        for file in RuleLoader.yamlFiles(in: dir) {
            guard let text = RuleLoader.read(file, &errors) else { continue }
            let (r, docs) = YAMLReader.documents(file: file, text: text, kind: .rules)
            for doc in docs {
                if let p = PenaltyParser(reader: r).parse(doc) { provisions.append(p) }
            }
            errors += r.errors
        }
        let book = PenaltyBook(provisions)
        let byID = Dictionary(grouping: book.provisions, by: \.id)
        for (id, versions) in byID.sorted(by: { $0.key < $1.key }) {
            for i in 0..<versions.count {
                for j in (i + 1)..<versions.count where versions[i].effective.overlaps(versions[j].effective) {
                    errors.append(
                        ObligeError(
                            .rules, "penalty provision '\(id)': this version (\(versions[j].effective.text)) overlaps the one at \(versions[i].origin)",
                            at: versions[j].origin, fix: "make versions follow each other: `until` of one = `from` of the next"))
                }
            }
            let forms = Set(versions.map(\.maximum.form)).subtracting(["not_quantified"])
            for v in versions.dropFirst() where v.currency != versions[0].currency || forms.count > 1 {
                errors.append(
                    ObligeError(
                        .rules, "penalty provision '\(id)': this version's currency or form of maximum differs from the one at \(versions[0].origin)", at: v.origin,
                        fix: "versions of one provision keep its currency and form (amounts and shares may change); give a different form its own id"))
            }
            for v in versions {
                guard let target = v.replacedBy?.provision else { continue }
                if byID[target] == nil {
                    errors.append(ObligeError(.rules, "penalty provision '\(id)' is replaced by '\(target)', which no file defines", at: v.origin))
                } else if byID[target]?.first?.regime != v.regime {
                    errors.append(ObligeError(.rules, "penalty provision '\(id)' is replaced by '\(target)' of another regime", at: v.origin))
                }
            }
        }
        var reported = Set<String>()
        for rule in rules {
            guard let id = rule.penalty, reported.insert(rule.id + " " + id).inserted else { continue }
            guard let versions = byID[id] else {
                errors.append(
                    ObligeError(
                        .rules, "rule \(rule.id) names penalty '\(id)', which no file under penalties/ defines", at: rule.origin,
                        fix: "add Rules/penalties/\(id.replacingOccurrences(of: ".", with: "-")).yaml (docs/penalties.md), or correct the id"))
                continue
            }
            if versions[0].regime != rule.regime {
                errors.append(ObligeError(.rules, "rule \(rule.id) (regime \(rule.regime)) names penalty '\(id)' of regime \(versions[0].regime)", at: rule.origin))
            }
        }
        return book
    }
}
