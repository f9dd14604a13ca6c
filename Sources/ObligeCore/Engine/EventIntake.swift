/// The checks every record passes on its way in: the vocabulary, the profile's services, and
/// duplicate ids. Shared by the audit and by readers that need only the accepted events (the
/// Transparency Database export), so both accept and reject exactly the same records.
struct EventIntake {
    let vocabulary: Vocabulary
    let serviceIDs: Set<String>
    private var checker: Checker
    /// Every accepted id, with a hash of its content and where it was read.
    var seen: [String: IngestCheckpoint.Seen]
    var stats: IngestStats

    init(vocabulary: Vocabulary, serviceIDs: Set<String>, seen: [String: IngestCheckpoint.Seen] = [:], stats: IngestStats = IngestStats()) {
        self.vocabulary = vocabulary
        self.serviceIDs = serviceIDs
        checker = Checker(vocabulary: vocabulary, serviceIDs: serviceIDs)
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
            if let problem = checker.problem(with: e) {
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

extension EventIntake {
    /// `EventIntake.problem(with:vocabulary:serviceIDs:)` for one reader, made cheap for the
    /// events that pass, which are nearly all: one look-up of the type, then one pass over the
    /// event's own attributes instead of a look-up per declared attribute, and values that needed
    /// parsing to pass remembered per declared attribute.
    ///
    /// What it cannot accept at once goes to the full check, so rejects and their reasons are
    /// exactly those of `problem(with:vocabulary:serviceIDs:)`. It is a value each thread owns.
    struct Checker {
        let vocabulary: Vocabulary
        let serviceIDs: Set<String>
        /// `vocabulary.checks` in storage of this checker's own: threads that read one shared
        /// copy contend for its reference counts on every event.
        private let checks: [String: Vocabulary.TypeCheck]
        /// Values that passed a parsing check, by declared attribute (`Vocabulary.TypeCheck.firstSlot`).
        private var parsed: [[String]]
        /// Service ids found in `serviceIDs`.
        private var services: [String] = []
        /// How many values one declared attribute, or the services, remember.
        static let remembered = 32

        init(vocabulary: Vocabulary, serviceIDs: Set<String>) {
            self.vocabulary = vocabulary
            self.serviceIDs = serviceIDs
            var checks: [String: Vocabulary.TypeCheck] = [:]
            for (name, type) in vocabulary.checks {
                var own = type
                own.attributes = type.attributes.map { a in
                    var spec = a.spec
                    spec.values = spec.values?.map(Auditor.privateCopy)
                    spec.description = nil
                    return (name: Auditor.privateCopy(a.name), spec: spec)
                }
                checks[Auditor.privateCopy(name)] = own
            }
            self.checks = checks
            parsed = Array(repeating: [], count: vocabulary.slotCount)
        }

        /// Why the event cannot be used, or nil: what `EventIntake.problem` says.
        mutating func problem(with e: Event) -> (message: String, fix: String)? {
            if accepts(e) { return nil }
            return EventIntake.problem(with: e, vocabulary: vocabulary, serviceIDs: serviceIDs)
        }

        /// True only when `problem(with:)` finds nothing. It checks the same things in another
        /// order: every declared attribute present fits (a list only where lists are allowed,
        /// each value passing `check`), every required one is present (counted, as an event's
        /// names are distinct), and a single-valued `service` is the profile's.
        private mutating func accepts(_ e: Event) -> Bool {
            guard let type = checks[e.type] else { return false }
            var required = 0
            for (name, value) in e.attributes {
                if name == "service", case .string(let s) = value, !knows(service: s) { return false }
                guard let k = type.attributes.firstIndex(where: { $0.name == name }) else { continue }
                let spec = type.attributes[k].spec
                if spec.required { required += 1 }
                switch value {
                case .string(let v):
                    guard fits(v, spec, slot: type.firstSlot + k) else { return false }
                case .list(let items):
                    guard spec.list else { return false }
                    for v in items where !fits(v, spec, slot: type.firstSlot + k) { return false }
                }
            }
            return required == type.required
        }

        private mutating func fits(_ v: String, _ spec: Vocabulary.AttributeSpec, slot: Int) -> Bool {
            switch spec.checkCost {
            case .none: return true
            case .cheap: return spec.check(v) == nil
            case .parse:
                // The parses read bytes, so a value is matched by its bytes: two strings that
                // are equal as text (canonically equivalent) may parse differently.
                if parsed[slot].contains(where: { Self.sameBytes($0, v) }) { return true }
                guard spec.check(v) == nil else { return false }
                if parsed[slot].count < Self.remembered { parsed[slot].append(v) }
                return true
            }
        }

        /// `serviceIDs.contains(s)`, remembering the few ids a log uses (the same equality as
        /// the set's).
        private mutating func knows(service s: String) -> Bool {
            if services.contains(s) { return true }
            guard serviceIDs.contains(s) else { return false }
            if services.count < Self.remembered { services.append(s) }
            return true
        }

        static func sameBytes(_ a: String, _ b: String) -> Bool {
            var b = b
            return b.withUTF8 { a.hasUTF8($0) }
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

extension EventIntake {
    /// `Checker`'s acceptance over a `FlatEvent`'s bytes, for the JSON lines read without an
    /// event: it says yes only where `Checker.problem(with:)` would find nothing in the event the
    /// line describes, and no where it is not sure (the line is then read and checked the plain
    /// way, which gives the reject its reason).
    ///
    /// Bytes decide only what bytes can: equal bytes are equal text, but text can be equal with
    /// other bytes (`K` and the Kelvin sign), so a type, an attribute or a service id not found by
    /// its bytes is "not sure". A value is passed by the attribute's own check, made once per
    /// value an attribute meets (up to `remembered`) and remembered by its bytes.
    struct LineChecker {
        /// One declared attribute of a type. Plain values only (its name and spec are kept
        /// apart), so that reading one for every attribute of every line costs no reference counting.
        struct Declared {
            /// Its name's bytes in `names`.
            var name: Range<Int>
            var required: Bool
            var list: Bool
            var test: Test
            /// Its spec in `specs`, and where its remembered values are (`memory`).
            var slot: Int
        }

        /// How a value is tested: a check that costs nothing by bytes, or the attribute's
        /// `check`, remembered.
        enum Test { case none, boolean, country, remembered }

        struct TypeEntry {
            var name: Range<Int>
            /// Its attributes in `declared`, in byte order of their names, as a `FlatEvent`
            /// lists its attributes.
            var attributes: Range<Int>
            var required: Int
        }

        private var types: [TypeEntry] = []
        private var declared: [Declared] = []
        private var specs: [Vocabulary.AttributeSpec] = []
        /// The names of the types and of their attributes, one after another.
        private var names: [UInt8] = []
        /// Open addressing over the types by the FNV-1a hash of their names: index + 1, 0 empty.
        private var table: [Int32]
        private let services: [[UInt8]]
        /// Values that passed, by slot: `remembered` ranges into `pool` per slot.
        private var memory: [Range<Int>]
        private var counts: [Int]
        private var pool: [UInt8] = []
        static let remembered = 32

        init(vocabulary: Vocabulary, serviceIDs: Set<String>) {
            var names: [UInt8] = []
            func name(_ s: String) -> Range<Int> {
                names.append(contentsOf: s.utf8)
                return (names.count - s.utf8.count)..<names.count
            }
            for (typeName, check) in vocabulary.checks.sorted(by: { $0.key < $1.key }) {
                // A name that is not ASCII may equal an ASCII one as text: such a type is left to
                // the plain check (a line naming it is declined, as not found).
                guard typeName.utf8.allSatisfy({ $0 < 0x80 }), check.attributes.allSatisfy({ $0.name.utf8.allSatisfy { $0 < 0x80 } }) else { continue }
                let first = declared.count
                for a in check.attributes.sorted(by: { Array($0.name.utf8).lexicographicallyPrecedes(Array($1.name.utf8)) }) {
                    let test: Test
                    switch (a.spec.checkCost, a.spec.type, a.spec.values) {
                    case (.none, _, _): test = .none
                    case (_, .boolean, nil): test = .boolean
                    case (_, .country, nil): test = .country
                    default: test = .remembered
                    }
                    var spec = a.spec
                    spec.description = nil
                    declared.append(Declared(name: name(a.name), required: spec.required, list: spec.list, test: test, slot: specs.count))
                    specs.append(spec)
                }
                types.append(TypeEntry(name: name(typeName), attributes: first..<declared.count, required: check.required))
            }
            self.names = names
            var size = 64
            while size < 2 * types.count { size *= 2 }
            table = Array(repeating: 0, count: size)
            for (k, t) in types.enumerated() {
                var i = Int(truncatingIfNeeded: names.withUnsafeBufferPointer { FNV1a.hash(UnsafeBufferPointer(rebasing: $0[t.name])) }) & (size - 1)
                while table[i] != 0 { i = (i + 1) & (size - 1) }
                table[i] = Int32(k + 1)
            }
            services = serviceIDs.sorted().map { Array($0.utf8) }
            memory = Array(repeating: 0..<0, count: specs.count * Self.remembered)
            counts = Array(repeating: 0, count: specs.count)
        }

        /// True only when the event `f` describes passes `Checker.problem(with:)`: the same
        /// things checked (a single-valued `service` is the profile's; each declared attribute
        /// present fits, a list only where lists are allowed; every required one is present),
        /// each by its bytes.
        mutating func accepts(_ f: FlatEvent) -> Bool {
            // The names, apart from `self`, so that `fits` may change the memory meanwhile.
            let names = self.names
            return names.withUnsafeBufferPointer { names in
                let typeName = f.bytes(f.type)
                let mask = table.count - 1
                var i = Int(truncatingIfNeeded: FNV1a.hash(typeName)) & mask
                var t = -1
                while true {
                    let k = Int(table[i]) - 1
                    if k < 0 { return false }
                    if FlatEvent.equal(UnsafeBufferPointer(rebasing: names[types[k].name]), typeName) {
                        t = k
                        break
                    }
                    i = (i + 1) & mask
                }
                let type = types[t]
                var required = 0
                var k = type.attributes.lowerBound
                for a in f.attributes {
                    let name = f.bytes(a.name)
                    if !a.isList, name.count == 7, name.elementsEqual("service".utf8) {
                        let value = f.bytes(a.value)
                        guard services.contains(where: { $0.withUnsafeBufferPointer { FlatEvent.equal($0, value) } }) else { return false }
                    }
                    // Both lists are in name order: walk them together.
                    var order = 1
                    while k < type.attributes.upperBound {
                        order = FlatEvent.compare(UnsafeBufferPointer(rebasing: names[declared[k].name]), name)
                        if order >= 0 { break }
                        k += 1
                    }
                    guard order == 0 else { continue }
                    let d = declared[k]
                    if d.required { required += 1 }
                    if a.isList {
                        guard d.list else { return false }
                        for item in a.value where !fits(f.bytes(f.items[item]), d) { return false }
                    } else {
                        guard fits(f.bytes(a.value), d) else { return false }
                    }
                }
                return required == type.required
            }
        }

        /// Whether the attribute's `check` passes the value these bytes spell.
        private mutating func fits(_ v: UnsafeBufferPointer<UInt8>, _ d: Declared) -> Bool {
            switch d.test {
            case .none: return true
            case .boolean:
                return v.count == 4 ? v.elementsEqual("true".utf8) : v.count == 5 && v.elementsEqual("false".utf8)
            case .country: return v.count == 2 && v.allSatisfy { (65...90).contains($0) }
            case .remembered:
                let first = d.slot * Self.remembered
                let known = counts[d.slot]
                let found = pool.withUnsafeBufferPointer { pool in
                    memory[first..<(first + known)].contains { FlatEvent.equal(UnsafeBufferPointer(rebasing: pool[$0]), v) }
                }
                if found { return true }
                guard specs[d.slot].check(String(decoding: v, as: UTF8.self)) == nil else { return false }
                if known < Self.remembered {
                    memory[first + known] = pool.count..<(pool.count + v.count)
                    pool.append(contentsOf: v)
                    counts[d.slot] = known + 1
                }
                return true
            }
        }
    }
}
