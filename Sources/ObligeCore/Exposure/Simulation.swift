import Foundation

/// A seeded Monte Carlo over a scenario's assumptions: in each run, each regime enforces with its
/// probability; each of its decisions then imposes a drawn share of its maximum, scaled by the
/// regime's factors and never above the maximum. The same seed gives the same numbers on every
/// machine: the generator is xoshiro256** seeded by SplitMix64, shares are drawn in binary floating
/// point but quantised to nine decimal places before they touch money, and money stays decimal.
public struct SimulationResult: Sendable {
    public var seed: UInt64
    public var runs: Int
    public var currency: String
    public var regimes: [Regime]
    public var total: Distribution

    public struct Regime: Sendable {
        public var regime: String
        public var assumptions: RegimeAssumptions
        /// The probability of enforcement used: flat, or from the breaches counted.
        public var probability: Decimal
        public var breaches: Int
        public var distribution: Distribution
        /// Decisions whose provision sets no figure: they add nothing to the runs.
        public var notQuantified: Int
    }

    /// Percentiles by nearest rank over the runs (the smallest amount with at least p % of runs
    /// at or below it), and the mean, each rounded once to the minor unit.
    public struct Distribution: Sendable {
        public var p5: Money
        public var p50: Money
        public var p95: Money
        public var mean: Money
        /// Share of runs with any amount at all.
        public var anyPenalty: Decimal
    }
}

public enum Simulation {
    /// Runs the scenario over the statutory maxima (in the reporting currency). Throws when a
    /// regime with quantified maxima has no assumptions.
    public static func run(_ s: StatutoryExposure, scenario: Scenario) throws(ObligeErrors) -> SimulationResult {
        let currency = s.reportingCurrency
        var regimes: [SimulationResult.Regime] = []
        var totals = [Decimal](repeating: 0, count: scenario.runs)
        var missing: [String] = []
        for total in s.regimes {
            let regime = total.regime
            let decisions = s.decisions.filter { $0.regime == regime }
            guard let a = scenario.assumptions(for: regime) else {
                if decisions.contains(where: { $0.maximumInReporting != nil }) { missing.append(regime) }
                continue
            }
            var rng = Xoshiro256(seed: scenario.seed, stream: regime)
            let p = a.enforcement(breaches: total.contraventions)
            let probability = (p as NSDecimalNumber).doubleValue
            let multiplier = a.multiplier
            var amounts = [Decimal](repeating: 0, count: scenario.runs)
            for run in 0..<scenario.runs {
                let enforced = rng.nextUnit() < probability
                var sum: Decimal = 0
                for d in decisions {
                    let share = draw(a.share, &rng) * multiplier
                    guard enforced else { continue }
                    if let m = d.maximumInReporting?.amount { sum += Swift.min(m, m * share) }
                    if let p = d.periodicInReporting?.amount { sum += Swift.min(p, p * share) }
                }
                amounts[run] = sum
                totals[run] += sum
            }
            regimes.append(
                SimulationResult.Regime(
                    regime: regime, assumptions: a, probability: p, breaches: total.contraventions, distribution: distribution(amounts, currency),
                    notQuantified: decisions.filter { $0.maximum == nil }.count))
        }
        if !missing.isEmpty {
            throw ObligeErrors([
                ObligeError(
                    .scenario, "the scenario gives no assumptions for \(missing.joined(separator: ", ")), which has breaches with a maximum",
                    at: scenario.origin.map { SourceLocation(file: $0) },
                    fix: "add each under `regimes:` (probability, share_of_maximum, …), or a `default:` for all regimes not listed")
            ])
        }
        return SimulationResult(seed: scenario.seed, runs: scenario.runs, currency: currency, regimes: regimes, total: distribution(totals, currency))
    }

    /// A share drawn from the distribution, quantised to 1e-9.
    static func draw(_ d: ShareDistribution, _ rng: inout Xoshiro256) -> Decimal {
        switch d {
        case .fixed(let v):
            _ = rng.nextUnit()  // keep the stream aligned whatever the distribution
            return v
        case .triangular(let low, let mode, let high):
            let (a, c, b) = ((low as NSDecimalNumber).doubleValue, (mode as NSDecimalNumber).doubleValue, (high as NSDecimalNumber).doubleValue)
            let u = rng.nextUnit()
            guard b > a else { return low }
            let x = u < (c - a) / (b - a) ? a + ((u * (b - a) * (c - a))).squareRoot() : b - (((1 - u) * (b - a) * (b - c))).squareRoot()
            return Decimal(Int64((x * 1e9).rounded())) / Decimal(1_000_000_000)
        }
    }

    static func distribution(_ amounts: [Decimal], _ currency: String) -> SimulationResult.Distribution {
        let sorted = amounts.sorted()
        let n = sorted.count
        func rank(_ p: Int) -> Money {
            guard n > 0 else { return Money.zero(currency) }
            let k = Swift.max(1, (p * n + 99) / 100)  // ceil(p/100 × n)
            return Money(sorted[k - 1], currency).rounded()
        }
        let sum = sorted.reduce(Decimal(0), +)
        let any = sorted.filter { $0 > 0 }.count
        return SimulationResult.Distribution(
            p5: rank(5), p50: rank(50), p95: rank(95), mean: Money(n > 0 ? sum / Decimal(n) : 0, currency).rounded(),
            anyPenalty: n > 0 ? Decimal(any) / Decimal(n) : 0)
    }
}
