/// A zone's UTC offsets over a stretch of time, read once from the system's zone data
/// (`ZoneClock`) so that the generator can look one up per event without Foundation.
struct ZoneOffsets {
    /// The offset from each instant on (seconds since the epoch), in order; the first entry holds
    /// from the start of the stretch.
    private var starts: [Int64] = []
    private var offsets: [Int] = []
    private let clock: ZoneClock
    private let range: ClosedRange<Int64>

    /// The instants at which the offset changes within the stretch (daylight saving).
    var transitions: [Int64] { Array(starts.dropFirst()) }

    init(_ clock: ZoneClock, from: Int64, through: Int64) {
        self.clock = clock
        range = from...through
        func offset(_ t: Int64) -> Int { clock.offset(at: Instant(seconds: t)) }
        var t = from
        var current = offset(t)
        starts = [from]
        offsets = [current]
        // Zones change offset at most a few times a year: probing every six hours finds each
        // change, and halving the step finds its second.
        let step: Int64 = 6 * 3600
        while t < through {
            let next = min(t + step, through)
            let o = offset(next)
            if o != current {
                var lo = t, hi = next  // offset(lo) == current, offset(hi) != current
                while hi - lo > 1 {
                    let mid = lo + (hi - lo) / 2
                    if offset(mid) == current { lo = mid } else { hi = mid }
                }
                starts.append(hi)
                offsets.append(offset(hi))
                current = offset(hi)
            }
            t = next
        }
    }

    /// The offset in force at an instant (seconds); outside the stretch, asked of the zone data.
    func offset(at t: Int64) -> Int {
        guard range.contains(t) else { return clock.offset(at: Instant(seconds: t)) }
        var i = starts.count - 1
        while starts[i] > t { i -= 1 }
        return offsets[i]
    }

    /// The instant a local date ends (the next local midnight): what a date-only deadline means.
    func endOfDay(_ days: Int) -> Int64 {
        let midnight = Int64(days + 1) * 86_400
        return midnight - Int64(offset(at: midnight - Int64(offset(at: midnight))))
    }

    /// The instant of a local wall time on a date (no zone here changes offset at these hours
    /// except in the small hours of a change weekend, which the generator avoids for wall times).
    func instant(days: Int, hour: Int, minute: Int = 0) -> Int64 {
        let local = Int64(days) * 86_400 + Int64(hour * 3600 + minute * 60)
        return local - Int64(offset(at: local - Int64(offset(at: local))))
    }

    /// The local date an instant falls on.
    func days(of t: Int64) -> Int { Int((t + Int64(offset(at: t))).floorDivided(by: 86_400)) }
}
