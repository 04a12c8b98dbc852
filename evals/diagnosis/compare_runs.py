#!/usr/bin/env python3
"""Compares two runs of evals/diagnosis/run_sets.sh (stdlib only).

Usage: compare_runs.py BEFORE AFTER [--rows]

For each set both runs hold: top-1, top-3, component before and after, the number of cases whose
answer (root cause, component, confidence, top-3, probes: every row field but times and the case
file's path) changed, and with --rows each changed row's fields before -> after. Then the totals
over all common sets, and, for alert-only runs, how many answers were named (not `unknown`), how
many of them right, and how many wrong at confidence >= 0.3 and >= 0.5. Exit 2 on bad usage.
"""
import json
import os
import sys

SKIP = {"file", "seconds", "planned_s", "sequential_s", "wall_s"}


def load(run, s):
    p = os.path.join(run, s, "report.json")
    if not os.path.exists(p):
        return None
    with open(p, encoding="utf-8") as f:
        return {r["id"]: r for r in json.load(f)["rows"]}


def figures(rows):
    n = len(rows) or 1
    v = list(rows.values())
    named = [r for r in v if r["root_cause"] != "unknown"]
    return {
        "n": len(rows),
        "top1": sum(r["top1"] for r in v), "top3": sum(r["top3_hit"] for r in v),
        "comp": sum(r["component_ok"] for r in v), "named": len(named),
        "named_right": sum(r["top1"] for r in named),
        "wrong_03": sum((not r["top1"]) and r["confidence"] >= 0.3 for r in named),
        "wrong_05": sum((not r["top1"]) and r["confidence"] >= 0.5 for r in named),
    }


def main(argv):
    args = [a for a in argv if a != "--rows"]
    show_rows = "--rows" in argv
    if len(args) != 2 or not all(os.path.isdir(a) for a in args):
        print(__doc__, file=sys.stderr)
        return 2
    a, b = args
    sets = sorted(s for s in os.listdir(a) if os.path.isdir(os.path.join(a, s)) and os.path.isdir(os.path.join(b, s)))
    tot = {"before": {}, "after": {}}
    changed_all = 0
    print("%-12s %4s  %-20s  %-20s  %s" % ("set", "n", "top1/top3/comp before", "after", "rows changed"))
    for s in sets:
        ra, rb = load(a, s), load(b, s)
        if ra is None or rb is None:
            continue
        fa, fb = figures(ra), figures(rb)
        for k, f in (("before", fa), ("after", fb)):
            for key, val in f.items():
                tot[k][key] = tot[k].get(key, 0) + val
        changed = []
        for cid, x in ra.items():
            y = rb.get(cid, {})
            diff = {k: (x.get(k), y.get(k)) for k in set(x) | set(y) if k not in SKIP and x.get(k) != y.get(k)}
            if diff:
                changed.append((cid, diff))
        changed_all += len(changed)
        n = fa["n"] or 1
        print("%-12s %4d  %.3f/%.3f/%.3f  ->  %.3f/%.3f/%.3f  %d" % (
            s, fa["n"], fa["top1"] / n, fa["top3"] / n, fa["comp"] / n,
            fb["top1"] / n, fb["top3"] / n, fb["comp"] / n, len(changed)))
        if show_rows:
            for cid, diff in changed:
                print("    %s %s" % (cid, diff))
    for k in ("before", "after"):
        f = tot[k]
        n = f.get("n", 0) or 1
        print("%s: %d cases, top-1 %.3f, top-3 %.3f, component %.3f; named %d (%d right), wrong at >= 0.3: %d, >= 0.5: %d" % (
            k, f.get("n", 0), f.get("top1", 0) / n, f.get("top3", 0) / n, f.get("comp", 0) / n, f.get("named", 0),
            f.get("named_right", 0), f.get("wrong_03", 0), f.get("wrong_05", 0)))
    print("rows changed: %d" % changed_all)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
