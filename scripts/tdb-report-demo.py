#!/usr/bin/env python3
"""Hand computation of the transparency-report indicators of the demo log, independent of Oblige.

Used to write the expected figures of TransparencyMetricsTests (the demo test). Rules, as in
docs/tdb-report.md: an item counts when its receipt falls in the period (UTC days, both ends
included); a time runs from the receipt to the first completing event of the same case at or after
it; items with none are open; the median of an even count is the mean of the two middle values;
times in seconds. Duplicate ids keep the first record, as the audit does.

    python3 scripts/tdb-report-demo.py [LOG] [FROM] [TO]
"""
import json, sys
from collections import Counter, defaultdict
from datetime import datetime, timezone, timedelta

log = sys.argv[1] if len(sys.argv) > 1 else "Fixtures/demo/incidents.jsonl"
start = datetime.fromisoformat((sys.argv[2] if len(sys.argv) > 2 else "2025-07-01") + "T00:00:00+00:00")
end = datetime.fromisoformat((sys.argv[3] if len(sys.argv) > 3 else "2025-12-31") + "T00:00:00+00:00") + timedelta(days=1)

events, seen = [], set()
for line in open(log):
    if line.strip():
        e = json.loads(line)
        if e["id"] in seen:
            continue
        seen.add(e["id"])
        e["t"] = datetime.fromisoformat(e["at"]).astimezone(timezone.utc)
        events.append(e)
cases = defaultdict(list)
for e in events:
    cases[e["case"]].append(e)
for c in cases.values():
    c.sort(key=lambda e: (e["t"], e["id"]))

def first(r, types, test=lambda e: True):
    return next((e for e in cases[r["case"]] if e["t"] >= r["t"] and e["id"] != r["id"] and e["type"] in types and test(e)), None)

def median(xs):
    xs = sorted(xs)
    n = len(xs)
    if n == 0:
        return None
    return xs[n // 2] if n % 2 else (xs[n // 2 - 1] + xs[n // 2]) / 2

def show(name, durations, open_):
    print(f"  {name}: completed {sorted(durations)} open {open_} median {median(durations)}")

receipts = [e for e in events if start <= e["t"] < end]
secs = lambda a, b: int((b["t"] - a["t"]).total_seconds())

print("orders")
orders = [r for r in receipts if r["type"] == "order.received"]
print("  by kind", dict(Counter(r["order_kind"] for r in orders)))
print("  by member state", dict(sorted(Counter(r.get("member_state") for r in orders).items())))
for scope in ["TOTAL"] + sorted({r.get("member_state") for r in orders}):
    act = [r for r in orders if r["order_kind"] != "information" and scope in ("TOTAL", r.get("member_state"))]
    inf, eff = [], []
    for r in act:
        i = first(r, {"authority.informed"})
        f = first(r, {"content.removed", "content.disabled", "restriction.imposed"})
        inf += [secs(r, i)] if i else []
        eff += [secs(r, f)] if f else []
    print(f" scope {scope}: {len(act)} orders to act")
    show("inform", inf, len(act) - len(inf))
    show("effect", eff, len(act) - len(eff))

print("notices")
notices = [r for r in receipts if r["type"] == "notice.received"]
print("  received", len(notices), "trusted", sum(r.get("source") == "trusted_flagger" for r in notices))
print("  categories", dict(sorted(Counter(r.get("category") for r in notices).items())))
for label, group in [("all", notices), ("trusted", [r for r in notices if r.get("source") == "trusted_flagger"])]:
    t, no_action, law, tc, no_ground, open_ = [], 0, 0, 0, 0, 0
    for r in group:
        d = first(r, {"notice.decided"})
        grounds = {e.get("ground") for e in cases[r["case"]] if e["type"] == "restriction.imposed" and e["t"] >= r["t"]}
        if d is None:
            open_ += 1
        elif d["decision"] == "action":
            t.append(secs(r, d))
            if "illegal_content" in grounds: law += 1
            elif "terms_and_conditions" in grounds: tc += 1
            else: no_ground += 1
        else:
            no_action += 1
    print(f" {label}: no_action {no_action} law {law} tc {tc} ground not logged {no_ground}")
    show("time to action", t, open_)
for cat in sorted({r.get("category") for r in notices if r.get("category")}):
    g = [r for r in notices if r.get("category") == cat]
    t = [secs(r, d) for r in g for d in [first(r, {"notice.decided"})] if d and d["decision"] == "action"]
    o = sum(first(r, {"notice.decided"}) is None for r in g)
    print(f" {cat}: received {len(g)} trusted {sum(r.get('source') == 'trusted_flagger' for r in g)}")
    show("time to action", t, o)

print("own initiative")
own = [r for r in receipts if r["type"] == "restriction.imposed" and r.get("basis") == "own_initiative"]
print("  measures", len(own), "restriction.imposed in log with a basis:", sum(1 for e in events if e["type"] == "restriction.imposed" and "basis" in e))

print("complaints (Art 20)")
comp = [r for r in receipts if r["type"] == "complaint.received" and r["regime"] == "dsa"]
t, outcomes, open_ = [], Counter(), 0
for r in comp:
    d = first(r, {"complaint.decided", "complaint.refused"})
    if d is None:
        open_ += 1
    else:
        t.append(secs(r, d))
        outcomes[d.get("outcome", "refused" if d["type"] == "complaint.refused" else "none")] += 1
print("  received", len(comp), "outcomes", dict(outcomes))
show("time to decision", t, open_)
