#!/usr/bin/env python3
"""Four hours of a 4-rank training job's and its 4 GPUs' telemetry (1-minute points) with planted
incidents, for tests/day_one_rules_test.sh and docs/examples/day_one.rules.

Usage: day_one_telemetry.py OUT.csv PLANTED.json
PLANTED.json lists what a rule should raise: {"rule", "labels", "from", "to"} (the alert's start
in minutes from the first point, inclusive bounds); every alert must be one of them, and each of
them must be raised. The shapes on-call meets: NaN loss rows, a counter reset by a GPU reset, an
increase during an exporter gap, a pod label that changes at minute 120, an exporter that dies.
"""
import csv
import json
import math
import random
import sys

random.seed(7)
T0 = 1795161600
N = 240
rows, planted = [], []


def add(m, name, v, **labels):
    rows.append((T0 + m * 60, name, v, labels))


def plant(rule, lo, hi, **labels):
    planted.append({"rule": rule, "labels": labels, "from": lo, "to": hi})


for m in range(N):
    for r in range(4):
        lab = dict(job="llm", rank=str(r))
        loss = 3.0 * math.exp(-m / 300) + 0.5 + random.gauss(0, 0.01)
        if m == 100:
            loss += 1.5  # loss spike
        if 150 <= m < 155:
            loss = float("nan")  # NaN loss for 5 minutes
        add(m, "train_loss", loss, **lab)
        add(m, "grad_norm", 40 if m == 120 else 1.0 + random.gauss(0, 0.05), **lab)
        c = 200 + random.gauss(0, 3)
        add(m, "compute_ms", c * 1.6 if r == 2 and 60 <= m < 80 else c, **lab)  # rank 2 straggles
        tps = 50000 + random.gauss(0, 500)
        if 180 <= m < 200:
            tps *= 0.5  # throughput halves
        add(m, "tokens_per_sec", tps, **lab)
        add(m, "mfu", tps / 50000 * 0.45, **lab)
        bw = 180 + random.gauss(0, 2)
        add(m, "nccl_busbw_gbps", bw * 0.5 if 210 <= m < 225 else bw, **lab)
    for node in ("node-a", "node-b"):
        if node == "node-a" and 31 <= m < 50:
            continue  # node-a's exporter down for 19 minutes
        if node == "node-b" and m >= 220:
            continue  # node-b's exporter dies for good
        for gpu in range(2):
            lab = dict(Hostname=node, gpu=str(gpu), job="dcgm", pod="llm-0" if m < 120 else "llm-1")
            temp = 60 + random.gauss(0, 1)
            if node == "node-a" and gpu == 1 and m in (30, 50, 51):
                temp = 88  # hot before and after the gap: not 5 minutes of heat
            if node == "node-b" and gpu == 1 and 60 <= m < 70:
                temp = 90  # hot for 10 minutes
            add(m, "DCGM_FI_DEV_GPU_TEMP", temp, **lab)
            ecc = 0
            if node == "node-a" and gpu == 0:
                ecc = 2 if 50 <= m < 130 else 0  # rose during the gap; a GPU reset clears it at 130
            add(m, "DCGM_FI_DEV_ECC_DBE_VOL_TOTAL", ecc, **lab)
            add(m, "DCGM_FI_DEV_ROW_REMAP_FAILURE", 1 if node == "node-b" and gpu == 1 and m == 140 else 0, **lab)
            xid = 79 if node == "node-a" and gpu == 1 and m >= 95 else 0
            if not (node == "node-a" and gpu == 1 and 140 <= m < 142):  # a 2-minute restart gap
                add(m, "DCGM_FI_DEV_XID_ERRORS", xid, **lab)
            nv = 1000
            if node == "node-b" and gpu == 0:
                nv += min(max(0, m - 160), 10) * 50  # CRC errors climb 160..170
            add(m, "DCGM_FI_DEV_NVLINK_CRC_FLIT_ERROR_COUNT_TOTAL", nv, **lab)
            add(m, "DCGM_FI_DEV_CLOCK_THROTTLE_REASONS",
                0x44 if node == "node-a" and gpu == 0 and 200 <= m < 205 else 0x4, **lab)

for r in range(4):
    rank = str(r)
    plant("LossSpike", 100, 100, rank=rank)
    plant("GradNormExplosion", 120, 120, rank=rank)
    plant("LossNaN", 151, 153, rank=rank)
    plant("TokensPerSecDrop", 182, 186, rank=rank)
    plant("MfuDrop", 184, 188, rank=rank)
    plant("NcclBusBwDrop", 214, 218, rank=rank)
plant("StragglerRank", 61, 64, rank="2")
plant("EccDbeIncrease", 50, 50, Hostname="node-a", gpu="0")
plant("XidNonZero", 95, 96, Hostname="node-a", gpu="1")
plant("RowRemapFailure", 140, 140, Hostname="node-b", gpu="1")
plant("NvlinkCrcRising", 160, 166, Hostname="node-b", gpu="0")
plant("ThermalThrottle", 200, 203, Hostname="node-a", gpu="0")
plant("GpuHot", 64, 66, Hostname="node-b", gpu="1")
for gpu in ("0", "1"):
    plant("DcgmExporterStale", 32, 35, Hostname="node-a", gpu=gpu)
    plant("DcgmExporterStale", 221, 224, Hostname="node-b", gpu=gpu)

keys = ["job", "rank", "Hostname", "gpu", "pod"]
with open(sys.argv[1], "w", newline="") as f:
    w = csv.writer(f)
    w.writerow(["timestamp", "series", "value"] + keys)
    for t, n, v, lab in sorted(rows, key=lambda x: x[0]):
        w.writerow([t, n, "NaN" if v != v else repr(v)] + [lab.get(k, "") for k in keys])
with open(sys.argv[2], "w") as f:
    json.dump({"t0_ms": T0 * 1000, "planted": planted}, f, indent=1)
