#!/usr/bin/env python3
"""holdout13: diagnosis cases written after freeze 12 (stdlib only, deterministic).

Every case is one hand-written function below: the incident, its loud and quiet symptoms, the
metrics with and without the fault, and what each probe an on-call engineer could run would have
returned on that cluster at that moment. casekit supplies timestamps, noise lines, metric series
and probe bookkeeping only. No case is a real incident; names, serials and addresses are invented.

Usage: python3 evals/diagnosis/holdout13/holdout13_cases.py [--out DIR]   (default: this folder)
"""

import argparse
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))

import casekit as ck  # noqa: E402
from casekit import (Case, app_noise, deepspeed_steps, elastic_failure, fsdp_steps,  # noqa: E402
                     insert_at, interleave, kernel_noise, megatron_iters, nccl_init, plain_steps,
                     watchdog)

H100 = "NVIDIA H100 80GB HBM3"
H200 = "NVIDIA H200"
A100 = "NVIDIA A100-SXM4-80GB"

CASES = []


def case(fn):
    CASES.append(fn)
    return fn


# ------------------------------------------------------------------------ helpers (no answers)
def dcgm(c, host, over=None, lost=None, names=("temp", "power", "util", "clock")):
    """DCGM series for every GPU of `host`. over: {"temp": {gpu: fn(s, v)}}; lost: (gpu, s) after
    which that GPU's series stop."""
    spec = c.spec
    table = {
        "temp": ("DCGM_FI_DEV_GPU_TEMP", 61.0, 6.0, 0),
        "power": ("DCGM_FI_DEV_POWER_USAGE", 0.8 * spec["tdp"], 0.06 * spec["tdp"], 1),
        "util": ("DCGM_FI_DEV_GPU_UTIL", 95.0, 4.0, 0),
        "clock": ("DCGM_FI_DEV_SM_CLOCK", spec["clock"] - 15, 20.0, 0),
        "memtemp": ("DCGM_FI_DEV_MEMORY_TEMP", 58.0, 5.0, 0),
        "fb": ("DCGM_FI_DEV_FB_USED", spec["mem_gib"] * 1024 * 0.78, 900.0, 0),
        "throttle": ("DCGM_FI_DEV_CLOCK_THROTTLE_REASONS", 0.0, 0.0, 0),
        "dbe": ("DCGM_FI_DEV_ECC_DBE_VOL_TOTAL", 0.0, 0.0, 0),
        "xid": ("DCGM_FI_DEV_XID_ERRORS", 0.0, 0.0, 0),
        "pcie_replay": ("DCGM_FI_DEV_PCIE_REPLAY_COUNTER", 3.0, 0.0, 0),
        "nvl_crc": ("DCGM_FI_DEV_NVLINK_CRC_FLIT_ERROR_COUNT_TOTAL", 410.0, 0.0, 0),
        "nvl_bw": ("DCGM_FI_PROF_NVLINK_TX_BYTES", 9.1e10, 6e9, 0),
        "pcie_rx": ("DCGM_FI_PROF_PCIE_RX_BYTES", 2.1e9, 3e8, 0),
        "tensor": ("DCGM_FI_PROF_PIPE_TENSOR_ACTIVE", 0.46, 0.04, 3),
    }
    over = over or {}
    for key in names:
        name, base, jit, dec = table[key]
        o = dict(over.get(key, {}))
        if lost:
            g, at = lost
            prev = o.get(g)
            o[g] = (lambda s, v, prev=prev, at=at: None if s >= at else (prev(s, v) if prev else v))
        c.gpu_metric(name, host, base, jitter=jit, over=o, decimals=dec)


def after(t, fn):
    """Override that applies fn(s, v) from offset t on."""
    return lambda s, v: fn(s, v) if s >= t else v


def sweep(c, host, bad=None, gemm=None, hbm=None, pcie=None, skip=(), errored=None):
    """gpu.health on every GPU of host (bad: {gpu: overrides}); gemm/hbm/pcie: None = not run,
    {} = run on every GPU with healthy values, {gpu: value} = that GPU's measured value."""
    bad = bad or {}
    errored = errored or {}
    for g in range(c.gpus):
        if g in skip:
            continue
        t = "%s/gpu%d" % (host, g)
        if g in errored:
            c.errored("gpu.health@" + t, errored[g])
            continue
        c.health_rates("gpu.health@" + t, **bad.get(g, {}))
        if gemm is not None:
            c.gemm("gpu.gemm@" + t, tflops=gemm.get(g))
        if hbm is not None:
            c.hbm("gpu.hbm_bandwidth@" + t, gb_s=hbm.get(g))
        if pcie is not None:
            p = pcie.get(g)
            if p:
                c.pcie("gpu.pcie_bandwidth@" + t, h2d=p[0], d2h=p[1])
            else:
                c.pcie("gpu.pcie_bandwidth@" + t)


def node_allreduce(c, hosts, bad=None):
    bad = bad or {}
    for h in hosts:
        c.nccl("nccl.allreduce@" + h, busbw=bad.get(h))


_THR = re.compile(r"elapsed time per iteration \(ms\): ([\d.]+) \| throughput per GPU \(TFLOP/s/GPU\): [\d.]+")
_MFU_TFLOPS = {H100: 405.0, H200: 440.0, A100: 168.0}


def mlm(c, start_s, n, it0, step_s=4.1, **kw):
    """megatron_iters with the per-GPU throughput the GPU model can reach: ~40-45% of its bf16 peak at
    the nominal step time, scaled down by the actual step time of each iteration."""
    lines = megatron_iters(c, start_s, n, it0, step_s=step_s, **kw)
    peak = _MFU_TFLOPS[c.gpu]

    def fix(m):
        ms = float(m.group(1))
        return "elapsed time per iteration (ms): %s | throughput per GPU (TFLOP/s/GPU): %.1f" % (
            m.group(1), peak * step_s * 1000.0 / ms * c.rng.uniform(0.995, 1.005))
    return [_THR.sub(fix, x) for x in lines]


def dm(c, s, text):
    return "%s %s" % (c.dmesg(s), text)


def sl(c, host, s, text):
    return "%s %s %s" % (c.syslog(s), host, text)


def xid(c, gpu, s, code, text, pid="'<unknown>'", name="<unknown>"):
    return dm(c, s, "NVRM: Xid (PCI:%s): %d, pid=%s, name=%s, %s" % (c.bus(gpu), code, pid, name, text))


def k8s_events(c, ns, rows):
    """kubectl get events style lines; rows: (s, type, reason, object, message)."""
    out = []
    for s, typ, reason, obj, msg in rows:
        out.append("%s %-7s %-22s %s %s" % (c.iso(s), typ, reason, obj, msg))
    return out


def slurm_ctld(c, s, text):
    return "[%s.%03d] %s" % (c.at(s).strftime("%Y-%m-%dT%H:%M:%S"), c.rng.randrange(1000), text)


def many_watchdogs(c, ranks, s, seq, op="ALLREDUCE", numel=67108864, timeout_ms=600000):
    out = []
    for i, r in enumerate(ranks):
        out += watchdog(c, r, s + 0.3 * i, seq, op=op, numel=numel, timeout_ms=timeout_ms)[:2]
    return out


# ======================================================================== cases
@case
def p001():
    hosts = ["sc-h100-031", "sc-h100-032", "sc-h100-033", "sc-h100-034"]
    c = Case("case-p001", "gpu_fallen_off_bus", "sc-h100-033/gpu3", hosts, gpu=H100)
    c.alert("NCCLWatchdogTimeout", "job llama70b-sft (slurm 1187342): 31 of 32 ranks report "
            "collective timeouts", s=0, job="llama70b-sft", node="sc-h100-031", cluster="sc-east")
    r0 = nccl_init(c, "sc-h100-031", 0, 0, 32)[:5] + mlm(c, -678, 9, 21410, step_s=5.2)
    r0 += app_noise(c, 4) + many_watchdogs(c, [0, 1, 2, 3], -20, 88412)
    r0 += watchdog(c, 0, -19, 88412)[2:]
    c.log("slurm-1187342/rank0-7.out", r0)
    d = kernel_noise(c, "sc-h100-033", 6, fmt="dmesg") + [
        dm(c, -631.2, "NVRM: GPU at PCI:0000:%s:00: %s" % (c.pci[3], c.uuid("sc-h100-033", 3))),
        dm(c, -631.2, "NVRM: GPU Board Serial Number: 1654023019874"),
        xid(c, 3, -631.2, 79, "GPU has fallen off the bus."),
        dm(c, -631.1, "NVRM: GPU 0000:%s:00.0: GPU has fallen off the bus." % c.pci[3]),
        dm(c, -631.1, "NVRM: A GPU crash dump has been created. If possible, please run"),
        dm(c, -631.1, "NVRM: nvidia-bug-report.sh as root to collect this data before"),
        dm(c, -631.1, "NVRM: the NVIDIA kernel module is unloaded."),
        dm(c, -540.0, "pcieport 0000:58:01.0: pciehp: Slot(3): Link Down"),
    ]
    c.log("sc-h100-033/dmesg", d)
    dcgm(c, "sc-h100-033", lost=(3, -630))
    sweep(c, "sc-h100-033", skip=(3,))
    c.inventory("gpu.inventory@sc-h100-033/gpu3", count=7)
    c.errored("gpu.health@sc-h100-033/gpu3", "nvmlDeviceGetHandleByPciBusId(0000:%s:00.0): "
              "NVML_ERROR_GPU_IS_LOST" % c.pci[3], duration=0.4)
    sweep(c, "sc-h100-031")
    return c


@case
def p002():
    hosts = ["ml-a100-%02d" % i for i in (7, 8)]
    c = Case("case-p002", "gpu_memory_uncorrectable_ecc", "ml-a100-08/gpu6", hosts, gpu=A100,
             pci=ck.PCI_BUS_B)
    c.alert("TrainingJobFailed", "pytorchjob vit-g-pretrain failed: worker-1 exited", s=0,
            namespace="vision", job="vit-g-pretrain", node="ml-a100-08")
    w1 = deepspeed_steps(c, -145, 14, 5120, rank=8, step_s=3.1) + app_noise(c, 3) + [
        "[rank14]: Traceback (most recent call last):",
        '[rank14]:   File "/workspace/train.py", line 311, in <module>',
        "[rank14]:     loss = engine(batch)",
        "[rank14]: RuntimeError: CUDA error: uncorrectable ECC error encountered",
        "[rank14]: CUDA kernel errors might be asynchronously reported at some other API call, so the "
        "stacktrace below might be incorrect.",
        "[rank14]: For debugging consider passing CUDA_LAUNCH_BLOCKING=1",
    ] + elastic_failure(c, -95, "vit-g-pretrain-worker-1", 14, 6, 1)
    c.log("vision/vit-g-pretrain-worker-1/pytorch", w1)
    j = kernel_noise(c, "ml-a100-08", 5) + [
        sl(c, "ml-a100-08", -101, "kernel: NVRM: Xid (PCI:0000:%s:00): 48, pid=48120, name=python3, "
           "An uncorrectable double bit error (DBE) has been detected on GPU in the framebuffer at "
           "partition 3, subpartition 1." % c.pci[6]),
        sl(c, "ml-a100-08", -101, "kernel: NVRM: Xid (PCI:0000:%s:00): 63, pid=48120, name=python3, "
           "Row Remapper: New row (0x00000000fe3a1c00) marked for remapping, reset gpu to activate."
           % c.pci[6]),
    ]
    c.log("ml-a100-08/journal", j)
    dcgm(c, "ml-a100-08", names=("temp", "power", "util", "dbe"),
         over={"dbe": {6: after(-100, lambda s, v: 2)}})
    sweep(c, "ml-a100-08", bad={6: dict(ecc_dbe_volatile=2, ecc_dbe_aggregate=2, xid_last=48,
                                        remapped_rows_uncorrectable=1, remap_pending=0)})
    return c


@case
def p003():
    hosts = ["hgx-b7-%d" % i for i in range(1, 3)]
    c = Case("case-p003", "gpu_row_remap_failure", "hgx-b7-2/gpu5", hosts, gpu=H200)
    c.alert("NodeDrainedByHealthCheck", "hgx-b7-2 drained by prolog: gpu health check failed", s=0,
            node="hgx-b7-2", partition="train")
    sc = [slurm_ctld(c, -190, "sched: Allocate JobId=5531207 NodeList=hgx-b7-[1-2] #CPUs=224 Partition=train"),
          slurm_ctld(c, -160, "error: prolog failed: rc:1 JobId=5531207 node hgx-b7-2"),
          slurm_ctld(c, -160, "update_node: node hgx-b7-2 reason set to: Prolog error: gpu_check: GPU5 row remapper"),
          slurm_ctld(c, -160, "update_node: node hgx-b7-2 state set to DRAINING"),
          slurm_ctld(c, -158, "Requeuing JobId=5531207"),
          slurm_ctld(c, -30, "sched: Allocate JobId=5531207 NodeList=hgx-b7-1,hgx-c1-4 #CPUs=224 Partition=train")]
    c.log("slurmctld", sc)
    p = ["[%s] gpu_check: querying nvidia-smi -q -d ROW_REMAPPER" % c.ymd(-163)]
    for g in range(8):
        p += ["GPU 00000000:%s:00.0" % c.pci[g].upper(), "    Remapped Rows",
              "        Correctable Error                 : %d" % (2 if g == 5 else 0),
              "        Uncorrectable Error               : %d" % (1 if g == 5 else 0),
              "        Pending                           : No",
              "        Remapping Failure Occurred        : %s" % ("Yes" if g == 5 else "No")]
    p += ["[%s] gpu_check: FAIL GPU5 remapping failure occurred; node needs RMA triage" % c.ymd(-161)]
    c.log("hgx-b7-2/slurm-prolog", p)
    c.log("hgx-b7-2/journal", kernel_noise(c, "hgx-b7-2", 4, start_s=-90000, end_s=-80000) + [
        sl(c, "hgx-b7-2", -85020, "kernel: NVRM: Xid (PCI:0000:%s:00): 64, pid=1904, name=python, "
           "ECC page retirement or row remapper recording failure (0x0, 0x3)." % c.pci[5])])
    dcgm(c, "hgx-b7-2", names=("temp", "power", "util"),
         over={"util": {g: (lambda s, v: 0) for g in range(8)},
               "power": {g: (lambda s, v: 72 + (v % 7)) for g in range(8)}})
    sweep(c, "hgx-b7-2", bad={5: dict(remap_failure=1, remapped_rows_uncorrectable=1,
                                      remapped_rows_correctable=2, xid_last=64)})
    return c


@case
def p004():
    hosts = ["dgx-h200-%02d" % i for i in (11, 12, 13, 14)]
    c = Case("case-p004", "gpu_firmware_error", "dgx-h200-12/gpu1", hosts, gpu=H200)
    c.alert("JobHung", "llm-405b-pretrain: no iteration logged for 15 min", s=0,
            job="llm-405b-pretrain", node="dgx-h200-11")
    r = mlm(c, -996, 8, 90211, step_s=9.8) + app_noise(c, 3)
    r += many_watchdogs(c, [0, 8, 16, 24], -15, 412007, op="_REDUCE_SCATTER_BASE", numel=251658240,
                        timeout_ms=900000)
    c.log("llm-405b-pretrain/logs/rank0-24.err", r)
    j = kernel_noise(c, "dgx-h200-12", 5) + [
        sl(c, "dgx-h200-12", -918, "kernel: NVRM: Xid (PCI:0000:%s:00): 119, pid=77316, name=pt_main_thread, "
           "Timeout after 6s of waiting for RPC response from GPU1 GSP! Expected function 76 "
           "(GSP_RM_CONTROL) (0x20800a6a 0x4)." % c.pci[1]),
        sl(c, "dgx-h200-12", -912, "kernel: NVRM: GPU1 GSP RPC buffer contains function 76 (GSP_RM_CONTROL) "
           "and data 0x0000000020800a6a 0x0000000000000004."),
        sl(c, "dgx-h200-12", -906, "kernel: NVRM: Xid (PCI:0000:%s:00): 119, pid=77316, name=pt_main_thread, "
           "Timeout after 6s of waiting for RPC response from GPU1 GSP! Expected function 10 (FREE) "
           "(0xa55a0040 0x0)." % c.pci[1]),
        sl(c, "dgx-h200-12", -905, "kernel: NVRM: Xid (PCI:0000:%s:00): 154, GPU recovery action changed "
           "from 0x0 (None) to 0x1 (GPU Reset Required)" % c.pci[1]),
        sl(c, "dgx-h200-12", -900, "kernel: NVRM: Rate limiting GSP RPC error prints for GPU at PCI:0000:%s:00 "
           "(printing 1 of every 30).  The GPU likely needs to be reset." % c.pci[1]),
    ]
    c.log("dgx-h200-12/journal", j)
    dcgm(c, "dgx-h200-12", over={"util": {1: after(-918, lambda s, v: 100)},
                                 "power": {1: after(-918, lambda s, v: 121)},
                                 "clock": {1: after(-918, lambda s, v: 1980)}})
    sweep(c, "dgx-h200-12", errored={1: "nvmlDeviceGetTotalEccErrors timed out after 30 s (GSP RPC "
                                        "timeout; driver reports GPU reset required)"})
    c.inventory("gpu.inventory@dgx-h200-12/gpu1", details={"recovery_action": "GPU Reset Required"})
    return c


@case
def p005():
    hosts = ["ixg-h100-%03d" % i for i in (101, 102)]
    c = Case("case-p005", "nvlink_error", "ixg-h100-102/gpu2", hosts, gpu=H100)
    c.alert("StepTimeRegression", "dsv3-moe-ft step time 2.4x above 6h median", s=0,
            job="dsv3-moe-ft", node="ixg-h100-101")
    slow = lambda i: 2.2 if i < 8 else 5.4 * c.rng.uniform(0.95, 1.05)
    r = deepspeed_steps(c, -1100, 22, 30410, step_fn=slow, step_s=2.2) + app_noise(c, 3)
    c.log("ixg-h100-101/rank0/stdout", r)
    j = kernel_noise(c, "ixg-h100-102", 5) + [
        sl(c, "ixg-h100-102", -820, "kernel: NVRM: Xid (PCI:0000:%s:00): 74, pid=1120, name=nvidia-fabricmanager, "
           "NVLink: Link 7 replay/recovery threshold exceeded (0x0, 0x0, 0x10000, 0x0, 0x0, 0x0, 0x0)" % c.pci[2]),
        sl(c, "ixg-h100-102", -819, "nv-fabricmanager[1120]: detected NVLink recovery error on GPU "
           "physical id 3 link 7, link is degraded"),
        sl(c, "ixg-h100-102", -500, "nv-fabricmanager[1120]: NVLink recovery succeeded on GPU physical id 3 link 7"),
    ]
    c.log("ixg-h100-102/journal", j)
    dcgm(c, "ixg-h100-102", names=("util", "power", "nvl_bw", "nvl_crc"),
         over={"nvl_crc": {2: after(-830, lambda s, v: 410 + (s + 830) * 37)},
               "nvl_bw": {g: after(-820, lambda s, v: v * 0.38) for g in range(8)},
               "util": {g: after(-820, lambda s, v: v * 0.55) for g in range(8)}})
    dcgm(c, "ixg-h100-101", names=("util", "nvl_bw"),
         over={"nvl_bw": {g: after(-820, lambda s, v: v * 0.4) for g in range(8)},
               "util": {g: after(-820, lambda s, v: v * 0.55) for g in range(8)}})
    sweep(c, "ixg-h100-102", bad={2: dict(nvlink_replay_errors_per_s=460.0, nvlink_replay_errors=88210,
                                          nvlink_recovery_errors=12, nvlink_recovery_errors_per_s=1.0,
                                          xid_last=74)})
    sweep(c, "ixg-h100-101")
    c.nccl("nccl.p2p_matrix@ixg-h100-102", busbw=61.5,
           details={"slowest_pair": "gpu2->gpu5", "median_pair_gb_s": 361.0})
    c.nccl("nccl.p2p_matrix@ixg-h100-101")
    node_allreduce(c, hosts, bad={"ixg-h100-102": 118.0})
    return c


@case
def p006():
    hosts = ["cw-h200-r4-%02d" % i for i in range(1, 5)]
    c = Case("case-p006", "gpu_thermal_throttle", "cw-h200-r4-03/gpu7", hosts, gpu=H200)
    c.alert("TrainingThroughputLow", "tokens/s of torchtitan-8b down 19% for 15 min", s=0,
            job="titan-8b-ablation", node="cw-h200-r4-01")
    st = lambda i: 1.8 if i < 6 else 2.15 * c.rng.uniform(0.98, 1.03)
    r = fsdp_steps(c, -1000, 26, 7100, step_fn=st) + app_noise(c, 3)
    c.log("titan-8b-ablation/rank0", r)
    dcgm(c, "cw-h200-r4-03", names=("temp", "clock", "power", "throttle"),
         over={"temp": {7: lambda s, v: 74 + min(19, max(0, (s + 1150) / 50))},
               "clock": {7: after(-880, lambda s, v: 1290 + c.rng.uniform(-60, 60)), },
               "power": {7: after(-880, lambda s, v: 455)},
               "throttle": {7: after(-880, lambda s, v: 0x60)}})
    sweep(c, "cw-h200-r4-03", bad={7: dict(temperature_c=93, hbm_temperature_c=91, sm_clock_mhz=1305,
                                           clock_event_reasons=0x60, power_w=448)},
          gemm={7: 488.0})
    return c

@case
def p007():
    hosts = ["gpu-pod-17", "gpu-pod-18"]
    c = Case("case-p007", "gpu_power_throttle", "gpu-pod-18", hosts, gpu=H100, pci=ck.PCI_BUS_B)
    c.alert("StepTimeRegression", "mixtral-sft: iteration time up 35% since 02:10", s=0,
            job="mixtral-sft", node="gpu-pod-17")
    st = lambda i: 3.3 if i < 7 else 4.5 * c.rng.uniform(0.98, 1.02)
    r = mlm(c, -1150, 24, 11800, step_fn=st, step_s=3.3) + app_noise(c, 2)
    c.log("mixtral-sft/rank0.log", r)
    j = kernel_noise(c, "gpu-pod-18", 4) + [
        sl(c, "gpu-pod-18", -905, "sudo[99120]:   ops-bot : TTY=unknown ; PWD=/root ; USER=root ; "
           "COMMAND=/usr/bin/nvidia-smi -pl 450"),
    ] + [sl(c, "gpu-pod-18", -904, "nvidia-smi[99121]: Power limit for GPU 00000000:%s:00.0 was set to "
            "450.00 W from 700.00 W." % c.pci[g].upper()) for g in range(8)] + [
        sl(c, "gpu-pod-18", -903, "nvidia-smi[99121]: All done."),
    ]
    c.log("gpu-pod-18/journal", j)
    cap = {g: after(-900, lambda s, v: 447 + c.rng.uniform(-3, 2)) for g in range(8)}
    clk = {g: after(-900, lambda s, v: 1540 + c.rng.uniform(-70, 70)) for g in range(8)}
    dcgm(c, "gpu-pod-18", names=("power", "clock", "temp", "throttle"),
         over={"power": cap, "clock": clk, "throttle": {g: after(-900, lambda s, v: 4) for g in range(8)}})
    dcgm(c, "gpu-pod-17", names=("power", "clock"))
    sweep(c, "gpu-pod-18", bad={g: dict(power_limit_w=450, power_w=448, sm_clock_mhz=1545,
                                        clock_event_reasons=0x4) for g in range(8)},
          gemm={g: 556.0 + g for g in range(8)})
    sweep(c, "gpu-pod-17", gemm={})
    return c


@case
def p008():
    hosts = ["a100-rk3-%02d" % i for i in (1, 2, 3, 4)]
    c = Case("case-p008", "pcie_link_degraded", "a100-rk3-02/gpu4", hosts, gpu=A100)
    c.alert("StragglerSuspected", "bert-xl-ft: rank 12 all-reduce wait 3x median", s=0,
            job="bert-xl-ft", node="a100-rk3-02", rank="12")
    st = lambda i: 0.92 if i < 5 else 1.31 * c.rng.uniform(0.98, 1.02)
    r = plain_steps(c, -600, 20, 44100, step_fn=st) + app_noise(c, 2)
    r += ["%s | WARN | timing | rank 12 h2d copy of batch took 118.2 ms (p50 across ranks 21.4 ms)" % c.ymd(-120),
          "%s | WARN | timing | rank 12 h2d copy of batch took 121.9 ms (p50 across ranks 21.1 ms)" % c.ymd(-60)]
    c.log("bert-xl-ft/driver.log", r)
    d = kernel_noise(c, "a100-rk3-02", 4, fmt="dmesg") + [
        dm(c, -640, "pcieport 0000:97:01.0: AER: Corrected error received: 0000:9a:00.0"),
        dm(c, -640, "nvidia 0000:9a:00.0: PCIe Bus Error: severity=Corrected, type=Physical Layer, (Receiver ID)"),
        dm(c, -640, "nvidia 0000:9a:00.0:   device [10de:20b2] error status/mask=00000001/0000e000"),
        dm(c, -640, "nvidia 0000:9a:00.0:    [ 0] RxErr                  (First)"),
        dm(c, -630, "pcieport 0000:97:01.0: AER: Corrected error received: 0000:9a:00.0"),
        dm(c, -610, "pcieport 0000:97:01.0: pciehp: Slot(4): Link Up"),
        dm(c, -610, "nvidia 0000:9a:00.0: 8.000 Gb/s available PCIe bandwidth, limited by 2.5 GT/s PCIe x4 link "
           "at 0000:97:01.0 (capable of 252.048 Gb/s with 16.0 GT/s PCIe x16 link)"),
    ]
    c.log("a100-rk3-02/dmesg", d)
    dcgm(c, "a100-rk3-02", names=("util", "pcie_rx", "pcie_replay"),
         over={"pcie_rx": {4: after(-640, lambda s, v: v * 0.18)},
               "pcie_replay": {4: lambda s, v: 3 if s < -645 else 190 + int((s + 645) / 30) * 6}})
    sweep(c, "a100-rk3-02", bad={4: dict(pcie_link_gen=1, pcie_link_width=4, pcie_replay_count=298,
                                         pcie_replay_per_s=0.0)},
          pcie={4: (0.8, 0.8)})
    return c


@case
def p009():
    hosts = ["trn-h100-%02d" % i for i in range(20, 24)]
    c = Case("case-p009", "gpu_silent_data_corruption", "trn-h100-22/gpu5", hosts, gpu=H100)
    c.alert("ReplicaChecksumMismatch", "gpt-30b-dp: DP replica parameter checksum mismatch at step 48000",
            s=0, job="gpt-30b-dp", node="trn-h100-20")
    r = mlm(c, -900, 12, 47988, step_s=4.4) + app_noise(c, 3) + [
        "[%s] [integrity] step 48000: fp32 master-param checksum per DP replica (TP=8 PP=1 DP=4):" % c.ymd(-40),
        "[integrity]   dp0 (ranks 0-7)   0x5e1a7c93d0b2f4aa",
        "[integrity]   dp1 (ranks 8-15)  0x5e1a7c93d0b2f4aa",
        "[integrity]   dp2 (ranks 16-23) 0x9f02e4b7c35a1e08",
        "[integrity]   dp3 (ranks 24-31) 0x5e1a7c93d0b2f4aa",
        "[%s] [integrity] replica dp2 disagrees; per-rank shard hashes in dp2: rank 21 differs from "
        "tp-peers' recomputation, ranks 16-20,22,23 match" % c.ymd(-39),
        "[%s] [integrity] no NaN/Inf seen; loss curve within band; halting for triage" % c.ymd(-38),
    ]
    c.log("gpt-30b-dp/rank0.log", r)
    dcgm(c, "trn-h100-22", names=("temp", "power", "dbe", "xid"))
    sweep(c, "trn-h100-22", gemm={})
    c.sdc("gpu.sdc@trn-h100-22", mismatched=1877, bad_gpu="gpu5")
    c.sdc("gpu.sdc@trn-h100-21")
    return c


@case
def p010():
    hosts = ["ib-h200-%02d" % i for i in range(1, 9)]
    c = Case("case-p010", "ib_link_failure", "ib-h200-06/mlx5_3", hosts, gpu=H200)
    c.alert("NCCLError", "qwen-72b-pt: NCCL remote error on 16 ranks", s=0, job="qwen-72b-pt",
            node="ib-h200-02")
    lines = []
    for r, h in ((11, "ib-h200-02"), (14, "ib-h200-02"), (43, "ib-h200-06"), (46, "ib-h200-06")):
        pid = c.rng.randrange(10000, 99999)
        lines.append("%s:%d:%d [%d] transport/net_ib.cc:1696 NCCL WARN NET/IB : Got completion from peer "
                     "10.18.%d.%d<%d> with status=12 opcode=0 len=0 vendor err 129 (Send) localGid "
                     "::ffff:10.18.0.%d remoteGids::ffff:10.18.5.6 hca mlx5_3" % (
                         h, pid, pid + 301, r % 8, 5, 6, c.rng.randrange(40000, 60000), r))
        lines.append("%s:%d:%d [%d] NCCL INFO transport/net.cc:1128 -> 6" % (h, pid, pid + 301, r % 8))
    lines += ["[rank11]: torch.distributed.DistBackendError: NCCL error in: ../torch/csrc/distributed/c10d/"
              "NCCLUtils.hpp:317, remote process exited or there was a network error, NCCL version 2.21.5",
              "[rank11]: ncclRemoteError: A call failed possibly due to a network error or a remote process "
              "exiting prematurely.",
              "[rank11]: Last error:",
              "[rank11]: NET/IB : Got completion from peer 10.18.5.6<50212> with status=12 opcode=0 len=0 "
              "vendor err 129 (Send) localGid ::ffff:10.18.1.11 remoteGids::ffff:10.18.5.6 hca mlx5_3"]
    c.log("qwen-72b-pt/merged-ranks.log", fsdp_steps(c, -200, 10, 2201) + app_noise(c, 2) + lines)
    j = kernel_noise(c, "ib-h200-06", 4) + [
        sl(c, "ib-h200-06", -180, "kernel: mlx5_core 0000:%s:00.0: mlx5_port_module_event:1168:(pid 0): "
           "Port module event[error]: module 3, Cable error, High Temperature" % ck.NIC_BUS[3]),
        sl(c, "ib-h200-06", -179, "kernel: mlx5_core 0000:%s:00.0: Port: 1 Link DOWN" % ck.NIC_BUS[3]),
        sl(c, "ib-h200-06", -179, "kernel: ib3: Lost carrier"),
        sl(c, "ib-h200-06", -121, "kernel: mlx5_core 0000:%s:00.0: Port: 1 Link ACTIVE" % ck.NIC_BUS[3]),
        sl(c, "ib-h200-06", -90, "kernel: mlx5_core 0000:%s:00.0: Port: 1 Link DOWN" % ck.NIC_BUS[3]),
    ]
    c.log("ib-h200-06/journal", j)
    for h in ("ib-h200-06", "ib-h200-02"):
        for dev in range(8):
            bad = h == "ib-h200-06" and dev == 3
            c.node_metric("node_infiniband_link_downed_total", {"instance": h, "device": "mlx5_%d" % dev, "port": "1"},
                          lambda s, bad=bad: (2 if s < -180 else (3 if s < -90 else 4)) if bad else 0, 0)
    node_allreduce(c, hosts, bad={})
    c.nccl("nccl.allreduce@job", busbw=41.0)
    c.nccl("nccl.sendrecv@ib-h200-06", busbw=5.6)
    c.nccl("nccl.sendrecv@ib-h200-02")
    return c


@case
def p011():
    hosts = ["k8s-gpu-a%02d" % i for i in (3, 4)]
    c = Case("case-p011", "nccl_network_misconfig", "job", hosts, gpu=H100)
    c.alert("PodCrashLooping", "pytorchjob dpo-13b: workers CrashLoopBackOff (restarts 4)", s=0,
            namespace="align", job="dpo-13b", node="k8s-gpu-a03")
    pid = 41
    w = app_noise(c, 4) + [
        "dpo-13b-worker-0:%d:%d [0] NCCL INFO cudaDriverVersion 12040" % (pid, pid),
        "dpo-13b-worker-0:%d:%d [0] NCCL INFO NCCL_SOCKET_IFNAME set by environment to ens1f0" % (pid, pid),
        "dpo-13b-worker-0:%d:%d [0] NCCL INFO NCCL_IB_HCA set to mlx5_0,mlx5_1,mlx5_2,mlx5_3" % (pid, pid),
        "dpo-13b-worker-0:%d:%d [0] NCCL INFO Bootstrap : Using [0]ens1f0 (no IPv4 address)" % (pid, pid),
        "dpo-13b-worker-0:%d:%d [0] bootstrap.cc:98 NCCL WARN Bootstrap : no socket interface found" % (pid, pid),
        "dpo-13b-worker-0:%d:%d [0] NCCL INFO init.cc:1603 -> 3" % (pid, pid),
        "dpo-13b-worker-0:%d:%d [0] NCCL INFO init.cc:1866 -> 3" % (pid, pid),
        "Traceback (most recent call last):",
        '  File "/app/dpo.py", line 88, in <module>',
        "    dist.barrier()",
        "torch.distributed.DistBackendError: NCCL error in: ../torch/csrc/distributed/c10d/ProcessGroupNCCL.cpp:1970, "
        "internal error - please report this issue to the NCCL developers, NCCL version 2.20.5",
        "ncclInternalError: Internal check failed.",
        "Last error:",
        "Bootstrap : no socket interface found",
    ]
    c.log("align/dpo-13b-worker-0/c.log", w)
    ev = k8s_events(c, "align", [
        (-900, "Normal", "Scheduled", "pod/dpo-13b-worker-0", "Successfully assigned align/dpo-13b-worker-0 to k8s-gpu-a03"),
        (-899, "Normal", "AddedInterface", "pod/dpo-13b-worker-0", "Add eth0 [10.244.3.17/24] from cilium"),
        (-899, "Normal", "AddedInterface", "pod/dpo-13b-worker-0", "Add net1 [192.168.40.13/24] from align/sriov-ib-net"),
        (-898, "Normal", "Scheduled", "pod/dpo-13b-worker-1", "Successfully assigned align/dpo-13b-worker-1 to k8s-gpu-a04"),
        (-897, "Normal", "AddedInterface", "pod/dpo-13b-worker-1", "Add net1 [192.168.40.14/24] from align/sriov-ib-net"),
        (-860, "Warning", "BackOff", "pod/dpo-13b-worker-1", "Back-off restarting failed container pytorch"),
        (-600, "Normal", "Pulled", "pod/dpo-13b-worker-0", "Container image \"registry.local/align/dpo:2.4.1\" already present on machine"),
        (-120, "Warning", "BackOff", "pod/dpo-13b-worker-0", "Back-off restarting failed container pytorch"),
    ])
    c.log("scheduler/events", ev)
    c.nccl("nccl.allreduce@k8s-gpu-a03")
    c.nccl("nccl.allreduce@k8s-gpu-a04")
    return c


@case
def p012():
    hosts = ["slm-h100-%02d" % i for i in range(41, 45)]
    c = Case("case-p012", "nccl_collective_hang", "slm-h100-43/gpu6", hosts, gpu=H100)
    c.alert("NCCLWatchdogTimeout", "ul2-20b: ProcessGroupNCCL watchdog fired on 31 ranks", s=0,
            job="ul2-20b", node="slm-h100-41")
    r = mlm(c, -953, 6, 3300, step_s=3.9) + app_noise(c, 2)
    r += many_watchdogs(c, [0, 5, 9, 31], -30, 19811, op="ALLREDUCE", numel=1048576, timeout_ms=900000)
    r += ["[rank0]:[%s ProcessGroupNCCL.cpp:1318] [PG 0 (default_pg) Rank 0] ProcessGroupNCCL preparing to dump "
          "debug info. Include stack trace: 1" % c.glog(-28, "E"),
          "[rank0]:[%s ProcessGroupNCCL.cpp:1430] [PG 0 (default_pg) Rank 0] Received a dump signal due to a "
          "collective timeout from  rank 31 and we will try our best to dump the debug info." % c.glog(-27, "E")]
    c.log("ul2-20b/stderr-merged", r)
    fr = ["# torch flight recorder analysis (fr_trace) over 32 dumps, pg default_pg",
          "collective seq 19811 ALLREDUCE [1048576] float32: 31/32 ranks entered, state=scheduled",
          "  missing ranks: [22]",
          "rank 22 last entered: seq 19810 ALLGATHER [4194304] bfloat16 state=completed",
          "rank 22 python stack (py-spy dump --pid 228811 on slm-h100-43):",
          "  Thread 228811 (active): \"MainThread\"",
          "    wait (threading.py:320)",
          "    get (queue.py:171)",
          "    _next_data (ul2/data/async_eval.py:64)",
          "    run_eval_hook (ul2/trainer.py:512)",
          "    train_step (ul2/trainer.py:447)",
          "  Thread 228990 (idle): \"eval-writer\"",
          "    acquire (ul2/utils/locks.py:22)",
          "note: eval hook runs only when (step % eval_every == 0) and is_eval_rank(); rank 22 is the eval rank"]
    c.log("ul2-20b/fr_trace.txt", fr)
    dcgm(c, "slm-h100-43", names=("util", "power"),
         over={"util": {g: after(-930, (lambda s, v: 0) if g == 6 else (lambda s, v: 100)) for g in range(8)},
               "power": {6: after(-930, lambda s, v: 118)}})
    sweep(c, "slm-h100-43")
    node_allreduce(c, hosts)
    return c

@case
def p013():
    hosts = ["gpuh-%03d" % i for i in (210, 211, 212)]
    c = Case("case-p013", "rank_process_crash", "gpuh-211/gpu2", hosts, gpu=H200, pci=ck.PCI_BUS_B)
    c.alert("SlurmJobFailed", "JobId=8830142 (videogen-dit) FAILED, ExitCode 1", s=0, job="videogen-dit",
            node="gpuh-210")
    out = fsdp_steps(c, -50, 10, 15220, rank=0) + app_noise(c, 2)
    for r, h in ((0, "gpuh-210"), (3, "gpuh-210"), (17, "gpuh-212")):
        pid = c.rng.randrange(10000, 99999)
        out += ["%s:%d:%d [%d] transport/net_ib.cc:1704 NCCL WARN NET/IB : Got completion from peer "
                "10.40.2.11<33310> with status=5 opcode=1 len=0 vendor err 249 (Recv) localGid "
                "::ffff:10.40.%d.%d remoteGids::ffff:10.40.2.11 hca mlx5_%d" % (h, pid, pid + 88, r % 8, r // 8 + 1, r + 10, r % 8),
                "%s:%d:%d [%d] NCCL INFO transport/net.cc:1235 -> 6" % (h, pid, pid + 88, r % 8)]
    out += ["[rank3]: torch.distributed.DistBackendError: NCCL error in: ../torch/csrc/distributed/c10d/"
            "ProcessGroupNCCL.cpp:1986, remote process exited or there was a network error, NCCL version 2.21.5",
            "[rank3]: ncclRemoteError: A call failed possibly due to a network error or a remote process exiting "
            "prematurely."]
    c.log("videogen-dit/8830142/ranks-0-23.err", out)
    r10 = ["[rank10]:[titan] %s - root - INFO - step: 15229  loss:  1.6631  memory: 98.01GiB(69.31%%)" % c.ymd_ms(-31),
           "Fatal Python error: Segmentation fault",
           "",
           "Thread 0x00007f5b2effd640 (most recent call first):",
           '  File "/opt/conda/lib/python3.11/site-packages/decord/video_reader.py", line 201 in get_batch',
           '  File "/workspace/vg/data/clips.py", line 97 in _decode',
           "",
           "Current thread 0x00007f5d8c1f2740 (most recent call first):",
           '  <no Python frame>',
           "Extension modules: numpy.core._multiarray_umath, torch._C, decord._ffi (total: 71)"]
    r10 += elastic_failure(c, -29, "gpuh-211", 10, 2, -11, sig="SIGSEGV")
    c.log("gpuh-211/torchrun.log", r10)
    c.log("gpuh-211/dmesg", kernel_noise(c, "gpuh-211", 3, fmt="dmesg") + [
        dm(c, -30, "pt_data_worker[381992]: segfault at 18 ip 00007f5b11c2d3e4 sp 00007f5b2effa9c0 error 4 in "
           "libavcodec.so.58.134.100[7f5b11a00000+f13000] likely on CPU 57 (core 25, socket 1)")])
    sweep(c, "gpuh-211")
    c.nccl("nccl.sendrecv@gpuh-211")
    c.nccl("nccl.sendrecv@gpuh-210")
    return c


@case
def p014():
    hosts = ["dgx-a-%02d" % i for i in (5, 6)]
    c = Case("case-p014", "cuda_oom", "dgx-a-06/gpu7", hosts, gpu=H100)
    c.alert("NCCLWatchdogTimeout", "pp-gpt-175b: watchdog timeout on 15 ranks", s=0, job="pp-gpt-175b",
            node="dgx-a-05")
    out = mlm(c, -728, 10, 600, step_s=11.8) + app_noise(c, 2)
    out += many_watchdogs(c, [0, 3, 8, 12], -10, 7711, op="SEND", numel=50331648, timeout_ms=600000)
    c.log("pp-gpt-175b/logs/stderr.all", out)
    r15 = ["[rank15]: Traceback (most recent call last):",
           '[rank15]:   File "/opt/megatron-lm/megatron/core/pipeline_parallel/schedules.py", line 1421, in '
           'forward_backward_pipelining_without_interleaving',
           '[rank15]:   File "/opt/megatron-lm/megatron/core/models/gpt/gpt_model.py", line 306, in forward',
           "[rank15]:     loss = self.compute_language_model_loss(labels, logits)",
           "[rank15]: torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 7.82 GiB. GPU 7 has a total "
           "capacity of 79.11 GiB of which 3.19 GiB is free. Including non-PyTorch memory, this process has "
           "75.91 GiB memory in use. Of the allocated memory 68.40 GiB is allocated by PyTorch, and 6.02 GiB is "
           "reserved by PyTorch but unallocated. If reserved but unallocated memory is large try setting "
           "PYTORCH_CUDA_ALLOC_CONF=expandable_segments:True to avoid fragmentation.  See documentation for "
           "Memory Management  (https://pytorch.org/docs/stable/notes/cuda.html#environment-variables)",
           "[rank15]: note: last pipeline stage holds the output layer (vocab 256000) and loss; seq-len 8192"]
    c.log("dgx-a-06/rank15.err", r15 + app_noise(c, 2))
    dcgm(c, "dgx-a-06", names=("fb", "util"),
         over={"fb": {7: lambda s, v: min(81000, 70000 + (s + 1200) * 9)},
               "util": {7: after(-610, lambda s, v: 0)}})
    sweep(c, "dgx-a-06")
    return c


@case
def p015():
    hosts = ["h200-k-%02d" % i for i in range(1, 5)]
    c = Case("case-p015", "illegal_memory_access", "job", hosts, gpu=H200)
    c.alert("JobFailed", "flash-ext-test: all 32 ranks exited within 2 s", s=0, job="flash-ext-test",
            node="h200-k-01")
    out = mlm(c, -17, 5, 10, step_s=3.0) + app_noise(c, 3)
    for r in (0, 9, 18, 27):
        out += ["[rank%d]: RuntimeError: CUDA error: an illegal memory access was encountered" % r,
                "[rank%d]: CUDA kernel errors might be asynchronously reported at some other API call, so the "
                "stacktrace below might be incorrect." % r,
                "[rank%d]: Compile with `TORCH_USE_CUDA_DSA` to enable device-side assertions." % r]
    out += ["[rank0]: Exception raised from c10_cuda_check_implementation at /opt/pytorch/c10/cuda/CUDAException.cpp:43",
            "[rank0]: frame #3: custom_attn::varlen_fwd_kernel_launch(at::Tensor const&, int, int) + 0x1c4 (0x7f1b8c2e1a44 in "
            "/usr/local/lib/python3.10/dist-packages/custom_attn_ext.so)",
            "INFO: custom_attn_ext built from commit 3f9e21d (max_seqlen_k default changed 8192 -> 16384)"]
    c.log("flash-ext-test/all-ranks.log", out)
    for h in ("h200-k-01", "h200-k-03"):
        c.log("%s/journal" % h, kernel_noise(c, h, 2) + [
            sl(c, h, -2, "kernel: NVRM: Xid (PCI:0000:%s:00): 13, pid=%d, name=python, Graphics SM Warp Exception on "
               "(GPC 4, TPC 1, SM 0): Out Of Range Address" % (c.pci[g], 5100 + g)) for g in range(0, 8, 3)])
    dcgm(c, "h200-k-01", names=("util", "xid"), over={"xid": {g: after(-2, lambda s, v: 13) for g in range(8)}})
    sweep(c, "h200-k-01", bad={g: dict(xid_last=13) for g in range(8)})
    return c


@case
def p016():
    hosts = ["cpu-heavy-h100-%d" % i for i in (1, 2)]
    c = Case("case-p016", "host_oom", "cpu-heavy-h100-2", hosts, gpu=H100)
    c.alert("SlurmJobFailed", "JobId=661022 rlhf-ppo FAILED: rank 9 exited with signal 9", s=0,
            job="rlhf-ppo", node="cpu-heavy-h100-1")
    out = deepspeed_steps(c, -85, 10, 880) + app_noise(c, 2)
    out += watchdog(c, 1, -5, 30021, op="BROADCAST", numel=4096, timeout_ms=300000)[:3]
    out += elastic_failure(c, -60, "cpu-heavy-h100-2", 9, 1, -9, sig="SIGKILL")
    c.log("rlhf-ppo/661022.out", out)
    j = kernel_noise(c, "cpu-heavy-h100-2", 3) + [
        sl(c, "cpu-heavy-h100-2", -62, "kernel: python3 invoked oom-killer: gfp_mask=0x140cca(GFP_HIGHUSER_MOVABLE|__GFP_COMP), "
           "order=0, oom_score_adj=0"),
        sl(c, "cpu-heavy-h100-2", -62, "kernel: Mem-Info:"),
        sl(c, "cpu-heavy-h100-2", -62, "kernel: active_anon:497301122 inactive_anon:1102 isolated_anon:0"),
        sl(c, "cpu-heavy-h100-2", -62, "kernel: oom-kill:constraint=CONSTRAINT_NONE,nodemask=(null),cpuset=/,"
           "mems_allowed=0-1,global_oom,task_memcg=/slurm/uid_1204/job_661022/step_0,task=python3,pid=150233,uid=1204"),
        sl(c, "cpu-heavy-h100-2", -62, "kernel: Out of memory: Killed process 150233 (python3) total-vm:412551220kB, "
           "anon-rss:371120044kB, file-rss:118220kB, shmem-rss:2097152kB, UID:1204 pgtables:731212kB oom_score_adj:0"),
        sl(c, "cpu-heavy-h100-2", -58, "slurmstepd[149877]: error: Detected 1 oom_kill event in StepId=661022.0. "
           "Some of the step tasks have been OOM Killed."),
    ]
    c.log("cpu-heavy-h100-2/journal", j)
    for h in hosts:
        c.node_metric("node_memory_MemAvailable_bytes", {"instance": h},
                      (lambda s: max(2.1e9, 1.6e12 - (s + 1200) * 1.35e9) if s < -60 else 1.42e12)
                      if h.endswith("2") else (lambda s: 1.21e12 + c.rng.uniform(-1e10, 1e10)), 0)
    sweep(c, "cpu-heavy-h100-2")
    return c


@case
def p017():
    hosts = ["neox-a100-%02d" % i for i in range(1, 5)]
    c = Case("case-p017", "loss_divergence", "job", hosts, gpu=A100)
    c.alert("LossNaN", "bloom-7b-cont: lm loss is NaN", s=0, job="bloom-7b-cont", node="neox-a100-01")
    lo = lambda i: 2.11 + c.rng.uniform(-0.02, 0.02) if i < 12 else (2.11 * (1.9 ** (i - 11)) if i < 17 else float("nan"))
    gn = lambda i: 0.31 * c.rng.uniform(0.9, 1.1) if i < 11 else (0.31 * (8 ** (i - 10)) if i < 17 else float("nan"))
    out = mlm(c, -600, 20, 18100, step_s=2.2, loss_fn=lo, grad_fn=gn, lr=3.0e-4,
                         nan_fn=lambda i: max(0, i - 16)) + app_noise(c, 3)
    out += ["[%s] WARNING: found NaN in local grad norm in backward pass on rank 0 (device 0)" % c.ymd(-520 + 20 * 2.2)]
    c.log("bloom-7b-cont/rank0.log", out)
    dcgm(c, "neox-a100-01", names=("util", "power", "dbe"))
    sweep(c, "neox-a100-01")
    return c


@case
def p018():
    hosts = ["v100ish-h100-%d" % i for i in (3, 4)]
    c = Case("case-p018", "fp16_loss_scale_collapse", "job", hosts, gpu=H100)
    c.alert("TrainingStalled", "t5-11b-fp16: run exited after repeated gradient overflow", s=0,
            job="t5-11b-fp16", node="v100ish-h100-3")
    out = []
    scale = 65536.0
    for i in range(18):
        t = -800 + 30 * i
        out.append("[%s] [INFO] [fused_optimizer.py:344:_update_scale] [deepspeed] OVERFLOW! Rank 0 Skipping step. "
                   "Attempted loss scale: %d, reducing to %d" % (c.ymd_ms(t), scale, max(1, scale / 2)))
        scale = max(1.0, scale / 2)
        if i % 3 == 0:
            out.append("[%s] [INFO] [logging.py:96:log_dist] [Rank 0] step=%d, skipped=%d, lr=[0.0001, 0.0001], "
                       "mom=[(0.9, 0.999)]" % (c.ymd_ms(t + 1), 40210 + i, 17 + i))
    out.append("[%s] [INFO] [fused_optimizer.py:345:_update_scale] Current loss scale already at minimum - cannot "
               "decrease scale anymore. Exiting run." % c.ymd_ms(-250))
    out += ["Exception: Current loss scale already at minimum - cannot decrease scale anymore. Exiting run."]
    c.log("t5-11b-fp16/rank0.log", deepspeed_steps(c, -1150, 6, 40190) + out)
    dcgm(c, "v100ish-h100-3", names=("util", "power"))
    sweep(c, "v100ish-h100-3")
    c.sdc("gpu.sdc@v100ish-h100-3")
    c.sdc("gpu.sdc@v100ish-h100-4")
    return c


@case
def p019():
    hosts = ["te-h100-%02d" % i for i in range(1, 5)]
    c = Case("case-p019", "fp8_scaling_overflow", "job", hosts, gpu=H100)
    c.alert("LossSpike", "llama3-8b-fp8: loss 2.3 -> 11.9 within 40 steps", s=0, job="llama3-8b-fp8",
            node="te-h100-01")
    lo = lambda i: 2.31 + c.rng.uniform(-0.02, 0.02) if i < 10 else min(11.9, 2.31 + 1.1 * (i - 9))
    out = mlm(c, -700, 22, 25100, loss_fn=lo, step_s=2.9) + app_noise(c, 2)
    mon = ["[%s] [fp8-monitor] step 25110 layer 17 fc2 fwd amax_history max=4.18e+02 scale=1.07e+00 "
           "saturated=0.00%%" % c.ymd(-670),
           "[%s] [fp8-monitor] step 25111 layer 17 fc2 fwd amax=inf scale=0.00e+00 (E4M3, margin 0, "
           "amax_history_len 1024, algo max)" % c.ymd(-667),
           "[%s] [fp8-monitor] step 25112 layer 17 fc2 fwd cast saturated=38.71%% of elements at +-448" % c.ymd(-664),
           "[%s] [fp8-monitor] step 25112 layer 18 qkv fwd amax=inf scale=0.00e+00" % c.ymd(-664),
           "[%s] [fp8-monitor] step 25113 layers with non-finite amax: 17,18,19,21 (fwd), 16,17 (bwd grad E5M2)" % c.ymd(-661),
           "[%s] [fp8-monitor] step 25120 scale_inv non-finite in 9 TE modules; bf16 shadow loss 2.33 vs fp8 loss 6.17" % c.ymd(-640)]
    c.log("llama3-8b-fp8/rank0.log", out + mon)
    dcgm(c, "te-h100-01", names=("util", "tensor"))
    sweep(c, "te-h100-01", gemm={})
    for h in hosts:
        c.sdc("gpu.sdc@" + h)
    return c

@case
def p020():
    hosts = ["moe-h200-%02d" % i for i in range(1, 9)]
    c = Case("case-p020", "moe_expert_imbalance", "job", hosts, gpu=H200)
    c.alert("StepTimeRegression", "mixtral-8x22b-cpt: step time 1.9x, all-to-all share 61%", s=0,
            job="mixtral-8x22b-cpt", node="moe-h200-01")
    st = lambda i: 6.2 if i < 8 else 6.2 + 0.5 * (i - 7)
    out = mlm(c, -900, 20, 73300, step_fn=st, step_s=6.2) + app_noise(c, 2)
    for k, t in enumerate((-700, -500, -300, -100)):
        top = 0.22 + 0.11 * k
        out.append("[%s] [router] layer 23 tokens/expert (EP=8, top-2, capacity_factor=1.25): max %.1f%% (expert 5) "
                   "min 0.4%% (expert 2) | dropped tokens %.1f%% | aux_loss %.4f | z_loss %.4f" % (
                       c.ymd(t), top * 100, 3.0 + 9.5 * k, 0.011 - 0.0025 * k, 0.0021))
    out += ["[%s] [router] 14 of 56 MoE layers over capacity on >10%% of tokens; expert 5 receives 3.1x its "
            "share in layers 19-31" % c.ymd(-95),
            "[%s] [timers] forward-backward: 9911.3 | all-to-all-dispatch: 3402.8 | all-to-all-combine: 2744.0 | "
            "optimizer: 410.2 (ms, max over ranks)" % c.ymd(-90)]
    c.log("mixtral-8x22b-cpt/rank0.log", out)
    dcgm(c, "moe-h200-01", names=("util", "power"))
    node_allreduce(c, hosts[:2])
    c.nccl("nccl.alltoall@job")
    return c


@case
def p021():
    hosts = ["r2-h100-%02d" % i for i in range(1, 5)]
    c = Case("case-p021", "straggler_rank", "r2-h100-03/gpu0", hosts, gpu=H100)
    c.alert("StragglerSuspected", "falcon-40b-cpt: rank 16 arrives last at 98% of all-reduces", s=0,
            job="falcon-40b-cpt", node="r2-h100-03", rank="16")
    out = fsdp_steps(c, -900, 24, 9120, step_fn=lambda i: 2.6 * c.rng.uniform(0.99, 1.01), step_s=2.0)
    out += ["%s straggler-detector: rank 16 (r2-h100-03, local 0) fwd+bwd 2395 ms vs median 1811 ms "
            "(+32%%), consistent over last 400 steps" % c.ymd(-60),
            "%s straggler-detector: next slowest rank 29 at +1.9%%" % c.ymd(-60)] + app_noise(c, 2)
    c.log("falcon-40b-cpt/straggler.log", out)
    dcgm(c, "r2-h100-03", names=("util", "clock", "temp", "power", "tensor"),
         over={"tensor": {0: lambda s, v: 0.35}})
    sweep(c, "r2-h100-03", gemm={0: 531.0}, hbm={})
    c.kernel_launch("gpu.kernel_launch@r2-h100-03/gpu0")
    c.kernel_launch("gpu.kernel_launch@r2-h100-03/gpu1")
    return c


@case
def p022():
    hosts = ["ds-a100-%02d" % i for i in range(1, 5)]
    c = Case("case-p022", "dataloader_stall", "job", hosts, gpu=A100)
    c.alert("GPUUtilLow", "wav2vec-xl: mean GPU util 31% over 15 min on all 32 GPUs", s=0,
            job="wav2vec-xl", node="ds-a100-01")
    st = lambda i: 0.9 if i < 4 else 2.9 * c.rng.uniform(0.8, 1.3)
    out = plain_steps(c, -900, 22, 60110, step_fn=st, step_s=0.9) + app_noise(c, 2)
    out += ["%s | WARN | data | batch fetch waited 2.41s (prefetch queue 0/8, 16 workers busy)" % c.ymd(-300),
            "%s | WARN | data | batch fetch waited 1.97s (prefetch queue 0/8, 16 workers busy)" % c.ymd(-200),
            "%s | INFO | data | augmentation pipeline: resample 48k->16k + spec-augment enabled by config change "
            "aug_v3 (commit 91b2e0c)" % c.ymd(-880)]
    c.log("wav2vec-xl/trainer.log", out)
    dcgm(c, "ds-a100-01", names=("util", "power"),
         over={"util": {g: after(-870, lambda s, v: 31 + c.rng.uniform(-8, 8)) for g in range(8)}})
    c.node_metric("node_cpu_seconds_rate", {"instance": "ds-a100-01", "mode": "user"},
                  lambda s: 0.41 if s < -870 else 0.98, 2)
    sweep(c, "ds-a100-01")
    node_allreduce(c, hosts[:1])
    return c


@case
def p023():
    hosts = ["lus-h100-%02d" % i for i in range(1, 5)]
    c = Case("case-p023", "storage_failure", "job", hosts, gpu=H100)
    c.alert("TrainingJobFailed", "gemma-27b-sft crashed while saving checkpoint iter_0030000", s=0,
            job="gemma-27b-sft", node="lus-h100-01")
    out = mlm(c, -60, 8, 29992, step_s=5.1) + app_noise(c, 2) + [
        "saving checkpoint at iteration   30000 to /lustre/proj/ckpt/gemma-27b-sft in torch_dist format",
        "[rank0]: Traceback (most recent call last):",
        '[rank0]:   File "/opt/megatron-lm/megatron/core/dist_checkpointing/strategies/filesystem_async.py", line 301, in write_preloaded_data',
        "[rank0]:     f.write(buf)",
        "[rank0]: OSError: [Errno 122] Disk quota exceeded: '/lustre/proj/ckpt/gemma-27b-sft/iter_0030000/__0_1.distcp'",
        "[rank7]: OSError: [Errno 122] Disk quota exceeded",
    ]
    c.log("gemma-27b-sft/rank0.log", out)
    c.log("lus-h100-01/quota", ["$ lfs quota -p 4102 /lustre", "Disk quotas for prj 4102 (pid 4102):",
                                "     Filesystem  kbytes   quota   limit   grace   files   quota   limit   grace",
                                "        /lustre 53687091200* 53687091200 53687091200       -  402211       0       0       -"])
    c.node_metric("lustre_project_used_bytes", {"project": "4102", "fs": "lustre"},
                  lambda s: min(5.4975581e13, 5.31e13 + (s + 1200) * 1.6e9 if s > -200 else 5.31e13 + c.rng.uniform(0, 1e9)), 0)
    sweep(c, "lus-h100-01")
    return c


@case
def p024():
    hosts = ["cx-h100-%02d" % i for i in (1, 2, 3, 4)]
    c = Case("case-p024", "launch_config_error", "job", hosts, gpu=H100)
    c.alert("JobStartTimeout", "pixtral-ft: no rank reached step 1 in 30 min", s=0, job="pixtral-ft",
            node="cx-h100-01")
    out = []
    for h in hosts[:3]:
        out += ["%s %d torch/distributed/elastic/agent/server/api.py:885] [default] Rendezvous complete for "
                "workers. Result:" % (c.glog(-1790), c.rng.randrange(1000, 9999)),
                "  restart_count=0", "  master_addr=cx-h100-01", "  master_port=29500",
                "  group_rank=%d" % hosts.index(h), "  group_world_size=3", "  local_ranks=[0, 1, 2, 3, 4, 5, 6, 7]",
                "  role_ranks=[%s]" % ", ".join(str(hosts.index(h) * 8 + k) for k in range(8)),
                "  global_world_size=24",
                "[%s socket.cpp:1019] [c10d] The client socket has timed out after 1800000ms while trying to "
                "connect to (cx-h100-01, 29500)." % c.glog(-30, "W")]
    out += ["[rank0]: WORLD_SIZE from env 32 != torchrun world 24; config expects tp=8 pp=4 (32 ranks)",
            "[rank0]: waiting in init_process_group(store=TCPStore, world_size=32) ..."]
    c.log("pixtral-ft/launcher.log", out)
    c.log("scheduler/events", [slurm_ctld(c, -1830, "sched: Allocate JobId=771230 NodeList=cx-h100-[01-04] "
                                         "#CPUs=384 Partition=gpu"),
                               slurm_ctld(c, -1828, "launch: srun --nodes=3 --ntasks-per-node=1 torchrun "
                                         "--nnodes=3 --nproc-per-node=8 (user script sets NNODES=3)")])
    for h in hosts:
        c.inventory("gpu.inventory@%s/gpu0" % h)
    return c


@case
def p025():
    hosts = ["ac-h100-%02d" % i for i in range(5, 9)]
    c = Case("case-p025", "rank_process_crash", "ac-h100-07/gpu4", hosts, gpu=H100)
    c.alert("NCCLError", "ac-ppo: IB completion errors on 24 ranks", s=0, job="ac-ppo", node="ac-h100-05")
    out = deepspeed_steps(c, -90, 8, 9810) + app_noise(c, 2)
    for r in (1, 6, 13, 27):
        h = hosts[r // 8]
        pid = c.rng.randrange(10000, 99999)
        out.append("%s:%d:%d [%d] NCCL WARN NET/IB : Got completion from peer 10.7.3.20<51722> with error 12, "
                   "opcode 129, len 0, vendor err 129 (Recv)" % (h, pid, pid + 31, r % 8))
    out += ["[rank6]: RuntimeError: NCCL communicator was aborted on rank 6. Original reason for failure was: "
            "NCCL error: remote process exited or there was a network error, NCCL version 2.19.3"]
    c.log("ac-ppo/ranks.log", out)
    r20 = ["[%s] [INFO] [reward.py:77] scoring 512 rollouts" % c.ymd_ms(-70),
           "[rank20]: Traceback (most recent call last):",
           '[rank20]:   File "/srv/ppo/reward.py", line 141, in score',
           "[rank20]:     ids = tok.encode(sample['response'])['input_ids']",
           "[rank20]: KeyError: 'response'",
           "[%s] [ERROR] rank 20 exiting with code 1" % c.ymd_ms(-68)]
    r20 += elastic_failure(c, -66, "ac-h100-07", 20, 4, 1)
    c.log("ac-h100-07/ppo-worker.log", r20)
    sweep(c, "ac-h100-07")
    for h in hosts:
        c.nccl("nccl.allreduce@" + h)
    return c

@case
def p026():
    hosts = ["a100-pool-b-%02d" % i for i in (14, 15, 16, 17)]
    c = Case("case-p026", "gpu_fallen_off_bus", "a100-pool-b-16/gpu5", hosts, gpu=A100, pci=ck.PCI_BUS_B)
    c.alert("PyTorchJobStuck", "pytorchjob speech-lm-3b: 31/32 ranks in watchdog timeout", s=0,
            namespace="speech", job="speech-lm-3b", node="a100-pool-b-14")
    out = deepspeed_steps(c, -760, 30, 4410, step_s=3.4) + app_noise(c, 3)
    out += many_watchdogs(c, [0, 7, 12, 25, 30], -40, 150318, op="_ALLGATHER_BASE", numel=33554432,
                          timeout_ms=600000)
    out += ["[rank0]:[%s ProcessGroupNCCL.cpp:1599] [PG 0 Rank 0] Heartbeat monitor timed out! Process will be "
            "terminated after dumping debug info. workMetaList_.size()=2" % c.glog(-30, "E")]
    c.log("speech/speech-lm-3b-master-0/pytorch", out)
    ev = k8s_events(c, "speech", [
        (-1130, "Normal", "Started", "pod/speech-lm-3b-worker-1", "Started container pytorch"),
        (-1700, "Warning", "FailedScheduling", "pod/eval-sidecar-7f9c", "0/40 nodes are available: 40 Insufficient nvidia.com/gpu."),
        (-1390, "Normal", "NodeHasSufficientMemory", "node/a100-pool-b-16", "Node a100-pool-b-16 status is now: NodeHasSufficientMemory"),
        (-1200, "Normal", "Pulled", "pod/tb-writer-0", "Container image \"tensorboard:2.15\" already present on machine"),
        (-600, "Warning", "Unhealthy", "pod/dcgm-exporter-x8k2p", "Liveness probe failed: Get \"http://10.42.16.3:9400/health\": context deadline exceeded"),
    ])
    c.log("scheduler/events", ev)
    dcgm(c, "a100-pool-b-16", lost=(5, -655), names=("temp", "power", "util"))
    dcgm(c, "a100-pool-b-15", names=("util",))
    sweep(c, "a100-pool-b-16", skip=(5,))
    c.inventory("gpu.inventory@a100-pool-b-16/gpu5", count=7, details={"driver": "535.183.01", "cuda": "12.2"})
    c.errored("gpu.health@a100-pool-b-16/gpu5", "NVML: Unable to determine the device handle for GPU "
              "0000:%s:00.0: Unknown Error" % c.pci[5], duration=0.3)
    c.errored("nccl.allreduce@a100-pool-b-16", "ncclUnhandledCudaError: Call to CUDA function failed "
              "(cudaErrorDevicesUnavailable) while creating a communicator over 8 local GPUs", duration=3.1)
    c.nccl("nccl.allreduce@a100-pool-b-15")
    return c


@case
def p027():
    hosts = ["nv-h200-%03d" % i for i in (301, 302, 303, 304)]
    c = Case("case-p027", "gpu_memory_uncorrectable_ecc", "nv-h200-303/gpu0", hosts, gpu=H200)
    c.alert("NCCLError", "nemotron-cpt: ncclRemoteError on 28 ranks", s=0, job="nemotron-cpt",
            node="nv-h200-301")
    out = mlm(c, -141, 9, 120030, step_s=7.3) + app_noise(c, 2)
    for r in (2, 9, 14, 28):
        h = hosts[r // 8]
        pid = c.rng.randrange(10000, 99999)
        out.append("%s:%d:%d [%d] NCCL WARN NET/IB : Got completion from peer 10.3.3.16<44012> with status="
                   "IBV_WC_REM_ACCESS_ERR(10) opcode=IBV_WC_RECV(128) reqSize=0 vendor_err=136 req_type=Recv "
                   "localGid ::ffff:10.3.%d.%d remoteGids::ffff:10.3.3.16 hca mlx5_%d" % (
                       h, pid, pid + 12, r % 8, r // 8, r, r % 8))
    c.log("nemotron-cpt/stderr", out)
    r16 = ["[rank16]: RuntimeError: CUDA error: uncorrectable ECC error encountered",
           "[rank16]: Compile with `TORCH_USE_CUDA_DSA` to enable device-side assertions.",
           "[rank16]: Exception raised from c10_cuda_check_implementation at ../c10/cuda/CUDAException.cpp:43"]
    c.log("nv-h200-303/rank16.err", r16)
    d = kernel_noise(c, "nv-h200-303", 5, fmt="dmesg") + [
        xid(c, 0, -75, 94, "Contained: SM (0x1). RST: No, D-RST: No", pid=99120, name="pt_main_thread"),
        dm(c, -75, "NVRM: Xid (PCI:0000:%s:00): 63, pid=99120, name=pt_main_thread, Row Remapper: New row "
           "(0x000000000a1f7e40) marked for remapping, reset gpu to activate." % c.pci[0]),
    ]
    c.log("nv-h200-303/dmesg", d)
    dcgm(c, "nv-h200-303", names=("util", "dbe", "xid"),
         over={"dbe": {0: after(-75, lambda s, v: 1)}, "xid": {0: after(-75, lambda s, v: 94)}})
    sweep(c, "nv-h200-303", bad={0: dict(ecc_dbe_volatile=1, ecc_dbe_aggregate=1, xid_last=94,
                                         remapped_rows_uncorrectable=1)})
    for h in hosts:
        c.nccl("nccl.sendrecv@" + h)
    return c


@case
def p028():
    hosts = ["g4-h100-%02d" % i for i in (31, 32)]
    c = Case("case-p028", "gpu_row_remap_failure", "g4-h100-32/gpu3", hosts, gpu=H100)
    c.alert("JobRequeueLoop", "codegen-15b requeued 3 times in 2 h; last failure on g4-h100-32", s=0,
            job="codegen-15b", node="g4-h100-32")
    out = []
    for k, t in enumerate((-6900, -3700, -400)):
        out += ["%s slurmstepd: error: *** JOB 4419210 ON g4-h100-32 CANCELLED AT %s DUE TO NODE FAILURE ***" % (
                    c.ymd(t), c.iso(t)[:-1]) if k == 0 else
                "%s codegen-15b restart %d from iter_0%d000" % (c.ymd(t - 300), k, 18 + k),
                "%s [rank11]: RuntimeError: CUDA error: uncorrectable ECC error encountered" % c.ymd(t),
                "%s srun: error: g4-h100-32: task 11: Exited with exit code 1" % c.ymd(t + 2)]
    out += mlm(c, -690, 10, 20001, step_s=6.1) + app_noise(c, 3)
    c.log("codegen-15b/slurm-4419210.out", out)
    c.log("g4-h100-32/journal", kernel_noise(c, "g4-h100-32", 6) + [
        sl(c, "g4-h100-32", -1150, "nvidia-persistenced[2211]: Verbose syslog connection opened"),
        sl(c, "g4-h100-32", -1149, "systemd[1]: Started NVIDIA Persistence Daemon.")])
    dcgm(c, "g4-h100-32", names=("util", "power"))
    sweep(c, "g4-h100-32", bad={3: dict(remap_failure=1, remapped_rows_uncorrectable=512,
                                        remapped_rows_correctable=0, xid_last=64, ecc_dbe_aggregate=3)})
    return c


@case
def p029():
    hosts = ["ks-h100-%02d" % i for i in range(61, 65)]
    c = Case("case-p029", "gpu_firmware_error", "ks-h100-64/gpu6", hosts, gpu=H100)
    c.alert("PodFailed", "pytorchjob rm-70b-reward worker-3 Error, job failed", s=0, namespace="rlhf",
            job="rm-70b-reward", node="ks-h100-64")
    w3 = deepspeed_steps(c, -210, 6, 2201, rank=24) + [
        "[rank30]: RuntimeError: CUDA error: unspecified launch failure",
        "[rank30]: CUDA kernel errors might be asynchronously reported at some other API call, so the stacktrace "
        "below might be incorrect.",
    ] + elastic_failure(c, -190, "rm-70b-reward-worker-3", 30, 6, 1)
    c.log("rlhf/rm-70b-reward-worker-3/pytorch", w3)
    j = kernel_noise(c, "ks-h100-64", 5) + [
        sl(c, "ks-h100-64", -196, "kernel: NVRM: Xid (PCI:0000:%s:00): 120, pid=230112, name=python, GSP task "
           "timeout @ pc:0x5c23eb4, task: 1" % c.pci[6]),
        sl(c, "ks-h100-64", -196, "kernel: NVRM:     Reported by libos task:0 v2.0 [0] @ ts:1762231190"),
        sl(c, "ks-h100-64", -196, "kernel: NVRM:     RISC-V CSR State:"),
        sl(c, "ks-h100-64", -196, "kernel: NVRM:     mstatus:0x0000000a00000000  mscratch:0x0000000000000000   mie:0x0000000000000880"),
        sl(c, "ks-h100-64", -195, "kernel: NVRM: Xid (PCI:0000:%s:00): 154, GPU recovery action changed from 0x0 "
           "(None) to 0x1 (GPU Reset Required)" % c.pci[6]),
    ]
    c.log("ks-h100-64/journal", j)
    dcgm(c, "ks-h100-64", names=("util", "power", "xid"), over={"xid": {6: after(-196, lambda s, v: 120)}})
    sweep(c, "ks-h100-64", bad={6: dict(xid_last=120)})
    return c


@case
def p030():
    hosts = ["pdx-h100-%02d" % i for i in (8, 9, 10, 11)]
    c = Case("case-p030", "nvlink_error", "pdx-h100-10/gpu6", hosts, gpu=H100)
    c.alert("StragglerSuspected", "olmo-32b: rank 22 last to arrive in 91% of reduce-scatters", s=0,
            job="olmo-32b", node="pdx-h100-10", rank="22")
    st = lambda i: 3.6 if i < 5 else 4.9 * c.rng.uniform(0.98, 1.02)
    out = fsdp_steps(c, -1000, 22, 40120, step_fn=st, step_s=3.6) + app_noise(c, 3)
    out += ["%s [straggler] slowest rank 22 (pdx-h100-10 gpu6) reduce-scatter wait p50 412 ms vs 35 ms; "
            "second slowest rank 19 (pdx-h100-10 gpu3) 388 ms" % c.ymd(-30)]
    c.log("olmo-32b/rank0.out", out)
    c.log("pdx-h100-10/journal", kernel_noise(c, "pdx-h100-10", 8))
    dcgm(c, "pdx-h100-10", names=("util", "clock", "temp", "nvl_bw"),
         over={"nvl_bw": {6: after(-900, lambda s, v: v * 0.52), 3: after(-900, lambda s, v: v * 0.7)}})
    sweep(c, "pdx-h100-10", bad={6: dict(nvlink_links_up=16, nvlink_crc_errors_per_s=2210.0,
                                         nvlink_crc_errors=3210440, nvlink_recovery_errors=9)},
          gemm={})
    c.nccl("nccl.p2p_matrix@pdx-h100-10", busbw=44.0,
           details={"slowest_pair": "gpu3->gpu6", "median_pair_gb_s": 358.0, "pairs_below_threshold": 14})
    for h in ("pdx-h100-09", "pdx-h100-11"):
        c.nccl("nccl.p2p_matrix@" + h)
    node_allreduce(c, hosts, bad={"pdx-h100-10": 211.0})
    return c

@case
def p031():
    hosts = ["sj-h200-%02d" % i for i in range(1, 5)]
    c = Case("case-p031", "gpu_thermal_throttle", "sj-h200-02", hosts, gpu=H200)
    c.alert("StragglerSuspected", "llava-next-34b: ranks 8-15 slow (all on sj-h200-02)", s=0,
            job="llava-next-34b", node="sj-h200-02")
    st = lambda i: 2.4 if i < 7 else 3.5 * c.rng.uniform(0.98, 1.03)
    out = mlm(c, -1150, 26, 8800, step_fn=st, step_s=2.4) + app_noise(c, 2)
    c.log("llava-next-34b/rank0.log", out)
    sel = ["   1 | %s | Power Supply #0x63 | Presence detected | Asserted" % c.at(-86000).strftime("%m/%d/%Y | %H:%M:%S"),
           "   2 | %s | Fan #0x31 | Lower Critical going low  | Asserted | Reading 0 < Threshold 1680 RPM" % c.at(-1010).strftime("%m/%d/%Y | %H:%M:%S"),
           "   3 | %s | Fan #0x32 | Lower Critical going low  | Asserted | Reading 0 < Threshold 1680 RPM" % c.at(-1009).strftime("%m/%d/%Y | %H:%M:%S"),
           "   4 | %s | Temperature #0x5a | Upper Non-critical going high | Asserted | GPU_BASEBOARD_TEMP 71 C" % c.at(-900).strftime("%m/%d/%Y | %H:%M:%S")]
    c.log("sj-h200-02/ipmi-sel", sel + kernel_noise(c, "sj-h200-02", 4))
    hot = {g: lambda s, v: v if s < -1000 else min(92, v + (s + 1000) / 25) for g in range(8)}
    clk = {g: after(-860, lambda s, v: 1410 + c.rng.uniform(-90, 60)) for g in range(8)}
    dcgm(c, "sj-h200-02", names=("temp", "clock", "power", "throttle"),
         over={"temp": hot, "clock": clk, "throttle": {g: after(-860, lambda s, v: 0x20) for g in range(8)}})
    dcgm(c, "sj-h200-03", names=("temp", "clock"))
    sweep(c, "sj-h200-02", bad={g: dict(temperature_c=88 + g % 4, hbm_temperature_c=90, sm_clock_mhz=1395 + 10 * g,
                                        clock_event_reasons=0x60) for g in range(8)})
    sweep(c, "sj-h200-03")
    return c


@case
def p032():
    hosts = ["mi-h100-%02d" % i for i in (21, 22, 23, 24)]
    c = Case("case-p032", "gpu_power_throttle", "mi-h100-23", hosts, gpu=H100, pci=ck.PCI_BUS_B)
    c.alert("StepTimeRegression", "sd3-finetune: step time 1.6x for 18 min", s=0, job="sd3-finetune",
            node="mi-h100-21")
    st = lambda i: 1.1 if i < 8 else 1.75 * c.rng.uniform(0.97, 1.03)
    out = plain_steps(c, -1100, 30, 9110, step_fn=st, step_s=1.1) + app_noise(c, 3)
    c.log("sd3-finetune/train.log", out)
    c.log("mi-h100-23/journal", kernel_noise(c, "mi-h100-23", 7))
    dcgm(c, "mi-h100-23", names=("util", "power"),
         over={"power": {g: after(-1000, lambda s, v: v * 0.55) for g in range(8)}})
    dcgm(c, "mi-h100-22", names=("util", "power"))
    sweep(c, "mi-h100-23", bad={g: dict(clock_event_reasons=0x88, sm_clock_mhz=1020 + 15 * g, power_w=318 + g)
                                for g in range(8)}, gemm={g: 371.0 + 4 * g for g in range(8)})
    sweep(c, "mi-h100-22", gemm={})
    return c


@case
def p033():
    hosts = ["h200-ibm-%02d" % i for i in (3, 4)]
    c = Case("case-p033", "pcie_link_degraded", "h200-ibm-04/gpu1", hosts, gpu=H200)
    c.alert("GPUUtilLow", "clip-vit-h: GPU util of rank 9 at 41% while peers wait", s=0, job="clip-vit-h",
            node="h200-ibm-04", rank="9")
    out = plain_steps(c, -900, 24, 31100, step_fn=lambda i: 1.42 * c.rng.uniform(0.98, 1.02), step_s=0.95)
    out += ["%s | WARN | perf | rank 9 data_time 0.58s vs rank-median 0.07s (pin_memory on, 12 workers)" % c.ymd(-200),
            "%s | WARN | perf | rank 9 data_time 0.61s vs rank-median 0.06s" % c.ymd(-100)] + app_noise(c, 2)
    c.log("clip-vit-h/trainer.log", out)
    dcgm(c, "h200-ibm-04", names=("util", "pcie_rx"),
         over={"util": {1: lambda s, v: 41 + c.rng.uniform(-4, 4)}, "pcie_rx": {1: lambda s, v: v * 0.24}})
    sweep(c, "h200-ibm-04", bad={1: dict(pcie_link_gen=3, pcie_link_width=16)}, pcie={1: (12.9, 12.1)})
    sweep(c, "h200-ibm-03", pcie={})
    return c


@case
def p034():
    hosts = ["x9-h100-%02d" % i for i in range(1, 9)]
    c = Case("case-p034", "gpu_silent_data_corruption", "x9-h100-05/gpu5", hosts, gpu=H100)
    c.alert("LossNaN", "mistral-22b-pt: NaN loss at iteration 88120 (job paused by rerun machine)", s=0,
            job="mistral-22b-pt", node="x9-h100-01")
    out = mlm(c, -700, 14, 88106, step_s=5.0) + app_noise(c, 2) + [
        "[%s] WARNING:megatron.core.rerun_state_machine:Unexpected result nan on rank 37 at iteration #88120 "
        "invocation #1 (message='found NaN in local forward loss calculation')" % c.ymd(-25),
        "[%s] WARNING:megatron.core.rerun_state_machine:Rerunning iteration #88120 on the same GPU" % c.ymd(-24),
        "[%s] WARNING:megatron.core.rerun_state_machine:First rerun: unexpected result is not reproducible "
        "within the tolerance (nan != 2.0121)" % c.ymd(-18),
        "[%s] WARNING:megatron.core.rerun_state_machine:Possible transient error!" % c.ymd(-18),
        "[%s] INFO:megatron.core.rerun_state_machine:Checkpointing and exiting with code 16 for re-run on "
        "different hardware" % c.ymd(-12),
    ]
    c.log("mistral-22b-pt/rank0.log", out)
    c.log("x9-h100-05/journal", kernel_noise(c, "x9-h100-05", 5))
    dcgm(c, "x9-h100-05", names=("temp", "dbe", "xid"))
    sweep(c, "x9-h100-05", gemm={})
    c.sdc("gpu.sdc@x9-h100-05", mismatched=212, bad_gpu="gpu5")
    c.sdc("gpu.sdc@x9-h100-04")
    return c


@case
def p035():
    hosts = ["roce-h100-%02d" % i for i in range(1, 9)]
    c = Case("case-p035", "ib_link_failure", "roce-h100-07/mlx5_2", hosts, gpu=H100)
    c.alert("StepTimeRegression", "qwen2-57b-moe: step time +48% for 20 min, no errors logged", s=0,
            job="qwen2-57b-moe", node="roce-h100-01")
    st = lambda i: 8.1 if i < 3 else 12.0 * c.rng.uniform(0.95, 1.07)
    out = mlm(c, -1150, 20, 31230, step_fn=st, step_s=8.1) + app_noise(c, 3)
    out += ["[%s] [timers] all-reduce-dp: max 4120.2 ms (rank 50) min 1221.0 ms (rank 3)" % c.ymd(-60),
            "[%s] [timers] all-reduce-dp: max 4403.7 ms (rank 53) min 1190.2 ms (rank 11)" % c.ymd(-20)]
    c.log("qwen2-57b-moe/rank0.log", out)
    for h in ("roce-h100-07", "roce-h100-03"):
        for dev in range(8):
            bad = h == "roce-h100-07" and dev == 2
            c.node_metric("rdma_port_rx_symbol_errors_total",
                          {"instance": h, "device": "mlx5_%d" % dev, "port": "1"},
                          (lambda s: 12 + max(0, s + 1100) * 41) if bad else (lambda s: 0), 0)
            c.node_metric("rdma_np_cnp_sent_total", {"instance": h, "device": "mlx5_%d" % dev},
                          (lambda s: 5000 + (s + 1200) * 3), 0)
    node_allreduce(c, hosts)
    c.nccl("nccl.allreduce@job", busbw=71.0)
    c.nccl("nccl.sendrecv@roce-h100-07", busbw=9.8, details={"slowest_nic": "mlx5_2", "per_nic_gb_s_min": 9.8,
                                                           "per_nic_gb_s_median": 46.1})
    for h in ("roce-h100-06", "roce-h100-08"):
        c.nccl("nccl.sendrecv@" + h)
    return c


@case
def p036():
    hosts = ["bm-h200-%02d" % i for i in range(1, 5)]
    c = Case("case-p036", "nccl_network_misconfig", "bm-h200-04", hosts, gpu=H200)
    c.alert("JobStartFailed", "phi-moe-sft: NCCL init failed on 8 ranks", s=0, job="phi-moe-sft",
            node="bm-h200-01")
    out = []
    for r in (24, 26, 29):
        pid = c.rng.randrange(10000, 99999)
        out += ["bm-h200-04:%d:%d [%d] NCCL INFO Bootstrap : Using bond0:10.20.0.44<0>" % (pid, pid, r % 8),
                "bm-h200-04:%d:%d [%d] misc/socket.cc:484 NCCL WARN socketStartConnect: Connect to "
                "10.20.0.41<43117> failed : Software caused connection abort" % (pid, pid + 77, r % 8),
                "bm-h200-04:%d:%d [%d] NCCL INFO misc/socket.cc:565 -> 2" % (pid, pid + 77, r % 8),
                "bm-h200-04:%d:%d [%d] NCCL INFO bootstrap.cc:259 -> 2" % (pid, pid + 77, r % 8)]
    out += ["[rank24]: torch.distributed.DistBackendError: NCCL error in: ../torch/csrc/distributed/c10d/"
            "ProcessGroupNCCL.cpp:2006, unhandled system error (run with NCCL_DEBUG=INFO for details), "
            "NCCL version 2.21.5",
            "[rank24]: ncclSystemError: System call (e.g. socket, malloc) or external library call failed or "
            "device error.",
            "[rank24]: Last error:",
            "[rank24]: socketStartConnect: Connect to 10.20.0.41<43117> failed : Software caused connection abort"]
    out += ["%s:1:1 [0] NCCL INFO Bootstrap : Using bond0:10.20.0.%d<0>" % (h, 41 + i) for i, h in enumerate(hosts[:3])]
    c.log("phi-moe-sft/ranks.log", out)
    j = kernel_noise(c, "bm-h200-04", 4) + [
        sl(c, "bm-h200-04", -3600, "ansible-playbook[55120]: role=hardening task=\"apply nftables baseline\" changed=1"),
        sl(c, "bm-h200-04", -3599, "systemd[1]: Reloading nftables.service - nftables..."),
        sl(c, "bm-h200-04", -3599, "nft[55190]: table inet filter: chain output policy drop, allow tcp dport {22, 9100, 6817-6819}"),
        sl(c, "bm-h200-04", -40, "kernel: nft_reject: OUTPUT DROP IN= OUT=bond0 SRC=10.20.0.44 DST=10.20.0.41 "
           "PROTO=TCP SPT=51122 DPT=43117"),
    ]
    c.log("bm-h200-04/journal", j)
    node_allreduce(c, hosts)
    c.errored("nccl.allreduce@job", "bootstrap failed: bm-h200-04 could not connect to the root "
              "(socketStartConnect: Software caused connection abort)", duration=30.2)
    return c

@case
def p037():
    hosts = ["tt-h200-%02d" % i for i in range(1, 5)]
    c = Case("case-p037", "nccl_collective_hang", "tt-h200-02/gpu3", hosts, gpu=H200)
    c.alert("NCCLWatchdogTimeout", "torchtitan-70b: collective timeout on ranks 0-31 except 11", s=0,
            job="torchtitan-70b", node="tt-h200-01")
    out = fsdp_steps(c, -641, 8, 5510, step_s=2.6) + app_noise(c, 2)
    out += many_watchdogs(c, [0, 4, 17, 28], -20, 33107, op="_REDUCE_SCATTER_BASE", numel=134217728)
    out += ["[rank0]:[%s ProcessGroupNCCL.cpp:1268] [PG 1 (dp_shard) Rank 0] Flight recorder: rank 11 has not "
            "joined collective seq 33107; last collective seq 33106 (ALLGATHER, completed)" % c.glog(-15, "W")]
    c.log("torchtitan-70b/all.log", out)
    st = ["$ py-spy dump --pid 77120 --native   # rank 11 on tt-h200-02",
          "Thread 77120 (idle): \"MainThread\"",
          "    synchronize (torch/cuda/streams.py:105)",
          "    _wait_for_pending_h2d (titan/offload/cpu_adam.py:212)",
          "    step (titan/offload/cpu_adam.py:188)",
          "    train_step (titan/train.py:402)",
          "Thread 77391 (idle): \"offload-copy\"",
          "    __lock_acquire (pthread_mutex_lock)",
          "    cudaStreamSynchronize (libcudart.so.12)",
          "    at::native::copy_ (libtorch_cuda.so)",
          "    _copy_bucket (titan/offload/cpu_adam.py:91)"]
    c.log("tt-h200-02/pyspy-rank11.txt", st)
    dcgm(c, "tt-h200-02", names=("util", "power"),
         over={"util": {g: after(-620, (lambda s, v: 100) if g != 3 else (lambda s, v: 0)) for g in range(8)},
               "power": {3: after(-620, lambda s, v: 131)}})
    sweep(c, "tt-h200-02")
    node_allreduce(c, hosts)
    return c


@case
def p038():
    hosts = ["gx-h100-%02d" % i for i in range(1, 3)]
    c = Case("case-p038", "cuda_oom", "job", hosts, gpu=H100)
    c.alert("JobFailed", "yi-34b-sft failed at step 1 on all 16 ranks", s=0, job="yi-34b-sft", node="gx-h100-01")
    out = ["%s - INFO - config: micro_batch_size 4 -> 8 (override from run-card v7), seq_len 8192, zero_stage 2, "
           "activation_checkpointing false" % c.ymd(-300)] + app_noise(c, 4)
    for r in (0, 5, 9, 14):
        out += ["[rank%d]: RuntimeError: CUDA out of memory. Tried to allocate 4.00 GiB (GPU %d; 79.10 GiB total "
                "capacity; 71.84 GiB already allocated; 2.91 GiB free; 74.22 GiB reserved in total by PyTorch) If "
                "reserved memory is >> allocated memory try setting max_split_size_mb to avoid fragmentation.  See "
                "documentation for Memory Management and PYTORCH_CUDA_ALLOC_CONF" % (r, r % 8)]
    out += elastic_failure(c, -200, "gx-h100-01", 0, 0, 1)
    c.log("yi-34b-sft/launcher.log", out)
    dcgm(c, "gx-h100-01", names=("fb", "util"),
         over={"fb": {g: lambda s, v: v if s < -280 else (78800 if s < -200 else 600) for g in range(8)},
               "util": {g: after(-200, lambda s, v: 0) for g in range(8)}})
    sweep(c, "gx-h100-01")
    return c


@case
def p039():
    hosts = ["ds-h100-%02d" % i for i in range(11, 15)]
    c = Case("case-p039", "illegal_memory_access", "ds-h100-12/gpu5", hosts, gpu=H100)
    c.alert("NCCLWatchdogTimeout", "ner-multilingual: watchdog timeouts on 31 ranks", s=0,
            job="ner-multilingual", node="ds-h100-11")
    out = deepspeed_steps(c, -653, 10, 7710) + app_noise(c, 2)
    out += many_watchdogs(c, [0, 3, 19, 27], -30, 62210)
    c.log("ner-multilingual/rank0-merged.log", out)
    r13 = ["../aten/src/ATen/native/cuda/Indexing.cu:1289: indexSelectLargeIndex: block: [%d,0,0], thread: [%d,0,0] "
           "Assertion `srcIndex < srcSelectDimSize` failed." % (b, t) for b, t in ((211, 64), (211, 65), (211, 66), (398, 0))]
    r13 += ["[rank13]: RuntimeError: CUDA error: device-side assert triggered",
            "[rank13]: CUDA kernel errors might be asynchronously reported at some other API call, so the "
            "stacktrace below might be incorrect.",
            "[rank13]: note: shard 'wikiann-xx-0412' tokenized with tokenizer v2 (vocab 250112); model embedding "
            "has 250002 rows"]
    c.log("ds-h100-12/rank13.err", r13)
    c.log("ds-h100-12/dmesg", kernel_noise(c, "ds-h100-12", 3, fmt="dmesg") + [
        xid(c, 5, -630, 43, "Ch 00000008", pid=61220, name="python3")])
    sweep(c, "ds-h100-12", bad={5: dict(xid_last=43)})
    return c


@case
def p040():
    hosts = ["pool-c-h200-%02d" % i for i in (7, 8)]
    c = Case("case-p040", "host_oom", "pool-c-h200-08", hosts, gpu=H200)
    c.alert("PodOOMKilled", "pytorchjob wm-video-13b worker-1 OOMKilled (exit 137)", s=0, namespace="video",
            job="wm-video-13b", node="pool-c-h200-08")
    ev = k8s_events(c, "video", [
        (-1100, "Normal", "Started", "pod/wm-video-13b-worker-1", "Started container pytorch"),
        (-95, "Warning", "OOMKilling", "node/pool-c-h200-08", "Memory cgroup out of memory: Killed process 3922811 "
         "(pt_data_worker) total-vm:61220312kB, anon-rss:58120220kB, file-rss:81234kB, shmem-rss:0kB, UID:0 pgtables:114228kB oom_score_adj:-997"),
        (-94, "Warning", "OOMKilling", "node/pool-c-h200-08", "Memory cgroup out of memory: Killed process 3921004 "
         "(python) total-vm:182004412kB, anon-rss:121992012kB, file-rss:401220kB, shmem-rss:8388608kB, UID:0 pgtables:301112kB oom_score_adj:-997"),
        (-90, "Normal", "Killing", "pod/wm-video-13b-worker-1", "Stopping container pytorch"),
        (-88, "Warning", "BackOff", "pod/wm-video-13b-worker-1", "Back-off restarting failed container pytorch in pod wm-video-13b-worker-1"),
        (-60, "Normal", "SuccessfulDelete", "pytorchjob/wm-video-13b", "Deleted pod: wm-video-13b-worker-0"),
    ])
    c.log("scheduler/events", ev)
    w0 = fsdp_steps(c, -117, 12, 3120) + app_noise(c, 2) + [
        "[rank3]: torch.distributed.DistBackendError: NCCL error in: ../torch/csrc/distributed/c10d/"
        "ProcessGroupNCCL.cpp:1970, remote process exited or there was a network error, NCCL version 2.21.5",
        "[rank3]: ncclRemoteError: A call failed possibly due to a network error or a remote process exiting "
        "prematurely.",
        "[rank3]: Last error:",
        "[rank3]: socketProgress: Connection closed by remote peer wm-video-13b-worker-1.video.svc<49322>"]
    c.log("video/wm-video-13b-worker-0/pytorch", w0)
    c.node_metric("container_memory_working_set_bytes", {"pod": "wm-video-13b-worker-1", "node": "pool-c-h200-08"},
                  lambda s: min(1.9e11, 0.9e11 + (s + 1200) * 1.0e8) if s < -90 else 4.1e9, 0)
    c.node_metric("container_memory_working_set_bytes", {"pod": "wm-video-13b-worker-0", "node": "pool-c-h200-07"},
                  lambda s: 1.02e11 + c.rng.uniform(-2e9, 2e9), 0)
    sweep(c, "pool-c-h200-08")
    return c

@case
def p041():
    hosts = ["titan-h100-%02d" % i for i in range(1, 9)]
    c = Case("case-p041", "loss_divergence", "job", hosts, gpu=H100)
    c.alert("LossSpike", "llama-13b-long: loss 1.98 -> 7.4 and not recovering (bf16, no loss scaling)", s=0,
            job="llama-13b-long", node="titan-h100-01")
    lo = lambda i: 1.98 + c.rng.uniform(-0.02, 0.02) if i < 14 else 7.4 + c.rng.uniform(-0.3, 0.3)
    out = fsdp_steps(c, -900, 30, 61000, loss_fn=lo, step_s=1.9) + app_noise(c, 2)
    out += ["[rank0]:[titan] %s - root - WARNING - grad_norm 4.127e+03 at step 61014 (clip 1.0); lr 3.00e-04 "
            "after warmup restart of rope-scaling phase" % c.ymd_ms(-870),
            "[rank0]:[titan] %s - root - WARNING - grad_norm 9.882e+02 at step 61015" % c.ymd_ms(-868)]
    c.log("llama-13b-long/rank0.log", out)
    dcgm(c, "titan-h100-01", names=("util", "power"))
    sweep(c, "titan-h100-01")
    for h in hosts[:2]:
        c.sdc("gpu.sdc@" + h)
    return c


@case
def p042():
    hosts = ["fp16-a100-%02d" % i for i in range(1, 5)]
    c = Case("case-p042", "fp16_loss_scale_collapse", "job", hosts, gpu=A100)
    c.alert("SkippedIterations", "gpt2-xl-fp16: 180 skipped iterations in last 200", s=0, job="gpt2-xl-fp16",
            node="fp16-a100-01")
    sc = lambda i: max(1.0, 32768.0 / (2 ** i))
    sk = lambda i: 20 + 10 * i
    out = mlm(c, -900, 20, 230010, step_s=1.2, scale_fn=sc, skipped_fn=sk,
                         loss_fn=lambda i: 2.71 + c.rng.uniform(-0.01, 0.01), grad_fn=lambda i: float("nan") if i % 2 else 9.1e4)
    c.log("gpt2-xl-fp16/rank0.log", out + app_noise(c, 3))
    dcgm(c, "fp16-a100-01", names=("util",))
    sweep(c, "fp16-a100-01")
    return c


@case
def p043():
    hosts = ["fp8-h200-%02d" % i for i in range(1, 5)]
    c = Case("case-p043", "fp8_scaling_overflow", "job", hosts, gpu=H200)
    c.alert("GradNormInf", "nemo-gpt-15b-fp8: grad norm inf on 30 consecutive steps", s=0,
            job="nemo-gpt-15b-fp8", node="fp8-h200-01")
    out = []
    for i in range(16):
        t = -800 + 45 * i
        gn = "inf" if i >= 4 else "%.3f" % (0.41 * c.rng.uniform(0.9, 1.1))
        out.append("Epoch 0: : %d/120000 [%s] reduced_train_loss=%.3f, global_step=%d, consumed_samples=%d, "
                   "grad_norm=%s, train_step_timing in s=3.42" % (
                       44100 + i, c.ymd(t), 2.4 + (0.3 * (i - 4) if i > 4 else 0), 44100 + i, (44100 + i) * 512, gn))
    out += ["%s [NeMo W transformer_engine] Detected non-finite values in FP8 amax for 'decoder.layers.31.mlp.linear_fc2' "
            "(fwd weight); scale set to 1/inf=0" % c.ymd(-620),
            "%s [NeMo W transformer_engine] fp8 recipe DelayedScaling(margin=0, fp8_format=HYBRID, amax_history_len=16, "
            "amax_compute_algo='most_recent')" % c.ymd(-619),
            "%s [NeMo W] 27 TE modules report scale_inv=inf after amax reduction across tp group" % c.ymd(-400)]
    c.log("nemo-gpt-15b-fp8/nemo_log_globalrank-0.txt", out + app_noise(c, 3))
    dcgm(c, "fp8-h200-01", names=("util", "tensor"))
    sweep(c, "fp8-h200-01")
    c.sdc("gpu.sdc@fp8-h200-01")
    return c


@case
def p044():
    hosts = ["ep-h100-%02d" % i for i in range(1, 9)]
    c = Case("case-p044", "moe_expert_imbalance", "job", hosts, gpu=H100)
    c.alert("StragglerSuspected", "ds-moe-52b: EP ranks 20-23 slowest in 95% of steps", s=0, job="ds-moe-52b",
            node="ep-h100-03")
    st = lambda i: 3.0 + 0.12 * i
    out = deepspeed_steps(c, -1100, 18, 9900, step_fn=st, step_s=3.0) + app_noise(c, 2)
    out += ["[%s] [INFO] [moe/sharded_moe.py:511] layer 14 gate: exp_counts=[22211, 190, 402, 87, 39112, 512, 611, 1023] "
            "capacity=8192 dropped=45921 (44.9%%)" % c.ymd_ms(-200),
            "[%s] [INFO] [moe/sharded_moe.py:511] layer 15 gate: exp_counts=[19821, 301, 388, 102, 41007, 420, 700, 1405] "
            "capacity=8192 dropped=44988 (43.9%%)" % c.ymd_ms(-150),
            "[%s] [WARNING] [engine.py:2210] l_aux fell to 0.0008 (coef 0.001); router z-loss disabled by config" % c.ymd_ms(-140)]
    c.log("ds-moe-52b/rank0.log", out)
    dcgm(c, "ep-h100-03", names=("util", "fb"))
    for h in ("ep-h100-03", "ep-h100-04"):
        c.nccl("nccl.alltoall@" + h)
    c.nccl("nccl.alltoall@job")
    sweep(c, "ep-h100-03")
    return c


@case
def p045():
    hosts = ["bf-h200-%02d" % i for i in range(1, 5)]
    c = Case("case-p045", "straggler_rank", "bf-h200-03", hosts, gpu=H200)
    c.alert("StragglerSuspected", "sft-mm-20b: all 8 ranks of bf-h200-03 arrive late", s=0, job="sft-mm-20b",
            node="bf-h200-03")
    out = mlm(c, -1000, 24, 4410, step_s=2.1, step_fn=lambda i: 2.6 * c.rng.uniform(0.99, 1.01)) + app_noise(c, 2)
    out += ["[%s] [straggler] rank 16..23 (bf-h200-03) late by 310-360 ms per step; GPU kernels same duration; "
            "gap between kernels 4.1x peers" % c.ymd(-50)]
    c.log("sft-mm-20b/rank0.log", out)
    c.log("bf-h200-03/journal", kernel_noise(c, "bf-h200-03", 6) + [
        sl(c, "bf-h200-03", -86400 * 2, "kernel: DMI: Supermicro SYS-821GE-TNHR/X13DEG-OAD, BIOS 2.1a 06/11/2025"),
        sl(c, "bf-h200-03", -86400 * 2 + 40, "systemd[1]: Starting cpupower.service - Configure CPU power related settings...")])
    dcgm(c, "bf-h200-03", names=("util", "clock", "power"),
         over={"util": {g: lambda s, v: 71 + c.rng.uniform(-3, 3) for g in range(8)}})
    c.node_metric("node_cpu_scaling_frequency_hertz", {"instance": "bf-h200-03", "cpu": "0"}, lambda s: 8.0e8, 0)
    c.node_metric("node_cpu_scaling_frequency_hertz", {"instance": "bf-h200-02", "cpu": "0"},
                  lambda s: 3.4e9 + c.rng.uniform(-1e8, 1e8), 0)
    sweep(c, "bf-h200-03", gemm={})
    for g in range(8):
        c.kernel_launch("gpu.kernel_launch@bf-h200-03/gpu%d" % g, us=27.0 + g * 0.6)
        c.kernel_launch("gpu.kernel_launch@bf-h200-02/gpu%d" % g)
    return c


@case
def p046():
    hosts = ["hf-a100-%02d" % i for i in range(1, 3)]
    c = Case("case-p046", "dataloader_stall", "job", hosts, gpu=A100)
    c.alert("GPUUtilLow", "ocr-donut-ft: GPU util 18-35% on all 16 GPUs for 20 min", s=0, job="ocr-donut-ft",
            node="hf-a100-01")
    out = []
    for i in range(16):
        t = -1100 + 65 * i
        out.append("{'loss': %.4f, 'grad_norm': %.3f, 'learning_rate': %.3e, 'epoch': %.2f}" % (
            0.91 - 0.002 * i, 1.1 * c.rng.uniform(0.9, 1.1), 4e-5, 1.2 + 0.01 * i))
        out.append(" %d%%|%s| %d/12000 [%s<41:22:10, %.2fs/it]" % (
            20 + i // 4, "#" * 4, 2401 + 10 * i, c.at(t).strftime("%H:%M:%S"), 4.8 * c.rng.uniform(0.9, 1.2)))
    out += ["[%s] train.py:144 dataloader: num_workers=0 (DATALOADER_WORKERS unset, default changed in launcher 0.9)" % c.ymd(-1150),
            "[%s] train.py:201 profiler: 84%% of step time in DataLoader.__next__ (PIL decode + augment on main process)" % c.ymd(-300)]
    c.log("ocr-donut-ft/trainer.log", out + app_noise(c, 2))
    dcgm(c, "hf-a100-01", names=("util", "power"),
         over={"util": {g: lambda s, v: 26 + c.rng.uniform(-9, 9) for g in range(8)},
               "power": {g: lambda s, v: 150 + c.rng.uniform(-20, 20) for g in range(8)}})
    sweep(c, "hf-a100-01")
    return c

@case
def p047():
    hosts = ["edge-h100-%02d" % i for i in range(1, 5)]
    c = Case("case-p047", "storage_failure", "edge-h100-02", hosts, gpu=H100)
    c.alert("TrainingJobFailed", "asr-conformer-xl: rank 11 OSError, job exited", s=0, job="asr-conformer-xl",
            node="edge-h100-02")
    out = plain_steps(c, -53, 14, 8801) + app_noise(c, 2) + [
        "[rank11]: Traceback (most recent call last):",
        '[rank11]:   File "/workspace/asr/data/cache.py", line 77, in put',
        "[rank11]:     with open(tmp_path, 'wb') as f:",
        "[rank11]: OSError: [Errno 30] Read-only file system: '/local_nvme/feat_cache/shard_0188.npy.tmp'",
    ] + elastic_failure(c, -40, "edge-h100-02", 11, 3, 1)
    c.log("asr-conformer-xl/job.log", out)
    d = kernel_noise(c, "edge-h100-02", 4, fmt="dmesg") + [
        dm(c, -210, "nvme nvme1: I/O 812 QID 37 timeout, aborting"),
        dm(c, -180, "nvme nvme1: I/O 812 QID 37 timeout, reset controller"),
        dm(c, -150, "nvme nvme1: Abort status: 0x371"),
        dm(c, -120, "blk_update_request: I/O error, dev nvme1n1, sector 1883221504 op 0x1:(WRITE) flags 0x800 phys_seg 32 prio class 0"),
        dm(c, -119, "Buffer I/O error on dev nvme1n1, logical block 235402688, lost async page write"),
        dm(c, -118, "EXT4-fs error (device nvme1n1): ext4_journal_check_start:83: comm python3: Detected aborted journal"),
        dm(c, -118, "EXT4-fs (nvme1n1): Remounting filesystem read-only"),
    ]
    c.log("edge-h100-02/dmesg", d)
    c.node_metric("node_disk_io_time_seconds_total", {"instance": "edge-h100-02", "device": "nvme1n1"},
                  lambda s: 5000 + (s + 1200) * (0.3 if s < -220 else 1.0), 1)
    c.node_metric("node_filesystem_readonly", {"instance": "edge-h100-02", "mountpoint": "/local_nvme"},
                  lambda s: 1 if s >= -118 else 0, 0)
    sweep(c, "edge-h100-02")
    return c


@case
def p048():
    hosts = ["mix-h100-%02d" % i for i in range(1, 5)]
    c = Case("case-p048", "launch_config_error", "mix-h100-04", hosts, gpu=H100)
    c.alert("JobStartFailed", "gemma2-9b-dpo: 8 ranks failed at NCCL init", s=0, job="gemma2-9b-dpo",
            node="mix-h100-01")
    out = []
    for r in (24, 25, 30):
        pid = c.rng.randrange(10000, 99999)
        out += ["mix-h100-04:%d:%d [%d] NCCL INFO cudaDriverVersion 12020" % (pid, pid, r % 8),
                "mix-h100-04:%d:%d [%d] NCCL INFO NCCL version 2.21.5+cuda12.4" % (pid, pid, r % 8),
                "mix-h100-04:%d:%d [%d] init.cc:1802 NCCL WARN Cuda failure 'CUDA driver version is insufficient "
                "for CUDA runtime version'" % (pid, pid, r % 8)]
    out += ["[rank24]: RuntimeError: The NVIDIA driver on your system is too old (found version 12020). Please "
            "update your GPU driver by downloading and installing a new version from the URL: "
            "http://www.nvidia.com/Download/index.aspx Alternatively, go to: https://pytorch.org to install a "
            "PyTorch version that has been compiled with your version of the CUDA driver."]
    for h in hosts[:3]:
        out.append("%s:%d:%d [0] NCCL INFO cudaDriverVersion 12040" % (h, 1000 + hosts.index(h), 1000 + hosts.index(h)))
    out += app_noise(c, 3)
    c.log("gemma2-9b-dpo/ranks.log", out)
    c.log("mix-h100-04/journal", kernel_noise(c, "mix-h100-04", 4) + [
        sl(c, "mix-h100-04", -7200, "kernel: nvidia: module verification failed: signature and/or required key missing"),
        sl(c, "mix-h100-04", -7199, "kernel: NVRM: loading NVIDIA UNIX x86_64 Kernel Module  535.161.08  Tue Mar  5 22:42:18 UTC 2024"),
        sl(c, "mix-h100-04", -7300, "apt[8812]: Setting up nvidia-driver-535 (535.161.08-0ubuntu1) ... (rollback by reimage job RITM0041122)")])
    for h in hosts:
        c.inventory("gpu.inventory@%s/gpu0" % h,
                    details={"driver": "535.161.08" if h == "mix-h100-04" else "550.90.07",
                             "cuda": "12.2" if h == "mix-h100-04" else "12.4"})
    sweep(c, "mix-h100-04")
    return c


@case
def p049():
    hosts = ["co-h200-%02d" % i for i in range(1, 5)]
    c = Case("case-p049", "gpu_thermal_throttle", "co-h200-01/gpu2", hosts, gpu=H200)
    c.alert("StepTimeRegression", "deepseek-distill-32b: step time +14%", s=0, job="deepseek-distill-32b",
            node="co-h200-01")
    st = lambda i: 3.1 if i < 9 else 3.55 * c.rng.uniform(0.99, 1.02)
    out = mlm(c, -1100, 26, 11200, step_fn=st, step_s=3.1) + app_noise(c, 2)
    c.log("deepseek-distill-32b/rank0.log", out)
    c.log("co-h200-01/journal", kernel_noise(c, "co-h200-01", 6))
    dcgm(c, "co-h200-01", names=("util", "power"),
         over={"power": {2: after(-800, lambda s, v: 0.62 * v)}})
    sweep(c, "co-h200-01", bad={2: dict(temperature_c=91, hbm_temperature_c=95, sm_clock_mhz=1320,
                                        clock_event_reasons=0x40, power_w=401)}, gemm={2: 501.0})
    sweep(c, "co-h200-02")
    return c


@case
def p050():
    hosts = ["kq-a100-%02d" % i for i in (1, 2, 3, 4)]
    c = Case("case-p050", "cuda_oom", "kq-a100-01/gpu3", hosts, gpu=A100, pci=ck.PCI_BUS_B)
    c.alert("NCCLError", "pytorchjob seg-sam-h: IB errors on 3 workers, job failed", s=0, namespace="vision",
            job="seg-sam-h", node="kq-a100-02")
    out = []
    for w, r in ((1, 9), (2, 20), (3, 30)):
        h = hosts[r // 8]
        pid = c.rng.randrange(10000, 99999)
        out += ["%s:%d:%d [%d] NCCL WARN NET/IB : Got completion from peer 10.9.1.13<57201> with status=12 "
                "opcode=0 len=0 vendor err 129 (Send) localGid ::ffff:10.9.%d.%d remoteGids::ffff:10.9.1.13 hca mlx5_%d" % (
                    h, pid, pid + 55, r % 8, r // 8 + 1, 10 + r, r % 8),
                "[rank%d]: torch.distributed.DistBackendError: NCCL error in: ../torch/csrc/distributed/c10d/"
                "ProcessGroupNCCL.cpp:1970, remote process exited or there was a network error, NCCL version 2.20.5" % r]
    c.log("vision/seg-sam-h-workers-1-3/pytorch", fsdp_steps(c, -46, 8, 702, mfu=17.0) + out + app_noise(c, 2))
    m0 = ["[rank3]: Traceback (most recent call last):",
          '[rank3]:   File "/app/sam/train.py", line 230, in train_step',
          "[rank3]:     masks = model(images, prompts)",
          "[rank3]: torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 11.25 GiB. GPU 3 has a total capacity "
          "of 79.15 GiB of which 6.02 GiB is free. Process 114022 has 73.12 GiB memory in use. Of the allocated memory "
          "61.88 GiB is allocated by PyTorch, and 9.90 GiB is reserved by PyTorch but unallocated.",
          "[rank3]: batch note: image 4096x4096 with 211 prompts (largest in shard sa_000442)"]
    m0 += elastic_failure(c, -31, "seg-sam-h-master-0", 3, 3, 1)
    c.log("vision/seg-sam-h-master-0/pytorch", m0)
    dcgm(c, "kq-a100-01", names=("fb",), over={"fb": {3: lambda s, v: v if s < -40 else (80800 if s < -30 else 700)}})
    sweep(c, "kq-a100-01")
    for h in hosts:
        c.nccl("nccl.sendrecv@" + h)
    return c


@case
def p051():
    hosts = ["sv-h100-%02d" % i for i in (40, 41)]
    c = Case("case-p051", "gpu_memory_uncorrectable_ecc", "sv-h100-41/gpu4", hosts, gpu=H100)
    c.alert("TrainingJobFailed", "embed-7b-contrastive: rank 12 exited (CUDA error), job failed", s=0,
            job="embed-7b-contrastive", node="sv-h100-41")
    out = deepspeed_steps(c, -78, 12, 1300) + app_noise(c, 2) + [
        "[rank12]: RuntimeError: CUDA error: unspecified launch failure",
        "[rank12]: CUDA kernel errors might be asynchronously reported at some other API call, so the stacktrace "
        "below might be incorrect.",
        "[rank12]: For debugging consider passing CUDA_LAUNCH_BLOCKING=1"]
    out += elastic_failure(c, -50, "sv-h100-41", 12, 4, 1)
    c.log("embed-7b-contrastive/slurm-77120.out", out)
    dcgm(c, "sv-h100-41", names=("util", "power"), over={"util": {g: after(-50, lambda s, v: 0) for g in range(8)}})
    sweep(c, "sv-h100-41", bad={4: dict(ecc_dbe_volatile=1, ecc_dbe_aggregate=4, remapped_rows_uncorrectable=2,
                                        remap_pending=0, xid_last=48)})
    c.errored("gpu.gemm@sv-h100-41/gpu4", "cuBLASLt reference check aborted: CUDA error 'uncorrectable ECC error "
              "encountered' after 3 of 20 iterations", duration=4.4)
    c.gemm("gpu.gemm@sv-h100-41/gpu3")
    return c


@case
def p052():
    hosts = ["ib-a100-%02d" % i for i in range(1, 9)]
    c = Case("case-p052", "ib_link_failure", "ib-a100-05/mlx5_1", hosts, gpu=A100)
    c.alert("NCCLError", "neox-20b: IBV_WC_RETRY_EXC_ERR on many ranks; job failed", s=0, job="neox-20b",
            node="ib-a100-01")
    out = mlm(c, -300, 8, 150100, step_s=6.6) + app_noise(c, 2)
    for r in (1, 9, 33, 34, 57):
        h = hosts[r // 8]
        pid = c.rng.randrange(10000, 99999)
        peer = (4, 5) if r // 8 != 4 else (0, 1)
        out.append("%s:%d:%d [%d] NCCL WARN NET/IB : Got completion from peer 10.50.%d.%d<52001> with error 12, "
                   "opcode 0, len 0, vendor err 129 (Send) localGid ::ffff:10.50.%d.%d remoteGid ::ffff:10.50.%d.%d" % (
                       h, pid, pid + 30, r % 8, peer[0], peer[1], r // 8, r % 8, peer[0], peer[1]))
    out.append("[rank33]: ncclRemoteError: A call failed possibly due to a network error or a remote process exiting "
               "prematurely. Last error: NET/IB : Got completion from peer with error 12, IBV_WC_RETRY_EXC_ERR")
    c.log("neox-20b/stderr", out)
    c.log("ufm/events", ["%s UFM event 602 severity=Critical: Link went down: ib-a100-05 HCA-2/1 (mlx5_1) "
                         "<-> leaf-sw-03 port 17" % c.ymd(-240),
                         "%s UFM event 113 severity=Warning: Symbol error counter rose on leaf-sw-03/17 "
                         "(delta 4120 in 300 s)" % c.ymd(-560),
                         "%s UFM event 603 severity=Info: Link went up: ib-a100-05 HCA-2/1 (mlx5_1)" % c.ymd(-200),
                         "%s UFM event 602 severity=Critical: Link went down: ib-a100-05 HCA-2/1 (mlx5_1) "
                         "<-> leaf-sw-03 port 17" % c.ymd(-150)])
    for dev in range(4):
        c.node_metric("node_infiniband_port_state", {"instance": "ib-a100-05", "device": "mlx5_%d" % dev},
                      (lambda s: 4 if s < -240 or -200 <= s < -150 else 1) if dev == 1 else (lambda s: 4), 0)
    for h in hosts:
        if h == "ib-a100-05":
            c.errored("nccl.allreduce@" + h, "probe agent unreachable: ssh ib-a100-05: connection timed out "
                      "(node being drained by UFM policy)", duration=30.0)
        else:
            c.nccl("nccl.allreduce@" + h)
    c.errored("nccl.allreduce@job", "job-wide probe needs all 8 nodes; ib-a100-05 unreachable", duration=30.0)
    return c

@case
def p053():
    hosts = ["nvl-h200-%02d" % i for i in (1, 2)]
    c = Case("case-p053", "nvlink_error", "nvl-h200-02/gpu4", hosts, gpu=H200)
    c.alert("NCCLWatchdogTimeout", "intern-vl-26b: watchdog timeouts on 16 ranks after 2 h of training", s=0,
            job="intern-vl-26b", node="nvl-h200-01")
    out = deepspeed_steps(c, -1266, 14, 22010, step_s=2.9) + app_noise(c, 3)
    out += many_watchdogs(c, [0, 6, 9, 12, 15], -25, 90441, op="ALLREDUCE", numel=268435456, timeout_ms=1200000)
    out += ["[rank12]:[%s ProcessGroupNCCL.cpp:1318] [PG 0 (default_pg) Rank 12] Timeout at NCCL work: 90441, last "
            "enqueued NCCL work: 90441, last completed NCCL work: 90440." % c.glog(-24, "E")]
    c.log("intern-vl-26b/ranks.log", out)
    dcgm(c, "nvl-h200-02", names=("util", "nvl_bw"),
         over={"util": {g: after(-1220, lambda s, v: 100) for g in range(8)},
               "nvl_bw": {g: after(-1220, lambda s, v: 0) for g in range(8)}})
    dcgm(c, "nvl-h200-01", names=("util",), over={"util": {g: after(-1220, lambda s, v: 100) for g in range(8)}})
    sweep(c, "nvl-h200-02", bad={4: dict(nvlink_links_up=11, nvlink_recovery_errors=31, nvlink_recovery_errors_per_s=2.0,
                                         nvlink_replay_errors_per_s=880.0, nvlink_replay_errors=1402211)})
    sweep(c, "nvl-h200-01")
    c.nccl("nccl.p2p_matrix@nvl-h200-02", busbw=0.0, details={"slowest_pair": "gpu4->gpu0",
                                                             "pairs_failed": 14, "median_pair_gb_s": 372.0})
    c.nccl("nccl.p2p_matrix@nvl-h200-01")
    return c


@case
def p054():
    hosts = ["zo-a100-%02d" % i for i in range(1, 3)]
    c = Case("case-p054", "pcie_link_degraded", "zo-a100-02/gpu6", hosts, gpu=A100)
    c.alert("StepTimeRegression", "opt-13b-zero-offload: step time 1.5x since node replacement", s=0,
            job="opt-13b-zero-offload", node="zo-a100-01")
    st = lambda i: 7.9 * c.rng.uniform(0.98, 1.02)
    out = deepspeed_steps(c, -1100, 20, 1810, step_fn=st, step_s=5.3) + app_noise(c, 2)
    out += ["[%s] [INFO] [stage_1_and_2.py:1822] [Rank 0] cpu_adam step 412 ms; gradient offload D2H max over "
            "ranks 2104 ms (rank 14), median 1012 ms" % c.ymd_ms(-60)]
    c.log("opt-13b-zero-offload/rank0.log", out)
    c.log("scheduler/events", [slurm_ctld(c, -1250, "update_node: node zo-a100-02 state set to IDLE (RMA return, "
                                         "baseboard swapped)"),
                               slurm_ctld(c, -1200, "sched: Allocate JobId=90021 NodeList=zo-a100-[01-02] #CPUs=256")])
    dcgm(c, "zo-a100-02", names=("util", "pcie_rx"), over={"pcie_rx": {6: lambda s, v: 0.5 * v}})
    sweep(c, "zo-a100-02", bad={6: dict(pcie_link_width=8)}, pcie={6: (12.2, 11.9)})
    sweep(c, "zo-a100-01", pcie={})
    return c


@case
def p055():
    hosts = ["pc-h100-%02d" % i for i in range(1, 5)]
    c = Case("case-p055", "gpu_power_throttle", "pc-h100-02", hosts, gpu=H100)
    c.alert("ThroughputLow", "vit-22b: images/s 22% below last week's run at same config", s=0, job="vit-22b",
            node="pc-h100-01")
    out = fsdp_steps(c, -1000, 26, 15100, step_fn=lambda i: 2.25 * c.rng.uniform(0.98, 1.02), step_s=1.8)
    c.log("vit-22b/rank0.log", out + app_noise(c, 3))
    c.log("pc-h100-02/journal", kernel_noise(c, "pc-h100-02", 5) + [
        sl(c, "pc-h100-02", -30000, "nv-hostengine[3001]: Policy set: power management limit applied by group 'rack-c7-budget'")])
    dcgm(c, "pc-h100-02", names=("power", "clock"),
         over={"power": {g: lambda s, v: 497 + c.rng.uniform(-4, 2) for g in range(8)},
               "clock": {g: lambda s, v: 1615 + c.rng.uniform(-60, 60) for g in range(8)}})
    dcgm(c, "pc-h100-03", names=("power", "clock"))
    sweep(c, "pc-h100-02", bad={g: dict(power_limit_w=500, power_w=497, sm_clock_mhz=1620, clock_event_reasons=0x4)
                                for g in range(8)}, gemm={g: 590.0 + g for g in range(8)})
    sweep(c, "pc-h100-03", gemm={})
    return c


@case
def p056():
    hosts = ["fx-h100-%02d" % i for i in range(5, 9)]
    c = Case("case-p056", "gpu_silent_data_corruption", "fx-h100-07/gpu2", hosts, gpu=H100)
    c.alert("ReplicaDivergence", "rec-dlrm-xl: embedding replicas diverged on fx-h100-07", s=0, job="rec-dlrm-xl",
            node="fx-h100-07")
    out = plain_steps(c, -900, 18, 300100, step_s=1.4) + app_noise(c, 2)
    out += ["%s | WARN | consistency | dense-param fingerprint differs between node replicas: fx-h100-07 "
            "0x61aa90d2 vs 0xe0b4c117 (3 other nodes); gradients all-reduced, so replicas must match" % c.ymd(-80),
            "%s | WARN | consistency | re-checked after 50 steps: fx-h100-07 still differs; no NaN/Inf, AUC within band" % c.ymd(-20)]
    c.log("rec-dlrm-xl/coordinator.log", out)
    dcgm(c, "fx-h100-07", names=("temp", "dbe", "xid", "util"))
    sweep(c, "fx-h100-07", gemm={})
    c.sdc("gpu.sdc@fx-h100-07", mismatched=64, bad_gpu="gpu2")
    c.sdc("gpu.sdc@fx-h100-06")
    return c


@case
def p057():
    hosts = ["hb-h200-%02d" % i for i in range(1, 5)]
    c = Case("case-p057", "straggler_rank", "hb-h200-02/gpu1", hosts, gpu=H200)
    c.alert("StragglerSuspected", "mamba2-8b: data-parallel group 1 (hb-h200-02) slowest for 600 steps", s=0,
            job="mamba2-8b", node="hb-h200-02")
    out = mlm(c, -1000, 24, 70100, step_s=1.7) + app_noise(c, 2)
    out += ["[%s] [straggler] group dp1 (ranks 8-15, hb-h200-02) arrives last at 96%% of gradient all-reduces; "
            "per-rank timing not enabled (set STRAGGLER_PER_RANK=1)" % c.ymd(-40)]
    c.log("mamba2-8b/rank0.log", out)
    dcgm(c, "hb-h200-02", names=("util", "clock", "temp", "memtemp"))
    sweep(c, "hb-h200-02", gemm={}, hbm={1: 2480.0})
    return c


@case
def p058():
    hosts = ["gsp-h100-%02d" % i for i in range(1, 5)]
    c = Case("case-p058", "gpu_firmware_error", "gsp-h100-03/gpu7", hosts, gpu=H100)
    c.alert("NCCLWatchdogTimeout", "granite-34b: watchdog timeouts on 31 of 32 ranks", s=0, job="granite-34b",
            node="gsp-h100-01")
    out = mlm(c, -658, 8, 55020, step_s=4.8) + app_noise(c, 2)
    out += many_watchdogs(c, [0, 10, 19, 30], -20, 221870, op="ALLGATHER", numel=16777216)
    c.log("granite-34b/stderr", out)
    c.log("gsp-h100-03/journal", kernel_noise(c, "gsp-h100-03", 6) + [
        sl(c, "gsp-h100-03", -500, "systemd-journald[812]: Suppressed 4121 messages from kernel"),
        sl(c, "gsp-h100-03", -400, "systemd-journald[812]: Suppressed 1209 messages from kernel")])
    dcgm(c, "gsp-h100-03", names=("util", "power"),
         over={"util": {7: after(-640, lambda s, v: 100)}, "power": {7: after(-640, lambda s, v: 112)}})
    sweep(c, "gsp-h100-03", bad={7: dict(xid_last=119)})
    c.inventory("gpu.inventory@gsp-h100-03/gpu7", details={"recovery_action": "GPU Reset Required"})
    return c


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default=HERE)
    args = ap.parse_args(argv)
    n = ck.write_cases([fn() for fn in CASES], args.out)
    print("wrote %d cases to %s" % (n, args.out))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
