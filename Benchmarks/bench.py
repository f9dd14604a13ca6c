"""Oblige against DuckDB on the same JSON Lines logs (issue 7). Run through Benchmarks/run.

For each log: times `oblige audit --format jsonl` with every shipped rule and with ten rule files,
times DuckDB computing the same verdicts for the rules SQL states exactly (duckdb_rules.py),
checks that both give the same counts per rule and status, and prints throughput, peak resident
memory and how cost grows. Raw figures go to results.json. Stops at the first disagreement.
"""

from __future__ import annotations

import argparse
import collections
import datetime as dt
import hashlib
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import duckdb_rules  # noqa: E402

# The demo's audit instant (README, scripts/demo).
DEMO_AS_OF = "2025-11-01T00:00:00Z"

# Statuses `oblige audit --format jsonl` lists without --all (met findings need --all).
COMPARED = ("late", "overdue", "pending")

# The ten rule files of the reduced library: those of the shared rules, and NetzDG's § 3.
TEN_RULE_FILES = [
    "dsa/art16-decision.yaml", "dsa/art16-notice-ack.yaml", "dsa/art18-crime.yaml", "dsa/art20-handle.yaml",
    "dsa/art22-trusted-flagger.yaml", "dsa/art24-sor-db.yaml", "tco/art3-removal-order.yaml",
    "tco/art3-inform-authority.yaml", "us-2258a/report.yaml", "netzdg/s3-unlawful.yaml",
]


class Failure(Exception):
    pass


def say(text: str = "") -> None:
    print(text, flush=True)


TIMEOUT = 3600.0


def measured(argv: list[str], stdout_path: str | None = None, ok: tuple[int, ...] = (0,)) -> dict:
    """Runs a command; wall seconds and peak resident memory (MB) of the process (os.wait4).

    A command still running after TIMEOUT seconds is killed and the benchmark stops.
    """
    with open(stdout_path or os.devnull, "wb") as out:
        start = time.perf_counter()
        proc = subprocess.Popen(argv, stdout=out, stderr=subprocess.PIPE)
        timer = threading.Timer(TIMEOUT, proc.kill)
        timer.start()
        try:
            stderr = proc.stderr.read() if proc.stderr else b""
            _, status, usage = os.wait4(proc.pid, 0)
        finally:
            timer.cancel()
        seconds = time.perf_counter() - start
    code = os.waitstatus_to_exitcode(status)
    proc.returncode = code
    if seconds >= TIMEOUT and code < 0:
        raise Failure(f"{' '.join(argv)} was still running after {TIMEOUT:.0f} s (--timeout) and was stopped")
    if code not in ok:
        raise Failure(f"{' '.join(argv)} exited {code}:\n{stderr.decode(errors='replace')[-4000:]}")
    return {"seconds": seconds, "peak_rss_mb": usage.ru_maxrss / 1024, "exit": code}


def best_of(times: int, argv: list[str], stdout_path: str | None = None, ok: tuple[int, ...] = (0,)) -> dict:
    """The fastest of `times` runs (a shared machine only ever slows a run down); peak RSS the largest."""
    runs = [measured(argv, stdout_path, ok) for _ in range(times)]
    fastest = min(runs, key=lambda r: r["seconds"])
    return {**fastest, "peak_rss_mb": max(r["peak_rss_mb"] for r in runs), "runs": [r["seconds"] for r in runs]}


def count_lines(path: str) -> int:
    n = 0
    with open(path, "rb") as f:
        while chunk := f.read(1 << 24):
            n += chunk.count(b"\n")
    return n


def sha256(path: str) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(1 << 24):
            h.update(chunk)
    return h.hexdigest()


def oblige_counts(path: str, rules: set[str]) -> dict[tuple[str, str], int]:
    """Findings per (rule, status) in an `oblige audit --format jsonl` output, for `rules`."""
    counts: collections.Counter = collections.Counter()
    with open(path, "rb") as f:
        for line in f:
            finding = json.loads(line)
            if finding["rule"] in rules:
                counts[(finding["rule"], finding["status"])] += 1
    return dict(counts)


def compare(name: str, left: dict, right: dict, left_name: str, right_name: str, rules: list[str]) -> list[dict]:
    """Per shared rule and compared status: both counts; raises Failure on any difference."""
    rows, bad = [], []
    for rule in rules:
        for status in COMPARED:
            a, b = left.get((rule, status), 0), right.get((rule, status), 0)
            rows.append({"rule": rule, "status": status, left_name: a, right_name: b})
            if a != b:
                bad.append(f"  {rule:28} {status:8} {left_name} {a}  {right_name} {b}")
    if bad:
        raise Failure(f"{name}: {left_name} and {right_name} disagree:\n" + "\n".join(bad))
    return rows


def ten_rule_library(rules_root: str, into: str) -> str:
    """A copy of the library with only TEN_RULE_FILES as rule files (vocabularies, calendars, penalties kept)."""
    lib = os.path.join(into, "Rules")
    shutil.copytree(rules_root, lib)
    kept = 0
    for root, _, files in os.walk(lib):
        rel_root = os.path.relpath(root, lib)
        if rel_root.split(os.sep)[0] in ("calendars", "penalties"):
            continue
        for name in files:
            rel = os.path.normpath(os.path.join(rel_root, name))
            if not name.endswith(".yaml") or name == "vocabulary.yaml":
                continue
            if rel in TEN_RULE_FILES:
                kept += 1
            else:
                os.remove(os.path.join(root, name))
    if kept != len(TEN_RULE_FILES):
        raise Failure(f"the reduced library kept {kept} rule files, not {len(TEN_RULE_FILES)}: a file of TEN_RULE_FILES is missing")
    return lib


def rule_files(rules_root: str) -> int:
    n = 0
    for root, _, files in os.walk(rules_root):
        if os.path.relpath(root, rules_root).split(os.sep)[0] in ("calendars", "penalties"):
            continue
        n += sum(1 for f in files if f.endswith(".yaml") and f != "vocabulary.yaml")
    return n


def machine() -> dict:
    cpu = ""
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next((l.split(":", 1)[1].strip() for l in f if l.startswith("model name")), "")
    except OSError:
        pass
    mem = ""
    try:
        with open("/proc/meminfo") as f:
            kb = int(next(l for l in f if l.startswith("MemTotal")).split()[1])
            mem = f"{kb / 1024 / 1024:.1f} GiB"
    except (OSError, StopIteration):
        pass
    return {"cpu": cpu, "cores": os.cpu_count(), "memory": mem, "system": platform.platform(), "python": platform.python_version()}


def main() -> int:
    global TIMEOUT
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--oblige", required=True, help="the release binary")
    p.add_argument("--sizes", default="1000000,10000000", help="events per generated log, comma-separated")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--as-of", default="2027-07-01T00:00:00Z", help="the audit instant: after the last event of the generated logs (cases start in 2025; holds end up to early 2027)")
    p.add_argument("--log", action="append", default=[], help="benchmark this JSON Lines log instead of generating (repeatable)")
    p.add_argument("--platform", default="Fixtures/demo/platform.yaml")
    p.add_argument("--rules", default="Rules")
    p.add_argument("--dir", default=".build/bench", help="logs, outputs and results.json")
    p.add_argument("--duckdb-python", default=sys.executable)
    p.add_argument("--repeat", type=int, default=3, help="time Oblige and DuckDB this many times each and keep the fastest (default 3: a single DuckDB run on this VM can take twice as long as the next)")
    p.add_argument("--timeout", type=float, default=3600.0, help="seconds any one command may take")
    a = p.parse_args()
    TIMEOUT = a.timeout

    os.makedirs(a.dir, exist_ok=True)
    here = os.path.dirname(os.path.abspath(__file__))
    help_text = subprocess.run([a.oblige, "audit", "--help"], capture_output=True, text=True).stdout
    threads_flag = "--threads" in help_text
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
    versions = duckdb_rules.load_versions(a.rules, a.platform)
    shared = list(duckdb_rules.SHARED_RULES)
    results = {
        "date": dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat(),
        "commit": commit, "machine": machine(), "as_of": a.as_of, "seed": a.seed,
        "platform": a.platform, "repeat": a.repeat, "rule_files": rule_files(a.rules), "ten_rule_files": TEN_RULE_FILES,
        "shared_rules": shared, "compared_statuses": list(COMPARED), "runs": [],
    }

    # 0. Finding by finding on the demo log, met included: the SQL states the rules exactly.
    demo = "Fixtures/demo/incidents.jsonl"
    if os.path.exists(demo):
        say("== The SQL against Oblige, finding by finding, on the demo log")
        demo_out = os.path.join(a.dir, "demo.oblige.jsonl")
        measured([a.oblige, "audit", "--platform", a.platform, "--rules", a.rules, "--log", demo, "--as-of", DEMO_AS_OF,
                  "--format", "jsonl", "--all", "--quiet"], demo_out, ok=(0, 1))
        demo_sql = os.path.join(a.dir, "demo.duckdb.json")
        measured([a.duckdb_python, os.path.join(here, "duckdb_rules.py"), "--rules", a.rules, "--platform", a.platform,
                  "--log", demo, "--as-of", DEMO_AS_OF, "--detail", "--out", demo_sql])
        with open(demo_sql) as f:
            sql = {(rule, case, trigger): status for rule, case, trigger, status in json.load(f)["rows"]}
        mine = {}
        with open(demo_out) as f:
            for line in f:
                finding = json.loads(line)
                if finding["rule"] in shared:
                    mine[(finding["rule"], finding["case"], finding["trigger"])] = finding["status"]
        diff = [f"  {k[0]} case {k[1]} trigger {k[2]}: oblige {mine.get(k)}, duckdb {sql.get(k)}"
                for k in sorted(set(sql) | set(mine)) if sql.get(k) != mine.get(k)]
        if diff:
            raise Failure("the demo log's verdicts differ:\n" + "\n".join(diff))
        say(f"  {len(mine)} findings of {len(shared)} rules, every one the same (met included)")
        results["demo_findings_compared"] = len(mine)

    # 1. The logs.
    logs = []
    if a.log:
        logs = [(path, None) for path in a.log]
    else:
        say("== Generating logs")
        for size in (int(s) for s in a.sizes.split(",")):
            path = os.path.join(a.dir, f"events-{size}.jsonl")
            r = measured([a.oblige, "generate", "--events", str(size), "--seed", str(a.seed), "--format", "jsonl", "--out", path])
            say(f"  {path}: {size:,} events in {r['seconds']:.1f} s")
            logs.append((path, r["seconds"]))
        # Written back now, not during the timings: the kernel writes the 1.3 GB of a fresh 10 M
        # log back some 30 s after it was written, which would land in whichever timing runs then.
        os.sync()

    tmp = tempfile.mkdtemp(prefix="oblige-bench-")
    try:
        ten = ten_rule_library(a.rules, tmp)
        # Start-up alone (the rules and the profile loaded, nothing read): a fixed cost, which
        # weighs more on the smaller log, so that per-event costs are also compared without it.
        empty = os.path.join(tmp, "empty.jsonl")
        open(empty, "w").close()
        startup = best_of(a.repeat, [a.oblige, "audit", "--platform", a.platform, "--rules", a.rules, "--log", empty,
                                     "--as-of", a.as_of, "--format", "jsonl", "--quiet"], os.devnull, ok=(0, 1))
        results["startup_seconds"] = startup["seconds"]
        say(f"\n== Start-up (an empty log, every shipped rule): {startup['seconds']:.2f} s")
        for path, gen_seconds in logs:
            events = count_lines(path)
            size_mb = os.path.getsize(path) / 1e6
            tag = os.path.splitext(os.path.basename(path))[0]
            say(f"\n== {path}: {events:,} events, {size_mb:,.1f} MB (load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores)")
            base = [a.oblige, "audit", "--platform", a.platform, "--log", path, "--as-of", a.as_of, "--format", "jsonl", "--quiet"]
            # The machine may be shared: the load before the timings says how far to trust them.
            run = {"log": path, "events": events, "mb": size_mb, "generate_seconds": gen_seconds, "load_average_before": os.getloadavg()[0]}

            # 2. Oblige, every shipped rule.
            out_all = os.path.join(a.dir, f"{tag}.oblige.jsonl")
            rejects = os.path.join(a.dir, f"{tag}.rejects.jsonl")
            r = best_of(a.repeat, base + ["--rules", a.rules, "--rejects", rejects], out_all, ok=(0, 1))
            run["oblige"] = r
            say(f"  oblige, all {results['rule_files']} rule files: {r['seconds']:.2f} s, peak RSS {r['peak_rss_mb']:.0f} MB")
            translated = {m.type for v in versions for m in [v.trigger, *v.fulfilled_by, *v.suspend_on, *v.restart_on]}
            n_rejects, relevant = 0, 0
            if os.path.exists(rejects):
                with open(rejects) as f:
                    for line in f:
                        n_rejects += 1
                        record = json.loads(line).get("record")
                        if not isinstance(record, str) or any(f'"{t}"' in record for t in translated):
                            relevant += 1
            run["rejects"] = n_rejects
            if relevant:
                raise Failure(f"{rejects}: {relevant} rejected records may be of a type the SQL reads; it cannot tell rejects apart, so the comparison would not be exact")

            # 3. Oblige, ten rule files.
            out_ten = os.path.join(a.dir, f"{tag}.oblige-10.jsonl")
            r = best_of(a.repeat, base + ["--rules", ten], out_ten, ok=(0, 1))
            run["oblige_10_rules"] = r
            say(f"  oblige, 10 rule files: {r['seconds']:.2f} s, peak RSS {r['peak_rss_mb']:.0f} MB")

            # 4. One and two threads, when the binary has the flag: byte-identical output.
            if threads_flag:
                digest = sha256(out_all)
                run["threads"] = {}
                for n in (1, 2):
                    out_n = os.path.join(a.dir, f"{tag}.oblige-t{n}.jsonl")
                    r = measured(base + ["--rules", a.rules, "--threads", str(n)], out_n, ok=(0, 1))
                    same = sha256(out_n) == digest
                    run["threads"][str(n)] = {**r, "identical": same}
                    say(f"  oblige --threads {n}: {r['seconds']:.2f} s, peak RSS {r['peak_rss_mb']:.0f} MB, output {'identical' if same else 'DIFFERENT'}")
                    if not same:
                        raise Failure(f"--threads {n} wrote different output: diff {out_all} {out_n}")
                    os.remove(out_n)

            # 5. DuckDB over the same file, every core.
            duck_out = os.path.join(a.dir, f"{tag}.duckdb.json")
            duck, r = None, None
            for _ in range(a.repeat):
                once = measured([a.duckdb_python, os.path.join(here, "duckdb_rules.py"), "--rules", a.rules, "--platform", a.platform,
                                 "--log", path, "--as-of", a.as_of, "--threads", str(os.cpu_count() or 1), "--out", duck_out])
                with open(duck_out) as f:
                    got = json.load(f)
                if duck is None or got["seconds"] < duck["seconds"]:
                    duck, r = got, {**once, "peak_rss_mb": max(once["peak_rss_mb"], r["peak_rss_mb"] if r else 0)}
            run["duckdb"] = {"seconds": duck["seconds"], "process_seconds": r["seconds"], "peak_rss_mb": r["peak_rss_mb"],
                             "threads": duck["threads"], "version": duck["duckdb"]}
            results["duckdb_version"] = duck["duckdb"]
            run["latest_event"] = duck["latest"]
            say(f"  duckdb {duck['duckdb']}, {duck['threads']} threads: query {duck['seconds']:.2f} s (process {r['seconds']:.2f} s), peak RSS {r['peak_rss_mb']:.0f} MB")
            if duck["latest"] and duck["latest"] > dt.datetime.fromisoformat(a.as_of.replace("Z", "+00:00")).astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ"):
                say(f"  note: the log runs to {duck['latest']}, after the audit instant {a.as_of}; both sides leave the later events out")

            # 6. The verdicts agree.
            sql = {(rule, status): n for rule, status, n in duck["rows"]}
            mine = oblige_counts(out_all, set(shared))
            run["verdicts"] = compare(tag, mine, sql, "oblige", "duckdb", shared)
            compare(tag + " (10 rule files)", oblige_counts(out_ten, set(shared)), mine, "oblige_10", "oblige", shared)
            run["duckdb_met"] = {rule: sql.get((rule, "met"), 0) for rule in shared}
            say(f"  verdicts agree: {sum(sql.get((x, s), 0) for x in shared for s in COMPARED):,} findings of {len(shared)} rules "
                f"({', '.join(COMPARED)}); met, not listed by Oblige without --all: {sum(run['duckdb_met'].values()):,}")
            results["runs"].append(run)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    # 7. The table.
    runs = results["runs"]
    say("\n== Results (events: lines of the log, repeated records included; MB = 10^6 bytes;")
    say("   Oblige: the whole process, every shipped rule; DuckDB: the whole query, reading the file included)")
    head = f"{'events':>12} {'MB':>8} {'Oblige s':>9} {'events/s':>11} {'MB/s':>7} {'RSS MB':>7} {'DuckDB s':>9} {'events/s':>11} {'Obl/Duck':>8}"
    say(head)
    say("-" * len(head))
    for run in runs:
        o, d = run["oblige"], run["duckdb"]
        run["oblige"]["events_per_s"] = run["events"] / o["seconds"]
        run["oblige"]["mb_per_s"] = run["mb"] / o["seconds"]
        run["duckdb"]["events_per_s"] = run["events"] / d["seconds"]
        run["duckdb"]["mb_per_s"] = run["mb"] / d["seconds"]
        run["throughput_ratio"] = d["seconds"] / o["seconds"]
        run["ten_vs_all_cost"] = run["oblige_10_rules"]["seconds"] / o["seconds"]
        say(f"{run['events']:>12,} {run['mb']:>8,.0f} {o['seconds']:>9.2f} {o['events_per_s']:>11,.0f} {o['mb_per_s']:>7.1f} "
            f"{o['peak_rss_mb']:>7.0f} {d['seconds']:>9.2f} {d['events_per_s']:>11,.0f} {run['throughput_ratio']:>8.2f}")
    say("\nCost growth")
    for run in runs:
        say(f"  {run['events']:>12,} events: 10 rule files {run['oblige_10_rules']['seconds']:.2f} s, all {results['rule_files']} "
            f"{run['oblige']['seconds']:.2f} s: 10/all = {run['ten_vs_all_cost']:.2f}")
    if len(runs) > 1:
        first = runs[0]
        per = lambda run: run["oblige"]["seconds"] / run["events"]
        for run in runs[1:]:
            ratio = per(run) / per(first)
            results.setdefault("per_event_cost_ratio", {})[f"{run['events']}/{first['events']}"] = ratio
            say(f"  per-event cost at {run['events']:,} / at {first['events']:,} events: {ratio:.3f} "
                f"({per(run) * 1e6:.3f} µs vs {per(first) * 1e6:.3f} µs); peak RSS {run['oblige']['peak_rss_mb']:.0f} MB vs {first['oblige']['peak_rss_mb']:.0f} MB")
            net = lambda run: (run["oblige"]["seconds"] - results["startup_seconds"]) / run["events"]
            if net(first) > 0:
                results.setdefault("per_event_cost_ratio_net_of_startup", {})[f"{run['events']}/{first['events']}"] = net(run) / net(first)
                say(f"  the same net of start-up ({results['startup_seconds']:.2f} s): {net(run) / net(first):.3f} "
                    f"({net(run) * 1e6:.3f} µs vs {net(first) * 1e6:.3f} µs)")
    if not threads_flag:
        say("  oblige audit has no --threads: the one/two-thread comparison was skipped")
    say("\nNot compared with DuckDB (no exact SQL here): calendar periods (Reg. 1182/71, BGB §§ 187-193, roll-over to working")
    say("days), dated duties (schedule), holds, deadlines read from the event (respond_by, with zones), extensions and")
    say("earlier fulfilments. Oblige evaluates them all in its timed run.")

    out = os.path.join(a.dir, "results.json")
    with open(out, "w") as f:
        json.dump(results, f, indent=2)
    say(f"\nRaw figures: {out}")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except Failure as e:
        print(f"\nBENCHMARK FAILED: {e}", file=sys.stderr, flush=True)
        sys.exit(1)
