import Foundation

/// Counts of what ingestion saw; every record ends up in exactly one of these.
public struct IngestStats: Sendable, Equatable {
    /// Records read from all logs (events, duplicates and rejects).
    public var records = 0
    /// Distinct events accepted.
    public var events = 0
    /// Records whose id was already seen with identical content: ignored after the first.
    public var duplicates = 0
    /// Records kept aside: malformed, unknown type, bad attribute, or a conflicting duplicate.
    public var rejected = 0
    /// Events later than the audit instant: not yet known at `--as-of`, so not evaluated.
    public var afterAsOf = 0
    /// Cases with at least one accepted event up to the audit instant.
    public var cases = 0

    public init(records: Int = 0, events: Int = 0, duplicates: Int = 0, rejected: Int = 0, afterAsOf: Int = 0, cases: Int = 0) {
        self.records = records
        self.events = events
        self.duplicates = duplicates
        self.rejected = rejected
        self.afterAsOf = afterAsOf
        self.cases = cases
    }
}

/// What one audit found.
public struct AuditResult: Sendable {
    public var asOf: Instant
    public var profile: PlatformProfile
    public var rules: RuleSet
    public var logs: [LogInput]
    /// In a fixed order: trigger instant, case, rule, trigger id.
    public var findings: [Finding]
    public var problems: [EvaluationProblem]
    public var stats: IngestStats
    /// For explained cases: every rule considered for every event, and the case's events.
    public var explained: [String: (events: [Event], considerations: [Consideration])]
    /// What the next run can continue from, when the run was asked to keep it (stored runs).
    public var checkpoint: IngestCheckpoint? = nil
    /// What reading Transparency Database dumps saw (rows, layouts, legacy categories), when any
    /// log was read as `tdb`; nil otherwise.
    public var tdb: TDBImportSummary? = nil
    /// Every accepted event up to the audit instant, in time order (then id), when
    /// `AuditOptions.keepEvents` asked for them (transparency metrics read the whole log).
    public var events: [Event] = []
    /// The counts of every finding when `findings` holds only some of them (`FindingOutput.keep`)
    /// or none (`.stream`); nil when it holds them all.
    public var fullTally: FindingTally? = nil

    public var breaches: [Finding] { findings.filter(\.status.isBreach) }
}

public struct AuditOptions: Sendable {
    /// The audit instant: what was known then, and what was due by then.
    public var asOf: Instant
    /// Cases to explain in full (all their events and every rule considered).
    public var explainCases: Set<String>
    /// Also list dated duties falling due up to this instant, beyond the audit instant (the
    /// calendar's window); their clocks have not started yet, so they are pending.
    public var horizon: Instant?
    /// What-if: events moved in time before evaluation (`oblige exposure` variants). Events moved
    /// past the audit instant are not known yet and are left out, as in any audit.
    public var shifts: [EventShift]
    /// Keep every accepted event in `AuditResult.events`, not only those a rule reads: for
    /// reports computed over the log itself (`TransparencyMetrics`). Memory grows with the log.
    public var keepEvents: Bool
    /// Waivers to mark on the breaches they cover, as the findings are made (streamed findings
    /// are never held for `AuditResult.apply`).
    public var waivers: [Waiver]

    public init(
        asOf: Instant, explainCases: Set<String> = [], horizon: Instant? = nil, shifts: [EventShift] = [], keepEvents: Bool = false, waivers: [Waiver] = []
    ) {
        self.asOf = asOf
        self.waivers = waivers
        self.explainCases = explainCases
        self.horizon = horizon
        self.shifts = shifts
        self.keepEvents = keepEvents
    }
}

/// How far reading the logs has got: for a progress display (the library never draws one).
public struct IngestProgress: Sendable {
    public var bytesRead: Int64
    public var totalBytes: Int64
    public var records: Int
    /// Reading is over; the cases are being evaluated.
    public var evaluating = false
}

/// Runs an audit: streams the logs, checks each record, groups events by case, evaluates.
public enum Auditor {
    /// Rejected records go to `onReject` as they are found (the caller keeps them aside);
    /// nothing is dropped silently. Throws only when an input as a whole cannot be used.
    ///
    /// With `resume`, the logs are read from where that checkpoint stopped and its events join
    /// the new ones: the result equals reading everything again. With `checkpoint: true` the
    /// result carries the checkpoint the next run continues from (stored runs).
    ///
    /// A stored run keeps every event id for the next run, so it reads into memory; any other
    /// audit reads in partitions, in bounded memory (`runPartitioned`, where `scale` and `output`
    /// are described).
    public static func run(
        rules: RuleSet, profile: PlatformProfile, logs: [LogInput], options: AuditOptions, resume: IngestCheckpoint? = nil,
        checkpoint keepCheckpoint: Bool = false, scale: ScaleOptions = ScaleOptions(), output: FindingOutput = .collect,
        progress: ((IngestProgress) -> Void)? = nil, onReject: (Reject) throws -> Void
    ) throws -> AuditResult {
        if resume == nil, !keepCheckpoint {
            return try runPartitioned(
                rules: rules, profile: profile, logs: logs, options: options, scale: scale, output: output, progress: progress, onReject: onReject)
        }
        var result = try runInMemory(
            rules: rules, profile: profile, logs: logs, options: options, resume: resume, checkpoint: keepCheckpoint, progress: progress,
            onReject: onReject)
        switch output {
        case .collect: break
        case .keep(let include):
            result.fullTally = result.tally
            result.findings = result.findings.filter(include.accepts)
        case .stream(let include, let render, let write):
            result.fullTally = result.tally
            for f in result.findings where include.accepts(f) { try render(f).withUnsafeBufferPointer { try write($0) } }
            result.findings = []
        }
        return result
    }

    /// The reading of a stored run: every accepted event's id and the events the rules read are
    /// kept for the checkpoint.
    static func runInMemory(
        rules: RuleSet, profile: PlatformProfile, logs: [LogInput], options: AuditOptions, resume: IngestCheckpoint?,
        checkpoint keepCheckpoint: Bool, progress: ((IngestProgress) -> Void)?, onReject: (Reject) throws -> Void
    ) throws -> AuditResult {
        let missing = profile.missingTargets(for: rules)
        if !missing.isEmpty { throw ObligeErrors(missing) }

        var intake = EventIntake(
            vocabulary: rules.vocabulary, serviceIDs: Set(profile.services.map(\.id)), seen: resume?.seen ?? [:], stats: resume?.stats ?? IngestStats())
        var kept: [Event] = resume?.events ?? []
        let keepAll = !options.explainCases.isEmpty || options.keepEvents
        var positions = resume?.positions ?? [:]
        var added: [String] = []
        var tdb: TDBImportSummary?

        // Bytes to read in all logs (what is appended, when resuming), for progress displays.
        var done: Int64 = 0
        let total = progress == nil ? 0 : logs.reduce(Int64(0)) { sum, log in
            let size = (try? FileManager.default.attributesOfItem(atPath: log.path)[.size] as? NSNumber)?.int64Value ?? 0
            return sum + max(0, size - (resume?.positions[log.path]?.offset ?? 0))
        }
        for log in logs {
            let start = resume?.positions[log.path] ?? .beginning
            let report = progress.map { tell in { (bytes: Int64) in tell(IngestProgress(bytesRead: done + bytes, totalBytes: total, records: intake.stats.records)) } }
            let end = try LogReaders.read(log, from: start, completeLinesOnly: keepCheckpoint || resume != nil, onBytes: report, onTDB: { tdb = (tdb ?? TDBImportSummary()).appending($0) }) { record in
                guard let e = try intake.accept(record, onReject: onReject) else { return }
                if resume != nil { added.append(e.id) }
                if keepAll || rules.relevantTypes.contains(e.type) { kept.append(e) }
            }
            positions[log.path] = end
            done += end.offset - start.offset
        }
        var stats = intake.stats
        let seen = intake.seen
        progress?(IngestProgress(bytesRead: done, totalBytes: total, records: stats.records, evaluating: true))
        // What is known at the audit instant: counted over every accepted event, old and new.
        var caseIDs = Set<String>()
        stats.afterAsOf = 0
        for s in seen.values {
            if s.at > options.asOf { stats.afterAsOf += 1 } else { caseIDs.insert(s.caseID) }
        }
        stats.cases = caseIDs.count
        var cases: [String: [Event]] = [:]
        for e in kept where e.at <= options.asOf { cases[e.caseID, default: []].append(e) }
        var result = evaluate(rules: rules, profile: profile, cases: cases, options: options)
        result.logs = logs
        result.stats = stats
        result.tdb = tdb
        if options.keepEvents { result.events = Auditor.inTimeOrder(kept.filter { $0.at <= options.asOf }) }
        if keepCheckpoint {
            var ingested = stats
            ingested.afterAsOf = 0
            ingested.cases = 0
            result.checkpoint = IngestCheckpoint(seen: seen, events: kept, stats: ingested, positions: positions, added: resume == nil ? nil : added)
        }
        return result
    }

    /// Evaluates events already read and checked (worked examples, tests): the same engine as
    /// `run`, without the ingestion. Events after `asOf` are not known yet and are left out.
    public static func evaluate(rules: RuleSet, profile: PlatformProfile, events: [Event], options: AuditOptions) throws -> AuditResult {
        let missing = profile.missingTargets(for: rules)
        if !missing.isEmpty { throw ObligeErrors(missing) }
        var cases: [String: [Event]] = [:]
        var stats = IngestStats(records: events.count, events: events.count)
        for e in events {
            if e.at > options.asOf {
                stats.afterAsOf += 1
            } else {
                cases[e.caseID, default: []].append(e)
            }
        }
        stats.cases = cases.count
        var result = evaluate(rules: rules, profile: profile, cases: cases, options: options)
        result.stats = stats
        if options.keepEvents { result.events = Auditor.inTimeOrder(events.filter { $0.at <= options.asOf }) }
        return result
    }

    /// Events by instant, then id: an order that does not depend on the order records arrived in.
    static func inTimeOrder(_ events: [Event]) -> [Event] { events.sorted { ($0.at, $0.id) < ($1.at, $1.id) } }

    /// The evaluation shared by `run` and `evaluate`: every case, in a fixed order.
    static func evaluate(rules: RuleSet, profile: PlatformProfile, cases: [String: [Event]], options: AuditOptions) -> AuditResult {
        var batch = evaluateCases(rules: rules, profile: profile, cases: cases, options: options)
        batch.findings += evaluateDated(rules: rules, profile: profile, events: batch.dated, options: options)
        batch.findings = Finding.inReportOrder(batch.findings)
        return AuditResult(
            asOf: options.asOf, profile: profile, rules: rules, logs: [], findings: batch.findings, problems: batch.problems,
            stats: IngestStats(), explained: batch.explained)
    }

    /// What evaluating a group of cases gave: findings (unordered), problems, explained cases,
    /// and the events dated duties read (they are evaluated across all cases, afterwards).
    struct CaseBatch: Sendable {
        var findings: [Finding] = []
        var problems: [EvaluationProblem] = []
        var explained: [String: (events: [Event], considerations: [Consideration])] = [:]
        var dated: [Event] = []
        /// Counts of every finding made, including those `wanted` turned away.
        var tally = FindingTally()
    }

    /// Evaluates every case of `cases` (events up to the audit instant) by the case rules, after
    /// the what-if shifts. Cases are independent: any grouping of cases into batches gives the
    /// same findings.
    ///
    /// With `wanted`, only the findings it accepts are kept (the others are only counted in the
    /// batch's tally), and only they are read beyond their verdict: a case is first evaluated
    /// without writing the deadlines' working, then its wanted findings alone again with it (the
    /// same evaluation, so the same verdicts).
    static func evaluateCases(
        rules: RuleSet, profile: PlatformProfile, cases original: [String: [Event]], options: AuditOptions, wanted: FindingFilter? = nil
    ) -> CaseBatch {
        evaluateCases(rules: rules, profile: profile, options: options, wanted: wanted) { each, _ in
            for caseID in original.keys.sorted() { each(caseID, original[caseID] ?? []) }
        }
    }

    /// How a source may hand over a case as spill records read in place (`RecordEvent`s, each
    /// with its type's number, and the rules each type number triggers): true when its verdicts
    /// were counted and its wanted findings made, which `decode` makes its `Event`s for; false
    /// when it needs more than verdicts, and must be handed over as events.
    ///
    /// The case's id comes as a closure: read only when the case is explained or has wanted
    /// findings, not retained and released for each of millions of cases.
    typealias RecordCases = (
        _ caseID: () -> String, _ records: inout [RecordEvent], _ triggers: CaseEvaluator.TriggerTable, _ decode: () throws -> [Event]
    ) throws -> Bool

    /// `evaluateCases` over the cases `source` hands to its first argument one at a time (case
    /// id, events in log order), in the order it chooses: a caller can make each case's events
    /// just before they are evaluated, and drop them just after.
    ///
    /// Its second argument, when not nil, takes a case as records instead: when only verdicts
    /// are counted (`wanted` given, no waivers, no shifts), most cases are counted without an
    /// `Event` made. It is nil when every case must come as events.
    static func evaluateCases(
        rules: RuleSet, profile: PlatformProfile, options: AuditOptions, wanted: FindingFilter? = nil,
        source: (_ each: (String, [Event]) -> Void, _ records: RecordCases?) throws -> Void
    ) rethrows -> CaseBatch {
        let calculator = DeadlineCalculator(calendars: rules.calendars, targets: profile.targets)
        let evaluator = CaseEvaluator(rules: rules, profile: profile, calculator: calculator, asOf: options.asOf)
        let silent = evaluator.silenced()
        let datedTypes = rules.datedTypes
        var batch = CaseBatch()
        // Verdicts of rules whose clock nothing moves, counted by rule position and status, when
        // no waiver can mark them: such findings are never made unless wanted.
        let statuses = Finding.Status.allCases
        var counts = [Int](repeating: 0, count: options.waivers.isEmpty && wanted != nil ? rules.rules.count * statuses.count : 0)
        // What the closures below read, taken apart once: the closures are made once for all
        // cases (made per case, each would copy the rule set and the options it reads).
        let ruleList = rules.rules
        let waivers = options.waivers
        let asOf = options.asOf
        /// The wanted findings of the case being evaluated, by rule and trigger.
        var slots = Set<CaseEvaluator.Slot>()
        /// Marks a finding with the waiver that covers it.
        let waive: (inout Finding) -> Void = { f in
            if !waivers.isEmpty { f.waiver = f.covering(waivers, asOf: asOf) }
        }
        let keepAll: (inout Finding) -> Bool = { f in
            waive(&f)
            batch.tally.add(f)
            return true
        }
        // With `wanted`: every verdict silently, each counted as it is made; then the wanted
        // findings again, with their working.
        let countOnly: (inout Finding) -> Bool = { f in
            waive(&f)
            batch.tally.add(f)
            if wanted?.accepts(f) == true { slots.insert(CaseEvaluator.Slot(f)) }
            return false
        }
        /// Counts a verdict given alone (by rule position), and marks its slot when it is wanted.
        func tally(_ rule: Int, _ status: Finding.Status, trigger: @autoclosure () -> String) {
            counts[rule * statuses.count + status.position] += 1
            if wanted?.accepts(status) == true { slots.insert(CaseEvaluator.Slot(rule: ruleList[rule], trigger: trigger())) }
        }
        let count: ((Int, Event, Finding.Status) -> Void)? = counts.isEmpty ? nil : { rule, trigger, status in tally(rule, status, trigger: trigger.id) }
        let keepWanted: (inout Finding) -> Bool = { f in
            waive(&f)
            return wanted?.accepts(f) ?? true
        }
        /// The case's findings of the marked slots, made again with their working.
        func narrateWanted(_ caseID: String, _ events: [Event]) {
            batch.findings += evaluator.evaluate(caseID: caseID, events: events, explain: false, only: slots, visit: keepWanted).findings
        }
        /// Verdicts of the case being read from its records.
        var recordVerdicts: [CaseEvaluator.RecordVerdict] = []
        var recordScratch = silent.recordScratch()
        let records: RecordCases? =
            counts.isEmpty || !options.shifts.isEmpty
            ? nil
            : { caseID, records, triggers, decode in
                if !options.explainCases.isEmpty, options.explainCases.contains(caseID()) { return false }
                recordVerdicts.removeAll(keepingCapacity: true)
                guard silent.recordVerdicts(&records, triggers: triggers, scratch: &recordScratch, into: &recordVerdicts) else { return false }
                slots.removeAll(keepingCapacity: true)
                for v in recordVerdicts { tally(v.rule, v.status, trigger: String(decoding: records[v.trigger].id, as: UTF8.self)) }
                if !slots.isEmpty { narrateWanted(caseID(), try decode()) }
                return true
            }
        try source({ caseID, given in
            var events = given
            if !options.shifts.isEmpty { events = EventShift.apply(options.shifts, to: events).filter { $0.at <= options.asOf } }
            let explain = options.explainCases.contains(caseID)
            let r: CaseEvaluator.Result
            if wanted != nil, !explain {
                slots.removeAll(keepingCapacity: true)
                r = silent.evaluate(caseID: caseID, events: events, explain: false, visit: countOnly, verdicts: count)
                if !slots.isEmpty { narrateWanted(caseID, events) }
            } else {
                r = evaluator.evaluate(caseID: caseID, events: events, explain: explain, visit: keepAll)
                batch.findings += r.findings
            }
            batch.problems += r.problems
            if explain { batch.explained[caseID] = (events.sorted { ($0.at, $0.id) < ($1.at, $1.id) }, r.considerations) }
            if !datedTypes.isEmpty { batch.dated += events.filter { datedTypes.contains($0.type) } }
        }, records)
        for (i, n) in counts.enumerated() where n > 0 {
            batch.tally.add(rules.rules[i / statuses.count], statuses[i % statuses.count], count: n)
        }
        return batch
    }

    /// The dated duties (reports, assessments), over the events of every case.
    static func evaluateDated(rules: RuleSet, profile: PlatformProfile, events: [Event], options: AuditOptions) -> [Finding] {
        guard rules.hasDatedDuties else { return [] }
        let calculator = DeadlineCalculator(calendars: rules.calendars, targets: profile.targets)
        let findings = ScheduleEvaluator(rules: rules, profile: profile, calculator: calculator, asOf: options.asOf)
            .evaluate(events: events, through: options.horizon)
        return findings.map { $0.withWaiver(options) }
    }

    /// Equal for events that say the same thing, wherever they were read from.
    /// FNV-1a (64 bits) over the event's case, type, instant and attributes: the same number in
    /// every process, so a stored run's events can be compared with the next run's. Audit stores
    /// keep it: its value must never change.
    ///
    /// Each text is followed by 0xff, a byte no UTF-8 text contains. The instant is its
    /// nanoseconds in decimal. Attributes come in name order, as `Attributes` keeps them: the
    /// name, then `s` and the value, or `l` and the item count as one text, then the items. It is
    /// computed for every event read, so it allocates nothing.
    static func contentHash(_ e: Event) -> UInt64 { content(e, into: ContentHasher()) }

    /// `contentHash` of the event a `FlatEvent` describes, from the line's bytes.
    static func contentHash(_ f: FlatEvent) -> UInt64 { content(f, into: ContentHasher()) }

    /// What decides, within one audit, whether two events with one id are duplicates: the same
    /// content as `contentHash` reads, mixed eight bytes at a time (`IdentityMixer`) rather than
    /// byte by byte. Never stored, so free to differ from `contentHash`; about four times
    /// cheaper, and the first pass computes it for every event.
    static func identityHash(_ e: Event) -> UInt64 { content(e, into: IdentityMixer()) }

    /// `identityHash` of the event a `FlatEvent` describes, from the line's bytes.
    static func identityHash(_ f: FlatEvent) -> UInt64 { content(f, into: IdentityMixer()) }

    /// The steps of both hashes, over an event.
    private static func content<M: ContentMixer>(_ e: Event, into mixer: M) -> UInt64 {
        var h = mixer
        h.text(e.caseID)
        h.text(e.type)
        h.number(e.at.nanoseconds)
        for (name, value) in e.attributes {
            h.text(name)
            switch value {
            case .string(let s):
                h.tag(UInt8(ascii: "s"))
                h.text(s)
            case .list(let l):
                h.tag(UInt8(ascii: "l"))
                h.number(Int64(l.count))
                for s in l { h.text(s) }
            }
        }
        return h.value
    }

    /// The same steps over the bytes of the event a `FlatEvent` describes (its attributes are in
    /// the same order).
    private static func content<M: ContentMixer>(_ f: FlatEvent, into mixer: M) -> UInt64 {
        var h = mixer
        h.text(f.bytes(f.caseID))
        h.text(f.bytes(f.type))
        h.number(f.at.nanoseconds)
        for a in f.attributes {
            h.text(f.bytes(a.name))
            if a.isList {
                h.tag(UInt8(ascii: "l"))
                h.number(Int64(a.value.count))
                for item in a.value { h.text(f.bytes(f.items[item])) }
            } else {
                h.tag(UInt8(ascii: "s"))
                h.text(f.bytes(a.value))
            }
        }
        return h.value
    }

    /// The event in canonical JSON, for the rejects file.
    static func recordText(_ e: Event) -> String { JSONWriter.event(e).text }
}

/// How the steps of a content hash (`Auditor.contentHash`, `Auditor.identityHash`) are mixed
/// into a number: texts, numbers and one-byte tags, in an order the event's shape fixes.
protocol ContentMixer {
    var value: UInt64 { get }
    mutating func text(_ bytes: UnsafeBufferPointer<UInt8>)
    mutating func number(_ n: Int64)
    mutating func tag(_ b: UInt8)
}

extension ContentMixer {
    mutating func text(_ s: String) {
        var s = s
        s.withUTF8 { text($0) }
    }
}

/// The steps of `Auditor.contentHash`, over `FNV1a`: each text then 0xff, each number in decimal
/// then 0xff, each tag as its byte.
struct ContentHasher: ContentMixer {
    private var fnv = FNV1a()

    var value: UInt64 { fnv.value }

    mutating func tag(_ b: UInt8) { fnv.byte(b) }

    /// The separator after each text: no UTF-8 text contains 0xff.
    private mutating func end() { fnv.byte(0xff) }

    /// A text given as its UTF-8 bytes, then the separator.
    mutating func text(_ bytes: UnsafeBufferPointer<UInt8>) {
        fnv.bytes(bytes)
        end()
    }

    /// A number's decimal digits, as text would spell it, without making the text; then the
    /// separator.
    mutating func number(_ n: Int64) {
        n.withDecimalText { fnv.bytes($0) }
        end()
    }
}

/// The steps of `Auditor.identityHash`: each text as its length then its bytes eight at a time
/// (the last word padded with zeros), each number and tag as one word. The round and the final
/// mix are xxHash64's, whose multipliers spread every input bit over the whole word.
///
/// The lengths make the sequence of words say where each text ends, so two events with different
/// content give different words; equal words give equal hashes.
struct IdentityMixer: ContentMixer {
    private var h: UInt64 = 0x27d4_eb2f_1656_67c5

    private static let p1: UInt64 = 0x9e37_79b1_85eb_ca87
    private static let p2: UInt64 = 0xc2b2_ae3d_27d4_eb4f
    private static let p3: UInt64 = 0x1656_67b1_9e37_79f9

    @inline(__always)
    private mutating func word(_ w: UInt64) {
        let k = ((w &* Self.p2) << 31 | (w &* Self.p2) >> 33) &* Self.p1
        h ^= k
        h = (h << 27 | h >> 37) &* Self.p1 &+ Self.p3
    }

    var value: UInt64 {
        var x = h
        x ^= x >> 33
        x = x &* Self.p2
        x ^= x >> 29
        x = x &* Self.p3
        x ^= x >> 32
        return x
    }

    mutating func text(_ bytes: UnsafeBufferPointer<UInt8>) {
        word(UInt64(bytes.count))
        guard let base = bytes.baseAddress else { return }
        let raw = UnsafeRawPointer(base)
        var i = 0
        while i + 8 <= bytes.count {
            word(UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)))
            i += 8
        }
        if i < bytes.count {
            var last: UInt64 = 0
            var shift: UInt64 = 0
            while i < bytes.count {
                last |= UInt64(bytes[i]) << shift
                shift += 8
                i += 1
            }
            word(last)
        }
    }

    mutating func number(_ n: Int64) { word(UInt64(bitPattern: n)) }

    mutating func tag(_ b: UInt8) { word(UInt64(b)) }
}
