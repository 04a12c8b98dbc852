#!/usr/bin/env python3
"""Compares two runs of evals/diagnosis/run_sets.sh (stdlib only).

Usage: compare_runs.py BEFORE AFTER [--rows]

For each set both runs hold: top-1, top-3, component before and after, the number of cases whose
answer (root cause, component, confidence, top-3, probes: every row field but times and the case
file's path) changed, and with --rows each changed row's fields before -> after. Then the totals
over all common sets, and, for alert-only runs, how many answers were named (not `unknown`), how
many of them right, and how many wrong at confidence >= 0.3 and >= 0.5.

A set with a report in one run only (a set added since, or one that failed: run_sets.sh names it) is
named on stderr with the path it lacks, and its figures are left out of the totals. Exit 2 on bad
usage (BEFORE or AFTER not a directory, named), 1 when a report cannot be read (not JSON, no rows,
a row without a field the figures need: named with the path), when the runs have no set in common,
or when a set is in one run only (the common sets' figures are still printed); else 0.
"""
import json
import os
import sys

SKIP = {"file", "seconds", "planned_s", "sequential_s", "sequential_all_s", "wall_s"}


FIELDS = ("id", "root_cause", "top1", "top3_hit", "component_ok", "confidence")


class BadReport(Exception):
    pass


def has_report(run, s):
    return os.path.isfile(os.path.join(run, s, "report.json"))


def load(run, s):
    """The rows of RUN/S/report.json by case id; BadReport naming the path when it cannot be used."""
    p = os.path.join(run, s, "report.json")
    try:
        with open(p, encoding="utf-8") as f:
            report = json.load(f)
    except OSError as e:
        raise BadReport("%s: cannot be read: %s" % (p, e.strerror or e))
    except ValueError as e:
        raise BadReport("%s: not JSON (%s): a run cut short?" % (p, e))
    rows = report.get("rows") if isinstance(report, dict) else None
    if not isinstance(rows, list):
        raise BadReport("%s: no \"rows\" list: not a vigil eval diagnose report" % p)
    out = {}
    for i, r in enumerate(rows):
        missing = [k for k in FIELDS if not isinstance(r, dict) or k not in r]
        if missing:
            raise BadReport("%s: rows[%d]: no %s" % (p, i, ", ".join(missing)))
        if not isinstance(r["confidence"], (int, float)):
            raise BadReport("%s: rows[%d]: confidence %r is not a number" % (p, i, r["confidence"]))
        out[r["id"]] = r
    return out


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
    if len(args) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    for d in args:
        if not os.path.isdir(d):
            print("compare_runs.py: %s: %s" % (d or "''", "not a directory" if os.path.exists(d) else "no such directory"),
                  file=sys.stderr)
            return 2
    a, b = args
    in_a = {s for s in os.listdir(a) if has_report(a, s)}
    in_b = {s for s in os.listdir(b) if has_report(b, s)}
    sets = sorted(in_a & in_b)
    only = [(s, b) for s in sorted(in_a - in_b)] + [(s, a) for s in sorted(in_b - in_a)]
    if not sets:
        print("compare_runs.py: no set has a report (SET/report.json) in both %s and %s" % (a, b), file=sys.stderr)
        for s, lacking in only:
            print("compare_runs.py: %s: no report" % os.path.join(lacking, s, "report.json"), file=sys.stderr)
        return 1
    try:
        runs = [(s, load(a, s), load(b, s)) for s in sets]
    except BadReport as e:
        print("compare_runs.py: %s" % e, file=sys.stderr)
        return 1
    tot = {"before": {}, "after": {}}
    changed_all = 0
    print("%-12s %4s  %-20s  %-20s  %s" % ("set", "n", "top1/top3/comp before", "after", "rows changed"))
    for s, ra, rb in runs:
        fa, fb = figures(ra), figures(rb)
        for k, f in (("before", fa), ("after", fb)):
            for key, val in f.items():
                tot[k][key] = tot[k].get(key, 0) + val
        changed = []
        for cid in list(ra) + [c for c in rb if c not in ra]:
            x, y = ra.get(cid, {}), rb.get(cid, {})
            diff = {k: (x.get(k), y.get(k)) for k in sorted(set(x) | set(y)) if k not in SKIP and x.get(k) != y.get(k)}
            if diff:
                changed.append((cid, diff))
        changed_all += len(changed)
        na, nb = fa["n"] or 1, fb["n"] or 1
        print("%-12s %4d  %.3f/%.3f/%.3f  ->  %.3f/%.3f/%.3f  %d" % (
            s, fa["n"], fa["top1"] / na, fa["top3"] / na, fa["comp"] / na,
            fb["top1"] / nb, fb["top3"] / nb, fb["comp"] / nb, len(changed)))
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
    for s, lacking in only:
        print("compare_runs.py: %s: no report: set %s left out of the comparison" % (
            os.path.join(lacking, s, "report.json"), s), file=sys.stderr)
    return 1 if only else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
