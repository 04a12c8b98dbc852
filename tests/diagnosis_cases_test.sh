#!/usr/bin/env bash
# Checks the diagnosis case sets (evals/diagnosis/{dev,holdout,holdout2,...,holdout15,realistic,realistic2,realistic3,realistic4,realistic5,realistic6,realistic7,realistic8,realistic9,realistic10,realistic11,realistic12,realistic13,realistic14,realistic15,realistic16,realistic17,realistic18,realistic19,realistic20,realistic21,realistic22,realistic23,realistic24,realistic25,realistic26,realistic27,realistic28,realistic29,realistic30,realistic31,realistic32,realistic33,realistic34,realistic35,realistic36,realistic37,realistic38,realistic39,realistic40,realistic41,realistic42,realistic43,realistic44,realistic45,realistic46,realistic47,realistic48,realistic49,realistic50,realistic51,realistic52,realistic53,realistic54,realistic55,realistic56,realistic57,realistic58,realistic59,realistic60,realistic61,realistic62,realistic63,realistic64,realistic65,realistic66,realistic67,realistic68,realistic69}) with
# validate_cases.py, that the committed JSON is what generate_cases.py (dev, holdout), each
# holdoutN/holdoutN_cases.py, realistic/realistic_cases.py, realistic2/realistic2_cases.py, realistic3/realistic3_cases.py, realistic4/realistic4_cases.py, realistic5/realistic5_cases.py, realistic6/realistic6_cases.py, realistic7/realistic7_cases.py, realistic8/realistic8_cases.py, realistic9/realistic9_cases.py, realistic10/realistic10_cases.py, realistic11/realistic11_cases.py, realistic12/realistic12_cases.py and realistic13/realistic13_cases.py produce, and that the validator rejects broken cases.
# Run by ctest from the repo root as: bash tests/diagnosis_cases_test.sh <build-dir>
set -euo pipefail
PY=${PYTHON:-python3}
V=evals/diagnosis/validate_cases.py
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# 1. The committed sets are valid and cover every category.
"$PY" "$V"

# 2. The generator is deterministic and the committed files are its output.
"$PY" evals/diagnosis/generate_cases.py --out "$tmp/gen" >/dev/null
diff -r evals/diagnosis/dev "$tmp/gen/dev" >/dev/null || { echo "FAIL: dev/ differs from generate_cases.py output"; exit 1; }
diff -r evals/diagnosis/holdout "$tmp/gen/holdout" --exclude='*.py' --exclude=__pycache__ >/dev/null ||
  { echo "FAIL: holdout/ differs from generate_cases.py output"; exit 1; }
# Each later held-out set: its generator's output is the committed files, and it validates on its
# own (holdout2: at least 48 cases; holdout3 and later: at least 50; every category).
for set in holdout2 holdout3 holdout4 holdout5 holdout6 holdout7 holdout8 holdout9 holdout10 holdout11 holdout12 holdout13 holdout14 holdout15; do
  "$PY" "evals/diagnosis/$set/${set}_cases.py" --out "$tmp/gen/$set" >/dev/null
  diff -r "evals/diagnosis/$set" "$tmp/gen/$set" --exclude='*.py' --exclude=__pycache__ >/dev/null ||
    { echo "FAIL: $set/ differs from $set/${set}_cases.py output"; exit 1; }
  "$PY" "$V" "evals/diagnosis/$set" >/dev/null || { echo "FAIL: $set/ does not validate on its own"; exit 1; }
done

# The realistic sets, each written blind by another writer (evals/diagnosis/realistic*/README.md):
# realistic (logs), realistic2, realistic3 (multi-node jobs), realistic4 (Kubernetes / DeepSpeed /
# Megatron and the hardware's own wording), realistic5 (Prometheus series, probe results and Slurm's
# own view), realistic6 (jobs of 8-512 nodes with whole-job srun output, cascades, alert groups and
# pre-existing faults; up to 20,000 lines and 1 MiB a case), realistic7 (today's stack's wording, 15
# alert-first cases), realistic8 (15 pairs of near-twin cases), realistic9 (30 alert-first cases as vigil serve receives them), realistic10 (30 alert-first cases with the Prometheus series around the alert, half of them without the decisive fact), realistic11 (the stack's own error codes and log lines, 10 alert-first and 20 log-first), realistic12 (failures as published reports of large training runs describe them, 10 alert-first and 20 log-first), realistic13 (gray failures, misleading loud lines and decisive facts in less standard shapes, 12 alert-first and 18 log-first). Each: its generator's output is the committed files (its README aside), and it
# validates on its own (at least 24 cases, every category).
for set in realistic realistic2 realistic3 realistic4 realistic5 realistic6 realistic7 realistic8 realistic9 realistic10 realistic11 realistic12 realistic13; do
  "$PY" "evals/diagnosis/$set/${set}_cases.py" --out "$tmp/gen/$set" >/dev/null
  diff -r "evals/diagnosis/$set" "$tmp/gen/$set" --exclude='*.py' --exclude=__pycache__ --exclude=README.md >/dev/null ||
    { echo "FAIL: $set/ differs from $set/${set}_cases.py output"; exit 1; }
  "$PY" "$V" "evals/diagnosis/$set" >/dev/null || { echo "FAIL: $set/ does not validate on its own"; exit 1; }
done
# realistic14 (a week of pages, RL14) is hand-written JSON with no generator (kept under 150 KB):
# it validates on its own.
"$PY" "$V" evals/diagnosis/realistic14 >/dev/null || { echo "FAIL: realistic14/ does not validate on its own"; exit 1; }
# realistic15 (slow degradation and restart loops, RL15) is hand-written JSON with no generator (under
# 100 KB): it validates on its own.
"$PY" "$V" evals/diagnosis/realistic15 >/dev/null || { echo "FAIL: realistic15/ does not validate on its own"; exit 1; }
# realistic16 (the same faults through other stacks and log formats, RL16) is hand-written JSON with no
# generator (under 100 KB with its README): it validates on its own.
"$PY" "$V" evals/diagnosis/realistic16 >/dev/null || { echo "FAIL: realistic16/ does not validate on its own"; exit 1; }
# realistic17 ("where is it?": the place named only through a tie, RL17) is hand-written JSON with no
# generator (under 100 KB with its README): it validates on its own.
"$PY" "$V" evals/diagnosis/realistic17 >/dev/null || { echo "FAIL: realistic17/ does not validate on its own"; exit 1; }
# realistic18 ("where is it?, again" and "across the stack", RL18) is hand-written JSON with no generator
# (under 90 KB with its README): it validates on its own.
"$PY" "$V" evals/diagnosis/realistic18 >/dev/null || { echo "FAIL: realistic18/ does not validate on its own"; exit 1; }
# realistic19 ("pasted at 3 a.m." and "the second incident", RL19) is hand-written JSON with no generator
# (under 90 KB with its README): it validates on its own.
"$PY" "$V" evals/diagnosis/realistic19 >/dev/null || { echo "FAIL: realistic19/ does not validate on its own"; exit 1; }
# realistic20 ("today's fleet" and "the wrong first guess", RL20) is hand-written JSON with no generator
# (under 90 KB with its README): it validates on its own.
"$PY" "$V" evals/diagnosis/realistic20 >/dev/null || { echo "FAIL: realistic20/ does not validate on its own"; exit 1; }
# realistic21 ("the numbers tell it" and "after a change", RL21) is hand-written JSON with no generator
# (under 90 KB with its README): it validates on its own.
"$PY" "$V" evals/diagnosis/realistic21 >/dev/null || { echo "FAIL: realistic21/ does not validate on its own"; exit 1; }
# realistic22 ("the on-call engineer's own question", RL22) is hand-written JSON with no generator
# (about 110 KB with its README): it validates on its own.
"$PY" "$V" evals/diagnosis/realistic22 >/dev/null || { echo "FAIL: realistic22/ does not validate on its own"; exit 1; }
# realistic23 ("the probes answered", RL23) is hand-written JSON with no generator: it validates on its
# own.
"$PY" "$V" evals/diagnosis/realistic23 >/dev/null || { echo "FAIL: realistic23/ does not validate on its own"; exit 1; }
# realistic24 ("the cascade": the first cause under hundreds of secondary errors, RL24) is hand-written JSON
# with no generator: it validates on its own.
"$PY" "$V" evals/diagnosis/realistic24 >/dev/null || { echo "FAIL: realistic24/ does not validate on its own"; exit 1; }
# realistic25 ("other fabrics, other clouds": EFA, GPUDirect-TCPX/TCPXO, Azure ND, RoCE, Kubernetes operators,
# RL25) is hand-written JSON with no generator: it validates on its own.
"$PY" "$V" evals/diagnosis/realistic25 >/dev/null || { echo "FAIL: realistic25/ does not validate on its own"; exit 1; }
# realistic26 ("rack-scale NVLink and the newest systems": GB200 / GB300 NVL72, GH200, HGX B200 / H200 with
# NVSwitch, IMEX, MNNVL, Spectrum-X, RL26) is hand-written JSON with no generator: it validates on its own.
"$PY" "$V" evals/diagnosis/realistic26 >/dev/null || { echo "FAIL: realistic26/ does not validate on its own"; exit 1; }
# realistic27 ("RL post-training, long context, and the jobs around the training run": verl, OpenRLHF, NeMo-RL,
# TRL, vLLM / SGLang rollouts, ring attention / Ulysses, checkpoint and health-check jobs, RL27) is hand-written
# JSON with no generator: it validates on its own.
"$PY" "$V" evals/diagnosis/realistic27 >/dev/null || { echo "FAIL: realistic27/ does not validate on its own"; exit 1; }
# realistic28 ("shared and serving clusters": vLLM / SGLang / TensorRT-LLM + Triton / Dynamo serving, Kubernetes
# GPU tenancy with MIG, time-slicing, Kueue / Volcano, GPU Operator, container toolkit / CDI, RL28) is hand-written
# JSON with no generator: it validates on its own.
"$PY" "$V" evals/diagnosis/realistic28 >/dev/null || { echo "FAIL: realistic28/ does not validate on its own"; exit 1; }
# realistic29 ("MoE, FP8 and the newest training stacks, on hardware that just joined the fleet": DeepEP / NVSHMEM, TE
# FP8, Megatron-Core, FSDP2, torch.compile, async DCP, NCCL 2.2x; burn-in, RMA returns, firmware and driver roll-outs,
# RL29) is hand-written JSON with no generator: it validates on its own.
"$PY" "$V" evals/diagnosis/realistic29 >/dev/null || { echo "FAIL: realistic29/ does not validate on its own"; exit 1; }
# realistic30 ("the node beneath the job: OS, firmware, power and cooling — and the slowdowns that print no error":
# peermem / hugepages / THP / cgroup CPU limits / RemoveIPC / chrony / fabricmanager / CUDA compat, IPMI SEL, Redfish,
# PSU, DCIM power caps, CDU cooling, silent slowdowns, RL30) is hand-written JSON with no generator: it validates on its own.
"$PY" "$V" evals/diagnosis/realistic30 >/dev/null || { echo "FAIL: realistic30/ does not validate on its own"; exit 1; }
# realistic31 ("beyond the flagship: PCIe-only servers, older and smaller GPUs, Ethernet fabrics and the academic /
# enterprise cluster": A100 PCIe / L40S / L4 / A10 / RTX 6000 Ada / V100 / H100 NVL / GH200, AER and risers, RoCE v2 PFC /
# GID index, NCCL over SHM / sockets, Slurm gres / cgroups / MIG / NFS quotas, RL31) is hand-written JSON with no
# generator: it validates on its own.
"$PY" "$V" evals/diagnosis/realistic31 >/dev/null || { echo "FAIL: realistic31/ does not validate on its own"; exit 1; }
# realistic32 ("month two of a long pre-training run: recurring and intermittent faults, fixes that did not hold,
# maintenance, and two things wrong at once": RMA'd nodes failing again, daily Xid 79, flapping IB ports, driver /
# container / Slurm rollouts, maintenance drains, a hot aisle, slow leaks, second faults beside the page, RL32) is
# hand-written JSON with no generator: it validates on its own.
"$PY" "$V" evals/diagnosis/realistic32 >/dev/null || { echo "FAIL: realistic32/ does not validate on its own"; exit 1; }
# realistic33 ("bring-up and first weeks of a new cluster": burn-in and acceptance tests, a missing optic, BIOS /
# firmware batch mismatches, a RoCE port without PFC, NVL72 cooling and NVLink, profiles left from burn-in, container
# image gaps, storage not load-tested, the first teams' own bugs, RL33) is hand-written JSON with no generator: it
# validates on its own.
"$PY" "$V" evals/diagnosis/realistic33 >/dev/null || { echo "FAIL: realistic33/ does not validate on its own"; exit 1; }
# realistic34 ("fault tolerance and recovery": torchrun elastic, Slurm requeue and auto-resume, JobSet / PyTorchJob
# restarts, TorchFT replica groups, NVRx straggler detection and in-process restart, hot-spare swaps, async / local
# checkpoints; the recovery hiding, repeating, delaying or misreporting the real fault, RL34) is hand-written JSON
# with no generator: it validates on its own.
"$PY" "$V" evals/diagnosis/realistic34 >/dev/null || { echo "FAIL: realistic34/ does not validate on its own"; exit 1; }
# realistic35 ("a research cluster's week: many small jobs on shared nodes": sweeps and job arrays, notebooks
# holding GPUs, MIG and MPS, users' conda environments, shared NFS / BeeGFS / Lustre, Slurm gres and cgroups, a
# fault hidden among the users' own failures, RL35) is hand-written JSON with no generator: it validates on its own.
"$PY" "$V" evals/diagnosis/realistic35 >/dev/null || { echo "FAIL: realistic35/ does not validate on its own"; exit 1; }
# realistic36 ("evidence you cannot fully trust": DCGM labels vs CUDA indices, stale exporters, IP:port instances,
# grouped / late / resolved alerts, clock skew, rotated dmesg, truncated or duplicated shipper lines, wrong tickets and
# pasted old resolutions around an ordinary fault, RL36) is hand-written JSON with no generator: it validates on its own.
"$PY" "$V" evals/diagnosis/realistic36 >/dev/null || { echo "FAIL: realistic36/ does not validate on its own"; exit 1; }
# realistic37 ("numbers that go wrong": loss spikes, NaN / Inf, fp16 loss-scale collapse, FP8 amax overflow, MoE router
# collapse, silent data corruption and slow-not-wrong hardware behind a training curve that looks wrong, RL37) is
# hand-written JSON with no generator: it validates on its own.
"$PY" "$V" evals/diagnosis/realistic37 >/dev/null || { echo "FAIL: realistic37/ does not validate on its own"; exit 1; }
# realistic38 ("the checkpoint and data path": slow, failed or half-written saves, wrong resumes, starved dataloaders,
# Lustre / Weka / VAST / S3 / local NVMe faults and the ordinary faults elsewhere that show through them, RL38) is
# hand-written JSON with no generator: it validates on its own.
"$PY" "$V" evals/diagnosis/realistic38 >/dev/null || { echo "FAIL: realistic38/ does not validate on its own"; exit 1; }
# realistic39 ("after a change": driver / firmware / image / NCCL / PyTorch / Transformer Engine / Megatron-LM /
# launch-script / operator changes and nodes back from repair, where the change caused the fault or merely
# coincides with an ordinary one, RL39) is hand-written JSON with no generator: it validates on its own.
"$PY" "$V" evals/diagnosis/realistic39 >/dev/null || { echo "FAIL: realistic39/ does not validate on its own"; exit 1; }
# realistic40 ("the parallelism layout": TP / PP / CP / EP / DP groups, FSDP2, HSDP, ZeRO-3; the rank that times out
# first, the loud pipeline neighbour, mis-set layouts and the ordinary faults read through the layout, RL40) is
# hand-written JSON with no generator: it validates on its own.
"$PY" "$V" evals/diagnosis/realistic40 >/dev/null || { echo "FAIL: realistic40/ does not validate on its own"; exit 1; }
# realistic41 ("two things wrong at once": the paged failure beside a second, real, unrelated problem as loud or
# louder — a flapping port, remapped rows, a drained node, a full /tmp, an expired certificate, another job's
# failure — and a few where the second is the first's consequence, RL41) is hand-written JSON with no
# generator: it validates on its own.
"$PY" "$V" evals/diagnosis/realistic41 >/dev/null || { echo "FAIL: realistic41/ does not validate on its own"; exit 1; }
# realistic42 ("the handover": handover notes, ticket and Slack threads, bot summaries and runbook results that are
# right, half-right or wrong beside the evidence that decides, RL42) is hand-written JSON with no generator: it
# validates on its own.
"$PY" "$V" evals/diagnosis/realistic42 >/dev/null || { echo "FAIL: realistic42/ does not validate on its own"; exit 1; }
# realistic43 ("clocks, order and missing pieces": skewed node clocks, local time beside UTC, boot-relative dmesg,
# rotated and truncated logs, scrape gaps, exporter restarts and silent nodes, where the first failure must be
# worked out from the clocks, RL43) is hand-written JSON with no generator: it validates on its own.
"$PY" "$V" evals/diagnosis/realistic43 >/dev/null || { echo "FAIL: realistic43/ does not validate on its own"; exit 1; }
# realistic44 ("the same page, many causes": five common pages — stalled, tokens/s down, restart loop, NCCL
# watchdog on all ranks, loss NaN — over all 24 categories, the decisive line one among many, RL44) is JSON with
# no committed generator: it validates on its own.
"$PY" "$V" evals/diagnosis/realistic44 >/dev/null || { echo "FAIL: realistic44/ does not validate on its own"; exit 1; }
# realistic45 ("it happened before": every case carries earlier incidents, tickets, RMA notes and maintenance logs of
# the same node, GPU, job or symptom beside today's evidence; some the same cause, many not, some past fixes wrong, RL45)
# is hand-written JSON with no generator: it validates on its own.
"$PY" "$V" evals/diagnosis/realistic45 >/dev/null || { echo "FAIL: realistic45/ does not validate on its own"; exit 1; }
# realistic46 ("the dashboards were wrong": every case has monitoring that misleads or fails around the incident, a
# dcgm-exporter gap or counter reset, a stale textfile metric, a scrape target down, an alert keyed on the wrong GPU,
# beside the evidence that decides; RL46) is hand-written JSON with no generator: it validates on its own.
"$PY" "$V" evals/diagnosis/realistic46 >/dev/null || { echo "FAIL: realistic46/ does not validate on its own"; exit 1; }
# realistic47 ("many tenants, one cluster": training, inference and notebook tenants share nodes, GPUs, the fabric and
# the file systems; other tenants' lines interleaved, the paged job sometimes only a victim, RL47) is JSON with no
# committed generator: it validates on its own.
"$PY" "$V" evals/diagnosis/realistic47 >/dev/null || { echo "FAIL: realistic47/ does not validate on its own"; exit 1; }
# realistic48 ("rollouts and upgrades": every case during or within a day of a driver / firmware / container / kernel /
# image / scheduler / BIOS / power-policy rollout; the wave list decides whether the change, one part or the job is at
# fault, RL48) is JSON with no committed generator: it validates on its own.
"$PY" "$V" evals/diagnosis/realistic48 >/dev/null || { echo "FAIL: realistic48/ does not validate on its own"; exit 1; }
# realistic49 ("checkpoints, resumes and restarts": every case a checkpoint save or load, a resume or an automatic
# restart; earlier attempts' logs beside the latest, RL49) is JSON with no committed generator: it validates on its own.
"$PY" "$V" evals/diagnosis/realistic49 >/dev/null || { echo "FAIL: realistic49/ does not validate on its own"; exit 1; }
# realistic50 ("the fabric under load": IB NDR / XDR, RoCE v2 with PFC / ECN, NVLink / NVL72 under other jobs'
# traffic; port counters, SM / UFM / switch logs and NCCL INFO lines decide, many cases not the network, RL50) is JSON
# with no committed generator: it validates on its own.
"$PY" "$V" evals/diagnosis/realistic50 >/dev/null || { echo "FAIL: realistic50/ does not validate on its own"; exit 1; }
# realistic51 ("inference beside training": vLLM / SGLang / TensorRT-LLM / Triton replicas beside Megatron-LM /
# DeepSpeed / torchtitan / NeMo jobs on shared GPUs, NICs, power and file systems; preemption, MIG, time-slicing, MPS,
# power caps; the neighbour the cause in some cases, only loud in most, RL51) is JSON with no committed generator:
# it validates on its own.
"$PY" "$V" evals/diagnosis/realistic51 >/dev/null || { echo "FAIL: realistic51/ does not validate on its own"; exit 1; }
# realistic52 ("the data pipeline": dataloader workers, tokenizers and packing, sharded datasets, object stores and
# parallel file systems, /dev/shm and pinned memory; many cases not the data, RL52) is JSON with no committed
# generator: it validates on its own.
"$PY" "$V" evals/diagnosis/realistic52 >/dev/null || { echo "FAIL: realistic52/ does not validate on its own"; exit 1; }
# realistic53 ("long context and memory": 32k-1M sequences with context parallelism, checkpointing and offload,
# FSDP / ZeRO-3, the caching allocator, HBM ECC and row remaps, host memory and NUMA; many memory-shaped symptoms not
# a memory bug of the job, RL53) is JSON with no committed generator: it validates on its own.
"$PY" "$V" evals/diagnosis/realistic53 >/dev/null || { echo "FAIL: realistic53/ does not validate on its own"; exit 1; }
# realistic54 ("elastic scaling and membership changes": torchrun elastic / etcd rendezvous, hot spares, drains,
# spot reclaim, auto-repair, Slurm requeue and --nodes ranges, resume on another world size, RL54) is JSON with no
# committed generator: it validates on its own.
"$PY" "$V" evals/diagnosis/realistic54 >/dev/null || { echo "FAIL: realistic54/ does not validate on its own"; exit 1; }
# realistic55 ("the scheduler, quotas and cgroups": Slurm GRES / cgroup / prolog / epilog / NHC / requeue, Kubernetes
# device plugin / limits / quotas / evictions, NUMA binding, ulimits and containers; many cases not the scheduler at all,
# RL55) is JSON with no committed generator: it validates on its own.
"$PY" "$V" evals/diagnosis/realistic55 >/dev/null || { echo "FAIL: realistic55/ does not validate on its own"; exit 1; }
# realistic56 ("when the monitoring itself misleads": scrape timeouts, stale series, counter resets, relabel swaps,
# recording-rule windows, federation lag, Alertmanager grouping / inhibition / flapping / repeats, log-shipping delay,
# drops and clock skew, RL56) is JSON with no committed generator: it validates on its own.
"$PY" "$V" evals/diagnosis/realistic56 >/dev/null || { echo "FAIL: realistic56/ does not validate on its own"; exit 1; }
# realistic57 ("rented capacity: cloud GPU clusters and bursting": Azure ND H100 v5, OCI BM.GPU.H200.8 RoCE, a neocloud's
# B200 / GB200 under SUNK; provider notices beside every incident, the cause often not the provider's, RL57) is JSON with
# no committed generator: it validates on its own.
"$PY" "$V" evals/diagnosis/realistic57 >/dev/null || { echo "FAIL: realistic57/ does not validate on its own"; exit 1; }
# realistic58 ("credentials, certificates and access that expire": Kerberos, munge, TLS, tokens, pull secrets, sssd,
# ACLs; the loud access error often downstream of a hardware or numeric fault, RL58) is JSON with no committed
# generator: it validates on its own.
"$PY" "$V" evals/diagnosis/realistic58 >/dev/null || { echo "FAIL: realistic58/ does not validate on its own"; exit 1; }
# realistic59 ("the first hour of a job: start-up, compilation and warm-up": image pull, NCCL init, rendezvous, weight
# loading, torch.compile / Triton autotuning, CUDA graphs, FP8 / LR / loss-scale warm-up, first epoch, first checkpoint, RL59)
# is JSON with no committed generator: it validates on its own.
"$PY" "$V" evals/diagnosis/realistic59 >/dev/null || { echo "FAIL: realistic59/ does not validate on its own"; exit 1; }
# realistic60 ("ten thousand GPUs: what only happens at scale": jobs of 1,024 to 16,384 GPUs, one rank, GPU or link
# gating thousands, NCCL bootstrap and algorithms at scale, petabyte checkpoints, RL60) is JSON with no committed
# generator: it validates on its own.
"$PY" "$V" evals/diagnosis/realistic60 >/dev/null || { echo "FAIL: realistic60/ does not validate on its own"; exit 1; }
# realistic61 ("versions that do not match: drivers, libraries, containers and firmware across the fleet": driver vs
# CUDA runtime, NCCL builds and plugins, MOFED / Lustre vs kernel, GPU / HCA / BMC firmware, wheels for another
# compute capability; the loud version line often beside a real hardware fault, RL61) is JSON with no committed
# generator: it validates on its own.
"$PY" "$V" evals/diagnosis/realistic61 >/dev/null || { echo "FAIL: realistic61/ does not validate on its own"; exit 1; }
# realistic62 ("the operators' own hands": drains, NHC, dcgmi diag, nvidia-smi commands, maintenance windows, SM failover,
# firmware pushes, cordons and node replacement during a job; the operator's action sometimes the cause, often not, RL62)
# is JSON with no committed generator: it validates on its own.
"$PY" "$V" evals/diagnosis/realistic62 >/dev/null || { echo "FAIL: realistic62/ does not validate on its own"; exit 1; }
# realistic63 ("the host side of a GPU job": host OOM killer and cgroup limits, pinned memory, NUMA, CPU governors,
# /dev/shm, PCIe link training and AER, the kernel's own messages beside GPU Xids, IB ports and CUDA OOMs, RL63) is JSON
# with no committed generator: it validates on its own.
"$PY" "$V" evals/diagnosis/realistic63 >/dev/null || { echo "FAIL: realistic63/ does not validate on its own"; exit 1; }
# realistic64 ("the other communication paths": Gloo, MPI / UCX, NVSHMEM, expert-parallel all-to-all kernels, NCCL's
# proxy threads and bootstrap, the c10d store, monitored barriers and pipeline send / recv; many causes outside the
# library, RL64) is JSON with no committed generator: it validates on its own.
"$PY" "$V" evals/diagnosis/realistic64 >/dev/null || { echo "FAIL: realistic64/ does not validate on its own"; exit 1; }
# realistic65 ("slower, not broken": jobs whose throughput or MFU drops with no error at all; throttled GPUs, narrow
# PCIe / IB links, slow hosts, dataloaders, skipped steps, silent shrinking and in-job restarts, RL65) is JSON with no
# committed generator: it validates on its own.
"$PY" "$V" evals/diagnosis/realistic65 >/dev/null || { echo "FAIL: realistic65/ does not validate on its own"; exit 1; }
# realistic66 ("inside the container": the runtime boundary between a training job and the GPUs, NICs and host it runs
# on; enroot / pyxis, the NVIDIA container toolkit, CDI and the device plugin, RL66), realistic67 ("the job's last hour":
# final checkpoints, exports, uploads, teardown, epilogs and the next job on the same nodes, RL67) and realistic68 ("the
# odd node out": one node of the allocation differs from the rest, RL68) are JSON with no committed generator: each
# validates on its own; so does realistic69 ("an ordinary fortnight of pages": three clusters at realistic base rates,
# no theme, RL69, written after the night's fixes and run once on the final code).
for s in realistic66 realistic67 realistic68 realistic69; do
  "$PY" "$V" "evals/diagnosis/$s" >/dev/null || { echo "FAIL: $s/ does not validate on its own"; exit 1; }
done

# 3. The validator rejects each kind of broken case, naming file and field.
mutated_case() {  # folder, python expression mutating `d`: writes dev/case-001.json so mutated into the folder
  mkdir -p "$1"
  "$PY" - "$1" "$2" <<'EOF'
import json, sys
d = json.load(open("evals/diagnosis/dev/case-001.json"))
exec(sys.argv[2])
json.dump(d, open(sys.argv[1] + "/case-001.json", "w"))
EOF
}
expect_reject() {  # name, python expression mutating `d`, expected text in the output
  local name=$1 mutate=$2 want=$3
  mutated_case "$tmp/bad_$name/dev" "$mutate"
  set +e
  out=$("$PY" "$V" --min-dev 1 "$tmp/bad_$name/dev" 2>&1)
  rc=$?
  set -e
  if [[ $rc -ne 1 ]] || ! grep -qF -- "$want" <<<"$out"; then
    echo "FAIL: $name: rc=$rc, wanted '$want' in:"; echo "$out"; exit 1
  fi
}
expect_reject category 'd["expected"]["root_cause"] = "gpu_on_fire"' "expected.root_cause: 'gpu_on_fire' is not a taxonomy category"
expect_reject probe_name 'd["probes"]["gpu.helth@node-1/gpu0"] = {"status": "pass", "duration_s": 1}' "unknown probe 'gpu.helth'"
expect_reject probe_key 'd["probes"]["gpu.health"] = {"status": "pass", "duration_s": 1}' 'key must be "probe@target"'
expect_reject status 'k = next(iter(d["probes"])); d["probes"][k]["status"] = "ok"' "status: must be one of"
expect_reject unsorted 'd["metrics"][0]["samples"].reverse()' "timestamps not strictly increasing"
expect_reject sample_type 'd["metrics"][0]["samples"][0] = [1.5e12, 3]' "expected [int unix_ms, finite number]"
expect_reject missing 'del d["expected"]' "expected: missing"
expect_reject component 'd["expected"]["component"] = "somewhere over there"' "expected.component:"
expect_reject disk_part 'd["expected"]["component"] = "node-2/nvme1n1"' "expected.component: 'node-2/nvme1n1' names a local disk; a disk's fault is named by its node ('node-2')"
expect_reject unreachable 'd["expected"]["component"] = "node-99/gpu1"' "node 'node-99' is not in topology.nodes"
expect_reject unreachable_tray 'd["expected"]["component"] = "nvsw-r03-t2"' "node 'nvsw-r03-t2' is not in topology.nodes (nor topology.switch_trays)"
expect_reject tray_gpu 'd["topology"]["switch_trays"] = ["nvsw-r03-t2"]; d["expected"]["component"] = "nvsw-r03-t2/gpu1"' "a switch tray has no GPU or NIC of the job"
expect_reject domain 'd["expected"]["component"] = "nvlink-domain:rack9"' "rack 'rack9' is the name prefix of fewer than two compute trays"
# NVS3: a domain named by a ClusterUUID the case does not print.
expect_reject domain_uuid 'd["topology"]["nodes"] = ["gb-a17-n04", "gb-b03-n11"]; d["expected"]["component"] = "nvlink-domain:6a1f03c4-e0b3-d1a2-9c2e-44f1bd70aa15"' "nor a domain identifier (ClusterUUID) the case prints"
expect_reject coverage 'pass' "categories without a case:"
expect_reject timezone 'd.setdefault("topology", {})["timezone"] = "Europe/Nowhere"' "topology.timezone: 'Europe/Nowhere' is not a UTC offset"
expect_reject timezone_path 'd.setdefault("topology", {})["timezone"] = "../../etc/passwd"' "topology.timezone: '../../etc/passwd' is not a UTC offset"
expect_reject timezone_dir 'd.setdefault("topology", {})["timezone"] = "Europe"' "topology.timezone: 'Europe' is not a UTC offset"
expect_reject timezone_range 'd.setdefault("topology", {})["timezone"] = "+15:00"' "topology.timezone: '+15:00' is not a UTC offset"
expect_reject too_many_lines 'd["logs"][0]["lines"] *= 20' "lines in all; cases carry 20-400"

# NVS2: a switch tray listed in topology.switch_trays and named in the logs, and a rack whose compute trays
# are in topology.nodes, are places (no expected.component error; the single case fails coverage only).
expect_place() {  # name, python expression mutating `d`
  mutated_case "$tmp/place_$1/dev" "$2"
  set +e; out=$("$PY" "$V" --min-dev 1 "$tmp/place_$1/dev" 2>&1); set -e
  if grep -q "expected.component\|topology.switch_trays" <<<"$out"; then echo "FAIL: place $1:"; echo "$out"; exit 1; fi
}
expect_place tray 'd["topology"]["switch_trays"] = ["nvsw-r03-t2"]; d["logs"][0]["lines"].append("nvsw-r03-t2 nvos: NVSwitch ASIC 1 fatal error"); d["expected"]["component"] = "nvsw-r03-t2"'
# NVS3: a domain named by the ClusterUUID its compute trays print (names with no rack).
expect_place domain_uuid 'd["topology"]["nodes"] = ["gb-a17-n04", "gb-b03-n11"]; d["logs"][0]["lines"].append("        ClusterUUID                       : 6a1f03c4-e0b3-d1a2-9c2e-44f1bd70aa15"); d["expected"]["component"] = "nvlink-domain:6a1f03c4-e0b3-d1a2-9c2e-44f1bd70aa15"'
expect_place domain 'd["topology"]["nodes"] = ["nvl72-r03-ct01", "nvl72-r03-ct02"]; d["logs"][0]["lines"].append("nvl72-r03-ct01 nvl72-r03-ct02"); d["expected"]["component"] = "nvlink-domain:nvl72-r03"'
# An IANA zone name the tz database holds (tzdata, installed by scripts/lib/setup.sh) is a topology.timezone the
# reasoner reads (core/tz_database.h): no topology.timezone error (the single case fails coverage only).
for zone in Europe/Berlin America/Los_Angeles Asia/Kolkata; do
  mutated_case "$tmp/tz_$(tr / _ <<<"$zone")/dev" "d.setdefault(\"topology\", {})[\"timezone\"] = \"$zone\""
  set +e; out=$("$PY" "$V" --min-dev 1 "$tmp/tz_$(tr / _ <<<"$zone")/dev" 2>&1); set -e
  if grep -q "topology.timezone" <<<"$out"; then echo "FAIL: timezone $zone refused:"; echo "$out"; exit 1; fi
done

# Invalid JSON is reported with the file, not a traceback.
mkdir -p "$tmp/garbage/dev" && echo '{"id": "case-001",' >"$tmp/garbage/dev/case-001.json"
set +e; out=$("$PY" "$V" --min-dev 1 "$tmp/garbage/dev" 2>&1); rc=$?; set -e
[[ $rc -eq 1 ]] && grep -q "case-001.json:.*invalid JSON" <<<"$out" && ! grep -q Traceback <<<"$out" ||
  { echo "FAIL: garbage JSON: rc=$rc"; echo "$out"; exit 1; }
# A missing directory is bad usage.
set +e; "$PY" "$V" "$tmp/nope" >/dev/null 2>&1; rc=$?; set -e
[[ $rc -eq 2 ]] || { echo "FAIL: missing dir gave rc=$rc"; exit 1; }
echo "diagnosis_cases_test: ok"
