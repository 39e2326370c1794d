#!/usr/bin/python3
"""Turn one pgbench run into one row of results.csv (stdlib only).

    record.py --csv FILE --set key=value ... [--pgbench-out FILE --logs PREFIX --rc N
              --snap-a FILE --snap-b FILE]

--set gives the row's fixed fields (rep, scenario, target, clients, idle, user, duration_s,
status, rss_*_kb, idle_open, idle_open_s, started, note). With --pgbench-out the run is parsed:
  tps, lat_avg_ms, conn_avg_ms, txns, failed       pgbench's own summary
  lat_p50_ms, lat_p99_ms                           from the per-transaction --log files (all of
                                                   the run; under -C without connection time)
  win_s, win_txns, win_tps                         the CPU window between the two snapshots, and
                                                   the transactions that ended inside it (log
                                                   timestamps)
  cpu_*_pct                                        CPU in that window, % of one core
  pooler_us_txn, postgres_us_txn, pgbench_us_txn   CPU µs per transaction in that window
A run is FAIL when pgbench exits non-zero, a client aborts or a transaction fails.
Prints a one-line account of the run on stdout.
"""
import argparse
import csv
import glob
import json
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import procstat  # noqa: E402

COLUMNS = ("rep scenario target clients idle user duration_s status tps lat_avg_ms lat_p50_ms lat_p99_ms "
           "conn_avg_ms txns failed win_s win_txns win_tps cpu_pooler_pct cpu_postgres_pct cpu_pgbench_pct "
           "cpu_other_pct cpu_busy_pct cpu_steal_pct pooler_us_txn postgres_us_txn pgbench_us_txn "
           "rss_start_kb rss_idle_kb rss_load_kb idle_open idle_open_s started note").split()


def parse_pgbench_out(path):
    text = open(path, errors="replace").read()
    r = {}

    def grab(key, pattern):
        m = re.search(pattern, text, re.M)
        if m:
            r[key] = m.group(1)
    grab("tps", r"^tps = ([0-9.]+)")
    grab("lat_avg_ms", r"^latency average = ([0-9.]+) ms")
    grab("conn_avg_ms", r"^average connection time = ([0-9.]+) ms")
    grab("txns", r"^number of transactions actually processed: ([0-9]+)")
    grab("failed", r"^number of failed transactions: ([0-9]+)")
    aborted = len(re.findall(r"aborted in command|aborted while", text))
    errors = [line for line in text.splitlines() if re.search(r"error|FATAL|ERROR", line)]
    return r, aborted, errors


def parse_logs(prefix, t_a, t_b):
    """All transaction latencies (µs) and the count of transactions that ended in [t_a, t_b]."""
    lat, in_window = [], 0
    for path in glob.glob(glob.escape(prefix) + ".*"):
        with open(path) as f:
            for line in f:
                p = line.split()
                # client_id transaction_no time script_no time_epoch time_us [schedule_lag ...]
                if len(p) >= 6 and p[2].isdigit():
                    lat.append(int(p[2]))
                    if t_a is not None:
                        end = int(p[4]) + int(p[5]) / 1e6
                        if t_a <= end < t_b:
                            in_window += 1
    lat.sort()
    return lat, in_window


def num(x):
    try:
        return float(x)
    except ValueError:
        return None


def fmt(v, nd):
    return "" if v is None else f"{v:.{nd}f}"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--csv", required=True)
    ap.add_argument("--set", action="append", default=[])
    ap.add_argument("--pgbench-out")
    ap.add_argument("--logs")
    ap.add_argument("--rc", type=int, default=0)
    ap.add_argument("--snap-a")
    ap.add_argument("--snap-b")
    ap.add_argument("--window", type=float, help="the planned CPU window, s")
    a = ap.parse_args()
    row = dict.fromkeys(COLUMNS, "")
    for kv in a.set:
        k, _, v = kv.partition("=")
        if k not in row:
            sys.exit(f"record.py: unknown column {k}")
        row[k] = v

    if a.pgbench_out:
        summary, aborted, errors = parse_pgbench_out(a.pgbench_out)
        row.update(summary)
        snaps = None
        if a.snap_a and a.snap_b and os.path.exists(a.snap_a) and os.path.exists(a.snap_b):
            snaps = [json.load(open(p)) for p in (a.snap_a, a.snap_b)]
        t_a, t_b = (snaps[0]["t"], snaps[1]["t"]) if snaps else (None, None)
        lat, win_txns = parse_logs(a.logs, t_a, t_b) if a.logs else ([], 0)
        if lat:
            n = len(lat)
            row["lat_p50_ms"] = fmt(lat[min(n - 1, int(0.50 * n))] / 1000, 3)
            row["lat_p99_ms"] = fmt(lat[min(n - 1, int(0.99 * n))] / 1000, 3)
            if not row["lat_avg_ms"]:
                row["lat_avg_ms"] = fmt(sum(lat) / n / 1000, 3)
        if snaps:
            d = procstat.diff(*snaps)
            secs = d["secs"]
            row["win_s"] = fmt(secs, 2)
            row["win_txns"] = str(win_txns)
            row["win_tps"] = fmt(win_txns / secs, 0)
            ours = 0.0
            for name in ("pooler", "postgres", "pgbench"):
                cpu = d[name]
                if cpu is None:
                    continue
                ours += cpu
                row[f"cpu_{name}_pct"] = fmt(100 * cpu / secs, 1)
                if win_txns:
                    row[f"{name}_us_txn"] = fmt(cpu * 1e6 / win_txns, 1)
            row["cpu_busy_pct"] = fmt(100 * d["busy"] / secs, 1)
            row["cpu_other_pct"] = fmt(100 * max(d["busy"] - ours, 0) / secs, 1)
            row["cpu_steal_pct"] = fmt(100 * d["steal"] / secs, 1)
            if a.window and abs(secs - a.window) > max(0.5, 0.2 * a.window):
                row["note"] = "; ".join(filter(None, [row["note"], f"CPU window {secs:.2f} s instead of "
                                                      f"{a.window:.0f} s (machine overloaded?)"]))
        problems = []
        if a.rc != 0:
            problems.append(f"pgbench exit {a.rc}")
        if aborted:
            problems.append(f"{aborted} clients aborted")
        if row["failed"] not in ("", "0"):
            problems.append(f"{row['failed']} failed transactions")
        if not row["tps"]:
            problems.append("no tps in pgbench output")
        if problems:
            row["status"] = "FAIL"
            first = errors[0][:200] if errors else ""
            row["note"] = "; ".join(filter(None, [row["note"], ", ".join(problems), first]))

    new = not os.path.exists(a.csv) or os.path.getsize(a.csv) == 0
    with open(a.csv, "a", newline="") as f:
        w = csv.DictWriter(f, fieldnames=COLUMNS)
        if new:
            w.writeheader()
        w.writerow(row)

    if row["status"] in ("skipped", "unsupported"):
        print(f"{row['status']}: {row['note']}")
        return
    tps = num(row["tps"])
    parts = [row["status"], f"tps={'-' if tps is None else f'{tps:.0f}'}", f"lat={row['lat_avg_ms'] or '-'}ms",
             f"p99={row['lat_p99_ms'] or '-'}ms"]
    if row["conn_avg_ms"]:
        parts.append(f"conn={row['conn_avg_ms']}ms")
    parts.append(f"cpu% pooler/pg/pgbench/other={row['cpu_pooler_pct'] or '-'}/{row['cpu_postgres_pct'] or '-'}"
                 f"/{row['cpu_pgbench_pct'] or '-'}/{row['cpu_other_pct'] or '-'}")
    if row["pooler_us_txn"]:
        parts.append(f"pooler={row['pooler_us_txn']}us/txn")
    if row["rss_load_kb"]:
        parts.append(f"rss={row['rss_load_kb']}kB")
    if row["note"]:
        parts.append(f"note: {row['note']}")
    print(" ".join(parts))


if __name__ == "__main__":
    main()
