#!/usr/bin/env python3
"""Writes the demo incident log (incidents.jsonl, .csv, .xml) deterministically.

Hand-made cases exercise every shipped rule and status, including daylight-saving weekends,
the Easter roll-over of a NetzDG 7-day period, a TCO clock that restarts on clarification,
eSafety extensions and the 2258A amendment; a seeded bulk of ordinary cases follows.
Run from the repository root: python3 Fixtures/demo/make_demo.py
"""
import json, random, os
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo
from xml.sax.saxutils import escape, quoteattr

HERE = os.path.dirname(os.path.abspath(__file__))
events = []
counter = [0]

def ev(case, type_, at, **attrs):
    counter[0] += 1
    e = {"id": f"e{counter[0]:04d}", "case": case, "type": type_, "at": at}
    e.update(attrs)
    events.append(e)
    return e

def t(text):
    return datetime.fromisoformat(text)

def fmt(dt, zone=None):
    if zone:
        dt = dt.astimezone(ZoneInfo(zone))
    s = dt.isoformat()
    return s.replace("+00:00", "Z") if dt.utcoffset() == timedelta(0) and zone in (None, "UTC") else s

# --- TCO Art 3(3): one hour from receipt of a removal order -------------------------------
o = t("2025-03-29T10:00:00+01:00")  # Saturday before the March DST change
ev("tco-met", "order.received", fmt(o), order_kind="removal", authority="BKA", member_state="DE")
ev("tco-met", "content.removed", fmt(o + timedelta(minutes=42)))
o = t("2025-03-30T01:30:00+01:00")  # the hour in which clocks jump: PT1H ends 03:30 CEST
ev("tco-late-dst", "order.received", fmt(o), order_kind="removal", authority="Politie", member_state="NL")
ev("tco-late-dst", "content.disabled", fmt(o + timedelta(hours=1, minutes=12, seconds=5), "Europe/Amsterdam"), territorial_scope=["NL", "BE"])
o = t("2025-10-25T23:30:00+02:00")  # Saturday night of the October change
ev("tco-overdue", "order.received", fmt(o), order_kind="removal", authority="OCLCTIC", member_state="FR")
o = t("2025-06-12T09:00:00+02:00")
ev("tco-restart", "order.received", fmt(o), order_kind="removal", authority="DGSI", member_state="FR")
ev("tco-restart", "order.clarification_requested", fmt(o + timedelta(minutes=20)), ground="missing_information")
ev("tco-restart", "order.clarified", fmt(o + timedelta(days=1, hours=2)))
ev("tco-restart", "content.removed", fmt(o + timedelta(days=1, hours=2, minutes=40)))
o = t("2025-07-01T14:00:00+02:00")
ev("tco-restart-late", "order.received", fmt(o), order_kind="removal", authority="Garda", member_state="IE")
ev("tco-restart-late", "order.clarification_requested", fmt(o + timedelta(minutes=35)), ground="manifest_error")
ev("tco-restart-late", "order.clarified", fmt(o + timedelta(hours=5)))
ev("tco-restart-late", "content.removed", fmt(o + timedelta(hours=6, minutes=30)))
o = t("2025-10-31T10:00:00+01:00")
ev("tco-suspended", "order.received", fmt(o), order_kind="removal", authority="CNRS", member_state="IT")
ev("tco-suspended", "order.clarification_requested", fmt(o + timedelta(minutes=10)), ground="force_majeure")
ev("tco-pending", "order.received", "2025-10-31T23:20:00Z", order_kind="removal", authority="BKA", member_state="DE")
# a clarification asked for after the hour had run: the breach stands
o = t("2025-05-14T16:00:00+02:00")
ev("tco-late-request", "order.received", fmt(o), order_kind="removal", authority="BKA", member_state="DE")
ev("tco-late-request", "order.clarification_requested", fmt(o + timedelta(hours=2)), ground="missing_information")
ev("tco-late-request", "order.clarified", fmt(o + timedelta(hours=3)))
ev("tco-late-request", "content.removed", fmt(o + timedelta(hours=3, minutes=15)))

# --- NetzDG §3(2) (in force until 2024-05-14) -----------------------------------------------
c = t("2024-03-30T10:00:00+01:00")  # 24 hours of real time end Sunday 11:00 CEST
ev("netzdg-manifest-met-dst", "complaint.received", fmt(c), regime="netzdg", manifestly_unlawful=True)
ev("netzdg-manifest-met-dst", "content.removed", fmt(c + timedelta(hours=23, minutes=30), "Europe/Berlin"))
c = t("2024-02-12T08:15:00+01:00")
ev("netzdg-manifest-late", "complaint.received", fmt(c), regime="netzdg", manifestly_unlawful=True)
ev("netzdg-manifest-late", "content.removed", fmt(c + timedelta(hours=31)))
c = t("2024-04-20T19:00:00+02:00")
ev("netzdg-manifest-overdue", "complaint.received", fmt(c), regime="netzdg", manifestly_unlawful=True)
c = t("2024-03-22T11:00:00+01:00")  # last day Good Friday 29 March -> rolls to Tuesday 2 April
ev("netzdg-easter-rollover", "complaint.received", fmt(c), regime="netzdg", manifestly_unlawful=False)
ev("netzdg-easter-rollover", "content.removed", "2024-04-02T15:00:00+02:00")
c = t("2023-10-04T09:00:00+02:00")  # seven days end Wednesday 11 October
ev("netzdg-unlawful-late", "complaint.received", fmt(c), regime="netzdg")
ev("netzdg-unlawful-late", "content.disabled", "2023-10-13T10:00:00+02:00", territorial_scope=["DE"])
c = t("2024-05-02T12:00:00+02:00")
ev("netzdg-unlawful-overdue", "complaint.received", fmt(c), regime="netzdg")
c = t("2024-06-03T12:00:00+02:00")  # after the DDG replaced NetzDG: no NetzDG finding
ev("netzdg-after-repeal", "complaint.received", fmt(c), regime="netzdg", manifestly_unlawful=True)

# --- Australia OSA removal notices: 24 hours, extendable ------------------------------------
n = t("2025-04-05T09:00:00+11:00")  # Sydney leaves daylight saving on Sunday 6 April: deadline 08:00 AEST
ev("au-met-dst", "removal_notice.received", fmt(n), issuer="eSafety Commissioner", section="109")
ev("au-met-dst", "content.removed", "2025-04-06T07:45:00+10:00")
n = t("2025-04-05T09:00:00+11:00")  # 24 real hours end 08:00 AEST: 08:30 is late (wall time would say met)
ev("au-late-dst", "removal_notice.received", fmt(n), issuer="eSafety Commissioner", section="77")
ev("au-late-dst", "content.removed", "2025-04-06T08:30:00+10:00")
n = t("2025-08-11T10:00:00+10:00")
ev("au-extended", "removal_notice.received", fmt(n), issuer="eSafety Commissioner", section="88")
ev("au-extended", "extension.granted", "2025-08-11T18:00:00+10:00", until="2025-08-14")
ev("au-extended", "content.removed", "2025-08-14T16:00:00+10:00")
n = t("2025-09-01T10:00:00+10:00")
ev("au-extension-too-late", "removal_notice.received", fmt(n), issuer="eSafety Commissioner", section="65")
ev("au-extension-too-late", "extension.granted", "2025-09-03T09:00:00+10:00", until="2025-09-05")
ev("au-extension-too-late", "content.removed", "2025-09-04T12:00:00+10:00")
ev("au-overdue", "removal_notice.received", "2025-10-20T09:30:00+11:00", issuer="eSafety Commissioner", section="109")

# --- DSA Art 9: inform the authority of the effect given to an order ------------------------
o = t("2025-09-01T10:00:00+02:00")
ev("dsa9-date-met", "order.received", fmt(o), order_kind="act", authority="Coimisiún na Meán", member_state="IE", respond_by="2025-09-05", zone="Europe/Dublin")
ev("dsa9-date-met", "content.removed", fmt(o + timedelta(hours=30)))
ev("dsa9-date-met", "authority.informed", "2025-09-05T23:30:00+01:00")
o = t("2025-09-10T10:00:00+02:00")
ev("dsa9-date-late", "order.received", fmt(o), order_kind="act", authority="AGCOM", member_state="IT", respond_by="2025-09-12")
ev("dsa9-date-late", "authority.informed", "2025-09-13T00:00:01+02:00")
o = t("2025-10-24T16:00:00+02:00")
ev("dsa9-target", "order.received", fmt(o), order_kind="act", authority="ARCOM", member_state="FR")
ev("dsa9-target", "authority.informed", fmt(o + timedelta(hours=25)))

# --- DSA Art 16: notices ---------------------------------------------------------------------
n = t("2025-03-29T22:00:00+01:00")
ev("dsa16-dst", "notice.received", fmt(n), source="user", category="illegal_hate_speech", member_state="DE", contact=True)
ev("dsa16-dst", "notice.acknowledged", fmt(n + timedelta(hours=23, minutes=59)))
ev("dsa16-dst", "notice.decided", fmt(n + timedelta(hours=50)), decision="action")
ev("dsa16-dst", "content.removed", fmt(n + timedelta(hours=50, minutes=1)))
n = t("2025-10-30T08:00:00+01:00")
ev("dsa16-anonymous", "notice.received", fmt(n), source="user", category="scams_and_fraud", member_state="ES", contact=False)
n = t("2025-10-29T09:00:00+01:00")
ev("dsa16-pending", "notice.received", fmt(n), source="trusted_flagger", category="child_sexual_abuse_material", member_state="NL", contact=True)
ev("dsa16-pending", "notice.acknowledged", fmt(n + timedelta(minutes=3)))

# --- DSA Art 20 complaints ---------------------------------------------------------------------
c = t("2025-06-02T12:00:00+02:00")
ev("dsa20-late", "complaint.received", fmt(c), regime="dsa")
ev("dsa20-late", "complaint.decided", fmt(c + timedelta(days=9)), outcome="reversed")
ev("dsa20-late", "content.restored", fmt(c + timedelta(days=9, minutes=5)))
c = t("2025-10-28T12:00:00+01:00")
ev("dsa20-pending", "complaint.received", fmt(c), regime="dsa")

# --- 18 U.S.C. 2258A ---------------------------------------------------------------------------
d = t("2025-05-02T23:00:00-04:00")
ev("us-report-late", "csam.detected", fmt(d))
ev("us-report-late", "cybertipline.reported", fmt(d + timedelta(hours=26)), report_id="CT-1001")
d = t("2025-10-10T11:00:00-04:00")
ev("us-report-overdue", "csam.detected", fmt(d))
r = t("2024-02-01T10:00:00-05:00")  # 90-day version: kept past 1 May is enough
ev("us-preserve-90d-met", "csam.detected", fmt(r - timedelta(hours=3)))
ev("us-preserve-90d-met", "cybertipline.reported", fmt(r), report_id="CT-0001")
ev("us-preserve-90d-met", "preservation.ended", "2024-05-10T09:00:00-04:00")
r = t("2024-03-01T10:00:00-05:00")
ev("us-preserve-90d-violated", "csam.detected", fmt(r - timedelta(hours=2)))
ev("us-preserve-90d-violated", "cybertipline.reported", fmt(r), report_id="CT-0002")
ev("us-preserve-90d-violated", "preservation.ended", "2024-04-15T09:00:00-04:00")
r = t("2024-06-01T10:00:00-04:00")  # 1-year version (REPORT Act, from 2024-05-07)
ev("us-preserve-1y-violated", "csam.detected", fmt(r - timedelta(hours=1)))
ev("us-preserve-1y-violated", "cybertipline.reported", fmt(r), report_id="CT-0003")
ev("us-preserve-1y-violated", "preservation.ended", "2024-12-01T09:00:00-05:00")
r = t("2025-06-01T10:00:00-04:00")
ev("us-preserve-running", "csam.detected", fmt(r - timedelta(hours=5)))
ev("us-preserve-running", "cybertipline.reported", fmt(r), report_id="CT-1002")

# --- Authority summons -------------------------------------------------------------------------
ev("summons-met", "summons.received", "2025-08-20T10:00:00+02:00", authority="European Commission", respond_by="2025-09-05", appear_on="2025-10-02", zone="Europe/Brussels")
ev("summons-met", "summons.answered", "2025-09-05T23:30:00+02:00")
ev("summons-met", "hearing.attended", "2025-10-02T10:00:00+02:00")
ev("summons-late", "summons.received", "2025-06-10T10:00:00+01:00", authority="Ofcom", respond_by="2025-06-23", zone="Europe/London")
ev("summons-late", "summons.answered", "2025-06-24T00:15:00+01:00")
ev("summons-pending", "summons.received", "2025-10-20T10:00:00+02:00", authority="Coimisiún na Meán", respond_by="2025-11-14", zone="Europe/Dublin")

# --- Seeded bulk: ordinary notices, complaints and orders through 2025 ----------------------
rng = random.Random(20250329)
zones = ["Europe/Dublin", "Europe/Berlin", "Europe/Paris", "Europe/Amsterdam", "UTC"]
categories = ["illegal_hate_speech", "scams_and_fraud", "intellectual_property_infringements", "violence", "protection_of_minors"]
start = t("2025-01-06T00:00:00+00:00")
for i in range(70):
    case = f"notice-{i:03d}"
    at = start + timedelta(minutes=rng.randrange(0, 60 * 24 * 290))
    z = rng.choice(zones)
    contact = rng.random() < 0.8
    ev(case, "notice.received", fmt(at, z), source="trusted_flagger" if rng.random() < 0.15 else "user",
       category=rng.choice(categories), member_state=rng.choice(["IE", "DE", "FR", "NL", "BE", "ES", "IT"]), contact=contact)
    if contact and rng.random() < 0.97:
        ev(case, "notice.acknowledged", fmt(at + timedelta(minutes=rng.choice([1, 2, 5, 30, 600, 1500])), z))
    if rng.random() < 0.95:
        delay = timedelta(hours=rng.choice([2, 8, 20, 40, 70, 80]), minutes=rng.randrange(60))
        decision = "action" if rng.random() < 0.6 else "no_action"
        ev(case, "notice.decided", fmt(at + delay, z), decision=decision)
        if decision == "action":
            ev(case, "content.removed", fmt(at + delay + timedelta(seconds=30), z))
            ev(case, "sor.sent", fmt(at + delay + timedelta(seconds=30), z))  # Art 17(1): at the latest when imposed
for i in range(20):
    case = f"complaint-{i:03d}"
    at = start + timedelta(minutes=rng.randrange(0, 60 * 24 * 280))
    ev(case, "complaint.received", fmt(at, "Europe/Dublin"), regime="dsa")
    if rng.random() < 0.9:
        ev(case, "complaint.decided", fmt(at + timedelta(days=rng.choice([1, 3, 6, 8]), hours=rng.randrange(24)), "Europe/Dublin"),
           outcome=rng.choice(["upheld", "rejected", "reversed"]))
for i in range(12):
    case = f"order-{i:03d}"
    at = start + timedelta(minutes=rng.randrange(0, 60 * 24 * 290))
    ev(case, "order.received", fmt(at, "Europe/Brussels"), order_kind="removal", authority="Europol IRU", member_state=rng.choice(["DE", "FR", "NL"]))
    ev(case, "content.removed", fmt(at + timedelta(minutes=rng.choice([5, 15, 40, 55, 58, 75])), "Europe/Brussels"))

# --- Dated duties: reports, assessments and audits (no incident triggers them) ----------------
# They belong to the service; the case only groups them in the log.
for at in ["2023-02-10T10:00:00+01:00", "2023-08-09T10:00:00+02:00", "2024-02-08T10:00:00+01:00",
           "2024-08-07T10:00:00+02:00", "2025-02-06T10:00:00+01:00", "2025-08-12T10:00:00+02:00"]:
    ev("dated-amar", "report.published", at, report=["active_recipients"], service="social")   # Art 24(2); the last is 4 days late
for at in ["2023-10-20T12:00:00+02:00", "2024-04-19T12:00:00+02:00", "2024-10-18T12:00:00+02:00", "2025-04-17T12:00:00+02:00"]:
    ev("dated-vlop-reports", "report.published", at, report=["dsa_transparency"], service="social")  # Art 42(1), six-monthly
ev("dated-risk", "risk_assessment.completed", "2023-08-21T16:00:00+02:00", assessment="dsa_systemic", service="social")
ev("dated-risk", "risk_assessment.completed", "2024-08-20T16:00:00+02:00", assessment="dsa_systemic", service="social")
ev("dated-risk", "risk_assessment.completed", "2025-08-19T16:00:00+02:00", assessment="dsa_systemic", service="social")
ev("dated-audit-2024", "audit.completed", "2024-08-22T09:00:00+02:00", opinion="negative", service="social")
ev("dated-audit-2024", "audit.implementation_adopted", "2024-09-19T17:00:00+02:00", service="social")
ev("dated-audit-2024", "report.published", "2024-11-21T12:00:00+01:00", report=["risk_assessment", "audit", "audit_implementation"], service="social")
ev("dated-audit-2025", "audit.completed", "2025-08-21T09:00:00+02:00", opinion="positive", service="social")
ev("dated-uk", "risk_assessment.completed", "2025-03-14T15:00:00Z", assessment="osa_illegal_content", service="social")
ev("dated-uk", "risk_assessment.completed", "2025-04-10T15:00:00+01:00", assessment="osa_children_access", service="social")
ev("dated-tco", "report.published", "2025-02-26T12:00:00+01:00", report=["tco_transparency"], period_end="2024-12-31", service="social")

# --- Follow-ups that close other duties of the same cases (appended, so earlier ids stay) -------
# TCO Art 3(6) / DSA Art 9: the issuing authority is told of the removal; most within the hour,
# one removal order's authority is never told.
follow = []
for e in list(events):
    if e["type"] in ("content.removed", "content.disabled") and (e["case"].startswith("tco-") or e["case"].startswith("order-")):
        if e["case"] != "order-007":
            follow.append((e["case"], "authority.informed", fmt(t(e["at"]) + timedelta(minutes=20)), {}))
# DSA Art 17(1): each removal after a notice is a restriction; its statement of reasons is given at
# the same instant (sor.sent above).
# Each also carries what its statement of reasons says (DSA Art 17(3)), so `oblige tdb export` can
# submit it to the Transparency Database (docs/tdb-export.md). Derived from the case, no random draw.
TDB = {  # notice category -> (database category, keywords, legal ground)
    "illegal_hate_speech": ("illegal_or_harmful_speech", ["hate_speech"], "Framework Decision 2008/913/JHA as transposed"),
    "scams_and_fraud": ("scams_and_fraud", ["phishing"], "National criminal law on fraud"),
    "intellectual_property_infringements": ("intellectual_property_infringements", ["copyright_infringement"], "Directive 2001/29/EC as transposed"),
    "violence": ("violence", ["incitement_violence_hatred"], "National criminal law on incitement to violence"),
    "protection_of_minors": ("protection_of_minors", ["age_specific_restrictions_minors"], "Directive 2010/13/EU Art 6a as transposed"),
}
EEA = ["AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR", "HR", "HU", "IE", "IS", "IT", "LI", "LT", "LU",
       "LV", "MT", "NL", "NO", "PL", "PT", "RO", "SE", "SI", "SK"]
for e in [e for e in events if e["type"] == "content.removed" and e["case"].startswith("notice-")]:
    notice = next(n for n in events if n["case"] == e["case"] and n["type"] == "notice.received")
    category, keywords, law = TDB[notice["category"]]
    follow.append((e["case"], "restriction.imposed", e["at"], {
        "measure": ["removal"], "ground": "illegal_content", "basis": "notice", "contact": True,
        "legal_ground": law, "explanation": "The reviewer found the notified post illegal on that ground.",
        "decision_facts": f"Notice {notice['id']} from a {notice['source'].replace('_', ' ')}; the post was reviewed by a moderator and removed.",
        "content_type": ["text"], "category": category, "category_specification": keywords, "territorial_scope": EEA,
        "content_date": (t(notice["at"]) - timedelta(days=1)).date().isoformat(),
        "automated_detection": False, "automated_decision": "not_automated"}))
# DSA Art 24(5): statements of reasons go to the Transparency Database, mostly within hours.
for i, e in enumerate([e for e in events if e["type"] == "sor.sent"]):
    if i % 13 == 12:
        continue  # never submitted: overdue
    follow.append((e["case"], "sor.submitted", fmt(t(e["at"]) + timedelta(hours=[1, 3, 6, 20, 30][i % 5])), {}))
# DSA Art 42(4): the 2025 audit report is published with the risk assessment two months later.
follow.append(("dated-audit-2025", "report.published", "2025-10-20T12:00:00+02:00", {"report": ["risk_assessment", "audit"], "service": "social"}))
for case, type_, at, attrs in follow:
    ev(case, type_, at, **attrs)

# A re-exported line (same id, same content) is counted as a duplicate.
duplicates = [dict(events[0]), dict(events[3])]

def write_jsonl(path, rows):
    with open(path, "w") as f:
        for e in rows:
            f.write(json.dumps(e, ensure_ascii=False) + "\n")

rows = events + duplicates
write_jsonl(os.path.join(HERE, "incidents.jsonl"), rows)

attr_names = sorted({k for e in rows for k in e if k not in ("id", "case", "type", "at")})
with open(os.path.join(HERE, "incidents.csv"), "w") as f:
    header = ["id", "case", "type", "at"] + [a + "[]" if any(isinstance(e.get(a), list) for e in rows) else a for a in attr_names]
    f.write(",".join(header) + "\n")
    for e in rows:
        cells = [e["id"], e["case"], e["type"], e["at"]]
        for a in attr_names:
            v = e.get(a)
            if v is None: cells.append("")
            elif isinstance(v, bool): cells.append("true" if v else "false")
            elif isinstance(v, list): cells.append("|".join(v))
            else:
                s = str(v)
                cells.append('"' + s.replace('"', '""') + '"' if any(c in s for c in ',"\n') else s)
        f.write(",".join(cells) + "\n")

with open(os.path.join(HERE, "incidents.xml"), "w") as f:
    f.write('<?xml version="1.0" encoding="UTF-8"?>\n<incident-log>\n')
    for e in rows:
        f.write(f'  <event id={quoteattr(e["id"])} case={quoteattr(e["case"])} type={quoteattr(e["type"])} at={quoteattr(e["at"])}>\n')
        for a in attr_names:
            if a not in e: continue
            v = e[a]
            if isinstance(v, list):
                f.write(f'    <attribute name={quoteattr(a)}>' + "".join(f"<item>{escape(x)}</item>" for x in v) + "</attribute>\n")
            else:
                f.write(f'    <attribute name={quoteattr(a)}>{escape("true" if v is True else "false" if v is False else str(v))}</attribute>\n')
        f.write("  </event>\n")
    f.write("</incident-log>\n")
print(f"{len(rows)} records ({len(duplicates)} duplicates) in incidents.jsonl, .csv, .xml")
