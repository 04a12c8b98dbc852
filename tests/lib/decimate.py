#!/usr/bin/env python3
"""Thins a long-format telemetry csv (timestamp,series,value,labels...) as a slower scrape would see
it: of each series (its name and label values) keeps every EVERY-th row, starting at its OFFSET-th
(0-based), in the file's order. Python stdlib only (DET8: 1 s recordings seen at a 30 s scrape).

  decimate.py IN.csv EVERY [--offset K] > OUT.csv

EVERY 30 over a 1 s recording gives one reading every ~30 s per series; a series whose rows are
not every second (a trainer's step metrics skip checkpoints and evals) keeps every 30th of its own
rows, as a scraper keeps every reading it gets. Bad input (no header, no `timestamp` / `series`
column, EVERY < 1, OFFSET outside [0, EVERY)) exits 2 with the reason.
"""
import argparse
import csv
import sys


def fail(msg):
    print("decimate: " + msg, file=sys.stderr)
    sys.exit(2)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("csv")
    ap.add_argument("every", type=int)
    ap.add_argument("--offset", type=int, default=0)
    a = ap.parse_args()
    if a.every < 1:
        fail("EVERY must be 1 or more, got %d" % a.every)
    if not 0 <= a.offset < a.every:
        fail("--offset must be in [0, %d), got %d" % (a.every, a.offset))
    with open(a.csv, newline="") as f:
        r = csv.reader(f)
        header = next(r, None)
        if not header or "timestamp" not in header or "series" not in header:
            fail("%s: the first line must be a header with `timestamp` and `series` columns" % a.csv)
        ti, si = header.index("timestamp"), header.index("series")
        key_cols = [i for i, h in enumerate(header) if h not in ("timestamp", "value", "label")]
        w = csv.writer(sys.stdout, lineterminator="\n")
        w.writerow(header)
        seen = {}
        for n, row in enumerate(r, 2):
            if len(row) != len(header):
                fail("%s:%d: %d fields, the header has %d" % (a.csv, n, len(row), len(header)))
            key = tuple(row[i] for i in key_cols)
            k = seen.get(key, 0)
            seen[key] = k + 1
            if k % a.every == a.offset:
                w.writerow(row)
    return 0


if __name__ == "__main__":
    sys.exit(main())
