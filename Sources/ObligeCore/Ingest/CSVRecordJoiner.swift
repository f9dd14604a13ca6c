/// Joins a CSV file's lines into records: a quoted field may hold line breaks (RFC 4180), so a
/// record ends only where its quotes are closed. Shared by Oblige's CSV logs and the
/// Transparency Database's dump parts.
struct CSVRecordJoiner {
    enum Step {
        /// A blank line between records.
        case blank
        /// A quoted field is still open: the next line belongs to this record.
        case incomplete
        /// A whole record: its cells, or why it cannot be read.
        case record(Result<[String?], LogReaders.CSVFailure>)
        /// A quoted field stayed open past `maxBytes`: the record is given up.
        case tooLong
    }

    /// Past this many bytes an open quote is taken as damage, not a long field (nil: no limit).
    let maxBytes: Int?
    /// The record's bytes so far, as written.
    private(set) var pending: [UInt8] = []
    /// The line the record started on.
    private(set) var start = 0

    init(maxBytes: Int? = nil) { self.maxBytes = maxBytes }

    /// Takes the next line. After `.record` or `.tooLong`, call `clear()` when done with `text`.
    mutating func feed(_ line: UnsafeBufferPointer<UInt8>, _ number: Int) -> Step {
        if pending.isEmpty {
            if line.isBlank { return .blank }
            start = number
        } else {
            pending.append(10)
        }
        pending.append(contentsOf: line)
        do throws(LogReaders.CSVFailure) {
            return .record(.success(try LogReaders.parseCSVRecord(pending)))
        } catch where error.unterminated {
            if let maxBytes, pending.count > maxBytes { return .tooLong }
            return .incomplete
        } catch {
            return .record(.failure(error))
        }
    }

    /// The record as written, for a reject (invalid UTF-8 repaired).
    var text: String { pending.withUnsafeBufferPointer { $0.lossyString } }

    mutating func clear() { pending.removeAll(keepingCapacity: true) }
}
