/// One line of a platform's incident log: something that happened in a case, at an instant.
public struct Event: Hashable, Sendable {
    /// Unique per event across all logs of an audit; duplicates after the first are ignored.
    public var id: String
    /// Groups the events of one notice, order, complaint, detection or summons.
    public var caseID: String
    /// From the event vocabulary (`notice.received`, `order.received`, …).
    public var type: String
    public var at: Instant
    /// The UTC offset the log wrote `at` with, so timelines can echo the platform's own reading.
    public var offsetSeconds: Int
    /// Attributes by name. Values are kept in canonical text (see `AttributeValue`), so the three
    /// log formats read into identical events.
    public var attributes: [String: AttributeValue]
    /// Where the event was read from.
    public var origin: SourceLocation

    public init(
        id: String, caseID: String, type: String, at: Instant, offsetSeconds: Int = 0,
        attributes: [String: AttributeValue] = [:], origin: SourceLocation
    ) {
        self.id = id
        self.caseID = caseID
        self.type = type
        self.at = at
        self.offsetSeconds = offsetSeconds
        self.attributes = attributes
        self.origin = origin
    }

    /// The attribute's single value, when it has one.
    public subscript(attribute name: String) -> String? {
        if case .string(let s)? = attributes[name] { return s }
        return nil
    }

    /// Attributes in name order, for output that must not depend on hashing.
    public var sortedAttributes: [(name: String, value: AttributeValue)] {
        attributes.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
    }
}

/// An attribute value in canonical text form.
///
/// JSON numbers keep their literal text (`3`, `2.50`), booleans become `true` / `false`, so a
/// CSV cell `true` and a JSON `true` are the same value and every format yields the same audit.
public enum AttributeValue: Hashable, Sendable {
    case string(String)
    case list([String])

    /// Every value this attribute holds (one for a string).
    public var values: [String] {
        switch self {
        case .string(let s): [s]
        case .list(let l): l
        }
    }

    /// Whether any value satisfies `test`, without gathering the values into an array first:
    /// rule conditions ask this for every event they read.
    public func contains(where test: (String) -> Bool) -> Bool {
        switch self {
        case .string(let s): test(s)
        case .list(let l): l.contains(where: test)
        }
    }
}
