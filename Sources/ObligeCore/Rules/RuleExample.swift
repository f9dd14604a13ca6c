import Yams

/// A worked example from a rule file: given a platform and some events, what the rule must find.
///
/// Legal teams test rules the way Catala and OpenFisca test legislation: each example states a
/// situation the law's wording decides (the boundary instant, the day not counted, a roll-over,
/// the amendment date) and the verdict it gives. `oblige rules test` runs them all.
public struct RuleExample: Sendable {
    public var name: String
    /// The rule id the example tests.
    public var rule: String
    /// The edge of the law's wording the example pins, in words (shown when it fails).
    public var edge: String?
    public var profile: PlatformProfile
    public var events: [Event]
    public var asOf: Instant
    /// The rule's findings, in order (trigger instant, case). Empty: the rule must not bind.
    public var expect: [Expectation]
    public var origin: SourceLocation

    /// What one finding must be. Unset fields are not checked.
    public struct Expectation: Sendable {
        public var status: Finding.Status
        /// Nil with `suspended` true: the clock stands still, no deadline runs; nil with
        /// `noDeadline` true (`deadline: none`): a check, which has no clock.
        public var deadline: Instant?
        public var suspended: Bool
        public var noDeadline: Bool = false
        public var lateBySeconds: Int64?
        public var earlyBySeconds: Int64?
        public var fulfilledBy: String?
        public var versionFrom: CivilDate?
        public var caseID: String?
        /// For dated duties: the instance label (`2025`, `2025-H2`, `#2`).
        public var instance: String?
        public var origin: SourceLocation
    }
}

/// Reads the `examples:` document of a rule file.
///
/// ```yaml
/// ---
/// profile: {platform: Example, enterprise_size: large, services: [{id: main, kinds: [hosting]}]}
/// examples:
///   - name: Removal 59 minutes after receipt is on time
///     edge: the boundary instant
///     events:
///       - {type: order.received, at: "2025-03-29T10:00:00+01:00", order_kind: removal}
///       - {type: content.removed, at: "2025-03-29T10:59:00+01:00"}
///     expect: {status: met, deadline: "2025-03-29T11:00:00+01:00"}
/// ```
struct ExampleParser {
    let reader: YAMLReader
    /// The rule ids defined in the same file; an example names one when there are several.
    let ruleIDs: [String]

    static let docKeys = ["rule", "profile", "examples"]
    static let exampleKeys = ["name", "rule", "edge", "profile", "events", "as_of", "expect"]
    static let expectKeys = ["status", "deadline", "late_by", "early_by", "fulfilled_by", "version_from", "case", "instance"]

    static func isExamplesDocument(_ node: Node) -> Bool {
        guard case .mapping(let m) = node else { return false }
        return m.keys.contains { $0.scalar?.string == "examples" }
    }

    func parse(_ doc: Node) -> [RuleExample] {
        let r = reader
        guard let m = r.mapping(doc, "examples document", allowed: Self.docKeys, required: ["examples"]) else { return [] }
        let defaultRule = m["rule"].flatMap { r.string($0, "rule") }
        let defaultProfile = m["profile"].flatMap { PlatformProfile.parse($0, r, r.file) }
        guard let items = r.list(m["examples"], "examples") else { return [] }
        var names = Set<String>()
        return items.compactMap { item in
            guard let e = example(item, defaultRule: defaultRule, defaultProfile: defaultProfile) else { return nil }
            if !names.insert(e.rule + "\u{0}" + e.name).inserted {
                r.error(item, "two examples of \(e.rule) are named '\(e.name)'", fix: "give each example its own name")
            }
            return e
        }
    }

    private func example(_ node: Node, defaultRule: String?, defaultProfile: PlatformProfile?) -> RuleExample? {
        let r = reader
        let before = r.errors.count
        guard let m = r.mapping(node, "example", allowed: Self.exampleKeys, required: ["name", "expect"]) else { return nil }
        let name = r.string(m["name"], "name") ?? ""
        let rule = m["rule"].flatMap { r.string($0, "rule") } ?? defaultRule ?? (Set(ruleIDs).count == 1 ? ruleIDs.first : nil)
        if rule == nil {
            r.error(node, "example '\(name)': which rule does it test?", fix: "add `rule: ID`; this file defines \(Set(ruleIDs).sorted().joined(separator: ", "))")
        } else if let rule, !ruleIDs.contains(rule) {
            r.error(m["rule"], "example '\(name)' tests '\(rule)', which this file does not define", fix: "examples live in the file of the rule they test")
        }
        let profile = m["profile"].flatMap { PlatformProfile.parse($0, r, r.file) } ?? defaultProfile
        if profile == nil, m["profile"] == nil {
            r.error(node, "example '\(name)' has no platform profile", fix: "add `profile:` to the example or once at the top of the examples document")
        }

        var events: [Event] = []
        for (i, en) in (r.list(m["events"], "events") ?? []).enumerated() {
            if let e = event(en, index: i) {
                if events.contains(where: { $0.id == e.id }) { r.error(en, "event id '\(e.id)' is used twice in this example") }
                events.append(e)
            }
        }
        let asOf: Instant?
        if let n = m["as_of"] {
            asOf = instant(n, "as_of")
        } else if let last = events.map(\.at).max() {
            asOf = last
        } else {
            r.error(node, "example '\(name)' has no events and no as_of", fix: "add `as_of:` (the audit instant)")
            asOf = nil
        }

        var expect: [RuleExample.Expectation] = []
        if let en = m["expect"] {
            if case .scalar(let s) = en, s.string == "none" {
                expect = []
            } else if case .sequence(let seq) = en {
                if seq.isEmpty { r.error(en, "write `expect: none` when the rule must not bind") }
                expect = seq.compactMap(expectation)
            } else if let one = expectation(en) {
                expect = [one]
            }
        }
        guard r.errors.count == before, let rule, let profile, let asOf else { return nil }
        return RuleExample(name: name, rule: rule, edge: m["edge"].flatMap { r.string($0, "edge") }, profile: profile, events: events, asOf: asOf, expect: expect, origin: r.location(m["name"]))
    }

    /// `{type: …, at: …, id?, case?, …attributes}`: the canonical log record, with `id` defaulting
    /// to e1, e2, … and `case` to case-1.
    private func event(_ node: Node, index: Int) -> Event? {
        let r = reader
        guard let entries = r.freeMapping(node, "event") else { return nil }
        var fields: [(String, RawValue)] = []
        for (key, keyNode, value) in entries {
            switch value {
            case .scalar(let s): fields.append((key, .string(s.string)))
            case .sequence(let seq):
                var items: [RawValue] = []
                for item in seq {
                    guard case .scalar(let s) = item else {
                        r.error(item, "attribute '\(key)': a list may hold only values")
                        return nil
                    }
                    items.append(.string(s.string))
                }
                fields.append((key, .list(items)))
            default:
                r.error(keyNode, "attribute '\(key)' must be a value or a list of values")
                return nil
            }
        }
        if !entries.contains(where: { $0.key == "id" }) { fields.append(("id", .string("e\(index + 1)"))) }
        if !entries.contains(where: { $0.key == "case" }) { fields.append(("case", .string("case-1"))) }
        do {
            return try EventBuilder.build(fields: fields, origin: r.location(node))
        } catch {
            r.error(node, "event: \(error.reason)", fix: error.fix)
            return nil
        }
    }

    private func expectation(_ node: Node) -> RuleExample.Expectation? {
        let r = reader
        guard let m = r.mapping(node, "expect", allowed: Self.expectKeys, required: ["status", "deadline"]),
            let status = m["status"].flatMap({ r.oneOf($0, "status", Finding.Status.allCases.map(\.rawValue)) }).flatMap(Finding.Status.init(rawValue:))
        else { return nil }
        var deadline: Instant?
        var suspended = false
        var noDeadline = false
        if case .scalar(let s)? = m["deadline"], s.string == "suspended" {
            suspended = true
        } else if case .scalar(let s)? = m["deadline"], s.string == "none" {
            noDeadline = true
        } else if let n = m["deadline"] {
            deadline = instant(n, "deadline")
        }
        return RuleExample.Expectation(
            status: status, deadline: deadline, suspended: suspended, noDeadline: noDeadline,
            lateBySeconds: m["late_by"].flatMap { seconds($0, "late_by") },
            earlyBySeconds: m["early_by"].flatMap { seconds($0, "early_by") },
            fulfilledBy: m["fulfilled_by"].flatMap { r.string($0, "fulfilled_by") },
            versionFrom: m["version_from"].flatMap { r.date($0, "version_from") },
            caseID: m["case"].flatMap { r.string($0, "case") },
            instance: m["instance"].flatMap { r.string($0, "instance") },
            origin: r.location(node))
    }

    private func instant(_ node: Node, _ what: String) -> Instant? {
        guard let text = reader.string(node, what) else { return nil }
        do { return try Instant.parseRFC3339(text) } catch {
            reader.error(node, "\(what): '\(text)' is not an RFC 3339 date-time (\(EventBuilder.describe(error)))", fix: "e.g. \"2025-03-29T11:00:00+01:00\"")
            return nil
        }
    }

    /// Lateness is real time: days count as 24 hours here, months and years are refused.
    private func seconds(_ node: Node, _ what: String) -> Int64? {
        guard let text = reader.string(node, what) else { return nil }
        do {
            let d = try ISODuration.parse(text)
            guard d.years == 0, d.months == 0 else {
                reader.error(node, "\(what): '\(text)' counts months or years; lateness is elapsed time", fix: "write days and hours, e.g. P3DT4H")
                return nil
            }
            return Int64(d.weeks) * 604_800 + Int64(d.days) * 86_400 + d.elapsedSeconds
        } catch {
            reader.error(node, "\(what): \(error.message)")
            return nil
        }
    }
}
