import Foundation

/// The most each regulator could impose for the breaches found, as the penalty provisions state
/// it: decision by decision, with the turnover figure, the conversion and the arithmetic behind
/// every amount (docs/exposure.md).
public struct StatutoryExposure: Sendable {
    public var asOf: Instant
    /// The day decisions are assumed taken: it picks the turnover year.
    public var decisionDate: CivilDate
    public var reportingCurrency: String
    public var decisions: [Decision]
    /// Breaches whose rule names no penalty provision.
    public var unpenalised: [Contravention]
    /// Breaches a provision does not count, and why.
    public var notCounted: [(contravention: Contravention, reason: String)]
    public var regimes: [RegimeTotal]
    /// Sum of quantified maxima, in the reporting currency (periodic penalties apart).
    public var total: Money
    public var totalPeriodic: Money
    /// Every rate used, stated once.
    public var ratesUsed: [String]

    /// One decision: the findings an authority would group into one infringement, and its maximum.
    public struct Decision: Sendable {
        /// The version that sets the maximum: in force on the decision's latest contravention.
        public var provision: PenaltyProvision
        /// What the decision groups: `all`, a rule id or a case id (`provision.grouping`).
        public var group: String
        public var grouping: PenaltyProvision.Grouping
        public var contraventions: [Contravention]
        /// Per failure or per day: each counted amount.
        public var items: [Item]
        /// Nil when the instrument sets no figure.
        public var maximum: Money?
        /// The arithmetic, line by line.
        public var working: [String]
        public var turnover: TurnoverUse?
        public var periodic: PeriodicAccrual?
        public var maximumInReporting: Money?
        public var periodicInReporting: Money?
        /// Provisions whose findings came here through `replaced_by`, with the reason.
        public var replaced: [String: String]

        public var regime: String { provision.regime }
    }

    public struct Item: Sendable {
        public var contravention: Contravention
        public var amount: Money
        public var working: String
    }

    /// The turnover a share was taken of.
    public struct TurnoverUse: Sendable {
        public var financialYear: String
        public var from: CivilDate
        public var to: CivilDate
        /// As the profile states it.
        public var stated: Money
        /// In the provision's currency.
        public var amount: Money
        public var conversion: String?
        /// The rate used, in words; nil when none was needed.
        public var rate: String?
        /// `× 12/9` when a period that is not a year was scaled; nil otherwise.
        public var proRata: String?
        /// The scale factor as numerator and denominator (12 and 9), 1/1 when not scaled.
        public var scale: (numerator: Int, denominator: Int)
        public var source: SourceLocation

        public var text: String {
            "\(amount) (financial year \(financialYear), \(from) to \(to)\(conversion.map { "; \($0)" } ?? ""))"
        }
    }

    public struct PeriodicAccrual: Sendable {
        public var citation: Citation
        public var perDay: Money
        public var from: CivilDate
        /// Exclusive.
        public var until: CivilDate
        public var days: Int
        /// Why it stops: `remediation on …` or `horizon`.
        public var endsBy: String
        public var amount: Money
        public var working: [String]
    }

    public struct RegimeTotal: Sendable {
        public var regime: String
        /// In the regime's currency when all its decisions share one; nil otherwise.
        public var maximum: Money?
        public var maximumInReporting: Money
        public var periodic: Money?
        public var periodicInReporting: Money
        public var decisions: Int
        public var contraventions: Int
        /// Decisions whose provision sets no figure.
        public var notQuantified: Int
    }
}

/// Computes statutory maxima from contraventions, the profile and the penalty provisions.
public struct ExposureCalculator: Sendable {
    public let profile: PlatformProfile
    public let penalties: PenaltyBook
    public let scenario: Scenario
    public let asOf: Instant
    public let decisionDate: CivilDate
    /// The scenario's, else the currency of the profile's latest turnover; nil: the decisions'
    /// own currency when they share one, else EUR.
    public let preferredCurrency: String?
    public let rates: ExchangeRates

    public init(profile: PlatformProfile, penalties: PenaltyBook, scenario: Scenario, asOf: Instant) {
        self.profile = profile
        self.penalties = penalties
        self.scenario = scenario
        self.asOf = asOf
        self.decisionDate = scenario.decisionDate ?? ZoneClock.utc.date(of: asOf)
        self.preferredCurrency = scenario.reportingCurrency ?? profile.turnover.max { $0.to < $1.to }?.amount.currency
        self.rates = profile.exchangeRates.merged(with: scenario.rates)
    }

    struct Key: Hashable, Comparable {
        var provision: String
        var group: String
        static func < (a: Key, b: Key) -> Bool { (a.provision, a.group) < (b.provision, b.group) }
    }

    /// Groups the breaches into decisions and computes each maximum. Throws when a figure the
    /// law needs is missing (a turnover year, an exchange rate, a user count): never a guess.
    public func statutory(_ contraventions: [Contravention]) throws(ObligeErrors) -> StatutoryExposure {
        var errors: [ObligeError] = []
        var unpenalised: [Contravention] = []
        var notCounted: [(Contravention, String)] = []
        var groups: [Key: [Contravention]] = [:]
        var replaced: [Key: [String: String]] = [:]
        for c in contraventions where c.status.isBreach {
            guard let id = c.penalty else {
                unpenalised.append(c)
                continue
            }
            guard var p = penalties.provision(id, on: c.day) else {
                notCounted.append((c, "no version of \(id) is in force on \(c.day)"))
                continue
            }
            var from: (String, String)?
            if let rep = p.replacedBy, designated(c, rep.whenDesignated) {
                guard let q = penalties.provision(rep.provision, on: c.day) else {
                    notCounted.append((c, "\(id) is replaced by \(rep.provision), which has no version in force on \(c.day)"))
                    continue
                }
                from = (p.id, rep.because)
                p = q
            }
            guard p.counts.contains(c.status) else {
                notCounted.append((c, "\(p.id) counts \(p.counts.map(\.rawValue).sorted().joined(separator: ", ")), not \(c.status.rawValue)"))
                continue
            }
            let grouping = scenario.assumptions(for: p.regime)?.grouping ?? p.grouping
            let group: String
            switch grouping {
            case .regime: group = "all"
            case .rule: group = c.rule
            case .case: group = c.caseID
            }
            let key = Key(provision: p.id, group: group)
            groups[key, default: []].append(c)
            if let from { replaced[key, default: [:]][from.0] = from.1 }
        }

        if let last = groups.values.joined().map(\.day).max(), decisionDate < last {
            throw ObligeErrors([
                ObligeError(
                    .scenario, "the decision date \(decisionDate) is before the latest contravention counted (\(last)): a decision cannot precede what it decides",
                    at: scenario.origin.map { SourceLocation(file: $0) }, fix: "set decision_date (or --decision-date) on or after \(last), or audit as of an earlier instant")
            ])
        }

        // Failures are numbered per provision across its decisions: the first failure is the first
        // the platform committed, whichever decision it falls in.
        var failureIndex: [String: [String: Int]] = [:]
        for (provision, keys) in Dictionary(grouping: groups.keys, by: \.provision) {
            let all = keys.flatMap { groups[$0] ?? [] }.sorted { ($0.at, $0.reference) < ($1.at, $1.reference) }
            failureIndex[provision] = Dictionary(all.enumerated().map { ($1.reference, $0) }, uniquingKeysWith: { a, _ in a })
        }

        var decisions: [StatutoryExposure.Decision] = []
        for key in groups.keys.sorted() {
            let members = (groups[key] ?? []).sorted { ($0.at, $0.reference) < ($1.at, $1.reference) }
            guard let latest = members.last, let provision = penalties.provision(key.provision, on: latest.day) else { continue }
            do {
                decisions.append(
                    try decision(
                        provision, group: key.group, members: members, failureIndex: failureIndex[key.provision] ?? [:],
                        replaced: replaced[key] ?? [:]))
            } catch {
                errors += error.errors
            }
        }
        if !errors.isEmpty { throw ObligeErrors(errors) }

        let currencies = Set(decisions.compactMap { $0.maximum?.currency })
        let reportingCurrency = preferredCurrency ?? (currencies.count == 1 ? currencies.first ?? "EUR" : "EUR")
        var ratesUsed: [String] = []
        func inReporting(_ m: Money?) throws(ObligeErrors) -> Money? {
            guard let m else { return nil }
            let c = try convert(m, to: reportingCurrency, what: "the reporting currency")
            if let rate = c.rate?.text, !ratesUsed.contains(rate) { ratesUsed.append(rate) }
            return c.result
        }
        for i in decisions.indices {
            decisions[i].maximumInReporting = try inReporting(decisions[i].maximum)
            decisions[i].periodicInReporting = try inReporting(decisions[i].periodic?.amount)
        }
        for d in decisions {
            if let t = d.turnover?.rate, !ratesUsed.contains(t) { ratesUsed.append(t) }
        }

        var regimes: [StatutoryExposure.RegimeTotal] = []
        for (regime, ds) in Dictionary(grouping: decisions, by: \.regime).sorted(by: { $0.key < $1.key }) {
            let currencies = Set(ds.compactMap { $0.maximum?.currency })
            let zeroR = Money.zero(reportingCurrency)
            let sumR = ds.compactMap(\.maximumInReporting).reduce(zeroR, +)
            let periodicR = ds.compactMap(\.periodicInReporting).reduce(zeroR, +)
            var native: Money?
            var nativePeriodic: Money?
            if currencies.count == 1, let c = currencies.first {
                native = ds.compactMap(\.maximum).reduce(Money.zero(c), +)
                nativePeriodic = ds.compactMap { $0.periodic?.amount }.reduce(Money.zero(c), +)
            }
            regimes.append(
                StatutoryExposure.RegimeTotal(
                    regime: regime, maximum: native, maximumInReporting: sumR, periodic: nativePeriodic, periodicInReporting: periodicR,
                    decisions: ds.count, contraventions: ds.reduce(0) { $0 + $1.contraventions.count },
                    notQuantified: ds.filter { $0.maximum == nil }.count))
        }
        let zero = Money.zero(reportingCurrency)
        return StatutoryExposure(
            asOf: asOf, decisionDate: decisionDate, reportingCurrency: reportingCurrency, decisions: decisions, unpenalised: unpenalised,
            notCounted: notCounted, regimes: regimes, total: regimes.map(\.maximumInReporting).reduce(zero, +),
            totalPeriodic: regimes.map(\.periodicInReporting).reduce(zero, +), ratesUsed: ratesUsed)
    }

    /// Whether the contravention's service had one of these designations in effect when its
    /// clock started.
    func designated(_ c: Contravention, _ kinds: Set<String>) -> Bool {
        let services = c.service.map { id in profile.services.filter { $0.id == id } } ?? profile.services
        let day = c.zone.date(of: c.clockStart)
        return services.contains { s in s.designations.contains { kinds.contains($0.kind) && $0.inEffect(on: day) } }
    }

    // MARK: - One decision

    func decision(
        _ p: PenaltyProvision, group: String, members: [Contravention], failureIndex: [String: Int], replaced: [String: String]
    ) throws(ObligeErrors) -> StatutoryExposure.Decision {
        var d = StatutoryExposure.Decision(
            provision: p, group: group, grouping: scenario.assumptions(for: p.regime)?.grouping ?? p.grouping, contraventions: members,
            items: [], maximum: nil, working: [], turnover: nil, periodic: nil, maximumInReporting: nil, periodicInReporting: nil,
            replaced: replaced)
        switch p.maximum {
        case .perFailure:
            var sum = Money.zero(p.currency)
            for c in members {
                // Each failure at the tiers of the version in force on its day.
                let version = penalties.provision(p.id, on: c.day) ?? p
                guard case .perFailure(let tiers) = version.maximum else { continue }
                let n = failureIndex[c.reference] ?? 0
                let (tier, basis) = try self.tier(tiers, for: c, provision: version)
                let amount = n == 0 ? tier.first : tier.subsequent
                sum = sum + amount
                d.items.append(
                    StatutoryExposure.Item(
                        contravention: c, amount: amount,
                        working: "failure \(n + 1) (\(n == 0 ? "first" : "subsequent")) on \(c.day): \(basis) → \(amount)"))
            }
            d.maximum = sum.rounded()
            d.working.append("\(members.count) failure(s), each at its tier and rank: total \(d.maximum.map(\.description) ?? "")")
        case .perDay:
            var sum = Money.zero(p.currency)
            var days = 0
            for c in members {
                let (amount, count, working) = try perDay(c, provision: p)
                sum = sum + amount
                days += count
                d.items.append(StatutoryExposure.Item(contravention: c, amount: amount, working: working))
            }
            d.maximum = sum.rounded()
            d.working.append("\(days) day(s) of contravention over \(members.count) finding(s): total \(d.maximum.map(\.description) ?? "")")
        default:
            let (amount, working, turnover) = try evaluate(p.maximum, provision: p)
            d.maximum = amount
            d.working = working
            d.turnover = turnover
        }
        if let periodic = p.periodic, members.contains(where: \.isOpen) {
            d.periodic = try accrual(periodic, provision: p)
        }
        return d
    }

    /// A decision-level maximum: amount, share of turnover, greater of.
    func evaluate(_ m: PenaltyProvision.Maximum, provision p: PenaltyProvision) throws(ObligeErrors) -> (Money?, [String], StatutoryExposure.TurnoverUse?) {
        switch m {
        case .amount(let money):
            return (money, ["fixed maximum \(money) per decision"], nil)
        case .shareOfTurnover(let share, let basis, let proRata):
            let t = try turnover(basis, proRata: proRata, currency: p.currency, provision: p)
            let amount = Money(t.amount.amount * share * Decimal(t.scale.numerator) / Decimal(t.scale.denominator), p.currency).rounded()
            return (amount, ["\(Money.percent(share)) × \(t.text)\(t.proRata.map { " \($0)" } ?? "") = \(amount)"], t)
        case .greaterOf(let a, let b):
            var lines: [String] = []
            var best: Money?
            var used: StatutoryExposure.TurnoverUse?
            for part in [a, b] {
                // A profile without turnover is an error here too: Sch 13 para 4(2) (£18 m alone) is
                // for a person with no accounting period, which a missing figure does not show.
                let (amount, working, t) = try evaluate(part, provision: p)
                lines += working
                used = t ?? used
                if let amount, best.map({ amount > $0 }) ?? true { best = amount }
            }
            guard let best else { return (nil, lines, used) }
            lines.append("greater of the two: \(best)")
            return (best, lines, used)
        case .notQuantified(let why):
            return (nil, ["not quantified: \(why)"], nil)
        case .perFailure, .perDay:
            return (nil, [], nil)  // handled per contravention
        }
    }

    /// The turnover figure a share is taken of, converted to the provision's currency.
    func turnover(_ basis: PenaltyProvision.TurnoverBasis, proRata: Bool, currency: String, provision p: PenaltyProvision) throws(ObligeErrors)
        -> StatutoryExposure.TurnoverUse
    {
        let fix = "add the worldwide turnover of that year to the profile's turnover list (docs/profile.md); an estimate is better stated than guessed"
        let rows = profile.turnover.filter { $0.scope == "worldwide" && $0.to < decisionDate }
        guard let row = rows.max(by: { $0.to < $1.to }) else {
            throw ObligeErrors([
                ObligeError(
                    .profile, "\(p.id) takes a share of the \(basis.rawValue.replacingOccurrences(of: "_", with: " ")), but the profile states no worldwide turnover for a year ended before the decision date \(decisionDate)",
                    at: SourceLocation(file: profile.origin), fix: fix)
            ])
        }
        if row.to.adding(months: 12) < decisionDate {
            throw ObligeErrors([
                ObligeError(
                    .profile, "\(p.id) needs the turnover of the financial year preceding a decision on \(decisionDate); the profile's latest ends \(row.to), so a later year is missing",
                    at: row.origin, fix: fix + ", or set decision_date in the scenario")
            ])
        }
        let converted = try convert(row.amount, to: currency, what: "\(p.id)'s currency")
        var scale = (numerator: 1, denominator: 1)
        var proRataText: String?
        if proRata {
            // A year is a year whatever its days (6 April 2023 to 5 April 2024 has 366): no scaling.
            let isYear = row.to == row.from.adding(months: 12).adding(days: -1)
            let wholeMonths = row.from.day == 1 && row.to.day == CivilDate.daysIn(year: row.to.year, month: row.to.month)
            let months = (row.to.year * 12 + row.to.month) - (row.from.year * 12 + row.from.month) + 1
            let days = row.to.daysSinceEpoch - row.from.daysSinceEpoch + 1
            let yearDays = row.from.adding(months: 12).daysSinceEpoch - row.from.daysSinceEpoch
            if isYear {
            } else if wholeMonths {
                scale = (12, months)
                proRataText = "× 12/\(months) (a period of \(months) months, pro rata to a year)"
            } else {
                scale = (yearDays, days)
                proRataText = "× \(yearDays)/\(days) (a period of \(days) days against the \(yearDays) of the year from \(row.from), pro rata)"
            }
        }
        return StatutoryExposure.TurnoverUse(
            financialYear: row.financialYear, from: row.from, to: row.to, stated: row.amount, amount: converted.result,
            conversion: converted.working, rate: converted.rate?.text, proRata: proRataText, scale: scale, source: row.origin)
    }

    func convert(_ money: Money, to currency: String, what: String) throws(ObligeErrors) -> ExchangeRates.Conversion {
        guard let c = rates.convert(money, to: currency) else {
            throw ObligeErrors([
                ObligeError(
                    .profile, "no exchange rate from \(money.currency) to \(currency), needed to express \(money) in \(what)",
                    at: SourceLocation(file: scenario.origin ?? profile.origin),
                    fix: "add `exchange_rates: [{from: \(money.currency), to: \(currency), rate: \"…\", as_of: YYYY-MM-DD, source: …}]` to the profile or the scenario")
            ])
        }
        return c
    }

    /// The tier whose threshold the platform met, from the profile's user count on the last date
    /// on or before the contravention.
    func tier(_ tiers: [PenaltyProvision.Tier], for c: Contravention, provision p: PenaltyProvision) throws(ObligeErrors) -> (PenaltyProvision.Tier, String) {
        var below = "no user threshold"
        for t in tiers {
            guard let threshold = t.usersAtLeast, let region = t.region else { return (t, below) }
            let counts = profile.monthlyActiveUsers.filter { $0.region == region }.sorted { $0.asOf < $1.asOf }
            guard let count = counts.last(where: { $0.asOf <= c.day }) else {
                throw ObligeErrors([
                    ObligeError(
                        .profile, "\(p.id) sets its maximum by monthly active users (\(region)), but the profile gives no count for \(region) on or before the failure on \(c.day) (\(c.reference))",
                        at: SourceLocation(file: profile.origin), fix: "add `monthly_active_users: [{region: \(region), count: N, as_of: YYYY-MM-DD}]` with a count from before that day")
                ])
            }
            let users = "\(count.count) monthly active users (\(region), as of \(count.asOf))"
            if count.count >= threshold { return (t, "\(users) ≥ \(threshold)") }
            below = "\(users) < \(threshold)"
        }
        return (tiers[tiers.count - 1], below)
    }

    /// Each day the contravention continued, at the unit value of that day. A late duty continues
    /// from the deadline's day to the day it was done; an open one to the remediation day the
    /// scenario assumes, else the audit day; a hold ended early is one contravention that day.
    func perDay(_ c: Contravention, provision p: PenaltyProvision) throws(ObligeErrors) -> (Money, Int, String) {
        let first = c.day
        var last = first
        var until = ""
        switch c.status {
        case .late:
            last = c.endedAt.map { c.zone.date(of: $0) } ?? first
            until = "done \(last)"
        case .overdue:
            if let r = scenario.assumptions(for: p.regime)?.remediation, r > c.zone.date(of: asOf) {
                last = r
                until = "open; remediation assumed \(r)"
            } else {
                last = c.zone.date(of: asOf)
                until = "open at the audit date \(last)"
            }
        default: until = "one contravention"
        }
        if last < first { last = first }
        var sum = Money.zero(p.currency)
        var runs: [(value: Money, days: Int, from: CivilDate)] = []
        var day = first
        while day <= last {
            let version = penalties.provision(p.id, on: day) ?? p
            guard case .perDay(let units) = version.maximum, let value = units.value(on: day) else {
                throw ObligeErrors([
                    ObligeError(.rules, "\(p.id) states no penalty unit value in force on \(day)", at: p.origin, fix: "add the unit value in force that day to unit_values")
                ])
            }
            sum = sum + value.scaled(by: units.units * units.multiplier)
            if let lastRun = runs.last, lastRun.value == value { runs[runs.count - 1].days += 1 } else { runs.append((value, 1, day)) }
            day = day.adding(days: 1)
        }
        guard case .perDay(let units) = p.maximum else { return (sum, 0, "") }
        let count = last.daysSinceEpoch - first.daysSinceEpoch + 1
        let parts = runs.map { "\($0.days) × \(units.units) units × \(units.multiplier) × \($0.value) (from \($0.from))" }.joined(separator: " + ")
        return (sum.rounded(), count, "\(count) day(s) \(first) to \(last) (\(until)): \(parts) = \(sum.rounded())")
    }

    /// Periodic penalties for a decision with breaches still open: per day a share of average
    /// daily turnover (rounded to the minor unit, as a decision states it), times the days from
    /// the appointed start until remediation or the horizon.
    func accrual(_ periodic: PenaltyProvision.Periodic, provision p: PenaltyProvision) throws(ObligeErrors) -> StatutoryExposure.PeriodicAccrual {
        let a = scenario.assumptions(for: p.regime)
        let t = try turnover(periodic.basis, proRata: false, currency: p.currency, provision: p)
        let daysInYear = t.to.daysSinceEpoch - t.from.daysSinceEpoch + 1
        let perDay = Money(t.amount.amount * periodic.shareOfAverageDailyTurnover / Decimal(daysInYear), p.currency).rounded()
        let from = a?.periodicFrom ?? decisionDate.adding(days: 1)
        var until = a?.periodicUntil ?? a?.remediation ?? from.adding(days: Scenario.defaultPeriodicDays)
        var endsBy = a?.periodicUntil != nil ? "the end the scenario sets" : a?.remediation != nil ? "remediation on \(until)" : "a \(Scenario.defaultPeriodicDays)-day horizon (no end set)"
        if let r = a?.remediation, r < until {
            until = r
            endsBy = "remediation on \(r)"
        }
        let days = max(0, until.daysSinceEpoch - from.daysSinceEpoch)
        let amount = perDay.scaled(by: Decimal(days)).rounded()
        return StatutoryExposure.PeriodicAccrual(
            citation: periodic.citation, perDay: perDay, from: from, until: until, days: days, endsBy: endsBy, amount: amount,
            working: [
                "\(Money.percent(periodic.shareOfAverageDailyTurnover)) × \(t.amount) ÷ \(daysInYear) days (financial year \(t.financialYear)) = \(perDay) per day",
                "\(days) day(s) from \(from) until \(until) (exclusive; \(endsBy)) × \(perDay) = \(amount)",
            ])
    }
}
