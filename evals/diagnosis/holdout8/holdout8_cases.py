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


def k8s_node_noise(c, host, k, start_s=-1400, end_s=-20, fmt="dmesg"):
    """Harmless kernel/system lines for a Kubernetes node (no Slurm daemons there)."""
    lines = [x for x in kernel_noise(c, host, 3 * k, start_s, end_s, fmt=fmt) if "slurm" not in x]
    return lines[:k]


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
    slow = lambda i: 5.35 * c.rng.uniform(0.99, 1.02)
    tr = megatron_iters(c, -200, 34, 40200, step_s=3.9, step_fn=slow, loss=2.02)
    strag = [
        "[%s] INFO:megatron.core.utils:StragglerDetector: report for iteration 40210" % c.ymd(-136),
        "  MnRtt/Rnk: 3712.11ms/4 | MxRtt/Rnk: 5301.84ms/13 | MnPwr/Rnk: 402000.00mW/13 | MxPwr/Rnk: 641000.00mW/2 | MnTmp/Rnk: 55.00C/30 | MxTmp/Rnk: 90.00C/13 | MnUtl/Rnk: 93.00%/13 | MxUtl/Rnk: 100.00%/1 | MnClk/Rnk: 1395.00MHz/13 | MxClk/Rnk: 1980.00MHz/0",
        "[%s] INFO:megatron.core.utils:StragglerDetector: report for iteration 40230" % c.ymd(-29),
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
    c.log(hosts[2] + "/rank19/stderr", deepspeed_steps(c, tf - 60, 4, 88190, rank=19, step_s=4.6, samples=220.0)[:3] + wd)
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
    st = lambda i: 8.4 * c.rng.uniform(0.98, 1.03)
    tr = megatron_iters(c, -230, 26, 66160, step_s=5.2, step_fn=st, loss=2.41)
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
    t = -140
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
    c.errored("gpu.health@nvl-h100-a09/gpu1", "probe timed out after 30 s: nvmlDeviceGetClockInfo did not return", 30.0)
    c.health_rates("gpu.health@nvl-h100-a09/gpu0")
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
    tr = fsdp_steps(c, -130, 40, 300, step_s=2.9, mfu=26.0)
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
    tr = deepspeed_steps(c, -250, 30, 4410, rank=0, step_s=7.9, samples=96.0)
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
    tr = deepspeed_steps(c, -420, 10, 20310, step_s=3.3)
    ov = []
    t = -420 + 33
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
    tr = fsdp_steps(c, -130, 44, 7700, step_s=2.2, step_fn=lambda i: 2.2 * 1.24 * c.rng.uniform(0.98, 1.02), mfu=31.0)
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
    t = -100
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
    tr = megatron_iters(c, -120, 30, 140440, step_s=3.6, loss=1.98)
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
    tr = megatron_iters(c, -160, 32, 9100, step_s=3.4 * 1.35, loss=2.5)
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
    t_start = -150
    tr = megatron_iters(c, t_start, n, 23088, step_s=5.0, loss_fn=lo, grad_fn=gr,
                        nan_fn=lambda i: max(0, i - 22))
    mon = []
    for j, i in enumerate(range(10, 26, 2)):
        t = t_start + 5.0 * (i + 1)
        sat = 0.002 if i < 16 else 0.002 * 12 ** (i - 15)
        amax = "inf" if i >= 22 else "%.1f" % (412.0 * (1 if i < 16 else 3 ** (i - 15)))
        sc = "0.000e+00" if i >= 22 else "%.3e" % (448.0 / float(amax) * 2 ** -0)
        mon.append("[%s] fp8_monitor it=%d layer=decoder.layers.31.mlp.fc2 fwd_act amax=%s scale=%s sat=%.3f%% hist_len=1024" % (
            c.ymd(t), 23088 + i, amax, sc, min(sat, 38.0)))
    mon.append("[%s] WARNING fp8_monitor: non-finite amax in 3 tensors (decoder.layers.31.mlp.fc2.fwd_act, decoder.layers.31.mlp.fc2.bwd_grad, decoder.layers.30.mlp.fc2.fwd_act)" % c.ymd(t_start + 5.0 * 23 + 1))
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
    tr = fsdp_steps(c, -110, 40, 12000, step_s=2.1, step_fn=lambda i: 2.56 * c.rng.uniform(0.99, 1.01), mfu=35.0)
    rep = ["[rank0]:[titan] %s - root - WARNING - step time skew: rank 11 %.0f ms vs median %.0f ms (optimizer %.0f vs %.0f, attn_bwd %.0f vs %.0f)" % (
        c.ymd_ms(t), 2560 + c.rng.uniform(-20, 20), 2110, 311, 190, 622, 455) for t in (-800, -500, -200)]
    c.log(hosts[0] + "/rank0/stdout", interleave(c.rng, tr, app_noise(c, 3)) + rep)
    dcgm(c, hosts[1], which=("util", "temp", "power", "clock"))
    c.hbm("gpu.hbm_bandwidth@gx-h100-s07/gpu3", gb_s=2110)
    c.hbm("gpu.hbm_bandwidth@gx-h100-s07/gpu2")
    c.gemm("gpu.gemm@gx-h100-s07/gpu3", tflops=704.1)
    c.health_rates("gpu.health@gx-h100-s07/gpu3")
    return c



@case
def y027():
    """Kubernetes: Xid 94 (contained ECC error) on aks node GPU 6; the rank on it fails with
    "uncorrectable ECC error encountered", DCGM's health watch reports the DBE, the DBE counter
    steps on GPU 6 only, and the peers fail with ncclRemoteError. Loud symptom: a NCCL error on rank
    0's pod."""
    hosts = ["aks-gpuh200-26810044-vmss00000%s" % x for x in ("4", "7")]
    c = Case("case-y027", "gpu_memory_uncorrectable_ecc", "aks-gpuh200-26810044-vmss000007/gpu6", hosts, gpu=H200)
    tf = -380
    bad = hosts[1]
    c.alert("PyTorchJobRestarting", "rl-reward-70b: worker-0 NCCL error, job restarting (2/5)", job="rl-reward-70b",
            namespace="alignment", pod="rl-reward-70b-worker-0", severity="warning")
    r0 = megatron_iters(c, tf - 14 * 3.8, 14, 3301, step_s=3.8, loss=0.52) + [
        "[rank0]:[%s ProcessGroupNCCL.cpp:1595] [PG 0 (default_pg) Rank 0] Process group watchdog thread terminated with exception: NCCL error: remote process exited or there was a network error, NCCL version 2.21.5" % c.glog(tf + 5, "E"),
        "ncclRemoteError: A call failed possibly due to a network error or a remote process exiting prematurely.",
        "Last error:",
        "socketProgress: Connection closed by remote peer 10.244.7.19<42261>"]
    c.log("%s/pod/alignment/rl-reward-70b-worker-0/pytorch" % hosts[0], r0)
    r14 = ["[rank14]: Traceback (most recent call last):",
           '[rank14]:   File "/opt/megatron/megatron/core/pipeline_parallel/schedules.py", line 402, in backward_step',
           "[rank14]:     torch.autograd.backward(output_tensor[0], grad_tensors=output_tensor_grad[0])",
           "[rank14]: RuntimeError: CUDA error: uncorrectable ECC error encountered",
           "[rank14]: CUDA kernel errors might be asynchronously reported at some other API call, so the stacktrace below might be incorrect."]
    c.log("%s/pod/alignment/rl-reward-70b-worker-1/pytorch" % bad, megatron_iters(c, tf - 5 * 3.8, 5, 3310, step_s=3.8, loss=0.52) + r14)
    bus = c.bus(6)
    hl = [("%s dcgm-exporter level=warning msg=\"%s\"" % (c.iso(t), x)) for t, x in (
        (tf + 2, "Xid 94 on GPU 6 (%s.0): Contained ECC error" % bus.upper()),
        (tf + 31, "Health check failed: GPU 6: Memory: A DBE (double-bit ECC) error has occurred on GPU 6 (DCGM_FR_VOLATILE_DBE_DETECTED)"),
    )]
    hl.append("%s kubelet: %s" % (c.iso(tf + 40), "nvidia-device-plugin: 'GPU-%s' device marked unhealthy: XidCriticalError 94" % c.uuid(bad, 6)[4:]))
    c.log("%s/daemonsets" % bad, hl + ["%s dcgm-exporter level=info msg=\"Collecting DCP metrics\"" % c.iso(t) for t in (-1000, -700, -200)])
    dcgm(c, bad, {("dbe", 6): after(tf, lambda s, n: 2), ("xid", 6): after(tf, lambda s, n: 94),
                  ("util", 6): after(tf, lambda s, n: 0)}, which=("util", "xid", "dbe"))
    return c


@case
def y028():
    """Slurm's health check drained hpc-a100-n031 with a generic NHC message and the job's step on
    it failed at startup with a CUDA error that names no GPU. gpu.health finds a recorded row
    remapping failure on GPU 7 (other GPUs of the node pass); the GPU needs replacement."""
    hosts = ["hpc-a100-n%03d" % i for i in (30, 31, 32)]
    c = Case("case-y028", "gpu_row_remap_failure", "hpc-a100-n031/gpu7", hosts, gpu=A100)
    c.alert("SlurmNodeDrained", "hpc-a100-n031 drained: NHC: nv_health failed", node=hosts[1], severity="warning")
    sl = ["%s slurmctld: update_node: node hpc-a100-n031 reason set to: NHC: nv_health failed" % c.iso(-30),
          "%s slurmctld: update_node: node hpc-a100-n031 state set to DRAINED" % c.iso(-30),
          "%s slurmctld: _job_complete: JobId=4410917 WEXITSTATUS 1" % c.iso(-70),
          "%s slurmctld: _job_complete: JobId=4410917 done" % c.iso(-70)]
    c.log("slurmctld.log", sl)
    app = ["[%s] rank 15 (hpc-a100-n031, local 7): initialising model-parallel groups" % c.ymd(-95),
           "Traceback (most recent call last):",
           '  File "/home/sci/climax/train.py", line 144, in <module>',
           "    model = build_model(cfg).cuda(local_rank)",
           "RuntimeError: CUDA error: an uncorrectable ECC error was encountered",
           "Compile with `TORCH_USE_CUDA_DSA` to enable device-side assertions.",
           "srun: error: hpc-a100-n031: task 15: Exited with exit code 1",
           "srun: launch/slurm: _step_signal: Terminating StepId=4410917.0"]
    c.log("slurm-4410917.out", app_noise(c, 8) + app)
    j = kernel_noise(c, hosts[1], 10, -1300, -20) + syslog_lines(c, hosts[1], [
        (-50, "nhc[55102]: ERROR:  nhc:  Health check failed:  check_nv_healthmon:  nvidia-healthmon returned 1"),
        (-50, "nhc[55102]: Node Health Check failed.  Marking hpc-a100-n031 offline.")])
    c.log(hosts[1] + "/journal", j)
    dcgm(c, hosts[1], {("util", g): lambda s, n: c.rng.uniform(0, 2) for g in range(8)}, which=("util", "temp"))
    c.health_rates("gpu.health@hpc-a100-n031/gpu7", remap_failure=1, remapped_rows_uncorrectable=8,
                   remapped_rows_correctable=3, ecc_dbe_aggregate=9)
    c.health_rates("gpu.health@hpc-a100-n031/gpu3")
    c.health_rates("gpu.health@hpc-a100-n031/gpu0")
    c.inventory("gpu.inventory@hpc-a100-n031/gpu7")
    return c


@case
def y029():
    """A100 node on Kubernetes: Xid 62 (internal micro-controller halt) on GPU 3, then Xid 154
    asking for a GPU reset; the device plugin marks the GPU unhealthy and the rank on it fails with
    "unspecified launch failure". Firmware/micro-controller fault at that GPU."""
    hosts = ["gke-a2-ultra-pool-9d1e5b20-%s" % x for x in ("t4wq", "zz81")]
    c = Case("case-y029", "gpu_firmware_error", "gke-a2-ultra-pool-9d1e5b20-zz81/gpu3", hosts, gpu=A100, pci=PCI_BUS_B)
    tf = -500
    bad = hosts[1]
    c.alert("KubePodCrashLooping", "pod speech/conformer-xl-worker-1 CrashLoopBackOff", job="conformer-xl",
            namespace="speech", pod="conformer-xl-worker-1", severity="warning")
    bus = c.bus(3)
    j = k8s_node_noise(c, bad, 6) + dmesg_lines(c, [
        (tf, nvrm(c, bus, 62, 2214, "python3", "0000(1b54) 00000000 00000000")),
        (tf + 0.2, nvrm(c, bus, 62, 2214, "python3", "0000(1b54) 00000000 00000000")),
        (tf + 2, "NVRM: Xid (PCI:%s): 154, GPU recovery action changed from 0x0 (None) to 0x1 (GPU Reset Required)" % bus),
    ])
    c.log(bad + "/dmesg", j)
    app = plain_steps(c, tf - 20 * 0.9, 20, 40400, step_s=0.9, loss=0.41) + [
        "Traceback (most recent call last):",
        '  File "/workspace/nemo/examples/asr/speech_to_text_bpe.py", line 97, in main',
        "    trainer.fit(asr_model)",
        "RuntimeError: CUDA error: unspecified launch failure",
        "CUDA kernel errors might be asynchronously reported at some other API call, so the stacktrace below might be incorrect."]
    c.log("%s/pod/speech/conformer-xl-worker-1/trainer" % bad, app)
    ev = ["%s Warning Unhealthy node/%s nvidia-device-plugin: 'GPU-%s' device marked unhealthy: XidCriticalError 62" % (c.iso(tf + 5), bad, c.uuid(bad, 3)[4:]),
          "%s Warning BackOff  pod/conformer-xl-worker-1 Back-off restarting failed container trainer" % c.iso(tf + 300),
          "%s Normal  Scheduled pod/conformer-xl-worker-1 Successfully assigned speech/conformer-xl-worker-1 to %s" % (c.iso(tf + 240), bad)]
    c.log("scheduler/events", ev)
    dcgm(c, bad, {("xid", 3): after(tf, lambda s, n: 62), ("util", 3): after(tf, lambda s, n: 0)}, which=("util", "xid"))
    return c


@case
def y030():
    """nvidia-smi on gh-h100-p2-11 hangs and then prints "Unable to determine the device handle for
    GPU 0000:3A:00.0: Unknown Error"; the job on the node has hung. No kernel log was captured.
    Lost GPU, firmware hang, or something else? gpu.inventory still enumerates 8/8 GPUs (the GPU is
    on the bus), and gpu.health on GPU 2 fails on last Xid 120 (GSP task timeout) with clocks reading
    0; GPU 1 is clean. A GSP firmware fault."""
    hosts = ["gh-h100-p2-%02d" % i for i in (10, 11)]
    c = Case("case-y030", "gpu_firmware_error", "gh-h100-p2-11/gpu2", hosts, gpu=H100)
    c.alert("DCGMExporterScrapeFailed", "dcgm-exporter on gh-h100-p2-11 returns errors for 1 GPU", node=hosts[1],
            severity="warning")
    sh = ["[root@gh-h100-p2-11 ~]# time nvidia-smi --query-gpu=index,pci.bus_id,utilization.gpu --format=csv",
          "Unable to determine the device handle for GPU 0000:3A:00.0: Unknown Error",
          "",
          "real\t0m41.882s",
          "[root@gh-h100-p2-11 ~]# systemctl status nvidia-persistenced | tail -2",
          "   Active: active (running) since %s; 3 weeks 1 days ago" % c.at(-1900000).strftime("%a %Y-%m-%d %H:%M:%S UTC"),
          "[root@gh-h100-p2-11 ~]# squeue -w gh-h100-p2-11 -o '%i %j %M %T'",
          "JOBID NAME TIME STATE",
          "5801772 sd-xl-distill 6:12:40 RUNNING"]
    c.log(hosts[1] + "/oncall-shell", sh)
    exp = ["%s level=error msg=\"Failed to retrieve metrics for GPU 2\" err=\"Error getting device handle: Unknown Error\"" % c.iso(t) for t in (-600, -420, -240, -60)]
    exp = ["%s level=warning msg=\"Skipping line 19 ('DCGM_FI_DEV_ROW_REMAP_FAILURE'): metric not enabled\"" % c.iso(-1150),
           "%s level=info msg=\"Starting webserver\"" % c.iso(-1149)] + [
        "%s level=info msg=\"Collecting DCP metrics\"" % c.iso(t) for t in (-1100, -900, -700, -500, -300, -100)] + exp
    c.log(hosts[1] + "/dcgm-exporter", sorted(exp))
    tr = plain_steps(c, -640 - 24 * 1.6, 24, 20800, step_s=1.6) + ["%s | WARNING | train | no step completed in 600 s (last step %d)" % (c.ymd(-40), 20823)]
    c.log("slurm-5801772.out", tr)
    dcgm(c, hosts[1], {("util", 2): gone(-640), ("power", 2): gone(-640),
                       ("util", 0): lambda s, n: n if s < -640 else 100}, which=("util", "power"))
    c.inventory("gpu.inventory@gh-h100-p2-11/gpu2")
    c.health_rates("gpu.health@gh-h100-p2-11/gpu2", xid_last=120, sm_clock_mhz=0, power_w=0)
    c.health_rates("gpu.health@gh-h100-p2-11/gpu1")
    return c


@case
def y031():
    """Xid 74 with an NVLink fatal error on a link of GPU 5 and NCCL's "uncorrectable NVLink error"
    on the ranks of that node (intra-node all-reduce); fabric manager logs the access-link failure
    on the NVSwitch port that GPU 5 connects to. NVLink fault at GPU 5."""
    hosts = ["dgx-h100-pod2-%02d" % i for i in (31, 32, 33, 34)]
    c = Case("case-y031", "nvlink_error", "dgx-h100-pod2-33/gpu5", hosts, gpu=H100)
    tf = -360
    bad = hosts[2]
    c.alert("TrainingJobFailed", "mamba2-8b pretraining failed (NCCL unhandled cuda error)", job="mamba2-8b",
            node=hosts[0], severity="critical")
    bus = c.bus(5)
    j = kernel_noise(c, bad, 6, -1300, -10) + syslog_lines(c, bad, [
        (tf, "kernel: " + nvrm(c, bus, 74, 1901123, "python3", "NVLink: fatal error detected on link 11(0x0, 0x0, 0x0, 0x10000, 0x0, 0x0, 0x0)")),
        (tf + 0.4, "nv-fabricmanager[4021]: detected NVSwitch non-fatal error 12028 on fid 0 switch id 2 port 27"),
        (tf + 0.4, "nv-fabricmanager[4021]: NVLink access link error on GPU physical id 5 (PCI bus %s.0) port 11, training errors and link failure" % bus),
    ])
    c.log(bad + "/journal", j)
    p = "dgx-h100-pod2-33:8802:8911 [5]"
    r = megatron_iters(c, tf - 12 * 2.2, 12, 77100, step_s=2.2) + [
        "%s enqueue.cc:1617 NCCL WARN Cuda failure 'uncorrectable NVLink error was detected during the execution'" % p,
        "%s NCCL INFO group.cc:225 -> 1" % p,
        "[rank21]:[%s ProcessGroupNCCL.cpp:1595] [PG 0 (default_pg) Rank 21] Process group watchdog thread terminated with exception: CUDA error: uncorrectable NVLink error was detected during the execution" % c.glog(tf + 1, "E"),
        "terminate called after throwing an instance of 'c10::DistBackendError'",
        "  what():  [PG 0 (default_pg) Rank 21] Process group watchdog thread terminated with exception: CUDA error: uncorrectable NVLink error was detected during the execution"]
    c.log(bad + "/rank21/stderr", r)
    c.log("slurm-9902711.err", ["srun: error: %s: tasks 16-23: Aborted (core dumped)" % bad,
                                "srun: error: %s: tasks 0-7: Terminated" % hosts[0],
                                "srun: error: %s: tasks 8-15: Terminated" % hosts[1],
                                "srun: error: %s: tasks 24-31: Terminated" % hosts[3],
                                "srun: Force Terminated StepId=9902711.0"])
    dcgm(c, bad, {("nvlink_crc", 5): after(tf - 150, lambda s, n: (s - tf + 151) * 310),
                  ("xid", 5): after(tf, lambda s, n: 74)}, which=("util", "nvlink_crc", "xid"))
    return c


@case
def y032():
    """IPMI SEL on a100-dc2-r09 logs a fan failure (FAN3 lower critical going low); every GPU on
    the node heats to 84-88 C with SW thermal slowdown and the node's eight ranks become the job's
    stragglers. Thermal throttle of the whole node."""
    hosts = ["a100-dc2-r%02d" % i for i in (8, 9, 10)]
    c = Case("case-y032", "gpu_thermal_throttle", "a100-dc2-r09", hosts, gpu=A100)
    tf = -960
    bad = hosts[1]
    c.alert("StragglerDetected", "bert-moe-base: ranks 8-15 slowest (p50 +41%)", job="bert-moe-base", node=bad,
            severity="warning")
    sel = ["$ ipmitool sel elist | tail -6",
           "  1a2 | %s | Fan #0x33 | Lower Critical going low  | Asserted" % c.at(tf - 60).strftime("%m/%d/%Y | %H:%M:%S"),
           "  1a3 | %s | Fan #0x33 | Lower Non-recoverable going low  | Asserted" % c.at(tf - 58).strftime("%m/%d/%Y | %H:%M:%S"),
           "  1a4 | %s | Temperature #0x60 | Upper Non-critical going high | Asserted" % c.at(tf + 120).strftime("%m/%d/%Y | %H:%M:%S"),
           "  1a5 | %s | Temperature #0x61 | Upper Non-critical going high | Asserted" % c.at(tf + 140).strftime("%m/%d/%Y | %H:%M:%S"),
           "$ ipmitool sdr type Fan | grep -i fan3",
           "FAN3             | 33h | cr  | 29.3 | 0 RPM"]
    c.log(bad + "/oncall-shell", sel)
    tr = deepspeed_steps(c, -90, 26, 61000, step_s=2.0, step_fn=lambda i: 2.85 * c.rng.uniform(0.98, 1.03))
    c.log(hosts[0] + "/rank0/stdout", interleave(c.rng, tr, app_noise(c, 4)))
    over = {}
    for g in range(8):
        over[("temp", g)] = after(tf, lambda s, n: min(n + (s - tf) / 25.0, 84 + c.rng.uniform(0, 4)))
        over[("clock", g)] = after(tf + 240, lambda s, n: 1080 + c.rng.uniform(-40, 40))
        over[("reasons", g)] = after(tf + 240, lambda s, n: CLK_SW_THERMAL)
    dcgm(c, bad, over, which=("temp", "clock", "reasons"))
    dcgm(c, hosts[0], which=("temp",))
    return c


@case
def y033():
    """Straggler report: rank 5 (h200-gl-r4-02 GPU 5) is slowest; utilisation of its GPU matches its
    neighbours (every rank waits at the same collectives), and this cluster's exporter publishes only
    utilisation and framebuffer use. gpu.health on GPU 5: 91 C with SW+HW thermal slowdown and clocks
    at 1290 MHz; gemm on GPU 5 low; pcie passes; GPU 4 is clean."""
    hosts = ["h200-gl-r4-%02d" % i for i in (2, 3)]
    c = Case("case-y033", "gpu_thermal_throttle", "h200-gl-r4-02/gpu5", hosts, gpu=H200, pci=PCI_BUS_B)
    c.alert("StragglerDetected", "ranks: [5] slowest in 88% of last 500 steps (job dit-xl-video)", job="dit-xl-video",
            node=hosts[0], severity="warning")
    tr = fsdp_steps(c, -130, 36, 31000, step_s=3.3, mfu=29.5)
    rep = ["[rank0]:[titan] %s - root - WARNING - straggler: rank 5 compute %.0f ms vs median %.0f ms" % (
        c.ymd_ms(t), 3020 + c.rng.uniform(-30, 30), 2290) for t in (-900, -600, -300, -60)]
    c.log(hosts[0] + "/rank0/stdout", interleave(c.rng, tr, app_noise(c, 4)) + rep)
    dcgm(c, hosts[0], which=("util", "fb"))
    c.health_rates("gpu.health@h200-gl-r4-02/gpu5", temperature_c=91, hbm_temperature_c=88,
                   clock_event_reasons=CLK_SW_THERMAL | CLK_HW_THERMAL, sm_clock_mhz=1290)
    c.health_rates("gpu.health@h200-gl-r4-02/gpu4")
    c.gemm("gpu.gemm@h200-gl-r4-02/gpu5", tflops=501.7)
    c.pcie("gpu.pcie_bandwidth@h200-gl-r4-02/gpu5")
    return c


@case
def y034():
    """One GPU of p5-train-019 (GPU 3) runs ~30% slower; the logs of the job carry only a straggler
    summary. The exporter publishes utilisation and temperature only (both normal). gpu.health on
    GPU 3: power limit 400 W against a 700 W default with SW power cap and clocks at ~1350 MHz (left
    by a benchmarking script); GPU 2 is at default. Power throttle at GPU 3."""
    hosts = ["p5-train-%03d" % i for i in (18, 19, 20)]
    c = Case("case-y034", "gpu_power_throttle", "p5-train-019/gpu3", hosts, gpu=H100)
    c.alert("StragglerDetected", "job sft-mixtral: global rank 11 slowest for 45 min", job="sft-mixtral",
            node=hosts[1], severity="warning")
    tr = megatron_iters(c, -170, 28, 2200, step_s=4.4 * 1.28, loss=1.12)
    c.log(hosts[0] + "/rank0/stdout", interleave(c.rng, tr, app_noise(c, 5)) + [
        "[%s] INFO:megatron.core.utils:StragglerDetector: report for iteration 2220" % c.ymd(-150),
        "  MnRtt/Rnk: 4302.90ms/0 | MxRtt/Rnk: 5611.48ms/11 | MnPwr/Rnk: 0.00mW/0 | MxPwr/Rnk: 0.00mW/0 | MnTmp/Rnk: 0.00C/0 | MxTmp/Rnk: 0.00C/0 | MnUtl/Rnk: 0.00%/0 | MxUtl/Rnk: 0.00%/0 | MnClk/Rnk: 0.00MHz/0 | MxClk/Rnk: 0.00MHz/0"])
    dcgm(c, hosts[1], which=("util", "temp"))
    c.health_rates("gpu.health@p5-train-019/gpu3", power_limit_w=400, power_w=398,
                   clock_event_reasons=CLK_SW_POWER_CAP, sm_clock_mhz=1350)
    c.health_rates("gpu.health@p5-train-019/gpu2")
    c.gemm("gpu.gemm@p5-train-019/gpu3", tflops=512.0)
    return c


@case
def y035():
    """Boot-time PCIe message on rr-h100-b03: GPU 6 (0000:db) trained at 8 GT/s x4 behind its
    switch port; nvidia-smi -q confirms Gen3 x4. The job's rank 14 shows long host-to-device copy
    times (it looks like a dataloader stall on that rank only)."""
    hosts = ["rr-h100-b%02d" % i for i in (2, 3)]
    c = Case("case-y035", "pcie_link_degraded", "rr-h100-b03/gpu6", hosts, gpu=H100)
    bad = hosts[1]
    c.alert("DataloaderWaitHigh", "recsys-dlrm-xl: rank 14 batch-to-device wait p95 1.9 s", job="recsys-dlrm-xl",
            node=bad, severity="warning")
    bus = c.bus(6)
    dm = dmesg_lines(c, [(-c.uptime0 + 14.2, "pci %s.0: [10de:2330] type 00 class 0x030200" % bus),
                         (-c.uptime0 + 14.9, "pci %s.0: 31.504 Gb/s available PCIe bandwidth, limited by 8.0 GT/s PCIe x4 link at 0000:d8:00.0 (capable of 504.112 Gb/s with 32.0 GT/s PCIe x16 link)" % bus),
                         (-c.uptime0 + 21.3, "nvidia: loading out-of-tree module taints kernel."),
                         (-c.uptime0 + 22.0, "nvidia-nvlink: Nvlink Core is being initialized, major device number 508")])
    c.log(bad + "/dmesg", dm + kernel_noise(c, bad, 6, -1300, -30, fmt="dmesg"))
    lines = []
    for i, t in enumerate(range(-1100, -20, 45)):
        h2d = 1.82 + c.rng.uniform(-0.1, 0.2)
        lines.append("%s [rank14] it %d: h2d_copy %.3fs fwd %.3fs bwd %.3fs (rank median h2d 0.118s)" % (c.ymd(t), 81000 + i * 20, h2d, 0.41, 0.83))
    sh = ["$ nvidia-smi -q -i 6 | grep -A8 'GPU Link Info'",
          "        GPU Link Info",
          "            PCIe Generation",
          "                Max                       : 5",
          "                Current                   : 3",
          "                Device Current            : 3",
          "                Device Max                : 5",
          "                Host Max                  : 5",
          "            Link Width",
          "                Max                       : 16x",
          "                Current                   : 4x"]
    c.log(bad + "/rank14/stdout", lines + sh)
    dcgm(c, bad, {("pcie_rx", 6): lambda s, n: n * 0.13, ("util", 6): lambda s, n: n - 30}, which=("util", "pcie_rx"))
    return c


@case
def y036():
    """Megatron's rerun-based result validation: iteration 77120 gives a different loss when re-run
    on the same GPU, and the re-run on another node reproduces the first result of all other ranks;
    the check names rank 22 (sdc-h200-06 GPU 6). The alert is a loss spike on one data-parallel
    replica. gpu.sdc on the node confirms GPU 6 disagrees."""
    hosts = ["sdc-h200-%02d" % i for i in (4, 5, 6)]
    c = Case("case-y036", "gpu_silent_data_corruption", "sdc-h200-06/gpu6", hosts, gpu=H200)
    c.alert("LossSpike", "olmo-13b: loss 2.94 at iter 77120 (trend 2.11)", job="olmo-13b", node=hosts[0],
            severity="warning")
    lo = lambda i: 2.11 + c.rng.uniform(-0.015, 0.015) if i != 18 else 2.94
    tr = megatron_iters(c, -150, 19, 77102, step_s=3.1, loss_fn=lo)
    rr = ["[%s] WARNING:megatron.core.rerun_state_machine:Unexpected result 2.9431 on rank 22 at iteration #77120 invocation #1 (message='Spiky loss')" % c.ymd(-89),
          "[%s] INFO:megatron.core.rerun_state_machine:Rerunning iteration #77120 on the same GPU (rank 22) to check reproducibility" % c.ymd(-88),
          "[%s] WARNING:megatron.core.rerun_state_machine:Rerun of iteration #77120 on rank 22 gave 2.1174, first run 2.9431: result is not reproducible on the same GPU" % c.ymd(-80),
          "[%s] ERROR:megatron.core.rerun_state_machine:Possible transient error or silent data corruption on rank 22 (sdc-h200-06, local GPU 6); checkpointing and exiting with code 16" % c.ymd(-79)]
    c.log(hosts[0] + "/rank0/stdout", interleave(c.rng, tr, app_noise(c, 4)) + rr)
    dcgm(c, hosts[2], which=("util", "temp", "power"))
    c.sdc("gpu.sdc@sdc-h200-06", mismatched=37, bad_gpu="gpu6")
    c.health_rates("gpu.health@sdc-h200-06/gpu6")
    return c


@case
def y037():
    """NCCL on ranks of two nodes (ib-h100-17 and ib-h100-19) reports IB retry-exceeded completions,
    each naming the same remote peer address, 10.31.0.18 (ib-h100-18). ibstat on ib-h100-18 shows
    mlx5_2 Down/Polling while its other HCAs are Active, and its port counters show the link going
    down. The errors come from the peers; the failed link is mlx5_2 on the third node."""
    hosts = ["ib-h100-%02d" % i for i in (16, 17, 18, 19)]
    c = Case("case-y037", "ib_link_failure", "ib-h100-18/mlx5_2", hosts, gpu=H100)
    tf = -310
    c.alert("NCCLIBCompletionErrors", "IB completion errors on ib-h100-17, ib-h100-19 (job gemma-ft-7b)",
            job="gemma-ft-7b", node=hosts[1], severity="critical")
    a = "ib-h100-17:55012:55840 [2]"
    b = "ib-h100-19:71220:72003 [2]"
    l1 = megatron_iters(c, tf - 8 * 2.9, 8, 15500, step_s=2.9) + [
        "%s NCCL WARN NET/IB : Got completion from peer 10.31.0.18<39181> with error 12, opcode 0, len 0, vendor err 129 (Send) localGid fe80::9a03:9b03:a0:8812 remoteGids fe80::9a03:9b03:a0:61f4" % a,
        "%s NCCL INFO transport/net.cc:1134 -> 6" % a,
        "[rank10]:[%s ProcessGroupNCCL.cpp:1595] [PG 0 (default_pg) Rank 10] Process group watchdog thread terminated with exception: NCCL error: remote process exited or there was a network error, NCCL version 2.20.5" % c.glog(tf + 2, "E")]
    c.log(hosts[1] + "/rank10/stderr", l1)
    l3 = [
        "%s NCCL WARN NET/IB : Got completion from peer 10.31.0.18<44617> with error 12, opcode 1, len 0, vendor err 129 (Recv) localGid fe80::9a03:9b03:a0:7c30 remoteGids fe80::9a03:9b03:a0:61f4" % b,
        "%s NCCL INFO transport/net.cc:1134 -> 6" % b,
        "[rank26]:[%s ProcessGroupNCCL.cpp:1595] [PG 0 (default_pg) Rank 26] Process group watchdog thread terminated with exception: NCCL error: remote process exited or there was a network error, NCCL version 2.20.5" % c.glog(tf + 2.5, "E")]
    c.log(hosts[3] + "/rank26/stderr", megatron_iters(c, tf - 5 * 2.9, 5, 15503, step_s=2.9) + l3)
    sh = ["[oncall@ib-h100-18 ~]$ ibstat mlx5_2",
          "CA 'mlx5_2'",
          "\tCA type: MT4129",
          "\tNumber of ports: 1",
          "\tFirmware version: 28.39.2048",
          "\tPort 1:",
          "\t\tState: Down",
          "\t\tPhysical state: Polling",
          "\t\tRate: 10",
          "\t\tBase lid: 65535",
          "\t\tLink layer: InfiniBand",
          "[oncall@ib-h100-18 ~]$ ibstat mlx5_3 | grep -E 'State|Rate'",
          "\t\tState: Active",
          "\t\tPhysical state: LinkUp",
          "\t\tRate: 400"]
    c.log(hosts[2] + "/oncall-shell", sh)
    nics = ["mlx5_%d" % i for i in (0, 2, 3, 4, 5, 7, 8, 9)]
    ib_port_metric(c, hosts[2], "node_infiniband_state_id", nics,
                   {n: (lambda s: 4) for n in nics} | {"mlx5_2": lambda s: 4 if s < tf - 3 else 1})
    ib_port_metric(c, hosts[2], "node_infiniband_link_downed_total", ["mlx5_2", "mlx5_3"],
                   {"mlx5_2": lambda s: 0 if s < tf - 3 else 1})
    return c


@case
def y038():
    """All-reduce heavy job ~2.3x slower since the node rn-h200-44 was swapped in; no error lines.
    node-exporter shows the rate of that node's mlx5_7 at 100 Gb/s (12.5 GB/s) while every other
    HCA runs at 400 Gb/s; nccl.allreduce across the job is low while the all-reduce inside each node
    passes, and the GPUs of rn-h200-44 are healthy. One HCA trained at a lower rate."""
    hosts = ["rn-h200-%02d" % i for i in (41, 42, 43, 44)]
    c = Case("case-y038", "ib_link_failure", "rn-h200-44/mlx5_7", hosts, gpu=H200)
    c.alert("TrainingThroughputLow", "llama3-405b-cpt-slice throughput 57% below expected", job="llama3-405b-cpt-slice",
            node=hosts[0], severity="warning")
    tr = megatron_iters(c, -240, 20, 700, step_s=5.0 * 2.3, loss=1.65)
    c.log(hosts[0] + "/rank0/stdout", interleave(c.rng, tr, app_noise(c, 6)) + [
        "[%s] INFO: node set changed at restart: +rn-h200-44 -rn-h200-29 (maintenance swap)" % c.ymd(-1190)])
    nics = ["mlx5_%d" % i for i in (0, 3, 4, 5, 6, 7, 9, 10)]
    for h in hosts[2:]:
        ib_port_metric(c, h, "node_infiniband_rate_bytes_per_second", nics,
                       {n: (lambda s: 5.0e10) for n in nics} | ({"mlx5_7": lambda s: 1.25e10} if h == hosts[3] else {}))
    c.nccl("nccl.allreduce@job", busbw=61.8)
    for h in hosts:
        c.nccl("nccl.allreduce@" + h)
    c.health_rates("gpu.health@rn-h200-44/gpu7")
    return c


@case
def y039():
    """A new cluster's job is ~8x slower than on the old one; NCCL_DEBUG is off so nothing says
    which transport NCCL chose, and no error is logged. The IB port counters of the nodes barely move
    while bond0 carries gigabytes per second. nccl.allreduce over the job measures ~3 GB/s while
    inside a node it is normal and the GPUs are healthy: NCCL is running over sockets because the
    container lacks the IB devices/config. Network misconfiguration (job)."""
    hosts = ["cl2-h100-%03d" % i for i in (101, 102)]
    c = Case("case-y039", "nccl_network_misconfig", "job", hosts, gpu=H100)
    c.alert("TrainingThroughputLow", "new-cluster smoke test: 8x slower than reference", job="smoke-gpt2-xl",
            node=hosts[0], severity="warning")
    tr = plain_steps(c, -270, 36, 100, step_s=7.3, loss=3.9)
    cfg = ["[%s] INFO launch: image=registry.local/ml/pt-2.4:cl2 world_size=16 backend=nccl" % c.ymd(-1190),
           "[%s] INFO launch: env NCCL_DEBUG=(unset) NCCL_SOCKET_IFNAME=bond0 NCCL_IB_HCA=(unset)" % c.ymd(-1190),
           "[%s] INFO reference step_time on cl1: 0.92s" % c.ymd(-1189)]
    c.log(hosts[0] + "/rank0/stdout", cfg + interleave(c.rng, tr, app_noise(c, 4)))
    nics = ["mlx5_%d" % i for i in range(8)]
    for h in hosts:
        ib_port_metric(c, h, "node_infiniband_port_data_transmitted_bytes_total:rate1m", nics,
                       {n: (lambda s: c.rng.uniform(0, 900)) for n in nics})
        c.node_metric("node_network_transmit_bytes_total:rate1m", {"instance": h + ":9100", "device": "bond0"},
                      lambda s: c.rng.uniform(2.7e9, 3.1e9), decimals=0)
    c.nccl("nccl.allreduce@job", busbw=2.9)
    c.nccl("nccl.allreduce@cl2-h100-101")
    c.nccl("nccl.allreduce@cl2-h100-102")
    c.gemm("gpu.gemm@cl2-h100-101/gpu0")
    return c


@case
def y040():
    """Rank 9 (tp-h100-2 GPU 1) took an evaluation branch on a rank-local condition and issued a
    BROADCAST as its collective #40117 while the other 15 ranks are in ALLREDUCE #40117; nothing
    completes and the watchdog fires on every rank ten minutes later (rank 9 times out in its
    broadcast). The flight-recorder analysis shows the mismatch. Hang caused by rank 9's process."""
    hosts = ["tp-h100-%d" % i for i in (1, 2)]
    c = Case("case-y040", "nccl_collective_hang", "job", hosts, gpu=H100)
    tf = -640
    c.alert("NCCLWatchdogTimeout", "reward-model-13b: collective operation timeout", job="reward-model-13b",
            node=hosts[0], severity="critical")
    tr = deepspeed_steps(c, tf - 20, 8, 40100, step_s=2.5)
    c.log(hosts[0] + "/rank3/stderr", tr + watchdog(c, 3, tf + 600.2, 40117, numel=1))
    r9 = ["[%s] [INFO] [eval.py:61] rank 9: local eval trigger (val shard 9 exhausted), running generate() with broadcast of prompts" % c.ymd_ms(tf - 1)]
    r9 += watchdog(c, 9, tf + 600.3, 40117, op="BROADCAST", numel=2097152)
    c.log(hosts[1] + "/rank9/stderr", deepspeed_steps(c, tf - 20, 8, 40100, step_s=2.5, rank=9, samples=448.0)[:6] + r9)
    fr = ["$ python -m torch.distributed.flight_recorder.fr_trace /shared/fr/reward-model-13b/ --prefix nccl_trace_rank_",
          "loaded traces of 16 ranks",
          "pg 0 (default_pg), 16 ranks:",
          "  collective 40116 ALLREDUCE [[1]] float32      completed on all ranks",
          "  collective 40117: mismatch in op type",
          "    ranks [0-8, 10-15]: ALLREDUCE  in [[1]] float32  state=scheduled",
          "    rank 9:             BROADCAST  in [[4096, 512]] bfloat16  state=scheduled",
          "  no rank progressed past collective 40117"]
    c.log("oncall/flight-recorder", fr)
    over = {("util", g): after(tf, lambda s, n: 100) for g in range(8)}
    dcgm(c, hosts[1], over, which=("util", "power"))
    return c


@case
def y041():
    """On Kubernetes, worker-1's rank 12 (gke node ...-b7kd GPU 4) raises ZeroDivisionError in the
    job's own throughput logging when its shard yields an empty batch and exits with code 1. The
    other ranks lose their TCPStore connection / get ncclRemoteError; the alert is on worker-0."""
    hosts = ["gke-a3mega-np-3-8f21c0de-%s" % x for x in ("q9zd", "b7kd")]
    c = Case("case-y041", "rank_process_crash", "gke-a3mega-np-3-8f21c0de-b7kd/gpu4", hosts, gpu=H100, pci=PCI_BUS_B)
    tf = -200
    c.alert("PyTorchJobFailed", "PyTorchJob code-llm-ft failed (worker-0 exit 1)", job="code-llm-ft",
            namespace="codegen", pod="code-llm-ft-worker-0", severity="critical")
    w0 = fsdp_steps(c, tf - 12 * 2.0, 12, 4001, step_s=2.0) + [
        "[rank0]:[%s ProcessGroupNCCL.cpp:1595] [PG 0 (default_pg) Rank 0] Process group watchdog thread terminated with exception: NCCL error: remote process exited or there was a network error, NCCL version 2.21.5" % c.glog(tf + 3, "E"),
        "ncclRemoteError: A call failed possibly due to a network error or a remote process exiting prematurely.",
        "Last error:",
        "NET/IB : Got completion from peer 10.8.4.12<51144> with status=12 opcode=0 len=0 vendor err 129 (Send) localGid ::ffff:10.8.3.4 remoteGids ::ffff:10.8.4.12 hca mlx5_0"]
    c.log("%s/pod/codegen/code-llm-ft-worker-0/pytorch" % hosts[0], w0)
    w1 = fsdp_steps(c, tf - 6 * 2.0, 6, 4007, step_s=2.0, rank=12) + [
        "[rank12]: Traceback (most recent call last):",
        '[rank12]:   File "/app/train.py", line 301, in <module>',
        "[rank12]:     main()",
        '[rank12]:   File "/app/train.py", line 277, in main',
        "[rank12]:     tps = n_tokens / (step_time * local_batch_size)",
        "[rank12]: ZeroDivisionError: float division by zero"]
    w1 += elastic_failure(c, tf + 1, hosts[1], 12, 4, 1, traceback="ZeroDivisionError: float division by zero")
    c.log("%s/pod/codegen/code-llm-ft-worker-1/pytorch" % hosts[1], w1)
    dcgm(c, hosts[1], {("util", 4): after(tf, lambda s, n: 0)}, which=("util",))
    return c


@case
def y042():
    """A zombie process of an earlier job (pid 90121, not part of this job) still holds ~30 GiB on
    GPU 2 of bm-h100-77; rank 2 of the new job runs out of CUDA memory on its first large
    allocation. The OOM message lists the foreign process; nvidia-smi shows it. cuda_oom at GPU 2."""
    hosts = ["bm-h100-%02d" % i for i in (76, 77)]
    c = Case("case-y042", "cuda_oom", "bm-h100-77/gpu2", hosts, gpu=H100)
    tf = -150
    c.alert("TrainingJobFailed", "job 'llava-next-34b' failed: CUDA OOM on rank 10", job="llava-next-34b",
            node=hosts[1], severity="warning")
    oom = ["[rank10]: Traceback (most recent call last):",
           '[rank10]:   File "/mnt/code/llava/train/train_mem.py", line 14, in <module>',
           "[rank10]:     train(attn_implementation=\"flash_attention_2\")",
           '[rank10]:   File "/usr/local/lib/python3.10/dist-packages/deepspeed/runtime/zero/stage3.py", line 1412, in _allocate_partition',
           "[rank10]: torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 12.40 GiB. GPU 2 has a total capacity of 79.11 GiB of which 9.87 GiB is free. Process 90121 has 30.51 GiB memory in use. Including non-PyTorch memory, this process has 38.71 GiB memory in use. Of the allocated memory 36.02 GiB is allocated by PyTorch, and 1.12 GiB is reserved by PyTorch but unallocated. If reserved but unallocated memory is large try setting PYTORCH_CUDA_ALLOC_CONF=expandable_segments:True to avoid fragmentation.  See documentation for Memory Management  (https://pytorch.org/docs/stable/notes/cuda.html#environment-variables)"]
    init = ["[%s] [INFO] [real_accelerator.py:203:get_accelerator] Setting ds_accelerator to cuda (auto detect)" % c.ymd_ms(tf - 70),
            "[%s] [INFO] [comm.py:637:init_distributed] cdb=None" % c.ymd_ms(tf - 66),
            "[%s] [INFO] [config.py:733:__init__] Config mesh_device None world_size = 16" % c.ymd_ms(tf - 40),
            "[%s] [INFO] [partition_parameters.py:345:__exit__] finished initializing model - num_params = 723, num_elems = 34.76B" % c.ymd_ms(tf - 9)]
    c.log(hosts[1] + "/rank10/stderr", init + app_noise(c, 3) + oom)
    smi = ["$ nvidia-smi --query-compute-apps=gpu_bus_id,pid,process_name,used_memory --format=csv",
           "gpu_bus_id, pid, process_name, used_memory",
           "00000000:3A:00.0, 90121, python, 31242 MiB",
           "$ ps -o pid,etime,user,cmd -p 90121",
           "    PID     ELAPSED USER     CMD",
           "  90121  2-04:11:52 jdoe     python eval_harness.py --model ckpt/step_12000 --device cuda:2",
           "$ squeue -w bm-h100-77 -h -o %i",
           "6613027"]
    c.log(hosts[1] + "/oncall-shell", smi)
    over = {("fb", 2): lambda s, n: 31242 if s < tf - 20 else 79500}
    for g in range(8):
        if g != 2:
            over[("fb", g)] = lambda s, n: c.rng.uniform(400, 600) if s < tf - 20 else n * 0.55
    dcgm(c, hosts[1], over, which=("util", "fb"))
    return c


@case
def y043():
    """Every rank hits a device-side assert in the embedding lookup right after a tokenizer swap:
    the new tokenizer has 128256 ids but the checkpoint's embedding has 32000 rows. Illegal memory
    access from application code on all ranks: job."""
    hosts = ["hx-h200-%02d" % i for i in (5, 6)]
    c = Case("case-y043", "illegal_memory_access", "job", hosts, gpu=H200)
    c.alert("TrainingJobFailed", "job 'llama2-7b-tok-swap' failed on all 16 ranks", job="llama2-7b-tok-swap",
            node=hosts[0], severity="warning")
    lines = ["[%s] INFO tokenizer: meta-llama/Meta-Llama-3-8B (vocab 128256)" % c.ymd(-160),
             "[%s] INFO model: loaded checkpoint llama2-7b-base (embed_tokens [32000, 4096])" % c.ymd(-120),
             "[%s] INFO starting training, 16 ranks" % c.ymd(-90)]
    for r in (0, 5, 11):
        lines += ["../aten/src/ATen/native/cuda/Indexing.cu:1289: indexSelectLargeIndex: block: [%d,0,0], thread: [%d,0,0] Assertion `srcIndex < srcSelectDimSize` failed." % (
            c.rng.randrange(100, 900), t) for t in (64, 65, 66)]
        lines += ["[rank%d]: Traceback (most recent call last):" % r,
                  '[rank%d]:   File "/opt/conda/lib/python3.11/site-packages/torch/nn/functional.py", line 2264, in embedding' % r,
                  "[rank%d]:     return torch.embedding(weight, input, padding_idx, scale_grad_by_freq, sparse)" % r,
                  "[rank%d]: RuntimeError: CUDA error: device-side assert triggered" % r,
                  "[rank%d]: Compile with `TORCH_USE_CUDA_DSA` to enable device-side assertions." % r]
    c.log("slurm-8123301.out", lines + app_noise(c, 4) + ["srun: error: hx-h200-05: tasks 0-7: Exited with exit code 1",
                                                          "srun: error: hx-h200-06: tasks 8-15: Exited with exit code 1"])
    k = kernel_noise(c, hosts[0], 5, -1200, -20) + syslog_lines(c, hosts[0], [
        (-60, "kernel: " + nvrm(c, c.bus(0), 43, 99311, "python", "Ch 00000008")),
        (-60, "kernel: " + nvrm(c, c.bus(5), 43, 99316, "python", "Ch 00000008"))])
    c.log(hosts[0] + "/journal", k)
    dcgm(c, hosts[0], {("util", g): after(-60, lambda s, n: 0) for g in range(8)}, which=("util",))
    return c


@case
def y044():
    """A pod's memory cgroup (limit 320 GiB) kills DataLoader workers of the trainer on
    eks p4d node ip-10-7-40-15; the trainer dies with "DataLoader worker (pid 4471) is killed by
    signal: Killed." which reads like an input-pipeline problem. The kernel log shows the memcg OOM
    kill. Host OOM at the node."""
    hosts = ["ip-10-7-40-15", "ip-10-7-40-77"]
    c = Case("case-y044", "host_oom", "ip-10-7-40-15", hosts, gpu=A100)
    tf = -420
    c.alert("KubePodOOMKilledContainer", "pod multimodal/clip-g14-worker-0 container trainer terminated", job="clip-g14",
            namespace="multimodal", pod="clip-g14-worker-0", severity="warning")
    tr = plain_steps(c, tf - 22 * 1.25, 22, 31000, step_s=1.25, loss=2.7)
    err = ["[%s] WARNING dataloader: worker 5 rss 38.2 GiB (sample cache enabled)" % c.ymd(tf - 60),
           "Traceback (most recent call last):",
           '  File "/usr/local/lib/python3.10/dist-packages/torch/utils/data/dataloader.py", line 1133, in _try_get_data',
           "    data = self._data_queue.get(timeout=timeout)",
           "RuntimeError: DataLoader worker (pid 4471) is killed by signal: Killed. ",
           "[%s] ERROR trainer exited (1)" % c.ymd(tf + 2)]
    c.log("%s/pod/multimodal/clip-g14-worker-0/trainer" % hosts[0], interleave(c.rng, tr, app_noise(c, 3)) + err)
    k = dmesg_lines(c, [
        (tf - 1, "pt_data_worker invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, oom_score_adj=985"),
        (tf - 1, "memory: usage 335544320kB, limit 335544320kB, failcnt 4412"),
        (tf - 1, "oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=cri-containerd-5e1f0a,mems_allowed=0-1,oom_memcg=/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod0c1d.slice,task_memcg=/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod0c1d.slice/cri-containerd-5e1f0a.scope,task=pt_data_worker,pid=4471,uid=0"),
        (tf, "Memory cgroup out of memory: Killed process 4471 (pt_data_worker) total-vm:61223312kB, anon-rss:40112884kB, file-rss:81220kB, shmem-rss:0kB, UID:0 pgtables:80320kB oom_score_adj:985"),
    ]) + k8s_node_noise(c, hosts[0], 4, -1300, -10)
    c.log(hosts[0] + "/dmesg", k)
    c.node_metric("container_memory_working_set_bytes", {"node": hosts[0], "pod": "clip-g14-worker-0", "container": "trainer"},
                  lambda s: min(3.4e11, 2.1e11 + (s + 1200) * 1.7e8) if s < tf else 1.2e10, decimals=0)
    c.node_metric("kube_pod_container_resource_limits", {"node": hosts[0], "pod": "clip-g14-worker-0", "resource": "memory"},
                  lambda s: 3.436e11, decimals=0)
    return c


@case
def y045():
    """A DeepSpeed bf16 run's loss jumps from ~2.0 to ~7.5 at step 18230 and stays there; grad norm
    spikes three orders of magnitude; all data-parallel ranks report the same loss (no replica
    disagreement), no error anywhere; the LR had just reached its peak of 6e-4. Divergence of the
    training run (job). gpu.sdc on a node passes."""
    hosts = ["dsx-h100-%02d" % i for i in (1, 2, 3)]
    c = Case("case-y045", "loss_divergence", "job", hosts, gpu=H100)
    c.alert("LossSpike", "pythia-12b-rerun: loss 7.49 (EMA 2.04)", job="pythia-12b-rerun", node=hosts[0], severity="warning")
    lines = []
    t = -130
    for i in range(40):
        t += 2.8
        step = 18200 + i
        lo = 2.04 + c.rng.uniform(-0.03, 0.03) if step < 18230 else 7.5 + c.rng.uniform(-0.2, 0.2)
        gn = 0.28 * c.rng.uniform(0.9, 1.1) if step < 18229 else (310.0 * c.rng.uniform(0.5, 1.5) if step < 18233 else 9.0 * c.rng.uniform(0.8, 1.3))
        if i % 2 == 0 or step in (18229, 18230, 18231):
            lines.append("[%s] [INFO] [train.py:388] step=%d loss=%.4f grad_norm=%.3f lr=%.3e tokens/s=%d" % (
                c.ymd_ms(t), step, lo, gn, min(6e-4, 6e-4 * step / 18220), 412000 + c.rng.randrange(-3000, 3000)))
    lines.append("[%s] [INFO] [train.py:402] dp loss check: all 24 replicas report 7.4821 at step 18236 (max diff 0.0)" % c.ymd_ms(t + 1))
    c.log(hosts[0] + "/rank0/stdout", interleave(c.rng, lines, app_noise(c, 5)))
    dcgm(c, hosts[0], which=("util", "power"))
    c.sdc("gpu.sdc@dsx-h100-01")
    return c


@case
def y046():
    """fairseq fp16 training of a translation model: "gradient overflow detected" with the loss
    scale halving down to the minimum, then FloatingPointError "Minimum loss scale reached". Job."""
    hosts = ["mt-a100-%02d" % i for i in (3, 4)]
    c = Case("case-y046", "fp16_loss_scale_collapse", "job", hosts, gpu=A100)
    c.alert("TrainingJobFailed", "nllb-ft-dense: FloatingPointError on rank 0", job="nllb-ft-dense", node=hosts[0],
            severity="warning")
    lines = []
    t = -520
    for i in range(10):
        t += 40
        lo = 4.11 - 0.002 * i + c.rng.uniform(-0.02, 0.02)
        lines.append("%s | INFO | train_inner | epoch 004:   %d / 6120 loss=%.3f, nll_loss=%.3f, ppl=%.2f, wps=%d, ups=1.2, wpb=79812, bsz=2704, num_updates=%d, lr=0.0005, gnorm=%.3f, loss_scale=64, train_wall=41, gb_free=22.1, wall=%d" % (
            c.ymd(t), 3100 + 50 * i, lo, lo * 0.6, 2 ** (lo * 0.6), c.rng.randrange(95000, 97500), 21500 + 50 * i,
            0.88 * c.rng.uniform(0.8, 1.3), 61200 + 40 * i))
    scale = 64.0
    while scale / 2 > 0.0001:
        t += c.rng.uniform(1.0, 9.0)
        scale /= 2
        lines.append("%s | INFO | fairseq.trainer | NOTE: gradient overflow detected, ignoring gradient, setting loss scale to: %s" % (c.ymd(t), repr(scale)))
    lines += ["Traceback (most recent call last):",
              '  File "/opt/fairseq/fairseq/trainer.py", line 933, in train_step',
              "    grad_norm = self.clip_grad_norm(self.cfg.optimization.clip_norm)",
              '  File "/opt/fairseq/fairseq/optim/dynamic_loss_scaler.py", line 61, in check_overflow',
              "    raise FloatingPointError(",
              "FloatingPointError: Minimum loss scale reached (0.0001). Your loss is probably exploding. Try lowering the learning rate, using gradient clipping or increasing the batch size."]
    c.log(hosts[0] + "/train.log", lines)
    dcgm(c, hosts[0], which=("util",))
    return c


@case
def y047():
    """torchtitan with float8 training (tensorwise dynamic scaling) on H200: the float8 monitor
    reports growing saturation and then non-finite amax in the wo projection; the loss spikes and
    the step is skipped until NaN. FP8 scaling breakdown: job."""
    hosts = ["tt-h200-%02d" % i for i in (1, 2, 3, 4)]
    c = Case("case-y047", "fp8_scaling_overflow", "job", hosts, gpu=H200)
    c.alert("TrainingLossNaN", "titan-llama3-70b-fp8 loss NaN at step 6114", job="titan-llama3-70b-fp8", node=hosts[0],
            severity="critical")
    lo = lambda i: 2.31 + c.rng.uniform(-0.02, 0.02) if i < 22 else (3.9 if i < 25 else float("nan"))
    tr = fsdp_steps(c, -140, 30, 6088, step_s=4.1, loss_fn=lo, mfu=44.0)
    mon = []
    for i in range(14, 27, 2):
        t = -140 + 4.1 * (i + 1)
        sat = 0.01 * 2.2 ** max(0, i - 16)
        amax = "inf" if i >= 24 else "%.2f" % (38.0 * 1.9 ** max(0, i - 16))
        mon.append("[rank0]:[titan] %s - root - WARNING - float8 stats step %d: layers.61.attention.wo input amax=%s scale=%s saturated=%.2f%%" % (
            c.ymd_ms(t), 6088 + i, amax, "nan" if amax == "inf" else "%.4g" % (448.0 / float(amax)), min(sat, 41.0)))
    cfg = ["[rank0]:[titan] %s - root - INFO - Float8 training active (recipe: tensorwise, enable_fsdp_float8_all_gather=True)" % c.ymd_ms(-1150)]
    c.log(hosts[0] + "/rank0/stdout", cfg + interleave(c.rng, tr, app_noise(c, 3)) + mon)
    dcgm(c, hosts[0], which=("util",))
    return c


@case
def y048():
    """DeepSpeed-MoE (64 experts, EP 16): router load drifts onto experts 3 and 41; with
    drop_tokens=False the ranks hosting them (ranks 3 and 9: moe-h100-a GPU 3 and moe-h100-b GPU 1)
    process ~5x the tokens and everyone else waits in the all-to-all. The straggler alert names
    those ranks; their GPUs pass health and gemm, and the all-to-all across the job passes. MoE
    routing imbalance (job)."""
    hosts = ["moe-h100-a", "moe-h100-b"]
    c = Case("case-y048", "moe_expert_imbalance", "job", hosts, gpu=H100)
    c.alert("StragglerDetected", "deepseek-style-moe-16b: ranks 3 and 9 slowest for 40 min", job="deepseek-style-moe-16b",
            node=hosts[0], severity="warning")
    tr = deepspeed_steps(c, -130, 30, 9400, step_s=2.1, step_fn=lambda i: 4.1 * c.rng.uniform(0.98, 1.02))
    moe = ["[%s] [INFO] [logging.py:96:log_dist] [Rank 0] moe: num_experts=64 ep_size=16 k=2 capacity_factor=1.0 drop_tokens=False use_rts=True" % c.ymd_ms(-1190)]
    for j, t in enumerate(range(-1000, -30, 160)):
        moe.append("[%s] [INFO] [logging.py:96:log_dist] [Rank 0] time (ms) | fwd: %.1f | bwd: %.1f | moe_a2a_wait: %.1f | l_aux: %.4f" % (
            c.ymd_ms(t), 610 + 40 * j, 1210 + 70 * j, 120 + 180 * j, 0.0101 + 0.0034 * j))
    c.log(hosts[0] + "/rank0/stdout", tr + moe)
    c.node_metric("train_moe_expert_tokens_per_step", {"job": "deepseek-style-moe-16b", "layer": "11", "expert": "3"},
                  lambda s: 4100 + max(0, s + 1100) * 14.0, decimals=0)
    c.node_metric("train_moe_expert_tokens_per_step", {"job": "deepseek-style-moe-16b", "layer": "11", "expert": "17"},
                  lambda s: 4100 - max(0, s + 1100) * 1.2, decimals=0)
    dcgm(c, hosts[0], which=("util", "temp", "clock"))
    c.health_rates("gpu.health@moe-h100-a/gpu3")
    c.gemm("gpu.gemm@moe-h100-a/gpu3")
    c.health_rates("gpu.health@moe-h100-b/gpu1")
    c.nccl("nccl.alltoall@job")
    return c


@case
def y049():
    """Rank 19 (gpu-c4-h100-03 GPU 3) is slowest; its GPU's
    temperature, power and clocks look normal and nothing is logged. gpu.gemm on GPU 3 reaches only
    ~400 TFLOP/s while health passes (no throttle reason); gpu.inventory on GPU 3 lists a second
    compute process (an interactive notebook kernel of another user) next to the rank. A GPU shared
    with a stray process: straggler at that GPU."""
    hosts = ["gpu-c4-h100-%02d" % i for i in (1, 2, 3)]
    c = Case("case-y049", "straggler_rank", "gpu-c4-h100-03/gpu3", hosts, gpu=H100)
    c.alert("StragglerDetected", "llm-eval-sweep: rank 19 slowest in 97% of steps", job="llm-eval-sweep", node=hosts[2],
            severity="warning")
    tr = megatron_iters(c, -140, 30, 300, step_s=3.0 * 1.45, loss=2.2)
    c.log(hosts[0] + "/rank0/stdout", interleave(c.rng, tr, app_noise(c, 4)) + [
        "[%s] INFO:megatron.core.utils:StragglerDetector: report for iteration 320" % c.ymd(-200),
        "  MnRtt/Rnk: 2911.20ms/4 | MxRtt/Rnk: 4390.51ms/19 | MnPwr/Rnk: 511000.00mW/11 | MxPwr/Rnk: 652000.00mW/19 | MnTmp/Rnk: 52.00C/7 | MxTmp/Rnk: 66.00C/19 | MnUtl/Rnk: 97.00%/2 | MxUtl/Rnk: 100.00%/19 | MnClk/Rnk: 1965.00MHz/8 | MxClk/Rnk: 1980.00MHz/0"])
    dcgm(c, hosts[2], which=("util", "temp", "power", "clock"))
    c.gemm("gpu.gemm@gpu-c4-h100-03/gpu3", tflops=398.5)
    c.health_rates("gpu.health@gpu-c4-h100-03/gpu3")
    c.inventory("gpu.inventory@gpu-c4-h100-03/gpu3", details={"compute_processes": "pid 512330 python3 (job llm-eval-sweep, 61.2 GiB); pid 77102 python3 -m ipykernel_launcher (user akim, 9.8 GiB)"})
    c.gemm("gpu.gemm@gpu-c4-h100-03/gpu2")
    return c


@case
def y050():
    """Throughput of a 4-node job drops ~45% with GPU utilisation dipping on every GPU of every
    node at the same time; no error or timer in the logs (the job prints only loss). The nodes'
    CPUs are saturated (load ~190 on 192 threads) while disk reads are modest. Probes rule out the
    GPUs, PCIe and the network: gemm, pcie and health pass on sampled GPUs and the job-wide
    all-reduce is normal. The input pipeline (CPU-side augmentation) starves the GPUs: job."""
    hosts = ["cv-h100-%02d" % i for i in (11, 12, 13, 14)]
    c = Case("case-y050", "dataloader_stall", "job", hosts, gpu=H100, pci=PCI_BUS_B)
    c.alert("TrainingThroughputLow", "seg-anything-ft: images/s 45% below baseline", job="seg-anything-ft",
            node=hosts[0], severity="warning")
    lines = []
    t = -480
    for i in range(40):
        st = 1.12 * c.rng.uniform(0.9, 1.2)
        t += st * 10
        lines.append("%s train: [epoch 2][iter %d] loss %.4f" % (c.ymd(t), 14000 + i * 10, 0.43 - 0.0004 * i + c.rng.uniform(-0.01, 0.01)))
    lines.insert(5, "%s config: augment=heavy (RandAugment n=4 m=15, LSJ 0.1-2.0) num_workers=8" % c.ymd(-1120))
    c.log(hosts[0] + "/rank0/stdout", lines)
    dip = lambda s, n: n if s < -1080 else (c.rng.uniform(10, 40) if c.rng.random() < 0.5 else c.rng.uniform(85, 100))
    dcgm(c, hosts[0], {("util", g): dip for g in range(8)}, which=("util",))
    dcgm(c, hosts[2], {("util", g): dip for g in range(8)}, which=("util",))
    for h in hosts:
        c.node_metric("node_load1", {"instance": h + ":9100"}, lambda s: 60 if s < -1080 else 186 + c.rng.uniform(0, 8))
        c.node_metric("node_disk_read_bytes_total:rate1m", {"instance": h + ":9100", "device": "nvme0n1"},
                      lambda s: c.rng.uniform(2.1e8, 3.0e8), decimals=0)
    c.gemm("gpu.gemm@cv-h100-12/gpu0")
    c.pcie("gpu.pcie_bandwidth@cv-h100-12/gpu0")
    c.health_rates("gpu.health@cv-h100-12/gpu0")
    c.nccl("nccl.allreduce@job")
    return c


@case
def y051():
    """The local NVMe scratch of ws-h200-31 went read-only after ext4 errors; the ranks on that node
    fail writing their compile cache / sharded checkpoint to /local_scratch with EROFS while the
    other nodes are fine. Local disk of one node: storage_failure at the node."""
    hosts = ["ws-h200-%02d" % i for i in (30, 31, 32)]
    c = Case("case-y051", "storage_failure", "ws-h200-31", hosts, gpu=H200)
    tf = -280
    bad = hosts[1]
    c.alert("TrainingJobFailed", "job 'clm-1b-sweep-17' failed: OSError on 8 ranks", job="clm-1b-sweep-17", node=bad,
            severity="warning")
    k = kernel_noise(c, bad, 6, -1400, -20) + syslog_lines(c, bad, [
        (tf - 30, "kernel: nvme nvme1: I/O 412 (Write) QID 17 timeout, aborting"),
        (tf - 29, "kernel: nvme1n1: I/O Cmd(0x1) @ LBA 3712204800, 256 blocks, I/O Error (sct 0x3 / sc 0x71)"),
        (tf - 29, "kernel: I/O error, dev nvme1n1, sector 3712204800 op 0x1:(WRITE) flags 0x800 phys_seg 32 prio class 2"),
        (tf - 28, "kernel: EXT4-fs warning (device nvme1n1): ext4_end_bio:343: I/O error 10 writing to inode 52691014 starting block 464025600)"),
        (tf - 28, "kernel: EXT4-fs error (device nvme1n1): ext4_journal_check_start:83: comm python3: Detected aborted journal"),
        (tf - 28, "kernel: EXT4-fs (nvme1n1): Remounting filesystem read-only"),
    ])
    c.log(bad + "/journal", k)
    r = fsdp_steps(c, tf - 10 * 1.5, 10, 1990, step_s=1.5, rank=8) + [
        "[rank8]: Traceback (most recent call last):",
        '[rank8]:   File "/usr/local/lib/python3.11/site-packages/torch/distributed/checkpoint/filesystem.py", line 487, in write_data',
        "[rank8]:     with create_stream(path, \"wb\") as stream:",
        "[rank8]: OSError: [Errno 30] Read-only file system: '/local_scratch/ckpt/step-2000/__8_0.distcp'"]
    c.log(bad + "/rank8/stderr", r)
    c.node_metric("node_filesystem_readonly", {"instance": bad + ":9100", "device": "/dev/nvme1n1", "mountpoint": "/local_scratch"},
                  lambda s: 0 if s < tf - 28 else 1, decimals=0)
    c.node_metric("node_filesystem_readonly", {"instance": hosts[0] + ":9100", "device": "/dev/nvme1n1", "mountpoint": "/local_scratch"},
                  lambda s: 0, decimals=0)
    return c


@case
def y052():
    """The shared checkpoint file system (/weka/ckpt, quota 400 TiB) fills up during a
    torch.distributed.checkpoint save: several ranks on different nodes fail with ENOSPC and the job
    crashes; the loudest line is a torchrun ChildFailedError on one rank. Shared FS full: job."""
    hosts = ["cc-h100-%03d" % i for i in (201, 202, 203, 204)]
    c = Case("case-y052", "storage_failure", "job", hosts, gpu=H100)
    tf = -220
    c.alert("TrainingJobFailed", "job 'dbrx-cont-v3' failed at step 52000 (checkpoint)", job="dbrx-cont-v3", node=hosts[2],
            severity="critical")
    r = megatron_iters(c, tf - 10 * 6.0, 10, 51990, step_s=6.0, loss=1.51) + [
        "[%s] saving checkpoint at iteration   52000 to /weka/ckpt/dbrx-cont-v3 in torch_dist format" % c.ymd(tf + 1)]
    errs = []
    for rk in (5, 19, 30):
        errs += ["[rank%d]: Traceback (most recent call last):" % rk,
                 '[rank%d]:   File "/usr/local/lib/python3.10/dist-packages/torch/distributed/checkpoint/filesystem.py", line 478, in _write_files_from_queue' % rk,
                 "[rank%d]:     os.fsync(stream.fileno())" % rk,
                 "[rank%d]: OSError: [Errno 28] No space left on device" % rk]
    c.log("slurm-6620112.out", interleave(c.rng, r, app_noise(c, 3)) + errs + elastic_failure(c, tf + 30, hosts[2], 19, 3, 1))
    c.node_metric("node_filesystem_avail_bytes", {"instance": hosts[0] + ":9100", "mountpoint": "/weka/ckpt", "fstype": "wekafs"},
                  lambda s: max(0, 9.1e12 - (s + 1200) * 2.1e9) if s < tf - 200 else max(0.0, 9.1e12 - (tf - 200 + 1200) * 2.1e9 - (s - tf + 200) * 2.5e10), decimals=0)
    dcgm(c, hosts[2], {("util", g): after(tf, lambda s, n: 0) for g in range(8)}, which=("util",))
    return c


@case
def y053():
    """One node of the allocation (sp-h100-09) was reimaged with an older driver (535, CUDA 12.2);
    the job's container uses CUDA 12.4. Ranks on that node fail at the first CUDA call with "driver
    too old"; the others then time out at rendezvous. Node image: launch_config_error at the node."""
    hosts = ["sp-h100-%02d" % i for i in (7, 8, 9)]
    c = Case("case-y053", "launch_config_error", "sp-h100-09", hosts, gpu=H100)
    c.alert("TrainingJobFailed", "job 7781201 (vlm-pretrain) failed: rendezvous timeout", job="vlm-pretrain", node=hosts[0],
            severity="warning")
    lines = ["[%s] sp-h100-09: rank 16: torch 2.4.0+cu124, torch.version.cuda=12.4" % c.ymd(-700),
             "[sp-h100-09:16]: Traceback (most recent call last):",
             '[sp-h100-09:16]:   File "/opt/vlm/train.py", line 52, in setup',
             "[sp-h100-09:16]:     torch.cuda.set_device(local_rank)",
             "[sp-h100-09:16]: RuntimeError: The NVIDIA driver on your system is too old (found version 12020). Please update your GPU driver by downloading and installing a new version from the URL: http://www.nvidia.com/Download/index.aspx Alternatively, go to: https://pytorch.org to install a PyTorch version that has been compiled with your version of the CUDA driver.",
             "[%s] sp-h100-07: rank 0: waiting for 24 ranks, 16 joined" % c.ymd(-690),
             "torch.distributed.DistStoreError: Timed out after 601 seconds waiting for clients. 16/24 clients joined."]
    nv = ["%s  %s  NVIDIA-SMI %s   Driver Version: %s   CUDA Version: %s" % (h, c.ymd(-420), d, d, cu) for h, d, cu in (
        (hosts[0], "550.90.07", "12.4"), (hosts[1], "550.90.07", "12.4"), (hosts[2], "535.183.01", "12.2"))]
    nv = [x.replace(c.ymd(-420), c.ymd(-720)) for x in nv]
    c.log("slurm-7781201.out", nv + app_noise(c, 4) + lines + [
        "[%s] srun: error: sp-h100-09: tasks 16-23: Exited with exit code 1" % c.ymd(-695),
        "[%s] srun: error: sp-h100-07: task 0: Exited with exit code 1" % c.ymd(-88)])
    j = syslog_lines(c, hosts[2], [(-1210, "kernel: NVRM: loading NVIDIA UNIX x86_64 Kernel Module  535.183.01  Sun May 12 19:39:15 UTC 2024"),
                                   (-1190, "cloud-init[2101]: image: ubuntu-22.04-gpu-2024.05.2 (reimaged by maintenance ticket OPS-44120)")])
    c.log(hosts[2] + "/journal", j + kernel_noise(c, hosts[2], 8, -1100, -20))
    return c


@case
def y054():
    """A100 node: PCIe AER reports an uncorrected fatal error on the root port above GPU 1, then the
    driver logs Xid 79 and the GPU is gone (its DCGM series stop); the ranks hang until the watchdog
    fires on every node. The GPU is lost to the driver: gpu_fallen_off_bus at GPU 1 (the AER lines
    are the path it fell off, the watchdog the loud symptom)."""
    hosts = ["a100-sxm-q%02d" % i for i in (1, 2, 3)]
    c = Case("case-y054", "gpu_fallen_off_bus", "a100-sxm-q02/gpu1", hosts, gpu=A100, pci=PCI_BUS_B)
    tf = -720
    bad = hosts[1]
    c.alert("NCCLWatchdogTimeout", "wav2vec-xl: watchdog timeout, 24/24 ranks", job="wav2vec-xl", node=hosts[2],
            severity="critical")
    bus = c.bus(1)
    k = kernel_noise(c, bad, 6, -1400, -20, fmt="dmesg") + dmesg_lines(c, [
        (tf - 0.3, "pcieport 0000:38:01.0: AER: Uncorrected (Fatal) error received: 0000:38:01.0"),
        (tf - 0.3, "pcieport 0000:38:01.0: PCIe Bus Error: severity=Uncorrected (Fatal), type=Transaction Layer, (Receiver ID)"),
        (tf - 0.3, "pcieport 0000:38:01.0:   device [8086:347a] error status/mask=00000020/00100000"),
        (tf - 0.3, "pcieport 0000:38:01.0:    [ 5] SDES                   (First)"),
        (tf, "NVRM: GPU at PCI:%s: %s" % (bus, c.uuid(bad, 1))),
        (tf, "NVRM: GPU Board Serial Number: 1323420078811"),
        (tf, nvrm(c, bus, 79, None, None, "GPU has fallen off the bus.")),
        (tf, "NVRM: GPU %s.0: GPU has fallen off the bus." % bus),
        (tf + 1.2, "NVRM: GPU %s.0: RmInitAdapter failed! (0x23:0xffff:1428)" % bus),
        (tf + 1.2, "NVRM: GPU %s.0: rm_init_adapter failed, device minor number 1" % bus),
    ])
    c.log(bad + "/dmesg", k)
    r = plain_steps(c, tf - 20 * 1.7, 20, 9100, step_s=1.7, loss=1.3) + watchdog(c, 16, tf + 600.5, 211004, op="ALLREDUCE", numel=98566144, timeout_ms=600000)
    c.log(hosts[2] + "/rank16/stderr", r)
    dcgm(c, bad, {("util", 1): gone(tf), ("temp", 1): gone(tf), ("power", 1): gone(tf)},
         which=("util", "temp", "power"))
    c.errored("gpu.health@a100-sxm-q02/gpu1", "nvmlDeviceGetHandleByIndex(1): Unknown Error (the GPU is not reachable)", 0.6)
    return c


@case
def y055():
    """Rank 6 (gb-h200-01 GPU 6) is the straggler of a small-kernel-heavy job (many tiny launches);
    the GPU's clocks, power and temperature are normal. Health, gemm and hbm on GPU 6 pass, but
    gpu.kernel_launch on GPU 6 (run with that GPU's CPU affinity) measures ~45 us per launch against
    ~5 us on GPU 5: the rank's host side is slow (its process was pinned by a wrong numactl mask onto cores shared with the node's
    data-preprocessing daemons). Straggler at that GPU."""
    hosts = ["gb-h200-%02d" % i for i in (1, 2)]
    c = Case("case-y055", "straggler_rank", "gb-h200-01/gpu6", hosts, gpu=H200)
    c.alert("StragglerDetected", "gnn-protein-3b: rank 6 is slowest (p50 +63%)", job="gnn-protein-3b", node=hosts[0],
            severity="warning")
    tr = plain_steps(c, -80, 40, 5000, step_s=1.63, loss=0.77)
    rep = ["%s | WARNING | straggler | rank 6 step %.3fs vs median %.3fs; cpu-side time in step %.3fs vs %.3fs" % (
        c.ymd(t), 1.62 + c.rng.uniform(-0.02, 0.02), 0.99, 0.81, 0.22) for t in (-900, -600, -300)]
    c.log(hosts[0] + "/rank0/stdout", interleave(c.rng, tr, app_noise(c, 4)) + rep)
    dcgm(c, hosts[0], {("util", 6): lambda s, n: n - 18}, which=("util", "temp", "power", "clock"))
    c.health_rates("gpu.health@gb-h200-01/gpu6")
    c.gemm("gpu.gemm@gb-h200-01/gpu6")
    c.hbm("gpu.hbm_bandwidth@gb-h200-01/gpu6")
    c.kernel_launch("gpu.kernel_launch@gb-h200-01/gpu6", us=45.2)
    c.kernel_launch("gpu.kernel_launch@gb-h200-01/gpu5")
    return c



@case
def y056():
    """Straggler alert on rank 12 (nv-h100-e02 GPU 4). Healthy NVLinks show a few CRC errors per
    second; here DCGM's NVLink CRC flit counter of GPU 4 climbs by ~100k per scrape while the other
    GPUs' stay flat, and gpu.health on GPU 4 reports ~3500 CRC errors/s with replays; GPU 1's links
    are clean. Temperatures and clocks are normal. NVLink fault at GPU 4."""
    hosts = ["nv-h100-e%02d" % i for i in (1, 2)]
    c = Case("case-y056", "nvlink_error", "nv-h100-e02/gpu4", hosts, gpu=H100, pci=PCI_BUS_B)
    tf = -1000
    c.alert("StragglerDetected", "olmo-7b-anneal: rank 12 slowest for 25 min", job="olmo-7b-anneal", node=hosts[1],
            severity="warning")
    tr = megatron_iters(c, -150, 30, 91000, step_s=3.3 * 1.18, loss=1.93)
    c.log(hosts[0] + "/rank0/stdout", interleave(c.rng, tr, app_noise(c, 4)) + [
        "[%s] INFO:megatron.core.utils:StragglerDetector: report for iteration 91020" % c.ymd(-60),
        "  MnRtt/Rnk: 3301.08ms/2 | MxRtt/Rnk: 3902.66ms/12 | MnPwr/Rnk: 498000.00mW/12 | MxPwr/Rnk: 655000.00mW/7 | MnTmp/Rnk: 51.00C/9 | MxTmp/Rnk: 63.00C/3 | MnUtl/Rnk: 96.00%/1 | MxUtl/Rnk: 100.00%/12 | MnClk/Rnk: 1965.00MHz/5 | MxClk/Rnk: 1980.00MHz/0"])
    base = {g: c.rng.randrange(200, 3000) for g in range(8)}
    over = {("nvlink_crc", g): (lambda s, n, g=g: base[g] + (0 if g != 4 or s < tf else (s - tf) * 3400)) for g in range(8)}
    dcgm(c, hosts[1], over, which=("temp", "clock", "nvlink_crc"))
    c.health_rates("gpu.health@nv-h100-e02/gpu4", nvlink_crc_errors=3412980, nvlink_crc_errors_per_s=3488.0,
                   nvlink_replay_errors=88213, nvlink_replay_errors_per_s=131.0)
    c.health_rates("gpu.health@nv-h100-e02/gpu1")
    return c


@case
def y057():
    """All eight GPUs of h200-x7-05 run hot-ish (76-80 C, hot aisle) and the node's ranks are the
    job's stragglers, so thermal throttling looks likely; but temperatures stay below the slowdown
    point and the exporter publishes no clock-event reasons. gpu.health on GPUs 0 and 3: power limit
    550 W against a 700 W default, SW power cap active, clocks ~1500 MHz, temperature under the
    threshold (a leftover `nvidia-smi -pl` from a facility power-capping test). A node-wide power cap:
    power throttle at the node."""
    hosts = ["h200-x7-%02d" % i for i in (4, 5, 6)]
    c = Case("case-y057", "gpu_power_throttle", "h200-x7-05", hosts, gpu=H200, pci=PCI_BUS_B)
    c.alert("StragglerDetected", "gemma2-27b-sft: ranks 8-15 slowest (p50 +22%)", job="gemma2-27b-sft", node=hosts[1],
            severity="warning")
    tr = fsdp_steps(c, -130, 40, 14400, step_s=2.6 * 1.22, mfu=33.0)
    c.log(hosts[0] + "/rank0/stdout", interleave(c.rng, tr, app_noise(c, 4)) + [
        "[rank0]:[titan] %s - root - WARNING - slow ranks (fwd+bwd ms): 8:3150 9:3138 10:3161 11:3149 12:3170 13:3142 14:3155 15:3166 | others median 2580" % c.ymd_ms(-40)])
    dcgm(c, hosts[1], {("temp", g): lambda s, n: n + 16 for g in range(8)}, which=("util", "temp", "power"), power=545)
    dcgm(c, hosts[0], which=("temp",))
    for g in (0, 3):
        c.health_rates("gpu.health@h200-x7-05/gpu%d" % g, power_limit_w=550, power_w=548, temperature_c=78 + g,
                       clock_event_reasons=CLK_SW_POWER_CAP, sm_clock_mhz=1510 + 10 * g)
    c.health_rates("gpu.health@h200-x7-04/gpu0")
    return c


@case
def y058():
    """Megatron's iteration log shows isolated NaN iterations (skipped, "number of nan iterations"
    1, 2, 3 ...) with an otherwise normal loss; the alert reads like numerics. The logs name no rank.
    gpu.sdc on sdc-a100-12 fails (GPU 3 disagrees with the other seven) while the same probe on
    sdc-a100-11 passes and health on GPU 3 is clean: a GPU computing wrong results."""
    hosts = ["sdc-a100-%02d" % i for i in (11, 12)]
    c = Case("case-y058", "gpu_silent_data_corruption", "sdc-a100-12/gpu3", hosts, gpu=A100)
    c.alert("TrainingNaNIterations", "t5x-ul2-20b: 4 NaN iterations in the last hour", job="t5x-ul2-20b", node=hosts[0],
            severity="warning")
    nan_at = {5: 1, 13: 2, 22: 3, 31: 4}

    def nanf(i):
        return max([v for k, v in nan_at.items() if k <= i] or [0])
    lo = lambda i: float("nan") if i in nan_at else 2.24 + c.rng.uniform(-0.02, 0.02)
    gr = lambda i: float("nan") if i in nan_at else 0.41 * c.rng.uniform(0.9, 1.1)
    tr = megatron_iters(c, -170, 34, 20600, step_s=4.8, loss_fn=lo, grad_fn=gr, nan_fn=nanf,
                        skipped_fn=nanf)
    c.log(hosts[0] + "/rank0/stdout", interleave(c.rng, tr, app_noise(c, 4)))
    dcgm(c, hosts[1], which=("util", "temp", "power"))
    c.sdc("gpu.sdc@sdc-a100-12", mismatched=212, bad_gpu="gpu3")
    c.sdc("gpu.sdc@sdc-a100-11")
    c.health_rates("gpu.health@sdc-a100-12/gpu3")
    return c


@case
def y059():
    """Rank 21 (kx-h200-03 GPU 5) dies with "an illegal memory access was encountered" and the node
    logs Xid 13 (SM warp exception, out-of-range address) on GPU 5, after each of three restarts -
    always the same rank, which could be a bad GPU. Health, gemm and the SDC vote on that node pass,
    and the rank always reads the same data shard (shard 21 holds sequences longer than the kernel's
    maximum). An application kernel fault hit by that rank: illegal memory access at its GPU."""
    hosts = ["kx-h200-%02d" % i for i in (1, 2, 3)]
    c = Case("case-y059", "illegal_memory_access", "kx-h200-03/gpu5", hosts, gpu=H200)
    c.alert("TrainingJobRestartLoop", "mm-audio-1b restarted 3 times in 40 min (rank 21)", job="mm-audio-1b", node=hosts[2],
            severity="warning")
    bus = c.bus(5)
    items = []
    for k, t in enumerate((-1150, -760, -330)):
        items += [(t, "kernel: " + nvrm(c, bus, 13, 70112 + 911 * k, "python", "Graphics SM Warp Exception on (GPC 3, TPC 5, SM 0): Out Of Range Address")),
                  (t, "kernel: " + nvrm(c, bus, 13, 70112 + 911 * k, "python", "Graphics SM Global Exception on (GPC 3, TPC 5, SM 0): Multiple Warp Errors")),
                  (t, "kernel: " + nvrm(c, bus, 13, 70112 + 911 * k, "python", "Graphics Exception: ESR 0x51e730=0x201000e 0x51e734=0x24 0x51e728=0x4c1eb72 0x51e72c=0x174"))]
    c.log(hosts[2] + "/journal", kernel_noise(c, hosts[2], 6, -1300, -20) + syslog_lines(c, hosts[2], items))
    app = []
    for k, t in enumerate((-1150, -760, -330)):
        app += ["[%s] rank 21: data shard 21/24 (audio-long-v2), resuming at sample %d" % (c.ymd(t - 200), 881200 + 5000 * k),
                "[rank21]: RuntimeError: CUDA error: an illegal memory access was encountered",
                "[rank21]: Compile with `TORCH_USE_CUDA_DSA` to enable device-side assertions.",
                "[%s] torchrun: worker group failed (rank 21, exitcode 1); restarting (%d/3)" % (c.ymd(t + 30), k + 1)]
    c.log("mm-audio-1b/launcher.log", app + app_noise(c, 5))
    dcgm(c, hosts[2], which=("util", "temp"))
    c.health_rates("gpu.health@kx-h200-03/gpu5", xid_last=13)
    c.gemm("gpu.gemm@kx-h200-03/gpu5")
    c.sdc("gpu.sdc@kx-h200-03")
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
