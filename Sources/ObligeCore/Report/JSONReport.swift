/// The machine-readable audit: one JSON document, or one finding per line.
public enum JSONReport {
    /// `{as_of, platform, summary, problems, findings}`.
    public static func document(_ r: AuditResult, includeMet: Bool = true, extra: [(String, JSONValue)] = []) -> String {
        let findings = r.findings.filter { includeMet || $0.status != .met }
        let root: JSONValue = .object([
            ("oblige", .string("audit")),
            ("format_version", .int(1)),
            ("as_of", .string(r.asOf.rfc3339)),
            ("platform", .string(r.profile.name)),
            ("logs", .array(r.logs.map { .object([("path", .string($0.path)), ("format", .string($0.format.rawValue))]) })),
            ("summary", summary(r)),
            ("problems", .array(r.problems.map(problem))),
            ("findings", .array(findings.map(finding))),
        ] + extra)
        return root.pretty + "\n"
    }

    /// One compact JSON object per finding, newline-terminated.
    public static func lines(_ r: AuditResult, includeMet: Bool = true) -> String {
        var out: [UInt8] = []
        let renderer = LineRenderer(rules: r.rules)
        for f in r.findings where includeMet || f.status != .met { out += renderer.line(f) }
        return String(decoding: out, as: UTF8.self)
    }

    /// One finding as a line of `lines`, in UTF-8: for findings streamed as they are made.
    public static func line(_ f: Finding) -> [UInt8] {
        // A finding with its timeline takes a few kilobytes.
        var bytes: [UInt8] = []
        bytes.reserveCapacity(4096)
        finding(f).write(into: &bytes, indent: nil, level: 0)
        bytes.append(10)
        return bytes
    }

    /// `{met: n, late: n, …}` with every status, in a fixed order.
    static func statusCounts(_ count: (Finding.Status) -> Int) -> JSONValue {
        .object(Finding.Status.allCases.map { ($0.rawValue, .int(Int64(count($0)))) })
    }

    /// Counted over every finding, also when only some were kept (`AuditResult.tally`).
    static func summary(_ r: AuditResult) -> JSONValue {
        let tally = r.tally
        let byRule: [(String, JSONValue)] = r.rules.ids.map { id in (id, statusCounts { tally.byRule[id]?[$0] ?? 0 }) }
        let breaches = tally.count(.overdue) + tally.count(.late) + tally.count(.violated)
        let active = tally.activeBreaches
        return .object([
            ("records", .int(Int64(r.stats.records))),
            ("events_read", .int(Int64(r.stats.events))),
            ("duplicates", .int(Int64(r.stats.duplicates))),
            ("rejected", .int(Int64(r.stats.rejected))),
            ("after_as_of", .int(Int64(r.stats.afterAsOf))),
            ("cases", .int(Int64(r.stats.cases))),
            ("findings", .int(Int64(tally.findings))),
            ("breaches", .int(Int64(breaches))),
            ("waived", .int(Int64(breaches - active))),
            ("active_breaches", .int(Int64(active))),
            ("problems", .int(Int64(r.problems.count))),
            ("by_status", statusCounts(tally.count)),
            ("by_rule", .object(byRule)),
        ])
    }

    static func problem(_ p: EvaluationProblem) -> JSONValue {
        .object([
            ("rule", .string(p.rule)), ("case", .string(p.caseID)), ("event", .string(p.event.id)),
            ("file", .string(p.event.origin.file)), ("line", .int(Int64(p.event.origin.line ?? 0))),
            ("message", .string(p.message)), ("fix", .string(p.fix)),
        ])
    }

    static func instance(_ i: DutyInstance) -> JSONValue { JSONPairs.object { instanceFields(i, into: &$0) } }

    static func instanceFields<F: JSONFields>(_ i: DutyInstance, into o: inout F) {
        o.add("label", string: i.label)
        o.add("service", string: i.service)
        o.add("period_start", string: i.periodStart?.iso8601)
        o.add("period_end", string: i.periodEnd?.iso8601)
    }

    /// `{id, approver, justification, expires}`; `expires` is the last day (UTC) or null.
    static func waiverFields<F: JSONFields>(_ w: Waiver, into o: inout F) {
        o.add("id", string: w.id)
        o.add("approver", string: w.approver)
        o.add("justification", string: w.justification)
        o.add("expires", string: w.expires?.iso8601)
    }

    public static func finding(_ f: Finding) -> JSONValue { .object(rulePairs(f.rule) + findingPairs(f)) }

    /// The fields of a finding that are its rule's, the same in all its findings: they come first.
    static func rulePairs(_ rule: Rule) -> [(String, JSONValue)] {
        let c = rule.citation
        var citation: [(String, JSONValue)] = [("text", .string(c.text)), ("instrument", .string(c.instrument))]
        if let a = c.article { citation.append(("article", .string(a))) }
        if let s = c.section { citation.append(("section", .string(s))) }
        if let p = c.paragraph { citation.append(("paragraph", .string(p))) }
        if let p = c.point { citation.append(("point", .string(p))) }
        citation.append(("url", .string(c.url)))
        citation.append(("confidence", .string(c.confidence.rawValue)))
        if let v = c.verification { citation.append(("verification", .string(v))) }
        return [
            ("rule", .string(rule.id)),
            ("version_from", .string(rule.effective.from.iso8601)),
            ("title", .string(rule.title)),
            ("regime", .string(rule.regime)),
            ("citation", .object(citation)),
        ]
    }

    /// The fields of a finding after its rule's.
    static func findingPairs(_ f: Finding) -> [(String, JSONValue)] {
        var o = JSONPairs()
        findingFields(f, into: &o)
        return o.pairs
    }

    /// `findingPairs`, into a tree or as text.
    static func findingFields<F: JSONFields>(_ f: Finding, into o: inout F) {
        let zone = f.rule.zone
        o.add("case", string: f.caseID)
        o.add("service", string: f.service)
        o.add("trigger", string: f.trigger?.id)
        o.add("trigger_type", string: f.trigger?.type)
        // A check's breach is a record: name where it was read. Only checks, so that the other
        // findings stay the same whatever the log's file and format.
        o.add("record", string: f.rule.kind == .check ? f.trigger.map { "\($0.origin)" } : nil)
        if let i = f.instance { o.add("instance", object: { instanceFields(i, into: &$0) }) } else { o.add("instance", .null) }
        o.add("status", string: f.status.rawValue)
        if let w = f.waiver { o.add("waiver", object: { waiverFields(w, into: &$0) }) } else { o.add("waiver", .null) }
        o.add("severity", string: f.rule.severity.rawValue)
        o.add("kind", string: f.rule.kind.rawValue)
        o.add("trigger_at", string: f.trigger?.at.rfc3339)
        o.add("clock_start", string: f.clockStart.rfc3339)
        o.add("deadline", string: f.deadline?.rfc3339)
        o.add("zone", string: zone.identifier)
        o.add("deadline_local", string: f.deadline.map { zone.format($0) })
        o.add("fulfilled_at", string: f.fulfilment?.at.rfc3339)
        o.add("fulfilled_by", string: f.fulfilment?.id)
        o.add("late_by_seconds", int: f.lateBySeconds)
        o.add("early_by_seconds", int: f.earlyBySeconds)
        switch f.computation?.basis {
        case .platformTarget(let name, let duration)?:
            o.add("measured_against", string: "platform_target")
            o.add("target") { t in
                t.add("name", string: name)
                t.add("duration", string: duration)
            }
        case .authority(let attribute)?:
            o.add("measured_against", string: "authority_date")
            o.add("target") { t in t.add("attribute", string: attribute) }
        default:
            o.add("measured_against", string: "law")
            o.add("target", .null)
        }
        o.add("penalty", string: f.rule.penalty)
        o.add("deadline_rule", string: f.rule.deadlineSummary)
        o.add("computation", strings: f.computation?.steps ?? [])
        o.add("clock", objects: f.clockNotes) { n, c in
            c.add("event", string: n.event.id)
            c.add("type", string: n.event.type)
            c.add("at", string: n.event.at.rfc3339)
            c.add("effect", string: n.effect)
            c.add("applied", .bool(n.applied))
        }
        o.add("events", objects: f.caseEvents) { e, fields in JSONWriter.eventFields(e, into: &fields) }
    }
}

extension JSONReport {
    /// `line(_:)` for the findings of one rule library, with each rule's own fields (id, title,
    /// citation with its verification note: half of a line) rendered once, not for every finding:
    /// for the findings of a large audit, streamed one by one. The lines are `line(_:)`'s, byte for
    /// byte.
    public struct LineRenderer: Sendable {
        /// Each rule's fields as they stand inside a line's braces, by rule.
        private let prefixes: [ObjectIdentifier: [UInt8]]

        public init(rules: RuleSet) {
            var prefixes: [ObjectIdentifier: [UInt8]] = [:]
            for rule in rules.rules { prefixes[ObjectIdentifier(rule)] = Self.inner(.object(JSONReport.rulePairs(rule))) }
            self.prefixes = prefixes
        }

        /// A compact object's text without its braces.
        private static func inner(_ object: JSONValue) -> [UInt8] { Array(object.bytes.dropFirst().dropLast()) }

        public func line(_ f: Finding) -> [UInt8] {
            guard let prefix = prefixes[ObjectIdentifier(f.rule)] else { return JSONReport.line(f) }
            // A finding with its timeline takes a few kilobytes. Its own fields are written as
            // text, with no tree made.
            var text = JSONText(capacity: 4096)
            text.open()
            text.add(fields: prefix)
            JSONReport.findingFields(f, into: &text)
            text.close()
            text.bytes.append(10)
            return text.bytes
        }
    }
}
