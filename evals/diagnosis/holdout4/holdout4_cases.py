#!/usr/bin/env python3
"""holdout4: diagnosis cases written after reasoner freeze 4 (commit 7966591); writes holdout4/.

Every case is one hand-written function below: the fault content (error lines, which probes fail,
the misleading symptom) is written by hand; casekit supplies timestamps, noise, training progress,
metric series and probe bookkeeping. Deterministic, stdlib only.
Usage: python3 evals/diagnosis/holdout4/holdout4_cases.py [--out DIR]

Whoever tunes the built-in reasoner or the knowledge pack must not read this file or the cases.
"""

import argparse
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))

import casekit  # noqa: E402
from casekit import (Case, PCI_BUS_A, PCI_BUS_B, NIC_BUS, CLK_HW_SLOWDOWN, CLK_HW_THERMAL,  # noqa: E402
                     CLK_SW_THERMAL, CLK_HW_POWER_BRAKE, CLK_SW_POWER_CAP, app_noise, kernel_noise,
                     nccl_init, watchdog, elastic_failure, megatron_iters, deepspeed_steps,
                     fsdp_steps, plain_steps, interleave, insert_at, write_cases)

A100 = "NVIDIA A100-SXM4-80GB"
H100 = "NVIDIA H100 80GB HBM3"
H200 = "NVIDIA H200"
# A100 SXM4 figures: Gen4 PCIe, 12 NVLinks, 400 W, ~280 TFLOP/s bf16 GEMM, ~1.75 TB/s copy.
casekit.GPU_SPECS.setdefault(A100, dict(gemm=282.0, gemm_min=240.0, hbm=1760.0, hbm_min=1500.0,
                                        tdp=400.0, clock=1410.0, mem_gib=80))

CASES = []


def case(fn):
    CASES.append(fn)
    return fn


# ------------------------------------------------------------------ small helpers (no answers)
def after(t, value):
    """Metric override: `value` (number or fn(s, normal)) from offset t on, normal before."""
    def f(s, n):
        if s < t:
            return n
        return value(s, n) if callable(value) else value
    return f


def until(t):
    """Metric override: the series stops at offset t (the GPU is gone)."""
    return lambda s, n: n if s < t else None


def dcgm(c, host, util=None, temp=None, power=None, clock=None, extra=(), gpus=None):
    """The usual dcgm-exporter fields for every GPU of `host`, with per-GPU overrides."""
    busy = c.spec["tdp"] * 0.86
    c.gpu_metric("DCGM_FI_DEV_GPU_UTIL", host, 97, 3, over=util, decimals=0, gpus=gpus)
    c.gpu_metric("DCGM_FI_DEV_GPU_TEMP", host, 62, 6, over=temp, decimals=0, gpus=gpus)
    c.gpu_metric("DCGM_FI_DEV_POWER_USAGE", host, busy, 60, over=power, gpus=gpus)
    c.gpu_metric("DCGM_FI_DEV_SM_CLOCK", host, c.spec["clock"] - 30, 40, over=clock, decimals=0,
                 gpus=gpus)
    for name, base, jitter, over, *counter in extra:
        c.gpu_metric(name, host, base, jitter, over=over, decimals=0, gpus=gpus,
                     counter=bool(counter and counter[0]))


def health(c, key, crc_rate=None, replay_rate=0.0, recovery_rate=0.0, pcie_replay_rate=0.0,
           crc_total=None, **over):
    """gpu.health as vigil-probe reports it: NVLink/PCIe counters cumulative AND as rates over a
    1 s window; the rates are judged (healthy links show a few CRC errors per second)."""
    if c.gpu == A100:
        over.setdefault("pcie_link_gen", 4)
        over.setdefault("pcie_link_gen_max", 4)
        over.setdefault("nvlink_links_up", 12)
        over.setdefault("nvlink_links_total", 12)
        over.setdefault("power_w", round(c.rng.uniform(250, 360)))
    c.health(key, **over)
    r = c.probes[key]
    m, th = r["metrics"], r["thresholds"]
    th.pop("nvlink_crc_errors_max")
    th.pop("nvlink_replay_errors_max")
    crc_rate = c.rng.uniform(0.5, 12) if crc_rate is None else crc_rate
    m["nvlink_crc_errors"] = crc_total if crc_total is not None else c.rng.randrange(300, 60000)
    m["nvlink_crc_errors_per_s"] = round(crc_rate, 2)
    m["nvlink_replay_errors_per_s"] = round(replay_rate, 2)
    m["nvlink_recovery_errors_per_s"] = round(recovery_rate, 2)
    m["pcie_replay_per_s"] = round(pcie_replay_rate, 2)
    if replay_rate:
        m["nvlink_replay_errors"] = int(replay_rate * c.rng.uniform(300, 900))
    if recovery_rate:
        m["nvlink_recovery_errors"] = int(recovery_rate * c.rng.uniform(50, 200))
    th.update({"nvlink_crc_errors_per_s_max": 100, "nvlink_replay_errors_per_s_max": 100,
               "nvlink_recovery_errors_per_s_max": 0, "pcie_replay_per_s_max": 1})
    bad = []
    for name in ("nvlink_crc_errors_per_s", "nvlink_replay_errors_per_s",
                 "nvlink_recovery_errors_per_s", "pcie_replay_per_s"):
        if m[name] > th[name + "_max"]:
            bad.append("%s %s above %s" % (name, m[name], th[name + "_max"]))
    if bad:
        r["reason"] = "; ".join(([r["reason"]] if r["status"] == "fail" else []) + bad)
        r["status"] = "fail"


def pcie(c, key, h2d=None, d2h=None):
    """gpu.pcie_bandwidth with the link generation's own floor (A100: Gen4 x16 ~25 GB/s)."""
    if c.gpu != A100:
        return c.pcie(key, h2d=h2d, d2h=d2h)
    h = h2d if h2d is not None else c.rng.uniform(24.2, 26.1)
    d = d2h if d2h is not None else c.rng.uniform(24.0, 26.3)
    c._measured(key, {"h2d_gb_s": round(h, 1), "d2h_gb_s": round(d, 1)},
                {"h2d_gb_s_min": 20.0, "d2h_gb_s_min": 20.0}, "pinned host-device copy bandwidth (Gen4 x16)",
                round(c.rng.uniform(2, 4), 1))


def healthy_gpus(c, host, gpus, **over):
    for g in gpus:
        health(c, "gpu.health@%s/gpu%d" % (host, g), **over)


def nvrm(c, host, s, text, fmt="syslog"):
    """A kernel line from the NVIDIA driver."""
    if fmt == "syslog":
        return "%s %s kernel: NVRM: %s" % (c.syslog(s), host, text)
    if fmt == "dmesg":
        return "%s NVRM: %s" % (c.dmesg(s), text)
    return "%s %s kernel: [%s] NVRM: %s" % (c.iso(s), host, c.dmesg(s)[1:-1].strip(), text)


def k8s_event(c, s, kind, obj, reason, msg, etype="Warning"):
    return "%s  %-7s  %-22s  %s  %s" % (c.iso(s), etype, reason, "%s/%s" % (kind, obj), msg)


def slurmd(c, host, s, text):
    return "%s %s slurmd[%d]: %s" % (c.syslog(s), host, 2000 + sum(map(ord, host)) % 900, text)


def ts_lines(c, s0, s1, fmt, texts):
    """Spread `texts` evenly over [s0, s1] with the given time formatter."""
    n = max(1, len(texts))
    return ["%s %s" % (fmt(s0 + (s1 - s0) * i / n), t) for i, t in enumerate(texts)]


# ================================================================== gpu_fallen_off_bus
@case
def u001():
    """Megatron on Slurm, 4x8 H100: every rank logs the NCCL watchdog; one node's journal shows
    Xid 79 on GPU 4 ten minutes earlier and that GPU's DCGM series stop."""
    hosts = ["h100-r12-n%02d" % i for i in range(1, 5)]
    c = Case("case-u001", "gpu_fallen_off_bus", "h100-r12-n03/gpu4", hosts, gpu=H100)
    bad, g, tf = hosts[2], 4, -655
    c.alert("NCCLWatchdogTimeout", "18 of 32 ranks of job 4418213 (llama3-70b-pt) hit the 600 s "
            "NCCL watchdog", job="llama3-70b-pt", cluster="r12", slurm_job_id="4418213")
    out = megatron_iters(c, -1180, 128, 51200, step_s=4.05, loss=1.92)
    out = out[:int((tf + 1180) / 4.05)][::10]
    for r in (0, 7, 9, 15, 26, 31):
        out += watchdog(c, r, -50 + r * 0.3, 1849202, op="_ALLGATHER_BASE", numel=50331648)
    out += ["srun: error: %s: tasks 0-7: Exited with exit code 1" % hosts[0],
            "srun: error: %s: tasks 8-15: Exited with exit code 1" % hosts[1],
            "srun: error: %s: tasks 24-31: Exited with exit code 1" % hosts[3],
            "srun: Job step aborted: Waiting up to 32 seconds for job step to finish.",
            "slurmstepd: error: *** STEP 4418213.0 ON %s CANCELLED AT %s ***" % (
                hosts[0], c.iso(-10)[:-1])]
    c.log("slurm-4418213.out", app_noise(c, 3) + out)
    j = kernel_noise(c, bad, 10, -1400, 0)
    j += [nvrm(c, bad, tf, "Xid (PCI:0000:%s:00): 79, pid='<unknown>', name=<unknown>, GPU has "
               "fallen off the bus." % c.pci[g]),
          nvrm(c, bad, tf, "GPU 0000:%s:00.0: GPU has fallen off the bus." % c.pci[g]),
          nvrm(c, bad, tf + 1, "GPU 0000:%s:00.0: GPU serial number is 1652423016784." % c.pci[g]),
          nvrm(c, bad, tf + 1, "A GPU crash dump has been created. If possible, please run"),
          nvrm(c, bad, tf + 1, "nvidia-bug-report.sh as root to collect this data before"),
          nvrm(c, bad, tf + 1, "the NVIDIA kernel module is unloaded."),
          "%s %s dcgm-exporter[3120]: level=error msg=\"Failed to collect metrics; skipping\" "
          "error=\"GPU is lost\" gpu=4" % (c.syslog(tf + 25), bad)]
    c.log("%s/journal" % bad, j)
    dcgm(c, bad, util={g: until(tf)}, temp={g: until(tf)}, power={g: until(tf)},
         clock={g: until(tf)})
    dcgm(c, hosts[0], power={i: after(tf, lambda s, n: n * 0.22) for i in range(8)})
    c.with_topology()
    return c


@case
def u002():
    """torchtitan on GKE, 4x8 H200: one rank dies with 'unspecified launch failure', the others
    time out; no kernel log is collected and dcgm-exporter on that node hangs for all GPUs.
    gpu.inventory sees 7 of 8 GPUs and gpu.health cannot reach GPU 5."""
    hosts = ["gke-a3u-pool-7f3c-%s" % s for s in ("b2lq", "x2k9", "m7dd", "q0zt")]
    c = Case("case-u002", "gpu_fallen_off_bus", "gke-a3u-pool-7f3c-x2k9/gpu5", hosts)
    bad, g, tf = hosts[1], 5, -700
    r = c.rank_of(bad, g)
    c.alert("TrainingJobFailed", "PyTorchJob titan-8b-long-ctx failed: worker-1 exited 1",
            namespace="research-llm", job="titan-8b-long-ctx", pod="titan-8b-long-ctx-worker-1")
    w1 = fsdp_steps(c, -1150, 48, 19620, step_s=9.4, rank=r, mfu=39.0, mem_gib=101.2)
    w1 = w1[:int((tf + 1150) / 9.4)][::2]
    w1 += ["[rank%d]:[W%s ProcessGroupNCCL.cpp:1218] Warning: Caught CUDA error in the watchdog "
           "(function operator())" % (r, c.glog(tf + 2)[1:]),
           "[rank%d]: Traceback (most recent call last):" % r,
           '[rank%d]:   File "/opt/torchtitan/train.py", line 418, in main' % r,
           "[rank%d]:     loss.backward()" % r,
           "[rank%d]: RuntimeError: CUDA error: unspecified launch failure" % r,
           "[rank%d]: CUDA kernel errors might be asynchronously reported at some other API call, so "
           "the stacktrace below might be incorrect." % r,
           "[rank%d]: For debugging consider passing CUDA_LAUNCH_BLOCKING=1" % r,
           "[rank%d]: Compile with `TORCH_USE_CUDA_DSA` to enable device-side assertions." % r]
    w1 += elastic_failure(c, tf + 9, bad, r, g, 1)
    c.log("k8s/research-llm/titan-8b-long-ctx-worker-1/pytorch", w1)
    w0 = fsdp_steps(c, -1150, 48, 19620, step_s=9.4, rank=0, mfu=39.0, mem_gib=101.2)
    w0 = w0[:int((tf + 1150) / 9.4)][1::3] + watchdog(c, 0, tf + 601, 392118, op="_REDUCE_SCATTER_BASE")
    c.log("k8s/research-llm/titan-8b-long-ctx-worker-0/pytorch", w0)
    ev = [k8s_event(c, tf + 12, "pod", "titan-8b-long-ctx-worker-1", "BackOff",
                    "Back-off restarting failed container pytorch"),
          k8s_event(c, tf + 640, "pytorchjob", "titan-8b-long-ctx", "JobFailed",
                    "PyTorchJob titan-8b-long-ctx is failed because 1 Worker replica(s) failed.")]
    c.log("k8s/events", ev)
    dcgm(c, bad, util={i: until(tf + 15) for i in range(8)}, temp={i: until(tf + 15) for i in range(8)},
         power={i: until(tf + 15) for i in range(8)}, clock={i: until(tf + 15) for i in range(8)})
    c.inventory("gpu.inventory@%s/gpu%d" % (bad, g), count=7,
                details={"driver": "550.90.07", "missing_bus_id": "0000:%s:00.0" % c.pci[g]})
    c.errored("gpu.health@%s/gpu%d" % (bad, g),
              "nvmlDeviceGetHandleByPciBusId(0000:%s:00.0) returned NVML_ERROR_GPU_IS_LOST" % c.pci[g],
              duration=0.4)
    health(c, "gpu.health@%s/gpu4" % bad)
    c.errored("gpu.gemm@%s/gpu%d" % (bad, g), "cudaSetDevice(5): invalid device ordinal "
              "(7 CUDA devices visible)", duration=0.9)
    c.with_topology()
    return c


@case
def u003():
    """DeepSpeed on Slurm, 2x8 A100: NHC drains the node because nvidia-smi fails; the job dies
    with NCCL 'unhandled cuda error'; dmesg carries the older two-line fallen-off-bus wording."""
    hosts = ["a100-pod3-%03d" % i for i in (117, 118)]
    c = Case("case-u003", "gpu_fallen_off_bus", "a100-pod3-118/gpu6", hosts, gpu=A100, pci=PCI_BUS_B)
    bad, g, tf = hosts[1], 6, -210
    r = c.rank_of(bad, g)
    c.alert("SlurmNodeDrained", "%s drained by NHC: nvidia-smi failed" % bad, node=bad,
            partition="a100-long", job="bert-xl-ft")
    out = deepspeed_steps(c, -900, 60, 8120, step_s=11.0, mem=(31.0, 58.4))
    out = out[:int((tf + 900) / 11.0 * 1.6)][::3]
    out += ["%s:%d:%d [%d] include/alloc.h:103 NCCL WARN Cuda failure 'unknown error'" % (
                bad, 77310, 77402, g),
            "%s:%d:%d [%d] NCCL INFO transport/p2p.cc:199 -> 1" % (bad, 77310, 77402, g),
            "%s:%d:%d [%d] NCCL INFO include/net.h:35 -> 1" % (bad, 77310, 77402, g),
            "Traceback (most recent call last):",
            '  File "/workspace/ft/run_ft.py", line 233, in <module>',
            "    engine.backward(loss)",
            "torch.distributed.DistBackendError: NCCL error in: ../torch/csrc/distributed/c10d/"
            "ProcessGroupNCCL.cpp:1970, unhandled cuda error (run with NCCL_DEBUG=INFO for details), "
            "NCCL version 2.18.5",
            "ncclUnhandledCudaError: Call to CUDA function failed.",
            "Last error:",
            "Cuda failure 'unknown error'",
            "[%s] [INFO] [launch.py:316:sigkill_handler] Killing subprocess 77310" % c.ymd_ms(tf + 14),
            "[%s] [ERROR] [launch.py:322:sigkill_handler] ['/usr/bin/python', '-u', 'run_ft.py', "
            "'--local_rank=%d', '--deepspeed_config=ds_z2.json'] exits with return code = 1" % (
                c.ymd_ms(tf + 15), g)]
    c.log("%s/slurm-9120044.out" % bad, out)
    d = kernel_noise(c, bad, 8, -1300, 0, fmt="dmesg")
    d += ["%s NVRM: GPU at PCI:0000:%s:00: GPU-%s" % (c.dmesg(tf), c.pci[g], c.uuid(bad, g)[4:]),
          "%s NVRM: GPU Board Serial Number: 1324521046231" % c.dmesg(tf),
          "%s NVRM: Xid (PCI:0000:%s:00): 79, pid=77310, GPU has fallen off the bus." % (
              c.dmesg(tf), c.pci[g]),
          "%s NVRM: GPU 0000:%s:00.0: GPU has fallen off the bus." % (c.dmesg(tf + 0.01), c.pci[g]),
          "%s NVRM: GPU 0000:%s:00.0: RmInitAdapter failed! (0x26:0xffff:1474)" % (
              c.dmesg(tf + 70), c.pci[g]),
          "%s NVRM: GPU 0000:%s:00.0: rm_init_adapter failed, device minor number 6" % (
              c.dmesg(tf + 70), c.pci[g])]
    c.log("%s/dmesg" % bad, d)
    c.log("slurmctld", ["%s slurmctld[1180]: update_node: node %s reason set to: NHC: "
                        "check_nv_smi: nvidia-smi returned 15 (Unable to determine the device handle "
                        "for GPU0000:%s:00.0: Unknown Error)" % (c.syslog(tf + 95), bad, c.pci[g].upper()),
                        "%s slurmctld[1180]: update_node: node %s state set to DRAINING" % (
                            c.syslog(tf + 95), bad),
                        "%s slurmctld[1180]: _job_complete: JobId=9120044 WEXITSTATUS 1" % c.syslog(tf + 20),
                        "%s slurmctld[1180]: _job_complete: JobId=9120044 done" % c.syslog(tf + 20)])
    util = {i: after(tf + 20, 0) for i in range(8)}
    util[g] = until(tf)
    dcgm(c, bad, util=util, temp={g: until(tf)}, power={g: until(tf)}, clock={g: until(tf)})
    c.with_topology()
    return c



# ================================================================== gpu_memory_uncorrectable_ecc
@case
def u004():
    """Megatron on Slurm, 2x8 H200: Xid 94 (contained uncorrectable ECC) kills rank 10; every
    other rank reports a broken NCCL communicator; the DBE volatile counter of GPU 2 steps to 1."""
    hosts = ["hgx-h200-c07", "hgx-h200-c08"]
    c = Case("case-u004", "gpu_memory_uncorrectable_ecc", "hgx-h200-c08/gpu2", hosts)
    bad, g, tf = hosts[1], 2, -140
    r = c.rank_of(bad, g)
    c.alert("TrainingThroughputZero", "mixtral-8x22b-sft: no iteration logged for 5 min",
            job="mixtral-8x22b-sft", slurm_job_id="771203")
    out = megatron_iters(c, -1100, 240, 3340, step_s=3.8, loss=1.41)[:int((tf + 1100) / 3.8)][::8]
    out += ["[rank%d]: RuntimeError: CUDA error: uncorrectable ECC error encountered" % r,
            "[rank%d]: CUDA kernel errors might be asynchronously reported at some other API call, so "
            "the stacktrace below might be incorrect." % r,
            "[rank%d]: For debugging consider passing CUDA_LAUNCH_BLOCKING=1" % r]
    for rr in (1, 4, 9, 13):
        out.append("[rank%d]:[E%s ProcessGroupNCCL.cpp:1535] [PG 3 Rank %d] Process group watchdog "
                   "thread terminated with exception: NCCL error: remote process exited or there was "
                   "a network error, NCCL version 2.21.5" % (rr, c.glog(tf + 3 + rr * 0.2)[1:], rr))
        out.append("[rank%d]: ncclRemoteError: A call failed possibly due to a network error or a "
                   "remote process exiting prematurely." % rr)
    out += ["srun: error: %s: task %d: Exited with exit code 1" % (bad, r),
            "srun: error: %s: tasks 0-7: Exited with exit code 134" % hosts[0]]
    c.log("slurm-771203.out", app_noise(c, 4) + out)
    j = kernel_noise(c, bad, 8, -1300, 0)
    j += [nvrm(c, bad, tf, "Xid (PCI:0000:%s:00): 94, pid=318842, name=python3, Contained: SM "
               "(0x1). RST: No, D-RST: No" % c.pci[g]),
          "%s %s nv-hostengine[2988]: DCGM health: GPU %d: MEM WARN: volatile double-bit ECC "
          "errors: 1" % (c.syslog(tf + 30), bad, g)]
    c.log("%s/journal" % bad, j)
    dcgm(c, bad, util={i: after(tf, 100) for i in range(8) if i != g},
         extra=[("DCGM_FI_DEV_ECC_DBE_VOL_TOTAL", 0, 0, {g: after(tf, 1)}),
                ("DCGM_FI_DEV_XID_ERRORS", 0, 0, {g: after(tf, 94)})])
    c.with_topology()
    return c


@case
def u005():
    """FSDP on Kubernetes, 2x8 H100: loss goes NaN on one replica group; no kernel log is shipped.
    Looks like divergence or SDC; gpu.health shows volatile DBE errors on GPU 3 of the second node,
    the SDC vote there passes (the GPU computes right; its memory lost a word) and a peer is clean."""
    hosts = ["eks-p5-ng-0a13", "eks-p5-ng-0c77"]
    c = Case("case-u005", "gpu_memory_uncorrectable_ecc", "eks-p5-ng-0c77/gpu3", hosts, gpu=H100)
    bad, g, tf = hosts[1], 3, -420
    c.alert("LossNaN", "vision-mae-2b: loss is NaN for 3 consecutive logs", job="vision-mae-2b",
            namespace="cv")
    nan = float("nan")
    out = plain_steps(c, -1150, 33, 88200, step_s=24.0, loss=0.412,
                      loss_fn=lambda i: nan if i >= 30 else 0.412 - 0.0002 * i)
    out += ["%s | WARNING | train | non-finite loss at step %d on ranks [11] (dp group 1); "
            "skipping optimizer step" % (c.ymd(tf + 5), 88230),
            "%s | WARNING | train | grad norm inf/nan at step %d (ranks reporting: 11)" % (
                c.ymd(tf + 29), 88231),
            "%s | ERROR | train | 3 consecutive non-finite losses; stopping and keeping checkpoint "
            "step_88000" % c.ymd(tf + 70)]
    c.log("k8s/cv/vision-mae-2b-master-0/trainer", app_noise(c, 5) + out)
    dcgm(c, bad)
    dcgm(c, hosts[0])
    health(c, "gpu.health@%s/gpu%d" % (bad, g), ecc_dbe_volatile=2, ecc_dbe_aggregate=2,
           ecc_sbe_volatile=14, remapped_rows_uncorrectable=1, xid_last=48)
    health(c, "gpu.health@%s/gpu2" % bad)
    health(c, "gpu.health@%s/gpu3" % hosts[0])
    c.sdc("gpu.sdc@%s" % bad)
    c.with_topology()
    return c


@case
def u006():
    """DeepSpeed on Slurm, 4x8 A100, older driver wording: Xid 48 (DBE) on one GPU; the job died
    with a device-side style CUDA error first seen on its neighbour's traceback; nvidia-smi -q shows
    the retired page."""
    hosts = ["gpu-a%03d" % i for i in (41, 42, 43, 44)]
    c = Case("case-u006", "gpu_memory_uncorrectable_ecc", "gpu-a043/gpu7", hosts, gpu=A100,
             pci=PCI_BUS_B)
    bad, g, tf = hosts[2], 7, -95
    r = c.rank_of(bad, g)
    c.alert("JobFailed", "slurm job 33810 (gptneox-20b) FAILED exit 1", job="gptneox-20b",
            slurm_job_id="33810")
    out = deepspeed_steps(c, -1000, 40, 17400, step_s=21.0, mem=(46.1, 71.9))[:int((tf + 1000) / 21 * 1.6)][::3]
    out += ["%s: [rank%d] Traceback (most recent call last):" % (bad, r),
            "%s: [rank%d] RuntimeError: CUDA error: uncorrectable ECC error encountered" % (bad, r),
            "%s: [rank%d] terminate called after throwing an instance of 'c10::Error'" % (bad, r - 1),
            "%s: [rank%d]   what():  NCCL error: unhandled system error, NCCL version 2.14.3" % (bad, r - 1),
            "%s: [%s] [INFO] [launch.py:318:sigkill_handler] Killing subprocess 120446" % (
                bad, c.ymd_ms(tf + 3))]
    c.log("slurm-33810.out", out)
    d = kernel_noise(c, bad, 8, -1200, 0, fmt="dmesg")
    d += ["%s NVRM: Xid (PCI:0000:%s:00): 48, pid=120446, An uncorrectable double bit error "
          "(DBE) has been detected on GPU in the framebuffer at partition 5, subpartition 1." % (
              c.dmesg(tf), c.pci[g])]
    c.log("%s/dmesg" % bad, d)
    c.log("%s/nvidia-smi-q" % bad, [
        "GPU 00000000:%s:00.0" % c.pci[g].upper(), "    Product Name                          : "
        "NVIDIA A100-SXM4-80GB", "    ECC Errors", "        Volatile", "            SRAM Correctable"
        "              : 0", "            SRAM Uncorrectable            : 0",
        "            DRAM Correctable              : 3", "            DRAM Uncorrectable            : 1",
        "        Aggregate", "            DRAM Uncorrectable            : 1"])
    dcgm(c, bad, extra=[("DCGM_FI_DEV_ECC_DBE_VOL_TOTAL", 0, 0, {g: after(tf, 1)})])
    c.with_topology()
    return c


# ================================================================== gpu_row_remap_failure
@case
def u007():
    """Slurm, 1x8 H100 fine-tune: Xid 64 with the remapper reporting a failure; nvidia-smi -q
    shows 'Remapping Failure Occurred: Yes' and an exhausted bank."""
    hosts = ["dgx-h100-17"]
    c = Case("case-u007", "gpu_row_remap_failure", "dgx-h100-17/gpu1", hosts, gpu=H100)
    bad, g, tf = hosts[0], 1, -260
    c.alert("DCGMHealthFailure", "DCGM health watch MEM: failure on %s" % bad, node=bad,
            gpu=str(g), job="reward-model-13b")
    out = plain_steps(c, -1150, 36, 4100, step_s=16.0, loss=0.69)[:int((tf + 1150) / 16)]
    out += ["%s | ERROR | train | RuntimeError: CUDA error: uncorrectable ECC error encountered" % c.ymd(tf + 1),
            "%s | ERROR | train | rank 1 failed; tearing down process group" % c.ymd(tf + 2)]
    c.log("%s/reward-model-13b.log" % bad, out)
    j = kernel_noise(c, bad, 7, -1300, 0)
    j += [nvrm(c, bad, tf, "Xid (PCI:0000:%s:00): 48, pid=40981, name=python, An uncorrectable "
               "double bit error (DBE) has been detected on GPU in the framebuffer at partition 2, "
               "subpartition 0." % c.pci[g]),
          nvrm(c, bad, tf + 0.3, "Xid (PCI:0000:%s:00): 64, pid=40981, name=python, Row Remapper "
               "Error: New row (0x00000000017f2a80) could not be marked for remapping. "
               "Remapping failed." % c.pci[g]),
          "%s %s nv-hostengine[2988]: DCGM health: GPU %d: MEM FAIL: Row remap failure detected; "
          "the GPU must be reset and should be field-diagnosed" % (c.syslog(tf + 40), bad, g)]
    c.log("%s/journal" % bad, j)
    c.log("%s/nvidia-smi-q" % bad, [
        "GPU 00000000:%s:00.0" % c.pci[g].upper(), "    Remapped Rows",
        "        Correctable Error                 : 0", "        Uncorrectable Error               : 8",
        "        Pending                           : No", "        Remapping Failure Occurred        : Yes",
        "        Bank Remap Availability Histogram", "            Max                           : 632 bank(s)",
        "            High                          : 0 bank(s)", "            Partial                       : 0 bank(s)",
        "            Low                           : 0 bank(s)", "            None                          : 1 bank(s)"])
    dcgm(c, bad, util={i: after(tf, 0) for i in range(8)},
         extra=[("DCGM_FI_DEV_ROW_REMAP_FAILURE", 0, 0, {g: after(tf, 1)})])
    return c


@case
def u008():
    """Megatron on Slurm, 2x8 H200: the job fails twice in an hour with uncorrectable ECC errors on
    the same GPU (reads as plain ECC); gpu.health shows the remapper has failed — the row could
    not be remapped, so the errors recur. HBM bandwidth passes."""
    hosts = ["hpc-gh-b11", "hpc-gh-b12"]
    c = Case("case-u008", "gpu_row_remap_failure", "hpc-gh-b11/gpu6", hosts)
    bad, g = hosts[0], 6
    r = c.rank_of(bad, g)
    c.alert("JobRequeueLoop", "job 5520913 requeued twice in 60 min (same node)", job="ds-coder-33b",
            slurm_job_id="5520913", node=bad)
    j = kernel_noise(c, bad, 8, -3600, 0)
    for tf in (-3300, -240):
        j.append(nvrm(c, bad, tf, "Xid (PCI:0000:%s:00): 94, pid=%d, name=pt_main_thread, Contained: "
                      "MMU (0x8). RST: No, D-RST: No" % (c.pci[g], 60000 + tf % 999)))
    j += [nvrm(c, bad, -3298, "Xid (PCI:0000:%s:00): 63, pid='<unknown>', name=<unknown>, Row "
               "Remapper: New row marked for remapping, reset gpu to activate." % c.pci[g]),
          "%s %s slurmd[2210]: Node health check: GPU reset on 0000:%s:00.0 completed (requeue)" % (
              c.syslog(-3200), bad, c.pci[g])]
    c.log("%s/journal" % bad, j)
    out = ["%s slurmstepd: error: *** JOB 5520913 ON %s CANCELLED AT %s DUE TO NODE FAILURE ***" % (
               c.ymd(-3290), bad, c.iso(-3290)[:-1]),
           "%s srun: Requeue of JobId=5520913 returned an error: ... requeued (restart_cnt=1)" % c.ymd(-3280)]
    out += megatron_iters(c, -900, 160, 2210, step_s=5.2, loss=1.27)[:int(660 / 5.2)][::9]
    out += ["[rank%d]: torch.AcceleratorError: CUDA error: uncorrectable ECC error encountered" % r,
            "[rank%d]: Search for `cudaErrorECCUncorrectable' in https://docs.nvidia.com/cuda/"
            "cuda-runtime-api/group__CUDART__TYPES.html for more information." % r,
            "srun: error: %s: task %d: Exited with exit code 1" % (bad, r),
            "%s slurmctld: Requeue JobId=5520913 (restart_cnt=2)" % c.ymd(-200)]
    c.log("slurm-5520913.out", out)
    dcgm(c, bad, extra=[
        ("DCGM_FI_DEV_ECC_DBE_VOL_TOTAL", 0, 0, {g: after(-240, 1)})])
    health(c, "gpu.health@%s/gpu%d" % (bad, g), remap_failure=1, remapped_rows_uncorrectable=6,
           ecc_dbe_aggregate=9, ecc_dbe_volatile=0, retired_pages=0, xid_last=94)
    health(c, "gpu.health@%s/gpu5" % bad)
    c.hbm("gpu.hbm_bandwidth@%s/gpu%d" % (bad, g))
    c.with_topology()
    return c


# ================================================================== gpu_firmware_error
@case
def u009():
    """Megatron on Slurm, 4x8 H100: training freezes; every rank hits the watchdog. On one node the
    journal shows Xid 119 GSP RPC timeouts for GPU 5, and nvidia-smi hangs there."""
    hosts = ["sc-h100-%02d" % i for i in (21, 22, 23, 24)]
    c = Case("case-u009", "gpu_firmware_error", "sc-h100-22/gpu5", hosts, gpu=H100)
    bad, g, tf = hosts[1], 5, -640
    c.alert("NCCLWatchdogTimeout", "qwen-style-72b-pt: collective timeout on 29/32 ranks",
            job="qwen72b-pt", slurm_job_id="2290771")
    out = megatron_iters(c, -1190, 140, 90110, step_s=4.6, loss=1.66)[:int((tf + 1190) / 4.6)][::10]
    for rr in (0, 3, 8, 17, 30):
        out += watchdog(c, rr, -38 + rr * 0.2, 5503311, op="ALLREDUCE", numel=16777216)[:2]
    c.log("slurm-2290771.out", out)
    j = kernel_noise(c, bad, 8, -1300, 0)
    j += [nvrm(c, bad, tf, "Xid (PCI:0000:%s:00): 119, pid=882014, name=python, Timeout after 6s of "
               "waiting for RPC response from GPU5 GSP! Expected function 76 (GSP_RM_CONTROL) "
               "(0x20800a4c 0x4)." % c.pci[g]),
          nvrm(c, bad, tf, "GPU5 GSP RPC buffer contains function 76 (GSP_RM_CONTROL) and data "
               "0x0000000020800a4c 0x0000000000000004."),
          nvrm(c, bad, tf, "GPU5 RPC history (CPU -> GSP):"),
          nvrm(c, bad, tf, "    entry function                   data0              data1              "
               "ts_start           ts_end             duration actively_polling"),
          nvrm(c, bad, tf, "    0    76   GSP_RM_CONTROL        0x0000000020800a4c 0x0000000000000004 "
               "0x00062dc1d7a9e3c4 0x0000000000000000          y"),
          nvrm(c, bad, tf + 6, "Xid (PCI:0000:%s:00): 119, pid=882014, name=python, Timeout after 6s of "
               "waiting for RPC response from GPU5 GSP! Expected function 10 (FREE) (0xa55a0040 0x0)." % c.pci[g]),
          nvrm(c, bad, tf + 12, "Rate limiting GSP RPC error prints for GPU at PCI:0000:%s:00 (printing "
               "1 of every 30).  The GPU likely needs to be reset." % c.pci[g]),
          "%s %s kernel: INFO: task nvidia-smi:921113 blocked for more than 122 seconds." % (
              c.syslog(tf + 300), bad),
          "%s %s kernel:       Tainted: P           OE      6.5.0-1024-nvidia #25-Ubuntu" % (
              c.syslog(tf + 300), bad)]
    c.log("%s/journal" % bad, j)
    dcgm(c, bad, util={g: until(tf + 30)}, power={g: until(tf + 30)}, temp={g: until(tf + 30)},
         clock={g: until(tf + 30)})
    c.with_topology()
    return c


@case
def u010():
    """Kubernetes, 2x8 H200 node pool: dcgm-exporter on one node goes into CrashLoopBackOff (the
    alert); the training pod's rank on GPU 1 died with 'unspecified launch failure'. The node's
    kernel log shows Xid 120 (GSP error) on that GPU. gpu.health there errors (NVML call timed out)."""
    hosts = ["aks-ndh200-31829466-vmss000004", "aks-ndh200-31829466-vmss000007"]
    c = Case("case-u010", "gpu_firmware_error", "aks-ndh200-31829466-vmss000007/gpu1", hosts)
    bad, g, tf = hosts[1], 1, -380
    r = c.rank_of(bad, g)
    c.alert("KubePodCrashLooping", "pod gpu-operator/nvidia-dcgm-exporter-8kq2x is crash looping",
            namespace="gpu-operator", pod="nvidia-dcgm-exporter-8kq2x", node=bad)
    ev = [k8s_event(c, tf + 40, "pod", "nvidia-dcgm-exporter-8kq2x", "BackOff",
                    "Back-off restarting failed container nvidia-dcgm-exporter in pod "
                    "nvidia-dcgm-exporter-8kq2x_gpu-operator"),
          k8s_event(c, tf + 35, "pod", "nvidia-dcgm-exporter-8kq2x", "Unhealthy",
                    "Liveness probe failed: Get \"http://10.244.7.19:9400/health\": context deadline exceeded"),
          k8s_event(c, tf + 20, "pod", "sdxl-ft-worker-1", "Failed", "Error: container pytorch exited 1"),
          k8s_event(c, tf + 200, "pod", "nvidia-dcgm-exporter-8kq2x", "BackOff",
                    "Back-off restarting failed container nvidia-dcgm-exporter")]
    c.log("k8s/events", ev)
    w = plain_steps(c, -900, 20, 14020, step_s=26.0, loss=0.108)[:int((tf + 900) / 26)]
    w += ["[rank%d] Traceback (most recent call last):" % r,
          '[rank%d]   File "/app/train_sdxl.py", line 902, in <module>' % r,
          "[rank%d]     accelerator.backward(loss)" % r,
          "[rank%d] RuntimeError: CUDA error: unspecified launch failure" % r,
          "[rank%d] Compile with `TORCH_USE_CUDA_DSA` to enable device-side assertions." % r]
    c.log("k8s/ml/sdxl-ft-worker-1/pytorch", w + app_noise(c, 3))
    d = kernel_noise(c, bad, 6, -1100, 0, fmt="dmesg")
    d += ["%s NVRM: Xid (PCI:0000:%s:00): 120, pid=55120, name=python3, GSP task timeout @ pc:0x4c8d8a0, "
          "task: 1" % (c.dmesg(tf), c.pci[g]),
          "%s NVRM:     Reported by libos task:0 v2.0 [0] @ ts:1764312811" % c.dmesg(tf),
          "%s NVRM:     RISC-V CSR State:" % c.dmesg(tf),
          "%s NVRM:         mstatus:0x0000000a00000000  mscratch:0x0000000000000000     mie:0x0000000000000880" % c.dmesg(tf),
          "%s NVRM: Xid (PCI:0000:%s:00): 154, GPU recovery action changed from 0x0 (None) to 0x1 "
          "(GPU Reset Required)" % (c.dmesg(tf + 1), c.pci[g])]
    c.log("%s/dmesg" % bad, d)
    c.errored("gpu.health@%s/gpu%d" % (bad, g), "NVML call nvmlDeviceGetClockInfo timed out after 30 s "
              "(GPU not responding)", duration=30.2)
    health(c, "gpu.health@%s/gpu0" % bad)
    dcgm(c, hosts[0])
    return c


# ================================================================== nvlink_error
@case
def u011():
    """DeepSpeed on Slurm, 2x8 H100: NCCL reports an uncorrectable NVLink error; Xid 74 names GPU 0
    link 7; the loud part is rank 3's crash and the peers' 'remote process exited'."""
    hosts = ["bm-h100-2041", "bm-h100-2042"]
    c = Case("case-u011", "nvlink_error", "bm-h100-2042/gpu0", hosts, gpu=H100)
    bad, g, tf = hosts[1], 0, -75
    r = c.rank_of(bad, 3)
    c.alert("JobFailed", "job 61022 (ds-llava-34b) exited with failure", job="ds-llava-34b",
            slurm_job_id="61022")
    out = deepspeed_steps(c, -1000, 50, 22010, step_s=14.5, mem=(52.7, 74.0))[:int((tf + 1000) / 14.5 * 1.6)][::3]
    out += ["%s:91022:91207 [3] transport/p2p.cc:275 NCCL WARN Cuda failure 'an uncorrectable NVLink "
            "error was detected during the execution'" % bad,
            "%s:91022:91207 [3] NCCL INFO include/proxy.h:198 -> 1" % bad,
            "[rank%d]: torch.distributed.DistBackendError: NCCL error in: /opt/pytorch/torch/csrc/"
            "distributed/c10d/ProcessGroupNCCL.cpp:1970, unhandled cuda error (run with NCCL_DEBUG=INFO "
            "for details), NCCL version 2.19.3" % r,
            "[rank%d]: Last error:" % r,
            "[rank%d]: Cuda failure 'an uncorrectable NVLink error was detected during the execution'" % r]
    for rr in (2, 6, 12, 15):
        out.append("[rank%d]: RuntimeError: NCCL communicator was aborted on rank %d. Original reason "
                   "for failure was: NCCL error: remote process exited or there was a network error" % (rr, rr))
    c.log("slurm-61022.out", out)
    j = kernel_noise(c, bad, 8, -1300, 0)
    j += [nvrm(c, bad, tf - 1, "Xid (PCI:0000:%s:00): 74, pid=91022, name=python, NVLink: fatal error "
               "detected on link 7(0x0, 0x0, 0x10000, 0x0, 0x0, 0x0, 0x0)" % c.pci[g]),
          nvrm(c, bad, tf - 1, "Xid (PCI:0000:%s:00): 74, pid=91022, name=python, NVLink: fatal error "
               "detected on link 7(0x0, 0x0, 0x0, 0x0, 0x0, 0x1000000, 0x0)" % c.pci[g]),
          "%s %s kernel: nvidia-nvswitch1: SXid (PCI:0000:07:00.0): 20009, Non-fatal, Link 38 RX "
          "Short Error Rate" % (c.syslog(tf - 2), bad)]
    c.log("%s/journal" % bad, j)
    dcgm(c, bad, extra=[("DCGM_FI_DEV_NVLINK_CRC_FLIT_ERROR_COUNT_TOTAL", 4000, 60,
                         {g: after(tf - 60, lambda s, n: n + 250000)}, True)])
    c.with_topology()
    return c


@case
def u012():
    """Megatron on Slurm, 2x8 H200: one node's step time is 35% worse than its peer (the straggler
    detector points at the whole node's ranks). No Xid. Probes: gpu.health on GPU 3 fails (2 of 18
    links down, recovery errors per second), nccl.p2p_matrix on that node fails, GEMM on GPU 3
    passes and the other node's p2p matrix passes."""
    hosts = ["cw-h200-r4-17", "cw-h200-r4-18"]
    c = Case("case-u012", "nvlink_error", "cw-h200-r4-18/gpu3", hosts)
    bad, g = hosts[1], 3
    c.alert("TrainingSlowdown", "deepseek-lite-16b: tokens/s down 31% vs 24h median",
            job="deepseek-lite-16b", slurm_job_id="880412")
    st = lambda i: 3.1 * (1.0 if i < 30 else 1.42) * c.rng.uniform(0.99, 1.01)
    out = megatron_iters(c, -1180, 80, 40200, step_fn=st, loss=1.98)[::4]
    out += ["[%s] (straggler) rank 8..15 (%s) intra-node all-reduce 2.9x slower than the job median; "
            "compute time within 3%% of median" % (c.ymd(-200), bad),
            "[%s] (straggler) MinRtt: rank 3 1.01x, MaxRtt: rank 11 1.41x (relative step time)" % c.ymd(-190)]
    c.log("slurm-880412.out", app_noise(c, 5) + out)
    c.log("%s/journal" % bad, kernel_noise(c, bad, 22, -1300, 0))
    dcgm(c, bad, util={i: after(-1180 + 30 * 3.1, lambda s, n: n - 8) for i in range(8)})
    health(c, "gpu.health@%s/gpu%d" % (bad, g), nvlink_links_up=16, recovery_rate=3.0,
           replay_rate=41.0, crc_rate=180.0)
    healthy_gpus(c, bad, [2, 4])
    c.gemm("gpu.gemm@%s/gpu%d" % (bad, g))
    c.nccl("nccl.p2p_matrix@%s" % bad, busbw=61.0, details={"worst_pair": "gpu3->gpu6"})
    c.nccl("nccl.p2p_matrix@%s" % hosts[0])
    c.with_topology()
    return c


@case
def u013():
    """Kubernetes, 1x8 A100 NeMo job: the NVLink CRC-flit error counter of GPU 2 climbs fast
    (DCGM) while throughput dips; dcgm-exporter health reports an NVLink watch failure; the job
    itself only sees slower steps. No probe was run."""
    hosts = ["a100-k8s-node-0193"]
    c = Case("case-u013", "nvlink_error", "a100-k8s-node-0193/gpu2", hosts, gpu=A100, pci=PCI_BUS_B)
    bad, g = hosts[0], 2
    c.alert("DCGMNVLinkErrors", "NVLink CRC errors rising on %s GPU 2" % bad, node=bad, gpu=str(g))
    st = lambda i: 1.9 * (1.0 if i < 20 else 1.22) * c.rng.uniform(0.99, 1.01)
    out = ["[NeMo I %s nemo_logging:381] Epoch 0: : %d/150000 [step_time=%.3f, reduced_train_loss=%.4f, "
           "global_step=%d, consumed_samples=%d]" % (c.ymd(-1150 + i * 24), 71200 + i, st(i),
                                                     2.35 - 0.001 * i, 71200 + i, (71200 + i) * 512)
           for i in range(45)]
    c.log("k8s/nemo/megatron-gpt-5b-0/main", out + app_noise(c, 4))
    c.log("k8s/gpu-operator/dcgm-exporter", [
        "%s level=warning msg=\"Health check: NVLINK: GPU %d: Detected more than 100 CRC errors per "
        "second on link 5\"" % (c.iso(-650 + 60 * i), g) for i in range(8)])
    dcgm(c, bad, extra=[("DCGM_FI_DEV_NVLINK_CRC_FLIT_ERROR_COUNT_TOTAL", 900, 80,
                         {g: after(-700, lambda s, n: n + (s + 700) * 310)}, True)])
    return c


# ================================================================== gpu_thermal_throttle
@case
def u014():
    """Megatron on Slurm, 2x8 H100: the straggler detector names rank 15; DCGM shows GPU 7 of the
    second node at 88-90 C with clocks near 1.3 GHz and the thermal clock-event bits set."""
    hosts = ["h100-dc2-0440", "h100-dc2-0441"]
    c = Case("case-u014", "gpu_thermal_throttle", "h100-dc2-0441/gpu7", hosts, gpu=H100)
    bad, g, tf = hosts[1], 7, -900
    r = c.rank_of(bad, g)
    c.alert("StragglerDetected", "llama-13b-cpt: rank %d is 1.27x slower than the median" % r,
            job="llama-13b-cpt", slurm_job_id="1190553")
    st = lambda i: 2.2 * (1.0 if i < 15 else 1.27) * c.rng.uniform(0.99, 1.01)
    out = megatron_iters(c, -1190, 70, 300100, step_fn=st, loss=1.83)[::3]
    out += ["[%s] (straggler) %d ranks; MnRtt/Rnk: %.2fms/%d | MxRtt/Rnk: %.2fms/%d | MnPwr/Rnk: "
            "%.0fW/%d | MxTmp/Rnk: %dC/%d | MnClk/Rnk: %dMHz/%d" % (
                c.ymd(-600 + 120 * i), 16, 2190 + i, 3, 2780 + 4 * i, r, 420 - i, r, 89 + (i % 2), r,
                1305 - 5 * i, r) for i in range(4)]
    c.log("slurm-1190553.out", app_noise(c, 4) + out)
    hot = {g: after(tf, lambda s, n: 88 + c.rng.uniform(0, 2.4))}
    dcgm(c, bad, temp=hot, clock={g: after(tf, lambda s, n: 1300 + c.rng.uniform(-40, 20))},
         power={g: after(tf, lambda s, n: 430 + c.rng.uniform(-20, 20))},
         extra=[("DCGM_FI_DEV_CLOCKS_EVENT_REASONS", 0, 0, {g: after(tf, CLK_SW_THERMAL | CLK_HW_THERMAL)}),
                ("DCGM_FI_DEV_MEMORY_TEMP", 66, 6, {g: after(tf, 93)})])
    dcgm(c, hosts[0])
    c.with_topology()
    return c


@case
def u015():
    """DeepSpeed on Slurm, 2x8 A100: step time up 20%; the node exporter only ships utilisation and
    power (no temperature field). Rank 13 is slow in the DeepSpeed comms breakdown. gpu.health on
    GPU 5 of the second node fails on SW thermal slowdown at 91 C, GEMM fails, PCIe passes."""
    hosts = ["a100-c3-n07", "a100-c3-n08"]
    c = Case("case-u015", "gpu_thermal_throttle", "a100-c3-n08/gpu5", hosts, gpu=A100, pci=PCI_BUS_B)
    bad, g = hosts[1], 5
    r = c.rank_of(bad, g)
    c.alert("TrainingSlowdown", "t5-11b-ft: samples/s down 18% over 30 min", job="t5-11b-ft")
    st = lambda i: 6.0 * (1.0 if i < 14 else 1.2) * c.rng.uniform(0.98, 1.02)
    out = deepspeed_steps(c, -1150, 40, 7710, step_fn=st, mem=(28.3, 55.0))[::2]
    out += ["[%s] [INFO] [logging.py:96:log_dist] [Rank 0] rank=0 time (ms) | fwd_microstep: 1710.22 | "
            "bwd_microstep: 3402.90 | bwd_inner_microstep: 3301.17 | bwd_allreduce_microstep: "
            "1498.80 | step_microstep: 88.12" % c.ymd_ms(-300),
            "[%s] [WARNING] [comm] allreduce wait dominated by rank %d on 41 of last 50 steps" % (
                c.ymd_ms(-280), r)]
    c.log("%s/slurm-8801.out" % hosts[0], out + app_noise(c, 3))
    for h in hosts:
        c.gpu_metric("DCGM_FI_DEV_GPU_UTIL", h, 96, 3, decimals=0,
                     over={i: after(-1150 + 14 * 6.0, lambda s, n: n - 9) for i in range(8)})
        c.gpu_metric("DCGM_FI_DEV_POWER_USAGE", h, 355, 25,
                     over={g: after(-1100, lambda s, n: 318 + c.rng.uniform(-10, 10))} if h == bad else None)
    health(c, "gpu.health@%s/gpu%d" % (bad, g), temperature_c=91, hbm_temperature_c=89,
           sm_clock_mhz=1095, clock_event_reasons=CLK_SW_THERMAL)
    health(c, "gpu.health@%s/gpu4" % bad, temperature_c=71)
    c.gemm("gpu.gemm@%s/gpu%d" % (bad, g), tflops=201.4)
    pcie(c, "gpu.pcie_bandwidth@%s/gpu%d" % (bad, g))
    c.with_topology()
    return c


@case
def u016():
    """Slurm, 1 node x 8 H200 (single-node fine-tune): all eight GPUs run at 86-91 C with thermal
    slowdown after the BMC logged a fan failure; the whole node is slow, not one GPU."""
    hosts = ["xe9680-h200-12"]
    c = Case("case-u016", "gpu_thermal_throttle", "xe9680-h200-12", hosts)
    bad, tf = hosts[0], -800
    c.alert("GPUTemperatureHigh", "8 GPUs above 85 C on %s" % bad, node=bad, job="mistral-ft-lora")
    out = fsdp_steps(c, -700, 100, 3300, step_fn=lambda i: 2.4 * (1.0 if i < 20 else 1.35),
                     mfu=37.0, mem_gib=88.4)[::4]
    c.log("%s/mistral-ft-lora.out" % bad, out + app_noise(c, 4))
    sel = ["%s %s ipmiseld[1544]: SEL Entry: FRU: Fan Module 4, Sensor: Fan4B RPM, Event: Lower "
           "Critical going low, Reading 0 RPM" % (c.syslog(tf - 30), bad),
           "%s %s ipmiseld[1544]: SEL Entry: System Board, Sensor: Fan Redundancy, Event: Redundancy "
           "Lost" % (c.syslog(tf - 28), bad),
           "%s %s ipmiseld[1544]: SEL Entry: System Board, Sensor: Inlet Temp, Event: Upper Non-critical "
           "going high, Reading 34 C" % (c.syslog(tf + 400), bad)]
    sel += ["%s %s nv-hostengine[2870]: DCGM health: THERMAL: There were thermal violations totaling "
            "%.1f seconds for GPU %d" % (c.syslog(tf + 200 + 40 * i), bad, 12.5 * (i + 1), i)
            for i in (1, 4, 6)]
    c.log("%s/journal" % bad, kernel_noise(c, bad, 10, -1300, 0) + sel)
    hot = {i: after(tf, lambda s, n, i=i: 86 + c.rng.uniform(0, 5)) for i in range(8)}
    dcgm(c, bad, temp=hot, clock={i: after(tf + 150, lambda s, n: 1450 + c.rng.uniform(-80, 60))
                                  for i in range(8)},
         extra=[("DCGM_FI_DEV_CLOCKS_EVENT_REASONS", 0, 0,
                 {i: after(tf + 150, CLK_SW_THERMAL) for i in range(8)})])
    return c


# ================================================================== gpu_power_throttle
@case
def u017():
    """Megatron on Slurm, 3x8 H100: one node's eight GPUs show HW power brake slowdown at ~300 W
    after its BMC logs a PSU failure; the job slows down as the whole node drags."""
    hosts = ["h100-row9-%02d" % i for i in (3, 4, 5)]
    c = Case("case-u017", "gpu_power_throttle", "h100-row9-04", hosts, gpu=H100)
    bad, tf = hosts[1], -700
    c.alert("TrainingSlowdown", "gemma-style-27b: iteration time +48%", job="g27b-pt",
            slurm_job_id="404117")
    st = lambda i: 5.0 * (1.0 if i < 12 else 1.48) * c.rng.uniform(0.99, 1.01)
    out = megatron_iters(c, -760, 60, 12800, step_fn=st, loss=2.01)[::2]
    c.log("slurm-404117.out", app_noise(c, 4) + out)
    j = kernel_noise(c, bad, 10, -1300, 0)
    j += ["%s %s ipmievd[1450]: Power Supply sensor PSU3_Status, Failure detected Asserted" % (
              c.syslog(tf - 4), bad),
          "%s %s ipmievd[1450]: Power Supply sensor PS_Redundancy, Redundancy Lost Asserted" % (
              c.syslog(tf - 3), bad),
          "%s %s nv-hostengine[3012]: DCGM health: POWER: GPU 0-7: HW power brake slowdown asserted "
          "(external power brake signal)" % (c.syslog(tf + 10), bad)]
    c.log("%s/journal" % bad, j)
    dcgm(c, bad, power={i: after(tf, lambda s, n: 300 + c.rng.uniform(-25, 25)) for i in range(8)},
         clock={i: after(tf, lambda s, n: 1050 + c.rng.uniform(-60, 60)) for i in range(8)},
         extra=[("DCGM_FI_DEV_CLOCKS_EVENT_REASONS", 0, 0,
                 {i: after(tf, CLK_HW_SLOWDOWN | CLK_HW_POWER_BRAKE) for i in range(8)})])
    dcgm(c, hosts[0])
    c.with_topology()
    return c


@case
def u018():
    """FSDP on Kubernetes, 2x8 H200: rank 10 is the slow one in every step; its DCGM power sits
    flat near 450 W while peers draw 600+. That alone could be a GPU that waits on something.
    gpu.health on GPU 2 fails: power limit 450 W of 700 W default, SW power cap bit, clocks low;
    GEMM fails; HBM and PCIe pass."""
    hosts = ["gke-a3mega-pool-1-5c2d", "gke-a3mega-pool-1-9a0f"]
    c = Case("case-u018", "gpu_power_throttle", "gke-a3mega-pool-1-9a0f/gpu2", hosts)
    bad, g = hosts[1], 2
    r = c.rank_of(bad, g)
    c.alert("StepTimeRegression", "llm-ft-70b step time +22% since pod restart", job="llm-ft-70b",
            namespace="ft")
    out = fsdp_steps(c, -1150, 50, 820, step_fn=lambda i: 7.1 * (1.0 if i < 4 else 1.22), rank=0,
                     mfu=41.0, mem_gib=122.0)[::2]
    out += ["[rank0]:[titan] %s - root - WARNING - slowest rank over last 50 steps: rank %d "
            "(fwd+bwd 1.29x median), all-gather wait on other ranks" % (c.ymd_ms(-400 + 150 * i), r)
            for i in range(3)]
    c.log("k8s/ft/llm-ft-70b-worker-0/trainer", out)
    dcgm(c, bad, power={g: lambda s, n: 448 + c.rng.uniform(-3, 2)},
         clock={g: lambda s, n: 1530 + c.rng.uniform(-30, 30)})
    health(c, "gpu.health@%s/gpu%d" % (bad, g), power_limit_w=450, power_w=449, sm_clock_mhz=1515,
           clock_event_reasons=CLK_SW_POWER_CAP)
    health(c, "gpu.health@%s/gpu1" % bad)
    c.gemm("gpu.gemm@%s/gpu%d" % (bad, g), tflops=512.6)
    c.hbm("gpu.hbm_bandwidth@%s/gpu%d" % (bad, g))
    c.pcie("gpu.pcie_bandwidth@%s/gpu%d" % (bad, g))
    c.with_topology()
    return c


# ================================================================== pcie_link_degraded
@case
def u019():
    """Plain PyTorch DDP on Slurm, 2x8 H100: one rank's host-to-device copies crawl; dmesg shows an
    AER corrected-error flood on the root port above GPU 4 and the boot-time 'limited by 2.5 GT/s'
    line; DCGM's PCIe replay counter climbs on that GPU only."""
    hosts = ["gpu-b-0712", "gpu-b-0713"]
    c = Case("case-u019", "pcie_link_degraded", "gpu-b-0713/gpu4", hosts, gpu=H100)
    bad, g = hosts[1], 4
    r = c.rank_of(bad, g)
    c.alert("StepTimeRegression", "vit-g-pt: step_time p50 1.91 s -> 2.74 s", job="vit-g-pt",
            slurm_job_id="612290")
    out = plain_steps(c, -1170, 45, 99100, step_s=2.74, loss=1.04)[::2]
    out += ["%s | INFO | timer | rank %d h2d_copy %.1f ms (median over ranks %.1f ms)" % (
        c.ymd(-700 + 200 * i), r, 410 + 7 * i, 38 + i) for i in range(3)]
    c.log("slurm-612290.out", out)
    d = ["%s pci 0000:%s:00.0: 4.000 Gb/s available PCIe bandwidth, limited by 2.5 GT/s PCIe x2 link "
         "at 0000:97:01.0 (capable of 504.112 Gb/s with 32.0 GT/s PCIe x16 link)" % (
             c.dmesg(-c.uptime0 + 41), c.pci[g])]
    d += kernel_noise(c, bad, 6, -1300, 0, fmt="dmesg")
    for i in range(6):
        t = -1100 + 170 * i
        d += ["%s pcieport 0000:97:01.0: AER: Corrected error message received from 0000:%s:00.0" % (
                  c.dmesg(t), c.pci[g]),
              "%s nvidia 0000:%s:00.0: PCIe Bus Error: severity=Corrected, type=Data Link Layer, "
              "(Transmitter ID)" % (c.dmesg(t), c.pci[g]),
              "%s nvidia 0000:%s:00.0:   device [10de:2330] error status/mask=00001000/0000e000" % (
                  c.dmesg(t), c.pci[g]),
              "%s nvidia 0000:%s:00.0:    [12] Timeout" % (c.dmesg(t), c.pci[g])]
    c.log("%s/dmesg" % bad, d)
    dcgm(c, bad, extra=[("DCGM_FI_DEV_PCIE_REPLAY_COUNTER", 2, 0,
                         {g: lambda s, n: 40 + (s + 1260) * 3.7}),
                        ("DCGM_FI_PROF_PCIE_RX_BYTES", 9.0e9, 1.0e9, {g: lambda s, n: 2.1e8})])
    c.with_topology()
    return c


@case
def u020():
    """DeepSpeed ZeRO-Offload on Kubernetes, 2x8 A100: the CPU-offloaded optimizer step is slow on
    one node only; it reads like CPU/host contention or a data stall. gpu.health on GPU 1 shows the
    link trained at x4; gpu.pcie_bandwidth on it fails; GPU 0's link is fine; node CPU is idle."""
    hosts = ["ocp-a100-wk-19", "ocp-a100-wk-20"]
    c = Case("case-u020", "pcie_link_degraded", "ocp-a100-wk-20/gpu1", hosts, gpu=A100, pci=PCI_BUS_B)
    bad, g = hosts[1], 1
    r = c.rank_of(bad, g)
    c.alert("TrainingSlowdown", "opt-30b-offload: samples/s -34% since node reboot", job="opt-30b-offload")
    out = deepspeed_steps(c, -1150, 36, 5100, step_s=31.0, mem=(22.1, 40.3))[::2]
    out += ["[%s] [INFO] [logging.py:96:log_dist] [Rank %d] time (ms) | fwd: 6120.4 | bwd: 12033.9 | "
            "step: %.1f" % (c.ymd_ms(-600 + 180 * i), r, 12840.0 + 33 * i) for i in range(3)]
    out += ["[%s] [INFO] [logging.py:96:log_dist] [Rank 0] time (ms) | fwd: 6102.7 | bwd: 11977.5 | "
            "step: 3310.8" % c.ymd_ms(-590)]
    c.log("k8s/train/opt-30b-offload-worker-1/ds", out + app_noise(c, 3))
    c.node_metric("node_cpu_utilisation", {"instance": bad}, lambda s: 0.31 + c.rng.uniform(-0.03, 0.03))
    c.node_metric("node_cpu_utilisation", {"instance": hosts[0]}, lambda s: 0.33 + c.rng.uniform(-0.03, 0.03))
    dcgm(c, bad, util={g: lambda s, n: 41 + c.rng.uniform(-5, 5)})
    health(c, "gpu.health@%s/gpu%d" % (bad, g), pcie_link_width=4, pcie_replay_count=17)
    health(c, "gpu.health@%s/gpu0" % bad)
    pcie(c, "gpu.pcie_bandwidth@%s/gpu%d" % (bad, g), h2d=6.1, d2h=6.4)
    pcie(c, "gpu.pcie_bandwidth@%s/gpu0" % bad)
    c.gemm("gpu.gemm@%s/gpu%d" % (bad, g))
    c.with_topology()
    return c


# ================================================================== gpu_silent_data_corruption
@case
def u021():
    """Megatron on Slurm, 4x8 H200, an in-house replica check: data-parallel replicas' parameter
    hashes disagree after the optimizer step, always the replica on one GPU; no Xid, no ECC."""
    hosts = ["sjc-h200-%03d" % i for i in (401, 402, 403, 404)]
    c = Case("case-u021", "gpu_silent_data_corruption", "sjc-h200-403/gpu6", hosts)
    bad, g = hosts[2], 6
    r = c.rank_of(bad, g)
    c.alert("ReplicaHashMismatch", "dp replica hash mismatch, job nemotron-ish-40b", job="nmt-40b",
            slurm_job_id="3300817")
    out = megatron_iters(c, -1190, 190, 71000, step_s=6.1, loss=1.72)[::8]
    for i in range(4):
        t = -900 + 240 * i
        out.append("[%s] [replica-audit] iter %d: tp=2 pp=3 param shard 14 hash mismatch: dp rank %d "
                   "(global rank %d, %s gpu %d) 0x%08x vs 0x9e3c51a7 on 15 other dp ranks" % (
                       c.ymd(t), 71000 + int((t + 1190) / 6.1), r // 8, r, bad, g, 0x1f00a000 + 977 * i))
    out.append("[%s] [replica-audit] resyncing shard from dp rank 0; 4 mismatches in 160 iterations, "
               "all on global rank %d" % (c.ymd(-120), r))
    c.log("slurm-3300817.out", app_noise(c, 4) + out)
    c.log("%s/journal" % bad, kernel_noise(c, bad, 14, -1300, 0))
    dcgm(c, bad, extra=[("DCGM_FI_DEV_ECC_SBE_VOL_TOTAL", 0, 0, None),
                        ("DCGM_FI_DEV_ECC_DBE_VOL_TOTAL", 0, 0, None)])
    c.with_topology()
    return c


@case
def u022():
    """FSDP (torchtitan) on Slurm, 2x8 H100: occasional loss spikes to NaN that a restart from the
    last checkpoint does not reproduce at the same step. Looks like plain divergence. gpu.sdc on
    the second node has GPU 6 disagreeing; the first node's vote passes; gpu.health passes."""
    hosts = ["lambda-h100-0031", "lambda-h100-0032"]
    c = Case("case-u022", "gpu_silent_data_corruption", "lambda-h100-0032/gpu6", hosts, gpu=H100)
    bad, g = hosts[1], 6
    c.alert("LossNaN", "titan-llama3-8b: NaN loss (2nd time in 6 h)", job="titan-llama3-8b",
            slurm_job_id="101877")
    nan = float("nan")
    out = fsdp_steps(c, -1150, 40, 44110, step_s=6.2, mfu=44.0, mem_gib=58.0,
                     loss_fn=lambda i: nan if i in (31, 32) else 2.11 - 0.0007 * i)[::1]
    out += ["[rank0]:[titan] %s - root - WARNING - non-finite loss at step %d; restoring from "
            "step-44000 and replaying" % (c.ymd_ms(-190), 44142),
            "[rank0]:[titan] %s - root - INFO - replayed steps 44000-44142: loss finite, max |dloss| "
            "vs first run 0.31 at step 44141" % c.ymd_ms(-40),
            "[rank0]:[titan] %s - root - INFO - earlier NaN at step 39811 also did not reproduce on "
            "replay" % c.ymd_ms(-38)]
    c.log("slurm-101877.out", out)
    dcgm(c, bad)
    c.sdc("gpu.sdc@%s" % bad, mismatched=4096, bad_gpu="gpu%d" % g)
    c.sdc("gpu.sdc@%s" % hosts[0])
    health(c, "gpu.health@%s/gpu%d" % (bad, g))
    c.gemm("gpu.gemm@%s/gpu%d" % (bad, g))
    c.with_topology()
    return c


# ================================================================== ib_link_failure
def ib_err(c, host, pid, gpu, peer_ip, status=12, vendor=129, qp=None, wording="new"):
    p = "%s:%d:%d [%d]" % (host, pid, pid + 311, gpu)
    if wording == "new":
        return ("%s transport/net_ib.cc:1696 NCCL WARN NET/IB : Got completion from peer %s<%d> with "
                "status=%d opcode=0 len=0 vendor err %d (Send) localGid fe80::a088:c203:%s:%04x "
                "remoteGids fe80::a088:c203:7e:%04x" % (p, peer_ip, 40000 + gpu * 7, status, vendor,
                                                         "%02x" % (pid % 200), gpu * 31, qp or 77))
    return ("%s NCCL WARN NET/IB : Got completion from peer %s<%d> with error %d, opcode 0, len 0, "
            "vendor err %d" % (p, peer_ip, 40000 + gpu * 7, status, vendor))


@case
def u023():
    """Megatron on Slurm, 4x8 H100: ranks on three nodes log IB completion errors (retry exceeded)
    towards one peer address, then the job aborts. The peer's node log shows mlx5_2 (port 1)
    going down and up twice; the IB link-downed counter of that port steps."""
    hosts = ["ib-h100-%02d" % i for i in (61, 62, 63, 64)]
    c = Case("case-u023", "ib_link_failure", "ib-h100-63/mlx5_2", hosts, gpu=H100)
    bad, nic, tf = hosts[2], 2, -160
    bad_ip = "10.12.63.%d" % (nic + 10)
    c.alert("TrainingJobFailed", "job 7780012 (pile-moe-pt) failed: NCCL remote error",
            job="pile-moe-pt", slurm_job_id="7780012")
    out = megatron_iters(c, -1150, 120, 6500, step_s=8.1, loss=2.2)[:int((tf + 1150) / 8.1)][::7]
    for h, gpu in ((hosts[0], 2), (hosts[1], 2), (hosts[3], 2), (hosts[0], 3)):
        out.append(ib_err(c, h, 310000 + gpu * 11 + hosts.index(h), gpu, bad_ip))
        out.append("%s:%d:%d [%d] NCCL INFO transport/net.cc:1302 -> 6" % (
            h, 310000 + gpu * 11 + hosts.index(h), 310311 + gpu * 11 + hosts.index(h), gpu))
    out += ["[rank2]: torch.distributed.DistBackendError: NCCL error in: ../torch/csrc/distributed/c10d/"
            "NCCLUtils.hpp:275, remote process exited or there was a network error, NCCL version 2.21.5",
            "[rank2]: ncclRemoteError: A call failed possibly due to a network error or a remote process "
            "exiting prematurely.",
            "[rank2]: Last error:",
            "[rank2]: NET/IB : Got completion from peer %s<40014> with status=12 opcode=0 len=0 vendor "
            "err 129 (Send) localGid fe80::a088:c203:1e:003e remoteGids fe80::a088:c203:7e:004d" % bad_ip,
            "srun: error: %s: tasks 0-7: Exited with exit code 1" % hosts[0]]
    c.log("slurm-7780012.out", app_noise(c, 3) + out)
    j = kernel_noise(c, bad, 8, -1300, 0)
    for t in (tf - 40, tf - 5):
        j += ["%s %s kernel: mlx5_core 0000:%s:00.0: mlx5_port_event:%d:(pid 0): Port %d changed "
              "state to DOWN" % (c.syslog(t), bad, NIC_BUS[nic], 1010, 1),
              "%s %s kernel: mlx5_core 0000:%s:00.0: mlx5_port_event:%d:(pid 0): Port %d changed "
              "state to ACTIVE" % (c.syslog(t + 9), bad, NIC_BUS[nic], 1010, 1)]
    j.append("%s %s opensm-monitor[2201]: port mlx5_2/1 (GUID 0xa088c20300e7b2%02x) link_downed "
             "counter 0 -> 2, symbol_error 0 -> 48112" % (c.syslog(tf + 30), bad, 0x44))
    c.log("%s/journal" % bad, j)
    for n in range(8):
        c.node_metric("node_infiniband_link_downed_total",
                      {"instance": bad, "device": "mlx5_%d" % n, "port": "1"},
                      (lambda s: 0 if s < tf - 40 else (1 if s < tf - 5 else 2)) if n == nic else (lambda s: 0),
                      decimals=0)
    c.with_topology(ib_addresses={h: "10.12.%s.10-17 (mlx5_0-mlx5_7)" % h[-2:] for h in hosts})
    return c


@case
def u024():
    """PyTorch FSDP on Kubernetes over RoCE, 3x8 H200: the first error comes from a rank on
    node A (retry exceeded towards 10.40.7.33); node B's NIC log shows eth3 (mlx5_3) flapping with
    PFC pause storms; the crash and watchdog lines on node A and C are downstream."""
    hosts = ["roce-h200-a01", "roce-h200-b07", "roce-h200-c02"]
    c = Case("case-u024", "ib_link_failure", "roce-h200-b07/mlx5_3", hosts)
    bad, nic, tf = hosts[1], 3, -220
    c.alert("PyTorchJobFailed", "job seq-rec-xl failed (worker-0 exit 1)", job="seq-rec-xl",
            namespace="recsys")
    out = fsdp_steps(c, -1100, 44, 7300, step_s=18.0, mfu=33.0, mem_gib=97.0)[:int((tf + 1100) / 18)][::2]
    out += [ib_err(c, hosts[0], 1201, 3, "10.40.7.33", wording="old"),
            ib_err(c, hosts[0], 1207, 3, "10.40.7.33", wording="old"),
            "%s:1201:1512 [3] NCCL INFO transport/net_ib.cc:1404 -> 6" % hosts[0],
            "[rank3]:[E%s ProcessGroupNCCL.cpp:1716] [PG 0 Rank 3] NCCL watchdog thread terminated with "
            "exception: NCCL error: remote process exited or there was a network error, NCCL version "
            "2.20.5" % c.glog(tf + 3)[1:]]
    out += watchdog(c, 17, tf + 600, 91100, op="ALLGATHER")[:1]
    c.log("k8s/recsys/seq-rec-xl-worker-0/pytorch", out)
    k = kernel_noise(c, bad, 6, -1300, 0, fmt="dmesg")
    for t in (tf - 60, tf - 12):
        k += ["%s mlx5_core 0000:%s:00.0 eth3: Link down" % (c.dmesg(t), NIC_BUS[nic]),
              "%s mlx5_core 0000:%s:00.0 eth3: Link up" % (c.dmesg(t + 6), NIC_BUS[nic])]
    k += ["%s mlx5_core 0000:%s:00.0: mlx5e_tx_timeout_eq_recover:731:(pid 0): Recovered 2 eqes on "
          "EQ 0x1b" % (c.dmesg(tf - 30), NIC_BUS[nic])]
    c.log("%s/dmesg" % bad, k)
    c.log("%s/ethtool-S-eth3" % bad, [
        "     rx_prio3_pause: 18820119", "     tx_prio3_pause: 44012", "     rx_discards_phy: 90112",
        "     rx_crc_errors_phy: 7703", "     rx_symbol_err_phy: 1220188", "     link_down_events_phy: 2",
        "     tx_pause_storm_warning_events: 6", "     tx_pause_storm_error_events: 1"])
    for n in (2, 3):
        c.node_metric("node_network_carrier_changes_total", {"instance": bad, "device": "eth%d" % n},
                      (lambda s: 4 + (2 if s >= tf - 60 else 0) + (2 if s >= tf - 12 else 0)) if n == nic
                      else (lambda s: 4), decimals=0)
    c.with_topology(nic_ips={hosts[0]: "10.40.1.33", bad: "10.40.7.33", hosts[2]: "10.40.9.33"})
    return c


# ================================================================== nccl_network_misconfig
@case
def u025():
    """Kubernetes (Kubeflow PyTorchJob), 2x8 H100 with a secondary network: NCCL_SOCKET_IFNAME=eth0
    is set but the pods' usable interfaces are net1-net8 and eth0 is the cluster overlay that the
    other pod cannot reach on NCCL's port range; bootstrap fails on every rank."""
    hosts = ["k8s-h100-w-03", "k8s-h100-w-11"]
    c = Case("case-u025", "nccl_network_misconfig", "job", hosts, gpu=H100)
    c.alert("PyTorchJobFailed", "job rlhf-ppo-34b failed during init (all workers)", job="rlhf-ppo-34b",
            namespace="alignment")
    p = "%s:%d:%d [0]" % ("rlhf-ppo-34b-worker-1", 88, 88)
    out = ["%s NCCL INFO cudaDriverVersion 12040" % p,
           "%s NCCL INFO NCCL_SOCKET_IFNAME set by environment to eth0" % p,
           "%s NCCL INFO Bootstrap : Using eth0:192.168.41.17<0>" % p,
           "%s NCCL INFO NET/IB : No device found." % p,
           "%s NCCL INFO NCCL_SOCKET_IFNAME set by environment to eth0" % p,
           "%s NCCL INFO NET/Socket : Using [0]eth0:192.168.41.17<0>" % p,
           "%s NCCL INFO Using network Socket" % p,
           "%s misc/socket.cc:484 NCCL WARN socketStartConnect: Connect to 192.168.17.4<43021> failed : "
           "Software caused connection abort" % p,
           "%s NCCL INFO misc/socket.cc:565 -> 2" % p,
           "%s NCCL INFO bootstrap.cc:275 -> 2" % p,
           "%s NCCL INFO init.cc:1419 -> 2" % p,
           "[rank8]: Traceback (most recent call last):",
           '[rank8]:   File "/workspace/rlhf/ppo_trainer.py", line 77, in setup',
           "[rank8]:     dist.barrier()",
           "[rank8]: torch.distributed.DistBackendError: NCCL error in: ../torch/csrc/distributed/c10d/"
           "ProcessGroupNCCL.cpp:1970, unhandled system error (run with NCCL_DEBUG=INFO for details), "
           "NCCL version 2.20.5",
           "[rank8]: ncclSystemError: System call (e.g. socket, malloc) or external library call failed "
           "or device error. ",
           "[rank8]: Last error:",
           "[rank8]: socketStartConnect: Connect to 192.168.17.4<43021> failed : Software caused "
           "connection abort"]
    out = ["%s %s" % (c.iso(-300 + i * 0.1), x) for i, x in enumerate(out)]
    c.log("k8s/alignment/rlhf-ppo-34b-worker-1/pytorch", out)
    c.log("k8s/alignment/rlhf-ppo-34b-worker-1/describe", [
        "Annotations: k8s.v1.cni.cncf.io/networks: sriov-ib/ib-net1,sriov-ib/ib-net2,sriov-ib/ib-net3,"
        "sriov-ib/ib-net4",
        "  k8s.v1.cni.cncf.io/network-status: [{\"name\":\"cilium\",\"interface\":\"eth0\",\"ips\":"
        "[\"192.168.41.17\"]},{\"name\":\"sriov-ib/ib-net1\",\"interface\":\"net1\"}]",
        "Environment:", "  NCCL_SOCKET_IFNAME:  eth0", "  NCCL_IB_HCA:         =mlx5_0,mlx5_1",
        "  NCCL_DEBUG:          INFO", "  MASTER_ADDR:         rlhf-ppo-34b-master-0",
        "Node: %s/10.0.3.11" % hosts[1]])
    c.log("k8s/events", [k8s_event(c, -280, "pod", "rlhf-ppo-34b-worker-%d" % i, "BackOff",
                                   "Back-off restarting failed container pytorch") for i in range(2)])
    dcgm(c, hosts[1], util={i: lambda s, n: 0 for i in range(8)},
         power={i: lambda s, n: 72 + c.rng.uniform(-3, 3) for i in range(8)})
    c.with_topology()
    return c


@case
def u026():
    """Megatron on Slurm, 4x8 H200: throughput is ~9x below the last run of the same config after a
    container image update; no errors, NCCL_DEBUG unset. Could be a straggler, the data path or
    the network. nccl.allreduce over the job fails at 4.8 GB/s busbw (transport NET/Socket in the
    details); the same probe within one node passes; gpu.gemm passes."""
    hosts = ["sxm-h200-%02d" % i for i in (5, 6, 7, 8)]
    c = Case("case-u026", "nccl_network_misconfig", "job", hosts)
    c.alert("TrainingThroughputLow", "mpt-30b-pt: 41 TFLOP/s/GPU (expected ~390)", job="mpt30b-pt",
            slurm_job_id="2051177")
    out = ["srun: job 2051177 queued and waiting for resources", "srun: job 2051177 has been allocated resources",
           "using world size: 32, data-parallel size: 8, context-parallel size: 1, tensor-model-parallel "
           "size: 4, pipeline-model-parallel size: 1",
           "> initializing torch distributed ...", "> initialized tensor model parallel with size 4",
           "> setting random seeds to 1234 ..."]
    out += megatron_iters(c, -1150, 30, 10, step_s=37.2, loss=7.1)[::2]
    c.log("slurm-2051177.out", app_noise(c, 5) + out)
    c.log("ci/image-diff", ["FROM nvcr.io/nvidia/pytorch:24.05-py3 -> internal/pt:2024.11.2",
                            "+ COPY site-env.sh /etc/profile.d/90-site-env.sh",
                            "+ RUN pip install -r requirements-extra.txt",
                            "~ transformer-engine 1.6 -> 1.11", "~ flash-attn 2.5.8 -> 2.6.3"])
    c.log("%s/journal" % hosts[0], kernel_noise(c, hosts[0], 14, -1300, 0))
    for h in hosts[:2]:
        dcgm(c, h, util={i: lambda s, n: 19 + c.rng.uniform(-6, 6) for i in range(8)},
             power={i: lambda s, n: 210 + c.rng.uniform(-30, 30) for i in range(8)})
    c.nccl("nccl.allreduce@job", busbw=4.8, details={"transport": "NET/Socket", "ranks": "32"})
    c.nccl("nccl.allreduce@%s" % hosts[0])
    c.gemm("gpu.gemm@%s/gpu0" % hosts[0])
    health(c, "gpu.health@%s/gpu0" % hosts[1])
    c.with_topology()
    return c


# ================================================================== nccl_collective_hang
@case
def u027():
    """FSDP + pipeline on Slurm, 2x8 H100: all ranks but one time out in ALLREDUCE SeqNum 61210;
    rank 13 times out in a BROADCAST with SeqNum 61209 — it took another code path (an eval
    branch) and never entered the all-reduce. The flight-recorder analyser says so."""
    hosts = ["hpc-h100-g%02d" % i for i in (1, 2)]
    c = Case("case-u027", "nccl_collective_hang", "hpc-h100-g02/gpu5", hosts, gpu=H100)
    bad, g = hosts[1], 5
    r = c.rank_of(bad, g)
    c.alert("NCCLWatchdogTimeout", "15 ranks of job 90031 (llava-next-ft) timed out", job="llava-next-ft",
            slurm_job_id="90031")
    out = plain_steps(c, -1190, 20, 18000, step_s=5.1, loss=0.94)
    out.append("%s | INFO | train | step 18020: running eval on rank-local shard (eval_every=20)" % c.ymd(-1085))
    for rr in (0, 4, 9, 15):
        out += watchdog(c, rr, -470 + rr * 0.2, 61210, op="ALLREDUCE", numel=1048576, timeout_ms=600000)[:2]
    out += ["[rank%d]:[E%s ProcessGroupNCCL.cpp:616] [Rank %d] Watchdog caught collective operation "
            "timeout: WorkNCCL(SeqNum=61209, OpType=BROADCAST, NumelIn=1, NumelOut=1, Timeout(ms)=600000) "
            "ran for 600011 milliseconds before timing out." % (r, c.glog(-468)[1:], r)]
    out += ["%s fr_trace: Not all ranks joining collective 61210 at entry 3311" % c.ymd(-300),
            "%s fr_trace: group info: 0:default_pg" % c.ymd(-300),
            "%s fr_trace: collective: nccl:all_reduce" % c.ymd(-300),
            "%s fr_trace: missing ranks: {%d}" % (c.ymd(-300), r),
            "%s fr_trace: input sizes: [[1048576]]" % c.ymd(-300),
            "%s fr_trace: rank %d last entry: nccl:broadcast seq 61209 state scheduled" % (c.ymd(-300), r)]
    c.log("slurm-90031.out", app_noise(c, 5) + out)
    dcgm(c, bad, util={i: after(-1080, 100) for i in range(8)},
         power={i: after(-1080, lambda s, n: 180 + c.rng.uniform(-10, 10)) for i in range(8)})
    c.with_topology()
    return c


@case
def u028():
    """DeepSpeed on Slurm, 3x8 A100: every rank logs the watchdog, all on the same SeqNum; the torch
    2.1-style lines show rank 19's last enqueued work is one behind everyone's; py-spy of rank 19
    shows it blocked on a Python lock in the checkpoint-upload thread's logging handler."""
    hosts = ["a100-east-%03d" % i for i in (310, 311, 312)]
    c = Case("case-u028", "nccl_collective_hang", "a100-east-312/gpu3", hosts, gpu=A100)
    bad, g = hosts[2], 3
    r = c.rank_of(bad, g)
    c.alert("JobHung", "bloom-ft-7b: no progress for 32 min", job="bloom-ft-7b", slurm_job_id="44120")
    out = deepspeed_steps(c, -2100, 20, 9911, step_s=6.0, mem=(30.2, 52.1))[::2]
    for rr in (1, 8, 16, 23):
        out.append("[E ProcessGroupNCCL.cpp:475] [Rank %d] Watchdog caught collective operation timeout: "
                   "WorkNCCL(SeqNum=228101, OpType=ALLREDUCE, NumelIn=65536000, NumelOut=65536000, "
                   "Timeout(ms)=1800000) ran for 1800406 milliseconds before timing out." % rr)
        out.append("[E ProcessGroupNCCL.cpp:489] [Rank %d] last enqueued NCCL work: 228101, last "
                   "completed NCCL work: 228100." % rr)
    out.append("[E ProcessGroupNCCL.cpp:489] [Rank %d] last enqueued NCCL work: 228100, last completed "
               "NCCL work: 228100." % r)
    c.log("slurm-44120.out", out)
    c.log("%s/py-spy-dump-rank%d" % (bad, r), [
        "Process 71442: /usr/bin/python -u train.py --local_rank=%d --deepspeed ds.json" % g,
        "Python v3.10.12 (/usr/bin/python3.10)", "",
        "Thread 71442 (idle): \"MainThread\"",
        "    emit (logging/__init__.py:1100)", "    handle (logging/__init__.py:968)",
        "    callHandlers (logging/__init__.py:1696)", "    info (logging/__init__.py:1477)",
        "    log_metrics (utils/metrics.py:51)", "    train_step (train.py:318)", "    main (train.py:402)",
        "Thread 71590 (idle): \"ckpt-uploader\"",
        "    acquire (logging/__init__.py:917)", "    flush (s3_handler.py:88)",
        "    _upload_part (s3_handler.py:140)", "    run (threading.py:953)"])
    dcgm(c, bad, util={i: lambda s, n: 100 for i in range(8) if i != g},
         power={g: lambda s, n: 62 + c.rng.uniform(-2, 2)})
    c.with_topology()
    return c


# ================================================================== rank_process_crash
@case
def u029():
    """Megatron on Slurm, 4x8 H200: the loudest lines are IB completion errors (status 12 / 5) on
    ranks of three nodes; the first event is a segfault of rank 20 in a C++ data-index helper
    (Fatal Python error with the faulting thread's stack); the IB ports are clean."""
    hosts = ["pdx-h200-%02d" % i for i in (31, 32, 33, 34)]
    c = Case("case-u029", "rank_process_crash", "pdx-h200-33/gpu4", hosts)
    bad, g, tf = hosts[2], 4, -210
    r = c.rank_of(bad, g)
    c.alert("TrainingJobFailed", "job 8802310 (code-llm-34b) failed, NCCL network errors on 3 nodes",
            job="code-llm-34b", slurm_job_id="8802310")
    out = megatron_iters(c, -1150, 200, 70020, step_s=4.4, loss=1.31)[:int((tf + 1150) / 4.4)][::9]
    out += ["Fatal Python error: Segmentation fault", "",
            "Thread 0x00007f21d1ffb640 (most recent call first):",
            '  File "/opt/megatron/megatron/core/datasets/helpers.py", line 61 in build_blending_indices',
            '  File "/opt/megatron/megatron/core/datasets/blended_dataset.py", line 188 in _build_indices',
            "", "Current thread 0x00007f2d2a0c4740 (most recent call first):",
            '  File "/usr/lib/python3.10/threading.py", line 324 in wait',
            "srun: error: %s: task %d: Segmentation fault (core dumped)" % (bad, r)]
    for h, rr in ((hosts[0], 4), (hosts[1], 12), (hosts[3], 28)):
        out.append(ib_err(c, h, 51000 + rr, rr % 8, "10.22.33.%d" % (g + 10), status=12, vendor=129))
        out.append(ib_err(c, h, 51000 + rr, rr % 8, "10.22.33.%d" % (g + 10), status=5, vendor=249))
        out.append("[rank%d]: ncclRemoteError: A call failed possibly due to a network error or a remote "
                   "process exiting prematurely." % rr)
    out += ["srun: error: %s: tasks 0-7: Exited with exit code 1" % hosts[0],
            "srun: error: %s: tasks 8-15: Exited with exit code 1" % hosts[1]]
    c.log("slurm-8802310.out", app_noise(c, 3) + out)
    c.log("%s/journal" % bad, kernel_noise(c, bad, 8, -1300, 0) + [
        "%s %s kernel: pt_data_worker[3311822]: segfault at 7f1a30000010 ip 00007f21d8a2c3b1 sp "
        "00007f21d1ff9e80 error 4 in helpers_cpp.cpython-310-x86_64-linux-gnu.so[7f21d8a1e000+2c000] "
        "likely on CPU 71 (core 7, socket 1)" % (c.syslog(tf), bad),
        "%s %s systemd-coredump[3312001]: Process 3311790 (python) of user 1207 dumped core." % (
            c.syslog(tf + 20), bad)])
    for n in range(8):
        c.node_metric("node_infiniband_port_errors_total", {"instance": bad, "device": "mlx5_%d" % n,
                                                             "type": "symbol_error"}, lambda s: 0, decimals=0)
    c.with_topology()
    return c


@case
def u030():
    """torchtitan on Kubernetes, 2x8 H100: worker-1 pod's rank 11 aborts with glibc heap corruption
    from a custom tokenizer extension (SIGABRT, exit -6); peers report sockets closed by the
    remote and then the watchdog; the alert is about the peers."""
    hosts = ["gke-a3-h100-pool-2-1b9k", "gke-a3-h100-pool-2-7tq4"]
    c = Case("case-u030", "rank_process_crash", "gke-a3-h100-pool-2-7tq4/gpu3", hosts, gpu=H100)
    bad, g, tf = hosts[1], 3, -700
    r = c.rank_of(bad, g)
    c.alert("NCCLErrors", "NCCL errors on 14 ranks of multilingual-13b", job="multilingual-13b",
            namespace="llm")
    w1 = fsdp_steps(c, -1150, 40, 5500, step_s=11.5, rank=r, mfu=40.0, mem_gib=71.0)[:int((tf + 1150) / 11.5)][::2]
    w1 += ["double free or corruption (!prev)",
           "Fatal Python error: Aborted", "",
           "Thread 0x00007f0b49fff640 (most recent call first):",
           '  File "/opt/tok/fast_spm/__init__.py", line 212 in encode_batch',
           '  File "/workspace/data/stream.py", line 96 in __iter__']
    w1 += elastic_failure(c, tf + 4, bad, r, g, -6, sig="SIGABRT")
    c.log("k8s/llm/multilingual-13b-worker-1/pytorch", w1)
    w0 = ["%s %s:%d:%d [%d] misc/socket.cc:50 NCCL WARN socketProgress: Connection closed by remote peer "
          "%s.llm.svc<49381>" % (c.iso(tf + 3), hosts[0], 40012 + i, 40150 + i, i,
                                 "multilingual-13b-worker-1") for i in (1, 2, 6)]
    w0 += ["%s %s:%d:%d [%d] NCCL INFO transport/net_socket.cc:533 -> 6" % (
        c.iso(tf + 3), hosts[0], 40013, 40151, 2)]
    w0 += watchdog(c, 2, tf + 600, 44120, op="_ALLGATHER_BASE")[:2]
    c.log("k8s/llm/multilingual-13b-worker-0/pytorch", w0)
    c.log("k8s/events", [k8s_event(c, tf + 8, "pod", "multilingual-13b-worker-1", "BackOff",
                                   "Back-off restarting failed container pytorch")])
    dcgm(c, bad, util={g: after(tf, 0)})
    c.with_topology()
    return c


# ================================================================== cuda_oom
@case
def u031():
    """Megatron on Slurm, 4x8 H100, pipeline-parallel 4: the last pipeline stage (rank 31, the one
    with the LM head and loss) OOMs at the first iteration after the run's seq-length was raised;
    every other rank then hits the watchdog, which is what paged."""
    hosts = ["h100-p4-%02d" % i for i in (10, 11, 12, 13)]
    c = Case("case-u031", "cuda_oom", "job", hosts, gpu=H100)
    bad = hosts[3]
    c.alert("NCCLWatchdogTimeout", "31 ranks of job 6603108 (llama-8b-longctx) timed out",
            job="llama-8b-longctx", slurm_job_id="6603108")
    out = ["------------------------ arguments ------------------------",
           "  micro_batch_size ................................ 2",
           "  pipeline_model_parallel_size .................... 4",
           "  seq_length ...................................... 16384",
           "  recompute_granularity ........................... None",
           "  untie_embeddings_and_output_weights ............. True",
           "-------------------- end of arguments ---------------------",
           "[after model, optimizer, and learning rate scheduler are built] datetime: %s" % c.ymd(-660),
           "[before the start of training step] datetime: %s" % c.ymd(-640),
           "[rank31]: Traceback (most recent call last):",
           '[rank31]:   File "/opt/megatron/megatron/core/tensor_parallel/layers.py", line 473, in forward',
           "[rank31]: torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 7.83 GiB. GPU 7 has a "
           "total capacity of 79.10 GiB of which 5.12 GiB is free. Including non-PyTorch memory, this "
           "process has 73.97 GiB memory in use. Of the allocated memory 66.41 GiB is allocated by "
           "PyTorch, and 6.02 GiB is reserved by PyTorch but unallocated. If reserved but unallocated "
           "memory is large try setting PYTORCH_CUDA_ALLOC_CONF=expandable_segments:True to avoid "
           "fragmentation.  See documentation for Memory Management  "
           "(https://pytorch.org/docs/stable/notes/cuda.html#environment-variables)"]
    for rr in (0, 8, 16, 24, 30):
        out += watchdog(c, rr, -30 + rr * 0.1, 17, op="SEND" if rr != 30 else "RECV", numel=67108864)[:2]
    out += ["srun: error: %s: task 31: Exited with exit code 1" % bad,
            "srun: error: %s: tasks 0-7: Exited with exit code 1" % hosts[0]]
    c.log("slurm-6603108.out", app_noise(c, 4) + out)
    c.log("git-log-config", ["commit 8e1f0c2 (HEAD) raise seq_length 8192 -> 16384 for long-context phase",
                             "commit 51aa07e drop recompute for speed (seq 8192 fits)"])
    c.log("%s/journal" % bad, kernel_noise(c, bad, 16, -1300, 0))
    dcgm(c, bad, extra=[("DCGM_FI_DEV_FB_USED", 30000, 500,
                         {7: after(-640, lambda s, n: 80100 if s < -620 else 600)})])
    c.with_topology()
    return c


@case
def u032():
    """DeepSpeed on Kubernetes, 2x8 A100: after a pod restart, rank 6 OOMs at model load; the OOM
    message lists another process holding 31 GiB on that GPU — a leftover from the previous
    attempt that never exited (the GPU's memory stays used while util is 0 between runs)."""
    hosts = ["a100-k8s-gpu-041", "a100-k8s-gpu-042"]
    c = Case("case-u032", "cuda_oom", "a100-k8s-gpu-041/gpu6", hosts, gpu=A100, pci=PCI_BUS_B)
    bad, g = hosts[0], 6
    c.alert("PyTorchJobRestarting", "summarizer-20b restarted 3 times in 20 min", job="summarizer-20b",
            namespace="apps")
    out = ["[%s] [INFO] [real_accelerator.py:203:get_accelerator] Setting ds_accelerator to cuda" % c.ymd_ms(-400),
           "[%s] [INFO] [comm.py:652:init_distributed] cdb=None" % c.ymd_ms(-399),
           "[%s] [INFO] [partition_parameters.py:345:__exit__] finished initializing model - num_params = "
           "387, num_elems = 20.55B" % c.ymd_ms(-350),
           "[rank6]: Traceback (most recent call last):",
           '[rank6]:   File "/app/train.py", line 140, in <module>',
           "[rank6]:     model, optimizer, _, _ = deepspeed.initialize(args=args, model=model)",
           "[rank6]: torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 1.91 GiB. GPU 6 has a "
           "total capacity of 79.15 GiB of which 745.69 MiB is free. Process 2291044 has 31.20 GiB memory "
           "in use. Process 2318872 has 47.21 GiB memory in use. Of the allocated memory 45.30 GiB is "
           "allocated by PyTorch, and 1.05 GiB is reserved by PyTorch but unallocated. If reserved but "
           "unallocated memory is large try setting PYTORCH_CUDA_ALLOC_CONF=expandable_segments:True to "
           "avoid fragmentation.  See documentation for Memory Management  "
           "(https://pytorch.org/docs/stable/notes/cuda.html#environment-variables)",
           "[%s] [INFO] [launch.py:319:sigkill_handler] Killing subprocess 2318866" % c.ymd_ms(-330)]
    out += elastic_failure(c, -329, bad, g, g, 1)
    c.log("k8s/apps/summarizer-20b-worker-0/pytorch", app_noise(c, 3) + out)
    c.log("%s/nvidia-smi" % bad, [
        "+-----------------------------------------------------------------------------------------+",
        "| Processes:                                                                              |",
        "|  GPU   GI   CI        PID   Type   Process name                              GPU Memory |",
        "|=========================================================================================|",
        "|    6   N/A  N/A   2291044      C   /usr/bin/python3                            31948MiB |",
        "+-----------------------------------------------------------------------------------------+"])
    dcgm(c, bad, util={i: after(-330, 0) for i in range(8)},
         extra=[("DCGM_FI_DEV_FB_USED", 200, 50, {g: lambda s, n: 31950})])
    c.with_topology()
    return c


# ================================================================== illegal_memory_access
@case
def u033():
    """FSDP on Slurm, 2x8 H200: rank 9 dies with 'an illegal memory access was encountered' right
    after a variable-length packed batch; Xid 31 (MMU fault, FAULT_PDE) names that GPU and the
    python process; the other ranks time out. The GPU passes health and GEMM afterwards."""
    hosts = ["h200-lab-%02d" % i for i in (1, 2)]
    c = Case("case-u033", "illegal_memory_access", "h200-lab-02/gpu1", hosts)
    bad, g, tf = hosts[1], 1, -650
    r = c.rank_of(bad, g)
    c.alert("NCCLWatchdogTimeout", "ranks 0-15 except 9 timed out (job 120931, packed-sft-70b)",
            job="packed-sft-70b", slurm_job_id="120931")
    out = fsdp_steps(c, -1190, 40, 3100, step_s=12.0, rank=0, mfu=41.0, mem_gib=118.0)[:int((tf + 1190) / 12)][::2]
    out += ["[rank%d]:[titan] %s - root - INFO - packing: max_seqlen_in_batch=32768 cu_seqlens[-1]=65536 "
            "(2 docs)" % (r, c.ymd_ms(tf - 1)),
            "[rank%d]: RuntimeError: CUDA error: an illegal memory access was encountered" % r,
            "[rank%d]: CUDA kernel errors might be asynchronously reported at some other API call, so the "
            "stacktrace below might be incorrect." % r,
            "[rank%d]: For debugging consider passing CUDA_LAUNCH_BLOCKING=1" % r,
            "[rank%d]: Exception raised from c10_cuda_check_implementation at ../c10/cuda/CUDAException.cpp:43" % r]
    for rr in (0, 5, 8, 14):
        out += watchdog(c, rr, tf + 601 + rr * 0.1, 88411, op="_REDUCE_SCATTER_BASE")[:1]
    c.log("slurm-120931.out", out)
    j = kernel_noise(c, bad, 8, -1300, 0)
    j += [nvrm(c, bad, tf, "Xid (PCI:0000:%s:00): 31, pid=402277, name=python3, Ch 00000010, intr "
               "00000000. MMU Fault: ENGINE GRAPHICS GPCCLIENT_T1_4 faulted @ 0x7f1c_8e400000. Fault is "
               "of type FAULT_PDE ACCESS_TYPE_VIRT_READ" % c.pci[g])]
    c.log("%s/journal" % bad, j)
    dcgm(c, bad, extra=[("DCGM_FI_DEV_XID_ERRORS", 0, 0, {g: after(tf, 31)})])
    health(c, "gpu.health@%s/gpu%d" % (bad, g), xid_last=31)
    c.gemm("gpu.gemm@%s/gpu%d" % (bad, g))
    c.with_topology()
    return c


@case
def u034():
    """NeMo on Slurm, 2x8 H100: every data-parallel rank fails the same device-side assert in the
    embedding lookup after the tokenizer was swapped for one with a larger vocabulary while the
    model's padded vocab stayed 32000; job-wide."""
    hosts = ["nemo-h100-%02d" % i for i in (7, 8)]
    c = Case("case-u034", "illegal_memory_access", "job", hosts, gpu=H100)
    c.alert("TrainingJobFailed", "job 551230 (nemo-mt-12b) failed at step 1", job="nemo-mt-12b",
            slurm_job_id="551230")
    out = ["[NeMo I %s tokenizer_utils:130] Getting SentencePiece with model: /data/tok/spm_48k.model" % c.ymd(-420),
           "[NeMo I %s megatron_base_model:584] Padded vocab_size: 32000, original vocab_size: 32000, "
           "dummy tokens: 0." % c.ymd(-410),
           "[NeMo W %s nemo_logging:349] /usr/local/lib/python3.10/dist-packages/pytorch_lightning/trainer/"
           "connectors/data_connector.py:441: The 'train_dataloader' does not have many workers" % c.ymd(-380)]
    for rr in (0, 3, 11):
        out += ["../aten/src/ATen/native/cuda/Indexing.cu:1289: indexSelectLargeIndex: block: [%d,0,0], "
                "thread: [%d,0,0] Assertion `srcIndex < srcSelectDimSize` failed." % (311 + rr, 32 + rr)] * 2
        out += ["[rank%d]: RuntimeError: CUDA error: device-side assert triggered" % rr,
                "[rank%d]: Compile with `TORCH_USE_CUDA_DSA` to enable device-side assertions." % rr]
    out += ["srun: error: %s: tasks 0-7: Exited with exit code 1" % hosts[0],
            "srun: error: %s: tasks 8-15: Exited with exit code 1" % hosts[1]]
    out = ["%s %s" % (c.ymd(-360 + i * 0.2), x) if not x.startswith("[NeMo") else x for i, x in enumerate(out)]
    c.log("slurm-551230.out", app_noise(c, 4) + out)
    c.log("%s/journal" % hosts[1], kernel_noise(c, hosts[1], 9, -1300, 0))
    dcgm(c, hosts[0], util={i: after(-360, 0) for i in range(8)})
    c.with_topology()
    return c


# ================================================================== host_oom
@case
def u035():
    """torchrun on Slurm, 2x8 H200: rank 12's process gets SIGKILL (reads like a crash); the kernel
    OOM killer chose it: the node's page cache and 8 ranks' pinned-memory DataLoader workers
    exhausted 2 TiB; node memory-available falls to ~0 first."""
    hosts = ["h200-mem-%02d" % i for i in (3, 4)]
    c = Case("case-u035", "host_oom", "h200-mem-04", hosts)
    bad, tf = hosts[1], -180
    r = c.rank_of(bad, 4)
    c.alert("TrainingJobFailed", "job 3301 (video-diffusion-xl) failed: rank %d SIGKILL" % r,
            job="video-diffusion-xl", slurm_job_id="3301")
    out = plain_steps(c, -1150, 60, 20400, step_s=16.0, loss=0.0712)[:int((tf + 1150) / 16)][::2]
    out += elastic_failure(c, tf + 2, bad, r, 4, -9, sig="SIGKILL")
    c.log("slurm-3301.out", out)
    j = kernel_noise(c, bad, 6, -1300, 0)
    j += ["%s %s kernel: pt_data_worker invoked oom-killer: gfp_mask=0x140cca(GFP_HIGHUSER_MOVABLE|"
          "__GFP_COMP), order=0, oom_score_adj=0" % (c.syslog(tf), bad),
          "%s %s kernel: Mem-Info:" % (c.syslog(tf), bad),
          "%s %s kernel: active_anon:498120331 inactive_anon:12044 isolated_anon:0" % (c.syslog(tf), bad),
          "%s %s kernel: oom-kill:constraint=CONSTRAINT_NONE,nodemask=(null),cpuset=/,mems_allowed=0-1,"
          "global_oom,task_memcg=/system.slice/slurmstepd.scope/job_3301,task=python,pid=811204,uid=5012" % (
              c.syslog(tf), bad),
          "%s %s kernel: Out of memory: Killed process 811204 (python) total-vm:412238112kB, "
          "anon-rss:281122204kB, file-rss:1048576kB, shmem-rss:0kB, UID:5012 pgtables:561200kB "
          "oom_score_adj:0" % (c.syslog(tf), bad)]
    c.log("%s/journal" % bad, j)
    c.node_metric("node_memory_MemAvailable_bytes", {"instance": bad},
                  lambda s: max(2.1e9, 1.6e12 - (s + 1260) * 1.45e9) if s < tf + 10 else 1.2e12, decimals=0)
    c.node_metric("node_memory_MemAvailable_bytes", {"instance": hosts[0]},
                  lambda s: 1.1e12 + c.rng.uniform(-2e10, 2e10), decimals=0)
    dcgm(c, bad, util={4: after(tf, 0)})
    c.with_topology()
    return c


@case
def u036():
    """Kubernetes, 1x8 H100 pod with a 900 GiB memory limit: 'DataLoader worker exited unexpectedly'
    kills the run; the node's kernel log shows the memory cgroup OOM killer (not the GPU); the pod
    event says OOMKilled after the dataset switched to in-memory decoding of 4K frames."""
    hosts = ["gke-a3-hi-mem-pool-3-4d1c"]
    c = Case("case-u036", "host_oom", "gke-a3-hi-mem-pool-3-4d1c", hosts, gpu=H100)
    bad, tf = hosts[0], -240
    c.alert("KubePodOOMKilled", "pod vlm-pt-0 container trainer OOMKilled", pod="vlm-pt-0",
            namespace="vision", job="vlm-pt")
    out = plain_steps(c, -1100, 40, 5100, step_s=20.0, loss=1.42)[:int((tf + 1100) / 20)][::2]
    out += ["ERROR: Unexpected bus error encountered in worker. This might be caused by insufficient shared memory (shm).",
            "Traceback (most recent call last):",
            '  File "/usr/local/lib/python3.11/site-packages/torch/utils/data/dataloader.py", line 1243, in _try_get_data',
            "RuntimeError: DataLoader worker (pid(s) 9912, 9915) exited unexpectedly"]
    c.log("k8s/vision/vlm-pt-0/trainer", out)
    d = kernel_noise(c, bad, 5, -1300, 0, fmt="dmesg")
    d += ["%s python3 invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, oom_score_adj=936" % c.dmesg(tf),
          "%s memory: usage 943718400kB, limit 943718400kB, failcnt 1184" % c.dmesg(tf),
          "%s oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=cri-containerd-6a1e.scope,"
          "mems_allowed=0-1,oom_memcg=/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod71c2.slice,"
          "task_memcg=/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod71c2.slice/"
          "cri-containerd-6a1e.scope,task=python3,pid=9912,uid=0" % c.dmesg(tf),
          "%s Memory cgroup out of memory: Killed process 9912 (python3) total-vm:121334020kB, "
          "anon-rss:98512300kB, file-rss:52112kB, shmem-rss:18220kB, UID:0 pgtables:198200kB "
          "oom_score_adj:936" % c.dmesg(tf)]
    c.log("%s/dmesg" % bad, d)
    c.log("k8s/events", [k8s_event(c, tf + 5, "pod", "vlm-pt-0", "OOMKilling",
                                   "Memory cgroup out of memory: Killed process 9912 (python3)"),
                         k8s_event(c, tf + 30, "pod", "vlm-pt-0", "Killing",
                                   "Container trainer exceeded its memory limit; last state: Terminated "
                                   "(OOMKilled, exit code 137)")])
    c.node_metric("container_memory_working_set_bytes", {"pod": "vlm-pt-0", "node": bad},
                  lambda s: min(9.66e11, 6.1e11 + (s + 1260) * 3.4e8) if s < tf + 20 else 2.0e10, decimals=0)
    dcgm(c, bad, util={i: after(tf, 0) for i in range(8)})
    return c


# ================================================================== loss_divergence
@case
def u037():
    """Megatron on Slurm, 4x8 H200: after a learning-rate bump on resume, lm loss climbs over ~40
    iterations, the grad norm explodes and Megatron's NaN check fires on every rank (each line names
    its own rank/node/device — none is special). No hardware event."""
    hosts = ["h200-tx-%02d" % i for i in (41, 42, 43, 44)]
    c = Case("case-u037", "loss_divergence", "job", hosts)
    c.alert("LossSpike", "olmo-style-32b: lm loss 2.1 -> 7.9 in 40 iterations", job="olmo32b",
            slurm_job_id="712008")
    nan = float("nan")
    lf = lambda i: 2.08 if i < 20 else (2.08 * 1.055 ** (i - 20) if i < 56 else nan)
    gf = lambda i: 0.31 if i < 20 else (0.31 * 1.3 ** (i - 20) if i < 56 else nan)
    out = ["  lr .............................................. 0.0009",
           "  min_lr .......................................... 9e-05",
           "  override_opt_param_scheduler .................... True",
           "[%s] loading checkpoint from /ckpt/olmo32b at iteration 150000 (lr in checkpoint 0.0003)" % c.ymd(-1200)]
    out += megatron_iters(c, -700, 58, 150001, step_s=9.8, loss_fn=lf, grad_fn=gf, lr=9e-4)[::2]
    for rr, h, d in ((0, hosts[0], 0), (13, hosts[1], 5), (22, hosts[2], 6), (31, hosts[3], 7)):
        out.append("Rank %d, node %s, device %d, iteration 150058: found NaN in local grad norm in "
                   "backward pass before data-parallel communication collective. Device: %d, node: %s" % (
                       rr, h, d, d, h))
    c.log("slurm-712008.out", out)
    c.log("%s/journal" % hosts[2], kernel_noise(c, hosts[2], 8, -1300, 0))
    dcgm(c, hosts[2])
    c.with_topology()
    return c


@case
def u038():
    """DeepSpeed on Kubernetes, 2x8 H100: loss NaN at step 30,412 after a three-step spike on all
    ranks; one GPU shows a single correctable-ECC tick (harmless). SDC or memory could explain a NaN:
    gpu.sdc passes on both nodes, gpu.health on the GPU with the SBE tick passes."""
    hosts = ["eks-p5-gpu-a7", "eks-p5-gpu-b2"]
    c = Case("case-u038", "loss_divergence", "job", hosts, gpu=H100)
    c.alert("LossNaN", "reasoning-7b-sft: loss NaN", job="reasoning-7b-sft", namespace="post-train")
    spike = {18: 3.9, 19: 9.7, 20: 31.2}
    out = deepspeed_steps(c, -1150, 26, 30392, step_s=19.0, loss=0.71,
                          loss_fn=lambda i: spike.get(i, float("nan") if i > 20 else 0.71))[::1]
    out += ["[%s] [WARNING] [trainer.py:288] non-finite loss at global step 30412 (rank 0..15 all report "
            "nan)" % c.ymd_ms(-110),
            "[%s] [INFO] [trainer.py:305] saving emergency checkpoint skipped (non-finite params)" % c.ymd_ms(-100)]
    c.log("k8s/post-train/reasoning-7b-sft-master-0/ds", out)
    dcgm(c, hosts[1], extra=[("DCGM_FI_DEV_ECC_SBE_VOL_TOTAL", 0, 0, {4: after(-1150, 1)})])
    c.sdc("gpu.sdc@%s" % hosts[0])
    c.sdc("gpu.sdc@%s" % hosts[1])
    health(c, "gpu.health@%s/gpu4" % hosts[1], ecc_sbe_volatile=1)
    c.with_topology()
    return c


# ================================================================== fp16_loss_scale_collapse
@case
def u039():
    """DeepSpeed fp16 on Slurm, 2x8 A100: OVERFLOW lines every step, the dynamic loss scale halves
    to 1 and DeepSpeed stops ('Current loss scale already at minimum')."""
    hosts = ["a100-nlp-%02d" % i for i in (11, 12)]
    c = Case("case-u039", "fp16_loss_scale_collapse", "job", hosts, gpu=A100)
    c.alert("TrainingJobFailed", "job 290771 (bart-large-mt) exited 1", job="bart-large-mt",
            slurm_job_id="290771")
    out = deepspeed_steps(c, -1190, 20, 88400, step_s=3.2, mem=(18.4, 30.2))[::2]
    scale = 65536.0
    for i in range(17):
        out.append("[%s] [INFO] [loss_scaler.py:183:update_scale] [deepspeed] OVERFLOW! Rank 0 Skipping "
                   "step. Attempted loss scale: %d, reducing to %d" % (
                       c.ymd_ms(-600 + 30 * i), int(scale), max(1, int(scale / 2))))
        scale /= 2
    out += ["[%s] [INFO] [loss_scaler.py:190:update_scale] [deepspeed] OVERFLOW! Rank 0 Skipping step. "
            "Attempted loss scale: 1, but hysteresis is 2. Reducing hysteresis to 1" % c.ymd_ms(-85),
            "Traceback (most recent call last):",
            '  File "/usr/local/lib/python3.10/dist-packages/deepspeed/runtime/fp16/loss_scaler.py", line 175, in update_scale',
            "    raise Exception(",
            "Exception: Current loss scale already at minimum - cannot decrease scale anymore. Exiting run."]
    c.log("slurm-290771.out", out)
    c.with_topology()
    dcgm(c, hosts[0])
    return c


@case
def u040():
    """fairseq fp16 on Slurm, 1x8 H100: 'gradient overflow detected' repeatedly, loss scale down to
    the minimum, then fairseq's FloatingPointError."""
    hosts = ["fair-h100-03"]
    c = Case("case-u040", "fp16_loss_scale_collapse", "job", hosts, gpu=H100)
    c.alert("TrainingJobFailed", "job 77102 (wmt-de-en-big) FloatingPointError", job="wmt-de-en-big",
            slurm_job_id="77102")
    out = []
    for i in range(10):
        out.append("%s | INFO | train_inner | epoch 012:   %d / 4120 loss=3.21, nll_loss=1.442, ppl=2.72, "
                   "wps=412331, ups=4.1, wpb=100412, bsz=3310, num_updates=%d, lr=0.0005, gnorm=0.61, "
                   "loss_scale=%d, train_wall=24, gb_free=41.2, wall=90112" % (
                       c.ymd(-1150 + 60 * i), 1200 + 100 * i, 49300 + 100 * i, 64))
    sc = 64.0
    for i in range(18):
        sc /= 2
        out.append("%s | INFO | fairseq.trainer | NOTE: gradient overflow detected, ignoring gradient, "
                   "setting loss scale to: %s" % (c.ymd(-500 + 25 * i), repr(sc)))
    out += ["%s | INFO | fairseq.trainer | NOTE: gradient overflow detected, ignoring gradient, setting "
            "loss scale to: 0.0001" % c.ymd(-40),
            "Traceback (most recent call last):",
            '  File "/opt/fairseq/fairseq/optim/dynamic_loss_scaler.py", line 61, in check_overflow',
            "FloatingPointError: Minimum loss scale reached (0.0001). Your loss is probably exploding. Try "
            "lowering the learning rate, using gradient clipping or increasing the batch size."]
    c.log("%s/train.log" % hosts[0], out)
    dcgm(c, hosts[0])
    return c


# ================================================================== fp8_scaling_overflow
@case
def u041():
    """Megatron + Transformer Engine FP8 (delayed scaling) on Slurm, 4x8 H100: an FP8 monitor reports
    non-finite amax and a collapsed scale for one layer's fc2 on every TP rank, then loss NaN. Reads
    like loss divergence; the first anomaly is the FP8 scaling state."""
    hosts = ["h100-fp8-%02d" % i for i in (1, 2, 3, 4)]
    c = Case("case-u041", "fp8_scaling_overflow", "job", hosts, gpu=H100)
    c.alert("LossNaN", "nemotron-style-22b-fp8: loss NaN", job="n22b-fp8", slurm_job_id="38802")
    nan = float("nan")
    out = ["  fp8 ............................................ hybrid",
           "  fp8_amax_history_len ........................... 16",
           "  fp8_amax_compute_algo .......................... most_recent",
           "  fp8_margin ..................................... 0"]
    out += megatron_iters(c, -1190, 90, 20011, step_s=6.8, loss_fn=lambda i: nan if i > 78 else 1.95 - 0.0005 * i,
                          grad_fn=lambda i: nan if i > 78 else 0.29, nan_fn=lambda i: max(0, i - 78))[::4]
    for i, (amax, sc) in enumerate([("3.1e+04", "1.44e-02"), ("inf", "1.44e-02"), ("inf", "0.00e+00"),
                                    ("nan", "0.00e+00")]):
        out.append("[%s] [fp8-monitor] iter %d layer 27 mlp.linear_fc2 fwd activation e4m3: amax=%s "
                   "scale=%s scale_inv=%s saturated=%s%%" % (
                       c.ymd(-250 + 7 * i), 20011 + 78 + i, amax, sc,
                       "inf" if sc.startswith("0") else "6.94e+01", "0.02" if i == 0 else "100.00"))
    c.log("slurm-38802.out", out)
    dcgm(c, hosts[0])
    c.with_topology()
    return c


@case
def u042():
    """torchtitan FP8 (float8 tensorwise, dynamic scaling) on Kubernetes, 2x8 H200: loss spikes every
    few hundred steps and trends up; the float8 stats logger shows e4m3 casts of grad outputs
    saturating (max/amax clipping) in the attention output projections — not a data or LR issue."""
    hosts = ["h200-pool-x-1a", "h200-pool-x-2b"]
    c = Case("case-u042", "fp8_scaling_overflow", "job", hosts)
    c.alert("LossSpike", "titan-70b-fp8: loss +0.9 over trend (3rd spike in 2 h)", job="titan-70b-fp8",
            namespace="pretrain")
    lf = lambda i: 1.88 + (0.9 if i in (14, 15, 31) else 0.0) + 0.004 * i
    out = fsdp_steps(c, -1150, 40, 61020, step_s=26.0, mfu=48.0, mem_gib=112.0, loss_fn=lf)
    out += ["[rank0]:[titan] %s - float8 - WARNING - layers.%d.attention.wo grad_output e4m3: amax %.3e "
            "exceeds fp8 max 448 by %.1fx after scaling; %.2f%% of elements clamped" % (
                c.ymd_ms(-800 + 230 * i), 61 + i % 3, 2.9e3 * (i + 1), 6.5 * (i + 1), 1.7 * (i + 1))
            for i in range(4)]
    c.log("k8s/pretrain/titan-70b-fp8-worker-0/trainer", out[::1])
    dcgm(c, hosts[0])
    c.with_topology()
    return c


# ================================================================== moe_expert_imbalance
@case
def u043():
    """Megatron-core MoE (64 experts, EP=8) on Slurm, 4x8 H100: throughput down 40%; the straggler
    detector names ranks 12 and 13 (loud); the router statistics show two experts taking most tokens
    and the capacity factor dropping a quarter of tokens after a data-mix change."""
    hosts = ["moe-h100-%02d" % i for i in (21, 22, 23, 24)]
    c = Case("case-u043", "moe_expert_imbalance", "job", hosts, gpu=H100)
    c.alert("StragglerDetected", "ranks 12,13 slowest in 48/50 iterations (moe-a16b)", job="moe-a16b",
            slurm_job_id="991207")
    st = lambda i: 3.4 * (1.0 if i < 16 else 1.41) * c.rng.uniform(0.99, 1.01)
    out = ["[%s] data mix updated at iteration 41000: code 0.12 -> 0.45 (blend file v7)" % c.ymd(-1195)]
    out += megatron_iters(c, -1190, 60, 40985, step_fn=st, loss=1.74)[::3]
    for i in range(5):
        out.append("[%s] [moe] iter %d layer %d: tokens/expert max/mean %.1f (experts %d,%d hottest), "
                   "dropped %.1f%% at capacity_factor 1.25, aux_loss %.4f" % (
                       c.ymd(-900 + 180 * i), 41040 + 50 * i, 6 + 4 * i, 5.8 + 0.4 * i, 49, 50,
                       22.5 + 1.1 * i, 0.0041 - 0.0004 * i))
    out += ["[%s] (straggler) MnRtt/Rnk: 3.31s/3 | MxRtt/Rnk: 4.82s/12 | MxRtt/Rnk2: 4.79s/13 | "
            "MnPwr/Rnk: 612W/12" % c.ymd(-300 + 120 * i) for i in range(2)]
    c.log("slurm-991207.out", app_noise(c, 3) + out)
    dcgm(c, hosts[1])
    c.with_topology()
    return c


@case
def u044():
    """DeepSpeed-MoE on Kubernetes, 2x8 H200: step time +60% and the all-to-all share of the step
    grew, which points at the network or a slow GPU. nccl.alltoall over the job passes, gpu.gemm on
    the slowest rank passes, gpu.health passes. The per-expert timing shows one expert's forward
    at 7x the median, i.e. the router sends it most tokens."""
    hosts = ["h200-moe-n1", "h200-moe-n2"]
    c = Case("case-u044", "moe_expert_imbalance", "job", hosts)
    c.alert("StepTimeRegression", "ds-moe-8x7b step time 2.1 s -> 3.4 s", job="ds-moe-8x7b",
            namespace="moe")
    out = deepspeed_steps(c, -1150, 40, 18020, step_fn=lambda i: 2.1 if i < 10 else 3.4, mem=(61.2, 118.3))[::2]
    out += ["[%s] [INFO] [logging.py:96:log_dist] [Rank 0] time (ms) | fwd: %.1f | bwd: %.1f | "
            "alltoall: %.1f | step: 61.2" % (c.ymd_ms(-700 + 200 * i), 900 + 40 * i, 1700 + 60 * i,
                                              910 + 35 * i) for i in range(3)]
    out += ["[%s] [INFO] [moe_timer] expert fwd ms p50 %.1f max %.1f (expert 5, ep rank 5)" % (
        c.ymd_ms(-650 + 200 * i), 58.0 + i, 402.0 + 9 * i) for i in range(3)]
    out += ["[%s] [INFO] [engine.py:2101] l_aux %.5f" % (c.ymd_ms(-1000 + 300 * i), 0.0102 - 0.0031 * i)
            for i in range(4)]
    c.log("k8s/moe/ds-moe-8x7b-worker-0/ds", out)
    c.nccl("nccl.alltoall@job")
    c.gemm("gpu.gemm@%s/gpu5" % hosts[0])
    health(c, "gpu.health@%s/gpu5" % hosts[0])
    dcgm(c, hosts[0])
    c.with_topology()
    return c


# ================================================================== straggler_rank
@case
def u045():
    """FSDP on Slurm, 2x8 H100: rank 6 is the slowest in every step; DCGM util is 100% on all GPUs
    (a second process on GPU 6 keeps it busy too). gpu.gemm on GPU 6 fails at 311 TFLOP/s and HBM
    bandwidth fails, gpu.health passes (no throttle, no errors), GPU 5 passes everything."""
    hosts = ["h100-shared-%02d" % i for i in (3, 4)]
    c = Case("case-u045", "straggler_rank", "h100-shared-03/gpu6", hosts, gpu=H100)
    bad, g = hosts[0], 6
    c.alert("StragglerDetected", "rank 6 slowest (1.9x median) in 50/50 steps, job sd3-ft",
            job="sd3-ft", slurm_job_id="451120")
    out = plain_steps(c, -1150, 50, 7001, step_s=3.9, loss=0.1812)[::2]
    out += ["%s | WARNING | perf | slowest rank 6 (%s): fwd %.0f ms, bwd %.0f ms; median fwd 402 ms" % (
        c.ymd(-700 + 200 * i), bad, 770 + 3 * i, 1490 + 5 * i) for i in range(3)]
    c.log("slurm-451120.out", out)
    dcgm(c, bad, util={i: lambda s, n: 100 for i in range(8)})
    health(c, "gpu.health@%s/gpu%d" % (bad, g))
    c.gemm("gpu.gemm@%s/gpu%d" % (bad, g), tflops=311.0)
    c.hbm("gpu.hbm_bandwidth@%s/gpu%d" % (bad, g), gb_s=1440)
    health(c, "gpu.health@%s/gpu5" % bad)
    c.gemm("gpu.gemm@%s/gpu5" % bad)
    c.with_topology()
    return c


@case
def u046():
    """Megatron on Slurm, 3x8 A100: the 8 ranks of one node are all ~25% slower (data-parallel
    straggler at node level); the node's CPUs are saturated by a runaway security-scanner process
    (top snapshot), the GPUs there are fine and cool."""
    hosts = ["a100-cpu-%02d" % i for i in (51, 52, 53)]
    c = Case("case-u046", "straggler_rank", "a100-cpu-52", hosts, gpu=A100)
    bad = hosts[1]
    c.alert("TrainingSlowdown", "gpt-neo-6b iteration time +24% since 14:00", job="gpt-neo-6b",
            slurm_job_id="1200441")
    out = megatron_iters(c, -1190, 50, 33000, step_fn=lambda i: 2.7 if i < 8 else 3.35, loss=2.25)[::2]
    out += ["[%s] (straggler) ranks 8-15 slowest; MxRtt/Rnk: 3.34s/11 | MnRtt/Rnk: 2.61s/2 | MxTmp/Rnk: "
            "61C/4 | MnClk/Rnk: 1410MHz/0" % c.ymd(-200)]
    c.log("slurm-1200441.out", out)
    c.log("%s/top-b-n1" % bad, [
        "top - %s up 41 days,  load average: 211.40, 198.22, 140.10" % c.at(-120).strftime("%H:%M:%S"),
        "Tasks: 1411 total,  19 running, 1392 sleeping,   0 stopped,   0 zombie",
        "%Cpu(s): 91.2 us,  6.1 sy,  0.0 ni,  2.3 id,  0.0 wa,  0.0 hi,  0.4 si,  0.0 st",
        "    PID USER      PR  NI    VIRT    RES    SHR S  %CPU  %MEM     TIME+ COMMAND",
        " 118812 root      20   0   14.1g   9.8g  21208 R  9210   1.0  812:20.11 falcon-sensor-scan",
        " 301122 trainer   20   0  312.4g  44.1g   2.1g S 388.1   4.4   3011:12 python",
        " 301123 trainer   20   0  311.9g  43.8g   2.1g S 371.7   4.4   2998:40 python"])
    c.node_metric("node_load1", {"instance": bad}, lambda s: 40 if s < -1190 + 8 * 2.7 else 205, decimals=1)
    c.node_metric("node_load1", {"instance": hosts[0]}, lambda s: 41 + c.rng.uniform(-3, 3), decimals=1)
    dcgm(c, bad, util={i: lambda s, n: 74 + c.rng.uniform(-5, 5) for i in range(8)})
    c.with_topology()
    return c


@case
def u047():
    """FSDP on Kubernetes, 4x8 H200: rank 22 is 1.6x slower; its memory stats show the CUDA caching
    allocator retrying (cudaFree + re-malloc) every step, the other ranks show none; gpu.gemm and
    gpu.health on that GPU pass (it is not the hardware)."""
    hosts = ["h200-ft-%s" % s for s in ("a1", "a2", "a3", "a4")]
    c = Case("case-u047", "straggler_rank", "h200-ft-a3/gpu6", hosts)
    bad, g = hosts[2], 6
    r = c.rank_of(bad, g)
    c.alert("StepTimeRegression", "doc-qa-70b step time +58%", job="doc-qa-70b", namespace="ft")
    out = fsdp_steps(c, -1150, 40, 2200, step_fn=lambda i: 6.1 if i < 6 else 9.6, mfu=40.0, mem_gib=137.9)[::2]
    for i in range(3):
        out += ["[rank%d]:[titan] %s - root - INFO - memory stats: reserved %.2fGiB, active %.2fGiB, "
                "num_alloc_retries=%d, num_ooms=0" % (rr, c.ymd_ms(-800 + 250 * i), 139.8 if rr == r else 121.0,
                                                      137.1 if rr == r else 116.4,
                                                      (412 + 190 * i) if rr == r else 0)
                for rr in (0, 13, r)]
    c.log("k8s/ft/doc-qa-70b-worker-2/trainer", out)
    dcgm(c, bad)
    c.gemm("gpu.gemm@%s/gpu%d" % (bad, g))
    health(c, "gpu.health@%s/gpu%d" % (bad, g))
    c.with_topology()
    return c


@case
def u048():
    """Megatron on Slurm, 2x8 H200: rank 3 is consistently slowest by ~15%; DCGM looks normal (no
    throttle bits, normal temperature and power). Could be thermal, power, PCIe or NVLink: gpu.health
    passes, gpu.gemm passes, gpu.hbm_bandwidth fails at 2.9 TB/s, PCIe passes."""
    hosts = ["h200-cx-%02d" % i for i in (17, 18)]
    c = Case("case-u048", "straggler_rank", "h200-cx-17/gpu3", hosts)
    bad, g = hosts[0], 3
    c.alert("StragglerDetected", "rank 3 slowest in 47/50 iterations (job 7041120)", job="yi-34b-cpt",
            slurm_job_id="7041120")
    out = megatron_iters(c, -1150, 60, 121000, step_s=5.9, loss=1.69)[::3]
    out += ["[%s] (straggler) MnRtt/Rnk: 5.02s/9 | MxRtt/Rnk: 5.81s/3 | MnPwr/Rnk: 598W/11 | MxTmp/Rnk: "
            "63C/7 | MnClk/Rnk: 1965MHz/12" % c.ymd(-600 + 200 * i) for i in range(3)]
    c.log("slurm-7041120.out", app_noise(c, 6) + out)
    c.log("%s/journal" % bad, kernel_noise(c, bad, 8, -1300, 0))
    dcgm(c, bad)
    health(c, "gpu.health@%s/gpu%d" % (bad, g))
    c.gemm("gpu.gemm@%s/gpu%d" % (bad, g))
    c.hbm("gpu.hbm_bandwidth@%s/gpu%d" % (bad, g), gb_s=2910)
    c.pcie("gpu.pcie_bandwidth@%s/gpu%d" % (bad, g))
    c.hbm("gpu.hbm_bandwidth@%s/gpu2" % bad)
    c.with_topology()
    return c


# ================================================================== dataloader_stall
@case
def u049():
    """PyTorch + WebDataset from an object store on Kubernetes, 4x8 H100: GPU utilisation drops to
    a sawtooth on every node, the trainer's data-wait time dominates the step after the bucket moved
    to another region; no NCCL or GPU error."""
    hosts = ["gke-h100-tr-%02d" % i for i in (1, 2, 3, 4)]
    c = Case("case-u049", "dataloader_stall", "job", hosts, gpu=H100)
    c.alert("GPUUtilizationLow", "clip-vit-h: mean GPU util 38% over 15 min (was 95%)", job="clip-vit-h",
            namespace="mm")
    out = []
    for i in range(30):
        late = i >= 8
        dw = (4.1 + c.rng.uniform(-1, 2)) if late else 0.03
        out.append("%s | INFO | trainer | step %d | loss %.4f | step_time %.2fs | data_wait %.2fs | "
                   "samples/s %.0f" % (c.ymd(-1150 + 38 * i), 88120 + i, 2.91 - 0.001 * i,
                                        1.45 + dw, dw, 16384 / (1.45 + dw)))
    out += ["%s | WARNING | wds | shard gs://mm-data-eu/laion-2b/shard-%06d.tar read 512 MiB in %.1f s "
            "(retries=%d)" % (c.ymd(-800 + 150 * i), 91200 + 7 * i, 21.0 + 3 * i, i % 2) for i in range(4)]
    c.log("k8s/mm/clip-vit-h-worker-0/trainer", out)
    for h in hosts[:2]:
        dcgm(c, h, util={i: after(-1150 + 38 * 8, lambda s, n: 12 + 80 * c.rng.random() ** 3)
                         for i in range(8)})
    c.node_metric("node_network_receive_bytes_rate", {"instance": hosts[0], "device": "eth0"},
                  lambda s: 2.1e9 if s < -850 else 3.1e8 + c.rng.uniform(-5e7, 5e7), decimals=0)
    c.with_topology()
    return c


@case
def u050():
    """Megatron on Slurm, 2x8 A100: step time doubles and GPU util falls to ~45% on all ranks; no
    data-timing log. Could be the network, a slow GPU, the host link or the input: nccl.allreduce
    over the job passes, gpu.gemm and gpu.pcie_bandwidth pass; the node's CPUs are pegged by the
    dataloader workers (on-the-fly tokenisation of a new raw-text mix, num_workers=2)."""
    hosts = ["a100-dl-%02d" % i for i in (9, 10)]
    c = Case("case-u050", "dataloader_stall", "job", hosts, gpu=A100)
    c.alert("TrainingSlowdown", "mt5-xl-cpt: iteration time 2.3x", job="mt5-xl-cpt", slurm_job_id="520771")
    out = ["  num_workers ..................................... 2",
           "  data_path ....................................... ['raw:/lustre/mix-v9/*.jsonl']",
           "  tokenizer_type .................................. SentencePieceTokenizer"]
    out += megatron_iters(c, -1190, 100, 1000, step_fn=lambda i: 4.7 if i < 5 else 10.8, loss=3.3)[::4]
    c.log("slurm-520771.out", app_noise(c, 5) + out)
    for h in hosts:
        c.node_metric("node_cpu_utilisation", {"instance": h}, lambda s: 0.97 + c.rng.uniform(-0.02, 0.02))
    dcgm(c, hosts[0], util={i: lambda s, n: 45 + c.rng.uniform(-15, 15) for i in range(8)},
         power={i: lambda s, n: 190 + c.rng.uniform(-40, 40) for i in range(8)})
    c.nccl("nccl.allreduce@job")
    c.gemm("gpu.gemm@%s/gpu0" % hosts[0])
    pcie(c, "gpu.pcie_bandwidth@%s/gpu0" % hosts[0])
    c.with_topology()
    return c


# ================================================================== storage_failure
@case
def u051():
    """Megatron on Slurm, 4x8 H100: every rank but rank 0 times out in the all-reduce after a
    checkpoint save started (looks like a collective hang); rank 0's py-spy shows it in
    torch.save -> write; the client's Lustre log shows the OST serving the checkpoint directory
    gone (ost_write rc -107, reconnect loop)."""
    hosts = ["h100-ck-%02d" % i for i in (1, 2, 3, 4)]
    c = Case("case-u051", "storage_failure", "job", hosts, gpu=H100)
    bad = hosts[0]
    c.alert("NCCLWatchdogTimeout", "31 ranks timed out (job 3390124, falcon-40b-cpt)", job="falcon-40b-cpt",
            slurm_job_id="3390124")
    out = megatron_iters(c, -1190, 40, 79960, step_s=5.0, loss=1.77)[::3]
    out += ["saving checkpoint at iteration   80000 to /lustre/scratch/ckpt/falcon40b" ]
    out += [x for rr in (1, 9, 17, 25) for x in watchdog(c, rr, -380 + rr * 0.1, 991204, op="ALLREDUCE")[:1]]
    c.log("slurm-3390124.out", out)
    c.log("%s/py-spy-dump-rank0" % bad, [
        "Thread 3301001 (active): \"MainThread\"",
        "    write (torch/serialization.py:620)", "    _save (torch/serialization.py:882)",
        "    save (torch/serialization.py:652)",
        "    save_checkpoint (megatron/training/checkpointing.py:411)", "    train (megatron/training/training.py:1211)"])
    j = kernel_noise(c, bad, 6, -1300, 0)
    j += ["%s %s kernel: LustreError: 11-0: scratch-OST0021-osc-ffff9f1a2b8e1000: operation ost_write to "
          "node 10.31.0.41@o2ib failed: rc = -107" % (c.syslog(-990 + 20 * i), bad) for i in range(3)]
    j += ["%s %s kernel: Lustre: scratch-OST0021-osc-ffff9f1a2b8e1000: Connection to scratch-OST0021 (at "
          "10.31.0.41@o2ib) was lost; in progress operations using this service will wait for recovery to "
          "complete" % (c.syslog(-985), bad),
          "%s %s kernel: INFO: task pt_main_thread:3301001 blocked for more than 120 seconds." % (
              c.syslog(-860), bad)]
    c.log("%s/journal" % bad, j)
    dcgm(c, bad, util={i: after(-995, 100) for i in range(8)})
    c.with_topology()
    return c


@case
def u052():
    """Kubernetes, 2x8 H200 with a node-local NVMe data cache: the ranks of one node fail with I/O
    errors reading cached shards; that node's kernel log shows NVMe timeouts, the controller reset
    and ext4 remounting read-only."""
    hosts = ["h200-cache-07", "h200-cache-08"]
    c = Case("case-u052", "storage_failure", "h200-cache-08", hosts)
    bad, tf = hosts[1], -300
    c.alert("PyTorchJobFailed", "llm-pt-13b worker-1 failed: OSError", job="llm-pt-13b", namespace="pt")
    w = fsdp_steps(c, -1150, 40, 30200, step_s=15.0, rank=8, mfu=43.0, mem_gib=101.0)[:int((tf + 1150) / 15)][::2]
    w += ["[rank8]: Traceback (most recent call last):",
          '[rank8]:   File "/app/data/cached_reader.py", line 77, in _read',
          "[rank8]: OSError: [Errno 5] Input/output error: '/mnt/nvme-cache/shards/tok-v3/shard_08812.bin'",
          "[rank11]: OSError: [Errno 30] Read-only file system: '/mnt/nvme-cache/shards/tok-v3/.lock'"]
    c.log("k8s/pt/llm-pt-13b-worker-1/trainer", w)
    d = kernel_noise(c, bad, 5, -1300, 0, fmt="dmesg")
    d += ["%s nvme nvme1: I/O 417 QID 33 timeout, aborting" % c.dmesg(tf - 40),
          "%s nvme nvme1: I/O 417 QID 33 timeout, reset controller" % c.dmesg(tf - 10),
          "%s nvme nvme1: Abort status: 0x371" % c.dmesg(tf - 9),
          "%s nvme1n1: I/O Cmd(0x2) @ LBA 1290311680, 256 blocks, I/O Error (sct 0x3 / sc 0x71)" % c.dmesg(tf - 8),
          "%s I/O error, dev nvme1n1, sector 1290311680 op 0x0:(READ) flags 0x80700 phys_seg 4 prio class 2" % c.dmesg(tf - 8),
          "%s EXT4-fs error (device nvme1n1): ext4_find_entry:1683: inode #2: comm python3: reading "
          "directory lblock 0" % c.dmesg(tf - 2),
          "%s EXT4-fs (nvme1n1): Remounting filesystem read-only" % c.dmesg(tf - 1)]
    c.log("%s/dmesg" % bad, d)
    c.node_metric("node_disk_io_time_seconds_total", {"instance": bad, "device": "nvme1n1"},
                  lambda s: 81200 + (s + 1260) * (0.4 if s < tf - 60 else 1.0), decimals=1)
    dcgm(c, bad, util={i: after(tf, 0) for i in range(8)})
    c.with_topology()
    return c


# ================================================================== launch_config_error
@case
def u053():
    """Kubeflow PyTorchJob on 4-GPU H100 nodes launched with --nproc_per_node=8: local ranks 4-7 on
    every pod fail with 'invalid device ordinal' at set_device; looks like lost GPUs, but every node
    has its four GPUs and the job spec asks for 4 per pod."""
    hosts = ["gke-h100x4-pool-%s" % s for s in ("k1", "k2")]
    c = Case("case-u053", "launch_config_error", "job", hosts, gpu=H100, gpus=4)
    c.alert("PyTorchJobFailed", "embed-3b failed: 8 ranks exited 1", job="embed-3b", namespace="search")
    out = ["[%s] torchrun --nnodes=2 --nproc_per_node=8 --rdzv_backend=c10d --rdzv_endpoint=embed-3b-"
           "master-0:29400 train.py" % c.iso(-200)]
    for lr in (4, 5, 6, 7):
        out += ["[rank%d]: Traceback (most recent call last):" % lr,
                '[rank%d]:   File "/app/train.py", line 51, in <module>' % lr,
                "[rank%d]:     torch.cuda.set_device(local_rank)" % lr,
                "[rank%d]: RuntimeError: CUDA error: invalid device ordinal" % lr]
    out += elastic_failure(c, -180, hosts[0], 4, 4, 1)
    c.log("k8s/search/embed-3b-master-0/pytorch", out)
    c.log("k8s/search/embed-3b-master-0/spec", ["resources:", "  limits:", "    nvidia.com/gpu: \"4\"",
                                                "env:", "  - name: PET_NPROC_PER_NODE", "    value: \"8\""])
    dcgm(c, hosts[0])
    c.with_topology()
    c.topology["gpu_pci_bus"] = {k: v for k, v in c.topology["gpu_pci_bus"].items() if int(k[3:]) < 4}
    return c


@case
def u054():
    """Megatron on Slurm, 3x8 H200: after a maintenance window the job fails at CUDA init on one
    node's ranks only ('no CUDA-capable device is detected' from torch), the others wait at the
    rendezvous. gpu.inventory on that node shows all 8 GPUs but driver 535.161 / CUDA 12.2 while the
    container needs CUDA 12.4 (the node image was rolled back); gpu.health there passes."""
    hosts = ["h200-mw-%02d" % i for i in (4, 5, 6)]
    c = Case("case-u054", "launch_config_error", "h200-mw-05", hosts)
    bad = hosts[1]
    c.alert("JobFailed", "job 6120044 (llama-3-70b-dpo) failed on start", job="llama-3-70b-dpo",
            slurm_job_id="6120044")
    out = ["%s: [rank%d]: RuntimeError: No CUDA GPUs are available" % (bad, 8 + i) for i in range(0, 8, 3)]
    out += ["%s: /usr/local/lib/python3.10/dist-packages/torch/cuda/__init__.py:129: UserWarning: CUDA "
            "initialization: Unexpected error from cudaGetDeviceCount(). Did you run some cuda functions before "
            "calling NumCudaDevices() that might have already set an error? Error 803: system has "
            "unsupported display driver / cuda driver combination (Triggered internally at "
            "../c10/cuda/CUDAFunctions.cpp:108.)" % bad,
            "%s: [E socket.cpp:957] [c10d] The client socket has timed out after 900s while trying to connect "
            "to (h200-mw-04, 29500)." % hosts[2],
            "srun: error: %s: tasks 8-15: Exited with exit code 1" % bad]
    c.log("slurm-6120044.out", app_noise(c, 4) + out)
    c.log("%s/journal" % bad, kernel_noise(c, bad, 14, -1300, 0))
    dcgm(c, bad, util={i: lambda s, n: 0 for i in range(8)},
         power={i: lambda s, n: 78 + c.rng.uniform(-3, 3) for i in range(8)})
    c.inventory("gpu.inventory@%s/gpu0" % bad, details={"driver": "535.161.08", "cuda": "12.2",
                                                        "container_cuda_required": "12.4"})
    c.fail("gpu.inventory@%s/gpu0" % bad, "driver 535.161.08 supports CUDA 12.2; the job's container "
           "needs CUDA >= 12.4 (other nodes: driver 550.90.07)")
    c.inventory("gpu.inventory@%s/gpu0" % hosts[0])
    health(c, "gpu.health@%s/gpu0" % bad)
    c.with_topology()
    return c


# ================================================================== probe-decided extras
@case
def u055():
    """DeepSpeed on Slurm, 2x8 H100: rank 10 slower by ~20%; the site's DCGM export has SM clock and
    utilisation but no temperature or clock-reason fields; GPU 2's SM clock is lower. Thermal or
    power? gpu.health on GPU 2 fails: HBM at 96 C with HW thermal + HW slowdown bits, power well
    under the limit; gpu.gemm fails; GPU 3 passes."""
    hosts = ["h100-cool-%02d" % i for i in (14, 15)]
    c = Case("case-u055", "gpu_thermal_throttle", "h100-cool-15/gpu2", hosts, gpu=H100)
    bad, g = hosts[1], 2
    c.alert("StragglerDetected", "rank 10 slowest in 44/50 steps (job 230019)", job="phi-style-14b",
            slurm_job_id="230019")
    out = deepspeed_steps(c, -1150, 44, 12044, step_fn=lambda i: 3.0 if i < 6 else 3.6, mem=(41.0, 69.2))[::2]
    out += ["[%s] [WARNING] [comm] allreduce wait dominated by rank 10 on %d of last 50 steps" % (
        c.ymd_ms(-600 + 250 * i), 44 - i) for i in range(3)]
    c.log("slurm-230019.out", out)
    c.gpu_metric("DCGM_FI_DEV_SM_CLOCK", bad, 1950, 40, decimals=0,
                 over={g: after(-1100, lambda s, n: 1410 + c.rng.uniform(-90, 60))})
    c.gpu_metric("DCGM_FI_DEV_GPU_UTIL", bad, 97, 3, decimals=0)
    health(c, "gpu.health@%s/gpu%d" % (bad, g), temperature_c=79, hbm_temperature_c=96, power_w=455,
           sm_clock_mhz=1380, clock_event_reasons=CLK_HW_THERMAL | CLK_HW_SLOWDOWN)
    health(c, "gpu.health@%s/gpu3" % bad)
    c.gemm("gpu.gemm@%s/gpu%d" % (bad, g), tflops=488.0)
    c.with_topology()
    return c


@case
def u056():
    """Megatron on Slurm, 3x8 H200: one node's eight ranks are all ~15% slower; its GPUs draw ~480 W
    while the other nodes' draw ~620 W and run cool. A CPU, thermal or power problem at node level?
    gpu.health on two of its GPUs fails on a 500 W power limit (default 700 W) with the SW power cap
    bit; the node's GPUs are not hot; a peer node's GPU passes."""
    hosts = ["h200-pc-%02d" % i for i in (31, 32, 33)]
    c = Case("case-u056", "gpu_power_throttle", "h200-pc-33", hosts)
    bad = hosts[2]
    c.alert("TrainingSlowdown", "granite-style-34b: iteration time +15% after node reboot",
            job="g34b-pt", slurm_job_id="818300")
    out = megatron_iters(c, -1190, 60, 55010, step_fn=lambda i: 4.4 if i < 4 else 5.05, loss=1.59)[::3]
    out += ["[%s] (straggler) ranks 16-23 slowest; MnPwr/Rnk: 476W/19 | MxTmp/Rnk: 58C/3 | MnClk/Rnk: "
            "1605MHz/21" % c.ymd(-400)]
    c.log("slurm-818300.out", app_noise(c, 5) + out)
    c.log("%s/journal" % bad, kernel_noise(c, bad, 10, -1300, 0))
    dcgm(c, bad, power={i: lambda s, n: 482 + c.rng.uniform(-12, 12) for i in range(8)},
         clock={i: lambda s, n: 1620 + c.rng.uniform(-40, 40) for i in range(8)},
         temp={i: lambda s, n: 52 + c.rng.uniform(-4, 4) for i in range(8)})
    dcgm(c, hosts[0])
    for gg in (1, 6):
        health(c, "gpu.health@%s/gpu%d" % (bad, gg), power_limit_w=500, power_w=497, sm_clock_mhz=1610,
               clock_event_reasons=CLK_SW_POWER_CAP, temperature_c=54)
    health(c, "gpu.health@%s/gpu1" % hosts[0])
    c.with_topology()
    return c


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default=HERE, help="directory for the case files (default: %(default)s)")
    args = ap.parse_args(argv)
    n = write_cases([fn() for fn in CASES], args.out)
    print("holdout4: wrote %d cases to %s" % (n, args.out))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
