#!/usr/bin/env python3
"""Record real GPU training telemetry with planted incidents, on a machine with NVIDIA GPUs.

Runs a small data-parallel training job (PyTorch, NCCL all-reduce, one process per GPU, at most
2 GPUs) for a fixed time and samples the GPUs through NVML once a second, the way DCGM exporter
would. After a normal stretch (the history a user trains rules on), it plants incidents that
change the real hardware's behaviour, each in a window fixed before the run:

  input_stall   every rank sleeps 150 ms per step (a starved data loader): GPU utilisation and
                power fall, step time rises, tokens/s falls
  straggler     rank 1's GPU also runs a competing matmul stream (a noisy neighbour): its compute
                time rises, the other rank waits in the all-reduce, the whole job slows
  memory_leak   rank 0 keeps 256 MiB more GPU memory every second, freed at the end
  loss_spike    three steps get inputs scaled by 30 (a bad batch): loss and gradient norm spike

Output (in --out): telemetry.csv in Vigil's long CSV format (timestamp,series,value,label,job,node,
rank,Hostname,gpu; detectors/README.md), label = 1 on the series an incident is expected to move,
inside its window; incidents.json with the windows (Unix seconds) and the expected series. Rows are
written as they are measured, so a run cut short still leaves what it measured. Labels as each
source names them: the trainer's step metrics carry job, node and rank (labels we define); the
NVML readings carry dcgm-exporter's `Hostname` (the node) and `gpu` (index), not job or node
(data/rules/README.md, "Labels").

--plan 3 (one GPU; the PLAN3_* tables below): hang, nan_loss, noisy_neighbour, crash_restart,
loader_drift, and normal checkpoints and evals, in the history and after it. The trainer runs in
a child process (it crashes and is restarted); the parent samples NVML and writes part-nvml.csv,
each life of the trainer part-trainerN.csv; incidents.json also has `normal_events`. A failure
other than the planted crash stops the run with an error (exit 1) after merging the rows so far.

--plan 4 (one GPU; the PLAN4_* tables): cpu_contention, precision_fallback, stale_exporter,
grad_explosion, and normal checkpoints, LR warm restarts, evals and a clean job end (the trainer
exits 0 at 392 s, NVML is sampled to 420 s). The trainer is pinned to one CPU core (the hog's).

Usage (on the GPU machine):
  NCCL_NVLS_ENABLE=0 python3 evals/gpu_telemetry/record_incidents.py --out DIR [--seconds 480]
  NCCL_NVLS_ENABLE=0 python3 evals/gpu_telemetry/record_incidents.py --plan 3 --gpus 1 --seconds 490 --out DIR
  (a smoke run of plan 3's code, every time x 0.25: --plan 3 --time-scale 0.25 --seconds 122.5)
  NCCL_NVLS_ENABLE=0 python3 evals/gpu_telemetry/record_incidents.py --plan 4 --gpus 1 --seconds 420 --out DIR
  (plan 4's smoke run: --plan 4 --time-scale 0.25 --seconds 105)
  NCCL_NVLS_ENABLE=0 python3 evals/gpu_telemetry/record_incidents.py --plan 5 --gpus 1 --seconds 440 --out DIR
  (plan 5's smoke run: --plan 5 --time-scale 0.25 --seconds 110)

--plan 5 (one GPU; the PLAN5_* tables): pageable_copies, allocator_thrash, loader_death (the
trainer exits with an error and is restarted), and normal checkpoints, evals, a batch-size change
and a clean job end at 410 s that the trainer marks with the gauge `training_completed` (0 while
it trains, 1 from its clean end; labels job, node, rank and the GPU's Hostname, gpu), served by
the parent every second to the end (440 s).
--plan 6 (one GPU, an H100; the PLAN6_* tables): periodic_stall, host_rss_leak, unnormalised_shard,
and normal checkpoints, evals and a clean job end at 410 s marked by `training_completed` as in
plan 5; the trainer also exports its resident host memory, `process_resident_memory_bytes` (job,
node, rank 0), with each second of its step rows.
  NCCL_NVLS_ENABLE=0 python3 evals/gpu_telemetry/record_incidents.py --plan 6 --gpus 1 --seconds 440 --out DIR
  (plan 6's smoke run: --plan 6 --time-scale 0.25 --seconds 110)
--plan 7 (one GPU, for an H100; the PLAN7_* tables): slow_checkpoint (one checkpoint written fsync'd
at a degraded filesystem's pace, the loop blocked ~25 s), gpu_memory_hog (a second, idle process
holds 40 GiB of GPU 0), frozen_layers (all layers but the last stop training: requires_grad off),
and normal checkpoints, evals, data-shard boundaries and a clean job end at 410 s marked by
`training_completed`; the trainer exports its RSS as plan 6's.
  NCCL_NVLS_ENABLE=0 python3 evals/gpu_telemetry/record_incidents.py --plan 7 --gpus 1 --seconds 440 --out DIR
  (plan 7's smoke run: --plan 7 --time-scale 0.25 --seconds 110)
--plan 8 (one GPU, an H100 or an H200; the PLAN8_* tables): optimizer_offload (the flat gradients through a
pinned host buffer and back every step), grad_accum_unscaled (4 micro-batches a step, the loss not divided by
them), half_frozen (the first 3 of 6 layers frozen), and normal checkpoints, evals, a planned accumulation ramp
(2 micro-batches, divided) and a clean job end at 410 s marked by `training_completed`; RSS as plan 6's.
  NCCL_NVLS_ENABLE=0 python3 evals/gpu_telemetry/record_incidents.py --plan 8 --gpus 1 --seconds 440 --out DIR
  (plan 8's smoke run: --plan 8 --time-scale 0.25 --seconds 110)
--plan 9 (one GPU, an H100 or an H200; the PLAN9_* tables): loss_masked_out (every label masked: the loss and
every gradient 0), loss_sum_reduction (the loss summed over the batch's 4 sequences: the gradient x4),
padding_waste (3 of 4 sequences' positions padding: tokens/s of real tokens 0.25x), and normal checkpoints,
evals, a planned loss-weight step (1.0 -> 1.5) and a clean job end at 410 s marked by `training_completed`;
RSS as plan 6's.
  NCCL_NVLS_ENABLE=0 python3 evals/gpu_telemetry/record_incidents.py --plan 9 --gpus 1 --seconds 440 --out DIR
  (plan 9's smoke run: --plan 9 --time-scale 0.25 --seconds 110)
--plan 10 (one GPU, an H100 or an H200; the PLAN10_* tables): grads_not_zeroed (a refactor drops the per-step
gradient reset: .grad accumulates over steps), eval_every_step (an eval hook's interval 1: 2 forward passes over
the held-out batch after every step), weight_corruption (silent data corruption: 2048 weights of the last layer
x256, an exponent bit flipped 0 -> 1); the first and the third end with a restore of the last checkpoint (the
fix); normal checkpoints, evals, a planned weight EMA switched on (an fp32 shadow of the weights: +1.5 GiB of GPU
memory, a little slower) and a clean job end at 410 s marked by `training_completed`; RSS as plan 6's.
  NCCL_NVLS_ENABLE=0 python3 evals/gpu_telemetry/record_incidents.py --plan 10 --gpus 1 --seconds 440 --out DIR
  (plan 10's smoke run: --plan 10 --time-scale 0.25 --seconds 110)
--plan 11 (one GPU, an H100 or an H200; the PLAN11_* tables): checkpoint_every_step (the checkpoint hook's interval
1: the weights to host memory and a local file after every step), loss_scale_not_undone (a static loss scale of 1024
before the backward, the unscale dropped: the gradients x1024); normal checkpoints, evals, a planned loss scale
switched on and undone (nothing moves) and a clean job end at 410 s marked by `training_completed`; RSS as plan 6's.
  NCCL_NVLS_ENABLE=0 python3 evals/gpu_telemetry/record_incidents.py --plan 11 --gpus 1 --seconds 440 --out DIR
  (plan 11's smoke run: --plan 11 --time-scale 0.25 --seconds 110)
"""
import io
import argparse
import contextlib
import json
import math
import os
import socket
import threading
import time

# Seconds after the start of recording; chosen before any run.
NORMAL_END = 240
FAULTS = [
    # name, start, end, expected series (name, scope) where scope is "rank:N", "gpu:N", "job"
    ("input_stall", 260, 290, [("step_time_ms", "rank:*"), ("tokens_per_s", "job"),
                               ("DCGM_FI_DEV_GPU_UTIL", "gpu:*"), ("DCGM_FI_DEV_POWER_USAGE", "gpu:*")]),
    ("straggler", 320, 360, [("compute_ms", "rank:1"), ("allreduce_ms", "rank:0"),
                             ("step_time_ms", "rank:*"), ("tokens_per_s", "job")]),
    ("memory_leak", 390, 430, [("DCGM_FI_DEV_FB_USED", "gpu:0")]),
    ("loss_spike", 455, 458, [("train_loss", "job"), ("grad_norm", "job")]),
]
# How hard each incident hits (run 1's values; --plan 2 changes them and the times).
STRENGTH = {"stall_s": 0.15, "compete_duty": 1.0, "leak_mib_per_s": 256, "spike_scale": 30.0}
# Plan 2: a second run with other times, order and strengths, recorded to check rules written
# after seeing run 1 on a run they have not seen.
PLAN2_FAULTS = [
    ("straggler", 255, 285, FAULTS[1][3]),
    ("memory_leak", 300, 340, FAULTS[2][3]),
    ("input_stall", 370, 400, FAULTS[0][3]),
    ("loss_spike", 430, 433, FAULTS[3][3]),
]
PLAN2_STRENGTH = {"stall_s": 0.06, "compete_duty": 0.5, "leak_mib_per_s": 128, "spike_scale": 10.0}
# Plan 3 (DET3, 2026-12-04, fixed before any run): ONE GPU (world size 1: the all-reduce is a real
# NCCL call of one rank that waits for no one), failures the bundled rules were not written for,
# and normal events an on-call engineer sees every day (the false-alarm traps). The trainer runs in
# its own process (it must be able to crash and restart); NVML is sampled by the parent.
#   hang             inside the all-reduce the GPU spins (torch.cuda._sleep of 1e8 cycles, ~50-70
#                    ms kernels, back to back) until the window's end: GPU utilisation stays ~100%, no step metrics
#                    (the classic NCCL-hang look); the hung step then reports its whole wait
#   nan_loss         every 2nd step's inputs are scaled by 1e30 (a bf16 overflow): loss inf, grad
#                    norm inf/nan; such steps are skipped (no update) as a GradScaler skips them;
#                    a second holding one writes its loss / grad norm as `inf` or `nan` (not a number)
#   noisy_neighbour  a second process on the same GPU runs 8192^2 bf16 GEMMs back to back
#                    (time-slicing): compute time up, throughput down, its memory appears
#   crash_restart    the trainer process exits (code 17) at the start; its series stop, the GPU's
#                    memory is freed; 20 s later it is started again, loads the last checkpoint's
#                    weights (loss back up a little) and warms up (first steps slow)
#   loader_drift     each step sleeps 0 -> 40 ms, rising linearly over the window (a data loader
#                    slowing down), then back to 0 at the end
# Normal events, in the history and after it, outside every incident window + 10 s or inside a slow
# incident (a checkpoint inside noisy_neighbour and loader_drift: a trainer keeps its schedule):
#   checkpoint  every 60 s from 45 s: the weights are copied to host memory and saved to a local
#               file, the GPU idles until 2.5 s are over (the next step's time includes the pause)
#   eval        at 135 s and 315 s, 8 s of forward passes on a held-out batch: GPU busy, no steps
# No memory creep: a sixth window of 50+ s does not fit in 490 s beside these without overlapping.
_STEP_SERIES = [("step_time_ms", "rank:0"), ("compute_ms", "rank:0"), ("allreduce_ms", "rank:0"),
                ("tokens_per_s", "job"), ("train_loss", "job"), ("grad_norm", "job")]
PLAN3_FAULTS = [
    ("hang", 245, 275, _STEP_SERIES + [("DCGM_FI_DEV_POWER_USAGE", "gpu:0")]),
    ("nan_loss", 292, 298, [("train_loss", "job"), ("grad_norm", "job")]),
    ("noisy_neighbour", 325, 350, [("compute_ms", "rank:0"), ("step_time_ms", "rank:0"),
                                   ("tokens_per_s", "job"), ("DCGM_FI_DEV_FB_USED", "gpu:0")]),
    ("crash_restart", 360, 395, _STEP_SERIES + [("DCGM_FI_DEV_GPU_UTIL", "gpu:0"),
                                                ("DCGM_FI_DEV_POWER_USAGE", "gpu:0"),
                                                ("DCGM_FI_DEV_FB_USED", "gpu:0")]),
    ("loader_drift", 410, 470, [("step_time_ms", "rank:0"), ("tokens_per_s", "job"),
                                ("DCGM_FI_DEV_GPU_UTIL", "gpu:0"), ("DCGM_FI_DEV_POWER_USAGE", "gpu:0")]),
]
PLAN3_NORMAL = [("checkpoint", s, s + 2.5) for s in range(45, 490, 60)] + [("eval", 135, 143), ("eval", 315, 323)]
PLAN3_STRENGTH = {"hang_kernel_cycles": 100_000_000, "nan_every": 2, "overflow_scale": 1e30, "neighbour_n": 8192,
                  "restart_after_s": 20, "drift_max_s": 0.04}
PLAN3_SECONDS = 490
# Plan 4 (DET4, 2026-12-04, fixed before any run): ONE GPU again, four more failures the bundled
# rules were not written for, and four kinds of normal event. As plan 3, the trainer runs in a
# child process and the parent samples NVML; the parent also runs the CPU hog.
#   cpu_contention      4 processes spin in pure Python on the trainer's core (the trainer is
#                       pinned to one core for the whole run; the hogs to the same core): the
#                       trainer gets ~1/5 of its core, kernel launches and syncs wait for the CPU:
#                       step time up, GPU utilisation and power down
#   precision_fallback  a config change drops BF16: forward and backward run in FP32 (TF32 tensor
#                       cores allowed, PyTorch's `allow_tf32`): step and compute time x2-3, GPU
#                       still busy (util ~100%, power high), memory up (FP32 copies and activations
#                       kept by the caching allocator, not given back after)
#   stale_exporter      the trainer livelocks (re-runs forward passes on the GPU, real work, never
#                       finishes a step) while its metrics exporter keeps serving the last second's
#                       values: every step series goes on, exactly flat; GPU busy; at the end the
#                       trainer resumes and the step that was stuck reports its whole time
#   grad_explosion      a weight decay with the wrong sign: every weight grows by exp(rate * dt)
#                       each step (x30 overall in scale over the window; since run 4 applied in
#                       steps of GROWTH_STEP: run 4's x1.0008 a step vanished in bf16 rounding): gradient norm (before
#                       clipping) and loss climb exponentially; at the end the weights of the
#                       window's start are restored (a rollback to the last good state)
# Normal events (the false-alarm traps), in the history and after it, outside every incident + 10 s:
#   checkpoint   as plan 3 (2.5 s, GPU idle), at 45, 105, 165, 225 (history) and 275 s (after)
#   lr_restart   a cosine LR schedule (0.05 -> 0.005 over 150 s) restarts at 0.05: at 105 s and at
#                275 s, with the checkpoint (schedulers restart at an epoch boundary, where jobs
#                save): the loss may bump up a little
#   eval         8 s of forward passes, at 135-143 s (history) and 310-318 s (after)
#   job_end      the trainer finishes cleanly at 392 s (exit 0): its series stop, its memory is
#                freed, the GPU idles until the recording ends at 420 s
# No sixth / fifth incident: 420 s (the device's 10 minutes also hold another helper's demo) holds
# 240 s of history, four incidents of 20-25 s each with 10 s grace after, three traps and 28 s of
# job end; a fifth (an allocator thrash, pageable copies) would overlap a trap or the grace.
PLAN4_FAULTS = [
    ("cpu_contention", 245, 265, [("step_time_ms", "rank:0"), ("tokens_per_s", "job"),
                                  ("DCGM_FI_DEV_GPU_UTIL", "gpu:0"), ("DCGM_FI_DEV_POWER_USAGE", "gpu:0")]),
    ("precision_fallback", 279, 299, [("step_time_ms", "rank:0"), ("compute_ms", "rank:0"),
                                      ("tokens_per_s", "job"), ("DCGM_FI_DEV_FB_USED", "gpu:0")]),
    ("stale_exporter", 320, 345, list(_STEP_SERIES)),
    ("grad_explosion", 355, 380, [("train_loss", "job"), ("grad_norm", "job")]),
]
PLAN4_NORMAL = ([("checkpoint", s, s + 2.5) for s in (45, 105, 165, 225, 275)] +
                [("lr_restart", 105, 105), ("lr_restart", 275, 275),
                 ("eval", 135, 143), ("eval", 310, 318), ("job_end", 392, 420)])
PLAN4_STRENGTH = {"hog_procs": 4, "lr_max": 0.05, "lr_min": 0.005, "lr_period_s": 150,
                  "explode_total_scale": 30.0}
PLAN4_SECONDS = 420
# Plan 5 (DET7, 2026-12-05, fixed before any run): ONE GPU, the job of runs 3-4, three failures
# none of the bundled rules was written for, and normal events; the trainer exports a job-state
# gauge, `training_completed` (0 while it trains, 1 from its clean end: data/rules/README.md
# "Run 4, after"), which GpuUtilDrop / GpuPowerDrop read (a peer term) to stay quiet at a clean end.
#   loader_death     a data-loader worker dies (the host's OOM killer): the trainer waits for its
#                    batch with the GPU idle and its memory held until the loader's status check
#                    (5 s: PyTorch's MP_STATUS_CHECK_INTERVAL) raises "DataLoader worker exited
#                    unexpectedly"; the trainer exits with an error (no marker: it did not end
#                    cleanly), memory freed; the scheduler restarts it 15 s later; it loads the
#                    last checkpoint (225 s) and warms up. Must page (GpuUtilDrop / GpuPowerDrop).
#   pageable_copies  each step's input batch comes from host memory that is not pinned (a loader
#                    with pin_memory=False that prepares batches on the host): a synchronous 128
#                    MiB host-to-device copy through the driver's staging buffer per step; no
#                    kernel runs meanwhile: step time up by the copy, GPU utilisation and power
#                    down, compute time unchanged
#   allocator_thrash torch.cuda.empty_cache() after every step (a "fix" for fragmentation OOMs
#                    left in the loop): every step's activations and gradients are allocated
#                    from the driver again (cudaMalloc) and given back (cudaFree synchronizes the
#                    GPU): step time up, memory used read lower and jumping (the cache is empty
#                    between steps)
# The loader death comes first: an alert keeps firing 1 min after its condition ends
# (keep_firing_for), and a GpuUtilDrop still firing at the job end would swallow the end's own
# alert and hide whether the marker works; so every incident ends >= 70 s before the job end.
# (Cost, known before the run: a GpuUtilDrop / GpuPowerDrop condition of the pageable copies
# while the death's alert still fires, to ~335 s, is no new alert of those rules.)
# Normal events (traps), outside every incident + 10 s:
#   checkpoint    as plans 3-4 (2.5 s, GPU idle), at 45, 105, 165, 225 (history) and 350 s (after)
#   eval          8 s of forward passes, at 135-143 s (history) and 357-365 s (after)
#   batch_change  a planned batch-size ramp: 8192 -> 16384 tokens a step from 375 s to the end:
#                 step and compute time about x2, tokens/s about the same or higher, memory up
#                 by the larger activations, util ~100%
#   job_end       the trainer ends cleanly at 410 s (exit 0) and writes training_completed 1; the
#                 parent (as a Pushgateway keeps serving a pushed gauge) writes 1 every second
#                 to the end (440 s); the GPU idles; GpuUtilDrop / GpuPowerDrop must stay quiet
# 440 s: the lead's device call has 600 s with start-up; three incidents (20-35 s, 10 s grace
# each) and the traps fill 240-440 s.
PLAN5_FAULTS = [
    ("loader_death", 245, 280, _STEP_SERIES + [("DCGM_FI_DEV_GPU_UTIL", "gpu:0"),
                                               ("DCGM_FI_DEV_POWER_USAGE", "gpu:0"),
                                               ("DCGM_FI_DEV_FB_USED", "gpu:0")]),
    ("pageable_copies", 290, 310, [("step_time_ms", "rank:0"), ("tokens_per_s", "job"),
                                   ("DCGM_FI_DEV_GPU_UTIL", "gpu:0"), ("DCGM_FI_DEV_POWER_USAGE", "gpu:0")]),
    ("allocator_thrash", 320, 340, [("step_time_ms", "rank:0"), ("tokens_per_s", "job"),
                                    ("DCGM_FI_DEV_GPU_UTIL", "gpu:0"), ("DCGM_FI_DEV_FB_USED", "gpu:0")]),
]
PLAN5_NORMAL = ([("checkpoint", s, s + 2.5) for s in (45, 105, 165, 225, 350)] +
                [("eval", 135, 143), ("eval", 357, 365), ("batch_change", 375, 375), ("job_end", 410, 440)])
PLAN5_STRENGTH = {"host_batches": 4, "loader_wait_s": 5, "restart_after_s": 15, "batch_scale": 2}
PLAN5_SECONDS = 440
# Plan 6 (DET9, 2026-12-05, fixed before any run): ONE GPU, and for the first time an NVIDIA H100
# (80 GB) instead of the H200 of runs 1-5: the job of runs 3-5, three failures of kinds not planted
# in runs 1-5 (none the bundled rules were written for), normal events, and the clean end marked by
# `training_completed` as in plan 5. The trainer also exports its own resident host memory,
# `process_resident_memory_bytes` (the name of Prometheus clients' process collector; labels job,
# node, rank 0), once a second with its step rows: a host-side leak shows nowhere else.
#   periodic_stall      every `stall_every` steps the trainer blocks `stall_s` in a synchronous host
#                       call (a metrics / log flush to a slow filesystem every N steps): bursts of
#                       full-speed steps between ~1.5 s pauses, GPU idle in the pauses; mean
#                       throughput about halved; the 1 s step-time and utilisation readings jump
#                       between normal and stalled seconds
#   host_rss_leak       each step keeps a host copy of `leak_rows` rows of its input batch (8 MiB:
#                       a debug dump that is never written) in a list: the trainer's resident
#                       memory grows ~8 MiB a step (~0.2 GiB/s); the list is dropped at the window's
#                       end (whether the RSS falls then is the C library's business). The GPU's
#                       series barely move (a small device-to-host copy a step)
#   unnormalised_shard  the loader reads a shard written without its normalisation: every input
#                       batch has 4x the usual scale (std 4, not 1) for the window, then the next
#                       shard is normal again: the loss ~x16 (4^2: targets are made from the inputs
#                       too) and the gradient norm before clipping ~x16 for the whole window, back
#                       after it; step time and the GPU unchanged. A level shift held 25 s, not the
#                       3-step bad batch of runs 1-2's loss_spike
# Every incident ends >= 70 s before the job end (keep_firing_for, as plan 5). No two incidents
# that the same rule should see: an alert keeps firing 1 min after its condition ends, so a second
# throughput drop 45 s after the first is no new alert (the first draft's third incident, a
# micro-batch shrunk 8192 -> 1024 tokens at 315-340 s, whose only predicted sign was tokens/s,
# was dropped for that before any run: the fake recording of tests/gpu_telemetry_plan_test.sh
# showed the periodic stall's ThroughputDropGauge still firing at 315 s). The three incidents
# speak to three kinds of rule: GPU / throughput, process memory, loss.
# Normal events (traps), outside every incident + 10 s:
#   checkpoint  as plans 3-5 (2.5 s, GPU idle, 768 MiB of weights through host memory: the RSS
#               moves too), at 45, 105, 165, 225 (history) and 350 s (after)
#   eval        8 s of forward passes, at 135-143 s (history) and 357-365 s (after)
#   job_end     the trainer ends cleanly at 410 s and writes training_completed 1; the parent
#               serves 1 every second to the end (440 s), as plan 5
# No fourth incident: with the history to 240 s, windows of >= 20 s, 10 s grace between them and
# 70 s before the job end (410 s, a 30 s tail), three windows of 25 s fill 245-340 s.
PLAN6_FAULTS = [
    ("periodic_stall", 245, 270, [("step_time_ms", "rank:0"), ("tokens_per_s", "job"),
                                  ("DCGM_FI_DEV_GPU_UTIL", "gpu:0"), ("DCGM_FI_DEV_POWER_USAGE", "gpu:0")]),
    ("host_rss_leak", 280, 305, [("process_resident_memory_bytes", "rank:0")]),
    ("unnormalised_shard", 315, 340, [("train_loss", "job"), ("grad_norm", "job")]),
]
PLAN6_NORMAL = ([("checkpoint", s, s + 2.5) for s in (45, 105, 165, 225, 350)] +
                [("eval", 135, 143), ("eval", 357, 365), ("job_end", 410, 440)])
PLAN6_STRENGTH = {"stall_every": 40, "stall_s": 1.5, "leak_rows": 512, "shard_scale": 4.0}
PLAN6_SECONDS = 440
# Plan 7 (DET11, 2026-12-05, fixed before any run; the key: data/gpu_telemetry/README.md "Run 7"): ONE GPU,
# meant for the lent H100 80GB HBM3 (run 6 got an H200): the job of runs 3-6, three failures of kinds not planted in runs 1-6 and none the bundled rules
# were written for, normal events (one new: a data-shard boundary), the clean end marked by
# `training_completed` and the trainer's RSS as in plan 6.
#   slow_checkpoint  one checkpoint is written to a degraded filesystem (an overloaded NFS / object
#                    store mount): the state (768 MiB) serialised, then written in 8 MiB chunks, each
#                    fsync'd, at the filesystem's pace (slow_ckpt_s_per_gib: 32 s a GiB, 32 MiB/s; the
#                    lent machine's own disk is faster, so the writer waits out each chunk's share of
#                    that time after its fsync); the loop blocks for ~25 s instead of the usual ~2 s:
#                    no step rows, GPU idle (util 0, power to idle), memory held; the next step's time
#                    holds the whole pause. It IS a checkpoint (os.replace'd, loadable)
#   gpu_memory_hog   a second process (a forgotten notebook kernel, a previous job's leftover)
#                    creates a CUDA context on GPU 0, allocates `hog_gib` GiB (zeroed) and sits idle
#                    until the window's end, then exits: FB_USED up by ~40.5 GiB, nothing else moves
#                    (no kernels: no time-slicing, unlike run 3's noisy_neighbour); the job's next
#                    larger allocation (an eval at a larger batch, a restart) would fail
#   frozen_layers    a fine-tuning callback left in the pre-training config freezes all layers but
#                    the last `trainable_layers` (requires_grad off) at its scheduled step and
#                    unfreezes them at the window's end: the backward pass computes one weight
#                    gradient instead of 6 weight and 5 input gradients: compute and step time
#                    ~0.4-0.5x, tokens/s ~2-2.5x (UP), the gradient norm over the trainable weights
#                    ~1/sqrt(6) = 0.41x; the loss unchanged (it sits at its floor); five sixths of
#                    the model stop learning while the job looks faster
# Every incident ends >= 70 s before the job end (keep_firing_for, as plans 5-6). slow_checkpoint and
# frozen_layers both expect step series (45 s apart, inside keep_firing_for), but in ways no one rule
# sees both: the first stops them (no rows; the GPU's rules speak), the second moves step and compute
# time DOWN and tokens/s UP.
# Normal events (traps), outside every incident + 10 s:
#   checkpoint      as plans 3-6 (2.5 s, GPU idle, 768 MiB through host memory), at 45, 105, 165, 225
#                   (history) and 350 s (after)
#   eval            8 s of forward passes, at 135-143 s (history) and 357-365 s (after)
#   shard_boundary  (new) the loader moves to the next data shard: it decodes the shard into a host
#                   buffer (`shard_mib` MiB, replacing the previous shard's; ~0.5-1 s, the loop waits)
#                   and the batches come from the shard's seed: at 195 s (history) and 375 s (after);
#                   a pause of about a second and a transient RSS step, no change in the loss's level
#   job_end         the trainer ends cleanly at 410 s, writes training_completed 1; the parent serves
#                   1 every second to the end (440 s), as plans 5-6
PLAN7_FAULTS = [
    ("slow_checkpoint", 245, 270, _STEP_SERIES + [("process_resident_memory_bytes", "rank:0"),
                                                  ("DCGM_FI_DEV_GPU_UTIL", "gpu:0"),
                                                  ("DCGM_FI_DEV_POWER_USAGE", "gpu:0")]),
    ("gpu_memory_hog", 280, 305, [("DCGM_FI_DEV_FB_USED", "gpu:0")]),
    ("frozen_layers", 315, 340, [("step_time_ms", "rank:0"), ("compute_ms", "rank:0"),
                                 ("tokens_per_s", "job"), ("grad_norm", "job")]),
]
PLAN7_NORMAL = ([("checkpoint", s, s + 2.5) for s in (45, 105, 165, 225, 350)] +
                [("eval", 135, 143), ("eval", 357, 365), ("shard_boundary", 195, 195),
                 ("shard_boundary", 375, 375), ("job_end", 410, 440)])
PLAN7_STRENGTH = {"slow_ckpt_s_per_gib": 32.0, "ckpt_chunk_mib": 8, "hog_gib": 40, "trainable_layers": 1,
                  "shard_mib": 256}
PLAN7_SECONDS = 440
# Plan 8 (DET13, 2026-12-05, fixed before any run; the key: data/gpu_telemetry/README.md "Run 8"): ONE GPU,
# meant for the lent H100 80GB HBM3 (an H200 runs it the same): the job of runs 3-7, two failures of kinds not
# planted in runs 1-7 and none the bundled rules were written for, one other form of run 7's frozen layers (the
# kind TrainingShrunk was written for after seeing it), normal events (one new: a planned gradient-accumulation
# ramp), the clean end marked by `training_completed` and the trainer's RSS as in plans 6-7.
#   optimizer_offload    a config change turns on optimizer offload (ZeRO-Offload style): every step the
#                        flattened gradients (768 MiB of bf16) go to a pinned host buffer and come back
#                        (the optimizer state's round trip over PCIe, each copy waited for) before the
#                        update; the pinned buffer (768 MiB) is allocated when it turns on. The CPU
#                        optimizer's own arithmetic is left out (a real CPU Adam is slower still). Step time
#                        up by the two copies (~30-60 ms on PCIe Gen5), tokens/s about halved, the GPU idle
#                        while the copy engines work (NVML utilisation counts kernels only), power down,
#                        compute time unchanged, the RSS up once by the pinned buffer
#   grad_accum_unscaled  a config merge sets gradient accumulation to `bug_accum` micro-batches a step and the
#                        loss is NOT divided by them (the classic bug): each optimizer step runs 4 forward /
#                        backward passes whose gradients add up, then one all-reduce and update: step and
#                        compute time ~x4 (tokens/s about the same: the same work per token), the gradient
#                        norm x2-4 (4 batches' gradients summed; noise-dominated at the loss floor: ~x2), the
#                        effective learning rate as much higher; loss (the mean over the micro-batches) and
#                        the GPU unchanged
#   half_frozen          run 7's frozen_layers in another shape: the FIRST `frozen_layers` (3) of 6 layers
#                        frozen (requires_grad off; a fine-tuning recipe's "freeze the bottom half" applied
#                        to pre-training), the top three train: backward computes 3 weight gradients and 2
#                        input gradients (not 6 and 5): compute ~0.65x, tokens/s ~1.4x, the gradient norm over
#                        the trainable weights ~sqrt(3/6) = 0.71x in theory (run 7: one layer of six gave 0.32x,
#                        not 0.41x); loss unchanged. OUTSIDE TrainingShrunk's stated limit ("half the model
#                        frozen (0.71) is not seen"): predicted missed
# Every incident ends >= 70 s before the job end (keep_firing_for, as plans 5-7). The three share step_time_ms
# (no bundled rule selects it; TrainingShrunk reads it as a peer term) and two share compute_ms / grad_norm;
# the throughput drop is the first's alone (the second's tokens/s stays, the third's rises).
# Normal events (traps), outside every incident + 10 s:
#   checkpoint   as plans 3-7 (2.5 s, GPU idle, 768 MiB through host memory), at 45, 105, 165, 225 (history)
#                and 350 s (after)
#   eval         8 s of forward passes, at 135-143 s (history) and 357-365 s (after)
#   accum_ramp   (new) a planned gradient-accumulation ramp: from 375 s to the end, `ramp_accum` (2)
#                micro-batches a step, the loss divided by them (done right): step and compute time ~x2,
#                tokens/s the same, the gradient norm ~0.7-1x (a mean of two batches' gradients); the grad
#                accumulation bug's twin with the division: what tells them apart is the gradient norm
#   job_end      the trainer ends cleanly at 410 s, writes training_completed 1; the parent serves 1 every
#                second to the end (440 s), as plans 5-7
PLAN8_FAULTS = [
    ("optimizer_offload", 245, 270, [("step_time_ms", "rank:0"), ("tokens_per_s", "job"),
                                     ("DCGM_FI_DEV_GPU_UTIL", "gpu:0"), ("DCGM_FI_DEV_POWER_USAGE", "gpu:0"),
                                     ("process_resident_memory_bytes", "rank:0")]),
    ("grad_accum_unscaled", 280, 305, [("step_time_ms", "rank:0"), ("compute_ms", "rank:0"),
                                       ("grad_norm", "job")]),
    ("half_frozen", 315, 340, [("step_time_ms", "rank:0"), ("compute_ms", "rank:0"),
                               ("tokens_per_s", "job"), ("grad_norm", "job")]),
]
PLAN8_NORMAL = ([("checkpoint", s, s + 2.5) for s in (45, 105, 165, 225, 350)] +
                [("eval", 135, 143), ("eval", 357, 365), ("accum_ramp", 375, 375), ("job_end", 410, 440)])
PLAN8_STRENGTH = {"bug_accum": 4, "ramp_accum": 2, "frozen_layers": 3}
PLAN8_SECONDS = 440
# Plan 9 (DET15, 2026-12-06, fixed before any run; the key: data/gpu_telemetry/README.md "Run 9"): ONE GPU, an
# H100 or an H200: the job of runs 3-8, three failures of kinds not planted in runs 1-8 (the second another cause
# of a gradient-norm rise than run 8's, for GradNormRise, written after run 8, to meet blind), normal events (one
# new: a planned loss-weight step that raises the norm 1.5x), the clean end marked by `training_completed` and
# the trainer's RSS as in plans 6-8. What the loss is over, per step: `real` tokens (rows) of the 8192 the batch
# holds count in it (the rest are padding, or masked out), summed and divided by max(real, 1) x HIDDEN (the count
# clamped to 1, as Megatron-style trainers divide by their loss tokens); with every token real it is mse_loss's
# mean as runs 3-8. The backward runs on the loss times `scale`; the logged loss is the loss itself (a metrics path
# that averages over the loss tokens, as a logger's "lm loss"). tokens_per_s counts the batch's non-padding tokens.
#   loss_masked_out     a chat-template / tokenizer change makes the label mask match no token: every label is
#                       ignored, the loss (sum / clamped count) is exactly 0, so is every gradient: nothing
#                       trains while the step, the GPU and tokens/s look as usual (the tokens are real input,
#                       only their labels are masked): train_loss 0 and grad_norm 0 for 25 s (the NaN form, a
#                       mean over zero tokens, is run 3's nan_loss kind)
#   loss_sum_reduction  a refactor of the loss sums the per-sequence means over the batch's 4 sequences (2048
#                       tokens each) instead of averaging them: the gradient and its norm exactly x4 (0.8, under
#                       the clip at 1: the update x4, the effective LR x4); the logged loss, step, compute,
#                       tokens/s and GPU unchanged; the loss may FALL as run 8's did (larger updates escape bf16)
#   padding_waste       a collate change pads every batch to the longest sequence: 3 of the batch's 4 sequences'
#                       worth of positions are padding (2048 real tokens of 8192): the GPU computes all 8192
#                       positions (step, compute, util, power unchanged), the loss is over the 2048 real tokens
#                       and tokens/s (the real ones) falls to 0.25x: 4x the GPU-hours a token; the norm rises
#                       by its noise (a mean over a quarter of the tokens: ~1.5x from run 8's noise share, up
#                       to 2x if noise dominates)
# Every incident ends >= 70 s before the job end (keep_firing_for, as plans 5-8).
# Normal events (traps), outside every incident + 10 s:
#   checkpoint        as plans 3-8 (2.5 s, GPU idle, 768 MiB through host memory), at 45, 105, 165, 225
#                     (history) and 350 s (after)
#   eval              8 s of forward passes, at 135-143 s (history) and 357-365 s (after)
#   loss_weight_step  (new) a planned loss-weight schedule steps the language-modelling term's weight from 1.0
#                     to `loss_weight` (1.5) at 375 s to the end (as a multi-task recipe does when it anneals
#                     an auxiliary term out; the logged loss is the unweighted term): the gradient norm x1.5,
#                     nothing else moves; must not page (GradNormRise's bar is 2x)
#   job_end           the trainer ends cleanly at 410 s, writes training_completed 1; the parent serves 1 every
#                     second to the end (440 s), as plans 5-8
PLAN9_FAULTS = [
    ("loss_masked_out", 245, 270, [("train_loss", "job"), ("grad_norm", "job")]),
    ("loss_sum_reduction", 280, 305, [("grad_norm", "job")]),
    ("padding_waste", 315, 340, [("tokens_per_s", "job"), ("grad_norm", "job")]),
]
PLAN9_NORMAL = ([("checkpoint", s, s + 2.5) for s in (45, 105, 165, 225, 350)] +
                [("eval", 135, 143), ("eval", 357, 365), ("loss_weight_step", 375, 375), ("job_end", 410, 440)])
PLAN9_STRENGTH = {"sum_sequences": 4, "padded_real_tokens": 2048, "loss_weight": 1.5}
PLAN9_SECONDS = 440
# Plan 10 (DET17, 2026-12-06, fixed before any run; the key: data/gpu_telemetry/README.md "Run 10"): ONE GPU, an
# H100 or an H200: the job of runs 3-9 (mse_loss's mean over every token, as runs 3-8), three failures of kinds not
# planted in runs 1-9, normal events (one new: a planned weight EMA), the clean end marked by `training_completed`
# and the trainer's RSS as in plans 6-9. Two incidents end as an on-call engineer ends them: the fix deployed and
# the weights restored from the last checkpoint (225 s's, on local disk; the loop waits ~1-2 s).
#   grads_not_zeroed    a refactor moves the gradient reset (`optimizer.zero_grad()` / `.grad = None`) out of the
#                       step loop: every backward adds into the .grad of the steps before (autograd accumulates),
#                       so the gradient is the sum since the window's start: its norm (before clipping) grows
#                       step after step (a sum of k batches' gradients: ~k x the mean gradient while bf16 keeps
#                       the small additions), the clip at 1 holds each update at lr (0.05: 5x the usual ~0.01),
#                       always along the accumulated direction (a momentum without decay). At 270 s the fix: the
#                       weights restored from the 225 s checkpoint, the gradients cleared. Step, compute, tokens/s,
#                       the GPU unchanged
#   eval_every_step     an eval hook's interval set to 1 (the config's eval_interval meant in thousands of steps):
#                       after every step `eval_passes` (2) forward passes over the held-out batch (no_grad; their
#                       loss not logged): ~+20 ms a step (6 of the step's 17 GEMMs, twice), step ~1.6x, tokens/s
#                       ~0.63x; compute_ms (the CUDA events around forward + backward) unchanged; the GPU as busy
#                       as ever (util ~99 %, power as training)
#   weight_corruption   silent data corruption (a GPU's bad SRAM / a bit flip in HBM on a node without ECC
#                       reporting): at 315 s `sdc_elements` (2048) weights of the LAST layer, every
#                       `sdc_stride`-th element of it (32771: spread over rows and columns), are multiplied by
#                       `sdc_scale` (256 = 2^8: what a flip of an exponent bit from 0 to 1 does, exactly), in place;
#                       all finite. The loss ~x2 (each weight ~0.011 -> ~2.8: + 2048 x 2.8^2 / 8192 ~ +2.0 on
#                       ~1.97), held (SGD at LR 0.05 moves a 2.8 weight by ~1e-5 a step: bf16 rounds it away); the
#                       gradient norm up ~1.5x (the error back-propagated through the corrupted weights; a guess);
#                       nothing else moves. At 340 s the fix (the node drained, the job resumed): the 225 s
#                       checkpoint restored
# Every incident ends >= 70 s before the job end (keep_firing_for, as plans 5-9).
# Normal events (traps), outside every incident + 10 s:
#   checkpoint  as plans 3-9 (2.5 s, GPU idle, 768 MiB through host memory), at 45, 105, 165, 225 (history) and
#               350 s (after)
#   eval        8 s of forward passes, at 135-143 s (history) and 357-365 s (after)
#   ema_on      (new) a planned weight EMA (exponential moving average, decay `ema_decay` 0.999, as recipes switch
#               on for a final phase) from 375 s to the end: an fp32 shadow of every weight (6 x 256 MiB) made at
#               375 s and moved toward the weights after every step (mul_, add_: no temporary): GPU memory used
#               up once by <= 1.5 GiB (under GpuMemoryGrowth's 2 GiB; less where the cache has free blocks), step
#               time up ~6 % (memory-bound passes over 1.5 GiB: ~2 ms), tokens/s ~0.94x (above the 0.8x bar); a
#               step in memory that looks like a leak's start
#   job_end     the trainer ends cleanly at 410 s, writes training_completed 1; the parent serves 1 every second
#               to the end (440 s), as plans 5-9
PLAN10_FAULTS = [
    ("grads_not_zeroed", 245, 270, [("grad_norm", "job")]),
    ("eval_every_step", 280, 305, [("step_time_ms", "rank:0"), ("tokens_per_s", "job")]),
    ("weight_corruption", 315, 340, [("train_loss", "job"), ("grad_norm", "job")]),
]
PLAN10_NORMAL = ([("checkpoint", s, s + 2.5) for s in (45, 105, 165, 225, 350)] +
                 [("eval", 135, 143), ("eval", 357, 365), ("ema_on", 375, 375), ("job_end", 410, 440)])
PLAN10_STRENGTH = {"eval_passes": 2, "sdc_stride": 32771, "sdc_elements": 2048, "sdc_scale": 256.0,
                   "ema_decay": 0.999}
PLAN10_SECONDS = 440
# Plan 11 (DET19, 2026-12-06, fixed before any run; the key: data/gpu_telemetry/README.md "Run 11"): ONE GPU, an
# H100 or an H200: the job of runs 3-10 (mse_loss's mean over every token), two failures of kinds not planted in
# runs 1-10, normal events (one new: a loss scale switched on and undone as it should be), the clean end marked by
# `training_completed` and the trainer's RSS as in plans 6-10.
#   checkpoint_every_step   the checkpoint hook's interval read in steps where minutes were meant (1): after every
#                           step the weights go to host memory and a local file (save_checkpoint, the normal
#                           checkpoint's own code: 768 MiB, ~0.5-1.5 s a step): the GPU idles between steps
#                           (utilisation and power fall to ~idle), step time ~x20-40, tokens/s ~0.03-0.07x; the
#                           steps go on (unlike run 7's one slow checkpoint, which blocked the loop); each second
#                           holds <= 1 step, so its logged loss is one step's, not a mean of ~28 (noise ~x5)
#   loss_scale_not_undone   a static loss scale (`loss_scale` 1024, an fp16 recipe's) multiplies the loss before
#                           the backward and a refactor drops the unscale: the gradients and their norm (taken
#                           before clipping) x1024 (~0.2 -> ~205); the clip at 1 holds each update at lr (0.05),
#                           along the true gradient (~5x the usual step: the loss may fall, as run 10's clipped
#                           updates made it fall 12 %); step, tokens/s, GPU unchanged. At 305 s the fix (the unscale
#                           restored, the job resumed from its last checkpoint: the one checkpoint_every_step wrote
#                           last, at ~270 s; no checkpoint is due in 270-305 s): the weights restored (plan 10's
#                           restore_checkpoint; the loop waits ~0.5 s)
# Every incident ends >= 70 s before the job end (keep_firing_for, as plans 5-10).
# Normal events (traps), outside every incident + 10 s:
#   checkpoint      as plans 3-10 (2.5 s), at 45, 105, 165, 225 (history) and 350 s (after)
#   eval            8 s of forward passes, at 135-143 s (history) and 357-365 s (after)
#   loss_scale_on   (new) the same static loss scale (1024) switched on as planned from 375 s to the end, and undone
#                   (the flat gradients / 1024 before the norm, the clip and the update): powers of two, so every
#                   gradient and the norm are what they were: nothing moves; a config change on the knob of
#                   loss_scale_not_undone
#   job_end         the trainer ends cleanly at 410 s, writes training_completed 1; the parent serves 1 every second
#                   to the end (440 s), as plans 5-10
PLAN11_FAULTS = [
    ("checkpoint_every_step", 245, 270, [("step_time_ms", "rank:0"), ("tokens_per_s", "job"),
                                         ("DCGM_FI_DEV_GPU_UTIL", "gpu:0"), ("DCGM_FI_DEV_POWER_USAGE", "gpu:0")]),
    ("loss_scale_not_undone", 280, 305, [("grad_norm", "job")]),
]
PLAN11_NORMAL = ([("checkpoint", s, s + 2.5) for s in (45, 105, 165, 225, 350)] +
                 [("eval", 135, 143), ("eval", 357, 365), ("loss_scale_on", 375, 375), ("job_end", 410, 440)])
PLAN11_STRENGTH = {"loss_scale": 1024.0}
PLAN11_SECONDS = 440
PLAN_SECONDS = {3: PLAN3_SECONDS, 4: PLAN4_SECONDS, 5: PLAN5_SECONDS, 6: PLAN6_SECONDS, 7: PLAN7_SECONDS,
                8: PLAN8_SECONDS, 9: PLAN9_SECONDS, 10: PLAN10_SECONDS,
                11: PLAN11_SECONDS}  # plans 3-11: one GPU, a child trainer
RSS = "process_resident_memory_bytes"  # plan 6's trainer's resident host memory (bytes)
HOST_KEPT = []  # plan 6's host_rss_leak: the trainer's kept host copies (module level: the test's fake RSS reads it)
HOST_SHARD = []  # plan 7's current data shard in host memory (module level: the test's fake RSS reads it)
LOADER_EXIT = 18  # plan 5's planted loader death (a real trainer exits 1 on the RuntimeError)
MARKER = "training_completed"  # plan 5's job-state gauge (Hostname, gpu as the GPU's; job, node, rank)
CRASH_EXIT = 17  # the planted crash's exit code; any other failure of the trainer is a real one
NORMAL_EVENTS = []  # plans 3-10's (kind, start, end); empty for plans 1 and 2
JOB = "h200-ddp"
NODE = "node-0"
HIDDEN = 8192
LAYERS = 6
TOKENS = 8192  # per rank per step


def fault_at(rel):
    return [f for f in FAULTS if f[1] <= rel < f[2]]


def expected(fault, series, rank, gpu):
    for name, scope in fault[3]:
        if name != series:
            continue
        if scope == "job":
            return True
        kind, which = scope.split(":")
        value = rank if kind == "rank" else gpu
        if value is not None and (which == "*" or int(which) == value):
            return True
    return False


class CsvOut:
    """Appends rows to one csv part file, flushed every write (a cut run keeps its rows)."""

    def __init__(self, path, t0):
        self.f = open(path, "w", buffering=1)
        self.t0 = t0
        self.lock = threading.Lock()

    def row(self, t, series, value, rank=None, gpu=None):
        rel = t - self.t0
        label = 1 if any(expected(f, series, rank, gpu) for f in fault_at(rel)) else 0
        with self.lock:
            if series.startswith("DCGM_FI_"):  # dcgm-exporter's labels: Hostname, gpu
                labels = ("", "", "", NODE, gpu)
            elif series == MARKER:  # the trainer's, and the GPU's Hostname and gpu (the rules' peer term)
                labels = (JOB, NODE, rank, NODE, gpu)
            else:  # the trainer's: job, node, rank
                labels = (JOB, NODE, "" if rank is None else rank, "", "")
            self.f.write("%.3f,%s,%.6g,%d,%s,%s,%s,%s,%s\n" % ((t, series, value, label) + labels))


def sample_gpus(out, stop, n_gpus):
    import pynvml
    pynvml.nvmlInit()
    handles = [pynvml.nvmlDeviceGetHandleByIndex(i) for i in range(n_gpus)]
    next_t = time.time()
    while not stop.is_set():
        t = time.time()
        for i, h in enumerate(handles):
            try:
                util = pynvml.nvmlDeviceGetUtilizationRates(h)
                mem = pynvml.nvmlDeviceGetMemoryInfo(h)
                out.row(t, "DCGM_FI_DEV_GPU_UTIL", util.gpu, gpu=i)
                out.row(t, "DCGM_FI_DEV_MEM_COPY_UTIL", util.memory, gpu=i)
                out.row(t, "DCGM_FI_DEV_POWER_USAGE", pynvml.nvmlDeviceGetPowerUsage(h) / 1000.0, gpu=i)
                out.row(t, "DCGM_FI_DEV_GPU_TEMP",
                        pynvml.nvmlDeviceGetTemperature(h, pynvml.NVML_TEMPERATURE_GPU), gpu=i)
                out.row(t, "DCGM_FI_DEV_SM_CLOCK",
                        pynvml.nvmlDeviceGetClockInfo(h, pynvml.NVML_CLOCK_SM), gpu=i)
                out.row(t, "DCGM_FI_DEV_FB_USED", mem.used / (1 << 20), gpu=i)
            except pynvml.NVMLError as e:  # keep sampling; say what failed
                print("nvml gpu %d: %s" % (i, e), flush=True)
        next_t += 1.0
        time.sleep(max(0.0, next_t - time.time()))
    pynvml.nvmlShutdown()


def apply_plan(plan, time_scale=1.0):
    """Sets FAULTS and STRENGTH for the plan; called in every process (spawned workers re-import
    this module, so a change made in main() alone would not reach them). `time_scale` (plans 3
    and 4 only; 1 for the recording) multiplies every time of the plan: a short smoke run of the code."""
    global NORMAL_END
    if plan == 2:
        FAULTS[:] = PLAN2_FAULTS
        STRENGTH.update(PLAN2_STRENGTH)
    elif plan in PLAN_SECONDS:
        # the tables, and the strengths that are times (scaled with the rest)
        faults, normal, strength, timed = {
            3: (PLAN3_FAULTS, PLAN3_NORMAL, PLAN3_STRENGTH, ("restart_after_s",)),
            4: (PLAN4_FAULTS, PLAN4_NORMAL, PLAN4_STRENGTH, ("lr_period_s",)),
            5: (PLAN5_FAULTS, PLAN5_NORMAL, PLAN5_STRENGTH, ("loader_wait_s", "restart_after_s")),
            6: (PLAN6_FAULTS, PLAN6_NORMAL, PLAN6_STRENGTH, ()),
            7: (PLAN7_FAULTS, PLAN7_NORMAL, PLAN7_STRENGTH, ("slow_ckpt_s_per_gib",)),
            8: (PLAN8_FAULTS, PLAN8_NORMAL, PLAN8_STRENGTH, ()),
            9: (PLAN9_FAULTS, PLAN9_NORMAL, PLAN9_STRENGTH, ()),
            10: (PLAN10_FAULTS, PLAN10_NORMAL, PLAN10_STRENGTH, ()),
            11: (PLAN11_FAULTS, PLAN11_NORMAL, PLAN11_STRENGTH, ())}[plan]
        k = time_scale
        FAULTS[:] = [(n, s * k, e * k, exp) for n, s, e, exp in faults]
        NORMAL_EVENTS[:] = [(n, s * k, e * k) for n, s, e in normal]
        STRENGTH.clear()
        STRENGTH.update(strength)
        for key in timed:
            STRENGTH[key] = strength[key] * k
        NORMAL_END = 240 * k


def worker(rank, world, args, t0):
    apply_plan(args.plan)
    # NVLink multicast stays off (the GPU host is shared; see the device notes)
    os.environ.update(NCCL_NVLS_ENABLE="0", NVSHMEM_DISABLE_NVLS="1",
                      TORCH_SYMM_MEM_DISABLE_MULTICAST="1")
    import torch
    import torch.distributed as dist
    torch.cuda.set_device(rank)
    dev = torch.device("cuda", rank)
    if world > 1:
        dist.init_process_group("nccl", init_method="tcp://127.0.0.1:%d" % args.port,
                                rank=rank, world_size=world)
    out = CsvOut(os.path.join(args.out, "part-rank%d.csv" % rank), t0)
    gpu_stop = threading.Event()
    sampler = None
    if rank == 0:
        sampler = threading.Thread(target=sample_gpus, args=(
            CsvOut(os.path.join(args.out, "part-nvml.csv"), t0), gpu_stop, world), daemon=True)
        sampler.start()

    gen = torch.Generator(device=dev).manual_seed(1234)  # same weights on every rank
    weights = [(torch.randn(HIDDEN, HIDDEN, device=dev, generator=gen, dtype=torch.bfloat16)
                / HIDDEN ** 0.5).requires_grad_() for _ in range(LAYERS)]
    teacher = torch.randn(HIDDEN, HIDDEN, device=dev, generator=gen, dtype=torch.bfloat16) / HIDDEN ** 0.5
    data_gen = torch.Generator(device=dev).manual_seed(99 + rank)
    lr = 0.05

    # straggler: a competing matmul stream on rank 1's GPU
    compete = threading.Event()

    def competitor():
        s = torch.cuda.Stream(device=dev)
        a = torch.randn(8192, 8192, device=dev, dtype=torch.bfloat16)
        with torch.cuda.stream(s):
            while not gpu_stop.is_set() and time.time() - t0 < args.seconds:
                if compete.is_set():
                    t_burst = time.time()
                    for _ in range(4):
                        a = (a @ a).clamp_(-1, 1)
                    s.synchronize()
                    duty = STRENGTH["compete_duty"]
                    if duty < 1.0:  # idle for the rest of the duty cycle
                        time.sleep((time.time() - t_burst) * (1.0 - duty) / duty)
                else:
                    time.sleep(0.05)

    if rank == 1:
        threading.Thread(target=competitor, daemon=True).start()

    leak = []
    ev = [torch.cuda.Event(enable_timing=True) for _ in range(4)]
    bucket = None
    acc = {}

    def flush(sec):
        n = acc.get("steps", 0)
        if n == 0 or sec < 0:  # warm-up before t0 is not recorded
            return
        t = t0 + sec + 1.0
        out.row(t, "step_time_ms", acc["step"] / n, rank=rank)
        out.row(t, "compute_ms", acc["compute"] / n, rank=rank)
        out.row(t, "allreduce_ms", acc["ar"] / n, rank=rank)
        if rank == 0:
            out.row(t, "tokens_per_s", n * TOKENS * world, None)
            out.row(t, "train_loss", acc["loss"] / n)
            out.row(t, "grad_norm", acc["gnorm"])

    step = 0
    spike_steps = 0
    last_leak = 0.0
    prev_end = time.time()
    while True:
        now = time.time()
        rel = now - t0
        if rel >= args.seconds:
            break
        active = {f[0] for f in fault_at(rel)}
        if "input_stall" in active:
            time.sleep(STRENGTH["stall_s"])
        if rank == 1:
            (compete.set if "straggler" in active else compete.clear)()
        if rank == 0:
            if "memory_leak" in active and now - last_leak >= 1.0:
                leak.append(torch.ones(STRENGTH["leak_mib_per_s"] << 20, dtype=torch.uint8, device=dev))
                last_leak = now
            elif "memory_leak" not in active and leak:
                leak.clear()
                torch.cuda.empty_cache()
        scale = 1.0
        if "loss_spike" in active and spike_steps < 3:
            scale = STRENGTH["spike_scale"]
            spike_steps += 1
        x = torch.randn(TOKENS, HIDDEN, device=dev, dtype=torch.bfloat16, generator=data_gen) * scale
        y = x @ teacher
        loss, flat = forward_backward(torch, weights, x, y, ev)
        if world > 1:
            dist.all_reduce(flat)
            flat /= world
        ev[3].record()
        gnorm = flat.float().norm()
        clip = torch.clamp(1.0 / (gnorm + 1e-6), max=1.0)
        with torch.no_grad():
            off = 0
            for w in weights:
                n = w.numel()
                w -= lr * clip * flat[off:off + n].view_as(w)
                w.grad = None
                off += n
        torch.cuda.synchronize()
        end = time.time()
        sec = math.floor(end - t0)  # floor: the second before t0 is its own bucket
        if bucket is not None and sec != bucket:
            flush(bucket)
            acc = {}
        bucket = sec
        acc["steps"] = acc.get("steps", 0) + 1
        acc["step"] = acc.get("step", 0.0) + (end - prev_end) * 1000.0
        acc["compute"] = acc.get("compute", 0.0) + ev[0].elapsed_time(ev[1])
        acc["ar"] = acc.get("ar", 0.0) + ev[2].elapsed_time(ev[3])
        acc["loss"] = acc.get("loss", 0.0) + loss.item()
        acc["gnorm"] = max(acc.get("gnorm", 0.0), gnorm.item())
        prev_end = end
        step += 1
    # The last bucket is not flushed: it holds only the steps before --seconds ran out, so its
    # tokens/s read low (runs 1 and 2 have that partial last second in their csv; the readme
    # of data/gpu_telemetry says so).
    gpu_stop.set()
    if sampler:
        sampler.join()
    if world > 1:
        dist.barrier()
        dist.destroy_process_group()
    print("rank %d: %d steps" % (rank, step), flush=True)

# ---- plan 3: one GPU, the trainer in its own process (it crashes and restarts) ----

def normal_at(rel):
    return [e for e in NORMAL_EVENTS if e[1] <= rel < e[2]]


def bucket_rows(acc, tokens):
    """The rows of one second of steps (plan 3): means of step, compute and all-reduce times,
    tokens/s, the mean loss and the largest gradient norm. A non-finite loss or gradient norm of
    any step in the second is written as such (`inf`, `nan`: a logger averaging such a step gets
    one), the gradient norm `nan` when any step's was nan, else `inf`: Python's max() would drop
    a nan depending on the order."""
    n = acc["steps"]
    gn = acc["gnorms"]
    bad = [g for g in gn if not math.isfinite(g)]
    gnorm = (float("nan") if any(math.isnan(g) for g in bad) else float("inf")) if bad else max(gn)
    return [("step_time_ms", acc["step"] / n), ("compute_ms", acc["compute"] / n),
            ("allreduce_ms", acc["ar"] / n), ("tokens_per_s", acc.get("tokens", n * tokens)),
            ("train_loss", sum(acc["losses"]) / n), ("grad_norm", gnorm)]


def normal_event(torch, kind, end, t0, weights, step, ckpt_path, x_eval, y_eval):
    """Plans 3 and 4: a checkpoint (weights to host memory and a local file, then idle to `end`) or
    an eval (forward passes on the held-out batch until `end`). Returns the seconds of the work
    itself and, for an eval, the passes and the last eval loss."""
    t_ev = time.time()
    n_eval, eval_loss = 0, float("nan")
    if kind == "checkpoint":
        save_checkpoint(torch, weights, step, ckpt_path)
        took = time.time() - t_ev
        time.sleep(max(0.0, t0 + end - time.time()))
    else:  # eval: forward passes on the held-out batch until the end
        while time.time() < t0 + end:
            eval_loss = eval_pass(torch, weights, x_eval, y_eval).item()
            n_eval += 1
        took = time.time() - t_ev
    return took, n_eval, eval_loss


def save_checkpoint(torch, weights, step, ckpt_path):
    """A checkpoint: the weights to host memory and a local file (written aside, then renamed). Plans 3-11's normal
    checkpoints; plan 11's checkpoint_every_step after every step."""
    state = {"weights": [w.detach().to("cpu") for w in weights], "step": step}
    torch.save(state, ckpt_path + ".tmp")
    os.replace(ckpt_path + ".tmp", ckpt_path)


def eval_pass(torch, weights, x_eval, y_eval):
    """One forward pass over the held-out batch without gradients (plans 3-10's evals; plan 10's eval_every_step):
    its loss, a tensor (not waited for)."""
    with torch.no_grad():
        h = x_eval
        for w in weights:
            h = h @ w
        return torch.nn.functional.mse_loss(h.float(), y_eval.float())


def take_normal_event(torch, rel, done, life, t0, weights, step, ckpt_path, x_eval, y_eval):
    """Plans 3 and 5: runs the checkpoint or eval due at `rel` s after t0 (each once: `done` holds
    those begun) and logs it; True when one ran (the next step's time then includes the pause)."""
    pending = [e for e in normal_at(rel) if e not in done and e[0] in ("checkpoint", "eval")]
    if not pending:
        return False
    kind, _, end = pending[0]
    done.add(pending[0])
    took, n_eval, eval_loss = normal_event(torch, kind, end, t0, weights, step, ckpt_path, x_eval, y_eval)
    print("trainer life %d: %s at t0 + %.1f s, %.2f s (the work itself)%s"
          % (life, kind, rel, took, "" if kind == "checkpoint" else
             ", %d passes, eval loss %.4f" % (n_eval, eval_loss)), flush=True)
    return True


def sgd_update(torch, weights, flat, gnorm, lr, finite, grow=1.0, clear=True):
    """Plans 3 and 4: the clipped SGD step from the all-reduced gradients `flat` (skipped when the
    step was not finite, as a GradScaler skips it), then each weight times `grow` (plan 4's
    grad_explosion; 1 otherwise); the gradients are cleared (kept when not `clear`: plan 10's grads_not_zeroed)."""
    with torch.no_grad():
        off = 0
        for w in weights:
            n = w.numel()
            if finite:
                clip = torch.clamp(1.0 / (gnorm + 1e-6), max=1.0)
                w -= lr * clip * flat[off:off + n].view_as(w)
            if grow != 1.0:
                w *= grow
            if clear:
                w.grad = None
            off += n


def add_step(acc, step_ms, ev, loss, gnorm, tokens=None):
    """Plans 3-5: one step into the second's accumulator (bucket_rows writes it); `tokens`: the
    step's tokens when the batch size changes in the run (plan 5), else n x TOKENS is written."""
    acc["steps"] = acc.get("steps", 0) + 1
    if tokens is not None:
        acc["tokens"] = acc.get("tokens", 0) + tokens
    acc["step"] = acc.get("step", 0.0) + step_ms
    acc["compute"] = acc.get("compute", 0.0) + ev[0].elapsed_time(ev[1])
    acc["ar"] = acc.get("ar", 0.0) + ev[2].elapsed_time(ev[3])
    acc.setdefault("losses", []).append(loss.item())
    acc.setdefault("gnorms", []).append(gnorm.item())


STEP_RANK_SERIES = ("step_time_ms", "compute_ms", "allreduce_ms")  # per rank; the others per job


class SecondBuckets:
    """Plans 3 and 4: the trainer's steps in one-second buckets (the second `floor(end - t0)` a
    step ended in). A bucket's rows (bucket_rows) are written at t0 + its second + 1 s once a step
    ends in a later second; the warm-up before t0 is not written, nor is the last bucket (it holds
    only the steps before the end). `last_rows` / `last_sec`: the last second written (what a
    stale exporter serves again, `write`). `marker` (plan 5): each second written also writes the
    job-state gauge MARKER at 0 (the job is running; 1 only at its clean end, trainer5). `extra`
    (plan 6): a callable giving (series, value) rows written with each second (rank 0): the
    trainer's resident memory, read when the second is written."""

    def __init__(self, out, t0, marker=False, extra=None):
        self.out, self.t0, self.marker, self.extra = out, t0, marker, extra
        self.bucket, self.acc = None, {}
        self.last_rows, self.last_sec = None, None

    def add(self, end, step_ms, ev, loss, gnorm, tokens=None):
        sec = math.floor(end - self.t0)
        if self.bucket is not None and sec != self.bucket:
            self.flush(self.bucket)
            self.acc = {}
        self.bucket = sec
        add_step(self.acc, step_ms, ev, loss, gnorm, tokens)

    def flush(self, sec):
        if not self.acc.get("steps") or sec < 0:  # warm-up before t0 is not recorded
            return
        rows = bucket_rows(self.acc, TOKENS)
        self.write(sec, rows)
        self.last_rows, self.last_sec = rows, sec

    def write(self, sec, rows):
        for series, value in rows:
            self.out.row(self.t0 + sec + 1.0, series, value, rank=0 if series in STEP_RANK_SERIES else None)
        if self.extra is not None:  # plan 6: the trainer's own process series, read now (rank 0)
            for series, value in self.extra():
                self.out.row(self.t0 + sec + 1.0, series, value, rank=0)
        if self.marker:
            self.out.row(self.t0 + sec + 1.0, MARKER, 0, rank=0, gpu=0)

    def drop(self):
        """The second in progress is lost (its steps are in no row)."""
        self.bucket, self.acc = None, {}


def start_trainer(args, t0, port, part, seed_offset=0):
    """Plans 3 and 4: the trainer's process group (world size 1) on GPU 0, its csv part file, the
    model (weights, teacher), the data generator and the held-out eval batch."""
    import types
    import torch
    import torch.distributed as dist
    torch.cuda.set_device(0)
    dev = torch.device("cuda", 0)
    # world size 1: the all-reduce is a real NCCL call that waits for no one
    dist.init_process_group("nccl", init_method="tcp://127.0.0.1:%d" % port, rank=0, world_size=1)
    out = CsvOut(os.path.join(args.out, part), t0)
    gen = torch.Generator(device=dev).manual_seed(1234)
    weights = [(torch.randn(HIDDEN, HIDDEN, device=dev, generator=gen, dtype=torch.bfloat16)
                / HIDDEN ** 0.5).requires_grad_() for _ in range(LAYERS)]
    teacher = torch.randn(HIDDEN, HIDDEN, device=dev, generator=gen, dtype=torch.bfloat16) / HIDDEN ** 0.5
    return types.SimpleNamespace(torch=torch, dist=dist, dev=dev, out=out, weights=weights, teacher=teacher,
                                 seed_offset=seed_offset)


def start_life(args, t0, ckpt_path, life):
    """Plans 3 and 5: one life of the trainer on GPU 0 (its own process, port and csv part file):
    (the trainer's state as start_trainer gives it with eval_batch's data, the weights, the step):
    the new model's for life 0, the last checkpoint's after a restart (life > 0)."""
    apply_plan(args.plan, args.time_scale)
    os.environ.update(NCCL_NVLS_ENABLE="0", NVSHMEM_DISABLE_NVLS="1",
                      TORCH_SYMM_MEM_DISABLE_MULTICAST="1")
    tr = start_trainer(args, t0, args.port + life, "part-trainer%d.csv" % life, seed_offset=life)
    weights, step = tr.weights, 0
    if life > 0:
        if not os.path.exists(ckpt_path):
            raise RuntimeError("restart: no checkpoint at %s" % ckpt_path)
        ck = tr.torch.load(ckpt_path)
        weights = [w.to(tr.dev).requires_grad_() for w in ck["weights"]]
        step = ck["step"]
        print("trainer life %d: resumed from the checkpoint of step %d at t0 + %.1f s"
              % (life, step, time.time() - t0), flush=True)
    eval_batch(tr)
    return tr, weights, step


def eval_batch(tr):
    """The trainer's data generator and held-out batch (after any checkpoint is loaded)."""
    torch, dev = tr.torch, tr.dev
    tr.data_gen = torch.Generator(device=dev).manual_seed(99 + tr.seed_offset)
    eval_gen = torch.Generator(device=dev).manual_seed(7)
    tr.x_eval = torch.randn(TOKENS, HIDDEN, device=dev, dtype=torch.bfloat16, generator=eval_gen)
    tr.y_eval = tr.x_eval @ tr.teacher


def forward_backward(torch, weights, x, y, ev, fp32=False, params=None):
    """Plans 3 and 4: the forward and backward pass of one step (CUDA events 0-1 around it, 2 after
    the gradients are flattened); fp32 (plan 4's precision_fallback): FP32 activations and weight
    copies; params (plan 7's frozen_layers): the weights that train (their gradients are flattened),
    all of them when None. Returns the loss and the flat gradients."""
    ev[0].record()
    if fp32:  # the config change: no BF16, FP32 activations and weight copies (TF32 matmuls)
        h = x.float()
        for w in weights:
            h = h @ w.float()
        loss = torch.nn.functional.mse_loss(h, y.float())
    else:
        h = x
        for w in weights:
            h = h @ w
        loss = torch.nn.functional.mse_loss(h.float(), y.float())
    loss.backward()
    ev[1].record()
    flat = torch.cat([w.grad.reshape(-1) for w in (weights if params is None else params)])
    ev[2].record()
    return loss, flat


def all_reduce(torch, dist, flat, loss, ev):
    """The gradients' all-reduce (CUDA event 3 after it), their norm and whether the step was finite."""
    dist.all_reduce(flat)
    ev[3].record()
    gnorm = flat.float().norm()
    return gnorm, bool(torch.isfinite(gnorm).item()) and math.isfinite(loss.item())


def neighbour(t0, start, end, n):
    """noisy_neighbour: another process on GPU 0 running GEMMs from t0 + start to t0 + end. Its
    CUDA context is made at the start (torch is imported before), so its memory appears then."""
    import torch
    time.sleep(max(0.0, t0 + start - time.time()))
    dev = torch.device("cuda", 0)
    a = torch.randn(n, n, device=dev, dtype=torch.bfloat16)
    while time.time() < t0 + end:
        for _ in range(4):
            a = (a @ a).clamp_(-1, 1)
        torch.cuda.synchronize()
    print("neighbour: done at t0 + %.1f s" % (time.time() - t0), flush=True)


def trainer3(args, t0, ckpt_path, life):
    """One life of plan 3's trainer on GPU 0 (life 0 from the start, life 1 after the crash)."""
    tr, weights, step = start_life(args, t0, ckpt_path, life)
    torch, dist, dev, out = tr.torch, tr.dist, tr.dev, tr.out
    data_gen, x_eval, y_eval, teacher = tr.data_gen, tr.x_eval, tr.y_eval, tr.teacher
    lr = 0.05
    crash_at = [f[1] for f in FAULTS if f[0] == "crash_restart"]
    ev = [torch.cuda.Event(enable_timing=True) for _ in range(4)]
    done_events = set()
    hung = False
    buckets = SecondBuckets(out, t0)

    prev_end = time.time()
    while True:
        now = time.time()
        rel = now - t0
        if rel >= args.seconds:
            break
        if life == 0 and crash_at and rel >= crash_at[0]:
            # the planted crash: the second in progress is lost, as a crashed exporter loses it
            print("trainer life 0: planted crash at t0 + %.1f s (step %d)" % (rel, step), flush=True)
            out.f.flush()
            os._exit(CRASH_EXIT)
        if take_normal_event(torch, rel, done_events, life, t0, weights, step, ckpt_path, x_eval, y_eval):
            continue  # prev_end is kept: the next step's time includes the pause
        active = {f[0]: f for f in fault_at(rel)}
        if "loader_drift" in active:
            f = active["loader_drift"]
            time.sleep(STRENGTH["drift_max_s"] * (rel - f[1]) / (f[2] - f[1]))
        scale = 1.0
        if "nan_loss" in active and step % STRENGTH["nan_every"] == 0:
            scale = STRENGTH["overflow_scale"]
        x = torch.randn(TOKENS, HIDDEN, device=dev, dtype=torch.bfloat16, generator=data_gen) * scale
        y = x @ teacher
        loss, flat = forward_backward(torch, weights, x, y, ev)
        if "hang" in active and not hung:
            hung = True
            hang_end = t0 + active["hang"][2]
            cycles = STRENGTH["hang_kernel_cycles"]
            print("trainer life %d: planted hang at t0 + %.1f s" % (life, rel), flush=True)
            while time.time() < hang_end:
                torch.cuda._sleep(cycles)
                torch.cuda.synchronize()
        gnorm, finite = all_reduce(torch, dist, flat, loss, ev)
        sgd_update(torch, weights, flat, gnorm, lr, finite)
        torch.cuda.synchronize()
        end = time.time()
        buckets.add(end, (end - prev_end) * 1000.0, ev, loss, gnorm)
        prev_end = end
        step += 1
    dist.destroy_process_group()
    print("trainer life %d: %d steps" % (life, step), flush=True)


@contextlib.contextmanager
def one_gpu_parent(args, t0):
    """Plans 3 and 4's parent around its children: samples GPU 0 through NVML (part-nvml.csv) and
    gives (the spawn context, the checkpoint path, the list to put each child process in); on the
    way out, also on an error, ends the children still alive, stops the sampler and removes the
    checkpoint folder."""
    import multiprocessing
    import shutil
    import tempfile
    ctx = multiprocessing.get_context("spawn")
    ckpt_dir = tempfile.mkdtemp(prefix="vigil-ckpt-")  # not under --out: 768 MiB a checkpoint
    stop = threading.Event()
    sampler = threading.Thread(target=sample_gpus, args=(
        CsvOut(os.path.join(args.out, "part-nvml.csv"), t0), stop, 1), daemon=True)
    sampler.start()
    procs = []
    try:
        yield ctx, os.path.join(ckpt_dir, "ckpt.pt"), procs
    finally:
        for p in procs:
            if p.is_alive():
                p.terminate()
                p.join(timeout=10)
        stop.set()
        sampler.join(timeout=5)
        shutil.rmtree(ckpt_dir, ignore_errors=True)


def restart_trainer(ctx, procs, target, args, t0, ckpt_path, code, why, restart_rel):
    """Plans 3 and 5's parent after the planted failure (`code`, `why`) of life 0: waits until
    t0 + restart_rel, starts life 1 of `target` (put in `procs`) and returns its process."""
    print("parent: trainer exited %d (%s) at t0 + %.1f s; restart at t0 + %.1f s"
          % (code, why, time.time() - t0, restart_rel), flush=True)
    time.sleep(max(0.0, t0 + restart_rel - time.time()))
    trainer = ctx.Process(target=target, args=(args, t0, ckpt_path, 1), name="trainer1")
    trainer.start()
    procs.append(trainer)
    return trainer


def run_plan3(args, t0):
    """Plan 3's parent: samples GPU 0 through NVML, runs the trainer (and restarts it after the
    planted crash) and the noisy neighbour. Raises on any failure other than the planted crash;
    the rows written so far stay in the part files (main merges them either way)."""
    crash = [f for f in FAULTS if f[0] == "crash_restart"]
    noisy = [f for f in FAULTS if f[0] == "noisy_neighbour"]
    with one_gpu_parent(args, t0) as (ctx, ckpt_path, procs):
        life = 0
        trainer = ctx.Process(target=trainer3, args=(args, t0, ckpt_path, 0), name="trainer0")
        trainer.start()
        procs.append(trainer)
        nb = None
        deadline = t0 + args.seconds + 40
        while True:
            rel = time.time() - t0
            if noisy and nb is None and rel >= noisy[0][1] - 15:  # imports torch before its start
                nb = ctx.Process(target=neighbour, args=(t0, noisy[0][1], noisy[0][2],
                                                         STRENGTH["neighbour_n"]), name="neighbour")
                nb.start()
                procs.append(nb)
            if nb is not None and nb.exitcode not in (None, 0):
                raise RuntimeError("the noisy neighbour failed: exit code %s" % nb.exitcode)
            if not trainer.is_alive():
                code = trainer.exitcode
                if code == 0:
                    break
                if code == CRASH_EXIT and life == 0 and crash:
                    life = 1
                    trainer = restart_trainer(ctx, procs, trainer3, args, t0, ckpt_path, code, "the planted crash",
                                              crash[0][1] + STRENGTH["restart_after_s"])
                    continue
                raise RuntimeError("trainer life %d failed: exit code %s at t0 + %.1f s"
                                   % (life, code, time.time() - t0))
            if time.time() > deadline:
                raise RuntimeError("trainer life %d still running %.0f s after the end" % (life, time.time() - t0 - args.seconds))
            time.sleep(0.2)
        if nb is not None:
            nb.join(timeout=30)
            if nb.exitcode != 0:
                raise RuntimeError("the noisy neighbour failed: exit code %s" % nb.exitcode)


# ---- plan 4: one GPU, the trainer pinned to one core, a CPU hog, a stale exporter ----

def lr_at(rel):
    """Plan 4's learning rate at `rel` s after t0: a cosine from lr_max to lr_min over lr_period_s,
    restarted (warm restart) at every `lr_restart` normal event, flat at lr_min after a period."""
    restarts = [e[1] for e in NORMAL_EVENTS if e[0] == "lr_restart" and e[1] <= rel]
    since = rel - max(restarts) if restarts else max(0.0, rel)
    frac = min(1.0, since / STRENGTH["lr_period_s"])
    lo, hi = STRENGTH["lr_min"], STRENGTH["lr_max"]
    return lo + (hi - lo) * 0.5 * (1.0 + math.cos(math.pi * frac))


def explode_factor(fault, dt):
    """grad_explosion: what one layer's weights are multiplied by after a step of `dt` s, so that
    the product of the LAYERS layers grows by explode_total_scale over the window."""
    rate = math.log(STRENGTH["explode_total_scale"]) / (LAYERS * (fault[2] - fault[1]))
    return math.exp(rate * dt)


# bf16 keeps 8 bits of mantissa: a weight multiplied by less than 1 + 2^-8 rounds back to itself
# (run 4's grad_explosion: x1.0008 a step, and nothing grew). The growth is held back until it
# reaches GROWTH_STEP, then applied at once.
GROWTH_STEP = 1.0 + 2.0 ** -5


def growth_due(pending, factor):
    """grad_explosion: (what to multiply the weights by now, the growth still held back) after a
    step whose growth is `factor`, `pending` held back before; applied once it reaches GROWTH_STEP."""
    pending *= factor
    return (pending, 1.0) if pending >= GROWTH_STEP else (1.0, pending)


def trainer_core(cores):
    """The one core plan 4's trainer (and the CPU hog) are pinned to: the middle one of the cores
    this process may use (not core 0, where interrupts and the session's own work tend to land)."""
    cores = sorted(cores)
    if not cores:
        raise RuntimeError("no CPU core to pin the trainer to")
    return cores[len(cores) // 2]


def job_end_at():
    """When plan 4's or 5's trainer finishes cleanly (the `job_end` normal event), else None."""
    ends = [e[1] for e in NORMAL_EVENTS if e[0] == "job_end"]
    return min(ends) if ends else None


def stop_time(seconds):
    """When plan 4's or 5's trainer stops: at the job_end event, or at `seconds` (the recording's end)."""
    end_at = job_end_at()
    return seconds if end_at is None else min(seconds, end_at)


def hog(t0, start, end, core):
    """cpu_contention: one process spinning in pure Python on `core` from t0 + start to t0 + end."""
    os.sched_setaffinity(0, {core})
    time.sleep(max(0.0, t0 + start - time.time()))
    n = 0
    while time.time() < t0 + end:
        n += 1
    print("hog on core %d: done at t0 + %.1f s" % (core, time.time() - t0), flush=True)


def trainer4(args, t0, ckpt_path, core):
    """Plan 4's trainer on GPU 0, pinned to `core`; runs until the job_end event (exit 0)."""
    apply_plan(args.plan, args.time_scale)
    os.sched_setaffinity(0, {core})
    os.environ.update(NCCL_NVLS_ENABLE="0", NVSHMEM_DISABLE_NVLS="1",
                      TORCH_SYMM_MEM_DISABLE_MULTICAST="1")
    import torch
    try:  # precision_fallback's FP32 runs on TF32 tensor cores (the older switch, then the newer)
        torch.backends.cuda.matmul.allow_tf32 = True
    except Exception:  # a torch without `allow_tf32`
        torch.backends.cuda.matmul.fp32_precision = "tf32"
    tr = start_trainer(args, t0, args.port, "part-trainer0.csv")
    dist, dev, weights = tr.dist, tr.dev, tr.weights
    eval_batch(tr)
    data_gen, x_eval, y_eval, teacher = tr.data_gen, tr.x_eval, tr.y_eval, tr.teacher
    stop_at = stop_time(args.seconds)
    ev = [torch.cuda.Event(enable_timing=True) for _ in range(4)]
    done = set()  # normal events and incidents already begun (each happens once)
    buckets = SecondBuckets(tr.out, t0)  # its last second written: what a stale exporter serves
    step = 0
    exploding = None

    prev_end = time.time()
    while True:
        now = time.time()
        rel = now - t0
        if rel >= stop_at:
            break
        pending = [e for e in normal_at(rel) if e not in done]
        if pending:
            kind, _, end = pending[0]
            done.add(pending[0])
            took, n_eval, eval_loss = normal_event(torch, kind, end, t0, weights, step, ckpt_path, x_eval, y_eval)
            print("trainer: %s at t0 + %.1f s, %.2f s (the work itself), lr now %.4f%s"
                  % (kind, rel, took, lr_at(time.time() - t0), "" if kind == "checkpoint" else
                     ", %d passes, eval loss %.4f" % (n_eval, eval_loss)), flush=True)
            continue  # prev_end is kept: the next step's time includes the pause
        active = {f[0]: f for f in fault_at(rel)}
        if "stale_exporter" in active and "stale_exporter" not in done:
            done.add("stale_exporter")
            f = active["stale_exporter"]
            # The second in progress never completes: an exporter serves the last COMPLETE second
            # (written at the previous step's end), and this partial one's few steps are lost (a
            # partial second written now would read a few steps' tokens/s: a drop no stale
            # exporter shows). Its steps are not in any row.
            buckets.drop()
            print("trainer: planted livelock at t0 + %.1f s (the exporter repeats the second %s)"
                  % (rel, buckets.last_sec), flush=True)
            served = 0
            with torch.no_grad():
                while time.time() < t0 + f[2]:
                    h = x_eval
                    for w in weights:
                        h = h @ w
                    torch.cuda.synchronize()
                    now_sec = math.floor(time.time() - t0)
                    while buckets.last_rows is not None and buckets.last_sec + 1 < now_sec:
                        buckets.last_sec += 1  # a second that has passed: the exporter serves it again
                        buckets.write(buckets.last_sec, buckets.last_rows)
                        served += 1
            print("trainer: livelock over at t0 + %.1f s, %d stale seconds served"
                  % (time.time() - t0, served), flush=True)
            continue  # prev_end is kept: the stuck step reports its whole time
        if "grad_explosion" in active and exploding is None:
            exploding = active["grad_explosion"]
            held = 1.0
            print("trainer: planted weight growth at t0 + %.1f s" % rel, flush=True)
        elif exploding is not None and "grad_explosion" not in active:
            ck = torch.load(ckpt_path)  # the rollback: the last checkpoint's weights
            weights = [w.to(dev).requires_grad_() for w in ck["weights"]]
            print("trainer: weight growth over at t0 + %.1f s; rolled back to the checkpoint of step %d"
                  % (rel, ck["step"]), flush=True)
            exploding = None
            continue
        fp32 = "precision_fallback" in active
        x = torch.randn(TOKENS, HIDDEN, device=dev, dtype=torch.bfloat16, generator=data_gen)
        y = x @ teacher
        loss, flat = forward_backward(torch, weights, x, y, ev, fp32)
        gnorm, finite = all_reduce(torch, dist, flat, loss, ev)
        end = time.time()
        lr = lr_at(rel)
        grow = 1.0
        if exploding is not None:
            grow, held = growth_due(held, explode_factor(exploding, end - prev_end))
        sgd_update(torch, weights, flat, gnorm, lr, finite, grow)
        torch.cuda.synchronize()
        end = time.time()
        buckets.add(end, (end - prev_end) * 1000.0, ev, loss, gnorm)
        prev_end = end
        step += 1
    # the last bucket holds only the steps before the end: not written (as plans 1-3)
    dist.destroy_process_group()
    print("trainer: %d steps, clean end at t0 + %.1f s" % (step, time.time() - t0), flush=True)


def run_plan4(args, t0, core):
    """Plan 4's parent: samples GPU 0 through NVML to the end of the recording, runs the trainer
    (which ends cleanly at the job_end event, exit 0) and the CPU hog. Raises on any failure of
    either; the rows written so far stay in the part files (main merges them either way)."""
    cpu = [f for f in FAULTS if f[0] == "cpu_contention"]
    with one_gpu_parent(args, t0) as (ctx, ckpt_path, procs):
        trainer = ctx.Process(target=trainer4, args=(args, t0, ckpt_path, core), name="trainer")
        trainer.start()
        procs.append(trainer)
        hogs = []
        trainer_done = False
        while time.time() < t0 + args.seconds:
            rel = time.time() - t0
            if cpu and not hogs and rel >= cpu[0][1] - 10:  # started early; each waits for the start
                for i in range(STRENGTH["hog_procs"]):
                    h = ctx.Process(target=hog, args=(t0, cpu[0][1], cpu[0][2], core), name="hog%d" % i)
                    h.start()
                    hogs.append(h)
                    procs.append(h)
            for h in hogs:
                if h.exitcode not in (None, 0):
                    raise RuntimeError("CPU hog %s failed: exit code %s" % (h.name, h.exitcode))
            if not trainer_done and not trainer.is_alive():
                if trainer.exitcode != 0:
                    raise RuntimeError("the trainer failed: exit code %s at t0 + %.1f s"
                                       % (trainer.exitcode, time.time() - t0))
                trainer_done = True
                print("parent: trainer ended cleanly at t0 + %.1f s; sampling goes on to t0 + %g s"
                      % (time.time() - t0, args.seconds), flush=True)
            time.sleep(0.2)
        trainer.join(timeout=60)
        if trainer.exitcode != 0:
            raise RuntimeError("the trainer failed or did not end: exit code %s" % trainer.exitcode)
        for h in hogs:
            h.join(timeout=10)
            if h.exitcode != 0:
                raise RuntimeError("CPU hog %s failed: exit code %s" % (h.name, h.exitcode))


# ---- plan 5: one GPU, pageable copies, allocator thrash, a loader death, a marked clean end ----

def tokens_at(rel):
    """Plan 5's tokens a step at `rel` s after t0: TOKENS, x batch_scale from the batch_change."""
    changes = [e[1] for e in NORMAL_EVENTS if e[0] == "batch_change" and e[1] <= rel]
    return TOKENS * STRENGTH["batch_scale"] if changes else TOKENS


def marker_seconds(ended_rel, seconds):
    """The whole seconds after t0 at which plan 5's parent serves training_completed 1 after the
    trainer ended cleanly at `ended_rel` (it wrote the first 1 itself then): every second after
    it, to the end of the recording."""
    return list(range(math.floor(ended_rel) + 1, math.floor(seconds) + 1))


def clean_end(out, dist, life, step, t0):
    """Plans 5-8's trainer at its clean end: the last bucket is not written (as plans 1-4: it holds
    only the steps before the end); the job-state gauge says done (training_completed 1)."""
    out.row(time.time(), MARKER, 1, rank=0, gpu=0)
    out.f.flush()
    dist.destroy_process_group()
    print("trainer life %d: %d steps, clean end at t0 + %.1f s (training_completed 1)"
          % (life, step, time.time() - t0), flush=True)


def trainer5(args, t0, ckpt_path, life):
    """One life of plan 5's trainer on GPU 0 (life 0 from the start, life 1 after the loader death):
    runs until the job_end event, then writes training_completed 1 and exits 0."""
    tr, weights, step = start_life(args, t0, ckpt_path, life)
    torch, dist, dev, out = tr.torch, tr.dist, tr.dev, tr.out
    data_gen, x_eval, y_eval, teacher = tr.data_gen, tr.x_eval, tr.y_eval, tr.teacher
    # pageable_copies: batches kept in ordinary (pageable, not pinned) host memory
    host_gen = torch.Generator(device=dev).manual_seed(5 + life)
    x_host = [torch.randn(TOKENS, HIDDEN, device=dev, dtype=torch.bfloat16, generator=host_gen).to("cpu")
              for _ in range(STRENGTH["host_batches"])]
    lr = 0.05
    stop_at = stop_time(args.seconds)
    ev = [torch.cuda.Event(enable_timing=True) for _ in range(4)]
    done = set()
    buckets = SecondBuckets(out, t0, marker=True)

    prev_end = time.time()
    while True:
        now = time.time()
        rel = now - t0
        if rel >= stop_at:
            break
        if take_normal_event(torch, rel, done, life, t0, weights, step, ckpt_path, x_eval, y_eval):
            continue  # prev_end is kept: the next step's time includes the pause
        active = {f[0]: f for f in fault_at(rel)}
        if life == 0 and "loader_death" in active:
            # the worker died: the trainer waits for its batch (GPU idle, memory held) until the
            # loader's status check raises; the second in progress is lost; no marker is written
            f = active["loader_death"]
            print("trainer life 0: planted loader worker death at t0 + %.1f s (step %d)" % (rel, step), flush=True)
            time.sleep(max(0.0, t0 + f[1] + STRENGTH["loader_wait_s"] - time.time()))
            print("trainer life 0: DataLoader worker exited unexpectedly (planted) at t0 + %.1f s"
                  % (time.time() - t0), flush=True)
            out.f.flush()
            os._exit(LOADER_EXIT)
        if "pageable_copies" in active:  # (before the batch change: TOKENS a batch)
            tokens = TOKENS
            x = x_host[step % len(x_host)].to(dev)  # synchronous: pageable memory is staged by the driver
        else:
            tokens = tokens_at(rel)
            x = torch.randn(tokens, HIDDEN, device=dev, dtype=torch.bfloat16, generator=data_gen)
        y = x @ teacher
        loss, flat = forward_backward(torch, weights, x, y, ev)
        gnorm, finite = all_reduce(torch, dist, flat, loss, ev)
        sgd_update(torch, weights, flat, gnorm, lr, finite)
        torch.cuda.synchronize()
        if "allocator_thrash" in active:  # every cached block back to the driver (the step's time)
            del x, y, flat
            torch.cuda.empty_cache()
        end = time.time()
        buckets.add(end, (end - prev_end) * 1000.0, ev, loss, gnorm, tokens)
        prev_end = end
        step += 1
    clean_end(out, dist, life, step, t0)


def run_plan5(args, t0, target=None, helpers=()):
    """Plan 5's parent: samples GPU 0 through NVML to the end of the recording, runs the trainer,
    restarts it after the planted loader death, and once it has ended cleanly (exit 0) serves its
    training_completed 1 every second to the end (part-marker.csv), as a Pushgateway keeps serving
    a pushed gauge. Raises on any other failure; the rows so far stay in the part files.
    `helpers` (plan 7): (name, target, args, start_rel) of other processes started at t0 + start_rel
    (e.g. the GPU memory hog); any exit of one but 0 is an error; they are joined at the end."""
    target = target or trainer5  # plan 6's parent is this one with trainer6 (no planted exit)
    death = [f for f in FAULTS if f[0] == "loader_death"]
    with one_gpu_parent(args, t0) as (ctx, ckpt_path, procs):
        life = 0
        trainer = ctx.Process(target=target, args=(args, t0, ckpt_path, 0), name="trainer0")
        trainer.start()
        procs.append(trainer)
        marker_out, served = None, []
        waiting, running = list(helpers), []
        while time.time() < t0 + args.seconds:
            for h in [h for h in waiting if time.time() >= t0 + h[3]]:
                waiting.remove(h)
                proc = ctx.Process(target=h[1], args=h[2], name=h[0])
                proc.start()
                procs.append(proc)
                running.append(proc)
            for proc in running:
                if proc.exitcode not in (None, 0):
                    raise RuntimeError("%s failed: exit code %s at t0 + %.1f s"
                                       % (proc.name, proc.exitcode, time.time() - t0))
            if marker_out is None and not trainer.is_alive():
                code = trainer.exitcode
                if code == LOADER_EXIT and life == 0 and death:
                    life = 1
                    trainer = restart_trainer(ctx, procs, target, args, t0, ckpt_path, code, "the planted loader death",
                                              death[0][1] + STRENGTH["loader_wait_s"] + STRENGTH["restart_after_s"])
                    continue
                if code != 0:
                    raise RuntimeError("trainer life %d failed: exit code %s at t0 + %.1f s"
                                       % (life, code, time.time() - t0))
                ended = time.time() - t0
                print("parent: trainer life %d ended cleanly at t0 + %.1f s; training_completed 1 served to t0 + %g s"
                      % (life, ended, args.seconds), flush=True)
                marker_out = CsvOut(os.path.join(args.out, "part-marker.csv"), t0)
                served = marker_seconds(ended, args.seconds)
            while served and time.time() >= t0 + served[0]:
                marker_out.row(t0 + served.pop(0), MARKER, 1, rank=0, gpu=0)
            time.sleep(0.2)
        for sec in served:  # the last second(s), due at the end
            if t0 + sec <= time.time():
                marker_out.row(t0 + sec, MARKER, 1, rank=0, gpu=0)
        if marker_out is None:
            raise RuntimeError("the trainer (life %d) did not end by t0 + %g s" % (life, args.seconds))
        for proc in running:
            proc.join(timeout=30)
            if proc.exitcode != 0:
                raise RuntimeError("%s failed: exit code %s" % (proc.name, proc.exitcode))
        if waiting:
            raise RuntimeError("never started: %s" % ", ".join(h[0] for h in waiting))


# ---- plan 6: one GPU (an H100), a periodic stall, a host-memory leak, an unnormalised shard ----

def rss_bytes():
    """The calling process's resident memory in bytes (/proc/self/statm's second field x the page
    size), as Prometheus clients' process collector exports it (process_resident_memory_bytes)."""
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def plan6_input_scale(active):
    """Plan 6's scale of a step's inputs: shard_scale inside the unnormalised_shard window, else 1."""
    return STRENGTH["shard_scale"] if "unnormalised_shard" in active else 1.0


def stall_due(active, step, first):
    """periodic_stall: whether step number `step` ends with the host call's stall: every
    `stall_every` steps counted from `first`, the first step of the window (None before it)."""
    return "periodic_stall" in active and first is not None and (step - first) % STRENGTH["stall_every"] == 0


def trainer6(args, t0, ckpt_path, life):
    """Plan 6's trainer on GPU 0 (one life: nothing crashes): runs until the job_end event, then
    writes training_completed 1 and exits 0. Exports its resident memory with every second."""
    tr, weights, step = start_life(args, t0, ckpt_path, life)
    torch, dist, dev, out = tr.torch, tr.dist, tr.dev, tr.out
    data_gen, x_eval, y_eval, teacher = tr.data_gen, tr.x_eval, tr.y_eval, tr.teacher
    lr = 0.05
    stop_at = stop_time(args.seconds)
    ev = [torch.cuda.Event(enable_timing=True) for _ in range(4)]
    done = set()
    buckets = SecondBuckets(out, t0, marker=True, extra=lambda: [(RSS, rss_bytes())])
    kept = HOST_KEPT  # host_rss_leak: the host copies that are never written out
    stall_first = None

    prev_end = time.time()
    while True:
        now = time.time()
        rel = now - t0
        if rel >= stop_at:
            break
        if take_normal_event(torch, rel, done, life, t0, weights, step, ckpt_path, x_eval, y_eval):
            continue  # prev_end is kept: the next step's time includes the pause
        active = {f[0]: f for f in fault_at(rel)}
        if kept and "host_rss_leak" not in active:
            print("trainer: host leak over at t0 + %.1f s: %d copies (%.0f MiB) dropped"
                  % (rel, len(kept), len(kept) * STRENGTH["leak_rows"] * HIDDEN * 2 / 2 ** 20), flush=True)
            kept.clear()
        if "periodic_stall" in active and stall_first is None:
            stall_first = step
        x = torch.randn(TOKENS, HIDDEN, device=dev, dtype=torch.bfloat16, generator=data_gen)
        scale = plan6_input_scale(active)
        if scale != 1.0:  # the shard without its normalisation
            x = x * scale
        if "host_rss_leak" in active:  # a host copy of part of the batch, kept (pageable: synchronous)
            kept.append(x[:STRENGTH["leak_rows"]].to("cpu"))
        y = x @ teacher
        loss, flat = forward_backward(torch, weights, x, y, ev)
        gnorm, finite = all_reduce(torch, dist, flat, loss, ev)
        sgd_update(torch, weights, flat, gnorm, lr, finite)
        torch.cuda.synchronize()
        if stall_due(active, step, stall_first):  # the slow synchronous host call, in this step's time
            time.sleep(STRENGTH["stall_s"])
        end = time.time()
        buckets.add(end, (end - prev_end) * 1000.0, ev, loss, gnorm)
        prev_end = end
        step += 1
    clean_end(out, dist, life, step, t0)


def run_plan6(args, t0):
    """Plan 6's parent: plan 5's (NVML of GPU 0 to the end, the marker served from the clean end)
    with trainer6; any exit of the trainer other than its clean end is an error."""
    run_plan5(args, t0, trainer6)


# ---- plan 7: one GPU (for an H100), a slow checkpoint, a GPU memory hog, frozen layers ----

def plan7_trainable(active):
    """Plan 7's number of layers that train: trainable_layers (the last ones) inside frozen_layers, else all."""
    return STRENGTH["trainable_layers"] if "frozen_layers" in active else LAYERS


def throttled_write(path, data, s_per_gib, chunk_mib):
    """slow_checkpoint: writes `data` (bytes-like) to `path` in chunks of `chunk_mib` MiB, each
    flushed and fsync'd, at no more than the pace of a filesystem that takes `s_per_gib` seconds a
    GiB (after a chunk's fsync the writer waits until its share of that time has passed). Returns
    the seconds it took."""
    start = time.time()
    step = chunk_mib << 20
    with open(path, "wb") as f:
        for off in range(0, len(data), step):
            part = data[off:off + step]
            f.write(part)
            f.flush()
            os.fsync(f.fileno())
            time.sleep(max(0.0, start + (off + len(part)) / 2 ** 30 * s_per_gib - time.time()))
    return time.time() - start


def slow_checkpoint(torch, weights, step, ckpt_path):
    """slow_checkpoint: a real checkpoint (the weights to host memory, serialised, os.replace'd as
    normal_event's), written through throttled_write. Returns (seconds, bytes written)."""
    t_ev = time.time()
    buf = io.BytesIO()
    torch.save({"weights": [w.detach().to("cpu") for w in weights], "step": step}, buf)
    data = buf.getbuffer()
    throttled_write(ckpt_path + ".tmp", data, STRENGTH["slow_ckpt_s_per_gib"], STRENGTH["ckpt_chunk_mib"])
    os.replace(ckpt_path + ".tmp", ckpt_path)
    n = len(data)
    del data
    return time.time() - t_ev, n


def load_shard(torch, data_gen, index):
    """shard_boundary: the loader decodes shard `index` into a host buffer (shard_mib MiB of fp32,
    replacing the previous shard's in HOST_SHARD) and the batches come from the shard's seed."""
    HOST_SHARD.clear()  # the previous shard is given back first (a loader holds one)
    HOST_SHARD.append(torch.randn((STRENGTH["shard_mib"] << 20) // 4, dtype=torch.float32))
    data_gen.manual_seed(99 + 1000 * index)


def memory_hog(t0, start, end, gib):
    """gpu_memory_hog: another process that creates a CUDA context on GPU 0 at t0 + start, holds
    `gib` GiB there (zeroed, so the pages are really backed) doing nothing, and frees it at t0 + end."""
    import torch
    time.sleep(max(0.0, t0 + start - time.time()))
    held = torch.zeros(gib << 30, dtype=torch.uint8, device=torch.device("cuda", 0))
    torch.cuda.synchronize()
    print("memory hog: %d GiB held on GPU 0 from t0 + %.1f s" % (gib, time.time() - t0), flush=True)
    time.sleep(max(0.0, t0 + end - time.time()))
    del held
    torch.cuda.empty_cache()
    print("memory hog: freed at t0 + %.1f s" % (time.time() - t0), flush=True)


def trainer7(args, t0, ckpt_path, life):
    """Plan 7's trainer on GPU 0 (one life): runs until the job_end event, then writes
    training_completed 1 and exits 0. Exports its resident memory with every second (plan 6's)."""
    tr, weights, step = start_life(args, t0, ckpt_path, life)
    torch, dist, dev, out = tr.torch, tr.dist, tr.dev, tr.out
    data_gen, x_eval, y_eval, teacher = tr.data_gen, tr.x_eval, tr.y_eval, tr.teacher
    lr = 0.05
    stop_at = stop_time(args.seconds)
    ev = [torch.cuda.Event(enable_timing=True) for _ in range(4)]
    done = set()
    buckets = SecondBuckets(out, t0, marker=True, extra=lambda: [(RSS, rss_bytes())])
    load_shard(torch, data_gen, 0)  # the first shard, before t0 (warm-up)
    shards = [e for e in NORMAL_EVENTS if e[0] == "shard_boundary"]
    slow_done, trainable = False, LAYERS

    prev_end = time.time()
    while True:
        now = time.time()
        rel = now - t0
        if rel >= stop_at:
            break
        if take_normal_event(torch, rel, done, life, t0, weights, step, ckpt_path, x_eval, y_eval):
            continue  # prev_end is kept: the next step's time includes the pause
        due = [e for e in shards if e[1] <= rel and e not in done]
        if due:
            done.add(due[0])
            t_ev = time.time()
            load_shard(torch, data_gen, shards.index(due[0]) + 1)
            print("trainer: shard_boundary at t0 + %.1f s: shard %d decoded in %.2f s"
                  % (rel, shards.index(due[0]) + 1, time.time() - t_ev), flush=True)
            continue  # the next step's time includes the pause
        active = {f[0]: f for f in fault_at(rel)}
        if "slow_checkpoint" in active and not slow_done:
            slow_done = True
            took, n = slow_checkpoint(torch, weights, step, ckpt_path)
            print("trainer: slow_checkpoint at t0 + %.1f s: %.0f MiB written fsync'd in %.1f s (ends t0 + %.1f s)"
                  % (rel, n / 2 ** 20, took, time.time() - t0), flush=True)
            continue  # the next step's time includes the pause
        want = plan7_trainable(active)
        if want != trainable:  # the callback freezes (or unfreezes) all layers but the last ones
            for i, w in enumerate(weights):
                w.requires_grad_(i >= LAYERS - want)
                w.grad = None
            print("trainer: %d of %d layers train from t0 + %.1f s (step %d)" % (want, LAYERS, rel, step), flush=True)
            trainable = want
        params = weights[LAYERS - trainable:]
        x = torch.randn(TOKENS, HIDDEN, device=dev, dtype=torch.bfloat16, generator=data_gen)
        y = x @ teacher
        loss, flat = forward_backward(torch, weights, x, y, ev, params=params)
        gnorm, finite = all_reduce(torch, dist, flat, loss, ev)
        sgd_update(torch, params, flat, gnorm, lr, finite)
        torch.cuda.synchronize()
        end = time.time()
        buckets.add(end, (end - prev_end) * 1000.0, ev, loss, gnorm)
        prev_end = end
        step += 1
    clean_end(out, dist, life, step, t0)


def run_plan7(args, t0):
    """Plan 7's parent: plan 5's (NVML of GPU 0 to the end, the marker served from the clean end)
    with trainer7, and the memory hog started 15 s before its window (it imports torch first)."""
    hogs = [("memhog", memory_hog, (t0, f[1], f[2], STRENGTH["hog_gib"]), max(0.0, f[1] - 15))
            for f in FAULTS if f[0] == "gpu_memory_hog"]
    run_plan5(args, t0, trainer7, hogs)


# ---- plan 8: one GPU (for an H100), optimizer offload, unscaled gradient accumulation, half the layers frozen ----

def plan8_accum(active, rel):
    """Plan 8's (micro-batches a step, whether each micro-batch's loss is divided by their number):
    bug_accum undivided inside grad_accum_unscaled; ramp_accum divided from the accum_ramp on; else (1, True)."""
    if "grad_accum_unscaled" in active:
        return STRENGTH["bug_accum"], False
    if any(e[0] == "accum_ramp" and e[1] <= rel for e in NORMAL_EVENTS):
        return STRENGTH["ramp_accum"], True
    return 1, True


def plan8_frozen(active):
    """Plan 8's number of layers frozen (the first ones): frozen_layers inside half_frozen, else 0."""
    return STRENGTH["frozen_layers"] if "half_frozen" in active else 0


def forward_backward_micro(torch, weights, batches, ev, params=None, divide=True):
    """Plan 8: forward_backward over the micro-batches (x, y) of one step, their gradients added up in
    .grad (each loss divided by their number when `divide`, as a correct accumulation does; plan 8's
    grad_accum_unscaled does not), then flattened (the weights of `params`, all when None). CUDA events
    as forward_backward's (0 before the first forward, 1 after the last backward, 2 after the flatten).
    Returns the mean of the micro-batches' losses (what a logger reports) and the flat gradients."""
    ev[0].record()
    losses = []
    for x, y in batches:
        h = x
        for w in weights:
            h = h @ w
        loss = torch.nn.functional.mse_loss(h.float(), y.float())
        (loss / len(batches) if divide else loss).backward()
        losses.append(loss.detach())
    ev[1].record()
    flat = torch.cat([w.grad.reshape(-1) for w in (weights if params is None else params)])
    ev[2].record()
    return sum(losses) / len(losses), flat


def offload_round_trip(torch, flat, host):
    """optimizer_offload: the flat gradients to the pinned host buffer `host` and back into `flat`
    (the optimizer state's trip through host memory), each copy waited for before the next."""
    host.copy_(flat, non_blocking=True)
    torch.cuda.synchronize()
    flat.copy_(host, non_blocking=True)
    torch.cuda.synchronize()


def set_frozen(weights, frozen):
    """Freezes the first `frozen` layers (requires_grad off), unfreezes the rest; clears every gradient."""
    for i, w in enumerate(weights):
        w.requires_grad_(i >= frozen)
        w.grad = None


def marked_life(args, t0, ckpt_path, life):
    """Plans 8-10: one life of a trainer that ends marked and exports its RSS: start_life's (trainer, weights,
    step), its 4 CUDA events, the set of normal events begun, its SecondBuckets (marker, RSS) and when it stops."""
    tr, weights, step = start_life(args, t0, ckpt_path, life)
    ev = [tr.torch.cuda.Event(enable_timing=True) for _ in range(4)]
    buckets = SecondBuckets(tr.out, t0, marker=True, extra=lambda: [(RSS, rss_bytes())])
    return tr, weights, step, ev, set(), buckets, stop_time(args.seconds)


def steps_to_end(tr, t0, ckpt_path, life, stop_at, done, weights, step_now):
    """Plans 8-10's step loop: (now, rel, the incidents active) for each step until `stop_at` s after t0; a normal
    event due runs between steps (take_normal_event, `step_now()` the step count; the next step's time includes it)."""
    while True:
        now = time.time()
        rel = now - t0
        if rel >= stop_at:
            return
        if take_normal_event(tr.torch, rel, done, life, t0, weights, step_now(), ckpt_path, tr.x_eval, tr.y_eval):
            continue
        yield now, rel, {f[0]: f for f in fault_at(rel)}


def trainer8(args, t0, ckpt_path, life):
    """Plan 8's trainer on GPU 0 (one life): runs until the job_end event, then writes
    training_completed 1 and exits 0. Exports its resident memory with every second (plans 6-7's)."""
    tr, weights, step, ev, done, buckets, stop_at = marked_life(args, t0, ckpt_path, life)
    torch, dist, dev = tr.torch, tr.dist, tr.dev
    data_gen, teacher = tr.data_gen, tr.teacher
    lr = 0.05
    frozen, accum, host = 0, (1, True), None

    prev_end = time.time()  # (a normal event's pause is in the next step's time)
    for now, rel, active in steps_to_end(tr, t0, ckpt_path, life, stop_at, done, weights, lambda: step):
        if ("optimizer_offload" in active) != (host is not None):
            t_ev = time.time()
            if host is None:  # offload on: its pinned host buffer (the whole flat gradient)
                host = torch.empty(LAYERS * HIDDEN * HIDDEN, dtype=torch.bfloat16, pin_memory=True)
            else:
                host = None  # (the caching host allocator may keep the pinned block)
            print("trainer: optimizer offload %s at t0 + %.1f s (step %d, %.2f s)"
                  % ("on" if host is not None else "off", rel, step, time.time() - t_ev), flush=True)
        want = plan8_frozen(active)
        if want != frozen:
            set_frozen(weights, want)
            print("trainer: %d of %d layers train from t0 + %.1f s (step %d)"
                  % (LAYERS - want, LAYERS, rel, step), flush=True)
            frozen = want
        if plan8_accum(active, rel) != accum:
            accum = plan8_accum(active, rel)
            print("trainer: %d micro-batch(es) a step, loss %s, from t0 + %.1f s (step %d)"
                  % (accum[0], "divided" if accum[1] else "NOT divided", rel, step), flush=True)
        params = weights[frozen:]
        batches = []
        for _ in range(accum[0]):
            x = torch.randn(TOKENS, HIDDEN, device=dev, dtype=torch.bfloat16, generator=data_gen)
            batches.append((x, x @ teacher))
        loss, flat = forward_backward_micro(torch, weights, batches, ev, params, accum[1])
        gnorm, finite = all_reduce(torch, dist, flat, loss, ev)
        if host is not None:
            offload_round_trip(torch, flat, host)
        sgd_update(torch, params, flat, gnorm, lr, finite)
        torch.cuda.synchronize()
        end = time.time()
        buckets.add(end, (end - prev_end) * 1000.0, ev, loss, gnorm, accum[0] * TOKENS)
        prev_end = end
        step += 1
    clean_end(tr.out, dist, life, step, t0)


def run_plan8(args, t0):
    """Plan 8's parent: plan 5's (NVML of GPU 0 to the end, the marker served from the clean end) with
    trainer8; any exit of the trainer other than its clean end is an error."""
    run_plan5(args, t0, trainer8)


# ---- plan 9: one GPU (an H100 or H200), the loss masked out, summed over sequences, padding ----

def plan9_loss_mode(active, rel):
    """Plan 9's (tokens counted, tokens in the loss, the loss's scale in the backward) of a step at `rel` s
    after t0: every label masked inside loss_masked_out (8192, 0, 1); the sum over sum_sequences inside
    loss_sum_reduction (8192, 8192, 4); padded_real_tokens real inside padding_waste (2048, 2048, 1); from
    the loss_weight_step on, the loss weight (8192, 8192, 1.5); else (8192, 8192, 1)."""
    if "loss_masked_out" in active:
        return TOKENS, 0, 1.0
    if "loss_sum_reduction" in active:
        return TOKENS, TOKENS, float(STRENGTH["sum_sequences"])
    if "padding_waste" in active:
        return STRENGTH["padded_real_tokens"], STRENGTH["padded_real_tokens"], 1.0
    if any(e[0] == "loss_weight_step" and e[1] <= rel for e in NORMAL_EVENTS):
        return TOKENS, TOKENS, float(STRENGTH["loss_weight"])
    return TOKENS, TOKENS, 1.0


def forward_backward_loss(torch, weights, x, y, ev, real, scale):
    """Plan 9: forward_backward with the loss over the first `real` rows (tokens) of the batch: with every
    row real mse_loss's mean (runs 3-8), else the sum of their squared errors over max(real, 1) x HIDDEN (0,
    and every gradient 0, when none is); the backward on the loss times `scale`. CUDA events as
    forward_backward's. Returns the loss (unscaled: what the logger reports) and the flat gradients."""
    ev[0].record()
    h = x
    for w in weights:
        h = h @ w
    if real == TOKENS:
        loss = torch.nn.functional.mse_loss(h.float(), y.float())
    else:
        d = h[:real].float() - y[:real].float()  # (0 rows: an empty tensor, its sum 0)
        loss = (d * d).sum() / (max(real, 1) * HIDDEN)
    (loss * scale if scale != 1.0 else loss).backward()
    ev[1].record()
    flat = torch.cat([w.grad.reshape(-1) for w in weights])
    ev[2].record()
    return loss.detach(), flat


def trainer9(args, t0, ckpt_path, life):
    """Plan 9's trainer on GPU 0 (one life): runs until the job_end event, then writes
    training_completed 1 and exits 0. Exports its resident memory with every second (plans 6-8's)."""
    tr, weights, step, ev, done, buckets, stop_at = marked_life(args, t0, ckpt_path, life)
    torch, dist, dev = tr.torch, tr.dist, tr.dev
    data_gen, teacher = tr.data_gen, tr.teacher
    lr = 0.05
    mode = (TOKENS, TOKENS, 1.0)

    prev_end = time.time()  # (a normal event's pause is in the next step's time)
    for now, rel, active in steps_to_end(tr, t0, ckpt_path, life, stop_at, done, weights, lambda: step):
        if plan9_loss_mode(active, rel) != mode:
            mode = plan9_loss_mode(active, rel)
            print("trainer: %d tokens counted a step, %d in the loss, the loss x%g in the backward, from t0 + %.1f s"
                  " (step %d)" % (mode[0], mode[1], mode[2], rel, step), flush=True)
        x = torch.randn(TOKENS, HIDDEN, device=dev, dtype=torch.bfloat16, generator=data_gen)
        y = x @ teacher
        loss, flat = forward_backward_loss(torch, weights, x, y, ev, mode[1], mode[2])
        gnorm, finite = all_reduce(torch, dist, flat, loss, ev)
        sgd_update(torch, weights, flat, gnorm, lr, finite)
        torch.cuda.synchronize()
        end = time.time()
        buckets.add(end, (end - prev_end) * 1000.0, ev, loss, gnorm, mode[0])
        prev_end = end
        step += 1
    clean_end(tr.out, dist, life, step, t0)


def run_plan9(args, t0):
    """Plan 9's parent: plan 5's (NVML of GPU 0 to the end, the marker served from the clean end) with
    trainer9; any exit of the trainer other than its clean end is an error."""
    run_plan5(args, t0, trainer9)


# ---- plan 10: one GPU (an H100 or H200), gradients not zeroed, an eval every step, silent weight corruption ----

def plan10_mode(active, rel):
    """Plan 10's (whether the gradients are kept across steps, eval passes after each step, whether the weight EMA
    is on) of a step at `rel` s after t0."""
    return ("grads_not_zeroed" in active,
            STRENGTH["eval_passes"] if "eval_every_step" in active else 0,
            any(e[0] == "ema_on" and e[1] <= rel for e in NORMAL_EVENTS))


def corrupt_weights(torch, w):
    """weight_corruption: every sdc_stride-th element of `w` (sdc_elements of them) times sdc_scale, in place."""
    with torch.no_grad():
        w.view(-1)[::STRENGTH["sdc_stride"]] *= STRENGTH["sdc_scale"]


def restore_checkpoint(torch, weights, ckpt_path):
    """Plan 10's fix: the weights of the last checkpoint copied into `weights` (in place), every gradient cleared;
    the step the checkpoint was taken at."""
    ck = torch.load(ckpt_path)
    with torch.no_grad():
        for w, c in zip(weights, ck["weights"]):
            w.copy_(c)
            w.grad = None
    return ck["step"]


def ema_update(torch, ema, weights):
    """ema_on: each fp32 shadow moved toward its bf16 weight by 1 - ema_decay, in place (the add casts as it reads:
    no fp32 temporary of the weight)."""
    d = STRENGTH["ema_decay"]
    with torch.no_grad():
        for e, w in zip(ema, weights):
            e.mul_(d).add_(w, alpha=1.0 - d)


def trainer10(args, t0, ckpt_path, life):
    """Plan 10's trainer on GPU 0 (one life): runs until the job_end event, then writes
    training_completed 1 and exits 0. Exports its resident memory with every second (plans 6-9's)."""
    tr, weights, step, ev, done, buckets, stop_at = marked_life(args, t0, ckpt_path, life)
    torch, dist, dev = tr.torch, tr.dist, tr.dev
    data_gen, teacher = tr.data_gen, tr.teacher
    lr = 0.05
    mode, corrupted, ema = (False, 0, False), False, None

    prev_end = time.time()  # (a normal event's pause is in the next step's time)
    for now, rel, active in steps_to_end(tr, t0, ckpt_path, life, stop_at, done, weights, lambda: step):
        want = plan10_mode(active, rel)
        fixed = mode[0] and not want[0]  # the gradients were kept: the fix restores the checkpoint
        if ("weight_corruption" in active) != corrupted:
            corrupted = not corrupted
            if corrupted:
                corrupt_weights(torch, weights[-1])
                print("trainer: %d weights of layer %d x%g (silent corruption) at t0 + %.1f s (step %d)"
                      % (STRENGTH["sdc_elements"], LAYERS, STRENGTH["sdc_scale"], rel, step), flush=True)
            else:
                fixed = True
        if fixed:  # (the next step's time includes the restore)
            ck_step = restore_checkpoint(torch, weights, ckpt_path)
            print("trainer: weights restored from the checkpoint of step %d at t0 + %.1f s (step %d, %.2f s)"
                  % (ck_step, rel, step, time.time() - now), flush=True)
        if want != mode:
            mode = want
            print("trainer: gradients %s, %d eval pass(es) a step, EMA %s, from t0 + %.1f s (step %d)"
                  % ("KEPT across steps" if mode[0] else "cleared each step", mode[1], "on" if mode[2] else "off",
                     rel, step), flush=True)
        if mode[2] and ema is None:  # the planned EMA: its fp32 shadow of the weights
            ema = [w.detach().float() for w in weights]
        x = torch.randn(TOKENS, HIDDEN, device=dev, dtype=torch.bfloat16, generator=data_gen)
        y = x @ teacher
        loss, flat = forward_backward(torch, weights, x, y, ev)
        gnorm, finite = all_reduce(torch, dist, flat, loss, ev)
        sgd_update(torch, weights, flat, gnorm, lr, finite, clear=not mode[0])
        if ema is not None:
            ema_update(torch, ema, weights)
        for _ in range(mode[1]):  # the misconfigured eval hook (its loss not logged)
            eval_pass(torch, weights, tr.x_eval, tr.y_eval)
        torch.cuda.synchronize()
        end = time.time()
        buckets.add(end, (end - prev_end) * 1000.0, ev, loss, gnorm)
        prev_end = end
        step += 1
    clean_end(tr.out, dist, life, step, t0)


def run_plan10(args, t0):
    """Plan 10's parent: plan 5's (NVML of GPU 0 to the end, the marker served from the clean end) with
    trainer10; any exit of the trainer other than its clean end is an error."""
    run_plan5(args, t0, trainer10)


# ---- plan 11: one GPU (an H100 or H200), a checkpoint after every step, a loss scale not undone ----

def plan11_mode(active, rel):
    """Plan 11's (checkpoint after every step, the loss scale, whether it is undone) of a step at `rel` s after t0."""
    if "loss_scale_not_undone" in active:
        return False, STRENGTH["loss_scale"], False
    on = any(e[0] == "loss_scale_on" and e[1] <= rel for e in NORMAL_EVENTS)
    return "checkpoint_every_step" in active, STRENGTH["loss_scale"] if on else 1.0, on


def forward_backward_scaled(torch, weights, x, y, ev, scale, undo):
    """Plan 11: forward_backward with the backward on the loss times `scale` (a static loss scale); the flat
    gradients divided by it again when `undo` (as a GradScaler's unscale_). CUDA events as forward_backward's.
    Returns the loss (unscaled: what the logger reports) and the flat gradients."""
    ev[0].record()
    h = x
    for w in weights:
        h = h @ w
    loss = torch.nn.functional.mse_loss(h.float(), y.float())
    (loss * scale if scale != 1.0 else loss).backward()
    ev[1].record()
    flat = torch.cat([w.grad.reshape(-1) for w in weights])
    if undo and scale != 1.0:
        flat.div_(scale)
    ev[2].record()
    return loss.detach(), flat


def trainer11(args, t0, ckpt_path, life):
    """Plan 11's trainer on GPU 0 (one life): runs until the job_end event, then writes
    training_completed 1 and exits 0. Exports its resident memory with every second (plans 6-10's)."""
    tr, weights, step, ev, done, buckets, stop_at = marked_life(args, t0, ckpt_path, life)
    torch, dist, dev = tr.torch, tr.dist, tr.dev
    data_gen, teacher = tr.data_gen, tr.teacher
    lr = 0.05
    mode = (False, 1.0, False)

    prev_end = time.time()  # (a normal event's pause is in the next step's time)
    for now, rel, active in steps_to_end(tr, t0, ckpt_path, life, stop_at, done, weights, lambda: step):
        if plan11_mode(active, rel) != mode:
            if mode[1] != 1.0 and not mode[2]:  # the unscale was missing: the fix resumes from the last checkpoint
                ck_step = restore_checkpoint(torch, weights, ckpt_path)
                print("trainer: weights restored from the checkpoint of step %d at t0 + %.1f s (step %d, %.2f s)"
                      % (ck_step, rel, step, time.time() - now), flush=True)
            mode = plan11_mode(active, rel)
            print("trainer: checkpoint %s, %s, from t0 + %.1f s (step %d)"
                  % ("after EVERY step" if mode[0] else "on schedule", "no loss scale" if mode[1] == 1.0 else
                     "loss scale %g %s" % (mode[1], "undone" if mode[2] else "NOT undone"), rel, step), flush=True)
        x = torch.randn(TOKENS, HIDDEN, device=dev, dtype=torch.bfloat16, generator=data_gen)
        y = x @ teacher
        loss, flat = forward_backward_scaled(torch, weights, x, y, ev, mode[1], mode[2])
        gnorm, finite = all_reduce(torch, dist, flat, loss, ev)
        sgd_update(torch, weights, flat, gnorm, lr, finite)
        if mode[0]:  # the misconfigured checkpoint hook (this step's time holds it)
            save_checkpoint(torch, weights, step, ckpt_path)
        torch.cuda.synchronize()
        end = time.time()
        buckets.add(end, (end - prev_end) * 1000.0, ev, loss, gnorm)
        prev_end = end
        step += 1
    clean_end(tr.out, dist, life, step, t0)


def run_plan11(args, t0):
    """Plan 11's parent: plan 5's (NVML of GPU 0 to the end, the marker served from the clean end) with
    trainer11; any exit of the trainer other than its clean end is an error."""
    run_plan5(args, t0, trainer11)


def gpu_name(plan, torch):
    if plan not in PLAN_SECONDS:
        return torch.cuda.get_device_name(0) if torch.cuda.is_available() else None
    # plans 3-10 name the GPU through NVML: a CUDA context in this parent would hold GPU memory
    # all run, and the planted crash / the clean job end is to free the GPU's memory
    import pynvml
    pynvml.nvmlInit()
    name = pynvml.nvmlDeviceGetName(pynvml.nvmlDeviceGetHandleByIndex(0))
    pynvml.nvmlShutdown()
    return name.decode() if isinstance(name, bytes) else name


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--out", required=True)
    p.add_argument("--seconds", type=float, default=480.0)
    p.add_argument("--gpus", type=int, default=2)
    p.add_argument("--port", type=int, default=29531)
    p.add_argument("--plan", type=int, choices=(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11), default=1,
                   help="1: the times and strengths of run 1; 2: those of the check run; "
                        "3: one GPU, other incidents and normal events (PLAN3_*); "
                        "4: one GPU, a fourth set (PLAN4_*); "
                        "5: one GPU, a fifth set and the training_completed marker (PLAN5_*); "
                        "6: one GPU (an H100), a sixth set, the marker, the trainer's RSS (PLAN6_*); "
                        "7: one GPU (an H100), a seventh set, shard boundaries, the marker and RSS (PLAN7_*); "
                        "8: one GPU (an H100 or H200), an eighth set, an accumulation ramp, the marker and RSS (PLAN8_*); "
                        "9: one GPU (an H100 or H200), a ninth set, a loss-weight step, the marker and RSS (PLAN9_*); "
                        "10: one GPU (an H100 or H200), a tenth set, a weight EMA, the marker and RSS (PLAN10_*); "
                        "11: one GPU (an H100 or H200), an eleventh set, a loss scale, the marker and RSS (PLAN11_*)")
    p.add_argument("--time-scale", type=float, default=1.0,
                   help="plans 3-10 only: multiply the plan's times (a short smoke run; 1 to record)")
    args = p.parse_args()
    if args.time_scale != 1.0 and args.plan not in PLAN_SECONDS:
        p.error("--time-scale is for --plan 3, 4, 5, 6, 7, 8, 9, 10 or 11 only")
    if not args.time_scale > 0:
        p.error("--time-scale must be > 0")
    apply_plan(args.plan, args.time_scale)
    if args.plan == 3 and args.seconds > PLAN3_SECONDS * args.time_scale:
        p.error("--plan 3 is %g s long (times scaled by --time-scale); got --seconds %g"
                % (PLAN3_SECONDS * args.time_scale, args.seconds))
    if args.plan == 4 and args.seconds != PLAN4_SECONDS * args.time_scale:
        p.error("--plan 4 is %g s long (times scaled by --time-scale; its job ends at %g s and "
                "the GPU is sampled to the end); got --seconds %g"
                % (PLAN4_SECONDS * args.time_scale, job_end_at(), args.seconds))
    if args.plan == 5 and args.seconds != PLAN5_SECONDS * args.time_scale:
        p.error("--plan 5 is %g s long (times scaled by --time-scale; its job ends at %g s and "
                "the GPU is sampled to the end); got --seconds %g"
                % (PLAN5_SECONDS * args.time_scale, job_end_at(), args.seconds))
    if args.plan == 6 and args.seconds != PLAN6_SECONDS * args.time_scale:
        p.error("--plan 6 is %g s long (times scaled by --time-scale; its job ends at %g s and "
                "the GPU is sampled to the end); got --seconds %g"
                % (PLAN6_SECONDS * args.time_scale, job_end_at(), args.seconds))
    if args.plan == 7 and args.seconds != PLAN7_SECONDS * args.time_scale:
        p.error("--plan 7 is %g s long (times scaled by --time-scale; its job ends at %g s and "
                "the GPU is sampled to the end); got --seconds %g"
                % (PLAN7_SECONDS * args.time_scale, job_end_at(), args.seconds))
    if args.plan == 8 and args.seconds != PLAN8_SECONDS * args.time_scale:
        p.error("--plan 8 is %g s long (times scaled by --time-scale; its job ends at %g s and "
                "the GPU is sampled to the end); got --seconds %g"
                % (PLAN8_SECONDS * args.time_scale, job_end_at(), args.seconds))
    if args.plan in (9, 10, 11) and args.seconds != PLAN_SECONDS[args.plan] * args.time_scale:
        p.error("--plan %d is %g s long (times scaled by --time-scale; its job ends at %g s and "
                "the GPU is sampled to the end); got --seconds %g"
                % (args.plan, PLAN_SECONDS[args.plan] * args.time_scale, job_end_at(), args.seconds))
    import torch
    import torch.multiprocessing as mp
    world = max(1, min(args.gpus, torch.cuda.device_count()))
    if args.plan in PLAN_SECONDS:
        if not torch.cuda.is_available():
            raise SystemExit("record_incidents: --plan %d needs a CUDA GPU; none is visible" % args.plan)
        world = 1  # plans 3-10 are one-GPU runs: GPU 0
    core = trainer_core(os.sched_getaffinity(0)) if args.plan == 4 else None
    os.makedirs(args.out, exist_ok=True)
    # warm-up happens inside the workers before t0 matters little: start t0 a little later
    t0 = time.time() + 20.0
    meta = {
        "job": JOB, "node": NODE, "world_size": world, "hidden": HIDDEN, "layers": LAYERS,
        "tokens_per_rank_step": TOKENS, "t0": t0, "seconds": args.seconds,
        "normal_end": t0 + NORMAL_END, "host": socket.gethostname(), "plan": args.plan,
        "strength": STRENGTH,
        "gpu": gpu_name(args.plan, torch),
        "torch": torch.__version__, "nccl": str(torch.cuda.nccl.version()),
        "incidents": [{"name": f[0], "start": t0 + f[1], "end": t0 + f[2],
                       "expected": [{"series": s, "scope": sc} for s, sc in f[3]]} for f in FAULTS],
    }
    if args.plan in PLAN_SECONDS:
        meta["time_scale"] = args.time_scale
        meta["normal_events"] = [{"name": n, "start": t0 + s, "end": t0 + e} for n, s, e in NORMAL_EVENTS]
    if args.plan == 4:
        meta["trainer_core"] = core
        meta["cpu_cores"] = sorted(os.sched_getaffinity(0))
    with open(os.path.join(args.out, "incidents.json"), "w") as f:
        json.dump(meta, f, indent=1)
    if args.plan == 11:
        try:
            run_plan11(args, t0)
        finally:  # the rows measured so far are kept, also when the run failed
            merge(args.out, t0)
        return
    if args.plan == 10:
        try:
            run_plan10(args, t0)
        finally:  # the rows measured so far are kept, also when the run failed
            merge(args.out, t0)
        return
    if args.plan == 9:
        try:
            run_plan9(args, t0)
        finally:  # the rows measured so far are kept, also when the run failed
            merge(args.out, t0)
        return
    if args.plan == 8:
        try:
            run_plan8(args, t0)
        finally:  # the rows measured so far are kept, also when the run failed
            merge(args.out, t0)
        return
    if args.plan == 7:
        try:
            run_plan7(args, t0)
        finally:  # the rows measured so far are kept, also when the run failed
            merge(args.out, t0)
        return
    if args.plan == 6:
        try:
            run_plan6(args, t0)
        finally:  # the rows measured so far are kept, also when the run failed
            merge(args.out, t0)
        return
    if args.plan == 5:
        try:
            run_plan5(args, t0)
        finally:  # the rows measured so far are kept, also when the run failed
            merge(args.out, t0)
        return
    if args.plan == 4:
        try:
            run_plan4(args, t0, core)
        finally:  # the rows measured so far are kept, also when the run failed
            merge(args.out, t0)
        return
    if args.plan == 3:
        try:
            run_plan3(args, t0)
        finally:  # the rows measured so far are kept, also when the run failed
            merge(args.out, t0)
        return
    if world > 1:
        mp.spawn(worker, args=(world, args, t0), nprocs=world, join=True)
    else:
        worker(0, 1, args, t0)
    merge(args.out, t0)


def merge(out_dir, t0):
    rows = []
    for name in sorted(os.listdir(out_dir)):
        if name.startswith("part-") and name.endswith(".csv"):
            with open(os.path.join(out_dir, name)) as f:
                for line in f:
                    if line.strip() and float(line.split(",", 1)[0]) >= t0:
                        rows.append(line)
    rows.sort(key=lambda r: float(r.split(",", 1)[0]))
    with open(os.path.join(out_dir, "telemetry.csv"), "w") as f:
        f.write("timestamp,series,value,label,job,node,rank,Hostname,gpu\n")
        f.writelines(rows)
    print("merged %d rows" % len(rows), flush=True)


if __name__ == "__main__":
    main()
