#!/usr/bin/env python3
"""holdout7: diagnosis cases written after reasoner freeze 7 (stdlib only, deterministic).

Usage: python3 evals/diagnosis/holdout7/holdout7_cases.py [--out DIR]   (default: this directory)

Every case is one hand-written function below: the fault content (error lines, which probes fail,
the twist) is written here; casekit supplies timestamps, noise, training progress, metric series and
probe bookkeeping. Whoever tunes the built-in reasoner or the knowledge pack must not read this file
(its docstrings explain each case).
"""

import argparse
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import casekit as ck  # noqa: E402

H100 = "NVIDIA H100 80GB HBM3"
H200 = "NVIDIA H200"
A100 = "NVIDIA A100-SXM4-80GB"


# ------------------------------------------------------------------ helpers (no answers in them)
def dcgm(c, host, util=None, temp=None, power=None, clock=None, lost=None, names=None):
    """Standard DCGM series for all GPUs of `host`. util/temp/power/clock: {gpu: fn(s, normal)};
    lost: {gpu: s} -> that GPU's series stop at s."""
    lost = lost or {}
    tdp = c.spec["tdp"]
    mx = c.spec["clock"]

    def wrap(over, g):
        fn = (over or {}).get(g)
        stop = lost.get(g)
        if fn is None and stop is None:
            return None
        return lambda s, v, fn=fn, stop=stop: None if (stop is not None and s >= stop) else (fn(s, v) if fn else v)

    def overs(over):
        return {g: wrap(over, g) for g in range(c.gpus) if wrap(over, g) is not None}

    names = names or ("util", "temp", "power", "clock")
    if "util" in names:
        c.gpu_metric("DCGM_FI_DEV_GPU_UTIL", host, 97, 2.5, overs(util), decimals=0)
    if "temp" in names:
        c.gpu_metric("DCGM_FI_DEV_GPU_TEMP", host, 58, 5, overs(temp), decimals=0)
    if "power" in names:
        c.gpu_metric("DCGM_FI_DEV_POWER_USAGE", host, 0.8 * tdp, 0.08 * tdp, overs(power), decimals=1)
    if "clock" in names:
        c.gpu_metric("DCGM_FI_DEV_SM_CLOCK", host, mx - 30, 40, overs(clock), decimals=0)


def after(t, val, before=None):
    """Metric override: `val` (number or fn(s, v)) from offset t on."""
    def f(s, v):
        if s < t:
            return v if before is None else before
        return val(s, v) if callable(val) else val
    return f


def pid(c):
    return c.rng.randrange(10000, 99999)


def xid(c, s, gpu, code, text, pname="python3", fmt="dmesg", host=None):
    p = pid(c)
    line = "NVRM: Xid (PCI:%s): %d, pid=%d, name=%s, %s" % (c.bus(gpu), code, p, pname, text)
    if fmt == "dmesg":
        return "%s %s" % (c.dmesg(s), line)
    return "%s %s kernel: %s" % (c.syslog(s), host, line)


# ------------------------------------------------------------------ cases
def x001():
    """Megatron on 4 H100 nodes (Slurm): every rank on three nodes logs the NCCL watchdog timeout;
    the cause is Xid 79 on one GPU of the fourth node, whose DCGM series stop."""
    hosts = ["sc-h100-%03d" % n for n in (14, 15, 16, 17)]
    c = ck.Case("case-x001", "gpu_fallen_off_bus", "sc-h100-017/gpu3", hosts, gpu=H100)
    c.alert("TrainingJobStalled", "job gpt-70b-pt iteration counter has not advanced for 11 minutes",
            job="gpt-70b-pt", cluster="sc-east", node="sc-h100-014")
    fault = -700
    tr = ck.megatron_iters(c, -1100, 40, 18231, step_s=9.6) + ck.app_noise(c, 4)
    tr += ck.watchdog(c, 0, -60, 91822, op="_ALLGATHER_BASE", numel=134217728)
    c.log("sc-h100-014/rank0/stderr", tr)
    c.log("sc-h100-015/rank9/stderr", ck.watchdog(c, 9, -59, 91822, op="_ALLGATHER_BASE", numel=134217728)
          + ck.watchdog(c, 13, -58, 91822, op="_ALLGATHER_BASE", numel=134217728)[:2])
    k = ck.kernel_noise(c, "sc-h100-017", 6, fmt="dmesg")
    k += ["%s NVRM: GPU at PCI:%s: GPU-%s" % (c.dmesg(fault), c.bus(3), c.uuid("sc-h100-017", 3)[4:]),
          "%s NVRM: GPU Board Serial Number: 1652223018817" % c.dmesg(fault),
          "%s NVRM: Xid (PCI:%s): 79, pid='<unknown>', name=<unknown>, GPU has fallen off the bus." % (c.dmesg(fault), c.bus(3)),
          "%s NVRM: GPU %s.0: GPU has fallen off the bus." % (c.dmesg(fault + 0.01), c.bus(3)),
          "%s NVRM: A GPU crash dump has been created. If possible, please run" % c.dmesg(fault + 0.4),
          "%s NVRM: nvidia-bug-report.sh as root to collect this data before" % c.dmesg(fault + 0.4),
          "%s NVRM: the NVIDIA kernel module is unloaded." % c.dmesg(fault + 0.4)]
    c.log("sc-h100-017/dmesg", k)
    dcgm(c, "sc-h100-017", lost={3: fault}, names=("util", "temp", "power"))
    dcgm(c, "sc-h100-014", util={g: after(fault, lambda s, v: 100) for g in range(8)}, names=("util",))
    c.inventory("gpu.inventory@sc-h100-017/gpu3", count=7)
    c.errored("gpu.health@sc-h100-017/gpu3", "nvmlDeviceGetHandleByPciBusId_v2(0000:%s:00.0): GPU is lost" % c.pci[3], 1.1)
    c.health_rates("gpu.health@sc-h100-014/gpu0")
    return c


def x002():
    """DeepSpeed on Kubernetes, 2 H200 nodes. The rank on gpu5 of one pod dies with 'uncorrectable
    ECC error encountered'; its peers fail with NCCL remote errors. dmesg has Xid 94/95 style
    contained/uncontained ECC lines; gpu.health shows volatile DBE."""
    hosts = ["h200-pool-b-7fq2x", "h200-pool-b-k9d4m"]
    c = ck.Case("case-x002", "gpu_memory_uncorrectable_ecc", "h200-pool-b-k9d4m/gpu5", hosts, gpu=H200)
    c.alert("PodRestartLoop", "pod llm-sft-worker-1 restarted 3 times in 10m", namespace="research",
            pod="llm-sft-worker-1", node="h200-pool-b-k9d4m", job="llm-sft")
    f = -240
    bad = ck.deepspeed_steps(c, f - 75, 30, 4410, rank=13)
    bad += ["[rank13]: Traceback (most recent call last):",
            '[rank13]:   File "/workspace/train.py", line 318, in <module>',
            "[rank13]:     loss = engine(batch)",
            "[rank13]: RuntimeError: CUDA error: uncorrectable ECC error encountered",
            "[rank13]: CUDA kernel errors might be asynchronously reported at some other API call, so the stacktrace below might be incorrect.",
            "[rank13]: Compile with `TORCH_USE_CUDA_DSA` to enable device-side assertions."]
    c.log("h200-pool-b-k9d4m/pod/llm-sft-worker-1", bad)
    peer = ["h200-pool-b-7fq2x:%d:%d [2] NCCL INFO [Service thread] Connection closed by localRank 5" % (pid(c), pid(c)),
            "[%s] [ERROR] [rank2] NCCL error in: ../torch/csrc/distributed/c10d/NCCLUtils.hpp:275, remote process exited or there was a network error, NCCL version 2.20.5" % c.ymd_ms(f + 3),
            "ncclRemoteError: A call failed possibly due to a network error or a remote process exiting prematurely.",
            "Last error:",
            "NET/IB : Got completion from peer 10.44.3.18<33521> with status=5 opcode=0 len=0 vendor err 249 (Recv) localGid ::ffff:10.44.3.17 remoteGid ::ffff:10.44.3.18"]
    c.log("h200-pool-b-7fq2x/pod/llm-sft-worker-0", ck.deepspeed_steps(c, f - 31, 12, 4410, rank=2) + peer + ck.app_noise(c, 3))
    k = ck.kernel_noise(c, "h200-pool-b-k9d4m", 5, fmt="dmesg")
    k += [xid(c, f - 1, 5, 94, "Contained ECC error."),
          xid(c, f - 0.5, 5, 95, "Uncontained ECC error."),
          "%s NVRM: Xid (PCI:%s): 154, GPU recovery action changed from 0x0 (None) to 0x1 (GPU Reset Required)" % (c.dmesg(f), c.bus(5))]
    c.log("h200-pool-b-k9d4m/dmesg", k)
    dcgm(c, "h200-pool-b-k9d4m", util={g: after(f, 0) for g in range(8)}, names=("util", "temp"))
    c.gpu_metric("DCGM_FI_DEV_ECC_DBE_VOL_TOTAL", "h200-pool-b-k9d4m", 0, 0, {5: after(f, 2)}, decimals=0)
    c.health_rates("gpu.health@h200-pool-b-k9d4m/gpu5", ecc_dbe_volatile=2, ecc_dbe_aggregate=2, xid_last=95)
    return c


def x003():
    """A100 job fails to restart after a crash: nvidia-smi -q shows Remapped Rows Pending: No,
    Remapping Failure Occurred: Yes on gpu2; Xid 64. The loud error is a CUDA init failure."""
    hosts = ["dgx-a100-r2n07", "dgx-a100-r2n08"]
    c = ck.Case("case-x003", "gpu_row_remap_failure", "dgx-a100-r2n08/gpu2", hosts, gpu=A100)
    c.alert("SlurmJobFailed", "job 4471823 (bert-moe-ft) FAILED on dgx-a100-r2n[07-08], exit code 1",
            job="bert-moe-ft", node="dgx-a100-r2n08")
    f = -400
    k = ck.kernel_noise(c, "dgx-a100-r2n08", 7)
    k += ["%s dgx-a100-r2n08 kernel: NVRM: Xid (PCI:%s): 64, pid=%d, name=python, Row Remapper Error: New row cannot be remapped (0x0)" % (c.syslog(f), c.bus(2), pid(c)),
          "%s dgx-a100-r2n08 kernel: NVRM: Xid (PCI:%s): 48, pid=%d, name=python, An uncorrectable double bit error (DBE) has been detected on GPU in the framebuffer at partition 3, subpartition 0." % (c.syslog(f - 1), c.bus(2), pid(c))]
    c.log("dgx-a100-r2n08/journal", k)
    c.log("dgx-a100-r2n08/nvidia-smi-q", [
        "==============NVSMI LOG==============",
        "Timestamp                                 : %s" % c.at(-30).strftime("%a %b %d %H:%M:%S %Y"),
        "Driver Version                            : 535.161.08",
        "GPU 00000000:%s:00.0" % c.pci[2],
        "    Product Name                          : NVIDIA A100-SXM4-80GB",
        "    ECC Errors",
        "        Volatile",
        "            SRAM Correctable              : 0",
        "            SRAM Uncorrectable            : 0",
        "            DRAM Correctable              : 14",
        "            DRAM Uncorrectable            : 0",
        "    Remapped Rows",
        "        Correctable Error                 : 3",
        "        Uncorrectable Error               : 8",
        "        Pending                           : No",
        "        Remapping Failure Occurred        : Yes",
        "        Bank Remap Availability Histogram",
        "            Max                           : 632 bank(s)",
        "            High                          : 0 bank(s)",
        "            Partial                       : 1 bank(s)",
        "            Low                           : 2 bank(s)",
        "            None                          : 5 bank(s)"])
    c.log("dgx-a100-r2n08/rank10/stderr", [
        "%s | INFO | train | resuming from /ckpt/bert-moe-ft/step_22000" % c.ymd(-120),
        "Traceback (most recent call last):",
        '  File "/opt/ft/train.py", line 91, in main',
        "    model.cuda(local_rank)",
        "RuntimeError: CUDA error: unspecified launch failure",
        "CUDA kernel errors might be asynchronously reported at some other API call, so the stacktrace below might be incorrect.",
        "For debugging consider passing CUDA_LAUNCH_BLOCKING=1."])
    dcgm(c, "dgx-a100-r2n08", util={g: after(-390, 0) for g in range(8)}, names=("util",))
    c.gpu_metric("DCGM_FI_DEV_ROW_REMAP_FAILURE", "dgx-a100-r2n08", 0, 0, {2: after(f, 1)}, decimals=0)
    c.health_rates("gpu.health@dgx-a100-r2n08/gpu2", remap_failure=1, remapped_rows_uncorrectable=8,
                   remapped_rows_correctable=3, xid_last=64)
    return c


def x004():
    """Xid 119 GSP RPC timeout on one H100 (driver 550, GSP on). The job hangs; watchdog on all ranks.
    gpu.health times out on that GPU."""
    hosts = ["gpu-c12-%02d" % n for n in (1, 2, 3)]
    c = ck.Case("case-x004", "gpu_firmware_error", "gpu-c12-02/gpu6", hosts, gpu=H100)
    c.alert("NCCLWatchdogTimeout", "24/24 ranks reported a collective timeout", job="llama3-8b-cpt",
            node="gpu-c12-01")
    f = -820
    k = ck.kernel_noise(c, "gpu-c12-02", 5)
    msg = ("NVRM: Xid (PCI:%s): 119, pid=%d, name=pt_main_thread, Timeout after 6s of waiting for RPC response "
           "from GPU6 GSP! Expected function 76 (GSP_RM_CONTROL) (0x20800a4c 0x4)." % (c.bus(6), pid(c)))
    k += ["%s gpu-c12-02 kernel: %s" % (c.syslog(f), msg),
          "%s gpu-c12-02 kernel: NVRM: GPU6 GSP RPC buffer contains function 76 (GSP_RM_CONTROL) and data 0x0000000020800a4c 0x0000000000000004." % c.syslog(f),
          "%s gpu-c12-02 kernel: NVRM: GPU6 RPC history (CPU -> GSP):" % c.syslog(f),
          "%s gpu-c12-02 kernel: NVRM:     entry function                   data0              data1              ts_start           ts_end             duration actively_polling" % c.syslog(f),
          "%s gpu-c12-02 kernel: NVRM:      0    76   GSP_RM_CONTROL        0x0000000020800a4c 0x0000000000000004 0x00061a3e5ac9c2b1 0x0000000000000000          y" % c.syslog(f),
          "%s gpu-c12-02 kernel: NVRM: Xid (PCI:%s): 119, pid=%d, name=nvidia-smi, Timeout after 6s of waiting for RPC response from GPU6 GSP! Expected function 10 (FREE) (0xa55a0040 0x0)." % (c.syslog(f + 45), c.bus(6), pid(c)),
          "%s gpu-c12-02 kernel: NVRM: Rate limiting GSP RPC error prints for GPU at PCI:%s (printing 1 of every 30).  The GPU likely needs to be reset." % (c.syslog(f + 50), c.bus(6))]
    c.log("gpu-c12-02/journal", k)
    tr = ck.fsdp_steps(c, -1150, 25, 3120, step_s=13.0) + ck.app_noise(c, 3)
    tr += ck.watchdog(c, 0, f + 602, 60017, op="REDUCE_SCATTER", numel=262144000)[:4]
    c.log("gpu-c12-01/rank0/stderr", tr)
    dcgm(c, "gpu-c12-02", util={g: after(f, 100) for g in range(8)}, power={g: after(f, 0.2 * 700) for g in range(8)},
         names=("util", "power"))
    c.errored("gpu.health@gpu-c12-02/gpu6", "nvmlDeviceGetClockEventReasons timed out after 30 s (NVML_ERROR_TIMEOUT)", 30.4)
    c.health_rates("gpu.health@gpu-c12-02/gpu1")
    c.kernel_launch("gpu.kernel_launch@gpu-c12-02/gpu1")
    return c


def x005():
    """NVLink: Xid 74 on one H200 with links down; the job slows then NCCL reports an unhandled cuda
    error on that rank. Health (rates) shows 2 of 18 links down and replay errors per second high."""
    hosts = ["hgx-h200-b4-%d" % n for n in (1, 2)]
    c = ck.Case("case-x005", "nvlink_error", "hgx-h200-b4-2/gpu1", hosts, gpu=H200, pci=ck.PCI_BUS_B)
    c.alert("StepTimeRegression", "step time p50 up 2.7x over the last 2 min", job="mixtral-ft", node="hgx-h200-b4-2")
    f = -130
    k = ck.kernel_noise(c, "hgx-h200-b4-2", 4, fmt="dmesg")
    k += [xid(c, f, 1, 74, "NVLink: fatal error detected on link 4(0x0, 0x0, 0x0, 0x0, 0x10000, 0x0, 0x0)"),
          xid(c, f + 0.2, 1, 74, "NVLink: fatal error detected on link 5(0x0, 0x0, 0x0, 0x0, 0x10000, 0x0, 0x0)"),
          "%s nvidia-nvswitch2: SXid (PCI:0000:07:00.0): 20034, Fatal, Link 38 LTSSM Fault Up" % c.dmesg(f + 0.3),
          "%s nvidia-nvswitch2: SXid (PCI:0000:07:00.0): 20034, Severity 1 Engine instance 38 Sub-engine instance 00" % c.dmesg(f + 0.3)]
    c.log("hgx-h200-b4-2/dmesg", k)
    st = lambda i: 3.1 if i < 20 else 8.4 * c.rng.uniform(0.97, 1.03)
    tr = ck.megatron_iters(c, -190, 34, 6021, step_s=3.1, step_fn=st) + ck.app_noise(c, 3)
    tr += ["hgx-h200-b4-2:%d:%d [1] NCCL INFO Channel 12/0 : 9[1] -> 10[2] via P2P/CUMEM/read" % (pid(c), pid(c)),
           "hgx-h200-b4-2:%d:%d [1] transport/p2p.cc:272 NCCL WARN Cuda failure 'an uncorrectable NVLink error was detected during the execution'" % (pid(c), pid(c))]
    c.log("hgx-h200-b4-2/rank9/stderr", tr)
    dcgm(c, "hgx-h200-b4-2", util={g: after(f, lambda s, v: v - 35) for g in range(8)}, names=("util", "temp"))
    c.gpu_metric("DCGM_FI_DEV_NVLINK_CRC_FLIT_ERROR_COUNT_TOTAL", "hgx-h200-b4-2", 100, 40,
                 {1: lambda s, v: v + (0 if s < f else (s - f) * 2400)}, decimals=0, counter=True)
    c.health_rates("gpu.health@hgx-h200-b4-2/gpu1", nvlink_links_up=16, nvlink_replay_errors=91844,
                   nvlink_replay_errors_per_s=2210.0, nvlink_recovery_errors=14, nvlink_recovery_errors_per_s=1.0,
                   xid_last=74)
    c.health_rates("gpu.health@hgx-h200-b4-2/gpu2")
    c.nccl("nccl.allreduce@hgx-h200-b4-2", busbw=96.3)
    return c


def x006():
    """Straggler reports from Megatron name rank 21; the cause is HW thermal slowdown on that GPU
    (hot inlet, temp 91 C, clocks 1155 MHz). Peers idle waiting."""
    hosts = ["a3-mega-%02d" % n for n in (3, 4, 5)]
    c = ck.Case("case-x006", "gpu_thermal_throttle", "a3-mega-05/gpu5", hosts, gpu=H100)
    c.alert("MFUDrop", "MFU 21% (was 41%) for 3m", job="gemma-pt", node="a3-mega-03")
    f = -190
    st = lambda i: 5.2 if i < 10 else 9.8 * c.rng.uniform(0.97, 1.04)
    tr = ck.megatron_iters(c, -240, 28, 44020, step_s=5.2, step_fn=st)
    for i, r in enumerate((21, 21, 21)):
        tr.append(" [%s] StragglerDetector: stragglers (lowest 1 of 24): rank %d  %s  gpu 5  MinRoundTripTime %.2f ms  MaxRoundTripTime %.2f ms  GPU TFLOPs max/min 412.3/%0.1f" % (
            c.ymd(-170 + 50 * i), r, "a3-mega-05", 4.1, 9.7, 188.0 + 3 * i))
    c.log("a3-mega-03/rank0/stdout", tr + ck.app_noise(c, 4))
    c.log("a3-mega-05/journal", ck.kernel_noise(c, "a3-mega-05", 8) + [
        "%s a3-mega-05 ipmi-sel[1912]: Temperature Inlet Temp | Upper Non-critical going high | Asserted | reading 41 C" % c.syslog(f - 30)])
    dcgm(c, "a3-mega-05", temp={5: after(f, lambda s, v: 90 + c.rng.uniform(-1, 1.5))},
         clock={5: after(f, lambda s, v: 1155 + c.rng.uniform(-40, 40))},
         power={5: after(f, lambda s, v: 390)})
    c.gpu_metric("DCGM_FI_DEV_CLOCK_THROTTLE_REASONS", "a3-mega-05", 0, 0, {5: after(f, 0x60)}, decimals=0)
    c.health_rates("gpu.health@a3-mega-05/gpu5", temperature_c=91, sm_clock_mhz=1155,
                   clock_event_reasons=ck.CLK_HW_THERMAL | ck.CLK_SW_THERMAL)
    c.gemm("gpu.gemm@a3-mega-05/gpu5", tflops=402.0)
    return c


def x007():
    """Whole node slow: someone left `nvidia-smi -pl 400` on all 8 H100s of one node after a power
    test. Straggler-looking step times; DCGM power limit 400 W on that node only."""
    hosts = ["n%03d" % n for n in (40, 41, 42, 43)]
    c = ck.Case("case-x007", "gpu_power_throttle", "n042", hosts, gpu=H100)
    c.alert("JobThroughputLow", "tokens/s 38% below 7-day baseline", job="titan-405b-ablation", node="n040")
    f = -210
    tr = ck.fsdp_steps(c, -265, 30, 811, step_s=6.0, step_fn=lambda i: 6.0 if i < 6 else 8.9 * c.rng.uniform(0.98, 1.02))
    c.log("n040/rank0/stdout", tr + ck.app_noise(c, 3))
    j = ck.kernel_noise(c, "n042", 6) + [
        "%s n042 sudo[88121]:  hwtest : TTY=pts/3 ; PWD=/home/hwtest ; USER=root ; COMMAND=/usr/bin/nvidia-smi -pl 400" % c.syslog(f - 20),
        "%s n042 nvidia-smi[88122]: Power limit for GPU 00000000:%s:00.0 was set to 400.00 W from 700.00 W." % (c.syslog(f - 19), c.pci[0]),
        "%s n042 nvidia-smi[88122]: All done." % c.syslog(f - 19)]
    c.log("n042/journal", j)
    for h in ("n042", "n041"):
        lim = {g: after(f - 20, 400) for g in range(8)} if h == "n042" else {}
        c.gpu_metric("DCGM_FI_DEV_POWER_MGMT_LIMIT", h, 700, 0, lim, decimals=0)
    dcgm(c, "n042", power={g: after(f - 20, lambda s, v: 398 + c.rng.uniform(-3, 1)) for g in range(8)},
         clock={g: after(f - 20, lambda s, v: 1410 + c.rng.uniform(-60, 60)) for g in range(8)}, names=("power", "clock"))
    c.health_rates("gpu.health@n042/gpu4", power_limit_w=400, power_w=399, sm_clock_mhz=1420,
                   clock_event_reasons=ck.CLK_SW_POWER_CAP)
    return c


def x008():
    """A100 rank with slow host-to-device copies: one GPU's link trained at Gen4 x4 after a reseat.
    Looks like a dataloader stall on one rank (data wait high); pcie probe and health decide."""
    hosts = ["dgx-a100-r5n1", "dgx-a100-r5n2"]
    c = ck.Case("case-x008", "pcie_link_degraded", "dgx-a100-r5n2/gpu6", hosts, gpu=A100)
    c.alert("DataWaitHigh", "rank 14 data_wait p95 2.8 s", job="vit-h-jft", node="dgx-a100-r5n2", rank="14")
    tr = ck.plain_steps(c, -130, 30, 70001, step_s=1.9, step_fn=lambda i: 1.9 * c.rng.uniform(0.98, 1.02) if i < 8 else 4.7 * c.rng.uniform(0.97, 1.03))
    tr += ["%s | WARNING | perf | rank 14 timers: data_wait=%.2fs h2d_copy=%.2fs fwd=0.61s bwd=1.20s" % (c.ymd(-100 + 25 * i), 2.6 + 0.1 * i, 2.4 + 0.1 * i) for i in range(4)]
    c.log("dgx-a100-r5n2/rank14/stdout", tr + ck.app_noise(c, 3))
    k = ck.kernel_noise(c, "dgx-a100-r5n2", 5, fmt="dmesg") + [
        "%s pcieport 0000:%s:00.0: AER: Corrected error received: 0000:%s:00.0" % (c.dmesg(-2000 + 1000), "c4", c.pci[6]),
        "%s nvidia 0000:%s:00.0: PCIe Bus Error: severity=Corrected, type=Physical Layer, (Receiver ID)" % (c.dmesg(-1000), c.pci[6]),
        "%s nvidia 0000:%s:00.0:   device [10de:20b2] error status/mask=00000001/0000e000" % (c.dmesg(-1000), c.pci[6]),
        "%s nvidia 0000:%s:00.0:    [ 0] RxErr" % (c.dmesg(-1000), c.pci[6])]
    c.log("dgx-a100-r5n2/dmesg", k)
    dcgm(c, "dgx-a100-r5n2", util={g: after(-115, lambda s, v: 42 + c.rng.uniform(-6, 6)) for g in range(8)}, names=("util",))
    c.gpu_metric("DCGM_FI_PROF_PCIE_RX_BYTES", "dgx-a100-r5n2", 9.1e9, 1e9, {6: lambda s, v: 3.0e9 + c.rng.uniform(0, 2e8)}, decimals=0)
    c.health_rates("gpu.health@dgx-a100-r5n2/gpu6", pcie_link_width=4, pcie_replay_count=4211, pcie_replay_per_s=6.0)
    c.pcie("gpu.pcie_bandwidth@dgx-a100-r5n2/gpu6", h2d=6.1, d2h=5.9)
    c.pcie("gpu.pcie_bandwidth@dgx-a100-r5n2/gpu2")
    return c


def x009():
    """Replica checksum monitor: DP replica containing node b09 gpu3 disagrees; the loss on that
    replica spikes then the whole job goes NaN two hundred steps later. gpu.sdc names gpu3; health clean."""
    hosts = ["b07", "b08", "b09", "b10"]
    c = ck.Case("case-x009", "gpu_silent_data_corruption", "b09/gpu3", hosts, gpu=H100)
    c.alert("LossSpike", "training loss 3.9 (EMA 2.11)", job="pt-13b-code", node="b07")
    lo = lambda i: 2.12 + c.rng.uniform(-0.02, 0.02) if i < 22 else 3.9 + i * 0.05
    tr = ck.megatron_iters(c, -220, 30, 120400, step_s=7.0, loss_fn=lo)
    tr += [" [%s] WARNING: replica param checksum mismatch at iteration %d: dp_rank 2 (ranks 16-23, host b09) crc32=0x%08x, dp_ranks 0,1,3 crc32=0x%08x" % (
        c.ymd(-200 + 40 * i), 120404 + 6 * i, c.rng.randrange(1 << 32), c.rng.randrange(1 << 32)) for i in range(3)]
    tr += [" [%s] WARNING: grad checksum divergence localized to rank 19 (b09 local 3) in layer 31 mlp.fc2" % c.ymd(-100)]
    c.log("b07/rank0/stdout", tr + ck.app_noise(c, 2))
    c.log("b09/journal", ck.kernel_noise(c, "b09", 8))
    dcgm(c, "b09", names=("util", "temp", "power"))
    c.health_rates("gpu.health@b09/gpu3")
    c.sdc("gpu.sdc@b09", mismatched=371, bad_gpu="gpu3")
    c.gemm("gpu.gemm@b09/gpu3")
    return c


def x010():
    """IB: two nodes log NCCL completion errors status=12 towards 10.12.8.23; that address is
    node ib-c-023's mlx5_2, whose kernel logs link down/up flaps and symbol errors."""
    hosts = ["ib-c-021", "ib-c-022", "ib-c-023", "ib-c-024"]
    c = ck.Case("case-x010", "ib_link_failure", "ib-c-023/mlx5_2", hosts, gpu=H200)
    c.alert("NCCLError", "ncclRemoteError on 16 ranks", job="dsv3-sft", node="ib-c-021")
    f = -300
    def ibwarn(h, r, g, s):
        p = pid(c)
        return ["%s:%d:%d [%d] NCCL INFO transport/net_ib.cc:2061 -> 6" % (h, p, p + 88, g),
                "%s:%d:%d [%d] transport/net_ib.cc:1942 NCCL WARN NET/IB : Got completion from peer 10.12.8.23<52101> with error 12, opcode 129, len 0, vendor err 129 (Send) localGid ::ffff:10.12.8.%d remoteGid ::ffff:10.12.8.23" % (h, p, p + 88, g, 10 + r),
                "%s:%d:%d [%d] NCCL INFO transport/net.cc:1298 -> 6" % (h, p, p + 88, g)]
    c.log("ib-c-021/rank3/stderr", ck.deepspeed_steps(c, f - 30, 12, 900, rank=3) + ibwarn("ib-c-021", 3, 3, f + 5) + ck.app_noise(c, 2))
    c.log("ib-c-024/rank27/stderr", ibwarn("ib-c-024", 27, 3, f + 6) + ibwarn("ib-c-024", 26, 2, f + 6)
          + ["[rank27]: torch.distributed.DistBackendError: NCCL error in: ../torch/csrc/distributed/c10d/ProcessGroupNCCL.cpp:1970, remote process exited or there was a network error, NCCL version 2.21.5"])
    k = ck.kernel_noise(c, "ib-c-023", 5) + [
        "%s ib-c-023 kernel: mlx5_core 0000:%s:00.0: Port module event: module 2, Cable plugged" % (c.syslog(f - 200), ck.NIC_BUS[2]),
        "%s ib-c-023 kernel: mlx5_core 0000:%s:00.0 ibp%ss0: Link down" % (c.syslog(f - 5), ck.NIC_BUS[2], ck.NIC_BUS[2]),
        "%s ib-c-023 kernel: mlx5_core 0000:%s:00.0 ibp%ss0: Link up" % (c.syslog(f + 9), ck.NIC_BUS[2], ck.NIC_BUS[2]),
        "%s ib-c-023 kernel: mlx5_core 0000:%s:00.0 ibp%ss0: Link down" % (c.syslog(f + 40), ck.NIC_BUS[2], ck.NIC_BUS[2]),
        "%s ib-c-023 kernel: mlx5_core 0000:%s:00.0 ibp%ss0: Link up" % (c.syslog(f + 52), ck.NIC_BUS[2], ck.NIC_BUS[2])]
    c.log("ib-c-023/journal", k)
    for n in range(4):
        c.node_metric("node_infiniband_port_errors_symbol_total", {"instance": "ib-c-023", "device": "mlx5_%d" % n, "port": "1"},
                      (lambda s, n=n: 3 if n != 2 else 3 + max(0, s - f + 200) * 41), decimals=0)
    c.node_metric("node_infiniband_link_downed_total", {"instance": "ib-c-023", "device": "mlx5_2", "port": "1"},
                  lambda s: 0 if s < f - 5 else (1 if s < f + 40 else 2), decimals=0)
    return c


def x011():
    """NCCL bootstrap fails on every rank: NCCL_SOCKET_IFNAME=ens8f0 set in the new container image,
    but the nodes name the interface ens9f0np0. The loud line is a rendezvous/timeout error."""
    hosts = ["gpu-k8s-%d" % n for n in (31, 32)]
    c = ck.Case("case-x011", "nccl_network_misconfig", "job", hosts, gpu=H100)
    c.alert("JobFailedAtStart", "torchrun job qwen-distill exited 1 within 90s of start", job="qwen-distill",
            node="gpu-k8s-31")
    p = pid(c)
    lines = ["%s | INFO | launcher | NCCL_SOCKET_IFNAME=ens8f0 NCCL_IB_HCA=mlx5 NCCL_DEBUG=INFO" % c.ymd(-95),
             "gpu-k8s-31:%d:%d [0] NCCL INFO NCCL version 2.19.3+cuda12.3" % (p, p),
             "gpu-k8s-31:%d:%d [0] NCCL INFO NCCL_SOCKET_IFNAME set by environment to ens8f0" % (p, p),
             "gpu-k8s-31:%d:%d [0] bootstrap.cc:61 NCCL WARN Bootstrap : no socket interface found" % (p, p),
             "gpu-k8s-31:%d:%d [0] NCCL INFO init.cc:1761 -> 3" % (p, p),
             "Traceback (most recent call last):",
             '  File "/app/distill.py", line 44, in <module>',
             "    dist.barrier()",
             "torch.distributed.DistBackendError: NCCL error in: ../torch/csrc/distributed/c10d/ProcessGroupNCCL.cpp:1691, internal error - please report this issue to the NCCL developers, NCCL version 2.19.3",
             "ncclInternalError: Internal check failed.",
             "Last error:",
             "Bootstrap : no socket interface found"]
    c.log("gpu-k8s-31/pod/qwen-distill-worker-0", ck.app_noise(c, 4) + lines)
    ev = ["%s Normal   Scheduled  pod/qwen-distill-worker-1  Successfully assigned ml/qwen-distill-worker-1 to gpu-k8s-32" % c.iso(-140),
          "%s Normal   Pulled     pod/qwen-distill-worker-1  Container image \"registry.local/ml/train:2024.11-cu123\" already present on machine" % c.iso(-130),
          "%s Normal   Started    pod/qwen-distill-worker-1  Started container trainer" % c.iso(-128),
          "%s Warning  BackOff    pod/qwen-distill-worker-0  Back-off restarting failed container trainer" % c.iso(-10),
          "%s Warning  BackOff    pod/qwen-distill-worker-1  Back-off restarting failed container trainer" % c.iso(-8)]
    c.log("scheduler/events", ev)
    c.log("gpu-k8s-32/ip-link", ["1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue state UNKNOWN",
                                 "2: ens9f0np0: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 9000 qdisc mq state UP",
                                 "3: ibp12s0: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 4092 qdisc mq state UP",
                                 "4: docker0: <NO-CARRIER,BROADCAST,MULTICAST,UP> mtu 1500 qdisc noqueue state DOWN"])
    dcgm(c, "gpu-k8s-31", util={g: lambda s, v: 0 for g in range(8)}, names=("util",))
    c.health_rates("gpu.health@gpu-k8s-31/gpu0")
    return c


def x012():
    """Collective hang: 31 ranks time out in ALLREDUCE seq 20515; the flight recorder shows rank 17
    never enqueued it (still in a BROADCAST from an eval-only code path). Loud: 31 watchdog errors."""
    hosts = ["hpc-g%02d" % n for n in (5, 6, 7, 8)]
    c = ck.Case("case-x012", "nccl_collective_hang", "hpc-g07/gpu1", hosts, gpu=H200)
    c.alert("NCCLWatchdogTimeout", "watchdog timeouts on 31 of 32 ranks", job="sd3-ft", node="hpc-g05")
    w = ck.watchdog(c, 0, -30, 20515, numel=50331648) + ck.watchdog(c, 30, -29, 20515, numel=50331648)[:1]
    c.log("hpc-g05/rank0/stderr", ck.plain_steps(c, -1000, 14, 20500, step_s=22) + w)
    fr = ["%s | INFO | fr_trace | analysing 32 flight recorder dumps from /shared/fr/sd3-ft/" % c.ymd(-5),
          "%s | INFO | fr_trace | ranks 0-16,18-31: last entered collective #20515 ALLREDUCE pg=default (state=scheduled)" % c.ymd(-4),
          "%s | ERROR | fr_trace | rank 17 (hpc-g07 local 1): last entered #20514 BROADCAST pg=default (state=started); collective #20515 never enqueued" % c.ymd(-4),
          "%s | ERROR | fr_trace | Mismatch: 31 ranks waiting in ALLREDUCE on rank 17" % c.ymd(-4)]
    c.log("hpc-g05/flight-recorder", fr)
    dcgm(c, "hpc-g07", util={g: (lambda s, v: 100) for g in range(8)}, names=("util", "power"))
    c.nccl("nccl.allreduce@hpc-g07")
    c.health_rates("gpu.health@hpc-g07/gpu1")
    return c


def x013():
    """One rank segfaults inside a custom CUDA extension's host code (SIGSEGV); its peers log
    'Connection reset by peer' and NCCL remote errors. torchrun names the failing rank."""
    hosts = ["cw-h100-%03d" % n for n in (211, 212)]
    c = ck.Case("case-x013", "rank_process_crash", "cw-h100-212/gpu6", hosts, gpu=H100)
    c.alert("TrainingJobFailed", "job ds-coder-rl FAILED", job="ds-coder-rl", node="cw-h100-211")
    f = -200
    peer = ["[rank2]:[%s ProcessGroupNCCL.cpp:1333] [PG 0 Rank 2] NCCL watchdog thread terminated with exception: NCCL error: remote process exited or there was a network error, NCCL version 2.20.5" % c.glog(f + 4, "E"),
            "ncclRemoteError: A call failed possibly due to a network error or a remote process exiting prematurely.",
            "Last error:",
            "socketProgress: Connection closed by remote peer cw-h100-212<51442>"]
    c.log("cw-h100-211/rank2/stderr", ck.deepspeed_steps(c, f - 35, 14, 302, rank=2) + peer)
    crash = ["Fatal Python error: Segmentation fault",
             "",
             "Thread 0x00007f3a2cfff640 (most recent call first):",
             '  File "/usr/lib/python3.10/threading.py", line 324 in wait',
             "Current thread 0x00007f3b9d1a8740 (most recent call first):",
             '  File "/opt/rl/rollout/reward_ext.py", line 77 in score_batch',
             '  File "/opt/rl/rollout/worker.py", line 212 in step']
    crash = ["%s segfault at 18 ip 00007f3b1c6a2b1e sp 00007ffd8e9b1f20 error 4 in libreward_ext.so[7f3b1c690000+3a000]" % c.syslog(f)] + crash
    c.log("cw-h100-212/rank14/stderr", crash)
    c.log("cw-h100-211/launcher", ck.elastic_failure(c, f + 10, "cw-h100-212", 14, 6, -11, sig="SIGSEGV"))
    c.log("cw-h100-212/journal", ck.kernel_noise(c, "cw-h100-212", 4) + [
        "%s cw-h100-212 kernel: pt_main_thread[%d]: segfault at 18 ip 00007f3b1c6a2b1e sp 00007ffd8e9b1f20 error 4 in libreward_ext.so[7f3b1c690000+3a000]" % (c.syslog(f), pid(c)),
        "%s cw-h100-212 systemd-coredump[%d]: Process %d (pt_main_thread) of user 1001 dumped core." % (c.syslog(f + 3), pid(c), pid(c))])
    dcgm(c, "cw-h100-212", util={6: after(f, 0)}, names=("util",))
    c.health_rates("gpu.health@cw-h100-212/gpu6")
    return c


def x014():
    """CUDA OOM on one rank during a long-sequence batch cascades into watchdog timeouts on the
    other 15 ranks. The OOM is in pre-2.1 wording."""
    hosts = ["p4d-%d" % n for n in (1, 2)]
    c = ck.Case("case-x014", "cuda_oom", "p4d-2/gpu4", hosts, gpu=A100)
    c.alert("NCCLWatchdogTimeout", "15 ranks timed out in ALLREDUCE", job="longctx-ft", node="p4d-1")
    f = -660
    c.log("p4d-1/rank0/stderr", ck.fsdp_steps(c, -1100, 20, 5501, step_s=21.0) + ck.watchdog(c, 0, f + 602, 88410) + ck.app_noise(c, 2))
    oom = ["Traceback (most recent call last):",
           '  File "/src/train_longctx.py", line 233, in train_step',
           "    out = model(input_ids, attention_mask=mask)",
           '  File "/usr/local/lib/python3.10/site-packages/torch/nn/modules/module.py", line 1501, in _call_impl',
           "torch.cuda.OutOfMemoryError: CUDA out of memory. Tried to allocate 6.25 GiB (GPU 4; 79.15 GiB total capacity; 70.02 GiB already allocated; 3.91 GiB free; 74.61 GiB reserved in total by PyTorch) If reserved memory is >> allocated memory try setting max_split_size_mb to avoid fragmentation.  See documentation for Memory Management and PYTORCH_CUDA_ALLOC_CONF",
           "%s | WARNING | data | batch 5522 seq_len 131072 (bucket max)" % c.ymd(f - 2)]
    c.log("p4d-2/rank12/stderr", oom)
    c.gpu_metric("DCGM_FI_DEV_FB_USED", "p4d-2", 61000, 1500, {4: lambda s, v: 80900 if f - 30 < s < f + 5 else v}, decimals=0)
    dcgm(c, "p4d-2", names=("util",))
    return c


def x015():
    """Illegal memory access from a Triton kernel with an off-by-one mask on one rank; Xid 31 MMU
    fault on that GPU, then all peers time out."""
    hosts = ["lambda-h100-%02d" % n for n in (9, 10)]
    c = ck.Case("case-x015", "illegal_memory_access", "lambda-h100-10/gpu0", hosts, gpu=H100)
    c.alert("TrainingJobFailed", "job rope-ext exited with code 1", job="rope-ext", node="lambda-h100-10")
    f = -400
    c.log("lambda-h100-10/rank8/stderr", ck.plain_steps(c, f - 17, 16, 900) + [
        "[rank8]: Traceback (most recent call last):",
        '[rank8]:   File "/w/kernels/rope_triton.py", line 118, in forward',
        "[rank8]:     _rope_fwd[grid](q, cos, sin, q.stride(0), seq_len, BLOCK=128)",
        "[rank8]: RuntimeError: CUDA error: an illegal memory access was encountered",
        "[rank8]: CUDA kernel errors might be asynchronously reported at some other API call, so the stacktrace below might be incorrect.",
        "[rank8]: For debugging consider passing CUDA_LAUNCH_BLOCKING=1"])
    k = ck.kernel_noise(c, "lambda-h100-10", 4, fmt="dmesg") + [
        xid(c, f, 0, 31, "Ch 00000008, intr 00000000. MMU Fault: ENGINE GRAPHICS GPCCLIENT_T1_2 faulted @ 0x7f2c_98a00000. Fault is of type FAULT_PDE ACCESS_TYPE_VIRT_READ")]
    c.log("lambda-h100-10/dmesg", k)
    c.log("lambda-h100-09/rank1/stderr", ck.watchdog(c, 1, f + 301, 4410, timeout_ms=300000)[:3])
    c.health_rates("gpu.health@lambda-h100-10/gpu0", xid_last=31)
    c.gemm("gpu.gemm@lambda-h100-10/gpu0")
    return c


def x016():
    """Host OOM: the kernel OOM killer kills a rank; the job's torchrun reports exit -9 (SIGKILL),
    which reads like a crash. Node memory metrics reach 0 available."""
    hosts = ["sl-a100-%02d" % n for n in (21, 22)]
    c = ck.Case("case-x016", "host_oom", "sl-a100-22", hosts, gpu=A100)
    c.alert("SlurmJobFailed", "job 991203 (clip-pt) FAILED, ExitCode 0:9", job="clip-pt", node="sl-a100-22")
    f = -250
    kp = pid(c)
    j = ck.kernel_noise(c, "sl-a100-22", 5) + [
        "%s sl-a100-22 kernel: python invoked oom-killer: gfp_mask=0x140cca(GFP_HIGHUSER_MOVABLE|__GFP_COMP), order=0, oom_score_adj=0" % c.syslog(f),
        "%s sl-a100-22 kernel: Mem-Info:" % c.syslog(f),
        "%s sl-a100-22 kernel: oom-kill:constraint=CONSTRAINT_NONE,nodemask=(null),cpuset=/,mems_allowed=0-1,global_oom,task_memcg=/slurm/uid_1012/job_991203/step_0,task=python,pid=%d,uid=1012" % (c.syslog(f), kp),
        "%s sl-a100-22 kernel: Out of memory: Killed process %d (python) total-vm:1211442112kB, anon-rss:201334208kB, file-rss:0kB, shmem-rss:81920kB, UID:1012 pgtables:401224kB oom_score_adj:0" % (c.syslog(f), kp)]
    c.log("sl-a100-22/journal", j)
    c.log("sl-a100-21/slurm-991203.out", ck.plain_steps(c, f - 570, 14, 3010, step_s=40)
          + ["srun: error: sl-a100-22: task 11: Killed",
             "srun: Job step aborted: Waiting up to 32 seconds for job step to finish.",
             "slurmstepd: error: *** STEP 991203.0 ON sl-a100-21 CANCELLED AT %s ***" % c.iso(f + 30)[:-1]])
    c.node_metric("node_memory_MemAvailable_bytes", {"instance": "sl-a100-22"},
                  lambda s: max(2.1e8, 1.6e12 - max(0, s + 900) * 2.4e9) if s < f + 10 else 1.2e12, decimals=0)
    c.node_metric("node_memory_MemAvailable_bytes", {"instance": "sl-a100-21"}, lambda s: 1.25e12, decimals=0)
    return c


def x017():
    """Loss divergence: lr warmup finished at a too-high peak LR; loss climbs and grad norm blows up
    to inf across all ranks, Megatron reports NaN. Hardware clean (sdc probe passes)."""
    hosts = ["mi-%02d" % n for n in range(1, 5)]
    c = ck.Case("case-x017", "loss_divergence", "job", hosts, gpu=H200)
    c.alert("LossNaN", "lm loss is nan", job="moe-a2b-pt", node="mi-01")
    lo = lambda i: 2.4 + (0 if i < 14 else 0.35 * (i - 14) ** 1.4) if i < 26 else float("nan")
    gn = lambda i: 0.9 if i < 14 else (3.0 * (i - 13) ** 2 if i < 25 else float("nan"))
    tr = ck.megatron_iters(c, -145, 30, 2001, step_s=4.5, lr=6e-4, loss_fn=lo, grad_fn=gn,
                           nan_fn=lambda i: max(0, i - 25))
    tr += [" [%s] WARNING: learning rate warmup finished at iteration 2000, lr=6.000E-04" % c.ymd(-146)]
    c.log("mi-01/rank0/stdout", tr + ck.app_noise(c, 3))
    c.sdc("gpu.sdc@mi-02")
    c.sdc("gpu.sdc@mi-03")
    return c


def x018():
    """fp16 DeepSpeed run: overflows every step, loss scale driven down to the minimum and the run
    aborts. Looks like a NaN divergence from the alert."""
    hosts = ["gpu%02d" % n for n in (3, 4)]
    c = ck.Case("case-x018", "fp16_loss_scale_collapse", "job", hosts, gpu=A100)
    c.alert("TrainingJobFailed", "job t5-xl-fp16 exited: loss scale", job="t5-xl-fp16", node="gpu03")
    lines = ck.deepspeed_steps(c, -630, 10, 7700, rank=0)
    sc = 65536
    t = -600
    while sc >= 1:
        lines.append("[%s] [INFO] [loss_scaler.py:183:update_scale] [deepspeed] OVERFLOW! Rank 0 Skipping step. Attempted loss scale: %d, reducing to %s" % (c.ymd_ms(t), sc, sc // 2 if sc > 1 else 1))
        t += 25
        sc //= 2
    lines += ["[%s] [INFO] [loss_scaler.py:190:update_scale] [deepspeed] OVERFLOW! Rank 0 Skipping step. Attempted loss scale: 1, reducing to 1" % c.ymd_ms(t),
              "Exception: Current loss scale already at minimum - cannot decrease scale anymore. Exiting run."]
    c.log("gpu03/rank0/stdout", lines)
    return c


def x019():
    """FP8 (Transformer Engine delayed scaling): amax goes inf in one layer's fwd activations; scale
    factors collapse, loss spikes. The loud alert is a loss spike."""
    hosts = ["hx-%d" % n for n in range(1, 5)]
    c = ck.Case("case-x019", "fp8_scaling_overflow", "job", hosts, gpu=H100)
    c.alert("LossSpike", "loss 7.8 vs EMA 2.0", job="nemo-fp8-70b", node="hx-1")
    lo = lambda i: 2.0 + c.rng.uniform(-0.02, 0.02) if i < 20 else 7.8 + c.rng.uniform(-0.3, 0.3)
    tr = ck.megatron_iters(c, -200, 28, 30200, step_s=6.8, loss_fn=lo)
    tr += ["[NeMo W %s fp8_monitor:88] layers.47.self_attention.linear_proj fwd amax=inf (history max 412.5) scale=%s" % (c.ymd(-95 + 10 * i), v) for i, v in enumerate(("1.0000e+00", "3.0518e-05", "0.0000e+00"))]
    tr += ["[NeMo W %s fp8_monitor:91] 14.2%% of E4M3 casts saturated in layers.47.mlp.linear_fc1 (threshold 1%%)" % c.ymd(-98)]
    c.log("hx-1/rank0/stdout", tr)
    c.sdc("gpu.sdc@hx-2")
    return c


def x020():
    """MoE: router collapses onto 2 of 64 experts; capacity overflow drops 38% of tokens and the
    all-to-all slows the step. Looks like a network straggler."""
    hosts = ["h200-m%02d" % n for n in range(1, 5)]
    c = ck.Case("case-x020", "moe_expert_imbalance", "job", hosts, gpu=H200)
    c.alert("StepTimeRegression", "step time 2.3x baseline", job="moe-64e-pt", node="h200-m01")
    st = lambda i: 3.0 if i < 12 else 6.9 * c.rng.uniform(0.97, 1.03)
    tr = ck.megatron_iters(c, -170, 30, 15010, step_s=3.0, step_fn=st)
    tr += [" [%s] moe router: layer %d load (max/mean) %.1f, tokens dropped %.1f%%, top experts [%d, %d] take %.0f%% of tokens, aux_loss %.4f" % (
        c.ymd(-130 + 30 * i), 12 + i, 18.0 + i, 31.0 + 2 * i, 17, 41, 61 + i, 0.0009) for i in range(4)]
    c.log("h200-m01/rank0/stdout", tr + ck.app_noise(c, 2))
    c.nccl("nccl.alltoall@job")
    c.nccl("nccl.allreduce@job")
    return c


def x021():
    """Straggler: a leftover process from a crashed notebook session still runs on gpu2 of one node,
    taking SMs; nvidia-smi shows two processes on that GPU. gemm on that GPU fails, health passes."""
    hosts = ["gx-%02d" % n for n in (11, 12, 13)]
    c = ck.Case("case-x021", "straggler_rank", "gx-12/gpu2", hosts, gpu=H100)
    c.alert("StragglerDetected", "rank 10 is 1.6x slower than median", job="pixtral-sft", node="gx-12", rank="10")
    c.log("gx-11/rank0/stdout", ck.fsdp_steps(c, -90, 25, 600, step_s=2.0, step_fn=lambda i: 3.2 * c.rng.uniform(0.98, 1.02)) + ck.app_noise(c, 3))
    c.log("gx-12/nvidia-smi", [
        "+-----------------------------------------------------------------------------------------+",
        "| Processes:                                                                              |",
        "|  GPU   GI   CI        PID   Type   Process name                              GPU Memory |",
        "|        ID   ID                                                               Usage      |",
        "|=========================================================================================|",
        "|    0   N/A  N/A     %d      C   /usr/bin/python3                             66112MiB |" % pid(c),
        "|    1   N/A  N/A     %d      C   /usr/bin/python3                             66090MiB |" % pid(c),
        "|    2   N/A  N/A     %d      C   /usr/bin/python3                             61204MiB |" % pid(c),
        "|    2   N/A  N/A     %d      C   /opt/conda/envs/nb/bin/python                 9120MiB |" % pid(c),
        "|    3   N/A  N/A     %d      C   /usr/bin/python3                             66101MiB |" % pid(c),
        "+-----------------------------------------------------------------------------------------+"])
    dcgm(c, "gx-12", names=("util", "temp"))
    c.gpu_metric("DCGM_FI_PROF_SM_ACTIVE", "gx-12", 0.62, 0.04, {g: (lambda s, v: 0.41) for g in range(8) if g != 2}, decimals=3)
    c.health_rates("gpu.health@gx-12/gpu2")
    c.gemm("gpu.gemm@gx-12/gpu2", tflops=361.0)
    c.gemm("gpu.gemm@gx-12/gpu5")
    return c


def x022():
    """Dataloader stall: a config change dropped num_workers from 12 to 1; all ranks wait on data,
    GPU util ~35% everywhere, no communication error, host CPU one core pegged per rank."""
    hosts = ["dl-h200-%02d" % n for n in (1, 2)]
    c = ck.Case("case-x022", "dataloader_stall", "job", hosts, gpu=H200)
    c.alert("GPUUtilLow", "avg GPU util 34% on job wav2vec-xl for 15m", job="wav2vec-xl", node="dl-h200-01")
    tr = ["%s | INFO | config | dataloader: batch_size=32 num_workers=1 pin_memory=True prefetch_factor=2" % c.ymd(-1190)]
    tr += ck.plain_steps(c, -115, 24, 100, step_s=4.4)
    tr += ["%s | WARNING | perf | step %d: data loading took %.2fs of %.2fs step (%.0f%%)" % (c.ymd(-100 + 30 * i), 110 + 30 * i, 3.0 + 0.1 * i, 4.4, 70 + i) for i in range(4)]
    c.log("dl-h200-01/rank0/stdout", tr + ck.app_noise(c, 2))
    for h in hosts:
        dcgm(c, h, util={g: (lambda s, v: 33 + c.rng.uniform(-8, 8)) for g in range(8)}, names=("util",))
    c.node_metric("node_load1", {"instance": "dl-h200-01"}, lambda s: 8.1 + c.rng.uniform(-0.5, 0.5))
    c.pcie("gpu.pcie_bandwidth@dl-h200-01/gpu0")
    return c


def x023():
    """Checkpoint save fails: the shared Lustre project quota is exhausted (EDQUOT / ENOSPC); every
    rank fails in torch.distributed.checkpoint. Loud: many rank tracebacks."""
    hosts = ["lx-%02d" % n for n in (1, 2, 3, 4)]
    c = ck.Case("case-x023", "storage_failure", "job", hosts, gpu=H100)
    c.alert("TrainingJobFailed", "job llama-70b-dpo failed during checkpoint", job="llama-70b-dpo", node="lx-01")
    f = -120
    tr = ck.megatron_iters(c, f - 805, 20, 9981, step_s=40) + [
        " [%s] saving checkpoint at iteration   10000 to /lustre/proj/llm/ckpt/llama-70b-dpo in torch_dist format" % c.ymd(f),
        "[rank0]: Traceback (most recent call last):",
        '[rank0]:   File "/opt/megatron/megatron/training/checkpointing.py", line 410, in save_checkpoint',
        "[rank0]: torch.distributed.checkpoint.api.CheckpointException: CheckpointException ranks:dict_keys([0, 3, 5, 9, 17, 30])",
        "[rank0]: OSError: [Errno 122] Disk quota exceeded: '/lustre/proj/llm/ckpt/llama-70b-dpo/iter_0010000/__0_0.distcp'",
        "[rank3]: OSError: [Errno 28] No space left on device"]
    c.log("lx-01/rank0/stderr", tr)
    c.log("lx-02/journal", ck.kernel_noise(c, "lx-02", 5) + [
        "%s lx-02 kernel: LustreError: 11-0: proj-OST0013-osc-ffff9a0c: operation ost_write to node 10.9.0.33@o2ib failed: rc = -122" % c.syslog(f + 20)])
    c.node_metric("lustre_quota_used_bytes", {"fs": "proj", "project": "llm"}, lambda s: 1.0e15 - max(0, -s - 200) * 1e10 if s < f else 1.0e15, decimals=0)
    c.node_metric("lustre_quota_limit_bytes", {"fs": "proj", "project": "llm"}, lambda s: 1.0e15, decimals=0)
    return c


def x024():
    """Launch config error: a new sbatch script sets --nnodes=4 in torchrun while Slurm allocated 3
    nodes; rendezvous waits then times out. Looks like a network problem."""
    hosts = ["cpu-gpu-%02d" % n for n in (7, 8, 9)]
    c = ck.Case("case-x024", "launch_config_error", "job", hosts, gpu=H100)
    c.alert("JobStuckStarting", "job sft-eval-sweep has not logged a step in 20 min", job="sft-eval-sweep", node="cpu-gpu-07")
    tr = ["+ srun torchrun --nnodes=4 --nproc_per_node=8 --rdzv_backend=c10d --rdzv_endpoint=cpu-gpu-07:29500 train.py",
          "%s [INFO] allocated nodes: cpu-gpu-[07-09] (3 nodes, 24 GPUs)" % c.ymd(-1190)]
    tr += ["[%s] torch.distributed.elastic.agent.server.api: [default] Rendezvous'ing worker group (waiting for 1 more node(s), min_nodes=4, max_nodes=4)" % c.ymd(-1100 + 200 * i) for i in range(5)]
    tr += ["torch.distributed.elastic.rendezvous.api.RendezvousTimeoutError: ",
           "The node 'cpu-gpu-07_12219_0' rendezvous timed out after 900.0 seconds (min_nodes=4, participants=3)"]
    c.log("cpu-gpu-07/slurm.out", ck.app_noise(c, 8) + tr)
    c.log("cpu-gpu-09/journal", ck.kernel_noise(c, "cpu-gpu-09", 6))
    dcgm(c, "cpu-gpu-07", util={g: (lambda s, v: 0) for g in range(8)}, names=("util",))
    c.nccl("nccl.allreduce@cpu-gpu-07")
    return c


def x025():
    """A100 on Kubernetes: Xid 79 in an older multi-line wording; the pod reports 'CUDA error: unknown
    error' and the device plugin marks the GPU unhealthy. gpu.inventory sees 7 GPUs."""
    hosts = ["a100-node-pool-5tq", "a100-node-pool-8xm"]
    c = ck.Case("case-x025", "gpu_fallen_off_bus", "a100-node-pool-8xm/gpu7", hosts, gpu=A100)
    c.alert("KubePodCrashLooping", "pod embed-train-1 crash looping", pod="embed-train-1", node="a100-node-pool-8xm", job="embed-train")
    f = -500
    c.log("a100-node-pool-8xm/pod/embed-train-1", ck.plain_steps(c, -900, 14, 20, step_s=28) + [
        "RuntimeError: CUDA error: unknown error",
        "CUDA kernel errors might be asynchronously reported at some other API call, so the stacktrace below might be incorrect.",
        "terminate called after throwing an instance of 'c10::Error'",
        "  what():  CUDA error: unknown error"])
    k = ck.kernel_noise(c, "a100-node-pool-8xm", 6) + [
        "%s a100-node-pool-8xm kernel: NVRM: GPU at PCI:%s: GPU-%s" % (c.syslog(f), c.bus(7), c.uuid("a100-node-pool-8xm", 7)[4:]),
        "%s a100-node-pool-8xm kernel: NVRM: Xid (PCI:%s): 79, pid=%d, GPU has fallen off the bus." % (c.syslog(f), c.bus(7), pid(c)),
        "%s a100-node-pool-8xm kernel: NVRM: RmInitAdapter failed! (0x23:0xffff:1416)" % c.syslog(f + 60),
        "%s a100-node-pool-8xm kernel: NVRM: rm_init_adapter failed, device minor number 7" % c.syslog(f + 60),
        "%s a100-node-pool-8xm nvidia-device-plugin[2211]: 'nvidia.com/gpu' device marked unhealthy: GPU-%s (Xid 79)" % (c.syslog(f + 2), c.uuid("a100-node-pool-8xm", 7)[4:])]
    c.log("a100-node-pool-8xm/journal", k)
    dcgm(c, "a100-node-pool-8xm", lost={7: f}, names=("util", "temp"))
    c.inventory("gpu.inventory@a100-node-pool-8xm/gpu7", count=7)
    return c


def x026():
    """A rank on one node dies with 'unspecified launch failure' (reads like an application kernel
    fault); no kernel log was shipped and DCGM ECC fields are not collected. Only gpu.health on that
    GPU shows a volatile DBE and Xid 48; the neighbouring GPU passes."""
    hosts = ["nd-h100-%02d" % n for n in (31, 32, 33)]
    c = ck.Case("case-x026", "gpu_memory_uncorrectable_ecc", "nd-h100-33/gpu4", hosts, gpu=H100)
    c.alert("TrainingJobFailed", "job whisper-v4 exited with code 1", job="whisper-v4", node="nd-h100-31")
    f = -350
    c.log("nd-h100-33/rank20/stderr", ck.deepspeed_steps(c, f - 30, 12, 1200, rank=20) + [
        "[rank20]: Traceback (most recent call last):",
        '[rank20]:   File "/code/asr/model.py", line 402, in forward',
        "[rank20]:     attn = flash_attn_varlen_func(q, k, v, cu_seqlens, cu_seqlens, max_len, max_len)",
        "[rank20]: RuntimeError: CUDA error: unspecified launch failure",
        "[rank20]: Compile with `TORCH_USE_CUDA_DSA` to enable device-side assertions."])
    c.log("nd-h100-31/rank0/stderr", ck.deepspeed_steps(c, f - 26, 10, 1200, rank=0) + ck.watchdog(c, 0, f + 601, 30112, op="ALLGATHER")[:3])
    dcgm(c, "nd-h100-33", util={g: after(f, 0) for g in range(8)}, names=("util", "temp"))
    c.health_rates("gpu.health@nd-h100-33/gpu4", ecc_dbe_volatile=1, ecc_dbe_aggregate=1, xid_last=48, retired_pages=0)
    c.health_rates("gpu.health@nd-h100-33/gpu5")
    c.gemm("gpu.gemm@nd-h100-33/gpu4", tflops=0.0)
    c.fail("gpu.gemm@nd-h100-33/gpu4", "GEMM aborted: CUDA error: uncorrectable ECC error encountered")
    return c


def x027():
    """A node returned to the pool after an ECC incident without a GPU reset: the new job on gpu7
    gets 'uncorrectable ECC error encountered' at the first step. nvidia-smi -q reports Pending: Yes;
    Xid 63 in the journal. Row remap pending is the cause; the DBE is historic."""
    hosts = ["dgx-h200-p2-%02d" % n for n in (3, 4)]
    c = ck.Case("case-x027", "gpu_row_remap_failure", "dgx-h200-p2-04/gpu7", hosts, gpu=H200)
    c.alert("JobFailedAtStart", "job emb-distill failed in first step", job="emb-distill", node="dgx-h200-p2-04")
    j = ck.kernel_noise(c, "dgx-h200-p2-04", 7, start_s=-1200) + [
        "%s dgx-h200-p2-04 kernel: NVRM: Xid (PCI:%s): 63, pid=%d, name=python3, Row Remapper: New row (0x00000000800c4a21) Marked for Remap" % (c.syslog(-1150), c.bus(7), pid(c)),
        "%s dgx-h200-p2-04 slurmctld-prolog[4431]: node health check: gpu 7 ok (dcgmi diag -r 1 skipped: NHC_QUICK=1)" % c.syslog(-200)]
    c.log("dgx-h200-p2-04/journal", j)
    c.log("dgx-h200-p2-04/rank15/stderr", ["%s | INFO | train | world 16, resuming from step 0" % c.ymd(-150)] + ck.app_noise(c, 5) + [
        "Traceback (most recent call last):",
        '  File "/opt/distill/main.py", line 188, in <module>',
        "    trainer.fit()",
        "RuntimeError: CUDA error: uncorrectable ECC error encountered",
        "CUDA kernel errors might be asynchronously reported at some other API call, so the stacktrace below might be incorrect."])
    c.gpu_metric("DCGM_FI_DEV_ECC_DBE_AGG_TOTAL", "dgx-h200-p2-04", 0, 0, {7: lambda s, v: 1}, decimals=0)
    c.health_rates("gpu.health@dgx-h200-p2-04/gpu7", remap_pending=1, remapped_rows_uncorrectable=1, ecc_dbe_aggregate=1, xid_last=63)
    c.hbm("gpu.hbm_bandwidth@dgx-h200-p2-04/gpu7")
    return c


def x028():
    """A100: Xid 62 (internal micro-controller halt) on gpu3; the rank hangs, nvidia-smi hangs on the
    node, peers time out. kernel_launch probe on that GPU errors."""
    hosts = ["hpc-a100-%03d" % n for n in (101, 102, 103, 104)]
    c = ck.Case("case-x028", "gpu_firmware_error", "hpc-a100-103/gpu3", hosts, gpu=A100)
    c.alert("NCCLWatchdogTimeout", "31 ranks timed out", job="prot-fold-v2", node="hpc-a100-101")
    f = -900
    k = ck.kernel_noise(c, "hpc-a100-103", 4, fmt="dmesg") + [
        xid(c, f, 3, 62, "Internal micro-controller halt (newer drivers)", pname="python"),
        "%s NVRM: GPU at PCI:%s: GPU-%s" % (c.dmesg(f + 0.1), c.bus(3), c.uuid("hpc-a100-103", 3)[4:]),
        "%s INFO: task nvidia-smi:%d blocked for more than 122 seconds." % (c.dmesg(f + 300), pid(c)),
        '%s "echo 0 > /proc/sys/kernel/hung_task_timeout_secs" disables this message.' % c.dmesg(f + 300)]
    c.log("hpc-a100-103/dmesg", k)
    c.log("hpc-a100-101/rank0/stderr", ck.plain_steps(c, -1150, 12, 444, step_s=20) + ck.watchdog(c, 0, f + 602, 12001)
          + ck.app_noise(c, 2))
    dcgm(c, "hpc-a100-103", util={3: after(f, 100)}, power={3: after(f, 88)}, names=("util", "power"))
    c.errored("gpu.kernel_launch@hpc-a100-103/gpu3", "cuInit / cuCtxCreate on gpu3 did not return within 60 s", 60.0)
    c.health_rates("gpu.health@hpc-a100-103/gpu3", xid_last=62)
    return c


def x029():
    """No Xid: NVLink CRC errors on one GPU's links make the driver replay and retrain; the job is 1.8x
    slower with no error lines. Only probes separate it from a straggler GPU: p2p matrix low for pairs
    with gpu3, health (rates) shows CRC errors per second far above the threshold."""
    hosts = ["gpu-r14-u%02d" % n for n in (10, 12)]
    c = ck.Case("case-x029", "nvlink_error", "gpu-r14-u12/gpu3", hosts, gpu=H100, pci=ck.PCI_BUS_B)
    c.alert("StepTimeRegression", "step time up 1.8x for 20 min", job="code-llm-sft", node="gpu-r14-u10")
    tr = ck.fsdp_steps(c, -140, 30, 2020, step_s=2.4, step_fn=lambda i: 4.3 * c.rng.uniform(0.97, 1.03))
    c.log("gpu-r14-u10/rank0/stdout", tr + ck.app_noise(c, 4))
    c.log("gpu-r14-u12/journal", ck.kernel_noise(c, "gpu-r14-u12", 7))
    dcgm(c, "gpu-r14-u12", util={g: (lambda s, v: 71 + c.rng.uniform(-5, 5)) for g in range(8)}, names=("util", "power"))
    c.health_rates("gpu.health@gpu-r14-u12/gpu3", nvlink_crc_errors=9211400, nvlink_crc_errors_per_s=5120.0,
                   nvlink_replay_errors=40211, nvlink_replay_errors_per_s=188.0)
    c.health_rates("gpu.health@gpu-r14-u12/gpu0")
    c.nccl("nccl.p2p_matrix@gpu-r14-u12", busbw=61.0, details={"slowest_pairs": "gpu3<->gpu0 61.0, gpu3<->gpu5 63.2, gpu3<->gpu7 64.9 GB/s"})
    c.gemm("gpu.gemm@gpu-r14-u12/gpu3")
    return c


def x030():
    """A failed chassis fan heats all GPUs of one node; DCGM temperature is not exported on this
    cluster, only step times and utilisation. IPMI SEL names Fan 4; gpu.health on two GPUs of the
    node shows HW/SW thermal slowdown. Component: the node."""
    hosts = ["xe9680-%02d" % n for n in (1, 2, 3, 4)]
    c = ck.Case("case-x030", "gpu_thermal_throttle", "xe9680-03", hosts, gpu=H100)
    c.alert("JobThroughputLow", "throughput -35% vs baseline", job="vlm-pt", node="xe9680-01")
    c.log("xe9680-01/rank0/stdout", ck.megatron_iters(c, -306, 26, 8800, step_s=8.0, step_fn=lambda i: 8.0 if i < 6 else 12.4 * c.rng.uniform(0.98, 1.02)) + ck.app_noise(c, 3))
    c.log("xe9680-03/ipmi-sel", [
        "  1a3 | %s | Fan FAN4 RPM | Lower Critical going low | Asserted | Reading 0 < Threshold 1680 RPM" % c.at(-270).strftime("%m/%d/%Y | %H:%M:%S"),
        "  1a4 | %s | Fan Redundancy | Redundancy Lost | Asserted" % c.at(-270).strftime("%m/%d/%Y | %H:%M:%S")] + ck.kernel_noise(c, "xe9680-03", 6))
    dcgm(c, "xe9680-03", util={g: (lambda s, v: 88 + c.rng.uniform(-6, 4)) for g in range(8)}, names=("util", "clock"),
         clock={g: after(-258, lambda s, v: 1320 + c.rng.uniform(-80, 80)) for g in range(8)})
    c.health_rates("gpu.health@xe9680-03/gpu2", temperature_c=89, hbm_temperature_c=94, sm_clock_mhz=1290,
                   clock_event_reasons=ck.CLK_SW_THERMAL | ck.CLK_HW_THERMAL)
    c.health_rates("gpu.health@xe9680-03/gpu6", temperature_c=88, hbm_temperature_c=92, sm_clock_mhz=1335,
                   clock_event_reasons=ck.CLK_SW_THERMAL)
    c.health_rates("gpu.health@xe9680-01/gpu2")
    return c


def x031():
    """PSU failure on one node triggers HW power brake on all its GPUs (clocks at ~800 MHz); the
    straggler detector lists all 8 ranks of that node. gpu.health shows clock event 0x80."""
    hosts = ["hgx-%02d" % n for n in range(21, 25)]
    c = ck.Case("case-x031", "gpu_power_throttle", "hgx-23", hosts, gpu=H200)
    c.alert("StragglerDetected", "8 ranks on hgx-23 flagged slow", job="r1-distill-32b", node="hgx-23")
    tr = ck.megatron_iters(c, -265, 24, 600, step_s=5.5, step_fn=lambda i: 5.5 if i < 5 else 11.9 * c.rng.uniform(0.98, 1.02))
    tr += [" [%s] StragglerDetector: stragglers (lowest 8 of 32): ranks 16-23 on hgx-23, GPU TFLOPs min %.1f vs median 411.0" % (c.ymd(-200 + 60 * i), 160 + i) for i in range(3)]
    c.log("hgx-21/rank0/stdout", tr)
    c.log("hgx-23/journal", ck.kernel_noise(c, "hgx-23", 6) + [
        "%s hgx-23 ipmievd[1221]: Power Supply PSU2 Status: Power Supply AC lost | Asserted" % c.syslog(-250),
        "%s hgx-23 ipmievd[1221]: Power Supply PSU Redundancy: Redundancy Lost | Asserted" % c.syslog(-250)])
    dcgm(c, "hgx-23", clock={g: after(-240, lambda s, v: 810 + c.rng.uniform(-40, 40)) for g in range(8)},
         power={g: after(-240, lambda s, v: 310 + c.rng.uniform(-20, 20)) for g in range(8)}, names=("clock", "power"))
    c.health_rates("gpu.health@hgx-23/gpu0", sm_clock_mhz=795, power_w=305, clock_event_reasons=ck.CLK_HW_POWER_BRAKE | ck.CLK_HW_SLOWDOWN)
    c.gemm("gpu.gemm@hgx-23/gpu0", tflops=301.0)
    return c


def x032():
    """ZeRO-offload job: one H100 trained its link at Gen3 (8 GT/s) after a BIOS update; the kernel
    prints the 'limited by' line at boot. The rank's optimizer step is 3x slower."""
    hosts = ["sm-h100-%02d" % n for n in (5, 6)]
    c = ck.Case("case-x032", "pcie_link_degraded", "sm-h100-06/gpu1", hosts, gpu=H100)
    c.alert("StragglerDetected", "rank 9 optimizer step 3.1x median", job="zero3-offload-13b", node="sm-h100-06", rank="9")
    k = ["%s pci 0000:%s:00.0: 63.008 Gb/s available PCIe bandwidth, limited by 8.0 GT/s PCIe x8 link at 0000:%s:01.0 (capable of 504.112 Gb/s with 32.0 GT/s PCIe x16 link)" % (c.dmesg(-c.uptime0 + 14.2), c.pci[1], "16")]
    k += ck.kernel_noise(c, "sm-h100-06", 6, fmt="dmesg")
    c.log("sm-h100-06/dmesg", k)
    tr = ck.deepspeed_steps(c, -110, 16, 210, rank=9, step_s=6.2)
    tr += ["[%s] [INFO] [logging.py:96:log_dist] [Rank 9] time (ms) | optimizer_step: %.1f | forward: 640.2 | backward: 1290.5" % (c.ymd_ms(-90 + 25 * i), 3900 + 40 * i) for i in range(3)]
    tr += ["[%s] [INFO] [logging.py:96:log_dist] [Rank 0] time (ms) | optimizer_step: 1265.3 | forward: 638.0 | backward: 1288.9" % c.ymd_ms(-40)]
    c.log("sm-h100-06/rank9/stdout", tr)
    c.health_rates("gpu.health@sm-h100-06/gpu1", pcie_link_gen=3, pcie_link_width=8)
    c.pcie("gpu.pcie_bandwidth@sm-h100-06/gpu1", h2d=6.4, d2h=6.6)
    return c


def x033():
    """The whole job goes NaN and Megatron's NaN check names rank 45 first. It reads like plain
    divergence (grad norm was drifting up), but gpu.sdc on that rank's node flags gpu5; the sdc vote
    on another node passes and gpu.health is clean."""
    hosts = ["ws-h100-%02d" % n for n in range(40, 46)]
    c = ck.Case("case-x033", "gpu_silent_data_corruption", "ws-h100-45/gpu5", hosts, gpu=H100)
    c.alert("LossNaN", "loss is NaN at iteration 77310", job="mm-34b-pt", node="ws-h100-40")
    lo = lambda i: 1.88 + c.rng.uniform(-0.03, 0.03) if i < 24 else float("nan")
    gn = lambda i: 0.31 + 0.01 * i if i < 24 else float("nan")
    tr = ck.megatron_iters(c, -235, 28, 77286, step_s=8.1, loss_fn=lo, grad_fn=gn, nan_fn=lambda i: max(0, i - 23))
    tr += ["[rank45]: AssertionError: Rank 45, node ws-h100-45, device 5, iteration 77310: found NaN in local grad norm in backward pass before data-parallel communication collective. Device: 5, node: ws-h100-45"]
    c.log("ws-h100-40/rank0/stdout", tr + ck.app_noise(c, 2))
    dcgm(c, "ws-h100-45", names=("util", "temp"))
    c.health_rates("gpu.health@ws-h100-45/gpu5")
    c.sdc("gpu.sdc@ws-h100-45", mismatched=12, bad_gpu="gpu5")
    c.sdc("gpu.sdc@ws-h100-41")
    return c


def x034():
    """No errors, just a slow job: one HCA on one node trained at 100 Gb/s instead of 400 (ibstat).
    Inter-node all-reduce busbw is low, intra-node is fine; port counters on that port rise."""
    hosts = ["ai-rack3-n%d" % n for n in range(1, 5)]
    c = ck.Case("case-x034", "ib_link_failure", "ai-rack3-n2/mlx5_5", hosts, gpu=H200)
    c.alert("StepTimeRegression", "step time 1.6x since node replacement", job="llm-140b-pt", node="ai-rack3-n1")
    c.log("ai-rack3-n1/rank0/stdout", ck.megatron_iters(c, -440, 26, 55000, step_s=10.4, step_fn=lambda i: 16.5 * c.rng.uniform(0.98, 1.02)) + ck.app_noise(c, 3))
    ib = []
    for n in range(8):
        rate = 100 if n == 5 else 400
        ib += ["CA 'mlx5_%d'" % n, "\tPort 1:", "\t\tState: Active", "\t\tRate: %d" % rate]
    c.log("ai-rack3-n2/ibstat", ib)
    for n in (4, 5):
        c.node_metric("node_infiniband_port_data_transmitted_bytes_total", {"instance": "ai-rack3-n2", "device": "mlx5_%d" % n, "port": "1"},
                      (lambda s, n=n: (s + 1300) * (1.15e10 if n == 5 else 3.9e10)), decimals=0)
    c.nccl("nccl.allreduce@job", busbw=61.0)
    c.nccl("nccl.allreduce@ai-rack3-n2")
    c.nccl("nccl.sendrecv@ai-rack3-n2", busbw=11.8, details={"per_nic": "mlx5_5 11.8 GB/s, others 46.9-48.3 GB/s"})
    return c


def x035():
    """NCCL silently falls back to TCP sockets because the new image lacks the IB verbs libraries;
    the job is 9x slower. INFO lines show NET/Socket instead of NET/IB; the job-wide all-reduce probe
    is 3 GB/s, intra-node fine."""
    hosts = ["kube-gpu-%02d" % n for n in (4, 5, 6, 7)]
    c = ck.Case("case-x035", "nccl_network_misconfig", "job", hosts, gpu=H100)
    c.alert("MFUDrop", "MFU 5% (was 43%)", job="sdxl-dpo", node="kube-gpu-04")
    p = pid(c)
    lines = ["kube-gpu-04:%d:%d [0] NCCL INFO NCCL version 2.21.5+cuda12.4" % (p, p),
             "kube-gpu-04:%d:%d [0] NCCL INFO NET/Plugin: Could not find: libnccl-net.so. Using internal network plugin." % (p, p),
             "kube-gpu-04:%d:%d [0] NCCL INFO Failed to open libibverbs.so[.1]" % (p, p + 41),
             "kube-gpu-04:%d:%d [0] NCCL INFO NET/Socket : Using [0]eth0:10.244.3.17<0>" % (p, p + 41),
             "kube-gpu-04:%d:%d [0] NCCL INFO Using network Socket" % (p, p + 41),
             "kube-gpu-04:%d:%d [0] NCCL INFO Channel 00/0 : 24[0] -> 0[0] [receive] via NET/Socket/0" % (p, p + 41)]
    tr = lines + ck.fsdp_steps(c, -390, 20, 10, step_s=19.0) + ck.app_noise(c, 3)
    c.log("kube-gpu-04/pod/sdxl-dpo-worker-0", tr)
    c.nccl("nccl.allreduce@job", busbw=3.1)
    c.nccl("nccl.allreduce@kube-gpu-05")
    return c


def x036():
    """All ranks of the default process group time out in ALLREDUCE; a py-spy dump of rank 22 shows it
    blocked in a barrier of a different (pipeline) group. Watchdog lines everywhere; health on that
    GPU is clean, so the GPU is not the cause."""
    hosts = ["gp-%02d" % n for n in (1, 2, 3, 4)]
    c = ck.Case("case-x036", "nccl_collective_hang", "gp-03/gpu6", hosts, gpu=H100)
    c.alert("TrainingJobStalled", "no progress for 17 min", job="pp-ablation-7", node="gp-01")
    c.log("gp-01/rank0/stderr", ck.megatron_iters(c, -1150, 10, 1600, step_s=9.0) + ck.watchdog(c, 0, -1060 + 601, 9911)[:2]
          + ck.watchdog(c, 7, -1060 + 601.5, 9911)[:1])
    c.log("gp-03/py-spy-rank22", [
        "Process %d: /usr/bin/python3 -u pretrain_gpt.py" % pid(c),
        "Python v3.10.12 (/usr/bin/python3.10)",
        "",
        "Thread %d (active): \"MainThread\"" % pid(c),
        "    barrier (torch/distributed/distributed_c10d.py:4159)",
        "    wrapper (torch/distributed/c10d_logger.py:83)",
        "    _sync_pp_group (megatron/core/pipeline_parallel/schedules.py:1321)",
        "    forward_backward_pipelining_without_interleaving (megatron/core/pipeline_parallel/schedules.py:1402)",
        "    train_step (megatron/training/training.py:744)",
        "Thread %d (idle): \"Thread-2 (_pin_memory_loop)\"" % pid(c),
        "    _pin_memory_loop (torch/utils/data/_utils/pin_memory.py:55)"])
    dcgm(c, "gp-03", util={g: (lambda s, v: 100 if s > -1050 else v) for g in range(8)}, names=("util",))
    c.health_rates("gpu.health@gp-03/gpu6")
    c.kernel_launch("gpu.kernel_launch@gp-03/gpu6")
    return c


def x037():
    """A rank dies of a Python KeyError in its data collator; the other ranks log IB completion
    errors (retry exceeded) toward it, which look like a fabric problem."""
    hosts = ["a3-h100-%03d" % n for n in (71, 72, 73)]
    c = ck.Case("case-x037", "rank_process_crash", "a3-h100-072/gpu2", hosts, gpu=H100)
    c.alert("NCCLError", "IB completion errors on 16 ranks", job="reward-model-v3", node="a3-h100-071")
    f = -180
    c.log("a3-h100-072/rank10/stderr", ck.plain_steps(c, f - 60, 14, 8801, step_s=4) + [
        "Traceback (most recent call last):",
        '  File "/rm/train_rm.py", line 301, in <module>',
        "    main()",
        '  File "/rm/data.py", line 88, in __call__',
        "    chosen = ex[\"chosen_ids\"]",
        "KeyError: 'chosen_ids'"])
    p = pid(c)
    c.log("a3-h100-071/rank3/stderr", [
        "a3-h100-071:%d:%d [3] NCCL INFO misc/ibvwrap.cc:290 NCCL WARN Call to ibv_modify_qp failed with error Connection timed out" % (p, p + 3),
        "a3-h100-071:%d:%d [3] transport/net_ib.cc:1696 NCCL WARN NET/IB : Got completion from peer 10.20.1.72<42113> with status=IBV_WC_RETRY_EXC_ERR(12) opcode=IBV_WC_SEND(0) len=0 vendor_err=129 (Send) localGid fe80::a288:c2ff:fe1a:2b40 remoteGid fe80::a288:c2ff:fe1a:11c8" % (p, p + 3),
        "[rank3]:[%s ProcessGroupNCCL.cpp:1515] [PG 0 (default_pg) Rank 3] Process group watchdog thread terminated with exception: NCCL error: remote process exited or there was a network error, NCCL version 2.21.5" % c.glog(f + 20, "E")])
    c.log("a3-h100-073/launcher", ck.elastic_failure(c, f + 2, "a3-h100-072", 10, 2, 1, error_file="/tmp/torchelastic_x9/attempt_0/2/error.json"))
    c.node_metric("node_infiniband_port_errors_symbol_total", {"instance": "a3-h100-072", "device": "mlx5_2", "port": "1"}, lambda s: 0, decimals=0)
    return c


def x038():
    """OOM on one rank at startup: a zombie process from the previous job still holds 30 GiB on gpu1
    of that node (current OOM wording names the other process)."""
    hosts = ["sp-h100-%02d" % n for n in (8, 9)]
    c = ck.Case("case-x038", "cuda_oom", "sp-h100-09/gpu1", hosts, gpu=H100)
    c.alert("JobFailedAtStart", "job asr-ctc-ft failed after 2 minutes", job="asr-ctc-ft", node="sp-h100-09")
    c.log("sp-h100-09/rank9/stderr", ck.app_noise(c, 6) + [
        "[rank9]: torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 2.00 GiB. GPU 1 has a total capacity of 79.10 GiB of which 1.12 GiB is free. Process 41222 has 30.02 GiB memory in use. Process 55810 has 47.94 GiB memory in use. Of the allocated memory 45.61 GiB is allocated by PyTorch, and 1.70 GiB is reserved by PyTorch but unallocated. If reserved but unallocated memory is large try setting PYTORCH_CUDA_ALLOC_CONF=expandable_segments:True to avoid fragmentation.  See documentation for Memory Management  (https://pytorch.org/docs/stable/notes/cuda.html#environment-variables)"])
    c.log("sp-h100-08/launcher", ck.elastic_failure(c, -130, "sp-h100-09", 9, 1, 1) + ck.app_noise(c, 4))
    c.log("sp-h100-09/journal", ck.kernel_noise(c, "sp-h100-09", 6))
    c.gpu_metric("DCGM_FI_DEV_FB_USED", "sp-h100-09", 0, 0, {1: lambda s, v: 30740 if s < -140 else 80100}, decimals=0)
    return c


def x039():
    """Device-side assert on one rank (index out of bounds in the embedding: a tokenizer with more
    tokens than the model's vocab). Xid 43 on that GPU; peers time out afterwards."""
    hosts = ["ml-gpu-%d" % n for n in (51, 52)]
    c = ck.Case("case-x039", "illegal_memory_access", "ml-gpu-51/gpu3", hosts, gpu=H200)
    c.alert("NCCLWatchdogTimeout", "15 ranks timed out", job="multi-lingual-ft", node="ml-gpu-52")
    f = -650
    c.log("ml-gpu-51/rank3/stderr", ck.deepspeed_steps(c, f - 22, 8, 1402, rank=3) + [
        "../aten/src/ATen/native/cuda/Indexing.cu:1236: indexSelectSmallIndex: block: [15,0,0], thread: [96,0,0] Assertion `srcIndex < srcSelectDimSize` failed.",
        "../aten/src/ATen/native/cuda/Indexing.cu:1236: indexSelectSmallIndex: block: [15,0,0], thread: [97,0,0] Assertion `srcIndex < srcSelectDimSize` failed.",
        "RuntimeError: CUDA error: device-side assert triggered",
        "Compile with `TORCH_USE_CUDA_DSA` to enable device-side assertions."])
    c.log("ml-gpu-51/dmesg", ck.kernel_noise(c, "ml-gpu-51", 4, fmt="dmesg") + [xid(c, f, 3, 43, "Ch 00000010")])
    c.log("ml-gpu-52/rank8/stderr", ck.watchdog(c, 8, f + 601, 22001))
    c.health_rates("gpu.health@ml-gpu-51/gpu3", xid_last=43)
    return c


def x040():
    """Kubernetes pod's container hits its memory limit (memory cgroup OOM): DataLoader workers are
    killed, torch reports 'DataLoader worker exited unexpectedly', which reads like an input problem."""
    hosts = ["gke-a3-pool-1-%s" % s for s in ("q7c2", "z1k8")]
    c = ck.Case("case-x040", "host_oom", "gke-a3-pool-1-z1k8", hosts, gpu=H100)
    c.alert("KubePodCrashLooping", "pod vid-gen-worker-1 OOMKilled", pod="vid-gen-worker-1", node="gke-a3-pool-1-z1k8", job="vid-gen")
    f = -240
    c.log("gke-a3-pool-1-z1k8/pod/vid-gen-worker-1", ck.plain_steps(c, f - 150, 12, 300, step_s=12) + [
        "RuntimeError: DataLoader worker (pid(s) 4412, 4418) exited unexpectedly",
        "ERROR: Unexpected bus error encountered in worker. This might be caused by insufficient shared memory (shm)."])
    c.log("gke-a3-pool-1-z1k8/journal", ck.kernel_noise(c, "gke-a3-pool-1-z1k8", 4) + [
        "%s gke-a3-pool-1-z1k8 kernel: Memory cgroup out of memory: Killed process 4412 (pt_data_worker) total-vm:96412204kB, anon-rss:21203312kB, file-rss:1024kB, shmem-rss:0kB, UID:0 pgtables:44112kB oom_score_adj:999" % c.syslog(f),
        "%s gke-a3-pool-1-z1k8 kernel: oom_reaper: reaped process 4412 (pt_data_worker), now anon-rss:0kB, file-rss:0kB, shmem-rss:0kB" % c.syslog(f + 1)])
    c.log("scheduler/events", ["%s Warning  OOMKilling  node/gke-a3-pool-1-z1k8  Memory cgroup out of memory: Killed process 4418 (pt_data_worker)" % c.iso(f + 2),
                               "%s Normal   Killing     pod/vid-gen-worker-1       Container trainer exceeded its memory limit (512Gi)" % c.iso(f + 3)])
    c.node_metric("container_memory_working_set_bytes", {"pod": "vid-gen-worker-1", "node": "gke-a3-pool-1-z1k8"},
                  lambda s: min(5.49e11, 3.1e11 + (s + 1300) * 2.3e8) if s < f else 1.1e9, decimals=0)
    return c


def x041():
    """NaN after moving the job to new nodes: the team suspects a bad GPU, but the loss and grad norm
    were climbing on all ranks since a data-mix change; gpu.sdc passes on every node checked and
    health is clean. Plain divergence."""
    hosts = ["nn-%02d" % n for n in (61, 62, 63, 64)]
    c = ck.Case("case-x041", "loss_divergence", "job", hosts, gpu=H200)
    c.alert("LossNaN", "loss NaN after node swap", job="ja-13b-cpt", node="nn-61")
    lo = lambda i: 2.2 + 0.05 * i + (0.02 * i) ** 2 if i < 25 else float("nan")
    gn = lambda i: 0.5 * 1.35 ** i if i < 25 else float("nan")
    tr = ["%s | INFO | data | data mix updated: web 0.55 -> 0.30, code 0.10 -> 0.35 (new shards synthetic-code-v2)" % c.ymd(-1160)]
    tr += ck.megatron_iters(c, -205, 28, 41000, step_s=7.0, loss_fn=lo, grad_fn=gn, nan_fn=lambda i: max(0, i - 24))
    c.log("nn-61/rank0/stdout", tr)
    c.log("nn-64/journal", ck.kernel_noise(c, "nn-64", 5) + ["%s nn-64 slurmctld[1200]: node nn-64 resumed (replaced nn-19)" % c.syslog(-1180)])
    for h in hosts:
        c.sdc("gpu.sdc@%s" % h)
    c.health_rates("gpu.health@nn-64/gpu0")
    return c


def x042():
    """fairseq fp16: gradient overflow lines every update until 'Minimum loss scale reached'."""
    hosts = ["fq-h100-%d" % n for n in (1, 2)]
    c = ck.Case("case-x042", "fp16_loss_scale_collapse", "job", hosts, gpu=H100)
    c.alert("TrainingJobFailed", "job nmt-fp16 FloatingPointError", job="nmt-fp16", node="fq-h100-1")
    lines = []
    t = -900
    for i in range(8):
        lines.append("%s | INFO | train_inner | epoch 012:   %d / 4113 loss=4.212, nll_loss=2.481, ppl=5.58, wps=221044, ups=3.1, wpb=71040, bsz=2544, num_updates=%d, lr=0.000412, gnorm=0.9, loss_scale=64, train_wall=32, wall=11021" % (c.ymd(t), 1000 + 100 * i, 46000 + 100 * i))
        t += 33
    sc = 64.0
    while sc > 1e-4:
        sc /= 2
        lines.append("%s | INFO | fairseq.trainer | NOTE: gradient overflow detected, ignoring gradient, setting loss scale to: %s" % (c.ymd(t), repr(sc)))
        t += 1
    lines += ["Traceback (most recent call last):",
              '  File "/fairseq/fairseq/optim/dynamic_loss_scaler.py", line 61, in check_overflow',
              "FloatingPointError: Minimum loss scale reached (0.0001). Your loss is probably exploding. Try lowering the learning rate, using gradient clipping or increasing the batch size."]
    c.log("fq-h100-1/train.log", lines)
    return c


def x043():
    """torchtitan float8 training: the loss goes NaN; a float8 monitor shows amax inf in one layer and
    scales underflowing to 0 several steps before. Looks like divergence."""
    hosts = ["tt-h100-%02d" % n for n in (1, 2, 3, 4)]
    c = ck.Case("case-x043", "fp8_scaling_overflow", "job", hosts, gpu=H100)
    c.alert("LossNaN", "loss NaN in titan run", job="titan-llama3-8b-fp8", node="tt-h100-01")
    lo = lambda i: 2.45 + c.rng.uniform(-0.02, 0.02) if i < 26 else float("nan")
    tr = ck.fsdp_steps(c, -150, 26, 9100, step_s=3.2, loss_fn=lo)
    tr += ["[rank0]:[titan] %s - root - INFO - step: 9126  loss:     nan  memory: 61.30GiB(77.10%%)  tps: 9,112  tflops: 520.11  mfu: 52.59%%" % c.ymd_ms(-60)]
    tr += ["[rank0]:[titan] %s - float8_stats - WARNING - layers.29.feed_forward.w2 input amax=inf weight amax=0.81 grad_output amax=inf; scale=0.000e+00 (delayed, history_len=16)" % c.ymd_ms(-140 + 20 * i) for i in range(3)]
    tr += ["[rank0]:[titan] %s - float8_stats - WARNING - 9.8%% of e4m3 values saturated at 448.0 in layers.29.feed_forward.w2" % c.ymd_ms(-150)]
    c.log("tt-h100-01/rank0/stdout", tr)
    return c


def x044():
    """DeepSpeed-MoE job slows down 2x; the loud line is NCCL all-to-all taking long (comm logging),
    which looks like a network fault. The job-wide all-to-all probe passes; gating logs show
    capacity overflow and dropped tokens."""
    hosts = ["moe-h200-%d" % n for n in range(1, 5)]
    c = ck.Case("case-x044", "moe_expert_imbalance", "job", hosts, gpu=H200)
    c.alert("StepTimeRegression", "step time 2.1x baseline", job="ds-moe-32e", node="moe-h200-1")
    tr = ck.deepspeed_steps(c, -95, 20, 3300, rank=0, step_s=2.3, step_fn=lambda i: 2.3 if i < 5 else 4.9 * c.rng.uniform(0.98, 1.02))
    tr += ["[%s] [INFO] [comm.py:213:log_summary] comm op: all_to_all_single | time (ms): %.2f | msg size: 512.0 MB | algbw (Gbps): %.1f | busbw (Gbps): %.1f" % (c.ymd_ms(-80 + 25 * i), 410.0 + 20 * i, 9.9, 9.3) for i in range(3)]
    tr += ["[%s] [WARNING] [sharded_moe.py:470] gate: expert capacity exceeded on %d/32 experts, dropped %.1f%% of tokens (capacity_factor=1.25)" % (c.ymd_ms(-75 + 25 * i), 3, 27.5 + i) for i in range(3)]
    c.log("moe-h200-1/rank0/stdout", tr)
    c.nccl("nccl.alltoall@job")
    c.nccl("nccl.allreduce@job")
    return c


def x045():
    """Megatron straggler detector names rank 29; gpu.health is clean (no throttle, no errors), gemm
    passes, but the HBM bandwidth probe on that GPU is 30% low: a degraded GPU."""
    hosts = ["dc2-h100-%03d" % n for n in (301, 302, 303, 304)]
    c = ck.Case("case-x045", "straggler_rank", "dc2-h100-304/gpu5", hosts, gpu=H100)
    c.alert("StragglerDetected", "rank 29 slowest for 40 consecutive checks", job="ret-7b-pt", node="dc2-h100-301", rank="29")
    tr = ck.megatron_iters(c, -165, 24, 20100, step_s=6.4)
    tr += [" [%s] StragglerDetector: stragglers (lowest 1 of 32): rank 29 dc2-h100-304 gpu 5  GPU TFLOPs max/min 398.1/%.1f  MaxRoundTripTime %.1f ms" % (c.ymd(-150 + 40 * i), 276.0 + i, 7.9) for i in range(4)]
    c.log("dc2-h100-301/rank0/stdout", tr)
    dcgm(c, "dc2-h100-304", names=("temp", "clock", "power"))
    c.health_rates("gpu.health@dc2-h100-304/gpu5")
    c.gemm("gpu.gemm@dc2-h100-304/gpu5")
    c.hbm("gpu.hbm_bandwidth@dc2-h100-304/gpu5", gb_s=2010)
    c.hbm("gpu.hbm_bandwidth@dc2-h100-304/gpu4")
    return c


def x046():
    """All 8 ranks of one node are slow in the host-side parts of the step; the node's CPU frequency
    governor was left at powersave after maintenance. GPUs are healthy."""
    hosts = ["r7-n%02d" % n for n in (1, 2, 3)]
    c = ck.Case("case-x046", "straggler_rank", "r7-n02", hosts, gpu=H200)
    c.alert("StragglerDetected", "ranks 8-15 slow", job="gr00t-policy", node="r7-n02")
    c.log("r7-n01/rank0/stdout", ck.plain_steps(c, -60, 24, 9000, step_s=1.4, step_fn=lambda i: 2.2 * c.rng.uniform(0.98, 1.02))
          + ["%s | WARNING | perf | slowest ranks this window: 8 9 10 11 12 13 14 15 (r7-n02), cpu dispatch time 0.71s vs 0.19s median" % c.ymd(-30)])
    c.log("r7-n02/journal", ck.kernel_noise(c, "r7-n02", 5) + [
        "%s r7-n02 cpupower[2811]: Setting cpu: 0-223" % c.syslog(-1400),
        "%s r7-n02 cpupower[2811]: current policy: frequency should be within 800 MHz and 3.80 GHz. The governor \"powersave\" may decide which speed to use" % c.syslog(-1400)])
    for h in ("r7-n01", "r7-n02"):
        c.node_metric("node_cpu_scaling_frequency_hertz", {"instance": h, "cpu": "0"}, (lambda s, h=h: 8.0e8 if h == "r7-n02" else 3.4e9), decimals=0)
    c.gemm("gpu.gemm@r7-n02/gpu3")
    c.health_rates("gpu.health@r7-n02/gpu3")
    return c


def x047():
    """GPU util 40% on all nodes after switching to raw JSONL with on-the-fly tokenization; the
    suspicion is a PCIe or storage problem, but pcie and gemm probes pass and file-system read
    latency is flat; host CPUs are saturated."""
    hosts = ["jx-%02d" % n for n in (1, 2, 3, 4)]
    c = ck.Case("case-x047", "dataloader_stall", "job", hosts, gpu=A100)
    c.alert("GPUUtilLow", "GPU util < 45% job-wide", job="tok-onthefly-test", node="jx-01")
    c.log("jx-01/rank0/stdout", ["%s | INFO | data | dataset: jsonl (raw), tokenize_on_the_fly=True, num_workers=4" % c.ymd(-1190)]
          + ck.plain_steps(c, -110, 26, 100, step_s=3.9) + ck.app_noise(c, 3))
    for h in ("jx-01", "jx-03"):
        dcgm(c, h, util={g: (lambda s, v: 40 + c.rng.uniform(-10, 10)) for g in range(8)}, names=("util",))
        c.node_metric("node_cpu_busy_ratio", {"instance": h}, lambda s: 0.98 + c.rng.uniform(-0.01, 0.01), decimals=3)
    c.node_metric("nfs_read_latency_seconds", {"mount": "/data"}, lambda s: 0.004 + c.rng.uniform(0, 0.001), decimals=4)
    c.pcie("gpu.pcie_bandwidth@jx-01/gpu0")
    c.pcie("gpu.pcie_bandwidth@jx-03/gpu4")
    c.gemm("gpu.gemm@jx-01/gpu0")
    return c


def x048():
    """Local NVMe used for the dataset cache goes read-only after ext4 errors on one node; the rank
    there fails writing its cache. Component: the node."""
    hosts = ["cs-a100-%02d" % n for n in (14, 15)]
    c = ck.Case("case-x048", "storage_failure", "cs-a100-15", hosts, gpu=A100)
    c.alert("TrainingJobFailed", "job speech-enc failed", job="speech-enc", node="cs-a100-15")
    f = -400
    c.log("cs-a100-15/dmesg", ck.kernel_noise(c, "cs-a100-15", 4, fmt="dmesg") + [
        "%s nvme nvme1: I/O 612 QID 41 timeout, aborting" % c.dmesg(f - 20),
        "%s blk_update_request: I/O error, dev nvme1n1, sector 1882144 op 0x1:(WRITE) flags 0x800 phys_seg 32 prio class 0" % c.dmesg(f - 5),
        "%s EXT4-fs error (device nvme1n1): ext4_journal_check_start:83: comm python: Detected aborted journal" % c.dmesg(f),
        "%s EXT4-fs (nvme1n1): Remounting filesystem read-only" % c.dmesg(f)])
    c.log("cs-a100-15/rank11/stderr", ck.plain_steps(c, f - 405, 10, 50, step_s=40) + [
        "Traceback (most recent call last):",
        '  File "/opt/se/cache.py", line 52, in put',
        "OSError: [Errno 30] Read-only file system: '/local_nvme/cache/shard-00412.arrow'"])
    c.node_metric("node_filesystem_readonly", {"instance": "cs-a100-15", "mountpoint": "/local_nvme", "device": "/dev/nvme1n1"}, lambda s: 0 if s < f else 1, decimals=0)
    return c


def x049():
    """Watchdog timeouts on 15 ranks; rank 0 is stuck in D state writing a checkpoint to an NFS server
    that stopped responding. Loud: NCCL timeouts; cause: the shared file system."""
    hosts = ["bx-%02d" % n for n in (5, 6)]
    c = ck.Case("case-x049", "storage_failure", "job", hosts, gpu=H100)
    c.alert("NCCLWatchdogTimeout", "15 of 16 ranks timed out", job="ocr-vit", node="bx-06")
    f = -700
    c.log("bx-06/rank8/stderr", ck.watchdog(c, 8, f + 602, 41220) + ck.app_noise(c, 2))
    c.log("bx-05/journal", ck.kernel_noise(c, "bx-05", 5) + [
        "%s bx-05 kernel: nfs: server nfs-ckpt01 not responding, still trying" % c.syslog(f + 5),
        "%s bx-05 kernel: nfs: server nfs-ckpt01 not responding, still trying" % c.syslog(f + 190),
        "%s bx-05 kernel: INFO: task python3:%d blocked for more than 245 seconds." % (c.syslog(f + 250), pid(c)),
        "%s bx-05 kernel:       Not tainted 5.15.0-112-generic #122-Ubuntu" % c.syslog(f + 250),
        "%s bx-05 kernel: Call Trace:" % c.syslog(f + 250),
        "%s bx-05 kernel:  nfs_wait_on_request+0x2d/0x40 [nfs]" % c.syslog(f + 250)])
    c.log("bx-05/rank0/stdout", ck.plain_steps(c, -1100, 8, 3000, step_s=45) + ["%s | INFO | ckpt | saving step 3008 to /mnt/ckpt/ocr-vit/step_3008.pt" % c.ymd(f)])
    return c


def x050():
    """Container image update: LD_LIBRARY_PATH puts an older libnccl (2.18) in front of the one torch
    was built against; every rank fails with an undefined symbol at import time."""
    hosts = ["ray-gpu-%d" % n for n in (1, 2)]
    c = ck.Case("case-x050", "launch_config_error", "job", hosts, gpu=H100)
    c.alert("JobFailedAtStart", "all workers failed at import", job="rl-hf-ppo", node="ray-gpu-1")
    lines = ck.app_noise(c, 6) + [
        "+ export LD_LIBRARY_PATH=/opt/nccl-2.18.1/lib:/usr/local/cuda/lib64:$LD_LIBRARY_PATH",
        "Traceback (most recent call last):",
        '  File "/app/ppo.py", line 3, in <module>',
        "    import torch",
        '  File "/usr/local/lib/python3.11/site-packages/torch/__init__.py", line 367, in <module>',
        "    from torch._C import *  # noqa: F403",
        "ImportError: /usr/local/lib/python3.11/site-packages/torch/lib/libtorch_cuda.so: undefined symbol: ncclCommInitRankScalable"]
    c.log("ray-gpu-1/worker-0/stderr", lines)
    c.log("ray-gpu-2/worker-8/stderr", lines[-3:] + ["ray.exceptions.RaySystemError: System error: Failed to import torch on worker"] + ck.app_noise(c, 4))
    c.log("ray-gpu-2/journal", ck.kernel_noise(c, "ray-gpu-2", 5))
    return c


def x051():
    """A100 Xid 48 DBE on gpu6 kills the rank; the journal also has an older Xid 13 on gpu2 from a
    previous user's job (misleading), and peers log NCCL errors."""
    hosts = ["a100x-%02d" % n for n in (17, 18)]
    c = ck.Case("case-x051", "gpu_memory_uncorrectable_ecc", "a100x-18/gpu6", hosts, gpu=A100)
    c.alert("SlurmJobFailed", "job 7712004 (graphcast-ft) FAILED", job="graphcast-ft", node="a100x-18")
    f = -330
    j = ck.kernel_noise(c, "a100x-18", 5) + [
        xid(c, -1350, 2, 13, "Graphics SM Warp Exception on (GPC 4, TPC 1, SM 0): Out Of Range Address", fmt="syslog", host="a100x-18"),
        xid(c, f, 6, 48, "An uncorrectable double bit error (DBE) has been detected on GPU in the framebuffer at partition 5, subpartition 1.", fmt="syslog", host="a100x-18"),
        "%s a100x-18 kernel: NVRM: Xid (PCI:%s): 63, pid=%d, name=python, Row Remapper: New row (0x0000000f000a2201) Marked for Remap" % (c.syslog(f + 0.1), c.bus(6), pid(c))]
    c.log("a100x-18/journal", j)
    c.log("a100x-18/rank14/stderr", ck.plain_steps(c, f - 485, 12, 4000, step_s=40) + [
        "RuntimeError: CUDA error: uncorrectable ECC error encountered",
        "Exception raised from c10_cuda_check_implementation at ../c10/cuda/CUDAException.cpp:43 (most recent call first):"])
    c.log("a100x-17/rank2/stderr", ["[rank2]:[%s ProcessGroupNCCL.cpp:1333] [PG 0 Rank 2] NCCL watchdog thread terminated with exception: NCCL error: unhandled system error, NCCL version 2.19.3" % c.glog(f + 3, "E"),
                                    "ncclSystemError: System call (e.g. socket, malloc) or external library call failed or device error. ",
                                    "Last error:",
                                    "socketProgressOpt: Call to recv from 10.8.0.18<41993> failed : Connection reset by peer"])
    c.gpu_metric("DCGM_FI_DEV_ECC_DBE_VOL_TOTAL", "a100x-18", 0, 0, {6: after(f, 1)}, decimals=0)
    c.health_rates("gpu.health@a100x-18/gpu6", ecc_dbe_volatile=1, ecc_dbe_aggregate=3, remap_pending=1, xid_last=48)
    c.health_rates("gpu.health@a100x-18/gpu2", xid_last=13)
    return c


def x052():
    """NCCL reports 'unhandled cuda error ... unknown error' on rank 26 and the job dies; no kernel
    log was collected and the node's DCGM exporter is down. Probes decide: gpu.inventory on that
    node enumerates 7 of 8 GPUs (gpu2 missing), gpu.health on gpu2 errors with GPU lost."""
    hosts = ["c%03d" % n for n in (120, 121, 122, 123)]
    c = ck.Case("case-x052", "gpu_fallen_off_bus", "c123/gpu2", hosts, gpu=H200)
    c.alert("TrainingJobFailed", "job diffusion-xl2 failed: NCCL unhandled cuda error", job="diffusion-xl2", node="c120")
    f = -260
    p = pid(c)
    c.log("c123/rank26/stderr", ck.fsdp_steps(c, f - 100, 16, 8800, step_s=6.0, rank=26) + [
        "c123:%d:%d [2] enqueue.cc:1566 NCCL WARN Cuda failure 'unknown error'" % (p, p),
        "c123:%d:%d [2] NCCL INFO group.cc:218 -> 1" % (p, p),
        "[rank26]: torch.distributed.DistBackendError: NCCL error in: ../torch/csrc/distributed/c10d/ProcessGroupNCCL.cpp:3356, unhandled cuda error (run with NCCL_DEBUG=INFO for details), NCCL version 2.21.5",
        "[rank26]: ncclUnhandledCudaError: Call to CUDA function failed.",
        "[rank26]: Last error:",
        "[rank26]: Cuda failure 'unknown error'"])
    c.log("monitoring/alerts", ["%s firing TargetDown job=dcgm-exporter instance=c123:9400" % c.iso(f + 40),
                                "%s firing TargetDown job=node-exporter instance=c123:9100" % c.iso(f + 45)])
    dcgm(c, "c122", names=("util",))
    c.inventory("gpu.inventory@c123/gpu2", count=7)
    c.errored("gpu.health@c123/gpu2", "NVML: nvmlDeviceGetHandleByIndex(2) -> GPU is lost (NVML_ERROR_GPU_IS_LOST)", 0.9)
    c.health_rates("gpu.health@c123/gpu3")
    return c


def x053():
    """RoCE cluster: NCCL reports 'Got completion ... status=12' on ranks of three nodes; all point
    at one address, which is node ro-h100-07's NIC mlx5_1; ethtool counters show its PHY errors and
    link-down events."""
    hosts = ["ro-h100-%02d" % n for n in (5, 6, 7, 8)]
    c = ck.Case("case-x053", "ib_link_failure", "ro-h100-07/mlx5_1", hosts, gpu=H100)
    c.alert("NCCLError", "ncclRemoteError on multiple ranks", job="dpo-70b", node="ro-h100-05")
    f = -220
    for h, r in (("ro-h100-05", 1), ("ro-h100-06", 9), ("ro-h100-08", 25)):
        p = pid(c)
        c.log("%s/rank%d/stderr" % (h, r), [
            "%s:%d:%d [1] NCCL INFO Using network IB" % (h, p, p),
            "%s:%d:%d [1] transport/net_ib.cc:2193 NCCL WARN NET/IB: Got completion from peer 192.168.17.71<39211> with status=12 opcode=0 len=0 vendor err 129 (Send) localGid ::ffff:192.168.17.%d remoteGid ::ffff:192.168.17.71 hca mlx5_1" % (h, p, p + 61, 40 + r),
            "%s:%d:%d [1] NCCL INFO transport/net.cc:1295 -> 6" % (h, p, p + 61)])
    c.log("ro-h100-07/ethtool-S-eth1", ["NIC statistics:", "     rx_pcs_symbol_err_phy: 88412", "     rx_corrected_bits_phy: 9912210",
                                        "     link_down_events_phy: 7", "     rx_crc_errors_phy: 4112", "     tx_pause_ctrl_phy: 0"])
    c.log("ro-h100-07/ibdev2netdev", ["mlx5_0 port 1 ==> eth0 (Up)", "mlx5_1 port 1 ==> eth1 (Down)", "mlx5_2 port 1 ==> eth2 (Up)", "mlx5_3 port 1 ==> eth3 (Up)"]
            + ck.kernel_noise(c, "ro-h100-07", 6))
    return c


def x054():
    """A new network policy blocks the ephemeral port range between two racks: NCCL bootstrap connect
    times out from nodes in rack A to rack B. All ranks fail at init."""
    hosts = ["rackA-g1", "rackA-g2", "rackB-g1", "rackB-g2"]
    c = ck.Case("case-x054", "nccl_network_misconfig", "job", hosts, gpu=H200)
    c.alert("JobFailedAtStart", "NCCL init failure", job="speech-lm-2b", node="rackA-g1")
    p = pid(c)
    lines = ck.app_noise(c, 5) + [
        "rackA-g1:%d:%d [0] NCCL INFO Bootstrap : Using bond0:10.50.1.11<0>" % (p, p),
        "rackA-g1:%d:%d [0] misc/socket.cc:484 NCCL WARN socketStartConnect: Connect to 10.50.9.21<41877> failed : Software caused connection abort" % (p, p),
        "rackA-g1:%d:%d [0] misc/socket.cc:567 NCCL WARN socketPollConnect: Call to connect returned Connection timed out, retrying" % (p, p),
        "rackA-g1:%d:%d [0] NCCL INFO bootstrap.cc:275 -> 6" % (p, p),
        "torch.distributed.DistBackendError: NCCL error in: ../torch/csrc/distributed/c10d/ProcessGroupNCCL.cpp:1970, remote process exited or there was a network error, NCCL version 2.21.5",
        "ncclRemoteError: A call failed possibly due to a network error or a remote process exiting prematurely."]
    c.log("rackA-g1/rank0/stderr", lines)
    c.log("netops/changes", ["%s CHG-22817 applied: acl rackA->rackB permit tcp 22,443,29500; deny tcp 1024-65535" % c.ymd(-2000 + 900)]
          + ck.kernel_noise(c, "rackB-g1", 8))
    return c


def x055():
    """Straggler report names rank 4; this cluster exports no DCGM temperature or clock fields. Only
    the probes tell a throttled GPU from a slow one: gpu.health on gpu4 shows SW thermal slowdown at
    86 C with clocks held down, gemm is low; gpu.health on gpu1 of the same node passes."""
    hosts = ["gh-%02d" % n for n in (1, 2)]
    c = ck.Case("case-x055", "gpu_thermal_throttle", "gh-01/gpu4", hosts, gpu=H200)
    c.alert("StragglerDetected", "rank 4 1.4x slower than median", job="sam3-ft", node="gh-01", rank="4")
    tr = ck.fsdp_steps(c, -110, 28, 14000, step_s=2.6, step_fn=lambda i: 3.6 * c.rng.uniform(0.98, 1.02))
    tr += ["[rank0]:[titan] %s - straggler - WARNING - rank 4 (gh-01) fwd+bwd %.0f ms vs median %.0f ms" % (c.ymd_ms(-100 + 40 * i), 3450 + 20 * i, 2480) for i in range(3)]
    c.log("gh-01/rank0/stdout", tr + ck.app_noise(c, 3))
    c.log("gh-01/journal", ck.kernel_noise(c, "gh-01", 6))
    dcgm(c, "gh-01", names=("util",))
    c.health_rates("gpu.health@gh-01/gpu4", temperature_c=86, hbm_temperature_c=93, sm_clock_mhz=1410,
                   clock_event_reasons=ck.CLK_SW_THERMAL)
    c.health_rates("gpu.health@gh-01/gpu1")
    c.gemm("gpu.gemm@gh-01/gpu4", tflops=548.0)
    return c


def x056():
    """One GPU of a node runs at a 300 W power limit (set by a stray `nvidia-smi -i 3 -pl 300` that
    left no log here); the job sees a straggler rank. DCGM power usage on that GPU sits flat at 300 W
    while its peers draw 550-650 W; gpu.health shows the lowered limit and the power-cap bit."""
    hosts = ["tc-h100-%02d" % n for n in (61, 62, 63)]
    c = ck.Case("case-x056", "gpu_power_throttle", "tc-h100-62/gpu3", hosts, gpu=H100)
    c.alert("StragglerDetected", "rank 11 slowest rank for 30 min", job="seg-any-v2", node="tc-h100-61", rank="11")
    tr = ck.megatron_iters(c, -200, 26, 7000, step_s=5.2, step_fn=lambda i: 7.3 * c.rng.uniform(0.98, 1.02))
    tr += [" [%s] StragglerDetector: stragglers (lowest 1 of 24): rank 11 tc-h100-62  GPU TFLOPs max/min 401.2/%.1f" % (c.ymd(-180 + 60 * i), 281.0 + i) for i in range(3)]
    c.log("tc-h100-61/rank0/stdout", tr)
    dcgm(c, "tc-h100-62", power={3: lambda s, v: 299 + c.rng.uniform(-1.5, 0.8)}, clock={3: lambda s, v: 1380 + c.rng.uniform(-50, 50)},
         names=("power", "clock", "temp"))
    c.health_rates("gpu.health@tc-h100-62/gpu3", power_limit_w=300, power_w=299, sm_clock_mhz=1380, clock_event_reasons=ck.CLK_SW_POWER_CAP)
    c.gemm("gpu.gemm@tc-h100-62/gpu3", tflops=455.0)
    return c


def x057():
    """GPU utilisation on one node drops to ~50% and its ranks log long data waits: it looks like a
    dataloader stall. No AER lines were shipped. The pcie probe on gpu0 of that node is 5 GB/s and
    health shows x2 width; the same probe on gpu0 of a healthy node passes."""
    hosts = ["ep-a100-%02d" % n for n in (3, 4, 5)]
    c = ck.Case("case-x057", "pcie_link_degraded", "ep-a100-04/gpu0", hosts, gpu=A100)
    c.alert("GPUUtilLow", "GPU util 51% on ep-a100-04", job="det-ft", node="ep-a100-04")
    tr = ck.plain_steps(c, -100, 24, 3000, step_s=2.1, step_fn=lambda i: 3.8 * c.rng.uniform(0.98, 1.02))
    tr += ["%s | WARNING | perf | rank 8 data_wait=%.2fs (median 0.08s) h2d=%.2fs" % (c.ymd(-90 + 30 * i), 1.6 + 0.05 * i, 1.5) for i in range(3)]
    c.log("ep-a100-04/rank8/stdout", tr)
    dcgm(c, "ep-a100-04", util={g: (lambda s, v: 51 + c.rng.uniform(-6, 6)) for g in range(8)}, names=("util",))
    c.health_rates("gpu.health@ep-a100-04/gpu0", pcie_link_width=2)
    c.pcie("gpu.pcie_bandwidth@ep-a100-04/gpu0", h2d=5.2, d2h=5.0)
    c.pcie("gpu.pcie_bandwidth@ep-a100-03/gpu0")
    c.errored("gpu.pcie_bandwidth@ep-a100-04/gpu1", "probe timed out after 30 s waiting for the GPU (busy with the training job)", 30.0)
    return c


def x058():
    """Intra-node all-reduce slow on one node, no Xid lines (the driver log is not shipped). gpu.health
    on gpu6 shows 2 of 18 NVLinks down; the p2p matrix is low on pairs with gpu6. Health on the
    first probed GPU (gpu0) errors on an NVML timeout."""
    hosts = ["sv-h100-%02d" % n for n in (81, 82)]
    c = ck.Case("case-x058", "nvlink_error", "sv-h100-82/gpu6", hosts, gpu=H100)
    c.alert("StepTimeRegression", "step time +55%", job="asr-conformer", node="sv-h100-81")
    c.log("sv-h100-81/rank0/stdout", ck.deepspeed_steps(c, -125, 22, 8000, rank=0, step_s=3.4, step_fn=lambda i: 5.3 * c.rng.uniform(0.98, 1.02)) + ck.app_noise(c, 3))
    p = pid(c)
    c.log("sv-h100-82/rank14/stderr", ["sv-h100-82:%d:%d [6] NCCL INFO Channel 02/0 : 14[6] -> 15[7] via P2P/CUMEM/read" % (p, p + 9),
                                        "sv-h100-82:%d:%d [6] NCCL INFO Channel 03/0 : 14[6] -> 15[7] via P2P/CUMEM/read" % (p, p + 9)] + ck.app_noise(c, 5))
    c.errored("gpu.health@sv-h100-82/gpu0", "NVML call nvmlDeviceGetFieldValues timed out after 10 s", 10.2)
    c.health_rates("gpu.health@sv-h100-82/gpu6", nvlink_links_up=16, nvlink_recovery_errors=6)
    c.nccl("nccl.p2p_matrix@sv-h100-82", busbw=122.0, details={"slowest_pairs": "gpu6<->gpu7 122.0, gpu6<->gpu2 124.5 GB/s; all other pairs >= 330 GB/s"})
    c.nccl("nccl.allreduce@sv-h100-82", busbw=201.0)
    return c


def x059():
    """Straggler rank 3 on a fresh node: nothing in logs but step times. gpu.health is clean
    (temperature, clocks, power normal), HBM passes, but the bf16 GEMM on gpu3 reaches only 520
    TFLOP/s: a slow GPU, not throttling."""
    hosts = ["fresh-h100-%02d" % n for n in (1, 2)]
    c = ck.Case("case-x059", "straggler_rank", "fresh-h100-01/gpu3", hosts, gpu=H100)
    c.alert("StragglerDetected", "rank 3 slowest", job="bench-then-train", node="fresh-h100-01", rank="3")
    tr = ck.megatron_iters(c, -140, 26, 100, step_s=4.0, step_fn=lambda i: 5.1 * c.rng.uniform(0.98, 1.02))
    tr += [" [%s] StragglerDetector: stragglers (lowest 1 of 16): rank 3 fresh-h100-01  GPU TFLOPs max/min 402.0/%.1f" % (c.ymd(-120 + 40 * i), 306 + i) for i in range(3)]
    c.log("fresh-h100-01/rank0/stdout", tr)
    dcgm(c, "fresh-h100-01", names=("temp", "clock", "power"))
    c.health_rates("gpu.health@fresh-h100-01/gpu3")
    c.hbm("gpu.hbm_bandwidth@fresh-h100-01/gpu3")
    c.gemm("gpu.gemm@fresh-h100-01/gpu3", tflops=520.0)
    c.gemm("gpu.gemm@fresh-h100-01/gpu2")
    return c


def x060():
    """All ranks time out in an all-gather; the kernel log of the nodes is not collected. DCGM shows
    one GPU pinned at 100% util with power near idle (a wedged engine) while the others drop to 0.
    Only the probes separate a firmware fault from a plain hang: kernel_launch on that GPU errors and
    gpu.health fails on last Xid 119; the same probes pass on a peer GPU."""
    hosts = ["az-nd-h100-%02d" % n for n in (11, 12, 13)]
    c = ck.Case("case-x060", "gpu_firmware_error", "az-nd-h100-12/gpu0", hosts, gpu=H100)
    c.alert("NCCLWatchdogTimeout", "23 of 24 ranks timed out in ALLGATHER", job="phi-moe-sft", node="az-nd-h100-11")
    f = -640
    tr = ck.megatron_iters(c, f - 150, 20, 3300, step_s=7.4)
    tr += ck.watchdog(c, 0, f + 601, 51440, op="_ALLGATHER_BASE", numel=201326592)
    c.log("az-nd-h100-11/rank0/stderr", tr + ck.app_noise(c, 3))
    c.log("az-nd-h100-13/rank17/stderr", ck.watchdog(c, 17, f + 602, 51440, op="_ALLGATHER_BASE", numel=201326592)[:2])
    dcgm(c, "az-nd-h100-12", util={g: after(f, 100 if g == 0 else 0) for g in range(8)},
         power={g: after(f, lambda s, v: (118 if g == 0 else 92) + c.rng.uniform(-3, 3)) for g in range(8)}, names=("util", "power"))
    c.errored("gpu.kernel_launch@az-nd-h100-12/gpu0", "cuLaunchKernel did not complete within 20 s; context creation took 18.2 s", 38.4)
    c.health_rates("gpu.health@az-nd-h100-12/gpu0", xid_last=119)
    c.kernel_launch("gpu.kernel_launch@az-nd-h100-12/gpu5")
    c.health_rates("gpu.health@az-nd-h100-12/gpu5")
    return c


def x061():
    """Watchdog timeouts on every rank; the per-rank 'last completed NCCL work' shows that rank 13
    completed one collective fewer than all others. The GPU looks suspicious (util 100%), but health,
    inventory and kernel launch on it all pass: the rank is stuck, the hardware is fine."""
    hosts = ["slm-%02d" % n for n in (1, 2)]
    c = ck.Case("case-x061", "nccl_collective_hang", "slm-02/gpu5", hosts, gpu=H200)
    c.alert("TrainingJobStalled", "no iteration logged for 12 minutes", job="tiny-llm-sweep-17", node="slm-01")
    f = -720
    w0 = ck.watchdog(c, 0, f + 601, 88120, op="REDUCE_SCATTER", numel=25165824)[:3]
    w13 = ["[rank13]:[%s ProcessGroupNCCL.cpp:1785] [PG 0 (default_pg) Rank 13] Exception (either an error or timeout) detected by watchdog at work: 88119, last enqueued NCCL work: 88119, last completed NCCL work: 88118." % c.glog(f + 603, "E")]
    c.log("slm-01/rank0/stderr", ck.deepspeed_steps(c, f - 40, 16, 11000, rank=0) + w0 + ck.app_noise(c, 2))
    c.log("slm-02/rank13/stderr", ck.watchdog(c, 13, f + 603, 88119, op="ALLREDUCE", numel=1)[:1] + w13)
    dcgm(c, "slm-02", util={g: after(f, 100) for g in range(8)}, names=("util",))
    c.health_rates("gpu.health@slm-02/gpu5")
    c.inventory("gpu.inventory@slm-02/gpu5")
    c.kernel_launch("gpu.kernel_launch@slm-02/gpu5")
    c.nccl("nccl.allreduce@slm-02")
    return c


def x062():
    """A rank dies with 'unspecified launch failure' right after a custom fused-attention kernel was
    enabled; it could be an ECC or GPU fault. gpu.health on that GPU passes (no DBE, no remap; the
    last Xid is 13, an application-class error) and gemm and HBM pass: an application kernel fault."""
    hosts = ["g4-%02d" % n for n in (31, 32)]
    c = ck.Case("case-x062", "illegal_memory_access", "g4-32/gpu7", hosts, gpu=H200)
    c.alert("TrainingJobFailed", "job fused-attn-trial exited 1", job="fused-attn-trial", node="g4-32")
    f = -300
    c.log("g4-32/rank15/stderr", ["%s | INFO | model | USE_FUSED_ATTN_V2=1 (experimental varlen kernel)" % c.ymd(-700)]
          + ck.plain_steps(c, f - 20, 20, 12) + [
              "Traceback (most recent call last):",
              '  File "/exp/models/attn.py", line 211, in forward',
              "    return fused_attn_v2(q, k, v, cu_seqlens)",
              "RuntimeError: CUDA error: unspecified launch failure",
              "CUDA kernel errors might be asynchronously reported at some other API call, so the stacktrace below might be incorrect."])
    c.log("g4-31/rank2/stderr", ck.watchdog(c, 2, f + 601, 510)[:2] + ck.app_noise(c, 4))
    c.health_rates("gpu.health@g4-32/gpu7", xid_last=13)
    c.gemm("gpu.gemm@g4-32/gpu7")
    c.hbm("gpu.hbm_bandwidth@g4-32/gpu7")
    return c


CASES = [x001, x002, x003, x004, x005, x006, x007, x008, x009, x010, x011, x012, x013, x014, x015,
         x016, x017, x018, x019, x020, x021, x022, x023, x024, x025, x026, x027, x028, x029, x030,
         x031, x032, x033, x034, x035, x036, x037, x038, x039, x040, x041, x042, x043, x044, x045,
         x046, x047, x048, x049, x050, x051, x052, x053, x054, x055, x056, x057, x058, x059, x060, x061, x062]


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default=os.path.dirname(os.path.abspath(__file__)))
    args = ap.parse_args(argv)
    n = ck.write_cases([f() for f in CASES], args.out)
    print("wrote %d cases to %s" % (n, args.out))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
