/// The Transparency Database's statement-of-reasons API (schema v2, in force since 2025-07-01):
/// field names, enumerations and limits, as the Commission's own application validates a
/// submission.
///
/// Source: repository digital-services-act/transparency-database at 69e80a0 (2026-06-24):
/// `app/Services/GroupedSubmissionsService.php` (`multi_rules`, what `POST /api/v1/statements`
/// checks), `app/Http/Requests/StatementStoreRequest.php` (the same rules for one statement),
/// `app/Models/Statement.php` (the enumerations), `app/Services/EuropeanCountriesService.php` and
/// `EuropeanLanguagesService.php`. Update these lists from there when the Commission changes them.
public enum StatementSchema {
    /// Every field a statement may carry, in the order the API documentation lists them and the
    /// export writes them.
    public static let fields: [String] = [
        "puid",
        "decision_visibility", "decision_visibility_other", "end_date_visibility_restriction",
        "decision_monetary", "decision_monetary_other", "end_date_monetary_restriction",
        "decision_provision", "end_date_service_restriction",
        "decision_account", "end_date_account_restriction", "account_type",
        "decision_ground", "decision_ground_reference_url",
        "illegal_content_legal_ground", "illegal_content_explanation",
        "incompatible_content_ground", "incompatible_content_explanation", "incompatible_content_illegal",
        "content_type", "content_type_other",
        "category", "category_addition", "category_specification", "category_specification_other",
        "territorial_scope", "content_language", "content_date", "application_date",
        "decision_facts", "source_type", "source_identity", "automated_detection", "automated_decision",
        "content_id",
    ]

    /// Fields that hold a JSON array of strings; `content_id` holds an object; the rest hold a string.
    public static let listFields: Set<String> = ["decision_visibility", "content_type", "category_addition", "category_specification", "territorial_scope"]

    /// Fields the API requires in every statement. `territorial_scope` is required by the API
    /// documentation, although the application's validator accepts it empty: Oblige follows the
    /// documentation, and Art 17(3)(a) DSA asks for the territorial scope of the decision.
    public static let requiredFields: [String] = [
        "puid", "decision_ground", "content_type", "category", "territorial_scope", "content_date", "application_date",
        "decision_facts", "source_type", "automated_detection", "automated_decision",
    ]

    /// The four kinds of decision; each statement needs at least one.
    public static let decisionKindFields = ["decision_visibility", "decision_monetary", "decision_provision", "decision_account"]

    /// Maximum lengths in characters (Laravel's `max` counts characters of a string).
    public static let maxLength: [String: Int] = [
        "puid": 500, "decision_visibility_other": 500, "decision_monetary_other": 500, "decision_ground_reference_url": 500,
        "illegal_content_legal_ground": 500, "illegal_content_explanation": 2000,
        "incompatible_content_ground": 500, "incompatible_content_explanation": 2000,
        "content_type_other": 500, "category_specification_other": 500, "decision_facts": 5000, "source_identity": 500,
    ]

    public static let decisionVisibilities = prefixed("DECISION_VISIBILITY_", [
        "CONTENT_REMOVED", "CONTENT_DISABLED", "CONTENT_DEMOTED", "CONTENT_AGE_RESTRICTED", "CONTENT_INTERACTION_RESTRICTED",
        "CONTENT_LABELLED", "OTHER",
    ])
    public static let decisionMonetaries = prefixed("DECISION_MONETARY_", ["SUSPENSION", "TERMINATION", "OTHER"])
    public static let decisionProvisions = prefixed("DECISION_PROVISION_", ["PARTIAL_SUSPENSION", "TOTAL_SUSPENSION", "PARTIAL_TERMINATION", "TOTAL_TERMINATION"])
    public static let decisionAccounts = prefixed("DECISION_ACCOUNT_", ["SUSPENDED", "TERMINATED"])
    public static let accountTypes = prefixed("ACCOUNT_TYPE_", ["BUSINESS", "PRIVATE"])
    public static let decisionGrounds = prefixed("DECISION_GROUND_", ["ILLEGAL_CONTENT", "INCOMPATIBLE_CONTENT"])
    public static let contentTypes = prefixed("CONTENT_TYPE_", ["APP", "AUDIO", "IMAGE", "PRODUCT", "SYNTHETIC_MEDIA", "TEXT", "VIDEO", "OTHER"])
    public static let categories = prefixed("STATEMENT_CATEGORY_", [
        "ANIMAL_WELFARE", "CONSUMER_INFORMATION", "CYBER_VIOLENCE", "CYBER_VIOLENCE_AGAINST_WOMEN",
        "DATA_PROTECTION_AND_PRIVACY_VIOLATIONS", "ILLEGAL_OR_HARMFUL_SPEECH", "INTELLECTUAL_PROPERTY_INFRINGEMENTS",
        "NEGATIVE_EFFECTS_ON_CIVIC_DISCOURSE_OR_ELECTIONS", "NOT_SPECIFIED_NOTICE", "OTHER_VIOLATION_TC", "PROTECTION_OF_MINORS",
        "RISK_FOR_PUBLIC_SECURITY", "SCAMS_AND_FRAUD", "SELF_HARM", "UNSAFE_AND_PROHIBITED_PRODUCTS", "VIOLENCE",
    ])
    /// The 69 keywords of `Statement::KEYWORDS`. (`Statement.php` also defines a constant
    /// KEYWORD_DANGEROUS_TOYS that the list leaves out: the API rejects it.)
    public static let keywords = prefixed("KEYWORD_", [
        "ADULT_SEXUAL_MATERIAL", "AGE_SPECIFIC_RESTRICTIONS", "AGE_SPECIFIC_RESTRICTIONS_MINORS", "ANIMAL_HARM",
        "BIOMETRIC_DATA_BREACH", "BULLYING_AGAINST_GIRLS", "CHILD_SEXUAL_ABUSE_MATERIAL", "CHILD_SEXUAL_ABUSE_MATERIAL_DEEPFAKE",
        "CONTENT_PROMOTING_EATING_DISORDERS", "COORDINATED_HARM", "COPYRIGHT_INFRINGEMENT", "CYBER_BULLYING_INTIMIDATION",
        "CYBER_HARASSMENT", "CYBER_HARASSMENT_AGAINST_WOMEN", "CYBER_INCITEMENT", "CYBER_STALKING",
        "CYBER_STALKING_AGAINST_WOMEN", "DATA_FALSIFICATION", "DEFAMATION", "DESIGN_INFRINGEMENT",
        "DISCRIMINATION", "FEMALE_GENDERED_DISINFORMATION", "GEOGRAPHICAL_REQUIREMENTS", "GEOGRAPHIC_INDICATIONS_INFRINGEMENT",
        "GOODS_SERVICES_NOT_PERMITTED", "GROOMING_SEXUAL_ENTICEMENT_MINORS", "HATE_SPEECH", "HIDDEN_ADVERTISEMENT",
        "HUMAN_EXPLOITATION", "HUMAN_TRAFFICKING", "ILLEGAL_ORGANIZATIONS", "IMPERSONATION_ACCOUNT_HIJACKING",
        "INAUTHENTIC_ACCOUNTS", "INAUTHENTIC_LISTINGS", "INAUTHENTIC_USER_REVIEWS", "INCITEMENT_AGAINST_WOMEN",
        "INCITEMENT_VIOLENCE_HATRED", "INSUFFICIENT_INFORMATION_ON_TRADERS", "LANGUAGE_REQUIREMENTS", "MISINFORMATION_DISINFORMATION",
        "MISLEADING_INFO_CONSUMER_RIGHTS", "MISLEADING_INFO_GOODS_SERVICES", "MISSING_PROCESSING_GROUND", "NONCOMPLIANCE_PRICING",
        "NON_CONSENSUAL_IMAGE_SHARING", "NON_CONSENSUAL_IMAGE_SHARING_AGAINST_WOMEN", "NON_CONSENSUAL_MATERIAL_DEEPFAKE", "NON_CONSENSUAL_MATERIAL_DEEPFAKE_AGAINST_WOMEN",
        "NUDITY", "OTHER", "PATENT_INFRINGEMENT", "PHISHING",
        "PROHIBITED_PRODUCTS", "PYRAMID_SCHEMES", "RIGHT_TO_BE_FORGOTTEN", "RISK_ENVIRONMENTAL_DAMAGE",
        "RISK_PUBLIC_HEALTH", "SELF_MUTILATION", "STALKING", "SUICIDE",
        "TERRORIST_CONTENT", "TRADEMARK_INFRINGEMENT", "TRADE_SECRET_INFRINGEMENT", "TRAFFICKING_WOMEN_GIRLS",
        "UNLAWFUL_SALE_ANIMALS", "UNSAFE_CHALLENGES", "UNSAFE_PRODUCTS", "VIOLATION_EU_LAW",
        "VIOLATION_NATIONAL_LAW",
    ])
    public static let sourceTypes = ["SOURCE_ARTICLE_16", "SOURCE_TRUSTED_FLAGGER", "SOURCE_TYPE_OTHER_NOTIFICATION", "SOURCE_VOLUNTARY"]
    public static let automatedDecisions = prefixed("AUTOMATED_DECISION_", ["FULLY", "PARTIALLY", "NOT_AUTOMATED"])
    /// `automated_detection` and `incompatible_content_illegal`.
    public static let yesNo = ["Yes", "No"]
    /// EU 27 with Iceland, Liechtenstein and Norway; Greece is GR.
    public static let countries = [
        "AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR", "HR", "HU", "IE", "IS", "IT", "LI", "LT", "LU",
        "LV", "MT", "NL", "NO", "PL", "PT", "RO", "SE", "SI", "SK",
    ]
    /// ISO 639-1 codes in upper case (`EuropeanLanguagesService::ALL_LANGUAGES`, 184 codes).
    public static let languages: Set<String> = [
        "AA", "AB", "AE", "AF", "AK", "AM", "AN", "AR", "AS", "AV", "AY", "AZ", "BA", "BE", "BG", "BH", "BI", "BM", "BN", "BO",
        "BR", "BS", "CA", "CE", "CH", "CO", "CR", "CS", "CU", "CV", "CY", "DA", "DE", "DV", "DZ", "EE", "EL", "EN", "EO", "ES",
        "ET", "EU", "FA", "FF", "FI", "FJ", "FO", "FR", "FY", "GA", "GD", "GL", "GN", "GU", "GV", "HA", "HE", "HI", "HO", "HR",
        "HT", "HU", "HY", "HZ", "IA", "ID", "IE", "IG", "II", "IK", "IO", "IS", "IT", "IU", "JA", "JV", "KA", "KG", "KI", "KJ",
        "KK", "KL", "KM", "KN", "KO", "KR", "KS", "KU", "KV", "KW", "KY", "LA", "LB", "LG", "LI", "LN", "LO", "LT", "LU", "LV",
        "MG", "MH", "MI", "MK", "ML", "MN", "MR", "MS", "MT", "MY", "NA", "NB", "ND", "NE", "NG", "NL", "NN", "NO", "NR", "NV",
        "NY", "OC", "OJ", "OM", "OR", "OS", "PA", "PI", "PL", "PS", "PT", "QU", "RM", "RN", "RO", "RU", "RW", "SA", "SC", "SD",
        "SE", "SG", "SI", "SK", "SL", "SM", "SN", "SO", "SQ", "SR", "SS", "ST", "SU", "SV", "SW", "TA", "TE", "TG", "TH", "TI",
        "TK", "TL", "TN", "TO", "TR", "TS", "TT", "TW", "TY", "UG", "UK", "UR", "UZ", "VE", "VI", "VO", "WA", "WO", "XH", "YI",
        "YO", "ZA", "ZH", "ZU",
    ]

    /// The enumeration each enumerated field takes its values from.
    public static let enumerations: [String: [String]] = [
        "decision_visibility": decisionVisibilities, "decision_monetary": decisionMonetaries, "decision_provision": decisionProvisions,
        "decision_account": decisionAccounts, "account_type": accountTypes, "decision_ground": decisionGrounds,
        "incompatible_content_illegal": yesNo, "content_type": contentTypes, "category": categories, "category_addition": categories,
        "category_specification": keywords, "territorial_scope": countries, "source_type": sourceTypes,
        "automated_detection": yesNo, "automated_decision": automatedDecisions,
    ]

    /// At most this many statements in one `POST /api/v1/statements` body.
    public static let maxStatementsPerRequest = 100

    /// `^[a-zA-Z0-9-_]+$`, at most 500 characters.
    public static func isValidPUID(_ s: String) -> Bool {
        !s.isEmpty && s.unicodeScalars.count <= 500
            && s.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0) || $0 == "-" || $0 == "_" }
    }

    private static func prefixed(_ prefix: String, _ names: [String]) -> [String] { names.map { prefix + $0 } }
}
