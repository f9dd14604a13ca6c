/// One statement of reasons as the dump wrote it: the raw cells of one CSV row, by column.
///
/// The events a row becomes carry normalised values; the row keeps what was written, so a check
/// can speak of "field X of row N" (an end date before the application date, a mandatory field
/// left empty, a value outside the enumerations) with the place it was read from.
public struct TDBRow: Sendable {
    public var schema: TDBSchema
    /// The part the row was read from and the line it starts on. Inside a zipped dump the file is
    /// the chain of archive entries joined by `!`: `sor-….zip!sor-…-00000.csv.zip!sor-…-00000-00000.csv`.
    public var location: SourceLocation
    /// In the schema's column order; nil for an empty cell (the dump's null).
    public var cells: [String?]

    public init(schema: TDBSchema, location: SourceLocation, cells: [String?]) {
        self.schema = schema
        self.location = location
        self.cells = cells
    }

    /// The cell of `column` as written, or nil when it is empty or the layout lacks the column.
    public subscript(column: String) -> String? {
        guard let i = schema.index(of: column), i < cells.count else { return nil }
        return cells[i]
    }

    /// Whether the layout has `column` at all (a light dump has no `decision_facts`): tells an
    /// empty mandatory field from one the dump never carries.
    public func carries(_ column: String) -> Bool { schema.index(of: column) != nil }
}
