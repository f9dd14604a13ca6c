import Foundation

/// A legal team's assumptions about enforcement (docs/exposure.md): when regulators would decide,
/// how likely each regime enforces, what share of the maximum it imposes, when open breaches are
/// remedied, and variants of the platform's behaviour to compare. Without a scenario file,
/// `Scenario.statutory` gives the statutory maximum alone.
public struct Scenario: Sendable {
    public var name: String
    /// The day regulators are assumed to decide: it picks the financial year whose turnover a
    /// share is taken of. Nil: the audit date.
    public var decisionDate: CivilDate?
    /// Currency of totals across regimes. Nil: the currency of the profile's latest turnover.
    public var reportingCurrency: String?
    public var rates: ExchangeRates
    public var seed: UInt64
    public var runs: Int
    public var regimes: [String: RegimeAssumptions]
    /// Assumptions for regimes the file does not list; nil: such a regime is an error once it
    /// has breaches to simulate.
    public var otherRegimes: RegimeAssumptions?
    public var whatIf: [WhatIf]
    /// Nil for the built-in statutory scenario.
    public var origin: String?

    public static let defaultRuns = 10_000
    /// Days periodic penalties accrue when the scenario sets no end and no remediation.
    public static let defaultPeriodicDays = 30

    public init(
        name: String, decisionDate: CivilDate? = nil, reportingCurrency: String? = nil, rates: ExchangeRates = ExchangeRates(),
        seed: UInt64 = 1, runs: Int = Scenario.defaultRuns, regimes: [String: RegimeAssumptions] = [:], otherRegimes: RegimeAssumptions? = nil,
        whatIf: [WhatIf] = [], origin: String? = nil
    ) {
        self.name = name
        self.decisionDate = decisionDate
        self.reportingCurrency = reportingCurrency
        self.rates = rates
        self.seed = seed
        self.runs = runs
        self.regimes = regimes
        self.otherRegimes = otherRegimes
        self.whatIf = whatIf
        self.origin = origin
    }

    /// No assumptions: statutory maxima only, decided on the audit date, nothing simulated.
    public static let statutory = Scenario(name: "statutory maximum")

    public var simulates: Bool { !regimes.isEmpty || otherRegimes != nil }

    public func assumptions(for regime: String) -> RegimeAssumptions? { regimes[regime] ?? otherRegimes }
}

/// What a scenario assumes about one regime.
public struct RegimeAssumptions: Sendable {
    /// Probability that the regime's authority opens and concludes proceedings (0…1); with
    /// `perBreach`, the chance that each breach on its own draws the authority's attention.
    public var probability: Decimal
    public var perBreach: Bool
    /// The share of the statutory maximum a decision imposes.
    public var share: ShareDistribution
    /// DSA Art 74(5)-style factors: nature and gravity, duration, recurrence. The product scales
    /// the drawn share; a decision never exceeds the statutory maximum.
    public var gravity: Decimal
    public var duration: Decimal
    public var recurrence: Decimal
    /// When breaches still open at the audit are assumed remedied: periodic penalties and
    /// continuing contraventions stop there.
    public var remediation: CivilDate?
    /// The days periodic penalties run (from, until exclusive): as the decision would appoint.
    public var periodicFrom: CivilDate?
    public var periodicUntil: CivilDate?
    /// Overrides the provisions' `one_decision_per` for this regime.
    public var grouping: PenaltyProvision.Grouping?
    public var origin: SourceLocation?

    public init(
        probability: Decimal = 1, perBreach: Bool = false, share: ShareDistribution = .fixed(1), gravity: Decimal = 1, duration: Decimal = 1, recurrence: Decimal = 1,
        remediation: CivilDate? = nil, periodicFrom: CivilDate? = nil, periodicUntil: CivilDate? = nil, grouping: PenaltyProvision.Grouping? = nil,
        origin: SourceLocation? = nil
    ) {
        self.probability = probability
        self.perBreach = perBreach
        self.share = share
        self.gravity = gravity
        self.duration = duration
        self.recurrence = recurrence
        self.remediation = remediation
        self.periodicFrom = periodicFrom
        self.periodicUntil = periodicUntil
        self.grouping = grouping
        self.origin = origin
    }

    /// gravity × duration × recurrence.
    public var multiplier: Decimal { gravity * duration * recurrence }

    /// The probability that the regime enforces, given how many breaches it counts: the flat
    /// figure, or 1 − (1 − p)ⁿ when each of n breaches independently has chance p of drawing the
    /// authority's attention (so fewer breaches, less risk). Exact decimal arithmetic.
    public func enforcement(breaches n: Int) -> Decimal {
        guard perBreach else { return probability }
        guard n > 0 else { return 0 }
        var none: Decimal = 1
        for _ in 0..<n { none *= (1 - probability) }
        return 1 - none
    }

    /// `40 %`, or `1 % per breach`.
    public var probabilityText: String { Money.percent(probability) + (perBreach ? " per breach" : "") }
}

/// How the share of the maximum a regulator imposes is drawn.
public enum ShareDistribution: Sendable, Equatable {
    case fixed(Decimal)
    /// Triangular between `low` and `high` with its peak at `mode`.
    case triangular(low: Decimal, mode: Decimal, high: Decimal)

    /// The expected share: the value, or (low + mode + high) / 3.
    public var mean: Decimal {
        switch self {
        case .fixed(let v): return v
        case .triangular(let a, let c, let b): return (a + c + b) / 3
        }
    }

    public var text: String {
        switch self {
        case .fixed(let v): return Money.percent(v)
        case .triangular(let a, let c, let b): return "triangular \(Money.percent(a)) / \(Money.percent(c)) / \(Money.percent(b))"
        }
    }
}

/// A variant of the platform's behaviour: other targets, or events moved in time.
public struct WhatIf: Sendable {
    public var name: String
    /// Targets replaced in the profile (name → duration).
    public var targets: [String: ISODuration]
    public var shifts: [EventShift]
    public var origin: SourceLocation?

    public init(name: String, targets: [String: ISODuration] = [:], shifts: [EventShift] = [], origin: SourceLocation? = nil) {
        self.name = name
        self.targets = targets
        self.shifts = shifts
        self.origin = origin
    }
}
