#!/usr/bin/env python3
"""Realistic-log diagnosis cases (evals/diagnosis/realistic/, case-rl01 ... ).

Each case is what an on-call engineer pastes: log lines in the shapes the real components print
(PyTorch ProcessGroupNCCL, NCCL WARN/INFO, the NVIDIA kernel driver's Xid lines, mlx5_core, the
Linux OOM killer, torchrun/elastic, DeepSpeed, Megatron-LM, Slurm, nvidia-smi -q, PCIe AER, NFS /
Lustre), mixed with ordinary noise, plus the scheduler's topology. No metrics and no probe
results: a paste has none. Written by hand from knowledge of these formats, before the reasoner
was run on them (see README.md). Deterministic: no randomness.

Usage: python3 evals/diagnosis/realistic/realistic_cases.py [--out DIR]
"""

import argparse
import datetime as dt
import json
import os

HERE = os.path.dirname(os.path.abspath(__file__))
PCI = ["0000:18:00.0", "0000:2a:00.0", "0000:3a:00.0", "0000:5d:00.0",
       "0000:9a:00.0", "0000:ab:00.0", "0000:ba:00.0", "0000:db:00.0"]


def topo(nodes, model="NVIDIA H100 80GB HBM3"):
    return {"gpu_model": model, "nodes": nodes, "gpus_per_node": 8,
            "rank_layout": "rank r runs on nodes[r // 8], local GPU r % 8",
            "gpu_pci_bus": {"gpu%d" % i: p for i, p in enumerate(PCI)}}


def xid_bus(gpu):
    """The PCI form the driver prints in 'NVRM: Xid (PCI:0000:9a:00): ...'."""
    return PCI[gpu][:-2]


class T:
    """Clock for one case: offsets in seconds before/after the alert."""

    def __init__(self, starts):
        self.base = dt.datetime.strptime(starts, "%Y-%m-%dT%H:%M:%SZ")
        self.starts = starts

    def at(self, s):
        return self.base + dt.timedelta(seconds=s)

    def iso(self, s):
        return self.at(s).strftime("%Y-%m-%dT%H:%M:%SZ")

    def py(self, s):  # Python logging / Megatron '[2026-12-01 23:41:07]'
        return self.at(s).strftime("%Y-%m-%d %H:%M:%S")

    def syslog(self, s):  # journalctl -k / syslog 'Dec 01 23:41:07'
        return self.at(s).strftime("%b %d %H:%M:%S")

    def dmesg_t(self, s):  # dmesg -T '[Tue Dec  1 23:41:07 2026]'
        a = self.at(s)
        return "[%s %s %2d %s %d]" % (a.strftime("%a"), a.strftime("%b"), a.day, a.strftime("%H:%M:%S"), a.year)


def kern(t, host, s, msg):
    return "%s %s kernel: %s" % (t.syslog(s), host, msg)


def kernel_noise(t, host, start, n):
    pool = [
        "IPv6: ADDRCONF(NETDEV_CHANGE): veth3a1c9e2: link becomes ready",
        "docker0: port 2(veth3a1c9e2) entered forwarding state",
        "nvidia-peermem: loading out-of-tree module taints kernel.",
        "EXT4-fs (nvme0n1p2): re-mounted. Opts: errors=remount-ro",
        "audit: type=1400 audit(1764631200.412:512): apparmor=\"STATUS\" operation=\"profile_replace\" name=\"nvidia_modprobe\"",
        "mlx5_core 0000:5e:00.0: mlx5_fw_tracer_handle_traces:838:(pid 1221): FWTracer: Events were lost",
        "systemd-journald[812]: Data hash table of /var/log/journal/system.journal has a fill level at 75.0 (3146 of 4194 items)",
        "nvme nvme0: 64/0/0 default/read/poll queues",
    ]
    return [kern(t, host, start + 37 * i, pool[(i * 3 + len(host)) % len(pool)]) for i in range(n)]


def megatron(t, s, it, ms=4112.0, loss=2.31, gn=0.41, scale="1.0", skipped=0, nan=0, total=500000,
             gbs=1024, lr="2.400000E-04", extra=""):
    return (" [%s] iteration %8d/%8d | consumed samples: %12d | elapsed time per iteration (ms): %.1f |"
            " learning rate: %s | global batch size: %5d | lm loss: %.6E |%s loss scale: %s | grad norm: %s |"
            " number of skipped iterations: %3d | number of nan iterations: %3d |"
            % (t.py(s), it, total, it * gbs, ms, lr, gbs, loss, extra, scale, gn, skipped, nan))


def megatron_run(t, s0, it0, n, ms=4112.0, loss=2.31, **kw):
    out = []
    for i in range(n):
        out.append(megatron(t, s0 + i * ms / 1000.0, it0 + i, ms=ms + (i * 7 % 13) - 6,
                            loss=loss - 0.0013 * i + (0.004 if i % 3 == 1 else 0.0), **kw))
    return out


def nccl_init(host, pid, rank, gpu, nranks, version="2.21.5+cuda12.4"):
    p = "%s:%d:%d" % (host, pid, pid)
    return [
        "%s [%d] NCCL INFO cudaDriverVersion 12040" % (p, gpu),
        "%s [%d] NCCL INFO Bootstrap : Using ibp24s0:10.3.4.%d<0>" % (p, gpu, 10 + rank // 8),
        "%s [%d] NCCL INFO NET/Plugin: No plugin found (libnccl-net.so), using internal implementation" % (p, gpu),
        "%s [%d] NCCL INFO NET/IB : Using [0]mlx5_0:1/IB [1]mlx5_3:1/IB [2]mlx5_4:1/IB [3]mlx5_5:1/IB [4]mlx5_6:1/IB [5]mlx5_9:1/IB [6]mlx5_10:1/IB [7]mlx5_11:1/IB ; OOB ibp24s0:10.3.4.%d<0>" % (p, gpu, 10 + rank // 8),
        "%s [%d] NCCL INFO Using network IB" % (p, gpu),
        "%s [%d] NCCL INFO comm 0x55d0c3a1e2f0 rank %d nranks %d cudaDev %d nvmlDev %d busId %s commId 0x7b2e41d9a0c3f115 - Init START" % (p, gpu, rank, nranks, gpu, gpu, PCI[gpu][5:].replace(":", "").replace(".", "")[:4] + "0"),
        "%s [%d] NCCL INFO Channel 00/32 :    0   1   2   3   4   5   6   7" % (p, gpu),
        "%s [%d] NCCL INFO comm 0x55d0c3a1e2f0 rank %d nranks %d cudaDev %d nvmlDev %d busId %s commId 0x7b2e41d9a0c3f115 - Init COMPLETE" % (p, gpu, rank, nranks, gpu, gpu, PCI[gpu][5:].replace(":", "").replace(".", "")[:4] + "0"),
    ]


def glog_stamp(s=-3):
    """The c10 log prefix time of ProcessGroupNCCL lines ('1201 23:41:07.512000000': PyTorch 2.4+
    prints nanoseconds in 9 digits and no thread id inside its brackets), at the case's clock."""
    return CLOCK[0].at(s).strftime("%m%d %H:%M:%S") + ".512000000"


def watchdog(rank, seq, ms=600000, ran=None, op="ALLREDUCE", numel=134217728):
    ran = ran or ms + 12 + rank % 7
    return ("[rank%d]:[E%s ProcessGroupNCCL.cpp:632] [Rank %d] Watchdog caught collective operation timeout: "
            "WorkNCCL(SeqNum=%d, OpType=%s, NumelIn=%d, NumelOut=%d, Timeout(ms)=%d) ran for %d milliseconds "
            "before timing out." % (rank, glog_stamp(), rank, seq, op, numel, numel, ms, ran))


def watchdog_tail(rank, seq):
    return [
        "[rank%d]:[E%s ProcessGroupNCCL.cpp:2168] [PG 0 (default_pg) Rank %d] Timeout at NCCL work: %d, last enqueued NCCL work: %d, last completed NCCL work: %d." % (rank, glog_stamp(), rank, seq, seq, seq - 1),
        "[rank%d]:[E%s ProcessGroupNCCL.cpp:646] [Rank %d] Some NCCL operations have failed or timed out. Due to the asynchronous nature of CUDA kernels, subsequent GPU operations might run on corrupted/incomplete data." % (rank, glog_stamp(), rank),
        "[rank%d]:[E%s ProcessGroupNCCL.cpp:652] [Rank %d] To avoid data inconsistency, we are taking the entire process down." % (rank, glog_stamp(), rank),
        "[rank%d]:[E%s ProcessGroupNCCL.cpp:1616] [PG 0 (default_pg) Rank %d] Exception (either an error or timeout) detected by watchdog at work: %d, last enqueued NCCL work: %d, last completed NCCL work: %d." % (rank, glog_stamp(), rank, seq, seq, seq - 1),
    ]


def child_failed(t, s, host, rank, local_rank, exitcode, pid, sig=None, first=None):
    lines = [
        "E1201 %s.%06d %d torch/distributed/elastic/multiprocessing/api.py:869] failed (exitcode: %d) local_rank: %d (pid: %d) of binary: /usr/bin/python3"
        % (t.at(s).strftime("%H:%M:%S"), 412000, pid - 40, exitcode, local_rank, pid),
        "Traceback (most recent call last):",
        "  File \"/usr/local/bin/torchrun\", line 8, in <module>",
        "    sys.exit(main())",
        "  File \"/usr/local/lib/python3.10/dist-packages/torch/distributed/run.py\", line 919, in main",
        "    run(args)",
        "torch.distributed.elastic.multiprocessing.errors.ChildFailedError: ",
        "============================================================",
        "pretrain_gpt.py FAILED",
        "------------------------------------------------------------",
        "Failures:",
        "  <NO_OTHER_FAILURES>",
        "------------------------------------------------------------",
        "Root Cause (first observed failure):",
        "[0]:",
        "  time      : %s_%s" % (t.at(s).strftime("%Y-%m-%d"), t.at(s).strftime("%H:%M:%S")),
        "  host      : %s" % host,
        "  rank      : %d (local_rank: %d)" % (rank, local_rank),
        "  exitcode  : %d (pid: %d)" % (exitcode, pid),
        "  error_file: <N/A>",
    ]
    if sig:
        lines.append("  traceback : Signal %d (%s) received by PID %d" % (-exitcode, sig, pid))
    else:
        lines.append("  traceback : To enable traceback see: https://pytorch.org/docs/stable/elastic/errors.html")
    lines.append("============================================================")
    return lines


def app_noise(t, s, k):
    pool = [
        "wandb: WARNING Step only supports monotonically increasing values, use define_metric to set a custom x axis.",
        "INFO:megatron.core.datasets.blended_megatron_dataset_builder:Building dataset splits with cls=GPTDataset, sizes=(512000000, 5120000, 5120), and config=GPTDatasetConfig",
        "/usr/local/lib/python3.10/dist-packages/torch/utils/checkpoint.py:464: UserWarning: torch.utils.checkpoint: the use_reentrant parameter should be passed explicitly.",
        "[%s] INFO: saved checkpoint at iteration 41000 to /lustre/ckpt/llama-70b (took 38.2 s)" % t.py(s),
        "INFO:torch.distributed.distributed_c10d:Rank 0: Completed store-based barrier for key:store_based_barrier_key:1 with 32 nodes.",
        "(min, max) time across ranks (ms):",
        "    forward-backward ...............................: (3951.12, 3966.40)",
        "    optimizer ......................................: (41.02, 41.88)",
    ]
    return [pool[(i * 5 + k) % len(pool)] for i in range(k)]


CLOCK = [None]  # the case being built (for glog_stamp)


class Case:
    def __init__(self, cid, starts, nodes, alert, summary, alert_node, expected, component, model=None):
        self.id = cid
        self.t = T(starts)
        CLOCK[0] = self.t
        self.nodes = nodes
        self.alert = {"labels": {"alertname": alert, "job": "llm-pretrain", "node": alert_node},
                      "annotations": {"summary": summary}, "startsAt": starts}
        self.logs = []
        self.topology = topo(nodes, model) if model else topo(nodes)
        self.expected = {"root_cause": expected, "component": component}

    def log(self, source, lines):
        self.logs.append({"source": source, "lines": list(lines)})

    def to_json(self):
        return {"id": self.id, "alert": self.alert, "logs": self.logs, "metrics": [], "probes": {},
                "topology": self.topology, "expected": self.expected}


# ------------------------------------------------------------------------------------------------
def rl01():
    # Xid 79 on one GPU; every rank reports the NCCL watchdog timeout.
    c = Case("case-rl01", "2026-12-01T23:52:10Z", ["gpu-a01", "gpu-a02"], "NCCLWatchdogTimeout",
             "16 of 16 ranks of job llm-pretrain hit the NCCL watchdog", "gpu-a01",
             "gpu_fallen_off_bus", "gpu-a02/gpu4")
    t = c.t
    r0 = nccl_init("gpu-a01", 51201, 0, 0, 16) + megatron_run(t, -660, 18220, 8)
    r0 += [watchdog(0, 91244)] + watchdog_tail(0, 91244)
    r0 += ["[rank%d]:[E1201 23:51:07.600000000 ProcessGroupNCCL.cpp:632] [Rank %d] Watchdog caught collective operation timeout: WorkNCCL(SeqNum=91244, OpType=ALLREDUCE, NumelIn=134217728, NumelOut=134217728, Timeout(ms)=600000) ran for 6000%d milliseconds before timing out." % (r, r, 10 + r) for r in (1, 2, 3, 9, 11)]
    r0 += child_failed(t, 5, "gpu-a01", 0, 0, -6, 51201, sig="SIGABRT")
    c.log("gpu-a01/rank0/stderr", r0)
    d = kernel_noise(t, "gpu-a02", -1400, 4)
    d += [kern(t, "gpu-a02", -640, "NVRM: GPU at PCI:0000:9a:00: GPU-5c2e7a1b-93d4-4f0e-b1a6-2a7c9e0d3f18"),
          kern(t, "gpu-a02", -640, "NVRM: Xid (PCI:0000:9a:00): 79, pid=51988, name=python3, GPU has fallen off the bus."),
          kern(t, "gpu-a02", -640, "NVRM: GPU 0000:9a:00.0: GPU has fallen off the bus."),
          kern(t, "gpu-a02", -639, "NVRM: A GPU crash dump has been created. If possible, please run"),
          kern(t, "gpu-a02", -639, "NVRM: nvidia-bug-report.sh as root to collect this data before"),
          kern(t, "gpu-a02", -639, "NVRM: the NVIDIA kernel module is unloaded."),
          kern(t, "gpu-a02", -600, "pcieport 0000:97:01.0: pciehp: Slot(12): Link Down")]
    d += kernel_noise(t, "gpu-a02", -300, 3)
    c.log("gpu-a02/journal", d)
    return c


def rl02():
    # Xid 48 DBE, the rank dies with 'uncorrectable ECC error encountered'.
    c = Case("case-rl02", "2026-12-01T21:07:44Z", ["node-11", "node-12", "node-13", "node-14"],
             "TrainingJobFailed", "job llm-pretrain exited with code 1", "node-11",
             "gpu_memory_uncorrectable_ecc", "node-13/gpu2")
    t = c.t
    r = megatron_run(t, -120, 77310, 10, ms=3310.0, loss=2.02)
    r += ["[rank18]: Traceback (most recent call last):",
          "[rank18]:   File \"/workspace/megatron/training/training.py\", line 1421, in train_step",
          "[rank18]:     losses_reduced = forward_backward_func(",
          "[rank18]: RuntimeError: CUDA error: uncorrectable ECC error encountered",
          "[rank18]: CUDA kernel errors might be asynchronously reported at some other API call, so the stacktrace below might be incorrect.",
          "[rank18]: For debugging consider passing CUDA_LAUNCH_BLOCKING=1",
          "[rank18]: Compile with `TORCH_USE_CUDA_DSA` to enable device-side assertions.",
          "[rank3]:[E1201 21:07:40.100000000 ProcessGroupNCCL.cpp:1616] [PG 0 (default_pg) Rank 3] Process group watchdog thread terminated with exception: NCCL communicator was aborted on rank 3.",
          "[rank25]:[E1201 21:07:40.200000000 ProcessGroupNCCL.cpp:1616] [PG 0 (default_pg) Rank 25] Process group watchdog thread terminated with exception: NCCL communicator was aborted on rank 25."]
    r += child_failed(t, 2, "node-13", 18, 2, 1, 30118)
    c.log("slurm-881243.out", r)
    d = kernel_noise(t, "node-13", -900, 3)
    d += [kern(t, "node-13", -6, "NVRM: Xid (PCI:0000:3a:00): 48, pid=30118, name=python3, An uncorrectable double bit error (DBE) has been detected on GPU in the framebuffer at partition 6, subpartition 0."),
          kern(t, "node-13", -6, "NVRM: Xid (PCI:0000:3a:00): 63, pid=30118, name=python3, Row Remapper: New row (0x00000000003d8f42) was marked for remapping, reset gpu to activate."),
          kern(t, "node-13", -5, "NVRM: Xid (PCI:0000:3a:00): 45, pid=30118, name=python3, Ch 00000010")]
    c.log("node-13/journal", d)
    return c


def rl03():
    # Xid 94 (contained) then 95 (uncontained) on an H100, nvidia-smi -q ECC section.
    c = Case("case-rl03", "2026-12-02T03:15:00Z", ["h100-017", "h100-018"], "GPUXidError",
             "Xid 95 on h100-018", "h100-018", "gpu_memory_uncorrectable_ecc", "h100-018/gpu6")
    t = c.t
    d = kernel_noise(t, "h100-018", -1100, 4)
    d += [kern(t, "h100-018", -30, "NVRM: Xid (PCI:0000:ba:00): 94, pid=77120, name=pt_main_thread, Contained: SM (0x1). RST: No, D-RST: No"),
          kern(t, "h100-018", -2, "NVRM: Xid (PCI:0000:ba:00): 95, pid='<unknown>', name=<unknown>, Uncontained: LTC TAG (0x2,0x0). RST: Yes, D-RST: No")]
    c.log("h100-018/journal", d)
    q = ["==============NVSMI LOG==============",
         "Timestamp                                 : Wed Dec  2 03:16:12 2026",
         "Driver Version                            : 550.90.07",
         "CUDA Version                              : 12.4",
         "Attached GPUs                             : 8",
         "GPU 00000000:BA:00.0",
         "    Product Name                          : NVIDIA H100 80GB HBM3",
         "    ECC Mode",
         "        Current                           : Enabled",
         "        Pending                           : Enabled",
         "    ECC Errors",
         "        Volatile",
         "            SRAM Correctable              : 0",
         "            SRAM Uncorrectable Parity     : 0",
         "            SRAM Uncorrectable SEC-DED    : 1",
         "            DRAM Correctable              : 14",
         "            DRAM Uncorrectable            : 2",
         "        Aggregate",
         "            SRAM Correctable              : 0",
         "            SRAM Uncorrectable Parity     : 0",
         "            SRAM Uncorrectable SEC-DED    : 1",
         "            DRAM Correctable              : 31",
         "            DRAM Uncorrectable            : 2",
         "    Retired Pages",
         "        Single Bit ECC                    : N/A",
         "        Double Bit ECC                    : N/A",
         "        Pending Page Blacklist            : N/A",
         "    Remapped Rows",
         "        Correctable Error                 : 0",
         "        Uncorrectable Error               : 2",
         "        Pending                           : Yes",
         "        Remapping Failure Occurred        : No"]
    c.log("h100-018/nvidia-smi-q", q)
    r = [megatron(t, -60 + 4 * i, 5120 + i, ms=3990.0 + i) for i in range(5)]
    r += ["[rank14]: RuntimeError: CUDA error: uncorrectable ECC error encountered",
          "[rank14]: CUDA kernel errors might be asynchronously reported at some other API call, so the stacktrace below might be incorrect."]
    c.log("h100-017/rank0/stdout", r)
    return c


def rl04():
    # Row-remap failure: Xid 64, nvidia-smi -q says Remapping Failure Occurred: Yes.
    c = Case("case-rl04", "2026-12-01T10:22:31Z", ["dgx-07", "dgx-08"], "GPUXidError",
             "Xid 64 on dgx-08", "dgx-08", "gpu_row_remap_failure", "dgx-08/gpu3")
    t = c.t
    d = kernel_noise(t, "dgx-08", -1500, 5)
    d += [kern(t, "dgx-08", -300, "NVRM: Xid (PCI:0000:5d:00): 63, pid=90211, name=python, Row Remapper: New row (0x0000000000a1c330) was marked for remapping, reset gpu to activate."),
          kern(t, "dgx-08", -4, "NVRM: Xid (PCI:0000:5d:00): 64, pid=90211, name=python, Row Remapper: Failed to remap row (0x0000000000a1c331) - remap table full"),
          kern(t, "dgx-08", -3, "NVRM: Xid (PCI:0000:5d:00): 48, pid=90211, name=python, An uncorrectable double bit error (DBE) has been detected on GPU in the framebuffer at partition 2, subpartition 1.")]
    c.log("dgx-08/journal", d)
    q = ["$ nvidia-smi -q -i 3 -d ROW_REMAPPER",
         "==============NVSMI LOG==============",
         "Timestamp                                 : Tue Dec  1 10:24:02 2026",
         "Driver Version                            : 535.183.01",
         "CUDA Version                              : 12.2",
         "Attached GPUs                             : 8",
         "GPU 00000000:5D:00.0",
         "    Remapped Rows",
         "        Correctable Error                 : 3",
         "        Uncorrectable Error               : 5",
         "        Pending                           : Yes",
         "        Remapping Failure Occurred        : Yes",
         "        Bank Remap Availability Histogram",
         "            Max                           : 632 bank(s)",
         "            High                          : 0 bank(s)",
         "            Partial                       : 3 bank(s)",
         "            Low                           : 1 bank(s)",
         "            None                          : 4 bank(s)"]
    c.log("dgx-08/nvidia-smi-q", q)
    return c


def rl05():
    # GSP firmware: Xid 119 RPC timeout, then Xid 120; nvidia-smi hangs.
    c = Case("case-rl05", "2026-12-01T14:40:00Z", ["gpu-b11", "gpu-b12"], "NCCLWatchdogTimeout",
             "8 of 16 ranks hit the NCCL watchdog", "gpu-b11", "gpu_firmware_error", "gpu-b12/gpu0")
    t = c.t
    d = kernel_noise(t, "gpu-b12", -1200, 3)
    d += [kern(t, "gpu-b12", -660, "NVRM: Xid (PCI:0000:18:00): 119, pid=4021, name=nv-hostengine, Timeout after 6s of waiting for RPC response from GPU0 GSP! Expected function 76 (GSP_RM_CONTROL) (0x20800a4c 0x4)."),
          kern(t, "gpu-b12", -660, "NVRM: GPU0 GSP RPC buffer contains function 76 (GSP_RM_CONTROL) and data 0x0000000020800a4c 0x0000000000000004."),
          kern(t, "gpu-b12", -660, "NVRM: GPU0 RPC history (CPU -> GSP):"),
          kern(t, "gpu-b12", -660, "NVRM:     entry function                   data0              data1              ts_start           ts_end             duration actively_polling"),
          kern(t, "gpu-b12", -660, "NVRM:      0    76   GSP_RM_CONTROL          0x0000000020800a4c 0x0000000000000004 0x00062b9a4c1e7c31 0x0000000000000000          y"),
          kern(t, "gpu-b12", -654, "NVRM: Xid (PCI:0000:18:00): 119, pid=51550, name=python3, Timeout after 6s of waiting for RPC response from GPU0 GSP! Expected function 10 (FREE) (0xa55a0040 0x0)."),
          kern(t, "gpu-b12", -640, "NVRM: Xid (PCI:0000:18:00): 120, pid=51550, name=python3, GSP task timeout @ pc:0x4ba1f2e, task: 1"),
          kern(t, "gpu-b12", -600, "NVRM: Rate limiting GSP RPC error prints for GPU at PCI:0000:18:00 (printing 1 of every 30).  The GPU likely needs to be reset.")]
    c.log("gpu-b12/journal", d)
    r = nccl_init("gpu-b11", 60110, 0, 0, 16) + megatron_run(t, -700, 3010, 6)
    r += [watchdog(rk, 22871) for rk in (0, 1, 2, 3, 5, 6, 7)]
    r += ["$ nvidia-smi  (on gpu-b12, after 120 s)", "^C  (no output; nvidia-smi did not return)"]
    c.log("gpu-b11/rank0/stderr", r)
    return c


def rl06():
    # NVLink fatal error Xid 74; the kernels see cudaErrorNvlinkUncorrectable.
    c = Case("case-rl06", "2026-12-01T08:02:55Z", ["n-31", "n-32"], "TrainingJobFailed",
             "job llm-pretrain exited with code 1", "n-31", "nvlink_error", "n-32/gpu5")
    t = c.t
    d = kernel_noise(t, "n-32", -1000, 3)
    d += [kern(t, "n-32", -8, "NVRM: Xid (PCI:0000:ab:00): 74, pid=12877, name=python, NVLink: fatal error detected on link 4(0x0, 0x0, 0x10000, 0x0, 0x0, 0x0, 0x0)"),
          kern(t, "n-32", -8, "NVRM: Xid (PCI:0000:ab:00): 74, pid=12877, name=python, NVLink: fatal error detected on link 5(0x0, 0x0, 0x10000, 0x0, 0x0, 0x0, 0x0)"),
          kern(t, "n-32", -7, "nvidia-nvswitch2: SXid (PCI:0000:07:00.0): 20034, Fatal, Link 38 LTSSM Fault Up"),
          kern(t, "n-32", -7, "nvidia-nvswitch2: SXid (PCI:0000:07:00.0): 20034, Severity 1 Engine instance 38 Sub-engine instance 00")]
    c.log("n-32/journal", d)
    r = megatron_run(t, -50, 900, 6, ms=6210.0)
    r += ["[rank13]: Traceback (most recent call last):",
          "[rank13]:   File \"/opt/megatron/megatron/core/tensor_parallel/mappings.py\", line 219, in forward",
          "[rank13]:     return _reduce(input_)",
          "[rank13]: torch.distributed.DistBackendError: NCCL error in: ../torch/csrc/distributed/c10d/ProcessGroupNCCL.cpp:2027, unhandled cuda error (run with NCCL_DEBUG=INFO for details), NCCL version 2.20.5",
          "[rank13]: ncclUnhandledCudaError: Call to CUDA function failed.",
          "[rank13]: Last error:",
          "[rank13]: Cuda failure 'uncorrectable NVLink error was detected during the execution'",
          "n-32:12877:13011 [5] NCCL INFO transport/p2p.cc:275 -> 1",
          "[rank12]: RuntimeError: CUDA error: uncorrectable NVLink error was detected during the execution"]
    c.log("n-31/rank0/stderr", r)
    return c


def rl07():
    # Thermal: nvidia-smi -q on the slow GPU shows HW and SW thermal slowdown; straggler report.
    c = Case("case-rl07", "2026-12-01T16:30:00Z", ["gx-01", "gx-02"], "TrainingThroughputLow",
             "tokens/s 28% below its 1 h median", "gx-01", "gpu_thermal_throttle", "gx-02/gpu7")
    t = c.t
    r = megatron_run(t, -300, 6100, 6, ms=4105.0)
    r += megatron_run(t, -270, 6106, 10, ms=5690.0)
    r += [" [%s] | MnRtt/Rnk: 3862.11ms/4 | MxRtt/Rnk: 5488.30ms/15 | MnPwr/Rnk: 541000.00W/15 | MxPwr/Rnk: 699000.00W/2 | MnTmp/Rnk: 51.00C/3 | MxTmp/Rnk: 89.00C/15 | MnUtl/Rnk: 94.00%%/4 | MxUtl/Rnk: 100.00%%/15 | MnClk/Rnk: 1095.00MHz/15 | MxClk/Rnk: 1980.00MHz/0 | MnDRtt/Rnk: 8.12ms/4 | MxDRtt/Rnk: 11.77ms/15 | MnEtpt/Rnk: 191.20TF/15 | MxEtpt/Rnk: 276.04TF/4" % t.py(-200)]
    c.log("gx-01/rank0/stdout", r)
    q = ["GPU 00000000:DB:00.0",
         "    Product Name                          : NVIDIA H100 80GB HBM3",
         "    Performance State                     : P0",
         "    Clocks Event Reasons",
         "        Idle                              : Not Active",
         "        Applications Clocks Setting       : Not Active",
         "        SW Power Cap                      : Not Active",
         "        HW Slowdown                       : Active",
         "            HW Thermal Slowdown           : Active",
         "            HW Power Brake Slowdown       : Not Active",
         "        Sync Boost                        : Not Active",
         "        SW Thermal Slowdown               : Active",
         "        Display Clock Setting             : Not Active",
         "    Temperature",
         "        GPU Current Temp                  : 89 C",
         "        GPU T.Limit Temp                  : -3 C",
         "        GPU Shutdown Temp                 : 92 C",
         "        GPU Slowdown Temp                 : 87 C",
         "        GPU Max Operating Temp            : 85 C",
         "        Memory Current Temp               : 81 C",
         "    Clocks",
         "        Graphics                          : 1095 MHz",
         "        SM                                : 1095 MHz",
         "        Memory                            : 2619 MHz"]
    c.log("gx-02/nvidia-smi-q", q)
    return c


def rl08():
    # Power brake on every GPU of one node (PSU lost), IPMI SEL; the job slows.
    c = Case("case-rl08", "2026-12-01T12:05:00Z", ["hgx-a1", "hgx-a2", "hgx-a3"], "TrainingThroughputLow",
             "step time 2.1x its 1 h median", "hgx-a1", "gpu_power_throttle", "hgx-a3")
    t = c.t
    r = megatron_run(t, -250, 44010, 5, ms=3720.0) + megatron_run(t, -230, 44015, 8, ms=7810.0)
    c.log("hgx-a1/rank0/stdout", r)
    sel = ["$ ipmitool sel elist | tail -4",
           " 1a3 | 12/01/2026 | 11:58:41 | Power Supply PSU3_Status | Failure detected () | Asserted",
           " 1a4 | 12/01/2026 | 11:58:41 | Power Supply PSU3_Status | Power Supply AC lost | Asserted",
           " 1a5 | 12/01/2026 | 11:58:42 | Power Unit PWR_Redundancy | Redundancy Lost | Asserted",
           "$ nvidia-smi --query-gpu=index,clocks.sm,power.draw,clocks_event_reasons.hw_power_brake_slowdown,clocks_event_reasons.sw_power_cap --format=csv",
           "index, clocks.sm [MHz], power.draw [W], clocks_event_reasons.hw_power_brake_slowdown, clocks_event_reasons.sw_power_cap"]
    sel += ["%d, %d MHz, %.2f W, Active, Not Active" % (g, 705 + 15 * (g % 3), 281.4 + 3.1 * g) for g in range(8)]
    sel += ["$ nvidia-smi -q -d PERFORMANCE -i 0 | sed -n '/Clocks Event Reasons/,/Sync Boost/p'",
            "    Clocks Event Reasons",
            "        Idle                              : Not Active",
            "        Applications Clocks Setting       : Not Active",
            "        SW Power Cap                      : Not Active",
            "        HW Slowdown                       : Active",
            "            HW Thermal Slowdown           : Not Active",
            "            HW Power Brake Slowdown       : Active",
            "        Sync Boost                        : Not Active"]
    c.log("hgx-a3/shell", sel)
    return c


def rl09():
    # PCIe link trained at Gen1: kernel bandwidth notice, AER corrected errors, lspci LnkSta.
    c = Case("case-rl09", "2026-12-01T19:44:00Z", ["node-201", "node-202"], "TrainingThroughputLow",
             "step time 1.6x its 1 h median since restart", "node-201", "pcie_link_degraded", "node-202/gpu1")
    t = c.t
    d = kernel_noise(t, "node-202", -1700, 3)
    d += [kern(t, "node-202", -1650, "pci 0000:2a:00.0: 32.000 Gb/s available PCIe bandwidth, limited by 2.5 GT/s PCIe x16 link at 0000:27:01.0 (capable of 504.112 Gb/s with 32.0 GT/s PCIe x16 link)"),
          kern(t, "node-202", -900, "pcieport 0000:27:01.0: AER: Corrected error received: 0000:2a:00.0"),
          kern(t, "node-202", -900, "nvidia 0000:2a:00.0: PCIe Bus Error: severity=Corrected, type=Physical Layer, (Receiver ID)"),
          kern(t, "node-202", -900, "nvidia 0000:2a:00.0:   device [10de:2330] error status/mask=00000001/0000e000"),
          kern(t, "node-202", -900, "nvidia 0000:2a:00.0:    [ 0] RxErr                  (First)"),
          kern(t, "node-202", -400, "pcieport 0000:27:01.0: AER: Multiple Corrected error received: 0000:2a:00.0"),
          kern(t, "node-202", -400, "nvidia 0000:2a:00.0: PCIe Bus Error: severity=Corrected, type=Data Link Layer, (Transmitter ID)"),
          kern(t, "node-202", -400, "nvidia 0000:2a:00.0:    [12] Timeout               ")]
    c.log("node-202/journal", d)
    l = ["$ sudo lspci -vvv -s 2a:00.0 | grep -E 'LnkCap|LnkSta'",
         "\t\tLnkCap:\tPort #0, Speed 32GT/s, Width x16, ASPM not supported",
         "\t\tLnkSta:\tSpeed 2.5GT/s (downgraded), Width x16",
         "\t\tLnkCap2: Supported Link Speeds: 2.5-32GT/s, Crosslink- Retimer+ 2Retimers+ DRS-",
         "\t\tLnkSta2: Current De-emphasis Level: -3.5dB, EqualizationComplete- EqualizationPhase1-"]
    c.log("node-202/shell", l)
    r = megatron_run(t, -120, 300, 6, ms=6302.0)
    c.log("node-201/rank0/stdout", r)
    return c


def rl10():
    # SDC: one rank's local grad norm is NaN again and again (Megatron's check), others are fine.
    # (the 'replica checksum mismatch' line is an in-house monitor's format.)
    c = Case("case-rl10", "2026-12-01T05:12:00Z", ["trn-41", "trn-42", "trn-43", "trn-44"], "TrainingJobFailed",
             "job llm-pretrain exited with code 1", "trn-41", "gpu_silent_data_corruption", "trn-43/gpu5")
    t = c.t
    r = megatron_run(t, -900, 120400, 5, ms=5120.0, loss=1.88)
    r += ["[rank21]: Traceback (most recent call last):",
          "[rank21]:   File \"/workspace/megatron/core/distributed/param_and_grad_buffer.py\", line 144, in check_for_nan_in_grad",
          "[rank21]:     assert not norm_is_nan, (",
          "[rank21]: AssertionError: Rank 21: found NaN in local grad norm in backward pass before data-parallel communication collective. Device: 5, node: trn-43"]
    r += child_failed(t, -860, "trn-43", 21, 5, 1, 88121)
    r += ["[%s] INFO: restarting from checkpoint iter_0120000 (attempt 2/5)" % t.py(-700)]
    r += megatron_run(t, -600, 120001, 4, ms=5118.0, loss=1.89)
    r += ["[rank21]: AssertionError: Rank 21: found NaN in local grad norm in backward pass before data-parallel communication collective. Device: 5, node: trn-43"]
    r += ["[%s] INFO: restarting from checkpoint iter_0120000 (attempt 3/5), excluding nothing" % t.py(-400)]
    r += megatron_run(t, -300, 120001, 4, ms=5121.0, loss=1.89)
    r += ["[rank21]: AssertionError: Rank 21: found NaN in local grad norm in backward pass before data-parallel communication collective. Device: 5, node: trn-43",
          "[%s] WARNING: replica checksum mismatch at iteration 120003: dp-rank 2 (global rank 21) differs from 3 other replicas of the same shard" % t.py(-10)]
    c.log("trn-41/rank0/stdout", r)
    return c


def rl11():
    # IB: a cable goes down on one HCA; peers see status=12 completion errors; every rank times out.
    c = Case("case-rl11", "2026-12-01T02:31:09Z", ["ib-n01", "ib-n02", "ib-n03", "ib-n04"], "NCCLWatchdogTimeout",
             "32 of 32 ranks hit the NCCL watchdog", "ib-n01", "ib_link_failure", "ib-n03/mlx5_3")
    t = c.t
    r = nccl_init("ib-n01", 31000, 0, 0, 32) + megatron_run(t, -700, 9100, 4)
    r += ["ib-n01:31000:31411 [0] transport/net_ib.cc:1696 NCCL WARN NET/IB : Got completion from peer 10.3.4.12<48213> with status=12 opcode=0 len=0 vendor_err 129 req 1 localGid ::ffff:10.3.4.10 remoteGids::ffff:10.3.4.12 hca mlx5_0",
          "ib-n01:31000:31411 [0] NCCL INFO transport/net.cc:1296 -> 6",
          "ib-n01:31000:31411 [0] NCCL INFO proxy.cc:698 -> 6",
          "ib-n01:31000:31411 [0] NCCL INFO proxy.cc:878 -> 6 [Progress Thread]",
          "ib-n02:40211:40630 [1] transport/net_ib.cc:1696 NCCL WARN NET/IB : Got completion from peer 10.3.4.12<48219> with status=12 opcode=0 len=0 vendor_err 129 req 1 localGid ::ffff:10.3.4.11 remoteGids::ffff:10.3.4.12 hca mlx5_3",
          "ib-n04:22991:23330 [1] transport/net_ib.cc:1696 NCCL WARN NET/IB : Got completion from peer 10.3.4.12<48231> with status=12 opcode=0 len=0 vendor_err 129 req 1 localGid ::ffff:10.3.4.13 remoteGids::ffff:10.3.4.12 hca mlx5_3"]
    r += [watchdog(rk, 30012) for rk in (0, 1, 8, 9, 24, 25)]
    r += ["[rank0]:[E1201 02:31:08.700000000 ProcessGroupNCCL.cpp:1616] [PG 0 (default_pg) Rank 0] Process group watchdog thread terminated with exception: NCCL error: remote process exited or there was a network error, NCCL version 2.21.5",
          "ncclRemoteError: A call failed possibly due to a network error or a remote process exiting prematurely.",
          "Last error:",
          "NET/IB : Got completion from peer 10.3.4.12<48213> with status=12 opcode=0 len=0 vendor_err 129 req 1 localGid ::ffff:10.3.4.10 remoteGids::ffff:10.3.4.12 hca mlx5_0"]
    c.log("ib-n01/rank0/stderr", r)
    d = kernel_noise(t, "ib-n03", -1000, 3)
    d += [kern(t, "ib-n03", -640, "mlx5_core 0000:5e:00.0: Port module event: module 3, Cable unplugged"),
          kern(t, "ib-n03", -640, "mlx5_core 0000:5e:00.0 ibp94s0: Link down"),
          kern(t, "ib-n03", -610, "mlx5_core 0000:5e:00.0: Port module event: module 3, Cable plugged"),
          kern(t, "ib-n03", -605, "mlx5_core 0000:5e:00.0 ibp94s0: Link up"),
          kern(t, "ib-n03", -590, "mlx5_core 0000:5e:00.0 ibp94s0: Link down")]
    c.log("ib-n03/journal", d)
    s = ["$ ibstat mlx5_3", "CA 'mlx5_3'", "\tCA type: MT4129", "\tNumber of ports: 1", "\tPort 1:",
         "\t\tState: Down", "\t\tPhysical state: Polling", "\t\tRate: 10", "\t\tLink layer: InfiniBand"]
    c.log("ib-n03/shell", s)
    return c


def rl12():
    # NCCL_SOCKET_IFNAME names an interface that does not exist on the new nodes.
    c = Case("case-rl12", "2026-12-01T09:00:41Z", ["gpu-c01", "gpu-c02"], "TrainingJobFailed",
             "job llm-pretrain exited with code 1 within 40 s of start", "gpu-c01", "nccl_network_misconfig", "job")
    t = c.t
    r = ["[%s] INFO: using torch 2.4.0+cu124, NCCL 2.21.5, world size 16" % t.py(-40)] + app_noise(t, -39, 3)
    r += ["gpu-c01:11021:11021 [0] NCCL INFO NCCL_SOCKET_IFNAME set by environment to eth0",
          "gpu-c01:11021:11021 [0] NCCL INFO NCCL_DEBUG set by environment to INFO",
          "gpu-c01:11021:11021 [0] bootstrap.cc:47 NCCL WARN Bootstrap : no socket interface found",
          "gpu-c01:11021:11021 [0] NCCL INFO init.cc:1843 -> 3",
          "gpu-c02:30877:30877 [3] NCCL INFO NCCL_SOCKET_IFNAME set by environment to eth0",
          "gpu-c02:30877:30877 [3] bootstrap.cc:47 NCCL WARN Bootstrap : no socket interface found",
          "[rank0]: Traceback (most recent call last):",
          "[rank0]:   File \"/workspace/train.py\", line 88, in <module>",
          "[rank0]:     dist.barrier()",
          "[rank0]: torch.distributed.DistBackendError: NCCL error in: ../torch/csrc/distributed/c10d/ProcessGroupNCCL.cpp:1970, internal error - please report this issue to the NCCL developers, NCCL version 2.21.5",
          "[rank0]: ncclInternalError: Internal check failed.",
          "[rank0]: Last error:",
          "[rank0]: Bootstrap : no socket interface found"]
    r += child_failed(t, -1, "gpu-c01", 0, 0, 1, 11021)
    c.log("gpu-c01/rank0/stderr", r)
    ip = ["$ ip -br link", "lo               UNKNOWN        00:00:00:00:00:00 <LOOPBACK,UP,LOWER_UP>",
          "ens21f0np0       UP             b8:3f:d2:1a:44:10 <BROADCAST,MULTICAST,UP,LOWER_UP>",
          "ibp24s0          UP             00:00:10:29:fe:80:00:00:00:00:00:00:a0:88:c2:03:00:4e:1c:22 <BROADCAST,MULTICAST,UP,LOWER_UP>"]
    c.log("gpu-c01/shell", ip)
    return c


def rl13():
    # RoCE: wrong GID index, ibv_modify_qp fails at connect on every rank.
    c = Case("case-rl13", "2026-12-01T11:11:11Z", ["roce-01", "roce-02"], "TrainingJobFailed",
             "job llm-pretrain exited with code 1 at its first collective", "roce-01", "nccl_network_misconfig", "job")
    t = c.t
    r = ["roce-01:7001:7001 [0] NCCL INFO NCCL_IB_GID_INDEX set by environment to 0",
         "roce-01:7001:7001 [0] NCCL INFO NET/IB : Using [0]mlx5_0:1/RoCE [1]mlx5_1:1/RoCE [2]mlx5_2:1/RoCE [3]mlx5_3:1/RoCE ; OOB ens21f0np0:192.168.40.11<0>",
         "roce-01:7001:7001 [0] NCCL INFO Using network IB",
         "roce-01:7001:7200 [0] NCCL INFO Channel 00/0 : 0[0] -> 8[0] [send] via NET/IB/0",
         "roce-01:7001:7200 [0] misc/ibvwrap.cc:262 NCCL WARN Call to ibv_modify_qp failed with error Network is unreachable",
         "roce-01:7001:7200 [0] NCCL INFO transport/net_ib.cc:1042 -> 2",
         "roce-01:7001:7200 [0] NCCL INFO transport/net.cc:867 -> 2",
         "roce-02:7302:7499 [0] misc/ibvwrap.cc:262 NCCL WARN Call to ibv_modify_qp failed with error Network is unreachable",
         "roce-02:7302:7499 [0] NCCL INFO transport/net_ib.cc:1042 -> 2",
         "roce-01:7003:7210 [2] misc/ibvwrap.cc:262 NCCL WARN Call to ibv_modify_qp failed with error Network is unreachable",
         "[rank0]: torch.distributed.DistBackendError: NCCL error in: ../torch/csrc/distributed/c10d/ProcessGroupNCCL.cpp:1970, unhandled system error (run with NCCL_DEBUG=INFO for details), NCCL version 2.21.5",
         "[rank0]: ncclSystemError: System call (e.g. socket, malloc) or external library call failed or device error. ",
         "[rank0]: Last error:",
         "[rank0]: Call to ibv_modify_qp failed with error Network is unreachable"]
    r += child_failed(t, -1, "roce-01", 0, 0, 1, 7001)
    c.log("roce-01/rank0/stderr", ["[%s] INFO: world size 16, tp 8, pp 1" % t.py(-60)] + app_noise(t, -59, 2) + r)
    g = ["$ show_gids mlx5_0", "DEV\tPORT\tINDEX\tGID\t\t\t\t\tIPv4  \t\tVER\tDEV",
         "---\t----\t-----\t---\t\t\t\t\t------------  \t---\t---",
         "mlx5_0\t1\t0\tfe80:0000:0000:0000:ba3f:d2ff:fe1a:4410\t\t\tv1\tens21f0np0",
         "mlx5_0\t1\t1\tfe80:0000:0000:0000:ba3f:d2ff:fe1a:4410\t\t\tv2\tens21f0np0",
         "mlx5_0\t1\t2\t0000:0000:0000:0000:0000:ffff:c0a8:280b\t192.168.40.11  \tv1\tens21f0np0",
         "mlx5_0\t1\t3\t0000:0000:0000:0000:0000:ffff:c0a8:280b\t192.168.40.11  \tv2\tens21f0np0"]
    c.log("roce-01/shell", g)
    return c


def rl14():
    # Collective hang: rank 11 never enqueues the all-reduce the others wait in; no error anywhere.
    c = Case("case-rl14", "2026-12-01T22:20:00Z", ["hg-01", "hg-02"], "NCCLWatchdogTimeout",
             "15 of 16 ranks hit the NCCL watchdog", "hg-01", "nccl_collective_hang", "hg-02/gpu3")
    t = c.t
    r = megatron_run(t, -700, 2200, 6)
    for rk in (0, 1, 4, 7, 8, 12, 15):
        r.append(watchdog(rk, 60120))
        r.append("[rank%d]:[E1201 22:19:58.900000000 ProcessGroupNCCL.cpp:2168] [PG 0 (default_pg) Rank %d] Timeout at NCCL work: 60120, last enqueued NCCL work: 60120, last completed NCCL work: 60119." % (rk, rk))
    r += ["[rank11]:[E1201 22:19:59.100000000 ProcessGroupNCCL.cpp:1285] [PG 0 (default_pg) Rank 11] ProcessGroupNCCL's watchdog got stuck for 480 seconds without making progress in monitoring enqueued collectives. This typically indicates a NCCL/CUDA API (e.g., CudaEventDestroy) hang blocking the watchdog, and could be triggered by another thread holding the GIL inside a CUDA api (for example, CudaEventDestroy), or other deadlock-prone behaviors.",
          "[rank11]:[E1201 22:19:59.100000000 ProcessGroupNCCL.cpp:1330] [PG 0 (default_pg) Rank 11] last enqueued NCCL work: 60119, last completed NCCL work: 60119.",
          "[rank0]:[E1201 22:20:00.200000000 ProcessGroupNCCL.cpp:1377] [PG 0 (default_pg) Rank 0] Observed flight recorder dump signal from another rank via TCPStore.",
          "[rank0]:[E1201 22:20:00.200000000 ProcessGroupNCCL.cpp:1402] [PG 0 (default_pg) Rank 0] Received a dump signal due to a collective timeout from  rank 4 and we will try our best to dump the debug info. Last enqueued NCCL work: 60120, last completed NCCL work: 60119.This is most likely caused by incorrect usages of collectives, e.g., wrong sizes used across ranks, the order of collectives is not same for all the ranks or the scheduled collective, for some reason, didn't run. Additionally, this can be caused by GIL deadlock or other reasons such as network errors or bugs in the communications library (e.g. NCCL), etc."]
    c.log("hg-01/rank0/stderr", r)
    s = ["$ py-spy dump --pid 40611   # rank 11 on hg-02",
         "Process 40611: /usr/bin/python3 -u pretrain_gpt.py",
         "Python v3.10.12 (/usr/bin/python3.10)",
         "Thread 40611 (idle): \"MainThread\"",
         "    wait (threading.py:320)",
         "    get (queue.py:171)",
         "    _next_eval_batch (trainer/eval_hooks.py:212)",
         "    maybe_run_eval (trainer/eval_hooks.py:147)",
         "    train_step (pretrain_gpt.py:402)",
         "Thread 40977 (idle): \"pt_nccl_watchdg\""]
    c.log("hg-02/shell", s)
    return c


def rl15():
    # Segfault in one rank; its peers see the socket closed and the communicator aborted.
    c = Case("case-rl15", "2026-12-01T04:44:44Z", ["cn-101", "cn-102"], "TrainingJobFailed",
             "job llm-pretrain exited with code 1", "cn-101", "rank_process_crash", "cn-102/gpu6")
    t = c.t
    r = nccl_init("cn-101", 20100, 0, 0, 16) + megatron_run(t, -80, 13300, 8)
    r += ["cn-101:20100:20533 [0] misc/socket.cc:538 NCCL WARN socketProgress: Connection closed by remote peer cn-102<41388>",
          "cn-101:20100:20533 [0] NCCL INFO misc/socket.cc:789 -> 6",
          "cn-101:20100:20533 [0] NCCL INFO transport/net_socket.cc:474 -> 6",
          "cn-101:20104:20540 [4] transport/net_ib.cc:1696 NCCL WARN NET/IB : Got completion from peer 10.3.4.11<47120> with status=5 opcode=0 len=0 vendor_err 249 req 1 localGid ::ffff:10.3.4.10 remoteGids::ffff:10.3.4.11 hca mlx5_4",
          "[rank0]:[E1201 04:44:40.100000000 ProcessGroupNCCL.cpp:1616] [PG 0 (default_pg) Rank 0] Process group watchdog thread terminated with exception: NCCL error: remote process exited or there was a network error, NCCL version 2.21.5",
          "[rank4]:[E1201 04:44:40.300000000 ProcessGroupNCCL.cpp:1616] [PG 0 (default_pg) Rank 4] Process group watchdog thread terminated with exception: NCCL communicator was aborted on rank 4."]
    c.log("cn-101/rank0/stderr", r)
    d = kernel_noise(t, "cn-102", -600, 3)
    d += [kern(t, "cn-102", -6, "pt_autograd_0[41388]: segfault at 18 ip 00007f3c1a2b4e57 sp 00007f3a55ffe9b0 error 4 in libtorch_cuda.so[7f3c18e00000+4a1f000] likely on CPU 71 (core 23, socket 1)"),
          kern(t, "cn-102", -6, "Code: 48 8b 47 18 48 85 c0 74 0d 48 8b 40 08 c3 0f 1f 80 00 00 00 00 31 c0 c3 66 2e 0f 1f 84 00 00 00 00 00 f3 0f 1e fa 41 57 41 56")]
    c.log("cn-102/journal", d)
    e = child_failed(t, -2, "cn-102", 14, 6, -11, 41388, sig="SIGSEGV")
    c.log("cn-102/torchrun", e)
    return c


def rl16():
    # SIGABRT in one rank (heap corruption in a custom extension); torchrun exitcode -6.
    c = Case("case-rl16", "2026-12-01T13:13:13Z", ["w-01", "w-02", "w-03"], "TrainingJobFailed",
             "job llm-pretrain exited with code 1", "w-01", "rank_process_crash", "w-03/gpu2")
    t = c.t
    r = megatron_run(t, -90, 70010, 10, ms=4201.0)
    r += ["double free or corruption (!prev)",
          "[rank18]:[E1201 13:13:07.500000000 ProcessGroupNCCL.cpp:1616] [PG 0 (default_pg) Rank 18] Process group watchdog thread terminated with exception: NCCL communicator was aborted on rank 18.",
          "w-01:9901:10332 [1] misc/socket.cc:538 NCCL WARN socketProgress: Connection closed by remote peer w-03<52210>",
          "[rank1]:[E1201 13:13:08.000000000 ProcessGroupNCCL.cpp:1616] [PG 0 (default_pg) Rank 1] Process group watchdog thread terminated with exception: NCCL error: remote process exited or there was a network error, NCCL version 2.21.5"]
    r += child_failed(t, -3, "w-03", 18, 2, -6, 71233, sig="SIGABRT")
    r += ["srun: error: w-03: task 18: Exited with exit code 1",
          "srun: error: w-01: tasks 0-7: Exited with exit code 1",
          "srun: error: w-02: tasks 8-15: Exited with exit code 1"]
    c.log("slurm-90111.out", r)
    return c


def rl17():
    # CUDA OOM on one rank (modern wording); everyone else times out in the watchdog.
    c = Case("case-rl17", "2026-12-01T17:45:00Z", ["a-01", "a-02"], "NCCLWatchdogTimeout",
             "15 of 16 ranks hit the NCCL watchdog", "a-01", "cuda_oom", "a-02/gpu5", model="NVIDIA H200")
    t = c.t
    r = megatron_run(t, -650, 400, 6, ms=9100.0)
    r += ["[rank13]: Traceback (most recent call last):",
          "[rank13]:   File \"/workspace/megatron/core/pipeline_parallel/schedules.py\", line 274, in forward_step",
          "[rank13]:     output_tensor, loss_func = forward_step_func(data_iterator, model)",
          "[rank13]: torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 2.00 GiB. GPU 5 has a total capacity of 139.81 GiB of which 1.21 GiB is free. Process 61213 has 138.58 GiB memory in use. Of the allocated memory 131.02 GiB is allocated by PyTorch, and 5.91 GiB is reserved by PyTorch but unallocated. If reserved but unallocated memory is large try setting PYTORCH_CUDA_ALLOC_CONF=expandable_segments:True to avoid fragmentation.  See documentation for Memory Management  (https://pytorch.org/docs/stable/notes/cuda.html#environment-variables)"]
    r += [watchdog(rk, 4410, op="_ALLGATHER_BASE", numel=52428800) for rk in (0, 2, 5, 8, 9, 15)]
    r += child_failed(t, 5, "a-01", 0, 0, -6, 55000, sig="SIGABRT")
    c.log("a-01/rank0/stderr", r)
    c.log("a-02/torchrun", child_failed(t, -30, "a-02", 13, 5, 1, 61213))
    return c


def rl18():
    # Illegal memory access in an application kernel; Xid 13 in dmesg on that GPU.
    c = Case("case-rl18", "2026-12-01T06:06:06Z", ["k-01", "k-02"], "TrainingJobFailed",
             "job llm-pretrain exited with code 1", "k-01", "illegal_memory_access", "k-02/gpu6")
    t = c.t
    r = megatron_run(t, -40, 830, 6, ms=4044.0)
    r += ["[rank14]: Traceback (most recent call last):",
          "[rank14]:   File \"/workspace/custom_ops/fused_rope.py\", line 61, in forward",
          "[rank14]:     torch.cuda.synchronize()",
          "[rank14]: RuntimeError: CUDA error: an illegal memory access was encountered",
          "[rank14]: CUDA kernel errors might be asynchronously reported at some other API call, so the stacktrace below might be incorrect.",
          "[rank14]: For debugging consider passing CUDA_LAUNCH_BLOCKING=1",
          "[rank14]: Compile with `TORCH_USE_CUDA_DSA` to enable device-side assertions.",
          "[rank6]:[E1201 06:06:03.000000000 ProcessGroupNCCL.cpp:1616] [PG 0 (default_pg) Rank 6] Process group watchdog thread terminated with exception: NCCL communicator was aborted on rank 6."]
    c.log("k-01/rank0/stderr", r)
    d = kernel_noise(t, "k-02", -900, 3)
    d += [kern(t, "k-02", -5, "NVRM: Xid (PCI:0000:ba:00): 13, pid=20911, name=python3, Graphics SM Warp Exception on (GPC 4, TPC 3, SM 1): Out Of Range Address"),
          kern(t, "k-02", -5, "NVRM: Xid (PCI:0000:ba:00): 13, pid=20911, name=python3, Graphics SM Global Exception on (GPC 4, TPC 3, SM 1): Multiple Warp Errors"),
          kern(t, "k-02", -5, "NVRM: Xid (PCI:0000:ba:00): 13, pid=20911, name=python3, Graphics Exception: ESR 0x525f48=0x102000e 0x525f50=0x20 0x525f44=0xd3eff2 0x525f4c=0x17f"),
          kern(t, "k-02", -4, "NVRM: Xid (PCI:0000:ba:00): 43, pid=20911, name=python3, Ch 00000008")]
    c.log("k-02/journal", d)
    return c


def rl19():
    # Device-side assert (index out of range) on one rank.
    c = Case("case-rl19", "2026-12-01T15:00:20Z", ["m-01", "m-02"], "TrainingJobFailed",
             "job llm-pretrain exited with code 1", "m-01", "illegal_memory_access", "m-01/gpu3")
    t = c.t
    r = ["[%s] INFO: step 120 | loss 4.112 | lr 3.0e-05 | tok/s 611204" % t.py(-30 + i) for i in range(6)]
    r += ["../aten/src/ATen/native/cuda/Indexing.cu:1289: indexSelectLargeIndex: block: [301,0,0], thread: [%d,0,0] Assertion `srcIndex < srcSelectDimSize` failed." % th for th in (96, 97, 98, 99)]
    r += ["[rank3]: Traceback (most recent call last):",
          "[rank3]:   File \"/workspace/model/embedding.py\", line 40, in forward",
          "[rank3]:     return F.embedding(ids, self.weight)",
          "[rank3]: RuntimeError: CUDA error: device-side assert triggered",
          "[rank3]: CUDA kernel errors might be asynchronously reported at some other API call, so the stacktrace below might be incorrect.",
          "[rank3]: For debugging consider passing CUDA_LAUNCH_BLOCKING=1",
          "[rank3]: Compile with `TORCH_USE_CUDA_DSA` to enable device-side assertions."]
    r += child_failed(t, -1, "m-01", 3, 3, 1, 8803)
    c.log("m-01/rank0/stderr", r)
    return c


def rl20():
    # Global OOM killer kills one rank (-9); the others abort on NCCL errors.
    c = Case("case-rl20", "2026-12-01T20:20:20Z", ["cpu-heavy-1", "cpu-heavy-2"], "NCCLWatchdogTimeout",
             "8 ranks aborted with NCCL errors", "cpu-heavy-1", "host_oom", "cpu-heavy-2")
    t = c.t
    r = megatron_run(t, -100, 5500, 6)
    r += ["cpu-heavy-1:3300:3711 [2] misc/socket.cc:538 NCCL WARN socketProgress: Connection closed by remote peer cpu-heavy-2<50314>",
          "[rank2]:[E1201 20:20:14.000000000 ProcessGroupNCCL.cpp:1616] [PG 0 (default_pg) Rank 2] Process group watchdog thread terminated with exception: NCCL communicator was aborted on rank 2.",
          "[rank5]:[E1201 20:20:14.100000000 ProcessGroupNCCL.cpp:1616] [PG 0 (default_pg) Rank 5] Process group watchdog thread terminated with exception: NCCL communicator was aborted on rank 5."]
    r += child_failed(t, -8, "cpu-heavy-2", 11, 3, -9, 62291, sig="SIGKILL")
    c.log("cpu-heavy-1/rank0/stderr", r)
    d = kernel_noise(t, "cpu-heavy-2", -800, 2)
    d += [kern(t, "cpu-heavy-2", -9, "python3 invoked oom-killer: gfp_mask=0x140cca(GFP_HIGHUSER_MOVABLE|__GFP_COMP), order=0, oom_score_adj=0"),
          kern(t, "cpu-heavy-2", -9, "CPU: 44 PID: 62301 Comm: python3 Tainted: P           OE      6.5.0-35-generic #35~22.04.1-Ubuntu"),
          kern(t, "cpu-heavy-2", -9, "Mem-Info:"),
          kern(t, "cpu-heavy-2", -9, "active_anon:493812211 inactive_anon:1021388 isolated_anon:0"),
          kern(t, "cpu-heavy-2", -9, "oom-kill:constraint=CONSTRAINT_NONE,nodemask=(null),cpuset=/,mems_allowed=0-1,global_oom,task_memcg=/user.slice/user-1000.slice/session-4.scope,task=python3,pid=62291,uid=1000"),
          kern(t, "cpu-heavy-2", -9, "Out of memory: Killed process 62291 (python3) total-vm:1981338112kB, anon-rss:211933104kB, file-rss:98312kB, shmem-rss:2097152kB, UID:1000 pgtables:417604kB oom_score_adj:0"),
          kern(t, "cpu-heavy-2", -7, "oom_reaper: reaped process 62291 (python3), now anon-rss:0kB, file-rss:0kB, shmem-rss:2097152kB")]
    c.log("cpu-heavy-2/journal", d)
    return c


def rl21():
    # Slurm cgroup OOM: slurmstepd reports oom_kill events, srun 'task 3: Out Of Memory'.
    c = Case("case-rl21", "2026-12-01T07:30:00Z", ["gpu-d01", "gpu-d02"], "TrainingJobFailed",
             "job 772190 failed", "gpu-d01", "host_oom", "gpu-d02")
    t = c.t
    r = [megatron(t, -200 + 4 * i, 100 + i, ms=4001.0) for i in range(8)]
    r += ["slurmstepd: error: Detected 1 oom_kill event in StepId=772190.0. Some of the step tasks have been OOM Killed.",
          "srun: error: gpu-d02: task 11: Out Of Memory",
          "srun: Job step aborted: Waiting up to 32 seconds for job step to finish.",
          "slurmstepd: error: *** STEP 772190.0 ON gpu-d01 CANCELLED AT 2026-12-01T07:29:52 ***",
          "[rank3]:[E1201 07:29:50.200000000 ProcessGroupNCCL.cpp:1616] [PG 0 (default_pg) Rank 3] Process group watchdog thread terminated with exception: NCCL error: remote process exited or there was a network error, NCCL version 2.21.5",
          "srun: error: gpu-d01: tasks 0-7: Killed",
          "srun: error: gpu-d02: tasks 8-10,12-15: Killed"]
    c.log("slurm-772190.out", r)
    d = kernel_noise(t, "gpu-d02", -900, 3)
    d += [kern(t, "gpu-d02", -12, "python3 invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, oom_score_adj=0"),
          kern(t, "gpu-d02", -12, "memory: usage 1048576000kB, limit 1048576000kB, failcnt 3120"),
          kern(t, "gpu-d02", -12, "oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=step_0,mems_allowed=0-1,oom_memcg=/slurm/uid_1000/job_772190,task_memcg=/slurm/uid_1000/job_772190/step_0/user/task_11,task=python3,pid=81921,uid=1000"),
          kern(t, "gpu-d02", -12, "Memory cgroup out of memory: Killed process 81921 (python3) total-vm:398211004kB, anon-rss:141102244kB, file-rss:80112kB, shmem-rss:0kB, UID:1000 pgtables:290112kB oom_score_adj:0")]
    c.log("gpu-d02/journal", d)
    return c


def rl22():
    # bf16 divergence: Megatron loss climbs, grad norm inf/nan, nan iterations counted.
    c = Case("case-rl22", "2026-12-01T18:18:00Z", ["t-01", "t-02", "t-03", "t-04"], "TrainingLossAnomaly",
             "lm loss is NaN", "t-01", "loss_divergence", "job")
    t = c.t
    r = app_noise(t, -600, 5) + megatron_run(t, -500, 31000, 6, ms=4300.0, loss=1.95)
    seq = [(2.41, "3.912"), (3.88, "17.45"), (6.02, "412.7"), (9.77, "inf"), (float("nan"), "nan"), (float("nan"), "nan")]
    for i, (loss, gn) in enumerate(seq):
        nan = max(0, i - 3)
        line = megatron(t, -470 + 4.3 * i, 31006 + i, ms=4301.0, loss=loss if loss == loss else 0.0, gn=gn, nan=nan)
        if loss != loss:
            line = line.replace("lm loss: 0.000000E+00", "lm loss: nan")
        r.append(line)
    r += ["[%s] WARNING: loss is nan at iteration 31011; consecutive nan iterations: 2" % t.py(-440),
          "[rank0]: RuntimeError: Rank 0: found NaN in local grad norm in backward pass before data-parallel communication collective. Device: 0, node: t-01",
          "[rank9]: RuntimeError: Rank 9: found NaN in local grad norm in backward pass before data-parallel communication collective. Device: 1, node: t-02",
          "[rank17]: RuntimeError: Rank 17: found NaN in local grad norm in backward pass before data-parallel communication collective. Device: 1, node: t-03",
          "[rank30]: RuntimeError: Rank 30: found NaN in local grad norm in backward pass before data-parallel communication collective. Device: 6, node: t-04"]
    c.log("t-01/rank0/stdout", r)
    return c


def rl23():
    # fp16 loss-scale collapse: DeepSpeed OVERFLOW lines down to the minimum, then it exits.
    c = Case("case-rl23", "2026-12-01T01:02:03Z", ["ds-1", "ds-2"], "TrainingJobFailed",
             "job bert-ft exited with code 1", "ds-1", "fp16_loss_scale_collapse", "job")
    t = c.t
    r = ["[%s,114] [INFO] [logging.py:96:log_dist] [Rank 0] step=%d, skipped=%d, lr=[1.2e-05], mom=[(0.9, 0.999)]" % (t.py(-300 + 10 * i), 8800 + 10 * i, 3) for i in range(4)]
    r += ["[%s,114] [INFO] [timer.py:260:stop] epoch=0/micro_step=%d/global_step=%d, RunningAvgSamplesPerSec=412.7, CurrSamplesPerSec=410.3, MemAllocated=9.12GB, MaxMemAllocated=31.4GB" % (t.py(-250 + 5 * i), 35200 + 40 * i, 8840 + 10 * i) for i in range(3)]
    scale = 65536
    for i in range(16):
        r.append("[%s,221] [INFO] [loss_scaler.py:183:update_scale] [deepspeed] OVERFLOW! Rank 0 Skipping step. Attempted loss scale: %d, reducing to %s"
                 % (t.py(-200 + 8 * i), scale, scale // 2 if scale > 1 else 1))
        scale = max(1, scale // 2)
    r += ["[%s,221] [INFO] [logging.py:96:log_dist] [Rank 0] step=8990, skipped=19, lr=[1.2e-05], mom=[(0.9, 0.999)]" % t.py(-60),
          "Traceback (most recent call last):",
          "  File \"/usr/local/lib/python3.10/dist-packages/deepspeed/runtime/fp16/loss_scaler.py\", line 175, in update_scale",
          "    raise Exception(",
          "Exception: Current loss scale already at minimum - cannot decrease scale anymore. Exiting run."]
    c.log("ds-1/rank0/stdout", r)
    return c


def rl24():
    # FP8: Transformer Engine amax becomes inf on one layer, scales collapse, loss NaN.
    # (TE prints no amax by default: the '[TE amax]' lines are an in-house debug hook's format.)
    c = Case("case-rl24", "2026-12-01T09:59:00Z", ["f8-01", "f8-02"], "TrainingLossAnomaly",
             "lm loss is NaN", "f8-01", "fp8_scaling_overflow", "job")
    t = c.t
    r = ["[%s] INFO: fp8 recipe DelayedScaling(margin=0, fp8_format=HYBRID, amax_history_len=1024, amax_compute_algo=max)" % t.py(-900)]
    r += app_noise(t, -700, 4) + megatron_run(t, -420, 5194, 11, ms=3100.0, loss=2.44)
    r += ["[%s] [TE amax] iter 5205 layers.17.mlp.linear_fc1 fwd: amax=inf scale=0.000000e+00 scale_inv=inf" % t.py(-384),
          "[%s] [TE amax] iter 5205 layers.17.mlp.linear_fc2 bwd grad_output: amax=3.4028e+38 scale=1.3161e-36" % t.py(-384),
          "[%s] [TE amax] iter 5206 layers.17.mlp.linear_fc1 fwd: amax=inf scale=0.000000e+00 scale_inv=inf" % t.py(-380)]
    for i in range(4):
        line = megatron(t, -380 + 3.1 * i, 5206 + i, ms=3101.0, loss=0.0, gn="nan", nan=i + 1)
        r.append(line.replace("lm loss: 0.000000E+00", "lm loss: nan"))
    r += ["[%s] WARNING: fp8 scaling factors collapsed to 0 in 3 of 96 GEMMs (layers.17.*); amax history holds inf" % t.py(-360)]
    c.log("f8-01/rank0/stdout", r)
    return c


def rl25():
    # MoE router collapse: Megatron load-balancing loss climbs, router stats show few hot experts.
    # (the '[router]' statistics lines are an in-house monitor's format.)
    c = Case("case-rl25", "2026-12-01T23:00:00Z", ["moe-1", "moe-2", "moe-3", "moe-4"], "TrainingThroughputLow",
             "step time 1.9x its 1 h median", "moe-1", "moe_expert_imbalance", "job")
    t = c.t
    r = app_noise(t, -400, 6)
    for i in range(10):
        lb = 1.02 + 0.35 * max(0, i - 3)
        ms = 5100.0 if i < 4 else 5100.0 + 1100.0 * (i - 3)
        r.append(megatron(t, -300 + 6 * i, 8800 + i, ms=ms, loss=2.11 + 0.01 * i, extra=" load_balancing_loss: %.6E |" % lb))
    r += ["[%s] [router] layer 12: tokens per expert max/mean 9.31, experts with 0 tokens 41/64, dropped tokens 37.2%% (capacity_factor 1.25)" % t.py(-200),
          "[%s] [router] layer 18: tokens per expert max/mean 8.77, experts with 0 tokens 39/64, dropped tokens 35.0%% (capacity_factor 1.25)" % t.py(-200),
          "(min, max) time across ranks (ms):",
          "    forward-backward ...............................: (9102.55, 11420.91)",
          "    all-to-all (moe dispatch) .......................: (1201.10, 4388.02)"]
    c.log("moe-1/rank0/stdout", r)
    return c


def rl26():
    # Straggler: Megatron's straggler detector keeps naming rank 13; nothing thermal or power.
    c = Case("case-rl26", "2026-12-01T11:40:00Z", ["s-01", "s-02"], "TrainingThroughputLow",
             "step time 1.3x its 1 h median", "s-01", "straggler_rank", "s-02/gpu5")
    t = c.t
    r = app_noise(t, -500, 3) + megatron_run(t, -400, 7000, 8, ms=5310.0)
    for i in range(4):
        r.append(" [%s] | MnRtt/Rnk: 3115.38ms/8 | MxRtt/Rnk: %.2fms/13 | MnPwr/Rnk: 601000.00W/8 | MxPwr/Rnk: 699000.00W/3 | MnTmp/Rnk: 52.00C/11 | MxTmp/Rnk: 67.00C/3 | MnUtl/Rnk: 97.00%%/11 | MxUtl/Rnk: 100.00%%/13 | MnClk/Rnk: 1980.00MHz/13 | MxClk/Rnk: 1980.00MHz/0 | MnDRtt/Rnk: 9.37ms/10 | MxDRtt/Rnk: 11.02ms/13 | MnEtpt/Rnk: 201.55TF/13 | MxEtpt/Rnk: 274.25TF/8" % (t.py(-380 + 90 * i), 4238.51 + i))
    r += ["    forward-backward ...............................: (3951.12, 5296.40)",
          "    optimizer ......................................: (41.02, 41.88)"]
    c.log("s-01/rank0/stdout", r)
    q = ["$ nvidia-smi --query-gpu=index,temperature.gpu,clocks.sm,power.draw,clocks_event_reasons.active --format=csv   # on s-02",
         "index, temperature.gpu, clocks.sm [MHz], power.draw [W], clocks_event_reasons.active"]
    q += ["%d, %d, 1980 MHz, %.2f W, 0x0000000000000000" % (g, 58 + g % 4, 655.2 + 4.1 * g) for g in range(8)]
    c.log("s-02/shell", q)
    return c


def rl27():
    # Dataloader: workers killed under /dev/shm pressure, then DataLoader timeouts; steps slow.
    c = Case("case-rl27", "2026-12-01T03:03:03Z", ["dl-1", "dl-2"], "GPUUtilizationLow",
             "GPU utilisation below 30% for 10 min on job llm-pretrain", "dl-1", "dataloader_stall", "job")
    t = c.t
    r = app_noise(t, -1000, 4) + megatron_run(t, -900, 400, 4, ms=4000.0)
    r += megatron_run(t, -880, 404, 6, ms=61200.0)
    r += ["ERROR: Unexpected bus error encountered in worker. This might be caused by insufficient shared memory (shm).",
          "[rank0]: Traceback (most recent call last):",
          "[rank0]:   File \"/usr/local/lib/python3.10/dist-packages/torch/utils/data/dataloader.py\", line 1133, in _try_get_data",
          "[rank0]:     data = self._data_queue.get(timeout=timeout)",
          "[rank0]: RuntimeError: DataLoader worker (pid(s) 70121, 70122) exited unexpectedly",
          "[rank5]: RuntimeError: DataLoader timed out after 1800 seconds",
          "    batch-generator ................................: (57012.44, 61177.90)",
          "slurmstepd: error: *** JOB 661204 ON dl-1 CANCELLED AT 2026-12-01T03:03:00 DUE TO TIME LIMIT ***"]
    c.log("dl-1/rank0/stderr", r)
    return c


def rl28():
    # NFS server gone: rank 0 blocks saving a checkpoint; everyone else hits the watchdog.
    c = Case("case-rl28", "2026-12-01T21:50:00Z", ["nf-01", "nf-02"], "NCCLWatchdogTimeout",
             "15 of 16 ranks hit the NCCL watchdog", "nf-02", "storage_failure", "job")
    t = c.t
    r = megatron_run(t, -800, 41996, 4, ms=4020.0)
    r += ["[%s] saving checkpoint at iteration   42000 to /mnt/nfs/ckpt/llm-pretrain in torch_dist format" % t.py(-780)]
    r += [watchdog(rk, 90211, op="BROADCAST", numel=1) for rk in (1, 2, 8, 9, 15)]
    c.log("nf-01/rank0/stdout", r)
    d = kernel_noise(t, "nf-01", -1200, 3)
    d += [kern(t, "nf-01", -770, "nfs: server fs-ckpt01 not responding, still trying"),
          kern(t, "nf-01", -650, "nfs: server fs-ckpt01 not responding, still trying"),
          kern(t, "nf-01", -540, "INFO: task pt_main_thread:71022 blocked for more than 122 seconds."),
          kern(t, "nf-01", -540, "      Tainted: P           OE      6.5.0-35-generic #35~22.04.1-Ubuntu"),
          kern(t, "nf-01", -540, "\"echo 0 > /proc/sys/kernel/hung_task_timeout_secs\" disables this message."),
          kern(t, "nf-01", -540, "task:pt_main_thread state:D stack:0     pid:71022 ppid:70991  flags:0x00004006"),
          kern(t, "nf-01", -540, " nfs_wait_bit_killable+0x24/0xa0 [nfs]")]
    c.log("nf-01/journal", d)
    d2 = kernel_noise(t, "nf-02", -1000, 2) + [kern(t, "nf-02", -760, "nfs: server fs-ckpt01 not responding, still trying")]
    c.log("nf-02/journal", d2)
    return c


def rl29():
    # Lustre OST eviction: LustreError lines; checkpoint write fails with EIO.
    c = Case("case-rl29", "2026-12-01T16:16:16Z", ["lu-01", "lu-02"], "TrainingJobFailed",
             "job llm-pretrain exited with code 1", "lu-01", "storage_failure", "job")
    t = c.t
    r = app_noise(t, -400, 4) + megatron_run(t, -300, 15996, 4, ms=4100.0)
    r += ["[%s] saving checkpoint at iteration   16000 to /lustre/scratch/ckpt in torch_dist format" % t.py(-280),
          "[rank0]: Traceback (most recent call last):",
          "[rank0]:   File \"/usr/lib/python3.10/shutil.py\", line 256, in copyfile",
          "[rank0]: OSError: [Errno 5] Input/output error: '/lustre/scratch/ckpt/iter_0016000/__0_0.distcp'"]
    c.log("lu-01/rank0/stderr", r)
    d = kernel_noise(t, "lu-01", -900, 3)
    d += [kern(t, "lu-01", -275, "LustreError: 11-0: scratch-OST0012-osc-ffff9a4c11e2d000: operation ost_write to node 10.10.1.22@o2ib failed: rc = -107"),
          kern(t, "lu-01", -275, "Lustre: scratch-OST0012-osc-ffff9a4c11e2d000: Connection to scratch-OST0012 (at 10.10.1.22@o2ib) was lost; in progress operations using this service will wait for recovery to complete"),
          kern(t, "lu-01", -250, "LustreError: 167-0: scratch-OST0012-osc-ffff9a4c11e2d000: This client was evicted by scratch-OST0012; in progress operations using this service will fail."),
          kern(t, "lu-01", -250, "LustreError: 71022:0:(osc_request.c:1837:osc_brw_fini_request()) scratch-OST0012-osc-ffff9a4c11e2d000: BAD WRITE CHECKSUM: changed in transit before arrival at OST"),
          kern(t, "lu-01", -249, "LustreError: 71022:0:(file.c:262:ll_close_inode_openhandle()) scratch-clilu: inode [0x200012a41:0x1c2:0x0] mdc close failed: rc = -5")]
    c.log("lu-01/journal", d)
    return c


def rl30():
    # Launch: env:// rendezvous without MASTER_ADDR on some tasks.
    c = Case("case-rl30", "2026-12-01T08:00:05Z", ["lc-01", "lc-02"], "TrainingJobFailed",
             "job llm-pretrain exited with code 1 within 5 s of start", "lc-01", "launch_config_error", "job")
    t = c.t
    r = ["+ export WORLD_SIZE=16 RANK=${SLURM_PROCID} LOCAL_RANK=${SLURM_LOCALID}",
         "+ python3 -u pretrain_gpt.py --tensor-model-parallel-size 8 --pipeline-model-parallel-size 2 --distributed-backend nccl",
         "[%s] INFO: using torch 2.4.0+cu124" % t.py(-5),
         "Traceback (most recent call last):",
         "  File \"/workspace/pretrain_gpt.py\", line 212, in <module>",
         "    pretrain(train_valid_test_datasets_provider, model_provider, ModelType.encoder_or_decoder, forward_step)",
         "  File \"/workspace/megatron/training/initialize.py\", line 283, in _initialize_distributed",
         "    torch.distributed.init_process_group(",
         "  File \"/usr/local/lib/python3.10/dist-packages/torch/distributed/rendezvous.py\", line 236, in _env_rendezvous_handler",
         "    master_addr = _get_env_or_raise(\"MASTER_ADDR\")",
         "  File \"/usr/local/lib/python3.10/dist-packages/torch/distributed/rendezvous.py\", line 217, in _get_env_or_raise",
         "    raise _env_error(env_var)",
         "ValueError: Error initializing torch.distributed using env:// rendezvous: environment variable MASTER_ADDR expected, but not set"]
    r = r + r[3:]  # two tasks print the same traceback
    r += ["srun: error: lc-01: tasks 0-7: Exited with exit code 1",
          "srun: error: lc-02: tasks 8-15: Exited with exit code 1"]
    c.log("slurm-55012.out", r)
    return c


CASES = [rl01, rl02, rl03, rl04, rl05, rl06, rl07, rl08, rl09, rl10, rl11, rl12, rl13, rl14, rl15,
         rl16, rl17, rl18, rl19, rl20, rl21, rl22, rl23, rl24, rl25, rl26, rl27, rl28, rl29, rl30]


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default=HERE)
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    for fn in CASES:
        c = fn()
        with open(os.path.join(args.out, c.id + ".json"), "w") as f:
            f.write(json.dumps(c.to_json(), indent=1) + "\n")
    print("%d cases written to %s" % (len(CASES), args.out))


if __name__ == "__main__":
    main()
