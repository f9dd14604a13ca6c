import Foundation
import Synchronization

/// Local calendar arithmetic in one IANA time zone.
///
/// This is the only place local wall time exists in Oblige. It answers two questions: on which
/// local date did an instant fall, and at which instant does a local date begin. Both are exact
/// across daylight-saving changes, including days of 23 and 25 hours and zones whose midnight
/// falls in a gap.
public struct ZoneClock: Sendable, Hashable {
    public let identifier: String
    /// The zone's offsets, read once per process, so that a look-up does not call into ICU.
    private let offsets: ZoneOffsetTable

    public init?(identifier: String) {
        if let offsets = Self.tables.withLock({ $0[identifier] }) {
            self.offsets = offsets
        } else {
            guard let zone = TimeZone(identifier: identifier) else { return nil }
            // Built outside the lock: two threads may both build one, and the first kept wins.
            let built = ZoneOffsetTable(zone)
            offsets = Self.tables.withLock { tables in
                if let known = tables[identifier] { return known }
                if tables.count < 1_000 { tables[identifier] = built }
                return built
            }
        }
        self.identifier = identifier
    }

    /// Each zone's offset table by name: events that name their zone make a clock per event,
    /// and reading a table asks the zone data about a thousand times.
    private static let tables = Mutex<[String: ZoneOffsetTable]>([:])

    public static let utc = ZoneClock(identifier: "UTC")!

    /// Whether `identifier` names a zone, remembered per name: logs repeat a few zone names
    /// millions of times, and asking the zone database each time is slow.
    public static func isKnown(_ identifier: String) -> Bool {
        if let known = knownNames.withLock({ $0[identifier] }) { return known }
        let known = TimeZone(identifier: identifier) != nil
        knownNames.withLock { names in if names.count < 10_000 { names[identifier] = known } }
        return known
    }

    private static let knownNames = Mutex<[String: Bool]>([:])

    /// Clocks of one zone nearly always share their table, which is cheaper to compare than names.
    public static func == (l: ZoneClock, r: ZoneClock) -> Bool { l.offsets === r.offsets || l.identifier == r.identifier }
    public func hash(into h: inout Hasher) { h.combine(identifier) }

    /// The zone's UTC offset in force at an instant, in seconds.
    public func offset(at instant: Instant) -> Int { offsets.offset(at: instant.seconds) }

    /// The local date on which an instant falls.
    public func date(of instant: Instant) -> CivilDate { CivilDate(daysSinceEpoch: day(of: instant)) }

    /// The offset in force at an instant, and the whole seconds since the epoch over which it
    /// holds (`ZoneOffsetTable.span`); nil where the table does not answer.
    func offsetSpan(at instant: Instant) -> (from: Int64, until: Int64, offset: Int)? { offsets.span(at: instant.seconds) }

    /// `date(of:)` as days since 1970-01-01, with no date made.
    func day(of instant: Instant) -> Int {
        let local = instant.seconds + Int64(offset(at: instant))
        return Int(local.floorDivided(by: 86_400))
    }

    /// The same clock over a table of its own. Clocks of one zone share one table per process,
    /// and so its count of references: threads that copy clocks by the million (the verdict
    /// pass, per trigger) would otherwise contend for that one count.
    func privateCopy() -> ZoneClock { ZoneClock(identifier: String(decoding: Array(identifier.utf8), as: UTF8.self), offsets: offsets.privateCopy()) }

    private init(identifier: String, offsets: ZoneOffsetTable) {
        self.identifier = identifier
        self.offsets = offsets
    }

    /// The instant written in this zone's local time with its offset.
    public func format(_ instant: Instant) -> String { instant.formatted(offsetSeconds: offset(at: instant)) }

    /// The first instant of a local date: its midnight, or, where midnight falls in a
    /// daylight-saving gap, the first instant after the gap.
    public func startOfDay(_ date: CivilDate) -> Instant {
        let local = Int64(date.daysSinceEpoch) * 86_400
        // Nearly always one offset is in force from a day before to a day after: then midnight
        // is read with it, and the zone database is asked three times instead of about ten.
        let before = offset(at: Instant(seconds: local - 93_600))
        if offset(at: Instant(seconds: local)) == before, offset(at: Instant(seconds: local + 93_600)) == before {
            return Instant(seconds: local - Int64(before))
        }
        // Every offset in force within 26 hours of that wall time is a candidate reading.
        let probes = [-93_600, -50_400, 0, 50_400, 93_600].map { offset(at: Instant(seconds: local + Int64($0))) }
        let valid = Set(probes).map { local - Int64($0) }.filter { candidate in
            candidate + Int64(offset(at: Instant(seconds: candidate))) == local
        }
        if let first = valid.min() { return Instant(seconds: first) }
        // Midnight does not exist: find the transition, the first instant whose local time is
        // at or after midnight of that date.
        var lo = local - Int64(probes.max() ?? 0) - 1, hi = local - Int64(probes.min() ?? 0) + 1
        while hi - lo > 1 {
            let mid = lo + (hi - lo) / 2
            if mid + Int64(offset(at: Instant(seconds: mid))) >= local { hi = mid } else { lo = mid }
        }
        return Instant(seconds: hi)
    }

    /// The end of a local date: the instant the next date begins. Regulation 1182/71
    /// Art 3(2)(b) ends a period "with the expiry of the last hour of the last day", which is
    /// exactly this instant; an act at it is on time.
    public func endOfDay(_ date: CivilDate) -> Instant { startOfDay(date.adding(days: 1)) }
}
