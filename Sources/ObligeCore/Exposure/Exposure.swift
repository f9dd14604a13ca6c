/// Fine exposure for one set of findings: statutory maxima and, with a scenario, the simulated
/// range (docs/exposure.md).
public struct ExposureAssessment: Sendable {
    /// `baseline`, or the what-if's name.
    public var name: String
    public var whatIf: WhatIf?
    public var findings: Int
    /// Breaches per regime, all of them (counted by a provision or not).
    public var breaches: [String: Int]
    public var statutory: StatutoryExposure
    public var simulation: SimulationResult?

    public var totalBreaches: Int { breaches.values.reduce(0, +) }
}

/// The whole answer of `oblige exposure`: the baseline and each what-if beside it.
public struct ExposureResult: Sendable {
    public var platform: String
    public var scenario: Scenario
    /// What the findings came from: log paths, or a findings file.
    public var sources: [String]
    public var baseline: ExposureAssessment
    public var variants: [ExposureAssessment]

    public init(platform: String, scenario: Scenario, sources: [String], baseline: ExposureAssessment, variants: [ExposureAssessment]) {
        self.platform = platform
        self.scenario = scenario
        self.sources = sources
        self.baseline = baseline
        self.variants = variants
    }
}

public enum Exposure {
    /// Statutory maxima for the contraventions, and the simulation when the scenario has
    /// assumptions.
    public static func assess(
        name: String, whatIf: WhatIf? = nil, contraventions: [Contravention], findings: Int, profile: PlatformProfile, penalties: PenaltyBook,
        scenario: Scenario, asOf: Instant
    ) throws(ObligeErrors) -> ExposureAssessment {
        let statutory = try ExposureCalculator(profile: profile, penalties: penalties, scenario: scenario, asOf: asOf).statutory(contraventions)
        let simulation = scenario.simulates ? try Simulation.run(statutory, scenario: scenario) : nil
        var breaches: [String: Int] = [:]
        for c in contraventions where c.status.isBreach { breaches[c.regime, default: 0] += 1 }
        return ExposureAssessment(
            name: name, whatIf: whatIf, findings: findings, breaches: breaches, statutory: statutory, simulation: simulation)
    }

    /// The profile a what-if audits with: its targets replaced.
    public static func profile(_ profile: PlatformProfile, applying w: WhatIf) -> PlatformProfile {
        var p = profile
        for (name, duration) in w.targets {
            p.targets[name] = PlatformProfile.Target(name: name, duration: duration, rationale: "what-if '\(w.name)'")
        }
        return p
    }
}
