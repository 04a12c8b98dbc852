#!/usr/bin/env python3
"""storm_triage_bench: CPU time of `vigil diagnose --alert` on alert-storm webhooks.

Writes webhooks with bench/storm_webhook.py (nodes x 8 GPUs x XidError, NVLinkDown, GPUMissing,
NodeDown, plus one co-firing job alert) of N alerts for each N given, runs
`BIN diagnose --alert FILE --json --no-probes` on each (no Prometheus / Alertmanager configured:
what `vigil serve` triages without them) and reports the child's CPU seconds (user + sys, from
wait4: the machine's other load does not count, wall time does) and the CPU per alert above the
startup (the run of 1 alert, measured in the same run, is the baseline: KB load and process
start). The ratio column is that per-alert cost against the smallest N's: ~1 everywhere means
triage time grows linearly with the storm; growing ratios mean superlinear work.

  python3 bench/storm_triage_bench.py build/bin/vigil                       # N = 100 400 3000
  python3 bench/storm_triage_bench.py build/bin/vigil --sizes 100,400 --base /tmp/vigil-old
  python3 bench/storm_triage_bench.py build/bin/vigil --repeat 3            # best of 3 per N

--base BIN2 runs the same webhooks with a second binary in the same run and prints new/base.
Run from the repository root (the binary reads data/knowledge). Exit 2 on a bad argument.
"""
import argparse
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))


def cpu_run(binary, path):
    """CPU seconds (user+sys) and wall of one diagnose run; raises on a failed run."""
    import time
    t0 = time.monotonic()
    with open(os.devnull, "wb") as null, tempfile.TemporaryFile() as err:
        p = subprocess.Popen([binary, "diagnose", "--alert", path, "--json", "--no-probes"], stdout=null, stderr=err)
        _, status, ru = os.wait4(p.pid, 0)
        wall = time.monotonic() - t0
        if os.waitstatus_to_exitcode(status) != 0:
            err.seek(0)
            raise RuntimeError("%s failed on %s: %s" % (binary, path, err.read().decode(errors="replace")[-500:]))
    return ru.ru_utime + ru.ru_stime, wall


def best(binary, path, repeat):
    runs = [cpu_run(binary, path) for _ in range(repeat)]
    return min(r[0] for r in runs), min(r[1] for r in runs)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("binary", help="the vigil binary")
    ap.add_argument("--sizes", default="100,400,3000", help="alert counts, comma-separated (each >= 2)")
    ap.add_argument("--base", help="a second vigil binary run on the same webhooks (its figures and new/base)")
    ap.add_argument("--repeat", default="1", help="runs per size and binary, the fastest kept (>= 1)")
    a = ap.parse_args()
    try:
        sizes = [int(x) for x in a.sizes.split(",")]
        repeat = int(a.repeat)
    except ValueError:
        ap.error("--sizes takes whole numbers separated by commas, --repeat a whole number")
    if not sizes or min(sizes) < 2 or repeat < 1:
        ap.error("--sizes must be whole numbers >= 2, --repeat >= 1")
    for b in [a.binary] + ([a.base] if a.base else []):
        if not os.access(b, os.X_OK):
            ap.error("not an executable: %s" % b)
    bins = [("new", a.binary)] + ([("base", a.base)] if a.base else [])
    with tempfile.TemporaryDirectory(prefix="storm_bench_") as tmp:
        files = {}
        for n in [1] + sizes:
            path = os.path.join(tmp, "storm%d.json" % n)
            with open(path, "w") as f:
                args = [sys.executable, os.path.join(HERE, "storm_webhook.py"), "--alerts", str(n)]
                if n > 1:
                    args.append("--job-alert")  # n - 1 rack alerts + the job alert: n in all
                    args[3] = str(n - 1)
                subprocess.run(args, stdout=f, check=True)
            files[n] = path
        results = {}
        for name, b in bins:
            startup, _ = best(b, files[1], repeat)
            rows = []
            for n in sizes:
                cpu, wall = best(b, files[n], repeat)
                rows.append((n, cpu, wall, (cpu - startup) / (n - 1)))
            results[name] = (startup, rows)
        for name, b in bins:
            startup, rows = results[name]
            print("%s %s: 1 alert %.3f s CPU (baseline: start + KB load)" % (name, b, startup))
            first = rows[0][3] if rows[0][3] > 0 else float("nan")
            print("  %7s %10s %10s %14s %10s" % ("alerts", "CPU s", "wall s", "CPU ms/alert", "ratio"))
            for n, cpu, wall, per in rows:
                print("  %7d %10.3f %10.2f %14.3f %9.2fx" % (n, cpu, wall, per * 1000, per / first))
        if a.base:
            print("new / base CPU:", ", ".join("N=%d %.2fx" % (rn[0], rn[1] / rb[1])
                                               for rn, rb in zip(results["new"][1], results["base"][1])))


if __name__ == "__main__":
    main()
