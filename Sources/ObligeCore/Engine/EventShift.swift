/// "Every removal 20 minutes sooner": events of some types moved by an elapsed duration.
public struct EventShift: Sendable, Equatable {
    public var types: Set<String>
    /// Signed nanoseconds: negative is sooner.
    public var by: Int64
    /// As written: `-PT20M`.
    public var text: String

    public init(types: Set<String>, by: Int64, text: String) {
        self.types = types
        self.by = by
        self.text = text
    }

    /// `-PT20M` or `PT1H`: an elapsed duration with an optional sign.
    public static func parse(_ text: String) throws(ISODuration.ParseError) -> (nanoseconds: Int64, text: String) {
        let negative = text.hasPrefix("-")
        let d = try ISODuration.parseElapsed(negative ? String(text.dropFirst()) : text)
        let ns = d.elapsedSeconds * 1_000_000_000
        return (negative ? -ns : ns, text)
    }

    /// The case's events with the shifts applied, in time order. A shifted event never crosses an
    /// event of its case that is not shifted: a removal moved sooner stops at the order that came
    /// before it, so a what-if cannot make a duty look done before it arose.
    public static func apply(_ shifts: [EventShift], to events: [Event]) -> [Event] {
        guard !shifts.isEmpty else { return events }
        let sorted = events.sorted { ($0.at, $0.id) < ($1.at, $1.id) }
        func delta(_ e: Event) -> Int64? {
            let d = shifts.filter { $0.types.contains(e.type) }.reduce(Int64(0)) { $0 + $1.by }
            return shifts.contains { $0.types.contains(e.type) } ? d : nil
        }
        var out = sorted
        for (i, e) in sorted.enumerated() {
            guard let d = delta(e), d != 0 else { continue }
            var at = e.at.adding(nanoseconds: d)
            if d < 0, let floor = sorted[..<i].last(where: { delta($0) == nil })?.at, at < floor { at = floor }
            if d > 0, let ceiling = sorted[(i + 1)...].first(where: { delta($0) == nil })?.at, at > ceiling { at = ceiling }
            out[i].at = at
        }
        return out.sorted { ($0.at, $0.id) < ($1.at, $1.id) }
    }
}
