#!/usr/bin/env python3
"""pandas/numpy baseline for bench/rules_bench: the same 10 rules (bench/rules_bench_rules.txt)
over the KPI training set, vectorised as a data scientist would write them. Prints one JSON
object: seconds spent evaluating (CSV reading excluded), points, and flagged points per rule.

Usage: /usr/bin/python3 bench/rules_baseline.py ../shared/datasets/kpi/train [--bits]
(--bits: the bit-test set, bench/rules_bench_bits.txt, instead; SM2, 2026-12-03)
"""
import glob
import json
import os
import sys
import time

import warnings

import numpy as np
import pandas as pd
from numpy.lib.stride_tricks import sliding_window_view

LOOKBACK_S = 300


def rolling_mad(x, w):
    # median(|x - median|) over the last w points, partial windows at the start.
    pad = np.concatenate([np.full(w - 1, np.nan), x])
    win = sliding_window_view(pad, w)
    med = np.nanmedian(win, axis=1)
    return med, np.nanmedian(np.abs(win - med[:, None]), axis=1)


def time_window_start(t, d):
    return np.searchsorted(t, t - d, side="right")


def rules_for(t, x, peer_median):
    s = pd.Series(x)
    out = {}
    out["Threshold"] = (x > 1e6) | (x < 0)
    r60 = s.rolling(60, min_periods=1)
    std60 = r60.std().to_numpy()
    z = (x - r60.mean().to_numpy()) / std60
    out["RollingZscore"] = np.abs(z) > 4
    med30, mad30 = rolling_mad(x, 30)
    out["MadResidual"] = np.abs(x - med30) > 5 * mad30
    # value offset 1d: latest point at or before t - 1d, not older than the lookback.
    j = np.searchsorted(t, t - 86400, side="right") - 1
    ok = (j >= 0) & ((t - 86400) - t[np.maximum(j, 0)] < LOOKBACK_S)
    prev = np.where(ok, x[np.maximum(j, 0)], np.nan)
    out["SeasonalOffset"] = np.abs(x - prev) > 4 * std60
    # rate over 10m with counter resets: cumulative adjusted increments.
    dx = np.diff(x, prepend=x[0])
    inc = np.where(dx >= 0, dx, x)
    inc[0] = 0
    c = np.cumsum(inc)
    js = time_window_start(t, 600)
    dt = t - t[js]
    with np.errstate(divide="ignore", invalid="ignore"):
        rate = np.where(dt > 0, (c - c[js]) / dt, np.nan)
    out["CounterRate"] = rate > 50
    out["PeerMedian"] = x > 3 * peer_median
    r30 = s.rolling(30, min_periods=1)
    cond = x > r30.mean().to_numpy() + 3 * r30.std().to_numpy()
    run = np.cumsum(np.concatenate([[True], cond[1:] != cond[:-1]]))
    run_start = pd.Series(t).groupby(run).transform("first").to_numpy()
    out["SustainedHigh"] = cond & (t - run_start >= 300)
    ewma = s.ewm(alpha=0.1, adjust=False).mean().to_numpy()
    out["EwmaResidual"] = np.abs(x - ewma) > 4 * std60
    rng = s.rolling(10, min_periods=1).max().to_numpy() - s.rolling(10, min_periods=1).min().to_numpy()
    out["RangeJump"] = rng > 6 * s.rolling(120, min_periods=1).std().to_numpy()
    d = np.abs(s.diff())
    out["DiffSpike"] = (d > 5 * d.rolling(60, min_periods=1).mean()).to_numpy()
    return out


MAX_BITS = 2.0 ** 53 - 1


def bits(x):
    # A flag field's bits: a whole number from 0 to 2^53 - 1, else none (0, with `whole` false).
    whole = np.isfinite(x) & (x >= 0) & (x <= MAX_BITS) & (x == np.floor(x))
    return np.where(whole, x, 0).astype(np.int64), whole


def any_bits(x, mask):
    b, whole = bits(x)
    return whole & ((b & mask) != 0)


def all_bits(x, mask):
    b, whole = bits(x)
    return whole & ((b & mask) == mask)


def held(t, cond, seconds):
    run = np.cumsum(np.concatenate([[True], cond[1:] != cond[:-1]]))
    run_start = pd.Series(t).groupby(run).transform("first").to_numpy()
    return cond & (t - run_start >= seconds)


def bit_rules_for(t, x):
    out = {}
    out["AnyBits"] = any_bits(x, 0x60)
    out["AllBits"] = all_bits(x, 0x5)
    out["AnyBitsHeld"] = held(t, any_bits(x, 0x1), 300)
    # changes(value, 10p): how many consecutive values differ among the last 10 points.
    ch = np.concatenate([[0.0], (x[1:] != x[:-1]).astype(np.float64)])
    changes = pd.Series(ch).rolling(9, min_periods=1).sum().to_numpy()
    out["BitsOfChanges"] = any_bits(changes, 0x4)
    out["BitsAndNot"] = any_bits(x, 0xF0) & ~all_bits(x, 0x3)
    return out


def peer_medians(series, groups):
    # Per group: at each timestamp, the median of each member's latest value within the lookback.
    result = {}
    for g in sorted(set(groups)):
        members = [i for i, gg in enumerate(groups) if gg == g]
        frames = [pd.Series(series[i][1], index=series[i][0], name=i) for i in members]
        wide = pd.concat(frames, axis=1).sort_index()
        idx = wide.index.to_numpy()
        filled = {}
        for col in wide.columns:
            v = wide[col]
            last_t = pd.Series(np.where(v.notna(), idx, np.nan), index=wide.index).ffill().to_numpy()
            fv = v.ffill().to_numpy()
            fv[(idx - last_t) > LOOKBACK_S] = np.nan
            filled[col] = fv
        med = np.nanmedian(np.column_stack([filled[c] for c in wide.columns]), axis=1)
        med_s = pd.Series(med, index=wide.index)
        for i in members:
            result[i] = med_s.loc[series[i][0]].to_numpy()
    return result


def main():
    warnings.simplefilter("ignore", RuntimeWarning)
    args = [a for a in sys.argv[1:] if a != "--bits"]
    bit_set = len(args) < len(sys.argv) - 1
    root = args[0] if args else "../shared/datasets/kpi/train"
    files = sorted(glob.glob(os.path.join(root, "*.csv")))
    series = []
    for f in files:
        d = pd.read_csv(f)
        series.append((d["timestamp"].to_numpy(dtype=np.float64), d["value"].to_numpy(dtype=np.float64)))
    groups = [i % 6 for i in range(len(series))]
    # CPU time of this process (the machine may be shared; one thread is one core).
    start = time.process_time()
    with np.errstate(divide="ignore", invalid="ignore"):
        peers = None if bit_set else peer_medians(series, groups)
        flagged = {}
        for i, (t, x) in enumerate(series):
            rules = bit_rules_for(t, x) if bit_set else rules_for(t, x, peers[i])
            for name, flags in rules.items():
                flagged[name] = flagged.get(name, 0) + int(np.count_nonzero(flags))
    seconds = time.process_time() - start
    print(json.dumps({"seconds": seconds, "points": int(sum(len(t) for t, _ in series)),
                      "rules": len(flagged), "flagged": flagged}))


if __name__ == "__main__":
    main()
