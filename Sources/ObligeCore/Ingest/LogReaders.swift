import Foundation

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// One record read from a log: an event, or a reject to keep aside.
public enum LogRecord: Sendable {
    case event(Event)
    case reject(Reject)
}

/// Streams the records of one incident log, whatever its format.
enum LogReaders {
    /// Reads `input` from `start` (JSON Lines only: CSV records may span lines and XML is one
    /// document, so those are always read whole) and returns where reading ended.
    /// A Transparency Database dump's summary (rows, layouts, legacy values) goes to `onTDB`.
    @discardableResult
    static func read(
        _ input: LogInput, from start: LogPosition = .beginning, completeLinesOnly: Bool = false, onBytes: ((Int64) -> Void)? = nil,
        onTDB: ((TDBImportSummary) -> Void)? = nil, _ sink: (LogRecord) throws -> Void
    ) throws -> LogPosition {
        switch input.format {
        case .jsonl: return try readJSONLines(input.path, from: start, completeLinesOnly: completeLinesOnly, onBytes: onBytes, sink)
        case .csv, .xml, .tdb:
            guard start == .beginning else {
                throw ObligeError(
                    .log, "'\(input.path)' is \(input.format.rawValue): only JSON Lines logs can be read from where the last run stopped", at: SourceLocation(file: input.path),
                    fix: "audit with --full, or export the log as JSON Lines")
            }
            switch input.format {
            case .csv: try readCSV(input.path, onBytes: onBytes, sink)
            case .tdb:
                // One row is several events: each is a record of its own; a row that cannot be
                // read is one reject.
                let summary = try TDBDump.read(input.path) { item in
                    switch item {
                    case .row(_, let mapped): for e in mapped.events { try sink(.event(e)) }
                    case .reject(let r): try sink(.reject(r))
                    }
                }
                onTDB?(summary)
            default: try readXML(input.path, sink)
            }
            let size = (try? FileManager.default.attributesOfItem(atPath: input.path)[.size] as? NSNumber)?.int64Value ?? 0
            onBytes?(size)
            return LogPosition(offset: size, lines: 0)
        }
    }

    // MARK: JSON Lines

    /// `plain` is offered each line that is not blank, with its number, before the scanner reads
    /// it: when it takes the line (true), nothing more is done with it (the audit's fast path).
    static func readJSONLines(
        _ path: String, from start: LogPosition = .beginning, until end: Int64? = nil, completeLinesOnly: Bool = false,
        onBytes: ((Int64) -> Void)? = nil, plain: (UnsafeBufferPointer<UInt8>, Int) throws -> Bool = { _, _ in false },
        _ sink: (LogRecord) throws -> Void
    ) throws -> LogPosition {
        var scanner = JSONLineScanner()
        return try LineReader(path: path, start: start, completeLinesOnly: completeLinesOnly, onBlock: onBytes, end: end).forEachLine { line, number in
            if line.isBlank { return true }
            if try plain(line, number) { return true }
            do {
                try sink(.event(try scanner.event(line, origin: SourceLocation(file: path, line: number))))
            } catch let f as JSONLineScanner.Failure {
                try sink(.reject(Reject(file: path, line: number, reason: "bad JSON at column \(f.column): \(f.reason)", fix: "one JSON object per line, e.g. {\"id\": \"e1\", \"case\": \"c1\", \"type\": \"notice.received\", \"at\": \"2025-03-29T10:00:00Z\"}", record: line.lossyString)))
            } catch let f as EventBuilder.Failure {
                try sink(.reject(Reject(file: path, line: number, reason: f.reason, fix: f.fix, record: line.lossyString)))
            }
            return true
        }
    }

    // MARK: CSV (RFC 4180)

    static func readCSV(_ path: String, onBytes: ((Int64) -> Void)? = nil, _ sink: (LogRecord) throws -> Void) throws {
        var header: [(name: String, list: Bool)]?
        var joiner = CSVRecordJoiner()
        var headerError: ObligeError?
        try LineReader(path: path, onBlock: onBytes).forEachLine { line, number in
            // A quoted field may hold line breaks: the joiner waits for the closing quote. Only a quote
            // that opens a field starts one (RFC 4180), so a stray `5" screen` cannot swallow the file.
            guard case .record(let parsed) = joiner.feed(line, number) else { return true }
            let pendingStart = joiner.start
            defer { joiner.clear() }
            /// The record as written, made only for a reject.
            func record() -> String { joiner.text }
            let cells: [String?]
            switch parsed {
            case .success(let c): cells = c
            case .failure(let error):
                if header == nil {
                    headerError = ObligeError(.log, "the CSV header is malformed: \(error.reason)", at: SourceLocation(file: path, line: pendingStart))
                    return false
                }
                try sink(.reject(Reject(file: path, line: pendingStart, reason: "bad CSV: \(error.reason)", fix: "quote fields holding commas, quotes (doubled) or line breaks", record: record())))
                return true
            }
            guard let columns = header else {
                var names = cells.map { $0 ?? "" }
                if let first = names.first, first.hasPrefix("\u{FEFF}") { names[0] = String(first.dropFirst()) }
                let parsed = names.map { n in n.hasSuffix("[]") ? (String(n.dropLast(2)), true) : (n, false) }
                let missing = ["id", "case", "type", "at"].filter { req in !parsed.contains { $0.0 == req } }
                if !missing.isEmpty {
                    let looksTDB = parsed.contains { $0.0 == "uuid" } && parsed.contains { $0.0 == "platform_uid" }
                    headerError = ObligeError(
                        .log, "the CSV header lacks \(missing.joined(separator: ", "))", at: SourceLocation(file: path, line: pendingStart),
                        fix: looksTDB
                            ? "this looks like a Transparency Database dump part: pass --log-format tdb"
                            : "the first row names the columns: id,case,type,at, then attribute columns")
                    return false
                }
                if let dup = Dictionary(grouping: parsed.map(\.0), by: { $0 }).first(where: { $0.value.count > 1 })?.key {
                    headerError = ObligeError(.log, "the CSV header names '\(dup)' twice", at: SourceLocation(file: path, line: pendingStart))
                    return false
                }
                header = parsed.map { (name: $0.0, list: $0.1) }
                return true
            }
            guard cells.count == columns.count else {
                try sink(.reject(Reject(file: path, line: pendingStart, reason: "\(cells.count) fields where the header has \(columns.count)", fix: "one field per header column; leave a cell empty for an absent attribute", record: record())))
                return true
            }
            var fields: [(String, RawValue)] = []
            for (column, cell) in zip(columns, cells) {
                guard let cell, !cell.isEmpty else { continue }  // empty cell = absent
                if column.list {
                    fields.append((column.name, .list(cell.split(separator: "|", omittingEmptySubsequences: false).map { .string(String($0)) })))
                } else {
                    fields.append((column.name, .string(cell)))
                }
            }
            do {
                try sink(.event(try EventBuilder.build(fields: fields, origin: SourceLocation(file: path, line: pendingStart))))
            } catch let f as EventBuilder.Failure {
                try sink(.reject(Reject(file: path, line: pendingStart, reason: f.reason, fix: f.fix, record: record())))
            }
            return true
        }
        if let headerError { throw headerError }
        if header == nil {
            throw ObligeError(.log, "the CSV log is empty: it has no header row", at: SourceLocation(file: path), fix: "the first row names the columns: id,case,type,at, then attribute columns")
        }
        if !joiner.pending.isEmpty {
            try sink(.reject(Reject(file: path, line: joiner.start, reason: "bad CSV: a quoted field is not closed before the end of the file", fix: "close the quote", record: joiner.text)))
        }
    }

    struct CSVFailure: Error {
        var reason: String
        /// The bytes end inside a quoted field: the record continues on the next line.
        var unterminated = false
    }

    /// Splits one CSV record; nil for a cell that was empty and unquoted.
    ///
    /// A record that ends inside a quoted field throws `unterminated`, even when an earlier field
    /// was malformed, so the reader joins the next line before judging the record as a whole.
    static func parseCSVRecord(_ bytes: [UInt8]) throws(CSVFailure) -> [String?] {
        var failure: CSVFailure?
        var cells: [String?] = []
        var cell: [UInt8] = []
        var quoted = false
        var wasQuoted = false
        var i = 0
        func finish() { cells.append(cell.isEmpty && !wasQuoted ? nil : String(decoding: cell, as: UTF8.self)) }
        while i < bytes.count {
            let c = bytes[i]
            if quoted {
                if c == 34 {
                    if i + 1 < bytes.count, bytes[i + 1] == 34 {
                        cell.append(34)
                        i += 1
                    } else {
                        quoted = false
                        if i + 1 < bytes.count, bytes[i + 1] != 44, failure == nil {
                            failure = CSVFailure(reason: "text after a closing quote in field \(cells.count + 1)")
                        }
                    }
                } else {
                    cell.append(c)
                }
            } else if c == 44 {
                finish()
                cell.removeAll(keepingCapacity: true)
                wasQuoted = false
            } else if c == 34, cell.isEmpty {
                quoted = true
                wasQuoted = true
            } else if c == 34 {
                if failure == nil { failure = CSVFailure(reason: "a quote inside unquoted field \(cells.count + 1)") }
            } else {
                cell.append(c)
            }
            i += 1
        }
        if quoted { throw CSVFailure(reason: "a quoted field is not closed before the end of the file", unterminated: true) }
        if let failure { throw failure }
        finish()
        return cells
    }

    // MARK: XML

    static func readXML(_ path: String, _ sink: (LogRecord) throws -> Void) throws {
        guard let stream = InputStream(fileAtPath: path), FileManager.default.isReadableFile(atPath: path) else {
            throw ObligeError(.io, "cannot open '\(path)'", at: SourceLocation(file: path), fix: "check the path and permissions")
        }
        let parser = XMLParser(stream: stream)
        let delegate = XMLLogDelegate(path: path)
        parser.delegate = delegate
        parser.shouldProcessNamespaces = false
        // Each record goes to the sink as soon as its element closes: nothing accumulates.
        let ok = withoutActuallyEscaping(sink) { sink in
            delegate.sink = sink
            defer { delegate.sink = nil }
            return parser.parse()
        }
        if let sinkError = delegate.sinkError { throw sinkError }
        if let structural = delegate.structuralError { throw structural }
        if !ok {
            let line = delegate.errorPosition?.line ?? parser.lineNumber, column = delegate.errorPosition?.column ?? parser.columnNumber
            let code = (parser.parserError as NSError?)?.code
            let reason = code.map { "libxml2 error \($0)" } ?? "not well-formed"
            throw ObligeError(
                .log, "the XML log is not well-formed (\(reason)); events after this point were not read",
                at: SourceLocation(file: path, line: line, column: column), fix: "repair the XML at this place; see docs/log-formats.md for the layout")
        }
        if !delegate.sawRoot {
            throw ObligeError(.log, "no <incident-log> root element (the file is empty or not an incident log)", at: SourceLocation(file: path), fix: "see docs/log-formats.md")
        }
    }
}

/// Collects `<event>` elements into records. The layout is in docs/log-formats.md:
/// `<incident-log><event id case type at><attribute name>value</attribute>…</event></incident-log>`.
private final class XMLLogDelegate: NSObject, XMLParserDelegate {
    let path: String
    var sink: ((LogRecord) throws -> Void)?
    var sinkError: (any Error)?
    var structuralError: ObligeError?

    private var depth = 0
    private var current: (line: Int, header: [String: String], fields: [(String, RawValue)], problem: String?)?
    private var attributeName: String?
    private var attributeItems: [RawValue]?
    private var text = ""
    private(set) var sawRoot = false
    /// Where libxml2 first reported a fatal error (the parser's own position moves on afterwards).
    private(set) var errorPosition: (line: Int, column: Int)?

    init(path: String) { self.path = path }

    private func emit(_ record: LogRecord, _ parser: XMLParser) {
        guard sinkError == nil else { return }
        do { try sink?(record) } catch {
            sinkError = error
            parser.abortParsing()
        }
    }

    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String] = [:]) {
        depth += 1
        text = ""
        switch (depth, name) {
        case (1, "incident-log"):
            sawRoot = true
        case (1, _):
            structuralError = ObligeError(.log, "the root element is <\(name)>, expected <incident-log>", at: SourceLocation(file: path, line: parser.lineNumber), fix: "see docs/log-formats.md")
            parser.abortParsing()
        case (2, "event"):
            current = (parser.lineNumber, attributes, [], nil)
            for key in ["id", "case", "type", "at"] { if let v = attributes[key] { current?.fields.append((key, .string(v))) } }
            let extra = attributes.keys.filter { !["id", "case", "type", "at"].contains($0) }.sorted()
            if !extra.isEmpty { current?.problem = "unknown XML attribute(s) \(extra.joined(separator: ", ")) on <event>; attributes go in <attribute name=\"…\"> children" }
        case (2, _):
            emit(.reject(Reject(file: path, line: parser.lineNumber, reason: "unexpected element <\(name)> in <incident-log>", fix: "only <event> elements belong here", record: "<\(name)>")), parser)
        case (3, "attribute"):
            attributeName = attributes["name"]
            attributeItems = nil
            if attributeName == nil { current?.problem = "an <attribute> without a name" }
        case (4, "item") where attributeName != nil:
            if attributeItems == nil { attributeItems = [] }
        default:
            if current != nil, current?.problem == nil { current?.problem = "unexpected element <\(name)> inside <event>" }
        }
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) { text += string }

    func parser(_ parser: XMLParser, foundCDATA block: Data) { text += String(decoding: block, as: UTF8.self) }

    func parser(_ parser: XMLParser, parseErrorOccurred error: any Error) {
        if errorPosition == nil { errorPosition = (parser.lineNumber, parser.columnNumber) }
    }

    func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
        defer { depth -= 1 }
        switch (depth, name) {
        case (4, "item"):
            attributeItems?.append(.string(text))
        case (3, "attribute"):
            if let n = attributeName {
                if let items = attributeItems {
                    current?.fields.append((n, .list(items)))
                } else {
                    // Taken exactly as written, as JSON and CSV values are; empty means absent.
                    current?.fields.append((n, .string(text)))
                }
            }
            attributeName = nil
            attributeItems = nil
        case (2, "event"):
            guard let c = current else { return }
            current = nil
            if let problem = c.problem {
                emit(.reject(Reject(file: path, line: c.line, reason: problem, fix: "see docs/log-formats.md for the XML layout", record: Self.serialise(c.header, c.fields))), parser)
                return
            }
            do {
                emit(.event(try EventBuilder.build(fields: c.fields, origin: SourceLocation(file: path, line: c.line))), parser)
            } catch {
                emit(.reject(Reject(file: path, line: c.line, reason: error.reason, fix: error.fix, record: Self.serialise(c.header, c.fields))), parser)
            }
        default: break
        }
        text = ""
    }

    /// The event as read, written back as XML for the rejects file.
    static func serialise(_ header: [String: String], _ fields: [(String, RawValue)]) -> String {
        func esc(_ s: String) -> String {
            s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: "\"", with: "&quot;")
        }
        var s = "<event" + header.sorted(by: { $0.key < $1.key }).map { " \($0.key)=\"\(esc($0.value))\"" }.joined() + ">"
        for (k, v) in fields where !["id", "case", "type", "at"].contains(k) {
            switch v {
            case .string(let t): s += "<attribute name=\"\(esc(k))\">\(esc(t))</attribute>"
            case .list(let items):
                s += "<attribute name=\"\(esc(k))\">" + items.map { item in
                    if case .string(let t) = item { return "<item>\(esc(t))</item>" }
                    return ""
                }.joined() + "</attribute>"
            default: break
            }
        }
        return s + "</event>"
    }
}
