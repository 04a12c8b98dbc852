#!/usr/bin/env python3
"""Generates data/samples/training_telemetry.csv: two hours of synthetic telemetry from one
8-GPU LLM training job on two nodes, with five incidents planted at known times.

  rank 5 (node-1, gpu 1) becomes a straggler     08:50-09:15  step_time_ms x1.6
  node-1 gpu 3 thermal excursion                 09:10-09:25  DCGM_FI_DEV_GPU_TEMP up to ~93 C
  node-1 Xid 79 (GPU fell off the bus)           09:35        DCGM_FI_DEV_XID_ERRORS 0 -> 79
  loss spike                                     09:40        train_loss x3 for two steps
  tokens/s drop while rank 5 straggles           08:50-09:15  tokens_total grows slower
  DCGM exporter on node-1 gpu 6 stops reporting  09:45 onward

Deterministic (seeded); plain Python, no packages. Format: Vigil's long CSV (detectors/README.md).
Usage: python3 data/samples/make_training_telemetry.py > data/samples/training_telemetry.csv
"""
import math
import random

START = 1795161600  # 2026-11-20T08:00:00Z
END = START + 2 * 3600
random.seed(20261120)
rows = []


def add(t, series, value, job="llm-70b", node="", rank="", gpu=""):
    rows.append((t, series, value, job, node, rank, gpu))


def minute(t):
    return (t - START) / 60.0


# Step time per rank, every 15 s. A straggling rank slows the whole job a little (sync).
for t in range(START, END, 15):
    m = minute(t)
    straggling = 50 <= m < 75
    for rank in range(8):
        node = "node-0" if rank < 4 else "node-1"
        base = 412 + 6 * math.sin(m / 7.0) + random.gauss(0, 4)
        if straggling:
            base += 25
        if straggling and rank == 5:
            base *= 1.6
        add(t, "step_time_ms", round(base, 1), node=node, rank=str(rank), gpu=str(rank % 4))

# GPU temperature per GPU, every 30 s; gpu 6 of node-1 stops reporting at 09:45.
for t in range(START, END, 30):
    m = minute(t)
    for node in ("node-0", "node-1"):
        for gpu in range(8):
            if node == "node-1" and gpu == 6 and m >= 105:
                continue
            temp = 66 + gpu * 0.7 + 2 * math.sin(m / 11.0 + gpu) + random.gauss(0, 0.6)
            if node == "node-1" and gpu == 3 and 70 <= m < 85:
                temp += min(25, (m - 70) * 4)  # cooling fault: ramps up, then plateaus
            add(t, "DCGM_FI_DEV_GPU_TEMP", round(temp, 1), node=node, gpu=str(gpu))

# Last Xid per node (DCGM reports the most recent Xid code, 0 = none), every 30 s.
for t in range(START, END, 30):
    for node in ("node-0", "node-1"):
        xid = 79 if node == "node-1" and minute(t) >= 95 else 0
        add(t, "DCGM_FI_DEV_XID_ERRORS", xid, node=node)

# Training loss every 15 s: a slow decay with noise and one spike.
for i, t in enumerate(range(START, END, 15)):
    m = minute(t)
    loss = 2.1 * math.exp(-m / 300.0) + 0.6 + random.gauss(0, 0.015)
    if 100 <= m < 100.5:
        loss *= 3
    add(t, "train_loss", round(loss, 4))

# Tokens processed (a counter) every 15 s; throughput drops while the job waits on rank 5.
tokens = 0.0
for t in range(START, END, 15):
    m = minute(t)
    per_s = 152000 * (0.62 if 50 <= m < 75 else 1.0) * (1 + random.gauss(0, 0.01))
    tokens += per_s * 15
    add(t, "tokens_total", round(tokens))

rows.sort(key=lambda r: (r[0], r[1], r[4], r[5], r[6]))
print("timestamp,series,value,job,node,rank,gpu")
for t, series, value, job, node, rank, gpu in rows:
    print(f"{t},{series},{value},{job},{node},{rank},{gpu}")
