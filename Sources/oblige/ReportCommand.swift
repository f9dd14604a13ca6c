import ArgumentParser
import Foundation
import ObligeCore

/// `oblige report`: the audit as documents to forward: a self-contained HTML page with timelines
/// and charts, and a Markdown brief, with the exposure headline and the changes since the last
/// stored run when those are available. Exit codes as `audit` (1 when there are active breaches).
struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report", abstract: "Write the audit as a self-contained HTML page (timelines, charts, sortable table) and/or a Markdown brief.",
        discussion: """
            With --scenario (or the profile alone) the page has the exposure headline; with --store, what changed \
            since the latest stored run (the store is only read). See docs/reports.md.
            """)

    @OptionGroup var input: InputOptions

    @Option(name: .long, help: "Write the HTML report here.")
    var html: String?

    @Option(name: .long, help: "Write the Markdown brief here.")
    var markdown: String?

    @Option(name: .long, help: "An exposure scenario (docs/exposure.md) for the headline; without it the statutory maximum is shown when the profile allows.")
    var scenario: String?

    @Option(name: .long, help: "A store to compare with (its latest run); nothing is recorded.")
    var store: String?

    @Option(name: .long, help: "A waiver file; repeatable.")
    var waivers: [String] = []

    @Flag(name: .long, help: "Also list met findings in the HTML table.")
    var all = false

    func validate() throws {
        try input.requireLog()
        if html == nil, markdown == nil { throw ValidationError("give --html FILE and/or --markdown FILE") }
    }

    func run() throws {
        let rules = try input.library.load()
        let fileWaivers = try waivers.flatMap { path in try orExit { try WaiverFile.load(path: path, rules: rules) } }
        let opened = try store.map { path in try orExit { try AuditStore.open(path) } }
        var (result, note) = try input.load(rules: rules)
        result.apply(fileWaivers + (try opened.map { s in try orExit { try s.standingWaivers() } } ?? []))
        var diff: RunDiff?
        if let opened, let latest = try orExit({ try opened.latestRun() }) {
            let before = try orExit { try opened.findings(run: latest.id) }
            diff = RunDiff(from: latest.id, to: 0, before: before, after: result.findings.map(StoredFinding.init))
        }
        // The exposure headline is a bonus: when a figure the law needs is missing, say why and go on.
        var exposure: ExposureAssessment?
        do {
            let s = try scenario.map { path in try Scenario.load(path: path, rules: rules) } ?? .statutory
            exposure = try Exposure.assess(
                name: "baseline", contraventions: result.findings.map(Contravention.init), findings: result.findings.count, profile: result.profile,
                penalties: rules.penalties, scenario: s, asOf: result.asOf)
        } catch let e as ObligeErrors {
            if scenario != nil { printError(e.description); throw Exit.unusableInput }
            printError("note: no exposure headline: \(e.errors.first?.message ?? "")")
        }
        if let html { try writeOutput(HTMLReport.render(result, exposure: exposure, diff: diff, includeMet: all), to: html) }
        if let markdown { try writeOutput(MarkdownReport.render(result), to: markdown) }
        if let note { printError("Rejected records: \(note)") }
        let written = [html, markdown].compactMap { $0 }.joined(separator: " and ")
        printError("Wrote \(written): \(result.activeBreaches.count) active breaches.")
        if !result.activeBreaches.isEmpty { throw Exit.breaches }
    }
}
