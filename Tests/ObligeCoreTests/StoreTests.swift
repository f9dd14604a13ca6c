import Foundation
import GRDB
import ObligeCore
import ObligeTestSupport
import Testing

/// The audit history: runs chained by hashes, diffs by fingerprint, waivers, tamper evidence.
@Suite struct StoreTests {
    static let library: String = {
        do { return try TestSupport.library(["tco/r.yaml": Fixture.rule()]) } catch { fatalError("\(error)") }
    }()

    static func rules() throws -> String { library }

    static func audit(_ lines: [String], asOf: String, rules: String) throws -> AuditResult {
        try TestSupport.audit(library: rules, profile: try TestSupport.profile(kinds: ["hosting"]), lines: lines, asOf: asOf).0
    }

    static let order1 = TestSupport.jsonl("o1", "case-1", "order.received", "2025-03-03T10:00:00Z", ["order_kind": "removal"])
    static let order2 = TestSupport.jsonl("o2", "case-2", "order.received", "2025-03-03T12:00:00Z", ["order_kind": "removal"])
    static let removal1 = TestSupport.jsonl("r1", "case-1", "content.removed", "2025-03-03T10:30:00Z")
    static let removal2Late = TestSupport.jsonl("r2", "case-2", "content.removed", "2025-03-03T14:00:00Z")

    static func context() -> RunContext {
        RunContext(recordedAt: Date(timeIntervalSince1970: 1_760_000_000), inputs: [], profileSHA256: "p", rulesSHA256: "r", packs: ["tco"])
    }

    static func store() throws -> AuditStore { try AuditStore.open(TestSupport.temporaryDirectory().appendingPathComponent("s.db").path) }

    @Test("Two runs: the second reports what changed, finding by finding, and the chain verifies")
    func twoRuns() throws {
        let rules = try Self.rules()
        let store = try Self.store()
        // Run 1 at 12:30: case-1 met, case-2 pending (due 13:00).
        let r1 = try Self.audit([Self.order1, Self.removal1, Self.order2], asOf: "2025-03-03T12:30:00Z", rules: rules)
        let run1 = try store.record(r1, Self.context())
        // Run 2 at 15:00, the log re-exported with the late removal: case-2 late (a change), case-1 unchanged.
        let r2 = try Self.audit([Self.order2, Self.removal2Late, Self.order1, Self.removal1], asOf: "2025-03-03T15:00:00Z", rules: rules)
        let run2 = try store.record(r2, Self.context())
        #expect(run2.prevHash == run1.hash)
        let diff = RunDiff(from: run1.id, to: run2.id, before: try store.findings(run: run1.id), after: try store.findings(run: run2.id))
        #expect(diff.count(.unchanged) == 1)
        #expect(diff.count(.changed) == 1)
        #expect(diff.entries(.changed).first?.transition == "pending → late")
        #expect(diff.newlyActive.map(\.finding.caseID) == ["case-2"])
        let v = try store.verify()
        #expect(v.runs == 2 && v.problems.isEmpty && v.head == run2.hash)
    }

    @Test("An overdue duty later done is resolved; a waiver resolves it too, and its expiry brings it back as new")
    func resolvedAndWaived() throws {
        let rules = try Self.rules()
        let store = try Self.store()
        let overdue = try Self.audit([Self.order2], asOf: "2025-03-03T15:00:00Z", rules: rules)
        let a = try store.record(overdue, Self.context())
        let done = try Self.audit([Self.order2, Self.removal2Late], asOf: "2025-03-03T16:00:00Z", rules: rules)
        let b = try store.record(done, Self.context())
        let d1 = RunDiff(from: a.id, to: b.id, before: try store.findings(run: a.id), after: try store.findings(run: b.id))
        #expect(d1.entries(.resolved).map(\.transition) == ["overdue → late"])

        // A waiver until 31 March covers the late breach on 31 March, not on 1 April.
        let w = try store.addWaiver(rule: "tco.test.removal", caseID: "case-2", justification: "order withdrawn", approver: "J. Doe", expires: TestSupport.date("2025-03-31"), at: Date())
        var onLastDay = try Self.audit([Self.order2, Self.removal2Late], asOf: "2025-03-31T23:59:59Z", rules: rules)
        onLastDay.apply(try store.standingWaivers())
        #expect(onLastDay.findings.first?.waiver?.id == w.id)
        #expect(onLastDay.activeBreaches.isEmpty)
        let c = try store.record(onLastDay, Self.context())
        let d2 = RunDiff(from: b.id, to: c.id, before: try store.findings(run: b.id), after: try store.findings(run: c.id))
        #expect(d2.entries(.resolved).map(\.transition) == ["late → late, waived (W1)"])

        var dayAfter = try Self.audit([Self.order2, Self.removal2Late], asOf: "2025-04-01T00:00:00Z", rules: rules)
        dayAfter.apply(try store.standingWaivers())
        #expect(dayAfter.activeBreaches.count == 1)
        let e = try store.record(dayAfter, Self.context())
        let d3 = RunDiff(from: c.id, to: e.id, before: try store.findings(run: c.id), after: try store.findings(run: e.id))
        #expect(d3.entries(.new).map(\.transition) == ["late, waived (W1) → late"])

        // Revoked: no longer standing, listed with who and why.
        try store.revokeWaiver(1, by: "K. Roe", reason: "order reinstated", at: Date())
        #expect(try store.standingWaivers().isEmpty)
        #expect(try store.waivers().first?.revokedBy == "K. Roe")
        #expect(try store.verify().problems.isEmpty)
    }

    @Test("A row edited after the fact is caught by verify: a finding, a run, a waiver, a deleted run")
    func tamper() throws {
        let rules = try Self.rules()
        let dir = TestSupport.temporaryDirectory()
        let path = dir.appendingPathComponent("s.db").path
        let store = try AuditStore.open(path)
        try store.record(try Self.audit([Self.order2], asOf: "2025-03-03T15:00:00Z", rules: rules), Self.context())
        try store.record(try Self.audit([Self.order2, Self.removal2Late], asOf: "2025-03-03T16:00:00Z", rules: rules), Self.context())
        try store.record(try Self.audit([Self.order2, Self.removal2Late], asOf: "2025-03-03T17:00:00Z", rules: rules), Self.context())
        _ = try store.addWaiver(rule: "tco.test.removal", caseID: nil, justification: "x", approver: "y", expires: nil, at: Date())
        #expect(try store.verify().problems.isEmpty)

        let db = try DatabaseQueue(path: path)
        try db.write { try $0.execute(sql: "UPDATE finding SET status = 'met' WHERE run_id = 1") }
        var problems = try store.verify().problems.map(\.description)
        #expect(problems.contains { $0.hasPrefix("run 1: finding tco.test.removal · case-2 · o2 was edited") })

        try db.write { try $0.execute(sql: "UPDATE finding SET status = 'overdue' WHERE run_id = 1") }
        try db.write { try $0.execute(sql: "UPDATE run SET as_of = '2025-01-01T00:00:00Z' WHERE id = 2") }
        problems = try store.verify().problems.map(\.description)
        #expect(problems.count == 1)
        #expect(problems.first?.hasPrefix("run 2: its fields or findings differ") == true)

        try db.write { try $0.execute(sql: "UPDATE run SET as_of = '2025-03-03T16:00:00Z' WHERE id = 2") }
        try db.write { try $0.execute(sql: "UPDATE waiver SET expires = '2099-12-31'") }
        #expect(try store.verify().problems.map(\.description) == ["waiver W1: was edited after it was recorded"])

        try db.write { try $0.execute(sql: "UPDATE waiver SET expires = NULL") }
        try db.write { db in
            try db.execute(sql: "DELETE FROM finding WHERE run_id = 2")
            try db.execute(sql: "DELETE FROM run_input WHERE run_id = 2")
            try db.execute(sql: "DELETE FROM run WHERE id = 2")
        }
        #expect(try store.verify().problems.map(\.description) == ["run 3: does not chain to the run before it (a run was deleted or its hash edited)"])
    }

    @Test("Migrations are named and append-only: reopening an existing store changes nothing")
    func reopen() throws {
        let path = TestSupport.temporaryDirectory().appendingPathComponent("s.db").path
        let first = try AuditStore.open(path)
        try first.record(try Self.audit([Self.order2], asOf: "2025-03-03T15:00:00Z", rules: try Self.rules()), Self.context())
        let again = try AuditStore.open(path)
        #expect(try again.runs().count == 1)
        let names = try DatabaseQueue(path: path).read { try String.fetchAll($0, sql: "SELECT identifier FROM grdb_migrations ORDER BY rowid") }
        #expect(names == ["2026-11-22 runs, inputs, findings", "2026-11-22 waivers", "2026-11-22 incremental state"])
        let notADB = TestSupport.file("x.db", "not a database, just text that is long enough to be read as a header by sqlite")
        #expect(throws: ObligeErrors.self) { try AuditStore.open(notADB) }
    }
}
