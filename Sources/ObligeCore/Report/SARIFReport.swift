import Foundation

/// The audit as SARIF 2.1.0, the format code-scanning dashboards read: every rule with its
/// citation, and one result per breach, located at the log line of the event that started its
/// clock and fingerprinted so a dashboard keeps one alert per obligation across runs.
///
/// A waived breach stays a result with an accepted external suppression (who waived it and why),
/// so a dashboard shows it as dismissed rather than losing it. Triggers the engine could not
/// evaluate are error notifications of the run's invocation.
public enum SARIFReport {
    /// The OASIS Standard schema (with errata 01) the output follows.
    public static let schemaURI = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
    /// The key of `partialFingerprints`: the version names the recipe (`Finding.fingerprint`).
    public static let fingerprintKey = "obligeFinding/v1"

    /// `informationURI`: where people learn about Oblige; left out when nil.
    public static func render(_ r: AuditResult, informationURI: String? = nil) -> String {
        let ids = r.rules.ids
        let index = Dictionary(uniqueKeysWithValues: ids.enumerated().map { ($1, $0) })
        let versions = Dictionary(grouping: r.rules.rules, by: \.id)

        var driver: [(String, JSONValue)] = [("name", .string("oblige"))]
        if let informationURI { driver.append(("informationUri", .string(uriEscaped(informationURI)))) }
        driver.append(("rules", .array(ids.compactMap { id in versions[id].map { reportingDescriptor(representative($0, asOf: r.asOf)) } })))

        let run: JSONValue = .object([
            ("tool", .object([("driver", .object(driver))])),
            ("invocations", .array([invocation(r, index: index)])),
            ("results", .array(r.findings.filter(\.status.isBreach).map { result($0, index: index[$0.rule.id] ?? 0, asOf: r.asOf) })),
            ("properties", .object([("asOf", .string(r.asOf.rfc3339)), ("platform", .string(r.profile.name))])),
        ])
        let root: JSONValue = .object([
            ("$schema", .string(schemaURI)),
            ("version", .string("2.1.0")),
            ("runs", .array([run])),
        ])
        return root.pretty + "\n"
    }

    /// `critical`, `high` → error; `medium` → warning; `low` → note.
    public static func level(_ s: Severity) -> String {
        switch s {
        case .critical, .high: "error"
        case .medium: "warning"
        case .low: "note"
        }
    }

    /// Of a rule's versions, the one whose metadata describes the rule: the one in force at the
    /// audit instant, else the latest that had begun, else the first.
    static func representative(_ versions: [Rule], asOf: Instant) -> Rule {
        versions.last { $0.effective.from <= $0.zone.date(of: asOf) } ?? versions[0]
    }

    static func reportingDescriptor(_ rule: Rule) -> JSONValue {
        let c = rule.citation
        let when = rule.schedule.map { "Dated duty: \($0.summary)." } ?? "\(rule.startSummary.capitalizedFirst); deadline: \(rule.deadlineSummary)."
        var full = "\(rule.title). \(when) \(c.text)."
        let notes = rule.notes.trimmingCharacters(in: .whitespacesAndNewlines)
        if !notes.isEmpty { full += "\n\n" + notes }
        var properties: [(String, JSONValue)] = [
            ("citation", .string(c.text)),
            ("confidence", .string(c.confidence.rawValue)),
            ("regime", .string(rule.regime)),
            ("severity", .string(rule.severity.rawValue)),
            ("kind", .string(rule.kind.rawValue)),
        ]
        if let v = c.verification { properties.append(("verification", .string(v))) }
        if let p = rule.penalty { properties.append(("penalty", .string(p))) }
        return .object([
            ("id", .string(rule.id)),
            ("name", .string(camelName(rule.id))),
            ("shortDescription", .object([("text", .string(rule.title))])),
            ("fullDescription", .object([("text", .string(full))])),
            ("helpUri", .string(uriEscaped(c.url))),
            ("defaultConfiguration", .object([("level", .string(level(rule.severity)))])),
            ("properties", .object(properties)),
        ])
    }

    static func result(_ f: Finding, index: Int, asOf: Instant) -> JSONValue {
        var location: [(String, JSONValue)] = []
        if let t = f.trigger { location.append(("physicalLocation", physicalLocation(t.origin))) }
        location.append(("logicalLocations", .array([.object([("name", .string(f.caseID)), ("kind", .string(f.instance == nil ? "case" : "service"))])])))

        var properties: [(String, JSONValue)] = [("status", .string(f.status.rawValue))]
        if let d = f.deadline { properties.append(("deadline", .string(d.rfc3339))) }
        if let s = f.lateBySeconds { properties.append(("lateBySeconds", .int(s))) }
        if let s = f.earlyBySeconds { properties.append(("earlyBySeconds", .int(s))) }
        properties.append(("caseId", .string(f.caseID)))
        if let t = f.trigger { properties.append(("trigger", .string(t.id))) }
        if let i = f.instance { properties.append(("instance", .string(i.label))) }

        var pairs: [(String, JSONValue)] = [
            ("ruleId", .string(f.rule.id)),
            ("ruleIndex", .int(Int64(index))),
            ("level", .string(level(f.rule.severity))),
            ("message", .object([("text", .string(BreachText.sentence(f, asOf: asOf)))])),
            ("locations", .array([.object(location)])),
            ("partialFingerprints", .object([(fingerprintKey, .string(f.fingerprint))])),
        ]
        if let w = f.waiver {
            var waiver: [(String, JSONValue)] = [("waiver", .string(w.id)), ("approver", .string(w.approver))]
            if let e = w.expires { waiver.append(("expires", .string(e.iso8601))) }
            pairs.append(("suppressions", .array([.object([
                ("kind", .string("external")),
                ("status", .string("accepted")),
                ("justification", .string(w.justification)),
                ("properties", .object(waiver)),
            ])])))
        }
        pairs.append(("properties", .object(properties)))
        return .object(pairs)
    }

    /// The run itself completed; each trigger it could not evaluate is an error notification.
    static func invocation(_ r: AuditResult, index: [String: Int]) -> JSONValue {
        var pairs: [(String, JSONValue)] = [("executionSuccessful", .bool(true))]
        if !r.problems.isEmpty {
            pairs.append(("toolExecutionNotifications", .array(r.problems.map { p in
                var n: [(String, JSONValue)] = [
                    ("level", .string("error")),
                    ("message", .object([("text", .string("Not evaluated: \(p.rule), case \(p.caseID), trigger \(p.event.id): \(p.message); fix: \(p.fix)"))])),
                    ("locations", .array([.object([("physicalLocation", physicalLocation(p.event.origin))])])),
                ]
                var rule: [(String, JSONValue)] = [("id", .string(p.rule))]
                if let i = index[p.rule] { rule.append(("index", .int(Int64(i)))) }
                n.append(("associatedRule", .object(rule)))
                return .object(n)
            })))
        }
        return .object(pairs)
    }

    /// The log file as a URI reference (a relative path stays relative) and, when known, the line.
    static func physicalLocation(_ origin: SourceLocation) -> JSONValue {
        var pairs: [(String, JSONValue)] = [("artifactLocation", .object([("uri", .string(fileURI(origin.file)))]))]
        if let line = origin.line, line > 0 { pairs.append(("region", .object([("startLine", .int(Int64(line)))]))) }
        return .object(pairs)
    }

    /// A path as a URI reference: relative paths stay relative, absolute ones become `file://`
    /// URIs; every byte but unreserved characters and `/` is percent-encoded, so spaces, `%`,
    /// `#`, `?` and a colon that would read as a scheme survive.
    static func fileURI(_ path: String) -> String {
        let encoded = percentEncoded(path) { $0 == UInt8(ascii: "/") }
        return path.hasPrefix("/") ? "file://" + encoded : encoded
    }

    /// A URL from a rule file, with anything a URI may not hold (spaces, non-ASCII) encoded and
    /// its reserved characters and existing escapes kept.
    static func uriEscaped(_ url: String) -> String {
        percentEncoded(url) { b in "%:/?#[]@!$&'()*+,;=".utf8.contains(b) }
    }

    static func percentEncoded(_ s: String, keeping keep: (UInt8) -> Bool) -> String {
        var out = ""
        for b in s.utf8 {
            let unreserved = (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) || (b >= 0x30 && b <= 0x39) || "-._~".utf8.contains(b)
            if unreserved || keep(b) {
                out.unicodeScalars.append(Unicode.Scalar(b))
            } else {
                let hex = String(b, radix: 16, uppercase: true)
                out += "%" + (hex.count == 1 ? "0" + hex : hex)
            }
        }
        return out
    }

    /// `dsa.art16.notice_ack` → `DsaArt16NoticeAck`: SARIF's readable rule name.
    static func camelName(_ id: String) -> String {
        id.split(whereSeparator: { !$0.isLetter && !$0.isNumber }).map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined()
    }
}
