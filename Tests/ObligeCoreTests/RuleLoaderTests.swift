import ObligeCore
import ObligeTestSupport
import Testing

@Suite("Rule files are checked strictly")
struct RuleLoaderTests {
    typealias T = TestSupport

    func errors(_ text: String, file: String = "tco/r.yaml") throws -> [ObligeError] {
        let lib = try T.library([file: text])
        do {
            _ = try RuleLoader.load(root: lib)
            return []
        } catch {
            return error.errors
        }
    }

    @Test func aValidRuleLoads() throws {
        let lib = try T.library(["tco/r.yaml": Fixture.tco])
        let set = try RuleLoader.load(root: lib)
        #expect(set.ids == ["tco.test.removal"])
        #expect(set.byTrigger["order.received"]?.count == 1)
        #expect(set.relevantTypes.isSuperset(of: ["order.received", "content.removed", "order.clarified"]))
    }

    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var replace: (String, String)
        var line: Int
        var column: Int
        var message: String
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(name: "unknown key", replace: ("severity: critical", "severity: critical\nseverty: high"), line: 14, column: 1, message: "unknown key 'severty'"),
        Case(name: "bad elapsed duration", replace: ("{elapsed: PT1H}", "{elapsed: P1D}"), line: 12, column: 21, message: "counts calendar days"),
        Case(name: "unknown time zone", replace: ("zone: Europe/Brussels", "zone: Europe/Bruxelles"), line: 6, column: 7, message: "unknown time zone 'Europe/Bruxelles'"),
        Case(name: "unknown calendar", replace: ("{elapsed: PT1H}", "{calendar: P7D, roll_over: XX}"), line: 12, column: 38, message: "unknown holiday calendar 'XX'"),
        Case(name: "unknown event type", replace: ("[content.removed, content.disabled]", "[content.removd]"), line: 11, column: 16, message: "unknown event type 'content.removd'"),
        Case(name: "unknown attribute", replace: ("order_kind: removal", "order_knd: removal"), line: 10, column: 42, message: "order.received has no attribute 'order_knd'"),
        Case(name: "value outside the enumeration", replace: ("order_kind: removal", "order_kind: remove"), line: 10, column: 54, message: "'remove' is not one of removal, act, information"),
        Case(name: "bad date", replace: ("{from: 2022-06-07}", "{from: 2022-02-30}"), line: 7, column: 19, message: "'2022-02-30' is not a valid date"),
        Case(name: "regime not the pack", replace: ("regime: tco", "regime: dsa"), line: 3, column: 9, message: "does not match the pack folder"),
        Case(name: "check without verification", replace: ("confidence: confirmed", "confidence: check"), line: 4, column: 11, message: "must say what is unverified"),
        Case(name: "two deadline kinds", replace: ("{elapsed: PT1H}", "{elapsed: PT1H, target: x}"), line: 12, column: 11, message: "exactly one of elapsed, calendar, attribute, target"),
        Case(name: "YAML syntax", replace: ("title: Test rule", "title: [Test rule"), line: 3, column: 7, message: "YAML syntax"),
    ]

    @Test("each broken rule names file, line and column", arguments: cases)
    func broken(_ c: Case) throws {
        let text = Fixture.tco.replacingOccurrences(of: c.replace.0, with: c.replace.1)
        #expect(text != Fixture.tco)
        let errs = try errors(text)
        let match = errs.first { $0.message.contains(c.message) }
        #expect(match != nil, "got: \(errs.map(\.description))")
        #expect(match?.location?.file.hasSuffix("tco/r.yaml") == true)
        #expect(match?.location?.line == c.line, "\(match?.description ?? "")")
        #expect(match?.location?.column == c.column, "\(match?.description ?? "")")
        #expect(match?.description.contains("^") == true)
    }

    @Test("every problem in a file is reported in one pass")
    func allAtOnce() throws {
        let text = Fixture.tco.replacingOccurrences(of: "zone: Europe/Brussels", with: "zone: Nowhere/Land")
            .replacingOccurrences(of: "severity: critical", with: "severity: dire")
        #expect(try errors(text).count == 2)
    }

    @Test("versions of one id may chain but not overlap")
    func versions() throws {
        let a = Fixture.rule(effective: "{from: 2022-06-07, until: 2024-05-07}")
        let b = Fixture.rule(effective: "{from: 2024-05-07}")
        let lib = try T.library(["tco/r.yaml": a + "\n---\n" + b])
        let set = try RuleLoader.load(root: lib)
        #expect(set.rules.count == 2)
        #expect(set.inForce(on: T.date("2024-05-06")).first?.effective.until == T.date("2024-05-07"))
        #expect(set.inForce(on: T.date("2024-05-07")).first?.effective.from == T.date("2024-05-07"))
        let overlap = Fixture.rule(effective: "{from: 2024-01-01}")
        let errs = try errors(a + "\n---\n" + overlap)
        #expect(errs.count == 1)
        #expect(errs.first?.message.contains("duplicate rule id 'tco.test.removal'") == true)
        #expect(errs.first?.location?.line == 16)
    }

    @Test("the shipped rule library loads")
    func shipped() throws {
        let set = try RuleLoader.load(root: T.rulesRoot)
        #expect(set.vocabulary.types.count >= 24)
        #expect(set.calendars.count >= 30)
    }
}
