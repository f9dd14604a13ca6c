import Yams

/// Public holidays and weekend days of one jurisdiction, read from `Rules/calendars/<ID>.yaml`.
///
/// The format is documented in docs/calendars.md. Holidays are data so that a lawyer can check
/// them against the official list, and so a new year or a one-off day is an edit, not a release.
public struct HolidayCalendar: Sendable {
    public let id: String
    public let name: String
    public let source: String
    public let weekend: Set<Int>
    public let covers: ClosedRange<Int>
    public let entries: [Entry]
    public let origin: SourceLocation
    /// `holidays(in:)` of every covered year, worked out once: deadlines look days up by the
    /// thousand.
    private let byYear: [Int: [CivilDate: String]]

    public init(id: String, name: String, source: String, weekend: Set<Int>, covers: ClosedRange<Int>, entries: [Entry], origin: SourceLocation) {
        self.id = id
        self.name = name
        self.source = source
        self.weekend = weekend
        self.covers = covers
        self.entries = entries
        self.origin = origin
        var byYear: [Int: [CivilDate: String]] = [:]
        for year in covers { byYear[year] = Self.holidays(in: year, entries: entries, weekend: weekend) }
        self.byYear = byYear
    }

    public struct Entry: Sendable {
        public enum When: Sendable {
            case fixed(month: Int, day: Int)
            case easter(offset: Int)
            case orthodoxEaster(offset: Int)
            case weekdayOnOrAfter(weekday: Int, month: Int, day: Int, orStartIf: Int?)
            case once(CivilDate)
        }
        public enum Substitute: String, Sendable { case next_weekday, next_monday_if_sunday }
        public var name: String
        public var when: When
        public var from: Int?
        public var until: Int?
        public var except: Set<Int>
        public var substitute: Substitute?
    }

    public enum LookupError: Error, Sendable { case outsideCoverage(year: Int, covers: ClosedRange<Int>) }

    /// The holidays of a year, by date, with their names. Substitute days are named "… (substitute day)".
    public func holidays(in year: Int) -> [CivilDate: String] {
        byYear[year] ?? Self.holidays(in: year, entries: entries, weekend: weekend)
    }

    private static func holidays(in year: Int, entries: [Entry], weekend: Set<Int>) -> [CivilDate: String] {
        var days: [CivilDate: String] = [:]
        var substitutes: [(CivilDate, Entry)] = []
        for e in entries {
            if let from = e.from, year < from { continue }
            if let until = e.until, year > until { continue }
            if e.except.contains(year) { continue }
            let date: CivilDate
            switch e.when {
            case .fixed(let m, let d):
                guard d <= CivilDate.daysIn(year: year, month: m) else { continue }
                date = CivilDate(year: year, month: m, day: d)
            case .easter(let offset): date = HolidayCalendar.westernEaster(year).adding(days: offset)
            case .orthodoxEaster(let offset): date = HolidayCalendar.orthodoxEaster(year).adding(days: offset)
            case .weekdayOnOrAfter(let wd, let m, let d, let orStartIf):
                let start = CivilDate(year: year, month: m, day: d)
                if let orStartIf, start.isoWeekday == orStartIf {
                    date = start
                } else {
                    date = start.adding(days: (wd - start.isoWeekday + 7) % 7)
                }
            case .once(let d):
                guard d.year == year else { continue }
                date = d
            }
            if days[date] == nil { days[date] = e.name }
            if e.substitute != nil { substitutes.append((date, e)) }
        }
        for (date, e) in substitutes where weekend.contains(date.isoWeekday) {
            var d = date.adding(days: 1)
            switch e.substitute {
            case .next_weekday?:
                while weekend.contains(d.isoWeekday) || days[d] != nil { d = d.adding(days: 1) }
            case .next_monday_if_sunday?:
                guard date.isoWeekday == 7, days[d] == nil else { continue }
            case nil: continue
            }
            days[d] = e.name + " (substitute day)"
        }
        return days
    }

    /// Why a date is not a working day (weekday name or holiday name), or nil if it is one.
    public func nonWorkingReason(_ date: CivilDate) throws(LookupError) -> String? {
        guard covers.contains(date.year) else { throw .outsideCoverage(year: date.year, covers: covers) }
        if let name = holidays(in: date.year)[date] { return "public holiday (\(name))" }
        if weekend.contains(date.isoWeekday) { return date.weekdayName }
        return nil
    }

    /// Easter Sunday, Gregorian calendar (anonymous Gregorian algorithm).
    public static func westernEaster(_ y: Int) -> CivilDate {
        let a = y % 19, b = y / 100, c = y % 100, d = b / 4, e = b % 4
        let f = (b + 8) / 25, g = (b - f + 1) / 3, h = (19 * a + b - d - g + 15) % 30
        let i = c / 4, k = c % 4, l = (32 + 2 * e + 2 * i - h - k) % 7
        let m = (a + 11 * h + 22 * l) / 451
        let month = (h + l - 7 * m + 114) / 31, day = (h + l - 7 * m + 114) % 31 + 1
        return CivilDate(year: y, month: month, day: day)
    }

    /// Orthodox Easter Sunday (Julian computus), as a Gregorian date (valid 1900–2099).
    public static func orthodoxEaster(_ y: Int) -> CivilDate {
        let a = y % 4, b = y % 7, c = y % 19
        let d = (19 * c + 15) % 30, e = (2 * a + 4 * b - d + 34) % 7
        let month = (d + e + 114) / 31, day = (d + e + 114) % 31 + 1
        // Julian to Gregorian: 13 days in 1900–2099.
        return CivilDate(year: y, month: month, day: day).adding(days: 13)
    }

    static func load(file: String, text: String) -> (HolidayCalendar?, [ObligeError]) {
        let (r, docs) = YAMLReader.documents(file: file, text: text, kind: .calendar)
        guard docs.count == 1, let doc = docs.first else {
            if r.errors.isEmpty { r.error(nil, "a calendar file holds exactly one YAML document") }
            return (nil, r.errors)
        }
        guard
            let m = r.mapping(
                doc, "calendar", allowed: ["calendar", "name", "source", "notes", "weekend", "covers", "holidays"],
                required: ["calendar", "name", "source", "weekend", "covers", "holidays"])
        else { return (nil, r.errors) }
        let id = r.string(m["calendar"], "calendar") ?? ""
        var weekend = Set<Int>()
        for (i, name) in (r.strings(m["weekend"], "weekend") ?? []).enumerated() {
            if let wd = Weekday(name: name) { weekend.insert(wd.rawValue) } else {
                r.error(r.list(m["weekend"], "weekend")?[i], "weekend: '\(name)' is not a weekday name", fix: "e.g. saturday")
            }
        }
        var covers = 0...0
        if let c = m["covers"], let cm = r.mapping(c, "covers", allowed: ["from", "to"], required: ["from", "to"]),
            let from = r.int(cm["from"], "covers.from", range: 1900...2099), let to = r.int(cm["to"], "covers.to", range: 1900...2099)
        {
            if from <= to { covers = from...to } else { r.error(c, "covers: from is after to") }
        }
        var entries: [Entry] = []
        for node in r.list(m["holidays"], "holidays") ?? [] {
            guard
                let e = r.mapping(
                    node, "holiday",
                    allowed: ["name", "date", "easter", "orthodox_easter", "weekday", "on_or_after", "or_start_if", "on", "from", "until", "except", "substitute"],
                    required: ["name"])
            else { continue }
            let kinds = ["date", "easter", "orthodox_easter", "weekday", "on"].filter { e[$0] != nil }
            guard kinds.count == 1 else {
                r.error(node, "holiday '\(r.string(e["name"], "name") ?? "?")' needs exactly one of date, easter, orthodox_easter, weekday (+ on_or_after) or on; it has \(kinds.isEmpty ? "none" : kinds.joined(separator: " and "))")
                continue
            }
            func monthDay(_ n: Node?, _ what: String) -> (Int, Int)? {
                guard let s = r.string(n, what) else { return nil }
                let parts = s.split(separator: "-")
                guard parts.count == 2, let mo = Int(parts[0]), let d = Int(parts[1]), (1...12).contains(mo),
                    d >= 1, d <= CivilDate.daysIn(year: 2024, month: mo)
                else {
                    r.error(n, "\(what): '\(s)' is not a month-day", fix: "write \"MM-DD\" in quotes, e.g. \"12-25\"")
                    return nil
                }
                return (mo, d)
            }
            let when: Entry.When?
            switch kinds[0] {
            case "date": when = monthDay(e["date"], "date").map { .fixed(month: $0.0, day: $0.1) }
            case "easter": when = r.int(e["easter"], "easter", range: -100...100).map { .easter(offset: $0) }
            case "orthodox_easter": when = r.int(e["orthodox_easter"], "orthodox_easter", range: -100...100).map { .orthodoxEaster(offset: $0) }
            case "on": when = r.date(e["on"], "on").map { .once($0) }
            default:
                let wd = r.string(e["weekday"], "weekday").flatMap { name -> Int? in
                    if let w = Weekday(name: name) { return w.rawValue }
                    r.error(e["weekday"], "weekday: '\(name)' is not a weekday name")
                    return nil
                }
                let orIf = e["or_start_if"].flatMap { n -> Int? in
                    guard let name = r.string(n, "or_start_if") else { return nil }
                    if let w = Weekday(name: name) { return w.rawValue }
                    r.error(n, "or_start_if: '\(name)' is not a weekday name")
                    return nil
                }
                if e["on_or_after"] == nil { r.error(node, "a weekday holiday needs on_or_after: \"MM-DD\"") }
                if let wd, let md = monthDay(e["on_or_after"], "on_or_after") {
                    when = .weekdayOnOrAfter(weekday: wd, month: md.0, day: md.1, orStartIf: orIf)
                } else {
                    when = nil
                }
            }
            if e["or_start_if"] != nil, e["weekday"] == nil { r.error(e["or_start_if"], "or_start_if goes with weekday") }
            let substitute = e["substitute"].flatMap { r.oneOf($0, "substitute", ["next_weekday", "next_monday_if_sunday"]) }
                .flatMap(Entry.Substitute.init(rawValue:))
            guard let when, let name = r.string(e["name"], "name") else { continue }
            entries.append(
                Entry(
                    name: name, when: when, from: e["from"].flatMap { r.int($0, "from", range: 1900...2099) },
                    until: e["until"].flatMap { r.int($0, "until", range: 1900...2099) },
                    except: Set((r.list(e["except"], "except") ?? []).compactMap { r.int($0, "except", range: 1900...2099) }),
                    substitute: substitute))
        }
        let calendar = HolidayCalendar(
            id: id, name: r.string(m["name"], "name") ?? id, source: r.string(m["source"], "source") ?? "",
            weekend: weekend, covers: covers, entries: entries, origin: r.location(doc))
        return (r.errors.isEmpty ? calendar : nil, r.errors)
    }
}
