/// The event types the generator writes, and how each renders its attributes from the small
/// parameters of a `PendingEvent` (`a`, `b`, `c`, `d`, `e`; their meaning is given per type).
enum GeneratedType: UInt8 {
    case noticeReceived, noticeAcknowledged, noticeDecided
    case contentRemoved, contentDisabled, contentRestored
    case restrictionImposed, sorSent, sorSubmitted
    case complaintReceived, complaintDecided, complaintRefused
    case orderReceived, orderClarificationRequested, orderClarified, authorityInformed
    case preservationEnded, scrutinyDecided, restorationDeclined
    case imminentThreatDetected, crimeSuspicionDetected, lawEnforcementInformed
    case csamDetected, cybertiplineReported
    case lcenRequestReceived, removalNoticeReceived, extensionGranted
    case summonsReceived, summonsAnswered, hearingAttended, hearingRescheduled
    case intimateImageReportReceived, intimateImageReportDeclined
    /// `sor.decision_applied` and `sor.submitted` as read from a Transparency Database dump,
    /// with the statement's attributes.
    case sorDecisionApplied, sorSubmittedStatement
    case reportPublished, riskAssessmentCompleted, auditCompleted, auditImplementationAdopted
    case boseReportRequired, boseReportGiven

    var name: StaticString {
        switch self {
        case .noticeReceived: "notice.received"
        case .noticeAcknowledged: "notice.acknowledged"
        case .noticeDecided: "notice.decided"
        case .contentRemoved: "content.removed"
        case .contentDisabled: "content.disabled"
        case .contentRestored: "content.restored"
        case .restrictionImposed: "restriction.imposed"
        case .sorSent: "sor.sent"
        case .sorSubmitted, .sorSubmittedStatement: "sor.submitted"
        case .complaintReceived: "complaint.received"
        case .complaintDecided: "complaint.decided"
        case .complaintRefused: "complaint.refused"
        case .orderReceived: "order.received"
        case .orderClarificationRequested: "order.clarification_requested"
        case .orderClarified: "order.clarified"
        case .authorityInformed: "authority.informed"
        case .preservationEnded: "preservation.ended"
        case .scrutinyDecided: "scrutiny.decided"
        case .restorationDeclined: "restoration.declined"
        case .imminentThreatDetected: "imminent_threat.detected"
        case .crimeSuspicionDetected: "crime_suspicion.detected"
        case .lawEnforcementInformed: "law_enforcement.informed"
        case .csamDetected: "csam.detected"
        case .cybertiplineReported: "cybertipline.reported"
        case .lcenRequestReceived: "lcen_request.received"
        case .removalNoticeReceived: "removal_notice.received"
        case .extensionGranted: "extension.granted"
        case .summonsReceived: "summons.received"
        case .summonsAnswered: "summons.answered"
        case .hearingAttended: "hearing.attended"
        case .hearingRescheduled: "hearing.rescheduled"
        case .intimateImageReportReceived: "intimate_image_report.received"
        case .intimateImageReportDeclined: "intimate_image_report.declined"
        case .sorDecisionApplied: "sor.decision_applied"
        case .reportPublished: "report.published"
        case .riskAssessmentCompleted: "risk_assessment.completed"
        case .auditCompleted: "audit.completed"
        case .auditImplementationAdopted: "audit.implementation_adopted"
        case .boseReportRequired: "bose_report.required"
        case .boseReportGiven: "bose_report.given"
        }
    }
}

/// What a case is about; names its id (`notice-17`).
enum CaseKind: UInt8 {
    case userNotice, trustedNotice, moderation, netzdg, csam, crime, threat, tcoOrder, actOrder, infoOrder
    case lcen, esafety, summons, intimateImage, tdbStatement, duty

    var prefix: StaticString {
        switch self {
        case .userNotice, .trustedNotice: "notice"
        case .moderation: "moderation"
        case .netzdg: "netzdg"
        case .csam: "csam"
        case .crime: "crime"
        case .threat: "threat"
        case .tcoOrder: "tco"
        case .actOrder, .infoOrder: "order"
        case .lcen: "lcen"
        case .esafety: "esafety"
        case .summons: "summons"
        case .intimateImage: "nii"
        case .tdbStatement: "statement"
        case .duty: "duty"
        }
    }
}

/// The fixed texts attribute values are drawn from. None holds a comma, quote, backslash, `|` or
/// line break, so they need no escaping in JSON or CSV.
enum Texts {
    static let memberStates: [StaticString] = [
        "DE", "FR", "NL", "IE", "IT", "ES", "PL", "AT", "BE", "SE", "DK", "FI", "PT", "CZ", "RO", "HU", "EL", "BG", "HR", "SK", "SI",
        "LT", "LV", "EE", "LU", "CY", "MT",
    ]
    /// Notice categories (the Transparency Database's, in lower case), the commonest first.
    static let categories: [StaticString] = [
        "illegal_or_harmful_speech", "scams_and_fraud", "intellectual_property_infringements", "protection_of_minors", "violence",
        "data_protection_and_privacy_violations", "cyber_violence", "negative_effects_on_civic_discourse_or_elections",
        "unsafe_and_prohibited_products", "consumer_information", "self_harm", "risk_for_public_security",
    ]
    static let statementCategories: [StaticString] = [
        "STATEMENT_CATEGORY_ILLEGAL_OR_HARMFUL_SPEECH", "STATEMENT_CATEGORY_SCAMS_AND_FRAUD",
        "STATEMENT_CATEGORY_INTELLECTUAL_PROPERTY_INFRINGEMENTS", "STATEMENT_CATEGORY_PROTECTION_OF_MINORS",
        "STATEMENT_CATEGORY_VIOLENCE", "STATEMENT_CATEGORY_OTHER_VIOLATION_TC",
    ]
    static let sourceTypes: [StaticString] = ["SOURCE_ARTICLE_16", "SOURCE_TRUSTED_FLAGGER", "SOURCE_VOLUNTARY"]
    static let measures: [StaticString] = ["removal", "disabling", "visibility", "demotion", "account_suspension"]
    static let basis: [StaticString] = ["notice", "own_initiative", "art9_order"]
    static let outcomes: [StaticString] = ["rejected", "upheld", "reversed"]
    static let clarificationGrounds: [StaticString] = ["manifest_error", "missing_information", "force_majeure", "impossibility"]
    static let sections: [StaticString] = ["65", "77", "88", "109"]
    static let boseSections: [StaticString] = ["49", "52", "56", "59"]
    static let declineGrounds: [StaticString] = ["not_intimate_image_content", "reporter_not_subject_or_representative"]
    static let reports: [StaticString] = [
        "dsa_transparency", "active_recipients", "risk_assessment", "audit", "audit_implementation", "tco_transparency",
    ]
    static let assessments: [StaticString] = ["dsa_systemic", "osa_illegal_content", "osa_children_access", "osa_children_risk"]
    static let opinions: [StaticString] = ["positive", "positive_with_comments", "negative"]

    /// An authority: its name, member state (index in `memberStates`, -1 outside the EU), IANA
    /// zone, and the `ZoneOffsets` table with that zone's offsets (1 CET/CEST, 2 New York,
    /// 3 Sydney, 4 London and Dublin).
    struct Authority {
        var name: StaticString
        var state: Int
        var zone: StaticString
        var table: Int
    }

    static let orderAuthorities: [Authority] = [
        Authority(name: "BKA", state: 0, zone: "Europe/Berlin", table: 1),
        Authority(name: "OFAC", state: 1, zone: "Europe/Paris", table: 1),
        Authority(name: "Politie", state: 2, zone: "Europe/Amsterdam", table: 1),
        Authority(name: "An Garda Síochána", state: 3, zone: "Europe/Dublin", table: 4),
        Authority(name: "Polizia Postale", state: 4, zone: "Europe/Rome", table: 1),
        Authority(name: "Guardia Civil", state: 5, zone: "Europe/Madrid", table: 1),
        Authority(name: "Policja", state: 6, zone: "Europe/Warsaw", table: 1),
        Authority(name: "Bundesnetzagentur", state: 0, zone: "Europe/Berlin", table: 1),
        Authority(name: "Arcom", state: 1, zone: "Europe/Paris", table: 1),
        Authority(name: "Coimisiún na Meán", state: 3, zone: "Europe/Dublin", table: 4),
        Authority(name: "AGCOM", state: 4, zone: "Europe/Rome", table: 1),
        Authority(name: "KommAustria", state: 7, zone: "Europe/Vienna", table: 1),
        Authority(name: "BIPT", state: 8, zone: "Europe/Brussels", table: 1),
    ]

    static let summonsAuthorities: [Authority] = [
        Authority(name: "European Commission", state: -1, zone: "Europe/Brussels", table: 1),
        Authority(name: "Coimisiún na Meán", state: 3, zone: "Europe/Dublin", table: 4),
        Authority(name: "Ofcom", state: -1, zone: "Europe/London", table: 4),
        Authority(name: "Bundesnetzagentur", state: 0, zone: "Europe/Berlin", table: 1),
        Authority(name: "eSafety Commissioner", state: -1, zone: "Australia/Sydney", table: 3),
        Authority(name: "Federal Trade Commission", state: -1, zone: "America/New_York", table: 2),
    ]
}

extension CaseMix {
    /// Writes one event: its four keys, then its attributes in column order.
    func write(_ e: PendingEvent, into out: inout RecordWriter) {
        let offset = e.zone == 0 ? 0 : zones[Int(e.zone)].offset(at: e.at)
        out.begin(seq: e.seq, casePrefix: e.caseKind.prefix, caseNo: e.caseNo, type: e.type.name, at: e.at, millis: Int(e.millis), offset: offset)
        switch e.type {
        case .noticeReceived:
            // a category, b member state, c: bit 0 trusted flagger, bits 1-2 contact (0 absent, 1 true, 2 false)
            out.string(.category, Texts.categories[Int(e.a)])
            let contact = (e.c >> 1) & 3
            if contact != 0 { out.boolean(.contact, contact == 1) }
            out.string(.memberState, Texts.memberStates[Int(e.b)])
            out.string(.source, e.c & 1 == 1 ? "trusted_flagger" : "user")
        case .noticeDecided:
            out.string(.decision, e.a == 1 ? "action" : "no_action")  // a: 1 action
        case .contentDisabled:
            // a, b: member states + 1 of the territorial scope (0: none)
            if e.a > 0 {
                out.list(.territorialScope, Texts.memberStates[Int(e.a) - 1], e.b > 0 ? Texts.memberStates[Int(e.b) - 1] : nil)
            }
        case .restrictionImposed:
            // a measure, b category, c: bit 0 automated, bit 1 automated given, bits 2-3 basis,
            // bits 4-5 recipient's contact (0 absent, 1 true, 2 false), bit 6 deceptive, bit 7 terms
            if e.c & 2 != 0 { out.boolean(.automatedDetection, e.c & 1 != 0) }
            out.string(.basis, Texts.basis[Int((e.c >> 2) & 3)])
            out.string(.category, Texts.categories[Int(e.b)])
            let contact = (e.c >> 4) & 3
            if contact != 0 { out.boolean(.contact, contact == 1) }
            if e.c & 64 != 0 { out.boolean(.deceptiveCommercial, true) }
            out.string(.ground, e.c & 128 != 0 ? "terms_and_conditions" : "illegal_content")
            out.list(.measure, Texts.measures[Int(e.a)])
        case .complaintReceived:
            // a regime (0 netzdg, 1 dsa), b manifestly unlawful (0 absent, 1 true, 2 false), c unlawful (2 false)
            if e.b != 0 { out.boolean(.manifestlyUnlawful, e.b == 1) }
            out.string(.regime, e.a == 0 ? "netzdg" : "dsa")
            if e.c == 2 { out.boolean(.unlawful, false) }
        case .complaintDecided:
            out.string(.outcome, Texts.outcomes[Int(e.a)])
        case .complaintRefused:
            // a reason (0 out of time, 1 other), b complainant (0 affected recipient, 1 notifier, 2 not said)
            if e.b < 2 { out.string(.complainant, e.b == 0 ? "affected_recipient" : "notifier") }
            out.string(.reason, e.a == 0 ? "out_of_time" : "other")
        case .orderReceived:
            // a kind (0 removal, 1 act, 2 information), b authority, c respond_by (0 none, 1 the date d, 2 the instant d)
            let authority = Texts.orderAuthorities[Int(e.b)]
            out.string(.authority, authority.name)
            out.string(.memberState, Texts.memberStates[authority.state])
            out.string(.orderKind, e.a == 0 ? "removal" : e.a == 1 ? "act" : "information")
            if e.c == 1 {
                out.date(.respondBy, days: Int(e.d))
                out.string(.zone, authority.zone)
            } else if e.c == 2 {
                out.instant(.respondBy, seconds: e.d, offset: 0)
            }
        case .orderClarificationRequested:
            out.string(.ground, Texts.clarificationGrounds[Int(e.a)])
        case .scrutinyDecided:
            out.boolean(.infringement, e.a == 1)
        case .imminentThreatDetected, .crimeSuspicionDetected, .lawEnforcementInformed:
            out.string(.memberState, Texts.memberStates[Int(e.a)])
        case .cybertiplineReported:
            out.numbered(.reportID, "CT-", UInt64(e.d))
        case .lcenRequestReceived:
            out.string(.authority, "OFAC")
            out.string(.content, e.a == 0 ? "terrorism" : "csam")
        case .removalNoticeReceived:
            out.string(.issuer, "eSafety Commissioner")
            out.string(.section, Texts.sections[Int(e.a)])
        case .extensionGranted:
            out.date(.until, days: Int(e.d))
        case .summonsReceived:
            // b authority, c bit 0: a hearing on day d + a; d the date to answer by
            let authority = Texts.summonsAuthorities[Int(e.b)]
            if e.c & 1 != 0 { out.date(.appearOn, days: Int(e.d) + Int(e.a)) }
            out.string(.authority, authority.name)
            out.date(.respondBy, days: Int(e.d))
            out.string(.zone, authority.zone)
        case .hearingRescheduled:
            out.instant(.appearOn, seconds: e.d, offset: Int(e.e))  // d the new instant, e its zone's offset
        case .intimateImageReportReceived:
            if e.a != 0 { out.boolean(.complete, e.a == 1) }  // a: 0 not said, 1 true, 2 false
        case .intimateImageReportDeclined:
            out.string(.ground, Texts.declineGrounds[Int(e.a)])
        case .sorDecisionApplied, .sorSubmittedStatement:
            // a statement category, b source type
            out.string(.category, Texts.statementCategories[Int(e.a)])
            out.string(.platformName, "Demo Social")
            out.string(.sourceType, Texts.sourceTypes[Int(e.b)])
        case .reportPublished:
            if e.e != 0 { out.date(.periodEnd, days: Int(e.e)) }  // e period end (0: none), a report
            out.list(.report, Texts.reports[Int(e.a)])
        case .riskAssessmentCompleted:
            out.string(.assessment, Texts.assessments[Int(e.a)])
        case .auditCompleted:
            out.string(.opinion, Texts.opinions[Int(e.a)])
        case .boseReportRequired:
            // a section, d the date to report by, e the period's last day
            out.date(.periodEnd, days: Int(e.e))
            out.date(.respondBy, days: Int(e.d))
            out.string(.section, Texts.boseSections[Int(e.a)])
            out.string(.zone, "Australia/Sydney")
        case .noticeAcknowledged, .contentRemoved, .contentRestored, .sorSent, .sorSubmitted, .orderClarified, .authorityInformed,
            .preservationEnded, .restorationDeclined, .csamDetected, .summonsAnswered, .hearingAttended, .auditImplementationAdopted,
            .boseReportGiven:
            break
        }
        out.end()
    }
}
