import Foundation
import ZIPFoundation

/// What reading Transparency Database dumps saw, beside the events: rows per part and layout,
/// rejected rows, and the legacy category values met.
public struct TDBImportSummary: Sendable, Equatable {
    /// One CSV part read.
    public struct Part: Sendable, Equatable {
        /// The part's name as events name their origin (`dump.zip!part.csv.zip!part.csv` inside archives).
        public var name: String
        public var schema: TDBSchema
        /// Rows read, rejected ones included.
        public var rows: Int
        public var rejected: Int
    }

    /// In reading order.
    public var parts: [Part] = []
    /// Archive entries that are neither a CSV part nor a zip, left unread (named, not dropped silently).
    public var skippedEntries: [String] = []
    /// Occurrences of each legacy (v1) category value in `category` and `category_addition` of the
    /// rows read (a duplicated row counts each time it is read). Mapped to v2 where the Commission's
    /// table gives a value (`TDBStatement.legacyCategories`), otherwise kept as written.
    public var legacyCategories: [String: Int] = [:]
    /// Consistency problems of the rows read (`TDBRow.problems()`), by kind and field. A row with
    /// problems is imported all the same; a duplicated row counts each time it is read.
    public var problems: [TDBRowProblem.Tally: Int] = [:]
    /// Rows read with at least one consistency problem (duplicates counted each time).
    public var rowsWithProblems = 0

    public init() {}

    public var rows: Int { parts.reduce(0) { $0 + $1.rows } }
    public var rejected: Int { parts.reduce(0) { $0 + $1.rejected } }
    /// Every consistency problem counted.
    public var problemCount: Int { problems.values.reduce(0, +) }

    /// The two summaries one after the other (several `--log` files).
    public func appending(_ other: TDBImportSummary) -> TDBImportSummary {
        var out = self
        out.parts += other.parts
        out.skippedEntries += other.skippedEntries
        out.legacyCategories.merge(other.legacyCategories, uniquingKeysWith: +)
        out.problems.merge(other.problems, uniquingKeysWith: +)
        out.rowsWithProblems += other.rowsWithProblems
        return out
    }
}

/// Reads Transparency Database dumps: a CSV part (`sor-…-00000-00000.csv`) or a zipped daily dump
/// (`sor-global-2025-07-01-full.zip`, holding zipped parts), streamed row by row.
///
/// Memory is one row plus a read block, whatever the size of the dump. A zip inside a zip is
/// unpacked to the temporary directory (one at a time, deleted when read), because a zip can
/// only be read with random access; CSV entries are decompressed as a stream.
public enum TDBDump {
    /// One row read: its raw cells and its events, or a reject.
    public enum Item: Sendable {
        case row(TDBRow, TDBStatement.Mapped)
        case reject(Reject)
    }

    /// Zips inside zips deeper than this are refused: the Commission's dumps nest two levels.
    static let maxNesting = 4
    /// A row longer than this is cut off as a reject rather than read on: the API's text fields
    /// total well under 64 KiB, so only a quote left open can make one.
    static let maxRowBytes = 1 << 20

    /// Reads `path` (a `.zip` by its extension, otherwise a CSV part), passing every row to `body`
    /// in file order. Throws for what stops the whole input: a file that cannot be opened, an
    /// archive that cannot be read, a part whose header is not a dump header.
    @discardableResult
    public static func read(_ path: String, _ body: (Item) throws -> Void) throws -> TDBImportSummary {
        var summary = TDBImportSummary()
        if path.lowercased().hasSuffix(".zip") {
            try readArchive(URL(fileURLWithPath: path), name: path, depth: 1, summary: &summary, body)
        } else {
            let part = try readCSV(name: path, summary: &summary, body) { lines in
                try LineReader(path: path).forEachLine(lines)
            }
            summary.parts.append(part)
        }
        return summary
    }

    private static func readArchive(_ url: URL, name: String, depth: Int, summary: inout TDBImportSummary, _ body: (Item) throws -> Void) throws {
        guard FileManager.default.isReadableFile(atPath: url.path) else {
            throw ObligeError(.io, "cannot open '\(name)'", at: SourceLocation(file: name), fix: "check the path and permissions")
        }
        let archive: Archive
        do { archive = try Archive(url: url, accessMode: .read) } catch {
            throw ObligeError(
                .log, "'\(name)' is not a readable zip archive (\(error))", at: SourceLocation(file: name),
                fix: "download the dump again; a CSV part must be named .csv")
        }
        for entry in archive where entry.type != .directory {
            let entryName = name + "!" + entry.path
            let lower = entry.path.lowercased()
            if entry.type != .file {
                summary.skippedEntries.append(entryName)
            } else if lower.hasSuffix(".zip") {
                guard depth < maxNesting else {
                    throw ObligeError(.log, "'\(entryName)' nests zips more than \(maxNesting) deep", at: SourceLocation(file: entryName), fix: "unpack the dump and pass its parts")
                }
                let temp = FileManager.default.temporaryDirectory.appendingPathComponent("oblige-tdb-\(UUID().uuidString).zip")
                defer { try? FileManager.default.removeItem(at: temp) }
                guard FileManager.default.createFile(atPath: temp.path, contents: nil), let handle = try? FileHandle(forWritingTo: temp) else {
                    throw ObligeError(.io, "cannot write a temporary file in '\(temp.deletingLastPathComponent().path)' to read '\(entryName)'", at: SourceLocation(file: entryName), fix: "set TMPDIR to a writable directory with room for one part")
                }
                do {
                    _ = try archive.extract(entry) { data in try handle.write(contentsOf: data) }
                    try handle.close()
                } catch {
                    try? handle.close()
                    throw ObligeError(.log, "cannot unpack '\(entryName)' (\(error))", at: SourceLocation(file: entryName), fix: "download the dump again")
                }
                try readArchive(temp, name: entryName, depth: depth + 1, summary: &summary, body)
            } else if lower.hasSuffix(".csv") {
                let part = try readCSV(name: entryName, summary: &summary, body) { lines in
                    var splitter = LineSplitter()
                    do {
                        _ = try archive.extract(entry) { data in
                            do { try splitter.feed(data, lines) } catch let stop as StopReading { throw stop } catch { throw Passthrough(error: error) }
                        }
                    } catch is StopReading {
                        return
                    } catch let p as Passthrough {
                        throw p.error
                    } catch {
                        throw ObligeError(.log, "cannot unpack '\(entryName)' (\(error))", at: SourceLocation(file: entryName), fix: "download the dump again")
                    }
                    try splitter.finish(lines)
                }
                summary.parts.append(part)
            } else {
                summary.skippedEntries.append(entryName)
            }
        }
    }

    /// Thrown through ZIPFoundation's consumer to stop decompressing once the reader has stopped.
    private struct StopReading: Error {}
    /// Carries the reader's own error through ZIPFoundation's consumer, told apart from the archive's.
    private struct Passthrough: Error { var error: any Error }

    /// Splits decompressed chunks into lines, as `LineReader` does for files.
    private struct LineSplitter {
        var carry: [UInt8] = []
        var number = 0

        mutating func feed(_ data: Data, _ body: (UnsafeBufferPointer<UInt8>, Int) throws -> Bool) throws {
            var start = data.startIndex
            while let nl = data[start...].firstIndex(of: 10) {
                carry.append(contentsOf: data[start..<nl])
                number += 1
                if carry.last == 13 { carry.removeLast() }
                let go = try carry.withUnsafeBufferPointer { try body($0, number) }
                carry.removeAll(keepingCapacity: true)
                if !go { throw StopReading() }
                start = data.index(after: nl)
            }
            carry.append(contentsOf: data[start...])
        }

        mutating func finish(_ body: (UnsafeBufferPointer<UInt8>, Int) throws -> Bool) throws {
            guard !carry.isEmpty else { return }
            number += 1
            if carry.last == 13 { carry.removeLast() }
            _ = try carry.withUnsafeBufferPointer { try body($0, number) }
            carry.removeAll()
        }
    }

    /// Reads one CSV part from `lines` (which calls its argument with each line and its number,
    /// stopping when it returns false): the header, then one row per record (RFC 4180, as the
    /// PHP export writes it; a quoted field may span lines).
    private static func readCSV(
        name: String, summary: inout TDBImportSummary, _ sink: (Item) throws -> Void,
        lines: ((UnsafeBufferPointer<UInt8>, Int) throws -> Bool) throws -> Void
    ) throws -> TDBImportSummary.Part {
        var schema: TDBSchema?
        var headerError: ObligeError?
        var joiner = CSVRecordJoiner(maxBytes: maxRowBytes)
        var rows = 0, rejected = 0
        var legacy = summary.legacyCategories
        var problems = summary.problems
        var rowsWithProblems = summary.rowsWithProblems
        // `lines` cannot hold on to the sink: it only calls the closure below before returning.
        try withoutActuallyEscaping(sink) { body in
            func reject(_ reason: String, _ fix: String) throws {
                rows += 1
                rejected += 1
                try body(.reject(Reject(file: name, line: joiner.start, reason: reason, fix: fix, record: joiner.text)))
            }
            try lines { line, number in
                let cells: [String?]
                switch joiner.feed(line, number) {
                case .blank, .incomplete: return true
                case .tooLong:
                    let pendingStart = joiner.start
                    if schema == nil {
                        headerError = ObligeError(.log, "the dump header runs over more than \(maxRowBytes) bytes: a quote is not closed", at: SourceLocation(file: name, line: pendingStart), fix: "check it is a Transparency Database CSV part")
                        return false
                    }
                    try reject("bad CSV: a quoted field is not closed within \(maxRowBytes) bytes", "the dump's rows are far shorter; the part is damaged: download it again")
                    joiner.clear()
                    return true
                case .record(.failure(let error)):
                    let pendingStart = joiner.start
                    if schema == nil {
                        headerError = ObligeError(.log, "the dump header is malformed: \(error.reason)", at: SourceLocation(file: name, line: pendingStart), fix: "check it is a Transparency Database CSV part")
                        return false
                    }
                    try reject("bad CSV: \(error.reason)", "the part is damaged: download it again")
                    joiner.clear()
                    return true
                case .record(.success(let c)):
                    cells = c
                }
                let pendingStart = joiner.start
                guard let layout = schema else {
                    let names = cells.map { $0 ?? "" }
                    guard let detected = TDBSchema.detect(header: names) else {
                        headerError = ObligeError(
                            .log, "not a Transparency Database dump header: \(TDBSchema.mismatch(header: names))", at: SourceLocation(file: name, line: pendingStart),
                            fix: "pass a statements-of-reasons part (sor-*.csv) or daily dump (sor-*.zip); the header must be the 38 columns of the current full dump ("
                                + TDBSchema.fullColumns.joined(separator: ",")
                                + "), the 37 before 2025-03 (without content_id_ean), or the light dump's 34 / 33 (without illegal_content_explanation, incompatible_content_explanation, territorial_scope, decision_facts). An Oblige CSV log takes --log-format csv")
                        return false
                    }
                    schema = detected
                    joiner.clear()
                    return true
                }
                guard cells.count == layout.columns.count else {
                    try reject("\(cells.count) fields where the header has \(layout.columns.count)", "the part is damaged: download it again")
                    joiner.clear()
                    return true
                }
                let row = TDBRow(schema: layout, location: SourceLocation(file: name, line: pendingStart), cells: cells)
                do {
                    let mapped = try TDBStatement.map(row)
                    rows += 1
                    for value in mapped.legacyCategories { legacy[value, default: 0] += 1 }
                    for p in mapped.problems { problems[p.tally, default: 0] += 1 }
                    if !mapped.problems.isEmpty { rowsWithProblems += 1 }
                    try body(.row(row, mapped))
                } catch let p as TDBStatement.Problem {
                    try reject(p.reason, p.fix)
                }
                joiner.clear()
                return true
            }
            if headerError == nil, !joiner.pending.isEmpty {
                if schema == nil {
                    headerError = ObligeError(.log, "the dump header is malformed: a quoted field is not closed", at: SourceLocation(file: name, line: joiner.start), fix: "check it is a Transparency Database CSV part")
                } else {
                    try reject("bad CSV: a quoted field is not closed before the end of the part", "the part is damaged: download it again")
                }
            }
        }
        summary.legacyCategories = legacy
        summary.problems = problems
        summary.rowsWithProblems = rowsWithProblems
        if let headerError { throw headerError }
        guard let schema else {
            throw ObligeError(.log, "'\(name)' is empty: it has no header row", at: SourceLocation(file: name), fix: "download the part again")
        }
        return TDBImportSummary.Part(name: name, schema: schema, rows: rows, rejected: rejected)
    }
}
