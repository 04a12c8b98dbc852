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
    w1 = ck.fsdp_steps(c, -390, 40, 6120, rank=10, step_s=2.2)
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
    w0 = ck.fsdp_steps(c, -330, 12, 6120, rank=0, step_s=2.2)
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
    tr = ck.fsdp_steps(c, -310, 30, 2201, rank=14, step_s=6.3)
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
    t = -1050
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
    t = -1050
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
    """A GPU trained at Gen3 x8 after a reseat; its rank is slow in host-device copies (optimizer offload). The
    boot-time link message is not in the shipped dmesg window: gpu.health / gpu.pcie_bandwidth decide."""
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
    r3 = ck.megatron_iters(c, -395, 30, 4410, step_s=5.1)
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
    r0 = ck.plain_steps(c, -200, 20, 77301, step_s=5.5)
    r0 += [
        "trn-a01:23100:23401 [0] transport/net_ib.cc:1696 NCCL WARN NET/IB : Got completion from peer 10.4.2.6<41882> with status=12 opcode=0 len=0 vendor err 129 (Recv) localGid ::ffff:10.4.1.6 remoteGids::ffff:10.4.2.6",
        "[rank0]: ncclRemoteError: A call failed possibly due to a network error or a remote process exiting prematurely.",
    ] + ck.elastic_failure(c, t + 30, "trn-a01", 0, 0, 1)
    c.log("trn-a01/slurm-918331.out", r0)
    r14 = ck.plain_steps(c, -190, 18, 77301, step_s=5.5) + [
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
    r0 = ck.megatron_iters(c, -900, 40, 12, step_s=6.9) + wd_short(c, 0, t + 600, 3301, op="SEND", numel=16777216)
    c.log("p5-07/rank0/stderr", r0)
    r15 = ck.megatron_iters(c, -900, 35, 12, step_s=6.9)[:10] + [
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
    lines = ck.plain_steps(c, -30, 20, 300, step_s=1.1) + [
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
        "%s dgx-e04 kernel: NVRM: Xid (PCI:%s:0): 43, pid=71122, name=python, Ch 00000008" % (c.syslog(-5), c.bus(2))])
    c.health_rates("gpu.health@dgx-e04/gpu2", xid_last=43)
    return c


@case
def w016():
    """Kernel OOM killer ends a rank: CPU-side RAM exhausted by 8 ranks x pinned-memory dataloader workers."""
    hosts = ["cpu-heavy-g%d" % i for i in (5, 6)]
    c = ck.Case("case-w016", "host_oom", "cpu-heavy-g6", hosts, gpu=H100)
    c.alert("TrainingJobFailed", "torchrun: local_rank 4 on cpu-heavy-g6 exited with -9", job="vit-22b", node="cpu-heavy-g6")
    t = -150
    tr = ck.plain_steps(c, -206, 18, 5500, step_s=3.1) + ck.elastic_failure(c, t + 2, "cpu-heavy-g6", 12, 4, -9, sig="SIGKILL")
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
    out = ck.deepspeed_steps(c, -530, 20, 18000, step_s=1.4, mem=(22.1, 51.9))
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
    it = ck.megatron_iters(c, -388, 30, 60100, step_s=4.0,
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
    it = ck.megatron_iters(c, -210, 25, 19976, step_s=6.0) + [
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
    w0 = ck.fsdp_steps(c, -730, 25, 410, rank=0, step_s=3.0) + ck.watchdog(c, 0, t + 605, 9902, op="_REDUCE_SCATTER_BASE", numel=134217728)
    c.log("k8s-h100-71/pod/sft-qwen-worker-0/pytorch", w0)
    w1 = ck.fsdp_steps(c, -680, 10, 410, rank=9, step_s=3.0) + [
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
    it = ck.megatron_iters(c, -354, 35, 8777, step_s=4.4,
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


@case
def w027():
    """Xid 79 in the older multi-line wording on an A100 node; the alert is the DCGM Xid field, a stale
    Xid 13 on another node (an earlier user's job) is noise."""
    hosts = ["dgxa-%02d" % i for i in (5, 6, 7, 8)]
    c = ck.Case("case-w027", "gpu_fallen_off_bus", "dgxa-08/gpu0", hosts, gpu=A100, pci=ck.PCI_BUS_B)
    c.alert("DCGMXidError", "DCGM_FI_DEV_XID_ERRORS != 0 on dgxa-06 gpu 4 and dgxa-08 gpu 0",
            node="dgxa-06", job="ssl-vit-g")
    t = -360
    j6 = ck.kernel_noise(c, "dgxa-06", 8, -1500, -900) + host_lines(c, "dgxa-06", [
        (-1150, "kernel: NVRM: Xid (PCI:%s:0): 13, pid=20017, name=python, Graphics SM Warp Exception on (GPC 2, TPC 1, SM 0): Out Of Range Address" % c.bus(4)),
        (-1150, "kernel: NVRM: Xid (PCI:%s:0): 13, pid=20017, name=python, Graphics Exception: ESR 0x514648=0x102000e 0x514650=0x20 0x514644=0xd3eff2 0x51464c=0x17f" % c.bus(4)),
        (-1100, "slurmd[2201]: _job_complete: JobId=60111 (user bench) exit code 134"),
    ])
    c.log("dgxa-06/journal", j6)
    j8 = ck.kernel_noise(c, "dgxa-08", 6, -1500, -400) + host_lines(c, "dgxa-08", [
        (t, "kernel: NVRM: GPU at PCI:%s: %s" % (c.bus(0), c.uuid("dgxa-08", 0))),
        (t, "kernel: NVRM: GPU Board Serial Number: 1562120013622"),
        (t, "kernel: NVRM: Xid (PCI:%s:0): 79, pid=0, GPU has fallen off the bus." % c.bus(0)),
        (t + 0.1, "kernel: NVRM: GPU 0000:%s:00.0: GPU has fallen off the bus." % c.pci[0]),
        (t + 0.1, "kernel: NVRM: GPU is on Board 1562120013622."),
        (t + 3, "kernel: pcieport 0000:%s:00.0: AER: Uncorrected (Fatal) error received: 0000:%s:00.0" % ("%02x" % (int(c.pci[0], 16) - 1), c.pci[0])),
        (t + 42, "kernel: NVRM: RmInitAdapter failed! (0x23:0x65:1417)"),
        (t + 42, "kernel: NVRM: rm_init_adapter failed, device minor number 0"),
    ])
    c.log("dgxa-08/journal", j8)
    tr = ck.plain_steps(c, -510, 20, 2040, step_s=7.4) + wd_short(c, 5, t + 601, 88122, op="ALLGATHER", numel=8388608)
    c.log("dgxa-05/rank5/stderr", tr)
    dcgm(c, "dgxa-08", ("util", "xid"), over={"util": {0: gone(t)}, "xid": {0: gone(t)}})
    dcgm(c, "dgxa-06", ("xid",), over={"xid": {4: lambda s, v: 13}})
    c.health_rates("gpu.health@dgxa-06/gpu4", xid_last=13)
    c.inventory("gpu.inventory@dgxa-08/gpu0", count=7, details={"driver": "535.183.01", "cuda": "12.2"})
    return c


@case
def w028():
    """Xid 95 (uncontained ECC) with Xid 154 'node reboot required': every process on that GPU dies; the
    peers report NCCL errors first in the aggregated log."""
    hosts = ["h200-q%d" % i for i in (1, 2)]
    c = ck.Case("case-w028", "gpu_memory_uncorrectable_ecc", "h200-q2/gpu4", hosts, gpu=H200)
    c.alert("TrainingJobFailed", "qwen-72b-dpo: 16 ranks failed (ncclSystemError/ncclRemoteError)",
            job="qwen-72b-dpo", node="h200-q1")
    t = -80
    agg = []
    for r in (0, 3, 7, 9):
        agg.append("%d: [rank%d]: torch.distributed.DistBackendError: NCCL error in: ../torch/csrc/distributed/c10d/ProcessGroupNCCL.cpp:2006, remote process exited or there was a network error, NCCL version 2.21.5" % (r, r))
        agg.append("%d: [rank%d]: ncclRemoteError: A call failed possibly due to a network error or a remote process exiting prematurely." % (r, r))
    agg.insert(2, "12: [rank12]: RuntimeError: CUDA error: uncorrectable ECC error encountered")
    agg = ck.deepspeed_steps(c, -200, 24, 410, step_s=5.0) + agg
    c.log("h200-q1/slurm-3312.out", agg)
    k = ck.kernel_noise(c, "h200-q2", 6, fmt="dmesg") + [
        xid(c, t, c.bus(4) + ":0", 95, "Uncontained: FBHUB. RST: Yes, D-RST: No"),
        "%s NVRM: Xid (PCI:%s:0): 154, GPU recovery action changed from 0x0 (None) to 0x2 (Node Reboot Required)" % (c.dmesg(t + 0.01), c.bus(4)),
    ]
    c.log("h200-q2/dmesg", k)
    dcgm(c, "h200-q2", ("dbe", "xid", "util"), over={"dbe": {4: after(t, lambda s, v: 4)},
                                                    "xid": {4: after(t, lambda s, v: 95)},
                                                    "util": {g: after(t, lambda s, v: 0) for g in range(8)}})
    c.health_rates("gpu.health@h200-q2/gpu4", ecc_dbe_volatile=4, ecc_dbe_aggregate=4, xid_last=95)
    c.errored("nccl.allreduce@h200-q2", "ncclCommInitRank failed: unhandled cuda error (GPU 4 requires reset)", 12.0)
    return c


@case
def w029():
    """A row remap pending since an earlier Xid 63 and no reset: the GPU keeps raising corrected errors and the
    job on it fails validation; only gpu.health shows the pending remap."""
    hosts = ["p4d-%02d" % i for i in (41, 42)]
    c = ck.Case("case-w029", "gpu_row_remap_failure", "p4d-42/gpu3", hosts, gpu=A100)
    c.alert("DCGMHealthWarning", "dcgm health watch: p4d-42 memory subsystem warning", node="p4d-42",
            job="dcgm-health")
    lines = ck.kernel_noise(c, "p4d-42", 10) + host_lines(c, "p4d-42", [
        (-1180, "nv-hostengine[1770]: Health: GPU 3: WARNING: memory: pending page retirements or row remaps"),
        (-580, "nv-hostengine[1770]: Health: GPU 3: WARNING: memory: pending page retirements or row remaps"),
        (-20, "nv-hostengine[1770]: Health: GPU 3: WARNING: memory: pending page retirements or row remaps"),
    ])
    c.log("p4d-42/journal", lines)
    d = ["+---------------------------+------------------------------------------------+",
         "| Health Monitor Report                                                      |",
         "+===========================+================================================+",
         "| Overall Health            | Warning                                        |",
         "| GPU ID: 3                 | Warning                                        |",
         "|     Memory                | Warning                                        |",
         "|                           | A pending remapped row was found on GPU 3.     |",
         "|                           | Drain the GPU and reset it or reboot the node. |",
         "+---------------------------+------------------------------------------------+"]
    c.log("p4d-42/dcgmi-health", d)
    tr = ck.plain_steps(c, -700, 12, 70, step_s=1.3) + [
        "%s | WARNING | train | step 82: CUDA memory check on device 3 reported 2 corrected errors since start" % c.ymd(-300)]
    c.log("p4d-42/rank3/train.log", tr)
    dcgm(c, "p4d-42", ("sbe", "dbe", "remapfail"), over={"sbe": {3: lambda s, v: 2 if s > -300 else 0}})
    c.health_rates("gpu.health@p4d-42/gpu3", remap_pending=1, remapped_rows_correctable=1, ecc_sbe_volatile=2)
    c.health_rates("gpu.health@p4d-42/gpu2")
    c.hbm("gpu.hbm_bandwidth@p4d-42/gpu3")
    return c


@case
def w030():
    """Xid 120 (GSP task error) on one GPU; nvidia-smi then hangs and the Kubernetes pod sticks in Terminating."""
    hosts = ["gke-a3u-%d" % i for i in (201, 202, 203)]
    c = ck.Case("case-w030", "gpu_firmware_error", "gke-a3u-203/gpu7", hosts, gpu=H200)
    c.alert("KubePodNotReady", "pod rl-ppo-actor-2 Terminating for 12m", node="gke-a3u-203",
            job="rl-ppo", namespace="rl")
    t = -900
    k = ck.kernel_noise(c, "gke-a3u-203", 8, fmt="dmesg") + [
        xid(c, t, c.bus(7) + ":0", 120, "GSP task exception: GSP Error: Task 1 raised error code 0x5 for reason 0xe at 0x1c (0 more errors skipped)", name="python3"),
        "%s NVRM: GPU%d GSP crashed: Inst addr: 0x1c, LR: 0x3a1d4" % (c.dmesg(t + 0.01), 7),
        "%s NVRM: nvAssertOkFailedNoLog: Assertion failed: GPU lost from the bus [NV_ERR_GPU_IN_FULLCHIP_RESET] (0x00000123) returned from pRmApi->Control" % c.dmesg(t + 1.3),
        "%s INFO: task nvidia-smi:41211 blocked for more than 122 seconds." % c.dmesg(t + 130),
        "%s       Tainted: P           OE      6.1.85+ #1" % c.dmesg(t + 130),
        "%s \"echo 0 > /proc/sys/kernel/hung_task_timeout_secs\" disables this message." % c.dmesg(t + 130),
    ]
    c.log("gke-a3u-203/dmesg", k)
    ev = ["%s Normal   Killing   pod/rl-ppo-actor-2  Stopping container actor" % c.iso(-720),
          "%s Warning  FailedKillPod pod/rl-ppo-actor-2  error killing pod: failed to \"KillContainer\" for \"actor\" with KillContainerError: \"rpc error: code = DeadlineExceeded desc = context deadline exceeded\"" % c.iso(-600),
          "%s Warning  Unhealthy pod/nvidia-dcgm-exporter-7xq2p  Liveness probe failed: timeout" % c.iso(-560),
          "%s Warning  GPUUnhealthy node/gke-a3u-203  condition GPUHealthy=False reason=XidCriticalError message=\"Xid 120 on GPU 7\"" % c.iso(-500)]
    ev += ["%s Normal   Started   pod/rl-ppo-actor-%d  Started container actor" % (c.iso(-1500 + i), i) for i in range(3)]
    ev += ["%s Normal   Pulled    pod/rl-ppo-learner-0  Container image \"us-docker.pkg.dev/rl/ppo:2.3\" already present on machine" % c.iso(-1510)]
    c.log("scheduler/events", ev)
    dcgm(c, "gke-a3u-203", ("util", "xid", "temp"), over={"util": {7: gone(t + 60)}, "temp": {7: gone(t + 60)},
                                                          "xid": {7: lambda s, v: None if s >= t + 60 else (120 if s >= t else 0)}})
    c.errored("gpu.health@gke-a3u-203/gpu7", "probe timed out after 60 s (nvmlDeviceGetClockInfo did not return)", 60.0)
    c.health_rates("gpu.health@gke-a3u-203/gpu6")
    return c


@case
def w031():
    """Slowdown with no Xid: one GPU's NVLink CRC error rate is thousands per second; every GPU has large
    cumulative CRC counters, so only the rates (gpu.health) and the p2p matrix tell which one."""
    hosts = ["hgx-m%02d" % i for i in (1, 2)]
    c = ck.Case("case-w031", "nvlink_error", "hgx-m02/gpu3", hosts, gpu=H100)
    c.alert("StepTimeRegression", "tp8 pretraining: step time 11.8 s vs 7.9 s", job="tp8-pt-30b", node="hgx-m01")
    it = ck.megatron_iters(c, -1100, 45, 120002, step_s=7.9,
                           step_fn=lambda i: (7.9 if i < 10 else 11.8) * c.rng.uniform(0.99, 1.01))
    it = ck.insert_at(it, 0.7, ["(min, max) time across ranks (ms):",
                                "    forward-backward ...............................: (11102.4, 11290.9)",
                                "    tp-allreduce (intra-node) ......................: (3620.1, 3911.7)"])
    c.log("hgx-m01/rank0/stdout", it)
    c.gpu_metric("DCGM_FI_DEV_NVLINK_CRC_FLIT_ERROR_COUNT_TOTAL", "hgx-m02", 40000, 6, counter=True, decimals=0,
                 over={3: lambda s, v: 180000 + (s + 1200) * 3100 if s > -1050 else 180000})
    dcgm(c, "hgx-m02", ("util", "nvlbw"), over={"nvlbw": {g: lambda s, v: v * 0.62 for g in range(8)}})
    c.log("hgx-m02/journal", ck.kernel_noise(c, "hgx-m02", 22))
    c.health_rates("gpu.health@hgx-m02/gpu3", nvlink_crc_errors=3651211, nvlink_crc_errors_per_s=3094.0,
                   nvlink_replay_errors=41022, nvlink_replay_errors_per_s=311.0)
    c.health_rates("gpu.health@hgx-m02/gpu2", nvlink_crc_errors=812993)
    c.nccl("nccl.p2p_matrix@hgx-m02", busbw=41.0, details={"slowest_pair": "gpu3<->gpu5", "pairs_below_min": 7})
    c.nccl("nccl.allreduce@hgx-m01")
    return c


@case
def w032():
    """Chassis fan failure: every GPU of one node heats up and sets SW thermal slowdown; component is the node."""
    hosts = ["r760xa-%d" % i for i in (3, 4, 5, 6)]
    c = ck.Case("case-w032", "gpu_thermal_throttle", "r760xa-5", hosts, gpu=H100, pci=ck.PCI_BUS_B)
    c.alert("GPUTemperatureHigh", "r760xa-5: 8 GPUs above 85C", node="r760xa-5", job="sd3-finetune")
    t = -800
    dcgm(c, "r760xa-5", ("temp", "clock", "reasons"), over={
        "temp": {g: after(t, lambda s, v: min(91, 60 + (s - t) * 0.08) + c.rng.uniform(-1, 1)) for g in range(8)},
        "clock": {g: after(t + 350, lambda s, v: 1410 + c.rng.uniform(-90, 90)) for g in range(8)},
        "reasons": {g: after(t + 350, lambda s, v: ck.CLK_SW_THERMAL) for g in range(8)}})
    c.log("r760xa-5/idrac-sel", [
        "%s | SYS1: Fan 5A RPM is less than the lower critical threshold. | Critical" % c.ymd(t - 10),
        "%s | SYS1: Fan 5B RPM is less than the lower critical threshold. | Critical" % c.ymd(t - 9),
        "%s | TMP0118: The system inlet temperature is within range. | Ok" % c.ymd(t + 60),
        "%s | SYS1003: System CPU Resetting. | Info" % c.ymd(-80000 + 400),
    ] + ck.kernel_noise(c, "r760xa-5", 18))
    c.log("r760xa-3/rank0/train.log", ck.plain_steps(c, -1100, 6, 5010, step_s=1.6))
    c.health_rates("gpu.health@r760xa-5/gpu2", temperature_c=89, sm_clock_mhz=1395,
                   clock_event_reasons=ck.CLK_SW_THERMAL)
    c.health_rates("gpu.health@r760xa-5/gpu6", temperature_c=90, sm_clock_mhz=1380,
                   clock_event_reasons=ck.CLK_SW_THERMAL)
    return c


@case
def w033():
    """A benchmarking script left `nvidia-smi -pl 450` on all GPUs of one node; SW power cap holds clocks."""
    hosts = ["cn-h%03d" % i for i in (10, 11, 12, 13)]
    c = ck.Case("case-w033", "gpu_power_throttle", "cn-h012", hosts, gpu=H200)
    c.alert("StragglerDetected", "ranks 16-23 (cn-h012) 30% slower than peers", node="cn-h012", job="llama-400b-cpt")
    t = -1500
    dcgm(c, "cn-h012", ("power", "powerlimit", "clock", "reasons"), over={
        "power": {g: lambda s, v: 449 + c.rng.uniform(-3, 1) for g in range(8)},
        "powerlimit": {g: lambda s, v: 450 for g in range(8)},
        "clock": {g: lambda s, v: 1515 + c.rng.uniform(-80, 80) for g in range(8)},
        "reasons": {g: lambda s, v: ck.CLK_SW_POWER_CAP for g in range(8)}})
    c.log("cn-h012/journal", ck.kernel_noise(c, "cn-h012", 14) + host_lines(c, "cn-h012", [
        (t + 10, "sudo[33120]:    bench : TTY=pts/2 ; PWD=/home/bench ; USER=root ; COMMAND=/usr/bin/nvidia-smi -pl 450"),
        (t + 11, "nvidia-smi[33121]: Power limit for GPU 00000000:%s:00.0 was set to 450.00 W from 700.00 W." % c.pci[0].upper()),
        (t + 11, "nvidia-smi[33121]: All done."),
    ]))
    it = ck.megatron_iters(c, -1100, 20, 3012, step_s=8.6)
    c.log("cn-h010/rank0/stdout", it)
    c.health_rates("gpu.health@cn-h012/gpu0", power_limit_w=450, power_w=449, sm_clock_mhz=1510,
                   clock_event_reasons=ck.CLK_SW_POWER_CAP)
    return c


@case
def w034():
    """PCIe AER corrected-error storm on one GPU's link: replay counter climbs; host-device copies on it crawl."""
    hosts = ["gpu-x%02d" % i for i in (61, 62)]
    c = ck.Case("case-w034", "pcie_link_degraded", "gpu-x62/gpu1", hosts, gpu=H100)
    c.alert("DCGMPcieReplayHigh", "gpu-x62 gpu1 PCIe replay counter +14k in 15 min", node="gpu-x62", job="infer-batch")
    t = -900
    port = "%02x" % (int(c.pci[1], 16) - 2)
    k = ck.kernel_noise(c, "gpu-x62", 6, fmt="dmesg")
    for i in range(5):
        s = t + i * 170
        k += ["%s pcieport 0000:%s:00.0: AER: Corrected error received: 0000:%s:00.0" % (c.dmesg(s), port, c.pci[1]),
              "%s nvidia 0000:%s:00.0: PCIe Bus Error: severity=Corrected, type=Data Link Layer, (Transmitter ID)" % (c.dmesg(s), c.pci[1]),
              "%s nvidia 0000:%s:00.0:   device [10de:2330] error status/mask=00001000/0000e000" % (c.dmesg(s), c.pci[1]),
              "%s nvidia 0000:%s:00.0:    [12] Timeout" % (c.dmesg(s), c.pci[1])]
    c.log("gpu-x62/dmesg", k)
    dcgm(c, "gpu-x62", ("replay", "pcierx"), over={
        "replay": {1: after(t, lambda s, v: 3 + (s - t) * 15.5)},
        "pcierx": {1: after(t, lambda s, v: v * 0.3)}})
    c.health_rates("gpu.health@gpu-x62/gpu1", pcie_replay_count=14022, pcie_replay_per_s=16.0)
    c.pcie("gpu.pcie_bandwidth@gpu-x62/gpu1", h2d=17.9, d2h=21.2)
    return c


@case
def w035():
    """A loss spike that looks like divergence; the in-house gradient checksum names a TP group and gpu.sdc
    finds the GPU that disagrees."""
    hosts = ["ai-r%02d" % i for i in (10, 11, 12, 13)]
    c = ck.Case("case-w035", "gpu_silent_data_corruption", "ai-r12/gpu2", hosts, gpu=H200)
    c.alert("TrainingLossSpike", "llama-3-8b-ablation: lm loss 6.2 vs trend 2.2", job="l3-8b-abl", node="ai-r10")
    it = ck.megatron_iters(c, -253, 36, 44800, step_s=4.8,
                           loss_fn=lambda i: 2.2 - 0.001 * i if i < 30 else [6.2, 4.9, 3.7, 3.1, 2.9, 2.8][i - 30],
                           grad_fn=lambda i: 0.3 if i < 30 else 2.4)
    it += ["[%s] WARNING grad-checksum: tp group 2 (ranks 16-23) all-reduce inputs disagree at step 44828: 1 of 8 ranks differs; rerunning step" % c.ymd(-80),
           "[%s] WARNING grad-checksum: rerun of step 44828 differs again (rank 18); continuing" % c.ymd(-70)]
    c.log("ai-r10/rank0/stdout", it)
    dcgm(c, "ai-r12", ("util", "temp"))
    c.health_rates("gpu.health@ai-r12/gpu2")
    c.sdc("gpu.sdc@ai-r12", mismatched=96, bad_gpu="gpu2")
    c.sdc("gpu.sdc@ai-r10")
    return c


@case
def w036():
    """RoCE NIC on one node: symbol errors and link-downed counter climb on mlx5_5 only; ranks on that node
    get IBV_WC_RETRY_EXC_ERR; nccl.sendrecv from that node is slow."""
    hosts = ["roce-%02d" % i for i in (1, 2, 3, 4)]
    c = ck.Case("case-w036", "ib_link_failure", "roce-03/mlx5_5", hosts, gpu=H200)
    c.alert("NCCLErrors", "RoCE job llm-ft-2: NCCL WARN rate 40/min", job="llm-ft-2", node="roce-03")
    t = -500
    r = ["roce-03:41210:41622 [5] transport/net_ib.cc:1395 NCCL WARN NET/IB : Got completion from peer 172.16.2.%d<0> with error 12, opcode 1, len 0, vendor err 129 (Send) localGid fe80::a288:c2ff:fe3d:1e05 remoteGids fe80::a288:c2ff:fe3d:%x" % (
        10 + i, 0x2e00 + i) for i in range(3)]
    r += ["roce-03:41210:41622 [5] NCCL INFO transport/net.cc:1125 -> 6",
          "[rank21]:[E%s ProcessGroupNCCL.cpp:1515] [PG 0 Rank 21] Process group watchdog thread terminated with exception: NCCL error: remote process exited or there was a network error, NCCL version 2.19.3" % c.glog(-30)[1:]]
    r = ck.deepspeed_steps(c, -100, 20, 777, rank=21, step_s=3.1) + r
    c.log("roce-03/rank21/stderr", r)
    eth = ["NIC statistics (mlx5_5 / enp197s0f0np0):",
           "     rx_symbol_err_phy: 918822",
           "     rx_corrected_bits_phy: 55102331",
           "     rx_pcs_symbol_err_phy: 918822",
           "     link_down_events_phy: 6",
           "     rx_discards_phy: 0",
           "     tx_pause_ctrl_phy: 0"]
    c.log("roce-03/ethtool-S", eth)
    for d in range(8):
        bad = d == 5
        c.node_metric("node_infiniband_link_downed_total", {"instance": "roce-03", "device": "mlx5_%d" % d, "port": "1"},
                      lambda s, bad=bad: (min(6, max(0, (s - t) // 90)) if bad else 0), 0)
    c.nccl("nccl.sendrecv@roce-03", busbw=9.5, minimum=40.0)
    c.nccl("nccl.allreduce@roce-03")
    return c


@case
def w037():
    """NCCL_IB_HCA names devices that do not exist on new nodes; NCCL silently uses NET/Socket; job 8x slower."""
    hosts = ["newgen-%02d" % i for i in (1, 2, 3, 4)]
    c = ck.Case("case-w037", "nccl_network_misconfig", "job", hosts, gpu=H200)
    c.alert("StepTimeRegression", "job moe-pt-a: 8.4x slower after migration to newgen partition",
            job="moe-pt-a", node="newgen-01")
    init = ["newgen-01:51021:51021 [0] NCCL INFO NCCL_IB_HCA set to mlx5_0,mlx5_1,mlx5_2,mlx5_3,mlx5_4,mlx5_5,mlx5_6,mlx5_7",
            "newgen-01:51021:51021 [0] NCCL INFO NCCL version 2.23.4+cuda12.6",
            "newgen-01:51021:51021 [0] NCCL INFO NET/IB : No device found.",
            "newgen-01:51021:51021 [0] NCCL INFO NET/Socket : Using [0]bond0:10.30.1.1<0>",
            "newgen-01:51021:51021 [0] NCCL INFO Using network Socket",
            "newgen-01:51021:51110 [0] NCCL INFO Channel 00/0 : 24[0] -> 0[0] [receive] via NET/Socket/0",
            "newgen-01:51021:51110 [0] NCCL INFO Channel 01/0 : 24[0] -> 0[0] [receive] via NET/Socket/0",
            "newgen-01:51021:51110 [0] NCCL INFO Connected all rings",
            "newgen-01:51021:51110 [0] NCCL INFO comm 0x55d1c0 rank 0 nranks 32 cudaDev 0 nvmlDev 0 busId 18000 commId 0x7a1c - Init COMPLETE"]
    it = init + ck.megatron_iters(c, -900, 20, 10, step_s=37.0)
    c.log("newgen-01/rank0/stdout", it)
    c.log("newgen-01/ibdev2netdev", ["mlx5_ib0 port 1 ==> ibp24s0 (Up)", "mlx5_ib1 port 1 ==> ibp41s0 (Up)",
                                     "mlx5_ib2 port 1 ==> ibp64s0 (Up)", "mlx5_ib3 port 1 ==> ibp79s0 (Up)",
                                     "mlx5_eth0 port 1 ==> bond0 (Up)"])
    c.nccl("nccl.allreduce@job", busbw=2.6)
    c.nccl("nccl.allreduce@newgen-02")
    c.health_rates("gpu.health@newgen-01/gpu0")
    return c


@case
def w038():
    """TORCH_DISTRIBUTED_DEBUG=DETAIL desync report: rank 45 runs a broadcast while everybody else is in the
    all-reduce; everybody times out, the odd rank is the stuck one."""
    hosts = ["tt-%03d" % i for i in range(401, 409)]
    c = ck.Case("case-w038", "nccl_collective_hang", "tt-406/gpu5", hosts, gpu=H100)
    c.alert("NCCLWatchdogTimeout", "torchtitan-8b-rl: 63 ranks watchdog timeout (1800 s)", job="tt-8b-rl", node="tt-401")
    t = -1810
    r0 = ck.fsdp_steps(c, -1190, 2, 22, rank=0, step_s=0.9) + ck.app_noise(c, 3) + ck.watchdog(c, 0, -10, 5211, op="ALLREDUCE", numel=1, timeout_ms=1800000)
    r0 += ["[rank0]:[E%s ProcessGroupNCCL.cpp:1340] [PG 0 Rank 0] Collectives differ in the following aspects: 	 Op type: ALLREDUCEvs BROADCAST" % c.glog(-9)[1:],
           "[rank0]: RuntimeError: Detected mismatch between collectives on ranks. Rank 0 is running collective: CollectiveFingerPrint(SequenceNumber=5211, OpType=ALLREDUCE, TensorShape=[1], TensorDtypes=Float, TensorDeviceTypes=TensorOptions(dtype=float (default), device=cuda)), but Rank 45 is running collective: CollectiveFingerPrint(SequenceNumber=5211, OpType=BROADCAST, TensorShape=[151936, 4096], TensorDtypes=BFloat16)."]
    c.log("tt-401/rank0/stderr", r0)
    r45 = ["[rank45]:[titan] %s - root - INFO - reward model refresh requested at step 23 (rank-local trigger)" % c.ymd_ms(t + 2),
           "[rank45]:[titan] %s - root - INFO - broadcasting refreshed policy weights from rank 45" % c.ymd_ms(t + 3)]
    r45 += ["[rank45]:[E%s ProcessGroupNCCL.cpp:1340] [PG 0 Rank 45] Collectives differ in the following aspects: 	 Op type: BROADCASTvs ALLREDUCE" % c.glog(-8)[1:]]
    c.log("tt-406/rank45/stderr", r45)
    c.log("tt-403/rank17/stderr", ck.fsdp_steps(c, -1190, 2, 22, rank=17, step_s=0.9) +
          ck.watchdog(c, 17, -9.5, 5211, op="ALLREDUCE", numel=1, timeout_ms=1800000) + ck.app_noise(c, 2))
    dcgm(c, "tt-406", ("util",), over={"util": {g: after(t, lambda s, v: 100) for g in range(8)}})
    c.health_rates("gpu.health@tt-406/gpu5")
    return c


@case
def w039():
    """glibc abort (double free) in one DeepSpeed rank; the others fail on the broken TCP store / NCCL connection."""
    hosts = ["ds-c%d" % i for i in (1, 2)]
    c = ck.Case("case-w039", "rank_process_crash", "ds-c2/gpu3", hosts, gpu=A100)
    c.alert("TrainingJobFailed", "ds-t5-11b exited; launcher reports 'exits with return code = -6' on ds-c2",
            job="ds-t5-11b", node="ds-c1")
    t = -60
    ds = ck.deepspeed_steps(c, -180, 30, 1900, step_s=4.0)
    ds += ["[rank2]:[W%s socket.cpp:464] [c10d] The server socket has failed to listen on any local network address. Connection reset by peer" % c.glog(t + 3)[1:],
           "[rank2]: torch.distributed.DistStoreError: Failed to recv, got 0 bytes. Connection was likely closed. Did the remote server shutdown or crash?",
           "[%s] [INFO] [launch.py:351:main] Process 55012 exits successfully." % c.ymd_ms(t + 10)]
    c.log("ds-c1/deepspeed.log", ds)
    c2 = ["free(): double free detected in tcache 2",
          "[%s] [ERROR] [launch.py:325:sigkill_handler] ['/usr/bin/python', '-u', 'train_t5.py', '--local_rank=3', '--deepspeed_config=ds_z2.json'] exits with return code = -6" % c.ymd_ms(t + 1),
          "[%s] [INFO] [launch.py:316:sigkill_handler] Killing subprocess 71230" % c.ymd_ms(t + 1),
          "[%s] [INFO] [launch.py:316:sigkill_handler] Killing subprocess 71231" % c.ymd_ms(t + 1)]
    c.log("ds-c2/deepspeed.log", ck.deepspeed_steps(c, -84, 6, 1900, rank=11, step_s=4.0) + c2)
    c.log("ds-c2/journal", ck.kernel_noise(c, "ds-c2", 6) + host_lines(c, "ds-c2", [
        (t, "systemd-coredump[71901]: Process 71233 (python) of user 1005 dumped core."),
        (t, "systemd-coredump[71901]: #0  0x00007f9c1a89e9fc __pthread_kill_implementation (libc.so.6 + 0x969fc)"),
        (t, "systemd-coredump[71901]: #3  0x00007f9c1a8307f3 abort (libc.so.6 + 0x287f3)"),
        (t, "systemd-coredump[71901]: #6  0x00007f9c1a8a8453 _int_free (libc.so.6 + 0xa0453)"),
        (t, "systemd-coredump[71901]: #8  0x00007f9b8c2210e1 _ZN9sentencepiece13ModelInterfaceD0Ev (_sentencepiece.so + 0x410e1)")]))
    c.health_rates("gpu.health@ds-c2/gpu3")
    return c


@case
def w040():
    """CUDA OOM (pre-2.1 wording) on one rank because a zombie process of a previous job still holds 31 GiB on
    that GPU; the other ranks report the watchdog timeout."""
    hosts = ["sm-a%02d" % i for i in (1, 2)]
    c = ck.Case("case-w040", "cuda_oom", "sm-a02/gpu3", hosts, gpu=H100)
    c.alert("NCCLWatchdogTimeout", "vicuna-ft: 15 ranks timed out; 1 rank RuntimeError", job="vicuna-ft", node="sm-a01")
    t = -610
    r0 = ck.plain_steps(c, -650, 10, 1, step_s=3.0) + wd_short(c, 0, t + 600, 14, op="ALLREDUCE", numel=262144000)
    c.log("sm-a01/rank0/stderr", r0)
    r11 = ["Traceback (most recent call last):",
           '  File "/home/u/FastChat/fastchat/train/train.py", line 301, in <module>',
           "    train()",
           "RuntimeError: CUDA out of memory. Tried to allocate 1.96 GiB (GPU 3; 79.11 GiB total capacity; 45.80 GiB already allocated; 1.41 GiB free; 46.02 GiB reserved in total by PyTorch) If reserved memory is >> allocated memory try setting max_split_size_mb to avoid fragmentation.  See documentation for Memory Management and PYTORCH_CUDA_ALLOC_CONF"]
    c.log("sm-a02/rank11/stderr", ck.app_noise(c, 4) + r11)
    smi = ["+-----------------------------------------------------------------------------------------+",
           "| Processes:                                                                              |",
           "|  GPU   GI   CI        PID   Type   Process name                              GPU Memory |",
           "|=========================================================================================|",
           "|    2   N/A  N/A     88120      C   python                                      46020MiB |",
           "|    3   N/A  N/A     41877      C   /usr/bin/python3 (job 90112, ended)         31544MiB |",
           "|    3   N/A  N/A     88121      C   python                                      46210MiB |",
           "|    4   N/A  N/A     88122      C   python                                      46011MiB |",
           "+-----------------------------------------------------------------------------------------+"]
    c.log("sm-a02/nvidia-smi", smi)
    dcgm(c, "sm-a02", ("fb",), over={"fb": {g: (lambda s, v, g=g: (78100 if g == 3 else 47100) + c.rng.uniform(-200, 200)) for g in range(8)}})
    return c


@case
def w041():
    """Illegal memory access from a custom Triton kernel (Xid 31 MMU fault as well); GPU health and GEMM pass."""
    hosts = ["gh-%02d" % i for i in (14, 15)]
    c = ck.Case("case-w041", "illegal_memory_access", "gh-15/gpu0", hosts, gpu=H200)
    c.alert("TrainingJobFailed", "longctx-rope-128k: rank 8 CUDA error, job cancelled", job="longctx-128k", node="gh-15")
    t = -100
    r8 = ck.fsdp_steps(c, -265, 15, 300, rank=8, step_s=11.0) + [
        "[rank8]: Traceback (most recent call last):",
        '[rank8]:   File "/src/kernels/ring_attn.py", line 212, in forward',
        "[rank8]:     _ring_fwd_kernel[grid](q, k, v, o, lse, seqlen, BLOCK_M=128, BLOCK_N=64)",
        "[rank8]: RuntimeError: Triton Error [CUDA]: an illegal memory access was encountered",
        "[rank8]: terminate called after throwing an instance of 'c10::Error'",
        "[rank8]:   what():  CUDA error: an illegal memory access was encountered",
        "[rank8]: Exception raised from c10_cuda_check_implementation at ../c10/cuda/CUDAException.cpp:43 (most recent call first):"]
    c.log("gh-15/rank8/stderr", r8)
    c.log("gh-15/dmesg", ck.kernel_noise(c, "gh-15", 6, fmt="dmesg") + [
        xid(c, t, c.bus(0) + ":0", 31, "channel 0x00000009, intr 00000000. MMU Fault: ENGINE GRAPHICS GPCCLIENT_T1_2 faulted @ 0x7f1b_c4a00000. Fault is of type FAULT_PDE ACCESS_TYPE_VIRT_READ", name="pt_main_thread")])
    c.log("gh-14/rank0/stderr", ck.fsdp_steps(c, -500, 6, 300, rank=0, step_s=11.0) + [
        "INFO: seq_len=131072 cp_degree=8 (ring attention, custom kernel v0.3.1-dev)"])
    c.health_rates("gpu.health@gh-15/gpu0", xid_last=31)
    c.gemm("gpu.gemm@gh-15/gpu0")
    c.hbm("gpu.hbm_bandwidth@gh-15/gpu0")
    return c


@case
def w042():
    """Kubernetes memory-cgroup OOM: the container's RAM limit is hit by pinned buffers; pod OOMKilled (137)."""
    hosts = ["aks-nd96-%d" % i for i in (0, 1)]
    c = ck.Case("case-w042", "host_oom", "aks-nd96-1", hosts, gpu=A100)
    c.alert("KubePodOOMKilled", "pod whisper-ft-worker-1 OOMKilled (exit 137)", node="aks-nd96-1",
            job="whisper-ft", namespace="speech")
    t = -200
    k = ck.kernel_noise(c, "aks-nd96-1", 8, fmt="dmesg") + [
        "%s pt_main_thread invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, oom_score_adj=936" % c.dmesg(t),
        "%s memory: usage 629145600kB, limit 629145600kB, failcnt 211" % c.dmesg(t),
        "%s oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=cri-containerd-8d1f.scope,mems_allowed=0-1,oom_memcg=/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod1c2a.slice,task=pt_main_thread,pid=19921,uid=0" % c.dmesg(t),
        "%s Memory cgroup out of memory: Killed process 19921 (pt_main_thread) total-vm:301224412kB, anon-rss:118812212kB, file-rss:412100kB, shmem-rss:0kB, UID:0 pgtables:241022kB oom_score_adj:936" % c.dmesg(t),
    ]
    c.log("aks-nd96-1/dmesg", k)
    c.log("scheduler/events", [
        "%s Warning  OOMKilling  node/aks-nd96-1  Memory cgroup out of memory: Killed process 19921 (pt_main_thread)" % c.iso(t + 1),
        "%s Normal   Killing     pod/whisper-ft-worker-1  Container pytorch terminated: reason OOMKilled, exitCode 137" % c.iso(t + 2),
        "%s Warning  BackOff     pod/whisper-ft-worker-1  Back-off restarting failed container pytorch" % c.iso(t + 40)])
    w0 = ck.plain_steps(c, -222, 10, 9000, step_s=2.2) + [
        "[W%s socket.cpp:428] [c10d] While waitForInput, poll(...) failed: Connection reset by peer" % c.glog(t + 5)[1:],
        "RuntimeError: [../third_party/gloo/gloo/transport/tcp/pair.cc:534] Connection closed by peer [10.244.1.7]:29500"]
    c.log("aks-nd96-0/pod/whisper-ft-worker-0/pytorch", w0)
    c.node_metric("container_memory_working_set_bytes", {"pod": "whisper-ft-worker-1", "node": "aks-nd96-1"},
                  lambda s: min(6.44e11, 4.1e11 + (s + 1200) * 2.4e8) if s < t + 5 else 1.1e9, 0)
    return c


@case
def w043():
    """bf16 run (no loss scale) diverges: loss spikes, grad norm explodes, NaN; a node was swapped in an hour
    earlier (a red herring) but gpu.sdc and health on it pass."""
    hosts = ["hpc-n%03d" % i for i in (31, 32, 77, 34)]
    c = ck.Case("case-w043", "loss_divergence", "job", hosts, gpu=H100)
    c.alert("TrainingLossNaN", "mpt-30b-cont: loss NaN (after restart on hpc-n077)", job="mpt-30b-cont", node="hpc-n031")
    loss = [2.01, 2.02, 2.4, 3.9, 7.7, 11.2, 10.8, float("nan"), float("nan")]
    lines = ck.plain_steps(c, -130, 30, 6600, step_s=4.2,
                           loss_fn=lambda i: loss[i - 21] if i >= 21 else 2.0 + c.rng.uniform(-0.02, 0.02),
                           extra=" | bf16")
    lines += ["%s | WARNING | train | grad_norm 1.2e+04 at step 6624 (clip 1.0)" % c.ymd(-80),
              "%s | ERROR | train | non-finite loss at step 6628, stopping (set --skip_nan to continue)" % c.ymd(-5)]
    lines = ck.insert_at(lines, 0.1, ["%s | INFO | train | resumed from step 6600 on nodes hpc-n[031-032,077,034] (hpc-n033 drained)" % c.ymd(-140)])
    c.log("hpc-n031/rank0/train.log", lines)
    dcgm(c, "hpc-n077", ("util", "dbe", "xid"))
    c.sdc("gpu.sdc@hpc-n077")
    c.health_rates("gpu.health@hpc-n077/gpu0")
    c.health_rates("gpu.health@hpc-n077/gpu5")
    return c


@case
def w044():
    """fairseq fp16: gradient overflow messages until 'Minimum loss scale reached'."""
    hosts = ["fs-g%d" % i for i in (1, 2)]
    c = ck.Case("case-w044", "fp16_loss_scale_collapse", "job", hosts, gpu=A100)
    c.alert("TrainingJobFailed", "wav2vec-large-fp16: FloatingPointError", job="w2v-large", node="fs-g1")
    lines = []
    s = -900
    for i in range(12):
        s += 40
        lines.append("%s | INFO | train_inner | epoch 041:   %d / 2210 loss=%.3f, ppl=%.2f, wps=84012, ups=1.88, wpb=44711, bsz=96, num_updates=%d, lr=4.9e-05, gnorm=%.3f, loss_scale=%d, train_wall=53, gb_free=31.2, wall=%d" % (
            c.ymd(s), 600 + 100 * i, 2.9 - 0.01 * i, 7.4, 90600 + 100 * i, 0.8, 128, 40100 + 40 * i))
    scale = 64.0
    for i in range(16):
        s += 20
        scale /= 2
        lines.append("%s | INFO | fairseq.trainer | NOTE: gradient overflow detected, ignoring gradient, setting loss scale to: %s" % (c.ymd(s), ("%g" % scale)))
    lines += ["Traceback (most recent call last):",
              '  File "/opt/fairseq/fairseq/trainer.py", line 948, in train_step',
              "    self.optimizer.step()",
              "FloatingPointError: Minimum loss scale reached (0.0001). Your loss is probably exploding. Try lowering the learning rate, using gradient clipping or increasing the batch size."]
    c.log("fs-g1/train.log", lines)
    return c


@case
def w045():
    """FP8 delayed scaling: scale factors collapse to ~0 in attention projections, many casts saturate; loss
    flat-lines then jumps (structured JSON metrics from an in-house FP8 monitor)."""
    hosts = ["b-%02d" % i for i in range(1, 9)]
    c = ck.Case("case-w045", "fp8_scaling_overflow", "job", hosts, gpu=H100)
    c.alert("TrainingLossSpike", "fp8-moe-ablation: loss +3.1 in 40 steps", job="fp8-ablation", node="b-01")
    t = -400
    lines = []
    for i in range(16):
        s = -1000 + i * 60
        bad = s >= t
        lines.append('{"ts": "%s", "step": %d, "tag": "fp8_stats", "layer": "layers.%d.self_attention.linear_qkv", "amax_fwd": %s, "scale_fwd": %s, "saturated_frac": %.4f}' % (
            c.iso(s), 15000 + i * 15, 11 + (i % 3), "1.0e+38" if bad else "%.2f" % (61.2 + i), "1.2e-36" if bad else "%.4f" % (448 / (61.2 + i)), 0.41 if bad else 0.0001))
    lines += ['{"ts": "%s", "step": %d, "tag": "train", "loss": %.3f, "grad_norm": %.2f}' % (c.iso(-1000 + 60 * i), 15000 + 15 * i, 2.3 if -1000 + 60 * i < t else 5.4, 0.5 if -1000 + 60 * i < t else 9.8) for i in range(16)]
    lines += ["TransformerEngine: recipe=DelayedScaling(margin=0, interval=1, fp8_format=HYBRID, amax_history_len=16, amax_compute_algo=most_recent)"]
    c.log("b-01/rank0/metrics.jsonl", lines)
    c.sdc("gpu.sdc@b-01")
    return c


@case
def w046():
    """MoE expert collapse that looks like a straggler: the EP ranks hosting the hot experts are slowest, but the
    router stats show the collapse and their GPUs are healthy."""
    hosts = ["mx-%02d" % i for i in (1, 2, 3, 4)]
    c = ck.Case("case-w046", "moe_expert_imbalance", "job", hosts, gpu=H200)
    c.alert("StragglerDetected", "ranks 9 and 26 slowest 50 checks in a row", job="mixtral-8x22-cpt", node="mx-02")
    lines = ck.megatron_iters(c, -1100, 30, 4010, step_s=9.0,
                              step_fn=lambda i: 9.0 * (1 + 0.02 * i) * c.rng.uniform(0.99, 1.01))
    for i in range(8):
        s = -1000 + 130 * i
        lines.append("[%s] moe: layer 12 tokens_per_expert=[%s] capacity=%d dropped=%d load_balancing_loss=%.4f" % (
            c.ymd(s), ", ".join(str(x) for x in ([4096, 4096 + 300 * i, 4096, 4096, 4096 - 40 * i, 4096 + 3000 * i, 4096 - 200 * i, 4096 - 100 * i])),
            5120, max(0, 3000 * i - 1024), 0.0102 + 0.006 * i))
    lines.append("(min, max) time across ranks (ms):")
    lines.append("    moe-alltoall-dispatch ..........................: (310.21, 2980.55)")
    c.log("mx-01/rank0/stdout", lines)
    dcgm(c, "mx-02", ("util", "clock"))
    c.health_rates("gpu.health@mx-02/gpu1")
    c.gemm("gpu.gemm@mx-02/gpu1")
    c.nccl("nccl.alltoall@job")
    return c


@case
def w047():
    """One node's CPU governor is powersave after a BIOS update: its 8 ranks launch kernels late; GPU probes pass."""
    hosts = ["cpu-%02d" % i for i in (21, 22, 23, 24)]
    c = ck.Case("case-w047", "straggler_rank", "cpu-23", hosts, gpu=H100)
    c.alert("StragglerDetected", "ranks 16-23 slowest (host cpu-23), step +24%", job="gpt-neox-20b", node="cpu-23")
    lines = ck.megatron_iters(c, -1100, 30, 200, step_s=4.5)
    lines.append("[%s] | MnRtt/Rnk: 3620.22ms/4 | MxRtt/Rnk: 4489.70ms/19 | MnPwr/Rnk: 380W/19 | MxPwr/Rnk: 640W/2 | MnTmp/Rnk: 44C/18 | MxTmp/Rnk: 63C/2 | MnUtl/Rnk: 61%%/20 | MxUtl/Rnk: 99%%/3 | MnClk/Rnk: 1980MHz/1 | MxClk/Rnk: 1980MHz/0" % c.ymd(-100))
    c.log("cpu-21/rank0/stdout", lines)
    c.log("cpu-23/cpupower", ["analyzing CPU 0:", "  driver: intel_pstate", "  CPUs which run at the same hardware frequency: 0",
                              "  hardware limits: 800 MHz - 3.80 GHz", "  available cpufreq governors: performance powersave",
                              "  current policy: frequency should be within 800 MHz and 3.80 GHz.",
                              "                  The governor \"powersave\" may decide which speed to use", "  current CPU frequency: 801 MHz (asserted by call to kernel)"])
    for h in ("cpu-22", "cpu-23"):
        c.node_metric("node_cpu_scaling_frequency_hertz", {"instance": h, "cpu": "0"},
                      lambda s, h=h: (8.0e8 if h == "cpu-23" else 3.5e9) * c.rng.uniform(0.98, 1.02), 0)
    dcgm(c, "cpu-23", ("util",), over={"util": {g: lambda s, v: 62 + c.rng.uniform(-5, 5) for g in range(8)}})
    c.health_rates("gpu.health@cpu-23/gpu3")
    c.gemm("gpu.gemm@cpu-23/gpu3")
    c.kernel_launch("gpu.kernel_launch@cpu-23/gpu3", us=27.5)
    c.kernel_launch("gpu.kernel_launch@cpu-22/gpu3")
    return c


@case
def w048():
    """Data switched to raw text with on-the-fly tokenization; workers cannot keep up; GPUs idle half the time."""
    hosts = ["lx-%d" % i for i in (1, 2, 3, 4)]
    c = ck.Case("case-w048", "dataloader_stall", "job", hosts, gpu=H200)
    c.alert("ThroughputLow", "tokens/s 41% of last week's run on same config", job="sft-mix-v7", node="lx-1")
    lines = ck.fsdp_steps(c, -1100, 30, 100, step_s=3.9, mfu=18.0)
    for i in range(6):
        lines.append("[rank0]:[titan] %s - root - WARNING - dataloader: waited %.2fs for batch (queue empty, 16 workers busy tokenizing)" % (
            c.ymd_ms(-1000 + 160 * i), 2.1 + c.rng.uniform(-0.3, 0.3)))
    lines.append("[rank0]:[titan] %s - root - INFO - dataset sft-mix-v7: format=jsonl (raw text), tokenizer applied on the fly" % c.ymd_ms(-1150))
    c.log("lx-1/rank0/stdout", lines)
    dcgm(c, "lx-2", ("util", "tensor"), over={"util": {g: lambda s, v: 47 + c.rng.uniform(-20, 20) for g in range(8)},
                                            "tensor": {g: lambda s, v: 0.19 + c.rng.uniform(-0.05, 0.05) for g in range(8)}})
    c.node_metric("node_load1", {"instance": "lx-2"}, lambda s: 130 + c.rng.uniform(-4, 4))
    c.nccl("nccl.allreduce@job")
    c.gemm("gpu.gemm@lx-2/gpu0")
    return c


@case
def w049():
    """Rank 0 blocks in a checkpoint write to an NFS server that stopped answering; all other ranks hit the
    watchdog in the next all-reduce (looks like a collective hang)."""
    hosts = ["nf-%02d" % i for i in (1, 2, 3)]
    c = ck.Case("case-w049", "storage_failure", "job", hosts, gpu=A100)
    c.alert("NCCLWatchdogTimeout", "bert-pt: 23 ranks watchdog timeout at iteration 50000", job="bert-pt", node="nf-01")
    t = -640
    r0 = ck.megatron_iters(c, -930, 25, 49975, step_s=18.0)[:16] + [
        "saving checkpoint at iteration   50000 to /nfs/home/team/ckpt/bert-pt",
    ]
    c.log("nf-01/rank0/stdout", r0)
    c.log("nf-02/rank9/stderr", ck.watchdog(c, 9, t + 603, 150011, numel=335544320))
    c.log("nf-01/journal", ck.kernel_noise(c, "nf-01", 6) + host_lines(c, "nf-01", [
        (t - 5, "kernel: nfs: server fs-nas01 not responding, still trying"),
        (t + 180, "kernel: nfs: server fs-nas01 not responding, still trying"),
        (t + 245, "kernel: INFO: task python:40122 blocked for more than 245 seconds."),
        (t + 245, "kernel: Call Trace:"),
        (t + 245, "kernel:  rpc_wait_bit_killable+0x1e/0xa0 [sunrpc]"),
        (t + 245, "kernel:  nfs_file_write+0x121/0x2c0 [nfs]")]))
    c.health_rates("gpu.health@nf-01/gpu0")
    return c


@case
def w050():
    """A Slurm sbatch missing MASTER_ADDR export (and a node list mismatch): env:// rendezvous fails everywhere."""
    hosts = ["pdx-%02d" % i for i in (1, 2)]
    c = ck.Case("case-w050", "launch_config_error", "job", hosts, gpu=H100)
    c.alert("TrainingJobFailed", "job 4411 phi-ft failed on startup (16 tasks exit 1)", job="phi-ft", node="pdx-01")
    lines = ck.app_noise(c, 6)
    for r in (0, 8):
        lines += ["[rank%d] Traceback (most recent call last):" % r,
                  '[rank%d]   File "/usr/lib/python3/dist-packages/torch/distributed/rendezvous.py", line 237, in _env_rendezvous_handler' % r,
                  "[rank%d]     master_addr = _get_env_or_raise(\"MASTER_ADDR\")" % r,
                  "[rank%d] ValueError: Error initializing torch.distributed using env:// rendezvous: environment variable MASTER_ADDR expected, but not set" % r]
    lines += slurm_tail(c, -3, 4411, "pdx-01")
    c.log("pdx-01/slurm-4411.out", lines)
    c.log("pdx-01/sbatch-script", ["#!/bin/bash", "#SBATCH --nodes=2", "#SBATCH --ntasks-per-node=8", "#SBATCH --gpus-per-node=8",
                                   "export MASTER_PORT=29500", "export WORLD_SIZE=16", "srun python train.py --config phi.yaml"])
    return c


@case
def w051():
    """Straggler GPU shared with a leftover process of another job (MPS off): its rank is slow; gpu.gemm on it
    fails, health passes, its neighbour passes."""
    hosts = ["gx-%02d" % i for i in (4, 5)]
    c = ck.Case("case-w051", "straggler_rank", "gx-05/gpu6", hosts, gpu=H200)
    c.alert("StragglerDetected", "rank 14 forward-backward 1.7x median", job="embed-ft", node="gx-05")
    lines = ck.deepspeed_steps(c, -1100, 30, 3300, step_s=1.9)
    lines.append("[%s] [INFO] [logging.py:96:log_dist] [Rank 0] rank fwd/bwd time (ms): min 1201.5 (rank 3) median 1240.0 max 2102.9 (rank 14)" % c.ymd_ms(-60))
    c.log("gx-04/deepspeed.log", lines)
    dcgm(c, "gx-05", ("util", "fb", "power"), over={"util": {6: lambda s, v: 100},
                                                   "fb": {6: lambda s, v: 132000 + c.rng.uniform(-100, 100)}})
    c.log("gx-05/journal", ck.kernel_noise(c, "gx-05", 16) + host_lines(c, "gx-05", [
        (-800, "slurmd[2201]: error: _rpc_terminate_job: JobId=88002 kill of task 6 timed out, proctrack may have left processes")]))
    c.health_rates("gpu.health@gx-05/gpu6")
    c.gemm("gpu.gemm@gx-05/gpu6", tflops=402.0)
    c.gemm("gpu.gemm@gx-05/gpu5")
    return c


@case
def w052():
    """Only training logs shipped: job-wide 25% slowdown, no errors; health on the suspected node shows one GPU
    in HW thermal slowdown (cold plate), GEMM confirms."""
    hosts = ["lc-%02d" % i for i in (1, 2, 3, 4)]
    c = ck.Case("case-w052", "gpu_thermal_throttle", "lc-03/gpu4", hosts, gpu=H200)
    c.alert("StepTimeRegression", "lc-cluster job nemotron-15b: +25% step time", job="nemotron-15b", node="lc-01")
    lines = ck.megatron_iters(c, -1100, 40, 77000, step_s=4.0,
                              step_fn=lambda i: (4.0 if i < 12 else 5.0) * c.rng.uniform(0.99, 1.01))
    lines.append("[%s] | MnRtt/Rnk: 3990.11ms/0 | MxRtt/Rnk: 4990.20ms/20 | MnPwr/Rnk: 402W/20 | MxPwr/Rnk: 690W/7 | MnTmp/Rnk: 45C/1 | MxTmp/Rnk: 92C/20 | MnUtl/Rnk: 93%%/6 | MxUtl/Rnk: 100%%/20 | MnClk/Rnk: 1020MHz/20 | MxClk/Rnk: 1980MHz/0" % c.ymd(-200))
    c.log("lc-01/rank0/stdout", lines)
    c.health_rates("gpu.health@lc-03/gpu4", temperature_c=92, hbm_temperature_c=88, sm_clock_mhz=1020,
                   clock_event_reasons=ck.CLK_HW_THERMAL | ck.CLK_HW_SLOWDOWN, power_w=402)
    c.health_rates("gpu.health@lc-03/gpu3")
    c.gemm("gpu.gemm@lc-03/gpu4", tflops=395.0)
    c.errored("gpu.health@lc-02/gpu4", "ssh: connect to host lc-02 port 22: Connection timed out", 30.0)
    return c


@case
def w053():
    """Local NVMe cache of one node goes read-only after ext4 errors; its ranks fail writing the dataset cache."""
    hosts = ["ep-%02d" % i for i in (1, 2, 3)]
    c = ck.Case("case-w053", "storage_failure", "ep-02", hosts, gpu=H100)
    c.alert("TrainingJobFailed", "job vision-det-xl: ranks 8-15 OSError", job="vision-det-xl", node="ep-02")
    t = -300
    dm = ck.kernel_noise(c, "ep-02", 6, fmt="dmesg") + [
        "%s nvme nvme0: I/O 811 QID 14 timeout, aborting" % c.dmesg(t - 30),
        "%s blk_update_request: I/O error, dev nvme0n1, sector 1881112064 op 0x1:(WRITE) flags 0x800 phys_seg 32 prio class 0" % c.dmesg(t - 2),
        "%s EXT4-fs error (device nvme0n1p1): ext4_journal_check_start:83: comm python: Detected aborted journal" % c.dmesg(t),
        "%s EXT4-fs (nvme0n1p1): Remounting filesystem read-only" % c.dmesg(t),
    ]
    c.log("ep-02/dmesg", dm)
    tr = ck.plain_steps(c, -345, 16, 1200, step_s=2.7) + [
        "Traceback (most recent call last):",
        '  File "/opt/det/data/cache.py", line 77, in put',
        "    with open(tmp, \"wb\") as f:",
        "OSError: [Errno 30] Read-only file system: '/local_nvme/cache/shard-00412.tmp'"]
    c.log("ep-02/rank8/stderr", tr)
    c.node_metric("node_filesystem_readonly", {"instance": "ep-02", "mountpoint": "/local_nvme", "device": "/dev/nvme0n1p1"},
                  lambda s: 1 if s >= t else 0, 0)
    c.node_metric("node_filesystem_readonly", {"instance": "ep-01", "mountpoint": "/local_nvme", "device": "/dev/nvme0n1p1"},
                  lambda s: 0, 0)
    return c


@case
def w054():
    """Job-wide slowdown; one rank's batch-to-device copy is 9x slower; no DCGM here. The GPU's link retrained
    at Gen1 after a PCIe hot reset: only gpu.health and gpu.pcie_bandwidth show it."""
    hosts = ["dgx%d" % i for i in (117, 118, 119, 120)]
    c = ck.Case("case-w054", "pcie_link_degraded", "dgx119/gpu5", hosts, gpu=H200)
    c.alert("StepTimeRegression", "sam2-pretrain: iteration time +31%", job="sam2-pt", node="dgx117")
    lines = ck.plain_steps(c, -1100, 30, 2100, step_s=1.31)
    for i in range(6):
        lines.append("%s | INFO | timers | step %d h2d_copy_ms: min 11.2 (rank 3) median 12.0 max %.1f (rank 21) | fwd_bwd_ms median 880.4" % (
            c.ymd(-1000 + 150 * i), 2100 + 20 * i, 104.0 + c.rng.uniform(-5, 5)))
    c.log("dgx117/rank0/train.log", lines)
    c.log("dgx119/journal", ck.kernel_noise(c, "dgx119", 12))
    c.health_rates("gpu.health@dgx119/gpu5", pcie_link_gen=1)
    c.health_rates("gpu.health@dgx119/gpu4")
    c.pcie("gpu.pcie_bandwidth@dgx119/gpu5", h2d=3.4, d2h=3.5)
    c.gemm("gpu.gemm@dgx119/gpu5")
    return c


@case
def w055():
    """Straggler detector names the 8 ranks of one node; no BMC log shipped; gpu.health on two of its GPUs
    shows HW power brake (the node's power shelf), GEMM low."""
    hosts = ["hpe-%02d" % i for i in (1, 2, 3, 4)]
    c = ck.Case("case-w055", "gpu_power_throttle", "hpe-04", hosts, gpu=H100)
    c.alert("StragglerDetected", "ranks 24-31 slowest 30 checks in a row", job="falcon-40b-cont", node="hpe-01")
    lines = ck.megatron_iters(c, -1100, 40, 8800, step_s=6.2)
    for i in range(4):
        lines.append("[%s] | MnRtt/Rnk: 4870.50ms/2 | MxRtt/Rnk: 6188.03ms/%d | MnPwr/Rnk: 210W/%d | MxPwr/Rnk: 650W/5 | MnTmp/Rnk: 40C/%d | MxTmp/Rnk: 62C/5 | MnUtl/Rnk: 97%%/1 | MxUtl/Rnk: 100%%/26 | MnClk/Rnk: 705MHz/%d | MxClk/Rnk: 1980MHz/0" % (
            c.ymd(-1000 + 220 * i), 24 + i, 27 + i, 24 + i, 30 - i))
    c.log("hpe-01/rank0/stdout", lines)
    c.health_rates("gpu.health@hpe-04/gpu2", power_w=212, sm_clock_mhz=705,
                   clock_event_reasons=ck.CLK_HW_SLOWDOWN | ck.CLK_HW_POWER_BRAKE)
    c.health_rates("gpu.health@hpe-04/gpu6", power_w=205, sm_clock_mhz=690,
                   clock_event_reasons=ck.CLK_HW_SLOWDOWN | ck.CLK_HW_POWER_BRAKE)
    c.gemm("gpu.gemm@hpe-04/gpu2", tflops=301.0)
    c.health_rates("gpu.health@hpe-03/gpu2")
    return c


@case
def w056():
    """A slow TP group with no error lines: two of the 18 NVLinks of one H100 never trained after a reboot;
    only gpu.health and the p2p matrix show it."""
    hosts = ["ca-%02d" % i for i in (5, 6)]
    c = ck.Case("case-w056", "nvlink_error", "ca-06/gpu2", hosts, gpu=H100)
    c.alert("StepTimeRegression", "tp8 job 'retrieval-lm' slower since node reboot (+19%)", job="retrieval-lm", node="ca-05")
    lines = ck.megatron_iters(c, -1100, 40, 200, step_s=5.0)
    lines = ck.insert_at(lines, 0.4, ["(min, max) time across ranks (ms):",
                                      "    forward-backward ...............................: (4610.2, 4702.9)",
                                      "    tp-comm ........................................: (980.4, 1170.8)"])
    c.log("ca-05/rank0/stdout", lines)
    c.log("ca-06/journal", ck.kernel_noise(c, "ca-06", 10, -1500, -1300) + host_lines(c, "ca-06", [
        (-1400, "systemd[1]: Starting NVIDIA fabric manager daemon..."),
        (-1395, "nv-fabricmanager[2210]: Successfully configured all the available GPUs and NVSwitches to route NVLink traffic.")]))
    dcgm(c, "ca-06", ("util", "nvlbw"), over={"nvlbw": {2: lambda s, v: v * 0.88}})
    c.health_rates("gpu.health@ca-06/gpu2", nvlink_links_up=16)
    c.health_rates("gpu.health@ca-06/gpu1")
    c.nccl("nccl.p2p_matrix@ca-06", busbw=118.0, details={"slowest_pair": "gpu2<->gpu6", "pairs_below_min": 7})
    return c


@case
def w057():
    """A rank dies with 'unspecified launch failure'; no kernel log shipped; gpu.health shows fresh DBE errors."""
    hosts = ["lg-%02d" % i for i in (8, 9)]
    c = ck.Case("case-w057", "gpu_memory_uncorrectable_ecc", "lg-09/gpu7", hosts, gpu=H100)
    c.alert("TrainingJobFailed", "rank 15 CUDA error; 15 ranks NCCL timeout", job="asr-conformer-xl", node="lg-08")
    t = -630
    r15 = ck.plain_steps(c, -760, 10, 501, step_s=13.0) + [
        "Traceback (most recent call last):",
        '  File "/work/asr/train.py", line 418, in train_step',
        "    scaler.scale(loss).backward()",
        "RuntimeError: CUDA error: unspecified launch failure",
        "CUDA kernel errors might be asynchronously reported at some other API call, so the stacktrace below might be incorrect.",
        "For debugging consider passing CUDA_LAUNCH_BLOCKING=1"]
    c.log("lg-09/rank15/stderr", r15)
    c.log("lg-08/rank0/stderr", wd_short(c, 0, t + 602, 31022, numel=41943040) + ck.app_noise(c, 4))
    c.health_rates("gpu.health@lg-09/gpu7", ecc_dbe_volatile=2, ecc_dbe_aggregate=2, xid_last=48)
    c.health_rates("gpu.health@lg-09/gpu6")
    c.gemm("gpu.gemm@lg-09/gpu7")
    return c


@case
def w058():
    """Sudden NaN with no gradient growth before it (not a divergence); gpu.sdc on one node finds a GPU that
    disagrees; the other node passes."""
    hosts = ["kx-%02d" % i for i in (1, 2)]
    c = ck.Case("case-w058", "gpu_silent_data_corruption", "kx-02/gpu0", hosts, gpu=A100)
    c.alert("TrainingLossNaN", "dit-xl-256: loss nan at step 120441 (grad norm 0.21 the step before)", job="dit-xl", node="kx-01")
    lines = ck.deepspeed_steps(c, -400, 30, 120412, step_s=1.3, loss_fn=lambda i: 0.152 + c.rng.uniform(-0.004, 0.004))
    lines += ["[%s] [INFO] [train.py:455] step 120440 loss 0.1521 grad_norm 0.2103" % c.ymd_ms(-6),
              "[%s] [WARNING] [train.py:462] step 120441 loss nan grad_norm nan -> skipping update" % c.ymd_ms(-5),
              "[%s] [WARNING] [train.py:462] step 120442 loss nan grad_norm nan -> skipping update" % c.ymd_ms(-4),
              "[%s] [ERROR] [train.py:470] 2 consecutive non-finite steps; aborting (bf16, no loss scaling)" % c.ymd_ms(-3)]
    c.log("kx-01/deepspeed.log", lines)
    c.sdc("gpu.sdc@kx-02", mismatched=4410, bad_gpu="gpu0")
    c.sdc("gpu.sdc@kx-01")
    c.health_rates("gpu.health@kx-02/gpu0")
    return c


@case
def w059():
    """One rank is always last; its GPU is not throttled, GEMM is fine, but HBM bandwidth is a third low."""
    hosts = ["nv-s%02d" % i for i in (1, 2, 3, 4)]
    c = ck.Case("case-w059", "straggler_rank", "nv-s03/gpu1", hosts, gpu=H200)
    c.alert("StragglerDetected", "rank 17 slowest in 97% of steps", job="mamba-hybrid-8b", node="nv-s01")
    lines = ck.fsdp_steps(c, -1100, 40, 3000, step_s=2.4)
    lines.append("[rank0]:[titan] %s - root - WARNING - straggler: rank 17 (nv-s03, cuda:1) step 1.31x median over last 200 steps" % c.ymd_ms(-30))
    c.log("nv-s01/rank0/stdout", lines)
    dcgm(c, "nv-s03", ("util", "clock", "temp", "reasons"))
    c.health_rates("gpu.health@nv-s03/gpu1")
    c.gemm("gpu.gemm@nv-s03/gpu1")
    c.hbm("gpu.hbm_bandwidth@nv-s03/gpu1", gb_s=2710)
    c.hbm("gpu.hbm_bandwidth@nv-s03/gpu0")
    return c


@case
def w060():
    """Slow job, no errors: one HCA of one node negotiated 4x lower speed (port rate metric) after a cable swap;
    nccl.sendrecv from that node is slow, the others are fine."""
    hosts = ["ib-q%02d" % i for i in (11, 12, 13, 14)]
    c = ck.Case("case-w060", "ib_link_failure", "ib-q13/mlx5_2", hosts, gpu=H100)
    c.alert("StepTimeRegression", "dp-heavy job 'clip-l': step time +55% since 09:00 maintenance", job="clip-l", node="ib-q11")
    lines = ck.plain_steps(c, -1100, 30, 8800, step_s=2.9)
    lines += ["%s | INFO | comm | allreduce grad buckets: %.1f ms (expected ~620 ms at 400 Gb/s)" % (c.ymd(-900 + 150 * i), 1410 + c.rng.uniform(-40, 40)) for i in range(5)]
    c.log("ib-q11/rank0/train.log", lines)
    for h in ("ib-q12", "ib-q13"):
        for d in range(8):
            bad = h == "ib-q13" and d == 2
            c.node_metric("node_infiniband_rate_bytes_per_second", {"instance": h, "device": "mlx5_%d" % d, "port": "1"},
                          lambda s, bad=bad: 1.25e10 if bad else 5e10, 0)
    c.nccl("nccl.sendrecv@ib-q13", busbw=11.2, minimum=40.0)
    c.nccl("nccl.sendrecv@ib-q12", minimum=40.0)
    c.nccl("nccl.allreduce@job", busbw=61.0)
    return c


@case
def w061():
    """Every rank hits the watchdog; one GPU sits at 0% utilisation since the hang began, the rest at 100% (NCCL
    kernels spinning). No flight recorder. gpu.health and gpu.inventory pass on it: the process is stuck, the
    GPU is fine."""
    hosts = ["sc-%03d" % i for i in (20, 21, 22)]
    c = ck.Case("case-w061", "nccl_collective_hang", "sc-021/gpu4", hosts, gpu=H100)
    c.alert("NCCLWatchdogTimeout", "23 ranks watchdog timeout (REDUCE_SCATTER, SeqNum 771)", job="opt-66b-ft", node="sc-020")
    t = -615
    r0 = ck.fsdp_steps(c, -1000, 40, 95, rank=0, step_s=9.6) + ck.watchdog(c, 0, t + 604, 771, op="_REDUCE_SCATTER_BASE", numel=402653184)
    c.log("sc-020/rank0/stderr", r0)
    c.log("sc-022/rank19/stderr", ck.watchdog(c, 19, t + 603, 771, op="_REDUCE_SCATTER_BASE", numel=402653184) + ck.app_noise(c, 3))
    dcgm(c, "sc-021", ("util", "power"), over={
        "util": {g: after(t, lambda s, v, g=g: 0 if g == 4 else 100) for g in range(8)},
        "power": {4: after(t, lambda s, v: 118 + c.rng.uniform(-5, 5))}})
    c.health_rates("gpu.health@sc-021/gpu4")
    c.inventory("gpu.inventory@sc-021/gpu4")
    c.kernel_launch("gpu.kernel_launch@sc-021/gpu4")
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
