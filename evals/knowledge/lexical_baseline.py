#!/usr/bin/env python3
"""Reference lexical baseline for evals/knowledge/queries.jsonl (standard library only).

Ranks the shipped pack entries (data/knowledge/pack/*.jsonl) for each query with plain BM25
(k1=1.2, b=0.75) over title, raw_text, symptoms, examples and tags; tokens are lower-cased
[a-z0-9_] runs with pure numbers dropped. A query counts as a hit at k when its expected category
is among the first k distinct categories of the ranking. This is NOT the product's retrieval
(knowledge/ does that with SQLite FTS5 + FAISS); it is a floor to compare the product against and a
check that every query is answerable from the pack.

Usage (from the repository root): python3 evals/knowledge/lexical_baseline.py [--misses] [--lines 101-148]
"""
import argparse
import collections
import glob
import json
import math
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TOKEN = re.compile(r"[a-z0-9_]+")


def tokens(text):
    return [t for t in TOKEN.findall(text.lower()) if not t.isdigit()]


def entry_text(e):
    parts = [e.get("title", ""), e.get("raw_text", "")]
    for k in ("symptoms", "examples", "tags"):
        parts += e.get(k, [])
    return " ".join(parts)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--misses", action="store_true", help="print the queries missed at rank 1")
    ap.add_argument("--lines", default="", help="only score query lines FIRST-LAST (1-based, inclusive)")
    args = ap.parse_args()
    first, last = 1, 10**9
    if args.lines:
        try:
            first, last = (int(x) for x in args.lines.split("-"))
        except ValueError:
            print("lexical_baseline: --lines wants FIRST-LAST, got %r" % args.lines, file=sys.stderr)
            return 2
    docs = []
    for path in sorted(glob.glob(os.path.join(ROOT, "data", "knowledge", "pack", "*.jsonl"))):
        with open(path, encoding="utf-8") as f:
            docs += [json.loads(l) for l in f if l.strip()]
    with open(os.path.join(ROOT, "evals", "knowledge", "queries.jsonl"), encoding="utf-8") as f:
        queries = [json.loads(l) for n, l in enumerate(f, 1) if l.strip() and first <= n <= last]
    if not docs or not queries:
        print("lexical_baseline: no pack entries or no queries", file=sys.stderr)
        return 2
    toks = [tokens(entry_text(e)) for e in docs]
    tfs = [collections.Counter(t) for t in toks]
    df = collections.Counter(t for d in toks for t in set(d))
    n = len(docs)
    avg_len = sum(map(len, toks)) / n
    k1, b = 1.2, 0.75

    def bm25(q, i):
        s = 0.0
        for t in set(q):
            f = tfs[i].get(t)
            if f:
                idf = math.log(1 + (n - df[t] + 0.5) / (df[t] + 0.5))
                s += idf * f * (k1 + 1) / (f + k1 * (1 - b + b * len(toks[i]) / avg_len))
        return s

    hits1 = hits5 = 0
    misses = []
    for q in queries:
        qt = tokens(q["query"])
        ranked = sorted(range(n), key=lambda i: -bm25(qt, i))
        cats = []
        for i in ranked:
            c = docs[i]["root_cause"]
            if c not in cats:
                cats.append(c)
        hits1 += cats[0] == q["expected"]
        hits5 += q["expected"] in cats[:5]
        if cats[0] != q["expected"]:
            misses.append((q["expected"], cats[:3], q["query"]))
    print("BM25 baseline over %d pack entries, %d queries: category recall@1 %.3f, recall@5 %.3f"
          % (n, len(queries), hits1 / len(queries), hits5 / len(queries)))
    if args.misses:
        for exp, top, text in misses:
            print("  expected %s, got %s: %s" % (exp, top, text[:100]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
