import Foundation

/// An amount of money: an exact decimal and its ISO 4217 currency.
///
/// Amounts are Foundation `Decimal` (38 significant decimal digits), never binary floating point:
/// 6 % of 2,400,000,000.00 is exactly 144,000,000.00. Arithmetic is exact until a figure is
/// finished; then `rounded()` rounds it once, half away from zero, to the currency's minor unit.
public struct Money: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var amount: Decimal
    public var currency: String

    public init(_ amount: Decimal, _ currency: String) {
        self.amount = amount
        self.currency = currency
    }

    public static func zero(_ currency: String) -> Money { Money(0, currency) }

    /// Digits after the decimal point in the currency's minor unit (ISO 4217).
    public static func minorUnits(_ currency: String) -> Int {
        switch currency {
        case "JPY", "KRW", "ISK", "CLP", "VND", "XAF", "XOF": return 0
        case "BHD", "KWD", "OMR", "JOD", "TND": return 3
        default: return 2
        }
    }

    /// Rounded half away from zero to the minor unit: the one rounding a finished figure gets.
    public func rounded() -> Money { Money(Self.round(amount, scale: Self.minorUnits(currency)), currency) }

    public func scaled(by factor: Decimal) -> Money { Money(amount * factor, currency) }

    /// Sum of amounts in one currency. Adding different currencies is a programming error the
    /// callers rule out by converting first, so it traps rather than mixing them silently.
    public static func + (a: Money, b: Money) -> Money {
        precondition(a.currency == b.currency, "adding \(a.currency) to \(b.currency)")
        return Money(a.amount + b.amount, a.currency)
    }

    public static func < (a: Money, b: Money) -> Bool {
        precondition(a.currency == b.currency, "comparing \(a.currency) with \(b.currency)")
        return a.amount < b.amount
    }

    /// `EUR 144,000,000.00`: the code, then the amount at the minor unit with thousands grouped.
    public var description: String { currency + " " + Self.grouped(rounded().amount, scale: Self.minorUnits(currency)) }

    /// The amount at the minor unit without grouping (`144000000.00`), for JSON and CSV.
    public var plain: String { Self.plainText(rounded().amount, scale: Self.minorUnits(currency)) }

    // MARK: - Decimal helpers

    /// Half away from zero (`NSDecimalNumber.RoundingMode.plain`) at `scale` decimal places.
    public static func round(_ value: Decimal, scale: Int) -> Decimal {
        var input = value
        var output = Decimal()
        NSDecimalRound(&output, &input, scale, .plain)
        return output
    }

    /// Parses plain decimal text (`"0.06"`, `"18000000.00"`, `"-0.5"`): digits, an optional point
    /// and digits. No exponent, grouping or locale: what a rule file or profile writes.
    public static func decimal(_ text: String) -> Decimal? {
        guard text.range(of: #"^-?[0-9]+(\.[0-9]+)?$"#, options: .regularExpression) != nil else { return nil }
        return Decimal(string: text, locale: Locale(identifier: "en_US_POSIX"))
    }

    /// Fixed-point text with exactly `scale` decimals, e.g. `1234.50`.
    public static func plainText(_ value: Decimal, scale: Int) -> String {
        let r = round(value, scale: scale)
        let negative = r < 0
        let digits = (negative ? -r : r).description  // plain digits and at most one point
        var parts = digits.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        if parts.count == 1 { parts.append("") }
        let frac = String((parts[1] + String(repeating: "0", count: scale)).prefix(scale))
        return (negative ? "-" : "") + parts[0] + (scale > 0 ? "." + frac : "")
    }

    /// `plainText` with the integer part grouped in thousands: `144,000,000.00`.
    public static func grouped(_ value: Decimal, scale: Int) -> String {
        let text = plainText(value, scale: scale)
        let negative = text.hasPrefix("-")
        let body = negative ? String(text.dropFirst()) : text
        let point = body.firstIndex(of: ".") ?? body.endIndex
        let integer = Array(body[..<point])
        var out = ""
        for (i, c) in integer.enumerated() {
            if i > 0 && (integer.count - i) % 3 == 0 { out.append(",") }
            out.append(c)
        }
        return (negative ? "-" : "") + out + body[point...]
    }

    /// A share or rate as text without trailing zeros (`0.06` → `6 %` is the caller's business).
    public static func text(_ value: Decimal) -> String { value.description }

    /// `6 %` for 0.06, `0.5 %` for 0.005: how the law writes shares.
    public static func percent(_ share: Decimal) -> String { (share * 100).description + " %" }
}

/// Exchange rates stated by the user (profile or scenario): no network, every conversion says
/// which rate it used.
public struct ExchangeRates: Sendable {
    public struct Rate: Sendable {
        /// One unit of `from` is worth `rate` units of `to`.
        public var from: String
        public var to: String
        public var rate: Decimal
        public var asOf: CivilDate?
        public var source: String?
        public var origin: SourceLocation

        public init(from: String, to: String, rate: Decimal, asOf: CivilDate? = nil, source: String? = nil, origin: SourceLocation) {
            self.from = from
            self.to = to
            self.rate = rate
            self.asOf = asOf
            self.source = source
            self.origin = origin
        }

        /// `1 GBP = 1.1530 EUR (ECB reference rate, 2025-10-31)`.
        public var text: String {
            var s = "1 \(from) = \(rate) \(to)"
            let details = [source, asOf?.iso8601].compactMap { $0 }
            if !details.isEmpty { s += " (" + details.joined(separator: ", ") + ")" }
            return s
        }
    }

    public var rates: [Rate]

    public init(_ rates: [Rate] = []) { self.rates = rates }

    /// Later rates (a scenario's) take precedence over earlier ones (the profile's) for a pair.
    public func merged(with later: ExchangeRates) -> ExchangeRates { ExchangeRates(later.rates + rates) }

    /// A conversion and how it was done, for the working shown beside every figure.
    public struct Conversion: Sendable {
        public var result: Money
        /// Nil when no conversion was needed.
        public var working: String?
        /// The rate used; nil when no conversion was needed.
        public var rate: Rate?
    }

    /// Converts with a stated direct rate, or the inverse of the opposite one (divided exactly,
    /// then rounded once). Nil when no rate links the two currencies.
    /// The first rate in order of precedence that links the pair, in either direction, decides.
    public func convert(_ money: Money, to currency: String) -> Conversion? {
        if money.currency == currency { return Conversion(result: money, working: nil, rate: nil) }
        guard let r = rates.first(where: { ($0.from, $0.to) == (money.currency, currency) || ($0.from, $0.to) == (currency, money.currency) }),
            r.rate != 0
        else { return nil }
        if r.from == money.currency {
            let out = Money(money.amount * r.rate, currency).rounded()
            return Conversion(result: out, working: "\(money) × \(r.rate) = \(out) at \(r.text)", rate: r)
        }
        let out = Money(money.amount / r.rate, currency).rounded()
        return Conversion(result: out, working: "\(money) ÷ \(r.rate) = \(out) at \(r.text)", rate: r)
    }
}
