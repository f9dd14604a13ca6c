import ArgumentParser
import Foundation
import ObligeCore

#if canImport(Glibc)
    import Glibc
#endif

extension LoadOptions.Format: ExpressibleByArgument {}

/// `oblige generate`: a deterministic synthetic incident log for load tests and benchmarks
/// (issue 7). The library makes the bytes; this command only parses options and writes them.
struct GenerateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Write a synthetic incident log of N events (JSON Lines or CSV) for load tests: same seed, same bytes.",
        discussion: """
            A year of a large platform's notices, decisions and statements of reasons, orders, complaints, \
            detections, summons and dated reports, with realistic delays (a few per cent late, about one per \
            cent never fulfilled), mixed UTC offsets and cases across daylight-saving changes. Every record \
            passes ingestion with the shipped rules. Records come in time order unless --disorder asks \
            otherwise. A summary goes to stderr. See docs/cli.md.
            """)

    @Option(name: .long, help: "Distinct events to write (duplicates come on top).")
    var events: Int

    @Option(name: .long, help: "Seed of the random numbers: the same seed and options give the same bytes.")
    var seed: UInt64 = 1

    @Option(name: .long, help: "jsonl or csv (default: csv for an --out ending in .csv, else jsonl).")
    var format: LoadOptions.Format?

    @Option(name: .long, help: "The first day cases start on (YYYY-MM-DD, UTC).")
    var from: String = "2025-01-01"

    @Option(name: .long, help: "How many days cases start over.")
    var days: Int = 365

    @Option(name: .long, help: "Write to this file (replaced once complete) instead of stdout.")
    var out: String?

    @Option(name: .long, help: "The fraction of events moved later in the file, out of time order (e.g. 0.01).")
    var disorder: Double = 0

    @Option(name: .long, help: "The fraction of records written twice, identical, with the same id (e.g. 0.01).")
    var duplicates: Double = 0

    func options() throws -> LoadOptions {
        guard let start = try? CivilDate.parse(from) else { throw ValidationError("--from '\(from)' is not a date (YYYY-MM-DD)") }
        let chosen = format ?? (out.map { $0.lowercased().hasSuffix(".csv") } == true ? .csv : .jsonl)
        let options = LoadOptions(events: events, seed: seed, format: chosen, from: start, days: days, disorder: disorder, duplicates: duplicates)
        do { try options.validate() } catch { throw ValidationError(error.message + (error.fix.map { " (\($0))" } ?? "")) }
        return options
    }

    func validate() throws { _ = try options() }

    func run() throws {
        let options = try options()
        let summary: LoadSummary
        if let out {
            let partial = out + ".partial"
            let fd = open(partial, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
            guard fd >= 0 else {
                try orExit { throw ObligeError(.io, "cannot write '\(partial)': \(String(cString: strerror(errno)))", fix: "check that its folder exists and is writable") }
                return
            }
            do {
                summary = try LoadGenerator.write(options) { chunk in try writeAll(fd, chunk, name: out) }
                guard close(fd) == 0 else { throw ObligeError(.io, "cannot write '\(out)': \(String(cString: strerror(errno)))", fix: "check the free space") }
                guard rename(partial, out) == 0 else {
                    throw ObligeError(.io, "cannot move '\(partial)' to '\(out)': \(String(cString: strerror(errno)))", fix: "check that the folder is writable")
                }
            } catch {
                unlink(partial)
                try orExit { throw error }
                return
            }
        } else {
            summary = try orExit { try LoadGenerator.write(options) { chunk in try writeAll(STDOUT_FILENO, chunk, name: "stdout") } }
        }
        var line = "generated \(summary.events) events in \(summary.cases) cases"
        if let first = summary.first, let last = summary.last { line += ", \(first.rfc3339) to \(last.rfc3339)" }
        line += "; \(summary.records) records (\(summary.duplicates) duplicates, \(summary.outOfOrder) out of order), \(summary.bytes) bytes"
        printError(line)
    }
}

/// Writes a whole chunk to a file descriptor, across short writes and interrupts.
private func writeAll(_ fd: Int32, _ chunk: UnsafeRawBufferPointer, name: String) throws {
    guard var p = chunk.baseAddress else { return }
    var left = chunk.count
    while left > 0 {
        let n = write(fd, p, left)
        if n < 0 {
            if errno == EINTR { continue }
            throw ObligeError(.io, "cannot write '\(name)': \(String(cString: strerror(errno)))", fix: "check the free space, or that the reader of the pipe is still there")
        }
        p += n
        left -= n
    }
}
