#!/usr/bin/env python3
"""realistic6: 30 incident cases at scale (16-512 nodes x 8 GPUs), loud and cascading.

Written blind to the reasoner, the knowledge pack and the other case sets (RL6, 2026-12-02; see
README.md). Each case is a hand-written function: one root cause, its consequences on every other
rank (NCCL watchdog timeouts, ProcessGroupNCCL aborts, torchrun ChildFailedError, srun task exits),
progress bars and deprecation warnings, several alerts in one Alertmanager group, pre-existing
faults that are not this incident's cause, and sources with different timestamp formats and zones.
Many logs are the job's whole `srun --label` output (task number, then torchrun's `[defaultN]:`
local-rank prefix, then torch's `[rankN]:`), 2,000-6,000 lines.

Deterministic (the seed of each case is its id). stdlib python3 only.
Usage: realistic6_cases.py [--out DIR]   (default: the directory of this file)
"""

import argparse
import datetime as _dt
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import casekit as K  # noqa: E402
from casekit import Case  # noqa: E402

DAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]


# ------------------------------------------------------------------ time formats not in casekit
def dmesg_t(c, s):
    """`dmesg -T`: [Wed Dec  2 10:00:00 2026]"""
    t = c.at(s)
    return "[%s %s %2d %s %d]" % (DAYS[t.weekday()], K.MONTHS[t.month - 1], t.day, t.strftime("%H:%M:%S"), t.year)


def short_iso(c, s):
    """`journalctl -o short-iso`: 2026-12-02T10:00:00+00:00"""
    return c.at(s).strftime("%Y-%m-%dT%H:%M:%S+00:00")


def slurmctld_ts(c, s, tz_h=1):
    """slurmctld logs local time without a zone (the controller runs in CET)."""
    t = c.at(s) + _dt.timedelta(hours=tz_h)
    return "[%s.%03d]" % (t.strftime("%Y-%m-%dT%H:%M:%S"), c.rng.randrange(1000))


def iso_ms(c, s):
    t = c.at(s)
    return t.strftime("%Y-%m-%dT%H:%M:%S") + ".%03dZ" % c.rng.randrange(1000)


def hosts(fmt, n, start=1):
    return [fmt % i for i in range(start, start + n)]


def nodelist(prefix, first, last, width=3):
    return "%s[%0*d-%0*d]" % (prefix, width, first, width, last)


# ------------------------------------------------------------------ alerts
def alert_group(c, alerts, receiver="oncall-gpu"):
    """An Alertmanager group: the first alert is the one that paged; `alerts` holds them all in
    Alertmanager's webhook shape."""
    first = alerts[0]
    c.alert(first[0], first[1], s=first[2], **first[3])
    items = []
    for name, summary, s, labels in alerts:
        lab = {"alertname": name}
        lab.update({k: str(v) for k, v in labels.items()})
        items.append({"status": "firing", "labels": lab, "annotations": {"summary": summary},
                      "startsAt": c.iso(s), "endsAt": "0001-01-01T00:00:00Z",
                      "fingerprint": "%016x" % c.rng.randrange(1 << 64)})
    c.alert_obj["receiver"] = receiver
    c.alert_obj["alerts"] = items


# ------------------------------------------------------------------ cascades
def lab(ni, g):
    """srun --label task number, then torchrun's local-rank prefix."""
    return "%d: [default%d]:" % (ni, g)


def wd_new(c, r, s, seq, op="ALLREDUCE", numel=67108864, timeout_ms=600000):
    """torch >= 2.3 watchdog wording and the abort that follows (four lines per rank)."""
    ran = timeout_ms + c.rng.randrange(20, 900)
    return [
        "[rank%d]:[%s ProcessGroupNCCL.cpp:632] [Rank %d] Watchdog caught collective operation timeout: "
        "WorkNCCL(SeqNum=%d, OpType=%s, NumelIn=%d, NumelOut=%d, Timeout(ms)=%d) ran for %d milliseconds "
        "before timing out." % (r, c.glog(s, "E"), r, seq, op, numel, numel, timeout_ms, ran),
        "terminate called after throwing an instance of 'c10::DistBackendError'",
        "Exception raised from ncclCommWatchdog at ../torch/csrc/distributed/c10d/ProcessGroupNCCL.cpp:1601 "
        "(most recent call first):",
        "Fatal Python error: Aborted",
    ]


def wd_old(c, r, s, seq, op="ALLREDUCE", timeout_ms=1800000):
    """torch 2.0/2.1 wording (one line per rank)."""
    t = c.at(s)
    return ["[E ProcessGroupNCCL.cpp:475] [Rank %d] Watchdog caught collective operation timeout: "
            "WorkNCCL(SeqNum=%d, OpType=%s, Timeout(ms)=%d) ran for %d milliseconds before timing out."
            % (r, seq, op, timeout_ms, timeout_ms + c.rng.randrange(20, 900))]


def cascade(c, H, s0, seq, skip=(), op="ALLREDUCE", timeout_ms=600000, style="new", spread=4.0,
            labelled=True):
    out = []
    for ni in range(len(H)):
        for g in range(c.gpus):
            r = ni * c.gpus + g
            if r in skip:
                continue
            s = s0 + c.rng.uniform(0, spread)
            if style == "new":
                ls = wd_new(c, r, s, seq, op=op, timeout_ms=timeout_ms)
            else:
                ls = wd_old(c, r, s, seq, op=op, timeout_ms=timeout_ms)
            out += [(lab(ni, g) + x) if labelled else x for x in ls]
    return out


def torchrun_fail(c, ni, host, s, first_rank, local, exitcode=-6, sig="SIGABRT"):
    ls = K.elastic_failure(c, s, host, first_rank, local, exitcode, sig=sig)
    return ["%d: %s" % (ni, x) for x in ls]


def node_failures(c, H, s0, skip_nodes=(), exitcode=-6, sig="SIGABRT", spread=6.0):
    out = []
    for ni, h in enumerate(H):
        if ni in skip_nodes:
            continue
        g = c.rng.randrange(c.gpus)
        out += torchrun_fail(c, ni, h, s0 + c.rng.uniform(0, spread), ni * c.gpus + g, g, exitcode, sig)
    return out


def srun_tail(c, H, s, jobid, step=0, first=None):
    """srun's own lines at the end of the output (no timestamps: it prints none)."""
    out = []
    order = list(range(len(H)))
    if first is not None:
        order.remove(first)
        order.insert(0, first)
    for ni in order:
        out.append("srun: error: %s: task %d: Exited with exit code 1" % (H[ni], ni))
    out.append("srun: Job step aborted: Waiting up to 32 seconds for job step to finish.")
    out.append("slurmstepd: error: *** STEP %d.%d ON %s CANCELLED AT %s ***" % (
        jobid, step, H[0], c.at(s).strftime("%Y-%m-%dT%H:%M:%S")))
    return out


WARNINGS = [
    "/usr/local/lib/python3.10/dist-packages/torch/distributed/distributed_c10d.py:4176: UserWarning: No device "
    "id is provided via `init_process_group` or `barrier `. Using the current device set by the user.",
    "/usr/local/lib/python3.10/dist-packages/transformer_engine/pytorch/module/base.py:630: DeprecationWarning: "
    "torch.cuda.amp.custom_fwd(args...) is deprecated.",
    "  warnings.warn(",
]


def startup_warnings(c, H, s, every=1, k=1):
    """What every rank prints once at start-up (deprecation warnings); `k` of WARNINGS each."""
    out = []
    for ni in range(0, len(H), every):
        for g in range(c.gpus):
            for w in WARNINGS[:k]:
                out.append(lab(ni, g) + w)
    return out


def progress(c, start_s, n, it0, **kw):
    return ["%d: [default0]:%s" % (len(c.hosts) - 1, x) for x in K.megatron_iters(c, start_s, n, it0, **kw)]


def dcgm_node(c, host, temp=None, power=None, clocks=None, util=None, reasons=None, over=None):
    """dcgm-exporter's usual series for all GPUs of a node. `over`: {metric: {gpu: fn(s, v)}}."""
    over = over or {}
    c.gpu_metric("DCGM_FI_DEV_GPU_TEMP", host, temp or 52, 3, over.get("temp"), decimals=0)
    c.gpu_metric("DCGM_FI_DEV_POWER_USAGE", host, power or 610, 25, over.get("power"))
    c.gpu_metric("DCGM_FI_DEV_SM_CLOCK", host, clocks or 1980, 0, over.get("clock"), decimals=0)
    c.gpu_metric("DCGM_FI_DEV_GPU_UTIL", host, util or 97, 2, over.get("util"), decimals=0)
    if reasons is not None or "reasons" in over:
        c.gpu_metric("DCGM_FI_DEV_CLOCK_THROTTLE_REASONS", host, reasons or 0, 0, over.get("reasons"), decimals=0)


def sinfo_r(rows):
    out = ["REASON                                            USER      TIMESTAMP           NODELIST"]
    for reason, user, ts, nl in rows:
        out.append("%-49s %-9s %-19s %s" % (reason, user, ts, nl))
    return out


def old_ts(c, days, hh=9):
    t = c.at(-days * 86400)
    return t.strftime("%Y-%m-%dT") + "%02d:%s" % (hh, t.strftime("%M:%S"))


# ================================================================== the cases
def rl6_01():
    """Xid 79 on one GPU of a 64-node job; 511 ranks time out; Xid 43 of another user's job earlier."""
    H = hosts("gpu-b%03d", 64, 1)
    bad_n, bad_g = 36, 3
    bh = H[bad_n]
    c = Case("case-rl6-01", "gpu_fallen_off_bus", "%s/gpu%d" % (bh, bad_g), H)
    c.with_topology()
    jobid = 4471902
    bad_r = bad_n * 8 + bad_g
    alert_group(c, [
        ("TrainingJobStalled", "llama-405b-cpt: no iteration for 12m (job 4471902, 64 nodes)", 0,
         dict(job="llama-405b-cpt", slurm_job_id=jobid, severity="critical")),
        ("SlurmJobFailed", "job 4471902 ended FAILED (exit 1:0) after 31h", 40,
         dict(job="llama-405b-cpt", slurm_job_id=jobid, severity="warning")),
        ("DCGMXidErrors", "Xid 43 on gpu-b012 GPU 6", -21600, dict(Hostname="gpu-b012", gpu="6", xid="43", severity="info")),
    ])
    lines = startup_warnings(c, H, -4000, every=2)
    lines += progress(c, -1380, 150, 118220, step_s=4.3)
    fail_s = -715
    lines.append("%s[rank%d]:[%s ProcessGroupNCCL.cpp:1534] [PG 0 (default_pg) Rank %d] Process group watchdog "
                 "thread terminated with exception: CUDA error: unspecified launch failure" % (
                     lab(bad_n, bad_g), bad_r, c.glog(fail_s + 1.2, "E"), bad_r))
    lines.append("%sCUDA kernel errors might be asynchronously reported at some other API call, so the stacktrace "
                 "below might be incorrect." % lab(bad_n, bad_g))
    lines += cascade(c, H, fail_s + 600, 2218734, skip={bad_r})
    lines += node_failures(c, H, fail_s + 640)
    c.log("%s/slurm-%d.out" % (H[0], jobid), lines + srun_tail(c, H, fail_s + 700, jobid, first=bad_n))
    c.log("%s/dmesg" % bh, [
        "%s nvidia-nvswitch2: open (major=508, minor=2)" % dmesg_t(c, -80000),
        "%s NVRM: GPU at PCI:0000:%s:00: GPU-%s" % (dmesg_t(c, fail_s), c.pci[bad_g], c.uuid(bh, bad_g)[4:]),
        "%s NVRM: Xid (PCI:0000:%s:00): 79, pid='<unknown>', name=<unknown>, GPU has fallen off the bus." % (
            dmesg_t(c, fail_s), c.pci[bad_g]),
        "%s NVRM: GPU 0000:%s:00.0: GPU has fallen off the bus." % (dmesg_t(c, fail_s), c.pci[bad_g]),
        "%s NVRM: A GPU crash dump has been created. If possible, please run" % dmesg_t(c, fail_s + 1),
        "NVRM: nvidia-bug-report.sh as root to collect this data before",
        "NVRM: the NVIDIA kernel module is unloaded.",
        "%s pcieport 0000:%s:01.0: pciehp: Slot(%d): Link Down" % (dmesg_t(c, fail_s + 1), "97", bad_g + 1),
    ])
    c.log("slurmctld/slurmctld.log", [
        "%s _job_complete: JobId=%d WEXITSTATUS 1" % (slurmctld_ts(c, fail_s + 705), jobid),
        "%s _job_complete: JobId=%d done" % (slurmctld_ts(c, fail_s + 705), jobid),
        "%s Node gpu-b201 now responding" % slurmctld_ts(c, -2990),
    ])
    c.log("gpu-b012/journal", [
        "%s gpu-b012 kernel: NVRM: Xid (PCI:0000:%s:00): 43, pid=118823, name=python3, Ch 00000008" % (
            c.syslog(-21610), c.pci[6]),
        "%s gpu-b012 slurmd[2211]: [4471311.0] done with job" % c.syslog(-21500),
        "%s gpu-b012 systemd[1]: Started Session 88121 of User svc-train." % c.syslog(-6000),
    ] + K.kernel_noise(c, "gpu-b012", 12, -5000, -100))
    return c


def rl6_02():
    """DBE (Xid 48) on one GPU of 32 nodes; dcgm series; a node drained last week for another reason."""
    H = hosts("hgx-a%03d", 32, 101)
    bad_n, bad_g = 19, 6
    bh = H[bad_n]
    bad_r = bad_n * 8 + bad_g
    c = Case("case-rl6-02", "gpu_memory_uncorrectable_ecc", "%s/gpu%d" % (bh, bad_g), H)
    c.with_topology()
    jobid = 918273
    alert_group(c, [
        ("TrainingJobFailed", "mixtral-ft: all 256 ranks exited (job 918273)", 0, dict(job="mixtral-ft", severity="critical")),
        ("NCCLTimeoutStorm", "256 ranks reported NCCL watchdog timeouts in 5m", -30, dict(job="mixtral-ft", severity="warning")),
        ("NodeDrained", "hgx-a077 drained: Xid 79 gpu3 (RMA open)", -604800, dict(node="hgx-a077", severity="info")),
    ])
    fail_s = -660
    lines = startup_warnings(c, H, -9000, k=2)
    lines += progress(c, -1300, 140, 40112, step_s=4.2)
    lines += [
        "%s[rank%d]: RuntimeError: CUDA error: uncorrectable ECC error encountered" % (lab(bad_n, bad_g), bad_r),
        "%s[rank%d]: Compile with `TORCH_USE_CUDA_DSA` to enable device-side assertions." % (lab(bad_n, bad_g), bad_r),
    ]
    lines += cascade(c, H, fail_s + 600, 771204, skip={bad_r})
    lines += node_failures(c, H, fail_s + 650)
    c.log("%s/slurm-%d.out" % (H[0], jobid), lines + srun_tail(c, H, fail_s + 700, jobid, first=bad_n))
    c.log("%s/journal" % bh, [
        "%s %s kernel: NVRM: Xid (PCI:0000:%s:00): 48, pid=77112, name=python3, An uncorrectable double bit error (DBE) has been detected on GPU in the framebuffer at physAddr 0x1f3a60000." % (
            c.syslog(fail_s - 0.4), bh, c.pci[bad_g]),
        "%s %s kernel: NVRM: Xid (PCI:0000:%s:00): 63, pid=77112, name=python3, Row Remapper: New row (0x00000000073a8e40) was marked for remapping, reset gpu to activate." % (
            c.syslog(fail_s - 0.3), bh, c.pci[bad_g]),
    ] + K.kernel_noise(c, bh, 10, -1500, 0))
    c.log("slurmctld/sinfo-R", sinfo_r([
        ("Xid 79 gpu3 RMA-77812", "root", old_ts(c, 7), "hgx-a077"),
        ("maint: BIOS update", "slurm", old_ts(c, 2, 14), "hgx-a140"),
    ]))
    dbe = lambda s, v: 0 if s < fail_s else 2
    dcgm_node(c, bh, over={"util": {bad_g: lambda s, v: v if s < fail_s else 0}})
    c.gpu_metric("DCGM_FI_DEV_ECC_DBE_VOL_TOTAL", bh, 0, 0, {bad_g: dbe}, decimals=0)
    c.gpu_metric("DCGM_FI_DEV_ECC_SBE_VOL_TOTAL", bh, 0, 0, {2: lambda s, v: 3}, decimals=0)
    return c


def rl6_03():
    """Row remap failure (Xid 64) on a 16-node job; correctable SBE on another GPU is noise."""
    H = hosts("dgx-h%02d", 16, 1)
    bh, bg = "dgx-h13", 2
    c = Case("case-rl6-03", "gpu_row_remap_failure", "%s/gpu%d" % (bh, bg), H)
    c.with_topology()
    alert_group(c, [
        ("DCGMRowRemapFailure", "dgx-h13 GPU 2: row remapping failed", -40, dict(Hostname=bh, gpu="2", severity="critical")),
        ("TrainingJobFailed", "sft-70b: rank 18 exited 1", 0, dict(job="sft-70b", severity="critical")),
        ("DCGMSBEHigh", "dgx-h11 GPU 5: 14 volatile SBE", -3600, dict(Hostname="dgx-h11", gpu="5", severity="info")),
    ])
    r = c.rank_of(bh, bg)
    log = K.fsdp_steps(c, -900, 120, 5020, rank=0)
    log += [
        "[rank%d]:[%s ProcessGroupNCCL.cpp:1534] [PG 0 (default_pg) Rank %d] Process group watchdog thread terminated with exception: CUDA error: uncorrectable ECC error encountered" % (r, c.glog(-45, "E"), r),
        "[rank%d]: RuntimeError: CUDA error: uncorrectable ECC error encountered" % r,
    ]
    c.log("%s/torchrun.log" % H[0], log)
    c.log("%s/journal" % bh, [
        "%s %s kernel: NVRM: Xid (PCI:0000:%s:00): 64, pid=30114, name=python, Row Remapper Error: failed to remap a row (0x0000000001e7a2c0), the GPU must be reset" % (c.syslog(-47), bh, c.pci[bg]),
        "%s %s kernel: NVRM: Xid (PCI:0000:%s:00): 48, pid=30114, name=python, An uncorrectable double bit error (DBE) has been detected on GPU in the framebuffer at physAddr 0x78e8b0000." % (c.syslog(-47), bh, c.pci[bg]),
    ] + K.kernel_noise(c, bh, 8))
    c.log("%s/nvidia-smi-q-gpu2" % bh, [
        "GPU 00000000:%s:00.0" % c.pci[bg].upper(),
        "    Remapped Rows",
        "        Correctable Error                 : 0",
        "        Uncorrectable Error               : 9",
        "        Pending                           : Yes",
        "        Remapping Failure Occurred        : Yes",
        "        Bank Remap Availability Histogram",
        "            Max                           : 638 bank(s)",
        "            High                          : 0 bank(s)",
        "            Partial                       : 2 bank(s)",
        "            Low                           : 0 bank(s)",
        "            None                          : 0 bank(s)",
    ] + ["    ECC Errors", "        Volatile", "            DRAM Correctable          : 0",
         "            DRAM Uncorrectable        : 1"] + ["    Retired Pages", "        Single Bit ECC            : N/A",
                                                       "        Double Bit ECC            : N/A",
                                                       "        Pending Page Blacklist    : N/A"])
    c.health("gpu.health@%s/gpu%d" % (bh, bg), remap_failure=1, remap_pending=1, remapped_rows_uncorrectable=9,
             ecc_dbe_volatile=1, xid_last=64)
    c.health("gpu.health@dgx-h11/gpu5", ecc_sbe_volatile=14)
    c.health("gpu.health@%s/gpu1" % bh)
    return c


def rl6_04():
    """GSP RPC timeout (Xid 119) on one GPU of a 48-node job; the rank hangs, everyone times out."""
    H = hosts("a3mega-%04d", 48, 210)
    bad_n, bad_g = 5, 1
    bh = H[bad_n]
    bad_r = bad_n * 8 + bad_g
    c = Case("case-rl6-04", "gpu_firmware_error", "%s/gpu%d" % (bh, bad_g), H)
    c.with_topology()
    jobid = 6620041
    alert_group(c, [
        ("TrainingJobStalled", "gemma-pt: no step for 15m", 0, dict(job="gemma-pt", severity="critical")),
        ("DCGMXidErrors", "Xid 119 on %s GPU 1" % bh, -1100, dict(Hostname=bh, gpu="1", xid="119", severity="warning")),
    ])
    fail_s = -1000
    lines = startup_warnings(c, H, -20000)
    lines += [lab(ni, g) + "[rank%d]: /usr/local/lib/python3.10/dist-packages/transformer_engine/pytorch/attention.py:4791: UserWarning: window_size should be (-1, -1) or (>=0, >=0) for attn_mask_type=causal" % (ni * 8 + g)
              for ni in range(len(H)) for g in range(8)]
    lines += progress(c, -1500, 110, 7781, step_s=4.0)
    lines += cascade(c, H, fail_s + 900, 401223, skip={bad_r}, timeout_ms=900000, spread=2)
    lines += node_failures(c, H, fail_s + 930)
    c.log("%s/slurm-%d.out" % (H[0], jobid), lines + srun_tail(c, H, fail_s + 990, jobid, first=0))
    c.log("%s/journal" % bh, [
        "%s %s kernel: NVRM: Xid (PCI:0000:%s:00): 119, pid=51023, name=python3, Timeout after 6s of waiting for RPC response from GPU1 GSP! Expected function 76 (GSP_RM_CONTROL) (0x20801348 0x4)." % (short_iso(c, fail_s), bh, c.pci[bad_g]),
        "%s %s kernel: NVRM: GPU1 GSP RPC buffer contains function 76 (GSP_RM_CONTROL) and data 0x0000000020801348 0x0000000000000004." % (short_iso(c, fail_s), bh),
        "%s %s kernel: NVRM: GPU1 RPC history (CPU -> GSP):" % (short_iso(c, fail_s), bh),
        "%s %s kernel: NVRM: Xid (PCI:0000:%s:00): 119, pid=51023, name=python3, Timeout after 6s of waiting for RPC response from GPU1 GSP! Expected function 10 (FREE) (0xc1d00253 0x0)." % (short_iso(c, fail_s + 6), bh, c.pci[bad_g]),
        "%s %s kernel: NVRM: Rate limiting GSP RPC error prints for GPU at PCI:0000:%s:00 (printing 1 of every 30).  The GPU likely needs to be reset." % (short_iso(c, fail_s + 12), bh, c.pci[bad_g]),
    ])
    return c


def rl6_05():
    """Xid 74 NVLink fatal error on one GPU of a 16-node job; CRC counters rise; p2p probe on the node fails."""
    H = hosts("node%04d", 16, 401)
    bh, bg = "node0406", 4
    c = Case("case-rl6-05", "nvlink_error", "%s/gpu%d" % (bh, bg), H)
    c.with_topology()
    r = c.rank_of(bh, bg)
    alert_group(c, [
        ("TrainingJobFailed", "dpo-8n: exited with errors", 0, dict(job="dpo-8n", severity="critical")),
        ("DCGMNVLinkErrors", "node0406 GPU 4 NVLink CRC flit errors rising", -400, dict(Hostname=bh, gpu="4", severity="warning")),
    ])
    fail_s = -200
    lines = progress(c, -1000, 150, 901, step_s=5.1)
    lines += ["%d: [default%d]:%s" % (5, bg, x) for x in [
        "%s:88231:88590 [%d] NCCL WARN Cuda failure 'an illegal memory access was encountered'" % (bh, bg),
        "%s:88231:88590 [%d] NCCL INFO transport/p2p.cc:276 -> 1" % (bh, bg),
        "[rank%d]: torch.distributed.DistBackendError: NCCL error in: ../torch/csrc/distributed/c10d/NCCLUtils.hpp:317, unhandled cuda error (run with NCCL_DEBUG=INFO for details), NCCL version 2.21.5" % r,
        "[rank%d]: ncclUnhandledCudaError: Call to CUDA function failed." % r,
        "[rank%d]: Last error:" % r,
        "[rank%d]: Cuda failure 'an illegal memory access was encountered'" % r]]
    lines += cascade(c, H, fail_s + 180, 55127, skip={r}, timeout_ms=180000)
    lines += node_failures(c, H, fail_s + 190)
    c.log("%s/slurm-30012.out" % H[0], lines + srun_tail(c, H, fail_s + 196, 30012, first=5))
    c.log("%s/dmesg" % bh, [
        "%s NVRM: Xid (PCI:0000:%s:00): 74, pid=88231, name=python, NVLink: fatal error detected on link 11(0x0, 0x0, 0x10000, 0x0, 0x0, 0x0, 0x0)" % (dmesg_t(c, fail_s - 2), c.pci[bg]),
        "%s NVRM: Xid (PCI:0000:%s:00): 74, pid=88231, name=python, NVLink: fatal error detected on link 12(0x0, 0x0, 0x10000, 0x0, 0x0, 0x0, 0x0)" % (dmesg_t(c, fail_s - 2), c.pci[bg]),
    ])
    crc = lambda s, v: 0 if s < -700 else (s + 700) * 31.0
    c.gpu_metric("DCGM_FI_DEV_NVLINK_CRC_FLIT_ERROR_COUNT_TOTAL", bh, 0, 0, {bg: crc}, decimals=0)
    c.gpu_metric("DCGM_FI_DEV_NVLINK_BANDWIDTH_TOTAL", bh, 118000, 3000, {bg: lambda s, v: v if s < fail_s else 0}, decimals=0)
    c.nccl("nccl.p2p_matrix@%s" % bh, busbw=41.7, details={"slowest_pair": "gpu4->gpu5", "pairs_below": ["gpu4->gpu%d" % i for i in (0, 1, 2, 3, 5, 6, 7)]})
    c.health("gpu.health@%s/gpu%d" % (bh, bg), nvlink_links_up=16, nvlink_crc_errors=15200, xid_last=74)
    return c


def rl6_06():
    """A thermally throttled GPU in a 128-node job slows every step; a flapping fan alert on a spare node."""
    H = hosts("gpu-c%03d", 128, 1)
    bad_n, bad_g = 83, 5
    bh = H[bad_n]
    c = Case("case-rl6-06", "gpu_thermal_throttle", "%s/gpu%d" % (bh, bad_g), H)
    c.with_topology()
    alert_group(c, [
        ("TrainingThroughputDrop", "llama-70b-pt: TFLOP/s/GPU down 38% vs 6h median", 0, dict(job="llama-70b-pt", severity="warning")),
        ("NodeFanFailure", "gpu-c200 fan 4 below 1000 RPM (flapping)", -2400, dict(instance="gpu-c200:9290", severity="warning")),
        ("DCGMGPUTempHigh", "%s GPU 5 at 91 C" % bh, -600, dict(Hostname=bh, gpu="5", severity="warning")),
    ])
    slow = lambda i: 4.1 if i < 40 else 6.6 * c.rng.uniform(0.98, 1.02)
    lines = K.megatron_iters(c, -1500, 260, 33100, step_fn=slow)
    for k in range(10):
        s = -1100 + k * 110
        lines.append(" [%s] (min, max) time across ranks (ms):" % c.ymd(s))
        lines.append("    forward-backward ...............................: (%.2f, %.2f)" % (3920 + k, 3990 + (k > 3) * 2500))
        lines.append("    optimizer ......................................: (%.2f, %.2f)" % (61.2, 63.4))
    c.log("%s/rank0/stdout" % H[0], lines)
    c.log("%s/journal" % bh, [
        "%s %s nvidia-dcgm[1822]: GPU 5: Clocks event reason: SW Thermal Slowdown, HW Thermal Slowdown active" % (c.syslog(-720), bh),
    ] + K.kernel_noise(c, bh, 8))
    hot = lambda s, v: v if s < -800 else 91 + (s % 3)
    clk = lambda s, v: v if s < -800 else 1140
    rs = lambda s, v: 0 if s < -800 else 0x60
    dcgm_node(c, bh, reasons=0, over={"temp": {bad_g: hot}, "clock": {bad_g: clk}, "reasons": {bad_g: rs}})
    c.node_metric("ipmi_fan_speed_rpm", {"instance": "gpu-c200:9290", "name": "FAN4"}, lambda s: 600 if (s // 120) % 2 else 9800, 0)
    c.health("gpu.health@%s/gpu%d" % (bh, bad_g), temperature_c=92, sm_clock_mhz=1140, clock_event_reasons=0x60)
    c.gemm("gpu.gemm@%s/gpu%d" % (bh, bad_g), tflops=431.0)
    c.gemm("gpu.gemm@%s/gpu4" % bh)
    c.pcie("gpu.pcie_bandwidth@%s/gpu%d" % (bh, bad_g))
    return c


def rl6_07():
    """A PSU failure on one node puts all its 8 GPUs under HW power brake; the job crawls."""
    H = hosts("sxm-%02d", 16, 10)
    bh = "sxm-17"
    c = Case("case-rl6-07", "gpu_power_throttle", bh, H)
    c.with_topology()
    alert_group(c, [
        ("TrainingStepTimeHigh", "t5-xxl: step time 2.3x baseline", 0, dict(job="t5-xxl", severity="warning")),
        ("IPMIPowerSupplyFailure", "sxm-17 PSU3 failure detected", -1000, dict(instance="sxm-17:9290", severity="critical")),
    ])
    lines = K.deepspeed_steps(c, -1400, 220, 12001, step_fn=lambda i: 2.3 if i < 70 else 5.4)
    c.log("%s/deepspeed.log" % H[0], lines)
    c.log("%s/journal" % bh, [
        "%s %s ipmievd[1301]: Power Supply PSU3 Failure detected  Asserted" % (c.syslog(-1010), bh),
        "%s %s ipmievd[1301]: Power Supply PSU3 Power Supply AC lost  Asserted" % (c.syslog(-1010), bh),
        "%s %s ipmievd[1301]: Power Unit PWR Unit Redundancy Redundancy Lost  Asserted" % (c.syslog(-1009), bh),
    ] + K.kernel_noise(c, bh, 10))
    brake = lambda s, v: v if s < -1000 else 0x88
    pw = lambda s, v: v if s < -1000 else 290 + c.rng.uniform(-10, 10)
    ck = lambda s, v: v if s < -1000 else 840
    dcgm_node(c, bh, reasons=0, over={"reasons": {g: brake for g in range(8)}, "power": {g: pw for g in range(8)},
                                        "clock": {g: ck for g in range(8)}})
    dcgm_node(c, "sxm-18", reasons=0)
    c.node_metric("ipmi_power_supply_status", {"instance": "sxm-17:9290", "name": "PSU3"}, lambda s: 0 if s < -1000 else 1, 0)
    return c


def rl6_08():
    """One GPU's PCIe link retrained at Gen1 after AER errors: its rank is the straggler."""
    H = hosts("gx-%02d", 16, 1)
    bh, bg = "gx-03", 7
    c = Case("case-rl6-08", "pcie_link_degraded", "%s/gpu%d" % (bh, bg), H)
    c.with_topology()
    alert_group(c, [
        ("TrainingThroughputDrop", "vit-22b: samples/s down 41%", 0, dict(job="vit-22b", severity="warning")),
        ("NodeNICAERCorrected", "gx-06 mlx5_2: 12 AER corrected errors in 1h", -5000, dict(instance="gx-06", severity="info")),
    ])
    c.log("%s/rank0/stdout" % H[0], K.plain_steps(c, -1300, 300, 80211, step_fn=lambda i: 0.92 if i < 90 else 1.57))
    c.log("%s/dmesg" % bh, [
        "%s pcieport 0000:%s:00.0: AER: Uncorrected (Non-Fatal) error received: 0000:%s:00.0" % (dmesg_t(c, -1005), "d9", c.pci[bg]),
        "%s nvidia 0000:%s:00.0: PCIe Bus Error: severity=Uncorrected (Non-Fatal), type=Transaction Layer, (Requester ID)" % (dmesg_t(c, -1005), c.pci[bg]),
        "%s nvidia 0000:%s:00.0:   device [10de:2335] error status/mask=00004000/00000000" % (dmesg_t(c, -1005), c.pci[bg]),
        "%s nvidia 0000:%s:00.0:    [14] CmpltTO                (First)" % (dmesg_t(c, -1005), c.pci[bg]),
        "%s pcieport 0000:d9:00.0: pciehp: Slot(8): Link Down" % dmesg_t(c, -1004),
        "%s pcieport 0000:d9:00.0: pciehp: Slot(8): Link Up" % dmesg_t(c, -1003),
        "%s nvidia 0000:%s:00.0: 32.000 Gb/s available PCIe bandwidth, limited by 2.5 GT/s PCIe x16 link at 0000:d9:00.0 (capable of 504.112 Gb/s with 32.0 GT/s PCIe x16 link)" % (dmesg_t(c, -1002), c.pci[bg]),
    ])
    c.log("gx-06/journal", ["%s gx-06 kernel: mlx5_core 0000:%s:00.0: AER: Corrected error received: 0000:%s:00.0" % (c.syslog(-5000 + 40 * i), K.NIC_BUS[2], K.NIC_BUS[2]) for i in range(4)])
    c.gpu_metric("DCGM_FI_PROF_PCIE_RX_BYTES", bh, 2.1e9, 2e8, {bg: lambda s, v: v if s < -1000 else 3.1e8}, decimals=0)
    c.gpu_metric("DCGM_FI_DEV_PCIE_REPLAY_COUNTER", bh, 0, 0, {bg: lambda s, v: 0 if s < -1005 else 371}, decimals=0)
    c.health("gpu.health@%s/gpu%d" % (bh, bg), pcie_link_gen=1, pcie_replay_count=371)
    c.pcie("gpu.pcie_bandwidth@%s/gpu%d" % (bh, bg), h2d=3.9, d2h=3.7)
    c.pcie("gpu.pcie_bandwidth@%s/gpu6" % bh)
    c.gemm("gpu.gemm@%s/gpu%d" % (bh, bg))
    return c


def rl6_09():
    """Replica checksums disagree; the gpu.sdc vote names one GPU of a 32-node job."""
    H = hosts("ip-10-42-%d-17", 32, 3)
    bh, bg = H[21], 6
    c = Case("case-rl6-09", "gpu_silent_data_corruption", "%s/gpu%d" % (bh, bg), H)
    c.with_topology()
    r = c.rank_of(bh, bg)
    alert_group(c, [
        ("TrainingLossAnomaly", "code-34b: loss 2.8 sigma above trend on DP group 21", 0, dict(job="code-34b", severity="warning")),
    ])
    lines = K.megatron_iters(c, -1200, 150, 200331)
    for k in range(6):
        s = -700 + k * 100
        lines.append("[%s] WARNING replica_check: step %d data-parallel replicas disagree on param checksum: dp_rank 21 (global rank %d) crc32=0x%08x, 31 others crc32=0x%08x" % (
            c.ymd(s), 200480 + k * 25, r, c.rng.randrange(1 << 32), c.rng.randrange(1 << 32)))
    c.log("%s/rank0/stdout" % H[0], lines)
    c.log("%s/journal" % bh, K.kernel_noise(c, bh, 10))
    c.sdc("gpu.sdc@%s" % bh, mismatched=1442, bad_gpu="gpu6")
    c.sdc("gpu.sdc@%s" % H[4])
    c.health("gpu.health@%s/gpu6" % bh)
    c.gemm("gpu.gemm@%s/gpu6" % bh)
    return c


def rl6_10():
    """IB link down on one HCA of a 256-node job; 2,047 ranks time out (torch 2.1 wording)."""
    H = hosts("n%04d", 256, 1001)
    bad_n = 200
    bh = H[bad_n]
    c = Case("case-rl6-10", "ib_link_failure", "%s/mlx5_4" % bh, H)
    c.with_topology()
    jobid = 2200114
    alert_group(c, [
        ("TrainingJobFailed", "gpt-1t: job 2200114 FAILED after NCCL timeouts on 2047 ranks", 0, dict(job="gpt-1t", severity="critical")),
        ("IBPortDown", "%s mlx5_4 port 1 down" % bh, -1900, dict(instance=bh, device="mlx5_4", severity="warning")),
        ("DCGMXidErrors", "Xid 43 on n1017 GPU 2", -30000, dict(Hostname="n1017", gpu="2", xid="43", severity="info")),
    ])
    fail_s = -1850
    cause = ["%d: [default%d]:%s:2291:3021 [%d] NCCL WARN NET/IB : Got completion from peer 10.128.%d.%d<35712> with status=12 opcode=0 len=0 vendor err 129 (Send) localGid ::ffff:10.129.%d.4 remoteGid ::ffff:10.129.%d.%d hca mlx5_4" % (
        bad_n, g, bh, g, (bad_n + 1) // 2, 40 + g, bad_n, bad_n + 1, 4) for g in (4, 5)]
    cause += ["%d: [default4]:%s:2291:3021 [4] NCCL INFO transport/net.cc:1298 -> 6" % (bad_n, bh)]
    peers = []
    for pn in (199, 201, 72, 135):
        for g in (4, 5):
            peers.append("%d: [default%d]:%s:%d:%d [%d] NCCL WARN NET/IB : Got completion from peer 10.128.%d.%d<49152> with status=12 opcode=0 len=0 vendor err 129 (Recv) localGid ::ffff:10.129.%d.4 remoteGid ::ffff:10.129.%d.4 hca mlx5_%d" % (
                pn, g, H[pn], 3000 + pn, 3100 + pn, g, bad_n // 2, 40 + g, pn, bad_n, g))
    lines = progress(c, -2700, 140, 50001, step_s=5.9)
    lines += cause + peers
    lines += [x for x in cascade(c, H, fail_s + 1800, 9921174, style="old", timeout_ms=1800000, spread=3, labelled=True)]
    tail = ["srun: error: %s: task %d: Exited with exit code 1" % (H[i], i) for i in range(250)]
    tail[-1] = tail[-1][:31]  # the copy the on-call engineer has was cut off mid-line
    c.log("%s/slurm-%d.out" % (H[0], jobid), lines + tail)
    c.log("%s/journal" % bh, [
        "%s %s kernel: mlx5_core 0000:%s:00.0: Port module event: module 4, Cable unplugged" % (c.syslog(fail_s - 3), bh, K.NIC_BUS[4]),
        "%s %s kernel: mlx5_core 0000:%s:00.0 ibp%ss0: Link down" % (c.syslog(fail_s - 3), bh, K.NIC_BUS[4], K.NIC_BUS[4]),
        "%s %s kernel: infiniband mlx5_4: mlx5_ib_event:3184:(pid 0): warning: event on port 1, type 10 (IB_EVENT_PORT_ERR)" % (c.syslog(fail_s - 3), bh),
    ] + K.kernel_noise(c, bh, 8, -3000, 0))
    c.log("%s/ibstat-mlx5_4" % bh, [
        "CA 'mlx5_4'", "\tCA type: MT4129", "\tNumber of ports: 1", "\tFirmware version: 28.39.1002",
        "\tPort 1:", "\t\tState: Down", "\t\tPhysical state: Polling", "\t\tRate: 10", "\t\tBase lid: 65535",
        "\t\tSM lid: 1", "\t\tLink layer: InfiniBand"])
    c.log("n1017/journal", ["%s n1017 kernel: NVRM: Xid (PCI:0000:%s:00): 43, pid=99121, name=python, Ch 00000010" % (c.syslog(-30100), c.pci[2])])
    return c


def rl6_11():
    """NCCL_SOCKET_IFNAME names an interface the new node image no longer has: 256 ranks fail at init."""
    H = hosts("cw-h100-%03d", 32, 11)
    c = Case("case-rl6-11", "nccl_network_misconfig", "job", H, gpu="NVIDIA H100 80GB HBM3")
    c.with_topology()
    jobid = 811002
    alert_group(c, [
        ("SlurmJobFailed", "job 811002 (rlhf-ppo) FAILED within 2m of start", 0, dict(job="rlhf-ppo", severity="critical")),
        ("NodeDrained", "cw-h100-090 drained: bad DIMM B3 (ticket INFRA-2231)", -500000, dict(node="cw-h100-090", severity="info")),
    ])
    lines = []
    s0 = -110
    for ni, h in enumerate(H):
        for g in range(8):
            r = ni * 8 + g
            pid = 4000 + r
            lines += [lab(ni, g) + x for x in [
                "%s:%d:%d [%d] NCCL INFO NCCL_SOCKET_IFNAME set by environment to eth0" % (h, pid, pid, g),
                "%s:%d:%d [%d] NCCL WARN Bootstrap : no socket interface found" % (h, pid, pid, g),
                "[rank%d]: torch.distributed.DistBackendError: NCCL error in: ../torch/csrc/distributed/c10d/ProcessGroupNCCL.cpp:1970, internal error - please report this issue to the NCCL developers, NCCL version 2.20.5" % r,
                "[rank%d]: ncclInternalError: Internal check failed." % r,
                "[rank%d]: Last error:" % r,
                "[rank%d]: Bootstrap : no socket interface found" % r]]
    lines += node_failures(c, H, s0 + 20, exitcode=1, sig=None)
    c.log("%s/slurm-%d.out" % (H[0], jobid), lines + srun_tail(c, H, s0 + 40, jobid))
    c.log("%s/ip-addr" % H[3], [
        "1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue state UNKNOWN group default qlen 1000",
        "2: enp27s0np0: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 9000 qdisc mq state UP group default qlen 1000",
        "    inet 10.40.3.14/16 brd 10.40.255.255 scope global enp27s0np0",
        "3: ibp12s0: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 4092 qdisc mq state UP group default qlen 256",
        "4: ibp75s0: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 4092 qdisc mq state UP group default qlen 256",
    ])
    c.log("slurmctld/sinfo-R", sinfo_r([("bad DIMM B3 INFRA-2231", "root", old_ts(c, 6), "cw-h100-090")]))
    return c


def rl6_12():
    """One rank deadlocks in Python (py-spy) and never enters the collective; 511 ranks time out."""
    H = hosts("gpu-d%03d", 64, 1)
    bad_n, bad_g = 37, 4
    bh = H[bad_n]
    bad_r = bad_n * 8 + bad_g
    c = Case("case-rl6-12", "nccl_collective_hang", "%s/gpu%d" % (bh, bad_g), H)
    c.with_topology()
    jobid = 5512001
    alert_group(c, [
        ("TrainingJobStalled", "llama3-8b-sweep-17: no step for 11m", 0, dict(job="llama3-8b-sweep-17", severity="critical")),
        ("DCGMXidErrors", "Xid 43 on gpu-d009 GPU 1", -40000, dict(Hostname="gpu-d009", gpu="1", xid="43", severity="info")),
    ])
    fail_s = -700
    lines = progress(c, -1500, 190, 88000, step_s=4.2)
    lines += cascade(c, H, fail_s + 600, 1130211, skip={bad_r})
    c.log("%s/slurm-%d.out" % (H[0], jobid), lines)
    c.log("%s/py-spy-rank%d" % (bh, bad_r), [
        "Process 61277: /usr/bin/python3 -u pretrain_gpt.py --tensor-model-parallel-size 4",
        "Python v3.10.12 (/usr/bin/python3.10)",
        "",
        "Thread 61277 (idle): \"MainThread\"",
        "    acquire (logging/__init__.py:917)",
        "    handle (logging/__init__.py:966)",
        "    callHandlers (logging/__init__.py:1696)",
        "    _log (logging/__init__.py:1624)",
        "    info (logging/__init__.py:1477)",
        "    training_log (megatron/training/training.py:1004)",
        "    train (megatron/training/training.py:1310)",
        "Thread 61502 (idle): \"Thread-3 (_flush_loop)\"",
        "    wait (threading.py:324)",
        "    _flush_loop (site-packages/metrics_client/push.py:88)",
    ])
    c.log("%s/fr_trace" % H[0], [
        "Not all ranks joining collective 1130211 at entry 1130211",
        "group info: 0:default_pg",
        "collective: nccl:all_reduce",
        "missing ranks: {%d}" % bad_r,
        "input sizes: [[67108864]]",
        "expected state: scheduled, actual state: scheduled",
    ])
    c.log("gpu-d009/journal", ["%s gpu-d009 kernel: NVRM: Xid (PCI:0000:%s:00): 43, pid=22311, name=python3, Ch 00000009" % (c.syslog(-40050), c.pci[1])])
    c.health("gpu.health@%s/gpu%d" % (bh, bad_g))
    c.gemm("gpu.gemm@%s/gpu%d" % (bh, bad_g))
    c.nccl("nccl.allreduce@%s" % bh)
    return c


def rl6_13():
    """One rank segfaults in a custom extension; its peers see closed connections, then time out."""
    H = hosts("hpc-g%03d", 32, 301)
    bad_n, bad_g = 17, 5
    bh = H[bad_n]
    bad_r = bad_n * 8 + bad_g
    c = Case("case-rl6-13", "rank_process_crash", "%s/gpu%d" % (bh, bad_g), H)
    c.with_topology()
    jobid = 3300772
    alert_group(c, [
        ("SlurmJobFailed", "job 3300772 (diffusion-xl) FAILED", 0, dict(job="diffusion-xl", severity="critical")),
        ("IBSymbolErrors", "hpc-g322 mlx5_1: 3 symbol errors in 24h", -70000, dict(instance="hpc-g322", severity="info")),
    ])
    fail_s = -640
    lines = startup_warnings(c, H, -30000, k=2)
    lines += progress(c, -1400, 180, 10401, step_s=4.0)
    lines += [lab(bad_n, bad_g) + x for x in [
        "Fatal Python error: Segmentation fault",
        "",
        "Thread 0x00007f2b6d7fe640 (most recent call first):",
        "  File \"/workspace/ext/fused_rope/__init__.py\", line 57 in apply_rotary",
        "  File \"/workspace/model/attention.py\", line 212 in forward",
    ]]
    for pn in (16, 18):
        for g in range(8):
            r = pn * 8 + g
            lines.append("%s%s:%d:%d [%d] NCCL WARN socketProgressOpt: Call to recv from 10.31.1.%d<52113> failed : Connection reset by peer" % (lab(pn, g), H[pn], 7000 + r, 7100 + r, g, bad_n + 20))
    lines += cascade(c, H, fail_s + 600, 3031187, skip=set(range(bad_n * 8, bad_n * 8 + 8)))
    ni = bad_n
    lines += torchrun_fail(c, ni, bh, fail_s + 1, bad_r, bad_g, exitcode=-11, sig="SIGSEGV")
    lines += node_failures(c, H, fail_s + 640, skip_nodes={bad_n})
    c.log("%s/slurm-%d.out" % (H[0], jobid), lines + srun_tail(c, H, fail_s + 700, jobid, first=bad_n))
    c.log("%s/journal" % bh, [
        "%s %s kernel: pt_main_thread[71544]: segfault at 18 ip 00007f2c1a4e31b2 sp 00007f2b6d7fa8e0 error 4 in fused_rope_cuda.so[7f2c1a4d0000+4c000] likely on CPU 77 (core 13, socket 1)" % (short_iso(c, fail_s), bh),
        "%s %s kernel: Code: 48 8b 47 18 48 85 c0 74 0f" % (short_iso(c, fail_s), bh),
        "%s %s systemd-coredump[71901]: Process 71544 (pt_main_thread) of user 4021 dumped core." % (short_iso(c, fail_s + 3), bh),
    ])
    c.log("slurmctld/slurmctld.log", [
        "%s _job_complete: JobId=%d WTERMSIG 11" % (slurmctld_ts(c, fail_s + 2), jobid),
        "%s _job_complete: JobId=%d WEXITSTATUS 1" % (slurmctld_ts(c, fail_s + 702), jobid),
        "%s _job_complete: JobId=%d done" % (slurmctld_ts(c, fail_s + 702), jobid),
    ])
    c.log("hpc-g322/perfquery-mlx5_1", [
        "# Port counters: Lid 812 port 1 (CapMask: 0x5A00)",
        "PortSelect:......................1", "CounterSelect:...................0x0000",
        "SymbolErrorCounter:..............3", "LinkErrorRecoveryCounter:........0",
        "LinkDownedCounter:...............0", "PortRcvErrors:...................0",
        "PortXmitDiscards:................0", "LocalLinkIntegrityErrors:........0",
        "ExcessiveBufferOverrunErrors:....0"])
    return c


def rl6_14():
    """One rank runs out of GPU memory on a long packed sequence; 127 ranks time out."""
    H = hosts("pod-a%02d", 16, 1)
    bad_n, bad_g = 9, 5
    bh = H[bad_n]
    bad_r = bad_n * 8 + bad_g
    c = Case("case-rl6-14", "cuda_oom", "%s/gpu%d" % (bh, bad_g), H, gpu="NVIDIA H100 80GB HBM3")
    c.with_topology()
    alert_group(c, [("TrainingJobFailed", "long-ctx-128k: exited", 0, dict(job="long-ctx-128k", severity="critical"))])
    fail_s = -650
    lines = startup_warnings(c, H, -9000)
    lines += progress(c, -1400, 148, 3120, step_s=5.0)
    lines += [lab(bad_n, bad_g) + x for x in [
        "[rank%d]: Traceback (most recent call last):" % bad_r,
        "[rank%d]:   File \"/workspace/train.py\", line 611, in <module>" % bad_r,
        "[rank%d]:   File \"/usr/local/lib/python3.10/dist-packages/torch/utils/checkpoint.py\", line 1128, in unpack_hook" % bad_r,
        "[rank%d]: torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 7.81 GiB. GPU 5 has a total capacity of 79.10 GiB of which 3.02 GiB is free. Including non-PyTorch memory, this process has 76.06 GiB memory in use. Of the allocated memory 69.12 GiB is allocated by PyTorch, and 5.43 GiB is reserved by PyTorch but unallocated. If reserved but unallocated memory is large try setting PYTORCH_CUDA_ALLOC_CONF=expandable_segments:True to avoid fragmentation.  See documentation for Memory Management  (https://pytorch.org/docs/stable/notes/cuda.html#environment-variables)" % bad_r,
    ]]
    lines += cascade(c, H, fail_s + 600, 99102, skip={bad_r})
    lines += torchrun_fail(c, bad_n, bh, fail_s + 2, bad_r, bad_g, exitcode=1, sig=None)
    lines += node_failures(c, H, fail_s + 640, skip_nodes={bad_n})
    c.log("%s/slurm-7712.out" % H[0], lines + srun_tail(c, H, fail_s + 700, 7712, first=bad_n))
    return c


def rl6_15():
    """Xid 13/31 from an application kernel on one rank; a node drained last week for Xid 79."""
    H = hosts("gpu-e%03d", 16, 41)
    bh, bg = "gpu-e045", 2
    c = Case("case-rl6-15", "illegal_memory_access", "%s/gpu%d" % (bh, bg), H)
    c.with_topology()
    r = c.rank_of(bh, bg)
    alert_group(c, [
        ("TrainingJobFailed", "moe-dev-2: rank %d illegal memory access" % r, 0, dict(job="moe-dev-2", severity="critical")),
        ("NodeDrained", "gpu-e031 drained: Xid 79 GPU 6", -520000, dict(node="gpu-e031", severity="info")),
    ])
    fail_s = -300
    lines = progress(c, -1100, 160, 4001, step_s=4.6)
    lines += ["4: [default2]:" + x for x in [
        "[rank%d]: RuntimeError: CUDA error: an illegal memory access was encountered" % r,
        "[rank%d]: CUDA kernel errors might be asynchronously reported at some other API call, so the stacktrace below might be incorrect." % r,
        "[rank%d]: For debugging consider passing CUDA_LAUNCH_BLOCKING=1" % r,
        "[rank%d]: Compile with `TORCH_USE_CUDA_DSA` to enable device-side assertions." % r,
        "[rank%d]:   File \"/workspace/kernels/grouped_gemm.py\", line 144, in grouped_gemm_fwd" % r]]
    lines += cascade(c, H, fail_s + 280, 44120, skip={r}, timeout_ms=300000)
    lines += node_failures(c, H, fail_s + 290)
    c.log("%s/slurm-1202.out" % H[0], lines + srun_tail(c, H, fail_s + 299, 1202, first=4))
    c.log("%s/dmesg" % bh, [
        "%s NVRM: Xid (PCI:0000:%s:00): 31, pid=41299, name=python3, Ch 00000018, intr 00000000. MMU Fault: ENGINE GRAPHICS GPCCLIENT_T1_3 faulted @ 0x7f1c_a0000000. Fault is of type FAULT_PDE ACCESS_TYPE_VIRT_READ" % (dmesg_t(c, fail_s - 1), c.pci[bg]),
        "%s NVRM: Xid (PCI:0000:%s:00): 13, pid=41299, name=python3, Graphics SM Warp Exception on (GPC 4, TPC 1, SM 0): Out Of Range Address" % (dmesg_t(c, fail_s - 1), c.pci[bg]),
        "%s NVRM: Xid (PCI:0000:%s:00): 13, pid=41299, name=python3, Graphics Exception: ESR 0x52df30=0x107000e 0x52df34=0x20 0x52df28=0xc81eb60 0x52df2c=0x1174" % (dmesg_t(c, fail_s - 1), c.pci[bg]),
    ])
    c.log("slurmctld/sinfo-R", sinfo_r([("Xid 79 GPU6 - RMA", "root", old_ts(c, 6), "gpu-e031")]))
    c.health("gpu.health@%s/gpu%d" % (bh, bg), xid_last=13)
    c.gemm("gpu.gemm@%s/gpu%d" % (bh, bg))
    c.hbm("gpu.hbm_bandwidth@%s/gpu%d" % (bh, bg))
    return c


def rl6_16():
    """The kernel OOM killer ends one node's training process (dataloader workers' RSS); node_exporter shows it."""
    H = hosts("trn-%03d", 48, 1)
    bh = "trn-011"
    bad_n = H.index(bh)
    c = Case("case-rl6-16", "host_oom", bh, H)
    c.with_topology()
    alert_group(c, [
        ("TrainingJobFailed", "video-gen-2: exited", 0, dict(job="video-gen-2", severity="critical")),
        ("NodeMemoryLow", "%s MemAvailable < 5%%" % bh, -620, dict(instance="%s:9100" % bh, severity="warning")),
    ])
    fail_s = -600
    lines = startup_warnings(c, H, -8000, k=3)
    lines += progress(c, -1400, 180, 2201, step_s=4.4)
    for ni in range(len(H)):
        if ni == bad_n:
            continue
        for g in range(8):
            r = ni * 8 + g
            lines.append("%s[rank%d]:[%s ProcessGroupNCCL.cpp:1534] [PG 0 (default_pg) Rank %d] Process group watchdog thread terminated with exception: NCCL error: remote process exited or there was a network error, NCCL version 2.21.5" % (lab(ni, g), r, c.glog(fail_s + 30 + c.rng.uniform(0, 3), "E"), r))
    lines += torchrun_fail(c, bad_n, bh, fail_s + 1, bad_n * 8 + 3, 3, exitcode=-9, sig="SIGKILL")
    lines += node_failures(c, H, fail_s + 40, skip_nodes={bad_n})
    c.log("%s/slurm-61122.out" % H[0], lines + srun_tail(c, H, fail_s + 60, 61122, first=bad_n))
    c.log("%s/journal" % bh, [
        "%s %s kernel: pt_data_worker invoked oom-killer: gfp_mask=0x140cca(GFP_HIGHUSER_MOVABLE|__GFP_COMP), order=0, oom_score_adj=0" % (c.syslog(fail_s - 1), bh),
        "%s %s kernel: oom-kill:constraint=CONSTRAINT_NONE,nodemask=(null),cpuset=/,mems_allowed=0-1,global_oom,task_memcg=/system.slice/slurmstepd.scope/job_61122/step_0/user/task_0,task=python3,pid=88412,uid=4120" % (c.syslog(fail_s), bh),
        "%s %s kernel: Out of memory: Killed process 88412 (python3) total-vm:1123441232kB, anon-rss:412228812kB, file-rss:1102844kB, shmem-rss:44012kB, UID:4120 pgtables:880412kB oom_score_adj:0" % (c.syslog(fail_s), bh),
    ] + K.kernel_noise(c, bh, 8))
    total = 2.06e12
    c.node_metric("node_memory_MemAvailable_bytes", {"instance": "%s:9100" % bh, "job": "node"},
                  lambda s: total * max(0.01, 0.55 - (s + 1200) / 600 * 0.54) if s < fail_s else total * 0.61, 0)
    c.node_metric("node_memory_MemAvailable_bytes", {"instance": "trn-004:9100", "job": "node"}, lambda s: total * 0.56, 0)
    c.node_metric("node_vmstat_oom_kill", {"instance": "%s:9100" % bh, "job": "node"}, lambda s: 0 if s < fail_s else 1, 0)
    return c


def rl6_17():
    """Loss spike then NaN grad norm on all 1,024 ranks (Megatron's check); SBE noise on one GPU."""
    H = hosts("mgx-%03d", 128, 1)
    c = Case("case-rl6-17", "loss_divergence", "job", H)
    c.with_topology()
    alert_group(c, [
        ("TrainingJobFailed", "dense-175b: all ranks raised AssertionError", 0, dict(job="dense-175b", severity="critical")),
        ("DCGMSBEHigh", "mgx-044 GPU 3: correctable SBE 22", -9000, dict(Hostname="mgx-044", gpu="3", severity="info")),
    ])
    def lf(i):
        return 1.91 if i < 60 else (1.91 + (i - 60) * 0.35 if i < 68 else float("nan"))
    def gf(i):
        return 0.3 if i < 58 else (0.3 * 4 ** (i - 58) if i < 68 else float("nan"))
    lines = progress(c, -400, 70, 310051, loss_fn=lf, grad_fn=gf, step_s=4.8)
    for ni in range(len(H)):
        for g in range(8):
            r = ni * 8 + g
            lines.append("%s[rank%d]:   File \"/opt/megatron/megatron/core/distributed/param_and_grad_buffer.py\", line 161, in check_for_nan_in_grad" % (lab(ni, g), r))
            lines.append("%s[rank%d]: AssertionError: Rank %d: found NaN in local grad norm in backward pass before data-parallel communication collective. Device: %d, node: %s" % (lab(ni, g), r, r, g, H[ni]))
    c.log("%s/slurm-99.out" % H[0], lines + srun_tail(c, H, -10, 99))
    c.gpu_metric("DCGM_FI_DEV_ECC_SBE_VOL_TOTAL", "mgx-044", 0, 0, {3: lambda s, v: 22}, decimals=0)
    c.sdc("gpu.sdc@mgx-044")
    c.sdc("gpu.sdc@mgx-001")
    c.health("gpu.health@mgx-044/gpu3", ecc_sbe_volatile=22)
    return c


def rl6_18():
    """fp16 loss scale driven to its floor by DeepSpeed; a flapping fan alert on an idle node."""
    H = hosts("dsx-%02d", 16, 1)
    c = Case("case-rl6-18", "fp16_loss_scale_collapse", "job", H)
    c.with_topology()
    alert_group(c, [
        ("TrainingJobFailed", "bert-xl-fp16: exited", 0, dict(job="bert-xl-fp16", severity="critical")),
        ("NodeFanFailure", "dsx-21 FAN2 below threshold (flapping)", -4000, dict(instance="dsx-21:9290", severity="warning")),
    ])
    lines = K.deepspeed_steps(c, -1200, 60, 88000)
    sc = 65536.0
    s = -800
    step = 88061
    while sc >= 1:
        s += 2.3
        lines.append("[%s] [INFO] [loss_scaler.py:183:update_scale] [deepspeed] OVERFLOW! Rank 0 Skipping step. Attempted loss scale: %d, reducing to %d" % (c.ymd_ms(s), int(sc), max(1, int(sc / 2))))
        step += 1
        sc /= 2
        if sc < 1:
            break
    for k in range(20):
        s += 2.3
        lines.append("[%s] [INFO] [loss_scaler.py:183:update_scale] [deepspeed] OVERFLOW! Rank 0 Skipping step. Attempted loss scale: 1, reducing to 1" % c.ymd_ms(s))
    lines.append("[%s] [INFO] [logging.py:96:log_dist] [Rank 0] step=%d, skipped=%d, lr=[1.2e-04], mom=[(0.9, 0.999)]" % (c.ymd_ms(s + 1), step + 20, 37))
    lines.append("Exception: Current loss scale already at minimum - cannot decrease scale anymore. Exiting run.")
    c.log("%s/deepspeed-rank0.log" % H[0], lines)
    c.node_metric("ipmi_fan_speed_rpm", {"instance": "dsx-21:9290", "name": "FAN2"}, lambda s: 800 if (s // 90) % 3 == 0 else 7200, 0)
    return c


def rl6_19():
    """FP8 amax goes non-finite under Transformer Engine (64 nodes); loss jumps, grad norm inf."""
    H = hosts("h200-%03d", 64, 1)
    c = Case("case-rl6-19", "fp8_scaling_overflow", "job", H)
    c.with_topology()
    alert_group(c, [("TrainingLossAnomaly", "nemo-fp8-340b: loss jumped 2.1 -> 7.9", 0, dict(job="nemo-fp8-340b", severity="warning"))])
    def lf(i):
        return 2.08 if i < 50 else 7.9 + c.rng.uniform(-0.3, 0.3)
    def gf(i):
        return 0.31 if i < 49 else "inf"
    lines = K.megatron_iters(c, -600, 80, 61200, loss_fn=lf, grad_fn=gf, skipped_fn=lambda i: max(0, i - 49))
    for k in range(12):
        s = -350 + k * 15
        layer = 40 + k % 9
        lines.append("[%s] WARNING fp8_monitor: layer %d self_attention.linear_qkv amax_history[fwd][0] non-finite (inf); scale_inv=0.000000e+00 after update, recipe DelayedScaling(margin=0, fp8_format=HYBRID, amax_history_len=1024, amax_compute_algo=max)" % (c.ymd(s), layer))
        lines.append("[%s] WARNING fp8_monitor: layer %d mlp.linear_fc1 fp8 cast saturation 38.2%% of elements at E4M3 max (448.0)" % (c.ymd(s + 1), layer))
    c.log("%s/rank0/stdout" % H[0], lines)
    c.log("%s/journal" % H[3], K.kernel_noise(c, H[3], 10))
    return c


def rl6_20():
    """MoE routing collapses onto two experts: capacity overflow, dropped tokens, slow all-to-all."""
    H = hosts("moe-%03d", 32, 1)
    c = Case("case-rl6-20", "moe_expert_imbalance", "job", H)
    c.with_topology()
    alert_group(c, [("TrainingStepTimeHigh", "mixtral-8x22b-cpt: step time 1.9x baseline", 0, dict(job="mixtral-8x22b-cpt", severity="warning"))])
    lines = K.megatron_iters(c, -1300, 200, 9011, step_fn=lambda i: 4.1 if i < 70 else 7.8)
    for k in range(14):
        s = -1000 + k * 70
        lines.append("[%s] moe router stats layer %d: tokens per expert (of 8) [%s] | max/mean load 5.71 | dropped tokens 31.4%% (capacity_factor=1.25) | aux_loss 0.0004 z_loss 0.0011" % (
            c.ymd(s), 12 + k % 20, ", ".join(str(x) for x in [1880122, 1720981, 41021, 39110, 35882, 40112, 38012, 37221])))
    c.log("%s/rank0/stdout" % H[0], lines)
    c.node_metric("megatron_moe_dropped_token_ratio", {"job": "mixtral-8x22b-cpt", "instance": "moe-001:9400"},
                  lambda s: 0.002 if s < -1000 else 0.314, 3)
    c.node_metric("megatron_alltoall_time_ms", {"job": "mixtral-8x22b-cpt", "instance": "moe-001:9400"},
                  lambda s: 210 if s < -1000 else 1180, 1)
    c.nccl("nccl.alltoall@job")
    c.nccl("nccl.alltoall@moe-007")
    return c


def rl6_21():
    """One rank is the straggler (a leftover process shares its cores); its GPU tests clean."""
    H = hosts("gpu-f%03d", 128, 1)
    bad_n, bad_g = 91, 6
    bh = H[bad_n]
    r = bad_n * 8 + bad_g
    c = Case("case-rl6-21", "straggler_rank", "%s/gpu%d" % (bh, bad_g), H)
    c.with_topology()
    alert_group(c, [
        ("TrainingThroughputDrop", "llama-70b-cpt-2: MFU 29% (baseline 44%)", 0, dict(job="llama-70b-cpt-2", severity="warning")),
        ("NodeFanFailure", "gpu-f140 FAN6 below 1000 RPM (flapping)", -2000, dict(instance="gpu-f140:9290", severity="warning")),
    ])
    lines = K.megatron_iters(c, -1400, 230, 15001, step_fn=lambda i: 4.1 if i < 60 else 6.1)
    for k in range(16):
        s = -1100 + k * 70
        lines.append(" [%s] | MnRtt/Rnk: %.1fms/%d | MxRtt/Rnk: %.1fms/%d | MnPwr/Rnk: 612W/%d | MxPwr/Rnk: 688W/%d | MnTmp/Rnk: 41C/%d | MxTmp/Rnk: 62C/%d | MnUtl/Rnk: 61%%/%d | MxUtl/Rnk: 99%%/%d | MnClk/Rnk: 1980MHz/%d | MxClk/Rnk: 1980MHz/%d" % (
            c.ymd(s), 3901.2 + k, c.rng.randrange(1024), 5922.7 + 7 * k, r, c.rng.randrange(1024), c.rng.randrange(1024), c.rng.randrange(1024), c.rng.randrange(1024), r, c.rng.randrange(1024), c.rng.randrange(1024), c.rng.randrange(1024)))
    c.log("%s/rank0/stdout" % H[0], lines)
    c.log("%s/top" % bh, [
        "top - %s up 41 days,  3:11,  1 user,  load average: 231.02, 228.44, 190.12" % c.at(-300).strftime("%H:%M:%S"),
        "  PID USER      PR  NI    VIRT    RES    SHR S  %CPU  %MEM     TIME+ COMMAND",
        "51201 svc-eval  20   0   88.1g  12.4g  1.1g R  4788  0.6   2211:04 python3 eval_harness.py --tasks mmlu",
        "40312 train     20   0  402.2g  61.0g  9.8g R   101  3.0  1302:55 python3 pretrain_gpt.py",
        "40309 train     20   0  402.1g  60.9g  9.8g R   100  3.0  1309:41 python3 pretrain_gpt.py",
    ])
    c.health("gpu.health@%s/gpu%d" % (bh, bad_g))
    c.gemm("gpu.gemm@%s/gpu%d" % (bh, bad_g))
    c.pcie("gpu.pcie_bandwidth@%s/gpu%d" % (bh, bad_g))
    c.node_metric("ipmi_fan_speed_rpm", {"instance": "gpu-f140:9290", "name": "FAN6"}, lambda s: 700 if (s // 150) % 2 else 9100, 0)
    return c


def rl6_22():
    """Tokenising on the fly starves the GPUs of a 16-node torchtitan job; a benign Xid 43 on one node."""
    H = hosts("tt-%02d", 16, 1)
    c = Case("case-rl6-22", "dataloader_stall", "job", H)
    c.with_topology()
    alert_group(c, [
        ("GPUUtilizationLow", "tt-pretrain: mean GPU util 34% across 128 GPUs", 0, dict(job="tt-pretrain", severity="warning")),
        ("DCGMXidErrors", "Xid 43 on tt-09 GPU 0", -50000, dict(Hostname="tt-09", gpu="0", xid="43", severity="info")),
    ])
    lines = K.fsdp_steps(c, -1300, 200, 1001, step_fn=lambda i: 1.8 if i < 60 else 5.1 * c.rng.uniform(0.8, 1.3))
    for k in range(10):
        s = -1000 + k * 90
        lines.append("[rank0]:[titan] %s - root - WARNING - data loading took %.2fs of step (%.0f%% of step time); dataloader workers 4, prefetch_factor 2, queue empty" % (c.ymd_ms(s), 3.2 + k * 0.05, 63 + k))
    c.log("%s/rank0/stdout" % H[0], lines)
    c.log("tt-09/journal", ["%s tt-09 kernel: NVRM: Xid (PCI:0000:%s:00): 43, pid=12011, name=python, Ch 00000008" % (c.syslog(-50020), c.pci[0])])
    for h in ("tt-03", "tt-12"):
        c.gpu_metric("DCGM_FI_DEV_GPU_UTIL", h, 97, 2, {g: (lambda s, v: v if s < -1000 else 30 + c.rng.uniform(-10, 10)) for g in range(8)}, decimals=0)
        c.node_metric("node_load1", {"instance": "%s:9100" % h}, lambda s: 40 if s < -1000 else 223, 1)
    return c


def rl6_23():
    """A Lustre OST dies during a checkpoint save of a 512-node job: 4,095 ranks time out in the barrier."""
    H = hosts("x%04d", 512, 1)
    c = Case("case-rl6-23", "storage_failure", "job", H)
    c.with_topology()
    jobid = 10020031
    alert_group(c, [
        ("TrainingJobFailed", "frontier-4096gpu: FAILED during checkpoint 42000", 0, dict(job="frontier-4096gpu", severity="critical")),
        ("LustreOSTDown", "scratch-OST002a unreachable", -1850, dict(fs="scratch", target="OST002a", severity="critical")),
        ("DCGMXidErrors", "Xid 43 on x0318 GPU 7", -80000, dict(Hostname="x0318", gpu="7", xid="43", severity="info")),
    ])
    fail_s = -1850
    lines = progress(c, -2600, 120, 41880, step_s=5.6)
    lines.append("%d: [default0]:[%s] saving checkpoint at iteration   42000 to /lustre/scratch/ckpt/frontier-4096gpu in torch_dist format" % (511, c.ymd(fail_s - 5)))
    lines += cascade(c, H, fail_s + 1800, 15502231, op="_ALLGATHER_BASE", style="old", timeout_ms=1800000, spread=6, labelled=True)
    c.log("%s/slurm-%d.out" % (H[0], jobid), lines)
    kl = []
    for h in ("x0007", "x0212", "x0455"):
        kl += ["%s %s kernel: LustreError: 11-0: scratch-OST002a-osc-ffff8f3a81d2c000: operation ost_write to node 10.150.4.21@o2ib failed: rc = -107" % (c.syslog(fail_s + 2), h),
               "%s %s kernel: Lustre: scratch-OST002a-osc-ffff8f3a81d2c000: Connection to scratch-OST002a (at 10.150.4.21@o2ib) was lost; in progress operations using this service will wait for recovery to complete" % (c.syslog(fail_s + 2), h),
               "%s %s kernel: INFO: task pt_main_thread:88121 blocked for more than 122 seconds." % (c.syslog(fail_s + 125), h)]
    c.log("lustre-clients/journal", kl)
    return c


def rl6_24():
    """World size not divisible by TP x PP: every one of 512 ranks raises the same assertion."""
    H = hosts("gpu-g%03d", 64, 1)
    c = Case("case-rl6-24", "launch_config_error", "job", H)
    c.with_topology()
    alert_group(c, [("SlurmJobFailed", "job 7700120 (mega-13b) FAILED after 58s", 0, dict(job="mega-13b", severity="critical"))])
    lines = []
    for ni in range(len(H)):
        for g in range(8):
            r = ni * 8 + g
            lines += [lab(ni, g) + x for x in [
                "[rank%d]: Traceback (most recent call last):" % r,
                "[rank%d]:   File \"/opt/megatron/megatron/core/parallel_state.py\", line 468, in initialize_model_parallel" % r,
                "[rank%d]: RuntimeError: world_size (512) is not divisible by tensor_model_parallel_size (8) x pipeline_model_parallel_size (12) x context_parallel_size (1)" % r]]
    lines += node_failures(c, H, -20, exitcode=1, sig=None)
    c.log("%s/slurm-7700120.out" % H[0], lines + srun_tail(c, H, -5, 7700120))
    c.log("slurmctld/slurmctld.log", [
        "%s sched: Allocate JobId=7700120 NodeList=gpu-g[001-064] #CPUs=12288 Partition=train" % slurmctld_ts(c, -80),
        "%s _job_complete: JobId=7700120 WEXITSTATUS 1" % slurmctld_ts(c, -4),
        "%s _job_complete: JobId=7700120 done" % slurmctld_ts(c, -4),
    ])
    c.log("%s/sbatch-script" % H[0], [
        "#SBATCH --nodes=64", "#SBATCH --ntasks-per-node=1", "#SBATCH --gpus-per-node=8",
        "export TP=8 PP=12", "srun --label torchrun --nnodes=$SLURM_NNODES --nproc-per-node=8 pretrain_gpt.py --tensor-model-parallel-size $TP --pipeline-model-parallel-size $PP"])
    return c


def rl6_25():
    """Kubernetes: Xid 79 on one GPU; its dcgm-exporter series stop; another node cordoned for an old issue."""
    H = ["aks-gpu-%05d" % i for i in (10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25)]
    bh, bg = "aks-gpu-00019", 6
    c = Case("case-rl6-25", "gpu_fallen_off_bus", "%s/gpu%d" % (bh, bg), H)
    c.with_topology()
    alert_group(c, [
        ("PyTorchJobFailed", "pytorchjob llm-pt-v4 failed (worker-9 Error)", 0, dict(namespace="research", job="llm-pt-v4", severity="critical")),
        ("KubeNodeUnschedulable", "aks-gpu-00031 cordoned 9d (NIC replacement)", -780000, dict(node="aks-gpu-00031", severity="info")),
    ])
    fail_s = -500
    c.log("kubectl/events", [
        "LAST SEEN   TYPE      REASON        OBJECT                     MESSAGE",
        "9m          Warning   XidError      node/%s     Xid 79 on GPU-%s (GPU has fallen off the bus)" % (bh, c.uuid(bh, bg)[4:]),
        "8m          Warning   BackOff       pod/llm-pt-v4-worker-9     Back-off restarting failed container pytorch in pod llm-pt-v4-worker-9_research",
        "2m          Normal    Killing       pod/llm-pt-v4-worker-3     Stopping container pytorch",
    ])
    c.log("%s/pod/research/llm-pt-v4-worker-9" % bh, [
        "[rank78]:[%s ProcessGroupNCCL.cpp:1534] [PG 0 (default_pg) Rank 78] Process group watchdog thread terminated with exception: CUDA error: unspecified launch failure" % c.glog(fail_s + 1, "E"),
        "[rank78]: RuntimeError: CUDA error: unspecified launch failure",
    ])
    lines = []
    for ni, h in enumerate(H):
        if h == bh:
            continue
        for g in range(8):
            lines += wd_new(c, ni * 8 + g, fail_s + 300 + c.rng.uniform(0, 2), 330120, timeout_ms=300000)[:1]
    c.log("%s/pod/research/llm-pt-v4-worker-0" % H[0], lines)
    c.log("%s/journal" % bh, ["%s %s kernel: NVRM: Xid (PCI:0000:%s:00): 79, pid='<unknown>', name=<unknown>, GPU has fallen off the bus." % (short_iso(c, fail_s), bh, c.pci[bg])])
    c.gpu_metric("DCGM_FI_DEV_GPU_TEMP", bh, 51, 3, {bg: lambda s, v: v if s < fail_s else None}, decimals=0)
    c.gpu_metric("DCGM_FI_DEV_GPU_UTIL", bh, 97, 2, {bg: lambda s, v: v if s < fail_s else None}, decimals=0)
    return c


def rl6_26():
    """The NFS checkpoint server stops answering while 16 nodes load the checkpoint; a benign Xid 43."""
    H = hosts("dgx%03d", 16, 21)
    c = Case("case-rl6-26", "storage_failure", "job", H)
    c.with_topology()
    alert_group(c, [
        ("TrainingJobStalled", "resume-run-7: no progress 20m after start", 0, dict(job="resume-run-7", severity="critical")),
        ("DCGMXidErrors", "Xid 43 on dgx024 GPU 3", -3000, dict(Hostname="dgx024", gpu="3", xid="43", severity="info")),
    ])
    lines = ["[%s] loading checkpoint from /mnt/ckpt/resume-run-7/iter_0120000 (torch_dist, 1024 shards)" % c.ymd(-1250)]
    lines += ["[%s] loaded shard %d/1024" % (c.ymd(-1240 + i * 0.5), i) for i in range(1, 41)]
    c.log("%s/rank0/stdout" % H[0], lines)
    kl = []
    for h in H:
        kl.append("%s: %s nfs: server nfs-ckpt01 not responding, still trying" % (h, dmesg_t(c, -1215 + c.rng.uniform(0, 10))))
    kl += ["%s: %s INFO: task python3:%d blocked for more than 120 seconds." % (H[i], dmesg_t(c, -1090), 33000 + i) for i in range(4)]
    c.log("pdsh/dmesg-T", kl)
    c.log("dgx024/journal", ["%s dgx024 kernel: NVRM: Xid (PCI:0000:%s:00): 43, pid=8812, name=python3, Ch 00000008" % (c.syslog(-3010), c.pci[3])])
    return c


def rl6_27():
    """A flapping IB link (symbol errors) on one HCA: retry-exceeded on its ranks, ibdiagnet names the port."""
    H = hosts("ibn%03d", 24, 1)
    bh = "ibn017"
    c = Case("case-rl6-27", "ib_link_failure", "%s/mlx5_2" % bh, H)
    c.with_topology()
    alert_group(c, [("TrainingJobFailed", "gpt-neox-20b: NCCL errors", 0, dict(job="gpt-neox-20b", severity="critical"))])
    fail_s = -400
    ni = H.index(bh)
    lines = progress(c, -1300, 160, 7001, step_s=5.0)
    lines += ["%d: [default2]:%s:7112:7301 [2] NCCL WARN NET/IB : Got completion from peer 10.12.%d.31<58332> with status=12 opcode=0 len=0 vendor err 129 (Send) localGid ::ffff:10.12.%d.17 remoteGid ::ffff:10.12.%d.31 hca mlx5_2" % (ni, bh, k, ni, k) for k in (3, 9)]
    lines += ["%d: [default2]:[rank%d]: torch.distributed.DistBackendError: NCCL error: remote process exited or there was a network error, NCCL version 2.21.5" % (ni, ni * 8 + 2)]
    lines += cascade(c, H, fail_s + 300, 78120, skip={ni * 8 + 2}, timeout_ms=300000)
    c.log("%s/slurm-4001.out" % H[0], lines)
    c.log("fabric/ibdiagnet2.log", [
        "-I- Links Check",
        "-E- Link: S7cfe900300a1b2c4/U1/P17<-->%s/mlx5_2/P1 - symbol errors 18112 (threshold 0), link down count 7" % bh,
        "-W- Port %s/mlx5_2/P1: PortRcvErrors 4411" % bh,
        "-I- Links Check finished with errors",
    ])
    c.log("%s/perfquery-mlx5_2" % bh, ["SymbolErrorCounter:..............18112", "LinkErrorRecoveryCounter:........91", "LinkDownedCounter:...............7", "PortRcvErrors:...................4411"])
    c.nccl("nccl.allreduce@%s" % bh, busbw=21.4)
    c.nccl("nccl.allreduce@ibn003")
    return c


def rl6_28():
    """Contained uncorrectable ECC (Xid 94) kills one rank; a row-remap event on a node outside the job."""
    H = hosts("sc-%03d", 16, 100)
    bh, bg = "sc-109", 0
    c = Case("case-rl6-28", "gpu_memory_uncorrectable_ecc", "%s/gpu%d" % (bh, bg), H)
    c.with_topology()
    r = c.rank_of(bh, bg)
    alert_group(c, [
        ("TrainingJobFailed", "audio-lm: rank %d died" % r, 0, dict(job="audio-lm", severity="critical")),
        ("DCGMRowRemapPending", "sc-150 GPU 2: row remap pending", -300000, dict(Hostname="sc-150", gpu="2", severity="info")),
    ])
    fail_s = -450
    lines = progress(c, -1200, 140, 900, step_s=5.0)
    lines += ["%d: [default0]:[rank%d]: RuntimeError: CUDA error: uncorrectable ECC error encountered" % (9, r)]
    lines += cascade(c, H, fail_s + 420, 1200, skip={r}, timeout_ms=420000)
    c.log("%s/slurm-771.out" % H[0], lines)
    c.log("%s/journal" % bh, ["%s %s kernel: NVRM: Xid (PCI:0000:%s:00): 94, pid=51001, name=python, Contained: SM (0x1). RST: No, D-RST: No" % (short_iso(c, fail_s), bh, c.pci[bg])])
    c.log("sc-150/journal", ["%s sc-150 kernel: NVRM: Xid (PCI:0000:%s:00): 63, pid=1201, name=python, Row Remapper: New row (0x000000000a1b2c00) was marked for remapping, reset gpu to activate." % (c.syslog(-300100), c.pci[2])])
    c.gpu_metric("DCGM_FI_DEV_ECC_DBE_VOL_TOTAL", bh, 0, 0, {bg: lambda s, v: 0 if s < fail_s else 1}, decimals=0)
    c.gpu_metric("DCGM_FI_DEV_XID_ERRORS", bh, 0, 0, {bg: lambda s, v: 0 if s < fail_s else 94}, decimals=0)
    return c


def rl6_29():
    """NCCL cannot allocate its buffers on one rank when a new sub-communicator is made: CUDA OOM."""
    H = hosts("ep-%02d", 16, 1)
    bh, bg = "ep-12", 3
    c = Case("case-rl6-29", "cuda_oom", "%s/gpu%d" % (bh, bg), H)
    c.with_topology()
    ni = H.index(bh)
    r = ni * 8 + bg
    alert_group(c, [("TrainingJobFailed", "ep-moe-run: exited at startup of eval", 0, dict(job="ep-moe-run", severity="critical"))])
    lines = progress(c, -900, 100, 20001, step_s=4.0)
    lines += ["%d: [default3]:%s" % (ni, x) for x in [
        "%s:60121:60121 [3] include/alloc.h:124 NCCL WARN Cuda failure 'out of memory'" % bh,
        "%s:60121:60121 [3] NCCL INFO transport/p2p.cc:208 -> 1" % bh,
        "[rank%d]: torch.distributed.DistBackendError: NCCL error in: ../torch/csrc/distributed/c10d/ProcessGroupNCCL.cpp:2027, unhandled cuda error (run with NCCL_DEBUG=INFO for details), NCCL version 2.21.5" % r,
        "[rank%d]: ncclUnhandledCudaError: Call to CUDA function failed." % r,
        "[rank%d]: Last error:" % r,
        "[rank%d]: Cuda failure 'out of memory'" % r]]
    lines += cascade(c, H, -10, 41, skip={r}, timeout_ms=600000)
    c.log("%s/slurm-5123.out" % H[0], lines)
    c.log("%s/nvidia-smi" % bh, ["|   3  NVIDIA H200                    On  |   00000000:%s:00.0 Off |                    0 |" % c.pci[3].upper(),
                                  "| N/A   48C    P0            402W /  700W |  143101MiB / 143771MiB |     12%      Default |"])
    return c


def rl6_30():
    """One GPU left at a 400 W power limit (nvidia-smi -pl from a power test): its rank drags the job."""
    H = hosts("gpu-h%03d", 32, 1)
    bh, bg = "gpu-h027", 1
    c = Case("case-rl6-30", "gpu_power_throttle", "%s/gpu%d" % (bh, bg), H)
    c.with_topology()
    alert_group(c, [("TrainingThroughputDrop", "qwen-72b-sft: tokens/s down 27%", 0, dict(job="qwen-72b-sft", severity="warning"))])
    c.log("%s/rank0/stdout" % H[0], K.megatron_iters(c, -1300, 240, 4001, step_fn=lambda i: 4.1 if i < 80 else 5.5))
    c.log("%s/journal" % bh, [
        "%s %s sudo[90112]: hwtest : TTY=pts/2 ; PWD=/home/hwtest ; USER=root ; COMMAND=/usr/bin/nvidia-smi -i 1 -pl 400" % (c.syslog(-1000), bh),
        "%s %s nvidia-smi[90113]: Power limit for GPU 00000000:%s:00.0 was set to 400.00 W from 700.00 W." % (c.syslog(-1000), bh, c.pci[bg].upper()),
    ] + K.kernel_noise(c, bh, 8))
    dcgm_node(c, bh, reasons=0, over={"power": {bg: lambda s, v: v if s < -1000 else 399},
                                        "clock": {bg: lambda s, v: v if s < -1000 else 1410},
                                        "reasons": {bg: lambda s, v: 0 if s < -1000 else 0x4}})
    c.gpu_metric("DCGM_FI_DEV_POWER_MGMT_LIMIT", bh, 700, 0, {bg: lambda s, v: v if s < -1000 else 400}, decimals=0)
    return c


CASES = [rl6_01, rl6_02, rl6_03, rl6_04, rl6_05, rl6_06, rl6_07, rl6_08, rl6_09, rl6_10,
         rl6_11, rl6_12, rl6_13, rl6_14, rl6_15, rl6_16, rl6_17, rl6_18, rl6_19, rl6_20,
         rl6_21, rl6_22, rl6_23, rl6_24, rl6_25, rl6_26, rl6_27, rl6_28, rl6_29, rl6_30]


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default=os.path.dirname(os.path.abspath(__file__)))
    args = ap.parse_args(argv)
    n = K.write_cases([f() for f in CASES], args.out)
    print("realistic6: wrote %d cases to %s" % (n, args.out))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
