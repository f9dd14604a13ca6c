import Foundation
import ObligeCore
import ObligeTestSupport
import Testing
import ZIPFoundation

@Suite("Transparency Database import (log format tdb)")
struct TDBImportTests {
    typealias T = TestSupport

    static let tdbDir = T.repoRoot.appendingPathComponent("Fixtures/tdb")
    static let parts = [
        "sor-global-2024-03-14-full-00000-00000.csv",
        "sor-global-2024-03-14-full-00000-00001.csv",
        "sor-global-2024-03-14-full-00001-00001.csv",
    ]
    static var partPaths: [String] { parts.map { tdbDir.appendingPathComponent($0).path } }

    /// Audits logs read as `tdb` with the shipped library and the demo profile.
    static func audit(_ paths: [String]) throws -> (AuditResult, [Reject]) {
        let rules = try RuleLoader.load(root: T.rulesRoot)
        let profile = try PlatformProfile.load(path: T.demoDir.appendingPathComponent("platform.yaml").path)
        var rejects: [Reject] = []
        let result = try Auditor.run(
            rules: rules, profile: profile, logs: paths.map { LogInput(path: $0, format: .tdb) },
            options: AuditOptions(asOf: T.instant("2024-03-15T00:00:00Z"))
        ) { rejects.append($0) }
        return (result, rejects)
    }

    /// Every event of `paths`, in reading order.
    static func events(_ paths: [String]) throws -> (events: [Event], rejects: [Reject], summary: TDBImportSummary) {
        var events: [Event] = []
        var rejects: [Reject] = []
        var summary = TDBImportSummary()
        for path in paths {
            let s = try TDBDump.read(path) { item in
                switch item {
                case .row(_, let mapped): events += mapped.events
                case .reject(let r): rejects.append(r)
                }
            }
            summary = summary.appending(s)
        }
        return (events, rejects, summary)
    }

    // Expected figures, counted by hand from the fixtures (see Fixtures/tdb/SOURCE.md): 3 parts of
    // 50 rows; every row has content_date, application_date and created_at (3 events); 3 rows
    // have an end_date_visibility_restriction (00000-00000 line 20, 00000-00001 lines 24 and 51),
    // so 150 × 3 + 3 = 453 events read. The uuid 03b1b1c9-… is on lines 2 and 3 of 00000-00000,
    // identical, without an end date: its 3 events come again, 450 distinct. Its puid is the only
    // one used twice: 149 cases. Two rows (00000-00000 lines 48 and 50, AliExpress, not duplicated)
    // leave decision_facts empty: one sor.inconsistent event each, 455 read, 452 distinct.
    @Test("the real dump rows import: 150 rows, 455 events, the duplicated row counted once, no rejects")
    func realRows() throws {
        let (result, rejects) = try Self.audit(Self.partPaths)
        #expect(rejects.isEmpty)
        #expect(result.stats.records == 455)
        #expect(result.stats.events == 452)
        #expect(result.stats.duplicates == 3)
        #expect(result.stats.rejected == 0)
        #expect(result.stats.cases == 149)
        let tdb = try #require(result.tdb)
        #expect(tdb.rows == 150)
        #expect(tdb.rejected == 0)
        #expect(tdb.parts.map(\.rows) == [50, 50, 50])
        #expect(tdb.parts.map(\.schema) == [.fullWithoutEAN, .fullWithoutEAN, .fullWithoutEAN])
        #expect(tdb.parts.map(\.name) == Self.partPaths)
    }

    // By hand (category column): SCOPE_OF_PLATFORM_SERVICE 109 rows, PORNOGRAPHY_OR_SEXUALIZED_CONTENT
    // 11; no NON_CONSENSUAL_BEHAVIOUR or UNSAFE_AND_ILLEGAL_PRODUCTS; category_addition is empty
    // throughout. The duplicated row is PROTECTION_OF_MINORS, so no legacy value is counted twice.
    @Test("legacy v1 categories are mapped to v2 where the Commission's table says, kept otherwise, and counted")
    func legacyCategories() throws {
        let (events, _, summary) = try Self.events(Self.partPaths)
        #expect(summary.legacyCategories == [
            "STATEMENT_CATEGORY_SCOPE_OF_PLATFORM_SERVICE": 109,
            "STATEMENT_CATEGORY_PORNOGRAPHY_OR_SEXUALIZED_CONTENT": 11,
        ])
        let submitted = events.filter { $0.type == "sor.submitted" }
        #expect(submitted.count == 150)
        #expect(submitted.filter { $0[attribute: "category"] == "STATEMENT_CATEGORY_OTHER_VIOLATION_TC" }.count == 109)
        // No v2 value exists for it: kept as written, and marked as legacy.
        #expect(submitted.filter { $0[attribute: "category"] == "STATEMENT_CATEGORY_PORNOGRAPHY_OR_SEXUALIZED_CONTENT" }.count == 11)
        #expect(submitted.filter { $0[attribute: "category_legacy"] != nil }.count == 120)
        #expect(!submitted.contains { $0[attribute: "category"] == "STATEMENT_CATEGORY_SCOPE_OF_PLATFORM_SERVICE" })
    }

    @Test("one real row becomes its dated events, in the row's case, with the statement's attributes")
    func realRowEvents() throws {
        let path = Self.partPaths[0]
        let (events, _, _) = try Self.events([path])
        let row = events.filter { $0.id.hasPrefix("19b84e53-45ca-41d3-ba74-e56c2cb808ef/") }
        #expect(row.map(\.id) == [
            "19b84e53-45ca-41d3-ba74-e56c2cb808ef/content", "19b84e53-45ca-41d3-ba74-e56c2cb808ef/applied",
            "19b84e53-45ca-41d3-ba74-e56c2cb808ef/submitted", "19b84e53-45ca-41d3-ba74-e56c2cb808ef/end-visibility",
        ])
        #expect(row.map(\.type) == ["sor.content_dated", "sor.decision_applied", "sor.submitted", "sor.restriction_ends"])
        #expect(row.map(\.at) == [
            T.instant("2024-03-12T00:00:00Z"), T.instant("2024-03-12T00:00:00Z"), T.instant("2024-03-14T00:00:27Z"),
            T.instant("2024-03-12T00:00:00Z"),
        ])
        #expect(Set(row.map(\.caseID)) == ["7345630603221408545"])
        #expect(row.allSatisfy { $0.origin == SourceLocation(file: path, line: 20) })
        let applied = try #require(row.first { $0.type == "sor.decision_applied" })
        #expect(applied[attribute: "platform_name"] == "TikTok")
        #expect(applied[attribute: "source_type"] == "SOURCE_VOLUNTARY")
        #expect(applied[attribute: "category"] == "STATEMENT_CATEGORY_OTHER_VIOLATION_TC")
        #expect(applied[attribute: "category_legacy"] == "STATEMENT_CATEGORY_SCOPE_OF_PLATFORM_SERVICE")
        #expect(applied[attribute: "automated_detection"] == "true")
        #expect(applied[attribute: "automated_decision"] == "AUTOMATED_DECISION_FULLY")
        #expect(applied[attribute: "decision_ground"] == "DECISION_GROUND_INCOMPATIBLE_CONTENT")
        #expect(applied.attributes["decision_visibility"] == .list(["DECISION_VISIBILITY_OTHER"]))
        #expect(applied.attributes["content_type"] == .list(["CONTENT_TYPE_VIDEO"]))
        // 27 member states + IS, LI, NO.
        #expect(applied.attributes["territorial_scope"]?.values.count == 30)
        #expect(applied.attributes["territorial_scope"]?.values.first == "AT")
        // Free text stays in the row, not in the events.
        #expect(applied.attributes["decision_facts"] == nil)
        #expect(row.last?[attribute: "restriction"] == "visibility")
    }

    // A current (38-column) row, written by hand from the Commission's export headings: every
    // restriction with an end date, a legacy category in category_addition, JSON escapes in a list.
    static let header38 = "uuid,decision_visibility,decision_visibility_other,end_date_visibility_restriction,decision_monetary,decision_monetary_other,end_date_monetary_restriction,decision_provision,end_date_service_restriction,decision_account,end_date_account_restriction,account_type,decision_ground,decision_ground_reference_url,illegal_content_legal_ground,illegal_content_explanation,incompatible_content_ground,incompatible_content_explanation,incompatible_content_illegal,category,category_addition,category_specification,category_specification_other,content_type,content_type_other,content_language,content_date,content_id_ean,territorial_scope,application_date,decision_facts,source_type,source_identity,automated_detection,automated_decision,platform_name,platform_uid,created_at"
    static let row38 = #"00000000-0000-4000-8000-000000000038,"[""DECISION_VISIBILITY_CONTENT_REMOVED"",""DECISION_VISIBILITY_CONTENT_LABELLED""]",,"2025-08-01 00:00:00",DECISION_MONETARY_SUSPENSION,,2025-08-02,DECISION_PROVISION_PARTIAL_SUSPENSION,"2025-08-03 12:30:00",DECISION_ACCOUNT_SUSPENDED,"2025-08-04 00:00:00",ACCOUNT_TYPE_BUSINESS,DECISION_GROUND_ILLEGAL_CONTENT,,"Art. 3, ""Product Safety"" Act","Unsafe toy, sold as ""safe""",,,,STATEMENT_CATEGORY_UNSAFE_AND_PROHIBITED_PRODUCTS,"[""STATEMENT_CATEGORY_UNSAFE_AND_ILLEGAL_PRODUCTS"",""STATEMENT_CATEGORY_SCAMS_AND_FRAUD""]","[""KEYWORD_UNSAFE_PRODUCTS""]",,"[""CONTENT_TYPE_PRODUCT"",""CONTENT_TYPE_OTHER""]","Listing \u00e9",DE,"2025-06-30 00:00:00",4006381333931,"[""DE"",""AT""]","2025-07-01 00:00:00","A listing for a toy"# + "\n" + #"that failed the safety test.",SOURCE_TRUSTED_FLAGGER,"Flagger, e.V.",No,AUTOMATED_DECISION_PARTIALLY,Example Market,puid-38_A,"2025-07-01 09:15:02""#

    static let headerLight = "uuid,decision_visibility,decision_visibility_other,end_date_visibility_restriction,decision_monetary,decision_monetary_other,end_date_monetary_restriction,decision_provision,end_date_service_restriction,decision_account,end_date_account_restriction,account_type,decision_ground,decision_ground_reference_url,illegal_content_legal_ground,incompatible_content_ground,incompatible_content_illegal,category,category_addition,category_specification,category_specification_other,content_type,content_type_other,content_language,content_date,content_id_ean,application_date,source_type,source_identity,automated_detection,automated_decision,platform_name,platform_uid,created_at"
    static let rowLight = #"00000000-0000-4000-8000-000000000034,"[""DECISION_VISIBILITY_CONTENT_DEMOTED""]",,,,,,,,,,,DECISION_GROUND_INCOMPATIBLE_CONTENT,,,Spam policy,,STATEMENT_CATEGORY_NON_CONSENSUAL_BEHAVIOUR,[],,,"[""CONTENT_TYPE_TEXT""]",,,,,2025-02-27,SOURCE_VOLUNTARY,,Yes,AUTOMATED_DECISION_FULLY,Example Forum,light-1,"2025-02-28 23:59:59""#

    /// The rows one dump part gives, with their events.
    static func rows(_ path: String) throws -> (rows: [TDBRow], events: [Event], summary: TDBImportSummary) {
        var rows: [TDBRow] = []
        var events: [Event] = []
        let summary = try TDBDump.read(path) { item in
            if case .row(let row, let mapped) = item {
                rows.append(row)
                events += mapped.events
            }
        }
        return (rows, events, summary)
    }

    @Test("a hand-made 38-column row: every end date, mapped category_addition, quoted line break")
    func currentFullRow() throws {
        #expect(Self.header38.split(separator: ",").count == 38)
        let path = T.file("sor-global-2025-07-01-full-00000-00000.csv", Self.header38 + "\n" + Self.row38 + "\n")
        let (rows, events, summary) = try Self.rows(path)
        #expect(summary.parts.map(\.schema) == [.full])
        #expect(summary.rows == 1)
        #expect(summary.legacyCategories == ["STATEMENT_CATEGORY_UNSAFE_AND_ILLEGAL_PRODUCTS": 1])
        let id = "00000000-0000-4000-8000-000000000038"
        // Created on 2025-07-01, under schema v2: the legacy category_addition value is outside the
        // enumeration (mapped for the events all the same), the row's one consistency problem.
        #expect(events.map(\.id) == ["content", "applied", "submitted", "end-visibility", "end-monetary", "end-service", "end-account", "inconsistent/outside_enumeration/category_addition"].map { "\(id)/\($0)" })
        #expect(events.map(\.at) == [
            T.instant("2025-06-30T00:00:00Z"), T.instant("2025-07-01T00:00:00Z"), T.instant("2025-07-01T09:15:02Z"),
            T.instant("2025-08-01T00:00:00Z"), T.instant("2025-08-02T00:00:00Z"), T.instant("2025-08-03T12:30:00Z"),
            T.instant("2025-08-04T00:00:00Z"), T.instant("2025-07-01T09:15:02Z"),
        ])
        #expect(events[3..<7].map { $0[attribute: "restriction"] } == ["visibility", "monetary", "service", "account"])
        #expect(events[7].attributes["value"] == .list(["STATEMENT_CATEGORY_UNSAFE_AND_ILLEGAL_PRODUCTS"]))
        #expect(summary.problems == [TDBRowProblem.Tally(kind: .outsideEnumeration, field: "category_addition"): 1])
        #expect(Set(events.map(\.caseID)) == ["puid-38_A"])
        let e = events[1]
        #expect(e.attributes["category_addition"] == .list(["STATEMENT_CATEGORY_UNSAFE_AND_PROHIBITED_PRODUCTS", "STATEMENT_CATEGORY_SCAMS_AND_FRAUD"]))
        #expect(e[attribute: "category"] == "STATEMENT_CATEGORY_UNSAFE_AND_PROHIBITED_PRODUCTS")
        #expect(e[attribute: "category_legacy"] == nil)
        #expect(e[attribute: "automated_detection"] == "false")
        #expect(e[attribute: "decision_monetary"] == "DECISION_MONETARY_SUSPENSION")
        #expect(e[attribute: "decision_provision"] == "DECISION_PROVISION_PARTIAL_SUSPENSION")
        #expect(e[attribute: "decision_account"] == "DECISION_ACCOUNT_SUSPENDED")
        #expect(e[attribute: "account_type"] == "ACCOUNT_TYPE_BUSINESS")
        #expect(e.attributes["territorial_scope"] == .list(["DE", "AT"]))
        #expect(e.attributes["content_type"] == .list(["CONTENT_TYPE_PRODUCT", "CONTENT_TYPE_OTHER"]))
        // The raw row keeps what the events leave out, by column.
        let row = try #require(rows.first)
        #expect(row.location == SourceLocation(file: path, line: 2))
        #expect(row["content_id_ean"] == "4006381333931")
        #expect(row["decision_facts"] == "A listing for a toy\nthat failed the safety test.")
        #expect(row["illegal_content_legal_ground"] == #"Art. 3, "Product Safety" Act"#)
        #expect(row["end_date_monetary_restriction"] == "2025-08-02")
        #expect(row["decision_visibility_other"] == nil)
        #expect(row.carries("decision_facts"))
    }

    @Test("a light row (34 columns): no territorial scope, missing dates give no event, [] is no value")
    func lightRow() throws {
        #expect(Self.headerLight.split(separator: ",").count == 34)
        let path = T.file("sor-global-2025-02-28-light-00000-00000.csv", Self.headerLight + "\r\n" + Self.rowLight + "\r\n")
        let (rows, events, summary) = try Self.rows(path)
        #expect(summary.parts.map(\.schema) == [.light])
        // No content_date: applied and submitted, and the missing mandatory field at created_at. The
        // light dump carries no decision_facts or territorial_scope: not reported missing. Created
        // before 2025-07-01: the legacy category is a v1 value, not outside the enumeration.
        #expect(events.map(\.type) == ["sor.decision_applied", "sor.submitted", "sor.inconsistent"])
        #expect(events.map(\.at) == [T.instant("2025-02-27T00:00:00Z"), T.instant("2025-02-28T23:59:59Z"), T.instant("2025-02-28T23:59:59Z")])
        #expect(events[2][attribute: "field"] == "content_date")
        #expect(events[2][attribute: "problem"] == "missing_mandatory")
        #expect(summary.problems == [TDBRowProblem.Tally(kind: .missingMandatory, field: "content_date"): 1])
        #expect(summary.rowsWithProblems == 1)
        // No v2 value in the Commission's table: kept, and counted.
        #expect(events[0][attribute: "category"] == "STATEMENT_CATEGORY_NON_CONSENSUAL_BEHAVIOUR")
        #expect(events[0][attribute: "category_legacy"] == "STATEMENT_CATEGORY_NON_CONSENSUAL_BEHAVIOUR")
        #expect(summary.legacyCategories == ["STATEMENT_CATEGORY_NON_CONSENSUAL_BEHAVIOUR": 1])
        #expect(events[0].attributes["category_addition"] == nil)
        #expect(events[0].attributes["territorial_scope"] == nil)
        let row = try #require(rows.first)
        #expect(row["content_date"] == nil)
        #expect(!row.carries("decision_facts"))
        #expect(!row.carries("territorial_scope"))
        #expect(row.carries("content_date"))
    }

    @Test("header layouts: each of the four is told from its header, and only from it")
    func layouts() {
        #expect(TDBSchema.full.columns.count == 38)
        #expect(TDBSchema.fullWithoutEAN.columns.count == 37)
        #expect(TDBSchema.light.columns.count == 34)
        #expect(TDBSchema.lightWithoutEAN.columns.count == 33)
        #expect(TDBSchema.detect(header: Self.header38.components(separatedBy: ",")) == .full)
        #expect(TDBSchema.detect(header: ("\u{FEFF}" + Self.headerLight).components(separatedBy: ",")) == .light)
        let real = (try? String(contentsOfFile: Self.partPaths[0], encoding: .utf8))?.split(separator: "\n").first.map(String.init) ?? ""
        #expect(TDBSchema.detect(header: real.components(separatedBy: ",")) == .fullWithoutEAN)
        let lightOld = Self.headerLight.components(separatedBy: ",").filter { $0 != "content_id_ean" }
        #expect(TDBSchema.detect(header: lightOld) == .lightWithoutEAN)
        var swapped = Self.header38.components(separatedBy: ",")
        swapped.swapAt(0, 1)
        #expect(TDBSchema.detect(header: swapped) == nil)
    }

    @Test("a zipped daily dump with nested part zips gives the same events as the plain CSV parts")
    func zippedDump() throws {
        let dir = T.temporaryDirectory("oblige-tdb-zip")
        // As the Commission publishes it: the daily zip holds one zip per part group, which holds CSV parts.
        let inner0 = dir.appendingPathComponent("sor-global-2024-03-14-full-00000.csv.zip")
        let inner1 = dir.appendingPathComponent("sor-global-2024-03-14-full-00001.csv.zip")
        let outer = dir.appendingPathComponent("sor-global-2024-03-14-full.zip")
        let a0 = try Archive(url: inner0, accessMode: .create)
        for part in Self.parts.prefix(2) {
            try a0.addEntry(with: part, relativeTo: Self.tdbDir, compressionMethod: .deflate)
        }
        let a1 = try Archive(url: inner1, accessMode: .create)
        try a1.addEntry(with: Self.parts[2], relativeTo: Self.tdbDir, compressionMethod: .deflate)
        let o = try Archive(url: outer, accessMode: .create)
        try o.addEntry(with: inner0.lastPathComponent, relativeTo: dir, compressionMethod: .none)
        try o.addEntry(with: inner1.lastPathComponent, relativeTo: dir, compressionMethod: .deflate)
        try o.addEntry(with: "README.txt", type: .file, uncompressedSize: Int64(5), compressionMethod: .none) { (_: Int64, _: Int) in Data("hello".utf8) }

        #expect(LogFormat.detect(path: outer.path) == .tdb)
        let zipped = try Self.events([outer.path])
        let plain = try Self.events(Self.partPaths)
        #expect(zipped.rejects.isEmpty)
        #expect(zipped.events.count == 455)
        func key(_ e: Event) -> String { "\(e.id) \(e.caseID) \(e.type) \(e.at.nanoseconds) \(e.sortedAttributes.map { "\($0.name)=\($0.value.values)" })" }
        #expect(zipped.events.map(key) == plain.events.map(key))
        // Origins name the chain of entries and the line in the part.
        #expect(zipped.events.map(\.origin.line) == plain.events.map(\.origin.line))
        #expect(zipped.events.first?.origin.file == outer.path + "!" + inner0.lastPathComponent + "!" + Self.parts[0])
        #expect(zipped.events.last?.origin.file == outer.path + "!" + inner1.lastPathComponent + "!" + Self.parts[2])
        #expect(zipped.summary.rows == 150)
        #expect(zipped.summary.legacyCategories == plain.summary.legacyCategories)
        #expect(zipped.summary.skippedEntries == [outer.path + "!README.txt"])

        // Through the audit: the same counts as the plain parts.
        let (result, rejects) = try Self.audit([outer.path])
        #expect(rejects.isEmpty)
        #expect(result.stats.records == 455)
        #expect(result.stats.events == 452)
        #expect(result.stats.duplicates == 3)
    }

    @Test("an unknown header stops the run with the file, what differs, and the expected columns")
    func unknownHeader() throws {
        var names = Self.header38.components(separatedBy: ",")
        names[names.firstIndex(of: "platform_uid") ?? 0] = "puid"
        let path = T.file("sor-odd.csv", names.joined(separator: ",") + "\n" + Self.row38 + "\n")
        let error = try #require(throws: ObligeError.self) { try TDBDump.read(path) { _ in } }
        #expect(error.location == SourceLocation(file: path, line: 1))
        #expect(error.message.contains("lacks 'platform_uid'"))
        #expect(error.message.contains("unknown column(s) 'puid'"))
        #expect(error.message.contains("full dump, 38 columns"))
        let fix = try #require(error.fix)
        #expect(fix.contains(Self.header38))
        #expect(fix.contains("--log-format csv"))

        // An Oblige CSV log read as tdb, and a dump read as csv, each say which flag fixes it.
        let oblige = T.file("log.csv", "id,case,type,at\ne1,c1,notice.received,2025-03-29T10:00:00Z\n")
        #expect(throws: ObligeError.self) { try TDBDump.read(oblige) { _ in } }
        let rules = try RuleLoader.load(root: T.rulesRoot)
        let profile = try PlatformProfile.load(path: T.demoDir.appendingPathComponent("platform.yaml").path)
        let asCSV = try #require(throws: ObligeError.self) {
            try Auditor.run(rules: rules, profile: profile, logs: [LogInput(path: Self.partPaths[0], format: .csv)], options: AuditOptions(asOf: T.instant("2024-03-15T00:00:00Z"))) { _ in }
        }
        #expect(asCSV.fix?.contains("--log-format tdb") == true)
        #expect(LogFormat.detect(path: "dumps/sor-global-2024-03-14-full-00000-00000.csv") == .csv)
    }

    @Test("rows that cannot be read are rejects with file, line and reason; the others are read")
    func rejects() throws {
        let good = Self.row38
        let shortRow = "00000000-0000-4000-8000-00000000000a,x,y"
        let badDate = good.replacingOccurrences(of: "00000000-0000-4000-8000-000000000038", with: "00000000-0000-4000-8000-00000000000b")
            .replacingOccurrences(of: "\"2025-07-01 00:00:00\"", with: "\"2025-07-32 00:00:00\"")
        let noPUID = good.replacingOccurrences(of: "00000000-0000-4000-8000-000000000038", with: "00000000-0000-4000-8000-00000000000c")
            .replacingOccurrences(of: ",puid-38_A,", with: ",,")
        let badList = good.replacingOccurrences(of: "00000000-0000-4000-8000-000000000038", with: "00000000-0000-4000-8000-00000000000d")
            .replacingOccurrences(of: #""[""DE"",""AT""]""#, with: #""[""DE"",AT]""#)
        // Lines: header 1, good 2-3 (a quoted line break), short 4, badDate 5-6, noPUID 7-8, badList 9-10.
        let text = [Self.header38, good, shortRow, badDate, noPUID, badList].joined(separator: "\n") + "\n"
        let path = T.file("sor-bad.csv", text)
        let (events, rejects, summary) = try Self.events([path])
        // The good row: 7 dated events and its one consistency problem (see currentFullRow).
        #expect(events.count == 8)
        #expect(summary.rows == 5)
        #expect(summary.rejected == 4)
        #expect(rejects.map(\.line) == [4, 5, 7, 9])
        #expect(rejects.allSatisfy { $0.file == path })
        #expect(rejects[0].reason == "3 fields where the header has 38")
        #expect(rejects[1].reason == "'application_date' is not a date: '2025-07-32 00:00:00'")
        #expect(rejects[2].reason.hasPrefix("'platform_uid' (the platform's puid) is empty"))
        #expect(rejects[3].reason == "'territorial_scope' is not a JSON list of strings")
        // The record keeps the row as written, line break included.
        #expect(rejects[1].record.contains("A listing for a toy\nthat failed"))
    }

    @Test("JSON lists in cells", arguments: [
        (#"["DE","FR"]"#, ["DE", "FR"] as [String]?),
        (#"[ "a\"b" , "\u00e9\ud83d\ude00" ]"#, [#"a"b"#, "é😀"]),
        ("[]", []),
        ("DECISION_VISIBILITY_CONTENT_REMOVED", ["DECISION_VISIBILITY_CONTENT_REMOVED"]),
        (#"["DE",]"#, nil),
        (#"["DE""#, nil),
        (#"["DE"] x"#, nil),
        (#"[DE]"#, nil),
    ])
    func lists(text: String, expected: [String]?) {
        #expect(TDBStatement.parseList(text) == expected)
    }

    @Test("dump dates: UTC timestamps, dates as the start of the day in UTC, nothing else")
    func dates() {
        #expect(TDBStatement.instant("2024-03-14 00:00:07") == T.instant("2024-03-14T00:00:07Z"))
        #expect(TDBStatement.instant("2024-03-14") == T.instant("2024-03-14T00:00:00Z"))
        #expect(TDBStatement.instant("2024-03-14T01:00:07+01:00") == T.instant("2024-03-14T00:00:07Z"))
        #expect(TDBStatement.instant("2024-02-30 00:00:00") == nil)
        #expect(TDBStatement.instant("14/03/2024") == nil)
    }
}
