/// xoshiro256** (Blackman and Vigna), seeded through SplitMix64 from a seed and a stream name.
///
/// Each consumer draws from its own named stream, so adding a draw to one cannot change another's:
/// in the exposure simulation each regime has its stream (adding a regime or a decision elsewhere
/// does not change another regime's draws, and a what-if variant meets the same luck as the
/// baseline); the load generator keeps the events, their disorder and their duplicates apart.
/// The same seed and stream give the same numbers on every machine.
struct Xoshiro256 {
    var s: (UInt64, UInt64, UInt64, UInt64)

    init(seed: UInt64, stream: String) {
        var x = seed ^ FNV1a.hash(stream)  // the stream's name, hashed the same in every run
        func splitmix() -> UInt64 {
            x = x &+ 0x9e37_79b9_7f4a_7c15
            var z = x
            z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
            z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
            return z ^ (z >> 31)
        }
        s = (splitmix(), splitmix(), splitmix(), splitmix())
    }

    mutating func next() -> UInt64 {
        let result = ((s.1 &* 5) << 7 | (s.1 &* 5) >> 57) &* 9
        let t = s.1 << 17
        s.2 ^= s.0
        s.3 ^= s.1
        s.1 ^= s.2
        s.0 ^= s.3
        s.2 ^= t
        s.3 = s.3 << 45 | s.3 >> 19
        return result
    }

    /// Uniform in [0, 1) with 53 random bits.
    mutating func nextUnit() -> Double { Double(next() >> 11) * 0x1.0p-53 }
}

extension Xoshiro256 {
    /// Uniform in `0 ..< n` (n > 0), by the high half of a 128-bit product: no modulo bias worth
    /// the name at these sizes, and no loop.
    mutating func below(_ n: Int) -> Int {
        Int(truncatingIfNeeded: UInt64(n).multipliedFullWidth(by: next()).high)
    }

    /// Uniform in `range` (not empty).
    mutating func int(in range: ClosedRange<Int>) -> Int { range.lowerBound + below(range.count) }

    /// True with probability `p`.
    mutating func chance(_ p: Double) -> Bool { nextUnit() < p }
}
