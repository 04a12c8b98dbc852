#!/usr/bin/env python3
"""Scores `vigil detect` alerts from TRAINED rules against the planted incidents of a
data/gpu_telemetry recording (Python stdlib only). Used by tests/gpu_telemetry_train_test.sh.

usage: gpu_telemetry_train_score.py META.json DATA.csv RULES_DIR ALERTS.jsonl

Prints one line per incident:
  incident NAME caught|missed [first +S s after start on SERIES{labels}]
an incident is caught when an alert becomes active inside [start, end) on one of its expected
series in the expected scope (`rank:1` = label rank 1, `rank:*` / `job` = any);
then the false alarms: alerts that become active at or after normal_end, outside every incident
window extended by GRACE (10 s: the job's recovery, e.g. the GPU warming back up), and at or
before t0 + seconds (the recording's last full second; a partial bucket after it is counted
apart, as `partial`):
  false_alarms N partial M expected E bound B rules R
E is what R rules whose thresholds sit at the extreme of their n training points give on
exchangeable data (each flags a new point with chance 1/(n + 1), summed over the normal points
of its series); B is the 99.9% quantile of Poisson(E). n per rule: the training points
(training.json) less the warm-up its full-window guard `count(x, Wp) >= W` leaves out (W − 1
points, W over lag(value, 1)), one less for `lag(value, 1)` alone.
"""
import csv
import json
import math
import re
import sys

GRACE = 10.0


def series_key(name, labels):
    return name + "{" + ",".join('%s="%s"' % kv for kv in sorted(labels.items())) + "}"


def poisson_quantile(mean, q):
    k, pmf = 0, math.exp(-mean)
    cdf = pmf
    while cdf < q:
        k += 1
        pmf *= mean / k
        cdf += pmf
    return k


def fit_points(condition, train_points):
    guard = re.search(r"count\((lag\(value, 1\)|value), (\d+)p\) >= (\d+)", condition)
    if guard:
        w = int(guard.group(3))
        return train_points - (w - 1) - (1 if guard.group(1).startswith("lag") else 0)
    if "lag(value, 1)" in condition:
        return train_points - 1
    return train_points


def main():
    meta_path, data_path, rules_dir, alerts_path = sys.argv[1:5]
    meta = json.load(open(meta_path))
    t0, ne, incidents = meta["t0"], meta["normal_end"], meta["incidents"]
    last_full = t0 + meta["seconds"] + 0.5  # the recorder stamps a second's rows within it
    alerts = [json.loads(line) for line in open(alerts_path) if line.strip()]

    def in_incident(t):
        return any(i["start"] <= t < i["end"] + GRACE for i in incidents)

    for inc in incidents:
        first = None
        for a in alerts:
            t = a["active_at_ms"] / 1000.0
            if not (inc["start"] <= t < inc["end"]):
                continue
            name = a["explanation"]["series"].split("{")[0]
            labels = a.get("labels", {})
            for e in inc["expected"]:
                scope = e["scope"].split(":")
                if name != e["series"]:
                    continue
                if len(scope) == 2 and scope[1] != "*" and labels.get(scope[0]) != scope[1]:
                    continue
                if first is None or t < first[0]:
                    first = (t, a["explanation"]["series"])
        if first:
            print("incident %s caught first +%.1f s after start on %s" % (inc["name"], first[0] - inc["start"], first[1]))
        else:
            print("incident %s missed" % inc["name"])

    false_alarms = partial = 0
    for a in alerts:
        t = a["active_at_ms"] / 1000.0
        if t < ne or in_incident(t):
            continue
        if t > last_full:
            partial += 1
        else:
            false_alarms += 1

    # Normal points per series after normal_end (the same windows as the false alarms).
    normal = {}
    with open(data_path) as f:
        for row in csv.DictReader(f):
            t = float(row["timestamp"])
            if t < ne or in_incident(t) or t > last_full:
                continue
            labels = {k: v for k, v in row.items() if k not in ("timestamp", "series", "value", "label") and v}
            key = series_key(row["series"], labels)
            normal[key] = normal.get(key, 0) + 1

    training = json.load(open(rules_dir + "/training.json"))
    expected, rules = 0.0, 0
    for target in training["targets"]:
        text = target.get("rules") or ""
        if not text:
            continue
        name = target["target"]
        # A target named by its metric alone (one series of that name: tokens_per_s) or in full.
        m = sum(n for key, n in normal.items() if key == name or ("{" not in name and key.split("{")[0] == name))
        for cond in re.findall(r"\n  when ([^\n]*)", text):
            rules += 1
            expected += m / (fit_points(cond, target["train"]["points"]) + 1.0)
    print("false_alarms %d partial %d expected %.1f bound %d rules %d" % (
        false_alarms, partial, expected, poisson_quantile(expected, 0.999), rules))


if __name__ == "__main__":
    main()
