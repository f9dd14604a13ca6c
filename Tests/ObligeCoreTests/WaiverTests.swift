import Foundation
import ObligeCore
import ObligeTestSupport
import Testing

@Suite("Waivers")
struct WaiverTests {
    typealias T = TestSupport

    static let library: Result<String, any Error> = Result { try T.library(["tco/r.yaml": Fixture.tco]) }

    func rules() throws -> RuleSet { try RuleLoader.load(root: Self.library.get()) }

    /// Overdue removal orders in cases c1 and c2, one met in c3; the orders date from April 2025.
    static let lines = [
        T.jsonl("o1", "c1", "order.received", "2025-04-01T10:00:00Z", ["order_kind": "removal"]),
        T.jsonl("o2", "c2", "order.received", "2025-04-01T11:00:00Z", ["order_kind": "removal"]),
        T.jsonl("o3", "c3", "order.received", "2025-04-01T12:00:00Z", ["order_kind": "removal"]),
        T.jsonl("r3", "c3", "content.removed", "2025-04-01T12:30:00Z"),
    ]

    func audit(asOf: String, waivers: [Waiver], explain: Set<String> = []) throws -> AuditResult {
        var r = try T.audit(library: Self.library.get(), profile: T.profile(), lines: Self.lines, asOf: asOf, explain: explain).0
        r.apply(waivers)
        return r
    }

    func errors(_ yaml: String) throws -> (path: String, errors: [String]) {
        let path = T.file("waivers.yaml", yaml)
        let rules = try rules()
        do {
            let w = try WaiverFile.load(path: path, rules: rules)
            Issue.record("expected errors, loaded \(w.count) waivers")
            return (path, [])
        } catch {
            return (path, error.errors.map(\.description))
        }
    }

    // MARK: - Loading

    @Test("a waiver file loads in file order; each waiver is named FILE:LINE; case and expiry are optional")
    func loads() throws {
        let path = T.file(
            "waivers.yaml",
            """
            # Waivers approved by the legal team.
            waivers:
              - rule: tco.test.removal
                case: c1
                justification: "Order withdrawn by the authority by phone"
                approver: "Jane Doe, DPO"
                expires: 2025-05-01
              - rule: tco.test.removal
                justification: >
                  Test rule, waived
                  across the board
                approver: Legal
            """)
        let waivers = try WaiverFile.load(path: path, rules: rules())
        #expect(
            waivers == [
                Waiver(
                    id: "\(path):3", rule: "tco.test.removal", caseID: "c1", justification: "Order withdrawn by the authority by phone",
                    approver: "Jane Doe, DPO", expires: T.date("2025-05-01")),
                Waiver(
                    id: "\(path):8", rule: "tco.test.removal", caseID: nil, justification: "Test rule, waived across the board",
                    approver: "Legal", expires: nil),
            ])
    }

    @Test("a file with no waivers left loads as none", arguments: ["waivers: []\n", "waivers:\n"])
    func empty(_ yaml: String) throws {
        #expect(try WaiverFile.load(path: T.file("waivers.yaml", yaml), rules: rules()).isEmpty)
    }

    @Test("every problem of a waiver file is reported at once, with file:line:column and a fix")
    func everyProblem() throws {
        let (path, errors) = try errors(
            """
            waivers:
              - rule: tco.test.remval
                justification: Outage
                approver: Jane
              - rule: tco.test.removal
                case: c1
                justification: "  "
                approver: Jane
                expires: 2025-02-30
              - rule: tco.test.removal
                expiry: 2025-01-01
                justification: ok
              - rule: tco.test.removal
                case: c2
                justification: first
                approver: A
              - rule: tco.test.removal
                case: c2
                justification: second
                approver: B
                expires: 2026-01-01
              - rule: tco.test.removal
                justification: rule-wide
                approver: A
              - rule: tco.test.removal
                justification: rule-wide again
                approver: B
            """)
        let expected = [
            "\(path):2:11: error: unknown rule 'tco.test.remval'",
            "fix: did you mean 'tco.test.removal'? waive a rule id of the loaded library",
            "\(path):7:20: error: justification is empty",
            "\(path):9:14: error: expires: '2025-02-30' is not a valid date",
            "\(path):11:5: error: waiver 3: unknown key 'expiry'",
            "fix: did you mean 'expires'?",
            "\(path):10:5: error: waiver 3: missing required key 'approver'",
            "\(path):17:5: error: case 'c2' of rule 'tco.test.removal' is already waived at line 13",
            "\(path):25:5: error: every case of rule 'tco.test.removal' is already waived at line 22",
        ]
        for text in expected {
            #expect(errors.contains { $0.contains(text) }, "missing: \(text)\nin:\n\(errors.joined(separator: "\n"))")
        }
        #expect(errors.count == 7)
    }

    @Test(
        "the shape of a waiver file is checked",
        arguments: [
            ("waiver: []\n", "1:1: error: waiver file: unknown key 'waiver'"),
            ("waivers:\n  rule: tco.test.removal\n", "2:3: error: waivers must be a list of waivers"),
            ("waivers:\n  - tco.test.removal\n", "2:5: error: waiver 1 must be a mapping"),
            ("waivers:\n  - rule: tco.test.removal\n    justification: ok\n", "2:5: error: waiver 1: missing required key 'approver'"),
            ("waivers:\n  - rule: tco.test.removal\n    justification: ok\n    approver: [a, b]\n", "4:15: error: approver must be a single value"),
            ("waivers: [\n", "error: YAML syntax"),
        ])
    func shape(_ yaml: String, _ message: String) throws {
        let (path, errors) = try errors(yaml)
        #expect(errors.contains { $0.contains(message.hasPrefix("error") ? message : "\(path):\(message)") }, "\(errors)")
    }

    @Test("a missing waiver file is a usage error naming the file")
    func missing() throws {
        let rules = try rules()
        do {
            _ = try WaiverFile.load(path: "no/such/waivers.yaml", rules: rules)
            Issue.record("a missing file loaded")
        } catch {
            #expect(error.errors.map(\.kind) == [.usage])
            #expect(error.errors.first?.message == "waiver file 'no/such/waivers.yaml' does not exist")
        }
    }

    // MARK: - Matching and expiry

    static let caseWaiver = Waiver(id: "w.yaml:2", rule: "tco.test.removal", caseID: "c1", justification: "withdrawn", approver: "Jane", expires: T.date("2025-05-01"))
    static let ruleWaiver = Waiver(id: "w.yaml:7", rule: "tco.test.removal", caseID: nil, justification: "test rule", approver: "Legal", expires: nil)

    @Test(
        "a waiver applies through the whole of its expiry day in UTC and not after; a case waiver wins over a rule-wide one",
        arguments: [
            // as-of, waivers, the waiver of c1, the waiver of c2
            ("2025-05-01T23:59:59.999999999Z", [caseWaiver], "w.yaml:2", nil),
            ("2025-05-02T00:00:00Z", [caseWaiver], nil, nil),
            ("2025-05-01T12:00:00Z", [ruleWaiver, caseWaiver], "w.yaml:2", "w.yaml:7"),
            // The case waiver has expired: the rule-wide one still covers the case.
            ("2025-05-02T00:00:00Z", [ruleWaiver, caseWaiver], "w.yaml:7", "w.yaml:7"),
        ] as [(String, [Waiver], String?, String?)])
    func expiry(_ asOf: String, _ waivers: [Waiver], _ c1: String?, _ c2: String?) throws {
        let r = try audit(asOf: asOf, waivers: waivers)
        let byCase = Dictionary(uniqueKeysWithValues: r.findings.map { ($0.caseID, $0) })
        #expect(byCase["c1"]?.status == .overdue)
        #expect(byCase["c1"]?.waiver?.id == c1)
        #expect(byCase["c2"]?.waiver?.id == c2)
        // Only breaches are waived; a waived one keeps its status.
        #expect(byCase["c3"]?.status == .met)
        #expect(byCase["c3"]?.waiver == nil)
        #expect(r.activeBreaches.map(\.caseID) == [c1 == nil ? "c1" : nil, c2 == nil ? "c2" : nil].compactMap { $0 })
        #expect(Self.caseWaiver.isExpired(asOf: T.instant(asOf)) == (asOf >= "2025-05-02"))
    }

    @Test("a waiver loaded from a file covers only its rule and case")
    func fromFile() throws {
        let path = T.file("waivers.yaml", "waivers:\n  - rule: tco.test.removal\n    case: c2\n    justification: ok\n    approver: A\n")
        let r = try audit(asOf: "2025-05-01T00:00:00Z", waivers: WaiverFile.load(path: path, rules: rules()))
        #expect(r.findings.filter { $0.waiver != nil }.map(\.caseID) == ["c2"])
        #expect(r.activeBreaches.map(\.caseID) == ["c1"])
    }

    // MARK: - Reports

    @Test("the text report lists waived breaches apart, with who, why and until when, and counts them")
    func text() throws {
        let r = try audit(asOf: "2025-05-01T00:00:00Z", waivers: [Self.caseWaiver])
        let out = TextReport.render(r, includeMet: false, rejectsNote: nil)
        #expect(out.contains("Findings: 3 — 2 breaches (2 overdue), 1 waived, 0 running, 1 met.\n"))
        let breaches = try #require(out.range(of: "BREACHES\n")), waived = try #require(out.range(of: "\nWAIVED (1)\n"))
        #expect(breaches.upperBound < waived.lowerBound)
        let active = out[breaches.upperBound..<waived.lowerBound]
        #expect(active.contains("OVERDUE  tco.test.removal · case c2 · overdue by"))
        #expect(!active.contains("case c1"))
        #expect(
            out[waived.upperBound...].hasPrefix(
                """
                  tco.test.removal · case c1 · overdue by 29d 13h 00m · critical
                    waived by Jane · until 2025-05-01 (UTC) · w.yaml:2
                    why: withdrawn

                """))
    }

    @Test("with every breach waived the text report says so; without waivers it is unchanged")
    func textAllOrNone() throws {
        let all = TextReport.render(try audit(asOf: "2025-05-01T00:00:00Z", waivers: [Self.ruleWaiver]), includeMet: false, rejectsNote: nil)
        #expect(all.contains("\nNo breaches besides the waived ones.\n\nWAIVED (2)\n"))
        #expect(all.contains("    waived by Legal · no expiry · w.yaml:7\n"))
        let none = TextReport.render(try audit(asOf: "2025-05-01T00:00:00Z", waivers: []), includeMet: false, rejectsNote: nil)
        #expect(none.contains("Findings: 3 — 2 breaches (2 overdue), 0 running, 1 met.\n"))
        #expect(!none.contains("WAIVED") && !none.contains("waived"))
    }

    @Test("JSON gives each finding its waiver or null, and the summary the waived and active counts")
    func json() throws {
        let r = try audit(asOf: "2025-05-01T00:00:00Z", waivers: [Self.caseWaiver])
        let doc = try #require(try JSONSerialization.jsonObject(with: Data(JSONReport.document(r).utf8)) as? [String: Any])
        let summary = try #require(doc["summary"] as? [String: Any])
        #expect(summary["breaches"] as? Int == 2)
        #expect(summary["waived"] as? Int == 1)
        #expect(summary["active_breaches"] as? Int == 1)
        let findings = try #require(doc["findings"] as? [[String: Any]])
        let byCase = Dictionary(uniqueKeysWithValues: findings.map { ($0["case"] as? String ?? "", $0) })
        let c1 = try #require(byCase["c1"])
        #expect(c1["status"] as? String == "overdue")
        #expect((c1["events"] as? [Any])?.count == 1)
        let w = try #require(c1["waiver"] as? [String: Any])
        #expect(w["id"] as? String == "w.yaml:2")
        #expect(w["approver"] as? String == "Jane")
        #expect(w["justification"] as? String == "withdrawn")
        #expect(w["expires"] as? String == "2025-05-01")
        #expect(byCase["c2"]?["waiver"] is NSNull)
        #expect(byCase["c3"]?["waiver"] is NSNull)
        #expect(JSONReport.lines(r).contains(#""waiver":{"id":"w.yaml:2","approver":"Jane","justification":"withdrawn","expires":"2025-05-01"}"#))
        let open = JSONReport.finding(try #require(r.findings.first { $0.caseID == "c1" }).with(waiver: Self.ruleWaiver)).text
        #expect(open.contains(#""expires":null"#))
    }

    @Test("explain names the waiver of a waived finding")
    func explain() throws {
        let r = try audit(asOf: "2025-05-01T00:00:00Z", waivers: [Self.caseWaiver], explain: ["c1", "c2"])
        #expect(
            ExplainReport.render(r, caseID: "c1").contains(
                "  triggered → OVERDUE\n  WAIVED by Jane (this case), until 2025-05-01 (UTC), w.yaml:2: withdrawn\n"))
        #expect(!ExplainReport.render(r, caseID: "c2").contains("WAIVED"))
    }
}

extension Finding {
    fileprivate func with(waiver: Waiver) -> Finding {
        var f = self
        f.waiver = waiver
        return f
    }
}
