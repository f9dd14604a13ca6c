import Foundation
import Yams

/// Reads a rule library: `vocabulary.yaml`, `calendars/*.yaml`, `penalties/*.yaml` and one folder
/// per pack (`tco/`, `dsa/`, …) of rule files.
///
/// Everything is checked on load and every problem is reported at once, with file, line and
/// column. A rule set that loads is one the engine can trust: no unknown keys, durations,
/// zones, calendars, event types or attributes, and no two versions of a rule in force at once.
public enum RuleLoader {
    /// Folders in a library root that are not rule packs.
    static let reservedFolders: Set<String> = ["calendars", "penalties"]

    /// Loads the library at `root`, or only the packs under `packs` when given (each a folder
    /// inside a library, or a single rule file). Throws `ObligeErrors` listing every problem.
    public static func load(root: String, packs: [String]? = nil) throws(ObligeErrors) -> RuleSet {
        var errors: [ObligeError] = []
        let fm = FileManager.default
        var isDir: ObjCBool = false
        guard fm.fileExists(atPath: root, isDirectory: &isDir), isDir.boolValue else {
            throw ObligeErrors([
                ObligeError(.rules, "rule directory '\(root)' does not exist", fix: "pass --rules DIR pointing at a folder such as Rules/")
            ])
        }

        // Vocabulary.
        var vocabulary = Vocabulary()
        let vocabPath = (root as NSString).appendingPathComponent("vocabulary.yaml")
        if let text = read(vocabPath, &errors) {
            let (v, e) = Vocabulary.load(file: vocabPath, text: text)
            errors += e
            vocabulary.merge(v, errors: &errors)
        } else if errors.isEmpty {
            errors.append(ObligeError(.rules, "no vocabulary.yaml in '\(root)'", fix: "a rule library needs the event vocabulary; see docs/events.md"))
        }

        // Calendars.
        var calendars: [String: HolidayCalendar] = [:]
        let calDir = (root as NSString).appendingPathComponent("calendars")
        for file in yamlFiles(in: calDir) where !file.hasSuffix("/EXCEPTIONS.yaml") {
            guard let text = read(file, &errors) else { continue }
            let (cal, e) = HolidayCalendar.load(file: file, text: text)
            errors += e
            guard let cal else { continue }
            let expected = ((file as NSString).lastPathComponent as NSString).deletingPathExtension
            if cal.id != expected {
                errors.append(ObligeError(.calendar, "calendar id '\(cal.id)' does not match its file name '\(expected).yaml'", at: cal.origin, fix: "rename the file or the id"))
            } else if calendars[cal.id] != nil {
                errors.append(ObligeError(.calendar, "calendar '\(cal.id)' is defined twice", at: cal.origin))
            } else {
                calendars[cal.id] = cal
            }
        }

        // Pack vocabularies first (rules may use the types they add), then rules.
        let packDirs = (try? fm.contentsOfDirectory(atPath: root))?.sorted().filter { name in
            var d: ObjCBool = false
            return !reservedFolders.contains(name) && !name.hasPrefix(".")
                && fm.fileExists(atPath: (root as NSString).appendingPathComponent(name), isDirectory: &d) && d.boolValue
        } ?? []
        var ruleFiles: [(pack: String, file: String)] = []
        for pack in packDirs {
            let dir = (root as NSString).appendingPathComponent(pack)
            for file in yamlFiles(in: dir) {
                if (file as NSString).lastPathComponent == "vocabulary.yaml" {
                    if let text = read(file, &errors) {
                        let (v, e) = Vocabulary.load(file: file, text: text)
                        errors += e
                        vocabulary.merge(v, errors: &errors)
                    }
                } else if isSelected(file, packs) {
                    ruleFiles.append((pack, file))
                }
            }
        }
        if let packs {
            for p in packs where !fm.fileExists(atPath: p) {
                errors.append(ObligeError(.rules, "'\(p)' does not exist", fix: "name a pack folder inside \(root) or a rule file"))
            }
        }

        var rules: [Rule] = []
        var examples: [RuleExample] = []
        for (pack, file) in ruleFiles {
            guard let text = read(file, &errors) else { continue }
            let (r, docs) = YAMLReader.documents(file: file, text: text, kind: .rules)
            // A file holds the versions of its rule(s), then optionally their worked examples.
            let exampleDocs = docs.filter(ExampleParser.isExamplesDocument)
            var ids: [String] = []
            for doc in docs where !ExampleParser.isExamplesDocument(doc) {
                if let rule = RuleParser(reader: r, vocabulary: vocabulary, calendars: calendars, pack: pack).parse(doc) {
                    rules.append(rule)
                    ids.append(rule.id)
                } else if case .mapping(let m) = doc, let id = m["id"]?.scalar?.string {
                    ids.append(id)
                }
            }
            for doc in exampleDocs {
                examples += ExampleParser(reader: r, ruleIDs: ids).parse(doc)
            }
            errors += r.errors
        }

        // Versions of one id must not be in force at the same time.
        let byID = Dictionary(grouping: rules, by: \.id)
        for (id, versions) in byID.sorted(by: { $0.key < $1.key }) where versions.count > 1 {
            for i in 0..<versions.count {
                for j in (i + 1)..<versions.count where versions[i].effective.overlaps(versions[j].effective) {
                    errors.append(
                        ObligeError(
                            .rules,
                            "duplicate rule id '\(id)': this version (\(versions[j].effective.text)) overlaps the one at \(versions[i].origin) (\(versions[i].effective.text))",
                            at: versions[j].origin,
                            fix: "give each rule its own id, or make versions of one rule follow each other: `until` of one = `from` of the next"))
                }
            }
        }
        let penalties = PenaltyBook.load(dir: (root as NSString).appendingPathComponent("penalties"), rules: rules, errors: &errors)
        if !errors.isEmpty { throw ObligeErrors(errors) }
        return RuleSet(rules: rules, vocabulary: vocabulary, calendars: calendars, root: root, examples: examples, penalties: penalties)
    }

    private static func isSelected(_ file: String, _ packs: [String]?) -> Bool {
        guard let packs else { return true }
        let abs = URL(fileURLWithPath: file).standardizedFileURL.path
        return packs.contains { p in
            let pa = URL(fileURLWithPath: p).standardizedFileURL.path
            return abs == pa || abs.hasPrefix(pa.hasSuffix("/") ? pa : pa + "/")
        }
    }

    static func yamlFiles(in dir: String) -> [String] {
        // A folder given as a symbolic link is read through it (Foundation's enumerator on Linux
        // does not descend into a link), but files keep the path the user gave.
        let real = URL(fileURLWithPath: dir).resolvingSymlinksInPath().path
        guard let e = FileManager.default.enumerator(atPath: real) else { return [] }
        var out: [String] = []
        while let rel = e.nextObject() as? String {
            if rel.hasSuffix(".yaml") || rel.hasSuffix(".yml") {
                out.append((dir as NSString).appendingPathComponent(rel))
            }
        }
        return out.sorted()
    }

    static func read(_ path: String, _ errors: inout [ObligeError]) -> String? {
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        guard let data = FileManager.default.contents(atPath: path) else {
            errors.append(ObligeError(.io, "cannot read '\(path)'", at: SourceLocation(file: path), fix: "check permissions"))
            return nil
        }
        guard let text = String(data: data, encoding: .utf8) else {
            errors.append(ObligeError(.rules, "'\(path)' is not UTF-8 text", at: SourceLocation(file: path), fix: "save it as UTF-8"))
            return nil
        }
        return text
    }
}

/// Turns one YAML document into a `Rule`, recording every problem in the reader.
struct RuleParser {
    let reader: YAMLReader
    let vocabulary: Vocabulary
    let calendars: [String: HolidayCalendar]
    let pack: String

    static let keys = [
        "id", "title", "regime", "citation", "notes", "zone", "effective", "applies_to", "kind", "trigger", "schedule",
        "fulfilled_by", "ended_by", "earlier_fulfilment_counts", "deadline", "restart_on", "suspend_on", "extend_on", "severity",
        "penalty",
    ]

    func parse(_ doc: Node) -> Rule? {
        let r = reader
        let before = r.errors.count
        guard
            let m = r.mapping(
                doc, "rule", allowed: Self.keys,
                required: ["id", "title", "regime", "citation", "notes", "zone", "effective", "applies_to", "severity"])
        else { return nil }
        let dated = m["schedule"] != nil
        let kind: Rule.Kind = m["kind"].flatMap { r.oneOf($0, "kind", ["deadline", "hold", "check"]) }.flatMap(Rule.Kind.init(rawValue:)) ?? .deadline
        if dated, m["trigger"] != nil {
            r.error(m["schedule"], "a rule has a trigger or a schedule, not both", fix: "a dated duty falls due from its schedule; remove the trigger")
        } else if !dated, m["trigger"] == nil {
            r.error(doc, "rule: missing required key 'trigger'", fix: "add `trigger: EVENT` (or `schedule:` for a dated duty)")
        }
        if kind == .check {
            // The trigger is the breach: nothing discharges it and no clock runs.
            for key in ["schedule", "deadline", "fulfilled_by", "ended_by", "restart_on", "suspend_on", "extend_on", "earlier_fulfilment_counts"] where m[key] != nil {
                r.error(m[key], "a check rule takes no \(key): its trigger is itself the breach, with no clock and nothing that fulfils it", fix: "remove \(key), or use kind: deadline")
            }
        } else if dated {
            for key in ["deadline", "restart_on", "suspend_on", "extend_on", "earlier_fulfilment_counts"] where m[key] != nil {
                r.error(m[key], "a dated duty (schedule) takes no \(key): its due dates come from the schedule")
            }
        } else if m["deadline"] == nil {
            r.error(doc, "rule: missing required key 'deadline'", fix: "add `deadline:` (elapsed, calendar, attribute, target or at_trigger)")
        }

        let regime = r.string(m["regime"], "regime") ?? ""
        if regime != pack {
            r.error(m["regime"], "regime '\(regime)' does not match the pack folder '\(pack)'", fix: "set regime: \(pack), or move the file")
        }
        let id = r.dottedID(m["id"], regime: regime, example: "tco.art3.removal-order")

        let zone: ZoneClock? = r.string(m["zone"], "zone").flatMap { name in
            if let z = ZoneClock(identifier: name) { return z }
            r.error(m["zone"], "unknown time zone '\(name)'", fix: "use an IANA zone such as Europe/Brussels, Europe/Berlin, Europe/London, Australia/Sydney, America/New_York")
            return nil
        }

        if dated, kind == .hold { r.error(m["kind"], "a dated duty is a deadline, not a hold") }
        let schedule = m["schedule"].flatMap(self.schedule)
        let trigger = m["trigger"].flatMap { matcher($0, "trigger") }
        let fulfilmentKey = kind == .hold ? "ended_by" : "fulfilled_by"
        let wrongKey = kind == .hold ? "fulfilled_by" : "ended_by"
        if let wrong = m[wrongKey], kind != .check {
            r.error(wrong, "a \(kind.rawValue) rule uses \(fulfilmentKey), not \(wrongKey)", fix: "rename the key to \(fulfilmentKey)")
        }
        if m[fulfilmentKey] == nil, kind != .check { r.error(doc, "rule: missing required key '\(fulfilmentKey)'", fix: "list the event(s) that \(kind == .hold ? "end the hold" : "discharge the duty")") }
        let fulfilledBy = kind == .check ? [] : matchers(m[fulfilmentKey], fulfilmentKey)
        let earlierCounts = m["earlier_fulfilment_counts"].flatMap { r.bool($0, "earlier_fulfilment_counts") } ?? false
        if earlierCounts, kind == .hold { r.error(m["earlier_fulfilment_counts"], "a hold cannot end before it starts") }
        let restartOn = matchers(m["restart_on"], "restart_on")
        let suspendOn = matchers(m["suspend_on"], "suspend_on")
        let extendOn = extensions(m["extend_on"])
        let deadline = dated || kind == .check ? DeadlineSpec.atTrigger : m["deadline"].flatMap { deadlineSpec($0, trigger: trigger, kind: kind, nested: false) }
        if kind == .hold, !restartOn.isEmpty || !suspendOn.isEmpty || !extendOn.isEmpty {
            r.error(doc, "a hold rule cannot restart, suspend or extend its period")
        }

        let severity = m["severity"].flatMap { r.oneOf($0, "severity", Severity.allCases.map(\.rawValue)) }.flatMap(Severity.init(rawValue:))
        let penalty = m["penalty"].flatMap { r.string($0, "penalty") }
        if let penalty, penalty.range(of: #"^[a-z0-9-]+(\.[a-z0-9-]+)+$"#, options: .regularExpression) == nil {
            r.error(m["penalty"], "penalty '\(penalty)' is not a provision id", fix: "e.g. dsa.art52-3")
        }
        let citation = m["citation"].flatMap(r.citation)
        let effective = m["effective"].flatMap(r.effective)
        let applies = m["applies_to"].flatMap(self.applicability)
        let notes = r.string(m["notes"], "notes") ?? ""
        let title = r.string(m["title"], "title") ?? ""

        guard r.errors.count == before, let zone, trigger != nil || schedule != nil, let deadline, let severity, let citation, let effective,
            let applies
        else {
            return nil
        }
        if case .chain(let anchors, _)? = schedule?.form, anchors.contains(where: { if case .after(.designation, _) = $0 { true } else { false } }),
            applies.designation == nil
        {
            r.error(m["schedule"], "the schedule counts from a designation, but applies_to names none", fix: "add `designation: vlop` (or vlose) under applies_to")
            return nil
        }
        return Rule(
            id: id, title: title, regime: regime, citation: citation, notes: notes, zone: zone, effective: effective,
            appliesTo: applies, kind: kind, trigger: trigger, schedule: schedule, fulfilledBy: fulfilledBy, earlierFulfilmentCounts: earlierCounts, deadline: deadline,
            restartOn: restartOn, suspendOn: suspendOn, extendOn: extendOn, severity: severity, penalty: penalty,
            origin: r.location(m["id"]))
    }

    /// `{periods: P1Y, due: P2M, only_if: […]}` or `{first_due: DATE | {after: designation|launch, calendar: P3M} | [both…], every: P1Y}`.
    func schedule(_ node: Node) -> Schedule? {
        let r = reader
        guard let m = r.mapping(node, "schedule", allowed: ["periods", "due", "only_if", "first_due", "every"]) else { return nil }
        func amount(_ n: Node?, _ what: String) -> CalendarAmount? {
            guard let text = r.string(n, what) else { return nil }
            do {
                let p = try ISODuration.parseCalendar(text)
                return CalendarAmount(unit: p.unit, count: p.count, text: p.duration.spelledOut)
            } catch {
                r.error(n, "\(what): \(error.message)")
                return nil
            }
        }
        if m["periods"] != nil, m["first_due"] != nil {
            r.error(node, "schedule: give periods (with due) or first_due (with every), not both")
            return nil
        }
        if let pn = m["periods"] {
            for key in ["every"] where m[key] != nil { r.error(m[key], "schedule: '\(key)' goes with first_due, not periods") }
            guard m["due"] != nil else {
                r.error(node, "schedule: periods need `due:` (how long after each period ends, e.g. P2M)")
                return nil
            }
            let months: Int?
            switch r.string(pn, "periods") {
            case "P1Y", "P12M": months = 12
            case "P6M": months = 6
            case "P3M": months = 3
            case "P1M": months = 1
            case let other?:
                r.error(pn, "schedule.periods: '\(other)' is not a calendar-aligned period", fix: "use P1Y (calendar years), P6M (halves), P3M (quarters) or P1M (months)")
                months = nil
            case nil: months = nil
            }
            guard let months, let due = amount(m["due"], "schedule.due") else { return nil }
            return Schedule(form: .periods(months: months, due: due), onlyIf: matchers(m["only_if"], "schedule.only_if"))
        }
        guard let fn = m["first_due"] else {
            r.error(node, "schedule needs periods (reporting periods) or first_due (a date or a date from the profile)")
            return nil
        }
        for key in ["due", "only_if"] where m[key] != nil { r.error(m[key], "schedule: '\(key)' goes with periods, not first_due") }
        var anchors: [Schedule.Anchor] = []
        let items: [Node] = if case .sequence(let seq) = fn { Array(seq) } else { [fn] }
        for item in items {
            if case .scalar = item {
                if let d = r.date(item, "schedule.first_due") { anchors.append(.date(d)) }
            } else if let a = r.mapping(item, "schedule.first_due", allowed: ["after", "calendar"], required: ["after"]),
                let what = r.oneOf(a["after"], "first_due.after", ["designation", "launch"]).flatMap(Schedule.Anchor.ProfileDate.init(rawValue:))
            {
                anchors.append(.after(what, a["calendar"].flatMap { amount($0, "first_due.calendar") }))
            }
        }
        guard !anchors.isEmpty else { return nil }
        let every = m["every"].flatMap { amount($0, "schedule.every") }
        return Schedule(form: .chain(first: anchors, every: every), onlyIf: [])
    }

    func applicability(_ node: Node) -> Applicability? {
        let r = reader
        guard let m = r.mapping(node, "applies_to", allowed: ["services", "designation", "exempt_micro_small", "flags"], required: ["services"]) else {
            return nil
        }
        var kinds: [ServiceKind] = []
        for (i, s) in (r.strings(m["services"], "services") ?? []).enumerated() {
            if let k = ServiceKind(rawValue: s) { kinds.append(k) } else {
                let hint = closest(s, in: ServiceKind.allCases.map(\.rawValue)).map { "did you mean '\($0)'? " } ?? ""
                r.error(r.list(m["services"], "services")?[i], "unknown service kind '\(s)'", fix: hint + "see docs/profile.md for the kinds")
            }
        }
        let designation = m["designation"].flatMap { r.oneOf($0, "designation", ["vlop", "vlose", Applicability.undesignated]) }
        let flags = r.strings(m["flags"], "flags") ?? []
        for (i, f) in flags.enumerated() where !PlatformProfile.Service.knownFlags.contains(f) {
            r.error(r.list(m["flags"], "flags")?[i], "unknown service flag '\(f)'", fix: "flags: \(PlatformProfile.Service.knownFlags.sorted().joined(separator: ", "))")
        }
        return Applicability(
            services: kinds, designation: designation,
            exemptMicroSmall: m["exempt_micro_small"].flatMap { r.bool($0, "exempt_micro_small") } ?? false, flags: flags)
    }

    /// `- content.removed` or `- {event: content.removed, where: {…}}`.
    func matcher(_ node: Node, _ what: String) -> EventMatcher? {
        let r = reader
        if case .scalar = node {
            guard let type = r.string(node, what) else { return nil }
            return checkType(type, node) ? EventMatcher(type: type, conditions: []) : nil
        }
        guard let m = r.mapping(node, what, allowed: ["event", "where"], required: ["event"]) else { return nil }
        return matcher(event: m["event"], where: m["where"], what)
    }

    /// The matcher of an `event:` / `where:` pair, shared by triggers, fulfilments and extensions.
    func matcher(event: Node?, where whereNode: Node?, _ what: String) -> EventMatcher? {
        let r = reader
        guard let type = r.string(event, "\(what).event"), checkType(type, event) else { return nil }
        var conditions: [Condition] = []
        if let whereNode, let entries = r.freeMapping(whereNode, "\(what).where") {
            for (attr, keyNode, value) in entries {
                if let spec = vocabulary.types[type], !spec.attributes.isEmpty, spec.attributes[attr] == nil {
                    let hint = closest(attr, in: spec.attributes.keys).map { "did you mean '\($0)'? " } ?? ""
                    r.error(keyNode, "\(type) has no attribute '\(attr)' in the vocabulary", fix: hint + "declared: \(spec.attributes.keys.sorted().joined(separator: ", "))")
                    continue
                }
                guard let test = conditionTest(value, attr: attr, type: type) else { continue }
                conditions.append(Condition(attribute: attr, test: test))
            }
        }
        return EventMatcher(type: type, conditions: conditions)
    }

    private func checkType(_ type: String, _ node: Node?) -> Bool {
        guard vocabulary.knows(type) else {
            let hint = closest(type, in: vocabulary.types.keys).map { "did you mean '\($0)'? " } ?? ""
            reader.error(node, "unknown event type '\(type)'", fix: hint + "event types come from vocabulary.yaml (docs/events.md)")
            return false
        }
        return true
    }

    /// `value`, `[a, b]`, `{not: value}`, `{not: [a, b]}`, `{exists: true}`.
    private func conditionTest(_ node: Node, attr: String, type: String) -> Condition.Test? {
        let r = reader
        let spec = vocabulary.types[type]?.attributes[attr]
        func checked(_ values: [String], _ n: Node) -> [String]? {
            guard let spec else { return values }
            for v in values {
                if let problem = spec.check(v) {
                    r.error(n, "condition on \(type).\(attr): \(problem)", fix: spec.fixHint)
                    return nil
                }
            }
            return values
        }
        switch node {
        case .scalar, .sequence:
            return r.strings(node, "condition on \(attr)").flatMap { checked($0, node) }.map { .anyOf($0) }
        default:
            guard let m = r.mapping(node, "condition on \(attr)", allowed: ["not", "exists"]) else { return nil }
            if m.count != 1 { r.error(node, "condition on \(attr): give one of not, exists"); return nil }
            if let n = m["not"] { return r.strings(n, "not").flatMap { checked($0, n) }.map { .noneOf($0) } }
            return r.bool(m["exists"], "exists").map { .exists($0) }
        }
    }

    func matchers(_ node: Node?, _ what: String) -> [EventMatcher] {
        guard let node else { return [] }
        guard let items = reader.list(node, what) else { return [] }
        if items.isEmpty { reader.error(node, "\(what) is empty") }
        return items.compactMap { matcher($0, what) }
    }

    func extensions(_ node: Node?) -> [ExtensionSpec] {
        let r = reader
        guard let node, let items = r.list(node, "extend_on") else { return [] }
        return items.compactMap { item in
            guard let m = r.mapping(item, "extend_on entry", allowed: ["event", "where", "until"], required: ["event", "until"]),
                let attr = r.string(m["until"], "until")
            else { return nil }
            guard let matcher = matcher(event: m["event"], where: m["where"], "extend_on") else { return nil }
            if let spec = vocabulary.types[matcher.type]?.attributes[attr] {
                if spec.type != .date_or_datetime && spec.type != .datetime {
                    r.error(m["until"], "\(matcher.type).\(attr) is not a date attribute in the vocabulary")
                }
            } else {
                r.error(m["until"], "\(matcher.type) has no attribute '\(attr)' in the vocabulary")
            }
            return ExtensionSpec(matcher: matcher, untilAttribute: attr)
        }
    }

    func deadlineSpec(_ node: Node, trigger: EventMatcher?, kind: Rule.Kind, nested: Bool) -> DeadlineSpec? {
        let r = reader
        guard
            let m = r.mapping(
                node, "deadline",
                allowed: ["elapsed", "calendar", "roll_over", "min_working_days", "attribute", "zone_attribute", "otherwise", "target", "at_trigger"])
        else { return nil }
        let kinds = ["elapsed", "calendar", "attribute", "target", "at_trigger"].filter { m[$0] != nil }
        guard kinds.count == 1 else {
            r.error(node, "deadline needs exactly one of elapsed, calendar, attribute, target, at_trigger; it has \(kinds.isEmpty ? "none" : kinds.joined(separator: " and "))")
            return nil
        }
        let allowedExtras: [String: Set<String>] = [
            "elapsed": [], "calendar": ["roll_over", "min_working_days"], "attribute": ["zone_attribute", "otherwise"], "target": [], "at_trigger": [],
        ]
        for key in m.keys.sorted() where key != kinds[0] && !(allowedExtras[kinds[0]]?.contains(key) ?? false) {
            r.error(m[key], "deadline: '\(key)' does not go with \(kinds[0])")
        }
        if kind == .hold, kinds[0] != "elapsed", kinds[0] != "calendar" {
            r.error(node, "a hold period is elapsed or calendar")
            return nil
        }
        switch kinds[0] {
        case "elapsed":
            guard let text = r.string(m["elapsed"], "elapsed") else { return nil }
            do { return .elapsed(try ISODuration.parseElapsed(text)) } catch {
                r.error(m["elapsed"], "bad duration: \(error.message)")
                return nil
            }
        case "calendar":
            guard let text = r.string(m["calendar"], "calendar") else { return nil }
            let parsed: (unit: ISODuration.CalendarUnit, count: Int, duration: ISODuration)
            do { parsed = try ISODuration.parseCalendar(text) } catch {
                r.error(m["calendar"], "bad duration: \(error.message)")
                return nil
            }
            let roll = m["roll_over"].flatMap { n -> String? in
                guard let id = r.string(n, "roll_over") else { return nil }
                guard calendars[id] != nil else {
                    let hint = closest(id, in: calendars.keys).map { "did you mean '\($0)'? " } ?? ""
                    r.error(n, "unknown holiday calendar '\(id)'", fix: hint + "calendars: \(calendars.keys.sorted().joined(separator: ", "))")
                    return nil
                }
                return id
            }
            if kind == .hold, roll != nil { r.error(m["roll_over"], "a hold period does not roll over") }
            let minWorking = m["min_working_days"].flatMap { r.int($0, "min_working_days", range: 1...10) }
            if minWorking != nil, roll == nil { r.error(m["min_working_days"], "min_working_days needs roll_over (which calendar's working days)") }
            return .calendar(.init(unit: parsed.unit, count: parsed.count, duration: parsed.duration, rollOver: roll, minWorkingDays: minWorking))
        case "at_trigger":
            guard r.bool(m["at_trigger"], "at_trigger") == true else {
                r.error(m["at_trigger"], "at_trigger: write `at_trigger: true`")
                return nil
            }
            return .atTrigger
        case "attribute":
            guard let name = r.string(m["attribute"], "attribute") else { return nil }
            if let trigger, let spec = vocabulary.types[trigger.type] {
                if let a = spec.attributes[name] {
                    if a.type != .date_or_datetime && a.type != .datetime {
                        r.error(m["attribute"], "\(trigger.type).\(name) is not a date attribute in the vocabulary")
                    }
                } else {
                    r.error(m["attribute"], "\(trigger.type) has no attribute '\(name)' in the vocabulary")
                }
            }
            let zoneAttr = m["zone_attribute"].flatMap { r.string($0, "zone_attribute") }
            let otherwise = m["otherwise"].flatMap { n -> DeadlineSpec? in
                guard !nested else {
                    r.error(n, "otherwise cannot nest")
                    return nil
                }
                return deadlineSpec(n, trigger: trigger, kind: kind, nested: true)
            }
            return .attribute(name: name, zoneAttribute: zoneAttr, otherwise: otherwise)
        default:
            guard let name = r.string(m["target"], "target") else { return nil }
            guard name.range(of: #"^[a-z][a-z0-9_]*$"#, options: .regularExpression) != nil else {
                r.error(m["target"], "target '\(name)' must be a lower-case name with underscores", fix: "e.g. notice_ack")
                return nil
            }
            return .target(name: name)
        }
    }
}

extension RuleLoader {
    /// SHA-256 over every YAML file of a library (relative path and bytes, in path order): what a
    /// stored run was evaluated with. Any change of a rule, calendar, vocabulary or penalty file
    /// changes it.
    public static func libraryHash(root: String) -> String {
        var h = SHA256()
        for file in yamlFiles(in: root) {
            let rel = file.hasPrefix(root) ? String(file.dropFirst(root.count)) : file
            h.update("\(rel.utf8.count):\(rel)|")
            if let data = FileManager.default.contents(atPath: file) { h.update([UInt8](data)) }
            h.update("|")
        }
        return h.hex()
    }
}
