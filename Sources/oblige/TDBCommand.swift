import ArgumentParser
import Foundation
import ObligeCore

/// `oblige tdb`: the DSA Transparency Database: template metrics of Implementing Regulation
/// (EU) 2024/2835 from the platform's own log (docs/tdb-report.md). Reading the Database's dumps
/// is `oblige audit --log-format tdb` (docs/log-formats.md).
struct TDBCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tdb", abstract: "DSA Transparency Database: transparency report metrics (and dumps via audit --log-format tdb).",
        subcommands: [Report.self])

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
                    do {
                        try FileManager.default.createDirectory(atPath: csv, withIntermediateDirectories: true)
                        for (name, text) in TransparencyReport.csvFiles(metrics) {
                            try Data(text.utf8).write(to: URL(fileURLWithPath: csv).appendingPathComponent(name), options: .atomic)
                        }
                    } catch {
                        throw ObligeError(.io, "cannot write the CSV files into '\(csv)': \(error.localizedDescription)", fix: "check that the folder is writable")
                    }
                }
            }
            FileHandle.standardOutput.write(Data((TransparencyReport.json(metrics).pretty + "\n").utf8))
            if let note { printError("Rejected records: \(note)") }
        }
    }
}
