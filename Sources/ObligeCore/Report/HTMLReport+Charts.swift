import Foundation

/// The report's inline SVG charts. Each is an image with a title and a description in words
/// (`role="img"`, `aria-labelledby`), every mark carries a `<title>` shown on hover, and every
/// chart has a table or list beside it with the same figures, so nothing depends on seeing it.
extension HTMLReport {
    // MARK: - Timeline of one breach

    /// One point of a breach's timeline.
    struct Mark {
        enum Shape { case start, note, restart, deadline, fulfilment, auditInstant }
        var at: Instant
        var shape: Shape
        /// Filled or open (a clock note that came too late to count, the audit instant).
        var applied = true
        /// What happened, in a few words: `trigger order.received e0003`.
        var what: String
        /// A longer explanation for the hover title and the description.
        var detail: String
    }

    static func marks(_ f: Finding, asOf: Instant) -> [Mark] {
        var marks: [Mark] = []
        if let t = f.trigger {
            let check = f.rule.kind == .check
            marks.append(Mark(at: t.at, shape: .start, what: "\(check ? "breach" : "trigger") \(t.type) \(t.id)", detail: check ? "a check: the record itself is the breach, no clock" : "the clock starts"))
        } else if let i = f.instance {
            let what = i.periodEnd.map { _ in "period \(i.label) of \(i.service) ended" } ?? "occurrence \(i.label) of \(i.service)"
            marks.append(Mark(at: f.clockStart, shape: .start, what: what, detail: "the clock runs"))
        }
        for n in f.clockNotes {
            marks.append(Mark(at: n.event.at, shape: .note, applied: n.applied, what: "\(n.event.type) \(n.event.id)", detail: n.effect))
        }
        if let t = f.trigger, f.clockStart != t.at, !f.clockNotes.contains(where: { $0.applied && $0.event.at == f.clockStart }) {
            marks.append(Mark(at: f.clockStart, shape: .restart, what: "clock starts again", detail: "the deadline is counted from here"))
        }
        if let d = f.deadline {
            let hold = f.rule.kind == .hold
            marks.append(Mark(at: d, shape: .deadline, what: hold ? "hold period ends" : "deadline", detail: f.rule.deadlineSummary))
        }
        if let fu = f.fulfilment {
            let what = f.rule.kind == .hold ? "hold ended by \(fu.type) \(fu.id)" : "fulfilled by \(fu.type) \(fu.id)"
            marks.append(Mark(at: fu.at, shape: .fulfilment, what: what, detail: BreachText.standing(f)))
        } else if f.status == .overdue {
            marks.append(Mark(at: asOf, shape: .auditInstant, applied: false, what: "audit instant: not done", detail: BreachText.standing(f)))
        }
        return marks.enumerated().sorted { ($0.element.at, $0.offset) < ($1.element.at, $1.offset) }.map(\.element)
    }

    /// The breach's timeline: the time allowed (clock start to deadline) as a grey bar, the
    /// lateness (or how early a hold ended) as a hatched bar, and every event as a mark with its
    /// local time in the rule's zone, the offset in force at that instant included.
    static func timelineSVG(_ f: Finding, asOf: Instant) -> String {
        let fp = f.fingerprint
        let zone = f.rule.zone
        let marks = marks(f, asOf: asOf)
        let width = 800.0, left = 14.0, right = 786.0
        let instants = marks.map(\.at) + [f.clockStart]
        let lo = instants.min() ?? f.clockStart, hi = instants.max() ?? f.clockStart
        let span = max(Double(hi.nanoseconds(since: lo)), 3_600e9)
        let pad = span * 0.03
        func x(_ t: Instant) -> Double { left + (Double(t.nanoseconds(since: lo)) + pad) / (span + 2 * pad) * (right - left) }

        // Labels in rows under the axis, each row holding labels that do not overlap.
        let charWidth = 6.3, rowHeight = 30.0, firstRow = 96.0
        var rows: [[ClosedRange<Double>]] = []
        var placed: [(mark: Mark, x: Double, row: Int, anchorEnd: Bool)] = []
        for m in marks {
            let mx = x(m.at)
            let w = Double(max(m.what.count, zone.format(m.at).count)) * charWidth
            let anchorEnd = mx + w > right
            let extent = anchorEnd ? (mx - w)...mx : mx...(mx + w)
            let row = rows.firstIndex { $0.allSatisfy { $0.upperBound + 10 < extent.lowerBound || extent.upperBound + 10 < $0.lowerBound } } ?? rows.count
            if row == rows.count { rows.append([]) }
            rows[row].append(extent)
            placed.append((m, mx, row, anchorEnd))
        }
        let height = firstRow + Double(max(rows.count, 1)) * rowHeight

        let titleID = "tl-\(fp)-t", descID = "tl-\(fp)-d"
        var s = "<svg class=\"timeline\" role=\"img\" aria-labelledby=\"\(titleID) \(descID)\" viewBox=\"0 0 \(num(width)) \(num(height))\" width=\"\(num(width))\" height=\"\(num(height))\" xmlns=\"http://www.w3.org/2000/svg\">\n"
        s += "<title id=\"\(titleID)\">\(esc("Timeline of \(f.rule.id), \(TextReport.subject(f)): \(BreachText.standing(f))"))</title>\n"
        s += "<desc id=\"\(descID)\">\(esc(timelineDescription(f, marks: marks)))</desc>\n"
        s += "<defs><pattern id=\"hatch-\(fp)\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\" patternTransform=\"rotate(45)\">"
        s += "<rect width=\"6\" height=\"6\" fill=\"#fde7e9\"/><line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"6\" stroke=\"#8a0010\" stroke-width=\"3\"/></pattern></defs>\n"
        s += "<text x=\"\(num(left))\" y=\"14\" class=\"small\">\(esc("Local times in \(zone.identifier), with the UTC offset in force at each instant"))</text>\n"

        let barTop = 42.0, barHeight = 16.0, axisY = 70.0
        if let d = f.deadline {
            let x0 = x(f.clockStart), x1 = x(d)
            s += "<g><title>\(esc("Time allowed: from \(zone.format(f.clockStart)) to \(zone.format(d)) (\(f.rule.deadlineSummary))"))</title>"
            s += "<rect class=\"allowed\" x=\"\(num(min(x0, x1)))\" y=\"\(num(barTop))\" width=\"\(num(max(abs(x1 - x0), 1)))\" height=\"\(num(barHeight))\"/></g>\n"
            // Late or overdue: from the deadline to the fulfilment or the audit instant. A hold
            // ended early: from its end to the deadline.
            var over: (from: Instant, to: Instant)?
            switch f.status {
            case .late: over = f.fulfilment.map { (d, $0.at) }
            case .overdue: over = (d, asOf)
            case .violated: over = f.fulfilment.map { ($0.at, d) }
            default: over = nil
            }
            if let over {
                let a = x(over.from), b = x(over.to)
                let standing = BreachText.standing(f)
                s += "<g><title>\(esc("\(standing.capitalizedFirst): \(zone.format(over.from)) to \(zone.format(over.to))"))</title>"
                s += "<rect class=\"over\" fill=\"url(#hatch-\(fp))\" x=\"\(num(a))\" y=\"\(num(barTop))\" width=\"\(num(max(b - a, 2)))\" height=\"\(num(barHeight))\"/>"
                let labelEnd = a + Double(standing.count) * charWidth > right
                s += "<text x=\"\(num(labelEnd ? b : a))\" y=\"\(num(barTop - 5))\"\(labelEnd ? " text-anchor=\"end\"" : "")>\(esc(standing))</text></g>\n"
            }
        }
        s += "<line class=\"axis\" x1=\"\(num(left))\" y1=\"\(num(axisY))\" x2=\"\(num(right))\" y2=\"\(num(axisY))\"/>\n"

        for p in placed {
            let m = p.mark
            let local = zone.format(m.at)
            let labelY = firstRow + Double(p.row) * rowHeight
            s += "<g class=\"mark-\(m.shape)\"><title>\(esc("\(m.what): \(m.detail). \(local) \(zone.identifier) (\(m.at.rfc3339) UTC)"))</title>"
            s += "<line class=\"leader\" x1=\"\(num(p.x))\" y1=\"\(num(axisY))\" x2=\"\(num(p.x))\" y2=\"\(num(labelY - 10))\"/>"
            s += shape(m, x: p.x, y: axisY)
            let anchor = p.anchorEnd ? " text-anchor=\"end\"" : ""
            s += "<text x=\"\(num(p.x))\" y=\"\(num(labelY))\"\(anchor)>\(esc(m.what))</text>"
            s += "<text x=\"\(num(p.x))\" y=\"\(num(labelY + 13))\" class=\"small\"\(anchor)>\(esc(local))</text></g>\n"
        }
        s += "</svg>"
        return s
    }

    /// Shapes differ by kind, so the kinds read apart without colour.
    static func shape(_ m: Mark, x: Double, y: Double) -> String {
        let open = m.applied ? "" : " open"
        switch m.shape {
        case .start:
            return "<circle class=\"mark\" cx=\"\(num(x))\" cy=\"\(num(y))\" r=\"5\"/>"
        case .note:
            return "<path class=\"mark\(open)\" d=\"M\(num(x)) \(num(y - 6))L\(num(x + 6)) \(num(y))L\(num(x)) \(num(y + 6))L\(num(x - 6)) \(num(y))Z\"/>"
        case .restart:
            return "<path class=\"mark\" d=\"M\(num(x)) \(num(y - 7))L\(num(x + 6)) \(num(y + 5))L\(num(x - 6)) \(num(y + 5))Z\"/>"
        case .deadline:
            return "<rect class=\"deadline\" x=\"\(num(x - 1.5))\" y=\"\(num(y - 32))\" width=\"3\" height=\"40\"/>"
        case .fulfilment, .auditInstant:
            return "<rect class=\"mark\(open)\" x=\"\(num(x - 5))\" y=\"\(num(y - 5))\" width=\"10\" height=\"10\"/>"
        }
    }

    /// The timeline in one paragraph: what a sighted reader takes from the chart.
    static func timelineDescription(_ f: Finding, marks: [Mark]) -> String {
        let zone = f.rule.zone
        var parts = marks.map { "\($0.what) at \(zone.format($0.at)) (\($0.detail))" }
        if let d = f.deadline { parts.append("time allowed from \(zone.format(f.clockStart)) to \(zone.format(d))") }
        return "\(BreachText.standing(f).capitalizedFirst). Local times in \(zone.identifier): " + parts.joined(separator: "; ") + "."
    }

    // MARK: - Breaches per week

    /// A week, Monday to Sunday, named as ISO 8601 does: `2025-W13`.
    struct ISOWeek: Hashable, Comparable {
        var monday: CivilDate
        static func < (a: ISOWeek, b: ISOWeek) -> Bool { a.monday < b.monday }
        init(_ d: CivilDate) { monday = d.adding(days: 1 - d.isoWeekday) }
        init(monday: CivilDate) { self.monday = monday }
        /// The week's Thursday decides its year.
        var label: String {
            let thursday = monday.adding(days: 3)
            let week = (thursday.daysSinceEpoch - CivilDate(year: thursday.year, month: 1, day: 1).daysSinceEpoch) / 7 + 1
            return "\(thursday.year)-W\(week < 10 ? "0" : "")\(week)"
        }
        var next: ISOWeek { ISOWeek(monday: monday.adding(days: 7)) }
        var range: String { "\(monday.iso8601) to \(monday.adding(days: 6).iso8601)" }
    }

    /// Breaches counted by the ISO week of their deadline's local date in the rule's zone.
    static func weeklyCounts(_ breaches: [Finding]) -> [(week: ISOWeek, count: Int)] {
        var counts: [ISOWeek: Int] = [:]
        for f in breaches { counts[ISOWeek(f.rule.zone.date(of: f.deadline ?? f.clockStart)), default: 0] += 1 }
        guard let first = counts.keys.min(), let last = counts.keys.max() else { return [] }
        var out: [(ISOWeek, Int)] = []
        var w = first
        while w <= last {
            out.append((w, counts[w] ?? 0))
            w = w.next
        }
        return out
    }

    static func weeklySVG(_ weeks: [(week: ISOWeek, count: Int)]) -> String {
        let width = 800.0, left = 40.0, right = 790.0, top = 16.0, bottom = 200.0, height = 236.0
        let maxCount = max(weeks.map(\.count).max() ?? 0, 1)
        let step = maxCount <= 5 ? 1 : maxCount <= 10 ? 2 : maxCount <= 25 ? 5 : maxCount <= 50 ? 10 : (maxCount / 50 + 1) * 10
        let yMax = Double((maxCount + step - 1) / step * step)
        func y(_ v: Int) -> Double { bottom - Double(v) / yMax * (bottom - top) }
        let slot = (right - left) / Double(max(weeks.count, 1))
        let total = weeks.reduce(0) { $0 + $1.count }
        let busiest = weeks.filter { $0.count == maxCount }.map(\.week.label)

        var s = "<svg class=\"weekly\" role=\"img\" aria-labelledby=\"weekly-t weekly-d\" viewBox=\"0 0 \(num(width)) \(num(height))\" width=\"\(num(width))\" height=\"\(num(height))\" xmlns=\"http://www.w3.org/2000/svg\">\n"
        s += "<title id=\"weekly-t\">Breaches per ISO week of the deadline</title>\n"
        var desc = "\(total) breach\(total == 1 ? "" : "es") over \(weeks.count) week\(weeks.count == 1 ? "" : "s")"
        if let a = weeks.first, let b = weeks.last { desc += ", from \(a.week.label) to \(b.week.label)" }
        desc += "; at most \(maxCount) in one week (\(busiest.joined(separator: ", "))). The table below lists every week with a breach."
        s += "<desc id=\"weekly-d\">\(esc(desc))</desc>\n"
        var v = 0
        while Double(v) <= yMax {
            s += "<line class=\"grid\" x1=\"\(num(left))\" y1=\"\(num(y(v)))\" x2=\"\(num(right))\" y2=\"\(num(y(v)))\"/>"
            s += "<text x=\"\(num(left - 6))\" y=\"\(num(y(v) + 4))\" text-anchor=\"end\">\(v)</text>\n"
            v += step
        }
        // A label every so many weeks, so they never overlap (a label is about 52 units wide).
        let every = max(1, Int((60 / slot).rounded(.up)))
        for (i, w) in weeks.enumerated() {
            let x0 = left + Double(i) * slot
            if w.count > 0 {
                let noun = w.count == 1 ? "breach" : "breaches"
                s += "<g><title>\(esc("\(w.week.label) (\(w.week.range)): \(w.count) \(noun)"))</title>"
                s += "<rect class=\"bar\" x=\"\(num(x0 + slot * 0.1))\" y=\"\(num(y(w.count)))\" width=\"\(num(max(slot * 0.8, 1)))\" height=\"\(num(bottom - y(w.count)))\"/></g>\n"
            }
            if i % every == 0 {
                s += "<line class=\"axis\" x1=\"\(num(x0))\" y1=\"\(num(bottom))\" x2=\"\(num(x0))\" y2=\"\(num(bottom + 5))\"/>"
                s += "<text x=\"\(num(x0))\" y=\"\(num(bottom + 18))\" class=\"small\">\(w.week.label)</text>\n"
            }
        }
        s += "<line class=\"axis\" x1=\"\(num(left))\" y1=\"\(num(bottom))\" x2=\"\(num(right))\" y2=\"\(num(bottom))\"/>\n"
        s += "<text x=\"\(num(left))\" y=\"\(num(height - 2))\" class=\"small\">ISO week of the deadline (local date in each rule's zone); bar height: number of breaches</text>\n"
        s += "</svg>"
        return s
    }

    // MARK: - Lateness per rule

    /// How far off each rule's breaches were: late or overdue by (deadline rules), or ended early
    /// by (holds), in seconds; the median of an even count is the mean of the middle two,
    /// rounded up.
    struct Spread {
        var rule: String
        var kind: Rule.Kind
        var values: [Int64]
        var min: Int64 { values.first ?? 0 }
        var max: Int64 { values.last ?? 0 }
        var median: Int64 {
            let n = values.count
            guard n > 0 else { return 0 }
            return n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2] + 1) / 2
        }
        var measure: String { kind == .hold ? "ended early by" : "late by" }
    }

    static func spreads(_ breaches: [Finding]) -> [Spread] {
        Dictionary(grouping: breaches, by: \.rule.id).sorted { $0.key < $1.key }.map { id, fs in
            let values = fs.compactMap { $0.lateBySeconds ?? $0.earlyBySeconds }.sorted()
            return Spread(rule: id, kind: fs[0].rule.kind, values: values)
        }
    }

    /// Ticks of the logarithmic axis: a second, a minute, an hour, a day, a week, 30 days, a year.
    static let spreadTicks: [(seconds: Int64, label: String)] = [
        (1, "1s"), (60, "1m"), (3_600, "1h"), (86_400, "1d"), (604_800, "7d"), (2_592_000, "30d"), (31_536_000, "365d"),
    ]

    static func spreadSVG(_ spreads: [Spread]) -> String {
        let width = 800.0, labelWidth = 250.0, left = 262.0, right = 780.0, top = 30.0, rowHeight = 26.0
        let height = top + Double(spreads.count) * rowHeight + 34
        let all = spreads.flatMap(\.values)
        let lowest = max(all.min() ?? 60, 1), highest = max(all.max() ?? 60, 60)
        let lo = log10(Double(lowest < 60 ? 1 : 60)), hi = log10(Double(max(highest, 3_600))) + 0.05
        func x(_ seconds: Int64) -> Double { left + (log10(Double(max(seconds, 1))) - lo) / (hi - lo) * (right - left) }

        var s = "<svg class=\"spread\" role=\"img\" aria-labelledby=\"spread-t spread-d\" viewBox=\"0 0 \(num(width)) \(num(height))\" width=\"\(num(width))\" height=\"\(num(height))\" xmlns=\"http://www.w3.org/2000/svg\">\n"
        s += "<title id=\"spread-t\">Lateness per rule, on a logarithmic scale</title>\n"
        let desc = spreads.map { "\($0.rule): \($0.values.count) breach\($0.values.count == 1 ? "" : "es"), \($0.measure) \(spellSeconds($0.min)) to \(spellSeconds($0.max)), median \(spellSeconds($0.median))" }
        s += "<desc id=\"spread-d\">\(esc(desc.joined(separator: "; ") + "."))</desc>\n"
        let axisY = top + Double(spreads.count) * rowHeight
        for t in spreadTicks where Double(t.seconds) >= pow(10, lo) && log10(Double(t.seconds)) <= hi {
            let tx = x(t.seconds)
            s += "<line class=\"grid\" x1=\"\(num(tx))\" y1=\"\(num(top - 8))\" x2=\"\(num(tx))\" y2=\"\(num(axisY))\"/>"
            s += "<text x=\"\(num(tx))\" y=\"\(num(axisY + 16))\" text-anchor=\"middle\" class=\"small\">\(t.label)</text>\n"
        }
        s += "<line class=\"axis\" x1=\"\(num(left))\" y1=\"\(num(axisY))\" x2=\"\(num(right))\" y2=\"\(num(axisY))\"/>\n"
        s += "<text x=\"\(num(left))\" y=\"16\" class=\"small\">Each tick: one breach · line: least to most · open diamond: median</text>\n"
        for (i, sp) in spreads.enumerated() {
            let cy = top + Double(i) * rowHeight + rowHeight / 2
            let title = "\(sp.rule): \(sp.values.count) breach\(sp.values.count == 1 ? "" : "es"), \(sp.measure) \(spellSeconds(sp.min)) (least), \(spellSeconds(sp.median)) (median), \(spellSeconds(sp.max)) (most)"
            s += "<g><title>\(esc(title))</title>"
            let name = sp.rule.count > 38 ? String(sp.rule.prefix(37)) + "…" : sp.rule
            s += "<text x=\"\(num(labelWidth))\" y=\"\(num(cy + 4))\" text-anchor=\"end\">\(esc(name))</text>"
            s += "<line class=\"range\" x1=\"\(num(x(sp.min)))\" y1=\"\(num(cy))\" x2=\"\(num(max(x(sp.max), x(sp.min) + 1)))\" y2=\"\(num(cy))\"/>"
            for v in sp.values {
                s += "<rect class=\"dot\" x=\"\(num(x(v) - 1))\" y=\"\(num(cy - 7))\" width=\"2\" height=\"14\"/>"
            }
            let mx = x(sp.median)
            s += "<path class=\"median\" d=\"M\(num(mx)) \(num(cy - 6))L\(num(mx + 6)) \(num(cy))L\(num(mx)) \(num(cy + 6))L\(num(mx - 6)) \(num(cy))Z\"/></g>\n"
        }
        s += "</svg>"
        return s
    }
}
