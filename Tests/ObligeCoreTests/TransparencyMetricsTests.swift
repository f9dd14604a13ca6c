import Foundation
import ObligeCore
import ObligeTestSupport
import Testing

/// Every expected figure below is worked out by hand in the comments (times in seconds, UTC).
@Suite struct TransparencyMetricsTests {
    let march = ReportingPeriod(from: TestSupport.date("2025-03-01"), to: TestSupport.date("2025-03-31"))

    func e(_ id: String, _ caseID: String, _ type: String, _ at: String, _ attrs: [String: String] = [:], lists: [String: [String]] = [:]) -> Event {
        var attributes = attrs.mapValues(AttributeValue.string)
        for (k, v) in lists { attributes[k] = .list(v) }
        return Event(id: id, caseID: caseID, type: type, at: TestSupport.instant(at), attributes: Attributes(attributes), origin: SourceLocation(file: "test"))
    }

    func metrics(_ events: [Event], asOf: String? = nil) throws -> TransparencyMetrics {
        TransparencyMetrics.compute(events: events, period: march, profile: try TestSupport.profile(), asOf: asOf.map(TestSupport.instant))
    }

    // Orders: 11 events.
    var orderLog: [Event] {
        [
            // o1, DE, act, first instant of the period: informed after 2 h (7200), removed after 1 h (3600).
            e("o1", "o1", "order.received", "2025-03-01T00:00:00Z", ["order_kind": "act", "member_state": "DE", "category": "scams_and_fraud"]),
            e("o1r", "o1", "content.removed", "2025-03-01T01:00:00Z"),
            e("o1i", "o1", "authority.informed", "2025-03-01T02:00:00Z"),
            // o2, DE, act, no category: informed after 4 h (14400); no effect logged: open.
            e("o2", "o2", "order.received", "2025-03-10T12:00:00Z", ["order_kind": "act", "member_state": "DE"]),
            e("o2i", "o2", "authority.informed", "2025-03-10T16:00:00Z"),
            // o3, FR, TCO removal order, last second of the period: counts. Disabled after 1800,
            // informed after 3599, both after the period's end: completions are read from the whole log.
            e("o3", "o3", "order.received", "2025-03-31T23:59:59Z", ["order_kind": "removal", "member_state": "FR", "category": "KEYWORD_PHISHING"]),
            e("o3d", "o3", "content.disabled", "2025-04-01T00:29:59Z"),
            e("o3i", "o3", "authority.informed", "2025-04-01T00:59:58Z"),
            // o4, the first instant after the period: not counted.
            e("o4", "o4", "order.received", "2025-04-01T00:00:00Z", ["order_kind": "act", "member_state": "FR"]),
            // o5, IE, order to provide information at 08:00Z (09:00+01:00): informed at 09:30Z (5400).
            e("o5", "o5", "order.received", "2025-03-15T09:00:00+01:00", ["order_kind": "information", "member_state": "IE"]),
            e("o5i", "o5", "authority.informed", "2025-03-15T09:30:00Z"),
        ]
    }

    @Test func ordersPerMemberStateAndCategoryWithMedians() throws {
        let m = try metrics(orderLog).orders
        func row(_ category: String, _ scope: String) -> OrderRow? { m.rows.first { $0.category == category && $0.scope == scope } }
        #expect(m.byKind == ["act": 2, "removal": 1, "information": 1])
        #expect(m.withoutCategory == 2)  // o2, o5
        // TOTAL: to act o1, o2, o3. Inform 3599, 7200, 14400: odd count, middle 7200.
        // Effect 1800, 3600 (o2 open): even count, (1800 + 3600) / 2 = 2700.
        let total = try #require(row("TOTAL", "TOTAL"))
        #expect(total.ordersToAct == 3)
        #expect(total.informAct.medianSeconds == "7200")
        #expect(!total.informAct.medianIsMeanOfTwo)
        #expect(total.effectAct.medianSeconds == "2700")
        #expect(total.effectAct.medianIsMeanOfTwo)
        #expect(total.effectAct.open == 1)
        #expect(total.ordersForInformation == 1)
        #expect(total.informInformation.medianSeconds == "5400")
        // Scams and fraud (o1 by its suffix, o3 by its keyword): inform 7200 and 3599,
        // (3599 + 7200) / 2 = 5399.5: the half second is kept.
        let scams = try #require(row("STATEMENT_CATEGORY_SCAMS_AND_FRAUD", "TOTAL"))
        #expect(scams.ordersToAct == 2)
        #expect(scams.informAct.medianSeconds == "5399.5")
        #expect(row("KEYWORD_PHISHING", "TOTAL")?.ordersToAct == 1)
        // DE: o1, o2. Inform (7200 + 14400) / 2 = 10800; effect 3600, one open.
        let de = try #require(row("TOTAL", "DE"))
        #expect(de.ordersToAct == 2)
        #expect(de.informAct.medianSeconds == "10800")
        #expect(de.effectAct.medianSeconds == "3600")
        #expect(de.effectAct.open == 1)
        // FR: o3 only (o4 is the day after).
        #expect(row("TOTAL", "FR")?.ordersToAct == 1)
        #expect(row("TOTAL", "FR")?.effectAct.medianSeconds == "1800")
        #expect(row("TOTAL", "IE")?.ordersForInformation == 1)
        // Row order: TOTAL scope first, categories in template order, then member states A-Z.
        #expect(m.rows.map { "\($0.scope)/\($0.category)" } == [
            "TOTAL/TOTAL", "TOTAL/STATEMENT_CATEGORY_SCAMS_AND_FRAUD", "TOTAL/KEYWORD_PHISHING",
            "DE/TOTAL", "DE/STATEMENT_CATEGORY_SCAMS_AND_FRAUD", "FR/TOTAL", "FR/STATEMENT_CATEGORY_SCAMS_AND_FRAUD",
            "FR/KEYWORD_PHISHING", "IE/TOTAL",
        ])
    }

    @Test func theLastDayCountsTheNextDayDoesNot() throws {
        // Only the last-second order (o3) and the next day's (o4), against March and against April 1st alone.
        let log = orderLog.filter { $0.caseID == "o3" || $0.caseID == "o4" }
        #expect(try metrics(log).orders.rows.first?.ordersToAct == 1)
        let april = ReportingPeriod(from: TestSupport.date("2025-04-01"), to: TestSupport.date("2025-04-01"))
        let m = TransparencyMetrics.compute(events: log, period: april, profile: try TestSupport.profile())
        #expect(m.orders.rows.first?.ordersToAct == 1)
        #expect(m.orders.rows.first?.informAct.open == 1)  // o4 has no informing event
    }

    // Notices: 11 events.
    var noticeLog: [Event] {
        [
            // n1 user, violence: action after 3 h (10800), restricted on the ground of law.
            e("n1", "n1", "notice.received", "2025-03-05T10:00:00Z", ["source": "user", "category": "violence"]),
            e("n1d", "n1", "notice.decided", "2025-03-05T13:00:00Z", ["decision": "action"]),
            e("n1r", "n1", "restriction.imposed", "2025-03-05T13:00:00Z", ["ground": "illegal_content", "basis": "notice"], lists: ["measure": ["removal"]]),
            // n2 trusted flagger, the full code: action after 1 h (3600), on the terms and conditions.
            e("n2", "n2", "notice.received", "2025-03-06T10:00:00Z", ["source": "trusted_flagger", "category": "STATEMENT_CATEGORY_VIOLENCE"]),
            e("n2d", "n2", "notice.decided", "2025-03-06T11:00:00Z", ["decision": "action"]),
            e("n2r", "n2", "restriction.imposed", "2025-03-06T11:00:00Z", ["ground": "terms_and_conditions", "basis": "notice"], lists: ["measure": ["demotion"]]),
            // n3 a category that is no code: TOTAL only. Decided without action: neither open nor timed.
            e("n3", "n3", "notice.received", "2025-03-07T10:00:00Z", ["source": "user", "category": "illegal_hate_speech"]),
            e("n3d", "n3", "notice.decided", "2025-03-08T10:00:00Z", ["decision": "no_action"]),
            // n4 trusted flagger, no category, never decided: open.
            e("n4", "n4", "notice.received", "2025-03-20T10:00:00Z", ["source": "trusted_flagger"]),
            // n5 the last second before the period: not counted.
            e("n5", "n5", "notice.received", "2025-02-28T23:59:59Z", ["source": "user"]),
            e("n5d", "n5", "notice.decided", "2025-03-01T00:00:00Z", ["decision": "action"]),
        ]
    }

    @Test func noticesAllAndTrustedFlaggersWithLawAndTermsAndConditions() throws {
        let n = try metrics(noticeLog).notices
        let total = try #require(n.rows.first)
        #expect(total.category == "TOTAL")
        #expect(total.received == 4)  // n1-n4
        #expect(total.fromTrustedFlaggers == 2)  // n2, n4
        // Time to action: 10800, 3600 → (3600 + 10800) / 2 = 7200; n4 open; n3 is no action.
        #expect(total.timeToAction.medianSeconds == "7200")
        #expect(total.timeToAction.open == 1)
        #expect(total.timeToActionTrusted.durations == [3600 * 1_000_000_000])
        #expect(total.timeToActionTrusted.open == 1)
        #expect(total.actionsLaw == 1 && total.actionsTermsAndConditions == 1 && total.actionsTermsAndConditionsTrusted == 1)
        #expect(total.actionsLawTrusted == 0)
        #expect(n.decidedNoAction == 1)
        #expect(n.withoutCategory == 1)
        #expect(n.unmappedCategories == ["illegal_hate_speech": 1])
        let violence = try #require(n.rows.first { $0.category == "STATEMENT_CATEGORY_VIOLENCE" })
        #expect(violence.received == 2 && violence.fromTrustedFlaggers == 1)
        #expect(violence.timeToAction.medianSeconds == "7200")
        #expect(n.rows.count == 2)
    }

    @Test func anInstantOfAuditLeavesLaterCompletionsOpen() throws {
        // At 10:30 on 6 March: n1 decided (10800); n2 received at 10:00, decided at 11:00: open;
        // n3 and n4 not received yet.
        let total = try #require(try metrics(noticeLog, asOf: "2025-03-06T10:30:00Z").notices.rows.first)
        #expect(total.received == 2)
        #expect(total.timeToAction.durations == [10800 * 1_000_000_000])
        #expect(total.timeToAction.open == 1)
    }

    // Own initiative and complaints: 12 events.
    var ownAndComplaintLog: [Event] {
        [
            // m1 illegal, minors, removal + account suspension, detected automatically.
            e("m1", "m1", "restriction.imposed", "2025-03-12T08:00:00Z",
              ["basis": "own_initiative", "ground": "illegal_content", "category": "protection_of_minors", "automated_detection": "true"],
              lists: ["measure": ["removal", "account_suspension"]]),
            // m2 terms and conditions, demotion, not automated.
            e("m2", "m2", "restriction.imposed", "2025-03-13T08:00:00Z",
              ["basis": "own_initiative", "ground": "terms_and_conditions", "automated_detection": "false"], lists: ["measure": ["demotion"]]),
            // m3 no ground, no automation: in neither sheet.
            e("m3", "m3", "restriction.imposed", "2025-03-14T08:00:00Z", ["basis": "own_initiative"], lists: ["measure": ["payments"]]),
            // m4 after a notice: not own initiative.
            e("m4", "m4", "restriction.imposed", "2025-03-14T09:00:00Z", ["basis": "notice", "ground": "illegal_content"], lists: ["measure": ["removal"]]),
            // c1 reversed after a day (86400); c2 refused after 6 h (21600); c3 NetzDG: not Art 20; c4 open.
            e("c1", "c1", "complaint.received", "2025-03-02T00:00:00Z", ["regime": "dsa"]),
            e("c1d", "c1", "complaint.decided", "2025-03-03T00:00:00Z", ["outcome": "reversed"]),
            e("c2", "c2", "complaint.received", "2025-03-04T00:00:00Z", ["regime": "dsa"]),
            e("c2r", "c2", "complaint.refused", "2025-03-04T06:00:00Z", ["reason": "out_of_time"]),
            e("c3", "c3", "complaint.received", "2025-03-05T00:00:00Z", ["regime": "netzdg"]),
            e("c3d", "c3", "complaint.decided", "2025-03-05T01:00:00Z", ["outcome": "upheld"]),
            e("c4", "c4", "complaint.received", "2025-03-25T00:00:00Z", ["regime": "dsa"]),
            // c5 received before the period, decided in it: not counted.
            e("c5d", "c5", "complaint.decided", "2025-03-01T00:00:00Z", ["outcome": "upheld"]),
        ]
    }

    @Test func ownInitiativeMeasuresByTypeAndAutomation() throws {
        let own = try metrics(ownAndComplaintLog).ownInitiative
        #expect(own.basisLogged)
        #expect(own.total == 3)  // m1, m2, m3
        let illegal = try #require(own.illegal.first)
        #expect(illegal.measures == 1 && illegal.automatedDetection == 1)
        #expect(illegal.byType == [.removal: 1, .accountSuspension: 1])
        #expect(own.illegal.map(\.category) == ["TOTAL", "STATEMENT_CATEGORY_PROTECTION_OF_MINORS"])
        let tc = try #require(own.termsAndConditions.first)
        #expect(tc.measures == 1 && tc.automatedDetection == 0 && tc.byType == [.demote: 1])
        #expect(own.groundNotLogged == 1)
        #expect(own.automationNotLogged == 1)
    }

    @Test func complaintsWithOutcomesAndMedian() throws {
        let c = try metrics(ownAndComplaintLog).complaints
        #expect(c.received == 3)  // c1, c2, c4
        #expect(c.reversed == 1 && c.refused == 1 && c.upheld == 0 && c.rejected == 0)
        // 86400 and 21600: (21600 + 86400) / 2 = 54000; c4 open.
        #expect(c.time.medianSeconds == "54000")
        #expect(c.time.open == 1)
    }

    @Test(arguments: [
        ([Int64](), nil as String?),
        ([5], "0.000000005"),
        ([1, 2], "0.0000000015"),  // half a nanosecond: ten decimals
        ([3_000_000_000, 1_000_000_000, 2_000_000_000], "2"),
        ([1_000_000_000, 2_000_000_000], "1.5"),
    ])
    func medianIsExact(durations: [Int64], expected: String?) {
        #expect(Turnaround(durations: durations).medianSeconds == expected)
    }

    @Test func reportingPeriodIsParsedAndChecked() throws {
        let p = try ReportingPeriod.parse("2025-07-01/2025-12-31")
        #expect(p.iso == "2025-07-01/2025-12-31")
        #expect(p.contains(TestSupport.instant("2025-12-31T23:59:59.999999999Z")))
        #expect(!p.contains(TestSupport.instant("2026-01-01T00:00:00Z")))
        #expect(!p.contains(TestSupport.instant("2025-06-30T23:59:59Z")))
        #expect(throws: ObligeError.self) { try ReportingPeriod.parse("2025-12-31/2025-07-01") }
        #expect(throws: ObligeError.self) { try ReportingPeriod.parse("2025-07-01") }
    }

    @Test func csvUsesTheTemplatesColumnsAndSaysWhatIsNotDerivable() throws {
        let m = try metrics(orderLog + noticeLog + ownAndComplaintLog)
        let files = Dictionary(uniqueKeysWithValues: TransparencyReport.csvFiles(m).map { ($0.name, $0.text) })
        #expect(files.keys.sorted() == [
            "appeals_and_recidivism.csv", "member_states_orders.csv", "notices.csv", "own_initiative_TC.csv", "own_initiative_illegal.csv",
        ])
        let orders = try #require(files["member_states_orders.csv"]).split(separator: "\n").map(String.init)
        #expect(orders[0].hasPrefix("Applicability,Service,Reporting period,Category of illegal content,\"Description of the sub-category \"\"Other\"\"\",Scope,"))
        #expect(orders[0].split(separator: ",").count == 20)
        #expect(orders[1].hasPrefix(
            "All,Test Platform,2025-03-01/2025-03-31,TOTAL,,TOTAL,3,,7200,2700,1,5400,,\"by order_kind: act: 2, removal: 1; 2 without category, in TOTAL only\","
                + "not derivable: the log does not say how many items of information an order names,seconds; median of 3 completed,"
                + "\"seconds; median of 2 completed (mean of the two middle values); 1 open, not counted\""))
        let notices = try #require(files["notices.csv"]).split(separator: "\n").map(String.init)
        #expect(notices[1].hasPrefix(
            "\"Only for providers of hosting services, including online platforms\",Test Platform,2025-03-01/2025-03-31,TOTAL,,4,2,,,7200,3600,1,0,1,1,"))
        let appeals = try #require(files["appeals_and_recidivism.csv"]).split(separator: "\n").map(String.init)
        #expect(appeals[3] == "Only for providers of online platforms,Test Platform,2025-03-01/2025-03-31,Internal complaints mechanism,"
            + "Number of complaints submitted to the internal-complaints mechanism,Decisions partially reversed,,"
            + "not derivable: complaint.decided's outcome has no such value")
        #expect(appeals[5].contains(",Median time,54000,\"seconds; median of 2 completed (mean of the two middle values); 1 open, not counted\""))
        let illegal = try #require(files["own_initiative_illegal.csv"]).split(separator: "\n").map(String.init)
        #expect(illegal[1].hasPrefix("All,Test Platform,2025-03-01/2025-03-31,TOTAL,,1,1,1,0,0,,,,0,,,,,,1,0,"))
    }

    @Test func withoutGroundsOrBasisTheSplitIsNotDerivableRatherThanZero() throws {
        // Notices and complaints only: no restriction.imposed anywhere.
        let log = noticeLog.filter { $0.type != "restriction.imposed" }
        let m = try metrics(log)
        #expect(!m.notices.groundsLogged && !m.ownInitiative.basisLogged)
        #expect(m.notDerivable.contains { $0.sheet == "notices" && $0.indicator.hasPrefix("Number of actions taken on the basis of the law") })
        #expect(m.notDerivable.contains { $0.sheet == "own_initiative" && $0.indicator.hasPrefix("Number of measures taken at the provider's own initiative") })
        let files = TransparencyReport.csvFiles(m)
        #expect(!files.contains { $0.name.hasPrefix("own_initiative") })
        let total = try #require(files.first { $0.name == "notices.csv" }?.text.split(separator: "\n").dropFirst().first)
        // The four action columns are empty, and the reason is in the law column's context.
        #expect(total.contains(",7200,3600,,,,,"))
        #expect(total.contains("not derivable: the log has no restriction.imposed with a ground"))
        let json = TransparencyReport.json(m).pretty
        #expect(json.contains("\"own_initiative\": null"))
        #expect(json.contains("\"actions_on_law\": null"))
    }

    /// The demo log for 2025-07-01/2025-12-31, audited as the CI does (--as-of 2025-11-01). The
    /// expected figures are the output of `python3 scripts/tdb-report-demo.py`, which reads
    /// Fixtures/demo/incidents.jsonl on its own (no Oblige code).
    @Test func demoLogMatchesTheHandComputation() throws {
        let rules = try RuleLoader.load(root: TestSupport.rulesRoot)
        let profile = try PlatformProfile.load(path: TestSupport.demoDir.appendingPathComponent("platform.yaml").path)
        let log = LogInput(path: TestSupport.demoDir.appendingPathComponent("incidents.jsonl").path, format: .jsonl)
        let audit = try Auditor.run(
            rules: rules, profile: profile, logs: [log], options: AuditOptions(asOf: TestSupport.instant("2025-11-01T00:00:00Z"), keepEvents: true)
        ) { _ in }
        let m = TransparencyMetrics.compute(audit: audit, period: try ReportingPeriod.parse("2025-07-01/2025-12-31"), profile: profile)
        #expect(m.service == "Demo Social Ltd")

        // orders: by kind {'removal': 8, 'act': 3}; by member state DE 2, FR 4, IE 2, IT 2, NL 1
        #expect(m.orders.byKind == ["removal": 8, "act": 3])
        #expect(!m.orders.categoriesLogged)
        let orders = Dictionary(uniqueKeysWithValues: m.orders.rows.map { ($0.scope, $0) })
        #expect(m.orders.rows.map(\.scope) == ["TOTAL", "DE", "FR", "IE", "IT", "NL"])
        #expect(m.orders.rows.map(\.ordersToAct) == [11, 2, 4, 2, 2, 1])
        // scope TOTAL inform: [1500, 4500, 4680, 5700, 24600, 90000, 223201, 397800] open 3 median 15150
        //             effect: [300, 3300, 3480, 4500, 23400, 108000] open 5 median 3990
        let total = try #require(orders["TOTAL"])
        #expect(total.informAct.durations.sorted() == [1500, 4500, 4680, 5700, 24600, 90000, 223201, 397800].map { $0 * 1_000_000_000 })
        #expect(total.informAct.medianSeconds == "15150" && total.informAct.open == 3)
        #expect(total.effectAct.medianSeconds == "3990" && total.effectAct.open == 5)
        // per member state (inform median, open; effect median, open), from the script:
        // DE 1500,1; 300,1. FR 5700,1; 3990,2. IE 211200,0; 65700,0. IT 223201,1; none,2. NL 4500,0; 3300,0.
        let expected: [(String, String, Int, String?, Int)] = [
            ("DE", "1500", 1, "300", 1), ("FR", "5700", 1, "3990", 2), ("IE", "211200", 0, "65700", 0),
            ("IT", "223201", 1, nil, 2), ("NL", "4500", 0, "3300", 0),
        ]
        for (scope, inform, informOpen, effect, effectOpen) in expected {
            let r = try #require(orders[scope])
            #expect(r.informAct.medianSeconds == inform && r.informAct.open == informOpen, "\(scope)")
            #expect(r.effectAct.medianSeconds == effect && r.effectAct.open == effectOpen, "\(scope)")
        }

        // notices: received 28, trusted 8; all: no_action 11, law 14, tc 0; time to action median 72750, open 3;
        // trusted: law 4, median 142260, open 1.
        let n = try #require(m.notices.rows.first)
        #expect(n.received == 28 && n.fromTrustedFlaggers == 8)
        #expect(m.notices.decidedNoAction == 11)
        #expect(n.actionsLaw == 14 && n.actionsTermsAndConditions == 0 && n.actionsLawTrusted == 4)
        #expect(m.notices.actionsGroundNotLogged == 0)
        #expect(n.timeToAction.durations.count == 14 && n.timeToAction.medianSeconds == "72750" && n.timeToAction.open == 3)
        #expect(n.timeToActionTrusted.medianSeconds == "142260" && n.timeToActionTrusted.open == 1)
        // categories: illegal_hate_speech (5) names no code; child_sexual_abuse_material is a keyword of
        // protection of minors (1 + 4 = 5 notices there).
        #expect(m.notices.unmappedCategories == ["illegal_hate_speech": 5])
        let byCategory = Dictionary(uniqueKeysWithValues: m.notices.rows.map { ($0.category, $0) })
        #expect(byCategory["STATEMENT_CATEGORY_INTELLECTUAL_PROPERTY_INFRINGEMENTS"]?.received == 8)
        #expect(byCategory["STATEMENT_CATEGORY_INTELLECTUAL_PROPERTY_INFRINGEMENTS"]?.timeToAction.medianSeconds == "255480")
        #expect(byCategory["STATEMENT_CATEGORY_SCAMS_AND_FRAUD"]?.timeToAction.medianSeconds == "51150")
        #expect(byCategory["STATEMENT_CATEGORY_VIOLENCE"]?.timeToAction.medianSeconds == "130830")
        #expect(byCategory["STATEMENT_CATEGORY_PROTECTION_OF_MINORS"]?.received == 5)
        #expect(byCategory["KEYWORD_CHILD_SEXUAL_ABUSE_MATERIAL"]?.timeToAction.open == 1)

        // own initiative: 0 measures, while 40 restriction.imposed carry a basis: a true zero.
        #expect(m.ownInitiative.basisLogged && m.ownInitiative.total == 0)

        // complaints: received 9, upheld 5, rejected 2; [86400, 97200, 280800, 594000, 601200, 727200, 752400] open 2
        let c = m.complaints
        #expect(c.received == 9 && c.upheld == 5 && c.rejected == 2 && c.reversed == 0 && c.refused == 0)
        #expect(c.time.medianSeconds == "594000" && c.time.open == 2 && !c.time.medianIsMeanOfTwo)
    }
}
