import Foundation
import ObligeTestSupport
import Testing

/// End-to-end: `oblige generate` writes the log, the audit reads it without a reject.
@Suite("oblige generate")
struct GenerateCLITests {
    typealias T = TestSupport

    @Test("stdout and --out hold the same bytes; .csv picks CSV; the summary goes to stderr; the audit rejects nothing")
    func writesAndAudits() throws {
        let dir = T.temporaryDirectory("oblige-generate-cli")
        let toStdout = try T.run(["generate", "--events", "500", "--seed", "9"])
        #expect(toStdout.status == 0, "\(toStdout.stderr)")
        #expect(toStdout.stdout.split(separator: "\n").count == 500)
        #expect(toStdout.stderr.hasPrefix("generated 500 events in "))
        #expect(toStdout.stderr.contains("; 500 records (0 duplicates, 0 out of order), \(toStdout.stdout.utf8.count) bytes"))

        let jsonl = dir.appendingPathComponent("log.jsonl").path
        let toFile = try T.run(["generate", "--events", "500", "--seed", "9", "--out", jsonl])
        #expect(toFile.status == 0 && toFile.stdout.isEmpty)
        #expect(try String(contentsOfFile: jsonl, encoding: .utf8) == toStdout.stdout)
        #expect(!FileManager.default.fileExists(atPath: jsonl + ".partial"))

        let csv = dir.appendingPathComponent("log.csv").path
        #expect(try T.run(["generate", "--events", "500", "--seed", "9", "--out", csv]).status == 0)
        let csvText = try String(contentsOfFile: csv, encoding: .utf8)
        #expect(csvText.hasPrefix("id,case,type,at,"))
        #expect(csvText.split(separator: "\n").count == 501)

        for log in [jsonl, csv] {
            let audit = try T.run(["audit", "--platform", "Fixtures/demo/platform.yaml", "--log", log, "--as-of", "2026-01-01T00:00:00Z", "--format", "json"])
            #expect(audit.status == 0 || audit.status == 1, "\(audit.stderr)")
            let doc = try #require(try JSONSerialization.jsonObject(with: Data(audit.stdout.utf8)) as? [String: Any])
            let summary = try #require(doc["summary"] as? [String: Any])
            #expect(summary["records"] as? Int == 500)
            #expect(summary["rejected"] as? Int == 0)
        }
    }

    @Test("Bad options are usage errors (exit 64) naming the option", arguments: [
        (["--events", "10", "--disorder", "1.5"], "--disorder"), (["--events", "10", "--from", "2025-02-30"], "--from"),
        (["--events", "-3"], "--events"), (["--events", "10", "--format", "xml"], "--format"),
    ])
    func badOptions(arguments: [String], option: String) throws {
        let r = try T.run(["generate"] + arguments)
        #expect(r.status == 64)
        #expect(r.stdout.isEmpty)
        #expect(r.stderr.contains(option))
    }
}
