#!/usr/bin/env python3
"""Writes the alert-only variant of diagnosis case sets (stdlib only).

Usage: alert_only.py --out DIR SET_DIR [SET_DIR ...]

`vigil serve` triaging an Alertmanager webhook with no Prometheus, no Alertmanager API and no probe
runner configured sees the alert and nothing else: its labels, annotations and times. This writes,
for every case of each SET_DIR that has an alert, a case with the same id, alert and expected answer
and no logs, metrics, probes or topology, to DIR/<set name>/<file name>. `vigil eval diagnose
--cases DIR/<set name>` then scores what triage from the alert alone gets right.

A set's confounder cases (the alert points one way, the logs show another cause) are not expected
to be answered right from the alert alone; the figure to watch beside top-1 is how many wrong
answers are given with high confidence. Cases without an alert are skipped (counted). Exit 2 on
bad usage (a SET_DIR that is not a directory or holds no case-*.json, an empty --out, or one that
cannot be made a directory: each named), 1 when a case file cannot be read or is not JSON (named).
"""

import argparse
import json
import os
import sys


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", required=True, help="directory the variant sets are written under")
    ap.add_argument("sets", nargs="+", help="case set directories (evals/diagnosis/realistic7, ...)")
    args = ap.parse_args(argv)
    if not args.out:
        print("alert_only.py: --out: empty (the directory the variant sets are written under)", file=sys.stderr)
        return 2
    for d in args.sets:
        if not os.path.isdir(d):
            print("alert_only.py: %s: not a directory" % (d or "''"), file=sys.stderr)
            return 2
        if not any(f.startswith("case-") and f.endswith(".json") for f in os.listdir(d)):
            print("alert_only.py: %s: no case-*.json in it: not a case set" % d, file=sys.stderr)
            return 2
    for d in args.sets:
        name = os.path.basename(os.path.normpath(d))
        out_dir = os.path.join(args.out, name)
        try:
            os.makedirs(out_dir, exist_ok=True)
        except OSError as e:
            print("alert_only.py: %s: cannot be made a directory: %s" % (out_dir, e.strerror or e), file=sys.stderr)
            return 2
        written = skipped = 0
        for f in sorted(os.listdir(d)):
            if not (f.startswith("case-") and f.endswith(".json")):
                continue
            path = os.path.join(d, f)
            try:
                with open(path, encoding="utf-8") as fh:
                    case = json.load(fh)
            except (OSError, ValueError) as e:
                print("alert_only.py: %s: %s" % (path, e), file=sys.stderr)
                return 1
            if not isinstance(case, dict) or not isinstance(case.get("alert"), dict):
                skipped += 1
                continue
            variant = {"id": case.get("id", f[:-5]), "alert": case["alert"], "logs": [], "metrics": [],
                       "probes": {}, "expected": case.get("expected")}
            with open(os.path.join(out_dir, f), "w", encoding="utf-8") as fh:
                json.dump(variant, fh, indent=1)
                fh.write("\n")
            written += 1
        print("%s: %d alert-only cases written to %s, %d without an alert skipped" % (name, written, out_dir, skipped))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
