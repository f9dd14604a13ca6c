import Foundation
import Yams

/// Money in data files: ISO 4217 codes, and decimals as quoted text (binary floating point never
/// touches an amount). Shared by penalty provisions, profiles and scenarios.
extension YAMLReader {
    func currencyCode(_ node: Node?) -> String? {
        guard let c = string(node, "currency") else { return nil }
        guard c.range(of: "^[A-Z]{3}$", options: .regularExpression) != nil else {
            error(node, "currency '\(c)' is not an ISO 4217 code", fix: "e.g. EUR, GBP, USD, AUD")
            return nil
        }
        return c
    }

    /// Plain decimal text, quoted in the file: binary floating point never touches money.
    func decimal(_ node: Node?, _ what: String, positive: Bool = true) -> Decimal? {
        guard let node else {
            return nil
        }
        guard let text = node.scalar?.string else {
            error(node, "\(what) must be a decimal number in quotes", fix: "e.g. \"0.06\"")
            return nil
        }
        guard let value = Money.decimal(text) else {
            error(node, "\(what) '\(text)' is not a plain decimal", fix: "write digits with an optional decimal point, in quotes: \"0.06\", \"18000000.00\"")
            return nil
        }
        if positive, value <= 0 { error(node, "\(what) must be more than zero") }
        return value
    }

    /// `[{from: GBP, to: EUR, rate: "1.1530", as_of: 2025-10-31, source: …}]`.
    func exchangeRates(_ node: Node) -> ExchangeRates {
        var rates: [ExchangeRates.Rate] = []
        for item in list(node, "exchange_rates") ?? [] {
            guard let m = mapping(item, "exchange rate", allowed: ["from", "to", "rate", "as_of", "source"], required: ["from", "to", "rate"]),
                let from = currencyCode(m["from"]), let to = currencyCode(m["to"]), let rate = decimal(m["rate"], "rate")
            else { continue }
            if from == to { error(m["to"], "an exchange rate converts between two different currencies") }
            if rates.contains(where: { ($0.from, $0.to) == (from, to) || ($0.from, $0.to) == (to, from) }) {
                error(item, "a second rate between \(from) and \(to)", fix: "keep one rate per pair; the inverse is derived")
            }
            rates.append(
                ExchangeRates.Rate(
                    from: from, to: to, rate: rate, asOf: m["as_of"].flatMap { date($0, "as_of") }, source: m["source"].flatMap { string($0, "source") },
                    origin: location(item)))
        }
        return ExchangeRates(rates)
    }
}
