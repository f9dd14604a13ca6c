/// A date on the proleptic Gregorian calendar, with no time and no zone.
///
/// Day arithmetic uses the days-from-civil algorithm (H. Hinnant), so it is exact for any year
/// and needs no `Calendar` object on the hot path.
public struct CivilDate: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var year: Int
    public var month: Int
    public var day: Int

    public init(year: Int, month: Int, day: Int) {
        self.year = year
        self.month = month
        self.day = day
    }

    public init(daysSinceEpoch z0: Int) {
        let z = z0 + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        self.init(year: yoe + era * 400 + (m <= 2 ? 1 : 0), month: m, day: d)
    }

    /// Days since 1970-01-01.
    public var daysSinceEpoch: Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = month > 2 ? month - 3 : month + 9
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// ISO weekday: 1 = Monday … 7 = Sunday.
    public var isoWeekday: Int {
        let d = daysSinceEpoch  // 1970-01-01 was a Thursday (4)
        return ((d % 7) + 7 + 3) % 7 + 1
    }

    public var weekdayName: String { Weekday(rawValue: isoWeekday)?.name ?? "?" }

    public func adding(days: Int) -> CivilDate { CivilDate(daysSinceEpoch: daysSinceEpoch + days) }

    /// Adds calendar months, clamping to the last day of a shorter month (31 Jan + 1 month = 28 Feb),
    /// as Regulation 1182/71 Art 3(2)(c) and BGB §188(3) require.
    public func adding(months: Int) -> CivilDate {
        let total = year * 12 + (month - 1) + months
        let y = total.floorDiv(12)
        let m = total - y * 12 + 1
        return CivilDate(year: y, month: m, day: Swift.min(day, CivilDate.daysIn(year: y, month: m)))
    }

    public static func isLeap(_ y: Int) -> Bool { (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 }

    public static func daysIn(year: Int, month: Int) -> Int {
        switch month {
        case 2: return isLeap(year) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    public static func < (l: CivilDate, r: CivilDate) -> Bool {
        (l.year, l.month, l.day) < (r.year, r.month, r.day)
    }

    public var iso8601: String { ASCIIText.make { $0.date(self) } }

    public var description: String { iso8601 }

    public enum ParseError: Error, Equatable, Sendable { case malformed, outOfRange }

    /// Parses `YYYY-MM-DD`.
    public static func parse(_ text: some StringProtocol) throws(ParseError) -> CivilDate {
        var bytes = Array(text.utf8)
        return try bytes.withUnsafeMutableBufferPointer { b throws(ParseError) in try parse(UnsafeBufferPointer(b)) }
    }

    public static func parse(_ b: UnsafeBufferPointer<UInt8>) throws(ParseError) -> CivilDate {
        guard b.count == 10, b[4] == 45, b[7] == 45 else { throw .malformed }
        var fields = [0, 0, 0]
        for (k, range) in [(0, 0..<4), (1, 5..<7), (2, 8..<10)] {
            for i in range {
                guard b[i] >= 48, b[i] <= 57 else { throw .malformed }
                fields[k] = fields[k] * 10 + Int(b[i] - 48)
            }
        }
        guard (1...12).contains(fields[1]), fields[2] >= 1,
            fields[2] <= daysIn(year: fields[0], month: fields[1])
        else { throw .outOfRange }
        return CivilDate(year: fields[0], month: fields[1], day: fields[2])
    }
}

extension Int {
    @inlinable
    func floorDiv(_ d: Int) -> Int {
        let q = self / d
        return (self % d != 0 && (self < 0) != (d < 0)) ? q - 1 : q
    }
}

/// ISO weekdays, named as rule and calendar files name them.
public enum Weekday: Int, CaseIterable, Sendable {
    case monday = 1, tuesday, wednesday, thursday, friday, saturday, sunday

    public var name: String {
        switch self {
        case .monday: "Monday"
        case .tuesday: "Tuesday"
        case .wednesday: "Wednesday"
        case .thursday: "Thursday"
        case .friday: "Friday"
        case .saturday: "Saturday"
        case .sunday: "Sunday"
        }
    }

    public init?(name: String) {
        guard let match = Weekday.allCases.first(where: { $0.name.lowercased() == name.lowercased() }) else {
            return nil
        }
        self = match
    }
}
