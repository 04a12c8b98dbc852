#!/usr/bin/env python3
"""holdout10: diagnosis cases written after freeze 10 (reasoner frozen at c3260bc).

Each case is a hand-written function below (fault content, twist, which probes ran where and what
they returned); casekit only supplies timestamps, noise, metric series and probe bookkeeping.
Stdlib only, deterministic. Usage: holdout10_cases.py [--out DIR] (default: this directory).
"""

import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import casekit as ck  # noqa: E402

H200 = "NVIDIA H200"
H100 = "NVIDIA H100 80GB HBM3"
A100 = "NVIDIA A100-SXM4-80GB"
CASES = []


def case(fn):
    CASES.append(fn)
    return fn


# ------------------------------------------------------------------ small helpers (no answers)
def xid(c, host_gpu, code, text, pid=None, name="python3"):
    """The NVRM Xid line as the driver prints it, for GPU index host_gpu."""
    p = pid if pid is not None else c.rng.randrange(2000, 99999)
    return "NVRM: Xid (PCI:%s): %d, pid=%s, name=%s, %s" % (c.bus(host_gpu), code, p, name, text)


def dcgm(c, host, util=96.0, clock=None, temp=62.0, power=None, over=None, gpus=None, stop=None):
    """DCGM series for every GPU of `host`: util, SM clock, temperature, power. `over` maps a metric
    short name ('util', 'clock', 'temp', 'power') to {gpu: fn(s, normal)}; `stop` maps gpu -> offset
    after which that GPU's series stop (a lost GPU)."""
    over = dict(over or {})
    clock = clock or c.spec["clock"]
    power = power or 0.82 * c.spec["tdp"]
    stop = stop or {}

    def wrap(name):
        o = dict(over.get(name, {}))
        for g, t in stop.items():
            inner = o.get(g)
            o[g] = (lambda s, n, t=t, inner=inner: None if s >= t else (inner(s, n) if inner else n))
        return o

    uo = wrap("util")
    uo = {g: (lambda s, n, f=uo.get(g): _clamp_util(f(s, n) if f else n)) for g in range(c.gpus)}
    c.gpu_metric("DCGM_FI_DEV_GPU_UTIL", host, util, jitter=3.0, over=uo, gpus=gpus, decimals=0)
    c.gpu_metric("DCGM_FI_DEV_SM_CLOCK", host, clock, jitter=0.0, over=wrap("clock"), gpus=gpus, decimals=0)
    c.gpu_metric("DCGM_FI_DEV_GPU_TEMP", host, temp, jitter=5.0, over=wrap("temp"), gpus=gpus, decimals=0)
    c.gpu_metric("DCGM_FI_DEV_POWER_USAGE", host, power, jitter=40.0, over=wrap("power"), gpus=gpus)


def _clamp_util(v):
    return None if v is None else max(0.0, min(100.0, v))


def health_all(c, host, bad=None, skip=()):
    """gpu.health (rates form) on every GPU of host; `bad` maps gpu -> overrides."""
    bad = bad or {}
    for g in range(c.gpus):
        if g in skip:
            continue
        c.health_rates("gpu.health@%s/gpu%d" % (host, g), **bad.get(g, {}))


def gemm_all(c, host, bad=None):
    bad = bad or {}
    for g in range(c.gpus):
        c.gemm("gpu.gemm@%s/gpu%d" % (host, g), tflops=bad.get(g))


def after(s, t, a, b):
    return a if s < t else b


def ramp(s, t0, t1, a, b):
    if s <= t0:
        return a
    if s >= t1:
        return b
    return a + (b - a) * (s - t0) / (t1 - t0)


def torch_nccl_err(c, rank, s, detail, version="2.21.5", kind="unhandled system error",
                   line=1970):
    return [
        "[rank%d]: Traceback (most recent call last):" % rank,
        '[rank%d]:   File "/workspace/train.py", line 311, in train_step' % rank,
        "[rank%d]:     dist.all_reduce(grad_buf, group=dp_group)" % rank,
        "[rank%d]: torch.distributed.DistBackendError: NCCL error in: ../torch/csrc/distributed/c10d/"
        "ProcessGroupNCCL.cpp:%d, %s (run with NCCL_DEBUG=INFO for details), NCCL version %s" % (
            rank, line, kind, version),
        "[rank%d]: ncclRemoteError: A call failed possibly due to a network error or a remote process "
        "exiting prematurely." % rank if "remote" in kind else
        "[rank%d]: ncclSystemError: System call (e.g. socket, malloc) or external library call failed or "
        "device error. " % rank,
        "[rank%d]: Last error:" % rank,
        "[rank%d]: %s" % (rank, detail),
    ]


# ================================================================== GPU lost from the bus
@case
def r001():
    # Every rank of a 4-node Megatron job logs a watchdog timeout; one node's kernel log has Xid 79.
    hosts = ["gpu-h100-0412", "gpu-h100-0413", "gpu-h100-0417", "gpu-h100-0418"]
    c = ck.Case("case-r001", "gpu_fallen_off_bus", "gpu-h100-0417/gpu6", hosts, gpu=H100, pci=ck.PCI_BUS_B)
    c.alert("TrainingJobHung", "job llama-70b-sft: no iteration logged for 11 minutes", s=0,
            job="llama-70b-sft", cluster="slurm-east", node="gpu-h100-0412")
    bad = 2 * 8 + 6
    rank0 = ck.megatron_iters(c, -1180, 12, 52310, step_s=6.2, gbs=512)
    rank0 += ck.watchdog(c, 0, -20, 391204)
    rank0 += ck.app_noise(c, 4)
    c.log("gpu-h100-0412/rank0/stderr", rank0)
    peers = []
    for r in (9, 17, 23, 31):
        peers += ck.watchdog(c, r, -20 + c.rng.uniform(0, 2), 391204)[:2]
    c.log("slurm-1888231/ranks-merged.err", peers)
    k = ck.kernel_noise(c, "gpu-h100-0417", 6)
    k += ["%s gpu-h100-0417 kernel: %s" % (c.syslog(-640), xid(c, 6, 79, "GPU has fallen off the bus.", name="pt_main_thread")),
          "%s gpu-h100-0417 kernel: NVRM: GPU 0000:%s:00.0: GPU has fallen off the bus." % (c.syslog(-640), c.pci[6]),
          "%s gpu-h100-0417 kernel: NVRM: GPU at PCI:0000:%s:00: GPU-3c1f0a77-b6a2-9e55-1d0c-a6c2f8d31e04" % (c.syslog(-640), c.pci[6]),
          "%s gpu-h100-0417 kernel: NVRM: A GPU crash dump has been created. If possible, please run" % c.syslog(-639),
          "%s gpu-h100-0417 kernel: NVRM: nvidia-bug-report.sh as root to collect this data before" % c.syslog(-639),
          "%s gpu-h100-0417 kernel: NVRM: the NVIDIA kernel module is unloaded." % c.syslog(-639),
          "%s gpu-h100-0417 nv-hostengine[2290]: Detected a GPU that is no longer accessible (gpuId 6)" % c.syslog(-610)]
    c.log("gpu-h100-0417/journal", k)
    dcgm(c, "gpu-h100-0417", stop={6: -640},
         over={"util": {g: (lambda s, n: after(s, -640, n, 0.0)) for g in range(8)}})
    health_all(c, "gpu-h100-0417", skip=(6,))
    c.errored("gpu.health@gpu-h100-0417/gpu6", "nvmlDeviceGetHandleByIndex(6): Unknown Error (GPU is lost)", 0.4)
    c.inventory("gpu.inventory@gpu-h100-0417/gpu6", count=7)
    c.inventory("gpu.inventory@gpu-h100-0412/gpu0")
    health_all(c, "gpu-h100-0412")
    return c


@case
def r002():
    # Kubernetes: the pod only sees "unspecified launch failure"; the node journal names a PCI bus id.
    hosts = ["gke-a3-pool-7f9c-01", "gke-a3-pool-7f9c-02"]
    c = ck.Case("case-r002", "gpu_fallen_off_bus", "gke-a3-pool-7f9c-02/gpu3", hosts, gpu=H200)
    c.alert("PodCrashLooping", "pod torchtitan-8b-worker-1 restarted 3 times", s=0, namespace="research",
            pod="torchtitan-8b-worker-1", node="gke-a3-pool-7f9c-02")
    lines = ck.fsdp_steps(c, -900, 10, 8801, rank=11)
    lines += ["[rank11]: Traceback (most recent call last):",
              '[rank11]:   File "/opt/torchtitan/torchtitan/train.py", line 402, in main',
              "[rank11]:     loss.backward()",
              "[rank11]: RuntimeError: CUDA error: unspecified launch failure",
              "[rank11]: CUDA kernel errors might be asynchronously reported at some other API call, so the stacktrace below might be incorrect.",
              "[rank11]: For debugging consider passing CUDA_LAUNCH_BLOCKING=1",
              "[rank11]: Compile with `TORCH_USE_CUDA_DSA` to enable device-side assertions."]
    lines += ck.app_noise(c, 3)
    c.log("research/torchtitan-8b-worker-1/trainer", lines)
    j = ["%s gke-a3-pool-7f9c-02 kernel: NVRM: GPU 0000:%s:00.0: GPU has fallen off the bus." % (c.syslog(-405), c.pci[3]),
         "%s gke-a3-pool-7f9c-02 kernel: NVRM: Xid (PCI:0000:%s:00): 79, pid='<unknown>', name=<unknown>, GPU has fallen off the bus." % (c.syslog(-405), c.pci[3]),
         "%s gke-a3-pool-7f9c-02 kernel: pcieport 0000:%s:01.0: AER: Uncorrected (Fatal) error received: 0000:%s:00.0" % (c.syslog(-406), "%02x" % (int(c.pci[3], 16) - 1), c.pci[3]),
         "%s gke-a3-pool-7f9c-02 kubelet[1877]: E1 pod_workers.go:1298] \"Error syncing pod, skipping\" err=\"failed to \\\"StartContainer\\\" for \\\"trainer\\\" with CrashLoopBackOff\"" % c.syslog(-120),
         "%s gke-a3-pool-7f9c-02 nvidia-device-plugin[2011]: Unhealthy device GPU-%s detected; marking it unhealthy (XidCriticalError 79)" % (c.syslog(-400), c.uuid("gke-a3-pool-7f9c-02", 3)[4:]),
         "%s gke-a3-pool-7f9c-02 nvidia-smi[51220]: Unable to determine the device handle for GPU0000:%s:00.0: Unknown Error" % (c.syslog(-300), c.pci[3].upper())]
    j += ck.kernel_noise(c, "gke-a3-pool-7f9c-02", 8)
    c.log("gke-a3-pool-7f9c-02/journal", j)
    c.log("k8s/events", ["%s Warning BackOff pod/torchtitan-8b-worker-1 Back-off restarting failed container trainer" % c.iso(-100),
                         "%s Normal Pulled pod/torchtitan-8b-worker-1 Container image \"us-docker.pkg.dev/research/titan:2026.10\" already present on machine" % c.iso(-390),
                         "%s Warning FailedScheduling pod/torchtitan-8b-worker-1 0/2 nodes are available: 1 Insufficient nvidia.com/gpu" % c.iso(-60)])
    dcgm(c, "gke-a3-pool-7f9c-02", stop={3: -405},
         over={"util": {g: (lambda s, n: after(s, -405, n, 0.0)) for g in range(8)}})
    health_all(c, "gke-a3-pool-7f9c-02", skip=(3,))
    c.errored("gpu.health@gke-a3-pool-7f9c-02/gpu3", "NVML_ERROR_GPU_IS_LOST on device 0000:%s:00.0" % c.pci[3], 0.3)
    c.inventory("gpu.inventory@gke-a3-pool-7f9c-02/gpu3", count=7)
    return c


# ================================================================== uncorrectable ECC
@case
def r003():
    # A100, DeepSpeed: rank 13 dies on an uncorrectable ECC error, peers report NCCL remote errors.
    hosts = ["trn-a100-r3n11", "trn-a100-r3n12"]
    c = ck.Case("case-r003", "gpu_memory_uncorrectable_ecc", "trn-a100-r3n12/gpu5", hosts, gpu=A100)
    c.alert("JobFailed", "slurm job 4410923 (bert-xl-pretrain) exited with code 1", s=0,
            job="bert-xl-pretrain", node="trn-a100-r3n11")
    r0 = ck.deepspeed_steps(c, -700, 12, 20410)
    r0 += torch_nccl_err(c, 0, -30, "NET/IB : Got completion from peer 10.31.12.4<44121> with error 12, opcode 0, len 0, vendor err 129 (Send) localGid ::ffff:10.31.11.4 remoteGid ::ffff:10.31.12.4",
                         version="2.18.3", kind="unhandled system error")
    c.log("trn-a100-r3n11/rank0.log", r0)
    r13 = ["[rank13]: Traceback (most recent call last):",
           '[rank13]:   File "/work/deepspeed_train.py", line 188, in <module>',
           "[rank13]:     model_engine.step()",
           "[rank13]: RuntimeError: CUDA error: uncorrectable ECC error encountered",
           "[rank13]: CUDA kernel errors might be asynchronously reported at some other API call, so the stacktrace below might be incorrect."]
    r13 += ck.elastic_failure(c, -31, "trn-a100-r3n12", 13, 5, 1)
    c.log("trn-a100-r3n12/rank13.log", r13)
    k = ck.kernel_noise(c, "trn-a100-r3n12", 5, fmt="dmesg")
    k += ["%s %s" % (c.dmesg(-34), xid(c, 5, 48, "An uncorrectable double bit error (DBE) has been detected on GPU in the framebuffer at partition 3, subpartition 1.")),
          "%s NVRM: Xid (PCI:%s): 63, pid='<unknown>', name=<unknown>, Row Remapper: New row (0x00000000034f1a40) marked for remapping, reset gpu to activate." % (c.dmesg(-33.6), c.bus(5))]
    c.log("trn-a100-r3n12/dmesg", k)
    dcgm(c, "trn-a100-r3n12", util=91, temp=58)
    c.gpu_metric("DCGM_FI_DEV_ECC_DBE_VOL_TOTAL", "trn-a100-r3n12", 0, over={5: lambda s, n: after(s, -34, 0, 2)}, decimals=0)
    health_all(c, "trn-a100-r3n12", bad={5: dict(ecc_dbe_volatile=2, ecc_dbe_aggregate=2, remap_pending=1,
                                                 remapped_rows_uncorrectable=1, xid_last=48)})
    health_all(c, "trn-a100-r3n11")
    return c


@case
def r004():
    # H200, Xid 94 contained error: the app restarts cleanly, but the same GPU keeps taking DBEs.
    hosts = ["dgx-h200-c07", "dgx-h200-c08", "dgx-h200-c09", "dgx-h200-c10"]
    c = ck.Case("case-r004", "gpu_memory_uncorrectable_ecc", "dgx-h200-c09/gpu2", hosts, gpu=H200)
    c.alert("TrainingRestartLoop", "mixtral-ft restarted twice in 20 minutes (torchrun max_restarts=3)", s=0,
            job="mixtral-ft", node="dgx-h200-c09")
    k = ck.kernel_noise(c, "dgx-h200-c09", 7)
    for t in (-1050, -420):
        k += ["%s dgx-h200-c09 kernel: %s" % (c.syslog(t), xid(c, 2, 94, "Contained: SM (0x1). RST: No, D-RST: No")),
              "%s dgx-h200-c09 kernel: NVRM: Xid (PCI:%s): 94, pid=%d, name=python, Ch 00000008" % (c.syslog(t), c.bus(2), c.rng.randrange(3000, 60000))]
    c.log("dgx-h200-c09/journal", k)
    lines = ck.fsdp_steps(c, -1150, 6, 3100, rank=18)
    lines += ["[rank18]: RuntimeError: CUDA error: uncorrectable ECC error encountered",
              "[rank18]: Compile with `TORCH_USE_CUDA_DSA` to enable device-side assertions."]
    lines += ["W%s 3112 torch/distributed/elastic/agent/server/api.py:704] [default] Worker group FAILED. 2/3 attempts left; will restart worker group" % c.glog(-1040)[1:]]
    lines += ck.fsdp_steps(c, -980, 6, 3050, rank=18)
    lines += ["[rank18]: RuntimeError: CUDA error: uncorrectable ECC error encountered"]
    lines += ["W%s 3112 torch/distributed/elastic/agent/server/api.py:704] [default] Worker group FAILED. 1/3 attempts left; will restart worker group" % c.glog(-410)[1:]]
    lines += ck.app_noise(c, 4)
    c.log("dgx-h200-c09/torchrun.log", lines)
    other = ck.fsdp_steps(c, -1150, 8, 3100, rank=0) + ck.watchdog(c, 0, -1045, 88213)[:2]
    c.log("dgx-h200-c07/rank0.log", other)
    dcgm(c, "dgx-h200-c09")
    c.gpu_metric("DCGM_FI_DEV_ECC_DBE_VOL_TOTAL", "dgx-h200-c09", 0,
                 over={2: lambda s, n: 0 if s < -1050 else (1 if s < -420 else 2)}, decimals=0)
    c.gpu_metric("DCGM_FI_DEV_ECC_SBE_VOL_TOTAL", "dgx-h200-c09", 0, decimals=0)
    health_all(c, "dgx-h200-c09", bad={2: dict(ecc_dbe_volatile=2, ecc_dbe_aggregate=5, retired_pages=0,
                                               remapped_rows_uncorrectable=3, xid_last=94)})
    c.hbm("gpu.hbm_bandwidth@dgx-h200-c09/gpu2")
    return c


# ================================================================== row remapping
@case
def r005():
    # Xid 64 and nvidia-smi -q says the remap failed; the training loss looks normal until the crash.
    hosts = ["hgx-b12-04", "hgx-b12-05"]
    c = ck.Case("case-r005", "gpu_row_remap_failure", "hgx-b12-05/gpu7", hosts, gpu=H100)
    c.alert("GPURowRemapFailure", "DCGM_FI_DEV_ROW_REMAP_FAILURE=1 on hgx-b12-05", s=0, node="hgx-b12-05", gpu="7")
    k = ck.kernel_noise(c, "hgx-b12-05", 6, fmt="dmesg")
    k += ["%s %s" % (c.dmesg(-300), xid(c, 7, 48, "An uncorrectable double bit error (DBE) has been detected on GPU in the framebuffer at partition 11, subpartition 0.")),
          "%s NVRM: Xid (PCI:%s): 64, pid='<unknown>', name=<unknown>, Row Remapper: Failed to remap row (0x0000000001ac0f20); bank 9 has no spare rows available" % (c.dmesg(-299.8), c.bus(7))]
    c.log("hgx-b12-05/dmesg", k)
    c.log("hgx-b12-05/nvidia-smi-q", [
        "==============NVSMI LOG==============", "Timestamp                                 : %s" % c.at(30).strftime("%a %b %d %H:%M:%S %Y"),
        "Driver Version                            : 550.90.07", "GPU 00000000:%s:00.0" % c.pci[7].upper(),
        "    Product Name                          : NVIDIA H100 80GB HBM3",
        "    Remapped Rows", "        Correctable Error                 : 0", "        Uncorrectable Error               : 7",
        "        Pending                           : No", "        Remapping Failure Occurred        : Yes",
        "        Bank Remap Availability Histogram", "            Max                           : 639 bank(s)",
        "            High                          : 0 bank(s)", "            Partial                       : 0 bank(s)",
        "            Low                           : 0 bank(s)", "            None                          : 1 bank(s)"])
    lines = ck.megatron_iters(c, -900, 10, 1200, gbs=256, step_s=3.1)
    lines += ["[rank15]: RuntimeError: CUDA error: uncorrectable ECC error encountered"]
    c.log("hgx-b12-04/train.log", lines)
    dcgm(c, "hgx-b12-05")
    c.gpu_metric("DCGM_FI_DEV_ROW_REMAP_FAILURE", "hgx-b12-05", 0, over={7: lambda s, n: after(s, -300, 0, 1)}, decimals=0)
    c.gpu_metric("DCGM_FI_DEV_UNCORRECTABLE_REMAPPED_ROWS", "hgx-b12-05", 0, over={7: lambda s, n: after(s, -300, 6, 7)}, decimals=0)
    health_all(c, "hgx-b12-05", bad={7: dict(remap_failure=1, remapped_rows_uncorrectable=7, ecc_dbe_volatile=1, ecc_dbe_aggregate=9, xid_last=64)})
    return c


@case
def r006():
    # Jobs keep failing to start on one GPU after a remap was scheduled; the node was never reset.
    hosts = ["node-0231", "node-0232", "node-0233", "node-0234"]
    c = ck.Case("case-r006", "gpu_row_remap_failure", "node-0233/gpu1", hosts, gpu=H200, pci=ck.PCI_BUS_B)
    c.alert("SlurmJobStartFailures", "3 jobs on node-0233 failed within 60s of start", s=0, node="node-0233")
    k = ["%s node-0233 kernel: NVRM: Xid (PCI:%s): 63, pid='<unknown>', name=<unknown>, Row Remapper: New row (0x00000000000be1c0) marked for remapping, reset gpu to activate." % (c.syslog(-1150), c.bus(1))]
    k += ck.kernel_noise(c, "node-0233", 8)
    c.log("node-0233/journal", k)
    s = []
    for jid, t in ((4410811, -900), (4410830, -500), (4410852, -80)):
        s += ["[%s] job %d: Launching batch job on node-0233" % (c.ymd(t).replace(" ", "T"), jid),
              "[%s] job %d: task 9: RuntimeError: CUDA error: uncorrectable ECC error encountered (device 1)" % (c.ymd(t + 41).replace(" ", "T"), jid),
              "[%s] job %d: srun: error: node-0233: task 9: Exited with exit code 1" % (c.ymd(t + 42).replace(" ", "T"), jid)]
    s += ["[%s] sched: Allocate JobId=4410860 NodeList=node-[0231-0232] #CPUs=224" % c.ymd(-40).replace(" ", "T"),
          "[%s] _job_complete: JobId=4410852 WEXITSTATUS 1" % c.ymd(-37).replace(" ", "T"),
          "[%s] backfill: Started JobId=4410861 in normal on node-0234" % c.ymd(-20).replace(" ", "T")]
    s += ["[%s] debug: sched: Running job scheduler" % c.ymd(c.rng.uniform(-1100, 0)).replace(" ", "T") for _ in range(6)]
    c.log("slurmctld/log", s)
    dcgm(c, "node-0233", util=0.0, power=90.0, temp=34.0)
    health_all(c, "node-0233", bad={1: dict(remap_pending=1, remapped_rows_uncorrectable=1, ecc_dbe_aggregate=1, xid_last=63)})
    return c


# ================================================================== GSP / firmware
@case
def r007():
    # GSP RPC timeout on one GPU stalls the whole job; every rank's watchdog fires.
    hosts = ["a3-node-17", "a3-node-18", "a3-node-19", "a3-node-20"]
    c = ck.Case("case-r007", "gpu_firmware_error", "a3-node-18/gpu4", hosts, gpu=H100)
    c.alert("NCCLWatchdogTimeout", "31 of 32 ranks hit the NCCL watchdog (ALLGATHER, 1800000 ms)", s=0,
            job="gpt-moe-32x", node="a3-node-17")
    r = []
    for rank in (0, 3, 8, 21, 30):
        r += ck.watchdog(c, rank, -10 + rank * 0.05, 120554, op="_ALLGATHER_BASE", timeout_ms=1800000)[:2]
    r += ck.megatron_iters(c, -1900, 5, 66001, step_s=9.5)[-2:]
    c.log("job-gpt-moe-32x/stderr-merged", r)
    j = ck.kernel_noise(c, "a3-node-18", 6)
    j += ["%s a3-node-18 kernel: %s" % (c.syslog(-1815), xid(c, 4, 119, "Timeout after 6s of waiting for RPC response from GPU4 GSP! Expected function 76 (GSP_RM_CONTROL) (0x20801349 0x410).")),
          "%s a3-node-18 kernel: NVRM: GPU4 GSP RPC buffer contains function 76 (GSP_RM_CONTROL) and data 0x0000000020801349 0x0000000000000410." % c.syslog(-1815),
          "%s a3-node-18 kernel: NVRM: GPU4 RPC history (CPU -> GSP):" % c.syslog(-1815),
          "%s a3-node-18 kernel: NVRM: Xid (PCI:%s): 119, pid=%d, name=nvidia-smi, Timeout after 6s of waiting for RPC response from GPU4 GSP! Expected function 10 (FREE) (0xa55a0050 0x0)." % (c.syslog(-1200), c.bus(4), c.rng.randrange(4000, 9000)),
          "%s a3-node-18 kernel: NVRM: Rate limiting GSP RPC error prints for GPU at PCI:%s (printing 1 of every 30).  The GPU likely needs to be reset." % (c.syslog(-1100), c.bus(4))]
    c.log("a3-node-18/journal", j)
    dcgm(c, "a3-node-18", util=100.0, over={"power": {g: (lambda s, n: after(s, -1815, n, 160.0)) for g in range(8)}})
    health_all(c, "a3-node-18", skip=(4,))
    c.errored("gpu.health@a3-node-18/gpu4", "nvmlDeviceGetClockInfo timed out after 30 s (GPU not responding)", 30.0)
    c.gemm("gpu.gemm@a3-node-18/gpu3")
    return c


@case
def r008():
    # A100 Kubernetes pod: Xid 62 micro-controller halt; the pod log shows only a hang then exit.
    hosts = ["aks-nd96amsr-3511", "aks-nd96amsr-3512"]
    c = ck.Case("case-r008", "gpu_firmware_error", "aks-nd96amsr-3512/gpu0", hosts, gpu=A100)
    c.alert("KubeJobFailed", "job/ft-mistral-7b failed: BackoffLimitExceeded", s=0, namespace="ml", node="aks-nd96amsr-3512")
    lines = ck.deepspeed_steps(c, -800, 10, 700, rank=8, step_s=3.1)
    lines += ["[%s] [WARNING] [stage3.py:2050:step] 1 pytorch allocator cache flushes since last step. this happens when there is high memory pressure" % c.ymd_ms(-760)]
    lines += torch_nccl_err(c, 8, -90, "Cuda failure 'unspecified launch failure'", version="2.19.3")
    c.log("ml/ft-mistral-7b-worker-1/stdout", lines)
    k = ck.kernel_noise(c, "aks-nd96amsr-3512", 4, fmt="dmesg")
    k += ["%s %s" % (c.dmesg(-95), xid(c, 0, 62, "0000b6a4 0000b9c0 00000000 00000000 00000000 00000000 00000000 00000000")),
          "%s NVRM: Xid (PCI:%s): 45, pid=%d, name=python, Ch 00000010" % (c.dmesg(-94), c.bus(0), c.rng.randrange(3000, 30000)),
          "%s NVRM: GPU at PCI:%s: %s" % (c.dmesg(-94), c.bus(0), c.uuid("aks-nd96amsr-3512", 0)),
          "%s NVRM: GPU Board Serial Number: 1653421008211" % c.dmesg(-94)]
    c.log("aks-nd96amsr-3512/dmesg", k)
    c.log("k8s/events", ["%s Warning BackoffLimitExceeded job/ft-mistral-7b Job has reached the specified backoff limit" % c.iso(0),
                         "%s Normal Killing pod/ft-mistral-7b-worker-0 Stopping container pytorch" % c.iso(-2)])
    dcgm(c, "aks-nd96amsr-3512", util=88, temp=55)
    health_all(c, "aks-nd96amsr-3512", bad={0: dict(xid_last=62)})
    c.fail("gpu.health@aks-nd96amsr-3512/gpu0", "last Xid 62 (internal micro-controller halt); GPU needs reset")
    return c


# ================================================================== NVLink
@case
def r009():
    # Xid 74 on one GPU; peers on other nodes only show watchdog timeouts and a torchrun failure.
    hosts = ["cw-h200-sxm-041", "cw-h200-sxm-042"]
    c = ck.Case("case-r009", "nvlink_error", "cw-h200-sxm-042/gpu1", hosts, gpu=H200)
    c.alert("TrainingJobFailed", "job qwen-32b-dpo failed on cw-h200-sxm-041 (exit 1)", s=0, node="cw-h200-sxm-041", job="qwen-32b-dpo")
    r = ck.fsdp_steps(c, -600, 8, 12040, rank=0) + ck.watchdog(c, 0, -15, 77120, op="REDUCE_SCATTER")
    r += ck.elastic_failure(c, -12, "cw-h200-sxm-041", 0, 0, -6, sig="SIGABRT")
    c.log("cw-h200-sxm-041/torchrun.log", r)
    k = ck.kernel_noise(c, "cw-h200-sxm-042", 5, fmt="dmesg")
    k += ["%s %s" % (c.dmesg(-620), xid(c, 1, 74, "NVLink: fatal error detected on link 11(0x0, 0x0, 0x0, 0x10000, 0x0, 0x0, 0x0)")),
          "%s NVRM: Xid (PCI:%s): 74, pid=%d, name=python, NVLink: fatal error detected on link 12(0x0, 0x0, 0x0, 0x10000, 0x0, 0x0, 0x0)" % (c.dmesg(-619.9), c.bus(1), c.rng.randrange(3000, 30000)),
          "%s nvidia-nvswitch2: SXid (PCI:0000:07:00.0): 20034, Fatal, Link 41 LTSSM Fault Up" % c.dmesg(-619.8),
          "%s nvidia-nvswitch2: SXid (PCI:0000:07:00.0): 20034, Severity 1 Engine instance 41 Sub-engine instance 00" % c.dmesg(-619.8)]
    c.log("cw-h200-sxm-042/dmesg", k)
    dcgm(c, "cw-h200-sxm-042", over={"util": {g: (lambda s, n: after(s, -620, n, 100.0)) for g in range(8)}})
    c.gpu_metric("DCGM_FI_DEV_NVLINK_CRC_FLIT_ERROR_COUNT_TOTAL", "cw-h200-sxm-042", 120, jitter=3, counter=True,
                 over={1: lambda s, n: n + (0 if s < -640 else 20000 + 900 * (s + 640))}, decimals=0)
    health_all(c, "cw-h200-sxm-042", bad={1: dict(nvlink_links_up=16, xid_last=74, nvlink_recovery_errors=4, nvlink_recovery_errors_per_s=0)})
    health_all(c, "cw-h200-sxm-041")
    c.nccl("nccl.allreduce@cw-h200-sxm-042", busbw=92.4)
    c.nccl("nccl.allreduce@cw-h200-sxm-041")
    return c


@case
def r010():
    # No Xid at all: intra-node all-reduce got slow on one node; a CRC storm on one GPU's links.
    hosts = ["hgx-r07-n1", "hgx-r07-n2", "hgx-r07-n3", "hgx-r07-n4"]
    c = ck.Case("case-r010", "nvlink_error", "hgx-r07-n3/gpu2", hosts, gpu=H100)
    c.alert("StepTimeRegression", "llama3-405b-pt step time +38% vs 24h baseline", s=0, job="llama3-405b-pt", node="hgx-r07-n1")
    r = ck.megatron_iters(c, -1150, 8, 90211, step_s=5.7)
    r += ck.megatron_iters(c, -700, 10, 90290, step_fn=lambda i: 7.9 * c.rng.uniform(0.99, 1.01), step_s=5.7)
    r += ck.app_noise(c, 4)
    r += ["[%s] (min, max) time across ranks (ms):" % c.ymd(-300),
          "    forward-backward ...................: (5412.33, 5519.10)",
          "    grads-reduce-scatter ...............: (2011.50, 2240.91)"]
    c.log("hgx-r07-n1/rank0.log", r)
    c.log("hgx-r07-n3/journal", ck.kernel_noise(c, "hgx-r07-n3", 12))
    for h in ("hgx-r07-n3", "hgx-r07-n2"):
        dcgm(c, h, util=99)
    c.gpu_metric("DCGM_FI_PROF_NVLINK_TX_BYTES", "hgx-r07-n3", 1.9e11, jitter=1e10,
                 over={2: lambda s, n: after(s, -900, n, 0.62e11)}, decimals=0)
    c.gpu_metric("DCGM_FI_PROF_NVLINK_TX_BYTES", "hgx-r07-n2", 1.9e11, jitter=1e10, decimals=0)
    health_all(c, "hgx-r07-n3", bad={2: dict(nvlink_crc_errors=5_412_002, nvlink_crc_errors_per_s=3810.0,
                                             nvlink_replay_errors=88012, nvlink_replay_errors_per_s=412.0)})
    health_all(c, "hgx-r07-n2")
    for h in hosts:
        c.nccl("nccl.allreduce@" + h, busbw=181.3 if h == "hgx-r07-n3" else None)
    c.nccl("nccl.p2p_matrix@hgx-r07-n3", busbw=61.0, details={"slowest_pair": "gpu2->gpu5"})
    c.nccl("nccl.p2p_matrix@hgx-r07-n2")
    return c


# ================================================================== thermal
@case
def r011():
    # One GPU runs hot and clocks down; the symptom is a straggler in the step-time breakdown.
    hosts = ["gpu-a17", "gpu-a18", "gpu-a19"]
    c = ck.Case("case-r011", "gpu_thermal_throttle", "gpu-a18/gpu5", hosts, gpu=H200)
    c.alert("StragglerDetected", "rank 13 is the slowest rank in 94% of the last 200 steps", s=0, job="dsv2-lite", node="gpu-a18")
    r = ck.deepspeed_steps(c, -1100, 20, 5200, step_s=2.9)
    r += ["[%s] [INFO] [straggler.py:77] slowest rank 13 (gpu-a18 local 5): fwd+bwd 2412 ms vs median 1710 ms" % c.ymd_ms(-30),
          "[%s] [INFO] [straggler.py:77] slowest rank 13 (gpu-a18 local 5): fwd+bwd 2390 ms vs median 1702 ms" % c.ymd_ms(-5)]
    c.log("gpu-a17/rank0.log", r)
    c.log("gpu-a18/journal", ck.kernel_noise(c, "gpu-a18", 9))
    dcgm(c, "gpu-a18", over={"temp": {5: lambda s, n: ramp(s, -1000, -600, n, 91.0)},
                             "clock": {5: lambda s, n: ramp(s, -900, -600, n, 1275.0)},
                             "power": {5: lambda s, n: ramp(s, -900, -600, n, 455.0)}})
    c.gpu_metric("DCGM_FI_DEV_CLOCK_THROTTLE_REASONS", "gpu-a18", 0, over={5: lambda s, n: after(s, -780, 0, 0x60)}, decimals=0)
    health_all(c, "gpu-a18", bad={5: dict(temperature_c=92, hbm_temperature_c=88, sm_clock_mhz=1260, clock_event_reasons=0x60, power_w=450)})
    gemm_all(c, "gpu-a18", bad={5: 471.2})
    return c


@case
def r012():
    # A chassis fan dies: every GPU of one node warms up and clocks down a little; the node straggles.
    hosts = ["dgx-b03", "dgx-b04", "dgx-b05", "dgx-b06"]
    c = ck.Case("case-r012", "gpu_thermal_throttle", "dgx-b05", hosts, gpu=H100)
    c.alert("JobThroughputLow", "nemo-gpt-20b tokens/s down 22%", s=0, job="nemo-gpt-20b", node="dgx-b03")
    r = ["[NeMo I %s nemo_logging:381] Epoch 0: : %d/250000 [..., reduced_train_loss=2.31, global_step=%d, consumed_samples=%d, train_step_timing in s=%.2f]" % (
        c.ymd(-1150 + 60 * i), 41000 + i, 41000 + i, (41000 + i) * 512, 3.42 if i < 6 else 4.38) for i in range(18)]
    r += ck.app_noise(c, 4)
    c.log("dgx-b03/nemo.log", r)
    sel = ["%s dgx-b05 ipmiseld[1722]: SEL: Fan FAN6_R | Lower Critical going low | Asserted | Reading 0 RPM < Threshold 1400 RPM" % c.syslog(-900),
           "%s dgx-b05 ipmiseld[1722]: SEL: Fan FAN6_F | Lower Critical going low | Asserted | Reading 0 RPM < Threshold 1400 RPM" % c.syslog(-899),
           "%s dgx-b05 ipmiseld[1722]: SEL: Temperature GPU_TRAY_INLET | Upper Non-critical going high | Asserted | Reading 41 C > Threshold 40 C" % c.syslog(-600)]
    sel += ck.kernel_noise(c, "dgx-b05", 8)
    c.log("dgx-b05/journal", sel)
    warm = {g: (lambda s, n: ramp(s, -900, -500, n, 84.0 + (n - 62) * 0.5)) for g in range(8)}
    clk = {g: (lambda s, n, g=g: ramp(s, -800, -500, n, 1590.0 - 25 * g)) for g in range(8)}
    dcgm(c, "dgx-b05", over={"temp": warm, "clock": clk})
    dcgm(c, "dgx-b04")
    health_all(c, "dgx-b05", bad={g: dict(temperature_c=86 + g % 3, sm_clock_mhz=1590 - 25 * g, clock_event_reasons=0x20) for g in range(8)})
    health_all(c, "dgx-b04")
    return c


# ================================================================== power
@case
def r013():
    # Someone left a 450 W application power limit on one node after a maintenance test.
    hosts = ["sjc-gpu-2201", "sjc-gpu-2202", "sjc-gpu-2203", "sjc-gpu-2204"]
    c = ck.Case("case-r013", "gpu_power_throttle", "sjc-gpu-2203", hosts, gpu=H100, pci=ck.PCI_BUS_B)
    c.alert("MFUDrop", "torchtitan llama3-70b MFU 31% (7d median 41%)", s=0, job="tt-llama3-70b", node="sjc-gpu-2201")
    st = lambda i: 2.35 * c.rng.uniform(0.99, 1.01)
    c.log("sjc-gpu-2201/rank0.log", ck.fsdp_steps(c, -1100, 20, 140, step_fn=st, step_s=1.8, mfu=41.0) + ck.app_noise(c, 3))
    j = ["%s sjc-gpu-2203 ansible-ansible.legacy.command[88121]: Invoked with _raw_params=/opt/ops/gpu-burn-check.sh --quick chdir=/tmp" % c.syslog(-1500)]
    j += ck.kernel_noise(c, "sjc-gpu-2203", 8)
    c.log("sjc-gpu-2203/journal", j)
    dcgm(c, "sjc-gpu-2203", power=448.0, clock=1410.0, over={"power": {g: (lambda s, n: min(n, 450.0)) for g in range(8)}})
    dcgm(c, "sjc-gpu-2201")
    health_all(c, "sjc-gpu-2203", bad={g: dict(power_limit_w=450, power_w=449, sm_clock_mhz=1410, clock_event_reasons=0x4) for g in range(8)})
    health_all(c, "sjc-gpu-2201")
    return c


@case
def r014():
    # A PSU fails; the BMC asserts power brake on the whole node. The job only sees slow steps.
    hosts = ["hpc-h200-n101", "hpc-h200-n102"]
    c = ck.Case("case-r014", "gpu_power_throttle", "hpc-h200-n102", hosts, gpu=H200)
    c.alert("StepTimeRegression", "megatron moe-16b step time 1.9x since 10 min", s=0, job="moe-16b", node="hpc-h200-n101")
    st = lambda i: 7.7 * c.rng.uniform(0.99, 1.01)
    c.log("hpc-h200-n101/rank0.log", ck.megatron_iters(c, -1150, 10, 3000) + ck.megatron_iters(c, -560, 10, 3120, step_fn=st) + ck.app_noise(c, 3))
    j = ["%s hpc-h200-n102 ipmiseld[1701]: SEL: Power Supply PSU3 | Power Supply AC lost | Asserted" % c.syslog(-640),
         "%s hpc-h200-n102 ipmiseld[1701]: SEL: Power Unit PWR_REDUNDANCY | Redundancy Lost | Asserted" % c.syslog(-639)]
    j += ck.kernel_noise(c, "hpc-h200-n102", 7)
    c.log("hpc-h200-n102/journal", j)
    clk = {g: (lambda s, n: after(s, -640, n, 1005.0)) for g in range(8)}
    pw = {g: (lambda s, n: after(s, -640, n, 330.0 + (n - 574) * 0.3)) for g in range(8)}
    dcgm(c, "hpc-h200-n102", over={"clock": clk, "power": pw})
    dcgm(c, "hpc-h200-n101")
    health_all(c, "hpc-h200-n102", bad={g: dict(sm_clock_mhz=1005, power_w=335, clock_event_reasons=0x88) for g in range(8)})
    health_all(c, "hpc-h200-n101")
    return c


# ================================================================== PCIe
@case
def r015():
    # After a reboot one GPU trained at Gen3; the job looks input-bound (H2D copies are slow).
    hosts = ["node-b17", "node-b18"]
    c = ck.Case("case-r015", "pcie_link_degraded", "node-b18/gpu4", hosts, gpu=H200)
    c.alert("GPUUtilLow", "job vit-22b GPU util below 70% for 15m", s=0, job="vit-22b", node="node-b18")
    st = lambda i: 1.31 * c.rng.uniform(0.98, 1.03)
    r = ck.plain_steps(c, -1150, 16, 60210, step_fn=st, extra=" | data_time 0.041s")
    r += ["%s | WARNING | train | rank 12 h2d copy of batch took 412 ms (p50 over ranks 58 ms)" % c.ymd(-400),
          "%s | WARNING | train | rank 12 h2d copy of batch took 398 ms (p50 over ranks 61 ms)" % c.ymd(-100)]
    r += ck.app_noise(c, 4)
    c.log("node-b17/rank0.log", r)
    k = ck.kernel_noise(c, "node-b18", 6, fmt="dmesg")
    c.log("node-b18/dmesg", k)
    dcgm(c, "node-b18", util=71.0, over={"util": {4: lambda s, n: n - 3}})
    health_all(c, "node-b18", bad={4: dict(pcie_link_gen=3)})
    for g in range(8):
        if g == 4:
            c.pcie("gpu.pcie_bandwidth@node-b18/gpu4", h2d=12.9, d2h=13.1)
        else:
            c.pcie("gpu.pcie_bandwidth@node-b18/gpu%d" % g)
    return c


@case
def r016():
    # AER corrected-error storm and a rising replay counter; nothing in the job log but slowness.
    hosts = ["ip-10-4-33-12", "ip-10-4-33-13", "ip-10-4-33-14", "ip-10-4-33-15"]
    c = ck.Case("case-r016", "pcie_link_degraded", "ip-10-4-33-14/gpu6", hosts, gpu=H100, pci=ck.PCI_BUS_B)
    c.alert("StepTimeRegression", "p5 cluster job olmo-13b: step time p95 +25%", s=0, job="olmo-13b", node="ip-10-4-33-12")
    st = lambda i: (2.1 if i % 3 else 2.9) * c.rng.uniform(0.98, 1.02)
    c.log("ip-10-4-33-12/rank0.log", ck.fsdp_steps(c, -1100, 18, 30400, step_fn=st, step_s=2.0) + ck.app_noise(c, 3))
    up = "%02x" % (int(c.pci[6], 16) - 1)
    k = ck.kernel_noise(c, "ip-10-4-33-14", 4, fmt="dmesg")
    for t in (-1000, -720, -430, -210, -60):
        k += ["%s pcieport 0000:%s:01.0: AER: Corrected error received: 0000:%s:00.0" % (c.dmesg(t), up, c.pci[6]),
              "%s nvidia 0000:%s:00.0: PCIe Bus Error: severity=Corrected, type=Data Link Layer, (Transmitter ID)" % (c.dmesg(t), c.pci[6]),
              "%s nvidia 0000:%s:00.0:   device [10de:2330] error status/mask=00001000/0000e000" % (c.dmesg(t), c.pci[6]),
              "%s nvidia 0000:%s:00.0:    [12] Timeout               " % (c.dmesg(t), c.pci[6])]
    c.log("ip-10-4-33-14/dmesg", k)
    dcgm(c, "ip-10-4-33-14")
    c.gpu_metric("DCGM_FI_DEV_PCIE_REPLAY_COUNTER", "ip-10-4-33-14", 2, jitter=0.02, counter=True,
                 over={6: lambda s, n: 3100 + 14 * (s + 1200)}, decimals=0)
    health_all(c, "ip-10-4-33-14", bad={6: dict(pcie_replay_count=19820, pcie_replay_per_s=16.0)})
    for g in (5, 6, 7):
        c.pcie("gpu.pcie_bandwidth@ip-10-4-33-14/gpu%d" % g, h2d=31.4 if g == 6 else None, d2h=29.8 if g == 6 else None)
    return c


# ================================================================== silent data corruption
@case
def r017():
    # The replica checksum monitor flags one DP rank; loss looks normal. The SDC probe confirms.
    hosts = ["gpu-h100-0700", "gpu-h100-0701", "gpu-h100-0702", "gpu-h100-0703"]
    c = ck.Case("case-r017", "gpu_silent_data_corruption", "gpu-h100-0702/gpu3", hosts, gpu=H100)
    c.alert("ReplicaChecksumMismatch", "param checksum mismatch across DP replicas at step 118000", s=0,
            job="llm-34b", node="gpu-h100-0700")
    r = ck.megatron_iters(c, -1150, 14, 117986, step_s=5.0)
    r += ["[%s] [replica-check] step 118000: 31/32 DP replicas agree on sha1(params)=9f1c2ab0; rank 19 differs (sha1=4b0e77d1)" % c.ymd(-5),
          "[%s] [replica-check] step 118000: first differing tensor decoder.layers.22.mlp.linear_fc1.weight, 12 elements, max |diff| 3.1e-02" % c.ymd(-4),
          "[%s] [replica-check] step 117000: 32/32 DP replicas agree on sha1(params)=71aa03fe" % c.ymd(-820)]
    r += ck.app_noise(c, 4)
    c.log("gpu-h100-0700/rank0.log", r)
    c.log("gpu-h100-0702/journal", ck.kernel_noise(c, "gpu-h100-0702", 10))
    dcgm(c, "gpu-h100-0702")
    health_all(c, "gpu-h100-0702")
    c.sdc("gpu.sdc@gpu-h100-0702", mismatched=37, bad_gpu="gpu3")
    c.sdc("gpu.sdc@gpu-h100-0701")
    gemm_all(c, "gpu-h100-0702")
    return c


@case
def r018():
    # One rank's loss drifts from its data-parallel twins with no error anywhere; looks like divergence.
    hosts = ["trn-h200-041", "trn-h200-042"]
    c = ck.Case("case-r018", "gpu_silent_data_corruption", "trn-h200-042/gpu6", hosts, gpu=H200)
    c.alert("LossSpike", "loss spike on deepseek-ft: 3.9 (trend 1.7)", s=0, job="deepseek-ft", node="trn-h200-041")
    r = ck.deepspeed_steps(c, -1100, 14, 8800, loss_fn=lambda i: 1.71 + c.rng.uniform(-0.02, 0.02) if i < 10 else 3.9)
    per = []
    for i, t in enumerate(range(-1000, 0, 90)):
        bad = 1.70 + (0.0 if t < -500 else 0.4 * (t + 500) / 100)
        per.append("[%s] [INFO] [per_rank_loss.py:31] step %d per-rank loss: r0=%.3f r3=%.3f r8=%.3f r14=%.3f r15=%.3f r17=%.3f" % (
            c.ymd_ms(t), 8800 + i * 40, 1.70 + c.rng.uniform(-.02, .02), 1.71 + c.rng.uniform(-.02, .02),
            1.69 + c.rng.uniform(-.02, .02), bad, 1.70 + c.rng.uniform(-.02, .02), 1.71 + c.rng.uniform(-.02, .02)))
    c.log("trn-h200-041/rank0.log", r + per)
    c.log("trn-h200-042/journal", ck.kernel_noise(c, "trn-h200-042", 8))
    dcgm(c, "trn-h200-042")
    health_all(c, "trn-h200-042")
    health_all(c, "trn-h200-041")
    c.sdc("gpu.sdc@trn-h200-042", mismatched=1024, bad_gpu="gpu6")
    c.sdc("gpu.sdc@trn-h200-041")
    return c


# ================================================================== InfiniBand
@case
def r019():
    # A cable unplug event on one HCA; NCCL completion errors show up on ranks of three nodes.
    hosts = ["ib-h100-a01", "ib-h100-a02", "ib-h100-a03", "ib-h100-a04"]
    c = ck.Case("case-r019", "ib_link_failure", "ib-h100-a03/mlx5_4", hosts, gpu=H100)
    c.alert("NCCLError", "llama-13b-rlhf: ncclRemoteError on 9 ranks", s=0, job="llama-13b-rlhf", node="ib-h100-a01")
    r = []
    for rank, h, peer in ((2, "ib-h100-a01", "10.44.3.5"), (12, "ib-h100-a02", "10.44.3.5"), (29, "ib-h100-a04", "10.44.3.5")):
        pid = c.rng.randrange(10000, 99999)
        r.append("%s:%d:%d [%d] transport/net_ib.cc:1695 NCCL WARN NET/IB : Got completion from peer %s<39011> with status=12 opcode=0 len=0 vendor err 129 (Send) localGid ::ffff:10.44.%d.5 remoteGids::ffff:%s hca mlx5_%d" % (
            h, pid, pid + 77, rank % 8, peer, hosts.index(h) + 1, peer, rank % 8))
        r.append("%s:%d:%d [%d] NCCL INFO transport/net.cc:1134 -> 6" % (h, pid, pid + 77, rank % 8))
    r += torch_nccl_err(c, 2, -3, "NET/IB : Got completion from peer 10.44.3.5<39011> with status=12 opcode=0 len=0 vendor err 129 (Send)",
                        kind="remote process exited or there was a network error")
    r += ck.megatron_iters(c, -400, 6, 5100)
    c.log("llama-13b-rlhf/stderr", r)
    j = ck.kernel_noise(c, "ib-h100-a03", 6)
    j += ["%s ib-h100-a03 kernel: mlx5_core 0000:%s:00.0: mlx5_port_module_event:1174:(pid 0): Port module event: module 4, Cable unplugged" % (c.syslog(-35), ck.NIC_BUS[4]),
          "%s ib-h100-a03 kernel: mlx5_core 0000:%s:00.0 ibp%ss0: Link down" % (c.syslog(-35), ck.NIC_BUS[4], ck.NIC_BUS[4]),
          "%s ib-h100-a03 opensm[2200]: log_notice: Reporting Generic Notice type:3 num:131 (Node info changed) from LID:211 GUID:0x946dae0300b1c3e4" % c.syslog(-34)]
    c.log("ib-h100-a03/journal", j)
    for h in ("ib-h100-a03", "ib-h100-a02"):
        for n in range(8):
            down = h == "ib-h100-a03" and n == 4
            c.node_metric("node_infiniband_port_state", {"instance": h, "device": "mlx5_%d" % n, "port": "1"},
                          lambda s, down=down: 1 if (down and s >= -35) else 4, decimals=0)
    c.nccl("nccl.allreduce@job", busbw=0.0, details={"error": "ncclRemoteError on ib-h100-a03 mlx5_4"})
    c.fail("nccl.allreduce@job", "ncclRemoteError: NET/IB completion status 12 from ib-h100-a03 (mlx5_4)")
    c.nccl("nccl.allreduce@ib-h100-a03")
    c.nccl("nccl.sendrecv@ib-h100-a03", busbw=0.0, details={"failed_nic": "mlx5_4", "error": "ibv_post_send: port 1 state DOWN"})
    c.fail("nccl.sendrecv@ib-h100-a03", "sendrecv over mlx5_4 failed: port 1 state DOWN; the other 7 HCAs 47-49 GB/s")
    c.nccl("nccl.sendrecv@ib-h100-a02")
    return c


@case
def r020():
    # Symbol errors and link downed counters climbing on one port; throughput sags, no hard error.
    hosts = ["prod-gpu-118", "prod-gpu-119", "prod-gpu-120", "prod-gpu-121"]
    c = ck.Case("case-r020", "ib_link_failure", "prod-gpu-120/mlx5_7", hosts, gpu=H200)
    c.alert("StepTimeRegression", "moe-pretrain step time 1.4x with high variance", s=0, job="moe-pretrain", node="prod-gpu-118")
    st = lambda i: c.rng.choice([4.1, 4.2, 6.9, 7.8, 4.1]) * c.rng.uniform(0.99, 1.01)
    r = ck.megatron_iters(c, -1150, 18, 220100, step_fn=st)
    pid = c.rng.randrange(10000, 99999)
    r += ["prod-gpu-120:%d:%d [7] NCCL INFO NET/IB : Got async event : port error" % (pid, pid + 3),
          "prod-gpu-120:%d:%d [7] NCCL INFO NET/IB : Got async event : port active" % (pid, pid + 3)] * 2
    c.log("prod-gpu-118/rank0.log", r)
    c.log("prod-gpu-120/journal", ck.kernel_noise(c, "prod-gpu-120", 6) + [
        "%s prod-gpu-120 kernel: mlx5_core 0000:%s:00.0: mlx5_cmd_out_err:838:(pid 0): port 1 link down then up (flap %d)" % (c.syslog(t), ck.NIC_BUS[7], i + 1)
        for i, t in enumerate((-980, -610, -240))])
    dcgm(c, "prod-gpu-120", util=88.0)
    c.nccl("nccl.allreduce@job", busbw=96.0)
    c.nccl("nccl.sendrecv@prod-gpu-120", busbw=9.5, details={"slowest_nic": "mlx5_7", "others_gb_s": 48.2})
    c.nccl("nccl.sendrecv@prod-gpu-119")
    c.nccl("nccl.allreduce@prod-gpu-120")
    return c


# ================================================================== NCCL bootstrap / transport config
@case
def r021():
    # NCCL_SOCKET_IFNAME points at an interface the new node image no longer has.
    hosts = ["node-c01", "node-c02", "node-c03", "node-c04"]
    c = ck.Case("case-r021", "nccl_network_misconfig", "job", hosts, gpu=H200)
    c.alert("JobFailedAtInit", "job pythia-rerun failed in NCCL init on all nodes", s=0, job="pythia-rerun", node="node-c01")
    lines = ["+ export NCCL_SOCKET_IFNAME=eth0", "+ export NCCL_IB_HCA=mlx5", "+ export NCCL_DEBUG=INFO",
             "+ srun --nodes=4 --ntasks-per-node=8 python pretrain.py --config cfg/pythia-12b.yaml"]
    for h in hosts:
        pid = c.rng.randrange(10000, 99999)
        lines += ["%s:%d:%d [0] NCCL INFO cudaDriverVersion 12040" % (h, pid, pid),
                  "%s:%d:%d [0] NCCL INFO NCCL_SOCKET_IFNAME set by environment to eth0" % (h, pid, pid),
                  "%s:%d:%d [0] bootstrap.cc:77 NCCL WARN Bootstrap : no socket interface found" % (h, pid, pid),
                  "%s:%d:%d [0] NCCL INFO init.cc:1893 -> 3" % (h, pid, pid)]
    lines += ["[rank0]: torch.distributed.DistBackendError: NCCL error in: ../torch/csrc/distributed/c10d/ProcessGroupNCCL.cpp:1970, internal error - please report this issue to the NCCL developers, NCCL version 2.21.5",
              "[rank0]: ncclInternalError: Internal check failed.",
              "[rank0]: Last error:",
              "[rank0]: Bootstrap : no socket interface found",
              "srun: error: node-c03: tasks 16-23: Exited with exit code 1",
              "srun: error: node-c01: tasks 0-7: Exited with exit code 1"]
    c.log("slurm-7731201.out", lines)
    c.log("node-c02/ip-addr", ["1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue state UNKNOWN",
                               "2: enp86s0f0np0: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 9000 qdisc mq state UP",
                               "    inet 10.10.2.2/16 brd 10.10.255.255 scope global enp86s0f0np0",
                               "3: ibp12s0: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 4092 qdisc mq state UP",
                               "4: docker0: <NO-CARRIER,BROADCAST,MULTICAST,UP> mtu 1500 qdisc noqueue state DOWN"])
    for h in hosts[:2]:
        c.nccl("nccl.allreduce@" + h)
    c.nccl("nccl.allreduce@job", details={"env": "probe default NCCL_SOCKET_IFNAME=enp86s0f0np0"})
    health_all(c, "node-c01")
    return c


@case
def r022():
    # NCCL_IB_HCA lists devices by the old names; NCCL falls back to sockets and then a peer can't connect.
    hosts = ["k8s-h100-pool-a-0", "k8s-h100-pool-a-1", "k8s-h100-pool-a-2"]
    c = ck.Case("case-r022", "nccl_network_misconfig", "job", hosts, gpu=H100)
    c.alert("PyTorchJobFailed", "pytorchjob/sd3-ft failed: worker-2 exit code 1", s=0, namespace="gen", node="k8s-h100-pool-a-2")
    lines = []
    for h in hosts:
        pid = c.rng.randrange(100, 999)
        lines += ["%s:%d:%d [0] NCCL INFO NCCL_IB_HCA set to =mlx5_0,mlx5_1,mlx5_2,mlx5_3" % (h, pid, pid),
                  "%s:%d:%d [0] NCCL INFO NET/IB : No device found." % (h, pid, pid),
                  "%s:%d:%d [0] NCCL INFO NET/Socket : Using [0]eth0:192.168.%d.14<0>" % (h, pid, pid, hosts.index(h) + 30),
                  "%s:%d:%d [0] NCCL INFO Using network Socket" % (h, pid, pid)]
    pid = 412
    lines += ["k8s-h100-pool-a-2:%d:%d [3] misc/socket.cc:484 NCCL WARN socketStartConnect: Connect to 192.168.30.14<43117> failed : Software caused connection abort" % (pid, pid + 61),
              "k8s-h100-pool-a-2:%d:%d [3] NCCL INFO misc/socket.cc:565 -> 2" % (pid, pid + 61),
              "k8s-h100-pool-a-2:%d:%d [3] NCCL INFO transport/net_socket.cc:339 -> 2" % (pid, pid + 61),
              "k8s-h100-pool-a-2:%d:%d [3] NCCL INFO transport.cc:165 -> 2" % (pid, pid + 61),
              "[rank19]: torch.distributed.DistBackendError: NCCL error in: ../torch/csrc/distributed/c10d/NCCLUtils.hpp:317, unhandled system error (run with NCCL_DEBUG=INFO for details), NCCL version 2.20.5",
              "[rank19]: ncclSystemError: System call (e.g. socket, malloc) or external library call failed or device error. ",
              "[rank19]: Last error:",
              "[rank19]: socketStartConnect: Connect to 192.168.30.14<43117> failed : Software caused connection abort"]
    c.log("gen/sd3-ft-worker-2/pytorch", lines)
    c.log("k8s-h100-pool-a-2/ibv_devices", ["    device                 node GUID", "    ------              ----------------",
                                            "    mlx5_ib0            946dae03009a1c10", "    mlx5_ib1            946dae03009a1c11",
                                            "    mlx5_ib2            946dae03009a1c12", "    mlx5_ib3            946dae03009a1c13",
                                            "    mlx5_eth0           946dae03009a1d00"])
    c.log("k8s/events", ["%s Normal SuccessfulCreate pytorchjob/sd3-ft Created pod: sd3-ft-worker-%d" % (c.iso(-300), i) for i in range(3)] +
          ["%s Warning Failed pytorchjob/sd3-ft PyTorchJob sd3-ft is failed because 1 Worker replica(s) failed." % c.iso(0)])
    c.nccl("nccl.allreduce@k8s-h100-pool-a-2")
    c.nccl("nccl.allreduce@job", details={"env": "probe uses NCCL_IB_HCA=mlx5_ib"})
    health_all(c, "k8s-h100-pool-a-2")
    return c


# ================================================================== collective hang
@case
def r023():
    # 63 ranks time out in ALLREDUCE; the desync report says one rank never joined. Hardware is fine.
    hosts = ["gpu-h200-%03d" % i for i in (210, 211, 212, 213, 214, 215, 216, 217)]
    c = ck.Case("case-r023", "nccl_collective_hang", "gpu-h200-214/gpu5", hosts, gpu=H200)
    c.alert("NCCLWatchdogTimeout", "63/64 ranks: Watchdog caught collective operation timeout", s=0, job="sft-70b-v3", node="gpu-h200-210")
    r = ck.megatron_iters(c, -1150, 8, 40100, step_s=4.2)
    for rank in (0, 7, 19, 44, 58):
        r += ck.watchdog(c, rank, -8 + rank * 0.02, 610772, op="ALLREDUCE")[:1]
    r += ["[rank0]:[%s ProcessGroupNCCL.cpp:1316] [PG 0 (default_pg) Rank 0] Desync debugging: Rank 37 is not joining the collective ALLREDUCE (SeqNum=610772, OpType=ALLREDUCE); all other ranks joined." % c.glog(-7, "E"),
          "[rank0]:[%s ProcessGroupNCCL.cpp:1316] [PG 0 (default_pg) Rank 0] Rank 37 last enqueued work: 610771, last completed work: 610771" % c.glog(-7, "E")]
    r += ck.app_noise(c, 3)
    c.log("sft-70b-v3/rank0+peers.err", r)
    py = ["Thread 0x7F2C1BFFF640 (idle): \"Thread-3 (_pin_memory_loop)\"",
          "    _recv_msg (torch/multiprocessing/queue.py:97)",
          "Thread 0x7F2D9A3B2740 (active): \"MainThread\"",
          "    wait (threading.py:320)",
          "    get (queue.py:171)",
          "    _get_eval_batch (sft/eval_hooks.py:88)",
          "    maybe_run_eval (sft/eval_hooks.py:141)",
          "    train_step (sft/train.py:402)",
          "    main (sft/train.py:511)"]
    c.log("gpu-h200-214/py-spy-dump-rank37", ["Process 51877: python -u sft/train.py --config sft70b.yaml", "Python v3.10.12 (/usr/bin/python3.10)", ""] + py)
    dcgm(c, "gpu-h200-214", over={"util": {g: (lambda s, n, g=g: after(s, -600, n, 100.0 if g != 5 else 0.0)) for g in range(8)}})
    health_all(c, "gpu-h200-214")
    c.nccl("nccl.allreduce@gpu-h200-214")
    return c


@case
def r024():
    # Flight recorder: one rank is one collective behind (ALLGATHER vs REDUCE_SCATTER) on a FSDP job.
    hosts = ["trn-b200x-01", "trn-b200x-02"]
    c = ck.Case("case-r024", "nccl_collective_hang", "trn-b200x-02/gpu1", hosts, gpu=H100)
    c.alert("TrainingJobHung", "torchtitan job tt-debug-13b: no step for 30 minutes", s=0, job="tt-debug-13b", node="trn-b200x-01")
    r = ck.fsdp_steps(c, -2000 + 150, 5, 930, rank=0)[-3:]
    r += ck.watchdog(c, 0, -30, 22810, op="_REDUCE_SCATTER_BASE", timeout_ms=1800000)
    r += ["[rank0]:[%s ProcessGroupNCCL.cpp:1370] [PG 0 (default_pg) Rank 0] ProcessGroupNCCL preparing to dump debug info." % c.glog(-29, "E"),
          "[rank0]:[%s ProcessGroupNCCL.cpp:1375] [PG 0 (default_pg) Rank 0] flight recorder dumped to /checkpoint/tt-debug-13b/nccl_trace_rank_0" % c.glog(-28, "I")]
    c.log("trn-b200x-01/rank0.log", r)
    fr = ["$ python -m torch.distributed.flight_recorder.fr_trace /checkpoint/tt-debug-13b/ --prefix nccl_trace_rank_",
          "loaded 16 dumps (ranks 0-15)",
          "Collective sequence 22810 (pg 0, default_pg):",
          "  ranks 0-8,10-15: _REDUCE_SCATTER_BASE state=started input [[62914560]] output [[3932160]]",
          "  rank 9: ALLGATHER_INTO_TENSOR_COALESCED state=scheduled (seq 22810) input [[3932160]] output [[62914560]]",
          "Mismatch found: collective type mismatch _REDUCE_SCATTER_BASE vs ALLGATHER_INTO_TENSOR_COALESCED (rank 9)",
          "rank 9 entered a different code path at seq 22810; last matched entry seq 22809 (ALLGATHER_INTO_TENSOR_COALESCED)"]
    fr += ck.app_noise(c, 1)
    c.log("fr_trace/analysis", fr)
    c.log("trn-b200x-02/journal", ck.kernel_noise(c, "trn-b200x-02", 6))
    dcgm(c, "trn-b200x-02", util=100.0)
    health_all(c, "trn-b200x-02")
    c.nccl("nccl.reducescatter@trn-b200x-02")
    c.nccl("nccl.allgather@trn-b200x-02")
    return c


# ================================================================== one rank's process crashed
@case
def r025():
    # SIGSEGV in one rank; its peers log "Connection reset by peer" socket errors that look like network.
    hosts = ["sc-h100-r01-n01", "sc-h100-r01-n02", "sc-h100-r01-n03"]
    c = ck.Case("case-r025", "rank_process_crash", "sc-h100-r01-n02/gpu3", hosts, gpu=H100)
    c.alert("JobFailed", "megatron-gpt-175b-mini failed (torchrun ChildFailedError)", s=0, job="gpt-mini", node="sc-h100-r01-n01")
    r = []
    for rank, h in ((0, "sc-h100-r01-n01"), (14, "sc-h100-r01-n02"), (20, "sc-h100-r01-n03")):
        pid = c.rng.randrange(10000, 99999)
        r += ["%s:%d:%d [%d] misc/socket.cc:49 NCCL WARN socketProgress: Connection closed by remote peer sc-h100-r01-n02<41201>" % (h, pid, pid + 9, rank % 8),
              "%s:%d:%d [%d] NCCL INFO misc/socket.cc:752 -> 6" % (h, pid, pid + 9, rank % 8)]
    r += torch_nccl_err(c, 0, -2, "socketProgress: Connection closed by remote peer sc-h100-r01-n02<41201>", kind="remote process exited or there was a network error")
    c.log("gpt-mini/stderr", r)
    n2 = ck.megatron_iters(c, -600, 6, 9001)
    n2 += ["Fatal Python error: Segmentation fault", "", "Thread 0x00007f5a9c9ff640 (most recent call first):",
           '  File "/opt/megatron/megatron/core/datasets/indexed_dataset.py", line 472 in __getitem__',
           '  File "/opt/megatron/megatron/core/datasets/gpt_dataset.py", line 208 in _query_document_sample_shuffle_indices']
    n2 += ck.elastic_failure(c, -3, "sc-h100-r01-n02", 11, 3, -11, sig="SIGSEGV")
    c.log("sc-h100-r01-n02/torchrun.log", n2)
    c.log("sc-h100-r01-n02/journal", ck.kernel_noise(c, "sc-h100-r01-n02", 5) +
          ["%s sc-h100-r01-n02 kernel: pt_data_worker[71120]: segfault at 7f1b4c000ff8 ip 00007f5b11a2c3e1 sp 00007f5a9c9fd9a0 error 4 in libmegatron_idx.so[7f5b11a20000+1c000]" % c.syslog(-4)])
    dcgm(c, "sc-h100-r01-n02", over={"util": {g: (lambda s, n: after(s, -4, n, 0.0)) for g in range(8)}})
    health_all(c, "sc-h100-r01-n02")
    return c


@case
def r026():
    # One rank aborts (double free in a custom CUDA extension); peers see IB retry-exceeded errors.
    hosts = ["a100-pod3-n%02d" % i for i in range(1, 5)]
    c = ck.Case("case-r026", "rank_process_crash", "a100-pod3-n04/gpu6", hosts, gpu=A100)
    c.alert("NCCLError", "bloom-7b-cont: IBV_WC_RETRY_EXC_ERR reported by 6 ranks", s=0, job="bloom-7b-cont", node="a100-pod3-n01")
    r = []
    for rank, h in ((1, "a100-pod3-n01"), (10, "a100-pod3-n02"), (17, "a100-pod3-n03"), (29, "a100-pod3-n04")):
        pid = c.rng.randrange(10000, 99999)
        r += ["%s:%d:%d [%d] transport/net_ib.cc:1510 NCCL WARN NET/IB : Got completion from peer 10.1.4.6<50121> with error 12, opcode 129, len 0, vendor err 129 (Recv) localGid ::ffff:10.1.%d.6 remoteGid ::ffff:10.1.4.6" % (h, pid, pid + 4, rank % 8, hosts.index(h) + 1)]
    r += torch_nccl_err(c, 1, 2, "NET/IB : Got completion from peer 10.1.4.6<50121> with error 12, opcode 129, len 0, vendor err 129 (Recv)", version="2.18.1")
    c.log("bloom-7b-cont/stderr-ranks", r)
    n4 = ck.deepspeed_steps(c, -900, 10, 31100, rank=30)
    n4 += ["free(): double free detected in tcache 2",
           "[a100-pod3-n04:61044] *** Process received signal ***",
           "[a100-pod3-n04:61044] Signal: Aborted (6)",
           "[a100-pod3-n04:61044] [ 0] /lib/x86_64-linux-gnu/libc.so.6(+0x42520)[0x7f1e2a242520]",
           "[a100-pod3-n04:61044] [ 1] /usr/local/lib/python3.10/dist-packages/fused_rope_ext.cpython-310-x86_64-linux-gnu.so(_ZN4rope14free_workspaceEv+0x2c)[0x7f1c6e0a12bc]"]
    n4 += ck.elastic_failure(c, -1, "a100-pod3-n04", 30, 6, -6, pid=61044, sig="SIGABRT")
    c.log("a100-pod3-n04/launcher.log", n4)
    for h in ("a100-pod3-n04", "a100-pod3-n02"):
        for n in range(4):
            c.node_metric("node_infiniband_port_state", {"instance": h, "device": "mlx5_%d" % n, "port": "1"}, lambda s: 4, decimals=0)
    health_all(c, "a100-pod3-n04")
    c.nccl("nccl.allreduce@job")
    return c


# ================================================================== CUDA OOM
@case
def r027():
    # Pipeline stage 0 runs out of memory on one rank; the others see only the watchdog.
    hosts = ["h200-rack4-%02d" % i for i in range(1, 5)]
    c = ck.Case("case-r027", "cuda_oom", "h200-rack4-01/gpu2", hosts, gpu=H200)
    c.alert("NCCLWatchdogTimeout", "ranks 8-31 of job pp4-llama-90b timed out in SEND/RECV", s=0, job="pp4-llama-90b", node="h200-rack4-03")
    r = []
    for rank in (8, 15, 24, 31):
        r += ck.watchdog(c, rank, -5 + rank * 0.01, 1882, op="SEND", numel=33554432)[:2]
    c.log("pp4-llama-90b/peers.err", r)
    r2 = ck.megatron_iters(c, -900, 8, 7710, step_s=9.1)
    r2 += ["[rank2]: Traceback (most recent call last):",
           '[rank2]:   File "/opt/megatron/megatron/core/pipeline_parallel/schedules.py", line 1388, in forward_backward_pipelining_without_interleaving',
           "[rank2]: torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 5.25 GiB. GPU 2 has a total capacity of 139.72 GiB of which 3.91 GiB is free. Including non-PyTorch memory, this process has 135.80 GiB memory in use. Of the allocated memory 121.40 GiB is allocated by PyTorch, and 12.18 GiB is reserved by PyTorch but unallocated. If reserved but unallocated memory is large try setting PYTORCH_CUDA_ALLOC_CONF=expandable_segments:True to avoid fragmentation.  See documentation for Memory Management  (https://pytorch.org/docs/stable/notes/cuda.html#environment-variables)"]
    c.log("h200-rack4-01/rank0-7.log", r2 + ck.app_noise(c, 3))
    c.log("h200-rack4-01/journal", ck.kernel_noise(c, "h200-rack4-01", 5))
    dcgm(c, "h200-rack4-01")
    c.gpu_metric("DCGM_FI_DEV_FB_USED", "h200-rack4-01", 98000, jitter=1500,
                 over={2: lambda s, n: ramp(s, -1200, -610, 128000, 139700) if s < -605 else 610.0}, decimals=0)
    health_all(c, "h200-rack4-01")
    return c


@case
def r028():
    # Pre-2.1 wording; the run was resumed with a longer sequence length, every rank OOMs at step 1.
    hosts = ["v-a100-%d" % i for i in (31, 32)]
    c = ck.Case("case-r028", "cuda_oom", "job", hosts, gpu=A100, pci=ck.PCI_BUS_B)
    c.alert("JobFailed", "job t5-xxl-resume failed after 40 s", s=0, job="t5-xxl-resume", node="v-a100-31")
    lines = ["%s | INFO | train | resuming from /ckpt/t5-xxl/step_120000 (seq_len 512 -> 2048 via --override)" % c.ymd(-60),
             "%s | INFO | train | micro_batch_size 16, grad_accum 4, world_size 16" % c.ymd(-58)]
    for rank in range(0, 16, 3):
        lines += ["%s | ERROR | rank %d | RuntimeError: CUDA out of memory. Tried to allocate 4.00 GiB (GPU %d; 79.15 GiB total capacity; 72.61 GiB already allocated; 3.12 GiB free; 74.90 GiB reserved in total by PyTorch) If reserved memory is >> allocated memory try setting max_split_size_mb to avoid fragmentation.  See documentation for Memory Management and PYTORCH_CUDA_ALLOC_CONF" % (c.ymd(-8 + rank * 0.1), rank, rank % 8)]
    lines += ck.app_noise(c, 6)
    lines += ["%s | INFO | train | building T5 model: 11.3B params, activation checkpointing off" % c.ymd(-50),
              "%s | INFO | train | loaded optimizer state (fp32 master weights) in 19.4 s" % c.ymd(-30),
              "%s | INFO | train | activation memory estimate at seq 2048: 61.2 GiB per GPU (was 14.9 GiB at 512)" % c.ymd(-29)]
    lines += ["srun: error: v-a100-31: tasks 0-7: Exited with exit code 1", "srun: error: v-a100-32: tasks 8-15: Exited with exit code 1"]
    c.log("slurm-91003.out", lines)
    c.log("v-a100-32/journal", ck.kernel_noise(c, "v-a100-32", 5))
    for h in hosts:
        c.gpu_metric("DCGM_FI_DEV_FB_USED", h, 20, over={g: (lambda s, n: after(s, -40, n, 76000.0)) for g in range(8)}, decimals=0)
    health_all(c, "v-a100-31")
    return c


# ================================================================== illegal memory access
@case
def r029():
    # Xid 31 MMU fault on one GPU; the rank dies with an illegal memory access; peers time out.
    hosts = ["dgx-a-%02d" % i for i in (3, 4, 5, 6)]
    c = ck.Case("case-r029", "illegal_memory_access", "dgx-a-05/gpu0", hosts, gpu=H100)
    c.alert("NCCLWatchdogTimeout", "custom-kernels-exp: 31 ranks timed out", s=0, job="ck-exp", node="dgx-a-03")
    r = []
    for rank in (1, 6, 11, 27):
        r += ck.watchdog(c, rank, -4 + rank * 0.01, 3312)[:1]
    c.log("ck-exp/peers.err", r)
    r2 = ck.fsdp_steps(c, -500, 6, 200, rank=16)
    r2 += ["[rank16]: RuntimeError: CUDA error: an illegal memory access was encountered",
           "[rank16]: CUDA kernel errors might be asynchronously reported at some other API call, so the stacktrace below might be incorrect.",
           "[rank16]: For debugging consider passing CUDA_LAUNCH_BLOCKING=1",
           "[rank16]: Exception raised from c10_cuda_check_implementation at ../c10/cuda/CUDAException.cpp:43 (most recent call first):",
           "[rank16]: frame #4: flash_sparse_attn_fwd_kernel_launcher + 0x1f2 (0x7f90c1a0d3f2 in /opt/ext/fsa_cuda.so)"]
    c.log("dgx-a-05/rank16-23.log", r2)
    k = ck.kernel_noise(c, "dgx-a-05", 5, fmt="dmesg")
    k += ["%s %s" % (c.dmesg(-602), xid(c, 0, 31, "Ch 00000018, intr 00000000. MMU Fault: ENGINE GRAPHICS GPCCLIENT_T1_2 faulted @ 0x7f8e_40a00000. Fault is of type FAULT_PDE ACCESS_TYPE_VIRT_READ"))]
    c.log("dgx-a-05/dmesg", k)
    dcgm(c, "dgx-a-05")
    health_all(c, "dgx-a-05", bad={0: dict(xid_last=31)})
    c.gemm("gpu.gemm@dgx-a-05/gpu0")
    c.hbm("gpu.hbm_bandwidth@dgx-a-05/gpu0")
    return c


@case
def r030():
    # Device-side assert on an embedding lookup (token id past the vocab) on one rank; Xid 13 in dmesg.
    hosts = ["gpu-node-551", "gpu-node-552"]
    c = ck.Case("case-r030", "illegal_memory_access", "gpu-node-552/gpu4", hosts, gpu=H200)
    c.alert("JobFailed", "pretrain-multilingual failed: rank 12 exited 1", s=0, job="pretrain-ml", node="gpu-node-552")
    r = ck.megatron_iters(c, -900, 8, 51000)
    r += ["../aten/src/ATen/native/cuda/Indexing.cu:1289: indexSelectLargeIndex: block: [411,0,0], thread: [%d,0,0] Assertion `srcIndex < srcSelectDimSize` failed." % t for t in (64, 65, 66, 67)]
    r += ["[rank12]: RuntimeError: CUDA error: device-side assert triggered",
          "[rank12]: Compile with `TORCH_USE_CUDA_DSA` to enable device-side assertions.",
          "[rank12]: WARNING: data shard cc100-sw-000871 sample 22871 max token id 151655 (vocab 151643)"]
    r += ck.elastic_failure(c, -2, "gpu-node-552", 12, 4, 1)
    c.log("gpu-node-552/rank8-15.log", r)
    k = ck.kernel_noise(c, "gpu-node-552", 4, fmt="dmesg")
    k += ["%s %s" % (c.dmesg(-5), xid(c, 4, 13, "Graphics SM Warp Exception on (GPC 5, TPC 2, SM 1): Assert Error")),
          "%s %s" % (c.dmesg(-5), xid(c, 4, 13, "Graphics Exception: ESR 0x52e730=0x201000e 0x52e734=0x20 0x52e728=0x4c1eb72 0x52e72c=0x174"))]
    c.log("gpu-node-552/dmesg", k)
    dcgm(c, "gpu-node-552")
    health_all(c, "gpu-node-552", bad={4: dict(xid_last=13)})
    return c


# ================================================================== host OOM
@case
def r031():
    # The kernel OOM killer takes one rank (SIGKILL); it reads like a rank crash.
    hosts = ["cpu-heavy-h100-%02d" % i for i in (1, 2, 3)]
    c = ck.Case("case-r031", "host_oom", "cpu-heavy-h100-02", hosts, gpu=H100)
    c.alert("JobFailed", "job mm-vlm-sft: ChildFailedError (Signal 9)", s=0, job="mm-vlm-sft", node="cpu-heavy-h100-01")
    r = ck.deepspeed_steps(c, -700, 8, 4400, rank=0, mem=(51.2, 70.3))
    r += torch_nccl_err(c, 0, 0, "socketProgress: Connection closed by remote peer cpu-heavy-h100-02<57011>", kind="remote process exited or there was a network error")
    c.log("cpu-heavy-h100-01/rank0.log", r)
    n2 = ck.elastic_failure(c, -2, "cpu-heavy-h100-02", 13, 5, -9, sig="SIGKILL")
    c.log("cpu-heavy-h100-02/torchrun.log", n2)
    j = ck.kernel_noise(c, "cpu-heavy-h100-02", 5)
    j += ["%s cpu-heavy-h100-02 kernel: pt_data_worker invoked oom-killer: gfp_mask=0x140cca(GFP_HIGHUSER_MOVABLE|__GFP_COMP), order=0, oom_score_adj=0" % c.syslog(-3),
          "%s cpu-heavy-h100-02 kernel: Mem-Info:" % c.syslog(-3),
          "%s cpu-heavy-h100-02 kernel: active_anon:511822013 inactive_anon:1102 isolated_anon:0" % c.syslog(-3),
          "%s cpu-heavy-h100-02 kernel: oom-kill:constraint=CONSTRAINT_NONE,nodemask=(null),cpuset=/,mems_allowed=0-1,global_oom,task_memcg=/system.slice/slurmstepd.scope/job_553120,task=python3,pid=88213,uid=1044" % c.syslog(-3),
          "%s cpu-heavy-h100-02 kernel: Out of memory: Killed process 88213 (python3) total-vm:311440112kB, anon-rss:201118876kB, file-rss:1204kB, shmem-rss:81920kB, UID:1044 pgtables:402112kB oom_score_adj:0" % c.syslog(-2.5)]
    c.log("cpu-heavy-h100-02/journal", j)
    c.node_metric("node_memory_MemAvailable_bytes", {"instance": "cpu-heavy-h100-02"}, lambda s: ramp(s, -1200, -5, 6.1e11, 2.2e9), decimals=0)
    c.node_metric("node_memory_MemAvailable_bytes", {"instance": "cpu-heavy-h100-01"}, lambda s: 4.9e11 + c.rng.uniform(-1e9, 1e9), decimals=0)
    health_all(c, "cpu-heavy-h100-02")
    return c


@case
def r032():
    # Kubernetes: the worker container is OOMKilled by its memory limit (pinned-memory growth).
    hosts = ["aks-gpu-h100-0001", "aks-gpu-h100-0002"]
    c = ck.Case("case-r032", "host_oom", "aks-gpu-h100-0002", hosts, gpu=H100)
    c.alert("KubePodOOMKilled", "pod llava-ft-worker-1 OOMKilled (exit 137)", s=0, namespace="vision", pod="llava-ft-worker-1", node="aks-gpu-h100-0002")
    r = ck.fsdp_steps(c, -900, 10, 650, rank=8)
    r += ["[rank8]:[W%s] Warning: pinned memory pool grew to 212.4 GiB (limit none)" % c.glog(-300)[1:],
          "[rank8]:[W%s] Warning: pinned memory pool grew to 240.9 GiB (limit none)" % c.glog(-60)[1:]]
    c.log("vision/llava-ft-worker-1/trainer", r)
    c.log("k8s/events", ["%s Warning OOMKilling node/aks-gpu-h100-0002 Memory cgroup out of memory: Killed process 4117 (python) total-vm:401233112kB, anon-rss:251881040kB, file-rss:3312kB, shmem-rss:0kB, UID:0 pgtables:512044kB oom_score_adj:-997" % c.iso(-1),
                         "%s Normal Killing pod/llava-ft-worker-1 Stopping container trainer" % c.iso(0),
                         "%s Warning BackOff pod/llava-ft-worker-1 Back-off restarting failed container trainer in pod llava-ft-worker-1 (last state: Terminated, Reason: OOMKilled, Exit Code: 137)" % c.iso(30)])
    c.log("vision/llava-ft-worker-0/trainer", ck.fsdp_steps(c, -900, 6, 650, rank=0) + ck.watchdog(c, 0, 40, 20011)[:2])
    c.node_metric("container_memory_working_set_bytes", {"namespace": "vision", "pod": "llava-ft-worker-1", "container": "trainer", "node": "aks-gpu-h100-0002"},
                  lambda s: None if s > 0 else ramp(s, -1200, -1, 1.1e11, 2.68e11), decimals=0)
    c.node_metric("kube_pod_container_resource_limits", {"namespace": "vision", "pod": "llava-ft-worker-1", "resource": "memory", "node": "aks-gpu-h100-0002"}, lambda s: 2.68e11, decimals=0)
    health_all(c, "aks-gpu-h100-0002")
    return c


# ================================================================== loss divergence
@case
def r033():
    # bf16 Megatron run: loss spikes, grad norm explodes, then NaN. No hardware signal anywhere.
    hosts = ["gpu-h100-%04d" % i for i in (1201, 1202, 1203, 1204)]
    c = ck.Case("case-r033", "loss_divergence", "job", hosts, gpu=H100)
    c.alert("TrainingLossNaN", "lm loss is nan at iteration 73419 (job 13b-code)", s=0, job="13b-code", node="gpu-h100-1201")
    lo = lambda i: 1.62 + c.rng.uniform(-0.02, 0.02) if i < 12 else [2.9, 5.7, 11.3, float("nan"), float("nan"), float("nan")][min(i - 12, 5)]
    gn = lambda i: 0.31 * c.rng.uniform(0.9, 1.1) if i < 11 else [4.8, 61.0, 1.9e3, 8.8e5, float("nan"), float("nan"), float("nan")][min(i - 11, 6)]
    r = ck.megatron_iters(c, -100, 18, 73401, loss_fn=lo, grad_fn=gn, nan_fn=lambda i: max(0, i - 14), lr=3.0e-4)
    r += ["[%s] WARNING: found NaN in local grad norm (rank 0); skipping optimizer step is disabled for bf16" % c.ymd(-4)]
    r += ck.app_noise(c, 5)
    c.log("gpu-h100-1201/rank0.log", r)
    c.log("gpu-h100-1203/journal", ck.kernel_noise(c, "gpu-h100-1203", 6))
    for h in hosts[:2]:
        dcgm(c, h)
    for h in hosts:
        c.sdc("gpu.sdc@" + h)
    health_all(c, "gpu-h100-1201")
    return c


@case
def r034():
    # FSDP job: loss goes to inf after a data-mixture change; one node shows harmless correctable ECC.
    hosts = ["trn-h200-%03d" % i for i in (301, 302)]
    c = ck.Case("case-r034", "loss_divergence", "job", hosts, gpu=H200)
    c.alert("LossSpike", "train/loss 48.2 (EMA 2.05) at step 23010", s=0, job="mix-v7", node="trn-h200-301")
    lo = lambda i: 2.05 + c.rng.uniform(-0.02, 0.02) if i < 10 else [3.4, 7.9, 19.6, 48.2, float("inf"), float("inf")][min(i - 10, 5)]
    r = ["[rank0]:[titan] %s - root - INFO - Data mixture switched to stage 3: code 0.45, math 0.30, web 0.25 (lr warm restart to 6e-4)" % c.ymd_ms(-60)]
    r += ck.fsdp_steps(c, -50, 16, 22995, loss_fn=lo)
    r += ["[rank0]:[titan] %s - root - WARNING - grad_norm=inf at step 23011; clipping has no effect" % c.ymd_ms(2)]
    c.log("trn-h200-301/rank0.log", [x.replace("loss:     inf", "loss:      inf") for x in r])
    c.log("trn-h200-302/journal", ck.kernel_noise(c, "trn-h200-302", 6) +
          ["%s trn-h200-302 dcgm-exporter[3120]: level=warning msg=\"GPU 3 ECC SBE volatile count 2\"" % c.syslog(-700)])
    dcgm(c, "trn-h200-302")
    c.gpu_metric("DCGM_FI_DEV_ECC_SBE_VOL_TOTAL", "trn-h200-302", 0, over={3: lambda s, n: after(s, -700, 0, 2)}, decimals=0)
    health_all(c, "trn-h200-302", bad={3: dict(ecc_sbe_volatile=2)})
    c.sdc("gpu.sdc@trn-h200-302")
    c.sdc("gpu.sdc@trn-h200-301")
    return c


# ================================================================== fp16 loss scale collapse
@case
def r035():
    # DeepSpeed fp16: OVERFLOW lines every step and the loss scale pinned at 1.
    hosts = ["a100-legacy-%02d" % i for i in (7, 8)]
    c = ck.Case("case-r035", "fp16_loss_scale_collapse", "job", hosts, gpu=A100)
    c.alert("TrainingNoProgress", "gpt-neox-6b: 100% of steps skipped in last 10 min", s=0, job="neox-6b", node="a100-legacy-07")
    r = ck.deepspeed_steps(c, -1100, 6, 61000)
    sc = 2048.0
    for i in range(14):
        new = max(sc / 2, 1.0)
        r.append("[%s] [INFO] [loss_scaler.py:183:update_scale] [deepspeed] OVERFLOW! Rank 0 Skipping step. Attempted loss scale: %s, reducing to %s" % (
            c.ymd_ms(-600 + 40 * i), int(sc) if sc >= 1 else sc, int(new) if new >= 1 else new))
        sc = new
    r += ["[%s] [INFO] [logging.py:96:log_dist] [Rank 0] step=61020, skipped=18, lr=[1.2e-04, 1.2e-04], mom=[(0.9, 0.95), (0.9, 0.95)]" % c.ymd_ms(-20)]
    r += ck.app_noise(c, 3)
    c.log("a100-legacy-07/rank0.log", r)
    dcgm(c, "a100-legacy-07")
    c.node_metric("train_loss_scale", {"job": "neox-6b"}, lambda s: max(1.0, 2048.0 / 2 ** max(0, int((s + 600) // 40) + 1)) if s > -600 else 2048.0)
    c.sdc("gpu.sdc@a100-legacy-07")
    c.sdc("gpu.sdc@a100-legacy-08")
    health_all(c, "a100-legacy-07")
    return c


@case
def r036():
    # fairseq: "Minimum loss scale reached" after a long run of overflows.
    hosts = ["fair-a100-%02d" % i for i in (11, 12)]
    c = ck.Case("case-r036", "fp16_loss_scale_collapse", "job", hosts, gpu=A100, pci=ck.PCI_BUS_B)
    c.alert("JobFailed", "wmt-big-ft exited with FloatingPointError", s=0, job="wmt-big-ft", node="fair-a100-11")
    r = []
    sc = 0.5
    for i in range(12):
        sc /= 2
        r.append("%s | INFO | fairseq.trainer | NOTE: gradient overflow detected, ignoring gradient, setting loss scale to: %s" % (c.ymd(-500 + 35 * i), repr(sc)))
    r += ["%s | INFO | train_inner | epoch 004:   3120 / 8841 loss=4.112, nll_loss=2.201, ppl=4.6, wps=211440, ups=1.9, wpb=110592, bsz=3584, num_updates=30100, lr=0.000388, gnorm=1.211, loss_scale=0.5, train_wall=52, gb_free=12.1, wall=14220" % c.ymd(-620),
          "%s | INFO | train_inner | epoch 004:   3220 / 8841 loss=4.107, nll_loss=2.199, ppl=4.59, wps=88210, ups=0.8, wpb=110592, bsz=3584, num_updates=30121, lr=0.000388, gnorm=inf, loss_scale=0.0001, train_wall=60, gb_free=12.1, wall=14700" % c.ymd(-80),
          "Traceback (most recent call last):",
          '  File "/usr/local/lib/python3.10/dist-packages/fairseq/optim/dynamic_loss_scaler.py", line 61, in check_overflow',
          "FloatingPointError: Minimum loss scale reached (0.0001). Your loss is probably exploding. Try lowering the learning rate, using gradient clipping or increasing the batch size."]
    r += ck.app_noise(c, 4)
    c.log("fair-a100-11/train.log", r)
    dcgm(c, "fair-a100-11")
    health_all(c, "fair-a100-11")
    return c


# ================================================================== FP8
@case
def r037():
    # Transformer Engine: amax goes non-finite in a few layers, scales collapse, loss stalls.
    hosts = ["h100-fp8-%02d" % i for i in range(1, 5)]
    c = ck.Case("case-r037", "fp8_scaling_overflow", "job", hosts, gpu=H100)
    c.alert("LossPlateau", "fp8 pretrain: loss flat for 800 steps at 7.1", s=0, job="fp8-llama-8b", node="h100-fp8-01")
    lo = lambda i: 2.41 + c.rng.uniform(-0.02, 0.02) if i < 6 else 7.1 + c.rng.uniform(-0.05, 0.05)
    r = ck.megatron_iters(c, -1100, 16, 12200, loss_fn=lo, step_s=2.2)
    for t, layer in ((-850, 14), (-820, 15), (-700, 15), (-300, 22)):
        r.append("[%s] [fp8-monitor] layer %d self_attention.linear_qkv fwd amax_history max=inf scale=0.000e+00 scale_inv=inf (recipe DelayedScaling, margin 0, amax_history_len 1024, E4M3/E5M2 hybrid)" % (c.ymd(t), layer))
    r += ["[%s] [fp8-monitor] layer 15 mlp.linear_fc2 bwd grad amax non-finite for 37 consecutive steps" % c.ymd(-600)]
    r += ck.app_noise(c, 4)
    c.log("h100-fp8-01/rank0.log", r)
    dcgm(c, "h100-fp8-01")
    c.sdc("gpu.sdc@h100-fp8-01")
    c.sdc("gpu.sdc@h100-fp8-03")
    health_all(c, "h100-fp8-01")
    return c


@case
def r038():
    # In-house FP8 stats: saturated casts in one MLP; loss worsens slowly. Looks like divergence.
    hosts = ["gpu-h200-%03d" % i for i in (410, 411)]
    c = ck.Case("case-r038", "fp8_scaling_overflow", "job", hosts, gpu=H200)
    c.alert("LossRegression", "val loss up 0.3 over 2k steps on fp8 run", s=0, job="tt-fp8-70b", node="gpu-h200-410")
    lo = lambda i: 1.95 + 0.02 * i + c.rng.uniform(-0.02, 0.02)
    r = ck.fsdp_steps(c, -1000, 14, 41000, loss_fn=lo, step_s=3.1)
    for i, t in enumerate((-900, -700, -500, -300, -100)):
        r.append("[rank0]:[titan] %s - fp8_stats - WARNING - layers.31.feed_forward.w2 fwd act: %.1f%% of values saturated at e4m3 max 448; scale %.3e -> %.3e" % (
            c.ymd_ms(t), 4.1 + 3.6 * i, 2.0 ** -(i + 1), 2.0 ** -(i + 2)))
    r.append("[rank0]:[titan] %s - fp8_stats - INFO - other layers: saturation < 0.01%%" % c.ymd_ms(-95))
    c.log("gpu-h200-410/rank0.log", r)
    c.log("gpu-h200-411/journal", ck.kernel_noise(c, "gpu-h200-411", 6))
    dcgm(c, "gpu-h200-410")
    c.sdc("gpu.sdc@gpu-h200-410")
    c.sdc("gpu.sdc@gpu-h200-411")
    health_all(c, "gpu-h200-410")
    return c


# ================================================================== MoE routing
@case
def r039():
    # Router collapse: two experts take most tokens; all-to-all slow, looks like a network problem.
    hosts = ["moe-h100-%02d" % i for i in range(1, 5)]
    c = ck.Case("case-r039", "moe_expert_imbalance", "job", hosts, gpu=H100)
    c.alert("StepTimeRegression", "mixtral-style 8x22b: step time 2.3x, all-to-all dominating", s=0, job="moe-8x22b", node="moe-h100-01")
    st = lambda i: (6.1 if i < 6 else 13.9) * c.rng.uniform(0.98, 1.02)
    r = ck.megatron_iters(c, -1100, 16, 30200, step_fn=st, step_s=6.1)
    for i, t in enumerate((-800, -600, -400, -200)):
        r.append("[%s] [router] layer 17 tokens per expert (top-2): [%d, %d, %d, %d, %d, %d, %d, %d] drop_rate=%.1f%% aux_loss=%.4f" % (
            c.ymd(t), 4100 - 400 * i, 38000 + 2500 * i, 3900, 41000 + 2100 * i, 4200, 3700 - 300 * i, 3600, 3300, 21.3 + 6 * i, 0.0021))
    r += ["[%s] (min, max) time across ranks (ms):" % c.ymd(-150), "    all-to-all-dispatch ................: (6011.20, 6190.44)"]
    c.log("moe-h100-01/rank0.log", r + ck.app_noise(c, 3))
    c.nccl("nccl.alltoall@job")
    c.nccl("nccl.alltoall@moe-h100-02")
    health_all(c, "moe-h100-02")
    for h in hosts[:2]:
        dcgm(c, h, util=62.0)
    return c


@case
def r040():
    # DeepSpeed MoE: capacity overflow warnings and dropped tokens; loss stalls, step time climbs.
    hosts = ["ds-moe-a100-%02d" % i for i in (1, 2)]
    c = ck.Case("case-r040", "moe_expert_imbalance", "job", hosts, gpu=A100)
    c.alert("ThroughputDrop", "ds-moe-52b samples/s down 35%", s=0, job="ds-moe-52b", node="ds-moe-a100-01")
    r = ck.deepspeed_steps(c, -1100, 12, 9100, step_fn=lambda i: (2.3 if i < 4 else 3.6) * c.rng.uniform(0.98, 1.02))
    for t in (-700, -500, -300, -120):
        r.append("[%s] [WARNING] [sharded_moe.py:412:top2gating] expert capacity exceeded: experts [3, 11] received %d tokens, capacity 1536; %d tokens dropped (%.1f%%)" % (
            c.ymd_ms(t), 5900 + (t + 700) * 3, 4400 + (t + 700) * 3, 31.0 + (t + 700) / 40))
    r.append("[%s] [INFO] [moe_stats.py:88] l_aux=0.0009 (was 0.0120 at step 8000) router entropy 0.61 nats (max 2.77)" % c.ymd_ms(-60))
    c.log("ds-moe-a100-01/rank0.log", r)
    c.log("ds-moe-a100-02/journal", ck.kernel_noise(c, "ds-moe-a100-02", 6))
    c.nccl("nccl.alltoall@job")
    health_all(c, "ds-moe-a100-01")
    return c


# ================================================================== straggler
@case
def r041():
    # A stray notebook process shares one GPU; that rank is slow. No thermal/power signal.
    hosts = ["shared-h100-%02d" % i for i in (21, 22, 23)]
    c = ck.Case("case-r041", "straggler_rank", "shared-h100-22/gpu6", hosts, gpu=H100)
    c.alert("StragglerDetected", "rank 14 slowest in 100% of last 100 steps", s=0, job="rl-policy-34b", node="shared-h100-21")
    r = ck.fsdp_steps(c, -1100, 5, 4000) + ck.fsdp_steps(c, -800, 9, 4160, step_fn=lambda i: 2.6 * c.rng.uniform(0.99, 1.01))
    r += ["[rank0]:[titan] %s - straggler - WARNING - rank 14 (shared-h100-22:6) compute 1.52x median over last 100 steps" % c.ymd_ms(-20)]
    c.log("shared-h100-21/rank0.log", r)
    c.log("shared-h100-22/nvidia-smi", [
        "+-----------------------------------------------------------------------------------------+",
        "| Processes:                                                                              |",
        "|  GPU   GI   CI        PID   Type   Process name                              GPU Memory |",
        "|=========================================================================================|"] +
        ["|    %d   N/A  N/A     %d      C   python3                                     61220MiB |" % (g, 71000 + g) for g in range(8)] +
        ["|    6   N/A  N/A     90412      C   /opt/conda/bin/python -m ipykernel_launcher  14880MiB |",
         "+-----------------------------------------------------------------------------------------+"])
    dcgm(c, "shared-h100-22")
    c.gpu_metric("DCGM_FI_DEV_FB_USED", "shared-h100-22", 61300, jitter=200, over={6: lambda s, n: after(s, -950, n, n + 14880)}, decimals=0)
    health_all(c, "shared-h100-22")
    gemm_all(c, "shared-h100-22", bad={6: 401.7})
    return c


@case
def r042():
    # A node came back from repair with the CPU governor at powersave: every GPU there waits on the host.
    hosts = ["gpu-h200-%03d" % i for i in (700, 701, 702, 703)]
    c = ck.Case("case-r042", "straggler_rank", "gpu-h200-702", hosts, gpu=H200)
    c.alert("StepTimeRegression", "nemotron-sft step time +30% since node gpu-h200-702 rejoined", s=0, job="nemotron-sft", node="gpu-h200-700")
    r = ck.megatron_iters(c, -1100, 16, 100, step_s=3.3, step_fn=lambda i: 4.3 * c.rng.uniform(0.99, 1.01))
    r += ["[%s] (min, max) time across ranks (ms):" % c.ymd(-50), "    forward-backward ...................: (2911.02, 3980.77)",
          "[%s] rank 16-23 report the max forward-backward time in 15/16 windows" % c.ymd(-49)]
    c.log("gpu-h200-700/rank0.log", r + ck.app_noise(c, 3))
    c.log("gpu-h200-702/journal", ck.kernel_noise(c, "gpu-h200-702", 8) +
          ["%s gpu-h200-702 slurmd[2871]: Node gpu-h200-702 returned to service (reason cleared: mainboard swap RMA-44120)" % c.syslog(-1150)])
    dcgm(c, "gpu-h200-702", util=68.0)
    dcgm(c, "gpu-h200-701")
    health_all(c, "gpu-h200-702")
    for g in range(8):
        c.kernel_launch("gpu.kernel_launch@gpu-h200-702/gpu%d" % g, us=c.rng.uniform(24, 31))
        c.kernel_launch("gpu.kernel_launch@gpu-h200-701/gpu%d" % g)
    gemm_all(c, "gpu-h200-702")
    return c


# ================================================================== input pipeline
@case
def r043():
    # num_workers dropped to 2 in a config refactor; GPUs idle between steps, no errors.
    hosts = ["img-h100-%02d" % i for i in (1, 2)]
    c = ck.Case("case-r043", "dataloader_stall", "job", hosts, gpu=H100)
    c.alert("GPUUtilLow", "dino-vit-g GPU util 41% (avg over job)", s=0, job="dino-vit-g", node="img-h100-01")
    r = ["%s | INFO | cfg | data.num_workers=2 data.prefetch_factor=2 data.decode=pil (was num_workers=12, decode=dali)" % c.ymd(-1190)]
    r += ck.plain_steps(c, -1150, 18, 8000, step_fn=lambda i: 2.4 * c.rng.uniform(0.9, 1.15), extra=" | data_time 1.43s")
    r += ["%s | WARNING | data | batch wait 1.61 s (compute 0.88 s); rank 3 dataloader queue empty" % c.ymd(-300)]
    c.log("img-h100-01/rank0.log", r + ck.app_noise(c, 3))
    dcgm(c, "img-h100-01", util=41.0, over={"util": {g: (lambda s, n: n + c.rng.uniform(-20, 20)) for g in range(8)}})
    c.node_metric("node_cpu_busy_ratio", {"instance": "img-h100-01"}, lambda s: 0.07 + c.rng.uniform(0, 0.02))
    health_all(c, "img-h100-01")
    c.nccl("nccl.allreduce@job")
    return c


@case
def r044():
    # Streaming shards from object storage; "data loading" time dominates. Looks like a straggler.
    hosts = ["tt-h200-%02d" % i for i in (1, 2, 3, 4)]
    c = ck.Case("case-r044", "dataloader_stall", "job", hosts, gpu=H200)
    c.alert("MFUDrop", "tt-llama-8b MFU 18% (expected 45%)", s=0, job="tt-llama-8b", node="tt-h200-01")
    r = ck.fsdp_steps(c, -1100, 10, 1200, step_fn=lambda i: c.rng.choice([1.8, 1.8, 9.4]) * c.rng.uniform(0.99, 1.01))
    for t in (-900, -640, -410, -150):
        r.append("[rank%d]:[titan] %s - root - WARNING - Dataloader waited %.1f s for next batch (hf streaming: s3://corpus-v3/shard-%05d.parquet, %d retries)" % (
            c.rng.randrange(32), c.ymd_ms(t), c.rng.uniform(6, 9), c.rng.randrange(99999), c.rng.randrange(1, 4)))
    r.append("[rank0]:[titan] %s - root - INFO - botocore: Connection pool is full, discarding connection: corpus-v3.s3.us-east-1.amazonaws.com" % c.ymd_ms(-100))
    c.log("tt-h200-01/rank0.log", r + ck.app_noise(c, 4))
    c.log("tt-h200-03/journal", ck.kernel_noise(c, "tt-h200-03", 4))
    dcgm(c, "tt-h200-01", util=38.0)
    health_all(c, "tt-h200-01")
    c.nccl("nccl.allreduce@job")
    return c


# ================================================================== storage
@case
def r045():
    # Lustre OST full: checkpoint save fails with ENOSPC on rank 0.
    hosts = ["lus-h100-%02d" % i for i in (31, 32, 33, 34)]
    c = ck.Case("case-r045", "storage_failure", "job", hosts, gpu=H100)
    c.alert("CheckpointFailed", "ckpt save at iteration 50000 failed (llm-20b)", s=0, job="llm-20b", node="lus-h100-31")
    r = ck.megatron_iters(c, -600, 10, 49990)
    r += ["[%s] saving checkpoint at iteration   50000 to /lustre/proj/llm-20b/ckpt" % c.ymd(-30),
          "Traceback (most recent call last):",
          '  File "/opt/megatron/megatron/training/checkpointing.py", line 412, in save_checkpoint',
          "    torch.save(state_dict, checkpoint_name)",
          "OSError: [Errno 28] No space left on device: '/lustre/proj/llm-20b/ckpt/iter_0050000/mp_rank_00_003/model_optim_rng.pt'"]
    c.log("lus-h100-31/rank0.log", r + ck.app_noise(c, 3))
    j = ck.kernel_noise(c, "lus-h100-31", 5)
    j += ["%s lus-h100-31 kernel: LustreError: 11-0: proj-OST0013-osc-ffff9a1c2e5c9000: operation ost_write to node 10.9.0.23@o2ib failed: rc = -28" % c.syslog(-25),
          "%s lus-h100-31 kernel: LustreError: 3411:0:(osc_request.c:1887:osc_brw_fini_request()) proj-OST0013-osc-ffff9a1c2e5c9000: rc = -28" % c.syslog(-24)]
    c.log("lus-h100-31/journal", j)
    c.node_metric("lustre_ost_free_bytes", {"ost": "proj-OST0013"}, lambda s: ramp(s, -1200, -30, 1.4e12, 0.0), decimals=0)
    c.node_metric("lustre_ost_free_bytes", {"ost": "proj-OST0012"}, lambda s: 9.2e12, decimals=0)
    health_all(c, "lus-h100-31")
    return c


@case
def r046():
    # Local NVMe cache goes read-only after I/O errors on one node; its ranks fail writing the cache.
    hosts = ["edge-h100-%02d" % i for i in (5, 6, 7)]
    c = ck.Case("case-r046", "storage_failure", "edge-h100-06", hosts, gpu=H100)
    c.alert("JobFailed", "tokenized-cache job failed on edge-h100-06", s=0, job="sft-cache", node="edge-h100-06")
    r = ck.deepspeed_steps(c, -600, 6, 300, rank=8)
    r += ["[rank8]: OSError: [Errno 30] Read-only file system: '/local_nvme/cache/sft-cache/tok-00871.arrow.tmp'"]
    r += ck.elastic_failure(c, -5, "edge-h100-06", 8, 0, 1)
    c.log("edge-h100-06/torchrun.log", r)
    k = ck.kernel_noise(c, "edge-h100-06", 4, fmt="dmesg")
    k += ["%s nvme nvme1: I/O 412 (Write) QID 18 timeout, aborting" % c.dmesg(-80),
          "%s blk_update_request: I/O error, dev nvme1n1, sector 1922310144 op 0x1:(WRITE) flags 0x800 phys_seg 32 prio class 0" % c.dmesg(-60),
          "%s EXT4-fs error (device nvme1n1): ext4_journal_check_start:83: comm python3: Detected aborted journal" % c.dmesg(-59),
          "%s EXT4-fs (nvme1n1): Remounting filesystem read-only" % c.dmesg(-59)]
    c.log("edge-h100-06/dmesg", k)
    health_all(c, "edge-h100-06")
    return c


# ================================================================== launch configuration
@case
def r047():
    # --ntasks-per-node=7 on a 4-node allocation: rendezvous waits for 32 ranks, only 28 arrive.
    hosts = ["slurm-h100-%02d" % i for i in range(40, 44)]
    c = ck.Case("case-r047", "launch_config_error", "job", hosts, gpu=H100)
    c.alert("JobFailedAtInit", "job vlm-pt failed before first step", s=0, job="vlm-pt", node="slurm-h100-40")
    r = ["+ srun --nodes=4 --ntasks-per-node=7 --gpus-per-node=8 python train.py --world-size 32",
         "%s | INFO | launcher | MASTER_ADDR=slurm-h100-40 MASTER_PORT=29500 WORLD_SIZE=32" % c.ymd(-640)]
    for rank in (0, 5, 13, 27):
        r.append("%s | INFO | rank %d | local_rank=%d, initializing process group (nccl, world_size=32)" % (c.ymd(-630 + rank), rank, rank % 7))
    r += ["[rank0]: Traceback (most recent call last):",
          "[rank0]:   File \"/opt/conda/lib/python3.11/site-packages/torch/distributed/rendezvous.py\", line 258, in _env_rendezvous_handler",
          "[rank0]: torch.distributed.DistStoreError: Timed out after 601 seconds waiting for clients. 28/32 clients joined.",
          "srun: error: slurm-h100-40: tasks 0-6: Exited with exit code 1"]
    r += ck.app_noise(c, 6)
    r += ["%s | INFO | rank %d | local_rank=%d, initializing process group (nccl, world_size=32)" % (c.ymd(-629 + rank), rank, rank % 7) for rank in (2, 9, 20)]
    c.log("slurm-8812230.out", r)
    c.log("slurmctld/log", ["[%s] sched: Allocate JobId=8812230 NodeList=slurm-h100-[40-43] #CPUs=224 Partition=gpu" % c.ymd(-650).replace(" ", "T"),
                            "[%s] _job_complete: JobId=8812230 WEXITSTATUS 1" % c.ymd(-2).replace(" ", "T")])
    health_all(c, "slurm-h100-40")
    c.nccl("nccl.allreduce@job")
    return c


@case
def r048():
    # One node booted an older image (driver 535): the job's CUDA 12.4 runtime refuses to start there.
    hosts = ["gpu-a100-%03d" % i for i in (120, 121, 122, 123)]
    c = ck.Case("case-r048", "launch_config_error", "gpu-a100-122", hosts, gpu=A100)
    c.alert("JobFailedAtInit", "ranks 16-23 failed at startup (job clip-l)", s=0, job="clip-l", node="gpu-a100-122")
    r = []
    for rank in (16, 19, 23):
        r += ["[rank%d]: Traceback (most recent call last):" % rank,
              "[rank%d]:     torch.cuda.set_device(local_rank)" % rank,
              "[rank%d]: RuntimeError: The NVIDIA driver on your system is too old (found version 12020). Please update your GPU driver by downloading and installing a new version from the URL: http://www.nvidia.com/Download/index.aspx Alternatively, go to: https://pytorch.org to install a PyTorch version that has been compiled with your version of the CUDA driver." % rank]
    r += ["srun: error: gpu-a100-122: tasks 16-23: Exited with exit code 1"]
    r += ["%s | INFO | rank %d | cuda available, device %s, driver 550.90.07" % (c.ymd(-40), rank, A100) for rank in (0, 8, 24)]
    c.log("slurm-3301992.out", r + ck.app_noise(c, 4))
    c.log("gpu-a100-122/journal", ck.kernel_noise(c, "gpu-a100-122", 6) +
          ["%s gpu-a100-122 kernel: NVRM: loading NVIDIA UNIX x86_64 Kernel Module  535.161.08  Sat Mar  2 06:27:15 UTC 2024" % c.syslog(-1100),
           "%s gpu-a100-122 cloud-init[1200]: image: dgx-os-6.1.0-a100-2024q1 (expected fleet image dgx-os-6.3.1)" % c.syslog(-1100)])
    c.inventory("gpu.inventory@gpu-a100-122/gpu0", details={"driver": "535.161.08", "cuda": "12.2"})
    c.inventory("gpu.inventory@gpu-a100-121/gpu0")
    health_all(c, "gpu-a100-122")
    return c


# ================================================================== more
@case
def r049():
    # A100 Kubernetes: one GPU throttles on HW thermal slowdown; the probe shows the clock reasons.
    hosts = ["gke-a2-ultra-3c1a-%d" % i for i in (0, 1)]
    c = ck.Case("case-r049", "gpu_thermal_throttle", "gke-a2-ultra-3c1a-1/gpu2", hosts, gpu=A100)
    c.alert("StepTimeRegression", "ddp-resnet-xl iteration time +45%", s=0, job="resnet-xl", namespace="vision", node="gke-a2-ultra-3c1a-0")
    r = ck.plain_steps(c, -1100, 6, 220, step_s=0.61, loss=1.4)
    r += ck.plain_steps(c, -600, 10, 880, step_fn=lambda i: 0.89 * c.rng.uniform(0.99, 1.01), loss=1.33)
    r += ["%s | WARNING | ddp | bucket all-reduce wait p95 0.27 s on ranks 0-9,11-15; rank 10 compute 0.85 s" % c.ymd(-200)]
    c.log("vision/resnet-xl-worker-0/stdout", r + ck.app_noise(c, 4))
    # This exporter profile ships utilisation and power only (no clocks or temperatures).
    c.gpu_metric("DCGM_FI_DEV_GPU_UTIL", "gke-a2-ultra-3c1a-1", 95, jitter=3, decimals=0)
    c.gpu_metric("DCGM_FI_DEV_POWER_USAGE", "gke-a2-ultra-3c1a-1", 330, jitter=30,
                 over={2: lambda s, n: ramp(s, -850, -700, n, 262.0)})
    health_all(c, "gke-a2-ultra-3c1a-1", bad={2: dict(temperature_c=90, sm_clock_mhz=915, clock_event_reasons=0x48, power_w=260)})
    return c


@case
def r050():
    # RoCE: one port's PFC storm / link flaps; NCCL retry-exceeded; the NCCL probe on that node errors.
    hosts = ["roce-h200-%02d" % i for i in (1, 2, 3, 4)]
    c = ck.Case("case-r050", "ib_link_failure", "roce-h200-02/mlx5_1", hosts, gpu=H200)
    c.alert("NCCLError", "tt-llama-70b: IBV_WC_RETRY_EXC_ERR on 5 ranks", s=0, job="tt-llama-70b", node="roce-h200-01")
    r = []
    for rank, h in ((1, "roce-h200-01"), (9, "roce-h200-02"), (25, "roce-h200-04")):
        pid = c.rng.randrange(10000, 99999)
        r += ["%s:%d:%d [%d] transport/net_ib.cc:1695 NCCL WARN NET/IB : Got completion from peer 172.16.2.11<40512> with status=IBV_WC_RETRY_EXC_ERR(12) opcode=IBV_WC_SEND(0) reqSize=524288 vendor_err=129 req_type=Send localGid ::ffff:172.16.%d.11 remoteGids ::ffff:172.16.2.11 hca mlx5_1" % (
            h, pid, pid + 5, rank % 8, hosts.index(h) + 1)]
    r += torch_nccl_err(c, 1, 1, "NET/IB : Got completion from peer 172.16.2.11<40512> with status=IBV_WC_RETRY_EXC_ERR(12)", kind="remote process exited or there was a network error")
    c.log("tt-llama-70b/stderr", r + ck.fsdp_steps(c, -300, 4, 5000))
    j = ck.kernel_noise(c, "roce-h200-02", 5)
    j += ["%s roce-h200-02 kernel: mlx5_core 0000:%s:00.1 ens2f1np1: Link down" % (c.syslog(t), ck.NIC_BUS[1]) for t in (-410, -120, -9)]
    j += ["%s roce-h200-02 kernel: mlx5_core 0000:%s:00.1 ens2f1np1: Link up" % (c.syslog(t + 4), ck.NIC_BUS[1]) for t in (-410, -120)]
    j += ["%s roce-h200-02 lldpd[1101]: interface ens2f1np1 (mlx5_1) PFC pause frames rx 4.1M in 60 s" % c.syslog(-60)]
    c.log("roce-h200-02/journal", j)
    for n in range(4):
        c.node_metric("node_network_carrier_changes_total", {"instance": "roce-h200-02", "device": "ens2f%dnp%d" % (n, n)},
                      (lambda s: 6 + sum(s >= t for t in (-410, -406, -120, -116, -9))) if n == 1 else (lambda s: 2), decimals=0)
    c.errored("nccl.allreduce@roce-h200-02", "timed out after 120 s: ncclCommInitRank did not complete")
    c.nccl("nccl.allreduce@roce-h200-01")
    c.nccl("nccl.allreduce@roce-h200-03")
    c.nccl("nccl.allreduce@roce-h200-04")
    return c


@case
def r051():
    # Xid 48 on an H100; the node was drained by Slurm so probes could not run on it.
    hosts = ["dc4-h100-%03d" % i for i in (88, 89)]
    c = ck.Case("case-r051", "gpu_memory_uncorrectable_ecc", "dc4-h100-089/gpu7", hosts, gpu=H100)
    c.alert("NodeDrained", "slurm drained dc4-h100-089: Reason=gpu_dbe", s=0, node="dc4-h100-089")
    j = ck.kernel_noise(c, "dc4-h100-089", 6)
    j += ["%s dc4-h100-089 kernel: %s" % (c.syslog(-200), xid(c, 7, 48, "An uncorrectable double bit error (DBE) has been detected on GPU in the framebuffer at partition 5, subpartition 1.")),
          "%s dc4-h100-089 kernel: NVRM: Xid (PCI:%s): 63, pid=%d, name=python3, Row Remapper: New row (0x00000000091a2b30) marked for remapping, reset gpu to activate." % (c.syslog(-199), c.bus(7), c.rng.randrange(2000, 90000)),
          "%s dc4-h100-089 slurmd[2871]: error: health_check: GPU 7 DCGM_FI_DEV_ECC_DBE_VOL_TOTAL=1; draining" % c.syslog(-10)]
    c.log("dc4-h100-089/journal", j)
    r = ck.megatron_iters(c, -900, 10, 7000) + ["[rank15]: RuntimeError: CUDA error: uncorrectable ECC error encountered"]
    c.log("dc4-h100-088/rank0-15.log", r + ck.watchdog(c, 3, -150, 11200)[:2])
    dcgm(c, "dc4-h100-089")
    c.gpu_metric("DCGM_FI_DEV_ECC_DBE_VOL_TOTAL", "dc4-h100-089", 0, over={7: lambda s, n: after(s, -200, 0, 1)}, decimals=0)
    for g in range(8):
        c.errored("gpu.health@dc4-h100-089/gpu%d" % g, "node dc4-h100-089 is DRAINED: probe job not scheduled", 0.2)
    health_all(c, "dc4-h100-088")
    return c


@case
def r052():
    # A checkpoint write crawls on a degraded NFS export; ranks waiting at the barrier hit the watchdog.
    hosts = ["nfs-h200-%02d" % i for i in (1, 2, 3)]
    c = ck.Case("case-r052", "storage_failure", "job", hosts, gpu=H200)
    c.alert("NCCLWatchdogTimeout", "ranks 1-23 timed out in BARRIER during checkpoint", s=0, job="sft-ckpt", node="nfs-h200-01")
    r = ck.deepspeed_steps(c, -1100, 6, 9000)
    r += ["[%s] [INFO] [engine.py:3542:_save_checkpoint] [Rank 0] Saving model checkpoint: /mnt/nfs/ckpt/sft/global_step9010/mp_rank_00_model_states.pt" % c.ymd_ms(-640),
          "[%s] [INFO] [torch_checkpoint_engine.py:21:save] [Torch] Saving /mnt/nfs/ckpt/sft/global_step9010/zero_pp_rank_0_mp_rank_00_optim_states.pt... (12.4 GB written in 600 s, 20.6 MB/s)" % c.ymd_ms(-40)]
    for rank in (1, 9, 17):
        r += ck.watchdog(c, rank, -30 + rank * 0.1, 18221, op="BARRIER", numel=1)[:1]
    c.log("sft-ckpt/stderr", r)
    j = ck.kernel_noise(c, "nfs-h200-01", 4)
    j += ["%s nfs-h200-01 kernel: nfs: server filer-07 not responding, still trying" % c.syslog(t) for t in (-600, -420, -300)]
    j += ["%s nfs-h200-01 kernel: nfs: server filer-07 OK" % c.syslog(-380),
          "%s nfs-h200-01 kernel: INFO: task pt_autograd_0:51123 blocked for more than 122 seconds." % c.syslog(-200)]
    c.log("nfs-h200-01/journal", j)
    c.node_metric("node_nfs_rpc_retransmissions_total", {"instance": "nfs-h200-01"}, lambda s: 10 + max(0, s + 640) * 2.5, decimals=0)
    c.node_metric("node_nfs_rpc_retransmissions_total", {"instance": "nfs-h200-02"}, lambda s: 8 + max(0, s + 640) * 2.1, decimals=0)
    health_all(c, "nfs-h200-01")
    c.nccl("nccl.allreduce@job")
    return c


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default=os.path.dirname(os.path.abspath(__file__)))
    args = ap.parse_args(argv)
    n = ck.write_cases([fn() for fn in CASES], args.out)
    print("wrote %d cases to %s" % (n, args.out))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
