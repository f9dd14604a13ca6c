/// The checks every record passes on its way in: the vocabulary, the profile's services, and
/// duplicate ids. Shared by the audit and by readers that need only the accepted events (the
/// Transparency Database export), so both accept and reject exactly the same records.
struct EventIntake {
    let vocabulary: Vocabulary
    let serviceIDs: Set<String>
    /// Every accepted id, with a hash of its content and where it was read.
    var seen: [String: IngestCheckpoint.Seen]
    var stats: IngestStats

    init(vocabulary: Vocabulary, serviceIDs: Set<String>, seen: [String: IngestCheckpoint.Seen] = [:], stats: IngestStats = IngestStats()) {
        self.vocabulary = vocabulary
        self.serviceIDs = serviceIDs
        self.seen = seen
        self.stats = stats
    }

    /// Why an event cannot be used whatever else the logs hold (its type or attributes do not fit
    /// the vocabulary, or it names a service the profile lacks); nil when it can.
    static func problem(with e: Event, vocabulary: Vocabulary, serviceIDs: Set<String>) -> (message: String, fix: String)? {
        if let problem = vocabulary.problem(with: e) { return problem }
        // A typo in `service` must not silently bind the rules of every service.
        if let service = e[attribute: "service"], !serviceIDs.contains(service) {
            return (
                "service '\(service)' is not a service of the platform profile",
                "use one of: \(serviceIDs.sorted().joined(separator: ", ")), or add it to the profile"
            )
        }
        return nil
    }

    /// The event when it is accepted; nil for a duplicate or a reject (handed to `onReject`).
    mutating func accept(_ record: LogRecord, onReject: (Reject) throws -> Void) throws -> Event? {
        stats.records += 1
        switch record {
        case .reject(let r):
            stats.rejected += 1
            try onReject(r)
            return nil
        case .event(let e):
            /// Keeps an event aside that read well but cannot be used, in canonical JSON.
            func reject(_ reason: String, fix: String) throws -> Event? {
                stats.rejected += 1
                try onReject(Reject(file: e.origin.file, line: e.origin.line ?? 0, reason: reason, fix: fix, record: Auditor.recordText(e)))
                return nil
            }
            if let problem = Self.problem(with: e, vocabulary: vocabulary, serviceIDs: serviceIDs) {
                return try reject(problem.message, fix: problem.fix)
            }
            let hash = Auditor.contentHash(e)
            if let first = seen[e.id] {
                if first.hash == hash {
                    stats.duplicates += 1
                    return nil
                }
                return try reject(
                    "id '\(e.id)' was already used at \(first.origin) for a different event; the first was kept",
                    fix: "give each event its own id, or correct the re-exported record")
            }
            seen[e.id] = IngestCheckpoint.Seen(hash: hash, caseID: e.caseID, at: e.at, origin: e.origin)
            stats.events += 1
            return e
        }
    }
}

extension Auditor {
    /// Streams the accepted events of `logs` to `onEvent`, checked exactly as an audit checks them
    /// (vocabulary, services, duplicates), without evaluating any rule. Rejected records go to
    /// `onReject`; the counts are returned (`afterAsOf` and `cases` are not counted here).
    @discardableResult
    public static func readEvents(
        rules: RuleSet, profile: PlatformProfile, logs: [LogInput], onReject: (Reject) throws -> Void, onEvent: (Event) throws -> Void
    ) throws -> IngestStats {
        var intake = EventIntake(vocabulary: rules.vocabulary, serviceIDs: Set(profile.services.map(\.id)))
        for log in logs {
            try LogReaders.read(log) { record in
                if let e = try intake.accept(record, onReject: onReject) { try onEvent(e) }
            }
        }
        return intake.stats
    }
}
