#!/usr/bin/env python3
"""holdout8: diagnosis cases written after reasoner freeze 8 (stdlib only, deterministic).

Every case is one hand-written function below; its docstring says what happened and why the label
is what it is. Whoever changes the reasoner or the knowledge pack must not read this file or the
cases it writes (evals/diagnosis/README.md, "holdout8").

Usage: python3 evals/diagnosis/holdout8/holdout8_cases.py [--out DIR]   (default: this folder)
"""

import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import casekit  # noqa: E402
from casekit import (CLK_HW_POWER_BRAKE, CLK_HW_SLOWDOWN, CLK_HW_THERMAL, CLK_SW_POWER_CAP,  # noqa: E402
                     CLK_SW_THERMAL, PCI_BUS_A, PCI_BUS_B, Case, app_noise, deepspeed_steps,
                     elastic_failure, fsdp_steps, interleave, kernel_noise, megatron_iters,
                     nccl_init, plain_steps, watchdog)

H100 = "NVIDIA H100 80GB HBM3"
H200 = "NVIDIA H200"
A100 = "NVIDIA A100-SXM4-80GB"

CASES = []


def case(fn):
    CASES.append(fn)
    return fn


# ------------------------------------------------------------------ helpers (no answers in here)
def keep(s, n):
    return n


def after(t, fn):
    """Per-GPU override: normal value before offset t, fn(s, normal) from t on."""
    return lambda s, n: n if s < t else fn(s, n)


def gone(t):
    """The series stops at offset t (exporter can no longer read the GPU)."""
    return lambda s, n: n if s < t else None


def dcgm(c, host, over=None, which=("util", "temp", "power", "clock"), util=95.0, temp=None,
         power=None):
    """The usual dcgm-exporter series for every GPU of `host`. `over` maps (metric, gpu) ->
    fn(s, normal)."""
    over = over or {}
    spec = c.spec
    base = {
        "util": ("DCGM_FI_DEV_GPU_UTIL", util, 3.0, 0),
        "temp": ("DCGM_FI_DEV_GPU_TEMP", temp or 61.0, 6.0, 0),
        "memtemp": ("DCGM_FI_DEV_MEMORY_TEMP", (temp or 61.0) + 6, 5.0, 0),
        "power": ("DCGM_FI_DEV_POWER_USAGE", power or 0.78 * spec["tdp"], 0.08 * spec["tdp"], 1),
        "clock": ("DCGM_FI_DEV_SM_CLOCK", spec["clock"] - 15, 20.0, 0),
        "reasons": ("DCGM_FI_DEV_CLOCKS_EVENT_REASONS", 0, 0.0, 0),
        "xid": ("DCGM_FI_DEV_XID_ERRORS", 0, 0.0, 0),
        "fb": ("DCGM_FI_DEV_FB_USED", spec["mem_gib"] * 1024 * 0.82, 900.0, 0),
        "tensor": ("DCGM_FI_PROF_PIPE_TENSOR_ACTIVE", 0.46, 0.05, 3),
        "dbe": ("DCGM_FI_DEV_ECC_DBE_VOL_TOTAL", 0, 0.0, 0),
        "sbe": ("DCGM_FI_DEV_ECC_SBE_VOL_TOTAL", 0, 0.0, 0),
        "pcie_replay": ("DCGM_FI_DEV_PCIE_REPLAY_COUNTER", 0, 0.0, 0),
        "nvlink_crc": ("DCGM_FI_DEV_NVLINK_CRC_FLIT_ERROR_COUNT_TOTAL", 0, 0.0, 0),
        "pcie_rx": ("DCGM_FI_PROF_PCIE_RX_BYTES", 2.1e9, 3e8, 0),
        "remap_fail": ("DCGM_FI_DEV_ROW_REMAP_FAILURE", 0, 0.0, 0),
        "power_limit": ("DCGM_FI_DEV_POWER_MGMT_LIMIT", spec["tdp"], 0.0, 0),
    }
    for key in which:
        name, b, jit, dec = base[key]
        ov = {g: fn for (m, g), fn in over.items() if m == key}
        c.gpu_metric(name, host, b, jitter=jit, over=ov, decimals=dec)


def ib_port_metric(c, host, name, nics, fn_by_nic, port="1"):
    for nic in nics:
        c.node_metric(name, {"instance": "%s:9100" % host, "device": nic, "port": port},
                      fn_by_nic.get(nic, lambda s: 0), decimals=0)


def syslog_lines(c, host, items):
    """items: (offset_s, text) -> 'Mon dd hh:mm:ss host text'."""
    return ["%s %s %s" % (c.syslog(t), host, x) for t, x in items]


def dmesg_lines(c, items):
    return ["%s %s" % (c.dmesg(t), x) for t, x in items]


def nvrm(c, bus, xid, pid, name, text):
    if pid is None:
        return "NVRM: Xid (PCI:%s): %d, pid='<unknown>', name=<unknown>, %s" % (bus, xid, text)
    return "NVRM: Xid (PCI:%s): %d, pid=%d, name=%s, %s" % (bus, xid, pid, name, text)


def slurm_head(c, jobid, name, nodes, ntasks, s):
    return ["srun: job %d queued and waiting for resources" % jobid,
            "srun: job %d has been allocated resources" % jobid,
            "[%s] launching %s on %s (%d tasks)" % (c.ymd(s), name, ",".join(nodes), ntasks)]


# ------------------------------------------------------------------ cases
@case
def y001():
    """Xid 79 on gh100-r07-n03 GPU 4 (rank 20). Every rank later logs the NCCL watchdog timeout and
    the alert fires on rank 0's node; the dmesg of n03 and the DCGM series of GPU 4 (they stop)
    pin the lost GPU. Peers keep spinning in NCCL kernels (utilisation stays high)."""
    hosts = ["gh100-r07-n%02d" % i for i in (1, 2, 3, 4)]
    c = Case("case-y001", "gpu_fallen_off_bus", "gh100-r07-n03/gpu4", hosts, gpu=H100)
    tf = -705
    bad = hosts[2]
    c.alert("NCCLWatchdogTimeout", "job llama3-70b-sft: collective timeout reported by rank 0",
            job="llama3-70b-sft", node=hosts[0], severity="critical")
    tr = megatron_iters(c, tf - 18 * 6.2, 18, 12840, step_s=6.2, loss=1.71, gbs=512)
    wd = watchdog(c, 0, -104, 77214) + watchdog(c, 9, -103.6, 77214) + watchdog(c, 28, -103.1, 77214)
    out = interleave(c.rng, tr, app_noise(c, 5)) + wd + elastic_failure(
        c, -98, hosts[0], 0, 0, -6, sig="SIGABRT")
    c.log("slurm-5512093.out", out)
    bus = c.bus(4)
    k = kernel_noise(c, bad, 9, -1400, -20, fmt="dmesg") + dmesg_lines(c, [
        (tf, nvrm(c, bus, 79, 214433, "python", "GPU has fallen off the bus.")),
        (tf + 0.01, "NVRM: GPU %s.0: GPU has fallen off the bus." % bus),
        (tf + 0.01, "NVRM: GPU at PCI:%s: %s" % (bus, c.uuid(bad, 4))),
        (tf + 0.01, "NVRM: GPU Board Serial Number: 1652123012733"),
        (tf + 0.02, "NVRM: A GPU crash dump has been created. If possible, please run"),
        (tf + 0.02, "NVRM: nvidia-bug-report.sh as root to collect this data before"),
        (tf + 0.02, "NVRM: the NVIDIA kernel module is unloaded."),
    ])
    c.log(bad + "/dmesg", k)
    hang_power = lambda s, n: 0.33 * n
    over = {("temp", 4): gone(tf), ("util", 4): gone(tf), ("power", 4): gone(tf), ("clock", 4): gone(tf)}
    for g in range(8):
        if g != 4:
            over[("power", g)] = after(tf, hang_power)
    dcgm(c, bad, over)
    dcgm(c, hosts[0], {("power", g): after(tf, hang_power) for g in range(8)}, which=("util", "power"))
    return c


@case
def y002():
    """Kubernetes PyTorchJob whose workers cannot bootstrap NCCL: the pod template sets
    NCCL_SOCKET_IFNAME=eth0 but the pods only have net1/net2 (multus SR-IOV) and lo; every worker
    fails at init with no socket interface found. No GPU is involved."""
    hosts = ["gke-a3-pool-1-4c1d9e2a-%s" % s for s in ("k2mn", "p8rz")]
    c = Case("case-y002", "nccl_network_misconfig", "job", hosts, gpu=H100, pci=PCI_BUS_B)
    c.alert("KubeJobFailed", "PyTorchJob mistral-ft-0412 failed: 2/2 workers Error (restartCount 3)",
            job="mistral-ft-0412", namespace="research-nlp", severity="warning")
    ev = [
        "%s Normal   Scheduled  pod/mistral-ft-0412-worker-0  Successfully assigned research-nlp/mistral-ft-0412-worker-0 to %s" % (c.iso(-900), hosts[0]),
        "%s Normal   Pulled     pod/mistral-ft-0412-worker-0  Container image \"us-docker.pkg.dev/acme-ml/train/pt:24.05-py3\" already present on machine" % c.iso(-895),
        "%s Normal   Started    pod/mistral-ft-0412-worker-0  Started container pytorch" % c.iso(-893),
        "%s Normal   Started    pod/mistral-ft-0412-worker-1  Started container pytorch" % c.iso(-892),
        "%s Warning  BackOff    pod/mistral-ft-0412-worker-1  Back-off restarting failed container pytorch in pod mistral-ft-0412-worker-1_research-nlp" % c.iso(-420),
        "%s Warning  BackOff    pod/mistral-ft-0412-worker-0  Back-off restarting failed container pytorch in pod mistral-ft-0412-worker-0_research-nlp" % c.iso(-410),
        "%s Normal   Killing    pod/mistral-ft-0412-worker-0  Stopping container pytorch" % c.iso(-12),
        "%s Warning  JobFailed  pytorchjob/mistral-ft-0412   PyTorchJob mistral-ft-0412 is failed because 2 Worker replica(s) failed." % c.iso(-5),
    ]
    c.log("scheduler/events", ev)
    pid = 41
    p = "mistral-ft-0412-worker-0:%d:%d [0]" % (pid, pid)
    lines = [
        "+ env | grep -E 'NCCL|MASTER|WORLD'",
        "NCCL_SOCKET_IFNAME=eth0",
        "NCCL_IB_HCA=mlx5",
        "NCCL_DEBUG=INFO",
        "MASTER_ADDR=mistral-ft-0412-master-0",
        "MASTER_PORT=23456",
        "WORLD_SIZE=16",
        "+ ip -br addr",
        "lo               UNKNOWN        127.0.0.1/8 ::1/128",
        "net1@if23        UP             10.128.4.17/24",
        "net2@if25        UP             10.129.4.17/24",
        "[%s] INFO: rank 0 / world 16, local_rank 0, device cuda:0" % c.ymd(-428),
        "%s NCCL INFO Bootstrap : Using lo:127.0.0.1<0>" % p,
        "%s NCCL INFO cudaDriverVersion 12040" % p,
        "%s NCCL INFO NCCL version 2.20.5+cuda12.4" % p,
        "%s NCCL INFO NET/Plugin : dlerror=libnccl-net.so: cannot open shared object file: No such file or directory No plugin found (libnccl-net.so), using internal implementation" % p,
        "%s misc/socket.cc:484 NCCL WARN NET/Socket : no interface found" % p,
        "%s NCCL INFO NET/IB : No device found." % p,
        "%s misc/socket.cc:484 NCCL WARN NET/Socket : no interface found" % p,
        "%s NCCL INFO bootstrap.cc:47 -> 3" % p,
        "%s NCCL INFO init.cc:1416 -> 3" % p,
        "Traceback (most recent call last):",
        '  File "/workspace/train.py", line 211, in <module>',
        "    main()",
        '  File "/workspace/train.py", line 96, in main',
        "    dist.barrier()",
        "torch.distributed.DistBackendError: NCCL error in: ../torch/csrc/distributed/c10d/NCCLUtils.hpp:275, internal error - please report this issue to the NCCL developers, NCCL version 2.20.5",
        "ncclInternalError: Internal check failed.",
        "Last error:",
        "NET/Socket : no interface found",
        "[%s] ERROR: worker exited with code 1" % c.ymd(-427),
    ]
    c.log("%s/pod/research-nlp/mistral-ft-0412-worker-0/pytorch" % hosts[0], lines)
    dcgm(c, hosts[0], {("util", g): lambda s, n: 0 for g in range(8)}, which=("util", "fb"))
    return c


@case
def y003():
    """Megatron straggler detector flags rank 13 (hgx-h100-c1 GPU 5, dp 1). DCGM shows that GPU at
    87-91 C with the SM clock down to ~1400 MHz and the clock-event reasons SW+HW thermal; its
    neighbours are at 60 C. The loud symptom is a throughput alert; the cause is thermal."""
    hosts = ["hgx-h100-c%d" % i for i in range(4)]
    c = Case("case-y003", "gpu_thermal_throttle", "hgx-h100-c1/gpu5", hosts, gpu=H100)
    tf = -900
    c.alert("TrainingThroughputLow", "gpt-neox-20b tokens/s 31% below 24h median", job="gpt-neox-20b",
            node=hosts[0], severity="warning")
    slow = lambda i: 3.9 if i < 8 else 5.35 * c.rng.uniform(0.99, 1.02)
    tr = megatron_iters(c, -1250, 34, 40110, step_s=3.9, step_fn=slow, loss=2.02)
    strag = [
        "[%s] INFO:megatron.core.utils:StragglerDetector: report for iteration 40130" % c.ymd(-480),
        "  MnRtt/Rnk: 3712.11ms/4 | MxRtt/Rnk: 5301.84ms/13 | MnPwr/Rnk: 402000.00mW/13 | MxPwr/Rnk: 641000.00mW/2 | MnTmp/Rnk: 55.00C/30 | MxTmp/Rnk: 90.00C/13 | MnUtl/Rnk: 93.00%/13 | MxUtl/Rnk: 100.00%/1 | MnClk/Rnk: 1395.00MHz/13 | MxClk/Rnk: 1980.00MHz/0",
        "[%s] INFO:megatron.core.utils:StragglerDetector: report for iteration 40150" % c.ymd(-160),
        "  MnRtt/Rnk: 3698.40ms/22 | MxRtt/Rnk: 5338.02ms/13 | MnPwr/Rnk: 398000.00mW/13 | MxPwr/Rnk: 648000.00mW/6 | MnTmp/Rnk: 54.00C/27 | MxTmp/Rnk: 91.00C/13 | MnUtl/Rnk: 92.00%/13 | MxUtl/Rnk: 100.00%/3 | MnClk/Rnk: 1380.00MHz/13 | MxClk/Rnk: 1980.00MHz/0",
    ]
    c.log("hgx-h100-c0/rank0/stdout", interleave(c.rng, tr, app_noise(c, 4)) + strag)
    hot = lambda s, n: n + 28 + c.rng.uniform(0, 3)
    over = {("temp", 5): after(tf, hot),
            ("clock", 5): after(tf, lambda s, n: 1400 + c.rng.uniform(-25, 25)),
            ("power", 5): after(tf, lambda s, n: 0.78 * n),
            ("reasons", 5): after(tf, lambda s, n: CLK_SW_THERMAL | CLK_HW_THERMAL)}
    dcgm(c, hosts[1], over, which=("util", "temp", "power", "clock", "reasons"))
    return c


@case
def y004():
    """Rank 0 of a DeepSpeed job hangs writing a checkpoint to Lustre (OST unreachable, client
    evicted); every other rank times out in the next all-reduce. The watchdog lines are the loud
    symptom; the cause is the shared file system (job)."""
    hosts = ["a100-r3-n%02d" % i for i in (5, 6, 7, 8)]
    c = Case("case-y004", "storage_failure", "job", hosts, gpu=A100)
    tf = -780
    c.alert("TrainingJobStalled", "bloom-7b1-cont: no step progress for 10m", job="bloom-7b1-cont",
            node=hosts[2], severity="critical")
    tr = deepspeed_steps(c, tf - 60, 12, 88190, step_s=4.6, samples=220.0)
    ck = ["[%s] [INFO] [logging.py:96:log_dist] [Rank 0] [Torch] Checkpoint global_step88200 is about to be saved!" % c.ymd_ms(tf + 2),
          "[%s] [INFO] [logging.py:96:log_dist] [Rank 0] Saving model checkpoint: /lustre/scratch/bloom/ckpt/global_step88200/mp_rank_00_model_states.pt" % c.ymd_ms(tf + 2.5),
          "[%s] [INFO] [torch_checkpoint_engine.py:21:save] [Torch] Saving /lustre/scratch/bloom/ckpt/global_step88200/mp_rank_00_model_states.pt..." % c.ymd_ms(tf + 2.6)]
    c.log(hosts[0] + "/rank0/stderr", tr + ck + app_noise(c, 3))
    wd = watchdog(c, 19, tf + 603, 410233, op="ALLREDUCE", numel=131072) + watchdog(
        c, 26, tf + 603.4, 410233, op="ALLREDUCE", numel=131072)
    c.log(hosts[2] + "/rank19/stderr", deepspeed_steps(c, tf - 60, 4, 88190, rank=19, step_s=4.6)[:3] + wd)
    k = kernel_noise(c, hosts[0], 6, -1300, -10) + syslog_lines(c, hosts[0], [
        (tf - 40, "kernel: LustreError: 11-0: scratch-OST0021-osc-ffff9a3c1b2e8000: operation ost_write to node 10.149.2.31@o2ib failed: rc = -107"),
        (tf - 40, "kernel: Lustre: scratch-OST0021-osc-ffff9a3c1b2e8000: Connection to scratch-OST0021 (at 10.149.2.31@o2ib) was lost; in progress operations using this service will wait for recovery to complete"),
        (tf + 95, "kernel: LNetError: 2291:0:(o2iblnd_cb.c:3372:kiblnd_check_txs_locked()) Timed out tx: tx_queue, 7 seconds"),
        (tf + 95, "kernel: LNetError: 2291:0:(o2iblnd_cb.c:3447:kiblnd_check_conns()) Timed out RDMA with 10.149.2.31@o2ib (57): c: 0, oc: 0, rc: 8"),
        (tf + 247, "kernel: INFO: task python:318842 blocked for more than 122 seconds."),
        (tf + 247, "kernel:       Tainted: P           OE     5.15.0-105-generic #115-Ubuntu"),
        (tf + 247, "kernel: \"echo 0 > /proc/sys/kernel/hung_task_timeout_secs\" disables this message."),
        (tf + 247, "kernel: task:python          state:D stack:    0 pid:318842 ppid:318801 flags:0x00004002"),
        (tf + 248, "kernel:  ll_file_io_generic+0x2a1/0x5f0 [lustre]"),
        (tf + 420, "kernel: LustreError: 167-0: scratch-OST0021-osc-ffff9a3c1b2e8000: This client was evicted by scratch-OST0021; in progress operations using this service will fail."),
    ])
    c.log(hosts[0] + "/journal", k)
    dcgm(c, hosts[0], {("util", g): after(tf, lambda s, n, g=g: 0 if g == 0 else 100) for g in range(8)},
         which=("util", "power"))
    c.node_metric("node_filesystem_avail_bytes", {"instance": hosts[0] + ":9100", "mountpoint": "/lustre/scratch", "fstype": "lustre"},
                  lambda s: 2.1e15 if s < tf else None, decimals=0)
    return c


@case
def y005():
    """torchtitan FSDP job; rank 13 (dgx-h200-018 GPU 5) dies with "unspecified launch failure" and
    its peers fail on the broken communicator. The node's kernel log was not collected and the
    exporter does not export ECC or Xid fields, so logs and metrics leave a GPU fault, an application
    kernel fault and a crash open. gpu.health on GPU 5 shows a volatile DBE with last Xid 95 and
    gemm cannot even run there; GPU 4 is clean."""
    hosts = ["dgx-h200-017", "dgx-h200-018"]
    c = Case("case-y005", "gpu_memory_uncorrectable_ecc", "dgx-h200-018/gpu5", hosts, gpu=H200)
    tf = -260
    c.alert("TrainingJobFailed", "slurm job 7730112 (titan-llama3-8b-dpo) exited with code 1",
            job="titan-llama3-8b-dpo", node=hosts[1], severity="critical")
    tr = fsdp_steps(c, tf - 30 * 1.9, 30, 2210, step_s=1.9, rank=13)
    crash = [
        "[rank13]: Traceback (most recent call last):",
        '[rank13]:   File "/opt/torchtitan/train.py", line 412, in main',
        "[rank13]:     loss.backward()",
        '[rank13]:   File "/usr/local/lib/python3.11/site-packages/torch/_tensor.py", line 581, in backward',
        "[rank13]:     torch.autograd.backward(",
        "[rank13]: RuntimeError: CUDA error: unspecified launch failure",
        "[rank13]: CUDA kernel errors might be asynchronously reported at some other API call, so the stacktrace below might be incorrect.",
        "[rank13]: For debugging consider passing CUDA_LAUNCH_BLOCKING=1",
        "[rank13]: Compile with `TORCH_USE_CUDA_DSA` to enable device-side assertions.",
    ]
    c.log(hosts[1] + "/rank13/stderr", interleave(c.rng, tr, app_noise(c, 4)) + crash)
    peer = [
        "[rank6]:[%s ProcessGroupNCCL.cpp:1316] [PG 0 (default_pg) Rank 6] Process group watchdog thread terminated with exception: NCCL error: remote process exited or there was a network error, NCCL version 2.21.5" % c.glog(tf + 4, "E"),
        "ncclRemoteError: A call failed possibly due to a network error or a remote process exiting prematurely.",
        "Last error:",
        "NET/IB : Got completion from peer 10.21.8.118<38211> with status=5 opcode=129 len=0 vendor err 249 (Recv) localGid fe80::1270:fd03:e5:7b40 remoteGids fe80::1270:fd03:e5:7c12 hca mlx5_5",
        "terminate called after throwing an instance of 'c10::DistBackendError'",
    ]
    c.log(hosts[0] + "/rank6/stderr", fsdp_steps(c, tf - 8 * 1.9, 8, 2232, step_s=1.9, rank=6) + peer)
    sl = ["%s slurmstepd: error: *** STEP 7730112.0 ON %s CANCELLED AT %s ***" % (c.iso(tf + 40), hosts[0], c.ymd(tf + 40).replace(" ", "T")),
          "srun: error: %s: task 13: Exited with exit code 1" % hosts[1],
          "srun: error: %s: tasks 0-7: Exited with exit code 134" % hosts[0],
          "srun: error: %s: tasks 8-12,14-15: Terminated" % hosts[1]]
    c.log("slurm-7730112.err", sl)
    dcgm(c, hosts[1], {("util", g): after(tf, lambda s, n: 0) for g in range(8)},
         which=("util", "temp", "power"))
    c.health_rates("gpu.health@dgx-h200-018/gpu5", ecc_dbe_volatile=1, ecc_dbe_aggregate=1, xid_last=95)
    c.health_rates("gpu.health@dgx-h200-018/gpu4")
    c.errored("gpu.gemm@dgx-h200-018/gpu5", "cublasLtMatmul: CUDA error: uncorrectable ECC error encountered (cudaErrorECCUncorrectable)", 0.9)
    c.gemm("gpu.gemm@dgx-h200-018/gpu4")
    c.inventory("gpu.inventory@dgx-h200-018/gpu5")
    return c


@case
def y006():
    """Megatron-Core MoE (8 experts, top-2, EP 8): after a data-mix change the router collapses onto
    experts 1 and 6; capacity overflow drops ~40% of tokens and the all-to-all time triples. The
    alert is a step-time regression that looks like a straggler; the cause is job-wide routing."""
    hosts = ["mx-h100-%03d" % i for i in (41, 42, 43, 44)]
    c = Case("case-y006", "moe_expert_imbalance", "job", hosts, gpu=H100)
    tf = -820
    c.alert("StepTimeRegression", "moe-8x7b-pt: step time 8.4 s vs 5.2 s baseline", job="moe-8x7b-pt",
            node=hosts[1], severity="warning")
    st = lambda i: 5.2 * c.rng.uniform(0.98, 1.02) if i < 6 else (5.2 + 0.35 * (i - 5)) if i < 15 else 8.4 * c.rng.uniform(0.98, 1.03)
    tr = megatron_iters(c, -1190, 26, 66020, step_s=5.2, step_fn=st, loss=2.41)
    lb = []
    for j, t in enumerate(range(-700, -40, 120)):
        frac = min(0.2 + 0.08 * j, 0.62)
        lb.append("[%s] moe_stats layer=17 tokens_per_expert=[%d, %d, %d, %d, %d, %d, %d, %d] dropped=%.1f%% cap_factor=1.25" % (
            c.ymd(t), 21000, int(131072 * frac), 9000, 11800, 8600, 10400, int(131072 * (frac - 0.05)), 9900,
            13 + 5.5 * j))
        lb.append("[%s] timers: forward-backward %.1f | moe-all2all-dispatch %.1f | moe-all2all-combine %.1f | optimizer 118.4 (ms)" % (
            c.ymd(t + 1), 4100 + 520 * j, 390 + 310 * j, 370 + 290 * j))
    lb.append("[%s] WARNING: moe/load_balancing_loss 0.0412 -> 0.1930 over 400 iters (aux_loss_coeff=0.001)" % c.ymd(-30))
    c.log(hosts[0] + "/rank0/stdout", interleave(c.rng, tr, app_noise(c, 5)) + lb)
    over = {("util", g): after(tf, lambda s, n, g=g: n if g in (1, 6) else n - 22 - c.rng.uniform(0, 6)) for g in range(8)}
    dcgm(c, hosts[1], over, which=("util", "temp", "power"))
    return c


@case
def y007():
    """Rank 27 (gpu-h100x-07 GPU 3, local rank 3 of the 4th node) segfaults in a custom fused-rope
    extension; faulthandler and the kernel log show it. Its peers report IB completion errors and
    ncclRemoteError, and the alert is an IB error-rate alert on another node."""
    hosts = ["gpu-h100x-%02d" % i for i in (4, 5, 6, 7)]
    c = Case("case-y007", "rank_process_crash", "gpu-h100x-07/gpu3", hosts, gpu=H100, pci=PCI_BUS_B)
    tf = -300
    c.alert("NCCLIBCompletionErrors", "NCCL IB completion errors on gpu-h100x-05 (job ds-codegen-34b)",
            job="ds-codegen-34b", node=hosts[1], severity="warning")
    p = "gpu-h100x-05:118402:119011 [2]"
    peer = deepspeed_steps(c, tf - 40, 8, 30412, rank=10, step_s=3.1) + [
        "%s transport/net_ib.cc:1683 NCCL WARN NET/IB : Got completion from peer 10.72.3.27<52144> with status=12 opcode=0 len=0 vendor err 129 (Send) localGid fe80::b83f:d203:95:1a02 remoteGids fe80::b83f:d203:95:3c70 hca mlx5_2" % p,
        "%s NCCL INFO transport/net.cc:1298 -> 6" % p,
        "%s NCCL INFO proxy.cc:698 -> 6" % p,
        "%s NCCL INFO proxy.cc:878 -> 6 [Progress Thread]" % p,
        "[rank10]:[%s ProcessGroupNCCL.cpp:1512] [PG 0 Rank 10] NCCL watchdog thread terminated with exception: NCCL error: remote process exited or there was a network error, NCCL version 2.19.3" % c.glog(tf + 21, "E"),
        "ncclRemoteError: A call failed possibly due to a network error or a remote process exiting prematurely.",
        "Last error:",
        "NET/IB : Got completion from peer 10.72.3.27<52144> with status=12 opcode=0 len=0 vendor err 129 (Send) localGid fe80::b83f:d203:95:1a02 remoteGids fe80::b83f:d203:95:3c70 hca mlx5_2",
    ]
    c.log(hosts[1] + "/rank10/stderr", peer)
    crash = deepspeed_steps(c, tf - 40, 6, 30412, rank=27, step_s=3.1) + [
        "Fatal Python error: Segmentation fault",
        "",
        "Thread 0x00007f3c2e7fc640 (most recent call first):",
        '  File "/usr/lib/python3.10/threading.py", line 324 in wait',
        '  File "/usr/lib/python3.10/threading.py", line 607 in wait',
        "",
        "Current thread 0x00007f3d9a1b7740 (most recent call first):",
        '  File "/opt/ext/fused_rope/__init__.py", line 88 in forward',
        '  File "/usr/local/lib/python3.10/dist-packages/torch/autograd/function.py", line 598 in apply',
        '  File "/workspace/codegen/model/attention.py", line 214 in forward',
        '  File "/usr/local/lib/python3.10/dist-packages/torch/nn/modules/module.py", line 1541 in _call_impl',
        "",
        "Extension modules: numpy.core._multiarray_umath, torch._C, torch._C._fft, fused_rope_cuda (total: 41)",
    ]
    c.log(hosts[3] + "/rank27/stderr", crash)
    k = kernel_noise(c, hosts[3], 5, -1200, -30) + syslog_lines(c, hosts[3], [
        (tf + 1, "kernel: python[221907]: segfault at 0 ip 00007f3c81a2b4d1 sp 00007ffd6e1f92a0 error 4 in fused_rope_cuda.cpython-310-x86_64-linux-gnu.so[7f3c81a14000+4c000] likely on CPU 37 (core 5, socket 1)"),
        (tf + 1, "kernel: Code: 48 8b 47 08 48 85 c0 74 2d 48 8b 10 <48> 8b 52 18 48 39 fa 75 1c 48 89 c7 e9 5b fe ff ff 66 0f 1f 44 00 00"),
        (tf + 2, "systemd-coredump[221990]: Process 221907 (python) of user 1042 dumped core."),
        (tf + 30, "slurmstepd[221801]: error: *** STEP 3301927.0 ON gpu-h100x-07 CANCELLED AT %s ***" % c.ymd(tf + 30).replace(" ", "T")),
    ])
    c.log(hosts[3] + "/journal", k)
    dcgm(c, hosts[3], {("util", g): after(tf, lambda s, n, g=g: 0 if g == 3 else n) for g in range(8)},
         which=("util", "power"))
    return c


@case
def y008():
    """rank 2 on h100-sxm-r12-07 dies with "uncorrectable ECC error encountered". The node's log has
    Xid 48 then Xid 64 (the remapper could not record the row), nvidia-smi -q shows "Remapping
    Failure Occurred: Yes" and the DCGM row-remap-failure field is 1 on GPU 2 only. The ECC error
    is the symptom; the GPU cannot repair itself by a reset any more."""
    hosts = ["h100-sxm-r12-07", "h100-sxm-r12-08"]
    c = Case("case-y008", "gpu_row_remap_failure", "h100-sxm-r12-07/gpu2", hosts, gpu=H100)
    tf = -540
    bad = hosts[0]
    c.alert("GPURowRemapFailure", "DCGM_FI_DEV_ROW_REMAP_FAILURE=1 on h100-sxm-r12-07", node=bad,
            gpu="2", severity="critical")
    bus = c.bus(2)
    k = kernel_noise(c, bad, 6, -1300, -20) + syslog_lines(c, bad, [
        (tf, "kernel: " + nvrm(c, bus, 48, 90112, "python3", "An uncorrectable double bit error (DBE) has been detected on GPU in the framebuffer at partition 6, subpartition 1.")),
        (tf + 0.1, "kernel: " + nvrm(c, bus, 64, 90112, "python3", "Row Remapper Error: (0x0000000a41f8e2c0) - All reserved rows for bank are remapped")),
        (tf + 60, "nhc[77120]: NHC: check_nv_healthmon:  GPU 2 (%s.0) row remapping failure" % bus),
        (tf + 61, "slurmd[3021]: error: Node %s drained by health check: NHC: GPU 2 row remap failure" % bad),
    ])
    c.log(bad + "/journal", k)
    app = plain_steps(c, tf - 24 * 1.1, 24, 88012, step_s=1.1) + [
        "Traceback (most recent call last):",
        '  File "/srv/jobs/vit-g14/train.py", line 188, in train_step',
        "    loss = criterion(model(images), targets)",
        "RuntimeError: CUDA error: uncorrectable ECC error encountered",
        "Compile with `TORCH_USE_CUDA_DSA` to enable device-side assertions.",
    ]
    c.log(bad + "/rank2/stderr", app)
    smi = ["$ nvidia-smi -q -i 2 -d ROW_REMAPPER,ECC | sed -n '/ECC Errors/,$p'",
           "    ECC Errors",
           "        Volatile",
           "            SRAM Correctable                  : 0",
           "            SRAM Uncorrectable Parity         : 0",
           "            SRAM Uncorrectable SEC-DED        : 0",
           "            DRAM Correctable                  : 3",
           "            DRAM Uncorrectable                : 1",
           "        Aggregate",
           "            DRAM Correctable                  : 118",
           "            DRAM Uncorrectable                : 9",
           "    Remapped Rows",
           "        Correctable Error                 : 2",
           "        Uncorrectable Error               : 8",
           "        Pending                           : No",
           "        Remapping Failure Occurred        : Yes",
           "        Bank Remap Availability Histogram",
           "            Max                           : 632 bank(s)",
           "            High                          : 0 bank(s)",
           "            Partial                       : 1 bank(s)",
           "            Low                           : 0 bank(s)",
           "            None                          : 1 bank(s)"]
    c.log(bad + "/oncall-shell", smi)
    dcgm(c, bad, {("remap_fail", 2): after(tf, lambda s, n: 1), ("dbe", 2): after(tf, lambda s, n: 1),
                  ("util", 2): after(tf, lambda s, n: 0)}, which=("util", "dbe", "remap_fail"))
    return c


@case
def y009():
    """Megatron GPT with PP=8 after the sequence length was raised to 8192: the last pipeline stage
    (rank 31, pp-last, which also holds the output layer and the loss) runs out of CUDA memory;
    the other stages then time out in their pipeline send/recv. A configuration-driven OOM: job."""
    hosts = ["sc-h100-%02d" % i for i in (20, 21, 22, 23)]
    c = Case("case-y009", "cuda_oom", "job", hosts, gpu=H100)
    tf = -640
    c.alert("NCCLWatchdogTimeout", "gpt-13b-longctx: ranks report collective timeout", job="gpt-13b-longctx",
            node=hosts[0], severity="critical")
    args = ["------------------------ arguments ------------------------",
            "  pipeline_model_parallel_size .................... 8",
            "  tensor_model_parallel_size ...................... 4",
            "  seq_length ...................................... 8192",
            "  micro_batch_size ................................ 2",
            "  recompute_granularity ........................... selective",
            "-------------------- end of arguments ---------------------"]
    tr = megatron_iters(c, tf - 3 * 9.8, 3, 1, step_s=9.8, loss=10.9, gbs=256)
    wd = watchdog(c, 0, tf + 602, 212, op="SEND", numel=33554432, pg=3)
    c.log(hosts[0] + "/rank0/stdout", args + interleave(c.rng, tr, app_noise(c, 4)) + wd)
    oom = [
        "[rank31]: Traceback (most recent call last):",
        '[rank31]:   File "/workspace/Megatron-LM/pretrain_gpt.py", line 243, in <module>',
        "[rank31]:     pretrain(",
        '[rank31]:   File "/workspace/Megatron-LM/megatron/core/pipeline_parallel/schedules.py", line 1387, in forward_backward_pipelining_without_interleaving',
        "[rank31]:     output_tensor, num_tokens = forward_step(",
        '[rank31]:   File "/workspace/Megatron-LM/megatron/core/tensor_parallel/cross_entropy.py", line 44, in forward',
        "[rank31]:     logits_max = torch.max(vocab_parallel_logits, dim=-1)[0]",
        "[rank31]: torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 4.69 GiB. GPU 7 has a total capacity of 79.11 GiB of which 2.31 GiB is free. Including non-PyTorch memory, this process has 76.79 GiB memory in use. Of the allocated memory 70.12 GiB is allocated by PyTorch, and 4.88 GiB is reserved by PyTorch but unallocated. If reserved but unallocated memory is large try setting PYTORCH_CUDA_ALLOC_CONF=expandable_segments:True to avoid fragmentation.  See documentation for Memory Management  (https://pytorch.org/docs/stable/notes/cuda.html#environment-variables)",
    ]
    c.log(hosts[3] + "/rank31/stderr", oom)
    over = {("fb", g): (lambda s, n: min(n * 1.18, 80900)) for g in range(8)}
    over[("fb", 7)] = lambda s, n: 79100 if s > tf - 40 else n * 1.2
    dcgm(c, hosts[3], over, which=("util", "fb"))
    return c


@case
def y010():
    """The HCA mlx5_5 of h200-pod3-12 flaps: its port counters show link-downed events and symbol
    errors, the kernel logs the IPoIB child going down and up, and NCCL on that node and on a peer
    get retry-exceeded completions (status 12). The job dies with NCCL errors on several ranks."""
    hosts = ["h200-pod3-%02d" % i for i in (11, 12, 13, 14)]
    c = Case("case-y010", "ib_link_failure", "h200-pod3-12/mlx5_5", hosts, gpu=H200)
    tf = -420
    c.alert("TrainingJobFailed", "job qwen2-72b-cpt failed: NCCL error on 6 ranks", job="qwen2-72b-cpt",
            node=hosts[2], severity="critical")
    a = "h200-pod3-12:301177:301922 [5]"
    b = "h200-pod3-13:88410:89102 [5]"
    r12 = megatron_iters(c, tf - 10 * 4.4, 10, 9120, step_s=4.4) + [
        "%s transport/net_ib.cc:1696 NCCL WARN NET/IB : Got completion from peer 10.40.13.5<58221> with status=12 opcode=0 len=0 vendor err 129 (Send) localGid fe80::5c25:73ff:fe01:a1c4 remoteGids fe80::5c25:73ff:fe01:b2e0 hca mlx5_5" % a,
        "%s NCCL INFO transport/net.cc:1298 -> 6" % a,
        "[rank13]:[%s ProcessGroupNCCL.cpp:1595] [PG 0 (default_pg) Rank 13] Process group watchdog thread terminated with exception: NCCL error: remote process exited or there was a network error, NCCL version 2.21.5" % c.glog(tf + 3, "E"),
    ]
    c.log(hosts[1] + "/rank13/stderr", r12)
    r21 = [
        "%s transport/net_ib.cc:1696 NCCL WARN NET/IB : Got completion from peer 10.40.12.5<40117> with status=12 opcode=1 len=0 vendor err 129 (Recv) localGid fe80::5c25:73ff:fe01:b2e0 remoteGids fe80::5c25:73ff:fe01:a1c4 hca mlx5_5" % b,
        "%s NCCL INFO transport/net.cc:1298 -> 6" % b,
        "%s NCCL INFO proxy.cc:878 -> 6 [Progress Thread]" % b,
        "[rank21]:[%s ProcessGroupNCCL.cpp:1595] [PG 0 (default_pg) Rank 21] Process group watchdog thread terminated with exception: NCCL error: remote process exited or there was a network error, NCCL version 2.21.5" % c.glog(tf + 3.3, "E"),
    ] + app_noise(c, 2)
    c.log(hosts[2] + "/rank21/stderr", megatron_iters(c, tf - 6 * 4.4, 6, 9124, step_s=4.4) + r21)
    k = kernel_noise(c, hosts[1], 5, -1300, -30) + syslog_lines(c, hosts[1], [
        (tf - 95, "kernel: mlx5_core 0000:9e:00.0: mlx5_port_module_event:1168:(pid 0): Port module event[error]: module 0, Cable error, High Temperature"),
        (tf - 6, "kernel: ibp158s0: Lost carrier"),
        (tf - 5, "kernel: ibp158s0: Link down"),
        (tf + 9, "kernel: ibp158s0: Link up"),
        (tf + 50, "kernel: ibp158s0: Lost carrier"),
        (tf + 51, "kernel: ibp158s0: Link down"),
        (tf + 66, "kernel: ibp158s0: Link up"),
        (tf + 70, "kernel: IPv6: ADDRCONF(NETDEV_CHANGE): ibp158s0: link becomes ready"),
    ])
    c.log(hosts[1] + "/journal", k)
    nics = ["mlx5_%d" % i for i in (0, 3, 4, 5, 6, 9, 10, 11)]
    ib_port_metric(c, hosts[1], "node_infiniband_link_downed_total", nics,
                   {"mlx5_5": lambda s: 1 if s < tf - 5 else (2 if s < tf + 51 else 3)})
    ib_port_metric(c, hosts[1], "node_infiniband_port_errors_received_total", nics,
                   {"mlx5_5": lambda s: 12 if s < tf - 120 else 12 + int((s - tf + 120) * 41)})
    return c


@case
def y011():
    """A NeMo GPT run on bf16 diverges: the loss creeps up, then spikes and turns NaN; grad norm
    grows for ~30 iterations first. Logs and metrics cannot tell plain divergence from silent data
    corruption on one GPU; gpu.sdc on both nodes passes (all 8 GPUs agree bit for bit) and gemm
    passes, so the answer is divergence of the run (job)."""
    hosts = ["a100-sxm-b%02d" % i for i in (3, 4)]
    c = Case("case-y011", "loss_divergence", "job", hosts, gpu=A100)
    c.alert("TrainingLossNaN", "nemo-gpt-5b: reduced_train_loss is NaN", job="nemo-gpt-5b", node=hosts[0],
            severity="warning")
    lines = []
    t = -1150
    loss = 2.61
    gn = 0.9
    for i in range(44):
        t += 2.7
        step = 51200 + i
        if i > 14:
            gn *= 1.18
            loss += 0.012 * (i - 14)
        lo = "nan" if i >= 41 else "%.4f" % (loss + c.rng.uniform(-0.02, 0.02))
        g = "nan" if i >= 41 else "%.3f" % gn
        lines.append("Epoch 0: : %d/200000 [%s, v_num=7, reduced_train_loss=%s, global_step=%d.0, consumed_samples=%d.0, train_step_timing in s=2.71, grad_norm=%s]" % (
            step, c.ymd(t), lo, step, step * 512, g))
    lines = interleave(c.rng, lines, app_noise(c, 5))
    lines += ["Error executing job with overrides: ['trainer.num_nodes=2', 'model.optim.lr=3e-4']",
              "Traceback (most recent call last):",
              '  File "/opt/megatron-lm/megatron/core/distributed/param_and_grad_buffer.py", line 163, in start_grad_sync',
              "    assert not norm.isnan(), (",
              "AssertionError: Rank 0: found NaN in local grad norm in backward pass before data-parallel communication collective. Device: 0, node: a100-sxm-b03"]
    c.log(hosts[0] + "/rank0/stdout", lines)
    dcgm(c, hosts[0], which=("util", "temp", "power"))
    c.sdc("gpu.sdc@a100-sxm-b03")
    c.sdc("gpu.sdc@a100-sxm-b04")
    c.gemm("gpu.gemm@a100-sxm-b03/gpu0")
    c.health_rates("gpu.health@a100-sxm-b03/gpu0")
    return c


@case
def y012():
    """Xid 119 (GSP RPC timeout) on nvl-h100-a09 GPU 1 with the RPC history dump; the process on
    that GPU hangs and every rank's watchdog fires ten minutes later. nvidia-smi on the node hangs
    too. The watchdog timeouts are the loud symptom; the GSP firmware fault on GPU 1 is the cause."""
    hosts = ["nvl-h100-a%02d" % i for i in (8, 9)]
    c = Case("case-y012", "gpu_firmware_error", "nvl-h100-a09/gpu1", hosts, gpu=H100)
    tf = -690
    bad = hosts[1]
    c.alert("NCCLWatchdogTimeout", "llm-rlhf-ppo: watchdog timeouts on 16/16 ranks", job="llm-rlhf-ppo",
            node=hosts[0], severity="critical")
    bus = c.bus(1)
    k = dmesg_lines(c, [
        (tf, nvrm(c, bus, 119, 402211, "python", "Timeout after 6s of waiting for RPC response from GPU1 GSP! Expected function 76 (GSP_RM_CONTROL) (0x20800a6a 0x18).")),
        (tf, "NVRM: GPU1 GSP RPC buffer contains function 76 (GSP_RM_CONTROL) and data 0x0000000020800a6a 0x0000000000000018."),
        (tf, "NVRM: GPU1 RPC history (CPU -> GSP):"),
        (tf, "NVRM:     entry function                   data0              data1              ts_start           ts_end             duration actively_polling"),
        (tf, "NVRM:      0    76 GSP_RM_CONTROL           0x0000000020800a6a 0x0000000000000018 0x00062a8f11d2b3c0 0x0000000000000000          y"),
        (tf, "NVRM:     -1    76 GSP_RM_CONTROL           0x000000002080014b 0x0000000000000005 0x00062a8f11d19f40 0x00062a8f11d1a0e8    424us  "),
        (tf, "NVRM:     -2    10 FREE                     0x00000000c1d0004b 0x0000000000000000 0x00062a8f11d0f6b8 0x00062a8f11d0f7a4    236us  "),
        (tf, "NVRM: GPU1 RPC event history (CPU <- GSP):"),
        (tf, "NVRM:     entry function                   data0              data1              ts_start           ts_end             duration during_incomplete_rpc"),
        (tf, "NVRM:      0  4108 UCODE_LIBOS_PRINT        0x0000000000000000 0x0000000000000000 0x00062a8f11c95e2a 0x00062a8f11c95e2d      3us  "),
        (tf + 6.1, nvrm(c, bus, 119, 402211, "python", "Timeout after 6s of waiting for RPC response from GPU1 GSP! Expected function 10 (FREE) (0xc1d00052 0x0).")),
        (tf + 6.1, "NVRM: Rate limiting GSP RPC error prints for GPU at PCI:%s (printing 1 of every 30).  The GPU likely needs to be reset." % bus),
    ]) + kernel_noise(c, bad, 5, -1400, -10, fmt="dmesg")
    c.log(bad + "/dmesg", k)
    r0 = megatron_iters(c, tf - 12 * 3.2, 12, 5500, step_s=3.2, loss=0.71) + watchdog(c, 0, tf + 601, 99410, op="_ALLGATHER_BASE", numel=4194304) + watchdog(
        c, 4, tf + 601.2, 99410, op="_ALLGATHER_BASE", numel=4194304)
    c.log(hosts[0] + "/ranks0-7/stderr", r0)
    sh = ["[oncall@nvl-h100-a09 ~]$ timeout 60 nvidia-smi",
          "(no output; timed out after 60 s)",
          "[oncall@nvl-h100-a09 ~]$ timeout 60 nvidia-smi -i 0 --query-gpu=index,pci.bus_id,temperature.gpu --format=csv",
          "index, pci.bus_id, temperature.gpu",
          "0, 00000000:18:00.0, 52"]
    c.log(bad + "/oncall-shell", sh)
    dcgm(c, bad, {("util", 1): gone(tf), ("power", 1): gone(tf), ("temp", 1): gone(tf)},
         which=("util", "temp", "power"))
    return c


@case
def y013():
    """After a BIOS update, node ml-h200-r2-15 came back with the intel_pstate governor on powersave:
    its cores run at ~0.8-1.2 GHz; the eight ranks on it are host-bound (kernel launches and the
    Python loop) and everyone waits for them. No GPU or link fault; straggler at the node."""
    hosts = ["ml-h200-r2-%02d" % i for i in (13, 14, 15, 16)]
    c = Case("case-y013", "straggler_rank", "ml-h200-r2-15", hosts, gpu=H200)
    c.alert("TrainingThroughputLow", "phi-moe-sft throughput 38% below baseline since restart",
            job="phi-moe-sft", node=hosts[0], severity="warning")
    tr = fsdp_steps(c, -1100, 40, 300, step_s=2.9, mfu=26.0)
    rep = ["[rank0]:[titan] %s - root - WARNING - slowest ranks by fwd+bwd time (ms): 16:3920 21:3905 19:3898 23:3881 17:3870 | median 2310" % c.ymd_ms(-120),
           "[rank0]:[titan] %s - root - WARNING - data wait p50 3 ms p99 9 ms (all ranks)" % c.ymd_ms(-119)]
    c.log(hosts[0] + "/rank0/stdout", interleave(c.rng, tr, app_noise(c, 4)) + rep)
    sh = ["$ cpupower -c 0 frequency-info | egrep 'driver|governor|current CPU'",
          "  driver: intel_pstate",
          "  available cpufreq governors: performance powersave",
          "                  The governor \"powersave\" may decide which speed to use",
          "  current CPU frequency: 812 MHz (asserted by call to kernel)",
          "$ cat /sys/devices/system/cpu/intel_pstate/status",
          "active",
          "$ dmidecode -s bios-version",
          "2.4.1"]
    c.log(hosts[2] + "/oncall-shell", sh)
    for h in hosts:
        c.node_metric("node_cpu_scaling_frequency_hertz", {"instance": h + ":9100", "cpu": "0"},
                      (lambda s: c.rng.uniform(0.8e9, 1.25e9)) if h == hosts[2] else (lambda s: c.rng.uniform(3.1e9, 3.8e9)), decimals=0)
    dcgm(c, hosts[2], {("util", g): lambda s, n: n - 31 for g in range(8)}, which=("util", "power", "clock"))
    dcgm(c, hosts[1], {("util", g): lambda s, n: n - 12 for g in range(8)}, which=("util",))
    return c


@case
def y014():
    """DeepSpeed ZeRO-3 with optimizer offload on cx-h100-n118: rank 4 is the slowest every step
    (its host-device copies take ~2.5x longer). The journal shows AER corrected physical-layer errors
    from root port 0000:97:01.0, which does not name a GPU. gpu.pcie_bandwidth on GPU 4 (bus 9a,
    behind that port) measures ~19 GB/s and gpu.health shows the link at x8 with replays; GPU 3's
    link is fine."""
    hosts = ["cx-h100-n%03d" % i for i in (117, 118)]
    c = Case("case-y014", "pcie_link_degraded", "cx-h100-n118/gpu4", hosts, gpu=H100)
    c.alert("StragglerDetected", "zero3-offload-13b: rank 12 slowest for 50 consecutive steps",
            job="zero3-offload-13b", node=hosts[1], severity="warning")
    tr = deepspeed_steps(c, -1000, 30, 4410, rank=0, step_s=7.9, samples=96.0)
    tm = []
    for j, t in enumerate(range(-900, -30, 150)):
        tm.append("[%s] [INFO] [logging.py:96:log_dist] [Rank 0] time (ms) | fwd_microstep: 611.40 | bwd_microstep: 1420.77 | bwd_inner_microstep: 1398.02 | bwd_allreduce_microstep: 0.02 | step_microstep: %.2f" % (
            c.ymd_ms(t), 5120 + c.rng.uniform(-90, 90)))
        tm.append("[%s] [INFO] [stage3.py:2101:_optimizer_step] per-rank swap/copy time (ms): min 1893.1 (rank 9) median 2004.7 max %.1f (rank 12)" % (
            c.ymd_ms(t + 0.5), 4980 + c.rng.uniform(-120, 120)))
    c.log(hosts[0] + "/rank0/stdout", interleave(c.rng, tr, app_noise(c, 3)) + tm)
    j = kernel_noise(c, hosts[1], 5, -1300, -20)
    aer = []
    for t in (-1150, -870, -610, -330, -95):
        aer += [(t, "kernel: pcieport 0000:97:01.0: AER: Corrected error message received from 0000:97:01.0"),
                (t, "kernel: pcieport 0000:97:01.0: PCIe Bus Error: severity=Corrected, type=Physical Layer, (Receiver ID)"),
                (t, "kernel: pcieport 0000:97:01.0:   device [8086:352a] error status/mask=00000001/00002000"),
                (t, "kernel: pcieport 0000:97:01.0:    [ 0] RxErr                  (First)")]
    aer.append((-80, "kernel: pcieport 0000:97:01.0: AER: 36 Corrected errors suppressed (ratelimited)"))
    c.log(hosts[1] + "/journal", j + syslog_lines(c, hosts[1], aer))
    dcgm(c, hosts[1], {("pcie_rx", 4): lambda s, n: n * 0.42}, which=("util", "pcie_rx"))
    c.pcie("gpu.pcie_bandwidth@cx-h100-n118/gpu4", h2d=19.4, d2h=18.7)
    c.health_rates("gpu.health@cx-h100-n118/gpu4", pcie_link_width=8, pcie_replay_count=91344,
                   pcie_replay_per_s=37.0)
    c.pcie("gpu.pcie_bandwidth@cx-h100-n118/gpu3")
    c.health_rates("gpu.health@cx-h100-n118/gpu3")
    return c


@case
def y015():
    """The global OOM killer on slurm node pn-h200-022 kills local rank 6: the job's in-memory
    sample cache grows every epoch (anon-rss 190 GB per process). torchrun reports exit -9 (SIGKILL)
    for that rank, which reads like a crash; the kernel log and MemAvailable say host memory."""
    hosts = ["pn-h200-%03d" % i for i in (21, 22)]
    c = Case("case-y015", "host_oom", "pn-h200-022", hosts, gpu=H200, pci=PCI_BUS_B)
    tf = -330
    c.alert("TrainingJobFailed", "job 8810042 (whisper-xl-ft) failed on pn-h200-022", job="whisper-xl-ft",
            node=hosts[1], severity="critical")
    tr = plain_steps(c, tf - 30 * 1.35, 30, 61200, step_s=1.35, loss=0.88, extra=" | cache_items 2.9M")
    fail = ["W%s 771023 torch/distributed/elastic/multiprocessing/api.py:858] Sending process 771031 closing signal SIGTERM" % c.glog(tf + 2)[1:],
            "W%s 771023 torch/distributed/elastic/multiprocessing/api.py:858] Sending process 771032 closing signal SIGTERM" % c.glog(tf + 2)[1:]]
    fail += elastic_failure(c, tf + 3, hosts[1], 14, 6, -9, pid=771037, sig="SIGKILL")
    c.log(hosts[1] + "/torchrun.log", interleave(c.rng, tr, app_noise(c, 4)) + fail)
    k = kernel_noise(c, hosts[1], 6, -1400, -30, fmt="dmesg") + dmesg_lines(c, [
        (tf - 1, "python3 invoked oom-killer: gfp_mask=0x140cca(GFP_HIGHUSER_MOVABLE|__GFP_COMP), order=0, oom_score_adj=0"),
        (tf - 1, "CPU: 71 PID: 771035 Comm: python3 Tainted: P           OE     6.5.0-1015-nvidia #15-Ubuntu"),
        (tf - 1, "Mem-Info:"),
        (tf - 1, "active_anon:497120334 inactive_anon:1228443 isolated_anon:0"),
        (tf - 1, "oom-kill:constraint=CONSTRAINT_NONE,nodemask=(null),cpuset=/,mems_allowed=0-1,global_oom,task_memcg=/system.slice/slurmstepd.scope/job_8810042/step_0/user/task_0,task=python3,pid=771037,uid=20114"),
        (tf, "Out of memory: Killed process 771037 (python3) total-vm:412233180kB, anon-rss:190331204kB, file-rss:104452kB, shmem-rss:2097152kB, UID:20114 pgtables:377912kB oom_score_adj:0"),
        (tf + 1, "oom_reaper: reaped process 771037 (python3), now anon-rss:0kB, file-rss:0kB, shmem-rss:2097152kB"),
    ])
    c.log(hosts[1] + "/dmesg", k)
    for h in hosts:
        total = 2.0e12
        c.node_metric("node_memory_MemAvailable_bytes", {"instance": h + ":9100"},
                      (lambda s: max(3.1e9, 1.1e12 - (s + 1200) * 1.25e9) if s < tf else 1.6e12) if h == hosts[1]
                      else (lambda s: 1.21e12 + c.rng.uniform(-2e9, 2e9)), decimals=0)
        c.node_metric("node_memory_MemTotal_bytes", {"instance": h + ":9100"}, lambda s: total, decimals=0)
    return c


@case
def y016():
    """DeepSpeed fp16 fine-tune on A100: overflow after overflow halves the dynamic loss scale
    (hysteresis 2) until DeepSpeed raises "Current loss scale already at minimum". Job-wide."""
    hosts = ["a100-k%02d" % i for i in (1, 2)]
    c = Case("case-y016", "fp16_loss_scale_collapse", "job", hosts, gpu=A100)
    c.alert("TrainingJobFailed", "t5-11b-ft exited: loss scale at minimum", job="t5-11b-ft", node=hosts[0],
            severity="warning")
    tr = deepspeed_steps(c, -1150, 10, 20310, step_s=3.3)
    ov = []
    t = -1100 + 33
    scale = 65536.0
    step = 20320
    while scale >= 1:
        t += c.rng.uniform(3.2, 30.0)
        nxt = scale / 2
        ov.append("[%s] [INFO] [loss_scaler.py:183:update_scale] [deepspeed] OVERFLOW! Rank 0 Skipping step. Attempted loss scale: %d, reducing to %d" % (
            c.ymd_ms(t), scale, nxt if nxt >= 1 else 1))
        if c.rng.random() < 0.4:
            ov.append("[%s] [INFO] [logging.py:96:log_dist] [Rank 0] step=%d, skipped=%d, lr=[1.0e-04], mom=[(0.9, 0.999)]" % (
                c.ymd_ms(t + 0.1), step, len(ov)))
        scale = nxt
        step += 1
    ov += ["[%s] [INFO] [loss_scaler.py:176:update_scale] [deepspeed] OVERFLOW! Rank 0 Skipping step. Attempted loss scale: 1, but hysteresis is 2. Reducing hysteresis to 1" % c.ymd_ms(t + 3),
           "Traceback (most recent call last):",
           '  File "/app/finetune.py", line 302, in <module>',
           "    engine.step()",
           '  File "/usr/local/lib/python3.10/dist-packages/deepspeed/runtime/fp16/loss_scaler.py", line 172, in update_scale',
           '    raise Exception(',
           "Exception: Current loss scale already at minimum - cannot decrease scale anymore. Exiting run."]
    c.log(hosts[0] + "/rank0/stdout", tr + ov)
    dcgm(c, hosts[0], which=("util", "power"))
    return c


@case
def y017():
    """Job step time up ~25% on an 8xH200 node, no error in any log, and the DCGM config does not
    export NVLink counters. nccl.p2p_matrix on the node fails (pairs with GPU 2 at ~40 GB/s, median
    ~350), gpu.health on GPU 2 shows 6 of 18 NVLinks down; GPU 5 is clean and the GPUs' clocks and
    temperatures are normal."""
    hosts = ["sxm5-h200-0391"]
    c = Case("case-y017", "nvlink_error", "sxm5-h200-0391/gpu2", hosts, gpu=H200)
    c.alert("StepTimeRegression", "sd3-finetune step time +24% over 6h", job="sd3-finetune", node=hosts[0],
            severity="warning")
    tr = fsdp_steps(c, -1100, 44, 7700, step_s=2.2, step_fn=lambda i: 2.2 * 1.24 * c.rng.uniform(0.98, 1.02), mfu=31.0)
    c.log(hosts[0] + "/rank0/stdout", interleave(c.rng, tr, app_noise(c, 6)) + [
        "[rank0]:[titan] %s - root - INFO - comm breakdown (ms/step): reduce_scatter 611.2 all_gather 540.8 (baseline 402.3 / 355.0)" % c.ymd_ms(-60)])
    dcgm(c, hosts[0], which=("util", "temp", "power", "clock"))
    c.nccl("nccl.p2p_matrix@sxm5-h200-0391", busbw=40.3, details={"worst_pairs": ["gpu2->gpu6", "gpu0->gpu2", "gpu2->gpu7"], "median_pair_gb_s": 351.0})
    c.nccl("nccl.allreduce@sxm5-h200-0391", busbw=212.4)
    c.health_rates("gpu.health@sxm5-h200-0391/gpu2", nvlink_links_up=12)
    c.health_rates("gpu.health@sxm5-h200-0391/gpu5")
    c.gemm("gpu.gemm@sxm5-h200-0391/gpu2")
    return c


@case
def y018():
    """A ViT pretrain on Kubernetes after the data pipeline moved to JPEG decode on the CPU with
    num_workers=4: data_time is most of each iteration, GPU utilisation saws between 0 and 100% on
    every GPU and the pod's CPU is pegged. No error; input pipeline starves the GPUs (job)."""
    hosts = ["aks-ndh100v5-31415926-vmss00000%s" % x for x in ("b", "c")]
    c = Case("case-y018", "dataloader_stall", "job", hosts, gpu=H100)
    c.alert("GPUUtilizationLow", "vit-h14-pretrain: mean GPU utilisation 34% over 15m", job="vit-h14-pretrain",
            node=hosts[0], severity="warning")
    lines = []
    t = -1150
    for i in range(36):
        bt = 2.4 * c.rng.uniform(0.9, 1.15)
        t += bt
        lines.append("%s - INFO - Epoch: [12][%4d/5004]  Time %.3f (%.3f)  Data %.3f (%.3f)  Loss 3.1%03d (3.1%03d)  Acc@1 41.%03d" % (
            c.ymd_ms(t), 2200 + i * 10, bt, 2.41, bt - 0.71, 1.70, c.rng.randrange(1000), 412, c.rng.randrange(1000)))
    lines = interleave(c.rng, lines, ["INFO: DataLoader(num_workers=4, pin_memory=True, prefetch_factor=2, persistent_workers=True)",
                                      "WARNING: This DataLoader will create 4 worker processes in total. Our suggested max number of worker in current system is 96"])
    c.log("%s/pod/vision/vit-h14-pretrain-worker-0/trainer" % hosts[0], lines)
    saw = lambda s, n: 100 if c.rng.random() < 0.3 else c.rng.uniform(0, 25)
    dcgm(c, hosts[0], {("util", g): saw for g in range(8)}, which=("util", "power"))
    c.node_metric("container_cpu_usage_seconds_total:rate1m", {"node": hosts[0], "pod": "vit-h14-pretrain-worker-0"},
                  lambda s: 5.0 * c.rng.uniform(0.96, 1.0))
    c.node_metric("kube_pod_container_resource_limits", {"node": hosts[0], "pod": "vit-h14-pretrain-worker-0", "resource": "cpu"},
                  lambda s: 5.0)
    return c


@case
def y019():
    """A launch wrapper exports CUDA_VISIBLE_DEVICES=0,1,2,3 while torchrun starts 8 processes per
    node, and the script calls torch.cuda.set_device(local_rank % torch.cuda.device_count()); two
    ranks share each GPU and NCCL refuses with "Duplicate GPU detected". Job-wide launch error."""
    hosts = ["lambda-h100-%02d" % i for i in (3, 4)]
    c = Case("case-y019", "launch_config_error", "job", hosts, gpu=H100)
    c.alert("TrainingJobFailed", "job 'orca-dpo' failed within 60s of start", job="orca-dpo", node=hosts[0],
            severity="warning")
    p = "lambda-h100-03:10442:10442 [0]"
    lines = ["+ export CUDA_VISIBLE_DEVICES=0,1,2,3",
             "+ torchrun --nnodes=2 --nproc_per_node=8 --rdzv_backend=c10d --rdzv_endpoint=lambda-h100-03:29400 train_dpo.py --config cfg/orca.yaml",
             "W%s 10401 torch/distributed/run.py:779] Setting OMP_NUM_THREADS environment variable for each process to be 1 in default, to avoid your system being overloaded, please further tune the variable for optimal performance in your application as needed." % c.glog(-80)[1:],
             "[%s] INFO  rank=0 local_rank=0 device=cuda:0 world_size=16" % c.ymd(-70),
             "[%s] INFO  rank=4 local_rank=4 device=cuda:0 world_size=16" % c.ymd(-70),
             "%s NCCL INFO Bootstrap : Using ens9f0np0:10.12.3.3<0>" % p,
             "%s NCCL INFO NCCL version 2.21.5+cuda12.4" % p,
             "%s NCCL INFO comm 0x55d3c1a0 rank 0 nranks 16 cudaDev 0 nvmlDev 0 busId 18000 commId 0x7a1e6c2b93d40f11 - Init START" % p,
             "lambda-h100-03:10446:10446 [0] init.cc:871 NCCL WARN Duplicate GPU detected : rank 4 and rank 0 both on CUDA device 18000",
             "lambda-h100-03:10446:10446 [0] NCCL INFO init.cc:1501 -> 5",
             "[rank4]: Traceback (most recent call last):",
             '[rank4]:   File "/home/ml/dpo/train_dpo.py", line 77, in <module>',
             "[rank4]:     dist.barrier(device_ids=[local_rank % torch.cuda.device_count()])",
             "[rank4]: torch.distributed.DistBackendError: NCCL error in: ../torch/csrc/distributed/c10d/ProcessGroupNCCL.cpp:1970, invalid usage (run with NCCL_DEBUG=WARN for details), NCCL version 2.21.5",
             "[rank4]: ncclInvalidUsage: This usually reflects invalid usage of NCCL library.",
             "[rank4]: Last error:",
             "[rank4]: Duplicate GPU detected : rank 4 and rank 0 both on CUDA device 18000"]
    lines += elastic_failure(c, -40, hosts[0], 4, 4, 1, pid=10446)
    c.log(hosts[0] + "/launcher.log", lines)
    dcgm(c, hosts[0], {("util", g): (lambda s, n: 0) for g in range(8)}, which=("util", "fb"))
    return c


@case
def y020():
    """An in-house replica check compares the loss of the 4 data-parallel replicas (TP=8 inside a
    node, so replica 2 is all of node hgx-h200-b07): replica 2 drifts from the others. Logs cannot
    say which of its 8 GPUs computes wrongly; gpu.sdc on that node names GPU 6 (bit-exact vote),
    gpu.health on GPU 6 is clean, and the same probe on another node passes."""
    hosts = ["hgx-h200-b%02d" % i for i in (5, 6, 7, 8)]
    c = Case("case-y020", "gpu_silent_data_corruption", "hgx-h200-b07/gpu6", hosts, gpu=H200)
    c.alert("ReplicaLossMismatch", "mpt-30b: data-parallel replicas disagree on loss", job="mpt-30b",
            node=hosts[0], severity="critical")
    tr = megatron_iters(c, -1100, 30, 140200, step_s=3.6, loss=1.98)
    chk = []
    for j, t in enumerate(range(-900, -20, 110)):
        base = 1.97 - 0.0004 * j
        chk.append("[%s] replica_check iter %d: dp losses [%.6f, %.6f, %.6f, %.6f] max_rel_diff %.2e %s" % (
            c.ymd(t), 140230 + j * 30, base, base, base + 0.0021 * (j + 1) * c.rng.uniform(0.8, 1.2), base,
            0.0011 * (j + 1), "MISMATCH dp=2" if j > 0 else "MISMATCH dp=2 (first)"))
    c.log(hosts[0] + "/rank0/stdout", interleave(c.rng, tr, app_noise(c, 4)) + chk)
    dcgm(c, hosts[2], which=("util", "temp", "power"))
    c.sdc("gpu.sdc@hgx-h200-b07", mismatched=1884, bad_gpu="gpu6")
    c.sdc("gpu.sdc@hgx-h200-b05")
    c.health_rates("gpu.health@hgx-h200-b07/gpu6")
    c.gemm("gpu.gemm@hgx-h200-b07/gpu6")
    return c


@case
def y021():
    """A custom Triton varlen-attention kernel reads past a packed sequence on rank 8 (trn-h100-c2
    GPU 0): Xid 31 MMU fault (FAULT_PDE, VIRT_READ) in the node log, "an illegal memory access was
    encountered" in the rank's traceback, watchdog timeouts on the peers. gpu.health on that GPU
    passes (Xid 31 is an application-class error) and gemm is normal."""
    hosts = ["trn-h100-c%d" % i for i in (1, 2, 3)]
    c = Case("case-y021", "illegal_memory_access", "trn-h100-c2/gpu0", hosts, gpu=H100, pci=PCI_BUS_B)
    tf = -655
    c.alert("NCCLWatchdogTimeout", "packed-llm-7b: watchdog timeout on rank 0 and 22 others", job="packed-llm-7b",
            node=hosts[0], severity="critical")
    bus = c.bus(0)
    k = kernel_noise(c, hosts[1], 5, -1300, -30) + syslog_lines(c, hosts[1], [
        (tf, "kernel: " + nvrm(c, bus, 31, 1188042, "python", "Ch 00000008, intr 00000000. MMU Fault: ENGINE GRAPHICS GPCCLIENT_T1_7 faulted @ 0x7f1d_a6e00000. Fault is of type FAULT_PDE ACCESS_TYPE_VIRT_READ")),
    ])
    c.log(hosts[1] + "/journal", k)
    r8 = fsdp_steps(c, tf - 20 * 1.4, 20, 18020, step_s=1.4, rank=8) + [
        "[rank8]: Traceback (most recent call last):",
        '[rank8]:   File "/workspace/packed/model.py", line 301, in forward',
        "[rank8]:     o = varlen_attn_fwd[grid](q, k, v, cu_seqlens, max_seqlen, BLOCK_M=128, BLOCK_N=64)",
        '[rank8]:   File "/usr/local/lib/python3.10/dist-packages/triton/runtime/jit.py", line 691, in run',
        "[rank8]:     kernel.run(grid_0, grid_1, grid_2, stream, kernel.function, kernel.packed_metadata,",
        "[rank8]: RuntimeError: CUDA error: an illegal memory access was encountered",
        "[rank8]: CUDA kernel errors might be asynchronously reported at some other API call, so the stacktrace below might be incorrect.",
        "[rank8]: For debugging consider passing CUDA_LAUNCH_BLOCKING=1",
    ]
    c.log(hosts[1] + "/rank8/stderr", r8)
    r0 = fsdp_steps(c, tf - 8 * 1.4, 8, 18032, step_s=1.4, rank=0) + watchdog(c, 0, tf + 601, 52711, op="_REDUCE_SCATTER_BASE", numel=50331648)
    c.log(hosts[0] + "/rank0/stderr", r0)
    dcgm(c, hosts[1], {("util", 0): after(tf, lambda s, n: 0)}, which=("util", "power"))
    c.health_rates("gpu.health@trn-h100-c2/gpu0", xid_last=31)
    c.gemm("gpu.gemm@trn-h100-c2/gpu0")
    return c


@case
def y022():
    """Rank 37 (ml-a100-x05 GPU 5) is stuck in the Python process: py-spy shows its main thread
    blocked on a lock held by a metrics-upload thread, so it never enqueues all-reduce #880213. All
    other ranks time out in that all-reduce; the flight-recorder analysis says rank 37 never joined.
    The loud symptom names rank 0; the hang's culprit is rank 37's process."""
    hosts = ["ml-a100-x%02d" % i for i in (1, 2, 3, 4, 5, 6)]
    c = Case("case-y022", "nccl_collective_hang", "ml-a100-x05/gpu5", hosts, gpu=A100)
    tf = -700
    c.alert("NCCLWatchdogTimeout", "bert-xxl-mlm: collective timeout on 47 of 48 ranks", job="bert-xxl-mlm",
            node=hosts[0], severity="critical")
    r0 = deepspeed_steps(c, tf - 24, 10, 66020, step_s=2.4) + watchdog(c, 0, tf + 600.4, 880213, numel=16777216) + watchdog(
        c, 40, tf + 600.6, 880213, numel=16777216)
    c.log("slurm-10072201.out", r0)
    fr = ["$ python tools/flight_recorder/fr_trace.py -j /shared/nccl_trace/bert-xxl-mlm/ -p nccl_trace_rank_",
          "Loaded 48 rank dumps (ranks 0-47)",
          "pg 0 (default_pg): 48 ranks",
          "  collective 880212 ALLREDUCE  state=completed on 48/48 ranks",
          "  collective 880213 ALLREDUCE  state=scheduled on 47/48 ranks",
          "    Not all ranks joining collective 880213: missing ranks {37}",
          "    rank 37 last enqueued: 880212 (completed), last completed: 880212",
          "Summary: pg 0 hung at collective 880213; ranks not in collective: [37]"]
    c.log("oncall/flight-recorder", fr)
    spy = ["$ py-spy dump --pid 431177   # ml-a100-x05, local rank 5",
           "Process 431177: /usr/bin/python3 -u pretrain_bert.py --deepspeed ds_config.json",
           "Python v3.10.12 (/usr/bin/python3.10)",
           "",
           "Thread 431177 (idle): \"MainThread\"",
           "    acquire (threading.py:476)",
           "    log_step (telemetry/uploader.py:88)",
           "    train_step (pretrain_bert.py:412)",
           "    main (pretrain_bert.py:530)",
           "Thread 431402 (idle): \"telemetry-flush\"",
           "    _recv_into (ssl.py:1307)",
           "    readinto (socket.py:705)",
           "    flush (telemetry/uploader.py:131)",
           "Thread 431399 (idle): \"pt_nccl_watchdg\""]
    c.log(hosts[4] + "/oncall-shell", spy)
    over = {("util", g): after(tf, lambda s, n, g=g: 0 if g == 5 else 100) for g in range(8)}
    dcgm(c, hosts[4], over, which=("util", "power"))
    return c


@case
def y023():
    """Every rank on dgx-h100-s2-04 is ~35% slower than the rest; no error is logged and the exporter
    on that cluster only publishes utilisation and power (power on that node sits around 330 W).
    That leaves thermal throttling, a power limit, a host problem or the network open. gpu.health on
    GPUs 0 and 6 of the node reports HW power brake slowdown with clocks at ~1100 MHz and normal
    temperatures; the power limit is at default; a GPU on another node is clean. A node-wide power
    brake (PSU/BMC-side): power throttle at the node."""
    hosts = ["dgx-h100-s2-%02d" % i for i in (3, 4, 5)]
    c = Case("case-y023", "gpu_power_throttle", "dgx-h100-s2-04", hosts, gpu=H100)
    c.alert("StragglerDetected", "llm-ret-2b: ranks 8-15 slowest for 30 min", job="llm-ret-2b",
            node=hosts[1], severity="warning")
    tr = megatron_iters(c, -1150, 32, 9100, step_s=3.4 * 1.35, loss=2.5)
    c.log(hosts[0] + "/rank0/stdout", interleave(c.rng, tr, app_noise(c, 5)) + [
        "[%s] straggler report: per-rank fwd-bwd ms p50: ranks 0-7 2210, ranks 8-15 3190, ranks 16-23 2190" % c.ymd(-90)])
    dcgm(c, hosts[1], {("power", g): lambda s, n: 330 + c.rng.uniform(-15, 15) for g in range(8)}, which=("util", "power"))
    dcgm(c, hosts[2], which=("power",))
    c.health_rates("gpu.health@dgx-h100-s2-04/gpu0", clock_event_reasons=CLK_HW_SLOWDOWN | CLK_HW_POWER_BRAKE,
                   sm_clock_mhz=1095, power_w=328)
    c.health_rates("gpu.health@dgx-h100-s2-04/gpu6", clock_event_reasons=CLK_HW_SLOWDOWN | CLK_HW_POWER_BRAKE,
                   sm_clock_mhz=1110, power_w=336)
    c.health_rates("gpu.health@dgx-h100-s2-05/gpu3")
    c.gemm("gpu.gemm@dgx-h100-s2-04/gpu0", tflops=402.6)
    return c


@case
def y024():
    """Transformer Engine FP8 (delayed scaling, amax history 1024, HYBRID) on H100: an activation
    outlier makes one layer's amax non-finite, its scale collapses to 0 and the loss goes NaN; the
    in-house FP8 monitor shows saturation rising first. Numerics of the FP8 recipe: job."""
    hosts = ["fp8-h100-%02d" % i for i in (1, 2)]
    c = Case("case-y024", "fp8_scaling_overflow", "job", hosts, gpu=H100)
    c.alert("TrainingLossNaN", "llama-fp8-13b: lm loss NaN at iteration 23114", job="llama-fp8-13b", node=hosts[0],
            severity="critical")
    n = 26
    lo = lambda i: 1.84 + c.rng.uniform(-0.02, 0.02) if i < 20 else (2.3 + 0.9 * (i - 20) if i < 23 else float("nan"))
    gr = lambda i: 0.31 * c.rng.uniform(0.9, 1.1) if i < 19 else (4.2 * (i - 18) if i < 23 else float("nan"))
    tr = megatron_iters(c, -1100, n, 23088, step_s=5.0, loss_fn=lo, grad_fn=gr,
                        nan_fn=lambda i: max(0, i - 22))
    mon = []
    for j, i in enumerate(range(10, 26, 2)):
        t = -1100 + 5.0 * (i + 1)
        sat = 0.002 if i < 16 else 0.002 * 12 ** (i - 15)
        amax = "inf" if i >= 22 else "%.1f" % (412.0 * (1 if i < 16 else 3 ** (i - 15)))
        sc = "0.000e+00" if i >= 22 else "%.3e" % (448.0 / float(amax) * 2 ** -0)
        mon.append("[%s] fp8_monitor it=%d layer=decoder.layers.31.mlp.fc2 fwd_act amax=%s scale=%s sat=%.3f%% hist_len=1024" % (
            c.ymd(t), 23088 + i, amax, sc, min(sat, 38.0)))
    mon.append("[%s] WARNING fp8_monitor: non-finite amax in 3 tensors (decoder.layers.31.mlp.fc2.fwd_act, decoder.layers.31.mlp.fc2.bwd_grad, decoder.layers.30.mlp.fc2.fwd_act)" % c.ymd(-960))
    cfg = ["  fp8 ............................................ hybrid",
           "  fp8_amax_history_len ........................... 1024",
           "  fp8_amax_compute_algo .......................... max",
           "  fp8_margin ..................................... 0"]
    c.log(hosts[0] + "/rank0/stdout", cfg + tr + mon)
    dcgm(c, hosts[0], which=("util", "power"))
    return c


@case
def y025():
    """An EKS p5 pod's rank 29 (ip-10-42-17-201 GPU 5) fails with "CUDA error: unknown error" and
    the job restarts; no node kernel log was shipped, and the job's peers die with socket errors.
    The crash alone could be a process fault, an ECC error or a lost GPU. gpu.inventory on GPU 5
    sees 7 of 8 GPUs and gpu.health cannot get a handle (GPU is lost); GPU 4 is fine."""
    hosts = ["ip-10-42-17-%d" % i for i in (33, 88, 140, 201)]
    c = Case("case-y025", "gpu_fallen_off_bus", "ip-10-42-17-201/gpu5", hosts, gpu=H100, pci=PCI_BUS_B)
    tf = -240
    c.alert("KubePodCrashLooping", "pod llm-train/gemma-27b-worker-3 restarting (exit code 1)", job="gemma-27b",
            namespace="llm-train", pod="gemma-27b-worker-3", severity="warning")
    r = fsdp_steps(c, tf - 16 * 2.6, 16, 9001, step_s=2.6, rank=29) + [
        "[rank29]: Traceback (most recent call last):",
        '[rank29]:   File "/app/train.py", line 388, in train_step',
        "[rank29]:     optimizer.step()",
        "[rank29]: RuntimeError: CUDA error: unknown error",
        "[rank29]: CUDA kernel errors might be asynchronously reported at some other API call, so the stacktrace below might be incorrect.",
        "[rank29]: For debugging consider passing CUDA_LAUNCH_BLOCKING=1",
        "[%s] restart 1/3: waiting for rendezvous" % c.ymd(tf + 80),
        "[rank29]: torch.cuda.device_count() = 7, LOCAL_RANK = 5; binding cuda:5",
        "[rank29]: RuntimeError: CUDA error: invalid device ordinal",
    ]
    c.log("%s/pod/llm-train/gemma-27b-worker-3/pytorch" % hosts[3], r)
    ev = ["%s Warning BackOff pod/gemma-27b-worker-3 Back-off restarting failed container pytorch in pod gemma-27b-worker-3_llm-train(7f1e3c2a-0b4d-4c41-9f3e-52d1c2a77b10)" % c.iso(tf + 120),
          "%s Normal  Pulled  pod/gemma-27b-worker-3 Container image \"123456789012.dkr.ecr.us-east-2.amazonaws.com/train:2024.11\" already present on machine" % c.iso(tf + 130),
          "%s Warning Unhealthy pod/nvidia-dcgm-exporter-7hx2q Liveness probe failed: Get \"http://10.42.17.201:9400/health\": context deadline exceeded" % c.iso(tf + 20),
          "%s Normal  Killing pod/gemma-27b-worker-0 Stopping container pytorch" % c.iso(tf + 60)]
    c.log("scheduler/events", ev)
    c.inventory("gpu.inventory@ip-10-42-17-201/gpu5", count=7, details={"nvml": "Unable to determine the device handle for GPU 0000:bb:00.0: Unknown Error"})
    c.errored("gpu.health@ip-10-42-17-201/gpu5", "nvmlDeviceGetHandleByPciBusId(0000:bb:00.0): GPU is lost (NVML_ERROR_GPU_IS_LOST)", 0.4)
    c.health_rates("gpu.health@ip-10-42-17-201/gpu4")
    return c


@case
def y026():
    """One rank of a 16-GPU torchtitan job (gx-h100-s07 GPU 3, rank 11) is consistently slowest in
    the memory-bound phases; clocks, temperature and power of that GPU look like its neighbours'.
    gpu.hbm_bandwidth on GPU 3 measures ~2.1 TB/s (threshold 2.6), gemm and health pass, GPU 2's
    HBM is normal: a slow GPU that holds back every step (straggler at that GPU)."""
    hosts = ["gx-h100-s%02d" % i for i in (6, 7)]
    c = Case("case-y026", "straggler_rank", "gx-h100-s07/gpu3", hosts, gpu=H100)
    c.alert("StragglerDetected", "titan-8b-long: rank 11 slowest in 94% of steps", job="titan-8b-long", node=hosts[1],
            severity="warning")
    tr = fsdp_steps(c, -1100, 40, 12000, step_s=2.1, mfu=35.0)
    rep = ["[rank0]:[titan] %s - root - WARNING - step time skew: rank 11 %.0f ms vs median %.0f ms (optimizer %.0f vs %.0f, attn_bwd %.0f vs %.0f)" % (
        c.ymd_ms(t), 2560 + c.rng.uniform(-20, 20), 2110, 311, 190, 622, 455) for t in (-800, -500, -200)]
    c.log(hosts[0] + "/rank0/stdout", interleave(c.rng, tr, app_noise(c, 3)) + rep)
    dcgm(c, hosts[1], which=("util", "temp", "power", "clock"))
    c.hbm("gpu.hbm_bandwidth@gx-h100-s07/gpu3", gb_s=2110)
    c.hbm("gpu.hbm_bandwidth@gx-h100-s07/gpu2")
    c.gemm("gpu.gemm@gx-h100-s07/gpu3", tflops=704.1)
    c.health_rates("gpu.health@gx-h100-s07/gpu3")
    return c


# ------------------------------------------------------------------ main
def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default=os.path.dirname(os.path.abspath(__file__)),
                    help="directory to write the case-y*.json files to (default: this folder)")
    args = ap.parse_args(argv)
    cases = [fn() for fn in CASES]
    n = casekit.write_cases(cases, args.out)
    print("wrote %d cases to %s" % (n, args.out))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
