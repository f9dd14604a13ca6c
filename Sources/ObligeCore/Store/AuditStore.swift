import Foundation
import GRDB

/// The audit history: a SQLite file (`--store PATH`) holding every completed run, its inputs and
/// findings, the waivers the legal team recorded, and a hash chain over all of it.
///
/// A run is written in one transaction: a process killed at any moment leaves the store at the
/// previous complete run. Migrations are named and append-only (`AuditStore.migrator`): a
/// migration that shipped is never edited; a change of schema is a new migration.
public struct AuditStore: Sendable {
    public let path: String
    let queue: DatabaseQueue

    /// Opens (or creates) the store and brings its schema up to date.
    public static func open(_ path: String) throws(ObligeErrors) -> AuditStore {
        do {
            var config = Configuration()
            config.busyMode = .timeout(10)
            config.foreignKeysEnabled = true
            let queue = try DatabaseQueue(path: path, configuration: config)
            try migrator.migrate(queue)
            return AuditStore(path: path, queue: queue)
        } catch let e as DatabaseError {
            throw Self.failure(path, e)
        } catch {
            throw ObligeErrors([ObligeError(.store, "cannot open the store '\(path)': \(error)", at: SourceLocation(file: path), fix: "check the path and permissions, or give a new file")])
        }
    }

    static func failure(_ path: String, _ e: DatabaseError) -> ObligeErrors {
        let fix: String
        switch e.resultCode {
        case .SQLITE_NOTADB: fix = "this file is not an oblige store (not SQLite); give another --store path"
        case .SQLITE_BUSY, .SQLITE_LOCKED: fix = "another process holds the store; wait for it and run again"
        case .SQLITE_READONLY, .SQLITE_CANTOPEN, .SQLITE_PERM: fix = "check that the file and its folder are writable"
        default: fix = "run `oblige store verify --store \(path)`; restore the file from a backup if it is damaged"
        }
        return ObligeErrors([ObligeError(.store, "store '\(path)': \(e.message ?? "\(e.resultCode)")", at: SourceLocation(file: path), fix: fix)])
    }

    /// Runs `body`, turning database errors into errors that name the store and the fix.
    func access<T>(_ body: () throws -> T) throws(ObligeErrors) -> T {
        do { return try body() } catch let e as DatabaseError { throw Self.failure(path, e) } catch let e as ObligeErrors { throw e } catch {
            throw ObligeErrors([ObligeError(.store, "store '\(path)': \(error)", at: SourceLocation(file: path))])
        }
    }

    /// Named, append-only migrations. Never edit one that shipped: add another.
    static var migrator: DatabaseMigrator {
        var m = DatabaseMigrator()
        m.registerMigration("2026-11-22 runs, inputs, findings") { db in
            try db.execute(
                sql: """
                    CREATE TABLE run (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        recorded_at TEXT NOT NULL,
                        as_of TEXT NOT NULL,
                        platform TEXT NOT NULL,
                        profile_sha256 TEXT NOT NULL,
                        rules_sha256 TEXT NOT NULL,
                        packs TEXT NOT NULL,
                        mode TEXT NOT NULL,
                        records INTEGER NOT NULL, events INTEGER NOT NULL, duplicates INTEGER NOT NULL,
                        rejected INTEGER NOT NULL, after_as_of INTEGER NOT NULL, cases INTEGER NOT NULL,
                        findings INTEGER NOT NULL, breaches INTEGER NOT NULL, active_breaches INTEGER NOT NULL,
                        waived INTEGER NOT NULL,
                        prev_hash TEXT NOT NULL,
                        hash TEXT NOT NULL
                    );
                    CREATE TABLE run_input (
                        run_id INTEGER NOT NULL REFERENCES run(id),
                        position INTEGER NOT NULL,
                        path TEXT NOT NULL,
                        format TEXT NOT NULL,
                        size INTEGER NOT NULL,
                        sha256 TEXT NOT NULL,
                        PRIMARY KEY (run_id, position)
                    );
                    CREATE TABLE finding (
                        run_id INTEGER NOT NULL REFERENCES run(id),
                        fingerprint TEXT NOT NULL,
                        rule TEXT NOT NULL, version_from TEXT NOT NULL, regime TEXT NOT NULL, severity TEXT NOT NULL,
                        case_id TEXT NOT NULL, start_id TEXT NOT NULL, status TEXT NOT NULL,
                        clock_start TEXT NOT NULL, deadline TEXT, fulfilled_at TEXT, late_by_seconds INTEGER,
                        waiver_id TEXT,
                        row_hash TEXT NOT NULL,
                        PRIMARY KEY (run_id, fingerprint)
                    );
                    """)
        }
        m.registerMigration("2026-11-22 waivers") { db in
            try db.execute(
                sql: """
                    CREATE TABLE waiver (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        rule TEXT NOT NULL, case_id TEXT,
                        justification TEXT NOT NULL, approver TEXT NOT NULL, expires TEXT,
                        recorded_at TEXT NOT NULL,
                        row_hash TEXT NOT NULL
                    );
                    CREATE TABLE waiver_revocation (
                        waiver_id INTEGER PRIMARY KEY REFERENCES waiver(id),
                        revoked_at TEXT NOT NULL, revoked_by TEXT NOT NULL, reason TEXT NOT NULL,
                        row_hash TEXT NOT NULL
                    );
                    """)
        }
        m.registerMigration("2026-11-22 incremental state") { db in
            // Working state for the next incremental run, replaced by every run (not evidence: the
            // run's inputs and findings are, in the chained tables above).
            try db.execute(
                sql: """
                    CREATE TABLE log_position (
                        run_id INTEGER NOT NULL REFERENCES run(id),
                        path TEXT NOT NULL,
                        format TEXT NOT NULL,
                        byte_offset INTEGER NOT NULL,
                        lines INTEGER NOT NULL,
                        prefix_sha256 TEXT NOT NULL,
                        PRIMARY KEY (run_id, path)
                    );
                    CREATE TABLE ingested_event (
                        id TEXT PRIMARY KEY,
                        hash TEXT NOT NULL,
                        case_id TEXT NOT NULL,
                        at_ns INTEGER NOT NULL,
                        file TEXT NOT NULL,
                        line INTEGER,
                        record TEXT
                    );
                    CREATE TABLE ingest_totals (
                        run_id INTEGER PRIMARY KEY REFERENCES run(id),
                        records INTEGER NOT NULL, events INTEGER NOT NULL, duplicates INTEGER NOT NULL, rejected INTEGER NOT NULL
                    );
                    """)
        }
        return m
    }
}

extension ObligeError.Kind {
    public static let store = ObligeError.Kind("store")
}

/// One completed run as the store holds it.
public struct StoredRun: Sendable {
    public var id: Int
    public var recordedAt: String
    public var asOf: String
    public var platform: String
    public var profileSHA256: String
    public var rulesSHA256: String
    /// Pack names, comma-separated.
    public var packs: String
    /// `full` or `incremental`.
    public var mode: String
    public var stats: IngestStats
    public var findings: Int
    public var breaches: Int
    public var activeBreaches: Int
    public var waived: Int
    public var prevHash: String
    public var hash: String
    public var inputs: [StoredInput]
}

public struct StoredInput: Sendable, Equatable {
    public var path: String
    public var format: String
    public var size: Int64
    public var sha256: String

    public init(path: String, format: String, size: Int64, sha256: String) {
        self.path = path
        self.format = format
        self.size = size
        self.sha256 = sha256
    }

    /// SHA-256 of a whole file's bytes (the platform profile a run used); nil when unreadable.
    public static func sha256(ofFile path: String) -> String? { hash(path, limit: nil)?.hex }

    /// SHA-256 of the first `length` bytes of a file; nil when the file is shorter (truncated).
    public static func prefixHash(_ path: String, length: Int64) -> String? {
        guard let (size, hex) = hash(path, limit: length), size == length else { return nil }
        return hex
    }

    /// Reads the file to hash it: what the run was computed from, byte for byte.
    public static func of(_ input: LogInput) throws(ObligeErrors) -> StoredInput {
        guard let (size, hex) = hash(input.path, limit: nil) else {
            throw ObligeErrors([ObligeError(.io, "cannot read '\(input.path)' to hash it", at: SourceLocation(file: input.path))])
        }
        return StoredInput(path: input.path, format: input.format.rawValue, size: size, sha256: hex)
    }

    /// Bytes read and their SHA-256, up to `limit` bytes (all without one); nil when unreadable.
    static func hash(_ path: String, limit: Int64?) -> (size: Int64, hex: String)? {
        guard let handle = FileHandle(forReadingAtPath: path) else { return nil }
        defer { try? handle.close() }
        var h = SHA256()
        var size: Int64 = 0
        while limit.map({ size < $0 }) ?? true {
            let want = limit.map { Int(min($0 - size, 1 << 20)) } ?? (1 << 20)
            let chunk = handle.readData(ofLength: want)
            if chunk.isEmpty { break }
            size += Int64(chunk.count)
            chunk.withUnsafeBytes { h.update(UnsafeBufferPointer(start: $0.bindMemory(to: UInt8.self).baseAddress, count: chunk.count)) }
        }
        return (size, h.hex())
    }
}

/// One finding of a stored run: what diffs and CI formats need, not the whole timeline.
public struct StoredFinding: Sendable, Equatable {
    public var fingerprint: String
    public var rule: String
    public var versionFrom: String
    public var regime: String
    public var severity: String
    public var caseID: String
    public var startID: String
    public var status: String
    public var clockStart: String
    public var deadline: String?
    public var fulfilledAt: String?
    public var lateBySeconds: Int64?
    public var waiverID: String?

    /// A breach no waiver covers.
    public var isActiveBreach: Bool { (Finding.Status(rawValue: status)?.isBreach ?? false) && waiverID == nil }

    public init(_ f: Finding) {
        fingerprint = f.fingerprint
        rule = f.rule.id
        versionFrom = f.rule.effective.from.iso8601
        regime = f.rule.regime
        severity = f.rule.severity.rawValue
        caseID = f.caseID
        startID = f.startID
        status = f.status.rawValue
        clockStart = f.clockStart.rfc3339
        deadline = f.deadline?.rfc3339
        fulfilledAt = f.fulfilment?.at.rfc3339
        lateBySeconds = f.lateBySeconds
        waiverID = f.waiver?.id
    }

    init(row: Row) {
        fingerprint = row["fingerprint"]
        rule = row["rule"]
        versionFrom = row["version_from"]
        regime = row["regime"]
        severity = row["severity"]
        caseID = row["case_id"]
        startID = row["start_id"]
        status = row["status"]
        clockStart = row["clock_start"]
        deadline = row["deadline"]
        fulfilledAt = row["fulfilled_at"]
        lateBySeconds = row["late_by_seconds"]
        waiverID = row["waiver_id"]
    }

    /// The text the row hash covers: every column, in a fixed order, unambiguous.
    var canonical: String {
        [
            fingerprint, rule, versionFrom, regime, severity, caseID, startID, status, clockStart, deadline ?? "-", fulfilledAt ?? "-",
            lateBySeconds.map(String.init) ?? "-", waiverID ?? "-",
        ].map { "\($0.utf8.count):\($0)" }.joined(separator: "|")
    }

    var rowHash: String { SHA256.hex("finding/1|" + canonical) }
}
