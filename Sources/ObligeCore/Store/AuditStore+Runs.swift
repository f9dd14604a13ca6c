import Foundation
import GRDB

/// What a run is recorded with besides its result: where its inputs came from and what it read.
public struct RunContext: Sendable {
    public var recordedAt: Date
    public var inputs: [StoredInput]
    public var profileSHA256: String
    public var rulesSHA256: String
    public var packs: [String]
    public var mode: String
    /// Per log path: the SHA-256 of its bytes up to where this run stopped reading, so the next
    /// incremental run can tell an appended log from a rewritten one.
    public var prefixes: [String: String]

    public init(
        recordedAt: Date, inputs: [StoredInput], profileSHA256: String, rulesSHA256: String, packs: [String], mode: String = "full",
        prefixes: [String: String] = [:]
    ) {
        self.recordedAt = recordedAt
        self.inputs = inputs
        self.profileSHA256 = profileSHA256
        self.rulesSHA256 = rulesSHA256
        self.packs = packs
        self.mode = mode
        self.prefixes = prefixes
    }
}

extension AuditStore {
    /// The hash the first run chains to.
    public static let genesis = String(repeating: "0", count: 64)

    /// Records a completed run and its findings in one transaction, chained to the previous run.
    @discardableResult
    public func record(_ r: AuditResult, _ context: RunContext) throws(ObligeErrors) -> StoredRun {
        try access {
            try queue.write { db -> StoredRun in
                let prev = try String.fetchOne(db, sql: "SELECT hash FROM run ORDER BY id DESC LIMIT 1") ?? Self.genesis
                let findings = r.findings.map(StoredFinding.init)
                var run = StoredRun(
                    id: 0, recordedAt: ISO8601DateFormatter().string(from: context.recordedAt), asOf: r.asOf.rfc3339, platform: r.profile.name,
                    profileSHA256: context.profileSHA256, rulesSHA256: context.rulesSHA256, packs: context.packs.joined(separator: ","),
                    mode: context.mode, stats: r.stats, findings: findings.count, breaches: r.breaches.count, activeBreaches: r.activeBreaches.count,
                    waived: r.findings.filter { $0.waiver != nil }.count, prevHash: prev, hash: "", inputs: context.inputs)
                try db.execute(
                    sql: """
                        INSERT INTO run (recorded_at, as_of, platform, profile_sha256, rules_sha256, packs, mode, records, events, duplicates,
                          rejected, after_as_of, cases, findings, breaches, active_breaches, waived, prev_hash, hash)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, '')
                        """,
                    arguments: [
                        run.recordedAt, run.asOf, run.platform, run.profileSHA256, run.rulesSHA256, run.packs, run.mode, run.stats.records,
                        run.stats.events, run.stats.duplicates, run.stats.rejected, run.stats.afterAsOf, run.stats.cases, run.findings, run.breaches,
                        run.activeBreaches, run.waived, run.prevHash,
                    ])
                run.id = Int(db.lastInsertedRowID)
                for (i, input) in context.inputs.enumerated() {
                    try db.execute(
                        sql: "INSERT INTO run_input (run_id, position, path, format, size, sha256) VALUES (?, ?, ?, ?, ?, ?)",
                        arguments: [run.id, i, input.path, input.format, input.size, input.sha256])
                }
                for f in findings {
                    try db.execute(
                        sql: """
                            INSERT INTO finding (run_id, fingerprint, rule, version_from, regime, severity, case_id, start_id, status, clock_start,
                              deadline, fulfilled_at, late_by_seconds, waiver_id, row_hash)
                            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                            """,
                        arguments: [
                            run.id, f.fingerprint, f.rule, f.versionFrom, f.regime, f.severity, f.caseID, f.startID, f.status, f.clockStart,
                            f.deadline, f.fulfilledAt, f.lateBySeconds, f.waiverID, f.rowHash,
                        ])
                }
                run.hash = Self.hash(run, findings: findings)
                try db.execute(sql: "UPDATE run SET hash = ? WHERE id = ?", arguments: [run.hash, run.id])
                if let c = r.checkpoint { try Self.save(c, run: run.id, logs: r.logs, prefixes: context.prefixes, db) }
                return run
            }
        }
    }

    /// The run's hash: the previous run's hash, every field of the run and its inputs, and the
    /// hashes of its findings in fingerprint order. Editing any of them breaks the chain.
    static func hash(_ run: StoredRun, findings: [StoredFinding]) -> String {
        var h = SHA256()
        let s = run.stats
        let fields: [String] = [
            "run/1", run.prevHash, String(run.id), run.recordedAt, run.asOf, run.platform, run.profileSHA256, run.rulesSHA256, run.packs, run.mode,
            "\(s.records)", "\(s.events)", "\(s.duplicates)", "\(s.rejected)", "\(s.afterAsOf)", "\(s.cases)", "\(run.findings)", "\(run.breaches)",
            "\(run.activeBreaches)", "\(run.waived)",
        ]
        h.update(fields.map { "\($0.utf8.count):\($0)" }.joined(separator: "|"))
        for i in run.inputs { h.update("|input|\(i.path.utf8.count):\(i.path)|\(i.format)|\(i.size)|\(i.sha256)") }
        for f in findings.sorted(by: { $0.fingerprint < $1.fingerprint }) { h.update("|" + f.rowHash) }
        return h.hex()
    }

    /// All runs, oldest first.
    public func runs() throws(ObligeErrors) -> [StoredRun] {
        try access { try queue.read { db in try Row.fetchAll(db, sql: "SELECT * FROM run ORDER BY id").map { try Self.run($0, db) } } }
    }

    public func run(_ id: Int) throws(ObligeErrors) -> StoredRun? {
        try access { try queue.read { db in try Row.fetchOne(db, sql: "SELECT * FROM run WHERE id = ?", arguments: [id]).map { try Self.run($0, db) } } }
    }

    public func latestRun() throws(ObligeErrors) -> StoredRun? {
        try access { try queue.read { db in try Row.fetchOne(db, sql: "SELECT * FROM run ORDER BY id DESC LIMIT 1").map { try Self.run($0, db) } } }
    }

    public func findings(run id: Int) throws(ObligeErrors) -> [StoredFinding] {
        try access {
            try queue.read { db in
                try Row.fetchAll(db, sql: "SELECT * FROM finding WHERE run_id = ? ORDER BY fingerprint", arguments: [id]).map(StoredFinding.init(row:))
            }
        }
    }

    static func run(_ row: Row, _ db: Database) throws -> StoredRun {
        let id: Int = row["id"]
        let inputs = try Row.fetchAll(db, sql: "SELECT * FROM run_input WHERE run_id = ? ORDER BY position", arguments: [id]).map {
            StoredInput(path: $0["path"], format: $0["format"], size: $0["size"], sha256: $0["sha256"])
        }
        return StoredRun(
            id: id, recordedAt: row["recorded_at"], asOf: row["as_of"], platform: row["platform"], profileSHA256: row["profile_sha256"],
            rulesSHA256: row["rules_sha256"], packs: row["packs"], mode: row["mode"],
            stats: IngestStats(
                records: row["records"], events: row["events"], duplicates: row["duplicates"], rejected: row["rejected"], afterAsOf: row["after_as_of"],
                cases: row["cases"]),
            findings: row["findings"], breaches: row["breaches"], activeBreaches: row["active_breaches"], waived: row["waived"],
            prevHash: row["prev_hash"], hash: row["hash"], inputs: inputs)
    }

    /// One thing `store verify` found wrong.
    public struct Tamper: Sendable, CustomStringConvertible {
        public var run: Int?
        public var waiver: Int?
        public var message: String
        public var description: String {
            (run.map { "run \($0): " } ?? waiver.map { "waiver W\($0): " } ?? "") + message
        }
    }

    /// Recomputes every row hash and the chain of runs. Returns what does not match: a row edited,
    /// added or deleted after the fact. Deleting the newest runs leaves a shorter valid chain, so
    /// keep the head hash (`oblige runs list` prints it) somewhere else, e.g. in CI logs.
    public func verify() throws(ObligeErrors) -> (runs: Int, head: String, problems: [Tamper]) {
        try access {
            try queue.read { db in
                var problems: [Tamper] = []
                var prev = Self.genesis
                let rows = try Row.fetchAll(db, sql: "SELECT * FROM run ORDER BY id")
                for row in rows {
                    let run = try Self.run(row, db)
                    if run.prevHash != prev {
                        problems.append(Tamper(run: run.id, message: "does not chain to the run before it (a run was deleted or its hash edited)"))
                    }
                    let findingRows = try Row.fetchAll(db, sql: "SELECT * FROM finding WHERE run_id = ? ORDER BY fingerprint", arguments: [run.id])
                    var findings: [StoredFinding] = []
                    for fr in findingRows {
                        let f = StoredFinding(row: fr)
                        findings.append(f)
                        if fr["row_hash"] != f.rowHash {
                            problems.append(Tamper(run: run.id, message: "finding \(f.rule) · \(f.caseID) · \(f.startID) was edited after the run"))
                        }
                    }
                    if findings.count != run.findings {
                        problems.append(Tamper(run: run.id, message: "holds \(findings.count) findings, recorded \(run.findings) (rows added or deleted)"))
                    }
                    let expected = Self.hash(run, findings: findings)
                    if expected != run.hash {
                        problems.append(Tamper(run: run.id, message: "its fields or findings differ from what was recorded (hash \(run.hash.prefix(12))…, now \(expected.prefix(12))…)"))
                    }
                    prev = run.hash
                }
                for w in try Row.fetchAll(db, sql: "SELECT * FROM waiver ORDER BY id") {
                    let stored = Self.storedWaiver(w)
                    if w["row_hash"] != Self.waiverHash(stored, recordedAt: w["recorded_at"]) {
                        problems.append(Tamper(waiver: w["id"], message: "was edited after it was recorded"))
                    }
                }
                for rv in try Row.fetchAll(db, sql: "SELECT * FROM waiver_revocation ORDER BY waiver_id") {
                    let text: String = Self.revocationText(rv["waiver_id"], rv["revoked_at"], rv["revoked_by"], rv["reason"])
                    if rv["row_hash"] != SHA256.hex(text) {
                        problems.append(Tamper(waiver: rv["waiver_id"], message: "its revocation was edited after it was recorded"))
                    }
                }
                return (rows.count, prev, problems)
            }
        }
    }
}

extension AuditStore {
    /// The checkpoint the latest run left: where it stopped in each log (with the hash of what it
    /// had read), every event it had accepted, and its counts. Nil when the latest run kept none.
    public func checkpoint() throws(ObligeErrors) -> (run: StoredRun, checkpoint: IngestCheckpoint, prefixes: [String: String], formats: [String: String])? {
        try access {
            try queue.read { db in
                guard let row = try Row.fetchOne(db, sql: "SELECT * FROM run ORDER BY id DESC LIMIT 1") else { return nil }
                let run = try Self.run(row, db)
                guard let totals = try Row.fetchOne(db, sql: "SELECT * FROM ingest_totals WHERE run_id = ?", arguments: [run.id]) else { return nil }
                var positions: [String: LogPosition] = [:]
                var prefixes: [String: String] = [:]
                var formats: [String: String] = [:]
                for p in try Row.fetchAll(db, sql: "SELECT * FROM log_position WHERE run_id = ?", arguments: [run.id]) {
                    let path: String = p["path"]
                    positions[path] = LogPosition(offset: p["byte_offset"], lines: p["lines"])
                    prefixes[path] = p["prefix_sha256"]
                    formats[path] = p["format"]
                }
                var seen: [String: IngestCheckpoint.Seen] = [:]
                var events: [Event] = []
                var scanner = JSONLineScanner()
                for e in try Row.fetchAll(db, sql: "SELECT * FROM ingested_event") {
                    let id: String = e["id"]
                    let origin = SourceLocation(file: e["file"], line: e["line"])
                    let hashText: String = e["hash"]
                    seen[id] = IngestCheckpoint.Seen(
                        hash: UInt64(hashText, radix: 16) ?? 0, caseID: e["case_id"], at: Instant(nanoseconds: e["at_ns"]), origin: origin)
                    if let record: String = e["record"] {
                        var bytes = Array(record.utf8)
                        let event = try bytes.withUnsafeMutableBufferPointer { buf in try scanner.event(UnsafeBufferPointer(buf), origin: origin) }
                        events.append(event)
                    }
                }
                let stats = IngestStats(records: totals["records"], events: totals["events"], duplicates: totals["duplicates"], rejected: totals["rejected"])
                return (run, IngestCheckpoint(seen: seen, events: events, stats: stats, positions: positions), prefixes, formats)
            }
        }
    }

    /// Replaces the working state with this run's checkpoint, in the run's transaction; a run that
    /// continued the stored checkpoint adds only the events it accepted.
    static func save(_ c: IngestCheckpoint, run: Int, logs: [LogInput], prefixes: [String: String], _ db: Database) throws {
        if c.added == nil { try db.execute(sql: "DELETE FROM ingested_event") }
        try db.execute(sql: "DELETE FROM log_position")
        try db.execute(sql: "DELETE FROM ingest_totals")
        try db.execute(
            sql: "INSERT INTO ingest_totals (run_id, records, events, duplicates, rejected) VALUES (?, ?, ?, ?, ?)",
            arguments: [run, c.stats.records, c.stats.events, c.stats.duplicates, c.stats.rejected])
        for log in logs {
            guard let p = c.positions[log.path] else { continue }
            try db.execute(
                sql: "INSERT INTO log_position (run_id, path, format, byte_offset, lines, prefix_sha256) VALUES (?, ?, ?, ?, ?, ?)",
                arguments: [run, log.path, log.format.rawValue, p.offset, p.lines, prefixes[log.path] ?? ""])
        }
        let ids = c.added.map(Set.init)
        var records: [String: String] = [:]
        for e in c.events where ids?.contains(e.id) ?? true { records[e.id] = JSONWriter.event(e).text }
        let insert = try db.makeStatement(sql: "INSERT INTO ingested_event (id, hash, case_id, at_ns, file, line, record) VALUES (?, ?, ?, ?, ?, ?, ?)")
        for id in c.added ?? Array(c.seen.keys) {
            guard let s = c.seen[id] else { continue }
            try insert.execute(arguments: [id, String(s.hash, radix: 16), s.caseID, s.at.nanoseconds, s.origin.file, s.origin.line, records[id]])
        }
    }
}
