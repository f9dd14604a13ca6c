import Foundation
import Yams

/// A waiver file: the legal team's waivers kept in version control beside the platform profile,
/// loaded with `--waivers FILE` (docs/waivers.md).
///
/// ```yaml
/// waivers:
///   - rule: dsa.art16.notice-ack
///     case: notice-017
///     justification: "Backlog from the March outage, agreed with the coordinator"
///     approver: "Jane Doe, DPO"
///     expires: 2026-03-31
/// ```
///
/// It is checked as strictly as a rule file, against the rule library it will be used with, so a
/// waiver that names a rule which does not exist (a typo, a renamed rule) fails the run before any
/// evaluation instead of silently waiving nothing.
public enum WaiverFile {
    /// Every waiver of the file, in file order, each with the id `FILE:LINE` (the line of its
    /// `- rule:` entry). Throws every problem of the file at once, with file, line and column.
    public static func load(path: String, rules: RuleSet) throws(ObligeErrors) -> [Waiver] {
        try YAMLReader.single(
            path: path, kind: .waivers, what: "waiver file",
            missing: ObligeError(
                .usage, "waiver file '\(path)' does not exist",
                fix: "pass --waivers FILE, a YAML file with a `waivers:` list (see docs/waivers.md)")
        ) { doc, r in WaiverParser(reader: r, rules: rules, path: path).parse(doc) }
    }
}

extension ObligeError.Kind {
    public static let waivers = ObligeError.Kind("waivers")
}

struct WaiverParser {
    let reader: YAMLReader
    let rules: RuleSet
    let path: String

    static let keys = ["rule", "case", "justification", "approver", "expires"]

    func parse(_ doc: Node) -> [Waiver]? {
        let r = reader
        guard let m = r.mapping(doc, "waiver file", allowed: ["waivers"], required: ["waivers"]), let list = m["waivers"] else { return nil }
        let items: [Node]
        switch list {
        case .sequence(let seq): items = Array(seq)
        // `waivers:` with nothing after it: a file whose waivers were all removed.
        case .scalar(let s) where s.string.isEmpty || s.string == "~" || s.string == "null": items = []
        default:
            r.error(list, "waivers must be a list of waivers (`- rule: …` entries)", fix: "write `waivers: []` for none")
            return nil
        }
        let ruleIDs = rules.ids
        let known = Set(ruleIDs)
        var waivers: [Waiver] = []
        // rule and case (nil: every case) → the line of the waiver that already covers them.
        var seen: [String: Int] = [:]
        for (n, item) in items.enumerated() {
            guard let w = r.mapping(item, "waiver \(n + 1)", allowed: Self.keys, required: ["rule", "justification", "approver"]) else { continue }
            let before = r.errors.count
            let rule = r.string(w["rule"], "rule")
            if let rule, !known.contains(rule) {
                let hint = closest(rule, in: ruleIDs).map { "did you mean '\($0)'? " } ?? ""
                r.error(w["rule"], "unknown rule '\(rule)'", fix: hint + "waive a rule id of the loaded library (`oblige rules list` lists them)")
            }
            let caseID = r.string(w["case"], "case")
            let justification = text(w["justification"], "justification", fix: "say why the breach is accepted, and on what authority")
            let approver = text(w["approver"], "approver", fix: "name who approved the waiver, e.g. \"Jane Doe, DPO\"")
            let expires = r.date(w["expires"], "expires")
            guard r.errors.count == before, let rule, let justification, let approver else { continue }
            let line = item.mark?.line ?? 0
            let key = rule + "\u{0}" + (caseID ?? "")
            if let first = seen[key] {
                let what = caseID.map { "case '\($0)' of rule '\(rule)'" } ?? "every case of rule '\(rule)'"
                r.error(
                    item, "\(what) is already waived at line \(first)",
                    fix: "keep one waiver per rule and case; to renew it, change its `expires`")
                continue
            }
            seen[key] = line
            waivers.append(
                Waiver(id: "\(path):\(line)", rule: rule, caseID: caseID, justification: justification, approver: approver, expires: expires))
        }
        return waivers
    }

    /// Free text that must say something: blank is an error with `fix`.
    func text(_ node: Node?, _ what: String, fix: String) -> String? {
        guard let node else { return nil }
        if case .scalar(let s) = node, s.string.allSatisfy(\.isWhitespace) {
            reader.error(node, "\(what) is empty", fix: fix)
            return nil
        }
        return reader.string(node, what).map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
    }
}
