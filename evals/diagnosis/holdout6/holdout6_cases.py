#!/usr/bin/env python3
"""holdout6: diagnosis cases written after reasoner freeze 6 (stdlib only, deterministic).

Every case is one hand-written function below: the fault timeline, the error lines as the driver,
NCCL, PyTorch, the framework, the kernel or the scheduler print them, the DCGM / node-exporter
series, and the probe results that cluster would return at that moment. `casekit` (one directory
up) supplies only what carries no answer: timestamps, background training lines, noise, metric
series and probe bookkeeping. Writes evals/diagnosis/holdout6/ (or --out DIR).

Whoever tunes the built-in reasoner or the knowledge pack must not read this file.
"""

import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import casekit as ck  # noqa: E402

H100 = "NVIDIA H100 80GB HBM3"
H200 = "NVIDIA H200"
A100 = "NVIDIA A100-SXM4-80GB"


# ------------------------------------------------------------------------------------ helpers
def dcgm(c, host, kinds=("util", "temp", "power", "clock"), over=None, gpus=None):
    """The usual DCGM exporter series for every GPU of `host`; `over` maps kind -> {gpu: fn(s, v)}."""
    over = over or {}
    tdp, clk = c.spec["tdp"], c.spec["clock"]
    table = {
        "util": ("DCGM_FI_DEV_GPU_UTIL", 96, 4, 0, False),
        "temp": ("DCGM_FI_DEV_GPU_TEMP", 54, 8, 0, False),
        "memtemp": ("DCGM_FI_DEV_MEMORY_TEMP", 57, 6, 0, False),
        "power": ("DCGM_FI_DEV_POWER_USAGE", 0.8 * tdp, 0.07 * tdp, 1, False),
        "clock": ("DCGM_FI_DEV_SM_CLOCK", clk - 25, 20, 0, False),
        "reasons": ("DCGM_FI_DEV_CLOCKS_EVENT_REASONS", 0, 0, 0, False),
        "xid": ("DCGM_FI_DEV_XID_ERRORS", 0, 0, 0, False),
        "dbe": ("DCGM_FI_DEV_ECC_DBE_VOL_TOTAL", 0, 0, 0, False),
        "sbe": ("DCGM_FI_DEV_ECC_SBE_VOL_TOTAL", 0, 0, 0, False),
        "fb": ("DCGM_FI_DEV_FB_USED", 0.86 * c.spec["mem_gib"] * 1024, 900, 0, False),
        "replay": ("DCGM_FI_DEV_PCIE_REPLAY_COUNTER", 3, 0, 0, False),
        "nvlbw": ("DCGM_FI_PROF_NVLINK_TX_BYTES", 9.1e10, 1.2e10, 0, False),
        "pcierx": ("DCGM_FI_PROF_PCIE_RX_BYTES", 2.4e9, 4e8, 0, False),
        "tensor": ("DCGM_FI_PROF_PIPE_TENSOR_ACTIVE", 0.52, 0.04, 3, False),
        "remapfail": ("DCGM_FI_DEV_ROW_REMAP_FAILURE", 0, 0, 0, False),
        "powerlimit": ("DCGM_FI_DEV_POWER_MGMT_LIMIT", tdp, 0, 0, False),
    }
    for k in kinds:
        name, base, jit, dec, counter = table[k]
        c.gpu_metric(name, host, base, jit, over=over.get(k), gpus=gpus, decimals=dec,
                     counter=counter)


def after(t, fn):
    """Override: `fn(s, v)` from offset t on, the normal value before."""
    return lambda s, v: fn(s, v) if s >= t else v


def gone(t):
    """A lost GPU's series stop at t."""
    return lambda s, v: None if s >= t else v


def step_series(c, name, labels, t, before, after_v, jitter=0.03, dec=3):
    c.node_metric(name, labels, lambda s: (before if s < t else after_v) * c.rng.uniform(1 - jitter, 1 + jitter), dec)


def xid(c, s, bus, code, msg, pid=None, name="python3", fmt="dmesg"):
    pid = pid if pid is not None else c.rng.randrange(10000, 99999)
    body = "NVRM: Xid (PCI:%s): %d, pid=%s, name=%s, %s" % (bus, code, pid, name, msg)
    return "%s %s" % (c.dmesg(s), body) if fmt == "dmesg" else "%s kernel: %s" % (c.syslog(s), body)


def host_lines(c, host, lines, fmt="syslog"):
    """(offset, text) pairs as syslog lines of `host`."""
    if fmt == "syslog":
        return ["%s %s %s" % (c.syslog(s), host, t) for s, t in lines]
    return ["%s %s" % (c.dmesg(s), t) for s, t in lines]


def wd_short(c, rank, s, seq, op="ALLREDUCE", numel=33554432, timeout_ms=600000):
    """torch 2.0/2.1 wording of the watchdog timeout (single line) and the abort."""
    return [
        "[E ProcessGroupNCCL.cpp:475] [Rank %d] Watchdog caught collective operation timeout: "
        "WorkNCCL(SeqNum=%d, OpType=%s, NumelIn=%d, NumelOut=%d, Timeout(ms)=%d) ran for %d milliseconds "
        "before timing out." % (rank, seq, op, numel, numel, timeout_ms, timeout_ms + c.rng.randrange(30, 900)),
        "[E ProcessGroupNCCL.cpp:489] Some NCCL operations have failed or timed out. Due to the asynchronous "
        "nature of CUDA kernels, subsequent GPU operations might run on corrupted/incomplete data.",
        "[E ProcessGroupNCCL.cpp:495] To avoid data inconsistency, we are taking the entire process down.",
    ]


def slurm_tail(c, s, jobid, host, step=0, sig=None):
    out = ["srun: error: %s: task %d: %s" % (host, c.rng.randrange(0, 64),
                                            "Killed" if sig == 9 else "Exited with exit code 1"),
           "srun: launch/slurm: _step_signal: Terminating StepId=%d.%d" % (jobid, step),
           "slurmstepd: error: *** STEP %d.%d ON %s CANCELLED AT %s ***" % (
               jobid, step, host, c.ymd(s + 2).replace(" ", "T"))]
    return out


CASES = []


def case(fn):
    CASES.append(fn)
    return fn


# ------------------------------------------------------------------------------------ cases
@case
def w001():
    """Xid 79 on one GPU of a 4-node Megatron job; every other rank reports the watchdog timeout."""
    hosts = ["hgx-c12-n%d" % i for i in (1, 2, 3, 4)]
    c = ck.Case("case-w001", "gpu_fallen_off_bus", "hgx-c12-n3/gpu5", hosts, gpu=H100)
    bad = c.rank_of("hgx-c12-n3", 5)
    c.alert("TrainingJobFailed", "job llama3-70b-sft: 31 of 32 ranks exited with NCCL watchdog timeout",
            job="llama3-70b-sft", node="hgx-c12-n1", severity="critical")
    t = -612
    rank0 = ck.megatron_iters(c, -900, 60, 18211, step_s=4.6)
    rank0 = ck.insert_at(rank0, 0.3, ck.app_noise(c, 4))
    rank0 += ck.watchdog(c, 0, t + 602, 18271, numel=50331648)
    rank0 += ck.elastic_failure(c, t + 606, "hgx-c12-n1", 0, 0, -6, sig="SIGABRT")
    c.log("hgx-c12-n1/rank0/stderr", rank0)
    r9 = ck.watchdog(c, 9, t + 601, 18271, numel=50331648)
    c.log("hgx-c12-n2/rank9/stderr", ck.app_noise(c, 3) + r9)
    dm = ck.kernel_noise(c, "hgx-c12-n3", 7, -1500, -700, fmt="dmesg")
    dm += [
        xid(c, t, c.bus(5) + ":0", 79, "GPU has fallen off the bus."),
        "%s NVRM: GPU at PCI:%s.0: %s" % (c.dmesg(t + 0.001), c.bus(5), c.uuid("hgx-c12-n3", 5)),
        "%s NVRM: GPU Board Serial Number: 1654922018873" % c.dmesg(t + 0.001),
        "%s NVRM: GPU %s.0: GPU has fallen off the bus." % (c.dmesg(t + 0.002), c.bus(5)),
        "%s NVRM: A GPU crash dump has been created. If possible, please run" % c.dmesg(t + 0.9),
        "%s NVRM: nvidia-bug-report.sh as root to collect this data before" % c.dmesg(t + 0.9),
        "%s NVRM: the NVIDIA kernel module is unloaded." % c.dmesg(t + 0.9),
    ]
    c.log("hgx-c12-n3/dmesg", dm)
    dcgm(c, "hgx-c12-n3", ("util", "temp", "power"),
         over={k: {5: gone(t)} for k in ("util", "temp", "power")})
    c.health_rates("gpu.health@hgx-c12-n1/gpu0")
    c.errored("gpu.health@hgx-c12-n3/gpu5", "nvmlDeviceGetHandleByIndex(5) failed: GPU is lost (NVML_ERROR_GPU_IS_LOST)", 0.4)
    c.inventory("gpu.inventory@hgx-c12-n3/gpu5", count=7)
    c.with_topology()
    assert bad == 21
    return c


@case
def w002():
    """Xid 48 DBE on one GPU under FSDP; the rank dies with an ECC CUDA error, the peers time out."""
    hosts = ["gpu-p%02d" % i for i in (17, 18)]
    c = ck.Case("case-w002", "gpu_memory_uncorrectable_ecc", "gpu-p18/gpu2", hosts, gpu=H200)
    c.alert("KubePodCrashLooping", "pod fsdp-mistral-22b-worker-1 restarted 1 time (exit 1)",
            job="fsdp-mistral-22b", node="gpu-p18", namespace="research")
    t = -300
    w1 = ck.fsdp_steps(c, -800, 40, 6120, rank=10, step_s=2.2)
    w1 += [
        "[rank10]: Traceback (most recent call last):",
        '[rank10]:   File "/workspace/torchtitan/train.py", line 452, in main',
        "[rank10]:     loss.backward()",
        "[rank10]: RuntimeError: CUDA error: uncorrectable ECC error encountered",
        "[rank10]: CUDA kernel errors might be asynchronously reported at some other API call, so the stacktrace below might be incorrect.",
        "[rank10]: For debugging consider passing CUDA_LAUNCH_BLOCKING=1",
        "[rank10]: Compile with `TORCH_USE_CUDA_DSA` to enable device-side assertions.",
    ]
    c.log("gpu-p18/pod/fsdp-mistral-22b-worker-1/trainer", w1)
    w0 = ck.fsdp_steps(c, -800, 12, 6120, rank=0, step_s=2.2)
    w0 += ck.watchdog(c, 3, t + 601, 40977, op="_ALLGATHER_BASE", numel=117440512)
    c.log("gpu-p17/pod/fsdp-mistral-22b-worker-0/trainer", w0)
    c.log("gpu-p18/journal", host_lines(c, "gpu-p18", [
        (t - 0.4, "kernel: " + "NVRM: Xid (PCI:%s:0): 48, pid=%d, name=pt_main_thread, An uncorrectable double bit error (DBE) has been detected on GPU in the framebuffer at physAddr 0x2f4c1a3e40." % (c.bus(2), c.rng.randrange(10000, 99999))),
        (t - 0.3, "kernel: NVRM: Xid (PCI:%s:0): 63, pid='<unknown>', name=<unknown>, Row Remapper: New row marked for remapping, reset gpu to activate." % c.bus(2)),
        (t + 40, "kubelet[2190]: I%s pod_workers.go:1298] \"Error syncing pod, skipping\" pod=\"research/fsdp-mistral-22b-worker-1\"" % c.glog(t + 40)[1:]),
    ]) + ck.kernel_noise(c, "gpu-p18", 6))
    dcgm(c, "gpu-p18", ("util", "temp", "dbe"), over={
        "dbe": {2: after(t, lambda s, v: 2)},
        "util": {g: after(t + 5, lambda s, v: 0) for g in range(8)}})
    c.health_rates("gpu.health@gpu-p18/gpu2", ecc_dbe_volatile=2, ecc_dbe_aggregate=2, remap_pending=1,
                   remapped_rows_uncorrectable=1, xid_last=48)
    return c


@case
def w003():
    """Row remapper failure (Xid 64) found when the job cannot restart on a node: bank has no spare rows."""
    hosts = ["a100-r4-%02d" % i for i in (3, 4, 5, 6)]
    c = ck.Case("case-w003", "gpu_row_remap_failure", "a100-r4-05/gpu6", hosts, gpu=A100)
    c.alert("NodeHealthCheckFailed", "NHC: a100-r4-05 drained (gpu check failed)", node="a100-r4-05",
            job="slurm-nhc", partition="a100")
    t = -420
    j = ck.kernel_noise(c, "a100-r4-05", 5)
    j += host_lines(c, "a100-r4-05", [
        (t - 2400, "kernel: NVRM: Xid (PCI:%s:0): 94, pid=18333, name=python, Contained: CE User Channel (0x2). RST: No, D-RST: No" % c.bus(6)),
        (t, "kernel: NVRM: Xid (PCI:%s:0): 64, pid='<unknown>', name=<unknown>, Row Remapper: Failed to remap row, bank 9 has no spare rows left." % c.bus(6)),
        (t + 30, "nhc[44120]: ERROR:  nhc:  Health check failed:  check_nv_healthmon:  GPU 6: row remapping failure, node requires RMA"),
        (t + 31, "slurmd[2871]: error: health_check: /usr/sbin/nhc exited with status 1"),
        (t + 32, "slurmctld: update_node: node a100-r4-05 reason set to: NHC: check_nv_healthmon: GPU 6"),
    ])
    c.log("a100-r4-05/journal", j)
    smi = [
        "==============NVSMI LOG==============",
        "GPU 00000000:%s:00.0" % c.pci[6].upper(),
        "    Product Name                          : NVIDIA A100-SXM4-80GB",
        "    Remapped Rows",
        "        Correctable Error                 : 0",
        "        Uncorrectable Error               : 512",
        "        Pending                           : No",
        "        Remapping Failure Occurred        : Yes",
        "        Bank Remap Availability Histogram",
        "            Max                           : 630 bank(s)",
        "            High                          : 8 bank(s)",
        "            Partial                       : 1 bank(s)",
        "            Low                           : 0 bank(s)",
        "            None                          : 1 bank(s)",
        "    ECC Errors",
        "        Volatile",
        "            DRAM Correctable              : 14",
        "            DRAM Uncorrectable            : 1",
    ]
    c.log("a100-r4-05/nhc/nvidia-smi-q", smi)
    dcgm(c, "a100-r4-05", ("temp", "remapfail", "xid"), over={
        "remapfail": {6: after(t, lambda s, v: 1)}, "xid": {6: after(t, lambda s, v: 64)}})
    c.health_rates("gpu.health@a100-r4-05/gpu6", remap_failure=1, remapped_rows_uncorrectable=512,
                   ecc_dbe_volatile=1, xid_last=64)
    return c


@case
def w004():
    """GSP RPC timeouts (Xid 119) on one H100; NCCL init hangs on that node, training never starts."""
    hosts = ["sxm-b%d" % i for i in range(21, 25)]
    c = ck.Case("case-w004", "gpu_firmware_error", "sxm-b23/gpu1", hosts, gpu=H100)
    c.alert("JobNoProgress", "job ds-bloom-rerun: no training step logged for 15 minutes",
            job="ds-bloom-rerun", node="sxm-b21")
    t = -960
    j = host_lines(c, "sxm-b23", [
        (t, "kernel: NVRM: _kgspLogXid119: ********************************* GSP Timeout **********************************"),
        (t + 0.01, "kernel: NVRM: _kgspLogXid119: Note: Please also check logs above."),
        (t + 0.02, "kernel: NVRM: GPU at PCI:%s: %s" % (c.bus(1), c.uuid("sxm-b23", 1))),
        (t + 0.03, "kernel: NVRM: Xid (PCI:%s:0): 119, pid=40211, name=python, Timeout after 6s of waiting for RPC response from GPU1 GSP! Expected function 76 (GSP_RM_CONTROL) (0x20800a6a 0x4)." % c.bus(1)),
        (t + 0.04, "kernel: NVRM: GPU1 GSP RPC buffer contains function 76 (GSP_RM_CONTROL) and data 0x0000000020800a6a 0x0000000000000004."),
        (t + 0.05, "kernel: NVRM: GPU1 RPC history (CPU -> GSP):"),
        (t + 0.06, "kernel: NVRM:     entry function                   data0              data1              ts_start           ts_end             duration actively_polling"),
        (t + 0.07, "kernel: NVRM:      0    76 GSP_RM_CONTROL           0x0000000020800a6a 0x0000000000000004 0x00060f5d2c0a11c1 0x0000000000000000          y"),
        (t + 12.1, "kernel: NVRM: Xid (PCI:%s:0): 119, pid=40211, name=python, Timeout after 6s of waiting for RPC response from GPU1 GSP! Expected function 10 (FREE) (0xa55a0040 0x0)." % c.bus(1)),
        (t + 24.3, "kernel: NVRM: Rate limiting GSP RPC error prints for GPU at PCI:%s (printing 1 of every 30).  The GPU likely needs to be reset." % c.bus(1)),
    ]) + ck.kernel_noise(c, "sxm-b23", 8)
    c.log("sxm-b23/journal", j)
    ds = ["[%s] [INFO] [launch.py:256:main] process %d spawned with command: ['/usr/bin/python', '-u', 'pretrain_gpt.py', '--local_rank=%d']" % (
        c.ymd_ms(-1100), c.rng.randrange(10000, 99999), i) for i in range(4)]
    ds += ck.nccl_init(c, "sxm-b21", 0, 0, 32)[:8]
    ds += ["[%s] [INFO] [comm.py:637:init_distributed] cdb=None" % c.ymd_ms(-1050),
           "[%s] [INFO] [engine.py:1146:_configure_optimizer] Using DeepSpeed Optimizer param name adamw as basic optimizer" % c.ymd_ms(-1020)]
    ds += ck.app_noise(c, 5)
    c.log("sxm-b21/slurm-811942.out", ds)
    dcgm(c, "sxm-b23", ("util", "power", "xid"), over={
        "util": {1: after(t, lambda s, v: 100)}, "xid": {1: after(t, lambda s, v: 119)},
        "power": {g: after(t, lambda s, v, g=g: 0.18 * 700 + 20 * (g % 2)) for g in range(8)}})
    c.errored("gpu.health@sxm-b23/gpu1", "nvmlDeviceGetMemoryErrorCounter timed out after 30 s (driver call did not return)", 30.0)
    c.health_rates("gpu.health@sxm-b23/gpu0")
    c.inventory("gpu.inventory@sxm-b23/gpu1")
    return c


@case
def w005():
    """Xid 74 NVLink fatal error on one H200; the job dies with 'uncorrectable NVLink error'."""
    hosts = ["dgx-h%03d" % i for i in (40, 41)]
    c = ck.Case("case-w005", "nvlink_error", "dgx-h041/gpu6", hosts, gpu=H200)
    c.alert("TrainingJobFailed", "torchtitan-405b-pt: rank 14 exited (exitcode 1)",
            job="torchtitan-405b-pt", node="dgx-h041")
    t = -120
    tr = ck.fsdp_steps(c, -500, 30, 2201, rank=14, step_s=6.3)
    tr += [
        "[rank14]: torch.distributed.DistBackendError: NCCL error in: /opt/pytorch/pytorch/torch/csrc/distributed/c10d/ProcessGroupNCCL.cpp:2027, unhandled cuda error (run with NCCL_DEBUG=INFO for details), NCCL version 2.21.5",
        "[rank14]: ncclUnhandledCudaError: Call to CUDA function failed.",
        "[rank14]: Last error:",
        "[rank14]: Cuda failure 'uncorrectable NVLink error was detected during the execution'",
    ]
    c.log("dgx-h041/rank14/stderr", tr)
    dm = ck.kernel_noise(c, "dgx-h041", 6, fmt="dmesg") + [
        xid(c, t - 0.5, c.bus(6) + ":0", 74, "NVLink: fatal error detected on link 11(0x0, 0x0, 0x10000, 0x0, 0x0, 0x0, 0x0)", name="pt_main_thread"),
        "%s nvidia-nvswitch2: SXid (PCI:0000:07:00.0): 20034, Fatal, Link 41 LTSSM Fault Up" % c.dmesg(t - 0.4),
        "%s nvidia-nvswitch2: SXid (PCI:0000:07:00.0): 20034, Severity 1 Engine instance 41 Sub-engine instance 00" % c.dmesg(t - 0.4),
    ]
    c.log("dgx-h041/dmesg", dm)
    dcgm(c, "dgx-h041", ("util", "nvlbw", "xid"), over={
        "xid": {6: after(t, lambda s, v: 74)},
        "nvlbw": {g: after(t, lambda s, v: 0) for g in range(8)}})
    c.health_rates("gpu.health@dgx-h041/gpu6", nvlink_links_up=17, nvlink_recovery_errors=3,
                   nvlink_recovery_errors_per_s=1.0, xid_last=74)
    return c


@case
def w006():
    """Job-wide slowdown (step time +38%) from one GPU held at SW thermal slowdown; NCCL and data look fine."""
    hosts = ["hgx-k7-%d" % i for i in range(1, 5)]
    c = ck.Case("case-w006", "gpu_thermal_throttle", "hgx-k7-2/gpu0", hosts, gpu=H100)
    c.alert("StepTimeRegression", "megatron-gpt-175b: step time 5.9 s vs 4.3 s baseline (+38%)",
            job="megatron-gpt-175b", node="hgx-k7-1")
    t = -700
    it = ck.megatron_iters(c, -1150, 70, 90110, step_s=4.3,
                           step_fn=lambda i: (4.3 if i < 25 else 5.9) * c.rng.uniform(0.99, 1.01))
    it = ck.insert_at(it, 0.5, ["(min, max) time across ranks (ms):",
                                "    forward-backward ...............................: (5402.11, 5811.87)",
                                "    optimizer ......................................: (61.02, 64.40)",
                                "    all-grads-sync .................................: (1410.30, 2190.77)"])
    c.log("hgx-k7-1/rank0/stdout", it)
    dcgm(c, "hgx-k7-2", ("temp", "clock", "power", "reasons"), over={
        "temp": {0: after(t, lambda s, v: 88 + c.rng.uniform(-1, 2))},
        "clock": {0: after(t, lambda s, v: 1275 + c.rng.uniform(-60, 60))},
        "power": {0: after(t, lambda s, v: 440 + c.rng.uniform(-20, 20))},
        "reasons": {0: after(t, lambda s, v: ck.CLK_SW_THERMAL)}})
    c.log("hgx-k7-2/journal", ck.kernel_noise(c, "hgx-k7-2", 14) + host_lines(c, "hgx-k7-2", [
        (t - 200, "ipmid[1901]: SEL: #0412 | Temperature GPU0_Inlet | Upper Non-critical going high | Asserted | Reading 41 > Threshold 40 degrees C"),
        (t + 5, "dcgm-exporter[3120]: level=info msg=\"Clocks event reasons changed on GPU 0: SW_THERMAL_SLOWDOWN\""),
    ]))
    c.health_rates("gpu.health@hgx-k7-2/gpu0", temperature_c=89, sm_clock_mhz=1290,
                   clock_event_reasons=ck.CLK_SW_THERMAL, power_w=448)
    c.gemm("gpu.gemm@hgx-k7-2/gpu0", tflops=468.0)
    c.gemm("gpu.gemm@hgx-k7-2/gpu1")
    c.nccl("nccl.allreduce@hgx-k7-2")
    return c


@case
def w007():
    """A failed PSU makes every GPU on one node assert HW power brake; the job slows to the node's pace."""
    hosts = ["xe9680-%02d" % i for i in (11, 12, 13, 14)]
    c = ck.Case("case-w007", "gpu_power_throttle", "xe9680-13", hosts, gpu=H100)
    c.alert("GPUClocksLow", "xe9680-13: SM clocks below 1100 MHz on 8 GPUs", node="xe9680-13",
            job="deepspeed-moe-32b")
    t = -520
    dcgm(c, "xe9680-13", ("clock", "power", "reasons"), over={
        "clock": {g: after(t, lambda s, v: 870 + c.rng.uniform(-40, 40)) for g in range(8)},
        "power": {g: after(t, lambda s, v: 300 + c.rng.uniform(-25, 25)) for g in range(8)},
        "reasons": {g: after(t, lambda s, v: ck.CLK_HW_SLOWDOWN | ck.CLK_HW_POWER_BRAKE) for g in range(8)}})
    c.log("xe9680-13/ipmi-sel", [
        "%s | Power Supply PSU4 | Failure detected | Asserted" % c.ymd(t - 3),
        "%s | Power Supply PSU4 | Power Supply AC lost | Asserted" % c.ymd(t - 3),
        "%s | Power Unit PWR Unit Redund | Redundancy Lost | Asserted" % c.ymd(t - 2),
        "%s | System Event | OEM System Boot Event | Asserted" % c.ymd(-86000 + 3600),
    ] + ck.kernel_noise(c, "xe9680-13", 16))
    ds = ck.deepspeed_steps(c, -1100, 40, 3300, step_s=2.9,
                            step_fn=lambda i: (2.9 if i < 18 else 4.8) * c.rng.uniform(0.98, 1.02))
    c.log("xe9680-11/slurm-223019.out", ds)
    c.health_rates("gpu.health@xe9680-13/gpu4", sm_clock_mhz=885, power_w=290,
                   clock_event_reasons=ck.CLK_HW_SLOWDOWN | ck.CLK_HW_POWER_BRAKE)
    return c


@case
def w008():
    """A GPU trained at Gen3 x8 after a reseat; its rank is slow in host-device copies (activation offload)."""
    hosts = ["node-%03d" % i for i in (201, 202)]
    c = ck.Case("case-w008", "pcie_link_degraded", "node-202/gpu4", hosts, gpu=H200)
    c.alert("StragglerDetected", "deepspeed zero3-offload job: rank 12 step time 1.9x the median",
            job="zero3-offload-13b", node="node-202")
    ds = ck.deepspeed_steps(c, -900, 40, 1202, rank=12, step_s=3.8)
    ds = ck.insert_at(ds, 0.6, [
        "[%s] [INFO] [logging.py:96:log_dist] [Rank 12] time (ms) | fwd: 612.40 | bwd: 1404.22 | step: 1690.31 | optimizer_swap_in: 1288.02 | optimizer_swap_out: 1107.66" % c.ymd_ms(-500),
        "[%s] [INFO] [logging.py:96:log_dist] [Rank 0] time (ms) | fwd: 598.10 | bwd: 1388.94 | step: 742.08 | optimizer_swap_in: 340.55 | optimizer_swap_out: 301.22" % c.ymd_ms(-499),
    ])
    c.log("node-201/train.log", ds)
    dm = ck.kernel_noise(c, "node-202", 6, fmt="dmesg", start_s=-1500, end_s=-1200)
    dm.insert(2, "%s pci 0000:%s:00.0: 63.012 Gb/s available PCIe bandwidth, limited by 8.0 GT/s PCIe x8 link at 0000:%s:00.0 (capable of 504.112 Gb/s with 32.0 GT/s PCIe x16 link)" % (
        c.dmesg(-1400), c.pci[4], "%02x" % (int(c.pci[4], 16) - 2)))
    c.log("node-202/dmesg", dm)
    dcgm(c, "node-202", ("util", "pcierx", "replay"), over={
        "pcierx": {4: lambda s, v: v * 0.22}, "util": {4: lambda s, v: v - 35}})
    c.health_rates("gpu.health@node-202/gpu4", pcie_link_gen=3, pcie_link_width=8)
    c.pcie("gpu.pcie_bandwidth@node-202/gpu4", h2d=6.4, d2h=6.6)
    c.pcie("gpu.pcie_bandwidth@node-202/gpu3")
    return c


@case
def w009():
    """One data-parallel replica's loss drifts from the rest; no errors anywhere; gpu.sdc finds the GPU."""
    hosts = ["gb-%02d" % i for i in range(1, 5)]
    c = ck.Case("case-w009", "gpu_silent_data_corruption", "gb-03/gpu7", hosts, gpu=H100)
    c.alert("ReplicaLossMismatch", "dp replica 3 loss deviates 0.41 from the replica mean for 25 steps",
            job="nemo-llama-8b", node="gb-01")
    t = -650
    lines = []
    for i in range(24):
        s = -1100 + i * 45
        dev = 0.002 if s < t else 0.38 + 0.002 * i
        lines.append("[NeMo I %s replica_check:88] step %d dp_loss=[%.4f, %.4f, %.4f, %.4f] max_dev=%.4f" % (
            c.ymd(s), 51200 + i * 10, 1.811, 1.812, 1.810 + (dev if s >= t else 0.001), 1.811, dev))
    lines = ck.insert_at(lines, 0.5, ["[NeMo W %s nemo_logging:349] param checksum mismatch in data-parallel group 3 (tensor decoder.layers.17.mlp.linear_fc1.weight)" % c.ymd(t + 200)])
    lines += ck.app_noise(c, 5)
    c.log("gb-01/nemo_log_globalrank-0.txt", lines)
    c.log("gb-03/journal", ck.kernel_noise(c, "gb-03", 12))
    dcgm(c, "gb-03", ("util", "temp", "sbe"))
    c.health_rates("gpu.health@gb-03/gpu7")
    c.sdc("gpu.sdc@gb-03", mismatched=1812, bad_gpu="gpu7")
    c.gemm("gpu.gemm@gb-03/gpu7")
    return c


@case
def w010():
    """IB retry-exceeded on ranks of two nodes; the common peer is one HCA of a third node whose port flaps."""
    hosts = ["ib-n%02d" % i for i in (5, 6, 7, 8)]
    c = ck.Case("case-w010", "ib_link_failure", "ib-n07/mlx5_3", hosts, gpu=H100)
    c.alert("TrainingJobFailed", "megatron-mixtral: ranks 3, 11 failed with NCCL remote error",
            job="megatron-mixtral", node="ib-n05")
    t = -240
    ip7 = "10.12.7.3"
    r3 = ck.megatron_iters(c, -700, 30, 4410, step_s=5.1)
    r3 += [
        "ib-n05:51122:51301 [3] transport/net_ib.cc:1696 NCCL WARN NET/IB : Got completion from peer %s<53421> with status=12 opcode=0 len=0 vendor err 129 (Send) localGid ::ffff:10.12.5.3 remoteGids::ffff:%s" % (ip7, ip7),
        "ib-n05:51122:51301 [3] NCCL INFO transport/net.cc:1298 -> 6",
        "ib-n05:51122:51301 [3] NCCL INFO proxy.cc:698 -> 6",
        "[rank3]: torch.distributed.DistBackendError: NCCL error in: ../torch/csrc/distributed/c10d/ProcessGroupNCCL.cpp:1970, remote process exited or there was a network error, NCCL version 2.20.5",
        "[rank3]: ncclRemoteError: A call failed possibly due to a network error or a remote process exiting prematurely.",
        "[rank3]: Last error:",
        "[rank3]: NET/IB : Got completion from peer %s<53421> with status=12 opcode=0 len=0 vendor err 129 (Send)" % ip7,
    ]
    c.log("ib-n05/rank3/stderr", r3)
    c.log("ib-n06/rank11/stderr", [
        "ib-n06:31002:31177 [3] transport/net_ib.cc:1696 NCCL WARN NET/IB : Got completion from peer %s<53422> with status=12 opcode=0 len=0 vendor err 129 (Recv) localGid ::ffff:10.12.6.3 remoteGids::ffff:%s" % (ip7, ip7),
        "[rank11]: ncclRemoteError: A call failed possibly due to a network error or a remote process exiting prematurely."])
    j = ck.kernel_noise(c, "ib-n07", 10) + host_lines(c, "ib-n07", [
        (t - 70, "kernel: mlx5_core 0000:%s:00.0 ibp63s0: Link down" % ck.NIC_BUS[3]),
        (t - 62, "kernel: mlx5_core 0000:%s:00.0 ibp63s0: Link up" % ck.NIC_BUS[3]),
        (t - 9, "kernel: mlx5_core 0000:%s:00.0 ibp63s0: Link down" % ck.NIC_BUS[3]),
        (t + 3, "kernel: mlx5_core 0000:%s:00.0 ibp63s0: Link up" % ck.NIC_BUS[3]),
        (t + 40, "kernel: infiniband mlx5_3: mlx5_ib_event:3136:(pid 0): warning: event on port 1: PORT_ERR"),
    ])
    c.log("ib-n07/journal", j)
    for h in ("ib-n06", "ib-n07"):
        for d in range(8):
            bad = h == "ib-n07" and d == 3
            c.node_metric("node_infiniband_link_downed_total", {"instance": h, "device": "mlx5_%d" % d, "port": "1"},
                          lambda s, bad=bad: (2 if s >= t - 70 else 0) + (2 if s >= t - 9 else 0) if bad else 0, 0)
            c.node_metric("node_infiniband_symbol_error_total", {"instance": h, "device": "mlx5_%d" % d, "port": "1"},
                          lambda s, bad=bad: (4100 + 55 * (s + 1200) if bad else 0), 0)
    c.nccl("nccl.allreduce@job", busbw=31.0)
    c.health_rates("gpu.health@ib-n07/gpu3")
    return c


@case
def w011():
    """Kubernetes pods come up with NCCL_SOCKET_IFNAME=eth1, an interface that does not exist in the pod."""
    hosts = ["k8s-gpu-%d" % i for i in (31, 32, 33, 34)]
    c = ck.Case("case-w011", "nccl_network_misconfig", "job", hosts, gpu=H200)
    c.alert("PyTorchJobFailed", "PyTorchJob llm-eval-ft failed: 32/32 workers Error",
            job="llm-eval-ft", namespace="ml-platform", node="k8s-gpu-31")
    s0 = -300
    w = ck.app_noise(c, 4) + [
        "llm-eval-ft-worker-0:87:87 [0] NCCL INFO cudaDriverVersion 12040",
        "llm-eval-ft-worker-0:87:87 [0] NCCL INFO NCCL_SOCKET_IFNAME set by environment to eth1",
        "llm-eval-ft-worker-0:87:87 [0] NCCL INFO NCCL version 2.21.5+cuda12.4",
        "llm-eval-ft-worker-0:87:87 [0] bootstrap.cc:78 NCCL WARN Bootstrap : no socket interface found",
        "llm-eval-ft-worker-0:87:87 [0] NCCL INFO init.cc:1434 -> 3",
        "llm-eval-ft-worker-0:87:87 [0] NCCL INFO init.cc:1688 -> 3",
        "Traceback (most recent call last):",
        '  File "/app/train.py", line 61, in <module>',
        "    dist.barrier()",
        "torch.distributed.DistBackendError: NCCL error in: ../torch/csrc/distributed/c10d/NCCLUtils.hpp:317, internal error - please report this issue to the NCCL developers, NCCL version 2.21.5",
        "ncclInternalError: Internal check failed.",
        "Last error:",
        "Bootstrap : no socket interface found",
    ]
    c.log("k8s-gpu-31/pod/llm-eval-ft-worker-0/pytorch", w)
    ev = [
        "%s Normal  Scheduled  pod/llm-eval-ft-worker-%d  Successfully assigned ml-platform/llm-eval-ft-worker-%d to k8s-gpu-%d" % (
            c.iso(s0 - 60 + i), i, i, 31 + i) for i in range(4)]
    ev += ["%s Normal  Pulled     pod/llm-eval-ft-worker-%d  Container image \"nvcr.io/nvidia/pytorch:24.07-py3\" already present on machine" % (c.iso(s0 - 50 + i), i) for i in range(4)]
    ev += ["%s Warning BackOff    pod/llm-eval-ft-worker-%d  Back-off restarting failed container pytorch" % (c.iso(s0 + 30 + i), i) for i in range(4)]
    ev += ["%s Normal  Pods       pytorchjob/llm-eval-ft  spec.pytorchReplicaSpecs.Worker.template.spec.containers[0].env: NCCL_SOCKET_IFNAME=eth1, NCCL_IB_HCA=mlx5" % c.iso(s0 - 70),
           "%s Normal  Annotate   pod/llm-eval-ft-worker-0  k8s.v1.cni.cncf.io/network-status: [{\"name\":\"cilium\",\"interface\":\"eth0\",\"ips\":[\"10.244.3.17\"]},{\"name\":\"ml-platform/sriov-ib\",\"interface\":\"net1\",\"ips\":[\"192.168.31.10\"]}]" % c.iso(s0 - 55),
           "%s Warning Failed     pytorchjob/llm-eval-ft  PyTorchJob llm-eval-ft is failed because 1 Worker replica(s) failed." % c.iso(0)]
    c.log("scheduler/events", ev)
    return c


@case
def w012():
    """All ranks time out in an all-reduce; flight recorder shows rank 27 never entered it (stuck in a host-side gather)."""
    hosts = ["hpc-g%d" % i for i in (101, 102, 103, 104)]
    c = ck.Case("case-w012", "nccl_collective_hang", "hpc-g104/gpu3", hosts, gpu=H100)
    c.alert("NCCLWatchdogTimeout", "llama-ft-ckpt: 31 ranks report watchdog timeout on SeqNum 140288",
            job="llama-ft-ckpt", node="hpc-g101")
    t = -620
    r0 = ck.fsdp_steps(c, -1100, 50, 8800, step_s=9.2, rank=0)
    r0 += ck.watchdog(c, 0, t + 603, 140288, op="ALLREDUCE", numel=1)
    c.log("hpc-g101/rank0/stderr", r0)
    fr = [
        "%s | INFO | fr_trace | loaded 32 flight-recorder dumps from /scratch/llama-ft-ckpt/nccl_trace_rank_*" % c.ymd(t + 640),
        "%s | INFO | fr_trace | pg 0 (default_pg): collective seq 140288 ALLREDUCE numel=1 dtype=Float" % c.ymd(t + 640),
        "%s | ERROR | fr_trace | Not all ranks joining collective 140288 at entry 1122: missing ranks {27}" % c.ymd(t + 640),
        "%s | INFO | fr_trace | rank 27 last entry: seq 140287 ALLGATHER state=completed" % c.ymd(t + 640),
        "%s | INFO | fr_trace | 31 ranks state=scheduled for seq 140288" % c.ymd(t + 641),
    ]
    c.log("hpc-g101/fr_trace.log", fr)
    py = [
        "Process 66021: python -u train.py --config llama_ft.yaml",
        "Python v3.10.12 (/usr/bin/python3.10)",
        "",
        "Thread 66021 (idle): \"MainThread\"",
        "    wait (threading.py:320)",
        "    result (concurrent/futures/_base.py:453)",
        "    _gather_eval_metrics (eval/hooks.py:141)",
        "    after_step (eval/hooks.py:97)",
        "    train_loop (train.py:388)",
        "Thread 66190 (idle): \"eval-writer\"",
        "    _acquire_lock (filelock/_unix.py:40)",
        "    acquire (filelock/_api.py:331)",
        "    write_jsonl (eval/writer.py:58)",
    ]
    c.log("hpc-g104/rank27/py-spy-dump", py)
    dcgm(c, "hpc-g104", ("util",), over={"util": {g: after(t, lambda s, v, g=g: 100 if g != 3 else 0) for g in range(8)}})
    c.health_rates("gpu.health@hpc-g104/gpu3")
    return c


@case
def w013():
    """One rank segfaults in a C extension (faulthandler dump); the peers die with ncclRemoteError / IB errors."""
    hosts = ["trn-a%02d" % i for i in (1, 2, 3)]
    c = ck.Case("case-w013", "rank_process_crash", "trn-a02/gpu6", hosts, gpu=H200)
    c.alert("TrainingJobFailed", "slurm job 918331 (mm-vlm-34b) FAILED, exit 1",
            job="mm-vlm-34b", node="trn-a01")
    t = -90
    r0 = ck.plain_steps(c, -400, 20, 77301, step_s=5.5)
    r0 += [
        "trn-a01:23100:23401 [0] transport/net_ib.cc:1696 NCCL WARN NET/IB : Got completion from peer 10.4.2.6<41882> with status=12 opcode=0 len=0 vendor err 129 (Recv) localGid ::ffff:10.4.1.6 remoteGids::ffff:10.4.2.6",
        "[rank0]: ncclRemoteError: A call failed possibly due to a network error or a remote process exiting prematurely.",
    ] + ck.elastic_failure(c, t + 30, "trn-a01", 0, 0, 1)
    c.log("trn-a01/slurm-918331.out", r0)
    r14 = ck.plain_steps(c, -400, 18, 77301, step_s=5.5) + [
        "Fatal Python error: Segmentation fault",
        "",
        "Thread 0x00007f3c9dfff640 (most recent call first):",
        '  File "/opt/venv/lib/python3.11/site-packages/decord/video_reader.py", line 214 in get_batch',
        '  File "/workspace/mm/data/video.py", line 77 in _decode_clip',
        '  File "/opt/venv/lib/python3.11/site-packages/torch/utils/data/_utils/fetch.py", line 52 in fetch',
        "",
        "Current thread 0x00007f3ca4a41740 (most recent call first):",
        '  File "/workspace/mm/train.py", line 301 in train_step',
        "Extension modules: numpy.core._multiarray_umath, torch._C, decord._ffi (total: 88)",
    ]
    c.log("trn-a02/rank14/stderr", r14)
    c.log("scheduler/slurmctld", [
        "%s slurmstepd[20331]: error: task 14 (pid 66133) on trn-a02: Segmentation fault (core dumped)" % c.syslog(t),
        "%s srun: error: trn-a02: task 14: Segmentation fault (core dumped)" % c.syslog(t + 1),
        "%s srun: Terminating StepId=918331.0" % c.syslog(t + 1)] + slurm_tail(c, t + 35, 918331, "trn-a01"))
    c.health_rates("gpu.health@trn-a02/gpu6")
    return c


@case
def w014():
    """CUDA OOM on one pipeline stage (last stage holds the LM head + loss); the other ranks block and time out."""
    hosts = ["p5-%02d" % i for i in (7, 8)]
    c = ck.Case("case-w014", "cuda_oom", "p5-08/gpu7", hosts, gpu=H100)
    c.alert("NCCLWatchdogTimeout", "megatron-pp8: 15 ranks watchdog timeout (SendRecv)",
            job="megatron-pp8", node="p5-07")
    t = -610
    r0 = ck.megatron_iters(c, -1100, 40, 12, step_s=6.9) + wd_short(c, 0, t + 600, 3301, op="SEND", numel=16777216)
    c.log("p5-07/rank0/stderr", r0)
    r15 = ck.megatron_iters(c, -1100, 35, 12, step_s=6.9)[:10] + [
        "[rank15]: Traceback (most recent call last):",
        '[rank15]:   File "/workspace/Megatron-LM/megatron/core/tensor_parallel/cross_entropy.py", line 140, in forward',
        "[rank15]:     exp_logits = torch.exp(vocab_parallel_logits)",
        "[rank15]: torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 7.83 GiB. GPU 7 has a total capacity of 79.11 GiB of which 5.02 GiB is free. Including non-PyTorch memory, this process has 74.08 GiB memory in use. Of the allocated memory 68.12 GiB is allocated by PyTorch, and 4.69 GiB is reserved by PyTorch but unallocated. If reserved but unallocated memory is large try setting PYTORCH_CUDA_ALLOC_CONF=expandable_segments:True to avoid fragmentation.  See documentation for Memory Management  (https://pytorch.org/docs/stable/notes/cuda.html#environment-variables)",
    ]
    c.log("p5-08/rank15/stderr", r15)
    dcgm(c, "p5-08", ("fb", "util"), over={"fb": {7: lambda s, v: 79.0 * 1024 - 300}})
    return c


@case
def w015():
    """Device-side assert (index out of bounds in an embedding) on one rank after a tokenizer swap."""
    hosts = ["dgx-e%02d" % i for i in (3, 4)]
    c = ck.Case("case-w015", "illegal_memory_access", "dgx-e04/gpu2", hosts, gpu=A100)
    c.alert("TrainingJobFailed", "job code-llm-7b exited: rank 10 CUDA error", job="code-llm-7b", node="dgx-e04")
    lines = ck.plain_steps(c, -600, 20, 300, step_s=1.1) + [
        "../aten/src/ATen/native/cuda/Indexing.cu:1284: indexSelectLargeIndex: block: [211,0,0], thread: [96,0,0] Assertion `srcIndex < srcSelectDimSize` failed.",
        "../aten/src/ATen/native/cuda/Indexing.cu:1284: indexSelectLargeIndex: block: [211,0,0], thread: [97,0,0] Assertion `srcIndex < srcSelectDimSize` failed.",
        "../aten/src/ATen/native/cuda/Indexing.cu:1284: indexSelectLargeIndex: block: [211,0,0], thread: [98,0,0] Assertion `srcIndex < srcSelectDimSize` failed.",
        "Traceback (most recent call last):",
        '  File "/code/train.py", line 210, in <module>',
        "    out = model(input_ids=batch[\"input_ids\"])",
        '  File "/code/modeling.py", line 88, in forward',
        "    h = self.embed_tokens(input_ids)",
        "RuntimeError: CUDA error: device-side assert triggered",
        "CUDA kernel errors might be asynchronously reported at some other API call, so the stacktrace below might be incorrect.",
        "For debugging consider passing CUDA_LAUNCH_BLOCKING=1",
        "INFO: tokenizer: loaded tokenizer.json vocab_size=49216 (model embedding rows 49152)",
    ]
    c.log("dgx-e04/rank10/stderr", lines)
    c.log("dgx-e04/journal", ck.kernel_noise(c, "dgx-e04", 8) + [
        "%s dgx-e04 kernel: NVRM: Xid (PCI:%s:0): 43, pid=71122, name=python, Ch 00000008" % (c.syslog(-40), c.bus(2))])
    c.health_rates("gpu.health@dgx-e04/gpu2", xid_last=43)
    return c


@case
def w016():
    """Kernel OOM killer ends a rank: CPU-side RAM exhausted by 8 ranks x pinned-memory dataloader workers."""
    hosts = ["cpu-heavy-g%d" % i for i in (5, 6)]
    c = ck.Case("case-w016", "host_oom", "cpu-heavy-g6", hosts, gpu=H100)
    c.alert("TrainingJobFailed", "torchrun: local_rank 4 on cpu-heavy-g6 exited with -9", job="vit-22b", node="cpu-heavy-g6")
    t = -150
    tr = ck.plain_steps(c, -500, 18, 5500, step_s=3.1) + ck.elastic_failure(c, t + 2, "cpu-heavy-g6", 12, 4, -9, sig="SIGKILL")
    c.log("cpu-heavy-g6/torchrun.log", tr)
    k = ck.kernel_noise(c, "cpu-heavy-g6", 6, fmt="dmesg") + [
        "%s python invoked oom-killer: gfp_mask=0x140cca(GFP_HIGHUSER_MOVABLE|__GFP_COMP), order=0, oom_score_adj=0" % c.dmesg(t - 0.2),
        "%s Mem-Info:" % c.dmesg(t - 0.2),
        "%s active_anon:480211533 inactive_anon:3331122 isolated_anon:0" % c.dmesg(t - 0.2),
        "%s oom-kill:constraint=CONSTRAINT_NONE,nodemask=(null),cpuset=/,mems_allowed=0-1,global_oom,task_memcg=/slurm/uid_1001/job_55211/step_0,task=python,pid=88412,uid=1001" % c.dmesg(t),
        "%s Out of memory: Killed process 88412 (python) total-vm:412233004kB, anon-rss:236112344kB, file-rss:81920kB, shmem-rss:10485760kB, UID:1001 pgtables:488120kB oom_score_adj:0" % c.dmesg(t),
    ]
    c.log("cpu-heavy-g6/dmesg", k)
    c.node_metric("node_memory_MemAvailable_bytes", {"instance": "cpu-heavy-g6:9100"},
                  lambda s: max(2.1e9, 2.0e12 * 0.42 - (s + 1200) * 7.4e8) if s < t + 10 else 1.6e12, 0)
    c.node_metric("node_memory_MemAvailable_bytes", {"instance": "cpu-heavy-g5:9100"},
                  lambda s: 2.0e12 * 0.40 - c.rng.uniform(0, 1e10), 0)
    return c


@case
def w017():
    """Loss goes to NaN job-wide after an LR warmup change; grad norm grows first; sdc and health pass."""
    hosts = ["ml-h%02d" % i for i in range(1, 5)]
    c = ck.Case("case-w017", "loss_divergence", "job", hosts, gpu=H200)
    c.alert("TrainingLossNaN", "olmo-style-7b: lm loss nan at iteration 31187", job="olmo-7b-pt", node="ml-h01")
    grad = [0.4, 0.5, 0.7, 1.2, 2.9, 8.8, 41.2, 310.5, 4021.0, float("nan")]
    it = ck.megatron_iters(c, -900, 40, 31148, step_s=3.3,
                           grad_fn=lambda i: grad[i - 30] if i >= 30 else 0.4 * c.rng.uniform(0.9, 1.1),
                           loss_fn=lambda i: float("nan") if i >= 39 else (2.1 + (0.6 * (i - 33) if i > 33 else 0)),
                           nan_fn=lambda i: 1 if i >= 39 else 0)
    it = ck.insert_at(it, 0.1, ["INFO:megatron.training.arguments: lr_warmup_iters ................................ 200",
                                "INFO:megatron.training.arguments: lr ............................................. 0.0012"])
    it += ["[%s] Rank 0: found NaN in local grad norm for bucket #0 in backward pass before data-parallel communication collective. Device: 0, node: ml-h01" % c.ymd(-5)]
    c.log("ml-h01/rank0/stdout", it)
    c.sdc("gpu.sdc@ml-h01")
    c.sdc("gpu.sdc@ml-h03")
    c.health_rates("gpu.health@ml-h01/gpu0")
    return c


@case
def w018():
    """fp16 DeepSpeed run: repeated OVERFLOW until the scale hits its minimum and the run exits."""
    hosts = ["v-a100-%d" % i for i in (1, 2)]
    c = ck.Case("case-w018", "fp16_loss_scale_collapse", "job", hosts, gpu=A100)
    c.alert("TrainingJobFailed", "bert-xxl-fp16 exited with code 1", job="bert-xxl-fp16", node="v-a100-1")
    out = ck.deepspeed_steps(c, -900, 20, 18000, step_s=1.4, mem=(22.1, 51.9))
    scale = 65536.0
    s = -500
    for i in range(18):
        s += 1.4
        nxt = max(scale / 2, 1.0)
        out.append("[%s] [INFO] [loss_scaler.py:183:update_scale] [deepspeed] OVERFLOW! Rank 0 Skipping step. Attempted loss scale: %d, reducing to %d" % (
            c.ymd_ms(s), scale, nxt))
        scale = nxt
        if i % 5 == 0:
            out.append("[%s] [INFO] [train.py:412] step %d loss %.4f" % (c.ymd_ms(s), 18020 + i, 2.4 + 0.1 * i))
    out += ["[%s] [INFO] [loss_scaler.py:190:update_scale] [deepspeed] OVERFLOW! Rank 0 Skipping step. Attempted loss scale: 1, but hysteresis is 2. Reducing hysteresis to 1" % c.ymd_ms(s + 1),
            "Exception: Current loss scale already at minimum - cannot decrease scale anymore. Exiting run."]
    c.log("v-a100-1/deepspeed.log", out)
    return c


@case
def w019():
    """FP8 (Transformer Engine) training: amax history goes inf in one layer's fc2, then loss spikes and NaNs."""
    hosts = ["h200-fp8-%d" % i for i in range(1, 5)]
    c = ck.Case("case-w019", "fp8_scaling_overflow", "job", hosts, gpu=H200)
    c.alert("TrainingLossSpike", "fp8-llama-70b: loss 9.8 vs trend 1.9", job="fp8-llama-70b", node="h200-fp8-1")
    t = -300
    it = ck.megatron_iters(c, -900, 30, 60100, step_s=4.0,
                           loss_fn=lambda i: 1.9 if i < 22 else [4.2, 9.8, 8.1, 7.7, 9.9, 10.4, 11.0, 10.9][i - 22])
    it = ck.insert_at(it, 0.05, ["INFO:megatron.training.arguments: fp8 ............................................ hybrid",
                                 "INFO:megatron.training.arguments: fp8_amax_history_len ........................... 1024",
                                 "INFO:megatron.training.arguments: fp8_amax_compute_algo .......................... max"])
    mon = []
    for i in range(10):
        s = t - 120 + i * 25
        bad = s >= t
        mon.append("[fp8-monitor] %s layer=decoder.layers.61.mlp.linear_fc2 tensor=fwd_input amax=%s scale=%s sat_frac=%s" % (
            c.ymd(s), "inf" if bad else "%.1f" % (412.0 + 10 * i), "0.000e+00" if bad else "%.3e" % (448.0 / (412.0 + 10 * i)),
            "1.000" if bad else "0.000"))
    mon.append("[fp8-monitor] %s WARNING non-finite amax in 3 of 640 FP8 tensors; scale_inv overflow in decoder.layers.61.mlp.linear_fc2" % c.ymd(t + 130))
    c.log("h200-fp8-1/rank0/stdout", it + mon)
    c.sdc("gpu.sdc@h200-fp8-1")
    return c


@case
def w020():
    """MoE routing collapse: 2 of 64 experts take 70% of tokens; tokens dropped, all-to-all slow; loss stalls."""
    hosts = ["moe-n%d" % i for i in range(1, 5)]
    c = ck.Case("case-w020", "moe_expert_imbalance", "job", hosts, gpu=H100)
    c.alert("StepTimeRegression", "deepseek-style-moe: step time +62% over 30 min", job="dsmoe-16b", node="moe-n1")
    lines = []
    for i in range(14):
        s = -1100 + i * 75
        skew = min(0.71, 0.08 + 0.05 * i)
        lines.append("[%s] [INFO] [moe/router.py:211] step %d top2 load: max_expert_frac=%.3f min_expert_frac=%.4f aux_loss=%.4f drop_rate=%.3f" % (
            c.ymd_ms(s), 9100 + 50 * i, skew, max(0.0004, 0.015 - 0.001 * i), 0.011 + 0.0002 * i, max(0.0, skew - 0.12) * 0.6))
    lines += ["[%s] [INFO] [moe/router.py:230] experts with >10%% of tokens: [17, 42]; 51 experts below 0.5%%" % c.ymd_ms(-120)]
    lines += ck.deepspeed_steps(c, -1100, 20, 9100, step_s=2.0,
                                step_fn=lambda i: 2.0 * (1 + 0.035 * i) * c.rng.uniform(0.98, 1.02))
    lines += ["[%s] [INFO] [comm.py:180] comm op: all_to_all_single | time (ms): %.2f | msg size: 256.0 MB | algbw (Gbps): %.2f" % (
        c.ymd_ms(-60 + i), 48.0 + 30 * i, 400 / (1 + i)) for i in range(3)]
    c.log("moe-n1/rank0/train.log", lines)
    c.nccl("nccl.alltoall@job")
    c.health_rates("gpu.health@moe-n1/gpu0")
    return c


@case
def w021():
    """A straggler GPU with clean health (no throttle bits) but low GEMM throughput: gpu.gemm on it fails."""
    hosts = ["hx-%02d" % i for i in (31, 32, 33, 34)]
    c = ck.Case("case-w021", "straggler_rank", "hx-33/gpu5", hosts, gpu=H200)
    c.alert("StragglerDetected", "megatron straggler detector: rank 21 slowest for 40 consecutive checks",
            job="gpt-moe-pt", node="hx-31")
    lines = ck.megatron_iters(c, -1100, 40, 701, step_s=5.2)
    for i in range(6):
        s = -900 + i * 150
        lines.append("[%s] | MnRtt/Rnk: %.2fms/3 | MxRtt/Rnk: %.2fms/21 | MnPwr/Rnk: 512W/21 | MxPwr/Rnk: 690W/8 | MnTmp/Rnk: 47C/21 | MxTmp/Rnk: 66C/12 | MnUtl/Rnk: 91%%/3 | MxUtl/Rnk: 100%%/21 | MnClk/Rnk: 1965MHz/14 | MxClk/Rnk: 1980MHz/0" % (
            c.ymd(s), 3910.0 + c.rng.uniform(-20, 20), 5140.0 + c.rng.uniform(-40, 40)))
    c.log("hx-31/rank0/stdout", lines)
    dcgm(c, "hx-33", ("util", "clock", "reasons", "power"), over={"power": {5: lambda s, v: 505 + c.rng.uniform(-10, 10)},
                                                                     "util": {5: lambda s, v: 100}})
    c.health_rates("gpu.health@hx-33/gpu5")
    c.gemm("gpu.gemm@hx-33/gpu5", tflops=512.0)
    c.gemm("gpu.gemm@hx-33/gpu4")
    c.hbm("gpu.hbm_bandwidth@hx-33/gpu5")
    return c


@case
def w022():
    """Input pipeline starves the GPUs after num_workers was cut to 2: data-wait time dominates, no errors."""
    hosts = ["lambda-%d" % i for i in (12, 13)]
    c = ck.Case("case-w022", "dataloader_stall", "job", hosts, gpu=H100)
    c.alert("GPUUtilizationLow", "job clip-vit-h: mean GPU util 38% for 20 min", job="clip-vit-h", node="lambda-12")
    lines = ["INFO: DataLoader(num_workers=2, prefetch_factor=2, pin_memory=True, persistent_workers=True)"]
    for i in range(24):
        s = -1150 + i * 45
        lines.append("%s | INFO | train | step %d | loss %.4f | step_time %.3fs | data_time %.3fs | fwd_bwd %.3fs | img/s %.1f" % (
            c.ymd(s), 42000 + 20 * i, 3.05 - 0.002 * i, 2.41 + c.rng.uniform(-0.2, 0.2), 1.58 + c.rng.uniform(-0.2, 0.2),
            0.79 + c.rng.uniform(-0.01, 0.01), 4096 / 2.4))
    lines = ck.insert_at(lines, 0.3, ck.app_noise(c, 3))
    c.log("lambda-12/rank0/train.log", lines)
    dcgm(c, "lambda-12", ("util", "power"), over={"util": {g: (lambda s, v: 38 + c.rng.uniform(-15, 15)) for g in range(8)},
                                                 "power": {g: (lambda s, v: 290 + c.rng.uniform(-60, 60)) for g in range(8)}})
    c.node_metric("node_load1", {"instance": "lambda-12:9100"}, lambda s: 17.5 + c.rng.uniform(-1, 1))
    c.node_metric("node_cpu_count", {"instance": "lambda-12:9100"}, lambda s: 224, 0)
    return c


@case
def w023():
    """Checkpoint save fails on a full Lustre OST; the alert says the job died, the loud lines are Python tracebacks."""
    hosts = ["cw-%03d" % i for i in (110, 111, 112, 113)]
    c = ck.Case("case-w023", "storage_failure", "job", hosts, gpu=H100)
    c.alert("TrainingJobFailed", "megatron-13b-long: exit 1 during checkpoint", job="megatron-13b-long", node="cw-110")
    t = -60
    it = ck.megatron_iters(c, -700, 25, 19976, step_s=6.0) + [
        "saving checkpoint at iteration   20000 to /lustre/proj/ckpt/megatron-13b-long in torch_dist format",
        "[rank0]: Traceback (most recent call last):",
        '[rank0]:   File "/opt/megatron-lm/megatron/core/dist_checkpointing/strategies/filesystem_async.py", line 242, in write_preloaded_data',
        "[rank0]:     f.write(data)",
        "[rank0]: OSError: [Errno 28] No space left on device",
        "[rank0]: RuntimeError: Checkpointing failed: 4 of 32 writer processes reported an error",
    ]
    c.log("cw-110/rank0/stderr", it)
    c.log("cw-112/journal", ck.kernel_noise(c, "cw-112", 6) + host_lines(c, "cw-112", [
        (t - 20, "kernel: LustreError: 22310:0:(osc_request.c:1762:osc_brw_fini_request()) proj-OST0012-osc-ffff9c1a: write error on 10.9.0.44@o2ib: rc = -28"),
        (t - 19, "kernel: Lustre: proj-OST0012-osc-ffff9c1a: 0 free inodes / 1.2 GiB free; filesystem nearly full")]))
    c.node_metric("lustre_available_kilobytes", {"target": "proj-OST0012", "component": "ost"},
                  lambda s: max(0, 5.1e8 - (s + 1200) * 4.5e5), 0)
    c.node_metric("lustre_available_kilobytes", {"target": "proj-OST0011", "component": "ost"},
                  lambda s: 3.8e9, 0)
    return c


@case
def w024():
    """Megatron refuses to start: world size 56 (7 nodes) is not divisible by TP x PP = 8 x 2."""
    hosts = ["sm-%02d" % i for i in range(1, 8)]
    c = ck.Case("case-w024", "launch_config_error", "job", hosts, gpu=H200)
    c.alert("TrainingJobFailed", "job 771201 gpt-tp8pp2 FAILED in 40 s", job="gpt-tp8pp2", node="sm-01")
    lines = ["using world size: 56, data-parallel size: 3, context-parallel size: 1, tensor-model-parallel size: 8, pipeline-model-parallel size: 2",
             "Traceback (most recent call last):",
             '  File "/workspace/Megatron-LM/pretrain_gpt.py", line 247, in <module>',
             "    pretrain(train_valid_test_datasets_provider,",
             '  File "/workspace/Megatron-LM/megatron/training/initialize.py", line 71, in initialize_megatron',
             "    args = parse_args(extra_args_provider, ignore_unknown_args)",
             "AssertionError: world size (56) is not divisible by tensor parallel size (8) times pipeline parallel size (2)"]
    lines = ck.app_noise(c, 4) + lines
    c.log("sm-01/slurm-771201.out", lines)
    c.log("scheduler/slurmctld", [
        "%s slurmctld[1201]: sched: Allocate JobId=771201 NodeList=sm-[01-07] #CPUs=1568 Partition=h200" % c.syslog(-45),
        "%s slurmctld[1201]: _job_complete: JobId=771201 WEXITSTATUS 1" % c.syslog(-2),
        "%s slurmctld[1201]: _job_complete: JobId=771201 done" % c.syslog(-2),
    ] + ["%s slurmd[2210]: launch task StepId=771201.0 request from UID:1044 on sm-%02d" % (c.syslog(-44), i) for i in range(1, 8)])
    return c


@case
def w025():
    """Fallen-off-bus with no driver log shipped: only the stopped DCGM series and gpu.inventory show it."""
    hosts = ["k8s-h100-%d" % i for i in (71, 72, 73)]
    c = ck.Case("case-w025", "gpu_fallen_off_bus", "k8s-h100-72/gpu1", hosts, gpu=H100)
    c.alert("NCCLWatchdogTimeout", "PyTorchJob sft-qwen: workers 0,2 watchdog timeout; worker-1 container exited 1",
            job="sft-qwen", node="k8s-h100-71", namespace="sft")
    t = -650
    w0 = ck.fsdp_steps(c, -1000, 25, 410, rank=0, step_s=3.0) + ck.watchdog(c, 0, t + 605, 9902, op="_REDUCE_SCATTER_BASE", numel=134217728)
    c.log("k8s-h100-71/pod/sft-qwen-worker-0/pytorch", w0)
    w1 = ck.fsdp_steps(c, -1000, 10, 410, rank=9, step_s=3.0) + [
        "[rank9]: RuntimeError: CUDA error: unknown error",
        "[rank9]: CUDA kernel errors might be asynchronously reported at some other API call, so the stacktrace below might be incorrect.",
        "[rank9]: For debugging consider passing CUDA_LAUNCH_BLOCKING=1",
    ]
    c.log("k8s-h100-72/pod/sft-qwen-worker-1/pytorch", w1)
    dcgm(c, "k8s-h100-72", ("util", "temp", "power"), over={k: {1: gone(t)} for k in ("util", "temp", "power")})
    c.inventory("gpu.inventory@k8s-h100-72/gpu1", count=7)
    c.errored("gpu.health@k8s-h100-72/gpu1", "NVML: Unable to determine the device handle for GPU 0000:%s:00.0: Unknown Error" % c.pci[1], 0.3)
    c.health_rates("gpu.health@k8s-h100-72/gpu0")
    return c


@case
def w026():
    """ECC DBE surfaces first as a NaN loss; the DCGM DBE counter and gpu.health pin one GPU."""
    hosts = ["a3-%02d" % i for i in (21, 22, 23, 24)]
    c = ck.Case("case-w026", "gpu_memory_uncorrectable_ecc", "a3-22/gpu6", hosts, gpu=H100)
    c.alert("TrainingLossNaN", "gemma-ft: loss nan at step 8812", job="gemma-ft", node="a3-21")
    t = -200
    it = ck.megatron_iters(c, -900, 35, 8777, step_s=2.6,
                           loss_fn=lambda i: float("nan") if i >= 34 else 1.62 - 0.001 * i,
                           grad_fn=lambda i: float("nan") if i >= 34 else 0.31,
                           nan_fn=lambda i: 1 if i >= 34 else 0)
    c.log("a3-21/rank0/stdout", it)
    dcgm(c, "a3-22", ("dbe", "sbe", "xid", "temp"), over={
        "dbe": {6: after(t, lambda s, v: 1)}, "xid": {6: after(t, lambda s, v: 94)},
        "sbe": {6: after(t - 400, lambda s, v: 3)}})
    c.health_rates("gpu.health@a3-22/gpu6", ecc_dbe_volatile=1, ecc_dbe_aggregate=1,
                   ecc_sbe_volatile=3, xid_last=94, retired_pages=0, remap_pending=1)
    c.health_rates("gpu.health@a3-22/gpu5")
    c.sdc("gpu.sdc@a3-22")
    return c


# ------------------------------------------------------------------------------------ main
def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default=os.path.dirname(os.path.abspath(__file__)))
    args = ap.parse_args()
    n = ck.write_cases([f() for f in CASES], args.out)
    print("holdout6: wrote %d cases to %s" % (n, args.out))


if __name__ == "__main__":
    main()
