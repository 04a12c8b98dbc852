#!/usr/bin/env python3
"""pasted_log_bench: CPU time of `vigil diagnose --log` on large training logs.

Writes logs with bench/training_log.py (a 64-rank job's NCCL_DEBUG=INFO output, step lines and
dataloader warnings, ending in rank 12's NCCL watchdog timeout and its traceback) of each size
given, in megabytes, and with --warn-percent of untimed NCCL WARN lines (an IB fabric going bad:
every one matches a knowledge-base signature, so the log budget keeps them all), runs
`BIN diagnose --log FILE --no-probes` on each and reports the child's CPU seconds (user + sys, from
wait4: the machine's other load does not count, wall time does) and the root cause answered (the
watchdog's nccl_collective_hang; with many WARN lines ib_link_failure), and prints the CPU per MB
above the baseline measured
in the same run: the same binary on a 0.1 MB log of the same kind (process start, knowledge-base
load). The ratio column is the size's CPU over the baseline's.

  python3 bench/pasted_log_bench.py build/bin/vigil                          # 5 and 50 MB, 0 % and 2 % WARN
  python3 bench/pasted_log_bench.py build/bin/vigil --sizes 50 --warn 2 --base /tmp/vigil-old

--base BIN2 runs the same logs with a second binary in the same run, prints new/base and whether
the two answered the same text.
Run from the repository root (the binary reads data/knowledge). Exit 2 on a bad argument.
"""
import argparse
import os
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))


def cpu_run(binary, path):
    """CPU seconds (user+sys), wall and the text answer of one run; raises on a failed run."""
    t0 = time.monotonic()
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        p = subprocess.Popen([binary, "diagnose", "--log", path, "--no-probes"], stdout=out, stderr=err)
        _, status, ru = os.wait4(p.pid, 0)
        wall = time.monotonic() - t0
        out.seek(0)
        text = out.read().decode(errors="replace")
        if os.waitstatus_to_exitcode(status) != 0:
            err.seek(0)
            raise RuntimeError("%s on %s: exit %d, %s" % (binary, path, os.waitstatus_to_exitcode(status),
                                                         err.read().decode(errors="replace")[-300:]))
    return ru.ru_utime + ru.ru_stime, wall, text


def root_cause(text):
    for line in text.splitlines():
        if line.startswith("root_cause:"):
            return line.split()[1]
    return "?"


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("binary", help="the vigil binary")
    ap.add_argument("--sizes", default="5,50", help="log sizes in MB, comma-separated (each > 0.1, at most 200)")
    ap.add_argument("--warn", default="0,2", help="percents of NCCL WARN lines, comma-separated (0-100)")
    ap.add_argument("--base", help="a second vigil binary run on the same logs (its figures and new/base)")
    a = ap.parse_args()
    try:
        sizes = [float(x) for x in a.sizes.split(",")]
        warns = [float(x) for x in a.warn.split(",")]
    except ValueError:
        ap.error("--sizes and --warn take numbers separated by commas")
    if not sizes or min(sizes) <= 0.1 or max(sizes) > 200 or not warns or min(warns) < 0 or max(warns) > 100:
        ap.error("--sizes must be in (0.1, 200] MB, --warn in [0, 100]")
    for b in [a.binary] + ([a.base] if a.base else []):
        if not os.access(b, os.X_OK):
            ap.error("not an executable: %s" % b)
    bins = [("new", a.binary)] + ([("base", a.base)] if a.base else [])
    with tempfile.TemporaryDirectory(prefix="pasted_log_bench_") as tmp:
        def make(mb, warn):
            path = os.path.join(tmp, "train-%gMB-%gwarn.log" % (mb, warn))
            with open(path, "w") as f:
                subprocess.run([sys.executable, os.path.join(HERE, "training_log.py"), "--mb", str(mb),
                                "--warn-percent", str(warn)], stdout=f, check=True)
            return path
        base_log = make(0.1, 0)
        logs = [(mb, w, make(mb, w)) for w in warns for mb in sizes]
        results = {}
        for name, b in bins:
            baseline = cpu_run(b, base_log)[0]
            results[name] = (baseline, [(mb, w) + cpu_run(b, path) for mb, w, path in logs])
        for name, b in bins:
            baseline, rows = results[name]
            print("%s %s: 0.1 MB log %.3f s CPU (baseline: start + KB load)" % (name, b, baseline))
            print("  %7s %6s %10s %10s %12s %10s  %s" % ("MB", "WARN %", "CPU s", "wall s", "CPU s/MB", "ratio",
                                                       "root_cause"))
            for mb, w, cpu, wall, text in rows:
                print("  %7g %6g %10.3f %10.2f %12.4f %9.1fx  %s" % (mb, w, cpu, wall, (cpu - baseline) / mb,
                                                                   cpu / baseline, root_cause(text)))
        if a.base:
            pairs = list(zip(results["new"][1], results["base"][1]))
            print("new / base CPU:", ", ".join("%g MB %g%% %.2fx" % (rn[0], rn[1], rn[2] / rb[2]) for rn, rb in pairs))
            same = [rn[4] == rb[4] for rn, rb in pairs]
            print("answers (text output) the same as base's:", "all" if all(same) else
                  "NOT for " + ", ".join("%g MB %g%%" % (rn[0], rn[1]) for (rn, rb), ok in zip(pairs, same) if not ok))


if __name__ == "__main__":
    main()
