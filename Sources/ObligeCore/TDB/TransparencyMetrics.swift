import Foundation

/// The quantitative indicators of the DSA transparency report templates (Implementing Regulation
/// (EU) 2024/2835, Annex I) that an incident log supports, for one reporting period.
///
/// What counts, everywhere: an item (order, notice, complaint) counts in the period when its
/// receipt falls in it, read in UTC; an own-initiative measure counts when it was imposed in it.
/// Its completion may fall after the period: it is taken from the whole log, up to the audit
/// instant when one is given. A time is measured from the receipt to the first completing event
/// of the same case at or after it; items with no such event are counted as open, never as a
/// time. What the log cannot tell is listed in `notDerivable` with the reason, never shown as 0.
/// Reference: docs/tdb-report.md.
public struct TransparencyMetrics: Sendable {
    public var period: ReportingPeriod
    /// Completions after this instant are not known yet: their items are open.
    public var asOf: Instant?
    /// The templates' "Service" column: the profile's service name, or the platform's name.
    public var service: String
    public var orders: OrderMetrics
    public var notices: NoticeMetrics
    public var ownInitiative: OwnInitiativeMetrics
    public var complaints: ComplaintMetrics
    /// Indicators of the templates this log cannot give, each with the reason.
    public var notDerivable: [NotDerivable]
}

/// A reporting period: whole days, `from` and `to` both included, in UTC.
public struct ReportingPeriod: Sendable, Equatable {
    public var from: CivilDate
    public var to: CivilDate

    public init(from: CivilDate, to: CivilDate) {
        self.from = from
        self.to = to
    }

    /// Reads the templates' ISO interval `2025-07-01/2025-12-31`.
    public static func parse(_ text: String) throws(ObligeError) -> ReportingPeriod {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        let fix = "write the period as FROM/TO with both days included, e.g. 2025-07-01/2025-12-31"
        guard parts.count == 2, let from = try? CivilDate.parse(parts[0]), let to = try? CivilDate.parse(parts[1]) else {
            throw ObligeError(.usage, "reporting period '\(text)' is not two dates FROM/TO", fix: fix)
        }
        guard from <= to else { throw ObligeError(.usage, "reporting period '\(text)' ends before it starts", fix: fix) }
        return ReportingPeriod(from: from, to: to)
    }

    /// `2025-07-01/2025-12-31`, as the templates' "Reporting period" column writes it.
    public var iso: String { from.iso8601 + "/" + to.iso8601 }
    /// 00:00:00Z on `from`.
    public var start: Instant { Instant(seconds: Int64(from.daysSinceEpoch) * 86_400) }
    /// 00:00:00Z on the day after `to`: the first instant outside the period.
    public var end: Instant { Instant(seconds: Int64(to.daysSinceEpoch + 1) * 86_400) }
    public func contains(_ instant: Instant) -> Bool { instant >= start && instant < end }
}

/// Times from receipt to completion of the items received in the period.
public struct Turnaround: Sendable, Equatable {
    /// Receipt to completion in nanoseconds, one per completed item, in the order found.
    public var durations: [Int64] = []
    /// Items received in the period with no completing event (by the audit instant).
    public var open = 0

    public init(durations: [Int64] = [], open: Int = 0) {
        self.durations = durations
        self.open = open
    }

    /// The exact median in seconds as decimal text (`15150`, `0.5`): the middle duration, or for
    /// an even count the mean of the two middle ones. Nil when no item was completed.
    public var medianSeconds: String? {
        let sorted = durations.sorted()
        let n = sorted.count
        guard n > 0 else { return nil }
        let twice = n % 2 == 1 ? 2 * sorted[n / 2] : sorted[n / 2 - 1] + sorted[n / 2]
        // twice / 2e9 seconds, written exactly: at most ten decimals (2e9 = 2^10 · 5^9).
        let whole = twice / 2_000_000_000
        var fraction = String((twice % 2_000_000_000) * 5)
        fraction = String(repeating: "0", count: 10 - fraction.count) + fraction
        while fraction.hasSuffix("0") { fraction.removeLast() }
        return fraction.isEmpty ? String(whole) : "\(whole).\(fraction)"
    }

    /// Whether the median is the mean of two middle values.
    public var medianIsMeanOfTwo: Bool { !durations.isEmpty && durations.count % 2 == 0 }
}

/// One row of the member_states_orders sheet: a category (or TOTAL) in a scope (TOTAL or a
/// member state).
public struct OrderRow: Sendable, Equatable {
    public var category: String
    public var scope: String
    /// Orders to act against illegal content: `order_kind` act (DSA Art 9) or removal (TCO).
    public var ordersToAct = 0
    /// Receipt to `authority.informed`.
    public var informAct = Turnaround()
    /// Receipt to the first `content.removed`, `content.disabled` or `restriction.imposed`.
    public var effectAct = Turnaround()
    /// Orders to provide information: `order_kind` information (DSA Art 10).
    public var ordersForInformation = 0
    /// Receipt to `authority.informed`.
    public var informInformation = Turnaround()

    public init(category: String, scope: String) {
        self.category = category
        self.scope = scope
    }
}

public struct OrderMetrics: Sendable, Equatable {
    /// TOTAL scope first (TOTAL row, then categories in template order), then each member state.
    public var rows: [OrderRow] = []
    /// Orders received in the period by `order_kind` (act, information, removal).
    public var byKind: [String: Int] = [:]
    /// Orders with no `category` attribute: counted in the TOTAL rows only.
    public var withoutCategory = 0
    /// `category` values that name no Transparency Database code, with their counts.
    public var unmappedCategories: [String: Int] = [:]
    /// Orders with no `member_state`: counted in the TOTAL scope only.
    public var withoutMemberState = 0
    /// Whether the category rows mean anything: some order in the period names a category.
    public var categoriesLogged: Bool { withoutCategory + unmappedCategories.values.reduce(0, +) < (rows.first?.ordersToAct ?? 0) + (rows.first?.ordersForInformation ?? 0) }
}

/// One row of the notices sheet.
public struct NoticeRow: Sendable, Equatable {
    public var category: String
    public var received = 0
    public var fromTrustedFlaggers = 0
    /// Receipt to the first `notice.decided` with `decision: action`.
    public var timeToAction = Turnaround()
    public var timeToActionTrusted = Turnaround()
    /// Notices acted on whose case has a `restriction.imposed` with `ground: illegal_content`.
    public var actionsLaw = 0
    public var actionsLawTrusted = 0
    /// … with `ground: terms_and_conditions` (and none on the ground of law).
    public var actionsTermsAndConditions = 0
    public var actionsTermsAndConditionsTrusted = 0

    public init(category: String) { self.category = category }
}

public struct NoticeMetrics: Sendable, Equatable {
    public var rows: [NoticeRow] = []
    /// Notices decided with `decision: no_action`: neither open nor in the time to action.
    public var decidedNoAction = 0
    /// Notices acted on with no `restriction.imposed` carrying a `ground` in their case.
    public var actionsGroundNotLogged = 0
    public var withoutCategory = 0
    public var unmappedCategories: [String: Int] = [:]
    /// Whether the log records grounds at all (a `restriction.imposed` with `ground`): without
    /// them the law / terms-and-conditions split is not derivable.
    public var groundsLogged = false
    public var categoriesLogged: Bool { withoutCategory + unmappedCategories.values.reduce(0, +) < (rows.first?.received ?? 0) }
}

/// What an own-initiative measure restricted, as far as the DSA vocabulary's `measure` says.
public enum MeasureType: String, Sendable, CaseIterable {
    case removal, disable, demote
    /// `visibility`: another restriction of visibility (the template's "Other").
    case visibilityOther = "visibility_other"
    /// `payments`: the log does not say suspension, termination or other.
    case monetary
    /// `service`: the log does not say suspension or termination.
    case service
    case accountSuspension = "account_suspension"
    case accountTermination = "account_termination"

    init?(measure: String) {
        switch measure {
        case "removal": self = .removal
        case "disabling": self = .disable
        case "demotion": self = .demote
        case "visibility": self = .visibilityOther
        case "payments": self = .monetary
        case "service": self = .service
        case "account_suspension": self = .accountSuspension
        case "account_termination": self = .accountTermination
        default: return nil
        }
    }
}

/// One row of the own_initiative_illegal or own_initiative_TC sheet.
public struct MeasureRow: Sendable, Equatable {
    public var category: String
    /// Each `restriction.imposed` is one measure, whatever it combines.
    public var measures = 0
    /// Measures whose `automated_detection` is true.
    public var automatedDetection = 0
    /// Per type: a measure combining several types counts once in each.
    public var byType: [MeasureType: Int] = [:]

    public init(category: String) { self.category = category }
}

public struct OwnInitiativeMetrics: Sendable, Equatable {
    /// Measures on the ground of illegal content.
    public var illegal: [MeasureRow] = []
    /// Measures on the ground of incompatibility with the terms and conditions.
    public var termsAndConditions: [MeasureRow] = []
    /// Own-initiative measures with no `ground`: in neither sheet.
    public var groundNotLogged = 0
    /// Own-initiative measures with no `automated_detection`.
    public var automationNotLogged = 0
    /// Whether the log records the basis of restrictions at all (a `restriction.imposed` with
    /// `basis`): without it own-initiative measures cannot be told apart.
    public var basisLogged = false
    /// Own-initiative measures in the period, on either ground or none.
    public var total: Int { ((illegal.first?.measures ?? 0) + (termsAndConditions.first?.measures ?? 0)) + groundNotLogged }
    /// Whether the automation column means anything: some measure carries `automated_detection`.
    public var automationLogged: Bool { automationNotLogged < total }
}

/// DSA Art 20 complaints (`complaint.received` with `regime: dsa`).
public struct ComplaintMetrics: Sendable, Equatable {
    public var received = 0
    /// `complaint.decided` outcomes of the complaints received in the period.
    public var upheld = 0
    public var reversed = 0
    public var rejected = 0
    public var outcomeNotLogged = 0
    /// `complaint.refused`: refused without a decision on the merits.
    public var refused = 0
    /// Receipt to the first `complaint.decided` or `complaint.refused`.
    public var time = Turnaround()
}

/// An indicator of the templates that the log cannot give.
public struct NotDerivable: Sendable, Equatable {
    /// The template's sheet, e.g. `notices`.
    public var sheet: String
    /// The template's column or indicator.
    public var indicator: String
    public var reason: String
}

extension TransparencyMetrics {
    public static let total = "TOTAL"

    /// The metrics of an audit run with `AuditOptions.keepEvents`: its events, up to its instant.
    public static func compute(
        audit: AuditResult, period: ReportingPeriod, profile: PlatformProfile, service: String? = nil
    ) -> TransparencyMetrics {
        compute(events: audit.events, period: period, profile: profile, service: service, asOf: audit.asOf)
    }

    /// Computes every indicator from accepted, de-duplicated events (in any order).
    ///
    /// - Parameters:
    ///   - service: a profile service id: only events naming it or no service count.
    ///   - asOf: completing events after it are not counted (their items are open).
    public static func compute(
        events all: [Event], period: ReportingPeriod, profile: PlatformProfile, service: String? = nil, asOf: Instant? = nil
    ) -> TransparencyMetrics {
        let events = all.filter { e in
            (asOf.map { e.at <= $0 } ?? true) && (service == nil || e[attribute: "service"] == nil || e[attribute: "service"] == service)
        }
        var cases: [String: [Event]] = [:]
        for e in events { cases[e.caseID, default: []].append(e) }
        for (id, list) in cases { cases[id] = list.sorted { ($0.at, $0.id) < ($1.at, $1.id) } }
        let receipts = events.filter { period.contains($0.at) }.sorted { ($0.at, $0.id) < ($1.at, $1.id) }

        /// The first event of the receipt's case, at or after it, of one of the types and passing the test.
        func first(after receipt: Event, _ types: Set<String>, where test: (Event) -> Bool = { _ in true }) -> Event? {
            cases[receipt.caseID]?.first { $0.at >= receipt.at && $0.id != receipt.id && types.contains($0.type) && test($0) }
        }
        func record(_ t: inout Turnaround, _ receipt: Event, _ done: Event?) {
            if let done { t.durations.append(done.at.nanoseconds(since: receipt.at)) } else { t.open += 1 }
        }

        var orders = OrderMetrics()
        var orderRows: [String: OrderRow] = [:]
        var notices = NoticeMetrics()
        var noticeRows: [String: NoticeRow] = [:]
        var own = OwnInitiativeMetrics()
        var illegalRows: [String: MeasureRow] = [:]
        var tcRows: [String: MeasureRow] = [:]
        var complaints = ComplaintMetrics()

        for r in receipts {
            switch r.type {
            case "order.received":
                guard let kind = r[attribute: "order_kind"] else { continue }
                orders.byKind[kind, default: 0] += 1
                let categories = rows(for: r, &orders.withoutCategory, &orders.unmappedCategories)
                let memberState = r[attribute: "member_state"]
                if memberState == nil { orders.withoutMemberState += 1 }
                let informed = first(after: r, ["authority.informed"])
                let effect = first(after: r, ["content.removed", "content.disabled", "restriction.imposed"])
                for scope in [total] + (memberState.map { [$0] } ?? []) {
                    for category in categories {
                        let key = scope + "|" + category
                        var row = orderRows[key] ?? OrderRow(category: category, scope: scope)
                        if kind == "information" {
                            row.ordersForInformation += 1
                            record(&row.informInformation, r, informed)
                        } else {
                            row.ordersToAct += 1
                            record(&row.informAct, r, informed)
                            record(&row.effectAct, r, effect)
                        }
                        orderRows[key] = row
                    }
                }
            case "notice.received":
                let trusted = r[attribute: "source"] == "trusted_flagger"
                let categories = rows(for: r, &notices.withoutCategory, &notices.unmappedCategories)
                let decided = first(after: r, ["notice.decided"])
                let acted = decided?[attribute: "decision"] == "action"
                if decided != nil, !acted { notices.decidedNoAction += 1 }
                let grounds = Set((cases[r.caseID] ?? []).filter { $0.type == "restriction.imposed" && $0.at >= r.at }.compactMap { $0[attribute: "ground"] })
                let law = grounds.contains("illegal_content")
                let tc = !law && grounds.contains("terms_and_conditions")
                if acted, !law, !tc { notices.actionsGroundNotLogged += 1 }
                for category in categories {
                    var row = noticeRows[category] ?? NoticeRow(category: category)
                    row.received += 1
                    if trusted { row.fromTrustedFlaggers += 1 }
                    if acted || decided == nil {
                        record(&row.timeToAction, r, decided)
                        if trusted { record(&row.timeToActionTrusted, r, decided) }
                    }
                    if acted, law {
                        row.actionsLaw += 1
                        if trusted { row.actionsLawTrusted += 1 }
                    }
                    if acted, tc {
                        row.actionsTermsAndConditions += 1
                        if trusted { row.actionsTermsAndConditionsTrusted += 1 }
                    }
                    noticeRows[category] = row
                }
            case "restriction.imposed" where r[attribute: "basis"] == "own_initiative":
                var ignoredWithout = 0
                var ignoredUnmapped: [String: Int] = [:]
                let categories = rows(for: r, &ignoredWithout, &ignoredUnmapped)
                let automated: Bool? = r[attribute: "automated_detection"].flatMap { v in
                    switch v.lowercased() {
                    case "true", "yes": true
                    case "false", "no": false
                    default: nil
                    }
                }
                if automated == nil { own.automationNotLogged += 1 }
                let types = Set((r.attributes["measure"]?.values ?? []).compactMap(MeasureType.init(measure:)))
                func add(_ rows: inout [String: MeasureRow]) {
                    for category in categories {
                        var row = rows[category] ?? MeasureRow(category: category)
                        row.measures += 1
                        if automated == true { row.automatedDetection += 1 }
                        for t in types { row.byType[t, default: 0] += 1 }
                        rows[category] = row
                    }
                }
                switch r[attribute: "ground"] {
                case "illegal_content": add(&illegalRows)
                case "terms_and_conditions": add(&tcRows)
                default: own.groundNotLogged += 1
                }
            case "complaint.received" where r[attribute: "regime"] == "dsa":
                complaints.received += 1
                let done = first(after: r, ["complaint.decided", "complaint.refused"])
                record(&complaints.time, r, done)
                if let done {
                    if done.type == "complaint.refused" {
                        complaints.refused += 1
                    } else {
                        switch done[attribute: "outcome"] {
                        case "upheld": complaints.upheld += 1
                        case "reversed": complaints.reversed += 1
                        case "rejected": complaints.rejected += 1
                        default: complaints.outcomeNotLogged += 1
                        }
                    }
                }
            default:
                continue
            }
        }

        if orderRows[total + "|" + total] == nil { orderRows[total + "|" + total] = OrderRow(category: total, scope: total) }
        if noticeRows[total] == nil { noticeRows[total] = NoticeRow(category: total) }
        if illegalRows[total] == nil { illegalRows[total] = MeasureRow(category: total) }
        if tcRows[total] == nil { tcRows[total] = MeasureRow(category: total) }
        notices.groundsLogged = events.contains { $0.type == "restriction.imposed" && $0[attribute: "ground"] != nil }
        own.basisLogged = events.contains { $0.type == "restriction.imposed" && $0[attribute: "basis"] != nil }
        orders.rows = orderRows.values.sorted { (scopeRank($0.scope), categoryRank($0.category)) < (scopeRank($1.scope), categoryRank($1.category)) }
        notices.rows = noticeRows.values.sorted { categoryRank($0.category) < categoryRank($1.category) }
        own.illegal = illegalRows.values.sorted { categoryRank($0.category) < categoryRank($1.category) }
        own.termsAndConditions = tcRows.values.sorted { categoryRank($0.category) < categoryRank($1.category) }

        let name = service.flatMap { id in profile.services.first { $0.id == id }?.name } ?? profile.name
        var metrics = TransparencyMetrics(
            period: period, asOf: asOf, service: name, orders: orders, notices: notices, ownInitiative: own,
            complaints: complaints, notDerivable: [])
        metrics.notDerivable = notDerivable(metrics)
        return metrics
    }

    /// The rows an item counts in: TOTAL, and its category (and keyword) when it names one.
    private static func rows(for e: Event, _ without: inout Int, _ unmapped: inout [String: Int]) -> [String] {
        guard let value = e[attribute: "category"] else {
            without += 1
            return [total]
        }
        guard let codes = TDBCategories.rows(for: value) else {
            unmapped[value, default: 0] += 1
            return [total]
        }
        return [total] + codes
    }

    private static func scopeRank(_ scope: String) -> String { scope == total ? "" : scope }
    private static let categoryIndex: [String: Int] = Dictionary(
        uniqueKeysWithValues: TDBCategories.rowOrder.enumerated().map { ($1, $0 + 1) })
    private static func categoryRank(_ category: String) -> Int { category == total ? 0 : categoryIndex[category] ?? Int.max }

    /// What the templates ask that these events cannot answer, with the reason.
    private static func notDerivable(_ m: TransparencyMetrics) -> [NotDerivable] {
        var out: [NotDerivable] = []
        func add(_ sheet: String, _ indicator: String, _ reason: String) { out.append(NotDerivable(sheet: sheet, indicator: indicator, reason: reason)) }
        add(
            "member_states_orders", "Number of specific items of information included in the total number of orders to act against illegal content",
            "an order.received event is one order; the log does not say how many items of information it names")
        if !m.orders.byKind.isEmpty, !m.orders.categoriesLogged {
            add(
                "member_states_orders", "Category of illegal content",
                "no order received in the period carries a category attribute naming a Transparency Database category; orders are counted in the TOTAL rows only")
        }
        add(
            "member_states_orders", "Median time to give effect to the order to provide information",
            "no event records that the information was provided (authority.informed is the message to the authority, counted as informing it of receipt)")
        add(
            "notices", "Number of specific items of information included in the total number of notices",
            "a notice.received event is one notice; the log does not say how many items of information it names")
        if (m.notices.rows.first?.received ?? 0) > 0, !m.notices.categoriesLogged {
            add("notices", "Category of illegal content", "no notice received in the period carries a category naming a Transparency Database category")
        }
        if !m.notices.groundsLogged {
            add(
                "notices", "Number of actions taken on the basis of the law / of the terms and conditions",
                "the log has no restriction.imposed event with a ground")
        }
        if !m.ownInitiative.basisLogged {
            add(
                "own_initiative", "Number of measures taken at the provider's own initiative",
                "the log has no restriction.imposed event with a basis, so own-initiative measures cannot be told apart")
        }
        if m.ownInitiative.total > 0, !m.ownInitiative.automationLogged {
            add(
                "own_initiative", "Number of measures taken after detection with solely automated means",
                "no own-initiative restriction.imposed in the period carries automated_detection")
        }
        add(
            "own_initiative", "Visibility restriction Age restricted / Interaction restricted / Labelled",
            "restriction.imposed's measure has no such value (Rules/dsa/vocabulary.yaml)")
        add(
            "own_initiative", "Monetary restriction Suspension / Termination / Other; Provision of the service Suspension / Termination",
            "measure payments and service do not say which; they are counted as monetary and service")
        add("appeals_and_recidivism", "Decisions partially reversed", "complaint.decided's outcome has no such value")
        add(
            "appeals_and_recidivism", "Decision omitted",
            "complaint.decided's outcome has no such value; complaint.refused (refused without a decision on the merits) is counted apart")
        add(
            "appeals_and_recidivism", "Complaints by kind of decision complained of",
            "complaint.received does not say which kind of decision the complaint is about")
        add(
            "appeals_and_recidivism", "Out-of-court dispute settlement (Art 21) and suspensions (Art 23)",
            "the vocabulary has no event for disputes or for suspensions under Art 23")
        return out
    }
}
