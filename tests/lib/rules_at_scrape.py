#!/usr/bin/env python3
"""What the bundled rules catch in the recorded runs at 1 s and thinned to a slower scrape (DET8).
Python stdlib only; runs `vigil detect` and tests/lib/score_incidents.py (--grace 10 --warmup 60).

  rules_at_scrape.py VIGIL RULES EVERY [OFFSET ...] [--runs data/gpu_telemetry/NAME ...]

For each run (default: the five in data/gpu_telemetry/) and each incident, prints the rules with an
alert in its window at 1 s and at every EVERY-th row per series (tests/lib/decimate.py) for each
OFFSET (default 0), with the first alert's delay, and the false alarms of each.
"""
import argparse
import os
import re
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
RUNS = ["h200_ddp_incidents", "h200_ddp_incidents_run2", "h200_single_incidents_run3",
        "h200_single_incidents_run4", "h200_single_incidents_run5"]


def score(vigil, rules, meta, data):
    alerts = subprocess.run([vigil, "detect", "--rules", rules, "--data", "csv:" + data],
                            capture_output=True, text=True)
    if alerts.returncode not in (0,):
        sys.exit("rules_at_scrape: vigil detect over %s exited %d: %s" % (data, alerts.returncode, alerts.stderr[-500:]))
    with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False) as f:
        f.write(alerts.stdout)
    try:
        out = subprocess.run([sys.executable, os.path.join(HERE, "score_incidents.py"), meta, f.name,
                              "--grace", "10", "--warmup", "60"], capture_output=True, text=True, check=True).stdout
    finally:
        os.unlink(f.name)
    caught, current, false_alarms = {}, None, 0
    for line in out.splitlines():
        if m := re.match(r"^(\S+)\s+\[\s*\d+,\s*\d+\) s after t0: \d+ alert", line):
            current = m.group(1)
            caught[current] = {}
        elif m := re.match(r"^\s+\+\s*([\d.]+) s \(firing .*?\) (\S+)", line):
            if current is not None:
                caught[current].setdefault(m.group(2), float(m.group(1)))
        elif m := re.match(r"^false alarms .*: (\d+)$", line):
            false_alarms = int(m.group(1))
            current = None
    return caught, false_alarms


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("vigil")
    ap.add_argument("rules")
    ap.add_argument("every", type=int)
    ap.add_argument("offsets", type=int, nargs="*", default=[0])
    ap.add_argument("--runs", nargs="*", default=[os.path.join("data/gpu_telemetry", r) for r in RUNS])
    a = ap.parse_args()
    cols = ["1 s"] + ["%d rows, offset %d" % (a.every, o) for o in a.offsets]
    print("| run | incident | " + " | ".join(cols) + " |")
    print("|---|---|" + "---|" * len(cols))
    for run in a.runs:
        results = [score(a.vigil, a.rules, run + ".json", run + ".csv")]
        for o in a.offsets:
            with tempfile.NamedTemporaryFile("w", suffix=".csv", delete=False) as f:
                subprocess.run([sys.executable, os.path.join(HERE, "decimate.py"), run + ".csv", str(a.every),
                                "--offset", str(o)], stdout=f, check=True)
            try:
                results.append(score(a.vigil, a.rules, run + ".json", f.name))
            finally:
                os.unlink(f.name)
        name = os.path.basename(run)
        for inc in results[0][0]:
            cells = []
            for caught, _ in results:
                hits = caught.get(inc, {})
                cells.append(", ".join("%s +%g" % (r, d) for r, d in sorted(hits.items(), key=lambda x: x[1])) or "**missed**")
            print("| %s | %s | %s |" % (name, inc, " | ".join(cells)))
        print("| %s | false alarms | %s |" % (name, " | ".join(str(fa) for _, fa in results)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
