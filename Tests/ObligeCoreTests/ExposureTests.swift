import Foundation
import ObligeCore
import ObligeTestSupport
import Testing

/// Fine arithmetic against the shipped penalty provisions (Rules/penalties/), each figure
/// computed by hand in the comment beside it.
@Suite struct ExposureTests {
    static let library: RuleSet = {
        do { return try RuleLoader.load(root: TestSupport.rulesRoot) } catch { fatalError("shipped library does not load: \(error)") }
    }()

    /// A profile with one service and the given extra top-level YAML (turnover, users, rates).
    static func profile(kinds: String = "[online_platform, user_to_user, social_media_service, electronic_service_provider]", designated: Bool = false, _ extra: String) throws -> PlatformProfile {
        let yaml = """
            platform: Test Platform
            enterprise_size: large
            services:
              - id: main
                kinds: \(kinds)
            \(designated ? "    designations: [{kind: vlop, notified_on: 2023-04-25}]" : "")
            \(extra)
            """
        return try PlatformProfile.load(path: TestSupport.file("profile.yaml", yaml))
    }

    static func breach(
        _ rule: String, _ penalty: String, regime: String, status: Finding.Status = .overdue, deadline: String, ended: String? = nil,
        zone: String = "Europe/London", caseID: String = "c1", start: String = "e1"
    ) -> Contravention {
        let d = TestSupport.instant(deadline)
        return Contravention(
            rule: rule, title: rule, regime: regime, penalty: penalty, status: status, caseID: caseID, startID: start,
            clockStart: d.adding(seconds: -3600), deadline: d, endedAt: ended.map(TestSupport.instant), zone: ZoneClock(identifier: zone)!, service: nil)
    }

    static func statutory(
        _ profile: PlatformProfile, _ breaches: [Contravention], asOf: String = "2025-06-01T00:00:00Z", scenario: Scenario = .statutory
    ) throws -> StatutoryExposure {
        try ExposureCalculator(profile: profile, penalties: library.penalties, scenario: scenario, asOf: TestSupport.instant(asOf)).statutory(breaches)
    }

    static let ukBreach = breach("uk-osa.s9.illegal-risk-assessment", "uk-osa.sch13", regime: "uk-osa", deadline: "2025-03-16T23:59:59Z")

    // MARK: - UK OSA Sch 13 para 4: the greater of £18 million and 10 % of qualifying worldwide revenue

    @Test("UK: 10 % of revenue above £18 m wins; below it the £18 m does; at £180 m they tie", arguments: [
        // revenue, expected maximum
        ("300000000.00", "30000000.00"),  // 10 % × 300 m = 30 m > 18 m
        ("150000000.00", "18000000.00"),  // 10 % × 150 m = 15 m < 18 m
        ("180000000.00", "18000000.00"),  // 10 % × 180 m = 18 m = 18 m
        ("180000000.10", "18000000.01"),  // 10 % × 180,000,000.10 = 18,000,000.01 > 18 m
    ])
    func ukGreaterOf(revenue: String, expected: String) throws {
        let p = try Self.profile("turnover: [{financial_year: \"2024\", from: 2024-01-01, to: 2024-12-31, amount: \"\(revenue)\", currency: GBP}]")
        let s = try Self.statutory(p, [Self.ukBreach])
        let d = try #require(s.decisions.first)
        #expect(d.provision.id == "uk-osa.sch13")
        #expect(d.maximum == Money(Money.decimal(expected)!, "GBP"))
        #expect(d.turnover?.financialYear == "2024")
    }

    @Test("UK: a 9-month accounting period is scaled up by 12/9 (Sch 13 para 4(5))")
    func ukNineMonths() throws {
        // 10 % × 150,000,000 × 12 / 9 = 20,000,000 > 18 m (unscaled it would be 15 m and lose to 18 m).
        let p = try Self.profile("turnover: [{financial_year: \"2024 (9 months)\", from: 2024-04-01, to: 2024-12-31, amount: \"150000000.00\", currency: GBP}]")
        let d = try #require(try Self.statutory(p, [Self.ukBreach]).decisions.first)
        #expect(d.maximum == Money(20_000_000, "GBP"))
        #expect(d.turnover?.proRata?.contains("× 12/9") == true)
        // A 15-month period is scaled down: 10 % × 250,000,000 × 12 / 15 = 20,000,000.
        let long = try Self.profile("turnover: [{financial_year: \"2023-24\", from: 2023-10-01, to: 2024-12-31, amount: \"250000000.00\", currency: GBP}]")
        #expect(try Self.statutory(long, [Self.ukBreach]).decisions.first?.maximum == Money(20_000_000, "GBP"))
    }

    @Test("UK: revenue in euros is converted at the stated rate before the 10 %")
    func ukConverted() throws {
        // 2,400,000,000 EUR × 0.88 = 2,112,000,000 GBP; 10 % = 211,200,000 GBP; in EUR: ÷ 0.88 = 240,000,000.
        let p = try Self.profile("""
            turnover: [{financial_year: "2024", from: 2024-01-01, to: 2024-12-31, amount: "2400000000.00", currency: EUR}]
            exchange_rates: [{from: EUR, to: GBP, rate: "0.8800", as_of: 2025-05-30, source: test}]
            """)
        let s = try Self.statutory(p, [Self.ukBreach])
        #expect(s.decisions.first?.maximum == Money(211_200_000, "GBP"))
        #expect(s.decisions.first?.maximumInReporting == Money(240_000_000, "EUR"))
        #expect(s.total == Money(240_000_000, "EUR"))
    }

    @Test("UK: an accounting year of 366 days is a year, not scaled; a 52-week period is scaled to its year")
    func ukLeapYear() throws {
        // 6 April 2023 to 5 April 2024 holds 29 February: 366 days, still a year: 10 % × 300 m = 30 m.
        let leap = try Self.profile("turnover: [{financial_year: \"2023-24\", from: 2023-04-06, to: 2024-04-05, amount: \"300000000.00\", currency: GBP}]")
        let d = try #require(try Self.statutory(leap, [Self.ukBreach], asOf: "2025-04-01T00:00:00Z").decisions.first)
        #expect(d.maximum == Money(30_000_000, "GBP"))
        #expect(d.turnover?.proRata == nil)
        // 52 weeks from 1 January 2024 (364 days; the year from then has 366): 10 % × 300 m × 366 / 364.
        let weeks = try Self.profile("turnover: [{financial_year: \"2024\", from: 2024-01-01, to: 2024-12-29, amount: \"300000000.00\", currency: GBP}]")
        #expect(try Self.statutory(weeks, [Self.ukBreach]).decisions.first?.maximum == Money(Money.decimal("30164835.16")!, "GBP"))
    }

    @Test("UK: no turnover, or only an older year, is an error naming the year to add, never the £18 m alone")
    func ukNoRevenue() throws {
        let none = try Self.profile("")
        #expect(throws: ObligeErrors.self) { try Self.statutory(none, [Self.ukBreach]) }
        let stale = try Self.profile("turnover: [{financial_year: \"2022\", from: 2022-01-01, to: 2022-12-31, amount: \"300000000.00\", currency: GBP}]")
        #expect {
            try Self.statutory(stale, [Self.ukBreach])
        } throws: { error in
            (error as? ObligeErrors)?.description.contains("a later year is missing") == true
        }
    }

    @Test("The decision cannot come before the contravention it decides")
    func decisionBeforeBreach() throws {
        let p = try Self.profile("turnover: [{financial_year: \"2024\", from: 2024-01-01, to: 2024-12-31, amount: \"300000000.00\", currency: GBP}]")
        var early = Scenario.statutory
        early.decisionDate = TestSupport.date("2025-03-01")
        #expect(throws: ObligeErrors.self) { try Self.statutory(p, [Self.ukBreach], scenario: early) }
    }

    @Test("A scenario's rate takes precedence over the profile's, in either direction, and is the one shown")
    func ratePrecedence() throws {
        let p = try Self.profile("""
            turnover: [{financial_year: "2024", from: 2024-01-01, to: 2024-12-31, amount: "300000000.00", currency: GBP}]
            exchange_rates: [{from: GBP, to: EUR, rate: "1.15", source: profile}]
            """)
        let rates = ExchangeRates([ExchangeRates.Rate(from: "EUR", to: "GBP", rate: Money.decimal("0.80")!, source: "scenario", origin: SourceLocation(file: "s"))])
        let s = try Self.statutory(p, [Self.ukBreach], scenario: Scenario(name: "t", reportingCurrency: "EUR", rates: rates))
        // 30,000,000 GBP ÷ 0.80 = 37,500,000 EUR (the profile's 1.15 would give 34,500,000).
        #expect(s.total == Money(37_500_000, "EUR"))
        #expect(s.ratesUsed == ["1 EUR = 0.8 GBP (scenario)"])
    }

    // MARK: - 18 U.S.C. 2258A(e): tiers by monthly active users, first and later failures

    @Test("2258A(e): 99,999,999 users pay the smaller tier, 100,000,000 the larger", arguments: [
        (99_999_999, "1450000.00"),  // 600,000 first + 850,000 second
        (100_000_000, "1850000.00"),  // 850,000 first + 1,000,000 second
    ])
    func usTiers(users: Int, expected: String) throws {
        let p = try Self.profile("""
            monthly_active_users: [{region: worldwide, count: \(users), as_of: 2025-01-01}]
            exchange_rates: [{from: EUR, to: USD, rate: "1.10"}]
            """)
        let failures = [
            Self.breach("us-2258a.report", "us-2258a.e", regime: "us-2258a", deadline: "2025-04-01T12:00:00Z", zone: "America/New_York", caseID: "b", start: "e2"),
            Self.breach("us-2258a.report", "us-2258a.e", regime: "us-2258a", deadline: "2025-03-01T12:00:00Z", zone: "America/New_York", caseID: "a", start: "e1"),
        ]
        let d = try #require(try Self.statutory(p, failures).decisions.first)
        #expect(d.maximum == Money(Money.decimal(expected)!, "USD"))
        // The earlier failure is the first, whatever order the findings came in.
        #expect(d.items.first?.contravention.caseID == "a")
        #expect(d.items.first?.working.contains("failure 1 (first)") == true)
    }

    @Test("2258A(e): a failure before the REPORT Act is fined under the old figures, and still counts as the first")
    func usAmendment() throws {
        // 2024-03-01: old version, first failure: 150,000. 2025-03-01: new version, ≥ 100 m users,
        // subsequent: 1,000,000. Total 1,150,000. A late report (made, but late) is not counted.
        let p = try Self.profile("monthly_active_users: [{region: worldwide, count: 140000000, as_of: 2024-01-01}]")
        // A count dated after a failure cannot decide its tier: an error, not the nearest count.
        let later = try Self.profile("monthly_active_users: [{region: worldwide, count: 140000000, as_of: 2025-06-30}]")
        #expect(throws: ObligeErrors.self) {
            try Self.statutory(later, [Self.breach("us-2258a.report", "us-2258a.e", regime: "us-2258a", deadline: "2025-03-01T12:00:00Z", zone: "America/New_York")])
        }
        let s = try Self.statutory(
            p,
            [
                Self.breach("us-2258a.report", "us-2258a.e", regime: "us-2258a", deadline: "2024-03-01T12:00:00Z", zone: "America/New_York", caseID: "a"),
                Self.breach("us-2258a.report", "us-2258a.e", regime: "us-2258a", deadline: "2025-03-01T12:00:00Z", zone: "America/New_York", caseID: "b"),
                Self.breach(
                    "us-2258a.report", "us-2258a.e", regime: "us-2258a", status: .late, deadline: "2025-05-01T12:00:00Z", ended: "2025-05-02T12:00:00Z",
                    zone: "America/New_York", caseID: "c"),
            ])
        #expect(s.decisions.first?.maximum == Money(1_150_000, "USD"))
        #expect(s.notCounted.count == 1)
    }

    // MARK: - Australia: penalty units per day of a continuing contravention

    @Test("Australia: each day counts, at the unit value of that day ($313 until 6 Nov 2024, $330 from 7 Nov)")
    func auContinuing() throws {
        // Due 5 Nov 2024 12:00 Sydney, removed 8 Nov 09:00: days 5, 6 (AUD 313) and 7, 8 (AUD 330).
        // 2 × 500 × 5 × 313 + 2 × 500 × 5 × 330 = 1,565,000 + 1,650,000 = 3,215,000 AUD.
        let p = try Self.profile("")
        let late = Self.breach(
            "au-osa.removal-notice", "au-osa.civil-penalty", regime: "au-osa", status: .late, deadline: "2024-11-05T12:00:00+11:00",
            ended: "2024-11-08T09:00:00+11:00", zone: "Australia/Sydney")
        let d = try #require(try Self.statutory(p, [late], asOf: "2024-12-01T00:00:00Z").decisions.first)
        #expect(d.maximum == Money(3_215_000, "AUD"))
        #expect(d.items.first?.working.contains("4 day(s) 2024-11-05 to 2024-11-08") == true)

        // Still open at the audit (1 Dec 2024, 11:00 in Sydney): 5 Nov … 1 Dec is 27 days,
        // 2 at 313 and 25 at 330: 1,565,000 + 20,625,000 = 22,190,000 AUD.
        var open = late
        open.status = .overdue
        open.endedAt = nil
        #expect(try Self.statutory(p, [open], asOf: "2024-12-01T00:00:00Z").decisions.first?.maximum == Money(22_190_000, "AUD"))

        // The scenario's remediation date ends it instead: to 10 Dec is 36 days: 1,565,000 + 34 × 825,000.
        let scenario = Scenario(name: "t", regimes: ["au-osa": RegimeAssumptions(remediation: TestSupport.date("2024-12-10"))])
        #expect(try Self.statutory(p, [open], asOf: "2024-12-01T00:00:00Z", scenario: scenario).decisions.first?.maximum == Money(29_615_000, "AUD"))
    }

    // MARK: - DSA: preceding financial year, Commission for VLOPs, periodic penalties

    static let dsaTurnover = """
        turnover:
          - {financial_year: "2023", from: 2023-01-01, to: 2023-12-31, amount: "2150000000.00", currency: EUR}
          - {financial_year: "2024", from: 2024-01-01, to: 2024-12-31, amount: "2400000000.00", currency: EUR}
        """

    @Test("DSA: 6 % of the preceding year; a VLOP's breaches go to the Commission with Art 76 periodic penalties")
    func dsa() throws {
        let notice = Self.breach("dsa.art16.decision", "dsa.art52-3", regime: "dsa", deadline: "2025-09-01T12:00:00+02:00", zone: "Europe/Brussels")
        // Not designated: the Digital Services Coordinator, Art 52(3). 6 % × 2,400,000,000 = 144,000,000.
        let plain = try Self.statutory(try Self.profile(Self.dsaTurnover), [notice], asOf: "2025-11-01T00:00:00Z")
        #expect(plain.decisions.first?.provision.id == "dsa.art52-3")
        #expect(plain.decisions.first?.maximum == Money(144_000_000, "EUR"))

        // Designated: Art 74(1). Periodic: 5 % × 2,400,000,000 ÷ 366 days = 327,868.852… → 327,868.85 a
        // day, from 2 Nov (the day after the decision) for 30 days: 9,836,065.50.
        let vlop = try Self.statutory(try Self.profile(designated: true, Self.dsaTurnover), [notice], asOf: "2025-11-01T00:00:00Z")
        let d = try #require(vlop.decisions.first)
        #expect(d.provision.id == "dsa.art74-1")
        #expect(d.replaced.keys.contains("dsa.art52-3"))
        #expect(d.maximum == Money(144_000_000, "EUR"))
        #expect(d.periodic?.perDay == Money(Money.decimal("327868.85")!, "EUR"))
        #expect(d.periodic?.days == 30)
        #expect(d.periodic?.amount == Money(Money.decimal("9836065.50")!, "EUR"))

        // A breach of March 2024 decided on 30 December 2024: the preceding year is 2023 (2024 has
        // not ended): 6 % × 2,150,000,000 = 129,000,000.
        var early = Scenario.statutory
        early.decisionDate = TestSupport.date("2024-12-30")
        let march = Self.breach("dsa.art16.decision", "dsa.art52-3", regime: "dsa", deadline: "2024-03-01T12:00:00+01:00", zone: "Europe/Brussels")
        let y2023 = try Self.statutory(try Self.profile(Self.dsaTurnover), [march], asOf: "2024-12-30T00:00:00Z", scenario: early)
        #expect(y2023.decisions.first?.maximum == Money(129_000_000, "EUR"))
        #expect(y2023.decisions.first?.turnover?.financialYear == "2023")
    }

    @Test("DSA: periodic penalties stop at remediation; a late (done) breach accrues none")
    func dsaPeriodicWindow() throws {
        let p = try Self.profile(designated: true, Self.dsaTurnover)
        let open = Self.breach("dsa.art16.decision", "dsa.art52-3", regime: "dsa", deadline: "2025-09-01T12:00:00+02:00", zone: "Europe/Brussels")
        let scenario = Scenario(
            name: "t",
            regimes: ["dsa": RegimeAssumptions(remediation: TestSupport.date("2025-12-11"), periodicFrom: TestSupport.date("2025-12-01"), periodicUntil: TestSupport.date("2026-03-01"))])
        // 1 Dec … 10 Dec: 10 days × 327,868.85 = 3,278,688.50.
        let d = try #require(try Self.statutory(p, [open], asOf: "2025-11-01T00:00:00Z", scenario: scenario).decisions.first)
        #expect(d.periodic?.days == 10)
        #expect(d.periodic?.amount == Money(Money.decimal("3278688.50")!, "EUR"))
        #expect(d.periodic?.endsBy == "remediation on 2025-12-11")
        var done = open
        done.status = .late
        done.endedAt = TestSupport.instant("2025-09-02T12:00:00+02:00")
        #expect(try Self.statutory(p, [done], asOf: "2025-11-01T00:00:00Z", scenario: scenario).decisions.first?.periodic == nil)
    }

    @Test("A scenario can group one decision per rule: each rule's decision has its own maximum")
    func grouping() throws {
        let p = try Self.profile(Self.dsaTurnover)
        let a = Self.breach("dsa.art16.decision", "dsa.art52-3", regime: "dsa", deadline: "2025-09-01T12:00:00+02:00", zone: "Europe/Brussels")
        let b = Self.breach("dsa.art16.notice-ack", "dsa.art52-3", regime: "dsa", deadline: "2025-09-02T12:00:00+02:00", zone: "Europe/Brussels", caseID: "c2")
        #expect(try Self.statutory(p, [a, b], asOf: "2025-11-01T00:00:00Z").decisions.count == 1)
        let perRule = Scenario(name: "t", regimes: ["dsa": RegimeAssumptions(grouping: .rule)])
        let s = try Self.statutory(p, [a, b], asOf: "2025-11-01T00:00:00Z", scenario: perRule)
        #expect(s.decisions.map(\.group) == ["dsa.art16.decision", "dsa.art16.notice-ack"])
        #expect(s.total == Money(288_000_000, "EUR"))
    }

    @Test("A figure that needs a missing exchange rate is an error naming the fix, never a guess")
    func missingRate() throws {
        let p = try Self.profile("turnover: [{financial_year: \"2024\", from: 2024-01-01, to: 2024-12-31, amount: \"2400000000.00\", currency: EUR}]")
        #expect {
            try Self.statutory(p, [Self.ukBreach])
        } throws: { error in
            (error as? ObligeErrors)?.description.contains("no exchange rate from EUR to GBP") == true
        }
    }

    // MARK: - Monte Carlo

    static func dsaExposure() throws -> StatutoryExposure {
        let p = try profile(designated: true, dsaTurnover)
        let breaches = (0..<10).map { i in
            breach("dsa.art16.decision", "dsa.art52-3", regime: "dsa", status: .late, deadline: "2025-09-0\(i % 9 + 1)T12:00:00+02:00", ended: "2025-09-20T12:00:00+02:00", zone: "Europe/Brussels", caseID: "c\(i)")
        }
        return try statutory(p, breaches, asOf: "2025-11-01T00:00:00Z")
    }

    @Test("Monte Carlo: the same seed gives the same numbers; another seed other numbers")
    func determinism() throws {
        let s = try Self.dsaExposure()
        let a = RegimeAssumptions(probability: Money.decimal("0.4")!, share: .triangular(low: Money.decimal("0.01")!, mode: Money.decimal("0.05")!, high: Money.decimal("0.25")!))
        let one = try Simulation.run(s, scenario: Scenario(name: "t", seed: 7, runs: 2000, regimes: ["dsa": a]))
        let two = try Simulation.run(s, scenario: Scenario(name: "t", seed: 7, runs: 2000, regimes: ["dsa": a]))
        let other = try Simulation.run(s, scenario: Scenario(name: "t", seed: 8, runs: 2000, regimes: ["dsa": a]))
        #expect(one.total.mean == two.total.mean && one.total.p95 == two.total.p95 && one.total.p50 == two.total.p50)
        #expect(one.total.mean != other.total.mean)
        #expect(one.total.p5 <= one.total.p50 && one.total.p50 <= one.total.p95)
    }

    @Test("Monte Carlo: the mean converges on probability × mean share × maximum")
    func convergence() throws {
        let s = try Self.dsaExposure()
        // Expected: 0.4 × (0.01 + 0.05 + 0.25) / 3 × 144,000,000 = 5,952,000.
        let a = RegimeAssumptions(probability: Money.decimal("0.4")!, share: .triangular(low: Money.decimal("0.01")!, mode: Money.decimal("0.05")!, high: Money.decimal("0.25")!))
        let r = try Simulation.run(s, scenario: Scenario(name: "t", seed: 11, runs: 40_000, regimes: ["dsa": a]))
        let mean = r.total.mean.amount
        #expect(abs(mean - 5_952_000) / 5_952_000 < Money.decimal("0.03")!)
        // With probability 0.4, about 60 % of runs impose nothing: p5 and p50 are zero.
        #expect(r.total.p50 == Money.zero("EUR"))
        #expect(abs(r.total.anyPenalty - Money.decimal("0.4")!) < Money.decimal("0.02")!)
    }

    @Test("Per-breach probability: 1 − (1 − p)ⁿ, so fewer breaches mean less risk")
    func perBreach() {
        let a = RegimeAssumptions(probability: Money.decimal("0.01")!, perBreach: true)
        // 1 − 0.99² = 0.0199
        #expect(a.enforcement(breaches: 2) == Money.decimal("0.0199")!)
        #expect(a.enforcement(breaches: 0) == 0)
        #expect(a.enforcement(breaches: 49) > a.enforcement(breaches: 30))
    }

    @Test("A scenario that leaves a regime with breaches unassumed is an error")
    func missingAssumptions() throws {
        let s = try Self.dsaExposure()
        #expect(throws: ObligeErrors.self) { try Simulation.run(s, scenario: Scenario(name: "t", regimes: ["tco": RegimeAssumptions()])) }
    }
}

@Suite struct MoneyTests {
    @Test("Rounding is half away from zero at the minor unit, once")
    func rounding() {
        #expect(Money(Money.decimal("2.345")!, "EUR").rounded() == Money(Money.decimal("2.35")!, "EUR"))
        #expect(Money(Money.decimal("-2.345")!, "EUR").rounded() == Money(Money.decimal("-2.35")!, "EUR"))
        #expect(Money(Money.decimal("1234.5")!, "JPY").rounded() == Money(1235, "JPY"))
        #expect(Money(Money.decimal("144000000")!, "EUR").description == "EUR 144,000,000.00")
        #expect(Money(Money.decimal("-1234.5")!, "USD").description == "USD -1,234.50")
        #expect(Money(Money.decimal("999.999")!, "EUR").plain == "1000.00")
    }

    @Test("Only plain decimals are money: no exponent, grouping or locale")
    func parsing() {
        #expect(Money.decimal("0.06") == Decimal(6) / 100)
        for bad in ["6e-2", "1,000", "0,06", ".5", "5.", "", "1_000"] { #expect(Money.decimal(bad) == nil) }
    }

    @Test("A rate converts both ways, dividing exactly before rounding once")
    func conversion() {
        let rates = ExchangeRates([ExchangeRates.Rate(from: "EUR", to: "GBP", rate: Money.decimal("0.88")!, origin: SourceLocation(file: "t"))])
        #expect(rates.convert(Money(100, "EUR"), to: "GBP")?.result == Money(88, "GBP"))
        // 100 ÷ 0.88 = 113.636… → 113.64
        #expect(rates.convert(Money(100, "GBP"), to: "EUR")?.result == Money(Money.decimal("113.64")!, "EUR"))
        #expect(rates.convert(Money(100, "USD"), to: "EUR") == nil)
    }
}

@Suite struct WhatIfTests {
    static func event(_ id: String, _ type: String, _ at: String) -> Event {
        Event(id: id, caseID: "c", type: type, at: TestSupport.instant(at), origin: SourceLocation(file: "t"))
    }

    @Test("A shifted removal moves sooner but never before the order that preceded it")
    func shiftClamps() {
        let events = [
            Self.event("o", "order.received", "2025-03-01T10:00:00Z"),
            Self.event("r", "content.removed", "2025-03-01T10:50:00Z"),
            Self.event("s", "content.removed", "2025-03-01T10:10:00Z"),
        ]
        let shift = EventShift(types: ["content.removed"], by: -20 * 60 * 1_000_000_000, text: "-PT20M")
        let out = EventShift.apply([shift], to: events)
        #expect(out.map(\.id) == ["o", "s", "r"])
        #expect(out.first { $0.id == "r" }?.at == TestSupport.instant("2025-03-01T10:30:00Z"))
        #expect(out.first { $0.id == "s" }?.at == TestSupport.instant("2025-03-01T10:00:00Z"))
    }
}
