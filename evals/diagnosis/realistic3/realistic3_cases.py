#!/usr/bin/env python3
"""Third realistic-log diagnosis set (RL3): 30 incidents, mostly multi-node jobs, written by one
writer from knowledge of what Slurm, srun -l, torchrun, DeepSpeed's pdsh launcher, Open MPI's
mpirun --tag-output, NCCL, PyTorch, the NVIDIA driver (NVRM Xid), the kernel (dmesg -T, journalctl -k),
nvidia-smi and DCGM print. Blind to the reasoner, its knowledge pack and the other realistic sets
(see README.md in this folder).

Stdlib only and deterministic: `python3 realistic3_cases.py` rewrites the JSON files beside this
script; `--out DIR` writes them elsewhere.
"""

import argparse
import datetime as dt
import hashlib
import json
import os
import random
import re

HERE = os.path.dirname(os.path.abspath(__file__))
DAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
# PCI bus ids of the eight GPUs of the two server types of this fleet (nvidia-smi order).
BUS_HGX = ["18", "2a", "3a", "5d", "9a", "ab", "ba", "db"]
BUS_XE = ["19", "3b", "4c", "5d", "9b", "bb", "cb", "db"]
NIC_BUS = {"mlx5_0": "0c", "mlx5_1": "1f", "mlx5_2": "3f", "mlx5_3": "4b", "mlx5_4": "8a",
           "mlx5_5": "9e", "mlx5_6": "c1", "mlx5_7": "e1"}


def compress(hosts):
    """Slurm's compressed host list for names prefix-NNN (gpu-[001-004,007])."""
    m = re.match(r"^(.*?)(\d+)$", hosts[0])
    prefix = m.group(1)
    nums = [h[len(prefix):] for h in hosts]
    width = len(nums[0])
    vals = sorted(int(n) for n in nums)
    runs, start, prev = [], vals[0], vals[0]
    for v in vals[1:] + [None]:
        if v is not None and v == prev + 1:
            prev = v
            continue
        runs.append("%0*d" % (width, start) if start == prev else "%0*d-%0*d" % (width, start, width, prev))
        if v is not None:
            start = prev = v
    return "%s[%s]" % (prefix, ",".join(runs))


class Case:
    def __init__(self, cid, root_cause, component, hosts, bus=BUS_HGX, gpus=8, model="NVIDIA H200",
                 layout="rank r runs on nodes[r // 8], local GPU r % 8"):
        self.id = cid
        self.rng = random.Random(int(hashlib.sha256(cid.encode()).hexdigest()[:12], 16))
        base = dt.datetime(2026, 2, 2, tzinfo=dt.timezone.utc)
        self.t0 = (base + dt.timedelta(days=self.rng.randrange(0, 280),
                                       seconds=self.rng.randrange(3600, 82000))).replace(microsecond=0)
        self.hosts = hosts
        self.bus = bus
        self.gpus = gpus
        self.model = model
        self.layout = layout
        self.expected = {"root_cause": root_cause, "component": component}
        self.logs = []
        self.alert = None
        self.metrics = []
        self.probes = {}
        self.jobid = self.rng.randrange(180000, 990000)
        self.glog_n = 0

    # time formats (offsets in seconds from the alert)
    def t(self, s):
        return self.t0 + dt.timedelta(seconds=s)

    def iso(self, s):
        return self.t(s).strftime("%Y-%m-%dT%H:%M:%S")

    def dmesg_t(self, s):
        x = self.t(s)
        return "[%s %s %2d %s %d]" % (DAYS[x.weekday()], MONTHS[x.month - 1], x.day, x.strftime("%H:%M:%S"), x.year)

    def journal(self, s, host, what="kernel"):
        x = self.t(s)
        return "%s %02d %s %s %s:" % (MONTHS[x.month - 1], x.day, x.strftime("%H:%M:%S"), host, what)

    def pyt(self, s):
        """Python logging asctime: 2026-03-03 04:11:10,123"""
        return self.t(s).strftime("%Y-%m-%d %H:%M:%S") + ",%03d" % self.rng.randrange(1000)

    def glog(self, s, level="I"):
        """c10/glog-style: I0303 04:11:10.123456"""
        x = self.t(s)
        self.glog_n += 1  # microseconds grow within a case, so lines of one second stay in order
        return "%s%02d%02d %s.%06d" % (level, x.month, x.day, x.strftime("%H:%M:%S"), min(999999, 104211 + 61027 * self.glog_n))

    def add(self, source, lines):
        self.logs.append({"source": source, "lines": list(lines)})

    def set_alert(self, name, labels, summary, at=0):
        lab = {"alertname": name}
        lab.update(labels)
        self.alert = {"labels": lab, "annotations": {"summary": summary},
                      "startsAt": self.t(at).strftime("%Y-%m-%dT%H:%M:%SZ")}

    def xid_bus(self, gpu):
        return "0000:%s:00" % self.bus[gpu]

    def to_json(self):
        assert self.alert is not None, self.id
        return {
            "id": self.id,
            "alert": self.alert,
            "logs": self.logs,
            "metrics": self.metrics,
            "probes": self.probes,
            "topology": {"gpu_model": self.model, "nodes": self.hosts, "gpus_per_node": self.gpus,
                         "rank_layout": self.layout,
                         "gpu_pci_bus": {"gpu%d" % i: "0000:%s:00.0" % b for i, b in enumerate(self.bus)}},
            "expected": self.expected,
        }


# ---- shared shapes (no answers in them) -------------------------------------------------------

def megatron_iter(c, s, it, ms, loss, lr=1.5e-4, scale=None, skipped=0, nan=0, gnorm=None, tflops=None):
    x = c.t(s)
    g = gnorm if gnorm is not None else 0.2 + c.rng.random() * 0.1
    tf = tflops if tflops is not None else 395.0 + c.rng.random() * 12
    gn = ("%.3f" % g) if isinstance(g, float) else g
    ls = "loss scale: %.1f | " % scale if scale is not None else ""
    return (" [%s] iteration %8d/ 1200000 | consumed samples: %12d | elapsed time per iteration (ms): %.1f | "
            "throughput per GPU (TFLOP/s/GPU): %.1f | learning rate: %.6E | global batch size:  2048 | "
            "lm loss: %s | %sgrad norm: %s | number of skipped iterations: %3d | number of nan iterations: %3d |"
            % (x.strftime("%Y-%m-%d %H:%M:%S"), it, it * 2048, ms, tf, lr,
               loss if isinstance(loss, str) else "%.6E" % loss, ls, gn, skipped, nan))


def torch_step(c, s, step, loss, st, tok=None, prefix=""):
    tok = tok if tok is not None else int(8.6e5 * 1.0 / max(st, 0.1) * 1.55)
    return "%s%s | step %d | loss %.4f | lr 3.00e-04 | grad_norm %.3f | step_time %.2fs | tokens/s %d" % (
        prefix, c.pyt(s), step, loss, 0.8 + c.rng.random() * 0.4, st, tok)


def nccl_init_lines(c, host, rank, gpu, nranks, ip, hcas="mlx5_0:1,mlx5_1:1,mlx5_2:1,mlx5_3:1,mlx5_4:1,mlx5_5:1,mlx5_6:1,mlx5_7:1",
                    pid=None, version="2.21.5"):
    pid = pid or c.rng.randrange(20000, 90000)
    p = "%s:%d:%d" % (host, pid, pid)
    out = ["%s [%d] NCCL INFO NCCL_SOCKET_IFNAME set by environment to ib0" % (p, gpu),
           "%s [%d] NCCL INFO Bootstrap : Using ib0:%s<0>" % (p, gpu, ip)]
    if rank == 0:
        out.append("%s [%d] NCCL INFO NCCL version %s+cuda12.4" % (p, gpu, version))
    out += ["%s [%d] NCCL INFO NCCL_IB_HCA set to %s" % (p, gpu, hcas),
            "%s [%d] NCCL INFO NET/IB : Using [0]mlx5_0:1/IB [1]mlx5_1:1/IB [2]mlx5_2:1/IB [3]mlx5_3:1/IB [4]mlx5_4:1/IB "
            "[5]mlx5_5:1/IB [6]mlx5_6:1/IB [7]mlx5_7:1/IB ; OOB ib0:%s<0>" % (p, gpu, ip),
            "%s [%d] NCCL INFO Using network IB" % (p, gpu),
            "%s [%d] NCCL INFO comm 0x%x rank %d nranks %d cudaDev %d nvmlDev %d busId %s000 commId 0x%x - Init COMPLETE"
            % (p, gpu, c.rng.randrange(1 << 40), rank, nranks, 0, gpu, c.bus[gpu], c.rng.randrange(1 << 60))]
    return out


def watchdog(rank, seq, op="ALLREDUCE", numel=33554432, ran=600000, extra=0, enq=None, done=None):
    enq = seq if enq is None else enq
    done = seq - 1 if done is None else done
    return [
        "[rank%d]:[E ProcessGroupNCCL.cpp:607] [Rank %d] Watchdog caught collective operation timeout: WorkNCCL(SeqNum=%d, "
        "OpType=%s, NumelIn=%d, NumelOut=%d, Timeout(ms)=600000) ran for %d milliseconds before timing out."
        % (rank, rank, seq, op, numel, numel, ran + extra),
        "[rank%d]:[E ProcessGroupNCCL.cpp:1664] [PG 0 (default_pg) Rank %d] Exception (either an error or timeout) detected "
        "by watchdog at work: %d, last enqueued NCCL work: %d, last completed NCCL work: %d." % (rank, rank, seq, enq, done),
    ]


def elastic_fail(c, s, host, failures, script="pretrain.py"):
    """torchrun's ChildFailedError summary; failures: list of (global_rank, local_rank, exitcode, pid, signal-or-None)."""
    first = failures[0]
    out = ["Traceback (most recent call last):",
           '  File "/usr/local/bin/torchrun", line 8, in <module>',
           "    sys.exit(main())",
           "torch.distributed.elastic.multiprocessing.errors.ChildFailedError: ",
           "============================================================",
           "%s FAILED" % script,
           "------------------------------------------------------------",
           "Failures:"]
    if len(failures) == 1:
        out.append("  <NO_OTHER_FAILURES>")
    else:
        for g, l, code, pid, sig in failures[1:]:
            out += ["[%d]:" % (failures.index((g, l, code, pid, sig))),
                    "  time      : %s" % c.t(s).strftime("%Y-%m-%d_%H:%M:%S"),
                    "  host      : %s" % host, "  rank      : %d (local_rank: %d)" % (g, l),
                    "  exitcode  : %d (pid: %d)" % (code, pid),
                    "  error_file: <N/A>",
                    "  traceback : %s" % ("Signal %d (%s) received by PID %d" % (-code, sig, pid) if sig else
                                          "To enable traceback see: https://pytorch.org/docs/stable/elastic/errors.html")]
    g, l, code, pid, sig = first
    out += ["------------------------------------------------------------",
            "Root Cause (first observed failure):",
            "[0]:",
            "  time      : %s" % c.t(s).strftime("%Y-%m-%d_%H:%M:%S"),
            "  host      : %s" % host,
            "  rank      : %d (local_rank: %d)" % (g, l),
            "  exitcode  : %d (pid: %d)" % (code, pid),
            "  error_file: <N/A>",
            "  traceback : %s" % ("Signal %d (%s) received by PID %d" % (-code, sig, pid) if sig else
                                  "To enable traceback see: https://pytorch.org/docs/stable/elastic/errors.html"),
            "============================================================"]
    return out


def slurm_header(c, nodes, ntasks, per_node, extra=()):
    return ["+ echo SLURM_JOB_ID=%d SLURM_JOB_NODELIST=%s SLURM_NNODES=%d SLURM_NTASKS=%d SLURM_NTASKS_PER_NODE=%d"
            % (c.jobid, compress(nodes), len(nodes), ntasks, per_node),
            "SLURM_JOB_ID=%d SLURM_JOB_NODELIST=%s SLURM_NNODES=%d SLURM_NTASKS=%d SLURM_NTASKS_PER_NODE=%d"
            % (c.jobid, compress(nodes), len(nodes), ntasks, per_node)] + list(extra)


NOISE_APP = [
    "/usr/local/lib/python3.10/dist-packages/torch/utils/checkpoint.py:464: UserWarning: torch.utils.checkpoint: the use_reentrant parameter should be passed explicitly.",
    "wandb: WARNING Step only supports monotonically increasing values, use define_metric to set a custom x axis.",
    "[WARNING] [stage3.py:2069:step] 1 pytorch allocator cache flushes since last step. this happens when there is high memory pressure and is detrimental to performance.",
    "INFO:torch.distributed.distributed_c10d:Rank 0: Completed store-based barrier for key:store_based_barrier_key:1 with 64 nodes.",
    "Token indices sequence length is longer than the specified maximum sequence length for this model (9123 > 8192). Running this sequence through the model will result in indexing errors",
    "/usr/local/lib/python3.10/dist-packages/transformer_engine/pytorch/attention.py:4291: UserWarning: window_size should be (-1, -1) or (>=0, >=0) for attn_mask_type=causal",
]


def kernel_noise(c, s, host=None, style="dmesg"):
    pool = [
        "audit: type=1400 audit(%d.%03d:%d): apparmor=\"DENIED\" operation=\"open\" profile=\"snap.lxd.activate\" name=\"/proc/sys/kernel/osrelease\"" % (int(c.t(s).timestamp()), c.rng.randrange(1000), c.rng.randrange(100, 999)),
        "IPv6: ADDRCONF(NETDEV_CHANGE): ib1: link becomes ready",
        "nvidia-peermem nv_get_p2p_free_callback:127 ERROR detected invalid context, skipping further processing",
        "systemd-journald[812]: Data hash table of /var/log/journal/3b1f0c/system.journal has a fill level at 75.0 (8535 of 11377 items, 6553600 file size, 767 bytes per hash table item), suggesting rotation.",
        "EXT4-fs (nvme1n1p1): mounted filesystem with ordered data mode. Quota mode: none.",
        "mlx5_core 0000:0c:00.0: mlx5_pcie_event:301:(pid 812): PCIe slot advertised sufficient power (75W).",
        "Lustre: 3213:0:(client.c:2282:ptlrpc_expire_one_request()) @@@ Request sent has timed out for slow reply: [sent %d/real %d]" % (int(c.t(s - 7).timestamp()), int(c.t(s - 7).timestamp())),
    ]
    line = c.rng.choice(pool)
    if style == "dmesg":
        return "%s %s" % (c.dmesg_t(s), line)
    return "%s %s" % (c.journal(s, host), line)


# ---- the cases ---------------------------------------------------------------------------------

def rl3_01():
    """4 nodes, srun -l one task per GPU (32 tasks). gpu-003's GPU 4 falls off the bus (Xid 79);
    every other rank then times out in the watchdog (the loud symptom)."""
    hosts = ["gpu-%03d" % i for i in range(1, 5)]
    c = Case("case-rl3-01", "gpu_fallen_off_bus", "gpu-003/gpu4", hosts)
    c.set_alert("SlurmJobFailed", {"cluster": "ore1", "partition": "h200", "job_id": str(c.jobid)},
                "Slurm job %d (llm-13b-pretrain) FAILED on gpu-[001-004] after 6h41m" % c.jobid)
    out = slurm_header(c, hosts, 32, 8, ["+ srun -l --ntasks-per-node=8 --gpus-per-task=1 --cpu-bind=cores python pretrain.py --config cfg/13b.yaml"])
    for r in (0, 8, 16, 20, 24):
        out += ["%d: %s" % (r, l) for l in nccl_init_lines(c, hosts[r // 8], r, r % 8, 32, "10.40.%d.%d" % (r // 8, 11 + r // 8))[-1:]]
    s = -1500
    for it in range(88410, 88422):
        out.append("0: " + megatron_iter(c, s, it, 3020 + c.rng.random() * 60, 1.93 + c.rng.random() * 0.03))
        s += 3.05
        if it == 88415:
            out.append("0: " + NOISE_APP[1])
    out.append("20: [rank20]:[E ProcessGroupNCCL.cpp:1515] [PG 0 (default_pg) Rank 20] Process group watchdog thread terminated with exception: CUDA error: unspecified launch failure")
    out.append("20: CUDA kernel errors might be asynchronously reported at some other API call, so the stacktrace below might be incorrect.")
    out.append("20: For debugging consider passing CUDA_LAUNCH_BLOCKING=1")
    for r in (3, 11, 17, 27, 30, 6, 14):
        out += ["%d: %s" % (r, l) for l in watchdog(r, 1769213, extra=c.rng.randrange(10, 300))]
    out += ["%d: [rank%d]:[E ProcessGroupNCCL.cpp:621] [Rank %d] Some NCCL operations have failed or timed out. Due to the asynchronous nature of CUDA kernels, subsequent GPU operations might run on corrupted/incomplete data." % (r, r, r) for r in (3, 11)]
    out += ["%d: [rank%d]:[E ProcessGroupNCCL.cpp:627] [Rank %d] To avoid data inconsistency, we are taking the entire process down." % (r, r, r) for r in (3, 11)]
    out += ["srun: error: gpu-003: task 20: Aborted (core dumped)",
            "srun: Job step aborted: Waiting up to 32 seconds for job step to finish.",
            "slurmstepd: error: *** STEP %d.0 ON gpu-001 CANCELLED AT %s ***" % (c.jobid, c.iso(620)),
            "srun: error: gpu-001: tasks 0-7: Killed",
            "srun: error: gpu-002: tasks 8-15: Killed",
            "srun: error: gpu-004: tasks 24-31: Killed",
            "srun: error: gpu-003: tasks 16-19,21-23: Killed"]
    c.add("slurm/llm-13b-pretrain-%d.out" % c.jobid, out)
    k = [kernel_noise(c, -3000), kernel_noise(c, -2200),
         "%s NVRM: GPU at PCI:0000:9a:00: GPU-6b1c7e0a-2f43-8d1e-55c2-0b7e9f3a1d44" % c.dmesg_t(-2),
         "%s NVRM: Xid (PCI:0000:9a:00): 79, pid='<unknown>', name=<unknown>, GPU has fallen off the bus." % c.dmesg_t(-2),
         "%s NVRM: GPU 0000:9a:00.0: GPU has fallen off the bus." % c.dmesg_t(-2),
         "%s NVRM: A GPU crash dump has been created. If possible, please run" % c.dmesg_t(-1),
         "%s NVRM: nvidia-bug-report.sh as root to collect this data before" % c.dmesg_t(-1),
         "%s NVRM: the NVIDIA kernel module is unloaded." % c.dmesg_t(-1),
         "%s pcieport 0000:97:01.0: pciehp: Slot(4): Link Down" % c.dmesg_t(-1),
         kernel_noise(c, 30)]
    c.add("gpu-003/dmesg", k)
    return c


def rl3_02():
    """DeepSpeed launcher over pdsh, 2 nodes (hostfile worker-0, worker-1). worker-1 GPU 2:
    uncorrectable ECC (Xid 48 DBE + 63), rank 10 dies; journal on worker-1 shows it with the FQDN."""
    hosts = ["worker-0", "worker-1"]
    c = Case("case-rl3-02", "gpu_memory_uncorrectable_ecc", "worker-1/gpu2", hosts, bus=BUS_XE)
    c.set_alert("TrainingJobCrashed", {"job": "sft-mixtral", "namespace": "research"},
                "sft-mixtral exited with code 1 (deepspeed launcher)")
    out = ["[2026-%s] [INFO] [runner.py:463:main] Using IP address of 10.12.0.21 for node worker-0" % c.t(-2400).strftime("%m-%d %H:%M:%S,%f")[:-3],
           "[2026-%s] [INFO] [multinode_runner.py:81:get_cmd] Running on the following workers: worker-0,worker-1" % c.t(-2400).strftime("%m-%d %H:%M:%S,%f")[:-3],
           "[2026-%s] [INFO] [runner.py:568:main] cmd = pdsh -S -f 1024 -w worker-0,worker-1 export PYTHONPATH=/workspace; cd /workspace; /usr/bin/python -u -m deepspeed.launcher.launch --world_info=eyJ3b3JrZXItMCI6IFswLCAxLCAyLCAzLCA0LCA1LCA2LCA3XX0= --node_rank=%%n --master_addr=10.12.0.21 --master_port=29500 train_sft.py --deepspeed ds_z3.json" % c.t(-2400).strftime("%m-%d %H:%M:%S,%f")[:-3],
           "worker-1: [2026-%s] [INFO] [launch.py:146:main] WORLD INFO DICT: {'worker-0': [0, 1, 2, 3, 4, 5, 6, 7], 'worker-1': [0, 1, 2, 3, 4, 5, 6, 7]}" % c.t(-2390).strftime("%m-%d %H:%M:%S,%f")[:-3],
           "worker-1: [2026-%s] [INFO] [launch.py:152:main] nnodes=2, num_local_procs=8, node_rank=1" % c.t(-2390).strftime("%m-%d %H:%M:%S,%f")[:-3],
           "worker-0: [2026-%s] [INFO] [launch.py:152:main] nnodes=2, num_local_procs=8, node_rank=0" % c.t(-2390).strftime("%m-%d %H:%M:%S,%f")[:-3]]
    s = -900
    for st in range(4100, 4112):
        out.append("worker-0: [2026-%s] [INFO] [logging.py:96:log_dist] [Rank 0] step=%d, skipped=0, lr=[1.9e-05], mom=[(0.9, 0.95)]" % (c.t(s).strftime("%m-%d %H:%M:%S,%f")[:-3], st))
        out.append("worker-0: {'loss': %.4f, 'grad_norm': %.3f, 'learning_rate': 1.9e-05, 'epoch': 0.41}" % (0.91 + c.rng.random() * 0.05, 0.6 + c.rng.random() * 0.2))
        s += 52
        if st == 4104:
            out.append("worker-0: " + NOISE_APP[2])
    out += ["worker-1: [rank10]: Traceback (most recent call last):",
            "worker-1: [rank10]:   File \"/workspace/train_sft.py\", line 211, in <module>",
            "worker-1: [rank10]:     trainer.train()",
            "worker-1: [rank10]:   File \"/usr/local/lib/python3.10/dist-packages/deepspeed/runtime/zero/stage3.py\", line 2117, in backward",
            "worker-1: [rank10]:     self.loss_scaler.backward(loss.float(), retain_graph=retain_graph)",
            "worker-1: [rank10]: RuntimeError: CUDA error: uncorrectable ECC error encountered",
            "worker-1: [rank10]: CUDA kernel errors might be asynchronously reported at some other API call, so the stacktrace below might be incorrect.",
            "worker-1: [rank10]: Compile with `TORCH_USE_CUDA_DSA` to enable device-side assertions.",
            "worker-1: [2026-%s] [INFO] [launch.py:319:sigkill_handler] Killing subprocess 412877" % c.t(4).strftime("%m-%d %H:%M:%S,%f")[:-3],
            "worker-1: [2026-%s] [ERROR] [launch.py:325:sigkill_handler] ['/usr/bin/python', '-u', 'train_sft.py', '--local_rank=2', '--deepspeed', 'ds_z3.json'] exits with return code = 1" % c.t(6).strftime("%m-%d %H:%M:%S,%f")[:-3],
            "worker-0: [rank3]:[E ProcessGroupNCCL.cpp:1515] [PG 0 (default_pg) Rank 3] Process group watchdog thread terminated with exception: NCCL error: remote process exited or there was a network error, NCCL version 2.20.5",
            "worker-0: ncclRemoteError: A call failed possibly due to a network error or a remote process exiting prematurely.",
            "pdsh@worker-0: worker-1: ssh exited with exit code 1",
            "pdsh@worker-0: worker-0: ssh exited with exit code 1"]
    c.add("launcher/deepspeed-sft-mixtral.log", out)
    h = "worker-1.cluster.internal"
    j = [kernel_noise(c, -4000, h, "journal"), kernel_noise(c, -1000, h, "journal"),
         "%s NVRM: Xid (PCI:0000:4c:00): 48, pid=412881, name=python, An uncorrectable double bit error (DBE) has been detected on GPU in the framebuffer at physical address 0x%x." % (c.journal(-1, h), 0x1d3a4c8000),
         "%s NVRM: Xid (PCI:0000:4c:00): 63, pid=412881, name=python, Row Remapping: New row marked for remapping, reset gpu to activate." % c.journal(-1, h),
         "%s NVRM: Xid (PCI:0000:4c:00): 45, pid=412881, name=python, Ch 00000008" % c.journal(1, h),
         kernel_noise(c, 40, h, "journal")]
    c.add("worker-1/journalctl-k", j)
    q = ["==============NVSMI LOG==============",
         "Timestamp                                 : %s" % c.t(300).strftime("%a %b %d %H:%M:%S %Y"),
         "Driver Version                            : 550.90.07",
         "GPU 00000000:4C:00.0",
         "    Product Name                          : NVIDIA H200",
         "    ECC Errors",
         "        Volatile",
         "            SRAM Correctable              : 0",
         "            SRAM Uncorrectable Parity     : 0",
         "            SRAM Uncorrectable SEC-DED    : 0",
         "            DRAM Correctable              : 14",
         "            DRAM Uncorrectable            : 2",
         "        Aggregate",
         "            DRAM Correctable              : 31",
         "            DRAM Uncorrectable            : 2",
         "    Remapped Rows",
         "        Correctable Error                 : 0",
         "        Uncorrectable Error               : 1",
         "        Pending                           : Yes",
         "        Remapping Failure Occurred        : No"]
    c.add("worker-1/nvidia-smi-q-d-ECC,ROW_REMAPPER", q)
    return c


def rl3_03():
    """2 nodes, torchrun --tee with [defaultN]: prefixes per node log. dgx-b07 GPU 6: Xid 64 and
    nvidia-smi shows a row remapping failure; the health check drains the node."""
    hosts = ["dgx-b06", "dgx-b07"]
    c = Case("case-rl3-03", "gpu_row_remap_failure", "dgx-b07/gpu6", hosts)
    c.set_alert("SlurmNodeDrained", {"node": "dgx-b07", "reason": "healthcheck"},
                "dgx-b07 drained by NHC: gpu check failed")
    a = ["[default0]:" + torch_step(c, -600 + 20 * i, 22310 + i, 2.41 - i * 0.001, 6.1 + c.rng.random() * 0.1) for i in range(8)]
    a += ["[default6]:[rank14]: Traceback (most recent call last):",
          "[default6]:[rank14]:   File \"/opt/train/train.py\", line 402, in train_step",
          "[default6]:[rank14]:     loss.backward()",
          "[default6]:[rank14]: RuntimeError: CUDA error: uncorrectable ECC error encountered",
          "[default6]:[rank14]: Compile with `TORCH_USE_CUDA_DSA` to enable device-side assertions.",
          "W%s torch/distributed/elastic/multiprocessing/api.py:858] Sending process 77121 closing signal SIGTERM" % c.glog(3, "")[0:],
          "E%s torch/distributed/elastic/multiprocessing/api.py:833] failed (exitcode: 1) local_rank: 6 (pid: 77127) of binary: /usr/bin/python3" % c.glog(5, "")[0:]]
    a += elastic_fail(c, 5, "dgx-b07", [(14, 6, 1, 77127, None)], "train.py")
    c.add("dgx-b07/torchrun.log", a)
    b = ["[default0]:" + torch_step(c, -600 + 20 * i, 22310 + i, 2.41 - i * 0.001, 6.1 + c.rng.random() * 0.1) for i in range(5)]
    b += ["[default%d]:%s" % (r, l) for r in (2, 5) for l in watchdog(r, 901122, op="_ALLGATHER_BASE", numel=262144000, extra=c.rng.randrange(50, 300))]
    c.add("dgx-b06/torchrun.log", b)
    k = [kernel_noise(c, -900),
         "%s NVRM: Xid (PCI:0000:ba:00): 94, pid=77127, name=python3, Contained: SM (0x1). RST: No, D-RST: No" % c.dmesg_t(-1),
         "%s NVRM: Xid (PCI:0000:ba:00): 64, pid=77127, name=python3, Row Remapper Error: Row remapping failed, too many rows remapped in bank" % c.dmesg_t(-1)]
    c.add("dgx-b07/dmesg", k)
    n = ["NHC: %s - ERROR: nhc: Health check failed: check_nv_healthmon: GPU 6 (0000:ba:00.0): row remapping failure" % c.iso(60),
         "$ nvidia-smi --query-remapped-rows=gpu_bus_id,remapped_rows.correctable,remapped_rows.uncorrectable,remapped_rows.pending,remapped_rows.failure --format=csv",
         "gpu_bus_id, remapped_rows.correctable, remapped_rows.uncorrectable, remapped_rows.pending, remapped_rows.failure",
         "00000000:18:00.0, 0, 0, No, No", "00000000:2A:00.0, 0, 0, No, No", "00000000:3A:00.0, 1, 0, No, No",
         "00000000:5D:00.0, 0, 0, No, No", "00000000:9A:00.0, 0, 0, No, No", "00000000:AB:00.0, 0, 0, No, No",
         "00000000:BA:00.0, 0, 512, No, Yes", "00000000:DB:00.0, 0, 0, No, No",
         "scontrol: update NodeName=dgx-b07 State=DRAIN Reason=\"NHC: gpu row remap failure\""]
    c.add("dgx-b07/nhc.log", n)
    return c


def rl3_04():
    """mpirun --tag-output over 2 nodes (16 ranks, rank = node*8 + slot). hgx-c12 GPU 3 GSP times
    out (Xid 119); rank 11 hangs, the others time out."""
    hosts = ["hgx-c11", "hgx-c12"]
    c = Case("case-rl3-04", "gpu_firmware_error", "hgx-c12/gpu3", hosts)
    c.set_alert("JobHung", {"job": "nemo-gpt-8b", "cluster": "c"},
                "nemo-gpt-8b: no progress for 15m")
    out = ["+ mpirun -np 16 -H hgx-c11:8,hgx-c12:8 --tag-output --bind-to none -x NCCL_DEBUG=WARN python megatron_gpt_pretraining.py"]
    s = -1800
    for it in range(51200, 51212):
        out.append("[1,0]<stdout>:" + megatron_iter(c, s, it, 1410 + c.rng.random() * 30, 2.62 - 0.0005 * (it - 51200)))
        s += 1.45
    out.append("[1,0]<stderr>:" + NOISE_APP[0])
    for r in (0, 4, 9, 15, 13):
        out += ["[1,%d]<stderr>:%s" % (r, l) for l in watchdog(r, 1180442, op="REDUCE_SCATTER", numel=98304000, extra=c.rng.randrange(10, 400))]
    out += ["[1,11]<stderr>:[rank11]:[E ProcessGroupNCCL.cpp:1515] [PG 0 (default_pg) Rank 11] Process group watchdog thread terminated with exception: CUDA error: unspecified launch failure",
            "--------------------------------------------------------------------------",
            "Primary job  terminated normally, but 1 process returned",
            "a non-zero exit code. Per user-direction, the job has been aborted.",
            "--------------------------------------------------------------------------",
            "mpirun detected that one or more processes exited with non-zero status, thus causing",
            "the job to be terminated. The first process to do so was:",
            "",
            "  Process name: [[41533,1],11]",
            "  Exit code:    134",
            "--------------------------------------------------------------------------"]
    c.add("mpirun/nemo-gpt-8b.out", out)
    h = "hgx-c12.ml.corp.example.com"
    j = [kernel_noise(c, -2000, h, "journal"),
         "%s NVRM: Xid (PCI:0000:5d:00): 119, pid=3312, name=python, Timeout after 6s of waiting for RPC response from GPU3 GSP! Expected function 76 (GSP_RM_CONTROL) (0x2080014b 0x5)." % c.journal(-905, h),
         "%s NVRM: GPU3 GSP RPC buffer contains function 76 (GSP_RM_CONTROL) and data 0x000000002080014b 0x0000000000000005." % c.journal(-905, h),
         "%s NVRM: GPU3 RPC history (CPU -> GSP):" % c.journal(-905, h),
         "%s NVRM:     entry function                   data0              data1              ts_start           ts_end             duration actively_polling" % c.journal(-905, h),
         "%s NVRM:      0    76   GSP_RM_CONTROL       0x000000002080014b 0x0000000000000005 0x000622a1c8d7e3b1 0x0000000000000000          y" % c.journal(-905, h),
         "%s NVRM: Xid (PCI:0000:5d:00): 119, pid=3312, name=python, Timeout after 6s of waiting for RPC response from GPU3 GSP! Expected function 10 (FREE) (0xa55a0040 0x0)." % c.journal(-890, h),
         "%s NVRM: Rate limiting GSP RPC error prints for GPU at PCI:0000:5d:00 (printing 1 of every 30).  The GPU likely needs to be reset." % c.journal(-880, h),
         kernel_noise(c, -100, h, "journal")]
    c.add("hgx-c12/journal", j)
    sm = ["$ nvidia-smi --query-gpu=index,pci.bus_id,utilization.gpu,temperature.gpu,power.draw --format=csv",
          "index, pci.bus_id, utilization.gpu [%], temperature.gpu, power.draw [W]"]
    for g in range(8):
        if g == 3:
            sm.append("3, 00000000:5D:00.0, [GPU requires reset], [GPU requires reset], [GPU requires reset]")
        else:
            sm.append("%d, 00000000:%s:00.0, 100 %%, %d, %.2f W" % (g, c.bus[g].upper(), 44 + c.rng.randrange(6), 118 + c.rng.random() * 10))
    c.add("hgx-c12/nvidia-smi", sm)
    return c


def rl3_05():
    """4 nodes, srun -l --ntasks-per-node=1 torchrun (tasks are NODES, [defaultN] are local ranks).
    node gpu-103's GPU 0 has fatal NVLink errors (Xid 74)."""
    hosts = ["gpu-%03d" % i for i in range(101, 105)]
    c = Case("case-rl3-05", "nvlink_error", "gpu-103/gpu0", hosts)
    c.set_alert("SlurmJobFailed", {"job_id": str(c.jobid), "partition": "train"},
                "job %d failed (NodeFail=0, ExitCode=1)" % c.jobid)
    out = slurm_header(c, hosts, 4, 1, ["+ srun -l --ntasks-per-node=1 torchrun --nnodes=4 --nproc-per-node=8 --rdzv-backend=c10d --rdzv-endpoint=gpu-101:29400 --tee 3 train.py"])
    for i in range(10):
        out.append("0: [default0]:" + torch_step(c, -700 + 9 * i, 7801 + i, 2.88 - i * 0.002, 2.91 + c.rng.random() * 0.05))
    out.append("2: [default0]:[rank16]:[E ProcessGroupNCCL.cpp:1515] [PG 0 (default_pg) Rank 16] Process group watchdog thread terminated with exception: NCCL error: unhandled cuda error (run with NCCL_DEBUG=INFO for details), NCCL version 2.21.5")
    out.append("2: [default0]:ncclUnhandledCudaError: Call to CUDA function failed.")
    out.append("2: [default0]:Last error:")
    out.append("2: [default0]:Cuda failure 'uncorrectable NVLink error was detected during the execution'")
    for node, lr in ((2, 3), (2, 5), (0, 1), (1, 6), (3, 2)):
        r = node * 8 + lr
        out += ["%d: [default%d]:%s" % (node, lr, l) for l in watchdog(r, 330187, extra=c.rng.randrange(20, 200))]
    out += ["2: E%s torch/distributed/elastic/multiprocessing/api.py:833] failed (exitcode: 1) local_rank: 0 (pid: 90211) of binary: /usr/bin/python" % c.glog(8, "")[0:],
            "srun: error: gpu-103: task 2: Exited with exit code 1",
            "srun: error: gpu-101: task 0: Exited with exit code 1"]
    c.add("slurm-%d.out" % c.jobid, out)
    k = [kernel_noise(c, -5000),
         "%s NVRM: Xid (PCI:0000:18:00): 74, pid=90211, name=python, NVLink: fatal error detected on link 4(0x0, 0x0, 0x10000, 0x0, 0x0, 0x0, 0x0)" % c.dmesg_t(-3),
         "%s NVRM: Xid (PCI:0000:18:00): 74, pid=90211, name=python, NVLink: fatal error detected on link 5(0x0, 0x0, 0x10000, 0x0, 0x0, 0x0, 0x0)" % c.dmesg_t(-3),
         kernel_noise(c, 20)]
    c.add("gpu-103/dmesg", k)
    e = ["$ nvidia-smi nvlink -e -i 0",
         "GPU 0: NVIDIA H200 (UUID: GPU-0a17c3e2-5b8d-4f61-9c2e-77d1a0b3e845)",
         "\t Link 3: Replay Errors: 0", "\t Link 3: Recovery Errors: 0", "\t Link 3: CRC Errors: 0",
         "\t Link 4: Replay Errors: 1881", "\t Link 4: Recovery Errors: 37", "\t Link 4: CRC Errors: 92344",
         "\t Link 5: Replay Errors: 1522", "\t Link 5: Recovery Errors: 29", "\t Link 5: CRC Errors: 71902",
         "$ nvidia-smi nvlink -s -i 0 | grep -c inactive", "2"]
    c.add("gpu-103/nvlink-errors.txt", e)
    return c


def rl3_06():
    """8 nodes, srun -l one task per GPU, gathered log. The loud symptom is a straggler: rank 45
    (node a-gpu-06 local 5) is slow; nvidia-smi on that node shows GPU 5 at 89 C with thermal
    slowdown active."""
    hosts = ["a-gpu-%02d" % i for i in range(1, 9)]
    c = Case("case-rl3-06", "gpu_thermal_throttle", "a-gpu-06/gpu5", hosts)
    c.set_alert("TrainingThroughputDrop", {"job": "llama-34b", "severity": "warning"},
                "llama-34b step time +38% over 30m")
    out = slurm_header(c, hosts, 64, 8)
    s = -1800
    for it in range(12040, 12054):
        slow = it >= 12046
        out.append("0: " + megatron_iter(c, s, it, (4210 if slow else 3050) + c.rng.random() * 50, 2.11 - 0.0003 * (it - 12040),
                                         tflops=(288.0 if slow else 398.0) + c.rng.random() * 4))
        s += 4.2 if slow else 3.1
    out += ["0: [Rank 0] (after %d iterations) straggler detector: min/max fwd-bwd time across ranks 2871.3 ms (rank 12) / 4140.7 ms (rank 45)" % 12050,
            "0: [Rank 0] (after %d iterations) straggler detector: min/max fwd-bwd time across ranks 2869.0 ms (rank 33) / 4151.9 ms (rank 45)" % 12053,
            "45: " + NOISE_APP[0],
            "0: " + NOISE_APP[1]]
    c.add("slurm/gathered-%d.log" % c.jobid, out)
    sm = ["$ pdsh -w a-gpu-[01-08] nvidia-smi --query-gpu=index,temperature.gpu,clocks.sm,clocks_throttle_reasons.sw_thermal_slowdown,clocks_throttle_reasons.hw_thermal_slowdown,power.draw --format=csv,noheader"]
    for h in ("a-gpu-05", "a-gpu-06"):
        for g in range(8):
            if h == "a-gpu-06" and g == 5:
                sm.append("%s: 5, 89, 1245 MHz, Active, Active, 486.21 W" % h)
            else:
                sm.append("%s: %d, %d, 1980 MHz, Not Active, Not Active, %.2f W" % (h, g, 58 + c.rng.randrange(9), 640 + c.rng.random() * 50))
    c.add("ops/nvidia-smi-sweep", sm)
    ipmi = ["$ ipmitool -H a-gpu-06-bmc sdr type fan",
            "FAN1_F           | 30h | ok  |  29.1 | 14280 RPM",
            "FAN2_F           | 31h | ok  |  29.2 | 14160 RPM",
            "FAN3_F           | 32h | ok  |  29.3 | 14400 RPM",
            "FAN4_F           | 33h | ok  |  29.4 | 14220 RPM",
            "$ ipmitool -H a-gpu-06-bmc sdr type temperature | grep GPU",
            "GPU5_Temp        | 75h | ok  |  7.5 | 89 degrees C",
            "GPU4_Temp        | 74h | ok  |  7.4 | 63 degrees C"]
    c.add("ops/bmc-a-gpu-06", ipmi)
    return c


def rl3_07():
    """2 nodes, mpirun --tag-output. Every GPU of node xe-0412 is held down by HW power brake:
    the BMC logged a PSU failure. Whole node -> component is the node."""
    hosts = ["xe-0411", "xe-0412"]
    c = Case("case-rl3-07", "gpu_power_throttle", "xe-0412", hosts, bus=BUS_XE)
    c.set_alert("GPUClockThrottled", {"Hostname": "xe-0412", "reason": "hw_power_brake"},
                "DCGM: HW power brake slowdown on 8 GPUs of xe-0412")
    d = ["$ dcgmi dmon -e 100,155,112 -c 3   # SM clock, power, throttle reasons (bitmask)",
         "#Entity   SMCLK    POWER    CLKREASON"]
    for g in range(8):
        d.append("GPU %d     645      251.09   136" % g)
    for g in range(8):
        d.append("GPU %d     645      249.66   136" % g)
    c.add("xe-0412/dcgmi-dmon", d)
    sel = ["$ ipmitool sel elist | tail -4",
           " 1f3 | %s | Power Supply PSU2_Status | Failure detected () | Asserted" % c.t(-1300).strftime("%m/%d/%Y | %H:%M:%S"),
           " 1f4 | %s | Power Supply PSU_Redundancy | Redundancy Lost | Asserted" % c.t(-1300).strftime("%m/%d/%Y | %H:%M:%S"),
           " 1f5 | %s | System Event #0x83 | OEM System Boot Event | Asserted" % c.t(-9000000).strftime("%m/%d/%Y | %H:%M:%S")]
    c.add("xe-0412/ipmi-sel", sel)
    out = ["+ mpirun -np 16 --map-by ppr:8:node -H xe-0411,xe-0412 --tag-output python train.py"]
    for i in range(12):
        slow = i >= 5
        out.append("[1,0]<stdout>:step %6d  loss %.4f  step_time %.2fs  mfu %.1f%%" % (60120 + i, 2.01 - 0.0004 * i, 5.92 if slow else 2.34, 16.8 if slow else 42.6))
    out += ["[1,0]<stderr>:" + NOISE_APP[1],
            "[1,8]<stderr>:/usr/local/lib/python3.10/dist-packages/torch/cuda/__init__.py:654: UserWarning: Can't initialize NVML"]
    c.add("mpirun/job.out", out)
    return c


def rl3_08():
    """DeepSpeed pdsh, 4 nodes. Loud symptom: one slow rank (16 on node r4n3 -> local 0) in the
    DeepSpeed wall-clock breakdown. Cause: its GPU's PCIe link trained at Gen4 x4."""
    hosts = ["r4n1", "r4n2", "r4n3", "r4n4"]
    c = Case("case-rl3-08", "pcie_link_degraded", "r4n3/gpu0", hosts)
    c.set_alert("TrainingSlow", {"job": "dpo-70b", "severity": "warning"},
                "dpo-70b: samples/s down 31% since restart")
    out = ["[2026-%s] [INFO] [multinode_runner.py:81:get_cmd] Running on the following workers: r4n1,r4n2,r4n3,r4n4" % c.t(-3000).strftime("%m-%d %H:%M:%S,%f")[:-3]]
    for i in range(8):
        out.append("r4n1: [2026-%s] [INFO] [logging.py:96:log_dist] [Rank 0] step=%d, skipped=0, lr=[5e-07], mom=[(0.9, 0.95)]" % (c.t(-900 + 40 * i).strftime("%m-%d %H:%M:%S,%f")[:-3], 3301 + i))
        out.append("r4n1: [2026-%s] [INFO] [timer.py:260:stop] epoch=0/micro_step=%d/global_step=%d, RunningAvgSamplesPerSec=%.2f, CurrSamplesPerSec=%.2f, MemAllocated=61.3GB, MaxMemAllocated=88.71GB"
                   % (c.t(-899 + 40 * i).strftime("%m-%d %H:%M:%S,%f")[:-3], (3301 + i) * 8, 3301 + i, 41.2, 40.3 + c.rng.random()))
    for r, f in ((0, 1210.4), (8, 1207.9), (16, 3388.6), (24, 1215.2), (31, 1209.8)):
        out.append("%s: [2026-%s] [INFO] [logging.py:96:log_dist] [Rank %d] time (ms) | fwd: %.2f | bwd: %.2f | bwd_inner: %.2f | bwd_allreduce: %.2f | step: %.2f"
                   % (hosts[r // 8], c.t(-100).strftime("%m-%d %H:%M:%S,%f")[:-3], r, f * 0.32, f * 0.61, f * 0.55, 210.3 if r != 16 else 1904.6, 44.1))
    out.append("r4n1: " + NOISE_APP[3])
    c.add("launcher/ds-dpo-70b.log", out)
    k = [kernel_noise(c, -9000),
         "%s pci 0000:18:00.0: [10de:2335] type 00 class 0x030200" % c.dmesg_t(-9000),
         "%s pci 0000:18:00.0: 31.504 Gb/s available PCIe bandwidth, limited by 8.0 GT/s PCIe x4 link at 0000:15:01.0 (capable of 504.112 Gb/s with 32.0 GT/s PCIe x16 link)" % c.dmesg_t(-9000),
         "%s pci 0000:2a:00.0: [10de:2335] type 00 class 0x030200" % c.dmesg_t(-9000),
         "%s pcieport 0000:15:01.0: AER: Corrected error received: 0000:15:01.0" % c.dmesg_t(-4000),
         "%s pcieport 0000:15:01.0: PCIe Bus Error: severity=Corrected, type=Physical Layer, (Receiver ID)" % c.dmesg_t(-4000),
         "%s pcieport 0000:15:01.0:   device [1000:c030] error status/mask=00000001/00002000" % c.dmesg_t(-4000),
         "%s pcieport 0000:15:01.0:    [ 0] RxErr                  (First)" % c.dmesg_t(-4000)]
    c.add("r4n3/dmesg", k)
    sm = ["$ nvidia-smi --query-gpu=index,pci.bus_id,pcie.link.gen.current,pcie.link.gen.max,pcie.link.width.current,pcie.link.width.max --format=csv",
          "index, pci.bus_id, pcie.link.gen.current, pcie.link.gen.max, pcie.link.width.current, pcie.link.width.max"]
    for g in range(8):
        sm.append("%d, 00000000:%s:00.0, %d, 5, %d, 16" % (g, c.bus[g].upper(), 3 if g == 0 else 5, 4 if g == 0 else 16))
    c.add("r4n3/nvidia-smi-pcie", sm)
    return c


def rl3_09():
    """16 nodes, torchrun rdzv with [rankN]: prefixes gathered by the platform into one file. The
    job's replica-consistency check finds that data-parallel replica rank 77's parameters differ
    bit-wise; same rank gave a wrong loss before. No error anywhere else."""
    hosts = ["gpu-%03d" % i for i in range(201, 217)]
    c = Case("case-rl3-09", "gpu_silent_data_corruption", "gpu-210/gpu5", hosts)
    c.set_alert("ReplicaChecksumMismatch", {"job": "pt-moe-400b", "check": "dp_param_sha"},
                "pt-moe-400b: DP replicas disagree (1 of 128 ranks)")
    out = ["[rank0]:" + torch_step(c, -1200 + 60 * i, 140200 + i, 1.811 - 0.0002 * i, 11.8 + c.rng.random() * 0.2) for i in range(10)]
    out += ["[rank0]:%s | WARNING | loss spike: rank-local losses min 1.802 (rank 3) max 7.914 (rank 77), median 1.811" % c.pyt(-420),
            "[rank0]:%s | INFO | consistency: every 500 steps sha256 of fp32 master params over each data-parallel group" % c.pyt(-60),
            "[rank0]:%s | ERROR | consistency: dp group 5 (ranks 5,13,21,...,125): rank 77 digest 9f1c02ab..e71d differs from 15 peers 4b77a0d1..c09e (layer 38 mlp.fc1.weight, 3 elements, max abs diff 2.1e+04)" % c.pyt(-2),
            "[rank0]:%s | ERROR | consistency: same rank and element at recheck after recompute; no NaN/Inf; no CUDA error reported" % c.pyt(-1),
            "[rank77]:%s | INFO | hostname=gpu-210 local_rank=5 cuda_device=0 (CUDA_VISIBLE_DEVICES=5) pci_bus_id=0000:ab:00.0" % c.pyt(-1),
            "[rank76]:%s | INFO | hostname=gpu-210 local_rank=4 cuda_device=0 (CUDA_VISIBLE_DEVICES=4) pci_bus_id=0000:9a:00.0" % c.pyt(-1),
            "[rank0]:" + NOISE_APP[4]]
    c.add("platform/pt-moe-400b/all-ranks.log", out)
    k = [kernel_noise(c, -3000, "gpu-210", "journal"), kernel_noise(c, -100, "gpu-210", "journal")]
    c.add("gpu-210/journal", k)
    dc = ["$ dcgmi diag -r 3 -i 5   (run by on-call after drain)",
          "+---------------------------+------------------------------------------------+",
          "| Diagnostic                | Result                                         |",
          "+===========================+================================================+",
          "| Deployment                | Pass                                           |",
          "| Memory                    | Pass                                           |",
          "| Diagnostic                | Fail - GPU5                                    |",
          "| Warning                   | GPU5 Result 0x2b8e... mismatched vs reference in 4 of 500 GEMM runs |",
          "| Targeted Stress           | Pass                                           |",
          "+---------------------------+------------------------------------------------+"]
    c.add("gpu-210/dcgmi-diag", dc)
    return c


def rl3_10():
    """8 nodes, srun -l one task per GPU. mlx5_2 of node n-0317 goes down (journalctl, FQDN); every
    rank then reports the NCCL watchdog; ranks on other nodes name the peer by IB IP 10.1.2.17,
    which the NCCL INFO init lines tie to n-0317."""
    hosts = ["n-%04d" % i for i in range(311, 319)]
    c = Case("case-rl3-10", "ib_link_failure", "n-0317/mlx5_2", hosts)
    c.set_alert("TrainingJobStalled", {"job": "gpt-fr-30b", "cluster": "paris"},
                "gpt-fr-30b: no step for 12 minutes")
    out = slurm_header(c, hosts, 64, 8, ["+ export NCCL_DEBUG=INFO NCCL_DEBUG_SUBSYS=INIT,NET"])
    for r, ip in ((0, "10.1.2.11"), (48, "10.1.2.17"), (50, "10.1.2.17"), (8, "10.1.2.12")):
        out += ["%d: %s" % (r, l) for l in nccl_init_lines(c, hosts[r // 8], r, r % 8, 64, ip)[1:5]]
    for i in range(8):
        out.append("0: " + megatron_iter(c, -1400 + 3.3 * i, 66100 + i, 3300 + c.rng.random() * 40, 2.04))
    out += ["9: n-0312:41822:42310 [1] transport/net_ib.cc:1701 NCCL WARN NET/IB : Got completion from peer 10.1.2.17<49152> with status=12 opcode=0 len=0 vendor err 129 (Send) localGid ::ffff:10.1.2.12 remoteGid ::ffff:10.1.2.17 hca mlx5_2",
            "9: n-0312:41822:42310 [1] NCCL INFO transport/net.cc:1128 -> 6",
            "42: n-0316:12001:12410 [2] transport/net_ib.cc:1701 NCCL WARN NET/IB : Got completion from peer 10.1.2.17<38011> with status=12 opcode=0 len=0 vendor err 129 (Send) localGid ::ffff:10.1.2.16 remoteGid ::ffff:10.1.2.17 hca mlx5_2"]
    for r in (1, 9, 17, 25, 33, 41, 50, 57):
        out += ["%d: %s" % (r, l) for l in watchdog(r, 2991014, extra=c.rng.randrange(10, 800))]
    out += ["srun: error: n-0312: tasks 8-15: Aborted", "srun: error: n-0311: tasks 0-7: Aborted"]
    c.add("slurm-%d.out" % c.jobid, out)
    h = "n-0317.paris.hpc.example.org"
    j = [kernel_noise(c, -2000, h, "journal"),
         "%s mlx5_core 0000:3f:00.0: mlx5_port_module_event:1146:(pid 0): Port module event[error]: module 2, Cable error, High Temperature" % c.journal(-640, h),
         "%s mlx5_core 0000:3f:00.0 ibp63s0: Link down" % c.journal(-640, h),
         "%s mlx5_ib: mlx5_ib_event:2999:(pid 1944): mlx5_2: port 1 state changed to DOWN" % c.journal(-640, h),
         kernel_noise(c, -300, h, "journal")]
    c.add("n-0317/journalctl-k", j)
    ib = ["$ ibstat mlx5_2", "CA 'mlx5_2'", "\tCA type: MT4129", "\tNumber of ports: 1", "\tPort 1:",
          "\t\tState: Down", "\t\tPhysical state: Polling", "\t\tRate: 10", "\t\tLink layer: InfiniBand"]
    c.add("n-0317/ibstat", ib)
    return c


def rl3_11():
    """4 nodes; new container image sets NCCL_SOCKET_IFNAME=eth0 which exists on no node (they
    have ens*, ib0): bootstrap fails on every rank. Job-wide configuration."""
    hosts = ["gpu-%03d" % i for i in range(41, 45)]
    c = Case("case-rl3-11", "nccl_network_misconfig", "job", hosts)
    c.set_alert("SlurmJobFailed", {"job_id": str(c.jobid)}, "job %d failed 41s after start" % c.jobid)
    out = slurm_header(c, hosts, 32, 8, ["+ srun -l --container-image=registry.local/train:24.11 --ntasks-per-node=8 python -u train.py"])
    for r in (0, 8, 16, 24, 5):
        h = hosts[r // 8]
        p = "%s:%d:%d" % (h, 30000 + r, 30000 + r)
        out += ["%d: %s [%d] NCCL INFO NCCL_SOCKET_IFNAME set by environment to eth0" % (r, p, r % 8),
                "%d: %s [%d] bootstrap.cc:96 NCCL WARN Bootstrap : no socket interface found" % (r, p, r % 8),
                "%d: %s [%d] NCCL INFO init.cc:1749 -> 3" % (r, p, r % 8)]
    out += ["0: Traceback (most recent call last):",
            "0:   File \"/workspace/train.py\", line 88, in <module>",
            "0:     dist.barrier()",
            "0: torch.distributed.DistBackendError: NCCL error in: ../torch/csrc/distributed/c10d/ProcessGroupNCCL.cpp:1970, internal error - please report this issue to the NCCL developers, NCCL version 2.23.4",
            "0: ncclInternalError: Internal check failed.",
            "0: Last error:",
            "0: Bootstrap : no socket interface found",
            "8: torch.distributed.DistBackendError: NCCL error in: ../torch/csrc/distributed/c10d/ProcessGroupNCCL.cpp:1970, internal error - please report this issue to the NCCL developers, NCCL version 2.23.4",
            "srun: error: gpu-041: tasks 0-7: Exited with exit code 1",
            "srun: error: gpu-042: tasks 8-15: Exited with exit code 1",
            "srun: error: gpu-043: tasks 16-23: Exited with exit code 1",
            "srun: error: gpu-044: tasks 24-31: Exited with exit code 1"]
    c.add("slurm-%d.out" % c.jobid, out)
    ip = ["$ srun -N4 --ntasks-per-node=1 -l ip -br link"]
    for n in range(4):
        ip += ["%d: lo               UNKNOWN        00:00:00:00:00:00 <LOOPBACK,UP,LOWER_UP>" % n,
               "%d: ens21f0np0       UP             b8:3f:d2:%02x:11:40 <BROADCAST,MULTICAST,UP,LOWER_UP>" % (n, 0x10 + n),
               "%d: ib0              UP             00:00:10:49:fe:80:00:00:00:00:00:00:b8:3f:d2:03:00:%02x:11:40 <BROADCAST,MULTICAST,UP,LOWER_UP>" % (n, 0x10 + n)]
    c.add("ops/ip-link", ip)
    return c


def rl3_12():
    """4 nodes, torchrun per node via srun --ntasks-per-node=1 -l. Rank 27 (gpu-504 local 3) takes a
    different code path (skips an all-reduce) and never joins collective 40212; every other rank
    times out at 40212, rank 27's last enqueued work is 40211. No hardware error."""
    hosts = ["gpu-%03d" % i for i in range(501, 505)]
    c = Case("case-rl3-12", "nccl_collective_hang", "gpu-504/gpu3", hosts)
    c.set_alert("NCCLWatchdogTimeout", {"job": "rlhf-ppo", "severity": "critical"},
                "rlhf-ppo: ProcessGroupNCCL watchdog timeout on 31 ranks")
    out = slurm_header(c, hosts, 4, 1, ["+ srun -l torchrun --nnodes=4 --nproc-per-node=8 --tee 3 ppo_train.py"])
    for i in range(8):
        out.append("0: [default0]:" + torch_step(c, -1300 + 22 * i, 883 + i, 0.412 + c.rng.random() * 0.01, 21.9 + c.rng.random()))
    out.append("0: [default0]:" + NOISE_APP[1])
    for node, lr in ((0, 0), (0, 4), (1, 2), (2, 7), (3, 0), (3, 5), (1, 1)):
        r = node * 8 + lr
        out += ["%d: [default%d]:%s" % (node, lr, l) for l in watchdog(r, 40212, extra=c.rng.randrange(5, 90))]
    # TORCH_NCCL_DESYNC_DEBUG=1 is set in this job: rank 0 prints the desync report.
    out += ["0: [default0]:[rank0]:[E ProcessGroupNCCL.cpp:713] [Rank 0] Desync debugging report: ",
            "0: [default0]:\t - To our best knowledge, the lagging/dead/mismatched ranks that caused the desync are:",
            "0: [default0]:\t   - [27] finished collective #40211, but didn't join collective #40212 (count from 1)",
            "0: [default0]:\t - Snapshot of ranks' latest states:",
            "0: [default0]:\t   #40211 finished ranks: [27]",
            "0: [default0]:\t   #40212 started ranks: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 28, 29, 30, 31]",
            "0: [default0]:[rank0]:[E ProcessGroupNCCL.cpp:1386] [PG 0 (default_pg) Rank 0] ProcessGroupNCCL preparing to dump debug info."]
    c.add("slurm-%d.out" % c.jobid, out)
    py = ["$ py-spy dump --pid 61877   # on gpu-504, rank 27",
          "Process 61877: python -u ppo_train.py",
          "Thread 61877 (idle): \"MainThread\"",
          "    wait (threading.py:320)",
          "    get (queue.py:171)",
          "    _next_rollout (ppo/rollout.py:144)",
          "    generate_experience (ppo/trainer.py:512)",
          "    train (ppo/trainer.py:390)",
          "Thread 61990 (idle): \"pt_nccl_watchdg\""]
    c.add("gpu-504/py-spy-rank27", py)
    return c


def rl3_13():
    """mpirun --tag-output, 2 nodes x 8. Rank 13 (second node, slot 5) segfaults in a custom CUDA
    extension; the others see the connection closed by its IP and exit. No kernel/Xid error."""
    hosts = ["sx-g01", "sx-g02"]
    c = Case("case-rl3-13", "rank_process_crash", "sx-g02/gpu5", hosts)
    c.set_alert("JobFailed", {"job": "vision-vit-h", "queue": "prod"},
                "vision-vit-h terminated: 1 process signalled")
    out = ["+ mpirun -np 16 -H sx-g01:8,sx-g02:8 --tag-output -x NCCL_DEBUG=WARN python train_vit.py"]
    for i in range(10):
        out.append("[1,0]<stdout>:Epoch: [37][%4d/2502]  eta: 0:41:02  lr: 0.000412  loss: %.4f (%.4f)  time: 0.9912  data: 0.0031  max mem: 71522" % (1400 + 20 * i, 3.91 + c.rng.random() * 0.1, 3.95))
    out += ["[1,13]<stderr>:Fatal Python error: Segmentation fault",
            "[1,13]<stderr>:",
            "[1,13]<stderr>:Thread 0x00007f3b5effd640 (most recent call first):",
            "[1,13]<stderr>:  File \"/opt/conda/lib/python3.11/site-packages/fused_ops/dropout_add.py\", line 57 in forward",
            "[1,13]<stderr>:  File \"/opt/conda/lib/python3.11/site-packages/torch/nn/modules/module.py\", line 1541 in _call_impl",
            "[1,13]<stderr>:  File \"/workspace/train_vit.py\", line 233 in train_one_epoch",
            "[1,2]<stderr>:sx-g01:55120:55780 [2] misc/socket.cc:49 NCCL WARN socketProgress: Connection closed by remote peer 10.1.2.17<54321>",
            "[1,2]<stderr>:sx-g01:55120:55780 [2] NCCL INFO misc/socket.cc:750 -> 6",
            "[1,6]<stderr>:sx-g01:55124:55771 [6] misc/socket.cc:49 NCCL WARN socketProgress: Connection closed by remote peer 10.1.2.17<54321>",
            "[1,2]<stderr>:[rank2]:[E ProcessGroupNCCL.cpp:1515] [PG 0 (default_pg) Rank 2] Process group watchdog thread terminated with exception: NCCL error: remote process exited or there was a network error, NCCL version 2.21.5",
            "[1,2]<stderr>:ncclRemoteError: A call failed possibly due to a network error or a remote process exiting prematurely.",
            "--------------------------------------------------------------------------",
            "mpirun noticed that process rank 13 with PID 71022 on node sx-g02 exited on signal 11 (Segmentation fault).",
            "--------------------------------------------------------------------------"]
    c.add("mpirun/vision-vit-h.log", out)
    host = ["$ getent hosts sx-g02-ib", "10.1.2.17       sx-g02-ib.fabric.local sx-g02-ib",
            "$ journalctl -k --since -30min  # sx-g02",
            "%s python[71022]: segfault at 18 ip 00007f3c11a2b4e0 sp 00007f3b5effb1c0 error 4 in fused_ops_cuda.cpython-311-x86_64-linux-gnu.so[7f3c11a00000+82000] likely on CPU 54 (core 22, socket 1)" % c.journal(-1, "sx-g02"),
            "%s Code: 48 8b 47 18 48 85 c0 74 0c 48 8b 00 c3 0f 1f 80 00 00 00 00 31 c0 c3 66 2e 0f 1f 84 00 00 00 00 00 f3 0f 1e fa" % c.journal(-1, "sx-g02")]
    c.add("ops/sx-g02-notes", host)
    return c


def rl3_14():
    """2 nodes, torchrun per node, logs gathered from both ([defaultN] prefix, one file per node).
    Rank 3 (first node, local 3) runs out of GPU memory - its process sees the GPU as device 0."""
    hosts = ["gpu-a01", "gpu-a02"]
    c = Case("case-rl3-14", "cuda_oom", "gpu-a01/gpu3", hosts)
    c.set_alert("TrainingJobCrashed", {"job": "longctx-128k", "namespace": "team-lc"},
                "longctx-128k: worker exited (OOM?)")
    a = ["[default0]:" + torch_step(c, -400 + 30 * i, 190 + i, 2.71 - 0.001 * i, 29.8) for i in range(8)]
    a += ["[default3]:[rank3]: Traceback (most recent call last):",
          "[default3]:[rank3]:   File \"/app/train.py\", line 310, in <module>",
          "[default3]:[rank3]:     out = model(batch)",
          "[default3]:[rank3]:   File \"/app/model/attention.py\", line 144, in forward",
          "[default3]:[rank3]:     attn = torch.softmax(scores, dim=-1)",
          "[default3]:[rank3]: torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 16.00 GiB. GPU 0 has a total capacity of 139.81 GiB of which 9.05 GiB is free. Including non-PyTorch memory, this process has 130.74 GiB memory in use. Of the allocated memory 118.22 GiB is allocated by PyTorch, and 10.37 GiB is reserved by PyTorch but unallocated. If reserved but unallocated memory is large try setting PYTORCH_CUDA_ALLOC_CONF=expandable_segments:True to avoid fragmentation.  See documentation for Memory Management  (https://pytorch.org/docs/stable/notes/cuda.html#environment-variables)",
          "W%s torch/distributed/elastic/multiprocessing/api.py:858] Sending process 5121 closing signal SIGTERM" % c.glog(3, "")]
    a += elastic_fail(c, 4, "gpu-a01", [(3, 3, 1, 5124, None)], "train.py")
    c.add("gpu-a01/torchrun.log", a)
    b = ["[default0]:" + torch_step(c, -400 + 30 * i, 190 + i, 2.71 - 0.001 * i, 29.8) for i in range(6)]
    b += ["[default%d]:%s" % (lr, l) for lr in (1, 6) for l in watchdog(8 + lr, 7712, op="ALLGATHER", extra=40)]
    b.append("[default0]:" + NOISE_APP[5])
    c.add("gpu-a02/torchrun.log", b)
    return c


def rl3_15():
    """4 nodes srun -l one task per GPU. Xid 31 MMU fault on gpu-022 GPU 6 (rank 22), from a new
    custom kernel, with 'illegal memory access' in that rank; the rest abort after."""
    hosts = ["gpu-%03d" % i for i in range(20, 24)]
    c = Case("case-rl3-15", "illegal_memory_access", "gpu-022/gpu6", hosts)
    c.set_alert("SlurmJobFailed", {"job_id": str(c.jobid), "user": "mkaur"}, "job %d FAILED (exit 134)" % c.jobid)
    out = slurm_header(c, hosts, 32, 8)
    for i in range(8):
        out.append("0: " + megatron_iter(c, -900 + 2.2 * i, 3310 + i, 2200 + c.rng.random() * 30, 3.12 - 0.001 * i))
    out += ["22: [rank22]:[E ProcessGroupNCCL.cpp:1515] [PG 0 (default_pg) Rank 22] Process group watchdog thread terminated with exception: CUDA error: an illegal memory access was encountered",
            "22: CUDA kernel errors might be asynchronously reported at some other API call, so the stacktrace below might be incorrect.",
            "22: For debugging consider passing CUDA_LAUNCH_BLOCKING=1",
            "22: Compile with `TORCH_USE_CUDA_DSA` to enable device-side assertions.",
            "22: Exception raised from c10_cuda_check_implementation at ../c10/cuda/CUDAException.cpp:43 (most recent call first):",
            "22: frame #0: c10::Error::Error(c10::SourceLocation, std::string) + 0x57 (0x7f0d1a2b6897 in /usr/local/lib/python3.10/dist-packages/torch/lib/libc10.so)",
            "srun: error: gpu-022: task 22: Aborted (core dumped)"]
    for r in (4, 13, 30):
        out += ["%d: %s" % (r, l) for l in watchdog(r, 90321, extra=c.rng.randrange(5, 90))]
    c.add("slurm-%d.out" % c.jobid, out)
    k = [kernel_noise(c, -600),
         "%s NVRM: Xid (PCI:0000:ba:00): 31, pid=20114, name=python, Ch 00000018, intr 00000000. MMU Fault: ENGINE GRAPHICS GPCCLIENT_T1_3 faulted @ 0x7efd_8a000000. Fault is of type FAULT_PDE ACCESS_TYPE_VIRT_READ" % c.dmesg_t(-1),
         kernel_noise(c, 5)]
    c.add("gpu-022/dmesg", k)
    return c


def rl3_16():
    """2 nodes DeepSpeed pdsh. Loud: rank 12 killed (exit -9), peers ncclRemoteError. Cause: the
    kernel OOM killer on trn-1 (the host), from dataloader workers; journal uses the FQDN."""
    hosts = ["trn-0", "trn-1"]
    c = Case("case-rl3-16", "host_oom", "trn-1", hosts)
    c.set_alert("TrainingJobCrashed", {"job": "ocr-pretrain"}, "ocr-pretrain exited (deepspeed)")
    out = []
    for i in range(8):
        out.append("trn-0: [2026-%s] [INFO] [logging.py:96:log_dist] [Rank 0] step=%d, skipped=0, lr=[2e-4], mom=[(0.9, 0.999)]" % (c.t(-600 + 50 * i).strftime("%m-%d %H:%M:%S,%f")[:-3], 9021 + i))
    out += ["trn-0: " + NOISE_APP[2],
            "trn-1: [2026-%s] [INFO] [launch.py:319:sigkill_handler] Killing subprocess 88214" % c.t(2).strftime("%m-%d %H:%M:%S,%f")[:-3],
            "trn-1: [2026-%s] [ERROR] [launch.py:325:sigkill_handler] ['/usr/bin/python', '-u', 'train.py', '--local_rank=4'] exits with return code = -9" % c.t(2).strftime("%m-%d %H:%M:%S,%f")[:-3],
            "trn-0: [rank5]:[E ProcessGroupNCCL.cpp:1515] [PG 0 (default_pg) Rank 5] Process group watchdog thread terminated with exception: NCCL error: remote process exited or there was a network error, NCCL version 2.20.5",
            "trn-0: trn-0:33120:33901 [5] NCCL INFO misc/socket.cc:47 -> 6",
            "trn-0: ncclRemoteError: A call failed possibly due to a network error or a remote process exiting prematurely.",
            "trn-0: [rank1]:[E ProcessGroupNCCL.cpp:1515] [PG 0 (default_pg) Rank 1] Process group watchdog thread terminated with exception: NCCL error: remote process exited or there was a network error, NCCL version 2.20.5",
            "pdsh@trn-0: trn-1: ssh exited with exit code 247",
            "pdsh@trn-0: trn-0: ssh exited with exit code 1"]
    c.add("launcher/ocr-pretrain.log", out)
    h = "trn-1.ml.internal"
    j = [kernel_noise(c, -700, h, "journal"),
         "%s pt_data_worker invoked oom-killer: gfp_mask=0x140cca(GFP_HIGHUSER_MOVABLE|__GFP_COMP), order=0, oom_score_adj=0" % c.journal(-1, h),
         "%s Mem-Info:" % c.journal(-1, h),
         "%s active_anon:497811532 inactive_anon:1033412 isolated_anon:0" % c.journal(-1, h),
         "%s Tasks state (memory values in pages):" % c.journal(-1, h),
         "%s oom-kill:constraint=CONSTRAINT_NONE,nodemask=(null),cpuset=/,mems_allowed=0-1,global_oom,task_memcg=/system.slice/sshd.service,task=python,pid=88214,uid=1000" % c.journal(0, h),
         "%s Out of memory: Killed process 88214 (python) total-vm:2217439880kB, anon-rss:1790112344kB, file-rss:88212kB, shmem-rss:0kB, UID:1000 pgtables:3528920kB oom_score_adj:0" % c.journal(0, h),
         "%s systemd[1]: session-221.scope: A process of this unit has been killed by the OOM killer." % c.journal(1, h, "systemd[1]").rsplit(" ", 1)[0]]
    c.add("trn-1/journalctl", j)
    fm = ["$ ssh trn-1 free -g", "               total        used        free      shared  buff/cache   available",
          "Mem:            2015        1998           4           1          13           6",
          "Swap:              0           0           0",
          "$ ssh trn-0 free -g", "               total        used        free      shared  buff/cache   available",
          "Mem:            2015         612        1101           1         302        1390"]
    c.add("ops/free", fm)
    return c


def rl3_17():
    """8 nodes, srun -l per GPU, Megatron. Loss spikes then goes NaN on every rank; grad norm
    explodes first. No hardware, no comm error: job-wide numerics."""
    hosts = ["gpu-%03d" % i for i in range(601, 609)]
    c = Case("case-rl3-17", "loss_divergence", "job", hosts)
    c.set_alert("TrainingLossNaN", {"job": "llama-70b-cpt"}, "llama-70b-cpt: lm loss is nan")
    out = slurm_header(c, hosts, 64, 8)
    s = -700
    losses = [1.702, 1.698, 1.705, 1.701, 1.99, 2.84, 5.12, 9.87, "nan", "nan", "nan", "nan"]
    norms = [0.21, 0.22, 0.2, 0.23, 3.7, 41.2, 812.4, 1.9e4, "nan", "nan", "nan", "nan"]
    for i, (l, g) in enumerate(zip(losses, norms)):
        out.append("0: " + megatron_iter(c, s, 30500 + i, 5100 + c.rng.random() * 40, l if isinstance(l, str) else l,
                                         gnorm=g if isinstance(g, str) else float(g), nan=max(0, i - 7)))
        s += 5.1
        if i == 3:
            out.append("0: " + NOISE_APP[0])
        if i == 6:
            out.append("0: " + NOISE_APP[1])
    out += ["0: WARNING:megatron.core.optimizer:found NaN in local grad norm in backward pass before data-parallel communication collective. Device: 0, node: gpu-601",
            "17: WARNING:megatron.core.optimizer:found NaN in local grad norm in backward pass before data-parallel communication collective. Device: 1, node: gpu-603",
            "40: WARNING:megatron.core.optimizer:found NaN in local grad norm in backward pass before data-parallel communication collective. Device: 0, node: gpu-606",
            "0: [exit] loss is nan for 4 consecutive iterations; saving nothing and exiting (--exit-on-nan)",
            "srun: error: gpu-601: task 0: Exited with exit code 1"]
    c.add("slurm-%d.out" % c.jobid, out)
    return c


def rl3_18():
    """DeepSpeed pdsh 2 nodes, fp16. Overflows every step; loss scale falls to 1 and stays."""
    hosts = ["hpc-g1", "hpc-g2"]
    c = Case("case-rl3-18", "fp16_loss_scale_collapse", "job", hosts)
    c.set_alert("TrainingStalledProgress", {"job": "bert-xxl-fp16"}, "bert-xxl-fp16: 0 optimizer steps in 20 minutes")
    out = []
    scale = 2048
    for i in range(14):
        ts = c.t(-900 + 60 * i).strftime("%m-%d %H:%M:%S,%f")[:-3]
        if scale > 1:
            out.append("hpc-g1: [2026-%s] [INFO] [loss_scaler.py:183:update_scale] [deepspeed] OVERFLOW! Rank 0 Skipping step. Attempted loss scale: %d, reducing to %d" % (ts, scale, scale // 2))
            scale //= 2
        else:
            out.append("hpc-g1: [2026-%s] [INFO] [loss_scaler.py:190:update_scale] [deepspeed] OVERFLOW! Rank 0 Skipping step. Attempted loss scale: 1, but hysteresis is 2. Reducing hysteresis to 1" % ts if i == 11 else
                       "hpc-g1: [2026-%s] [INFO] [loss_scaler.py:183:update_scale] [deepspeed] OVERFLOW! Rank 0 Skipping step. Attempted loss scale: 1, reducing to 1" % ts)
        if i % 3 == 0:
            out.append("hpc-g1: [2026-%s] [INFO] [logging.py:96:log_dist] [Rank 0] step=%d, skipped=%d, lr=[0.0001], mom=[(0.9, 0.999)]" % (ts, 120400 + i, i + 1))
    out += ["hpc-g2: [2026-%s] [INFO] [loss_scaler.py:183:update_scale] [deepspeed] OVERFLOW! Rank 8 Skipping step. Attempted loss scale: 1, reducing to 1" % c.t(-1).strftime("%m-%d %H:%M:%S,%f")[:-3],
            "hpc-g1: [2026-%s] [WARNING] [loss_scaler.py:176:update_scale] Current loss scale already at minimum - cannot decrease scale anymore. Exiting run." % c.t(0).strftime("%m-%d %H:%M:%S,%f")[:-3],
            "hpc-g1: Exception: Current loss scale already at minimum - cannot decrease scale anymore. Exiting run.",
            "hpc-g2: " + NOISE_APP[3],
            "pdsh@hpc-g1: hpc-g1: ssh exited with exit code 1"]
    c.add("launcher/bert-xxl-fp16.log", out)
    return c


def rl3_19():
    """4 nodes, srun -l torchrun per node, Transformer Engine FP8. amax turns inf, scales collapse,
    loss NaN. Job-wide numerics (recipe)."""
    hosts = ["gpu-%03d" % i for i in range(71, 75)]
    c = Case("case-rl3-19", "fp8_scaling_overflow", "job", hosts)
    c.set_alert("TrainingLossNaN", {"job": "gpt-fp8-22b"}, "gpt-fp8-22b: NaN loss after 3 iterations of spikes")
    out = slurm_header(c, hosts, 4, 1, ["+ export NVTE_FP8_DPA=1  # recipe: DelayedScaling(margin=0, fp8_format=HYBRID, amax_history_len=16)"])
    for i in range(8):
        out.append("0: [default0]:" + megatron_iter(c, -600 + 3 * i, 20100 + i, 2800 + c.rng.random() * 20, 2.45 - 0.001 * i))
    out += ["0: [default0]:" + megatron_iter(c, -550, 20108, 2811.2, 3.81, gnorm=14.2),
            "0: [default0]:[TE] fp8 meta: layer 31 fc2 fwd amax_history max=inf, scale_fwd[0]=0.000000e+00 scale_inv=inf (E4M3 max 448)",
            "1: [default2]:[TE] fp8 meta: layer 31 fc2 fwd amax_history max=inf, scale_fwd[0]=0.000000e+00 scale_inv=inf (E4M3 max 448)",
            "0: [default0]:/usr/local/lib/python3.10/dist-packages/transformer_engine/pytorch/fp8.py:512: UserWarning: Non-finite amax encountered in FP8 tensor (layer 31 fc2); scaling factors will be invalid",
            "0: [default0]:[TE] fp8 cast: 38.2% of fc2 activations saturated to +/-448 (E4M3) in last 10 steps",
            "0: [default0]:" + megatron_iter(c, -547, 20109, 2813.0, "nan", gnorm="nan", nan=1),
            "0: [default0]:" + megatron_iter(c, -544, 20110, 2810.4, "nan", gnorm="nan", nan=2),
            "2: [default0]:" + NOISE_APP[5],
            "3: [default4]:" + NOISE_APP[0],
            "0: [default0]:[exit] nan loss for 3 iterations; exiting"]
    c.add("slurm-%d.out" % c.jobid, out)
    return c


def rl3_20():
    """16 nodes MoE, srun -l per GPU gathered. Router collapses: two experts take most tokens,
    capacity drops rise, all-to-all time balloons. Job-wide (model)."""
    hosts = ["gpu-%03d" % i for i in range(301, 317)]
    c = Case("case-rl3-20", "moe_expert_imbalance", "job", hosts)
    c.set_alert("TrainingThroughputDrop", {"job": "moe-64e"}, "moe-64e: tokens/s -55% in 2h")
    out = slurm_header(c, hosts, 128, 8)
    for i in range(10):
        out.append("0: " + megatron_iter(c, -3000 + 300 * i, 8800 + 100 * i, 1900 + 160 * i, 2.31 - 0.002 * i))
    out += ["0: [moe] step 9700 load balancing loss 0.0182 -> 0.1734 (coeff 0.01); router z-loss 3.2e-03",
            "0: [moe] step 9700 layer 14 tokens per expert (64 experts, top-2): max 41.7% (expert 17), 2nd 33.9% (expert 50), median 0.21%",
            "0: [moe] step 9700 layer 14 dropped tokens (capacity factor 1.25): 61.4% of routed tokens",
            "0: [moe] step 9700 layer 22 tokens per expert: max 38.1% (expert 3), median 0.33%; dropped 54.0%",
            "0: [timers] forward-backward: 3412.5 | all-to-all dispatch: 1422.9 (max rank 92) | all-to-all combine: 1390.1 (max rank 92) | optimizer: 91.2",
            "92: " + NOISE_APP[0],
            "0: " + NOISE_APP[1],
            "0: " + megatron_iter(c, 0, 9800, 3491.0, 2.292),
            "0: [moe] step 9800 layer 14 tokens per expert (64 experts, top-2): max 44.0% (expert 17), 2nd 35.2% (expert 50), median 0.18%",
            "0: [moe] step 9800 layer 14 dropped tokens (capacity factor 1.25): 64.9% of routed tokens"]
    c.add("slurm/moe-64e-%d.log" % c.jobid, out)
    return c


def rl3_21():
    """4 nodes, srun -l per GPU. Straggler rank 19 (gpu-803 local 3): its host process is pinned to
    the wrong NUMA cores (srun --cpu-bind mis-set for that task) - GPU clocks, temperature, PCIe all
    normal; data-loading and launch gaps on that rank only."""
    hosts = ["gpu-%03d" % i for i in range(801, 805)]
    c = Case("case-rl3-21", "straggler_rank", "gpu-803/gpu3", hosts)
    c.set_alert("TrainingThroughputDrop", {"job": "mistral-22b"}, "mistral-22b step time 1.6x baseline")
    out = slurm_header(c, hosts, 32, 8, ["+ srun -l --cpu-bind=verbose,map_cpu:0,12,24,36,48,60,72,84 python train.py"])
    out += ["19: cpu-bind=MAP  - gpu-803, task 19  3 [4112]: mask 0x1 set",
            "18: cpu-bind=MAP  - gpu-803, task 18  2 [4111]: mask 0x1000000 set",
            "20: cpu-bind=MAP  - gpu-803, task 20  4 [4113]: mask 0x1000000000 set"]
    for i in range(10):
        out.append("0: " + megatron_iter(c, -800 + 4.9 * i, 4400 + i, 4890 + c.rng.random() * 60, 2.55 - 0.001 * i, tflops=241 + c.rng.random()))
    out += ["0: [Rank 0] (after 4410 iterations) straggler detector: min/max fwd-bwd time across ranks 2968.2 ms (rank 7) / 4801.5 ms (rank 19)",
            "0: [Rank 0] (after 4410 iterations) straggler detector: min/max GPU util across ranks 61% (rank 19) / 98% (rank 2)",
            "19: [rank19] data_time 1.84s (p50 of others 0.02s); cpu affinity {0}",
            "0: " + NOISE_APP[1]]
    c.add("slurm-%d.out" % c.jobid, out)
    sm = ["$ ssh gpu-803 nvidia-smi --query-gpu=index,temperature.gpu,clocks.sm,clocks_throttle_reasons.active,pcie.link.gen.current,pcie.link.width.current --format=csv,noheader"]
    for g in range(8):
        sm.append("%d, %d, 1980 MHz, 0x0000000000000000, 5, 16" % (g, 55 + c.rng.randrange(8)))
    c.add("ops/gpu-803-smi", sm)
    return c


def rl3_22():
    """2 nodes, torchrun per node [defaultN]. All GPUs go idle between steps, 'DataLoader' waits;
    no comm error. Dataset now read from a cold object-store bucket. Job-wide."""
    hosts = ["gpu-b11", "gpu-b12"]
    c = Case("case-rl3-22", "dataloader_stall", "job", hosts)
    c.set_alert("GPUUtilizationLow", {"job": "clip-l14", "severity": "warning"},
                "clip-l14: mean GPU utilization 23% over 15m (16 GPUs)")
    a = []
    for i in range(10):
        st = 0.61 if i < 3 else 6.0 + c.rng.random() * 3
        a.append("[default0]:%s | step %d | loss %.4f | step_time %.2fs | data_time %.2fs | imgs/s %d" % (c.pyt(-1000 + 90 * i), 51000 + i, 2.112 - 0.0001 * i, st, st - 0.58, int(16 * 512 / st)))
    a += ["[default0]:" + NOISE_APP[1],
          "[default3]:WARNING:webdataset: s3://clip-data/laion-b/shard-018811.tar: read 41.2 MB in 38.4s (1.07 MB/s)",
          "[default5]:WARNING:webdataset: s3://clip-data/laion-b/shard-019022.tar: read 40.9 MB in 44.0s (0.93 MB/s)",
          "[default0]:[W dataloader] 8 of 8 workers busy, prefetch queue empty for 5.4s (num_workers=8, prefetch_factor=2)"]
    c.add("gpu-b11/torchrun.log", a)
    b = ["[default0]:[W dataloader] 8 of 8 workers busy, prefetch queue empty for 6.1s (num_workers=8, prefetch_factor=2)",
         "[default6]:WARNING:webdataset: s3://clip-data/laion-b/shard-019301.tar: read 40.1 MB in 41.7s (0.96 MB/s)",
         "[default0]:" + NOISE_APP[0]]
    c.add("gpu-b12/torchrun.log", b)
    d = ["$ dcgmi dmon -e 203,1002,1011,1012 -d 5000 -c 2   # GPU util, SM active, PCIe tx/rx bytes",
         "#Entity   GPUTL  SMACT  PCITX     PCIRX"]
    for h in range(2):
        for g in range(8):
            d.append("GPU %d     %d      %.3f  %d  %d" % (g, 18 + c.rng.randrange(10), 0.08 + c.rng.random() * 0.05, 41000000 + c.rng.randrange(900000), 61000000 + c.rng.randrange(900000)))
    c.add("gpu-b11/dcgmi-dmon", d[:10])
    c.add("gpu-b12/dcgmi-dmon", d[:2] + d[10:])
    return c


def rl3_23():
    """8 nodes, srun -l per GPU. Checkpoint save stalls: every rank times out in the barrier after
    torch.save; only gpu-906 logs 'nfs: server nfs-ckpt01 not responding'. Other nodes write fine.
    The node's NFS client is stuck -> the node."""
    hosts = ["gpu-%03d" % i for i in range(901, 909)]
    c = Case("case-rl3-23", "storage_failure", "gpu-906", hosts)
    c.set_alert("TrainingJobStalled", {"job": "llama-8b-sweep3"}, "llama-8b-sweep3: no step for 20 minutes (checkpoint in progress)")
    out = slurm_header(c, hosts, 64, 8)
    for i in range(8):
        out.append("0: " + megatron_iter(c, -1500 + 1.1 * i, 25000 - 8 + i, 1100 + c.rng.random() * 30, 2.18))
    out += ["0: saving checkpoint at iteration   25000 to /mnt/ckpt/llama-8b-sweep3 in torch_dist format",
            "0: [rank0] checkpoint shard written in 14.1s",
            "8: [rank8] checkpoint shard written in 13.8s",
            "40: [rank40] saving checkpoint shard ...",
            "41: [rank41] saving checkpoint shard ..."]
    for r in (0, 7, 12, 28, 55, 63):
        out += ["%d: %s" % (r, l) for l in watchdog(r, 612001, op="ALLREDUCE", numel=1, extra=c.rng.randrange(5, 50))]
    c.add("slurm-%d.out" % c.jobid, out)
    k = [kernel_noise(c, -3000),
         "%s nfs: server nfs-ckpt01 not responding, still trying" % c.dmesg_t(-1380),
         "%s nfs: server nfs-ckpt01 not responding, still trying" % c.dmesg_t(-1200),
         "%s INFO: task python:30122 blocked for more than 122 seconds." % c.dmesg_t(-1250),
         "%s       Tainted: P           OE      6.5.0-45-generic #45~22.04.1-Ubuntu" % c.dmesg_t(-1250),
         "%s \"echo 0 > /proc/sys/kernel/hung_task_timeout_secs\" disables this message." % c.dmesg_t(-1250),
         "%s task:python          state:D stack:0     pid:30122 ppid:30001 flags:0x00004002" % c.dmesg_t(-1250),
         "%s  rpc_wait_bit_killable+0x11/0x70 [sunrpc]" % c.dmesg_t(-1250),
         "%s  nfs_file_fsync+0x52/0x1c0 [nfs]" % c.dmesg_t(-1250)]
    c.add("gpu-906/dmesg", k)
    m = ["$ pdsh -w gpu-[901-908] 'timeout 5 stat -f /mnt/ckpt >/dev/null && echo ok'",
         "gpu-901: ok", "gpu-902: ok", "gpu-903: ok", "gpu-904: ok", "gpu-905: ok",
         "pdsh@ops-01: gpu-906: command timed out", "gpu-907: ok", "gpu-908: ok"]
    c.add("ops/mount-check", m)
    return c


def rl3_24():
    """srun per node torchrun over 4 nodes but --nnodes=2:4 / nproc mismatch: job script
    says --nproc-per-node=8 while one node's task got 4 from a stale env var; rendezvous fails with
    inconsistent world size. Whole job's launch config."""
    hosts = ["gpu-%03d" % i for i in range(111, 115)]
    c = Case("case-rl3-24", "launch_config_error", "job", hosts)
    c.set_alert("SlurmJobFailed", {"job_id": str(c.jobid)}, "job %d failed after 10 minutes in startup" % c.jobid)
    out = slurm_header(c, hosts, 4, 1, ["+ srun -l torchrun --nnodes=4 --nproc-per-node=$GPUS_PER_NODE --rdzv-backend=c10d --rdzv-endpoint=$MASTER:29500 train.py",
                                        "+ GPUS_PER_NODE=${SLURM_GPUS_ON_NODE:-4}"])
    out += ["0: W%s torch/distributed/run.py:779] " % c.glog(-610, ""),
            "0: W%s torch/distributed/run.py:779] *****************************************" % c.glog(-610, ""),
            "0: W%s torch/distributed/run.py:779] Setting OMP_NUM_THREADS environment variable for each process to be 1 in default, to avoid your system being overloaded, please further tune the variable for optimal performance in your application as needed." % c.glog(-610, ""),
            "0: I%s torch/distributed/elastic/agent/server/api.py:872] [default] Rendezvous complete for workers. Result:" % c.glog(-600, ""),
            "0:   restart_count=0", "0:   master_addr=gpu-111", "0:   master_port=29500", "0:   group_rank=0",
            "0:   group_world_size=4", "0:   local_ranks=[0, 1, 2, 3]", "0:   role_ranks=[0, 1, 2, 3]",
            "0:   global_ranks=[0, 1, 2, 3]", "0:   role_world_sizes=[16, 16, 16, 16]", "0:   global_world_sizes=[16, 16, 16, 16]",
            "2:   local_ranks=[0, 1, 2, 3]", "2:   global_world_sizes=[16, 16, 16, 16]",
            "0: [default0]:[rank0]: AssertionError: world size 16 is not divisible by tensor_parallel_size (8) x pipeline_parallel_size (4) = 32",
            "1: [default0]:[rank4]: AssertionError: world size 16 is not divisible by tensor_parallel_size (8) x pipeline_parallel_size (4) = 32",
            "0: [default0]:[rank0]: (each node has 8 GPUs; SLURM_GPUS_ON_NODE is unset because the job was submitted with --gres=gpu:8, not --gpus-per-node)",
            "srun: error: gpu-111: task 0: Exited with exit code 1",
            "srun: error: gpu-112: task 1: Exited with exit code 1",
            "srun: error: gpu-113: task 2: Exited with exit code 1",
            "srun: error: gpu-114: task 3: Exited with exit code 1"]
    c.add("slurm-%d.out" % c.jobid, out)
    return c


def rl3_25():
    """16 nodes srun -l per GPU. IB: the switch port to node gpu-1409's mlx5_5 flaps (journal
    short names from the syslog server), NCCL retry-exceeded on peers naming its IP; all ranks
    watchdog timeout. Port counters show symbol errors on that HCA."""
    hosts = ["gpu-%04d" % i for i in range(1401, 1417)]
    c = Case("case-rl3-25", "ib_link_failure", "gpu-1409/mlx5_5", hosts)
    c.set_alert("NCCLWatchdogTimeout", {"job": "llm-175b", "severity": "critical"},
                "llm-175b: 127/128 ranks hit the NCCL watchdog")
    out = slurm_header(c, hosts, 128, 8)
    out += ["69: %s" % l for l in nccl_init_lines(c, "gpu-1409", 69, 5, 128, "10.44.9.69")[1:5]]
    out += ["5: %s" % l for l in nccl_init_lines(c, "gpu-1401", 5, 5, 128, "10.44.1.5")[1:2]]
    for i in range(6):
        out.append("0: " + megatron_iter(c, -1500 + 7 * i, 1710 + i, 7000 + c.rng.random() * 40, 1.67))
    out += ["13: gpu-1402:77110:77400 [5] transport/net_ib.cc:1701 NCCL WARN NET/IB : Got completion from peer 10.44.9.69<43211> with status=12 opcode=0 len=0 vendor err 129 (Send) localGid ::ffff:10.44.2.13 remoteGid ::ffff:10.44.9.69 hca mlx5_5",
            "13: gpu-1402:77110:77400 [5] NCCL INFO transport/net.cc:1128 -> 6",
            "77: gpu-1410:5121:5400 [5] transport/net_ib.cc:1701 NCCL WARN NET/IB : Got completion from peer 10.44.9.69<40022> with status=12 opcode=0 len=0 vendor err 129 (Recv) localGid ::ffff:10.44.10.77 remoteGid ::ffff:10.44.9.69 hca mlx5_5"]
    for r in (0, 21, 45, 69, 100, 127):
        out += ["%d: %s" % (r, l) for l in watchdog(r, 88021, op="REDUCE_SCATTER", extra=c.rng.randrange(5, 900))]
    c.add("slurm-%d.out" % c.jobid, out)
    sy = []
    for k in range(4):
        sy.append("%s mlx5_core 0000:9e:00.0 ibp158s0: Link down" % c.journal(-900 + 60 * k, "gpu-1409"))
        sy.append("%s mlx5_core 0000:9e:00.0 ibp158s0: Link up" % c.journal(-890 + 60 * k, "gpu-1409"))
    sy.insert(3, kernel_noise(c, -800, "gpu-1407", "journal"))
    c.add("syslog-server/gpu-cluster-kern.log", sy)
    pc = ["$ perfquery -x -C mlx5_5 -P 1   # gpu-1409",
          "# Port extended counters: Lid 1201 port 1 (CapMask: 0x5A00)",
          "PortSymbolErrorCounter:.........65535", "PortLinkErrorRecoveryCounter:...255",
          "PortLinkDownedCounter:..........41", "PortRcvErrors:..................9812",
          "PortXmitDiscards:...............1377"]
    c.add("gpu-1409/perfquery", pc)
    return c


def rl3_26():
    """8 nodes, mpirun --tag-output (ranks 0-63). Node h100-07's GPU 7 falls off the bus; NVML lost.
    Loud: the NCCL errors from every other rank."""
    hosts = ["h100-%02d" % i for i in range(1, 9)]
    c = Case("case-rl3-26", "gpu_fallen_off_bus", "h100-07/gpu7", hosts, bus=BUS_XE, model="NVIDIA H100 80GB HBM3")
    c.set_alert("NCCLError", {"job": "jax-t5x-xxl", "cluster": "h100"}, "jax-t5x-xxl: NCCL errors on 63 ranks")
    out = ["+ mpirun -np 64 --hostfile hosts.txt --map-by ppr:8:node --tag-output python -m t5x.train"]
    for i in range(8):
        out.append("[1,0]<stderr>:I%s 140233 train.py:512] [%d] loss=%.4f, timing/seconds=%.3f, accuracy=0.6%d" % (c.glog(-400 + 10 * i, "")[:], 41000 + i, 1.524 - 0.0002 * i, 2.11 + c.rng.random() * 0.02, c.rng.randrange(10, 99)))
    out += ["[1,55]<stderr>:2026-%s: E external/xla/xla/stream_executor/cuda/cuda_driver.cc:1174] failed to synchronize the stop event: CUDA_ERROR_UNKNOWN: unknown error" % c.t(1).strftime("%m-%d %H:%M:%S.%f"),
            "[1,55]<stderr>:jaxlib.xla_extension.XlaRuntimeError: INTERNAL: Failed to launch CUDA kernel: CUDA_ERROR_UNKNOWN: unknown error",
            "[1,12]<stderr>:2026-%s: E external/xla/xla/service/gpu/nccl_utils.cc:297] NCCL operation ncclAllReduce(send_buffer, recv_buffer, element_count, dtype, reduce_op, comm, gpu_stream) failed: unhandled system error (run with NCCL_DEBUG=INFO for details). Last NCCL warning(error) log entry (may be unrelated) 'Net : Connection closed by remote peer h100-07-ib<37213>'." % c.t(30).strftime("%m-%d %H:%M:%S.%f"),
            "[1,30]<stderr>:2026-%s: E external/xla/xla/service/gpu/nccl_utils.cc:297] NCCL operation ncclAllReduce(...) failed: unhandled system error. Last NCCL warning(error) log entry (may be unrelated) 'Net : Connection closed by remote peer h100-07-ib<37213>'." % c.t(31).strftime("%m-%d %H:%M:%S.%f"),
            "--------------------------------------------------------------------------",
            "mpirun noticed that process rank 55 with PID 51220 on node h100-07 exited on signal 6 (Aborted).",
            "--------------------------------------------------------------------------"]
    c.add("mpirun/t5x-xxl.out", out)
    k = [kernel_noise(c, -700, "h100-07.dc2.example.net", "journal"),
         "%s NVRM: Xid (PCI:0000:db:00): 79, pid='<unknown>', name=<unknown>, GPU has fallen off the bus." % c.journal(0, "h100-07.dc2.example.net"),
         "%s NVRM: GPU 0000:db:00.0: GPU has fallen off the bus." % c.journal(0, "h100-07.dc2.example.net"),
         "%s pcieport 0000:d7:01.0: AER: Uncorrected (Fatal) error received: 0000:d7:01.0" % c.journal(0, "h100-07.dc2.example.net"),
         "%s pcieport 0000:d7:01.0: PCIe Bus Error: severity=Uncorrected (Fatal), type=Transaction Layer, (Receiver ID)" % c.journal(0, "h100-07.dc2.example.net")]
    c.add("h100-07/journalctl-k", k)
    sm = ["$ nvidia-smi", "Unable to determine the device handle for GPU0000:DB:00.0: Unknown Error",
          "$ nvidia-smi -L", "GPU 0: NVIDIA H100 80GB HBM3 (UUID: GPU-2d1a...)", "GPU 1: NVIDIA H100 80GB HBM3 (UUID: GPU-8e3b...)",
          "GPU 2: NVIDIA H100 80GB HBM3 (UUID: GPU-44c0...)", "GPU 3: NVIDIA H100 80GB HBM3 (UUID: GPU-1b7f...)",
          "GPU 4: NVIDIA H100 80GB HBM3 (UUID: GPU-90aa...)", "GPU 5: NVIDIA H100 80GB HBM3 (UUID: GPU-e012...)",
          "GPU 6: NVIDIA H100 80GB HBM3 (UUID: GPU-7c55...)"]
    c.add("h100-07/nvidia-smi", sm)
    return c


def rl3_27():
    """16 nodes, torchrun with [rankN]: prefixes only (PyTorch's own), gathered into one file by
    the platform. DCGM health on gpu-1512: GPU 1 DBE (Xid 48) - rank 89 dies; DCGM names the node by
    FQDN; the others time out."""
    hosts = ["gpu-%04d" % i for i in range(1501, 1517)]
    c = Case("case-rl3-27", "gpu_memory_uncorrectable_ecc", "gpu-1512/gpu1", hosts)
    c.set_alert("DCGMHealthFailure", {"Hostname": "gpu-1512.fleet.example.com", "gpu": "1", "system": "mem"},
                "DCGM health watch: memory failure on gpu-1512.fleet.example.com GPU 1")
    out = ["[rank0]:" + torch_step(c, -900 + 30 * i, 55100 + i, 1.552, 7.4 + c.rng.random() * 0.1) for i in range(8)]
    out += ["[rank89]:Traceback (most recent call last):",
            "[rank89]:  File \"/workspace/train.py\", line 290, in <module>",
            "[rank89]:    optimizer.step()",
            "[rank89]:RuntimeError: CUDA error: uncorrectable ECC error encountered",
            "[rank89]:CUDA kernel errors might be asynchronously reported at some other API call, so the stacktrace below might be incorrect."]
    for r in (0, 17, 64, 95, 127):
        out += ["[rank%d]:%s" % (r, l.split(":", 1)[1]) for l in watchdog(r, 1003304, extra=c.rng.randrange(5, 90))]
    c.add("platform/run-8812/ranks.log", out)
    d = ["$ dcgmi health -g 3 -c",
         "Health Monitor Report",
         "+----------------------------------------------------------------------------+",
         "| Overall Health:  Failure                                                   |",
         "| Entity: GPU 1 (gpu-1512.fleet.example.com)                                  |",
         "| -> Memory: Failure                                                         |",
         "|    A volatile double-bit ECC error has occurred (count 3) on GPU 1.         |",
         "|    Drain the GPU and reset it or reboot the node.                          |",
         "+----------------------------------------------------------------------------+"]
    c.add("dcgm/gpu-1512.fleet.example.com", d)
    k = ["%s NVRM: Xid (PCI:0000:2a:00): 48, pid=20981, name=python3, An uncorrectable double bit error (DBE) has been detected on GPU in the framebuffer at physical address 0x2b21f0000." % c.dmesg_t(-2),
         "%s NVRM: Xid (PCI:0000:2a:00): 63, pid=20981, name=python3, Row Remapping: New row marked for remapping, reset gpu to activate." % c.dmesg_t(-2),
         kernel_noise(c, 10)]
    c.add("gpu-1512/dmesg", k)
    return c


def rl3_28():
    """8 nodes srun -l per GPU. Loud: every rank's NCCL watchdog, and a host OOM message that is
    NOT the cause (an ops user's grep on the login node was OOM-killed). Real cause: node gpu-1205's
    Xid 79 on GPU 2 (rank 34)."""
    hosts = ["gpu-%04d" % i for i in range(1201, 1209)]
    c = Case("case-rl3-28", "gpu_fallen_off_bus", "gpu-1205/gpu2", hosts)
    c.set_alert("NCCLWatchdogTimeout", {"job": "sd3-finetune"}, "sd3-finetune: collective timeout on 63 ranks")
    out = slurm_header(c, hosts, 64, 8)
    for i in range(8):
        out.append("0: " + torch_step(c, -1000 + 13 * i, 3300 + i, 0.0912, 1.3 + c.rng.random() * 0.1))
    for r in (0, 9, 22, 31, 47, 63):
        out += ["%d: %s" % (r, l) for l in watchdog(r, 77190, op="ALLGATHER", extra=c.rng.randrange(5, 900))]
    out += ["34: [rank34]:[E ProcessGroupNCCL.cpp:1515] [PG 0 (default_pg) Rank 34] Process group watchdog thread terminated with exception: CUDA error: unknown error",
            "34: Compile with `TORCH_USE_CUDA_DSA` to enable device-side assertions.",
            "srun: error: gpu-1205: task 34: Aborted (core dumped)"]
    c.add("slurm-%d.out" % c.jobid, out)
    lg = ["%s Out of memory: Killed process 71120 (grep) total-vm:9120244kB, anon-rss:8820120kB, file-rss:0kB, shmem-rss:0kB, UID:1203 pgtables:17344kB oom_score_adj:0" % c.journal(-30, "login-02"),
          kernel_noise(c, -20, "login-02", "journal")]
    c.add("login-02/journal", lg)
    k = [kernel_noise(c, -2000, "gpu-1205.cl.example.com", "journal"),
         "%s NVRM: Xid (PCI:0000:3a:00): 79, pid='<unknown>', name=<unknown>, GPU has fallen off the bus." % c.journal(-1, "gpu-1205.cl.example.com"),
         "%s NVRM: GPU 0000:3a:00.0: GPU has fallen off the bus." % c.journal(-1, "gpu-1205.cl.example.com"),
         "%s NVRM: GPU 0000:3a:00.0: GPU serial number is 1652123004811." % c.journal(-1, "gpu-1205.cl.example.com")]
    c.add("gpu-1205/journalctl-k", k)
    return c


def rl3_29():
    """2 nodes, pdsh DeepSpeed. NCCL_IB_HCA lists mlx5_10..17 copied from another cluster; the
    nodes have mlx5_0..7: NCCL finds no IB device and falls back to sockets over a 25G port, then
    the job is 12x slower; later init fails on a peer. Job-wide misconfig."""
    hosts = ["ds-n1", "ds-n2"]
    c = Case("case-rl3-29", "nccl_network_misconfig", "job", hosts)
    c.set_alert("TrainingThroughputDrop", {"job": "dpo-8b"}, "dpo-8b: samples/s 12x below last run")
    out = ["[2026-%s] [INFO] [runner.py:568:main] cmd = pdsh -S -f 1024 -w ds-n1,ds-n2 export NCCL_IB_HCA=mlx5_10,mlx5_11,mlx5_12,mlx5_13,mlx5_14,mlx5_15,mlx5_16,mlx5_17; export NCCL_DEBUG=INFO; cd /work; python -u -m deepspeed.launcher.launch ..." % c.t(-2000).strftime("%m-%d %H:%M:%S,%f")[:-3]]
    for h, r in (("ds-n1", 0), ("ds-n2", 8)):
        p = "%s:%d:%d" % (h, 4100 + r, 4100 + r)
        out += ["%s: %s [0] NCCL INFO NCCL_IB_HCA set to mlx5_10,mlx5_11,mlx5_12,mlx5_13,mlx5_14,mlx5_15,mlx5_16,mlx5_17" % (h, p),
                "%s: %s [0] NCCL INFO NET/IB : No device found." % (h, p),
                "%s: %s [0] NCCL INFO NET/Socket : Using [0]enp86s0f0:10.20.0.%d<0>" % (h, p, 11 + r // 8),
                "%s: %s [0] NCCL INFO Using network Socket" % (h, p)]
    for i in range(8):
        out.append("ds-n1: [2026-%s] [INFO] [timer.py:260:stop] epoch=0/micro_step=%d/global_step=%d, RunningAvgSamplesPerSec=%.2f, CurrSamplesPerSec=%.2f, MemAllocated=40.1GB, MaxMemAllocated=61.2GB"
                   % (c.t(-900 + 100 * i).strftime("%m-%d %H:%M:%S,%f")[:-3], 100 + i, 100 + i, 3.1, 3.0 + c.rng.random() * 0.2))
    out += ["ds-n1: [2026-%s] [INFO] [logging.py:96:log_dist] [Rank 0] time (ms) | fwd: 412.11 | bwd: 9931.50 | bwd_inner: 802.77 | bwd_allreduce: 9128.61 | step: 61.20" % c.t(-50).strftime("%m-%d %H:%M:%S,%f")[:-3],
            "ds-n2: " + NOISE_APP[2],
            "$ ibv_devinfo -l   # on ds-n1 and ds-n2",
            "8 HCAs found:", "\tmlx5_0", "\tmlx5_1", "\tmlx5_2", "\tmlx5_3", "\tmlx5_4", "\tmlx5_5", "\tmlx5_6", "\tmlx5_7"]
    c.add("launcher/dpo-8b.log", out)
    return c


def rl3_30():
    """4 nodes srun -l --ntasks-per-node=1 torchrun. Loud: rank 16 (node 2, local 0) killed with
    SIGKILL, peers fail. Cause: the kernel OOM killer on gpu-c03 - pinned-memory prefetch grew
    host RSS; dmesg -T on that node."""
    hosts = ["gpu-c%02d" % i for i in range(1, 5)]
    c = Case("case-rl3-30", "host_oom", "gpu-c03", hosts)
    c.set_alert("SlurmJobFailed", {"job_id": str(c.jobid)}, "job %d failed: OUT_OF_MEMORY on 1 node" % c.jobid)
    out = slurm_header(c, hosts, 4, 1)
    for i in range(8):
        out.append("0: [default0]:" + torch_step(c, -800 + 40 * i, 1200 + i, 2.91 - 0.002 * i + c.rng.random() * 0.01, 3.8 + c.rng.random() * 0.1))
    out += ["2: W%s torch/distributed/elastic/multiprocessing/api.py:858] Sending process 61201 closing signal SIGTERM" % c.glog(2, ""),
            "2: E%s torch/distributed/elastic/multiprocessing/api.py:833] failed (exitcode: -9) local_rank: 0 (pid: 61200) of binary: /usr/bin/python" % c.glog(2, "")]
    out += ["2: " + l for l in elastic_fail(c, 2, "gpu-c03", [(16, 0, -9, 61200, "SIGKILL")], "train.py")]
    out += ["0: [default3]:[rank3]:[E ProcessGroupNCCL.cpp:1515] [PG 0 (default_pg) Rank 3] Process group watchdog thread terminated with exception: NCCL error: remote process exited or there was a network error, NCCL version 2.21.5",
            "1: [default1]:[rank9]:[E ProcessGroupNCCL.cpp:1515] [PG 0 (default_pg) Rank 9] Process group watchdog thread terminated with exception: NCCL error: remote process exited or there was a network error, NCCL version 2.21.5",
            "slurmstepd: error: Detected 1 oom_kill event in StepId=%d.0. Some of the step tasks have been OOM Killed." % c.jobid,
            "srun: error: gpu-c03: task 2: Out Of Memory"]
    c.add("slurm-%d.out" % c.jobid, out)
    k = [kernel_noise(c, -900),
         "%s python invoked oom-killer: gfp_mask=0x140dca(GFP_HIGHUSER_MOVABLE|__GFP_COMP|__GFP_ZERO), order=0, oom_score_adj=0" % c.dmesg_t(1),
         "%s oom-kill:constraint=CONSTRAINT_NONE,nodemask=(null),cpuset=/,mems_allowed=0-1,global_oom,task_memcg=/slurm/uid_20411/job_%d/step_0,task=python,pid=61200,uid=20411" % (c.dmesg_t(1), c.jobid),
         "%s Out of memory: Killed process 61200 (python) total-vm:1130440212kB, anon-rss:1031201880kB, file-rss:90112kB, shmem-rss:4120kB, UID:20411 pgtables:2113000kB oom_score_adj:0" % c.dmesg_t(1)]
    c.add("gpu-c03/dmesg-T", k)
    return c


CASES = [rl3_01, rl3_02, rl3_03, rl3_04, rl3_05, rl3_06, rl3_07, rl3_08, rl3_09, rl3_10,
         rl3_11, rl3_12, rl3_13, rl3_14, rl3_15, rl3_16, rl3_17, rl3_18, rl3_19, rl3_20,
         rl3_21, rl3_22, rl3_23, rl3_24, rl3_25, rl3_26, rl3_27, rl3_28, rl3_29, rl3_30]


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default=HERE)
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    for f in CASES:
        c = f()
        with open(os.path.join(args.out, c.id + ".json"), "w") as fh:
            fh.write(json.dumps(c.to_json(), indent=1) + "\n")
    print("wrote %d cases to %s" % (len(CASES), args.out))


if __name__ == "__main__":
    main()
