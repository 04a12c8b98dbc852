#!/usr/bin/env python3
"""holdout5: diagnosis cases written after reasoner freeze 5 (stdlib only, deterministic).

Every case is one hand-written function below; `casekit` (one directory up) supplies timestamps,
noise lines, training progress lines, metric series and probe-result bookkeeping. The docstring of
each function says what happened and why the case is hard, so whoever tunes the reasoner or the
knowledge pack must not read this file (see evals/diagnosis/README.md, "holdout5").

Usage: python3 evals/diagnosis/holdout5/holdout5_cases.py [--out DIR]   (default: this directory)
"""

import argparse
import os
import sys

sys.dont_write_bytecode = True
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
import casekit as ck  # noqa: E402
from casekit import Case  # noqa: E402

H100 = "NVIDIA H100 80GB HBM3"
H200 = "NVIDIA H200"
A100 = "NVIDIA A100-SXM4-80GB"

CASES = []


def case(fn):
    CASES.append(fn)
    return fn


# -------------------------------------------------------------------- small helpers (no answers)
def lost_after(t):
    """Series override: the GPU stops reporting after offset t (a lost GPU's series just stop)."""
    return lambda s, v: None if s > t else v


def after(t, fn):
    """Series override: normal before offset t, fn(s, v) from t on."""
    return lambda s, v: v if s < t else fn(s, v)


def dcgm(c, host, util=None, temp=None, power=None, clock=None, gpus=None, fb=False):
    """The dcgm-exporter series a typical scrape config keeps, for every GPU of `host`. Each
    override maps gpu index -> fn(s, normal_value)."""
    sp = c.spec
    c.gpu_metric("DCGM_FI_DEV_GPU_UTIL", host, 95, 5, over=util, gpus=gpus, decimals=0)
    c.gpu_metric("DCGM_FI_DEV_GPU_TEMP", host, 60 if sp["tdp"] > 500 else 57, 9, over=temp,
                 gpus=gpus, decimals=0)
    c.gpu_metric("DCGM_FI_DEV_POWER_USAGE", host, 0.84 * sp["tdp"], 0.09 * sp["tdp"], over=power,
                 gpus=gpus, decimals=1)
    c.gpu_metric("DCGM_FI_DEV_SM_CLOCK", host, sp["clock"] - 75, 90, over=clock, gpus=gpus,
                 decimals=0)
    if fb:
        c.gpu_metric("DCGM_FI_DEV_FB_USED", host, sp["mem_gib"] * 1024 * 0.83, 1500, gpus=gpus,
                     decimals=0)


def torch_old_watchdog(c, rank, s, seq, op="ALLREDUCE", numel=1048576, timeout_ms=1800000):
    """torch 2.0/2.1 wording of a ProcessGroupNCCL timeout."""
    ran = timeout_ms + c.rng.randrange(30, 900)
    wk = "WorkNCCL(SeqNum=%d, OpType=%s, NumelIn=%d, NumelOut=%d, Timeout(ms)=%d)" % (
        seq, op, numel, numel, timeout_ms)
    return [
        "[E ProcessGroupNCCL.cpp:475] [Rank %d] Watchdog caught collective operation timeout: %s ran for "
        "%d milliseconds before timing out." % (rank, wk, ran),
        "[E ProcessGroupNCCL.cpp:489] Some NCCL operations have failed or timed out. Due to the asynchronous "
        "nature of CUDA kernels, subsequent GPU operations might run on corrupted/incomplete data.",
        "[E ProcessGroupNCCL.cpp:495] To avoid data inconsistency, we are taking the entire process down.",
        "terminate called after throwing an instance of 'std::runtime_error'",
        "  what():  [Rank %d] NCCL watchdog thread terminated with exception: [Rank %d] Watchdog caught "
        "collective operation timeout: %s ran for %d milliseconds before timing out." % (rank, rank, wk, ran),
    ]


def slurm_tail(c, s, jobid, node, step=0, sig="Aborted", extra=()):
    return ["srun: error: %s: task %d: %s (core dumped)" % (node, c.rng.randrange(0, 64), sig),
            "slurmstepd: error: *** STEP %d.%d ON %s CANCELLED AT %s ***" % (
                jobid, step, node, c.ymd(s).replace(" ", "T"))] + list(extra)


def k8s_event(c, s, kind, reason, obj, msg, typ="Warning"):
    return "%s  %s  %s  %s/%s  %s" % (c.iso(s), typ, reason, kind, obj, msg)


def healthy_probes(c, host, gpus, which=("health",)):
    for g in gpus:
        key = "%s/gpu%d" % (host, g)
        if "health" in which:
            c.health_rates("gpu.health@" + key)
        if "gemm" in which:
            c.gemm("gpu.gemm@" + key)
        if "hbm" in which:
            c.hbm("gpu.hbm_bandwidth@" + key)
        if "pcie" in which:
            c.pcie("gpu.pcie_bandwidth@" + key)


# ==================================================================== cases
@case
def v001():
    """Megatron-LM on 4 H100 nodes (Slurm). Every rank reports an NCCL watchdog timeout and the alert
    names the rank-0 node; the cause is GPU 4 of the third node falling off the bus (Xid 79 in its
    kernel log, its DCGM series stop)."""
    hosts = ["gpu-h100-a017", "gpu-h100-a018", "gpu-h100-a019", "gpu-h100-a020"]
    c = Case("case-v001", "gpu_fallen_off_bus", "gpu-h100-a019/gpu4", hosts, gpu=H100)
    c.alert("TrainingJobNoProgress", "job llama3-70b-sft (slurm 418822): no iteration logged for 11 min; "
            "NCCL watchdog errors on rank 0", job="llama3-70b-sft", node="gpu-h100-a017", severity="page")
    r0 = ck.megatron_iters(c, -790, 14, 51210, total_it=120000, step_s=4.6, loss=1.84)
    r0 += ck.app_noise(c, 3)
    r0 += ck.watchdog(c, 0, -118, 412883, numel=50331648)
    c.log("gpu-h100-a017/rank0/stderr", r0)
    out = []
    for rank in (3, 9, 14, 27, 31):
        out += ["[rank%d]:[%s ProcessGroupNCCL.cpp:616] [Rank %d] Watchdog caught collective operation timeout: "
                "WorkNCCL(SeqNum=412883, OpType=ALLREDUCE, NumelIn=50331648, NumelOut=50331648, Timeout(ms)=600000) "
                "ran for %d milliseconds before timing out." % (rank, c.glog(-117 + rank * 0.05, "E"), rank,
                                                                 600000 + c.rng.randrange(100, 900))]
    out += ["srun: error: gpu-h100-a018: task 9: Aborted (core dumped)",
            "srun: error: gpu-h100-a017: tasks 0-7: Aborted (core dumped)",
            "srun: error: gpu-h100-a020: tasks 24-31: Aborted (core dumped)",
            "srun: error: gpu-h100-a019: tasks 16-19,21-23: Aborted (core dumped)",
            "srun: Job step aborted: Waiting up to 32 seconds for job step to finish.",
            "slurmstepd: error: *** STEP 418822.0 ON gpu-h100-a017 CANCELLED AT %s ***" % c.ymd(-80).replace(" ", "T"),
            "srun: error: gpu-h100-a019: task 20: Killed"]
    c.log("slurm/llama3-70b-sft-418822.out", out)
    k = ck.kernel_noise(c, "gpu-h100-a019", 9, fmt="dmesg")
    k += ["%s NVRM: GPU at PCI:0000:%s:00: %s" % (c.dmesg(-721.4), c.pci[4], c.uuid("gpu-h100-a019", 4)),
          "%s NVRM: GPU Board Serial Number: 1654923018771" % c.dmesg(-721.4),
          "%s NVRM: Xid (PCI:0000:%s:00): 79, pid='<unknown>', name=<unknown>, GPU has fallen off the bus." % (
              c.dmesg(-721.3), c.pci[4]),
          "%s NVRM: GPU 0000:%s:00.0: GPU has fallen off the bus." % (c.dmesg(-721.3), c.pci[4]),
          "%s NVRM: A GPU crash dump has been created. If possible, please run" % c.dmesg(-720.9),
          "%s NVRM: nvidia-bug-report.sh as root to collect this data before" % c.dmesg(-720.9),
          "%s NVRM: the NVIDIA kernel module is unloaded." % c.dmesg(-720.9)]
    c.log("gpu-h100-a019/dmesg", k)
    dcgm(c, "gpu-h100-a019", util={4: lost_after(-721)}, temp={4: lost_after(-721)},
         power={4: lost_after(-721)}, clock={4: lost_after(-721)})
    dcgm(c, "gpu-h100-a017", util={g: after(-720, lambda s, v: 100) for g in range(8)})
    c.with_topology()
    return c


@case
def v002():
    """H100, DeepSpeed ZeRO-3. Rank 13 dies with 'uncorrectable ECC error encountered'; the driver
    logged Xid 94 (contained ECC) and Xid 48 for the GPU; the other ranks only see a broken
    collective. The DCGM DBE counter rises on that GPU only."""
    hosts = ["dgx-h100-017", "dgx-h100-018"]
    c = Case("case-v002", "gpu_memory_uncorrectable_ecc", "dgx-h100-018/gpu5", hosts, gpu=H100, pci=ck.PCI_BUS_B)
    c.alert("DeepSpeedJobFailed", "job mistral-ft-dpo exited with code 1 on 16 ranks", job="mistral-ft-dpo",
            node="dgx-h100-017", cluster="dgx-west")
    r = ck.deepspeed_steps(c, -420, 18, 9902, rank=0, step_s=2.9)
    r += ["[%s] [ERROR] [launch.py:321:sigkill_handler] ['/usr/bin/python3', '-u', 'train_dpo.py', '--local_rank=5', "
          "'--deepspeed', 'ds_z3.json'] exits with return code = 1" % c.ymd_ms(-361)]
    c.log("dgx-h100-017/deepspeed-launcher.log", r)
    e = ["[rank13]: Traceback (most recent call last):",
         '[rank13]:   File "/workspace/train_dpo.py", line 288, in <module>',
         "[rank13]:     main()",
         '[rank13]:   File "/usr/local/lib/python3.10/dist-packages/deepspeed/runtime/zero/partitioned_param_coordinator.py", line 386, in __all_gather_params',
         "[rank13]:     handle = partitioned_params[0].all_gather_coalesced(partitioned_params)",
         "[rank13]: RuntimeError: CUDA error: uncorrectable ECC error encountered",
         "[rank13]: CUDA kernel errors might be asynchronously reported at some other API call, so the stacktrace below might be incorrect.",
         "[rank13]: For debugging consider passing CUDA_LAUNCH_BLOCKING=1",
         "[rank13]: Compile with `TORCH_USE_CUDA_DSA` to enable device-side assertions."]
    for rk in (2, 8, 12, 15):
        e.append("[rank%d]: torch.distributed.DistBackendError: NCCL error in: ../torch/csrc/distributed/c10d/"
                 "NCCLUtils.hpp:275, remote process exited or there was a network error, NCCL version 2.20.5" % rk)
        e.append("[rank%d]: ncclRemoteError: A call failed possibly due to a network error or a remote process "
                 "exiting prematurely." % rk)
    e += ck.app_noise(c, 4)
    c.log("dgx-h100-018/stderr", e)
    j = ck.kernel_noise(c, "dgx-h100-018", 8)
    j += ["%s dgx-h100-018 kernel: NVRM: Xid (PCI:0000:%s:00): 94, pid=77412, name=python3, Contained: SM (0x1). "
          "RST: No, D-RST: No" % (c.syslog(-364), c.pci[5]),
          "%s dgx-h100-018 kernel: NVRM: Xid (PCI:0000:%s:00): 48, pid=77412, name=python3, An uncorrectable double "
          "bit error (DBE) has been detected on GPU in the framebuffer at partition 6, subpartition 1." % (
              c.syslog(-364), c.pci[5]),
          "%s dgx-h100-018 kernel: NVRM: Xid (PCI:0000:%s:00): 63, pid=77412, name=python3, Row Remapper: New row "
          "(0x0000000000b7e1c0) was marked for remapping, reset gpu to activate." % (c.syslog(-363), c.pci[5])]
    c.log("dgx-h100-018/journal", j)
    dcgm(c, "dgx-h100-018", util={g: after(-362, lambda s, v: 0) for g in range(8)})
    c.gpu_metric("DCGM_FI_DEV_ECC_DBE_VOL_TOTAL", "dgx-h100-018", 0, 0, decimals=0,
                 over={5: lambda s, v: 0 if s < -364 else 2})
    c.gpu_metric("DCGM_FI_DEV_ECC_SBE_VOL_TOTAL", "dgx-h100-018", 0, 0, decimals=0,
                 over={1: lambda s, v: 3})
    c.with_topology()
    return c


@case
def v003():
    """H200 on Kubernetes; pod restarts of a Megatron job keep failing on the same node with CUDA ECC
    errors but there is no kernel log (managed nodes). gpu.health on the GPU shows a failed row remap
    (remap bank exhausted) with the volatile DBE count already cleared by the reset: a GPU that needs
    replacing, not a one-off ECC error. Needs the probe."""
    hosts = ["aks-h200pool-31420855-vmss00000c", "aks-h200pool-31420855-vmss00000f"]
    n1 = hosts[1]
    c = Case("case-v003", "gpu_row_remap_failure", n1 + "/gpu2", hosts, gpu=H200)
    c.alert("PodCrashLooping", "pytorchjob/qwen-pt-8b-worker-1 restarted 4 times in 30m", namespace="research",
            pod="qwen-pt-8b-worker-1", node=n1)
    ev = []
    for i, t in enumerate((-1150, -820, -520, -230)):
        ev.append(k8s_event(c, t, "Pod", "BackOff", "qwen-pt-8b-worker-1",
                            "Back-off restarting failed container pytorch in pod qwen-pt-8b-worker-1_research"))
        ev.append(k8s_event(c, t + 25, "Pod", "Started", "qwen-pt-8b-worker-1", "Started container pytorch",
                            typ="Normal"))
    ev.append(k8s_event(c, -1190, "Pod", "Scheduled", "qwen-pt-8b-worker-1",
                        "Successfully assigned research/qwen-pt-8b-worker-1 to %s" % n1, typ="Normal"))
    c.log("kubernetes/events", ev)
    p = []
    for t in (-1110, -790, -490, -195):
        p += ["%s | INFO | megatron | > initializing torch distributed ..." % c.ymd(t),
              "%s | INFO | megatron | > loading checkpoint from /ckpt/qwen-pt-8b/iter_0031000" % c.ymd(t + 8),
              "[rank10]: RuntimeError: CUDA error: uncorrectable ECC error encountered",
              "[rank10]: CUDA kernel errors might be asynchronously reported at some other API call, so the stacktrace below might be incorrect.",
              "%s | ERROR | torchrun | failed (exitcode: 1) local_rank: 2 (pid: %d) of binary: /usr/bin/python" % (
                  c.ymd(t + 21), c.rng.randrange(100, 900))]
    p = ck.insert_at(p, 0.1, ck.app_noise(c, 5))
    c.log("research/qwen-pt-8b-worker-1/pytorch", p)
    dcgm(c, n1, util={g: (lambda s, v: 0 if s > -1190 else v) for g in range(8)})
    c.gpu_metric("DCGM_FI_DEV_XID_ERRORS", n1, 0, 0, decimals=0, over={2: lambda s, v: 48 if s > -1130 else 0})
    healthy_probes(c, n1, (0, 1, 3))
    c.health_rates("gpu.health@%s/gpu2" % n1, ecc_dbe_aggregate=6, remapped_rows_uncorrectable=8,
                   remap_failure=1, retired_pages=0)
    c.hbm("gpu.hbm_bandwidth@%s/gpu2" % n1)
    c.with_topology()
    return c


@case
def v004():
    """H100, torchtitan FSDP on Slurm. All ranks hang then time out; one node's journal shows Xid 119
    (GSP RPC timeout) for GPU 1 followed by the RPC history dump and nvidia-smi failing on that GPU."""
    hosts = ["sc-hgx-%03d" % i for i in (212, 213, 214, 215, 216, 217)]
    n = hosts[3]
    c = Case("case-v004", "gpu_firmware_error", n + "/gpu1", hosts, gpu=H100)
    c.alert("JobHang", "torchtitan-llama3-8b: step counter flat for 15m (last step 20311)", job="ttn-l3-8b",
            node=hosts[0])
    r = ck.fsdp_steps(c, -980, 16, 20296, step_s=1.9)
    r += ["[rank0]:[titan] %s - root - WARNING - step 20312 not finished after 300 s" % c.ymd_ms(-640)]
    r += ck.watchdog(c, 0, -370, 183113, op="_REDUCE_SCATTER_BASE", numel=134217728)
    c.log(hosts[0] + "/rank0/stderr", r)
    j = ck.kernel_noise(c, n, 10)
    base = c.syslog(-952)
    j += ["%s %s kernel: NVRM: Xid (PCI:0000:%s:00): 119, pid=2201876, name=python, Timeout after 6s of waiting "
          "for RPC response from GPU1 GSP! Expected function 76 (GSP_RM_CONTROL) (0x2080205b 0x4)." % (base, n, c.pci[1]),
          "%s %s kernel: NVRM: GPU1 GSP RPC buffer contains function 76 (GSP_RM_CONTROL) and data 0x000000002080205b "
          "0x0000000000000004." % (base, n),
          "%s %s kernel: NVRM: GPU1 RPC history (CPU -> GSP):" % (base, n),
          "%s %s kernel: NVRM:     entry function                   data0              data1              ts_start           ts_end             duration actively_polling" % (base, n),
          "%s %s kernel: NVRM:      0    76 GSP_RM_CONTROL           0x000000002080205b 0x0000000000000004 0x00060a7c1b3b2f11 0x0000000000000000          y" % (base, n),
          "%s %s kernel: NVRM:     -1    10 FREE                     0x00000000c1d0033c 0x0000000000000000 0x00060a7c1b3ae9d4 0x00060a7c1b3aea01     45us  " % (base, n),
          "%s %s kernel: NVRM: GPU1 RPC event history (CPU <- GSP):" % (base, n),
          "%s %s kernel: NVRM: Xid (PCI:0000:%s:00): 119, pid=2201876, name=python, Timeout after 6s of waiting for "
          "RPC response from GPU1 GSP! Expected function 10 (FREE) (0xc1d0034a 0x0)." % (c.syslog(-940), n, c.pci[1]),
          "%s %s kernel: NVRM: Rate limiting GSP RPC error prints for GPU at PCI:0000:%s:00 (printing 1 of every 30)."
          " The GPU likely needs to be reset." % (c.syslog(-925), n, c.pci[1]),
          "%s %s nhc[88110]: ERROR:  nhc:  Health check failed:  check_nv_smi:  nvidia-smi failed: Unable to determine "
          "the device handle for GPU1: 0000:%s:00.0: Unknown Error" % (c.syslog(-240), n, c.pci[1]),
          "%s %s slurmd[2871]: error: Node %s drained: NHC: nvidia-smi failed" % (c.syslog(-239), n, n)]
    c.log(n + "/journal", j)
    dcgm(c, n, util={1: after(-950, lambda s, v: 0)}, power={1: after(-950, lambda s, v: 112 + c.rng.uniform(-3, 3))})
    c.with_topology()
    return c


@case
def v005():
    """H200, Megatron GPT on 8 nodes, Slurm. Steps got 18% slower an hour ago with no error; the
    straggler detector blames ranks across the whole node. DCGM shows nothing odd (temps, power,
    clocks normal). gpu.health on the node finds CRC and replay errors racing on GPU 6's NVLinks
    (the healthy GPUs show a few per second); the p2p matrix shows its pairs slow. Needs probes."""
    hosts = ["h200-r%02d-n%d" % (r, k) for r in (7, 8) for k in (1, 2, 3, 4)]
    n = hosts[5]
    c = Case("case-v005", "nvlink_error", n + "/gpu6", hosts, gpu=H200)
    c.alert("StepTimeRegression", "gpt-175b-cont step time 11.9s vs 10.1s 7-day median", job="gpt175b-cont",
            node=n, team="pretrain")
    slow = lambda i: 11.9 * c.rng.uniform(0.99, 1.01)
    r = ck.megatron_iters(c, -1100, 12, 88410, step_fn=slow, loss=1.71)
    r += ["(min, max) time across ranks (ms):",
          "    forward-backward ...............................: (10233.61, 10391.07)",
          "    optimizer ......................................: (311.07, 316.55)",
          "    params-all-gather ..............................: (402.18, 1488.30)",
          "    grads-reduce-scatter ...........................: (611.40, 2280.91)"]
    r += ["[%s] straggler detector: min_tflops rank 46 (%s) %.1f, max rank 3 %.1f, ratio 0.82" % (
        c.ymd(-300), n, 331.9, 404.2),
          "[%s] straggler detector: min_tflops rank 41 (%s) %.1f, max rank 12 %.1f, ratio 0.83" % (
              c.ymd(-120), n, 334.0, 403.1)]
    r += ck.app_noise(c, 4)
    c.log("slurm/gpt175b-cont-771034.out", r)
    dcgm(c, n)
    c.gpu_metric("DCGM_FI_PROF_NVLINK_TX_BYTES", n, 1.1e11, 6e9, decimals=0,
                 over={6: lambda s, v: v * 0.55})
    for g in range(8):
        if g == 6:
            c.health_rates("gpu.health@%s/gpu6" % n, nvlink_crc_errors=9180455, nvlink_crc_errors_per_s=6410.0,
                           nvlink_replay_errors=288123, nvlink_replay_errors_per_s=212.0)
        elif g in (1, 5):
            c.health_rates("gpu.health@%s/gpu%d" % (n, g))
    c.nccl("nccl.p2p_matrix@" + n, busbw=96.4, details={"slowest_pair": "gpu6->gpu2", "median_pair_gb_s": 391.7})
    c.fail("nccl.p2p_matrix@" + n, "min_pair_gb_s 96.4 below 250.0: every pair involving gpu6 at 94-141 GB/s, "
           "median pair 391.7 GB/s")
    c.with_topology()
    return c


@case
def v006():
    """H100, Megatron on 4 nodes. The straggler detector and slowed steps point at rank 13; DCGM shows
    that GPU at 88-91 C with its SM clock pulled down and the (deprecated-name) throttle-reasons field
    at 0x60 (SW + HW thermal). The other GPUs of the node run cool."""
    hosts = ["g%04d.cluster.internal" % i for i in (311, 312, 313, 314)]
    n = hosts[1]
    c = Case("case-v006", "gpu_thermal_throttle", n + "/gpu5", hosts, gpu=H100, pci=ck.PCI_BUS_B)
    c.alert("MegatronStraggler", "rank 13 min throughput 0.71 of fastest for 6 reports", job="nemotron-15b",
            node=n)
    slow = lambda i: 5.2 * (1.0 if i < 5 else 1.27) * c.rng.uniform(0.99, 1.01)
    r = ck.megatron_iters(c, -1150, 14, 301122, step_fn=slow, loss=1.93)
    for k, t in enumerate((-700, -520, -340, -160)):
        r.append("[%s] straggler detector: min_tflops rank 13 (%s GPU 5) %.1f; max rank %d %.1f; "
                 "ratio %.2f" % (c.ymd(t), n, 279.0 + k, 2 + k, 396.0, 0.71))
    r += ck.app_noise(c, 3)
    c.log(n + "/megatron/rank0.log", r)
    heat = lambda s, v: 66 + max(0, min(24, (s + 900) / 25.0)) + c.rng.uniform(-1, 1)
    clk = lambda s, v: v if s < -850 else 1260 + c.rng.uniform(-60, 60)
    dcgm(c, n, temp={5: heat}, clock={5: clk}, power={5: after(-850, lambda s, v: 505 + c.rng.uniform(-15, 15))})
    c.gpu_metric("DCGM_FI_DEV_CLOCK_THROTTLE_REASONS", n, 0, 0, decimals=0,
                 over={5: lambda s, v: 0 if s < -850 else 96})
    c.log(n + "/journal", ck.kernel_noise(c, n, 14))
    c.with_topology()
    return c


@case
def v007():
    """H100, plain PyTorch DDP on Slurm. Step time rose 35% right after a maintenance run on one node
    set every GPU's power limit to 450 W (nvidia-smi -pl, output in the maintenance log); DCGM power
    limit and power draw on that node agree; the straggler alert names a rank on another node."""
    hosts = ["hpc-gpu-%02d" % i for i in (41, 42, 43, 44)]
    n = hosts[2]
    c = Case("case-v007", "gpu_power_throttle", n, hosts, gpu=H100)
    c.alert("SlowRankDetected", "ddp-vit-h14: rank 7 step time 1.35x job median", job="vit-h14", node=hosts[0])
    slow = lambda i: 0.91 * (1.0 if i < 6 else 1.36) * c.rng.uniform(0.99, 1.01)
    r = ck.plain_steps(c, -1100, 22, 77310, step_s=0.91, step_fn=slow, loss=2.41)
    c.log(hosts[0] + "/rank0/stdout", r)
    m = ["%s ansible-pull[91021]: TASK [gpu : apply site power profile] ******" % c.syslog(-1012),
         "%s ansible-pull[91021]: changed: [%s] => (item=nvidia-smi -pl 450)" % (c.syslog(-1010), n)]
    for g in range(8):
        m.append("%s ansible-pull[91021]: Power limit for GPU 00000000:%s:00.0 was set to 450.00 W from 700.00 W." % (
            c.syslog(-1010), c.pci[g].upper()))
    m += ["%s ansible-pull[91021]: All done." % c.syslog(-1009),
          "%s ansible-pull[91021]: PLAY RECAP *** %s : ok=14 changed=1 unreachable=0 failed=0" % (c.syslog(-1008), n)]
    m += ck.kernel_noise(c, n, 8)
    c.log(n + "/journal", m)
    lim = lambda s, v: 700 if s < -1010 else 450
    c.gpu_metric("DCGM_FI_DEV_POWER_MGMT_LIMIT", n, 700, 0, decimals=0, over={g: lim for g in range(8)})
    dcgm(c, n, power={g: after(-1010, lambda s, v: 446 + c.rng.uniform(-4, 3)) for g in range(8)},
         clock={g: after(-1010, lambda s, v: 1365 + c.rng.uniform(-70, 70)) for g in range(8)})
    dcgm(c, hosts[0], util={g: after(-1010, lambda s, v: 71 + c.rng.uniform(-6, 6)) for g in range(8)})
    c.with_topology()
    return c


@case
def v008():
    """A100, DeepSpeed ZeRO-2 with optimizer offload to CPU (heavy host-device traffic) on 2 nodes.
    Steps slowed 40% with no error; DeepSpeed's timers show the optimizer step waiting on one rank.
    Could be a dataloader or CPU problem; the probes find GPU 2 of the second node on a PCIe link that
    trained at x4 (a quarter of its copy bandwidth). Needs probes."""
    hosts = ["a100-sxm-b07", "a100-sxm-b08"]
    n = hosts[1]
    c = Case("case-v008", "pcie_link_degraded", n + "/gpu2", hosts, gpu=A100, pci=ck.PCI_BUS_B)
    c.alert("TrainingThroughputLow", "bert-xl-offload samples/s 0.62 of baseline", job="bert-xl-offload",
            node=hosts[0])
    slow = lambda i: 3.1 * (1.0 if i < 4 else 1.41) * c.rng.uniform(0.98, 1.02)
    r = ck.deepspeed_steps(c, -900, 16, 4410, step_s=3.1, step_fn=slow, samples=330.0, mem=(21.4, 33.0))
    for t in (-700, -450, -200):
        r.append("[%s] [INFO] [logging.py:96:log_dist] [Rank 0] time (ms) | fwd: 611.2 | bwd: 1310.7 | "
                 "step: %.1f | optimizer_step: %.1f | optimizer_gradients: 58.1 | optimizer_allgather: %.1f" % (
                     c.ymd_ms(t), 2290 + c.rng.uniform(-40, 40), 1980 + c.rng.uniform(-40, 40), 210 + c.rng.uniform(-10, 10)))
        r.append("[%s] [INFO] [logging.py:96:log_dist] [Rank 0] rank 10 optimizer_step %.0f ms, others %.0f-%.0f ms" % (
            c.ymd_ms(t + 1), 1990 + c.rng.uniform(-30, 30), 655, 702))
    r += ck.app_noise(c, 3)
    c.log(hosts[0] + "/deepspeed.log", r)
    dcgm(c, n, util={g: after(-780, lambda s, v: 58 + c.rng.uniform(-8, 8)) for g in range(8)})
    c.node_metric("node_load1", {"instance": n}, lambda s: 22 + c.rng.uniform(-3, 3))
    for g in range(8):
        if g == 2:
            c.health_rates("gpu.health@%s/gpu2" % n, pcie_link_width=4, pcie_replay_count=3)
            c.pcie("gpu.pcie_bandwidth@%s/gpu2" % n, h2d=6.2, d2h=6.0)
        else:
            c.pcie("gpu.pcie_bandwidth@%s/gpu%d" % (n, g))
    c.health_rates("gpu.health@%s/gpu3" % n)
    c.with_topology()
    return c


@case
def v009():
    """H100, FSDP (torchtitan) pure data parallel over 4 nodes. Loss has had isolated upward jumps and
    grad-norm spikes for a day, then recovers; no error anywhere, no NaN. Plain divergence or a bad
    GPU? gpu.sdc on the four nodes: one node's vote has GPU 7 disagreeing bit-for-bit; gpu.health is
    clean there (no ECC). Needs probes."""
    hosts = ["gpu-%s" % x for x in ("pdx-0114", "pdx-0115", "pdx-0122", "pdx-0123")]
    n = hosts[2]
    c = Case("case-v009", "gpu_silent_data_corruption", n + "/gpu7", hosts, gpu=H100)
    c.alert("LossAnomaly", "llama-13b-dp loss z-score 7.4 at step 118204", job="llama-13b-dp", node=hosts[0])
    spikes = {4: 2.93, 11: 2.61, 17: 3.40}
    lf = lambda i: spikes.get(i, 1.97 - 0.0005 * i + c.rng.uniform(-0.015, 0.015))
    r = ck.fsdp_steps(c, -1000, 24, 118187, loss_fn=lf, step_s=2.2)
    for i, v in spikes.items():
        r.append("[rank0]:[titan] %s - root - WARNING - grad norm %.1f exceeds clip 1.0 by %.0fx at step %d" % (
            c.ymd_ms(-1000 + 2.2 * (i + 1) + 0.1), v * 18, v * 18, 118187 + i))
    r += ck.app_noise(c, 3)
    c.log(hosts[0] + "/rank0/stdout", r)
    for h in hosts[:2] + hosts[3:]:
        c.sdc("gpu.sdc@" + h)
    c.sdc("gpu.sdc@" + n, mismatched=37, bad_gpu="gpu7")
    c.health_rates("gpu.health@%s/gpu7" % n)
    c.gemm("gpu.gemm@%s/gpu7" % n)
    dcgm(c, n)
    c.with_topology()
    return c


@case
def v010():
    """H100, Megatron on 8 nodes. NCCL IB completion errors (retry exceeded) on ranks of several nodes,
    then watchdog aborts everywhere. All the errors name peers on one node; that node's kernel log has
    mlx5_3 flapping and node-exporter shows its link-downed and symbol-error counters rising."""
    hosts = ["cw-h100-%s" % x for x in ("a01", "a02", "a03", "a04", "b01", "b02", "b03", "b04")]
    bad = hosts[5]
    ipof = {h: "10.64.%d.%d" % (1 + i // 4, 11 + i) for i, h in enumerate(hosts)}
    c = Case("case-v010", "ib_link_failure", bad + "/mlx5_3", hosts, gpu=H100)
    c.alert("NCCLErrorsHigh", "nccl WARN lines from 5 nodes in 2 min (job gpt-neox-40b)", job="gpt-neox-40b",
            node=hosts[1])
    out = []
    for src, g in ((hosts[1], 3), (hosts[4], 3), (hosts[6], 3), (hosts[7], 3)):
        pid = c.rng.randrange(20000, 60000)
        out += ["%s:%d:%d [%d] transport/net_ib.cc:1696 NCCL WARN NET/IB : Got completion from peer %s<%d> with "
                "status=12 opcode=0 len=0 vendor err 129 (Send) localGid ::ffff:%s remoteGids::ffff:%s hca mlx5_3" % (
                    src, pid, pid + 88, g, ipof[bad], c.rng.randrange(30000, 60000), ipof[src], ipof[bad]),
                "%s:%d:%d [%d] NCCL INFO transport/net.cc:1298 -> 6" % (src, pid, pid + 88, g),
                "%s:%d:%d [%d] NCCL INFO proxy.cc:1522 -> 6" % (src, pid, pid + 88, g)]
    wd = []
    for rk in (8, 33, 50, 61):
        wd += torch_old_watchdog(c, rk, -60, 990114, numel=25165824, timeout_ms=600000)[:1]
    c.log("slurm/gpt-neox-40b-55120.err", ["%s NCCL errors begin" % c.ymd(-700)] + out + wd +
          ["srun: error: %s: tasks 8-15: Aborted" % hosts[1], "srun: error: %s: tasks 32-39: Aborted" % hosts[4]])
    j = ck.kernel_noise(c, bad, 8)
    for t in (-712, -705, -690, -688, -431):
        j.append("%s %s kernel: mlx5_core 0000:%s:00.0 ibp75s0: Link down" % (c.syslog(t), bad, ck.NIC_BUS[3]))
        j.append("%s %s kernel: mlx5_core 0000:%s:00.0 ibp75s0: Link up" % (c.syslog(t + 4), bad, ck.NIC_BUS[3]))
    j.append("%s %s kernel: infiniband mlx5_3: mlx5_ib_event:2973:(pid 0): port 1 event: Port error" % (c.syslog(-712), bad))
    c.log(bad + "/journal", j)
    down = lambda s: 3 + (0 if s < -712 else 5 if s < -431 else 6)
    sym = lambda s: 12 if s < -760 else 12 + int((s + 760) * 41)
    for h in (bad, hosts[4]):
        for dev in ("mlx5_0", "mlx5_3"):
            flap = h == bad and dev == "mlx5_3"
            c.node_metric("node_infiniband_link_downed_total", {"instance": h, "device": dev, "port": "1"},
                          down if flap else (lambda s: 0), decimals=0)
            c.node_metric("node_infiniband_symbol_error_total", {"instance": h, "device": dev, "port": "1"},
                          sym if flap else (lambda s: 4), decimals=0)
    c.with_topology(ib_ips=ipof)
    return c


@case
def v011():
    """H200 on EKS. A new training image sets NCCL_SOCKET_IFNAME=ens5 (the host's interface name), but
    pods only have eth0 (VPC CNI): every worker fails at the first collective with 'Bootstrap : no socket
    interface found'. Looks at first like a cluster network outage."""
    hosts = ["ip-10-2-14-37.us-west-2.compute.internal", "ip-10-2-14-92.us-west-2.compute.internal"]
    c = Case("case-v011", "nccl_network_misconfig", "job", hosts, gpu=H200)
    c.alert("PyTorchJobFailed", "pytorchjob/olmo-7b-anneal failed (2/2 workers exited)", namespace="ml-train",
            job="olmo-7b-anneal", node=hosts[0])
    for w, h in enumerate(hosts):
        pid = c.rng.randrange(100, 400)
        lines = ["%s | INFO | olmo.train | Image ghcr.io/acme/olmo-train:2026.11.28-r2 (torch 2.5.1+cu124, nccl 2.21.5)" % c.ymd(-300),
                 "%s | INFO | olmo.train | env NCCL_SOCKET_IFNAME=ens5 NCCL_DEBUG=INFO FI_PROVIDER=efa" % c.ymd(-299)]
        lines += ck.app_noise(c, 3)
        for g in range(0, 8, 3):
            lines += ["%s:%d:%d [%d] NCCL INFO cudaDriverVersion 12040" % ("olmo-7b-anneal-worker-%d" % w, pid + g, pid + g, g),
                      "%s:%d:%d [%d] NCCL INFO NCCL_SOCKET_IFNAME set by environment to ens5" % ("olmo-7b-anneal-worker-%d" % w, pid + g, pid + g, g),
                      "%s:%d:%d [%d] misc/socket.cc:484 NCCL WARN Bootstrap : no socket interface found" % ("olmo-7b-anneal-worker-%d" % w, pid + g, pid + g, g),
                      "%s:%d:%d [%d] NCCL INFO init.cc:1710 -> 3" % ("olmo-7b-anneal-worker-%d" % w, pid + g, pid + g, g)]
        lines += ["[rank%d]: torch.distributed.DistBackendError: NCCL error in: ../torch/csrc/distributed/c10d/"
                  "ProcessGroupNCCL.cpp:2027, internal error - please report this issue to the NCCL developers, NCCL "
                  "version 2.21.5" % (w * 8),
                  "[rank%d]: ncclInternalError: Internal check failed." % (w * 8),
                  "[rank%d]: Last error:" % (w * 8),
                  "[rank%d]: Bootstrap : no socket interface found" % (w * 8)]
        c.log("ml-train/olmo-7b-anneal-worker-%d/pytorch" % w, lines)
    c.log("kubernetes/events", [
        k8s_event(c, -310, "Pod", "Pulled", "olmo-7b-anneal-worker-0", "Successfully pulled image "
                  "\"ghcr.io/acme/olmo-train:2026.11.28-r2\" in 41.2s", typ="Normal"),
        k8s_event(c, -280, "Pod", "Started", "olmo-7b-anneal-worker-1", "Started container pytorch", typ="Normal"),
        k8s_event(c, -250, "PyTorchJob", "JobFailed", "olmo-7b-anneal", "PyTorchJob olmo-7b-anneal is failed because "
                  "2 Worker replica(s) failed.")])
    dcgm(c, hosts[0], util={g: (lambda s, v: 0) for g in range(8)})
    c.with_topology()
    return c


@case
def v012():
    """H200, torchtitan on Slurm, 4 nodes. Every rank but one reports a watchdog timeout on all-reduce
    SeqNum 55210; the flight-recorder analysis shows rank 11 never entered it and the py-spy dump taken
    on that node shows rank 11 blocked in a barrier inside the async checkpoint path. GPUs and links are
    healthy; the stuck rank is the culprit, not the ones that logged the timeout."""
    hosts = ["hgx-h200-%d" % i for i in (301, 302, 303, 304)]
    n = hosts[1]
    c = Case("case-v012", "nccl_collective_hang", n + "/gpu3", hosts, gpu=H200, pci=ck.PCI_BUS_B)
    c.alert("TrainingStalled", "ttn-mixtral: no step for 20 min; 31 ranks NCCL watchdog", job="ttn-mixtral",
            node=hosts[0])
    r = ck.fsdp_steps(c, -1300, 8, 27601, step_s=3.1)
    r.append("[rank0]:[titan] %s - root - INFO - Saving checkpoint at step 27608 (async)" % c.ymd_ms(-1272))
    for rk in (0, 5, 16, 30):
        r += ck.watchdog(c, rk, -660 + rk * 0.1, 55210, numel=268435456)[:2]
    c.log("slurm/ttn-mixtral-88120.out", r)
    fr = ["$ python -m torch.distributed.flight_recorder.fr_trace -j /scratch/fr/ttn-mixtral-88120",
          "Collective 55210 (ALLREDUCE, pg 0, 32 ranks): 31 ranks entered, missing ranks: {11}",
          "  rank 11: last recorded entry seq 55209 BARRIER state=scheduled (default_pg)",
          "  ranks 0-10,12-31: last recorded entry seq 55210 ALLREDUCE state=started",
          "Mismatch: rank 11 is at a different collective (barrier) than its peers (all_reduce)"]
    c.log("ops/flight-recorder-analysis", fr[:1] + ["INFO: loaded 32 dumps (4.1 MiB)", "INFO: pg 0 size 32"] + fr[1:])
    py = ["$ py-spy dump --pid 331207   # %s, local rank 3" % n,
          "Process 331207: /usr/bin/python3 -u torchtitan/train.py --job.config_file mixtral.toml",
          "Python v3.11.9 (/usr/bin/python3.11)",
          "",
          "Thread 331207 (idle): \"MainThread\"",
          "    barrier (torch/distributed/distributed_c10d.py:4159)",
          "    wrapper (torch/distributed/c10d_logger.py:83)",
          "    _wait_for_previous_save (torchtitan/components/checkpoint.py:412)",
          "    save (torchtitan/components/checkpoint.py:455)",
          "    train_step_end (torchtitan/train.py:533)",
          "Thread 331580 (idle): \"AsyncCheckpointWriter\"",
          "    wait (threading.py:327)",
          "    _stage (torch/distributed/checkpoint/staging.py:120)"]
    c.log(n + "/py-spy/rank11", py)
    for h in (hosts[0], n):
        dcgm(c, h, util={g: after(-1260, lambda s, v: 100) for g in range(8) if not (h == n and g == 3)})
    c.with_topology()
    return c


@case
def v013():
    """A100, DeepSpeed on 2 nodes. The loudest lines are NCCL IB retry-exceeded errors on the first
    node; the cause is rank 13 (second node, GPU 5) dying with a segfault in a fused-kernel extension:
    its peers then see the broken connection."""
    hosts = ["a100-ib-114", "a100-ib-115"]
    n = hosts[1]
    c = Case("case-v013", "rank_process_crash", n + "/gpu5", hosts, gpu=A100)
    c.alert("NCCLIBErrors", "IBV_WC_RETRY_EXC_ERR on a100-ib-114 (8 ranks)", node=hosts[0], job="flan-t5-xxl-ft")
    e = []
    for g in range(0, 8, 2):
        pid = c.rng.randrange(10000, 50000)
        e += ["%s:%d:%d [%d] NCCL WARN NET/IB : Got completion from peer 10.31.4.115<48021> with error 12, opcode 0, "
              "len 0, vendor err 129 (Recv) localGid fe80::ba3f:d2ff:fe8a:%04x remoteGid fe80::ba3f:d2ff:fe8a:71c2" % (
                  hosts[0], pid, pid + 91, g, c.rng.randrange(4096, 65535)),
              "%s:%d:%d [%d] NCCL INFO transport/net.cc:1135 -> 6" % (hosts[0], pid, pid + 91, g)]
    e += ["[%s] [INFO] [launch.py:347:main] Process %d exits successfully." % (c.ymd_ms(-40), 71200)]
    e = ck.deepspeed_steps(c, -400, 10, 2201, step_s=3.4, mem=(52.1, 71.9)) + \
        ["[%s] NCCL errors:" % c.ymd_ms(-362)] + e
    c.log(hosts[0] + "/deepspeed.log", e)
    s = ["Fatal Python error: Segmentation fault",
         "",
         "Thread 0x00007f2e51fff640 (most recent call first):",
         '  File "/usr/lib/python3.10/threading.py", line 324 in wait',
         "",
         "Current thread 0x00007f3b8c6d5740 (most recent call first):",
         '  File "/usr/local/lib/python3.10/dist-packages/fused_adam_ext/__init__.py", line 77 in multi_tensor_apply',
         '  File "/usr/local/lib/python3.10/dist-packages/deepspeed/ops/adam/fused_adam.py", line 191 in step',
         '  File "/workspace/train.py", line 402 in train_step',
         "",
         "Extension modules: numpy.core._multiarray_umath, torch._C, fused_adam_ext (total: 58)",
         "[%s] [INFO] [launch.py:319:sigkill_handler] Killing subprocess 60417" % c.ymd_ms(-364),
         "[%s] [ERROR] [launch.py:325:sigkill_handler] ['/usr/bin/python3', '-u', 'train.py', '--local_rank=5', "
         "'--deepspeed_config=ds.json'] exits with return code = -11" % c.ymd_ms(-363)]
    c.log(n + "/deepspeed.log", ck.deepspeed_steps(c, -400, 8, 2201, rank=13, step_s=3.4, mem=(52.1, 71.9)) + s)
    c.log(n + "/journal", ck.kernel_noise(c, n, 6) + [
        "%s %s kernel: python3[60417]: segfault at 18 ip 00007f3aa1c4e2d1 sp 00007ffd2b7c8e40 error 4 in "
        "fused_adam_ext.cpython-310-x86_64-linux-gnu.so[7f3aa1c20000+5a000]" % (c.syslog(-365), n),
        "%s %s systemd-coredump[60988]: Process 60417 (python3) of user 1001 dumped core." % (c.syslog(-364), n)])
    dcgm(c, n, util={5: after(-365, lambda s, v: 0)})
    c.with_topology()
    return c


@case
def v014():
    """H100, Megatron with pipeline parallelism (4 stages) over 4 nodes. The alert and most lines are
    watchdog timeouts; rank 30 (last stage, node 4, GPU 6), whose micro-batch held the longest packed
    sequences, died first with CUDA out of memory and the rest followed."""
    hosts = ["gpu%03d.hpc.example.org" % i for i in (121, 122, 123, 124)]
    n = hosts[3]
    c = Case("case-v014", "cuda_oom", n + "/gpu6", hosts, gpu=H100)
    c.alert("SlurmJobFailed", "job 9911832 (llama-34b-code) FAILED, exit 1:0", job="llama-34b-code", node=hosts[0])
    r = ck.megatron_iters(c, -900, 10, 7710, step_s=6.3, loss=1.12)
    r += ["using world size: 32, data-parallel size: 8, context-parallel size: 1, tensor-model-parallel size: 1, "
          "pipeline-model-parallel size: 4"]
    for rk in (0, 7, 15, 22):
        r += torch_old_watchdog(c, rk, -120 + rk * 0.2, 1201734, op="RECV", numel=33554432, timeout_ms=600000)[:1]
    c.log("slurm/llama-34b-code-9911832.out", r)
    o = ["[rank30]: Traceback (most recent call last):",
         '[rank30]:   File "/opt/megatron/pretrain_gpt.py", line 232, in <module>',
         '[rank30]:   File "/opt/megatron/megatron/core/pipeline_parallel/schedules.py", line 276, in forward_step',
         '[rank30]:   File "/opt/megatron/megatron/core/tensor_parallel/cross_entropy.py", line 44, in forward',
         "[rank30]:     predicted_logits = logits_2d[arange_1d, masked_target_1d]",
         "[rank30]: torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 7.82 GiB. GPU 6 has a total "
         "capacity of 79.10 GiB of which 3.61 GiB is free. Including non-PyTorch memory, this process has 75.48 GiB "
         "memory in use. Of the allocated memory 69.80 GiB is allocated by PyTorch, and 4.21 GiB is reserved by "
         "PyTorch but unallocated. If reserved but unallocated memory is large try setting "
         "PYTORCH_CUDA_ALLOC_CONF=expandable_segments:True to avoid fragmentation.  See documentation for Memory "
         "Management  (https://pytorch.org/docs/stable/notes/cuda.html#environment-variables)",
         "E%s 118811 torch/distributed/elastic/multiprocessing/api.py:869] failed (exitcode: 1) local_rank: 6 "
         "(pid: 118817) of binary: /usr/bin/python" % c.glog(-712)[1:]]
    c.log(n + "/rank30.err", ck.app_noise(c, 8) + o)
    c.gpu_metric("DCGM_FI_DEV_FB_USED", n, 61000, 1800, decimals=0,
                 over={6: lambda s, v: 74800 + c.rng.uniform(-400, 600) if s < -713 else 300,
                       7: lambda s, v: 66100 + c.rng.uniform(-900, 900)})
    dcgm(c, n, util={g: after(-700, lambda s, v: 100 if g != 6 else 0) for g in range(8)})
    c.with_topology()
    return c


@case
def v015():
    """H200, NeMo on 2 nodes. A config change swapped the tokenizer (128k vocab) while the model's
    embedding was built for 32k: every rank hits the same device-side assert in the embedding lookup
    at the first step. Xid 43 appears for all GPUs in the kernel log, which looks like hardware."""
    hosts = ["dgxh200-0031", "dgxh200-0032"]
    c = Case("case-v015", "illegal_memory_access", "job", hosts, gpu=H200)
    c.alert("NeMoJobFailed", "nemo-sft-bio failed after 3 min, 16/16 ranks exited", job="nemo-sft-bio",
            node=hosts[1])
    lines = ["[NeMo I %s megatron_gpt_sft:120] tokenizer: HuggingFace meta-llama/Llama-3.1-8B, vocab_size=128256" % c.ymd(-200),
             "[NeMo I %s megatron_init:263] model.padded_vocab_size=32000 (from restore config)" % c.ymd(-198),
             "[NeMo W %s nemo_logging:349] /opt/NeMo/nemo/collections/nlp/models/language_modeling/megatron_gpt_model.py:"
             "1504: UserWarning: tokenizer vocab size differs from checkpoint" % c.ymd(-196)]
    for rk in (0, 1, 6, 9, 14):
        for b in range(2):
            lines.append("/opt/pytorch/aten/src/ATen/native/cuda/Indexing.cu:1289: indexSelectLargeIndex: block: "
                         "[%d,0,0], thread: [%d,0,0] Assertion `srcIndex < srcSelectDimSize` failed." % (
                             c.rng.randrange(0, 900), 32 * b + c.rng.randrange(0, 32)))
        lines += ["[rank%d]: RuntimeError: CUDA error: device-side assert triggered" % rk,
                  "[rank%d]: CUDA kernel errors might be asynchronously reported at some other API call, so the "
                  "stacktrace below might be incorrect." % rk]
    lines += ck.app_noise(c, 4)
    c.log("nemo-sft-bio/combined.log", lines)
    k = ck.kernel_noise(c, hosts[1], 5, fmt="dmesg")
    for g in range(8):
        k.append("%s NVRM: Xid (PCI:0000:%s:00): 43, pid=%d, name=pt_main_thread, Ch 00000008" % (
            c.dmesg(-170 + g * 0.01), c.pci[g], 40400 + g))
    c.log(hosts[1] + "/dmesg", k)
    c.gpu_metric("DCGM_FI_DEV_XID_ERRORS", hosts[1], 0, 0, decimals=0,
                 over={g: (lambda s, v: 43 if s > -170 else 0) for g in range(8)})
    c.with_topology()
    return c


@case
def v016():
    """A100, Slurm, single-node 8-GPU fine-tune. torchrun reports local rank 3 killed by SIGKILL, which
    reads like a crash; the kernel OOM killer chose it (dataloader workers each copied a large index),
    slurmstepd counted the oom_kill event and the node's available memory fell to ~0."""
    hosts = ["a100n-%02d" % 27]
    n = hosts[0]
    c = Case("case-v016", "host_oom", n, hosts, gpu=A100, pci=ck.PCI_BUS_B)
    c.alert("SlurmJobFailed", "job 1288012 (whisper-l-ft) FAILED on %s" % n, job="whisper-l-ft", node=n)
    r = ck.plain_steps(c, -800, 14, 6612, step_s=1.6, loss=0.81)
    r += ["INFO: DataLoader num_workers=16 persistent_workers=True prefetch_factor=4"]
    r += ck.elastic_failure(c, -296, n, 3, 3, -9, sig="SIGKILL")
    c.log("slurm/whisper-l-ft-1288012.out", r)
    d = ck.kernel_noise(c, n, 6, fmt="dmesg")
    d += ["%s pt_data_worker invoked oom-killer: gfp_mask=0x140cca(GFP_HIGHUSER_MOVABLE|__GFP_COMP), order=0, "
          "oom_score_adj=0" % c.dmesg(-298),
          "%s Mem-Info:" % c.dmesg(-298),
          "%s active_anon:251718823 inactive_anon:3981102 isolated_anon:0" % c.dmesg(-298),
          "%s oom-kill:constraint=CONSTRAINT_NONE,nodemask=(null),cpuset=/,mems_allowed=0-1,global_oom,"
          "task_memcg=/slurm/uid_1001/job_1288012/step_0/user/task_3,task=python3,pid=1822334,uid=1001" % c.dmesg(-297),
          "%s Out of memory: Killed process 1822334 (python3) total-vm:412887604kB, anon-rss:188213440kB, "
          "file-rss:102400kB, shmem-rss:8123392kB, UID:1001 pgtables:401236kB oom_score_adj:0" % c.dmesg(-297),
          "%s oom_reaper: reaped process 1822334 (python3), now anon-rss:0kB, file-rss:0kB, shmem-rss:8123392kB" % c.dmesg(-296)]
    c.log(n + "/dmesg", d)
    c.log(n + "/slurmd.log", ["[%s] [1288012.0] error: Detected 1 oom_kill event in StepId=1288012.0. Some of the "
                              "step tasks have been OOM Killed." % c.ymd(-290).replace(" ", "T"),
                              "[%s] [1288012.batch] done with job" % c.ymd(-280).replace(" ", "T")])
    c.node_metric("node_memory_MemAvailable_bytes", {"instance": n},
                  lambda s: max(1.2e9, 7.1e11 - (s + 1200) * 8.0e8) if s < -296 else 6.9e11, decimals=0)
    dcgm(c, n, util={g: after(-296, lambda s, v: 0) for g in range(8)})
    c.with_topology()
    return c


@case
def v017():
    """H200, Megatron bf16 on 8 nodes. Right after warm-up reached the peak learning rate the loss
    climbs, grad norm explodes, then NaN; every rank reports the NaN grad-norm check (not one rank),
    no hardware signal anywhere."""
    hosts = ["mlp-h200-%02d" % i for i in range(20, 28)]
    c = Case("case-v017", "loss_divergence", "job", hosts, gpu=H200)
    c.alert("LossNaN", "olmo-32b-pt: lm loss is nan at iteration 2461", job="olmo-32b-pt", node=hosts[0])
    ls = [2.63, 2.61, 2.60, 2.62, 2.71, 2.98, 3.62, 4.95, 7.31, 9.84, float("nan"), float("nan")]
    gn = [0.41, 0.40, 0.44, 0.52, 1.31, 4.8, 19.2, 88.1, 402.5, 3811.0, float("nan"), float("nan")]
    r = ck.megatron_iters(c, -260, 12, 2450, loss_fn=lambda i: ls[i], grad_fn=lambda i: gn[i],
                          lr=3.0e-4, nan_fn=lambda i: max(0, i - 9))
    r.insert(0, "> learning rate warmup finished at iteration 2450 (lr 3.000000E-04)")
    for rk in (0, 17, 38, 63):
        r.append("[rank%d]: RuntimeError: Rank %d: found NaN in local grad norm in backward pass before data-parallel "
                 "communication collective. Device: %d, node: %s" % (rk, rk, rk % 8, hosts[rk // 8]))
    r += ck.app_noise(c, 5)
    c.log("slurm/olmo-32b-pt-301188.out", r)
    dcgm(c, hosts[0])
    c.with_topology()
    return c


@case
def v018():
    """A100, DeepSpeed fp16 (dynamic loss scaling). Overflow after overflow halves the loss scale down
    to 1 and DeepSpeed exits the run; the launcher's non-zero exit on every rank looks like a crash."""
    hosts = ["gpu-a100-%02d" % i for i in (3, 4)]
    c = Case("case-v018", "fp16_loss_scale_collapse", "job", hosts, gpu=A100)
    c.alert("JobExited", "gptj-6b-instruct exited with status 1 (all 16 ranks)", job="gptj-6b-instruct",
            node=hosts[0])
    r = ck.deepspeed_steps(c, -700, 6, 31101, step_s=2.2)
    sc = 65536
    t = -640
    while sc >= 1:
        nxt = max(1, sc // 2)
        r.append("[%s] [INFO] [loss_scaler.py:183:update_scale] [deepspeed] OVERFLOW! Rank 0 Skipping step. "
                 "Attempted loss scale: %d, reducing to %d" % (c.ymd_ms(t), sc, nxt))
        if sc == 1:
            break
        sc = nxt
        t += c.rng.uniform(9, 30)
    r += ["[%s] [INFO] [loss_scaler.py:190:update_scale] [deepspeed] OVERFLOW! Rank 0 Skipping step. Attempted "
          "loss scale: 1, but hysteresis is 2. Reducing hysteresis to 1" % c.ymd_ms(t + 3),
          "Traceback (most recent call last):",
          '  File "/usr/local/lib/python3.10/dist-packages/deepspeed/runtime/fp16/loss_scaler.py", line 175, in update_scale',
          "    raise Exception(",
          "Exception: Current loss scale already at minimum - cannot decrease scale anymore. Exiting run.",
          "[%s] [ERROR] [launch.py:325:sigkill_handler] ['/usr/bin/python3', '-u', 'finetune.py', '--local_rank=0'] "
          "exits with return code = 1" % c.ymd_ms(t + 6)]
    r += ck.app_noise(c, 3)
    c.log(hosts[0] + "/deepspeed.log", r)
    dcgm(c, hosts[0])
    c.with_topology()
    return c


@case
def v019():
    """H100, Megatron with Transformer Engine FP8 (delayed scaling, amax history 1024). An in-house FP8
    monitor sees a non-finite amax in one layer and its scale collapse to zero, then the loss turns NaN
    on every rank. Looks like an ordinary loss divergence unless the FP8 lines are read."""
    hosts = ["p5-h100-%03d" % i for i in (17, 18, 19, 20)]
    c = Case("case-v019", "fp8_scaling_overflow", "job", hosts, gpu=H100)
    c.alert("LossNaN", "mpt-30b-fp8: loss NaN (step 40418)", job="mpt-30b-fp8", node=hosts[2])
    ls = [1.88, 1.87, 1.89, 1.88, 1.91, 2.07, float("nan"), float("nan")]
    r = ["  fp8 ........................................... hybrid",
         "  fp8_amax_history_len .......................... 1024",
         "  fp8_amax_compute_algo ......................... max",
         "  fp8_margin .................................... 0"]
    r += ck.megatron_iters(c, -200, 8, 40412, loss_fn=lambda i: ls[i], nan_fn=lambda i: max(0, i - 5))
    for i, (lay, am, scl) in enumerate(((27, "3.1e+04", "1.44e-02"), (27, "inf", "0.000e+00"), (28, "nan", "0.000e+00"))):
        r.append("[%s] fp8-stats step %d layer %d mlp.fc2 fwd_act e4m3 amax=%s scale=%s scale_inv=%s saturated=%s" % (
            c.ymd(-180 + 12 * i), 40416 + i, lay, am, scl, "inf" if scl.startswith("0") else "69.4",
            "0.41%" if i == 0 else "n/a"))
    r.append("[%s] fp8-stats WARNING non-finite amax in 2 TE modules; delayed scaling history now poisoned" % c.ymd(-155))
    r += ck.app_noise(c, 5)
    c.log("slurm/mpt-30b-fp8-71102.out", r)
    dcgm(c, hosts[2])
    c.with_topology()
    return c


@case
def v020():
    """H200, Megatron MoE (16 experts, expert parallel 8). Router collapse: an in-house router monitor
    shows two experts taking most tokens and the drop rate climbing; all-to-all time grows and the EP
    ranks hosting those experts show up as stragglers, which is the symptom the alert names."""
    hosts = ["moe-h200-%02d" % i for i in (1, 2, 3, 4)]
    c = Case("case-v020", "moe_expert_imbalance", "job", hosts, gpu=H200, pci=ck.PCI_BUS_B)
    c.alert("StragglerRanks", "ranks 3, 11, 19, 27 slowest for 30 min (dsv2-lite-moe)", job="dsv2-lite-moe",
            node=hosts[0])
    slow = lambda i: 2.4 * (1 + 0.05 * i) * c.rng.uniform(0.99, 1.01)
    r = ck.megatron_iters(c, -700, 12, 14410, step_fn=slow, loss=2.02)
    for k, t in enumerate((-600, -450, -300, -150)):
        share3 = 0.21 + 0.08 * k
        r.append("[%s] moe-router layer 11: top experts e3 %.1f%% e11 %.1f%% (uniform 6.2%%), capacity_factor 1.25, "
                 "dropped tokens %.1f%%, aux_loss %.4f, z_loss %.4f" % (
                     c.ymd(t), 100 * share3, 100 * (share3 - 0.05), 8 + 9.5 * k, 0.011 + 0.02 * k, 0.0009))
        r.append("[%s] timers: all-to-all dispatch %.0f ms / combine %.0f ms (7-day median 41 / 38 ms)" % (
            c.ymd(t + 1), 60 + 45 * k, 55 + 40 * k))
    r.append("[%s] straggler detector: min_tflops ranks [3, 11, 19, 27] (EP rank 3 of each EP group)" % c.ymd(-100))
    r += ck.app_noise(c, 3)
    c.log("slurm/dsv2-lite-moe-6512.out", r)
    dcgm(c, hosts[0], util={g: (lambda s, v: 99) if g == 3 else (lambda s, v: 71 + c.rng.uniform(-6, 6)) for g in range(8)})
    c.with_topology()
    return c


@case
def v021():
    """H100, FSDP on 2 nodes (Kubernetes). One rank is persistently ~35% slower; DCGM temperature, power
    and clocks look normal for every GPU. gpu.health on it passes (no throttling, no link problem)
    but gpu.gemm measures 468 TFLOP/s vs ~725 on its neighbours: a slow GPU, nothing else. Needs probes."""
    hosts = ["gke-trn-h100-a3-0b7c1e2f-p4lq", "gke-trn-h100-a3-0b7c1e2f-x9m2"]
    n = hosts[1]
    c = Case("case-v021", "straggler_rank", n + "/gpu2", hosts, gpu=H100)
    c.alert("SlowRank", "rank 10 step time p50 1.36x of job median for 45m", job="fsdp-gemma-27b",
            namespace="train", node=n)
    r = ck.fsdp_steps(c, -1000, 12, 5110, step_s=2.6, rank=0)
    for t in (-800, -500, -200):
        r.append("[rank0]:[titan] %s - root - INFO - per-rank fwd+bwd ms: p50 1712, max 2331 (rank 10), min 1690 (rank 4)" % c.ymd_ms(t))
    c.log("train/fsdp-gemma-27b-worker-0/pytorch", r + ck.app_noise(c, 3))
    c.log(n + "/journal", ck.kernel_noise(c, n, 7))
    dcgm(c, n)
    c.health_rates("gpu.health@%s/gpu2" % n)
    c.gemm("gpu.gemm@%s/gpu2" % n, tflops=468.3)
    c.gemm("gpu.gemm@%s/gpu3" % n)
    c.hbm("gpu.hbm_bandwidth@%s/gpu2" % n, gb_s=2702)
    c.with_topology()
    return c


@case
def v022():
    """H200, Lightning on 4 nodes reading WebDataset shards over HTTP from an object store. GPU
    utilisation saw-tooths and step time doubles; the data-wait timer takes most of the step and
    shard fetch latency is up; no NCCL or GPU error. Job-wide input pipeline starvation."""
    hosts = ["node-h200-%d" % i for i in (41, 42, 43, 44)]
    c = Case("case-v022", "dataloader_stall", "job", hosts, gpu=H200)
    c.alert("GPUUtilLow", "clip-vit-g: mean GPU util 38% over 15m (was 96%)", job="clip-vit-g", node=hosts[2])
    r = []
    t = -1100
    for i in range(16):
        st = 1.1 if i < 5 else 2.3 + c.rng.uniform(-0.3, 0.5)
        t += st * 20
        dw = 0.05 if i < 5 else st - 1.05
        r.append("Epoch 7:  %d%%|#####     | %d/%d [%s, %.2fit/s, v_num=8, train_loss=%.3f, data_wait=%.2fs]" % (
            41 + i, 14020 + 20 * i, 34000, c.ymd(t), 1 / st, 2.12 - 0.001 * i, dw))
    r.insert(6, "%s WARNING webdataset: shard s3://laion-mirror/shard-01842.tar fetch took 38.2 s (p50 1.9 s), retrying slow range reads" % c.ymd(-1000))
    r.insert(9, "%s WARNING webdataset: 12 of 16 workers waiting on fetch (queue depth 0/64)" % c.ymd(-820))
    r += ck.app_noise(c, 4)
    c.log("clip-vit-g/rank0.log", r)
    saw = lambda s, v: v if s < -1000 else (96 if int(s / 30) % 3 == 0 else 14 + c.rng.uniform(-8, 8))
    dcgm(c, hosts[2], util={g: saw for g in range(8)})
    c.node_metric("node_network_receive_bytes_total:rate1m", {"instance": hosts[2], "device": "eth0"},
                  lambda s: 3.1e9 if s < -1000 else 0.7e9 + c.rng.uniform(-1e8, 1e8), decimals=0)
    c.with_topology()
    return c


@case
def v023():
    """H100, Megatron on 4 nodes with checkpoints on Lustre. Watchdog timeouts on all ranks are the
    loud symptom; rank 0 was stuck writing the checkpoint because one OST stopped answering (LustreError
    -107 / -110 on the clients, hung task warnings)."""
    hosts = ["lx-gpu-%03d" % i for i in (201, 202, 203, 204)]
    c = Case("case-v023", "storage_failure", "job", hosts, gpu=H100, pci=ck.PCI_BUS_B)
    c.alert("TrainingStalled", "llama-8b-long: NCCL watchdog timeout on 31 ranks", job="llama-8b-long", node=hosts[3])
    r = ck.megatron_iters(c, -1500, 6, 19994, step_s=3.3)
    r.append("saving checkpoint at iteration   20000 to /lustre/proj/llama-8b-long/ckpt in torch_dist format")
    for rk in (1, 9, 26, 31):
        r += torch_old_watchdog(c, rk, -870 + 0.3 * rk, 6043122, op="_ALLGATHER_BASE", numel=8388608,
                                timeout_ms=600000)[:1]
    c.log("slurm/llama-8b-long-228810.out", r + ck.app_noise(c, 3))
    j = ck.kernel_noise(c, hosts[0], 6)
    j += ["%s %s kernel: LustreError: 11-0: proj-OST0012-osc-ffff9a3c21e4d000: operation ost_write to node "
          "10.20.0.42@o2ib failed: rc = -107" % (c.syslog(-1478), hosts[0]),
          "%s %s kernel: Lustre: proj-OST0012-osc-ffff9a3c21e4d000: Connection to proj-OST0012 (at 10.20.0.42@o2ib) "
          "was lost; in progress operations using this service will wait for recovery to complete" % (c.syslog(-1478), hosts[0]),
          "%s %s kernel: LustreError: 167-0: proj-OST0012-osc-ffff9a3c21e4d000: This client was evicted by "
          "proj-OST0012; in progress operations using this service will fail." % (c.syslog(-1100), hosts[0]),
          "%s %s kernel: INFO: task pt_main_thread:881201 blocked for more than 122 seconds." % (c.syslog(-1350), hosts[0]),
          "%s %s kernel:       Tainted: G           OE      6.5.0-35-generic #35~22.04.1-Ubuntu" % (c.syslog(-1350), hosts[0]),
          "%s %s kernel: \"echo 0 > /proc/sys/kernel/hung_task_timeout_secs\" disables this message." % (c.syslog(-1350), hosts[0])]
    c.log(hosts[0] + "/journal", j)
    c.log(hosts[2] + "/journal", ck.kernel_noise(c, hosts[2], 4) + [
        "%s %s kernel: LustreError: 11-0: proj-OST0012-osc-ffff8e1b77a90000: operation ost_connect to node "
        "10.20.0.42@o2ib failed: rc = -110" % (c.syslog(-1200), hosts[2])])
    dcgm(c, hosts[0], util={g: after(-1475, lambda s, v: 100 if g else 0) for g in range(8)})
    c.with_topology()
    return c


@case
def v024():
    """H100, Megatron launched with 64 GPUs but a parallel layout (TP 8 x PP 3) that does not divide the
    world size: every rank fails the same assertion at start-up. srun aborts look like node failures."""
    hosts = ["gpu-h100-%d" % i for i in range(71, 79)]
    c = Case("case-v024", "launch_config_error", "job", hosts, gpu=H100)
    c.alert("SlurmJobFailed", "job 552016 llama-70b-pt FAILED in 48s", job="llama-70b-pt", node=hosts[4])
    r = ["srun: job 552016 queued and waiting for resources", "srun: job 552016 has been allocated resources"]
    r += ck.app_noise(c, 4)
    for rk in (0, 13, 40):
        r += ["[rank%d]: Traceback (most recent call last):" % rk,
              '[rank%d]:   File "/workspace/Megatron-LM/megatron/core/parallel_state.py", line 520, in initialize_model_parallel' % rk,
              "[rank%d]:     raise RuntimeError(" % rk,
              "[rank%d]: RuntimeError: world_size (64) is not divisible by tensor_model_parallel_size (8) x "
              "pipeline_model_parallel_size (3) x context_parallel_size (1)" % rk]
    r += ["srun: error: %s: tasks 32-39: Exited with exit code 1" % hosts[4],
          "srun: error: %s: tasks 0-7: Exited with exit code 1" % hosts[0],
          "srun: Terminating StepId=552016.0",
          "srun: error: %s: tasks 56-63: Exited with exit code 1" % hosts[7]]
    c.log("slurm/llama-70b-pt-552016.out", r)
    c.log("slurm/sbatch-script", ["#SBATCH --nodes=8", "#SBATCH --gpus-per-node=8",
                                  "TP=8 PP=3  # changed from PP=4 for the 80-layer variant",
                                  "srun python pretrain_gpt.py --tensor-model-parallel-size $TP "
                                  "--pipeline-model-parallel-size $PP --num-layers 81 ..."])
    dcgm(c, hosts[4], util={g: (lambda s, v: 0) for g in range(8)})
    c.with_topology()
    return c


@case
def v025():
    """H200 on Kubernetes (no node kernel log). A worker pod fails with 'CUDA error: unknown error' and
    NCCL 'unhandled cuda error'; the other pods time out. The nvidia-smi sidecar cannot get a handle for
    one GPU and its DCGM series stop. gpu.inventory shows 7 of 8 GPUs visible and gpu.health cannot
    reach it: the GPU fell off the bus. Needs probes to rule out an application fault."""
    hosts = ["h200-pool-7f9c2-0", "h200-pool-7f9c2-1", "h200-pool-7f9c2-2"]
    n = hosts[1]
    c = Case("case-v025", "gpu_fallen_off_bus", n + "/gpu3", hosts, gpu=H200)
    c.alert("PodFailed", "pytorchjob/sd3-train-worker-1 Error (exit 1)", namespace="genai", pod="sd3-train-worker-1",
            node=n)
    p = ck.app_noise(c, 6)
    p += ["%s:%d:%d [3] include/alloc.h:103 NCCL WARN Cuda failure 'unknown error'" % ("sd3-train-worker-1", 201, 288),
          "%s:%d:%d [3] NCCL INFO enqueue.cc:1310 -> 1" % ("sd3-train-worker-1", 201, 288),
          "[rank11]: torch.distributed.DistBackendError: NCCL error in: ../torch/csrc/distributed/c10d/NCCLUtils.hpp:317, "
          "unhandled cuda error (run with NCCL_DEBUG=INFO for details), NCCL version 2.21.5",
          "[rank11]: ncclUnhandledCudaError: Call to CUDA function failed.",
          "[rank11]: Last error:",
          "[rank11]: Cuda failure 'unknown error'",
          "[rank9]: RuntimeError: CUDA error: unknown error"]
    c.log("genai/sd3-train-worker-1/pytorch", p)
    side = []
    for t in (-900, -600, -300):
        side.append("%s nvidia-smi --query-gpu=index,temperature.gpu,utilization.gpu --format=csv,noheader" % c.iso(t))
        if t == -900:
            side += ["%d, %d, %d %%" % (g, 55 + g, 96) for g in range(8)]
        else:
            side += ["Unable to determine the device handle for GPU0000:%s:00.0: Unknown Error" % c.pci[3].upper()]
    c.log("genai/sd3-train-worker-1/gpu-monitor", side)
    w0 = ck.watchdog(c, 0, -40, 77190, op="ALLGATHER", numel=4194304)[:2]
    c.log("genai/sd3-train-worker-0/pytorch", ck.app_noise(c, 3) + w0)
    dcgm(c, n, util={3: lost_after(-640)}, temp={3: lost_after(-640)}, power={3: lost_after(-640)},
         clock={3: lost_after(-640)})
    c.inventory("gpu.inventory@%s/gpu3" % n, count=7, details={"nvml_error_gpu3": "GPU is lost"})
    c.errored("gpu.health@%s/gpu3" % n, "nvmlDeviceGetHandleByPciBusId(0000:%s:00.0) failed: GPU is lost" % c.pci[3],
              duration=0.6)
    c.health_rates("gpu.health@%s/gpu2" % n)
    c.with_topology()
    return c


@case
def v026():
    """H100 on Kubernetes (managed nodes, no kernel log; the DCGM exporter there scrapes no ECC fields).
    One rank dies with 'an illegal memory access was encountered' in a kernel that ran 40 000 steps
    fine, and the rest hit the watchdog. An application bug or the hardware? gpu.health shows volatile
    DBE errors on that GPU (the remap itself succeeded, no failure pending). Needs the probe."""
    hosts = ["gke-a3mega-pool-9d1e-hh2k", "gke-a3mega-pool-9d1e-r7tw"]
    n = hosts[0]
    c = Case("case-v026", "gpu_memory_uncorrectable_ecc", n + "/gpu6", hosts, gpu=H100, pci=ck.PCI_BUS_B)
    c.alert("JobRestarted", "jobset/llm-distill restarted (worker 0 failed)", namespace="distill", node=n)
    p = ck.fsdp_steps(c, -500, 10, 40121, step_s=2.0, rank=0)
    p += ["[rank6]: Traceback (most recent call last):",
          '[rank6]:   File "/app/distill/train.py", line 611, in train_step',
          "[rank6]:     loss.backward()",
          "[rank6]: RuntimeError: CUDA error: an illegal memory access was encountered",
          "[rank6]: CUDA kernel errors might be asynchronously reported at some other API call, so the stacktrace below might be incorrect.",
          "[rank6]: For debugging consider passing CUDA_LAUNCH_BLOCKING=1"]
    p += ck.watchdog(c, 2, -60, 1803320, numel=16777216)[:1]
    p += ck.watchdog(c, 13, -59, 1803320, numel=16777216)[:1]
    c.log("distill/llm-distill-worker-0/pytorch", p)
    c.log("kubernetes/events", [k8s_event(c, -30, "JobSet", "FailedJobs", "llm-distill",
                                          "jobset failed; restarting (attempt 3 of 10)")] +
          [k8s_event(c, -20, "Pod", "Killing", "llm-distill-worker-1", "Stopping container trainer", typ="Normal")])
    dcgm(c, n, util={6: after(-420, lambda s, v: 0)})
    c.health_rates("gpu.health@%s/gpu6" % n, ecc_dbe_volatile=2, ecc_dbe_aggregate=2, ecc_sbe_volatile=14,
                   remapped_rows_uncorrectable=1, xid_last=94)
    c.health_rates("gpu.health@%s/gpu5" % n)
    c.with_topology()
    return c


# -------------------------------------------------------------------- main
def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default=HERE, help="output directory (default: this script's directory)")
    args = ap.parse_args(argv)
    n = ck.write_cases([fn() for fn in CASES], args.out)
    print("wrote %d cases to %s" % (n, args.out))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
