/// An ISO 8601 duration as written in rule and profile files (`PT1H`, `P7D`, `P6M`, `P1Y`).
///
/// Oblige keeps the two meanings apart on purpose. An **elapsed** duration is real time (hours,
/// minutes, seconds) and is added to an instant. A **calendar** duration counts days, weeks,
/// months or years on a local calendar. `P1D` is never silently turned into 24 hours.
public struct ISODuration: Hashable, Sendable, CustomStringConvertible {
    public var years = 0, months = 0, weeks = 0, days = 0
    public var hours = 0, minutes = 0, seconds = 0
    /// The text as written, for messages and output.
    public var text: String

    public var description: String { text }

    public var hasCalendarPart: Bool { years != 0 || months != 0 || weeks != 0 || days != 0 }
    public var hasTimePart: Bool { hours != 0 || minutes != 0 || seconds != 0 }

    /// Real time in seconds; only meaningful when `hasCalendarPart` is false.
    public var elapsedSeconds: Int64 { Int64(hours) * 3600 + Int64(minutes) * 60 + Int64(seconds) }

    public struct ParseError: Error, Equatable, Sendable {
        public var message: String
    }

    public static func parse(_ text: String) throws(ParseError) -> ISODuration {
        var d = ISODuration(text: text)
        var chars = Substring(text)
        guard chars.first == "P" else {
            throw ParseError(message: "'\(text)' is not an ISO 8601 duration: it must start with P (e.g. PT1H, P7D)")
        }
        chars = chars.dropFirst()
        var inTime = false
        var sawComponent = false
        var number = ""
        for c in chars {
            if c == "T" {
                guard !inTime, number.isEmpty else {
                    throw ParseError(message: "'\(text)': misplaced T")
                }
                inTime = true
                continue
            }
            if c.isASCII, c.isNumber {
                number.append(c)
                continue
            }
            guard !number.isEmpty, let value = Int(number), value <= 1_000_000 else {
                throw ParseError(message: "'\(text)': expected a whole number before '\(c)'")
            }
            number = ""
            sawComponent = true
            switch (inTime, c) {
            case (false, "Y"): d.years = value
            case (false, "M"): d.months = value
            case (false, "W"): d.weeks = value
            case (false, "D"): d.days = value
            case (true, "H"): d.hours = value
            case (true, "M"): d.minutes = value
            case (true, "S"): d.seconds = value
            default:
                throw ParseError(message: "'\(text)': unexpected '\(c)' (use Y M W D before T, H M S after it)")
            }
        }
        guard number.isEmpty, sawComponent else {
            throw ParseError(message: "'\(text)' is incomplete: write e.g. PT1H, PT24H, P7D, P6M or P1Y")
        }
        return d
    }

    /// Parses a duration that must be real elapsed time.
    public static func parseElapsed(_ text: String) throws(ParseError) -> ISODuration {
        let d = try parse(text)
        guard !d.hasCalendarPart else {
            if d.years != 0 || d.months != 0 {
                throw ParseError(message: "'\(text)' counts months or years, which have no fixed length in hours; use a calendar deadline (calendar: \(text))")
            }
            throw ParseError(
                message:
                    "'\(text)' counts calendar days or weeks; an elapsed duration is real time: write hours (e.g. PT\(d.days * 24 + d.weeks * 168)H), or use a calendar deadline"
            )
        }
        guard d.elapsedSeconds > 0 else { throw ParseError(message: "'\(text)' is zero") }
        return d
    }

    /// The one calendar unit of a calendar period.
    public enum CalendarUnit: String, Sendable { case days, weeks, months, years }

    /// Parses a calendar period: exactly one of Y, M, W, D and no time part, because Regulation
    /// 1182/71 Art 3(2) counts each unit differently and a mixed period has no agreed reading.
    public static func parseCalendar(_ text: String) throws(ParseError) -> (unit: CalendarUnit, count: Int, duration: ISODuration) {
        let d = try parse(text)
        guard !d.hasTimePart else {
            throw ParseError(message: "'\(text)' has hours or minutes: a period in hours is elapsed time, use an elapsed deadline")
        }
        let parts: [(CalendarUnit, Int)] = [(.years, d.years), (.months, d.months), (.weeks, d.weeks), (.days, d.days)]
            .filter { $0.1 != 0 }
        guard parts.count == 1 else {
            throw ParseError(message: "'\(text)' mixes units: a calendar period is one of P<n>D, P<n>W, P<n>M or P<n>Y")
        }
        return (parts[0].0, parts[0].1, d)
    }

    /// Human wording for text output: `1 hour`, `24 hours`, `7 days`.
    public var spelledOut: String {
        var parts: [String] = []
        func add(_ v: Int, _ unit: String) { if v != 0 { parts.append("\(v) \(unit)\(v == 1 ? "" : "s")") } }
        add(years, "year"); add(months, "month"); add(weeks, "week"); add(days, "day")
        add(hours, "hour"); add(minutes, "minute"); add(seconds, "second")
        return parts.joined(separator: " ")
    }
}

/// Spells a number of seconds as `1h 12m 05s` or `3d 4h 00m` for text output.
public func spellSeconds(_ total: Int64) -> String {
    let s = abs(total)
    let days = s / 86_400, hours = s / 3600 % 24, minutes = s / 60 % 60, seconds = s % 60
    var out: String
    if days > 0 {
        out = "\(days)d \(hours)h \(pad2(Int(minutes)))m"
    } else if hours > 0 {
        out = "\(hours)h \(pad2(Int(minutes)))m \(pad2(Int(seconds)))s"
    } else if minutes > 0 {
        out = "\(minutes)m \(pad2(Int(seconds)))s"
    } else {
        out = "\(seconds)s"
    }
    return total < 0 ? "-" + out : out
}
