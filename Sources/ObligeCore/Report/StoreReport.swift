/// The store's history for people and programs: runs, one run, a diff, waivers, verification.
public enum StoreReport {
    public static func runsText(_ runs: [StoredRun]) -> String {
        guard !runs.isEmpty else { return "No runs recorded yet.\n" }
        var rows = [["run", "recorded", "as of", "mode", "findings", "breaches", "active", "waived", "hash"]]
        for r in runs {
            rows.append([
                "\(r.id)", r.recordedAt, r.asOf, r.mode, "\(r.findings)", "\(r.breaches)", "\(r.activeBreaches)", "\(r.waived)", String(r.hash.prefix(16)),
            ])
        }
        var out = ExposureReport.table(rows, rightAligned: [0, 4, 5, 6, 7])
        if let last = runs.last { out += "Head of the chain: \(last.hash)\n" }
        return out
    }

    public static func runText(_ r: StoredRun, findings: [StoredFinding]) -> String {
        var out = "Run \(r.id) · \(r.platform) · as of \(r.asOf) · recorded \(r.recordedAt) · \(r.mode)\n"
        for i in r.inputs { out += "  input \(i.path) (\(i.format), \(i.size) bytes, sha256 \(i.sha256))\n" }
        out += "  profile sha256 \(r.profileSHA256)\n  rules sha256 \(r.rulesSHA256) (\(r.packs))\n"
        let s = r.stats
        out += "  \(s.records) records, \(s.events) events, \(s.duplicates) duplicates, \(s.rejected) rejected, \(s.cases) cases\n"
        out += "  \(r.findings) findings, \(r.breaches) breaches (\(r.activeBreaches) active, \(r.waived) waived)\n"
        out += "  hash \(r.hash)\n  previous \(r.prevHash)\n"
        let breaches = findings.filter { Finding.Status(rawValue: $0.status)?.isBreach ?? false }
        if !breaches.isEmpty {
            out += "\nBreaches:\n"
            for f in breaches.sorted(by: { ($0.rule, $0.caseID) < ($1.rule, $1.caseID) }) {
                out += "  \(f.status.padding(toLength: 8, withPad: " ", startingAt: 0)) \(f.rule) · \(f.caseID) · \(f.startID)"
                if let w = f.waiverID { out += " · waived (\(w))" }
                out += "\n"
            }
        }
        return out
    }

    public static func diffText(_ d: RunDiff, listUnchanged: Bool = false) -> String {
        var out = "Run \(d.to)"
        guard d.from != nil else {
            return out + " is the first in this store: \(d.entries.count) findings recorded, nothing to compare with.\n"
        }
        out += d.from.map { " against run \($0)" } ?? ""
        out += ": \(d.count(.new)) new, \(d.count(.resolved)) resolved, \(d.count(.changed)) changed, \(d.count(.unchanged)) unchanged\n"
        for kind in [RunDiff.Kind.new, .resolved, .changed] + (listUnchanged ? [.unchanged] : []) {
            let entries = d.entries(kind)
            guard !entries.isEmpty else { continue }
            out += "\n\(kind.rawValue.uppercased()) (\(entries.count))\n"
            for e in entries {
                let f = e.finding
                out += "  \(f.rule) · \(f.caseID) · \(f.startID): \(e.transition)\n"
            }
        }
        return out
    }

    public static func diffJSON(_ d: RunDiff) -> JSONValue {
        func state(_ f: StoredFinding?) -> JSONValue {
            guard let f else { return .null }
            return .object([("status", .string(f.status)), ("waiver", .optional(f.waiverID))])
        }
        return .object([
            ("from_run", d.from.map { .int(Int64($0)) } ?? .null), ("to_run", .int(Int64(d.to))),
            ("counts", .object(RunDiff.Kind.allCases.map { ($0.rawValue, .int(Int64(d.count($0)))) })),
            ("entries", .array(d.entries.filter { $0.kind != .unchanged }.map { e in
                .object([
                    ("kind", .string(e.kind.rawValue)), ("fingerprint", .string(e.finding.fingerprint)), ("rule", .string(e.finding.rule)),
                    ("case", .string(e.finding.caseID)), ("start", .string(e.finding.startID)), ("before", state(e.before)), ("after", state(e.after)),
                ])
            })),
        ])
    }

    public static func waiversText(_ ws: [StoredWaiver], asOf: Instant) -> String {
        guard !ws.isEmpty else { return "No waivers recorded.\n" }
        var out = ""
        for s in ws {
            let w = s.waiver
            let state = s.revokedAt.map { "revoked \($0) by \(s.revokedBy ?? "?"): \(s.revokeReason ?? "")" }
                ?? (w.isExpired(asOf: asOf) ? "expired \(w.expires?.iso8601 ?? "")" : "in force" + (w.expires.map { " until \($0) (UTC, inclusive)" } ?? ", no expiry"))
            out += "\(w.id)  \(w.rule)\(w.caseID.map { " · case \($0)" } ?? " · every case")  [\(state)]\n"
            out += "    approved by \(w.approver), recorded \(s.recordedAt)\n    \(w.justification)\n"
        }
        return out
    }
}
