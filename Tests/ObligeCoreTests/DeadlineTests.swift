import ObligeCore
import ObligeTestSupport
import Testing

/// Deadlines computed directly, one row per case the obligations reference says a naive
/// implementation gets wrong. Each expected instant differs from what wall-time or UTC-date
/// arithmetic would give.
@Suite("Deadline computation")
struct DeadlineTests {
    static let rules = try! RuleLoader.load(root: TestSupport.rulesRoot)
    static let calc = DeadlineCalculator(
        calendars: rules.calendars,
        targets: ["notice_ack": .init(name: "notice_ack", duration: try! ISODuration.parseElapsed("PT24H"), rationale: nil)])

    static func event(_ at: String, _ attrs: [String: String] = [:]) -> Event {
        Event(
            id: "t", caseID: "c", type: "order.received", at: TestSupport.instant(at),
            attributes: Attributes(attrs.mapValues { AttributeValue.string($0) }), origin: SourceLocation(file: "test"))
    }

    static func calendar(_ period: String, roll: String? = nil, minWorking: Int? = nil) -> DeadlineSpec {
        let p = try! ISODuration.parseCalendar(period)
        return .calendar(.init(unit: p.unit, count: p.count, duration: p.duration, rollOver: roll, minWorkingDays: minWorking))
    }

    struct Row: Sendable, CustomTestStringConvertible {
        var name: String
        var spec: DeadlineSpec
        var zone: String
        var trigger: String
        var attrs: [String: String] = [:]
        var expected: String
        var testDescription: String { name }
    }

    static let rows: [Row] = [
        Row(name: "24h across the March DST change is 11:00 CEST, not 10:00", spec: .elapsed(try! .parseElapsed("PT24H")),
            zone: "Europe/Berlin", trigger: "2025-03-29T10:00:00+01:00", expected: "2025-03-30T09:00:00Z"),
        Row(name: "24h across the October DST change is 09:00 CET, not 10:00", spec: .elapsed(try! .parseElapsed("PT24H")),
            zone: "Europe/Berlin", trigger: "2025-10-25T10:00:00+02:00", expected: "2025-10-26T08:00:00Z"),
        Row(name: "1h over the spring-forward hour", spec: .elapsed(try! .parseElapsed("PT1H")),
            zone: "Europe/Brussels", trigger: "2025-03-30T01:30:00+01:00", expected: "2025-03-30T01:30:00Z"),
        Row(name: "elapsed time ignores the zone's offset in the log", spec: .elapsed(try! .parseElapsed("PT1H")),
            zone: "Europe/Brussels", trigger: "2025-03-29T04:00:00-05:00", expected: "2025-03-29T10:00:00Z"),
        Row(name: "7 days, day of the event not counted, ends 24:00 local", spec: calendar("P7D"),
            zone: "Europe/Berlin", trigger: "2025-06-02T09:00:00+02:00", expected: "2025-06-09T22:00:00Z"),
        Row(name: "the day of the event is the LOCAL day (00:30 CEST is still 2 June in UTC)", spec: calendar("P1D"),
            zone: "Europe/Berlin", trigger: "2025-06-03T00:30:00+02:00", expected: "2025-06-04T22:00:00Z"),
        Row(name: "7 days ending over Easter roll to Tuesday (Good Friday, weekend, Easter Monday)", spec: calendar("P7D", roll: "DE"),
            zone: "Europe/Berlin", trigger: "2025-04-11T14:00:00+02:00", expected: "2025-04-22T22:00:00Z"),
        Row(name: "a Saturday last day rolls to Monday, across the DST change", spec: calendar("P7D", roll: "DE"),
            zone: "Europe/Berlin", trigger: "2025-03-22T12:00:00+01:00", expected: "2025-03-31T22:00:00Z"),
        Row(name: "without roll_over a Saturday last day stands", spec: calendar("P7D"),
            zone: "Europe/Berlin", trigger: "2025-03-22T12:00:00+01:00", expected: "2025-03-29T23:00:00Z"),
        Row(name: "roll-over through German Unity Day (Friday) and the weekend", spec: calendar("P3D", roll: "DE"),
            zone: "Europe/Berlin", trigger: "2025-09-30T10:00:00+02:00", expected: "2025-10-06T22:00:00Z"),
        Row(name: "31 January + 1 month ends at the end of 28 February", spec: calendar("P1M"),
            zone: "Europe/Brussels", trigger: "2025-01-31T12:00:00+01:00", expected: "2025-02-28T23:00:00Z"),
        Row(name: "in a leap year, 29 February", spec: calendar("P1M"),
            zone: "Europe/Brussels", trigger: "2024-01-31T12:00:00+01:00", expected: "2024-02-29T23:00:00Z"),
        Row(name: "29 February + 1 year ends on 28 February", spec: calendar("P1Y"),
            zone: "America/New_York", trigger: "2024-02-29T12:00:00-05:00", expected: "2025-03-01T05:00:00Z"),
        Row(name: "1 week ends on the same weekday", spec: calendar("P1W"),
            zone: "Europe/Paris", trigger: "2025-05-05T10:00:00+02:00", expected: "2025-05-12T22:00:00Z"),
        Row(name: "Art 3(5): two days over a weekend include two working days", spec: calendar("P2D", roll: "FR", minWorking: 2),
            zone: "Europe/Paris", trigger: "2025-06-06T10:00:00+02:00", expected: "2025-06-11T22:00:00Z"),
        Row(name: "an authority's date-only respond_by ends that day in the rule's zone", spec: .attribute(name: "respond_by", zoneAttribute: "zone", otherwise: nil),
            zone: "Europe/Brussels", trigger: "2025-09-01T10:00:00+02:00", attrs: ["respond_by": "2025-09-05"], expected: "2025-09-05T22:00:00Z"),
        Row(name: "…or in the zone the event names", spec: .attribute(name: "respond_by", zoneAttribute: "zone", otherwise: nil),
            zone: "Europe/Brussels", trigger: "2025-09-01T10:00:00+02:00", attrs: ["respond_by": "2025-09-05", "zone": "Europe/London"],
            expected: "2025-09-05T23:00:00Z"),
        Row(name: "a respond_by date-time is taken as written", spec: .attribute(name: "respond_by", zoneAttribute: nil, otherwise: nil),
            zone: "Europe/Brussels", trigger: "2025-09-01T10:00:00+02:00", attrs: ["respond_by": "2025-09-05T12:00:00+02:00"],
            expected: "2025-09-05T10:00:00Z"),
        Row(name: "without respond_by the fallback target applies", spec: .attribute(name: "respond_by", zoneAttribute: nil, otherwise: .target(name: "notice_ack")),
            zone: "Europe/Brussels", trigger: "2025-09-01T10:00:00+02:00", expected: "2025-09-02T08:00:00Z"),
        Row(name: "a platform target is elapsed time from the trigger", spec: .target(name: "notice_ack"),
            zone: "Europe/Brussels", trigger: "2025-10-25T12:00:00+02:00", expected: "2025-10-26T10:00:00Z"),
    ]

    @Test("deadlines", arguments: rows)
    func deadline(_ row: Row) throws {
        let zone = try #require(ZoneClock(identifier: row.zone))
        let e = Self.event(row.trigger, row.attrs)
        let c = try Self.calc.compute(row.spec, from: e.at, trigger: e, zone: zone)
        #expect(c.deadline == TestSupport.instant(row.expected), "\(c.steps.joined(separator: "\n"))")
        #expect(!c.steps.isEmpty)
    }

    @Test func rollOverIsExplainedStepByStep() throws {
        let zone = try #require(ZoneClock(identifier: "Europe/Berlin"))
        let e = Self.event("2025-04-11T14:00:00+02:00")
        let c = try Self.calc.compute(Self.calendar("P7D", roll: "DE"), from: e.at, trigger: e, zone: zone)
        let text = c.steps.joined(separator: "\n")
        #expect(text.contains("Friday 2025-04-18 is a public holiday"))
        #expect(text.contains("Monday 2025-04-21 is a public holiday"))
        #expect(text.contains("Tuesday 2025-04-22 (Art 3(4); BGB §193)"))
        #expect(text.contains("not counted"))
    }

    @Test func problemsAreReportedNotGuessed() throws {
        let zone = try #require(ZoneClock(identifier: "Europe/Brussels"))
        let e = Self.event("2025-09-01T10:00:00+02:00")
        #expect(throws: DeadlineProblem.self) {
            try Self.calc.compute(DeadlineSpec.attribute(name: "respond_by", zoneAttribute: nil, otherwise: nil), from: e.at, trigger: e, zone: zone)
        }
        #expect(throws: DeadlineProblem.self) { try Self.calc.compute(DeadlineSpec.target(name: "unset"), from: e.at, trigger: e, zone: zone) }
        // A period ending beyond the calendar's data is an error, never an unchecked roll-over.
        let late = Self.event("2035-12-28T10:00:00+01:00")
        #expect(throws: DeadlineProblem.self) { try Self.calc.compute(Self.calendar("P7D", roll: "DE"), from: late.at, trigger: late, zone: zone) }
    }

    @Test(arguments: ["P1D", "P1W", "PT", "1H", "P1H", "PT1.5H", "P"])
    func elapsedDurationsAreRealTimeOnly(_ text: String) {
        #expect(throws: ISODuration.ParseError.self) { try ISODuration.parseElapsed(text) }
    }

    @Test(arguments: ["PT24H", "P1M2D", "P1DT2H"])
    func calendarPeriodsHaveOneUnit(_ text: String) {
        #expect(throws: ISODuration.ParseError.self) { try ISODuration.parseCalendar(text) }
    }
}
