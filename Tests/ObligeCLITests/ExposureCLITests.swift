import Foundation
import ObligeTestSupport
import Testing

/// `oblige exposure` end to end on the demo: every total below is hand-computed in the comments.
@Suite("oblige exposure", .serialized)
struct ExposureCLITests {
    typealias T = TestSupport
    static let demo = ["exposure", "--platform", "Fixtures/demo/platform.yaml", "--as-of", "2025-11-01T00:00:00Z"]
    static let log = ["--log", "Fixtures/demo/incidents.jsonl"]
    static let scenario = ["--scenario", "Fixtures/demo/scenario.yaml"]

    func json(_ run: T.Run) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
    }

    func total(_ assessment: [String: Any]) -> String? { (assessment["total_maximum"] as? [String: Any])?["amount"] as? String }

    @Test("statutory maxima per regime with the turnover year, periodic penalties and conversions")
    func statutory() throws {
        let r = try T.run(Self.demo + Self.log)
        #expect(r.status == 0, "\(r.stderr)")
        let out = r.stdout
        // DSA (the VLOP's breaches go to the Commission): 6 % × 2,400,000,000 (2024) = 144,000,000.
        #expect(out.contains("6 % × EUR 2,400,000,000.00 (financial year 2024, 2024-01-01 to 2024-12-31) = EUR 144,000,000.00"))
        #expect(out.contains("counted here instead of dsa.art52-3"))
        // Art 76: 5 % × 2,400,000,000 ÷ 366 = 327,868.85 a day; 30 days from 2 November = 9,836,065.50.
        #expect(out.contains("= EUR 327,868.85 per day"))
        #expect(out.contains("30 day(s) from 2025-11-02 until 2025-12-02"))
        // TCO Art 18(3): 4 % × 2,400,000,000 = 96,000,000, shown with its condition.
        #expect(out.contains("4 % × EUR 2,400,000,000.00 (financial year 2024, 2024-01-01 to 2024-12-31) = EUR 96,000,000.00"))
        #expect(out.contains("condition: A systematic or persistent failure"))
        // Australia: 3 + 1 + 12 days × 500 × 5 × AUD 330 = AUD 13,200,000 ÷ 1.76 = EUR 7,500,000.
        #expect(out.range(of: #"au-osa +3 +3 +AUD 13,200,000.00 +EUR 7,500,000.00"#, options: .regularExpression) != nil)
        // 2258A(e): 140 m users ≥ 100 m, first failure USD 850,000 ÷ 1.155 = EUR 735,930.74.
        #expect(out.contains("USD 850,000.00"))
        #expect(out.contains("EUR 735,930.74"))
        // UK (the children's risk assessment never done): greater of £18 m and 10 % of revenue:
        // 2,400,000,000 EUR × 0.88 = 2,112,000,000 GBP; 10 % = 211,200,000 GBP ÷ 0.88 = 240,000,000 EUR.
        #expect(out.contains("= GBP 211,200,000.00"))
        #expect(out.contains("greater of the two: GBP 211,200,000.00"))
        // 7,500,000 + 144,000,000 + 50,000,000 + 96,000,000 + 240,000,000 + 735,930.74
        #expect(out.contains("EUR 538,235,930.74"))
        #expect(out.contains("not quantified"))
        #expect(out.contains("us-2258a.e counts overdue, not late"))
    }

    @Test("the scenario: seeded range, remediation, what-ifs; the same seed gives the same JSON")
    func scenario() throws {
        let one = try T.run(Self.demo + Self.log + Self.scenario + ["--format", "json"])
        #expect(one.status == 0, "\(one.stderr)")
        let two = try T.run(Self.demo + Self.log + Self.scenario + ["--format", "json"])
        #expect(one.stdout == two.stdout)
        let doc = try json(one)
        let base = try #require(doc["baseline"] as? [String: Any])
        // Remediation on 5 Nov extends Australia's open contravention to 16 days: +4 × 825,000 AUD
        // = 3,300,000 AUD = 1,875,000 EUR over the statutory 538,235,930.74.
        #expect(total(base) == "540110930.74")
        // DSA periodic from 1 Dec until remediation on 15 Dec: 14 × 327,868.85 = 4,590,163.90.
        #expect((base["total_periodic"] as? [String: Any])?["amount"] as? String == "4590163.90")
        let sim = try #require(base["simulation"] as? [String: Any])
        #expect(sim["seed"] as? String == "20251101")
        let totalDist = try #require(sim["total"] as? [String: Any])
        let p50 = try #require((totalDist["p50"] as? [String: Any])?["amount"] as? String)
        let p95 = try #require((totalDist["p95"] as? [String: Any])?["amount"] as? String)
        #expect(Decimal(string: p50)! <= Decimal(string: p95)!)

        let variants = try #require(doc["what_if"] as? [[String: Any]])
        #expect(variants.map { $0["name"] as? String } == ["Every removal 20 minutes sooner", "Notice decisions within 48 hours"])
        func breaches(_ a: [String: Any], _ regime: String) -> Int? { (a["breaches"] as? [String: Any])?[regime] as? Int }
        func mean(_ a: [String: Any]) -> Decimal? {
            ((((a["simulation"] as? [String: Any])?["total"] as? [String: Any])?["mean"] as? [String: Any])?["amount"] as? String).flatMap { Decimal(string: $0) }
        }
        // Removals 20 minutes sooner: three TCO removals come within the hour (8 → 5), and the mean falls.
        #expect(breaches(base, "tco") == 8)
        #expect(breaches(variants[0], "tco") == 5)
        #expect(try #require(mean(variants[0])) < (try #require(mean(base))))
        // A 48-hour notice-decision target makes more DSA breaches, and the mean rises.
        #expect(try #require(breaches(variants[1], "dsa")) > (try #require(breaches(base, "dsa"))))
        #expect(try #require(mean(variants[1])) > (try #require(mean(base))))

        let other = try T.run(Self.demo + Self.log + Self.scenario + ["--format", "json", "--seed", "7"])
        #expect(other.stdout != one.stdout)
    }

    @Test("--findings from an audit's JSON gives the same figures as --log")
    func fromFindings() throws {
        let audit = try T.run(["audit", "--platform", "Fixtures/demo/platform.yaml", "--as-of", "2025-11-01T00:00:00Z", "--format", "json"] + Self.log)
        let path = T.file("findings.json", audit.stdout)
        let viaFile = try T.run(Self.demo + ["--findings", path, "--format", "json"])
        let viaLog = try T.run(Self.demo + Self.log + ["--format", "json"])
        #expect(viaFile.status == 0, "\(viaFile.stderr)")
        let a = try #require(try json(viaFile)["baseline"] as? [String: Any])
        let b = try #require(try json(viaLog)["baseline"] as? [String: Any])
        #expect(total(a) == "538235930.74")
        #expect(total(a) == total(b))
        #expect((a["decisions"] as? [Any])?.count == (b["decisions"] as? [Any])?.count)
        #expect(try T.run(Self.demo + ["--findings", path, "--what-if-target", "notice_decision=PT48H"]).status == 64)
        #expect(try T.run(Self.demo + ["--findings", path] + Self.scenario).status == 64)  // its what-ifs need the log

        // A finding listed twice is an error naming it, not a crash or a double count.
        var doc = try #require(try JSONSerialization.jsonObject(with: Data(audit.stdout.utf8)) as? [String: Any])
        var list = try #require(doc["findings"] as? [[String: Any]])
        let firstBreach = try #require(list.first { ["late", "overdue"].contains($0["status"] as? String ?? "") })
        list.append(firstBreach)
        doc["findings"] = list
        let twice = T.file("twice.json", String(decoding: try JSONSerialization.data(withJSONObject: doc), as: UTF8.self))
        let dup = try T.run(Self.demo + ["--findings", twice])
        #expect(dup.status == 2)
        #expect(dup.stderr.contains("repeats finding"))
    }

    @Test("CSV: one row per decision, per regime and a total, per variant, with plain decimal amounts")
    func csv() throws {
        let r = try T.run(Self.demo + Self.log + ["--format", "csv", "--what-if-shift", "content.removed,content.disabled=-PT20M"])
        #expect(r.status == 0, "\(r.stderr)")
        let lines = r.stdout.components(separatedBy: "\r\n")
        #expect(lines[0].hasPrefix("variant,row,regime,provision,citation,authority,group,breaches,maximum,currency"))
        #expect(lines.contains { $0.hasPrefix("baseline,decision,dsa,dsa.art74-1,") && $0.contains(",144000000.00,EUR,") })
        #expect(lines.contains { $0.hasPrefix("baseline,total,") && $0.contains(",538235930.74,EUR,") })
        #expect(lines.contains { $0.hasPrefix("content.disabled/content.removed -PT20M,regime,tco,") })
    }

    @Test("a bad scenario fails before any figure, naming file, line and fix")
    func badScenario() throws {
        let path = T.file("scenario.yaml", """
            scenario: typo
            regimes:
              dsaa: {probability: "0.4", share_of_maximum: "0.1"}
              tco: {probability: "1.4", share_of_maximum: "0.1"}
            """)
        let r = try T.run(Self.demo + Self.log + ["--scenario", path])
        #expect(r.status == 2)
        #expect(r.stderr.contains("scenario.yaml:3:3: error: unknown regime 'dsaa'"))
        #expect(r.stderr.contains("did you mean 'dsa'?"))
        #expect(r.stderr.contains("probability 1.4 is not between 0 and 1"))
        #expect(r.stdout.isEmpty)
    }

    @Test("docs/exposure.md shows the demo's tables as the command prints them")
    func docsAreCurrent() throws {
        let r = try T.run(Self.demo + Self.log + Self.scenario)
        let doc = try String(contentsOf: T.repoRoot.appendingPathComponent("docs/exposure.md"), encoding: .utf8)
        let lines = r.stdout.components(separatedBy: "\n")
        let tables = lines.filter { l in
            ["  au-osa ", "  dsa ", "  netzdg ", "  tco ", "  uk-osa ", "  us-2258a ", "  total ", "  baseline ", "  Every removal", "  Notice decisions"].contains { l.hasPrefix($0) }
        }
        #expect(tables.count >= 15)
        for line in tables { #expect(doc.contains(line), "docs/exposure.md lacks: \(line)") }
    }
}
