import CPrefetch
import Foundation
import Synchronization

/// How an audit uses the machine: threads, and where it may spill when a log is large.
public struct ScaleOptions: Sendable {
    /// Threads that evaluate partitions at once. Any number gives the same result, byte for byte.
    public var threads: Int
    /// Where spill files go (a private folder is made inside and removed); nil: the system's
    /// temporary folder.
    public var spillDirectory: String?
    /// Input bytes per partition: the logs are split by case into about (input size / this)
    /// partitions, and memory holds one partition per thread. Below it, nothing is spilled.
    public var partitionBytes: Int64

    public init(threads: Int = 1, spillDirectory: String? = nil, partitionBytes: Int64 = 16 << 20) {
        self.threads = max(1, threads)
        self.spillDirectory = spillDirectory
        self.partitionBytes = max(1, partitionBytes)
    }

    /// As many threads as the machine has cores.
    public static var machine: ScaleOptions { ScaleOptions(threads: ProcessInfo.processInfo.activeProcessorCount) }
}

/// Where an audit's findings go.
public enum FindingOutput {
    /// Into `AuditResult.findings`, in report order: for reports that need them all at once.
    case collect
    /// Into `AuditResult.findings`, in report order, only those `include` accepts (a report that
    /// lists breaches and running clocks, not what was met); the others are only counted
    /// (`AuditResult.fullTally`), and their deadlines' working is never written out.
    case keep(include: FindingFilter)
    /// Those `include` accepts, rendered one by one and handed to `write` in report order,
    /// without ever holding them all: the findings of a large log go through spill files and a
    /// merge. The others are counted (`AuditResult.fullTally`), and their deadlines' working
    /// is never written out. `write` is given each rendered finding where it lies, good only for
    /// the call (no array made per finding).
    case stream(include: FindingFilter, render: @Sendable (Finding) -> [UInt8], write: (UnsafeBufferPointer<UInt8>) throws -> Void)
}

/// Which findings a report lists, by verdict. A value rather than a closure, so that the engine
/// can tell from a verdict alone that a finding will only be counted, and never make it.
public struct FindingFilter: Sendable, Equatable {
    public var statuses: Set<Finding.Status> { didSet { mask = Self.mask(statuses) } }
    /// `statuses` by `Status.position`: asked for every verdict of a large audit, where hashing
    /// a status into the set each time would show.
    private var mask: UInt8

    public init(statuses: Set<Finding.Status>) {
        self.statuses = statuses
        mask = Self.mask(statuses)
    }

    private static func mask(_ statuses: Set<Finding.Status>) -> UInt8 { statuses.reduce(0) { $0 | 1 << $1.position } }

    /// Breaches and running clocks: everything but what was met.
    public static let notMet = FindingFilter(statuses: Set(Finding.Status.allCases).subtracting([.met]))
    public static let all = FindingFilter(statuses: Set(Finding.Status.allCases))

    public func accepts(_ status: Finding.Status) -> Bool { mask & 1 << status.position != 0 }
    public func accepts(_ f: Finding) -> Bool { accepts(f.status) }
}

extension Auditor {
    /// An audit in memory bounded by the partition size, for any log order.
    ///
    /// 1. Every record is read once and checked (format, vocabulary, services); rejects go to
    ///    `onReject` in input order. Each accepted event is written, in a compact binary form, to
    ///    the partition of its case, and its id to the partition of its id.
    /// 2. The id partitions decide duplicates: the first record of an id (in input order) is kept;
    ///    a later one with the same content is a duplicate, with other content a reject.
    /// 3. Each case partition is read back and its cases evaluated, on `scale.threads` threads.
    /// 4. The dated duties are evaluated over the events they read, gathered from every case.
    /// 5. Findings are put in report order: sorted in memory, or, streamed, sorted per partition
    ///    and merged from spill files.
    ///
    /// Every path gives the same findings as reading the whole log into memory would: cases never
    /// span partitions, and the order of the output does not depend on threads or partitions.
    public static func runPartitioned(
        rules: RuleSet, profile: PlatformProfile, logs: [LogInput], options: AuditOptions, scale: ScaleOptions = ScaleOptions(),
        output: FindingOutput = .collect, progress: ((IngestProgress) -> Void)? = nil, onReject: (Reject) throws -> Void
    ) throws -> AuditResult {
        let missing = profile.missingTargets(for: rules)
        if !missing.isEmpty { throw ObligeErrors(missing) }

        let sizes = logs.map { log in (try? FileManager.default.attributesOfItem(atPath: log.path)[.size] as? NSNumber)?.int64Value ?? 0 }
        let total = sizes.reduce(0, +)
        // Zipped dumps unpack to about ten times their size.
        let unpacked = zip(logs, sizes).reduce(Int64(0)) { sum, pair in sum + pair.1 * (pair.0.path.lowercased().hasSuffix(".zip") ? 10 : 1) }
        let count = Int(min(4096, max(1, (unpacked + scale.partitionBytes - 1) / scale.partitionBytes)))
        let folder = count > 1 ? try SpillFolder(in: scale.spillDirectory) : nil
        defer { folder?.remove() }

        // 1. Read, check, partition: a JSON Lines log in chunks of whole lines, one per thread.
        var chunks: [IngestChunk] = []
        for (log, size) in zip(logs, sizes) {
            let starts = log.format == .jsonl && size >= 2 * scale.partitionBytes ? try LineReader.chunkStarts(path: log.path, count: scale.threads) : [0]
            for (k, start) in starts.enumerated() {
                chunks.append(IngestChunk(index: chunks.count, log: log, start: start, end: k + 1 < starts.count ? starts[k + 1] : nil))
            }
        }
        let relay = ProgressRelay(progress, total: total)
        let job = IngestJob(vocabulary: rules.vocabulary, serviceIDs: Set(profile.services.map(\.id)), count: count, folder: folder?.path, relay: relay)
        let pieces = chunks
        let ingested = try parallel(pieces.count, threads: scale.threads) { try ingest(pieces[$0], job) }
        var stats = IngestStats()
        for c in ingested {
            stats.records += c.records
            stats.rejected += c.rejected
        }
        let table = FileTable(chunks: chunks, ingested: ingested)
        let tdb = ingested.compactMap(\.tdb).reduce(nil as TDBImportSummary?) { ($0 ?? TDBImportSummary()).appending($1) }
        progress?(IngestProgress(bytesRead: total, totalBytes: total, records: stats.records, evaluating: true))

        // 2. Duplicates and id conflicts, by id partition.
        let verdicts = try idVerdicts(ingested.map(\.ids), count: count, table: table, threads: scale.threads)
        for v in verdicts.values {
            switch v {
            case .duplicate: stats.duplicates += 1
            case .conflict: stats.rejected += 1
            }
        }
        stats.events = stats.records - stats.rejected - stats.duplicates

        // 3. Cases, partition by partition.
        let stream: Stream? = if case .stream(let include, let render, _) = output { Stream(include: include, render: render) } else { nil }
        let runs = try stream.map { _ in try Partitions(count: count, folder: folder?.path, name: "findings") }
        let include: FindingFilter? =
            switch output {
            case .collect: nil
            case .keep(let include), .stream(let include, _, _): include
            }
        let shared = PartitionJob(
            rules: rules, profile: profile, options: options, table: table, verdicts: verdicts, partitions: ingested.map(\.cases), include: include,
            stream: stream, runs: runs)
        let results = try parallel(count, threads: scale.threads) { try evaluatePartition($0, shared) }

        // Every reject in input order: those of the first pass with the conflicting ids.
        var conflicts = results.flatMap(\.conflicts).sorted { $0.sequence < $1.sequence }[...]
        for chunk in ingested {
            let rejects = try chunk.rejects.cursor(0)
            while let bytes = try rejects.next() {
                var r = ByteReader(bytes)
                let sequence: UInt64
                var reject: Reject
                do { (sequence, reject) = try r.reject() } catch { throw Partitions.damaged() }
                if reject.line > 0 { reject.line += table.lineBase[Int(sequence >> FileTable.chunkShift)] }
                while let c = conflicts.first, c.sequence < sequence {
                    try onReject(c.reject)
                    conflicts.removeFirst()
                }
                try onReject(reject)
            }
        }
        for c in conflicts { try onReject(c.reject) }
        stats.afterAsOf = results.reduce(0) { $0 + $1.afterAsOf }
        stats.cases = results.reduce(0) { $0 + $1.cases }

        // 4. Dated duties.
        let dated = evaluateDated(rules: rules, profile: profile, events: results.flatMap(\.batch.dated), options: options)

        // 5. Report order.
        var result = AuditResult(
            asOf: options.asOf, profile: profile, rules: rules, logs: logs, findings: [], problems: [], stats: stats, explained: [:])
        result.tdb = tdb
        // In case order, as one pass in memory gives them (each partition evaluates its cases in
        // the order it met them; within a case, problems keep their order).
        result.problems = results.flatMap(\.batch.problems).enumerated()
            .sorted { a, b in a.element.caseID < b.element.caseID || (a.element.caseID == b.element.caseID && a.offset < b.offset) }
            .map(\.element)
        for r in results { result.explained.merge(r.batch.explained) { a, _ in a } }
        if options.keepEvents { result.events = inTimeOrder(results.flatMap(\.kept)) }
        switch output {
        case .collect:
            result.findings = results.flatMap(\.batch.findings) + dated
            result.findings = Finding.inReportOrder(result.findings)
        case .keep(let include):
            var tally = FindingTally(dated)
            for r in results { tally.merge(r.batch.tally) }
            result.fullTally = tally
            result.findings = Finding.inReportOrder(results.flatMap(\.batch.findings) + dated.filter(include.accepts))
        case .stream(let include, let render, let write):
            var tally = FindingTally(dated)
            for r in results { tally.merge(r.tally) }
            result.fullTally = tally
            let extra = Finding.inReportOrder(dated).filter(include.accepts).map { f in (FindingKey(f), render(f)) }
            if let runs { try FindingMerge.write(runs: runs, extra: extra, write: write) }
        }
        return result
    }

    /// A string with storage of its own, not shared with `s`.
    static func privateCopy(_ s: String) -> String { String(decoding: Array(s.utf8), as: UTF8.self) }

    /// Spreads keys over partitions (FNV-1a: the same in every process and on every machine).
    ///
    /// Keys equal as text must meet in one partition, as they meet in one case (or one id) when
    /// the log is read in memory: Swift compares texts by canonical equivalence, under which the
    /// Kelvin sign is `K` and `e` with a combining accent is `é`. A key that is not ASCII is
    /// therefore hashed in its canonical composed form (NFC), which such spellings share; an
    /// ASCII key is its own.
    static func partition(of key: String, _ count: Int) -> Int {
        guard count > 1 else { return 0 }
        let canonical = key.utf8.allSatisfy { $0 < 0x80 } ? key : key.precomposedStringWithCanonicalMapping
        return Int(FNV1a.hash(canonical) % UInt64(count))
    }

    /// The partition of the key these UTF-8 bytes spell (as `partition(of:_:)` for its text).
    static func partition(of key: UnsafeBufferPointer<UInt8>, _ count: Int) -> Int {
        guard count > 1 else { return 0 }
        guard key.isASCII else { return partition(of: String(decoding: key, as: UTF8.self), count) }
        return Int(FNV1a.hash(key) % UInt64(count))
    }

    /// What the id pass decided about a record that is not the first of its id.
    enum IDVerdict: Sendable {
        case duplicate
        /// Another event under an id already used: rejected, naming where the first was read.
        case conflict(first: SourceLocation)
    }

    /// The verdicts on every record that is not the first of its id, by sequence. Id partitions
    /// are independent (an id lives in one), so they are decided on `threads` threads; within
    /// one, records are met in input order (chunks in order, each in its own order), so the
    /// first of an id is the first one met.
    static func idVerdicts(_ chunks: [Partitions], count: Int, table: FileTable, threads: Int) throws -> [UInt64: IDVerdict] {
        let parts = try parallel(count, threads: threads) { p in try idVerdicts(partition: p, chunks, table: table) }
        guard parts.count > 1 else { return parts.first ?? [:] }
        var verdicts: [UInt64: IDVerdict] = [:]
        verdicts.reserveCapacity(parts.reduce(0) { $0 + $1.count })
        // Sequence numbers are unique, so no two partitions decide on the same one.
        for part in parts { verdicts.merge(part) { first, _ in first } }
        return verdicts
    }

    /// One id partition's verdicts. The ids are matched by their bytes (`ByteKeys`, no `String`
    /// made); a partition holding an id that is not ASCII is matched again with `String` keys, whose equality (canonical equivalence: `K` and the
    /// Kelvin sign `\u{212A}` are one id) is what ids have always been compared with.
    private static func idVerdicts(partition p: Int, _ chunks: [Partitions], table: FileTable) throws -> [UInt64: IDVerdict] {
        var all: [UInt8] = []
        for parts in chunks {
            if all.isEmpty { all = try parts.contents(p) } else { all += try parts.contents(p) }
            parts.release(p)
        }
        return try all.withUnsafeBufferPointer { bytes in
            do {
                return try IDMatcher.verdicts(bytes, table: table, byBytes: true) ?? IDMatcher.verdicts(bytes, table: table, byBytes: false) ?? [:]
            } catch {
                throw Partitions.damaged()
            }
        }
    }

    /// Finds, in one id partition's records (in input order), each record whose id came before.
    enum IDMatcher {
        /// One id record, read from the partition.
        struct Record {
            /// The id's bytes in the partition.
            var id: Range<Int>
            var sequence: UInt64
            var hash: UInt64
            var file: Int
            var line: Int
        }

        /// The first record of an id: where it starts and ends in the partition.
        struct First {
            var at: Int
            var end: Int
        }

        /// Reads the record whose id (its length first) starts at `at`, and ends before `end`.
        static func record(_ bytes: UnsafeBufferPointer<UInt8>, at: Int, end: Int) throws(ByteReader.Damaged) -> Record {
            var r = ByteReader(UnsafeBufferPointer(rebasing: bytes[..<end]))
            r.at = at
            let length = try r.int()
            guard length <= end - r.at else { throw ByteReader.Damaged() }
            let id = r.at..<(r.at + length)
            r.at += length
            return Record(id: id, sequence: try r.varint(), hash: try r.varint(), file: try r.int(), line: try r.int())
        }

        /// The verdicts; nil when `byBytes` met an id that is not ASCII.
        static func verdicts(_ bytes: UnsafeBufferPointer<UInt8>, table: FileTable, byBytes: Bool) throws(ByteReader.Damaged) -> [UInt64: IDVerdict]? {
            var verdicts: [UInt64: IDVerdict] = [:]
            // A record takes some 25 bytes (a short id, then the hash's ten): room for about as
            // many ids as records, so that neither grows as it fills.
            var firsts: [First] = []
            firsts.reserveCapacity(bytes.count / 20)
            // By the ids' bytes: the number of an id is its first's place in `firsts`.
            var keys = ByteKeys(capacity: byBytes ? bytes.count / 20 : 0)
            var byText: [String: First] = [:]
            var ahead = Lookahead(bytes)
            if byBytes { ahead.start(&keys) }
            var r = ByteReader(bytes)
            var index = 0
            while !r.isAtEnd {
                let length = try r.int()
                guard length <= bytes.count - r.at else { throw ByteReader.Damaged() }
                let at = r.at
                r.at += length
                let entry = try record(bytes, at: at, end: r.at)
                let earlier: First?
                if byBytes {
                    let idBytes = UnsafeBufferPointer(rebasing: bytes[entry.id])
                    guard idBytes.isASCII else { return nil }
                    let hash = ahead.hash(of: index, idBytes)
                    ahead.advance(&keys)
                    index += 1
                    let (number, isNew) = keys.number(of: idBytes, hash: hash)
                    if isNew {
                        earlier = nil
                        firsts.append(First(at: at, end: r.at))
                    } else {
                        earlier = firsts[number]
                    }
                } else {
                    let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[entry.id]), as: UTF8.self)
                    earlier = remember(&byText[text, default: First(at: -1, end: -1)], as: First(at: at, end: r.at))
                }
                if let earlier {
                    let first = try record(bytes, at: earlier.at, end: earlier.end)
                    verdicts[entry.sequence] = entry.hash == first.hash
                        ? .duplicate : .conflict(first: table.origin(sequence: first.sequence, file: first.file, line: first.line))
                }
            }
            return verdicts
        }

        /// Reads the ids some records ahead of the look-ups, hashes them and asks for their slots
        /// (`ByteKeys.prefetch`): a large partition's table does not fit in the cache, and the
        /// look-ups of unrelated ids otherwise wait for memory one after the other.
        struct Lookahead {
            static let lead = 8
            private var reader: ByteReader
            /// The hashes of records `read - lead ..< read`, at their index modulo `lead`.
            private var hashes = [UInt64](repeating: 0, count: lead)
            private var read = 0
            private var stopped = false

            init(_ bytes: UnsafeBufferPointer<UInt8>) { reader = ByteReader(bytes) }

            /// Reads the first `lead` records.
            mutating func start(_ keys: inout ByteKeys) { for _ in 0..<Self.lead { advance(&keys) } }

            /// Reads one more record. At the end, or at damage (which the look-ups will meet
            /// and report), it stops.
            mutating func advance(_ keys: inout ByteKeys) {
                guard !stopped else { return }
                guard !reader.isAtEnd, let length = try? reader.int(), length <= reader.base.count - reader.at else {
                    stopped = true
                    return
                }
                // The record's first field is its id (`IDMatcher.record`).
                var record = ByteReader(UnsafeBufferPointer(rebasing: reader.base[reader.at..<reader.at + length]))
                reader.at += length
                guard let id = try? record.utf8() else {
                    stopped = true
                    return
                }
                let h = ByteKeys.hash(id)
                keys.prefetch(hash: h)
                hashes[read % Self.lead] = h
                read += 1
            }

            /// The hash of record `index`'s id, `id`: as read ahead, or computed when it was not.
            func hash(of index: Int, _ id: UnsafeBufferPointer<UInt8>) -> UInt64 {
                index < read && index >= read - Self.lead ? hashes[index % Self.lead] : ByteKeys.hash(id)
            }
        }

        /// The first of an id in `slot`, or nil after putting `first` there (one look-up of the
        /// dictionary for both).
        private static func remember(_ slot: inout First, as first: First) -> First? {
            if slot.at >= 0 { return slot }
            slot = first
            return nil
        }

    }

    /// Runs `body` for 0..<count on up to `threads` threads; the results are in index order
    /// whatever the threads did. The first error stops the rest and is thrown.
    static func parallel<T: Sendable>(_ count: Int, threads: Int, _ body: @Sendable (Int) throws -> T) throws -> [T] {
        if threads <= 1 || count <= 1 { return try (0..<count).map(body) }
        let next = Atomic<Int>(0)
        let slots = Mutex<[Result<T, any Error>?]>(Array(repeating: nil, count: count))
        DispatchQueue.concurrentPerform(iterations: min(threads, count)) { _ in
            while true {
                let i = next.add(1, ordering: .relaxed).oldValue
                guard i < count else { return }
                let r = Result { try body(i) }
                slots.withLock { $0[i] = r }
                if case .failure = r { next.store(count, ordering: .relaxed) }
            }
        }
        return try slots.withLock { slots in
            // Indices are taken in order and a failure stops the taking, so every slot before the
            // first failure was run: going in order, that failure is met before any empty slot.
            var results: [T] = []
            results.reserveCapacity(count)
            for slot in slots {
                switch slot {
                case .success(let value)?: results.append(value)
                case .failure(let error)?: throw error
                case nil: preconditionFailure("work item skipped with no failure before it")
                }
            }
            return results
        }
    }

    /// One piece of the input read by one thread: a whole log, or a run of whole lines of one.
    struct IngestChunk: Sendable {
        var index: Int
        var log: LogInput
        var start: Int64
        /// Where the next chunk starts; nil: the end of the file.
        var end: Int64?
    }

    /// What every chunk's reading shares.
    struct IngestJob: Sendable {
        let vocabulary: Vocabulary
        let serviceIDs: Set<String>
        let count: Int
        let folder: String?
        let relay: ProgressRelay
    }

    /// What reading one chunk left: its partitions and counts. Line numbers in it count from the
    /// chunk's first line until `FileTable` adds the lines before it.
    struct IngestedChunk: Sendable {
        let cases: Partitions
        let ids: Partitions
        let rejects: Partitions
        var records = 0
        var rejected = 0
        var files: [String] = []
        var lines = 0
        var tdb: TDBImportSummary?
    }

    /// Reads one chunk: every record checked, every accepted event to its partitions, every
    /// reject kept aside for the ordered replay.
    static func ingest(_ chunk: IngestChunk, _ job: IngestJob) throws -> IngestedChunk {
        let name = "\(chunk.index)"
        let partitions = IngestedChunk(
            cases: try Partitions(count: job.count, folder: job.folder, name: "cases-" + name),
            ids: try Partitions(count: job.count, folder: job.folder, name: "ids-" + name),
            rejects: try Partitions(count: 1, folder: job.folder, name: "rejects-" + name))
        // One state for the reading, so each record costs one exclusive access, not one per
        // variable the reading touches.
        var intake = ChunkIntake(
            out: partitions, checker: EventIntake.Checker(vocabulary: job.vocabulary, serviceIDs: job.serviceIDs),
            base: UInt64(chunk.index) << FileTable.chunkShift, count: job.count)
        func sink(_ record: LogRecord) throws { try intake.take(record) }
        let onBytes = job.relay.reporter(records: { intake.out.records })
        // This thread's own copy of the path, which every event it reads refers to: threads that
        // share one string's storage contend for its reference count on every event.
        var log = chunk.log
        log.path = privateCopy(log.path)
        if log.format == .jsonl {
            let path = log.path
            var flat = FlatEvent()
            let end = try LogReaders.readJSONLines(
                path, from: LogPosition(offset: chunk.start, lines: 0), until: chunk.end, onBytes: onBytes,
                plain: { line, number in try intake.take(line: line, number: number, file: path, into: &flat) }, sink)
            intake.out.lines = end.lines
        } else {
            try LogReaders.read(log, onBytes: onBytes, onTDB: { intake.out.tdb = (intake.out.tdb ?? TDBImportSummary()).appending($0) }, sink)
        }
        let out = intake.out
        try out.cases.finishWriting()
        try out.ids.finishWriting()
        try out.rejects.finishWriting()
        return out
    }

    /// What one chunk's reading does with each record: checked, numbered in input order, and
    /// written to its partitions (an event) or set aside (a reject).
    ///
    /// A plain JSON line goes a shorter way (`take(line:number:file:into:)`): read into a `FlatEvent`,
    /// checked, hashed and written from the line's bytes, with no `Event` made. It writes what
    /// the long way writes for the same line; a line it is not sure of takes the long way.
    struct ChunkIntake {
        var out: IngestedChunk
        var checker: EventIntake.Checker
        var lineChecker: EventIntake.LineChecker
        /// Where a record of the long way (`take(_:)`) is made before it goes to its partition;
        /// the short way writes in place (`Partitions.reserve`).
        var record = ByteWriter()
        /// Sequence numbers of this chunk start here (its index in the high bits).
        let base: UInt64
        /// Partitions.
        let count: Int
        var fileIndex: [String: Int] = [:]
        var lastFile: (name: String, index: Int)?

        init(out: IngestedChunk, checker: EventIntake.Checker, base: UInt64, count: Int) {
            self.out = out
            self.checker = checker
            lineChecker = EventIntake.LineChecker(vocabulary: checker.vocabulary, serviceIDs: checker.serviceIDs)
            self.base = base
            self.count = count
        }

        /// Takes a JSON line of `file` as `take(_:)` takes the event the scanner reads from it,
        /// when the line is plain and its event accepted; false, having done nothing, otherwise.
        /// `flat` is the caller's, kept from line to line: apart from `self`, it is read in place
        /// (as a part of `self`, or captured by a closure, it is copied, arrays and all).
        mutating func take(line: UnsafeBufferPointer<UInt8>, number: Int, file path: String, into flat: inout FlatEvent) throws -> Bool {
            guard flat.read(line), lineChecker.accepts(flat) else { return false }
            let sequence = base | UInt64(out.records)
            out.records += 1
            let file = fileNumber(path)
            let hash = identityHash(flat)
            // Each record is written where it stays, in its partition's buffer (not through a
            // closure, which would hold a copy of `flat`).
            let casePartition = partition(of: flat.bytes(flat.caseID), count)
            var w = try out.cases.reserve(casePartition, bound: RawWriter.eventBound(flat))
            w.event(flat, sequence: sequence, file: file, line: number)
            try out.cases.commit(casePartition, w)
            let id = flat.bytes(flat.id)
            let idPartition = partition(of: id, count)
            w = try out.ids.reserve(idPartition, bound: RawWriter.idRecordBound(id))
            w.idRecord(id, sequence: sequence, hash: hash, file: file, line: number)
            try out.ids.commit(idPartition, w)
            return true
        }

        /// The number of an origin file among this chunk's, given in the order first met.
        private mutating func fileNumber(_ name: String) -> Int {
            if let last = lastFile, last.name == name {
                // A chunk's events nearly all share one file name (one string): no hashing.
                return last.index
            }
            let file: Int
            if let known = fileIndex[name] {
                file = known
            } else {
                file = out.files.count
                out.files.append(name)
                fileIndex[name] = file
            }
            lastFile = (name, file)
            return file
        }

        mutating func take(_ record: LogRecord) throws {
            let sequence = base | UInt64(out.records)
            out.records += 1
            switch record {
            case .reject(let r):
                out.rejected += 1
                try write(to: out.rejects, 0) { $0.reject(r, sequence: sequence) }
            case .event(let e):
                if let problem = checker.problem(with: e) {
                    out.rejected += 1
                    let r = Reject(file: e.origin.file, line: e.origin.line ?? 0, reason: problem.message, fix: problem.fix, record: recordText(e))
                    try write(to: out.rejects, 0) { $0.reject(r, sequence: sequence) }
                    return
                }
                let file = fileNumber(e.origin.file)
                let hash = identityHash(e)
                try write(to: out.cases, partition(of: e.caseID, count)) { $0.event(e, sequence: sequence, file: file) }
                try write(to: out.ids, partition(of: e.id, count)) { $0.idRecord(e.id, sequence: sequence, hash: hash, file: file, line: e.origin.line ?? 0) }
            }
        }

        /// Makes a record in `record`, then appends it to partition `p` of `partitions`.
        private mutating func write(to partitions: Partitions, _ p: Int, _ make: (inout ByteWriter) -> Void) throws {
            record.bytes.removeAll(keepingCapacity: true)
            make(&record)
            try partitions.append(p, record.bytes)
        }
    }

    /// Everything a partition's evaluation reads; shared by the threads, never changed.
    struct PartitionJob: Sendable {
        let rules: RuleSet
        let profile: PlatformProfile
        let options: AuditOptions
        let table: FileTable
        let verdicts: [UInt64: IDVerdict]
        /// Each chunk's case partitions, in input order.
        let partitions: [Partitions]
        /// Which findings are kept (and narrated); nil: all.
        let include: FindingFilter?
        let stream: Stream?
        /// Where each partition's rendered findings go, in report order, when streaming.
        let runs: Partitions?
    }

    /// What a streamed audit writes out.
    struct Stream: Sendable {
        let include: FindingFilter
        let render: @Sendable (Finding) -> [UInt8]
    }

    struct PartitionResult: Sendable {
        var batch = CaseBatch()
        var conflicts: [(sequence: UInt64, reject: Reject)] = []
        var afterAsOf = 0
        var cases = 0
        /// Every accepted event up to the audit instant, when `keepEvents` asked for them.
        var kept: [Event] = []
        /// The counts of the findings streamed (and no longer held).
        var tally = FindingTally()
    }

    static func evaluatePartition(_ p: Int, _ job: PartitionJob) throws -> PartitionResult {
        let rules = job.rules
        let options = job.options
        let keepAll = !options.explainCases.isEmpty || options.keepEvents
        var result = PartitionResult()
        // File names of the partition's own (see `ingest`).
        var table = job.table
        table.names = table.names.map { $0.map(privateCopy) }
        // Cases with events no rule reads, for the count of cases.
        var otherCases = Set<String>()
        // Bounded by the partition's size.
        var interner = StringInterner(limit: 1 << 20)
        func decode(_ record: UnsafeBufferPointer<UInt8>) throws -> SpilledEvent {
            var r = ByteReader(record)
            do { return try r.event(table: table, interner: &interner) } catch { throw Partitions.damaged() }
        }

        // 1. Which records are evaluated, and in which case: read from their heads alone. The
        //    records stay as written (more compact than events) until their case comes.
        let blocks = try job.partitions.map { try $0.block(p) }
        // Records are read in place, and some kept (`RecordEvent`) until their case is done.
        defer { withExtendedLifetime(blocks) {} }
        let contents = blocks.map(\.bytes)
        /// Where a record is: which chunk's contents, which bytes.
        struct Place {
            var chunk: Int32
            var caseIndex: Int32
            /// The number of its type (`typeNumber`), or -1 for a type that is not ASCII.
            var type: Int32
            var start: Int
            var count: Int
        }
        var places: [Place] = []
        // Cases are numbered by their ids' bytes while every id is ASCII, where bytes and String
        // equality agree; from the first id that is not, by String (`caseIndex`).
        var caseKeys = ByteKeys()
        var caseIndex: [String: Int32]?
        var caseIDs: [String] = []
        func caseNumber(_ bytes: UnsafeBufferPointer<UInt8>) -> Int32 {
            if caseIndex == nil, bytes.isASCII {
                let (number, isNew) = caseKeys.number(of: bytes)
                if isNew { caseIDs.append(interner.string(bytes)) }
                return Int32(number)
            }
            if caseIndex == nil { caseIndex = Dictionary(uniqueKeysWithValues: caseIDs.enumerated().map { ($1, Int32($0)) }) }
            let caseID = interner.string(bytes)
            if let known = caseIndex?[caseID] { return known }
            caseIndex?[caseID] = Int32(caseIDs.count)
            caseIDs.append(caseID)
            return Int32(caseIDs.count - 1)
        }
        // Types numbered by their bytes (ASCII, as above), with what rules do with each: whether
        // any reads it, which rules it triggers (by position), whether dated duties read it.
        var typeKeys = ByteKeys()
        var typeRead: [Bool] = []
        var triggers = CaseEvaluator.TriggerTable()
        var typeDated: [Bool] = []
        func typeNumber(_ type: UnsafeBufferPointer<UInt8>) -> Int32 {
            guard type.isASCII else { return -1 }
            let (number, isNew) = typeKeys.number(of: type)
            if isNew {
                let name = interner.string(type)
                typeRead.append(rules.relevantTypes.contains(name))
                triggers.append(rules.byTrigger[name] ?? [])
                typeDated.append(rules.datedTypes.contains(name))
            }
            return Int32(number)
        }
        func isRead(_ type: UnsafeBufferPointer<UInt8>, number: Int32) -> Bool {
            if keepAll { return true }
            return number >= 0 ? typeRead[Int(number)] : rules.relevantTypes.contains(interner.string(type))
        }
        for (chunk, all) in contents.enumerated() {
            try Partitions.forEachRecord(in: all) { record in
                var r = ByteReader(record)
                let head: EventHead
                do { head = try r.eventHead() } catch { throw Partitions.damaged() }
                switch job.verdicts.isEmpty ? nil : job.verdicts[head.sequence] {
                case .duplicate?: return
                case .conflict(let first)?:
                    let e = try decode(record).event
                    let reject = Reject(
                        file: e.origin.file, line: e.origin.line ?? 0,
                        reason: "id '\(e.id)' was already used at \(first) for a different event; the first was kept",
                        fix: "give each event its own id, or correct the re-exported record", record: recordText(e))
                    result.conflicts.append((head.sequence, reject))
                    return
                case nil: break
                }
                guard head.at <= options.asOf else {
                    result.afterAsOf += 1
                    return
                }
                if options.keepEvents { result.kept.append(try decode(record).event) }
                let type = typeNumber(head.type)
                guard isRead(head.type, number: type) else {
                    otherCases.insert(interner.string(head.caseID))
                    return
                }
                let start = record.baseAddress.map { $0 - (all.baseAddress ?? $0) } ?? 0
                places.append(Place(chunk: Int32(chunk), caseIndex: caseNumber(head.caseID), type: type, start: start, count: record.count))
            }
        }
        if !otherCases.isEmpty {
            let evaluated = Set(caseIDs)
            result.cases += otherCases.filter { !evaluated.contains($0) }.count
        }
        result.cases += caseIDs.count

        // 2. Each case's records together, in log order within the case (a counting sort).
        var firsts = [Int](repeating: 0, count: caseIDs.count + 1)
        for place in places { firsts[Int(place.caseIndex) + 1] += 1 }
        for c in caseIDs.indices { firsts[c + 1] += firsts[c] }
        var byCase = [Place](repeating: Place(chunk: 0, caseIndex: 0, type: 0, start: 0, count: 0), count: places.count)
        var next = firsts
        for place in places {
            byCase[next[Int(place.caseIndex)]] = place
            next[Int(place.caseIndex)] += 1
        }
        places = []

        // 3. Case by case, in the order they were met: its verdicts counted from its records read
        //    in place, or its events made, evaluated, and let go.
        var events: [Event] = []
        func bytes(_ place: Place) -> UnsafeBufferPointer<UInt8> {
            UnsafeBufferPointer(rebasing: contents[Int(place.chunk)][place.start..<place.start + place.count])
        }
        let prefetchLead = 4
        func prefetch(_ place: Place) {
            guard let base = contents[Int(place.chunk)].baseAddress else { return }
            // A record's first and last bytes: records are short, two lines at most but seldom.
            oblige_prefetch(base + place.start)
            oblige_prefetch(base + place.start + place.count - 1)
        }
        func decodeCase(_ places: ArraySlice<Place>, into events: inout [Event]) throws {
            events.removeAll(keepingCapacity: true)
            for place in places { events.append(try decode(bytes(place)).event) }
        }
        /// The case's records read in place, or false when one cannot be (a text that is not
        /// ASCII, or a type dated duties read: their events are gathered across cases).
        var records: [RecordEvent] = []
        func readRecords(_ places: ArraySlice<Place>) throws -> Bool {
            records.removeAll(keepingCapacity: true)
            for place in places {
                guard place.type >= 0, !typeDated[Int(place.type)] else { return false }
                var r = ByteReader(bytes(place))
                let event: RecordEvent?
                do { event = try r.recordEvent(typeNumber: place.type) } catch { throw Partitions.damaged() }
                guard let event else { return false }
                records.append(event)
            }
            return true
        }
        // The records point into `contents`, which lives until the end of this function.
        result.batch = try evaluateCases(rules: rules, profile: job.profile, options: options, wanted: job.include) { each, byRecords in
            for c in caseIDs.indices {
                // The records of a case lie anywhere in the partition: those of a case a little
                // ahead are asked for now, so that reading them later need not wait for memory.
                if c + prefetchLead < caseIDs.count {
                    for place in byCase[firsts[c + prefetchLead]..<firsts[c + prefetchLead + 1]] { prefetch(place) }
                }
                let places = byCase[firsts[c]..<firsts[c + 1]]
                if let byRecords, !keepAll, try readRecords(places) {
                    let counted = try byRecords({ caseIDs[c] }, &records, triggers) {
                        var made: [Event] = []
                        try decodeCase(places, into: &made)
                        return made
                    }
                    if counted { continue }
                }
                try decodeCase(places, into: &events)
                each(caseIDs[c], events)
            }
        }
        for chunk in job.partitions { chunk.release(p) }
        if let stream = job.stream, let runs = job.runs {
            var run = FindingRun(runs, p)
            result.tally = result.batch.tally
            // Read in place, in report order: no sorted copy of the findings is made.
            let order = Finding.reportOrder(result.batch.findings)
            try result.batch.findings.withUnsafeBufferPointer { findings in
                for i in order { try run.append(FindingKey(findings[i]), rule: ObjectIdentifier(findings[i].rule), line: stream.render(findings[i])) }
            }
            try runs.finishWriting(p)
            result.batch.findings = []
        }
        return result
    }
}

/// The order of every report: when the clock started, then case, rule and what started it. Kept
/// beside a rendered finding for the merge of streamed findings.
struct FindingKey: Comparable, Sendable {
    var at: Instant
    var caseID: String
    var rule: String
    var start: String

    init(_ f: Finding) { self.init(at: f.startedAt, caseID: f.caseID, rule: f.rule.id, start: f.startID) }

    init(at: Instant, caseID: String, rule: String, start: String) {
        self.at = at
        self.caseID = caseID
        self.rule = rule
        self.start = start
    }

    static func < (a: FindingKey, b: FindingKey) -> Bool { (a.at, a.caseID, a.rule, a.start) < (b.at, b.caseID, b.rule, b.start) }
}

/// Writes one run of rendered findings, in report order, to a partition, for `FindingMerge`.
///
/// A record is the finding's key (`FindingKey`), then its line. The first line of each rule in
/// the run is written whole, and becomes a reference (numbered in run order); a later line of the
/// rule is written as how many bytes it shares with that reference from the start, then the rest.
/// A JSON line starts with its rule's own fields, half of its 2.2 KB: nearly half of what the
/// runs would spill and read back is not written. Any renderer's lines are taken as they are.
struct FindingRun {
    private let runs: Partitions
    private let p: Int
    private var record = ByteWriter()
    /// By rule: its reference's number, and its bytes.
    private var references: [ObjectIdentifier: (number: Int, line: [UInt8])] = [:]
    private var count = 0

    init(_ runs: Partitions, _ p: Int) {
        self.runs = runs
        self.p = p
    }

    /// Appends a finding's line; `rule` nil writes it whole, and shares it with none.
    mutating func append(_ key: FindingKey, rule: ObjectIdentifier?, line: [UInt8]) throws {
        record.bytes.removeAll(keepingCapacity: true)
        key.write(to: &record)
        if let rule, let reference = references[rule] {
            let shared = Self.sharedStart(line, reference.line)
            record.varint(UInt64(reference.number) + 1)
            record.varint(UInt64(shared))
            record.bytes += line[shared...]
        } else {
            if let rule { references[rule] = (count, line) }
            // A whole line is a reference to the reader, which keeps every one in order.
            count += 1
            record.varint(0)
            record.bytes += line
        }
        try runs.append(p, record.bytes)
    }

    /// How many bytes `a` and `b` share from their start, compared eight at a time.
    static func sharedStart(_ a: [UInt8], _ b: [UInt8]) -> Int {
        a.withUnsafeBytes { a in
            b.withUnsafeBytes { b in
                let n = min(a.count, b.count)
                var i = 0
                while i + 8 <= n, a.loadUnaligned(fromByteOffset: i, as: UInt64.self) == b.loadUnaligned(fromByteOffset: i, as: UInt64.self) { i += 8 }
                while i < n, a[i] == b[i] { i += 1 }
                return i
            }
        }
    }
}

/// Merges runs already in report order into one stream.
enum FindingMerge {
    /// `runs` holds one run per partition (`FindingRun`); `extra` is one more run held in memory
    /// (the dated duties). Each finding's line goes to `write` in place, or put together in one
    /// buffer kept from line to line when it shares its start with a reference; either is good
    /// only for the call.
    ///
    /// Keys are compared where they lie in the runs' buffers (`Head`), as `FindingKey` orders
    /// them: no key is made per finding, and no array. Of 229,000 findings merged from 169 runs
    /// (the 10 M-event benchmark), each is compared some fifteen times.
    static func write(runs: Partitions, extra: [(FindingKey, [UInt8])], write: (UnsafeBufferPointer<UInt8>) throws -> Void) throws {
        // The dated duties as one more run, the last: on equal keys, the partitions' come first.
        let dated = try Partitions(count: 1, folder: nil, name: "dated")
        var datedRun = FindingRun(dated, 0)
        for (key, line) in extra { try datedRun.append(key, rule: nil, line: line) }
        let sources = try (0..<runs.count).map { try runs.cursor($0) } + [dated.cursor(0)]
        /// By source: the lines others share their start with (`FindingRun`), in order.
        var references = [[[UInt8]]](repeating: [], count: sources.count)
        /// Source `s`'s next finding; a full line is kept as the source's next reference.
        func next(_ s: Int) throws -> Head? {
            guard let head = try Head(sources[s].next()) else { return nil }
            if head.reference < 0 {
                references[s].append(Array(head.line))
            } else if head.reference >= references[s].count || head.shared > references[s][head.reference].count {
                throw Partitions.damaged()
            }
            return head
        }
        var heads: [Head] = []
        heads.reserveCapacity(sources.count)
        // A binary heap of sources by their next finding; ties by source keep the order stable.
        var heap: [Int] = []
        for s in sources.indices {
            guard let head = try next(s) else {
                heads.append(Head())
                continue
            }
            heads.append(head)
            heap.append(s)
        }
        func precedes(_ a: Int, _ b: Int) -> Bool {
            switch heads[a].order(heads[b]) {
            case .less: true
            case .greater: false
            case .equal: a < b
            }
        }
        func down(_ start: Int) {
            var i = start
            while true {
                let l = 2 * i + 1, r = l + 1
                var m = i
                if l < heap.count, precedes(heap[l], heap[m]) { m = l }
                if r < heap.count, precedes(heap[r], heap[m]) { m = r }
                if m == i { return }
                heap.swapAt(i, m)
                i = m
            }
        }
        for i in stride(from: heap.count / 2 - 1, through: 0, by: -1) { down(i) }
        var line: [UInt8] = []
        while let top = heap.first {
            let head = heads[top]
            if head.reference < 0 {
                try write(head.line)
            } else {
                line.removeAll(keepingCapacity: true)
                line += references[top][head.reference][..<head.shared]
                line.append(contentsOf: head.line)
                try line.withUnsafeBufferPointer { try write($0) }
            }
            if let head = try next(top) {
                heads[top] = head
            } else {
                heap[0] = heap[heap.count - 1]
                heap.removeLast()
            }
            if !heap.isEmpty { down(0) }
        }
    }

    /// A run's next finding, read in place from its record (`FindingRun`): its key, then its
    /// line, whole or as the part after what it shares with a reference.
    private struct Head {
        var at: Int64 = 0
        var caseID = UnsafeBufferPointer<UInt8>(start: nil, count: 0)
        var rule = UnsafeBufferPointer<UInt8>(start: nil, count: 0)
        var start = UnsafeBufferPointer<UInt8>(start: nil, count: 0)
        /// The reference (in the run's order) whose first `shared` bytes start the line; -1
        /// when `line` is whole.
        var reference = -1
        var shared = 0
        var line = UnsafeBufferPointer<UInt8>(start: nil, count: 0)

        init() {}

        /// Nil at the end of the run.
        init?(_ record: UnsafeBufferPointer<UInt8>?) throws {
            guard let record else { return nil }
            var r = ByteReader(record)
            do {
                at = try r.signed()
                caseID = try r.utf8()
                rule = try r.utf8()
                start = try r.utf8()
                reference = try r.int() - 1
                if reference >= 0 { shared = try r.int() }
            } catch {
                throw Partitions.damaged()
            }
            line = UnsafeBufferPointer(rebasing: record[r.at...])
        }

        enum Order { case less, equal, greater }

        /// `FindingKey`'s order: when the clock started, then case, rule and start as texts.
        func order(_ o: Head) -> Order {
            if at != o.at { return at < o.at ? .less : .greater }
            let byCase = Self.order(caseID, o.caseID)
            if byCase != .equal { return byCase }
            let byRule = Self.order(rule, o.rule)
            return byRule != .equal ? byRule : Self.order(start, o.start)
        }

        /// Two texts in `String`'s order: by bytes when both are ASCII, where the two agree;
        /// else as `String`s (canonical equivalence).
        private static func order(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>) -> Order {
            if a.isASCII, b.isASCII {
                let c = FlatEvent.compare(a, b)
                return c == 0 ? .equal : c < 0 ? .less : .greater
            }
            let (x, y) = (String(decoding: a, as: UTF8.self), String(decoding: b, as: UTF8.self))
            return x == y ? .equal : x < y ? .less : .greater
        }
    }
}

extension FindingKey {
    func write(to w: inout ByteWriter) {
        w.signed(at.nanoseconds)
        w.string(caseID)
        w.string(rule)
        w.string(start)
    }
}

extension ByteWriter {
    /// An id partition's record, for an id given as a `String`.
    mutating func idRecord(_ id: String, sequence: UInt64, hash: UInt64, file: Int, line: Int) {
        var id = id
        id.withUTF8 { idRecord($0, sequence: sequence, hash: hash, file: file, line: line) }
    }

    mutating func reject(_ r: Reject, sequence: UInt64) {
        varint(sequence)
        string(r.file)
        varint(UInt64(max(0, r.line)))
        string(r.reason)
        string(r.fix)
        string(r.record)
    }
}

extension ByteReader {
    mutating func reject() throws(Damaged) -> (UInt64, Reject) {
        let sequence = try varint()
        return (sequence, Reject(file: try string(), line: try int(), reason: try string(), fix: try string(), record: try string()))
    }
}

/// Where the events of every chunk were read: file names by chunk, and the lines before each
/// chunk in its file, so that an origin read in a chunk names the file's own line number.
struct FileTable: Sendable {
    /// Sequence numbers carry their chunk in these high bits: input order across chunks.
    static let chunkShift: UInt64 = 40

    var names: [[String]]
    var lineBase: [Int]

    init(chunks: [Auditor.IngestChunk], ingested: [Auditor.IngestedChunk]) {
        names = ingested.map(\.files)
        lineBase = []
        for (k, chunk) in chunks.enumerated() {
            let continues = k > 0 && chunk.start > 0 && chunks[k - 1].log.path == chunk.log.path
            lineBase.append(continues ? lineBase[k - 1] + ingested[k - 1].lines : 0)
        }
    }

    func origin(sequence: UInt64, file: Int, line: Int) -> SourceLocation {
        let chunk = Int(sequence >> Self.chunkShift)
        return SourceLocation(file: names[chunk][file], line: line == 0 ? nil : line + lineBase[chunk])
    }
}

/// Relays reading progress from the threads that read chunks to the caller's display, one call
/// at a time.
final class ProgressRelay: @unchecked Sendable {
    private let progress: ((IngestProgress) -> Void)?
    private let total: Int64
    private let lock = NSLock()
    private var done: [Int: Int64] = [:]
    private var next = 0

    init(_ progress: ((IngestProgress) -> Void)?, total: Int64) {
        self.progress = progress
        self.total = total
    }

    /// A reporter for one chunk's reading (bytes read in the chunk so far), or nil without a display.
    func reporter(records: @escaping () -> Int) -> ((Int64) -> Void)? {
        guard let progress else { return nil }
        let me = lock.withLock { () -> Int in
            next += 1
            return next
        }
        return { [self] bytes in
            lock.withLock {
                done[me] = bytes
                progress(IngestProgress(bytesRead: min(total, done.values.reduce(0, +)), totalBytes: total, records: records()))
            }
        }
    }
}
