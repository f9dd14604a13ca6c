import Foundation

/// What to export.
public struct ExportOptions: Sendable {
    /// Only decisions of this service (its own account in the database); a decision without
    /// `service` concerns every service and is exported for each. Nil = every decision.
    public var service: String?
    /// puids already in the database: skipped, since the API would refuse the whole request.
    public var submitted: Set<String>
    /// Statements per request body: 1 to 100.
    public var batchSize: Int

    public init(service: String? = nil, submitted: Set<String> = [], batchSize: Int = StatementSchema.maxStatementsPerRequest) {
        self.service = service
        self.submitted = submitted
        self.batchSize = min(max(batchSize, 1), StatementSchema.maxStatementsPerRequest)
    }
}

/// Why a decision cannot be submitted: one field of its statement, the rule it breaks, and what
/// to change in the log.
public struct ExportProblem: Sendable, Equatable, CustomStringConvertible {
    public var eventID: String
    public var caseID: String
    /// Where the event was read: `file:line`.
    public var origin: SourceLocation
    public var puid: String
    public var field: String
    public var rule: StatementRule
    public var message: String
    public var fix: String

    /// `file:line: error: event e1 (case c1): field: [rule] message`, then the fix.
    public var description: String {
        "\(origin): error: event \(eventID) (case \(caseID)): \(field): [\(rule)] \(message)\n  fix: \(fix)"
    }
}

/// An event the export did not turn into a statement, on purpose, and why.
public struct ExportSkip: Sendable, Equatable {
    public struct Reason: Hashable, Sendable, CustomStringConvertible {
        public let name: String
        public init(_ name: String) { self.name = name }
        public var description: String { name }

        /// basis art9_order: DSA Art 17(5), no statement of reasons for orders under Art 9.
        public static let art9Order = Reason("art9-order")
        /// deceptive_commercial true: DSA Art 17(2), no statement for deceptive high-volume commercial content.
        public static let deceptiveCommercial = Reason("deceptive-commercial")
        /// The puid is in the list of statements already submitted.
        public static let alreadySubmitted = Reason("already-submitted")
        /// The decision belongs to another service than the one exported.
        public static let otherService = Reason("other-service")
        /// content.removed or content.disabled in a case with no restriction.imposed: an act the
        /// log does not describe as a DSA Art 17 decision (an order, another regime, or a missing event).
        public static let noDecision = Reason("no-decision")
    }

    public var eventID: String
    public var caseID: String
    public var type: String
    public var origin: SourceLocation
    public var reason: Reason
    public var detail: String
}

/// What an export produced.
public struct SubmissionExportResult: Sendable {
    /// Statements that pass every check, in export order (application instant, then event id).
    public var statements: [SubmissionStatement]
    /// Request bodies `{"statements": [...]}` of at most `batchSize` statements, as written to
    /// `statements-0001.json`, …
    public var batches: [String]
    /// Every problem of every decision that cannot be submitted, in export order.
    public var problems: [ExportProblem]
    /// The ids of the decisions that cannot be submitted, in export order.
    public var rejected: [String]
    public var skipped: [ExportSkip]
    /// restriction.imposed events read (submitted, rejected, or skipped).
    public var decisions: Int
}

/// Turns the platform's moderation decisions (`restriction.imposed`, DSA pack) into Transparency
/// Database submissions, checked against every rule of the API before anything is written.
/// No network: the platform's uploader sends the files. See docs/tdb-export.md.
public enum SubmissionExport {
    /// The event that records a decision a statement of reasons describes.
    public static let decisionType = "restriction.imposed"
    /// The types the export reads: decisions, the acts that should have one, and notices (for the
    /// category and the source a decision does not state itself).
    public static let types: Set<String> = ["restriction.imposed", "content.removed", "content.disabled", "notice.received"]

    /// The accepted events of the types the export reads, checked exactly as an audit checks them;
    /// rejects go to `onReject`. Only these types are kept in memory.
    public static func readEvents(rules: RuleSet, profile: PlatformProfile, logs: [LogInput], onReject: (Reject) throws -> Void) throws -> [Event] {
        var kept: [Event] = []
        try Auditor.readEvents(rules: rules, profile: profile, logs: logs, onReject: onReject) { e in
            if types.contains(e.type) { kept.append(e) }
        }
        return kept
    }

    /// Builds, checks and batches the statements of every decision in `events`.
    public static func export(events: [Event], profile: PlatformProfile, options: ExportOptions = ExportOptions()) -> SubmissionExportResult {
        var byCase: [String: [Event]] = [:]
        for e in events { byCase[e.caseID, default: []].append(e) }
        let ordered = events.sorted { ($0.at, $0.id) < ($1.at, $1.id) }

        var result = SubmissionExportResult(statements: [], batches: [], problems: [], rejected: [], skipped: [], decisions: 0)
        var puids: [String: String] = [:]  // puid → event id of the first statement using it
        for e in ordered {
            func skip(_ reason: ExportSkip.Reason, _ detail: String) {
                result.skipped.append(ExportSkip(eventID: e.id, caseID: e.caseID, type: e.type, origin: e.origin, reason: reason, detail: detail))
            }
            let caseEvents = byCase[e.caseID] ?? []
            if e.type == "content.removed" || e.type == "content.disabled" {
                if !caseEvents.contains(where: { $0.type == decisionType }) {
                    skip(.noDecision, "case \(e.caseID) has no restriction.imposed; if this is a decision under DSA Art 17, log restriction.imposed beside it")
                }
                continue
            }
            guard e.type == decisionType else { continue }
            result.decisions += 1
            // The profile decides which services an event concerns, as in an audit.
            if let wanted = options.service, !profile.services(for: e).contains(where: { $0.id == wanted }) {
                skip(.otherService, "service \(e[attribute: "service"] ?? "?"), not \(wanted)")
                continue
            }
            if e[attribute: "basis"] == "art9_order" {
                skip(.art9Order, "DSA Art 17(5): no statement of reasons for a decision giving effect to an order under Art 9")
                continue
            }
            if e[attribute: "deceptive_commercial"] == "true" {
                skip(.deceptiveCommercial, "DSA Art 17(2): no statement of reasons for deceptive high-volume commercial content")
                continue
            }
            let (statement, mapping) = statement(for: e, caseEvents: caseEvents)
            let puid = statement.text("puid") ?? e.id
            if options.submitted.contains(puid) {
                skip(.alreadySubmitted, "puid \(puid) is in the list of statements already submitted")
                continue
            }
            var problems = (mapping + StatementValidator.problems(in: statement)).map { p in
                ExportProblem(
                    eventID: e.id, caseID: e.caseID, origin: e.origin, puid: puid, field: p.field, rule: p.rule, message: p.message,
                    fix: p.fix + " (in the log: " + logHint(p.field) + ")")
            }
            if let first = puids[puid] {
                problems.append(
                    ExportProblem(
                        eventID: e.id, caseID: e.caseID, origin: e.origin, puid: puid, field: "puid", rule: .puidUnique,
                        message: "'\(puid.prefix(80))' is also the puid of event \(first); the API would refuse the whole request",
                        fix: "give this decision its own puid (in the log: attribute puid)"))
            } else {
                puids[puid] = e.id
            }
            if problems.isEmpty {
                result.statements.append(statement)
            } else {
                result.problems += problems
                result.rejected.append(e.id)
            }
        }
        result.batches = batches(result.statements, size: options.batchSize)
        return result
    }

    /// The statement one decision becomes, and the problems found while mapping the event's
    /// attributes (the validator finds the rest).
    public static func statement(for e: Event, caseEvents: [Event]) -> (SubmissionStatement, [StatementProblem]) {
        var s = SubmissionStatement()
        var problems: [StatementProblem] = []
        func values(_ name: String) -> [String]? { e.attributes[name]?.values }
        func copy(_ name: String, to field: String? = nil) {
            if let v = e[attribute: name] { s[field ?? name] = .text(v) }
        }
        /// `scams_and_fraud` → `STATEMENT_CATEGORY_SCAMS_AND_FRAUD`; a value already prefixed is kept.
        func api(_ v: String, _ prefix: String) -> String { v.hasPrefix(prefix) ? v : prefix + v.uppercased() }
        func yesNo(_ v: String) -> String { v == "true" ? "Yes" : v == "false" ? "No" : v }
        let notice = caseEvents.filter { $0.type == "notice.received" }.min { ($0.at, $0.id) < ($1.at, $1.id) }

        s["puid"] = .text(e[attribute: "puid"] ?? e.id)

        // What was restricted.
        let measures = values("measure") ?? []
        var visibility: [String] = []
        var accounts: [String] = []
        for m in measures {
            switch m {
            case "removal": visibility.append("DECISION_VISIBILITY_CONTENT_REMOVED")
            case "disabling": visibility.append("DECISION_VISIBILITY_CONTENT_DISABLED")
            case "demotion": visibility.append("DECISION_VISIBILITY_CONTENT_DEMOTED")
            case "age_restriction": visibility.append("DECISION_VISIBILITY_CONTENT_AGE_RESTRICTED")
            case "interaction_restriction": visibility.append("DECISION_VISIBILITY_CONTENT_INTERACTION_RESTRICTED")
            case "labelling": visibility.append("DECISION_VISIBILITY_CONTENT_LABELLED")
            case "visibility": visibility.append("DECISION_VISIBILITY_OTHER")
            case "account_suspension": accounts.append("DECISION_ACCOUNT_SUSPENDED")
            case "account_termination": accounts.append("DECISION_ACCOUNT_TERMINATED")
            case "payments", "service": break
            default:
                problems.append(StatementProblem(field: "decision_visibility", rule: .enumeration, message: "measure '\(m)' has no equivalent in the database", fix: "use a measure listed in docs/events.md"))
            }
        }
        if !visibility.isEmpty {
            s["decision_visibility"] = .list(StatementSchema.decisionVisibilities.filter(Set(visibility).contains))
        }
        for (measure, field, prefix) in [("payments", "decision_monetary", "DECISION_MONETARY_"), ("service", "decision_provision", "DECISION_PROVISION_")] {
            let given = e[attribute: field]
            if measures.contains(measure) {
                if let given {
                    s[field] = .text(api(given, prefix))
                } else {
                    problems.append(StatementProblem(field: field, rule: .required, message: "measure \(measure) needs \(field): the database asks which restriction it was", fix: "give \(field)"))
                }
            } else if given != nil {
                problems.append(StatementProblem(field: field, rule: .conditional, message: "is given, but measure does not include \(measure)", fix: "add \(measure) to measure, or remove \(field)"))
            }
        }
        if accounts.count == 1 {
            s["decision_account"] = .text(accounts[0])
        } else if accounts.count > 1 {
            problems.append(
                StatementProblem(
                    field: "decision_account", rule: .enumeration, message: "measure holds both account_suspension and account_termination; the database takes one",
                    fix: "log one restriction.imposed for each, or keep the one that was applied"))
        }
        for name in ["end_date_visibility_restriction", "end_date_monetary_restriction", "end_date_service_restriction", "end_date_account_restriction"] {
            if let v = e[attribute: name] { s[name] = .text(datePart(v)) }
        }
        copy("decision_visibility_other")
        copy("decision_monetary_other")
        if let v = e[attribute: "account_type"] { s["account_type"] = .text(api(v, "ACCOUNT_TYPE_")) }

        // On what ground.
        let ground: String?
        switch e[attribute: "ground"] {
        case "illegal_content"?: ground = "DECISION_GROUND_ILLEGAL_CONTENT"
        case "terms_and_conditions"?: ground = "DECISION_GROUND_INCOMPATIBLE_CONTENT"
        case let other?: ground = api(other, "DECISION_GROUND_")
        case nil: ground = nil
        }
        if let ground { s["decision_ground"] = .text(ground) }
        copy("decision_ground_reference_url")
        if ground == "DECISION_GROUND_INCOMPATIBLE_CONTENT" {
            copy("legal_ground", to: "incompatible_content_ground")
            copy("explanation", to: "incompatible_content_explanation")
        } else if ground != nil {
            copy("legal_ground", to: "illegal_content_legal_ground")
            copy("explanation", to: "illegal_content_explanation")
        }
        if let v = e[attribute: "content_illegal"] { s["incompatible_content_illegal"] = .text(yesNo(v)) }

        // What content, of what kind.
        if let v = values("content_type") { s["content_type"] = .list(v.map { api($0, "CONTENT_TYPE_") }) }
        copy("content_type_other")
        if let v = e[attribute: "category"] ?? notice?[attribute: "category"] { s["category"] = .text(api(v, "STATEMENT_CATEGORY_")) }
        if let v = values("category_addition") { s["category_addition"] = .list(v.map { api($0, "STATEMENT_CATEGORY_") }) }
        if let v = values("category_specification") { s["category_specification"] = .list(v.map { api($0, "KEYWORD_") }) }
        copy("category_specification_other")
        // The vocabulary's country type writes Greece EL, as the EU does; the database writes GR.
        if let v = values("territorial_scope") { s["territorial_scope"] = .list(v.map { $0 == "EL" ? "GR" : $0 }) }
        if let v = e[attribute: "content_language"] { s["content_language"] = .text(v.uppercased()) }
        if let v = e[attribute: "content_date"] { s["content_date"] = .text(datePart(v)) }
        s["application_date"] = .text(String(e.at.formatted(offsetSeconds: e.offsetSeconds).prefix(10)))
        copy("decision_facts")

        // Where the decision came from, and how it was taken.
        let sourceType: String?
        switch e[attribute: "source_type"] {
        case "article_16"?: sourceType = "SOURCE_ARTICLE_16"
        case "trusted_flagger"?: sourceType = "SOURCE_TRUSTED_FLAGGER"
        case "other_notification"?: sourceType = "SOURCE_TYPE_OTHER_NOTIFICATION"
        case "voluntary"?: sourceType = "SOURCE_VOLUNTARY"
        case let other?: sourceType = other
        case nil:
            if e[attribute: "basis"] == "own_initiative" {
                sourceType = "SOURCE_VOLUNTARY"
            } else if let notice, e[attribute: "basis"] == nil || e[attribute: "basis"] == "notice" {
                sourceType = notice[attribute: "source"] == "trusted_flagger" ? "SOURCE_TRUSTED_FLAGGER" : "SOURCE_ARTICLE_16"
            } else {
                sourceType = nil
            }
        }
        if let sourceType { s["source_type"] = .text(sourceType) }
        copy("source_identity")
        if let v = e[attribute: "automated_detection"] { s["automated_detection"] = .text(yesNo(v)) }
        if let v = e[attribute: "automated_decision"] { s["automated_decision"] = .text(api(v, "AUTOMATED_DECISION_")) }
        if let v = e[attribute: "content_id_ean"] { s["content_id"] = .object(["EAN-13": v]) }
        return (s, problems)
    }

    /// Request bodies of at most `size` statements each.
    public static func batches(_ statements: [SubmissionStatement], size: Int = StatementSchema.maxStatementsPerRequest) -> [String] {
        let size = min(max(size, 1), StatementSchema.maxStatementsPerRequest)
        return stride(from: 0, to: statements.count, by: size).map { start in
            let chunk = statements[start..<min(start + size, statements.count)]
            return JSONValue.object([("statements", .array(chunk.map(\.json)))]).pretty + "\n"
        }
    }

    /// `statements-0001.json`, … (four digits; more when there are more than 9999 batches).
    public static func batchFileName(_ index: Int) -> String {
        let n = String(index + 1)
        return "statements-" + String(repeating: "0", count: max(0, 4 - n.count)) + n + ".json"
    }

    /// The date a `date_or_datetime` value names, as written: `2025-07-01T23:30:00+02:00` is
    /// 2025-07-01, the platform's own day.
    static func datePart(_ v: String) -> String {
        let b = Array(v.utf8)
        if b.count > 10, [UInt8(ascii: "T"), UInt8(ascii: "t"), UInt8(ascii: " ")].contains(b[10]) { return String(v.prefix(10)) }
        return v
    }

    /// Where in the log a statement field comes from, for the fix.
    static func logHint(_ field: String) -> String {
        switch field {
        case "puid": "attribute puid; absent = the event id"
        case "decision_visibility", "decision_account": "attribute measure"
        case "decision_ground": "attribute ground"
        case "illegal_content_legal_ground", "incompatible_content_ground": "attribute legal_ground"
        case "illegal_content_explanation", "incompatible_content_explanation": "attribute explanation"
        case "incompatible_content_illegal": "attribute content_illegal"
        case "category": "attribute category, or the category of the case's notice.received"
        case "source_type": "attribute source_type; absent = from basis and the case's notice.received"
        case "application_date": "the event's at"
        case "content_id": "attribute content_id_ean"
        default: "attribute \(field)"
        }
    }
}
