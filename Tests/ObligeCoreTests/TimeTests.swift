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
