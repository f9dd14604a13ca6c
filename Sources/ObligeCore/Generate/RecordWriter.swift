/// Writes generated records as bytes, in JSON Lines or in Oblige's CSV layout, into one large
/// buffer handed to a sink whenever it fills.
///
/// Everything is formatted by hand into the buffer, without `String` or a date formatter: the
/// generator must write tens of millions of records a minute. Values come from fixed tables of
/// text that holds no comma, quote, backslash or line break, so neither format needs escaping.
struct RecordWriter: ~Copyable {
    /// Attribute columns, in the order they are written: alphabetical, as the CSV header lists
    /// them. A record gives its attributes in this order, which both formats rely on (CSV to
    /// place each value in its column).
    enum Column: Int, CaseIterable {
        case appearOn, assessment, authority, automatedDetection, basis, category, complainant, complete, contact
        case content, decision, deceptiveCommercial, ground, infringement, issuer, manifestlyUnlawful, measure
        case memberState, opinion, orderKind, outcome, periodEnd, platformName, reason, regime, report, reportID
        case respondBy, section, source, sourceType, territorialScope, unlawful, until, zone

        var name: StaticString {
            switch self {
            case .appearOn: "appear_on"
            case .assessment: "assessment"
            case .authority: "authority"
            case .automatedDetection: "automated_detection"
            case .basis: "basis"
            case .category: "category"
            case .complainant: "complainant"
            case .complete: "complete"
            case .contact: "contact"
            case .content: "content"
            case .decision: "decision"
            case .deceptiveCommercial: "deceptive_commercial"
            case .ground: "ground"
            case .infringement: "infringement"
            case .issuer: "issuer"
            case .manifestlyUnlawful: "manifestly_unlawful"
            case .measure: "measure"
            case .memberState: "member_state"
            case .opinion: "opinion"
            case .orderKind: "order_kind"
            case .outcome: "outcome"
            case .periodEnd: "period_end"
            case .platformName: "platform_name"
            case .reason: "reason"
            case .regime: "regime"
            case .report: "report"
            case .reportID: "report_id"
            case .respondBy: "respond_by"
            case .section: "section"
            case .source: "source"
            case .sourceType: "source_type"
            case .territorialScope: "territorial_scope"
            case .unlawful: "unlawful"
            case .until: "until"
            case .zone: "zone"
            }
        }

        /// List attributes: a JSON array, or a CSV column `name[]` split on `|`.
        var isList: Bool { self == .measure || self == .report || self == .territorialScope }
    }

    let format: LoadOptions.Format
    private let base: UnsafeMutablePointer<UInt8>
    private let capacity: Int
    private let flushAt: Int
    private var count = 0
    /// CSV: the last attribute column written in the current record (-1: none yet).
    private var lastColumn = -1
    /// Bytes handed to the sink so far.
    private(set) var flushed: Int64 = 0

    /// `chunk` bytes are gathered before the sink sees them; one record never exceeds 4 KiB.
    init(format: LoadOptions.Format, chunk: Int = 1 << 20) {
        self.format = format
        capacity = chunk + 4096
        flushAt = chunk
        base = .allocate(capacity: capacity)
    }

    deinit { base.deallocate() }

    var bytesWritten: Int64 { flushed + Int64(count) }

    /// Hands the gathered bytes to the sink when the buffer is full (or always, with `force`).
    mutating func flush(to sink: (UnsafeRawBufferPointer) throws -> Void, force: Bool = false) rethrows {
        guard count >= flushAt || (force && count > 0) else { return }
        try sink(UnsafeRawBufferPointer(start: base, count: count))
        flushed += Int64(count)
        count = 0
    }

    // MARK: Bytes

    @inline(__always) private mutating func byte(_ b: UInt8) {
        base[count] = b
        count += 1
    }

    @inline(__always) private mutating func text(_ s: StaticString) {
        // withUTF8Buffer, not utf8Start: a one-character literal has no pointer representation.
        s.withUTF8Buffer { b in
            guard let from = b.baseAddress else { return }
            (base + count).update(from: from, count: b.count)
            count += b.count
        }
    }

    /// A non-negative integer in decimal.
    @inline(__always) private mutating func decimal(_ value: UInt64) {
        var v = value
        var digits = 1
        var probe = v
        while probe >= 10 {
            probe /= 10
            digits += 1
        }
        var i = count + digits - 1
        repeat {
            base[i] = UInt8(truncatingIfNeeded: 48 + v % 10)
            v /= 10
            i -= 1
        } while v > 0
        count += digits
    }

    @inline(__always) private mutating func two(_ v: Int) {
        base[count] = UInt8(truncatingIfNeeded: 48 + v / 10)
        base[count + 1] = UInt8(truncatingIfNeeded: 48 + v % 10)
        count += 2
    }

    /// `YYYY-MM-DD` of a day since the epoch (years 0 to 9999).
    private mutating func civilDate(_ days: Int) {
        let d = CivilDate(daysSinceEpoch: days)
        two(d.year / 100)
        two(d.year % 100)
        byte(45)
        two(d.month)
        byte(45)
        two(d.day)
    }

    /// RFC 3339 in the local time of `offset` seconds: `2025-03-30T03:42:05+02:00`, `…Z` for 0,
    /// with `.mmm` when `millis` is not 0.
    private mutating func dateTime(_ seconds: Int64, millis: Int, offset: Int) {
        let local = seconds + Int64(offset)
        let days = local.floorDivided(by: 86_400)
        let secondOfDay = Int(local - days * 86_400)
        civilDate(Int(days))
        byte(84)  // T
        two(secondOfDay / 3600)
        byte(58)
        two(secondOfDay / 60 % 60)
        byte(58)
        two(secondOfDay % 60)
        if millis != 0 {
            byte(46)
            byte(UInt8(truncatingIfNeeded: 48 + millis / 100))
            two(millis % 100)
        }
        if offset == 0 {
            byte(90)  // Z
        } else {
            byte(offset < 0 ? 45 : 43)
            let m = abs(offset) / 60
            two(m / 60)
            byte(58)
            two(m % 60)
        }
    }

    // MARK: Records

    /// The CSV header row: the four keys, then every attribute column (`name[]` for lists).
    mutating func header() {
        guard format == .csv else { return }
        text("id,case,type,at")
        for column in Column.allCases {
            byte(44)
            text(column.name)
            if column.isList { text("[]") }
        }
        byte(10)
    }

    /// Opens a record with its four keys: id `e<seq>`, case `<prefix>-<number>`, type, and the
    /// instant written with `offset`.
    mutating func begin(seq: UInt64, casePrefix: StaticString, caseNo: UInt64, type: StaticString, at: Int64, millis: Int, offset: Int) {
        switch format {
        case .jsonl:
            text("{\"id\":\"e")
            decimal(seq)
            text("\",\"case\":\"")
            text(casePrefix)
            byte(45)
            decimal(caseNo)
            text("\",\"type\":\"")
            text(type)
            text("\",\"at\":\"")
            dateTime(at, millis: millis, offset: offset)
            byte(34)
        case .csv:
            byte(101)
            decimal(seq)
            byte(44)
            text(casePrefix)
            byte(45)
            decimal(caseNo)
            byte(44)
            text(type)
            byte(44)
            dateTime(at, millis: millis, offset: offset)
            lastColumn = -1
        }
    }

    /// Moves to a column: the JSON key, or the CSV separators up to it.
    @inline(__always) private mutating func key(_ column: Column) {
        switch format {
        case .jsonl:
            text(",\"")
            text(column.name)
            text("\":")
        case .csv:
            precondition(column.rawValue > lastColumn, "attributes must be written in column order")
            for _ in lastColumn..<column.rawValue { byte(44) }
            lastColumn = column.rawValue
        }
    }

    @inline(__always) private mutating func quote() { if format == .jsonl { byte(34) } }

    mutating func string(_ column: Column, _ value: StaticString) {
        key(column)
        quote()
        text(value)
        quote()
    }

    /// `true` / `false`: a JSON boolean, the same text in CSV.
    mutating func boolean(_ column: Column, _ value: Bool) {
        key(column)
        text(value ? "true" : "false")
    }

    /// A text made of a prefix and a number, e.g. `CT-1002`.
    mutating func numbered(_ column: Column, _ prefix: StaticString, _ number: UInt64) {
        key(column)
        quote()
        text(prefix)
        decimal(number)
        quote()
    }

    /// A date alone, `YYYY-MM-DD`.
    mutating func date(_ column: Column, days: Int) {
        key(column)
        quote()
        civilDate(days)
        quote()
    }

    /// A date-time with its offset.
    mutating func instant(_ column: Column, seconds: Int64, offset: Int) {
        key(column)
        quote()
        dateTime(seconds, millis: 0, offset: offset)
        quote()
    }

    /// A list of one or two items.
    mutating func list(_ column: Column, _ first: StaticString, _ second: StaticString? = nil) {
        key(column)
        switch format {
        case .jsonl:
            byte(91)
            byte(34)
            text(first)
            byte(34)
            if let second {
                text(",\"")
                text(second)
                byte(34)
            }
            byte(93)
        case .csv:
            text(first)
            if let second {
                byte(124)
                text(second)
            }
        }
    }

    /// Closes the record and its line.
    mutating func end() {
        switch format {
        case .jsonl:
            byte(125)
        case .csv:
            for _ in lastColumn..<Column.zone.rawValue { byte(44) }  // zone: the last column
        }
        byte(10)
    }
}
