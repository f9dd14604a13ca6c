import ArgumentParser
import Foundation
import ObligeCore

/// `oblige tdb`: the DSA Transparency Database: template metrics of Implementing Regulation
/// (EU) 2024/2835 from the platform's own log (docs/tdb-report.md). Reading the Database's dumps
/// is `oblige audit --log-format tdb` (docs/log-formats.md).
struct TDBCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tdb", abstract: "DSA Transparency Database: API submissions from the log, transparency report metrics (dumps: audit --log-format tdb).",
        subcommands: [Report.self, Export.self])

    struct Report: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Compute the quantitative indicators of the 2024/2835 templates the log supports, for a reporting period.",
            discussion: "JSON on stdout, or the templates' CSV layout (one file per sheet) with --csv DIR. Medians are exact, in seconds; indicators the log cannot support are listed as not derivable, with the reason.")

        @OptionGroup var input: InputOptions

        @Option(name: .long, help: "The reporting period as an ISO interval, e.g. 2025-07-01/2025-12-31 (UTC days, both included).")
        var period: String

        @Option(name: .long, help: "Only events of this profile service (and those naming none).")
        var service: String?

        @Option(name: .long, help: "Write one CSV per template sheet into this folder.")
        var csv: String?

        func validate() throws { try input.requireLog() }

        func run() throws {
            let p: ReportingPeriod
            do { p = try ReportingPeriod.parse(period) } catch { throw ValidationError("--period: \(error.message)" + (error.fix.map { " (\($0))" } ?? "")) }
            let (result, note) = try input.load(keepEvents: true)
            let metrics = TransparencyMetrics.compute(audit: result, period: p, profile: result.profile, service: service)
            if let csv {
                try orExit {
                    do { try FileManager.default.createDirectory(atPath: csv, withIntermediateDirectories: true) } catch {
                        throw ObligeError(.io, "cannot create the folder '\(csv)': \(error.localizedDescription)", fix: "check that its parent is writable")
                    }
                }
                for (name, text) in TransparencyReport.csvFiles(metrics) { try writeOutput(text, to: (csv as NSString).appendingPathComponent(name)) }
            }
            FileHandle.standardOutput.write(Data((TransparencyReport.json(metrics).pretty + "\n").utf8))
            if let note { printError("Rejected records: \(note)") }
        }
    }

    struct Export: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Turn the platform's decisions in its log into Transparency Database API submissions: JSON bodies of at most 100 statements, each field validated.",
            discussion: """
                No network call: the files are for the platform's uploader. Records that cannot be submitted are \
                reported with the event, its file:line, the field, the rule broken and the fix. Exit 0 when every \
                decision exported, 1 when some could not be, 2 for unusable input. See docs/tdb-export.md.
                """)

        @OptionGroup var input: InputOptions

        @Option(name: .long, help: "The folder to write statements-0001.json, … into (replaced whole; it may hold only earlier exports).")
        var out: String

        @Option(name: .long, help: "Only decisions of this profile service.")
        var service: String?

        @Option(name: .long, help: "A file of puids already submitted (one a line): those are skipped, not sent twice.")
        var submitted: String?

        @Option(name: .long, help: "Also write the report of what was exported and what could not be, as JSON.")
        var report: String?

        func validate() throws { try input.requireLog() }

        func run() throws {
            let rules = try input.library.load()
            let profile = try orExit { try PlatformProfile.load(path: input.platform) }
            let logs = try orExit { try input.log.map { p throws(ObligeError) in try LogInput.resolve(path: p, format: input.logFormat) } }
            let done = try submitted.map { path in try orExit { try SubmissionExport.readSubmittedPUIDs(path: path) } } ?? []
            let sink = RejectSink(path: input.rejects)
            let events = try orExit { try SubmissionExport.readEvents(rules: rules, profile: profile, logs: logs) { try sink.add($0) } }
            try orExit { try sink.finish() }
            let result = SubmissionExport.export(events: events, profile: profile, options: ExportOptions(service: service, submitted: done))
            try orExit {
                do { try SubmissionExport.write(batches: result.batches, to: out) } catch let e as ObligeError { throw e } catch {
                    throw ObligeError(.io, "cannot write the export into '\(out)': \(error.localizedDescription)", fix: "check that the folder is writable")
                }
            }
            if let report { try writeOutput(SubmissionExport.reportJSON(result).pretty + "\n", to: report) }
            FileHandle.standardOutput.write(Data(SubmissionExport.reportText(result).utf8))
            if let note = sink.note { printError("Rejected records: \(note)") }
            if !result.problems.isEmpty { throw Exit.breaches }
        }
    }
}
