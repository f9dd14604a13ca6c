import Foundation
import ObligeCore
import ObligeTestSupport
import Testing

/// The JSON Lines reader builds each event straight from the line's bytes; these are the edges
/// where that could part from reading the fields one by one.
@Suite("JSON Lines reading")
struct JSONLinesTests {
    typealias T = TestSupport

    /// The line's opening, up to the attributes: `{"id": "eN", "case": "c1", …, "at": "…Z", `.
    static func head(_ id: String) -> String {
        #"{"id": "\#(id)", "case": "c1", "type": "content.removed", "at": "2025-03-29T10:00:00Z", "#
    }

    /// Reads `bytes` as a log, checked as an audit checks events.
    func read(_ bytes: [UInt8]) throws -> (path: String, events: [Event], rejects: [Reject]) {
        let path = T.file("log.jsonl", "")
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        let rules = try RuleLoader.load(root: T.library(["tco/r.yaml": Fixture.tco]))
        var events: [Event] = []
        var rejects: [Reject] = []
        try Auditor.readEvents(rules: rules, profile: T.profile(), logs: [LogInput(path: path, format: .jsonl)], onReject: { rejects.append($0) }) {
            events.append($0)
        }
        return (path, events, rejects)
    }

    @Test("reserved keys match whole and decoded; escapes, numbers, lists, a BOM and CRLF are read as written")
    func events() throws {
        let lines = [
            "\u{FEFF}"
                + #"{"id": "e1", "case": "c1", "type": "content.removed", "at": "2025-03-29T10:00:00\u002B01:00", "ids": "x", "at_local": "10:00", "typed": 3, "cases": ["a", "", "b"], "i": true, "a": false}"#,
            #"{"\u0069d": 17, "cas\u0065": -2.5e3, "type": "content.removed", "at": "2025-03-29T09:00:00.5Z", "note": "caf\u00e9 \ud83d\ude00 \"q\" \\ \/ \t", "k\u00e9y": "v", "gone": null, "empty": ""}"#,
            #"{"id": "e3", "case": "c1", "type": "content.removed", "at": "2025-03-29T10:00:00-02:30"}"#,
            Self.head("e4") + #""labels": [], "n": 0}"#,
        ]
        let (path, events, rejects) = try read(Array(lines.joined(separator: "\r\n").utf8))
        #expect(rejects.map(\.reason) == [])
        let nine = Instant(seconds: 1_743_238_800)  // 2025-03-29T09:00:00Z
        #expect(
            events == [
                Event(
                    id: "e1", caseID: "c1", type: "content.removed", at: nine, offsetSeconds: 3600,
                    attributes: [
                        "ids": .string("x"), "at_local": .string("10:00"), "typed": .string("3"), "cases": .list(["a", "", "b"]),
                        "i": .string("true"), "a": .string("false"),
                    ], origin: SourceLocation(file: path, line: 1)),
                Event(
                    id: "17", caseID: "-2.5e3", type: "content.removed", at: nine.adding(nanoseconds: 500_000_000), offsetSeconds: 0,
                    attributes: ["note": .string("caf\u{E9} \u{1F600} \"q\" \\ / \t"), "k\u{E9}y": .string("v")], origin: SourceLocation(file: path, line: 2)),
                Event(
                    id: "e3", caseID: "c1", type: "content.removed", at: nine.adding(seconds: 3600 + 2 * 3600 + 1800), offsetSeconds: -9000,
                    origin: SourceLocation(file: path, line: 3)),
                Event(
                    id: "e4", caseID: "c1", type: "content.removed", at: nine.adding(seconds: 3600), offsetSeconds: 0,
                    attributes: ["labels": .list([]), "n": .string("0")], origin: SourceLocation(file: path, line: 4)),
            ])
    }

    @Test("a line's first problem is its reject: bad JSON anywhere, then the first bad field, then a missing key, then the time")
    func rejects() throws {
        var bytes: [UInt8] = []
        for line in [
            Self.head("e1") + #""id": "e2"}"#,
            Self.head("e3") + #""\u0069d": "e4"}"#,  // the same key, spelt with an escape
            Self.head("e5") + #""x": null, "x": "1"}"#,
            Self.head("e6") + #""x": "", "x": null}"#,
            Self.head("e7") + #""caf\u00e9": "1", "cafe\u0301": "2"}"#,  // é and e + combining acute are one text
            #"{"id": "", "case": "c1", "type": "content.removed", "at": "2025-03-29T10:00:00Z", "x": tru}"#,
            #"{"id": "e9", "case": "c1", "at": "3000-01-01T00:00:00Z"}"#,
            #"{"id": "e10", "case": "c1", "type": "content.removed", "at": "3000-01-01T00:00:00Z"}"#,
            Self.head("e11") + #""l": ["NL", 1], "m": {"n": 1}}"#,
            Self.head("e12") + #""m": {"n": "}"}, "l": ["NL", 1]}"#,
        ] {
            bytes += Array(line.utf8) + [10]
        }
        // Invalid UTF-8: a lone lead byte in a plain string, and a stray byte after an escape.
        bytes += Array((Self.head("e13") + #""n": ""#).utf8) + [0xC3, 0x28] + Array("\"}\n".utf8)
        bytes += Array((Self.head("e14") + #""n": "\u00e9"#).utf8) + [0xFF] + Array("\"}\n".utf8)
        let (_, events, rejects) = try read(bytes)
        #expect(events.isEmpty)
        #expect(rejects.map(\.line) == Array(1...12))
        #expect(
            rejects.map(\.reason) == [
                "the key 'id' appears twice",
                "the key 'id' appears twice",
                "the key 'x' appears twice",
                "the key 'x' appears twice",
                "the key 'cafe\u{301}' appears twice",
                // The `t` of `tru` is column 88, and bad JSON outranks the empty id before it.
                "bad JSON at column 88: expected true",
                "missing 'type'",
                "unparseable 'at' (year 3000 is out of range)",
                "attribute 'l': a list may hold only strings",
                "attribute 'm' is an object; attributes are strings, numbers, booleans or lists of strings",
                // 85 bytes of head and `"n": "` make 91: the first byte inside the string is column 92.
                "bad JSON at column 92: invalid UTF-8 in a string",
                // With an escape the text is checked once decoded, past its closing quote (column 99).
                "bad JSON at column 100: invalid UTF-8 in a string",
            ])
        #expect(rejects.allSatisfy { !$0.fix.isEmpty && !$0.record.isEmpty })
    }
}
