/// What `LoadGenerator` writes: how many events, from which seed, in which format, over which
/// days, and how much disorder and repetition to add.
public struct LoadOptions: Sendable, Equatable {
    public enum Format: String, Sendable, CaseIterable {
        case jsonl, csv
    }

    /// Distinct events to write (duplicates come on top).
    public var events: Int
    /// Same seed and options, same bytes.
    public var seed: UInt64
    public var format: Format
    /// The first day cases start on (UTC).
    public var from: CivilDate
    /// How many days cases start over; their later events may fall after.
    public var days: Int
    /// The fraction of events moved later in the file, out of time order (0 ..< 1).
    public var disorder: Double
    /// The fraction of records written a second time, identical, with the same id (0 ..< 1).
    public var duplicates: Double

    public init(
        events: Int, seed: UInt64 = 1, format: Format = .jsonl, from: CivilDate = CivilDate(year: 2025, month: 1, day: 1), days: Int = 365,
        disorder: Double = 0, duplicates: Double = 0
    ) {
        self.events = events
        self.seed = seed
        self.format = format
        self.from = from
        self.days = days
        self.disorder = disorder
        self.duplicates = duplicates
    }

    /// Refuses options that cannot give a log, naming the option and the fix.
    public func validate() throws(ObligeError) {
        guard events >= 0 else { throw ObligeError(.usage, "--events \(events) is negative", fix: "give a number of events, e.g. --events 1000000") }
        guard days >= 1, days <= 36_600 else { throw ObligeError(.usage, "--days \(days) is out of range", fix: "give 1 to 36600 days") }
        guard from.year >= 1971, from.adding(days: days + 800).year <= 9999 else {
            throw ObligeError(.usage, "--from \(from) is out of range", fix: "give a first day from 1971 on, whose period (and a little over two years after it) ends before the year 10000")
        }
        for (name, value) in [("--disorder", disorder), ("--duplicates", duplicates)] {
            guard value >= 0, value < 1 else { throw ObligeError(.usage, "\(name) \(value) is not a fraction", fix: "give a fraction from 0 up to (not including) 1, e.g. \(name) 0.01") }
        }
    }
}

/// What a generated log holds.
public struct LoadSummary: Sendable, Equatable {
    /// Distinct events (each id once).
    public var events = 0
    /// Records repeated with the same id and content (`--duplicates`).
    public var duplicates = 0
    /// Events written later than their time order (`--disorder`).
    public var outOfOrder = 0
    /// Cases started.
    public var cases = 0
    /// Bytes written, the CSV header included.
    public var bytes: Int64 = 0
    /// The earliest and latest event instants.
    public var first: Instant?
    public var last: Instant?

    /// Lines of records: every event, and every duplicate.
    public var records: Int { events + duplicates }
}

/// A deterministic synthetic incident log for load tests (issue 7): a year of a large platform's
/// notices, decisions and statements of reasons, authorities' orders, complaints, detections,
/// summons and dated reports, with realistic delays (most in time, a few per cent late, about one
/// per cent never fulfilled), mixed UTC offsets and cases across the daylight-saving weekends.
/// Every record passes ingestion with the shipped vocabulary.
///
/// Cases are made in the order they start; each case's events wait in a min-heap until no case
/// yet to start can come before them, so the log comes out in time order and memory holds only
/// the events of open cases, whatever the number of events. The same seed and options give the
/// same bytes on every machine: numbers come from named `Xoshiro256` streams (the events, their
/// disorder and their duplicates each from their own, so asking for duplicates does not change
/// the events), offsets from the system's zone data.
public enum LoadGenerator {
    /// Writes the log to `sink` in chunks of about a megabyte; a chunk is valid only during the
    /// call. Throws an `ObligeError` for options `LoadOptions.validate` refuses or a zone missing
    /// from the system's time-zone data; an error the sink throws ends the run and is thrown on.
    public static func write(_ options: LoadOptions, to sink: (UnsafeRawBufferPointer) throws -> Void) throws -> LoadSummary {
        try options.validate()
        var run = try GeneratorRun(options: options)
        return try run.write(to: sink)
    }
}

/// One event waiting to be written: its instant, id, case and a few small parameters from which
/// `GeneratedType.write` renders its attributes. A plain value, so the heap holds no references.
struct PendingEvent {
    var at: Int64
    var millis: Int16 = 0
    var type: GeneratedType
    var caseKind: CaseKind
    /// 0 UTC, 1 Europe/Berlin, 2 America/New_York, 3 Australia/Sydney.
    var zone: UInt8 = 0
    var a: UInt8 = 0
    var b: UInt8 = 0
    var c: UInt8 = 0
    var d: Int64 = 0
    var e: Int32 = 0
    var seq: UInt64 = 0
    var caseNo: UInt64 = 0

    init(_ type: GeneratedType, at: Int64, _ caseKind: CaseKind, zone: UInt8) {
        self.type = type
        self.at = at
        self.caseKind = caseKind
        self.zone = zone
    }

    /// Time order, ties by id: the order the log is written in.
    @inline(__always) static func precedes(_ l: PendingEvent, _ r: PendingEvent) -> Bool {
        if l.at != r.at { return l.at < r.at }
        if l.millis != r.millis { return l.millis < r.millis }
        return l.seq < r.seq
    }
}

/// A binary min-heap with the ordering given at creation; no allocation once grown.
struct MinHeap<Element> {
    private var items: [Element] = []
    private let less: (Element, Element) -> Bool

    init(less: @escaping (Element, Element) -> Bool) { self.less = less }

    var isEmpty: Bool { items.isEmpty }
    var count: Int { items.count }
    var min: Element? { items.first }

    mutating func push(_ x: Element) {
        items.append(x)
        var i = items.count - 1
        while i > 0 {
            let parent = (i - 1) / 2
            guard less(items[i], items[parent]) else { break }
            items.swapAt(i, parent)
            i = parent
        }
    }

    mutating func pop() -> Element? {
        guard let top = items.first else { return nil }
        let last = items.removeLast()
        if !items.isEmpty {
            items[0] = last
            var i = 0
            let n = items.count
            while true {
                let l = 2 * i + 1
                guard l < n else { break }
                var m = l
                if l + 1 < n, less(items[l + 1], items[l]) { m = l + 1 }
                guard less(items[m], items[i]) else { break }
                items.swapAt(i, m)
                i = m
            }
        }
        return top
    }
}

/// A record held back to be written later in the file: moved out of order, or a duplicate.
struct DeferredRecord {
    /// Written once this many records are out.
    var due: Int
    var event: PendingEvent
    var duplicate: Bool

    static func precedes(_ l: DeferredRecord, _ r: DeferredRecord) -> Bool {
        if l.due != r.due { return l.due < r.due }
        if l.event.seq != r.event.seq { return l.event.seq < r.event.seq }
        return !l.duplicate && r.duplicate
    }
}

/// One generation: the state between the first case and the last byte.
struct GeneratorRun {
    let options: LoadOptions
    var mix: CaseMix
    var disorderRNG: Xoshiro256
    var duplicateRNG: Xoshiro256

    init(options: LoadOptions) throws(ObligeError) {
        self.options = options
        mix = try CaseMix(options: options)
        disorderRNG = Xoshiro256(seed: options.seed, stream: "generate.disorder")
        duplicateRNG = Xoshiro256(seed: options.seed, stream: "generate.duplicates")
    }

    /// How far a moved event goes (records), and how far a duplicate trails its original.
    static let disorderReach = 10_000
    static let duplicateReach = 1_000

    mutating func write(to sink: (UnsafeRawBufferPointer) throws -> Void) throws -> LoadSummary {
        var out = RecordWriter(format: options.format)
        out.header()
        var summary = LoadSummary()
        var pending = MinHeap<PendingEvent>(less: PendingEvent.precedes)
        var deferred = MinHeap<DeferredRecord>(less: DeferredRecord.precedes)
        var written = 0
        var scheduled = 0
        var nextSeq: UInt64 = 1
        var scratch: [PendingEvent] = []
        scratch.reserveCapacity(64)

        func put(_ e: PendingEvent, duplicate: Bool) throws {
            mix.write(e, into: &out)
            written += 1
            if duplicate { summary.duplicates += 1 }
            try out.flush(to: sink)
        }
        // Writes what is due from the held-back records, then the event in time order (or holds
        // it back, or repeats it later).
        func emit(_ e: PendingEvent) throws {
            while let top = deferred.min, top.due <= written {
                _ = deferred.pop()
                try put(top.event, duplicate: top.duplicate)
            }
            if summary.first == nil { summary.first = Instant(seconds: e.at, nanoseconds: Int64(e.millis) * 1_000_000) }
            summary.last = Instant(seconds: e.at, nanoseconds: Int64(e.millis) * 1_000_000)
            summary.events += 1
            if options.disorder > 0, disorderRNG.chance(options.disorder) {
                summary.outOfOrder += 1
                deferred.push(DeferredRecord(due: written + 1 + disorderRNG.below(Self.disorderReach), event: e, duplicate: false))
            } else {
                try put(e, duplicate: false)
            }
            if options.duplicates > 0, duplicateRNG.chance(options.duplicates) {
                deferred.push(DeferredRecord(due: written + duplicateRNG.below(Self.duplicateReach), event: e, duplicate: true))
            }
        }

        while scheduled < options.events {
            let start = mix.nextStart()
            // No case yet to start can have an event before `start.at`: what precedes it is final.
            while let top = pending.min, top.at < start.at {
                _ = pending.pop()
                try emit(top)
            }
            scratch.removeAll(keepingCapacity: true)
            mix.generate(start, into: &scratch)
            guard !scratch.isEmpty else { continue }
            summary.cases += 1
            // A case's events in time order (insertion sort: a case has a handful), then as many
            // as the budget allows: the last case may be cut short, like a case still open.
            for i in 1..<max(1, scratch.count) {
                var j = i
                while j > 0, scratch[j].at < scratch[j - 1].at || (scratch[j].at == scratch[j - 1].at && scratch[j].millis < scratch[j - 1].millis) {
                    scratch.swapAt(j, j - 1)
                    j -= 1
                }
            }
            for var e in scratch.prefix(options.events - scheduled) {
                e.seq = nextSeq
                nextSeq += 1
                pending.push(e)
                scheduled += 1
            }
        }
        while let e = pending.pop() { try emit(e) }
        while let top = deferred.pop() { try put(top.event, duplicate: top.duplicate) }
        try out.flush(to: sink, force: true)
        summary.bytes = out.bytesWritten
        return summary
    }
}
