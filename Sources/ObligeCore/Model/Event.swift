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
    public var attributes: Attributes
    /// Where the event was read from.
    public var origin: SourceLocation

    public init(
        id: String, caseID: String, type: String, at: Instant, offsetSeconds: Int = 0,
        attributes: Attributes = [:], origin: SourceLocation
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
    public var sortedAttributes: [(name: String, value: AttributeValue)] { attributes.map { ($0.key, $0.value) } }
}

/// An event's attributes: a map from name to value, kept as a list in name order.
///
/// Events carry a handful of attributes and every rule condition looks one up, for millions of
/// events: a short ordered list is cheaper to build, search and free than a hash table, and it
/// iterates in name order, which every output wants anyway.
public struct Attributes: Hashable, Sendable, Sequence, ExpressibleByDictionaryLiteral {
    struct Entry: Hashable, Sendable {
        var name: String
        var value: AttributeValue
    }

    /// In strictly increasing name order.
    private var entries: [Entry] = []

    public init() {}

    public init(_ dictionary: [String: AttributeValue]) {
        entries = dictionary.map { Entry(name: $0.key, value: $0.value) }.sorted { $0.name < $1.name }
    }

    /// A later value for a name replaces an earlier one, as in a dictionary being filled in.
    public init(dictionaryLiteral elements: (String, AttributeValue)...) {
        for (name, value) in elements { self[name] = value }
    }

    public var count: Int { entries.count }
    public var isEmpty: Bool { entries.isEmpty }
    public var keys: [String] { entries.map(\.name) }

    public mutating func reserveCapacity(_ n: Int) { entries.reserveCapacity(n) }

    /// Where `name` is, or where it would go. Names usually arrive in order (the spill files and
    /// most logs write them so): then it goes at the end, which is checked first.
    private func position(of name: String) -> (index: Int, found: Bool) {
        if let last = entries.last, last.name < name { return (entries.count, false) }
        var i = 0
        while i < entries.count {
            if entries[i].name == name { return (i, true) }
            if name < entries[i].name { return (i, false) }
            i += 1
        }
        return (i, false)
    }

    public subscript(name: String) -> AttributeValue? {
        get {
            let (i, found) = position(of: name)
            return found ? entries[i].value : nil
        }
        set {
            let (i, found) = position(of: name)
            switch (found, newValue) {
            case (true, let value?): entries[i].value = value
            case (true, nil): entries.remove(at: i)
            case (false, let value?): entries.insert(Entry(name: name, value: value), at: i)
            case (false, nil): break
            }
        }
    }

    /// Sets the value and returns the one it replaced, as a dictionary's `updateValue` does.
    @discardableResult
    public mutating func updateValue(_ value: AttributeValue, forKey name: String) -> AttributeValue? {
        let (i, found) = position(of: name)
        guard found else {
            entries.insert(Entry(name: name, value: value), at: i)
            return nil
        }
        defer { entries[i].value = value }
        return entries[i].value
    }

    /// These attributes with `other`'s added; `other` wins where both have a name.
    public func merging(_ other: Attributes) -> Attributes {
        var merged = self
        for (name, value) in other { merged[name] = value }
        return merged
    }

    public struct Iterator: IteratorProtocol {
        var base: IndexingIterator<[Entry]>
        public mutating func next() -> (key: String, value: AttributeValue)? { base.next().map { ($0.name, $0.value) } }
    }

    public func makeIterator() -> Iterator { Iterator(base: entries.makeIterator()) }
    public var underestimatedCount: Int { entries.count }
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
