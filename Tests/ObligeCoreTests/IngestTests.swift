import Foundation
import ObligeCore
import ObligeTestSupport
import Testing

@Suite("Incident log ingestion")
struct IngestTests {
    typealias T = TestSupport

    static let jsonl = """
        {"id": "o1", "case": "c1", "type": "order.received", "at": "2025-03-29T10:00:00+01:00", "order_kind": "removal", "authority": "Autorité, \\"Paris\\"", "labels": ["a", "b"], "weight": 2.50}
        {"id": "r1", "case": "c1", "type": "content.removed", "at": "2025-03-29T09:40:00Z"}
        {"id": "n1", "case": "c2", "type": "notice.received", "at": "2025-03-29T10:00:00.250-05:00", "contact": true, "source": "user", "note": null}

        {"id": "n1", "case": "c2", "type": "notice.received", "at": "2025-03-29T15:00:00.25Z", "contact": true, "source": "user"}
        """

    static let csv = #"""
        id,case,type,at,order_kind,authority,labels[],weight,contact,source,note
        o1,c1,order.received,2025-03-29T10:00:00+01:00,removal,"Autorité, ""Paris""",a|b,2.50,,,
        r1,c1,content.removed,2025-03-29T09:40:00Z,,,,,,,
        n1,c2,notice.received,2025-03-29T10:00:00.250-05:00,,,,,true,user,

        n1,c2,notice.received,2025-03-29T15:00:00.25Z,,,,,true,user,
        """#

    static let xml = """
        <?xml version="1.0" encoding="UTF-8"?>
        <incident-log>
          <event id="o1" case="c1" type="order.received" at="2025-03-29T10:00:00+01:00">
            <attribute name="order_kind">removal</attribute>
            <attribute name="authority">Autorité, "Paris"</attribute>
            <attribute name="labels"><item>a</item><item>b</item></attribute>
            <attribute name="weight">2.50</attribute>
          </event>
          <event id="r1" case="c1" type="content.removed" at="2025-03-29T09:40:00Z"/>
          <event id="n1" case="c2" type="notice.received" at="2025-03-29T10:00:00.250-05:00">
            <attribute name="contact">true</attribute>
            <attribute name="source">user</attribute>
          </event>
          <event id="n1" case="c2" type="notice.received" at="2025-03-29T15:00:00.25Z">
            <attribute name="contact">true</attribute>
            <attribute name="source">user</attribute>
          </event>
        </incident-log>
        """

    func audit(_ name: String, _ text: String, format: LogFormat) throws -> (AuditResult, [Reject]) {
        let lib = try T.library(["tco/r.yaml": Fixture.tco])
        let path = T.file(name, text)
        var rejects: [Reject] = []
        let r = try Auditor.run(
            rules: RuleLoader.load(root: lib), profile: T.profile(), logs: [LogInput(path: path, format: format)],
            options: AuditOptions(asOf: T.instant("2025-04-01T00:00:00Z"), explainCases: ["c1", "c2"])
        ) { rejects.append($0) }
        return (r, rejects)
    }

    @Test("JSON Lines, CSV and XML read into identical events and identical audits")
    func formatsAreEquivalent() throws {
        let (j, jr) = try audit("log.jsonl", Self.jsonl, format: .jsonl)
        let (c, cr) = try audit("log.csv", Self.csv, format: .csv)
        let (x, xr) = try audit("log.xml", Self.xml, format: .xml)
        #expect(jr.isEmpty && cr.isEmpty && xr.isEmpty, "\(jr.map(\.reason) + cr.map(\.reason) + xr.map(\.reason))")
        for r in [j, c, x] {
            #expect(r.stats == IngestStats(records: 4, events: 3, duplicates: 1, rejected: 0, afterAsOf: 0, cases: 2))
        }
        func strip(_ r: AuditResult) -> String {
            JSONReport.document(r).replacingOccurrences(of: #"(?m)^.*"(path|format|file)".*$"#, with: "", options: .regularExpression)
        }
        #expect(strip(j) == strip(c))
        #expect(strip(j) == strip(x))
        let order = try #require(j.explained["c1"]?.events.first { $0.id == "o1" })
        #expect(order.attributes["labels"] == .list(["a", "b"]))
        #expect(order.attributes["authority"] == .string("Autorité, \"Paris\""))
        #expect(order.attributes["weight"] == .string("2.50"))
        #expect(order.offsetSeconds == 3600)
        let notice = try #require(x.explained["c2"]?.events.first)
        #expect(notice.attributes["contact"] == .string("true"))
        #expect(notice.at == T.instant("2025-03-29T15:00:00.25Z"))
        // The order came at 09:00Z (10:00+01:00); the removal at 09:40Z is within the hour.
        #expect(j.findings.first?.status == .met)
    }

    @Test("malformed lines are rejected with file, line and reason; the rest is evaluated")
    func rejects() throws {
        let text = """
            {"id": "o1", "case": "c1", "type": "order.received", "at": "2025-03-29T10:00:00+01:00", "order_kind": "removal"}
            {"id": "x1", "case": "c1", "type": "order.received", "at": "2025-03-29T10:00:00+01:00", "order_kind": "removal"
            {"id": "x2", "case": "c1", "at": "2025-03-29T10:00:00+01:00"}
            {"id": "x3", "case": "c1", "type": "content.removed", "at": "29/03/2025 10:00"}
            {"id": "x4", "case": "c1", "type": "content.removed", "at": "2025-03-29T10:00:00"}
            {"id": "x5", "case": "c1", "type": "notice.recieved", "at": "2025-03-29T10:00:00Z"}
            {"id": "x6", "case": "c1", "type": "order.received", "at": "2025-03-29T10:00:00Z", "order_kind": "delete"}
            {"id": "x7", "case": "c1", "type": "order.received", "at": "2025-03-29T10:00:00Z"}
            {"id": "o1", "case": "c1", "type": "content.removed", "at": "2025-03-29T10:00:00Z"}
            {"id": "x8", "case": "c1", "type": "content.removed", "at": "2025-03-29T10:00:00Z", "meta": {"a": 1}}
            [1, 2]
            {"id": "r1", "case": "c1", "type": "content.removed", "at": "2025-03-29T09:30:00Z"}
            """
        let (r, rejects) = try audit("bad.jsonl", text, format: .jsonl)
        #expect(rejects.map(\.line) == [2, 3, 4, 5, 6, 7, 8, 9, 10, 11])
        #expect(rejects.allSatisfy { $0.file.hasSuffix("bad.jsonl") && !$0.fix.isEmpty && !$0.record.isEmpty })
        let reasons = rejects.map(\.reason)
        #expect(reasons[0].hasPrefix("bad JSON at column"))
        #expect(reasons[1] == "missing 'type'")
        #expect(reasons[2].contains("unparseable 'at'"))
        #expect(reasons[3].contains("no Z or UTC offset"))
        #expect(reasons[4] == "unknown event type 'notice.recieved'")
        #expect(rejects[4].fix.hasPrefix("did you mean 'notice.received'?"))
        #expect(reasons[5].contains("'delete' is not one of removal, act, information"))
        #expect(reasons[6] == "order.received needs the attribute 'order_kind'")
        #expect(reasons[7].contains("already used at"))
        #expect(reasons[8].contains("is an object"))
        #expect(reasons[9].contains("expected '{'"))
        #expect(r.stats.records == 12)
        #expect(r.stats.rejected == 10)
        #expect(r.stats.events == 2)
        #expect(r.findings.count == 1)
        #expect(r.findings.first?.status == .met)
    }

    @Test("CSV: quoted line breaks keep the record's first line; wrong field counts and bad headers are reported")
    func csvEdges() throws {
        let text = "id,case,type,at,authority\r\n"
            + "o1,c1,order.received,2025-03-29T10:00:00Z,\"two\nlines\"\r\n"
            + "o2,c1,order.received,2025-03-29T10:00:00Z\r\n"
            + "r1,c1,content.removed,2025-03-29T10:30:00Z,\r\n"
        let (r, rejects) = try audit("edge.csv", text, format: .csv)
        #expect(rejects.map(\.line) == [2, 4])
        #expect(rejects[0].reason.contains("needs the attribute 'order_kind'"))
        #expect(rejects[1].reason == "4 fields where the header has 5")
        #expect(r.stats.events == 1)
        #expect(throws: ObligeError.self) { try audit("bad.csv", "id,case,at\no,c,2025-01-01T00:00:00Z\n", format: .csv) }
    }

    @Test("XML: record-level problems are rejects; a broken document is an error with its line")
    func xmlEdges() throws {
        let text = """
            <incident-log>
              <event id="o1" case="c1" type="order.received" at="2025-03-29T10:00:00Z" order_kind="removal"/>
              <note>hello</note>
              <event id="r1" case="c1" at="2025-03-29T10:30:00Z"/>
            </incident-log>
            """
        let (_, rejects) = try audit("edge.xml", text, format: .xml)
        #expect(rejects.map(\.line) == [2, 3, 4])
        #expect(rejects[0].reason.contains("attributes go in <attribute"))
        #expect(rejects[2].reason == "missing 'type'")
        do {
            _ = try audit("broken.xml", "<incident-log>\n<event id=\"a\" case=\"c\"\n type=\"content.removed\" at=\"2025-03-29T10:30:00Z\">\n</incident-log>\n", format: .xml)
            Issue.record("a broken XML document must fail")
        } catch let e as ObligeError {
            #expect(e.location?.line != nil)
            #expect(e.message.contains("not well-formed"))
        }
    }

    @Test("a stray quote inside an unquoted CSV field costs only its own record")
    func csvStrayQuote() throws {
        let text = "id,case,type,at,note\n"
            + "r1,c1,content.removed,2025-03-29T10:30:00Z,5\" screen\n"
            + "o1,c1,order.received,2025-03-29T10:00:00Z,\n"
            + "r2,c1,content.removed,2025-03-29T10:40:00Z,\"multi\nline\"\n"
        let (r, rejects) = try audit("stray.csv", text, format: .csv)
        #expect(rejects.map(\.line) == [2, 3])
        #expect(rejects[0].reason.contains("a quote inside unquoted field"))
        #expect(rejects[1].reason.contains("needs the attribute 'order_kind'"))
        #expect(r.stats.records == 3)  // the header is not a record
        #expect(r.stats.events == 1)  // the quoted line break kept r2 whole
    }

    @Test("empty values are absent in every format; XML CDATA is read")
    func emptyAndCDATA() throws {
        let j = try audit("e.jsonl", #"{"id": "o1", "case": "c1", "type": "order.received", "at": "2025-03-29T10:00:00Z", "order_kind": "removal", "authority": ""}"#, format: .jsonl)
        let x = try audit("e.xml", #"<incident-log><event id="o1" case="c1" type="order.received" at="2025-03-29T10:00:00Z"><attribute name="order_kind"><![CDATA[removal]]></attribute><attribute name="authority"></attribute></event></incident-log>"#, format: .xml)
        #expect(j.1.isEmpty && x.1.isEmpty)
        let je = try #require(j.0.explained["c1"]?.events.first), xe = try #require(x.0.explained["c1"]?.events.first)
        #expect(je.attributes == ["order_kind": .string("removal")])
        #expect(xe.attributes == je.attributes)
    }

    @Test("empty files and broken XML are errors naming the place")
    func emptyAndBroken() throws {
        #expect(throws: ObligeError.self) { try audit("empty.csv", "", format: .csv) }
        #expect(throws: ObligeError.self) { try audit("empty.xml", "", format: .xml) }
        do {
            _ = try audit("b.xml", "<incident-log>\n<event id=\"a\" case=\"c\" type=\"content.removed\" at=\"2025-03-29T10:30:00Z\">\n</incident-log>\n<!-- end -->\n\n\n", format: .xml)
            Issue.record("must fail")
        } catch let e as ObligeError {
            #expect(e.location?.line == 3)
        }
    }

    @Test("the format comes from the extension or the flag; an unknown one says how to fix it")
    func formatDetection() throws {
        #expect(LogFormat.detect(path: "a/b.NDJSON") == .jsonl)
        #expect(try LogInput.resolve(path: "x.txt", format: .csv).format == .csv)
        #expect(throws: ObligeError.self) { try LogInput.resolve(path: "x.txt", format: nil) }
    }
}
