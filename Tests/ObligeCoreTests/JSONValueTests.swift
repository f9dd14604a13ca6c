import Foundation
import ObligeCore
import ObligeTestSupport
import Testing

/// The JSON writer's strings, which every JSON report, JSON Lines finding and export goes through.
@Suite("JSON strings")
struct JSONValueTests {
    /// The escaping the writer promises, one byte at a time.
    static func reference(_ s: String) -> String {
        var out = "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case let c where c.value < 0x20: out += String(format: "\\u%04x", c.value)
            default: out.unicodeScalars.append(u)
            }
        }
        return out + "\""
    }

    @Test("quotes, backslashes and control characters are escaped at every place in a text, all other UTF-8 is copied, and the text reads back")
    func escapes() throws {
        let specials: [String] = ["\"", "\\", "\n", "\r", "\t", "\u{0}", "\u{1f}", "\u{7f}", " ", "!", "#", "[", "]", "é", "€", "𝄞", "\u{2028}"]
        var texts: [String] = ["", "plain text of some length without anything to escape at all"]
        for special in specials {
            for length in [0, 1, 7, 8, 9, 15, 16, 17, 31] {
                for at in 0...length {
                    let filler = Array(repeating: "a", count: length)
                    var pieces = filler
                    pieces.insert(special, at: at)
                    texts.append(pieces.joined())
                    texts.append(pieces.joined() + special + "é" + special)
                }
            }
        }
        for text in texts {
            let written = JSONValue.string(text).text
            #expect(written == Self.reference(text), "\(Array(text.utf8))")
            let read = try JSONSerialization.jsonObject(with: Data(("[" + written + "]").utf8)) as? [String]
            #expect(read == [text])
        }
    }

    @Test("numbers are written as Swift writes them, at both ends of their range")
    func numbers() {
        var values: [Int64] = [0, 1, -1, 9, 10, -10, 99, 100, 999_999_999, 1_000_000_000, Int64.max, Int64.min, Int64.min + 1]
        var x: Int64 = 7
        for _ in 0..<200 {
            x = x &* 6364136223846793005 &+ 1442695040888963407
            values.append(x >> Int64(x & 63))
        }
        for v in values { #expect(JSONValue.int(v).text == String(v)) }
    }

    @Test("a line with its rule's fields rendered once is the line rendered whole, for every finding of the demo")
    func ruleFieldsRenderedOnce() throws {
        let rules = try RuleLoader.load(root: TestSupport.rulesRoot)
        let (result, _) = try TestSupport.audit(
            library: TestSupport.rulesRoot, profile: PlatformProfile.load(path: TestSupport.demoDir.appendingPathComponent("platform.yaml").path),
            lines: try String(contentsOf: TestSupport.demoDir.appendingPathComponent("incidents.jsonl"), encoding: .utf8)
                .split(separator: "\n").map(String.init),
            asOf: "2025-11-01T00:00:00Z")
        // The findings' own rule set: a renderer knows rules by object, and renders those of
        // another set whole, which would compare `line` with itself.
        let renderer = JSONReport.LineRenderer(rules: result.rules)
        #expect(result.findings.count > 400)
        #expect(Set(result.findings.map(\.status)).isSuperset(of: [.met, .late, .overdue, .pending, .violated]))
        for f in result.findings {
            #expect(renderer.line(f) == JSONReport.line(f), "\(f.rule.id) \(f.caseID)")
        }
        // What the demo lacks: waivers (with an expiry day and without), texts to escape.
        let waivers = [
            Waiver(id: "w.yaml:2", rule: "any", caseID: "c\u{1}", justification: "a \"quoted\"\nreason \\ é", approver: "Jane", expires: CivilDate(year: 2025, month: 5, day: 1)),
            Waiver(id: "w.yaml:7", rule: "any", caseID: nil, justification: "", approver: "Legal\t", expires: nil),
        ]
        for (n, var f) in result.findings.prefix(60).enumerated() {
            f.waiver = waivers[n % 2]
            f.caseID = "case \"\(n)\"\r\n\u{7f}\u{1f}ü"
            #expect(renderer.line(f) == JSONReport.line(f), "\(f.rule.id) \(n)")
        }
        #expect(String(decoding: renderer.line(result.findings[0]), as: UTF8.self).contains(#""waiver":null"#))
        // A rule of another library (another object) is rendered whole.
        #expect(JSONReport.LineRenderer(rules: RuleSet(rules: [], vocabulary: rules.vocabulary, calendars: [:], root: "")).line(result.findings[0]) == JSONReport.line(result.findings[0]))
    }
}
