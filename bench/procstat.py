#!/usr/bin/python3
"""CPU and memory readings from /proc, for the benchmark harness (stdlib only).

    procstat.py snap FILE [--pooler PID] [--pgbench PID] [--postmaster PID]
        Records a snapshot: time, whole-machine busy ticks (/proc/stat), and the CPU ticks
        (utime+stime, which /proc/PID/stat sums over all of a process's threads) of
          pooler     the pooler process (for pgmux: the java process, not its launcher)
          pgbench    the pgbench process
          postgres   the postmaster, every process whose parent it is (backends, checkpointer,
                     ...) and the postmaster's reaped-children counters (cutime+cstime), so that
                     backends that exit inside the window (pgbench -C) are counted too
    procstat.py window DIR --warm S --window S [--pooler PID] [--postmaster PID]
        The CPU window of one pgbench run. Started before pgbench, it writes DIR/sampler.ready
        and waits for DIR/go ("<start µs since the epoch> <pgbench pid>", written once pgbench
        is started); then it sleeps until start + warm, writes snapshot DIR/cpu.a, reads the
        pooler's VmRSS half way (DIR/rss.load), and writes DIR/cpu.b at start + warm + window.
        Being up already, it takes both snapshots on time even when the machine is too busy to
        start a program quickly.
    procstat.py rss PID        VmRSS of PID in kB (empty if it is gone)
    procstat.py freeports N    N distinct free TCP ports on 127.0.0.1

record.py reads two snapshots and turns them into CPU % and CPU per transaction.
"""
import json
import os
import socket
import sys
import time

HZ = os.sysconf("SC_CLK_TCK")


def stat_fields(pid):
    """(comm, ppid, own ticks, reaped children's ticks, starttime) of a process, or None."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            s = f.read()
    except OSError:
        return None
    comm = s[s.index("(") + 1:s.rindex(")")]
    rest = s[s.rindex(")") + 2:].split()
    # rest[0] is field 3 (state): ppid = field 4, utime 14, stime 15, cutime 16, cstime 17, starttime 22
    ppid = int(rest[1])
    utime, stime, cutime, cstime = (int(x) for x in rest[11:15])
    return comm, ppid, utime + stime, cutime + cstime, int(rest[19])


def machine_busy():
    with open("/proc/stat") as f:
        v = [int(x) for x in f.readline().split()[1:]]
    user, nice, system, idle, iowait, irq, softirq, steal = v[:8]
    return user + nice + system + irq + softirq, steal


def snap(path, pooler=None, pgbench=None, postmaster=None):
    procs = {}
    if postmaster:
        pm = stat_fields(postmaster)
        if pm:
            # the postmaster's reaped children count under a key of their own
            procs["pm"] = {"postmaster": [pm[2], pm[4]], "reaped": pm[3], "children": {}}
            for pid in os.listdir("/proc"):
                if pid.isdigit():
                    st = stat_fields(pid)
                    if st and st[1] == int(postmaster):
                        procs["pm"]["children"][pid] = [st[2], st[4]]
    for name, pid in (("pooler", pooler), ("pgbench", pgbench)):
        if pid:
            st = stat_fields(pid)
            if st:
                procs[name] = [st[2], st[4]]
    busy, steal = machine_busy()
    d = {"t": time.time(), "hz": HZ, "busy": busy, "steal": steal, "procs": procs}
    with open(path + ".tmp", "w") as f:
        json.dump(d, f)
    os.replace(path + ".tmp", path)


def diff(a, b):
    """CPU seconds used between snapshots a and b (dicts), per class, and the window length."""
    hz = b["hz"]
    out = {"secs": b["t"] - a["t"]}
    for name in ("pooler", "pgbench"):
        pa, pb = a["procs"].get(name), b["procs"].get(name)
        if pa and pb and pa[1] == pb[1]:
            out[name] = (pb[0] - pa[0]) / hz
        else:
            out[name] = None
    pa, pb = a["procs"].get("pm"), b["procs"].get("pm")
    if pa and pb and pa["postmaster"][1] == pb["postmaster"][1]:
        ticks = pb["postmaster"][0] - pa["postmaster"][0] + pb["reaped"] - pa["reaped"]
        for pid, (t, start) in pb["children"].items():
            old = pa["children"].get(pid)
            ticks += t - old[0] if old and old[1] == start else t
        out["postgres"] = ticks / hz
    else:
        out["postgres"] = None
    out["busy"] = (b["busy"] - a["busy"]) / hz
    out["steal"] = (b["steal"] - a["steal"]) / hz
    return out


def rss_kb(pid):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return None


def free_ports(n):
    socks, ports = [], []
    try:
        while len(ports) < n:
            s = socket.socket()
            s.bind(("127.0.0.1", 0))
            socks.append(s)
            ports.append(s.getsockname()[1])
    finally:
        for s in socks:
            s.close()
    return ports


def sleep_until(t):
    left = t - time.time()
    if left > 0:
        time.sleep(left)


def window(out_dir, warm, length, pooler, postmaster):
    open(os.path.join(out_dir, "sampler.ready"), "w").close()
    go = os.path.join(out_dir, "go")
    deadline = time.time() + 60
    while not os.path.exists(go):
        if time.time() > deadline:
            sys.exit("procstat.py: no go file")
        time.sleep(0.005)
    start_us, pgbench = open(go).read().split()
    t0 = int(start_us) / 1e6
    sleep_until(t0 + float(warm))
    snap(os.path.join(out_dir, "cpu.a"), pooler, pgbench, postmaster)
    sleep_until(t0 + float(warm) + float(length) / 2)
    if pooler:
        with open(os.path.join(out_dir, "rss.load"), "w") as f:
            f.write(f"{rss_kb(pooler) or ''}\n")
    sleep_until(t0 + float(warm) + float(length))
    snap(os.path.join(out_dir, "cpu.b"), pooler, pgbench, postmaster)


def main(argv):
    if len(argv) >= 2 and argv[0] in ("snap", "window"):
        opts = dict(zip(argv[2::2], argv[3::2]))
        if argv[0] == "snap":
            snap(argv[1], opts.get("--pooler"), opts.get("--pgbench"), opts.get("--postmaster"))
        else:
            window(argv[1], opts["--warm"], opts["--window"], opts.get("--pooler"), opts.get("--postmaster"))
    elif len(argv) == 2 and argv[0] == "rss":
        v = rss_kb(argv[1])
        print("" if v is None else v)
    elif len(argv) == 2 and argv[0] == "freeports":
        print(" ".join(str(p) for p in free_ports(int(argv[1]))))
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv[1:])
