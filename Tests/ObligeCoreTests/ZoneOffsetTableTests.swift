import Foundation
@testable import ObligeCore
import ObligeTestSupport
import Testing

/// `ZoneClock` reads offsets from a table built once per zone instead of asking the zone data
/// for every instant. These tests hold it to the zone data itself, to the second.
@Suite("Zone offset table against the zone data")
struct ZoneOffsetTableTests {
    /// Every zone a shipped rule names, the generator's zones, and zones whose history is
    /// awkward: 30-minute daylight saving (Lord Howe), a skipped day (Apia, 30 December 2011),
    /// negative daylight saving in the zone data (Dublin), changes that are not daylight saving
    /// (Moscow 2011 and 2014, São Paulo abolishing it in 2019), a half-hour offset (Kolkata),
    /// midnight in a gap (Santiago).
    static let zones: [String] = {
        let shipped = (try? RuleLoader.load(root: TestSupport.rulesRoot).rules.map(\.zone.identifier)) ?? []
        let generated = [
            "Europe/Brussels", "Europe/Berlin", "Europe/Paris", "Europe/Amsterdam", "Europe/Madrid", "Europe/Rome",
            "Europe/Vienna", "Europe/Warsaw", "Europe/Dublin", "Europe/London", "America/New_York", "Australia/Sydney",
        ]
        let tricky = [
            "Australia/Lord_Howe", "Pacific/Apia", "Europe/Dublin", "America/Sao_Paulo", "Asia/Kolkata", "UTC",
            "Europe/Moscow", "America/Santiago",
        ]
        return Array(Set(shipped + generated + tricky)).sorted()
    }()

    static let from: Int64 = -2_208_988_800  // 1900-01-01T00:00:00Z
    static let to: Int64 = 7_258_118_400  // 2200-01-01T00:00:00Z

    @Test("a local day found through a remembered offset span is the zone's own, for instants met in any order across changes", arguments: zones)
    func triggerDaysAcrossChanges(_ identifier: String) throws {
        let clock = try #require(ZoneClock(identifier: identifier))
        // Seconds around the zone's changes from 1970 to 2040 (found as in `offsets`), midnights
        // on either side of them, and random instants, each visited in time order and shuffled.
        var instants: [Int64] = []
        var t: Int64 = 0, current = clock.offset(at: Instant(seconds: 0))
        while t < 2_208_988_800 {
            let next = t + 6 * 3600
            if clock.offset(at: Instant(seconds: next)) != current {
                var lo = t, hi = next
                while hi - lo > 1 {
                    let mid = lo + (hi - lo) / 2
                    if clock.offset(at: Instant(seconds: mid)) == current { lo = mid } else { hi = mid }
                }
                for d: Int64 in [-86_400, -3601, -1, 0, 1, 3599, 3600, 86_400] { instants.append(hi + d) }
                current = clock.offset(at: Instant(seconds: hi))
                t = hi
                continue
            }
            t = next
        }
        var rng = SplitMix(seed: 7)
        for _ in 0..<5_000 { instants.append(Int64(rng.next() % 2_208_988_800)) }
        // Out of the table's range: the zone data is asked.
        instants += [Self.from - 1, Self.to, 8_835_955_200]
        var shuffled = instants
        for i in shuffled.indices.reversed() { shuffled.swapAt(i, Int(rng.next() % UInt64(i + 1))) }
        for order in [instants, shuffled] {
            var days = CaseEvaluator.TriggerDays(zones: 2)
            var wrong: [Int64] = []
            for s in order {
                days.forget()
                let at = Instant(seconds: s)
                // Twice per trigger: found, then as found.
                for _ in 0..<2 where days.day(of: at, zone: 1, clocks: [.utc, clock]) != clock.day(of: at) { wrong.append(s) }
            }
            #expect(wrong.isEmpty, "\(identifier): \(wrong.count) instants, first \(wrong.prefix(5))")
        }
    }

    @Test func theRulesZonesAreAmongThoseCompared() throws {
        let rules = try RuleLoader.load(root: TestSupport.rulesRoot).rules
        #expect(!rules.isEmpty)
        for zone in Set(rules.map(\.zone.identifier)) { #expect(Self.zones.contains(zone), "\(zone)") }
        #expect(Self.zones.count >= 19)
    }

    @Test("the offset is the zone data's on both sides of every change and at random instants", arguments: zones)
    func offsets(_ identifier: String) throws {
        let tz = try #require(TimeZone(identifier: identifier))
        let clock = try #require(ZoneClock(identifier: identifier))
        func expected(_ t: Int64) -> Int { tz.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(t))) }

        // Every change, found without the zone data's list of transitions: probing every six
        // hours and halving to the second.
        var changes: Set<Int64> = []
        var t = Self.from - 86_400, current = expected(t)
        while t < Self.to + 86_400 {
            let next = t + 6 * 3600
            if expected(next) != current {
                var lo = t, hi = next
                while hi - lo > 1 {
                    let mid = lo + (hi - lo) / 2
                    if expected(mid) == current { lo = mid } else { hi = mid }
                }
                changes.insert(hi)
                current = expected(hi)
                // A second change within the same six hours is found from here.
                t = hi
                continue
            }
            t = next
        }
        // And those the zone data lists, whether or not the offset changes at them.
        var after = Date(timeIntervalSince1970: TimeInterval(Self.from - 86_400))
        let limit = Date(timeIntervalSince1970: TimeInterval(Self.to + 86_400))
        while let next = tz.nextDaylightSavingTimeTransition(after: after), next > after, next < limit {
            changes.insert(Int64(next.timeIntervalSince1970.rounded(.up)))
            after = next
        }
        if identifier != "UTC" { #expect(changes.count >= 3, "\(identifier) has a history of offsets") }
        var wrong: [Int64] = []
        func check(_ t: Int64) { if clock.offset(at: Instant(seconds: t)) != expected(t) { wrong.append(t) } }
        for change in changes { for t in change - 1...change + 1 { check(t) } }

        // Pseudo-random instants over the whole range, and a few outside it (1800, 2250).
        var rng = SplitMix(seed: identifier.utf8.reduce(0) { $0 &* 31 &+ UInt64($1) })  // the same instants on every run
        for _ in 0..<50_000 { check(Self.from + Int64(rng.next() % UInt64(Self.to - Self.from))) }
        for t: Int64 in [Self.from - 1, Self.from, Self.to - 1, Self.to, -5_364_662_400, 8_835_955_200] { check(t) }
        #expect(wrong.count == 0, "\(identifier): \(wrong.count) instants differ, first \(wrong.sorted().prefix(5))")
    }

    @Test("every day from 1970 to 2100 starts and is read as before", arguments: zones)
    func days(_ identifier: String) throws {
        let tz = try #require(TimeZone(identifier: identifier))
        let clock = try #require(ZoneClock(identifier: identifier))
        let first = CivilDate(year: 1970, month: 1, day: 1).daysSinceEpoch, last = CivilDate(year: 2100, month: 12, day: 31).daysSinceEpoch
        var wrongStarts: [CivilDate] = [], wrongDates: [Int64] = []
        for day in first...last {
            let date = CivilDate(daysSinceEpoch: day)
            let start = Reference.startOfDay(date, tz)
            if clock.startOfDay(date) != start || clock.endOfDay(date.adding(days: -1)) != start { wrongStarts.append(date) }
            for t in [start.seconds - 1, start.seconds, start.seconds + 43_200]
            where clock.date(of: Instant(seconds: t)) != Reference.date(of: t, tz) {
                wrongDates.append(t)
            }
        }
        #expect(wrongStarts.count == 0, "\(identifier): \(wrongStarts.count) days start elsewhere, first \(wrongStarts.prefix(5))")
        #expect(wrongDates.count == 0, "\(identifier): \(wrongDates.count) instants on another date, first \(wrongDates.prefix(5))")
    }
}

/// `ZoneClock` as it was before the table, asking the zone data for every offset: the standard
/// the table is held to.
private enum Reference {
    static func offset(_ t: Int64, _ tz: TimeZone) -> Int { tz.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(t))) }

    static func date(of t: Int64, _ tz: TimeZone) -> CivilDate {
        let local = t + Int64(offset(t, tz))
        let days = local >= 0 ? local / 86_400 : -((-local + 86_399) / 86_400)
        return CivilDate(daysSinceEpoch: Int(days))
    }

    static func startOfDay(_ date: CivilDate, _ tz: TimeZone) -> Instant {
        let local = Int64(date.daysSinceEpoch) * 86_400
        let before = offset(local - 93_600, tz)
        if offset(local, tz) == before, offset(local + 93_600, tz) == before { return Instant(seconds: local - Int64(before)) }
        let probes = [-93_600, -50_400, 0, 50_400, 93_600].map { offset(local + Int64($0), tz) }
        let valid = Set(probes).map { local - Int64($0) }.filter { candidate in candidate + Int64(offset(candidate, tz)) == local }
        if let first = valid.min() { return Instant(seconds: first) }
        var lo = local - Int64(probes.max() ?? 0) - 1, hi = local - Int64(probes.min() ?? 0) + 1
        while hi - lo > 1 {
            let mid = lo + (hi - lo) / 2
            if mid + Int64(offset(mid, tz)) >= local { hi = mid } else { lo = mid }
        }
        return Instant(seconds: hi)
    }
}
