#!/usr/bin/env python3
"""holdout12: diagnosis cases written after freeze 12 (reasoner frozen at c2c3aab).

Each case is a hand-written function: the incident (what failed, where, what the loud symptoms
are, which probes could run and what they return) is decided by hand here; casekit only supplies
timestamps, background training lines, noise and the bookkeeping of probe results.

Usage: python3 evals/diagnosis/holdout12/holdout12_cases.py [--out DIR]   (default: this folder)
Deterministic: the same code writes the same files.
"""

import argparse
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import casekit as ck  # noqa: E402
from casekit import Case  # noqa: E402

H100 = "NVIDIA H100 80GB HBM3"
H200 = "NVIDIA H200"
A100 = "NVIDIA A100-SXM4-80GB"


# ------------------------------------------------------------------------------------ helpers
def stop_after(t):
    """Metric override: the series ends at offset t (the GPU was lost)."""
    return lambda s, v: None if s > t else v


def after(t, fn):
    """Metric override: normal value before offset t, fn(s, v) from t on."""
    return lambda s, v: fn(s, v) if s >= t else v


def dcgm(c, host, util=95.0, temp=61.0, power_frac=0.84, clock_drop=70.0, over=None, which=None,
         gpus=None):
    """The usual dcgm-exporter series for every GPU of `host`. `over` maps a short metric name
    (util, temp, power, clock, mem_temp) to {gpu: fn(s, v)}; `which` restricts the metrics."""
    over = over or {}
    sp = c.spec
    table = [
        ("temp", "DCGM_FI_DEV_GPU_TEMP", temp, 4.0, 0),
        ("power", "DCGM_FI_DEV_POWER_USAGE", power_frac * sp["tdp"], 0.06 * sp["tdp"], 1),
        ("clock", "DCGM_FI_DEV_SM_CLOCK", sp["clock"] - clock_drop, 50.0, 0),
        ("util", "DCGM_FI_DEV_GPU_UTIL", util, 3.0, 0),
    ]
    for short, name, base, jit, dec in table:
        if which and short not in which:
            continue
        c.gpu_metric(name, host, base, jitter=jit, over=over.get(short), decimals=dec, gpus=gpus)


def health_all(c, host, bad=None, error=None, skip=()):
    """gpu.health on every GPU of `host`; bad = {gpu: overrides}, error = {gpu: reason}."""
    bad = bad or {}
    error = error or {}
    for g in range(c.gpus):
        key = "gpu.health@%s/gpu%d" % (host, g)
        if g in skip:
            continue
        if g in error:
            c.errored(key, error[g], duration=round(c.rng.uniform(8, 31), 1))
        else:
            c.health_rates(key, **bad.get(g, {}))


def per_gpu(c, host, kind, bad=None, skip=(), error=None):
    """gemm / hbm / pcie / inventory / launch on every GPU of `host`; bad = {gpu: value}."""
    bad = bad or {}
    error = error or {}
    fn = {"gemm": c.gemm, "hbm": c.hbm, "pcie": c.pcie, "launch": c.kernel_launch,
          "inventory": c.inventory}[kind]
    name = {"gemm": "gpu.gemm", "hbm": "gpu.hbm_bandwidth", "pcie": "gpu.pcie_bandwidth",
            "launch": "gpu.kernel_launch", "inventory": "gpu.inventory"}[kind]
    for g in range(c.gpus):
        if g in skip:
            continue
        key = "%s@%s/gpu%d" % (name, host, g)
        if g in error:
            c.errored(key, error[g])
        elif g in bad:
            v = bad[g]
            if kind == "pcie":
                c.pcie(key, h2d=v[0], d2h=v[1])
            elif kind == "inventory":
                c.inventory(key, **v)
            elif kind == "gemm":
                c.gemm(key, tflops=v)
            elif kind == "hbm":
                c.hbm(key, gb_s=v)
            else:
                c.kernel_launch(key, us=v)
        else:
            fn(key)


def inventory_lost(c, host, lost):
    """gpu.inventory on every GPU slot of `host` when GPU `lost` is no longer enumerated: the lost
    one fails with the visible count; the others are enumerated (pass) and report the same count."""
    for g in range(c.gpus):
        key = "gpu.inventory@%s/gpu%d" % (host, g)
        c.inventory(key, count=c.gpus - 1, expected=c.gpus)
        if g != lost:
            r = c.probes[key]
            r["thresholds"] = {}
            r["status"] = "pass"
            r["reason"] = "gpu%d enumerated; %d of %d GPUs visible on the node (bus %s.0 missing)" % (
                g, c.gpus - 1, c.gpus, c.bus(lost))


def a100_nccl(c, key, busbw=None):
    """NCCL probe figures for an A100 node (NVLink 3: ~230 GB/s intra-node all-reduce busbw)."""
    op = key.split("@")[0].split(".")[1]
    job = key.endswith("@job")
    minimum = {"allreduce": 180.0, "allgather": 170.0, "reducescatter": 170.0, "alltoall": 120.0,
               "sendrecv": 100.0, "p2p_matrix": 200.0}[op]
    if job and op != "p2p_matrix":
        minimum = {"allreduce": 80.0, "alltoall": 20.0, "sendrecv": 20.0}.get(op, 75.0)
    c.nccl(key, busbw=busbw if busbw is not None else minimum * c.rng.uniform(1.18, 1.3),
           minimum=minimum)


def nvrm(c, host, s, bus, xid, text, pid=None, name="python3"):
    """A driver Xid line as the journal prints it (newer drivers add pid/name)."""
    if pid is None:
        return "%s %s kernel: NVRM: Xid (PCI:%s): %d, %s" % (c.syslog(s), host, bus, xid, text)
    return "%s %s kernel: NVRM: Xid (PCI:%s): %d, pid=%d, name=%s, %s" % (
        c.syslog(s), host, bus, xid, pid, name, text)


def torch_tail(c, s, rank, host, exitcode=1, sig=None, local=None):
    """torchrun's summary for a failed rank."""
    return ck.elastic_failure(c, s, host, rank, rank % c.gpus if local is None else local,
                              exitcode, sig=sig)


# ------------------------------------------------------------------------------------- cases
def case_q001():
    # 4 nodes of H100, Megatron under Slurm. Every rank reports the NCCL watchdog; the journal of
    # one node says GPU 5 fell off the bus, and its DCGM series stop.
    hosts = ["hpc-g0417", "hpc-g0418", "hpc-g0421", "hpc-g0422"]
    c = Case("case-q001", "gpu_fallen_off_bus", "hpc-g0421/gpu5", hosts, gpu=H100, pci=ck.PCI_BUS_B)
    c.alert("TrainingJobFailed", "Slurm job 884213 (llm-70b-pretrain) exited: 32 of 32 ranks report "
            "NCCL watchdog timeouts", job="llm-70b-pretrain", node="hpc-g0417", cluster="hpc-west")
    bad_rank = c.rank_of("hpc-g0421", 5)
    rank0 = ck.megatron_iters(c, -770, 14, 41822, step_s=8.3, loss=1.884) + ck.app_noise(c, 3)
    lines = []
    for r in (0, 7, 9, 30, bad_rank - 1, bad_rank + 1):
        lines += ck.watchdog(c, r, -38 + c.rng.uniform(0, 3), 1388210, op="_ALLGATHER_BASE",
                             numel=134217728, timeout_ms=600000)[:2]
    lines.append("[rank%d]:%s ProcessGroupNCCL.cpp:1411] [PG 0 Rank %d] NCCL watchdog thread "
                  "terminated with exception: CUDA error: unspecified launch failure" % (
                      bad_rank, c.glog(-634, "E"), bad_rank))
    lines.append("[rank%d]: CUDA kernel errors might be asynchronously reported at some other API call, "
                 "so the stacktrace below might be incorrect." % bad_rank)
    c.log("hpc-g0417/slurm-884213.out", rank0 + lines + [
        "srun: error: hpc-g0421: task %d: Aborted (core dumped)" % bad_rank,
        "srun: error: hpc-g0417: tasks 0-7: Aborted (core dumped)",
        "srun: error: hpc-g0418: tasks 8-15: Aborted (core dumped)",
        "srun: error: hpc-g0422: tasks 24-31: Aborted (core dumped)",
        "srun: Job step aborted: Waiting up to 32 seconds for job step to finish.",
    ])
    bus = "0000:%s:00" % ck.PCI_BUS_B[5]
    j = ck.kernel_noise(c, "hpc-g0421", 9, start_s=-1500, end_s=-30)
    j += [
        nvrm(c, "hpc-g0421", -640, bus, 79, "GPU has fallen off the bus.", pid=2211874),
        "%s hpc-g0421 kernel: NVRM: GPU %s.0: GPU has fallen off the bus." % (c.syslog(-640), bus),
        "%s hpc-g0421 kernel: NVRM: GPU %s.0: GPU serial number is 1654923017384." % (c.syslog(-640), bus),
        "%s hpc-g0421 kernel: NVRM: A GPU crash dump has been created. If possible, please run"
        % c.syslog(-639),
        "%s hpc-g0421 kernel: NVRM: nvidia-bug-report.sh as root to collect this data before" % c.syslog(-639),
        "%s hpc-g0421 kernel: NVRM: the NVIDIA kernel module is unloaded." % c.syslog(-639),
        "%s hpc-g0421 nv-hostengine[3120]: Detected XID 79 on GPU 5" % c.syslog(-638),
        "%s hpc-g0421 slurmd[2871]: error: *** STEP 884213.0 ON hpc-g0421 CANCELLED AT %s ***" % (
            c.syslog(-35), c.ymd(-35).replace(" ", "T")),
    ]
    c.log("hpc-g0421/journal", j)
    dcgm(c, "hpc-g0421", over={k: {5: stop_after(-640)} for k in ("temp", "power", "clock", "util")})
    dcgm(c, "hpc-g0418", which=("util", "power"))
    c.with_topology()
    health_all(c, "hpc-g0421", error={5: "nvmlDeviceGetHandleByPciBusId(0000:%s:00.0) failed: GPU is lost"
                                          % ck.PCI_BUS_B[5]})
    inventory_lost(c, "hpc-g0421", 5)
    health_all(c, "hpc-g0418")
    per_gpu(c, "hpc-g0418", "inventory")
    return c


def case_q002():
    # DeepSpeed on Kubernetes, H200. One worker hits a contained uncorrectable ECC error (Xid 94);
    # its peers see the connection drop and print NCCL errors that look like a network failure.
    hosts = ["gke-h200-pool-7c1a", "gke-h200-pool-7c1b", "gke-h200-pool-7c2e"]
    c = Case("case-q002", "gpu_memory_uncorrectable_ecc", "gke-h200-pool-7c1b/gpu2", hosts, gpu=H200)
    c.alert("PyTorchJobRestarting", "PyTorchJob ds-sft-34b restarted (worker-1 Error, exit code 1)",
            job="ds-sft-34b", namespace="research-sft", node="gke-h200-pool-7c1b")
    r = c.rank_of("gke-h200-pool-7c1b", 2)
    w1 = ck.deepspeed_steps(c, -118, 16, 2210, rank=r, step_s=3.1) + [
        "[rank%d]: Traceback (most recent call last):" % r,
        '[rank%d]:   File "/workspace/train_sft.py", line 377, in <module>' % r,
        "[rank%d]:     engine.step()" % r,
        '[rank%d]:   File "/usr/local/lib/python3.11/site-packages/deepspeed/runtime/engine.py", line 2213, in step' % r,
        "[rank%d]:     self._take_model_step(lr_kwargs)" % r,
        "[rank%d]: RuntimeError: CUDA error: uncorrectable ECC error encountered" % r,
        "[rank%d]: Compile with `TORCH_USE_CUDA_DSA` to enable device-side assertions." % r,
    ]
    c.log("gke-h200-pool-7c1b/pod/ds-sft-34b-worker-1", w1)
    peer = c.rank_of("gke-h200-pool-7c2e", 4)
    pid = 88121
    w2 = ck.deepspeed_steps(c, -118, 12, 2210, rank=peer, step_s=3.1)[:14] + [
        "gke-h200-pool-7c2e:%d:%d [4] NCCL INFO [Service thread] Connection closed by localRank 4" % (pid, pid + 41),
        "gke-h200-pool-7c2e:%d:%d [4] transport/net_ib.cc:1696 NCCL WARN NET/IB : Got completion from peer "
        "10.44.3.19<52113> with status=5 opcode=0 len=0 vendor err 249 (Recv) localGid ::ffff:10.44.3.27 "
        "remoteGids::ffff:10.44.3.19 hca mlx5_4" % (pid, pid + 97),
        "gke-h200-pool-7c2e:%d:%d [4] NCCL INFO transport/net.cc:1295 -> 6" % (pid, pid + 97),
        "[rank%d]:[%s ProcessGroupNCCL.cpp:1682] [PG 0 Rank %d] NCCL error: remote process exited or "
        "there was a network error, NCCL version 2.21.5" % (peer, c.glog(-55, "E"), peer),
        "ncclRemoteError: A call failed possibly due to a network error or a remote process exiting "
        "prematurely.",
    ]
    c.log("gke-h200-pool-7c2e/pod/ds-sft-34b-worker-2", w2)
    bus = c.bus(2)
    k = ck.kernel_noise(c, "gke-h200-pool-7c1b", 6, start_s=-1300, end_s=-100, fmt="dmesg")
    k += [
        "%s NVRM: Xid (PCI:%s): 94, pid=41127, name=python, Contained: SM (0x1). RST: No, D-RST: No" % (
            c.dmesg(-64), bus),
        "%s NVRM: Xid (PCI:%s): 94, pid=41127, name=python, Ch 00000008" % (c.dmesg(-64), bus),
    ]
    c.log("gke-h200-pool-7c1b/dmesg", k)
    dcgm(c, "gke-h200-pool-7c1b", over={"util": {2: after(-60, lambda s, v: 0)}})
    c.gpu_metric("DCGM_FI_DEV_ECC_DBE_VOL_TOTAL", "gke-h200-pool-7c1b", 0, decimals=0,
                 over={2: after(-60, lambda s, v: 2)})
    c.with_topology()
    for h in ("gke-h200-pool-7c1b", "gke-h200-pool-7c2e"):
        health_all(c, h, bad={2: dict(ecc_dbe_volatile=2, ecc_dbe_aggregate=2, xid_last=94,
                                      remapped_rows_uncorrectable=1)} if h.endswith("7c1b") else None)
    c.nccl("nccl.allreduce@gke-h200-pool-7c2e")
    return c


def case_q003():
    # A Slurm health check drained a node with a terse reason; the job was requeued. Nothing in the
    # job's logs names a GPU. Only gpu.health shows which GPU has a pending row remap.
    hosts = ["dgx-c07", "dgx-c08"]
    c = Case("case-q003", "gpu_row_remap_failure", "dgx-c08/gpu6", hosts, gpu=H100)
    c.alert("SlurmNodeDrained", "dgx-c08 drained by node health check (reason: NHC: check_gpu failed)",
            node="dgx-c08", partition="train", job="tt-8b-ablation-14")
    sl = [
        "[%s] slurmctld: update_node: node dgx-c08 reason set to: NHC: check_gpu failed" % c.ymd(-62),
        "[%s] slurmctld: update_node: node dgx-c08 state set to DRAINING" % c.ymd(-62),
        "[%s] slurmctld: _job_complete: JobId=771204 WTERMSIG 15" % c.ymd(-58),
        "[%s] slurmctld: Requeuing JobId=771204" % c.ymd(-57),
        "[%s] slurmctld: sched: Allocate JobId=771204 NodeList=(null) #CPUs=0 Partition=train" % c.ymd(-50),
        "[%s] slurmctld: job_submit: JobId=771204 Pending, Reason=Resources" % c.ymd(-49),
    ]
    for i in range(6):
        sl.insert(0, "[%s] slurmctld: sched/backfill: _start_job: Started JobId=%d in train on dgx-a%02d" % (
            c.ymd(-1300 + i * 170), 771150 + i, 10 + i))
    c.log("scheduler/slurmctld", sl)
    nhc = ck.kernel_noise(c, "dgx-c08", 8, start_s=-1500, end_s=-80) + [
        "%s dgx-c08 nhc[991244]: Health check failed:  check_gpu:  GPU health check failed on dgx-c08" % c.syslog(-63),
        "%s dgx-c08 nhc[991244]: Node Health Check failed.  Marking dgx-c08 offline." % c.syslog(-63),
        "%s dgx-c08 slurmd[2871]: error: *** JOB 771204 ON dgx-c08 CANCELLED AT %s DUE TO NODE FAILURE ***"
        % (c.syslog(-58), c.ymd(-58).replace(" ", "T")),
    ]
    c.log("dgx-c08/journal", nhc)
    app = ck.fsdp_steps(c, -95, 14, 5120, step_s=2.4, rank=0) + [
        "[rank0]:[titan] %s - root - WARNING - Received SIGTERM, saving emergency checkpoint" % c.ymd_ms(-58),
        "[rank0]:[titan] %s - root - INFO - Checkpoint saved to /lustre/ckpt/tt-8b-ablation-14/step-5133" % c.ymd_ms(-41),
    ]
    c.log("dgx-c07/job-771204/rank0.log", app)
    dcgm(c, "dgx-c08")
    c.with_topology()
    health_all(c, "dgx-c08", bad={6: dict(remap_pending=1, remapped_rows_correctable=1,
                                          ecc_sbe_volatile=3)})
    per_gpu(c, "dgx-c08", "inventory")
    health_all(c, "dgx-c07")
    return c


def case_q004():
    # GSP firmware stops answering RPCs on one H100 (Xid 119); the rank on it hangs inside CUDA, the
    # other ranks time out in NCCL, and nvidia-smi on that node hangs.
    hosts = ["a3-mega-0013", "a3-mega-0014", "a3-mega-0019", "a3-mega-0020"]
    c = Case("case-q004", "gpu_firmware_error", "a3-mega-0019/gpu1", hosts, gpu=H100)
    c.alert("NCCLWatchdogTimeout", "torchtitan job tt-405b-moe: collective timeouts on 31 ranks",
            job="tt-405b-moe", node="a3-mega-0013", scheduler="slurm")
    bad = c.rank_of("a3-mega-0019", 1)
    lines = ck.fsdp_steps(c, -1935, 10, 920, step_s=11.4, rank=0, mfu=38.0)
    for r in (0, 3, 12, bad + 3, 29):
        lines += ck.watchdog(c, r, -10 + c.rng.uniform(0, 2), 18344, op="REDUCE_SCATTER",
                             numel=50331648, timeout_ms=1800000)[:2]
    lines += ["[rank0]:[titan] %s - root - ERROR - Rank %d missed 3 heartbeats (last seen %s)" % (
        c.ymd_ms(-5), bad, c.ymd(-1810))]
    c.log("a3-mega-0013/logs/tt-405b-moe.log", lines)
    bus = c.bus(1)
    j = ck.kernel_noise(c, "a3-mega-0019", 8, start_s=-2400, end_s=-60) + [
        nvrm(c, "a3-mega-0019", -1812, bus, 119, "Timeout after 6s of waiting for RPC response from "
             "GPU1 GSP! Expected function 76 (GSP_RM_CONTROL) (0x20800a4c 0x4).", pid=301177,
             name="pt_main_thread"),
        "%s a3-mega-0019 kernel: NVRM: GPU1 GSP RPC buffer contains function 76 (GSP_RM_CONTROL) and "
        "data 0x0000000020800a4c 0x0000000000000004." % c.syslog(-1812),
        "%s a3-mega-0019 kernel: NVRM: GPU1 RPC history (CPU -> GSP):" % c.syslog(-1812),
        "%s a3-mega-0019 kernel: NVRM:     entry function                   data0              data1              "
        "ts_start           ts_end             duration actively_polling" % c.syslog(-1812),
        nvrm(c, "a3-mega-0019", -1800, bus, 119, "Timeout after 6s of waiting for RPC response from "
             "GPU1 GSP! Expected function 10 (FREE) (0xa55a0040 0x0).", pid=301177, name="pt_main_thread"),
        "%s a3-mega-0019 kernel: NVRM: Rate limiting GSP RPC error prints for GPU at PCI:%s (printing 1 "
        "of every 30).  The GPU likely needs to be reset." % (c.syslog(-1750), bus),
        "%s a3-mega-0019 kernel: INFO: task nvidia-smi:412998 blocked for more than 122 seconds." % c.syslog(-1400),
        "%s a3-mega-0019 kernel:       Tainted: P           OE      6.5.0-1025-gcp #27~22.04.1-Ubuntu" % c.syslog(-1400),
        "%s a3-mega-0019 kernel: \"echo 0 > /proc/sys/kernel/hung_task_timeout_secs\" disables this message."
        % c.syslog(-1400),
    ]
    c.log("a3-mega-0019/journal", j)
    # dcgm-exporter gets no answer for GPU 1 (its NVML calls block), so only GPUs 0, 2-7 report;
    # they sit at 100% busy spinning in the NCCL kernel that waits for rank on GPU 1.
    dcgm(c, "a3-mega-0019", util=100.0, over={"util": {g: lambda s, v: min(v, 100.0) for g in range(8)}},
         which=("util", "power", "temp"), gpus=[0, 2, 3, 4, 5, 6, 7])
    c.with_topology()
    health_all(c, "a3-mega-0019", error={g: "gpu.health timed out after 30 s (nvmlDeviceGetHandleByIndex_v2 "
                                            "did not return; driver RPC to GSP stalled)" for g in (1,)})
    per_gpu(c, "a3-mega-0019", "inventory", error={1: "nvmlDeviceGetMemoryInfo on gpu1 timed out after 20 s"})
    health_all(c, "a3-mega-0020")
    return c


def case_q005():
    # NVLink fatal error (Xid 74) on one H200; the tensor-parallel group on that node fails in
    # NCCL with an unhandled cuda error, which looks like an application fault.
    hosts = ["nvl-r3-n01", "nvl-r3-n02"]
    c = Case("case-q005", "nvlink_error", "nvl-r3-n02/gpu3", hosts, gpu=H200, pci=ck.PCI_BUS_B)
    c.alert("TrainingStepStalled", "megatron job mlm-13b-code: no iteration logged for 15 min",
            job="mlm-13b-code", node="nvl-r3-n02")
    it = ck.megatron_iters(c, -996, 16, 66120, step_s=3.2, loss=1.412, gbs=512)
    r = c.rank_of("nvl-r3-n02", 3)
    pid = 40219
    tail = [
        "nvl-r3-n02:%d:%d [3] NCCL INFO misc/cudawrap.cc:36 -> 1" % (pid, pid + 188),
        "nvl-r3-n02:%d:%d [3] enqueue.cc:1596 NCCL WARN Cuda failure 'unspecified launch failure'" % (pid, pid),
        "nvl-r3-n02:%d:%d [3] NCCL INFO group.cc:219 -> 1" % (pid, pid),
        "[rank%d]: torch.distributed.DistBackendError: NCCL error in: ../torch/csrc/distributed/c10d/"
        "ProcessGroupNCCL.cpp:2006, unhandled cuda error (run with NCCL_DEBUG=INFO for details), NCCL version 2.20.5" % r,
        "[rank%d]: ncclUnhandledCudaError: Call to CUDA function failed." % r,
        "[rank%d]: Last error:" % r,
        "[rank%d]: Cuda failure 'unspecified launch failure'" % r,
    ]
    c.log("nvl-r3-n01/slurm-52291.out", it + ck.app_noise(c, 4) + tail)
    bus = c.bus(3)
    d = ck.kernel_noise(c, "nvl-r3-n02", 7, start_s=-1300, end_s=-200, fmt="dmesg") + [
        "%s NVRM: Xid (PCI:%s): 74, pid=%d, name=python, NVLink: fatal error detected on link 14"
        "(0x0, 0x0, 0x10000, 0x0, 0x0, 0x0, 0x0)" % (c.dmesg(-940), bus, pid),
        "%s NVRM: Xid (PCI:%s): 74, pid=%d, name=python, NVLink: fatal error detected on link 15"
        "(0x0, 0x0, 0x10000, 0x0, 0x0, 0x0, 0x0)" % (c.dmesg(-940), bus, pid),
        "%s nvidia-nvswitch2: SXid (PCI:0000:07:00.0): 20034, Fatal, Link 44 LTSSM Fault Up" % c.dmesg(-941),
        "%s nvidia-nvswitch2: SXid (PCI:0000:07:00.0): 20034, Severity 1 Engine instance 44 Sub-engine instance 00"
        % c.dmesg(-941),
    ]
    c.log("nvl-r3-n02/dmesg", d)
    dcgm(c, "nvl-r3-n02", over={"util": {g: after(-930, lambda s, v: 100.0) for g in range(8)}},
         which=("util", "temp", "power"))
    c.gpu_metric("DCGM_FI_DEV_NVLINK_CRC_FLIT_ERROR_COUNT_TOTAL", "nvl-r3-n02", 1200, jitter=5, counter=True,
                 decimals=0, over={3: after(-960, lambda s, v: v + 48000 + 900 * (s + 960))})
    c.with_topology()
    health_all(c, "nvl-r3-n02", bad={3: dict(nvlink_links_up=16, xid_last=74, nvlink_crc_errors=91822,
                                             nvlink_crc_errors_per_s=640.0, nvlink_recovery_errors=6,
                                             nvlink_recovery_errors_per_s=1.0)})
    c.nccl("nccl.p2p_matrix@nvl-r3-n02", busbw=96.0)
    c.nccl("nccl.p2p_matrix@nvl-r3-n01")
    return c


def case_q006():
    # One node's ranks are slower; the node's dcgm-exporter is crash-looping so there are no GPU
    # metrics from it. gpu.health/gemm show GPU 6 hot and clocked down.
    hosts = ["k8s-h100-w12", "k8s-h100-w13", "k8s-h100-w14", "k8s-h100-w15"]
    c = Case("case-q006", "gpu_thermal_throttle", "k8s-h100-w14/gpu6", hosts, gpu=H100)
    c.alert("TrainingThroughputLow", "job ddp-vit-g: tokens/s 21% below its 24h median for 15 min",
            job="ddp-vit-g", node="k8s-h100-w12", namespace="vision")
    base = 1.92
    st = ck.plain_steps(c, -1150, 6, 31840, step_s=base, loss=2.71)
    st += ck.plain_steps(c, -75, 14, 32391, step_s=base * 1.27, loss=2.69)
    st += ["%s | INFO | perf | slowest ranks by fwd+bwd time (ms): rank %d 1817.4, rank %d 1532.0, rank %d 1529.8 "
           "| median 1519.2" % (c.ymd(-60), c.rank_of("k8s-h100-w14", 6), 3, 17)]
    c.log("k8s-h100-w12/pod/ddp-vit-g-master-0", st + ck.app_noise(c, 5))
    ev = []
    for i in range(9):
        ev.append("%s Warning  BackOff  pod/dcgm-exporter-5xk2p  Back-off restarting failed container "
                  "dcgm-exporter in pod dcgm-exporter-5xk2p_gpu-operator(node k8s-h100-w14)" % c.iso(-1300 + i * 150))
    ev.append("%s Normal   Pulled   pod/dcgm-exporter-9hfq2  Container image \"nvcr.io/nvidia/k8s/dcgm-exporter:"
              "3.3.5-3.4.1-ubuntu22.04\" already present on machine" % c.iso(-200))
    c.log("scheduler/events", ev)
    for h in ("k8s-h100-w12", "k8s-h100-w13", "k8s-h100-w15"):
        dcgm(c, h, which=("temp", "clock"))
    c.with_topology()
    health_all(c, "k8s-h100-w14", bad={6: dict(temperature_c=91, sm_clock_mhz=1185,
                                               clock_event_reasons=ck.CLK_SW_THERMAL | ck.CLK_HW_THERMAL,
                                               power_w=455)})
    per_gpu(c, "k8s-h100-w14", "gemm", bad={6: 431.0})
    health_all(c, "k8s-h100-w13")
    return c


def case_q007():
    # Every GPU of one node held at a 400 W power limit set by a site power-capping agent after a
    # rack-level event. Step time rises on all ranks; NCCL bandwidth in the job's own log looks low.
    hosts = ["sc-r12-gpu01", "sc-r12-gpu02", "sc-r12-gpu03", "sc-r14-gpu07"]
    c = Case("case-q007", "gpu_power_throttle", "sc-r12-gpu03", hosts, gpu=H100)
    c.alert("StepTimeRegression", "mlm-gpt-22b: iteration time 4.9 s, 29% above baseline",
            job="mlm-gpt-22b", node="sc-r12-gpu01")
    step = lambda i: (3.8 if i < 6 else 4.9) * c.rng.uniform(0.99, 1.01)  # noqa: E731
    it = ck.megatron_iters(c, -953, 10, 120400, step_fn=step, loss=2.061, gbs=1536)
    it += ck.megatron_iters(c, -62, 10, 120588, step_s=4.9, loss=2.049, gbs=1536)
    it.insert(13, "(min, max) time across ranks (ms):")
    it.insert(14, "    forward-backward ...............................: (4312.55, 4788.20)")
    it.insert(15, "    grads-all-reduce ...............................: (21.80, 503.14)")
    c.log("sc-r12-gpu01/slurm-3310842.out", it)
    j = ck.kernel_noise(c, "sc-r12-gpu03", 6, start_s=-1500, end_s=-100)
    for g in range(8):
        j.append("%s sc-r12-gpu03 pwrcapd[1877]: Power limit for GPU 00000000:%s:00.0 was set to 400.00 W from "
                 "700.00 W." % (c.syslog(-930), ck.PCI_BUS_A[g].upper()))
    j.append("%s sc-r12-gpu03 pwrcapd[1877]: rack R12 PDU-B budget 38.0 kW exceeded (39.6 kW), applying tier-2 "
             "GPU caps" % c.syslog(-931))
    c.log("sc-r12-gpu03/journal", j)
    cap = lambda s, v: 396.0 + c.rng.uniform(-4, 3)  # noqa: E731
    clk = lambda s, v: 1320.0 + c.rng.uniform(-60, 60)  # noqa: E731
    dcgm(c, "sc-r12-gpu03", over={"power": {g: after(-930, cap) for g in range(8)},
                                  "clock": {g: after(-930, clk) for g in range(8)}})
    dcgm(c, "sc-r12-gpu02", which=("power", "clock"))
    c.with_topology()
    health_all(c, "sc-r12-gpu03", bad={g: dict(power_limit_w=400, power_w=397, sm_clock_mhz=1290 + 10 * g,
                                                clock_event_reasons=ck.CLK_SW_POWER_CAP) for g in range(8)})
    health_all(c, "sc-r12-gpu02")
    return c


def case_q008():
    # One rank's host-to-device copies crawl: its GPU trained its PCIe link at Gen3. The job log
    # makes it look like that rank's data loader is slow. AER corrected errors are noise-level.
    hosts = ["hgx-b2-17", "hgx-b2-18"]
    c = Case("case-q008", "pcie_link_degraded", "hgx-b2-18/gpu4", hosts, gpu=H200)
    c.alert("DataWaitHigh", "job rec-dlrm-xl: rank 12 spends 41% of step time waiting for input",
            job="rec-dlrm-xl", node="hgx-b2-18")
    lines = []
    t = -1150
    for i in range(14):
        t += 2.6
        lines.append("%s [INFO] step=%d rank=12 data_wait_ms=%.1f h2d_ms=%.1f fwd_bwd_ms=%.1f" % (
            c.ymd_ms(t + i * 60), 88100 + i * 25, c.rng.uniform(30, 45), c.rng.uniform(880, 960), c.rng.uniform(1390, 1420)))
        lines.append("%s [INFO] step=%d rank=3 data_wait_ms=%.1f h2d_ms=%.1f fwd_bwd_ms=%.1f" % (
            c.ymd_ms(t + i * 60 + 0.3), 88100 + i * 25, c.rng.uniform(30, 45), c.rng.uniform(160, 190), c.rng.uniform(1390, 1420)))
    lines.append("%s [WARNING] rank 12 input wait above 30%% for 10 consecutive intervals; consider "
                 "raising num_workers" % c.ymd_ms(-20))
    c.log("hgx-b2-17/rec-dlrm-xl/train.log", lines + ck.app_noise(c, 3))
    d = ck.kernel_noise(c, "hgx-b2-18", 8, start_s=-3000, end_s=-100, fmt="dmesg") + [
        "%s pcieport 0000:a7:01.0: AER: Corrected error message received from 0000:ab:00.0" % c.dmesg(-2900),
        "%s nvidia 0000:ab:00.0: PCIe Bus Error: severity=Correctable, type=Physical Layer, (Receiver ID)" % c.dmesg(-2900),
        "%s nvidia 0000:ab:00.0:   device [10de:2335] error status/mask=00000001/0000e000" % c.dmesg(-2900),
        "%s nvidia 0000:ab:00.0:    [ 0] RxErr                  (First)" % c.dmesg(-2900),
    ]
    c.log("hgx-b2-18/dmesg", d)
    dcgm(c, "hgx-b2-18", over={"util": {4: lambda s, v: v * 0.61}})
    c.gpu_metric("DCGM_FI_PROF_PCIE_RX_BYTES", "hgx-b2-18", 1.9e10, jitter=1.5e9, decimals=0,
                 over={4: lambda s, v: 6.1e9 + c.rng.uniform(-3e8, 3e8)})
    c.with_topology()
    health_all(c, "hgx-b2-18", bad={4: dict(pcie_link_gen=3, pcie_replay_count=37, pcie_replay_per_s=0.0)})
    per_gpu(c, "hgx-b2-18", "pcie", bad={4: (12.9, 12.4)})
    health_all(c, "hgx-b2-17")
    return c


def case_q009():
    # torchtitan FSDP+DDP (HSDP): a replica consistency check says two replica groups disagree,
    # loss of one group creeps up. Which GPU? gpu.sdc on the suspect node answers it.
    hosts = ["ocp-h200-031", "ocp-h200-032", "ocp-h200-045", "ocp-h200-046"]
    c = Case("case-q009", "gpu_silent_data_corruption", "ocp-h200-045/gpu2", hosts, gpu=H200)
    c.alert("ReplicaDivergence", "tt-70b-hsdp: replica param checksum mismatch (replica group 1 vs 0)",
            job="tt-70b-hsdp", node="ocp-h200-031")
    st = ck.fsdp_steps(c, -180, 16, 14400, step_s=6.2, rank=0, loss=1.733, mfu=44.0)
    st += [
        "[rank0]:[titan] %s - root - WARNING - replica check @ step 14415: sha1(params) replica0=6f1c2a0e "
        "replica1=b91d773f (shard group of ranks 16-31 differs)" % c.ymd_ms(-70),
        "[rank0]:[titan] %s - root - WARNING - replica check: max |diff| 3.05e-05 over 112 tensors, "
        "first in layers.41.feed_forward.w3.weight" % c.ymd_ms(-69),
        "[rank0]:[titan] %s - root - INFO - step: 14416  loss_replica0: 1.7291  loss_replica1: 1.7364" % c.ymd_ms(-60),
    ]
    c.log("ocp-h200-031/tt-70b-hsdp/rank0.log", st + ck.app_noise(c, 4))
    for h in ("ocp-h200-045", "ocp-h200-046"):
        dcgm(c, h, which=("temp", "power", "util"))
    c.gpu_metric("DCGM_FI_DEV_ECC_SBE_VOL_TOTAL", "ocp-h200-045", 0, decimals=0)
    c.with_topology(replica_groups="ranks 0-15 replica 0, ranks 16-31 replica 1")
    for h in ("ocp-h200-045", "ocp-h200-046"):
        health_all(c, h)
    c.sdc("gpu.sdc@ocp-h200-045", mismatched=1533, bad_gpu="gpu2")
    c.sdc("gpu.sdc@ocp-h200-046")
    c.sdc("gpu.sdc@ocp-h200-031")
    per_gpu(c, "ocp-h200-045", "gemm")
    return c


def case_q010():
    # An HCA port on one node goes down (cable/transceiver); ranks on that node AND their ring
    # peers on other nodes log IBV_WC_RETRY_EXC_ERR. Only the culprit's kernel log has the link down.
    hosts = ["ib-h100-a001", "ib-h100-a002", "ib-h100-a003", "ib-h100-a004"]
    c = Case("case-q010", "ib_link_failure", "ib-h100-a003/mlx5_3", hosts, gpu=H100)
    c.alert("TrainingJobFailed", "Slurm job 1200914 (mlm-moe-8x22b) failed: NCCL errors on 4 nodes",
            job="mlm-moe-8x22b", node="ib-h100-a001")
    it = ck.megatron_iters(c, -125, 12, 9021, step_s=6.1, loss=2.19)
    errs = []
    for host, g, peer_ip, hca in (("ib-h100-a002", 3, "10.12.3.103", "mlx5_3"),
                                  ("ib-h100-a004", 3, "10.12.3.103", "mlx5_3"),
                                  ("ib-h100-a003", 3, "10.12.3.102", "mlx5_3"),
                                  ("ib-h100-a001", 3, "10.12.3.102", "mlx5_3")):
        pid = c.rng.randrange(20000, 90000)
        errs.append("%s:%d:%d [%d] transport/net_ib.cc:1696 NCCL WARN NET/IB : Got completion from peer %s<%d> "
                    "with status=12 opcode=1 len=0 vendor err 129 (Send) localGid fe80::a288:c2ff:fe4d:%04x "
                    "remoteGids fe80::a288:c2ff:fe4d:%04x hca %s" % (
                        host, pid, pid + 77, g, peer_ip, c.rng.randrange(30000, 60000),
                        c.rng.randrange(65536), c.rng.randrange(65536), hca))
        errs.append("%s:%d:%d [%d] NCCL INFO transport/net.cc:1134 -> 6" % (host, pid, pid + 77, g))
    r = c.rank_of("ib-h100-a002", 3)
    errs += ["[rank%d]:[%s ProcessGroupNCCL.cpp:1682] [PG 0 Rank %d] NCCL error: remote process exited or there "
             "was a network error, NCCL version 2.19.3" % (r, c.glog(-30, "E"), r),
             "ncclRemoteError: A call failed possibly due to a network error or a remote process exiting prematurely.",
             "Last error:",
             "NET/IB : Got completion from peer 10.12.3.103<41711> with status=12 opcode=1 len=0 vendor err 129 (Send)"]
    c.log("ib-h100-a001/slurm-1200914.out", it + errs)
    k = ck.kernel_noise(c, "ib-h100-a003", 7, start_s=-1400, end_s=-90) + [
        "%s ib-h100-a003 kernel: mlx5_core 0000:4b:00.0: mlx5_port_module_event:1155:(pid 0): Port module "
        "event[error]: module 3, Cable error, High Temperature" % c.syslog(-48),
        "%s ib-h100-a003 kernel: mlx5_core 0000:4b:00.0 ibp75s0: Link down" % c.syslog(-47),
        "%s ib-h100-a003 kernel: mlx5_core 0000:4b:00.0: Port: 1 Link DOWN" % c.syslog(-47),
        "%s ib-h100-a003 kernel: infiniband mlx5_3: port 1 state changed to DOWN" % c.syslog(-47),
    ]
    c.log("ib-h100-a003/journal", k)
    for h in ("ib-h100-a003", "ib-h100-a002"):
        for p in range(8):
            base = c.rng.randrange(0, 3)
            c.node_metric("node_infiniband_port_state", {"instance": h, "device": "mlx5_%d" % p, "port": "1"},
                          (lambda s: 1 if s >= -47 else 4) if (h == "ib-h100-a003" and p == 3) else (lambda s: 4),
                          decimals=0)
            c.node_metric("node_infiniband_link_downed_total", {"instance": h, "device": "mlx5_%d" % p, "port": "1"},
                          (lambda s, b=base: b + 1 if s >= -47 else b) if (h == "ib-h100-a003" and p == 3) else (lambda s, b=base: b),
                          decimals=0)
    c.with_topology()
    for h in ("ib-h100-a003", "ib-h100-a002"):
        health_all(c, h)
    c.nccl("nccl.allreduce@ib-h100-a003")
    c.errored("nccl.allreduce@job", "nccl.allreduce over 32 ranks failed: NET/IB : Got completion from peer "
              "10.12.3.103 with status=12 (IBV_WC_RETRY_EXC_ERR) on mlx5_3", duration=48.0)
    c.nccl("nccl.sendrecv@ib-h100-a002")
    return c


def case_q011():
    # A new Kubernetes node pool names its interfaces differently; NCCL_SOCKET_IFNAME in the job
    # template names one that does not exist. Every rank fails in bootstrap, before any step.
    hosts = ["aks-ndh100-21733-vmss00000a", "aks-ndh100-21733-vmss00000b"]
    c = Case("case-q011", "nccl_network_misconfig", "job", hosts, gpu=H100)
    c.alert("PyTorchJobFailed", "PyTorchJob fsdp-llama-13b failed: all 16 workers CrashLoopBackOff",
            job="fsdp-llama-13b", namespace="llm", node="aks-ndh100-21733-vmss00000a")
    lines = []
    for host, g in (("aks-ndh100-21733-vmss00000a", 0), ("aks-ndh100-21733-vmss00000b", 5)):
        pid = c.rng.randrange(100, 400)
        p = "%s:%d:%d [%d]" % (host, pid, pid, g)
        lines += [
            "%s NCCL INFO cudaDriverVersion 12040" % p,
            "%s NCCL INFO NCCL_SOCKET_IFNAME set by environment to eth1" % p,
            "%s misc/socket.cc:484 NCCL WARN NET/Socket : No usable listening interface found" % p,
            "%s NCCL INFO bootstrap.cc:45 -> 2" % p,
            "%s NCCL INFO init.cc:1736 -> 2" % p,
        ]
    r = 13
    lines += [
        "[rank%d]: Traceback (most recent call last):" % r,
        '[rank%d]:   File "/opt/app/train.py", line 88, in main' % r,
        "[rank%d]:     model = FSDP(model, auto_wrap_policy=policy, device_id=local_rank)" % r,
        "[rank%d]: torch.distributed.DistBackendError: NCCL error in: ../torch/csrc/distributed/c10d/NCCLUtils.hpp:317, "
        "internal error - please report this issue to the NCCL developers, NCCL version 2.21.5" % r,
        "[rank%d]: ncclInternalError: Internal check failed." % r,
        "[rank%d]: Last error:" % r,
        "[rank%d]: Bootstrap : no socket interface found" % r,
    ]
    c.log("aks-ndh100-21733-vmss00000b/pod/fsdp-llama-13b-worker-1", ck.app_noise(c, 6) + lines)
    ev = []
    for i, pod in enumerate(["master-0", "worker-0", "worker-1"]):
        ev += ["%s Warning BackOff pod/fsdp-llama-13b-%s Back-off restarting failed container pytorch" % (
            c.iso(-600 + i * 40 + k * 180), pod) for k in range(3)]
    ev.append("%s Normal  Scheduled pod/fsdp-llama-13b-worker-1 Successfully assigned llm/fsdp-llama-13b-worker-1 to "
              "aks-ndh100-21733-vmss00000b" % c.iso(-900))
    c.log("scheduler/events", ev)
    node_if = ["%s aks-ndh100-21733-vmss00000b systemd-networkd[812]: eth0: Gained carrier" % c.syslog(-4000),
               "%s aks-ndh100-21733-vmss00000b systemd-networkd[812]: ib0: Link UP" % c.syslog(-3990),
               "%s aks-ndh100-21733-vmss00000b kernel: mlx5_core 0000:00:00.0 enP1p0s0: renamed from eth1"
               % c.syslog(-3995)] + ck.kernel_noise(c, "aks-ndh100-21733-vmss00000b", 6, start_s=-3000)
    c.log("aks-ndh100-21733-vmss00000b/journal", node_if)
    dcgm(c, "aks-ndh100-21733-vmss00000b", util=0.0, power_frac=0.11, which=("util", "power"))
    c.with_topology()
    for h in hosts:
        health_all(c, h)
    c.nccl("nccl.allreduce@aks-ndh100-21733-vmss00000a")
    return c


def case_q012():
    # The job hangs; 31 ranks time out in an all-reduce. Their watchdog lines say which sequence
    # number each rank enqueued: one rank never enqueued the collective the others wait in.
    hosts = ["gpu-r2-05", "gpu-r2-06", "gpu-r2-07", "gpu-r2-08"]
    c = Case("case-q012", "nccl_collective_hang", "gpu-r2-07/gpu4", hosts, gpu=H200)
    c.alert("NCCLWatchdogTimeout", "Job 663021 (ds-zero3-30b) aborted after collective timeout",
            job="ds-zero3-30b", node="gpu-r2-05")
    stuck = c.rank_of("gpu-r2-07", 4)
    lines = ck.deepspeed_steps(c, -680, 16, 40410, rank=0, step_s=4.2)
    for r in (0, 5, 11, stuck - 2, stuck, stuck + 1, 27):
        s = -8 + c.rng.uniform(0, 3)
        if r == stuck:
            lines.append("[rank%d]:[%s ProcessGroupNCCL.cpp:616] [Rank 2] Watchdog caught collective operation "
                         "timeout: WorkNCCL(SeqNum=12, OpType=BARRIER, NumelIn=1, NumelOut=1, Timeout(ms)=600000) "
                         "ran for 600540 milliseconds before timing out." % (r, c.glog(s + 2, "E")))
            lines.append("[rank%d]:[%s ProcessGroupNCCL.cpp:1785] [PG 5 Rank 2] Exception (either an error or "
                         "timeout) detected by watchdog at work: 12, last enqueued NCCL work: 12, last completed "
                         "NCCL work: 11." % (r, c.glog(s + 2.01, "E")))
            continue
        lines.append("[rank%d]:[%s ProcessGroupNCCL.cpp:616] [Rank %d] Watchdog caught collective operation "
                     "timeout: WorkNCCL(SeqNum=271044, OpType=_REDUCE_SCATTER_BASE, NumelIn=402653184, NumelOut=12582912, Timeout(ms)=600000) "
                     "ran for 600311 milliseconds before timing out." % (r, c.glog(s, "E"), r))
        lines.append("[rank%d]:[%s ProcessGroupNCCL.cpp:1785] [PG 0 (default_pg) Rank %d] Exception (either an error "
                     "or timeout) detected by watchdog at work: 271044, last enqueued NCCL work: 271044, last "
                     "completed NCCL work: 271043." % (r, c.glog(s + 0.01, "E"), r))
    lines += ck.app_noise(c, 4)
    c.log("gpu-r2-05/slurm-663021.out", lines)
    pys = [
        "py-spy dump taken %s, rank %d (local_rank 4, pid 588120)" % (c.ymd(-300), stuck),
        "Process 588120: /usr/bin/python3 -u pretrain.py --deepspeed ds_z3.json",
        "Thread 588120 (idle): \"MainThread\"",
        "    barrier (torch/distributed/distributed_c10d.py:4159)",
        "    wrapper (torch/distributed/c10d_logger.py:83)",
        "    _sync_expert_ckpt_group (utils/ckpt_groups.py:71)",
        "    maybe_save_partial (utils/ckpt_groups.py:102)",
        "    train_step (pretrain.py:418)",
        "    main (pretrain.py:611)",
        "Thread 588377 (idle): \"Thread-2 (_pin_memory_loop)\"",
        "    get (queue.py:180)",
        "    _pin_memory_loop (torch/utils/data/_utils/pin_memory.py:55)",
        "py-spy dump taken %s, rank %d (local_rank 3, pid 588119)" % (c.ymd(-299), stuck - 1),
        "Thread 588119 (active): \"MainThread\"",
        "    synchronize (torch/cuda/streams.py:96)",
        "    allreduce_bucket (deepspeed/runtime/zero/stage3.py:1290)",
        "    reduce_ipg_grads (deepspeed/runtime/zero/stage3.py:1402)",
        "    train_step (pretrain.py:409)",
    ]
    c.log("gpu-r2-07/py-spy/dump.txt", pys)
    dcgm(c, "gpu-r2-07", over={"util": {4: after(-610, lambda s, v: 0.0)},
                               "power": {4: after(-610, lambda s, v: 118.0 + c.rng.uniform(-3, 3))}},
         which=("util", "power"))
    c.with_topology()
    for h in ("gpu-r2-07", "gpu-r2-05"):
        health_all(c, h)
    c.nccl("nccl.allreduce@gpu-r2-07")
    return c


def case_q013():
    # A rank segfaults in a compiled extension; its ring peers then report IB completion errors
    # (status=12) and "remote process exited", which looks like a network failure.
    hosts = ["dc3-gpu-0201", "dc3-gpu-0202", "dc3-gpu-0203"]
    c = Case("case-q013", "rank_process_crash", "dc3-gpu-0202/gpu6", hosts, gpu=H100)
    c.alert("TrainingJobFailed", "job mlm-34b-sft failed: torchrun ChildFailedError on dc3-gpu-0202",
            job="mlm-34b-sft", node="dc3-gpu-0202")
    r = c.rank_of("dc3-gpu-0202", 6)
    a = ck.megatron_iters(c, -175, 10, 2300, step_s=5.2, loss=1.38)
    a += [
        "Fatal Python error: Segmentation fault",
        "",
        "Thread 0x00007f3a9effd640 (most recent call first):",
        '  File "/usr/lib/python3.10/threading.py", line 324 in wait',
        "",
        "Current thread 0x00007f3b8c2a1740 (most recent call first):",
        '  File "/opt/ext/fused_rope/__init__.py", line 57 in apply_rotary',
        '  File "/workspace/megatron/core/models/common/embeddings/rotary_pos_embedding.py", line 198 in forward',
        "Extension modules: numpy.core._multiarray_umath, torch._C, fused_rope_cuda (total: 61)",
    ]
    a += torch_tail(c, -118, r, "dc3-gpu-0202", exitcode=-11, sig="SIGSEGV")
    c.log("dc3-gpu-0202/rank%d.err" % r, a)
    peers = []
    for host, g in (("dc3-gpu-0201", 6), ("dc3-gpu-0203", 6), ("dc3-gpu-0202", 5)):
        pid = c.rng.randrange(20000, 90000)
        if host == "dc3-gpu-0202":
            peers.append("%s:%d:%d [%d] NCCL INFO [Service thread] Connection closed by localRank 6" % (host, pid, pid + 9, g))
            continue
        peers += [
            "%s:%d:%d [%d] transport/net_ib.cc:1696 NCCL WARN NET/IB : Got completion from peer 10.8.2.202<44391> "
            "with status=12 opcode=0 len=0 vendor err 129 (Recv) localGid ::ffff:10.8.2.%d remoteGids ::ffff:10.8.2.202 "
            "hca mlx5_6" % (host, pid, pid + 31, g, int(host[-1]) + 200),
            "%s:%d:%d [%d] NCCL INFO transport/net.cc:1295 -> 6" % (host, pid, pid + 31, g),
        ]
    peers += ["[rank%d]:[%s ProcessGroupNCCL.cpp:1682] [PG 0 Rank %d] NCCL error: remote process exited or there was "
              "a network error, NCCL version 2.21.5" % (c.rank_of("dc3-gpu-0201", 6), c.glog(-110, "E"),
                                                         c.rank_of("dc3-gpu-0201", 6))]
    c.log("dc3-gpu-0201/nccl.log", peers + ck.app_noise(c, 3))
    j = ck.kernel_noise(c, "dc3-gpu-0202", 7, start_s=-1500, end_s=-20) + [
        "%s dc3-gpu-0202 kernel: pt_main_thread[77314]: segfault at 18 ip 00007f3a1c0e2b1d sp 00007ffd7c9a1e40 "
        "error 4 in fused_rope_cuda.cpython-310-x86_64-linux-gnu.so[7f3a1c0d0000+3a000] likely on CPU 57 (core 25, "
        "socket 1)" % c.syslog(-119),
        "%s dc3-gpu-0202 systemd-coredump[77902]: Process 77314 (pt_main_thread) of user 1001 dumped core." % c.syslog(-117),
    ]
    c.log("dc3-gpu-0202/journal", j)
    dcgm(c, "dc3-gpu-0202", over={"util": {g: after(-115, lambda s, v: 0.0) for g in range(8)}},
         which=("util", "temp"))
    c.node_metric("node_infiniband_port_errors_received_total", {"instance": "dc3-gpu-0201", "device": "mlx5_6"},
                  lambda s: 0, decimals=0)
    c.with_topology()
    for h in ("dc3-gpu-0202", "dc3-gpu-0201"):
        health_all(c, h)
    c.nccl("nccl.allreduce@job")
    c.nccl("nccl.sendrecv@dc3-gpu-0201")
    return c


def case_q014():
    # One rank runs out of GPU memory on a long packed sequence; the rest of the job dies with
    # NCCL watchdog timeouts and "connection reset" errors that are much louder.
    hosts = ["p5-use1-0117", "p5-use1-0118", "p5-use1-0131", "p5-use1-0132"]
    c = Case("case-q014", "cuda_oom", "p5-use1-0118/gpu5", hosts, gpu=H100)
    c.alert("TrainingJobFailed", "job tt-llama3-70b-ctx32k: 31 ranks exited with DistBackendError",
            job="tt-llama3-70b-ctx32k", node="p5-use1-0117")
    r = c.rank_of("p5-use1-0118", 5)
    lines = ck.fsdp_steps(c, -800, 10, 7700, step_s=14.1, rank=0, mfu=39.0, mem_gib=71.9)
    for rr in (0, 2, 9, 16, 23, 30):
        lines += ck.watchdog(c, rr, -30 + c.rng.uniform(0, 2), 96233, op="_ALLGATHER_BASE",
                             numel=262144000, timeout_ms=600000)[:1]
        lines.append("[rank%d]: RuntimeError: [/pytorch/third_party/gloo/gloo/transport/tcp/pair.cc:534] "
                     "Connection closed by peer [10.7.1.18]:29500" % rr)
    c.log("p5-use1-0117/tt-llama3-70b-ctx32k/combined.log", lines + ck.app_noise(c, 4))
    oom = [
        "[rank%d]:[titan] %s - root - INFO - step: 7709  loss:  1.6032  memory: 73.41GiB(92.80%%)" % (r, c.ymd_ms(-640)),
        "[rank%d]: Traceback (most recent call last):" % r,
        '[rank%d]:   File "/app/torchtitan/train.py", line 326, in train_step' % r,
        "[rank%d]:     loss.backward()" % r,
        '[rank%d]:   File "/usr/local/lib/python3.11/site-packages/torch/autograd/graph.py", line 825, in _engine_run_backward' % r,
        "[rank%d]: torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 7.82 GiB. GPU 5 has a total capacity "
        "of 79.10 GiB of which 3.61 GiB is free. Including non-PyTorch memory, this process has 75.48 GiB memory in use. "
        "Of the allocated memory 68.90 GiB is allocated by PyTorch, and 5.13 GiB is reserved by PyTorch but unallocated. "
        "If reserved but unallocated memory is large try setting PYTORCH_CUDA_ALLOC_CONF=expandable_segments:True to "
        "avoid fragmentation.  See documentation for Memory Management  (https://pytorch.org/docs/stable/notes/cuda.html"
        "#environment-variables)" % r,
        "[rank%d]:[titan] %s - root - INFO - batch stats: max packed doc len 31988, tokens 32768" % (r, c.ymd_ms(-635)),
    ]
    oom += torch_tail(c, -620, r, "p5-use1-0118", exitcode=1)
    c.log("p5-use1-0118/rank%d.log" % r, oom)
    dcgm(c, "p5-use1-0118", which=("util", "power"),
         over={"util": {g: after(-620, lambda s, v: 100.0 if g != 5 else 0.0) for g in range(8)}})
    c.gpu_metric("DCGM_FI_DEV_FB_USED", "p5-use1-0118", 74200, jitter=800, decimals=0,
                 over={5: lambda s, v: 78900 if -660 < s < -620 else (600 if s >= -620 else v)})
    c.with_topology()
    health_all(c, "p5-use1-0118")
    return c


def case_q015():
    # A device-side assert on one rank: a bad token id from a corrupted shard indexes past the
    # embedding table. Peers die later of NCCL timeouts.
    hosts = ["node-a17", "node-a18"]
    c = Case("case-q015", "illegal_memory_access", "node-a18/gpu3", hosts, gpu=A100)
    c.alert("TrainingJobFailed", "job nemo-gpt-5b: rank 11 exited with CUDA error (device-side assert)",
            job="nemo-gpt-5b", node="node-a18")
    r = c.rank_of("node-a18", 3)
    lines = ["[NeMo I %s exp_manager:396] Experiments will be logged at /results/nemo-gpt-5b/2026" % c.ymd(-1300)]
    for i in range(10):
        lines.append("Epoch 0: :  %d%%|##   | %d/200000 [%s<%s, v_num=0, reduced_train_loss=%.3f, global_step=%d.0, "
                     "consumed_samples=%d.0, train_step_timing in s=1.230]" % (
                         12 + i // 5, 24800 + i * 40, "8:31:%02d" % (i * 4), "61:02:11", 2.43 - i * 0.003,
                         24800 + i * 40, (24800 + i * 40) * 256))
    lines += [
        "../aten/src/ATen/native/cuda/Indexing.cu:1289: indexSelectLargeIndex: block: [388,0,0], thread: [96,0,0] "
        "Assertion `srcIndex < srcSelectDimSize` failed.",
        "../aten/src/ATen/native/cuda/Indexing.cu:1289: indexSelectLargeIndex: block: [388,0,0], thread: [97,0,0] "
        "Assertion `srcIndex < srcSelectDimSize` failed.",
        "[rank%d]: RuntimeError: CUDA error: device-side assert triggered" % r,
        "[rank%d]: CUDA kernel errors might be asynchronously reported at some other API call, so the stacktrace "
        "below might be incorrect." % r,
        "[rank%d]: For debugging consider passing CUDA_LAUNCH_BLOCKING=1" % r,
        "[rank%d]: Compile with `TORCH_USE_CUDA_DSA` to enable device-side assertions." % r,
        "[NeMo W %s data_samplers:121] shard /data/pile_tok/shard_01877.bin: token id 65792 >= padded vocab 50304 at "
        "offset 18874368" % c.ymd(-711),
    ]
    lines += torch_tail(c, -700, r, "node-a18", exitcode=1)
    c.log("node-a18/nemo-gpt-5b/rank%d_stderr.log" % r, lines)
    peers = []
    for rr in (0, 4, 8, 15):
        peers += ck.watchdog(c, rr, -95 + c.rng.uniform(0, 2), 551021, op="ALLREDUCE", numel=1,
                             timeout_ms=600000)[:2]
    c.log("node-a17/nemo-gpt-5b/rank0_stderr.log", ck.app_noise(c, 5) + peers)
    d = ck.kernel_noise(c, "node-a18", 6, start_s=-1400, end_s=-60, fmt="dmesg")
    c.log("node-a18/dmesg", d)
    dcgm(c, "node-a18", which=("util", "temp"), power_frac=0.8)
    c.with_topology()
    health_all(c, "node-a18", bad={3: dict(xid_last=43)})
    return c


def case_q016():
    # The kernel OOM killer on one node kills a data-loader worker (pinned memory of 8 ranks x 12
    # workers plus a leaking shuffle buffer). The job's own error looks like a data-loader fault.
    hosts = ["cpu-heavy-gn01", "cpu-heavy-gn02"]
    c = Case("case-q016", "host_oom", "cpu-heavy-gn02", hosts, gpu=A100)
    c.alert("TrainingJobFailed", "job asr-conformer-xl failed on cpu-heavy-gn02 (DataLoader worker killed)",
            job="asr-conformer-xl", node="cpu-heavy-gn02")
    r = c.rank_of("cpu-heavy-gn02", 1)
    lines = ck.plain_steps(c, -90, 14, 610220, step_s=0.71, loss=0.412)
    lines += [
        "[rank%d]: Traceback (most recent call last):" % r,
        '[rank%d]:   File "/usr/local/lib/python3.10/dist-packages/torch/utils/data/dataloader.py", line 1243, in '
        "_try_get_data" % r,
        "[rank%d]:     data = self._data_queue.get(timeout=timeout)" % r,
        "[rank%d]: RuntimeError: DataLoader worker (pid 2277140) is killed by signal: Killed. " % r,
    ]
    lines += torch_tail(c, -70, r, "cpu-heavy-gn02", exitcode=1)
    c.log("cpu-heavy-gn02/asr-conformer-xl/rank%d.log" % r, lines)
    k = ck.kernel_noise(c, "cpu-heavy-gn02", 5, start_s=-1400, end_s=-200, fmt="dmesg") + [
        "%s pt_data_worker invoked oom-killer: gfp_mask=0x140cca(GFP_HIGHUSER_MOVABLE|__GFP_COMP), order=0, "
        "oom_score_adj=0" % c.dmesg(-78),
        "%s Mem-Info:" % c.dmesg(-78),
        "%s active_anon:250771183 inactive_anon:11288722 isolated_anon:0" % c.dmesg(-78),
        "%s Free swap  = 0kB" % c.dmesg(-78),
        "%s oom-kill:constraint=CONSTRAINT_NONE,nodemask=(null),cpuset=/,mems_allowed=0-1,global_oom,"
        "task_memcg=/system.slice/slurmstepd.scope/job_5510294,task=pt_data_worker,pid=2277140,uid=40112" % c.dmesg(-77),
        "%s Out of memory: Killed process 2277140 (pt_data_worker) total-vm:98311452kB, anon-rss:61288820kB, "
        "file-rss:88212kB, shmem-rss:1402880kB, UID:40112 pgtables:121440kB oom_score_adj:0" % c.dmesg(-77),
    ]
    c.log("cpu-heavy-gn02/dmesg", k)
    mem = lambda s: 1.05e12 - (s + 1200) * 6.0e8 if s < -80 else 2.2e11  # noqa: E731
    c.node_metric("node_memory_MemAvailable_bytes", {"instance": "cpu-heavy-gn02"}, lambda s: max(1.1e9, mem(s)), decimals=0)
    c.node_metric("node_memory_MemAvailable_bytes", {"instance": "cpu-heavy-gn01"},
                  lambda s: 7.9e11 + c.rng.uniform(-1e10, 1e10), decimals=0)
    dcgm(c, "cpu-heavy-gn02", which=("util",))
    c.with_topology()
    health_all(c, "cpu-heavy-gn02")
    return c


def case_q017():
    # Megatron bf16 pre-training: loss spikes, grad norm climbs, then NaN. Every rank agrees; there
    # is an unrelated SBE count on one GPU to mislead.
    hosts = ["ml-h100-1a", "ml-h100-1b", "ml-h100-2a", "ml-h100-2b"]
    c = Case("case-q017", "loss_divergence", "job", hosts, gpu=H100)
    c.alert("LossAnomaly", "mlm-gpt-40b: lm loss 7.91 (trend 1.95) and grad norm 412 at iteration 301878",
            job="mlm-gpt-40b", node="ml-h100-1a")
    lossf = lambda i: 1.95 + c.rng.uniform(-0.02, 0.02) if i < 10 else [2.6, 4.8, 7.91, 9.4, float("nan"), float("nan")][min(i - 10, 5)]  # noqa: E731
    gradf = lambda i: 0.31 * c.rng.uniform(0.9, 1.1) if i < 9 else [1.9, 8.2, 61.0, 412.0, 3.1e3, float("nan"), float("nan")][min(i - 9, 6)]  # noqa: E731
    nanf = lambda i: 0 if i < 14 else i - 13  # noqa: E731
    it = ck.megatron_iters(c, -125, 17, 301866, step_s=7.1, loss_fn=lossf, grad_fn=gradf, nan_fn=nanf, gbs=2048,
                           lr=1.5e-4)
    it += ["WARNING: found NaN in local grad norm in backward pass. Device: 0, node: ml-h100-1a",
           "Rank 0: found NaN in local grad norm for bucket #0 in backward pass before data-parallel communication "
           "collective. Device: 0, node: ml-h100-1a",
           "> learning rate at iteration 301878: 1.500000E-04 (warmup finished at 2000)",
           "data batch at iteration 301874 drawn from blend index 3 (web-crawl-2026q3), 2048 samples"]
    c.log("ml-h100-1a/slurm-7719003.out", it + ck.app_noise(c, 4))
    d = ck.kernel_noise(c, "ml-h100-2b", 6, start_s=-1400, end_s=-10)
    c.log("ml-h100-2b/journal", d + ["%s ml-h100-2b nv-hostengine[3120]: GPU 4 single bit ECC error count 1 "
                                     "(volatile)" % c.syslog(-3100)])
    dcgm(c, "ml-h100-2b", which=("util", "power"))
    c.gpu_metric("DCGM_FI_DEV_ECC_SBE_VOL_TOTAL", "ml-h100-2b", 0, decimals=0, over={4: lambda s, v: 1})
    c.with_topology()
    health_all(c, "ml-h100-2b", bad={4: dict(ecc_sbe_volatile=1)})
    c.sdc("gpu.sdc@ml-h100-2b")
    c.sdc("gpu.sdc@ml-h100-1a")
    return c


def case_q018():
    # DeepSpeed fp16 fine-tune: overflow on every step, the dynamic loss scale walks down to its
    # floor and the run exits.
    hosts = ["v-a100-0031", "v-a100-0032"]
    c = Case("case-q018", "fp16_loss_scale_collapse", "job", hosts, gpu=A100, pci=ck.PCI_BUS_B)
    c.alert("TrainingJobFailed", "job ds-t5-11b-fp16 exited: 'Current loss scale already at minimum'",
            job="ds-t5-11b-fp16", node="v-a100-0031")
    lines = ck.deepspeed_steps(c, -120, 6, 18000, rank=0, step_s=2.9, loss=1.31)
    scale = 65536.0
    t = -100
    step = 18006
    while scale >= 1:
        t += 3.0
        nxt = max(scale / 2, 1.0)
        lines.append("[%s] [INFO] [loss_scaler.py:183:update_scale] [deepspeed] OVERFLOW! Rank 0 Skipping step. "
                     "Attempted loss scale: %d, reducing to %d" % (c.ymd_ms(t), scale, nxt))
        if scale == 1:
            break
        scale = nxt
        step += 1
        if step % 4 == 0:
            lines.append("[%s] [INFO] [logging.py:96:log_dist] [Rank 0] step=%d, skipped=%d, lr=[2.000000e-05], "
                         "mom=[(0.9, 0.999)]" % (c.ymd_ms(t + 0.1), step, step - 18006))
    lines += [
        "[%s] [INFO] [loss_scaler.py:190:update_scale] [deepspeed] OVERFLOW! Rank 0 Skipping step. Attempted loss "
        "scale: 1, but hysteresis is 2. Reducing hysteresis to 1" % c.ymd_ms(t + 3),
        "Traceback (most recent call last):",
        '  File "/workspace/finetune_t5.py", line 512, in <module>',
        "    engine.step()",
        '  File "/opt/conda/lib/python3.10/site-packages/deepspeed/runtime/fp16/loss_scaler.py", line 175, in update_scale',
        '    raise Exception("Current loss scale already at minimum - cannot decrease scale anymore. Exiting run.")',
        "Exception: Current loss scale already at minimum - cannot decrease scale anymore. Exiting run.",
    ]
    c.log("v-a100-0031/ds-t5-11b-fp16/rank0.log", lines)
    dcgm(c, "v-a100-0031", which=("util", "power"), power_frac=0.78)
    c.with_topology()
    health_all(c, "v-a100-0031")
    return c


def case_q019():
    # Transformer Engine FP8 with delayed scaling: amax history goes non-finite in a few layers and
    # the scale factors collapse; loss becomes NaN one step later. Looks like a plain divergence.
    hosts = ["h200-pod3-n07", "h200-pod3-n08", "h200-pod3-n09", "h200-pod3-n10"]
    c = Case("case-q019", "fp8_scaling_overflow", "job", hosts, gpu=H200)
    c.alert("LossNaN", "mlm-fp8-70b: lm loss is NaN at iteration 88412", job="mlm-fp8-70b", node="h200-pod3-n07")
    lossf = lambda i: 1.702 + c.rng.uniform(-0.02, 0.02) if i < 12 else float("nan")  # noqa: E731
    gradf = lambda i: 0.22 * c.rng.uniform(0.9, 1.1) if i < 11 else (5.9 if i == 11 else float("nan"))  # noqa: E731
    it = ck.megatron_iters(c, -90, 15, 88400, step_s=5.4, loss_fn=lossf, grad_fn=gradf,
                           nan_fn=lambda i: max(0, i - 11), skipped_fn=lambda i: max(0, i - 11))
    mon = []
    for i, (layer, amax, scale) in enumerate([("decoder.layers.61.mlp.linear_fc2", "inf", "0.000000e+00"),
                                             ("decoder.layers.61.mlp.linear_fc1", "4.812e+04", "9.313e-03"),
                                             ("decoder.layers.62.mlp.linear_fc2", "inf", "0.000000e+00"),
                                             ("decoder.layers.60.self_attention.linear_proj", "inf", "0.000000e+00")]):
        mon.append("[%s] fp8-stats iter 88411 %s fwd_x amax=%s scale=%s scale_inv=%s e4m3 sat=%.2f%%" % (
            c.ymd(-90 + 11 * 5.4 + i * 0.2), layer, amax, scale, "inf" if amax == "inf" else "1.074e+02",
            100.0 if amax == "inf" else 0.41))
    mon.append("[%s] fp8-stats iter 88411 decoder.layers.61.mlp.linear_fc2 bwd_grad amax history(1024): "
               "max=inf, last finite=3.11e+04 at iter 88409" % c.ymd(-90 + 11 * 5.4 + 1))
    mon.append("[%s] fp8-stats iter 88410 all 384 fp8 tensors: amax finite, max sat 0.03%%" % c.ymd(-90 + 10 * 5.4 + 1))
    c.log("h200-pod3-n07/slurm-448012.out", it + mon + ck.app_noise(c, 3))
    dcgm(c, "h200-pod3-n07", which=("util", "power"))
    c.with_topology(precision="fp8 (transformer-engine 1.11, delayed scaling, amax_history_len=1024, margin=0)")
    health_all(c, "h200-pod3-n07")
    c.sdc("gpu.sdc@h200-pod3-n07")
    return c


def case_q020():
    # Megatron MoE (64 experts, EP=8): routing collapses onto a handful of experts; the EP ranks
    # that host them become the slowest, all-to-all time balloons, tokens are dropped.
    hosts = ["moe-h100-c1", "moe-h100-c2", "moe-h100-c3", "moe-h100-c4"]
    c = Case("case-q020", "moe_expert_imbalance", "job", hosts, gpu=H100)
    c.alert("StepTimeRegression", "mlm-moe-64e: iteration time doubled since iteration 51200 (alert on the last 5 iterations)",
            job="mlm-moe-64e", node="moe-h100-c1")
    step = lambda i: (3.1 if i < 5 else 3.1 + 0.38 * (i - 4)) * c.rng.uniform(0.99, 1.01)  # noqa: E731
    it = ck.megatron_iters(c, -75, 14, 51195, step_fn=step, loss=1.96, gbs=1024)
    routing = []
    for i, (top, mx, drop, aux) in enumerate([(3, 2.1, 0.4, 0.0101), (5, 4.8, 6.2, 0.0188),
                                              (4, 8.9, 19.7, 0.0412), (4, 12.6, 31.5, 0.0861)]):
        routing.append("[%s] [moe] iter %d layer-avg: tokens/expert max/mean %.1fx, experts with 0 tokens: %d/64, "
                       "dropped tokens (capacity_factor=1.25): %.1f%%, load_balancing_loss %.4f" % (
                           c.ymd(-75 + (i * 4 + 2) * 4.4), 51197 + i * 4, mx, [0, 9, 22, 31][i], drop, aux))
    routing.append("[%s] [moe] layer 17 router: experts 5, 41, 42 receive 71.3%% of tokens" % c.ymd(-75 + 14 * 4.9))
    timers = ["(min, max) time across ranks (ms):",
              "    forward-backward ...............................: (5104.21, 7766.03)",
              "    moe-alltoall-dispatch ..........................: (612.44, 2490.87)",
              "    grads-all-reduce ...............................: (58.12, 61.30)"]
    c.log("moe-h100-c1/slurm-990113.out", it + routing + timers)
    for h in ("moe-h100-c2", "moe-h100-c3"):
        dcgm(c, h, which=("util", "power"),
             over={"util": {g: (lambda s, v: v * (0.62 if s > -60 else 1.0)) for g in range(8) if not (h == "moe-h100-c3" and g in (2, 5))}})
    c.with_topology(expert_parallel="EP=8 within a node; experts 40-47 on moe-h100-c3 gpu5, 0-7 on c1 gpu0 ...")
    for h in ("moe-h100-c2", "moe-h100-c3"):
        health_all(c, h)
    c.nccl("nccl.alltoall@job")
    c.nccl("nccl.alltoall@moe-h100-c3")
    return c


def case_q021():
    # One GPU is slow: a forgotten evaluation container on the same node shares it. Hardware is
    # healthy (no throttle bits, cool); gpu.gemm on that GPU is low while the job runs.
    hosts = ["k8s-a100-gpu-14", "k8s-a100-gpu-15"]
    c = Case("case-q021", "straggler_rank", "k8s-a100-gpu-15/gpu2", hosts, gpu=A100)
    c.alert("StragglerDetected", "ddp-bert-xxl: rank 10 is 1.6x slower than the median rank",
            job="ddp-bert-xxl", node="k8s-a100-gpu-15", namespace="nlp")
    st = ck.plain_steps(c, -1100, 5, 440100, step_s=1.41, loss=1.07)
    st += ck.plain_steps(c, -60, 10, 440802, step_s=2.27, loss=1.06)
    st += ["%s | WARNING | straggler | rank 10 (k8s-a100-gpu-15, cuda:2) fwd+bwd 2188 ms vs median 1362 ms over 50 "
           "steps" % c.ymd(-40),
           "%s | INFO | straggler | other ranks within 3%% of median" % c.ymd(-40)]
    c.log("k8s-a100-gpu-14/pod/ddp-bert-xxl-master-0", st + ck.app_noise(c, 5))
    ev = ["%s Normal Scheduled pod/eval-sweep-7f9c-0 Successfully assigned nlp-eval/eval-sweep-7f9c-0 to "
          "k8s-a100-gpu-15" % c.iso(-1040),
          "%s Normal Started pod/eval-sweep-7f9c-0 Started container evaluator" % c.iso(-1020),
          "%s Normal Pulled pod/eval-sweep-7f9c-0 Container image \"registry.local/nlp/eval:2.3\" already present on "
          "machine" % c.iso(-1025)]
    c.log("scheduler/events", ev)
    dcgm(c, "k8s-a100-gpu-15", over={"util": {2: lambda s, v: 100.0 if s > -1020 else v}})
    c.gpu_metric("DCGM_FI_DEV_FB_USED", "k8s-a100-gpu-15", 61200, jitter=500, decimals=0,
                 over={2: lambda s, v: v + (14800 if s > -1020 else 0)})
    c.with_topology()
    health_all(c, "k8s-a100-gpu-15")
    per_gpu(c, "k8s-a100-gpu-15", "gemm", bad={2: 142.0})
    per_gpu(c, "k8s-a100-gpu-15", "hbm", bad={2: 1010.0})
    return c


def case_q022():
    # After a config change moved tokenization on the fly, the input pipeline is CPU-bound on every
    # node: GPU utilisation saw-tooths, step time up, no errors anywhere.
    hosts = ["trn-h200-01", "trn-h200-02", "trn-h200-03"]
    c = Case("case-q022", "dataloader_stall", "job", hosts, gpu=H200)
    c.alert("GPUUtilizationLow", "job fsdp-mm-20b: mean GPU utilisation 46% over 15 min (was 93%)",
            job="fsdp-mm-20b", node="trn-h200-02")
    st = ck.fsdp_steps(c, -1180, 4, 20110, step_s=1.9, rank=0, mfu=46.0)
    st += ck.fsdp_steps(c, -110, 12, 20388, step_s=1.9, rank=0, mfu=46.0,
                        step_fn=lambda i: c.rng.uniform(3.4, 5.2))
    st += ["[rank0]:[titan] %s - root - INFO - data: wait %.0f ms/step (p50) %.0f ms (p99), workers=4, "
           "prefetch_factor=2, tokenize_on_the_fly=True" % (c.ymd_ms(-300), 1960, 3310),
           "[rank0]:[titan] %s - root - INFO - dataloader config changed at restart: num_workers 12 -> 4 "
           "(pod cpu limit 32)" % c.ymd_ms(-1120)]
    c.log("trn-h200-01/fsdp-mm-20b/rank0.log", st + ck.app_noise(c, 4))
    for h in hosts:
        c.node_metric("node_cpu_utilisation_ratio", {"instance": h, "mode": "user"},
                      lambda s: 0.97 + c.rng.uniform(-0.02, 0.02) if s > -1100 else 0.41, decimals=3)
    saw = lambda s, v: (95 if int(s / 30) % 2 else 12) + c.rng.uniform(-3, 3) if s > -1100 else v  # noqa: E731
    dcgm(c, "trn-h200-02", which=("util",), over={"util": {g: saw for g in range(8)}})
    c.with_topology()
    health_all(c, "trn-h200-02")
    c.nccl("nccl.allreduce@job")
    return c


def case_q023():
    # The NFS server holding checkpoints stops answering; every rank blocks in the checkpoint
    # save, then the NCCL watchdog fires in the barrier after it: a "hang" whose cause is storage.
    hosts = ["gpu-west-101", "gpu-west-102", "gpu-west-103", "gpu-west-104"]
    c = Case("case-q023", "storage_failure", "job", hosts, gpu=H100)
    c.alert("NCCLWatchdogTimeout", "job mlm-17b-multilingual: collective timeout on 32 ranks after checkpoint "
            "start", job="mlm-17b-multilingual", node="gpu-west-101")
    it = ck.megatron_iters(c, -1290, 6, 60995, step_s=4.4, loss=2.02)
    it += ["saving checkpoint at iteration   61000 to /mnt/ckpt/mlm-17b-multilingual in torch_dist format",
           "[%s] async checkpoint save queued (iter 61000), 32 ranks writing" % c.ymd(-1260)]
    for r in (0, 8, 17, 31):
        it += ck.watchdog(c, r, -30 + c.rng.uniform(0, 2), 512204, op="BARRIER" if r else "ALLREDUCE", numel=1,
                          timeout_ms=1200000)[:1]
    c.log("gpu-west-101/slurm-2290117.out", it)
    for h in ("gpu-west-101", "gpu-west-103"):
        j = ck.kernel_noise(c, h, 5, start_s=-1400, end_s=-20)
        j += ["%s %s kernel: nfs: server fs-ckpt-02.storage.local not responding, still trying" % (c.syslog(-1250 + k * 180), h)
              for k in range(3)]
        j += ["%s %s kernel: INFO: task pt_main_thread:%d blocked for more than 245 seconds." % (c.syslog(-900), h,
                                                                                                c.rng.randrange(30000, 90000)),
              "%s %s kernel: Call Trace:" % (c.syslog(-900), h),
              "%s %s kernel:  rpc_wait_bit_killable+0x1e/0xa0 [sunrpc]" % (c.syslog(-900), h),
              "%s %s kernel:  nfs_file_write+0x1b0/0x2d0 [nfs]" % (c.syslog(-900), h)]
        c.log("%s/journal" % h, j)
    for h in ("gpu-west-101", "gpu-west-103"):
        c.node_metric("node_nfs_requests_total", {"instance": h, "method": "Write", "proto": "4"},
                      lambda s: 881200, decimals=0)
    dcgm(c, "gpu-west-103", which=("util",), over={"util": {g: (lambda s, v: 0.0) for g in range(8)}})
    c.with_topology(filesystems="/mnt/ckpt nfs4 fs-ckpt-02.storage.local:/export/ckpt (hard,timeo=600)")
    for h in ("gpu-west-101", "gpu-west-103"):
        health_all(c, h)
    c.nccl("nccl.allreduce@job")
    return c


def case_q024():
    # torchrun launched with --nnodes=4 on a 3-node Slurm allocation (one node failed to boot and
    # the allocation shrank); rendezvous waits and times out. Looks like a network problem.
    hosts = ["slm-h100-061", "slm-h100-062", "slm-h100-064"]
    c = Case("case-q024", "launch_config_error", "job", hosts, gpu=H100)
    c.alert("TrainingJobFailed", "job ft-mistral-24b (Slurm 5529981) failed after 15 min with no training step",
            job="ft-mistral-24b", node="slm-h100-061")
    lines = [
        "+ srun --kill-on-bad-exit=1 torchrun --nnodes=4 --nproc-per-node=8 --rdzv-backend=c10d "
        "--rdzv-endpoint=slm-h100-061:29500 --rdzv-id=5529981 train.py --config cfg/ft24b.yaml",
        "W%s 118273 torch/distributed/run.py:793]" % c.glog(-960)[1:],
        "W%s 118273 torch/distributed/run.py:793] *****************************************" % c.glog(-960)[1:],
        "W%s 118273 torch/distributed/run.py:793] Setting OMP_NUM_THREADS environment variable for each process to "
        "be 1 in default, to avoid your system being overloaded, please further tune the variable for optimal "
        "performance in your application as needed." % c.glog(-960)[1:],
        "I%s 118273 torch/distributed/elastic/agent/server/api.py:864] [default] starting workers for entrypoint: python3"
        % c.glog(-959)[1:],
        "I%s 118273 torch/distributed/elastic/agent/server/api.py:680] [default] Rendezvous'ing worker group"
        % c.glog(-959)[1:],
    ]
    lines += ck.kernel_noise(c, "slm-h100-061", 3, start_s=-1300, end_s=-1000)
    lines += [
        "E%s 118273 torch/distributed/elastic/rendezvous/dynamic_rendezvous.py:1283] The node 'slm-h100-061_118273_0' "
        "rendezvous 'ft-mistral-24b' timed out: 3 of the minimum 4 nodes joined within 900 seconds" % c.glog(-58)[1:],
        "torch.distributed.elastic.rendezvous.api.RendezvousTimeoutError",
        "srun: error: slm-h100-062: task 1: Exited with exit code 1",
        "srun: error: slm-h100-064: task 2: Exited with exit code 1",
        "srun: error: slm-h100-061: task 0: Exited with exit code 1",
    ]
    c.log("slm-h100-061/slurm-5529981.out", lines)
    sl = ["[%s] sched: Allocate JobId=5529981 NodeList=slm-h100-[061-064] #CPUs=768 Partition=ft" % c.ymd(-1290),
          "[%s] error: Nodes slm-h100-063 not responding" % c.ymd(-1170),
          "[%s] Killing JobId=5529981 on failed node slm-h100-063" % c.ymd(-1100),
          "[%s] update_node: node slm-h100-063 state set to DOWN" % c.ymd(-1100),
          "[%s] _slurm_rpc_requeue: Processing RPC: REQUEST_JOB_REQUEUE from UID=0" % c.ymd(-1099),
          "[%s] sched: Allocate JobId=5529981 NodeList=slm-h100-[061-062,064] #CPUs=576 Partition=ft "
          "(--nodes=3-4 honoured)" % c.ymd(-1000),
          "[%s] _job_complete: JobId=5529981 WEXITSTATUS 1" % c.ymd(-55),
          "[%s] _job_complete: JobId=5529981 done" % c.ymd(-55)]
    c.log("scheduler/slurmctld", sl)
    for h in hosts:
        dcgm(c, h, util=0.0, power_frac=0.12, which=("util",))
    c.with_topology()
    for h in hosts:
        health_all(c, h)
    c.nccl("nccl.allreduce@job")
    return c


def case_q025():
    # Training on one node is slower for TP all-reduces; no Xid reached the log shipper (only the
    # job log exists). gpu.health shows two NVLinks down on one GPU and p2p_matrix agrees.
    hosts = ["dgx-h200-p1n4", "dgx-h200-p1n5"]
    c = Case("case-q025", "nvlink_error", "dgx-h200-p1n5/gpu7", hosts, gpu=H200)
    c.alert("StepTimeRegression", "mlm-tp8-13b: tensor-parallel comm time up 3x on dgx-h200-p1n5",
            job="mlm-tp8-13b", node="dgx-h200-p1n5")
    it = ck.megatron_iters(c, -1150, 4, 10100, step_s=2.02, loss=2.44, gbs=256)
    it += ck.megatron_iters(c, -45, 12, 10612, step_s=2.71, loss=2.41, gbs=256)
    it += ["(min, max) time across ranks (ms):",
           "    forward-backward ...............................: (1893.22, 2644.80)",
           "    tp-allreduce (per node, max) ...................: dgx-h200-p1n4 118.4 | dgx-h200-p1n5 401.9"]
    c.log("dgx-h200-p1n4/slurm-31882.out", it + ck.app_noise(c, 4))
    for h in hosts:
        dcgm(c, h, which=("util", "power"))
    c.with_topology()
    health_all(c, "dgx-h200-p1n5", bad={7: dict(nvlink_links_up=16, nvlink_recovery_errors=14,
                                                nvlink_recovery_errors_per_s=0, nvlink_replay_errors=911,
                                                nvlink_replay_errors_per_s=3.0)})
    health_all(c, "dgx-h200-p1n4")
    c.nccl("nccl.p2p_matrix@dgx-h200-p1n5", busbw=131.5,
           details={"slow_pairs": "gpu7<->gpu0..6 131-140 GB/s, other pairs 388-394 GB/s"})
    c.nccl("nccl.p2p_matrix@dgx-h200-p1n4")
    c.nccl("nccl.allreduce@dgx-h200-p1n5", busbw=208.0)
    c.nccl("nccl.allreduce@dgx-h200-p1n4")
    return c


def case_q026():
    # Pods on one node restart with a generic CUDA error; the node's kernel log is not shipped. The
    # node's DCGM series for GPU 3 stop; gpu.inventory sees 7 of 8 GPUs.
    hosts = ["eks-p5-ip-10-2-14-88", "eks-p5-ip-10-2-15-31"]
    c = Case("case-q026", "gpu_fallen_off_bus", "eks-p5-ip-10-2-15-31/gpu3", hosts, gpu=H100)
    c.alert("KubePodCrashLooping", "pod train-ddp-worker-1 (ml-prod) restarting: 4 restarts in 15 min",
            job="train-ddp", node="eks-p5-ip-10-2-15-31", namespace="ml-prod")
    r = c.rank_of("eks-p5-ip-10-2-15-31", 3)
    w = ck.plain_steps(c, -925, 9, 73020, step_s=1.05, loss=2.88) + ck.app_noise(c, 4) + [
        "[rank%d]: RuntimeError: CUDA error: unspecified launch failure" % r,
        "[rank%d]: CUDA kernel errors might be asynchronously reported at some other API call, so the stacktrace "
        "below might be incorrect." % r,
    ]
    for k in range(3):
        w += ["%s: [rank%d] restart %d: RuntimeError: CUDA error: no CUDA-capable device is detected on cuda:3 "
              "(cudaSetDevice)" % (c.iso(-700 + k * 220), r, k + 1),
              "%s: [rank%d] torch.cuda.device_count() = 7" % (c.iso(-700 + k * 220), r)]
    c.log("eks-p5-ip-10-2-15-31/pod/train-ddp-worker-1", w)
    ev = ["%s Warning BackOff pod/train-ddp-worker-1 Back-off restarting failed container pytorch" % c.iso(-700 + k * 220)
          for k in range(3)]
    ev += ["%s Warning Unhealthy node/eks-p5-ip-10-2-15-31 nvidia.com/gpu: device GPU-%s marked unhealthy "
           "(XID or health check)" % (c.iso(-905), c.uuid("eks-p5-ip-10-2-15-31", 3)[4:]),
           "%s Normal NodeAllocatable node/eks-p5-ip-10-2-15-31 Updated Node Allocatable limit across pods: "
           "nvidia.com/gpu 8 -> 7" % c.iso(-900)]
    c.log("scheduler/events", ev)
    dcgm(c, "eks-p5-ip-10-2-15-31", over={k: {3: stop_after(-910)} for k in ("temp", "power", "util")},
         which=("temp", "power", "util"))
    c.with_topology()
    inventory_lost(c, "eks-p5-ip-10-2-15-31", 3)
    health_all(c, "eks-p5-ip-10-2-15-31", error={3: "Unable to determine the device handle for GPU 0000:%s:00.0: "
                                                     "GPU is lost. Reboot the system to recover this GPU" % ck.PCI_BUS_A[3]})
    health_all(c, "eks-p5-ip-10-2-14-88")
    return c


# ------------------------------------------------------------------------------------- main
CASES = [v for k, v in sorted(globals().items()) if k.startswith("case_q")]


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default=os.path.dirname(os.path.abspath(__file__)))
    args = ap.parse_args(argv)
    n = ck.write_cases([f() for f in CASES], args.out)
    print("holdout12: wrote %d cases to %s" % (n, args.out))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
