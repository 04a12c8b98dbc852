#!/usr/bin/env python3
"""Scores `vigil detect` alerts (JSON lines) against the incident windows of a recorded run
(data/gpu_telemetry/*.json: t0, seconds, incidents[{name, start, end, expected[{series, scope}]}]).
Python stdlib only. Used by tests/gpu_telemetry_rules_test.sh.

  score_incidents.py META.json ALERTS.jsonl [--grace S] [--warmup S]
                     [--require INCIDENT=RULE ...] [--allow INCIDENT=RULE[,RULE...] ...]

An alert belongs to an incident when its active_at (pending since) is inside [start, end + grace)
(grace 10 s: rolling windows and `for` lag behind). Prints, per incident, its alerts (second
after the incident start, rule, series) and every alert outside all windows after t0 + warmup
(default 60 s: rolling windows warm up) as a false alarm, and for each normal event of the json
(`normal_events`, after the warm-up) the false alarms pending inside [start, end + grace). With
--require / --allow it checks and exits 1 on any failure (each printed as FAIL ...):
  - each --require INCIDENT=RULE: RULE has an alert in INCIDENT's window on one of INCIDENT's
    expected series, its labels matching the expected scope (`rank:1` = label rank is 1,
    `gpu:*` = any gpu, `job` = any);
  - inside an incident's window only its required and allowed rules alert;
  - no false alarm.
"""
import argparse
import json
import sys


def parse_pairs(items, what):
    out = {}
    for item in items:
        if "=" not in item:
            sys.exit("score_incidents: --%s wants INCIDENT=RULE, got %r" % (what, item))
        inc, rules = item.split("=", 1)
        out.setdefault(inc, set()).update(r for r in rules.split(",") if r)
    return out


def scope_matches(scope, labels):
    if ":" not in scope:
        return True  # "job": the job-level series, any labels
    key, want = scope.split(":", 1)
    return want == "*" or labels.get(key) == want


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("meta")
    ap.add_argument("alerts")
    ap.add_argument("--grace", type=float, default=10.0)
    ap.add_argument("--warmup", type=float, default=60.0)
    ap.add_argument("--require", action="append", default=[])
    ap.add_argument("--allow", action="append", default=[])
    args = ap.parse_args()
    with open(args.meta) as f:
        meta = json.load(f)
    alerts = []
    with open(args.alerts) as f:
        for n, line in enumerate(f, 1):
            if line.strip():
                try:
                    alerts.append(json.loads(line))
                except ValueError as e:
                    sys.exit("score_incidents: %s:%d: not JSON: %s" % (args.alerts, n, e))
    t0, incidents = meta["t0"], meta["incidents"]
    require = parse_pairs(args.require, "require")
    allow = parse_pairs(args.allow, "allow")
    names = {i["name"] for i in incidents}
    for inc in set(require) | set(allow):
        if inc not in names:
            sys.exit("score_incidents: no incident %r in %s (have: %s)" % (inc, args.meta, ", ".join(sorted(names))))

    def window_of(t):
        for i in incidents:
            if i["start"] <= t < i["end"] + args.grace:
                return i
        return None

    fails = []
    by_incident = {i["name"]: [] for i in incidents}
    false_alarms = []
    for a in alerts:
        t = a["active_at_ms"] / 1000.0
        inc = window_of(t)
        if inc is not None:
            by_incident[inc["name"]].append((t - inc["start"], a))
        elif t >= t0 + args.warmup:
            false_alarms.append((t - t0, a))

    for i in incidents:
        name = i["name"]
        hits = sorted(by_incident[name], key=lambda h: h[0])
        print("%-12s [%5.0f, %5.0f) s after t0: %d alert(s)" % (name, i["start"] - t0, i["end"] - t0, len(hits)))
        for dt, a in hits:
            print("    +%5.1f s (firing +%5.1f s) %-20s %s" % (
                dt, a["starts_at_ms"] / 1000.0 - i["start"], a["rule"], a["annotations"]["series"]))
        for rule in sorted(require.get(name, ())):
            ok = any(a["rule"] == rule and
                     any(a["annotations"]["series"].split("{")[0] == e["series"] and
                         scope_matches(e.get("scope", "job"), a["labels"]) for e in i["expected"])
                     for _, a in hits)
            if not ok:
                fails.append("%s: no %s alert on an expected series (%s) inside [start, end + %gs)" % (
                    name, rule, ", ".join("%s %s" % (e["series"], e.get("scope", "")) for e in i["expected"]),
                    args.grace))
        if require or allow:
            ok_rules = require.get(name, set()) | allow.get(name, set())
            for dt, a in hits:
                if a["rule"] not in ok_rules:
                    fails.append("%s: unexpected %s alert at +%.1f s on %s" % (
                        name, a["rule"], dt, a["annotations"]["series"]))
    print("false alarms (outside every incident window + %gs, after t0 + %gs): %d" % (
        args.grace, args.warmup, len(false_alarms)))
    for dt, a in false_alarms:
        print("    t0 + %.1f s %-20s %s" % (dt, a["rule"], a["annotations"]["series"]))
        if require or allow:
            fails.append("false alarm: %s at t0 + %.1f s on %s" % (a["rule"], dt, a["annotations"]["series"]))
    # Normal events (plans 3-5's json: checkpoints, evals, a job end, ...): the false alarms
    # pending inside each one's [start, end + grace), after the warm-up
    events = [e for e in meta.get("normal_events", []) if e["start"] >= t0 + args.warmup]
    if events:
        print("normal events after t0 + %gs (false alarms pending inside [start, end + %gs)):" % (args.warmup, args.grace))
    for e in events:
        inside = [(dt, a) for dt, a in false_alarms if e["start"] <= t0 + dt < e["end"] + args.grace]
        print("    %-13s [%5.1f, %5.1f) s: %d alert(s)%s" % (
            e["name"], e["start"] - t0, e["end"] - t0, len(inside),
            "".join(" %s +%.1f s" % (a["rule"], t0 + dt - e["start"]) for dt, a in inside)))
    for f in fails:
        print("FAIL " + f)
    return 1 if fails else 0


if __name__ == "__main__":
    sys.exit(main())
