/// A point on the UTC time line, to the nanosecond.
///
/// Every clock in Oblige runs on instants, never on local wall time: an elapsed deadline is
/// instant arithmetic, so a daylight-saving change can never shift it. Local calendars only
/// decide *which* instant a calendar period ends at (see `ZoneClock`).
public struct Instant: Hashable, Comparable, Sendable {
    /// Nanoseconds since 1970-01-01T00:00:00Z.
    public var nanoseconds: Int64

    public init(nanoseconds: Int64) { self.nanoseconds = nanoseconds }

    public init(seconds: Int64, nanoseconds: Int64 = 0) {
        self.nanoseconds = seconds * 1_000_000_000 + nanoseconds
    }

    /// Whole seconds since the epoch, rounded towards the past.
    public var seconds: Int64 { nanoseconds.floorDivided(by: 1_000_000_000) }

    /// The part below the second, 0 ..< 1_000_000_000.
    public var subsecondNanoseconds: Int64 { nanoseconds - seconds * 1_000_000_000 }

    public static func < (lhs: Instant, rhs: Instant) -> Bool { lhs.nanoseconds < rhs.nanoseconds }

    public func adding(seconds: Int64) -> Instant { Instant(nanoseconds: nanoseconds + seconds * 1_000_000_000) }
    public func adding(nanoseconds delta: Int64) -> Instant { Instant(nanoseconds: nanoseconds + delta) }

    /// Nanoseconds from `other` to `self` (positive when `self` is later).
    public func nanoseconds(since other: Instant) -> Int64 { nanoseconds - other.nanoseconds }
}

extension Int64 {
    /// Division rounding towards negative infinity (Swift's `/` rounds towards zero).
    @inlinable
    func floorDivided(by divisor: Int64) -> Int64 {
        let q = self / divisor
        return (self % divisor != 0 && (self < 0) != (divisor < 0)) ? q - 1 : q
    }
}

// MARK: - RFC 3339

extension Instant {
    public enum RFC3339Error: Error, Equatable, Sendable {
        /// The text is not of the shape `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)`.
        case malformed
        /// The shape is right but a field is out of range (month 13, 31 April, hour 24, second 60…).
        case outOfRange(String)
        /// A date-time without `Z` or an offset: ambiguous across daylight-saving changes.
        case missingOffset
    }

    /// Parses an RFC 3339 date-time with a mandatory `Z` or numeric offset.
    ///
    /// Accepts `T`, `t` or a space between date and time (RFC 3339 §5.6 note), `z` for `Z`, and up
    /// to nine fractional digits (more are an error rather than silently truncated). A leap second
    /// (`:60`) is refused: no clock in the laws Oblige encodes depends on one, and accepting it
    /// would need a table nobody can audit.
    public static func parseRFC3339(_ text: some StringProtocol) throws(RFC3339Error) -> Instant {
        var utf8 = Array(text.utf8)
        return try utf8.withUnsafeMutableBufferPointer { buffer throws(RFC3339Error) in
            try parseRFC3339(UnsafeBufferPointer(buffer))
        }
    }

    /// Byte-level parser shared by the log scanners (no String is built on the hot path).
    public static func parseRFC3339(_ b: UnsafeBufferPointer<UInt8>) throws(RFC3339Error) -> Instant {
        try parseRFC3339WithOffset(b).instant
    }

    /// The instant and the UTC offset it was written with (0 for `Z`), in one pass over the bytes:
    /// events keep the offset so timelines can echo the platform's own reading.
    static func parseRFC3339WithOffset(_ b: UnsafeBufferPointer<UInt8>) throws(RFC3339Error) -> (instant: Instant, offsetSeconds: Int) {
        let n = b.count
        guard n >= 19 else {
            if n == 10, let _ = try? CivilDate.parse(b) { throw .missingOffset }
            throw .malformed
        }
        func digits(_ start: Int, _ count: Int) throws(RFC3339Error) -> Int {
            var value = 0
            for i in start..<(start + count) {
                let c = b[i]
                guard c >= 48, c <= 57 else { throw .malformed }
                value = value * 10 + Int(c - 48)
            }
            return value
        }
        guard b[4] == 45, b[7] == 45, b[13] == 58, b[16] == 58 else { throw .malformed }
        guard b[10] == 84 || b[10] == 116 || b[10] == 32 else { throw .malformed }
        let year = try digits(0, 4), month = try digits(5, 2), day = try digits(8, 2)
        let hour = try digits(11, 2), minute = try digits(14, 2), second = try digits(17, 2)
        guard (1...12).contains(month) else { throw .outOfRange("month \(month)") }
        guard day >= 1, day <= CivilDate.daysIn(year: year, month: month) else {
            throw .outOfRange("day \(day) of \(year)-\(month < 10 ? "0" : "")\(month)")
        }
        guard hour <= 23 else { throw .outOfRange("hour \(hour)") }
        guard minute <= 59 else { throw .outOfRange("minute \(minute)") }
        guard second <= 59 else { throw .outOfRange("second \(second) (leap seconds are not accepted)") }

        var i = 19
        var fraction: Int64 = 0
        if i < n, b[i] == 46 {
            i += 1
            var count = 0
            while i < n, b[i] >= 48, b[i] <= 57 {
                count += 1
                guard count <= 9 else { throw .outOfRange("more than nine fractional digits") }
                fraction = fraction * 10 + Int64(b[i] - 48)
                i += 1
            }
            guard count > 0 else { throw .malformed }
            for _ in count..<9 { fraction *= 10 }
        }
        guard i < n else { throw .missingOffset }
        var offsetSeconds = 0
        switch b[i] {
        case 90, 122:  // Z z
            i += 1
        case 43, 45:  // + -
            guard n - i == 6, b[i + 3] == 58 else { throw .malformed }
            let oh = try digits(i + 1, 2), om = try digits(i + 4, 2)
            guard oh <= 23, om <= 59 else { throw .outOfRange("offset \(oh):\(om)") }
            offsetSeconds = (oh * 3600 + om * 60) * (b[i] == 45 ? -1 : 1)
            i += 6
        default:
            throw .malformed
        }
        guard i == n else { throw .malformed }
        let days = CivilDate(year: year, month: month, day: day).daysSinceEpoch
        let local = Int64(days) * 86_400 + Int64(hour * 3600 + minute * 60 + second)
        // Nanoseconds in 64 bits reach from 1677-09-21 to 2262-04-11: refuse, never trap, beyond.
        // Below zero the fraction is taken from the next second, so the earliest instant fits.
        let utc = local - Int64(offsetSeconds)
        let (whole, overflow) = (utc < 0 ? utc + 1 : utc).multipliedReportingOverflow(by: 1_000_000_000)
        let (total, overflowAgain) = whole.addingReportingOverflow(utc < 0 ? fraction - 1_000_000_000 : fraction)
        guard !overflow, !overflowAgain else { throw .outOfRange("year \(year)") }
        return (Instant(nanoseconds: total), offsetSeconds)
    }

    /// `2025-03-29T09:00:00Z`, with a fraction only when there is one (trailing zeros dropped).
    public var rfc3339: String { formatted(offsetSeconds: 0) }

    /// The same instant written in a zone's local time with its offset, e.g. `2025-03-30T11:00:00+02:00`.
    public func formatted(offsetSeconds: Int) -> String {
        let local = seconds + Int64(offsetSeconds)
        let days = local.floorDivided(by: 86_400)
        let secondOfDay = Int(local - days * 86_400)
        let date = CivilDate(daysSinceEpoch: Int(days))
        let sub = subsecondNanoseconds
        // Written into a buffer on the stack and made a String once: timelines write millions.
        return ASCIIText.make { t in
            t.date(date)
            t.byte("T")
            t.decimal(secondOfDay / 3600, width: 2)
            t.byte(":")
            t.decimal(secondOfDay / 60 % 60, width: 2)
            t.byte(":")
            t.decimal(secondOfDay % 60, width: 2)
            if sub != 0 {
                // Nine digits, trailing zeros dropped.
                var digits = Int(sub)
                var width = 9
                while digits % 10 == 0 {
                    digits /= 10
                    width -= 1
                }
                t.byte(".")
                t.decimal(digits, width: width)
            }
            if offsetSeconds == 0 {
                t.byte("Z")
            } else {
                t.byte(offsetSeconds < 0 ? "-" : "+")
                let magnitude = abs(offsetSeconds)
                t.decimal(magnitude / 3600, width: 2)
                t.byte(":")
                t.decimal(magnitude / 60 % 60, width: 2)
            }
        }
    }
}

/// Builds short ASCII texts (dates, instants) in a buffer on the stack.
struct ASCIIText {
    private let buffer: UnsafeMutableBufferPointer<UInt8>
    private var count = 0

    /// Room for any date and time Oblige writes: a 64-bit year and every other field together
    /// take well under this.
    static let capacity = 96

    static func make(_ body: (inout ASCIIText) -> Void) -> String {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: capacity) { buffer in
            var t = ASCIIText(buffer: buffer)
            body(&t)
            return String(decoding: UnsafeBufferPointer(rebasing: buffer[0..<t.count]), as: UTF8.self)
        }
    }

    mutating func byte(_ c: Unicode.Scalar) {
        buffer[count] = UInt8(ascii: c)
        count += 1
    }

    /// `value` in decimal, a minus sign first when negative, the digits padded with leading
    /// zeros to `width`.
    mutating func decimal(_ value: Int, width: Int) {
        if value < 0 { byte("-") }
        var magnitude = value.magnitude
        var digits = 1
        var scale: UInt = 1
        while magnitude / scale >= 10 {
            scale *= 10
            digits += 1
        }
        for _ in 0..<max(0, width - digits) { byte("0") }
        repeat {
            buffer[count] = UInt8(ascii: "0") + UInt8(magnitude / scale)
            count += 1
            magnitude %= scale
            scale /= 10
        } while scale > 0
    }

    /// `YYYY-MM-DD`; a year outside 0–9999 is written as it is, without padding.
    mutating func date(_ d: CivilDate) {
        decimal(d.year, width: d.year >= 0 && d.year < 10000 ? 4 : 0)
        byte("-")
        decimal(d.month, width: 2)
        byte("-")
        decimal(d.day, width: 2)
    }
}

@inline(__always)
func pad2(_ v: Int) -> String { v < 10 ? "0\(v)" : "\(v)" }
