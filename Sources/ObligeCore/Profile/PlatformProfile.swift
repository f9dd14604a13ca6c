import Foundation
import Yams

/// What Oblige knows about the platform under audit: its services and their kinds,
/// designations, size, money figures, and its own targets for the law's vague deadlines.
public struct PlatformProfile: Sendable {
    public var name: String
    public var establishment: String?
    public var enterpriseSize: EnterpriseSize
    public var services: [Service]
    public var monthlyActiveUsers: [UserCount]
    public var turnover: [Turnover]
    /// Rates for converting turnover and fines between currencies; a scenario may add its own.
    public var exchangeRates: ExchangeRates
    public var targets: [String: Target]
    public var origin: String

    public enum EnterpriseSize: String, Sendable, CaseIterable { case micro, small, medium, large }

    public struct Service: Sendable {
        public var id: String
        public var name: String
        public var kinds: Set<ServiceKind>
        public var designations: [Designation]
        /// When the service started to be offered (dated duties counted from launch).
        public var launched: CivilDate?
        /// Facts the law attaches duties to that the kinds do not say, e.g.
        /// `likely_accessed_by_children` (UK OSA s 37).
        public var flags: Set<String>
    }

    /// A VLOP or VLOSE designation. Its duties apply from `dutiesFrom`: four months after
    /// notification by default (DSA Art 33(6) second subparagraph), unless the profile says.
    public struct Designation: Sendable {
        public var kind: String
        public var notifiedOn: CivilDate
        public var dutiesFrom: CivilDate
        public var endedOn: CivilDate?

        public func inEffect(on date: CivilDate) -> Bool { date >= dutiesFrom && (endedOn.map { date < $0 } ?? true) }
    }

    public struct UserCount: Sendable {
        public var region: String
        public var count: Int
        public var asOf: CivilDate
    }

    /// Turnover of one financial year (or accounting period), an exact decimal: no binary
    /// floating point for money. Fines read the `worldwide` figures (docs/exposure.md).
    public struct Turnover: Sendable {
        public var financialYear: String
        public var from: CivilDate
        public var to: CivilDate
        public var amount: Money
        public var scope: String
        public var origin: SourceLocation
    }

    /// The platform's own service level for a vague legal term ("without undue delay").
    public struct Target: Sendable {
        public var name: String
        public var duration: ISODuration
        public var rationale: String?

        public init(name: String, duration: ISODuration, rationale: String? = nil) {
            self.name = name
            self.duration = duration
            self.rationale = rationale
        }
    }

    /// The service an event speaks of (its `service` attribute), or every service when it names none.
    public func services(for event: Event) -> [Service] { serviceIndices(for: event).map { services[$0] } }

    /// Where in `services` those of `services(for:)` are, without making a list.
    func serviceIndices(for event: Event) -> Range<Int> {
        if let id = event[attribute: "service"], let i = services.firstIndex(where: { $0.id == id }) { return i..<i + 1 }
        return services.indices
    }
}

extension PlatformProfile.Service {
    /// Flags rules may test (`applies_to.flags`); a typo must not silently unbind a duty.
    public static let knownFlags: Set<String> = ["likely_accessed_by_children"]
}

extension PlatformProfile {
    public static func load(path: String) throws(ObligeErrors) -> PlatformProfile {
        try YAMLReader.single(
            path: path, kind: .profile, what: "profile",
            missing: ObligeError(.profile, "platform profile '\(path)' does not exist", fix: "pass --platform FILE, e.g. Fixtures/demo/platform.yaml")
        ) { doc, r in parse(doc, r, path) }
    }

    static func parse(_ doc: Node, _ r: YAMLReader, _ path: String) -> PlatformProfile? {
        guard
            let m = r.mapping(
                doc, "profile",
                allowed: ["platform", "establishment", "enterprise_size", "services", "monthly_active_users", "turnover", "exchange_rates", "targets"],
                required: ["platform", "enterprise_size", "services"])
        else { return nil }
        let size = m["enterprise_size"].flatMap { r.oneOf($0, "enterprise_size", EnterpriseSize.allCases.map(\.rawValue)) }
            .flatMap(EnterpriseSize.init(rawValue:))
        var services: [Service] = []
        for node in r.list(m["services"], "services") ?? [] {
            guard let s = r.mapping(node, "service", allowed: ["id", "name", "kinds", "designations", "launched", "flags"], required: ["id", "kinds"]),
                let id = r.string(s["id"], "service id")
            else { continue }
            if services.contains(where: { $0.id == id }) { r.error(s["id"], "service id '\(id)' appears twice") }
            var kinds = Set<ServiceKind>()
            for (i, k) in (r.strings(s["kinds"], "kinds") ?? []).enumerated() {
                if let kind = ServiceKind(rawValue: k) { kinds.formUnion(kind.implied) } else {
                    let hint = closest(k, in: ServiceKind.allCases.map(\.rawValue)).map { "did you mean '\($0)'? " } ?? ""
                    r.error(r.list(s["kinds"], "kinds")?[i], "unknown service kind '\(k)'", fix: hint + "kinds: \(ServiceKind.allCases.map(\.rawValue).joined(separator: ", "))")
                }
            }
            var designations: [Designation] = []
            for dn in r.list(s["designations"], "designations") ?? [] {
                guard let d = r.mapping(dn, "designation", allowed: ["kind", "notified_on", "duties_from", "ended_on"], required: ["kind", "notified_on"]),
                    let kind = r.oneOf(d["kind"], "designation kind", ["vlop", "vlose"]),
                    let notified = r.date(d["notified_on"], "notified_on")
                else { continue }
                let duties = d["duties_from"].flatMap { r.date($0, "duties_from") } ?? notified.adding(months: 4)
                designations.append(Designation(kind: kind, notifiedOn: notified, dutiesFrom: duties, endedOn: d["ended_on"].flatMap { r.date($0, "ended_on") }))
            }
            var flags = Set<String>()
            for (i, f) in (r.strings(s["flags"], "flags") ?? []).enumerated() {
                if Service.knownFlags.contains(f) { flags.insert(f) } else {
                    let hint = closest(f, in: Service.knownFlags).map { "did you mean '\($0)'? " } ?? ""
                    r.error(r.list(s["flags"], "flags")?[i], "unknown service flag '\(f)'", fix: hint + "flags: \(Service.knownFlags.sorted().joined(separator: ", "))")
                }
            }
            services.append(
                Service(
                    id: id, name: s["name"].flatMap { r.string($0, "name") } ?? id, kinds: kinds, designations: designations,
                    launched: s["launched"].flatMap { r.date($0, "launched") }, flags: flags))
        }
        if services.isEmpty { r.error(m["services"], "the profile lists no services", fix: "add at least one service with its kinds") }

        var users: [UserCount] = []
        for node in r.list(m["monthly_active_users"], "monthly_active_users") ?? [] {
            guard let u = r.mapping(node, "user count", allowed: ["region", "count", "as_of"], required: ["region", "count", "as_of"]),
                let region = r.string(u["region"], "region"), let count = r.int(u["count"], "count", range: 0...Int.max),
                let asOf = r.date(u["as_of"], "as_of")
            else { continue }
            users.append(UserCount(region: region, count: count, asOf: asOf))
        }

        var turnover: [Turnover] = []
        for node in r.list(m["turnover"], "turnover") ?? [] {
            guard
                let t = r.mapping(node, "turnover", allowed: ["financial_year", "from", "to", "amount", "currency", "scope"], required: ["financial_year", "from", "to", "amount", "currency"]),
                let fy = r.string(t["financial_year"], "financial_year"), let from = r.date(t["from"], "from"),
                let to = r.date(t["to"], "to"), let amount = r.decimal(t["amount"], "amount", positive: false), let currency = r.currencyCode(t["currency"])
            else { continue }
            if amount < 0 { r.error(t["amount"], "turnover cannot be negative") }
            if to < from { r.error(t["to"], "financial year ends before it starts") }
            let scope = t["scope"].flatMap { r.oneOf($0, "scope", ["worldwide", "eu", "uk", "us", "au"]) } ?? "worldwide"
            turnover.append(Turnover(financialYear: fy, from: from, to: to, amount: Money(amount, currency), scope: scope, origin: r.location(node)))
        }
        let rates = m["exchange_rates"].map { r.exchangeRates($0) } ?? ExchangeRates()

        var targets: [String: Target] = [:]
        if let tn = m["targets"], let entries = r.freeMapping(tn, "targets") {
            for (name, _, value) in entries {
                var text: String?
                var rationale: String?
                if case .scalar = value {
                    text = r.string(value, "target \(name)")
                } else if let t = r.mapping(value, "target \(name)", allowed: ["duration", "rationale"], required: ["duration"]) {
                    text = r.string(t["duration"], "duration")
                    rationale = t["rationale"].flatMap { r.string($0, "rationale") }
                }
                guard let text else { continue }
                do {
                    targets[name] = Target(name: name, duration: try ISODuration.parseElapsed(text), rationale: rationale)
                } catch {
                    r.error(value, "target \(name): \(error.message)")
                }
            }
        }
        guard let name = r.string(m["platform"], "platform"), let size else { return nil }
        return PlatformProfile(
            name: name, establishment: m["establishment"].flatMap { r.string($0, "establishment") }, enterpriseSize: size,
            services: services, monthlyActiveUsers: users, turnover: turnover, exchangeRates: rates, targets: targets, origin: path)
    }

    /// Targets that applicable rules need but the profile does not set: checked before any
    /// evaluation, so a missing target is an error up front, never a silent legal figure.
    /// Only rules that can bind one of the platform's service kinds need their targets set.
    public func missingTargets(for rules: RuleSet) -> [ObligeError] {
        var seen = Set<String>()
        let kinds = services.reduce(into: Set<ServiceKind>()) { $0.formUnion($1.kinds) }
        let binding = Set(rules.rules.filter { !kinds.isDisjoint(with: $0.appliesTo.services) }.map(\.id))
        return rules.targetsUsed.compactMap { use in
            guard binding.contains(use.rule), targets[use.target] == nil, seen.insert(use.target).inserted else { return nil }
            return ObligeError(
                .profile, "the profile sets no target '\(use.target)', which rule \(use.rule) measures against", at: SourceLocation(file: origin),
                fix: "add under targets: `\(use.target): PT24H` (your own service level; the law sets no figure)")
        }
    }
}
