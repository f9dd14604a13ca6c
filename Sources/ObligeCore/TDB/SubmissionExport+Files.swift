import Foundation

extension SubmissionExport {
    /// Writes the batches as `statements-0001.json`, … into `folder`, all or nothing: they are
    /// written into a new folder beside it, which then takes the place of `folder`. Files of an
    /// earlier, larger export cannot linger for the uploader to send again. An existing `folder`
    /// may only hold `statements-NNNN.json` files: anything else is left alone and reported.
    public static func write(batches: [String], to folder: String) throws {
        let fm = FileManager.default
        let target = URL(fileURLWithPath: folder).standardizedFileURL
        let parent = target.deletingLastPathComponent()
        var isDirectory: ObjCBool = false
        let exists = fm.fileExists(atPath: target.path, isDirectory: &isDirectory)
        if exists {
            guard isDirectory.boolValue else {
                throw ObligeError(.io, "'\(folder)' is a file, not a folder", at: SourceLocation(file: folder), fix: "choose a folder for the statements")
            }
            let foreign = try fm.contentsOfDirectory(atPath: target.path).filter { !isBatchFileName($0) }.sorted()
            if !foreign.isEmpty {
                throw ObligeError(
                    .io, "'\(folder)' holds files that are not statement batches (\(foreign.prefix(3).joined(separator: ", ")))", at: SourceLocation(file: folder),
                    fix: "choose an empty or new folder: the export replaces the folder's contents")
            }
        }
        let staging = parent.appendingPathComponent(".\(target.lastPathComponent).partial-\(UUID().uuidString)")
        do {
            try fm.createDirectory(at: staging, withIntermediateDirectories: false)
            for (i, body) in batches.enumerated() {
                try Data(body.utf8).write(to: staging.appendingPathComponent(batchFileName(i)))
            }
            if exists {
                let old = parent.appendingPathComponent(".\(target.lastPathComponent).old-\(UUID().uuidString)")
                try fm.moveItem(at: target, to: old)
                try fm.moveItem(at: staging, to: target)
                try? fm.removeItem(at: old)
            } else {
                try fm.moveItem(at: staging, to: target)
            }
        } catch {
            try? fm.removeItem(at: staging)
            throw ObligeError(.io, "cannot write the statements to '\(folder)': \(error.localizedDescription)", at: SourceLocation(file: folder), fix: "check that the folder's parent exists and is writable")
        }
    }

    static func isBatchFileName(_ name: String) -> Bool {
        guard name.hasPrefix("statements-"), name.hasSuffix(".json") else { return false }
        let digits = name.dropFirst("statements-".count).dropLast(".json".count)
        return digits.count >= 4 && digits.allSatisfy { $0.isASCII && $0.isNumber }
    }

    /// The puids of statements already submitted: one a line; blank lines and lines starting
    /// with `#` are ignored, spaces around a puid too.
    public static func readSubmittedPUIDs(path: String) throws -> Set<String> {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw ObligeError(.io, "cannot read the list of submitted puids '\(path)'", at: SourceLocation(file: path), fix: "give a UTF-8 text file with one puid a line")
        }
        var out = Set<String>()
        for line in text.split(whereSeparator: \.isNewline) {
            let t = line.trimmingCharacters(in: .whitespaces)
            if !t.isEmpty && !t.hasPrefix("#") { out.insert(t) }
        }
        return out
    }

    /// The export's report for people: counts, then each decision that cannot be submitted with
    /// its problems (`file:line`, field, rule, fix), then what was skipped and why.
    public static func reportText(_ r: SubmissionExportResult) -> String {
        let skippedDecisions = r.skipped.filter { $0.type == decisionType }.count
        let acts = r.skipped.count - skippedDecisions
        var lines = [
            "\(r.decisions) decisions: \(r.statements.count) statements in \(r.batches.count) request \(r.batches.count == 1 ? "body" : "bodies"), "
                + "\(r.rejected.count) cannot be submitted, \(skippedDecisions) skipped; "
                + "\(acts) content.removed or content.disabled without a restriction.imposed",
        ]
        if !r.problems.isEmpty {
            lines.append("")
            lines.append("Cannot be submitted:")
            lines += r.problems.map(\.description)
        }
        if !r.skipped.isEmpty {
            lines.append("")
            lines.append("Not exported:")
            lines += r.skipped.map { "\($0.origin): \($0.type) \($0.eventID) (case \($0.caseID)): [\($0.reason)] \($0.detail)" }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The same report as JSON, keys in a fixed order.
    public static func reportJSON(_ r: SubmissionExportResult) -> JSONValue {
        func location(_ l: SourceLocation) -> [(String, JSONValue)] { [("file", .string(l.file)), ("line", .optional(l.line.map(Int64.init)))] }
        return .object([
            ("decisions", .int(Int64(r.decisions))),
            ("statements", .int(Int64(r.statements.count))),
            ("batches", .array(r.batches.indices.map { .string(batchFileName($0)) })),
            ("rejected", .array(r.rejected.map(JSONValue.string))),
            (
                "problems",
                .array(r.problems.map { p in
                    .object(
                        [("event", .string(p.eventID)), ("case", .string(p.caseID))] + location(p.origin) + [
                            ("puid", .string(p.puid)), ("field", .string(p.field)), ("rule", .string(p.rule.name)),
                            ("message", .string(p.message)), ("fix", .string(p.fix)),
                        ])
                })
            ),
            (
                "skipped",
                .array(r.skipped.map { s in
                    .object(
                        [("event", .string(s.eventID)), ("case", .string(s.caseID)), ("type", .string(s.type))] + location(s.origin) + [
                            ("reason", .string(s.reason.name)), ("detail", .string(s.detail)),
                        ])
                })
            ),
        ])
    }
}
