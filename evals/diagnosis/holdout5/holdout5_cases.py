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


def noise(c, k):
    """k distinct harmless application lines (casekit's pool, sampled without repeats)."""
    return c.rng.sample(ck.NOISE_APP, k)


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


def k8s_event(c, s, kind, reason, obj, msg, typ="Warning"):
    return "%s  %s  %s  %s/%s  %s" % (c.iso(s), typ, reason, kind, obj, msg)


def healthy_probes(c, host, gpus):
    for g in gpus:
        c.health_rates("gpu.health@%s/gpu%d" % (host, g))


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
    r0 += noise(c, 3)
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
    e += noise(c, 4)
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
    p = ck.insert_at(p, 0.1, noise(c, 5))
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
    r += noise(c, 4)
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
    r = ck.megatron_iters(c, -1150, 5, 301122, step_s=5.2, loss=1.93)
    r += ck.megatron_iters(c, -640, 9, 301122 + 95, step_fn=lambda i: 6.6 * c.rng.uniform(0.985, 1.015), loss=1.90)
    for k, t in enumerate((-700, -520, -340, -160)):
        r.append("[%s] straggler detector: min_tflops rank 13 (%s GPU 5) %.1f; max rank %d %.1f; "
                 "ratio %.2f" % (c.ymd(t), n, 279.0 + k, 2 + k, 396.0, 0.71))
    r += noise(c, 3)
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
    r = ck.plain_steps(c, -1100, 8, 77310, step_s=0.91, loss=2.41)
    r += ck.plain_steps(c, -700, 14, 77310 + 430, step_fn=lambda i: 1.24 * c.rng.uniform(0.985, 1.015), loss=2.38)
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
    r = ck.deepspeed_steps(c, -900, 5, 4410, step_s=3.1, samples=330.0, mem=(21.4, 33.0))
    r += ck.deepspeed_steps(c, -500, 11, 4410 + 100, step_s=3.1, step_fn=lambda i: 4.37 * c.rng.uniform(0.985, 1.015), samples=330.0,
                            mem=(21.4, 33.0))
    for t in (-700, -450, -200):
        r.append("[%s] [INFO] [logging.py:96:log_dist] [Rank 0] time (ms) | fwd: 611.2 | bwd: 1310.7 | "
                 "step: %.1f | optimizer_step: %.1f | optimizer_gradients: 58.1 | optimizer_allgather: %.1f" % (
                     c.ymd_ms(t), 2290 + c.rng.uniform(-40, 40), 1980 + c.rng.uniform(-40, 40), 210 + c.rng.uniform(-10, 10)))
        r.append("[%s] [INFO] [logging.py:96:log_dist] [Rank 0] rank 10 optimizer_step %.0f ms, others %.0f-%.0f ms" % (
            c.ymd_ms(t + 1), 1990 + c.rng.uniform(-30, 30), 655, 702))
    r += noise(c, 3)
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
    r += noise(c, 3)
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
    c.log("slurm/gpt-neox-40b-55120.err", ["srun: Step created for StepId=55120.0"] + out + wd +
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
        lines += noise(c, 3)
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
    e += ["[%s] [ERROR] [launch.py:325:sigkill_handler] ['/usr/bin/python3', '-u', 'train.py', '--local_rank=0', "
          "'--deepspeed_config=ds.json'] exits with return code = 1" % c.ymd_ms(-300)]
    e = ck.deepspeed_steps(c, -400, 10, 2201, step_s=3.4, mem=(52.1, 71.9)) + e
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
    c.log(n + "/rank30.err", noise(c, 8) + o)
    c.gpu_metric("DCGM_FI_DEV_FB_USED", n, 61000, 1800, decimals=0,
                 over={6: lambda s, v: 74800 + c.rng.uniform(-400, 600) if s < -713 else 300,
                       7: lambda s, v: 66100 + c.rng.uniform(-900, 900)})
    dcgm(c, n, util={g: after(-700, lambda s, v, g=g: 100 if g != 6 else 0) for g in range(8)})
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
    lines += noise(c, 4)
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
    r += noise(c, 5)
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
    r += noise(c, 3)
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
    r += noise(c, 5)
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
    r = ck.megatron_iters(c, -700, 4, 14410, step_s=4.4, loss=2.02)
    r += ck.megatron_iters(c, -420, 4, 14410 + 58, step_fn=lambda i: 5.7 * c.rng.uniform(0.985, 1.015), loss=2.03)
    r += ck.megatron_iters(c, -150, 4, 14410 + 104, step_fn=lambda i: 7.2 * c.rng.uniform(0.985, 1.015), loss=2.05)
    for k, t in enumerate((-600, -450, -300, -150)):
        share3 = 0.21 + 0.08 * k
        r.append("[%s] moe-router layer 11: top experts e3 %.1f%% e11 %.1f%% (uniform 6.2%%), capacity_factor 1.25, "
                 "dropped tokens %.1f%%, aux_loss %.4f, z_loss %.4f" % (
                     c.ymd(t), 100 * share3, 100 * (share3 - 0.05), 8 + 9.5 * k, 0.011 + 0.02 * k, 0.0009))
        r.append("[%s] timers: all-to-all dispatch %.0f ms / combine %.0f ms (7-day median 41 / 38 ms)" % (
            c.ymd(t + 1), 60 + 45 * k, 55 + 40 * k))
    r.append("[%s] straggler detector: min_tflops ranks [3, 11, 19, 27] (EP rank 3 of each EP group)" % c.ymd(-100))
    r += noise(c, 3)
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
    c.log("train/fsdp-gemma-27b-worker-0/pytorch", r + noise(c, 3))
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
        r.append("%s Epoch 7:  %d%%|####      | %d/%d [3:%02d:%02d<4:51:10, %.2fit/s, v_num=8, train_loss=%.3f, "
                 "data_wait=%.2fs]" % (c.ymd(t), 41 + i, 14020 + 20 * i, 34000, 10 + i, c.rng.randrange(60), 1 / st,
                                       2.12 - 0.001 * i, dw))
    r.insert(6, "%s WARNING webdataset: shard s3://laion-mirror/shard-01842.tar fetch took 38.2 s (p50 1.9 s), retrying slow range reads" % c.ymd(-1000))
    r.insert(9, "%s WARNING webdataset: 12 of 16 workers waiting on fetch (queue depth 0/64)" % c.ymd(-820))
    r += noise(c, 4)
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
    r = ck.megatron_iters(c, -1530, 6, 19994, step_s=4.4)
    r.append("saving checkpoint at iteration   20000 to /lustre/proj/llama-8b-long/ckpt in torch_dist format")
    for rk in (1, 9, 26, 31):
        r += torch_old_watchdog(c, rk, -870 + 0.3 * rk, 6043122, op="_ALLGATHER_BASE", numel=8388608,
                                timeout_ms=600000)[:1]
    c.log("slurm/llama-8b-long-228810.out", r + noise(c, 3))
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
    dcgm(c, hosts[0], util={g: after(-1475, lambda s, v, g=g: 100 if g else 0) for g in range(8)})
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
    r += noise(c, 4)
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
    p = noise(c, 6)
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
    c.log("genai/sd3-train-worker-0/pytorch", noise(c, 3) + w0)
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
    p = ck.fsdp_steps(c, -700, 10, 40121, step_s=2.0, rank=0)
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
    dcgm(c, n, util={6: after(-680, lambda s, v: 0)})
    c.health_rates("gpu.health@%s/gpu6" % n, ecc_dbe_volatile=2, ecc_dbe_aggregate=2, ecc_sbe_volatile=14,
                   remapped_rows_uncorrectable=1, xid_last=94)
    c.health_rates("gpu.health@%s/gpu5" % n)
    c.with_topology()
    return c


@case
def v027():
    """A100, DeepSpeed on 2 nodes. A loud PCIe AER uncorrectable (fatal) error comes first, then Xid
    79 for the same GPU; ranks on both nodes die with NCCL errors. The fatal AER is part of the GPU
    dropping off the bus, not a separate PCIe degradation."""
    hosts = ["a100-pcie-lab-07", "a100-pcie-lab-08"]
    n = hosts[0]
    c = Case("case-v027", "gpu_fallen_off_bus", n + "/gpu6", hosts, gpu=A100)
    c.alert("NodeHardwareError", "AER fatal error on %s" % n, node=n, job="codegen-16b")
    bus = c.pci[6]
    d = ck.kernel_noise(c, n, 6, fmt="dmesg")
    d += ["%s pcieport 0000:%02x:01.0: AER: Uncorrected (Fatal) error received: 0000:%s:00.0" % (c.dmesg(-402.1), int(bus, 16) - 1, bus),
          "%s nvidia 0000:%s:00.0: PCIe Bus Error: severity=Uncorrected (Fatal), type=Transaction Layer, (Receiver ID)" % (c.dmesg(-402.1), bus),
          "%s nvidia 0000:%s:00.0:   device [10de:20b2] error status/mask=00000020/00000000" % (c.dmesg(-402.1), bus),
          "%s nvidia 0000:%s:00.0:    [ 5] SDES                   (First)" % (c.dmesg(-402.1), bus),
          "%s pcieport 0000:%02x:01.0: AER: Root Port link has been reset (0)" % (c.dmesg(-401.9), int(bus, 16) - 1),
          "%s NVRM: The NVIDIA GPU 0000:%s:00.0" % (c.dmesg(-401.5), bus),
          "%s NVRM: (PCI ID: 10de:20b2) installed in this system has" % c.dmesg(-401.5),
          "%s NVRM: fallen off the bus and is not responding to commands." % c.dmesg(-401.5),
          "%s NVRM: Xid (PCI:0000:%s:00): 79, pid=31876, name=python3, GPU has fallen off the bus." % (c.dmesg(-401.4), bus)]
    c.log(n + "/dmesg", d)
    r = ck.deepspeed_steps(c, -500, 8, 7001, step_s=4.4, mem=(58.0, 74.1))
    r += ["%s:%d:%d [6] NCCL INFO [Service thread] Connection closed by localRank 6" % (n, 31876, 31990),
          "%s:%d:%d [2] include/alloc.h:103 NCCL WARN Cuda failure 'unspecified launch failure'" % (n, 31870, 31951),
          "[%s] [ERROR] [launch.py:325:sigkill_handler] ['/usr/bin/python3', '-u', 'train.py', '--local_rank=2'] "
          "exits with return code = 1" % c.ymd_ms(-380)]
    c.log(n + "/deepspeed.log", r)
    c.log(hosts[1] + "/rank9.err", noise(c, 2) + ck.watchdog(c, 9, -100, 144018, op="ALLGATHER", numel=2097152, timeout_ms=300000)[:4])
    dcgm(c, n, util={6: lost_after(-402)}, temp={6: lost_after(-402)}, power={6: lost_after(-402)},
         clock={6: lost_after(-402)})
    c.with_topology()
    return c


@case
def v028():
    """A100, Slurm with NHC. Xid 95 (uncontained ECC) kills the job on one GPU; NHC drains the node and
    its nvidia-smi -q ECC section shows the volatile DRAM uncorrectable count. Other ranks report
    cascaded NCCL errors."""
    hosts = ["ga%03d" % i for i in (88, 89, 90, 91)]
    n = hosts[2]
    c = Case("case-v028", "gpu_memory_uncorrectable_ecc", n + "/gpu0", hosts, gpu=A100)
    c.alert("NodeDrained", "%s drained by NHC: GPU ECC" % n, node=n, partition="a100")
    j = ck.kernel_noise(c, n, 6)
    j += ["%s %s kernel: NVRM: Xid (PCI:0000:%s:00): 95, pid=1928811, name=python, Uncontained: FBHUB. "
          "RST: Yes, D-RST: No" % (c.syslog(-640), n, c.pci[0]),
          "%s %s kernel: NVRM: Xid (PCI:0000:%s:00): 154, GPU recovery action changed from 0x0 (None) to 0x1 "
          "(GPU Reset Required)" % (c.syslog(-640), n, c.pci[0]),
          "%s %s nhc[331020]: ERROR:  nhc:  Health check failed:  check_nv_healthmon:  GPU 0: DRAM Uncorrectable "
          "volatile ECC errors: 1" % (c.syslog(-300), n),
          "%s %s slurmd[2910]: Node %s now DRAIN: NHC: check_nv_healthmon: GPU 0 ECC" % (c.syslog(-299), n, n)]
    c.log(n + "/journal", j)
    q = ["==============NVSMI LOG==============", "GPU 00000000:%s:00.0" % c.pci[0].upper(),
         "    Product Name                          : NVIDIA A100-SXM4-80GB",
         "    ECC Errors",
         "        Volatile",
         "            SRAM Correctable              : 0",
         "            SRAM Uncorrectable            : 0",
         "            DRAM Correctable              : 3",
         "            DRAM Uncorrectable            : 1",
         "        Aggregate",
         "            DRAM Uncorrectable            : 1",
         "    Retired Pages",
         "        Single Bit ECC                    : N/A",
         "        Double Bit ECC                    : N/A",
         "    Remapped Rows",
         "        Correctable Error                 : 0",
         "        Uncorrectable Error               : 1",
         "        Pending                           : Yes",
         "        Remapping Failure Occurred        : No"]
    c.log(n + "/nvidia-smi-q", q)
    o = ["[rank16]: RuntimeError: CUDA error: uncorrectable ECC error encountered",
         "[rank21]: torch.distributed.DistBackendError: NCCL error in: ../torch/csrc/distributed/c10d/NCCLUtils.hpp:275, "
         "unhandled cuda error (run with NCCL_DEBUG=INFO for details), NCCL version 2.19.3",
         "[rank3]: torch.distributed.DistBackendError: NCCL error: remote process exited or there was a network error",
         "srun: error: %s: tasks 16-23: Exited with exit code 1" % n]
    c.log("slurm/sbert-distill-70141.out", ck.plain_steps(c, -900, 14, 2201, step_s=17.1) + o)
    c.with_topology()
    return c


@case
def v029():
    """H100. A node-health sweep after a crash: dcgmi health reports the row remapper failed on GPU 3
    (nvidia-smi -q agrees: 'Remapping Failure Occurred: Yes', bank exhausted); the job had been
    restarting on this node with ECC errors. DCGM's row-remap-failure field is 1 for that GPU."""
    hosts = ["hgx-b-%02d" % i for i in (11, 12)]
    n = hosts[1]
    c = Case("case-v029", "gpu_row_remap_failure", n + "/gpu3", hosts, gpu=H100, pci=ck.PCI_BUS_B)
    c.alert("GPURowRemapFailure", "DCGM_FI_DEV_ROW_REMAP_FAILURE=1 on %s" % n, node=n, Hostname=n, gpu="3")
    h = ["+---------------------------+----------------------------------------------------------+",
         "| Health Monitor Report                                                                |",
         "+===========================+==========================================================+",
         "| Overall Health            | Failure                                                  |",
         "| GPU                       |                                                          |",
         "| -> 3                      | Failure                                                  |",
         "|    -> Errors              |                                                          |",
         "|       -> Memory system    | Failure                                                  |",
         "|                           | GPU 3 had uncorrectable memory errors and row remapping  |",
         "|                           | failed. Drain the GPU and reset it or reboot the node.   |",
         "+---------------------------+----------------------------------------------------------+"]
    c.log(n + "/dcgmi-health-c", ["$ dcgmi health -g 1 -c"] + h)
    q = ["$ nvidia-smi -q -i 3 -d ROW_REMAPPER",
         "GPU 00000000:%s:00.0" % c.pci[3].upper(),
         "    Remapped Rows",
         "        Correctable Error                 : 0",
         "        Uncorrectable Error               : 8",
         "        Pending                           : No",
         "        Remapping Failure Occurred        : Yes",
         "        Bank Remap Availability Histogram",
         "            Max                           : 632 bank(s)",
         "            High                          : 0 bank(s)",
         "            Partial                       : 1 bank(s)",
         "            Low                           : 0 bank(s)",
         "            None                          : 7 bank(s)"]
    c.log(n + "/nvidia-smi-q", q)
    j = ck.kernel_noise(c, n, 5)
    j += ["%s %s kernel: NVRM: Xid (PCI:0000:%s:00): 48, pid=4401, name=python3, An uncorrectable double bit error "
          "(DBE) has been detected on GPU in the framebuffer at partition 3, subpartition 0." % (c.syslog(-1100), n, c.pci[3]),
          "%s %s kernel: NVRM: Xid (PCI:0000:%s:00): 64, pid=4401, name=python3, Row Remapper Error: failed to remap "
          "row 0x00000000001a2b40 (bank exhausted)" % (c.syslog(-1100), n, c.pci[3])]
    c.log(n + "/journal", j)
    c.gpu_metric("DCGM_FI_DEV_ROW_REMAP_FAILURE", n, 0, 0, decimals=0, over={3: lambda s, v: 0 if s < -1100 else 1})
    c.gpu_metric("DCGM_FI_DEV_UNCORRECTABLE_REMAPPED_ROWS", n, 0, 0, decimals=0, over={3: lambda s, v: 8})
    c.with_topology()
    return c


@case
def v030():
    """H200 on Kubernetes. A Megatron job hangs; every pod logs a watchdog timeout; no kernel log is
    shipped and DCGM only shows all GPUs idling at 0% after the hang. gpu.health on the node's GPUs:
    GPU 5 reports last Xid 119 (GSP timeout), the others pass, and a GEMM on GPU 5 cannot complete.
    Needs probes (the hang alone could be any stuck rank)."""
    hosts = ["h200-gpu-node-%d" % i for i in (12, 13)]
    n = hosts[1]
    c = Case("case-v030", "gpu_firmware_error", n + "/gpu5", hosts, gpu=H200)
    c.alert("TrainingStalled", "mj-retrieval-8b no progress 25m", namespace="retrieval", node=hosts[0],
            job="mj-retrieval-8b")
    for w, h in enumerate(hosts):
        lines = noise(c, 3) + ck.megatron_iters(c, -1700, 6, 33402, step_s=3.8)
        lines += ck.watchdog(c, w * 8 + 1, -1050 + w, 91177, op="ALLGATHER", numel=33554432, timeout_ms=600000)[:2]
        lines += ck.watchdog(c, w * 8 + 6, -1050 + w, 91177, op="ALLGATHER", numel=33554432, timeout_ms=600000)[:1]
        c.log("retrieval/mj-retrieval-8b-worker-%d/pytorch" % w, lines)
    dcgm(c, n, util={g: after(-1650, lambda s, v, g=g: 100 if g != 5 else 0) for g in range(8)},
         power={5: after(-1650, lambda s, v: 121 + c.rng.uniform(-2, 2))})
    for g in range(8):
        if g == 5:
            c.health_rates("gpu.health@%s/gpu5" % n, xid_last=119, power_w=121)
        elif g in (2, 4):
            c.health_rates("gpu.health@%s/gpu%d" % (n, g))
    c.errored("gpu.gemm@%s/gpu5" % n, "cuBLASLt GEMM did not complete within the 30 s probe limit "
              "(cudaStreamSynchronize still pending)", duration=30.4)
    c.gemm("gpu.gemm@%s/gpu4" % n)
    c.with_topology()
    return c


@case
def v031():
    """A100 (pre-GSP driver). Xid 62 (internal micro-controller halt) on GPU 1, then the process on that
    GPU hangs and the rest time out. Old torch wording for the watchdog."""
    hosts = ["dgxa100-%02d" % i for i in (5, 6, 7)]
    n = hosts[0]
    c = Case("case-v031", "gpu_firmware_error", n + "/gpu1", hosts, gpu=A100)
    c.alert("NCCLWatchdog", "bloomz-ft: 23 ranks watchdog timeout", node=hosts[2], job="bloomz-ft")
    o = []
    for rk in (4, 10, 17, 22):
        o += torch_old_watchdog(c, rk, -20 + rk * 0.05, 250331, numel=4194304)[:1]
    c.log("slurm/bloomz-ft-330118.out", ck.plain_steps(c, -1860, 12, 8801, step_s=2.2, loss=1.21) + noise(c, 3) + o)
    j = ck.kernel_noise(c, n, 7)
    j += ["%s %s kernel: NVRM: Xid (PCI:0000:%s:00): 62, pid=2291, name=python3, 0000(1634) 00000000 00000000" % (
        c.syslog(-1826), n, c.pci[1]),
          "%s %s kernel: NVRM: Xid (PCI:0000:%s:00): 62, pid=2291, name=python3, Internal micro-controller halt" % (
              c.syslog(-1826), n, c.pci[1])]
    c.log(n + "/journal", j)
    dcgm(c, n, util={g: (lambda s, v: 100) for g in range(8) if g != 1}, power={1: lambda s, v: 88 + c.rng.uniform(-2, 2)})
    c.gpu_metric("DCGM_FI_DEV_XID_ERRORS", n, 0, 0, decimals=0, over={1: lambda s, v: 62})
    c.with_topology()
    return c


@case
def v032():
    """H100, Megatron on 2 nodes. Rank 2 fails with 'uncorrectable NVLink error was detected during the
    execution'; the kernel log shows Xid 74 (NVLink fatal error on link 7) for GPU 2 and the job's
    other ranks abort with NCCL errors."""
    hosts = ["gpu-h-%03d" % i for i in (501, 502)]
    n = hosts[0]
    c = Case("case-v032", "nvlink_error", n + "/gpu2", hosts, gpu=H100)
    c.alert("JobFailed", "mm-vlm-34b failed (exit 1)", job="mm-vlm-34b", node=n)
    r = ck.megatron_iters(c, -600, 10, 12201, step_s=5.9)
    r += ["[rank2]: RuntimeError: CUDA error: uncorrectable NVLink error was detected during the execution",
          "[rank2]: CUDA kernel errors might be asynchronously reported at some other API call, so the stacktrace below might be incorrect.",
          "%s:%d:%d [5] NCCL INFO misc/socket.cc:49 -> 3" % (n, 40112, 40190),
          "[rank5]: torch.distributed.DistBackendError: NCCL error in: ../torch/csrc/distributed/c10d/NCCLUtils.hpp:275, "
          "unhandled cuda error (run with NCCL_DEBUG=INFO for details), NCCL version 2.20.5"]
    c.log("slurm/mm-vlm-34b-7123.out", r)
    j = ck.kernel_noise(c, n, 6)
    j += ["%s %s kernel: NVRM: Xid (PCI:0000:%s:00): 74, pid=40108, name=python3, NVLink: fatal error detected on "
          "link 7(0x0, 0x0, 0x10000, 0x0, 0x0, 0x0, 0x0)" % (c.syslog(-535), n, c.pci[2]),
          "%s %s kernel: NVRM: Xid (PCI:0000:%s:00): 74, pid=40108, name=python3, NVLink: Link 7 is now in a failed "
          "state" % (c.syslog(-535), n, c.pci[2]),
          "%s %s nv-fabricmanager[3011]: detected NVLink fatal error on GPU physical id 2 link 7, requesting GPU reset" % (
              c.syslog(-534), n)]
    c.log(n + "/journal", j)
    c.gpu_metric("DCGM_FI_DEV_NVLINK_CRC_FLIT_ERROR_COUNT_TOTAL", n, 100, 10, decimals=0, counter=True,
                 over={2: lambda s, v: v if s < -560 else v + 4000 * (s + 560)})
    c.with_topology()
    return c


@case
def v033():
    """A100, 2 nodes, plain PyTorch DDP. A comm self-test at job start reports half the usual intra-node
    all-reduce bandwidth and steps are ~25% slower; no error lines. gpu.health shows 2 of GPU 1's 12
    NVLinks down; the p2p matrix has every pair with GPU 1 slow. Needs probes."""
    hosts = ["a100-dgx-31", "a100-dgx-32"]
    n = hosts[1]
    c = Case("case-v033", "nvlink_error", n + "/gpu1", hosts, gpu=A100)
    c.alert("StepTimeHigh", "resnet-rs-420: step time 1.27x baseline on all ranks", job="resnet-rs-420", node=hosts[0])
    r = ["%s | INFO | commcheck | all_reduce 1GiB over 16 ranks: busbw %.1f GB/s (expected >= 180)" % (c.ymd(-1300), 96.4),
         "%s | WARNING | commcheck | below expectation; continuing" % c.ymd(-1299)]
    r += ck.plain_steps(c, -1290, 26, 501, step_s=0.78 * 1.27, loss=2.9) + noise(c, 3)
    c.log(hosts[0] + "/rank0.log", r)
    dcgm(c, n)
    c.health_rates("gpu.health@%s/gpu1" % n, nvlink_links_up=10, nvlink_recovery_errors=6, nvlink_crc_errors_per_s=2.0)
    c.health_rates("gpu.health@%s/gpu0" % n)
    c.nccl("nccl.p2p_matrix@" + n, busbw=61.3, minimum=150.0, details={"slowest_pair": "gpu1->gpu6", "median_pair_gb_s": 241.9})
    c.fail("nccl.p2p_matrix@" + n, "min_pair_gb_s 61.3 below 150.0: pairs with gpu1 at 61-88 GB/s, median pair 241.9 GB/s")
    c.nccl("nccl.allreduce@" + n, busbw=104.2, minimum=180.0)
    c.nccl("nccl.allreduce@" + hosts[0], minimum=180.0)
    c.with_topology()
    return c


@case
def v034():
    """A100 node whose fan module failed: the BMC SEL shows fans going below the critical threshold,
    all eight GPUs climb into the upper 80s with SW/HW thermal slowdown (0x60) in DCGM's clock-event
    reasons, and the node is the straggler. The whole node, not one GPU."""
    hosts = ["a100-r4-%02d" % i for i in (1, 2, 3, 4)]
    n = hosts[3]
    c = Case("case-v034", "gpu_thermal_throttle", n, hosts, gpu=A100)
    c.alert("NodeSlow", "ranks 24-31 (%s) 1.4x slower than the rest" % n, node=n, job="sam2-pt")
    sel = ["$ ipmitool sel elist | tail",
           "  1f3 | %s | Fan FAN6_A | Lower Critical going low  | Asserted | Reading 0 < Threshold 1800 RPM" % c.ymd(-1000).replace(" ", " | "),
           "  1f4 | %s | Fan FAN6_B | Lower Critical going low  | Asserted | Reading 0 < Threshold 1800 RPM" % c.ymd(-1000).replace(" ", " | "),
           "  1f5 | %s | Temperature GPU_Tray_Inlet | Upper Non-critical going high | Asserted | Reading 41 > Threshold 38 degrees C" % c.ymd(-870).replace(" ", " | "),
           "  1f6 | %s | Temperature GPU_Tray_Inlet | Upper Critical going high | Asserted | Reading 46 > Threshold 45 degrees C" % c.ymd(-610).replace(" ", " | ")]
    c.log(n + "/bmc-sel", sel + ck.kernel_noise(c, n, 3))
    c.log(hosts[0] + "/train.log", ck.plain_steps(c, -1150, 8, 93001, step_s=1.5) +
          ck.plain_steps(c, -500, 12, 93001 + 400, step_fn=lambda i: 2.1 * c.rng.uniform(0.985, 1.015)))
    hot = lambda s, v: v if s < -950 else min(89, 62 + (s + 950) / 12) + c.rng.uniform(-1, 1)
    dcgm(c, n, temp={g: hot for g in range(8)}, clock={g: after(-800, lambda s, v: 1005 + c.rng.uniform(-40, 40)) for g in range(8)})
    c.gpu_metric("DCGM_FI_DEV_CLOCKS_EVENT_REASONS", n, 0, 0, decimals=0,
                 over={g: (lambda s, v: 0 if s < -800 else 96) for g in range(8)})
    c.with_topology()
    return c


@case
def v035():
    """H200, 4-node job on Kubernetes whose DCGM exporter config keeps only utilisation and power (no
    temperature or clocks). One rank on the second node is slower every step. gpu.health on it: 89 C,
    SW thermal slowdown holding the clock at 1.3 GHz; gpu.gemm low; the neighbours pass. Needs probes."""
    hosts = ["gpu-h200-%s" % x for x in ("k8s-q01", "k8s-q02", "k8s-q03", "k8s-q04")]
    n = hosts[1]
    c = Case("case-v035", "gpu_thermal_throttle", n + "/gpu6", hosts, gpu=H200, pci=ck.PCI_BUS_B)
    c.alert("StragglerDetected", "rank 14 slowest in 95% of steps (last 1h)", node=n, namespace="pretrain",
            job="tulu-70b")
    r = ck.megatron_iters(c, -900, 14, 61021, step_s=8.8, loss=1.51)
    r += ["[%s] straggler detector: min_tflops rank 14 %.1f / median %.1f" % (c.ymd(t), 318 + c.rng.uniform(-4, 4), 402.1)
          for t in (-700, -400, -100)]
    c.log("pretrain/tulu-70b-worker-0/pytorch", noise(c, 5) + r)
    c.gpu_metric("DCGM_FI_DEV_GPU_UTIL", n, 96, 3, decimals=0)
    c.gpu_metric("DCGM_FI_DEV_POWER_USAGE", n, 610, 40, decimals=1, over={6: lambda s, v: 520 + c.rng.uniform(-15, 15)})
    c.health_rates("gpu.health@%s/gpu6" % n, temperature_c=89, hbm_temperature_c=94, sm_clock_mhz=1305,
                   clock_event_reasons=ck.CLK_SW_THERMAL)
    c.health_rates("gpu.health@%s/gpu7" % n)
    c.gemm("gpu.gemm@%s/gpu6" % n, tflops=512.6)
    c.gemm("gpu.gemm@%s/gpu7" % n)
    c.with_topology()
    return c


@case
def v036():
    """H100 node where every GPU's clock falls to ~700 MHz at the same moment while temperatures stay
    normal; the job's straggler is the whole node. Metrics alone cannot say thermal vs power vs a
    driver setting; gpu.health on its GPUs reports HW power brake slowdown (0x80), i.e. the board's
    external power-brake signal (power delivery), not temperature. Needs probes."""
    hosts = ["cx-h100-%02d" % i for i in range(1, 9)]
    n = hosts[6]
    c = Case("case-v036", "gpu_power_throttle", n, hosts, gpu=H100)
    c.alert("NodeStraggler", "node %s ranks 2.1x slower since %s" % (n, "14 min"), node=n, job="sd-xl-ft")
    r = ck.deepspeed_steps(c, -1000, 6, 3001, step_s=2.0)
    r += ck.deepspeed_steps(c, -600, 14, 3001 + 120, step_s=2.0, step_fn=lambda i: 4.2 * c.rng.uniform(0.985, 1.015))
    c.log(hosts[0] + "/deepspeed.log", r)
    brake = lambda s, v: v if s < -840 else 705 + c.rng.uniform(-30, 30)
    dcgm(c, n, clock={g: brake for g in range(8)}, power={g: after(-840, lambda s, v: 250 + c.rng.uniform(-20, 20)) for g in range(8)})
    for g in (0, 3, 7):
        c.health_rates("gpu.health@%s/gpu%d" % (n, g), sm_clock_mhz=690 + 10 * g, clock_event_reasons=ck.CLK_HW_POWER_BRAKE | ck.CLK_HW_SLOWDOWN,
                       power_w=240 + g)
    c.health_rates("gpu.health@%s/gpu0" % hosts[5])
    c.log(n + "/journal", ck.kernel_noise(c, n, 9))
    c.with_topology()
    return c


@case
def v037():
    """H200. One GPU was left with a 400 W power limit by a burn-in script (its log shows it); DCGM's
    power-limit field and the SW power-cap reason (0x4) agree on that GPU only. The straggler alert
    names the rank on it."""
    hosts = ["h200-sjc-%03d" % i for i in (14, 15)]
    n = hosts[0]
    c = Case("case-v037", "gpu_power_throttle", n + "/gpu3", hosts, gpu=H200)
    c.alert("RankStraggler", "rank 3 step time 1.22x median", node=n, job="phi-moe-ft")
    b = ["%s burnin[7714]: stage 3/5 power-limit sweep on GPU 3: nvidia-smi -i 3 -pl 400" % c.syslog(-2000 + 900),
         "%s burnin[7714]: Power limit for GPU 00000000:%s:00.0 was set to 400.00 W from 700.00 W." % (c.syslog(-1099), c.pci[3].upper()),
         "%s burnin[7714]: stage 4/5 skipped: --quick; restore step not run" % c.syslog(-1090),
         "%s burnin[7714]: finished (exit 0)" % c.syslog(-1089)]
    c.log(n + "/journal", ck.kernel_noise(c, n, 8) + b)
    c.log(n + "/train.log", ck.fsdp_steps(c, -1000, 18, 820, step_s=3.0, step_fn=lambda i: 3.66 * c.rng.uniform(0.985, 1.015)))
    c.gpu_metric("DCGM_FI_DEV_POWER_MGMT_LIMIT", n, 700, 0, decimals=0, over={3: lambda s, v: 700 if s < -1099 else 400})
    c.gpu_metric("DCGM_FI_DEV_CLOCKS_EVENT_REASONS", n, 0, 0, decimals=0, over={3: lambda s, v: 0 if s < -1099 else 4})
    dcgm(c, n, power={3: after(-1099, lambda s, v: 398 + c.rng.uniform(-4, 2))},
         clock={3: after(-1099, lambda s, v: 1410 + c.rng.uniform(-60, 60))})
    c.with_topology()
    return c


@case
def v038():
    """H100. After a node reboot one GPU's PCIe link trained at 2.5 GT/s (Gen1); the boot log line says so,
    AER corrected errors follow, and the rank on it stalls on host-device copies (CPU offload of
    activations), showing as the straggler."""
    hosts = ["pod7-h100-%02d" % i for i in (21, 22)]
    n = hosts[1]
    c = Case("case-v038", "pcie_link_degraded", n + "/gpu3", hosts, gpu=H100)
    c.alert("RankStraggler", "rank 11 h2d copy time 9x median", node=n, job="longctx-13b")
    bus = c.pci[3]
    d = ["%s pci 0000:%s:00.0: [10de:2330] type 00 class 0x030200" % (c.dmesg(-30000), bus),
         "%s pci 0000:%s:00.0: 2.000 Gb/s available PCIe bandwidth, limited by 2.5 GT/s PCIe x1 link at 0000:%02x:00.0 "
         "(capable of 504.112 Gb/s with 32.0 GT/s PCIe x16 link)" % (c.dmesg(-30000), bus, int(bus, 16) - 2),
         "%s pcieport 0000:%02x:00.0: AER: Corrected error received: 0000:%s:00.0" % (c.dmesg(-700), int(bus, 16) - 2, bus),
         "%s nvidia 0000:%s:00.0: PCIe Bus Error: severity=Corrected, type=Physical Layer, (Receiver ID)" % (c.dmesg(-700), bus),
         "%s nvidia 0000:%s:00.0:   device [10de:2330] error status/mask=00000001/0000e000" % (c.dmesg(-700), bus),
         "%s nvidia 0000:%s:00.0:    [ 0] RxErr                  (First)" % (c.dmesg(-700), bus)]
    c.log(n + "/dmesg", ck.kernel_noise(c, n, 6, fmt="dmesg", start_s=-29000) + d)
    r = ck.plain_steps(c, -900, 16, 1201, step_s=6.1, loss=2.2)
    r += ["%s | WARNING | offload | rank 11 activation offload h2d %.0f ms (median %.0f ms)" % (c.ymd(t), 2810 + t / 10, 301)
          for t in (-600, -300)]
    c.log(hosts[0] + "/train.log", r)
    c.gpu_metric("DCGM_FI_PROF_PCIE_RX_BYTES", n, 1.8e10, 2e9, decimals=0, over={3: lambda s, v: 2.3e8 + c.rng.uniform(-1e7, 1e7)})
    dcgm(c, n, util={g: (lambda s, v: 63 + c.rng.uniform(-5, 5)) for g in range(8)})
    c.with_topology()
    return c


@case
def v039():
    """H200 on Kubernetes (no kernel log, exporter without PCIe fields). One rank's step time is jumpy
    and its data-to-device copies are slow; could be a dataloader, CPU or link problem. gpu.health on
    that GPU: link downtrained to Gen3 with replays at hundreds per second; its pcie bandwidth probe is
    low; a neighbour passes. Needs probes."""
    hosts = ["gke-h200-a3u-7c41-9f0s", "gke-h200-a3u-7c41-m1de"]
    n = hosts[0]
    c = Case("case-v039", "pcie_link_degraded", n + "/gpu4", hosts, gpu=H200)
    c.alert("SlowRank", "rank 4 data_to_device p99 4.1s", node=n, namespace="vision", job="dino-g")
    r = ck.plain_steps(c, -900, 18, 70010, step_s=1.3, step_fn=lambda i: 1.3 * (1 + (0.9 if i % 3 == 0 else 0.2)))
    r += ["%s | WARNING | timer | rank 4 data_to_device p50 %.2fs p99 %.2fs (others p99 0.09s)" % (c.ymd(t), 0.8, 4.1)
          for t in (-600, -200)]
    c.log("vision/dino-g-worker-0/pytorch", r + noise(c, 2))
    dcgm(c, n)
    c.health_rates("gpu.health@%s/gpu4" % n, pcie_link_gen=3, pcie_replay_count=981230, pcie_replay_per_s=412.0)
    c.pcie("gpu.pcie_bandwidth@%s/gpu4" % n, h2d=9.8, d2h=11.2)
    c.pcie("gpu.pcie_bandwidth@%s/gpu5" % n)
    c.health_rates("gpu.health@%s/gpu5" % n)
    c.with_topology()
    return c


@case
def v040():
    """H100, Megatron with the rerun state machine (SDC detection). A NaN in the grad norm on rank 29
    is re-run: the result is not reproducible on the same GPU, reproducible elsewhere; Megatron flags a
    suspected persistent fault on that GPU and exits. Looks like a loss problem at first."""
    hosts = ["nv-h100-%03d" % i for i in (40, 41, 42, 43)]
    n = hosts[3]
    c = Case("case-v040", "gpu_silent_data_corruption", n + "/gpu5", hosts, gpu=H100, pci=ck.PCI_BUS_B)
    c.alert("TrainingExited", "gpt-20b-rerun exited with code 16 (rerun state machine)", job="gpt-20b-rerun", node=hosts[0])
    r = ck.megatron_iters(c, -400, 8, 77301, step_s=4.0, loss=1.77)
    r += ["[%s] WARNING:megatron.core.rerun_state_machine:Unexpected result nan on rank 29 at iteration #77309 "
          "invocation #1 (message='found NaN in local grad norm for bucket #0 in backward pass before data-parallel "
          "communication collective')" % c.ymd(-360),
          "[%s] INFO:megatron.core.rerun_state_machine:Rerunning iteration #77309 on rank 29 to check reproducibility" % c.ymd(-359),
          "[%s] WARNING:megatron.core.rerun_state_machine:Result not reproducible on rank 29 (iteration #77309): first "
          "run nan, rerun 1.412E+00" % c.ymd(-351),
          "[%s] INFO:megatron.core.rerun_state_machine:Checkpointing and exiting so iteration #77309 can be re-run on "
          "different GPUs" % c.ymd(-350),
          "[%s] WARNING:megatron.core.rerun_state_machine:Previous run of iteration #77309 on rank 29 (%s, GPU 5) "
          "was not reproduced on the new placement: suspected persistent fault on that GPU (exit code 16)" % (c.ymd(-30), n)]
    r += noise(c, 4)
    c.log("slurm/gpt-20b-rerun-44101.out", r)
    c.log(n + "/journal", ck.kernel_noise(c, n, 6))
    dcgm(c, n)
    c.with_topology()
    return c


@case
def v041():
    """H200, DDP on 2 nodes with an in-house replica check that compares parameter checksums across
    data-parallel replicas after each optimizer step. Replica 1 (the second node) drifts from the rest
    without any error or NaN. Which GPU? gpu.sdc on both nodes: the second node's vote has GPU 2
    disagreeing; health clean. Needs probes."""
    hosts = ["h200-ib-1041", "h200-ib-1042"]
    n = hosts[1]
    c = Case("case-v041", "gpu_silent_data_corruption", n + "/gpu2", hosts, gpu=H200)
    c.alert("ReplicaChecksumMismatch", "param checksum differs across DP replicas (fold-bio-3b)", job="fold-bio-3b", node=hosts[0])
    r = ck.plain_steps(c, -800, 14, 90110, step_s=2.4, loss=0.611)
    for t, k in ((-600, 3), (-400, 11), (-200, 19)):
        r.append("%s | WARNING | replica_check | step %d: checksum(params) replica 0 0x%08x, replica 1 0x%08x "
                 "(%d of 4096 buckets differ)" % (c.ymd(t), 90110 + k * 3, c.rng.randrange(1 << 32), c.rng.randrange(1 << 32), k))
    c.log(hosts[0] + "/train.log", r + noise(c, 3))
    c.sdc("gpu.sdc@" + hosts[0])
    c.sdc("gpu.sdc@" + n, mismatched=1204, bad_gpu="gpu2")
    c.health_rates("gpu.health@%s/gpu2" % n)
    dcgm(c, n)
    c.with_topology()
    return c


@case
def v042():
    """H100 on Kubernetes with RoCE (NCCL over mlx5 in RoCE mode). Peers of one node log IB completion
    errors and QP timeouts; the node's kernel log shows its second NIC's link flapping and ethtool
    counters show CRC errors and link-down events on that port only."""
    hosts = ["gpu-roce-%02d" % i for i in (31, 32, 33, 34)]
    n = hosts[2]
    c = Case("case-v042", "ib_link_failure", n + "/mlx5_1", hosts, gpu=H100)
    c.alert("NCCLErrors", "NET/IB errors on 3 pods (yi-34b-ft)", node=hosts[0], namespace="ft", job="yi-34b-ft")
    e = []
    for h in (hosts[0], hosts[1], hosts[3]):
        pid = c.rng.randrange(100, 900)
        e += ["%s:%d:%d [1] NCCL WARN NET/IB: Got completion from peer 192.168.12.33<56110> with status=IBV_WC_RETRY_EXC_ERR(12) "
              "opcode=IBV_WC_RDMA_WRITE(1) reqSize=1048576 vendor_err=129 req_type=RDMA_WRITE localGid ::ffff:192.168.12.%d "
              "remoteGids::ffff:192.168.12.33 hca mlx5_1" % (h, pid, pid + 40, 30 + hosts.index(h) + 1),
              "%s:%d:%d [1] NCCL INFO transport/net.cc:1298 -> 6" % (h, pid, pid + 40)]
    c.log("ft/yi-34b-ft/nccl-warn", noise(c, 3) + e)
    j = ck.kernel_noise(c, n, 6)
    for t in (-500, -470, -300):
        j += ["%s %s kernel: mlx5_core 0000:%s:00.0 enp31s0np0: Link down" % (c.syslog(t), n, ck.NIC_BUS[1]),
              "%s %s kernel: mlx5_core 0000:%s:00.0 enp31s0np0: Link up" % (c.syslog(t + 6), n, ck.NIC_BUS[1])]
    c.log(n + "/journal", j)
    c.log(n + "/ethtool", ["$ ethtool -S enp31s0np0 | grep -E 'link_down|crc|symbol'   # mlx5_1, 192.168.12.33",
                           "     rx_crc_errors_phy: 88214", "     rx_symbol_err_phy: 90177",
                           "     link_down_events_phy: 7",
                           "$ ethtool -S enp63s0np0 | grep -E 'link_down|crc|symbol'   # mlx5_2",
                           "     rx_crc_errors_phy: 0", "     rx_symbol_err_phy: 0", "     link_down_events_phy: 0"])
    c.with_topology(roce_ips={hosts[i]: "192.168.12.%d" % (31 + i) for i in range(4)})
    return c


@case
def v043():
    """H200 on Slurm. NCCL_IB_HCA was set to 'mlx5_0,mlx5_1' in a new module file but this cluster's HCAs
    are named 'ibp*' (rdma rename), so NCCL finds no IB device and silently falls back to TCP sockets:
    no error, just a 6x slowdown. Alert is a throughput regression."""
    hosts = ["hx-h200-%02d" % i for i in (1, 2, 3, 4)]
    c = Case("case-v043", "nccl_network_misconfig", "job", hosts, gpu=H200)
    c.alert("ThroughputRegression", "granite-20b tokens/s 0.17x of previous run", job="granite-20b", node=hosts[0])
    pid = 22871
    r = ["+ module load nccl/2.21.5-site", "NCCL_IB_HCA=mlx5_0,mlx5_1", "NCCL_SOCKET_IFNAME=bond0",
         "%s:%d:%d [0] NCCL INFO NCCL version 2.21.5+cuda12.4" % (hosts[0], pid, pid),
         "%s:%d:%d [0] NCCL INFO NCCL_IB_HCA set to mlx5_0,mlx5_1" % (hosts[0], pid, pid + 130),
         "%s:%d:%d [0] NCCL INFO NET/IB : No device found." % (hosts[0], pid, pid + 130),
         "%s:%d:%d [0] NCCL INFO NET/Socket : Using [0]bond0:10.40.1.11<0>" % (hosts[0], pid, pid + 130),
         "%s:%d:%d [0] NCCL INFO Using network Socket" % (hosts[0], pid, pid + 130),
         "%s:%d:%d [0] NCCL INFO Channel 00/0 : 24[0] -> 0[0] [receive] via NET/Socket/0" % (hosts[0], pid, pid + 130),
         "$ ls /sys/class/infiniband", "ibp12s0  ibp75s0  ibp141s0  ibp186s0  ibp24s0  ibp90s0  ibp153s0  ibp203s0"]
    r += ck.megatron_iters(c, -900, 8, 201, step_s=61.0)
    c.log("slurm/granite-20b-90021.out", r + noise(c, 3))
    dcgm(c, hosts[0], util={g: (lambda s, v: 18 + c.rng.uniform(-8, 8)) for g in range(8)})
    c.node_metric("node_network_transmit_bytes_total:rate1m", {"instance": hosts[0], "device": "bond0"},
                  lambda s: 2.3e9 + c.rng.uniform(-1e8, 1e8), decimals=0)
    c.with_topology()
    return c


@case
def v044():
    """H100, Megatron on 4 nodes, run with TORCH_DISTRIBUTED_DEBUG=DETAIL. Rank 21 took an eval-only code
    path and issued a broadcast while its peers are in an all-reduce: the collective never completes.
    The mismatch report names it; every other rank only logs a timeout."""
    hosts = ["r2-gpu-%02d" % i for i in (10, 11, 12, 13)]
    n = hosts[2]
    c = Case("case-v044", "nccl_collective_hang", n + "/gpu5", hosts, gpu=H100)
    c.alert("JobHung", "mistral-nemo-cpt: no progress 30m", job="mistral-nemo-cpt", node=hosts[0])
    r = ck.megatron_iters(c, -2000, 6, 4991, step_s=4.4)
    r += ["[%s] evaluating at iteration 5000 (eval-interval 1000)" % c.ymd(-1970)]
    r += ["[rank0]: RuntimeError: Detected mismatch between collectives on ranks. Rank 0 is running collective: "
          "CollectiveFingerPrint(SequenceNumber=1880114, OpType=ALLREDUCE, TensorShape=[1], TensorDtypes=Float, "
          "TensorDeviceTypes=TensorOptions(dtype=float (default), device=cuda, layout=Strided (default), "
          "requires_grad=false (default), pinned_memory=false (default), memory_format=(nullopt))), but Rank 21 is "
          "running collective: CollectiveFingerPrint(SequenceNumber=1880114, OpType=BROADCAST, TensorShape=[4096, 8], "
          "TensorDtypes=Long, TensorDeviceTypes=TensorOptions(dtype=float (default), device=cuda, layout=Strided "
          "(default), requires_grad=false (default), pinned_memory=false (default), memory_format=(nullopt)))."]
    for rk in (3, 12, 30):
        r += ck.watchdog(c, rk, -160 + rk * 0.1, 1880114, numel=1, timeout_ms=1800000)[:1]
    c.log("slurm/mistral-nemo-cpt-3301.out", r + noise(c, 4))
    c.log(n + "/rank21/stderr", ck.nccl_init(c, n, 21, 5, 32)[:6] + noise(c, 2))
    dcgm(c, n)
    c.with_topology()
    return c


@case
def v045():
    """H200 on Kubernetes. One worker's rank 13 aborts in native code ('free(): invalid pointer', SIGABRT)
    in a custom data-augmentation extension; the other pods see TCPStore connection resets and NCCL
    remote errors, which look like a network fault."""
    hosts = ["h200-k-%s" % x for x in ("p1", "p2")]
    n = hosts[1]
    c = Case("case-v045", "rank_process_crash", n + "/gpu5", hosts, gpu=H200)
    c.alert("PodFailed", "vidgen-xl-worker-1 exited 134", namespace="video", pod="vidgen-xl-worker-1", node=n)
    w1 = noise(c, 5) + ["free(): invalid pointer",
                               "Fatal Python error: Aborted",
                               "",
                               "Current thread 0x00007f88dd7fe640 (most recent call first):",
                               '  File "/opt/vidaug/vidaug/_ops.py", line 211 in temporal_crop',
                               '  File "/app/data/pipeline.py", line 88 in __call__']
    w1 += ck.elastic_failure(c, -250, n, 13, 5, -6, sig="SIGABRT")
    c.log("video/vidgen-xl-worker-1/pytorch", w1)
    w0 = noise(c, 3)
    w0 += ["[W%s socket.cpp:487] [c10d] The server socket has failed to listen on any local network address." % c.glog(-249)[1:],
           "[rank2]: torch.distributed.DistBackendError: [2] is setting up NCCL communicator and retrieving ncclUniqueId "
           "from [0] via c10d key-value store by key '1', but store->get('1') got error: Connection reset by peer",
           "[rank6]: torch.distributed.DistBackendError: NCCL error in: ../torch/csrc/distributed/c10d/NCCLUtils.hpp:317, "
           "remote process exited or there was a network error, NCCL version 2.21.5",
           "[rank6]: ncclRemoteError: A call failed possibly due to a network error or a remote process exiting prematurely."]
    c.log("video/vidgen-xl-worker-0/pytorch", w0)
    c.log("kubernetes/events", [k8s_event(c, -248, "Pod", "BackOff", "vidgen-xl-worker-1",
                                          "Back-off restarting failed container pytorch")])
    dcgm(c, n, util={5: after(-250, lambda s, v: 0)})
    c.with_topology()
    return c


@case
def v046():
    """H200, FSDP on 2 nodes after raising the sequence length from 8k to 32k: every rank runs out of
    memory in attention at the first step (old-style OOM wording from an older torch build)."""
    hosts = ["gpu-h200-s%02d" % i for i in (5, 6)]
    c = Case("case-v046", "cuda_oom", "job", hosts, gpu=H200)
    c.alert("JobFailed", "llama-longctx-32k failed at step 0", job="llama-longctx-32k", node=hosts[1])
    r = ["%s | INFO | config | seq_len=32768 (was 8192) micro_batch=4 activation_checkpointing=False" % c.ymd(-300)]
    r += noise(c, 4)
    for rk in (0, 3, 9, 15):
        r.append("[rank%d]: torch.cuda.OutOfMemoryError: CUDA out of memory. Tried to allocate 32.00 GiB (GPU %d; "
                 "139.81 GiB total capacity; 101.22 GiB already allocated; 30.41 GiB free; 106.71 GiB reserved in total "
                 "by PyTorch) If reserved memory is >> allocated memory try setting max_split_size_mb to avoid "
                 "fragmentation.  See documentation for Memory Management and PYTORCH_CUDA_ALLOC_CONF" % (rk, rk % 8))
    r += ck.elastic_failure(c, -250, hosts[0], 0, 0, 1)
    c.log("slurm/llama-longctx-32k-5561.out", r)
    c.gpu_metric("DCGM_FI_DEV_FB_USED", hosts[1], 2000, 100, decimals=0,
                 over={g: (lambda s, v: v if s < -290 or s > -250 else 138900) for g in range(8)})
    c.with_topology()
    return c


@case
def v047():
    """H100. One rank dies with an illegal memory access from a custom Triton kernel; the driver logs
    Xid 31 (MMU fault, FAULT_PDE / virtual read) for that GPU only, the rest of the job times out.
    The input that triggered it came from that rank's data shard (a variable-length batch edge case)."""
    hosts = ["xg-h100-%03d" % i for i in (61, 62)]
    n = hosts[1]
    c = Case("case-v047", "illegal_memory_access", n + "/gpu7", hosts, gpu=H100)
    c.alert("JobFailed", "varlen-attn-exp exited 1", job="varlen-attn-exp", node=hosts[0])
    r = ck.plain_steps(c, -700, 12, 15001, step_s=1.4)
    r += ["[rank15]: Traceback (most recent call last):",
          '[rank15]:   File "/work/kernels/varlen_attn.py", line 318, in forward',
          "[rank15]:     _fwd_kernel[grid](q, k, v, cu_seqlens, out, BLOCK_M=128, BLOCK_N=64)",
          "[rank15]: RuntimeError: Triton Error [CUDA]: an illegal memory access was encountered",
          "[rank15]: batch max_seqlen=16385 (bucket limit 16384), cu_seqlens[-1]=261120"]
    r += ck.watchdog(c, 4, -80, 60112, numel=8388608)[:1]
    c.log("slurm/varlen-attn-exp-1201.out", r)
    j = ck.kernel_noise(c, n, 6)
    j += ["%s %s kernel: NVRM: Xid (PCI:0000:%s:00): 31, pid=90112, name=python, Ch 0000000a, intr 00000000. MMU Fault: "
          "ENGINE GRAPHICS GPCCLIENT_T1_3 faulted @ 0x7f1c_a2e00000. Fault is of type FAULT_PDE ACCESS_TYPE_VIRT_READ" % (
              c.syslog(-683), n, c.pci[7])]
    c.log(n + "/journal", j)
    c.gpu_metric("DCGM_FI_DEV_XID_ERRORS", n, 0, 0, decimals=0, over={7: lambda s, v: 0 if s < -683 else 31})
    c.with_topology()
    return c


@case
def v048():
    """H100 pod on Kubernetes killed by the memory cgroup: a dataloader worker is OOM-killed, torch
    reports 'DataLoader worker ... is killed by signal: Killed', which reads like a dataloader fault;
    the kubelet events and the memcg OOM line show the pod hit its memory limit on that node."""
    hosts = ["aks-nd96h100-12871-vmss000003"]
    n = hosts[0]
    c = Case("case-v048", "host_oom", n, hosts, gpu=H100)
    c.alert("PodOOMKilled", "asr-conformer-worker-0 OOMKilled", namespace="speech", pod="asr-conformer-worker-0", node=n)
    p = ck.plain_steps(c, -600, 12, 40110, step_s=0.7)
    p += ["[rank0]: RuntimeError: DataLoader worker (pid 3312) is killed by signal: Killed. ",
          "[rank0]: Traceback (most recent call last):",
          '[rank0]:   File "/usr/local/lib/python3.10/dist-packages/torch/utils/data/dataloader.py", line 1251, in _try_get_data',
          "[rank0]: RuntimeError: DataLoader worker (pid(s) 3312) exited unexpectedly"]
    c.log("speech/asr-conformer-worker-0/pytorch", p)
    c.log(n + "/kern.log", ["%s %s kernel: Memory cgroup out of memory: Killed process 3312 (pt_data_worker) "
                            "total-vm:61288412kB, anon-rss:39811224kB, file-rss:88204kB, shmem-rss:0kB, UID:0 "
                            "pgtables:80112kB oom_score_adj:969" % (c.syslog(-585), n)] + ck.kernel_noise(c, n, 5))
    c.log("kubernetes/events", [k8s_event(c, -580, "Pod", "OOMKilled", "asr-conformer-worker-0",
                                          "Container pytorch exceeded its memory limit (limits.memory=480Gi)"),
                                k8s_event(c, -570, "Pod", "Killing", "asr-conformer-worker-0", "Stopping container pytorch", typ="Normal")])
    c.node_metric("container_memory_working_set_bytes", {"instance": n, "pod": "asr-conformer-worker-0"},
                  lambda s: min(5.15e11, 3.2e11 + (s + 1200) * 3.2e8) if s < -580 else 1e9, decimals=0)
    c.with_topology()
    return c


@case
def v049():
    """H100, FSDP on 4 nodes. Loss drifts up and spikes repeatedly after a data-mixture change, grad norm
    noisy, no NaN yet. SDC or divergence? gpu.sdc on every node passes and gpu.health is clean, so the
    numbers are right and the training itself is diverging. Needs probes."""
    hosts = ["h100-west-%03d" % i for i in (301, 302, 303, 304)]
    c = Case("case-v049", "loss_divergence", "job", hosts, gpu=H100)
    c.alert("LossRegression", "code-llm-7b eval loss +0.38 over 2k steps", job="code-llm-7b", node=hosts[1])
    r = ["%s | INFO | data | mixture v14: code 0.55 (was 0.35), web 0.30, math 0.15; new source 'scraped-notebooks' 0.12" % c.ymd(-1150)]
    lf = lambda i: 1.31 + 0.02 * i + (0.7 if i % 5 == 4 else 0) + c.rng.uniform(-0.02, 0.02)
    r += ck.fsdp_steps(c, -1100, 20, 44201, step_s=3.0, loss_fn=lf)
    r += ["[rank0]:[titan] %s - root - WARNING - grad norm %.1f (clip 1.0)" % (c.ymd_ms(t), g)
          for t, g in ((-900, 12.4), (-600, 31.0), (-300, 55.2))]
    c.log(hosts[0] + "/rank0.log", r)
    for h in hosts:
        c.sdc("gpu.sdc@" + h)
    c.health_rates("gpu.health@%s/gpu0" % hosts[1])
    dcgm(c, hosts[1])
    c.with_topology()
    return c


@case
def v050():
    """A100, fairseq fp16 (memory-efficient fp16). Gradient overflow after overflow drives the loss scale
    down until fairseq raises 'Minimum loss scale reached'."""
    hosts = ["a100-fair-%02d" % i for i in (1, 2)]
    c = Case("case-v050", "fp16_loss_scale_collapse", "job", hosts, gpu=A100)
    c.alert("JobFailed", "wmt-big-en-de FloatingPointError", job="wmt-big-en-de", node=hosts[0])
    r = []
    t = -900
    for i in range(8):
        t += 40
        r.append("%s | INFO | train_inner | epoch 021:   %d / 4412 loss=3.912, nll_loss=2.211, ppl=4.63, wps=188201, "
                 "ups=2.51, wpb=74913.2, bsz=2611.3, num_updates=%d, lr=0.000712, gnorm=%.3f, loss_scale=%s, "
                 "train_wall=40, gb_free=21.3, wall=%d" % (c.ymd(t), 1400 + 100 * i, 91400 + 100 * i,
                                                          0.41 + 0.02 * i, "8" if i < 3 else "0.5", 88000 + 40 * i))
    sc = 0.25
    while sc >= 0.0001:
        t += 6
        r.append("%s | INFO | fairseq.trainer | NOTE: gradient overflow detected, ignoring gradient, setting loss scale to: %s" % (
            c.ymd(t), repr(sc)))
        sc /= 2
    r += ["Traceback (most recent call last):",
          '  File "/opt/fairseq/fairseq/optim/dynamic_loss_scaler.py", line 64, in check_overflow',
          "FloatingPointError: Minimum loss scale reached (0.0001). Your loss is probably exploding. Try lowering the "
          "learning rate, using gradient clipping or increasing the batch size."]
    c.log(hosts[0] + "/train.log", r)
    dcgm(c, hosts[0])
    c.with_topology()
    return c


@case
def v051():
    """H200, Megatron + Transformer Engine FP8 with delayed scaling. After a sudden activation outlier
    the stale amax history lets a large share of FP8 casts saturate in two layers; the loss rises
    steadily, not NaN. The FP8 monitor shows saturation climbing while amax is finite."""
    hosts = ["h200-fp8-%02d" % i for i in (1, 2, 3, 4)]
    c = Case("case-v051", "fp8_scaling_overflow", "job", hosts, gpu=H200)
    c.alert("LossRegression", "nemotron-fp8 loss +0.9 in 300 steps", job="nemotron-fp8", node=hosts[0])
    lf = lambda i: 1.64 + (0 if i < 3 else 0.11 * (i - 2)) + c.rng.uniform(-0.01, 0.01)
    r = ck.megatron_iters(c, -700, 12, 20101, loss_fn=lf, step_s=5.1)
    for k, t in enumerate((-640, -520, -400, -280, -160)):
        r.append("[%s] te-fp8 monitor: layers.30.mlp.fc1 fwd_input e4m3 amax_cur=%.1f amax_hist_max=%.1f scale=%.4f "
                 "sat_frac=%.2f%% | layers.31.self_attn.qkv sat_frac=%.2f%%" % (
                     c.ymd(t), 1840.0 + 300 * k, 31.2, 14.36, 0.4 + 4.1 * k, 0.2 + 3.3 * k))
    r += noise(c, 3)
    c.log("slurm/nemotron-fp8-2301.out", r)
    dcgm(c, hosts[0])
    c.with_topology()
    return c


@case
def v052():
    """A100, DeepSpeed MoE (64 experts, top-1 gating). Gating collapses: DeepSpeed's capacity statistics
    show most tokens routed to a handful of experts and dropped over capacity, l_aux rising; steps get
    slower and the EP all-to-all dominates. Alert is a generic slowdown."""
    hosts = ["a100-moe-%02d" % i for i in (1, 2, 3, 4)]
    c = Case("case-v052", "moe_expert_imbalance", "job", hosts, gpu=A100)
    c.alert("StepTimeHigh", "switch-xl step time 2.3x", job="switch-xl", node=hosts[2])
    r = ck.deepspeed_steps(c, -800, 10, 88001, step_s=1.9, step_fn=lambda i: 1.9 * (1 + 0.14 * i))
    for k, t in enumerate((-700, -500, -300, -100)):
        r.append("[%s] [INFO] [moe_monitor.py:58] layer 7 gate: l_aux=%.3f exp_counts top5=[%d, %d, %d, %d, %d] of "
                 "tokens=131072 capacity=2560 dropped=%.1f%%" % (c.ymd_ms(t), 0.012 + 0.03 * k, 30000 + 9000 * k,
                                                                  21000 + 5000 * k, 9000, 6100, 4000, 22 + 12 * k))
        r.append("[%s] [INFO] [logging.py:96:log_dist] [Rank 0] comm op: all_to_all_single | time (ms): %.2f | "
                 "msg size: 320.0 MB | algbw (Gbps): %.2f" % (c.ymd_ms(t + 1), 210 + 120 * k, 1200 / (1 + k)))
    c.log(hosts[0] + "/deepspeed.log", r)
    dcgm(c, hosts[2])
    c.with_topology()
    return c


@case
def v053():
    """H100, Slurm. One node was reinstalled with a BIOS profile that left the CPU governor on
    'powersave' (cores at 800 MHz-1.2 GHz); its 8 ranks launch kernels late and are the stragglers of
    every step. GPUs are healthy; the node is the component."""
    hosts = ["gh-h100-%02d" % i for i in (70, 71, 72, 73)]
    n = hosts[1]
    c = Case("case-v053", "straggler_rank", n, hosts, gpu=H100)
    c.alert("NodeStraggler", "ranks 8-15 slowest for 40 min (falcon-40b-ft)", job="falcon-40b-ft", node=n)
    r = ck.megatron_iters(c, -1100, 12, 1201, step_s=7.9)
    r += ["[%s] straggler detector: slowest ranks [8, 9, 10, 11, 12, 13, 14, 15] (%s), min_tflops %.1f, median %.1f" % (
        c.ymd(t), n, 244.0 + c.rng.uniform(-5, 5), 378.0) for t in (-800, -450, -100)]
    c.log("slurm/falcon-40b-ft-8891.out", r)
    c.log(n + "/cpupower", ["$ cpupower frequency-info | sed -n '1,12p'",
                            "analyzing CPU 0:",
                            "  driver: intel_pstate",
                            "  hardware limits: 800 MHz - 3.80 GHz",
                            "  available cpufreq governors: performance powersave",
                            "  current policy: frequency should be within 800 MHz and 3.80 GHz.",
                            "                  The governor \"powersave\" may decide which speed to use",
                            "  current CPU frequency: 1.02 GHz (asserted by call to kernel)",
                            "$ ssh %s cpupower frequency-info | grep governor" % hosts[0],
                            "                  The governor \"performance\" may decide which speed to use"])
    c.node_metric("node_cpu_scaling_frequency_hertz:avg", {"instance": n}, lambda s: 1.05e9 + c.rng.uniform(-2e8, 2e8), decimals=0)
    c.node_metric("node_cpu_scaling_frequency_hertz:avg", {"instance": hosts[0]}, lambda s: 3.5e9 + c.rng.uniform(-1e8, 1e8), decimals=0)
    dcgm(c, n, util={g: (lambda s, v: 64 + c.rng.uniform(-5, 5)) for g in range(8)})
    c.with_topology()
    return c


@case
def v054():
    """H100 on Kubernetes, single node. GPU utilisation dropped to ~40% and step time rose after a
    redeploy; nothing errors. The redeploy lowered the pod's CPU request and the data pipeline now has
    fewer workers; the probes show GPUs, PCIe and NCCL all healthy, so the time goes to input. Needs
    probes to rule out the GPU side."""
    hosts = ["gke-h100-a3high-5e2a-qq7d"]
    n = hosts[0]
    c = Case("case-v054", "dataloader_stall", "job", hosts, gpu=H100)
    c.alert("GPUUnderutilized", "vit-22b-ft GPU util 41% (24h avg 93%)", namespace="vision", job="vit-22b-ft", node=n)
    r = ["%s | INFO | data | num_workers=%d (min(16, cpu_count()-2)) decode=PIL resize=bicubic" % (c.ymd(-1150), 4)]
    r += ck.plain_steps(c, -1100, 20, 3301, step_s=1.1, step_fn=lambda i: 2.6 + c.rng.uniform(-0.4, 0.6))
    r += ["%s | INFO | timer | last 200 steps: data_time p50 %.2fs p90 %.2fs, fwd_bwd p50 1.07s (day before: data_time "
          "p50 0.02s)" % (c.ymd(t), 1.52 + c.rng.uniform(-0.1, 0.1), 2.3 + c.rng.uniform(-0.2, 0.2)) for t in (-700, -400, -100)]
    c.log("vision/vit-22b-ft/pytorch", r)
    c.log("kubernetes/events", [k8s_event(c, -1180, "Deployment", "ScalingReplicaSet", "vit-22b-ft",
                                          "Scaled up replica set vit-22b-ft-7b9d to 1 (resources.requests.cpu 8, was 48)", typ="Normal")])
    dcgm(c, n, util={g: (lambda s, v: 41 + c.rng.uniform(-20, 20)) for g in range(8)})
    c.node_metric("container_cpu_cfs_throttled_periods_total:rate1m", {"instance": n, "pod": "vit-22b-ft-7b9d-x2"},
                  lambda s: 96 + c.rng.uniform(-4, 4), decimals=1)
    for g in (0, 5):
        c.gemm("gpu.gemm@%s/gpu%d" % (n, g))
        c.pcie("gpu.pcie_bandwidth@%s/gpu%d" % (n, g))
    c.health_rates("gpu.health@%s/gpu0" % n)
    c.nccl("nccl.allreduce@" + n)
    c.with_topology()
    return c


@case
def v055():
    """H100, Megatron on 4 nodes writing checkpoint shards to each node's local NVMe (/local) before an
    async upload. One node's NVMe filled up (upload daemon stuck): its ranks fail with ENOSPC, the
    others fail on the broken NCCL connection."""
    hosts = ["c3-h100-%02d" % i for i in (1, 2, 3, 4)]
    n = hosts[3]
    c = Case("case-v055", "storage_failure", n, hosts, gpu=H100)
    c.alert("JobFailed", "cm3-13b failed at checkpoint 24000", job="cm3-13b", node=hosts[0])
    r = ck.megatron_iters(c, -500, 4, 23997, step_s=5.0)
    r.append("saving checkpoint at iteration   24000 to /local/ckpt/cm3-13b in torch_dist format")
    r += ["[rank26]: OSError: [Errno 28] No space left on device: '/local/ckpt/cm3-13b/iter_0024000/__26_0.distcp'",
          "[rank29]: OSError: [Errno 28] No space left on device",
          "[rank26]: RuntimeError: [torch.distributed.checkpoint] Failed to write shard for rank 26"]
    for rk in (2, 11, 17):
        r += ["[rank%d]: torch.distributed.DistBackendError: NCCL error in: ../torch/csrc/distributed/c10d/NCCLUtils.hpp:275, "
              "remote process exited or there was a network error, NCCL version 2.19.3" % rk]
    r += ["srun: error: %s: tasks 24-31: Exited with exit code 1" % n]
    c.log("slurm/cm3-13b-44010.out", noise(c, 3) + r)
    c.log(n + "/journal", ck.kernel_noise(c, n, 5) + [
        "%s %s ckpt-uploader[4121]: upload of iter_0022000 stalled: s3 PUT timed out (attempt 41)" % (c.syslog(-900), n),
        "%s %s kernel: EXT4-fs warning (device nvme1n1p1): ext4_dx_add_entry:2519: Directory (ino: 2) index full, reach max htree level :2" % (c.syslog(-470), n),
        "%s %s df[8812]: /dev/nvme1n1p1  6.9T  6.9T     0 100%% /local" % (c.syslog(-460), n)])
    c.node_metric("node_filesystem_avail_bytes", {"instance": n, "mountpoint": "/local", "device": "/dev/nvme1n1p1"},
                  lambda s: max(0, 2.1e11 - (s + 1200) * 3.0e8), decimals=0)
    c.node_metric("node_filesystem_avail_bytes", {"instance": hosts[0], "mountpoint": "/local", "device": "/dev/nvme1n1p1"},
                  lambda s: 5.2e12, decimals=0)
    c.with_topology()
    return c


@case
def v056():
    """H200 on Kubernetes (Kubeflow PyTorchJob). The job spec says nnodes=4 (torchrun --nnodes 4) but only
    3 worker replicas were requested; the rendezvous waits and then times out on every worker, which
    looks like a network or node problem."""
    hosts = ["h200-pool-b-%d" % i for i in (1, 2, 3)]
    c = Case("case-v056", "launch_config_error", "job", hosts, gpu=H200)
    c.alert("PyTorchJobFailed", "pytorchjob/rlhf-ppo-8b failed (rendezvous timeout)", namespace="rl", job="rlhf-ppo-8b",
            node=hosts[0])
    w = ["+ torchrun --nnodes=4 --nproc_per_node=8 --rdzv_backend=c10d --rdzv_endpoint=rlhf-ppo-8b-master-0:29400 ppo.py",
         "I%s 1 torch/distributed/run.py:803] Starting elastic_operator with launch configs:" % c.glog(-1900)[1:],
         "I%s 1 torch/distributed/run.py:803]   nnodes           : 4:4" % c.glog(-1900)[1:],
         "I%s 1 torch/distributed/run.py:803]   nproc_per_node   : 8" % c.glog(-1900)[1:],
         "I%s 1 torch/distributed/elastic/agent/server/api.py:861] [default] starting workers for entrypoint: python" % c.glog(-1899)[1:],
         "I%s 1 torch/distributed/elastic/agent/server/api.py:673] [default] Rendezvous'ing worker group" % c.glog(-1899)[1:],
         "torch.distributed.elastic.rendezvous.api.RendezvousTimeoutError: The node 'rlhf-ppo-8b-worker-1_29_0' "
         "rendezvous 'rlhf-ppo-8b' timed out: 3 of 4 nodes joined within 1800 s"]
    c.log("rl/rlhf-ppo-8b-worker-1/pytorch", noise(c, 4) + w)
    c.log("rl/rlhf-ppo-8b/spec", ["apiVersion: kubeflow.org/v1", "kind: PyTorchJob",
                                  "  pytorchReplicaSpecs:", "    Master: {replicas: 1}", "    Worker: {replicas: 2}",
                                  "  elasticPolicy: {minReplicas: 4, maxReplicas: 4, rdzvBackend: c10d}"])
    c.log("kubernetes/events", [k8s_event(c, -1910, "Pod", "Scheduled", "rlhf-ppo-8b-worker-%d" % i,
                                          "Successfully assigned rl/rlhf-ppo-8b-worker-%d to %s" % (i, hosts[i + 1]), typ="Normal")
                                for i in range(2)] +
          [k8s_event(c, -80, "PyTorchJob", "JobFailed", "rlhf-ppo-8b", "PyTorchJob rlhf-ppo-8b is failed because 1 Master replica(s) failed.")])
    dcgm(c, hosts[1], util={g: (lambda s, v: 0) for g in range(8)})
    c.with_topology()
    return c


@case
def v057():
    """H200, Megatron on 2 nodes. One rank is ~2.5x slower; DCGM shows its GPU busy with more framebuffer
    in use than its peers but normal temperature, power and clocks. gpu.health passes, gpu.gemm and
    HBM bandwidth on it are far below baseline while its neighbour passes: something else is running on
    that GPU (a stray process), a straggler rank. Needs probes."""
    hosts = ["h200-dfw-%03d" % i for i in (71, 72)]
    n = hosts[0]
    c = Case("case-v057", "straggler_rank", n + "/gpu1", hosts, gpu=H200, pci=ck.PCI_BUS_B)
    c.alert("RankStraggler", "rank 1 slowest (2.4x) in 100% of the last 200 steps", job="deepseek-lite-ft", node=n)
    r = ck.megatron_iters(c, -800, 10, 5101, step_s=9.6)
    r += ["[%s] straggler detector: min_tflops rank 1 %.1f, median %.1f" % (c.ymd(t), 160.3 + c.rng.uniform(-5, 5), 391.2)
          for t in (-600, -300)]
    c.log("slurm/deepseek-lite-ft-7119.out", r + noise(c, 3))
    c.log(n + "/journal", ck.kernel_noise(c, n, 6))
    c.gpu_metric("DCGM_FI_DEV_FB_USED", n, 101200, 900, decimals=0, over={1: lambda s, v: 131800 + c.rng.uniform(-200, 200)})
    dcgm(c, n)
    c.health_rates("gpu.health@%s/gpu1" % n)
    c.gemm("gpu.gemm@%s/gpu1" % n, tflops=301.8)
    c.hbm("gpu.hbm_bandwidth@%s/gpu1" % n, gb_s=1580)
    c.gemm("gpu.gemm@%s/gpu0" % n)
    c.with_topology()
    return c


@case
def v058():
    """H100 node: every GPU got slower together at one moment, temperatures normal, no log line at all
    (the cause is out of band). gpu.health on GPU 0 and GPU 4 shows power limit 500 W (default 700)
    with the SW power cap reason; on GPU 2 the probe errors (NVML query timed out). The power limit
    was lowered for the whole node (data-centre power capping through the BMC). Needs probes."""
    hosts = ["h100-colo-%02d" % i for i in (11, 12, 13, 14)]
    n = hosts[2]
    c = Case("case-v058", "gpu_power_throttle", n, hosts, gpu=H100)
    c.alert("NodeSlow", "%s ranks 1.3x slower since 20 min" % n, node=n, job="mpt-7b-chat")
    r = ck.plain_steps(c, -1150, 8, 70001, step_s=0.82)
    r += ck.plain_steps(c, -800, 18, 70001 + 320, step_fn=lambda i: 1.07 * c.rng.uniform(0.985, 1.015))
    c.log(hosts[0] + "/train.log", r + noise(c, 3))
    c.log(n + "/journal", ck.kernel_noise(c, n, 8))
    dcgm(c, n, clock={g: after(-1060, lambda s, v: 1480 + c.rng.uniform(-60, 60)) for g in range(8)},
         power={g: after(-1060, lambda s, v: 492 + c.rng.uniform(-8, 6)) for g in range(8)})
    for g in (0, 4):
        c.health_rates("gpu.health@%s/gpu%d" % (n, g), power_limit_w=500, power_w=494, sm_clock_mhz=1470,
                       clock_event_reasons=ck.CLK_SW_POWER_CAP)
    c.errored("gpu.health@%s/gpu2" % n, "nvmlDeviceGetPowerManagementLimit timed out after 10 s", duration=10.2)
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
