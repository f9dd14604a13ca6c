import Foundation

/// A penalty provision: the maximum an authority may impose for breaches of the rules that name
/// it, as the law states it (docs/penalties.md). Loaded from `Rules/penalties/`, immutable.
public struct PenaltyProvision: Sendable {
    public var id: String
    public var title: String
    public var regime: String
    public var authority: String
    /// The currency of the provision's amounts and of its decisions.
    public var currency: String
    public var citation: Citation
    public var notes: String
    /// The version in force on the day of a contravention decides.
    public var effective: EffectivePeriod
    public var grouping: Grouping
    /// The finding statuses that count as contraventions.
    public var counts: Set<Finding.Status>
    /// What the law requires beyond a breach ("systematic or persistent"): shown, never evaluated.
    public var condition: String?
    public var maximum: Maximum
    public var periodic: Periodic?
    public var replacedBy: Replacement?
    public var origin: SourceLocation

    /// Which counted findings one decision (and so one maximum) covers.
    public enum Grouping: String, Sendable, CaseIterable {
        /// All of the provision's findings: one decision.
        case regime
        /// One decision per rule infringed.
        case rule
        /// One decision per case.
        case `case`
    }

    /// Which turnover figure a share is taken of.
    public enum TurnoverBasis: String, Sendable {
        /// The last financial year that ended before the decision (DSA, TCO).
        case precedingFinancialYear = "preceding_financial_year"
        /// The most recent complete accounting period before the decision (UK OSA Sch 13).
        case mostRecentCompletePeriod = "most_recent_complete_period"
    }

    public indirect enum Maximum: Sendable {
        /// A fixed maximum per decision.
        case amount(Money)
        /// A share of worldwide turnover per decision; `proRata` scales a period that is not a
        /// year to twelve months.
        case shareOfTurnover(share: Decimal, basis: TurnoverBasis, proRata: Bool)
        /// The greater of two maxima.
        case greaterOf(Maximum, Maximum)
        /// Each counted finding is one failure, in order of deadline.
        case perFailure([Tier])
        /// Each day a contravention continues is one contravention, in penalty units.
        case perDay(PenaltyUnits)
        /// The instrument sets no figure; the reason.
        case notQuantified(String)

        /// The form's name as the file writes it; versions of a provision keep one form (a version
        /// before a law applied may set no figure).
        public var form: String {
            switch self {
            case .amount, .shareOfTurnover, .greaterOf: return "per decision"
            case .perFailure: return "per_failure"
            case .perDay: return "per_day"
            case .notQuantified: return "not_quantified"
            }
        }
    }

    /// One tier of a per-failure maximum: applies when the platform has at least `usersAtLeast`
    /// monthly active users in `region` (or always, when nil).
    public struct Tier: Sendable {
        public var usersAtLeast: Int?
        public var region: String?
        public var first: Money
        public var subsequent: Money
    }

    public struct PenaltyUnits: Sendable {
        public var units: Decimal
        public var multiplier: Decimal
        /// From which day each value is in force, ascending.
        public var values: [(from: CivilDate, value: Money)]

        /// The unit value in force on a day; nil before the first.
        public func value(on day: CivilDate) -> Money? { values.last { $0.from <= day }?.value }
    }

    public struct Periodic: Sendable {
        public var citation: Citation
        public var shareOfAverageDailyTurnover: Decimal
        public var basis: TurnoverBasis
        public var notes: String?
    }

    public struct Replacement: Sendable {
        public var provision: String
        public var whenDesignated: Set<String>
        public var because: String
    }

    /// The maximum in words, for tables: `6 % of turnover (preceding financial year)`.
    public var maximumSummary: String { Self.summary(maximum) }

    static func summary(_ m: Maximum) -> String {
        switch m {
        case .amount(let money): return "\(money) per decision"
        case .shareOfTurnover(let share, let basis, let proRata):
            return "\(Money.percent(share)) of worldwide turnover (\(basis.rawValue.replacingOccurrences(of: "_", with: " "))\(proRata ? ", pro rata to 12 months" : ""))"
        case .greaterOf(let a, let b): return "greater of \(summary(a)) and \(summary(b))"
        case .perFailure(let tiers):
            return tiers.map { t in
                (t.usersAtLeast.map { "≥ \($0) users (\(t.region ?? "any")): " } ?? "otherwise: ") + "\(t.first) first, \(t.subsequent) each later failure"
            }.joined(separator: "; ")
        case .perDay(let u):
            return "\(u.units) penalty units × \(u.multiplier) per day of contravention"
        case .notQuantified(let why): return "not quantified: \(why)"
        }
    }
}

/// Every penalty provision of a library, with its versions.
public struct PenaltyBook: Sendable {
    /// All versions, ordered by id then effective date.
    public let provisions: [PenaltyProvision]

    public init(_ provisions: [PenaltyProvision] = []) {
        self.provisions = provisions.sorted { ($0.id, $0.effective.from) < ($1.id, $1.effective.from) }
    }

    public var ids: Set<String> { Set(provisions.map(\.id)) }

    /// The version of `id` in force on `day`; nil when none is.
    public func provision(_ id: String, on day: CivilDate) -> PenaltyProvision? {
        provisions.first { $0.id == id && $0.effective.contains(day) }
    }

    public func versions(of id: String) -> [PenaltyProvision] { provisions.filter { $0.id == id } }
}
