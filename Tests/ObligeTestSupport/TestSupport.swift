import Foundation
import ObligeCore

/// Shared helpers for the test targets: where the repository is, temporary rule libraries,
/// events, and running the built binary.
public enum TestSupport {
    /// The repository root, found from this file's location.
    public static let repoRoot: URL = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url
    }()

    public static var rulesRoot: String { repoRoot.appendingPathComponent("Rules").path }
    public static var demoDir: URL { repoRoot.appendingPathComponent("Fixtures/demo") }

    public static func instant(_ text: String) -> Instant {
        do { return try Instant.parseRFC3339(text) } catch { fatalError("bad instant in test: \(text)") }
    }

    public static func date(_ text: String) -> CivilDate {
        do { return try CivilDate.parse(text) } catch { fatalError("bad date in test: \(text)") }
    }

    /// A fresh empty folder, inside this test process's own scratch folder (removed when the
    /// process exits, so runs do not pile folders up in the system's temporary directory).
    public static func temporaryDirectory(_ name: String = "oblige-test") -> URL {
        let url = Scratch.root.appendingPathComponent("\(name)-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// A rule library in a temporary folder: the shipped vocabulary, calendars and penalties, plus the given
    /// rule files (`"tco/x.yaml": "…"`). Returns its path.
    public static func library(_ files: [String: String]) throws -> String {
        let dir = temporaryDirectory("oblige-lib")
        let fm = FileManager.default
        try fm.copyItem(atPath: rulesRoot + "/vocabulary.yaml", toPath: dir.path + "/vocabulary.yaml")
        try fm.createSymbolicLink(atPath: dir.path + "/calendars", withDestinationPath: rulesRoot + "/calendars")
        try fm.createSymbolicLink(atPath: dir.path + "/penalties", withDestinationPath: rulesRoot + "/penalties")
        for (path, text) in files {
            let url = dir.appendingPathComponent(path)
            try fm.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try text.write(to: url, atomically: true, encoding: .utf8)
        }
        return dir.path
    }

    /// Writes a file into a fresh temporary folder and returns its path.
    public static func file(_ name: String, _ contents: String) -> String {
        let url = temporaryDirectory().appendingPathComponent(name)
        try? contents.write(to: url, atomically: true, encoding: .utf8)
        return url.path
    }

    /// A profile with one service of the given kinds, large, and common targets.
    public static func profileYAML(kinds: [String] = ["online_platform"], size: String = "large", extra: String = "") -> String {
        """
        platform: Test Platform
        enterprise_size: \(size)
        services:
          - id: main
            kinds: [\(kinds.joined(separator: ", "))]
        \(extra)
        targets:
          notice_ack: PT24H
          notice_decision: PT72H
          order_effect: PT24H
          complaint_decision: PT168H
          cybertipline_report: PT24H
        """
    }

    public static func profile(kinds: [String] = ["online_platform"], size: String = "large", extra: String = "") throws -> PlatformProfile {
        try PlatformProfile.load(path: file("platform.yaml", profileYAML(kinds: kinds, size: size, extra: extra)))
    }

    /// One JSON Lines event.
    public static func jsonl(_ id: String, _ caseID: String, _ type: String, _ at: String, _ attrs: [String: String] = [:]) -> String {
        var s = "{\"id\": \"\(id)\", \"case\": \"\(caseID)\", \"type\": \"\(type)\", \"at\": \"\(at)\""
        for (k, v) in attrs.sorted(by: { $0.key < $1.key }) {
            s += v == "true" || v == "false" ? ", \"\(k)\": \(v)" : ", \"\(k)\": \"\(v)\""
        }
        return s + "}"
    }

    /// Audits JSON Lines text against a rule library and profile; rejects are collected.
    public static func audit(
        library: String, profile: PlatformProfile, lines: [String], asOf: String, explain: Set<String> = []
    ) throws -> (AuditResult, [Reject]) {
        let rules = try RuleLoader.load(root: library)
        let log = file("log.jsonl", lines.joined(separator: "\n") + "\n")
        var rejects: [Reject] = []
        let result = try Auditor.run(
            rules: rules, profile: profile, logs: [LogInput(path: log, format: .jsonl)],
            options: AuditOptions(asOf: instant(asOf), explainCases: explain)
        ) { rejects.append($0) }
        return (result, rejects)
    }

    /// The built `oblige` binary: beside the test bundle, or in .build/debug.
    public static var obligeBinary: String {
        let candidates = [
            URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("oblige").path,
            Bundle.main.bundleURL.appendingPathComponent("oblige").path,
            Bundle.main.bundleURL.deletingLastPathComponent().appendingPathComponent("oblige").path,
            repoRoot.appendingPathComponent(".build/debug/oblige").path,
        ]
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) } ?? candidates.last!
    }

    public struct Run: Sendable {
        public var stdout: String
        public var stderr: String
        public var status: Int32
    }

    /// Runs the binary with arguments, in the repository root unless told otherwise.
    public static func run(_ arguments: [String], cwd: String? = nil, environment: [String: String] = [:]) throws -> Run {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: obligeBinary)
        p.arguments = arguments
        p.currentDirectoryURL = URL(fileURLWithPath: cwd ?? repoRoot.path)
        var env = ProcessInfo.processInfo.environment
        env["NO_COLOR"] = "1"
        for (k, v) in environment { env[k] = v }
        p.environment = env
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        // Read both pipes fully before waiting, so a large output cannot block the child.
        let group = DispatchGroup()
        nonisolated(unsafe) var errData = Data()
        group.enter()
        DispatchQueue.global().async {
            errData = err.fileHandleForReading.readDataToEndOfFile()
            group.leave()
        }
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        p.waitUntilExit()
        return Run(stdout: String(decoding: outData, as: UTF8.self), stderr: String(decoding: errData, as: UTF8.self), status: p.terminationStatus)
    }
}

/// The one folder every test of a process writes in, removed at exit.
private enum Scratch {
    static let root: URL = {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("oblige-tests-\(getpid())-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        atexit { try? FileManager.default.removeItem(at: Scratch.root) }
        return url
    }()
}
