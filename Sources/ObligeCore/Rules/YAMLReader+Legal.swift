import Foundation
import Yams

/// The parts every legal data file shares (rules, penalty provisions): a citation and an
/// effective period, read and checked the same way wherever they appear.
extension YAMLReader {
    /// A dotted lower-case id that starts with its regime (`tco.art3.removal-order`, `dsa.art74-1`).
    func dottedID(_ node: Node?, regime: String, example: String) -> String {
        let id = string(node, "id") ?? ""
        if !id.isEmpty, id.range(of: #"^[a-z0-9-]+(\.[a-z0-9-]+)+$"#, options: .regularExpression) == nil {
            error(node, "id '\(id)' is not a dotted lower-case name", fix: "e.g. \(example)")
        } else if !id.isEmpty, !regime.isEmpty, !id.hasPrefix(regime + ".") {
            error(node, "id '\(id)' must start with its regime, '\(regime).'")
        }
        return id
    }

    func citation(_ node: Node) -> Citation? {
        let r = self
        guard
            let m = r.mapping(
                node, "citation", allowed: ["instrument", "article", "section", "paragraph", "point", "url", "confidence", "verification"],
                required: ["instrument", "url", "confidence"])
        else { return nil }
        if m["article"] == nil, m["section"] == nil {
            r.error(node, "citation needs an article or a section", fix: "add `article: \"3\"` (EU) or `section: \"9\"` (UK, US, DE §)")
        }
        let url = r.string(m["url"], "url") ?? ""
        if !url.hasPrefix("https://") && !url.hasPrefix("http://") {
            r.error(m["url"], "url '\(url)' is not a web address", fix: "link the official text (EUR-Lex, legislation.gov.uk, gesetze-im-internet.de, …)")
        }
        let confidence = m["confidence"].flatMap { r.oneOf($0, "confidence", ["confirmed", "check", "interpretation"]) }
            .flatMap(Citation.Confidence.init(rawValue:))
        if confidence == .check, m["verification"] == nil {
            r.error(node, "a citation marked 'check' must say what is unverified", fix: "add `verification: …` naming what to check against the official text")
        }
        guard let confidence, let instrument = r.string(m["instrument"], "instrument") else { return nil }
        return Citation(
            instrument: instrument, article: m["article"].flatMap { r.string($0, "article") },
            section: m["section"].flatMap { r.string($0, "section") }, paragraph: m["paragraph"].flatMap { r.string($0, "paragraph") },
            point: m["point"].flatMap { r.string($0, "point") }, url: url, confidence: confidence,
            verification: m["verification"].flatMap { r.string($0, "verification") })
    }

    func effective(_ node: Node) -> EffectivePeriod? {
        let r = self
        guard let m = r.mapping(node, "effective", allowed: ["from", "until"], required: ["from"]),
            let from = r.date(m["from"], "effective.from")
        else { return nil }
        let until = m["until"].flatMap { r.date($0, "effective.until") }
        if let until, until <= from {
            r.error(m["until"], "effective.until (\(until)) is not after effective.from (\(from))", fix: "until is the first day the version no longer applies")
        }
        return EffectivePeriod(from: from, until: until)
    }
}
