#!/usr/bin/env python3
"""The fifth realistic set (RL5): 30 incidents where the on-call engineer has more than logs.

Most cases carry Prometheus series as a range query returns them (dcgm-exporter field names and its
label set, node_exporter / ipmi_exporter, a training job's own exporter), many carry the results of
Vigil's own probes at that moment (probes/catalog.cc targets, metric names and thresholds; status
derived from the thresholds), and Slurm's own view (slurmctld / slurmd lines, scontrol, sinfo -R,
sacct, srun's task lines) sits beside the PyTorch / NCCL / Megatron / DeepSpeed output.

Written blind to the reasoner, the knowledge pack and the other realistic / holdout sets. Each case
is one function; its seed is its id (casekit.Case). Stdlib python3 only.

Usage: realistic5_cases.py [--out DIR]   (default: this file's folder)
"""

import argparse
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))

from casekit import (Case, PCI_BUS_A, PCI_BUS_B, NIC_BUS, app_noise, kernel_noise, nccl_init,  # noqa: E402
                     watchdog, elastic_failure, megatron_iters, deepspeed_steps, fsdp_steps,
                     interleave, write_cases, CLK_SW_POWER_CAP, CLK_HW_SLOWDOWN, CLK_SW_THERMAL,
                     CLK_HW_THERMAL, CLK_HW_POWER_BRAKE)

DRIVER = "550.90.07"
CASES = []


def case(fn):
    CASES.append(fn)
    return fn


# ------------------------------------------------------------------ exporters
def dcgm(c, name, host, fn, gpus=None, decimals=0, k8s=None):
    """One dcgm-exporter series per GPU of `host`, labelled as dcgm-exporter 3.x labels them
    (plus the instance/job Prometheus adds). fn(g, s) -> value, or None for no sample."""
    for g in (range(c.gpus) if gpus is None else gpus):
        lab = {"DCGM_FI_DRIVER_VERSION": DRIVER, "Hostname": host, "UUID": c.uuid(host, g),
               "device": "nvidia%d" % g, "gpu": str(g), "instance": host + ":9400",
               "job": "dcgm-exporter", "modelName": c.gpu,
               "pci_bus_id": "00000000:%s:00.0" % c.pci[g].upper()}
        if k8s:
            lab.update({"container": k8s[0], "namespace": k8s[1], "pod": k8s[2]})
        c.series(name, lab, lambda s, g=g: fn(g, s), decimals)


def nodexp(c, name, host, fn, decimals=0, **labels):
    lab = {"instance": host + ":9100", "job": "node-exporter"}
    lab.update(labels)
    c.series(name, lab, fn, decimals)


def jitter(c, base, j):
    return lambda g, s: base + c.rng.uniform(-j, j)


def counter(c, start, rate_fn):
    """A per-GPU cumulative counter: rate_fn(g, s) per 30 s step."""
    acc = {}

    def f(g, s):
        acc[g] = acc.get(g, start) + rate_fn(g, s)
        return acc[g]
    return f


def util_fn(c, lo=93, hi=100):
    return lambda g, s: c.rng.randint(lo, hi)


def slurm_ts(c, s):  # slurmctld / slurmd: [2026-03-14T02:11:05.123]
    return "[%s.%03d]" % (c.at(s).strftime("%Y-%m-%dT%H:%M:%S"), c.rng.randrange(1000))


def ctld(c, s, msg):
    return "%s %s" % (slurm_ts(c, s), msg)


def slurmd(c, s, host, msg):
    return "%s %s slurmd[%d]: %s" % (c.syslog(s), host, 2871, msg)


def sacct(c, jobid, name, rows):
    """rows: (suffix, jobname, partition, state, exitcode, nodelist)"""
    out = ["JobID           JobName  Partition      State ExitCode        NodeList ",
           "------------ ---------- ---------- ---------- -------- --------------- "]
    for suf, jn, part, st, ec, nl in rows:
        out.append("%-12s %10s %10s %10s %8s %15s " % (jobid + suf, jn[:10], part, st, ec, nl))
    return out


def scontrol_node(c, host, state, reason, s, gres="gpu:h200:8"):
    t = c.at(s).strftime("%Y-%m-%dT%H:%M:%S")
    return [
        "NodeName=%s Arch=x86_64 CoresPerSocket=56 " % host,
        "   CPUAlloc=0 CPUEfctv=224 CPUTot=224 CPULoad=3.12",
        "   AvailableFeatures=h200,ib,nvlink",
        "   Gres=%s(S:0-1)" % gres,
        "   NodeAddr=%s NodeHostName=%s Version=23.11.6" % (host, host),
        "   OS=Linux 5.15.0-119-generic #129-Ubuntu SMP ",
        "   RealMemory=2063000 AllocMem=0 FreeMem=1931220 Sockets=2 Boards=1",
        "   State=%s ThreadsPerCore=2 TmpDisk=0 Weight=1 Owner=N/A MCS_label=N/A" % state,
        "   Partitions=train ",
        "   Reason=%s [root@%s]" % (reason, t),
    ]


def srun_task(host, task, code=None, sig=None):
    if sig:
        return "srun: error: %s: task %d: %s" % (host, task, sig)
    return "srun: error: %s: task %d: Exited with exit code %d" % (host, task, code)


def mega(c, start, n, it0, **kw):
    return megatron_iters(c, start, n, it0, **kw)


def healthy_nodes(c, hosts, k=8):
    return ["%s" % h for h in hosts[:k]]


# ======================================================================= cases
@case
def rl5_01():
    """Xid 79 on one GPU; dcgm-exporter's series for it stop; inventory probe sees 7 of 8."""
    hosts = ["gpu-h%03d" % i for i in (211, 212, 213, 214)]
    bad = hosts[2]
    c = Case("case-rl5-01", "gpu_fallen_off_bus", bad + "/gpu5", hosts, pci=PCI_BUS_B)
    c.alert("DCGMXidErrors", "GPU %s/5 reported Xid 79" % bad, s=0, Hostname=bad, gpu="5",
            xid="79", severity="critical", team="ml-infra",
            instance=bad + ":9400", job="dcgm-exporter")
    c.alert_obj["annotations"]["description"] = "DCGM_FI_DEV_XID_ERRORS is 79 on %s GPU 5 (UUID %s)" % (
        bad, c.uuid(bad, 5))
    lost = -130
    dcgm(c, "DCGM_FI_DEV_XID_ERRORS", bad, lambda g, s: (79 if g == 5 and s >= lost else 0) if not (g == 5 and s > lost + 30) else None)
    dcgm(c, "DCGM_FI_DEV_GPU_UTIL", bad, lambda g, s: (c.rng.randint(94, 100) if s < lost else c.rng.randint(0, 2)) if not (g == 5 and s > lost) else None)
    dcgm(c, "DCGM_FI_DEV_POWER_USAGE", bad, lambda g, s: (c.rng.uniform(560, 660) if s < lost else c.rng.uniform(88, 96)) if not (g == 5 and s > lost) else None, decimals=3)
    dmesg = [c.dmesg(lost + 0.4) + " NVRM: GPU at PCI:0000:%s:00: %s" % (c.pci[5], c.uuid(bad, 5)),
             c.dmesg(lost + 0.4) + " NVRM: GPU Board Serial Number: 1654123019882",
             c.dmesg(lost + 0.5) + " NVRM: Xid (PCI:0000:%s:00): 79, pid=1843, name=nv-hostengine, GPU has fallen off the bus." % c.pci[5],
             c.dmesg(lost + 0.5) + " NVRM: GPU 0000:%s:00.0: GPU has fallen off the bus." % c.pci[5],
             c.dmesg(lost + 0.6) + " NVRM: A GPU crash dump has been created. If possible, please run",
             c.dmesg(lost + 0.6) + " NVRM: nvidia-bug-report.sh as root to collect this data before",
             c.dmesg(lost + 0.6) + " NVRM: the NVIDIA kernel module is unloaded."]
    dmesg += kernel_noise(c, bad, 6, fmt="dmesg")
    c.log(bad + "/dmesg", dmesg)
    rank = c.rank_of(bad, 5)
    app = mega(c, -400, 8, 88120, step_s=5.2)
    app += ["[rank%d]:[%s ProcessGroupNCCL.cpp:1785] [PG 0 (default_pg) Rank %d] Exception (either an error or timeout) detected by watchdog at work: 88129, last enqueued NCCL work: 88129, last completed NCCL work: 88128." % (r, c.glog(lost + 41, "E"), r) for r in (3, 17)]
    app += [srun_task(bad, rank, code=1), srun_task(hosts[0], 3, code=1),
            "srun: error: Timed out waiting for job step to complete",
            "slurmstepd: error: *** STEP 482211.0 ON %s CANCELLED AT %s ***" % (hosts[0], c.at(lost + 70).strftime("%Y-%m-%dT%H:%M:%S"))]
    c.log("slurm-482211.out", app)
    ctl = [ctld(c, lost + 68, "error: Nodes %s not responding to health check: gpu count 7 != 8" % bad),
           ctld(c, lost + 69, "update_node: node %s reason set to: NHC: check_nv_smi: GPU 0000:%s:00.0 is lost" % (bad, c.pci[5])),
           ctld(c, lost + 69, "update_node: node %s state set to DRAINING" % bad),
           ctld(c, lost + 75, "_job_complete: JobId=482211 WEXITSTATUS 1"),
           ctld(c, lost + 75, "_job_complete: JobId=482211 done")]
    c.log("slurmctld", ctl)
    c.inventory("gpu.inventory@%s/gpu5" % bad, count=7)
    c.errored("gpu.health@%s/gpu5" % bad, "nvmlDeviceGetHandleByPciBusId(00000000:%s:00.0): GPU is lost" % c.pci[5].upper(), duration=0.4)
    c.with_topology()
    return c


@case
def rl5_02():
    """DBE ECC counter and Xid 94 in dcgm-exporter on one GPU; the logs are the job's CUDA error."""
    hosts = ["a3m-%02d" % i for i in range(1, 9)]
    bad = hosts[5]
    c = Case("case-rl5-02", "gpu_memory_uncorrectable_ecc", bad + "/gpu2", hosts)
    c.alert("GPUUncorrectableECC", "Uncorrectable ECC errors on %s GPU 2" % bad, s=0,
            Hostname=bad, gpu="2", severity="critical", UUID=c.uuid(bad, 2))
    c.alert_obj["annotations"]["description"] = "increase(DCGM_FI_DEV_ECC_DBE_VOL_TOTAL[5m]) > 0 for 1m"
    t = -240
    dcgm(c, "DCGM_FI_DEV_ECC_DBE_VOL_TOTAL", bad, lambda g, s: 2 if g == 2 and s >= t else 0)
    dcgm(c, "DCGM_FI_DEV_ECC_SBE_VOL_TOTAL", bad, lambda g, s: (14 if g == 2 and s >= t else 0) + (3 if g == 6 else 0))
    dcgm(c, "DCGM_FI_DEV_XID_ERRORS", bad, lambda g, s: 94 if g == 2 and s >= t else 0)
    dcgm(c, "DCGM_FI_DEV_GPU_UTIL", bad, lambda g, s: c.rng.randint(95, 100) if s < t + 30 else 0)
    r = c.rank_of(bad, 2)
    lines = fsdp_steps(c, -600, 6, 51210, rank=0)
    lines += ["[rank%d]: RuntimeError: CUDA error: uncorrectable ECC error encountered" % r,
              "[rank%d]: CUDA kernel errors might be asynchronously reported at some other API call, so the stacktrace below might be incorrect." % r,
              "[rank%d]: For debugging consider passing CUDA_LAUNCH_BLOCKING=1" % r,
              srun_task(bad, r, code=1),
              "srun: error: %s: tasks 0-7,9-39,41-63: Killed" % hosts[0].replace("01", "[01-08]")]
    lines += app_noise(c, 4)
    c.log("slurm-77120.out", lines)
    c.log("slurmctld", [ctld(c, t + 40, "_job_complete: JobId=77120 WEXITSTATUS 1"),
                        ctld(c, t + 40, "_job_complete: JobId=77120 done")] +
          sacct(c, "77120", "fsdp-70b", [("", "fsdp-70b", "h200", "FAILED", "1:0", "a3m-[01-08]"),
                                        (".batch", "batch", "", "FAILED", "1:0", "a3m-01"),
                                        (".0", "python", "", "FAILED", "1:0", "a3m-[01-08]")]))
    c.with_topology()
    return c


@case
def rl5_03():
    """Row remap failure in dcgm-exporter and gpu.health; NHC drained the node; Xid 64."""
    hosts = ["hgx-b%02d" % i for i in (3, 4)]
    bad = hosts[1]
    c = Case("case-rl5-03", "gpu_row_remap_failure", bad + "/gpu6", hosts, pci=PCI_BUS_B)
    c.alert("SlurmNodeDrained", "Node %s drained by health check" % bad, s=0, node=bad,
            severity="warning", partition="train")
    t = -600
    dcgm(c, "DCGM_FI_DEV_ROW_REMAP_FAILURE", bad, lambda g, s: 1 if g == 6 and s >= t else 0)
    dcgm(c, "DCGM_FI_DEV_ROW_REMAP_PENDING", bad, lambda g, s: 0)
    dcgm(c, "DCGM_FI_DEV_UNCORRECTABLE_REMAPPED_ROWS", bad, lambda g, s: 8 if g == 6 else (1 if g == 3 else 0))
    dcgm(c, "DCGM_FI_DEV_CORRECTABLE_REMAPPED_ROWS", bad, lambda g, s: 0)
    dcgm(c, "DCGM_FI_DEV_XID_ERRORS", bad, lambda g, s: 64 if g == 6 and s >= t else 0)
    c.log(bad + "/journal", [
        "%s %s kernel: NVRM: Xid (PCI:0000:%s:00): 64, pid='<unknown>', name=<unknown>, Row Remapper Error: (0x00000005fbe2c840) - All reserved rows for bank are remapped" % (c.syslog(t), bad, c.pci[6]),
        "%s %s kernel: NVRM: Xid (PCI:0000:%s:00): 48, pid=22817, name=python3, An uncorrectable double bit error (DBE) has been detected on GPU in the framebuffer at partition 5, subpartition 1." % (c.syslog(t + 1), bad, c.pci[6]),
        "%s %s nhc[41202]: ERROR:  nhc:  Health check failed:  check_nvsmi_healthmon:  GPU 6 (00000000:%s:00.0): Row remapping failure" % (c.syslog(-90), bad, c.pci[6].upper()),
    ] + kernel_noise(c, bad, 8))
    c.log("slurmctld", [
        ctld(c, t + 8, "_job_complete: JobId=90311 WTERMSIG 6"),
        ctld(c, t + 8, "_job_complete: JobId=90311 done"),
        ctld(c, -88, "update_node: node %s reason set to: NHC: check_nvsmi_healthmon: GPU 6 row remapping failure" % bad),
        ctld(c, -88, "update_node: node %s state set to DRAINED" % bad),
        "$ sinfo -R",
        "REASON                                              USER      TIMESTAMP           NODELIST",
        "NHC: check_nvsmi_healthmon: GPU 6 row remapping f  root      %s %s" % (c.at(-88).strftime("%Y-%m-%dT%H:%M:%S"), bad),
    ] + scontrol_node(c, bad, "IDLE+DRAIN", "NHC: check_nvsmi_healthmon: GPU 6 row remapping failure", -88))
    c.log("slurm-90311.out", ["[rank14]: RuntimeError: CUDA error: uncorrectable ECC error encountered",
                              srun_task(bad, 14, sig="Aborted (core dumped)"),
                              "srun: error: %s: tasks 0-7: Killed" % hosts[0]])
    c.health_rates("gpu.health@%s/gpu6" % bad, remap_failure=1, remapped_rows_uncorrectable=8, ecc_dbe_aggregate=2, xid_last=64)
    c.health_rates("gpu.health@%s/gpu3" % bad, remapped_rows_uncorrectable=1)
    c.with_topology()
    return c


@case
def rl5_04():
    """C: the alert is the job's stall; the cause is a GSP timeout (Xid 119) on one GPU."""
    hosts = ["dgx%02d" % i for i in range(17, 33)]
    bad = hosts[9]
    c = Case("case-rl5-04", "gpu_firmware_error", bad + "/gpu3", hosts)
    c.alert("TrainingStalled", "No iteration reported by llm-pretrain-405b for 15m", s=0,
            job="llm-pretrain-405b", severity="critical", slurm_job_id="1193402")
    c.alert_obj["annotations"]["description"] = "time() - training_last_iteration_timestamp_seconds > 900"
    t = -1000
    dcgm(c, "DCGM_FI_DEV_XID_ERRORS", bad, lambda g, s: 119 if g == 3 and s >= t else 0)
    dcgm(c, "DCGM_FI_DEV_GPU_UTIL", bad, lambda g, s: 100 if (g == 3 and s >= t) else (c.rng.randint(96, 100) if s < t else 100))
    dcgm(c, "DCGM_FI_DEV_POWER_USAGE", bad, lambda g, s: (c.rng.uniform(580, 650) if s < t else (c.rng.uniform(118, 124) if g != 3 else c.rng.uniform(72, 76))), decimals=3)
    c.log(bad + "/journal", [
        "%s %s kernel: NVRM: Xid (PCI:0000:%s:00): 119, pid=318846, name=pt_main_thread, Timeout after 6s of waiting for RPC response from GPU3 GSP! Expected function 76 (GSP_RM_CONTROL) (0x20802a02 0x8)." % (c.syslog(t), bad, c.pci[3]),
        "%s %s kernel: NVRM: GPU3 GSP RPC buffer contains function 76 (GSP_RM_CONTROL) and data 0x0000000020802a02 0x0000000000000008." % (c.syslog(t), bad),
        "%s %s kernel: NVRM: GPU3 RPC history (CPU -> GSP):" % (c.syslog(t), bad),
        "%s %s kernel: NVRM: Xid (PCI:0000:%s:00): 119, pid=318846, name=pt_main_thread, Timeout after 6s of waiting for RPC response from GPU3 GSP! Expected function 10 (FREE) (0xa55a0040 0x0)." % (c.syslog(t + 7), bad, c.pci[3]),
        "%s %s kernel: NVRM: Rate limiting GSP RPC error prints for GPU at PCI:0000:%s:00 (printing 1 of every 30).  The GPU likely needs to be reset." % (c.syslog(t + 20), bad, c.pci[3]),
    ] + kernel_noise(c, bad, 6))
    lines = mega(c, -1500, 6, 20410, step_s=9.8, gbs=2048)
    for r in (0, 31, 64, 127):
        lines += watchdog(c, r, -390 + r * 0.01, 20417, op="_REDUCE_SCATTER_BASE", numel=201326592)[:1]
    lines += ["[rank0]:[%s ProcessGroupNCCL.cpp:1484] [PG 0 (default_pg) Rank 0] Timeout at NCCL work: 20417, last enqueued NCCL work: 20417, last completed NCCL work: 20416." % c.glog(-389, "E")]
    lines += app_noise(c, 3)
    c.log("slurm-1193402.out", lines)
    c.with_topology()
    return c


@case
def rl5_05():
    """NVLink CRC/replay counters climb on one GPU; the p2p matrix shows its pairs slow."""
    hosts = ["node-%02d" % i for i in range(1, 5)]
    bad = hosts[1]
    c = Case("case-rl5-05", "nvlink_error", bad + "/gpu2", hosts)
    c.alert("TrainingThroughputDrop", "tokens/s of mixtral-ft down 38% against its 6h median", s=0,
            job="mixtral-ft", severity="warning")
    t = -700
    dcgm(c, "DCGM_FI_DEV_NVLINK_CRC_FLIT_ERROR_COUNT_TOTAL", bad,
         counter(c, 120, lambda g, s: (c.rng.randint(30000, 52000) if (g == 2 and s >= t) else c.rng.randint(0, 40))))
    dcgm(c, "DCGM_FI_DEV_NVLINK_REPLAY_ERROR_COUNT_TOTAL", bad,
         counter(c, 0, lambda g, s: (c.rng.randint(800, 1400) if (g == 2 and s >= t) else 0)))
    dcgm(c, "DCGM_FI_DEV_NVLINK_RECOVERY_ERROR_COUNT_TOTAL", bad,
         counter(c, 0, lambda g, s: (c.rng.randint(0, 3) if (g == 2 and s >= t) else 0)))
    dcgm(c, "DCGM_FI_PROF_NVLINK_TX_BYTES", bad,
         lambda g, s: (c.rng.uniform(2.1e10, 2.6e10) if (g == 2 and s >= t) else c.rng.uniform(8.6e10, 9.4e10)), decimals=0)
    lines = fsdp_steps(c, -1150, 8, 3310, step_s=2.1)
    lines += fsdp_steps(c, -600, 8, 3340, step_s=3.4)
    lines += app_noise(c, 4)
    c.log("slurm-55017.out", lines)
    c.log(bad + "/journal", ["%s %s kernel: NVRM: Xid (PCI:0000:%s:00): 74, pid=88213, name=python, NVLink: fatal error detected on link 11(0x0, 0x0, 0x10000, 0x0, 0x0, 0x0, 0x0)" % (c.syslog(t + 300), bad, c.pci[2])] + kernel_noise(c, bad, 5))
    c.health_rates("gpu.health@%s/gpu2" % bad, nvlink_crc_errors=3981220, nvlink_crc_errors_per_s=1466.0,
                   nvlink_replay_errors=41220, nvlink_replay_errors_per_s=38.0, nvlink_recovery_errors=7, xid_last=74)
    c.nccl("nccl.p2p_matrix@%s" % bad, busbw=96.4, details={"slow_pairs": ["gpu2->gpu0", "gpu2->gpu5", "gpu6->gpu2", "gpu2->gpu7"], "median_pair_gb_s": 392.8})
    c.nccl("nccl.allreduce@%s" % bad, busbw=211.0)
    c.with_topology()
    return c


@case
def rl5_06():
    """One GPU of a single-node job runs hot and slows; dcgm-exporter alone shows it."""
    hosts = ["ws-h100-07"]
    bad = hosts[0]
    c = Case("case-rl5-06", "gpu_thermal_throttle", bad + "/gpu7", hosts, gpu="NVIDIA H100 80GB HBM3")
    c.alert("GPUTemperatureHigh", "GPU 7 on %s at 89C" % bad, s=0, Hostname=bad, gpu="7",
            modelName=c.gpu, severity="warning", UUID=c.uuid(bad, 7))
    c.alert_obj["annotations"]["description"] = "DCGM_FI_DEV_GPU_TEMP > 85 for 10m"
    hot = lambda s: min(91, 71 + (s + 1200) / 60.0)  # noqa: E731
    dcgm(c, "DCGM_FI_DEV_GPU_TEMP", bad, lambda g, s: round(hot(s)) if g == 7 else c.rng.randint(58, 66))
    dcgm(c, "DCGM_FI_DEV_MEMORY_TEMP", bad, lambda g, s: round(hot(s)) + 4 if g == 7 else c.rng.randint(60, 70))
    dcgm(c, "DCGM_FI_DEV_SM_CLOCK", bad, lambda g, s: (1980 if hot(s) < 86 else c.rng.choice([1410, 1365, 1320, 1455])) if g == 7 else 1980)
    dcgm(c, "DCGM_FI_DEV_CLOCK_THROTTLE_REASONS", bad, lambda g, s: (CLK_SW_THERMAL | CLK_HW_THERMAL if hot(s) >= 88 else (CLK_SW_THERMAL if hot(s) >= 86 else 0)) if g == 7 else 0)
    dcgm(c, "DCGM_FI_DEV_POWER_USAGE", bad, lambda g, s: c.rng.uniform(440, 520) if (g == 7 and hot(s) >= 86) else c.rng.uniform(610, 690), decimals=3)
    lines = []
    for i in range(22):
        lines.append("%s | INFO | trainer | step %d | loss %.4f | it/s %.2f" % (c.ymd(-1100 + i * 50), 9100 + i * 40, 2.41 - i * 0.002, 1.92 if i < 13 else 1.51))
    c.log(bad + "/train.log", lines)
    c.with_topology()
    return c


@case
def rl5_07():
    """C: the job's step time alert looks like a straggler; dcgm shows every GPU of one node held at
    a 400 W power cap (SW power cap bit), a node-wide cap someone left set."""
    hosts = ["sc-h200-%03d" % i for i in range(40, 48)]
    bad = hosts[4]
    c = Case("case-rl5-07", "gpu_power_throttle", bad, hosts)
    c.alert("TrainingStepTimeHigh", "llama-sft step time 31% above baseline", s=0, job="llama-sft",
            severity="warning")
    dcgm(c, "DCGM_FI_DEV_POWER_USAGE", bad, lambda g, s: c.rng.uniform(395, 401), decimals=3)
    dcgm(c, "DCGM_FI_DEV_ENFORCED_POWER_LIMIT", bad, lambda g, s: 400)
    dcgm(c, "DCGM_FI_DEV_SM_CLOCK", bad, lambda g, s: c.rng.choice([1335, 1350, 1365, 1380]))
    dcgm(c, "DCGM_FI_DEV_CLOCK_THROTTLE_REASONS", bad, lambda g, s: CLK_SW_POWER_CAP)
    peer = hosts[3]
    dcgm(c, "DCGM_FI_DEV_POWER_USAGE", peer, lambda g, s: c.rng.uniform(590, 680), decimals=3)
    dcgm(c, "DCGM_FI_DEV_SM_CLOCK", peer, lambda g, s: 1980)
    lines = deepspeed_steps(c, -1100, 12, 4400, step_s=3.05)
    lines += app_noise(c, 4)
    c.log("slurm-66019.out", lines)
    c.log(bad + "/journal", ["%s %s sudo[88102]:  opsbot : PWD=/root ; USER=root ; COMMAND=/usr/bin/nvidia-smi -pl 400" % (c.syslog(-86000 + 84800), bad)] + kernel_noise(c, bad, 10))
    c.health_rates("gpu.health@%s/gpu0" % bad, power_limit_w=400, power_w=398, sm_clock_mhz=1365, clock_event_reasons=CLK_SW_POWER_CAP)
    c.gemm("gpu.gemm@%s/gpu0" % bad, tflops=571.0)
    c.gemm("gpu.gemm@%s/gpu0" % peer)
    c.with_topology()
    return c


@case
def rl5_08():
    """PCIe replay counter climbs on one GPU; AER lines; the pinned-copy probe is slow."""
    hosts = ["gn%03d" % i for i in (61, 62)]
    bad = hosts[0]
    c = Case("case-rl5-08", "pcie_link_degraded", bad + "/gpu4", hosts)
    c.alert("GPUPCIeReplaysHigh", "PCIe replays rising on %s GPU 4" % bad, s=0, Hostname=bad,
            gpu="4", severity="warning")
    c.alert_obj["annotations"]["description"] = "rate(DCGM_FI_DEV_PCIE_REPLAY_COUNTER[5m]) > 1"
    dcgm(c, "DCGM_FI_DEV_PCIE_REPLAY_COUNTER", bad, counter(c, 3, lambda g, s: c.rng.randint(180, 260) if g == 4 else 0))
    dcgm(c, "DCGM_FI_PROF_PCIE_RX_BYTES", bad, lambda g, s: c.rng.uniform(3.0e9, 3.6e9) if g == 4 else c.rng.uniform(1.1e10, 1.3e10))
    j = [c.dmesg(-900 + i * 61) + " pcieport 0000:%s:01.0: AER: Corrected error received: 0000:%s:00.0" % ("97", c.pci[4]) for i in range(4)]
    j += [c.dmesg(-899) + " nvidia 0000:%s:00.0: PCIe Bus Error: severity=Corrected, type=Data Link Layer, (Transmitter ID)" % c.pci[4],
          c.dmesg(-899) + " nvidia 0000:%s:00.0:   device [10de:2335] error status/mask=00001000/0000e000" % c.pci[4],
          c.dmesg(-899) + " nvidia 0000:%s:00.0:    [12] Timeout               " % c.pci[4]]
    c.log(bad + "/dmesg", j + kernel_noise(c, bad, 5, fmt="dmesg"))
    lines = plain_lines(c, 16)
    c.log("slurm-3021.out", lines)
    c.pcie("gpu.pcie_bandwidth@%s/gpu4" % bad, h2d=12.9, d2h=13.4)
    c.pcie("gpu.pcie_bandwidth@%s/gpu3" % bad)
    c.health_rates("gpu.health@%s/gpu4" % bad, pcie_link_width=4, pcie_replay_count=48112, pcie_replay_per_s=7.4)
    c.with_topology()
    return c


def plain_lines(c, n, start=-1000, step=0.95):
    from casekit import plain_steps
    return plain_steps(c, start, n, 12000, step_s=step)


@case
def rl5_09():
    """C: a loss-spike alert; the replicas' checksums disagree on one rank and gpu.sdc names its GPU."""
    hosts = ["h2x-%02d" % i for i in range(1, 3)]
    bad = hosts[1]
    c = Case("case-rl5-09", "gpu_silent_data_corruption", bad + "/gpu1", hosts)
    c.alert("TrainingLossSpike", "train_loss of gpt-13b jumped 4.1 sigma over its 1h mean", s=0,
            job="gpt-13b", severity="warning")
    c.series("train_loss", {"job": "trainer-exporter", "run": "gpt-13b-r7"},
             lambda s: 2.21 + c.rng.uniform(-0.02, 0.02) if s < -300 else 2.21 + c.rng.uniform(0.35, 0.9), 4)
    lines = mega(c, -700, 6, 71220, step_s=3.3, loss=2.21)
    r = c.rank_of(bad, 1)
    lines += mega(c, -300, 3, 71300, step_s=3.3, loss=2.8)
    lines += ["WARNING: data-parallel replica check at iteration 71302: parameter checksum of rank %d (dp group 1) differs from rank %d: 0x8fd2a6c1 vs 0x8fd2a6d9" % (r, r - 8),
              "WARNING: data-parallel replica check: ranks 0-8,10-15 agree (0x8fd2a6d9)"]
    lines += app_noise(c, 4)
    c.log("slurm-31888.out", lines)
    c.sdc("gpu.sdc@%s" % bad, mismatched=3, bad_gpu="gpu1")
    c.sdc("gpu.sdc@%s" % hosts[0])
    c.health_rates("gpu.health@%s/gpu1" % bad)
    c.with_topology()
    return c


@case
def rl5_10():
    """C: NCCL watchdog on every rank; node_exporter shows one HCA's link going down and flapping."""
    hosts = ["cn%03d" % i for i in range(100, 108)]
    bad = hosts[6]
    c = Case("case-rl5-10", "ib_link_failure", bad + "/mlx5_3", hosts)
    c.alert("NCCLWatchdogTimeout", "ranks of job 551902 report NCCL watchdog timeouts", s=0,
            slurm_job_id="551902", severity="critical")
    t = -760
    for dev in ("mlx5_0", "mlx5_3", "mlx5_4", "mlx5_5"):
        bd = dev == "mlx5_3"
        nodexp(c, "node_infiniband_state_id", bad, lambda s, bd=bd: (1 if (bd and (t <= s < t + 240 or s >= t + 480)) else 4), device=dev, port="1")
        nodexp(c, "node_infiniband_link_downed_total", bad, lambda s, bd=bd: (3 + (1 if s >= t else 0) + (1 if s >= t + 480 else 0)) if bd else 0, device=dev, port="1")
        nodexp(c, "node_infiniband_symbol_error_total", bad, lambda s, bd=bd: (41 + max(0, int((s - t) * 11))) if bd and s > t - 300 else (41 if bd else 0), device=dev, port="1")
    lines = []
    for r in (43, 59):
        lines.append("%s:%d:%d [%d] NCCL INFO NET/IB : Got completion from peer 10.12.6.%d<41852> with status=12 opcode=0 len=0 vendor err 129 (Send) localGid ::ffff:10.12.6.%d remoteGid ::ffff:10.12.6.%d" % (hosts[r // 8], 66120 + r, 66201 + r, r % 8, 56, 50 + r // 8, 56))
        lines.append("%s:%d:%d [%d] NCCL WARN NET/IB : Got completion from peer 10.12.6.56<41852> with status=12 opcode=0 len=0 vendor err 129 (Send)" % (hosts[r // 8], 66120 + r, 66201 + r, r % 8))
    lines += ["%s:%d:%d [3] NCCL INFO transport/net.cc:1138 -> 6" % (bad, 70441, 70502)]
    for r in (0, 9, 51):
        lines += watchdog(c, r, -140 + r * 0.01, 8802)[:2]
    lines += [srun_task(hosts[0], 0, code=1), srun_task(hosts[1], 9, code=1)]
    c.log("slurm-551902.out", lines)
    c.log(bad + "/journal", ["%s %s kernel: mlx5_core 0000:%s:00.0 ibp%ss0: Link down" % (c.syslog(t), bad, NIC_BUS[3], NIC_BUS[3]),
                             "%s %s kernel: mlx5_core 0000:%s:00.0 ibp%ss0: Link up" % (c.syslog(t + 240), bad, NIC_BUS[3], NIC_BUS[3]),
                             "%s %s kernel: mlx5_core 0000:%s:00.0 ibp%ss0: Link down" % (c.syslog(t + 480), bad, NIC_BUS[3], NIC_BUS[3])] + kernel_noise(c, bad, 6))
    c.with_topology(hca={"mlx5_0": NIC_BUS[0], "mlx5_3": NIC_BUS[3], "mlx5_4": NIC_BUS[4], "mlx5_5": NIC_BUS[5]})
    return c


@case
def rl5_11():
    """NCCL_SOCKET_IFNAME names an interface the nodes do not have; Vigil's own all-reduce passes."""
    hosts = ["h200-r%02d" % i for i in range(1, 5)]
    c = Case("case-rl5-11", "nccl_network_misconfig", "job", hosts)
    c.alert("SlurmJobFailedFast", "job 220145 (sft-8b) failed 41s after start, 3rd time today", s=0,
            slurm_job_id="220145", user="mkarpov", severity="warning")
    lines = ["+ export NCCL_SOCKET_IFNAME=eth0", "+ export NCCL_IB_HCA=mlx5", "+ export NCCL_DEBUG=INFO",
             "+ srun --kill-on-bad-exit=1 python -u train.py --config sft_8b.yaml"]
    for h in hosts:
        r = hosts.index(h) * 8
        lines.append("%s:%d:%d [0] NCCL INFO cudaDriverVersion 12040" % (h, 41020 + r, 41020 + r))
        lines.append("%s:%d:%d [0] NCCL INFO NCCL_SOCKET_IFNAME set by environment to eth0" % (h, 41020 + r, 41020 + r))
        lines.append("%s:%d:%d [0] NCCL WARN Bootstrap : no socket interface found" % (h, 41020 + r, 41020 + r))
    lines += ["[rank0]: Traceback (most recent call last):",
              "[rank0]:   File \"/workspace/train.py\", line 88, in <module>",
              "[rank0]:     dist.barrier()",
              "[rank0]: torch.distributed.DistBackendError: NCCL error in: ../torch/csrc/distributed/c10d/NCCLUtils.hpp:317, internal error - please report this issue to the NCCL developers, NCCL version 2.21.5",
              "[rank0]: ncclInternalError: Internal check failed.",
              "[rank0]: Last error:",
              "[rank0]: Bootstrap : no socket interface found",
              srun_task(hosts[0], 0, code=1), srun_task(hosts[2], 16, code=1),
              "srun: error: %s: tasks 1-7: Exited with exit code 1" % hosts[0],
              "srun: Job step aborted: Waiting up to 32 seconds for job step to finish.",
              "slurmstepd: error: *** STEP 220145.0 ON %s CANCELLED AT %s ***" % (hosts[0], c.at(-20).strftime("%Y-%m-%dT%H:%M:%S"))]
    c.log("slurm-220145.out", lines)
    c.log(hosts[0] + "/ip-addr", ["1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue state UNKNOWN group default qlen 1000",
                                  "2: enp27s0np0: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 9000 qdisc mq state UP group default qlen 1000",
                                  "    inet 10.40.1.11/16 brd 10.40.255.255 scope global enp27s0np0",
                                  "3: ibp12s0: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 4092 qdisc mq state UP group default qlen 256",
                                  "    inet 10.41.1.11/16 brd 10.41.255.255 scope global ibp12s0"])
    c.nccl("nccl.allreduce@job")
    c.nccl("nccl.allreduce@" + hosts[0])
    c.with_topology()
    return c


@case
def rl5_12():
    """C: utilisation pinned at 100% on every GPU while nothing trains (NCCL kernels spinning); the
    flight recorder shows one rank never entered the collective the others wait in."""
    hosts = ["gpu-%02d" % i for i in range(1, 9)]
    bad = hosts[4]
    c = Case("case-rl5-12", "nccl_collective_hang", bad + "/gpu5", hosts)
    c.alert("GPUBusyNoProgress", "GPUs busy but training_iterations_total flat for 20m (job 81442)", s=0,
            slurm_job_id="81442", severity="critical")
    t = -1150
    dcgm(c, "DCGM_FI_DEV_GPU_UTIL", bad, lambda g, s: 100 if g != 5 or s < t else 0)
    dcgm(c, "DCGM_FI_PROF_PIPE_TENSOR_ACTIVE", bad, lambda g, s: (round(c.rng.uniform(0.38, 0.45), 3) if s < t else 0.0), decimals=3)
    dcgm(c, "DCGM_FI_DEV_POWER_USAGE", bad, lambda g, s: c.rng.uniform(560, 640) if s < t else (c.rng.uniform(160, 175) if g != 5 else c.rng.uniform(112, 118)), decimals=3)
    c.series("training_iterations_total", {"job": "trainer-exporter", "slurm_job_id": "81442"}, lambda s: 15510 if s >= t else 15510 - int((t - s) / 4.2), 0)
    r = c.rank_of(bad, 5)
    lines = []
    for rr in (0, 12, 63):
        lines += watchdog(c, rr, -550 + rr * 0.01, 93114, op="ALLREDUCE")[:2]
    lines += ["[rank%d]:[%s ProcessGroupNCCL.cpp:1785] [PG 0 (default_pg) Rank %d] Exception (either an error or timeout) detected by watchdog at work: 93113, last enqueued NCCL work: 93113, last completed NCCL work: 93113." % (r, c.glog(-549, "E"), r)]
    lines += ["[rank0]:[%s ProcessGroupNCCL.cpp:1341] [PG 0 (default_pg) Rank 0] ProcessGroupNCCL preparing to dump debug info." % c.glog(-548, "E"),
              "fr_trace: Not all ranks joining collective 93114 at entry 1911",
              "fr_trace: Missing ranks: {%d}" % r,
              "fr_trace: rank %d last entry: seq 93113 ALLREDUCE state completed (profiling name nccl:all_reduce)" % r]
    c.log("slurm-81442.out", lines + app_noise(c, 4))
    c.log("%s/py-spy-rank%d" % (bad, r), [
        "Thread 0x7F31A2B3C740 (active): \"MainThread\"",
        "    wait (threading.py:324)",
        "    get (queue.py:180)",
        "    _next_eval_batch (evaluator.py:142)",
        "    maybe_eval (trainer.py:611)",
        "    train_step (trainer.py:488)",
        "    main (train.py:77)"])
    c.kernel_launch("gpu.kernel_launch@%s/gpu5" % bad)
    c.health_rates("gpu.health@%s/gpu5" % bad)
    c.probes["node.kernel_log@%s" % bad] = {"status": "pass", "metrics": {"xid_lines": 0, "aer_lines": 0, "nvlink_lines": 0, "ib_link_lines": 0, "oom_lines": 0, "lines_read": 1841, "window_s": 3600, "log_covers_s": 3600},
                                            "thresholds": {}, "reason": "no Xid/NVLink/AER/mlx5-IB/OOM lines in the last 3600 s of a readable log (journalctl -k, 1841 lines)", "duration_s": 0.03}
    c.with_topology()
    return c


@case
def rl5_13():
    """C: peers report NCCL remote errors and IB wording; node_exporter's IB ports stay healthy; one
    rank's process segfaulted in a custom extension."""
    hosts = ["gpu-c%02d" % i for i in range(1, 7)]
    bad = hosts[1]
    c = Case("case-rl5-13", "rank_process_crash", bad + "/gpu3", hosts)
    c.alert("NCCLErrorsHigh", "NCCL errors in job 7712 on 5 nodes", s=0, slurm_job_id="7712",
            severity="critical")
    r = c.rank_of(bad, 3)
    t = -180
    for h in (bad, hosts[2]):
        for dev in ("mlx5_0", "mlx5_1"):
            nodexp(c, "node_infiniband_state_id", h, lambda s: 4, device=dev, port="1")
            nodexp(c, "node_infiniband_link_downed_total", h, lambda s: 1, device=dev, port="1")
    dcgm(c, "DCGM_FI_DEV_FB_USED", bad, lambda g, s: (c.rng.randint(61000, 63000) if (g != 3 or s < t) else 0))
    lines = []
    for rr in (8, 17, 40):
        h = hosts[rr // 8]
        lines.append("%s:%d:%d [%d] NCCL WARN NET/IB : Got completion from peer 10.30.0.%d<50312> with status=5 opcode=0 len=0 vendor err 249 (Recv) localGid ::ffff:10.30.0.%d remoteGid ::ffff:10.30.0.12" % (h, 30111 + rr, 30200 + rr, rr % 8, 12, 11 + rr // 8))
        lines.append("[rank%d]: torch.distributed.DistBackendError: NCCL error in: ../torch/csrc/distributed/c10d/ProcessGroupNCCL.cpp:1970, remote process exited or there was a network error, NCCL version 2.21.5" % rr)
        lines.append("[rank%d]: ncclRemoteError: A call failed possibly due to a network error or a remote process exiting prematurely." % rr)
    lines = [srun_task(bad, r, sig="Segmentation fault (core dumped)")] + lines
    lines += ["srun: error: %s: tasks 0-7: Exited with exit code 1" % hosts[0],
              "slurmstepd: error: *** STEP 7712.0 ON %s CANCELLED AT %s ***" % (hosts[0], c.at(t + 30).strftime("%Y-%m-%dT%H:%M:%S"))]
    c.log("slurm-7712.out", lines)
    c.log(bad + "/journal", ["%s %s kernel: pt_main_thread[%d]: segfault at 18 ip 00007f5a2c3b1e4f sp 00007ffd6a1c2f90 error 4 in libfused_rope_ext.so[7f5a2c39a000+3c000] likely on CPU 97 (core 41, socket 1)" % (c.syslog(t), bad, 218834),
                             "%s %s kernel: Code: 48 8b 47 18 48 85 c0 74 0b 48 8b 40 08 c3 0f 1f 44 00 00 31 c0 c3 66 2e 0f 1f 84 00 00 00 00 00" % (c.syslog(t), bad),
                             "%s %s systemd-coredump[218990]: Process 218834 (pt_main_thread) of user 1001 dumped core." % (c.syslog(t + 9), bad)] + kernel_noise(c, bad, 6))
    c.health_rates("gpu.health@%s/gpu3" % bad)
    c.probes["node.kernel_log@%s" % hosts[2]] = {"status": "pass", "metrics": {"xid_lines": 0, "aer_lines": 0, "nvlink_lines": 0, "ib_link_lines": 0, "oom_lines": 0, "lines_read": 922, "window_s": 3600, "log_covers_s": 3600},
                                                 "thresholds": {}, "reason": "no Xid/NVLink/AER/mlx5-IB/OOM lines in the last 3600 s of a readable log (journalctl -k, 922 lines)", "duration_s": 0.02}
    c.nccl("nccl.sendrecv@job")
    c.with_topology()
    return c


@case
def rl5_14():
    """CUDA OOM on the last pipeline stage, on Kubernetes; FB used climbs on that GPU only."""
    hosts = ["gke-a3-pool-8c2f", "gke-a3-pool-9d1a"]
    bad = hosts[1]
    c = Case("case-rl5-14", "cuda_oom", bad + "/gpu7", hosts, gpu="NVIDIA H100 80GB HBM3")
    c.alert("KubePodCrashLooping", "Pod train/llm-pp-worker-1 is restarting 4.2 times / 15 minutes", s=0,
            namespace="train", pod="llm-pp-worker-1", container="pytorch", severity="warning")
    k8s = ("pytorch", "train", "llm-pp-worker-1")
    dcgm(c, "DCGM_FI_DEV_FB_USED", bad, lambda g, s: (min(81004, 70200 + (s + 1200) * 11) if g == 7 else c.rng.randint(58000, 61000)) if (s % 300) > 40 else 1200, k8s=k8s)
    dcgm(c, "DCGM_FI_DEV_FB_FREE", bad, lambda g, s: (max(0, 81559 - min(81004, 70200 + (s + 1200) * 11)) if g == 7 else c.rng.randint(20000, 23000)), k8s=k8s)
    lines = ["[rank15]: Traceback (most recent call last):",
             "[rank15]:   File \"/app/megatron/core/pipeline_parallel/schedules.py\", line 1371, in forward_backward_pipelining_without_interleaving",
             "[rank15]:     output_tensor = forward_step(",
             "[rank15]:   File \"/app/megatron/core/tensor_parallel/cross_entropy.py\", line 139, in forward",
             "[rank15]:     exp_logits = vocab_parallel_logits.float().exp()",
             "[rank15]: torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 15.66 GiB. GPU 7 has a total capacity of 79.10 GiB of which 1.23 GiB is free. Process 412 has 77.85 GiB memory in use. Of the allocated memory 71.02 GiB is allocated by PyTorch, and 5.31 GiB is reserved by PyTorch but unallocated. If reserved but unallocated memory is large try setting PYTORCH_CUDA_ALLOC_CONF=expandable_segments:True to avoid fragmentation.  See documentation for Memory Management  (https://pytorch.org/docs/stable/notes/cuda.html#environment-variables)",
             ] + elastic_failure(c, -12, "llm-pp-worker-1", 15, 7, 1)
    c.log("train/llm-pp-worker-1/pytorch", mega(c, -300, 5, 210, step_s=6.1) + lines)
    c.log("kube-events", ["%s Warning  BackOff  pod/llm-pp-worker-1  Back-off restarting failed container pytorch in pod llm-pp-worker-1_train(9c1a...)" % c.iso(-5),
                          "%s Normal   Pulled   pod/llm-pp-worker-1  Container image \"nvcr.io/nvidia/pytorch:24.05-py3\" already present on machine" % c.iso(-3)])
    c.with_topology()
    return c


@case
def rl5_15():
    """C: a DCGM Xid alert for Xid 13 reads as hardware; it is a device-side assert in the job's code."""
    hosts = ["node%03d" % i for i in (21, 22)]
    bad = hosts[0]
    c = Case("case-rl5-15", "illegal_memory_access", bad + "/gpu6", hosts)
    c.alert("DCGMXidErrors", "GPU %s/6 reported Xid 13" % bad, s=0, Hostname=bad, gpu="6", xid="13",
            severity="critical")
    t = -200
    dcgm(c, "DCGM_FI_DEV_XID_ERRORS", bad, lambda g, s: 13 if g == 6 and s >= t else 0)
    dcgm(c, "DCGM_FI_DEV_ECC_DBE_VOL_TOTAL", bad, lambda g, s: 0)
    r = c.rank_of(bad, 6)
    c.log(bad + "/journal", [
        "%s %s kernel: NVRM: Xid (PCI:0000:%s:00): 13, pid=55120, name=python3, Graphics SM Warp Exception on (GPC 4, TPC 1, SM 0): Out Of Range Address" % (c.syslog(t), bad, c.pci[6]),
        "%s %s kernel: NVRM: Xid (PCI:0000:%s:00): 13, pid=55120, name=python3, Graphics Exception: ESR 0x525648=0x1000e 0x525650=0x24 0x525644=0xd3eff2 0x52564c=0x17f" % (c.syslog(t), bad, c.pci[6]),
        "%s %s kernel: NVRM: Xid (PCI:0000:%s:00): 43, pid=55120, name=python3, Ch 00000008" % (c.syslog(t + 1), bad, c.pci[6])] + kernel_noise(c, bad, 6))
    lines = plain_lines(c, 8, start=-400)
    lines += ["../aten/src/ATen/native/cuda/IndexKernel.cu:92: operator(): block: [121,0,0], thread: [64,0,0] Assertion `-sizes[i] <= index && index < sizes[i] && \"index out of bounds\"` failed.",
              "[rank%d]: RuntimeError: CUDA error: device-side assert triggered" % r,
              "[rank%d]: Compile with `TORCH_USE_CUDA_DSA` to enable device-side assertions." % r,
              srun_task(bad, r, sig="Aborted (core dumped)"),
              "srun: error: %s: tasks 8-15: Exited with exit code 1" % hosts[1]]
    c.log("slurm-60012.out", lines)
    c.health_rates("gpu.health@%s/gpu6" % bad, xid_last=13)
    c.with_topology()
    return c


@case
def rl5_16():
    """C: NCCL watchdog everywhere; node_exporter shows one node's memory run out; Slurm's cgroup OOM."""
    hosts = ["trn-%02d" % i for i in range(1, 17)]
    bad = hosts[11]
    c = Case("case-rl5-16", "host_oom", bad, hosts)
    c.alert("NCCLWatchdogTimeout", "job 318877 ranks hit the NCCL watchdog", s=0, slurm_job_id="318877",
            severity="critical")
    t = -420
    total = 2063 * 2 ** 30
    nodexp(c, "node_memory_MemAvailable_bytes", bad, lambda s: max(1.1e9, total * (0.62 - 0.6 * max(0, (s + 1200) / 780.0))) if s < t + 10 else total * 0.9)
    nodexp(c, "node_memory_MemTotal_bytes", bad, lambda s: total)
    nodexp(c, "node_memory_MemAvailable_bytes", hosts[10], lambda s: total * c.rng.uniform(0.6, 0.63))
    nodexp(c, "node_vmstat_oom_kill", bad, lambda s: 0 if s < t else 1)
    lines = []
    for rr in (0, 40, 127):
        lines += watchdog(c, rr, t + 600 + rr * 0.001, 40455, op="ALLGATHER")[:1]
    rk = c.rank_of(bad, 2)
    lines += ["slurmstepd: error: Detected 1 oom_kill event in StepId=318877.0. Some of the step tasks have been OOM Killed.",
              "srun: error: %s: task %d: Out Of Memory" % (bad, rk),
              "srun: error: %s: tasks 0-7: Exited with exit code 1" % hosts[0]]
    c.log("slurm-318877.out", lines + app_noise(c, 3))
    c.log(bad + "/journal", [
        "%s %s kernel: pt_data_worker invoked oom-killer: gfp_mask=0x140dca(GFP_HIGHUSER_MOVABLE|__GFP_COMP|__GFP_ZERO), order=0, oom_score_adj=0" % (c.syslog(t), bad),
        "%s %s kernel: memory: usage 2108997632kB, limit 2109440000kB, failcnt 1813" % (c.syslog(t), bad),
        "%s %s kernel: oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=step_0,mems_allowed=0-1,oom_memcg=/system.slice/slurmstepd.scope/job_318877,task_memcg=/system.slice/slurmstepd.scope/job_318877/step_0/user/task_2,task=python,pid=77120,uid=1001" % (c.syslog(t), bad),
        "%s %s kernel: Memory cgroup out of memory: Killed process 77120 (python) total-vm:311482112kB, anon-rss:268331008kB, file-rss:1212kB, shmem-rss:0kB, UID:1001 pgtables:528112kB oom_score_adj:0" % (c.syslog(t), bad),
    ] + kernel_noise(c, bad, 6))
    c.with_topology()
    return c


@case
def rl5_17():
    """Loss goes to NaN job-wide; the training exporter shows grad norm exploding first."""
    hosts = ["gpu-d%02d" % i for i in range(1, 9)]
    c = Case("case-rl5-17", "loss_divergence", "job", hosts)
    c.alert("TrainingLossNaN", "train_loss is NaN for run llama-34b-cpt", s=0, run="llama-34b-cpt",
            severity="critical")
    t = -360
    c.series("train_grad_norm", {"job": "trainer-exporter", "run": "llama-34b-cpt"},
             lambda s: (0.31 + c.rng.uniform(-0.04, 0.04)) if s < t - 240 else (0.31 * 10 ** ((s - t + 240) / 90.0) if s < t else None), 3)
    c.series("train_loss", {"job": "trainer-exporter", "run": "llama-34b-cpt"},
             lambda s: (1.87 + c.rng.uniform(-0.02, 0.02)) if s < t - 120 else (1.87 + (s - t + 120) / 20.0 if s < t else None), 4)
    dcgm(c, "DCGM_FI_DEV_GPU_UTIL", hosts[0], lambda g, s: c.rng.randint(95, 100))
    it = [0]

    def lf(i):
        return 1.87 + c.rng.uniform(-0.02, 0.02) if i < 6 else (1.87 + (i - 5) * 1.9 if i < 9 else float("nan"))

    def gf(i):
        return 0.3 if i < 5 else (0.3 * 8 ** (i - 4) if i < 9 else float("nan"))
    lines = mega(c, -700, 12, 33010, step_s=30, loss_fn=lf, grad_fn=gf, nan_fn=lambda i: max(0, i - 8))
    c.log("slurm-41230.out", lines + app_noise(c, 6) + [
        "WARNING: iteration 33019: nan loss detected on rank 0; skipping optimizer step"])
    c.with_topology()
    return c


@case
def rl5_18():
    """DeepSpeed fp16: overflow after overflow until the loss scale hits its floor and the run exits."""
    hosts = ["v-node-%02d" % i for i in range(1, 3)]
    c = Case("case-rl5-18", "fp16_loss_scale_collapse", "job", hosts, gpu="NVIDIA H100 80GB HBM3")
    c.alert("SlurmJobFailed", "job 9021 (bert-xl-fp16) FAILED exit 1", s=0, slurm_job_id="9021",
            severity="warning")
    lines = deepspeed_steps(c, -900, 6, 118200)
    scale = 65536
    for i in range(16):
        s = -580 + i * 30
        new = max(1, scale // 2)
        lines.append("[%s] [INFO] [loss_scaler.py:183:update_scale] [deepspeed] OVERFLOW! Rank 0 Skipping step. Attempted loss scale: %d, reducing to %d" % (c.ymd_ms(s), scale, new))
        scale = new
    lines += ["[%s] [INFO] [loss_scaler.py:183:update_scale] [deepspeed] OVERFLOW! Rank 0 Skipping step. Attempted loss scale: 1, reducing to 1" % c.ymd_ms(-60),
              "Traceback (most recent call last):",
              "  File \"/opt/conda/lib/python3.10/site-packages/deepspeed/runtime/fp16/loss_scaler.py\", line 175, in update_scale",
              "    raise Exception(",
              "Exception: Current loss scale already at minimum - cannot decrease scale anymore. Exiting run.",
              srun_task(hosts[0], 0, code=1), "srun: error: %s: tasks 8-15: Killed" % hosts[1]]
    c.log("slurm-9021.out", lines)
    c.log("slurmctld", [ctld(c, -2, "_job_complete: JobId=9021 WEXITSTATUS 1"), ctld(c, -2, "_job_complete: JobId=9021 done")])
    c.with_topology()
    return c


@case
def rl5_19():
    """FP8 (Transformer Engine): amax goes non-finite, the scale collapses, then the loss follows."""
    hosts = ["b200-%02d" % i for i in range(1, 5)]
    c = Case("case-rl5-19", "fp8_scaling_overflow", "job", hosts)
    c.alert("TrainingLossSpike", "train_loss of fp8-llm-70b jumped 6 sigma", s=0, run="fp8-llm-70b",
            severity="warning")
    c.series("te_fp8_amax_nonfinite_total", {"job": "trainer-exporter", "run": "fp8-llm-70b", "layer": "decoder.41.mlp.fc2"},
             lambda s: 0 if s < -400 else int((s + 400) / 30) * 3, 0)
    c.series("te_fp8_scale_min", {"job": "trainer-exporter", "run": "fp8-llm-70b", "tensor": "grad_output"},
             lambda s: 2.0 ** 7 if s < -400 else 2.0 ** max(-24, 7 - int((s + 400) / 15)), 8)
    c.series("train_loss", {"job": "trainer-exporter", "run": "fp8-llm-70b"},
             lambda s: 1.72 + c.rng.uniform(-0.02, 0.02) if s < -150 else 1.72 + (s + 150) / 40.0, 4)
    lines = mega(c, -900, 6, 55100, step_s=7.2, loss=1.72)
    lines += ["[rank0]: UserWarning: transformer_engine: amax history of FP8 tensor 'decoder.layers.41.mlp.linear_fc2.grad_output' contains inf; scale update skipped",
              "[rank0]: UserWarning: transformer_engine: FP8 scale for 'decoder.layers.41.mlp.linear_fc2.grad_output' underflowed to 5.96e-08 (amax=inf, fp8_max=57344.0, margin=0)",
              "[rank0]: UserWarning: transformer_engine: 12.4% of elements saturated to fp8_max in E5M2 cast of 'decoder.layers.41.mlp.linear_fc2.grad_output'"]
    lines += mega(c, -400, 6, 55170, step_s=7.2, loss_fn=lambda i: 1.72 + i * 0.9, grad_fn=lambda i: 3.1 * (i + 1))
    c.log("slurm-88301.out", lines + app_noise(c, 4))
    c.with_topology()
    return c


@case
def rl5_20():
    """C: all-to-all time and a utilisation gap look like a network problem; the router has collapsed
    onto two experts (training exporter: tokens per expert, dropped tokens)."""
    hosts = ["moe-%02d" % i for i in range(1, 9)]
    c = Case("case-rl5-20", "moe_expert_imbalance", "job", hosts)
    c.alert("GPUUtilizationLow", "mean GPU util of job 66210 below 55% for 15m", s=0, slurm_job_id="66210",
            severity="warning")
    t = -900
    for e in range(8):
        c.series("moe_tokens_per_expert", {"job": "trainer-exporter", "run": "moe-8x22b", "layer": "12", "expert": str(e)},
                 lambda s, e=e: (131072 * c.rng.uniform(0.92, 1.08)) if s < t else (131072 * (3.4 if e in (2, 5) else 0.2) * c.rng.uniform(0.95, 1.05)), 0)
    c.series("moe_dropped_tokens_ratio", {"job": "trainer-exporter", "run": "moe-8x22b"},
             lambda s: 0.002 if s < t else 0.41 + c.rng.uniform(-0.02, 0.02), 3)
    dcgm(c, "DCGM_FI_DEV_GPU_UTIL", hosts[2], lambda g, s: c.rng.randint(92, 99) if s < t else c.rng.randint(38, 60))
    lines = mega(c, -1200, 4, 12010, step_s=5.0)
    lines += mega(c, -800, 6, 12080, step_s=8.9)
    lines += [" [%s] iteration    12090/  500000 | load_balancing_loss: 4.8113E-01 | z_loss: 3.117E-03 | expert capacity overflow on 6 of 8 experts (layers 8-23)" % c.ymd(-200)]
    c.log("slurm-66210.out", lines + app_noise(c, 4))
    c.nccl("nccl.alltoall@job")
    c.with_topology()
    return c


@case
def rl5_21():
    """A leftover process from an earlier job shares one GPU; that rank is slow, the GEMM probe on it
    fails while its health (clocks, temperature, power) is clean."""
    hosts = ["hpc-g%02d" % i for i in range(1, 5)]
    bad = hosts[2]
    c = Case("case-rl5-21", "straggler_rank", bad + "/gpu6", hosts)
    c.alert("TrainingStepTimeHigh", "step time of job 40112 41% above its 24h median", s=0,
            slurm_job_id="40112", severity="warning")
    dcgm(c, "DCGM_FI_DEV_FB_USED", bad, lambda g, s: c.rng.randint(64000, 64500) + (19800 if g == 6 else 0))
    dcgm(c, "DCGM_FI_PROF_SM_ACTIVE", bad, lambda g, s: round(c.rng.uniform(0.93, 0.99) if g == 6 else c.rng.uniform(0.55, 0.62), 3), decimals=3)
    dcgm(c, "DCGM_FI_DEV_SM_CLOCK", bad, lambda g, s: 1980)
    dcgm(c, "DCGM_FI_DEV_GPU_TEMP", bad, lambda g, s: c.rng.randint(55, 66))
    lines = mega(c, -1100, 8, 7010, step_s=6.3)
    lines += ["(min, max) time across ranks (ms):",
              "    forward-backward ...............................: (4120.55, 6188.02)",
              "    forward-compute ................................: (1612.40, 2950.17)",
              "    backward-compute ...............................: (2380.02, 3195.66)",
              "    optimizer ......................................: (80.12, 82.94)",
              "    [straggler detector] slowest rank %d (%s, local GPU 6): 1.49x the median GEMM time" % (c.rank_of(bad, 6), bad)]
    c.log("slurm-40112.out", lines + app_noise(c, 3))
    c.log(bad + "/nvidia-smi", [
        "+-----------------------------------------------------------------------------------------+",
        "| Processes:                                                                              |",
        "|  GPU   GI   CI        PID   Type   Process name                              GPU Memory |",
        "|        ID   ID                                                               Usage      |",
        "|=========================================================================================|",
        "|    5   N/A  N/A    301844      C   python                                      64112MiB |",
        "|    6   N/A  N/A    301845      C   python                                      64388MiB |",
        "|    6   N/A  N/A     98812      C   /usr/bin/python3 eval_harness.py            19786MiB |",
        "|    7   N/A  N/A    301846      C   python                                      64020MiB |",
        "+-----------------------------------------------------------------------------------------+"])
    c.gemm("gpu.gemm@%s/gpu6" % bad, tflops=402.5)
    c.gemm("gpu.gemm@%s/gpu5" % bad)
    c.health_rates("gpu.health@%s/gpu6" % bad)
    c.with_topology()
    return c


@case
def rl5_22():
    """C: one node's low-utilisation alert; every node shows the same sawtooth; the data loader waits on
    a CPU-bound decode while NCCL and GEMM probes pass."""
    hosts = ["vis-%02d" % i for i in range(1, 5)]
    c = Case("case-rl5-22", "dataloader_stall", "job", hosts)
    c.alert("GPUUtilizationLow", "GPU utilisation on vis-03 below 40% for 15m", s=0, Hostname="vis-03",
            severity="warning")
    for h in (hosts[2], hosts[0]):
        dcgm(c, "DCGM_FI_DEV_GPU_UTIL", h, lambda g, s: c.rng.choice([0, 0, 4, 31, 88, 97]) if s > -900 else c.rng.randint(92, 99))
    for h in (hosts[2], hosts[0]):
        nodexp(c, "node_load1", h, lambda s: c.rng.uniform(215, 224) if s > -900 else c.rng.uniform(60, 70), decimals=1)
    lines = fsdp_steps(c, -1200, 4, 8810, step_s=1.6)
    lines += fsdp_steps(c, -880, 6, 8830, step_s=5.9)
    lines += ["[rank0]:[titan] %s - root - WARNING - dataloader: waited 4.21s for batch 8835 (prefetch queue 0/8, 32 workers)" % c.ymd_ms(-600),
              "[rank0]:[titan] %s - root - WARNING - dataloader: waited 4.48s for batch 8836 (prefetch queue 0/8, 32 workers)" % c.ymd_ms(-594),
              "INFO: dataset switched to shard set webvid-hq (JPEG 4K frames, decode on CPU)"]
    c.log("slurm-5112.out", lines + app_noise(c, 4))
    c.nccl("nccl.allreduce@job")
    c.gemm("gpu.gemm@vis-03/gpu0")
    c.gemm("gpu.gemm@vis-03/gpu5")
    c.with_topology()
    return c


@case
def rl5_23():
    """The checkpoint file system fills up; node_exporter shows it at zero and torch.save fails."""
    hosts = ["g%02d" % i for i in range(1, 9)]
    c = Case("case-rl5-23", "storage_failure", "job", hosts)
    c.alert("SlurmJobFailed", "job 120455 (llm-70b) FAILED after 61h", s=0, slurm_job_id="120455",
            severity="critical")
    fs = {"device": "10.0.0.40:/export/ckpt", "fstype": "nfs4", "mountpoint": "/ckpt"}
    nodexp(c, "node_filesystem_avail_bytes", hosts[0], lambda s: max(0, 5.1e12 - (s + 1200) * 6.5e9) if s < -400 else 0, **fs)
    nodexp(c, "node_filesystem_size_bytes", hosts[0], lambda s: 1.2e14, **fs)
    lines = mega(c, -900, 4, 96010, step_s=7.7)
    lines += ["saving checkpoint at iteration   96015 to /ckpt/llm-70b/ in torch_dist format",
              "[rank0]: Traceback (most recent call last):",
              "[rank0]:   File \"/workspace/megatron/training/checkpointing.py\", line 403, in save_checkpoint",
              "[rank0]:     torch.save(state_dict, checkpoint_name)",
              "[rank0]: RuntimeError: [enforce fail at inline_container.cc:603] . unexpected pos 3221225984 vs 3221225472",
              "[rank0]: OSError: [Errno 28] No space left on device: '/ckpt/llm-70b/iter_0096015/mp_rank_00_000/distrib_optim.pt'",
              srun_task(hosts[0], 0, code=1), "srun: error: g[02-08]: tasks 8-63: Killed"]
    c.log("slurm-120455.out", lines + app_noise(c, 3))
    c.log("slurmctld", [ctld(c, -5, "_job_complete: JobId=120455 WEXITSTATUS 1")] +
          sacct(c, "120455", "llm-70b", [("", "llm-70b", "train", "FAILED", "1:0", "g[01-08]"),
                                        (".0", "python", "", "FAILED", "1:0", "g[01-08]")]))
    c.with_topology()
    return c


@case
def rl5_24():
    """The batch script computes WORLD_SIZE for 8 GPUs per node but asked Slurm for 4: half the ranks
    never exist and the store times out."""
    hosts = ["dgx-a%02d" % i for i in range(1, 5)]
    c = Case("case-rl5-24", "launch_config_error", "job", hosts)
    c.alert("SlurmJobFailedFast", "job 3301 failed 31m after start", s=0, slurm_job_id="3301",
            severity="warning")
    lines = ["#SBATCH --nodes=4 --gpus-per-node=4 --ntasks-per-node=4",
             "+ export WORLD_SIZE=32",
             "+ export MASTER_ADDR=dgx-a01 MASTER_PORT=29500",
             "+ srun python -u pretrain.py --tp 4 --pp 2"]
    for r in (0, 5, 15):
        lines.append("[rank%d]: torch.distributed.DistStoreError: Timed out after 1801 seconds waiting for clients. 16/32 clients joined." % r)
    lines += ["[rank3]: RuntimeError: Timed out initializing process group in store based barrier on rank 3, for key: store_based_barrier_key:1 (world_size=32, num_workers_joined=16, timeout=0:30:00)",
              srun_task(hosts[0], 0, code=1), "srun: error: dgx-a[01-04]: tasks 1-15: Exited with exit code 1"]
    lines += app_noise(c, 4)
    c.log("slurm-3301.out", lines)
    c.log("slurmctld", [ctld(c, -1880, "sched: Allocate JobId=3301 NodeList=dgx-a[01-04] #CPUs=64 Partition=train"),
                        ctld(c, -4, "_job_complete: JobId=3301 WEXITSTATUS 1"),
                        ctld(c, -4, "_job_complete: JobId=3301 done")] +
          sacct(c, "3301", "pretrain", [("", "pretrain", "train", "FAILED", "1:0", "dgx-a[01-04]"),
                                       (".0", "python", "", "FAILED", "1:0", "dgx-a[01-04]")]))
    c.with_topology()
    return c


@case
def rl5_25():
    """C: a temperature alert on one GPU of one node (hot slot, below throttle); the 32-node job is
    stuck on one HCA of another node whose symbol errors climb and whose link went down."""
    hosts = ["n%03d" % i for i in range(1, 33)]
    hot = hosts[2]
    bad = hosts[26]
    c = Case("case-rl5-25", "ib_link_failure", bad + "/mlx5_1", hosts)
    c.alert("GPUTemperatureHigh", "GPU 1 on %s at 83C" % hot, s=0, Hostname=hot, gpu="1",
            severity="warning")
    c.alert_obj["annotations"]["description"] = "DCGM_FI_DEV_GPU_TEMP > 82 for 5m"
    dcgm(c, "DCGM_FI_DEV_GPU_TEMP", hot, lambda g, s: c.rng.randint(81, 84) if g == 1 else c.rng.randint(62, 71))
    dcgm(c, "DCGM_FI_DEV_CLOCK_THROTTLE_REASONS", hot, lambda g, s: 0)
    t = -500
    for dev in ("mlx5_0", "mlx5_1", "mlx5_2", "mlx5_3"):
        bd = dev == "mlx5_1"
        nodexp(c, "node_infiniband_symbol_error_total", bad, lambda s, bd=bd: (12 + int(max(0, s + 1100) * 48)) if bd else 0, device=dev, port="1")
        nodexp(c, "node_infiniband_link_error_recovery_total", bad, lambda s, bd=bd: (int(max(0, s + 1100) / 90)) if bd else 0, device=dev, port="1")
        nodexp(c, "node_infiniband_state_id", bad, lambda s, bd=bd: 1 if (bd and s >= t) else 4, device=dev, port="1")
    lines = []
    lines.append("%s:%d:%d [1] NCCL WARN NET/IB : Got completion from peer 10.8.3.27<52012> with status=12 opcode=0 len=0 vendor err 129 (Send) localGid fe80::ba3f:d2ff:fe17:6a11 remoteGid fe80::ba3f:d2ff:fe17:9c42" % (hosts[25], 11020, 11090))
    lines.append("%s:%d:%d [1] NCCL INFO transport/net_ib.cc:1696 -> 6" % (hosts[25], 11020, 11090))
    for r in (0, 100, 215):
        lines += watchdog(c, r, t + 440 + r * 0.001, 150221, timeout_ms=420000)[:1]
    c.log("slurm-990021.out", lines + app_noise(c, 6))
    c.log(bad + "/journal", ["%s %s kernel: mlx5_core 0000:%s:00.0: mlx5_port_module_event:1171:(pid 0): Port module event[error]: module 1, Cable error, High Temperature" % (c.syslog(t - 5), bad, NIC_BUS[1]),
                             "%s %s kernel: mlx5_core 0000:%s:00.0 ibp%ss0: Link down" % (c.syslog(t), bad, NIC_BUS[1], NIC_BUS[1])] + kernel_noise(c, bad, 8))
    c.health_rates("gpu.health@%s/gpu1" % hot, temperature_c=83)
    c.nccl("nccl.allreduce@job", busbw=41.3)
    c.nccl("nccl.allreduce@" + hot)
    c.with_topology()
    return c


@case
def rl5_26():
    """C: Xid 45 on every GPU of a node looks like a GPU fault; the job was killed by Slurm after the
    Lustre client lost its OSTs and the checkpoint write hung past the time limit."""
    hosts = ["lx%03d" % i for i in range(1, 5)]
    bad = hosts[1]
    c = Case("case-rl5-26", "storage_failure", "job", hosts)
    c.alert("DCGMXidErrors", "GPUs on %s reported Xid 45" % bad, s=0, Hostname=bad, xid="45",
            severity="critical")
    t = -300
    for h in (bad, hosts[0]):
        dcgm(c, "DCGM_FI_DEV_XID_ERRORS", h, lambda g, s: 45 if s >= t else 0)
        dcgm(c, "DCGM_FI_DEV_GPU_UTIL", h, lambda g, s: 0 if s > -1100 else 97)
    j = []
    for h in (bad, hosts[0]):
        j += ["%s %s kernel: Lustre: scratch-OST0012-osc-ffff9a1e3c1b8000: Connection to scratch-OST0012 (at 10.50.0.12@o2ib) was lost; in progress operations using this service will wait for recovery to complete" % (c.syslog(-1150), h),
              "%s %s kernel: LustreError: 11-0: scratch-OST0012-osc-ffff9a1e3c1b8000: operation ost_write to node 10.50.0.12@o2ib failed: rc = -107" % (c.syslog(-1100), h),
              "%s %s kernel: INFO: task pt_main_thread:4411 blocked for more than 122 seconds." % (c.syslog(-980), h),
              "%s %s kernel: NVRM: Xid (PCI:0000:%s:00): 45, pid=4411, name=pt_main_thread, Ch 00000010" % (c.syslog(t), h, c.pci[0])]
    c.log("journal", j + kernel_noise(c, bad, 4))
    c.log("slurm-31200.out", ["saving checkpoint at iteration    44000 to /lustre/scratch/ckpt/run9 in torch_dist format",
                              "slurmstepd: error: *** JOB 31200 ON %s CANCELLED AT %s DUE TO TIME LIMIT ***" % (hosts[0], c.at(t - 5).strftime("%Y-%m-%dT%H:%M:%S")),
                              "srun: Job step aborted: Waiting up to 32 seconds for job step to finish.",
                              "slurmstepd: error: *** STEP 31200.0 ON %s CANCELLED AT %s DUE TO TIME LIMIT ***" % (hosts[0], c.at(t - 5).strftime("%Y-%m-%dT%H:%M:%S"))])
    c.log("slurmctld", [ctld(c, t - 5, "Time limit exhausted for JobId=31200"),
                        ctld(c, t + 20, "error: slurmd error running JobId=31200 on node(s)=%s: Kill task failed" % bad),
                        ctld(c, t + 20, "update_node: node %s reason set to: Kill task failed" % bad),
                        ctld(c, t + 20, "update_node: node %s state set to DRAINING" % bad)])
    c.health_rates("gpu.health@%s/gpu0" % bad, xid_last=45)
    c.with_topology()
    return c


@case
def rl5_27():
    """C: the job-level throughput alert; one node's GPUs all run hot with thermal slowdown, and its
    BMC shows two fans stopped."""
    hosts = ["sxm-%02d" % i for i in range(1, 9)]
    bad = hosts[3]
    c = Case("case-rl5-27", "gpu_thermal_throttle", bad, hosts)
    c.alert("TrainingThroughputDrop", "tokens/s of job 77001 down 27%", s=0, slurm_job_id="77001",
            severity="warning")
    t = -1000
    heat = lambda s: 70 if s < t else min(92, 70 + (s - t) / 25.0)  # noqa: E731
    dcgm(c, "DCGM_FI_DEV_GPU_TEMP", bad, lambda g, s: round(heat(s) + c.rng.uniform(-2, 2)))
    dcgm(c, "DCGM_FI_DEV_SM_CLOCK", bad, lambda g, s: 1980 if heat(s) < 86 else c.rng.choice([1395, 1425, 1470, 1515]))
    dcgm(c, "DCGM_FI_DEV_CLOCKS_EVENT_REASONS", bad, lambda g, s: 0 if heat(s) < 86 else CLK_SW_THERMAL | CLK_HW_THERMAL)
    for f in range(1, 7):
        c.series("ipmi_fan_speed_rpm", {"instance": bad, "job": "ipmi", "id": str(40 + f), "name": "FAN%d" % f},
                 lambda s, f=f: (0 if s >= t else 15120) if f in (3, 4) else 15120 + c.rng.randint(-200, 200), 0)
    lines = mega(c, -1150, 3, 6610, step_s=4.4) + mega(c, -600, 6, 6700, step_s=5.7)
    c.log("slurm-77001.out", lines + app_noise(c, 4))
    c.log("%s/sel" % bad, [" 1a3 | %s | Fan FAN3 | Lower Critical going low  | Asserted | Reading 0 < Threshold 1680 RPM" % c.at(t).strftime("%m/%d/%Y | %H:%M:%S"),
                           " 1a4 | %s | Fan FAN4 | Lower Critical going low  | Asserted | Reading 0 < Threshold 1680 RPM" % c.at(t + 2).strftime("%m/%d/%Y | %H:%M:%S")])
    c.health_rates("gpu.health@%s/gpu3" % bad, temperature_c=91, sm_clock_mhz=1425, clock_event_reasons=CLK_SW_THERMAL | CLK_HW_THERMAL)
    c.health_rates("gpu.health@%s/gpu6" % bad, temperature_c=90, sm_clock_mhz=1470, clock_event_reasons=CLK_SW_THERMAL | CLK_HW_THERMAL)
    c.with_topology()
    return c


@case
def rl5_28():
    """C: the stall alert and Slurm's "Kill task failed" drain; a DBE (Xid 48) on one GPU froze a rank."""
    hosts = ["hgx%02d" % i for i in range(1, 13)]
    bad = hosts[7]
    c = Case("case-rl5-28", "gpu_memory_uncorrectable_ecc", bad + "/gpu6", hosts)
    c.alert("TrainingStalled", "No iteration reported by job 612300 for 15m", s=0, slurm_job_id="612300",
            severity="critical")
    t = -1050
    dcgm(c, "DCGM_FI_DEV_ECC_DBE_VOL_TOTAL", bad, lambda g, s: 1 if g == 6 and s >= t else 0)
    dcgm(c, "DCGM_FI_DEV_ECC_DBE_AGG_TOTAL", bad, lambda g, s: 1 if g == 6 and s >= t else 0)
    dcgm(c, "DCGM_FI_DEV_XID_ERRORS", bad, lambda g, s: 48 if g == 6 and s >= t else 0)
    lines = []
    for r in (0, 44, 95):
        lines += watchdog(c, r, t + 600 + r * 0.001, 220110)[:1]
    lines += ["srun: error: %s: tasks 0-7: Exited with exit code 1" % hosts[0],
              "slurmstepd: error: *** STEP 612300.0 ON %s CANCELLED AT %s ***" % (hosts[0], c.at(-200).strftime("%Y-%m-%dT%H:%M:%S"))]
    c.log("slurm-612300.out", lines + app_noise(c, 6))
    c.log("slurmctld", [ctld(c, -110, "error: slurmd error running JobId=612300 on node(s)=%s: Kill task failed" % bad),
                        ctld(c, -110, "update_node: node %s reason set to: Kill task failed" % bad),
                        ctld(c, -110, "update_node: node %s state set to DRAINING" % bad)] +
          scontrol_node(c, bad, "MIXED+DRAIN", "Kill task failed", -110))
    c.health_rates("gpu.health@%s/gpu6" % bad, ecc_dbe_volatile=1, ecc_dbe_aggregate=1, xid_last=48)
    c.with_topology()
    return c


@case
def rl5_29():
    """C: a PCIe replay alert on one GPU (a slow, long-standing trickle); the job died of a CUDA OOM on
    another GPU of the same node when a long-context batch arrived."""
    hosts = ["p5-%02d" % i for i in range(1, 3)]
    bad = hosts[0]
    c = Case("case-rl5-29", "cuda_oom", bad + "/gpu3", hosts, gpu="NVIDIA H100 80GB HBM3")
    c.alert("GPUPCIeReplaysHigh", "PCIe replays rising on %s GPU 1" % bad, s=0, Hostname=bad, gpu="1",
            severity="info")
    dcgm(c, "DCGM_FI_DEV_PCIE_REPLAY_COUNTER", bad, counter(c, 1180, lambda g, s: (1 if c.rng.random() < 0.5 else 0) if g == 1 else 0))
    dcgm(c, "DCGM_FI_DEV_FB_USED", bad, lambda g, s: (c.rng.randint(61000, 66000) if s < -200 else (80650 if g == 3 and s < -150 else (0 if s >= -150 else c.rng.randint(61000, 66000)))))
    r = c.rank_of(bad, 3)
    lines = fsdp_steps(c, -900, 8, 1220, rank=r)
    lines += ["[rank%d]: torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 8.00 GiB. GPU 3 has a total capacity of 79.11 GiB of which 4.75 GiB is free. Including non-PyTorch memory, this process has 74.35 GiB memory in use. Of the allocated memory 69.80 GiB is allocated by PyTorch, and 3.11 GiB is reserved by PyTorch but unallocated." % r,
              "[rank%d]: batch 1229: sequence length 131072 (packed, max_seq_len 131072)" % r,
              srun_task(bad, r, code=1), "srun: error: %s: tasks 8-15: Killed" % hosts[1]]
    c.log("slurm-1402.out", lines + app_noise(c, 4))
    c.with_topology()
    return c


@case
def rl5_30():
    """C: twelve nodes allocated, eleven in torchrun's --nnodes; node 12's GPUs sit idle and its agent
    cannot join the closed rendezvous."""
    hosts = ["gh-%02d" % i for i in range(1, 13)]
    idle = hosts[11]
    c = Case("case-rl5-30", "launch_config_error", "job", hosts)
    c.alert("GPUIdleAllocated", "All GPUs of %s idle while allocated to job 71021" % idle, s=0,
            Hostname=idle, slurm_job_id="71021", severity="warning")
    dcgm(c, "DCGM_FI_DEV_GPU_UTIL", idle, lambda g, s: 0)
    dcgm(c, "DCGM_FI_DEV_POWER_USAGE", idle, lambda g, s: c.rng.uniform(86, 92), decimals=3)
    dcgm(c, "DCGM_FI_DEV_GPU_UTIL", hosts[10], lambda g, s: c.rng.randint(94, 100))
    lines = ["#SBATCH --nodes=12 --gpus-per-node=8 --ntasks-per-node=1",
             "+ srun torchrun --nnodes=11 --nproc-per-node=8 --rdzv-backend=c10d --rdzv-endpoint=gh-01:29400 train.py"]
    lines += mega(c, -1100, 10, 2010, step_s=6.6)
    lines += ["[%s] torch.distributed.elastic.rendezvous.dynamic_rendezvous: [%s] The node '%s_88102_0' attempted to join the next round of the rendezvous 'none' but the rendezvous is closed." % (c.glog(-1140, "W"), idle, idle),
              "torch.distributed.elastic.rendezvous.api.RendezvousClosedError",
              srun_task(idle, 11, code=1)]
    c.log("slurm-71021.out", lines + app_noise(c, 4))
    c.with_topology()
    return c


def pad_routine(c, want=24):
    """Routine slurmd lines (step launch, prolog/epilog, health-check passes) on the first node until
    the case carries `want` log lines: what a node's journal holds around any job."""
    have = sum(len(src["lines"]) for src in c.logs)
    if have >= want:
        return
    h = c.hosts[0]
    pool = ["launch task StepId=%d.0 request from UID:1001 GID:1001 HOST:10.0.0.5 PORT:%d",
            "task/affinity: task_p_slurmd_batch_request: task_p_slurmd_batch_request: %d port %d",
            "prolog for job %d ran for %d seconds",
            "[%d.batch] done with job (port %d)",
            "nhc: Node Health Check passed (job %d, %d checks)",
            "task/cgroup: _memcg_initialize: job: alloc=%dMB mem.limit=2063000MB memsw.limit=unlimited port %d"]
    lines = []
    for i in range(want - have):
        s = -1180 + i * (1100.0 / (want - have))
        lines.append(slurmd(c, s, h, c.rng.choice(pool) % (c.rng.randrange(1000, 999999), c.rng.randrange(1, 60000))))
    c.log(h + "/slurmd", lines)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default=HERE)
    args = ap.parse_args()
    cases = [fn() for fn in CASES]
    for c in cases:
        pad_routine(c)
    n = write_cases(cases, args.out)
    print("wrote %d cases to %s" % (n, args.out))


if __name__ == "__main__":
    main()
