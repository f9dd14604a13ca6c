/// A place in an input file: what a person needs to find the problem.
public struct SourceLocation: Hashable, Sendable, CustomStringConvertible {
    public var file: String
    public var line: Int?
    public var column: Int?

    public init(file: String, line: Int? = nil, column: Int? = nil) {
        self.file = file
        self.line = line
        self.column = column
    }

    /// `file:line:column`, as compilers print it so editors can jump to it.
    public var description: String {
        var s = file
        if let line {
            s += ":\(line)"
            if let column { s += ":\(column)" }
        }
        return s
    }
}

/// An error a person can act on: what went wrong, where, and how to fix it.
///
/// Errors never quote a whole log record: logs hold personal data (see the house style). They may
/// quote the offending value of a rule or profile file, which is configuration.
public struct ObligeError: Error, Sendable, CustomStringConvertible {
    /// What kind of input failed; decides the exit code in the CLI.
    public struct Kind: Hashable, Sendable, CustomStringConvertible {
        public let name: String
        public init(_ name: String) { self.name = name }
        public var description: String { name }

        public static let rules = Kind("rules")
        public static let profile = Kind("profile")
        public static let log = Kind("log")
        public static let calendar = Kind("calendar")
        public static let usage = Kind("usage")
        public static let io = Kind("io")
    }

    public var kind: Kind
    public var location: SourceLocation?
    public var message: String
    /// What to do about it, when there is something to say.
    public var fix: String?
    /// The source line with a caret under the column, when known.
    public var snippet: String?

    public init(_ kind: Kind, _ message: String, at location: SourceLocation? = nil, fix: String? = nil, snippet: String? = nil) {
        self.kind = kind
        self.message = message
        self.location = location
        self.fix = fix
        self.snippet = snippet
    }

    /// `file:line:col: error: message` then the snippet and the fix, as swift-format prints.
    public var description: String {
        var s = (location.map { "\($0): " } ?? "") + "error: " + message
        if let snippet { s += "\n" + snippet }
        if let fix { s += "\n  fix: " + fix }
        return s
    }
}

/// Several errors found in one pass: rule checking reports all of them, not just the first.
public struct ObligeErrors: Error, Sendable, CustomStringConvertible {
    public var errors: [ObligeError]
    public init(_ errors: [ObligeError]) { self.errors = errors }
    public var description: String { errors.map(\.description).joined(separator: "\n") }
}
