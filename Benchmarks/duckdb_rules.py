"""The shipped deadline rules that SQL can state exactly, translated into one DuckDB query.

The query is written from the rule files themselves (Rules/), not by hand, so a rule that changes
changes the query, and a rule that grows a feature SQL here cannot state (a calendar period, an
extension, an earlier fulfilment) stops the benchmark with a message instead of silently comparing
something else. It follows docs/rule-language.md and the engine (Engine/CaseEvaluator.swift):

- a trigger is a record of the trigger type meeting the `where` conditions, on a day (in the rule's
  zone) on which a version is in force and binds the profile's services (kinds, flags,
  designation, micro/small exemption);
- its fulfilment is the first matching record of the same case at or after the trigger instant,
  other than the trigger itself, in (instant, id) order;
- suspend_on / restart_on count only after the trigger and before the fulfilment: a suspension
  counts when the clock runs and has not passed its deadline; a restart counts when the clock is
  suspended or has not passed its deadline, and starts the whole period again;
- met iff fulfilled by the deadline (or while the clock is suspended); late otherwise; without a
  fulfilment overdue iff the deadline is before the audit instant, pending otherwise (and pending
  while suspended); records later than the audit instant are not known.

Suspension and restart look sequential but are not: while the clock is alive, the state after a
modifier depends only on that modifier (after a suspension the clock stands still, whether or not
it was already standing; after a restart it runs from the restart). So the clock dies at the first
modifier that comes while it runs (after the trigger or a restart) later than that start plus the
period, which a window function (LAG) finds.

Assumptions, checked by the benchmark elsewhere or stated in its output: the log has no records
Oblige rejects of the types read here (an invalid trigger would still count here; bench.py checks
Oblige's rejects), instants have at most six fractional digits (DuckDB keeps microseconds) and are
written with `Z` or an offset as canonical logs are, ids order the same as bytes and as Swift
strings (true of ASCII ids), and the profile's services all give the same answer on whether a rule
binds (true of Fixtures/demo/platform.yaml, one service). A repeated identical record (a duplicate
Oblige ignores) is counted once as a trigger; as a fulfilment, suspension or restart it shares its
instant and id with the first and changes nothing.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

import yaml

# The rules compared with DuckDB: fixed real-time periods or the platform's own targets, with
# conditions on attributes, versions, and (TCO Art 3) suspension and restart.
SHARED_RULES = [
    "tco.art3.removal-order",
    "tco.art3.inform-authority",
    "dsa.art16.notice-ack",
    "dsa.art16.decision",
    "dsa.art18.crime",
    "dsa.art20.handle",
    "dsa.art22.trusted-flagger",
    "dsa.art24.sor-db",
    "us-2258a.report",
]

# Keys of a rule document that the translation states, or that do not change a verdict.
_DESCRIPTIVE = {"id", "title", "regime", "citation", "notes", "severity", "penalty"}
_TRANSLATED = {"zone", "effective", "applies_to", "kind", "trigger", "fulfilled_by", "deadline", "suspend_on", "restart_on"}

# ServiceKind.implied (Sources/ObligeCore/Rules/Rule.swift): a kind and the broader kinds it implies.
_IMPLIED = {
    "mere_conduit": {"mere_conduit", "intermediary"},
    "caching": {"caching", "intermediary"},
    "hosting": {"hosting", "intermediary"},
    "online_platform": {"online_platform", "hosting", "intermediary"},
    "marketplace": {"marketplace", "online_platform", "hosting", "intermediary"},
    "online_search_engine": {"online_search_engine", "intermediary"},
}


class NotExpressible(Exception):
    """A rule (version) uses something this translation does not state in SQL."""


@dataclass
class Matcher:
    type: str
    where: dict[str, object] = field(default_factory=dict)


@dataclass
class Version:
    rule: str
    index: int
    zone: str
    windows: list[tuple[dt.date, dt.date | None]]  # days on which the version binds the profile
    trigger: Matcher
    fulfilled_by: list[Matcher]
    suspend_on: list[Matcher]
    restart_on: list[Matcher]
    seconds: int


def _text(value: object) -> str:
    """A YAML scalar as the rule engine compares it: as text, booleans lower-case."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _matcher(spec: object, where_lists: set[str], rule: str) -> Matcher:
    if isinstance(spec, str):
        return Matcher(spec)
    if not isinstance(spec, dict) or set(spec) - {"event", "where"}:
        raise NotExpressible(f"{rule}: event matcher {spec!r}")
    where = spec.get("where") or {}
    for attr, cond in where.items():
        if attr in where_lists:
            raise NotExpressible(f"{rule}: condition on the list attribute '{attr}'")
        if isinstance(cond, dict):
            raise NotExpressible(f"{rule}: condition {attr}: {cond!r} (only equality and any-of are translated)")
    return Matcher(spec["event"], where)


_DURATION = re.compile(r"^PT(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?$")


def _seconds(text: str, rule: str) -> int:
    m = _DURATION.match(text)
    if not m or not any(m.groups()):
        raise NotExpressible(f"{rule}: duration {text!r} is not hours, minutes and seconds")
    h, mi, s = (int(g or 0) for g in m.groups())
    return h * 3600 + mi * 60 + s


def _intersect(a: list[tuple[dt.date, dt.date | None]], b: list[tuple[dt.date, dt.date | None]]):
    out = []
    for f1, u1 in a:
        for f2, u2 in b:
            f = max(f1, f2)
            u = u1 if u2 is None else u2 if u1 is None else min(u1, u2)
            if u is None or f < u:
                out.append((f, u))
    return out


def _binding_windows(doc: dict, profile: dict, services: list[dict], rule: str):
    """Days on which the rule binds one of `services` (CaseEvaluator.inapplicable)."""
    applies = doc["applies_to"]
    unknown = set(applies) - {"services", "designation", "exempt_micro_small", "flags"}
    if unknown:
        raise NotExpressible(f"{rule}: applies_to {sorted(unknown)}")
    kinds = set(applies["services"])
    flags = set(applies.get("flags") or [])
    bound = [
        s for s in services
        if set().union(*(_IMPLIED.get(k, {k}) for k in s["kinds"])) & kinds and flags <= set(s.get("flags") or [])
    ]
    if not bound:
        return []
    always = [(dt.date.min, None)]

    def designated(kind: str | None):
        return [
            (d["duties_from"], d.get("ended_on"))
            for s in bound for d in s.get("designations") or []
            if kind is None or d["kind"] == kind
        ]

    designation = applies.get("designation")
    if designation == "none":
        raise NotExpressible(f"{rule}: designation none")
    windows = designated(designation) if designation else always
    if applies.get("exempt_micro_small") and profile.get("enterprise_size") in ("micro", "small"):
        windows = _intersect(windows, designated(None))
    return windows


def load_versions(rules_root: str, profile_path: str, ids: list[str] = SHARED_RULES) -> list[Version]:
    """Every version of the rules `ids`, translated; raises NotExpressible for what is not."""
    with open(profile_path) as f:
        profile = yaml.safe_load(f)
    targets = {k: (v["duration"] if isinstance(v, dict) else v) for k, v in (profile.get("targets") or {}).items()}
    services = profile["services"]

    list_attrs: set[str] = set()
    docs: dict[str, list[dict]] = {}
    for root, _, files in sorted(os.walk(rules_root)):
        for name in sorted(files):
            path = os.path.join(root, name)
            if not name.endswith(".yaml") or os.sep + "calendars" in root or os.sep + "penalties" in root:
                continue
            with open(path) as f:
                for doc in yaml.safe_load_all(f):
                    if not isinstance(doc, dict):
                        continue
                    if name == "vocabulary.yaml":
                        for ev in (doc.get("events") or {}).values():
                            for attr, spec in ((ev or {}).get("attributes") or {}).items():
                                if isinstance(spec, dict) and spec.get("list"):
                                    list_attrs.add(attr)
                    elif "id" in doc:
                        docs.setdefault(doc["id"], []).append(doc)

    versions = []
    for rule in ids:
        if rule not in docs:
            raise NotExpressible(f"{rule}: no such rule under {rules_root}")
        for index, doc in enumerate(docs[rule]):
            extra = set(doc) - _DESCRIPTIVE - _TRANSLATED
            if extra:
                raise NotExpressible(f"{rule}: {sorted(extra)}")
            if doc.get("kind", "deadline") != "deadline":
                raise NotExpressible(f"{rule}: kind {doc['kind']}")
            deadline = doc["deadline"]
            if set(deadline) == {"elapsed"}:
                seconds = _seconds(deadline["elapsed"], rule)
            elif set(deadline) == {"target"}:
                seconds = _seconds(targets[deadline["target"]], rule)
            else:
                raise NotExpressible(f"{rule}: deadline {deadline!r}")
            eff = doc["effective"]
            windows = _binding_windows(doc, profile, services, rule)
            for s in services:
                if _binding_windows(doc, profile, [s], rule) != windows:
                    raise NotExpressible(f"{rule}: binds the profile's services on different days; an event's service would decide")
            windows = _intersect([(eff["from"], eff.get("until"))], windows)
            versions.append(Version(
                rule=rule, index=index, zone=doc["zone"], windows=windows,
                trigger=_matcher(doc["trigger"], list_attrs, rule),
                fulfilled_by=[_matcher(m, list_attrs, rule) for m in doc["fulfilled_by"]],
                suspend_on=[_matcher(m, list_attrs, rule) for m in doc.get("suspend_on") or []],
                restart_on=[_matcher(m, list_attrs, rule) for m in doc.get("restart_on") or []],
                seconds=seconds,
            ))
    return versions


def _q(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _ident(attr: str) -> str:
    return '"' + attr.replace('"', '""') + '"'


def _midnight(day: dt.date, zone: str) -> str:
    """The instant a day starts in a zone, as a TIMESTAMPTZ literal."""
    start = dt.datetime(day.year, day.month, day.day, tzinfo=ZoneInfo(zone))
    return f"TIMESTAMPTZ {_q(start.isoformat())}"


def query(versions: list[Version], log_path: str, as_of: str, detail: bool = False) -> str:
    """One query: read the log, evaluate every version's triggers.

    Returns rows (rule, status, findings), or with `detail` one row per finding (rule, case,
    trigger id, status).
    """
    matchers = [(v, role, m) for v in versions for role, ms in
                (("T", [v.trigger]), ("F", v.fulfilled_by), ("S", v.suspend_on), ("R", v.restart_on)) for m in ms]
    attrs = sorted({a for _, _, m in matchers for a in m.where})
    columns = {"id": "VARCHAR", "case": "VARCHAR", "type": "VARCHAR", "at": "TIMESTAMPTZ", **{a: "VARCHAR" for a in attrs}}
    columns_sql = "{" + ", ".join(f"{_q(k)}: {_q(t)}" for k, t in columns.items()) + "}"

    def cond(m: Matcher) -> str:
        parts = [f"type = {_q(m.type)}"]
        for attr, value in m.where.items():
            values = value if isinstance(value, list) else [value]
            parts.append(f"{_ident(attr)} IN ({', '.join(_q(_text(x)) for x in values)})")
        return "(" + " AND ".join(parts) + ")"

    triggers, roles = [], []
    for v in versions:
        key = f"{_q(v.rule)} AS rule, {v.index} AS ver"
        # A version binds a trigger by the trigger's day (in the rule's zone).
        days = " OR ".join(
            f"(t >= {_midnight(f, v.zone)}" + (f" AND t < {_midnight(u, v.zone)})" if u else ")") for f, u in v.windows
        ) or "FALSE"
        triggers.append(f"SELECT {key}, cs, id AS tid, t, to_seconds({v.seconds}) AS period FROM ev WHERE {cond(v.trigger)} AND ({days})")
        for role, ms in (("F", v.fulfilled_by), ("S", v.suspend_on), ("R", v.restart_on)):
            if ms:
                roles.append(f"SELECT {key}, {_q(role)} AS role, cs, id, t FROM ev WHERE {' OR '.join(cond(m) for m in ms)}")

    final = (
        "SELECT rule, cs AS \"case\", tid AS trigger, status FROM verdicts ORDER BY rule, \"case\", trigger"
        if detail else
        "SELECT rule, status, count(*) AS findings FROM verdicts GROUP BY rule, status ORDER BY rule, status"
    )
    union = "\n    UNION ALL ".join
    return f"""
WITH ev AS MATERIALIZED (
    -- The records of the types the rules read; records after the audit instant are unknown.
    SELECT id, "case" AS cs, type, "at" AS t{"".join(f", {_ident(a)}" for a in attrs)}
    FROM read_ndjson({_q(log_path)}, columns = {columns_sql})
    WHERE type IN ({", ".join(sorted({_q(m.type) for _, _, m in matchers}))}) AND "at" <= TIMESTAMPTZ {_q(as_of)}
),
trig AS MATERIALIZED (
    -- A repeated identical record (a duplicate) is one trigger. Repeated fulfilments, suspensions
    -- and restarts change no verdict: they share their instant and id with the first.
    SELECT DISTINCT * FROM (
    {union(triggers)}
    )
),
roles AS MATERIALIZED (
    {union(roles)}
),
ful AS (
    -- The first fulfilling record at or after the trigger instant, in (instant, id) order.
    SELECT g.rule, g.tid, min({{'t': r.t, 'id': r.id}}) AS f
    FROM trig g JOIN roles r ON r.rule = g.rule AND r.ver = g.ver AND r.cs = g.cs
    WHERE r.role = 'F' AND r.t >= g.t AND r.id <> g.tid
    GROUP BY g.rule, g.tid
),
base AS (
    SELECT g.*, ful.f.t AS ft, ful.f.id AS fid
    FROM trig g LEFT JOIN ful ON ful.rule = g.rule AND ful.tid = g.tid
),
mods AS (
    -- Suspensions and restarts after the trigger and before the fulfilment; the state before
    -- each is decided by the one before it (see the module comment).
    SELECT b.rule, b.tid, r.role, r.t, r.id, b.period,
           CASE WHEN lag(r.role) OVER w IS NULL THEN b.t WHEN lag(r.role) OVER w = 'R' THEN lag(r.t) OVER w END AS running_from
    FROM base b JOIN roles r ON r.rule = b.rule AND r.ver = b.ver AND r.cs = b.cs
    WHERE r.role IN ('S', 'R') AND r.t >= b.t AND r.id <> b.tid
      AND (b.ft IS NULL OR r.t < b.ft OR (r.t = b.ft AND r.id < b.fid))
    WINDOW w AS (PARTITION BY b.rule, b.tid ORDER BY r.t, r.id)
),
clock AS (
    SELECT rule, tid,
           -- The first modifier that came while the clock ran past its deadline: the clock is dead.
           min(CASE WHEN running_from IS NOT NULL AND t > running_from + period
                    THEN {{'t': t, 'id': id, 'deadline': running_from + period}} END).deadline AS dead_at,
           max({{'t': t, 'id': id, 'role': role}}) AS last
    FROM mods GROUP BY rule, tid
),
verdicts AS (
    SELECT b.rule, b.cs, b.tid,
        CASE
            WHEN c.dead_at IS NOT NULL THEN CASE WHEN b.ft IS NOT NULL THEN 'late' ELSE 'overdue' END
            WHEN c.last.role = 'S' THEN CASE WHEN b.ft IS NOT NULL THEN 'met' ELSE 'pending' END
            WHEN b.ft IS NOT NULL THEN
                CASE WHEN b.ft <= coalesce(c.last.t, b.t) + b.period THEN 'met' ELSE 'late' END
            WHEN coalesce(c.last.t, b.t) + b.period < TIMESTAMPTZ {_q(as_of)} THEN 'overdue'
            ELSE 'pending'
        END AS status
    FROM base b LEFT JOIN clock c ON c.rule = b.rule AND c.tid = b.tid
)
{final}
"""


def main() -> None:
    """Runs the query once and writes {seconds, threads, duckdb, rows} as JSON (Benchmarks/bench.py runs this in its own process)."""
    import argparse
    import json
    import time

    import duckdb

    p = argparse.ArgumentParser(description=main.__doc__)
    p.add_argument("--rules", required=True)
    p.add_argument("--platform", required=True)
    p.add_argument("--log", required=True)
    p.add_argument("--as-of", required=True)
    p.add_argument("--threads", type=int, default=os.cpu_count() or 1)
    p.add_argument("--detail", action="store_true", help="one row per finding (rule, case, trigger, status) instead of counts")
    p.add_argument("--out", required=True)
    a = p.parse_args()

    sql = query(load_versions(a.rules, a.platform), os.path.abspath(a.log), a.as_of, detail=a.detail)
    start = time.perf_counter()
    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    con.execute(f"SET threads = {a.threads}")
    # DuckDB would push the OR of every reader's filter into the materialized records, evaluating
    # it on each line of the log; the readers filter again anyway, so that only costs time.
    con.execute("SET disabled_optimizers = 'cte_filter_pusher'")
    rows = con.execute(sql).fetchall()
    seconds = time.perf_counter() - start
    # Not timed: the latest instant, to show the audit instant comes after the log.
    latest = con.execute(
        f"SELECT strftime(max(\"at\"), '%Y-%m-%dT%H:%M:%S.%fZ') FROM read_ndjson({_q(os.path.abspath(a.log))}, columns = {{'at': 'TIMESTAMPTZ'}})"
    ).fetchone()[0]
    with open(a.out, "w") as f:
        json.dump({"seconds": seconds, "threads": a.threads, "duckdb": duckdb.__version__, "latest": latest, "rows": rows}, f)


if __name__ == "__main__":
    main()
