import Yams

/// The event types rules may speak of, with what their attributes may hold.
///
/// Loaded from `vocabulary.yaml` files in the rule directory (the shipped one and any a pack
/// adds). An event whose type no vocabulary knows is rejected at ingestion with a suggestion:
/// `notice.recieved` is a typo, not a new kind of event, and evaluating it silently as nothing
/// would hide a breach.
public struct Vocabulary: Sendable {
    public struct EventType: Sendable {
        public var name: String
        public var description: String
        public var attributes: [String: AttributeSpec]
        public var origin: SourceLocation
    }

    public struct AttributeSpec: Sendable {
        public enum ValueType: String, Sendable, CaseIterable {
            case text, boolean, number, date, datetime, date_or_datetime, country, time_zone
        }
        public var type: ValueType
        public var values: [String]?
        public var required: Bool
        public var list: Bool
        public var description: String?
    }

    public private(set) var types: [String: EventType] = [:] {
        didSet { (checks, slotCount) = Self.checks(types) }
    }
    /// Each type's attributes in name order, as `problem(with:)` checks them: sorted once, not
    /// for every event.
    private(set) var checks: [String: TypeCheck] = [:]
    /// The declared attributes of all types (`TypeCheck.firstSlot`).
    private(set) var slotCount = 0

    /// One event type's declared attributes, as the checks read them.
    struct TypeCheck: Sendable {
        /// In name order: the first problem found is the first in this order.
        var attributes: [(name: String, spec: AttributeSpec)]
        /// How many of `attributes` are required.
        var required: Int
        /// Where this type's attributes are numbered from, among all types' (0..<`slotCount`), so
        /// that a checker can keep what it learnt about each declared attribute in an array.
        var firstSlot: Int
    }

    public init(types: [String: EventType] = [:]) {
        self.types = types
        (checks, slotCount) = Self.checks(types)
    }

    private static func checks(_ types: [String: EventType]) -> ([String: TypeCheck], Int) {
        var checks: [String: TypeCheck] = [:]
        var slots = 0
        for (name, t) in types.sorted(by: { $0.key < $1.key }) {
            let attributes = t.attributes.sorted { $0.key < $1.key }.map { (name: $0.key, spec: $0.value) }
            checks[name] = TypeCheck(attributes: attributes, required: attributes.count { $0.spec.required }, firstSlot: slots)
            slots += attributes.count
        }
        return (checks, slots)
    }

    public func knows(_ type: String) -> Bool { types[type] != nil }

    /// Why this event does not fit the vocabulary, or nil when it does.
    public func problem(with event: Event) -> (message: String, fix: String)? {
        guard let attributes = checks[event.type]?.attributes else {
            let hint = closest(event.type, in: types.keys).map { "did you mean '\($0)'? " } ?? ""
            return (
                "unknown event type '\(event.type)'",
                hint + "use a type from docs/events.md, or declare it in a pack's vocabulary.yaml"
            )
        }
        for (name, attr) in attributes {
            guard let value = event.attributes[name] else {
                if attr.required {
                    return ("\(event.type) needs the attribute '\(name)'", "add \"\(name)\" to the event")
                }
                continue
            }
            if case .list = value, !attr.list {
                return ("attribute '\(name)' must be a single value, not a list", "write one value")
            }
            for v in value.values {
                if let bad = attr.check(v) {
                    return ("attribute '\(name)': \(bad)", attr.fixHint)
                }
            }
        }
        return nil
    }

    /// Merges another vocabulary file's types; a type defined twice is an error.
    mutating func merge(_ other: Vocabulary, errors: inout [ObligeError]) {
        for (name, t) in other.types.sorted(by: { $0.key < $1.key }) {
            if let existing = types[name] {
                errors.append(
                    ObligeError(
                        .rules, "event type '\(name)' is already defined at \(existing.origin)", at: t.origin,
                        fix: "define each event type once; extend the existing definition instead"))
                continue
            }
            types[name] = t
        }
    }

    static func load(file: String, text: String) -> (Vocabulary, [ObligeError]) {
        let (r, docs) = YAMLReader.documents(file: file, text: text, kind: .rules)
        var vocabulary = Vocabulary()
        for doc in docs {
            guard let top = r.mapping(doc, "vocabulary file", allowed: ["vocabulary", "events"], required: ["events"]),
                let events = top["events"].flatMap({ r.freeMapping($0, "events") })
            else { continue }
            _ = top["vocabulary"].flatMap { r.int($0, "vocabulary (format version)", range: 1...1) }
            for (name, keyNode, body) in events {
                guard name.range(of: #"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$"#, options: .regularExpression) != nil else {
                    r.error(keyNode, "event type '\(name)' is not of the form noun.verb", fix: "lower case words joined by dots, e.g. notice.received")
                    continue
                }
                guard let m = r.mapping(body, "event type \(name)", allowed: ["description", "attributes"], required: ["description"])
                else { continue }
                var attrs: [String: AttributeSpec] = [:]
                if let attrNode = m["attributes"], let entries = r.freeMapping(attrNode, "attributes of \(name)") {
                    for (attrName, _, attrBody) in entries {
                        guard
                            let a = r.mapping(
                                attrBody, "attribute \(name).\(attrName)",
                                allowed: ["type", "values", "required", "list", "description"])
                        else { continue }
                        let type = a["type"].flatMap { r.oneOf($0, "type", AttributeSpec.ValueType.allCases.map(\.rawValue)) }
                            .flatMap(AttributeSpec.ValueType.init(rawValue:)) ?? .text
                        attrs[attrName] = AttributeSpec(
                            type: type, values: a["values"].flatMap { r.strings($0, "values") },
                            required: a["required"].flatMap { r.bool($0, "required") } ?? false,
                            list: a["list"].flatMap { r.bool($0, "list") } ?? false,
                            description: a["description"].flatMap { r.string($0, "description") })
                    }
                }
                vocabulary.types[name] = EventType(
                    name: name, description: m["description"].flatMap { r.string($0, "description") } ?? "",
                    attributes: attrs, origin: r.location(keyNode))
            }
        }
        return (vocabulary, r.errors)
    }
}

extension Vocabulary.AttributeSpec {
    func check(_ v: String) -> String? {
        if let values, !values.contains(v) {
            return "'\(v)' is not one of \(values.joined(separator: ", "))"
        }
        switch type {
        case .text: return nil
        case .boolean: return v == "true" || v == "false" ? nil : "'\(v)' is not true or false"
        case .number: return Double(v) != nil ? nil : "'\(v)' is not a number"
        case .date:
            return (try? CivilDate.parse(v)) != nil ? nil : "'\(v)' is not a date (YYYY-MM-DD)"
        case .datetime:
            do { _ = try Instant.parseRFC3339(v) } catch { return "'\(v)' is not an RFC 3339 date-time with an offset" }
            return nil
        case .date_or_datetime:
            if (try? CivilDate.parse(v)) != nil || (try? Instant.parseRFC3339(v)) != nil { return nil }
            return "'\(v)' is neither a date (YYYY-MM-DD) nor an RFC 3339 date-time with an offset"
        case .country:
            return v.utf8.count == 2 && v.utf8.allSatisfy({ (65...90).contains($0) }) ? nil : "'\(v)' is not a two-letter country code"
        case .time_zone:
            return ZoneClock.isKnown(v) ? nil : "'\(v)' is not an IANA time zone"
        }
    }

    /// What `check` costs: nothing for free text, a comparison or two for a list of values, a
    /// boolean or a country, a parse for numbers, dates and zones (worth remembering the values
    /// that passed).
    var checkCost: CheckCost {
        switch type {
        case .text: values == nil ? .none : .cheap
        case .boolean, .country: .cheap
        case .number, .date, .datetime, .date_or_datetime, .time_zone: .parse
        }
    }

    enum CheckCost { case none, cheap, parse }

    var fixHint: String {
        if let values { return "use one of: \(values.joined(separator: ", "))" }
        switch type {
        case .text: return "check the value"
        case .boolean: return "write true or false"
        case .number: return "write a number"
        case .date: return "write a date such as 2025-12-31"
        case .datetime: return "write e.g. 2025-03-29T10:00:00+01:00"
        case .date_or_datetime: return "write a date such as 2025-09-05 (end of that day) or a date-time with an offset"
        case .country: return "write an ISO 3166-1 alpha-2 code such as DE (EL is accepted for Greece as the EU writes it)"
        case .time_zone: return "write an IANA zone such as Europe/Brussels"
        }
    }
}
