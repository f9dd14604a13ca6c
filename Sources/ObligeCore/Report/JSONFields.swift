/// Where the fields of a JSON object go, in order: into a `JSONValue` tree (`JSONPairs`), or
/// straight into compact JSON text (`JSONText`).
///
/// An object whose fields are written once, against this, reads the same either way: a finding
/// in a pretty document, and the line of a large audit's JSON Lines, which is written without a
/// tree (one per finding, hundreds of thousands of them, each allocated and freed).
protocol JSONFields {
    mutating func add(_ key: String, _ value: JSONValue)
    mutating func add(_ key: String, string: String)
    /// `null` for nil.
    mutating func add(_ key: String, string: String?)
    /// `null` for nil.
    mutating func add(_ key: String, int: Int64?)
    mutating func add(_ key: String, strings: [String])
    /// An object, its fields written by `fields`.
    mutating func add(_ key: String, object fields: (inout Self) -> Void)
    /// An array of objects, one per element, each one's fields written by `fields`.
    mutating func add<C: Collection>(_ key: String, objects: C, _ fields: (C.Element, inout Self) -> Void)
}

/// `JSONFields` as the pairs of a `JSONValue.object`.
struct JSONPairs: JSONFields {
    var pairs: [(String, JSONValue)] = []

    var value: JSONValue { .object(pairs) }

    /// The object whose fields `write` writes.
    static func object(_ write: (inout JSONPairs) -> Void) -> JSONValue {
        var o = JSONPairs()
        write(&o)
        return o.value
    }

    mutating func add(_ key: String, _ value: JSONValue) { pairs.append((key, value)) }
    mutating func add(_ key: String, string: String) { pairs.append((key, .string(string))) }
    mutating func add(_ key: String, string: String?) { pairs.append((key, .optional(string))) }
    mutating func add(_ key: String, int: Int64?) { pairs.append((key, .optional(int))) }
    mutating func add(_ key: String, strings: [String]) { pairs.append((key, .array(strings.map(JSONValue.string)))) }
    mutating func add(_ key: String, object fields: (inout JSONPairs) -> Void) { pairs.append((key, Self.object(fields))) }

    mutating func add<C: Collection>(_ key: String, objects: C, _ fields: (C.Element, inout JSONPairs) -> Void) {
        pairs.append((key, .array(objects.map { element in Self.object { fields(element, &$0) } })))
    }
}

/// `JSONFields` written as compact JSON text, byte for byte what `JSONValue.bytes` writes for
/// the same object.
struct JSONText: JSONFields {
    var bytes: [UInt8] = []
    /// No field written yet in the object open now: the next takes no comma.
    private var first = true

    init(capacity: Int = 0) { bytes.reserveCapacity(capacity) }

    /// Opens an object.
    mutating func open() {
        bytes.append(UInt8(ascii: "{"))
        first = true
    }

    /// Closes the object open now.
    mutating func close() {
        bytes.append(UInt8(ascii: "}"))
        first = false
    }

    /// Fields already written as text (`"key":value` pairs joined by commas), into the object
    /// open now.
    mutating func add(fields text: [UInt8]) {
        guard !text.isEmpty else { return }
        if !first { bytes.append(UInt8(ascii: ",")) }
        bytes += text
        first = false
    }

    private mutating func key(_ key: String) {
        if !first { bytes.append(UInt8(ascii: ",")) }
        first = false
        JSONValue.escape(key, into: &bytes)
        bytes.append(UInt8(ascii: ":"))
    }

    mutating func add(_ key: String, _ value: JSONValue) {
        self.key(key)
        value.write(into: &bytes, indent: nil, level: 0)
    }

    mutating func add(_ key: String, string: String) {
        self.key(key)
        JSONValue.escape(string, into: &bytes)
    }

    mutating func add(_ key: String, string: String?) {
        guard let string else { return add(key, .null) }
        add(key, string: string)
    }

    mutating func add(_ key: String, int: Int64?) {
        guard let int else { return add(key, .null) }
        self.key(key)
        JSONValue.decimal(int, into: &bytes)
    }

    mutating func add(_ key: String, strings: [String]) {
        self.key(key)
        bytes.append(UInt8(ascii: "["))
        for (n, s) in strings.enumerated() {
            if n > 0 { bytes.append(UInt8(ascii: ",")) }
            JSONValue.escape(s, into: &bytes)
        }
        bytes.append(UInt8(ascii: "]"))
    }

    mutating func add(_ key: String, object fields: (inout JSONText) -> Void) {
        self.key(key)
        open()
        fields(&self)
        close()
    }

    mutating func add<C: Collection>(_ key: String, objects: C, _ fields: (C.Element, inout JSONText) -> Void) {
        self.key(key)
        bytes.append(UInt8(ascii: "["))
        for (n, element) in objects.enumerated() {
            if n > 0 { bytes.append(UInt8(ascii: ",")) }
            open()
            fields(element, &self)
            close()
        }
        bytes.append(UInt8(ascii: "]"))
    }
}
