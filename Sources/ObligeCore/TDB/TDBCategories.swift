import Foundation

/// The Transparency Database's categories (`STATEMENT_CATEGORY_*`) and their keywords
/// (`KEYWORD_*`), schema v2, in the order the 2024/2835 templates list them.
///
/// Source: the rows of the Commission's CSV templates (Annex I, parts 3 to 6), which repeat the
/// statement-of-reasons codes; `KEYWORD_OTHER` appears under every category, so it names no
/// category on its own and is not listed here.
enum TDBCategories {
    /// Category suffix (after `STATEMENT_CATEGORY_`) → keyword suffixes (after `KEYWORD_`).
    static let illegal: [(category: String, keywords: [String])] = [
        ("ANIMAL_WELFARE", ["ANIMAL_HARM", "UNLAWFUL_SALE_ANIMALS"]),
        ("CONSUMER_INFORMATION", [
            "HIDDEN_ADVERTISEMENT", "INSUFFICIENT_INFORMATION_ON_TRADERS", "MISLEADING_INFO_GOODS_SERVICES",
            "MISLEADING_INFO_CONSUMER_RIGHTS", "NONCOMPLIANCE_PRICING",
        ]),
        ("CYBER_VIOLENCE", [
            "CYBER_BULLYING_INTIMIDATION", "CYBER_HARASSMENT", "CYBER_INCITEMENT", "CYBER_STALKING",
            "NON_CONSENSUAL_IMAGE_SHARING", "NON_CONSENSUAL_MATERIAL_DEEPFAKE",
        ]),
        ("CYBER_VIOLENCE_AGAINST_WOMEN", [
            "BULLYING_AGAINST_GIRLS", "CYBER_HARASSMENT_AGAINST_WOMEN", "CYBER_STALKING_AGAINST_WOMEN",
            "FEMALE_GENDERED_DISINFORMATION", "INCITEMENT_AGAINST_WOMEN", "NON_CONSENSUAL_IMAGE_SHARING_AGAINST_WOMEN",
            "NON_CONSENSUAL_MATERIAL_DEEPFAKE_AGAINST_WOMEN",
        ]),
        ("DATA_PROTECTION_AND_PRIVACY_VIOLATIONS", [
            "BIOMETRIC_DATA_BREACH", "DATA_FALSIFICATION", "MISSING_PROCESSING_GROUND", "RIGHT_TO_BE_FORGOTTEN",
        ]),
        ("ILLEGAL_OR_HARMFUL_SPEECH", ["DEFAMATION", "DISCRIMINATION", "HATE_SPEECH"]),
        ("INTELLECTUAL_PROPERTY_INFRINGEMENTS", [
            "COPYRIGHT_INFRINGEMENT", "DESIGN_INFRINGEMENT", "GEOGRAPHIC_INDICATIONS_INFRINGEMENT", "PATENT_INFRINGEMENT",
            "TRADE_SECRET_INFRINGEMENT", "TRADEMARK_INFRINGEMENT",
        ]),
        ("NEGATIVE_EFFECTS_ON_CIVIC_DISCOURSE_OR_ELECTIONS", [
            "MISINFORMATION_DISINFORMATION", "VIOLATION_EU_LAW", "VIOLATION_NATIONAL_LAW",
        ]),
        ("PROTECTION_OF_MINORS", [
            "AGE_SPECIFIC_RESTRICTIONS_MINORS", "CHILD_SEXUAL_ABUSE_MATERIAL", "CHILD_SEXUAL_ABUSE_MATERIAL_DEEPFAKE",
            "GROOMING_SEXUAL_ENTICEMENT_MINORS", "UNSAFE_CHALLENGES",
        ]),
        ("RISK_FOR_PUBLIC_SECURITY", [
            "ILLEGAL_ORGANIZATIONS", "RISK_ENVIRONMENTAL_DAMAGE", "RISK_PUBLIC_HEALTH", "TERRORIST_CONTENT",
        ]),
        ("SCAMS_AND_FRAUD", [
            "IMPERSONATION_ACCOUNT_HIJACKING", "INAUTHENTIC_ACCOUNTS", "INAUTHENTIC_LISTINGS", "INAUTHENTIC_USER_REVIEWS",
            "PHISHING", "PYRAMID_SCHEMES",
        ]),
        ("SELF_HARM", ["CONTENT_PROMOTING_EATING_DISORDERS", "SELF_MUTILATION", "SUICIDE"]),
        ("UNSAFE_AND_PROHIBITED_PRODUCTS", ["PROHIBITED_PRODUCTS", "UNSAFE_PRODUCTS"]),
        ("VIOLENCE", [
            "COORDINATED_HARM", "INCITEMENT_VIOLENCE_HATRED", "HUMAN_EXPLOITATION", "HUMAN_TRAFFICKING",
            "TRAFFICKING_WOMEN_GIRLS",
        ]),
    ]

    /// Only the terms-and-conditions sheet lists this category.
    static let termsAndConditions: (category: String, keywords: [String]) = (
        "OTHER_VIOLATION_TC",
        ["ADULT_SEXUAL_MATERIAL", "AGE_SPECIFIC_RESTRICTIONS", "GEOGRAPHICAL_REQUIREMENTS", "GOODS_SERVICES_NOT_PERMITTED",
         "LANGUAGE_REQUIREMENTS", "NUDITY"]
    )

    /// The last rows of the orders and notices sheets: the order or notice named no category.
    static let notSpecifiedOrder = "STATEMENT_CATEGORY_NOT_SPECIFIED_ORDER"
    static let notSpecifiedNotice = "STATEMENT_CATEGORY_NOT_SPECIFIED_NOTICE"

    /// Every row code in template order: each category followed by its keywords.
    static let rowOrder: [String] = {
        var rows: [String] = []
        for (c, ks) in illegal + [termsAndConditions] {
            rows.append("STATEMENT_CATEGORY_" + c)
            rows += ks.map { "KEYWORD_" + $0 }
        }
        return rows + [notSpecifiedOrder, notSpecifiedNotice]
    }()

    private static let parentOfKeyword: [String: String] = {
        var map: [String: String] = [:]
        for (c, ks) in illegal + [termsAndConditions] { for k in ks { map[k] = c } }
        return map
    }()
    private static let categories: Set<String> =
        Set((illegal + [termsAndConditions]).map(\.category) + ["NOT_SPECIFIED_ORDER", "NOT_SPECIFIED_NOTICE"])

    /// The template rows a log's category value counts in: its category, and its keyword when
    /// the value is one. A value matches when it is a code, or a code's suffix in any case with
    /// `-` or spaces for `_` (`scams_and_fraud`, `child-sexual-abuse-material`); nothing else is
    /// guessed. Nil when the value names no code.
    static func rows(for value: String) -> [String]? {
        var v = value.uppercased().replacingOccurrences(of: "-", with: "_").replacingOccurrences(of: " ", with: "_")
        var keywordOnly = false
        if v.hasPrefix("STATEMENT_CATEGORY_") {
            v.removeFirst("STATEMENT_CATEGORY_".count)
            return categories.contains(v) ? ["STATEMENT_CATEGORY_" + v] : nil
        }
        if v.hasPrefix("KEYWORD_") {
            v.removeFirst("KEYWORD_".count)
            keywordOnly = true
        }
        if !keywordOnly, categories.contains(v) { return ["STATEMENT_CATEGORY_" + v] }
        if let parent = parentOfKeyword[v] { return ["STATEMENT_CATEGORY_" + parent, "KEYWORD_" + v] }
        return nil
    }
}
