#!/usr/bin/python3
"""IsolationForest peer for `vigil eval detect` (run with Debian's /usr/bin/python3: numpy, pandas, sklearn).

usage: iforest_peer.py IN_DIR OUT_DIR

IN_DIR/manifest.json lists units [{"file": "unit0.csv", "name": ...}]; each CSV has one column per
member series (m0, m1, ...) and a `train` column (1 = training part). For every unit this fits
sklearn.ensemble.IsolationForest on windowed features of the training rows only and writes one
anomaly score per row (higher = more anomalous, NaN during the first WINDOW rows) to
OUT_DIR/<stem>.scores. Thresholds are chosen by the caller, on the training part, in C++.

Features per member at row t (trailing window of WINDOW points before t):
value, value - mean, (value - mean) / std, std, first difference.
"""
import json
import os
import sys
import time

WINDOW = 10
MAX_FIT_ROWS = 20000
SEED = 0


def main():
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    try:
        import numpy as np
        import pandas as pd
        from sklearn.ensemble import IsolationForest
    except ImportError as e:
        print(f"iforest_peer: missing dependency ({e}); use Debian's /usr/bin/python3 with python3-sklearn",
              file=sys.stderr)
        return 3
    in_dir, out_dir = sys.argv[1], sys.argv[2]
    with open(os.path.join(in_dir, "manifest.json")) as f:
        manifest = json.load(f)
    t0 = time.time()
    rng = np.random.default_rng(SEED)
    for unit in manifest:
        df = pd.read_csv(os.path.join(in_dir, unit["file"]))
        train = df.pop("train").to_numpy() == 1
        feats = []
        for col in df.columns:
            x = df[col].astype(float)
            prev = x.shift(1)
            mean = prev.rolling(WINDOW).mean()
            std = prev.rolling(WINDOW).std()
            dev = x - mean
            feats += [x, dev, dev / (std + 1e-9), std, x.diff()]
        X = pd.concat(feats, axis=1).to_numpy()
        valid = np.isfinite(X).all(axis=1)
        fit_rows = np.flatnonzero(train & valid)
        scores = np.full(len(df), np.nan)
        if len(fit_rows) > 0:
            if len(fit_rows) > MAX_FIT_ROWS:
                fit_rows = np.sort(rng.choice(fit_rows, MAX_FIT_ROWS, replace=False))
            model = IsolationForest(n_estimators=100, max_samples=256, random_state=SEED, n_jobs=1)
            model.fit(X[fit_rows])
            scores[valid] = -model.score_samples(X[valid])
        stem = os.path.splitext(unit["file"])[0]
        np.savetxt(os.path.join(out_dir, stem + ".scores"), scores, fmt="%.6g")
        print(f"{unit['name']}: {len(df)} rows, {df.shape[1]} members, fit on {len(fit_rows)} rows")
    print(f"iforest_peer: {len(manifest)} units in {time.time() - t0:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
