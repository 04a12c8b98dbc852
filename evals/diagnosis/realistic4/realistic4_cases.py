#!/usr/bin/env python3
"""Writes evals/diagnosis/realistic4/: 30 realistic-log incident cases (RL4, 2026-12-02).

One writer, from knowledge of what the components print, blind to the reasoner and to the
other realistic sets. Emphasis: Kubernetes-run training (kubectl logs / describe / get pods -o
wide, kubelet, device plugin, NPD), DeepSpeed and Megatron-LM as they print, and the hardware in
its real wording (Xid messages, nvidia-smi -q sections, NVLink, IB, AER, IPMI SEL, Lustre/NFS).
Logs only: no metrics, no probes. Deterministic (seeded per case).

Usage: python3 evals/diagnosis/realistic4/realistic4_cases.py [--out DIR]
"""

import argparse
import datetime as dt
import json
import os
import random

HERE = os.path.dirname(os.path.abspath(__file__))

HGX_BUS = ["0000:18:00.0", "0000:2a:00.0", "0000:3a:00.0", "0000:5d:00.0",
           "0000:9a:00.0", "0000:ab:00.0", "0000:ba:00.0", "0000:db:00.0"]
HCA_BUS = ["0000:1a:00.0", "0000:3c:00.0", "0000:4d:00.0", "0000:5e:00.0",
           "0000:9c:00.0", "0000:bc:00.0", "0000:cc:00.0", "0000:dc:00.0"]
NETDEV = ["ibp26s0", "ibp60s0", "ibp77s0", "ibp94s0", "ibp156s0", "ibp188s0", "ibp204s0", "ibp220s0"]


def short_bus(b):
    # "0000:ab:00.0" -> "PCI:0000:ab:00" as NVRM prints it
    return "PCI:" + b[:-2]


class Clock:
    """A moving wall clock with the formats the components print."""

    def __init__(self, start):
        self.t = dt.datetime.strptime(start, "%Y-%m-%dT%H:%M:%S")

    def adv(self, s):
        self.t += dt.timedelta(seconds=s)
        return self

    def py(self):  # python logging / DeepSpeed
        return self.t.strftime("%Y-%m-%d %H:%M:%S") + ",%03d" % (self.t.microsecond // 1000)

    def journal(self, host):
        return self.t.strftime("%b %d %H:%M:%S") + " " + host

    def glog(self):  # I1202 03:14:55.123456
        return self.t.strftime("%m%d %H:%M:%S") + ".%06d" % self.t.microsecond

    def mega(self):
        return self.t.strftime("%Y-%m-%d %H:%M:%S")

    def iso(self):
        return self.t.strftime("%Y-%m-%dT%H:%M:%SZ")

    def k8s(self):
        return self.t.strftime("%Y-%m-%dT%H:%M:%S") + ".%06dZ" % self.t.microsecond

    def dmesg(self):
        return self.t.strftime("[%a %b %e %H:%M:%S %Y]")

    def tick(self, rng, lo=0.05, hi=0.9):
        self.t += dt.timedelta(microseconds=int(rng.uniform(lo, hi) * 1e6))
        return self


def case(cid, alert, logs, nodes, component, root_cause, start, gpus_per_node=8, layout=None,
         gpu_model="NVIDIA H100 80GB HBM3", labels_extra=None, summary=""):
    labels = {"alertname": alert[0], "job": alert[1]}
    if len(alert) > 2 and alert[2]:
        labels["node"] = alert[2]
    if labels_extra:
        labels.update(labels_extra)
    return {
        "id": cid,
        "alert": {"labels": labels, "annotations": {"summary": summary or alert[0]},
                  "startsAt": start},
        "logs": [{"source": s, "lines": l} for s, l in logs],
        "metrics": [],
        "probes": {},
        "topology": {"gpu_model": gpu_model, "nodes": nodes, "gpus_per_node": gpus_per_node,
                     "rank_layout": layout or "rank r runs on nodes[r // 8], local GPU r % 8",
                     "gpu_pci_bus": {"gpu%d" % i: b for i, b in enumerate(HGX_BUS[:gpus_per_node])}},
        "expected": {"root_cause": root_cause, "component": component},
    }


# ---------------------------------------------------------------- shared log shapes

def megatron_iters(rng, clk, it0, n, ms=4100.0, loss=2.18, gbs=1024, spread=0.02, tflops=None,
                   loss_fn=None, scale=1.0, skipped=None, nan=None, gn=0.8, gn_fn=None,
                   ms_fn=None):
    out = []
    for k in range(n):
        it = it0 + k
        t = ms_fn(k) if ms_fn else ms * (1 + rng.uniform(-spread, spread))
        clk.adv(t / 1000.0)
        l = loss_fn(k) if loss_fn else loss - 0.0004 * k + rng.uniform(-0.02, 0.02)
        g = gn_fn(k) if gn_fn else gn + rng.uniform(-0.05, 0.05)
        sc = scale(k) if callable(scale) else scale
        sk = skipped(k) if skipped else 0
        na = nan(k) if nan else 0
        tf = (tflops or 410.0) * ms / t
        lstr = ("%E" % l) if isinstance(l, float) else l
        gstr = ("%.3f" % g) if isinstance(g, float) else g
        out.append(" [%s] iteration %8d/  500000 | consumed samples: %12d | elapsed time per iteration (ms): %.1f"
                   " | throughput per GPU (TFLOP/s/GPU): %.1f | learning rate: %E | global batch size: %5d"
                   " | lm loss: %s | loss scale: %.1f | grad norm: %s | number of skipped iterations: %3d"
                   " | number of nan iterations: %3d |"
                   % (clk.mega(), it, it * gbs, t, tf, 2.4e-4 * (1 - it / 500000.0), gbs, lstr, sc, gstr, sk, na))
    return out


def ds_steps(rng, clk, step0, n, prefix="", sps=310.0, loss=1.92):
    out = []
    for k in range(n):
        clk.adv(rng.uniform(2.2, 2.6))
        s = step0 + k
        out.append("%s[%s] [INFO] [logging.py:96:log_dist] [Rank 0] step=%d, skipped=0, lr=[9.876543e-05], mom=[(0.9, 0.95)]"
                   % (prefix, clk.py(), s))
        out.append("%s[%s] [INFO] [timer.py:260:stop] epoch=0/micro_step=%d/global_step=%d, RunningAvgSamplesPerSec=%.3f, CurrSamplesPerSec=%.3f, MemAllocated=41.2GB, MaxMemAllocated=63.87GB"
                   % (prefix, clk.py(), s * 4, s, sps + rng.uniform(-3, 3), sps + rng.uniform(-9, 9)))
    return out


def watchdog(rank, clk, seq, op="ALLREDUCE", numel=262144000, pid=None):
    pid = pid or 3000 + rank * 7
    return ("[rank%d]:[E%s %d ProcessGroupNCCL.cpp:632] [Rank %d] Watchdog caught collective operation timeout: "
            "WorkNCCL(SeqNum=%d, OpType=%s, NumelIn=%d, NumelOut=%d, Timeout(ms)=600000) ran for 600%03d milliseconds before timing out."
            % (rank, clk.glog(), pid, rank, seq, op, numel, numel, rank % 97))


def watchdog_tail(rank, clk, seq, pid=None):
    pid = pid or 3000 + rank * 7
    return [
        "[rank%d]:[E%s %d ProcessGroupNCCL.cpp:1664] [PG 0 (default_pg) Rank %d] Exception (either an error or timeout) detected by watchdog at work: %d, last enqueued NCCL work: %d, last completed NCCL work: %d."
        % (rank, clk.glog(), pid, rank, seq, seq, seq - 1),
        "[rank%d]:[E%s %d ProcessGroupNCCL.cpp:1709] [PG 0 (default_pg) Rank %d] Timeout at NCCL work: %d, last enqueued NCCL work: %d, last completed NCCL work: %d."
        % (rank, clk.glog(), pid, rank, seq, seq, seq - 1),
        "[rank%d]:[E%s %d ProcessGroupNCCL.cpp:621] [Rank %d] Some NCCL operations have failed or timed out. Due to the asynchronous nature of CUDA kernels, subsequent GPU operations might run on corrupted/incomplete data."
        % (rank, clk.glog(), pid, rank),
        "[rank%d]:[E%s %d ProcessGroupNCCL.cpp:627] [Rank %d] To avoid data inconsistency, we are taking the entire process down."
        % (rank, clk.glog(), pid, rank),
    ]


def get_pods(rows):
    out = ["$ kubectl get pods -n training -o wide",
           "NAME                              READY   STATUS    RESTARTS   AGE     IP             NODE            NOMINATED NODE   READINESS GATES"]
    for name, status, restarts, age, ip, node in rows:
        out.append("%-33s %-7s %-9s %-10s %-7s %-14s %-15s <none>           <none>"
                   % (name, "1/1" if status == "Running" else "0/1", status, restarts, age, ip, node))
    return out


def elastic_failure(clk, host, rank, local_rank, exitcode, pid, trace, script="pretrain_gpt.py"):
    return [
        "[%s] torch.distributed.elastic.multiprocessing.api: [ERROR] failed (exitcode: %d) local_rank: %d (pid: %d) of binary: /usr/bin/python"
        % (clk.py(), exitcode, local_rank, pid),
        "Traceback (most recent call last):",
        '  File "/usr/local/bin/torchrun", line 8, in <module>',
        "    sys.exit(main())",
        "torch.distributed.elastic.multiprocessing.errors.ChildFailedError: ",
        "============================================================",
        "%s FAILED" % script,
        "------------------------------------------------------------",
        "Failures:",
        "  <NO_OTHER_FAILURES>",
        "------------------------------------------------------------",
        "Root Cause (first observed failure):",
        "[0]:",
        "  time      : %s" % clk.t.strftime("%Y-%m-%d_%H:%M:%S"),
        "  host      : %s" % host,
        "  rank      : %d (local_rank: %d)" % (rank, local_rank),
        "  exitcode  : %d (pid: %d)" % (exitcode, pid),
        "  error_file: <N/A>",
        "  traceback : %s" % trace,
        "============================================================",
    ]


def nccl_init(rank, host, nranks, ver="2.21.5+cuda12.4", hca="mlx5_0,mlx5_3,mlx5_4,mlx5_5,mlx5_6,mlx5_9,mlx5_10,mlx5_11"):
    return [
        "%s:%d:%d [%d] NCCL INFO NCCL version %s" % (host, 200 + rank, 200 + rank, rank % 8, ver),
        "%s:%d:%d [%d] NCCL INFO NET/IB : Using [0]mlx5_0:1/IB [1]mlx5_3:1/IB [2]mlx5_4:1/IB [3]mlx5_5:1/IB [4]mlx5_6:1/IB [5]mlx5_9:1/IB [6]mlx5_10:1/IB [7]mlx5_11:1/IB ; OOB eth0:10.244.%d.%d<0>"
        % (host, 200 + rank, 200 + rank, rank % 8, rank % 7 + 1, 10 + rank % 50),
        "%s:%d:%d [%d] NCCL INFO comm 0x55d0c1a4e2b0 rank %d nranks %d cudaDev %d nvmlDev %d busId %s commId 0x3f1c2b7a9d0e4f11 - Init COMPLETE"
        % (host, 200 + rank, 200 + rank, rank % 8, rank, nranks, rank % 8, rank % 8, HGX_BUS[rank % 8][5:7] + "000"),
    ]


def nvsmi_q_head(gpu, bus, model="NVIDIA H100 80GB HBM3", serial="1654922011823"):
    return [
        "GPU 0000" + bus.upper(),
        "    Product Name                          : %s" % model,
        "    Serial Number                         : %s" % serial,
        "    GPU UUID                              : GPU-%08x-5a1c-9be2-74d0-%012x" % (0x3f0a0000 + gpu, 0x6e21a9c40000 + gpu),
        "    Minor Number                          : %d" % gpu,
    ]


def ecc_block(dram_corr=0, dram_unc=0, sram_unc=0, agg_dram_corr=0, agg_dram_unc=0, rr_corr=0, rr_unc=0,
              pending="No", failure="No", hist=(639, 1, 0, 0, 0)):
    return [
        "    ECC Mode",
        "        Current                           : Enabled",
        "        Pending                           : Enabled",
        "    ECC Errors",
        "        Volatile",
        "            SRAM Correctable              : 0",
        "            SRAM Uncorrectable Parity     : 0",
        "            SRAM Uncorrectable SEC-DED    : %d" % sram_unc,
        "            DRAM Correctable              : %d" % dram_corr,
        "            DRAM Uncorrectable            : %d" % dram_unc,
        "        Aggregate",
        "            SRAM Correctable              : 0",
        "            SRAM Uncorrectable Parity     : 0",
        "            SRAM Uncorrectable SEC-DED    : %d" % sram_unc,
        "            DRAM Correctable              : %d" % agg_dram_corr,
        "            DRAM Uncorrectable            : %d" % agg_dram_unc,
        "            SRAM Threshold Exceeded       : No",
        "    Retired Pages",
        "        Single Bit ECC                    : N/A",
        "        Double Bit ECC                    : N/A",
        "        Pending Page Blacklist            : N/A",
        "    Remapped Rows",
        "        Correctable Error                 : %d" % rr_corr,
        "        Uncorrectable Error               : %d" % rr_unc,
        "        Pending                           : %s" % pending,
        "        Remapping Failure Occurred        : %s" % failure,
        "        Bank Remap Availability Histogram",
        "            Max                           : %d bank(s)" % hist[0],
        "            High                          : %d bank(s)" % hist[1],
        "            Partial                       : %d bank(s)" % hist[2],
        "            Low                           : %d bank(s)" % hist[3],
        "            None                          : %d bank(s)" % hist[4],
    ]


def clocks_event(sw_power=False, hw_slow=False, hw_thermal=False, hw_brake=False, sw_thermal=False, idle=False):
    a = lambda b: "Active" if b else "Not Active"
    return [
        "    Clocks Event Reasons",
        "        Idle                              : %s" % a(idle),
        "        Applications Clocks Setting       : Not Active",
        "        SW Power Cap                      : %s" % a(sw_power),
        "        HW Slowdown                       : %s" % a(hw_slow),
        "            HW Thermal Slowdown           : %s" % a(hw_thermal),
        "            HW Power Brake Slowdown       : %s" % a(hw_brake),
        "        Sync Boost                        : Not Active",
        "        SW Thermal Slowdown               : %s" % a(sw_thermal),
        "        Display Clock Setting             : Not Active",
    ]


def k8s_events(rows):
    out = ["Events:",
           "  Type     Reason     Age                 From               Message",
           "  ----     ------     ----                ----               -------"]
    for typ, reason, age, frm, msg in rows:
        out.append("  %-8s %-10s %-19s %-18s %s" % (typ, reason, age, frm, msg))
    return out


def ds_launch(host, clk, node_rank, nnodes, world, master="worker-0"):
    p = "%s: " % host
    return [
        p + "[%s] [INFO] [launch.py:146:main] WORLD INFO DICT: {'worker-0': [0, 1, 2, 3, 4, 5, 6, 7], ..., 'worker-%d': [0, 1, 2, 3, 4, 5, 6, 7]}" % (clk.py(), nnodes - 1),
        p + "[%s] [INFO] [launch.py:152:main] nnodes=%d, num_local_procs=8, node_rank=%d" % (clk.py(), nnodes, node_rank),
        p + "[%s] [INFO] [launch.py:163:main] global_rank_mapping=defaultdict(<class 'list'>, {...})" % clk.py(),
        p + "[%s] [INFO] [launch.py:164:main] dist_world_size=%d" % (clk.py(), world),
        p + "[%s] [INFO] [launch.py:166:main] Setting CUDA_VISIBLE_DEVICES=0,1,2,3,4,5,6,7" % clk.py(),
    ]


def megatron_start(clk, world, tp, pp, it, nparams, ckpt, ep=None):
    dp = world // (tp * pp)
    out = ["using world size: %d, data-parallel size: %d, context-parallel size: 1, tensor-model-parallel size: %d, pipeline-model-parallel size: %d " % (world, dp, tp, pp)]
    if ep:
        out.append("> initialized expert model parallel with size %d" % ep)
    out += ["> initializing torch distributed ...",
            "> initialized tensor model parallel with size %d" % tp,
            "> initialized pipeline model parallel with size %d" % pp,
            "> setting random seeds to 1234 ...",
            "> compiling dataset index builder ...",
            ">>> done with dataset index builder. Compilation time: 0.071 seconds",
            "time to initialize megatron (seconds): 41.220",
            "[after megatron is initialized] datetime: %s " % clk.mega(),
            "building GPT model ...",
            " > number of parameters on (tensor, pipeline) model parallel rank (0, 0): %d" % nparams,
            " loading distributed checkpoint from %s at iteration %d" % (ckpt, it),
            "  successfully loaded checkpoint from %s [ t 0, p 0 ] at iteration %d" % (ckpt, it),
            "[after model, optimizer, and learning rate scheduler are built] datetime: %s " % clk.adv(44).mega(),
            "training ..."]
    return out


# ---------------------------------------------------------------- the cases

def c01():
    """Xid 79 on one GPU of a PyTorchJob worker; every rank then times out in NCCL (confounder)."""
    rng = random.Random(401)
    nodes = ["gpu-h100-a03", "gpu-h100-a07", "gpu-h100-a11", "gpu-h100-a12"]
    clk = Clock("2026-12-02T03:02:10")
    pods = get_pods([("pytorchjob-llama-master-0", "Running", "0", "7h12m", "10.244.3.17", "gpu-h100-a03"),
                     ("pytorchjob-llama-worker-0", "Running", "0", "7h12m", "10.244.9.4", "gpu-h100-a12"),
                     ("pytorchjob-llama-worker-1", "Error", "0", "7h12m", "10.244.5.31", "gpu-h100-a07"),
                     ("pytorchjob-llama-worker-2", "Running", "0", "7h12m", "10.244.6.8", "gpu-h100-a11")])
    it = megatron_iters(rng, clk, 18211, 6, ms=3870.0, loss=1.874)
    k = Clock("2026-12-02T03:02:31")
    kern = [
        "%s kernel: NVRM: GPU at PCI:0000:9a:00: GPU-3f0a0004-5a1c-9be2-74d0-6e21a9c40004" % k.journal("gpu-h100-a07"),
        "%s kernel: NVRM: GPU Board Serial Number: 1654922011827" % k.journal("gpu-h100-a07"),
        "%s kernel: NVRM: Xid (PCI:0000:9a:00): 79, pid='<unknown>', name=<unknown>, GPU has fallen off the bus." % k.journal("gpu-h100-a07"),
        "%s kernel: NVRM: GPU 0000:9a:00.0: GPU has fallen off the bus." % k.adv(0.01).journal("gpu-h100-a07"),
        "%s kernel: NVRM: A GPU crash dump has been created. If possible, please run" % k.journal("gpu-h100-a07"),
        "%s kernel: NVRM: nvidia-bug-report.sh as root to collect this data before" % k.journal("gpu-h100-a07"),
        "%s kernel: NVRM: the NVIDIA kernel module is unloaded." % k.journal("gpu-h100-a07"),
        "%s kernel: NVRM: Xid (PCI:0000:2a:00): 45, pid=41877, name=python, Ch 00000018" % k.adv(1.2).journal("gpu-h100-a07"),
        "%s kernel: NVRM: Xid (PCI:0000:3a:00): 45, pid=41878, name=python, Ch 00000018" % k.journal("gpu-h100-a07"),
        "%s nvidia-device-plugin[1893]: I1202 03:02:33.114512       1 health.go:164] 'nvidia.com/gpu' device marked unhealthy: GPU-3f0a0004-5a1c-9be2-74d0-6e21a9c40004 (XidCriticalError: Xid=79)" % k.adv(1.3).journal("gpu-h100-a07"),
        "%s kubelet[2211]: I1202 03:02:34.551200    2211 kubelet.go:2461] \"SyncLoop (PLEG): event for pod\" pod=\"training/pytorchjob-llama-worker-1\" event={\"Type\":\"ContainerDied\"}" % k.adv(1).journal("gpu-h100-a07"),
    ]
    w0 = []
    wd = Clock("2026-12-02T03:12:31")
    for r in (0, 3, 7):
        w0.append(watchdog(r, wd.tick(rng), 1442871))
    w0 += watchdog_tail(0, wd, 1442871)
    w2 = [watchdog(r, wd.tick(rng), 1442871) for r in (24, 25, 29, 31)]
    w2 += watchdog_tail(24, wd, 1442871)
    return case("case-rl4-01", ("PyTorchJobFailed", "llama-70b-pt", ""),
                [("kubectl logs pytorchjob-llama-master-0", it + w0),
                 ("kubectl logs pytorchjob-llama-worker-2", w2 + ["[%s] torch.distributed.elastic.agent.server.api: [WARNING] Received Signals.SIGTERM death signal, shutting down workers" % wd.py()]),
                 ("kubectl", pods),
                 ("gpu-h100-a07/journal", kern)],
                nodes, "gpu-h100-a07/gpu4", "gpu_fallen_off_bus", "2026-12-02T03:13:05Z",
                layout="PyTorchJob: master-0 ranks 0-7, worker-i ranks 8(i+1)..8(i+1)+7; local GPU r % 8",
                summary="PyTorchJob llama-70b-pt failed: 31 of 32 ranks NCCL watchdog timeout")


def c02():
    """Xid 94 contained ECC error on a Megatron 2-node job, nvidia-smi -q shows the DRAM DBE."""
    rng = random.Random(402)
    nodes = ["dgx-b104", "dgx-b105"]
    clk = Clock("2026-12-02T01:40:00")
    it = megatron_iters(rng, clk, 7712, 8, ms=2950.0, loss=2.41, gbs=512)
    k = Clock("2026-12-02T01:40:21")
    kern = [
        "%s [1802231.551402] NVRM: Xid (PCI:0000:ba:00): 94, pid=221874, name=python, Contained: SM (0x1). RST: No, D-RST: No" % k.dmesg(),
        "%s [1802231.551610] NVRM: Xid (PCI:0000:ba:00): 48, pid=221874, name=python, An uncorrectable double bit error (DBE) has been detected on GPU in the framebuffer at partition 5, subpartition 0." % k.dmesg(),
        "%s [1802232.003310] NVRM: Xid (PCI:0000:ba:00): 63, pid=221874, name=python, Row Remapper: New row (0x000000000004c2a1) marked for remapping, reset gpu to activate." % k.adv(0.5).dmesg(),
    ]
    err = [
        "[rank14]: Traceback (most recent call last):",
        '[rank14]:   File "/workspace/Megatron-LM/pretrain_gpt.py", line 276, in <module>',
        "[rank14]:     pretrain(",
        '[rank14]:   File "/workspace/Megatron-LM/megatron/training/training.py", line 1211, in train_step',
        "[rank14]:     losses_reduced = forward_backward_func(",
        "[rank14]: RuntimeError: CUDA error: uncorrectable ECC error encountered",
        "[rank14]: CUDA kernel errors might be asynchronously reported at some other API call, so the stacktrace below might be incorrect.",
        "[rank14]: For debugging consider passing CUDA_LAUNCH_BLOCKING=1",
        "[rank14]: Compile with `TORCH_USE_CUDA_DSA` to enable device-side assertions.",
    ]
    smi = ["$ nvidia-smi -q -i 6 -d ECC,ROW_REMAPPER"] + nvsmi_q_head(6, "0000:ba:00.0") + ecc_block(
        dram_corr=3, dram_unc=2, agg_dram_corr=41, agg_dram_unc=2, rr_unc=1, pending="Yes")
    fail = elastic_failure(Clock("2026-12-02T01:40:24"), "dgx-b105", 14, 6, 1, 221874, "To enable traceback see: https://pytorch.org/docs/stable/elastic/errors.html")
    return case("case-rl4-02", ("TrainingJobFailed", "gpt-13b-megatron", "dgx-b105"),
                [("dgx-b104/rank0/stdout", it), ("dgx-b105/stderr", err + fail), ("dgx-b105/dmesg", kern),
                 ("dgx-b105/nvidia-smi", smi)],
                nodes, "dgx-b105/gpu6", "gpu_memory_uncorrectable_ecc", "2026-12-02T01:40:30Z",
                summary="slurm job 881203 gpt-13b-megatron FAILED on dgx-b105")


def c03():
    """Healthy-looking GPU: no crash, job restarts fail with 'GPU requires reset'; Remapped Rows Pending: Yes (confounder)."""
    rng = random.Random(403)
    nodes = ["gpu-h200-c02"]
    k = Clock("2026-12-02T04:10:00")
    kern = ["%s kernel: NVRM: Xid (PCI:0000:3a:00): 63, pid=90113, name=python3, Row Remapper: New row (0x00000000001a77c0) marked for remapping, reset gpu to activate." % k.journal("gpu-h200-c02"),
            "%s kernel: NVRM: Xid (PCI:0000:3a:00): 92, pid=90113, name=python3, High single-bit ECC error rate" % k.adv(3600).journal("gpu-h200-c02")]
    dcgm = ["$ kubectl -n gpu-operator logs nvidia-dcgm-exporter-7xk2p",
            'time="2026-12-02T05:11:02Z" level=info msg="Starting webserver"',
            'time="2026-12-02T05:11:02Z" level=info msg="Pipeline starting"',
            'time="2026-12-02T05:14:40Z" level=warning msg="Skipping metric DCGM_FI_PROF_PIPE_FP64_ACTIVE: not supported"',
            "$ dcgmi health -g 1 -c",
            "+---------------------------+----------------------------------------------------------+",
            "| Health Monitor Report                                                                |",
            "+===========================+==========================================================+",
            "| Overall Health            | Warning                                                  |",
            "| GPU ID: 2                 | Warning                                                  |",
            "|                           | Memory system: Warning                                   |",
            "|                           | GPU 2 has 1 pending row remapping(s); a GPU reset is     |",
            "|                           | required to apply them                                   |",
            "+---------------------------+----------------------------------------------------------+"]
    smi = ["$ nvidia-smi -q -i 2 -d ROW_REMAPPER,ECC"] + nvsmi_q_head(2, "0000:3a:00.0", model="NVIDIA H200") + ecc_block(
        dram_corr=1811, agg_dram_corr=1811, rr_corr=1, pending="Yes", hist=(638, 2, 0, 0, 0))
    clk = Clock("2026-12-02T05:20:11")
    pod = ["[%s] [INFO] [real_accelerator.py:203:get_accelerator] Setting ds_accelerator to cuda (auto detect)" % clk.py(),
           "[%s] [INFO] [launch.py:164:main] dist_world_size=8" % clk.py()]
    pod += ds_steps(rng, clk, 221, 5)
    pod += ["[%s] [INFO] [engine.py:3512:_save_checkpoint] Saving model checkpoint: /ckpt/mistral-ft/global_step225/mp_rank_00_model_states.pt" % clk.adv(2).py(),
            "[%s] [WARNING] [stage3.py:2069:step] 1 pytorch allocator cache flushes since last step. this happens when there is high memory pressure and is detrimental to performance." % clk.adv(3).py()]
    pod += ds_steps(rng, clk, 226, 4)
    return case("case-rl4-03", ("DCGMHealthWarning", "mistral-ft", "gpu-h200-c02"),
                [("gpu-h200-c02/journal", kern), ("gpu-operator", dcgm), ("gpu-h200-c02/nvidia-smi", smi),
                 ("kubectl logs pytorchjob-mistral-ft-master-0", pod)],
                nodes, "gpu-h200-c02/gpu2", "gpu_row_remap_failure", "2026-12-02T05:25:00Z",
                gpu_model="NVIDIA H200",
                summary="DCGM health Warning on gpu-h200-c02 (memory system)")


def c04():
    """Xid 119 / 120 GSP timeouts on a single-node DeepSpeed job; the process hangs then NVML fails."""
    rng = random.Random(404)
    nodes = ["hgx-n017"]
    clk = Clock("2026-12-02T02:00:00")
    out = ds_steps(rng, clk, 3310, 6)
    k = Clock("2026-12-02T02:00:20")
    h = "hgx-n017"
    kern = [
        "%s kernel: NVRM: Xid (PCI:0000:db:00): 119, pid=55102, name=python, Timeout after 6s of waiting for RPC response from GPU7 GSP! Expected function 76 (GSP_RM_CONTROL) (0x20800a4c 0x4)." % k.journal(h),
        "%s kernel: NVRM: GPU7 GSP RPC buffer contains function 76 (GSP_RM_CONTROL) and data 0x0000000020800a4c 0x0000000000000004." % k.journal(h),
        "%s kernel: NVRM: GPU7 RPC history (CPU -> GSP):" % k.journal(h),
        "%s kernel: NVRM:     entry function                   data0              data1              ts_start           ts_end             duration actively_polling" % k.journal(h),
        "%s kernel: NVRM:      0    76   GSP_RM_CONTROL        0x0000000020800a4c 0x0000000000000004 0x000625f6b4a11c02 0x0000000000000000          y" % k.journal(h),
        "%s kernel: NVRM: Xid (PCI:0000:db:00): 119, pid=55102, name=python, Timeout after 45s of waiting for RPC response from GPU7 GSP! Expected function 10 (FREE) (0xa55a0050 0x0)." % k.adv(45).journal(h),
        "%s kernel: NVRM: Xid (PCI:0000:db:00): 120, pid=55102, name=python, GSP task exception: Task 1 raised error code 0x5 for reason 0x0 at 0x2b4e1c (0 more errors skipped)" % k.adv(2).journal(h),
        "%s kernel: NVRM: Rate limiting GSP RPC error prints for GPU at PCI:0000:db:00 (printing 1 of every 30).  The GPU likely needs to be reset." % k.adv(1).journal(h),
        "%s nv-hostengine[1402]: ERROR: [DcgmCacheManager.cpp:3402] Got nvml error NVML_ERROR_GPU_IS_LOST for gpuId 7, field 150" % k.adv(10).journal(h),
        "%s systemd[1]: nvidia-persistenced.service: Watchdog timeout (limit 3min)!" % k.adv(120).journal(h),
    ]
    smi = ["$ nvidia-smi", "Unable to determine the device handle for GPU7: 0000:DB:00.0: Unknown Error",
           "No devices were found"]
    tail = ["[%s] [WARNING] [launch.py:316:sigkill_handler] Killing subprocess 55102" % Clock("2026-12-02T02:12:50").py(),
            "[rank7]:[E1202 02:10:21.662109 55102 ProcessGroupNCCL.cpp:632] [Rank 7] Watchdog caught collective operation timeout: WorkNCCL(SeqNum=99310, OpType=_ALLGATHER_BASE, NumelIn=4718592, NumelOut=37748736, Timeout(ms)=600000) ran for 600114 milliseconds before timing out."]
    return case("case-rl4-04", ("TrainingJobHung", "codegen-sft", "hgx-n017"),
                [("hgx-n017/deepspeed.log", out + tail), ("hgx-n017/journal", kern), ("hgx-n017/nvidia-smi", smi)],
                nodes, "hgx-n017/gpu7", "gpu_firmware_error", "2026-12-02T02:13:00Z",
                summary="codegen-sft made no progress for 10 minutes on hgx-n017")


def c05():
    """Xid 74 NVLink fatal error on one GPU, nvlink -e shows its replay/CRC counters (DeepSpeed pdsh, 2 nodes)."""
    rng = random.Random(405)
    nodes = ["worker-0", "worker-1"]
    clk = Clock("2026-12-02T06:00:00")
    pre = ds_launch("worker-1", clk, 1, 2, 16)
    out = ds_steps(rng, clk, 902, 4, prefix="worker-0: ")
    k = Clock("2026-12-02T06:00:17")
    kern = ["%s kernel: NVRM: Xid (PCI:0000:5d:00): 74, pid=3321, name=python, NVLink: fatal error detected on link 3(0x0, 0x0, 0x10000, 0x0, 0x0, 0x0, 0x0)" % k.journal("worker-1"),
            "%s kernel: NVRM: Xid (PCI:0000:5d:00): 74, pid=3321, name=python, NVLink: fatal error detected on link 9(0x0, 0x0, 0x10000, 0x0, 0x0, 0x0, 0x0)" % k.journal("worker-1"),
            "%s nv-fabricmanager[2104]: [Dec 02 2026 06:00:17] [ERROR] [tid 2188] detected NVSwitch fatal error 20034 on fid 0 on NVSwitch pci bus id 00000000:05:00.0 physical id 0 port 27" % k.journal("worker-1"),
            "%s kernel: nvidia-nvswitch0: SXid (PCI:0000:05:00.0): 20034, Fatal, Link 27 LTSSM Fault Up" % k.journal("worker-1")]
    e = ["$ nvidia-smi nvlink -e -i 3", "GPU 3: NVIDIA H100 80GB HBM3 (UUID: GPU-3f0a0003-5a1c-9be2-74d0-6e21a9c40003)"]
    for l in range(18):
        bad = l in (3, 9)
        e.append("\t Link %d: Replay Errors: %d" % (l, 1871 if bad else 0))
        e.append("\t Link %d: Recovery Errors: %d" % (l, 12 if bad else 0))
        e.append("\t Link %d: CRC Errors: %d" % (l, 44012 if bad else 0))
    err = ["worker-1: [rank11]: RuntimeError: CUDA error: an uncorrectable NVLink error was detected during the execution",
           "worker-1: [rank11]: Compile with `TORCH_USE_CUDA_DSA` to enable device-side assertions.",
           "worker-1: [%s] [INFO] [launch.py:319:sigkill_handler] Killing subprocess 3321" % clk.adv(3).py(),
           "worker-1: [%s] [ERROR] [launch.py:325:sigkill_handler] ['/usr/bin/python', '-u', 'train.py', '--local_rank=3', '--deepspeed_config', 'ds_z3.json'] exits with return code = 1" % clk.py(),
           "pdsh@worker-0: worker-1: ssh exited with exit code 1"]
    return case("case-rl4-05", ("TrainingJobFailed", "falcon-40b-z3", "worker-1"),
                [("deepspeed/pdsh", pre + out + err), ("worker-1/journal", kern), ("worker-1/nvidia-smi", e)],
                nodes, "worker-1/gpu3", "nvlink_error", "2026-12-02T06:00:30Z",
                summary="falcon-40b-z3 exited with code 1")


def c06():
    """Slow steps on an 8-node Megatron job; the cause is one NVLink link inactive on one GPU (confounder: looks like a straggler)."""
    rng = random.Random(406)
    nodes = ["sxm-r%02d" % i for i in (3, 4, 5, 6, 9, 10, 11, 14)]
    clk = Clock("2026-12-02T00:30:00")
    it = megatron_iters(rng, clk, 40100, 4, ms=5200.0, loss=1.711, gbs=2048)
    it += megatron_iters(rng, clk, 40104, 8, ms=7900.0, loss=1.708, gbs=2048, tflops=410.0 * 5200 / 7900)
    strag = []
    c2 = Clock("2026-12-02T00:31:30")
    for n in range(3):
        strag.append(" [%s] | MnRtt/Rnk: 7612.33ms/12 | MxRtt/Rnk: 7904.81ms/38 | MnPwr/Rnk: 402000W/38 | MxPwr/Rnk: 690000W/3 | MnTmp/Rnk: 58C/38 | MxTmp/Rnk: 71C/20 | MnUtl/Rnk: 61%%/38 | MxUtl/Rnk: 97%%/9 | MnClk/Rnk: 1980MHz/2 | MxClk/Rnk: 1980MHz/0"
                     % c2.adv(80).mega())
    s = ["$ nvidia-smi nvlink -s -i 6"]
    s.append("GPU 6: NVIDIA H100 80GB HBM3 (UUID: GPU-3f0a0006-5a1c-9be2-74d0-6e21a9c40006)")
    for l in range(18):
        s.append("\t Link %d: %s" % (l, "<inactive>" if l == 13 else "26.562 GB/s"))
    k = Clock("2026-12-02T00:29:41")
    j = ["%s nv-fabricmanager[1988]: [Dec 02 2026 00:29:41] [ERROR] [tid 2004] detected NVSwitch non-fatal error 12028 on fid 0 on NVSwitch pci bus id 00000000:07:00.0 physical id 2 port 41" % k.journal("sxm-r09"),
         "%s kernel: nvidia-nvswitch2: SXid (PCI:0000:07:00.0): 12028, Non-fatal, Link 41 egress non-posted PRIV error (First)" % k.journal("sxm-r09"),
         "%s kernel: nvidia-nvswitch2: SXid (PCI:0000:07:00.0): 12028, Severity 0 Engine instance 41 Sub-engine instance 00" % k.journal("sxm-r09"),
         "%s kernel: nvidia-nvswitch2: SXid (PCI:0000:07:00.0): 22013, Non-fatal, Link 41 Minion Link DLREQ interrupt" % k.adv(1).journal("sxm-r09"),
         "%s nv-fabricmanager[1988]: [Dec 02 2026 00:29:43] [INFO] [tid 2004] NVLink link 41 on NVSwitch physical id 2 is down, connected to GPU physical id 6 link 13" % k.adv(1).journal("sxm-r09")]
    return case("case-rl4-06", ("TrainingThroughputLow", "gpt-175b-mlm", ""),
                [("sxm-r03/rank0/stdout", it + strag), ("sxm-r09/journal", j), ("sxm-r09/nvidia-smi", s)],
                nodes, "sxm-r09/gpu6", "nvlink_error", "2026-12-02T00:36:00Z",
                layout="rank r runs on nodes[r // 8], local GPU r % 8 (TP=8 within a node, PP=4, DP=2)",
                summary="gpt-175b-mlm iteration time 5.2 s -> 7.9 s for 10 minutes")


def c07():
    """One GPU in HW thermal slowdown (92 C, fan failure reported by the BMC for that bay) on a 4-node job."""
    rng = random.Random(407)
    nodes = ["gx-0411", "gx-0412", "gx-0413", "gx-0414"]
    clk = Clock("2026-12-02T05:00:00")
    it = megatron_iters(rng, clk, 9901, 8, ms=6100.0, loss=2.033, gbs=1024, spread=0.05)
    q = ["$ nvidia-smi -q -d TEMPERATURE,PERFORMANCE -i 1"] + nvsmi_q_head(1, "0000:2a:00.0") + [
        "    Performance State                     : P0"] + clocks_event(hw_slow=True, hw_thermal=True) + [
        "    Temperature",
        "        GPU Current Temp                  : 92 C",
        "        GPU T.Limit Temp                  : -5 C",
        "        GPU Shutdown T.Limit Temp         : -8 C",
        "        GPU Slowdown T.Limit Temp         : -2 C",
        "        GPU Max Operating T.Limit Temp    : 0 C",
        "        Memory Current Temp               : 88 C",
        "        Memory Max Operating Temp         : 95 C"]
    q2 = ["$ nvidia-smi --query-gpu=index,temperature.gpu,clocks.sm,clocks_event_reasons.hw_thermal_slowdown --format=csv",
          "index, temperature.gpu, clocks.sm [MHz], clocks_event_reasons.hw_thermal_slowdown"]
    for g in range(8):
        q2.append("%d, %d, %d MHz, %s" % (g, 92 if g == 1 else 61 + g, 1095 if g == 1 else 1980, "Active" if g == 1 else "Not Active"))
    sel = ["$ ipmitool sel elist | tail -4",
           " 4d1 | 12/02/2026 | 04:52:10 | Fan FAN_GPU_BAY1 | Lower Critical going low  | Asserted | Reading 0 < Threshold 1800 RPM",
           " 4d2 | 12/02/2026 | 04:52:11 | Fan FAN_GPU_BAY1 | Fully Redundant | Deasserted",
           " 4d3 | 12/02/2026 | 04:55:40 | Temperature GPU1_Temp | Upper Non-critical going high | Asserted | Reading 87 > Threshold 85 degrees C"]
    return case("case-rl4-07", ("TrainingThroughputLow", "mixtral-pt", "gx-0413"),
                [("gx-0411/rank0/stdout", it), ("gx-0413/nvidia-smi", q2 + q), ("gx-0413/bmc", sel)],
                nodes, "gx-0413/gpu1", "gpu_thermal_throttle", "2026-12-02T05:01:00Z",
                summary="mixtral-pt step time 20% above its 24h median")


def c08():
    """Whole node's GPUs in HW power brake slowdown after a PSU failure (BMC SEL); job slowed (confounder: reads like a straggler)."""
    rng = random.Random(408)
    nodes = ["node-%03d" % i for i in range(41, 57)]
    clk = Clock("2026-12-02T03:30:00")
    it = megatron_iters(rng, clk, 22010, 10, ms=8800.0, loss=1.95, gbs=4096, spread=0.03)
    sel = ["$ ipmitool -H node-049-bmc sel elist | tail -5",
           " 1a0 | 12/02/2026 | 03:21:07 | Power Supply PSU3_Status | Failure detected () | Asserted",
           " 1a1 | 12/02/2026 | 03:21:07 | Power Supply PSU3_Status | Power Supply AC lost | Asserted",
           " 1a2 | 12/02/2026 | 03:21:08 | Power Unit PWR_Redundancy | Redundancy Lost | Asserted",
           " 1a3 | 12/02/2026 | 03:21:08 | System Event | OEM System Boot Event | Asserted | GPU power brake engaged"]
    q2 = ["$ nvidia-smi --query-gpu=index,power.draw,clocks.sm,clocks_event_reasons.hw_power_brake_slowdown --format=csv,noheader"]
    for g in range(8):
        q2.append("%d, %.2f W, %d MHz, Active" % (g, 198 + rng.uniform(-9, 9), 705 + rng.randrange(0, 30)))
    q = ["$ nvidia-smi -q -d PERFORMANCE -i 0"] + nvsmi_q_head(0, "0000:18:00.0") + clocks_event(hw_slow=True, hw_brake=True)
    strag = [" [%s] | MnRtt/Rnk: 5940.10ms/3 | MxRtt/Rnk: 8791.00ms/68 | MnPwr/Rnk: 196000W/66 | MxPwr/Rnk: 689000W/12 | MnTmp/Rnk: 41C/70 | MxTmp/Rnk: 73C/12 | MnUtl/Rnk: 98%%/71 | MxUtl/Rnk: 100%%/0 | MnClk/Rnk: 705MHz/64 | MxClk/Rnk: 1980MHz/0" % clk.mega()]
    return case("case-rl4-08", ("TrainingThroughputLow", "llama3-405b", ""),
                [("node-041/rank0/stdout", it + strag), ("node-049/nvidia-smi", q2 + q), ("node-049/bmc", sel)],
                nodes, "node-049", "gpu_power_throttle", "2026-12-02T03:32:00Z",
                summary="llama3-405b iteration time 5.9 s -> 8.8 s")


def c09():
    """One GPU's PCIe link trained x4 instead of x16 with AER correctable errors; its rank's host-device copies crawl (confounder: looks like a dataloader stall)."""
    rng = random.Random(409)
    nodes = ["a100-k8s-%02d" % i for i in (21, 22)]
    clk = Clock("2026-12-02T02:44:00")
    it = megatron_iters(rng, clk, 1500, 10, ms=3900.0, loss=2.9, gbs=256, spread=0.04)
    tm = ["(min, max) time across ranks (ms):",
          "    forward-backward ...............................: (3112.20, 3871.55)",
          "    batch-generator ................................: (2.12, 611.84)",
          "    optimizer ......................................: (22.31, 24.02)"]
    k = Clock("2026-12-02T02:31:50")
    h = "a100-k8s-22"
    aer = ["%s kernel: pcieport 0000:97:02.0: AER: Corrected error message received from 0000:9a:00.0" % k.journal(h),
           "%s kernel: nvidia 0000:9a:00.0: PCIe Bus Error: severity=Corrected, type=Physical Layer, (Receiver ID)" % k.journal(h),
           "%s kernel: nvidia 0000:9a:00.0:   device [10de:20b2] error status/mask=00000001/0000e000" % k.journal(h),
           "%s kernel: nvidia 0000:9a:00.0:    [ 0] RxErr                  (First)" % k.journal(h),
           "%s kernel: pcieport 0000:97:02.0: AER: Corrected error message received from 0000:9a:00.0" % k.adv(2).journal(h),
           "%s kernel: nvidia 0000:9a:00.0: PCIe Bus Error: severity=Corrected, type=Data Link Layer, (Transmitter ID)" % k.journal(h),
           "%s kernel: nvidia 0000:9a:00.0:    [12] Timeout               " % k.journal(h),
           "%s kernel: pcieport 0000:97:02.0: AER: Multiple Corrected error message received from 0000:9a:00.0" % k.adv(9).journal(h)]
    q = ["$ nvidia-smi -q -i 4 -d PCIE"] + nvsmi_q_head(4, "0000:9a:00.0", model="NVIDIA A100-SXM4-80GB") + [
        "    PCI",
        "        Bus                               : 0x9A",
        "        Device                            : 0x00",
        "        Domain                            : 0x0000",
        "        Bus Id                            : 00000000:9A:00.0",
        "        GPU Link Info",
        "            PCIe Generation",
        "                Max                       : 4",
        "                Current                   : 4",
        "                Device Current            : 4",
        "                Device Max                : 4",
        "                Host Max                  : 4",
        "            Link Width",
        "                Max                       : 16x",
        "                Current                   : 4x",
        "        Replays Since Reset               : 21904",
        "        Replay Number Rollovers           : 0",
        "        Tx Throughput                     : 1210 KB/s",
        "        Rx Throughput                     : 8433 KB/s"]
    lspci = ["$ lspci -vvv -s 9a:00.0 | grep -E 'LnkCap|LnkSta'",
             "\t\tLnkCap:\tPort #0, Speed 16GT/s, Width x16, ASPM not supported",
             "\t\tLnkSta:\tSpeed 16GT/s (ok), Width x4 (downgraded)"]
    return case("case-rl4-09", ("TrainingThroughputLow", "vit-g-pretrain", ""),
                [("kubectl logs pytorchjob-vitg-master-0", it + tm),
                 ("kubectl", get_pods([("pytorchjob-vitg-master-0", "Running", "0", "3h", "10.244.21.5", "a100-k8s-21"),
                                        ("pytorchjob-vitg-worker-0", "Running", "0", "3h", "10.244.22.9", "a100-k8s-22")])),
                 ("a100-k8s-22/journal", aer), ("a100-k8s-22/nvidia-smi", q + lspci)],
                nodes, "a100-k8s-22/gpu4", "pcie_link_degraded", "2026-12-02T02:45:00Z",
                gpu_model="NVIDIA A100-SXM4-80GB",
                summary="vit-g-pretrain samples/s 30% below baseline")


def c10():
    """Silent data corruption: dcgmi diag -r 3 fails one GPU's compute check after one DP rank's grad norm disagrees, no Xid."""
    rng = random.Random(410)
    nodes = ["b200-p%02d" % i for i in range(1, 5)]
    clk = Clock("2026-12-02T01:10:00")
    it = megatron_iters(rng, clk, 61200, 6, ms=3300.0, loss=1.602, gbs=2048)
    it += megatron_iters(rng, clk, 61206, 4, ms=3300.0, gbs=2048, loss_fn=lambda k: 1.6 + 0.9 * (k + 1), gn_fn=lambda k: 14.0 + 30 * k)
    w = [" [%s] WARNING: grad norm check failed at iteration 61207: data-parallel replicas disagree (dp rank 0: 21.512, dp rank 3: 44.190); skipping checkpoint save" % clk.mega()]
    diag = ["$ dcgmi diag -r 3 -i 0,1,2,3,4,5,6,7   (on b200-p03, job drained)",
            "Successfully ran diagnostic for group.",
            "+---------------------------+------------------------------------------------+",
            "| Diagnostic                | Result                                         |",
            "+===========================+================================================+",
            "|-----  Deployment  --------+------------------------------------------------|",
            "| Denylist                  | Pass                                           |",
            "| NVML Library              | Pass                                           |",
            "| CUDA Main Library         | Pass                                           |",
            "| Permissions and OS Blocks | Pass                                           |",
            "+-----  Hardware  ----------+------------------------------------------------+",
            "| GPU Memory                | Pass - All                                     |",
            "| Diagnostic                | GPU0: Pass                                     |",
            "|                           | GPU1: Pass                                     |",
            "|                           | GPU2: Pass                                     |",
            "|                           | GPU3: Pass                                     |",
            "|                           | GPU4: Pass                                     |",
            "|                           | GPU5: Fail                                     |",
            "|                           | GPU6: Pass                                     |",
            "|                           | GPU7: Pass                                     |",
            "| Warning                   | GPU5 Error: DCGM_FR_FIELD_VIOLATION, miscompa- |",
            "|                           | re detected in compute kernel results on GPU 5 |",
            "+-----  Integration  -------+------------------------------------------------+",
            "| PCIe                      | Pass - All                                     |",
            "+-----  Stress  ------------+------------------------------------------------+",
            "| Targeted Stress           | Pass - All                                     |",
            "| Targeted Power            | Pass - All                                     |",
            "| Memory Bandwidth          | Pass - All                                     |",
            "+---------------------------+------------------------------------------------+"]
    grp = [" > data-parallel groups: [0, 8, 16, 24] ... rank 21 is tensor-parallel rank 5 of data-parallel replica 2 on b200-p03",
           " [%s] rank 21 (b200-p03, local GPU 5): fp32 master-weight checksum 0x8d1a33f0 differs from tensor-parallel peers' expected 0x8d1a2af0 after all-reduce" % clk.adv(2).mega()]
    return case("case-rl4-10", ("TrainingLossSpike", "gpt-moe-b200", ""),
                [("b200-p01/rank0/stdout", it + w + grp), ("b200-p03/dcgmi", diag)],
                nodes, "b200-p03/gpu5", "gpu_silent_data_corruption", "2026-12-02T01:11:00Z",
                gpu_model="NVIDIA B200",
                summary="gpt-moe-b200 lm loss jumped 1.6 -> 4.3 in 4 iterations")


def c11():
    """MPIJob: one HCA down (ibstat Down / Polling, mlx5_core link down); ranks of that node get IBV_WC_RETRY_EXC_ERR."""
    rng = random.Random(411)
    nodes = ["ib-gpu-%02d" % i for i in range(1, 5)]
    clk = Clock("2026-12-02T04:40:00")
    lines = ["+ POD_NAME=mpijob-resnet-launcher", "+ mpirun --allow-run-as-root -np 32 -bind-to none -map-by slot -x NCCL_DEBUG=INFO -x NCCL_IB_HCA=mlx5 python train_resnet.py"]
    lines += nccl_init(18, "mpijob-resnet-worker-2", 32)
    for s in range(6):
        clk.adv(1.1)
        lines.append("Epoch: [14][%4d/1251]\tTime  %.3f ( 0.409)\tData  0.00%d ( 0.004)\tLoss %.4e (1.9012e+00)\tAcc@1  %.2f ( 57.91)"
                     % (400 + 10 * s, rng.uniform(0.39, 0.43), rng.randrange(2, 6), rng.uniform(1.85, 1.95), rng.uniform(55, 60)))
    lines += ["mpijob-resnet-worker-2:218:301 [2] transport/net_ib.cc:1696 NCCL WARN NET/IB : Got completion from peer 10.10.4.13<50512> with status=12 opcode=0 len=0 vendor err 129 (Send) localGid ::ffff:10.10.3.12 remoteGids::ffff:10.10.4.13 hca mlx5_4",
              "mpijob-resnet-worker-2:218:301 [2] NCCL INFO transport/net.cc:1302 -> 6",
              "mpijob-resnet-worker-2:218:301 [2] NCCL INFO proxy.cc:698 -> 6",
              "mpijob-resnet-worker-2:218:301 [2] NCCL INFO proxy.cc:880 -> 6 [Progress Thread]",
              "mpijob-resnet-worker-2:219:305 [3] transport/net_ib.cc:1696 NCCL WARN NET/IB : Got completion from peer 10.10.1.11<48211> with status=12 opcode=0 len=0 vendor err 129 (Recv) localGid ::ffff:10.10.3.12 remoteGids::ffff:10.10.1.11 hca mlx5_4",
              "[mpijob-resnet-worker-2:00218] *** Process received signal ***",
              "RuntimeError: NCCL communicator was aborted on rank 18. Original reason for failure was: NCCL error: remote process exited or there was a network error, NCCL version 2.21.5",
              "ncclRemoteError: A call failed possibly due to a network error or a remote process exiting prematurely.",
              "Last error:",
              "NET/IB : Got completion from peer 10.10.4.13<50512> with status=12 opcode=0 len=0 vendor err 129 (Send) localGid ::ffff:10.10.3.12 remoteGids::ffff:10.10.4.13 hca mlx5_4",
              "--------------------------------------------------------------------------",
              "Primary job  terminated normally, but 1 process returned",
              "a non-zero exit code. Per user-direction, the job has been aborted.",
              "--------------------------------------------------------------------------"]
    pods = get_pods([("mpijob-resnet-launcher", "Error", "0", "52m", "10.244.1.40", "ib-gpu-01"),
                     ("mpijob-resnet-worker-0", "Running", "0", "52m", "10.244.1.41", "ib-gpu-01"),
                     ("mpijob-resnet-worker-1", "Running", "0", "52m", "10.244.2.7", "ib-gpu-02"),
                     ("mpijob-resnet-worker-2", "Running", "0", "52m", "10.244.3.12", "ib-gpu-03"),
                     ("mpijob-resnet-worker-3", "Running", "0", "52m", "10.244.4.13", "ib-gpu-04")])
    k = Clock("2026-12-02T04:40:05")
    h = "ib-gpu-03"
    j = ["%s kernel: mlx5_core 0000:4d:00.0: Port module event: module 2, Cable unplugged" % k.journal(h),
         "%s kernel: mlx5_core 0000:4d:00.0 ibp77s0: Link down" % k.journal(h),
         "%s kernel: mlx5_core 0000:4d:00.0: mlx5_port_module_event:1193:(pid 0): Port module event[error]: module 2, Cable error, High Temperature" % k.adv(0.4).journal(h)]
    ibs = ["$ ibstat mlx5_4", "CA 'mlx5_4'", "\tCA type: MT4123", "\tNumber of ports: 1", "\tFirmware version: 20.38.1002",
           "\tHardware version: 0", "\tNode GUID: 0x0c42a10300d3e4f2", "\tSystem image GUID: 0x0c42a10300d3e4f2", "\tPort 1:",
           "\t\tState: Down", "\t\tPhysical state: Polling", "\t\tRate: 10", "\t\tBase lid: 65535", "\t\tLMC: 0", "\t\tSM lid: 1",
           "\t\tCapability mask: 0xa651e848", "\t\tPort GUID: 0x0c42a10300d3e4f2", "\t\tLink layer: InfiniBand",
           "$ ibdev2netdev", "mlx5_0 port 1 ==> ibp26s0 (Up)", "mlx5_3 port 1 ==> ibp60s0 (Up)", "mlx5_4 port 1 ==> ibp77s0 (Down)", "mlx5_5 port 1 ==> ibp94s0 (Up)"]
    return case("case-rl4-11", ("MPIJobFailed", "resnet-mpi", ""),
                [("kubectl logs mpijob-resnet-launcher", lines), ("kubectl", pods), ("ib-gpu-03/journal", j), ("ib-gpu-03/ibstat", ibs)],
                nodes, "ib-gpu-03/mlx5_4", "ib_link_failure", "2026-12-02T04:41:00Z",
                gpu_model="NVIDIA A100-SXM4-80GB",
                layout="MPIJob slotsPerWorker=8: worker-i runs ranks 8i..8i+7, local GPU r % 8",
                summary="MPIJob resnet-mpi launcher exited 1")


def c12():
    """NCCL watchdog timeouts on every rank of a 16-node job (confounder); the cause is one HCA flapping (perfquery / iblinkinfo)."""
    rng = random.Random(412)
    nodes = ["hpc-gpu%03d" % i for i in range(100, 116)]
    clk = Clock("2026-12-02T05:44:00")
    r0 = megatron_iters(rng, clk, 3305, 5, ms=10400.0, loss=2.21, gbs=4096)
    wd = Clock("2026-12-02T05:55:11")
    r0 += [watchdog(0, wd, 77120, op="REDUCE_SCATTER", numel=134217728)] + watchdog_tail(0, wd, 77120)
    others = []
    for r in (8, 33, 64, 97, 120):
        others.append(watchdog(r, wd.tick(rng), 77120, op="REDUCE_SCATTER", numel=134217728))
    k = Clock("2026-12-02T05:38:02")
    h = "hpc-gpu107"
    j = []
    for n in range(4):
        j.append("%s kernel: mlx5_core 0000:bc:00.0 ibp188s0: Link down" % k.adv(31 + n * 17).journal(h))
        j.append("%s kernel: mlx5_core 0000:bc:00.0 ibp188s0: Link up" % k.adv(4).journal(h))
    pq = ["$ perfquery -x -C mlx5_9 -P 1", "# Port extended counters: Lid 212 port 1 (CapMask: 0x5A00)",
          "PortSelect:......................1", "CounterSelect:...................0x0000",
          "SymbolErrorCounter:..............38811", "LinkErrorRecoveryCounter:........212",
          "LinkDownedCounter:...............4", "PortRcvErrors:...................9124",
          "PortRcvRemotePhysicalErrors:.....0", "PortRcvSwitchRelayErrors:........0",
          "PortXmitDiscards:................1873", "PortXmitConstraintErrors:........0",
          "PortRcvConstraintErrors:.........0", "LocalLinkIntegrityErrors:........31",
          "ExcessiveBufferOverrunErrors:....0", "VL15Dropped:.....................0",
          "PortXmitData:....................88121740812", "PortRcvData:.....................87311920211",
          "$ iblinkinfo --switch-name leaf-sw07 | grep hpc-gpu107",
          "          212    1[  ] ==( 4X      53.125 Gbps Active/  LinkUp)==>      17   23[  ] \"leaf-sw07\" ( )",
          "$ ibdev2netdev | grep mlx5_9", "mlx5_9 port 1 ==> ibp188s0 (Up)"]
    return case("case-rl4-12", ("TrainingJobHung", "llama-train-128", ""),
                [("hpc-gpu100/rank0/stderr", r0), ("job/stderr-other-ranks", others), ("hpc-gpu107/journal", j),
                 ("hpc-gpu107/ib-diag", pq)],
                nodes, "hpc-gpu107/mlx5_9", "ib_link_failure", "2026-12-02T05:56:00Z",
                summary="llama-train-128: all 128 ranks NCCL watchdog timeout")


def c13():
    """K8s pods with NCCL_SOCKET_IFNAME=ib0 where the pod only has eth0/net1: bootstrap finds no interface."""
    nodes = ["gke-a3-pool-7f2c", "gke-a3-pool-91ad"]
    clk = Clock("2026-12-02T07:01:00")
    p = "pytorchjob-bert-master-0"
    lines = ["[%s] torch.distributed.run: [WARNING] " % clk.py(),
             "[%s] torch.distributed.run: [WARNING] *****************************************" % clk.py(),
             "[%s] torch.distributed.run: [WARNING] Setting OMP_NUM_THREADS environment variable for each process to be 1 in default, to avoid your system being overloaded, please further tune the variable for optimal performance in your application as needed. " % clk.py(),
             "[%s] torch.distributed.run: [WARNING] *****************************************" % clk.py(),
             "[%s] torch.distributed.elastic.agent.server.api: [INFO] [default] Rendezvous complete for workers. Result:" % clk.adv(3).py(),
             "  restart_count=0", "  master_addr=pytorchjob-bert-master-0", "  master_port=23456", "  group_rank=0", "  group_world_size=2",
             "  local_ranks=[0, 1, 2, 3, 4, 5, 6, 7]", "  role_ranks=[0, 1, 2, 3, 4, 5, 6, 7]", "  global_ranks=[0, 1, 2, 3, 4, 5, 6, 7]",
             "  role_world_sizes=[16, 16, 16, 16, 16, 16, 16, 16]", "  global_world_sizes=[16, 16, 16, 16, 16, 16, 16, 16]"]
    for r in range(3):
        lines += ["%s:%d:%d [%d] NCCL INFO NCCL_SOCKET_IFNAME set by environment to ib0" % (p, 88 + r, 88 + r, r),
                  "%s:%d:%d [%d] misc/socket.cc:484 NCCL WARN Bootstrap : no socket interface found" % (p, 88 + r, 88 + r, r),
                  "%s:%d:%d [%d] NCCL INFO init.cc:1763 -> 3" % (p, 88 + r, 88 + r, r)]
    lines += ["[rank0]: Traceback (most recent call last):",
              '[rank0]:   File "/opt/bert/run_pretraining.py", line 711, in <module>',
              "[rank0]:     torch.distributed.barrier()",
              "[rank0]: torch.distributed.DistBackendError: NCCL error in: ../torch/csrc/distributed/c10d/ProcessGroupNCCL.cpp:1970, internal error - please report this issue to the NCCL developers, NCCL version 2.20.5",
              "[rank0]: ncclInternalError: Internal check failed.",
              "[rank0]: Last error:",
              "[rank0]: Bootstrap : no socket interface found"]
    spec = ["$ kubectl get pytorchjob bert -o yaml | grep -A3 NCCL_",
            "        - name: NCCL_SOCKET_IFNAME", "          value: ib0", "        - name: NCCL_IB_HCA", "          value: mlx5",
            "$ kubectl exec pytorchjob-bert-master-0 -- ip -br addr",
            "lo               UNKNOWN        127.0.0.1/8 ::1/128",
            "eth0@if41        UP             10.52.3.17/24",
            "net1@if12        UP             192.168.10.17/24"]
    ev = ["$ kubectl describe pod pytorchjob-bert-worker-0 | tail -6"] + k8s_events([
        ("Normal", "Pulled", "4m", "kubelet", 'Container image "nvcr.io/nvidia/pytorch:24.05-py3" already present on machine'),
        ("Normal", "Started", "4m", "kubelet", "Started container pytorch"),
        ("Warning", "BackOff", "12s (x3 over 2m)", "kubelet", "Back-off restarting failed container pytorch in pod pytorchjob-bert-worker-0_training(4b9d2c1e-77aa-4c1b-9f0e-2d5f0a8e1b11)")])
    return case("case-rl4-13", ("PyTorchJobFailed", "bert-large", ""),
                [("kubectl logs pytorchjob-bert-master-0", lines), ("kubectl", spec + ev)],
                nodes, "job", "nccl_network_misconfig", "2026-12-02T07:02:00Z",
                layout="PyTorchJob master-0 ranks 0-7, worker-0 ranks 8-15",
                summary="PyTorchJob bert-large in CrashLoopBackOff")


def c14():
    """A collective hang: one rank never enters the all-reduce (flight recorder shows it behind); every other rank times out."""
    rng = random.Random(414)
    nodes = ["gpu%02d" % i for i in range(1, 9)]
    clk = Clock("2026-12-02T02:10:00")
    r0 = megatron_iters(rng, clk, 880, 5, ms=2700.0, loss=3.02, gbs=512)
    wd = Clock("2026-12-02T02:20:25")
    tos = [watchdog(r, wd.tick(rng), 30117) for r in (0, 1, 9, 17, 40, 63)]
    fr = ["$ python tools/flight_recorder/fr_trace.py -j /tmp/nccl_trace_rank_",
          "Collective sequence number: 30117 has errors",
          "internal record id: 30117",
          "group info: 0:default_pg",
          "collective: nccl:all_reduce",
          "missing ranks: {37}",
          "input sizes: [[262144000]]",
          "output sizes: [[262144000]]",
          "expected ranks: 64",
          "collective state: scheduled",
          "rank 37 last enqueued: 30116 (nccl:all_reduce), last completed: 30116",
          "$ py-spy dump --pid 61877   # rank 37 on gpu05, local_rank 5",
          "Thread 61877 (idle): \"MainThread\"",
          "    wait (threading.py:324)",
          "    get (queue.py:180)",
          "    _eval_hook (callbacks/async_eval.py:88)",
          "    train_step (megatron/training/training.py:1190)",
          "    train (megatron/training/training.py:1480)"]
    j = ["%s kubelet[1201]: I1202 02:19:00.000000 1201 prober.go:107] \"Probe succeeded\" probeType=\"Liveness\" pod=\"training/gpt-eval-worker\"" % Clock("2026-12-02T02:19:00").journal("gpu05")]
    return case("case-rl4-14", ("TrainingJobHung", "gpt-2.7b-eval", ""),
                [("gpu01/rank0/stdout", r0), ("job/stderr", tos), ("job/flight-recorder", fr), ("gpu05/journal", j)],
                nodes, "gpu05/gpu5", "nccl_collective_hang", "2026-12-02T02:21:00Z",
                summary="gpt-2.7b-eval no iteration for 10 min; 63 ranks NCCL watchdog timeout")


def c15():
    """PyTorchJob worker-3's rank 29 segfaults (exit -11, SIGSEGV); its peers report connection reset and timeouts (confounder for them)."""
    rng = random.Random(415)
    nodes = ["gpu-h100-b%02d" % i for i in (1, 2, 4, 5, 8)]
    clk = Clock("2026-12-02T03:33:00")
    m = megatron_iters(rng, clk, 5120, 5, ms=4400.0, loss=2.2)
    m += ["[rank3]:[E1202 03:33:27.401102 8812 ProcessGroupNCCL.cpp:1556] [PG 0 (default_pg) Rank 3] Process group watchdog thread terminated with exception: NCCL error: remote process exited or there was a network error, NCCL version 2.21.5",
          "[rank3]: ncclRemoteError: A call failed possibly due to a network error or a remote process exiting prematurely.",
          "[rank3]: Last error:",
          "[rank3]: NET/IB : Got completion from peer 10.244.8.21<42211> with status=5 opcode=129 len=0 vendor err 249 (Recv) localGid ::ffff:10.244.1.5 remoteGids::ffff:10.244.8.21",
          "[rank11]:[E1202 03:33:27.812010 9110 ProcessGroupNCCL.cpp:1556] [PG 0 (default_pg) Rank 11] Process group watchdog thread terminated with exception: NCCL error: remote process exited or there was a network error"]
    w3c = Clock("2026-12-02T03:33:24")
    w3 = ["!!!!!!! Segfault encountered !!!!!!!",
          '  File "/usr/local/lib/python3.10/dist-packages/apex/contrib/layer_norm/layer_norm.py", line 32, in forward',
          "    ymat, mu, rsigma = fast_layer_norm.ln_fwd(xmat, gamma, beta, epsilon)",
          "Fatal Python error: Segmentation fault",
          "",
          "Thread 0x00007f1b9c7fe640 (most recent call first):",
          '  File "/usr/lib/python3.10/threading.py", line 324 in wait'] + \
        ["[%s] torch.distributed.elastic.multiprocessing.api: [WARNING] Sending process 4312 closing signal SIGTERM" % w3c.adv(1).py(),
         "[%s] torch.distributed.elastic.multiprocessing.api: [WARNING] Sending process 4313 closing signal SIGTERM" % w3c.py()] + \
        elastic_failure(w3c, "pytorchjob-llama-worker-3", 37, 5, -11, 4317, "Signal 11 (SIGSEGV) received by PID 4317")
    pods = get_pods([("pytorchjob-llama-master-0", "Running", "0", "2h", "10.244.1.5", "gpu-h100-b01"),
                     ("pytorchjob-llama-worker-0", "Running", "0", "2h", "10.244.2.9", "gpu-h100-b02"),
                     ("pytorchjob-llama-worker-1", "Running", "0", "2h", "10.244.4.3", "gpu-h100-b04"),
                     ("pytorchjob-llama-worker-2", "Running", "0", "2h", "10.244.5.12", "gpu-h100-b05"),
                     ("pytorchjob-llama-worker-3", "Error", "0", "2h", "10.244.8.21", "gpu-h100-b08")])
    j = ["%s kernel: pt_main_thread[4317]: segfault at 7f1a00000010 ip 00007f1bd2a31c4e sp 00007ffd9e1e0d20 error 4 in fast_layer_norm.cpython-310-x86_64-linux-gnu.so[7f1bd2a00000+1b2000] likely on CPU 71 (core 23, socket 1)" % Clock("2026-12-02T03:33:24").journal("gpu-h100-b08"),
         "%s kernel: Code: 48 8b 45 c8 48 8b 00 48 89 c7 e8 3f fa ff ff 48 8b 55 d0 <8b> 42 10 89 c6 48 8d 3d" % Clock("2026-12-02T03:33:24").journal("gpu-h100-b08")]
    return case("case-rl4-15", ("PyTorchJobFailed", "llama-13b-ln", ""),
                [("kubectl logs pytorchjob-llama-master-0", m), ("kubectl logs pytorchjob-llama-worker-3", w3),
                 ("kubectl", pods), ("gpu-h100-b08/journal", j)],
                nodes, "gpu-h100-b08/gpu5", "rank_process_crash", "2026-12-02T03:34:00Z",
                layout="PyTorchJob: master-0 ranks 0-7, worker-i ranks 8(i+1)..8(i+1)+7; local GPU r % 8",
                summary="PyTorchJob llama-13b-ln failed")


def c16():
    """Megatron: CUDA OOM on every pipeline-stage-0 rank after micro-batch-size was raised (config, job-wide)."""
    rng = random.Random(416)
    nodes = ["dgx-%02d" % i for i in range(1, 5)]
    clk = Clock("2026-12-02T06:10:00")
    args = ["------------------------ arguments ------------------------",
            "  micro_batch_size ................................ 8",
            "  global_batch_size ............................... 1024",
            "  tensor_model_parallel_size ...................... 4",
            "  pipeline_model_parallel_size .................... 4",
            "  recompute_granularity ........................... None",
            "  seq_length ...................................... 8192",
            "-------------------- end of arguments ---------------------",
            " > number of parameters on (tensor, pipeline) model parallel rank (0, 0): 2178416640",
            "[after model, optimizer, and learning rate scheduler are built] datetime: %s " % clk.mega(),
            "training ...", "[before the start of training step] datetime: %s " % clk.adv(5).mega()]
    oom = []
    for r in (0, 1, 2, 3):
        oom.append("[rank%d]: torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 8.00 GiB. GPU %d has a total capacity of 79.11 GiB of which 5.21 GiB is free. Including non-PyTorch memory, this process has 73.88 GiB memory in use. Of the allocated memory 66.10 GiB is allocated by PyTorch, and 6.31 GiB is reserved by PyTorch but unallocated. If reserved but unallocated memory is large try setting PYTORCH_CUDA_ALLOC_CONF=expandable_segments:True to avoid fragmentation.  See documentation for Memory Management  (https://pytorch.org/docs/stable/notes/cuda.html#environment-variables)" % (r, r))
    tb = ["[rank0]: Traceback (most recent call last):",
          '[rank0]:   File "/workspace/Megatron-LM/megatron/core/pipeline_parallel/schedules.py", line 1364, in forward_backward_pipelining_without_interleaving',
          "[rank0]:     output_tensor, num_tokens = forward_step(",
          '[rank0]:   File "/workspace/Megatron-LM/megatron/core/transformer/attention.py", line 291, in forward',
          "[rank0]:     core_attn_out = self.core_attention("]
    mem = ["[Rank 8] (after 1 iterations) memory (MB) | allocated: 41233.5 | max allocated: 58120.2 | reserved: 60112.0 | max reserved: 60112.0",
           "[Rank 12] (after 1 iterations) memory (MB) | allocated: 38810.1 | max allocated: 52001.9 | reserved: 54012.0 | max reserved: 54012.0"]
    x = ["$ git diff HEAD~1 -- scripts/pretrain_34b.sh",
         "-    --micro-batch-size 2 \\", "+    --micro-batch-size 8 \\"]
    return case("case-rl4-16", ("TrainingJobFailed", "codellama-34b", ""),
                [("dgx-01/rank0/stdout", args + mem + tb + oom), ("job/change", x)],
                nodes, "job", "cuda_oom", "2026-12-02T06:11:00Z",
                layout="rank r runs on nodes[r // 8], local GPU r % 8 (TP=4, PP=4, DP=2; ranks 0-3 and 16-19 are PP stage 0)",
                summary="codellama-34b failed at its first iteration")


def c17():
    """Application Xid 13 (Graphics SM Warp Exception, out-of-range address) on several nodes after a custom kernel change (confounder: an Xid, but the app's)."""
    rng = random.Random(417)
    nodes = ["a3-mega-%02d" % i for i in range(1, 7)]
    clk = Clock("2026-12-02T04:00:00")
    r0 = megatron_iters(rng, clk, 2, 3, ms=3600.0, loss=10.81, gbs=768)
    r0 += ["[rank0]: RuntimeError: CUDA error: an illegal memory access was encountered",
           "[rank0]: CUDA kernel errors might be asynchronously reported at some other API call, so the stacktrace below might be incorrect.",
           "[rank0]: For debugging consider passing CUDA_LAUNCH_BLOCKING=1",
           "[rank24]: RuntimeError: CUDA error: an illegal memory access was encountered",
           "[rank41]: RuntimeError: CUDA error: an illegal memory access was encountered",
           "[rank41]:   File \"/workspace/kernels/fused_rope_varlen.py\", line 144, in forward",
           "[rank41]:     _rope_fwd_kernel[grid](q, k, cos, sin, cu_seqlens, ...)"]
    j = []
    for h, bus, pid in (("a3-mega-01", "0000:18:00", 71201), ("a3-mega-04", "0000:18:00", 50310), ("a3-mega-06", "0000:2a:00", 44108)):
        k = Clock("2026-12-02T04:00:09")
        j += ["%s kernel: NVRM: Xid (PCI:%s): 13, pid=%d, name=python, Graphics SM Warp Exception on (GPC 3, TPC 1, SM 0): Out Of Range Address" % (k.journal(h), bus, pid),
              "%s kernel: NVRM: Xid (PCI:%s): 13, pid=%d, name=python, Graphics SM Global Exception on (GPC 3, TPC 1, SM 0): Multiple Warp Errors" % (k.journal(h), bus, pid),
              "%s kernel: NVRM: Xid (PCI:%s): 13, pid=%d, name=python, Graphics Exception: ESR 0x51df30=0x2000e 0x51df34=0x24 0x51df28=0xc81eb60 0x51df2c=0x1174" % (k.journal(h), bus, pid),
              "%s kernel: NVRM: Xid (PCI:%s): 43, pid=%d, name=python, Ch 00000008" % (k.adv(0.2).journal(h), bus, pid)]
    ch = ["$ git log --oneline -2", "e1f09c2 kernels: varlen fused RoPE (triton) for packed sequences", "77ab013 data: enable sequence packing"]
    return case("case-rl4-17", ("TrainingJobFailed", "gemma-pack", ""),
                [("a3-mega-01/rank0/stderr", r0), ("cluster/journal-kernel", j), ("job/change", ch)],
                nodes, "job", "illegal_memory_access", "2026-12-02T04:01:00Z",
                summary="gemma-pack failed at iteration 4 (3 nodes report Xid 13)")


def c18():
    """Xid 31 MMU fault (FAULT_PDE, app's pointer) on one GPU of a single-node job with an FP8 custom GEMM; Xid 31 is the app's (confounder); the component is the one faulting rank's GPU."""
    rng = random.Random(418)
    nodes = ["hgx-dev-03"]
    clk = Clock("2026-12-02T05:05:00")
    out = ds_steps(rng, clk, 12, 4)
    k = Clock("2026-12-02T05:05:12")
    h = "hgx-dev-03"
    j = ["%s kernel: NVRM: Xid (PCI:0000:ab:00): 31, pid=9921, name=python, Ch 00000010, intr 00000000. MMU Fault: ENGINE GRAPHICS GPCCLIENT_T1_3 faulted @ 0x7f2c_e8a00000. Fault is of type FAULT_PDE ACCESS_TYPE_VIRT_READ" % k.journal(h),
         "%s kernel: NVRM: Xid (PCI:0000:ab:00): 43, pid=9921, name=python, Ch 00000010" % k.adv(0.1).journal(h)]
    err = ["[rank5]: Traceback (most recent call last):",
           '[rank5]:   File "/work/moe_ft/ops/grouped_gemm.py", line 212, in forward',
           "[rank5]:     out = _C.grouped_gemm_fp8(a, b, batch_sizes, trans_b)",
           "[rank5]: RuntimeError: CUDA error: an illegal memory access was encountered",
           "[rank5]: CUDA kernel errors might be asynchronously reported at some other API call, so the stacktrace below might be incorrect.",
           "[rank5]: For debugging consider passing CUDA_LAUNCH_BLOCKING=1",
           "[rank5]: Compile with `TORCH_USE_CUDA_DSA` to enable device-side assertions.",
           "[%s] [INFO] [launch.py:319:sigkill_handler] Killing subprocess 9916" % clk.adv(1).py(),
           "[%s] [ERROR] [launch.py:325:sigkill_handler] ['/usr/bin/python3', '-u', 'ft.py', '--local_rank=5'] exits with return code = 1" % clk.py()]
    rerun = ["$ CUDA_LAUNCH_BLOCKING=1 compute-sanitizer --tool memcheck python ft.py --steps 1 --only-rank 5",
             "========= Invalid __global__ read of size 16 bytes",
             "=========     at grouped_gemm_fp8_kernel<128,128,64>(...)+0x1c30",
             "=========     by thread (64,0,0) in block (211,0,0)",
             "=========     Address 0x7f2ce8a00000 is out of bounds",
             "=========     and is 512 bytes after the nearest allocation at 0x7f2ce89ffe00 of size 512 bytes",
             "========= ERROR SUMMARY: 1 error"]
    return case("case-rl4-18", ("TrainingJobFailed", "moe-ft-fp8", "hgx-dev-03"),
                [("hgx-dev-03/deepspeed.log", out + err), ("hgx-dev-03/journal", j), ("hgx-dev-03/repro", rerun)],
                # Review RV-RL4: labelled "job" first; evals/diagnosis/README.md's component rule names
                # the GPU when one rank's process is at fault (rank 5 alone, on 0000:ab:00 = gpu5), as
                # case-rl4-15 does and every earlier single-GPU illegal_memory_access case.
                nodes, "hgx-dev-03/gpu5", "illegal_memory_access", "2026-12-02T05:06:00Z",
                summary="moe-ft-fp8 exited with return code 1")


def c19():
    """A pod OOMKilled (exit 137); the cause is host memory leaking in the dataloader workers (RSS growth), not the GPU (confounder)."""
    rng = random.Random(419)
    nodes = ["gpu-l40s-%02d" % i for i in (3, 4)]
    clk = Clock("2026-12-02T01:00:00")
    lines = []
    for e in range(6):
        clk.adv(290)
        lines.append("[%s] INFO train.py:233 step %d loss 2.%03d lr 1.00e-04 | dataloader: 12 workers, worker RSS total %.1f GiB | host MemAvailable %.1f GiB"
                     % (clk.py(), 2000 + e * 100, 400 - e * 7, 38.0 + e * 29.5, 402.0 - e * 30.1))
    desc = ["$ kubectl describe pod pytorchjob-clip-worker-0 -n training",
            "Name:             pytorchjob-clip-worker-0",
            "Namespace:        training",
            "Node:             gpu-l40s-04/10.20.0.14",
            "Containers:",
            "  pytorch:",
            "    State:          Waiting",
            "      Reason:       CrashLoopBackOff",
            "    Last State:     Terminated",
            "      Reason:       OOMKilled",
            "      Exit Code:    137",
            "      Started:      Wed, 02 Dec 2026 00:31:02 +0000",
            "      Finished:     Wed, 02 Dec 2026 01:29:51 +0000",
            "    Ready:          False",
            "    Restart Count:  1",
            "    Limits:",
            "      memory:          400Gi",
            "      nvidia.com/gpu:  8"] + k8s_events([
                ("Warning", "BackOff", "20s (x2 over 41s)", "kubelet", "Back-off restarting failed container pytorch in pod pytorchjob-clip-worker-0_training(8f1e0b2a-1c3d-4e5f-9a7b-6c5d4e3f2a1b)")])
    k = Clock("2026-12-02T01:29:50")
    h = "gpu-l40s-04"
    j = ["%s kernel: pt_data_worker invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, oom_score_adj=-997" % k.journal(h),
         "%s kernel: memory: usage 419430400kB, limit 419430400kB, failcnt 81234" % k.journal(h),
         "%s kernel: Memory cgroup stats for /kubepods.slice/kubepods-pod8f1e0b2a_1c3d_4e5f_9a7b_6c5d4e3f2a1b.slice:" % k.journal(h),
         "%s kernel: Tasks state (memory values in pages):" % k.journal(h),
         "%s kernel: [  pid  ]   uid  tgid total_vm      rss pgtables_bytes swapents oom_score_adj name" % k.journal(h),
         "%s kernel: [ 771021]     0 771021 31021331  2910021 26312704        0          -997 python" % k.journal(h),
         "%s kernel: [ 771402]     0 771402 24010122 18102231 148004864        0          -997 pt_data_worker" % k.journal(h),
         "%s kernel: [ 771403]     0 771403 24010122 17988120 147120128        0          -997 pt_data_worker" % k.journal(h),
         "%s kernel: oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=cri-containerd-5a1b.scope,mems_allowed=0-1,oom_memcg=/kubepods.slice/kubepods-pod8f1e0b2a_1c3d_4e5f_9a7b_6c5d4e3f2a1b.slice,task_memcg=/kubepods.slice/kubepods-pod8f1e0b2a_1c3d_4e5f_9a7b_6c5d4e3f2a1b.slice/cri-containerd-5a1b.scope,task=pt_data_worker,pid=771402,uid=0" % k.journal(h),
         "%s kernel: Memory cgroup out of memory: Killed process 771402 (pt_data_worker) total-vm:96040488kB, anon-rss:72408924kB, file-rss:0kB, shmem-rss:0kB, UID:0 pgtables:144536kB oom_score_adj:-997" % k.journal(h),
         "%s containerd[1710]: time=\"2026-12-02T01:29:51.412201112Z\" level=info msg=\"TaskExit event container_id:\\\"5a1b\\\" exit_status:137\"" % k.adv(1).journal(h)]
    m = ["[%s] ERROR: Unexpected bus error encountered in worker. This might be caused by insufficient shared memory (shm)." % k.py(),
         "RuntimeError: DataLoader worker (pid 771402) is killed by signal: Killed. ",
         "[rank3]:[E1202 01:39:52.100021 8101 ProcessGroupNCCL.cpp:632] [Rank 3] Watchdog caught collective operation timeout: WorkNCCL(SeqNum=40012, OpType=ALLREDUCE, NumelIn=1048576, NumelOut=1048576, Timeout(ms)=600000) ran for 600031 milliseconds before timing out."]
    return case("case-rl4-19", ("PyTorchJobRestarted", "clip-vit-l", ""),
                [("kubectl logs pytorchjob-clip-worker-0 --previous", lines + m), ("kubectl", desc), ("gpu-l40s-04/journal", j)],
                nodes, "gpu-l40s-04", "host_oom", "2026-12-02T01:31:00Z",
                gpu_model="NVIDIA L40S",
                layout="PyTorchJob master-0 ranks 0-7 on gpu-l40s-03, worker-0 ranks 8-15",
                summary="PyTorchJob clip-vit-l worker-0 restarted (OOMKilled)")


def c20():
    """Megatron bf16: lm loss and grad norm go nan across the job; number of nan iterations climbs."""
    rng = random.Random(420)
    nodes = ["n%03d" % i for i in range(10, 42)]
    clk = Clock("2026-12-01T23:58:00")
    it = megatron_start(clk, 256, 8, 1, 120300, 1003487232, "/ckpt/llm-256")
    it += megatron_iters(rng, clk, 120300, 6, ms=9100.0, loss=1.541, gbs=8192)
    it += megatron_iters(rng, clk, 120306, 3, ms=9100.0, gbs=8192, loss_fn=lambda k: [3.9, 11.2, 27.8][k], gn_fn=lambda k: [88.1, 2210.4, 91003.2][k])
    it += megatron_iters(rng, clk, 120309, 5, ms=9100.0, gbs=8192, loss_fn=lambda k: float("nan"), gn_fn=lambda k: float("nan"), nan=lambda k: k + 1)
    it += ["WARNING: found nan in grad norm at iteration 120313 on all data-parallel ranks; --check-for-nan-in-loss-and-grad is set, raising",
           "[rank0]: RuntimeError: Rank 0, node n010, device 0, iteration 120313: found NaN in local grad norm in backward pass before data-parallel communication collective. Device: 0, node: n010"]
    return case("case-rl4-20", ("TrainingLossNaN", "llm-256-gpu", ""),
                [("n010/rank0/stdout", it)],
                nodes, "job", "loss_divergence", "2026-12-02T00:03:00Z",
                summary="llm-256-gpu lm loss is nan")


def c21():
    """Loss spikes that follow a data shard: the same consumed-samples window spikes on two different node allocations (confounder: not a GPU)."""
    rng = random.Random(421)
    nodes = ["gpu-a%02d" % i for i in range(1, 13)]
    c1 = Clock("2026-12-01T20:00:00")
    run1 = ["=== run 1 (nodes gpu-a01..gpu-a06) ==="]
    run1 += megatron_iters(rng, c1, 30010, 3, ms=5000.0, loss=1.88, gbs=1024)
    run1 += megatron_iters(rng, c1, 30013, 3, ms=5000.0, gbs=1024, loss_fn=lambda k: [6.41, 9.02, 5.13][k], gn_fn=lambda k: [41.2, 95.8, 22.0][k])
    run1 += megatron_iters(rng, c1, 30016, 3, ms=5000.0, loss=1.95, gbs=1024)
    c2 = Clock("2026-12-02T03:00:00")
    run2 = ["=== run 2, restarted from iteration 30000 on nodes gpu-a07..gpu-a12 (gpu-a01..06 drained for checks, all passed) ==="]
    run2 += megatron_iters(rng, c2, 30010, 3, ms=5000.0, loss=1.88, gbs=1024)
    run2 += megatron_iters(rng, c2, 30013, 3, ms=5000.0, gbs=1024, loss_fn=lambda k: [6.39, 9.05, 5.10][k], gn_fn=lambda k: [40.7, 96.1, 21.8][k])
    run2 += megatron_iters(rng, c2, 30016, 2, ms=5000.0, loss=1.95, gbs=1024)
    d = [" > building dataset index ...", " > blend: [0.3 web_en_00..63, 0.2 code_04, 0.5 books_*]",
         "$ python tools/find_samples.py --consumed 30733312 30736384", "samples 30733312..30736384 -> dataset code_04, shard code_04-00177.bin offsets 0x1a2f..0x1e10 (3072 docs)",
         "  shard code_04-00177.bin: 3050/3072 documents are a single repeated minified-JS token run (len 8192)"]
    return case("case-rl4-21", ("TrainingLossSpike", "gpt-8b-web", ""),
                [("rank0/stdout", run1 + run2), ("job/data-check", d)],
                nodes, "job", "loss_divergence", "2026-12-02T03:01:00Z",
                summary="gpt-8b-web lm loss spike 1.9 -> 9.0 at iteration 30014 (again after restart)")


def c22():
    """DeepSpeed fp16: OVERFLOW, loss scale halved down to 1, skipped steps pile up."""
    rng = random.Random(422)
    nodes = ["worker-0", "worker-1", "worker-2", "worker-3"]
    clk = Clock("2026-12-02T02:00:00")
    p = "worker-0: "
    out = ds_steps(rng, clk, 5400, 3, prefix=p)
    scale = 4096.0
    for s in range(12):
        clk.adv(1.3)
        out.append(p + "[%s] [INFO] [loss_scaler.py:183:update_scale] [deepspeed] OVERFLOW! Rank 0 Skipping step. Attempted loss scale: %d, reducing to %d" % (clk.py(), scale, max(scale / 2, 1)))
        scale = max(scale / 2, 1)
    out.append(p + "[%s] [INFO] [loss_scaler.py:183:update_scale] [deepspeed] OVERFLOW! Rank 0 Skipping step. Attempted loss scale: 1, but hysteresis is 2. Reducing hysteresis to 1" % clk.adv(1.3).py())
    out.append(p + "[%s] [INFO] [logging.py:96:log_dist] [Rank 0] step=5416, skipped=13, lr=[5.0e-05], mom=[(0.9, 0.999)]" % clk.adv(1).py())
    out.append(p + "Exception: Current loss scale already at minimum - cannot decrease scale anymore. Exiting run.")
    cfg = ['$ cat ds_config.json | jq .fp16', '{', '  "enabled": true,', '  "loss_scale": 0,', '  "initial_scale_power": 16,',
           '  "loss_scale_window": 1000,', '  "hysteresis": 2,', '  "min_loss_scale": 1', '}']
    return case("case-rl4-22", ("TrainingJobFailed", "t5-11b-fp16", ""),
                [("deepspeed/pdsh", out), ("job/config", cfg)],
                nodes, "job", "fp16_loss_scale_collapse", "2026-12-02T02:01:00Z",
                gpu_model="NVIDIA A100-SXM4-80GB",
                summary="t5-11b-fp16: loss scale at minimum, run exited")


def c23():
    """Transformer Engine FP8: amax becomes inf, scale collapses to 0 in one layer's fp8 meta; loss climbs."""
    rng = random.Random(423)
    nodes = ["h100-x%02d" % i for i in range(1, 9)]
    clk = Clock("2026-12-02T04:19:00")
    it = megatron_start(clk, 64, 4, 2, 15000, 2710140928, "/ckpt/nemotron-fp8")
    it += megatron_iters(rng, clk, 15010, 4, ms=4200.0, loss=1.99, gbs=2048)
    te = []
    for k in range(4):
        te.append("[%s] WARNING transformer_engine.pytorch.fp8: [rank 0] decoder.layers.27.self_attention.linear_proj fp8_meta['scaling_fwd'] amax_history max=inf, scale=%s, scale_inv=%s (DelayedScaling margin=0, fp8_format=HYBRID, amax_history_len=1024)"
                  % (clk.adv(1).mega(), ["1.52587890625e-05", "0.0", "0.0", "0.0"][k], ["65536.0", "inf", "inf", "inf"][k]))
    it2 = megatron_iters(rng, clk, 15014, 4, ms=4200.0, gbs=2048, loss_fn=lambda k: [2.4, 4.8, 7.7, 9.9][k], gn_fn=lambda k: [3.1, 12.0, 44.0, 70.1][k])
    it2 += ["[rank0]: UserWarning: FP8 cast saturated 100.0% of elements in tensor 'decoder.layers.27.self_attention.linear_proj.weight' (E4M3 max 448.0)"]
    cfg = [" > fp8: hybrid, fp8_margin: 0, fp8_amax_history_len: 1024, fp8_amax_compute_algo: max, fp8_wgrad: True",
           " > using transformer_engine 1.11.0"]
    return case("case-rl4-23", ("TrainingLossSpike", "nemotron-fp8", ""),
                [("h100-x01/rank0/stdout", cfg + it + te + it2)],
                nodes, "job", "fp8_scaling_overflow", "2026-12-02T04:21:00Z",
                summary="nemotron-fp8 lm loss 2.0 -> 9.9")


def c24():
    """Megatron MoE: router collapses onto 2 of 64 experts; tokens dropped, all-to-all slow."""
    rng = random.Random(424)
    nodes = ["moe-%02d" % i for i in range(1, 17)]
    clk = Clock("2026-12-02T04:59:00")
    it = megatron_start(clk, 128, 2, 2, 8800, 3120562176, "/ckpt/moe-64e", ep=8)
    it += megatron_iters(rng, clk, 8800, 3, ms=6200.0, loss=2.31, gbs=2048)
    mo = []
    for k in range(4):
        clk.adv(6.2)
        mo.append(" [%s] iteration %8d/  500000 | elapsed time per iteration (ms): %.1f | lm loss: %E | load_balancing_loss: %E | z_loss: %E | grad norm: %.3f | number of skipped iterations:   0 | number of nan iterations:   0 |"
                  % (clk.mega(), 8803 + k, 6200 + 2900 * (k + 1), 2.33 + 0.06 * k, 1.02 + 0.9 * k, 0.0011, 0.9))
        mo.append(" [%s] MoE layer 12 expert load (tokens/expert, EP rank 0, 64 experts): max 181204 (expert 17), min 0 (38 experts), top-2 experts share 0.91; tokens dropped (capacity_factor=1.25): %d"
                  % (clk.mega(), 180000 + 30000 * k))
    a2a = ["(min, max) time across ranks (ms):",
           "    forward-backward ...............................: (17120.11, 18233.02)",
           "    moe-all2all-dispatch ...........................: (6891.20, 9120.84)",
           "    moe-all2all-combine ............................: (5130.77, 7802.13)"]
    return case("case-rl4-24", ("TrainingThroughputLow", "moe-64e", ""),
                [("moe-01/rank0/stdout", it + mo + a2a)],
                nodes, "job", "moe_expert_imbalance", "2026-12-02T05:01:00Z",
                layout="rank r runs on nodes[r // 8], local GPU r % 8 (EP=8, TP=2, PP=2)",
                summary="moe-64e step time 6.2 s -> 17.8 s")


def c25():
    """One rank consistently slowest (Megatron straggler detector); its GPU sits at lower clocks with no throttle reason, peers wait."""
    rng = random.Random(425)
    nodes = ["g4-%02d" % i for i in range(1, 5)]
    clk = Clock("2026-12-02T06:20:00")
    it = megatron_iters(rng, clk, 4410, 6, ms=5600.0, loss=2.02, gbs=1024)
    st = []
    c = Clock("2026-12-02T06:20:40")
    for k in range(5):
        st.append(" [%s] | MnRtt/Rnk: 3921.44ms/4 | MxRtt/Rnk: 5580.12ms/22 | MnPwr/Rnk: 301000W/22 | MxPwr/Rnk: 698000W/9 | MnTmp/Rnk: 49C/22 | MxTmp/Rnk: 66C/1 | MnUtl/Rnk: 70%%/22 | MxUtl/Rnk: 99%%/3 | MnClk/Rnk: 1410MHz/22 | MxClk/Rnk: 1980MHz/0"
                  % c.adv(60).mega())
    st.append(" [%s] StragglerDetector: rank 22 (g4-03, local rank 6) slowest in 5/5 windows, 42%% over the median" % c.mega())
    q = ["$ nvidia-smi --query-gpu=index,clocks.sm,clocks.max.sm,clocks_event_reasons.active --format=csv   # g4-03",
         "index, clocks.sm [MHz], clocks.max.sm [MHz], clocks_event_reasons.active"]
    for g in range(8):
        q.append("%d, %d MHz, 1980 MHz, 0x0000000000000000" % (g, 1410 if g == 6 else 1980))
    return case("case-rl4-25", ("TrainingThroughputLow", "llama-8b-sft", ""),
                [("g4-01/rank0/stdout", it + st), ("g4-03/nvidia-smi", q)],
                nodes, "g4-03/gpu6", "straggler_rank", "2026-12-02T06:26:00Z",
                summary="llama-8b-sft 40% slower than baseline")


def c26():
    """Dataloader stall: batch-generator time dominates, GPUs idle; DCGM exporter CrashLoop and a soft lockup warning are noise."""
    rng = random.Random(426)
    nodes = ["k8s-gpu-%02d" % i for i in (5, 6)]
    clk = Clock("2026-12-02T03:00:00")
    it = megatron_iters(rng, clk, 700, 8, ms=11800.0, loss=3.1, gbs=256, spread=0.25)
    tm = ["(min, max) time across ranks (ms):",
          "    forward-backward ...............................: (3012.20, 3107.55)",
          "    batch-generator ................................: (7711.12, 9880.84)",
          "    optimizer ......................................: (21.31, 23.02)",
          " > WARNING: data loader: 2 workers per rank (num_workers=2), tokenizing on the fly (--tokenizer-on-the-fly); host CPU 100% busy on 64 of 64 cores"]
    ev = ["$ kubectl -n gpu-operator get pods -o wide | grep k8s-gpu-06",
          "nvidia-dcgm-exporter-x8k2q                      0/1     CrashLoopBackOff   14 (2m ago)   3h    10.244.6.40   k8s-gpu-06   <none>           <none>",
          "nvidia-device-plugin-daemonset-7p2mz            1/1     Running            0             3h    10.244.6.41   k8s-gpu-06   <none>           <none>",
          "$ kubectl -n gpu-operator describe pod nvidia-dcgm-exporter-x8k2q | tail -2",
          "  Warning  BackOff    2m (x61 over 3h)   kubelet  Back-off restarting failed container nvidia-dcgm-exporter in pod nvidia-dcgm-exporter-x8k2q_gpu-operator(7c1d2e3f-4a5b-6c7d-8e9f-0a1b2c3d4e5f)",
          "  Warning  Unhealthy  3m                 kubelet  Liveness probe failed: Get \"http://10.244.6.40:9400/health\": dial tcp 10.244.6.40:9400: connect: connection refused"]
    k = Clock("2026-12-02T03:05:00")
    j = ["%s kernel: watchdog: BUG: soft lockup - CPU#17 stuck for 22s! [python:3310]" % k.journal("k8s-gpu-06"),
         "%s kernel: CPU: 17 PID: 3310 Comm: python Tainted: P           OE      5.15.0-119-generic #129-Ubuntu" % k.journal("k8s-gpu-06")]
    smi = ["$ nvidia-smi dmon -s u -c 3   # k8s-gpu-05", "# gpu    sm   mem   enc   dec   jpg   ofa", "# Idx     %     %     %     %     %     %",
           "    0     0     0     0     0     0     0", "    1     2     0     0     0     0     0", "    0    94    41     0     0     0     0"]
    return case("case-rl4-26", ("GPUUtilizationLow", "vlm-sft", ""),
                [("kubectl logs pytorchjob-vlm-master-0", it + tm), ("kubectl", ev), ("k8s-gpu-06/journal", j), ("k8s-gpu-05/nvidia-smi", smi)],
                nodes, "job", "dataloader_stall", "2026-12-02T03:02:00Z",
                summary="vlm-sft GPU utilisation under 30% for 15 min")


def c27():
    """Lustre OST unreachable: client evictions and -107/-110 errors on all nodes, checkpoint save hangs then fails."""
    rng = random.Random(427)
    nodes = ["cn%04d" % i for i in range(2101, 2109)]
    clk = Clock("2026-12-02T01:50:00")
    it = megatron_iters(rng, clk, 12000, 3, ms=4800.0, loss=1.82, gbs=1024)
    it += ["saving checkpoint at iteration   12003 to /lustre/scratch/ckpt/gpt-22b in torch_dist format",
           "[rank0]: Traceback (most recent call last):",
           '[rank0]:   File "/workspace/Megatron-LM/megatron/core/dist_checkpointing/strategies/filesystem_async.py", line 233, in write_preloaded_data',
           "[rank0]: OSError: [Errno 5] Input/output error: '/lustre/scratch/ckpt/gpt-22b/iter_0012003/__0_1.distcp'"]
    j = []
    for h in ("cn2101", "cn2104", "cn2107"):
        k = Clock("2026-12-02T02:01:02")
        j += ["%s kernel: Lustre: scratch-OST0012-osc-ffff9c1a2b3c4000: Connection to scratch-OST0012 (at 10.140.0.12@o2ib) was lost; in progress operations using this service will wait for recovery to complete" % k.journal(h),
              "%s kernel: LustreError: 11-0: scratch-OST0012-osc-ffff9c1a2b3c4000: operation ost_write to node 10.140.0.12@o2ib failed: rc = -107" % k.adv(100).journal(h),
              "%s kernel: LustreError: 167-0: scratch-OST0012-osc-ffff9c1a2b3c4000: This client was evicted by scratch-OST0012; in progress operations using this service will fail." % k.adv(60).journal(h),
              "%s kernel: LustreError: 3311:0:(osc_request.c:1807:osc_brw_redo_request()) @@@ redo for recoverable error -110  req@ffff8f2b1c3d4e00 x1785512345678/t0(0) o4->scratch-OST0012-osc-ffff9c1a2b3c4000@10.140.0.12@o2ib:6/4 lens 488/448 e 1 to 1 dl 1796183024 ref 2 fl Rpc:X/0/ffffffff rc -110/-1" % k.adv(1).journal(h)]
    lfs = ["$ lfs check servers | grep -v active", "scratch-OST0012-osc-ffff9c1a2b3c4000: check error: Resource temporarily unavailable"]
    return case("case-rl4-27", ("CheckpointFailed", "gpt-22b", ""),
                [("cn2101/rank0/stdout", it), ("nodes/journal", j), ("cn2101/lfs", lfs)],
                nodes, "job", "storage_failure", "2026-12-02T02:05:00Z",
                summary="gpt-22b checkpoint at iteration 12003 failed")


def c28():
    """Pods evicted for ephemeral-storage on one node (DiskPressure): checkpoints written to an emptyDir filled the local disk (confounder: eviction)."""
    rng = random.Random(428)
    nodes = ["gpu-node-%02d" % i for i in (31, 32, 33)]
    k = Clock("2026-12-02T04:02:10")
    h = "gpu-node-32"
    j = ["%s kubelet[2310]: W1202 04:02:10.331201    2310 eviction_manager.go:368] \"Eviction manager: attempting to reclaim\" resourceName=\"ephemeral-storage\"" % k.journal(h),
         "%s kubelet[2310]: I1202 04:02:10.331502    2310 container_gc.go:88] \"Attempting to delete unused containers\"" % k.journal(h),
         "%s kubelet[2310]: I1202 04:02:11.002118    2310 image_gc_manager.go:391] \"Disk usage on image filesystem is over the high threshold, trying to free bytes down to the low threshold\" usage=97 highThreshold=85 amountToFree=412318123008 lowThreshold=80" % k.adv(1).journal(h),
         "%s kubelet[2310]: I1202 04:02:14.882010    2310 eviction_manager.go:395] \"Eviction manager: must evict pod(s) to reclaim\" resourceName=\"ephemeral-storage\"" % k.adv(3).journal(h),
         "%s kubelet[2310]: I1202 04:02:14.882310    2310 eviction_manager.go:413] \"Eviction manager: pods ranked for eviction\" pods=[\"training/pytorchjob-sd-worker-1\",\"monitoring/node-exporter-7x2p\"]" % k.journal(h),
         "%s kubelet[2310]: I1202 04:02:15.120551    2310 eviction_manager.go:616] \"Eviction manager: pod is evicted successfully\" pod=\"training/pytorchjob-sd-worker-1\"" % k.adv(1).journal(h)]
    desc = ["$ kubectl describe pod pytorchjob-sd-worker-1 -n training | grep -E 'Status|Reason|Message|Node:'",
            "Node:             gpu-node-32/10.20.1.32",
            "Status:           Failed",
            "Reason:           Evicted",
            "Message:          The node was low on resource: ephemeral-storage. Threshold quantity: 372Gi, available: 18Gi. Container pytorch was using 3411Gi, request is 0, has larger consumption of ephemeral-storage. ",
            "$ kubectl describe node gpu-node-32 | sed -n '/Conditions/,/Addresses/p'",
            "Conditions:",
            "  Type                 Status  LastHeartbeatTime                 LastTransitionTime                Reason                       Message",
            "  ----                 ------  -----------------                 ------------------                ------                       -------",
            "  MemoryPressure       False   Wed, 02 Dec 2026 04:03:01 +0000   Mon, 30 Nov 2026 08:11:00 +0000   KubeletHasSufficientMemory   kubelet has sufficient memory available",
            "  DiskPressure         True    Wed, 02 Dec 2026 04:03:01 +0000   Wed, 02 Dec 2026 04:02:10 +0000   KubeletHasDiskPressure       kubelet has disk pressure",
            "  PIDPressure          False   Wed, 02 Dec 2026 04:03:01 +0000   Mon, 30 Nov 2026 08:11:00 +0000   KubeletHasSufficientPID      kubelet has sufficient PID available",
            "  Ready                True    Wed, 02 Dec 2026 04:03:01 +0000   Mon, 30 Nov 2026 08:11:20 +0000   KubeletReady                 kubelet is posting ready status",
            "Taints:             node.kubernetes.io/disk-pressure:NoSchedule",
            "$ kubectl get pod pytorchjob-sd-worker-1 -o jsonpath='{.spec.volumes[?(@.name==\"ckpt\")]}'",
            "{\"emptyDir\":{},\"name\":\"ckpt\"}"]
    clk = Clock("2026-12-02T03:40:00")
    log = []
    for s in range(5):
        clk.adv(240)
        log.append("[%s] INFO trainer.py:301 step %d loss 0.1%02d; saved checkpoint to /ckpt/step_%d (412.3 GB)" % (clk.py(), 9000 + 500 * s, 40 - s, 9000 + 500 * s))
    log.append("[%s] torch.distributed.elastic.agent.server.api: [WARNING] Received Signals.SIGTERM death signal, shutting down workers" % Clock("2026-12-02T04:02:15").py())
    sch = ["$ kubectl get events -n training --field-selector involvedObject.name=pytorchjob-sd-worker-1-r2",
           "LAST SEEN   TYPE      REASON             OBJECT                          MESSAGE",
           "40s         Warning   FailedScheduling   pod/pytorchjob-sd-worker-1-r2   0/3 nodes are available: 1 node(s) had untolerated taint {node.kubernetes.io/disk-pressure: }, 2 Insufficient nvidia.com/gpu. preemption: 0/3 nodes are available: 1 Preemption is not helpful for scheduling, 2 No preemption victims found for incoming pod.."]
    return case("case-rl4-28", ("PyTorchJobFailed", "sdxl-ft", ""),
                [("kubectl logs pytorchjob-sd-worker-1 --previous", log), ("gpu-node-32/journal", j), ("kubectl", desc + sch)],
                nodes, "gpu-node-32", "storage_failure", "2026-12-02T04:03:30Z",
                summary="PyTorchJob sdxl-ft worker-1 Evicted")


def c29():
    """Megatron launch: world size not divisible by TP x PP (a hostfile with 7 nodes instead of 8) via torchrun on Slurm."""
    nodes = ["gpn-%03d" % i for i in range(11, 18)]
    clk = Clock("2026-12-02T06:40:00")
    lines = ["+ srun --nodes=7 --ntasks-per-node=1 torchrun --nnodes=7 --nproc_per_node=8 --rdzv_backend=c10d --rdzv_endpoint=gpn-011:29500 pretrain_gpt.py --tensor-model-parallel-size 8 --pipeline-model-parallel-size 4 ...",
             "[%s] torch.distributed.elastic.rendezvous.dynamic_rendezvous: [INFO] The node 'gpn-011_1199_0' has joined round 0 of the rendezvous 'none' as rank 0 in a world of size 7." % clk.py(),
             "using world size: 56, data-parallel size: 1, context-parallel size: 1, tensor-model-parallel size: 8, pipeline-model-parallel size: 4 ",
             "[rank0]: Traceback (most recent call last):",
             '[rank0]:   File "/workspace/Megatron-LM/megatron/training/arguments.py", line 242, in validate_args',
             "[rank0]:     assert args.world_size % total_model_size == 0, f\"world size ({args.world_size}) is not divisible by total_model_size ({total_model_size=})\"",
             "[rank0]: AssertionError: world size (56) is not divisible by total_model_size (total_model_size=32)"]
    for r in (8, 16, 40):
        lines.append("[rank%d]: AssertionError: world size (56) is not divisible by total_model_size (total_model_size=32)" % r)
    lines += elastic_failure(clk.adv(2), "gpn-011", 0, 0, 1, 1212, "To enable traceback see: https://pytorch.org/docs/stable/elastic/errors.html")
    sl = ["$ sacct -j 1190423 --format=JobID,JobName,NNodes,State,ExitCode", "JobID           JobName   NNodes      State ExitCode",
          "------------ ---------- -------- ---------- --------", "1190423        gpt-40b        7     FAILED      1:0",
          "$ scontrol show job 1190423 | grep -E 'NumNodes|ReqNodeList'", "   NumNodes=7 NumCPUs=896 NumTasks=7 CPUs/Task=128 ReqB:S:C:T=0:0:*:*",
          "   ReqNodeList=(null) ExcNodeList=gpn-018"]
    return case("case-rl4-29", ("TrainingJobFailed", "gpt-40b", ""),
                [("gpn-011/stderr", lines), ("slurm", sl)],
                nodes, "job", "launch_config_error", "2026-12-02T06:41:00Z",
                summary="gpt-40b failed in 20 s")


def c30():
    """Xid 95 uncontained ECC; NPD marks the node GPU-unhealthy and it is cordoned; pods evicted and rescheduling fails (noise)."""
    rng = random.Random(430)
    nodes = ["aks-ndh100-%02d" % i for i in range(1, 5)]
    k = Clock("2026-12-02T05:12:01")
    h = "aks-ndh100-03"
    j = ["%s kernel: NVRM: Xid (PCI:0000:ab:00): 95, pid=120331, name=python, Uncontained: LTC TAG (0x2,0x0). RST: Yes, D-RST: No" % k.journal(h),
         "%s kernel: NVRM: Xid (PCI:0000:ab:00): 45, pid=120331, name=python, Ch 00000010" % k.adv(0.3).journal(h),
         "%s kernel: NVRM: Xid (PCI:0000:ab:00): 45, pid=120332, name=python, Ch 00000010" % k.journal(h),
         "%s node-problem-detector[1402]: I1202 05:12:03.220111    1402 log_monitor.go:160] New status generated: &{Source:kernel-monitor Events:[{Severity:warn Timestamp:2026-12-02 05:12:01 +0000 UTC Reason:XidCritical Message:NVRM: Xid (PCI:0000:ab:00): 95, pid=120331, name=python, Uncontained: LTC TAG (0x2,0x0). RST: Yes, D-RST: No}] Conditions:[{Type:GPUUnhealthy Status:True Transition:2026-12-02 05:12:01 +0000 UTC Reason:XidCritical Message:Xid 95 on 0000:ab:00}]}" % k.adv(2).journal(h),
         "%s nvidia-device-plugin[1893]: I1202 05:12:04.100512       1 health.go:164] 'nvidia.com/gpu' device marked unhealthy: GPU-3f0a0005-5a1c-9be2-74d0-6e21a9c40005 (XidCriticalError: Xid=95)" % k.adv(1).journal(h)]
    node = ["$ kubectl get nodes", "NAME            STATUS                     ROLES   AGE   VERSION",
            "aks-ndh100-01   Ready                      agent   41d   v1.29.7",
            "aks-ndh100-02   Ready                      agent   41d   v1.29.7",
            "aks-ndh100-03   Ready,SchedulingDisabled   agent   41d   v1.29.7",
            "aks-ndh100-04   Ready                      agent   41d   v1.29.7",
            "$ kubectl describe node aks-ndh100-03 | grep -E 'GPUUnhealthy|Unschedulable|Taints'",
            "Taints:             node.kubernetes.io/unschedulable:NoSchedule",
            "Unschedulable:      true",
            "  GPUUnhealthy         True    Wed, 02 Dec 2026 05:12:05 +0000   Wed, 02 Dec 2026 05:12:01 +0000   XidCritical                  Xid 95 on 0000:ab:00",
            "$ kubectl get events -n training | tail -4",
            "LAST SEEN   TYPE      REASON             OBJECT                            MESSAGE",
            "3m          Normal    NodeNotSchedulable node/aks-ndh100-03               Node aks-ndh100-03 status is now: NodeNotSchedulable (cordoned by draino: condition GPUUnhealthy)",
            "2m          Normal    Killing            pod/pytorchjob-phi-worker-1       Stopping container pytorch",
            "40s         Warning   FailedScheduling   pod/pytorchjob-phi-worker-1       0/4 nodes are available: 1 node(s) were unschedulable, 3 Insufficient nvidia.com/gpu. preemption: 0/4 nodes are available: 4 No preemption victims found for incoming pod.."]
    clk = Clock("2026-12-02T05:11:30")
    lg = megatron_iters(rng, clk, 660, 4, ms=7000.0, loss=2.6, gbs=512)
    lg += ["[rank21]: RuntimeError: CUDA error: uncorrectable ECC error encountered",
           "[rank21]: Compile with `TORCH_USE_CUDA_DSA` to enable device-side assertions.",
           "[rank20]:[E1202 05:22:03.551211 120330 ProcessGroupNCCL.cpp:632] [Rank 20] Watchdog caught collective operation timeout: WorkNCCL(SeqNum=9911, OpType=ALLREDUCE, NumelIn=33554432, NumelOut=33554432, Timeout(ms)=600000) ran for 600002 milliseconds before timing out."]
    pods = get_pods([("pytorchjob-phi-master-0", "Running", "0", "4h", "10.244.1.5", "aks-ndh100-01"),
                     ("pytorchjob-phi-worker-0", "Running", "0", "4h", "10.244.2.6", "aks-ndh100-02"),
                     ("pytorchjob-phi-worker-1", "Pending", "0", "40s", "<none>", "<none>")])
    return case("case-rl4-30", ("NodeCordoned", "phi-4-pt", "aks-ndh100-03"),
                [("kubectl logs pytorchjob-phi-worker-1 --previous", lg), ("aks-ndh100-03/journal", j), ("kubectl", node + pods)],
                nodes, "aks-ndh100-03/gpu5", "gpu_memory_uncorrectable_ecc", "2026-12-02T05:13:00Z",
                layout="PyTorchJob: master-0 ranks 0-7, worker-i ranks 8(i+1)..8(i+1)+7; worker-1 ran on aks-ndh100-03 before eviction; local GPU r % 8",
                summary="node aks-ndh100-03 cordoned by NPD (GPUUnhealthy); phi-4-pt worker-1 Pending")


CASES = [c01, c02, c03, c04, c05, c06, c07, c08, c09, c10, c11, c12, c13, c14, c15,
         c16, c17, c18, c19, c20, c21, c22, c23, c24, c25, c26, c27, c28, c29, c30]


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default=HERE)
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    for fn in CASES:
        c = fn()
        with open(os.path.join(args.out, c["id"] + ".json"), "w") as f:
            json.dump(c, f, indent=1)
            f.write("\n")
    print("wrote %d cases to %s" % (len(CASES), args.out))


if __name__ == "__main__":
    main()
