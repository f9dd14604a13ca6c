/// When a case starts and what it is about.
struct CaseStart {
    var at: Int64
    var kind: CaseKind
    /// For a dated duty: which one (`CaseMix.Duty`), and its period's last day (0: none).
    var duty: UInt8 = 0
    var periodEnd: Int32 = 0
    /// Started just before a daylight-saving change: every event is written in the case's own
    /// zone, so the log shows both offsets.
    var acrossChange = false
}

/// The cases of a generated log: when they start and which events each brings, with its delays.
///
/// Most cases arrive as a Poisson process over the period, of kinds drawn from fixed weights (a
/// large platform: notices and own-initiative moderation dominate; orders, detections and
/// summons are rare). Two kinds of case come on fixed dates instead: dated duties (reports,
/// assessments, audits) a few times a year, and cases started in the hours before each
/// daylight-saving change of Berlin, New York and Sydney, so that their clocks run across it.
///
/// Fulfilment delays follow the platform's targets in the demo profile (Fixtures/demo/platform.yaml)
/// or the law's own periods: `fulfilment(limit:median:)` puts most well inside the limit
/// (log-normal), a few per cent after it (a Pareto tail) and about one in a hundred never.
struct CaseMix {
    let windowStart: Int64
    let windowEnd: Int64
    /// UTC (unused: offset 0), Europe/Berlin (CET/CEST), America/New_York, Australia/Sydney,
    /// Europe/London (also Dublin's offsets).
    let zones: [ZoneOffsets]
    private var rng: Xoshiro256
    private var fixed: [CaseStart] = []
    private var fixedIndex = 0
    private var nextArrival: Double
    private var meanGap: Double = 1
    private var caseNo: UInt64 = 0
    /// The case being made runs across a daylight-saving change (`CaseStart.acrossChange`).
    private var keepHome = false

    static let minute: Int64 = 60
    static let hour: Int64 = 3600
    static let day: Int64 = 86_400

    /// NetzDG §3 complaints stop with its repeal (in force until 13 May 2024, Berlin).
    static let netzdgEnd = Int64(CivilDate(year: 2024, month: 5, day: 14).daysSinceEpoch) * day - 2 * hour
    /// 18 U.S.C. 2258A(h) preservation: one year for reports from 7 May 2024 (New York), before 90 days.
    static let oneYearPreservation = Int64(CivilDate(year: 2024, month: 5, day: 7).daysSinceEpoch) * day + 4 * hour
    /// LCEN art. 6-1: clarification requests suspend the CSAM clock from 23 May 2024 (Paris).
    static let lcenSuspension = Int64(CivilDate(year: 2024, month: 5, day: 23).daysSinceEpoch) * day - 2 * hour

    /// Weights of the Poisson cases, per 91,200.
    static let weights: [(CaseKind, Int)] = [
        (.userNotice, 52_000), (.trustedNotice, 5_000), (.moderation, 20_000), (.netzdg, 7_000), (.csam, 3_000), (.crime, 600),
        (.threat, 150), (.tcoOrder, 500), (.actOrder, 400), (.infoOrder, 400), (.lcen, 300), (.esafety, 400), (.summons, 150),
        (.intimateImage, 300), (.tdbStatement, 1_000),
    ]
    static let totalWeight = weights.reduce(0) { $0 + $1.1 }

    init(options: LoadOptions) throws(ObligeError) {
        windowStart = Int64(options.from.daysSinceEpoch) * Self.day
        windowEnd = windowStart + Int64(options.days) * Self.day
        // Events trail their case's start by at most about 400 days; the tables reach beyond.
        let lo = windowStart - 2 * Self.day, hi = windowEnd + 800 * Self.day
        var zones: [ZoneOffsets] = []
        for id in ["UTC", "Europe/Berlin", "America/New_York", "Australia/Sydney", "Europe/London"] {
            guard let clock = ZoneClock(identifier: id) else {
                throw ObligeError(.io, "the system's time-zone data has no zone '\(id)'", fix: "install the time-zone data (the tzdata package)")
            }
            zones.append(ZoneOffsets(clock, from: lo, through: hi))
        }
        self.zones = zones
        rng = Xoshiro256(seed: options.seed, stream: "generate.cases")
        nextArrival = Double(windowStart)

        // Events per Poisson case, measured on a sample from a stream of its own, sets the rate
        // that spreads the requested events over the period.
        let cases = rng
        rng = Xoshiro256(seed: options.seed, stream: "generate.estimate")
        var sample: [PendingEvent] = []
        var events = 0
        let samples = 16_384
        for _ in 0..<samples {
            sample.removeAll(keepingCapacity: true)
            let at = windowStart + Int64(rng.below(Int(windowEnd - windowStart)))
            generate(CaseStart(at: at, kind: pickKind(at)), into: &sample)
            events += sample.count
        }
        rng = cases
        caseNo = 0
        let perCase = max(1, Double(events) / Double(samples))
        let wanted = max(1, Double(options.events) / perCase)
        meanGap = Double(windowEnd - windowStart) / wanted
        fixed = fixedStarts(seed: options.seed, casesWanted: wanted)
        nextArrival = Double(windowStart) + rng.exponential(mean: meanGap)
    }

    /// The next case to start: the earlier of the next fixed one and the next arrival.
    mutating func nextStart() -> CaseStart {
        let arrival = Int64(nextArrival)
        if fixedIndex < fixed.count, fixed[fixedIndex].at < arrival {
            fixedIndex += 1
            return fixed[fixedIndex - 1]
        }
        nextArrival += rng.exponential(mean: meanGap)
        return CaseStart(at: arrival, kind: pickKind(arrival))
    }

    private mutating func pickKind(_ at: Int64) -> CaseKind {
        var r = rng.below(Self.totalWeight)
        for (kind, weight) in Self.weights {
            if r < weight { return kind == .netzdg && at >= Self.netzdgEnd ? .userNotice : kind }
            r -= weight
        }
        return .userNotice
    }

    // MARK: Fixed starts

    /// Dated duties: (month, day, duty). Each is published a few days before its nominal date,
    /// now and then weeks after it.
    enum Duty: UInt8 {
        case activeRecipients, transparencyH2, transparencyH1, tcoTransparency, systemicRisk, audit
        case osaIllegal, osaChildrenAccess, osaChildrenRisk, bose
    }

    static let duties: [(month: Int, day: Int, duty: Duty)] = [
        (1, 15, .bose), (2, 10, .activeRecipients), (2, 20, .transparencyH2), (2, 24, .tcoTransparency), (3, 10, .osaIllegal),
        (4, 10, .osaChildrenAccess), (7, 15, .bose), (7, 20, .osaChildrenRisk), (8, 10, .activeRecipients), (8, 14, .systemicRisk),
        (8, 18, .audit), (8, 20, .transparencyH1),
    ]

    private func fixedStarts(seed: UInt64, casesWanted: Double) -> [CaseStart] {
        var r = Xoshiro256(seed: seed, stream: "generate.fixed")
        var starts: [CaseStart] = []
        let firstYear = CivilDate(daysSinceEpoch: Int(windowStart / Self.day)).year
        let lastYear = CivilDate(daysSinceEpoch: Int(windowEnd / Self.day)).year
        for year in firstYear...lastYear {
            for (month, day, duty) in Self.duties {
                let nominal = CivilDate(year: year, month: month, day: day).daysSinceEpoch
                let late = r.chance(0.08) ? r.int(in: 3...25) : 0
                let date = nominal - r.below(10) + late
                let table = duty == .bose ? 3 : 1
                let at = zones[table].instant(days: date, hour: r.int(in: 9...16), minute: r.below(60))
                guard at >= windowStart, at < windowEnd else { continue }
                var periodEnd: Int32 = 0
                switch duty {
                case .transparencyH2, .tcoTransparency: periodEnd = Int32(CivilDate(year: year - 1, month: 12, day: 31).daysSinceEpoch)
                case .transparencyH1: periodEnd = Int32(CivilDate(year: year, month: 6, day: 30).daysSinceEpoch)
                case .bose: periodEnd = Int32(date - 1)
                default: break
                }
                starts.append(CaseStart(at: at, kind: .duty, duty: duty.rawValue, periodEnd: periodEnd))
            }
        }
        // Cases whose clocks run across a daylight-saving change: elapsed deadlines (TCO's hour,
        // NetzDG's and eSafety's 24 hours, the CyberTipline target) started in the hours before it.
        // How long before the change each kind starts: about as long as its first act takes.
        let perChange = max(6, Int(casesWanted / 4000))
        let lead: [CaseKind: Int64] = [.tcoOrder: 2 * Self.hour, .netzdg: 6 * Self.hour, .userNotice: 12 * Self.hour, .csam: 4 * Self.hour, .esafety: 8 * Self.hour]
        for (table, kinds) in [(1, [CaseKind.tcoOrder, .netzdg, .userNotice]), (2, [.csam]), (3, [.esafety])] {
            for change in zones[table].transitions where change >= windowStart && change < windowEnd {
                for k in 0..<perChange {
                    var kind = kinds[k % kinds.count]
                    if kind == .netzdg && change >= Self.netzdgEnd { kind = .userNotice }
                    let at = change - Int64(r.int(in: 1...Int(lead[kind] ?? Self.hour)))
                    if at >= windowStart { starts.append(CaseStart(at: at, kind: kind, acrossChange: true)) }
                }
            }
        }
        // Stable: equal instants keep the order they were made in.
        return starts.enumerated().sorted { ($0.element.at, $0.offset) < ($1.element.at, $1.offset) }.map(\.element)
    }

    // MARK: Delays

    /// The time limit of a 24-hour removal duty an authority may extend: with probability
    /// `chance`, an extension granted between one hour and `within` after the start, to the end of
    /// a day `days` ahead in the zone of `table` (its date is written in the event).
    private mutating func extensibleLimit(
        _ start: CaseStart, table: Int, chance: Double, within: Int64, days: ClosedRange<Int>, into out: inout [PendingEvent]
    ) -> Int64 {
        guard rng.chance(chance) else { return 24 * Self.hour }
        var ext = event(.extensionGranted, start.at + Self.hour + Int64(rng.below(Int(within))), start, UInt8(table))
        let until = zones[table].days(of: start.at) + rng.int(in: days)
        ext.d = Int64(until)
        out.append(ext)
        return zones[table].endOfDay(until) - start.at
    }

    /// How long a fulfilment takes, against the limit it must meet (seconds): most well inside it
    /// (log-normal around `median`), 3 % late (a Pareto tail past the limit, up to 60 days), 1 %
    /// never (nil).
    private mutating func fulfilment(limit: Int64, median: Int64) -> Int64? {
        let u = rng.nextUnit()
        if u < 0.01 { return nil }
        if u < 0.04 { return limit + late(limit) }
        for _ in 0..<4 {
            let d = Int64(lognormal(median: Double(median), sigma: 1.1))
            if d < limit { return max(1, d) }
        }
        return 1 + Int64(rng.below(Int(max(1, limit - 1))))
    }

    /// How far past a limit a late act comes: a long tail, from a second to 60 days.
    private mutating func late(_ limit: Int64) -> Int64 {
        let v = 1 - rng.nextUnit()
        let over = Double(limit) * 0.05 * (PortableMath.exp(-PortableMath.log(v) / 1.2) - 1) + 1  // v^(-1/1.2)
        return Int64(min(over, Double(60 * Self.day)))
    }

    private mutating func lognormal(median: Double, sigma: Double) -> Double {
        median * PortableMath.exp(sigma * rng.normal())
    }

    /// The zone an event is written in: mostly the case's own, else any of the four.
    private mutating func zone(_ home: UInt8) -> UInt8 { keepHome || rng.chance(0.75) ? home : UInt8(rng.below(4)) }

    private mutating func event(_ type: GeneratedType, _ at: Int64, _ start: CaseStart, _ home: UInt8) -> PendingEvent {
        PendingEvent(type, at: at, start.kind, zone: zone(home))
    }

    /// A category, the commonest most often.
    private mutating func category() -> UInt8 { UInt8(min(rng.below(Texts.categories.count), rng.below(Texts.categories.count))) }

    private mutating func memberState() -> UInt8 { UInt8(min(rng.below(Texts.memberStates.count), rng.below(Texts.memberStates.count))) }

    // MARK: Cases

    /// Appends a case's events (at or after its start, in any order) to `out`.
    mutating func generate(_ start: CaseStart, into out: inout [PendingEvent]) {
        caseNo += 1
        keepHome = start.acrossChange
        let first = out.count
        switch start.kind {
        case .userNotice, .trustedNotice: notice(start, trusted: start.kind == .trustedNotice, &out)
        case .moderation: moderation(start, &out)
        case .netzdg: netzdg(start, &out)
        case .csam: csam(start, &out)
        case .crime, .threat: threat(start, &out)
        case .tcoOrder: tcoOrder(start, &out)
        case .actOrder, .infoOrder: authorityOrder(start, &out)
        case .lcen: lcen(start, &out)
        case .esafety: esafety(start, &out)
        case .summons: summons(start, &out)
        case .intimateImage: intimateImage(start, &out)
        case .tdbStatement: statement(start, &out)
        case .duty: duty(start, &out)
        }
        for i in first..<out.count { out[i].caseNo = caseNo }
    }

    /// DSA Art 16 notice: acknowledged (contact given), decided, and when acted on, the
    /// restriction with its statement of reasons (Art 17, 24(5)) and perhaps a complaint (Art 20).
    private mutating func notice(_ start: CaseStart, trusted: Bool, _ out: inout [PendingEvent]) {
        var n = event(.noticeReceived, start.at, start, 1)
        n.a = category()
        n.b = memberState()
        let u = rng.nextUnit()
        let contact: UInt8 = trusted || u < 0.85 ? 1 : u < 0.95 ? 2 : 0
        n.c = (trusted ? 1 : 0) | contact << 1
        out.append(n)
        if contact == 1, let d = fulfilment(limit: 24 * Self.hour, median: 10 * Self.minute) {
            out.append(event(.noticeAcknowledged, start.at + d, start, 1))
        }
        guard let d = fulfilment(limit: (trusted ? 24 : 72) * Self.hour, median: (trusted ? 3 : 9) * Self.hour) else { return }
        let action = rng.chance(trusted ? 0.8 : 0.55)
        var decided = event(.noticeDecided, start.at + d, start, 1)
        decided.a = action ? 1 : 0
        out.append(decided)
        if action {
            restriction(start, at: start.at + d + Int64(rng.int(in: 1...30)), basis: 0, category: n.a, state: n.b, automated: false, &out)
        }
    }

    /// Own-initiative moderation, mostly detected automatically (instants to the millisecond).
    private mutating func moderation(_ start: CaseStart, _ out: inout [PendingEvent]) {
        restriction(start, at: start.at + Int64(rng.below(300)), basis: 1, category: category(), state: memberState(), automated: rng.chance(0.85), &out)
    }

    /// A restriction (DSA Art 17(1)) with the act it is (removal, disabling), its statement of
    /// reasons (at the latest when imposed, Art 17(1)), its submission to the Transparency
    /// Database (Art 24(5)), and sometimes a complaint against it (Art 20).
    private mutating func restriction(
        _ start: CaseStart, at t: Int64, basis: UInt8, category: UInt8, state: UInt8, automated: Bool, _ out: inout [PendingEvent]
    ) {
        let home: UInt8 = basis == 1 ? 0 : 1
        let u = rng.nextUnit()
        let measure: UInt8 = u < 0.6 ? 0 : u < 0.85 ? 1 : u < 0.93 ? 2 : u < 0.97 ? 3 : 4
        if measure == 0 {
            out.append(event(.contentRemoved, t, start, home))
        } else if measure == 1 {
            var disabled = event(.contentDisabled, t, start, home)
            disabled.a = state + 1
            if rng.chance(0.3) { disabled.b = UInt8(rng.below(Texts.memberStates.count)) + 1 }
            if disabled.b == disabled.a { disabled.b = 0 }
            out.append(disabled)
        }
        let v = rng.nextUnit()
        let contact: UInt8 = v < 0.92 ? 0 : v < 0.96 ? 1 : 2
        let deceptive = basis != 2 && rng.chance(0.005)
        var r = event(.restrictionImposed, t, start, home)
        r.a = measure
        r.b = category
        r.c = (automated ? 3 : (basis == 1 ? 2 : 0)) | basis << 2 | contact << 4 | (deceptive ? 64 : 0) | (rng.chance(0.25) ? 128 : 0)
        if automated { r.millis = Int16(rng.int(in: 1...999)) }
        out.append(r)
        // No statement of reasons is owed for an Art 9 order (Art 17(5)), a recipient without
        // known contact details or deceptive high-volume commercial content (Art 17(2)).
        guard basis != 2, contact != 2, !deceptive else { return }
        let w = rng.nextUnit()
        let sent: Int64
        if w < 0.96 {
            sent = max(start.at, t - Int64(rng.below(61)))
        } else if w < 0.985 {
            sent = t + late(Self.hour)
        } else {
            return
        }
        out.append(event(.sorSent, sent, start, home))
        if let d = fulfilment(limit: 24 * Self.hour, median: 2 * Self.hour) { out.append(event(.sorSubmitted, sent + d, start, 0)) }
        if rng.chance(0.06) { complaint(start, after: sent, &out) }
    }

    /// A complaint against a decision (DSA Art 20): decided within the platform's target, or
    /// refused; refused as out of time mostly after the six months (Art 20(1)), a few before.
    private mutating func complaint(_ start: CaseStart, after sent: Int64, _ out: inout [PendingEvent]) {
        if rng.chance(0.03) {
            let outOfTime = rng.chance(0.6)
            let at: Int64
            if outOfTime {
                at = sent + (rng.chance(0.8) ? 184 * Self.day + Int64(rng.below(Int(40 * Self.day))) : 20 * Self.day + Int64(rng.below(Int(150 * Self.day))))
            } else {
                at = sent + Int64(rng.exponential(mean: Double(5 * Self.day)))
            }
            var c = event(.complaintReceived, at, start, 1)
            c.a = 1
            out.append(c)
            var refused = event(.complaintRefused, at + 60 + Int64(rng.below(Int(2 * Self.day))), start, 1)
            refused.a = outOfTime ? 0 : 1
            refused.b = UInt8(rng.below(3))
            out.append(refused)
            return
        }
        let at = sent + min(150 * Self.day, Int64(rng.exponential(mean: Double(4 * Self.day))))
        var c = event(.complaintReceived, at, start, 1)
        c.a = 1
        out.append(c)
        guard let d = fulfilment(limit: 168 * Self.hour, median: 30 * Self.hour) else { return }
        let u = rng.nextUnit()
        var decided = event(.complaintDecided, at + d, start, 1)
        decided.a = u < 0.7 ? 0 : u < 0.9 ? 1 : 2
        out.append(decided)
        if decided.a == 2 { out.append(event(.contentRestored, at + d + Int64(rng.below(3600)), start, 1)) }
    }

    /// NetzDG §3 complaint: manifestly unlawful content within 24 hours (perhaps extended),
    /// other unlawful content within seven days; lawful content owes nothing.
    private mutating func netzdg(_ start: CaseStart, _ out: inout [PendingEvent]) {
        let manifest = rng.chance(0.3)
        let lawful = !manifest && rng.chance(0.2)
        var c = event(.complaintReceived, start.at, start, 1)
        c.a = 0
        c.b = manifest ? 1 : rng.chance(0.5) ? 2 : 0
        c.c = lawful ? 2 : 0
        out.append(c)
        if manifest {
            let limit = extensibleLimit(start, table: 1, chance: 0.05, within: 6 * Self.hour, days: 2...4, into: &out)
            if let d = fulfilment(limit: limit, median: 4 * Self.hour) { out.append(event(.contentRemoved, start.at + d, start, 1)) }
        } else if lawful {
            if let d = fulfilment(limit: 7 * Self.day, median: 2 * Self.day) { out.append(event(.complaintDecided, start.at + d, start, 1)) }
        } else if let d = fulfilment(limit: 7 * Self.day, median: 2 * Self.day) {
            if rng.chance(0.7) {
                out.append(event(.contentRemoved, start.at + d, start, 1))
            } else {
                var disabled = event(.contentDisabled, start.at + d, start, 1)
                disabled.a = 1  // DE
                out.append(disabled)
            }
        }
    }

    /// CSAM detected (18 U.S.C. 2258A): reported to NCMEC's CyberTipline, and the report's
    /// contents preserved (90 days, one year from 7 May 2024), the end of which is sometimes logged.
    private mutating func csam(_ start: CaseStart, _ out: inout [PendingEvent]) {
        var detected = event(.csamDetected, start.at, start, 2)
        detected.millis = Int16(rng.int(in: 1...999))
        out.append(detected)
        out.append(event(.contentRemoved, start.at + Int64(rng.int(in: 1...120)), start, 2))
        guard let d = fulfilment(limit: 24 * Self.hour, median: 2 * Self.hour) else { return }
        let reported = start.at + d
        var report = event(.cybertiplineReported, reported, start, 2)
        report.d = Int64(caseNo)
        out.append(report)
        guard rng.chance(0.4) else { return }
        let hold = (reported >= Self.oneYearPreservation ? 366 : 91) * Self.day
        let end = rng.chance(0.03) ? reported + 20 * Self.day + Int64(rng.below(Int(hold - 25 * Self.day))) : reported + hold + Int64(rng.below(Int(30 * Self.day)))
        out.append(event(.preservationEnded, end, start, 2))
    }

    /// A threat to life or safety (DSA Art 18), terrorist content with an imminent threat (TCO
    /// Art 14(5)) for `.threat`: law enforcement informed within the hour.
    private mutating func threat(_ start: CaseStart, _ out: inout [PendingEvent]) {
        let state = memberState()
        if start.kind == .threat {
            var t = event(.imminentThreatDetected, start.at, start, 1)
            t.a = state
            out.append(t)
        }
        var s = event(.crimeSuspicionDetected, start.at, start, 1)
        s.a = state
        out.append(s)
        if let d = fulfilment(limit: Self.hour, median: 10 * Self.minute) {
            var informed = event(.lawEnforcementInformed, start.at + d, start, 1)
            informed.a = state
            out.append(informed)
        }
    }

    /// A TCO removal order: removal within the hour (Art 3(3)), the clock stopped by a
    /// clarification request and restarted when clarified (Art 3(7)-(8)), the authority informed
    /// (Art 3(6)), the content preserved six months (Art 6), sometimes a scrutiny decision (Art 4).
    private mutating func tcoOrder(_ start: CaseStart, _ out: inout [PendingEvent]) {
        let authority = rng.below(Texts.orderAuthorities.count)
        var order = event(.orderReceived, start.at, start, 1)
        order.a = 0
        order.b = UInt8(authority)
        out.append(order)
        var clock = start.at
        if rng.chance(0.1) {
            let tooLate = rng.chance(0.1)
            var request = event(.orderClarificationRequested, start.at + (tooLate ? 61 * Self.minute + Int64(rng.below(Int(3 * Self.hour))) : 5 * Self.minute + Int64(rng.below(Int(50 * Self.minute)))), start, 1)
            request.a = UInt8(rng.below(Texts.clarificationGrounds.count))
            out.append(request)
            guard rng.chance(0.9) else { return }  // still waiting for the authority
            clock = request.at + 20 * Self.minute + min(10 * Self.day, Int64(rng.exponential(mean: Double(6 * Self.hour))))
            out.append(event(.orderClarified, clock, start, 1))
        }
        var removedAt = clock
        if let d = fulfilment(limit: Self.hour, median: 15 * Self.minute) {
            removedAt = clock + d
            if rng.chance(0.85) {
                out.append(event(.contentRemoved, removedAt, start, 1))
            } else {
                var disabled = event(.contentDisabled, removedAt, start, 1)
                disabled.a = UInt8(Texts.orderAuthorities[authority].state + 1)
                out.append(disabled)
            }
        }
        if let d = fulfilment(limit: 24 * Self.hour, median: 3 * Self.hour) {
            out.append(event(.authorityInformed, max(clock + d, removedAt + 60), start, 1))
        }
        if rng.chance(0.5) {
            let end = rng.chance(0.02) ? start.at + 10 * Self.day + Int64(rng.below(Int(150 * Self.day))) : start.at + 185 * Self.day + Int64(rng.below(Int(60 * Self.day)))
            out.append(event(.preservationEnded, end, start, 1))
        }
        if rng.chance(0.05) {
            var scrutiny = event(.scrutinyDecided, start.at + 3 * Self.day + Int64(rng.below(Int(20 * Self.day))), start, 1)
            scrutiny.a = rng.chance(0.4) ? 1 : 0
            out.append(scrutiny)
            if scrutiny.a == 1, let d = fulfilment(limit: 24 * Self.hour, median: 4 * Self.hour) {
                out.append(event(rng.chance(0.8) ? .contentRestored : .restorationDeclined, scrutiny.at + d, start, 1))
            }
        }
    }

    /// A DSA Art 9 order to act or Art 10 order to provide information: the authority informed by
    /// the date the order sets (a date in its zone, or an instant), else within the platform's
    /// target; an order to act also removes the content (a restriction owing no statement, Art 17(5)).
    private mutating func authorityOrder(_ start: CaseStart, _ out: inout [PendingEvent]) {
        let act = start.kind == .actOrder
        let index = rng.below(Texts.orderAuthorities.count)
        let authority = Texts.orderAuthorities[index]
        var order = event(.orderReceived, start.at, start, 1)
        order.a = act ? 1 : 2
        order.b = UInt8(index)
        var limit = 24 * Self.hour
        let u = rng.nextUnit()
        if u < (act ? 0.4 : 0.5) {
            let due = zones[authority.table].days(of: start.at) + (act ? rng.int(in: 2...6) : rng.int(in: 5...14))
            order.c = 1
            order.d = Int64(due)
            limit = zones[authority.table].endOfDay(due) - start.at
        } else if act && u < 0.5 {
            order.c = 2
            order.d = start.at + 48 * Self.hour
            limit = 48 * Self.hour
        }
        out.append(order)
        var removedAt = start.at
        if act, let d = fulfilment(limit: limit, median: limit / 8) {
            removedAt = start.at + d
            out.append(event(.contentRemoved, removedAt, start, 1))
            var r = event(.restrictionImposed, removedAt + 1, start, 1)
            r.b = category()
            r.c = 2 << 2
            out.append(r)
        }
        if let d = fulfilment(limit: limit, median: limit / 4) {
            out.append(event(.authorityInformed, max(start.at + d, removedAt + 60), start, 1))
        }
    }

    /// An administrative removal request under LCEN art. 6-1 (France): removal within 24 hours;
    /// for CSAM from 23 May 2024, a clarification request stops the clock.
    private mutating func lcen(_ start: CaseStart, _ out: inout [PendingEvent]) {
        let csam = !rng.chance(0.6)
        var request = event(.lcenRequestReceived, start.at, start, 1)
        request.a = csam ? 1 : 0
        out.append(request)
        var clock = start.at
        if csam && start.at >= Self.lcenSuspension && rng.chance(0.05) {
            var asked = event(.orderClarificationRequested, start.at + Int64(rng.int(in: 600...7200)), start, 1)
            asked.a = 1
            out.append(asked)
            clock = asked.at + Int64(rng.exponential(mean: Double(8 * Self.hour))) + 60
            out.append(event(.orderClarified, clock, start, 1))
        }
        if let d = fulfilment(limit: 24 * Self.hour, median: 3 * Self.hour) { out.append(event(.contentRemoved, clock + d, start, 1)) }
    }

    /// An eSafety removal notice (Australia, Online Safety Act 2021): 24 hours, or longer when the
    /// Commissioner allows.
    private mutating func esafety(_ start: CaseStart, _ out: inout [PendingEvent]) {
        var notice = event(.removalNoticeReceived, start.at, start, 3)
        notice.a = UInt8(rng.below(Texts.sections.count))
        out.append(notice)
        let limit = extensibleLimit(start, table: 3, chance: 0.08, within: 12 * Self.hour, days: 3...7, into: &out)
        if let d = fulfilment(limit: limit, median: 5 * Self.hour) {
            out.append(event(rng.chance(0.8) ? .contentRemoved : .contentDisabled, start.at + d, start, 3))
        }
    }

    /// An authority's summons: answered by the date it sets (perhaps extended), and a hearing
    /// attended on its day (perhaps moved to a later one).
    private mutating func summons(_ start: CaseStart, _ out: inout [PendingEvent]) {
        let index = rng.below(Texts.summonsAuthorities.count)
        let authority = Texts.summonsAuthorities[index]
        let table = authority.table
        let home: UInt8 = table == 4 ? 0 : UInt8(table)
        let respond = zones[table].days(of: start.at) + rng.int(in: 10...20)
        let hearing = rng.chance(0.6)
        let gap = rng.int(in: 7...46)
        var s = event(.summonsReceived, start.at, start, home)
        s.b = UInt8(index)
        s.c = hearing ? 1 : 0
        s.d = Int64(respond)
        s.a = UInt8(gap)
        out.append(s)
        var limit = zones[table].endOfDay(respond) - start.at
        if rng.chance(0.05) {
            // An extension's date is read in the rule's zone (Brussels).
            var ext = event(.extensionGranted, start.at + 2 * Self.day + Int64(rng.below(Int(5 * Self.day))), start, home)
            ext.d = Int64(respond + 7)
            out.append(ext)
            limit = zones[1].endOfDay(respond + 7) - start.at
        }
        if let d = fulfilment(limit: limit, median: limit / 3) { out.append(event(.summonsAnswered, start.at + d, start, home)) }
        guard hearing else { return }
        var day = respond + gap
        var appointment = zones[table].endOfDay(day)
        if rng.chance(0.1) {
            day += rng.int(in: 7...21)
            var moved = event(.hearingRescheduled, start.at + 3 * Self.day + Int64(rng.below(Int(5 * Self.day))), start, home)
            appointment = zones[table].instant(days: day, hour: 10)
            moved.d = appointment
            moved.e = Int32(zones[table].offset(at: appointment))
            out.append(moved)
        }
        let u = rng.nextUnit()
        if u < 0.02 { return }
        let attended = u < 0.03 ? appointment + Self.hour + Int64(rng.below(Int(Self.day))) : zones[table].instant(days: day, hour: 9, minute: rng.below(31))
        out.append(event(.hearingAttended, attended, start, home))
    }

    /// An intimate image content report (UK OSA s 20A, from 29 June 2026): taken down within
    /// 48 hours, or declined.
    private mutating func intimateImage(_ start: CaseStart, _ out: inout [PendingEvent]) {
        var report = event(.intimateImageReportReceived, start.at, start, 0)
        let u = rng.nextUnit()
        report.a = u < 0.85 ? 1 : u < 0.95 ? 2 : 0
        out.append(report)
        if rng.chance(0.15) {
            if let d = fulfilment(limit: 48 * Self.hour, median: 12 * Self.hour) {
                var declined = event(.intimateImageReportDeclined, start.at + d, start, 0)
                declined.a = UInt8(rng.below(Texts.declineGrounds.count))
                out.append(declined)
            }
        } else if let d = fulfilment(limit: 48 * Self.hour, median: 6 * Self.hour) {
            out.append(event(.contentRemoved, start.at + d, start, 0))
        }
    }

    /// A statement as read back from a Transparency Database dump (DSA Art 24(5)): the decision's
    /// day (its start in UTC, as dumps give it) and the database's `created_at`.
    private mutating func statement(_ start: CaseStart, _ out: inout [PendingEvent]) {
        let applied = (start.at + Self.day - 1) / Self.day * Self.day
        var a = PendingEvent(.sorDecisionApplied, at: applied, start.kind, zone: 0)
        a.a = UInt8(rng.below(Texts.statementCategories.count))
        a.b = UInt8(rng.below(Texts.sourceTypes.count))
        out.append(a)
        if let d = fulfilment(limit: 24 * Self.hour, median: 8 * Self.hour) {
            var s = a
            s.type = .sorSubmittedStatement
            s.at = applied + d
            out.append(s)
        }
    }

    /// A dated duty: a report published, an assessment completed, an audit received (and its
    /// implementation report and publication), an eSafety BOSE report required and given.
    private mutating func duty(_ start: CaseStart, _ out: inout [PendingEvent]) {
        let duty = Duty(rawValue: start.duty) ?? .activeRecipients
        func published(_ report: Int, _ at: Int64, periodEnd: Int32 = 0) -> PendingEvent {
            var e = PendingEvent(.reportPublished, at: at, .duty, zone: 1)
            e.a = UInt8(report)
            e.e = periodEnd
            return e
        }
        func assessed(_ assessment: Int) -> PendingEvent {
            var e = PendingEvent(.riskAssessmentCompleted, at: start.at, .duty, zone: assessment == 0 ? 1 : 0)
            e.a = UInt8(assessment)
            return e
        }
        switch duty {
        case .activeRecipients: out.append(published(1, start.at))
        case .transparencyH2, .transparencyH1: out.append(published(0, start.at, periodEnd: start.periodEnd))
        case .tcoTransparency: out.append(published(5, start.at, periodEnd: start.periodEnd))
        case .systemicRisk: out.append(assessed(0))
        case .osaIllegal: out.append(assessed(1))
        case .osaChildrenAccess: out.append(assessed(2))
        case .osaChildrenRisk: out.append(assessed(3))
        case .audit:
            var audit = PendingEvent(.auditCompleted, at: start.at, .duty, zone: 1)
            let u = rng.nextUnit()
            audit.a = u < 0.25 ? 0 : u < 0.95 ? 1 : 2
            out.append(audit)
            if audit.a != 0, let d = fulfilment(limit: 30 * Self.day, median: 18 * Self.day) {
                out.append(PendingEvent(.auditImplementationAdopted, at: start.at + d, .duty, zone: 1))
            }
            if let d = fulfilment(limit: 90 * Self.day, median: 50 * Self.day) { out.append(published(3, start.at + d)) }
        case .bose:
            var required = PendingEvent(.boseReportRequired, at: start.at, .duty, zone: 3)
            let due = zones[3].days(of: start.at) + 28
            required.d = Int64(due)
            required.e = start.periodEnd
            out.append(required)
            let limit = zones[3].endOfDay(due) - start.at
            if let d = fulfilment(limit: limit, median: limit * 2 / 3) { out.append(PendingEvent(.boseReportGiven, at: start.at + d, .duty, zone: 3)) }
        }
    }
}
