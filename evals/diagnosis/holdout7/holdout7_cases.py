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
    bad = ck.deepspeed_steps(c, -900, 30, 4410, rank=13)
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
    c.log("h200-pool-b-7fq2x/pod/llm-sft-worker-0", ck.deepspeed_steps(c, -900, 12, 4410, rank=2) + peer + ck.app_noise(c, 3))
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
    c.alert("StepTimeRegression", "step time p50 up 2.7x over 15m", job="mixtral-ft", node="hgx-h200-b4-2")
    f = -600
    k = ck.kernel_noise(c, "hgx-h200-b4-2", 4, fmt="dmesg")
    k += [xid(c, f, 1, 74, "NVLink: fatal error detected on link 4(0x0, 0x0, 0x0, 0x0, 0x10000, 0x0, 0x0)"),
          xid(c, f + 0.2, 1, 74, "NVLink: fatal error detected on link 5(0x0, 0x0, 0x0, 0x0, 0x10000, 0x0, 0x0)"),
          "%s nvidia-nvswitch2: SXid (PCI:0000:07:00.0): 20034, Fatal, Link 38 LTSSM Fault Up" % c.dmesg(f + 0.3),
          "%s nvidia-nvswitch2: SXid (PCI:0000:07:00.0): 20034, Severity 1 Engine instance 38 Sub-engine instance 00" % c.dmesg(f + 0.3)]
    c.log("hgx-h200-b4-2/dmesg", k)
    st = lambda i: 3.1 if i < 20 else 8.4 * c.rng.uniform(0.97, 1.03)
    tr = ck.megatron_iters(c, -1150, 34, 6021, step_s=3.1, step_fn=st) + ck.app_noise(c, 3)
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
    c.alert("MFUDrop", "MFU 21% (was 41%) for 10m", job="gemma-pt", node="a3-mega-03")
    f = -700
    st = lambda i: 5.2 if i < 10 else 9.8 * c.rng.uniform(0.97, 1.04)
    tr = ck.megatron_iters(c, -1150, 28, 44020, step_s=5.2, step_fn=st)
    for i, r in enumerate((21, 21, 21)):
        tr.append(" [%s] StragglerDetector: stragglers (lowest 1 of 24): rank %d  %s  gpu 5  MinRoundTripTime %.2f ms  MaxRoundTripTime %.2f ms  GPU TFLOPs max/min 412.3/%0.1f" % (
            c.ymd(-500 + 120 * i), r, "a3-mega-05", 4.1, 9.7, 188.0 + 3 * i))
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
    f = -800
    tr = ck.fsdp_steps(c, -1100, 30, 811, step_s=6.0, step_fn=lambda i: 6.0 if i < 6 else 8.9 * c.rng.uniform(0.98, 1.02))
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
    tr = ck.plain_steps(c, -1000, 30, 70001, step_s=1.9, step_fn=lambda i: 1.9 * c.rng.uniform(0.98, 1.02) if i < 8 else 4.7 * c.rng.uniform(0.97, 1.03))
    tr += ["%s | WARNING | perf | rank 14 timers: data_wait=%.2fs h2d_copy=%.2fs fwd=0.61s bwd=1.20s" % (c.ymd(-400 + 90 * i), 2.6 + 0.1 * i, 2.4 + 0.1 * i) for i in range(4)]
    c.log("dgx-a100-r5n2/rank14/stdout", tr + ck.app_noise(c, 3))
    k = ck.kernel_noise(c, "dgx-a100-r5n2", 5, fmt="dmesg") + [
        "%s pcieport 0000:%s:00.0: AER: Corrected error received: 0000:%s:00.0" % (c.dmesg(-2000 + 1000), "c4", c.pci[6]),
        "%s nvidia 0000:%s:00.0: PCIe Bus Error: severity=Corrected, type=Physical Layer, (Receiver ID)" % (c.dmesg(-1000), c.pci[6]),
        "%s nvidia 0000:%s:00.0:   device [10de:20b2] error status/mask=00000001/0000e000" % (c.dmesg(-1000), c.pci[6]),
        "%s nvidia 0000:%s:00.0:    [ 0] RxErr" % (c.dmesg(-1000), c.pci[6])]
    c.log("dgx-a100-r5n2/dmesg", k)
    dcgm(c, "dgx-a100-r5n2", util={g: after(-760, lambda s, v: 42 + c.rng.uniform(-6, 6)) for g in range(8)}, names=("util",))
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
    tr = ck.megatron_iters(c, -1100, 30, 120400, step_s=7.0, loss_fn=lo)
    tr += [" [%s] WARNING: replica param checksum mismatch at iteration %d: dp_rank 2 (ranks 16-23, host b09) crc32=0x%08x, dp_ranks 0,1,3 crc32=0x%08x" % (
        c.ymd(-900 + 60 * i), 120420 + 8 * i, c.rng.randrange(1 << 32), c.rng.randrange(1 << 32)) for i in range(3)]
    tr += [" [%s] WARNING: grad checksum divergence localized to rank 19 (b09 local 3) in layer 31 mlp.fc2" % c.ymd(-700)]
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
    c.log("ib-c-021/rank3/stderr", ck.deepspeed_steps(c, -700, 12, 900, rank=3) + ibwarn("ib-c-021", 3, 3, f + 5) + ck.app_noise(c, 2))
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
    c.log("cw-h100-211/rank2/stderr", ck.deepspeed_steps(c, -800, 14, 302, rank=2) + peer)
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
    c.log("lambda-h100-10/rank8/stderr", ck.plain_steps(c, -700, 16, 900) + [
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
    j = ck.kernel_noise(c, "sl-a100-22", 5) + [
        "%s sl-a100-22 kernel: python invoked oom-killer: gfp_mask=0x140cca(GFP_HIGHUSER_MOVABLE|__GFP_COMP), order=0, oom_score_adj=0" % c.syslog(f),
        "%s sl-a100-22 kernel: Mem-Info:" % c.syslog(f),
        "%s sl-a100-22 kernel: oom-kill:constraint=CONSTRAINT_NONE,nodemask=(null),cpuset=/,mems_allowed=0-1,global_oom,task_memcg=/slurm/uid_1012/job_991203/step_0,task=python,pid=%d,uid=1012" % (c.syslog(f), pid(c)),
        "%s sl-a100-22 kernel: Out of memory: Killed process %d (python) total-vm:1211442112kB, anon-rss:201334208kB, file-rss:0kB, shmem-rss:81920kB, UID:1012 pgtables:401224kB oom_score_adj:0" % (c.syslog(f), pid(c))]
    c.log("sl-a100-22/journal", j)
    c.log("sl-a100-21/slurm-991203.out", ck.plain_steps(c, -900, 14, 3010, step_s=40)
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
    tr = ck.megatron_iters(c, -1100, 30, 2001, step_s=4.5, lr=6e-4, loss_fn=lo, grad_fn=gn,
                           nan_fn=lambda i: max(0, i - 25))
    tr += [" [%s] WARNING: learning rate warmup finished at iteration 2000, lr=6.000E-04" % c.ymd(-1095)]
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
    lines = ck.deepspeed_steps(c, -1000, 10, 7700, rank=0)
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
    tr = ck.megatron_iters(c, -1100, 28, 30200, step_s=6.8, loss_fn=lo)
    tr += ["[NeMo W %s fp8_monitor:88] layers.47.self_attention.linear_proj fwd amax=inf (history max 412.5) scale=%s" % (c.ymd(-450 + 20 * i), v) for i, v in enumerate(("1.0000e+00", "3.0518e-05", "0.0000e+00"))]
    tr += ["[NeMo W %s fp8_monitor:91] 14.2%% of E4M3 casts saturated in layers.47.mlp.linear_fc1 (threshold 1%%)" % c.ymd(-380)]
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
    tr = ck.megatron_iters(c, -1100, 30, 15010, step_s=3.0, step_fn=st)
    tr += [" [%s] moe router: layer %d load (max/mean) %.1f, tokens dropped %.1f%%, top experts [%d, %d] take %.0f%% of tokens, aux_loss %.4f" % (
        c.ymd(-600 + 100 * i), 12 + i, 18.0 + i, 31.0 + 2 * i, 17, 41, 61 + i, 0.0009) for i in range(4)]
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
    c.log("gx-11/rank0/stdout", ck.fsdp_steps(c, -1000, 25, 600, step_s=2.0, step_fn=lambda i: 3.2 * c.rng.uniform(0.98, 1.02)) + ck.app_noise(c, 3))
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
    tr += ck.plain_steps(c, -1180, 24, 100, step_s=4.4)
    tr += ["%s | WARNING | perf | step %d: data loading took %.2fs of %.2fs step (%.0f%%)" % (c.ymd(-700 + 150 * i), 110 + 30 * i, 3.0 + 0.1 * i, 4.4, 70 + i) for i in range(4)]
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
    tr = ck.megatron_iters(c, -1000, 20, 9981, step_s=40) + [
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


CASES = [x001, x002, x003, x004, x005, x006, x007, x008, x009, x010, x011, x012, x013, x014, x015,
         x016, x017, x018, x019, x020, x021, x022, x023, x024, x025]


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default=os.path.dirname(os.path.abspath(__file__)))
    args = ap.parse_args(argv)
    n = ck.write_cases([f() for f in CASES], args.out)
    print("wrote %d cases to %s" % (n, args.out))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
