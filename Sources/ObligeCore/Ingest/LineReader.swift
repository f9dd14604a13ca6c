import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Reads a file in large blocks and hands out its lines as byte slices, with line numbers.
///
/// No `String` is made per line and the whole file is never in memory: memory is one block plus
/// the longest line.
struct LineReader {
    let path: String
    var blockSize = 1 << 20
    /// Where to start: a byte offset at the start of a line, and the number of lines before it.
    var start = LogPosition.beginning
    /// Leave a last line without its line break unread (it may still be being written); the end
    /// position then stops before it.
    var completeLinesOnly = false
    /// Told the bytes read so far (from `start`) after each block: for progress displays.
    var onBlock: ((Int64) -> Void)? = nil
    /// Stop before the first line that starts at or after this offset (a line start): for reading
    /// one chunk of a file while other threads read the others.
    var end: Int64? = nil

    /// Where the lines of the file start nearest to `count` equal shares of it: the offsets that
    /// split it into chunks of whole lines (the first is 0).
    static func chunkStarts(path: String, count: Int) throws -> [Int64] {
        guard count > 1, let file = fopen(path, "rb") else { return [0] }
        defer { fclose(file) }
        guard fseeko(file, 0, SEEK_END) == 0 else { return [0] }
        let size = Int64(ftello(file))
        var starts: [Int64] = [0]
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        for k in 1..<count {
            var at = size * Int64(k) / Int64(count)
            guard at > starts[starts.count - 1], fseeko(file, off_t(at), SEEK_SET) == 0 else { continue }
            var found = false
            while !found {
                let n = buffer.withUnsafeMutableBytes { fread($0.baseAddress, 1, $0.count, file) }
                if n == 0 { break }
                if let i = buffer[0..<n].firstIndex(of: 10) {
                    at += Int64(i + 1)
                    found = true
                } else {
                    at += Int64(n)
                }
            }
            if found, at < size, at > starts[starts.count - 1] { starts.append(at) }
        }
        return starts
    }

    /// Calls `body` with each line (without its `\n` or `\r\n`) and its 1-based number.
    /// `body` returns false to stop early. Returns where reading ended: after the last line read.
    @discardableResult
    func forEachLine(_ body: (UnsafeBufferPointer<UInt8>, Int) throws -> Bool) throws -> LogPosition {
        guard let file = fopen(path, "rb") else {
            throw ObligeError(.io, "cannot open '\(path)': \(String(cString: strerror(errno)))", at: SourceLocation(file: path), fix: "check the path and permissions")
        }
        defer { fclose(file) }
        if start.offset > 0, fseeko(file, off_t(start.offset), SEEK_SET) != 0 {
            throw ObligeError(.io, "cannot seek to byte \(start.offset) of '\(path)'", at: SourceLocation(file: path))
        }
        var buffer = [UInt8](repeating: 0, count: blockSize)
        var carry: [UInt8] = []
        var lineNumber = start.lines
        var consumed = start.offset
        var read: Int64 = 0
        while true {
            let n = buffer.withUnsafeMutableBytes { fread($0.baseAddress, 1, blockSize, file) }
            read += Int64(n)
            onBlock?(read)
            if n == 0 {
                if ferror(file) != 0 {
                    throw ObligeError(.io, "read error in '\(path)' after line \(lineNumber)", at: SourceLocation(file: path))
                }
                break
            }
            let stop = try buffer.withUnsafeBufferPointer { block -> Bool in
                var start = 0
                var i = 0
                let bytes = block.baseAddress!
                while i < n {
                    guard let p = memchr(bytes + i, 10, n - i) else { break }
                    let end = bytes.distance(to: p.assumingMemoryBound(to: UInt8.self))
                    if let limit = self.end, consumed >= limit { return true }
                    lineNumber += 1
                    let keepGoing: Bool
                    consumed += Int64(carry.count + end - start + 1)
                    if carry.isEmpty {
                        keepGoing = try body(trimCR(UnsafeBufferPointer(rebasing: block[start..<end])), lineNumber)
                    } else {
                        carry.append(contentsOf: block[start..<end])
                        keepGoing = try carry.withUnsafeBufferPointer { try body(trimCR($0), lineNumber) }
                        carry.removeAll(keepingCapacity: true)
                    }
                    if !keepGoing { return true }
                    start = end + 1
                    i = start
                }
                carry.append(contentsOf: block[start..<n])
                return false
            }
            if stop { return LogPosition(offset: consumed, lines: lineNumber) }
        }
        if !carry.isEmpty, !completeLinesOnly, end.map({ consumed < $0 }) ?? true {
            lineNumber += 1
            consumed += Int64(carry.count)
            _ = try carry.withUnsafeBufferPointer { try body(trimCR($0), lineNumber) }
        }
        return LogPosition(offset: consumed, lines: lineNumber)
    }

    private func trimCR(_ b: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8> {
        if let last = b.last, last == 13 { return UnsafeBufferPointer(rebasing: b.dropLast()) }
        return b
    }
}

/// A place in a log between two lines: bytes and lines before it.
public struct LogPosition: Sendable, Equatable {
    public var offset: Int64
    public var lines: Int

    public init(offset: Int64, lines: Int) {
        self.offset = offset
        self.lines = lines
    }

    public static let beginning = LogPosition(offset: 0, lines: 0)
}

extension UnsafeBufferPointer<UInt8> {
    var isBlank: Bool { allSatisfy { $0 == 32 || $0 == 9 } }
    /// The bytes as text, repairing invalid UTF-8 (only for rejects, which must keep the record).
    var lossyString: String { String(decoding: self, as: UTF8.self) }
}
