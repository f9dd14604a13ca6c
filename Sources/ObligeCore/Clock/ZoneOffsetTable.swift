import Foundation

/// One zone's UTC offsets from 1900 to 2200, as the instants they change at, read once from the
/// system's zone data.
///
/// Foundation answers `secondsFromGMT(for:)` through ICU behind a lock, and deadlines ask for
/// offsets several times each: on a large log that was 2 to 4 % of the audit's CPU, with the
/// audit's two threads taking turns at the lock. This table answers the same question with a
/// binary search over immutable arrays: no lock, no allocation, and safe to share between
/// threads. Outside its range it asks the zone data.
final class ZoneOffsetTable: Sendable {
    /// The zone data, asked outside the table's range.
    private let zone: TimeZone

    /// 1900-01-01T00:00:00Z up to 2200-01-01T00:00:00Z, seconds since the epoch.
    static let range: Range<Int64> = -2_208_988_800..<7_258_118_400

    /// The instant (seconds since the epoch) from which each offset holds, ascending; the first
    /// is the start of the range.
    private let starts: [Int64]
    /// The offset in seconds holding from the matching start until the next one.
    private let offsets: [Int32]
    /// Where the table stops answering: the end of the range, or where it stopped reading if the
    /// zone data listed implausibly many changes.
    private let end: Int64

    /// Reads the changes from the zone data's own list of transitions.
    ///
    /// Foundation on Linux lists every change of offset there, not only daylight-saving ones
    /// (Europe/Moscow 2011 and 2014, Pacific/Apia skipping 30 December 2011 are in it); it also
    /// lists a few that leave the total offset as it was (standard time and daylight saving
    /// trading places), which are skipped here. Each change is checked against
    /// the offset on either side of it, so the table holds exactly the offsets `secondsFromGMT`
    /// gives, to the second; the tests compare the two for every zone the rules use.
    init(_ zone: TimeZone) {
        self.zone = zone
        func offset(_ t: Int64) -> Int { zone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(t))) }
        var starts = [Self.range.lowerBound]
        var current = offset(Self.range.lowerBound)
        var offsets = [Int32(truncatingIfNeeded: current)]
        var end = Self.range.upperBound
        var after = Date(timeIntervalSince1970: TimeInterval(Self.range.lowerBound))
        while let next = zone.nextDaylightSavingTimeTransition(after: after), next > after {
            after = next
            // The first whole second at or after the transition.
            let t = Int64(next.timeIntervalSince1970.rounded(.up))
            guard t < Self.range.upperBound else { break }
            guard starts.count < 100_000 else {
                end = t
                break
            }
            // Nearly always the offset changes exactly at t; otherwise search back to the last
            // change for each second at which it did change.
            while offset(t) != current {
                var lo = starts[starts.count - 1], hi = t  // offset(lo) == current != offset(hi)
                if offset(t - 1) == current { lo = t - 1 }
                while hi - lo > 1 {
                    let mid = lo + (hi - lo) / 2
                    if offset(mid) == current { lo = mid } else { hi = mid }
                }
                current = offset(hi)
                starts.append(hi)
                offsets.append(Int32(truncatingIfNeeded: current))
            }
        }
        self.starts = starts
        self.offsets = offsets
        self.end = end
    }

    private init(zone: TimeZone, starts: [Int64], offsets: [Int32], end: Int64) {
        self.zone = zone
        self.starts = starts
        self.offsets = offsets
        self.end = end
    }

    /// The same table in storage of its own (see `ZoneClock.privateCopy`).
    func privateCopy() -> ZoneOffsetTable { ZoneOffsetTable(zone: zone, starts: starts.map { $0 }, offsets: offsets.map { $0 }, end: end) }

    /// The offset in force at an instant (whole seconds since the epoch).
    func offset(at t: Int64) -> Int { span(at: t)?.offset ?? zone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(t))) }

    /// The offset in force at `t`, with the seconds `from..<until` (around `t`) over which it
    /// holds; nil outside the table, where the zone data is asked.
    func span(at t: Int64) -> (from: Int64, until: Int64, offset: Int)? {
        guard t >= Self.range.lowerBound, t < end else { return nil }
        // The last start at or before t: starts[lo] <= t < starts[hi].
        var lo = 0, hi = starts.count
        while hi - lo > 1 {
            let mid = (lo + hi) >> 1
            if starts[mid] <= t { lo = mid } else { hi = mid }
        }
        return (starts[lo], lo + 1 < starts.count ? Swift.min(starts[lo + 1], end) : end, Int(offsets[lo]))
    }
}
