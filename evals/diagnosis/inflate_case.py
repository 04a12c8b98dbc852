#!/usr/bin/env python3
"""Prepend N deterministic healthy training-log lines to the first log of a diagnosis case.

  python3 evals/diagnosis/inflate_case.py CASE.json OUT.json N

Builds the "enormous log" cases of agents/HISTORY.md (holdout h040 / holdout6 w023 with 19,000 extra
lines): `vigil diagnose --case OUT.json` must give the answer it gives for CASE.json, in seconds.
"""
import json
import sys


def main(argv):
    if len(argv) != 4:
        sys.exit("usage: inflate_case.py CASE.json OUT.json N")
    src, dst = argv[1], argv[2]
    try:
        n = int(argv[3])
    except ValueError:
        sys.exit("inflate_case.py: N: `%s` is not a line count" % argv[3])
    if n < 0:
        sys.exit("inflate_case.py: N: %d is negative" % n)
    try:
        with open(src) as f:
            case = json.load(f)
    except OSError as e:
        sys.exit("inflate_case.py: %s: %s" % (src, e.strerror or e))
    except (json.JSONDecodeError, UnicodeDecodeError) as e:
        sys.exit("inflate_case.py: %s: not JSON: %s" % (src, e))
    if not isinstance(case, dict):
        sys.exit("inflate_case.py: %s: not a JSON object" % src)
    logs = case.get("logs")
    if (not isinstance(logs, list) or not logs or not isinstance(logs[0], dict) or
            not isinstance(logs[0].get("lines"), list)):
        sys.exit("inflate_case.py: %s: logs[0].lines: missing or not a list" % src)
    noise = []
    for i in range(n):
        s = i % 1000
        noise.append("2026-04-10 00:%02d:%02d | INFO | train | epoch 3 step %d/120000 | loss %.4f | step_time %.3fs | "
                     "samples/s %.1f | dataloader worker %d prefetch ok"
                     % (s // 60, s % 60, 10000 + i, 3 + (i % 10000) * 0.0001, 0.9 + ((i // 100) % 100) * 0.001,
                        280.4 + i % 10, i % 16))
    case["id"] = "big-" + str(case.get("id", "case"))
    case["logs"][0]["lines"] = noise + case["logs"][0]["lines"]
    with open(dst, "w") as f:
        json.dump(case, f, indent=1)


if __name__ == "__main__":
    main(sys.argv)
