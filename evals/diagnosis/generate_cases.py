#!/usr/bin/env python3
"""Writes the diagnosis case sets: dev/case-NNN.json (below) and holdout/case-hNNN.json
(holdout/holdout_cases.py). Stdlib only; deterministic (each case seeds its own RNG from its id).

Usage: generate_cases.py [--out DIR]   (default: the directory of this script)

Every case below is hand-designed: the alert, the fault lines, the misleading symptoms, which
probes fail / pass / error / are absent, and the expected answer. casekit.py only fills in the
background (training progress, harmless noise, metric series, probe result bookkeeping).
The error strings follow public driver/NCCL/PyTorch/DeepSpeed/Megatron messages; no case is a
real incident.
"""

import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from casekit import (CLK_HW_POWER_BRAKE, CLK_HW_SLOWDOWN, CLK_HW_THERMAL, CLK_SW_POWER_CAP,  # noqa: E402
                     CLK_SW_THERMAL, PCI_BUS_B, Case, app_noise, deepspeed_steps, elastic_failure,
                     fsdp_steps, insert_at, interleave, kernel_noise, megatron_iters, nccl_init,
                     plain_steps, watchdog, write_cases)

DEV = []


def case(fn):
    DEV.append(fn)
    return fn


def nodes(*ns):
    return ["node-%d" % n for n in ns]


def rank0_megatron(c, n=36, end_s=-40, step_s=4.1, noise=8, **kw):
    it0 = kw.pop("it0", 8000 + c.rng.randrange(60000))
    lines = megatron_iters(c, end_s - n * step_s, n, it0, step_s=step_s, **kw)
    return interleave(c.rng, lines, app_noise(c, noise))


def hung_after(at, busy=100.0):
    """GPU utilisation during an NCCL hang: kernels spin, so it reads busy, not idle."""
    return lambda s, v: v if s < at else busy - abs(v - 97) * 0.1


def stops_at(at):
    return lambda s, v: v if s < at else None


def drop_to(at, value):
    return lambda s, v: v if s < at else value


def ramp(at, to, over=300):
    return lambda s, v: v if s < at else v + (to - v) * min(1.0, (s - at) / over)


def std_gpu_metrics(c, host, util_over=None, temp_over=None, power_over=None, clock_over=None,
                    gpus=None, with_clock=True):
    c.gpu_metric("DCGM_FI_DEV_GPU_UTIL", host, 97, 2.5, util_over, gpus=gpus, decimals=0)
    c.gpu_metric("DCGM_FI_DEV_GPU_TEMP", host, 56, 4, temp_over, gpus=gpus, decimals=0)
    c.gpu_metric("DCGM_FI_DEV_POWER_USAGE", host, 610, 45, power_over, gpus=gpus)
    if with_clock:
        c.gpu_metric("DCGM_FI_DEV_SM_CLOCK", host, 1980, 0, clock_over, gpus=gpus, decimals=0)


# ==================================================================== gpu_fallen_off_bus

def pad_noise(c, host, want=22):
    """Adds a `<host>/syslog` source of harmless kernel lines until the case has `want` log lines
    (cases carry 20-400). Called last in a case, so the case's earlier content is unchanged."""
    have = sum(len(src["lines"]) for src in c.logs)
    if have < want:
        c.log("%s/syslog" % host, kernel_noise(c, host, want - have))


@case
def case_001():
    # Xid 79 in the kernel log of node-3; every rank then reports an NCCL watchdog timeout, which
    # is what the alert fired on. The lost GPU's exporter series simply stop.
    c = Case("case-001", "gpu_fallen_off_bus", "node-3/gpu5", nodes(1, 2, 3, 4))
    c.alert("TrainingJobStalled", "llama3-70b-pretrain: no iteration logged for 10m", job="llama3-70b-pretrain",
            node="node-1", severity="critical")
    log0 = rank0_megatron(c, end_s=-660)
    log0 += watchdog(c, 0, -20, 41873)
    c.log("node-1/rank0/stdout", log0)
    c.log("node-4/rank29/stderr", nccl_init(c, "node-4", 29, 5, 32)[:6] + watchdog(c, 29, -19, 41873))
    k = kernel_noise(c, "node-3", 14, -1500, -700)
    k += ["%s node-3 kernel: NVRM: GPU at PCI:%s: %s" % (c.syslog(-655), c.bus(5), c.uuid("node-3", 5)),
          "%s node-3 kernel: NVRM: GPU Board Serial Number: 1652823045931" % c.syslog(-655),
          "%s node-3 kernel: NVRM: Xid (PCI:%s): 79, pid='<unknown>', name=<unknown>, GPU has fallen off the bus." % (
              c.syslog(-655), c.bus(5)),
          "%s node-3 kernel: NVRM: GPU %s.0: GPU has fallen off the bus." % (c.syslog(-655), c.bus(5)),
          "%s node-3 kernel: NVRM: A GPU crash dump has been created. If possible, please run" % c.syslog(-654),
          "%s node-3 kernel: NVRM: nvidia-bug-report.sh as root to collect this data before" % c.syslog(-654),
          "%s node-3 kernel: NVRM: the NVIDIA kernel module is unloaded." % c.syslog(-654),
          "%s node-3 kernel: pcieport 0000:97:01.0: pciehp: Slot(5): Link Down" % c.syslog(-655)]
    k += kernel_noise(c, "node-3", 6, -600, 0)
    c.log("node-3/journal", k)
    std_gpu_metrics(c, "node-3", util_over={5: stops_at(-660), **{g: hung_after(-660) for g in range(5)}},
                    temp_over={5: stops_at(-660)}, power_over={5: stops_at(-660)}, clock_over={5: stops_at(-660)})
    c.inventory("gpu.inventory@node-3/gpu5", count=7, details={"missing_bus_ids": ["0000:%s:00.0" % c.pci[5]]})
    c.errored("gpu.health@node-3/gpu5", "nvmlDeviceGetHandleByIndex(5) failed: GPU is lost", 0.3)
    c.health("gpu.health@node-3/gpu4")
    return c


@case
def case_002():
    # The training stack only sees "unspecified launch failure" on one rank; NCCL INFO lines map
    # rank 18 to busId 3a000 on node-12, and the dmesg excerpt names that bus with Xid 79.
    c = Case("case-002", "gpu_fallen_off_bus", "node-12/gpu2", nodes(10, 11, 12))
    c.alert("DCGMExporterTargetMissingGPU", "node-12: dcgm-exporter reports 7 of 8 GPUs", node="node-12",
            job="dcgm-exporter")
    r = rank0_megatron(c, end_s=-200, n=20, noise=5)
    r = nccl_init(c, "node-12", 18, 2, 24) + r
    r += ["[rank18]: Traceback (most recent call last):",
          '[rank18]:   File "/workspace/Megatron-LM/pretrain_gpt.py", line 265, in <module>',
          '[rank18]:   File "/workspace/Megatron-LM/megatron/training/training.py", line 1101, in train_step',
          "[rank18]: RuntimeError: CUDA error: unspecified launch failure",
          "[rank18]: CUDA kernel errors might be asynchronously reported at some other API call, so the stacktrace below might be incorrect.",
          "[rank18]: For debugging consider passing CUDA_LAUNCH_BLOCKING=1",
          "[rank18]: Compile with `TORCH_USE_CUDA_DSA` to enable device-side assertions."]
    c.log("node-12/rank18/stderr", r)
    d = ["%s NVRM: loading NVIDIA UNIX x86_64 Kernel Module  550.90.07" % c.dmesg(5.2 - c.uptime0),
         "%s nvidia-uvm: Loaded the UVM driver, major device number 506." % c.dmesg(5.9 - c.uptime0)]
    d += kernel_noise(c, "node-12", 10, -1400, -200, fmt="dmesg")
    d += ["%s NVRM: GPU at PCI:%s: %s" % (c.dmesg(-170), c.bus(2), c.uuid("node-12", 2)),
          "%s NVRM: Xid (PCI:%s): 79, pid=48211, name=python3, GPU has fallen off the bus." % (c.dmesg(-170), c.bus(2)),
          "%s NVRM: GPU %s.0: GPU serial number is 1652923010117." % (c.dmesg(-170), c.bus(2)),
          "%s NVRM: nvGpuOpsReportFatalError: uvm encountered global fatal error 0x60, requiring os reboot to recover." % c.dmesg(-169)]
    c.log("node-12/dmesg", d)
    std_gpu_metrics(c, "node-12", util_over={2: stops_at(-170)}, temp_over={2: stops_at(-170)},
                    power_over={2: stops_at(-170)}, with_clock=False)
    c.gpu_metric("DCGM_FI_DEV_XID_ERRORS", "node-12", 0, 0, gpus=[0, 1, 3], decimals=0)
    c.inventory("gpu.inventory@node-12/gpu2", count=7)
    return c


@case
def case_003():
    # Probe-decided. No kernel log was collected; ranks see watchdog timeouts and one rank saw a
    # generic CUDA error. Only the inventory/health probes reveal that gpu6 on node-6 is gone.
    c = Case("case-003", "gpu_fallen_off_bus", "node-6/gpu6", nodes(5, 6, 7, 8))
    c.alert("NCCLWatchdogTimeout", "mixtral-sft: 31 ranks hit ProcessGroupNCCL watchdog timeout", job="mixtral-sft",
            node="node-5")
    log0 = interleave(c.rng, deepspeed_steps(c, -900, 24, 3120), app_noise(c, 6))
    log0 += watchdog(c, 0, -30, 9911, op="_ALLGATHER_BASE", numel=25165824, timeout_ms=1800000)
    c.log("node-5/rank0/stderr", log0)
    c.log("node-6/rank14/stderr", ["[rank14]: [E ProcessGroupNCCL.cpp:1316] NCCL error: unhandled cuda error (run with NCCL_DEBUG=INFO for details), NCCL version 2.20.5",
                                   "[rank14]: ncclUnhandledCudaError: Call to CUDA function failed.",
                                   "[rank14]: Last error:",
                                   "[rank14]: Cuda failure 999 'unknown error'"] + app_noise(c, 12))
    c.log("node-7/rank21/stderr", watchdog(c, 21, -29, 9911, op="_ALLGATHER_BASE", numel=25165824, timeout_ms=1800000)
          + ["[rank21]: NCCL WARN NET/IB : Got async event : port error", ] + app_noise(c, 4))
    std_gpu_metrics(c, "node-6", util_over={6: stops_at(-1700 + 720)}, with_clock=False)
    c.inventory("gpu.inventory@node-6/gpu6", count=7, details={"missing_bus_ids": ["0000:ba:00.0"]})
    c.errored("gpu.health@node-6/gpu6", "NVML: Unable to determine the device handle for GPU 0000:BA:00.0: GPU is lost", 0.2)
    c.health("gpu.health@node-6/gpu5")
    c.errored("nccl.allreduce@node-6", "ncclCommInitRank failed: unhandled cuda error (cudaGetDeviceCount returned 7, expected 8)", 3.1)
    c.nccl("nccl.sendrecv@node-7")
    return c


# ==================================================================== gpu_memory_uncorrectable_ecc
@case
def case_004():
    # Xid 94 contained ECC error on gpu1: the application on that GPU gets an uncorrectable ECC
    # error; the DBE counter in DCGM steps up.
    c = Case("case-004", "gpu_memory_uncorrectable_ecc", "node-2/gpu1", nodes(1, 2))
    c.alert("GPUDoubleBitECC", "DCGM_FI_DEV_ECC_DBE_VOL_TOTAL increased on node-2 GPU 1", node="node-2", gpu="1")
    r = rank0_megatron(c, n=30, end_s=-60)
    r += ["[rank9]: RuntimeError: CUDA error: uncorrectable ECC error encountered",
          "[rank9]: CUDA kernel errors might be asynchronously reported at some other API call, so the stacktrace below might be incorrect.",
          "[rank9]: Exception raised from c10_cuda_check_implementation at ../c10/cuda/CUDAException.cpp:43 (most recent call first):"]
    c.log("node-2/rank9/stderr", r)
    k = kernel_noise(c, "node-2", 10, -1500, -80)
    k += ["%s node-2 kernel: NVRM: Xid (PCI:%s): 94, pid=51822, name=python3, Contained: SM (0x1). RST: No, D-RST: No" % (
        c.syslog(-58), c.bus(1)),
          "%s node-2 kernel: NVRM: Xid (PCI:%s): 63, pid='<unknown>', name=<unknown>, Row Remapper: New row (0x0000000000ab3c40) marked for remapping, reset gpu to activate." % (
              c.syslog(-57), c.bus(1))]
    c.log("node-2/journal", k)
    c.gpu_metric("DCGM_FI_DEV_ECC_DBE_VOL_TOTAL", "node-2", 0, 0, {1: lambda s, v: 0 if s < -60 else 1}, decimals=0)
    c.gpu_metric("DCGM_FI_DEV_ECC_SBE_VOL_TOTAL", "node-2", 0, 0, {1: lambda s, v: 2 if s < -60 else 7}, decimals=0)
    std_gpu_metrics(c, "node-2", util_over={1: drop_to(-55, 0)}, with_clock=False)
    c.health("gpu.health@node-2/gpu1", ecc_dbe_volatile=1, ecc_dbe_aggregate=1, ecc_sbe_volatile=7, remap_pending=1,
             xid_last=94)
    return c


@case
def case_005():
    # Misleading: the alert is an NCCL watchdog timeout on all ranks. The dead rank's GPU had a
    # double-bit ECC error (Xid 48) a minute earlier.
    c = Case("case-005", "gpu_memory_uncorrectable_ecc", "node-21/gpu7", nodes(20, 21, 22, 23))
    c.alert("NCCLWatchdogTimeout", "gpt-175b: collective timeout on 31/32 ranks", job="gpt-175b", node="node-20")
    log0 = rank0_megatron(c, end_s=-640, n=40, noise=10)
    log0 += watchdog(c, 0, -30, 77120, op="ALLREDUCE", numel=268435456)
    c.log("node-20/rank0/stdout", log0)
    c.log("node-22/rank17/stderr", app_noise(c, 10) + watchdog(c, 17, -29, 77120, numel=268435456))
    c.log("node-21/rank15/stderr", app_noise(c, 8) + [
        "[rank15]:[E%s ProcessGroupNCCL.cpp:1316] NCCL error: unhandled cuda error, NCCL version 2.21.5" % c.glog(-635)[1:],
        "[rank15]: ncclUnhandledCudaError: Call to CUDA function failed.",
        "[rank15]: Last error:",
        "[rank15]: Cuda failure 'uncorrectable ECC error encountered'"])
    k = kernel_noise(c, "node-21", 12, -1500, -700)
    k += ["%s node-21 kernel: NVRM: Xid (PCI:%s): 48, pid=30418, name=python, An uncorrectable double bit error (DBE) has been detected on GPU in the framebuffer at physAddr 0x1f4c83a60." % (
        c.syslog(-640), c.bus(7))]
    c.log("node-21/journal", k)
    c.gpu_metric("DCGM_FI_DEV_ECC_DBE_VOL_TOTAL", "node-21", 0, 0, {7: lambda s, v: 0 if s < -640 else 2}, decimals=0)
    std_gpu_metrics(c, "node-21", util_over={g: hung_after(-640) for g in range(7)} | {7: drop_to(-640, 0)}, with_clock=False)
    c.health("gpu.health@node-21/gpu7", ecc_dbe_volatile=2, ecc_dbe_aggregate=2, remap_pending=1, xid_last=48)
    c.nccl("nccl.sendrecv@node-22")
    return c


@case
def case_006():
    # Probe-decided. Loss went NaN and one rank died with "unspecified launch failure"; that fits
    # SDC, an application bug or ECC. No kernel log. The health probe shows the DBE; sdc and gemm
    # on the peers pass.
    c = Case("case-006", "gpu_memory_uncorrectable_ecc", "node-9/gpu4", nodes(8, 9))
    c.alert("TrainingLossNaN", "qwen-32b-cpt: lm loss is NaN at iteration 21844", job="qwen-32b-cpt", node="node-8")
    it0 = 21820

    def loss(i):
        return float("nan") if i >= 24 else 1.74 - 0.0007 * i + c.rng.uniform(-0.02, 0.02)
    lines = megatron_iters(c, -160, 26, it0, loss_fn=loss, nan_fn=lambda i: 1 if i >= 24 else 0,
                           grad_fn=lambda i: float("nan") if i >= 24 else 0.31 * c.rng.uniform(0.9, 1.1))
    c.log("node-8/rank0/stdout", interleave(c.rng, lines, app_noise(c, 10)))
    c.log("node-9/rank12/stderr", app_noise(c, 6) + [
        "[rank12]: Traceback (most recent call last):",
        '[rank12]:   File "/opt/megatron/megatron/core/tensor_parallel/layers.py", line 611, in forward',
        "[rank12]: RuntimeError: CUDA error: unspecified launch failure",
        "[rank12]: Compile with `TORCH_USE_CUDA_DSA` to enable device-side assertions."])
    std_gpu_metrics(c, "node-9", util_over={4: drop_to(-20, 0)}, with_clock=False)
    c.health("gpu.health@node-9/gpu4", ecc_dbe_volatile=1, ecc_dbe_aggregate=3, ecc_sbe_volatile=41, remap_pending=1)
    c.sdc("gpu.sdc@node-8")
    c.gemm("gpu.gemm@node-9/gpu3")
    c.health("gpu.health@node-9/gpu3")
    return c


# ==================================================================== gpu_row_remap_failure
@case
def case_007():
    c = Case("case-007", "gpu_row_remap_failure", "node-14/gpu3", nodes(13, 14))
    c.alert("GPURowRemapFailure", "node-14 GPU 3: row remapping failure reported by DCGM", node="node-14", gpu="3")
    c.log("node-13/rank0/stdout", rank0_megatron(c, n=40, end_s=-30, noise=10))
    k = kernel_noise(c, "node-14", 14, -1500, -100)
    k += ["%s node-14 kernel: NVRM: Xid (PCI:%s): 64, pid='<unknown>', name=<unknown>, Row Remapper Error: (0x000000011fa05520) - All reserved rows for bank are remapped" % (
        c.syslog(-95), c.bus(3)),
          "%s node-14 nvidia-dcgm[2551]: Health: GPU 3 row remap failure (DCGM_FR_ROW_REMAP_FAILURE) - schedule RMA" % c.syslog(-60)]
    c.log("node-14/journal", k)
    c.log("node-14/nvidia-smi-q", ["==============NVSMI LOG==============", "Attached GPUs                             : 8",
                                   "GPU 0000:%s:00.0" % c.pci[3], "    Remapped Rows",
                                   "        Correctable Error                 : 0",
                                   "        Uncorrectable Error               : 8", "        Pending                           : No",
                                   "        Remapping Failure Occurred        : Yes", "        Bank Remap Availability Histogram",
                                   "            Max                           : 639 bank(s)", "            High                          : 0 bank(s)",
                                   "            Partial                       : 0 bank(s)", "            Low                           : 0 bank(s)",
                                   "            None                          : 1 bank(s)"])
    c.gpu_metric("DCGM_FI_DEV_ROW_REMAP_FAILURE", "node-14", 0, 0, {3: lambda s, v: 0 if s < -95 else 1}, decimals=0)
    c.gpu_metric("DCGM_FI_DEV_UNCORRECTABLE_REMAPPED_ROWS", "node-14", 0, 0, {3: lambda s, v: 7 if s < -95 else 8}, decimals=0)
    c.health("gpu.health@node-14/gpu3", remap_failure=1, remapped_rows_uncorrectable=8, xid_last=64)
    return c


@case
def case_008():
    # Probe-decided. History of ECC Xids on this GPU makes it look like a plain ECC case; only the
    # health probe shows that remapping has failed (bank exhausted) and DBE counts are zero now.
    c = Case("case-008", "gpu_row_remap_failure", "node-31/gpu0", nodes(30, 31, 32))
    c.alert("JobRestartLoop", "vlm-13b: 4 restarts in 1h, each fails on node-31", job="vlm-13b", node="node-31")
    r = app_noise(c, 6) + nccl_init(c, "node-31", 8, 0, 24)[:8]
    r += ["[rank8]: Traceback (most recent call last):",
          '[rank8]:   File "/workspace/train.py", line 88, in <module>',
          '[rank8]:     model = model.to(device)',
          "[rank8]: RuntimeError: CUDA error: uncorrectable ECC error encountered",
          "[rank8]: CUDA kernel errors might be asynchronously reported at some other API call, so the stacktrace below might be incorrect."]
    c.log("node-31/rank8/stderr", r)
    c.log("scheduler/events", ["%s job vlm-13b attempt %d started on node-30,node-31,node-32" % (c.ymd(-3400 + 800 * i), i + 1)
                               for i in range(4)] + ["%s job vlm-13b attempt %d failed: exit 1 from rank 8 (node-31)" % (
                                   c.ymd(-3300 + 800 * i), i + 1) for i in range(4)])
    c.log("node-31/journal-week", ["%s node-31 kernel: NVRM: Xid (PCI:%s): 48, pid=2210, name=python, An uncorrectable double bit error (DBE) has been detected on GPU in the framebuffer at physAddr 0x%x." % (
        c.syslog(-86400 * d), c.bus(0), c.rng.randrange(1 << 34)) for d in (6, 4, 2)] + kernel_noise(c, "node-31", 12))
    c.health("gpu.health@node-31/gpu0", remap_failure=1, remapped_rows_uncorrectable=8, ecc_dbe_aggregate=3)
    c.health("gpu.health@node-31/gpu1")
    c.hbm("gpu.hbm_bandwidth@node-31/gpu0")
    c.gpu_metric("DCGM_FI_DEV_ECC_DBE_AGG_TOTAL", "node-31", 0, 0, {0: lambda s, v: 3}, decimals=0)
    c.gpu_metric("DCGM_FI_DEV_GPU_UTIL", "node-31", 0, 0, decimals=0)
    return c


@case
def case_009():
    # A row remap is pending: the GPU must be reset before the remapped row takes effect. The job
    # keeps landing on it; logs show XID 63 and nvidia-smi "Pending: Yes".
    c = Case("case-009", "gpu_row_remap_failure", "node-2/gpu6", nodes(2, 3), gpu="NVIDIA H100 80GB HBM3")
    c.alert("GPURowRemapPending", "node-2 GPU 6: row remap pending for 3h, reset required", node="node-2", gpu="6")
    c.log("node-3/rank8/stdout", interleave(c.rng, fsdp_steps(c, -300, 40, 5120, rank=8), app_noise(c, 10)))
    c.log("node-2/nvidia-smi-q", ["GPU 0000:%s:00.0" % c.pci[6], "    Product Name                          : NVIDIA H100 80GB HBM3",
                                  "    Remapped Rows", "        Correctable Error                 : 0",
                                  "        Uncorrectable Error               : 1", "        Pending                           : Yes",
                                  "        Remapping Failure Occurred        : No"])
    c.log("node-2/journal", kernel_noise(c, "node-2", 10, -12000, -10900) + [
        "%s node-2 kernel: NVRM: Xid (PCI:%s): 63, pid='<unknown>', name=<unknown>, Row Remapper: New row (0x00000000038b1e00) marked for remapping, reset gpu to activate." % (
            c.syslog(-10850), c.bus(6))] + kernel_noise(c, "node-2", 8, -10000, 0))
    c.gpu_metric("DCGM_FI_DEV_ROW_REMAP_PENDING", "node-2", 0, 0, {6: lambda s, v: 1}, decimals=0)
    c.health("gpu.health@node-2/gpu6", remap_pending=1, remapped_rows_uncorrectable=1, xid_last=63)
    return c


# ==================================================================== gpu_firmware_error
@case
def case_010():
    c = Case("case-010", "gpu_firmware_error", "node-17/gpu2", nodes(16, 17, 18, 19))
    c.alert("NvidiaSmiHang", "node-17: nvidia-smi timed out (30s) in node health check", node="node-17")
    c.log("node-16/rank0/stdout", rank0_megatron(c, end_s=-700, noise=6) + watchdog(c, 0, -100, 60221))
    k = kernel_noise(c, "node-17", 10, -1500, -720)
    k += ["%s node-17 kernel: NVRM: Xid (PCI:%s): 119, pid=88213, name=python3, Timeout after 6s of waiting for RPC response from GPU2 GSP! Expected function 76 (GSP_RM_CONTROL) (0x20800a4c 0x4)." % (
        c.syslog(-705), c.bus(2)),
          "%s node-17 kernel: NVRM: GPU2 GSP RPC buffer contains function 76 (GSP_RM_CONTROL) and data 0x0000000020800a4c 0x0000000000000004." % c.syslog(-705),
          "%s node-17 kernel: NVRM: GPU2 RPC history (CPU -> GSP):" % c.syslog(-705),
          "%s node-17 kernel: NVRM:     entry function                   data0              data1              ts_start           ts_end             duration actively_polling" % c.syslog(-705),
          "%s node-17 kernel: NVRM:        0    76 GSP_RM_CONTROL        0x0000000020800a4c 0x0000000000000004 0x00061a9b21f0e51c 0x0000000000000000          y" % c.syslog(-705),
          "%s node-17 kernel: NVRM: Xid (PCI:%s): 119, pid=88213, name=python3, Timeout after 45s of waiting for RPC response from GPU2 GSP! Expected function 10 (FREE) (0xa55a0040 0x0)." % (
              c.syslog(-650), c.bus(2)),
          "%s node-17 kernel: NVRM: Rate limiting GSP RPC error prints for GPU at PCI:%s (printing 1 of every 30).  The GPU likely needs to be reset." % (
              c.syslog(-600), c.bus(2))]
    c.log("node-17/journal", k)
    c.log("node-17/healthcheck", ["%s healthcheck: nvidia-smi -q timed out after 30s" % c.ymd(-30),
                                  "%s healthcheck: dcgmi diag -r 1 ... skipped (GPU busy)" % c.ymd(-25)] + app_noise(c, 18))
    std_gpu_metrics(c, "node-17", util_over={2: stops_at(-705)}, with_clock=False)
    c.errored("gpu.health@node-17/gpu2", "NVML call nvmlDeviceGetTemperature timed out after 20s", 20.0)
    return c


@case
def case_011():
    # Xid 120 GSP error on one GPU; the job crashes with "CUDA error: unknown error" on that rank.
    c = Case("case-011", "gpu_firmware_error", "node-4/gpu7", nodes(3, 4), gpu="NVIDIA H100 80GB HBM3")
    c.alert("TrainingJobFailed", "bert-xxl-finetune exited with code 1", job="bert-xxl-finetune", node="node-3")
    c.log("node-3/rank0/stdout", interleave(c.rng, plain_steps(c, -400, 60, 800), app_noise(c, 10)))
    c.log("node-4/rank15/stderr", app_noise(c, 4) + [
        "Traceback (most recent call last):",
        '  File "/app/train.py", line 203, in <module>',
        "    loss.backward()",
        "RuntimeError: CUDA error: unknown error",
        "CUDA kernel errors might be asynchronously reported at some other API call, so the stacktrace below might be incorrect."])
    d = kernel_noise(c, "node-4", 8, -1500, -60, fmt="dmesg")
    d += ["%s NVRM: Xid (PCI:%s): 120, pid=6153, name=python, GSP task timeout @ pc:0x6e5bd24, task: 1" % (c.dmesg(-44), c.bus(7)),
          "%s NVRM:     Reported by libos task:0 v2.0 [0] @ ts:1717321405" % c.dmesg(-44),
          "%s NVRM:     RISC-V CSR State:" % c.dmesg(-44),
          "%s NVRM:         mstatus:0x0000000a00000000  mscratch:0x0000000000000000     mie:0x0000000000000880  mip:0x0000000000000000" % c.dmesg(-44),
          "%s NVRM: Xid (PCI:%s): 154, GPU recovery action changed from 0x0 (None) to 0x1 (GPU Reset Required)" % (c.dmesg(-43), c.bus(7))]
    c.log("node-4/dmesg", d)
    c.health("gpu.health@node-4/gpu7", xid_last=120)
    c.gemm("gpu.gemm@node-4/gpu6")
    c.gpu_metric("DCGM_FI_DEV_XID_ERRORS", "node-4", 0, 0, {7: lambda s, v: 0 if s < -44 else 120}, decimals=0)
    c.gpu_metric("DCGM_FI_DEV_GPU_UTIL", "node-4", 96, 3, {7: drop_to(-44, 0)}, decimals=0)
    return c


@case
def case_012():
    # Probe-decided. Ranks report a generic launch failure and NCCL timeouts; no kernel log in the
    # case. Health on the suspect GPU shows Xid 62 (micro-controller halt); memory and links fine.
    c = Case("case-012", "gpu_firmware_error", "node-40/gpu1", nodes(40, 41))
    c.alert("NCCLWatchdogTimeout", "deepseek-v2-lite sft: ranks timing out in ALLREDUCE", job="dsv2-lite-sft", node="node-41")
    c.log("node-41/rank8/stderr", interleave(c.rng, deepspeed_steps(c, -700, 20, 410, rank=8), app_noise(c, 6))
          + watchdog(c, 8, -40, 8211))
    c.log("node-40/rank1/stderr", app_noise(c, 8) + [
        "[rank1]: RuntimeError: CUDA error: unspecified launch failure",
        "[rank1]: CUDA kernel errors might be asynchronously reported at some other API call, so the stacktrace below might be incorrect.",
        "[rank1]: For debugging consider passing CUDA_LAUNCH_BLOCKING=1"])
    c.health("gpu.health@node-40/gpu1", xid_last=62, sm_clock_mhz=0)
    c.health("gpu.health@node-40/gpu0")
    c.errored("gpu.gemm@node-40/gpu1", "cublasLtMatmul returned CUBLAS_STATUS_EXECUTION_FAILED: GPU halted")
    c.sdc("gpu.sdc@node-41")
    std_gpu_metrics(c, "node-40", util_over={1: drop_to(-600, 0)}, clock_over={1: drop_to(-600, 345)})
    return c


# ==================================================================== nvlink_error
@case
def case_013():
    c = Case("case-013", "nvlink_error", "node-8/gpu3", nodes(8, 9))
    c.alert("NVLinkCRCErrors", "node-8 GPU 3: NVLink CRC flit errors rising", node="node-8", gpu="3")
    c.log("node-8/rank0/stdout", rank0_megatron(c, n=40, end_s=-10, step_fn=lambda i: 4.1 if i < 25 else 5.7 * c.rng.uniform(0.97, 1.03)))
    k = kernel_noise(c, "node-8", 10, -1500, -400)
    k += ["%s node-8 kernel: NVRM: Xid (PCI:%s): 74, pid=91023, name=python3, NVLink: fatal error detected on link 7(0x0, 0x0, 0x10000, 0x0, 0x0, 0x0, 0x0)" % (
        c.syslog(-380), c.bus(3)),
          "%s node-8 kernel: NVRM: Xid (PCI:%s): 74, pid=91023, name=python3, NVLink: Link 7 Recovery detected" % (c.syslog(-379), c.bus(3))]
    c.log("node-8/journal", k)
    c.gpu_metric("DCGM_FI_DEV_NVLINK_CRC_FLIT_ERROR_COUNT_TOTAL", "node-8", 10, 2,
                 {3: lambda s, v: v if s < -400 else v + (s + 400) * 14.0}, decimals=0, counter=True)
    c.gpu_metric("DCGM_FI_PROF_NVLINK_TX_BYTES", "node-8", 2.1e11, 1e10, {3: lambda s, v: v if s < -400 else v * 0.62}, decimals=0)
    c.health("gpu.health@node-8/gpu3", nvlink_crc_errors=5371, nvlink_replay_errors=212, xid_last=74)
    c.nccl("nccl.p2p_matrix@node-8", 41.5, details={"worst_pair": "gpu3->gpu5", "worst_pair_gb_s": 41.5})
    return c


@case
def case_014():
    # Probe-decided. Throughput fell 28% with no errors anywhere. The intra-node all-reduce probe
    # and the p2p matrix single out gpu2<->gpu6 on node-5; gemm passes (not a slow GPU).
    c = Case("case-014", "nvlink_error", "node-5/gpu2", nodes(5, 6, 7))
    c.alert("TrainingThroughputDrop", "llama3-8b: tokens/s down 28% vs 24h median", job="llama3-8b", node="node-5")
    c.log("node-5/rank0/stdout", interleave(c.rng, fsdp_steps(c, -700, 60, 80200,
                                                             step_fn=lambda i: 1.8 if i < 20 else 2.5 * c.rng.uniform(0.98, 1.02)),
                                            app_noise(c, 10)))
    c.node_metric("training_tokens_per_second", {"job": "llama3-8b"}, lambda s: 9100 * (1 if s < -500 else 0.72) * c.rng.uniform(0.98, 1.02), 0)
    std_gpu_metrics(c, "node-5", util_over={g: (lambda s, v: v - 12 if s > -500 else v) for g in range(8)})
    c.nccl("nccl.allreduce@node-5", 118.0)
    c.nccl("nccl.p2p_matrix@node-5", 17.9, details={"worst_pair": "gpu2->gpu6", "worst_pair_gb_s": 17.9, "median_pair_gb_s": 371.0})
    c.health("gpu.health@node-5/gpu2", nvlink_links_up=16, nvlink_replay_errors=1440, nvlink_crc_errors=96)
    c.gemm("gpu.gemm@node-5/gpu2")
    c.pcie("gpu.pcie_bandwidth@node-5/gpu2")
    c.nccl("nccl.allreduce@node-6")
    return c


@case
def case_015():
    # Link down: NCCL falls back from P2P to SHM for gpu4's ring edges; rank 4 looks like a
    # straggler but the cause is the inactive NVLink lanes (nvidia-smi nvlink --status).
    c = Case("case-015", "nvlink_error", "node-11/gpu4", nodes(11, 12))
    c.alert("StragglerRank", "rank 4 step time 41% above median", job="gemma-27b", node="node-11", rank="4")
    init = nccl_init(c, "node-11", 4, 4, 16)
    init = [l.replace("via P2P/CUMEM/read", "via SHM/direct/direct") for l in init]
    c.log("node-11/rank4/stdout", init + interleave(c.rng, megatron_iters(c, -300, 30, 4400, step_s=5.8), app_noise(c, 8)))
    c.log("node-11/nvlink-status", ["GPU 4: NVIDIA H200 (UUID: %s)" % c.uuid("node-11", 4)] + [
        "\t Link %d: %s" % (i, "<inactive>" if i in (3, 4, 5) else "26.562 GB/s") for i in range(18)])
    k = kernel_noise(c, "node-11", 12, -1500, -600) + [
        "%s node-11 kernel: NVRM: Xid (PCI:%s): 74, pid=1934, name=python3, NVLink: fatal error detected on link 3(0x0, 0x0, 0x0, 0x0, 0x0, 0x0, 0x100000)" % (
            c.syslog(-5400), c.bus(4))]
    c.log("node-11/journal", k)
    c.health("gpu.health@node-11/gpu4", nvlink_links_up=15, nvlink_recovery_errors=3, xid_last=74)
    c.gemm("gpu.gemm@node-11/gpu4")
    c.gpu_metric("DCGM_FI_DEV_NVLINK_BANDWIDTH_TOTAL", "node-11", 3.1e5, 1.5e4, {4: lambda s, v: v * 0.81}, decimals=0)
    return c


# ==================================================================== gpu_thermal_throttle
@case
def case_016():
    c = Case("case-016", "gpu_thermal_throttle", "node-7/gpu6", nodes(6, 7))
    c.alert("TrainingStepTimeHigh", "gemma-27b step time +35% for 15m", job="gemma-27b", node="node-6")
    c.log("node-6/rank0/stdout", rank0_megatron(c, n=40, end_s=-5, step_fn=lambda i: 4.0 if i < 12 else 5.4 * c.rng.uniform(0.98, 1.02)))
    std_gpu_metrics(c, "node-7", temp_over={6: ramp(-900, 91, 240)}, clock_over={6: ramp(-900, 1170, 240)},
                    power_over={6: ramp(-900, 420, 240)})
    c.gpu_metric("DCGM_FI_DEV_CLOCK_THROTTLE_REASONS", "node-7", 0, 0,
                 {6: lambda s, v: 0 if s < -850 else CLK_HW_THERMAL | CLK_SW_THERMAL}, decimals=0)
    c.health("gpu.health@node-7/gpu6", temperature_c=92, hbm_temperature_c=88, sm_clock_mhz=1155,
             clock_event_reasons=CLK_HW_THERMAL | CLK_SW_THERMAL, power_w=418)
    return c


@case
def case_017():
    # Probe-decided straggler: rank 14 (node-2/gpu6) is slow, DCGM temperature is not scraped on
    # this cluster. Candidates: thermal, power, PCIe, dataloader. health shows SW thermal slowdown,
    # gemm fails, pcie passes.
    c = Case("case-017", "gpu_thermal_throttle", "node-2/gpu6", nodes(1, 2, 3))
    c.alert("StragglerRank", "rank 14 is the slowest rank in 96% of steps", job="llama3-70b-sft", node="node-2", rank="14")
    c.log("node-1/rank0/stdout", rank0_megatron(c, n=40, end_s=-5, step_s=5.3))
    c.log("node-2/straggler-report", ["%s straggler-detector: rank %d avg fwd-bwd %.0f ms (median %.0f ms)" % (
        c.ymd(-60), r, 4000 * (1.33 if r == 14 else c.rng.uniform(0.98, 1.02)), 4010) for r in range(8, 16)]
        + ["%s straggler-detector: dataloader wait rank 14: %.0f ms (median 12 ms)" % (c.ymd(-59), 13.0)]
        + app_noise(c, 12))
    c.gpu_metric("DCGM_FI_DEV_GPU_UTIL", "node-2", 98, 1.5, decimals=0)
    c.health("gpu.health@node-2/gpu6", temperature_c=87, sm_clock_mhz=1425, clock_event_reasons=CLK_SW_THERMAL, power_w=505)
    c.gemm("gpu.gemm@node-2/gpu6", 541.0)
    c.pcie("gpu.pcie_bandwidth@node-2/gpu6")
    c.health("gpu.health@node-2/gpu5")
    return c


@case
def case_018():
    # Node-level: a chassis fan failed, all eight GPUs on node-9 run hot and clock down. The
    # component is the node, not one GPU.
    c = Case("case-018", "gpu_thermal_throttle", "node-9", nodes(9, 10, 11, 12))
    c.alert("NodeGPUTempHigh", "node-9: all GPUs above 84C", node="node-9")
    c.log("node-10/rank8/stdout", interleave(c.rng, deepspeed_steps(c, -500, 30, 6600, rank=8,
                                                                    step_fn=lambda i: 2.3 if i < 10 else 3.3), app_noise(c, 8)))
    c.log("node-9/bmc-sel", ["%s | Fan #0x3%d | Lower Critical going low  | Asserted | Reading 0 RPM < Threshold 1800 RPM" % (
        c.ymd(-1100 + 3 * i), i) for i in range(2)] + ["%s | Temperature #0x%x | Upper Non-critical going high | Asserted" % (
            c.ymd(-800), 0x40 + i) for i in range(3)] + kernel_noise(c, "node-9", 15))
    std_gpu_metrics(c, "node-9", temp_over={g: ramp(-1000, 86 + g % 3, 400) for g in range(8)},
                    clock_over={g: ramp(-1000, 1410 - 30 * (g % 3), 400) for g in range(8)})
    std_gpu_metrics(c, "node-10", with_clock=False)
    c.health("gpu.health@node-9/gpu0", temperature_c=88, sm_clock_mhz=1395, clock_event_reasons=CLK_SW_THERMAL | CLK_HW_THERMAL)
    c.health("gpu.health@node-9/gpu5", temperature_c=87, sm_clock_mhz=1410, clock_event_reasons=CLK_SW_THERMAL)
    return c


# ==================================================================== gpu_power_throttle
@case
def case_019():
    # Someone ran `nvidia-smi -pl 400` on node-4 during maintenance. All GPUs cap at 400 W with SW
    # power cap; temperature is normal.
    c = Case("case-019", "gpu_power_throttle", "node-4", nodes(4, 5, 6))
    c.alert("TrainingThroughputDrop", "mistral-large: MFU 31% (was 43%)", job="mistral-large", node="node-4")
    c.log("node-4/rank0/stdout", rank0_megatron(c, n=40, end_s=-5, step_fn=lambda i: 4.1 if i < 8 else 5.6 * c.rng.uniform(0.98, 1.02)))
    c.log("node-4/auth.log", ["%s node-4 sudo:   opsbot : TTY=pts/2 ; PWD=/root ; USER=root ; COMMAND=/usr/bin/nvidia-smi -pl 400" % c.syslog(-1020),
                              "%s node-4 nvidia-smi: Power limit for GPU 00000000:%s:00.0 was set to 400.00 W from 700.00 W." % (c.syslog(-1019), c.pci[0])]
          + kernel_noise(c, "node-4", 14))
    std_gpu_metrics(c, "node-4", power_over={g: drop_to(-1000, 398 + c.rng.uniform(-2, 2)) for g in range(8)},
                    clock_over={g: drop_to(-1000, 1485) for g in range(8)})
    c.gpu_metric("DCGM_FI_DEV_POWER_MGMT_LIMIT", "node-4", 700, 0, {g: drop_to(-1020, 400) for g in range(8)}, decimals=0)
    c.gpu_metric("DCGM_FI_DEV_CLOCK_THROTTLE_REASONS", "node-4", 0, 0, {g: drop_to(-1000, CLK_SW_POWER_CAP) for g in range(8)}, decimals=0)
    c.health("gpu.health@node-4/gpu2", power_limit_w=400, power_w=399, sm_clock_mhz=1485, clock_event_reasons=CLK_SW_POWER_CAP)
    return c


@case
def case_020():
    # Probe-decided. Node-8 is slow; no GPU errors in logs. Health shows the HW power brake bit
    # on every GPU of the node (a PSU dropped out); gemm fails there.
    c = Case("case-020", "gpu_power_throttle", "node-8", nodes(7, 8, 9, 10))
    c.alert("StragglerNode", "ranks 8-15 (node-8) slowest in every step", job="llama3-405b", node="node-8")
    c.log("node-7/rank0/stdout", rank0_megatron(c, n=40, end_s=-5, step_s=6.9))
    c.log("node-8/rank8/stdout", interleave(c.rng, app_noise(c, 14), nccl_init(c, "node-8", 8, 0, 32)[:10]))
    c.gpu_metric("DCGM_FI_DEV_GPU_UTIL", "node-8", 98, 1.5, decimals=0)
    c.gpu_metric("DCGM_FI_DEV_GPU_TEMP", "node-8", 54, 4, decimals=0)
    c.health("gpu.health@node-8/gpu0", sm_clock_mhz=840, power_w=290, clock_event_reasons=CLK_HW_POWER_BRAKE | CLK_HW_SLOWDOWN)
    c.health("gpu.health@node-8/gpu5", sm_clock_mhz=840, power_w=284, clock_event_reasons=CLK_HW_POWER_BRAKE | CLK_HW_SLOWDOWN)
    c.gemm("gpu.gemm@node-8/gpu0", 388.0)
    c.gemm("gpu.gemm@node-7/gpu0")
    c.pcie("gpu.pcie_bandwidth@node-8/gpu0")
    c.nccl("nccl.allreduce@node-8")
    return c


@case
def case_021():
    # Probe-decided. One GPU with a lowered power limit (350 W) after a vendor tool run; looks
    # like a straggler; the health probe shows the power limit and SW power cap, thermal normal.
    c = Case("case-021", "gpu_power_throttle", "node-11/gpu3", nodes(11, 12))
    c.alert("StragglerRank", "rank 3 fwd-bwd 22% slower than median", job="sd3-train", node="node-11", rank="3")
    c.log("node-11/rank0/stdout", interleave(c.rng, plain_steps(c, -300, 60, 40100, step_s=1.4), app_noise(c, 10)))
    c.log("node-11/rank3/stdout", ["%s | DEBUG | timing | rank 3 fwd %.0f ms bwd %.0f ms opt %.0f ms data %.0f ms" % (
        c.ymd(-290 + 10 * i), 410 * 1.22 * c.rng.uniform(0.98, 1.02), 790 * 1.22 * c.rng.uniform(0.98, 1.02),
        c.rng.uniform(58, 63), c.rng.uniform(7, 12)) for i in range(25)])
    c.gpu_metric("DCGM_FI_DEV_POWER_USAGE", "node-11", 640, 40, {3: lambda s, v: 348 + c.rng.uniform(-3, 2)})
    c.gpu_metric("DCGM_FI_DEV_GPU_TEMP", "node-11", 57, 4, {3: lambda s, v: v - 9}, decimals=0)
    c.health("gpu.health@node-11/gpu3", power_limit_w=350, power_w=349, sm_clock_mhz=1395, clock_event_reasons=CLK_SW_POWER_CAP,
             temperature_c=47)
    c.gemm("gpu.gemm@node-11/gpu3", 452.0)
    c.pcie("gpu.pcie_bandwidth@node-11/gpu3")
    c.hbm("gpu.hbm_bandwidth@node-11/gpu3")
    return c


# ==================================================================== pcie_link_degraded
@case
def case_022():
    c = Case("case-022", "pcie_link_degraded", "node-15/gpu1", nodes(15, 16))
    c.alert("PCIeReplayRate", "node-15 GPU 1: PCIe replay counter +4000/h", node="node-15", gpu="1")
    c.log("node-15/rank0/stdout", interleave(c.rng, deepspeed_steps(c, -400, 40, 8800), app_noise(c, 8)))
    k = kernel_noise(c, "node-15", 8, -1500, -900)
    for i in range(6):
        t = -880 + 130 * i
        k += ["%s node-15 kernel: pcieport 0000:%s:01.0: AER: Corrected error message received from 0000:%s:00.0" % (
            c.syslog(t), "27", c.pci[1]),
              "%s node-15 kernel: nvidia 0000:%s:00.0: PCIe Bus Error: severity=Corrected, type=Physical Layer, (Receiver ID)" % (c.syslog(t), c.pci[1]),
              "%s node-15 kernel: nvidia 0000:%s:00.0:   device [10de:2335] error status/mask=00000001/0000e000" % (c.syslog(t), c.pci[1]),
              "%s node-15 kernel: nvidia 0000:%s:00.0:    [ 0] RxErr                  (First)" % (c.syslog(t), c.pci[1])]
    c.log("node-15/journal", k)
    c.gpu_metric("DCGM_FI_DEV_PCIE_REPLAY_COUNTER", "node-15", 2, 0.2, {1: lambda s, v: 2 + max(0, s + 900) * 1.15}, decimals=0)
    c.gpu_metric("DCGM_FI_DEV_PCIE_LINK_GEN", "node-15", 5, 0, {1: lambda s, v: 5 if s < -900 else 3}, decimals=0)
    c.health("gpu.health@node-15/gpu1", pcie_link_gen=3, pcie_replay_count=1043)
    c.pcie("gpu.pcie_bandwidth@node-15/gpu1", 13.8, 13.1)
    return c


@case
def case_023():
    # Probe-decided straggler: slow rank, no kernel messages, no thermal data. The PCIe probe and
    # health show x4 width; gemm passes (the GPU computes fine, its host link is slow).
    c = Case("case-023", "pcie_link_degraded", "node-21/gpu5", nodes(20, 21))
    c.alert("StragglerRank", "rank 13 slowest; step time +18%", job="vit-22b", node="node-21", rank="13")
    c.log("node-20/rank0/stdout", rank0_megatron(c, n=45, end_s=-5, step_s=3.3))
    c.log("node-21/rank13/stderr", app_noise(c, 10) + ["%s WARNING: H2D batch copy took %d ms (p50 %d ms)" % (
        c.ymd(-200 + 20 * i), c.rng.randrange(180, 260), 41) for i in range(8)])
    c.gpu_metric("DCGM_FI_DEV_GPU_UTIL", "node-21", 96, 2, {5: lambda s, v: v - 19}, decimals=0)
    c.health("gpu.health@node-21/gpu5", pcie_link_width=4, pcie_replay_count=12)
    c.pcie("gpu.pcie_bandwidth@node-21/gpu5", 12.9, 12.4)
    c.gemm("gpu.gemm@node-21/gpu5")
    c.health("gpu.health@node-21/gpu4")
    return c


@case
def case_024():
    # Probe-decided. Looks like a dataloader stall: pin-memory warnings and low utilisation on
    # ranks of node-33; but only gpu0's host link is slow (Gen1 after a PCIe switch reset).
    c = Case("case-024", "pcie_link_degraded", "node-33/gpu0", nodes(32, 33))
    c.alert("GPUUtilLow", "node-33 GPU 0 utilisation 58% (job median 95%)", node="node-33", gpu="0")
    c.log("node-33/rank8/stderr", interleave(c.rng, app_noise(c, 14), [
        "/usr/local/lib/python3.10/dist-packages/torch/utils/data/dataloader.py:617: UserWarning: This DataLoader will create 16 worker processes in total. Our suggested max number of worker in current system is 12, which is smaller than what this DataLoader is going to create.",
        "%s WARNING: pin_memory thread took 1.9s for batch 88123" % c.ymd(-300)]))
    c.log("node-33/journal", kernel_noise(c, "node-33", 10) + [
        "%s node-33 kernel: pcieport 0000:15:01.0: pciehp: Slot(1): Link Down" % c.syslog(-3000),
        "%s node-33 kernel: pcieport 0000:15:01.0: pciehp: Slot(1): Link Up" % c.syslog(-2999)])
    c.gpu_metric("DCGM_FI_DEV_GPU_UTIL", "node-33", 95, 2, {0: lambda s, v: 58 + c.rng.uniform(-3, 3)}, decimals=0)
    c.gpu_metric("DCGM_FI_PROF_PCIE_RX_BYTES", "node-33", 9.1e9, 2e8, {0: lambda s, v: 1.7e9}, decimals=0)
    c.pcie("gpu.pcie_bandwidth@node-33/gpu0", 3.7, 3.5)
    c.health("gpu.health@node-33/gpu0", pcie_link_gen=1, pcie_link_width=16)
    c.pcie("gpu.pcie_bandwidth@node-33/gpu1")
    return c

# ==================================================================== gpu_silent_data_corruption
@case
def case_025():
    # Misleading: looks like loss divergence (NaN). The job's own replica-consistency check says
    # DP replica on rank 21 disagrees; health is clean (no ECC), the sdc vote singles out gpu5.
    c = Case("case-025", "gpu_silent_data_corruption", "node-3/gpu5", nodes(1, 2, 3, 4))
    c.alert("TrainingLossNaN", "llama3-70b: loss NaN at iteration 118240", job="llama3-70b", node="node-1")

    def loss(i):
        return float("nan") if i >= 30 else 1.62 + c.rng.uniform(-0.02, 0.02)
    lines = megatron_iters(c, -170, 32, 118210, loss_fn=loss, nan_fn=lambda i: int(i >= 30),
                           grad_fn=lambda i: float("nan") if i >= 30 else (0.29 if i < 26 else 3.7) * c.rng.uniform(0.9, 1.1))
    c.log("node-1/rank0/stdout", interleave(c.rng, lines, app_noise(c, 10)))
    c.log("node-1/consistency-check", ["%s replica-check: step %d param checksum dp-group 5: %d/%d replicas agree%s" % (
        c.ymd(-150 + 20 * i), 118214 + 4 * i, 7 if i >= 3 else 8, 8,
        " (rank 21 differs: 0x%08x vs 0x%08x)" % (c.rng.randrange(1 << 32), 0x5e11a0c3) if i >= 3 else "") for i in range(8)]
        + app_noise(c, 8))
    std_gpu_metrics(c, "node-3", with_clock=False)
    c.gpu_metric("DCGM_FI_DEV_ECC_DBE_VOL_TOTAL", "node-3", 0, 0, decimals=0)
    c.health("gpu.health@node-3/gpu5")
    c.sdc("gpu.sdc@node-3", 1873, "gpu5")
    c.sdc("gpu.sdc@node-2")
    return c


@case
def case_026():
    # Probe-decided. Loss spikes recur after restarting from a clean checkpoint with lower LR, but
    # only in runs that include node-7. Nothing in logs names a GPU; sdc on node-7 does.
    c = Case("case-026", "gpu_silent_data_corruption", "node-7/gpu1", nodes(5, 6, 7, 8))
    c.alert("LossSpike", "mistral-22b: loss 3.1x its 1h trend", job="mistral-22b", node="node-5")

    def loss(i):
        return 1.91 + (2.1 if i in (14, 15, 27) else 0) + c.rng.uniform(-0.03, 0.03)
    c.log("node-5/rank0/stdout", interleave(c.rng, megatron_iters(c, -180, 40, 30410, loss_fn=loss, lr=1.2e-4,
                                                                  grad_fn=lambda i: (4.2 if i in (14, 15, 27) else 0.33)), app_noise(c, 8)))
    c.log("scheduler/notes", ["%s restart 1 from iter_0030000 (lr 3e-4 -> 1.2e-4) on node-5,node-6,node-7,node-8" % c.ymd(-7200),
                              "%s restart 0 loss spikes at 30120, 30177 (same node list)" % c.ymd(-7300),
                              "%s ablation run on node-5,node-6,node-8,node-9 from iter_0030000: no spikes over 800 iterations" % c.ymd(-3600)]
          + app_noise(c, 10))
    c.health("gpu.health@node-7/gpu1")
    c.sdc("gpu.sdc@node-7", 212, "gpu1")
    c.sdc("gpu.sdc@node-6")
    c.gemm("gpu.gemm@node-7/gpu1")
    std_gpu_metrics(c, "node-7", with_clock=False)
    return c


@case
def case_027():
    # Probe-decided. Per-rank grad-norm logging shows rank 37 far above the median before the
    # global loss goes bad; could be a data problem on that rank's shard. sdc confirms the GPU.
    c = Case("case-027", "gpu_silent_data_corruption", "node-5/gpu5", nodes(1, 2, 3, 4, 5, 6))
    c.alert("GradNormSpike", "grad norm 1.2e4 at step 55190", job="phi-moe-pretrain", node="node-1")
    c.log("node-1/rank0/stdout", interleave(c.rng, fsdp_steps(c, -120, 40, 55150, loss_fn=lambda i: 2.2 if i < 38 else 9.7), app_noise(c, 8)))
    c.log("node-1/per-rank-gradnorm", ["%s gradnorm-monitor step %d: median %.3f max %.3f (rank %d)" % (
        c.ymd(-118 + 3 * i), 55150 + i, 0.41, 0.44 if i < 30 else 1.2e4 * c.rng.uniform(0.5, 1.0), c.rng.randrange(48) if i < 30 else 37)
        for i in range(40)])
    c.log("node-5/rank37/stderr", app_noise(c, 6) + ["%s INFO dataset shard 1733 opened on rank 37" % c.ymd(-400)])
    c.health("gpu.health@node-5/gpu5")
    c.sdc("gpu.sdc@node-5", 96, "gpu5")
    c.gemm("gpu.gemm@node-5/gpu5")
    c.hbm("gpu.hbm_bandwidth@node-5/gpu5")
    c.node_metric("training_grad_norm", {"job": "phi-moe-pretrain"}, lambda s: 0.41 * c.rng.uniform(0.9, 1.1) if s < -30 else 1.2e4)
    c.node_metric("training_loss", {"job": "phi-moe-pretrain"}, lambda s: 2.2 if s < -10 else 9.7)
    return c


# ==================================================================== ib_link_failure
def ib_completion_error(c, host, gpu, peer_ip, s, status=12, vendor=129, opcode=0):
    pid = c.rng.randrange(10000, 99999)
    return ["%s:%d:%d [%d] transport/net_ib.cc:1696 NCCL WARN NET/IB : Got completion from peer %s<%d> with status=%d "
            "opcode=%d len=0 vendor err %d (Recv) localGid ::ffff:10.1.%d.%d remoteGids::ffff:%s hca mlx5_%d" % (
                host, pid, pid + 88, gpu, peer_ip, c.rng.randrange(30000, 60000), status, opcode, vendor,
                c.rng.randrange(0, 8), c.rng.randrange(2, 250), peer_ip, gpu),
            "%s:%d:%d [%d] NCCL INFO transport/net.cc:1131 -> 6" % (host, pid, pid + 88, gpu),
            "%s:%d:%d [%d] NCCL INFO proxy.cc:1511 -> 6" % (host, pid, pid + 88, gpu),
            "%s:%d:%d [%d] NCCL INFO proxy.cc:1551 -> 6" % (host, pid, pid + 88, gpu)]


@case
def case_028():
    c = Case("case-028", "ib_link_failure", "node-4/mlx5_2", nodes(1, 2, 3, 4))
    c.alert("NCCLError", "llama3-70b: ncclRemoteError on 8 ranks", job="llama3-70b", node="node-4")
    c.log("node-1/rank0/stdout", rank0_megatron(c, n=30, end_s=-80))
    c.log("node-4/rank26/stderr", app_noise(c, 6) + ib_completion_error(c, "node-4", 2, "10.1.2.33", -70) + [
        "[rank26]: torch.distributed.DistBackendError: NCCL error in: ../torch/csrc/distributed/c10d/ProcessGroupNCCL.cpp:1970, remote process exited or there was a network error, NCCL version 2.21.5",
        "[rank26]: ncclRemoteError: A call failed possibly due to a network error or a remote process exiting prematurely.",
        "[rank26]: Last error:",
        "[rank26]: NET/IB : Got completion from peer 10.1.2.33<48121> with status=12 opcode=0 len=0 vendor err 129 (Recv) localGid ::ffff:10.1.4.26 hca mlx5_2"])
    c.log("node-2/rank10/stderr", app_noise(c, 4) + ib_completion_error(c, "node-2", 2, "10.1.4.26", -69))
    k = kernel_noise(c, "node-4", 10, -1500, -100) + [
        "%s node-4 kernel: mlx5_core 0000:%s:00.0: mlx5_port_module_event:1139:(pid 0): Port module event: module 2, Cable plugged" % (c.syslog(-1260), "4b"),
        "%s node-4 kernel: mlx5_core 0000:4b:00.0 ibp75s0: Link down" % c.syslog(-75),
        "%s node-4 kernel: mlx5_core 0000:4b:00.0 ibp75s0: Link up" % c.syslog(-61),
        "%s node-4 kernel: mlx5_core 0000:4b:00.0 ibp75s0: Link down" % c.syslog(-55)]
    c.log("node-4/journal", k)
    for dev in ("mlx5_0", "mlx5_1", "mlx5_2", "mlx5_3"):
        bad = dev == "mlx5_2"
        c.node_metric("node_infiniband_link_downed_total", {"instance": "node-4", "device": dev, "port": "1"},
                      lambda s, bad=bad: (3 if s > -75 else 0) if bad else 0, 0)
        c.node_metric("node_infiniband_port_errors_total", {"instance": "node-4", "device": dev, "port": "1", "type": "symbol"},
                      lambda s, bad=bad: (40 + max(0, s + 600) * 2.3) if bad else 1, 0)
    c.nccl("nccl.sendrecv@node-4", 3.2, details={"worst_hca": "mlx5_2", "worst_hca_gb_s": 0.0})
    return c


@case
def case_029():
    # DeepSpeed job; IBV_WC_RETRY_EXC_ERR from the ibverbs layer; port symbol errors climb on
    # node-17 mlx5_5 (cable / transceiver).
    c = Case("case-029", "ib_link_failure", "node-17/mlx5_5", nodes(16, 17, 18, 19))
    c.alert("TrainingJobFailed", "bloom-ft exited: NCCL communicator aborted", job="bloom-ft", node="node-16")
    c.log("node-16/rank0/stderr", interleave(c.rng, deepspeed_steps(c, -500, 30, 2210), app_noise(c, 8)) + [
        "[rank0]: RuntimeError: NCCL communicator was aborted on rank 0. Original reason for failure was: NCCL error: remote process exited or there was a network error, NCCL version 2.19.3"])
    c.log("node-17/rank13/stderr", [
        "node-17:22811:23015 [5] misc/ibvwrap.cc:296 NCCL WARN Call to ibv_poll_cq failed with error IBV_WC_RETRY_EXC_ERR(12)",
        "node-17:22811:23015 [5] NCCL INFO transport/net_ib.cc:1302 -> 6",
        "node-17:22811:23015 [5] NCCL WARN NET/IB : Got completion from peer 10.2.19.5<59103> with error 12, opcode 1, len 0, vendor err 129 (Send) hca mlx5_5",
        "node-17:22811:23015 [5] NCCL INFO transport/net.cc:1203 -> 6"] + app_noise(c, 6))
    c.log("node-17/ibdiagnet", ["-I- Port counters check", "-W- lid=0x01a3 dev=4123 node-17/U1/P1 (mlx5_5) Performance Monitor counter     : Value",
                                "-W-     symbol_error_counter   : 6322 (threshold=10)", "-W-     link_error_recovery_counter : 14 (threshold=5)",
                                "-W-     port_rcv_errors        : 1877", "-I- lid=0x019c dev=4123 node-17/U1/P1 (mlx5_4) counters OK"] + app_noise(c, 3))
    for dev in ("mlx5_4", "mlx5_5"):
        bad = dev == "mlx5_5"
        c.node_metric("node_infiniband_port_errors_total", {"instance": "node-17", "device": dev, "port": "1", "type": "symbol"},
                      lambda s, bad=bad: (100 + (s + 1200) * 5.1) if bad else 2, 0)
    c.nccl("nccl.allreduce@node-17")
    c.nccl("nccl.sendrecv@job", 11.0)
    return c


@case
def case_030():
    # Probe-decided, misleading: all ranks hit the watchdog, nothing network-related in logs (the
    # NCCL WARN lines went to a log that was not collected). The inter-node sendrecv probe from
    # node-9 fails with retry-exceeded on mlx5_1; the intra-node all-reduce passes.
    c = Case("case-030", "ib_link_failure", "node-9/mlx5_1", nodes(9, 10, 11, 12))
    c.alert("NCCLWatchdogTimeout", "qwen2-72b: all ranks timed out in REDUCE_SCATTER", job="qwen2-72b", node="node-10")
    c.log("node-10/rank8/stderr", rank0_megatron(c, n=30, end_s=-640) + watchdog(c, 8, -40, 5512, op="_REDUCE_SCATTER_BASE"))
    c.log("node-9/rank1/stderr", app_noise(c, 6) + watchdog(c, 1, -39, 5512, op="_REDUCE_SCATTER_BASE"))
    c.log("node-12/rank30/stderr", app_noise(c, 4) + watchdog(c, 30, -38, 5512, op="_REDUCE_SCATTER_BASE"))
    std_gpu_metrics(c, "node-9", util_over={g: hung_after(-640) for g in range(8)}, with_clock=False)
    c.node_metric("node_infiniband_port_rcv_errors_total", {"instance": "node-9", "device": "mlx5_1", "port": "1"},
                  lambda s: 12 + max(0, s + 700) * 0.8, 0)
    c.node_metric("node_infiniband_port_rcv_errors_total", {"instance": "node-9", "device": "mlx5_0", "port": "1"}, lambda s: 3, 0)
    c.nccl("nccl.allreduce@node-9")
    c.nccl("nccl.sendrecv@node-9", 4.1, minimum=40.0, details={"error": "NET/IB: IBV_WC_RETRY_EXC_ERR(12) on mlx5_1 to node-11"})
    c.health("gpu.health@node-9/gpu1")
    return c


# ==================================================================== nccl_network_misconfig
@case
def case_031():
    # NCCL_SOCKET_IFNAME=eth0 in the launcher, but these nodes name the interface ens5f0np0:
    # bootstrap cannot find an interface and init fails on every rank.
    c = Case("case-031", "nccl_network_misconfig", "job", nodes(1, 2))
    c.alert("TrainingJobFailed", "new-cluster smoke test failed at init", job="smoke-llama-8b", node="node-1")
    env = ["+ export NCCL_SOCKET_IFNAME=eth0", "+ export NCCL_IB_HCA=mlx5", "+ export NCCL_DEBUG=INFO",
           "+ torchrun --nnodes 2 --nproc-per-node 8 --rdzv-endpoint node-1:29500 train.py"]
    err = ["node-1:4122:4122 [0] NCCL INFO NCCL version 2.21.5+cuda12.4",
           "node-1:4122:4122 [0] NCCL INFO NCCL_SOCKET_IFNAME set by environment to eth0",
           "node-1:4122:4122 [0] bootstrap.cc:69 NCCL WARN Bootstrap : no socket interface found",
           "node-1:4122:4122 [0] NCCL INFO init.cc:1411 -> 3",
           "[rank0]: torch.distributed.DistBackendError: NCCL error in: ../torch/csrc/distributed/c10d/ProcessGroupNCCL.cpp:1970, internal error - please report this issue to the NCCL developers, NCCL version 2.21.5",
           "[rank0]: ncclInternalError: Internal check failed.",
           "[rank0]: Last error:",
           "[rank0]: Bootstrap : no socket interface found"]
    c.log("node-1/rank0/stderr", env + app_noise(c, 10) + err)
    c.log("node-2/ip-addr", ["1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536", "2: ens5f0np0: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 9000",
                             "    inet 10.0.0.12/16 brd 10.0.255.255 scope global ens5f0np0", "3: ibp12s0: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 4092",
                             "4: docker0: <NO-CARRIER,BROADCAST,MULTICAST,UP> mtu 1500"] + app_noise(c, 6))
    c.nccl("nccl.allreduce@node-1")
    c.errored("nccl.allreduce@job", "bootstrap failed: no socket interface found (probe inherited NCCL_SOCKET_IFNAME=eth0)", 2.2)
    return c


@case
def case_032():
    # Misleading IB flavour: peers log NET/IB warnings and connection refusals look like a
    # network fault. The real cause: NCCL_SOCKET_IFNAME=ib0 is set, but on node-3 and node-4 ib0
    # holds an address in a different, non-routed subnet, so the bootstrap connects to the
    # wrong address.
    c = Case("case-032", "nccl_network_misconfig", "job", nodes(1, 2, 3, 4))
    c.alert("TrainingJobFailed", "rl-policy-70b: ncclSystemError during init", job="rl-policy-70b", node="node-3")
    c.log("node-1/rank0/stderr", app_noise(c, 8) + [
        "node-1:9912:9912 [0] NCCL INFO NCCL_SOCKET_IFNAME set by environment to ib0",
        "node-1:9912:9912 [0] NCCL INFO Bootstrap : Using ib0:192.168.10.1<0>",
        "node-1:9912:10021 [0] NCCL INFO NET/IB : Using [0]mlx5_0:1/IB [1]mlx5_3:1/IB ; OOB ib0:192.168.10.1<0>"])
    c.log("node-3/rank16/stderr", app_noise(c, 8) + [
        "node-3:7712:7712 [0] NCCL INFO Bootstrap : Using ib0:172.31.4.3<0>",
        "node-3:7712:7840 [0] misc/socket.cc:484 NCCL WARN socketStartConnect: Connect to 192.168.10.1<33271> failed : Software caused connection abort",
        "node-3:7712:7840 [0] NCCL WARN NET/IB : Got async event : GID table change",
        "node-3:7712:7840 [0] NCCL INFO misc/socket.cc:565 -> 2",
        "node-3:7712:7840 [0] NCCL INFO bootstrap.cc:274 -> 2",
        "[rank16]: torch.distributed.DistBackendError: NCCL error in: ../torch/csrc/distributed/c10d/NCCLUtils.hpp:275, unhandled system error (run with NCCL_DEBUG=INFO for details), NCCL version 2.20.5",
        "[rank16]: ncclSystemError: System call (e.g. socket, malloc) or external library call failed or device error.",
        "[rank16]: Last error:",
        "[rank16]: socketPollConnect: connect returned Connection refused, exceeded error retry count (35)"])
    c.log("node-3/ip-addr", ["5: ib0: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 4092", "    inet 172.31.4.3/24 scope global ib0",
                             "6: ib1: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 4092", "    inet 192.168.10.3/24 scope global ib1"])
    c.log("node-3/journal", kernel_noise(c, "node-3", 8) + [
        "%s node-3 kernel: mlx5_core 0000:e1:00.0 ibp225s0: Link down" % c.syslog(-86000)])
    c.nccl("nccl.sendrecv@node-3")
    c.errored("nccl.allreduce@job", "bootstrap timeout: rank 16 (node-3) connected from 172.31.4.3, not reachable from 192.168.10.0/24", 61.0)
    return c


@case
def case_033():
    # Probe-decided. NCCL_IB_HCA lists a device name that does not exist on this image
    # (mlx5_bond_0), so NCCL silently falls back to sockets. The job runs 9x slower; looks like
    # an IB fault or a straggler. Probes: inter-node busbw ~2 GB/s everywhere, intra-node fine,
    # GPUs healthy.
    c = Case("case-033", "nccl_network_misconfig", "job", nodes(20, 21, 22, 23))
    c.alert("TrainingThroughputDrop", "llama3-8b-sweep: step time 9x slower than the previous run", job="llama3-8b-sweep", node="node-20")
    c.log("node-20/rank0/stdout", ["node-20:3312:3312 [0] NCCL INFO NCCL version 2.21.5+cuda12.4",
                                   "node-20:3312:3312 [0] NCCL INFO NCCL_IB_HCA set to mlx5_bond_0",
                                   "node-20:3312:3390 [0] NCCL INFO NET/IB : No device found.",
                                   "node-20:3312:3390 [0] NCCL INFO NET/Socket : Using [0]bond0:10.0.20.1<0>",
                                   "node-20:3312:3390 [0] NCCL INFO Using network Socket"]
          + interleave(c.rng, fsdp_steps(c, -600, 35, 10, step_s=16.4), app_noise(c, 10)))
    c.node_metric("training_step_time_seconds", {"job": "llama3-8b-sweep"}, lambda s: 16.4 * c.rng.uniform(0.98, 1.02))
    for dev in ("mlx5_0", "mlx5_1"):
        c.node_metric("node_infiniband_port_data_transmitted_bytes_total", {"instance": "node-20", "device": dev, "port": "1"},
                      lambda s: 1.88e13, 0)
    c.nccl("nccl.allreduce@node-20")
    c.nccl("nccl.allreduce@job", 2.3, details={"transport": "NET/Socket"})
    c.health("gpu.health@node-20/gpu0")
    c.gemm("gpu.gemm@node-21/gpu3")
    return c


# ==================================================================== nccl_collective_hang
@case
def case_034():
    # A code path issued a BROADCAST on rank 5 while every other rank was in ALLREDUCE
    # (TORCH_DISTRIBUTED_DEBUG=DETAIL caught the mismatch). No hardware or network fault; the
    # evidence singles out rank 5, so the component is its GPU.
    c = Case("case-034", "nccl_collective_hang", "node-1/gpu5", nodes(1))
    c.alert("NCCLWatchdogTimeout", "eval-harness: collective timeout on all ranks", job="eval-harness", node="node-1")
    c.log("node-1/rank0/stderr", interleave(c.rng, plain_steps(c, -900, 40, 1), app_noise(c, 8)) + watchdog(c, 0, -20, 401))
    c.log("node-1/rank5/stderr", app_noise(c, 4) + [
        "[rank5]: RuntimeError: Detected mismatch between collectives on ranks. Rank 5 is running collective: CollectiveFingerPrint(SequenceNumber=401, OpType=BROADCAST, TensorShape=[1], TensorDtypes=Long, TensorDeviceTypes=TensorOptions(dtype=float (default), device=cuda, layout=Strided (default), requires_grad=false (default), pinned_memory=false (default), memory_format=(nullopt))), but Rank 0 is running collective: CollectiveFingerPrint(SequenceNumber=401, OpType=ALLREDUCE, TensorShape=[4096], TensorDtypes=Float).",
        "[rank5]: Collectives differ in the following aspects: \t Op type: BROADCASTvs ALLREDUCE  Tensor Tensor shapes: 1vs 4096"])
    std_gpu_metrics(c, "node-1", util_over={g: hung_after(-620) for g in range(8)}, with_clock=False)
    c.nccl("nccl.allreduce@node-1")
    c.health("gpu.health@node-1/gpu5")
    return c


@case
def case_035():
    # Flight recorder: rank 12 never enqueued SeqNum 18422; py-spy shows it blocked in a
    # checkpoint-upload thread join holding the GIL. Everyone else waits in ALLREDUCE.
    c = Case("case-035", "nccl_collective_hang", "node-2/gpu4", nodes(1, 2))
    c.alert("TrainingJobStalled", "no progress for 12m", job="codellama-34b", node="node-1")
    c.log("node-1/rank0/stderr", rank0_megatron(c, n=30, end_s=-720, noise=6) + watchdog(c, 0, -100, 18422))
    c.log("node-1/flight-recorder", [
        "%s fr_trace: rank %d last enqueued %d last completed %d state %s" % (
            c.ymd(-90), r, 18421 if r == 12 else 18422, 18421, "completed" if r == 12 else "scheduled") for r in range(16)])
    c.log("node-2/rank12/py-spy", ["Thread 0x7F3A12 (active): \"MainThread\"",
                                   "    join (threading.py:1096)",
                                   "    wait_for_upload (ckpt/async_upload.py:88)",
                                   "    save_checkpoint (megatron/training/checkpointing.py:402)",
                                   "Thread 0x7F1C88 (idle): \"upload-worker-0\"",
                                   "    _wait_for_tstate_lock (threading.py:1116)",
                                   "    put (queue.py:140)"] + app_noise(c, 4))
    std_gpu_metrics(c, "node-2", util_over={g: (hung_after(-720) if g != 4 else drop_to(-720, 0)) for g in range(8)}, with_clock=False)
    c.health("gpu.health@node-2/gpu4")
    c.nccl("nccl.allreduce@node-2")
    return c


@case
def case_036():
    # Probe-assisted. Watchdog timeouts on all ranks, no rank died, no error line anywhere.
    # Node-4's probes: health and kernel launch pass, but the intra-node all-reduce probe itself
    # never completes there (error: timeout; node-4 alone runs with NVLS enabled), while the same
    # probe passes on node-3 and node-5. The stuck component is node-4.
    c = Case("case-036", "nccl_collective_hang", "node-4", nodes(3, 4, 5))
    c.alert("NCCLWatchdogTimeout", "mpt-30b: ALLREDUCE SeqNum 991 timed out on 24/24 ranks", job="mpt-30b", node="node-3")
    c.log("node-3/rank0/stderr", nccl_init(c, "node-3", 0, 0, 24, version="2.18.1+cuda12.1") + rank0_megatron(c, n=20, end_s=-700) + watchdog(c, 0, -60, 991))
    c.log("node-4/rank11/stderr", [l.replace("NVLS multicast support is not available", "NVLS multicast support is available")
                                   for l in nccl_init(c, "node-4", 11, 3, 24, version="2.18.1+cuda12.1")] + watchdog(c, 11, -59, 991))
    c.log("node-5/rank20/stderr", app_noise(c, 4) + watchdog(c, 20, -58, 991))
    std_gpu_metrics(c, "node-4", util_over={g: hung_after(-660) for g in range(8)}, with_clock=False)
    c.health("gpu.health@node-4/gpu3")
    c.kernel_launch("gpu.kernel_launch@node-4/gpu3")
    c.errored("nccl.allreduce@node-4", "timed out after 120 s: ncclAllReduce did not complete on 8/8 ranks (NCCL_NVLS_ENABLE=1)", 120.0)
    c.nccl("nccl.allreduce@node-5")
    c.nccl("nccl.allreduce@node-3")
    return c


# ==================================================================== rank_process_crash
@case
def case_037():
    c = Case("case-037", "rank_process_crash", "node-2/gpu1", nodes(1, 2, 3))
    c.alert("TrainingJobFailed", "t5-xxl exited: ChildFailedError", job="t5-xxl", node="node-2")
    c.log("node-1/rank0/stderr", interleave(c.rng, deepspeed_steps(c, -600, 24, 4400), app_noise(c, 6)) + [
        "[rank0]: torch.distributed.DistBackendError: [0] is setting up NCCL communicator and retrieving ncclUniqueId from [0] via c10d key-value store by key '0:1', but store->get('0:1') got error: Connection reset by peer",
        "[rank0]: RuntimeError: NCCL communicator was aborted on rank 0. Original reason for failure was: NCCL error: remote process exited or there was a network error"])
    c.log("node-2/torchrun", ["!!!!!!! Segfault encountered !!!!!!!",
                              "  File \"/usr/local/lib/python3.10/dist-packages/apex/contrib/xentropy/softmax_xentropy.py\", line 17 in forward",
                              "Fatal Python error: Segmentation fault", ""] + elastic_failure(c, -70, "node-2", 9, 1, -11, sig="SIGSEGV"))
    c.log("node-2/journal", kernel_noise(c, "node-2", 10) + [
        "%s node-2 kernel: python3[41233]: segfault at 10 ip 00007f1a2c3e8a11 sp 00007ffd33a1c2f0 error 4 in xentropy_cuda.cpython-310-x86_64-linux-gnu.so[7f1a2c3c0000+4a000]" % c.syslog(-71)])
    c.health("gpu.health@node-2/gpu1")
    return c


@case
def case_038():
    # Misleading: peers print IB completion errors (status 12) because the remote QPs vanished.
    # The first failure is a Python exception on rank 40 (KeyError in the data collator).
    c = Case("case-038", "rank_process_crash", "node-6/gpu0", nodes(1, 2, 3, 4, 5, 6))
    c.alert("NCCLError", "sft-405b: NCCL remote error on 40 ranks", job="sft-405b", node="node-5")
    c.log("node-5/rank33/stderr", app_noise(c, 6) + ib_completion_error(c, "node-5", 1, "10.1.6.40", -20, status=12))
    c.log("node-1/rank0/stdout", rank0_megatron(c, n=28, end_s=-30))
    c.log("node-6/rank40/stderr", app_noise(c, 8) + [
        "[rank40]: Traceback (most recent call last):",
        '[rank40]:   File "/workspace/sft/data.py", line 211, in __call__',
        '[rank40]:     labels = [ex["labels"] for ex in batch]',
        "[rank40]: KeyError: 'labels'"] + elastic_failure(c, -35, "node-6", 40, 0, 1, error_file="/tmp/torchelastic_x1/none_/attempt_0/0/error.json",
                                                             traceback="Traceback (most recent call last): ... KeyError: 'labels'"))
    c.node_metric("node_infiniband_port_errors_total", {"instance": "node-6", "device": "mlx5_0", "port": "1", "type": "symbol"}, lambda s: 2, 0)
    c.nccl("nccl.sendrecv@node-6")
    c.nccl("nccl.sendrecv@node-5")
    return c


@case
def case_039():
    # glibc abort in rank 27 (double free in a custom op), peers report "Connection closed by
    # peer". The exit code is -6 (SIGABRT), not -9: no OOM kill in the journal.
    c = Case("case-039", "rank_process_crash", "node-4/gpu3", nodes(1, 2, 3, 4))
    c.alert("TrainingJobFailed", "megatron-moe-8x7b: rank 27 exited with SIGABRT", job="moe-8x7b", node="node-4")
    c.log("node-4/rank27/stderr", app_noise(c, 6) + ["double free or corruption (!prev)"] + elastic_failure(c, -50, "node-4", 27, 3, -6, sig="SIGABRT"))
    c.log("node-3/rank17/stderr", app_noise(c, 4) + [
        "[rank17]:[E%s ProcessGroupNCCL.cpp:1316] [PG 0 Rank 17] Process group watchdog thread terminated with exception: NCCL error: remote process exited or there was a network error, NCCL version 2.21.5" % c.glog(-45)[1:],
        "[rank17]: ncclRemoteError: A call failed possibly due to a network error or a remote process exiting prematurely.",
        "[rank17]: Last error:",
        "[rank17]: socketProgress: Connection closed by remote peer node-4<41122>"])
    c.log("node-4/journal", kernel_noise(c, "node-4", 14))
    c.node_metric("node_memory_MemAvailable_bytes", {"instance": "node-4"}, lambda s: 1.41e12 * c.rng.uniform(0.99, 1.0), 0)
    c.log("node-1/rank0/stdout", rank0_megatron(c, n=25, end_s=-55))
    return c


# ==================================================================== cuda_oom
def torch_oom(c, rank, gpu, tried, free, inuse, alloc, reserved, total=139.72):
    p = "[rank%d]: " % rank
    return [p + "Traceback (most recent call last):",
            p + '  File "/workspace/train.py", line 412, in train_step',
            p + "    loss.backward()",
            p + "torch.OutOfMemoryError: CUDA out of memory. Tried to allocate %.2f GiB. GPU %d has a total capacity of %.2f GiB of which %.2f GiB is free. "
            "Including non-PyTorch memory, this process has %.2f GiB memory in use. Of the allocated memory %.2f GiB is allocated by PyTorch, and %.2f GiB is "
            "reserved by PyTorch but unallocated. If reserved but unallocated memory is large try setting PYTORCH_CUDA_ALLOC_CONF=expandable_segments:True to "
            "avoid fragmentation.  See documentation for Memory Management  (https://pytorch.org/docs/stable/notes/cuda.html#environment-variables)" % (
                tried, gpu, total, free, inuse, alloc, reserved)]


@case
def case_040():
    c = Case("case-040", "cuda_oom", "node-1/gpu3", nodes(1))
    c.alert("TrainingJobFailed", "llava-34b-sft exited with code 1", job="llava-34b-sft", node="node-1")
    c.log("node-1/rank0/stdout", interleave(c.rng, fsdp_steps(c, -300, 30, 1210, mem_gib=121.4), app_noise(c, 10)))
    c.log("node-1/rank3/stderr", app_noise(c, 5) + torch_oom(c, 3, 3, 2.5, 1.21, 138.49, 131.12, 5.88))
    c.gpu_metric("DCGM_FI_DEV_FB_USED", "node-1", 126000, 1500, {3: lambda s, v: 141000 if s > -120 else v}, decimals=0)
    c.gpu_metric("DCGM_FI_DEV_GPU_UTIL", "node-1", 97, 2, decimals=0)
    return c


@case
def case_041():
    # Misleading: 63 ranks report the watchdog; rank 44 OOMed on a long-sequence batch a minute
    # before and its process is gone.
    c = Case("case-041", "cuda_oom", "node-6/gpu4", nodes(1, 2, 3, 4, 5, 6, 7, 8), gpu="NVIDIA H100 80GB HBM3")
    c.alert("NCCLWatchdogTimeout", "llama3-70b-long: 63/64 ranks timed out", job="llama3-70b-long", node="node-1")
    c.log("node-1/rank0/stdout", rank0_megatron(c, n=30, end_s=-660) + watchdog(c, 0, -50, 12001))
    c.log("node-8/rank60/stderr", app_noise(c, 5) + watchdog(c, 60, -49, 12001))
    c.log("node-6/rank44/stderr", app_noise(c, 8) + ["%s INFO: batch 12001 max seqlen 131072 (packed)" % c.ymd(-700)]
          + torch_oom(c, 44, 4, 8.0, 3.11, 76.02, 71.90, 2.95, total=79.11))
    c.gpu_metric("DCGM_FI_DEV_FB_USED", "node-6", 68000, 2000, {4: lambda s, v: v if s < -720 else (80400 if s < -690 else 600)}, decimals=0)
    c.gpu_metric("DCGM_FI_DEV_GPU_UTIL", "node-6", 97, 2, {4: drop_to(-690, 0)}, decimals=0)
    return c


@case
def case_042():
    # DeepSpeed ZeRO-3: NCCL itself fails to allocate (Cuda failure 'out of memory') inside a
    # collective on rank 2, which looks like an NCCL problem; MemAllocated shows the cause.
    c = Case("case-042", "cuda_oom", "node-9/gpu2", nodes(9, 10))
    c.alert("TrainingJobFailed", "zero3-13b: ncclUnhandledCudaError", job="zero3-13b", node="node-9")
    c.log("node-9/rank2/stderr", interleave(c.rng, deepspeed_steps(c, -400, 20, 700, rank=2, mem=(71.2, 137.9)), app_noise(c, 6)) + [
        "node-9:8811:8811 [2] include/alloc.h:125 NCCL WARN Cuda failure 'out of memory'",
        "node-9:8811:8811 [2] NCCL INFO include/alloc.h:246 -> 1",
        "node-9:8811:8811 [2] NCCL INFO channel.cc:40 -> 1",
        "[rank2]: torch.distributed.DistBackendError: NCCL error in: ../torch/csrc/distributed/c10d/ProcessGroupNCCL.cpp:1970, unhandled cuda error (run with NCCL_DEBUG=INFO for details), NCCL version 2.19.3",
        "[rank2]: ncclUnhandledCudaError: Call to CUDA function failed.",
        "[rank2]: Last error:",
        "[rank2]: Cuda failure 'out of memory'"])
    c.gpu_metric("DCGM_FI_DEV_FB_USED", "node-9", 118000, 3000, {2: lambda s, v: 142900}, decimals=0)
    c.health("gpu.health@node-9/gpu2")
    return c


# ==================================================================== illegal_memory_access
@case
def case_043():
    c = Case("case-043", "illegal_memory_access", "node-3/gpu0", nodes(3, 4))
    c.alert("TrainingJobFailed", "custom-attn-exp exited with code 1", job="custom-attn-exp", node="node-3")
    c.log("node-3/rank0/stderr", interleave(c.rng, plain_steps(c, -300, 40, 1), app_noise(c, 6)) + [
        "[rank0]: Traceback (most recent call last):",
        '[rank0]:   File "/workspace/kernels/varlen_attn.py", line 141, in forward',
        "[rank0]:     out = _C.varlen_fwd(q, k, v, cu_seqlens, max_seqlen)",
        "[rank0]: RuntimeError: CUDA error: an illegal memory access was encountered",
        "[rank0]: CUDA kernel errors might be asynchronously reported at some other API call, so the stacktrace below might be incorrect.",
        "[rank0]: For debugging consider passing CUDA_LAUNCH_BLOCKING=1"])
    c.log("node-3/journal", kernel_noise(c, "node-3", 8) + [
        "%s node-3 kernel: NVRM: Xid (PCI:%s): 31, pid=7781, name=python, Ch 00000008, intr 00000000. MMU Fault: ENGINE GRAPHICS GPCCLIENT_T1_0 faulted @ 0x7f2a_c4000000. Fault is of type FAULT_PDE ACCESS_TYPE_VIRT_READ" % (
            c.syslog(-35), c.bus(0))])
    c.health("gpu.health@node-3/gpu0", xid_last=31)
    c.gpu_metric("DCGM_FI_DEV_XID_ERRORS", "node-3", 0, 0, {0: lambda s, v: 0 if s < -35 else 31}, decimals=0)
    c.gpu_metric("DCGM_FI_DEV_GPU_UTIL", "node-3", 95, 3, {g: drop_to(-35, 0) for g in range(8)}, decimals=0)
    return c


@case
def case_044():
    # Device-side assert from an embedding lookup: tokenizer and model vocab disagree.
    c = Case("case-044", "illegal_memory_access", "node-2/gpu6", nodes(1, 2))
    c.alert("TrainingJobFailed", "multilingual-7b exited: device-side assert", job="multilingual-7b", node="node-2")
    c.log("node-1/rank0/stdout", rank0_megatron(c, n=25, end_s=-40))
    c.log("node-2/rank14/stderr", app_noise(c, 6) + [
        "../aten/src/ATen/native/cuda/Indexing.cu:1289: indexSelectLargeIndex: block: [%d,0,0], thread: [%d,0,0] Assertion `srcIndex < srcSelectDimSize` failed." % (
            c.rng.randrange(2000), t) for t in (64, 65, 66, 67)] + [
        "[rank14]: RuntimeError: CUDA error: device-side assert triggered",
        "[rank14]: CUDA kernel errors might be asynchronously reported at some other API call, so the stacktrace below might be incorrect.",
        "[rank14]: Compile with `TORCH_USE_CUDA_DSA` to enable device-side assertions.",
        "%s WARNING: tokenizer vocab 256000 > model embedding rows 250880" % c.ymd(-4000)])
    c.log("node-2/journal", kernel_noise(c, "node-2", 8) + [
        "%s node-2 kernel: NVRM: Xid (PCI:%s): 13, pid=5521, name=python, Graphics SM Warp Exception on (GPC 4, TPC 1, SM 0): Assert" % (c.syslog(-40), c.bus(6))])
    c.gpu_metric("DCGM_FI_DEV_XID_ERRORS", "node-2", 0, 0, {6: lambda s, v: 0 if s < -40 else 13}, decimals=0)
    return c


@case
def case_045():
    # Probe-decided. Rank 7 alone hits an illegal memory access twice after restarts. Could be bad
    # HBM, SDC, or code. health, sdc and hbm all pass; kernel shows Xid 31 (MMU fault, app class);
    # it is the new fused-MoE kernel on the ranks with the largest expert batch.
    c = Case("case-045", "illegal_memory_access", "node-1/gpu7", nodes(1, 2))
    c.alert("TrainingJobFailed", "moe-16b: rank 7 crashed (2nd time today)", job="moe-16b", node="node-1")
    c.log("node-1/rank7/stderr", app_noise(c, 8) + [
        "[rank7]: RuntimeError: CUDA error: an illegal memory access was encountered",
        "[rank7]: Exception raised from c10_cuda_check_implementation at ../c10/cuda/CUDAException.cpp:43 (most recent call first):",
        "[rank7]: frame #3: fused_moe_permute_kernel_launcher + 0x1c2 (0x7f7a1 in /workspace/ext/fused_moe.so)"])
    c.log("node-1/journal", kernel_noise(c, "node-1", 8) + [
        "%s node-1 kernel: NVRM: Xid (PCI:%s): 31, pid=33120, name=python, Ch 00000010, intr 10000000. MMU Fault: ENGINE GRAPHICS GPCCLIENT_T1_3 faulted @ 0x7fd1_0b200000. Fault is of type FAULT_PTE ACCESS_TYPE_VIRT_WRITE" % (
            c.syslog(-60), c.bus(7))])
    c.log("scheduler/events", ["%s attempt 1 failed: rank 7 illegal memory access" % c.ymd(-20000),
                               "%s attempt 2 on different nodes (node-5,node-6): rank 7 illegal memory access" % c.ymd(-9000)])
    c.health("gpu.health@node-1/gpu7", xid_last=31)
    c.sdc("gpu.sdc@node-1")
    c.hbm("gpu.hbm_bandwidth@node-1/gpu7")
    c.gemm("gpu.gemm@node-1/gpu7")
    c.gpu_metric("DCGM_FI_DEV_XID_ERRORS", "node-1", 0, 0, {7: lambda s, v: 0 if s < -60 else 31}, decimals=0)
    c.gpu_metric("DCGM_FI_DEV_ECC_DBE_VOL_TOTAL", "node-1", 0, 0, decimals=0)
    return c


# ==================================================================== host_oom
@case
def case_046():
    # Misleading: all ranks time out in the watchdog; the kernel OOM killer ended rank 21's
    # process on node-6 (pinned-memory growth in the dataloader).
    c = Case("case-046", "host_oom", "node-6", nodes(4, 5, 6, 7))
    c.alert("NCCLWatchdogTimeout", "gpt-neox-20b: 31/32 ranks collective timeout", job="gpt-neox-20b", node="node-4")
    c.log("node-4/rank0/stdout", rank0_megatron(c, n=30, end_s=-660) + watchdog(c, 0, -40, 88123))
    k = kernel_noise(c, "node-6", 10, -1500, -700) + [
        "%s node-6 kernel: python3 invoked oom-killer: gfp_mask=0x140cca(GFP_HIGHUSER_MOVABLE|__GFP_COMP), order=0, oom_score_adj=0" % c.syslog(-662),
        "%s node-6 kernel: Mem-Info:" % c.syslog(-662),
        "%s node-6 kernel: active_anon:480123911 inactive_anon:12882 isolated_anon:0" % c.syslog(-662),
        "%s node-6 kernel: oom-kill:constraint=CONSTRAINT_NONE,nodemask=(null),cpuset=/,mems_allowed=0-1,global_oom,task_memcg=/slurm/uid_1001/job_88123/step_0,task=python3,pid=55120,uid=1001" % c.syslog(-662),
        "%s node-6 kernel: Out of memory: Killed process 55120 (python3) total-vm:2211234568kB, anon-rss:221002344kB, file-rss:102400kB, shmem-rss:0kB, UID:1001 pgtables:433900kB oom_score_adj:0" % c.syslog(-661)]
    c.log("node-6/journal", k)
    c.log("node-6/torchrun", elastic_failure(c, -655, "node-6", 21, 5, -9, sig="SIGKILL"))
    c.node_metric("node_memory_MemAvailable_bytes", {"instance": "node-6"}, lambda s: max(0.4e9, 1.1e12 - (s + 1200) * 2.0e9) if s < -661 else 9.8e11, 0)
    c.node_metric("node_memory_MemAvailable_bytes", {"instance": "node-5"}, lambda s: 1.2e12 * c.rng.uniform(0.98, 1.0), 0)
    return c


@case
def case_047():
    # Misleading toward dataloader: DataLoader workers killed by signal; the slurm cgroup memory
    # limit is what killed them.
    c = Case("case-047", "host_oom", "node-3", nodes(3))
    c.alert("TrainingJobFailed", "clip-vit-h exited: DataLoader worker killed", job="clip-vit-h", node="node-3")
    c.log("node-3/rank0/stderr", interleave(c.rng, plain_steps(c, -400, 40, 30100), app_noise(c, 8)) + [
        "[rank0]: RuntimeError: DataLoader worker (pid 71220) is killed by signal: Killed. ",
        "[rank0]: RuntimeError: DataLoader worker (pid(s) 71220, 71224) exited unexpectedly"])
    c.log("node-3/slurmstepd", ["slurmstepd: error: Detected 2 oom_kill events in StepId=4412021.0. Some of the step tasks have been OOM Killed.",
                                "srun: error: node-3: task 0: Out Of Memory"])
    c.log("node-3/journal", kernel_noise(c, "node-3", 8) + [
        "%s node-3 kernel: Memory cgroup out of memory: Killed process 71220 (pt_data_worker) total-vm:48112344kB, anon-rss:31022100kB, file-rss:0kB, shmem-rss:9877001kB, UID:1001 pgtables:66120kB oom_score_adj:0" % c.syslog(-30)])
    c.node_metric("container_memory_working_set_bytes", {"instance": "node-3", "id": "/slurm/uid_1001/job_4412021"},
                  lambda s: min(5.12e11, 3.1e11 + (s + 1200) * 1.7e8), 0)
    return c


@case
def case_048():
    # torchrun reports exitcode -9 with no Python traceback, which reads like a rank crash; the
    # node's journal shows the global OOM killer, and MemAvailable fell to ~0.
    c = Case("case-048", "host_oom", "node-12", nodes(11, 12))
    c.alert("TrainingJobFailed", "mixtral-8x7b-dpo: rank 12 exited with -9", job="mixtral-dpo", node="node-12")
    c.log("node-12/torchrun", app_noise(c, 10) + elastic_failure(c, -30, "node-12", 12, 4, -9, sig="SIGKILL"))
    c.log("node-11/rank0/stdout", interleave(c.rng, deepspeed_steps(c, -300, 20, 900), app_noise(c, 6)))
    c.log("node-12/dmesg", kernel_noise(c, "node-12", 8, fmt="dmesg") + [
        "%s oom-kill:constraint=CONSTRAINT_NONE,nodemask=(null),cpuset=/,mems_allowed=0-1,global_oom,task_memcg=/user.slice,task=python,pid=29111,uid=1000" % c.dmesg(-31),
        "%s Out of memory: Killed process 29111 (python) total-vm:912233112kB, anon-rss:190112044kB, file-rss:0kB, shmem-rss:0kB, UID:1000 pgtables:380001kB oom_score_adj:0" % c.dmesg(-31)])
    c.node_metric("node_memory_MemAvailable_bytes", {"instance": "node-12"}, lambda s: max(1.2e9, 6.0e11 - (s + 1200) * 5.2e8) if s < -31 else 4.4e11, 0)
    c.node_metric("node_memory_MemAvailable_bytes", {"instance": "node-11"}, lambda s: 8.0e11, 0)
    return c


# ==================================================================== loss_divergence
@case
def case_049():
    # Classic divergence: grad norm climbs for ~20 iterations, then loss NaN on every DP replica at
    # once; Megatron counts nan iterations. GPUs are healthy (nothing in kernel logs).
    c = Case("case-049", "loss_divergence", "job", nodes(1, 2, 3, 4))
    c.alert("TrainingLossNaN", "llama-13b-scratch: lm loss NaN", job="llama-13b-scratch", node="node-1")

    def grad(i):
        return 0.35 * (1.45 ** max(0, i - 14)) * c.rng.uniform(0.9, 1.1) if i < 36 else float("nan")

    def loss(i):
        return 2.05 + (0.0 if i < 24 else 0.11 * (i - 24) ** 1.6) if i < 36 else float("nan")
    c.log("node-1/rank0/stdout", interleave(c.rng, megatron_iters(c, -170, 40, 2950, lr=6e-4, loss_fn=loss, grad_fn=grad,
                                                                  nan_fn=lambda i: max(0, i - 35)), app_noise(c, 10)))
    c.log("node-3/rank17/stdout", app_noise(c, 12))
    c.node_metric("training_loss", {"job": "llama-13b-scratch"}, lambda s: 2.1 if s < -120 else (2.1 + (s + 120) * 0.05 if s < 0 else None))
    c.node_metric("training_grad_norm", {"job": "llama-13b-scratch"}, lambda s: 0.35 if s < -150 else min(9.9e3, 0.35 * 1.6 ** ((s + 150) / 6)))
    return c


@case
def case_050():
    # bf16 run: loss spikes to 7.8 right after warmup ends at the peak LR and does not recover;
    # no NaN, no skipped steps, no hardware messages.
    c = Case("case-050", "loss_divergence", "job", nodes(1, 2))
    c.alert("LossSpike", "olmo-7b: loss 3.7x 1h trend, not recovering", job="olmo-7b", node="node-1")

    def loss(i):
        return 2.6 - 0.002 * i if i < 20 else 7.8 + c.rng.uniform(-0.3, 0.3)
    c.log("node-1/rank0/stdout", interleave(c.rng, fsdp_steps(c, -200, 45, 1990, loss_fn=loss), app_noise(c, 8) + [
        "INFO: lr schedule: warmup 2000 steps to peak 4.0e-03, cosine to 4.0e-04",
        "INFO: grad clipping disabled (max_norm=0)"]))
    c.log("node-1/wandb", ["%s wandb: step %d grad_norm %.2f lr %.2e" % (c.ymd(-180 + 4 * i), 1990 + i, 0.5 if i < 20 else 310 * c.rng.uniform(0.7, 1.3), min(4e-3, 4e-3 * (1990 + i) / 2000)) for i in range(30)])
    c.gpu_metric("DCGM_FI_DEV_GPU_UTIL", "node-1", 97, 2, decimals=0)
    return c


@case
def case_051():
    # Probe-decided, misleading toward SDC: loss NaN right after a node swap. sdc passes on the
    # new node and the old ones, health passes; the NaN appears on all replicas at the same
    # iteration with a grad norm ramp before it.
    c = Case("case-051", "loss_divergence", "job", nodes(3, 4, 5, 6))
    c.alert("TrainingLossNaN", "deepseek-coder-33b: NaN loss 40 min after node-6 replaced node-2", job="ds-coder-33b", node="node-3")

    def grad(i):
        return 0.4 if i < 20 else (0.4 * 2 ** (i - 20) if i < 30 else float("nan"))
    c.log("node-3/rank0/stdout", interleave(c.rng, megatron_iters(c, -170, 36, 40100, loss_fn=lambda i: 1.6 + (0 if i < 26 else 0.9 * (i - 25)) if i < 30 else float("nan"),
                                                                  grad_fn=grad, nan_fn=lambda i: max(0, i - 29)), app_noise(c, 8)))
    c.log("scheduler/events", ["%s node-2 drained (fan alarm), node-6 added; resumed from iter_0040000" % c.ymd(-2500)] + app_noise(c, 6))
    c.log("node-3/replica-check", ["%s replica-check: step %d param checksum all 4 dp groups agree (8/8)" % (c.ymd(-160 + 20 * i), 40104 + 5 * i) for i in range(8)])
    c.sdc("gpu.sdc@node-6")
    c.sdc("gpu.sdc@node-3")
    c.health("gpu.health@node-6/gpu0")
    c.health("gpu.health@node-6/gpu7")
    c.node_metric("training_loss", {"job": "ds-coder-33b"}, lambda s: 1.6 * c.rng.uniform(0.99, 1.01) if s < -60 else (1.6 + (s + 60) * 0.08 if s < -20 else None))
    c.gpu_metric("DCGM_FI_DEV_GPU_TEMP", "node-6", 55, 4, decimals=0)
    return c


# ==================================================================== fp16_loss_scale_collapse
@case
def case_052():
    c = Case("case-052", "fp16_loss_scale_collapse", "job", nodes(1, 2))
    c.alert("TrainingJobFailed", "gpt2-xl-fp16 exited with exception", job="gpt2-xl-fp16", node="node-1")
    lines = deepspeed_steps(c, -300, 20, 55120, loss=3.1)
    scale = 65536.0
    over = []
    for i in range(17):
        over.append("[%s] [INFO] [loss_scaler.py:183:update_scale] [deepspeed] OVERFLOW! Rank 0 Skipping step. Attempted loss scale: %s, reducing to %s" % (
            c.ymd_ms(-40 + 2 * i), int(scale) if scale >= 1 else scale, int(scale / 2) if scale >= 2 else scale / 2))
        scale /= 2
    over += ["[rank0]: Traceback (most recent call last):",
             '[rank0]:   File "/usr/local/lib/python3.10/dist-packages/deepspeed/runtime/fp16/loss_scaler.py", line 175, in update_scale',
             "[rank0]: Exception: Current loss scale already at minimum - cannot decrease scale anymore. Exiting run."]
    c.log("node-1/rank0/stderr", interleave(c.rng, lines, app_noise(c, 6)) + over)
    c.node_metric("training_loss_scale", {"job": "gpt2-xl-fp16"}, lambda s: 65536 if s < -40 else max(1.0, 65536 / 2 ** ((s + 40) / 2)))
    return c


@case
def case_053():
    # Megatron fp16: loss scale walks down 65536 -> 1 over hundreds of iterations and the skipped
    # iteration count climbs; the loss stays finite (no NaN) which hides the problem.
    c = Case("case-053", "fp16_loss_scale_collapse", "job", nodes(1, 2, 3, 4))
    c.alert("TrainingSkippedIterations", "gpt-20b-fp16: 92 of last 100 iterations skipped", job="gpt-20b-fp16", node="node-1")
    c.log("node-1/rank0/stdout", interleave(c.rng, megatron_iters(c, -200, 45, 70400, scale_fn=lambda i: max(1.0, 2 ** (12 - i // 3)),
                                                                  skipped_fn=lambda i: min(8 + 2 * i, 100), grad_fn=lambda i: 0.0 if i % 3 else 0.5,
                                                                  loss_fn=lambda i: 2.41 + c.rng.uniform(-0.01, 0.01)), app_noise(c, 8)))
    c.node_metric("training_loss_scale", {"job": "gpt-20b-fp16"}, lambda s: max(1.0, 2 ** (16 - (s + 1200) / 70)), 1)
    c.gpu_metric("DCGM_FI_DEV_GPU_UTIL", "node-1", 95, 3, decimals=0)
    return c


@case
def case_054():
    # fairseq-style fp16 training stops with "Minimum loss scale reached"; a new data mixture
    # with very long sequences was added just before.
    c = Case("case-054", "fp16_loss_scale_collapse", "job", nodes(7))
    c.alert("TrainingJobFailed", "nmt-big-fp16: FloatingPointError", job="nmt-big-fp16", node="node-7")
    lines = ["%s | INFO | train_inner | epoch 012:   %d / 4120 loss=%.3f, nll_loss=%.3f, ppl=%.2f, wps=%d, ups=3.1, wpb=%d, bsz=%d, num_updates=%d, lr=0.0005, gnorm=%.3f, loss_scale=%s, train_wall=31, gb_free=%.1f, wall=%d" % (
        c.ymd(-600 + 30 * i), 1000 + 100 * i, 3.9 - 0.002 * i, 2.4, 5.3, 181000, 58000, 1900, 50100 + 100 * i, 0.41, (128 if i < 10 else 2 ** (7 - (i - 10))), 52.1, 82000 + 30 * i) for i in range(18)]
    over = ["%s | WARNING | fairseq.trainer | NOTE: gradient overflow detected, ignoring gradient, setting loss scale to: %s" % (
        c.ymd(-60 + 3 * i), 2.0 ** (-i)) for i in range(14)]
    over += ["Traceback (most recent call last):",
             '  File "/opt/fairseq/fairseq/trainer.py", line 1123, in train_step',
             "FloatingPointError: Minimum loss scale reached (0.0001). Your loss is probably exploding. Try lowering the learning rate, using gradient clipping or increasing the batch size."]
    c.log("node-7/train.log", interleave(c.rng, lines, app_noise(c, 8)) + over)
    c.gpu_metric("DCGM_FI_DEV_GPU_UTIL", "node-7", 93, 4, decimals=0)
    return c


# ==================================================================== fp8_scaling_overflow
@case
def case_055():
    c = Case("case-055", "fp8_scaling_overflow", "job", nodes(1, 2, 3, 4))
    c.alert("TrainingLossNaN", "llama3-8b-fp8: loss became NaN", job="llama3-8b-fp8", node="node-1")
    lines = megatron_iters(c, -170, 36, 91200, loss_fn=lambda i: 1.91 if i < 32 else float("nan"), nan_fn=lambda i: max(0, i - 31),
                           grad_fn=lambda i: 0.3 if i < 32 else float("nan"))
    fp8 = ["%s [fp8-monitor] layer %d %s amax_history max=%s scale=%s scale_inv=%s" % (
        c.ymd(-40 + i), l, m, "inf" if i > 3 else "%.3e" % (448 * 0.9), "0.000e+00" if i > 3 else "1.000e+00", "inf" if i > 3 else "1.000e+00")
        for i, (l, m) in enumerate([(21, "fc2.fwd_input"), (22, "fc2.fwd_input"), (23, "fc1.fwd_weight"), (23, "fc2.fwd_input"), (23, "fc2.fwd_input"), (24, "fc2.bwd_grad_output")])]
    c.log("node-1/rank0/stdout", ["INFO: --fp8-format hybrid --fp8-amax-history-len 1024 --fp8-amax-compute-algo max",
                                  "INFO: transformer_engine 1.11.0, fp8 recipe DelayedScaling(margin=0, interval=1, fp8_format=HYBRID)"]
          + interleave(c.rng, lines, app_noise(c, 6)) + fp8)
    c.log("node-2/rank8/stderr", app_noise(c, 6) + ["UserWarning: Detected non-finite amax in FP8 meta of decoder.layers.23.mlp.linear_fc2; scaling factor reset"])
    c.node_metric("training_loss", {"job": "llama3-8b-fp8"}, lambda s: 1.91 * c.rng.uniform(0.99, 1.01) if s < -40 else None)
    c.gpu_metric("DCGM_FI_DEV_GPU_UTIL", "node-1", 96, 3, decimals=0)
    return c


@case
def case_056():
    # Scale factors collapsing without NaN: saturation percentage climbs and the loss drifts up
    # compared with the bf16 shadow run on the same data.
    c = Case("case-056", "fp8_scaling_overflow", "job", nodes(1, 2, 3, 4, 5, 6, 7, 8))
    c.alert("LossAboveBaseline", "fp8 run loss 0.35 above bf16 shadow at step 24000", job="nemotron-15b-fp8", node="node-1")
    c.log("node-1/rank0/stdout", interleave(c.rng, fsdp_steps(c, -200, 40, 23960, loss_fn=lambda i: 2.05 + 0.35 * i / 40), app_noise(c, 8)))
    c.log("node-1/fp8-stats", ["%s fp8-stats step %d: e4m3 fwd saturated %.2f%% e5m2 bwd saturated %.2f%% min scale %.2e (layer %d attn.qkv)" % (
        c.ymd(-200 + 5 * i), 23960 + i, 0.01 * 1.3 ** i, 0.02 * 1.2 ** i, 2 ** (-i * 0.5), 30 + i % 3) for i in range(30)])
    c.log("node-1/shadow-bf16", ["%s bf16-shadow step %d loss %.4f" % (c.ymd(-200 + 10 * i), 23960 + 2 * i, 2.05 - 0.001 * i) for i in range(20)])
    c.node_metric("training_loss", {"job": "nemotron-15b-fp8", "precision": "fp8"}, lambda s: 2.05 + 0.35 * (s + 1200) / 1200)
    c.node_metric("training_loss", {"job": "nemotron-15b-bf16-shadow", "precision": "bf16"}, lambda s: 2.05 - 0.02 * (s + 1200) / 1200)
    return c


@case
def case_057():
    # Misleading toward plain loss divergence: a loss spike, but logs from TE show the delayed
    # scaling recipe recomputing scales from an amax history polluted by an inf in one layer.
    c = Case("case-057", "fp8_scaling_overflow", "job", nodes(1, 2))
    c.alert("LossSpike", "mixtral-fp8: loss spike 2.1 -> 6.4", job="mixtral-fp8", node="node-1")
    c.log("node-1/rank0/stdout", interleave(c.rng, megatron_iters(c, -170, 38, 15500, loss_fn=lambda i: 2.1 if i < 30 else 6.4 - 0.05 * (i - 30),
                                                                  grad_fn=lambda i: 0.5 if i < 30 else 22.0), app_noise(c, 8)))
    c.log("node-1/rank3/stderr", app_noise(c, 4) + [
        "%s WARNING [transformer_engine] amax_history of decoder.layers.7.self_attention.linear_proj (fwd, input) contains non-finite values; scale=%s" % (c.ymd(-45), "0.0"),
        "%s WARNING [transformer_engine] fp8 cast of decoder.layers.7.self_attention.linear_proj output saturated 41.2%% of elements" % c.ymd(-44),
        "%s WARNING [transformer_engine] fp8 cast of decoder.layers.8.mlp.experts.linear_fc1 output saturated 18.7%% of elements" % c.ymd(-43)])
    c.gpu_metric("DCGM_FI_DEV_GPU_UTIL", "node-1", 97, 2, decimals=0)
    return c


# ==================================================================== moe_expert_imbalance
@case
def case_058():
    c = Case("case-058", "moe_expert_imbalance", "job", nodes(1, 2, 3, 4))
    c.alert("TrainingThroughputDrop", "moe-64e: step time +60% over 2h", job="moe-64e", node="node-1")
    it = megatron_iters(c, -200, 40, 30100, step_fn=lambda i: 4.1 + 0.06 * i)
    it = [l.replace("| grad norm", "| load_balancing_loss: %.4E | grad norm" % (0.011 * (1.08 ** i))) for i, l in enumerate(it)]
    moe = ["%s [moe] layer %d: tokens dropped %.1f%% (capacity_factor=1.25); top-2 experts %s received %.0f%% of tokens" % (
        c.ymd(-190 + 5 * i), 4 + i % 20, 9 + 0.8 * i, [3, 41] if i % 2 else [41, 3], 31 + 0.5 * i) for i in range(25)]
    c.log("node-1/rank0/stdout", interleave(c.rng, it, moe, app_noise(c, 6)))
    c.node_metric("training_step_time_seconds", {"job": "moe-64e"}, lambda s: 4.1 + (s + 1200) * 0.002)
    c.nccl("nccl.alltoall@job")
    return c


@case
def case_059():
    # Probe-decided, misleading straggler: all-to-all time dominates the step and a few ranks
    # (hosting hot experts) are slowest. Network and GPUs test fine; routing stats are in a side
    # log that does not say "dropped".
    c = Case("case-059", "moe_expert_imbalance", "job", nodes(1, 2, 3, 4))
    c.alert("StragglerRank", "ranks 3 and 19 slowest in 80% of steps", job="dbrx-like-132b", node="node-1")
    c.log("node-1/rank0/stdout", rank0_megatron(c, n=35, end_s=-10, step_s=7.2))
    c.log("node-1/timers", ["%s (min, max) time across ranks (ms):" % c.ymd(-60),
                            "    forward-backward ...............................: (6540.12, 7190.55)",
                            "    all-to-all-dispatch .............................: (410.22, 2633.90)",
                            "    all-to-all-combine ..............................: (388.10, 2511.41)",
                            "    batch-generator .................................: (1.10, 3.52)",
                            "    optimizer .......................................: (80.22, 82.10)"] + app_noise(c, 6))
    c.log("node-1/router-stats", ["%s router: layer %d expert load (tokens/expert, mean %d): max %d (expert %d on rank %d), min %d" % (
        c.ymd(-100 + 4 * i), i, 8192, 8192 * c.rng.choice([5, 6, 7]), c.rng.choice([3, 19]), c.rng.choice([3, 19]), c.rng.randrange(0, 300)) for i in range(20)])
    c.nccl("nccl.alltoall@job")
    c.health("gpu.health@node-1/gpu3")
    c.gemm("gpu.gemm@node-1/gpu3")
    c.health("gpu.health@node-3/gpu3")
    c.node_metric("training_step_time_seconds", {"job": "dbrx-like-132b"}, lambda s: 5.1 if s < -900 else 7.2 * c.rng.uniform(0.97, 1.03))
    c.gpu_metric("DCGM_FI_DEV_GPU_UTIL", "node-1", 88, 5, decimals=0)
    return c


@case
def case_060():
    # DeepSpeed-MoE capacity overflow messages; one expert receives 5x its capacity after the
    # router z-loss was disabled in a config change.
    c = Case("case-060", "moe_expert_imbalance", "job", nodes(5, 6))
    c.alert("TokensDropped", "deepspeed-moe: dropped tokens 27% (limit 5%)", job="ds-moe-13b", node="node-5")
    c.log("node-5/rank0/stdout", interleave(c.rng, deepspeed_steps(c, -300, 30, 12000), app_noise(c, 6), [
        "[%s] [INFO] [moe] gate: expert %d received %d tokens (capacity %d); %d dropped" % (c.ymd_ms(-250 + 10 * i), 3, 41233 - 200 * i, 8192, 33041 - 200 * i) for i in range(12)])
        + ["diff config: - moe_z_loss_coeff: 0.001", "diff config: + moe_z_loss_coeff: 0.0"])
    c.node_metric("moe_dropped_token_fraction", {"job": "ds-moe-13b"}, lambda s: 0.01 if s < -900 else 0.27)
    return c


# ==================================================================== straggler_rank
@case
def case_061():
    # Probe-decided. A forgotten eval process shares GPU 3 on node-5: clocks and health are fine,
    # gemm is slow, inventory lists two compute processes on that GPU.
    c = Case("case-061", "straggler_rank", "node-5/gpu3", nodes(4, 5))
    c.alert("StragglerRank", "rank 11 slowest in 99% of steps", job="llama3-8b", node="node-5", rank="11")
    c.log("node-4/rank0/stdout", rank0_megatron(c, n=40, end_s=-5, step_s=3.1))
    c.log("node-5/rank11/stdout", app_noise(c, 14))
    c.gpu_metric("DCGM_FI_DEV_GPU_UTIL", "node-5", 97, 2, decimals=0)
    c.gpu_metric("DCGM_FI_DEV_FB_USED", "node-5", 61000, 500, {3: lambda s, v: v + 22000}, decimals=0)
    c.health("gpu.health@node-5/gpu3")
    c.gemm("gpu.gemm@node-5/gpu3", 402.0)
    c.pcie("gpu.pcie_bandwidth@node-5/gpu3")
    c.probe("gpu.inventory@node-5/gpu3", {
        "status": "fail", "metrics": {"gpu_count": 1, "gpu_count_expected": 1, "compute_processes": 2},
        "thresholds": {"gpu_count_min": 1, "compute_processes_max": 1},
        "reason": "2 compute processes on the GPU (exclusive use expected)", "duration_s": 0.61,
        "details": {"compute_processes": ["pid 61223 python train.py (61 GiB)", "pid 90113 python eval_ckpt.py (22 GiB)"]}})
    return c


@case
def case_062():
    # Probe-decided. All 8 ranks of node-8 are slow; GPUs test healthy and fast, but kernel launch
    # latency is 9x normal: the CPU governor on node-8 was reset to powersave by a BIOS update.
    c = Case("case-062", "straggler_rank", "node-8", nodes(7, 8, 9))
    c.alert("StragglerNode", "node-8 ranks 15% slower than peers", job="gemma2-9b", node="node-8")
    c.log("node-7/rank0/stdout", rank0_megatron(c, n=40, end_s=-5, step_s=2.9))
    c.log("node-8/journal", kernel_noise(c, "node-8", 12) + ["%s node-8 kernel: intel_pstate: Intel P-state driver initializing" % c.syslog(-86400)])
    c.node_metric("node_cpu_scaling_frequency_hertz", {"instance": "node-8", "cpu": "0"}, lambda s: 8.0e8 + c.rng.uniform(0, 1e8), 0)
    c.node_metric("node_cpu_scaling_frequency_hertz", {"instance": "node-7", "cpu": "0"}, lambda s: 3.4e9 + c.rng.uniform(0, 1e8), 0)
    c.gpu_metric("DCGM_FI_DEV_GPU_UTIL", "node-8", 81, 3, decimals=0)
    c.kernel_launch("gpu.kernel_launch@node-8/gpu0", 46.0)
    c.kernel_launch("gpu.kernel_launch@node-7/gpu0")
    c.health("gpu.health@node-8/gpu0")
    c.gemm("gpu.gemm@node-8/gpu0")
    c.nccl("nccl.allreduce@node-8")
    return c


@case
def case_063():
    # Probe-decided. Rank 2 slow; no throttle (health pass), PCIe fine, GEMM borderline-OK,
    # but HBM bandwidth is 30% low on that GPU: memory-bound kernels are slow.
    c = Case("case-063", "straggler_rank", "node-10/gpu2", nodes(10, 11))
    c.alert("StragglerRank", "rank 2 backward 12% slower", job="mamba-7b", node="node-10", rank="2")
    c.log("node-10/rank0/stdout", interleave(c.rng, fsdp_steps(c, -300, 40, 41000), app_noise(c, 8)))
    c.log("node-10/straggler-report", ["%s rank %d: fwd %.0f ms bwd %.0f ms" % (c.ymd(-120), r, 510 * (1.1 if r == 2 else 1), 1020 * (1.12 if r == 2 else 1)) for r in range(8)])
    c.health("gpu.health@node-10/gpu2")
    c.gemm("gpu.gemm@node-10/gpu2", 701.0)
    c.hbm("gpu.hbm_bandwidth@node-10/gpu2", 2950.0)
    c.hbm("gpu.hbm_bandwidth@node-10/gpu1")
    c.pcie("gpu.pcie_bandwidth@node-10/gpu2")
    for r in range(8):
        c.node_metric("training_rank_step_time_seconds", {"job": "mamba-7b", "rank": str(r)},
                      lambda s, r=r: 1.8 * (1.11 if r == 2 else 1.0) * c.rng.uniform(0.99, 1.01), 3)
    return c


# ==================================================================== dataloader_stall
@case
def case_064():
    c = Case("case-064", "dataloader_stall", "job", nodes(1, 2, 3, 4))
    c.alert("GPUUtilLow", "gpt-13b: GPU utilisation 41% across the job", job="gpt-13b", node="node-1")
    c.log("node-1/rank0/stdout", rank0_megatron(c, n=30, end_s=-5, step_s=7.1) + [
        "%s (min, max) time across ranks (ms):" % c.ymd(-4),
        "    forward-backward ...............................: (3980.11, 4011.02)",
        "    batch-generator ................................: (2988.40, 3105.77)",
        "    optimizer ......................................: (70.12, 71.40)",
        "%s WARNING: dataset index cache miss; rebuilding sample index on the fly" % c.ymd(-3)])
    for h in ("node-1", "node-3"):
        c.gpu_metric("DCGM_FI_DEV_GPU_UTIL", h, 41, 8, decimals=0)
    c.node_metric("node_cpu_seconds_total_rate", {"instance": "node-1", "mode": "user"}, lambda s: 0.97)
    return c


@case
def case_065():
    # Probe-decided. Step time up 40% everywhere with no errors; could be network, GPU or input.
    # Probes rule out GPU (gemm, health pass) and network (allreduce job passes); the dataloader
    # wait shows in the trainer's own timing line only as "wait".
    c = Case("case-065", "dataloader_stall", "job", nodes(1, 2, 3, 4))
    c.alert("TrainingStepTimeHigh", "qwen-14b-cpt: step time +40%", job="qwen-14b-cpt", node="node-1")
    c.log("node-1/rank0/stdout", interleave(c.rng, plain_steps(c, -300, 50, 8000, step_s=1.3, extra=" | wait 0.37s"), app_noise(c, 8)))
    c.log("node-1/config-diff", ["- data.pretokenized: true", "+ data.pretokenized: false   # new mixture, tokenize on the fly",
                                 "  data.num_workers: 4"])
    c.gpu_metric("DCGM_FI_DEV_GPU_UTIL", "node-2", 68, 6, decimals=0)
    c.health("gpu.health@node-2/gpu0")
    c.gemm("gpu.gemm@node-2/gpu0")
    c.nccl("nccl.allreduce@job")
    c.pcie("gpu.pcie_bandwidth@node-2/gpu0")
    return c


@case
def case_066():
    # JPEG decode bound: num_workers dropped to 2 after a config refactor; CPU saturated on all
    # nodes, GPU idle between steps, "DataLoader ... timeout" warnings at the end.
    c = Case("case-066", "dataloader_stall", "job", nodes(1, 2))
    c.alert("TrainingThroughputDrop", "vit-l-pretrain: images/s 35% of last week", job="vit-l-pretrain", node="node-1")
    c.log("node-1/rank0/stdout", interleave(c.rng, plain_steps(c, -300, 50, 100, step_s=2.7), app_noise(c, 6), [
        "INFO: DataLoader(num_workers=2, prefetch_factor=2, persistent_workers=True)",
        "%s WARNING: data time 2.31s of step time 2.70s" % c.ymd(-200),
        "%s WARNING: data time 2.28s of step time 2.69s" % c.ymd(-100)]))
    c.node_metric("node_cpu_busy_fraction", {"instance": "node-1"}, lambda s: 0.99)
    c.gpu_metric("DCGM_FI_DEV_GPU_UTIL", "node-1", 24, 10, decimals=0)
    return c


# ==================================================================== storage_failure
@case
def case_067():
    c = Case("case-067", "storage_failure", "node-2", nodes(1, 2))
    c.alert("TrainingJobFailed", "llama-7b-sft: checkpoint save failed", job="llama-7b-sft", node="node-2")
    c.log("node-2/rank8/stderr", interleave(c.rng, deepspeed_steps(c, -300, 20, 4990, rank=8), app_noise(c, 6)) + [
        "[%s] [INFO] [torch_checkpoint_engine.py:21:save] [Torch] Saving /local_nvme/ckpt/global_step5000/zero_pp_rank_8_mp_rank_00_optim_states.pt..." % c.ymd_ms(-20),
        "[rank8]: Traceback (most recent call last):",
        '[rank8]:   File "/usr/local/lib/python3.10/dist-packages/torch/serialization.py", line 652, in save',
        "[rank8]: RuntimeError: [enforce fail at inline_container.cc:603] . unexpected pos 3221225472 vs 3221223404",
        "[rank8]: OSError: [Errno 28] No space left on device"])
    c.node_metric("node_filesystem_avail_bytes", {"instance": "node-2", "mountpoint": "/local_nvme", "device": "/dev/nvme1n1"},
                  lambda s: max(0, 3.1e11 - (s + 1200) * 2.6e8), 0)
    c.node_metric("node_filesystem_avail_bytes", {"instance": "node-1", "mountpoint": "/local_nvme", "device": "/dev/nvme1n1"}, lambda s: 2.2e12, 0)
    return c


@case
def case_068():
    c = Case("case-068", "storage_failure", "node-4", nodes(3, 4))
    c.alert("TrainingJobFailed", "bert-large-mlm: read-only file system", job="bert-large-mlm", node="node-4")
    c.log("node-4/rank8/stderr", app_noise(c, 8) + [
        "[rank8]: OSError: [Errno 30] Read-only file system: '/scratch/cache/tokenized/shard_00231.arrow.tmp'"])
    c.log("node-4/dmesg", kernel_noise(c, "node-4", 8, fmt="dmesg") + [
        "%s nvme nvme0: I/O 212 QID 9 timeout, aborting" % c.dmesg(-130),
        "%s blk_update_request: I/O error, dev nvme0n1, sector 1887432704 op 0x1:(WRITE) flags 0x800 phys_seg 32 prio class 0" % c.dmesg(-120),
        "%s EXT4-fs error (device nvme0n1p1): ext4_journal_check_start:83: comm python3: Detected aborted journal" % c.dmesg(-119),
        "%s EXT4-fs (nvme0n1p1): Remounting filesystem read-only" % c.dmesg(-119)])
    c.log("node-3/rank0/stdout", interleave(c.rng, plain_steps(c, -200, 30, 77000), app_noise(c, 4)))
    c.node_metric("node_filesystem_readonly", {"instance": "node-4", "mountpoint": "/scratch", "device": "/dev/nvme0n1p1"}, lambda s: 0 if s < -119 else 1, 0)
    c.node_metric("node_filesystem_readonly", {"instance": "node-3", "mountpoint": "/scratch", "device": "/dev/nvme0n1p1"}, lambda s: 0, 0)
    return c


@case
def case_069():
    # Probe-assisted, misleading toward a collective hang: all ranks but 0 hit the watchdog while
    # rank 0 is stuck writing a checkpoint to NFS (server not responding). GPU and NCCL probes pass.
    c = Case("case-069", "storage_failure", "job", nodes(1, 2, 3, 4))
    c.alert("NCCLWatchdogTimeout", "falcon-40b: 31/32 ranks timed out in BROADCAST", job="falcon-40b", node="node-2")
    c.log("node-1/rank0/stdout", rank0_megatron(c, n=30, end_s=-1500) + [
        "%s saving checkpoint at iteration   30000 to /mnt/nfs/ckpt/falcon-40b in torch format" % c.ymd(-1490)])
    c.log("node-2/rank9/stderr", app_noise(c, 4) + watchdog(c, 9, -880, 30001, op="BROADCAST", numel=1))
    c.log("node-1/dmesg", kernel_noise(c, "node-1", 6, fmt="dmesg") + [
        "%s nfs: server fs01 not responding, still trying" % c.dmesg(-1400 + 120 * i) for i in range(5)] + [
        "%s INFO: task python3:51230 blocked for more than 122 seconds." % c.dmesg(-1200),
        "%s       Not tainted 5.15.0-105-generic #115-Ubuntu" % c.dmesg(-1200),
        "%s \"echo 0 > /proc/sys/kernel/hung_task_timeout_secs\" disables this message." % c.dmesg(-1200)])
    c.node_metric("node_nfs_requests_total_rate", {"instance": "node-1", "method": "Write"}, lambda s: 0.0 if s > -1400 else 180.0)
    c.health("gpu.health@node-1/gpu0")
    c.nccl("nccl.allreduce@node-1")
    c.nccl("nccl.sendrecv@node-2")
    return c


# ==================================================================== launch_config_error
@case
def case_070():
    c = Case("case-070", "launch_config_error", "job", nodes(1, 2))
    c.alert("TrainingJobFailed", "mistral-7b-sft failed at start (0 iterations)", job="mistral-7b-sft", node="node-1")
    c.log("node-1/launcher", ["+ srun --nodes 2 --ntasks-per-node 8 python train.py --config sft.yaml",
                              "+ unset MASTER_ADDR  # from cleanup of the old wrapper"] + app_noise(c, 8) + [
        "Traceback (most recent call last):",
        '  File "/workspace/train.py", line 31, in <module>',
        "    torch.distributed.init_process_group(backend=\"nccl\")",
        '  File "/usr/local/lib/python3.10/dist-packages/torch/distributed/rendezvous.py", line 246, in _env_rendezvous_handler',
        "ValueError: Error initializing torch.distributed using env:// rendezvous: environment variable MASTER_ADDR expected, but not set"])
    c.log("node-2/launcher", app_noise(c, 6) + ["ValueError: Error initializing torch.distributed using env:// rendezvous: environment variable MASTER_ADDR expected, but not set"])
    return c


@case
def case_071():
    c = Case("case-071", "launch_config_error", "job", nodes(1, 2, 3, 4, 5, 6))
    c.alert("TrainingJobFailed", "llama-65b: AssertionError at startup", job="llama-65b", node="node-1")
    c.log("node-1/rank0/stdout", ["using world size: 48, tensor-model-parallel size: 8, pipeline-model-parallel size: 8, context-parallel size: 1",
                                  "setting global batch size to 1024"] + app_noise(c, 10) + [
        "Traceback (most recent call last):",
        '  File "/workspace/Megatron-LM/megatron/training/arguments.py", line 200, in validate_args',
        "AssertionError: world size (48) is not divisible by tensor model parallel size (8) times pipeline model parallel size (8)"])
    c.log("scheduler/sbatch", ["#SBATCH --nodes=6", "#SBATCH --ntasks-per-node=8", "PP=8  # was 6 in the 48-GPU recipe"] + app_noise(c, 6))
    return c


@case
def case_072():
    # One node booted an older image: cuDNN 9 is missing and its driver is older, so its ranks
    # fail at import while the other nodes wait in rendezvous. The component is that node.
    c = Case("case-072", "launch_config_error", "node-6", nodes(5, 6, 7))
    c.alert("TrainingJobFailed", "sdxl-ft: rendezvous timed out", job="sdxl-ft", node="node-5")
    c.log("node-5/rank0/stderr", app_noise(c, 8) + [
        "torch.distributed.DistStoreError: Timed out after 901 seconds waiting for clients. 16/24 clients joined."])
    c.log("node-6/rank8/stderr", [
        "Traceback (most recent call last):",
        '  File "/workspace/train_sdxl.py", line 3, in <module>',
        "    import torch",
        "ImportError: libcudnn.so.9: cannot open shared object file: No such file or directory"] + app_noise(c, 4))
    c.log("node-6/inventory", ["image: trainer:2024.05 (others: trainer:2024.09)", "driver 535.104.05 (others 550.90.07)"] + app_noise(c, 8))
    c.inventory("gpu.inventory@node-6/gpu0", details={"driver": "535.104.05", "cuda": "12.2"})
    c.inventory("gpu.inventory@node-5/gpu0")
    return c



# ==================================================================== wording variants (case-073 ...)
# Same faults as above, worded the way other tools and versions print them (DCGM health text,
# k8s events, older torch watchdog lines, nvidia-smi -q ECC sections, kernel OOM wording of older
# kernels, NCCL numeric completion status). Written 2026-11-29 to check that the reasoner does
# not depend on the pack's exact phrasing; dev cases like the rest (the author saw the reasoner).
@case
def case_073():
    # Xid 79 only in DCGM / device-plugin wording (no NVRM line); ranks fail with "unknown error".
    c = Case("case-073", "gpu_fallen_off_bus", "node-2/gpu4", nodes(1, 2, 3))
    c.alert("TrainingJobFailed", "gpt-neox-20b exited on node-2", job="gpt-neox-20b", node="node-2")
    c.log("node-1/rank0/stdout", rank0_megatron(c, n=30, end_s=-200))
    r = app_noise(c, 6) + nccl_init(c, "node-2", 12, 4, 24)[:6]
    r += ["[rank12]: Traceback (most recent call last):",
          "[rank12]: RuntimeError: CUDA error: unknown error",
          "[rank12]: Compile with `TORCH_USE_CUDA_DSA` to enable device-side assertions."]
    c.log("node-2/rank12/stderr", r)
    j = kernel_noise(c, "node-2", 10, -1500, -100)
    j += ["%s node-2 nv-hostengine[2211]: Health: GPU 4 XID error 79 detected, GPU is no longer accessible (DCGM_FR_XID_ERROR)" % c.syslog(-150),
          "%s node-2 nvidia-device-plugin[3310]: XidCriticalError: Xid=79 on Device=GPU-4, the device will go unhealthy" % c.syslog(-148)]
    c.log("node-2/journal", j)
    c.gpu_metric("DCGM_FI_DEV_GPU_TEMP", "node-2", 55, 4, {4: stops_at(-150)}, decimals=0)
    c.health("gpu.health@node-2/gpu0")
    return c


@case
def case_074():
    # Uncorrectable ECC read from nvidia-smi -q's ECC section and the driver-API error name;
    # row remapping is neither pending nor failed (what separates it from a remap failure).
    c = Case("case-074", "gpu_memory_uncorrectable_ecc", "node-5/gpu2", nodes(4, 5))
    c.alert("JobCrashed", "jax-t5x: worker 10 crashed", job="jax-t5x", node="node-5")
    c.log("node-5/rank10/stderr", app_noise(c, 8) + [
        "jaxlib.xla_extension.XlaRuntimeError: INTERNAL: CUDA error: CUDA_ERROR_ECC_UNCORRECTABLE: uncorrectable ECC error detected on device 2"])
    c.log("node-5/nvidia-smi-q", ["==============NVSMI LOG==============", "GPU 0000:%s:00.0" % c.pci[2],
                                  "    ECC Errors", "        Volatile",
                                  "            SRAM Correctable              : 0",
                                  "            SRAM Uncorrectable            : 0",
                                  "            DRAM Correctable              : 12",
                                  "            DRAM Uncorrectable            : 3",
                                  "    Remapped Rows", "        Correctable Error                 : 0",
                                  "        Uncorrectable Error               : 0",
                                  "        Pending                           : No",
                                  "        Remapping Failure Occurred        : No"] + app_noise(c, 10))
    c.log("cluster/events", ["%s Warning  GPUUnhealthy  node/node-5  Xid 48 reported for GPU 2 (double-bit ECC)" % c.ymd(-40)] + app_noise(c, 6))
    c.health("gpu.health@node-5/gpu2", ecc_dbe_volatile=3)
    return c


@case
def case_075():
    # Row remap failure worded as DCGM health and an lowercase "xid 64"; a few correctable ECC
    # lines are background, not the fault.
    c = Case("case-075", "gpu_row_remap_failure", "node-7/gpu1", nodes(6, 7))
    c.alert("GPUUnhealthy", "node-7 GPU 1 failed DCGM health check", node="node-7", gpu="1")
    c.log("node-6/rank0/stdout", rank0_megatron(c, n=30, end_s=-20))
    j = kernel_noise(c, "node-7", 12, -1500, -100)
    j += ["%s node-7 nv-hostengine[1982]: GPU 1: xid 64 (row remapper error), ECC page retirement or row remapping recording failure" % c.syslog(-300),
          "%s node-7 nv-hostengine[1982]: Health: GPU 1 memory watch: failed to remap rows, no spare rows left in bank (DCGM_FR_ROW_REMAP_FAILURE)" % c.syslog(-290),
          "%s node-7 nv-hostengine[1982]: GPU 0: correctable ECC error count 2 (below threshold)" % c.syslog(-500)]
    c.log("node-7/journal", j)
    c.health("gpu.health@node-7/gpu1", remap_failure=1, remapped_rows_uncorrectable=8)
    return c


@case
def case_076():
    # MoE imbalance worded as capacity overflow and per-expert load; data loading is fast.
    c = Case("case-076", "moe_expert_imbalance", "job", nodes(1, 2))
    c.alert("ThroughputDrop", "mixtral-8x22b-ft: tokens/s down 38% since 14:00", job="mixtral-8x22b-ft", node="node-1")
    lines = []
    for i in range(14):
        lines.append("%s [moe] layer %d: expert load max/mean=%.1f (experts %d,%d overloaded), capacity overflow: %.1f%% of tokens dropped" % (
            c.ymd(-600 + 40 * i), 4 + i, c.rng.uniform(5.5, 7.0), 2, 6, c.rng.uniform(18, 26)))
        lines.append("%s step %d | data wait 0.8 ms | step 6.9 s" % (c.ymd(-598 + 40 * i), 2200 + i))
    c.log("node-1/rank0/stdout", interleave(c.rng, lines, app_noise(c, 8)))
    c.node_metric("step_time_ms", {"job": "mixtral-8x22b-ft"}, lambda s: 5000 * c.rng.uniform(0.98, 1.02) if s < -900 else 6900 * c.rng.uniform(0.98, 1.02))
    return c


@case
def case_077():
    # A rank dies on SIGSEGV (absl/glog failure-signal wording); the others print the older torch
    # watchdog line (no SeqNum) and are waiters.
    c = Case("case-077", "rank_process_crash", "node-3/gpu5", nodes(1, 2, 3))
    c.alert("TrainingJobStalled", "no progress for 30m", job="llama2-13b-sft", node="node-1")
    log0 = rank0_megatron(c, n=25, end_s=-1900)
    log0 += ["[E ProcessGroupNCCL.cpp:475] [Rank 0] Watchdog caught collective operation timeout: WorkNCCL(OpType=ALLREDUCE, Timeout(ms)=1800000) ran for 1800412 milliseconds before timing out."]
    c.log("node-1/rank0/stderr", log0)
    c.log("node-2/rank9/stderr", app_noise(c, 6) + [
        "[E ProcessGroupNCCL.cpp:475] [Rank 9] Watchdog caught collective operation timeout: WorkNCCL(OpType=ALLREDUCE, Timeout(ms)=1800000) ran for 1800377 milliseconds before timing out."])
    c.log("node-3/rank21/stderr", app_noise(c, 6) + [
        "*** SIGSEGV received at time=1764412345 on cpu 41 ***",
        "PC: @     0x7f3a2c1d9e41  (unknown)  at::native::index_put_kernel()",
        "    @     0x7f3a61a2b520  (unknown)  (unknown)",
        "Segmentation fault (core dumped)"])
    return c


@case
def case_078():
    # IB retry-exceeded with the numeric status, plus the port going down in the kernel log.
    c = Case("case-078", "ib_link_failure", "node-4/mlx5_2", nodes(3, 4))
    c.alert("NCCLErrors", "nccl errors on llama3-405b", job="llama3-405b", node="node-3")
    c.log("node-3/rank0/stdout", rank0_megatron(c, n=20, end_s=-300))
    r = app_noise(c, 5)
    r += ["node-4:88123:88301 [2] transport/net_ib.cc:1696 NCCL WARN NET/IB : Got completion from peer 10.10.3.21<43218> with status=12 opcode=1 len=0 vendor err 129 (Send) localGid ::ffff:10.10.4.22 remoteGids::ffff:10.10.3.21 hca mlx5_2",
          "node-4:88123:88301 [2] NCCL INFO transport/net.cc:1298 -> 6",
          "[rank10]: torch.distributed.DistBackendError: NCCL error in: ProcessGroupNCCL.cpp:1970, remote process exited or there was a network error, NCCL version 2.21.5"]
    c.log("node-4/rank10/stderr", r)
    j = kernel_noise(c, "node-4", 10, -1500, -100)
    j += ["%s node-4 kernel: infiniband mlx5_2: Port 1 link state changed to DOWN (physical state Polling)" % c.syslog(-310)]
    c.log("node-4/journal", j)
    return c


@case
def case_079():
    # Thermal throttling reported by a node monitor in its own words (no nvidia-smi -q section).
    c = Case("case-079", "gpu_thermal_throttle", "node-6/gpu3", nodes(5, 6))
    c.alert("StragglerRank", "rank 11 slowest in 95% of steps", job="sd3-train", node="node-6", rank="11")
    c.log("node-5/rank0/stdout", rank0_megatron(c, n=30, end_s=-10))
    m = ["%s gpu-monitor: GPU 3 temperature %d C exceeds slowdown threshold, clocks throttled (thermal), SM clock %d MHz" % (
        c.ymd(-600 + 60 * i), 92 + i % 3, 1100 + 20 * (i % 4)) for i in range(8)] + app_noise(c, 8)
    c.log("node-6/gpu-monitor", m)
    return c


@case
def case_080():
    # Host OOM in older-kernel wording ("Kill process ... or sacrifice child"); the rank's SIGKILL
    # exit is the symptom.
    c = Case("case-080", "host_oom", "node-2", nodes(1, 2))
    c.alert("TrainingJobFailed", "bert-large-pretrain failed", job="bert-large-pretrain", node="node-1")
    c.log("node-1/launcher", app_noise(c, 6) + elastic_failure(c, -50, "node-2", 9, 1, -9, sig="SIGKILL"))
    j = kernel_noise(c, "node-2", 10, -1500, -100)
    j += ["%s node-2 kernel: python3 invoked oom-killer: gfp_mask=0x100cca(GFP_HIGHUSER_MOVABLE), order=0, oom_score_adj=0" % c.syslog(-60)]
    j += ["%s node-2 kernel: Out of memory: Kill process 48213 (python3) score 912 or sacrifice child" % c.syslog(-59),
          "%s node-2 kernel: oom_reaper: reaped process 48213 (python3), now anon-rss:0kB, file-rss:0kB, shmem-rss:0kB" % c.syslog(-58)]
    c.log("node-2/journal", j)
    return c



@case
def case_081():
    # Contained ECC error (Xid 94, new wording) while nvidia-smi -q shows healthy remap fields and
    # every other healthy section (thermal/power "Not Active", zero counters) as background.
    c = Case("case-081", "gpu_memory_uncorrectable_ecc", "node-3/gpu6", nodes(2, 3))
    c.alert("TrainingJobFailed", "olmo-7b: rank 14 crashed", job="olmo-7b", node="node-3")
    c.log("node-3/rank14/stderr", app_noise(c, 6) + [
        "[rank14]: RuntimeError: CUDA error: uncorrectable ECC error encountered",
        "[rank14]: CUDA kernel errors might be asynchronously reported at some other API call"])
    c.log("node-3/dmesg", ["%s NVRM: Xid (PCI:%s): 94, pid=51120, name=python3, Channel 0x00000012: Contained: CE User Channel (0x2)" % (c.dmesg(-62), c.bus(6))] + kernel_noise(c, "node-3", 8, fmt="dmesg"))
    c.log("node-3/nvidia-smi-q", ["GPU 0000:%s:00.0" % c.pci[6], "    Clocks Event Reasons",
                                  "        Idle                              : Not Active",
                                  "        SW Power Cap                      : Not Active",
                                  "        HW Slowdown                       : Not Active",
                                  "        SW Thermal Slowdown               : Not Active",
                                  "    ECC Errors", "        Volatile",
                                  "            DRAM Correctable              : 0",
                                  "            DRAM Uncorrectable            : 1",
                                  "    Remapped Rows", "        Correctable Error                 : 0",
                                  "        Uncorrectable Error               : 0",
                                  "        Pending                           : No",
                                  "        Remapping Failure Occurred        : No"] + app_noise(c, 4))
    return c


@case
def case_082():
    # Dead rank named only by the "[rankN]" prefix in a per-node log; the peers' messages are
    # DeepSpeed/gloo style.
    c = Case("case-082", "rank_process_crash", "node-2/gpu3", nodes(1, 2))
    c.alert("TrainingJobFailed", "ds-zero3-30b: job failed", job="ds-zero3-30b", node="node-1")
    c.log("node-1/stderr", app_noise(c, 10) + [
        "[rank4]: RuntimeError: [../third_party/gloo/gloo/transport/tcp/pair.cc:534] Connection closed by peer [10.2.0.12]:31044",
        "[rank5]: RuntimeError: [../third_party/gloo/gloo/transport/tcp/pair.cc:534] Connection closed by peer [10.2.0.12]:31044"])
    c.log("node-2/stderr", app_noise(c, 6) + [
        "[rank11]: Fatal Python error: Segmentation fault",
        "[rank11]: Thread 0x00007f31d2bff640 (most recent call first):",
        '[rank11]:   File "/usr/lib/python3.10/threading.py", line 324 in wait'])
    return c


@case
def case_083():
    # NVLink failure reported by Fabric Manager and nvidia-smi nvlink -e, no Xid.
    c = Case("case-083", "nvlink_error", "node-9/gpu5", nodes(8, 9))
    c.alert("NCCLBandwidthLow", "allreduce busbw 40% of baseline on node-9", job="nemo-43b", node="node-9")
    c.log("node-8/rank0/stdout", rank0_megatron(c, n=25, end_s=-10, step_s=6.0))
    j = kernel_noise(c, "node-9", 10, -1500, -100)
    j += ["%s node-9 nv-fabricmanager[2101]: detected NVLink training failure on GPU 5 (PCI 0000:%s:00.0) link 7, link is down" % (c.syslog(-420), c.pci[5]),
          "%s node-9 nv-fabricmanager[2101]: GPU 5 NVLink 7 state changed to inactive" % c.syslog(-419)]
    c.log("node-9/journal", j)
    return c


@case
def case_084():
    # Power brake / power cap worded by nvidia-smi's CSV query; a straggler alert.
    c = Case("case-084", "gpu_power_throttle", "node-4/gpu1", nodes(3, 4))
    c.alert("StragglerRank", "rank 9 slowest in 90% of steps", job="gemma-27b", node="node-4", rank="9")
    c.log("node-3/rank0/stdout", rank0_megatron(c, n=25, end_s=-10))
    c.log("node-4/nvidia-smi-query", ["index, power.draw [W], clocks.sm [MHz], clocks_throttle_reasons.sw_power_cap, clocks_throttle_reasons.hw_slowdown"] + [
        "%d, %.2f W, %d MHz, %s, Not Active" % (g, 699.5 if g == 1 else c.rng.uniform(520, 640), 1410 if g == 1 else 1980, "Active" if g == 1 else "Not Active") for g in range(8)])
    return c


@case
def case_085():
    # Storage: Lustre eviction wording, checkpoint writes fail with EIO.
    c = Case("case-085", "storage_failure", "node-5", nodes(5, 6))
    c.alert("CheckpointFailed", "checkpoint save failed at step 42000", job="mpt-30b", node="node-5")
    c.log("node-5/rank0/stderr", app_noise(c, 10) + [
        "[rank0]: OSError: [Errno 5] Input/output error: '/lustre/ckpt/mpt-30b/step_42000/model_00.pt'"])
    j = kernel_noise(c, "node-5", 8, -1500, -100)
    j += ["%s node-5 kernel: LustreError: 167-0: scratch-OST0012-osc-ffff8f: This client was evicted by scratch-OST0012; in progress operations using this service will fail." % c.syslog(-90)]
    c.log("node-5/journal", j)
    return c


@case
def case_086():
    # Input pipeline stall worded by the trainer's own warnings (no "DataLoader timed out").
    c = Case("case-086", "dataloader_stall", "job", nodes(1, 2))
    c.alert("TrainingThroughputDrop", "clip-vit-h: samples/s down 60%", job="clip-vit-h", node="node-1")
    c.log("node-1/rank0/stdout", interleave(c.rng, plain_steps(c, -300, 30, 500, step_s=3.1), app_noise(c, 6), [
        "%s WARNING: input pipeline is the bottleneck: GPU waited 2.4s for data in the last step (dataloader queue empty)" % c.ymd(-200 + 30 * i) for i in range(4)]))
    c.gpu_metric("DCGM_FI_DEV_GPU_UTIL", "node-1", 31, 8, decimals=0)
    return c



# Third wording batch (written before the changes it was used to check; see agents/README.md).
@case
def case_087():
    # MoE imbalance shown as the router's per-expert token counts; all-to-all waits dominate the
    # step, and the data loader reports it is idle (fast).
    c = Case("case-087", "moe_expert_imbalance", "job", nodes(1, 2, 3, 4))
    c.alert("TrainingStepTimeHigh", "deepseek-moe-16b: step time +55%", job="deepseek-moe-16b", node="node-1")
    lines = []
    for i in range(10):
        counts = [c.rng.randrange(2500, 4200) for _ in range(8)]
        hot = c.rng.choice([0, 3])
        counts[hot] = c.rng.randrange(110000, 125000)
        lines.append("%s [MoE] router: token distribution across experts (layer %d): %s" % (c.ymd(-500 + 45 * i), 2 * i, counts))
        lines.append("%s [timers] all2all-dispatch wait 2210 ms, data loader wait 3 ms, fwd-bwd 4120 ms" % c.ymd(-499 + 45 * i))
    c.log("node-1/rank0/stdout", interleave(c.rng, lines, app_noise(c, 8)))
    c.gpu_metric("DCGM_FI_DEV_GPU_UTIL", "node-1", 71, 6, decimals=0)
    return c


@case
def case_088():
    # IB port down shown by ibstat (the CA name is on another line than the port state) and
    # perfquery counters; peers time out.
    c = Case("case-088", "ib_link_failure", "node-7/mlx5_4", nodes(6, 7))
    c.alert("TrainingJobStalled", "no iteration for 15m", job="llama3-70b-cpt", node="node-6")
    c.log("node-6/rank0/stderr", rank0_megatron(c, n=20, end_s=-900) + watchdog(c, 0, -20, 99102))
    c.log("node-7/ibstat", ["CA 'mlx5_3'", "\tCA type: MT4129", "\tPort 1:", "\t\tState: Active", "\t\tPhysical state: LinkUp", "\t\tRate: 400",
                            "CA 'mlx5_4'", "\tCA type: MT4129", "\tPort 1:", "\t\tState: Down", "\t\tPhysical state: Polling", "\t\tRate: 10",
                            "CA 'mlx5_5'", "\tCA type: MT4129", "\tPort 1:", "\t\tState: Active", "\t\tPhysical state: LinkUp", "\t\tRate: 400"])
    c.log("node-7/perfquery-mlx5_4", ["# Port counters: Lid 212 port 1 (CapMask: 0x5A00)", "SymbolErrorCounter:..............1532",
                                      "LinkErrorRecoveryCounter:........255", "LinkDownedCounter:...............17"])
    return c


@case
def case_089():
    # Xid 79 in structured (JSON) logs of a node agent.
    c = Case("case-089", "gpu_fallen_off_bus", "node-4/gpu7", nodes(3, 4))
    c.alert("GPUMissing", "node-4 reports 7 GPUs (expected 8)", node="node-4")
    c.log("node-3/rank0/stdout", rank0_megatron(c, n=20, end_s=-400))
    c.log("node-4/gpu-agent", app_noise(c, 8) + [
        '{"ts":"%s","level":"error","msg":"xid event","xid":79,"gpu_index":7,"pci":"0000:%s:00.0","node":"node-4"}' % (c.iso(-380), c.pci[7]),
        '{"ts":"%s","level":"warn","msg":"gpu removed from allocatable","gpu_index":7,"node":"node-4"}' % c.iso(-379)])
    return c


@case
def case_090():
    # Thermal slowdown in the newer DCGM field name (CLOCKS_EVENT_REASONS, DCGM >= 3.3).
    c = Case("case-090", "gpu_thermal_throttle", "node-2/gpu0", nodes(1, 2))
    c.alert("StragglerRank", "rank 8 slowest in 97% of steps", job="mistral-7b", node="node-2", rank="8")
    c.log("node-1/rank0/stdout", rank0_megatron(c, n=25, end_s=-10))
    c.gpu_metric("DCGM_FI_DEV_CLOCKS_EVENT_REASONS", "node-2", 0, 0, {0: lambda s, v: 0 if s < -700 else 32}, decimals=0)
    c.gpu_metric("DCGM_FI_DEV_SM_CLOCK", "node-2", 1980, 0, {0: lambda s, v: v if s < -700 else 1245}, decimals=0)
    return c


@case
def case_091():
    # Loss NaN as PyTorch Lightning prints it (train_loss=nan in the progress bar).
    c = Case("case-091", "loss_divergence", "job", nodes(1, 2))
    c.alert("TrainingLossNaN", "sd-finetune: loss is NaN", job="sd-finetune", node="node-1")
    bar = ["Epoch 3:  %d%%|####      | %d/2500 [12:%02d<18:11, 2.05it/s, v_num=7, train_loss=%s]" % (
        40 + i, 1000 + 10 * i, i, "%.3f" % (0.121 + 0.002 * i) if i < 6 else "nan") for i in range(10)]
    c.log("node-1/rank0/stdout", interleave(c.rng, bar, app_noise(c, 12)))
    return c



# Fourth wording batch: written after the changes above and scored once, with no change made for it.
@case
def case_092():
    # NCCL's own allocation failure (numbered "Cuda failure 2"), on the rank that ran out.
    c = Case("case-092", "cuda_oom", "node-2/gpu3", nodes(1, 2))
    c.alert("TrainingJobFailed", "yi-34b-sft failed at init of pipeline stage 2", job="yi-34b-sft", node="node-1")
    r = app_noise(c, 14) + nccl_init(c, "node-2", 11, 3, 16)[:5]
    r += ["node-2:40112:40190 [3] include/alloc.h:103 NCCL WARN Cuda failure 2 'out of memory'",
          "node-2:40112:40190 [3] NCCL INFO transport/p2p.cc:218 -> 1",
          "[rank11]: torch.distributed.DistBackendError: NCCL error in: ../torch/csrc/distributed/c10d/ProcessGroupNCCL.cpp:1970, unhandled cuda error (run with NCCL_DEBUG=INFO for details), NCCL version 2.21.5"]
    c.log("node-2/rank11/stderr", r)
    return c


@case
def case_093():
    # Illegal memory access surfacing as "unspecified launch failure" via the runtime API name.
    c = Case("case-093", "illegal_memory_access", "node-1/gpu6", nodes(1, 2))
    c.alert("TrainingJobFailed", "flash-attn-dev: job crashed after kernel upgrade", job="flash-attn-dev", node="node-1")
    c.log("node-1/rank0/stdout", rank0_megatron(c, n=12, end_s=-30))
    c.log("node-1/rank6/stderr", app_noise(c, 10) + [
        "[rank6]: RuntimeError: cudaErrorLaunchFailure: unspecified launch failure (launching custom_attn_fwd_kernel)"])
    return c


@case
def case_094():
    # More local ranks than visible GPUs: invalid device ordinal on the extra ranks.
    c = Case("case-094", "launch_config_error", "job", nodes(1, 2))
    c.alert("TrainingJobFailed", "phi-3-ft: failed at start", job="phi-3-ft", node="node-1")
    c.log("node-1/launcher", app_noise(c, 18) + [
        "torchrun --nproc_per_node=8 train.py  (CUDA_VISIBLE_DEVICES=0,1,2,3,4,5)",
        "[rank6]: RuntimeError: CUDA error: invalid device ordinal",
        "[rank7]: RuntimeError: CUDA error: invalid device ordinal"])
    return c


@case
def case_095():
    # XFS shut down the checkpoint filesystem; saves then fail.
    c = Case("case-095", "storage_failure", "node-3", nodes(3, 4))
    c.alert("CheckpointFailed", "checkpoint save failed", job="qwen2-72b", node="node-3")
    c.log("node-3/rank0/stderr", app_noise(c, 10) + [
        "[rank0]: RuntimeError: [enforce fail at inline_container.cc:603] . unexpected pos 1273536 vs 1273424"])
    j = kernel_noise(c, "node-3", 8, -1500, -100)
    j += ["%s node-3 kernel: XFS (md0): Corruption of in-memory data detected.  Shutting down filesystem" % c.syslog(-200),
          "%s node-3 kernel: XFS (md0): Please unmount the filesystem and rectify the problem(s)" % c.syslog(-199)]
    c.log("node-3/journal", j)
    return c


@case
def case_096():
    # PCIe link trained down, seen only in nvidia-smi -q's multi-line PCI section.
    c = Case("case-096", "pcie_link_degraded", "node-8/gpu2", nodes(7, 8))
    c.alert("StragglerRank", "rank 10 slowest in 99% of steps", job="llava-next", node="node-8", rank="10")
    c.log("node-7/rank0/stdout", rank0_megatron(c, n=20, end_s=-10))
    c.log("node-8/nvidia-smi-q", ["GPU 0000:%s:00.0" % c.pci[2], "    PCI", "        Bus                               : 0x%s" % c.pci[2],
                                  "        GPU Link Info", "            PCIe Generation",
                                  "                Max                       : 5", "                Current                   : 1",
                                  "            Link Width", "                Max                       : 16x",
                                  "                Current                   : 4x"] + app_noise(c, 8))
    return c


# Fifth batch (round 4, engineer D2): one or two cases per class of failure reported for freeze 3,
# written before any change and scored first (see agents/README.md).
@case
def case_097():
    # NVLink errors on one GPU only as counters (nvidia-smi nvlink -e) and a DCGM CRC counter rising.
    c = Case("case-097", "nvlink_error", "node-6/gpu2", nodes(5, 6))
    c.alert("NCCLBandwidthLow", "allgather busbw down 45% on node-6", job="llama3-405b", node="node-6")
    c.log("node-5/rank0/stdout", rank0_megatron(c, n=20, end_s=-10, step_s=7.5))
    c.log("node-6/nvlink-errors", ["GPU 2: NVIDIA H200 (UUID: %s)" % c.uuid("node-6", 2),
                                   "\t Link 0: Replay Errors: 0", "\t Link 0: Recovery Errors: 0", "\t Link 0: CRC Errors: 0",
                                   "\t Link 3: Replay Errors: 4412", "\t Link 3: Recovery Errors: 37", "\t Link 3: CRC Errors: 91834",
                                   "GPU 3: NVIDIA H200 (UUID: %s)" % c.uuid("node-6", 3),
                                   "\t Link 0: Replay Errors: 0", "\t Link 0: Recovery Errors: 0", "\t Link 0: CRC Errors: 0"])
    c.gpu_metric("DCGM_FI_DEV_NVLINK_CRC_FLIT_ERROR_COUNT_TOTAL", "node-6", 0, 0, {2: lambda s, v: 0 if s < -600 else 150 * (s + 600)}, decimals=0)
    return c


@case
def case_098():
    # Thermal slowdown on one GPU only in nvidia-smi -q's "Clocks Event Reasons" section.
    c = Case("case-098", "gpu_thermal_throttle", "node-3/gpu4", nodes(2, 3))
    c.alert("StragglerRank", "rank 12 slowest in 95% of steps", job="qwen2-57b", node="node-3", rank="12")
    c.log("node-2/rank0/stdout", rank0_megatron(c, n=20, end_s=-10))
    q = []
    for g in (3, 4):
        hot = g == 4
        q += ["GPU 00000000:%s:00.0" % c.pci[g].upper(), "    Product Name                          : NVIDIA H200",
              "    Clocks Event Reasons",
              "        Idle                              : Not Active",
              "        SW Power Cap                      : Not Active",
              "        HW Slowdown                       : %s" % ("Active" if hot else "Not Active"),
              "            HW Thermal Slowdown           : %s" % ("Active" if hot else "Not Active"),
              "            HW Power Brake Slowdown       : Not Active",
              "        SW Thermal Slowdown               : %s" % ("Active" if hot else "Not Active"),
              "    Temperature", "        GPU Current Temp                  : %d C" % (91 if hot else 55),
              "        GPU Shutdown Temp                 : 92 C", "        GPU Slowdown Temp                 : 89 C",
              "    Clocks", "        SM                                : %d MHz" % (1155 if hot else 1980)]
    c.log("node-3/nvidia-smi-q", q)
    return c


@case
def case_099():
    # PCIe link downgraded, seen by lspci (LnkSta ... (downgraded)) for the GPU's bus id.
    c = Case("case-099", "pcie_link_degraded", "node-4/gpu5", nodes(4, 5))
    c.with_topology()
    c.alert("TrainingStepTimeHigh", "mixtral-8x22b: step time +35%", job="mixtral-8x22b", node="node-4")
    c.log("node-4/rank0/stdout", rank0_megatron(c, n=20, end_s=-10, step_s=5.6))
    c.log("node-4/lspci", ["%s:00.0 3D controller: NVIDIA Corporation GH100 [H200 SXM 141GB] (rev a1)" % c.pci[5],
                           "\t\tLnkCap:\tPort #0, Speed 32GT/s, Width x16, ASPM not supported",
                           "\t\tLnkSta:\tSpeed 2.5GT/s (downgraded), Width x8 (downgraded)",
                           "\t\tLnkCtl2: Target Link Speed: 32GT/s, EnterCompliance- SpeedDis-"])
    return c


@case
def case_100():
    # GPU fell off the bus; the loud downstream symptoms (checkpoint I/O errors on the dead process's
    # files, a hung dataloader, the relaunch failing) come after it.
    c = Case("case-100", "gpu_fallen_off_bus", "node-7/gpu1", nodes(7, 8))
    c.with_topology()
    c.alert("TrainingJobFailed", "gpt-neox-20b: relaunch failed 3 times", job="gpt-neox-20b", node="node-7")
    c.log("node-7/kern", kernel_noise(c, "node-7", 8, fmt="dmesg") + [
        "%s NVRM: GPU at PCI:0000:%s:00: GPU-%s" % (c.dmesg(-900), c.pci[1], c.uuid("node-7", 1)[4:]),
        "%s NVRM: GPU Board Serial Number: 1654023012345" % c.dmesg(-900),
        "%s NVRM: Xid (PCI:0000:%s:00): 79, pid='<unknown>', name=<unknown>, GPU has fallen off the bus." % (c.dmesg(-900), c.pci[1])])
    c.log("node-7/rank0/stderr", app_noise(c, 8) + [
        "[rank0]: OSError: [Errno 5] Input/output error: '/ckpt/gpt-neox-20b/global_step81000/mp_rank_01_model_states.pt'",
        "[rank0]: RuntimeError: DataLoader worker (pid(s) 81234) exited unexpectedly",
        "[rank0]: RuntimeError: DataLoader timed out after 1800 seconds"])
    c.log("launcher", ["torch.distributed.elastic.multiprocessing.errors.ChildFailedError: train.py FAILED",
                       "relaunch 1/3: RuntimeError: CUDA error: no CUDA-capable device is detected",
                       "relaunch 2/3: RuntimeError: CUDA error: no CUDA-capable device is detected",
                       "relaunch 3/3: giving up: launch failed"])
    return c


@case
def case_101():
    # Uncorrectable ECC whose row remap failed: the remapper is out of spare rows.
    c = Case("case-101", "gpu_row_remap_failure", "node-2/gpu7", nodes(1, 2))
    c.alert("TrainingJobFailed", "bert-xxl: rank 15 crashed", job="bert-xxl", node="node-2")
    c.log("node-2/rank15/stderr", app_noise(c, 6) + ["[rank15]: RuntimeError: CUDA error: uncorrectable ECC error encountered"])
    c.log("node-2/nvidia-smi-q", ["GPU 00000000:%s:00.0" % c.pci[7].upper(),
                                  "    ECC Errors", "        Volatile", "            DRAM Correctable              : 12",
                                  "            DRAM Uncorrectable            : 3",
                                  "    Remapped Rows", "        Correctable Error                 : 4",
                                  "        Uncorrectable Error               : 512",
                                  "        Pending                           : No",
                                  "        Remapping Failure Occurred        : Yes",
                                  "        Bank Remap Availability Histogram",
                                  "            Max                           : 0 bank(s)",
                                  "            None                          : 640 bank(s)"])
    return c


@case
def case_102():
    # Uncorrectable ECC whose remap is pending (DCGM fields): the remap worked, a reset is needed.
    c = Case("case-102", "gpu_memory_uncorrectable_ecc", "node-5/gpu0", nodes(5, 6))
    c.alert("TrainingJobFailed", "t5-11b: rank 0 crashed", job="t5-11b", node="node-5")
    c.log("node-5/rank0/stderr", app_noise(c, 8) + ["[rank0]: torch.AcceleratorError: CUDA error: uncorrectable ECC error encountered"])
    c.gpu_metric("DCGM_FI_DEV_ECC_DBE_VOL_TOTAL", "node-5", 0, 0, {0: lambda s, v: 0 if s < -120 else 2}, decimals=0)
    c.gpu_metric("DCGM_FI_DEV_ROW_REMAP_PENDING", "node-5", 0, 0, {0: lambda s, v: 0 if s < -120 else 1}, decimals=0)
    c.gpu_metric("DCGM_FI_DEV_ROW_REMAP_FAILURE", "node-5", 0, 0, decimals=0)
    pad_noise(c, "node-5")  # the validator wants >= 20 log lines; harmless host syslog
    return c


@case
def case_103():
    # CUDA OOM on one rank; the others wait in the next collective and their data loaders idle.
    c = Case("case-103", "cuda_oom", "node-2/gpu6", nodes(1, 2))
    c.alert("TrainingJobStalled", "vit-22b: no step for 12m", job="vit-22b", node="node-1")
    c.log("node-1/rank0/stderr", rank0_megatron(c, n=10, end_s=-700) + [
        "[rank0]: WARNING: data loader queue has been empty for 600 s, waiting on rank sync"] + watchdog(c, 0, -20, 55021))
    c.log("node-2/rank14/stderr", app_noise(c, 6) + [
        "[rank14]: torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 3.50 GiB. GPU 6 has a total capacity of 139.72 GiB of which 1.12 GiB is free."])
    return c


@case
def case_104():
    # SDC: replicas' parameter checksums disagree and one GPU is the odd one out; loss spikes follow.
    c = Case("case-104", "gpu_silent_data_corruption", "node-3/gpu2", nodes(3, 4))
    c.alert("TrainingLossSpike", "falcon-40b: loss spike", job="falcon-40b", node="node-3")
    c.log("node-3/rank0/stdout", rank0_megatron(c, n=20, end_s=-10))
    c.log("node-3/rank0/stderr", [
        "%s [integrity] data-parallel replica checksum mismatch at step 88120: rank 18 (node-3 GPU 2) sha=9f3c1a07 expected 51be0c2d (all other 15 replicas agree)" % c.ymd(-200),
        "%s [integrity] data-parallel replica checksum mismatch at step 88140: rank 18 (node-3 GPU 2) sha=0d7e55b1 expected 7a90c3e4" % c.ymd(-120)])
    return c


@case
def case_105():
    # A pod limited by its CPU quota (noisy neighbour on the node): one rank is slow, CFS throttling.
    c = Case("case-105", "straggler_rank", "node-6", nodes(5, 6))
    c.alert("StragglerRank", "rank 11 slowest in 88% of steps", job="sd3-train", node="node-6", rank="11")
    c.log("node-5/rank0/stdout", rank0_megatron(c, n=20, end_s=-10))
    c.log("node-6/kubelet", app_noise(c, 4) + [
        "%s pod trainer-worker-1: container trainer CPU throttled 78%% of periods in the last 5m (limit 16 cores, another pod batch-etl-7f9 using 48 cores on the node)" % c.iso(-300)])
    c.node_metric("container_cpu_cfs_throttled_periods_total", {"node": "node-6", "pod": "trainer-worker-1"}, lambda s: 0 if s < -900 else 80 * (s + 900))
    return c


@case
def case_106():
    # A kernel bug (illegal memory access) on every rank at once: job-wide software, not one GPU.
    c = Case("case-106", "illegal_memory_access", "job", nodes(1, 2))
    c.alert("TrainingJobFailed", "gemma-2b-ft: crashed after upgrading flash-attn", job="gemma-2b-ft", node="node-1")
    for h, r, g in (("node-1", 0, 0), ("node-1", 3, 3), ("node-2", 9, 1)):
        c.log("%s/rank%d/stderr" % (h, r), app_noise(c, 4) + [
            "[rank%d]: RuntimeError: CUDA error: an illegal memory access was encountered" % r,
            "[rank%d]: Compile with `TORCH_USE_CUDA_DSA` to enable device-side assertions." % r])
    pad_noise(c, "node-1")  # the validator wants >= 20 log lines; harmless host syslog
    return c


# Sixth batch (round 4): other wordings of the same classes, scored first before further changes.
@case
def case_107():
    # Loss blow-up in a Hugging Face Trainer log (dict lines), grad norm inf, no "nan" anywhere.
    c = Case("case-107", "loss_divergence", "job", nodes(1, 2))
    c.alert("TrainingLossSpike", "llama-3-8b-sft: loss x1000", job="llama-3-8b-sft", node="node-1")
    lines = ["{'loss': %s, 'grad_norm': %s, 'learning_rate': 1.9e-05, 'epoch': %.2f}" % (
        "%.4f" % (1.42 - 0.01 * i) if i < 12 else "%.1f" % (3.1 * 10 ** (i - 9)),
        "%.3f" % (0.8 + 0.05 * i) if i < 12 else "inf", 1.1 + 0.01 * i) for i in range(16)]
    c.log("node-1/rank0/stdout", interleave(c.rng, lines, app_noise(c, 10)))
    return c


@case
def case_108():
    # MoE imbalance as load-balance statistics (max/mean load, dropped tokens), no token lists.
    c = Case("case-108", "moe_expert_imbalance", "job", nodes(1, 2, 3, 4))
    c.alert("TrainingStepTimeHigh", "olmoe-7b: step time +70%", job="olmoe-7b", node="node-1")
    lines = ["%s [moe] layer %d: expert load max/mean=%.1f, tokens dropped %.1f%% (capacity_factor=1.25), aux_loss=%.4f" % (
        c.ymd(-600 + 40 * i), 4 + i % 6, 6.5 + 0.3 * (i % 4), 28 + i % 7, 0.0009) for i in range(12)]
    c.log("node-1/rank0/stdout", interleave(c.rng, lines, app_noise(c, 8)))
    return c


@case
def case_109():
    # NCCL falls back to sockets because NCCL_IB_HCA names a device that does not exist.
    c = Case("case-109", "nccl_network_misconfig", "job", nodes(1, 2))
    c.alert("NCCLBandwidthLow", "allreduce busbw 9 GB/s (expected 380)", job="dbrx-ft", node="node-1")
    c.log("node-1/rank0/stdout", app_noise(c, 10) + [
        "node-1:21033:21033 [0] NCCL INFO NCCL_IB_HCA set to mlx5_bond_0",
        "node-1:21033:21033 [0] NCCL INFO NET/IB : No device found.",
        "node-1:21033:21033 [0] NCCL INFO NET/Socket : Using [0]eth0:10.20.1.11<0>",
        "node-1:21033:21033 [0] NCCL INFO Using network Socket"])
    pad_noise(c, "node-1")  # the validator wants >= 20 log lines; harmless host syslog
    return c


@case
def case_110():
    # GPU firmware (GSP) error; afterwards checkpoint writes fail with I/O errors and the job hangs.
    c = Case("case-110", "gpu_firmware_error", "node-4/gpu3", nodes(3, 4))
    c.with_topology()
    c.alert("CheckpointFailed", "checkpoint save failed", job="nemotron-15b", node="node-4")
    c.log("node-4/dmesg", kernel_noise(c, "node-4", 8, fmt="dmesg") + [
        "%s NVRM: Xid (PCI:0000:%s:00): 119, pid=77120, name=python, Timeout after 6s of waiting for RPC response from GPU3 GSP! Expected function 76 (GSP_RM_CONTROL) (0x20800a4c 0x4)." % (c.dmesg(-700), c.pci[3]),
        "%s NVRM: GPU3 GSP RPC buffer contains function 76 (GSP_RM_CONTROL) and data 0x0000000020800a4c 0x0000000000000004." % c.dmesg(-700)])
    c.log("node-4/rank0/stderr", app_noise(c, 6) + [
        "[rank0]: OSError: [Errno 5] Input/output error: '/checkpoints/nemotron-15b/iter_0012000/mp_rank_03/model_optim_rng.pt'",
        "[rank0]: RuntimeError: Failed to save checkpoint: [Errno 5] Input/output error"])
    pad_noise(c, "node-4")  # the validator wants >= 20 log lines; harmless host syslog
    return c


@case
def case_111():
    # Hang: rank 13 never reached the barrier; rank 0 says so, every other rank timed out waiting.
    c = Case("case-111", "nccl_collective_hang", "node-2/gpu5", nodes(1, 2))
    c.with_topology()
    c.alert("TrainingJobStalled", "no step for 30m", job="gpt-8b", node="node-1")
    c.log("node-1/rank0/stderr", rank0_megatron(c, n=10, end_s=-1900) + [
        "[rank0]: RuntimeError: [/pytorch/third_party/gloo/gloo/transport/tcp/unbound_buffer.cc:81] Timed out waiting 1800000ms for recv operation to complete",
        "[rank0]: RuntimeError: Ranks 13 failed to pass monitoredBarrier in 1800000 ms"] + watchdog(c, 0, -30, 7731))
    for r in (4, 9):
        c.log("node-%d/rank%d/stderr" % (1 + r // 8, r), watchdog(c, r, -30 + r * 0.1, 7731))
    return c


@case
def case_112():
    # A GPU known only to be on node-3 failed (node agent has no index); a health sweep finds it.
    c = Case("case-112", "gpu_memory_uncorrectable_ecc", "node-3/gpu6", nodes(2, 3))
    c.alert("TrainingJobFailed", "sdxl-ft: worker on node-3 exited", job="sdxl-ft", node="node-3")
    c.log("node-3/agent", app_noise(c, 6) + ["%s node-3 health-agent: ERROR double-bit ECC error reported by a GPU on this node; draining" % c.iso(-300)])
    for g in range(8):
        if g == 6:
            c.health("gpu.health@node-3/gpu%d" % g, ecc_dbe_volatile=4, remap_pending=1, xid_last=48)
        else:
            c.health("gpu.health@node-3/gpu%d" % g)
    pad_noise(c, "node-3")  # the validator wants >= 20 log lines; harmless host syslog
    return c


@case
def case_113():
    # Straggler from a CPU quota: the pod's CPU throttling shows in cgroup stats of the slow rank.
    c = Case("case-113", "straggler_rank", "node-2", nodes(1, 2))
    c.alert("StragglerRank", "rank 14 slowest in 92% of steps", job="pixart-ft", node="node-2", rank="14")
    c.log("node-1/rank0/stdout", rank0_megatron(c, n=20, end_s=-10))
    c.log("node-2/cgroup", ["cpu.stat for /kubepods/burstable/pod7c1e/trainer:", "nr_periods 182340", "nr_throttled 151222",
                            "throttled_usec 9812234511", "cpu.max: 800000 100000"])
    return c


# Seventh batch (round 4): written after the batch-5/6 changes, scored first before further changes.
@case
def case_114():
    # Uncorrectable ECC, remap succeeded and is pending: nvidia-smi -q counts an uncorrectable
    # remapped row, "Pending: Yes", "Remapping Failure Occurred: No". Not a remap failure.
    c = Case("case-114", "gpu_memory_uncorrectable_ecc", "node-8/gpu4", nodes(7, 8))
    c.alert("TrainingJobFailed", "mamba-2.8b: rank 12 crashed", job="mamba-2.8b", node="node-8")
    c.log("node-8/rank12/stderr", app_noise(c, 6) + ["[rank12]: RuntimeError: CUDA error: uncorrectable ECC error encountered"])
    c.log("node-8/dmesg", ["%s NVRM: Xid (PCI:0000:%s:00): 48, pid=30121, name=python, An uncorrectable double bit error (DBE) has been detected on GPU in the framebuffer at partition 3, subpartition 0." % (c.dmesg(-50), c.pci[4]),
                           "%s NVRM: Xid (PCI:0000:%s:00): 63, pid=30121, name=python, Row Remapper: New row (0x0000000000a3f2c0) was marked for remapping, reset gpu to activate." % (c.dmesg(-49), c.pci[4])] + kernel_noise(c, "node-8", 6, fmt="dmesg"))
    c.log("node-8/nvidia-smi-q", ["GPU 00000000:%s:00.0" % c.pci[4].upper(), "    Remapped Rows",
                                  "        Correctable Error                 : 0", "        Uncorrectable Error               : 1",
                                  "        Pending                           : Yes", "        Remapping Failure Occurred        : No"])
    return c


@case
def case_115():
    # Row remap failure seen only in DCGM fields (ROW_REMAP_FAILURE=1) next to DBE counts.
    c = Case("case-115", "gpu_row_remap_failure", "node-1/gpu5", nodes(1, 2))
    c.alert("GPUUnhealthy", "DCGM health: memory failure on node-1", node="node-1")
    c.log("node-1/rank5/stderr", app_noise(c, 6) + ["[rank5]: RuntimeError: CUDA error: uncorrectable ECC error encountered"])
    c.gpu_metric("DCGM_FI_DEV_ECC_DBE_VOL_TOTAL", "node-1", 0, 0, {5: lambda s, v: 0 if s < -300 else 3}, decimals=0)
    c.gpu_metric("DCGM_FI_DEV_ROW_REMAP_FAILURE", "node-1", 0, 0, {5: lambda s, v: 0 if s < -300 else 1}, decimals=0)
    c.gpu_metric("DCGM_FI_DEV_ROW_REMAP_PENDING", "node-1", 0, 0, decimals=0)
    pad_noise(c, "node-1")  # the validator wants >= 20 log lines; harmless host syslog
    return c


@case
def case_116():
    # CUDA OOM on one rank written by a JAX/XLA-style allocator message; others' loaders idle.
    # (Expected component corrected from node-3/gpu1 after the first score: a JAX worker process
    # drives all GPUs of its host, so the evidence pins the node, not a GPU.)
    c = Case("case-116", "cuda_oom", "node-3", nodes(3, 4))
    c.alert("TrainingJobStalled", "no step for 15m", job="gemma-7b-jax", node="node-3")
    c.log("node-3/worker1/stderr", app_noise(c, 6) + [
        "jaxlib.xla_extension.XlaRuntimeError: RESOURCE_EXHAUSTED: Out of memory while trying to allocate 8589934592 bytes.",
        "BufferAssignment OOM Debugging."])
    c.log("node-4/worker0/stdout", app_noise(c, 6) + ["%s input pipeline: prefetch buffer empty for 600 s, waiting for peers" % c.ymd(-100)])
    pad_noise(c, "node-3")  # the validator wants >= 20 log lines; harmless host syslog
    return c


@case
def case_117():
    # SDC found by a determinism check: the same micro-batch recomputed gives different grads on one GPU.
    c = Case("case-117", "gpu_silent_data_corruption", "node-2/gpu7", nodes(1, 2))
    c.with_topology()
    c.alert("TrainingLossSpike", "loss jumped to 9.7 at step 30210", job="llama-70b", node="node-1")
    c.log("node-1/rank0/stdout", rank0_megatron(c, n=20, end_s=-10))
    c.log("node-2/rank15/stderr", app_noise(c, 4) + [
        "%s [determinism] recompute of micro-batch 3 on GPU 0000:%s:00.0 differs from first pass: max |diff| 4.1e+02 in layer 31 mlp.fc1 (bitwise mismatch)" % (c.ymd(-150), c.pci[7])])
    return c


@case
def case_118():
    # Straggler node from CPU steal on a VM (noisy neighbour at the hypervisor).
    c = Case("case-118", "straggler_rank", "node-5", nodes(4, 5))
    c.alert("StragglerRank", "rank 10 slowest in 85% of steps", job="bert-large-ft", node="node-5", rank="10")
    c.log("node-4/rank0/stdout", rank0_megatron(c, n=20, end_s=-10))
    c.node_metric("node_cpu_seconds_total", {"instance": "node-5", "mode": "steal", "cpu": "0"}, lambda s: 100000 + (0.05 * (s + 1200) if s < -600 else 30 + 0.45 * (s + 600)))
    c.log("node-5/top", ["%Cpu(s): 38.2 us,  6.1 sy,  0.0 ni, 12.4 id,  0.0 wa,  0.0 hi,  0.3 si, 43.0 st"])
    return c


@case
def case_119():
    # GPU unknown on a node (XID seen by a node exporter without index); a health sweep localizes it.
    c = Case("case-119", "gpu_fallen_off_bus", "node-6/gpu2", nodes(5, 6))
    c.alert("GPUXidError", "node-6: critical Xid reported", node="node-6", job="mpt-7b")
    c.log("node-6/exporter", app_noise(c, 6) + ["%s level=error msg=\"critical xid on node\" node=node-6 xid=79" % c.iso(-200)])
    # (Inventory results added after the first score: the sweep asked gpu.inventory, which the case
    # had not recorded; a live executor would have answered it.)
    for g in range(8):
        if g == 2:
            c.health("gpu.health@node-6/gpu%d" % g, xid_last=79)
            c.inventory("gpu.inventory@node-6/gpu%d" % g, count=7)
        else:
            c.health("gpu.health@node-6/gpu%d" % g)
            c.probe("gpu.inventory@node-6/gpu%d" % g, {
                "status": "pass", "metrics": {"gpu_count": 7, "gpu_count_expected": 8, "target_visible": 1},
                "thresholds": {"target_visible_min": 1},
                "reason": "gpu%d enumerated by NVML and CUDA (7 of 8 GPUs visible)" % g,
                "duration_s": round(c.rng.uniform(0.4, 0.9), 2)})
    pad_noise(c, "node-6")  # the validator wants >= 20 log lines; harmless host syslog
    return c


# Eighth batch (round 4): written after the changes above and scored first; one pack change followed
# (dcgmi health NVLink wording, 121).
@case
def case_120():
    # CUDA OOM in the caching allocator's newer wording on one rank; the rest of the job looks like
    # an input stall (loader wait times high on rank 0).
    c = Case("case-120", "cuda_oom", "node-2/gpu4", nodes(1, 2))
    c.with_topology()
    c.alert("TrainingThroughputDrop", "tokens/s down 100% for 10m", job="codellama-34b", node="node-1")
    c.log("node-1/rank0/stdout", rank0_megatron(c, n=10, end_s=-650) + [
        "%s [timers] data-loader wait 612.4 s (last step)" % c.ymd(-40)])
    c.log("node-2/rank12/stderr", app_noise(c, 5) + [
        "[rank12]: torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 1.95 GiB. GPU 4 has a total capacity of 79.11 GiB of which 1.06 GiB is free. Including non-PyTorch memory, this process has 78.04 GiB memory in use."])
    return c


@case
def case_121():
    # NVLink: DCGM health check names the link; XID 74 absent.
    c = Case("case-121", "nvlink_error", "node-3/gpu6", nodes(3, 4))
    c.alert("NCCLBandwidthLow", "alltoall busbw 50% low", job="mixtral-8x7b", node="node-3")
    c.log("node-3/dcgmi-health", ["+---------------------------+------------------------------------------------------+",
                                  "| Health Monitor Report     |                                                      |",
                                  "| Overall Health            | Warning                                              |",
                                  "| GPU ID: 6                 | Warning                                              |",
                                  "|                           | NVLink: Warning - Detected more than 100 CRC errors  |",
                                  "|                           | per second on link 11 for GPU 6                      |"])
    pad_noise(c, "node-3")  # the validator wants >= 20 log lines; harmless host syslog
    return c


@case
def case_122():
    # Hang: flight-recorder style summary names the rank whose collective is missing.
    c = Case("case-122", "nccl_collective_hang", "node-1/gpu3", nodes(1, 2))
    c.with_topology()
    c.alert("TrainingJobStalled", "no step for 20m", job="phi-3-medium", node="node-2")
    lines = watchdog(c, 9, -60, 1204) + ["[rank9]: collective 1204 (ALLREDUCE) is missing ranks: [3]; all other ranks entered it"]
    c.log("node-2/rank9/stderr", lines)
    c.log("node-2/rank12/stderr", watchdog(c, 12, -59, 1204))
    pad_noise(c, "node-1")  # the validator wants >= 20 log lines; harmless host syslog
    return c


@case
def case_123():
    # Thermal throttle on one GPU: DCGM temperature and clocks only (no reasons field).
    c = Case("case-123", "gpu_thermal_throttle", "node-7/gpu0", nodes(6, 7))
    c.alert("StragglerRank", "rank 8 slowest in 93% of steps", job="yi-9b", node="node-7", rank="8")
    c.log("node-6/rank0/stdout", rank0_megatron(c, n=20, end_s=-10))
    std_gpu_metrics(c, "node-7", temp_over={0: ramp(-900, 93, 300)}, clock_over={0: ramp(-900, 1260, 300)})
    return c


@case
def case_124():
    # (Written with the last rule change, cuda_oom / straggler explaining a data loader stall.) One
    # rank runs out of GPU memory; two other ranks' loaders time out loudly afterwards.
    c = Case("case-124", "cuda_oom", "node-1/gpu5", nodes(1, 2))
    c.with_topology()
    c.alert("TrainingJobFailed", "internvl-26b: DataLoader timeout", job="internvl-26b", node="node-2")
    c.log("node-1/rank5/stderr", app_noise(c, 4) + [
        "%s [rank5]: torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 6.12 GiB. GPU 5 has a total capacity of 139.72 GiB of which 2.91 GiB is free." % c.ymd(-1900)])
    for r in (8, 13):
        c.log("node-2/rank%d/stderr" % r, app_noise(c, 4) + [
            "%s [rank%d]: RuntimeError: DataLoader timed out after 1800 seconds" % (c.ymd(-60), r),
            "%s [rank%d]: RuntimeError: DataLoader worker (pid(s) %d) exited unexpectedly" % (c.ymd(-59), r, 40000 + r)])
    pad_noise(c, "node-2")  # the validator wants >= 20 log lines; harmless host syslog
    return c


# Ninth batch (KR, 2026-12-01): the first cases that record node.kernel_log, in the form vigil-probe
# prints it (probes/gpu/kernel_log.{h,cc} JudgeKernelLog: reason, metrics, details).
def kernel_log_result(c, node, findings, lines_read, covers_s=3600, source="journalctl -k",
                      ring=False, booted_ago=None, duration=None):
    """node.kernel_log@node over a one-hour window. `findings`: (offset_s, kind, gpu, xid, category,
    text), gravest first. A pass when there are none."""
    metrics = {"xid_lines": 0, "aer_lines": 0, "nvlink_lines": 0, "ib_link_lines": 0, "oom_lines": 0,
               "nvrm_lines": 0, "findings_in_window": len(findings), "lines_read": lines_read,
               "unknown_lines": 0, "window_s": 3600, "log_covers_s": covers_s, "bytes_dropped": 0}
    found, cats, by_cat = [], [], {}
    for off, kind, gpu, xid, cat, text in findings:
        metrics[kind + "_lines"] += 1
        f = {"time": c.iso(off), "kind": kind, "text": text}
        if gpu is not None:
            f["pci"] = c.bus(gpu)
            f["gpu"] = gpu
            f["uuid"] = c.uuid(node, gpu)
        if xid is not None:
            f["xid"] = xid
        f["category"] = cat
        found.append(f)
        if cat not in by_cat:
            cats.append(cat)
            by_cat[cat] = []
        if gpu is not None and gpu not in by_cat[cat]:
            by_cat[cat].append(gpu)
    details = {"source": source, "tried": [] if source == "journalctl -k" else ["journalctl -k: not installed"],
               "findings": found, "categories": cats, "gpus_by_category": by_cat,
               "gpu_uuids": {c.bus(f["gpu"]): f["uuid"] for f in found if "gpu" in f},
               "uncategorised": [], "gpu_map": "/proc/driver/nvidia/gpus"}
    if booted_ago is not None:
        coverage = " (the node booted %d s ago: nothing from before its boot was read)" % booted_ago
    elif ring and covers_s < 3600:
        coverage = " (the ring buffer reaches back only %d s)" % covers_s
    else:
        coverage = ""
    if not findings:
        status = "pass"
        reason = "no Xid/NVLink/AER/mlx5-IB/OOM lines in the last 3600 s of a readable log (%s, %d lines)%s" % (
            source, lines_read, coverage)
    else:
        status = "fail"
        shown = []
        for off, kind, gpu, xid, cat, text in findings[:3]:
            who = "gpu%d (PCI %s)" % (gpu, c.bus(gpu)) if gpu is not None else "node"
            what = "Xid %d" % xid if kind == "xid" else kind
            shown.append("%s: %s [%s] at %s: %s" % (who, what, cat, c.iso(off), text[:160]))
        reason = "; ".join(shown)
        if len(findings) > 3:
            reason += "; and %d more" % (len(findings) - 3)
        reason += " (%d finding(s) in the last 3600 s, %s)%s" % (len(findings), source, coverage)
    return {"status": status, "metrics": metrics, "reason": reason, "details": details,
            "duration_s": duration or round(c.rng.uniform(0.01, 0.05), 3)}


@case
def case_125():
    # Two readings of one crash: rank 29 died with "unspecified launch failure" (an application
    # fault or a lost GPU read alike) and no host log was collected; the health check of its GPU
    # timed out. The node's kernel log holds the Xid 79 that decides (the first case recording
    # node.kernel_log).
    c = Case("case-125", "gpu_fallen_off_bus", "node-4/gpu5", nodes(3, 4))
    c.with_topology()
    c.alert("TrainingJobFailed", "llama3-70b: rank 29 exited with code 1", job="llama3-70b", node="node-4")
    c.log("node-3/rank0/stdout", rank0_megatron(c, n=20, end_s=-120))
    c.log("node-4/rank29/stderr", app_noise(c, 5) + [
        "[rank29]: Traceback (most recent call last):",
        '[rank29]:   File "/workspace/Megatron-LM/megatron/core/pipeline_parallel/schedules.py", line 391, in forward_step',
        "[rank29]: RuntimeError: CUDA error: unspecified launch failure",
        "[rank29]: CUDA kernel errors might be asynchronously reported at some other API call, so the stacktrace below might be incorrect.",
        "[rank29]: Compile with `TORCH_USE_CUDA_DSA` to enable device-side assertions."])
    c.probe("gpu.health@node-4/gpu5", {"status": "error", "reason": "vigil-probe did not answer within 60 s (killed)",
                                       "duration_s": 60.0})
    xid = "NVRM: Xid (PCI:%s): 79, pid='<unknown>', name=<unknown>, GPU has fallen off the bus." % c.bus(5)
    c.probe("node.kernel_log@node-4", kernel_log_result(c, "node-4", [
        (-95, "xid", 5, 79, "gpu_fallen_off_bus", xid),
        (-95, "nvrm", 5, None, "gpu_fallen_off_bus", "NVRM: GPU %s.0: GPU has fallen off the bus." % c.bus(5))],
        lines_read=412))
    pad_noise(c, "node-4")  # the validator wants >= 20 log lines; harmless host syslog
    return c


@case
def case_126():
    # The node rebooted itself after its GPU 3 was lost (dcgm-exporter's last scrape before the
    # reboot counted its Xid); the kernel log read 41 s after the boot is clean: the Xid 79 is in the
    # boot before, which a ring buffer never holds, so its pass must count for little. The GPU is
    # back after the reboot (the inventory passes).
    c = Case("case-126", "gpu_fallen_off_bus", "node-6/gpu3", nodes(5, 6))
    c.with_topology()
    c.alert("NodeRebooted", "node-6 rebooted unexpectedly; job gpt-neox-20b restarted", node="node-6",
            job="gpt-neox-20b")
    c.log("node-6/dcgm-exporter", [
        "%s level=warn msg=\"XID error on GPU\" gpu=3 xid=79 uuid=%s" % (c.iso(-130), c.uuid("node-6", 3)),
        "%s level=error msg=\"failed to collect metrics for GPU 3: GPU is lost\"" % c.iso(-125)])
    c.gpu_metric("DCGM_FI_DEV_XID_ERRORS", "node-6", 0, 0, decimals=0,
                 over={3: lambda s, v: None if -120 < s < -40 else (79 if -160 <= s <= -120 else v)})
    c.probe("node.kernel_log@node-6", kernel_log_result(c, "node-6", [], lines_read=366, covers_s=41,
                                                         source="dmesg", ring=True, booted_ago=41))
    for g in range(8):
        c.probe("gpu.inventory@node-6/gpu%d" % g, {
            "status": "pass", "metrics": {"gpu_count": 8, "gpu_count_expected": 8, "target_visible": 1},
            "thresholds": {"target_visible_min": 1},
            "reason": "gpu%d enumerated by NVML and CUDA (8 of 8 GPUs visible)" % g,
            "duration_s": round(c.rng.uniform(0.4, 0.9), 2)})
    pad_noise(c, "node-6")  # the validator wants >= 20 log lines; harmless host syslog
    return c


def main():
    ap = argparse.ArgumentParser(description="write evals/diagnosis/{dev,holdout}/*.json")
    ap.add_argument("--out", default=os.path.dirname(os.path.abspath(__file__)))
    ap.add_argument("--dev-only", action="store_true", help="write dev/ only (do not run holdout/)")
    args = ap.parse_args()
    n = write_cases([f() for f in DEV], os.path.join(args.out, "dev"))
    print("dev: %d cases" % n)
    hpath = os.path.join(os.path.dirname(os.path.abspath(__file__)), "holdout", "holdout_cases.py")
    if os.path.exists(hpath) and not args.dev_only:
        sys.path.insert(0, os.path.dirname(hpath))
        import holdout_cases  # noqa: E402
        n = write_cases([f() for f in holdout_cases.CASES], os.path.join(args.out, "holdout"))
        print("holdout: %d cases" % n)


if __name__ == "__main__":
    main()
