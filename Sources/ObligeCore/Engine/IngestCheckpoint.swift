/// What a run read, so the next can continue from it (`oblige audit --store … --incremental`):
/// every accepted event's id and content hash (duplicates are checked against them), the events
/// the rules read in full, the running counts, and where each log was left.
public struct IngestCheckpoint: Sendable {
    public struct Seen: Sendable {
        public var hash: UInt64
        public var caseID: String
        public var at: Instant
        public var origin: SourceLocation

        public init(hash: UInt64, caseID: String, at: Instant, origin: SourceLocation) {
            self.hash = hash
            self.caseID = caseID
            self.at = at
            self.origin = origin
        }
    }

    public var seen: [String: Seen]
    /// Accepted events of the types the rules read, at any instant (an event after one run's
    /// audit instant is evaluated by a later run).
    public var events: [Event]
    /// Records, events, duplicates and rejects so far; `afterAsOf` and `cases` depend on the audit
    /// instant and are counted afresh by each run.
    public var stats: IngestStats
    /// Per log path: after the last complete line read.
    public var positions: [String: LogPosition]
    /// The ids of the events this run accepted, when it continued an earlier checkpoint: a store
    /// then adds only these instead of writing everything again.
    public var added: [String]?

    public init(seen: [String: Seen], events: [Event], stats: IngestStats, positions: [String: LogPosition], added: [String]? = nil) {
        self.seen = seen
        self.events = events
        self.stats = stats
        self.positions = positions
        self.added = added
    }
}
