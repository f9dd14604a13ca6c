import ObligeCore
import ObligeTestSupport
import Testing

@Suite("RFC 3339 instants")
struct InstantTests {
    @Test(
        "the same instant written with different offsets is one instant",
        arguments: [
            "2025-03-29T09:00:00Z", "2025-03-29T10:00:00+01:00", "2025-03-29T11:00:00+02:00",
            "2025-03-29T04:00:00-05:00", "2025-03-29t09:00:00z", "2025-03-29 09:00:00Z", "2025-03-29T14:30:00+05:30",
        ])
    func offsets(_ text: String) throws {
        #expect(try Instant.parseRFC3339(text) == Instant(seconds: 1_743_238_800))
    }

    @Test func fractionalSeconds() throws {
        let i = try Instant.parseRFC3339("2025-03-29T09:00:00.123456789Z")
        #expect(i.nanoseconds == 1_743_238_800_123_456_789)
        #expect(i.rfc3339 == "2025-03-29T09:00:00.123456789Z")
        #expect(try Instant.parseRFC3339("2025-03-29T09:00:00.5+01:00").rfc3339 == "2025-03-29T08:00:00.5Z")
    }

    @Test("the first and last instants 64-bit nanoseconds hold are read exactly")
    func extremes() throws {
        #expect(try Instant.parseRFC3339("2262-04-11T23:47:16.854775807Z").nanoseconds == Int64.max)
        #expect(try Instant.parseRFC3339("1677-09-21T00:12:43.145224192Z").nanoseconds == Int64.min)
        #expect(try Instant.parseRFC3339("1969-12-31T23:59:59.25Z").nanoseconds == -750_000_000)
    }

    @Test(
        "malformed or ambiguous times are refused",
        arguments: [
            ("2025-03-29T09:00:00", Instant.RFC3339Error.missingOffset),
            ("2025-03-29", .missingOffset),
            ("2025-02-29T09:00:00Z", .outOfRange("day 29 of 2025-02")),
            ("2025-13-01T09:00:00Z", .outOfRange("month 13")),
            ("2025-03-29T24:00:00Z", .outOfRange("hour 24")),
            ("2025-06-30T23:59:60Z", .outOfRange("second 60 (leap seconds are not accepted)")),
            // Beyond what 64-bit nanoseconds hold (2262-04-11T23:47:16.854775807Z and
            // 1677-09-21T00:12:43.145224192Z): refused, where it used to trap.
            ("2262-04-12T00:00:00Z", .outOfRange("year 2262")),
            ("1677-09-21T00:12:43Z", .outOfRange("year 1677")),
            ("9999-12-31T23:59:59+14:00", .outOfRange("year 9999")),
            ("2025-03-29T09:00:00+0100", .malformed),
            ("yesterday", .malformed),
            ("2025-03-29T09:00:00.Z", .malformed),
        ])
    func refused(_ text: String, _ expected: Instant.RFC3339Error) {
        #expect(throws: expected) { try Instant.parseRFC3339(text) }
    }

    @Test func formatsInAZone() throws {
        let berlin = try #require(ZoneClock(identifier: "Europe/Berlin"))
        let i = TestSupport.instant("2025-03-30T09:00:00Z")
        #expect(berlin.format(i) == "2025-03-30T11:00:00+02:00")
        #expect(berlin.format(TestSupport.instant("2025-03-29T09:00:00Z")) == "2025-03-29T10:00:00+01:00")
        #expect(Instant(seconds: -1).rfc3339 == "1969-12-31T23:59:59Z")
    }
}

@Suite("Civil dates")
struct CivilDateTests {
    @Test(
        "month arithmetic clamps to the month's last day (1182/71 Art 3(2)(c), BGB §188(3))",
        arguments: [
            ("2025-01-31", 1, "2025-02-28"), ("2024-01-31", 1, "2024-02-29"), ("2025-03-31", 1, "2025-04-30"),
            ("2024-02-29", 12, "2025-02-28"), ("2025-08-31", 6, "2026-02-28"), ("2025-11-15", 3, "2026-02-15"),
            ("2025-03-31", -1, "2025-02-28"),
        ])
    func months(_ start: String, _ months: Int, _ expected: String) {
        #expect(TestSupport.date(start).adding(months: months) == TestSupport.date(expected))
    }

    @Test func weekdaysAndEpochRoundTrip() {
        #expect(TestSupport.date("1970-01-01").isoWeekday == 4)
        #expect(TestSupport.date("2025-03-16").isoWeekday == 7)  // the UK deadline that did not roll
        #expect(TestSupport.date("2000-02-29").weekdayName == "Tuesday")
        for days in stride(from: -800_000, through: 800_000, by: 997) {
            #expect(CivilDate(daysSinceEpoch: days).daysSinceEpoch == days)
        }
    }
}

@Suite("Zone clocks across daylight-saving changes")
struct ZoneClockTests {
    @Test(
        "a local day starts and ends at the right instants, 23- and 25-hour days included",
        arguments: [
            ("Europe/Berlin", "2025-03-30", "2025-03-29T23:00:00Z", "2025-03-30T22:00:00Z"),  // 23 hours
            ("Europe/Berlin", "2025-10-26", "2025-10-25T22:00:00Z", "2025-10-26T23:00:00Z"),  // 25 hours
            ("Europe/London", "2025-03-30", "2025-03-30T00:00:00Z", "2025-03-30T23:00:00Z"),
            ("Australia/Sydney", "2025-04-06", "2025-04-05T13:00:00Z", "2025-04-06T14:00:00Z"),  // DST ends
            ("America/New_York", "2025-03-09", "2025-03-09T05:00:00Z", "2025-03-10T04:00:00Z"),
            // Midnight does not exist: Chile springs forward from 00:00 to 01:00.
            ("America/Santiago", "2024-09-08", "2024-09-08T04:00:00Z", "2024-09-09T03:00:00Z"),
        ])
    func dayBounds(_ zone: String, _ date: String, _ start: String, _ end: String) throws {
        let z = try #require(ZoneClock(identifier: zone))
        #expect(z.startOfDay(TestSupport.date(date)) == TestSupport.instant(start))
        #expect(z.endOfDay(TestSupport.date(date)) == TestSupport.instant(end))
    }

    @Test func localDateOfAnInstant() throws {
        let berlin = try #require(ZoneClock(identifier: "Europe/Berlin"))
        // 22:30 UTC on 2 June is already 3 June in Berlin.
        #expect(berlin.date(of: TestSupport.instant("2025-06-02T22:30:00Z")) == TestSupport.date("2025-06-03"))
        #expect(ZoneClock(identifier: "Mars/Olympus_Mons") == nil)
    }
}

@Suite("Holiday calendars")
struct HolidayCalendarTests {
    @Test(arguments: [(2024, "2024-03-31"), (2025, "2025-04-20"), (2026, "2026-04-05"), (2035, "2035-03-25")])
    func westernEaster(_ year: Int, _ expected: String) {
        #expect(HolidayCalendar.westernEaster(year) == TestSupport.date(expected))
    }

    @Test(arguments: [(2024, "2024-05-05"), (2025, "2025-04-20"), (2026, "2026-04-12"), (2023, "2023-04-16")])
    func orthodoxEaster(_ year: Int, _ expected: String) {
        #expect(HolidayCalendar.orthodoxEaster(year) == TestSupport.date(expected))
    }

    @Test func shippedCalendarsLoadAndKnowTheirDays() throws {
        let rules = try RuleLoader.load(root: TestSupport.rulesRoot)
        let de = try #require(rules.calendars["DE"])
        #expect(try de.nonWorkingReason(TestSupport.date("2025-04-18"))?.contains("public holiday") == true)  // Karfreitag
        #expect(try de.nonWorkingReason(TestSupport.date("2025-10-03")) != nil)  // Tag der Deutschen Einheit
        #expect(try de.nonWorkingReason(TestSupport.date("2025-04-22")) == nil)
        #expect(try de.nonWorkingReason(TestSupport.date("2025-03-29")) == "Saturday")
        let uk = try #require(rules.calendars["GB-EW"])
        // Christmas 2022 fell on a Sunday and Boxing Day on Monday: the substitute is Tuesday 27th.
        #expect(try uk.nonWorkingReason(TestSupport.date("2022-12-27")) != nil)
        #expect(try uk.nonWorkingReason(TestSupport.date("2022-12-28")) == nil)
        #expect(throws: HolidayCalendar.LookupError.self) { try de.nonWorkingReason(TestSupport.date("2040-01-02")) }
        for id in ["DE", "FR", "IE", "NL", "BE", "GB-EW"] { #expect(rules.calendars[id] != nil, "calendar \(id)") }
    }
}

/// The timelines' instants and dates are written into a stack buffer; these are the texts the
/// string-concatenating version wrote, over the whole range an instant can hold.
@Suite("Instant and date text")
struct InstantTextTests {
    /// The earlier formatting, kept as the reference.
    static func reference(_ i: Instant, offset: Int) -> String {
        func pad2(_ v: Int) -> String { v < 10 ? "0\(v)" : "\(v)" }
        func iso(_ d: CivilDate) -> String {
            let y = d.year >= 0 && d.year < 10000 ? String(repeating: "0", count: max(0, 4 - String(d.year).count)) + String(d.year) : String(d.year)
            return y + "-" + pad2(d.month) + "-" + pad2(d.day)
        }
        let local = i.seconds + Int64(offset)
        let days = local >= 0 ? local / 86_400 : -((-local - 1) / 86_400) - 1
        let secondOfDay = Int(local - days * 86_400)
        var s = iso(CivilDate(daysSinceEpoch: Int(days))) + "T" + pad2(secondOfDay / 3600) + ":" + pad2(secondOfDay / 60 % 60) + ":" + pad2(secondOfDay % 60)
        let sub = i.subsecondNanoseconds
        if sub != 0 {
            var digits = String(sub)
            digits = String(repeating: "0", count: 9 - digits.count) + digits
            while digits.hasSuffix("0") { digits.removeLast() }
            s += "." + digits
        }
        if offset == 0 { return s + "Z" }
        let magnitude = abs(offset)
        return s + (offset < 0 ? "-" : "+") + pad2(magnitude / 3600) + ":" + pad2(magnitude / 60 % 60)
    }

    @Test("Every kind of instant and offset is written as before")
    func sameText() {
        var state: UInt64 = 7
        func next() -> UInt64 {  // SplitMix64
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        let offsets = [0, 3600, -18000, 19800, 20700, -34200, 50400, -43200, 1, -59, 86_399]
        var instants: [Instant] = [
            Instant(nanoseconds: 0), Instant(nanoseconds: -1), Instant(nanoseconds: 1), Instant(nanoseconds: Int64.max), Instant(nanoseconds: Int64.min + 1_000_000_000),
            Instant(nanoseconds: 1_735_689_600_000_000_000), Instant(nanoseconds: 1_735_689_600_039_000_000), Instant(nanoseconds: 1_735_689_599_999_999_999),
            Instant(nanoseconds: -62_135_596_800_000_000),
        ]
        for _ in 0..<20_000 { instants.append(Instant(nanoseconds: Int64(bitPattern: next()))) }
        for i in instants {
            for o in offsets { #expect(i.formatted(offsetSeconds: o) == Self.reference(i, offset: o), "\(i.nanoseconds) \(o)") }
        }
    }

    @Test("Dates are YYYY-MM-DD, years outside 0-9999 unpadded")
    func dates() {
        #expect(CivilDate(daysSinceEpoch: 0).iso8601 == "1970-01-01")
        for days in [-719_528, -719_529, -800_000, 2_932_896, 3_000_000, 20_000, -1] {
            let d = CivilDate(daysSinceEpoch: days)
            let y = d.year >= 0 && d.year < 10000 ? String(repeating: "0", count: max(0, 4 - String(d.year).count)) + String(d.year) : String(d.year)
            #expect(d.iso8601 == y + "-" + (d.month < 10 ? "0" : "") + "\(d.month)-" + (d.day < 10 ? "0" : "") + "\(d.day)", "\(days)")
        }
    }
}
