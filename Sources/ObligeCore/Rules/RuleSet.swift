/// A checked, immutable rule library, indexed for evaluation.
public struct RuleSet: Sendable {
    /// All rule versions, ordered by id then effective date.
    public let rules: [Rule]
    public let vocabulary: Vocabulary
    public let calendars: [String: HolidayCalendar]
    /// The library folder the set came from.
    public let root: String
    /// Indices into `rules` by trigger event type, so an event only meets rules it can trigger.
    public let byTrigger: [String: [Int]]
    /// Every event type some rule reads; other events are counted but not kept.
    public let relevantTypes: Set<String>
    /// Whether any rule is a dated duty (a report or assessment due on dates, not on a trigger).
    public let hasDatedDuties: Bool
    /// The event types dated duties read: gathered across cases for `ScheduleEvaluator`.
    public let datedTypes: Set<String>
    /// The worked examples of the rule files, in file order.
    public let examples: [RuleExample]
    /// The penalty provisions the rules name (`penalties/`), for exposure.
    public let penalties: PenaltyBook

    public init(
        rules: [Rule], vocabulary: Vocabulary, calendars: [String: HolidayCalendar], root: String, examples: [RuleExample] = [],
        penalties: PenaltyBook = PenaltyBook()
    ) {
        let sorted = rules.sorted { ($0.id, $0.effective.from) < ($1.id, $1.effective.from) }
        self.rules = sorted
        self.vocabulary = vocabulary
        self.calendars = calendars
        self.root = root
        self.examples = examples
        self.penalties = penalties
        var index: [String: [Int]] = [:]
        var types = Set<String>()
        for (i, rule) in sorted.enumerated() {
            if let trigger = rule.trigger { index[trigger.type, default: []].append(i) }
            types.formUnion(rule.eventTypes)
        }
        self.byTrigger = index
        self.relevantTypes = types
        let dated = sorted.filter { $0.schedule != nil }
        self.hasDatedDuties = !dated.isEmpty
        self.datedTypes = Set(dated.flatMap(\.eventTypes))
    }

    /// The same library restricted to the versions of one rule (its examples included).
    public func only(rule id: String) -> RuleSet {
        RuleSet(
            rules: rules.filter { $0.id == id }, vocabulary: vocabulary, calendars: calendars, root: root,
            examples: examples.filter { $0.rule == id }, penalties: penalties)
    }

    /// The rule id nearest a mistyped one, for "did you mean" hints; nil when none is close.
    public func closestID(to id: String) -> String? { closest(id, in: ids) }

    /// Distinct rule ids, in order.
    public var ids: [String] {
        var seen = Set<String>()
        return rules.compactMap { seen.insert($0.id).inserted ? $0.id : nil }
    }

    /// The versions in force on a date (read in each rule's zone by the caller).
    public func inForce(on date: CivilDate) -> [Rule] { rules.filter { $0.effective.contains(date) } }

    /// Platform targets the rules ask for (rule id → target names), to check a profile against.
    public var targetsUsed: [(rule: String, target: String)] {
        rules.flatMap { rule -> [(String, String)] in
            func names(_ spec: DeadlineSpec) -> [String] {
                switch spec {
                case .target(let n): return [n]
                case .attribute(_, _, let otherwise?): return names(otherwise)
                default: return []
                }
            }
            return names(rule.deadline).map { (rule.id, $0) }
        }
    }
}
