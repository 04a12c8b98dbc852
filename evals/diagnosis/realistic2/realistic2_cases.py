#!/usr/bin/env python3
"""Writes evals/diagnosis/realistic2/: 30 incident cases whose logs are shaped like what real
PyTorch / NCCL / driver / DeepSpeed / Megatron-LM / Slurm / kernel output looks like.

A second, independent realistic set (RL2): one writer, from knowledge of the real tools, blind to
the reasoner's code, the knowledge pack and the first realistic set. Deterministic (a fixed seed
per case). Stdlib only.

Usage: python3 evals/diagnosis/realistic2/realistic2_cases.py [--out DIR]
"""

import argparse
import datetime as dt
import json
import os
import random

CASES = []


def case(fn):
    CASES.append(fn)
    return fn


# ---------------------------------------------------------------------------------------------
# Small helpers (no answers in them): time formats, noise lines, topology, DCGM series.

H100_BUS = ["0000:18:00.0", "0000:2a:00.0", "0000:3a:00.0", "0000:5d:00.0",
            "0000:9a:00.0", "0000:ab:00.0", "0000:ba:00.0", "0000:db:00.0"]
A100_BUS = ["0000:07:00.0", "0000:0f:00.0", "0000:47:00.0", "0000:4e:00.0",
            "0000:87:00.0", "0000:90:00.0", "0000:b7:00.0", "0000:bd:00.0"]


def T(s):
    return dt.datetime.strptime(s, "%Y-%m-%d %H:%M:%S")


def iso(t):
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


def journal(t, host, unit, msg):
    return "%s %s %s: %s" % (t.strftime("%b %d %H:%M:%S"), host, unit, msg)


def dmesg_t(t, msg):
    return "[%s] %s" % (t.strftime("%a %b %e %H:%M:%S %Y"), msg)


def glog(t, level, rank, where, msg):
    # torch >= 2.4: "[rank3]:[E1202 00:41:07.123456789 ProcessGroupNCCL.cpp:616] ..."
    return "[rank%d]:[%s%s.%09d %s] %s" % (rank, level, t.strftime("%m%d %H:%M:%S"),
                                          (rank * 7919 + t.second * 104729) % 10 ** 9, where, msg)


def pyts(t, ms=0):
    return "%s,%03d" % (t.strftime("%Y-%m-%d %H:%M:%S"), ms)


def topo(nodes, gpus=8, bus=None, model="NVIDIA H100 80GB HBM3"):
    d = {"gpu_model": model, "nodes": nodes, "gpus_per_node": gpus,
         "rank_layout": "rank r runs on nodes[r // %d], local GPU r %% %d" % (gpus, gpus)}
    if bus:
        d["gpu_pci_bus"] = {"gpu%d" % i: b for i, b in enumerate(bus)}
    return d


def alert(name, labels, summary, t):
    lab = {"alertname": name}
    lab.update(labels)
    return {"labels": lab, "annotations": {"summary": summary}, "startsAt": iso(t)}


def megatron_iters(rng, t0, it0, n, step_s=4.1, loss=2.31, total=250000, gbs=1024, lr=1.5e-4,
                   scale=None, slow_from=None, slow_s=None, grad=1.1):
    out = []
    t = t0
    for k in range(n):
        it = it0 + k
        st = step_s if slow_from is None or k < slow_from else slow_s
        st *= rng.uniform(0.98, 1.03)
        t = t + dt.timedelta(seconds=st)
        l = loss * rng.uniform(0.985, 1.015)
        s = (" [%s] iteration %8d/%8d | consumed samples: %12d | elapsed time per iteration (ms): %.1f |"
             " learning rate: %.6E | global batch size: %5d | lm loss: %.6E |" %
             (t.strftime("%Y-%m-%d %H:%M:%S"), it, total, it * gbs, st * 1000, lr, gbs, l))
        if scale is not None:
            s += " loss scale: %.1f |" % scale
        s += " grad norm: %.3f | number of skipped iterations:   0 | number of nan iterations:   0 |" % (
            grad * rng.uniform(0.9, 1.1))
        out.append(s)
    return out, t


def ds_steps(rng, t0, step0, n, step_s=2.0, loss=1.92, prefix="", rank=0, samples=440.0):
    out = []
    t = t0
    for k in range(n):
        t = t + dt.timedelta(seconds=step_s * rng.uniform(0.97, 1.03))
        cur = samples * rng.uniform(0.96, 1.04)
        out.append("%s[%s] [INFO] [logging.py:128:log_dist] [Rank %d] step=%d, skipped=0, lr=[0.0001], "
                   "mom=[(0.9, 0.95)]" % (prefix, pyts(t, rng.randrange(1000)), rank, step0 + k))
        out.append("%s[%s] [INFO] [timer.py:260:stop] epoch=0/micro_step=%d/global_step=%d, "
                   "RunningAvgSamplesPerSec=%.3f, CurrSamplesPerSec=%.3f, MemAllocated=41.2GB, "
                   "MaxMemAllocated=63.7GB" % (prefix, pyts(t, rng.randrange(1000)), (step0 + k) * 8,
                                               step0 + k, samples, cur))
    return out, t


def kernel_noise(rng, t0, host, n, fmt="journal", span_s=900):
    pool = [
        ("systemd[1]", "Started Session %d of User slurm." % rng.randrange(1000, 90000)),
        ("kernel", "nvidia-nvswitch%d: open (major=508, minor=%d)" % ((k := rng.randrange(4)), k)),
        ("chronyd[1388]", "Selected source 10.0.0.%d (ntp%d.internal)" % (rng.randrange(2, 9), rng.randrange(1, 3))),
        ("nvidia-persistenced[2102]", "device 0000:18:00.0 - persistence mode enabled."),
        ("systemd-logind[1544]", "New session %d of user root." % rng.randrange(100, 9000)),
        ("kernel", "audit: type=1400 audit(%d.412:%d): apparmor=\"STATUS\" operation=\"profile_replace\"" % (
            rng.randrange(10 ** 9, 2 * 10 ** 9), rng.randrange(2, 40))),
        ("slurmd[1877]", "slurmd: launch task StepId=%d.0 request from UID:1044 GID:1044" % rng.randrange(400000, 500000)),
        ("kernel", "IPv4: martian source 10.44.0.255 from 10.44.0.17, on dev bond0"),
        ("dcgm-exporter[2990]", "level=info msg=\"Collecting metrics\""),
        ("kernel", "perf: interrupt took too long (2513 > 2500), lowering kernel.perf_event_max_sample_rate to 79500"),
        ("systemd[1]", "logrotate.service: Deactivated successfully."),
        ("kernel", "nvidia-peermem: module verification failed: signature and/or required key missing"),
    ]
    out = []
    offs = sorted(rng.uniform(0, span_s) for _ in range(n))
    for o in offs:
        unit, msg = rng.choice(pool)
        t = t0 + dt.timedelta(seconds=o)
        if fmt == "journal":
            out.append(journal(t, host, unit, msg))
        else:
            if unit != "kernel":
                continue
            out.append(dmesg_t(t, msg))
    return out


def nccl_init_noise(host, pid, lr, ver="2.21.5"):
    return [
        "%s:%d:%d [%d] NCCL INFO NCCL_SOCKET_IFNAME set by environment to bond0" % (host, pid, pid, lr),
        "%s:%d:%d [%d] NCCL INFO Bootstrap : Using bond0:10.44.1.%d<0>" % (host, pid, pid, lr, 10 + lr),
        "%s:%d:%d [%d] NCCL INFO cudaDriverVersion 12040" % (host, pid, pid, lr),
        "%s:%d:%d [%d] NCCL INFO NCCL version %s+cuda12.4" % (host, pid, pid, lr, ver),
        "%s:%d:%d [%d] NCCL WARN NCCL_IB_TIMEOUT is deprecated, use NCCL_IB_TIMEOUT_MS instead" % (host, pid, pid, lr)
        if False else
        "%s:%d:%d [%d] NCCL INFO NCCL_IB_HCA set to mlx5_0,mlx5_1,mlx5_2,mlx5_3" % (host, pid, pid, lr),
        "%s:%d:%d [%d] NCCL INFO NET/IB : Using [0]mlx5_0:1/IB [1]mlx5_1:1/IB [2]mlx5_2:1/IB [3]mlx5_3:1/IB ; OOB bond0:10.44.1.%d<0>" % (host, pid, pid, lr, 10 + lr),
        "%s:%d:%d [%d] NCCL INFO Using network IB" % (host, pid, pid, lr),
        "%s:%d:%d [%d] NCCL INFO comm 0x55d3c9a0 rank %d nranks 32 cudaDev %d nvmlDev %d busId %x commId 0x8e1f3a2b7c5d4e60 - Init COMPLETE" % (
            host, pid, pid, lr, lr, lr, lr, int(H100_BUS[lr][5:7], 16) << 12),
    ]


TORCH_ENV_WARN = ("[W1201 00:00:01.000000000 Utils.hpp:135] Warning: Environment variable NCCL_ASYNC_ERROR_HANDLING "
                  "is deprecated; use TORCH_NCCL_ASYNC_ERROR_HANDLING instead (function operator())")


def py_warnings():
    return [
        "/opt/conda/lib/python3.10/site-packages/torch/utils/checkpoint.py:464: UserWarning: torch.utils.checkpoint: "
        "the use_reentrant parameter should be passed explicitly.",
        "  warnings.warn(",
        "/opt/conda/lib/python3.10/site-packages/transformers/modeling_utils.py:1052: FutureWarning: The `device` "
        "argument is deprecated and will be removed in v5 of Transformers.",
    ]


def dcgm_series(t_alert, host, gpus, name, fn, model="NVIDIA H100 80GB HBM3", rng=None, stop_at=None):
    """One series per GPU over the 20 minutes before the alert (+1 min), 30 s apart. fn(gpu, k, rng)."""
    out = []
    start = t_alert - dt.timedelta(minutes=20)
    for g in range(gpus):
        samples = []
        for k in range(43):
            if stop_at is not None and g in stop_at and k >= stop_at[g]:
                break
            ts = int((start + dt.timedelta(seconds=30 * k)).replace(tzinfo=dt.timezone.utc).timestamp() * 1000)
            samples.append([ts, fn(g, k, rng)])
        if not samples:
            continue
        out.append({"name": name, "labels": {"Hostname": host, "gpu": str(g), "modelName": model,
                                             "UUID": "GPU-%08x-4b1e-9c2d-%012x" % (0x5a3f0000 + g, 0xa1b2c3d40000 + g)},
                    "samples": samples})
    return out


def base(cid, al, logs, expected, topology, metrics=None, probes=None):
    return {"id": cid, "alert": al, "logs": logs, "metrics": metrics or [], "probes": probes or {},
            "topology": topology, "expected": expected}


def src(name, lines):
    return {"source": name, "lines": lines}


def pg_timeout(t, rank, seq, op="ALLREDUCE", numel=262144000, ran=600047):
    return [
        glog(t, "E", rank, "ProcessGroupNCCL.cpp:616", "[Rank %d] Watchdog caught collective operation timeout: "
             "WorkNCCL(SeqNum=%d, OpType=%s, NumelIn=%d, NumelOut=%d, Timeout(ms)=600000) ran for %d milliseconds "
             "before timing out." % (rank, seq, op, numel, numel, ran)),
        glog(t, "E", rank, "ProcessGroupNCCL.cpp:1785", "[PG ID 0 PG GUID 0(default_pg) Rank %d] Exception (either an "
             "error or timeout) detected by watchdog at work: %d, last enqueued NCCL work: %d, last completed NCCL work: %d."
             % (rank, seq, seq, seq - 1)),
        glog(t, "E", rank, "ProcessGroupNCCL.cpp:630", "[Rank %d] Some NCCL operations have failed or timed out. Due to "
             "the asynchronous nature of CUDA kernels, subsequent GPU operations might run on corrupted/incomplete data." % rank),
    ]


def torchrun_failure(t, host, rank, local, code, pid, trace, script="pretrain_gpt.py"):
    return [
        "Traceback (most recent call last):",
        '  File "/opt/conda/bin/torchrun", line 33, in <module>',
        "    sys.exit(load_entry_point('torch==2.4.0', 'console_scripts', 'torchrun')())",
        "torch.distributed.elastic.multiprocessing.errors.ChildFailedError: ",
        "============================================================",
        "%s FAILED" % script,
        "------------------------------------------------------------",
        "Failures:",
        "  <NO_OTHER_FAILURES>",
        "------------------------------------------------------------",
        "Root Cause (first observed failure):",
        "[0]:",
        "  time      : %s" % t.strftime("%Y-%m-%d_%H:%M:%S"),
        "  host      : %s" % host,
        "  rank      : %d (local_rank: %d)" % (rank, local),
        "  exitcode  : %d (pid: %d)" % (code, pid),
        "  error_file: <N/A>",
        "  traceback : %s" % trace,
        "============================================================",
    ]


# ---------------------------------------------------------------------------------------------
# The cases.

@case
def c01():
    """Xid 79 on one node; every rank of the job shows the NCCL watchdog timeout (torchrun --tee)."""
    rng = random.Random(201)
    nodes = ["gpu-node-%03d" % i for i in (14, 15, 16, 17)]
    ta = T("2026-11-14 03:27:40")
    tx = T("2026-11-14 03:17:22")
    iters, _ = megatron_iters(rng, tx - dt.timedelta(minutes=2), 48210, 24)
    r0 = ["[default0]:" + l for l in iters]
    r0 += ["[default0]:" + l for l in pg_timeout(tx + dt.timedelta(seconds=600), 0, 96444)]
    r0 += ["[default3]:" + l for l in pg_timeout(tx + dt.timedelta(seconds=601), 3, 96444)]
    r0 += ["[default0]:[rank0]:[F1114 03:27:23.402118223 ProcessGroupNCCL.cpp:1556] [PG ID 0 PG GUID 0(default_pg) Rank 0] "
           "Process group watchdog thread terminated with exception: [Rank 0] Watchdog caught collective operation timeout",
           "W1114 03:27:31.118000 139872 torch/distributed/elastic/multiprocessing/api.py:858] Sending process 71322 closing signal SIGTERM"]
    k = kernel_noise(rng, tx - dt.timedelta(minutes=12), "gpu-node-017", 8, fmt="dmesg")
    k += [dmesg_t(tx, "NVRM: GPU at PCI:0000:ab:00: GPU-7c1e92a4-3b0d-5e6f-a1c2-9d8e7f6a5b4c"),
          dmesg_t(tx, "NVRM: GPU Board Serial Number: 1654123018842"),
          dmesg_t(tx, "NVRM: Xid (PCI:0000:ab:00): 79, pid='<unknown>', name=<unknown>, GPU has fallen off the bus."),
          dmesg_t(tx, "NVRM: GPU 0000:ab:00.0: GPU has fallen off the bus."),
          dmesg_t(tx + dt.timedelta(seconds=1), "NVRM: A GPU crash dump has been created. If possible, please run"),
          dmesg_t(tx + dt.timedelta(seconds=1), "NVRM: nvidia-bug-report.sh as root to collect this data before"),
          dmesg_t(tx + dt.timedelta(seconds=1), "NVRM: the NVIDIA kernel module is unloaded."),
          dmesg_t(tx + dt.timedelta(seconds=44), "pcieport 0000:a7:01.0: pciehp: Slot(33): Link Down")]
    return base("case-rl2-01",
                alert("NCCLWatchdogTimeout", {"job": "gpt-175b-pretrain", "cluster": "h100-east", "severity": "critical"},
                      "32 ranks of gpt-175b-pretrain reported ProcessGroupNCCL watchdog timeouts", ta),
                [src("gpu-node-014/torchrun.log", r0), src("gpu-node-017/dmesg", k)],
                {"root_cause": "gpu_fallen_off_bus", "component": "gpu-node-017/gpu5"},
                topo(nodes, bus=H100_BUS))


@case
def c02():
    """Uncorrectable ECC (Xid 48 then 94/95) through journalctl; the rank dies with the CUDA error."""
    rng = random.Random(202)
    nodes = ["dgx-h100-0%d" % i for i in range(1, 5)]
    ta = T("2026-11-15 11:02:10")
    tx = T("2026-11-15 10:58:31")
    j = kernel_noise(rng, tx - dt.timedelta(minutes=15), "dgx-h100-03", 9)
    j += [journal(tx, "dgx-h100-03", "kernel", "NVRM: Xid (PCI:0000:3a:00): 48, pid=88213, name=python3, An uncorrectable double bit error (DBE) has been detected on GPU in the framebuffer at partition 6, subpartition 0."),
          journal(tx, "dgx-h100-03", "kernel", "NVRM: Xid (PCI:0000:3a:00): 94, pid=88213, name=python3, Contained: SM (0x1). RST: No, D-RST: No"),
          journal(tx + dt.timedelta(seconds=2), "dgx-h100-03", "kernel", "NVRM: Xid (PCI:0000:3a:00): 63, pid='<unknown>', name=<unknown>, Row Remapper: New row (0x00000000000123a8) has been added to the row remapper (bank 2)."),
          journal(tx + dt.timedelta(seconds=30), "dgx-h100-03", "systemd[1]", "slurmstepd.scope: Deactivated successfully.")]
    r, t = ds_steps(rng, tx - dt.timedelta(seconds=40), 18800, 8, prefix="dgx-h100-03: ", rank=16)
    r += ["dgx-h100-03: Traceback (most recent call last):",
          'dgx-h100-03:   File "/workspace/train.py", line 311, in <module>',
          "dgx-h100-03:     loss = engine(batch)",
          'dgx-h100-03:   File "/opt/conda/lib/python3.10/site-packages/deepspeed/runtime/engine.py", line 1855, in forward',
          "dgx-h100-03:     loss = self.module(*inputs, **kwargs)",
          "dgx-h100-03: RuntimeError: CUDA error: uncorrectable ECC error encountered",
          "dgx-h100-03: CUDA kernel errors might be asynchronously reported at some other API call, so the stacktrace below might be incorrect.",
          "dgx-h100-03: For debugging consider passing CUDA_LAUNCH_BLOCKING=1",
          "dgx-h100-03: Compile with `TORCH_USE_CUDA_DSA` to enable device-side assertions.",
          "dgx-h100-03: [2026-11-15 10:58:40,120] [INFO] [launch.py:319:sigkill_handler] Killing subprocess 88213",
          "dgx-h100-03: [2026-11-15 10:58:41,877] [ERROR] [launch.py:325:sigkill_handler] ['/opt/conda/bin/python3', '-u', 'train.py', '--local_rank=2', '--deepspeed_config=ds_z3.json'] exits with return code = 1",
          "pdsh@dgx-h100-01: dgx-h100-03: ssh exited with exit code 1"]
    return base("case-rl2-02",
                alert("TrainingJobFailed", {"job": "llama-70b-sft", "node": "dgx-h100-03"},
                      "llama-70b-sft exited with code 1 on dgx-h100-03", ta),
                [src("deepspeed-launcher/stdout", r), src("dgx-h100-03/journal", j)],
                {"root_cause": "gpu_memory_uncorrectable_ecc", "component": "dgx-h100-03/gpu2"},
                topo(nodes, bus=H100_BUS))


@case
def c03():
    """Row remapping failed: nvidia-smi -q REMAPPED ROWS section, Xid 64, job still running."""
    rng = random.Random(203)
    nodes = ["a100-r12-n0%d" % i for i in range(1, 5)]
    ta = T("2026-11-16 07:44:00")
    tx = T("2026-11-16 07:31:09")
    j = kernel_noise(rng, tx - dt.timedelta(minutes=14), "a100-r12-n03", 8)
    j += [journal(tx, "a100-r12-n03", "kernel", "NVRM: Xid (PCI:0000:87:00): 63, pid=40112, name=python, Row Remapper: New row (0x0000000002b11e40) has been added to the row remapper (bank 7)."),
          journal(tx + dt.timedelta(seconds=3), "a100-r12-n03", "kernel", "NVRM: Xid (PCI:0000:87:00): 64, pid=40112, name=python, Row Remapper: Failed to remap row (0x0000000002b11e48): bank 7 has no spare rows available."),
          journal(tx + dt.timedelta(seconds=5), "a100-r12-n03", "nv-hostengine[2301]", "Detected health watch failure for GPU 4: DCGM_FR_ROW_REMAP_FAILURE")]
    smi = ["==============NVSMI LOG==============", "", "Timestamp                                 : Mon Nov 16 07:40:12 2026",
           "Driver Version                            : 535.183.01", "CUDA Version                              : 12.2", "",
           "Attached GPUs                             : 8",
           "GPU 00000000:87:00.0",
           "    Product Name                          : NVIDIA A100-SXM4-80GB",
           "    Remapped Rows",
           "        Correctable Error                 : 0",
           "        Uncorrectable Error               : 9",
           "        Pending                           : Yes",
           "        Remapping Failure Occurred        : Yes",
           "        Bank Remap Availability Histogram",
           "            Max                           : 639 bank(s)",
           "            High                          : 0 bank(s)",
           "            Partial                       : 0 bank(s)",
           "            Low                           : 0 bank(s)",
           "            None                          : 1 bank(s)",
           "GPU 00000000:90:00.0",
           "    Product Name                          : NVIDIA A100-SXM4-80GB",
           "    Remapped Rows",
           "        Correctable Error                 : 0",
           "        Uncorrectable Error               : 0",
           "        Pending                           : No",
           "        Remapping Failure Occurred        : No"]
    return base("case-rl2-03",
                alert("DCGMHealthWatchFailure", {"instance": "a100-r12-n03:9400", "Hostname": "a100-r12-n03", "gpu": "4"},
                      "DCGM health watch: memory failure on a100-r12-n03", ta),
                [src("a100-r12-n03/journal", j), src("a100-r12-n03/nvidia-smi-q.txt", smi)],
                {"root_cause": "gpu_row_remap_failure", "component": "a100-r12-n03/gpu4"},
                topo(nodes, bus=A100_BUS, model="NVIDIA A100-SXM4-80GB"))


@case
def c04():
    """GSP RPC timeout (Xid 119) on one GPU; the process hangs in cudaDeviceSynchronize, then NCCL times out."""
    rng = random.Random(204)
    nodes = ["gpu-node-0%d" % i for i in (41, 42)]
    ta = T("2026-11-17 22:15:30")
    tx = T("2026-11-17 22:03:18")
    k = kernel_noise(rng, tx - dt.timedelta(minutes=10), "gpu-node-042", 7, fmt="dmesg")
    k += [dmesg_t(tx, "NVRM: Xid (PCI:0000:ba:00): 119, pid=55120, name=python3, Timeout after 6s of waiting for RPC response from GPU6 GSP! Expected function 76 (GSP_RM_CONTROL) (0x20801348 0x4)."),
          dmesg_t(tx + dt.timedelta(seconds=6), "NVRM: Xid (PCI:0000:ba:00): 119, pid=55120, name=python3, Timeout after 6s of waiting for RPC response from GPU6 GSP! Expected function 10 (FREE) (0xa55a00b0 0x0)."),
          dmesg_t(tx + dt.timedelta(seconds=12), "NVRM: GPU6 GSP RPC history (CPU -> GSP):"),
          dmesg_t(tx + dt.timedelta(seconds=12), "NVRM:     entry function                   data0              data1              ts_start           ts_end             duration actively_polling"),
          dmesg_t(tx + dt.timedelta(seconds=12), "NVRM:      0    76   GSP_RM_CONTROL        0x0000000020801348 0x0000000000000004 0x00062a11f30c4a1e 0x0000000000000000          y"),
          dmesg_t(tx + dt.timedelta(seconds=13), "NVRM: Xid (PCI:0000:ba:00): 154, GPU recovery action changed from 0x0 (None) to 0x1 (GPU Reset Required)")]
    it, _ = megatron_iters(rng, tx - dt.timedelta(seconds=40), 31196, 9, step_s=4.2)
    r = ["[default0]:" + l for l in it] + [TORCH_ENV_WARN]
    for lr in (0, 6):
        r += ["[default%d]:%s" % (lr, l) for l in nccl_init_noise("gpu-node-042", 55114 + lr, lr)[:3]]
    r += ["[default6]:" + l for l in pg_timeout(tx + dt.timedelta(seconds=600), 14, 31207, op="_ALLGATHER_BASE", numel=65536000)]
    r += ["[default1]:" + l for l in pg_timeout(tx + dt.timedelta(seconds=601), 9, 31207, op="_ALLGATHER_BASE", numel=65536000)]
    return base("case-rl2-04",
                alert("TrainingStepStalled", {"job": "mixtral-ft", "namespace": "research"},
                      "no training step logged for 10 minutes", ta),
                [src("gpu-node-042/torchrun.log", r), src("gpu-node-042/dmesg", k)],
                {"root_cause": "gpu_firmware_error", "component": "gpu-node-042/gpu6"},
                topo(nodes, bus=H100_BUS))


@case
def c05():
    """NVLink fatal error (Xid 74) and nvidia-smi nvlink -e counters on one GPU."""
    rng = random.Random(205)
    nodes = ["dgx-a100-%02d" % i for i in (7, 8)]
    ta = T("2026-11-18 13:20:00")
    tx = T("2026-11-18 13:11:47")
    j = kernel_noise(rng, tx - dt.timedelta(minutes=12), "dgx-a100-08", 7)
    j += [journal(tx, "dgx-a100-08", "kernel", "NVRM: Xid (PCI:0000:4e:00): 74, pid=61822, name=python, NVLink: fatal error detected on link 5(0x0, 0x0, 0x10000, 0x0, 0x0, 0x0, 0x0)"),
          journal(tx + dt.timedelta(seconds=1), "dgx-a100-08", "kernel", "NVRM: Xid (PCI:0000:4e:00): 74, pid=61822, name=python, NVLink: fatal error detected on link 6(0x0, 0x0, 0x10000, 0x0, 0x0, 0x0, 0x0)"),
          journal(tx + dt.timedelta(seconds=2), "dgx-a100-08", "kernel", "nvidia-nvswitch3: SXid (PCI:0000:c3:00.0): 24007, Fatal, Link 34 sourcetrack timeout error (First)")]
    smi = ["$ nvidia-smi nvlink -e -i 3",
           "GPU 3: NVIDIA A100-SXM4-80GB (UUID: GPU-0d1f3c55-88b2-1a4e-93c1-6e0a77f1b5d2)",
           "\t Link 4: Replay Errors: 0", "\t Link 4: Recovery Errors: 0", "\t Link 4: CRC Errors: 0",
           "\t Link 5: Replay Errors: 18772", "\t Link 5: Recovery Errors: 41", "\t Link 5: CRC Errors: 3310291",
           "\t Link 6: Replay Errors: 9133", "\t Link 6: Recovery Errors: 17", "\t Link 6: CRC Errors: 1211804",
           "\t Link 7: Replay Errors: 0", "\t Link 7: Recovery Errors: 0", "\t Link 7: CRC Errors: 0"]
    r = ["%2d: %s" % (11, l) for l in pg_timeout(tx + dt.timedelta(seconds=480), 11, 7702, op="REDUCE_SCATTER", numel=134217728, ran=480012)]
    r += ["%2d: dgx-a100-08:61822:62011 [3] NCCL INFO [Service thread] Connection closed by localRank 3" % 11,
          "srun: error: dgx-a100-08: task 11: Exited with exit code 134",
          "srun: Job step aborted: Waiting up to 32 seconds for job step to finish.",
          "slurmstepd: error: *** STEP 881723.0 ON dgx-a100-07 CANCELLED AT 2026-11-18T13:19:51 ***"]
    return base("case-rl2-05",
                alert("TrainingJobFailed", {"job": "vit-22b", "slurm_job_id": "881723"}, "vit-22b step 0 cancelled", ta),
                [src("slurm-881723.out", r), src("dgx-a100-08/journal", j), src("dgx-a100-08/nvlink-errors.txt", smi)],
                {"root_cause": "nvlink_error", "component": "dgx-a100-08/gpu3"},
                topo(nodes, bus=A100_BUS, model="NVIDIA A100-SXM4-80GB"))


@case
def c06():
    """Straggler symptom, thermal cause: DeepSpeed throughput falls; DCGM shows one GPU hot and HW-thermal clock events."""
    rng = random.Random(206)
    host = "gpu-node-023"
    nodes = ["gpu-node-0%d" % i for i in (21, 22, 23, 24)]
    ta = T("2026-11-19 16:40:00")
    r, t = ds_steps(rng, ta - dt.timedelta(minutes=6), 22100, 6, prefix="gpu-node-021: ", samples=452.0)
    r2, t = ds_steps(rng, t, 22106, 8, prefix="gpu-node-021: ", samples=301.0, step_s=3.0)
    r += r2 + ["gpu-node-021: [2026-11-19 16:39:02,188] [WARNING] [stage3.py:2070:step] 1 pytorch allocator cache flushes since last step. this happens when there is high memory pressure and is detrimental to performance."]

    def temp(g, k, rng):
        return round((91 + rng.uniform(0, 2.5)) if g == 1 and k > 12 else 64 + g + rng.uniform(-1.5, 1.5), 1)

    def clk(g, k, rng):
        return round((1335 + rng.uniform(-40, 40)) if g == 1 and k > 12 else 1980, 0)

    def reasons(g, k, rng):
        # NVML bits: 0x8 HW slowdown (set with any HW slowdown) | 0x20 SW thermal | 0x40 HW thermal.
        return 104 if g == 1 and k > 12 else 0

    m = (dcgm_series(ta, host, 8, "DCGM_FI_DEV_GPU_TEMP", temp, rng=rng)
         + dcgm_series(ta, host, 8, "DCGM_FI_DEV_SM_CLOCK", clk, rng=rng)
         + dcgm_series(ta, host, 8, "DCGM_FI_DEV_CLOCK_THROTTLE_REASONS", reasons, rng=rng))
    j = kernel_noise(rng, ta - dt.timedelta(minutes=16), host, 10)
    j += [journal(ta - dt.timedelta(minutes=9), host, "ipmievd[1502]", "Sensor FAN3_REAR (0x33) lower critical going low, reading 0 RPM")]
    return base("case-rl2-06",
                alert("TrainingThroughputDrop", {"job": "bert-xl-pretrain", "severity": "warning"},
                      "samples/s down 33% over 10 minutes", ta),
                [src("deepspeed/rank0.log", r), src("gpu-node-023/journal", j)],
                {"root_cause": "gpu_thermal_throttle", "component": "gpu-node-023/gpu1"},
                topo(nodes, bus=H100_BUS), metrics=m)


@case
def c07():
    """Straggler symptom, power cause: all GPUs of one node in HW power brake slowdown (nvidia-smi -q -d PERFORMANCE)."""
    rng = random.Random(207)
    nodes = ["hgx-b07-n%02d.cluster.example.net" % i for i in (1, 2, 3, 4)]
    host = nodes[2]
    ta = T("2026-11-20 05:12:00")
    iters, t = megatron_iters(rng, ta - dt.timedelta(minutes=8), 9120, 10, step_s=6.2)
    it2, t = megatron_iters(rng, t, 9130, 8, step_s=9.8)
    lines = iters + it2
    perf = ["$ ssh %s nvidia-smi -q -d PERFORMANCE | grep -E 'GPU 0|Power|Slowdown'" % host]
    for g in range(8):
        # What the grep keeps of one GPU's "Clocks Event Reasons" (nvidia-smi prints the bus id in
        # upper case, "SW Power Cap", and the thermal lines that the pattern 'Slowdown' also keeps).
        perf += ["GPU %s" % ("00000000:" + H100_BUS[g][5:].upper()),
                 "        SW Power Cap                      : Not Active",
                 "        HW Slowdown                       : Active",
                 "            HW Thermal Slowdown           : Not Active",
                 "            HW Power Brake Slowdown       : Active",
                 "        SW Thermal Slowdown               : Not Active"]
    j = kernel_noise(rng, ta - dt.timedelta(minutes=14), host.split(".")[0], 6)
    j += [journal(ta - dt.timedelta(minutes=6), host.split(".")[0], "ipmiseld[1733]", "PSU2 Status: Power Supply AC lost - Asserted"),
          journal(ta - dt.timedelta(minutes=6), host.split(".")[0], "ipmiseld[1733]", "PS Redundancy: Redundancy Lost - Asserted")]
    return base("case-rl2-07",
                alert("IterationTimeHigh", {"job": "gpt-neox-20b", "cluster": "b07"},
                      "iteration time 9.8 s, baseline 6.2 s", ta),
                [src("megatron/rank0-stdout.log", lines), src(host + "/nvidia-smi-perf.txt", perf),
                 src(host + "/journal", j)],
                {"root_cause": "gpu_power_throttle", "component": host},
                topo(nodes, bus=H100_BUS))


@case
def c08():
    """Straggler symptom, PCIe cause: lspci LnkSta downgraded and AER corrected errors on one GPU's slot."""
    rng = random.Random(208)
    nodes = ["gpu-node-1%02d" % i for i in (1, 2, 3)]
    host = "gpu-node-102"
    ta = T("2026-11-21 09:30:00")
    iters, t = megatron_iters(rng, ta - dt.timedelta(minutes=5), 30500, 12, step_s=3.9, slow_from=0, slow_s=5.6)
    k = kernel_noise(rng, ta - dt.timedelta(minutes=14), host, 8, fmt="dmesg")
    for s in range(4):
        tt = ta - dt.timedelta(minutes=12 - 3 * s)
        k += [dmesg_t(tt, "pcieport 0000:58:01.0: AER: Corrected error received: 0000:5d:00.0"),
              dmesg_t(tt, "nvidia 0000:5d:00.0: PCIe Bus Error: severity=Corrected, type=Physical Layer, (Receiver ID)"),
              dmesg_t(tt, "nvidia 0000:5d:00.0:   device [10de:2330] error status/mask=00000001/0000e000"),
              dmesg_t(tt, "nvidia 0000:5d:00.0:    [ 0] RxErr                  (First)")]
    k.sort(key=lambda l: dt.datetime.strptime(l[1:25].replace("  ", " 0"), "%a %b %d %H:%M:%S %Y"))
    lsp = ["$ lspci -vvv -s 5d:00.0 | grep -E 'LnkCap|LnkSta'",
           "\t\tLnkCap:\tPort #0, Speed 32GT/s, Width x16, ASPM not supported",
           "\t\tLnkSta:\tSpeed 16GT/s (downgraded), Width x8 (downgraded)",
           "$ lspci -vvv -s 3a:00.0 | grep -E 'LnkCap|LnkSta'",
           "\t\tLnkCap:\tPort #0, Speed 32GT/s, Width x16, ASPM not supported",
           "\t\tLnkSta:\tSpeed 32GT/s, Width x16"]
    return base("case-rl2-08",
                alert("IterationTimeHigh", {"job": "llama3-8b-ablation"}, "iteration time 44% above baseline", ta),
                [src("megatron/stdout", iters), src(host + "/dmesg", k), src(host + "/lspci.txt", lsp)],
                {"root_cause": "pcie_link_degraded", "component": host + "/gpu3"},
                topo(nodes, bus=H100_BUS))


@case
def c09():
    """Silent data corruption: a replica-consistency check finds one DP rank's parameters differ; no error anywhere."""
    rng = random.Random(209)
    nodes = ["gpu-node-%03d" % i for i in (61, 62, 63, 64)]
    ta = T("2026-11-22 02:05:00")
    iters, t = megatron_iters(rng, ta - dt.timedelta(minutes=6), 120400, 10, step_s=4.0, loss=1.87)
    lines = iters + [
        "[%s] WARNING: [consistency_check] iteration 120410: parameter checksums disagree across data-parallel group 3" % t.strftime("%Y-%m-%d %H:%M:%S"),
        "[consistency_check] dp_rank  global_rank  host           checksum(sha1 of fp32 master params, shard 0)",
        "[consistency_check]   0        3          gpu-node-061   9f2c1e07a4d3b8f6",
        "[consistency_check]   1        11         gpu-node-062   9f2c1e07a4d3b8f6",
        "[consistency_check]   2        19         gpu-node-063   41d0a9be7c2203ee",
        "[consistency_check]   3        27         gpu-node-064   9f2c1e07a4d3b8f6",
        "[consistency_check] re-ran forward of microbatch 0 on dp_rank 2 twice: logits max abs diff 3.8e+01 between runs (expected 0)",
        "[consistency_check] no NaN/Inf seen; loss finite on all ranks",
    ]
    k = kernel_noise(rng, ta - dt.timedelta(minutes=15), "gpu-node-063", 10)
    return base("case-rl2-09",
                alert("ReplicaChecksumMismatch", {"job": "llm-30b", "dp_group": "3"},
                      "data-parallel replicas disagree at iteration 120410", ta),
                [src("gpu-node-061/rank3/stdout", lines), src("gpu-node-063/journal", k)],
                {"root_cause": "gpu_silent_data_corruption", "component": "gpu-node-063/gpu3"},
                topo(nodes, bus=H100_BUS))


@case
def c10():
    """IB link down on one HCA: every rank sees NCCL watchdog / remote errors; the kernel of one node shows mlx5_3 down."""
    rng = random.Random(210)
    nodes = ["gpu-node-%03d" % i for i in (7, 8, 9, 10)]
    ta = T("2026-11-23 18:02:00")
    tx = T("2026-11-23 17:51:33")
    r = []
    for rank, host, lr in ((4, "gpu-node-007", 4), (15, "gpu-node-008", 7), (22, "gpu-node-009", 6), (30, "gpu-node-010", 6)):
        r += ["%2d: %s:%d:%d [%d] NCCL WARN NET/IB : Got completion from peer 10.44.3.%d<52140> with status=12 opcode=0 len=0 vendor err 129 (Recv) localGid ::ffff:10.44.3.%d remoteGids::ffff:10.44.3.%d hca mlx5_3"
              % (rank, host, 40000 + rank, 40100 + rank, lr, 19, 10 + rank, 19)]
    r += ["%2d: %s" % (22, "gpu-node-009:40022:40122 [6] NCCL WARN NET/IB : ibv_post_send failed on mlx5_3: Network is down (errno 100)")]
    for rank in (0, 8, 16, 24):
        r += ["%2d: %s" % (rank, l) for l in pg_timeout(tx + dt.timedelta(seconds=600), rank, 55120)[:1]]
    r += ["srun: error: gpu-node-007: tasks 0-7: Exited with exit code 1", "srun: error: gpu-node-008: tasks 8-15: Exited with exit code 1"]
    k = kernel_noise(rng, tx - dt.timedelta(minutes=10), "gpu-node-009", 6)
    k += [journal(tx - dt.timedelta(seconds=4), "gpu-node-009", "kernel", "mlx5_core 0000:c1:00.0 mlx5_3: Port module event: module 3, Cable plugged"),
          journal(tx - dt.timedelta(seconds=3), "gpu-node-009", "kernel", "mlx5_core 0000:c1:00.0: mlx5_fw_tracer_handle_traces:686:(pid 0): FW tracer: PHY link down, reason: 0x9 (Remote fault)"),
          journal(tx - dt.timedelta(seconds=3), "gpu-node-009", "kernel", "mlx5_core 0000:c1:00.0 mlx5_3: Link down"),
          journal(tx + dt.timedelta(seconds=41), "gpu-node-009", "kernel", "mlx5_core 0000:c1:00.0 mlx5_3: Link up"),
          journal(tx + dt.timedelta(seconds=44), "gpu-node-009", "kernel", "mlx5_core 0000:c1:00.0 mlx5_3: Link down"),
          journal(tx + dt.timedelta(seconds=60), "gpu-node-009", "opensm[2230]", "log_notice: Reporting Generic Notice type:3 num:129 (GID out of service) from LID:1 GID:fe80::a088:c203:0041:9e2c")]
    return base("case-rl2-10",
                alert("TrainingJobFailed", {"job": "dit-xl", "slurm_job_id": "902244"}, "dit-xl step failed on 4 nodes", ta),
                [src("slurm-902244.out", r), src("gpu-node-009/journal", k)],
                {"root_cause": "ib_link_failure", "component": "gpu-node-009/mlx5_3"},
                topo(nodes, bus=H100_BUS))


@case
def c11():
    """NCCL bootstrap cannot find the interface named by NCCL_SOCKET_IFNAME (new image renamed NICs)."""
    rng = random.Random(211)
    nodes = ["gpu-node-%03d" % i for i in (30, 31)]
    ta = T("2026-11-24 08:01:10")
    r = ["[default0]:gpu-node-030:12201:12201 [0] NCCL INFO NCCL_SOCKET_IFNAME set by environment to eth0",
         "[default0]:", "[default0]:gpu-node-030:12201:12201 [0] misc/socket.cc:484 NCCL WARN Bootstrap : no socket interface found",
         "[default0]:gpu-node-030:12201:12201 [0] NCCL INFO init.cc:1640 -> 3",
         "[default0]:Traceback (most recent call last):",
         '[default0]:  File "/workspace/train_fsdp.py", line 88, in <module>',
         "[default0]:    dist.barrier()",
         '[default0]:  File "/usr/local/lib/python3.11/dist-packages/torch/distributed/c10d_logger.py", line 79, in wrapper',
         "[default0]:    return func(*args, **kwargs)",
         "[default0]:torch.distributed.DistBackendError: NCCL error in: ../torch/csrc/distributed/c10d/NCCLUtils.hpp:317, internal error - please report this issue to the NCCL developers, NCCL version 2.20.5",
         "[default0]:ncclInternalError: Internal check failed.",
         "[default0]:Last error:",
         "[default0]:Bootstrap : no socket interface found",
         "[default1]:gpu-node-030:12202:12202 [1] misc/socket.cc:484 NCCL WARN Bootstrap : no socket interface found",
         "[default1]:torch.distributed.DistBackendError: NCCL error in: ../torch/csrc/distributed/c10d/NCCLUtils.hpp:317, internal error - please report this issue to the NCCL developers, NCCL version 2.20.5"]
    r = py_warnings() + r
    ip = ["$ ip -br link", "lo               UNKNOWN        00:00:00:00:00:00 <LOOPBACK,UP,LOWER_UP>",
          "enp170s0f0np0    UP             b8:3f:d2:1a:90:10 <BROADCAST,MULTICAST,UP,LOWER_UP>",
          "enp170s0f1np1    DOWN           b8:3f:d2:1a:90:11 <NO-CARRIER,BROADCAST,MULTICAST,UP>",
          "ibp24s0          UP             00:00:10:29:fe:80:00:00:00:00:00:00:a0:88:c2:03:00:41:9e:2c <BROADCAST,MULTICAST,UP,LOWER_UP>",
          "$ env | grep NCCL", "NCCL_SOCKET_IFNAME=eth0", "NCCL_DEBUG=INFO", "NCCL_IB_HCA=mlx5"]
    return base("case-rl2-11",
                alert("TrainingJobFailed", {"job": "fsdp-13b", "namespace": "team-nlp"}, "fsdp-13b failed at start-up", ta),
                [src("fsdp-13b/torchrun.log", r), src("gpu-node-030/shell.txt", ip)],
                {"root_cause": "nccl_network_misconfig", "component": "job"},
                topo(nodes, bus=H100_BUS))


@case
def c12():
    """Collective hang: rank 13 never enters the all-reduce (different SeqNum); py-spy shows it stuck in user code."""
    rng = random.Random(212)
    nodes = ["gpu-node-%03d" % i for i in (51, 52)]
    ta = T("2026-11-25 14:55:00")
    tx = T("2026-11-25 14:44:41")
    r = []
    for rank in (0, 5, 8, 15):
        r += ["[default%d]:%s" % (rank % 8, l) for l in pg_timeout(tx + dt.timedelta(seconds=600), rank, 20417)[:2]]
    r += ["[default5]:" + glog(tx + dt.timedelta(seconds=601), "E", 13, "ProcessGroupNCCL.cpp:1785",
                                "[PG ID 0 PG GUID 0(default_pg) Rank 13] Exception (either an error or timeout) detected by watchdog at work: 20416, last enqueued NCCL work: 20416, last completed NCCL work: 20416."),
          "[default5]:" + glog(tx + dt.timedelta(seconds=602), "E", 13, "ProcessGroupNCCL.cpp:1834",
                                "[PG ID 0 PG GUID 0(default_pg) Rank 13] Observed flight recorder dump signal from another rank via TCPStore.")]
    spy = ["$ py-spy dump --pid 77213   # gpu-node-052, rank 13 (local 5)",
           "Process 77213: /usr/bin/python3 -u train.py --config cfg/rl.yaml",
           "Python v3.10.12 (/usr/bin/python3.10)", "",
           "Thread 77213 (idle): \"MainThread\"",
           "    wait (threading.py:320)",
           "    get (queue.py:171)",
           "    next_rollout (rl/actor_pool.py:142)",
           "    train_step (train.py:233)",
           "    main (train.py:301)",
           "    <module> (train.py:310)",
           "Thread 77390 (idle): \"pt_nccl_watchdog\"",
           "$ py-spy dump --pid 77208   # gpu-node-052, rank 8 (local 0)",
           "Thread 77208 (active): \"MainThread\"",
           "    all_reduce (torch/distributed/distributed_c10d.py:2288)",
           "    train_step (train.py:241)"]
    k = kernel_noise(rng, tx - dt.timedelta(minutes=5), "gpu-node-052", 8)
    return base("case-rl2-12",
                alert("NCCLWatchdogTimeout", {"job": "rlhf-ppo-7b"}, "ProcessGroupNCCL watchdog timeout on 15 of 16 ranks", ta),
                [src("rlhf-ppo-7b/torchrun-all.log", r), src("gpu-node-052/py-spy.txt", spy), src("gpu-node-052/journal", k)],
                {"root_cause": "nccl_collective_hang", "component": "gpu-node-052/gpu5"},
                topo(nodes, bus=H100_BUS))


@case
def c13():
    """Rank crash: srun -l; task 13 segfaults in a custom extension, peers fail on the broken connection."""
    rng = random.Random(213)
    nodes = ["gpu-node-%03d" % i for i in (21, 22)]
    ta = T("2026-11-26 10:10:10")
    tx = T("2026-11-26 10:08:58")
    iters, t = megatron_iters(rng, tx - dt.timedelta(seconds=50), 7740, 10, step_s=4.4)
    r = [" 0: " + l for l in iters]
    r += ["13: *** SIGSEGV received at time=1795687738 on cpu 41 ***",
          "13: PC: @     0x7f2a1c3e8a11  (unknown)  fused_rotary_cuda::apply_rotary_cuda()",
          "13:     @     0x7f2b4e042520  (unknown)  (unknown)",
          " 2: gpu-node-021:51002:51311 [2] NCCL INFO misc/socket.cc:47 -> 3",
          " 2: gpu-node-021:51002:51311 [2] NCCL WARN NET/IB : remote process exited or there was a network error",
          " 7: gpu-node-021:51007:51320 [7] NCCL WARN NET/IB : remote process exited or there was a network error",
          " 2: " + glog(tx + dt.timedelta(seconds=3), "E", 2, "ProcessGroupNCCL.cpp:1515", "[PG ID 0 PG GUID 0(default_pg) Rank 2] Process group watchdog thread terminated with exception: NCCL error: remote process exited or there was a network error, NCCL version 2.21.5"),
          "srun: error: gpu-node-022: task 13: Segmentation fault (core dumped)",
          "srun: launch/slurm: _step_signal: Terminating StepId=913002.0",
          "slurmstepd: error: *** STEP 913002.0 ON gpu-node-021 CANCELLED AT 2026-11-26T10:09:04 ***",
          "srun: error: gpu-node-021: tasks 0-7: Terminated",
          "srun: Force Terminated StepId=913002.0"]
    k = kernel_noise(rng, tx - dt.timedelta(minutes=6), "gpu-node-022", 6)
    k += [journal(tx, "gpu-node-022", "kernel", "python[51213]: segfault at 0 ip 00007f2a1c3e8a11 sp 00007ffd9b1c22f0 error 4 in fused_rotary_cuda.cpython-310-x86_64-linux-gnu.so[7f2a1c3c0000+4a000] likely on CPU 41 (core 9, socket 1)"),
          journal(tx + dt.timedelta(seconds=2), "gpu-node-022", "systemd-coredump[77121]", "Process 51213 (python) of user 1044 dumped core.")]
    return base("case-rl2-13",
                alert("TrainingJobFailed", {"job": "gpt-13b-rope", "slurm_job_id": "913002"}, "job 913002 failed", ta),
                [src("slurm-913002.out", r), src("gpu-node-022/journal", k)],
                {"root_cause": "rank_process_crash", "component": "gpu-node-022/gpu5"},
                topo(nodes, bus=H100_BUS))


@case
def c14():
    """CUDA OOM on the first pipeline stage (torch 2.x OutOfMemoryError wording)."""
    rng = random.Random(214)
    nodes = ["dgx-h100-1%d" % i for i in range(1, 5)]
    ta = T("2026-11-27 19:00:00")
    iters, t = megatron_iters(rng, ta - dt.timedelta(minutes=3), 10, 6, step_s=7.5, loss=8.1)
    r = [l for l in iters] + py_warnings() + [
        "[rank0]: Traceback (most recent call last):",
        '[rank0]:   File "/workspace/Megatron-LM/pretrain_gpt.py", line 264, in <module>',
        "[rank0]:     pretrain(",
        '[rank0]:   File "/workspace/Megatron-LM/megatron/core/pipeline_parallel/schedules.py", line 1342, in forward_backward_pipelining_without_interleaving',
        "[rank0]:     output_tensor, num_tokens = forward_step(",
        "[rank0]: torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 3.91 GiB. GPU 0 has a total capacity of 79.10 GiB of which 1.37 GiB is free. Including non-PyTorch memory, this process has 77.72 GiB memory in use. Of the allocated memory 71.48 GiB is allocated by PyTorch, and 4.63 GiB is reserved by PyTorch but unallocated. If reserved but unallocated memory is large try setting PYTORCH_CUDA_ALLOC_CONF=expandable_segments:True to avoid fragmentation.  See documentation for Memory Management  (https://pytorch.org/docs/stable/notes/cuda.html#environment-variables)",
        "W1127 18:59:31.002000 140211 torch/distributed/elastic/multiprocessing/api.py:858] Sending process 33102 closing signal SIGTERM",
        "W1127 18:59:31.002000 140211 torch/distributed/elastic/multiprocessing/api.py:858] Sending process 33103 closing signal SIGTERM",
        "E1127 18:59:32.471000 140211 torch/distributed/elastic/multiprocessing/api.py:833] failed (exitcode: 1) local_rank: 0 (pid: 33101) of binary: /usr/bin/python3"]
    r += torchrun_failure(T("2026-11-27 18:59:31"), "dgx-h100-11", 0, 0, 1, 33101, "To enable traceback see: https://pytorch.org/docs/stable/elastic/errors.html")
    return base("case-rl2-14",
                alert("TrainingJobFailed", {"job": "gpt-8x-pp4", "node": "dgx-h100-11"}, "gpt-8x-pp4 exited with code 1", ta),
                [src("dgx-h100-11/torchrun.log", r)],
                {"root_cause": "cuda_oom", "component": "dgx-h100-11/gpu0"},
                topo(nodes, bus=H100_BUS))


@case
def c15():
    """Illegal memory access in a custom kernel: Xid 31 MMU fault plus the CUDA error in one rank."""
    rng = random.Random(215)
    nodes = ["gpu-node-%03d" % i for i in (88, 89)]
    ta = T("2026-11-28 04:30:00")
    tx = T("2026-11-28 04:27:14")
    it, _ = megatron_iters(rng, tx - dt.timedelta(seconds=50), 4400, 10, step_s=4.4)
    r = ["[default0]:" + l for l in it] + ["[default2]:[rank10]: Traceback (most recent call last):",
         '[default2]:[rank10]:   File "/workspace/model/attention.py", line 211, in forward',
         "[default2]:[rank10]:     out = paged_attn_ext.forward(q, k_cache, v_cache, block_tables, seq_lens)",
         "[default2]:[rank10]: RuntimeError: CUDA error: an illegal memory access was encountered",
         "[default2]:[rank10]: CUDA kernel errors might be asynchronously reported at some other API call, so the stacktrace below might be incorrect.",
         "[default2]:[rank10]: For debugging consider passing CUDA_LAUNCH_BLOCKING=1",
         "[default2]:[rank10]: Compile with `TORCH_USE_CUDA_DSA` to enable device-side assertions.",
         "[default2]:terminate called after throwing an instance of 'c10::DistBackendError'",
         "[default2]:  what():  [PG ID 0 PG GUID 0(default_pg) Rank 10] Process group watchdog thread terminated with exception: CUDA error: an illegal memory access was encountered",
         "[default0]:" + glog(tx + dt.timedelta(seconds=300), "E", 8, "ProcessGroupNCCL.cpp:616", "[Rank 8] Watchdog caught collective operation timeout: WorkNCCL(SeqNum=4411, OpType=ALLGATHER, NumelIn=8388608, NumelOut=134217728, Timeout(ms)=300000) ran for 300019 milliseconds before timing out.")]
    k = kernel_noise(rng, tx - dt.timedelta(minutes=9), "gpu-node-089", 6, fmt="dmesg")
    k += [dmesg_t(tx, "NVRM: Xid (PCI:0000:3a:00): 31, pid=90311, name=python3, Ch 00000008, intr 00000000. MMU Fault: ENGINE GRAPHICS GPCCLIENT_T1_3 faulted @ 0x7f3a_c0000000. Fault is of type FAULT_PDE ACCESS_TYPE_VIRT_READ")]
    return base("case-rl2-15",
                alert("TrainingJobFailed", {"job": "serve-bench-70b"}, "serve-bench-70b exited", ta),
                [src("gpu-node-089/torchrun.log", r), src("gpu-node-089/dmesg", k)],
                {"root_cause": "illegal_memory_access", "component": "gpu-node-089/gpu2"},
                topo(nodes, bus=H100_BUS))


@case
def c16():
    """Host OOM killer on one node; the loud part is NCCL errors and SIGKILL exit codes on the other nodes."""
    rng = random.Random(216)
    nodes = ["gpu-node-%03d" % i for i in (71, 72, 73)]
    ta = T("2026-11-29 12:00:00")
    tx = T("2026-11-29 11:58:07")
    r = []
    for rank, host in ((1, "gpu-node-071"), (17, "gpu-node-073")):
        r += ["[default%d]:%s:%d:%d [%d] NCCL WARN NET/IB : remote process exited or there was a network error" % (rank % 8, host, 60000 + rank, 60100 + rank, rank % 8),
              "[default%d]:%s" % (rank % 8, glog(tx + dt.timedelta(seconds=2), "E", rank, "ProcessGroupNCCL.cpp:1515", "[PG ID 0 PG GUID 0(default_pg) Rank %d] Process group watchdog thread terminated with exception: NCCL error: remote process exited or there was a network error, NCCL version 2.21.5" % rank))]
    r += ["W1129 11:58:09.220000 139911 torch/distributed/elastic/multiprocessing/api.py:858] Sending process 60001 closing signal SIGTERM"]
    r += torchrun_failure(tx, "gpu-node-072", 12, 4, -9, 58812, "Signal 9 (SIGKILL) received by PID 58812")
    j = kernel_noise(rng, tx - dt.timedelta(minutes=10), "gpu-node-072", 6)
    j += [journal(tx - dt.timedelta(seconds=1), "gpu-node-072", "kernel", "pt_data_worker invoked oom-killer: gfp_mask=0x140cca(GFP_HIGHUSER_MOVABLE|__GFP_COMP), order=0, oom_score_adj=0"),
          journal(tx - dt.timedelta(seconds=1), "gpu-node-072", "kernel", "Mem-Info:"),
          journal(tx - dt.timedelta(seconds=1), "gpu-node-072", "kernel", "active_anon:497812330 inactive_anon:3012 isolated_anon:0"),
          journal(tx, "gpu-node-072", "kernel", "oom-kill:constraint=CONSTRAINT_NONE,nodemask=(null),cpuset=/,mems_allowed=0-1,global_oom,task_memcg=/system.slice/slurmstepd.scope/job_99812,task=python,pid=58812,uid=1044"),
          journal(tx, "gpu-node-072", "kernel", "Out of memory: Killed process 58812 (python) total-vm:2147483648kB, anon-rss:1983311872kB, file-rss:81920kB, shmem-rss:0kB, UID:1044 pgtables:3891200kB oom_score_adj:0"),
          journal(tx + dt.timedelta(seconds=1), "gpu-node-072", "systemd[1]", "slurmstepd.scope: A process of this unit has been killed by the OOM killer.")]
    return base("case-rl2-16",
                alert("TrainingJobFailed", {"job": "video-diffusion", "severity": "critical"}, "video-diffusion failed: ChildFailedError", ta),
                [src("video-diffusion/torchrun.log", r), src("gpu-node-072/journal", j)],
                {"root_cause": "host_oom", "component": "gpu-node-072"},
                topo(nodes, bus=H100_BUS))


@case
def c17():
    """True divergence in bf16 (no loss scale): Megatron loss and grad norm climb, then NaN iterations."""
    rng = random.Random(217)
    nodes = ["gpu-node-%03d" % i for i in (101, 102, 103, 104)]
    ta = T("2026-11-30 01:00:00")
    iters, t = megatron_iters(rng, ta - dt.timedelta(minutes=4), 60994, 14, step_s=5.0, loss=2.05, lr=3.0e-4)
    bad = []
    for k, (l, g) in enumerate(((2.31, 6.8), (3.12, 41.5), (5.77, 388.1), (9.84, 4021.7))):
        t += dt.timedelta(seconds=5)
        bad.append(" [%s] iteration %8d/  250000 | consumed samples: %12d | elapsed time per iteration (ms): 5012.3 | learning rate: 3.000000E-04 | global batch size:  2048 | lm loss: %.6E | grad norm: %.3f | number of skipped iterations:   0 | number of nan iterations:   0 |" % (t.strftime("%Y-%m-%d %H:%M:%S"), 61008 + k, (61008 + k) * 2048, l, g))
    t += dt.timedelta(seconds=5)
    bad.append(" [%s] iteration    61012/  250000 | consumed samples:    124952576 | elapsed time per iteration (ms): 5008.9 | learning rate: 3.000000E-04 | global batch size:  2048 | lm loss: nan | grad norm: nan | number of skipped iterations:   1 | number of nan iterations:   1 |" % t.strftime("%Y-%m-%d %H:%M:%S"))
    bad.append("ERROR: Rank 0: found NaN in local grad norm in backward pass before data-parallel communication collective. Device: 0, node: gpu-node-101")
    bad.append("AssertionError: Rank 0: found NaN in local grad norm in backward pass before data-parallel communication collective. Device: 0, node: gpu-node-101")
    return base("case-rl2-17",
                alert("TrainingLossNaN", {"job": "moe-free-34b", "precision": "bf16"}, "lm loss is NaN at iteration 61012", ta),
                [src("megatron/stdout", iters + bad)],
                {"root_cause": "loss_divergence", "component": "job"},
                topo(nodes, bus=H100_BUS))


@case
def c18():
    """Loss-spike symptom, fp16 cause: DeepSpeed OVERFLOW lines drive the scale to its minimum, then the run aborts."""
    rng = random.Random(218)
    nodes = ["gpu-node-%03d" % i for i in (5, 6)]
    ta = T("2026-12-01 06:10:00")
    r, t = ds_steps(rng, ta - dt.timedelta(minutes=3), 3300, 6, loss=2.4)
    scale = 2048.0
    for k in range(12):
        t += dt.timedelta(seconds=2)
        new = max(scale / 2, 1.0)
        r.append("[%s] [INFO] [loss_scaler.py:183:update_scale] [deepspeed] OVERFLOW! Rank 0 Skipping step. Attempted loss scale: %d, reducing to %d" % (pyts(t, 100 + k), scale, new))
        if k % 4 == 0:
            r.append("[%s] [INFO] [logging.py:128:log_dist] [Rank 0] step=%d, skipped=%d, lr=[0.0001], mom=[(0.9, 0.95)]" % (pyts(t, 300), 3306 + k, k + 1))
            r.append("train | step %d | loss %.3f | ppl %.1f" % (3306 + k, 2.4 + 0.6 * k, 2.718 ** (2.4 + 0.6 * k)))
        scale = new
    r += ["[%s] [INFO] [loss_scaler.py:176:update_scale] Current loss scale already at minimum - cannot decrease scale anymore. Exiting run." % pyts(t, 901),
          "Exception: Current loss scale already at minimum - cannot decrease scale anymore. Exiting run."]
    return base("case-rl2-18",
                alert("TrainingLossSpike", {"job": "t5-11b-fp16"}, "loss rose from 2.4 to 8.4 in 30 s", ta),
                [src("gpu-node-005/rank0.log", r)],
                {"root_cause": "fp16_loss_scale_collapse", "component": "job"},
                topo(nodes, bus=H100_BUS))


@case
def c19():
    """FP8 (Transformer Engine delayed scaling): amax history goes inf, scales collapse, then loss NaN."""
    rng = random.Random(219)
    nodes = ["gpu-node-%03d" % i for i in (140, 141, 142, 143)]
    ta = T("2026-12-01 09:40:00")
    iters, t = megatron_iters(rng, ta - dt.timedelta(minutes=4), 22872, 16, step_s=3.2, loss=2.62)
    r = iters + [
        "[fp8-monitor] iter 22888 layer decoder.layers.17.self_attention.linear_qkv fwd amax_history[-1]=inf scale=1.000e+00 scale_inv=1.000e+00",
        "[fp8-monitor] iter 22888 layer decoder.layers.17.mlp.linear_fc1 fwd amax=4.481e+05 > E4M3 max 448: 61.2% of casts saturated",
        "[fp8-monitor] iter 22889 layer decoder.layers.17.self_attention.linear_qkv scale=1.526e-05 (was 1.024e+02, recipe DelayedScaling(margin=0, amax_history_len=1024, amax_compute_algo=max))",
        " [2026-12-01 09:39:52] iteration    22889/  500000 | consumed samples:     46876672 | elapsed time per iteration (ms): 3211.2 | learning rate: 2.000000E-04 | global batch size:  2048 | lm loss: 6.021131E+00 | grad norm: 88.201 | number of skipped iterations:   0 | number of nan iterations:   0 |",
        " [2026-12-01 09:39:55] iteration    22890/  500000 | consumed samples:     46878720 | elapsed time per iteration (ms): 3209.7 | learning rate: 2.000000E-04 | global batch size:  2048 | lm loss: nan | grad norm: nan | number of skipped iterations:   1 | number of nan iterations:   1 |",
        "/usr/local/lib/python3.10/dist-packages/transformer_engine/pytorch/fp8.py:512: UserWarning: amax_history contains non-finite values; scaling factors will be reset"]
    return base("case-rl2-19",
                alert("TrainingLossNaN", {"job": "gpt-fp8-70b", "precision": "fp8"}, "lm loss NaN at iteration 22890", ta),
                [src("megatron/stdout", r)],
                {"root_cause": "fp8_scaling_overflow", "component": "job"},
                topo(nodes, bus=H100_BUS))


@case
def c20():
    """MoE routing collapse: Megatron MoE load-balancing loss and per-expert token counts, dropped tokens, slow all-to-all."""
    rng = random.Random(220)
    nodes = ["gpu-node-%03d" % i for i in (150, 151, 152, 153)]
    ta = T("2026-12-01 12:00:00")
    iters, t = megatron_iters(rng, ta - dt.timedelta(minutes=5), 13990, 16, step_s=3.8, loss=2.2)
    r = iters + [
        " [2026-12-01 11:58:40] iteration    14006/  300000 | elapsed time per iteration (ms): 7944.1 | lm loss: 2.481122E+00 | load_balancing_loss: 3.918201E-01 | grad norm: 1.412 |",
        "[moe] layer 12 tokens per expert: [ 81211,  1902,   114,     0,    47,  2210,     0, 79601]  capacity 20480  dropped 120332 (49.2%)",
        "[moe] layer 13 tokens per expert: [     0, 96110,     3,    12, 88140,     0,    51,    17]  capacity 20480  dropped 143208 (58.4%)",
        " [2026-12-01 11:58:48] iteration    14007/  300000 | elapsed time per iteration (ms): 8120.7 | lm loss: 2.530882E+00 | load_balancing_loss: 4.102771E-01 | grad norm: 1.388 |",
        "[profiler] step 14007: all_to_all (expert dispatch) 3410 ms, max/mean bytes per rank 7.9",
        "/usr/local/lib/python3.10/dist-packages/megatron/core/transformer/moe/router.py:201: UserWarning: router z-loss is disabled (moe_z_loss_coeff=None)"]
    return base("case-rl2-20",
                alert("IterationTimeHigh", {"job": "moe-8x22b"}, "iteration time doubled", ta),
                [src("megatron/stdout", r)],
                {"root_cause": "moe_expert_imbalance", "component": "job"},
                topo(nodes, bus=H100_BUS))


@case
def c21():
    """Straggler with no hardware fault: a leftover process from an earlier job shares one GPU (nvidia-smi)."""
    rng = random.Random(221)
    nodes = ["gpu-node-%03d" % i for i in (200, 201)]
    ta = T("2026-12-01 15:00:00")
    iters, t = megatron_iters(rng, ta - dt.timedelta(minutes=5), 800, 10, step_s=2.1, slow_from=0, slow_s=3.6)
    r = iters + ["[straggler-detector] step 810: rank 11 (gpu-node-201, local 3) GEMM time 2.3x the median; min/med/max rank TFLOPs 311/702/716",
                 "[straggler-detector] step 820: rank 11 (gpu-node-201, local 3) GEMM time 2.2x the median"]
    smi = ["$ nvidia-smi --query-compute-apps=gpu_bus_id,pid,process_name,used_memory --format=csv",
           "gpu_bus_id, pid, process_name, used_memory"]
    for g in range(8):
        smi.append("00000000:%s, %d, /usr/bin/python3, 61234 MiB" % (H100_BUS[g][5:].upper(), 44100 + g))
    smi.append("00000000:5D:00.0, 9131, /home/jdoe/envs/eval/bin/python, 14420 MiB")
    smi += ["$ nvidia-smi -q -d PERFORMANCE -i 3 | grep -A3 'Clocks Event Reasons'",
            "    Clocks Event Reasons", "        Idle                              : Not Active",
            "        Applications Clocks Setting       : Not Active", "        SW Power Cap                      : Not Active"]
    k = kernel_noise(rng, ta - dt.timedelta(minutes=12), "gpu-node-201", 8)
    return base("case-rl2-21",
                alert("IterationTimeHigh", {"job": "sft-3b"}, "iteration time 70% above baseline", ta),
                [src("sft-3b/stdout", r), src("gpu-node-201/nvidia-smi.txt", smi), src("gpu-node-201/journal", k)],
                {"root_cause": "straggler_rank", "component": "gpu-node-201/gpu3"},
                topo(nodes, bus=H100_BUS))


@case
def c22():
    """Input pipeline starvation: data-loading time dominates the step, GPU utilisation low, no errors."""
    rng = random.Random(222)
    nodes = ["gpu-node-%03d" % i for i in (210, 211)]
    ta = T("2026-12-01 17:30:00")
    r = []
    t = ta - dt.timedelta(minutes=6)
    for s in range(22):
        t += dt.timedelta(seconds=rng.uniform(6, 9) if s > 10 else 1.2)
        dtime = 0.04 if s <= 10 else rng.uniform(5.5, 7.8)
        r.append("%s | INFO | trainer:412 - epoch 3 step %d | loss %.4f | data_time %.3fs | fwd_bwd %.3fs | tokens/s %d" % (
            t.strftime("%Y-%m-%d %H:%M:%S.%f")[:-3], 5100 + s, 1.71 * rng.uniform(0.98, 1.02), dtime, 1.1, int(410000 if s <= 10 else 62000)))
    r.insert(6, "/usr/local/lib/python3.10/dist-packages/torch/utils/data/dataloader.py:557: UserWarning: This DataLoader will create 16 worker processes in total. Our suggested max number of worker in current system is 12, which is smaller than what this DataLoader is going to create.")
    r.append("%s | WARNING | webdataset:88 - shard s3://corpus-v4/shards/train-004411.tar: read 312 MB in 41.2 s (7.6 MB/s)" % (t + dt.timedelta(seconds=1)).strftime("%Y-%m-%d %H:%M:%S.000"))

    def util(g, k, rng):
        return round(97 + rng.uniform(-2, 2) if k < 30 else rng.choice([0, 0, 3, 100, 12]), 0)

    m = dcgm_series(ta, "gpu-node-210", 8, "DCGM_FI_DEV_GPU_UTIL", util, rng=rng)
    return base("case-rl2-22",
                alert("GPUUtilizationLow", {"job": "clip-vit-h", "Hostname": "gpu-node-210"}, "mean GPU utilisation 21% over 5 minutes", ta),
                [src("clip-vit-h/rank0.log", r)],
                {"root_cause": "dataloader_stall", "component": "job"},
                topo(nodes, bus=H100_BUS), metrics=m)


@case
def c23():
    """Watchdog timeout symptom, storage cause: rank 0 blocks on a checkpoint write to a Lustre OST that stopped answering."""
    rng = random.Random(223)
    nodes = ["gpu-node-%03d" % i for i in (301, 302, 303, 304)]
    ta = T("2026-12-01 20:20:00")
    tx = T("2026-12-01 20:08:30")
    it, _ = megatron_iters(rng, tx - dt.timedelta(seconds=45), 39990, 10, step_s=4.3)
    r = ["[default0]:" + l for l in it] + [TORCH_ENV_WARN]
    r += ["[default0]:saving checkpoint at iteration   40000 to /lustre/proj/ckpt/gpt-40b",
         "[default0]:[2026-12-01 20:08:30] iteration 40000: torch.distributed.checkpoint save started (async=False)"]
    for rank in (8, 17, 25):
        r += ["[default%d]:%s" % (rank % 8, pg_timeout(tx + dt.timedelta(seconds=600), rank, 88001, op="BROADCAST", numel=1)[0])]
    j = kernel_noise(rng, tx - dt.timedelta(minutes=5), "gpu-node-301", 5)
    j += [journal(tx + dt.timedelta(seconds=100), "gpu-node-301", "kernel", "Lustre: 11822:0:(client.c:2305:ptlrpc_expire_one_request()) @@@ Request sent has timed out for slow reply: [sent 1795702210/real 1795702210]  req@00000000b3c1a2e4 x1781234567890/t0(0) o4->projfs-OST0012-osc-ffff9a1c2e3f4000@10.50.0.22@o2ib:6/4 lens 488/448 e 0 to 1 dl 1795702310 ref 2 fl Rpc:XQr/0/ffffffff rc 0/-1 job:''"),
          journal(tx + dt.timedelta(seconds=100), "gpu-node-301", "kernel", "Lustre: projfs-OST0012-osc-ffff9a1c2e3f4000: Connection to projfs-OST0012 (at 10.50.0.22@o2ib) was lost; in progress operations using this service will wait for recovery to complete"),
          journal(tx + dt.timedelta(seconds=245), "gpu-node-301", "kernel", "INFO: task python:88120 blocked for more than 122 seconds."),
          journal(tx + dt.timedelta(seconds=245), "gpu-node-301", "kernel", "      Tainted: P           OE      6.5.0-35-generic #35~22.04.1-Ubuntu"),
          journal(tx + dt.timedelta(seconds=245), "gpu-node-301", "kernel", "\"echo 0 > /proc/sys/kernel/hung_task_timeout_secs\" disables this message."),
          journal(tx + dt.timedelta(seconds=245), "gpu-node-301", "kernel", "task:python          state:D stack:0     pid:88120 ppid:88001  flags:0x00004002"),
          journal(tx + dt.timedelta(seconds=300), "gpu-node-301", "kernel", "LustreError: 11822:0:(import.c:698:ptlrpc_connect_import_locked()) projfs-OST0012-osc-ffff9a1c2e3f4000: can't connect to projfs-OST0012: -110")]
    return base("case-rl2-23",
                alert("NCCLWatchdogTimeout", {"job": "gpt-40b"}, "watchdog timeouts on 31 ranks after checkpoint at iteration 40000", ta),
                [src("gpt-40b/torchrun.log", r), src("gpu-node-301/journal", j)],
                {"root_cause": "storage_failure", "component": "job"},
                topo(nodes, bus=H100_BUS))


@case
def c24():
    """Launch config: two ranks on one GPU (CUDA_VISIBLE_DEVICES set in the sbatch script) -> NCCL duplicate GPU."""
    nodes = ["gpu-node-%03d" % i for i in (400, 401)]
    ta = T("2026-12-01 21:00:00")
    r = ["+ export CUDA_VISIBLE_DEVICES=0,1,2,3",
         "+ srun --ntasks-per-node=8 python train.py --nproc 16",
         " 0: gpu-node-400:2201:2201 [0] NCCL INFO Bootstrap : Using bond0:10.44.9.1<0>",
         " 0: gpu-node-400:2201:2201 [0] NCCL INFO NCCL version 2.21.5+cuda12.4",
         " 4: gpu-node-400:2205:2205 [0] NCCL INFO cudaDriverVersion 12040",
         " 4: gpu-node-400:2205:2390 [0] init.cc:871 NCCL WARN Duplicate GPU detected : rank 4 and rank 0 both on CUDA device 18000",
         " 4: gpu-node-400:2205:2390 [0] NCCL INFO init.cc:1501 -> 5",
         " 4: Traceback (most recent call last):",
         ' 4:   File "/workspace/train.py", line 57, in <module>',
         " 4:     model = DDP(model, device_ids=[local_rank % torch.cuda.device_count()])",
         " 4: torch.distributed.DistBackendError: NCCL error in: ../torch/csrc/distributed/c10d/ProcessGroupNCCL.cpp:1970, invalid usage (run with NCCL_DEBUG=WARN for details), NCCL version 2.21.5",
         " 4: ncclInvalidUsage: This usually reflects invalid usage of NCCL library.",
         " 4: Last error:",
         " 4: Duplicate GPU detected : rank 4 and rank 0 both on CUDA device 18000",
         " 5: Duplicate GPU detected : rank 5 and rank 1 both on CUDA device 2a000",
         "12: Duplicate GPU detected : rank 12 and rank 8 both on CUDA device 18000",
         "srun: error: gpu-node-400: tasks 4-7: Exited with exit code 1",
         "srun: error: gpu-node-401: tasks 12-15: Exited with exit code 1",
         "srun: launch/slurm: _step_signal: Terminating StepId=990001.0",
         "slurmstepd: error: *** STEP 990001.0 ON gpu-node-400 CANCELLED AT 2026-12-01T20:59:41 ***",
         "srun: error: gpu-node-400: tasks 0-3: Terminated"]
    return base("case-rl2-24",
                alert("TrainingJobFailed", {"job": "ddp-resnet-ablation", "slurm_job_id": "990001"}, "job 990001 failed in 40 s", ta),
                [src("slurm-990001.out", r)],
                {"root_cause": "launch_config_error", "component": "job"},
                topo(nodes, bus=H100_BUS))


@case
def c25():
    """Straggler symptom, storage cause on one node: its NFS mount stops answering, its data loaders starve."""
    rng = random.Random(225)
    nodes = ["gpu-node-%03d" % i for i in (500, 501, 502, 503)]
    ta = T("2026-12-01 22:40:00")
    iters, t = megatron_iters(rng, ta - dt.timedelta(minutes=6), 2200, 10, step_s=3.0, slow_from=3, slow_s=11.5)
    r = iters + ["[straggler-detector] iteration 2210: slowest ranks by data-wait: 16 (gpu-node-502) 19 (gpu-node-502) 21 (gpu-node-502) 23 (gpu-node-502); others < 0.1 s"]
    j = kernel_noise(rng, ta - dt.timedelta(minutes=14), "gpu-node-502", 6)
    j += [journal(ta - dt.timedelta(minutes=5, seconds=20), "gpu-node-502", "kernel", "nfs: server nas-07.storage.example.net not responding, still trying"),
          journal(ta - dt.timedelta(minutes=5, seconds=20), "gpu-node-502", "kernel", "nfs: server nas-07.storage.example.net not responding, still trying"),
          journal(ta - dt.timedelta(minutes=3, seconds=1), "gpu-node-502", "kernel", "INFO: task pt_data_worker:40213 blocked for more than 120 seconds."),
          journal(ta - dt.timedelta(minutes=3), "gpu-node-502", "kernel", "task:pt_data_worker  state:D stack:0     pid:40213 ppid:40190  flags:0x00000000"),
          journal(ta - dt.timedelta(minutes=1), "gpu-node-502", "kernel", "nfs: server nas-07.storage.example.net OK")]
    mnt = ["$ for h in gpu-node-50{0..3}; do ssh $h 'timeout 10 dd if=/mnt/datasets/probe.bin of=/dev/null bs=1M count=256 2>&1 | tail -1'; done",
           "gpu-node-500: 268435456 bytes (268 MB, 256 MiB) copied, 0.221 s, 1.2 GB/s",
           "gpu-node-501: 268435456 bytes (268 MB, 256 MiB) copied, 0.238 s, 1.1 GB/s",
           "gpu-node-502: (timed out after 10 s)",
           "gpu-node-503: 268435456 bytes (268 MB, 256 MiB) copied, 0.209 s, 1.3 GB/s"]
    return base("case-rl2-25",
                alert("IterationTimeHigh", {"job": "diffusion-xl"}, "iteration time 3.8x baseline", ta),
                [src("diffusion-xl/stdout", r), src("gpu-node-502/journal", j), src("ops/shell.txt", mnt)],
                {"root_cause": "storage_failure", "component": "gpu-node-502"},
                topo(nodes, bus=H100_BUS))


@case
def c26():
    """Fallen off the bus, FQDN hosts, journalctl; NCCL reports 'unhandled cuda error'; DCGM series of that GPU stop."""
    rng = random.Random(226)
    nodes = ["h100-%02d.dc2.example.org" % i for i in (1, 2)]
    host = nodes[1]
    ta = T("2026-12-01 23:10:00")
    tx = T("2026-12-01 23:01:00")
    j = kernel_noise(rng, tx - dt.timedelta(minutes=10), host, 6)
    j += [journal(tx, host, "kernel", "NVRM: Xid (PCI:0000:18:00): 79, pid='<unknown>', name=<unknown>, GPU has fallen off the bus."),
          journal(tx, host, "kernel", "NVRM: GPU 0000:18:00.0: GPU has fallen off the bus."),
          journal(tx + dt.timedelta(seconds=20), host, "nvidia-persistenced[2102]", "device 0000:18:00.0 - failed to open."),
          journal(tx + dt.timedelta(seconds=25), host, "nv-hostengine[2301]", "Detected health watch failure for GPU 0: DCGM_FR_UNCONTAINED_ERROR")]
    it, _ = megatron_iters(rng, tx - dt.timedelta(seconds=40), 5500, 9, step_s=4.1)
    r = ["[default0]:" + l for l in it]
    r += ["[default0]:%s:30011:30312 [0] transport/p2p.cc:275 NCCL WARN Cuda failure 'unspecified launch failure'" % host,
         "[default0]:%s:30011:30312 [0] NCCL INFO transport/p2p.cc:327 -> 1" % host,
         "[default0]:torch.distributed.DistBackendError: NCCL error in: ../torch/csrc/distributed/c10d/ProcessGroupNCCL.cpp:1970, unhandled cuda error (run with NCCL_DEBUG=INFO for details), NCCL version 2.21.5",
         "[default0]:ncclUnhandledCudaError: Call to CUDA function failed.",
         "[default0]:Last error:",
         "[default0]:Cuda failure 'unspecified launch failure'",
         "[default4]:" + pg_timeout(tx + dt.timedelta(seconds=600), 12, 5510)[0]]

    def power(g, k, rng):
        return round(620 + rng.uniform(-30, 30), 1)

    m = dcgm_series(ta, host.split(".")[0], 8, "DCGM_FI_DEV_POWER_USAGE", power, rng=rng, stop_at={0: 24})
    for s in m:
        s["labels"]["Hostname"] = host
    return base("case-rl2-26",
                alert("DCGMExporterSeriesMissing", {"Hostname": host, "gpu": "0"}, "no DCGM samples from GPU 0 for 8 minutes", ta),
                [src(host + "/torchrun.log", r), src(host + "/journal", j)],
                {"root_cause": "gpu_fallen_off_bus", "component": host + "/gpu0"},
                topo(nodes, bus=H100_BUS), metrics=m)


@case
def c27():
    """RoCE: one port flapping (PFC / link errors); NCCL retries exhausted on that node's HCA."""
    rng = random.Random(227)
    nodes = ["gpu-node-%03d" % i for i in (601, 602, 603, 604)]
    ta = T("2026-12-02 00:20:00")
    tx = T("2026-12-02 00:11:00")
    r = ["gpu-node-603: gpu-node-603:71201:71388 [1] NCCL INFO NET/IB : Using [0]mlx5_0:1/RoCE [1]mlx5_1:1/RoCE [2]mlx5_2:1/RoCE [3]mlx5_3:1/RoCE [RO]; OOB eth0:10.60.3.3<0>",
         "gpu-node-603: gpu-node-603:71201:71390 [1] transport/net_ib.cc:1696 NCCL WARN NET/IB : Got completion from peer 10.60.1.3<33118> with status=12 opcode=129 len=0 vendor err 129 (Recv) localGid ::ffff:10.61.3.3 remoteGids::ffff:10.61.1.3 hca mlx5_1",
         "gpu-node-603: gpu-node-603:71201:71390 [1] NCCL INFO transport/net.cc:1302 -> 6",
         "gpu-node-601: gpu-node-601:70001:70190 [1] transport/net_ib.cc:1696 NCCL WARN NET/IB : Got completion from peer 10.60.3.3<40221> with status=5 opcode=0 len=0 vendor err 249 (Send) localGid ::ffff:10.61.1.3 remoteGids::ffff:10.61.3.3 hca mlx5_1",
         "gpu-node-601: [2026-12-02 00:11:03,440] [ERROR] [launch.py:325:sigkill_handler] ['/usr/bin/python3', '-u', 'train.py', '--local_rank=1'] exits with return code = 1"]
    k = kernel_noise(rng, tx - dt.timedelta(minutes=8), "gpu-node-603", 5, fmt="dmesg")
    for s in range(3):
        tt = tx - dt.timedelta(seconds=90 - 30 * s)
        k += [dmesg_t(tt, "mlx5_core 0000:4b:00.1 enp75s0f1np1: Link down"),
              dmesg_t(tt + dt.timedelta(seconds=4), "mlx5_core 0000:4b:00.1 enp75s0f1np1: Link up")]
    eth = ["$ ethtool -S enp75s0f1np1 | grep -E 'link_down|discard|pause|symbol'",
           "     link_down_events_phy: 37", "     rx_discards_phy: 1182231", "     rx_pause_ctrl_phy: 0",
           "     rx_symbol_err_phy: 90817", "$ rdma link show", "link mlx5_0/1 state ACTIVE physical_state LINK_UP netdev enp75s0f0np0",
           "link mlx5_1/1 state DOWN physical_state POLLING netdev enp75s0f1np1"]
    return base("case-rl2-27",
                alert("TrainingJobFailed", {"job": "llama-ft-roce"}, "llama-ft-roce failed on 2 nodes", ta),
                [src("deepspeed/launcher.out", r), src("gpu-node-603/dmesg", k), src("gpu-node-603/ethtool.txt", eth)],
                {"root_cause": "ib_link_failure", "component": "gpu-node-603/mlx5_1"},
                topo(nodes, bus=H100_BUS))


@case
def c28():
    """Cgroup OOM through Slurm: slurmstepd reports the oom_kill event; torch shows SIGKILL and peers' errors."""
    rng = random.Random(228)
    nodes = ["gpu-node-%03d" % i for i in (701, 702)]
    ta = T("2026-12-02 00:40:00")
    it, _ = megatron_iters(rng, T("2026-12-02 00:37:20"), 1500, 10, step_s=4.8)
    r = [" 0: " + l for l in it] + [" 0: " + TORCH_ENV_WARN]
    r += [" 9: gpu-node-702:33119:33301 [1] NCCL INFO [Service thread] Connection closed by localRank 1",
         " 3: gpu-node-701:33003:33210 [3] NCCL WARN NET/IB : remote process exited or there was a network error",
         " 3: " + glog(T("2026-12-02 00:38:12"), "E", 3, "ProcessGroupNCCL.cpp:1515", "[PG ID 0 PG GUID 0(default_pg) Rank 3] Process group watchdog thread terminated with exception: NCCL error: remote process exited or there was a network error, NCCL version 2.21.5"),
         "slurmstepd: error: Detected 1 oom_kill event in StepId=1002231.0. Some of the step tasks have been OOM Killed.",
         "srun: error: gpu-node-702: task 9: Out Of Memory",
         "srun: launch/slurm: _step_signal: Terminating StepId=1002231.0",
         "slurmstepd: error: *** STEP 1002231.0 ON gpu-node-701 CANCELLED AT 2026-12-02T00:38:14 ***"]
    j = kernel_noise(rng, T("2026-12-02 00:30:00"), "gpu-node-702", 8)
    j += [journal(T("2026-12-02 00:38:10"), "gpu-node-702", "kernel", "python invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, oom_score_adj=0"),
          journal(T("2026-12-02 00:38:10"), "gpu-node-702", "kernel", "memory: usage 503316480kB, limit 503316480kB, failcnt 1203"),
          journal(T("2026-12-02 00:38:10"), "gpu-node-702", "kernel", "Memory cgroup out of memory: Killed process 33119 (python) total-vm:611203548kB, anon-rss:498122244kB, file-rss:101244kB, shmem-rss:2048kB, UID:2011 pgtables:990120kB oom_score_adj:0")]
    j.sort(key=lambda l: l[:15])
    return base("case-rl2-28",
                alert("SlurmJobFailed", {"job": "1002231", "user": "mlee", "partition": "h100"}, "job 1002231 ended OUT_OF_MEMORY", ta),
                [src("slurm-1002231.out", r), src("gpu-node-702/journal", j)],
                {"root_cause": "host_oom", "component": "gpu-node-702"},
                topo(nodes, bus=H100_BUS))


@case
def c29():
    """Rank crash in Python (KeyError in the data path on one rank); the loud part is every other rank's NCCL error."""
    rng = random.Random(229)
    nodes = ["gpu-node-%03d" % i for i in (801, 802, 803)]
    ta = T("2026-12-02 01:00:00")
    tx = T("2026-12-02 00:58:00")
    r = []
    for rank in (0, 3, 9, 14, 20, 23):
        r.append("[default%d]:gpu-node-%03d:%d:%d [%d] NCCL WARN NET/IB : remote process exited or there was a network error" % (
            rank % 8, 801 + rank // 8, 90000 + rank, 90200 + rank, rank % 8))
        r.append("[default%d]:%s" % (rank % 8, glog(tx + dt.timedelta(seconds=1), "E", rank, "ProcessGroupNCCL.cpp:1515", "[PG ID 0 PG GUID 0(default_pg) Rank %d] Process group watchdog thread terminated with exception: NCCL error: remote process exited or there was a network error, NCCL version 2.21.5" % rank)))
    crash = ["[default6]:[rank22]: Traceback (most recent call last):",
             '[default6]:[rank22]:   File "/workspace/train.py", line 402, in <module>',
             "[default6]:[rank22]:     batch = collate(samples)",
             '[default6]:[rank22]:   File "/workspace/data/collate.py", line 58, in collate',
             '[default6]:[rank22]:     lengths = [s["input_ids_len"] for s in samples]',
             "[default6]:[rank22]: KeyError: 'input_ids_len'"]
    r = crash + r
    r += torchrun_failure(tx - dt.timedelta(seconds=1), "gpu-node-803", 22, 6, 1, 90022, "To enable traceback see: https://pytorch.org/docs/stable/elastic/errors.html", script="train.py")
    return base("case-rl2-29",
                alert("TrainingJobFailed", {"job": "code-llm-15b"}, "code-llm-15b failed: 24 ranks report NCCL errors", ta),
                [src("code-llm-15b/torchrun-gpu-node-803.log", r)],
                {"root_cause": "rank_process_crash", "component": "gpu-node-803/gpu6"},
                topo(nodes, bus=H100_BUS))


@case
def c30():
    """True divergence (not fp16): DeepSpeed bf16, no OVERFLOW lines, a loss spike that does not come back after the LR warmup ends."""
    rng = random.Random(230)
    nodes = ["gpu-node-%03d" % i for i in (901, 902)]
    ta = T("2026-12-02 01:20:00")
    t = ta - dt.timedelta(minutes=4)
    r = ["[2026-12-02 01:15:58,001] [INFO] [config.py:1000:print]   bf16_enabled ................. True",
         "[2026-12-02 01:15:58,001] [INFO] [config.py:1000:print]   fp16_enabled ................. False"]
    losses = [2.10, 2.09, 2.11, 2.08, 2.35, 3.90, 6.41, 7.02, 7.35, 7.31, 7.40, 7.38]
    gn = [0.9, 0.95, 0.88, 1.1, 14.2, 96.5, 240.1, 61.3, 33.0, 29.8, 31.2, 30.5]
    for k, (l, g) in enumerate(zip(losses, gn)):
        t += dt.timedelta(seconds=2)
        r.append("[%s] [INFO] [logging.py:128:log_dist] [Rank 0] step=%d, skipped=0, lr=[0.0006], mom=[(0.9, 0.95)]" % (pyts(t, 55), 12000 + k))
        r.append("{'loss': %.4f, 'grad_norm': %.3f, 'learning_rate': 0.0006, 'epoch': 0.41}" % (l, g))
    r.append("/usr/local/lib/python3.10/dist-packages/torch/nn/utils/clip_grad.py:55: UserWarning: Non-finite norm encountered in torch.nn.utils.clip_grad_norm_; continuing anyway. Note that the default behavior will change in a future release to error out if a non-finite total norm is encountered.")
    return base("case-rl2-30",
                alert("TrainingLossSpike", {"job": "sft-70b-lr6e-4"}, "loss 2.1 -> 7.4 and not recovering", ta),
                [src("gpu-node-901/rank0.log", r)],
                {"root_cause": "loss_divergence", "component": "job"},
                topo(nodes, bus=H100_BUS))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default=os.path.dirname(os.path.abspath(__file__)))
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    for i, fn in enumerate(CASES, 1):
        d = fn()
        d["id"] = "case-rl2-%02d" % i
        with open(os.path.join(args.out, d["id"] + ".json"), "w") as f:
            json.dump(d, f, indent=1)
            f.write("\n")
    print("wrote %d cases to %s" % (len(CASES), args.out))


if __name__ == "__main__":
    main()
