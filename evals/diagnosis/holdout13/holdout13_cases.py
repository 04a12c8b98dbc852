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
    r0 = nccl_init(c, "sc-h100-031", 0, 0, 32)[:5] + megatron_iters(c, -900, 9, 21410, step_s=5.2)
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
    w1 = deepspeed_steps(c, -700, 14, 5120, rank=8, step_s=3.1) + app_noise(c, 3) + [
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
    c.alert("JobHung", "llm-405b-pretrain: no iteration logged for 12 min", s=0,
            job="llm-405b-pretrain", node="dgx-h200-11")
    r = megatron_iters(c, -1100, 8, 90211, step_s=9.8) + app_noise(c, 3)
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
    r = megatron_iters(c, -1150, 24, 11800, step_fn=st, step_s=3.3) + app_noise(c, 2)
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
    r = megatron_iters(c, -900, 12, 47988, step_s=4.4) + app_noise(c, 3) + [
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
    c.log("qwen-72b-pt/merged-ranks.log", fsdp_steps(c, -500, 10, 2201) + app_noise(c, 2) + lines)
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
    r = megatron_iters(c, -1000, 6, 3300, step_s=3.9) + app_noise(c, 2)
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
    out = fsdp_steps(c, -800, 10, 15220, rank=0) + app_noise(c, 2)
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
    out = megatron_iters(c, -1000, 10, 600, step_s=11.8) + app_noise(c, 2)
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
    out = megatron_iters(c, -400, 5, 10, step_s=3.0) + app_noise(c, 3)
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
    out = deepspeed_steps(c, -700, 10, 880) + app_noise(c, 2)
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
    out = megatron_iters(c, -600, 20, 18100, step_s=2.2, loss_fn=lo, grad_fn=gn, lr=3.0e-4,
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
    c.alert("TrainingStalled", "t5-11b-fp16: no optimizer step applied in 400 iterations", s=0,
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
    out = megatron_iters(c, -700, 22, 25100, loss_fn=lo, step_s=2.9) + app_noise(c, 2)
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
    out = megatron_iters(c, -900, 20, 73300, step_fn=st, step_s=6.2) + app_noise(c, 2)
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
    out = megatron_iters(c, -600, 8, 29992, step_s=5.1) + app_noise(c, 2) + [
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
        out += ["[%s socket.cpp:1019] [c10d] The client socket has timed out after 1800000ms while trying to "
                "connect to (cx-h100-01, 29500)." % c.glog(-30, "W"),
                "%s %d torch/distributed/elastic/agent/server/api.py:885] [default] Rendezvous complete for "
                "workers. Result:" % (c.glog(-1790), c.rng.randrange(1000, 9999)),
                "  restart_count=0", "  master_addr=cx-h100-01", "  master_port=29500",
                "  group_rank=%d" % hosts.index(h), "  group_world_size=3", "  local_ranks=[0, 1, 2, 3, 4, 5, 6, 7]",
                "  role_ranks=[%s]" % ", ".join(str(hosts.index(h) * 8 + k) for k in range(8)),
                "  global_world_size=24"]
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
    out = deepspeed_steps(c, -900, 8, 9810) + app_noise(c, 2)
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


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default=HERE)
    args = ap.parse_args(argv)
    n = ck.write_cases([fn() for fn in CASES], args.out)
    print("wrote %d cases to %s" % (n, args.out))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
