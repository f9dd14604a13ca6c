import Foundation

/// Writes `TransparencyMetrics` as JSON, or as the CSV parts of the 2024/2835 templates (one file
/// per sheet, the templates' own headers). Times are seconds, written exactly.
///
/// In the CSV an indicator the log cannot give is an empty cell, with the reason in the column's
/// "Contextual information" on the TOTAL row: never a 0. Rows are the TOTAL row and the
/// categories (and keywords) that occur; a template row not written holds nothing from the log.
public enum TransparencyReport {
    public static let timeUnit = "seconds"
    static let periodRule =
        "an order, notice or complaint counts when its receipt falls in the period, an own-initiative measure when it was imposed in it: from 00:00:00Z on the first day to the end of the last day, in UTC"
    static let medianRule =
        "median of the completed items' times from receipt to the completing event: the middle value, or for an even count the mean of the two middle values; open items are counted apart, never in the median"

    // MARK: JSON

    /// One document with every indicator, the rules used, and what is not derivable.
    public static func json(_ m: TransparencyMetrics) -> JSONValue {
        let orders = m.orders, notices = m.notices, own = m.ownInitiative, c = m.complaints
        return .object([
            ("report", .string("DSA transparency report indicators (Implementing Regulation (EU) 2024/2835)")),
            ("service", .string(m.service)),
            ("reporting_period", .string(m.period.iso)),
            ("period_rule", .string(periodRule)),
            ("as_of", .optional(m.asOf?.rfc3339)),
            ("time_unit", .string(timeUnit)),
            ("median_rule", .string(medianRule)),
            ("member_states_orders", .object([
                ("orders_by_kind", counts(orders.byKind)),
                ("without_category", .int(Int64(orders.withoutCategory))),
                ("unmapped_categories", counts(orders.unmappedCategories)),
                ("without_member_state", .int(Int64(orders.withoutMemberState))),
                ("rows", .array(orders.rows.map { r in
                    .object([
                        ("category", .string(r.category)), ("scope", .string(r.scope)),
                        ("orders_to_act", .int(Int64(r.ordersToAct))),
                        ("time_to_inform_act", timing(r.informAct)),
                        ("time_to_give_effect_act", timing(r.effectAct)),
                        ("orders_to_provide_information", .int(Int64(r.ordersForInformation))),
                        ("time_to_inform_information", timing(r.informInformation)),
                    ])
                })),
            ])),
            ("notices", .object([
                ("decided_no_action", .int(Int64(notices.decidedNoAction))),
                ("actions_ground_not_logged", .int(Int64(notices.actionsGroundNotLogged))),
                ("without_category", .int(Int64(notices.withoutCategory))),
                ("unmapped_categories", counts(notices.unmappedCategories)),
                ("rows", .array(notices.rows.map { r in
                    .object([
                        ("category", .string(r.category)),
                        ("received", .int(Int64(r.received))),
                        ("from_trusted_flaggers", .int(Int64(r.fromTrustedFlaggers))),
                        ("time_to_action", timing(r.timeToAction)),
                        ("time_to_action_trusted_flaggers", timing(r.timeToActionTrusted)),
                        ("actions_on_law", notices.groundsLogged ? .int(Int64(r.actionsLaw)) : .null),
                        ("actions_on_law_trusted_flaggers", notices.groundsLogged ? .int(Int64(r.actionsLawTrusted)) : .null),
                        ("actions_on_terms_and_conditions", notices.groundsLogged ? .int(Int64(r.actionsTermsAndConditions)) : .null),
                        ("actions_on_terms_and_conditions_trusted_flaggers", notices.groundsLogged ? .int(Int64(r.actionsTermsAndConditionsTrusted)) : .null),
                    ])
                })),
            ])),
            ("own_initiative", own.basisLogged
                ? .object([
                    ("ground_not_logged", .int(Int64(own.groundNotLogged))),
                    ("automation_not_logged", .int(Int64(own.automationNotLogged))),
                    ("illegal", .array(own.illegal.map { measures($0, automation: own.automationLogged) })),
                    ("terms_and_conditions", .array(own.termsAndConditions.map { measures($0, automation: own.automationLogged) })),
                ]) : .null),
            ("appeals", .object([
                ("complaints", .int(Int64(c.received))),
                ("upheld", .int(Int64(c.upheld))),
                ("reversed", .int(Int64(c.reversed))),
                ("rejected", .int(Int64(c.rejected))),
                ("outcome_not_logged", .int(Int64(c.outcomeNotLogged))),
                ("refused", .int(Int64(c.refused))),
                ("time_to_decision", timing(c.time)),
            ])),
            ("not_derivable", .array(m.notDerivable.map { n in
                .object([("sheet", .string(n.sheet)), ("indicator", .string(n.indicator)), ("reason", .string(n.reason))])
            })),
        ])
    }

    static func timing(_ t: Turnaround) -> JSONValue {
        .object([
            ("median_seconds", .optional(t.medianSeconds)),
            ("completed", .int(Int64(t.durations.count))),
            ("open", .int(Int64(t.open))),
            ("median_is_mean_of_two", .bool(t.medianIsMeanOfTwo)),
        ])
    }

    static func counts(_ d: [String: Int]) -> JSONValue {
        .object(d.sorted { $0.key < $1.key }.map { ($0.key, .int(Int64($0.value))) })
    }

    static func measures(_ r: MeasureRow, automation: Bool) -> JSONValue {
        .object(
            [("category", .string(r.category)), ("measures", .int(Int64(r.measures))),
             ("automated_detection", automation ? .int(Int64(r.automatedDetection)) : .null)]
                + MeasureType.allCases.map { ($0.rawValue, .int(Int64(r.byType[$0] ?? 0))) })
    }

    // MARK: CSV

    /// The templates' CSV parts this log fills, by file name, in template order.
    public static func csvFiles(_ m: TransparencyMetrics) -> [(name: String, text: String)] {
        var files = [("member_states_orders.csv", ordersCSV(m)), ("notices.csv", noticesCSV(m))]
        if m.ownInitiative.basisLogged {
            files.append(("own_initiative_illegal.csv", ownInitiativeCSV(m, m.ownInitiative.illegal, categoryHeader: "Category of illegal content")))
            files.append(("own_initiative_TC.csv", ownInitiativeCSV(m, m.ownInitiative.termsAndConditions, categoryHeader: "Category of incompatibility with the provider's terms and conditions")))
        }
        files.append(("appeals_and_recidivism.csv", appealsCSV(m)))
        return files
    }

    /// The median cell and its contextual information.
    static func median(_ t: Turnaround) -> (value: String, context: String) {
        guard let median = t.medianSeconds else {
            return ("", t.open > 0 ? "no item completed; \(t.open) open" : "")
        }
        let n = t.durations.count
        var context = "\(timeUnit); median of \(n) completed" + (t.medianIsMeanOfTwo ? " (mean of the two middle values)" : "")
        if t.open > 0 { context += "; \(t.open) open, not counted" }
        return (median, context)
    }

    static func ordersCSV(_ m: TransparencyMetrics) -> String {
        let o = m.orders
        var lines = [row([
            "Applicability", "Service", "Reporting period", "Category of illegal content", "Description of the sub-category \"Other\"", "Scope",
            "Number of orders to act against illegal content received",
            "Number of specific items of information included in the total number of orders to act against illegal content",
            "Median time to inform the authority of the receipt of the order to act against illegal content",
            "Median time to give effect to the order to act against illegal content", "Number of orders to provide information",
            "Median time to inform the authority of the receipt of the order to provide information",
            "Median time to give effect to the order to provide information",
            "Contextual information on number of orders to act against illegal content received",
            "Contextual information on number of specific items of information included in the total number of orders to act against illegal content",
            "Contextual information on Median time to inform the authority of the receipt of the order to act against illegal content",
            "Contextual information on Median time to give effect to the order to act against illegal content",
            "Contextual information on Number of orders to provide information",
            "Contextual information on Median time to inform the authority of the receipt of the order to provide information",
            "Contextual information on Median time to give effect to the order to provide information",
        ])]
        for r in o.rows where r.category == TransparencyMetrics.total || o.categoriesLogged {
            let head = r.category == TransparencyMetrics.total && r.scope == TransparencyMetrics.total
            let inform = median(r.informAct), effect = median(r.effectAct), info = median(r.informInformation)
            var actContext = "", itemsContext = "", infoEffectContext = ""
            if head {
                let kinds = o.byKind.filter { $0.key != "information" }.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }
                var parts = kinds.isEmpty ? [] : ["by order_kind: " + kinds.joined(separator: ", ")]
                if !o.categoriesLogged, !o.byKind.isEmpty { parts.append("category not derivable: no order names a Transparency Database category") } else if o.withoutCategory > 0 {
                    parts.append("\(o.withoutCategory) without category, in TOTAL only")
                }
                if !o.unmappedCategories.isEmpty { parts.append("categories naming no code: " + listed(o.unmappedCategories)) }
                if o.withoutMemberState > 0 { parts.append("\(o.withoutMemberState) without member_state, in scope TOTAL only") }
                actContext = parts.joined(separator: "; ")
                itemsContext = "not derivable: the log does not say how many items of information an order names"
                infoEffectContext = "not derivable: no event records that the information was provided"
            }
            lines.append(row([
                "All", m.service, m.period.iso, r.category, "", r.scope, String(r.ordersToAct), "", inform.value, effect.value,
                String(r.ordersForInformation), info.value, "", actContext, itemsContext, inform.context, effect.context, "", info.context,
                infoEffectContext,
            ]))
        }
        return lines.joined()
    }

    static func noticesCSV(_ m: TransparencyMetrics) -> String {
        let n = m.notices
        var lines = [row([
            "Applicability", "Service", "Reporting period", "Category of illegal content", "Description of the sub-category \"Other\"",
            "Number of notices received ", "Number of notices received from Trusted flaggers",
            "Number of specific items of information included in the total number of notices",
            "Number of specific items of information included in the total number of notices by Trusted Flaggers (Trusted Flagger notices)",
            "Median time to take action", "Median time to take action (Trusted Flagger notices)",
            "Number of actions taken on the basis of the law", "Number of actions taken on the basis of the law (Trusted Flagger notices)",
            "Number of actions taken on the basis of the terms and conditions of the service",
            "Number of actions taken on the basis of the terms and conditions of the service (Trusted Flagger notices)",
            "Contextual information on Number of notices received ", "Contextual information on Number of notices received from Trusted flaggers",
            "Contextual information on Number of specific items of information included in the total number of notices",
            "Contextual information on Number of specific items of information included in the total number of notices by Trusted Flaggers (Trusted Flagger notices)",
            "Contextual information on Median time to take action", "Contextual information on Median time to take action (Trusted Flagger notices)",
            "Contextual information on Number of actions taken on the basis of the law",
            "Contextual information on Number of actions taken on the basis of the law (Trusted Flagger notices)",
            "Contextual information on Number of actions taken on the basis of the terms and conditions of the service",
            "Contextual information on Number of actions taken on the basis of the terms and conditions of the service (Trusted Flagger notices)",
        ])]
        for r in n.rows where r.category == TransparencyMetrics.total || n.categoriesLogged {
            let head = r.category == TransparencyMetrics.total
            let time = median(r.timeToAction), timeTF = median(r.timeToActionTrusted)
            var receivedContext = "", itemsContext = "", lawContext = ""
            if head {
                var parts: [String] = []
                if !n.categoriesLogged, r.received > 0 { parts.append("category not derivable: no notice names a Transparency Database category") } else if n.withoutCategory > 0 {
                    parts.append("\(n.withoutCategory) without category, in TOTAL only")
                }
                if !n.unmappedCategories.isEmpty { parts.append("categories naming no code, in TOTAL only: " + listed(n.unmappedCategories)) }
                if n.decidedNoAction > 0 { parts.append("\(n.decidedNoAction) decided without action") }
                receivedContext = parts.joined(separator: "; ")
                itemsContext = "not derivable: the log does not say how many items of information a notice names"
                lawContext = n.groundsLogged
                    ? (n.actionsGroundNotLogged > 0 ? "\(n.actionsGroundNotLogged) actions with no ground logged, in neither column" : "")
                    : "not derivable: the log has no restriction.imposed with a ground"
            }
            let g = n.groundsLogged
            lines.append(row([
                "Only for providers of hosting services, including online platforms", m.service, m.period.iso, r.category, "",
                String(r.received), String(r.fromTrustedFlaggers), "", "", time.value, timeTF.value,
                g ? String(r.actionsLaw) : "", g ? String(r.actionsLawTrusted) : "",
                g ? String(r.actionsTermsAndConditions) : "", g ? String(r.actionsTermsAndConditionsTrusted) : "",
                receivedContext, "", itemsContext, itemsContext, time.context, timeTF.context, lawContext, "", lawContext, "",
            ]))
        }
        return lines.joined()
    }

    static func ownInitiativeCSV(_ m: TransparencyMetrics, _ rows: [MeasureRow], categoryHeader: String) -> String {
        let own = m.ownInitiative
        let columns = [
            "Number of measures taken at the provider's own initiative ", "Number of measures taken after detection with solely automated means ",
            "Visibility restriction Removal", "Visibility restriction Disable", "Visibility restriction Demoted", "Visibility restriction Age restricted",
            "Visibility restriction Interaction restricted", "Visibility restriction Labelled ", "Visibility restriction Other",
            "Monetary restriction Suspension", "Monetary restriction Termination", "Monetary restriction Other",
            "Provision of the service Suspension", "Provision of the service Termination", "Account restriction Suspension",
            "Account restriction Termination",
        ]
        var lines = [row(["Applicability", "Service", "Reporting period", categoryHeader, "Description of the sub-category \"Other\""] + columns + columns.map { "Contextual Information on " + $0 })]
        for r in rows {
            let head = r.category == TransparencyMetrics.total
            func n(_ t: MeasureType) -> String { String(r.byType[t] ?? 0) }
            let values = [
                String(r.measures), own.automationLogged ? String(r.automatedDetection) : "", n(.removal), n(.disable), n(.demote), "", "", "",
                n(.visibilityOther), "", "", "", "", "", n(.accountSuspension), n(.accountTermination),
            ]
            var context = Array(repeating: "", count: columns.count)
            if head {
                var parts: [String] = []
                if own.groundNotLogged > 0 { parts.append("\(own.groundNotLogged) own-initiative measures with no ground logged, in neither sheet") }
                context[0] = parts.joined(separator: "; ")
                context[1] = own.automationLogged
                    ? (own.automationNotLogged > 0 ? "counted from automated_detection; \(own.automationNotLogged) measures without it" : "counted from automated_detection")
                    : (own.total > 0 ? "not derivable: no measure carries automated_detection" : "")
                for i in 5...7 { context[i] = "not derivable: restriction.imposed's measure has no such value" }
                let monetary = r.byType[.monetary] ?? 0, service = r.byType[.service] ?? 0
                context[11] = "not derivable: \(monetary) measures restricted payments; the log does not say suspension, termination or other"
                context[13] = "not derivable: \(service) measures restricted the service; the log does not say suspension or termination"
            }
            lines.append(row(["All", m.service, m.period.iso, r.category, ""] + values + context))
        }
        return lines.joined()
    }

    static func appealsCSV(_ m: TransparencyMetrics) -> String {
        let c = m.complaints
        let section = "Internal complaints mechanism", indicator = "Number of complaints submitted to the internal-complaints mechanism"
        let platforms = "Only for providers of online platforms"
        let time = median(c.time)
        var totalContext = "complaint.received with regime dsa"
        if c.refused > 0 { totalContext += "; \(c.refused) refused without a decision on the merits" }
        let upheldContext = "outcome upheld" + (c.rejected > 0 ? "; \(c.rejected) complaints with outcome rejected are in neither row" : "")
            + (c.outcomeNotLogged > 0 ? "; \(c.outcomeNotLogged) decided with no outcome logged" : "")
        let entries: [(String, String, String, String)] = [
            ("All", "Total number", String(c.received), totalContext),
            (platforms, "Decisions upheld", String(c.upheld), upheldContext),
            (platforms, "Decisions partially reversed", "", "not derivable: complaint.decided's outcome has no such value"),
            (platforms, "Decisions reversed", String(c.reversed), "outcome reversed"),
            (platforms, "Median time", time.value, time.context),
            (platforms, "Decision omitted", "", "not derivable: complaint.decided's outcome has no such value"),
        ]
        var lines = [row(["Applicability", "Service", "Reporting period", "Section", "Indicator", "Scope", "Value", "Contextual Information"])]
        for (applicability, scope, value, context) in entries {
            lines.append(row([applicability, m.service, m.period.iso, section, indicator, scope, value, context]))
        }
        return lines.joined()
    }

    static func listed(_ d: [String: Int]) -> String { d.sorted { $0.key < $1.key }.map { "\($0.key) (\($0.value))" }.joined(separator: ", ") }

    /// One CSV record, RFC 4180: a field with a comma, quote or line break is quoted, quotes doubled.
    static func row(_ fields: [String]) -> String {
        fields.map { f in
            f.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" })
                ? "\"" + f.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : f
        }.joined(separator: ",") + "\n"
    }
}
