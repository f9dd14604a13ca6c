import Foundation
import ObligeTestSupport
import Testing

@testable import ObligeCore

/// A plain JSON line goes from its bytes straight to partition records (`FlatEvent`,
/// `EventIntake.LineChecker`, `ChunkIntake.take(line:number:file:into:)`). Whatever it takes must be
/// written exactly as the event the scanner builds would be, with the same content hash, and
/// whatever it declines must come out as the plain way has it.
@Suite("JSON lines read straight to partition records")
struct IngestFastPathTests {
    typealias T = TestSupport

    static let rules: RuleSet = {
        do { return try RuleLoader.load(root: T.rulesRoot) } catch { fatalError("shipped library does not load: \(error)") }
    }()
    static let services: Set<String> = {
        do { return Set(try PlatformProfile.load(path: T.demoDir.appendingPathComponent("platform.yaml").path).services.map(\.id)) } catch {
            fatalError("demo profile does not load: \(error)")
        }
    }()

    /// Lines of the load generator: the shipped vocabulary's types with realistic attributes.
    static let generated: [String] = {
        var bytes: [UInt8] = []
        do {
            _ = try LoadGenerator.write(LoadOptions(events: 4000, seed: 11, duplicates: 0.01)) { bytes.append(contentsOf: $0) }
        } catch {
            fatalError("generator failed: \(error)")
        }
        return String(decoding: bytes, as: UTF8.self).split(separator: "\n").map(String.init)
    }()

    /// Hand-made lines for `IntakePassTests.vocabulary` (services: social), with whether the
    /// fast path takes each: every kind of value, and every way a line can be other than plain.
    static let edges: [(line: String, taken: Bool)] = [
        (#"{"id":"e1","case":"c1","type":"a.b","at":"2025-05-01T10:00:00Z","s":"x"}"#, true),
        (#"  { "id" : "e2" , "case": "c1", "type":"a.b", "at": "2025-05-01T12:00:00.5+02:00" ,"s" : "y" }  "#, true),
        (#"{"type":"a.b","s":"x","at":"2025-05-01T10:00:00-05:30","case":"c2","id":"e3","t":"free text","l":["DE","FR"],"c":"DE"}"#, true),
        (#"{"id":"e4","case":"c1","type":"a.b","at":"2025-05-01T10:00:00Z","s":"x","z":"Europe/Berlin","d":"2025-01-01","n":-2.5e+3,"w":"2025-01-01T00:00:00Z"}"#, true),
        (#"{"id":"e5","case":"c1","type":"a.b","at":"2025-05-01T10:00:00Z","s":"x","n":0,"other":true,"more":false,"none":null,"empty":""}"#, true),
        (#"{"id":"e6","case":"c1","type":"a.b","at":"2025-05-01T10:00:00Z","s":"x","l":[],"m":["", "a b"],"service":"social"}"#, true),
        (#"{"id":"e7","case":"c1","type":"c.d","at":"2025-05-01T10:00:00Z","d":12,"service":["nope"],"zz":"del\#u{7f}"}"#, true),
        (#"{"id":"e8","case":"c1","type":"a.b","at":"2025-05-01T10:00:00Z","s":"x","n":1E5,"a_long_attribute_name_past_fifteen_bytes":"v"}"#, true),
        // Declined: the scanner rejects them, or reads them into something the bytes do not spell.
        (#"{"id":"e10","case":"c1","type":"a.b","at":"2025-05-01T10:00:00Z","s":"x\u0041"}"#, false),
        (#"{"id":"e11","case":"c1","type":"a.b","at":"2025-05-01T10:00:00Z","s":"x","t":"a\"b"}"#, false),
        (#"{"id":"e12","case":"c1","type":"a.b","at":"2025-05-01T10:00:00Z","\u0073":"x"}"#, false),
        (#"{"id":"e13","case":"c1","type":"a.b","at":"2025-05-01T10:00:00Z","s":"x","t":"caf\#u{e9}"}"#, false),
        (#"{"id":"e14","case":"c1","type":"a.b","at":"2025-05-01T10:00:00Z","s":"x","c":"D\#u{212A}"}"#, false),
        (#"{"id":"e15","case":"c1","type":"a.b","at":"2025-05-01T10:00:00Z","s":"x","t":"a","t":"b"}"#, false),
        (#"{"id":"e16","case":"c1","type":"a.b","at":"2025-05-01T10:00:00Z","s":"x","t":null,"t":"b"}"#, false),
        (#"{"id":"e17","case":"c1","type":"a.b","at":"2025-05-01T10:00:00Z","s":"x","t":"","t":null}"#, false),
        (#"{"id":"e18","case":"c1","type":"a.b","at":"2025-05-01T10:00:00Z","s":"x","id":"e18"}"#, false),
        (#"{"id":18,"case":"c1","type":"a.b","at":"2025-05-01T10:00:00Z","s":"x"}"#, false),
        (#"{"id":"e19","case":19,"type":"a.b","at":"2025-05-01T10:00:00Z","s":"x"}"#, false),
        (#"{"id":"","case":"c1","type":"a.b","at":"2025-05-01T10:00:00Z","s":"x"}"#, false),
        (#"{"id":"e20","case":"c1","type":"","at":"2025-05-01T10:00:00Z","s":"x"}"#, false),
        (#"{"id":"e21","case":"c1","type":"a.b","s":"x"}"#, false),
        (#"{"id":"e22","case":"c1","type":"a.b","at":"2025-05-01T10:00:00","s":"x"}"#, false),
        (#"{"id":"e23","case":"c1","type":"a.b","at":"2025-02-30T10:00:00Z","s":"x"}"#, false),
        (#"{"id":"e24","case":"c1","type":"a.b","at":20250501,"s":"x"}"#, false),
        (#"{"id":"e25","case":"c1","type":"a.b","at":"2025-05-01T10:00:00Z","s":"x","o":{"k":"v"}}"#, false),
        (#"{"id":"e26","case":"c1","type":"a.b","at":"2025-05-01T10:00:00Z","s":"x","l":["a",1]}"#, false),
        (#"{"id":"e27","case":"c1","type":"a.b","at":"2025-05-01T10:00:00Z","s":"x","l":[["a"]]}"#, false),
        ("\u{FEFF}" + #"{"id":"e28","case":"c1","type":"a.b","at":"2025-05-01T10:00:00Z","s":"x"}"#, false),
        (#"{"id":"e29","case":"c1","type":"a.b","at":"2025-05-01T10:00:00Z","s":"x"} x"#, false),
        (#"{"id":"e30","case":"c1","type":"a.b","at":"2025-05-01T10:00:00Z","s":"x",}"#, false),
        (#"{"id":"e31","case":"c1","type":"a.b","at":"2025-05-01T10:00:00Z","s":"x","n":01}"#, false),
        (#"{"id":"e32","case":"c1","type":"a.b","at":"2025-05-01T10:00:00Z","s":"x","n":1.}"#, false),
        (#"{"id":"e33","case":"c1","type":"a.b","at":"2025-05-01T10:00:00Z","s":"x","n":tru}"#, false),
        (#"{"id":"e34","case":"c1","type":"a.c","at":"2025-05-01T10:00:00Z"}"#, false),
        (#"{"id":"e35","case":"c1","type":"a.b","at":"2025-05-01T10:00:00Z","s":"z"}"#, false),
        (#"{"id":"e36","case":"c1","type":"a.b","at":"2025-05-01T10:00:00Z","s":"x","service":"nope"}"#, false),
        (#"{"id":"e37","case":"c1","type":"c.d","at":"2025-05-01T10:00:00Z","service":"nope"}"#, false),
        (#"{"id":"e38","case":"c1","type":"a.b","at":"2025-05-01T10:00:00Z","s":["x"]}"#, false),
        (#"{"id":"e39","case":"c1","type":"a.b","at":"2025-05-01T10:00:00Z","t":"no s"}"#, false),
        (#"{"id":"e40","case":"c1","type":"a.b","at":"2025-05-01T10:00:00Z","s":"x","n":"2025-01-01"}"#, false),
        (#"{"id":"e41","case":"c1","type":"a.b","at":"2025-05-01T10:00:00Z","s":"x","z":"Europe/Berlinn"}"#, false),
        (#"{"id":"e42","case":"c1","type":"a.b","at":"2025-05-01T10:00:00Z","s":"x","c":"de"}"#, false),
        (#"{"id":"e43","case":"c1","type":"a.b","at":"2025-05-01T10:00:00Z","s":"x","t":"tab\#tin"}"#, false),
        (#"{"id":"e44","case":"c1","type":"a.b","at":"2025-05-01T10:00:00Z","s":"x""#, false),
        (#"{"id":"e45","case":"c1","type":"a.b","at":"2025-05-01T10:00:00Z","s":"x","t":"open}"#, false),
        (#"{}"#, false),
        (#"[]"#, false),
        ("{not json", false),
    ]

    /// `line` with one of a few small changes at a place `pick` chooses: most keep it plain,
    /// some make it something the fast path must decline.
    static func mutated(_ line: String, _ pick: (Int) -> Int) -> String {
        var bytes = Array(line.utf8)
        let at = pick(bytes.count)
        switch pick(9) {
        case 0: bytes.insert(32, at: at)
        case 1: bytes.insert(92, at: at)
        case 2: bytes.remove(at: at)
        case 3: bytes.replaceSubrange(at..<at, with: Array("\u{e9}".utf8))
        case 4: bytes[at] = 44
        case 5: bytes[at] = 34
        case 6:
            // A key given again at the end.
            return String(line.dropLast()) + #","category":"scams_and_fraud"}"#
        case 7:
            // An attribute moved before the reserved keys.
            return #"{"zeta":"z","# + line.dropFirst()
        default: bytes[at] = 48 + UInt8(pick(10))
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Random lines for `IntakePassTests.vocabulary`: names and values of every ASCII character
    /// that may stand unescaped (case, digits, punctuation, DEL), in any order, with every kind
    /// of value, sometimes a name twice; most are taken, the rest declined.
    static let random: [String] = {
        var state: UInt64 = 31
        func pick(_ n: Int) -> Int {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Int(state >> 33) % max(1, n)
        }
        let plain = (0x20...0x7f).map { UInt8($0) }.filter { $0 != 34 && $0 != 92 }
        func text(_ length: Int) -> String { String(decoding: (0..<length).map { _ in plain[pick(plain.count)] }, as: UTF8.self) }
        let names = ["s", "t", "l", "d", "n", "c", "z", "w", "service", "", "S", "s ", "_", "~", "A", "a", "ab", "a b", "\u{7f}", "0", "9z"]
        let values = [
            #""x""#, #""y""#, "12", "-0.5e-3", "true", "false", "null", #""""#, "[]", #"["DE", "x"]"#, #""DE""#, #""2025-01-01""#,
            #""Europe/Paris""#, #""social""#, #""2025-01-01T00:00:00+01:00""#,
        ]
        return (0..<2000).map { k in
            var fields = [
                #""id":"e\#(k)""#, #""case":"\#(text(1 + pick(12)))""#, #""type":"\#(pick(4) == 0 ? "c.d" : "a.b")""#,
                #""at":"2025-05-0\#(1 + pick(9))T10:00:0\#(pick(10))\#(["Z", "+01:00", ".25-03:30"][pick(3)])""#,
            ]
            if pick(5) > 0 { fields.append(#""s":"x""#) }
            for _ in 0..<pick(7) {
                let name = pick(3) == 0 ? text(pick(10)) : names[pick(names.count)]
                let value = pick(4) == 0 ? "\"\(text(pick(20)))\"" : values[pick(values.count)]
                fields.append("\"\(name)\":\(value)")
            }
            for k in stride(from: fields.count - 1, to: 0, by: -1) { fields.swapAt(k, pick(k + 1)) }
            return "{" + fields.joined(separator: [",", ", ", " ,"][pick(3)]) + "}"
        }
    }()

    static let fuzzed: [String] = {
        var state: UInt64 = 2024
        func pick(_ n: Int) -> Int {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Int(state >> 33) % max(1, n)
        }
        return (0..<3000).map { k in mutated(generated[(k * 7) % generated.count], pick) }
    }()

    /// Reads `line` both ways; when the fast way takes it, expects the plain way to accept the
    /// same event and both to write the same records and hash. Returns whether it was taken.
    static func compare(_ line: String, checker: inout EventIntake.Checker, lineChecker: inout EventIntake.LineChecker) -> Bool {
        var bytes = Array(line.utf8)
        return bytes.withUnsafeMutableBufferPointer { mutable -> Bool in
            let b = UnsafeBufferPointer(mutable)
            var flat = FlatEvent()
            guard flat.read(b), lineChecker.accepts(flat) else { return false }
            var scanner = JSONLineScanner()
            guard let e = try? scanner.event(b, origin: SourceLocation(file: "log.jsonl", line: 9)) else {
                Issue.record("taken, but the scanner rejects it: \(line)")
                return true
            }
            #expect(checker.problem(with: e) == nil, "taken, but the checker rejects it: \(line)")
            #expect(Auditor.contentHash(flat) == Auditor.contentHash(e), "content hash: \(line)")
            let hash = Auditor.identityHash(e)
            #expect(Auditor.identityHash(flat) == hash, "identity hash: \(line)")
            var plain = ByteWriter()
            plain.event(e, sequence: 77, file: 3)
            plain.idRecord(e.id, sequence: 77, hash: hash, file: 3, line: 9)
            var fast = ByteWriter()
            fast.event(flat, sequence: 77, file: 3, line: 9)
            fast.idRecord(flat.bytes(flat.id), sequence: 77, hash: Auditor.identityHash(flat), file: 3, line: 9)
            #expect(fast.bytes == plain.bytes, "records: \(line)")
            #expect(Auditor.partition(of: flat.bytes(flat.caseID), 7) == Auditor.partition(of: e.caseID, 7))
            return true
        }
    }

    @Test("a line taken writes the plain way's records and hash: generated, hand-made and mutated lines")
    func takenLinesAgree() {
        var checker = EventIntake.Checker(vocabulary: Self.rules.vocabulary, serviceIDs: Self.services)
        var lineChecker = EventIntake.LineChecker(vocabulary: Self.rules.vocabulary, serviceIDs: Self.services)
        // Twice over: the second time, values come from the checkers' memories.
        for _ in 0..<2 {
            let taken = Self.generated.filter { Self.compare($0, checker: &checker, lineChecker: &lineChecker) }.count
            // Only lines with text that is not ASCII are left to the plain way.
            let plain = Self.generated.filter { $0.utf8.allSatisfy { $0 < 0x80 } }.count
            #expect(taken == plain)
            #expect(taken > Self.generated.count * 9 / 10)
            let fuzzedTaken = Self.fuzzed.filter { Self.compare($0, checker: &checker, lineChecker: &lineChecker) }.count
            #expect(fuzzedTaken > 300 && fuzzedTaken < Self.fuzzed.count - 300, "\(fuzzedTaken) of \(Self.fuzzed.count)")
        }
        var edgeChecker = EventIntake.Checker(vocabulary: IntakePassTests.vocabulary, serviceIDs: ["social"])
        var edgeLineChecker = EventIntake.LineChecker(vocabulary: IntakePassTests.vocabulary, serviceIDs: ["social"])
        for _ in 0..<2 {
            for (line, taken) in Self.edges {
                #expect(Self.compare(line, checker: &edgeChecker, lineChecker: &edgeLineChecker) == taken, "\(line)")
            }
            let randomTaken = Self.random.filter { Self.compare($0, checker: &edgeChecker, lineChecker: &edgeLineChecker) }.count
            #expect(randomTaken > 300 && randomTaken < Self.random.count - 300, "\(randomTaken) of \(Self.random.count)")
        }
    }

    @Test("eight bytes at a time, a string's first quote, backslash, control character or byte above ASCII is found where it is")
    func specialBytes() {
        func isSpecial(_ c: UInt8) -> Bool { c == 34 || c == 92 || c < 0x20 || c >= 0x80 }
        func word(_ bytes: [UInt8]) -> UInt64 { bytes.enumerated().reduce(0) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) } }
        for c in 0...255 {
            for at in 0..<8 {
                var bytes = [UInt8](repeating: UInt8(ascii: "a"), count: 8)
                bytes[at] = UInt8(c)
                let special = FlatEvent.special(word(bytes))
                #expect(isSpecial(UInt8(c)) ? special.trailingZeroBitCount >> 3 == at : special == 0, "byte \(c) at \(at)")
                // A second special byte after it leaves the first one found.
                if at < 7, isSpecial(UInt8(c)) {
                    for d: UInt8 in [0, 34, 92, 0x1f, 0x80, 0xff] {
                        bytes[7] = d
                        #expect(FlatEvent.special(word(bytes)).trailingZeroBitCount >> 3 == at, "byte \(c) at \(at), then \(d)")
                    }
                }
            }
        }
    }

    /// What a chunk's intake wrote: every partition's records, the rejects, the counts.
    struct Written {
        var cases: [[UInt8]] = []
        var ids: [[UInt8]] = []
        var rejects: [UInt8] = []
        var records = 0
        var rejected = 0
        var files: [String] = []
        var lines = 0

        /// The first thing that differs from `other`, briefly (the records are long).
        func difference(from other: Written) -> String? {
            if records != other.records || rejected != other.rejected || lines != other.lines || files != other.files {
                return "counts: \(records), \(rejected), \(lines) against \(other.records), \(other.rejected), \(other.lines)"
            }
            for (name, mine, theirs) in [("cases", cases, other.cases), ("ids", ids, other.ids), ("rejects", [rejects], [other.rejects])] {
                for (p, (a, b)) in zip(mine, theirs).enumerated() where a != b {
                    let at = (0..<min(a.count, b.count)).first { a[$0] != b[$0] } ?? min(a.count, b.count)
                    let show = { (x: [UInt8]) in String(decoding: x[max(0, at - 40)..<min(x.count, at + 80)], as: UTF8.self) }
                    return "\(name) \(p) at byte \(at): \(show(a)) against \(show(b))"
                }
            }
            return nil
        }
    }

    /// Reads the lines of `path` as a chunk of an audit does, with the fast path or without it; also how
    /// many lines the fast path took.
    static func intake(_ path: String, vocabulary: Vocabulary, services: Set<String>, fast: Bool) throws -> (Written, taken: Int) {
        let count = 5
        let out = Auditor.IngestedChunk(
            cases: try Partitions(count: count, folder: nil, name: "cases"), ids: try Partitions(count: count, folder: nil, name: "ids"),
            rejects: try Partitions(count: 1, folder: nil, name: "rejects"))
        var intake = Auditor.ChunkIntake(
            out: out, checker: EventIntake.Checker(vocabulary: vocabulary, serviceIDs: services), base: 3 << FileTable.chunkShift, count: count)
        var taken = 0
        var flat = FlatEvent()
        let end = try LogReaders.readJSONLines(
            path,
            plain: { line, number in
                guard fast, try intake.take(line: line, number: number, file: path, into: &flat) else { return false }
                taken += 1
                return true
            }, { try intake.take($0) })
        var written = Written(records: intake.out.records, rejected: intake.out.rejected, files: intake.out.files, lines: end.lines)
        for p in 0..<count {
            written.cases.append(try intake.out.cases.contents(p))
            written.ids.append(try intake.out.ids.contents(p))
        }
        written.rejects = try intake.out.rejects.contents(0)
        return (written, taken)
    }

    @Test("a chunk read with the fast path writes what the plain way writes: records, ids, rejects and counts")
    func chunkAgrees() throws {
        let lines = Self.generated + Self.fuzzed + [""] + Self.generated.prefix(50)
        let path = T.file("chunk.jsonl", lines.joined(separator: "\n") + "\n")
        let (plain, none) = try Self.intake(path, vocabulary: Self.rules.vocabulary, services: Self.services, fast: false)
        let (fast, taken) = try Self.intake(path, vocabulary: Self.rules.vocabulary, services: Self.services, fast: true)
        #expect(none == 0)
        #expect(taken > Self.generated.count)
        #expect(plain.rejected > 300)
        #expect(fast.difference(from: plain) == nil)

        let edges = T.file("edges.jsonl", (Self.edges.map(\.line) + Self.random).joined(separator: "\n") + "\n")
        let (edgePlain, _) = try Self.intake(edges, vocabulary: IntakePassTests.vocabulary, services: ["social"], fast: false)
        let (edgeFast, edgeTaken) = try Self.intake(edges, vocabulary: IntakePassTests.vocabulary, services: ["social"], fast: true)
        #expect(edgeTaken > Self.edges.count { $0.taken } + 300)
        #expect(edgeFast.difference(from: edgePlain) == nil)
    }

    @Test("an audit of good and bad lines gives the findings, counts and rejects of the reading that builds every event")
    func auditAgrees() throws {
        let demo = try String(contentsOf: T.demoDir.appendingPathComponent("incidents.jsonl"), encoding: .utf8)
        var lines = demo.split(separator: "\n").map(String.init)
        var state: UInt64 = 77
        func pick(_ n: Int) -> Int {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Int(state >> 33) % max(1, n)
        }
        for k in stride(from: 0, to: lines.count, by: 9) { lines.insert(Self.mutated(lines[k], pick), at: pick(lines.count)) }
        lines.insert(lines[10], at: 200)
        lines.insert(#"{"id": "e0001", "case": "other", "type": "notice.received", "at": "2025-05-01T10:00:00Z", "source": "user"}"#, at: 300)
        lines.insert(#"{"id":"K1","case":"c9","type":"notice.received","at":"2025-05-01T10:00:00Z","source":"user"}"#, at: 302)
        lines.insert(#"{"id":"e9001","case":"c9","type":"notice.received","at":"2025-05-01T10:00:00Z","source":"usr"}"#, at: 303)
        lines.insert(#"{"id":"e9002","case":"c9","type":"notice.recieved","at":"2025-05-01T10:00:00Z"}"#, at: 304)
        let path = T.file("good-and-bad.jsonl", lines.joined(separator: "\n") + "\n")
        let profile = try PlatformProfile.load(path: T.demoDir.appendingPathComponent("platform.yaml").path)
        let options = AuditOptions(asOf: T.instant("2025-11-01T00:00:00Z"))
        var plainRejects: [Reject] = []
        var plain = try Auditor.run(rules: Self.rules, profile: profile, logs: [LogInput(path: path, format: .jsonl)], options: options, checkpoint: true) {
            plainRejects.append($0)
        }
        plain.checkpoint = nil
        #expect(plainRejects.count > 20)
        #expect(plainRejects.contains { $0.reason.contains("already used at") })
        for scale in [ScaleOptions(threads: 1), ScaleOptions(threads: 2, partitionBytes: 4096)] {
            var rejects: [Reject] = []
            let result = try Auditor.run(rules: Self.rules, profile: profile, logs: [LogInput(path: path, format: .jsonl)], options: options, scale: scale) {
                rejects.append($0)
            }
            #expect(result.stats == plain.stats, "\(scale.threads) threads")
            #expect(rejects.map(\.line) == plainRejects.map(\.line))
            #expect(rejects.map(\.reason) == plainRejects.map(\.reason))
            #expect(rejects.map(\.fix) == plainRejects.map(\.fix))
            #expect(rejects.map(\.record) == plainRejects.map(\.record))
            #expect(result.findings.map { JSONReport.finding($0).text } == plain.findings.map { JSONReport.finding($0).text }, "\(scale.threads) threads")
        }
    }
}
