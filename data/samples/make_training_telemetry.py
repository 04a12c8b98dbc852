#!/usr/bin/env python3
"""Generates data/samples/training_telemetry.csv: two hours of synthetic telemetry from one
8-GPU data-parallel LLM training job on two nodes (4 GPUs of each), with incidents planted at
known times:

  input stall (data loader starved)              08:20-08:26  every rank waits ~800 ms a step
  rank 5 (node-1, gpu 1) becomes a straggler     08:50-09:15  its compute_ms x1.6
  node-1 gpu 3 thermal excursion                 09:10-09:25  DCGM_FI_DEV_GPU_TEMP up to ~93 C,
                                                              SW thermal slowdown (0x20) from 90 C
  rank 2 (node-0, gpu 2) GPU memory leak         09:27-09:33  DCGM_FI_DEV_FB_USED +20 MiB/s
  node-1 gpu 5 Xid 79 (GPU fell off the bus)     09:35        DCGM_FI_DEV_XID_ERRORS 0 -> 79
  loss spike                                     09:40        train_loss x3 for two steps
  DCGM exporter on node-1 gpu 6 stops reporting  09:45 onward

Physics, as the real H200 run in data/gpu_telemetry/ showed it (README there):
- a step is compute (forward + backward), then the gradient all-reduce, then the rest (optimizer,
  data); the all-reduce ends on every rank together, so step_time_ms is the SAME on every rank
  of a step;
- a straggler's own compute_ms rises; every OTHER rank waits for it inside the all-reduce
  (their allreduce_ms rises by the difference; the straggler's own stays short: it arrives
  last); everyone's step time and the job's tokens/s follow the slowest rank; the waiting GPUs
  still read ~100% utilisation (NCCL kernels spin while they wait);
- an input stall adds a wait outside the GPU to every rank's step: GPU utilisation, tokens/s and
  temperature fall, compute and all-reduce times do not rise;
- GPU memory used (the caching allocator's reserve) is flat in steady state; a leak grows it.
Real-run medians for scale: step 38 ms = compute 27.5 + all-reduce 3.7 + ~7 ms rest; straggler
compute 27 -> 45 ms, the other rank's all-reduce 3.7 -> 40 ms, step 38 -> 71 ms on both ranks.

Step metrics (per rank: step_time_ms, compute_ms, allreduce_ms) and the job's train_loss,
tokens_total (a counter, as a Prometheus exporter gives it) and tokens_per_s (the gauge a
trainer logs) every 15 s; each rank's process_resident_memory_bytes every 15 s (flat); DCGM per GPU
every 30 s: temperature, the clock-event reasons and the
last Xid for all 8 GPUs of each node, utilisation and memory used for the job's 4 GPUs of each node.

Labels as each source names them once Prometheus has scraped it (data/rules/README.md,
"Labels"): the trainer's series carry job (the training job), node and rank, and gpu (its
index on the node); the DCGM series carry dcgm-exporter's Hostname (the node) and gpu, and
job="dcgm-exporter" (Prometheus's scrape job, not the training job), no node.

Deterministic (one seeded generator per section); plain Python, no packages. Format: Vigil's long
CSV (detectors/README.md).
Usage: python3 data/samples/make_training_telemetry.py > data/samples/training_telemetry.csv
"""
import math
import random

START = 1795161600  # 2026-11-20T08:00:00Z
END = START + 2 * 3600
rows = []

RANKS = 8
TOKENS_PER_STEP = 8 * 4 * 4096  # 8 ranks x 4 sequences x 4096 tokens
COMPUTE_MS = 296.0    # forward + backward of one rank
ALLREDUCE_MS = 41.0   # the gradient all-reduce when nobody is late
REST_MS = 75.0        # optimizer step, data hand-off, logging
STALL_WAIT_MS = 800.0  # starved data loader: each rank waits this long for its batch
STRAGGLER_RANK = 5
LEAK_RANK = 2
LEAK_MIB_PER_S = 20.0


def add(t, series, value, job="llm-70b", node="", rank="", gpu="", hostname=""):
    rows.append((t, series, value, job, node, rank, gpu, hostname))


def add_dcgm(t, series, value, hostname, gpu):
    """A dcgm-exporter series as Prometheus returns it: Hostname, gpu, the scrape job."""
    add(t, series, value, job="dcgm-exporter", gpu=str(gpu), hostname=hostname)


def minute(t):
    return (t - START) / 60.0


def stalled(m):
    return 20 <= m < 26


def straggling(m):
    return 50 <= m < 75


def node_of(rank):
    return "node-0" if rank < 4 else "node-1"


# Step metrics every 15 s (each the mean over the steps of those 15 s).
rng = random.Random(20261120)
step_ms_at = {}
for t in range(START, END, 15):
    m = minute(t)
    drift = 1 + 0.015 * math.sin(m / 7.0)  # slow job-wide drift (sequence mix)
    compute = []
    for rank in range(RANKS):
        c = COMPUTE_MS * drift * (1 + rng.gauss(0, 0.008))
        if straggling(m) and rank == STRAGGLER_RANK:
            c *= 1.6  # its GPU shares its SMs with a stray process
        compute.append(c)
    slowest = max(compute)
    ring = ALLREDUCE_MS * drift * (1 + rng.gauss(0, 0.03))  # the collective itself, once all arrived
    allreduce = [slowest - c + ring + rng.gauss(0, 0.4) for c in compute]  # waiting for the slowest + ring
    step = slowest + ring + REST_MS
    if stalled(m):
        step += STALL_WAIT_MS * (1 + rng.gauss(0, 0.05))
    step_ms_at[t] = step
    for rank in range(RANKS):
        labels = dict(node=node_of(rank), rank=str(rank), gpu=str(rank % 4))
        add(t, "step_time_ms", round(step, 1), **labels)
        add(t, "compute_ms", round(compute[rank], 1), **labels)
        add(t, "allreduce_ms", round(allreduce[rank], 1), **labels)

# GPU temperature per GPU, every 30 s; gpu 6 of node-1 stops reporting at 09:45. The job's GPUs
# (0-3 of each node) cool by ~12 C while the input stall leaves them idle most of the time.
rng = random.Random(20261121)
temp_at = {}  # (t, node, gpu) -> the temperature written, for the clock-event reasons below
for t in range(START, END, 30):
    m = minute(t)
    for node in ("node-0", "node-1"):
        for gpu in range(8):
            if node == "node-1" and gpu == 6 and m >= 105:
                continue
            temp = 66 + gpu * 0.7 + 2 * math.sin(m / 11.0 + gpu) + rng.gauss(0, 0.6)
            if gpu < 4 and stalled(m):
                temp -= min(12, (m - 20) * 12)
            if node == "node-1" and gpu == 3 and 70 <= m < 85:
                temp += min(25, (m - 70) * 4)  # cooling fault: ramps up, then plateaus
            add_dcgm(t, "DCGM_FI_DEV_GPU_TEMP", round(temp, 1), node, gpu)
            temp_at[(t, node, gpu)] = round(temp, 1)

# GPU utilisation (NVML's busy share of its last sample period, read every 30 s) of the job's
# GPUs: ~98% while training (also while waiting for a straggler: NCCL kernels spin); during the
# input stall the GPU is busy ~1/3 of a step, and a reading lands in a busy or an idle stretch.
rng = random.Random(20261122)
for t in range(START, END, 30):
    m = minute(t)
    for rank in range(RANKS):
        util = min(100, round(98 + rng.gauss(0, 1)))
        if stalled(m):
            util = round(rng.uniform(0, 45))
        add_dcgm(t, "DCGM_FI_DEV_GPU_UTIL", util, node_of(rank), rank % 4)

# GPU memory used (MiB) of the job's GPUs, every 30 s: flat (the caching allocator's reserve),
# one legitimate 1 GiB segment growth on node-1 gpu 0 at 08:40, and rank 2's leak from 09:27
# (a metrics list keeping every step's logits on the GPU) freed when it is flushed at 09:33.
for t in range(START, END, 30):
    m = minute(t)
    for rank in range(RANKS):
        used = 61440.0 + 256 * (rank % 3)
        if rank == 4 and m >= 40:
            used += 1024
        if rank == LEAK_RANK and 87 <= m < 93:
            used += LEAK_MIB_PER_S * (t - (START + 87 * 60))
        add_dcgm(t, "DCGM_FI_DEV_FB_USED", round(used, 1), node_of(rank), rank % 4)

# Last Xid per GPU (DCGM reports each GPU's most recent Xid code, 0 = none), every 30 s, for all 8
# GPUs of each node; node-1 gpu 5 reports Xid 79 from 09:35; node-1 gpu 6 stops with its exporter.
for t in range(START, END, 30):
    for node in ("node-0", "node-1"):
        for gpu in range(8):
            if node == "node-1" and gpu == 6 and minute(t) >= 105:
                continue
            xid = 79 if node == "node-1" and gpu == 5 and minute(t) >= 95 else 0
            add_dcgm(t, "DCGM_FI_DEV_XID_ERRORS", xid, node, gpu)

def reported_gpus():
    """(t, minute, node, gpu) every 30 s for each GPU whose temperature was written at t."""
    for t in range(START, END, 30):
        for node in ("node-0", "node-1"):
            for gpu in range(8):
                if (t, node, gpu) in temp_at:
                    yield t, minute(t), node, gpu


# Clock-event reasons per GPU (dcgm-exporter 3.x's DCGM_FI_DEV_CLOCK_THROTTLE_REASONS: NVML's bitmask
# of why the clocks are below their maximum; data/rules/gpu_training.rules reads it), every 30 s, for
# the GPUs the temperature has: the job's GPUs at their power limit under the load, SW power cap
# 0x4 (what an H200 showed in 60 of 60 samples under a BF16 GEMM load: data/rules/gpu_training.rules),
# nothing while the input stall leaves them waiting, the 4 GPUs with no job idle (0x1); node-1 gpu 3
# adds SW thermal slowdown (0x20) while at 90 C or more during its cooling fault.
for t, m, node, gpu in reported_gpus():
    bits = 0x1 if gpu >= 4 else 0x0 if stalled(m) else 0x4
    if temp_at[(t, node, gpu)] >= 90:
        bits |= 0x20
    add_dcgm(t, "DCGM_FI_DEV_CLOCK_THROTTLE_REASONS", bits, node, gpu)

# Power draw (W) per GPU (dcgm-exporter's DCGM_FI_DEV_POWER_USAGE), every 30 s, for the GPUs the
# temperature has: the job's GPUs at their 700 W cap under the load (the real H200 run read ~685 W,
# data/gpu_telemetry/README.md), ~270 W while the input stall leaves them waiting (that run's stall:
# 685 -> 266 W, a reading landing in a busy or an idle stretch), node-1 gpu 3 a little lower while
# its clocks are cut for heat, the 4 GPUs with no job idle at ~75 W. Its own generator, so adding it
# left every other section's values as they were (2026-12-04: GpuPowerDrop, DET3, reads this field;
# before, the sample had none and scripts/run detect warned about the rule).
rng = random.Random(20261125)
for t, m, node, gpu in reported_gpus():
    if gpu >= 4:
        watts = 75 + rng.gauss(0, 2)
    elif stalled(m):
        watts = rng.uniform(120, 420)
    else:
        watts = 684 + rng.gauss(0, 6)
        if temp_at[(t, node, gpu)] >= 90:
            watts -= 60
    add_dcgm(t, "DCGM_FI_DEV_POWER_USAGE", round(watts, 1), node, gpu)

# Training loss every 15 s: a slow decay with noise and one spike.
rng = random.Random(20261123)
for t in range(START, END, 15):
    m = minute(t)
    loss = 2.1 * math.exp(-m / 300.0) + 0.6 + rng.gauss(0, 0.015)
    if 100 <= m < 100.5:
        loss *= 3
    add(t, "train_loss", round(loss, 4))

# Throughput every 15 s, from the step time: the counter and the gauge.
rng = random.Random(20261124)
tokens = 0.0
for t in range(START, END, 15):
    per_s = TOKENS_PER_STEP / (step_ms_at[t] / 1000.0) * (1 + rng.gauss(0, 0.005))
    tokens += per_s * 15
    add(t, "tokens_total", round(tokens))
    add(t, "tokens_per_s", round(per_s))

# Each rank's resident host memory every 15 s (since 2026-12-05, DET10): the
# process_resident_memory_bytes that prometheus_client's process collector exports for any Python
# process, a trainer included (the real run 6 in data/gpu_telemetry/ has it). Large and flat, as in
# steady training: ~30 GiB a rank (the model's host copy, pinned staging buffers, data-loader
# queues) +- a few MiB; no leak is planted, so the bundled HostMemoryGrowth selects it and is quiet.
rng = random.Random(20261126)
for rank in range(RANKS):
    level = (30 + 0.25 * rank) * 1024 ** 3
    labels = dict(node=node_of(rank), rank=str(rank), gpu=str(rank % 4))
    for t in range(START, END, 15):
        add(t, "process_resident_memory_bytes", int(level + rng.gauss(0, 4) * 1024 ** 2), **labels)

rows.sort(key=lambda r: (r[0], r[1], r[4] or r[7], r[5], r[6]))
print("timestamp,series,value,job,node,rank,gpu,Hostname")
for t, series, value, job, node, rank, gpu, hostname in rows:
    print(f"{t},{series},{value},{job},{node},{rank},{gpu},{hostname}")
