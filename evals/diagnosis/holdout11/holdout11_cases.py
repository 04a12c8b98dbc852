#!/usr/bin/env python3
"""Writes the holdout11 diagnosis cases (case-s001 ... ) into this folder (stdlib only, deterministic).

Written after freeze 11 (reasoner frozen at bbe9ebf) by an engineer who had not read the reasoner,
the knowledge pack or any other case set. Each case is one hand-written function below; casekit
supplies only timestamps, noise lines, metric series and probe bookkeeping.

Usage: holdout11_cases.py [--out DIR]   (default: the folder of this script)
"""

import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import casekit as ck  # noqa: E402
from casekit import Case  # noqa: E402

H100 = "NVIDIA H100 80GB HBM3"
H200 = "NVIDIA H200"
A100 = "NVIDIA A100-SXM4-80GB"

CASES = []


def case(fn):
    CASES.append(fn)
    return fn


# ------------------------------------------------------------------------------------ helpers
def dcgm(c, host, temp=None, clock=None, power=None, util=None, lost=None, util_base=95.0,
         extra=()):
    """Standard DCGM series for every GPU of `host`. temp/clock/power/util map gpu -> fn(s, v);
    `lost` maps gpu -> time after which that GPU's series stop (the exporter lost it)."""
    lost = lost or {}
    tdp, clk = c.spec["tdp"], c.spec["clock"]

    def wrap(over, g):
        fn = (over or {}).get(g)
        t_lost = lost.get(g)
        if fn is None and t_lost is None:
            return None
        return lambda s, v: None if (t_lost is not None and s > t_lost) else (fn(s, v) if fn else v)

    def table(over):
        gs = set((over or {}).keys()) | set(lost.keys())
        return {g: wrap(over, g) for g in gs}

    # A GPU lost before the window has no series at all.
    gs = [g for g in range(c.gpus) if lost.get(g, 0) >= -c.window_s]
    c.gpu_metric("DCGM_FI_DEV_GPU_TEMP", host, 51, jitter=6, over=table(temp), decimals=0, gpus=gs)
    c.gpu_metric("DCGM_FI_DEV_SM_CLOCK", host, clk - 70, jitter=40, over=table(clock), decimals=0, gpus=gs)
    c.gpu_metric("DCGM_FI_DEV_POWER_USAGE", host, 0.78 * tdp, jitter=0.08 * tdp, over=table(power), gpus=gs)
    c.gpu_metric("DCGM_FI_DEV_GPU_UTIL", host, util_base, jitter=3, over=table(util), decimals=0, gpus=gs)
    for name, base, jit, over, dec in extra:
        c.gpu_metric(name, host, base, jitter=jit, over=table(over), decimals=dec, gpus=gs)


def health_node(c, host, over=None, skip=(), rates=True):
    """gpu.health on every GPU of `host`; `over` maps gpu -> metric overrides."""
    for g in range(c.gpus):
        if g in skip:
            continue
        kw = dict((over or {}).get(g, {}))
        key = "gpu.health@%s/gpu%d" % (host, g)
        if rates:
            c.health_rates(key, **kw)
        else:
            c.health(key, **kw)


def gemm_node(c, host, over=None, skip=()):
    for g in range(c.gpus):
        if g not in skip:
            c.gemm("gpu.gemm@%s/gpu%d" % (host, g), tflops=(over or {}).get(g))


def inventory_node(c, host, lost=(), skip=()):
    """gpu.inventory on every GPU of `host` when the GPUs in `lost` are not enumerated: those fail
    with the visible count; the others pass (they are enumerated) and report the same count."""
    visible = c.gpus - len(lost)
    for g in range(c.gpus):
        if g in skip:
            continue
        key = "gpu.inventory@%s/gpu%d" % (host, g)
        if g in lost:
            c.inventory(key, count=visible)
            continue
        c.probes[key] = {"status": "pass",
                         "metrics": {"gpu_count": visible, "gpu_count_expected": c.gpus, "target_enumerated": 1},
                         "thresholds": {"target_enumerated_min": 1},
                         "reason": "gpu%d enumerated by NVML and CUDA (%d of %d GPUs visible on the node)" % (
                             g, visible, c.gpus),
                         "details": {"driver": "550.90.07", "cuda": "12.4", "name": c.gpu},
                         "duration_s": round(c.rng.uniform(0.4, 0.9), 2)}


def after(t_start, fn):
    return lambda s, v: fn(s, v) if s >= t_start else v


def old_watchdog(c, rank, s, seq, op="ALLREDUCE", timeout_ms=1800000):
    """torch 1.13 / 2.0 wording of the ProcessGroupNCCL timeout."""
    return [
        "[E ProcessGroupNCCL.cpp:828] [Rank %d] Watchdog caught collective operation timeout: "
        "WorkNCCL(SeqNum=%d, OpType=%s, Timeout(ms)=%d) ran for %d milliseconds before timing out." % (
            rank, seq, op, timeout_ms, timeout_ms + c.rng.randrange(5, 90)),
        "[E ProcessGroupNCCL.cpp:455] Some NCCL operations have failed or timed out. Due to the "
        "asynchronous nature of CUDA kernels, subsequent GPU operations might run on corrupted/incomplete data.",
        "[E ProcessGroupNCCL.cpp:460] To avoid data inconsistency, we are taking the entire process down.",
    ]


# ------------------------------------------------------------------------------------ cases
@case
def s001():
    # 4x H100 Megatron on Slurm. Every rank logs an NCCL watchdog timeout; one GPU fell off the bus.
    hosts = ["hpc-h100-%02d" % i for i in (11, 12, 13, 14)]
    c = Case("case-s001", "gpu_fallen_off_bus", "hpc-h100-13/gpu3", hosts, gpu=H100)
    c.alert("TrainingJobStalled", "gpt-70b-pretrain: no iteration logged for 30 minutes", job="gpt-70b-pretrain",
            node="hpc-h100-11", cluster="hpc-east")
    c.with_topology()
    lines = ck.megatron_iters(c, -1905, 10, 18400, step_s=6.2)
    lines += ck.app_noise(c, 4)
    for r in (0, 7, 9, 22, 31):
        lines += old_watchdog(c, r, -30 + r * 0.05, 77291)
    lines += ["srun: error: hpc-h100-12: task 9: Exited with exit code 1",
              "srun: error: hpc-h100-11: tasks 0-7: Exited with exit code 1",
              "srun: error: hpc-h100-14: tasks 24-31: Exited with exit code 1"]
    c.log("hpc-h100-11/slurm-884213.out", lines)
    k = ck.kernel_noise(c, "hpc-h100-13", 8, -3000, 0)
    k += ["%s hpc-h100-13 kernel: NVRM: GPU at PCI:%s.0: GPU-%s" % (c.syslog(-1842), c.bus(3), c.uuid("hpc-h100-13", 3)[4:]),
          "%s hpc-h100-13 kernel: NVRM: GPU Board Serial Number: 1652823048731" % c.syslog(-1842),
          "%s hpc-h100-13 kernel: NVRM: Xid (PCI:%s): 79, pid='<unknown>', name=<unknown>, GPU has fallen off the bus." % (
              c.syslog(-1842), c.bus(3)),
          "%s hpc-h100-13 kernel: NVRM: GPU %s.0: GPU has fallen off the bus." % (c.syslog(-1842), c.bus(3)),
          "%s hpc-h100-13 kernel: NVRM: A GPU crash dump has been created. If possible, please run" % c.syslog(-1841),
          "%s hpc-h100-13 kernel: NVRM: nvidia-bug-report.sh as root to collect this data before" % c.syslog(-1841),
          "%s hpc-h100-13 kernel: NVRM: the NVIDIA kernel module is unloaded." % c.syslog(-1841),
          "%s hpc-h100-13 dcgm-exporter[3120]: level=error msg=\"Failed to get GPU %d metrics\" err=\"Unknown Error\"" % (c.syslog(-1800), 3)]
    c.log("hpc-h100-13/journal", k)
    for h in hosts[1:3]:
        dcgm(c, h, lost={3: -1842} if h == "hpc-h100-13" else None)
    inventory_node(c, "hpc-h100-13", lost=(3,))
    health_node(c, "hpc-h100-13", skip=(3,))
    c.errored("gpu.health@hpc-h100-13/gpu3", "nvmlDeviceGetHandleByPciBusId(%s.0) failed: GPU is lost" % c.bus(3), 0.3)
    health_node(c, "hpc-h100-12")
    return c


@case
def s002():
    # A100 FSDP on Kubernetes; pod restarts crash-loop on one node; nvidia-smi cannot find a GPU.
    hosts = ["a100-pool-7f2kq", "a100-pool-9xw3m"]
    c = Case("case-s002", "gpu_fallen_off_bus", "a100-pool-9xw3m/gpu5", hosts, gpu=A100, pci=ck.PCI_BUS_B)
    c.alert("KubePodCrashLooping", "Pod fsdp-llama-13b-worker-1 (ml-train) is restarting 4 times / 10 minutes",
            namespace="ml-train", pod="fsdp-llama-13b-worker-1", node="a100-pool-9xw3m")
    c.with_topology()
    ev = ["%s Normal   Scheduled  pod/fsdp-llama-13b-worker-1  Successfully assigned ml-train/fsdp-llama-13b-worker-1 to a100-pool-9xw3m" % c.iso(-1500),
          "%s Normal   Pulled     pod/fsdp-llama-13b-worker-1  Container image \"nvcr.io/nvidia/pytorch:24.03-py3\" already present on machine" % c.iso(-1490),
          "%s Normal   Started    pod/fsdp-llama-13b-worker-1  Started container trainer" % c.iso(-1488),
          "%s Warning  BackOff    pod/fsdp-llama-13b-worker-1  Back-off restarting failed container trainer in pod fsdp-llama-13b-worker-1" % c.iso(-600),
          "%s Warning  UnexpectedAdmissionError  pod/fsdp-llama-13b-worker-1  Allocate failed due to device plugin GetPreferredAllocation rpc failed with err: rpc error: code = Unknown desc = nvml: Unknown Error, which is unexpected" % c.iso(-420),
          "%s Warning  BackOff    pod/fsdp-llama-13b-worker-1  Back-off restarting failed container trainer in pod fsdp-llama-13b-worker-1" % c.iso(-60)]
    c.log("scheduler/events", ev)
    tr = ck.fsdp_steps(c, -1480, 6, 3020, rank=8, step_s=2.9, mem_gib=58.2)
    tr += ["RuntimeError: CUDA error: unspecified launch failure",
           "CUDA kernel errors might be asynchronously reported at some other API call, so the stacktrace below might be incorrect.",
           "For debugging consider passing CUDA_LAUNCH_BLOCKING=1",
           "Compile with `TORCH_USE_CUDA_DSA` to enable device-side assertions.",
           "[rank13]:[E ProcessGroupNCCL.cpp:1316] [PG 0 Rank 13] Process group watchdog thread terminated with exception: CUDA error: unspecified launch failure",
           "--- restart 1 ---",
           "RuntimeError: CUDA error: no CUDA-capable device is detected",
           "--- restart 2 ---",
           "torch._C._cuda_init() RuntimeError: Unexpected error from cudaGetDeviceCount(). Did you run some cuda functions before calling NumCudaDevices() that might have already set the error? Error 999: unknown error"]
    c.log("a100-pool-9xw3m/pod/fsdp-llama-13b-worker-1/trainer", tr)
    dm = ck.kernel_noise(c, "a100-pool-9xw3m", 6, -2000, 0, fmt="dmesg")
    dm += ["%s NVRM: Xid (PCI:%s): 79, pid=482113, name=python, GPU has fallen off the bus." % (c.dmesg(-1301), c.bus(5)),
           "%s NVRM: GPU %s.0: GPU has fallen off the bus." % (c.dmesg(-1301), c.bus(5)),
           "%s pcieport 0000:b0:01.0: pciehp: Slot(0-5): Link Down" % c.dmesg(-1301),
           "%s NVRM: GPU %s.0: RmInitAdapter failed! (0x26:0x56:1474)" % (c.dmesg(-640), c.bus(5)),
           "%s NVRM: GPU %s.0: rm_init_adapter failed, device minor number 5" % (c.dmesg(-640), c.bus(5))]
    c.log("a100-pool-9xw3m/dmesg", dm)
    dcgm(c, "a100-pool-9xw3m", lost={5: -1301})
    health_node(c, "a100-pool-9xw3m", skip=(5,))
    inventory_node(c, "a100-pool-9xw3m", lost=(5,))
    c.errored("gpu.gemm@a100-pool-9xw3m/gpu5", "cudaSetDevice(5): invalid device ordinal (7 devices visible)", 0.4)
    health_node(c, "a100-pool-7f2kq")
    return c


@case
def s003():
    # H200 DeepSpeed; Xid 94 contained ECC; the faulting rank dies, 31 peers log NCCL errors.
    hosts = ["gpu-r4-n%d" % i for i in (1, 2, 3, 4)]
    c = Case("case-s003", "gpu_memory_uncorrectable_ecc", "gpu-r4-n2/gpu6", hosts, gpu=H200)
    c.alert("JobFailed", "Slurm job 551902 (ds-moe-32b) FAILED exit code 1", job="ds-moe-32b", node="gpu-r4-n1")
    c.with_topology()
    r = c.rank_of("gpu-r4-n2", 6)
    lines = ck.deepspeed_steps(c, -900, 8, 9120, step_s=3.1)
    lines += ["[rank%d]: Traceback (most recent call last):" % r,
              "[rank%d]:   File \"/workspace/train.py\", line 311, in train_step" % r,
              "[rank%d]:     loss = engine(batch)" % r,
              "[rank%d]: RuntimeError: CUDA error: uncorrectable ECC error encountered" % r,
              "[rank%d]: CUDA kernel errors might be asynchronously reported at some other API call, so the stacktrace below might be incorrect." % r]
    for p in (3, 12, 17, 28):
        lines.append("[rank%d]:[E ProcessGroupNCCL.cpp:1121] [PG 0 Rank %d] NCCL watchdog thread terminated with exception: NCCL error: remote process exited or there was a network error, NCCL version 2.20.5" % (p, p))
    lines += ck.app_noise(c, 3)
    c.log("gpu-r4-n1/slurm-551902.out", lines)
    j = ck.kernel_noise(c, "gpu-r4-n2", 7, -2000, 0)
    j += ["%s gpu-r4-n2 kernel: NVRM: Xid (PCI:%s): 94, pid=771204, name=python3, Contained: SM (0x1). RST: No, D-RST: No" % (c.syslog(-62), c.bus(6)),
          "%s gpu-r4-n2 kernel: NVRM: Xid (PCI:%s): 63, pid='<unknown>', name=<unknown>, Row Remapper: New row (0x00000000b6d1c400) marked for remapping, reset gpu to activate." % (c.syslog(-61), c.bus(6))]
    c.log("gpu-r4-n2/journal", j)
    dcgm(c, "gpu-r4-n2", util={6: after(-62, lambda s, v: 0)},
         extra=[("DCGM_FI_DEV_ECC_DBE_VOL_TOTAL", 0, 0, {6: after(-62, lambda s, v: 1)}, 0)])
    health_node(c, "gpu-r4-n2", over={6: dict(ecc_dbe_volatile=1, ecc_dbe_aggregate=1, remap_pending=1,
                                              remapped_rows_uncorrectable=1, xid_last=94)})
    return c


@case
def s004():
    # A100 Megatron; app sees an "illegal memory access"-looking crash; Xid 48 DBE in the journal.
    hosts = ["dgx-a-%03d" % i for i in (40, 41)]
    c = Case("case-s004", "gpu_memory_uncorrectable_ecc", "dgx-a-041/gpu1", hosts, gpu=A100)
    c.alert("GPUXidError", "Xid 48 on dgx-a-041", node="dgx-a-041", xid="48", job="t5-xxl-ft")
    c.with_topology()
    lines = ck.megatron_iters(c, -700, 6, 2400, step_s=8.8)
    lines += ["[%s] [rank 9] RuntimeError: CUDA error: an uncorrectable ECC error was encountered" % c.ymd(-40),
              "terminate called after throwing an instance of 'c10::Error'",
              "  what():  CUDA error: uncorrectable ECC error encountered",
              "Exception raised from c10_cuda_check_implementation at ../c10/cuda/CUDAException.cpp:44 (most recent call first):"]
    lines += ck.app_noise(c, 4)
    c.log("dgx-a-040/train.log", lines)
    k = ck.kernel_noise(c, "dgx-a-041", 6, -2000, 0)
    k += ["%s dgx-a-041 kernel: NVRM: Xid (PCI:%s): 48, pid=95512, name=python, An uncorrectable double bit error (DBE) has been detected on GPU in the framebuffer at partition 3, subpartition 0." % (c.syslog(-41), c.bus(1)),
          "%s dgx-a-041 kernel: NVRM: Xid (PCI:%s): 63, pid='<unknown>', name=<unknown>, Row Remapper: New row marked for remapping, reset gpu to activate." % (c.syslog(-40), c.bus(1))]
    c.log("dgx-a-041/journal", k)
    dcgm(c, "dgx-a-041", extra=[("DCGM_FI_DEV_ECC_DBE_VOL_TOTAL", 0, 0, {1: after(-41, lambda s, v: 2)}, 0)])
    health_node(c, "dgx-a-041", over={1: dict(ecc_dbe_volatile=2, ecc_dbe_aggregate=2, remap_pending=1, xid_last=48)})
    return c


@case
def s005():
    # H100 node drained by the health check: row remapping failure (Xid 64) after repeated DBEs.
    hosts = ["sc-h100-a%02d" % i for i in range(1, 5)]
    c = Case("case-s005", "gpu_row_remap_failure", "sc-h100-a03/gpu0", hosts, gpu=H100)
    c.alert("NodeDrained", "sc-h100-a03 drained by NHC: GPU 0 row remap failure", node="sc-h100-a03",
            job="torchtitan-llama3-8b")
    c.with_topology()
    j = ck.kernel_noise(c, "sc-h100-a03", 8, -3000, 0)
    j += ["%s sc-h100-a03 kernel: NVRM: Xid (PCI:%s): 64, pid='<unknown>', name=<unknown>, Row Remapper Error: Failed to remap row (0x0000000043c81200) - All reserved rows for bank are remapped" % (c.syslog(-320), c.bus(0)),
          "%s sc-h100-a03 nhc[882133]: ERROR:  nhc:  Health check failed:  check_nv_healthmon:  GPU 0 (%s.0) Remapped Rows: Remapping Failure Occurred = Yes" % (c.syslog(-60), c.bus(0)),
          "%s sc-h100-a03 slurmd[2871]: error: Node configuration differs from hardware: NHC marked node DRAIN" % c.syslog(-58)]
    c.log("sc-h100-a03/journal", j)
    smi = ["==============NVSMI LOG==============",
           "Driver Version                            : 535.161.08",
           "GPU 00000000:%s:00.0" % c.pci[0],
           "    Remapped Rows",
           "        Correctable Error                 : 0",
           "        Uncorrectable Error               : 7",
           "        Pending                           : No",
           "        Remapping Failure Occurred        : Yes",
           "        Bank Remap Availability Histogram",
           "            Max                           : 638 bank(s)",
           "            High                          : 1 bank(s)",
           "            Partial                       : 0 bank(s)",
           "            Low                           : 0 bank(s)",
           "            None                          : 1 bank(s)"]
    c.log("sc-h100-a03/nvidia-smi-q", smi)
    tr = ck.fsdp_steps(c, -1200, 8, 61020, step_s=1.6)
    tr += ["[rank16]:E%s 3881 torch/distributed/elastic/agent/server/api.py:689] node sc-h100-a03 left the rendezvous; restarting worker group" % c.glog(-55)[1:]]
    c.log("sc-h100-a01/torchtitan.log", tr)
    dcgm(c, "sc-h100-a03", extra=[("DCGM_FI_DEV_ROW_REMAP_FAILURE", 0, 0, {0: after(-320, lambda s, v: 1)}, 0)])
    health_node(c, "sc-h100-a03", over={0: dict(remap_failure=1, remapped_rows_uncorrectable=7, xid_last=64)})
    return c


@case
def s006():
    # H200 job restarts fail on one node; the only trace is a pending row remap (probe decides).
    hosts = ["h200-c%02d" % i for i in (5, 6, 7, 8)]
    c = Case("case-s006", "gpu_row_remap_failure", "h200-c07/gpu4", hosts, gpu=H200)
    c.alert("JobRestartLoop", "mgt-405b restarted 3 times in 40 min", job="mgt-405b", node="h200-c05")
    c.with_topology()
    r = c.rank_of("h200-c07", 4)
    lines = ck.megatron_iters(c, -2600, 5, 13011, step_s=11.3)
    lines += ["[%s] [Rank %d] CUDA error: uncorrectable ECC error encountered (c10/cuda/CUDACachingAllocator.cpp:1157)" % (c.ymd(-2500), r),
              "WARNING:torch.distributed.elastic.agent.server.api:[default] Worker group FAILED. 3/3 attempts left; will restart worker group",
              "[%s] loading checkpoint from /ckpt/mgt-405b/iter_0013000" % c.ymd(-2300)]
    lines += ck.megatron_iters(c, -2100, 3, 13001, step_s=11.2)
    lines += ["[%s] [Rank %d] CUDA error: uncorrectable ECC error encountered" % (c.ymd(-1500), r),
              "WARNING:torch.distributed.elastic.agent.server.api:[default] Worker group FAILED. 2/3 attempts left; will restart worker group",
              "[%s] loading checkpoint from /ckpt/mgt-405b/iter_0013000" % c.ymd(-1300)]
    lines += ck.megatron_iters(c, -1100, 2, 13001, step_s=11.4)
    lines += ["[%s] [Rank %d] CUDA error: uncorrectable ECC error encountered" % (c.ymd(-60), r)]
    lines += ck.app_noise(c, 3)
    c.log("h200-c05/mgt-405b.log", lines)
    c.log("h200-c07/journal", ck.kernel_noise(c, "h200-c07", 9, -3000, 0))
    dcgm(c, "h200-c07")
    health_node(c, "h200-c07", over={4: dict(remap_pending=1, remapped_rows_uncorrectable=1, ecc_dbe_aggregate=3)})
    health_node(c, "h200-c06")
    c.hbm("gpu.hbm_bandwidth@h200-c07/gpu4")
    return c


@case
def s007():
    # H100 GSP RPC timeout (Xid 119): the whole job hangs, every rank hits the watchdog.
    hosts = ["node%03d" % i for i in (201, 202, 203)]
    c = Case("case-s007", "gpu_firmware_error", "node202/gpu1", hosts, gpu=H100)
    c.alert("NCCLWatchdogTimeout", "llm-sft-34b: watchdog timeouts on 24 ranks", job="llm-sft-34b", node="node201")
    c.with_topology()
    lines = ck.fsdp_steps(c, -2200, 6, 880, step_s=2.2)
    for r in (0, 5, 9, 14, 20):
        lines += ck.watchdog(c, r, -10 + r * 0.1, 38812, op="_ALLGATHER_BASE", numel=119537664)[:2]
    lines += ["[rank9]: py-spy dump: Thread 0x7F51 (active): \"MainThread\" cudaStreamSynchronize (libcudart.so.12)"]
    c.log("node201/torchrun.log", lines)
    j = ck.kernel_noise(c, "node202", 7, -3000, 0)
    j += ["%s node202 kernel: NVRM: Xid (PCI:%s): 119, pid=30912, name=python, Timeout after 6s of waiting for RPC response from GPU1 GSP! Expected function 76 (GSP_RM_CONTROL) (0x20800a4c 0x4)." % (c.syslog(-640), c.bus(1)),
          "%s node202 kernel: NVRM: GPU%d GSP RPC buffer contains function 76 (GSP_RM_CONTROL) and data 0x0000000020800a4c 0x0000000000000004." % (c.syslog(-640), 1),
          "%s node202 kernel: NVRM: GPU1 RPC history (CPU -> GSP):" % c.syslog(-640),
          "%s node202 kernel: NVRM: Xid (PCI:%s): 119, pid=30912, name=python, Timeout after 6s of waiting for RPC response from GPU1 GSP! Expected function 10 (FREE) (0xa55a0040 0x0)." % (c.syslog(-628), c.bus(1)),
          "%s node202 kernel: NVRM: Rate limiting GSP RPC error prints for GPU at PCI:%s (printing 1 of every 30).  The GPU likely needs to be reset." % (c.syslog(-600), c.bus(1))]
    c.log("node202/journal", j)
    dcgm(c, "node202", util={1: after(-640, lambda s, v: 100)}, power={1: after(-640, lambda s, v: 112)},
         lost={1: -610})
    health_node(c, "node202", skip=(1,))
    c.errored("gpu.health@node202/gpu1", "probe timed out after 30 s: nvmlDeviceGetClockInfo did not return", 30.0)
    c.errored("gpu.gemm@node202/gpu1", "probe timed out after 60 s (cuCtxCreate hung)", 60.0)
    c.inventory("gpu.inventory@node202/gpu1", details={"driver": "535.129.03"})
    return c


@case
def s008():
    # A100 with Xid 62 micro-controller halt; probes on the node cannot run at all.
    hosts = ["gpu-b%02d" % i for i in range(1, 5)]
    c = Case("case-s008", "gpu_firmware_error", "gpu-b02/gpu6", hosts, gpu=A100)
    c.alert("GPUXidCritical", "Xid 62 reported by dcgm on gpu-b02", node="gpu-b02", gpu="6", xid="62")
    c.with_topology()
    dm = ck.kernel_noise(c, "gpu-b02", 6, -1500, 0, fmt="dmesg")
    dm += ["%s NVRM: Xid (PCI:%s): 62, pid=220931, name=python3, 0000(0000) 00000000 00000000" % (c.dmesg(-200), c.bus(6)),
           "%s NVRM: Xid (PCI:%s): 62, pid=220931, name=python3, Internal micro-controller halt (PMU halt)" % (c.dmesg(-199.5), c.bus(6)),
           "%s NVRM: Xid (PCI:%s): 45, pid=220931, name=python3, Ch 00000010" % (c.dmesg(-190), c.bus(6))]
    c.log("gpu-b02/dmesg", dm)
    r = c.rank_of("gpu-b02", 6)
    ds = ck.deepspeed_steps(c, -900, 7, 30120, rank=0, step_s=5.5)
    ds += ["[%s] [ERROR] [launch.py:321:sigkill_handler] ['/usr/bin/python', '-u', 'pretrain.py', '--local_rank=6'] exits with return code = -6" % c.ymd_ms(-150),
           "gpu-b02: [rank%d]: RuntimeError: CUDA error: unspecified launch failure" % r,
           "gpu-b02: pdsh@gpu-b01: gpu-b02: ssh exited with exit code 250"]
    c.log("gpu-b01/deepspeed.log", ds)
    dcgm(c, "gpu-b02", clock={6: after(-200, lambda s, v: 210)}, power={6: after(-200, lambda s, v: 61)},
         util={6: after(-200, lambda s, v: 0)})
    for g in range(8):
        c.errored("gpu.health@gpu-b02/gpu%d" % g, "vigil-probe on gpu-b02 did not answer within 45 s (nvidia-smi hung in D state)", 45.0)
    health_node(c, "gpu-b01")
    return c


@case
def s009():
    # H200 NVLink fatal error (Xid 74) on one GPU; peers on the node hang in all-reduce.
    hosts = ["hgx-07-%d" % i for i in (1, 2)]
    c = Case("case-s009", "nvlink_error", "hgx-07-2/gpu5", hosts, gpu=H200)
    c.alert("NCCLHang", "moe-8x22b: allreduce stuck >20 min", job="moe-8x22b", node="hgx-07-1")
    c.with_topology()
    lines = ck.megatron_iters(c, -1800, 6, 402, step_s=9.1)
    for r in (0, 3, 8, 13, 15):
        lines += ck.watchdog(c, r, -5 + r * 0.2, 12011, numel=524288000)[:1]
    c.log("hgx-07-1/train.log", lines)
    j = ck.kernel_noise(c, "hgx-07-2", 5, -3000, 0)
    j += ["%s hgx-07-2 kernel: NVRM: Xid (PCI:%s): 74, pid=1930, name=python, NVLink: fatal error detected on link 11(0x0, 0x0, 0x10000, 0x0, 0x0, 0x0, 0x0)" % (c.syslog(-1220), c.bus(5)),
          "%s hgx-07-2 kernel: NVRM: Xid (PCI:%s): 74, pid=1930, name=python, NVLink: fatal error detected on link 12(0x0, 0x0, 0x10000, 0x0, 0x0, 0x0, 0x0)" % (c.syslog(-1220), c.bus(5)),
          "%s hgx-07-2 nv-fabricmanager[4102]: detected NVSwitch non-fatal error 12028 on fid 0 on NVSwitch pci bus id 00000000:07:00.0 physical link 36" % c.syslog(-1219)]
    c.log("hgx-07-2/journal", j)
    c.log("hgx-07-2/fabricmanager.log", ["[%s] [INFO] [tid 4102] fabric manager heartbeat ok" % c.ymd(-2400 + 300 * i)
                                         for i in range(4)])
    dcgm(c, "hgx-07-2", extra=[("DCGM_FI_DEV_NVLINK_CRC_FLIT_ERROR_COUNT_TOTAL", 10, 4,
                                 {5: after(-1220, lambda s, v: v + 58000 + (s + 1220) * 40)}, 0)])
    health_node(c, "hgx-07-2", over={5: dict(nvlink_links_up=16, xid_last=74, nvlink_replay_errors_per_s=310.0,
                                             nvlink_replay_errors=94211)})
    c.nccl("nccl.p2p_matrix@hgx-07-2", busbw=21.4,
           details={"slowest_pair": "gpu5<->gpu2", "note": "all pairs with gpu5 below 40 GB/s"})
    c.nccl("nccl.p2p_matrix@hgx-07-1")
    return c


@case
def s010():
    # H100 slowdown: NVLink CRC errors rising on one GPU; looks like a straggler. Probe decides.
    hosts = ["cw-h100-%d" % i for i in (31, 32, 33, 34)]
    c = Case("case-s010", "nvlink_error", "cw-h100-33/gpu2", hosts, gpu=H100)
    c.alert("TrainingThroughputDrop", "tokens/s down 22% over 15 min on titan-70b", job="titan-70b", node="cw-h100-31")
    c.with_topology()
    lines = ck.fsdp_steps(c, -1500, 12, 4400, step_s=3.1, step_fn=lambda i: 3.1 if i < 5 else 3.95 + c.rng.uniform(-.05, .05))
    lines += ["[rank0]:[titan] %s - root - WARNING - step time 3.97s above p50 3.12s for 7 consecutive steps" % c.ymd_ms(-60)]
    lines += ck.app_noise(c, 5)
    c.log("cw-h100-31/titan.log", lines)
    c.log("cw-h100-33/journal", ck.kernel_noise(c, "cw-h100-33", 10, -2000, 0))
    dcgm(c, "cw-h100-33", extra=[("DCGM_FI_PROF_NVLINK_TX_BYTES", 7.2e10, 4e9, {2: after(-900, lambda s, v: v * 0.41)}, 0)])
    health_node(c, "cw-h100-33", over={2: dict(nvlink_crc_errors_per_s=4810.5, nvlink_crc_errors=3120455,
                                               nvlink_replay_errors_per_s=412.0, nvlink_replay_errors=220133)})
    gemm_node(c, "cw-h100-33")
    c.nccl("nccl.allreduce@cw-h100-33", busbw=188.0)
    c.nccl("nccl.allreduce@cw-h100-32")
    return c


@case
def s011():
    # One H200 GPU overheats (HW thermal slowdown); the job sees a slow all-reduce, not a heat alarm.
    hosts = ["g%04d" % i for i in (1180, 1181, 1182, 1183)]
    c = Case("case-s011", "gpu_thermal_throttle", "g1182/gpu4", hosts, gpu=H200)
    c.alert("StepTimeRegression", "llama-ft-70b step time p50 +31%", job="llama-ft-70b", node="g1180")
    c.with_topology()
    lines = ck.megatron_iters(c, -1300, 14, 7710, step_s=5.0,
                              step_fn=lambda i: 5.0 * c.rng.uniform(0.99, 1.01) if i < 4 else 6.6 * c.rng.uniform(0.98, 1.03))
    lines += ["[%s] WARNING straggler detector: min/max per-rank GEMM time 11.2 ms / 16.9 ms (rank 20 slowest)" % c.ymd(-200),
              "[%s] NCCL all-reduce wait on rank 0 avg 1.71 s (was 0.12 s)" % c.ymd(-190)]
    lines += ck.app_noise(c, 4)
    c.log("g1180/megatron.log", lines)
    c.log("g1182/journal", ck.kernel_noise(c, "g1182", 8, -2000, 0))
    hot = after(-1000, lambda s, v: 88 + c.rng.uniform(0, 3))
    dcgm(c, "g1182", temp={4: hot}, clock={4: after(-1000, lambda s, v: 1155 + c.rng.uniform(-60, 60))},
         power={4: after(-1000, lambda s, v: 372 + c.rng.uniform(-20, 20))},
         extra=[("DCGM_FI_DEV_CLOCK_THROTTLE_REASONS", 0, 0, {4: after(-1000, lambda s, v: 0x40)}, 0)])
    health_node(c, "g1182", over={4: dict(temperature_c=91, hbm_temperature_c=96, sm_clock_mhz=1140,
                                          clock_event_reasons=0x60, power_w=368)})
    gemm_node(c, "g1182", over={4: 452.3})
    return c


@case
def s012():
    # Whole A100 node hot: a chassis fan failed. All 8 GPUs throttle; component is the node.
    hosts = ["r12-a100-%02d" % i for i in range(1, 5)]
    c = Case("case-s012", "gpu_thermal_throttle", "r12-a100-03", hosts, gpu=A100)
    c.alert("GPUTempHigh", "DCGM_FI_DEV_GPU_TEMP > 85 on 8 GPUs of r12-a100-03", node="r12-a100-03", severity="warning")
    c.with_topology()
    sel = ["%s | Fan 5 | Lower Critical going low | Asserted | Reading 0 < Threshold 1800 RPM" % c.ymd(-1400),
           "%s | Fan 6 | Lower Critical going low | Asserted | Reading 840 < Threshold 1800 RPM" % c.ymd(-1390),
           "%s | Temp_GPU_Zone2 | Upper Non-critical going high | Asserted | Reading 78 > Threshold 75 degrees C" % c.ymd(-900),
           "%s | Temp_GPU_Zone2 | Upper Critical going high | Asserted | Reading 86 > Threshold 85 degrees C" % c.ymd(-300)]
    c.log("r12-a100-03/ipmi-sel", sel)
    lines = ck.deepspeed_steps(c, -1200, 12, 20440, step_s=3.8,
                               step_fn=lambda i: 3.8 * (1 + 0.04 * i) * c.rng.uniform(0.99, 1.01))
    lines += ck.app_noise(c, 4)
    c.log("r12-a100-01/deepspeed.log", lines)
    def hot(s, v):
        return v if s < -1300 else min(91, 52 + (s + 1300) * 0.03) + c.rng.uniform(-1, 1)
    def clk(s, v):
        return v if s < -700 else 1410 - min(480, (s + 700) * 0.8)
    dcgm(c, "r12-a100-03", temp={g: hot for g in range(8)}, clock={g: clk for g in range(8)})
    over = {g: dict(temperature_c=87 + g % 4, sm_clock_mhz=930 + 15 * g, clock_event_reasons=0x60) for g in range(8)}
    health_node(c, "r12-a100-03", over=over)
    health_node(c, "r12-a100-02")
    return c


@case
def s013():
    # A power-cap script left one H100 node at 450 W; clocks held by SW power cap; a slow node.
    hosts = ["h100-rack3-%02d" % i for i in range(1, 5)]
    c = Case("case-s013", "gpu_power_throttle", "h100-rack3-02", hosts, gpu=H100)
    c.alert("StepTimeRegression", "nemo-gpt-22b step time +18% after maintenance", job="nemo-gpt-22b", node="h100-rack3-01")
    c.with_topology()
    j = ck.kernel_noise(c, "h100-rack3-02", 6, -3000, -1000)
    j += ["%s h100-rack3-02 ansible-playbook[77120]: PLAY RECAP localhost : ok=14 changed=3 unreachable=0 failed=0" % c.syslog(-2900)]
    c.log("h100-rack3-02/journal", j)
    lines = ["Epoch 0:  41%%|####      | 12011/29000 [%s<5:41:12, 1.21s/it, loss=1.83, v_num=7, reduced_train_loss=1.830, global_step=12010.0, consumed_samples=3.07e+6, train_step_timing in s=1.210]" % c.ymd(-1500)[11:],
             "Epoch 0:  41%%|####      | 12140/29000 [%s<6:39:02, 1.42s/it, loss=1.82, v_num=7, reduced_train_loss=1.821, global_step=12139.0, consumed_samples=3.11e+6, train_step_timing in s=1.424]" % c.ymd(-1300)[11:]]
    lines += ["[NeMo I %s timers:81] train_step_timing in s: %.3f" % (c.ymd(-1200 + 60 * i), 1.42 * c.rng.uniform(0.99, 1.01)) for i in range(14)]
    lines += ck.app_noise(c, 5)
    c.log("h100-rack3-01/nemo_log_globalrank-0.txt", lines)
    dcgm(c, "h100-rack3-02", power={g: lambda s, v: 449 + c.rng.uniform(-4, 1) for g in range(8)},
         clock={g: lambda s, v: 1410 + c.rng.uniform(-40, 40) for g in range(8)})
    dcgm(c, "h100-rack3-03")
    over = {g: dict(power_limit_w=450, power_w=448, sm_clock_mhz=1395 + 5 * g, clock_event_reasons=0x4) for g in range(8)}
    health_node(c, "h100-rack3-02", over=over)
    health_node(c, "h100-rack3-03")
    return c


@case
def s014():
    # H200 node: a PSU failure triggers HW power brake on every GPU; the job crawls.
    hosts = ["xe9680-%02d" % i for i in (21, 22)]
    c = Case("case-s014", "gpu_power_throttle", "xe9680-22", hosts, gpu=H200)
    c.alert("JobThroughputLow", "ds-llama-34b samples/s below 60% of baseline", job="ds-llama-34b", node="xe9680-21")
    c.with_topology()
    sel = ["%s | PS2 Status | Power Supply AC lost | Asserted" % c.ymd(-850),
           "%s | PS4 Status | Failure detected | Asserted" % c.ymd(-848),
           "%s | Power Unit | Redundancy Lost | Asserted" % c.ymd(-848),
           "%s | System Board PwrBrake | State Asserted | Asserted" % c.ymd(-846)]
    c.log("xe9680-22/idrac-sel", sel)
    lines = ck.deepspeed_steps(c, -1300, 14, 5200, step_s=2.4,
                               step_fn=lambda i: 2.4 * c.rng.uniform(0.98, 1.02) if i < 5 else 4.3 * c.rng.uniform(0.97, 1.03))
    lines += ck.app_noise(c, 3)
    c.log("xe9680-21/train.log", lines)
    brake = after(-846, lambda s, v: 810 + c.rng.uniform(-60, 60))
    dcgm(c, "xe9680-22", clock={g: brake for g in range(8)}, power={g: after(-846, lambda s, v: 290 + c.rng.uniform(-20, 20)) for g in range(8)})
    over = {g: dict(sm_clock_mhz=780 + 10 * g, power_w=288, clock_event_reasons=0x88) for g in range(8)}
    health_node(c, "xe9680-22", over=over)
    health_node(c, "xe9680-21")
    return c


@case
def s015():
    # H100: one GPU's PCIe link trained at x8; its rank is slow on host copies (offload). Probe decides.
    hosts = ["pcie-h100-%d" % i for i in (4, 5)]
    c = Case("case-s015", "pcie_link_degraded", "pcie-h100-5/gpu2", hosts, gpu=H100)
    c.alert("StepTimeRegression", "zero3-offload-30b: step time +40% since node reboot", job="zero3-offload-30b", node="pcie-h100-4")
    c.with_topology()
    r = c.rank_of("pcie-h100-5", 2)
    lines = ck.deepspeed_steps(c, -1100, 12, 300, step_s=7.9, step_fn=lambda i: 11.1 * c.rng.uniform(0.98, 1.02))
    lines += ["[%s] [WARNING] [stage3.py:2069:step] %d pytorch allocator cache flushes since last step. this happens when there is high memory pressure and is detrimental to performance." % (c.ymd_ms(-400), 2),
              "[%s] [INFO] [rank %d] optimizer step (cpu offload) swap_in 3.81 s swap_out 3.64 s" % (c.ymd_ms(-300), r),
              "[%s] [INFO] [rank %d] optimizer step (cpu offload) swap_in 1.12 s swap_out 1.07 s" % (c.ymd_ms(-300), r - 1)]
    c.log("pcie-h100-4/ds.log", lines)
    dm = ck.kernel_noise(c, "pcie-h100-5", 6, -3000, 0, fmt="dmesg")
    c.log("pcie-h100-5/dmesg", dm)
    dcgm(c, "pcie-h100-5", util={2: lambda s, v: 71 + c.rng.uniform(-4, 4)},
         extra=[("DCGM_FI_DEV_PCIE_REPLAY_COUNTER", 3, 0, None, 0)])
    health_node(c, "pcie-h100-5", over={2: dict(pcie_link_width=8)})
    c.pcie("gpu.pcie_bandwidth@pcie-h100-5/gpu2", h2d=26.1, d2h=25.4)
    c.pcie("gpu.pcie_bandwidth@pcie-h100-5/gpu1")
    c.pcie("gpu.pcie_bandwidth@pcie-h100-5/gpu3")
    return c


@case
def s016():
    # A100 Gen4 link with replay storm and corrected AER errors; H2D bandwidth collapses.
    hosts = ["ml-a100-%02d" % i for i in (8, 9, 10)]
    c = Case("case-s016", "pcie_link_degraded", "ml-a100-09/gpu7", hosts, gpu=A100)
    c.alert("PCIeReplayRate", "DCGM_FI_DEV_PCIE_REPLAY_COUNTER rising fast on ml-a100-09", node="ml-a100-09", gpu="7")
    c.with_topology()
    port = "0000:d7:01.0"
    dm = ck.kernel_noise(c, "ml-a100-09", 5, -1500, 0, fmt="dmesg")
    for i in range(6):
        t = -1000 + i * 150
        dm += ["%s pcieport %s: AER: Corrected error message received from 0000:%s:00.0" % (c.dmesg(t), port, c.pci[7]),
               "%s nvidia 0000:%s:00.0: PCIe Bus Error: severity=Corrected, type=Data Link Layer, (Transmitter ID)" % (c.dmesg(t + 0.001), c.pci[7]),
               "%s nvidia 0000:%s:00.0:   device [10de:20b2] error status/mask=00001000/00006000" % (c.dmesg(t + 0.002), c.pci[7]),
               "%s nvidia 0000:%s:00.0:    [12] Timeout" % (c.dmesg(t + 0.003), c.pci[7])]
    dm += ["%s pcieport %s: AER: %d Corrected errors received" % (c.dmesg(-60), port, 214)]
    c.log("ml-a100-09/dmesg", dm)
    lines = ck.plain_steps(c, -900, 20, 88100, step_s=0.92, step_fn=lambda i: 1.31 * c.rng.uniform(0.98, 1.03))
    c.log("ml-a100-08/train.log", lines)
    dcgm(c, "ml-a100-09", extra=[("DCGM_FI_DEV_PCIE_REPLAY_COUNTER", 2, 0,
                                  {7: after(-1000, lambda s, v: 2 + (s + 1000) * 9.5)}, 0)])
    health_node(c, "ml-a100-09", over={7: dict(pcie_link_gen=3, pcie_replay_count=9650, pcie_replay_per_s=11.0)})
    c.pcie("gpu.pcie_bandwidth@ml-a100-09/gpu7", h2d=9.8, d2h=10.4)
    c.pcie("gpu.pcie_bandwidth@ml-a100-09/gpu6")
    return c


@case
def s017():
    # Megatron replica consistency check fails; one H100 in one DP replica computes wrong sums.
    hosts = ["sdc-h100-%02d" % i for i in range(1, 5)]
    c = Case("case-s017", "gpu_silent_data_corruption", "sdc-h100-03/gpu5", hosts, gpu=H100)
    c.alert("ReplicaMismatch", "param checksum mismatch between DP replicas in gpt-175b", job="gpt-175b", node="sdc-h100-01")
    c.with_topology()
    lines = ck.megatron_iters(c, -1500, 10, 60100, step_s=14.2)
    lines += ["[%s] [consistency] step 60110: DP replica param checksum group tp=5 pp=2: 8/8 replicas compared, 1 disagree" % c.ymd(-90),
              "[%s] [consistency]   replica 0 (ranks 0-7)  sha1=8d2f1a0c...  replica 2 (ranks 16-23, sdc-h100-03) sha1=e71b09c4..." % c.ymd(-90),
              "[%s] [consistency]   first differing tensor: decoder.layers.41.mlp.linear_fc1.weight, 37 of 50331648 elements differ (max abs diff 3.1e-02)" % c.ymd(-90),
              "[%s] [consistency] halting: exit code 43 so the launcher does not retry" % c.ymd(-89)]
    lines += ck.app_noise(c, 4)
    c.log("sdc-h100-01/megatron.log", lines)
    c.log("sdc-h100-03/journal", ck.kernel_noise(c, "sdc-h100-03", 8, -2000, 0))
    dcgm(c, "sdc-h100-03")
    health_node(c, "sdc-h100-03")
    c.sdc("gpu.sdc@sdc-h100-03", mismatched=412, bad_gpu="gpu5")
    c.sdc("gpu.sdc@sdc-h100-02")
    return c


@case
def s018():
    # bf16 loss spikes to NaN on a 64-GPU H200 run; only the GEMM vote shows one GPU is wrong.
    hosts = ["h200-x%02d" % i for i in range(1, 9)]
    c = Case("case-s018", "gpu_silent_data_corruption", "h200-x06/gpu1", hosts, gpu=H200)
    c.alert("LossSpike", "torchtitan-llama3-70b loss 2.1 -> nan at step 31877", job="torchtitan-llama3-70b", node="h200-x01")
    c.with_topology()
    lf = lambda i: 2.11 - 0.001 * i + c.rng.uniform(-.02, .02) if i < 9 else (7.91 if i == 9 else float("nan"))
    lines = ck.fsdp_steps(c, -240, 12, 31868, step_s=2.7, loss_fn=lf)
    lines += ["[rank0]:[titan] %s - root - WARNING - non-finite loss at step 31878; skipping optimizer step" % c.ymd_ms(-5),
              "[rank0]:[titan] %s - root - INFO - grad norm per rank (pre-clip) min 0.41 median 0.44 max 3.9e+04 (rank %d)" % (c.ymd_ms(-5), c.rank_of("h200-x06", 1)),
              "[rank0]:[titan] %s - root - INFO - rewinding to checkpoint step-31500; same data order" % c.ymd_ms(-3)]
    lines += ck.app_noise(c, 4)
    c.log("h200-x01/titan.log", lines)
    c.log("h200-x06/journal", ck.kernel_noise(c, "h200-x06", 8, -2000, 0))
    dcgm(c, "h200-x06")
    health_node(c, "h200-x06")
    c.sdc("gpu.sdc@h200-x06", mismatched=2177, bad_gpu="gpu1")
    for h in ("h200-x01", "h200-x02", "h200-x05", "h200-x07"):
        c.sdc("gpu.sdc@" + h)
    gemm_node(c, "h200-x06")
    return c


@case
def s019():
    # IB: one NIC link down; many ranks on other nodes report retry-exceeded completions.
    hosts = ["ib-h100-%02d" % i for i in range(1, 9)]
    c = Case("case-s019", "ib_link_failure", "ib-h100-07/mlx5_3", hosts, gpu=H100)
    c.alert("NCCLError", "gpt-neox-20b: NCCL error on 14 ranks", job="gpt-neox-20b", node="ib-h100-01")
    c.with_topology()
    lines = ck.megatron_iters(c, -700, 5, 48000, step_s=3.3)
    peers = [(2, "10.12.7.27"), (4, "10.12.7.27"), (6, "10.12.7.27"), (8, "10.12.7.27")]
    for h, ip in peers:
        host = "ib-h100-%02d" % h
        g = 3
        pid = 20000 + h * 11
        lines += ["%s:%d:%d [%d] transport/net_ib.cc:1696 NCCL WARN NET/IB : Got completion from peer %s<43117> with status=12 opcode=0 len=0 vendor err 129 (Send) localGid ::ffff:10.12.%d.2%d remoteGids::ffff:%s hca mlx5_3" % (
            host, pid, pid + 102, g, ip, h, g, ip),
                  "%s:%d:%d [%d] NCCL INFO transport/net.cc:1298 -> 6" % (host, pid, pid + 102, g),
                  "%s:%d:%d [%d] NCCL INFO proxy.cc:698 -> 6" % (host, pid, pid + 102, g)]
    lines += ["[rank27]:[E ProcessGroupNCCL.cpp:1316] [PG 0 Rank 27] NCCL watchdog thread terminated with exception: NCCL error: remote process exited or there was a network error, NCCL version 2.19.3",
              "ncclRemoteError: A call failed possibly due to a network error or a remote process exiting prematurely.",
              "Last error:",
              "NET/IB : Got completion from peer 10.12.7.27<43117> with status=12 opcode=0 len=0 vendor err 129 (Send) localGid ::ffff:10.12.2.23 remoteGids::ffff:10.12.7.27 hca mlx5_3"]
    lines += ck.app_noise(c, 3)
    c.log("ib-h100-01/slurm-90211.out", lines)
    k = ck.kernel_noise(c, "ib-h100-07", 7, -2000, 0)
    k += ["%s ib-h100-07 kernel: mlx5_core 0000:%s:00.0: Port module event: module 3, Cable unplugged" % (c.syslog(-75), ck.NIC_BUS[3]),
          "%s ib-h100-07 kernel: mlx5_core 0000:%s:00.0 ibp%ds0: Link down" % (c.syslog(-75), ck.NIC_BUS[3], int(ck.NIC_BUS[3], 16)),
          "%s ib-h100-07 kernel: mlx5_core 0000:%s:00.0: Port module event[error]: module 3, Cable error, High Temperature" % (c.syslog(-74), ck.NIC_BUS[3])]
    c.log("ib-h100-07/journal", k)
    c.node_metric("node_infiniband_state_id", {"instance": "ib-h100-07", "device": "mlx5_3", "port": "1"},
                  lambda s: 4 if s < -75 else 1, 0)
    c.node_metric("node_infiniband_state_id", {"instance": "ib-h100-07", "device": "mlx5_2", "port": "1"}, lambda s: 4, 0)
    c.node_metric("node_infiniband_link_downed_total", {"instance": "ib-h100-07", "device": "mlx5_3", "port": "1"},
                  lambda s: 3 if s < -75 else 4, 0)
    c.nccl("nccl.allreduce@job", busbw=0.0, details={"error": "ncclRemoteError on ib-h100-07 rank 51"})
    c.fail("nccl.allreduce@job", "all_reduce_perf aborted: NET/IB completion error status=12 from ib-h100-07 (mlx5_3)")
    c.nccl("nccl.allreduce@ib-h100-07")
    c.nccl("nccl.sendrecv@ib-h100-07", busbw=0.0, details={"hca": "mlx5_3", "error": "port state DOWN"})
    c.fail("nccl.sendrecv@ib-h100-07", "ibv_post_send on mlx5_3 failed: port 1 state DOWN")
    c.nccl("nccl.sendrecv@ib-h100-02")
    return c


@case
def s020():
    # RoCE on Kubernetes: a flapping NIC port; NCCL async port error events then a timeout.
    hosts = ["roce-h100-pool-%s" % x for x in ("7k2m", "8p4v", "9c1x", "3d8n")]
    c = Case("case-s020", "ib_link_failure", "roce-h100-pool-9c1x/mlx5_1", hosts, gpu=H100)
    c.alert("PodNCCLErrors", "jax-t5x-11b worker-2 NCCL async port errors", namespace="research", pod="jax-t5x-11b-worker-2",
            node="roce-h100-pool-9c1x")
    c.with_topology()
    w = ["I%s 1 train.py:412] step=%d loss=%.4f" % (c.glog(-1100 + 60 * i)[1:], 22000 + 25 * i, 2.31 - 0.002 * i) for i in range(10)]
    w += ["roce-h100-pool-9c1x:412:930 [1] NCCL INFO NET/IB : Got async event : port error",
          "roce-h100-pool-9c1x:412:930 [1] NCCL INFO NET/IB : Got async event : port active",
          "roce-h100-pool-9c1x:412:930 [1] NCCL INFO NET/IB : Got async event : port error",
          "roce-h100-pool-9c1x:412:930 [1] NCCL INFO NET/IB : Got async event : GID table change",
          "roce-h100-pool-9c1x:412:1022 [1] transport/net_ib.cc:1696 NCCL WARN NET/IB : Got completion from peer 10.128.0.41<39811> with status=12 opcode=0 len=0 vendor err 129 (Recv) localGid fe80::a288:c2ff:fe1d:41 hca mlx5_1",
          "2026-xx external: jax.errors.JaxRuntimeError: INTERNAL: external/xla/xla/service/gpu/nccl_utils.cc:297: NCCL operation ncclGroupEnd() failed: remote process exited or there was a network error"]
    w[-1] = w[-1].replace("2026-xx external: ", "")
    c.log("roce-h100-pool-9c1x/pod/jax-t5x-11b-worker-2/worker", w)
    k = ck.kernel_noise(c, "roce-h100-pool-9c1x", 5, -2000, 0)
    for i in range(4):
        t = -900 + i * 200
        k += ["%s roce-h100-pool-9c1x kernel: mlx5_core 0000:%s:00.0 eth3: Link down" % (c.syslog(t), ck.NIC_BUS[1]),
              "%s roce-h100-pool-9c1x kernel: mlx5_core 0000:%s:00.0 eth3: Link up" % (c.syslog(t + 4), ck.NIC_BUS[1])]
    c.log("roce-h100-pool-9c1x/journal", k)
    for dev, flap in (("mlx5_1", True), ("mlx5_0", False), ("mlx5_2", False)):
        c.node_metric("node_infiniband_link_error_recovery_total", {"instance": "roce-h100-pool-9c1x", "device": dev, "port": "1"},
                      (lambda s: max(0, (s + 900) // 200 + 1) if s >= -900 else 0) if flap else (lambda s: 0), 0)
        c.node_metric("node_infiniband_symbol_error_total", {"instance": "roce-h100-pool-9c1x", "device": dev, "port": "1"},
                      (lambda s: 12 + max(0, s + 950) * 3.4) if flap else (lambda s: 2), 0)
    c.nccl("nccl.sendrecv@roce-h100-pool-9c1x", busbw=6.2)
    c.nccl("nccl.sendrecv@roce-h100-pool-7k2m")
    c.nccl("nccl.allreduce@roce-h100-pool-9c1x")
    health_node(c, "roce-h100-pool-9c1x")
    return c


@case
def s021():
    # NCCL_SOCKET_IFNAME names an interface the new image does not have: bootstrap fails everywhere.
    hosts = ["cpu%02d-h100" % i for i in (3, 4)]
    c = Case("case-s021", "nccl_network_misconfig", "job", hosts, gpu=H100)
    c.alert("JobFailed", "sft-mistral-7b failed at init (NCCL)", job="sft-mistral-7b", node="cpu03-h100")
    c.with_topology()
    lines = ["+ export NCCL_SOCKET_IFNAME=ens1f0", "+ export NCCL_IB_HCA=mlx5", "+ export NCCL_DEBUG=INFO",
             "+ torchrun --nnodes=2 --nproc_per_node=8 --rdzv_backend=c10d --rdzv_endpoint=cpu03-h100:29500 sft.py",
             "W%s 5120 torch/distributed/run.py:757] *****************************************" % c.glog(-300)[1:],
             "W%s 5120 torch/distributed/run.py:757] Setting OMP_NUM_THREADS environment variable for each process to be 1 in default, to avoid your system being overloaded" % c.glog(-300)[1:]]
    for h, r in (("cpu03-h100", 0), ("cpu03-h100", 3), ("cpu04-h100", 9), ("cpu04-h100", 14)):
        pid = 6100 + r
        lines += ["%s:%d:%d [%d] NCCL INFO NCCL_SOCKET_IFNAME set by environment to ens1f0" % (h, pid, pid, r % 8),
                  "%s:%d:%d [%d] misc/socket.cc:484 NCCL WARN Bootstrap : no socket interface found" % (h, pid, pid, r % 8),
                  "%s:%d:%d [%d] NCCL INFO bootstrap.cc:85 -> 3" % (h, pid, pid, r % 8)]
    lines += ["[rank0]: torch.distributed.DistBackendError: NCCL error in: ../torch/csrc/distributed/c10d/ProcessGroupNCCL.cpp:1970, internal error - please report this issue to the NCCL developers, NCCL version 2.20.5",
              "[rank0]: ncclInternalError: Internal check failed.",
              "[rank0]: Last error:",
              "[rank0]: Bootstrap : no socket interface found"]
    c.log("cpu03-h100/sft.log", lines)
    ip = ["%s cpu03-h100 systemd-networkd[912]: enp86s0f0np0: Link UP" % c.syslog(-3000),
          "%s cpu03-h100 systemd-networkd[912]: enp86s0f0np0: Gained carrier" % c.syslog(-2999),
          "%s cpu03-h100 systemd-udevd[701]: Using default interface naming scheme 'v252'." % c.syslog(-3001)]
    ip += ck.kernel_noise(c, "cpu03-h100", 5, -2800, 0)
    c.log("cpu03-h100/journal", ip)
    c.nccl("nccl.allreduce@cpu03-h100")
    c.nccl("nccl.allreduce@cpu04-h100")
    c.nccl("nccl.allreduce@job", busbw=185.0, details={"env": "NCCL_SOCKET_IFNAME unset (probe default)"})
    return c


@case
def s022():
    # A node's firewall drops the NCCL bootstrap ports: connection refused/timeouts from that node only.
    hosts = ["k8s-gpu-%d" % i for i in (101, 102, 103, 104)]
    c = Case("case-s022", "nccl_network_misconfig", "k8s-gpu-103", hosts, gpu=H200)
    c.alert("TrainingInitFailed", "pytorchjob llama-pt-13b stuck in init for 25 min", namespace="llm", job="llama-pt-13b",
            node="k8s-gpu-101")
    c.with_topology()
    lines = []
    for r in (0, 8, 24):
        h = c.hosts[r // 8]
        lines += ["%s:%d:%d [0] NCCL INFO Bootstrap : Using eth0:10.42.%d.17<0>" % (h, 900 + r, 900 + r, r // 8 + 1)]
    for r in (16, 17, 21):
        lines += ["k8s-gpu-103:%d:%d [%d] misc/socket.cc:567 NCCL WARN socketStartConnect: Connect to 10.42.1.17<45811> failed : Connection timed out" % (1400 + r, 1400 + r, r % 8),
                  "k8s-gpu-103:%d:%d [%d] NCCL INFO misc/socket.cc:584 -> 6" % (1400 + r, 1400 + r, r % 8),
                  "k8s-gpu-103:%d:%d [%d] NCCL INFO bootstrap.cc:274 -> 6" % (1400 + r, 1400 + r, r % 8)]
    lines += ["k8s-gpu-101:900:1033 [0] misc/socket.cc:49 NCCL WARN socketProgress: Connection closed by remote peer k8s-gpu-103<50417>",
              "[rank0]: torch.distributed.DistStoreError: Timed out after 1801 seconds waiting for clients. 24/32 clients joined.",
              "[rank16]: torch.distributed.DistBackendError: NCCL error in: ../torch/csrc/distributed/c10d/NCCLUtils.hpp:275, remote process exited or there was a network error, NCCL version 2.21.5",
              "[rank16]: Last error:", "[rank16]: socketStartConnect: Connect to 10.42.1.17<45811> failed : Connection timed out"]
    c.log("k8s-gpu-101/pod/llama-pt-13b-master-0/pytorch", lines)
    j = ck.kernel_noise(c, "k8s-gpu-103", 5, -3000, 0)
    j += ["%s k8s-gpu-103 kernel: nft_reject: IN=eth0 OUT= SRC=10.42.1.17 DST=10.42.3.17 PROTO=TCP SPT=45811 DPT=50417 SYN" % c.syslog(-1500),
          "%s k8s-gpu-103 cloud-init[1220]: applying firewall profile 'bastion-default' (nftables, policy drop, allow 22/tcp 10250/tcp)" % c.syslog(-3200)]
    c.log("k8s-gpu-103/journal", j)
    c.nccl("nccl.allreduce@k8s-gpu-103")
    c.nccl("nccl.allreduce@k8s-gpu-101")
    c.errored("nccl.allreduce@job", "mpirun: bootstrap to k8s-gpu-103 timed out after 120 s (socketStartConnect: Connection timed out)", 120.0)
    return c


@case
def s023():
    # One rank stuck in Python (a deadlocked logging thread); 63 ranks report the watchdog timeout.
    hosts = ["dgx%02d" % i for i in range(11, 19)]
    c = Case("case-s023", "nccl_collective_hang", "dgx15/gpu2", hosts, gpu=H100)
    c.alert("NCCLWatchdogTimeout", "megatron-gpt-40b: 63 ranks timed out in ALLREDUCE", job="megatron-gpt-40b", node="dgx11")
    c.with_topology()
    stuck = c.rank_of("dgx15", 2)
    lines = ck.megatron_iters(c, -1400, 4, 9900, step_s=7.6)
    for r in (0, 1, 14, 33, 47, 62):
        lines += ck.watchdog(c, r, -3 + r * 0.01, 220144)[:2]
    lines += ["[rank0]:[E%s ProcessGroupNCCL.cpp:1343] [PG 0 Rank 0] Flight recorder: rank %d last enqueued SeqNum 220143, all other ranks enqueued 220144" % (c.glog(-2)[1:], stuck)]
    c.log("dgx11/slurm-30771.out", lines)
    dump = ["Process %d: python pretrain_gpt.py (rank %d on dgx15)" % (88121, stuck),
            "Thread 88121 (idle): \"MainThread\"",
            "    acquire (threading.py:1116)", "    emit (logging/__init__.py:1100)",
            "    log_metrics (megatron/training/utils.py:391)", "    train_step (megatron/training/training.py:812)",
            "Thread 88390 (idle): \"wandb-upload\"", "    _flush (wandb/sdk/internal/sender.py:612)",
            "    write (logging/__init__.py:1163)",
            "Thread 88391 (active): \"pt_nccl_watchdog\"", "    (native) c10d::ProcessGroupNCCL::workCleanupLoop"]
    c.log("dgx15/py-spy-dump-rank%d.txt" % stuck, dump)
    dcgm(c, "dgx15", util={2: after(-600, lambda s, v: 0)}, power={2: after(-600, lambda s, v: 118 + c.rng.uniform(-5, 5))})
    health_node(c, "dgx15")
    c.nccl("nccl.allreduce@dgx15")
    return c


@case
def s024():
    # Desync: one DeepSpeed rank skipped a collective after a bad eval branch; everyone else waits.
    hosts = ["node-%d" % i for i in (21, 22)]
    c = Case("case-s024", "nccl_collective_hang", "node-22/gpu5", hosts, gpu=A100)
    c.alert("JobHung", "ds-bert-large-pt no progress 35m", job="ds-bert-large-pt", node="node-21")
    c.with_topology()
    r = c.rank_of("node-22", 5)
    lines = ck.deepspeed_steps(c, -2400, 6, 12000, step_s=1.1)
    lines += ["[%s] [INFO] [engine.py:3241:_save_checkpoint] evaluating at step 12006" % c.ymd_ms(-2380)]
    for rk in (0, 4, 9, 15):
        lines += old_watchdog(c, rk, -100 + rk, 45012, op="BROADCAST", timeout_ms=1800000)[:1]
    lines += ["[E ProcessGroupNCCL.cpp:1130] [Rank 0] Desync debug report: collective SeqNum=45012 OpType=BROADCAST: rank %d has not joined (last completed SeqNum=45011 ALLREDUCE); ranks 0-%d,%d-15 have joined." % (r, r - 1, r + 1),
              "[rank%d] %s eval.py:88 WARNING early-exit eval: empty validation shard val-0013, returning None" % (r, c.ymd(-2379))]
    c.log("node-21/ds_train.log", lines)
    c.log("node-22/journal", ck.kernel_noise(c, "node-22", 7, -2400, 0))
    dcgm(c, "node-22")
    health_node(c, "node-22")
    return c


@case
def s025():
    # One rank segfaults in a custom CUDA extension; its peers report IB completion errors.
    hosts = ["a3-%03d" % i for i in (17, 18, 19, 20)]
    c = Case("case-s025", "rank_process_crash", "a3-019/gpu0", hosts, gpu=H100)
    c.alert("NCCLError", "mixtral-ft: NET/IB errors on 12 ranks", job="mixtral-ft", node="a3-017")
    c.with_topology()
    r = c.rank_of("a3-019", 0)
    lines = ck.megatron_iters(c, -800, 6, 700, step_s=4.4)
    for h in ("a3-017", "a3-018", "a3-020"):
        lines += ["%s:3311:3420 [0] transport/net_ib.cc:1421 NCCL WARN NET/IB : Got completion from peer 10.5.1.19<51022> with status=5 opcode=1 len=0 vendor err 249 (Recv) localGid ::ffff:10.5.1.%s hca mlx5_0" % (h, h[-2:]),
                  "%s:3311:3420 [0] NCCL INFO transport/net.cc:1298 -> 6" % h]
    lines += ck.elastic_failure(c, -30, "a3-019", r, 0, -11, sig="SIGSEGV")
    lines += ck.app_noise(c, 3)
    c.log("a3-017/slurm-7812.out", lines)
    dm = ck.kernel_noise(c, "a3-019", 6, -1500, 0, fmt="dmesg")
    dm += ["%s python[44012]: segfault at 18 ip 00007f3a2c41b0d2 sp 00007ffd8e1c02a0 error 4 in fused_rope_cuda.cpython-310-x86_64-linux-gnu.so[7f3a2c400000+4e000] likely on CPU 17 (core 9, socket 0)" % c.dmesg(-62),
           "%s Code: 48 8b 47 18 48 85 c0 74 0c 48 8b 50 08 <48> 8b 02 c3 0f 1f 40 00 31 c0 c3 66 90" % c.dmesg(-62)]
    c.log("a3-019/dmesg", dm)
    dcgm(c, "a3-019", util={0: after(-62, lambda s, v: 0)}, power={0: after(-62, lambda s, v: 96)})
    health_node(c, "a3-019")
    c.nccl("nccl.allreduce@a3-019")
    c.nccl("nccl.sendrecv@a3-019")
    c.nccl("nccl.sendrecv@a3-017")
    return c


@case
def s026():
    # glibc abort in a dataloader-side C extension kills one rank (SIGABRT); peers time out.
    hosts = ["trn-%s" % x for x in ("aa", "ab", "ac")]
    c = Case("case-s026", "rank_process_crash", "trn-ab/gpu6", hosts, gpu=H200)
    c.alert("TorchrunChildFailed", "titan-mm-20b torchrun reported ChildFailedError", job="titan-mm-20b", node="trn-ab")
    c.with_topology()
    r = c.rank_of("trn-ab", 6)
    lines = ck.fsdp_steps(c, -600, 8, 15200, step_s=2.1, rank=r)
    lines += ["double free or corruption (!prev)",
              "Fatal Python error: Aborted",
              "",
              "Thread 0x00007f0c8bfff640 (most recent call first):",
              "  File \"/opt/venv/lib/python3.11/site-packages/imgcodec/decode.py\", line 77 in decode_batch",
              "Current thread 0x00007f0d2a1c4740 (most recent call first):",
              "  File \"/opt/venv/lib/python3.11/site-packages/torch/distributed/fsdp/_runtime_utils.py\", line 1011 in _post_backward_hook"]
    lines += ck.elastic_failure(c, -40, "trn-ab", r, 6, -6, sig="SIGABRT")
    c.log("trn-ab/torchrun.log", lines)
    peer = ["[rank3]:[E%s ProcessGroupNCCL.cpp:1575] [PG 0 Rank 3] Exception (either an error or timeout) detected by watchdog at work: 88212, last enqueued NCCL work: 88212, last completed NCCL work: 88211." % c.glog(-35)[1:],
            "[rank3]: NCCL error: remote process exited or there was a network error, NCCL version 2.21.5",
            "[rank3]: socketProgressOpt: Call to recv from 10.30.0.12<60317> failed : Connection reset by peer"]
    peer += ck.app_noise(c, 4)
    c.log("trn-aa/torchrun.log", peer)
    dcgm(c, "trn-ab", util={6: after(-40, lambda s, v: 0)})
    health_node(c, "trn-ab")
    return c


@case
def s027():
    # OOM on one rank (pipeline stage with the embedding) cascades into watchdog timeouts.
    hosts = ["pp-h100-%02d" % i for i in range(1, 5)]
    c = Case("case-s027", "cuda_oom", "pp-h100-04/gpu7", hosts, gpu=H100)
    c.alert("NCCLWatchdogTimeout", "llama3-70b-pp4: watchdog timeouts on 31 ranks", job="llama3-70b-pp4", node="pp-h100-01")
    c.with_topology()
    r = c.rank_of("pp-h100-04", 7)
    lines = ck.megatron_iters(c, -900, 6, 20100, step_s=9.3)
    lines += ["[rank%d]: torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 3.91 GiB. GPU 7 has a total capacity of 79.11 GiB of which 1.38 GiB is free. Including non-PyTorch memory, this process has 77.71 GiB memory in use. Of the allocated memory 71.02 GiB is allocated by PyTorch, and 5.12 GiB is reserved by PyTorch but unallocated. If reserved but unallocated memory is large try setting PYTORCH_CUDA_ALLOC_CONF=expandable_segments:True to avoid fragmentation.  See documentation for Memory Management  (https://pytorch.org/docs/stable/notes/cuda.html#environment-variables)" % r]
    for rk in (0, 6, 11, 19, 24):
        lines += ck.watchdog(c, rk, -5 + rk * 0.02, 6120, op="SEND", numel=33554432)[:1]
    lines += ck.app_noise(c, 3)
    c.log("pp-h100-01/slurm-44120.out", lines)
    c.log("pp-h100-04/journal", ck.kernel_noise(c, "pp-h100-04", 8, -1500, 0))
    dcgm(c, "pp-h100-04", extra=[("DCGM_FI_DEV_FB_USED", 61000, 3000,
                                  {7: lambda s, v: min(80900, 72000 + max(0, s + 700) * 12)}, 0)])
    health_node(c, "pp-h100-04")
    return c


@case
def s028():
    # All ranks OOM right after resume with a longer sequence length (pre-2.1 wording): job config.
    hosts = ["a100-n%02d" % i for i in (1, 2)]
    c = Case("case-s028", "cuda_oom", "job", hosts, gpu=A100)
    c.alert("JobFailed", "ds-codegen-6b resume failed on all 16 ranks", job="ds-codegen-6b", node="a100-n01")
    c.with_topology()
    lines = ["[%s] [INFO] [config.py:988:print] seq_length .................. 8192 (was 4096 in checkpoint args)" % c.ymd_ms(-200),
             "[%s] [INFO] [engine.py:3015:_load_checkpoint] rank=0 loaded checkpoint /mnt/ckpt/global_step54000" % c.ymd_ms(-150)]
    for rk in (0, 3, 7, 8, 12, 15):
        lines.append("[rank%d] RuntimeError: CUDA out of memory. Tried to allocate 8.00 GiB (GPU %d; 79.15 GiB total capacity; 66.41 GiB already allocated; 4.87 GiB free; 73.02 GiB reserved in total by PyTorch) If reserved memory is >> allocated memory try setting max_split_size_mb to avoid fragmentation.  See documentation for Memory Management and PYTORCH_CUDA_ALLOC_CONF" % (rk, rk % 8))
    lines += ["[%s] [ERROR] [launch.py:321:sigkill_handler] ['/usr/bin/python3', '-u', 'train.py', '--deepspeed', 'ds_z2.json'] exits with return code = 1" % c.ymd_ms(-60)]
    lines += ck.app_noise(c, 6)
    c.log("a100-n01/deepspeed.log", lines)
    c.log("a100-n02/journal", ck.kernel_noise(c, "a100-n02", 6))
    for h in hosts:
        dcgm(c, h, extra=[("DCGM_FI_DEV_FB_USED", 400, 50, {g: after(-190, lambda s, v: 76000 + c.rng.uniform(0, 3000)) for g in range(8)}, 0)])
    health_node(c, "a100-n01")
    return c


@case
def s029():
    # Illegal memory access in a new fused kernel; Xid 31 MMU fault on that GPU; peers fail after.
    hosts = ["gpu%03d" % i for i in (61, 62)]
    c = Case("case-s029", "illegal_memory_access", "gpu062/gpu2", hosts, gpu=H200)
    c.alert("JobFailed", "flash-moe-exp crashed: CUDA error", job="flash-moe-exp", node="gpu061")
    c.with_topology()
    r = c.rank_of("gpu062", 2)
    lines = ck.fsdp_steps(c, -300, 9, 120, step_s=1.9) + ck.app_noise(c, 3)
    lines += ["[rank%d]: RuntimeError: CUDA error: an illegal memory access was encountered" % r,
              "[rank%d]: CUDA kernel errors might be asynchronously reported at some other API call, so the stacktrace below might be incorrect." % r,
              "[rank%d]: For debugging consider passing CUDA_LAUNCH_BLOCKING=1" % r,
              "[rank%d]: Exception raised from c10_cuda_check_implementation at /opt/pytorch/c10/cuda/CUDAException.cpp:43" % r,
              "[rank%d]:   File \"/workspace/kernels/grouped_gemm_v2.py\", line 141, in forward" % r]
    lines += ["[rank4]:[E ProcessGroupNCCL.cpp:1316] [PG 0 Rank 4] NCCL watchdog thread terminated with exception: NCCL error: remote process exited or there was a network error"]
    c.log("gpu061/torchrun.log", lines)
    j = ck.kernel_noise(c, "gpu062", 6, -2000, 0)
    j += ["%s gpu062 kernel: NVRM: Xid (PCI:%s): 31, pid=51902, name=python3, Ch 00000008, intr 00000000. MMU Fault: ENGINE GRAPHICS GPC3 GPCCLIENT_T1_12 faulted @ 0x7f2a_3c000000. Fault is of type FAULT_PDE ACCESS_TYPE_VIRT_READ" % (c.syslog(-70), c.bus(2))]
    c.log("gpu062/journal", j)
    dcgm(c, "gpu062")
    health_node(c, "gpu062", over={2: dict(xid_last=31)})
    return c


@case
def s030():
    # Device-side assert (index out of bounds) in the embedding on one rank; Xid 13 logged.
    hosts = ["ws-a100-%d" % i for i in (1, 2, 3, 4)]
    c = Case("case-s030", "illegal_memory_access", "ws-a100-2/gpu7", hosts, gpu=A100)
    c.alert("TorchrunChildFailed", "multilingual-mt5 rank 15 failed", job="multilingual-mt5", node="ws-a100-2")
    c.with_topology()
    r = c.rank_of("ws-a100-2", 7)
    lines = ck.plain_steps(c, -500, 8, 4100, step_s=1.4)
    lines += ["../aten/src/ATen/native/cuda/Indexing.cu:1289: indexSelectLargeIndex: block: [311,0,0], thread: [%d,0,0] Assertion `srcIndex < srcSelectDimSize` failed." % t for t in (96, 97, 98, 99)]
    lines += ["RuntimeError: CUDA error: device-side assert triggered",
              "Compile with `TORCH_USE_CUDA_DSA` to enable device-side assertions.",
              "  File \"/app/model/embed.py\", line 54, in forward: return self.tok(ids)  # vocab 250112, ids max 250117 after tokenizer update"]
    lines += ck.elastic_failure(c, -20, "ws-a100-2", r, 7, 1, traceback="[rank15] RuntimeError: CUDA error: device-side assert triggered")
    c.log("ws-a100-2/train.log", lines)
    j = ck.kernel_noise(c, "ws-a100-2", 5, -2000, 0)
    j += ["%s ws-a100-2 kernel: NVRM: Xid (PCI:%s): 13, pid=71022, name=python, Graphics SM Warp Exception on (GPC 2, TPC 4, SM 1): Assert" % (c.syslog(-25), c.bus(7)),
          "%s ws-a100-2 kernel: NVRM: Xid (PCI:%s): 13, pid=71022, name=python, Graphics Exception: ESR 0x514730=0x1000d 0x514734=0x0 0x514728=0xc81eb60 0x51472c=0x1174" % (c.syslog(-25), c.bus(7))]
    c.log("ws-a100-2/journal", j)
    dcgm(c, "ws-a100-2")
    health_node(c, "ws-a100-2", over={7: dict(xid_last=13)})
    return c


@case
def s031():
    # Kernel OOM killer ends one rank on a node whose page cache filled with a dataset copy.
    hosts = ["cn%03d" % i for i in (510, 511, 512, 513)]
    c = Case("case-s031", "host_oom", "cn512", hosts, gpu=H100)
    c.alert("NCCLError", "vit-22b: ranks on 3 nodes lost their peer", job="vit-22b", node="cn510")
    c.with_topology()
    r = c.rank_of("cn512", 4)
    lines = ck.fsdp_steps(c, -700, 8, 3300, step_s=3.4)
    lines += ["[rank2]:[E ProcessGroupNCCL.cpp:1316] [PG 0 Rank 2] NCCL watchdog thread terminated with exception: NCCL error: remote process exited or there was a network error, NCCL version 2.21.5",
              "cn510:7721:7890 [2] transport/net_ib.cc:1696 NCCL WARN NET/IB : Got completion from peer 10.8.0.112<36112> with status=12 opcode=0 len=0 vendor err 129 (Send) hca mlx5_2"]
    lines += ck.elastic_failure(c, -15, "cn512", r, 4, -9, sig="SIGKILL")
    c.log("cn510/slurm-100233.out", lines)
    k = ck.kernel_noise(c, "cn512", 5, -1500, 0)
    k += ["%s cn512 kernel: python invoked oom-killer: gfp_mask=0x140cca(GFP_HIGHUSER_MOVABLE|__GFP_COMP), order=0, oom_score_adj=0" % c.syslog(-40),
          "%s cn512 kernel: Mem-Info:" % c.syslog(-40),
          "%s cn512 kernel: active_anon:489113242 inactive_anon:2101 isolated_anon:0 active_file:1021 inactive_file:388 unevictable:0" % c.syslog(-40),
          "%s cn512 kernel: oom-kill:constraint=CONSTRAINT_NONE,nodemask=(null),cpuset=/,mems_allowed=0-1,global_oom,task_memcg=/system.slice/slurmstepd.scope/job_100233/step_0/user/task_4,task=python,pid=61234,uid=1044" % c.syslog(-40),
          "%s cn512 kernel: Out of memory: Killed process 61234 (python) total-vm:2101445312kB, anon-rss:268811204kB, file-rss:1048576kB, shmem-rss:0kB, UID:1044 pgtables:612420kB oom_score_adj:0" % c.syslog(-40),
          "%s cn512 kernel: oom_reaper: reaped process 61234 (python), now anon-rss:0kB, file-rss:0kB, shmem-rss:0kB" % c.syslog(-38)]
    c.log("cn512/journal", k)
    total = 2.0e12
    for h, grow in (("cn512", True), ("cn511", False)):
        c.node_metric("node_memory_MemAvailable_bytes", {"instance": h},
                      (lambda s: max(1.2e9, 1.1e12 - max(0, s + 1100) * 1.0e9) if s < -40 else 1.6e12) if grow else (lambda s: 1.21e12 + c.rng.uniform(-2e10, 2e10)), 0)
        c.node_metric("node_memory_MemTotal_bytes", {"instance": h}, lambda s: total, 0)
    health_node(c, "cn512")
    return c


@case
def s032():
    # Kubernetes: the trainer container exceeds its memory limit (OOMKilled, exit 137).
    hosts = ["aks-ndh100-%d" % i for i in (1, 2)]
    c = Case("case-s032", "host_oom", "aks-ndh100-2", hosts, gpu=H100)
    c.alert("KubePodNotReady", "Pod train-phi-worker-1 OOMKilled", namespace="slm", pod="train-phi-worker-1", node="aks-ndh100-2")
    c.with_topology()
    ev = ["%s Normal   Started   pod/train-phi-worker-1   Started container pytorch" % c.iso(-2000),
          "%s Warning  OOMKilling  node/aks-ndh100-2   Memory cgroup out of memory: Killed process 91022 (pt_data_worker) total-vm:88213404kB, anon-rss:61228832kB, file-rss:0kB, shmem-rss:52428800kB, UID:0 pgtables:131204kB oom_score_adj:-997" % c.iso(-70),
          "%s Normal   Killing   pod/train-phi-worker-1   Stopping container pytorch" % c.iso(-69),
          "%s Warning  BackOff   pod/train-phi-worker-1   Back-off restarting failed container pytorch in pod train-phi-worker-1_slm" % c.iso(-20)]
    c.log("scheduler/events", ev)
    desc = ["    State:          Waiting", "      Reason:       CrashLoopBackOff",
            "    Last State:     Terminated", "      Reason:       OOMKilled", "      Exit Code:    137",
            "    Limits:", "      memory:             512Gi", "      nvidia.com/gpu:     8",
            "    Requests:", "      memory:             512Gi"]
    c.log("aks-ndh100-2/kubectl-describe-pod", desc)
    lines = ck.deepspeed_steps(c, -900, 6, 800, step_s=1.7)
    lines += ["RuntimeError: DataLoader worker (pid 91022) is killed by signal: Killed. ",
              "[rank9]:[E ProcessGroupNCCL.cpp:1316] [PG 0 Rank 9] NCCL watchdog thread terminated with exception: NCCL error: remote process exited or there was a network error"]
    c.log("aks-ndh100-1/pod/train-phi-worker-0/pytorch", lines)
    c.node_metric("container_memory_working_set_bytes", {"instance": "aks-ndh100-2", "pod": "train-phi-worker-1", "container": "pytorch"},
                  lambda s: min(5.49e11, 3.1e11 + max(0, s + 1000) * 2.6e8) if s < -70 else 4.0e10, 0)
    c.node_metric("container_spec_memory_limit_bytes", {"instance": "aks-ndh100-2", "pod": "train-phi-worker-1", "container": "pytorch"},
                  lambda s: 549755813888, 0)
    health_node(c, "aks-ndh100-2")
    return c


@case
def s033():
    # bf16 Megatron loss spike then NaN at a data-mixture change; hardware is clean.
    hosts = ["lx-h200-%02d" % i for i in range(1, 5)]
    c = Case("case-s033", "loss_divergence", "job", hosts, gpu=H200)
    c.alert("LossSpike", "gpt-13b-v4 lm loss above 3 sigma, then nan", job="gpt-13b-v4", node="lx-h200-01")
    c.with_topology()
    def lf(i):
        return 1.98 + c.rng.uniform(-.02, .02) if i < 8 else (2.4 * 1.6 ** (i - 8) if i < 13 else float("nan"))
    def gf(i):
        return 0.31 * c.rng.uniform(.9, 1.1) if i < 8 else (4.0 * 3 ** (i - 8) if i < 13 else float("nan"))
    lines = ck.megatron_iters(c, -700, 16, 241200, step_s=3.9, loss_fn=lf, grad_fn=gf,
                              nan_fn=lambda i: 0 if i < 13 else i - 12)
    lines.insert(6, "[%s] INFO data: blend switched to phase-3 (code 0.35 -> 0.55, lr 3.0e-4 held)" % c.ymd(-680))
    lines += ck.app_noise(c, 6)
    c.log("lx-h200-01/megatron.log", lines)
    dcgm(c, "lx-h200-01")
    health_node(c, "lx-h200-01")
    c.sdc("gpu.sdc@lx-h200-01")
    c.sdc("gpu.sdc@lx-h200-03")
    return c


@case
def s034():
    # DeepSpeed bf16 run: grad norm explodes after LR warmup was set to 0 steps in a config change.
    hosts = ["ds%02d" % i for i in (1, 2)]
    c = Case("case-s034", "loss_divergence", "job", hosts, gpu=A100)
    c.alert("TrainingLossNaN", "ds-llama-7b-cont loss nan for 50 steps", job="ds-llama-7b-cont", node="ds01")
    c.with_topology()
    lines = ["[%s] [INFO] [config.py:988:print]   scheduler_params ............. {'warmup_min_lr': 0, 'warmup_max_lr': 0.0006, 'warmup_num_steps': 0}" % c.ymd_ms(-1200)]
    lines += ck.deepspeed_steps(c, -1190, 6, 1, step_s=2.0, loss_fn=lambda i: [2.12, 4.88, 9.41, 17.2][min(i, 3)])
    for i, (g, lo) in enumerate([(88.1, "11.92"), (2301.4, "27.44"), ("inf", "nan"), ("nan", "nan")]):
        lines.append("[%s] [INFO] [train.py:430] step %d grad_norm %s loss %s" % (c.ymd_ms(-1100 + 20 * i), 10 + i, g, lo))
    lines += ["[%s] [WARNING] [train.py:455] loss is nan for 50 consecutive steps; stopping" % c.ymd_ms(-30)]
    lines += ck.app_noise(c, 5)
    c.log("ds01/train.log", lines)
    c.log("ds02/journal", ck.kernel_noise(c, "ds02", 6))
    dcgm(c, "ds01")
    health_node(c, "ds01")
    c.sdc("gpu.sdc@ds01")
    return c


@case
def s035():
    # DeepSpeed fp16: repeated overflow drives the loss scale to its minimum; the run exits.
    hosts = ["v-a100-%d" % i for i in (3, 4)]
    c = Case("case-s035", "fp16_loss_scale_collapse", "job", hosts, gpu=A100)
    c.alert("JobFailed", "bloom-3b-fp16 exited: loss scale at minimum", job="bloom-3b-fp16", node="v-a100-3")
    c.with_topology()
    lines = ck.deepspeed_steps(c, -800, 6, 70010, step_s=1.3)
    sc = 65536
    t = -500
    while sc > 1:
        lines.append("[%s] [INFO] [loss_scaler.py:183:update_scale] [deepspeed] OVERFLOW! Rank 0 Skipping step. Attempted loss scale: %d, reducing to %d" % (c.ymd_ms(t), sc, sc // 2))
        sc //= 2
        t += 25
    lines += ["[%s] [INFO] [loss_scaler.py:190:update_scale] [deepspeed] OVERFLOW! Rank 0 Skipping step. Attempted loss scale: 1, but hysteresis is 2. Reducing hysteresis to 1" % c.ymd_ms(t),
              "Exception: Current loss scale already at minimum - cannot decrease scale anymore. Exiting run."]
    c.log("v-a100-3/deepspeed.log", lines)
    dcgm(c, "v-a100-3")
    health_node(c, "v-a100-3")
    return c


@case
def s036():
    # Megatron fp16 with apex-style scaler: skipped iterations climb, loss scale falls to 1.
    hosts = ["fp16-h100-%02d" % i for i in (1, 2, 3, 4)]
    c = Case("case-s036", "fp16_loss_scale_collapse", "job", hosts, gpu=H100)
    c.alert("SkippedIterations", "gpt-6.7b-fp16: 40 of the last 50 iterations skipped", job="gpt-6.7b-fp16", node="fp16-h100-01")
    c.with_topology()
    scales = [4096.0, 2048.0, 512.0, 128.0, 32.0, 8.0, 2.0, 1.0, 1.0, 1.0, 1.0, 1.0]
    lines = ck.megatron_iters(c, -900, 12, 88000, step_s=2.2, scale_fn=lambda i: scales[i],
                              skipped_fn=lambda i: 0 if i < 1 else min(10, 2 + i),
                              loss_fn=lambda i: 2.44 + 0.01 * i + c.rng.uniform(-.02, .02))
    lines += ["Gradient overflow.  Skipping step, loss scaler 0 reducing loss scale to 2.0",
              "Gradient overflow.  Skipping step, loss scaler 0 reducing loss scale to 1.0",
              "[%s] WARNING: loss scale at min_loss_scale 1.0 and still overflowing: 10 consecutive iterations skipped" % c.ymd(-30)]
    lines += ck.app_noise(c, 4)
    c.log("fp16-h100-01/megatron.log", lines)
    c.log("fp16-h100-02/journal", ck.kernel_noise(c, "fp16-h100-02", 6))
    dcgm(c, "fp16-h100-01")
    health_node(c, "fp16-h100-01")
    return c


@case
def s037():
    # TransformerEngine FP8: amax history goes non-finite in one layer; scale collapses; loss jumps.
    hosts = ["fp8-h200-%d" % i for i in range(1, 5)]
    c = Case("case-s037", "fp8_scaling_overflow", "job", hosts, gpu=H200)
    c.alert("LossSpike", "nemotron-fp8-15b loss jump 1.9 -> 6.2", job="nemotron-fp8-15b", node="fp8-h200-1")
    c.with_topology()
    lines = ck.megatron_iters(c, -900, 8, 51000, step_s=3.1,
                              loss_fn=lambda i: 1.91 + c.rng.uniform(-.02, .02) if i < 6 else 6.2 + i * 0.1)
    lines += ["[%s] [fp8-monitor] step 51006 layer decoder.layers.27.mlp.fc2 fwd: amax_history contains inf (input), scale 2.44e-04 -> 0.00e+00" % c.ymd(-300),
              "[%s] [fp8-monitor] step 51006 layer decoder.layers.27.mlp.fc2 bwd: grad_output amax 6.55e+04, scale_inv inf" % c.ymd(-300),
              "[%s] [fp8-monitor] step 51007 e4m3 saturated casts 31.7%% of elements in 3 GEMMs (threshold 1%%)" % c.ymd(-296),
              "[%s] [fp8-monitor] step 51008 fp8 scale factors below 1e-06 in 14 of 384 tensors" % c.ymd(-292),
              "UserWarning: transformer_engine: FP8 recipe DelayedScaling(margin=0, fp8_format=HYBRID, amax_history_len=1024, amax_compute_algo=max)"]
    lines += ck.app_noise(c, 5)
    c.log("fp8-h200-1/train.log", lines)
    c.log("fp8-h200-1/journal", ck.kernel_noise(c, "fp8-h200-1", 6))
    dcgm(c, "fp8-h200-1")
    health_node(c, "fp8-h200-1")
    c.sdc("gpu.sdc@fp8-h200-1")
    return c


@case
def s038():
    # FP8 in torchao float8 training: scale goes to 0 after an overflow; loss NaN; bf16 rerun fine.
    hosts = ["gpu-n%02d" % i for i in (31, 32)]
    c = Case("case-s038", "fp8_scaling_overflow", "job", hosts, gpu=H100)
    c.alert("TrainingLossNaN", "titan-float8-8b loss nan", job="titan-float8-8b", node="gpu-n31")
    c.with_topology()
    lines = ck.fsdp_steps(c, -600, 7, 9800, step_s=1.2)
    lines += ["[rank0]:[titan] %s - root - WARNING - float8: amax of w13 in layers.17.feed_forward is inf; computed scale = 0.0" % c.ymd_ms(-200),
              "[rank0]:[titan] %s - root - WARNING - float8: e4m3 cast saturated 412881 of 14680064 elements (2.81%%) in layers.17.feed_forward.w2" % c.ymd_ms(-199),
              "[rank0]:[titan] %s - root - INFO - step: 9808  loss:     nan  memory: 51.22GiB(64.70%%)  tps: 10,412  tflops: 402.11  mfu: 40.66%%" % c.ymd_ms(-197),
              "[rank0]:[titan] %s - root - INFO - step: 9809  loss:     nan  memory: 51.22GiB(64.70%%)  tps: 10,398  tflops: 401.57  mfu: 40.60%%" % c.ymd_ms(-196),
              "[rank0]:[titan] %s - root - INFO - ablation: same checkpoint, float8 disabled (bf16): step 9808 loss 2.0712, 9809 loss 2.0698" % c.ymd_ms(-20)]
    lines += ck.app_noise(c, 5)
    c.log("gpu-n31/titan.log", lines)
    c.log("gpu-n32/journal", ck.kernel_noise(c, "gpu-n32", 6))
    dcgm(c, "gpu-n31")
    health_node(c, "gpu-n31")
    c.sdc("gpu.sdc@gpu-n31")
    c.sdc("gpu.sdc@gpu-n32")
    return c


@case
def s039():
    # Megatron MoE: router collapses onto 2 of 64 experts; capacity overflow; all-to-all slow.
    hosts = ["moe-h100-%02d" % i for i in range(1, 9)]
    c = Case("case-s039", "moe_expert_imbalance", "job", hosts, gpu=H100)
    c.alert("StepTimeRegression", "moe-64e-30b step time x2.3; tokens dropped", job="moe-64e-30b", node="moe-h100-01")
    c.with_topology()
    lines = ck.megatron_iters(c, -1000, 10, 31000, step_s=6.0,
                              step_fn=lambda i: 6.0 * c.rng.uniform(.99, 1.01) if i < 3 else 13.8 * c.rng.uniform(.97, 1.03))
    lines += ["[%s] [moe] step 31005 router: load_balancing_loss 0.0987 (was 0.0102), z_loss 1.2e-03" % c.ymd(-600),
              "[%s] [moe] step 31005 tokens per expert (layer 12): max 61.2%% (expert 7), 2nd 22.4%% (expert 40), 58 experts < 0.1%%" % c.ymd(-600),
              "[%s] [moe] step 31005 capacity factor 1.25: 47.8%% tokens dropped (layer 12), 39.1%% (layer 13)" % c.ymd(-600),
              "[%s] [moe] all-to-all dispatch time p50 412 ms (was 61 ms); EP rank 7 receives 38.4 GiB/step" % c.ymd(-590)]
    lines += ck.app_noise(c, 4)
    c.log("moe-h100-01/megatron.log", lines)
    c.log("moe-h100-05/journal", ck.kernel_noise(c, "moe-h100-05", 6))
    dcgm(c, "moe-h100-01", util={g: lambda s, v: 62 + c.rng.uniform(-8, 8) for g in range(8)})
    c.nccl("nccl.alltoall@job")
    c.nccl("nccl.alltoall@moe-h100-01")
    c.nccl("nccl.alltoall@moe-h100-02")
    health_node(c, "moe-h100-01")
    return c


@case
def s040():
    # DeepSpeed-MoE: hot experts make the ranks hosting them look like stragglers. Probes clear HW.
    hosts = ["ep-a100-%d" % i for i in (1, 2, 3, 4)]
    c = Case("case-s040", "moe_expert_imbalance", "job", hosts, gpu=A100)
    c.alert("StragglerDetected", "ranks 4 and 20 slowest for 200 steps in ds-moe-52b", job="ds-moe-52b", node="ep-a100-1")
    c.with_topology()
    lines = ck.deepspeed_steps(c, -900, 8, 44100, step_s=4.2, step_fn=lambda i: 7.7 * c.rng.uniform(.98, 1.02))
    lines += ["[%s] [INFO] [straggler.py:77] slowest ranks by fwd time: rank 4 (expert shard 4) 2.91 s, rank 20 (expert shard 20) 2.77 s, median 0.88 s" % c.ymd_ms(-300),
              "[%s] [WARNING] [sharded_moe.py:409] gate: capacity exceeded on experts [4, 20]: dropped 211844 of 524288 tokens" % c.ymd_ms(-280),
              "[%s] [INFO] [moe_stats.py:55] expert token share: e4 0.31, e20 0.29, e11 0.06, others <0.03; l_aux 0.214" % c.ymd_ms(-270)]
    lines += ck.app_noise(c, 4)
    c.log("ep-a100-1/ds.log", lines)
    dcgm(c, "ep-a100-1", util={4: lambda s, v: 98, 0: lambda s, v: 41 + c.rng.uniform(-5, 5)})
    gemm_node(c, "ep-a100-1")
    health_node(c, "ep-a100-1")
    gemm_node(c, "ep-a100-3")
    return c


@case
def s041():
    # One H200 runs GEMMs ~45% slower with no throttle reason; Megatron straggler detector names it.
    hosts = ["h200-m%02d" % i for i in range(1, 5)]
    c = Case("case-s041", "straggler_rank", "h200-m02/gpu6", hosts, gpu=H200)
    c.alert("StepTimeRegression", "llama-ft-8b-sweep step time +35%", job="llama-ft-8b-sweep", node="h200-m01")
    c.with_topology()
    r = c.rank_of("h200-m02", 6)
    lines = ck.megatron_iters(c, -900, 10, 1200, step_s=2.8, step_fn=lambda i: 3.8 * c.rng.uniform(.98, 1.02))
    lines += ["[%s] StragglerDetector: MnRtt/Rnk: 811.4ms/%d | MxRtt/Rnk: 1473.9ms/%d | MnPwr/Rnk: 601W/%d | MxPwr/Rnk: 688W/3 | MnTmp/Rnk: 44C/17 | MxTmp/Rnk: 58C/9 | MnUtl/Rnk: 71%%/%d | MxUtl/Rnk: 100%%/%d" % (
        c.ymd(-120), 3, r, r, r, r - 1)]
    lines += ck.app_noise(c, 5)
    c.log("h200-m01/megatron.log", lines)
    c.log("h200-m02/journal", ck.kernel_noise(c, "h200-m02", 6))
    dcgm(c, "h200-m02")
    health_node(c, "h200-m02")
    gemm_node(c, "h200-m02", over={6: 418.6})
    c.hbm("gpu.hbm_bandwidth@h200-m02/gpu6")
    return c


@case
def s042():
    # A leftover process from the previous job still runs on one GPU (not visible in what was
    # shipped beyond its memory use); that rank is the straggler. Probe decides.
    hosts = ["bm-h100-%02d" % i for i in (17, 18)]
    c = Case("case-s042", "straggler_rank", "bm-h100-18/gpu3", hosts, gpu=H100)
    c.alert("TrainingThroughputDrop", "fsdp-sd3 samples/s -28% after requeue", job="fsdp-sd3", node="bm-h100-17")
    c.with_topology()
    lines = ck.plain_steps(c, -800, 14, 7700, step_s=0.81, step_fn=lambda i: 1.12 * c.rng.uniform(.98, 1.02))
    lines += ["%s | WARN | profiler | rank 11 backward 0.61s vs median 0.33s (10 steps)" % c.ymd(-100),
              "%s | INFO | slurm | previous job 7712004 on bm-h100-18 stayed COMPLETING for 412 s (epilog timed out)" % c.ymd(-2500)]
    c.log("bm-h100-17/train.log", lines)
    c.log("bm-h100-18/journal", ck.kernel_noise(c, "bm-h100-18", 6))
    dcgm(c, "bm-h100-18", extra=[("DCGM_FI_DEV_FB_USED", 61022, 0, {3: lambda s, v: 78430}, 0)])
    health_node(c, "bm-h100-18")
    gemm_node(c, "bm-h100-18", over={3: 402.0})
    return c


@case
def s043():
    # Input pipeline starves the GPUs after the dataset moved to object storage; no comm errors.
    hosts = ["dl-h100-%d" % i for i in (1, 2, 3, 4)]
    c = Case("case-s043", "dataloader_stall", "job", hosts, gpu=H100)
    c.alert("GPUUtilLow", "mean GPU util 38% on dino-v3-vitg for 15 min", job="dino-v3-vitg", node="dl-h100-1")
    c.with_topology()
    lines = ck.plain_steps(c, -1000, 10, 55000, step_s=0.9,
                           step_fn=lambda i: 0.9 if i < 2 else 2.6 * c.rng.uniform(.8, 1.3),
                           extra=" | data_wait 1.71s")
    lines += ["%s | WARN | data | webdataset: s3://vision-shards/laion-hq/{000000..041999}.tar: 14 shard fetch retries in 60 s (SlowDown: Please reduce your request rate.)" % c.ymd(-400),
              "%s | INFO | data | prefetch queue depth 0/8 on 32 of 32 ranks" % c.ymd(-300),
              "%s | INFO | data | workers=10/rank, decode 4.2 ms/img, fetch p99 9.8 s" % c.ymd(-200)]
    lines += ck.app_noise(c, 4)
    c.log("dl-h100-1/train.log", lines)
    c.log("dl-h100-3/journal", ck.kernel_noise(c, "dl-h100-3", 6))
    dcgm(c, "dl-h100-1", util={g: after(-950, lambda s, v: 30 + c.rng.uniform(-15, 15)) for g in range(8)},
         power={g: after(-950, lambda s, v: 240 + c.rng.uniform(-40, 40)) for g in range(8)})
    c.nccl("nccl.allreduce@job")
    return c


@case
def s044():
    # Kubernetes CPU limit throttles the tokenizing data workers; GPUs idle in bursts.
    hosts = ["eks-p5-%s" % x for x in ("a1", "b2")]
    c = Case("case-s044", "dataloader_stall", "job", hosts, gpu=H100)
    c.alert("TrainingThroughputDrop", "codellm-3b tokens/s -60% since redeploy", namespace="codellm", job="codellm-3b", node="eks-p5-a1")
    c.with_topology()
    lines = ck.fsdp_steps(c, -1100, 12, 2200, step_s=0.6, step_fn=lambda i: 1.6 * c.rng.uniform(.7, 1.4))
    lines += ["[rank0]:[titan] %s - root - WARNING - dataloader: waited 1.02s for batch (step 2207); 0 batches buffered" % c.ymd_ms(-300),
              "[rank0]:[titan] %s - root - INFO - dataloader num_workers=2 (DATALOADER_WORKERS env), tokenizer=sentencepiece on the fly" % c.ymd_ms(-1500)]
    c.log("eks-p5-a1/pod/codellm-3b-worker-0/trainer", lines)
    c.node_metric("container_cpu_cfs_throttled_periods_total", {"instance": "eks-p5-a1", "pod": "codellm-3b-worker-0", "container": "trainer"},
                  lambda s: 1000 + (s + 1200) * 9.6, 0)
    c.node_metric("container_spec_cpu_quota", {"instance": "eks-p5-a1", "pod": "codellm-3b-worker-0", "container": "trainer"},
                  lambda s: 1600000, 0)
    dcgm(c, "eks-p5-a1", util={g: lambda s, v: 35 + c.rng.uniform(-20, 20) for g in range(8)})
    c.log("eks-p5-a1/journal", ck.kernel_noise(c, "eks-p5-a1", 6))
    health_node(c, "eks-p5-a1")
    c.nccl("nccl.allreduce@job")
    return c


@case
def s045():
    # Checkpoint save fails: the shared checkpoint file system is full.
    hosts = ["pd-h100-%02d" % i for i in range(1, 5)]
    c = Case("case-s045", "storage_failure", "job", hosts, gpu=H100)
    c.alert("JobFailed", "llama-30b-cpt failed during checkpoint save", job="llama-30b-cpt", node="pd-h100-01")
    c.with_topology()
    lines = ck.megatron_iters(c, -600, 6, 29994, step_s=8.0)
    lines += ["[%s] saving checkpoint at iteration   30000 to /lustre/proj/llm/ckpt/llama-30b-cpt" % c.ymd(-80),
              "Traceback (most recent call last):",
              "  File \"/opt/megatron/megatron/core/dist_checkpointing/strategies/filesystem_async.py\", line 221, in write_preloaded_data",
              "OSError: [Errno 28] No space left on device: '/lustre/proj/llm/ckpt/llama-30b-cpt/iter_0030000/__3_1.distcp'",
              "[rank0]: RuntimeError: Checkpoint save failed on 31 of 32 ranks"]
    lines += ck.app_noise(c, 4)
    c.log("pd-h100-01/slurm-7001.out", lines)
    k = ["%s pd-h100-02 kernel: LustreError: 3012:0:(osc_cache.c:2512:osc_queue_async_io()) proj-OST0007-osc-ffff9c2e: write failed: rc = -28" % c.syslog(-75),
         "%s pd-h100-02 kernel: LustreError: 3012:0:(osc_request.c:1891:osc_brw_fini_request()) proj-OST0007: grant 0, dirty 0 - ENOSPC" % c.syslog(-75)]
    k += ck.kernel_noise(c, "pd-h100-02", 5)
    c.log("pd-h100-02/journal", k)
    c.node_metric("lustre_ost_free_bytes", {"target": "proj-OST0007"}, lambda s: max(0, 8.1e11 - (s + 1200) * 7e8), 0)
    c.node_metric("lustre_ost_free_bytes", {"target": "proj-OST0006"}, lambda s: 2.2e12, 0)
    health_node(c, "pd-h100-01")
    return c


@case
def s046():
    # Rank 0 blocks in a slow checkpoint write to NFS; everyone else hits the NCCL watchdog.
    hosts = ["nfs-a100-%d" % i for i in (1, 2, 3, 4)]
    c = Case("case-s046", "storage_failure", "job", hosts, gpu=A100)
    c.alert("NCCLWatchdogTimeout", "gpt-j-ft watchdog timeout on 31 ranks", job="gpt-j-ft", node="nfs-a100-1")
    c.with_topology()
    lines = ck.deepspeed_steps(c, -1500, 4, 9996, step_s=1.4)
    lines += ["[%s] [INFO] [engine.py:3471:_save_zero_checkpoint] rank 0 saving zero checkpoint to /mnt/nfs/ckpt/global_step10000" % c.ymd_ms(-920)]
    for rk in (1, 9, 17, 30):
        lines += ck.watchdog(c, rk, -300 + rk * 0.02, 60881, op="_ALLGATHER_BASE", numel=1048576)[:1]
    lines += ["[%s] [INFO] [torch_checkpoint_engine.py:33:save] [Torch] Saved /mnt/nfs/ckpt/global_step10000/mp_rank_00_model_states.pt. (took 904.11 s, 12.0 GiB)" % c.ymd_ms(-15)]
    c.log("nfs-a100-1/ds.log", lines)
    k = ck.kernel_noise(c, "nfs-a100-1", 4, -1500, 0)
    k += ["%s nfs-a100-1 kernel: nfs: server nas-03 not responding, still trying" % c.syslog(-880),
          "%s nfs-a100-1 kernel: nfs: server nas-03 not responding, still trying" % c.syslog(-700),
          "%s nfs-a100-1 kernel: INFO: task python:88210 blocked for more than 122 seconds." % c.syslog(-790),
          "%s nfs-a100-1 kernel: \"echo 0 > /proc/sys/kernel/hung_task_timeout_secs\" disables this message." % c.syslog(-790),
          "%s nfs-a100-1 kernel: nfs: server nas-03 OK" % c.syslog(-20)]
    c.log("nfs-a100-1/journal", k)
    c.node_metric("node_nfs_rpc_retransmissions_total", {"instance": "nfs-a100-1"}, lambda s: 12 if s < -900 else 12 + (s + 900) * 0.4, 0)
    c.node_metric("node_nfs_rpc_retransmissions_total", {"instance": "nfs-a100-2"}, lambda s: 9, 0)
    dcgm(c, "nfs-a100-1")
    health_node(c, "nfs-a100-1")
    c.nccl("nccl.allreduce@nfs-a100-1")
    return c


@case
def s047():
    # torchrun --nnodes disagrees with the Slurm allocation: rendezvous never completes.
    hosts = ["slm-h200-%02d" % i for i in (5, 6, 7)]
    c = Case("case-s047", "launch_config_error", "job", hosts, gpu=H200)
    c.alert("JobStuckInit", "qwen-sft-72b: no step after 20 min", job="qwen-sft-72b", node="slm-h200-05")
    c.with_topology()
    lines = ck.app_noise(c, 6) + ["#SBATCH --nodes=3", "#SBATCH --ntasks-per-node=1", "#SBATCH --gpus-per-node=8",
             "+ srun torchrun --nnodes=4 --nproc_per_node=8 --rdzv_id=qwen-sft --rdzv_backend=c10d --rdzv_endpoint=slm-h200-05:29400 sft.py --config qwen72b.yaml",
             "I%s 4410 torch/distributed/elastic/agent/server/api.py:883] [default] starting workers for entrypoint: python" % c.glog(-1300)[1:],
             "I%s 4410 torch/distributed/elastic/agent/server/api.py:722] [default] Rendezvous'ing worker group" % c.glog(-1300)[1:]]
    lines += ["I%s 4410 torch/distributed/elastic/rendezvous/dynamic_rendezvous.py:1150] The node 'slm-h200-0%d_4410_0' attempts to join the next round of the rendezvous 'qwen-sft'." % (c.glog(-1299 + h)[1:], h) for h in (5, 6, 7)]
    lines += ["W%s 4410 torch/distributed/elastic/rendezvous/dynamic_rendezvous.py:1200] rendezvous 'qwen-sft': 3 of min_nodes=4 nodes joined; waiting" % c.glog(-600)[1:],
              "torch.distributed.elastic.rendezvous.api.RendezvousTimeoutError",
              "[ERROR] rendezvous 'qwen-sft' timed out after 1200 s waiting for 4 nodes (3 joined: slm-h200-05, slm-h200-06, slm-h200-07)"]
    c.log("slm-h200-05/slurm-220011.out", lines)
    c.log("slm-h200-06/journal", ck.kernel_noise(c, "slm-h200-06", 5))
    health_node(c, "slm-h200-05")
    c.nccl("nccl.allreduce@job")
    return c


@case
def s048():
    # Wrong GPU mapping from the launcher: two ranks on the same device ("Duplicate GPU detected").
    hosts = ["kf-a100-%d" % i for i in (1, 2)]
    c = Case("case-s048", "launch_config_error", "job", hosts, gpu=A100)
    c.alert("TrainingInitFailed", "pytorchjob seg-anything-ft failed at init", namespace="vision", job="seg-anything-ft", node="kf-a100-1")
    c.with_topology()
    lines = ["env: LOCAL_RANK=%d CUDA_VISIBLE_DEVICES=0,1,2,3 nproc_per_node=8" % r for r in (0, 4)]
    lines += ["kf-a100-1:211:211 [0] NCCL INFO cudaDriverVersion 12040",
              "kf-a100-1:215:215 [0] init.cc:871 NCCL WARN Duplicate GPU detected : rank 4 and rank 0 both on CUDA device %s000" % c.pci[0],
              "kf-a100-1:215:215 [0] NCCL INFO init.cc:1501 -> 5",
              "[rank4]: torch.distributed.DistBackendError: NCCL error in: ../torch/csrc/distributed/c10d/ProcessGroupNCCL.cpp:1691, invalid usage (run with NCCL_DEBUG=WARN for details), NCCL version 2.19.3",
              "[rank4]: ncclInvalidUsage: This usually reflects invalid usage of NCCL library.",
              "[rank4]: Last error:",
              "[rank4]: Duplicate GPU detected : rank 4 and rank 0 both on CUDA device %s000" % c.pci[0],
              "RuntimeError: CUDA error: invalid device ordinal (local_rank 4 with 4 visible devices)"]
    lines += ck.app_noise(c, 8)
    c.log("kf-a100-1/pod/seg-anything-ft-worker-0/pytorch", lines)
    yaml = ["    resources:", "      limits:", "        nvidia.com/gpu: 4", "    env:",
            "    - name: PET_NPROC_PER_NODE", "      value: \"8\""]
    c.log("kf-a100-1/pytorchjob.yaml", yaml)
    inventory_node(c, "kf-a100-1")
    health_node(c, "kf-a100-1")
    return c


@case
def s049():
    # Three-node H100 run slows; NCCL logs blame the network, but one GPU's GEMM rate is low (probe).
    hosts = ["ax-h100-%d" % i for i in (61, 62, 63)]
    c = Case("case-s049", "straggler_rank", "ax-h100-61/gpu0", hosts, gpu=H100)
    c.alert("StepTimeRegression", "titan-llama-13b step time +24%", job="titan-llama-13b", node="ax-h100-62")
    c.with_topology()
    lines = ck.fsdp_steps(c, -900, 12, 800, step_s=1.4, step_fn=lambda i: 1.74 * c.rng.uniform(.98, 1.02))
    lines += ["ax-h100-62:9001:9170 [3] NCCL INFO Channel 12/0 : 11[3] -> 0[0] [send] via NET/IB/3/GDRDMA",
              "[rank0]:[titan] %s - root - WARNING - reduce_scatter wait 0.31s avg on ranks 1-23 (rank 0: 0.02s)" % c.ymd_ms(-200)]
    lines += ck.app_noise(c, 5)
    c.log("ax-h100-62/titan.log", lines)
    c.log("ax-h100-61/journal", ck.kernel_noise(c, "ax-h100-61", 6))
    dcgm(c, "ax-h100-61", power={0: lambda s, v: 455 + c.rng.uniform(-25, 25)})
    health_node(c, "ax-h100-61")
    gemm_node(c, "ax-h100-61", over={0: 471.8})
    c.nccl("nccl.allreduce@ax-h100-61")
    c.nccl("nccl.allreduce@job")
    c.errored("gpu.gemm@ax-h100-62/gpu0", "not run: ax-h100-62 is not drained (intrusive probe needs exclusive GPUs; ax-h100-61 was drained)", 0.0)
    return c


@case
def s050():
    # IB link degraded to 1x width on one NIC; no kernel log or port counters shipped; probes find it.
    hosts = ["ib-a100-%02d" % i for i in (21, 22, 23, 24)]
    c = Case("case-s050", "ib_link_failure", "ib-a100-23/mlx5_5", hosts, gpu=A100)
    c.alert("TrainingThroughputDrop", "megatron-bert-3.9b samples/s -45%", job="megatron-bert-3.9b", node="ib-a100-21")
    c.with_topology()
    lines = ck.megatron_iters(c, -900, 12, 70100, step_s=1.1, step_fn=lambda i: 2.0 * c.rng.uniform(.98, 1.02))
    lines += ["ib-a100-21:4411:4560 [5] NCCL INFO NET/IB : GPU Direct RDMA Enabled for HCA 5 'mlx5_5'",
              "ib-a100-21:4411:4560 [5] NCCL INFO Channel 05/0 : 5[5] -> 21[5] [send] via NET/IB/5/GDRDMA"]
    lines += ck.app_noise(c, 4)
    c.log("ib-a100-21/train.log", lines)
    c.log("ib-a100-21/journal", ck.kernel_noise(c, "ib-a100-21", 6))
    dcgm(c, "ib-a100-23")
    c.nccl("nccl.sendrecv@ib-a100-23", busbw=5.8, details={"slowest_hca": "mlx5_5", "note": "port 1 active width 1X (expected 4X)"})
    c.nccl("nccl.sendrecv@ib-a100-22")
    c.nccl("nccl.allreduce@ib-a100-23")
    c.errored("nccl.allreduce@job", "probe timed out after 120 s waiting for 32 ranks", 120.0)
    health_node(c, "ib-a100-23")
    return c


@case
def s051():
    # Host OOM from pinned-memory growth in CPU offload; no OOM-killer line shipped, Slurm says OOM.
    hosts = ["hm-h200-%d" % i for i in (1, 2)]
    c = Case("case-s051", "host_oom", "hm-h200-2", hosts, gpu=H200)
    c.alert("JobFailed", "ds-offload-70b OUT_OF_MEMORY", job="ds-offload-70b", node="hm-h200-1")
    c.with_topology()
    lines = ck.deepspeed_steps(c, -900, 6, 320, step_s=9.0)
    lines += ["slurmstepd: error: Detected 1 oom_kill event in StepId=339001.0. Some of the step tasks have been OOM Killed.",
              "srun: error: hm-h200-2: task 1: Out Of Memory",
              "[%s] [INFO] [stage3.py:1899:_optimizer_step] pinned host buffers: 1402.7 GiB (cpu offload of optimizer states + params)" % c.ymd_ms(-120),
              "[rank3]: NCCL error: remote process exited or there was a network error"]
    lines += ck.app_noise(c, 4)
    c.log("hm-h200-1/slurm-339001.out", lines)
    c.log("hm-h200-1/journal", ck.kernel_noise(c, "hm-h200-1", 6))
    c.node_metric("node_memory_MemAvailable_bytes", {"instance": "hm-h200-2"},
                  lambda s: max(3e9, 4.0e11 - max(0, s + 1000) * 4e8) if s < -30 else 1.9e12, 0)
    c.node_metric("node_memory_MemAvailable_bytes", {"instance": "hm-h200-1"}, lambda s: 3.6e11 + c.rng.uniform(-1e10, 1e10), 0)
    health_node(c, "hm-h200-2")
    return c


@case
def s052():
    # Data reads crawl on one node's local NVMe cache (media errors); that rank's loader is slow.
    hosts = ["nv-h100-%02d" % i for i in (40, 41)]
    c = Case("case-s052", "storage_failure", "nv-h100-41", hosts, gpu=H100)
    c.alert("StepTimeRegression", "pixart-ft step time x3 on 1 of 2 nodes' ranks", job="pixart-ft", node="nv-h100-40")
    c.with_topology()
    lines = ck.plain_steps(c, -900, 12, 3300, step_s=1.0, step_fn=lambda i: 3.1 * c.rng.uniform(.9, 1.1),
                           extra=" | data_wait(max rank 12) 2.05s")
    c.log("nv-h100-40/train.log", lines)
    dm = ck.kernel_noise(c, "nv-h100-41", 4, -1500, 0, fmt="dmesg")
    for i in range(4):
        t = -1000 + 200 * i
        dm += ["%s nvme nvme1: I/O 412 QID 17 timeout, aborting" % c.dmesg(t),
               "%s blk_update_request: critical medium error, dev nvme1n1, sector 88123392 op 0x0:(READ) flags 0x80700 phys_seg 32 prio class 0" % c.dmesg(t + 1),
               "%s EXT4-fs warning (device nvme1n1): ext4_end_bio:343: I/O error 10 writing to inode 1311 starting block 11015424)" % c.dmesg(t + 2)]
    c.log("nv-h100-41/dmesg", dm)
    c.node_metric("node_disk_read_time_seconds_total", {"instance": "nv-h100-41", "device": "nvme1n1"}, lambda s: 1000 + (s + 1200) * 5.1, 0)
    c.node_metric("node_disk_read_time_seconds_total", {"instance": "nv-h100-40", "device": "nvme1n1"}, lambda s: 800 + (s + 1200) * 0.2, 0)
    dcgm(c, "nv-h100-41", util={g: lambda s, v: 31 + c.rng.uniform(-10, 10) for g in range(8)})
    health_node(c, "nv-h100-41")
    return c


@case
def s053():
    # One H100 held by SW thermal slowdown; its node's dcgm-exporter is down, so only probes see it.
    hosts = ["tx-h100-%02d" % i for i in (1, 2, 3, 4)]
    c = Case("case-s053", "gpu_thermal_throttle", "tx-h100-02/gpu6", hosts, gpu=H100)
    c.alert("StepTimeRegression", "megatron-gpt-8b step time +20%", job="megatron-gpt-8b", node="tx-h100-01")
    c.with_topology()
    r = c.rank_of("tx-h100-02", 6)
    lines = ck.megatron_iters(c, -900, 12, 5000, step_s=2.1, step_fn=lambda i: 2.55 * c.rng.uniform(.98, 1.02))
    lines += ["[%s] [timers] forward-backward min 1.62 s (rank 2) max 2.41 s (rank %d)" % (c.ymd(-120), r)]
    lines += ck.app_noise(c, 4)
    c.log("tx-h100-01/megatron.log", lines)
    j = ck.kernel_noise(c, "tx-h100-02", 5)
    j += ["%s tx-h100-02 systemd[1]: dcgm-exporter.service: Main process exited, code=exited, status=1/FAILURE" % c.syslog(-2600),
          "%s tx-h100-02 systemd[1]: dcgm-exporter.service: Start request repeated too quickly." % c.syslog(-2590)]
    c.log("tx-h100-02/journal", j)
    dcgm(c, "tx-h100-03")
    health_node(c, "tx-h100-02", over={6: dict(temperature_c=86, sm_clock_mhz=1305, clock_event_reasons=0x20, power_w=512)})
    gemm_node(c, "tx-h100-02", over={6: 488.0})
    return c


@case
def s054():
    # H200: one GPU's PCIe link retrained to Gen3 after a hot reset; only its host copies suffer.
    hosts = ["pc-h200-%d" % i for i in (7, 8)]
    c = Case("case-s054", "pcie_link_degraded", "pc-h200-8/gpu1", hosts, gpu=H200)
    c.alert("DataLoaderSlowRank", "rank 9 h2d copy time 4x median (vlm-pt-11b)", job="vlm-pt-11b", node="pc-h200-7")
    c.with_topology()
    lines = ck.fsdp_steps(c, -800, 10, 12000, step_s=1.9, step_fn=lambda i: 2.5 * c.rng.uniform(.98, 1.02))
    lines += ["[rank0]:[titan] %s - root - WARNING - slowest rank by batch-to-device time: rank 9 41.2 ms (median 10.3 ms)" % c.ymd_ms(-100)]
    lines += ck.app_noise(c, 4)
    c.log("pc-h200-7/titan.log", lines)
    c.log("pc-h200-8/journal", ck.kernel_noise(c, "pc-h200-8", 6))
    dcgm(c, "pc-h200-8")
    health_node(c, "pc-h200-8", over={1: dict(pcie_link_gen=3)})
    for g in (0, 1, 2):
        c.pcie("gpu.pcie_bandwidth@pc-h200-8/gpu%d" % g, h2d=12.9 if g == 1 else None, d2h=13.2 if g == 1 else None)
    return c


@case
def s055():
    # A rank dies with "unspecified launch failure"; the journal was not shipped; the probe shows DBEs.
    hosts = ["ue-a100-%02d" % i for i in (1, 2, 3)]
    c = Case("case-s055", "gpu_memory_uncorrectable_ecc", "ue-a100-03/gpu3", hosts, gpu=A100)
    c.alert("TorchrunChildFailed", "rlhf-ppo-13b rank 19 failed", job="rlhf-ppo-13b", node="ue-a100-03")
    c.with_topology()
    r = c.rank_of("ue-a100-03", 3)
    lines = ck.deepspeed_steps(c, -600, 6, 410, rank=r, step_s=6.2)
    lines += ["[rank%d]: RuntimeError: CUDA error: unspecified launch failure" % r,
              "[rank%d]: CUDA kernel errors might be asynchronously reported at some other API call, so the stacktrace below might be incorrect." % r]
    lines += ck.elastic_failure(c, -50, "ue-a100-03", r, 3, 1)
    c.log("ue-a100-03/torchrun.log", lines)
    dcgm(c, "ue-a100-03", util={3: after(-60, lambda s, v: 0)})
    health_node(c, "ue-a100-03", over={3: dict(ecc_dbe_volatile=1, ecc_dbe_aggregate=1, retired_pages=0,
                                               remap_pending=1, xid_last=95)})
    c.errored("gpu.gemm@ue-a100-03/gpu3", "cuCtxCreate failed: CUDA_ERROR_ECC_UNCORRECTABLE", 0.6)
    gemm_node(c, "ue-a100-03", skip=(3,))
    return c


@case
def s056():
    # Intra-node all-reduce slow on one H100 node; two NVLinks of one GPU are down, no Xid shipped.
    hosts = ["nl-h100-%02d" % i for i in (9, 10)]
    c = Case("case-s056", "nvlink_error", "nl-h100-10/gpu1", hosts, gpu=H100)
    c.alert("TrainingThroughputDrop", "tp8-gpt-20b tokens/s -30% after node swap", job="tp8-gpt-20b", node="nl-h100-09")
    c.with_topology()
    lines = ck.megatron_iters(c, -900, 12, 3300, step_s=3.2, step_fn=lambda i: 4.4 * c.rng.uniform(.98, 1.02))
    lines += ["nl-h100-10:8812:8990 [1] NCCL INFO Channel 07/24 : 9[1] -> 10[2] via P2P/CUMEM/read",
              "[%s] [timers] tensor-parallel all-reduce avg 38.1 ms on nl-h100-10 vs 12.4 ms on nl-h100-09" % c.ymd(-100)]
    lines += ck.app_noise(c, 4)
    c.log("nl-h100-09/megatron.log", lines)
    c.log("nl-h100-10/journal", ck.kernel_noise(c, "nl-h100-10", 6))
    dcgm(c, "nl-h100-10")
    health_node(c, "nl-h100-10", over={1: dict(nvlink_links_up=16)})
    c.nccl("nccl.allreduce@nl-h100-10", busbw=151.0)
    c.nccl("nccl.allreduce@nl-h100-09")
    c.nccl("nccl.p2p_matrix@nl-h100-10", busbw=88.0, details={"slowest_pair": "gpu1<->gpu6", "note": "pairs with gpu1 at 88-97 GB/s, others 300+"})
    return c


@case
def s057():
    # One H200 in HW power brake (its board's power sensor trips); clocks low, temperature normal.
    hosts = ["pb-h200-%02d" % i for i in (1, 2, 3, 4)]
    c = Case("case-s057", "gpu_power_throttle", "pb-h200-03/gpu2", hosts, gpu=H200)
    c.alert("StepTimeRegression", "titan-llama3-405b step time +27% for 20 min", job="titan-llama3-405b", node="pb-h200-01")
    c.with_topology()
    lines = ck.fsdp_steps(c, -1000, 12, 600, step_s=6.1, step_fn=lambda i: 6.1 * c.rng.uniform(.99, 1.01) if i < 3 else 7.8 * c.rng.uniform(.98, 1.02))
    lines += ["[rank0]:[titan] %s - root - WARNING - all-gather wait dominated by rank 18 for 40 of the last 50 steps" % c.ymd_ms(-90)]
    lines += ck.app_noise(c, 4)
    c.log("pb-h200-01/titan.log", lines)
    c.log("pb-h200-03/journal", ck.kernel_noise(c, "pb-h200-03", 7))
    dcgm(c, "pb-h200-03", clock={2: after(-950, lambda s, v: 1020 + c.rng.uniform(-90, 90))},
         power={2: after(-950, lambda s, v: 402 + c.rng.uniform(-30, 30))})
    health_node(c, "pb-h200-03", over={2: dict(sm_clock_mhz=990, power_w=398, clock_event_reasons=0x88)})
    gemm_node(c, "pb-h200-03", over={2: 455.0})
    return c


# ------------------------------------------------------------------------------------ main
def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default=os.path.dirname(os.path.abspath(__file__)))
    args = ap.parse_args(argv)
    n = ck.write_cases([fn() for fn in CASES], args.out)
    print("wrote %d cases to %s" % (n, args.out))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
