import Yams

/// Walks a parsed YAML file strictly, collecting errors that name file, line and column.
///
/// Rule, profile, vocabulary and calendar files all go through here, so an unknown key, a bad
/// value or a missing field reads the same everywhere: `file:line:col: error: … fix: …`, with the
/// source line and a caret. Errors are collected, not thrown one at a time, so a lawyer editing a
/// pack sees every problem in one run.
final class YAMLReader {
    let file: String
    let kind: ObligeError.Kind
    private(set) var errors: [ObligeError] = []
    private let text: String
    /// The file's lines, for showing the line of an error: made only when there is one (splitting
    /// every rule file into lines was a tenth of an audit's start-up).
    private(set) lazy var lines: [Substring] = text.split(separator: "\n", omittingEmptySubsequences: false)

    init(file: String, text: String, kind: ObligeError.Kind) {
        self.file = file
        self.text = text
        self.kind = kind
    }

    /// Parses every document of the file; a syntax error is recorded and yields no documents.
    static func documents(file: String, text: String, kind: ObligeError.Kind) -> (YAMLReader, [Node]) {
        let reader = YAMLReader(file: file, text: text, kind: kind)
        do {
            let parser = try Parser(yaml: text)
            var nodes: [Node] = []
            while let node = try parser.nextRoot() { nodes.append(node) }
            return (reader, nodes)
        } catch let error as YamlError {
            reader.record(yamlError: error)
        } catch {
            reader.errors.append(ObligeError(kind, "cannot parse YAML: \(error)", at: SourceLocation(file: file)))
        }
        return (reader, [])
    }

    /// A file that holds exactly one YAML document (a profile, a scenario), parsed with `parse`;
    /// every problem of the file is thrown at once. `missing` is the error when there is no file.
    static func single<T>(
        path: String, kind: ObligeError.Kind, what: String, missing: ObligeError, parse: (Node, YAMLReader) -> T?
    ) throws(ObligeErrors) -> T {
        var errors: [ObligeError] = []
        guard let text = RuleLoader.read(path, &errors) else { throw ObligeErrors(errors.isEmpty ? [missing] : errors) }
        let (r, docs) = documents(file: path, text: text, kind: kind)
        guard r.errors.isEmpty else { throw ObligeErrors(r.errors) }
        guard docs.count == 1, let doc = docs.first else {
            throw ObligeErrors([ObligeError(kind, "a \(what) holds exactly one YAML document", at: SourceLocation(file: path))])
        }
        let value = parse(doc, r)
        if !r.errors.isEmpty { throw ObligeErrors(r.errors) }
        guard let value else { throw ObligeErrors([ObligeError(kind, "unreadable \(what)", at: SourceLocation(file: path))]) }
        return value
    }

    private func record(yamlError: YamlError) {
        switch yamlError {
        case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _),
            .composer(let context, let problem, let mark, _):
            let what = [context?.text, problem].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: ", ")
            errors.append(
                ObligeError(
                    kind, "YAML syntax: \(what)", at: SourceLocation(file: file, line: mark.line, column: mark.column),
                    fix: "check indentation and quoting on this line", snippet: snippet(mark)))
        default:
            errors.append(ObligeError(kind, "YAML: \(yamlError)", at: SourceLocation(file: file)))
        }
    }

    func location(_ node: Node?) -> SourceLocation {
        guard let mark = node?.mark else { return SourceLocation(file: file) }
        return SourceLocation(file: file, line: mark.line, column: mark.column)
    }

    private func snippet(_ mark: Mark?) -> String? {
        guard let mark, mark.line >= 1, mark.line <= lines.count else { return nil }
        let line = lines[mark.line - 1]
        let caret = String(repeating: " ", count: max(0, mark.column - 1)) + "^"
        return "  " + line + "\n  " + caret
    }

    func error(_ node: Node?, _ message: String, fix: String? = nil) {
        errors.append(ObligeError(kind, message, at: location(node), fix: fix, snippet: snippet(node?.mark)))
    }

    // MARK: - Shapes

    /// A mapping with only `allowed` keys, all `required` keys present, and no key twice.
    func mapping(_ node: Node, _ what: String, allowed: [String], required: [String] = []) -> [String: Node]? {
        guard case .mapping(let m) = node else {
            error(node, "\(what) must be a mapping of keys to values", fix: "write `key: value` lines under it")
            return nil
        }
        var out: [String: Node] = [:]
        for (k, v) in m {
            guard let key = k.scalar?.string else {
                error(k, "\(what): keys must be plain words")
                continue
            }
            if out[key] != nil {
                error(k, "\(what): key '\(key)' appears twice", fix: "keep one of them")
                continue
            }
            if !allowed.contains(key) {
                let suggestion = closest(key, in: allowed).map { "did you mean '\($0)'? " } ?? ""
                error(
                    k, "\(what): unknown key '\(key)'",
                    fix: suggestion + "allowed keys: \(allowed.joined(separator: ", "))")
                continue
            }
            out[key] = v
        }
        for key in required where out[key] == nil {
            error(node, "\(what): missing required key '\(key)'", fix: "add `\(key): …`")
        }
        return out
    }

    /// A mapping whose keys are free (attribute names, target names): in file order.
    func freeMapping(_ node: Node, _ what: String) -> [(key: String, keyNode: Node, value: Node)]? {
        guard case .mapping(let m) = node else {
            error(node, "\(what) must be a mapping")
            return nil
        }
        var seen = Set<String>()
        var out: [(String, Node, Node)] = []
        for (k, v) in m {
            guard let key = k.scalar?.string else {
                error(k, "\(what): keys must be plain words")
                continue
            }
            guard seen.insert(key).inserted else {
                error(k, "\(what): key '\(key)' appears twice", fix: "keep one of them")
                continue
            }
            out.append((key, k, v))
        }
        return out
    }

    func string(_ node: Node?, _ what: String) -> String? {
        guard let node else { return nil }
        guard case .scalar(let s) = node, !s.string.isEmpty else {
            error(node, "\(what) must be a single value (text)")
            return nil
        }
        return s.string
    }

    /// A sequence, or a single scalar read as a one-element list.
    func list(_ node: Node?, _ what: String) -> [Node]? {
        guard let node else { return nil }
        switch node {
        case .sequence(let seq): return Array(seq)
        case .scalar: return [node]
        default:
            error(node, "\(what) must be a list (`[a, b]` or `- a` lines)")
            return nil
        }
    }

    func strings(_ node: Node?, _ what: String) -> [String]? {
        guard let items = list(node, what) else { return nil }
        var out: [String] = []
        for item in items {
            guard let s = string(item, "each entry of \(what)") else { return nil }
            out.append(s)
        }
        return out
    }

    func date(_ node: Node?, _ what: String) -> CivilDate? {
        guard let text = string(node, what) else { return nil }
        guard let date = try? CivilDate.parse(text) else {
            error(node, "\(what): '\(text)' is not a valid date", fix: "write YYYY-MM-DD, e.g. 2024-02-17")
            return nil
        }
        return date
    }

    func int(_ node: Node?, _ what: String, range: ClosedRange<Int>? = nil) -> Int? {
        guard let text = string(node, what) else { return nil }
        guard let value = Int(text), range.map({ $0.contains(value) }) ?? true else {
            let r = range.map { " from \($0.lowerBound) to \($0.upperBound)" } ?? ""
            error(node, "\(what): '\(text)' is not a whole number\(r)")
            return nil
        }
        return value
    }

    func bool(_ node: Node?, _ what: String) -> Bool? {
        guard let text = string(node, what) else { return nil }
        switch text {
        case "true": return true
        case "false": return false
        default:
            error(node, "\(what): '\(text)' is not true or false", fix: "write true or false")
            return nil
        }
    }

    func oneOf(_ node: Node?, _ what: String, _ choices: [String]) -> String? {
        guard let text = string(node, what) else { return nil }
        guard choices.contains(text) else {
            let suggestion = closest(text, in: choices).map { "did you mean '\($0)'? " } ?? ""
            error(node, "\(what): '\(text)' is not one of \(choices.joined(separator: ", "))", fix: suggestion.isEmpty ? nil : suggestion)
            return nil
        }
        return text
    }
}

/// The nearest candidate by edit distance, when it is near enough to be a likely typo.
func closest(_ word: String, in candidates: some Sequence<String>) -> String? {
    var best: (String, Int)?
    for c in candidates {
        let d = editDistance(word, c)
        if d <= max(2, word.count / 3), best.map({ d < $0.1 }) ?? true { best = (c, d) }
    }
    return best?.0
}

func editDistance(_ a: String, _ b: String) -> Int {
    let a = Array(a.unicodeScalars), b = Array(b.unicodeScalars)
    if a.isEmpty { return b.count }
    if b.isEmpty { return a.count }
    var previous = Array(0...b.count)
    var current = Array(repeating: 0, count: b.count + 1)
    for i in 1...a.count {
        current[0] = i
        for j in 1...b.count {
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
        }
        swap(&previous, &current)
    }
    return previous[b.count]
}
