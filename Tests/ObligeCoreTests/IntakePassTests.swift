import Foundation
import ObligeTestSupport
import Testing

@testable import ObligeCore

/// The first pass of a partitioned audit takes shortcuts: a checker that remembers what it
/// accepted, a content hash that makes no text, records written straight into partitions, ids
/// matched by their bytes. Each must decide exactly what the plain way decides.
@Suite("The first pass's shortcuts")
struct IntakePassTests {
    typealias T = TestSupport

    static func spec(_ type: Vocabulary.AttributeSpec.ValueType, values: [String]? = nil, required: Bool = false, list: Bool = false) -> Vocabulary.AttributeSpec {
        Vocabulary.AttributeSpec(type: type, values: values, required: required, list: list, description: nil)
    }

    /// Two types that give one attribute name different types, and one of each kind of check.
    static let vocabulary = Vocabulary(types: [
        "a.b": Vocabulary.EventType(
            name: "a.b", description: "",
            attributes: [
                "d": spec(.date), "n": spec(.number), "z": spec(.time_zone), "c": spec(.country), "s": spec(.text, values: ["x", "y"], required: true),
                "l": spec(.text, list: true), "t": spec(.text), "w": spec(.datetime), "service": spec(.text),
            ], origin: SourceLocation(file: "v.yaml")),
        "c.d": Vocabulary.EventType(name: "c.d", description: "", attributes: ["d": spec(.number)], origin: SourceLocation(file: "v.yaml")),
    ])

    static func event(_ type: String, _ attributes: [String: AttributeValue]) -> Event {
        Event(id: "e", caseID: "c", type: type, at: T.instant("2025-05-01T10:00:00Z"), attributes: Attributes(attributes), origin: SourceLocation(file: "log.jsonl", line: 1))
    }

    /// Events in an order that fills the checker's memory before the values that must not pass.
    static let events: [Event] = [
        event("a.b", ["s": .string("x"), "d": .string("2025-01-01"), "z": .string("Europe/Berlin"), "n": .string("2.5")]),
        event("a.b", ["s": .string("x"), "d": .string("2025-01-01")]),
        // Accepted as a date for a.b's `d`; neither a number for a.b's `n` nor for c.d's `d`.
        event("a.b", ["s": .string("x"), "n": .string("2025-01-01")]),
        event("c.d", ["d": .string("2025-01-01")]),
        event("c.d", ["d": .string("2.5")]),
        event("a.b", ["s": .string("y"), "z": .string("2.5")]),
        event("a.b", ["s": .string("x"), "w": .string("2025-01-01")]),
        event("a.b", ["s": .string("x"), "z": .string("Europe/Berlinn")]),
        event("a.b", ["s": .string("x"), "d": .list(["2025-01-01"])]),
        event("a.b", ["s": .string("z")]),
        event("a.b", ["d": .string("2025-01-01")]),
        event("a.b", ["s": .string("x"), "c": .string("DE"), "l": .list(["DE", "FR"]), "t": .string("free"), "other": .string("undeclared")]),
        // The Kelvin sign makes a string equal to "DK" as text, not a country code as bytes.
        event("a.b", ["s": .string("x"), "c": .string("D\u{212A}")]),
        event("a.b", ["s": .string("x"), "d": .string("2025-02-30")]),
        event("a.b", ["s": .string("x"), "service": .string("social")]),
        event("a.b", ["s": .string("x"), "service": .string("nope")]),
        event("a.b", ["s": .string("x"), "service": .list(["nope"])]),
        event("c.d", ["service": .string("nope")]),
        event("c.d", ["service": .string("social")]),
        event("a.c", [:]),
        event("a.b", ["s": .string("x"), "n": .string("x"), "c": .string("de")]),
    ]

    @Test("the remembering checker gives the plain check's verdict and reason on every event, twice over")
    func checkerAgrees() {
        var checker = EventIntake.Checker(vocabulary: Self.vocabulary, serviceIDs: ["social"])
        for round in 0..<2 {
            for (k, e) in Self.events.enumerated() {
                let plain = EventIntake.problem(with: e, vocabulary: Self.vocabulary, serviceIDs: ["social"])
                let fast = checker.problem(with: e)
                #expect(fast?.message == plain?.message && fast?.fix == plain?.fix, "event \(k), round \(round)")
            }
        }
        // What the table is for: a value one attribute accepted is judged afresh for another.
        #expect(checker.problem(with: Self.events[2])?.message == "attribute 'n': '2025-01-01' is not a number")
        #expect(checker.problem(with: Self.events[3])?.message == "attribute 'd': '2025-01-01' is not a number")
        #expect(checker.problem(with: Self.events[1]) == nil)
        #expect(checker.problem(with: Self.events[12])?.message == "attribute 'c': 'D\u{212A}' is not a two-letter country code")
        #expect(checker.problem(with: Self.events[15])?.message == "service 'nope' is not a service of the platform profile")
    }

    @Test("values are remembered by their bytes: text-equal strings are not taken for one another")
    func rememberedByBytes() {
        #expect("DK" == "D\u{212A}")
        #expect(!EventIntake.Checker.sameBytes("DK", "D\u{212A}"))
        #expect(EventIntake.Checker.sameBytes("Europe/Kyiv", "Europe/Kyiv"))
        #expect(!EventIntake.Checker.sameBytes("2025-01-01", "2025-01-02"))
    }

    /// `contentHash` as it was first written (a sorted copy of a dictionary's attributes, the
    /// instant by division): stored runs hold its values, so the rewrite must agree with it everywhere.
    static func referenceHash(_ e: Event) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        func byte(_ b: UInt8) {
            h ^= UInt64(b)
            h = h &* 0x0000_0100_0000_01b3
        }
        func mix(_ s: String) {
            for b in s.utf8 { byte(b) }
            byte(0xff)
        }
        mix(e.caseID)
        mix(e.type)
        let n = e.at.nanoseconds
        var divisor: UInt64 = 1
        while n.magnitude / divisor >= 10 { divisor *= 10 }
        if n < 0 { byte(UInt8(ascii: "-")) }
        repeat {
            byte(UInt8(ascii: "0") + UInt8(n.magnitude / divisor % 10))
            divisor /= 10
        } while divisor > 0
        byte(0xff)
        for (k, v) in e.attributes.sorted(by: { $0.key < $1.key }) {
            mix(k)
            switch v {
            case .string(let s):
                byte(UInt8(ascii: "s"))
                mix(s)
            case .list(let l):
                mix("l\(l.count)")
                l.forEach(mix)
            }
        }
        return h
    }

    @Test("the content hash keeps its stored values: fixed figures, and the first definition's on varied events")
    func contentHashUnchanged() {
        let tagged = Event(
            id: "x", caseID: "c1", type: "notice.received", at: Instant(nanoseconds: 1_700_000_000_000_000_000),
            attributes: ["source": .string("user"), "member_state": .string("DE"), "tags": .list(["a", "b"])], origin: SourceLocation(file: "f"))
        #expect(Auditor.contentHash(tagged) == 0xbdc6_aaa1_74dd_3bd4)
        let bare = Event(id: "x", caseID: "c1", type: "notice.received", at: Instant(nanoseconds: -5), origin: SourceLocation(file: "f"))
        #expect(Auditor.contentHash(bare) == 0x01ae_f1e3_f165_8ce3)

        var state: UInt64 = 99
        func next(_ n: Int) -> Int {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Int(state >> 33) % n
        }
        let names = ["a", "b", "Z", "zz", "é", "e\u{301}x", "member_state", "a_long_attribute_name_past_fifteen_bytes", "ü", "0"]
        let instants: [Int64] = [0, -1, 9, 10, 1_700_000_000_123_456_789, Int64.max, Int64.min, -86_400_000_000_000]
        for k in 0..<300 {
            var attributes: [String: AttributeValue] = [:]
            for _ in 0..<next(9) {
                let name = names[next(names.count)]
                attributes[name] = next(3) == 0 ? .list((0..<next(12)).map { "v\($0)é" }) : .string("value \(next(1000))")
            }
            let e = Event(
                id: "e\(k)", caseID: "case-\(next(50))", type: "t.\(next(5))", at: Instant(nanoseconds: instants[next(instants.count)]),
                attributes: Attributes(attributes), origin: SourceLocation(file: "f"))
            #expect(Auditor.contentHash(e) == Self.referenceHash(e), "event \(k): \(attributes.keys.sorted())")
        }
    }

    @Test("bytes are ASCII, eight at a time, exactly when no byte has its high bit: at every length and offset")
    func asciiScan() {
        for length in 0...24 {
            let plain = [UInt8](repeating: UInt8(ascii: "a"), count: length)
            #expect(plain.withUnsafeBufferPointer(\.isASCII))
            for at in 0..<length {
                for high: UInt8 in [0x80, 0xc3, 0xff] {
                    var bytes = plain
                    bytes[at] = high
                    #expect(!bytes.withUnsafeBufferPointer(\.isASCII), "length \(length), byte \(at)")
                    // Seen from one byte on, the high byte is inside or before the view.
                    if at > 0 { #expect(!bytes.withUnsafeBufferPointer { UnsafeBufferPointer(rebasing: $0[1...]).isASCII }) }
                }
                var edge = plain
                edge[at] = 0x7f
                #expect(edge.withUnsafeBufferPointer(\.isASCII))
            }
        }
    }

    @Test("the identity hash of the id pass tells apart events that differ in any part of their content, and only in it")
    func identityHashSeesContent() {
        func event(_ caseID: String = "c1", type: String = "notice.received", at: Int64 = 1_700_000_000_000_000_000, attributes: Attributes = [:]) -> Event {
            Event(id: "x", caseID: caseID, type: type, at: Instant(nanoseconds: at), attributes: attributes, origin: SourceLocation(file: "f", line: 3))
        }
        let base = event()
        // The same content under another id, from another place: the same number.
        #expect(Auditor.identityHash(base) == Auditor.identityHash(Event(id: "y", caseID: "c1", type: "notice.received", at: base.at, origin: SourceLocation(file: "g", line: 9))))
        var variants: [Event] = [
            base, event("c2"), event(type: "notice.receivee"), event(at: 1_700_000_000_000_000_001), event(at: -1),
            event(attributes: ["a": .string("")]), event(attributes: ["a": .list([])]), event(attributes: ["a": .list([""])]), event(attributes: ["a": .string("b")]), event(attributes: ["b": .string("a")]),
            event(attributes: ["a": .list(["b", "c"])]), event(attributes: ["a": .list(["bc"])]), event(attributes: ["a": .list(["b"]), "c": .string("")]),
            // Texts split differently over the same bytes.
            event("c1notice.received", type: ""), event("", type: "c1notice.received"),
        ]
        // Texts of every length across two words, differing in their last byte only.
        for n in 1...20 {
            let text = String(repeating: "k", count: n - 1)
            variants.append(event(text + "a"))
            variants.append(event(text + "b"))
        }
        let hashes = variants.map(Auditor.identityHash)
        #expect(Set(hashes).count == variants.count)
    }

    /// Records of ids in two chunks of one file, in input order: (chunk, id, content hash).
    static let idRecords: [(chunk: Int, id: String, hash: UInt64)] = {
        var state: UInt64 = 7
        func next(_ n: Int) -> Int {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Int(state >> 33) % n
        }
        var records: [(Int, String, UInt64)] = []
        for k in 0..<3000 { records.append((k < 1700 ? 0 : 1, "e\(next(1200))", UInt64(next(2)))) }
        return records
    }()

    /// The verdicts the plain way gives: the first record of an id in input order is kept; a
    /// later one is a duplicate with its content, a conflict naming the first's place without.
    static func plainVerdicts(_ records: [(chunk: Int, id: String, hash: UInt64)], lines: [Int]) -> [UInt64: String] {
        var firsts: [String: (hash: UInt64, line: Int)] = [:]
        var verdicts: [UInt64: String] = [:]
        var counters = [0, 0]
        for r in records {
            let sequence = UInt64(r.chunk) << FileTable.chunkShift | UInt64(counters[r.chunk])
            counters[r.chunk] += 1
            let line = lines[r.chunk] + counters[r.chunk]
            if let first = firsts[r.id] {
                verdicts[sequence] = first.hash == r.hash ? "duplicate" : "conflict with log.jsonl:\(first.line)"
            } else {
                firsts[r.id] = (r.hash, line)
            }
        }
        return verdicts
    }

    /// The id pass over `records` written to `count` partitions per chunk, on `threads` threads.
    static func idPass(_ records: [(chunk: Int, id: String, hash: UInt64)], count: Int, threads: Int, folder: String?) throws -> [UInt64: String] {
        let log = LogInput(path: "log.jsonl", format: .jsonl)
        let chunks = [
            Auditor.IngestChunk(index: 0, log: log, start: 0, end: 100), Auditor.IngestChunk(index: 1, log: log, start: 100, end: nil),
        ]
        var ingested: [Auditor.IngestedChunk] = []
        for c in 0..<2 {
            var chunk = Auditor.IngestedChunk(
                cases: try Partitions(count: count, folder: folder, name: "cases-\(c)"), ids: try Partitions(count: count, folder: folder, name: "ids-\(c)"),
                rejects: try Partitions(count: 1, folder: folder, name: "rejects-\(c)"))
            chunk.files = ["log.jsonl"]
            for r in records where r.chunk == c {
                let sequence = UInt64(c) << FileTable.chunkShift | UInt64(chunk.records)
                chunk.records += 1
                var record = ByteWriter()
                record.idRecord(r.id, sequence: sequence, hash: r.hash, file: 0, line: chunk.records)
                try chunk.ids.append(Auditor.partition(of: r.id, count), record.bytes)
            }
            chunk.lines = chunk.records
            try chunk.ids.finishWriting()
            ingested.append(chunk)
        }
        let table = FileTable(chunks: chunks, ingested: ingested)
        let verdicts = try Auditor.idVerdicts(ingested.map(\.ids), count: count, table: table, threads: threads)
        return verdicts.mapValues { v in
            switch v {
            case .duplicate: "duplicate"
            case .conflict(let first): "conflict with \(first)"
            }
        }
    }

    @Test("the id pass gives the plain verdicts across chunks and partitions, on any threads, in memory or spilled", arguments: [1, 3, 7])
    func idPassAgrees(count: Int) throws {
        let expected = Self.plainVerdicts(Self.idRecords, lines: [0, 1700])
        #expect(expected.values.contains("duplicate"))
        // Conflicts in the second chunk that name a first in each chunk (lines counted on from the first).
        let second = expected.filter { $0.key >> FileTable.chunkShift == 1 }.values
        #expect(second.contains { $0.hasPrefix("conflict with log.jsonl:") && (Int($0.dropFirst(24)) ?? .max) <= 1700 })
        #expect(second.contains { $0.hasPrefix("conflict with log.jsonl:") && (Int($0.dropFirst(24)) ?? 0) > 1700 })
        let folder = try SpillFolder(in: T.temporaryDirectory("oblige-ids").path)
        defer { folder.remove() }
        for threads in [1, 2, 3] {
            #expect(try Self.idPass(Self.idRecords, count: count, threads: threads, folder: nil) == expected)
            #expect(try Self.idPass(Self.idRecords, count: count, threads: threads, folder: folder.path) == expected)
        }
    }

    @Test("ids that are equal as text are one id, wherever the first id that is not ASCII comes in a partition")
    func idPassByText() throws {
        // K and the Kelvin sign: one id to `String`, two to bytes.
        let records: [(chunk: Int, id: String, hash: UInt64)] = [
            (0, "K1", 1), (0, "a", 1), (0, "a", 1), (0, "\u{212A}1", 1), (1, "K1", 2), (1, "\u{212A}1", 1), (1, "b", 3), (1, "b", 4),
        ]
        let expected = Self.plainVerdicts(records, lines: [0, 4])
        #expect(expected.count == 5)
        #expect(try Self.idPass(records, count: 1, threads: 1, folder: nil) == expected)
        #expect(try Self.idPass(Array(records.prefix(3)), count: 1, threads: 1, folder: nil) == Self.plainVerdicts(Array(records.prefix(3)), lines: [0, 3]))
    }

    @Test("records appended to a partition read back whole and in order, whatever their length", arguments: [nil, "disk"] as [String?])
    func framing(place: String?) throws {
        let folder = try place.map { _ in try SpillFolder(in: T.temporaryDirectory("oblige-frames").path) }
        defer { folder?.remove() }
        let lengths = [0, 1, 126, 127, 128, 129, 300, 16_382, 16_383, 16_384, 16_385, 70_000, 5]
        let parts = try Partitions(count: 2, folder: folder?.path, name: "frames", flushAt: 1000)
        for (k, n) in lengths.enumerated() {
            try parts.append(k % 2, (0..<n).map { UInt8(truncatingIfNeeded: $0 &+ k) })
            try parts.append(k % 2, (0..<n).map { UInt8(truncatingIfNeeded: $0 &+ k &+ 1) })
        }
        try parts.finishWriting()
        for p in 0..<2 {
            var read: [[UInt8]] = []
            try parts.contents(p).withUnsafeBufferPointer { all in try Partitions.forEachRecord(in: all) { read.append(Array($0)) } }
            let written = lengths.enumerated().filter { $0.offset % 2 == p }.flatMap { k, n in
                [(0..<n).map { UInt8(truncatingIfNeeded: $0 &+ k) }, (0..<n).map { UInt8(truncatingIfNeeded: $0 &+ k &+ 1) }]
            }
            #expect(read == written)
            // And through a cursor, which reads a block at a time.
            let cursor = try parts.cursor(p)
            var streamed: [[UInt8]] = []
            while let record = try cursor.next() { streamed.append(Array(record)) }
            #expect(streamed == written)
        }
        // Written where they stay (`reserve`, `commit`), in room larger than they need, some far
        // larger (their frame then wider than their length's, the record moved to meet it): the
        // same bytes as appended.
        let reserved = try Partitions(count: 1, folder: folder?.path, name: "reserved", flushAt: 1000)
        let appended = try Partitions(count: 1, folder: folder?.path, name: "appended", flushAt: 1000)
        for (k, n) in lengths.enumerated() {
            let record = (0..<n).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ k) }
            for extra in [0, 1, 200, 20_000, 3_000_000] {
                var w = try reserved.reserve(0, bound: n + extra)
                record.withUnsafeBufferPointer { w.copy($0) }
                try reserved.commit(0, w)
                try appended.append(0, record)
            }
        }
        try reserved.finishWriting()
        try appended.finishWriting()
        let bytes = try reserved.contents(0)
        #expect(bytes == (try appended.contents(0)))
        var lengthsRead: [Int] = []
        try bytes.withUnsafeBufferPointer { all in try Partitions.forEachRecord(in: all) { lengthsRead.append($0.count) } }
        #expect(lengthsRead == lengths.flatMap { Array(repeating: $0, count: 5) })
    }

    @Test("findings merged from runs that share their lines' starts come back whole and in key order, with under half the bytes spilled")
    func findingRunsShareLineStarts() throws {
        let folder = try SpillFolder(in: T.temporaryDirectory("oblige-runs").path)
        defer { folder.remove() }
        final class Rule {}
        let rules = [Rule(), Rule()]
        let start = String(repeating: "rule fields, the same in every line of the rule; ", count: 20)
        // Lines that share all of a rule's first line, part of it, one byte of it, none of it, or
        // are a part of it themselves; and an empty line.
        func line(_ k: Int) -> [UInt8] {
            switch k % 6 {
            case 0: Array("\(start)case \(k)\n".utf8)
            case 1: Array(start.utf8)
            case 2: Array(start.utf8.prefix(k % 40))
            case 3: Array("r\(k)".utf8)
            case 4: []
            default: Array("\(start)case \(k), after all of it\n".utf8)
            }
        }
        let runs = try Partitions(count: 3, folder: folder.path, name: "runs", flushAt: 100)
        var expected: [(FindingKey, [UInt8])] = []
        for p in 0..<3 {
            var run = FindingRun(runs, p)
            for k in 0..<300 {
                let key = FindingKey(at: Instant(nanoseconds: Int64(k * 3 + p)), caseID: "c\(k)", rule: "r", start: "s")
                try run.append(key, rule: ObjectIdentifier(rules[k % 2]), line: line(k + p))
                expected.append((key, line(k + p)))
            }
        }
        try runs.finishWriting()
        // The dated duties' run, in memory, shares with none: keys between the others'.
        let extra = (0..<20).map { k in (FindingKey(at: Instant(nanoseconds: Int64(k * 40 + 1)), caseID: "d\(k)", rule: "r", start: "s"), line(k)) }
        expected += extra
        let spilled = try FileManager.default.contentsOfDirectory(atPath: folder.path).reduce(0) { sum, name in
            sum + ((try FileManager.default.attributesOfItem(atPath: folder.path + "/" + name)[.size] as? Int) ?? 0)
        }
        var merged: [[UInt8]] = []
        try FindingMerge.write(runs: runs, extra: extra) { merged.append(Array($0)) }
        #expect(merged == expected.sorted { $0.0 < $1.0 }.map(\.1))
        let written = expected.dropLast(extra.count).reduce(0) { $0 + $1.1.count }
        #expect(spilled < written / 2, "\(spilled) bytes spilled for \(written) bytes of lines")
    }

    @Test("the merge orders findings as their keys order them, texts as Swift compares them: a decomposed accent after an ASCII letter, canonically equal ids as ties")
    func findingMergeOrdersAsKeys() throws {
        // At one instant: by bytes "e\u{301}" (65 CC 81) comes before "f"; as text, é comes after.
        let ids = ["f", "e\u{301}", "\u{E9}", "a", "e"]
        let runs = try Partitions(count: ids.count, folder: nil, name: "order")
        var keys: [FindingKey] = []
        for (p, id) in ids.enumerated() {
            let key = FindingKey(at: Instant(nanoseconds: 7), caseID: id, rule: "r", start: "s")
            var run = FindingRun(runs, p)
            try run.append(key, rule: nil, line: Array("\(p)".utf8))
            keys.append(key)
        }
        var merged: [String] = []
        try FindingMerge.write(runs: runs, extra: []) { merged.append(String(decoding: $0, as: UTF8.self)) }
        // Sorted by key, equal keys in source order (a stable sort of the sources).
        let expected = keys.indices.sorted { a, b in keys[a] < keys[b] || (!(keys[b] < keys[a]) && a < b) }.map(String.init)
        #expect(merged == expected)
        #expect(merged == ["3", "4", "0", "1", "2"])
    }
}
