import Foundation

/// One statement of reasons as the Transparency Database API receives it: field names and values
/// exactly as they go into the request body.
public struct SubmissionStatement: Sendable, Equatable {
    /// A field's value, in the JSON types the API takes.
    public enum Value: Sendable, Equatable {
        case text(String)
        case list([String])
        /// `content_id`: `{"EAN-13": "…"}`.
        case object([String: String])
        /// A JSON value of a type no field takes (a number, a boolean, null, a nested value), read
        /// from a file; described in words so the validator can name it.
        case unsupported(String)
    }

    public var fields: [String: Value]

    public init(fields: [String: Value] = [:]) { self.fields = fields }

    public subscript(field: String) -> Value? {
        get { fields[field] }
        set { fields[field] = newValue }
    }

    /// The field's text, when it holds one.
    public func text(_ field: String) -> String? {
        if case .text(let s)? = fields[field] { return s }
        return nil
    }

    /// The field's list, when it holds one.
    public func list(_ field: String) -> [String]? {
        if case .list(let l)? = fields[field] { return l }
        return nil
    }

    /// The statement as the request body writes it: the API's fields in `StatementSchema.fields`
    /// order, then any other field in name order.
    public var json: JSONValue {
        let known = StatementSchema.fields.filter { fields[$0] != nil }
        let others = fields.keys.filter { !StatementSchema.fields.contains($0) }.sorted()
        return .object((known + others).compactMap { name in
            guard let value = fields[name] else { return nil }
            switch value {
            case .text(let s): return (name, .string(s))
            case .list(let l): return (name, .array(l.map(JSONValue.string)))
            case .object(let o): return (name, .object(o.sorted { $0.key < $1.key }.map { ($0.key, .string($0.value)) }))
            case .unsupported: return nil
            }
        })
    }

    /// A statement from a parsed JSON object (`JSONSerialization`), keeping whatever it holds so
    /// the validator can report what the API would refuse.
    public init(jsonObject: [String: Any]) {
        var fields: [String: Value] = [:]
        for (name, raw) in jsonObject {
            fields[name] = Self.value(raw)
        }
        self.fields = fields
    }

    private static func value(_ raw: Any) -> Value {
        if raw is NSNull { return .unsupported("null") }
        if let s = raw as? String { return .text(s) }
        if raw is NSNumber { return .unsupported("a number or a boolean") }
        if let a = raw as? [Any] {
            var items: [String] = []
            for item in a {
                guard let s = item as? String else { return .unsupported("a list holding something other than text") }
                items.append(s)
            }
            return .list(items)
        }
        if let o = raw as? [String: Any] {
            var pairs: [String: String] = [:]
            for (k, v) in o {
                guard let s = v as? String else { return .unsupported("an object holding something other than text") }
                pairs[k] = s
            }
            return .object(pairs)
        }
        return .unsupported("a value of an unknown type")
    }
}
