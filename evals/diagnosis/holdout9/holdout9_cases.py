#!/usr/bin/env python3
"""holdout9: diagnosis cases written after reasoner freeze 9 (stdlib only, deterministic).

Each case is one hand-written function below. Writes evals/diagnosis/holdout9/case-z*.json
(`--out DIR` to write elsewhere). Nothing in here may be used to tune the reasoner or the
knowledge pack: whoever changes them must not read this file.
"""

import argparse
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import casekit  # noqa: E402
from casekit import (Case, app_noise, kernel_noise, megatron_iters, deepspeed_steps,  # noqa: E402
                     fsdp_steps, plain_steps, nccl_init, watchdog, elastic_failure, insert_at,
                     interleave, PCI_BUS_B, CLK_SW_THERMAL, CLK_HW_THERMAL, CLK_HW_SLOWDOWN,
                     CLK_SW_POWER_CAP, CLK_HW_POWER_BRAKE)

H100 = "NVIDIA H100 80GB HBM3"
H200 = "NVIDIA H200"
A100 = "NVIDIA A100-SXM4-80GB"


def dcgm(c, host, util=97.0, temp=None, clock=None, power=None, over=None, stop=None,
         fields=("util", "temp", "clock", "power")):
    """Standard DCGM series for every GPU of `host`. `over` maps field -> {gpu: fn(s, v)};
    `stop` maps gpu -> offset after which that GPU's series stop (GPU lost)."""
    over = over or {}
    stop = stop or {}
    temp = temp if temp is not None else 52.0
    clock = clock if clock is not None else c.spec["clock"]
    power = power if power is not None else 0.8 * c.spec["tdp"]
    spec = {"util": ("DCGM_FI_DEV_GPU_UTIL", util, 2.5, 0),
            "temp": ("DCGM_FI_DEV_GPU_TEMP", temp, 4.0, 0),
            "clock": ("DCGM_FI_DEV_SM_CLOCK", clock, 0.0, 0),
            "power": ("DCGM_FI_DEV_POWER_USAGE", power, 30.0, 1)}
    for f in fields:
        name, base, jit, dec = spec[f]
        fo = dict(over.get(f, {}))
        for g, t_stop in stop.items():
            inner = fo.get(g)
            fo[g] = (lambda s, v, inner=inner, t_stop=t_stop:
                     None if s > t_stop else (inner(s, v) if inner else v))
        c.gpu_metric(name, host, base, jitter=jit, over=fo, decimals=dec)


def after(t, new, old=None):
    """fn(s, v): v before offset t, then `new` (value or fn(s, v))."""
    def fn(s, v):
        if s < t:
            return v if old is None else old
        return new(s, v) if callable(new) else new
    return fn


def ramp(t, target, width=300.0):
    def fn(s, v):
        if s < t:
            return v
        k = min(1.0, (s - t) / width)
        return v + (target - v) * k
    return fn


# ====================================================================== cases
def z001():
    """Xid 79 on one H100 buried under NCCL watchdog timeouts from every rank."""
    hosts = ["sc-h100-041", "sc-h100-042", "sc-h100-043", "sc-h100-044"]
    c = Case("case-z001", "gpu_fallen_off_bus", "sc-h100-043/gpu3", hosts, gpu=H100)
    c.alert("SlurmJobStalled", "job 881204 (llama3-70b-pretrain) made no progress for 10 minutes",
            job="llama3-70b-pretrain", node="sc-h100-041", cluster="scarlet")
    tr = megatron_iters(c, -700, 14, 31880, step_s=5.6, loss=1.94)
    tr += ["[rank0]:[W%s ProcessGroupNCCL.cpp:1250] Heartbeat: no progress on work 58211 for 480 s"
           % c.glog(-120)[1:]]
    tr += watchdog(c, 0, -20, 58211, numel=154140672, timeout_ms=900000)
    tr = insert_at(tr, 0.3, app_noise(c, 4))
    c.log("sc-h100-041/rank0/stderr", tr)
    pe = []
    for r in (9, 17, 26, 31):
        pe += watchdog(c, r, -19 + r * 0.01, 58211, numel=154140672, timeout_ms=900000)[:2]
    pe += ["srun: error: sc-h100-042: tasks 8-15: Exited with exit code 1",
           "srun: error: sc-h100-044: tasks 24-31: Exited with exit code 1",
           "srun: error: sc-h100-043: tasks 16-23: Exited with exit code 1"]
    c.log("slurm-881204.out", pe)
    j = kernel_noise(c, "sc-h100-043", 6, -1500, -700)
    j += ["%s sc-h100-043 kernel: NVRM: GPU at PCI:0000:5d:00: GPU-%s" % (c.syslog(-612), c.uuid("sc-h100-043", 3)[4:]),
          "%s sc-h100-043 kernel: NVRM: GPU Board Serial Number: 1652923018842" % c.syslog(-612),
          "%s sc-h100-043 kernel: NVRM: Xid (PCI:0000:5d:00): 79, pid='<unknown>', name=<unknown>, GPU has fallen off the bus." % c.syslog(-612),
          "%s sc-h100-043 kernel: NVRM: GPU 0000:5d:00.0: GPU has fallen off the bus." % c.syslog(-612),
          "%s sc-h100-043 kernel: NVRM: A GPU crash dump has been created. If possible, please run" % c.syslog(-611),
          "%s sc-h100-043 kernel: NVRM: nvidia-bug-report.sh as root to collect this data before" % c.syslog(-611),
          "%s sc-h100-043 kernel: NVRM: the NVIDIA kernel module is unloaded." % c.syslog(-611),
          "%s sc-h100-043 dcgm-exporter[3120]: level=error msg=\"Failed to get device info\" gpu=3 error=\"GPU is lost\"" % c.syslog(-590)]
    j += kernel_noise(c, "sc-h100-043", 4, -560, -10)
    c.log("sc-h100-043/journal", j)
    dcgm(c, "sc-h100-043", util=98, stop={3: -630},
         over={"util": {g: after(-600, 0.0) for g in range(8) if g != 3}})
    c.inventory("gpu.inventory@sc-h100-043/gpu3", count=7)
    c.health_rates("gpu.health@sc-h100-043/gpu2")
    c.nccl("nccl.allreduce@sc-h100-041")
    c.with_topology()
    return c


def z002():
    """K8s pod: NVML 'Unknown Error' from the device plugin, CUDA 'unknown error' in FSDP; dmesg not shipped."""
    hosts = ["gke-a3-pool-7f2k", "gke-a3-pool-9xq1"]
    c = Case("case-z002", "gpu_fallen_off_bus", "gke-a3-pool-9xq1/gpu6", hosts, gpu=H100, pci=PCI_BUS_B)
    c.alert("KubePodCrashLooping", "pod train-fsdp-worker-1 is crash looping (RestartCount 3)",
            namespace="research", pod="train-fsdp-worker-1", node="gke-a3-pool-9xq1")
    tr = fsdp_steps(c, -320, 22, 4410, step_s=2.4, rank=14)
    tr += ["[rank14]: Traceback (most recent call last):",
           '[rank14]:   File "/app/train.py", line 318, in train_step',
           "[rank14]:     loss.backward()",
           "[rank14]: RuntimeError: CUDA error: unknown error",
           "[rank14]: CUDA kernel errors might be asynchronously reported at some other API call, so the stacktrace below might be incorrect.",
           "[rank14]: For debugging consider passing CUDA_LAUNCH_BLOCKING=1",
           "[rank14]: Compile with `TORCH_USE_CUDA_DSA` to enable device-side assertions."]
    c.log("research/train-fsdp-worker-1/trainer", insert_at(tr, 0.5, app_noise(c, 3)))
    ev = ["%s Warning Unhealthy pod/train-fsdp-worker-1 Liveness probe failed: nvidia-smi exited 255" % c.iso(-240),
          "%s Normal Killing pod/train-fsdp-worker-1 Stopping container trainer" % c.iso(-200),
          "%s Warning BackOff pod/train-fsdp-worker-1 Back-off restarting failed container trainer" % c.iso(-60),
          "%s Warning FailedScheduling pod/train-fsdp-worker-1 0/2 nodes are available: 1 Insufficient nvidia.com/gpu, 1 node(s) didn't match pod anti-affinity rules." % c.iso(-30)]
    c.log("k8s/events", ev)
    dp = ["%s I1 plugin.go:112] Starting GRPC server for 'nvidia.com/gpu'" % c.iso(-1400),
          "%s I1 health.go:184] Registered device GPU-%s for health events" % (c.iso(-1399), c.uuid("gke-a3-pool-9xq1", 6)[4:]),
          "%s E1 nvml.go:96] Unable to determine the device handle for GPU0000:cb:00.0: Unknown Error" % c.iso(-262),
          "%s I1 health.go:232] 'nvidia.com/gpu' device marked unhealthy: GPU-%s" % (c.iso(-261), c.uuid("gke-a3-pool-9xq1", 6)[4:]),
          "%s I1 server.go:289] Reporting 7/8 healthy devices to kubelet" % c.iso(-260)]
    dp += ["%s I1 metrics.go:41] scrape ok (%d devices)" % (c.iso(t), 8 if t < -262 else 7)
           for t in range(-1380, -10, 120)]
    c.log("gke-a3-pool-9xq1/nvidia-device-plugin", dp)
    dcgm(c, "gke-a3-pool-9xq1", util=96, stop={6: -280}, fields=("util", "temp", "power"))
    c.inventory("gpu.inventory@gke-a3-pool-9xq1/gpu6", count=7)
    c.errored("gpu.health@gke-a3-pool-9xq1/gpu6", "nvmlDeviceGetHandleByPciBusId failed: GPU is lost (NVML_ERROR_GPU_IS_LOST)", 0.4)
    c.health_rates("gpu.health@gke-a3-pool-9xq1/gpu5")
    return c


def z003():
    """Xid 94 contained ECC on one H200; the app sees 'uncorrectable ECC error encountered', peers time out."""
    hosts = ["hgx-e12-n%d" % i for i in range(1, 5)]
    c = Case("case-z003", "gpu_memory_uncorrectable_ecc", "hgx-e12-n2/gpu5", hosts, gpu=H200)
    c.alert("TrainingJobFailed", "job gpt-moe-8x22b exited with code 1 on 32 ranks",
            job="gpt-moe-8x22b", node="hgx-e12-n1")
    bad = ["[rank13]:[E%s ProcessGroupNCCL.cpp:1550] [PG 0 Rank 13] Process group watchdog thread terminated with exception: CUDA error: uncorrectable ECC error encountered" % c.glog(-300)[1:],
           "[rank13]: CUDA kernel errors might be asynchronously reported at some other API call, so the stacktrace below might be incorrect.",
           "[rank13]: Exception raised from c10_cuda_check_implementation at ../c10/cuda/CUDAException.cpp:43 (most recent call first):",
           "terminate called after throwing an instance of 'c10::DistBackendError'",
           "  what():  [PG 0 Rank 13] Process group watchdog thread terminated with exception: CUDA error: uncorrectable ECC error encountered"]
    tr = megatron_iters(c, -400, 12, 7721, step_s=7.9, loss=2.02)
    c.log("hgx-e12-n2/rank13/stderr", tr + bad)
    o = []
    for r in (0, 6, 22, 29):
        o += watchdog(c, r, -8 + r * 0.02, 19008, op="ALLTOALL_BASE", numel=33554432, timeout_ms=300000)[:1]
    o += ["[rank%d]:[E%s ProcessGroupNCCL.cpp:1785] [PG 0 Rank %d] Exception (either an error or timeout) detected by watchdog at work: 19008, last enqueued NCCL work: 19008, last completed NCCL work: 19007." % (r, c.glog(-5 + r * 0.01)[1:], r) for r in (0, 6, 22, 29)]
    o += elastic_failure(c, -2, "hgx-e12-n2", 13, 5, 1)
    c.log("launcher/torchrun.log", o)
    j = kernel_noise(c, "hgx-e12-n2", 5, -1500, -320)
    j += ["%s hgx-e12-n2 kernel: NVRM: Xid (PCI:0000:ab:00): 94, pid=2211873, name=python3, Contained: SM (0x1). RST: No, D-RST: No" % c.syslog(-302),
          "%s hgx-e12-n2 kernel: NVRM: Xid (PCI:0000:ab:00): 94, pid=2211873, name=python3, Ch 00000008" % c.syslog(-302)]
    j += kernel_noise(c, "hgx-e12-n2", 3, -290, 0)
    c.log("hgx-e12-n2/journal", j)
    dcgm(c, "hgx-e12-n2", util=94, fields=("util", "temp", "power"),
         over={"util": {g: after(-290, 0.0) for g in range(8)}})
    c.gpu_metric("DCGM_FI_DEV_ECC_DBE_VOL_TOTAL", "hgx-e12-n2", 0, decimals=0,
                 over={5: after(-305, 2.0)})
    c.health_rates("gpu.health@hgx-e12-n2/gpu5", ecc_dbe_volatile=2, ecc_dbe_aggregate=2, xid_last=94)
    c.health_rates("gpu.health@hgx-e12-n2/gpu4")
    return c


def z004():
    """Loss-NaN alert; the actual event is an Xid 48 DBE that appeared minutes earlier on one A100."""
    hosts = ["a100-r3-%02d" % i for i in (11, 12)]
    c = Case("case-z004", "gpu_memory_uncorrectable_ecc", "a100-r3-12/gpu1", hosts, gpu=A100)
    c.alert("TrainLossNaN", "lm loss is NaN for 3 consecutive log intervals (bert-xl-ft)",
            job="bert-xl-ft", node="a100-r3-11")
    nan = float("nan")
    tr = deepspeed_steps(c, -390, 26, 10204, step_s=3.1,
                         loss_fn=lambda i: (1.71 - 0.002 * i) if i < 19 else nan)
    tr = [x.replace("loss nan", "loss nan") for x in tr]
    c.log("a100-r3-11/rank0/stdout", insert_at(tr, 0.4, app_noise(c, 3)))
    j = kernel_noise(c, "a100-r3-12", 5, -1500, -400, fmt="dmesg")
    j += ["%s NVRM: Xid (PCI:0000:2a:00): 48, pid=551902, name=python, An uncorrectable double bit error (DBE) has been detected on GPU in the framebuffer at partition 3, subpartition 1." % c.dmesg(-330),
          "%s NVRM: Xid (PCI:0000:2a:00): 63, pid=551902, name=python, Dynamic Page Retirement: New page retired, reboot to activate (0x00000000006a41ff)." % c.dmesg(-329)]
    j += kernel_noise(c, "a100-r3-12", 3, -300, 0, fmt="dmesg")
    c.log("a100-r3-12/dmesg", j)
    dcgm(c, "a100-r3-12", util=99, temp=58, fields=("util", "temp"))
    c.gpu_metric("DCGM_FI_DEV_ECC_DBE_VOL_TOTAL", "a100-r3-12", 0, decimals=0, over={1: after(-335, 1.0)})
    c.health_rates("gpu.health@a100-r3-12/gpu1", ecc_dbe_volatile=1, ecc_dbe_aggregate=1, retired_pages=1, xid_last=48)
    c.sdc("gpu.sdc@a100-r3-12", mismatched=0)
    return c


def z005():
    """Row remapper failure (Xid 64) seen through nvidia-smi -q from an epilog script."""
    hosts = ["dgx-h100-%03d" % i for i in (217, 218)]
    c = Case("case-z005", "gpu_row_remap_failure", "dgx-h100-218/gpu7", hosts, gpu=H100)
    c.alert("NodeDrained", "slurm drained dgx-h100-218: epilog GPU check failed",
            node="dgx-h100-218", reason="gpu_check")
    j = kernel_noise(c, "dgx-h100-218", 6, -1500, -500)
    j += ["%s dgx-h100-218 kernel: NVRM: Xid (PCI:0000:db:00): 63, pid=4101, name=pt_main_thread, Row Remapper: New row (0x000000011e3a0400) Marked for Remapping, reset gpu to activate." % c.syslog(-470),
          "%s dgx-h100-218 kernel: NVRM: Xid (PCI:0000:db:00): 64, pid=4101, name=pt_main_thread, Row Remapper Error: Failed to remap row (0x000000011e3a0420). All banks in the row are in use." % c.syslog(-455)]
    j += kernel_noise(c, "dgx-h100-218", 3, -400, -60)
    c.log("dgx-h100-218/journal", j)
    ep = ["%s epilog[88120]: running gpu-check for job 5521930" % c.ymd(-50),
          "%s epilog[88120]: nvidia-smi -q -d ROW_REMAPPER -i 7" % c.ymd(-49),
          "    Remapped Rows",
          "        Correctable Error                 : 0",
          "        Uncorrectable Error               : 3",
          "        Pending                           : Yes",
          "        Remapping Failure Occurred        : Yes",
          "        Bank Remap Availability Histogram",
          "            Max                           : 636 bank(s)",
          "            High                          : 0 bank(s)",
          "            Partial                       : 3 bank(s)",
          "            Low                           : 1 bank(s)",
          "            None                          : 0 bank(s)",
          "%s epilog[88120]: GPU 7 FAILED remapper check; draining node" % c.ymd(-40)]
    c.log("dgx-h100-218/slurm-epilog", ep)
    tr = plain_steps(c, -560, 30, 88010, step_s=3.5)
    tr += ["%s | ERROR | train | RuntimeError: CUDA error: uncorrectable ECC error encountered" % c.ymd(-452)]
    c.log("dgx-h100-218/rank15/stdout", tr)
    c.gpu_metric("DCGM_FI_DEV_ROW_REMAP_FAILURE", "dgx-h100-218", 0, decimals=0, over={7: after(-455, 1.0)})
    dcgm(c, "dgx-h100-218", util=93, fields=("util", "temp"), over={"util": {g: after(-450, 0.0) for g in range(8)}})
    c.health_rates("gpu.health@dgx-h100-218/gpu7", remap_failure=1, remap_pending=1,
                   remapped_rows_uncorrectable=3, xid_last=64)
    return c


def z006():
    """Job requeued because the prolog GPU check fails on one node without saying why; a lone Xid 63 from 23
    minutes earlier sits in the journal; gpu.health shows a pending row remap (reset needed), no volatile DBE."""
    hosts = ["gpu-b%02d" % i for i in (31, 32, 33)]
    c = Case("case-z006", "gpu_row_remap_failure", "gpu-b32/gpu0", hosts, gpu=H200)
    c.alert("SlurmJobRequeued", "job 4410221 (sft-r2) requeued 3 times: prolog failed on gpu-b32",
            job="sft-r2", node="gpu-b32")
    j = kernel_noise(c, "gpu-b32", 10, -1500, 0)
    j += ["%s gpu-b32 kernel: NVRM: Xid (PCI:0000:18:00): 63, pid=301122, name=python3, Row Remapper: New row (0x0000000039b40110) Marked for Remapping, reset gpu to activate." % c.syslog(-1380)]
    j += ["%s gpu-b32 slurmd[2871]: error: prolog failed: rc:1 output:gpu_check: FAIL (see /var/log/gpu_check.log)" % c.syslog(t) for t in (-900, -500, -100)]
    j += ["%s gpu-b32 slurmd[2871]: error: Prolog launch failure, JobId=4410221" % c.syslog(t + 1) for t in (-900, -500, -100)]
    c.log("gpu-b32/journal", j)
    sc = ["%s sched: JobId=4410218 (sft-r1) on gpu-b[31-33] completed, ExitCode 0:0" % c.ymd(-1300)]
    sc += ["%s sched: Allocate JobId=4410221 NodeList=gpu-b[31-33] #CPUs=672 Partition=h200" % c.ymd(t - 20) for t in (-900, -500, -100)]
    sc += ["%s sched: JobId=4410221 requeued: job launch failure (prolog) on gpu-b32" % c.ymd(t + 3) for t in (-900, -500, -100)]
    sc += ["%s sched: backfill: Started JobId=%d in cpu on cpu-n%02d" % (c.ymd(t), 4410300 + i, 3 + i) for i, t in enumerate((-1200, -1000, -700, -300, -60))]
    sc += ["%s sched: node gpu-b32 state DRAIN reason=\"Prolog error\"" % c.ymd(-95)]
    c.log("scheduler/slurmctld", sc)
    dcgm(c, "gpu-b32", util=0, temp=36, power=120, fields=("util", "temp", "power"),
         over={"util": {g: after(-1320, 0.0, 96.0) for g in range(8)}})
    c.health_rates("gpu.health@gpu-b32/gpu0", remap_pending=1, remapped_rows_uncorrectable=1, xid_last=63)
    c.health_rates("gpu.health@gpu-b32/gpu1")
    c.hbm("gpu.hbm_bandwidth@gpu-b32/gpu0")
    return c


def z007():
    """Xid 119 GSP RPC timeout on one H100; ranks then hang and the watchdog fires everywhere."""
    hosts = ["p5-use1-%02d" % i for i in (3, 4, 7, 8)]
    c = Case("case-z007", "gpu_firmware_error", "p5-use1-07/gpu2", hosts, gpu=H100, pci=PCI_BUS_B)
    c.alert("NCCLWatchdogTimeout", "32 ranks reported ProcessGroupNCCL watchdog timeouts",
            job="mistral-ft-large", node="p5-use1-03")
    tr = megatron_iters(c, -1300, 10, 2201, step_s=6.2, loss=1.66)
    tr += watchdog(c, 0, -15, 44120, numel=26214400, timeout_ms=1200000)
    c.log("p5-use1-03/rank0/stderr", insert_at(tr, 0.5, app_noise(c, 4)))
    j = kernel_noise(c, "p5-use1-07", 5, -1500, -1250)
    j += ["%s p5-use1-07 kernel: NVRM: Xid (PCI:0000:4c:00): 119, pid=77120, name=python3, Timeout after 6s of waiting for RPC response from GPU2 GSP! Expected function 76 (GSP_RM_CONTROL) (0x20800a4c 0x4)." % c.syslog(-1225),
          "%s p5-use1-07 kernel: NVRM: GPU2 GSP RPC buffer contains function 76 (GSP_RM_CONTROL) and data 0x0000000020800a4c 0x0000000000000004." % c.syslog(-1225),
          "%s p5-use1-07 kernel: NVRM: GPU2 RPC history (CPU -> GSP):" % c.syslog(-1225),
          "%s p5-use1-07 kernel: NVRM:     entry function                   data0              data1              ts_start           ts_end             duration actively_polling" % c.syslog(-1225),
          "%s p5-use1-07 kernel: NVRM:      0    76   GSP_RM_CONTROL       0x0000000020800a4c 0x0000000000000004 0x000614a1c3e2bb10 0x0000000000000000          y" % c.syslog(-1225),
          "%s p5-use1-07 kernel: NVRM: Xid (PCI:0000:4c:00): 119, pid=77120, name=python3, Timeout after 6s of waiting for RPC response from GPU2 GSP! Expected function 10 (FREE) (0xa55a0040 0x0)." % c.syslog(-1212),
          "%s p5-use1-07 kernel: NVRM: Rate limiting GSP RPC error prints for GPU at PCI:0000:4c:00 (printing 1 of every 30).  The GPU likely needs to be reset." % c.syslog(-1190)]
    j += kernel_noise(c, "p5-use1-07", 4, -1100, 0)
    c.log("p5-use1-07/journal", j)
    dcgm(c, "p5-use1-07", util=97, fields=("util", "power"),
         over={"util": {2: after(-1220, 100.0)}, "power": {2: after(-1220, 118.0)}})
    c.health_rates("gpu.health@p5-use1-07/gpu2", xid_last=119)
    c.errored("gpu.gemm@p5-use1-07/gpu2", "probe timed out after 60 s waiting for cudaStreamSynchronize", 60.0)
    c.nccl("nccl.allreduce@p5-use1-03")
    return c


def z008():
    """Xid 62 microcontroller halt on an A100 with the health probe unable to talk to the GPU."""
    hosts = ["dgxa-%02d" % i for i in (21, 22)]
    c = Case("case-z008", "gpu_firmware_error", "dgxa-22/gpu4", hosts, gpu=A100)
    c.alert("GPUXidError", "Xid errors reported on dgxa-22", node="dgxa-22", job="vit-g-pretrain")
    d = kernel_noise(c, "dgxa-22", 6, -1500, -420, fmt="dmesg")
    d += ["%s NVRM: Xid (PCI:0000:9a:00): 62, pid=1299, name=python, 0000(0000) 00000000 00000000" % c.dmesg(-401),
          "%s NVRM: Xid (PCI:0000:9a:00): 62, pid=1299, name=python, Internal micro-controller halt (Non-Halt)" % c.dmesg(-401),
          "%s NVRM: GPU at PCI:0000:9a:00: GPU-%s" % (c.dmesg(-400), c.uuid("dgxa-22", 4)[4:]),
          "%s NVRM: GPU Board Serial Number: 1324620015177" % c.dmesg(-400),
          "%s NVRM: Xid (PCI:0000:9a:00): 45, pid=1299, name=python, Ch 00000010" % c.dmesg(-398)]
    d += kernel_noise(c, "dgxa-22", 3, -380, 0, fmt="dmesg")
    c.log("dgxa-22/dmesg", d)
    tr = plain_steps(c, -480, 30, 61030, step_s=2.6, loss=0.84)
    tr += ["%s | ERROR | train | RuntimeError: CUDA error: unspecified launch failure" % c.ymd(-397),
           "%s | ERROR | train | Compile with `TORCH_USE_CUDA_DSA` to enable device-side assertions." % c.ymd(-397)]
    c.log("dgxa-22/rank12/stdout", tr)
    dcgm(c, "dgxa-22", util=98, fields=("util", "temp", "power"),
         over={"util": {g: after(-395, 0.0) for g in range(8)}})
    c.errored("gpu.health@dgxa-22/gpu4", "nvmlDeviceGetMemoryErrorCounter: GPU requires reset (NVML_ERROR_RESET_REQUIRED)", 1.1)
    c.health_rates("gpu.health@dgxa-22/gpu3")
    c.inventory("gpu.inventory@dgxa-22/gpu4")
    return c


def z009():
    """Xid 74 NVLink fatal error on one H100; NCCL reports a CUDA error on a different local rank too."""
    hosts = ["h100-k%02d" % i for i in (5, 6)]
    c = Case("case-z009", "nvlink_error", "h100-k06/gpu1", hosts, gpu=H100)
    c.alert("TrainingJobFailed", "torchtitan-llama3-8b failed (2 ranks reported errors)",
            job="torchtitan-llama3-8b", node="h100-k06")
    d = kernel_noise(c, "h100-k06", 5, -1500, -200, fmt="dmesg")
    d += ["%s NVRM: Xid (PCI:0000:2a:00): 74, pid=903311, name=python, NVLink: fatal error detected on link 11(0x0, 0x0, 0x10000, 0x0, 0x0, 0x0, 0x0)" % c.dmesg(-166),
          "%s NVRM: Xid (PCI:0000:2a:00): 74, pid=903311, name=python, NVLink: fatal error detected on link 12(0x0, 0x0, 0x10000, 0x0, 0x0, 0x0, 0x0)" % c.dmesg(-166)]
    c.log("h100-k06/dmesg", d)
    tr = fsdp_steps(c, -210, 30, 1202, step_s=1.3, rank=9)
    tr += ["[rank9]: torch.distributed.DistBackendError: NCCL error in: ../torch/csrc/distributed/c10d/NCCLUtils.hpp:317, unhandled cuda error (run with NCCL_DEBUG=INFO for details), NCCL version 2.20.5",
           "[rank9]: ncclUnhandledCudaError: Call to CUDA function failed.",
           "[rank9]: Last error:",
           "[rank9]: Cuda failure 'uncorrectable NVLink error was detected during the execution'"]
    c.log("h100-k06/rank9/stderr", tr)
    r10 = ["h100-k06:903342:903511 [2] NCCL INFO [Service thread] Connection closed by localRank 1",
           "h100-k06:903342:903342 [2] include/alloc.h:226 NCCL WARN Cuda failure 'uncorrectable NVLink error was detected during the execution'",
           "[rank10]: RuntimeError: CUDA error: uncorrectable NVLink error was detected during the execution"]
    c.log("h100-k06/rank10/stderr", app_noise(c, 5) + r10)
    c.gpu_metric("DCGM_FI_DEV_NVLINK_CRC_FLIT_ERROR_COUNT_TOTAL", "h100-k06", 40, jitter=2, counter=True,
                 decimals=0, over={1: after(-170, lambda s, v: v + 52000 + (s + 170) * 600)})
    dcgm(c, "h100-k06", util=95, fields=("util",), over={"util": {g: after(-160, 0.0) for g in range(8)}})
    c.health_rates("gpu.health@h100-k06/gpu1", nvlink_links_up=16, nvlink_recovery_errors=6,
                   nvlink_recovery_errors_per_s=2.0, xid_last=74)
    c.health_rates("gpu.health@h100-k06/gpu2")
    return c


def z010():
    """Slow step on one node with no errors in any log; intra-node busbw and NVLink CRC rate single out one GPU."""
    hosts = ["cw-h200-%03d" % i for i in (110, 111, 112, 113)]
    c = Case("case-z010", "nvlink_error", "cw-h200-112/gpu6", hosts, gpu=H200)
    c.alert("StepTimeRegression", "step time 31% above 24h baseline for job dsv3-ablation",
            job="dsv3-ablation", node="cw-h200-110")
    tr = megatron_iters(c, -1240, 40, 90311, loss=2.11,
                        step_fn=lambda i: 4.1 * (1.0 if i < 12 else 1.31) * c.rng.uniform(0.99, 1.01))
    c.log("cw-h200-110/rank0/stdout", insert_at(tr, 0.2, app_noise(c, 4)))
    c.log("cw-h200-112/journal", kernel_noise(c, "cw-h200-112", 22, -1500, 0))
    dcgm(c, "cw-h200-112", util=97, fields=("util", "power"),
         over={"power": {g: after(-1000, lambda s, v: v * 0.8) for g in range(8)}})
    c.gpu_metric("DCGM_FI_PROF_NVLINK_TX_BYTES", "cw-h200-112", 118e9, jitter=4e9, decimals=0,
                 over={g: after(-1000, lambda s, v: v * (0.55 if g == 6 else 0.78)) for g in range(8)})
    c.nccl("nccl.allreduce@cw-h200-112", busbw=188.0)
    c.nccl("nccl.allreduce@cw-h200-111")
    c.health_rates("gpu.health@cw-h200-112/gpu6", nvlink_crc_errors=8841022, nvlink_crc_errors_per_s=46100.0,
                   nvlink_replay_errors=190221, nvlink_replay_errors_per_s=1210.0)
    c.health_rates("gpu.health@cw-h200-112/gpu5")
    c.gemm("gpu.gemm@cw-h200-112/gpu6")
    return c


def z011():
    """One GPU thermally throttled; the job just looks like it has a straggler. The exporter on this cluster
    ships only utilisation and power: lower power on one GPU fits a power cap as well as heat; gpu.health decides."""
    hosts = ["node-%02d" % i for i in range(17, 21)]
    c = Case("case-z011", "gpu_thermal_throttle", "node-19/gpu2", hosts, gpu=H100)
    c.alert("StragglerDetected", "rank 18 is 1.4x slower than median in the last 50 steps",
            job="nemotron-15b", node="node-19", rank="18")
    tr = megatron_iters(c, -1200, 30, 150220, step_s=3.3, loss=1.88,
                        step_fn=lambda i: 3.3 * (1.0 if i < 8 else 1.38) * c.rng.uniform(0.99, 1.01))
    tr += [" [%s] straggler detector: rank 18 (node-19) median fwd-bwd 4.41 s vs 3.19 s job median; 0 other ranks above 1.1x" % c.ymd(-60)]
    c.log("node-17/rank0/stdout", tr)
    c.log("node-19/journal", kernel_noise(c, "node-19", 22, -1500, 0))
    dcgm(c, "node-19", util=98, fields=("util", "power"), over={"power": {2: after(-1100, 410.0)}})
    c.health_rates("gpu.health@node-19/gpu2", temperature_c=92, hbm_temperature_c=96, sm_clock_mhz=1275,
                   clock_event_reasons=CLK_SW_THERMAL | CLK_HW_THERMAL, power_w=402)
    c.gemm("gpu.gemm@node-19/gpu2", tflops=468.0)
    c.pcie("gpu.pcie_bandwidth@node-19/gpu2")
    return c


def z012():
    """Chassis fan failure: every GPU of one node runs hot and throttles (component: the node)."""
    hosts = ["hgx-r%02d-n%d" % (9, i) for i in (1, 2, 3)]
    c = Case("case-z012", "gpu_thermal_throttle", "hgx-r09-n2", hosts, gpu=H200)
    c.alert("ThroughputDrop", "tokens/s down 22% on job qwen-sft-72b",
            job="qwen-sft-72b", node="hgx-r09-n2")
    tr = deepspeed_steps(c, -1250, 40, 3001, step_s=2.0,
                         step_fn=lambda i: 2.0 * (1.0 if i < 10 else 1.27) * c.rng.uniform(0.98, 1.02))
    c.log("hgx-r09-n1/rank0/stdout", tr)
    b = ["%s hgx-r09-n2 ipmievd[1822]: Fan FAN6 | Lower Critical going low  | Reading 0 < Threshold 1560 RPM" % c.syslog(-1190),
         "%s hgx-r09-n2 ipmievd[1822]: Fan FAN7 | Lower Critical going low  | Reading 0 < Threshold 1560 RPM" % c.syslog(-1189),
         "%s hgx-r09-n2 ipmievd[1822]: Temperature GPU_Tray_Inlet | Upper Non-critical going high | Reading 41 > Threshold 38 degrees C" % c.syslog(-900)]
    c.log("hgx-r09-n2/journal", kernel_noise(c, "hgx-r09-n2", 16, -1500, 0) + b)
    hot = {g: ramp(-1150, 88.0 + g % 3, 400) for g in range(8)}
    slow = {g: ramp(-1100, 1500.0 - 40 * (g % 3), 400) for g in range(8)}
    dcgm(c, "hgx-r09-n2", util=97, temp=55, over={"temp": hot, "clock": slow})
    c.gpu_metric("DCGM_FI_DEV_CLOCK_THROTTLE_REASONS", "hgx-r09-n2", 0, decimals=0,
                 over={g: after(-1000, float(CLK_SW_THERMAL)) for g in range(8)})
    c.health_rates("gpu.health@hgx-r09-n2/gpu3", temperature_c=89, sm_clock_mhz=1485,
                   clock_event_reasons=CLK_SW_THERMAL)
    c.health_rates("gpu.health@hgx-r09-n2/gpu7", temperature_c=88, sm_clock_mhz=1510,
                   clock_event_reasons=CLK_SW_THERMAL)
    return c


def z013():
    """A power limit of 450 W left on one GPU by a tuning script makes its rank the straggler; metrics show a
    flat 448 W and lower clocks (cap or heat?), the health probe shows the limit."""
    hosts = ["gpu-%03d" % i for i in (401, 402)]
    c = Case("case-z013", "gpu_power_throttle", "gpu-402/gpu4", hosts, gpu=H100)
    c.alert("StepTimeRegression", "step time up 18% since restart at 03:10", job="sd3-finetune", node="gpu-401")
    tr = fsdp_steps(c, -1200, 45, 300, step_s=1.1, step_fn=lambda i: 1.1 * 1.18 * c.rng.uniform(0.98, 1.02))
    c.log("gpu-401/rank0/stdout", insert_at(tr, 0.4, app_noise(c, 4)))
    a = ["%s gpu-402 sshd[22801]: Accepted publickey for mlops from 10.1.0.44 port 51220 ssh2" % c.syslog(-1460),
         "%s gpu-402 sudo[22812]:   mlops : TTY=pts/3 ; PWD=/home/mlops ; USER=root ; COMMAND=/usr/local/bin/gpu-tune.sh" % c.syslog(-1450)]
    c.log("gpu-402/journal", kernel_noise(c, "gpu-402", 18, -1500, 0) + a)
    dcgm(c, "gpu-402", util=98, fields=("util", "clock", "power"),
         over={"power": {4: lambda s, v: 448.0 + c.rng.uniform(-2, 2)}, "clock": {4: lambda s, v: 1605.0}})
    c.health_rates("gpu.health@gpu-402/gpu4", power_limit_w=450, power_w=449, sm_clock_mhz=1590,
                   clock_event_reasons=CLK_SW_POWER_CAP)
    c.gemm("gpu.gemm@gpu-402/gpu4", tflops=571.0)
    return c


def z014():
    """PSU fault engages the hardware power brake on a whole node."""
    hosts = ["sjc-gpu-%02d" % i for i in (41, 42, 43, 44)]
    c = Case("case-z014", "gpu_power_throttle", "sjc-gpu-43", hosts, gpu=H200)
    c.alert("ThroughputDrop", "MFU dropped from 41% to 24% on job llama-405b-cpt",
            job="llama-405b-cpt", node="sjc-gpu-41")
    tr = megatron_iters(c, -1250, 25, 9021, step_s=9.8, loss=1.72,
                        step_fn=lambda i: 9.8 * (1.0 if i < 6 else 1.7) * c.rng.uniform(0.99, 1.01))
    c.log("sjc-gpu-41/rank0/stdout", tr)
    b = ["%s sjc-gpu-43 ipmievd[1700]: Power Supply PSU3_Status | Failure detected | Asserted" % c.syslog(-1080),
         "%s sjc-gpu-43 ipmievd[1700]: Power Supply PSU_Redundancy | Redundancy Lost | Asserted" % c.syslog(-1079),
         "%s sjc-gpu-43 kernel: NVRM: GPU at PCI:0000:18:00: power brake engaged by system (EDPp)" % c.syslog(-1075)]
    c.log("sjc-gpu-43/journal", kernel_noise(c, "sjc-gpu-43", 14, -1500, 0) + b)
    dcgm(c, "sjc-gpu-43", util=99,
         over={"clock": {g: after(-1075, 780.0) for g in range(8)},
               "power": {g: after(-1075, 240.0) for g in range(8)}})
    c.gpu_metric("DCGM_FI_DEV_CLOCK_THROTTLE_REASONS", "sjc-gpu-43", 0, decimals=0,
                 over={g: after(-1075, float(CLK_HW_SLOWDOWN | CLK_HW_POWER_BRAKE)) for g in range(8)})
    c.health_rates("gpu.health@sjc-gpu-43/gpu0", sm_clock_mhz=795, power_w=238,
                   clock_event_reasons=CLK_HW_SLOWDOWN | CLK_HW_POWER_BRAKE)
    c.health_rates("gpu.health@sjc-gpu-42/gpu0")
    return c


def z015():
    """A100 trained at x4 after a riser reseat: looks like a dataloader stall (GPU util dips on the node), AER
    lines name only a switch port; the health and PCIe bandwidth probes pin the GPU."""
    hosts = ["a100-pod2-%02d" % i for i in (5, 6)]
    c = Case("case-z015", "pcie_link_degraded", "a100-pod2-06/gpu2", hosts, gpu=A100)
    c.alert("GPUUtilLow", "GPU utilisation below 60% for 15m on a100-pod2-06", node="a100-pod2-06",
            job="whisper-v4-train")
    tr = plain_steps(c, -1250, 36, 40110, step_s=0.95,
                     step_fn=lambda i: 0.95 * 1.45 * c.rng.uniform(0.97, 1.03),
                     extra=" | data_wait 0.012s")
    c.log("a100-pod2-05/rank0/stdout", tr)
    d = kernel_noise(c, "a100-pod2-06", 6, -1500, 0, fmt="dmesg")
    d += ["%s pcieport 0000:36:02.0: AER: Corrected error received: 0000:36:02.0" % c.dmesg(t) for t in (-1210, -900, -400)]
    d += ["%s pcieport 0000:36:02.0: PCIe Bus Error: severity=Corrected, type=Physical Layer, (Receiver ID)" % c.dmesg(-1210),
          "%s pcieport 0000:36:02.0:   device [1000:c030] error status/mask=00000001/00002000" % c.dmesg(-1210),
          "%s pcieport 0000:36:02.0:    [ 0] RxErr                  (First)" % c.dmesg(-1210)]
    c.log("a100-pod2-06/dmesg", d)
    dcgm(c, "a100-pod2-06", util=96, temp=50, fields=("util", "temp", "power"),
         over={"util": {g: lambda s, v, g=g: v * (0.55 if g == 2 else 0.62) for g in range(8)}})
    c.health_rates("gpu.health@a100-pod2-06/gpu2", pcie_link_width=4, pcie_replay_count=4310, pcie_replay_per_s=3.0)
    c.pcie("gpu.pcie_bandwidth@a100-pod2-06/gpu2", h2d=6.1, d2h=5.8)
    c.pcie("gpu.pcie_bandwidth@a100-pod2-06/gpu3")
    return c


def z016():
    """H200 link trained at Gen3 x4 after a reboot; offload-heavy ZeRO-3 job slows; one rank's optimizer swap-in is
    6x slower than its peers (PCIe or host side?); the probes settle it."""
    hosts = ["zr-h200-%02d" % i for i in (1, 2, 3)]
    c = Case("case-z016", "pcie_link_degraded", "zr-h200-03/gpu5", hosts, gpu=H200)
    c.alert("StepTimeRegression", "ZeRO-3 offload job step time up 2.1x after node reboot",
            job="zero3-offload-180b", node="zr-h200-03")
    tr = deepspeed_steps(c, -1200, 30, 12, rank=0, step_s=11.0,
                         step_fn=lambda i: 11.0 * 2.1 * c.rng.uniform(0.98, 1.02))
    c.log("zr-h200-01/rank0/stdout", tr)
    d = ["%s systemd[1]: Startup finished in 38.0s (firmware) + 5.2s (loader) + 5.0s (kernel) + 41.3s (userspace) = 1min 29.5s." % c.dmesg(-1490)]
    d += kernel_noise(c, "zr-h200-03", 10, -1480, 0, fmt="dmesg")
    c.log("zr-h200-03/dmesg", d)
    r = ["[%s] [INFO] [stage3.py:2103] [Rank 21] swap_in optimizer state: 14.2 GB in 1.91 s" % c.ymd_ms(-600),
         "[%s] [INFO] [stage3.py:2103] [Rank 16] swap_in optimizer state: 14.2 GB in 0.29 s" % c.ymd_ms(-600),
         "[%s] [INFO] [stage3.py:2103] [Rank 19] swap_in optimizer state: 14.2 GB in 0.30 s" % c.ymd_ms(-599)]
    c.log("zr-h200-03/deepspeed.log", r + app_noise(c, 12))
    dcgm(c, "zr-h200-03", util=70, fields=("util", "power"))
    c.gpu_metric("DCGM_FI_PROF_PCIE_RX_BYTES", "zr-h200-03", 2.1e10, jitter=1e9, decimals=0,
                 over={5: lambda s, v: 2.9e9})
    c.health_rates("gpu.health@zr-h200-03/gpu5", pcie_link_gen=3, pcie_link_width=4)
    c.pcie("gpu.pcie_bandwidth@zr-h200-03/gpu5", h2d=3.3, d2h=3.1)
    return c


def z017():
    """Replica checksum mismatch in one DP group of four ranks on four nodes, no errors anywhere; the SDC vote finds
    the GPU."""
    hosts = ["tt-node-%d" % i for i in range(1, 5)]
    c = Case("case-z017", "gpu_silent_data_corruption", "tt-node-3/gpu5", hosts, gpu=H100)
    c.alert("ReplicaChecksumMismatch", "data-parallel replica checksum mismatch at step 7200",
            job="torchtitan-llama3-70b", node="tt-node-1")
    tr = fsdp_steps(c, -135, 30, 7170, step_s=3.4)
    tr += ["[rank0]:[titan] %s - root - WARNING - param checksum: replicas disagree at step 7200 (dp group 5: ranks [5, 13, 21, 29])" % c.ymd_ms(-30),
           "[rank0]:[titan] %s - root - WARNING - 1 of 4 replicas differs; training paused for inspection" % c.ymd_ms(-29)]
    c.log("tt-node-1/rank0/stdout", tr)
    c.log("tt-node-3/journal", kernel_noise(c, "tt-node-3", 20, -1500, 0))
    dcgm(c, "tt-node-3", util=98, fields=("util", "temp", "power"))
    c.sdc("gpu.sdc@tt-node-3", mismatched=412, bad_gpu="gpu5")
    c.sdc("gpu.sdc@tt-node-1")
    c.sdc("gpu.sdc@tt-node-2")
    c.health_rates("gpu.health@tt-node-3/gpu5")
    c.gemm("gpu.gemm@tt-node-3/gpu5")
    return c


def z018():
    """Loss goes NaN (looks like divergence); health is clean, the SDC vote finds one GPU."""
    hosts = ["cx-h200-%02d" % i for i in (61, 62)]
    c = Case("case-z018", "gpu_silent_data_corruption", "cx-h200-62/gpu3", hosts, gpu=H200)
    c.alert("TrainLossNaN", "lm loss NaN at iteration 52308 (3 retries from checkpoint, NaN again at the same data)",
            job="mixtral-cpt-v2", node="cx-h200-61")
    nan = float("nan")
    tr = megatron_iters(c, -1200, 20, 52290, step_s=5.0, loss=1.61,
                        loss_fn=lambda i: nan if i >= 18 else 1.61 + c.rng.uniform(-0.02, 0.02),
                        grad_fn=lambda i: nan if i >= 18 else 0.31 * c.rng.uniform(0.9, 1.1),
                        nan_fn=lambda i: 1 if i >= 18 else 0)
    tr += [" [%s] rerun state machine: rerunning iteration 52308 on the same GPUs: loss NaN again (not transient)" % c.ymd(-1000),
           " [%s] resuming from iter_0052000 on a different node: iterations 52000-52308 finite" % c.ymd(-900)]
    tr += [" [%s] checkpoint iter_0052000 loaded; node set unchanged (cx-h200-61, cx-h200-62)" % c.ymd(-200)]
    c.log("cx-h200-61/rank0/stdout", tr)
    c.log("cx-h200-62/journal", kernel_noise(c, "cx-h200-62", 20, -1500, 0))
    dcgm(c, "cx-h200-62", util=97, fields=("util", "temp"))
    c.health_rates("gpu.health@cx-h200-62/gpu3")
    c.sdc("gpu.sdc@cx-h200-62", mismatched=37, bad_gpu="gpu3")
    c.sdc("gpu.sdc@cx-h200-61")
    return c


def z019():
    """IBV_WC_RETRY_EXC_ERR on many ranks; only one node's mlx5_4 logs link down/up."""
    hosts = ["ib-g%02d" % i for i in range(1, 7)]
    c = Case("case-z019", "ib_link_failure", "ib-g04/mlx5_4", hosts, gpu=H100)
    c.alert("TrainingJobFailed", "job 771021 failed: NCCL errors on 14 ranks", job="gpt4o-distill",
            node="ib-g01")
    w = []
    for host, r, g in (("ib-g01", 3, 3), ("ib-g04", 28, 4), ("ib-g02", 11, 3), ("ib-g05", 36, 4)):
        pid = c.rng.randrange(10000, 99999)
        peer = "10.12.0.%d" % (21 if host == "ib-g04" else 24)
        w.append("%s:%d:%d [%d] transport/net_ib.cc:1696 NCCL WARN NET/IB : Got completion from peer %s<%d> with status=12 opcode=0 len=0 vendor err 129 (Send) localGid ::ffff:10.12.0.%d remoteGid ::ffff:%s hca mlx5_4" % (
            host, pid, pid + 88, g, peer, c.rng.randrange(30000, 60000), 21 + hosts.index(host), peer))
        w.append("%s:%d:%d [%d] NCCL INFO transport/net.cc:1298 -> 6" % (host, pid, pid + 88, g))
    w.append("[rank3]: torch.distributed.DistBackendError: NCCL error in: ../torch/csrc/distributed/c10d/ProcessGroupNCCL.cpp:1970, remote process exited or there was a network error, NCCL version 2.21.5")
    w.append("[rank3]: ncclRemoteError: A call failed possibly due to a network error or a remote process exiting prematurely.")
    c.log("slurm-771021.err", app_noise(c, 6) + w)
    j = kernel_noise(c, "ib-g04", 8, -1500, -130)
    j += ["%s ib-g04 kernel: mlx5_core 0000:9e:00.0 ibp158s0: Link down" % c.syslog(-95),
          "%s ib-g04 kernel: mlx5_core 0000:9e:00.0 ibp158s0: Link up" % c.syslog(-71),
          "%s ib-g04 kernel: mlx5_core 0000:9e:00.0 ibp158s0: Link down" % c.syslog(-60),
          "%s ib-g04 kernel: mlx5_core 0000:9e:00.0: mlx5_port_module_event:1161:(pid 0): Port module event: module 4, Cable plugged" % c.syslog(-52),
          "%s ib-g04 kernel: mlx5_core 0000:9e:00.0 ibp158s0: Link up" % c.syslog(-40)]
    c.log("ib-g04/journal", j)
    for h in ("ib-g04", "ib-g03"):
        for i, dev in enumerate(("mlx5_0", "mlx5_3", "mlx5_4", "mlx5_5")):
            bad = h == "ib-g04" and dev == "mlx5_4"
            c.node_metric("node_infiniband_link_downed_total", {"instance": h, "device": dev, "port": "1"},
                          lambda s, bad=bad: (3 + (1 if s > -95 else 0) + (1 if s > -60 else 0)) if bad else 0, 0)
            c.node_metric("node_infiniband_port_errors_total", {"instance": h, "device": dev, "port": "1", "error": "symbol"},
                          lambda s, bad=bad: (40 + max(0, s + 400) * 3) if bad else 0, 0)
    c.nccl("nccl.allreduce@job", busbw=12.0)
    return c


def z020():
    """RoCE: peers see WR_FLUSH and port errors, one NIC's symbol/CRC errors climb before the job dies."""
    hosts = ["roce-%02d" % i for i in (14, 15, 16)]
    c = Case("case-z020", "ib_link_failure", "roce-15/mlx5_1", hosts, gpu=H200)
    c.alert("KubeJobFailed", "job llm-rl-ppo failed: BackoffLimitExceeded", namespace="rl",
            job="llm-rl-ppo", node="roce-14")
    p = ["roce-14:41120:41877 [0] NCCL INFO NET/IB: IbDev 1 Port 1 qpn 5141 mtu 5 LID 0 subnet-prefix 0 FLID 0 fabric-id 0 - GID fe80::a288:c2ff:fe3e:1f0a",
         "roce-14:41120:41877 [0] transport/net_ib.cc:1521 NCCL WARN NET/IB : Got completion from peer 192.168.51.15<43112> with error 5, opcode 0, len 0, vendor err 249 (Recv) localGid fe80::a288:c2ff:fe3e:1f0a remoteGid fe80::a288:c2ff:fe3e:2c71",
         "roce-16:8812:9001 [3] transport/net_ib.cc:1521 NCCL WARN NET/IB : Got completion from peer 192.168.51.15<43119> with error 5, opcode 0, len 0, vendor err 249 (Recv)",
         "roce-15:2231:2907 [1] transport/net_ib.cc:1521 NCCL WARN NET/IB : Got completion from peer 192.168.51.14<41877> with error 12, opcode 0, len 0, vendor err 129 (Send) hca mlx5_1"]
    c.log("rl/llm-rl-ppo-launcher/stdout", app_noise(c, 10) + p + elastic_failure(c, -5, "roce-15", 9, 1, 1))
    j = kernel_noise(c, "roce-15", 8, -1500, 0)
    j += ["%s roce-15 kernel: mlx5_core 0000:1f:00.1: mlx5_cmd_out_err:838:(pid 10111): QUERY_PPCNT(0x1029) op_mod(0x0) failed, status bad parameter(0x3)" % c.syslog(-600),
          "%s roce-15 lldpd[1881]: interface ens2f1np1 changed: link down" % c.syslog(-40),
          "%s roce-15 lldpd[1881]: interface ens2f1np1 changed: link up" % c.syslog(-33)]
    c.log("roce-15/journal", j)
    for h in ("roce-14", "roce-15", "roce-16"):
        for dev in ("mlx5_0", "mlx5_1"):
            bad = h == "roce-15" and dev == "mlx5_1"
            c.node_metric("node_infiniband_port_errors_total", {"instance": h, "device": dev, "port": "1", "error": "symbol"},
                          lambda s, bad=bad: (100 + max(0, s + 900) * 11) if bad else 2, 0)
    c.nccl("nccl.sendrecv@roce-15", busbw=21.0)
    c.nccl("nccl.allreduce@roce-15")
    return c


def z021():
    """Bootstrap cannot find NCCL_SOCKET_IFNAME on a new node image; every rank fails at init."""
    hosts = ["k8s-gpu-%02d" % i for i in (71, 72)]
    c = Case("case-z021", "nccl_network_misconfig", "job", hosts, gpu=H100)
    c.alert("KubePodCrashLooping", "pytorchjob pt-fsdp-13b workers crash looping", namespace="ml",
            job="pt-fsdp-13b", node="k8s-gpu-71")
    lines = ["NCCL_SOCKET_IFNAME=eth0", "NCCL_IB_HCA=mlx5", "NCCL_DEBUG=INFO"]
    for host, rank in (("k8s-gpu-71", 0), ("k8s-gpu-72", 8)):
        pid = c.rng.randrange(100, 999)
        lines += ["%s:%d:%d [0] NCCL INFO NCCL_SOCKET_IFNAME set by environment to eth0" % (host, pid, pid),
                  "%s:%d:%d [0] misc/socket.cc:484 NCCL WARN Bootstrap : no socket interface found" % (host, pid, pid),
                  "%s:%d:%d [0] NCCL INFO bootstrap.cc:84 -> 3" % (host, pid, pid),
                  "[rank%d]: torch.distributed.DistBackendError: NCCL error in: ../torch/csrc/distributed/c10d/ProcessGroupNCCL.cpp:1970, internal error - please report this issue to the NCCL developers, NCCL version 2.21.5" % rank,
                  "[rank%d]: ncclInternalError: Internal check failed." % rank,
                  "[rank%d]: Last error:" % rank,
                  "[rank%d]: Bootstrap : no socket interface found" % rank]
    c.log("ml/pt-fsdp-13b-worker-0/logs", app_noise(c, 6) + lines)
    ip = ["$ ip -br link", "lo               UNKNOWN        00:00:00:00:00:00 <LOOPBACK,UP,LOWER_UP>",
          "enp86s0f0np0     UP             b8:3f:d2:11:0a:40 <BROADCAST,MULTICAST,UP,LOWER_UP>",
          "ibp12s0          UP             00:00:10:29:fe:80 <BROADCAST,MULTICAST,UP,LOWER_UP>",
          "ibp31s0          UP             00:00:10:29:fe:80 <BROADCAST,MULTICAST,UP,LOWER_UP>"]
    ev = ["%s Normal Pulled pod/pt-fsdp-13b-worker-1 Successfully pulled image \"registry.local/ml/train:2025.11\"" % c.iso(-500),
          "%s Warning BackOff pod/pt-fsdp-13b-worker-0 Back-off restarting failed container pytorch" % c.iso(-100),
          "%s Warning BackOff pod/pt-fsdp-13b-worker-1 Back-off restarting failed container pytorch" % c.iso(-99),
          "%s Normal NodeImageUpdated node/k8s-gpu-71 os-image ubuntu-24.04-gpu-2025.11 (predictable interface names)" % c.iso(-3600 + 2200)]
    c.log("k8s/events+debug", ev + ip)
    return c


def z022():
    """Silent fallback to sockets: NCCL_IB_HCA names a device that does not exist; 6x slowdown, no error."""
    hosts = ["gx-%03d" % i for i in (301, 302, 303, 304)]
    c = Case("case-z022", "nccl_network_misconfig", "job", hosts, gpu=H200)
    c.alert("StepTimeRegression", "step time 6.2x slower than previous run of the same config",
            job="deepseek-lite-ft", node="gx-301")
    init = nccl_init(c, "gx-301", 0, 0, 32, hca="mlx5_ib0,mlx5_ib1")
    init = [x for x in init if "NET/IB : Using" not in x and "Using network IB" not in x]
    pid = init[0].split(":")[1]
    init[3:3] = ["gx-301:%s:%s [0] NCCL INFO NCCL_IB_HCA set to mlx5_ib0,mlx5_ib1" % (pid, pid),
                 "gx-301:%s:%s [0] NCCL INFO NET/IB : No device found." % (pid, pid),
                 "gx-301:%s:%s [0] NCCL INFO NET/Socket : Using [0]bond0:10.40.3.1<0>" % (pid, pid),
                 "gx-301:%s:%s [0] NCCL INFO Using network Socket" % (pid, pid)]
    tr = megatron_iters(c, -1100, 10, 80, step_s=26.0, loss=5.4)
    c.log("gx-301/rank0/stdout", init + tr)
    c.log("gx-301/journal", kernel_noise(c, "gx-301", 10, -1500, 0))
    for h in hosts[:2]:
        c.node_metric("node_network_transmit_bytes_total:rate1m", {"instance": h, "device": "bond0"},
                      lambda s: 2.2e9 * c.rng.uniform(0.95, 1.05), 0)
        c.node_metric("node_infiniband_port_data_transmitted_bytes_total:rate1m", {"instance": h, "device": "mlx5_0"},
                      lambda s: 0.0, 0)
    c.nccl("nccl.allreduce@job", busbw=2.4)
    c.nccl("nccl.allreduce@gx-302")
    c.health_rates("gpu.health@gx-302/gpu0")
    return c


def z023():
    """Every rank but one logs the watchdog; the flight-recorder analysis and py-spy show rank 19 never joined."""
    hosts = ["trn-h100-%02d" % i for i in (1, 2, 3, 4)]
    c = Case("case-z023", "nccl_collective_hang", "trn-h100-03/gpu3", hosts, gpu=H100)
    c.alert("NCCLWatchdogTimeout", "31 of 32 ranks hit the NCCL watchdog (job megatron-gpt-20b)",
            job="megatron-gpt-20b", node="trn-h100-01")
    tr = megatron_iters(c, -1300, 8, 66400, step_s=6.0, loss=2.07)
    tr += watchdog(c, 0, -12, 301554, op="_ALLGATHER_BASE", numel=41943040, timeout_ms=1200000)
    c.log("trn-h100-01/rank0/stderr", insert_at(tr, 0.4, app_noise(c, 3)))
    fr = ["%s fr_trace: loaded 32 dumps (pg 3, tensor-parallel)" % c.ymd(-8),
          "%s fr_trace: collective seq 301554 (_ALLGATHER_BASE, [41943040]) state=scheduled on 31 ranks" % c.ymd(-8),
          "%s fr_trace: ranks missing from collective 301554: [19]" % c.ymd(-8),
          "%s fr_trace: rank 19 last entry: seq 301553 (ALLREDUCE) state=completed" % c.ymd(-8)]
    c.log("ops/flight-recorder", fr)
    sp = ["Process 1884120: python -u pretrain_gpt.py (rank 19)",
          "Python v3.10.12 (/usr/bin/python3.10)",
          "",
          "Thread 1884120 (idle): \"MainThread\"",
          "    wait (threading.py:320)",
          "    get (queue.py:171)",
          "    _next_batch (megatron/training/utils.py:412)",
          "    get_batch (pretrain_gpt.py:121)",
          "    forward_step (pretrain_gpt.py:173)",
          "Thread 1884377 (idle): \"pin_memory\"",
          "    select (selectors.py:416)",
          "Thread 1884390 (active): \"Thread-3 (_ckpt_upload)\"",
          "    acquire (filelock/_api.py:292)",
          "    upload_shard (tools/async_upload.py:88)"]
    c.log("trn-h100-03/rank19/py-spy", sp)
    dcgm(c, "trn-h100-03", util=100, fields=("util", "power"),
         over={"power": {g: after(-1200, 150.0) for g in range(8)},
               "util": {3: after(-1200, 0.0)}})
    c.health_rates("gpu.health@trn-h100-03/gpu3")
    c.nccl("nccl.allreduce@trn-h100-03")
    return c


def z024():
    """K8s job hang: flooding watchdog errors; the desync report names the one rank that has not joined."""
    hosts = ["a3m-%s" % s for s in ("b7lq", "c2xr", "f9nz")]
    c = Case("case-z024", "nccl_collective_hang", "a3m-c2xr/gpu6", hosts, gpu=H100, pci=PCI_BUS_B)
    c.alert("JobNoProgress", "no training step completed for 30m", namespace="pretrain",
            job="gemma-like-9b", node="a3m-b7lq")
    lines = []
    for r in (0, 4, 17, 23):
        lines += watchdog(c, r, -30 + r * 0.03, 88120, op="REDUCE_SCATTER", numel=88080384, timeout_ms=1800000)[:2]
    lines += ["[rank0]:[E%s ProcessGroupNCCL.cpp:1316] [PG 0 Rank 0] Desync debugging report:" % c.glog(-25)[1:],
              "Collective sequence number: 88120 has not been run by ranks [14]",
              "Collective 88120 (REDUCE_SCATTER) has been scheduled but not started by ranks [0-13, 15-23]",
              "Rank 14's last completed collective: 88119 (REDUCE_SCATTER)"]
    c.log("pretrain/gemma-like-9b-master-0/logs", app_noise(c, 8) + lines)
    r14 = fsdp_steps(c, -1900, 8, 29370, step_s=2.1, rank=14)
    r14 += ["[rank14]:[titan] %s - root - INFO - eval: running 40 batches (held-out shard)" % c.ymd_ms(-1880),
            "[rank14]:[titan] %s - root - WARNING - eval batch 17: sequence length 131072 exceeds bucket, padding" % c.ymd_ms(-1870)]
    c.log("pretrain/gemma-like-9b-worker-1/rank14", r14)
    dcgm(c, "a3m-c2xr", util=99, fields=("util", "power"),
         over={"util": {g: after(-1860, 0.0) for g in range(8) if g != 6},
               "power": {g: after(-1860, 110.0) for g in range(8) if g != 6}})
    c.nccl("nccl.allreduce@a3m-c2xr")
    c.errored("gpu.health@a3m-c2xr/gpu6", "probe could not open /dev/nvidia6: device busy (held by training container, exclusive compute mode)", 0.3)
    return c


def z025():
    """Segfault in a custom extension on one rank; peers log ncclRemoteError and IB-looking completion errors."""
    hosts = ["ds-a100-%02d" % i for i in (8, 9, 10)]
    c = Case("case-z025", "rank_process_crash", "ds-a100-09/gpu5", hosts, gpu=A100)
    c.alert("TrainingJobFailed", "deepspeed job bloom-ft-7b failed with NCCL errors on 23 ranks",
            job="bloom-ft-7b", node="ds-a100-08")
    peers = ["ds-a100-08:70112:70889 [2] transport/net_ib.cc:1696 NCCL WARN NET/IB : Got completion from peer 10.33.1.9<59813> with status=IBV_WC_WR_FLUSH_ERR(5) opcode=129 len=0 vendor err 244 (Recv) localGid ::ffff:10.33.1.8 remoteGid ::ffff:10.33.1.9 hca mlx5_2",
             "ds-a100-10:11029:11788 [6] transport/net_ib.cc:1696 NCCL WARN NET/IB : Got completion from peer 10.33.1.9<59830> with status=IBV_WC_WR_FLUSH_ERR(5) opcode=129 len=0 vendor err 244 (Recv)",
             "[rank2]: ncclRemoteError: A call failed possibly due to a network error or a remote process exiting prematurely.",
             "[rank22]: ncclRemoteError: A call failed possibly due to a network error or a remote process exiting prematurely."]
    tr = deepspeed_steps(c, -110, 24, 4421, step_s=3.6)
    c.log("ds-a100-08/launcher.log", tr + peers + elastic_failure(c, -4, "ds-a100-09", 13, 5, -11, sig="SIGSEGV"))
    r13 = ["Fatal Python error: Segmentation fault",
           "",
           "Current thread 0x00007f3a8bfff640 (most recent call first):",
           '  File "/opt/venv/lib/python3.10/site-packages/flash_rope/ops.py", line 57 in apply_rotary',
           '  File "/workspace/model/attention.py", line 212 in forward',
           '  File "/opt/venv/lib/python3.10/site-packages/torch/nn/modules/module.py", line 1562 in _call_impl']
    c.log("ds-a100-09/rank13/stderr", app_noise(c, 8) + r13)
    j = kernel_noise(c, "ds-a100-09", 8, -1500, -40)
    j += ["%s ds-a100-09 kernel: pt_main_thread[40221]: segfault at 7f3a00000010 ip 00007f3b1c2a8d91 sp 00007f3a8bffd0a0 error 4 in libflash_rope.so[7f3b1c290000+2c000]" % c.syslog(-20),
          "%s ds-a100-09 systemd-coredump[40911]: Process 40221 (pt_main_thread) of user 1000 dumped core." % c.syslog(-18)]
    c.log("ds-a100-09/journal", j)
    for h in ("ds-a100-08", "ds-a100-09"):
        c.node_metric("node_infiniband_port_errors_total", {"instance": h, "device": "mlx5_2", "port": "1", "error": "rcv"},
                      lambda s: 0, 0)
    c.health_rates("gpu.health@ds-a100-09/gpu5")
    return c


def z026():
    """KeyError in one rank's data path; torchrun tears the rest down, store timeouts fill the logs."""
    hosts = ["slm-%02d" % i for i in (2, 3)]
    c = Case("case-z026", "rank_process_crash", "slm-03/gpu2", hosts, gpu=H200)
    c.alert("SlurmJobFailed", "job 1029931 (code-llm-sft) FAILED, ExitCode 1:0", job="code-llm-sft",
            node="slm-02")
    st = ["[W%s socket.cpp:464] [c10d] The server socket has failed to listen on any local network address." % c.glog(-5)[1:],
          "[rank3]:[E%s TCPStore.cpp:446] [c10d] recvValue failed on SocketImpl(fd=43, addr=[slm-02]:51334, remote=[slm-02]:29500): Connection reset by peer" % c.glog(-4)[1:],
          "[rank7]:[E%s TCPStore.cpp:446] [c10d] recvValue failed on SocketImpl(fd=43, addr=[slm-02]:51382, remote=[slm-02]:29500): Connection reset by peer" % c.glog(-4)[1:],
          "W%s torch/distributed/elastic/multiprocessing/api.py:890] Sending process 77191 closing signal SIGTERM" % c.glog(-6)[1:]]
    c.log("slm-02/torchrun.log", app_noise(c, 6) + st + elastic_failure(c, -3, "slm-03", 10, 2, 1,
          error_file="/tmp/torchelastic_x1/attempt_0/2/error.json"))
    r = plain_steps(c, -50, 20, 9120, step_s=2.2)
    r += ["Traceback (most recent call last):",
          '  File "/work/sft/train.py", line 401, in <module>',
          "    main()",
          '  File "/work/sft/data.py", line 118, in collate',
          "    ids = [tok_map[x['lang']] for x in batch]",
          "KeyError: 'zig'"]
    c.log("slm-03/rank10/stderr", r)
    dcgm(c, "slm-03", util=96, fields=("util",), over={"util": {g: after(-10, 0.0) for g in range(8)}})
    return c


def z027():
    """CUDA OOM on the last pipeline stage of one rank (long sequence); the other ranks only show watchdog timeouts."""
    hosts = ["mg-h100-%02d" % i for i in (1, 2, 3, 4)]
    c = Case("case-z027", "cuda_oom", "mg-h100-04/gpu7", hosts, gpu=H100)
    c.alert("NCCLWatchdogTimeout", "ProcessGroupNCCL watchdog timeout on 24 ranks of job megatron-llama-34b-pp4",
            job="megatron-llama-34b-pp4", node="mg-h100-01")
    tr = megatron_iters(c, -720, 10, 41200, step_s=8.3, loss=1.79)
    tr += watchdog(c, 0, -20, 9981, op="SEND", numel=16777216, timeout_ms=600000)[:3]
    c.log("mg-h100-01/rank0/stderr", tr)
    r31 = ["[rank31]: Traceback (most recent call last):",
           '[rank31]:   File "/workspace/Megatron-LM/megatron/core/pipeline_parallel/schedules.py", line 1432, in forward_backward_pipelining_without_interleaving',
           "[rank31]:     output_tensor, num_tokens = forward_step(",
           '[rank31]:   File "/workspace/Megatron-LM/megatron/core/tensor_parallel/cross_entropy.py", line 142, in forward',
           "[rank31]:     exp_logits = torch.exp(vocab_parallel_logits)",
           "[rank31]: torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 7.83 GiB. GPU 7 has a total capacity of 79.11 GiB of which 3.02 GiB is free. Including non-PyTorch memory, this process has 76.08 GiB memory in use. Of the allocated memory 69.20 GiB is allocated by PyTorch, and 5.37 GiB is reserved by PyTorch but unallocated. If reserved but unallocated memory is large try setting PYTORCH_CUDA_ALLOC_CONF=expandable_segments:True to avoid fragmentation.  See documentation for Memory Management  (https://pytorch.org/docs/stable/notes/cuda.html#environment-variables)"]
    c.log("mg-h100-04/rank31/stderr", app_noise(c, 6) + r31)
    c.gpu_metric("DCGM_FI_DEV_FB_USED", "mg-h100-04", 61000, jitter=800, decimals=0,
                 over={7: ramp(-700, 80500, 60)})
    dcgm(c, "mg-h100-04", util=95, fields=("util",), over={"util": {g: after(-640, 0.0) for g in range(8)}})
    return c


def z028():
    """Job-wide OOM after a config bump: every rank OOMs at the first step (old pre-2.1 wording)."""
    hosts = ["dgx%02d" % i for i in (5, 6)]
    c = Case("case-z028", "cuda_oom", "job", hosts, gpu=A100)
    c.alert("TrainingJobFailed", "job vicuna-33b-lora exited 1 on all 16 ranks", job="vicuna-33b-lora", node="dgx05")
    cfg = ["[%s] [INFO] [config.py:1000:print]   train_micro_batch_size_per_gpu  16" % c.ymd_ms(-300),
           "[%s] [INFO] [config.py:1000:print]   gradient_accumulation_steps  1" % c.ymd_ms(-300),
           "[%s] [INFO] [config.py:1000:print]   zero_optimization.stage  2" % c.ymd_ms(-300),
           "[%s] [INFO] [utils.py:781:see_memory_usage] MA 61.22 GB         Max_MA 61.22 GB         CA 61.4 GB         Max_CA 61 GB " % c.ymd_ms(-250)]
    oom = []
    for r in (0, 5, 9, 14):
        oom.append("RuntimeError: CUDA out of memory. Tried to allocate 4.00 GiB (GPU %d; 79.15 GiB total capacity; 72.31 GiB already allocated; 2.64 GiB free; 75.02 GiB reserved in total by PyTorch) If reserved memory is >> allocated memory try setting max_split_size_mb to avoid fragmentation.  See documentation for Memory Management and PYTORCH_CUDA_ALLOC_CONF" % (r % 8))
    c.log("dgx05/deepspeed.out", app_noise(c, 10) + cfg + oom)
    c.log("dgx05/launch.out", ["+ deepspeed --num_nodes 2 --num_gpus 8 train.py --deepspeed ds_z2.json --micro_batch 16 --seq_len 4096",
                           "# git diff HEAD~1 ds_z2.json: train_micro_batch_size_per_gpu 4 -> 16"] + app_noise(c, 8))
    for h in hosts:
        c.gpu_metric("DCGM_FI_DEV_FB_USED", h, 78500, jitter=300, decimals=0)
    return c


def z029():
    """Xid 13 warp exception that reads like hardware: a custom Triton kernel faults on every rank."""
    hosts = ["gpu-c%02d" % i for i in (11, 12)]
    c = Case("case-z029", "illegal_memory_access", "job", hosts, gpu=H200)
    c.alert("GPUXidError", "Xid 13 on 16 GPUs (gpu-c11, gpu-c12)", job="hyena-dna-pretrain", node="gpu-c11")
    d = []
    for g in range(0, 8, 2):
        d += ["%s NVRM: Xid (PCI:0000:%s:00): 13, pid=%d, name=python3, Graphics SM Warp Exception on (GPC %d, TPC 1, SM 0): Out Of Range Address" % (c.dmesg(-40 + g * 0.01), c.pci[g], 900100 + g, g % 7),
              "%s NVRM: Xid (PCI:0000:%s:00): 13, pid=%d, name=python3, Graphics Exception: ESR 0x51a730=0x201000e 0x51a734=0x0 0x51a728=0xc81eb60 0x51a72c=0x1174" % (c.dmesg(-40 + g * 0.01), c.pci[g], 900100 + g)]
    c.log("gpu-c11/dmesg", kernel_noise(c, "gpu-c11", 6, -1500, -60, fmt="dmesg") + d)
    tr = ["%s | INFO | train | commit 4b1e9a0 'fused long-conv kernel: tile 256 for seq > 64k'" % c.ymd(-900),
          "%s | INFO | train | curriculum: sequence length 65536 -> 131072 at step 14000" % c.ymd(-60)]
    tr += plain_steps(c, -100, 20, 13980, step_s=2.9)
    tr += ["Traceback (most recent call last):",
           '  File "/src/hyena/ops/fftconv_triton.py", line 233, in forward',
           "    _fftconv_fwd_kernel[grid](u, k, out, L, BLOCK=256)",
           "RuntimeError: CUDA error: an illegal memory access was encountered",
           "CUDA kernel errors might be asynchronously reported at some other API call, so the stacktrace below might be incorrect.",
           "For debugging consider passing CUDA_LAUNCH_BLOCKING=1"]
    c.log("gpu-c11/rank0/stderr", tr)
    c.health_rates("gpu.health@gpu-c11/gpu0", xid_last=13)
    c.gemm("gpu.gemm@gpu-c11/gpu0")
    c.sdc("gpu.sdc@gpu-c11")
    return c


def z030():
    """Device-side assert (embedding index out of range) on one rank after a tokenizer swap; NCCL peers time out."""
    hosts = ["p4d-%02d" % i for i in (1, 2)]
    c = Case("case-z030", "illegal_memory_access", "job", hosts, gpu=A100)
    c.alert("NCCLWatchdogTimeout", "watchdog timeouts on 15 of 16 ranks (mt5-xxl-ft)", job="mt5-xxl-ft", node="p4d-01")
    c.log("p4d-01/rank0/stderr", app_noise(c, 5) + ["%s | INFO | train | tokenizer: loaded spm_v3 (vocab 256384)" % c.ymd(-900)]
          + plain_steps(c, -680, 14, 200, step_s=3.8) + watchdog(c, 0, -25, 4410, timeout_ms=600000)[:2])
    r = ["../aten/src/ATen/native/cuda/Indexing.cu:1255: indexSelectLargeIndex: block: [812,0,0], thread: [64,0,0] Assertion `srcIndex < srcSelectDimSize` failed.",
         "../aten/src/ATen/native/cuda/Indexing.cu:1255: indexSelectLargeIndex: block: [812,0,0], thread: [65,0,0] Assertion `srcIndex < srcSelectDimSize` failed.",
         "Traceback (most recent call last):",
         '  File "/app/modeling_mt5.py", line 994, in forward',
         "    inputs_embeds = self.embed_tokens(input_ids)",
         "RuntimeError: CUDA error: device-side assert triggered",
         "Compile with `TORCH_USE_CUDA_DSA` to enable device-side assertions.",
         "%s | INFO | train | model config: vocab_size=250112" % c.ymd(-1000)]
    c.log("p4d-02/rank11/stderr", r)
    c.health_rates("gpu.health@p4d-02/gpu3", xid_last=43)
    return c


def z031():
    """Global OOM killer ends one rank (exit -9): looks like a crash, peers lose their connection."""
    hosts = ["cpu-heavy-%02d" % i for i in (1, 2, 3)]
    c = Case("case-z031", "host_oom", "cpu-heavy-02", hosts, gpu=H100)
    c.alert("SlurmJobFailed", "job 330120 (video-diffusion) FAILED: task 13 killed by signal 9",
            job="video-diffusion", node="cpu-heavy-01")
    c.log("slurm-330120.out", app_noise(c, 6) + elastic_failure(c, -10, "cpu-heavy-02", 13, 5, -9, sig="SIGKILL")
          + ["[rank4]: ncclRemoteError: A call failed possibly due to a network error or a remote process exiting prematurely."])
    j = kernel_noise(c, "cpu-heavy-02", 6, -1500, -60, fmt="dmesg")
    j += ["%s python3 invoked oom-killer: gfp_mask=0x140cca(GFP_HIGHUSER_MOVABLE|__GFP_COMP), order=0, oom_score_adj=0" % c.dmesg(-14),
          "%s Mem-Info:" % c.dmesg(-14),
          "%s active_anon:487112301 inactive_anon:2210 isolated_anon:0" % c.dmesg(-14),
          "%s Out of memory: Killed process 661208 (python3) total-vm:412887216kB, anon-rss:251104432kB, file-rss:91232kB, shmem-rss:4194304kB, UID:1000 pgtables:502112kB oom_score_adj:0" % c.dmesg(-13),
          "%s oom_reaper: reaped process 661208 (python3), now anon-rss:0kB, file-rss:0kB, shmem-rss:4194304kB" % c.dmesg(-12)]
    c.log("cpu-heavy-02/dmesg", j)
    for h in hosts:
        c.node_metric("node_memory_MemAvailable_bytes", {"instance": h},
                      (lambda s: max(1.2e9, 4.1e11 - (s + 1260) * 3.3e8)) if h == "cpu-heavy-02" else
                      (lambda s: 2.6e11 * c.rng.uniform(0.98, 1.02)), 0)
    return c


def z032():
    """Dataloader workers killed by the OOM killer on one node (pinned decode buffers); PyTorch reports worker died."""
    hosts = ["k-h200-%02d" % i for i in (21, 22)]
    c = Case("case-z032", "host_oom", "k-h200-22", hosts, gpu=H200)
    c.alert("TrainingJobFailed", "job vlm-sft-34b failed on k-h200-22", job="vlm-sft-34b", node="k-h200-22")
    r = fsdp_steps(c, -110, 20, 2210, step_s=4.2, rank=9)
    r += ["[rank9]: RuntimeError: DataLoader worker (pid 712290) is killed by signal: Killed. ",
          "[rank9]: RuntimeError: DataLoader worker (pid(s) 712290, 712291) exited unexpectedly"]
    c.log("k-h200-22/rank9/stderr", r)
    j = kernel_noise(c, "k-h200-22", 6, -1500, -60)
    j += ["%s k-h200-22 kernel: pt_data_worker invoked oom-killer: gfp_mask=0x100cca(GFP_HIGHUSER_MOVABLE), order=0, oom_score_adj=0" % c.syslog(-22),
          "%s k-h200-22 kernel: oom-kill:constraint=CONSTRAINT_NONE,nodemask=(null),cpuset=/,mems_allowed=0-1,global_oom,task_memcg=/slurm/uid_1000/job_88190,task=pt_data_worker,pid=712290,uid=1000" % c.syslog(-22),
          "%s k-h200-22 kernel: Out of memory: Killed process 712290 (pt_data_worker) total-vm:61201232kB, anon-rss:48118020kB, file-rss:0kB, shmem-rss:0kB, UID:1000 pgtables:95120kB oom_score_adj:0" % c.syslog(-21)]
    c.log("k-h200-22/journal", j)
    for h in hosts:
        c.node_metric("node_memory_MemAvailable_bytes", {"instance": h},
                      (lambda s: max(0.9e9, 1.6e11 - (s + 1260) * 1.3e8)) if h == "k-h200-22" else
                      (lambda s: 9.8e11 * c.rng.uniform(0.99, 1.01)), 0)
    c.health_rates("gpu.health@k-h200-22/gpu1")
    return c


def z033():
    """Loss spike then NaN in bf16 (no loss scaler), grad norm explodes on all ranks; SDC vote clean."""
    hosts = ["olmo-%02d" % i for i in (1, 2, 3, 4)]
    c = Case("case-z033", "loss_divergence", "job", hosts, gpu=H100)
    c.alert("TrainLossNaN", "loss became NaN at step 18841", job="olmo-style-7b", node="olmo-01")
    nan = float("nan")

    def lo(i):
        if i < 14:
            return 2.41 + c.rng.uniform(-0.02, 0.02)
        return [3.9, 6.8, 9.7, 11.2, nan, nan][min(i - 14, 5)]

    def gn(i):
        if i < 13:
            return 0.42 * c.rng.uniform(0.9, 1.1)
        return [3.1, 48.0, 910.0, 15022.0, 88101.0, nan, nan][min(i - 13, 6)]
    tr = megatron_iters(c, -80, 20, 18823, step_s=3.9, loss_fn=lo, grad_fn=gn, lr=6.0e-4)
    c.log("olmo-01/rank0/stdout", insert_at(tr, 0.3, app_noise(c, 5)))
    c.log("olmo-01/config", ["lr: 6.0e-4 (raised from 3.0e-4 at restart, step 18000)", "warmup: 2000", "precision: bf16-mixed",
                             "grad_clip: none", "seed: 6198", "global_batch_tokens: 4194304",
                             "optimizer: adamw betas (0.9, 0.95) eps 1e-8 weight_decay 0.1", "z_loss: off",
                             "qk_norm: false", "model: d_model 4096, n_layers 32, n_heads 32",
                             "data: web/code/papers mix v1.7", "checkpoint_every: 1000"])
    for h in hosts:
        c.sdc("gpu.sdc@" + h)
    return c


def z034():
    """Loss spikes 3x and stays high after LR warmup ends; no NaN, no errors; looks like a bad node but isn't."""
    hosts = ["lm-a%02d" % i for i in (1, 2)]
    c = Case("case-z034", "loss_divergence", "job", hosts, gpu=H200)
    c.alert("LossSpike", "train loss 3.1x above 1h EMA for 20 min", job="moe-free-3b-sweep7", node="lm-a01")
    tr = deepspeed_steps(c, -1250, 40, 1990, step_s=1.4,
                         loss_fn=lambda i: 2.6 + c.rng.uniform(-0.03, 0.03) if i < 10 else 7.9 + c.rng.uniform(-0.5, 0.5))
    tr += ["[%s] [INFO] [train.py:455] step 2000 warmup finished, lr=1.50e-03" % c.ymd_ms(-1240)]
    tr += ["[%s] [INFO] [train.py:431] grad_norm %.2f (clip 1.0)" % (c.ymd_ms(t), v) for t, v in ((-1210, 41.2), (-1100, 27.8), (-900, 19.6), (-300, 14.1))]
    c.log("lm-a01/rank0/stdout", tr)
    c.health_rates("gpu.health@lm-a01/gpu0")
    c.sdc("gpu.sdc@lm-a01")
    c.sdc("gpu.sdc@lm-a02")
    return c


def z035():
    """DeepSpeed fp16: OVERFLOW every step, scale walks to the minimum and the run exits."""
    hosts = ["a100-fleet-%02d" % i for i in (3, 4)]
    c = Case("case-z035", "fp16_loss_scale_collapse", "job", hosts, gpu=A100)
    c.alert("TrainingJobFailed", "job t5-3b-fp16 exited: Current loss scale already at minimum", job="t5-3b-fp16",
            node="a100-fleet-03")
    tr = deepspeed_steps(c, -1250, 14, 55100, step_s=2.7)
    sc = 65536.0
    t = -900
    while sc >= 1:
        tr.append("[%s] [INFO] [loss_scaler.py:183:update_scale] [deepspeed] OVERFLOW! Rank 0 Skipping step. Attempted loss scale: %d, reducing to %d" % (c.ymd_ms(t), int(sc), max(1, int(sc / 2))))
        sc /= 2
        t += 40
    tr += ["[%s] [INFO] [logging.py:96:log_dist] [Rank 0] step=55131, skipped=17, lr=[9.1e-05], mom=[(0.9, 0.999)]" % c.ymd_ms(t),
           "Exception: Current loss scale already at minimum - cannot decrease scale anymore. Exiting run."]
    c.log("a100-fleet-03/rank0/stdout", tr)
    return c


def z036():
    """Megatron fp16: loss scale falls from 131072 to 1 over 20 minutes, skipped iterations climb."""
    hosts = ["fp16-n%d" % i for i in (1, 2, 3, 4)]
    c = Case("case-z036", "fp16_loss_scale_collapse", "job", hosts, gpu=H100)
    c.alert("TrainingStalled", "no optimizer step applied in the last 40 iterations", job="gpt-neox-20b-fp16", node="fp16-n1")
    tr = megatron_iters(c, -150, 48, 120300, step_s=3.0, loss=2.22,
                        scale_fn=lambda i: max(1.0, 131072.0 / (2 ** max(0, (i - 8) // 2))),
                        skipped_fn=lambda i: 0 if i < 8 else 2 + (i % 3 == 0),
                        grad_fn=lambda i: 0.5 * c.rng.uniform(0.9, 1.1) if i < 8 else float("nan"))
    c.log("fp16-n1/rank0/stdout", insert_at(tr, 0.5, app_noise(c, 4)))
    c.sdc("gpu.sdc@fp16-n2")
    return c


def z037():
    """Transformer Engine FP8: amax history goes inf, scale_inv collapses, loss NaN a few steps later."""
    hosts = ["fp8-h%02d" % i for i in (1, 2, 3, 4)]
    c = Case("case-z037", "fp8_scaling_overflow", "job", hosts, gpu=H200)
    c.alert("TrainLossNaN", "lm loss NaN (fp8 run nemo-gpt-43b-fp8)", job="nemo-gpt-43b-fp8", node="fp8-h01")
    nan = float("nan")
    tr = megatron_iters(c, -260, 22, 33010, step_s=5.2, loss=1.93,
                        loss_fn=lambda i: 1.93 + c.rng.uniform(-0.02, 0.02) if i < 19 else nan,
                        nan_fn=lambda i: 1 if i >= 19 else 0)
    mon = ["[NeMo I %s fp8_monitor:88] layer 31 fc2 fwd amax 4.31e+02 scale 1.04e+00 (history 1024, most_recent)" % c.ymd(-400),
           "[NeMo W %s fp8_monitor:91] layer 31 fc2 fwd amax inf (history) -> scale 0.00e+00" % c.ymd(-170),
           "[NeMo W %s fp8_monitor:91] layer 32 qkv fwd amax inf (history) -> scale 0.00e+00" % c.ymd(-168),
           "[NeMo W %s fp8_monitor:97] 11 of 96 FP8 tensors have scale_inv=inf; casts saturating (E4M3 max 448)" % c.ymd(-165)]
    c.log("fp8-h01/rank0/stdout", tr + mon + app_noise(c, 4))
    c.sdc("gpu.sdc@fp8-h01")
    return c


def z038():
    """torchtitan float8: saturation ratio rises on one layer, loss spikes (reads as plain divergence)."""
    hosts = ["tt8-%02d" % i for i in (1, 2)]
    c = Case("case-z038", "fp8_scaling_overflow", "job", hosts, gpu=H100)
    c.alert("LossSpike", "loss jumped 2.4x (torchtitan llama3-8b float8)", job="titan-llama3-8b-f8", node="tt8-01")
    tr = fsdp_steps(c, -300, 36, 6100, step_s=1.2,
                    loss_fn=lambda i: 2.3 + c.rng.uniform(-0.02, 0.02) if i < 20 else 5.6 + c.rng.uniform(-0.3, 0.3))
    st = ["[rank0]:[titan] %s - root - INFO - float8 stats: layers.27.feed_forward.w2 input amax 1.2e+03 sat 0.00%%" % c.ymd_ms(-900),
          "[rank0]:[titan] %s - root - WARNING - float8 stats: layers.27.feed_forward.w2 input amax 3.1e+05 scale 1.4e-03 saturated 18.7%% of elements (e4m3)" % c.ymd_ms(-300),
          "[rank0]:[titan] %s - root - WARNING - float8 stats: layers.27.feed_forward.w2 grad amax inf, delayed scaling history poisoned" % c.ymd_ms(-280),
          "[rank0]:[titan] %s - root - INFO - float8 recipe: tensorwise, delayed (history 16), e4m3 fwd / e5m2 bwd" % c.ymd_ms(-1240)]
    c.log("tt8-01/rank0/stdout", tr + st)
    c.sdc("gpu.sdc@tt8-01")
    c.health_rates("gpu.health@tt8-01/gpu0")
    return c


def z039():
    """Megatron MoE: router collapses onto two experts, tokens dropped, all-to-all slow; network is fine."""
    hosts = ["moe-%02d" % i for i in range(1, 5)]
    c = Case("case-z039", "moe_expert_imbalance", "job", hosts, gpu=H200)
    c.alert("StepTimeRegression", "step time 1.9x since iteration 240k", job="mixtral-8x7b-cpt", node="moe-01")
    tr = megatron_iters(c, -1250, 30, 240010, step_s=4.1,
                        step_fn=lambda i: 4.1 * (1.0 if i < 6 else 1.9) * c.rng.uniform(0.98, 1.02))
    ro = [" [%s] moe: layer 14 tokens per expert (ep rank 0): [88112, 86990, 1023, 412, 1877, 733, 650, 1199] capacity 24576 dropped 38.1%%" % c.ymd(-700),
          " [%s] moe: load_balancing_loss 0.412 (was 0.011 at it 238000) z_loss 2.1e-03" % c.ymd(-690),
          " [%s] moe: layer 22 tokens per expert (ep rank 3): [1120, 91210, 84310, 522, 1403, 610, 701, 998] capacity 24576 dropped 36.4%%" % c.ymd(-400)]
    c.log("moe-01/rank0/stdout", insert_at(tr, 0.6, ro))
    c.nccl("nccl.alltoall@job")
    c.nccl("nccl.allreduce@moe-02")
    c.gemm("gpu.gemm@moe-02/gpu3")
    return c


def z040():
    """DeepSpeed-MoE: capacity overflow warnings and one EP rank's all-to-all much longer; looks like a straggler."""
    hosts = ["dsm-%02d" % i for i in (1, 2)]
    c = Case("case-z040", "moe_expert_imbalance", "job", hosts, gpu=A100)
    c.alert("StragglerDetected", "rank 6 all-to-all time 3.2x median", job="ds-moe-1.3b-128e", node="dsm-01", rank="6")
    tr = deepspeed_steps(c, -1250, 30, 9100, step_s=1.7, step_fn=lambda i: 1.7 * 1.6 * c.rng.uniform(0.98, 1.02))
    mo = ["[%s] [WARNING] [sharded_moe.py:411] expert 97 received 21944 tokens with capacity 3072 (capacity_factor 1.0): 18872 dropped" % c.ymd_ms(-800),
          "[%s] [WARNING] [sharded_moe.py:411] expert 98 received 20110 tokens with capacity 3072 (capacity_factor 1.0): 17038 dropped" % c.ymd_ms(-500),
          "[%s] [INFO] [timer.py:264] rank 6 fwd_moe_all2all 412.1 ms, median over ranks 128.7 ms" % c.ymd_ms(-300),
          "[%s] [INFO] [gating.py:70] top1 gate entropy 0.31 nats (uniform over 128 experts = 4.85)" % c.ymd_ms(-290)]
    c.log("dsm-01/rank0/stdout", insert_at(tr, 0.5, mo))
    c.health_rates("gpu.health@dsm-01/gpu6")
    c.gemm("gpu.gemm@dsm-01/gpu6")
    c.nccl("nccl.alltoall@job")
    return c


def z041():
    """Straggler whose GPU has clean health and no throttling, but GEMM throughput is 30% low."""
    hosts = ["st-h100-%02d" % i for i in range(1, 5)]
    c = Case("case-z041", "straggler_rank", "st-h100-02/gpu7", hosts, gpu=H100)
    c.alert("StragglerDetected", "rank 15 compute time 1.35x job median", job="gpt-j-ft", node="st-h100-02", rank="15")
    tr = megatron_iters(c, -1250, 30, 5210, step_s=4.6, step_fn=lambda i: 4.6 * 1.3 * c.rng.uniform(0.99, 1.01))
    tr += [" [%s] straggler: rank 15 (st-h100-02) rel. perf 0.74, next slowest rank 29 0.98" % c.ymd(-100)]
    c.log("st-h100-01/rank0/stdout", tr)
    dcgm(c, "st-h100-02", util=99, fields=("util", "temp", "clock"))
    c.health_rates("gpu.health@st-h100-02/gpu7")
    c.gemm("gpu.gemm@st-h100-02/gpu7", tflops=489.0)
    c.gemm("gpu.gemm@st-h100-02/gpu6")
    c.hbm("gpu.hbm_bandwidth@st-h100-02/gpu7", gb_s=2210.0)
    return c


def z042():
    """All 8 ranks of one node slow after a reboot (host side: the node came back with a power-saving CPU profile);
    GPU health and GEMM are clean, only kernel launch latency is high on that node."""
    hosts = ["gpu-s%02d" % i for i in (40, 41, 42, 43)]
    c = Case("case-z042", "straggler_rank", "gpu-s42", hosts, gpu=H200)
    c.alert("StragglerDetected", "ranks 16-23 (gpu-s42) 1.2x slower than median", job="dit-xl-video", node="gpu-s42")
    tr = fsdp_steps(c, -1250, 40, 1330, step_s=2.5, step_fn=lambda i: 2.5 * 1.22 * c.rng.uniform(0.99, 1.01))
    c.log("gpu-s40/rank0/stdout", tr)
    j = kernel_noise(c, "gpu-s42", 14, -1500, 0)
    j += ["%s gpu-s42 systemd[1]: Reached target Multi-User System." % c.syslog(-1470),
          "%s gpu-s42 systemd[1]: Startup finished in 41.2s (firmware) + 6.1s (loader) + 4.8s (kernel) + 38.7s (userspace) = 1min 30.8s." % c.syslog(-1469)]
    c.log("gpu-s42/journal", j)
    for h in ("gpu-s41", "gpu-s42"):
        c.node_metric("node_load1", {"instance": h}, lambda s: 58 * c.rng.uniform(0.95, 1.05), 1)
    dcgm(c, "gpu-s42", util=81, fields=("util", "clock"))
    c.kernel_launch("gpu.kernel_launch@gpu-s42/gpu0", us=31.0)
    c.kernel_launch("gpu.kernel_launch@gpu-s41/gpu0")
    c.health_rates("gpu.health@gpu-s42/gpu0")
    c.health_rates("gpu.health@gpu-s42/gpu5")
    c.gemm("gpu.gemm@gpu-s42/gpu0")
    return c


def z043():
    """GPU util sawtooth and step time up, no comm errors; data loader wait time dominates; probes all clean."""
    hosts = ["dl-%02d" % i for i in (1, 2, 3)]
    c = Case("case-z043", "dataloader_stall", "job", hosts, gpu=H100)
    c.alert("GPUUtilLow", "job-wide GPU util 38% (was 95%)", job="clip-vit-h-laion", node="dl-01")
    tr = plain_steps(c, -1250, 36, 82010, step_s=0.9, step_fn=lambda i: 0.9 * (1 if i < 5 else 2.6) * c.rng.uniform(0.9, 1.1))
    tr += ["%s | WARNING | data | webdataset: shard fetch p99 14.2 s (s3://laion-shards/...), 3 of 16 workers idle" % c.ymd(-600),
           "%s | INFO | data | train dataloader wait 61%% of step time (last 100 steps)" % c.ymd(-300)]
    c.log("dl-01/rank0/stdout", tr)
    for h in hosts:
        dcgm(c, h, util=38, fields=("util",), over={"util": {g: (lambda s, v: 95.0 if s < -1100 else (80.0 if int(s / 30) % 3 == 0 else 12.0)) for g in range(8)}})
    c.nccl("nccl.allreduce@job")
    c.gemm("gpu.gemm@dl-02/gpu4")
    c.pcie("gpu.pcie_bandwidth@dl-02/gpu4")
    return c


def z044():
    """Online tokenization pins every CPU core on all nodes; GPUs idle between steps; nothing in the GPU logs."""
    hosts = ["tok-%02d" % i for i in (1, 2)]
    c = Case("case-z044", "dataloader_stall", "job", hosts, gpu=H200)
    c.alert("ThroughputDrop", "tokens/s down 48% since data mix v7", job="code-mix-v7", node="tok-01")
    tr = deepspeed_steps(c, -1250, 30, 400, step_s=1.1, step_fn=lambda i: 1.1 * 1.9 * c.rng.uniform(0.95, 1.05))
    tr += ["[%s] [INFO] [data.py:77] data mix v7: 40%% raw github (tokenize on the fly, num_workers=2)" % c.ymd_ms(-1240)]
    c.log("tok-01/rank0/stdout", tr)
    for h in hosts:
        c.node_metric("node_cpu_utilisation:avg", {"instance": h}, lambda s: 0.99, 3)
        c.node_metric("node_load1", {"instance": h}, lambda s: 210 * c.rng.uniform(0.95, 1.05), 1)
    dcgm(c, "tok-01", util=50, fields=("util",))
    c.nccl("nccl.allreduce@job")
    return c


def z045():
    """Checkpoint save fails with ENOSPC on the shared checkpoint volume; every rank's save raises."""
    hosts = ["ckpt-%02d" % i for i in (1, 2, 3, 4)]
    c = Case("case-z045", "storage_failure", "job", hosts, gpu=H100)
    c.alert("TrainingJobFailed", "job llama2-13b-cpt failed at checkpoint iteration 24000", job="llama2-13b-cpt", node="ckpt-01")
    tr = megatron_iters(c, -165, 24, 23976, step_s=5.0)
    tr += [" [%s] saving checkpoint at iteration   24000 to /mnt/ckpt/llama2-13b-cpt in torch_dist format" % c.ymd(-40),
           "Traceback (most recent call last):",
           '  File "/opt/megatron/megatron/core/dist_checkpointing/strategies/filesystem_async.py", line 244, in write_preloaded_data',
           "    f.write(buf)",
           "OSError: [Errno 28] No space left on device: '/mnt/ckpt/llama2-13b-cpt/iter_0024000/__3_0.distcp'",
           "[rank3]: RuntimeError: Checkpoint save failed on 32 ranks (first: OSError 28)"]
    c.log("ckpt-01/rank0/stderr", tr)
    c.log("ckpt-01/df", ["$ df -h /mnt/ckpt", "Filesystem                     Size  Used Avail Use% Mounted on",
                         "10.9.0.5:/export/ckpt          200T  200T     0 100% /mnt/ckpt"] + kernel_noise(c, "ckpt-01", 18, -1500, 0))
    c.node_metric("node_filesystem_avail_bytes", {"instance": "ckpt-01", "mountpoint": "/mnt/ckpt", "fstype": "nfs4"},
                  lambda s: max(0.0, 3.1e12 - (s + 1260) * 2.6e9), 0)
    return c


def z046():
    """Rank 0 stuck in a Lustre write while saving; the other ranks hit the NCCL watchdog (looks like a hang)."""
    hosts = ["lus-g%02d" % i for i in range(1, 5)]
    c = Case("case-z046", "storage_failure", "job", hosts, gpu=H200)
    c.alert("NCCLWatchdogTimeout", "31 ranks hit the NCCL watchdog after checkpoint start", job="falcon-40b-cpt", node="lus-g01")
    tr = megatron_iters(c, -1250, 10, 14990, step_s=6.0)
    tr += [" [%s] saving checkpoint at iteration   15000 to /lustre/proj/falcon/ckpt" % c.ymd(-1190)]
    c.log("lus-g01/rank0/stdout", tr)
    w = []
    for r in (1, 9, 17, 31):
        w += watchdog(c, r, -30 + r * 0.01, 77120, op="BROADCAST", numel=1, timeout_ms=1140000)[:1]
    c.log("lus-g01/ranks.err", app_noise(c, 6) + w)
    j = ["%s lus-g01 kernel: LustreError: 11-0: projfs-OST0021-osc-ffff9a0f3e8b8000: operation ost_write to node 10.50.0.33@o2ib failed: rc = -107" % c.syslog(-1180),
         "%s lus-g01 kernel: Lustre: projfs-OST0021-osc-ffff9a0f3e8b8000: Connection to projfs-OST0021 (at 10.50.0.33@o2ib) was lost; in progress operations using this service will wait for recovery to complete" % c.syslog(-1180),
         "%s lus-g01 kernel: INFO: task pt_main_thread:88120 blocked for more than 120 seconds." % c.syslog(-1050),
         "%s lus-g01 kernel: \"echo 0 > /proc/sys/kernel/hung_task_timeout_secs\" disables this message." % c.syslog(-1050),
         "%s lus-g01 kernel: LustreError: 167-0: projfs-OST0021-osc-ffff9a0f3e8b8000: This client was evicted by projfs-OST0021; in progress operations using this service will fail." % c.syslog(-600)]
    c.log("lus-g01/journal", kernel_noise(c, "lus-g01", 10, -1500, 0) + j)
    c.nccl("nccl.allreduce@job")
    return c


def z047():
    """torchrun launched with --nnodes=4 but only 3 nodes allocated: rendezvous times out on every node."""
    hosts = ["tr-%02d" % i for i in (1, 2, 3)]
    c = Case("case-z047", "launch_config_error", "job", hosts, gpu=H100)
    c.alert("SlurmJobFailed", "job 661204 FAILED after 15 min without training", job="rlhf-reward-13b", node="tr-01")
    lines = ["+ srun --nodes=3 --ntasks-per-node=1 torchrun --nnodes=4 --nproc_per_node=8 --rdzv_backend=c10d --rdzv_endpoint=tr-01:29400 train_rm.py",
             "I%s torch/distributed/elastic/agent/server/api.py:870] [default] starting workers for entrypoint: python3" % c.glog(-1200)[1:],
             "I%s torch/distributed/elastic/rendezvous/dynamic_rendezvous.py:1100] The node 'tr-02_88120_0' attempts to join the next round of the rendezvous 'rm13'." % c.glog(-1199)[1:]]
    lines += app_noise(c, 8)
    lines += ["I%s torch/distributed/elastic/rendezvous/dynamic_rendezvous.py:1100] The node '%s_%d_0' attempts to join the next round of the rendezvous 'rm13'." % (c.glog(-1198 + i)[1:], h, c.rng.randrange(10000, 99999)) for i, h in enumerate(("tr-01", "tr-03"))]
    lines += ["W%s torch/distributed/elastic/rendezvous/dynamic_rendezvous.py:1288] rendezvous 'rm13': waiting for %d more node(s) (3/4 joined, min_nodes=4, max_nodes=4)" % (c.glog(t)[1:], 1) for t in range(-1140, -60, 180)]
    for h in hosts:
        lines.append("[%s] torch.distributed.elastic.rendezvous.api.RendezvousTimeoutError: The node '%s_%d_0' rendezvous 'rm13' timed out: 3 of min 4 nodes joined" % (h, h, c.rng.randrange(10000, 99999)))
    c.log("slurm-661204.out", lines)
    return c


def z048():
    """New container built for CUDA 12.8 on nodes still running driver 535: every rank fails at CUDA init."""
    hosts = ["k8-a100-%02d" % i for i in (4, 5)]
    c = Case("case-z048", "launch_config_error", "job", hosts, gpu=A100)
    c.alert("KubePodCrashLooping", "pytorchjob sdxl-ft workers crash looping after image update", namespace="gen",
            job="sdxl-ft", node="k8-a100-04")
    ev = ["%s Normal Pulled pod/sdxl-ft-worker-0 Successfully pulled image \"registry.local/gen/trainer:cu128-2025.11\"" % c.iso(-400),
          "%s Warning BackOff pod/sdxl-ft-worker-0 Back-off restarting failed container trainer" % c.iso(-120),
          "%s Warning BackOff pod/sdxl-ft-worker-1 Back-off restarting failed container trainer" % c.iso(-118)]
    c.log("k8s/events", ev)
    lg = app_noise(c, 6) + [
        "/usr/local/lib/python3.12/dist-packages/torch/cuda/__init__.py:129: UserWarning: CUDA initialization: The NVIDIA driver on your system is too old (found version 12020). Please update your GPU driver by downloading and installing a new version from the URL: http://www.nvidia.com/Download/index.aspx Alternatively, go to: https://pytorch.org to install a PyTorch version that has been compiled with your version of the CUDA driver. (Triggered internally at /opt/pytorch/c10/cuda/CUDAFunctions.cpp:108.)",
        "Traceback (most recent call last):",
        '  File "/app/train.py", line 41, in <module>',
        "    torch.cuda.set_device(local_rank)",
        "RuntimeError: No CUDA GPUs are available",
        "$ nvidia-smi --query-gpu=driver_version --format=csv,noheader",
        "535.183.01"]
    c.log("gen/sdxl-ft-worker-0/trainer", app_noise(c, 4) + lg)
    c.inventory("gpu.inventory@k8-a100-04/gpu0", details={"driver": "535.183.01", "cuda": "12.2"})
    return c


def z049():
    """Job-wide slowdown, no error lines: one node's IB port came up at a quarter of its rate after maintenance;
    job busbw low, intra-node busbw fine, per-HCA send/recv names the port."""
    hosts = ["ndr-%02d" % i for i in range(11, 17)]
    c = Case("case-z049", "ib_link_failure", "ndr-14/mlx5_3", hosts, gpu=H100)
    c.alert("StepTimeRegression", "step time 1.6x baseline since maintenance window", job="gpt-30b-dense", node="ndr-11")
    tr = megatron_iters(c, -1250, 30, 5510, step_s=5.5, step_fn=lambda i: 5.5 * 1.6 * c.rng.uniform(0.99, 1.01))
    c.log("ndr-11/rank0/stdout", tr)
    c.log("ndr-14/journal", kernel_noise(c, "ndr-14", 12, -1500, 0) +
          ["%s ndr-14 kernel: mlx5_core 0000:4b:00.0: mlx5_pcie_event:299:(pid 1281): Detected insufficient power on the PCIe slot (27W)." % c.syslog(-1490)]
)
    for h in ("ndr-13", "ndr-14"):
        for dev in ("mlx5_0", "mlx5_3"):
            bad = h == "ndr-14" and dev == "mlx5_3"
            c.node_metric("node_infiniband_port_data_transmitted_bytes_total:rate1m", {"instance": h, "device": dev, "port": "1"},
                          (lambda s: 1.19e10 * c.rng.uniform(0.98, 1.0)) if bad else (lambda s: 1.3e10 * c.rng.uniform(0.9, 1.1)), 0)
    c.nccl("nccl.allreduce@job", busbw=71.0)
    c.nccl("nccl.allreduce@ndr-14")
    c.nccl("nccl.sendrecv@ndr-14", busbw=11.8,
           details={"per_hca_busbw_gb_s": {"mlx5_0": 47.9, "mlx5_3": 11.8, "mlx5_4": 48.3, "mlx5_5": 48.0}})
    return c


def z050():
    """OOM on one rank because a zombie process from the previous job still holds 30 GiB on that GPU."""
    hosts = ["gpu-z%02d" % i for i in (7, 8)]
    c = Case("case-z050", "cuda_oom", "gpu-z08/gpu3", hosts, gpu=H100)
    c.alert("NCCLWatchdogTimeout", "watchdog timeout on 15 ranks (job phi-ft)", job="phi-ft", node="gpu-z07")
    c.log("gpu-z07/rank0/stderr", plain_steps(c, -660, 6, 0, step_s=2.0) + watchdog(c, 0, -30, 12, timeout_ms=600000)[:2])
    r = ["[rank11]: torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 2.50 GiB. GPU 3 has a total capacity of 79.19 GiB of which 1.91 GiB is free. Process 2210911 has 30.12 GiB memory in use. Process 2291201 has 47.14 GiB memory in use. Of the allocated memory 44.8 GiB is allocated by PyTorch, and 1.2 GiB is reserved by PyTorch but unallocated."]
    c.log("gpu-z08/rank11/stderr", app_noise(c, 8) + r)
    c.log("gpu-z08/nvidia-smi", ["|    3   N/A  N/A   2210911      C   python3 (job 55120, ended)                30842MiB |",
                                 "|    3   N/A  N/A   2291201      C   python3                                   48271MiB |"] + kernel_noise(c, "gpu-z08", 16, -1500, 0))
    c.gpu_metric("DCGM_FI_DEV_FB_USED", "gpu-z08", 47000, jitter=500, decimals=0, over={3: lambda s, v: v + 30842})
    return c


def z051():
    """A100 lost mid-run: NCCL 'unhandled cuda error' everywhere, one GPU's DCGM series stop; the shipped journal
    has no NVRM lines (kernel ring buffer not forwarded); gpu.inventory decides."""
    hosts = ["a100-x%02d" % i for i in (1, 2, 3)]
    c = Case("case-z051", "gpu_fallen_off_bus", "a100-x03/gpu0", hosts, gpu=A100)
    c.alert("TrainingJobFailed", "job opt-30b-ft failed: NCCL unhandled cuda error on many ranks", job="opt-30b-ft", node="a100-x01")
    e = []
    for r in (2, 10, 16, 23):
        e += ["[rank%d]: torch.distributed.DistBackendError: NCCL error in: ../torch/csrc/distributed/c10d/ProcessGroupNCCL.cpp:1970, unhandled cuda error (run with NCCL_DEBUG=INFO for details), NCCL version 2.19.3" % r,
              "[rank%d]: Last error:" % r]
    e[5:5] = ["[rank16]: Cuda failure 'unspecified launch failure'"]
    c.log("a100-x01/launcher", deepspeed_steps(c, -370, 16, 300, step_s=4.0) + e)
    c.log("a100-x03/journal", kernel_noise(c, "a100-x03", 16, -1500, 0))
    dcgm(c, "a100-x03", util=97, stop={0: -300}, fields=("util", "temp"))
    c.inventory("gpu.inventory@a100-x03/gpu0", count=7)
    return c


def z052():
    """Rank killed by a failed assertion in a C++ extension (SIGABRT); peers show IB completion errors."""
    hosts = ["nemo-h%02d" % i for i in (1, 2, 3, 4)]
    c = Case("case-z052", "rank_process_crash", "nemo-h02/gpu4", hosts, gpu=H200)
    c.alert("TrainingJobFailed", "NeMo job asr-canary-2b failed: NCCL network error on 24 ranks", job="asr-canary-2b", node="nemo-h01")
    p = ["nemo-h01:5512:6011 [1] transport/net_ib.cc:1696 NCCL WARN NET/IB : Got completion from peer 10.7.0.2<49120> with status=12 opcode=0 len=0 vendor err 129 (Send) localGid ::ffff:10.7.0.1 remoteGid ::ffff:10.7.0.2 hca mlx5_1",
         "nemo-h03:1902:2209 [5] transport/net_ib.cc:1696 NCCL WARN NET/IB : Got completion from peer 10.7.0.2<49133> with status=5 opcode=0 len=0 vendor err 249 (Recv)",
         "[NeMo E %s exp_manager:911] rank 12 exited with signal 6 (SIGABRT)" % c.ymd(-15)]
    c.log("nemo-h01/launcher", app_noise(c, 8) + p + elastic_failure(c, -14, "nemo-h02", 12, 4, -6, sig="SIGABRT"))
    r = ["python3: /src/warp-transducer/src/rnnt_entrypoint.cpp:188: rnntStatus_t compute_rnnt_loss(...): Assertion `maxT <= workspace_T' failed.",
         "Fatal Python error: Aborted"]
    c.log("nemo-h02/rank12/stderr", app_noise(c, 8) + r)
    c.log("nemo-h02/journal", kernel_noise(c, "nemo-h02", 14, -1500, 0))
    for h in ("nemo-h01", "nemo-h02"):
        c.node_metric("node_infiniband_link_downed_total", {"instance": h, "device": "mlx5_1", "port": "1"}, lambda s: 0, 0)
    return c


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default=os.path.dirname(os.path.abspath(__file__)))
    args = ap.parse_args()
    fns = [f for n, f in sorted(globals().items()) if len(n) == 4 and n[0] == "z" and n[1:].isdigit()]
    n = casekit.write_cases([f() for f in fns], args.out)
    print("wrote %d cases to %s" % (n, args.out))


if __name__ == "__main__":
    main()
