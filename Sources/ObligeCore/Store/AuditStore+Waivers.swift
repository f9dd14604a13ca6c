import Foundation
import GRDB

/// A waiver as the store keeps it: the waiver, when it was recorded, and its revocation if any.
public struct StoredWaiver: Sendable {
    public var waiver: Waiver
    public var recordedAt: String
    public var revokedAt: String?
    public var revokedBy: String?
    public var revokeReason: String?

    public var number: Int { Int(waiver.id.dropFirst()) ?? 0 }
}

extension AuditStore {
    /// Records a waiver (rows are never edited: revoking adds a revocation row).
    public func addWaiver(rule: String, caseID: String?, justification: String, approver: String, expires: CivilDate?, at: Date) throws(ObligeErrors)
        -> Waiver
    {
        try access {
            try queue.write { db in
                let recorded = ISO8601DateFormatter().string(from: at)
                try db.execute(
                    sql: "INSERT INTO waiver (rule, case_id, justification, approver, expires, recorded_at, row_hash) VALUES (?, ?, ?, ?, ?, ?, '')",
                    arguments: [rule, caseID, justification, approver, expires?.iso8601, recorded])
                let id = Int(db.lastInsertedRowID)
                let w = Waiver(id: "W\(id)", rule: rule, caseID: caseID, justification: justification, approver: approver, expires: expires)
                try db.execute(sql: "UPDATE waiver SET row_hash = ? WHERE id = ?", arguments: [Self.waiverHash(w, recordedAt: recorded), id])
                return w
            }
        }
    }

    /// Revokes a waiver from now on; runs that applied it keep it in their history.
    public func revokeWaiver(_ number: Int, by: String, reason: String, at: Date) throws(ObligeErrors) {
        try access {
            try queue.write { db in
                guard try Row.fetchOne(db, sql: "SELECT id FROM waiver WHERE id = ?", arguments: [number]) != nil else {
                    throw ObligeErrors([ObligeError(.usage, "no waiver W\(number) in the store", at: SourceLocation(file: path), fix: "see `oblige waive list --store \(path)`")])
                }
                if try Row.fetchOne(db, sql: "SELECT waiver_id FROM waiver_revocation WHERE waiver_id = ?", arguments: [number]) != nil {
                    throw ObligeErrors([ObligeError(.usage, "waiver W\(number) is already revoked", at: SourceLocation(file: path))])
                }
                let when = ISO8601DateFormatter().string(from: at)
                try db.execute(
                    sql: "INSERT INTO waiver_revocation (waiver_id, revoked_at, revoked_by, reason, row_hash) VALUES (?, ?, ?, ?, ?)",
                    arguments: [number, when, by, reason, SHA256.hex(Self.revocationText(number, when, by, reason))])
            }
        }
    }

    /// Every waiver, oldest first, with its revocation.
    public func waivers() throws(ObligeErrors) -> [StoredWaiver] {
        try access {
            try queue.read { db in
                try Row.fetchAll(
                    db, sql: "SELECT w.*, r.revoked_at, r.revoked_by, r.reason FROM waiver w LEFT JOIN waiver_revocation r ON r.waiver_id = w.id ORDER BY w.id"
                ).map { row in
                    StoredWaiver(
                        waiver: Self.storedWaiver(row), recordedAt: row["recorded_at"], revokedAt: row["revoked_at"], revokedBy: row["revoked_by"],
                        revokeReason: row["reason"])
                }
            }
        }
    }

    /// The waivers not revoked (expiry is the caller's business: it depends on the audit instant).
    public func standingWaivers() throws(ObligeErrors) -> [Waiver] { try waivers().filter { $0.revokedAt == nil }.map(\.waiver) }

    static func storedWaiver(_ row: Row) -> Waiver {
        let id: Int = row["id"]
        let expires: String? = row["expires"]
        return Waiver(
            id: "W\(id)", rule: row["rule"], caseID: row["case_id"], justification: row["justification"], approver: row["approver"],
            expires: expires.flatMap { try? CivilDate.parse($0) })
    }

    static func waiverHash(_ w: Waiver, recordedAt: String) -> String {
        let fields = ["waiver/1", w.id, w.rule, w.caseID ?? "-", w.justification, w.approver, w.expires?.iso8601 ?? "-", recordedAt]
        return SHA256.hex(fields.map { "\($0.utf8.count):\($0)" }.joined(separator: "|"))
    }

    static func revocationText(_ id: Int, _ at: String, _ by: String, _ reason: String) -> String {
        ["revocation/1", "W\(id)", at, by, reason].map { "\($0.utf8.count):\($0)" }.joined(separator: "|")
    }
}
