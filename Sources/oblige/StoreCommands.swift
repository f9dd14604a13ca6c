import ArgumentParser
import Foundation
import ObligeCore

/// `--store`, for the commands that read or change the audit history.
struct StoreOptions: ParsableArguments {
    @Option(name: .long, help: "The SQLite store (written by `oblige audit --store`).")
    var store: String

    func open(mustExist: Bool = true) throws -> AuditStore {
        if mustExist, !FileManager.default.fileExists(atPath: store) {
            printError("error: no store at '\(store)'\n  fix: record a run first: oblige audit … --store \(store)")
            throw Exit.unusableInput
        }
        return try orExit { try AuditStore.open(store) }
    }
}

struct RunsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "runs", abstract: "List the runs of a store, or show one.", subcommands: [List.self, Show.self], defaultSubcommand: List.self)

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the stored runs, oldest first, with the head of the hash chain.")
        @OptionGroup var store: StoreOptions

        func run() throws {
            let runs = try orExit { try store.open().runs() }
            FileHandle.standardOutput.write(Data(StoreReport.runsText(runs).utf8))
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show one run: inputs with their hashes, counts, breaches.")
        @OptionGroup var store: StoreOptions
        @Argument(help: "The run number (default: the latest).") var number: Int?

        func run() throws {
            let s = try store.open()
            let id = try number ?? orExit { try s.latestRun()?.id } ?? 0
            guard let r = try orExit({ try s.run(id) }) else { throw ValidationError("no run \(id) in \(store.store); see `oblige runs list --store \(store.store)`") }
            let findings = try orExit { try s.findings(run: id) }
            FileHandle.standardOutput.write(Data(StoreReport.runText(r, findings: findings).utf8))
        }
    }
}

struct DiffCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "diff", abstract: "Compare two stored runs: findings new, resolved, changed, unchanged.",
        discussion: "Without runs, the latest against the one before it; with one, that run against the one before it.")

    @OptionGroup var store: StoreOptions
    @Argument(help: "The earlier run, or the only run to compare with its predecessor.") var first: Int?
    @Argument(help: "The later run.") var second: Int?
    enum Format: String, ExpressibleByArgument, CaseIterable { case text, json }
    @Option(name: .long, help: "Output format: text or json.") var format: Format = .text
    @Flag(name: .long, help: "Also list unchanged findings.") var all = false

    func run() throws {
        let s = try store.open()
        let runs = try orExit { try s.runs() }.map(\.id)
        guard let latest = runs.last else { throw ValidationError("no runs in \(store.store) yet") }
        let (a, b): (Int?, Int)
        switch (first, second) {
        case (nil, _): (a, b) = (runs.dropLast().last, latest)
        case (let x?, nil): (a, b) = (runs.last(where: { $0 < x }), x)
        case (let x?, let y?): (a, b) = (x, y)
        }
        for id in [a, b].compactMap({ $0 }) where !runs.contains(id) {
            throw ValidationError("no run \(id) in \(store.store); runs: \(runs.map(String.init).joined(separator: ", "))")
        }
        let before = try a.map { id in try orExit { try s.findings(run: id) } } ?? []
        let after = try orExit { try s.findings(run: b) }
        let diff = RunDiff(from: a, to: b, before: before, after: after)
        let out = format == .json ? StoreReport.diffJSON(diff).pretty + "\n" : StoreReport.diffText(diff, listUnchanged: all)
        FileHandle.standardOutput.write(Data(out.utf8))
    }
}

struct WaiveCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "waive", abstract: "Record, list or revoke waivers: breaches the legal team accepts, with who, why and until when.",
        subcommands: [Add.self, List.self, Revoke.self])

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Record a waiver for a rule's breaches (in one case, or all).")
        @OptionGroup var store: StoreOptions
        @OptionGroup var library: LibraryOptions
        @Option(name: .long, help: "The rule id.") var rule: String
        @Option(name: .customLong("case"), help: "One case (default: every case of the rule).") var caseID: String?
        @Option(name: .long, help: "Why the breaches are accepted.") var justification: String
        @Option(name: .long, help: "Who approved it.") var approver: String
        @Option(name: .long, help: "The last day (YYYY-MM-DD, UTC) it applies (default: until revoked).") var expires: String?

        func run() throws {
            let rules = try library.load()
            guard rules.ids.contains(rule) else {
                throw ValidationError("no rule '\(rule)' in the library" + (rules.closestID(to: rule).map { "; did you mean '\($0)'?" } ?? ""))
            }
            if justification.trimmingCharacters(in: .whitespaces).isEmpty || approver.trimmingCharacters(in: .whitespaces).isEmpty {
                throw ValidationError("a waiver needs a justification and an approver")
            }
            let until = try expires.map { text -> CivilDate in
                guard let d = try? CivilDate.parse(text) else { throw ValidationError("--expires '\(text)' is not a date (YYYY-MM-DD)") }
                return d
            }
            let lock = try orExit { try StoreLock(store: store.store, wait: true) }
            defer { withExtendedLifetime(lock) {} }
            let w = try orExit {
                try store.open(mustExist: false).addWaiver(rule: rule, caseID: caseID, justification: justification, approver: approver, expires: until, at: Date())
            }
            print("Recorded waiver \(w.id): \(w.rule)\(w.caseID.map { " · case \($0)" } ?? " · every case")\(w.expires.map { ", until \($0) (UTC, inclusive)" } ?? "").")
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the waivers of a store: in force, expired or revoked.")
        @OptionGroup var store: StoreOptions
        @Option(name: .long, help: "Judge expiry at this instant (default: now).") var asOf: String?

        func run() throws {
            let ws = try orExit { try store.open().waivers() }
            FileHandle.standardOutput.write(Data(StoreReport.waiversText(ws, asOf: try parseAsOf(asOf)).utf8))
        }
    }

    struct Revoke: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke a waiver from the next run on; past runs keep it.")
        @OptionGroup var store: StoreOptions
        @Argument(help: "The waiver (W3 or 3).") var waiver: String
        @Option(name: .long, help: "Who revokes it.") var by: String
        @Option(name: .long, help: "Why.") var reason: String

        func run() throws {
            guard let n = Int(waiver.hasPrefix("W") ? String(waiver.dropFirst()) : waiver) else { throw ValidationError("'\(waiver)' is not a waiver number such as W3") }
            let lock = try orExit { try StoreLock(store: store.store, wait: true) }
            defer { withExtendedLifetime(lock) {} }
            try orExit { try store.open().revokeWaiver(n, by: by, reason: reason, at: Date()) }
            print("Revoked W\(n).")
        }
    }
}

struct StoreCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "store", abstract: "Check a store.", subcommands: [Verify.self])

    struct Verify: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Recompute the hash chain over runs, findings and waivers; report any row edited, added or deleted after the fact.",
            discussion: "Exit 0 when intact, 1 when tampering is found. Keep the printed head hash elsewhere (e.g. CI logs): deleting the newest runs leaves a shorter chain that is valid on its own.")
        @OptionGroup var store: StoreOptions

        func run() throws {
            let (runs, head, problems) = try orExit { try store.open().verify() }
            if problems.isEmpty {
                print("OK: \(runs) run\(runs == 1 ? "" : "s"), chain intact; head \(head)")
                return
            }
            for p in problems { print("TAMPERED \(p)") }
            print("\(problems.count) problem\(problems.count == 1 ? "" : "s") in \(store.store).")
            throw Exit.breaches
        }
    }
}
