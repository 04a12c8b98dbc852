#!/usr/bin/env python3
"""Second held-out diagnosis set (holdout2): written after the built-in reasoner, its knowledge pack
and the probe catalog were frozen (commit 55f9158), by an engineer who had not read the reasoner,
the pack, the dev cases or the first holdout set. Nothing is tuned on these cases.

Usage: python3 evals/diagnosis/holdout2/holdout2_cases.py [--out DIR]
Writes DIR/case-n001.json ... (default: the directory of this script). Deterministic, stdlib only.

Every case is one hand-written function: the fault content (error lines, which GPU or NIC, what the
probes return) is written here; casekit supplies timestamps, background lines and metric series.
"""

import argparse
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))

from casekit import (Case, PCI_BUS_A, PCI_BUS_B, CLK_HW_SLOWDOWN, CLK_HW_THERMAL,  # noqa: E402
                     CLK_SW_THERMAL, CLK_HW_POWER_BRAKE, CLK_SW_POWER_CAP, app_noise, kernel_noise,
                     nccl_init, watchdog, elastic_failure, megatron_iters, deepspeed_steps,
                     fsdp_steps, plain_steps, interleave, insert_at, write_cases)

CASES = []


def case(fn):
    CASES.append(fn)
    return fn


# ------------------------------------------------------------------------ local helpers
def dcgm(c, host, util=None, temp=None, power=None, clock=None, stop=None, fb=None, skip=()):
    """The usual DCGM exporter series for every GPU of `host`. Overrides map gpu -> fn(s, normal).
    `stop` maps gpu -> offset after which that GPU reports nothing (lost to the driver)."""
    stop = stop or {}

    def wrap(over):
        over = dict(over or {})
        for g, t in stop.items():
            f = over.get(g)
            over[g] = (lambda s, v, f=f, t=t: None if s >= t else (f(s, v) if f else v))
        return over
    if "util" not in skip:
        c.gpu_metric("DCGM_FI_DEV_GPU_UTIL", host, 97, 2.5, wrap(util), decimals=0)
    if "temp" not in skip:
        c.gpu_metric("DCGM_FI_DEV_GPU_TEMP", host, 61, 4, wrap(temp), decimals=0)
    if "power" not in skip:
        c.gpu_metric("DCGM_FI_DEV_POWER_USAGE", host, 585, 45, wrap(power))
    if "clock" not in skip:
        c.gpu_metric("DCGM_FI_DEV_SM_CLOCK", host, 1965, 12, wrap(clock), decimals=0)
    if fb is not None or "fb" not in skip:
        c.gpu_metric("DCGM_FI_DEV_FB_USED", host, 98000, 1500, wrap(fb), decimals=0)


def after(t, value):
    """Override: the normal value before offset t, `value` (number or fn(s)) from t on."""
    return lambda s, v: v if s < t else (value(s) if callable(value) else value)


def rates(c, key, **per_s):
    """Adds the 1 s-window rates gpu.health reports next to the cumulative counters, with their
    catalog thresholds, and fails the result when a rate is over its threshold."""
    limits = {"nvlink_crc_errors_per_s": 100.0, "nvlink_replay_errors_per_s": 100.0,
              "nvlink_recovery_errors_per_s": 0.0, "pcie_replay_per_s": 1.0}
    r = c.probes[key]
    over = []
    for name, v in per_s.items():
        r["metrics"][name] = v
        r["thresholds"][name + "_max"] = limits[name]
        if v > limits[name]:
            over.append("%s %s above %s" % (name, v, limits[name]))
    for name in limits:
        if name not in r["metrics"]:
            r["metrics"][name] = 0.0
            r["thresholds"][name + "_max"] = limits[name]
    if over:
        reason = "; ".join(over)
        if r["status"] == "fail":
            reason = r["reason"] + "; " + reason
        c.fail(key, reason)


def xid(c, s, g, code, text, pid=None, name="python3"):
    pid_s = "'<unknown>'" if pid is None else str(pid)
    return "%s NVRM: Xid (PCI:%s): %d, pid=%s, name=%s, %s" % (
        c.dmesg(s), c.bus(g), code, pid_s, name if pid is not None else "<unknown>", text)


def healthy_probes(c, host, gpus, gemm=True):
    for g in gpus:
        c.health("gpu.health@%s/gpu%d" % (host, g))
        if gemm:
            c.gemm("gpu.gemm@%s/gpu%d" % (host, g))


# ======================================================================== gpu_fallen_off_bus
@case
def n001():
    # Every rank of a 4-node Megatron job reports a watchdog timeout; one node's kernel log says
    # one GPU left the bus 10 minutes earlier and its DCGM series stop there.
    hosts = ["sx-h200-041", "sx-h200-042", "sx-h200-057", "sx-h200-058"]
    c = Case("case-n001", "gpu_fallen_off_bus", "sx-h200-057/gpu3", hosts, pci=PCI_BUS_B)
    c.alert("TrainingJobFailed", "job llm-70b-sft-r3 exited: 32 ranks reported NCCL watchdog timeouts",
            job="llm-70b-sft-r3", node="sx-h200-041", severity="page")
    it = megatron_iters(c, -1500, 9, 88201, step_s=9.7, loss=1.71)
    rank0 = nccl_init(c, "sx-h200-041", 0, 0, 32)[:6] + it + watchdog(c, 0, -12, 355012, numel=134217728)
    rank0 = insert_at(rank0, 0.4, app_noise(c, 5))
    c.log("sx-h200-041/rank0/stderr", rank0)
    dm = kernel_noise(c, "sx-h200-057", 6, fmt="dmesg") + [
        xid(c, -611.2, 3, 79, "GPU has fallen off the bus.", pid=771402),
        "%s NVRM: GPU 0000:5d:00.0: GPU has fallen off the bus." % c.dmesg(-611.2),
        "%s NVRM: GPU 0000:5d:00.0: GPU serial number is 1654523019217." % c.dmesg(-611.19),
        "%s NVRM: A GPU crash dump has been created. If possible, please run" % c.dmesg(-610.4),
        "%s NVRM: nvidia-bug-report.sh as root to collect this data before" % c.dmesg(-610.4),
        "%s NVRM: the NVIDIA kernel module is unloaded." % c.dmesg(-610.4),
        "%s pcieport 0000:5c:01.0: pciehp: Slot(3): Link Down" % c.dmesg(-611.25),
    ]
    c.log("sx-h200-057/dmesg", dm)
    peers = watchdog(c, 17, -11, 355012, numel=134217728)[:2] + watchdog(c, 22, -11, 355012, numel=134217728)[:2]
    c.log("sx-h200-057/ranks/stderr", peers)
    dcgm(c, "sx-h200-057", stop={3: -600})
    c.with_topology()
    return c


@case
def n002():
    # Kubernetes, no kernel log collected. The rank reports a bare "unknown error"; the device plugin
    # marks a device unhealthy. Only the probes (GPU not enumerated; NVML says lost) settle it.
    hosts = ["gpu-pool-b-7xk2p", "gpu-pool-b-9qf4m"]
    c = Case("case-n002", "gpu_fallen_off_bus", "gpu-pool-b-9qf4m/gpu6", hosts)
    c.alert("PodCrashLooping", "pod vlm-pretrain-worker-1 restarted 3 times in 15 minutes",
            namespace="research", pod="vlm-pretrain-worker-1", node="gpu-pool-b-9qf4m")
    w1 = fsdp_steps(c, -1400, 14, 30410, step_s=2.6, rank=8) + [
        "[rank14]: Traceback (most recent call last):",
        '[rank14]:   File "/workspace/vlm/train.py", line 611, in train_step',
        "[rank14]:     loss.backward()",
        "[rank14]: RuntimeError: CUDA error: unknown error",
        "[rank14]: CUDA kernel errors might be asynchronously reported at some other API call, so the stacktrace below might be incorrect.",
        "[rank14]: For debugging consider passing CUDA_LAUNCH_BLOCKING=1",
        "[rank14]: Compile with `TORCH_USE_CUDA_DSA` to enable device-side assertions.",
    ]
    w1 = insert_at(w1, 0.3, app_noise(c, 4))
    c.log("gpu-pool-b-9qf4m/pod/vlm-pretrain-worker-1", w1)
    ev = [
        "%s Warning  BackOff        pod/vlm-pretrain-worker-1   Back-off restarting failed container trainer" % c.iso(-200),
        "%s Warning  Unhealthy      node/gpu-pool-b-9qf4m       nvidia-device-plugin: device GPU-%s marked unhealthy (XID or NVML health check)" % (
            c.iso(-560), c.uuid("gpu-pool-b-9qf4m", 6)[4:]),
        "%s Normal   Pulled         pod/vlm-pretrain-worker-1   Container image \"registry.local/vlm:24.10\" already present on machine" % c.iso(-190),
        "%s Normal   Started        pod/vlm-pretrain-worker-1   Started container trainer" % c.iso(-185),
        "%s Warning  FailedAllocate pod/vlm-pretrain-worker-1   Requested nvidia.com/gpu: 8, available: 7" % c.iso(-120),
    ]
    c.log("scheduler/events", sorted(ev))
    dcgm(c, "gpu-pool-b-9qf4m", stop={6: -570})
    dcgm(c, "gpu-pool-b-7xk2p", skip=("fb",))
    c.inventory("gpu.inventory@gpu-pool-b-9qf4m/gpu6", count=7)
    c.errored("gpu.health@gpu-pool-b-9qf4m/gpu6",
              "nvmlDeviceGetHandleByPciBusId(0000:ba:00.0) returned NVML_ERROR_GPU_IS_LOST", 0.6)
    c.health("gpu.health@gpu-pool-b-9qf4m/gpu5")
    c.gemm("gpu.gemm@gpu-pool-b-9qf4m/gpu5")
    c.with_topology()
    return c


# ======================================================================== gpu_memory_uncorrectable_ecc
@case
def n003():
    # DeepSpeed ZeRO-3 job: one rank dies with an uncorrectable ECC error; the peers' watchdog lines
    # are the bulk of the log.
    hosts = ["dgx-c11", "dgx-c12", "dgx-c14"]
    c = Case("case-n003", "gpu_memory_uncorrectable_ecc", "dgx-c12/gpu1", hosts, gpu="NVIDIA H100 80GB HBM3")
    c.alert("JobFailed", "slurm job 884213 (ds-13b-code) FAILED, exit 1", job="ds-13b-code", node="dgx-c11")
    r0 = deepspeed_steps(c, -900, 12, 14420, step_s=3.1, mem=(51.2, 74.9))
    r0 = insert_at(r0, 0.5, app_noise(c, 4))
    r0 += watchdog(c, 0, -15, 402211, op="_ALLGATHER_BASE", numel=52428800)[:3]
    c.log("dgx-c11/rank0/stderr", r0)
    r9 = [
        "[rank9]: Traceback (most recent call last):",
        '[rank9]:   File "/opt/ds/runtime/zero/partitioned_param_coordinator.py", line 389, in fetch_sub_module',
        "[rank9]:     self.__all_gather_params(params_to_fetch, forward)",
        "[rank9]: RuntimeError: CUDA error: uncorrectable ECC error encountered",
        "[rank9]: CUDA kernel errors might be asynchronously reported at some other API call, so the stacktrace below might be incorrect.",
        "[rank9]: For debugging consider passing CUDA_LAUNCH_BLOCKING=1",
    ]
    c.log("dgx-c12/rank9/stderr", r9)
    dm = kernel_noise(c, "dgx-c12", 5, fmt="dmesg") + [
        xid(c, -640, 1, 94, "Contained: SM (0x1). RST: No, D-RST: No", pid=58120),
        xid(c, -640.1, 1, 63, "Row Remapper: New row marked for remapping, reset gpu to activate.", pid=58120),
    ]
    c.log("dgx-c12/dmesg", dm)
    dcgm(c, "dgx-c12", skip=("fb",))
    c.gpu_metric("DCGM_FI_DEV_ECC_DBE_VOL_TOTAL", "dgx-c12", 0, 0, {1: after(-645, 1)}, decimals=0)
    c.with_topology()
    return c


@case
def n004():
    # Alert is a NaN loss. No kernel log. The health probe finds a fresh volatile DBE on one GPU;
    # the SDC vote passes (the error is detected, not silent).
    hosts = ["hgx-f03-n1", "hgx-f03-n2"]
    c = Case("case-n004", "gpu_memory_uncorrectable_ecc", "hgx-f03-n2/gpu4", hosts)
    c.alert("TrainingLossNaN", "loss is NaN on job diffusion-xl-ft for 3 consecutive logs",
            job="diffusion-xl-ft", node="hgx-f03-n1")
    lines = plain_steps(c, -700, 22, 6610, step_s=1.41, loss=0.118,
                        loss_fn=lambda i: float("nan") if i >= 19 else 0.118 + c.rng.uniform(-0.01, 0.01))
    lines = insert_at(lines, 0.5, app_noise(c, 4))
    lines += ["%s | WARNING | train | non-finite loss at step 6629, skipping optimizer step" % c.ymd(-30),
              "%s | WARNING | train | non-finite loss at step 6630, skipping optimizer step" % c.ymd(-29)]
    c.log("hgx-f03-n1/rank0/stdout", lines)
    dcgm(c, "hgx-f03-n2", skip=("fb",))
    c.health("gpu.health@hgx-f03-n2/gpu4", ecc_dbe_volatile=1, ecc_dbe_aggregate=1, ecc_sbe_volatile=3,
             remapped_rows_uncorrectable=1, xid_last=48)
    c.sdc("gpu.sdc@hgx-f03-n2")
    c.sdc("gpu.sdc@hgx-f03-n1")
    c.health("gpu.health@hgx-f03-n1/gpu4")
    c.with_topology()
    return c


# ======================================================================== gpu_row_remap_failure
@case
def n005():
    # nvidia-smi -q output collected by the node-check script shows a pending row remap; Xid 64.
    hosts = ["a3-mega-0017", "a3-mega-0018"]
    c = Case("case-n005", "gpu_row_remap_failure", "a3-mega-0018/gpu5", hosts)
    c.alert("NodeHealthCheckFailed", "prolog health check failed on a3-mega-0018, node drained",
            node="a3-mega-0018", partition="train")
    j = kernel_noise(c, "a3-mega-0018", 8) + [
        "%s a3-mega-0018 kernel: NVRM: Xid (PCI:0000:ab:00): 64, pid='<unknown>', name=<unknown>, Row Remapper: Failed to record remapped row (bank 7, row 0x1a3f)" % c.syslog(-900),
        "%s a3-mega-0018 slurmd[2871]: error: prolog failed: rc:1 output:healthcheck: GPU 5 remapped rows pending" % c.syslog(-30),
        "%s a3-mega-0018 slurmd[2871]: error: Prolog launch failure, JobId=1920334" % c.syslog(-30),
        "%s a3-mega-0018 slurmctld[1211]: update_node: node a3-mega-0018 reason set to: gpu5 row remap" % c.syslog(-29),
    ]
    c.log("a3-mega-0018/journal", j)
    q = ["==============NVSMI LOG==============", "GPU 00000000:AB:00.0",
         "    Product Name                          : NVIDIA H200",
         "    Remapped Rows",
         "        Correctable Error                 : 0",
         "        Uncorrectable Error               : 2",
         "        Pending                           : Yes",
         "        Remapping Failure Occurred        : No",
         "        Bank Remap Availability Histogram",
         "            Max                           : 639 bank(s)",
         "            High                          : 0 bank(s)",
         "    ECC Errors",
         "        Volatile",
         "            SRAM Correctable              : 0",
         "            DRAM Uncorrectable            : 0"]
    c.log("a3-mega-0018/healthcheck", q)
    c.health("gpu.health@a3-mega-0018/gpu5", remap_pending=1, remapped_rows_uncorrectable=2, xid_last=64)
    dcgm(c, "a3-mega-0018", util={g: (lambda s, v: 0) for g in range(8)}, skip=("fb",))
    c.with_topology()
    return c


@case
def n006():
    # Looks like a plain ECC crash (Xid 48, same GPU twice after restarts). The probe shows the
    # remapper has failed: this GPU cannot heal with a reset.
    hosts = ["nd-h200-a14", "nd-h200-a15", "nd-h200-a21", "nd-h200-a22"]
    c = Case("case-n006", "gpu_row_remap_failure", "nd-h200-a21/gpu0", hosts)
    c.alert("TrainingJobRestartLoop", "job moe-base-v4 restarted 3 times, same node each time",
            job="moe-base-v4", node="nd-h200-a21")
    r = []
    for k, t in enumerate((-1150, -700, -240)):
        r += ["%s | torchelastic | restarting workers (attempt %d/5)" % (c.ymd(t - 40), k + 1),
              "[rank16]:[%s ProcessGroupNCCL.cpp:1316] [PG 0 Rank 16] Process group watchdog thread terminated with exception: CUDA error: uncorrectable ECC error encountered" % c.glog(t, "E"),
              "[rank16]: Exception raised from c10_cuda_check_implementation at ../c10/cuda/CUDAException.cpp:43 (most recent call first):"]
    r = insert_at(r, 0.3, app_noise(c, 6))
    c.log("nd-h200-a21/rank16/stderr", r)
    dm = kernel_noise(c, "nd-h200-a21", 5, fmt="dmesg")
    for t in (-1152, -702, -242):
        dm.append(xid(c, t, 0, 48, "An uncorrectable double bit error (DBE) has been detected on GPU in the framebuffer at partition 3, subpartition 1.", pid=61003))
    c.log("nd-h200-a21/dmesg", dm)
    dcgm(c, "nd-h200-a21", skip=("fb",))
    c.health("gpu.health@nd-h200-a21/gpu0", ecc_dbe_volatile=1, ecc_dbe_aggregate=9,
             remap_failure=1, remapped_rows_uncorrectable=8, xid_last=64)
    c.health("gpu.health@nd-h200-a21/gpu1")
    c.hbm("gpu.hbm_bandwidth@nd-h200-a21/gpu0")
    c.with_topology()
    return c


# ======================================================================== gpu_firmware_error
@case
def n007():
    # GSP RPC timeout (Xid 119) on one GPU; nvidia-smi hangs; the health probe errors with a timeout.
    hosts = ["gx-r2-n07", "gx-r2-n08"]
    c = Case("case-n007", "gpu_firmware_error", "gx-r2-n08/gpu2", hosts)
    c.alert("NCCLTimeout", "16 ranks timed out in allreduce on job tts-large", job="tts-large", node="gx-r2-n07")
    r = watchdog(c, 3, -20, 77812) + watchdog(c, 11, -19, 77812)[:2]
    r = app_noise(c, 4) + r
    c.log("gx-r2-n07/ranks/stderr", r)
    j = kernel_noise(c, "gx-r2-n08", 6) + [
        "%s gx-r2-n08 kernel: NVRM: Xid (PCI:0000:3a:00): 119, pid=90113, name=python, Timeout after 6s of waiting for RPC response from GPU2 GSP! Expected function 76 (GSP_RM_CONTROL) (0x20802a02 0x8)." % c.syslog(-640),
        "%s gx-r2-n08 kernel: NVRM: GPU2 GSP RPC buffer contains function 76 (GSP_RM_CONTROL) and data 0x0000000020802a02 0x0000000000000008." % c.syslog(-640),
        "%s gx-r2-n08 kernel: NVRM: GPU2 RPC history (CPU -> GSP):" % c.syslog(-640),
        "%s gx-r2-n08 kernel: NVRM: Rate limiting GSP RPC error prints for GPU at PCI:0000:3a:00 (printing 1 of every 30).  The GPU likely needs to be reset." % c.syslog(-600),
        "%s gx-r2-n08 dcgm-exporter[3120]: level=error msg=\"Failed to collect metrics\" error=\"nvml: Timeout\"" % c.syslog(-570),
    ]
    c.log("gx-r2-n08/journal", j)
    dcgm(c, "gx-r2-n08", util={2: after(-640, 0)}, power={2: after(-640, 96)}, skip=("fb",))
    c.errored("gpu.health@gx-r2-n08/gpu2", "probe timed out after 30 s (nvmlDeviceGetClockInfo did not return)", 30.0)
    c.health("gpu.health@gx-r2-n08/gpu1")
    c.with_topology()
    return c


@case
def n008():
    # Xid 62 (internal micro-controller halt) on one GPU among eight busy peers; the job log only
    # shows "unspecified launch failure" and watchdog noise.
    hosts = ["p5-ip-10-1-44-12", "p5-ip-10-1-44-89"]
    c = Case("case-n008", "gpu_firmware_error", "p5-ip-10-1-44-89/gpu7", hosts, gpu="NVIDIA H100 80GB HBM3")
    c.alert("TrainingStalled", "no iteration log for 10 minutes on job rl-policy-34b", job="rl-policy-34b",
            node="p5-ip-10-1-44-12")
    r = megatron_iters(c, -1300, 12, 4101, step_s=6.2, loss=0.93)
    r = insert_at(r, 0.6, app_noise(c, 3))
    r += ["[rank15]: RuntimeError: CUDA error: unspecified launch failure",
          "[rank15]: Compile with `TORCH_USE_CUDA_DSA` to enable device-side assertions."]
    r += watchdog(c, 2, -5, 211870, op="REDUCE_SCATTER")[:2]
    c.log("p5-ip-10-1-44-12/train.log", r)
    dm = kernel_noise(c, "p5-ip-10-1-44-89", 7, fmt="dmesg") + [
        xid(c, -620, 7, 62, "0000d84d 0000d7fa 00000000 00000000 00000000 00000000 00000000 00000000", pid=20314),
        "%s NVRM: GPU at PCI:0000:db:00: GPU-%s" % (c.dmesg(-620), c.uuid("p5-ip-10-1-44-89", 7)[4:]),
        "%s NVRM: GPU Board Serial Number: 1652922068119" % c.dmesg(-620),
        "%s NVRM: Xid (PCI:0000:db:00): 62, pid=20314, name=python, Internal micro-controller halt" % c.dmesg(-619.9),
    ]
    c.log("p5-ip-10-1-44-89/dmesg", dm)
    dcgm(c, "p5-ip-10-1-44-89", util={7: after(-620, 100)}, power={7: after(-620, 118)},
         clock={7: after(-620, 1980)}, skip=("fb",))
    c.with_topology()
    return c


# ======================================================================== nvlink_error
@case
def n009():
    # Fatal NVLink error (Xid 74) on one GPU; NCCL on the same node reports the P2P transport failure.
    hosts = ["hpc-gn-112", "hpc-gn-113", "hpc-gn-114", "hpc-gn-115"]
    c = Case("case-n009", "nvlink_error", "hpc-gn-114/gpu6", hosts)
    c.alert("JobFailed", "job climate-emu-v2 failed after 5h12m", job="climate-emu-v2", node="hpc-gn-112")
    r = ["hpc-gn-114:40211:40877 [6] NCCL INFO Channel 03/0 : 22[6] -> 23[7] via P2P/CUMEM/read",
         "hpc-gn-114:40211:40994 [6] include/proxy.h:214 NCCL WARN Cuda failure 'an illegal memory access was encountered'",
         "hpc-gn-114:40211:40994 [6] NCCL INFO transport/p2p.cc:370 -> 1",
         "[rank22]: torch.distributed.DistBackendError: NCCL error in: ../torch/csrc/distributed/c10d/NCCLUtils.hpp:317, unhandled cuda error (run with NCCL_DEBUG=INFO for details), NCCL version 2.20.5",
         "[rank22]: ncclUnhandledCudaError: Call to CUDA function failed.",
         "[rank22]: Last error:",
         "[rank22]: Cuda failure 'an illegal memory access was encountered'"]
    r = app_noise(c, 5) + megatron_iters(c, -400, 3, 180220, step_s=5.2)[:3] + r
    c.log("hpc-gn-114/rank22/stderr", r)
    dm = kernel_noise(c, "hpc-gn-114", 5, fmt="dmesg") + [
        xid(c, -75, 6, 74, "NVLink: fatal error detected on link 11(0x10000, 0x0, 0x0, 0x0, 0x0, 0x0, 0x0)", pid=40211),
        xid(c, -74.9, 6, 74, "NVLink: fatal error detected on link 12(0x10000, 0x0, 0x0, 0x0, 0x0, 0x0, 0x0)", pid=40211),
        "%s nvidia-nvswitch2: SXid (PCI:0000:07:00.0): 20034, Fatal, Link 44 LTSSM Fault Up" % c.dmesg(-75.1),
    ]
    c.log("hpc-gn-114/dmesg", dm)
    dcgm(c, "hpc-gn-114", skip=("fb",))
    c.with_topology()
    return c


@case
def n010():
    # No error anywhere: one node's ranks are 35% slower. Probes: intra-node all-reduce and the
    # pairwise matrix are low for one GPU, whose health shows links down and a high CRC rate.
    hosts = ["trn-k-0101", "trn-k-0102", "trn-k-0103"]
    c = Case("case-n010", "nvlink_error", "trn-k-0102/gpu5", hosts)
    c.alert("StepTimeRegression", "step time of job llama-8b-cpt up 34% vs 24h baseline",
            job="llama-8b-cpt", node="trn-k-0101")
    it = megatron_iters(c, -1200, 18, 51000, step_s=2.2, loss=2.02,
                        step_fn=lambda i: 2.2 * (1.0 if i < 5 else 1.35) * c.rng.uniform(0.99, 1.01))
    it = insert_at(it, 0.5, app_noise(c, 5))
    c.log("trn-k-0101/rank0/stdout", it)
    dcgm(c, "trn-k-0102", util={g: after(-1190, 71) for g in range(8)}, skip=("fb",))
    c.nccl("nccl.allreduce@trn-k-0102", busbw=212.4)
    c.nccl("nccl.allreduce@trn-k-0101")
    c.nccl("nccl.p2p_matrix@trn-k-0102", busbw=61.8, details={"slowest_pairs": "gpu5<->gpu0 61.8, gpu5<->gpu3 63.0, gpu5<->gpu6 64.1"})
    c.health("gpu.health@trn-k-0102/gpu5", nvlink_links_up=16, nvlink_crc_errors=48113, nvlink_replay_errors=2210,
             nvlink_recovery_errors=4)
    rates(c, "gpu.health@trn-k-0102/gpu5", nvlink_crc_errors_per_s=812.0, nvlink_replay_errors_per_s=37.0,
          nvlink_recovery_errors_per_s=0.0)
    c.health("gpu.health@trn-k-0102/gpu0")
    rates(c, "gpu.health@trn-k-0102/gpu0", nvlink_crc_errors_per_s=3.0)
    c.gemm("gpu.gemm@trn-k-0102/gpu5")
    c.with_topology()
    return c


# ======================================================================== gpu_thermal_throttle
@case
def n011():
    # One GPU runs hot (bad thermal contact): its temperature climbs and the SM clock sags with the
    # thermal bits set. The framework's straggler report is the loudest line.
    hosts = ["ml-h200-r04-s1", "ml-h200-r04-s2", "ml-h200-r05-s1", "ml-h200-r05-s2"]
    c = Case("case-n011", "gpu_thermal_throttle", "ml-h200-r05-s1/gpu2", hosts)
    c.alert("StragglerDetected", "rank 18 of job asr-conformer-xl is 1.4x slower than the median",
            job="asr-conformer-xl", node="ml-h200-r05-s1")
    st = ["[NeMo I %s straggler_det:211] GPU relative performance: min 0.71 (rank 18), median 0.99, max 1.00" % c.ymd(t)
          for t in (-900, -600, -300, -10)]
    st += ["[NeMo W %s straggler_det:230] Stragglers detected: [StragglerId(rank=18, node='ml-h200-r05-s1')]" % c.ymd(-9)]
    lines = interleave(c.rng, plain_steps(c, -1200, 16, 88120, step_s=1.9, loss=0.411), st, app_noise(c, 4))
    c.log("ml-h200-r04-s1/rank0/nemo_log", lines)
    ramp = lambda lo, hi: (lambda s, v: v if s < -1000 else min(hi, lo + (s + 1000) * (hi - lo) / 500.0))
    dcgm(c, "ml-h200-r05-s1", temp={2: ramp(70, 91)}, clock={2: lambda s, v: v if s < -800 else 1410 + c.rng.uniform(-40, 40)},
         power={2: lambda s, v: v if s < -800 else 430 + c.rng.uniform(-20, 20)}, skip=("fb",))
    c.gpu_metric("DCGM_FI_DEV_CLOCK_THROTTLE_REASONS", "ml-h200-r05-s1", 0, 0,
                 {2: lambda s, v: 0 if s < -800 else CLK_SW_THERMAL | CLK_HW_THERMAL | CLK_HW_SLOWDOWN}, decimals=0)
    c.with_topology()
    return c


@case
def n012():
    # A chassis fan failed: GPUs 4-7 of one node throttle. DCGM exporter on that node was down, so
    # the metrics do not show it; the BMC SEL line is buried, and the probes show thermal slowdown.
    hosts = ["xe9680-07", "xe9680-08", "xe9680-11"]
    c = Case("case-n012", "gpu_thermal_throttle", "xe9680-08", hosts)
    c.alert("ThroughputDrop", "tokens/s of job code-13b-pt down 28% over 15 min", job="code-13b-pt", node="xe9680-07")
    r = fsdp_steps(c, -1020, 20, 210400, step_s=1.6,
                   step_fn=lambda i: 1.6 * (1.0 if i < 6 else 1.39) * c.rng.uniform(0.99, 1.01))
    r = insert_at(r, 0.4, app_noise(c, 4))
    c.log("xe9680-07/rank0/stdout", r)
    j = kernel_noise(c, "xe9680-08", 9) + [
        "%s xe9680-08 ipmiseld[1720]: SEL: Fan Redundancy Lost | Fan6A RPM | Lower Critical going low | Reading 480 < Threshold 1200 RPM" % c.syslog(-1010),
        "%s xe9680-08 systemd[1]: dcgm-exporter.service: Main process exited, code=killed, status=9/KILL" % c.syslog(-1400),
        "%s xe9680-08 systemd[1]: dcgm-exporter.service: Failed with result 'signal'." % c.syslog(-1400),
    ]
    c.log("xe9680-08/journal", j)
    dcgm(c, "xe9680-07", skip=("fb",))
    c.node_metric("up", {"job": "dcgm-exporter", "instance": "xe9680-08:9400"},
                  lambda s: 1 if s < -1400 else 0, decimals=0)
    for g in (4, 6):
        c.health("gpu.health@xe9680-08/gpu%d" % g, temperature_c=89 + g % 3, hbm_temperature_c=93,
                 sm_clock_mhz=1275, clock_event_reasons=CLK_SW_THERMAL | CLK_HW_THERMAL | CLK_HW_SLOWDOWN)
        c.gemm("gpu.gemm@xe9680-08/gpu%d" % g, tflops=498.0 + g)
    c.health("gpu.health@xe9680-08/gpu1", temperature_c=63)
    c.pcie("gpu.pcie_bandwidth@xe9680-08/gpu4")
    c.with_topology()
    return c


# ======================================================================== gpu_power_throttle
@case
def n013():
    # An operator lowered the power limit on one node (nvidia-smi -pl) during a maintenance window;
    # all eight GPUs sit at 450 W with the SW power cap bit.
    hosts = ["cw-h200-a001", "cw-h200-a002", "cw-h200-a003", "cw-h200-a004"]
    c = Case("case-n013", "gpu_power_throttle", "cw-h200-a003", hosts)
    c.alert("StepTimeRegression", "job mm-embed-v7 step time +22% since 03:10", job="mm-embed-v7", node="cw-h200-a001")
    r = megatron_iters(c, -1024, 16, 7200, step_s=3.3, loss=1.21,
                       step_fn=lambda i: 3.3 * (1.0 if i < 4 else 1.22) * c.rng.uniform(0.99, 1.01))
    c.log("cw-h200-a001/rank0/stdout", insert_at(r, 0.5, app_noise(c, 4)))
    j = kernel_noise(c, "cw-h200-a003", 6)
    for g in range(8):
        j.append("%s cw-h200-a003 nvidia-smi[88120]: Power limit for GPU 00000000:%s:00.0 was set to 450.00 W from 700.00 W." % (
            c.syslog(-1010), PCI_BUS_A[g].upper()))
    j.append("%s cw-h200-a003 sudo[88101]:   opsbot : TTY=pts/2 ; PWD=/root ; USER=root ; COMMAND=/usr/bin/nvidia-smi -pl 450" % c.syslog(-1011))
    c.log("cw-h200-a003/journal", j)
    cap = {g: (lambda s, v: v if s < -1000 else 447 + c.rng.uniform(-3, 2)) for g in range(8)}
    clk = {g: (lambda s, v: v if s < -1000 else 1620 + c.rng.uniform(-50, 50)) for g in range(8)}
    dcgm(c, "cw-h200-a003", power=cap, clock=clk, skip=("fb",))
    dcgm(c, "cw-h200-a002", skip=("fb",))
    c.gpu_metric("DCGM_FI_DEV_POWER_MGMT_LIMIT", "cw-h200-a003", 700, 0,
                 {g: after(-1000, 450) for g in range(8)}, decimals=0)
    c.with_topology()
    return c


@case
def n014():
    # A PSU lost AC: the node asserts power brake on all GPUs. No journal shipped from the node.
    # Clocks fall on every GPU of the node at normal temperature; only the probe names the reason.
    hosts = ["gpu-d4-17", "gpu-d4-18"]
    c = Case("case-n014", "gpu_power_throttle", "gpu-d4-18", hosts)
    c.alert("GPUClockLow", "SM clock below 1200 MHz on 8 GPUs of gpu-d4-18 for 10m", node="gpu-d4-18",
            job="ft-qwen-72b")
    r = deepspeed_steps(c, -964, 14, 3310, step_s=4.6,
                        step_fn=lambda i: 4.6 * (1.0 if i < 3 else 2.1) * c.rng.uniform(0.98, 1.02))
    r = insert_at(r, 0.6, app_noise(c, 4))
    c.log("gpu-d4-17/rank0/stdout", r)
    low = {g: (lambda s, v: v if s < -950 else 990 + c.rng.uniform(-60, 60)) for g in range(8)}
    pw = {g: (lambda s, v: v if s < -950 else 260 + c.rng.uniform(-20, 20)) for g in range(8)}
    tmp = {g: (lambda s, v: v if s < -950 else 49 + c.rng.uniform(-2, 2)) for g in range(8)}
    dcgm(c, "gpu-d4-18", clock=low, power=pw, temp=tmp, skip=("fb",))
    for g in (0, 3):
        c.health("gpu.health@gpu-d4-18/gpu%d" % g, sm_clock_mhz=1005, power_w=248, temperature_c=50,
                 clock_event_reasons=CLK_HW_SLOWDOWN | CLK_HW_POWER_BRAKE)
    c.gemm("gpu.gemm@gpu-d4-18/gpu0", tflops=372.5)
    c.health("gpu.health@gpu-d4-17/gpu0")
    c.with_topology()
    return c


# ======================================================================== pcie_link_degraded
@case
def n015():
    # AER corrected errors flood for one GPU's upstream port; the link retrained to x8. The job sees
    # slow host-to-device copies (CPU-offloaded optimizer).
    hosts = ["sm-h100-22", "sm-h100-23"]
    c = Case("case-n015", "pcie_link_degraded", "sm-h100-23/gpu1", hosts, gpu="NVIDIA H100 80GB HBM3", pci=PCI_BUS_B)
    c.alert("StragglerDetected", "rank 9 slowest in 40 of the last 40 steps (job offload-30b)", job="offload-30b",
            node="sm-h100-23")
    r = deepspeed_steps(c, -1000, 12, 880, rank=9, step_s=7.9)
    r = insert_at(r, 0.5, app_noise(c, 3))
    r.append("[%s] [WARNING] [stage3.py:2069:step] rank 9: optimizer step (CPU Adam) waited 5.71s on H2D param copy" % c.ymd_ms(-20))
    c.log("sm-h100-23/rank9/stderr", r)
    dm = kernel_noise(c, "sm-h100-23", 4, fmt="dmesg")
    for k in range(6):
        t = -1300 + 190 * k
        dm += ["%s pcieport 0000:38:01.0: AER: Corrected error message received from 0000:3b:00.0" % c.dmesg(t),
               "%s nvidia 0000:3b:00.0: PCIe Bus Error: severity=Corrected, type=Physical Layer, (Receiver ID)" % c.dmesg(t + 0.001),
               "%s nvidia 0000:3b:00.0:   device [10de:2330] error status/mask=00000001/0000e000" % c.dmesg(t + 0.001),
               "%s nvidia 0000:3b:00.0:    [ 0] RxErr                  (First)" % c.dmesg(t + 0.001)]
    dm.append("%s pcieport 0000:38:01.0: pciehp: Slot(1): Link Up, 16 GT/s x8 (downgraded)" % c.dmesg(-1210))
    c.log("sm-h100-23/dmesg", dm)
    dcgm(c, "sm-h100-23", util={1: lambda s, v: 42 + c.rng.uniform(-5, 5)}, skip=("fb",))
    c.health("gpu.health@sm-h100-23/gpu1", pcie_link_gen=4, pcie_link_width=8, pcie_replay_count=8841)
    rates(c, "gpu.health@sm-h100-23/gpu1", pcie_replay_per_s=14.0)
    c.pcie("gpu.pcie_bandwidth@sm-h100-23/gpu1", h2d=12.9, d2h=13.2)
    c.with_topology()
    return c


@case
def n016():
    # One rank of an FSDP job with activation offload is slow; no kernel messages at all (link trained
    # down at boot). Thermal, power and the GEMM are fine; the PCIe probe finds Gen1.
    hosts = ["kube-gpu-h-31", "kube-gpu-h-32", "kube-gpu-h-33"]
    c = Case("case-n016", "pcie_link_degraded", "kube-gpu-h-32/gpu6", hosts)
    c.alert("JobSlow", "job vit-22b-ft: iteration time p50 2.9s -> 4.4s after node replacement",
            job="vit-22b-ft", node="kube-gpu-h-31")
    r = fsdp_steps(c, -1100, 18, 12000, step_s=2.9, step_fn=lambda i: 4.4 * c.rng.uniform(0.99, 1.01))
    r = insert_at(r, 0.3, app_noise(c, 5))
    r.append("[rank0]:[titan] %s - root - WARNING - offload wait: rank 14 p50 1.41s, others p50 0.06s" % c.ymd_ms(-30))
    c.log("kube-gpu-h-31/pod/vit-22b-ft-worker-0", r)
    ev = ["%s Normal   NodeReady   node/kube-gpu-h-32   Node kube-gpu-h-32 status is now: NodeReady" % c.iso(-1250),
          "%s Normal   Scheduled   pod/vit-22b-ft-worker-1   Successfully assigned ml/vit-22b-ft-worker-1 to kube-gpu-h-32" % c.iso(-1200),
          "%s Normal   Started     pod/vit-22b-ft-worker-1   Started container pytorch" % c.iso(-1180)]
    c.log("scheduler/events", ev)
    dcgm(c, "kube-gpu-h-32", util={6: lambda s, v: 55 + c.rng.uniform(-6, 6)}, skip=("fb",))
    c.gpu_metric("DCGM_FI_PROF_PCIE_RX_BYTES", "kube-gpu-h-32", 2.1e10, 1.5e9,
                 {6: lambda s, v: 3.7e9 + c.rng.uniform(-2e8, 2e8)}, decimals=0)
    c.health("gpu.health@kube-gpu-h-32/gpu6", pcie_link_gen=1, pcie_link_width=16)
    c.pcie("gpu.pcie_bandwidth@kube-gpu-h-32/gpu6", h2d=3.1, d2h=3.0)
    c.gemm("gpu.gemm@kube-gpu-h-32/gpu6")
    c.health("gpu.health@kube-gpu-h-32/gpu2")
    c.pcie("gpu.pcie_bandwidth@kube-gpu-h-32/gpu2")
    c.with_topology()
    return c


# ======================================================================== gpu_silent_data_corruption
@case
def n017():
    # In-house replica checker: the parameter hash of one data-parallel replica differs after an
    # optimizer step. No error anywhere else. The vote probe agrees.
    hosts = ["ord-h200-%03d" % i for i in (114, 115, 116, 117)]
    c = Case("case-n017", "gpu_silent_data_corruption", "ord-h200-116/gpu6", hosts)
    c.alert("ReplicaChecksumMismatch", "DP replica hash mismatch at step 41200 (job frontier-v3)",
            job="frontier-v3", node="ord-h200-114")
    it = megatron_iters(c, -1200, 12, 41188, step_s=8.0, loss=1.62)
    chk = ["[%s] replica-check: step 41200 dp_group 6 hashes: rank 6=0x7f21a0c3 rank 14=0x7f21a0c3 rank 22=0x7f21a0c3 rank 30=0x7f21a0c3" % c.ymd(-2),
           "[%s] replica-check: step 41200 dp_group 22 hashes: rank 6=0x7f21a0c3 rank 14=0x7f21a0c3 rank 22=0x1d9e5b07 rank 30=0x7f21a0c3" % c.ymd(-1),
           "[%s] replica-check: MISMATCH in dp_group 22 at layer decoder.layers.17.mlp.linear_fc1.weight: rank 22 differs from 3 replicas (max abs diff 3.2e+01)" % c.ymd(0)]
    c.log("ord-h200-114/rank0/stdout", insert_at(it, 0.5, app_noise(c, 4)) + chk)
    dcgm(c, "ord-h200-116", skip=("fb",))
    c.log("ord-h200-116/journal", kernel_noise(c, "ord-h200-116", 6))
    c.sdc("gpu.sdc@ord-h200-116", mismatched=1127, bad_gpu="gpu6")
    c.health("gpu.health@ord-h200-116/gpu6")
    c.with_topology()
    return c


@case
def n018():
    # Intermittent loss spikes and "found inf" only in some steps; no hardware error logged. The SDC
    # vote on one node finds a GPU that disagrees; health and GEMM speed pass.
    hosts = ["lambda-h100-3a", "lambda-h100-3b"]
    c = Case("case-n018", "gpu_silent_data_corruption", "lambda-h100-3b/gpu3", hosts, gpu="NVIDIA H100 80GB HBM3")
    c.alert("LossSpike", "loss of job chem-gnn-large 4.1x above its 1h trend", job="chem-gnn-large", node="lambda-h100-3a")
    spikes = {5: 9.81, 11: 14.2, 17: 7.33}
    r = plain_steps(c, -1200, 22, 19031, step_s=3.2, loss=1.044,
                    loss_fn=lambda i: spikes.get(i, 1.044 - 0.001 * i + c.rng.uniform(-0.02, 0.02)))
    r = insert_at(r, 0.5, ["%s | WARNING | amp | grad norm inf at step 19042, skipping update" % c.ymd(-800),
                           "%s | WARNING | amp | grad norm inf at step 19048, skipping update" % c.ymd(-600)])
    r = insert_at(r, 0.2, app_noise(c, 4))
    c.log("lambda-h100-3a/rank0/train.log", r)
    dcgm(c, "lambda-h100-3b", skip=("fb",))
    dcgm(c, "lambda-h100-3a", skip=("fb",))
    c.sdc("gpu.sdc@lambda-h100-3b", mismatched=38, bad_gpu="gpu3")
    c.sdc("gpu.sdc@lambda-h100-3a")
    c.health("gpu.health@lambda-h100-3b/gpu3")
    c.gemm("gpu.gemm@lambda-h100-3b/gpu3")
    c.with_topology()
    return c


# ======================================================================== ib_link_failure
@case
def n019():
    # One HCA port flaps on one node; retry-exceeded completions on its ranks and timeouts everywhere.
    hosts = ["ib-h200-0201", "ib-h200-0202", "ib-h200-0203", "ib-h200-0204"]
    c = Case("case-n019", "ib_link_failure", "ib-h200-0203/mlx5_3", hosts)
    c.alert("NCCLError", "job pretrain-405b-s2 failed: ncclRemoteError on 6 ranks", job="pretrain-405b-s2",
            node="ib-h200-0203")
    p = "ib-h200-0203:118820:119455 [3]"
    r = nccl_init(c, "ib-h200-0203", 19, 3, 32)[1:5] + app_noise(c, 3) + [
        "%s transport/net_ib.cc:1696 NCCL WARN NET/IB : Got completion from peer 10.20.14.4<53011> with status=12 opcode=0 len=0 vendor err 129 (Send) localGid ::ffff:10.20.13.3 remoteGidsfe80::a088:c203:8c:1e2e hca mlx5_3" % p,
        "%s NCCL INFO transport/net.cc:1298 -> 6" % p,
        "%s NCCL INFO proxy.cc:694 -> 6" % p,
        "%s NCCL INFO proxy.cc:878 -> 6 [Progress Thread]" % p,
        "[rank19]: torch.distributed.DistBackendError: NCCL error in: ../torch/csrc/distributed/c10d/ProcessGroupNCCL.cpp:2006, remote process exited or there was a network error, NCCL version 2.21.5",
        "[rank19]: ncclRemoteError: A call failed possibly due to a network error or a remote process exiting prematurely.",
        "[rank19]: Last error:",
        "[rank19]: NET/IB : Got completion from peer 10.20.14.4<53011> with status=12 opcode=0 len=0 vendor err 129 (Send) localGid ::ffff:10.20.13.3 remoteGidsfe80::a088:c203:8c:1e2e hca mlx5_3",
    ]
    c.log("ib-h200-0203/rank19/stderr", r)
    j = kernel_noise(c, "ib-h200-0203", 5)
    for k, t in enumerate((-420, -265, -130, -41)):
        j.append("%s ib-h200-0203 kernel: mlx5_core 0000:3f:00.0: mlx5_port_change_event:  Port: 1 Link DOWN" % c.syslog(t))
        j.append("%s ib-h200-0203 kernel: mlx5_core 0000:3f:00.0: mlx5_port_change_event:  Port: 1 Link ACTIVE" % c.syslog(t + 6))
    j.append("%s ib-h200-0203 kernel: mlx5_core 0000:3f:00.0: mlx5_port_module_event: Port module event[error]: module 3, Cable error, Bad or shorted cable/module" % c.syslog(-425))
    c.log("ib-h200-0203/journal", j)
    w = watchdog(c, 0, -5, 99120, op="ALLGATHER")[:2] + watchdog(c, 8, -5, 99120, op="ALLGATHER")[:2]
    c.log("ib-h200-0201/ranks/stderr", app_noise(c, 3) + w)
    for dev in ("mlx5_0", "mlx5_3", "mlx5_4"):
        c.node_metric("node_infiniband_link_downed_total", {"instance": "ib-h200-0203", "device": dev, "port": "1"},
                      (lambda s: 0 if s < -420 else 1 + int((s + 420) / 130)) if dev == "mlx5_3" else (lambda s: 0), decimals=0)
    c.with_topology(hca="mlx5_0 mlx5_3 mlx5_4 mlx5_5 mlx5_6 mlx5_9 mlx5_10 mlx5_11")
    return c


@case
def n020():
    # The errors are logged by the PEERS of the faulty NIC: ranks on three nodes all report
    # retry-exceeded towards one remote address; that node's own log has symbol errors on one port.
    hosts = ["r12-gpu-01", "r12-gpu-02", "r13-gpu-01", "r13-gpu-02"]
    c = Case("case-n020", "ib_link_failure", "r13-gpu-01/mlx5_5", hosts)
    c.alert("NCCLError", "ncclRemoteError on 12 ranks of job speech-lm-30b", job="speech-lm-30b", node="r12-gpu-01")
    lines = []
    for host, rank, gpu in (("r12-gpu-01", 5, 5), ("r12-gpu-02", 13, 5), ("r13-gpu-02", 29, 5)):
        pid = c.rng.randrange(20000, 90000)
        lines += [
            "%s:%d:%d [%d] transport/net_ib.cc:1696 NCCL WARN NET/IB : Got completion from peer 10.44.9.21<41883> with error 12, opcode 0, len 0, vendor err 129 (Recv) localGid ::ffff:10.44.%d.%d remoteGid ::ffff:10.44.9.21" % (
                host, pid, pid + 611, gpu, 7 + rank // 16, 10 + rank // 8),
            "%s:%d:%d [%d] NCCL INFO transport/net.cc:1298 -> 6" % (host, pid, pid + 611, gpu),
            "[rank%d]: ncclRemoteError: A call failed possibly due to a network error or a remote process exiting prematurely." % rank,
        ]
    c.log("job/speech-lm-30b/stderr", app_noise(c, 5) + lines)
    boot = ["%s r13-gpu-01:%d:%d [5] NCCL INFO Bootstrap : Using bond0:10.44.9.21<0>" % (c.ymd(-5000), 70111, 70111)]
    c.log("r13-gpu-01/rank21/stderr", boot + app_noise(c, 2))
    j = kernel_noise(c, "r13-gpu-01", 8) + [
        "%s r13-gpu-01 kernel: mlx5_core 0000:9e:00.0: mlx5_pcie_event:299:(pid 0): Detected insufficient power on the PCIe slot (27W)." % c.syslog(-3000),
        "%s r13-gpu-01 ibmon[2233]: mlx5_5 port 1: SymbolErrorCounter +1873, LinkErrorRecoveryCounter +3, PortRcvErrors +912 in 60s" % c.syslog(-60),
    ]
    c.log("r13-gpu-01/journal", j)
    for host in ("r13-gpu-01", "r12-gpu-01"):
        for dev in ("mlx5_4", "mlx5_5"):
            bad = host == "r13-gpu-01" and dev == "mlx5_5"
            c.node_metric("node_infiniband_symbol_error_total", {"instance": host, "device": dev, "port": "1"},
                          (lambda s: 0 if s < -700 else int((s + 700) * 31)) if bad else (lambda s: 2), decimals=0)
    c.nccl("nccl.allreduce@job", busbw=41.5)
    c.nccl("nccl.allreduce@r13-gpu-01")
    c.with_topology()
    return c


# ======================================================================== nccl_network_misconfig
@case
def n021():
    # A new node pool names its NICs ens*; the job template still sets NCCL_SOCKET_IFNAME=eth0.
    hosts = ["a2-ultra-pool2-xq1", "a2-ultra-pool2-xq2"]
    c = Case("case-n021", "nccl_network_misconfig", "job", hosts)
    c.alert("JobFailed", "job rec-dlrm-v9 failed at init on all ranks", job="rec-dlrm-v9", node="a2-ultra-pool2-xq1")
    r = [
        "%s INFO launcher: env NCCL_SOCKET_IFNAME=eth0 NCCL_DEBUG=WARN NCCL_IB_DISABLE=0" % c.ymd(-95),
        "%s INFO launcher: starting 16 workers on 2 nodes (master a2-ultra-pool2-xq1:29400)" % c.ymd(-94),
    ] + app_noise(c, 4) + [
        "a2-ultra-pool2-xq1:2201:2201 [0] bootstrap.cc:98 NCCL WARN Bootstrap : no socket interface found",
        "a2-ultra-pool2-xq1:2201:2201 [0] NCCL INFO init.cc:1737 -> 3",
        "[rank0]: Traceback (most recent call last):",
        '[rank0]:   File "/app/rec/train.py", line 88, in <module>',
        "[rank0]:     dist.barrier()",
        "[rank0]: torch.distributed.DistBackendError: NCCL error in: ../torch/csrc/distributed/c10d/ProcessGroupNCCL.cpp:1970, internal error - please report this issue to the NCCL developers, NCCL version 2.19.3",
        "[rank0]: ncclInternalError: Internal check failed.",
        "[rank0]: Last error:",
        "[rank0]: Bootstrap : no socket interface found",
    ]
    c.log("a2-ultra-pool2-xq1/rank0/stderr", r)
    r2 = ["a2-ultra-pool2-xq2:3310:3310 [3] bootstrap.cc:98 NCCL WARN Bootstrap : no socket interface found",
          "[rank11]: ncclInternalError: Internal check failed.",
          "[rank11]: Last error:", "[rank11]: Bootstrap : no socket interface found"]
    c.log("a2-ultra-pool2-xq2/rank11/stderr", r2)
    j = ["%s a2-ultra-pool2-xq2 systemd-networkd[811]: ens8f0np0: Link UP" % c.syslog(-9000),
         "%s a2-ultra-pool2-xq2 systemd-networkd[811]: ens8f0np0: Gained carrier" % c.syslog(-8999)] + kernel_noise(c, "a2-ultra-pool2-xq2", 5)
    c.log("a2-ultra-pool2-xq2/journal", j)
    c.with_topology()
    return c


@case
def n022():
    # Site config management pushed an /etc/nccl.conf with NCCL_IB_DISABLE=1 (left from debugging).
    # Without NCCL_DEBUG nothing says so; the job is 7x slower. Job-wide all-reduce through the
    # same config crawls while intra-node is normal and the GPUs are fine.
    hosts = ["gpu-bx-%02d" % i for i in (3, 4, 9, 10)]
    c = Case("case-n022", "nccl_network_misconfig", "job", hosts)
    c.alert("ThroughputDrop", "job t5x-xxl-mt throughput 7.1x below last run", job="t5x-xxl-mt", node="gpu-bx-03")
    r = plain_steps(c, -1250, 16, 220, step_s=6.8, loss=2.7)
    r = ["%s | INFO | train | resumed from checkpoint step 219 (restart after maintenance)" % c.ymd(-1300)] + r
    r = insert_at(r, 0.5, app_noise(c, 5))
    c.log("gpu-bx-03/rank0/stdout", r)
    j = kernel_noise(c, "gpu-bx-09", 6) + [
        "%s gpu-bx-09 ansible-pull[40122]: TASK [nccl : render nccl.conf] ****" % c.syslog(-4000),
        "%s gpu-bx-09 ansible-pull[40122]: changed: [localhost] => (item=/etc/nccl.conf)" % c.syslog(-3999),
    ]
    c.log("gpu-bx-09/journal", j)
    for h in hosts[:2]:
        dcgm(c, h, util={g: (lambda s, v: 18 + c.rng.uniform(-5, 5)) for g in range(8)}, skip=("fb", "power"))
        c.node_metric("node_infiniband_port_data_received_bytes_total", {"instance": h, "device": "mlx5_0", "port": "1"},
                      lambda s: 4.4e13, decimals=0)
    c.nccl("nccl.allreduce@job", busbw=5.8, details={"transport": "NET/Socket", "nranks": 32})
    c.nccl("nccl.allreduce@gpu-bx-03")
    c.nccl("nccl.allreduce@gpu-bx-09")
    c.gemm("gpu.gemm@gpu-bx-03/gpu0")
    c.with_topology()
    return c


# ======================================================================== nccl_collective_hang
@case
def n023():
    # 31 ranks time out in the same all-reduce; rank 37 never entered it: its py-spy dump shows the
    # main thread blocked on a lock in a logging callback. The ranks that time out are healthy.
    hosts = ["grid-h200-%03d" % i for i in (50, 51, 52, 53, 54, 55)]
    c = Case("case-n023", "nccl_collective_hang", "grid-h200-054/gpu5", hosts)
    c.alert("NCCLWatchdogTimeout", "47 ranks of job gemma-ft-27b hit the NCCL watchdog", job="gemma-ft-27b",
            node="grid-h200-050")
    w = []
    for rank in (0, 8, 16, 24, 45):
        w += watchdog(c, rank, -6 + rank * 0.01, 18232, numel=33554432)[:2]
    c.log("job/gemma-ft-27b/stderr", app_noise(c, 4) + w)
    spy = ["Process 771045: /usr/bin/python3 -u train.py --config gemma27b.yaml (rank 37)",
           "Python v3.10.12 (/usr/bin/python3.10)", "",
           "Thread 771045 (idle): \"MainThread\"",
           "    _wait_for_tstate_lock (threading.py:1116)",
           "    join (threading.py:1096)",
           "    flush (metrics/async_writer.py:142)",
           "    on_step_end (callbacks/metrics.py:77)",
           "    train_loop (train.py:402)",
           "Thread 771301 (idle): \"AsyncWriter\"",
           "    wait (threading.py:320)",
           "    put (queue.py:140)",
           "    _emit (metrics/async_writer.py:96)",
           "Thread 771102 (active): \"pt_nccl_watchdog\"",
           "    (no Python frames)"]
    c.log("grid-h200-054/rank37/py-spy-dump", spy)
    r37 = ["[rank37]:[%s ProcessGroupNCCL.cpp:1406] [PG 0 (default_pg) Rank 37] last enqueued NCCL work: 18231, last completed NCCL work: 18231" % c.glog(-4, "W"),
           "[rank37]:[%s ProcessGroupNCCL.cpp:1410] [PG 0 (default_pg) Rank 37] no pending collectives" % c.glog(-4, "W")]
    c.log("grid-h200-054/rank37/stderr", r37 + app_noise(c, 2))
    dcgm(c, "grid-h200-054", util={5: after(-610, 0)}, power={5: after(-610, 118)}, skip=("fb",))
    c.with_topology()
    return c


@case
def n024():
    # 15 of 16 ranks time out in the same all-reduce; rank 14 logs nothing at all. GPU 6 of one node
    # idles at 0% while every waiting GPU spins at 100% in its NCCL kernel. That GPU is healthy and
    # runs NCCL fine in the probes: the rank's process is stuck on the host side.
    hosts = ["hx-amd64-g7", "hx-amd64-g8"]
    c = Case("case-n024", "nccl_collective_hang", "hx-amd64-g8/gpu6", hosts)
    c.alert("NCCLWatchdogTimeout", "15/16 ranks of job ppo-rlhf-8b timed out in ALLREDUCE", job="ppo-rlhf-8b",
            node="hx-amd64-g7")
    w = []
    for rank in (0, 3, 9, 13, 15):
        w += watchdog(c, rank, -4 + rank * 0.02, 5120, numel=8388608, timeout_ms=1800000)[:2]
    hb = ["%s INFO torchelastic: worker group healthy, 16/16 worker pids alive (hx-amd64-g7: 8, hx-amd64-g8: 8)" % c.ymd(t)
          for t in (-1500, -900, -300)]
    c.log("job/ppo-rlhf-8b/stderr", interleave(c.rng, app_noise(c, 6), hb) + w)
    c.log("hx-amd64-g8/journal", kernel_noise(c, "hx-amd64-g8", 8))
    spin = {g: (lambda s, v: v if s < -1800 else 100) for g in range(8)}
    spin[6] = lambda s, v: v if s < -1800 else 0
    dcgm(c, "hx-amd64-g8", util=spin, skip=("fb",))
    dcgm(c, "hx-amd64-g7", util={g: (lambda s, v: v if s < -1800 else 100) for g in range(8)}, skip=("fb",))
    c.health("gpu.health@hx-amd64-g8/gpu6")
    c.inventory("gpu.inventory@hx-amd64-g8/gpu6")
    c.nccl("nccl.allreduce@hx-amd64-g8")
    c.kernel_launch("gpu.kernel_launch@hx-amd64-g8/gpu6")
    c.with_topology()
    return c


# ======================================================================== rank_process_crash
@case
def n025():
    # Rank 3 segfaults inside a compiled extension; its peers on other nodes then log IB
    # retry-exceeded completions and remote errors, which look like a network fault.
    hosts = ["oci-bm-gpu-h200-1177", "oci-bm-gpu-h200-1178"]
    c = Case("case-n025", "rank_process_crash", "oci-bm-gpu-h200-1177/gpu3", hosts)
    c.alert("NCCLError", "job imagen-distill failed: ncclRemoteError on 8 ranks", job="imagen-distill",
            node="oci-bm-gpu-h200-1178")
    pid = 31822
    r3 = app_noise(c, 4) + [
        "Fatal Python error: Segmentation fault",
        "",
        "Thread 0x00007f5c2effd640 (most recent call first):",
        '  File "/usr/lib/python3.10/threading.py", line 324 in wait',
        "Current thread 0x00007f5d8b7fe740 (most recent call first):",
        '  File "/opt/venv/lib/python3.10/site-packages/fused_ops/rotary.py", line 61 in apply_rotary',
        '  File "/workspace/imagen/model/attn.py", line 203 in forward',
        "Extension modules: numpy.core._multiarray_umath, torch._C, fused_ops._C (total: 41)",
    ]
    c.log("oci-bm-gpu-h200-1177/rank3/stderr", r3)
    ef = elastic_failure(c, -40, "oci-bm-gpu-h200-1177", 3, 3, -11, pid=pid, sig="SIGSEGV")
    c.log("oci-bm-gpu-h200-1177/torchrun", ef)
    peers = []
    for rank, gpu in ((8, 0), (11, 3), (12, 4)):
        p = "oci-bm-gpu-h200-1178:%d:%d [%d]" % (40000 + rank, 40300 + rank, gpu)
        peers += ["%s transport/net_ib.cc:1696 NCCL WARN NET/IB : Got completion from peer 10.140.2.77<60321> with status=12 opcode=0 len=0 vendor err 129 (Send) localGid ::ffff:10.140.2.78 remoteGidsfe80::1270:fd03:5e:4a01 hca mlx5_%d" % (p, gpu),
                  "[rank%d]: ncclRemoteError: A call failed possibly due to a network error or a remote process exiting prematurely." % rank]
    c.log("oci-bm-gpu-h200-1178/ranks/stderr", peers + app_noise(c, 2))
    dcgm(c, "oci-bm-gpu-h200-1177", util={3: after(-45, 0)}, fb={3: after(-45, 0)})
    c.with_topology()
    return c


@case
def n026():
    # One rank dies on a Python exception from a malformed sample; the others see the TCP store and
    # NCCL connections close. The loud lines are the peers'.
    hosts = ["n-%d" % i for i in (1407, 1408, 1409)]
    c = Case("case-n026", "rank_process_crash", "n-1408/gpu3", hosts, gpu="NVIDIA H100 80GB HBM3")
    c.alert("TrainingJobFailed", "lightning job vlm-caption-7b failed (exit 1)", job="vlm-caption-7b", node="n-1407")
    r = ["Epoch 2:  41%|████      | 4102/10000 [1:08:21<1:38:17,  1.00it/s, v_num=17, train_loss=1.402]",
        "[rank: 11] Traceback (most recent call last):",
        '[rank: 11]   File "/code/data/collate.py", line 57, in __call__',
        "[rank: 11]     pix = torch.stack([s[\"pixel_values\"] for s in batch])",
        "[rank: 11] KeyError: 'pixel_values'",
        "[rank: 11] Exception raised on rank 11 while processing shard s3://corpus/caps/part-00817.tar",
    ]
    c.log("n-1408/rank11/stderr", app_noise(c, 5) + r)
    peers = []
    for rank in (0, 4, 17):
        peers += ["[rank%d]:[%s ProcessGroupNCCL.cpp:1223] [PG 0 Rank %d] ProcessGroupNCCL's watchdog got stuck for 480 seconds without making progress in monitoring enqueued collectives." % (rank, c.glog(-80 + rank * 0.1, "E"), rank),
                  "[rank%d]: RuntimeError: [../third_party/gloo/gloo/transport/tcp/pair.cc:534] Connection closed by peer [10.3.14.8]:48213" % rank]
    c.log("job/vlm-caption-7b/stderr", app_noise(c, 3) + peers)
    ef = elastic_failure(c, -560, "n-1408", 11, 3, 1, traceback="Traceback : KeyError: 'pixel_values'")
    c.log("n-1408/torchrun", ef)
    c.with_topology()
    return c


# ======================================================================== cuda_oom
@case
def n027():
    # One pipeline stage rank OOMs on a long sequence; the rest of the job then times out.
    hosts = ["mtl-h200-%02d" % i for i in (21, 22, 23, 24)]
    c = Case("case-n027", "cuda_oom", "mtl-h200-23/gpu3", hosts)
    c.alert("NCCLWatchdogTimeout", "job long-ctx-128k: 31 ranks timed out in SEND/RECV", job="long-ctx-128k",
            node="mtl-h200-21")
    w = []
    for rank in (0, 7, 30):
        w += watchdog(c, rank, -3 + rank * 0.01, 772, op="SEND", numel=268435456)[:2]
    it = megatron_iters(c, -1200, 6, 1021, step_s=41.0, loss=1.93, seq=131072)
    c.log("mtl-h200-21/rank0/stderr", insert_at(it, 0.5, app_noise(c, 3)) + w)
    oom = ["[rank19]: Traceback (most recent call last):",
           '[rank19]:   File "/megatron/core/pipeline_parallel/schedules.py", line 268, in forward_step',
           "[rank19]:     output_tensor, loss_func = forward_step_func(data_iterator, model)",
           '[rank19]:   File "/megatron/core/transformer/dot_product_attention.py", line 149, in forward',
           "[rank19]:     attention_scores = torch.baddbmm(",
           "[rank19]: torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 32.00 GiB. GPU 3 has a total capacity of 139.81 GiB of which 11.06 GiB is free. Including non-PyTorch memory, this process has 128.73 GiB memory in use. Of the allocated memory 117.40 GiB is allocated by PyTorch, and 9.85 GiB is reserved by PyTorch but unallocated. If reserved but unallocated memory is large try setting PYTORCH_CUDA_ALLOC_CONF=expandable_segments:True to avoid fragmentation.  See documentation for Memory Management  (https://pytorch.org/docs/stable/notes/cuda.html#environment-variables)"]
    c.log("mtl-h200-23/rank19/stderr", oom)
    dcgm(c, "mtl-h200-23", fb={3: lambda s, v: min(143000, 100000 + (s + 1200) * 40)})
    c.with_topology()
    return c


@case
def n028():
    # JAX job: every host fails at the first step after the sequence length was doubled.
    hosts = ["tpu-free-h100-%d" % i for i in (0, 1, 2, 3)]
    c = Case("case-n028", "cuda_oom", "job", hosts, gpu="NVIDIA H100 80GB HBM3")
    c.alert("JobFailed", "job paxml-lm-16b failed on all 4 hosts within 2 min of start", job="paxml-lm-16b",
            node="tpu-free-h100-0")
    r = ["I%s 140213 train.py:88] config: seq_len=8192 (was 4096), per_device_batch=8, remat=none" % c.glog(-180)[1:],
         "I%s 140213 train.py:131] compiling train step..." % c.glog(-170)[1:],
         "W%s 140213 hlo_rematerialization.cc:3005] Can't reduce memory use below 71.54GiB (76812395520 bytes) by rematerialization; only reduced to 103.22GiB (110831058944 bytes), down from 103.22GiB (110831058944 bytes) originally" % c.glog(-120)[1:],
         "E%s 140213 pjrt_stream_executor_client.cc:2985] Execution of replica 0 failed: RESOURCE_EXHAUSTED: Out of memory while trying to allocate 110831058944 bytes." % c.glog(-95)[1:],
         "jaxlib.xla_extension.XlaRuntimeError: RESOURCE_EXHAUSTED: Out of memory while trying to allocate 110831058944 bytes.",
         "BufferAssignment OOM Debugging.",
         "BufferAssignment stats:",
         "             parameter allocation:    3.91GiB",
         "              constant allocation:         0B",
         "        maybe_live_out allocation:    3.91GiB",
         "     preallocated temp allocation:  103.22GiB"]
    jax_noise = ["I%s 140213 xla_bridge.py:895] Unable to initialize backend 'rocm': module 'jaxlib.xla_extension' has no attribute 'GpuAllocatorConfig'" % c.glog(-200)[1:],
                 "I%s 140213 distributed.py:90] Connecting to JAX distributed service on tpu-free-h100-0:8476" % c.glog(-195)[1:],
                 "I%s 140213 train.py:61] jax.device_count()=32 jax.local_device_count()=8 process_index=0" % c.glog(-190)[1:],
                 "W%s 140213 gpu_helpers.cc:45] XLA_PYTHON_CLIENT_MEM_FRACTION=.95" % c.glog(-189)[1:]]
    r = jax_noise + r
    c.log("tpu-free-h100-0/stderr", r)
    others = ["%s: jaxlib.xla_extension.XlaRuntimeError: RESOURCE_EXHAUSTED: Out of memory while trying to allocate 110831058944 bytes." % h for h in hosts[1:]]
    c.log("job/paxml-lm-16b/summary", others + ["exit codes: 1 1 1 1"])
    c.log("tpu-free-h100-2/journal", kernel_noise(c, "tpu-free-h100-2", 5))
    dcgm(c, "tpu-free-h100-2", util={g: (lambda s, v: v if s > -150 else 0) for g in range(8)}, skip=("fb", "power"))
    c.with_topology()
    return c


# ======================================================================== illegal_memory_access
@case
def n029():
    # A custom attention kernel reads past a buffer on one rank: Xid 31 MMU fault in the kernel log
    # and the CUDA illegal-address error on that rank.
    hosts = ["dc3-gpu-h200-31", "dc3-gpu-h200-32"]
    c = Case("case-n029", "illegal_memory_access", "dc3-gpu-h200-32/gpu2", hosts, pci=PCI_BUS_B)
    c.alert("TrainingJobFailed", "job seqpack-13b exited with code 1", job="seqpack-13b", node="dc3-gpu-h200-31")
    r = ["[rank10]: Traceback (most recent call last):",
         '[rank10]:   File "/src/kernels/varlen_attn.py", line 233, in forward',
         "[rank10]:     out = _varlen_fwd(q, k, v, cu_seqlens, max_seqlen)",
         "[rank10]: RuntimeError: CUDA error: an illegal memory access was encountered",
         "[rank10]: CUDA kernel errors might be asynchronously reported at some other API call, so the stacktrace below might be incorrect.",
         "[rank10]: For debugging consider passing CUDA_LAUNCH_BLOCKING=1"]
    c.log("dc3-gpu-h200-32/rank10/stderr", app_noise(c, 4) + r)
    dm = kernel_noise(c, "dc3-gpu-h200-32", 5, fmt="dmesg") + [
        xid(c, -61, 2, 31, "Ch 00000009, intr 00000000. MMU Fault: ENGINE GRAPHICS GPC5 GPCCLIENT_T1_14 faulted @ 0x7f4e_8a400000. Fault is of type FAULT_PDE ACCESS_TYPE_VIRT_READ", pid=88310, name="python"),
    ]
    c.log("dc3-gpu-h200-32/dmesg", dm)
    w = watchdog(c, 0, -2, 60112)[:2]
    c.log("dc3-gpu-h200-31/rank0/stderr", app_noise(c, 6) + w)
    c.with_topology()
    return c


@case
def n030():
    # "unspecified launch failure" on one rank with Xid 13 — could be the GPU or the code. The
    # health probe is clean (Xid 13 is application-class), GEMM and kernel launch are normal.
    hosts = ["az-nd96-h200-0a", "az-nd96-h200-0b"]
    c = Case("case-n030", "illegal_memory_access", "az-nd96-h200-0b/gpu7", hosts)
    c.alert("TrainingJobFailed", "job triton-moe-kern-bench died after 14 min", job="triton-moe-kern-bench",
            node="az-nd96-h200-0b")
    r = plain_steps(c, -900, 12, 410, step_s=3.4, loss=2.2) + [
        "[rank15]: RuntimeError: CUDA error: unspecified launch failure",
        "[rank15]: CUDA kernel errors might be asynchronously reported at some other API call, so the stacktrace below might be incorrect.",
        "[rank15]: Exception raised from c10_cuda_check_implementation at ../c10/cuda/CUDAException.cpp:43 (most recent call first):",
        "[rank15]: frame #3: _fused_moe_kernel (triton jit, grid=(1536,1,1))"]
    c.log("az-nd96-h200-0b/rank15/stderr", insert_at(r, 0.5, app_noise(c, 3)))
    dm = kernel_noise(c, "az-nd96-h200-0b", 5, fmt="dmesg") + [
        xid(c, -35, 7, 13, "Graphics SM Warp Exception on (GPC 3, TPC 4, SM 1): Out Of Range Address", pid=51291),
        xid(c, -35, 7, 13, "Graphics Exception: ESR 0x51dd30=0xc04000e 0x51dd34=0x0 0x51dd28=0x0 0x51dd2c=0x0", pid=51291),
    ]
    c.log("az-nd96-h200-0b/dmesg", dm)
    c.health("gpu.health@az-nd96-h200-0b/gpu7", xid_last=13)
    c.gemm("gpu.gemm@az-nd96-h200-0b/gpu7")
    c.kernel_launch("gpu.kernel_launch@az-nd96-h200-0b/gpu7")
    c.hbm("gpu.hbm_bandwidth@az-nd96-h200-0b/gpu7")
    c.with_topology()
    return c


# ======================================================================== host_oom
@case
def n031():
    # The kernel OOM killer picks one training process (pinned-memory checkpoint staging); torchrun
    # reports SIGKILL, which reads like a crash; the peers time out.
    hosts = ["bm-gpu-h200-8-%02d" % i for i in (61, 62)]
    c = Case("case-n031", "host_oom", "bm-gpu-h200-8-62", hosts)
    c.alert("TrainingJobFailed", "job dpo-70b-v2: worker on bm-gpu-h200-8-62 exited with signal 9", job="dpo-70b-v2",
            node="bm-gpu-h200-8-62")
    ef = elastic_failure(c, -50, "bm-gpu-h200-8-62", 13, 5, -9, pid=220417, sig="SIGKILL")
    c.log("bm-gpu-h200-8-62/torchrun", app_noise(c, 3) + ef)
    dm = kernel_noise(c, "bm-gpu-h200-8-62", 5, fmt="dmesg") + [
        "%s pt_main_thread invoked oom-killer: gfp_mask=0x140dca(GFP_HIGHUSER_MOVABLE|__GFP_COMP|__GFP_ZERO), order=0, oom_score_adj=0" % c.dmesg(-52),
        "%s Mem-Info:" % c.dmesg(-52),
        "%s active_anon:473011204 inactive_anon:1220341 isolated_anon:0" % c.dmesg(-52),
        "%s Out of memory: Killed process 220417 (pt_main_thread) total-vm:1192233412kB, anon-rss:231441020kB, file-rss:512304kB, shmem-rss:40960kB, UID:1000 pgtables:462100kB oom_score_adj:0" % c.dmesg(-51),
        "%s oom_reaper: reaped process 220417 (pt_main_thread), now anon-rss:0kB, file-rss:0kB, shmem-rss:40960kB" % c.dmesg(-50),
    ]
    c.log("bm-gpu-h200-8-62/dmesg", dm)
    w = watchdog(c, 0, -2, 23390)[:3]
    c.log("bm-gpu-h200-8-61/rank0/stderr", app_noise(c, 3) + w)
    for h in hosts:
        c.node_metric("node_memory_MemAvailable_bytes", {"instance": h},
                      (lambda s: max(1.2e9, 1.6e12 - (s + 1200) * 1.4e9)) if h.endswith("62") else (lambda s: 1.31e12 + c.rng.uniform(-1e10, 1e10)), decimals=0)
    c.with_topology()
    return c


@case
def n032():
    # Kubernetes: the container's memory cgroup limit is hit by DataLoader workers; the pod is
    # OOMKilled. No CUDA error anywhere.
    hosts = ["gke-a3-pool-7d1a", "gke-a3-pool-7d1b"]
    c = Case("case-n032", "host_oom", "gke-a3-pool-7d1b", hosts)
    c.alert("PodOOMKilled", "pod sd3-finetune-worker-1 OOMKilled (exit 137)", pod="sd3-finetune-worker-1",
            namespace="genai", node="gke-a3-pool-7d1b")
    ev = ["%s Warning  OOMKilling  node/gke-a3-pool-7d1b  Memory cgroup out of memory: Killed process 918821 (pt_data_worker) total-vm:38114020kB, anon-rss:30911844kB, file-rss:6204kB, shmem-rss:2097152kB, UID:0 pgtables:61020kB oom_score_adj:-997" % c.iso(-20),
          "%s Normal   Killing     pod/sd3-finetune-worker-1  Stopping container trainer" % c.iso(-15),
          "%s Warning  BackOff     pod/sd3-finetune-worker-1  Back-off restarting failed container trainer in pod sd3-finetune-worker-1_genai" % c.iso(-5),
          "%s Normal   Pulled      pod/sd3-finetune-worker-1  Container image \"us-docker.pkg.dev/x/sd3:2.4\" already present on machine" % c.iso(-4)]
    c.log("scheduler/events", ev)
    r = fsdp_steps(c, -900, 10, 7730, step_s=2.2, rank=8) + [
        "[rank8]: RuntimeError: DataLoader worker (pid 918821) is killed by signal: Killed. ",
        "[rank8]: ERROR: Unexpected bus error encountered in worker. This might be caused by insufficient shared memory (shm).",
        "containers[trainer].state: terminated, reason: OOMKilled, exitCode: 137, resources.limits.memory: 600Gi"]
    c.log("gke-a3-pool-7d1b/pod/sd3-finetune-worker-1", insert_at(r, 0.4, app_noise(c, 4)))
    c.node_metric("container_memory_working_set_bytes", {"node": "gke-a3-pool-7d1b", "pod": "sd3-finetune-worker-1", "container": "trainer"},
                  lambda s: min(6.44e11, 3.9e11 + (s + 1200) * 2.3e8) if s < -10 else 1.1e9, decimals=0)
    c.node_metric("container_memory_working_set_bytes", {"node": "gke-a3-pool-7d1a", "pod": "sd3-finetune-worker-0", "container": "trainer"},
                  lambda s: 3.8e11 + c.rng.uniform(-5e9, 5e9), decimals=0)
    c.with_topology()
    return c


# ======================================================================== loss_divergence
@case
def n033():
    # Megatron: grad norm climbs for ~40 iterations, then loss NaN on every rank. A NaN could be a
    # bad GPU; the SDC vote and health pass on both nodes.
    hosts = ["hopper-q-%02d" % i for i in (5, 6)]
    c = Case("case-n033", "loss_divergence", "job", hosts)
    c.alert("TrainingLossNaN", "job nemotron-mini-4b: lm loss NaN", job="nemotron-mini-4b", node="hopper-q-05")
    gn = lambda i: 0.31 * (1.0 if i < 6 else 1.55 ** (i - 5)) if i < 17 else float("nan")
    lo = lambda i: (2.11 + (0 if i < 10 else 0.35 * (i - 9))) if i < 17 else float("nan")
    r = megatron_iters(c, -1000, 20, 15090, step_s=1.9, loss=2.11, grad_fn=gn, loss_fn=lo,
                       nan_fn=lambda i: max(0, i - 16))
    r = insert_at(r, 0.25, app_noise(c, 4))
    c.log("hopper-q-05/rank0/stdout", r)
    c.log("hopper-q-06/journal", kernel_noise(c, "hopper-q-06", 7))
    for h in hosts:
        c.sdc("gpu.sdc@" + h)
        c.health("gpu.health@%s/gpu0" % h)
    c.with_topology()
    return c


@case
def n034():
    # bf16 run: loss jumps from 2.0 to 7+ after a learning-rate schedule change and stays there.
    # A harmless correctable-ECC tick on one GPU sits in the metrics.
    hosts = ["tt-h200-101", "tt-h200-102", "tt-h200-103"]
    c = Case("case-n034", "loss_divergence", "job", hosts)
    c.alert("LossSpike", "job titan-llama3-8b loss 3.6x above trend for 10 min", job="titan-llama3-8b", node="tt-h200-101")
    lo = lambda i: 2.01 + c.rng.uniform(-0.02, 0.02) if i < 8 else 7.2 + c.rng.uniform(-0.4, 0.4)
    r = ["[rank0]:[titan] %s - root - INFO - lr scheduler: warmup_steps=200 (was 2000), lr=3e-3 (was 3e-4)" % c.ymd_ms(-1700)]
    r += fsdp_steps(c, -1300, 22, 4800, step_s=2.4, loss_fn=lo)
    r = insert_at(r, 0.6, ["[rank0]:[titan] %s - root - WARNING - grad norm 184.2 exceeds clip 1.0 (clipped)" % c.ymd_ms(-1000)])
    c.log("tt-h200-101/rank0/stdout", insert_at(r, 0.3, app_noise(c, 4)))
    c.gpu_metric("DCGM_FI_DEV_ECC_SBE_VOL_TOTAL", "tt-h200-102", 0, 0, {5: after(-700, 2)}, decimals=0)
    dcgm(c, "tt-h200-102", skip=("fb",))
    c.with_topology()
    return c


# ======================================================================== fp16_loss_scale_collapse
@case
def n035():
    # DeepSpeed fp16: overflow after overflow halves the scale down to the floor and the run exits.
    hosts = ["dgx-h100-s3-%02d" % i for i in (3, 4)]
    c = Case("case-n035", "fp16_loss_scale_collapse", "job", hosts, gpu="NVIDIA H100 80GB HBM3")
    c.alert("TrainingJobFailed", "job bert-xl-fp16-ft exited 1", job="bert-xl-fp16-ft", node="dgx-h100-s3-03")
    r = deepspeed_steps(c, -1200, 8, 22010, step_s=0.8)
    scale = 65536
    t = -600
    while scale > 1:
        r.append("[%s] [INFO] [loss_scaler.py:183:update_scale] [deepspeed] OVERFLOW! Rank 0 Skipping step. Attempted loss scale: %d, reducing to %d" % (
            c.ymd_ms(t), scale, scale // 2))
        scale //= 2
        t += 30
    r.append("[%s] [INFO] [loss_scaler.py:190:update_scale] [deepspeed] OVERFLOW! Rank 0 Skipping step. Attempted loss scale: 1, but hysteresis is 2. Reducing hysteresis to 1" % c.ymd_ms(t))
    r += ["Traceback (most recent call last):",
          '  File "/opt/deepspeed/runtime/fp16/loss_scaler.py", line 175, in update_scale',
          '    raise Exception("Current loss scale already at minimum - cannot decrease scale anymore. Exiting run.")',
          "Exception: Current loss scale already at minimum - cannot decrease scale anymore. Exiting run."]
    c.log("dgx-h100-s3-03/rank0/stderr", insert_at(r, 0.3, app_noise(c, 3)))
    c.with_topology()
    return c


@case
def n036():
    # fairseq fp16: the alert is a throughput drop (most updates are skipped); the log shows the
    # scale falling to the minimum.
    hosts = ["mt-gpu-%d" % i for i in (11, 12)]
    c = Case("case-n036", "fp16_loss_scale_collapse", "job", hosts)
    c.alert("ThroughputDrop", "job nllb-moe-distill wps dropped to 0 for 12 min", job="nllb-moe-distill", node="mt-gpu-11")
    r = []
    sc = 128.0
    t = -1150
    for k in range(14):
        r.append("%s | INFO | train_inner | epoch 004:   %d / 9150 loss=%.3f, nll_loss=%.2f, ppl=6.11, wps=%d, ups=%.2f, wpb=131072, bsz=4096, num_updates=%d, lr=0.0005, gnorm=%.3f, loss_scale=%s, train_wall=%d, gb_free=%.1f, wall=%d" % (
            c.ymd(t), 3100 + 100 * k, 4.212 - 0.004 * min(k, 5) + 0.01 * (k % 3), 2.61 - 0.003 * min(k, 5), 512000 if k < 5 else 0, 3.91 if k < 5 else 0.0, 31400 + 100 * min(k, 5), 0.71 if k < 5 else float("inf"), ("%g" % sc), 26, 48.1, 80000 + 26 * k))
        if k >= 5:
            for _ in range(2):
                sc /= 2
                r.append("%s | WARNING | fairseq.trainer | NOTE: gradient overflow detected, ignoring gradient, setting loss scale to: %g" % (c.ymd(t + 20), sc))
        t += 70
    r.append("%s | ERROR | fairseq.trainer | FloatingPointError: Minimum loss scale reached (0.0001). Your loss is probably exploding. Try lowering the learning rate, using gradient clipping or increasing the batch size." % c.ymd(t))
    c.log("mt-gpu-11/train.log", insert_at(r, 0.2, app_noise(c, 4)))
    dcgm(c, "mt-gpu-12", skip=("fb",))
    c.with_topology()
    return c


# ======================================================================== fp8_scaling_overflow
@case
def n037():
    # Transformer Engine delayed scaling: an in-house FP8 monitor shows amax going to inf in one layer
    # and the scale collapsing to 0, then the loss is NaN (the alert).
    hosts = ["fp-h200-%02d" % i for i in (40, 41, 42, 43)]
    c = Case("case-n037", "fp8_scaling_overflow", "job", hosts)
    c.alert("TrainingLossNaN", "job mixtral-fp8-pt: loss NaN since iteration 30514", job="mixtral-fp8-pt", node="fp-h200-40")
    it = megatron_iters(c, -900, 14, 30501, step_s=5.1, loss=1.88,
                        loss_fn=lambda i: 1.88 + c.rng.uniform(-0.02, 0.02) if i < 13 else float("nan"),
                        nan_fn=lambda i: 1 if i >= 13 else 0)
    mon = ["[%s] fp8-mon: iter 30511 decoder.layers.23.mlp.linear_fc2 fwd_x amax=4.41e+02 scale=1.016e+00 sat=0.00%%" % c.ymd(-850 + 11 * 5.1),
           "[%s] fp8-mon: iter 30512 decoder.layers.23.mlp.linear_fc2 fwd_x amax=9.87e+04 scale=1.016e+00 sat=3.71%%" % c.ymd(-850 + 12 * 5.1),
           "[%s] fp8-mon: iter 30513 decoder.layers.23.mlp.linear_fc2 fwd_x amax=inf scale=0.000e+00 scale_inv=inf sat=100.00%%" % c.ymd(-850 + 13 * 5.1),
           "[%s] fp8-mon: WARNING non-finite amax in 3 tensors (e4m3 fwd), delayed scaling history len 1024" % c.ymd(-850 + 13 * 5.2)]
    r = insert_at(it, 0.3, app_noise(c, 4))
    r = r[:-1] + mon + r[-1:]
    c.log("fp-h200-40/rank0/stdout", r)
    c.log("fp-h200-41/journal", kernel_noise(c, "fp-h200-41", 6))
    c.with_topology()
    return c


@case
def n038():
    # E4M3 saturation creeps up in the attention projections and the scale factors shrink toward 0;
    # the loss spikes (the alert) without NaN. No hardware signal.
    hosts = ["b-h100-%03d" % i for i in (210, 211)]
    c = Case("case-n038", "fp8_scaling_overflow", "job", hosts, gpu="NVIDIA H100 80GB HBM3")
    c.alert("LossSpike", "job dense-22b-fp8: loss +68% over 1h trend", job="dense-22b-fp8", node="b-h100-210")
    lines = []
    t = -1150
    for k in range(12):
        sat = 0.02 * (1.9 ** k)
        scale = 0.84 / (1.6 ** k)
        lines.append("%s | INFO | te_stats | step %d layers.30.self_attention.linear_qkv input e4m3 saturated=%.2f%% scale=%.3e amax_hist_max=%.1f" % (
            c.ymd(t), 90410 + 50 * k, sat, scale, 448.0 / scale))
        lines.append("%s | INFO | train | step %d loss %.4f grad_norm %.3f" % (c.ymd(t + 1), 90410 + 50 * k, 1.71 + (0 if k < 6 else 0.18 * (k - 5)), 0.42 + 0.05 * k))
        t += 95
    lines.append("%s | WARNING | te_stats | 17 GEMM inputs above 5%% e4m3 saturation; recipe: DelayedScaling(margin=0, fp8_format=HYBRID, amax_history_len=16, amax_compute_algo=most_recent)" % c.ymd(t))
    c.log("b-h100-210/rank0/train.log", insert_at(lines, 0.5, app_noise(c, 3)))
    dcgm(c, "b-h100-211", skip=("fb",))
    c.with_topology()
    return c


# ======================================================================== moe_expert_imbalance
@case
def n039():
    # Megatron MoE: router statistics show two experts taking most tokens, capacity drops, all-to-all
    # time balloons.
    hosts = ["moe-h200-%02d" % i for i in range(1, 5)]
    c = Case("case-n039", "moe_expert_imbalance", "job", hosts)
    c.alert("StepTimeRegression", "job dsmoe-64e step time 2.3x baseline", job="dsmoe-64e", node="moe-h200-01")
    it = megatron_iters(c, -1000, 14, 6601, step_s=3.0,
                        step_fn=lambda i: 3.0 * (1.0 if i < 4 else 2.3) * c.rng.uniform(0.98, 1.02))
    st = []
    for k, t in enumerate((-1100, -800, -500, -200)):
        st.append("[%s] moe-router: layer 12 expert load (tokens %%): e7=%.1f e41=%.1f median=%.2f | dropped=%.1f%% | aux_loss=%.4f | z_loss=%.4f" % (
            c.ymd(t), 3 + 14 * k, 2 + 11 * k, 1.5 - 0.3 * k, 0.2 + 9.8 * k, 0.0102 - 0.0031 * k, 0.0011))
    st.append("[%s] timers: all-to-all-dispatch 1211.8 ms (was 219.0) | all-to-all-combine 1190.4 ms | expert-fwd max/min 14.2" % c.ymd(-150))
    c.log("moe-h200-01/rank0/stdout", interleave(c.rng, it, st, app_noise(c, 3)))
    dcgm(c, "moe-h200-03", util={g: (lambda s, v, g=g: v if s < -990 else (96 if g in (3, 5) else 48)) for g in range(8)}, skip=("fb",))
    c.with_topology()
    return c


@case
def n040():
    # Looks like two stragglers: ranks 13 and 29 wait the least and everyone waits for them in the
    # all-to-all. They host the experts that receive most tokens. Probes clear the GPUs and the network.
    hosts = ["ep-node-%d" % i for i in (71, 72, 73, 74)]
    c = Case("case-n040", "moe_expert_imbalance", "job", hosts)
    c.alert("StragglerDetected", "ranks 13, 29 slowest in 95% of steps (job qwen-moe-a3b-ft)", job="qwen-moe-a3b-ft",
            node="ep-node-72")
    r = fsdp_steps(c, -1200, 14, 1410, step_s=2.2,
                   step_fn=lambda i: 2.2 * (1.0 if i < 3 else 1.9) * c.rng.uniform(0.98, 1.02))
    r += ["[rank0]:[titan] %s - root - INFO - ep timing: a2a wait p50 by rank: r13=0.02s r29=0.03s others=0.81s; expert compute max/median 8.7" % c.ymd_ms(-60),
          "[rank0]:[titan] %s - root - INFO - ep tokens received (last 50 steps, millions): r13=41.2 r29=37.9 median=4.6" % c.ymd_ms(-59),
          "[rank0]:[titan] %s - root - INFO - config: router=topk(8), capacity_factor=None (dropless), load_balance_coeff=0.0" % c.ymd_ms(-1400)]
    c.log("ep-node-71/rank0/stdout", insert_at(r, 0.4, app_noise(c, 4)))
    dcgm(c, "ep-node-72", util={g: (lambda s, v, g=g: 99 if g == 5 else 41 + c.rng.uniform(-4, 4)) for g in range(8)}, skip=("fb",))
    c.health("gpu.health@ep-node-72/gpu5")
    c.gemm("gpu.gemm@ep-node-72/gpu5")
    c.health("gpu.health@ep-node-74/gpu5")
    c.nccl("nccl.alltoall@job")
    c.with_topology()
    return c


# ======================================================================== straggler_rank
@case
def n041():
    # A leftover process from a previous job still runs on GPU 4 of one node: that rank is the slowest
    # every step. No throttling, healthy counters; the GEMM probe is half speed because the GPU is shared.
    hosts = ["h200-pod3-%02d" % i for i in (17, 18, 19)]
    c = Case("case-n041", "straggler_rank", "h200-pod3-18/gpu4", hosts)
    c.alert("StragglerDetected", "rank 12 of job embed-retrieval-v3 1.8x slower than median", job="embed-retrieval-v3",
            node="h200-pod3-18")
    r = fsdp_steps(c, -1200, 16, 910, step_s=1.3, step_fn=lambda i: 1.3 * 1.8 * c.rng.uniform(0.99, 1.01))
    r += ["[rank0]:[titan] %s - root - WARNING - slowest rank 12 (h200-pod3-18) fwd+bwd 2.21s, median 1.19s" % c.ymd_ms(-40)]
    c.log("h200-pod3-17/rank0/stdout", insert_at(r, 0.5, app_noise(c, 4)))
    c.log("h200-pod3-18/journal", kernel_noise(c, "h200-pod3-18", 6) + [
        "%s h200-pod3-18 slurmd[2871]: error: *** STEP 771203.0 ON h200-pod3-18 CANCELLED AT %s DUE TO TIME LIMIT ***" % (c.syslog(-3000), c.iso(-3000)[:-1]),
        "%s h200-pod3-18 slurmstepd[61201]: error: Failed to kill step 771203.0 processes: 1 process(es) in D or unkillable state" % c.syslog(-2990)])
    dcgm(c, "h200-pod3-18", fb={4: lambda s, v: 131500 + c.rng.uniform(-200, 200)}, power={4: lambda s, v: 690 + c.rng.uniform(-6, 4)})
    c.health("gpu.health@h200-pod3-18/gpu4", power_w=688)
    c.gemm("gpu.gemm@h200-pod3-18/gpu4", tflops=371.4)
    c.gemm("gpu.gemm@h200-pod3-18/gpu1")
    c.pcie("gpu.pcie_bandwidth@h200-pod3-18/gpu4")
    c.with_topology()
    return c


@case
def n042():
    # All eight ranks of one node are ~30% slow. A nightly backup agent pins every CPU core of that
    # node (the data loader and kernel launches starve); the GPUs themselves benchmark normally.
    hosts = ["hz-%03d" % i for i in (102, 103, 104, 105)]
    c = Case("case-n042", "straggler_rank", "hz-104", hosts)
    c.alert("StragglerDetected", "8 ranks on hz-104 relative performance 0.69 (job nemo-gpt-20b)", job="nemo-gpt-20b",
            node="hz-104")
    st = ["[NeMo W %s straggler_det:230] Stragglers detected: ranks 16-23 on hz-104 (relative GPU perf 0.98, relative section perf 0.69)" % c.ymd(t)
          for t in (-700, -400, -100)]
    c.log("hz-102/rank0/nemo_log", interleave(c.rng, plain_steps(c, -1200, 14, 5020, step_s=3.9), st, app_noise(c, 3)))
    c.log("hz-104/journal", kernel_noise(c, "hz-104", 5) + [
        "%s hz-104 systemd[1]: Started Nightly backup of /home to object storage (restic)." % c.syslog(-1000),
        "%s hz-104 restic[991203]: scanned 18.2M files, 41 TiB, using 192 threads" % c.syslog(-700)])
    for h in ("hz-104", "hz-103"):
        c.node_metric("node_load1", {"instance": h}, (lambda s: 61 if s < -1000 else 388 + c.rng.uniform(-10, 10)) if h == "hz-104" else (lambda s: 60 + c.rng.uniform(-3, 3)))
    dcgm(c, "hz-104", util={g: after(-1000, lambda s: 68 + c.rng.uniform(-5, 5)) for g in range(8)}, skip=("fb",))
    c.gemm("gpu.gemm@hz-104/gpu2")
    c.kernel_launch("gpu.kernel_launch@hz-104/gpu2", us=17.8)
    c.with_topology()
    return c


# ======================================================================== dataloader_stall
@case
def n043():
    # ImageNet-style job: the per-iteration data time is most of the batch time after the worker
    # count was cut; GPU utilisation saws between 0 and 100.
    hosts = ["cv-train-%02d" % i for i in (7,)]
    c = Case("case-n043", "dataloader_stall", "job", hosts)
    c.alert("GPUUtilizationLow", "job vit-h14-in22k mean GPU util 31% for 20 min", job="vit-h14-in22k", node="cv-train-07")
    r = ["%s INFO main: config num_workers=2 (was 12) pin_memory=True prefetch_factor=2" % c.ymd(-1500)]
    t = -1200
    for k in range(18):
        d = 1.62 + c.rng.uniform(-0.1, 0.1)
        r.append("%s INFO Epoch: [12][%4d/5005]  Time %.3f (%.3f)  Data %.3f (%.3f)  Loss 2.1%02de+00 (2.13e+00)  Acc@1  61.72 ( 60.98)" % (
            c.ymd(t), 200 + 20 * k, d + 0.28, 1.89, d, 1.63, k))
        t += 38
    c.log("cv-train-07/stdout", insert_at(r, 0.5, app_noise(c, 4)))
    dcgm(c, "cv-train-07", util={g: (lambda s, v: 100 if int(s / 30) % 3 == 0 else 4) for g in range(8)}, skip=("fb",))
    c.node_metric("node_cpu_busy_ratio", {"instance": "cv-train-07"}, lambda s: 0.09 + c.rng.uniform(-0.01, 0.01))
    c.with_topology()
    return c


@case
def n044():
    # Job-wide 3x slowdown after a heavier augmentation pipeline was enabled: host CPUs saturated on
    # every node, GPUs mostly idle, no error. It could be the network or storage; the probes show
    # the collectives and GPUs at speed and storage throughput is unchanged.
    hosts = ["video-h200-%d" % i for i in (31, 32, 33)]
    c = Case("case-n044", "dataloader_stall", "job", hosts)
    c.alert("ThroughputDrop", "job video-dit-3b samples/s down 67% since restart", job="video-dit-3b", node="video-h200-31")
    r = ["%s | INFO | train | config diff vs previous run: data.augment += [RandomResizedCrop3D, TemporalJitter, decode_res=1080p]" % c.ymd(-1400)]
    r += plain_steps(c, -1200, 18, 801, step_s=5.6, loss=0.077)
    c.log("video-h200-31/rank0/stdout", insert_at(r, 0.5, app_noise(c, 4)))
    for h in hosts:
        c.node_metric("node_cpu_busy_ratio", {"instance": h}, lambda s: 0.99 - c.rng.uniform(0, 0.01))
    c.node_metric("lustre_read_bytes_per_second", {"fs": "vidfs", "client": "video-h200-32"}, lambda s: 2.1e9 + c.rng.uniform(-2e8, 2e8), decimals=0)
    dcgm(c, "video-h200-32", util={g: (lambda s, v: 33 + c.rng.uniform(-10, 10)) for g in range(8)}, skip=("fb",))
    c.nccl("nccl.allreduce@job")
    c.nccl("nccl.allreduce@video-h200-32")
    c.gemm("gpu.gemm@video-h200-32/gpu0")
    c.pcie("gpu.pcie_bandwidth@video-h200-32/gpu0")
    c.with_topology()
    return c


# ======================================================================== storage_failure
@case
def n045():
    # The checkpoint write fails with ENOSPC on the shared Lustre file system (one OST full).
    hosts = ["lus-gpu-%02d" % i for i in (1, 2, 3, 4)]
    c = Case("case-n045", "storage_failure", "job", hosts)
    c.alert("CheckpointFailed", "job llama-65b-cont failed while saving iter_0042000", job="llama-65b-cont", node="lus-gpu-01")
    it = megatron_iters(c, -900, 8, 41992, step_s=11.0)
    r = it + [" [%s] saving checkpoint at iteration   42000 to /lustre/ckpt/llama-65b-cont in torch_dist format" % c.ymd(-60),
              "[rank3]: Traceback (most recent call last):",
              '[rank3]:   File "/megatron/core/dist_checkpointing/strategies/filesystem_async.py", line 212, in write_preloaded_data',
              "[rank3]: OSError: [Errno 28] No space left on device: '/lustre/ckpt/llama-65b-cont/iter_0042000/__3_0.distcp'"]
    c.log("lus-gpu-01/rank0/stderr", insert_at(r, 0.3, app_noise(c, 4)))
    j = kernel_noise(c, "lus-gpu-02", 5) + [
        "%s lus-gpu-02 kernel: LustreError: 11-0: lus1-OST0013-osc-ffff9b0e4a1c2000: operation ost_write to node 10.9.0.23@o2ib failed: rc = -28" % c.syslog(-55),
        "%s lus-gpu-02 kernel: LustreError: 3211:0:(osc_request.c:1870:osc_brw_fini_request()) lus1-OST0013-osc-ffff9b0e4a1c2000: ENOSPC on write" % c.syslog(-55)]
    c.log("lus-gpu-02/journal", j)
    c.node_metric("lustre_ost_free_bytes", {"fs": "lus1", "ost": "OST0013"}, lambda s: max(0, 3.1e12 - (s + 1200) * 2.6e9), decimals=0)
    c.with_topology()
    return c


@case
def n046():
    # The local NVMe that caches the training shards fails on one node; its ranks block in read, the
    # rest of the job hits the NCCL watchdog (the loud part).
    hosts = ["nv-h100-%02d" % i for i in (44, 45, 46)]
    c = Case("case-n046", "storage_failure", "nv-h100-45", hosts, gpu="NVIDIA H100 80GB HBM3")
    c.alert("NCCLWatchdogTimeout", "job whisper-xl-cpt: 16 ranks timed out in ALLREDUCE", job="whisper-xl-cpt", node="nv-h100-44")
    w = []
    for rank in (0, 3, 17, 22):
        w += watchdog(c, rank, -5 + rank * 0.01, 48819)[:2]
    c.log("job/whisper-xl-cpt/stderr", app_noise(c, 4) + w)
    dm = kernel_noise(c, "nv-h100-45", 4, fmt="dmesg") + [
        "%s nvme nvme1: I/O 402 QID 17 timeout, aborting" % c.dmesg(-640),
        "%s nvme nvme1: I/O 403 QID 17 timeout, aborting" % c.dmesg(-640.1),
        "%s nvme nvme1: Abort status: 0x371" % c.dmesg(-610),
        "%s nvme nvme1: I/O 402 QID 17 timeout, reset controller" % c.dmesg(-580),
        "%s nvme nvme1: Device not ready; aborting reset, CSTS=0x1" % c.dmesg(-560),
        "%s blk_update_request: I/O error, dev nvme1n1, sector 771203072 op 0x0:(READ) flags 0x80700 phys_seg 32 prio class 0" % c.dmesg(-559),
        "%s EXT4-fs error (device nvme1n1): ext4_find_entry:1455: inode #2: comm pt_data_worker: reading directory lblock 0" % c.dmesg(-558),
        "%s EXT4-fs (nvme1n1): Remounting filesystem read-only" % c.dmesg(-558),
        "%s INFO: task pt_data_worker:93011 blocked for more than 122 seconds." % c.dmesg(-430),
    ]
    c.log("nv-h100-45/dmesg", dm)
    c.node_metric("node_disk_io_time_seconds_total", {"instance": "nv-h100-45", "device": "nvme1n1"},
                  lambda s: 1.0e5 + (s + 1200) * (0.4 if s < -640 else 1.0), decimals=1)
    dcgm(c, "nv-h100-45", util={g: after(-640, 0) for g in range(8)}, skip=("fb",))
    dcgm(c, "nv-h100-44", util={g: after(-640, 100) for g in range(8)}, skip=("fb", "power"))
    c.with_topology()
    return c


# ======================================================================== launch_config_error
@case
def n047():
    # The job was submitted with 3 nodes while the parallel layout needs a multiple of 16 GPUs.
    hosts = ["sl-h200-%03d" % i for i in (301, 302, 303)]
    c = Case("case-n047", "launch_config_error", "job", hosts)
    c.alert("JobFailed", "job gpt-moe-175b-tp8pp2 failed in 40 s on all ranks", job="gpt-moe-175b-tp8pp2", node="sl-h200-301")
    r = ["%s srun: job 3301928 queued and waiting for resources" % c.ymd(-160),
         "%s srun: job 3301928 has been allocated resources" % c.ymd(-120),
         "using world size: 24, data-parallel size: 1, context-parallel size: 1, tensor-model-parallel size: 8, pipeline-model-parallel size: 2",
         "Traceback (most recent call last):",
         '  File "/workspace/Megatron-LM/pretrain_gpt.py", line 241, in <module>',
         "    pretrain(",
         '  File "/workspace/Megatron-LM/megatron/training/initialize.py", line 61, in initialize_megatron',
         "AssertionError: world size (24) is not divisible by tensor model parallel size (8) times pipeline model parallel size (2)",
         "srun: error: sl-h200-302: tasks 8-15: Exited with exit code 1",
         "srun: error: sl-h200-303: tasks 16-23: Exited with exit code 1",
         "srun: error: sl-h200-301: tasks 0-7: Exited with exit code 1"]
    c.log("sl-h200-301/slurm-3301928.out", app_noise(c, 5) + r + app_noise(c, 3))
    c.log("sl-h200-302/journal", kernel_noise(c, "sl-h200-302", 6))
    c.with_topology()
    return c


@case
def n048():
    # Every node's local ranks 4-7 fail with "invalid device ordinal": it looks like lost GPUs, but the
    # container runtime exposes only 4 GPUs (CUDA_VISIBLE_DEVICES) while torchrun starts 8 per node.
    # The inventory probe sees all 8 GPUs of the node.
    hosts = ["kf-h200-%s" % x for x in ("a", "b", "c")]
    c = Case("case-n048", "launch_config_error", "job", hosts)
    c.alert("JobFailed", "job sft-mistral-large: 12 of 24 ranks failed at startup", job="sft-mistral-large", node="kf-h200-a")
    r = ["%s INFO launch: torchrun --nnodes=3 --nproc-per-node=8 --rdzv-backend=c10d --rdzv-endpoint=kf-h200-a:29400 sft.py" % c.ymd(-100),
         "%s INFO launch: env CUDA_VISIBLE_DEVICES=0,1,2,3 NVIDIA_VISIBLE_DEVICES=0,1,2,3 (resources.limits nvidia.com/gpu: 4)" % c.ymd(-99)]
    for h, base in (("kf-h200-a", 0), ("kf-h200-b", 8), ("kf-h200-c", 16)):
        for lr in (4, 6):
            r += ["[rank%d]: Traceback (most recent call last):" % (base + lr),
                  '[rank%d]:   File "/app/sft.py", line 34, in <module>' % (base + lr),
                  "[rank%d]:     torch.cuda.set_device(local_rank)" % (base + lr),
                  "[rank%d]: RuntimeError: CUDA error: invalid device ordinal" % (base + lr)]
    r += elastic_failure(c, -60, "kf-h200-b", 12, 4, 1)
    c.log("kf-h200-a/pod/sft-mistral-large-master-0", app_noise(c, 3) + r)
    c.inventory("gpu.inventory@kf-h200-b/gpu4")
    c.health("gpu.health@kf-h200-b/gpu4")
    c.inventory("gpu.inventory@kf-h200-c/gpu6")
    c.with_topology()
    return c



# ======================================================================== second pass: harder variants
@case
def n049():
    # 4-GPU HGX nodes. One node's GPUs run ~25% slower; its exporter ships only utilisation and
    # clocks (no power or temperature). A rack power-capping policy lowered the GPU power limit;
    # only the health probe shows it (SW power cap bit, limit far below default, cool GPUs).
    hosts = ["hgx4-r%02d" % i for i in (14, 15, 16, 17)]
    c = Case("case-n049", "gpu_power_throttle", "hgx4-r16", hosts, gpus=4, pci=PCI_BUS_A[:4])
    c.alert("StepTimeRegression", "job asr-rnnt-2b step time +27% since 14:05", job="asr-rnnt-2b", node="hgx4-r14")
    r = deepspeed_steps(c, -1007, 14, 61001, step_s=1.7,
                        step_fn=lambda i: 1.7 * (1.0 if i < 4 else 1.27) * c.rng.uniform(0.99, 1.01))
    c.log("hgx4-r14/rank0/stdout", insert_at(r, 0.5, app_noise(c, 4)))
    c.log("hgx4-r16/journal", kernel_noise(c, "hgx4-r16", 8))
    low = {g: (lambda s, v: v if s < -1000 else 1485 + c.rng.uniform(-35, 35)) for g in range(4)}
    dcgm(c, "hgx4-r16", clock=low, skip=("fb", "power", "temp"))
    dcgm(c, "hgx4-r15", skip=("fb", "power", "temp"))
    for g in (0, 2):
        c.health("gpu.health@hgx4-r16/gpu%d" % g, power_limit_w=450, power_w=446, sm_clock_mhz=1490,
                 temperature_c=52, clock_event_reasons=CLK_SW_POWER_CAP)
    c.gemm("gpu.gemm@hgx4-r16/gpu0", tflops=566.0)
    c.health("gpu.health@hgx4-r15/gpu0")
    c.with_topology()
    return c


@case
def n050():
    # NVLink training failure after a reboot, reported by the fabric manager and NVSwitch SXids. The
    # health probe errors (DCGM host engine down) and there is no p2p probe: the logs must decide.
    hosts = ["nvs-h200-%02d" % i for i in (8, 9)]
    c = Case("case-n050", "nvlink_error", "nvs-h200-09/gpu4", hosts)
    c.alert("NCCLError", "job sglang-eval-405b: NCCL init failed on nvs-h200-09", job="sglang-eval-405b", node="nvs-h200-09")
    j = kernel_noise(c, "nvs-h200-09", 6) + [
        "%s nvs-h200-09 nv-fabricmanager[3102]: detected NVSwitch non-fatal error 12028 on fid 0 on NVSwitch pci bus id 00000000:07:00.0 physical id 1 port 34" % c.syslog(-400),
        "%s nvs-h200-09 nv-fabricmanager[3102]: NVLink training failed for GPU physical id 4 pci bus id 00000000:9a:00.0 link 6, link state Fault" % c.syslog(-398),
        "%s nvs-h200-09 nv-fabricmanager[3102]: GPU 00000000:9a:00.0 has 2 NVLinks in fault state; partition activation will degrade" % c.syslog(-397),
        "%s nvs-h200-09 kernel: nvidia-nvswitch1: SXid (PCI:0000:07:00.0): 12028, Non-fatal, Link 34 egress non-posted PRIV error (First)" % c.syslog(-400),
        "%s nvs-h200-09 systemd[1]: nvidia-dcgm.service: Main process exited, code=exited, status=1/FAILURE" % c.syslog(-350),
    ]
    c.log("nvs-h200-09/journal", j)
    r = nccl_init(c, "nvs-h200-09", 12, 4, 16, pid=7781)[:8] + [
        "nvs-h200-09:7781:7901 [4] transport/p2p.cc:275 NCCL WARN Cuda failure 'peer access is not supported between these two devices'",
        "nvs-h200-09:7781:7901 [4] NCCL INFO transport/p2p.cc:451 -> 1",
        "[rank12]: torch.distributed.DistBackendError: NCCL error in: ../torch/csrc/distributed/c10d/ProcessGroupNCCL.cpp:1970, unhandled cuda error (run with NCCL_DEBUG=INFO for details), NCCL version 2.21.5",
        "[rank12]: ncclUnhandledCudaError: Call to CUDA function failed."]
    c.log("nvs-h200-09/rank12/stderr", app_noise(c, 3) + r)
    c.errored("gpu.health@nvs-h200-09/gpu4", "DCGM host engine not reachable at localhost:5555 (connection refused)", 0.3)
    c.errored("nccl.p2p_matrix@nvs-h200-09", "probe aborted: GPUs busy (exclusive-process compute mode, job still holds devices)", 1.1)
    c.with_topology()
    return c


@case
def n051():
    # A fatal PCIe AER error precedes the loss of the GPU: the PCIe lines are loud, but the GPU
    # is gone afterwards (Xid 79, series stop).
    hosts = ["fra-h100-%02d" % i for i in (31, 32)]
    c = Case("case-n051", "gpu_fallen_off_bus", "fra-h100-32/gpu4", hosts, gpu="NVIDIA H100 80GB HBM3")
    c.alert("TrainingJobFailed", "job protein-lm-15b: 16 ranks failed", job="protein-lm-15b", node="fra-h100-31")
    dm = kernel_noise(c, "fra-h100-32", 5, fmt="dmesg") + [
        "%s pcieport 0000:97:02.0: AER: Uncorrected (Fatal) error received: 0000:9a:00.0" % c.dmesg(-402),
        "%s nvidia 0000:9a:00.0: PCIe Bus Error: severity=Uncorrected (Fatal), type=Transaction Layer, (Receiver ID)" % c.dmesg(-402),
        "%s nvidia 0000:9a:00.0:   device [10de:2330] error status/mask=00040000/00000000" % c.dmesg(-402),
        "%s nvidia 0000:9a:00.0:    [18] MalfTLP                (First)" % c.dmesg(-402),
        "%s pcieport 0000:97:02.0: AER: Root Port link has been reset (0)" % c.dmesg(-401),
        xid(c, -400, 4, 79, "GPU has fallen off the bus.", pid=12210),
        "%s NVRM: GPU 0000:9a:00.0: GPU has fallen off the bus." % c.dmesg(-400),
        "%s NVRM: GPU 0000:9a:00.0: RmInitAdapter failed! (0x26:0xffff:1514)" % c.dmesg(-395),
    ]
    c.log("fra-h100-32/dmesg", dm)
    w = watchdog(c, 0, -3, 20017)[:2] + ["[rank12]: RuntimeError: CUDA error: unspecified launch failure"]
    c.log("job/protein-lm-15b/stderr", app_noise(c, 5) + w)
    dcgm(c, "fra-h100-32", stop={4: -400}, skip=("fb",))
    c.with_topology()
    return c


@case
def n052():
    # Job-wide 2.6x slowdown with no error line. Intra-node all-reduce and GPUs are fine; the job-wide
    # all-reduce is slow. One HCA that trained at reduced width after a cable re-seat moves far less
    # data than the other rails (port counters); nothing is logged.
    hosts = ["ib2-gpu-%03d" % i for i in (140, 141, 142, 143)]
    c = Case("case-n052", "ib_link_failure", "ib2-gpu-142/mlx5_4", hosts)
    c.alert("ThroughputDrop", "job gpt-13b-pt-s5 tokens/s -61% after rack maintenance", job="gpt-13b-pt-s5", node="ib2-gpu-140")
    r = megatron_iters(c, -1200, 14, 73005, step_s=3.4, step_fn=lambda i: 3.4 * 2.6 * c.rng.uniform(0.99, 1.01))
    r = ["%s INFO job: restarted after rack ib2-r7 maintenance (cable re-seat)" % c.ymd(-1400)] + r
    c.log("ib2-gpu-140/rank0/stdout", insert_at(r, 0.5, app_noise(c, 4)))
    c.log("ib2-gpu-142/journal", kernel_noise(c, "ib2-gpu-142", 7))
    for h in ("ib2-gpu-142", "ib2-gpu-141"):
        for dev in ("mlx5_0", "mlx5_3", "mlx5_4", "mlx5_5"):
            slope = 2.2e9 if (h, dev) == ("ib2-gpu-142", "mlx5_4") else 7.9e9
            acc = [3.1e15]

            def counter(s, slope=slope, acc=acc):
                acc[0] += 30 * slope * c.rng.uniform(0.97, 1.03)
                return acc[0]
            c.node_metric("node_infiniband_port_data_transmitted_bytes_total", {"instance": h, "device": dev, "port": "1"},
                          counter, decimals=0)
    c.nccl("nccl.allreduce@job", busbw=58.3)
    c.nccl("nccl.allreduce@ib2-gpu-142")
    c.nccl("nccl.allreduce@ib2-gpu-140")
    c.gemm("gpu.gemm@ib2-gpu-142/gpu4")
    c.health("gpu.health@ib2-gpu-142/gpu4")
    c.with_topology()
    return c


@case
def n053():
    # One rank is the slowest in every step; its GPU reports no throttle, normal temperature and power,
    # and a healthy PCIe link and memory bandwidth, but its GEMM rate is 28% below its peers
    # (a slow part). Candidates from the logs alone: thermal, power, PCIe, straggler.
    hosts = ["sjc-h200-%02d" % i for i in (61, 62, 63)]
    c = Case("case-n053", "straggler_rank", "sjc-h200-61/gpu7", hosts)
    c.alert("StragglerDetected", "rank 7 of job ocr-donut-xl slowest in 100% of last 200 steps", job="ocr-donut-xl",
            node="sjc-h200-61")
    st = ["[NeMo W %s straggler_det:230] Stragglers detected: [StragglerId(rank=7, node='sjc-h200-61')] relative GPU perf 0.72" % c.ymd(t)
          for t in (-900, -500, -100)]
    c.log("sjc-h200-61/rank0/nemo_log", interleave(c.rng, plain_steps(c, -1200, 14, 30110, step_s=2.6), st, app_noise(c, 4)))
    dcgm(c, "sjc-h200-61", skip=("fb",))
    c.health("gpu.health@sjc-h200-61/gpu7")
    c.gemm("gpu.gemm@sjc-h200-61/gpu7", tflops=548.2)
    c.hbm("gpu.hbm_bandwidth@sjc-h200-61/gpu7")
    c.pcie("gpu.pcie_bandwidth@sjc-h200-61/gpu7")
    c.gemm("gpu.gemm@sjc-h200-61/gpu3")
    c.with_topology()
    return c


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default=HERE, help="directory for the case files (default: %(default)s)")
    args = ap.parse_args(argv)
    n = write_cases([fn() for fn in CASES], args.out)
    print("holdout2: wrote %d cases to %s" % (n, args.out))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
