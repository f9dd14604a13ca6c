import ArgumentParser
import Foundation
import ObligeCore

#if canImport(Glibc)
    import Glibc
#endif

@main
struct Oblige: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "oblige",
        abstract: "Evaluate a platform's incident log against online-safety obligations.",
        discussion: """
            Exit codes: 0 no breach; 1 breaches (late, overdue, violated); \
            2 rules, profile or log could not be used; 64 usage error. See docs/cli.md.
            """,
        subcommands: [
            Audit.self, Explain.self, Calendar.self, ExposureCommand.self, ReportCommand.self, TDBCommand.self, GenerateCommand.self, RunsCommand.self, DiffCommand.self, WaiveCommand.self, StoreCommand.self,
            RulesCommand.self, Holidays.self,
        ]
    )
}

/// Exit codes, as documented in docs/cli.md.
enum Exit {
    static let breaches = ExitCode(1)
    static let unusableInput = ExitCode(2)
}

/// Where the shipped rule library is when `--rules` is not given.
func defaultRulesRoot() -> String {
    if let env = ProcessInfo.processInfo.environment["OBLIGE_RULES"], !env.isEmpty { return env }
    let fm = FileManager.default
    if fm.fileExists(atPath: "Rules/vocabulary.yaml") { return "Rules" }
    var dir = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
    for _ in 0..<6 {
        let candidate = dir.appendingPathComponent("Rules")
        if fm.fileExists(atPath: candidate.appendingPathComponent("vocabulary.yaml").path) { return candidate.path }
        dir.deleteLastPathComponent()
    }
    return "Rules"
}

/// Writes diagnostics to stderr; the library never does.
func printError(_ text: String) {
    FileHandle.standardError.write(Data((text.hasSuffix("\n") ? text : text + "\n").utf8))
}

func useColor(_ handle: Int32 = STDOUT_FILENO) -> Bool {
    let env = ProcessInfo.processInfo.environment
    if let noColor = env["NO_COLOR"], !noColor.isEmpty { return false }
    if env["TERM"] == "dumb" { return false }
    return isatty(handle) == 1
}

/// Writes an output file whole, then moves it into place, so a reader never sees half of it;
/// a failure is exit 2 naming the file.
func writeOutput(_ text: String, to path: String) throws {
    try orExit {
        do { try Data(text.utf8).write(to: URL(fileURLWithPath: path), options: .atomic) } catch {
            throw ObligeError(.io, "cannot write '\(path)': \(error.localizedDescription)", fix: "check that its folder exists and is writable")
        }
    }
}

/// Runs library work and turns unusable input into exit code 2 with readable errors.
func orExit<T>(_ body: () throws -> T) throws -> T {
    do {
        return try body()
    } catch let e as ObligeErrors {
        printError(e.description)
        printError("\(e.errors.count) error\(e.errors.count == 1 ? "" : "s").")
        throw Exit.unusableInput
    } catch let e as ObligeError {
        printError(e.description)
        throw Exit.unusableInput
    }
}

func parseAsOf(_ text: String?) throws -> Instant {
    guard let text, text != "now" else {
        return Instant(nanoseconds: Int64(Date().timeIntervalSince1970 * 1_000_000_000))
    }
    do { return try Instant.parseRFC3339(text) } catch {
        throw ValidationError("--as-of '\(text)' is not an RFC 3339 date-time with an offset (e.g. 2025-07-01T00:00:00Z), or 'now'")
    }
}

extension LogFormat: ExpressibleByArgument {}

/// `--rules`, for every command that reads the rule library.
struct LibraryOptions: ParsableArguments {
    @Option(name: .long, help: "The rule library (default: $OBLIGE_RULES, ./Rules, or the one shipped beside the binary).")
    var rules: String?

    func load() throws -> RuleSet {
        try orExit { try RuleLoader.load(root: rules ?? defaultRulesRoot()) }
    }
}

/// Options shared by the commands that read a platform and its logs.
struct InputOptions: ParsableArguments {
    @Option(name: .long, help: "The platform profile (YAML).")
    var platform: String

    @Option(name: .long, help: "An incident log (.jsonl, .csv or .xml); repeat for several.")
    var log: [String] = []

    @Option(name: .long, help: "Read every --log in this format instead of guessing from the extension (jsonl, csv, xml, tdb: Transparency Database dumps).")
    var logFormat: LogFormat?

    @OptionGroup var library: LibraryOptions

    @Option(name: .long, help: "The audit instant, RFC 3339 with an offset (default: now).")
    var asOf: String?

    @Option(name: .long, help: "Write rejected records here as JSON Lines (file, line, error, fix, record).")
    var rejects: String?

    @Flag(name: .long, help: "No progress bar (it is shown only on a terminal anyway).")
    var quiet = false

    @Option(name: .long, help: "Threads that read and evaluate (default: the machine's cores). The output is the same for any number.")
    var threads: Int?

    @Option(name: .long, help: "Where a large audit may spill its partitions (default: the system's temporary folder); removed afterwards.")
    var spillDir: String?

    var scale: ScaleOptions {
        var s = ScaleOptions.machine
        if let threads { s.threads = threads }
        s.spillDirectory = spillDir
        return s
    }

    func validate() throws {
        if let threads, threads < 1 { throw ValidationError("--threads must be 1 or more") }
    }

    func requireLog() throws {
        if log.isEmpty { throw ValidationError("give at least one --log FILE") }
    }

    /// Runs the audit. `rules` and `profile` reuse what a caller already loaded (exposure runs
    /// several audits: the baseline and its what-ifs); `shifts` moves events (what-if).
    func load(
        explain: Set<String> = [], horizon: Instant? = nil, at given: Instant? = nil, rules loaded: RuleSet? = nil,
        profile chosen: PlatformProfile? = nil, shifts: [EventShift] = [], resume: IngestCheckpoint? = nil, checkpoint: Bool = false,
        keepEvents: Bool = false, waivers: [Waiver] = [], output: FindingOutput = .collect
    ) throws -> (AuditResult, rejectsNote: String?) {
        let asOfInstant = try given ?? parseAsOf(asOf)
        let ruleSet = try loaded ?? library.load()
        let profile = try chosen ?? orExit { try PlatformProfile.load(path: platform) }
        let inputs = try orExit { try log.map { p throws(ObligeError) in try LogInput.resolve(path: p, format: logFormat) } }
        let sink = RejectSink(path: rejects)
        let bar = ProgressBar.make(quiet: quiet)
        defer { bar?.finish() }
        let result: AuditResult
        do {
            result = try orExit {
                try Auditor.run(
                    rules: ruleSet, profile: profile, logs: inputs,
                    options: AuditOptions(asOf: asOfInstant, explainCases: explain, horizon: horizon, shifts: shifts, keepEvents: keepEvents, waivers: waivers),
                    resume: resume, checkpoint: checkpoint, scale: scale, output: output, progress: bar.map { b in { b.update($0) } }, onReject: sink.add)
            }
        } catch {
            // Keep what was rejected before the run stopped: the rejects file is never left half-written.
            try? sink.finish()
            throw error
        }
        try orExit { try sink.finish() }
        return (result, sink.note)
    }
}

/// Keeps rejected records: in the file the user named (written whole, then moved into place),
/// or listed on stderr with file, line and reason (never the record: it may hold personal data).
final class RejectSink {
    let path: String?
    private var handle: FileHandle?
    private var tempPath: String?
    private(set) var count = 0

    init(path: String?) { self.path = path }

    func add(_ r: Reject) throws {
        count += 1
        guard let path else {
            printError("\(r.location): rejected: \(r.reason)\n  fix: \(r.fix)")
            return
        }
        if handle == nil {
            let temp = path + ".partial"
            guard FileManager.default.createFile(atPath: temp, contents: nil), let h = FileHandle(forWritingAtPath: temp) else {
                throw ObligeError(.io, "cannot write the rejects file '\(path)'", fix: "check that its folder exists and is writable")
            }
            handle = h
            tempPath = temp
        }
        let line: JSONValue = .object([
            ("file", .string(r.file)), ("line", .int(Int64(r.line))), ("error", .string(r.reason)), ("fix", .string(r.fix)),
            ("record", .string(r.record)),
        ])
        handle?.write(Data((line.text + "\n").utf8))
    }

    func finish() throws {
        guard let path else { return }
        if let handle, let tempPath {
            try handle.close()
            _ = try? FileManager.default.removeItem(atPath: path)
            do { try FileManager.default.moveItem(atPath: tempPath, toPath: path) } catch {
                throw ObligeError(.io, "cannot move the rejects file into place at '\(path)': \(error.localizedDescription)")
            }
        } else {
            // No rejects this run: leave an empty file so a stale one from an earlier run cannot mislead.
            guard FileManager.default.createFile(atPath: path, contents: Data()) else {
                throw ObligeError(.io, "cannot write the rejects file '\(path)'", fix: "check that its folder exists and is writable")
            }
        }
    }

    var note: String? {
        guard count > 0 else { return nil }
        return path.map { "\(count) written to \($0)" } ?? "\(count) listed on stderr (use --rejects FILE to keep them)"
    }
}

struct Audit: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Audit incident logs against the rule packs and show breaches with timelines.",
        discussion: """
            With --store, the run is recorded in a SQLite history with its inputs' hashes, compared with \
            the previous run (new, resolved, changed, unchanged), and waivers recorded there apply. \
            See docs/scheduled-audits.md.
            """)

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case text, json, jsonl, junit, sarif, markdown, html

        /// From a file name: .txt, .json, .jsonl, .xml (JUnit), .sarif, .md.
        init?(fileName: String) {
            let lower = fileName.lowercased()
            if lower.hasSuffix(".sarif") || lower.hasSuffix(".sarif.json") { self = .sarif }
            else if lower.hasSuffix(".md") { self = .markdown }
            else if lower.hasSuffix(".html") || lower.hasSuffix(".htm") { self = .html }
            else if lower.hasSuffix(".xml") { self = .junit }
            else if lower.hasSuffix(".jsonl") { self = .jsonl }
            else if lower.hasSuffix(".json") { self = .json }
            else if lower.hasSuffix(".txt") { self = .text }
            else { return nil }
        }
    }

    @OptionGroup var input: InputOptions

    @Option(name: .long, help: "Output format on stdout: text, json, jsonl, junit (JUnit XML), sarif (SARIF 2.1.0), markdown (a brief for a ticket or an email) or html (one self-contained page with timelines).")
    var format: Format = .text

    @Option(name: .long, help: "Also write the report to a file, as FORMAT:PATH or PATH with the format from its extension (.txt, .json, .jsonl, .xml for JUnit, .sarif, .md, .html); repeatable.")
    var output: [String] = []

    @Flag(name: .long, help: "Also list obligations that were met.")
    var all = false

    @Flag(name: .long, help: "Exit 2 when any record was rejected or any finding could not be evaluated.")
    var strict = false

    @Option(name: .long, help: "Record the run in this SQLite store and compare it with the previous one.")
    var store: String?

    @Flag(name: .long, help: "With --store: wait for another run on the same store instead of failing.")
    var wait = false

    @Option(name: .long, help: "A waiver file (YAML, kept in version control; docs/waivers.md); repeatable. Checked before any log is read.")
    var waivers: [String] = []

    @Flag(name: .long, help: "With --store: read only what was appended to each log since the last run, continuing from the store (JSON Lines logs).")
    var incremental = false

    @Flag(name: .long, help: "Read every log whole (the default); say it to override a scheduled --incremental after a log was rewritten.")
    var full = false

    @Option(name: .long, help: "What makes the run exit 1: any (active breach, the default), new (active breaches that were not in the previous stored run), or a minimum severity (critical, high, medium, low).")
    var failOn: FailOn = .any

    /// `--output` entries resolved to (format, path).
    func outputs() throws -> [(Format, String)] {
        try output.map { item in
            if let colon = item.firstIndex(of: ":"), let f = Format(rawValue: String(item[..<colon])) {
                return (f, String(item[item.index(after: colon)...]))
            }
            guard let f = Format(fileName: item) else {
                throw ValidationError("--output '\(item)': name the format (junit:report.xml) or use .txt, .json, .jsonl, .xml, .sarif, .md or .html")
            }
            return (f, item)
        }
    }

    func validate() throws {
        try input.requireLog()
        _ = try outputs()
        if failOn == .new, store == nil { throw ValidationError("--fail-on new compares with the previous run: give --store PATH") }
        if wait, store == nil { throw ValidationError("--wait waits for another run on a store: give --store PATH") }
        if incremental, store == nil { throw ValidationError("--incremental continues from the last stored run: give --store PATH") }
        if incremental, full { throw ValidationError("--incremental and --full exclude each other") }
    }

    func run() throws {
        let rules = try input.library.load()
        // A malformed waiver file fails the run before any evaluation.
        let fileWaivers = try waivers.flatMap { path in try orExit { try WaiverFile.load(path: path, rules: rules) } }
        // Held until the run is recorded and reported: no other run reads or writes the store between.
        let lock = try store.map { path in try orExit { try StoreLock(store: path, wait: wait) } }
        defer { withExtendedLifetime(lock) {} }
        let opened = try store.map { path in try orExit { try AuditStore.open(path) } }
        let resume = try incremental && !full ? opened.map { s in try resumePoint(s, rules: rules) } : nil
        let stored = try opened.map { s in try orExit { try s.standingWaivers() } } ?? []
        // JSON Lines on stdout alone, without a store: each finding is written as the merge
        // reaches it, never all held (a very large log's findings go through spill files).
        let streamed = format == .jsonl && opened == nil && output.isEmpty
        let out = StandardOutput()
        let includeMet = all
        // File waivers first: a waiver kept in version control wins over one in the store for the same scope.
        // Without --all, most reports list only breaches and running clocks and count the rest: the
        // met findings need not be kept. JUnit (a passing test per met finding), the HTML page
        // (its table) and a store (every fingerprint) need them all.
        let formats = [format] + (try outputs().map(\.0))
        let needsAll = all || opened != nil || formats.contains { $0 == .junit || $0 == .html }
        let findingOutput: FindingOutput =
            if streamed { .stream(include: includeMet ? .all : .notMet, render: { [renderer = JSONReport.LineRenderer(rules: rules)] in renderer.line($0) }, write: out.write) }
            else if needsAll { .collect }
            else { .keep(include: .notMet) }
        let (result, note) = try input.load(
            rules: rules, resume: resume, checkpoint: opened != nil, waivers: fileWaivers + stored, output: findingOutput)
        let (recorded, diff) = try opened.map { try record(result, in: $0, incremental: resume != nil) } ?? (nil, nil)
        func render(_ f: Format, color: Bool) -> String {
            switch f {
            case .text:
                var text = TextReport.render(result, includeMet: all, rejectsNote: note, style: .init(color: color))
                if let diff, let recorded {
                    text += "\n" + "STORED as run \(recorded.id) in \(store ?? "") (hash \(recorded.hash.prefix(16))…)\n" + StoreReport.diffText(diff)
                }
                return text
            case .json:
                var extra: [(String, JSONValue)] = []
                if let diff, let recorded {
                    extra.append(("store", .object([("path", .string(store ?? "")), ("run", .int(Int64(recorded.id))), ("hash", .string(recorded.hash)), ("diff", StoreReport.diffJSON(diff))])))
                }
                return JSONReport.document(result, includeMet: all, extra: extra)
            case .jsonl: return JSONReport.lines(result, includeMet: all)
            case .junit: return JUnitReport.render(result)
            case .sarif: return SARIFReport.render(result)
            case .markdown: return MarkdownReport.render(result)
            case .html: return HTMLReport.render(result, diff: diff, includeMet: all)
            }
        }
        for (f, path) in try outputs() { try writeOutput(render(f, color: false), to: path) }
        if streamed {
            try out.flush()
        } else {
            out.write(Array(render(format, color: format == .text && useColor()).utf8))
            try out.flush()
        }
        if format != .text, let note { printError("Rejected records: \(note)") }
        if format != .text && format != .json, let diff {
            printError("Stored as run \(diff.to): \(diff.count(.new)) new, \(diff.count(.resolved)) resolved, \(diff.count(.changed)) changed, \(diff.count(.unchanged)) unchanged.")
        }
        if !result.problems.isEmpty, format == .json {
            printError("\(result.problems.count) finding(s) could not be evaluated; see \"problems\" in the output.")
        } else if !result.problems.isEmpty, format == .jsonl {
            for p in result.problems {
                printError("\(p.event.origin): not evaluated: \(p.rule) case \(p.caseID): \(p.message)\n  fix: \(p.fix)")
            }
        }
        if strict, result.stats.rejected > 0 || !result.problems.isEmpty { throw Exit.unusableInput }
        if failOn.fails(result, diff: diff) { throw Exit.breaches }
    }
}

extension Audit {
    /// Records the run and compares it with the one before.
    func record(_ result: AuditResult, in store: AuditStore, incremental: Bool) throws -> (StoredRun?, RunDiff?) {
        let previous = try orExit { try store.latestRun() }
        let before = try previous.map { run in try orExit { try store.findings(run: run.id) } } ?? []
        var context = try orExit { try input.runContext(result) }
        context.mode = incremental ? "incremental" : "full"
        for log in result.logs {
            guard let end = result.checkpoint?.positions[log.path], let input = context.inputs.first(where: { $0.path == log.path }) else { continue }
            // The read part is usually the whole file, whose hash the run context already has.
            context.prefixes[log.path] = end.offset == input.size ? input.sha256 : StoredInput.prefixHash(log.path, length: end.offset) ?? ""
            let size = input.size
            if size > end.offset {
                printError("note: \(size - end.offset) byte(s) after the last line break of \(log.path) were left for the next run (a line still being written?)")
            }
        }
        let run = try orExit { try store.record(result, context) }
        return (run, RunDiff(from: previous?.id, to: run.id, before: before, after: result.findings.map(StoredFinding.init)))
    }

    /// Where an incremental run continues from, after checking that it may: the same logs, rules
    /// and profile as the last run, each log only appended to since.
    func resumePoint(_ store: AuditStore, rules: RuleSet) throws -> IngestCheckpoint {
        func refuse(_ why: String) -> Error {
            printError("error: cannot continue incrementally: \(why)\n  fix: run once with --full (it re-reads the logs whole and records a new starting point)")
            return Exit.unusableInput
        }
        guard let (run, checkpoint, prefixes, formats) = try orExit({ try store.checkpoint() }) else {
            throw refuse("the store has no run to continue from")
        }
        if run.inputs.map(\.path) != input.log { throw refuse("run \(run.id) read \(run.inputs.map(\.path).joined(separator: ", ")), this run \(input.log.joined(separator: ", "))") }
        if run.rulesSHA256 != RuleLoader.libraryHash(root: rules.root) { throw refuse("the rule library changed since run \(run.id)") }
        if run.profileSHA256 != StoredInput.sha256(ofFile: input.platform) ?? "" { throw refuse("the platform profile changed since run \(run.id)") }
        for path in input.log {
            if formats[path] != LogFormat.jsonl.rawValue { throw refuse("\(path) is not JSON Lines; CSV and XML logs are read whole") }
            guard let position = checkpoint.positions[path], let expected = prefixes[path] else { throw refuse("run \(run.id) kept no position for \(path)") }
            guard let actual = StoredInput.prefixHash(path, length: position.offset) else {
                throw refuse("\(path) is shorter than the \(position.offset) bytes run \(run.id) read: it was truncated or replaced")
            }
            if actual != expected { throw refuse("the first \(position.offset) bytes of \(path) differ from what run \(run.id) read: the log was rewritten") }
        }
        return checkpoint
    }
}

/// What makes an audit exit 1.
enum FailOn: ExpressibleByArgument, Equatable {
    case any, new
    case severity(Severity)

    init?(argument: String) {
        switch argument {
        case "any": self = .any
        case "new": self = .new
        default:
            guard let s = Severity(rawValue: argument) else { return nil }
            self = .severity(s)
        }
    }

    static var allValueStrings: [String] { ["any", "new"] + Severity.allCases.map(\.rawValue) }

    func fails(_ r: AuditResult, diff: RunDiff?) -> Bool {
        switch self {
        case .any: return r.tally.activeBreaches > 0
        case .new: return !(diff?.newlyActive.isEmpty ?? true)
        case .severity(let min): return r.tally.activeBySeverity.contains { $0.key.rank <= min.rank && $0.value > 0 }
        }
    }
}

extension InputOptions {
    /// What a stored run records besides its result: the inputs' and the library's hashes.
    func runContext(_ r: AuditResult) throws(ObligeErrors) -> RunContext {
        let inputs = try r.logs.map { input throws(ObligeErrors) in try StoredInput.of(input) }
        let profile = StoredInput.sha256(ofFile: platform) ?? ""
        // Each pack with the hash of its folder: which version of each pack the run used.
        let packs = Array(Set(r.rules.rules.map(\.regime))).sorted().map { pack in
            pack + "@" + RuleLoader.libraryHash(root: (r.rules.root as NSString).appendingPathComponent(pack)).prefix(12)
        }
        return RunContext(recordedAt: Date(), inputs: inputs, profileSHA256: profile, rulesSHA256: RuleLoader.libraryHash(root: r.rules.root), packs: packs)
    }
}

struct Explain: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show one case's timeline and reasoning: which rules triggered, why others did not, how each deadline was computed.")

    @OptionGroup var input: InputOptions

    @Option(name: .customLong("case"), help: "The case to explain; repeat for several.")
    var cases: [String]

    func validate() throws {
        try input.requireLog()
        if cases.isEmpty { throw ValidationError("give --case ID") }
    }

    func run() throws {
        let (result, _) = try input.load(explain: Set(cases))
        var out = ""
        for (i, c) in cases.enumerated() {
            if i > 0 { out += "\n" + String(repeating: "═", count: 72) + "\n\n" }
            out += ExplainReport.render(result, caseID: c)
        }
        FileHandle.standardOutput.write(Data(out.utf8))
    }
}

struct Calendar: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List the deadlines in a window: running clocks from the logs and dated duties from the profile.",
        discussion: """
            Without --log, only dated duties (reports, assessments, audits) are listed, none known to be \
            fulfilled. The window runs from --from (default: the audit instant's UTC date) for --to \
            (default: twelve months later), both dates inclusive, in UTC.
            """)

    enum Format: String, ExpressibleByArgument, CaseIterable { case text, json, ics }

    @OptionGroup var input: InputOptions

    @Option(name: .long, help: "Also write the window as an iCalendar (RFC 5545) feed to this file: stable UIDs, so re-importing updates events.")
    var ics: String?

    @Option(name: .long, help: "First day of the window (YYYY-MM-DD, UTC).")
    var from: String?

    @Option(name: .long, help: "Last day of the window (YYYY-MM-DD, UTC), inclusive.")
    var to: String?

    @Option(name: .long, help: "Output format: text, json or ics (iCalendar).")
    var format: Format = .text

    @Flag(name: .long, help: "Also list deadlines in the window that were already met or missed.")
    var all = false

    func run() throws {
        func day(_ text: String?, _ name: String) throws -> CivilDate? {
            guard let text else { return nil }
            guard let d = try? CivilDate.parse(text) else { throw ValidationError("--\(name) '\(text)' is not a date (YYYY-MM-DD)") }
            return d
        }
        let asOf = try parseAsOf(input.asOf)
        let first = try day(from, "from") ?? ZoneClock.utc.date(of: asOf)
        let last = try day(to, "to") ?? first.adding(months: 12).adding(days: -1)
        guard first <= last else { throw ValidationError("--to \(last) is before --from \(first)") }
        let window = CalendarReport.Window(
            from: ZoneClock.utc.startOfDay(first), to: ZoneClock.utc.endOfDay(last), includeClosed: all)
        let (result, note) = try input.load(horizon: window.to, at: asOf)
        if let ics { try writeOutput(ICSReport.render(result, window), to: ics) }
        let output: String
        switch format {
        case .json: output = CalendarReport.json(result, window)
        case .ics: output = ICSReport.render(result, window)
        case .text: output = CalendarReport.text(result, window, style: .init(color: useColor()))
        }
        FileHandle.standardOutput.write(Data(output.utf8))
        if let note { printError("Rejected records: \(note)") }
    }
}

struct Holidays: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List the public holidays of the library's calendars (the days a roll-over skips).",
        discussion: "Weekends are not listed; each calendar's `weekend` says which weekdays are not working days. scripts/check-holidays compares this list with Python's `holidays` package.")

    enum Format: String, ExpressibleByArgument, CaseIterable { case text, json }

    @Option(name: .long, help: "A calendar id (DE, FR, GB-EW, …); repeat for several (default: all).")
    var calendar: [String] = []

    @Option(name: .long, help: "First year.")
    var fromYear: Int

    @Option(name: .long, help: "Last year (default: the first).")
    var toYear: Int?

    @OptionGroup var library: LibraryOptions

    @Option(name: .long, help: "Output format: text or json.")
    var format: Format = .text

    func run() throws {
        let set = try library.load()
        let last = toYear ?? fromYear
        guard fromYear <= last else { throw ValidationError("--to-year \(last) is before --from-year \(fromYear)") }
        let ids = calendar.isEmpty ? set.calendars.keys.sorted() : calendar
        var lists: [(String, JSONValue)] = []
        var text = ""
        for id in ids {
            guard let cal = set.calendars[id] else {
                throw ValidationError("no holiday calendar '\(id)'; the library has \(set.calendars.keys.sorted().joined(separator: ", "))")
            }
            guard cal.covers.contains(fromYear), cal.covers.contains(last) else {
                printError("error: calendar \(id) covers \(cal.covers.lowerBound)–\(cal.covers.upperBound), not \(fromYear)–\(last)")
                throw Exit.unusableInput
            }
            var days: [(CivilDate, String)] = []
            for year in fromYear...last { days += cal.holidays(in: year).map { ($0.key, $0.value) } }
            days.sort { $0.0 < $1.0 }
            lists.append((id, .array(days.map { .object([("date", .string($0.0.iso8601)), ("name", .string($0.1))]) })))
            text += "\(id) · \(cal.name)\n"
            for (d, name) in days { text += "  \(d) \(d.weekdayName.prefix(3))  \(name)\n" }
        }
        let out = format == .json ? JSONValue.object([("from_year", .int(Int64(fromYear))), ("to_year", .int(Int64(last))), ("calendars", .object(lists))]).pretty + "\n" : text
        FileHandle.standardOutput.write(Data(out.utf8))
    }
}

struct RulesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rules", abstract: "List, check or test rule packs.", subcommands: [List.self, Check.self, Test.self, Doc.self])

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the rules, or those in force on a date.")

        @OptionGroup var library: LibraryOptions

        @Option(name: .long, help: "Only the versions in force on this date (YYYY-MM-DD).")
        var at: String?

        func run() throws {
            let set = try library.load()
            var list = set.rules
            if let at {
                guard let date = try? CivilDate.parse(at) else { throw ValidationError("--at '\(at)' is not a date (YYYY-MM-DD)") }
                list = set.inForce(on: date)
            }
            var out = ""
            for r in list {
                out += "\(r.id)\n"
                out += "  \(r.title)\n"
                out += "  \(r.citation.text) [\(r.citation.confidence.rawValue)] · in force \(r.effective.text)\n"
                if r.kind == .check {
                    out += "  \(r.startSummary) · no deadline: the trigger is itself the breach (a check)\n"
                } else {
                    out += "  \(r.startSummary) · \(r.kind == .hold ? "ended by" : "fulfilled by"): \(r.fulfilledBy.map(\.text).joined(separator: " | "))\n"
                    if r.trigger != nil { out += "  deadline: \(r.deadline.summary)\n" }
                }
                out += "  severity \(r.severity.rawValue)\(r.penalty.map { " · penalty \($0)" } ?? "")\n"
            }
            out += "\(list.count) rule version\(list.count == 1 ? "" : "s")\(at.map { " in force on \($0)" } ?? "").\n"
            FileHandle.standardOutput.write(Data(out.utf8))
        }
    }

    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Check rule files strictly; errors name file:line:column.")

        @Argument(help: "A rule library, or a pack folder or rule file inside one (default: ./Rules).")
        var path: String?

        func run() throws {
            let target = path ?? defaultRulesRoot()
            let (root, packs) = try locateLibrary(target)
            let set = try orExit { try RuleLoader.load(root: root, packs: packs) }
            let packNames = Set(set.rules.map(\.regime)).sorted()
            print("OK: \(set.rules.count) rule version\(set.rules.count == 1 ? "" : "s") (\(set.ids.count) rule\(set.ids.count == 1 ? "" : "s")) in \(packNames.count) pack\(packNames.count == 1 ? "" : "s") (\(packNames.joined(separator: ", "))), \(set.calendars.count) holiday calendars, \(set.vocabulary.types.count) event types.")
        }
    }

    struct Test: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run the rules' worked examples; exit 1 when one fails or a rule has too few.",
            discussion: "Each rule file may end with an `examples:` document (docs/rule-language.md). Every example runs through the audit engine with its own profile and events, and its expected status and deadline are compared.")

        @Argument(help: "A rule library, or a pack folder or rule file inside one (default: ./Rules).")
        var path: String?

        @Option(name: .long, help: "Fail for any rule with fewer worked examples than this.")
        var minExamples = 3

        @Flag(name: .shortAndLong, help: "List what every example found, not only failures.")
        var verbose = false

        func run() throws {
            let (root, packs) = try locateLibrary(path ?? defaultRulesRoot())
            let set = try orExit { try RuleLoader.load(root: root, packs: packs) }
            let style = TextReport.Style(color: useColor())
            var out = ""
            var failed = 0
            for o in ExampleRunner.runAll(set) {
                let mark = o.passed ? style.paint("PASS", "32") : style.paint("FAIL", "31")
                out += "\(mark) \(o.example.rule)  \(o.example.name)\n"
                if !o.passed {
                    failed += 1
                    out += "     at \(o.example.origin)\n"
                    if let edge = o.example.edge { out += "     edge: \(edge)\n" }
                    for f in o.failures { out += "     \(f)\n" }
                }
                if !o.passed || verbose {
                    for f in o.found { out += "     found: \(f)\n" }
                }
            }
            var counts: [String: Int] = [:]
            for e in set.examples { counts[e.rule, default: 0] += 1 }
            let thin = set.ids.filter { (counts[$0] ?? 0) < minExamples }
            for id in thin {
                let origin = set.rules.first { $0.id == id }.map { "\($0.origin)" } ?? ""
                out += "\(style.paint("FEW ", "31")) \(id)  has \(counts[id] ?? 0) worked example\(counts[id] == 1 ? "" : "s"), fewer than \(minExamples) (\(origin))\n"
            }
            let total = set.examples.count
            out += "\n\(total - failed) of \(total) example\(total == 1 ? "" : "s") passed over \(set.ids.count) rule\(set.ids.count == 1 ? "" : "s")"
            out += thin.isEmpty ? ".\n" : "; \(thin.count) rule\(thin.count == 1 ? " has" : "s have") fewer than \(minExamples) examples.\n"
            FileHandle.standardOutput.write(Data(out.utf8))
            if failed > 0 || !thin.isEmpty { throw Exit.breaches }
        }
    }
}

extension RulesCommand {
    struct Doc: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write the generated rule reference (docs/rules.md) from the rule library.")

        @OptionGroup var library: LibraryOptions

        @Option(name: .shortAndLong, help: "Write here (written whole, then moved into place) instead of stdout.")
        var output: String?

        func run() throws {
            let set = try library.load()
            let text = RulesReference.markdown(set)
            guard let output else {
                FileHandle.standardOutput.write(Data(text.utf8))
                return
            }
            do { try text.write(toFile: output, atomically: true, encoding: .utf8) } catch {
                printError("error: cannot write '\(output)': \(error.localizedDescription)")
                throw Exit.unusableInput
            }
        }
    }
}

/// A library root holds vocabulary.yaml; a pack or file inside one is read with its library.
/// Packs may hold a vocabulary.yaml of their own, so the root is the highest such folder.
func locateLibrary(_ target: String) throws -> (String, [String]?) {
    let start = URL(fileURLWithPath: target).standardizedFileURL
    var url = start
    var root: URL?
    for _ in 0..<4 {
        if FileManager.default.fileExists(atPath: url.appendingPathComponent("vocabulary.yaml").path) { root = url }
        url.deleteLastPathComponent()
    }
    guard let root else {
        printError("error: '\(target)' is not a rule library or inside one (no vocabulary.yaml found above it)")
        throw Exit.unusableInput
    }
    return root.path == start.path ? (root.path, nil) : (root.path, [start.path])
}
