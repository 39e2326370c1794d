#!/usr/bin/python3
"""results.csv of bench/run.sh -> summary.md (markdown on stdout; stdlib only).

    summarize.py results.csv [--header header.md]

Every figure is the median over the reps of the per-run figures. Ratios are medians of per-rep
ratios: each rep ran the scenario on every target back to back, so a ratio compares runs taken
a few seconds apart on the same (noisy) machine.
"""
import argparse
import csv
import re
import statistics
from collections import defaultdict

ap = argparse.ArgumentParser()
ap.add_argument("csv")
ap.add_argument("--header")
a = ap.parse_args()

rows = list(csv.DictReader(open(a.csv)))
scenarios = list(dict.fromkeys(r["scenario"] for r in rows))
targets = list(dict.fromkeys(r["target"] for r in rows))
by = defaultdict(list)
for r in rows:
    by[(r["scenario"], r["target"])].append(r)


def num(x):
    try:
        return float(x)
    except (TypeError, ValueError):
        return None


def med(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def fmt(v, nd=0):
    return "–" if v is None else f"{v:,.{nd}f}"


def ok(s, t):
    return [r for r in by.get((s, t), []) if r["status"] == "ok"]


def m(s, t, col):
    return med(num(r[col]) for r in ok(s, t))


def ratio(s, t, base_s, base_t, col="tps"):
    """Median over reps of col(s, t) / col(base_s, base_t), the two taken in the same rep."""
    cur = {r["rep"]: num(r[col]) for r in ok(s, t)}
    ref = {r["rep"]: num(r[col]) for r in ok(base_s, base_t)}
    rs = [cur[k] / ref[k] for k in cur if k in ref and cur[k] is not None and ref[k]]
    return statistics.median(rs) if rs else None


def mb(kb):
    return None if kb is None else kb / 1024


reps = max((int(r["rep"]) for r in rows), default=0)
print("# pgmux end-to-end benchmark\n")
if a.header:
    print(open(a.header).read().rstrip() + "\n")

print(f"## Results (median of {reps} rep{'s' if reps != 1 else ''})\n")
print("TPS for conn/scram scenarios is connections per second (one select per connection). "
      "CPU % is of one core over the middle of each run; µs/txn is the pooler's CPU time (its whole "
      "process, all threads) per transaction in that window. RSS is the pooler's VmRSS mid-run.\n")
hdr = ["scenario", "target", "ok/runs", "TPS", "TPS min–max", "lat avg ms", "p99 ms", "connect ms",
       "pooler µs/txn", "pooler CPU %", "postgres CPU %", "pgbench CPU %", "other CPU %", "pooler RSS MB"]
print("| " + " | ".join(hdr) + " |")
print("|" + "---|" * 2 + "---:|" * (len(hdr) - 2))
for s in scenarios:
    for t in targets:
        runs = by.get((s, t), [])
        if not runs:
            continue
        good = ok(s, t)
        if not good:
            st = runs[0]["status"]
            print(f"| {s} | {t} | 0/{len(runs)} | {st} |" + " |" * (len(hdr) - 4))
            continue
        tps = [num(r["tps"]) for r in good]
        cells = [s, t, f"{len(good)}/{len(runs)}", fmt(med(tps)), f"{fmt(min(tps))}–{fmt(max(tps))}",
                 fmt(m(s, t, "lat_avg_ms"), 3), fmt(m(s, t, "lat_p99_ms"), 3), fmt(m(s, t, "conn_avg_ms"), 3),
                 fmt(m(s, t, "pooler_us_txn"), 1), fmt(m(s, t, "cpu_pooler_pct")), fmt(m(s, t, "cpu_postgres_pct")),
                 fmt(m(s, t, "cpu_pgbench_pct")), fmt(m(s, t, "cpu_other_pct")), fmt(mb(m(s, t, "rss_load_kb")), 1)]
        print("| " + " | ".join(cells) + " |")

if "pgmux" in targets:
    print("\n## pgmux against PgBouncer and direct connections (median of per-rep ratios)\n")
    print("Targets of issue 7: TPS ≥ 1.05× and CPU/txn ≤ 0.8× PgBouncer's with p99 ≤ PgBouncer's for s100 "
          "and s500; prep100 ≥ 1.5× PgBouncer 1.18's ext100; conn/scram ≥ 1.0× PgBouncer's connections/s. "
          "Transactions per pooler-CPU-second = 10^6 / µs per transaction: what one core of the pooler "
          "carries.\n")
    hdr = ["scenario", "TPS pgmux/PgBouncer", "TPS pgmux/direct", "CPU/txn pgmux/PgBouncer",
           "p99 pgmux/PgBouncer", "pgmux txns per pooler-CPU-s", "PgBouncer txns per pooler-CPU-s"]
    print("| " + " | ".join(hdr) + " |")
    print("|---|" + "---:|" * (len(hdr) - 1))
    for s in scenarios:
        if not by.get((s, "pgmux")):
            continue
        base_s, mark = s, ""
        pgb_runs = by.get((s, "pgbouncer"), [])
        if pgb_runs and all(r["status"] == "unsupported" for r in pgb_runs):
            mm = re.match(r"prep(\d+)$", s)
            if mm and ok(f"ext{mm.group(1)}", "pgbouncer"):
                base_s, mark = f"ext{mm.group(1)}", f" (vs PgBouncer's ext{mm.group(1)})"
        r_pgb = ratio(s, "pgmux", base_s, "pgbouncer")
        r_dir = ratio(s, "pgmux", s, "direct")
        r_cpu = ratio(s, "pgmux", base_s, "pgbouncer", "pooler_us_txn")
        r_p99 = ratio(s, "pgmux", base_s, "pgbouncer", "lat_p99_ms")
        us_mux, us_pgb = m(s, "pgmux", "pooler_us_txn"), m(base_s, "pgbouncer", "pooler_us_txn")
        cells = [s, fmt(r_pgb, 2) + (mark if r_pgb is not None else ""), fmt(r_dir, 2), fmt(r_cpu, 2),
                 fmt(r_p99, 2), fmt(1e6 / us_mux if us_mux else None), fmt(1e6 / us_pgb if us_pgb else None)]
        print("| " + " | ".join(cells) + " |")

idle = [s for s in scenarios if any(r["idle"] not in ("", "0") for r in rows if r["scenario"] == s)]
if idle:
    print("\n## Idle clients\n")
    print("Each idle run starts a fresh pooler process, reads its RSS, opens the idle connections "
          "(StartupMessage, ReadyForQuery, then nothing), reads RSS again, warms up, and then runs the "
          "active clients while the idle ones stay open. The last column compares the active TPS with "
          "the same target's run of the s<N> scenario (no idle clients) in the same rep.\n")
    hdr = ["scenario", "target", "idle clients open", "open time s", "RSS fresh MB", "RSS with idle MB",
           "bytes per idle client", "RSS under load MB", "active TPS", "TPS / TPS without idle"]
    print("| " + " | ".join(hdr) + " |")
    print("|---|---|" + "---:|" * (len(hdr) - 2))
    for s in idle:
        for t in targets:
            good = ok(s, t)
            if not good:
                continue
            per = [(num(r["rss_idle_kb"]) - num(r["rss_start_kb"])) * 1024 / num(r["idle_open"])
                   for r in good if num(r["rss_idle_kb"]) and num(r["rss_start_kb"]) and num(r["idle_open"])]
            plain = "s" + good[0]["clients"]
            cells = [s, t, fmt(m(s, t, "idle_open")), fmt(m(s, t, "idle_open_s"), 1),
                     fmt(mb(m(s, t, "rss_start_kb")), 1), fmt(mb(m(s, t, "rss_idle_kb")), 1), fmt(med(per)),
                     fmt(mb(m(s, t, "rss_load_kb")), 1), fmt(m(s, t, "tps")),
                     fmt(ratio(s, t, plain, t), 2) + ("" if ok(plain, t) else f" (no {plain} run)")]
            print("| " + " | ".join(cells) + " |")

other = [r for r in rows if r["status"] != "ok"]
notes = [r for r in rows if r["status"] == "ok" and r["note"]]
if other or notes:
    print("\n## Not run, failed, or noted\n")
    seen = defaultdict(list)
    for r in other:
        seen[(r["scenario"], r["target"], r["status"], r["note"])].append(r["rep"])
    for (s, t, st, note), reps_ in seen.items():
        print(f"- {s} / {t}: {st} (rep {', '.join(reps_)}): {note}")
for r in notes:
    print(f"- {r['scenario']} / {r['target']} rep {r['rep']}: {r['note']}")
