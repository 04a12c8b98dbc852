#!/usr/bin/env python3
"""realistic7: 30 incident cases in today's stack's wording, most of them alert-first.

Drivers 550-575 on Hopper / Blackwell, DCGM 3.3-4.x and dcgm-exporter field names, NCCL 2.21-2.27,
PyTorch 2.4-2.7, Transformer Engine, Megatron-Core, DeepSpeed 0.14+, Slurm 23-24, Kubernetes with the
GPU operator. In 15 cases the engineer's first view is an Alertmanager webhook (one group, 1-4
alerts) with the Prometheus series behind it and a few short command outputs, no training log.
Written blind to the reasoner, its knowledge pack and the earlier realistic sets (RL7, 2026-12-02).

Usage: realistic7_cases.py [--out DIR]   (default: this file's directory). Deterministic: each case
seeds its own random generator from its id (casekit.Case).
"""

import argparse
import hashlib
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))

import casekit  # noqa: E402
from casekit import Case  # noqa: E402

# Blackwell figures for this set only (B200 SXM: ~1,900 TFLOP/s dense bf16 sustained is not what the
# probes here measure; only the fields Case() reads are used).
casekit.EXTRA_GPU_SPECS.setdefault("NVIDIA B200", dict(gemm=1650.0, gemm_min=1400.0, hbm=7000.0,
                                                       hbm_min=6000.0, tdp=1000.0, clock=1965.0,
                                                       mem_gib=180, pcie_gen=5, nvlinks=18))

H100 = "NVIDIA H100 80GB HBM3"
H200 = "NVIDIA H200"
B200 = "NVIDIA B200"
DRIVER = {H100: "550.127.05", H200: "560.35.03", B200: "570.133.20"}


# ------------------------------------------------------------------------------------- helpers
def new(cid, rc, comp, hosts, gpu=H100, window_s=900, pci=casekit.PCI_BUS_A):
    c = Case("case-rl7-%02d" % cid, rc, comp, hosts, gpu=gpu, pci=pci, window_s=window_s)
    c.with_topology()
    return c


def smi_bus(c, g):  # nvidia-smi spelling: 00000000:5D:00.0
    return "00000000:%s:00.0" % c.pci[g].upper()


def nvrm_bus(c, g):  # kernel spelling: PCI:0000:5d:00
    return "PCI:0000:%s:00" % c.pci[g]


def dcgm_labels(c, host, g, pod=None, ns=None, container="pytorch"):
    lab = {"gpu": str(g), "UUID": c.uuid(host, g), "pci_bus_id": smi_bus(c, g), "device": "nvidia%d" % g,
           "modelName": c.gpu, "Hostname": host, "DCGM_FI_DRIVER_VERSION": DRIVER[c.gpu]}
    if pod:
        lab.update({"container": container, "namespace": ns or "llm-train", "pod": pod})
    return lab


def gpu_series(c, name, host, fn, pod=None, ns=None, decimals=1, gpus=None):
    """fn(g, s) -> value or None, one series per GPU of host with dcgm-exporter's labels."""
    for g in (range(c.gpus) if gpus is None else gpus):
        c.series(name, dcgm_labels(c, host, g, pod, ns), lambda s, g=g: fn(g, s), decimals)


def node_series(c, name, host, fn, decimals=2, **labels):
    lab = {"instance": host + ":9100", "job": "node-exporter", "namespace": "monitoring",
           "pod": "node-exporter-" + hashlib.md5(host.encode()).hexdigest()[:5]}
    lab.update(labels)
    c.series(name, lab, fn, decimals)


def fp(s):
    return hashlib.sha1(s.encode()).hexdigest()[:16]


def am_alert(c, alertname, s, severity, summary, description, expr, **labels):
    name = alertname
    lab = {"alertname": alertname, "severity": severity, "prometheus": "monitoring/k8s"}
    lab.update({k: str(v) for k, v in labels.items()})
    return {"status": "firing", "labels": lab,
            "annotations": {"summary": summary, "description": description,
                            "runbook_url": "https://runbooks.prometheus-operator.dev/runbooks/%s" % name.lower()},
            "startsAt": c.at(s).strftime("%Y-%m-%dT%H:%M:%S.") + "%03dZ" % c.rng.randrange(1000),
            "endsAt": "0001-01-01T00:00:00Z",
            "generatorURL": "http://prometheus-k8s-0:9090/graph?g0.expr=%s&g0.tab=1" % expr.replace(" ", "+"),
            "fingerprint": fp(c.id + name + json.dumps(lab, sort_keys=True))}


def webhook(c, alerts, group_by=("namespace",)):
    """Adds the Alertmanager webhook (version 4) as the first log source and the first alert of the
    group as the case's alert."""
    common = {k: v for k, v in alerts[0]["labels"].items()
              if all(a["labels"].get(k) == v for a in alerts)}
    group = {k: alerts[0]["labels"].get(k, "") for k in group_by}
    payload = {"receiver": "vigil-triage", "status": "firing", "alerts": alerts,
               "groupLabels": group, "commonLabels": common,
               "commonAnnotations": {}, "externalURL": "http://alertmanager-main-0:9093",
               "version": "4",
               "groupKey": "{}/{severity=~\"warning|critical\"}:{%s}" % ", ".join(
                   '%s="%s"' % (k, v) for k, v in group.items()),
               "truncatedAlerts": 0}
    first = alerts[0]
    c.alert_obj = {"labels": dict(first["labels"]),
                   "annotations": {"summary": first["annotations"]["summary"],
                                   "description": first["annotations"]["description"]},
                   "startsAt": first["startsAt"][:19] + "Z"}
    c.logs.insert(0, {"source": "alertmanager/webhook", "lines": json.dumps(payload, indent=2).split("\n")})


def cmd(c, source, lines):
    c.logs.append({"source": source, "lines": list(lines)})


def flat(v):
    return lambda g, s: v


def noisy(c, v, j):
    return lambda g, s: v + c.rng.uniform(-j, j)


def after(t, a, b):
    return lambda s: b if s >= t else a


def kernel_log_metrics(lines_read, **found):
    """node.kernel_log's metrics as probes/gpu/kernel_log.cc (JudgeKernelLog) names them."""
    m = {"xid_lines": 0, "aer_lines": 0, "nvlink_lines": 0, "ib_link_lines": 0, "oom_lines": 0, "nvrm_lines": 0}
    m.update(found)
    m.update({"findings_in_window": sum(found.values()), "lines_read": lines_read, "unknown_lines": 0,
              "window_s": 3600, "bytes_dropped": 0})
    return m


def dmesg_xid(c, s, g, xid, pid, name, text):
    return "%s NVRM: Xid (%s): %d, pid=%s, name=%s, %s" % (c.dmesg(s), nvrm_bus(c, g), xid, pid, name, text)


def syslog_k(c, s, host, text):
    return "%s %s kernel: %s" % (c.syslog(s), host, text)


def kdescribe_pod(pod, ns, node, image, state_lines, events, gpus=8):
    out = ["Name:             %s" % pod, "Namespace:        %s" % ns, "Priority:         1000",
           "Priority Class Name:  training-high", "Service Account:  default",
           "Node:             %s/%s" % (node, "10.42.%d.%d" % (len(node) % 7, sum(map(ord, node)) % 250)),
           "Labels:           training.kubeflow.org/job-name=%s" % pod.rsplit("-", 2)[0],
           "                  training.kubeflow.org/replica-type=worker",
           "Status:           Running", "Containers:", "  pytorch:", "    Image:          %s" % image]
    out += ["    " + x for x in state_lines]
    out += ["    Limits:", "      nvidia.com/gpu:     %d" % gpus, "      rdma/rdma_shared_device_a:  1",
            "Events:", "  Type     Reason     Age                From     Message",
            "  ----     ------     ----               ----     -------"]
    out += ["  " + e for e in events]
    return out


def smi_perf(c, g, clk, reasons, temp=None):
    on = lambda b: "Active" if reasons & b else "Not Active"  # noqa: E731
    out = ["==============NVSMI LOG==============", "",
           "Timestamp                                 : %s" % c.at(60).strftime("%a %b %d %H:%M:%S %Y"),
           "Driver Version                            : %s" % DRIVER[c.gpu], "CUDA Version                              : 12.%d" % (4 if c.gpu == H100 else 8), "",
           "Attached GPUs                             : 8",
           "GPU %s" % smi_bus(c, g),
           "    Performance State                     : P0",
           "    Clocks Event Reasons",
           "        Idle                              : Not Active",
           "        Applications Clocks Setting       : Not Active",
           "        SW Power Cap                      : %s" % on(0x4),
           "        HW Slowdown                       : %s" % on(0x8),
           "            HW Thermal Slowdown           : %s" % on(0x40),
           "            HW Power Brake Slowdown       : %s" % on(0x80),
           "        Sync Boost                        : Not Active",
           "        SW Thermal Slowdown               : %s" % on(0x20),
           "        Display Clock Setting             : Not Active",
           "    Clocks",
           "        Graphics                          : %d MHz" % clk,
           "        SM                                : %d MHz" % clk,
           "        Memory                            : 2619 MHz",
           "        Video                             : 1530 MHz"]
    if temp is not None:
        out += ["    Temperature",
                "        GPU Current Temp                  : %d C" % temp[0],
                "        GPU T.Limit Temp                  : %d C" % temp[1],
                "        GPU Shutdown T.Limit Temp         : -5 C",
                "        GPU Slowdown T.Limit Temp         : -2 C",
                "        GPU Max Operating T.Limit Temp    : 0 C",
                "        Memory Current Temp               : %d C" % temp[2],
                "        Memory Max Operating T.Limit Temp : 0 C"]
    return out


def megatron_line(c, t, it, loss, gn, st_ms=5210.0, extra=""):
    return (" [%s] iteration %8d/  250000 | consumed samples: %12d | elapsed time per iteration (ms): %.1f | "
            "throughput per GPU (TFLOP/s/GPU): %.1f | learning rate: 1.500000E-04 | global batch size:  2048 | "
            "lm loss: %s | loss scale: 1.0 | grad norm: %s | %snumber of skipped iterations:   0 | "
            "number of nan iterations:   0 |" % (c.ymd(t), it, it * 2048, st_ms, 2500000.0 / st_ms * 1.0,
                                                  loss, gn, extra))


# ------------------------------------------------------------------------------------- cases
def rl7_01():
    """Xid 79 on a Kubernetes H100 node, alert-first; CPUThrottlingHigh on a logging pod (C)."""
    hosts = ["gpu-h100-a3-%02d" % i for i in (11, 12, 13, 14)]
    node = hosts[2]
    c = new(1, "gpu_fallen_off_bus", node + "/gpu3", hosts, gpu=H100)
    pod = "llama3-70b-sft-worker-2"
    a = [am_alert(c, "GPUXidError", -95, "critical", "GPU reported Xid 79 on %s" % node,
                  "GPU 3 (%s) on %s reported XID 79 for 1m." % (c.uuid(node, 3), node),
                  "max by (Hostname, gpu, UUID) (DCGM_FI_DEV_XID_ERRORS) > 0",
                  Hostname=node, gpu=3, UUID=c.uuid(node, 3), modelName=c.gpu, namespace="llm-train",
                  pod=pod, container="pytorch", job="nvidia-dcgm-exporter", xid="79"),
         am_alert(c, "KubePodCrashLooping", -20, "warning",
                  "Pod is crash looping.",
                  "Pod llm-train/%s (pytorch) is in waiting state (reason: \"CrashLoopBackOff\")." % pod,
                  "max_over_time(kube_pod_container_status_waiting_reason{reason=\"CrashLoopBackOff\"}[5m]) >= 1",
                  namespace="llm-train", pod=pod, container="pytorch", job="kube-state-metrics"),
         am_alert(c, "CPUThrottlingHigh", -600, "info", "Processes experience elevated CPU throttling.",
                  "38.2% throttling of CPU in namespace logging for container fluent-bit in pod fluent-bit-x7k2p.",
                  "sum(increase(container_cpu_cfs_throttled_periods_total[5m])) > 0.25",
                  namespace="logging", pod="fluent-bit-x7k2p", container="fluent-bit")]
    # Series: Xid field jumps to 79 for gpu3 then the GPU's series stop (exporter cannot read it).
    gpu_series(c, "DCGM_FI_DEV_XID_ERRORS", node,
               lambda g, s: (79 if s >= -150 else 0) if g == 3 and s < 0 else (None if g == 3 else 0),
               pod=pod, decimals=0)
    gpu_series(c, "DCGM_FI_DEV_GPU_UTIL", node,
               lambda g, s: (None if s >= -120 else 100) if g == 3 else (100 if s < -120 else 0),
               pod=pod, decimals=0)
    webhook(c, a)
    cmd(c, node + "/cmd/nvidia-smi", [
        "$ nvidia-smi",
        "Unable to determine the device handle for GPU%s: Unknown Error" % smi_bus(c, 3),
        "$ nvidia-smi -L",
        ] + ["GPU %d: %s (UUID: %s)" % (g, c.gpu, c.uuid(node, g)) for g in range(8) if g != 3] + [
        "$ lspci -d 10de: -nn | grep 3D",
        ] + ["%s:00.0 3D controller [0302]: NVIDIA Corporation GH100 [H100 SXM5 80GB] [10de:2330] (rev %s)" % (
            c.pci[g], "ff" if g == 3 else "a1") for g in range(8)])
    cmd(c, node + "/dmesg", [
        dmesg_xid(c, -160, 3, 79, 48211, "pt_main_thread", "GPU has fallen off the bus."),
        "%s NVRM: GPU at PCI:0000:%s:00: %s" % (c.dmesg(-160), c.pci[3], c.uuid(node, 3)),
        "%s NVRM: GPU Board Serial Number: 1654023012845" % c.dmesg(-160),
        "%s NVRM: Xid (%s): 154, pid=48211, name=pt_main_thread, GPU recovery action changed from 0x0 (None) to 0x2 (Node Reboot Required)" % (c.dmesg(-159.9), nvrm_bus(c, 3)),
        "%s NVRM: A GPU crash dump has been created. If possible, please run" % c.dmesg(-158),
        "%s NVRM: nvidia-bug-report.sh as root to collect this data before" % c.dmesg(-158),
        "%s NVRM: the NVIDIA kernel module is unloaded." % c.dmesg(-158)])
    return c


def rl7_02():
    """Xid 94 contained ECC, alert-first, DCGM DBE counter and nvidia-smi -q -d ECC; log partition
    filling (C)."""
    hosts = ["h200-r07-n%02d" % i for i in range(1, 5)]
    node = hosts[1]
    c = new(2, "gpu_memory_uncorrectable_ecc", node + "/gpu5", hosts, gpu=H200)
    pod = "mixtral-pt-worker-1"
    a = [am_alert(c, "DCGMDoubleBitECCErrors", -60, "critical", "Uncorrectable ECC errors on %s GPU 5" % node,
                  "DCGM_FI_DEV_ECC_DBE_VOL_TOTAL increased by 1 in 5m on %s gpu 5." % node,
                  "increase(DCGM_FI_DEV_ECC_DBE_VOL_TOTAL[5m]) > 0",
                  Hostname=node, gpu=5, UUID=c.uuid(node, 5), modelName=c.gpu, namespace="llm-train", pod=pod),
         am_alert(c, "KubePodNotReady", 0, "warning", "Pod has been in a non-ready state for more than 15 minutes.",
                  "Pod llm-train/%s has been in a non-ready state for longer than 15 minutes." % pod,
                  "kube_pod_status_phase{phase=~\"Pending|Unknown|Failed\"} > 0", namespace="llm-train", pod=pod),
         am_alert(c, "NodeFilesystemSpaceFillingUp", -900, "warning",
                  "Filesystem is predicted to run out of space within the next 24 hours.",
                  "Filesystem on /dev/nvme0n1p2, mounted on /var/log, at %s has only 14.21%% available space left and is filling up." % node,
                  "node_filesystem_avail_bytes / node_filesystem_size_bytes * 100 < 15",
                  instance=node + ":9100", device="/dev/nvme0n1p2", mountpoint="/var/log", fstype="ext4")]
    gpu_series(c, "DCGM_FI_DEV_ECC_DBE_VOL_TOTAL", node, lambda g, s: 1 if (g == 5 and s >= -150) else 0,
               pod=pod, decimals=0)
    gpu_series(c, "DCGM_FI_DEV_ECC_SBE_VOL_TOTAL", node, lambda g, s: {1: 2, 5: 3}.get(g, 0), pod=pod, decimals=0)
    node_series(c, "node_filesystem_avail_bytes", node, lambda s: 21.4e9 - s * -1.1e5 * 0 - (s + 900) * 2.2e5,
                decimals=0, device="/dev/nvme0n1p2", mountpoint="/var/log", fstype="ext4")
    webhook(c, a)
    cmd(c, node + "/cmd/nvidia-smi-q-ECC", [
        "$ nvidia-smi -q -d ECC -i 5", "", "==============NVSMI LOG==============", "",
        "Timestamp                                 : %s" % c.at(40).strftime("%a %b %d %H:%M:%S %Y"),
        "Driver Version                            : %s" % DRIVER[c.gpu], "CUDA Version                              : 12.6", "",
        "Attached GPUs                             : 8", "GPU %s" % smi_bus(c, 5),
        "    ECC Mode", "        Current                           : Enabled", "        Pending                           : Disabled",
        "    ECC Errors", "        Volatile",
        "            SRAM Correctable              : 0", "            SRAM Uncorrectable Parity     : 0",
        "            SRAM Uncorrectable SEC-DED    : 0", "            DRAM Correctable              : 3",
        "            DRAM Uncorrectable            : 1", "        Aggregate",
        "            SRAM Correctable              : 0", "            SRAM Uncorrectable Parity     : 0",
        "            SRAM Uncorrectable SEC-DED    : 0", "            DRAM Correctable              : 17",
        "            DRAM Uncorrectable            : 1", "            SRAM Threshold Exceeded       : No",
        "        Aggregate Uncorrectable SRAM Sources",
        "            SRAM L2                       : 0", "            SRAM SM                       : 0",
        "            SRAM Microcontroller          : 0", "            SRAM PCIE                     : 0",
        "            SRAM Other                    : 0"])
    cmd(c, node + "/journal-k", [
        syslog_k(c, -151, node, "NVRM: Xid (%s): 94, pid=201934, name=pt_main_thread, Contained: CE User Channel (0x9). RST: No, D-RST: No" % nvrm_bus(c, 5)),
        syslog_k(c, -150, node, "NVRM: Xid (%s): 154, pid=201934, name=pt_main_thread, GPU recovery action changed from 0x0 (None) to 0x1 (GPU Reset Required)" % nvrm_bus(c, 5)),
        syslog_k(c, -140, node, "NVRM: Xid (%s): 45, pid=201934, name=pt_main_thread, Ch 00000008" % nvrm_bus(c, 5))])
    return c


def rl7_03():
    """Row-remap failure, alert-first, nvidia-smi -q -d ROW_REMAPPER, gpu.health probe."""
    hosts = ["dgx-h100-%03d" % i for i in (40, 41, 42, 43, 44, 45, 46, 47)]
    node = hosts[5]
    c = new(3, "gpu_row_remap_failure", node + "/gpu1", hosts, gpu=H100)
    a = [am_alert(c, "GPURowRemapFailure", -30, "critical", "GPU row remapping failed on %s" % node,
                  "DCGM_FI_DEV_ROW_REMAP_FAILURE is 1 for GPU 1 on %s: the GPU has no spare rows left in a bank; drain and RMA." % node,
                  "DCGM_FI_DEV_ROW_REMAP_FAILURE > 0", Hostname=node, gpu=1, UUID=c.uuid(node, 1),
                  modelName=c.gpu, job="dcgm-exporter"),
         am_alert(c, "NodeClockNotSynchronising", -1800, "warning", "Clock not synchronising.",
                  "Clock at %s:9100 is not synchronising. Ensure NTP is configured on this host." % node,
                  "min_over_time(node_timex_sync_status[5m]) == 0", instance=node + ":9100")]
    gpu_series(c, "DCGM_FI_DEV_ROW_REMAP_FAILURE", node, lambda g, s: 1 if g == 1 and s >= -120 else 0, decimals=0)
    gpu_series(c, "DCGM_FI_DEV_UNCORRECTABLE_REMAPPED_ROWS", node, lambda g, s: (8 if s >= -120 else 7) if g == 1 else 0, decimals=0)
    gpu_series(c, "DCGM_FI_DEV_CORRECTABLE_REMAPPED_ROWS", node, lambda g, s: 1 if g == 6 else 0, decimals=0)
    webhook(c, a, group_by=("Hostname",))
    cmd(c, node + "/cmd/nvidia-smi-q-ROW_REMAPPER", [
        "$ nvidia-smi -q -d ROW_REMAPPER -i 1", "", "==============NVSMI LOG==============", "",
        "Driver Version                            : %s" % DRIVER[c.gpu], "",
        "GPU %s" % smi_bus(c, 1), "    Remapped Rows",
        "        Correctable Error                 : 0", "        Uncorrectable Error               : 8",
        "        Pending                           : No", "        Remapping Failure Occurred        : Yes",
        "        Bank Remap Availability Histogram", "            Max                           : 639 bank(s)",
        "            High                          : 0 bank(s)", "            Partial                       : 0 bank(s)",
        "            Low                           : 0 bank(s)", "            None                          : 1 bank(s)"])
    cmd(c, node + "/journal-k", [
        syslog_k(c, -125, node, "NVRM: Xid (%s): 64, pid='<unknown>', name=<unknown>, Row Remapper Error: failed to remap row. Remapping failure occurred." % nvrm_bus(c, 1)),
        syslog_k(c, -125, node, "NVRM: Xid (%s): 154, pid='<unknown>', name=<unknown>, GPU recovery action changed from 0x0 (None) to 0x1 (GPU Reset Required)" % nvrm_bus(c, 1))])
    c.health("gpu.health@%s/gpu1" % node, remap_failure=1, remapped_rows_uncorrectable=8, xid_last=64)
    c.health("gpu.health@%s/gpu6" % node, remapped_rows_correctable=1)
    return c


def rl7_04():
    """GSP RPC timeout (Xid 119) on one GPU, the job's NCCL watchdog fires on every rank after it."""
    hosts = ["h200-gb%02d" % i for i in (3, 4)]
    node = hosts[1]
    c = new(4, "gpu_firmware_error", node + "/gpu4", hosts, gpu=H200)
    c.alert("TrainingJobFailed", "Slurm job 884213 (qwen-moe-cpt) ended in FAILED state", 0,
            job="qwen-moe-cpt", cluster="hopper-west", slurm_job_id="884213", severity="warning")
    k = [syslog_k(c, -700 + i * 37, node, x) for i, x in enumerate([
        "nvidia-nvswitch3: SXid (PCI:0000:07:00.0): 12028, Non-fatal, Link 36 egress non-posted PRIV error (First)",
        "audit: type=1400 audit(1733135341.221:9812): apparmor=\"STATUS\" operation=\"profile_replace\"",
        "mlx5_core 0000:3f:00.0: mlx5_fw_tracer_handle_traces:740:(pid 1204): FW tracer: strings DB updated",
    ])]
    k += [
        syslog_k(c, -640, node, "NVRM: Xid (%s): 119, pid=913422, name=python3, Timeout after 6s of waiting for RPC response from GPU4 GSP! Expected function 76 (GSP_RM_CONTROL) (0x20800a4c 0x4)." % nvrm_bus(c, 4)),
        syslog_k(c, -640, node, "NVRM: GPU4 GSP RPC buffer contains function 76 (GSP_RM_CONTROL) and data 0x0000000020800a4c 0x0000000000000004."),
        syslog_k(c, -640, node, "NVRM: GPU4 RPC history (CPU -> GSP):"),
        syslog_k(c, -640, node, "NVRM:     entry function                   data0              data1              ts_start           ts_end             duration actively_polling"),
        syslog_k(c, -640, node, "NVRM:      0    76   GSP_RM_CONTROL       0x0000000020800a4c 0x0000000000000004 0x000628e8c2a4bf41 0x0000000000000000          y"),
        syslog_k(c, -634, node, "NVRM: Xid (%s): 119, pid=913422, name=python3, Timeout after 6s of waiting for RPC response from GPU4 GSP! Expected function 10 (FREE) (0xa55a00f0 0x0)." % nvrm_bus(c, 4)),
        syslog_k(c, -628, node, "NVRM: Rate limiting GSP RPC error prints for GPU at PCI:0000:%s:00 (printing 1 of every 30).  The GPU likely needs to be reset." % c.pci[4]),
    ]
    c.log(node + "/journal", k)
    lines = []
    for r in (0, 3, 9, 12, 15):
        lines += casekit.watchdog(c, r, -20 + r * 0.3, 31877, op="ALLREDUCE", numel=268435456)[:2]
    lines += ["[rank12]:[%s ProcessGroupNCCL.cpp:1664] [PG ID 0 PG GUID 0(default_pg) Rank 12] Heartbeat monitor timed out! Process will be terminated after dumping debug info. workMetaList_.size()=2" % c.glog(-15, "E"),
              "srun: error: %s: task 12: Exited with exit code 6" % node,
              "srun: error: %s: tasks 0-7: Exited with exit code 6" % hosts[0],
              "srun: Terminating StepId=884213.0",
              "slurmstepd: error: *** STEP 884213.0 ON %s CANCELLED AT %s ***" % (hosts[0], c.iso(-2)[:-1])]
    c.log("slurm-884213.out", casekit.megatron_iters(c, -760, 8, 50211, step_s=6.2) + lines)
    return c


def rl7_05():
    """NVLink 4 CRC flit errors climbing on one H100 + Xid 74, alert-first; eth0 receive errors (C)."""
    hosts = ["gpu-h100-b1-%02d" % i for i in range(1, 9)]
    node = hosts[6]
    c = new(5, "nvlink_error", node + "/gpu2", hosts, gpu=H100)
    pod = "gpt-moe-train-worker-6"
    a = [am_alert(c, "GPUNVLinkErrors", -120, "warning", "NVLink CRC errors rising on %s GPU 2" % node,
                  "rate(DCGM_FI_DEV_NVLINK_CRC_FLIT_ERROR_COUNT_TOTAL[5m]) is 41823/s on %s gpu 2." % node,
                  "rate(DCGM_FI_DEV_NVLINK_CRC_FLIT_ERROR_COUNT_TOTAL[5m]) > 1000",
                  Hostname=node, gpu=2, UUID=c.uuid(node, 2), modelName=c.gpu, pod=pod, namespace="llm-train"),
         am_alert(c, "NodeNetworkReceiveErrs", -1500, "warning", "Network interface is reporting many receive errors.",
                  "%s:9100 interface eth0 has encountered 212 receive errors in the last two minutes." % node,
                  "rate(node_network_receive_errs_total[2m]) / rate(node_network_receive_packets_total[2m]) > 0.01",
                  instance=node + ":9100", device="eth0")]
    gpu_series(c, "DCGM_FI_DEV_NVLINK_CRC_FLIT_ERROR_COUNT_TOTAL", node,
               lambda g, s: (1200 + max(0, s + 420) * 41823) if g == 2 else 40 + g * 7, pod=pod, decimals=0)
    gpu_series(c, "DCGM_FI_DEV_NVLINK_BANDWIDTH_TOTAL", node,
               lambda g, s: (c.rng.uniform(1.1e5, 1.4e5) if (g == 2 and s > -420) else c.rng.uniform(3.9e5, 4.4e5)),
               pod=pod, decimals=0)
    node_series(c, "node_network_receive_errs_total", node, lambda s: 18211 + (s + 900) * 0.9, decimals=0, device="eth0")
    webhook(c, a)
    cmd(c, node + "/cmd/dcgmi-health", [
        "$ dcgmi health -g 1 -c",
        "+---------------------------+----------------------------------------------------------+",
        "| Health Monitor Report                                                                |",
        "+===========================+==========================================================+",
        "| Overall Health            | Warning                                                  |",
        "| GPU                       |                                                          |",
        "| -> 2                      | Warning                                                  |",
        "|    -> Errors              |                                                          |",
        "|       -> NVLink system    | Warning                                                  |",
        "|                           | Detected more than 100 CRC FLIT errors per second on    |",
        "|                           | NVLink link 7 for GPU 2. Check DCGM and system logs for  |",
        "|                           | errors. Reset GPU. Restart DCGM. Rerun diagnostics.      |",
        "+---------------------------+----------------------------------------------------------+"])
    cmd(c, node + "/dmesg", [
        dmesg_xid(c, -430, 2, 74, "'<unknown>'", "<unknown>", "NVLink: fatal error detected on link 7(0x0, 0x0, 0x0, 0x0, 0x0, 0x0, 0x10000)"),
        "%s NVRM: Xid (%s): 154, pid='<unknown>', name=<unknown>, GPU recovery action changed from 0x0 (None) to 0x1 (GPU Reset Required)" % (c.dmesg(-429.8), nvrm_bus(c, 2))])
    return c


def rl7_06():
    """One H200 at 91 C with HW/SW thermal slowdown (clock event reasons), alert-first."""
    hosts = ["h200-c2-%02d" % i for i in range(1, 5)]
    node = hosts[3]
    c = new(6, "gpu_thermal_throttle", node + "/gpu6", hosts, gpu=H200)
    pod = "sd3-finetune-worker-3"
    a = [am_alert(c, "GPUHighTemperature", -300, "warning", "GPU temperature is high on %s" % node,
                  "GPU 6 on %s is at 91 C for more than 5 minutes." % node, "DCGM_FI_DEV_GPU_TEMP > 85",
                  Hostname=node, gpu=6, UUID=c.uuid(node, 6), modelName=c.gpu, pod=pod, namespace="genai"),
         am_alert(c, "GPUClocksThrottled", -240, "warning", "GPU clocks are being held down on %s" % node,
                  "DCGM_FI_DEV_CLOCKS_EVENT_REASONS on %s gpu 6 is 96 (SW thermal, HW thermal)." % node,
                  "DCGM_FI_DEV_CLOCKS_EVENT_REASONS & 0xE8 > 0",
                  Hostname=node, gpu=6, UUID=c.uuid(node, 6), modelName=c.gpu, pod=pod, namespace="genai")]
    gpu_series(c, "DCGM_FI_DEV_GPU_TEMP", node, lambda g, s: (78 + min(13, (s + 900) / 40) if g == 6 else c.rng.uniform(58, 66)),
               pod=pod, ns="genai", decimals=0)
    gpu_series(c, "DCGM_FI_DEV_SM_CLOCK", node, lambda g, s: (1140 if (g == 6 and s > -420) else 1980), pod=pod, ns="genai", decimals=0)
    gpu_series(c, "DCGM_FI_DEV_CLOCKS_EVENT_REASONS", node, lambda g, s: (96 if (g == 6 and s > -420) else 0), pod=pod, ns="genai", decimals=0)
    webhook(c, a)
    cmd(c, node + "/cmd/nvidia-smi-q-PERFORMANCE", ["$ nvidia-smi -q -d PERFORMANCE,TEMPERATURE,CLOCK -i 6"] +
        smi_perf(c, 6, 1140, 0x60, temp=(91, -4, 97)))
    cmd(c, node + "/cmd/ipmitool-sdr", ["$ ipmitool sdr type fan | head -8",
        "FAN1_F           | 30h | ok  | 29.1 | 11760 RPM", "FAN1_R           | 31h | ok  | 29.1 | 10920 RPM",
        "FAN2_F           | 32h | ok  | 29.2 | 11900 RPM", "FAN2_R           | 33h | ok  | 29.2 | 11060 RPM",
        "FAN3_F           | 34h | ok  | 29.3 | 11620 RPM", "FAN3_R           | 35h | ok  | 29.3 | 10780 RPM"])
    return c


def rl7_07():
    """HW power brake on all 8 GPUs of one node after a PSU fault, alert-first; node-level."""
    hosts = ["hgx-h100-%02d" % i for i in range(20, 24)]
    node = hosts[0]
    c = new(7, "gpu_power_throttle", node, hosts, gpu=H100)
    a = [am_alert(c, "GPUClocksThrottled", -180, "warning", "GPU clocks are being held down on %s" % node,
                  "DCGM_FI_DEV_CLOCKS_EVENT_REASONS on %s is 136 (HW slowdown, HW power brake) for 8 GPUs." % node,
                  "count by (Hostname) (DCGM_FI_DEV_CLOCKS_EVENT_REASONS & 0xE8 > 0) > 0",
                  Hostname=node, modelName=c.gpu, job="dcgm-exporter"),
         am_alert(c, "IPMIPowerSupplyFailure", -200, "critical", "Power supply failure on %s" % node,
                  "PSU4 on %s reports state 'Failure detected'. Redundancy lost." % node,
                  "ipmi_sensor_state{type=\"Power Supply\"} == 2", instance=node + "-bmc", name="PSU4_Status",
                  type="Power Supply", job="ipmi-exporter")]
    gpu_series(c, "DCGM_FI_DEV_CLOCKS_EVENT_REASONS", node, lambda g, s: 136 if s > -240 else 0, decimals=0)
    gpu_series(c, "DCGM_FI_DEV_SM_CLOCK", node, lambda g, s: (c.rng.uniform(690, 840) if s > -240 else 1980), decimals=0)
    gpu_series(c, "DCGM_FI_DEV_POWER_USAGE", node, lambda g, s: (c.rng.uniform(240, 300) if s > -240 else c.rng.uniform(610, 690)))
    c.series("ipmi_sensor_state", {"instance": node + "-bmc", "job": "ipmi-exporter", "name": "PSU4_Status",
                                   "type": "Power Supply"}, lambda s: 2 if s > -250 else 0, 0)
    webhook(c, a, group_by=("Hostname",))
    cmd(c, node + "/cmd/nvidia-smi-q-PERFORMANCE", ["$ nvidia-smi -q -d PERFORMANCE -i 0"] + smi_perf(c, 0, 765, 0x88))
    cmd(c, node + "/cmd/ipmitool-sel", ["$ ipmitool sel elist | tail -4",
        " 1a2 | %s | Power Supply PSU4_Status | Failure detected | Asserted" % c.at(-250).strftime("%m/%d/%Y | %H:%M:%S"),
        " 1a3 | %s | Power Supply PSU4_Status | Power Supply AC lost | Asserted" % c.at(-250).strftime("%m/%d/%Y | %H:%M:%S"),
        " 1a4 | %s | Power Unit PSU_Redundancy | Redundancy Lost | Asserted" % c.at(-249).strftime("%m/%d/%Y | %H:%M:%S")])
    return c


def rl7_08():
    """One GPU's PCIe link trained x8 Gen5 after maintenance, replays, probes; alert-first."""
    hosts = ["h200-pod4-%02d" % i for i in range(1, 5)]
    node = hosts[2]
    c = new(8, "pcie_link_degraded", node + "/gpu7", hosts, gpu=H200)
    a = [am_alert(c, "GPUPCIeReplayRate", -200, "warning", "PCIe replays on %s GPU 7" % node,
                  "rate(DCGM_FI_DEV_PCIE_REPLAY_COUNTER[5m]) is 38/s on %s gpu 7." % node,
                  "rate(DCGM_FI_DEV_PCIE_REPLAY_COUNTER[5m]) > 1", Hostname=node, gpu=7, UUID=c.uuid(node, 7),
                  modelName=c.gpu),
         am_alert(c, "TrainingThroughputLow", -60, "warning", "Tokens/s of job rl-policy-train 22% below its 6h median",
                  "train_tokens_per_second for rl-policy-train dropped from 1.92M to 1.49M.",
                  "train_tokens_per_second < 0.8 * quantile_over_time(0.5, train_tokens_per_second[6h])",
                  job_name="rl-policy-train", namespace="rl")]
    gpu_series(c, "DCGM_FI_DEV_PCIE_REPLAY_COUNTER", node, lambda g, s: (3120 + (s + 900) * 38) if g == 7 else 2 + g, decimals=0)
    gpu_series(c, "DCGM_FI_DEV_PCIE_LINK_WIDTH", node, lambda g, s: 8 if g == 7 else 16, decimals=0)
    gpu_series(c, "DCGM_FI_DEV_PCIE_LINK_GEN", node, lambda g, s: 5, decimals=0)
    webhook(c, a)
    cmd(c, node + "/cmd/nvidia-smi-q-PCI", ["$ nvidia-smi -q -d PCI -i 7 | sed -n '/PCI/,/Rx/p'",
        "    PCI", "        Bus                               : 0x%s" % c.pci[7].upper(),
        "        Bus Id                            : %s" % smi_bus(c, 7),
        "        GPU Link Info", "            PCIe Generation", "                Max                       : 5",
        "                Current                   : 5", "                Device Current            : 5",
        "                Device Max                : 5", "                Host Max                  : 5",
        "            Link Width", "                Max                       : 16x", "                Current                   : 8x",
        "        Replays Since Reset               : 37322", "        Replay Number Rollovers           : 0",
        "        Tx Throughput                     : 9120 KB/s", "        Rx Throughput                     : 11430 KB/s"])
    c.health_rates("gpu.health@%s/gpu7" % node, pcie_link_width=8, pcie_replay_count=37322, pcie_replay_per_s=38)
    c.pcie("gpu.pcie_bandwidth@%s/gpu7" % node, h2d=26.1, d2h=25.8)
    c.pcie("gpu.pcie_bandwidth@%s/gpu3" % node)
    return c


def rl7_09():
    """Silent corruption: Megatron-Core's rerun machinery reports a non-reproducible NaN on one rank,
    the gpu.sdc vote singles out that GPU."""
    hosts = ["h100-sc-%02d" % i for i in range(1, 5)]
    node = hosts[1]
    c = new(9, "gpu_silent_data_corruption", node + "/gpu3", hosts, gpu=H100)
    c.alert("TrainingLossSpike", "llama-13b-ablation: loss 7.9 vs 2.1 trend", 0, job="llama-13b-ablation",
            severity="warning", namespace="research")
    rank = c.rank_of(node, 3)
    it = 88312
    lines = casekit.megatron_iters(c, -560, 12, it - 12, step_s=5.1, loss=2.11)
    lines += [
        "[%s] WARNING:megatron.core.rerun_state_machine:Unexpected result nan on rank %d at iteration #%d invocation #1 (message='found NaN in local grad norm for bucket #0 in backward pass before data-parallel communication collective')" % (c.ymd(-110), rank, it),
        "[%s] WARNING:megatron.core.rerun_state_machine:Rerunning iteration #%d on the same GPU to check for a transient fault" % (c.ymd(-109), it),
        "[%s] WARNING:megatron.core.rerun_state_machine:Rerun of iteration #%d on rank %d gave result 0.4183 (original nan): the fault is not reproducible on the same GPU" % (c.ymd(-96), it, rank),
        "[%s] WARNING:megatron.core.rerun_state_machine:Result validation: earlier iterations #%d, #%d on rank %d also differed from the rerun checksum" % (c.ymd(-95), it - 411, it - 1290, rank),
        "[%s] INFO:megatron.core.rerun_state_machine:Exiting with code 16 so that the job is restarted on other nodes" % c.ymd(-90),
        "[%s] INFO:megatron.training.utils:saving checkpoint at iteration   %d to /ckpt/llama-13b-ablation" % (c.ymd(-85), it - 1)]
    c.log("research/llama-13b-ablation/rank0", lines + casekit.app_noise(c, 4))
    c.sdc("gpu.sdc@%s" % node, mismatched=1847, bad_gpu="gpu3")
    c.sdc("gpu.sdc@%s" % hosts[0])
    c.health("gpu.health@%s/gpu3" % node)
    c.gemm("gpu.gemm@%s/gpu3" % node)
    return c


def rl7_10():
    """IB port of mlx5_3 goes down (physical state Polling), alert-first; NTP (C)."""
    hosts = ["h100-ib-%02d" % i for i in range(1, 17)]
    node = hosts[9]
    c = new(10, "ib_link_failure", node + "/mlx5_3", hosts, gpu=H100)
    a = [am_alert(c, "NodeInfiniBandPortDown", -240, "critical", "InfiniBand port mlx5_3/1 down on %s" % node,
                  "node_infiniband_state_id for mlx5_3 port 1 on %s is 1 (DOWN) for 3m." % node,
                  "node_infiniband_state_id != 4", instance=node + ":9100", device="mlx5_3", port="1"),
         am_alert(c, "TrainingJobNoProgress", -30, "critical", "No training step for 10 minutes",
                  "Job dsv3-sft (slurm 5512203) has not reported a step for 10m.",
                  "increase(train_steps_total[10m]) == 0", job_name="dsv3-sft", slurm_job_id="5512203"),
         am_alert(c, "NodeClockNotSynchronising", -3000, "warning", "Clock not synchronising.",
                  "Clock at %s:9100 is not synchronising." % hosts[3], "min_over_time(node_timex_sync_status[5m]) == 0",
                  instance=hosts[3] + ":9100")]
    for d in ("mlx5_0", "mlx5_3", "mlx5_4"):
        node_series(c, "node_infiniband_state_id", node, (lambda s, d=d: 1 if (d == "mlx5_3" and s > -300) else 4),
                    decimals=0, device=d, port="1")
        node_series(c, "node_infiniband_link_downed_total", node, (lambda s, d=d: 3 if (d == "mlx5_3" and s > -300) else 0),
                    decimals=0, device=d, port="1")
    node_series(c, "node_infiniband_symbol_error_total", node, lambda s: 14 + max(0, s + 700) * 3.1, decimals=0,
                device="mlx5_3", port="1")
    webhook(c, a, group_by=("cluster",))
    cmd(c, node + "/cmd/ibstat", ["$ ibstat mlx5_3", "CA 'mlx5_3'", "\tCA type: MT4129", "\tNumber of ports: 1",
        "\tFirmware version: 28.39.2048", "\tHardware version: 0", "\tNode GUID: 0xa088c20300e1b2f4",
        "\tSystem image GUID: 0xa088c20300e1b2f4", "\tPort 1:", "\t\tState: Down", "\t\tPhysical state: Polling",
        "\t\tRate: 10", "\t\tBase lid: 65535", "\t\tLMC: 0", "\t\tSM lid: 1", "\t\tCapability mask: 0xa751e848",
        "\t\tPort GUID: 0xa088c20300e1b2f4", "\t\tLink layer: InfiniBand"])
    cmd(c, node + "/journal-k", [
        syslog_k(c, -310, node, "mlx5_core 0000:%s:00.0: mlx5_port_module_event:1156:(pid 0): Port module event[error]: module 3, Cable error, Bus stuck (I2C or data shorted)" % casekit.NIC_BUS[3]),
        syslog_k(c, -305, node, "mlx5_core 0000:%s:00.0: Port: 1 Link DOWN" % casekit.NIC_BUS[3])])
    return c


def rl7_11():
    """NCCL 2.21 cannot find a socket interface: NCCL_SOCKET_IFNAME names an interface the pods lack."""
    hosts = ["a100x-%02d" % i for i in range(1, 5)] if False else ["h200-k8s-%02d" % i for i in (31, 32, 33, 34)]
    c = new(11, "nccl_network_misconfig", "job", hosts, gpu=H200)
    c.alert("KubePodCrashLooping", "Pod llm-train/phi-4-pt-worker-0 is crash looping", 0, namespace="llm-train",
            pod="phi-4-pt-worker-0", severity="warning")
    p = "phi-4-pt-worker-0:412:412 [0]"
    lines = [
        "%s NCCL INFO cudaDriverVersion 12060" % p,
        "%s NCCL INFO NCCL_SOCKET_IFNAME set by environment to ens1f0np0" % p,
        "%s NCCL WARN Bootstrap : no socket interface found" % p,
        "%s NCCL INFO bootstrap.cc:76 -> 3" % p,
        "%s NCCL INFO init.cc:1726 NCCL version 2.21.5+cuda12.4" % p,
        "[rank0]: Traceback (most recent call last):",
        '[rank0]:   File "/workspace/train.py", line 311, in <module>',
        "[rank0]:     main()",
        '[rank0]:   File "/workspace/train.py", line 142, in main',
        "[rank0]:     dist.barrier(device_ids=[local_rank])",
        '[rank0]:   File "/usr/local/lib/python3.11/dist-packages/torch/distributed/c10d_logger.py", line 83, in wrapper',
        "[rank0]:     return func(*args, **kwargs)",
        "[rank0]: torch.distributed.DistBackendError: NCCL error in: /opt/pytorch/pytorch/torch/csrc/distributed/c10d/ProcessGroupNCCL.cpp:2057, internal error - please report this issue to the NCCL developers, NCCL version 2.21.5",
        "[rank0]: ncclInternalError: Internal check failed.",
        "[rank0]: Last error:",
        "[rank0]: Bootstrap : no socket interface found",
        "E%s 301 torch/distributed/elastic/multiprocessing/api.py:869] failed (exitcode: 1) local_rank: 0 (pid: 412) of binary: /usr/bin/python" % c.glog(-5)[1:],
    ]
    c.log("llm-train/phi-4-pt-worker-0/pytorch", casekit.app_noise(c, 3) + lines)
    c.log("kubectl/exec-ip-addr", ["$ kubectl -n llm-train exec phi-4-pt-worker-1 -- ip -br addr",
        "lo               UNKNOWN        127.0.0.1/8 ::1/128",
        "eth0@if1123      UP             10.244.17.9/24 fe80::a8c1:abff:fe5e:11c2/64",
        "net1             UP             192.168.40.33/22 fe80::e42:a1ff:fe6f:3e10/64",
        "$ kubectl -n llm-train get pytorchjob phi-4-pt -o jsonpath='{.spec.pytorchReplicaSpecs.Worker.template.spec.containers[0].env}'",
        '[{"name":"NCCL_SOCKET_IFNAME","value":"ens1f0np0"},{"name":"NCCL_IB_HCA","value":"mlx5"},{"name":"NCCL_DEBUG","value":"INFO"}]'])
    return c


def rl7_12():
    """Hang: every rank times out on ALLREDUCE 20418 except rank 21 that never enqueued it (stuck in a
    checkpoint-side barrier thread); PyTorch 2.6 wording with flight recorder."""
    hosts = ["gpu-h100-d%02d" % i for i in range(1, 5)]
    node = hosts[2]
    c = new(12, "nccl_collective_hang", node + "/gpu5", hosts, gpu=H100)
    c.alert("TrainingJobNoProgress", "No training step for 12 minutes (llama-8b-long)", 0, job_name="llama-8b-long",
            severity="critical")
    seq = 20418
    out = []
    for r in (0, 1, 8, 13, 20, 22, 29, 31):
        s = -60 + r * 0.05
        out.append("[rank%d]:[%s ProcessGroupNCCL.cpp:632] [PG ID 0 PG GUID 0(default_pg) Rank %d] Watchdog caught collective operation timeout: WorkNCCL(SeqNum=%d, OpType=ALLREDUCE, NumelIn=134217728, NumelOut=134217728, Timeout(ms)=600000) ran for 600031 milliseconds before timing out." % (r, c.glog(s, "E"), r, seq))
        out.append("[rank%d]:[%s ProcessGroupNCCL.cpp:2168] [PG ID 0 PG GUID 0(default_pg) Rank %d] failure detected by watchdog at work sequence id: %d PG status: last enqueued work: %d, last completed work: %d" % (r, c.glog(s + 0.01, "E"), r, seq, seq, seq - 1))
    out.append("[rank21]:[%s ProcessGroupNCCL.cpp:1411] [PG ID 0 PG GUID 0(default_pg) Rank 21] Received a dump signal due to a collective timeout from  rank 0 and we will try our best to dump the debug info. Last enqueued NCCL work: %d, last completed NCCL work: %d.This is most likely caused by incorrect usages of collectives, e.g., wrong sizes used across ranks, the order of collectives is not same for all ranks or the scheduled collective, for some reason, didn't run. Additionally, this can be caused by GIL deadlock or other reasons such as network errors or bugs in the communications library (e.g. NCCL), etc." % (c.glog(-58, "E"), seq - 1, seq - 1))
    out.append("[rank21]:[%s ProcessGroupNCCL.cpp:1252] [PG ID 0 PG GUID 0(default_pg) Rank 21] ProcessGroupNCCL preparing to dump debug info. Include stack trace: 1" % c.glog(-58, "I"))
    out.append("[rank0]:[%s ProcessGroupNCCL.cpp:1664] [PG ID 0 PG GUID 0(default_pg) Rank 0] Heartbeat monitor timed out! Process will be terminated after dumping debug info. workMetaList_.size()=1" % c.glog(-40, "E"))
    c.log("job/llama-8b-long/torchrun-all", casekit.app_noise(c, 2) + out)
    c.log("flight-recorder/summary", [
        "$ python -m torch.distributed.flight_recorder.fr_trace /shared/fr_dumps/llama-8b-long -j",
        "Collective %d at entry 0 of pg 0 (default_pg) mismatch: found entries from 31 of 32 ranks" % seq,
        "  ranks not participating: [21]",
        "  state of rank 21: last entry: record_id 20417 collective_seq_id %d profiling_name nccl:all_reduce state completed" % (seq - 1),
        "  entries 0..%d match on all ranks" % (seq - 1),
        "Stack of rank 21 (py-spy dump --native --pid 77140):",
        'Thread 77140 (idle): "MainThread"',
        "    get (queue.py:171)",
        "    wait_profiler_flush (train_utils/prof.py:57)",
        "    train_step (train.py:403)",
        'Thread 77391 (idle): "profiler-export"',
        "    wait (threading.py:324)"])
    c.kernel_launch("gpu.kernel_launch@%s/gpu5" % node)
    c.health("gpu.health@%s/gpu5" % node)
    c.probe("node.kernel_log@%s" % node, {"status": "pass", "metrics": kernel_log_metrics(1844),
            "thresholds": {}, "reason": "no Xid/NVLink/AER/mlx5-IB/OOM lines in the last 3600 s of a readable log (journalctl -k, 1844 lines)",
            "duration_s": 0.21})
    return c


def rl7_13():
    """One rank dies of SIGSEGV inside a custom op (exitcode -11); peers see the connection drop."""
    hosts = ["h200-s%02d" % i for i in range(1, 3)]
    node = hosts[1]
    c = new(13, "rank_process_crash", node + "/gpu5", hosts, gpu=H200)
    c.alert("SlurmJobFailed", "Slurm job 991021 (vlm-pt) FAILED on 2 nodes", 0, job="vlm-pt",
            slurm_job_id="991021", severity="warning")
    lines = casekit.megatron_iters(c, -300, 5, 4410, step_s=7.3)
    lines += [
        "%d: Fatal Python error: Segmentation fault" % 13,
        "13: ",
        "13: Thread 0x00007f3a2c7fe640 (most recent call first):",
        '13:   File "/opt/venv/lib/python3.10/site-packages/vision_ext/fused_patch.py", line 88 in forward',
        '13:   File "/opt/venv/lib/python3.10/site-packages/torch/nn/modules/module.py", line 1750 in _call_impl',
    ]
    lines += casekit.elastic_failure(c, -200, node, 13, 5, -11, pid=31877, sig="SIGSEGV")
    for r in (0, 4, 9):
        lines.append("%d: [rank%d]:[%s ProcessGroupNCCL.cpp:1895] [PG ID 0 PG GUID 0(default_pg) Rank %d] Process group watchdog thread terminated with exception: NCCL error: remote process exited or there was a network error, NCCL version 2.23.4" % (r, r, c.glog(-190 + r, "E"), r))
        lines.append("%d: ncclRemoteError: A call failed possibly due to a network error or a remote process exiting prematurely." % r)
    lines += ["%d: Last error:" % 9, "9: NET/IB : Got completion from peer 10.12.0.22<59124> with status=5 opcode=1 len=0 vendor err 249 (Send) localGid ::ffff:10.12.0.21 remoteGids::ffff:10.12.0.22 hca mlx5_0",
              "srun: error: %s: task 13: Exited with exit code 1" % node,
              "srun: error: %s: tasks 0-7: Exited with exit code 1" % hosts[0]]
    c.log("slurm-991021.out", lines)
    c.log(node + "/journal", [syslog_k(c, -201, node, "pt_main_thread[31877]: segfault at 18 ip 00007f3a9c21e4b0 sp 00007f3a2c7fa1f0 error 4 in libvision_ext.so[7f3a9c200000+3c000] likely on CPU 57 (core 25, socket 1)"),
                              syslog_k(c, -200, node, "Code: 48 8b 47 18 48 85 c0 74 0a 48 8b 40 08 c3 0f 1f 44 00 00 31 c0 c3 90")])
    return c


def rl7_14():
    """CUDA OOM on every rank after the job was relaunched with a longer sequence (PyTorch 2.5 text)."""
    hosts = ["h100-m%02d" % i for i in range(1, 3)]
    c = new(14, "cuda_oom", "job", hosts, gpu=H100)
    c.alert("KubeJobFailed", "Job llm-train/mistral-ft-seq32k failed to complete", 0, namespace="llm-train",
            job_name="mistral-ft-seq32k", severity="warning")
    lines = ["[%s] INFO:__main__:config: seq_len=32768 (was 8192), micro_batch_size=2, activation_checkpointing=False" % c.ymd(-400)]
    for r in (0, 3, 6, 11, 14):
        g = r % 8
        lines += ["[rank%d]: torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 8.00 GiB. GPU %d has a total capacity of 79.10 GiB of which 3.31 GiB is free. Including non-PyTorch memory, this process has 75.77 GiB memory in use. Of the allocated memory 68.90 GiB is allocated by PyTorch, and 5.62 GiB is reserved by PyTorch but unallocated. If reserved but unallocated memory is large try setting PYTORCH_CUDA_ALLOC_CONF=expandable_segments:True to avoid fragmentation.  See documentation for Memory Management  (https://pytorch.org/docs/stable/notes/cuda.html#environment-variables)" % (r, g)]
    c.log("llm-train/mistral-ft-seq32k/logs", casekit.app_noise(c, 3) + lines + casekit.elastic_failure(c, -100, hosts[0], 0, 0, 1,
          traceback="torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 8.00 GiB."))
    return c


def rl7_15():
    """Illegal memory access from a new fused-attention kernel on several ranks of several nodes
    (Xid 13 out-of-range address, Xid 43); application-wide."""
    hosts = ["b200-n%02d" % i for i in range(1, 5)]
    c = new(15, "illegal_memory_access", "job", hosts, gpu=B200)
    c.alert("SlurmJobFailed", "Slurm job 120044 (dit-video) FAILED", 0, job="dit-video", slurm_job_id="120044",
            severity="warning")
    lines = []
    for r in (2, 9, 27):
        lines += ["%d: [rank%d]: RuntimeError: CUDA error: an illegal memory access was encountered" % (r, r),
                  "%d: [rank%d]: CUDA kernel errors might be asynchronously reported at some other API call, so the stacktrace below might be incorrect." % (r, r),
                  "%d: [rank%d]: For debugging consider passing CUDA_LAUNCH_BLOCKING=1" % (r, r),
                  "%d: [rank%d]: Compile with `TORCH_USE_CUDA_DSA` to enable device-side assertions." % (r, r)]
    lines.append("9: [rank9]:   File \"/workspace/dit/attn/varlen_fa3.py\", line 71, in forward")
    c.log("slurm-120044.out", casekit.app_noise(c, 2) + lines)
    k = []
    for h, g, s in ((hosts[0], 2, -30), (hosts[1], 1, -29), (hosts[3], 3, -28)):
        k.append(syslog_k(c, s, h, "NVRM: Xid (%s): 13, pid=%d, name=python, Graphics SM Warp Exception on (GPC 3, TPC 2, SM 1): Out Of Range Address" % (nvrm_bus(c, g), 4000 + g)))
        k.append(syslog_k(c, s, h, "NVRM: Xid (%s): 13, pid=%d, name=python, Graphics Exception: ESR 0x51e730=0x102000e 0x51e734=0x0 0x51e728=0x4c1eb72 0x51e72c=0x174" % (nvrm_bus(c, g), 4000 + g)))
        k.append(syslog_k(c, s + 0.5, h, "NVRM: Xid (%s): 43, pid=%d, name=python, Ch 00000010" % (nvrm_bus(c, g), 4000 + g)))
    c.log("nodes/journal-k", k + [syslog_k(c, -20, hosts[2], "nvidia-peermem: loaded"),
                                  syslog_k(c, -19, hosts[2], "audit: backlog limit exceeded")] * 4)
    c.log("git/deploy", ["$ git -C /workspace/dit log --oneline -2",
                         "a91c3e2 attn: switch varlen path to FA3 kernels with packed cu_seqlens",
                         "6e1f004 data: bucket by duration"])
    return c


def rl7_16():
    """Host OOM: kubelet SystemOOM on one node, dataloader workers eat host RAM, alert-first."""
    hosts = ["gpu-h200-e%02d" % i for i in range(1, 5)]
    node = hosts[1]
    c = new(16, "host_oom", node, hosts, gpu=H200)
    pod = "video-llm-worker-1"
    a = [am_alert(c, "NodeMemoryHighUtilization", -420, "warning", "Host is running out of memory.",
                  "Memory is filling up at %s:9100, has been above 90%% for the last 15 minutes, is currently at 98.7%%." % node,
                  "100 - (node_memory_MemAvailable_bytes / node_memory_MemTotal_bytes * 100) > 90",
                  instance=node + ":9100"),
         am_alert(c, "KubePodCrashLooping", -30, "warning", "Pod is crash looping.",
                  "Pod llm-train/%s (pytorch) is in waiting state (reason: \"CrashLoopBackOff\")." % pod,
                  "max_over_time(kube_pod_container_status_waiting_reason{reason=\"CrashLoopBackOff\"}[5m]) >= 1",
                  namespace="llm-train", pod=pod, container="pytorch"),
         am_alert(c, "KubeCPUOvercommit", -5000, "warning", "Cluster has overcommitted CPU resource requests.",
                  "Cluster has overcommitted CPU resource requests for Pods by 12.5 CPU shares and cannot tolerate node failure.",
                  "sum(namespace_cpu:kube_pod_container_resource_requests:sum) > ...")]
    node_series(c, "node_memory_MemAvailable_bytes", node, lambda s: max(1.1e9, 1.6e12 - (s + 900) * 1.9e9) if s < -200 else 3.1e11, decimals=0)
    node_series(c, "node_vmstat_oom_kill", node, lambda s: 0 if s < -200 else 3, decimals=0)
    webhook(c, a)
    cmd(c, "kubectl/describe-node", ["$ kubectl describe node %s | sed -n '/Conditions/,/Addresses/p;/Events/,$p'" % node,
        "Conditions:", "  Type             Status  LastHeartbeatTime                 Reason                       Message",
        "  ----             ------  -----------------                 ------                       -------",
        "  MemoryPressure   False   %s   KubeletHasSufficientMemory   kubelet has sufficient memory available" % c.at(30).strftime("%a, %d %b %Y %H:%M:%S +0000"),
        "  DiskPressure     False   %s   KubeletHasNoDiskPressure     kubelet has no disk pressure" % c.at(30).strftime("%a, %d %b %Y %H:%M:%S +0000"),
        "  Ready            True    %s   KubeletReady                 kubelet is posting ready status" % c.at(30).strftime("%a, %d %b %Y %H:%M:%S +0000"),
        "Events:", "  Type     Reason     Age    From     Message", "  ----     ------     ----   ----     -------",
        "  Warning  SystemOOM  4m12s  kubelet  System OOM encountered, victim process: pt_data_worker, pid: 2210934",
        "  Warning  SystemOOM  4m10s  kubelet  System OOM encountered, victim process: pt_data_worker, pid: 2210941",
        "  Warning  SystemOOM  4m9s   kubelet  System OOM encountered, victim process: python, pid: 2209977"])
    cmd(c, node + "/dmesg", [
        "%s python invoked oom-killer: gfp_mask=0x140cca(GFP_HIGHUSER_MOVABLE|__GFP_COMP), order=0, oom_score_adj=936" % c.dmesg(-252),
        "%s oom-kill:constraint=CONSTRAINT_NONE,nodemask=(null),cpuset=cri-containerd-9a1e.scope,mems_allowed=0-1,global_oom,task_memcg=/kubepods.slice/kubepods-burstable.slice,task=pt_data_worker,pid=2210934,uid=0" % c.dmesg(-252),
        "%s Out of memory: Killed process 2210934 (pt_data_worker) total-vm:98312448kB, anon-rss:71203344kB, file-rss:8192kB, shmem-rss:40960kB, UID:0 pgtables:141320kB oom_score_adj:936" % c.dmesg(-252)])
    return c


def rl7_17():
    """Loss divergence on all replicas after an LR warm-up change (Megatron-Core NaN check); one GPU
    alert for 84 C, no throttle (C)."""
    hosts = ["h200-t%02d" % i for i in range(1, 9)]
    c = new(17, "loss_divergence", "job", hosts, gpu=H200)
    c.alert("GPUHighTemperature", "GPU temperature is high on %s" % hosts[5], -900, Hostname=hosts[5], gpu="2",
            severity="warning")
    it = 6100
    loss = [2.41, 2.39, 2.44, 2.71, 3.9, 6.8, 11.2, 25.7]
    gn = ["0.612", "0.731", "1.942", "9.315", "48.71", "312.4", "2.113E+04", "inf"]
    lines = [megatron_line(c, -460 + i * 5.2, it - 10 + i, "%.6E" % (2.45 - 0.002 * i), "%.3f" % c.rng.uniform(0.5, 0.7)) for i in range(10)]
    lines += [megatron_line(c, -400 + i * 5.2, it + i, "%.6E" % l, g) for i, (l, g) in enumerate(zip(loss, gn))]
    lines += [megatron_line(c, -358, it + 8, "nan", "nan")]
    for r in (0, 17, 40):
        lines.append("[rank%d]: AssertionError: Rank %d: found NaN in local grad norm in backward pass before data-parallel communication collective. Device: %d, node: %s" % (r, r, r % 8, hosts[r // 8]))
    c.log("slurm-77120.out", ["[%s] INFO: lr schedule: warmup_iters=200 (was 2000), max_lr=6.0e-4" % c.ymd(-1200)] + casekit.app_noise(c, 3) + lines)
    c.gpu_metric("DCGM_FI_DEV_GPU_TEMP", hosts[5], 70, jitter=3, over={2: lambda s, v: 84}, decimals=0)
    c.gpu_metric("DCGM_FI_DEV_CLOCKS_EVENT_REASONS", hosts[5], 0, decimals=0)
    return c


def rl7_18():
    """DeepSpeed 0.15 fp16: overflow every step, loss scale at the minimum, run exits."""
    hosts = ["h100-ds-%02d" % i for i in range(1, 3)]
    c = new(18, "fp16_loss_scale_collapse", "job", hosts, gpu=H100)
    c.alert("TrainingJobFailed", "DeepSpeed job bert-xl-fp16 exited with code 1", 0, job="bert-xl-fp16",
            severity="warning")
    lines = casekit.deepspeed_steps(c, -600, 6, 12000)
    scale = 1024.0
    for i in range(11):
        t = -300 + i * 2.3
        lines.append("[%s] [INFO] [loss_scaler.py:183:update_scale] [deepspeed] OVERFLOW! Rank 0 Skipping step. Attempted loss scale: %d, reducing to %d" % (c.ymd_ms(t), int(scale), max(1, int(scale / 2))))
        scale = max(1.0, scale / 2)
    lines += ["[%s] [INFO] [logging.py:128:log_dist] [Rank 0] step=12017, skipped=11, lr=[9.870000e-05, 9.870000e-05], mom=[(0.9, 0.999), (0.9, 0.999)]" % c.ymd_ms(-270),
              "[rank0]: Traceback (most recent call last):",
              '[rank0]:   File "/opt/conda/lib/python3.11/site-packages/deepspeed/runtime/fp16/loss_scaler.py", line 174, in update_scale',
              "[rank0]:     raise Exception(",
              "[rank0]: Exception: Current loss scale already at minimum - cannot decrease scale anymore. Exiting run."]
    c.log("deepspeed/rank0", lines)
    return c


def rl7_19():
    """Transformer Engine FP8 delayed scaling: amax goes inf in one layer's fc2, scales collapse, NaN."""
    hosts = ["h200-f%02d" % i for i in range(1, 5)]
    c = new(19, "fp8_scaling_overflow", "job", hosts, gpu=H200)
    c.alert("TrainingLossNaN", "nemotron-fp8: loss is NaN", 0, job="nemotron-fp8", severity="critical")
    it = 15020
    lines = [megatron_line(c, -340 + i * 4.1, it - 6 + i, "%.6E" % (1.85 - 0.004 * i), "%.3f" % c.rng.uniform(0.25, 0.3)) for i in range(6)]
    lines += [megatron_line(c, -300 + i * 4.1, it + i, "%.6E" % (1.82 + 0.01 * i), "%.3f" % (0.29 + 0.02 * i)) for i in range(4)]
    lines += [
        "[%s] WARNING:fp8_monitor:iter %d layer 27 mlp.linear_fc2 fwd: amax_history max=inf, scale=0.000000e+00, scale_inv=inf (fp8_format=HYBRID, amax_history_len=1024, amax_compute_algo=max)" % (c.ymd(-283), it + 4),
        "[%s] WARNING:fp8_monitor:iter %d layer 27 mlp.linear_fc2 bwd grad_output: amax=inf, E5M2 saturated 100.0%% of elements" % (c.ymd(-283), it + 4),
        "[%s] WARNING:fp8_monitor:iter %d layers 26-31: fp8 scale underflow to 0 in 14 of 24 tensors" % (c.ymd(-279), it + 5),
        megatron_line(c, -279, it + 4, "nan", "nan"),
        megatron_line(c, -275, it + 5, "nan", "nan"),
        "[%s] INFO: recipe: DelayedScaling(margin=0, fp8_format=Format.HYBRID, amax_history_len=1024, amax_compute_algo='max', reduce_amax=True)" % c.ymd(-274),
        "[%s] INFO: transformer_engine 1.13.0, megatron-core 0.10.0, torch 2.6.0a0+ecf3bae40a.nv25.01" % c.ymd(-274)]
    c.log("nemotron-fp8/rank0", casekit.app_noise(c, 3) + lines)
    return c


def rl7_20():
    """MoE router collapse: Megatron-Core per-layer token counts and aux loss; all-to-all slows."""
    hosts = ["h100-moe-%02d" % i for i in range(1, 9)]
    c = new(20, "moe_expert_imbalance", "job", hosts, gpu=H100)
    c.alert("TrainingThroughputLow", "olmoe-pt throughput 41% below median", 0, job="olmoe-pt", severity="warning")
    it = 41200
    lines = [megatron_line(c, -560 + i * 4.1, it - 6 + i, "%.6E" % (2.06 - 0.001 * i), "0.302", st_ms=4080.0 + i,
                           extra="load_balancing_loss: 1.0%02dE-02 | z_loss: 3.20E-03 | " % (10 + i)) for i in range(6)]
    for i in range(8):
        st = 4100 + i * 520
        lines.append(megatron_line(c, -500 + i * (st / 1000.0), it + i, "%.6E" % (2.05 - 0.001 * i), "%.3f" % 0.31, st_ms=st,
                                   extra="load_balancing_loss: %.6E | z_loss: 3.21E-03 | " % (0.0101 + i * 0.051)))
    lines += ["[%s] INFO:moe_stats: layer 12 tokens_per_expert (64 experts, top-8): max=58231 min=0 mean=8192 cv=3.41 experts_with_zero_tokens=39" % c.ymd(-420),
              "[%s] INFO:moe_stats: layer 12 dropped tokens (capacity_factor=1.25): 61.8%%" % c.ymd(-420),
              "[%s] INFO:moe_stats: layer 20 tokens_per_expert: max=60113 min=0 mean=8192 cv=3.62 experts_with_zero_tokens=44" % c.ymd(-420),
              "[%s] INFO:timers: all2all-dispatch 1873.2 ms (was 412.6), all2all-combine 1692.7 ms" % c.ymd(-419)]
    c.log("olmoe-pt/rank0", lines + casekit.app_noise(c, 4))
    return c


def rl7_21():
    """Straggler: one H100 is slow at GEMM with no throttle reason (clocks at max), step time
    exporter shows its rank late, alert-first; a node_exporter textfile scrape error (C)."""
    hosts = ["gpu-h100-f%02d" % i for i in range(1, 5)]
    node = hosts[3]
    c = new(21, "straggler_rank", node + "/gpu0", hosts, gpu=H100)
    a = [am_alert(c, "TrainingStepTimeHigh", -300, "warning", "Step time of granite-34b 31% above its 6h median",
                  "train_step_seconds p50 went from 3.41 s to 4.47 s.", "train_step_seconds > 1.25 * ...",
                  job_name="granite-34b", namespace="llm-train"),
         am_alert(c, "NodeTextFileCollectorScrapeError", -2000, "warning", "Node Exporter text file collector failed to scrape.",
                  "Node Exporter text file collector on %s:9100 failed to scrape." % hosts[1],
                  "node_textfile_scrape_error == 1", instance=hosts[1] + ":9100")]
    for r in (0, 9, 17, 24, 25, 31):
        slow = r == c.rank_of(node, 0)
        c.series("train_rank_compute_seconds", {"job_name": "granite-34b", "rank": str(r), "node": hosts[r // 8],
                                                "namespace": "llm-train"},
                 (lambda s, slow=slow: (4.31 if s > -600 else 3.29) + c.rng.uniform(-0.03, 0.03) if slow else 3.28 + c.rng.uniform(-0.03, 0.03)), 3)
    gpu_series(c, "DCGM_FI_PROF_PIPE_TENSOR_ACTIVE", node, lambda g, s: (0.61 if g != 0 or s < -600 else 0.83) + c.rng.uniform(-0.02, 0.02), decimals=3)
    gpu_series(c, "DCGM_FI_DEV_SM_CLOCK", node, lambda g, s: 1980, decimals=0)
    gpu_series(c, "DCGM_FI_DEV_CLOCKS_EVENT_REASONS", node, lambda g, s: 0, decimals=0)
    webhook(c, a)
    cmd(c, node + "/cmd/nvidia-smi", ["$ nvidia-smi --query-gpu=index,temperature.gpu,power.draw,clocks.sm,clocks_event_reasons.active --format=csv"
                                      , "index, temperature.gpu, power.draw [W], clocks.current.sm [MHz], clocks_event_reasons.active"] +
        ["%d, %d, %.2f W, 1980 MHz, 0x0000000000000000" % (g, c.rng.randrange(52, 63), c.rng.uniform(560, 660)) for g in range(8)])
    c.gemm("gpu.gemm@%s/gpu0" % node, tflops=531.0)
    c.gemm("gpu.gemm@%s/gpu1" % node)
    c.health("gpu.health@%s/gpu0" % node)
    return c


def rl7_22():
    """Dataloader stall: GPU activity drops in a saw pattern on every node, step time up, data wait
    high, hardware probes pass."""
    hosts = ["h200-dl-%02d" % i for i in range(1, 5)]
    c = new(22, "dataloader_stall", "job", hosts, gpu=H200)
    c.alert("TrainingThroughputLow", "clip-pretrain: samples/s 55% below median", 0, job="clip-pretrain", severity="warning")
    lines = []
    for i in range(10):
        t = -500 + i * 40
        lines.append("%s | INFO | trainer | step %d | loss %.4f | step_time %.2fs | data_time %.2fs | samples/s %.1f" % (
            c.ymd(t), 230100 + i, 2.91 - 0.001 * i, 1.1 if i < 3 else 3.9 + c.rng.uniform(-0.4, 0.4), 0.03 if i < 3 else 2.8 + c.rng.uniform(-0.3, 0.3),
            58000 if i < 3 else 16200))
    lines.insert(4, "/usr/local/lib/python3.12/site-packages/torch/utils/data/dataloader.py:617: UserWarning: This DataLoader will create 64 worker processes in total. Our suggested max number of worker in current system is 24, which is smaller than what this DataLoader is going to create. Please be aware that excessive worker creation might get DataLoader running slow or even freeze, lower the worker number to avoid potential slowness/freeze if necessary.")
    lines.insert(5, "%s | INFO | data | webdataset: switched shard list to s3://laion-mirror/shards-v3/{000000..231071}.tar (was /local/nvme cache)" % c.ymd(-380))
    c.log("clip-pretrain/rank0", lines + casekit.app_noise(c, 8))
    for h in hosts[:2]:
        c.gpu_metric("DCGM_FI_PROF_GR_ENGINE_ACTIVE", h, 0.9, jitter=0.02,
                     over={g: (lambda s, v: v if s < -380 else (0.15 if int(s / 30) % 3 else 0.88)) for g in range(8)}, decimals=3)
    c.health("gpu.health@%s/gpu0" % hosts[0])
    c.nccl("nccl.allreduce@job")
    return c


def rl7_23():
    """Checkpoint storage: shared Lustre /checkpoints at 100%, alert-first; CPU overcommit (C)."""
    hosts = ["h100-cp-%02d" % i for i in range(1, 9)]
    c = new(23, "storage_failure", "job", hosts, gpu=H100)
    a = [am_alert(c, "NodeFilesystemAlmostOutOfSpace", -240, "critical", "Filesystem has less than 3% space left.",
                  "Filesystem on 10.3.0.11@o2ib:/scratch, mounted on /checkpoints, at %s:9100 has only 0.02%% available space left." % hosts[0],
                  "node_filesystem_avail_bytes / node_filesystem_size_bytes * 100 < 3",
                  instance=hosts[0] + ":9100", device="10.3.0.11@o2ib:/scratch", mountpoint="/checkpoints", fstype="lustre"),
         am_alert(c, "NodeFilesystemAlmostOutOfSpace", -238, "critical", "Filesystem has less than 3% space left.",
                  "Filesystem on 10.3.0.11@o2ib:/scratch, mounted on /checkpoints, at %s:9100 has only 0.02%% available space left." % hosts[5],
                  "node_filesystem_avail_bytes / node_filesystem_size_bytes * 100 < 3",
                  instance=hosts[5] + ":9100", device="10.3.0.11@o2ib:/scratch", mountpoint="/checkpoints", fstype="lustre"),
         am_alert(c, "TrainingCheckpointStale", -60, "warning", "No checkpoint written for 3h",
                  "llama-405b-cpt last checkpoint 3h02m ago (interval 1h).", "time() - train_last_checkpoint_timestamp > 10800",
                  job_name="llama-405b-cpt"),
         am_alert(c, "KubeCPUOvercommit", -8000, "warning", "Cluster has overcommitted CPU resource requests.",
                  "Cluster has overcommitted CPU resource requests for Pods by 4 CPU shares and cannot tolerate node failure.",
                  "sum(namespace_cpu:kube_pod_container_resource_requests:sum) > ...")]
    for h in (hosts[0], hosts[5]):
        node_series(c, "node_filesystem_avail_bytes", h, lambda s: max(1.2e9, 4.1e13 - (s + 900) * 4.6e10), decimals=0,
                    device="10.3.0.11@o2ib:/scratch", mountpoint="/checkpoints", fstype="lustre")
    webhook(c, a, group_by=("severity",))
    cmd(c, hosts[0] + "/cmd/df", ["$ df -h /checkpoints", "Filesystem                Size  Used Avail Use% Mounted on",
                                  "10.3.0.11@o2ib:/scratch  3.5P  3.5P  1.2G 100% /checkpoints",
                                  "$ lfs df -h /checkpoints | tail -3",
                                  "scratch-OST0046_UUID       54.6T       54.6T      210.0M 100% /checkpoints[OST:70]",
                                  "scratch-OST0047_UUID       54.6T       54.6T      118.0M 100% /checkpoints[OST:71]",
                                  "filesystem_summary:         3.5P        3.5P        1.2G 100% /checkpoints"])
    return c


def rl7_24():
    """Launch config: Megatron-Core parallel_state rejects world size vs TP x PP x CP."""
    hosts = ["h200-lc-%02d" % i for i in range(1, 7)]
    c = new(24, "launch_config_error", "job", hosts, gpu=H200)
    c.alert("SlurmJobFailed", "Slurm job 3310027 (mcore-70b) FAILED after 94 s", 0, job="mcore-70b",
            slurm_job_id="3310027", severity="warning")
    lines = ["%d: using world size: 48, data-parallel size: 1, context-parallel size: 2, tensor-model-parallel size: 8, pipeline-model-parallel size: 4" % 0,
             "0: > initializing torch distributed ...",
             "0: > initializing tensor model parallel with size 8",
             "0: > initializing pipeline model parallel with size 4",
             "0: [rank0]: Traceback (most recent call last):",
             '0: [rank0]:   File "/opt/megatron-lm/megatron/core/parallel_state.py", line 538, in initialize_model_parallel',
             "0: [rank0]:     raise RuntimeError(",
             "0: [rank0]: RuntimeError: world_size (48) is not divisible by tensor_model_parallel_size (8) x pipeline_model_parallel_size (4) x context_parallel_size (2)",
             "srun: error: %s: tasks 0-7: Exited with exit code 1" % hosts[0]]
    lines += ["srun: error: %s: tasks %d-%d: Exited with exit code 1" % (hosts[i], i * 8, i * 8 + 7) for i in range(1, 6)]
    lines = ["0: INFO:megatron.core.num_microbatches_calculator:setting number of microbatches to constant 64",
             "0: > building GPT2BPETokenizer tokenizer ...",
             "0: > padded vocab (size: 128256) with 0 dummy tokens (new size: 128256)",
             "0: > initializing torch distributed ..."] + lines
    c.log("slurm-3310027.out", ["+ srun --nodes=6 --ntasks-per-node=8 python pretrain_gpt.py --tensor-model-parallel-size 8 --pipeline-model-parallel-size 4 --context-parallel-size 2"] + lines + casekit.app_noise(c, 4))
    return c


def rl7_25():
    """B200 GPU lost: Xid 79 + Xid 154 node reboot required, gpu-operator device plugin advertises 7
    GPUs, inventory probe, alert-first; NTP (C)."""
    hosts = ["b200-p1-%02d" % i for i in range(1, 5)]
    node = hosts[3]
    c = new(25, "gpu_fallen_off_bus", node + "/gpu6", hosts, gpu=B200, pci=casekit.PCI_BUS_B)
    a = [am_alert(c, "NodeGPUCountLow", -120, "critical", "%s exposes fewer GPUs than it has" % node,
                  "kube_node_status_allocatable{resource=\"nvidia_com_gpu\"} for %s is 7 (expected 8)." % node,
                  "kube_node_status_allocatable{resource=\"nvidia_com_gpu\"} < 8", node=node, resource="nvidia_com_gpu"),
         am_alert(c, "KubeNodeNotReady", -100, "warning", "Node is not ready.",
                  "%s has been unready for more than 15 minutes." % hosts[0],
                  "kube_node_status_condition{condition=\"Ready\",status=\"true\"} == 0", node=hosts[0]),
         am_alert(c, "NodeClockNotSynchronising", -4000, "warning", "Clock not synchronising.",
                  "Clock at %s:9100 is not synchronising." % node, "min_over_time(node_timex_sync_status[5m]) == 0",
                  instance=node + ":9100")]
    c.series("kube_node_status_allocatable", {"node": node, "resource": "nvidia_com_gpu", "unit": "integer",
                                              "job": "kube-state-metrics"}, lambda s: 7 if s > -200 else 8, 0)
    gpu_series(c, "DCGM_FI_DEV_GPU_TEMP", node, lambda g, s: (None if (g == 6 and s > -220) else 48 + g), decimals=0)
    webhook(c, a, group_by=("cluster",))
    cmd(c, "kubectl/events", ["$ kubectl get events -n gpu-operator --field-selector involvedObject.kind=Pod | tail -4",
        "LAST SEEN   TYPE      REASON      OBJECT                                  MESSAGE",
        "3m          Warning   Unhealthy   pod/nvidia-device-plugin-daemonset-7qk4d  XID 79 on device %s: marking unhealthy" % c.uuid(node, 6),
        "3m          Normal    Killing     pod/b200-grpo-worker-3                  Stopping container pytorch",
        "20m         Warning   NodeNotReady node/%s                           Node is not ready (kubelet stopped posting node status; maintenance reboot)" % hosts[0]])
    cmd(c, node + "/journal-k", [
        "%s %s kernel: NVRM: Xid (%s): 79, pid=%d, name=python3, GPU has fallen off the bus." % (c.iso(-210), node, nvrm_bus(c, 6), 70311),
        "%s %s kernel: NVRM: GPU %s: GPU has fallen off the bus." % (c.iso(-210), node, "0000:%s:00.0" % c.pci[6]),
        "%s %s kernel: NVRM: Xid (%s): 154, pid=%d, name=python3, GPU recovery action changed from 0x0 (None) to 0x2 (Node Reboot Required)" % (c.iso(-210), node, nvrm_bus(c, 6), 70311),
        "%s %s kernel: pcieport 0000:%s:01.0: pciehp: Slot(%d): Link Down" % (c.iso(-211), node, "b8", 12)])
    c.inventory("gpu.inventory@%s/gpu6" % node, count=7, details={"driver": DRIVER[B200], "cuda": "12.8", "missing_bus_ids": ["0000:%s:00.0" % c.pci[6]]})
    return c


def rl7_26():
    """B200 NVLink 5: Xid 149 on one GPU, CRC flit series, nccl.p2p_matrix finds the slow pairs."""
    hosts = ["b200-q%02d" % i for i in range(1, 3)]
    node = hosts[0]
    c = new(26, "nvlink_error", node + "/gpu4", hosts, gpu=B200, pci=casekit.PCI_BUS_B)
    c.alert("NCCLBusBandwidthLow", "nccl-tests all_reduce_perf on %s: busbw 212 GB/s < 600" % node, 0, Hostname=node,
            severity="warning")
    # RV-RL7: the first version's "NVLink: NETIR Error (0x11) on link 13: Link Down event, (First)"
    # is no driver's text; r570+ prints the NVLink 5 Xids 144-150 as unit, severity, XC / instance,
    # link and six words, with no pid or process name.
    k = ["%s NVRM: Xid (%s): 149, NETIR_LINK_EVT Fatal XC0 i0 Link 13 (0x004505c6 0x00000000 0x00000000 0x00000000 0x00000000 0x00000000)" % (c.dmesg(-600), nvrm_bus(c, 4)),
         "%s NVRM: Xid (%s): 149, NETIR_LINK_EVT Fatal XC0 i0 Link 14 (0x004505c6 0x00000000 0x00000000 0x00000000 0x00000000 0x00000000)" % (c.dmesg(-600), nvrm_bus(c, 4)),
         "%s NVRM: nvlink: link 13 of GPU %s went to state FAULT" % (c.dmesg(-599), "0000:%s:00.0" % c.pci[4]),
         "%s NVRM: Xid (%s): 154, pid='<unknown>', name=<unknown>, GPU recovery action changed from 0x0 (None) to 0x1 (GPU Reset Required)" % (c.dmesg(-598), nvrm_bus(c, 4))]
    c.log(node + "/dmesg", k + casekit.kernel_noise(c, node, 10, fmt="dmesg"))
    c.log(node + "/nccl-tests", [
        "# nThread 1 nGpus 8 minBytes 1073741824 maxBytes 1073741824 step: 2(factor) warmup iters: 5 iters: 20 agg iters: 1 validation: 1 graph: 0",
        "#  Rank  4 Group  0 Pid  20113 on   %s device  4 [0x%s] NVIDIA B200" % (node, c.pci[4]),
        "#       size         count      type   redop    root     time   algbw   busbw #wrong     time   algbw   busbw #wrong",
        "  1073741824     268435456     float     sum      -1   8861.2  121.17  212.05      0   8859.0  121.20  212.10      0",
        "# Avg bus bandwidth    : 212.074", "$ journalctl -u nvidia-fabricmanager | tail -1"] + ["nvidia-fabricmanager: NVLink link 13 on GPU 4 (%s) is not active; NVLink bandwidth degraded" % c.uuid(node, 4)] +
        ["# NCCL_VERSION 2.26.2+cuda12.8"] * 1)
    gpu_series(c, "DCGM_FI_DEV_NVLINK_CRC_FLIT_ERROR_COUNT_TOTAL", node, lambda g, s: (5100 + max(0, s + 660) * 900) if g == 4 else 30, decimals=0)
    c.nccl("nccl.p2p_matrix@%s" % node, busbw=41.3, details={"slowest_pairs": ["gpu4-gpu0", "gpu4-gpu5", "gpu4-gpu7"]})
    c.probes["nccl.p2p_matrix@%s" % node]["reason"] = "min_pair_gb_s 41.3 below 250.0: every pair with gpu4 is slow (41-58 GB/s), other pairs 640-690 GB/s"
    c.health_rates("gpu.health@%s/gpu4" % node, nvlink_links_up=16, xid_last=149)
    return c


def rl7_27():
    """IB retry-exceeded (status=12) from several ranks against one peer; that node's mlx5_5 flapping."""
    hosts = ["h200-ib%02d" % i for i in range(1, 9)]
    node = hosts[4]
    c = new(27, "ib_link_failure", node + "/mlx5_5", hosts, gpu=H200)
    c.alert("TrainingJobFailed", "Slurm job 7781002 (dbrx-ft) FAILED", 0, job="dbrx-ft", slurm_job_id="7781002",
            severity="warning")
    peer = "10.20.4.%d" % (50 + 4)
    lines = []
    for r, h in ((3, hosts[0]), (19, hosts[2]), (51, hosts[6])):
        pid = 33000 + r
        lines.append("%d: %s:%d:%d [%d] transport/net_ib.cc:2025 NCCL WARN NET/IB: Got completion from peer %s<45771> with status=12 opcode=0 len=0 vendor err 129 (Send) localGid ::ffff:10.20.4.%d remoteGids::ffff:%s hca mlx5_5" % (r, h, pid, pid + 210, r % 8, peer, 50 + r // 8, peer))
        lines.append("%d: %s:%d:%d [%d] NCCL INFO transport/net.cc:1263 -> 6" % (r, h, pid, pid + 210, r % 8))
    for r in (3, 19, 36, 51):
        lines.append("%d: [rank%d]:[%s ProcessGroupNCCL.cpp:1895] [PG ID 0 PG GUID 0(default_pg) Rank %d] Process group watchdog thread terminated with exception: NCCL error: remote process exited or there was a network error, NCCL version 2.23.4" % (r, r, c.glog(-40, "E"), r))
    c.log("slurm-7781002.out", casekit.megatron_iters(c, -400, 4, 901) + lines)
    k = [syslog_k(c, -120 + i * 9, node, "mlx5_core 0000:%s:00.0 ibp%ss0: Link %s" % (casekit.NIC_BUS[5], c.rng.choice(["158", "158"]), "down" if i % 2 == 0 else "up")) for i in range(6)]
    c.log(node + "/journal", k + casekit.kernel_noise(c, node, 5))
    # node.kernel_log's verdict as probes/gpu/kernel_log.cc writes it (RV-RL7: the first version's
    # reason named mlx5_5, which the probe cannot know from the netdev's line): the three
    # "Link down" lines are findings ("Link up" is none), described by their PCI address.
    pci = "0000:%s:00.0" % casekit.NIC_BUS[5]
    downs = [(c.iso(-120 + i * 9), "mlx5_core %s ibp158s0: Link down" % pci) for i in (0, 2, 4)]
    reason = "; ".join("PCI %s: ib_link [ib_link_failure] at %s: %s" % (pci, t, x) for t, x in downs)
    c.probe("node.kernel_log@%s" % node, {"status": "fail", "metrics": kernel_log_metrics(2210, ib_link_lines=3),
            "thresholds": {}, "reason": reason + " (3 finding(s) in the last 3600 s, journalctl -k)",
            "details": {"source": "journalctl -k", "categories": ["ib_link_failure"],
                        "gpus_by_category": {"ib_link_failure": []},
                        "findings": [{"time": t, "kind": "ib_link", "text": x, "pci": pci, "category": "ib_link_failure"}
                                     for t, x in downs]},
            "duration_s": 0.27})
    c.probe("node.kernel_log@%s" % hosts[0], {"status": "pass", "metrics": kernel_log_metrics(1960), "thresholds": {},
            "reason": "no Xid/NVLink/AER/mlx5-IB/OOM lines in the last 3600 s of a readable log (journalctl -k, 1960 lines)", "duration_s": 0.19})
    return c


def rl7_28():
    """Hang alert-first: no progress; every GPU of the job busy at 100% (NCCL kernels spinning) but
    one GPU idle: its rank never joined the collective; py-spy shows it in a host-side wait."""
    hosts = ["gpu-h100-g%02d" % i for i in range(1, 5)]
    node = hosts[1]
    c = new(28, "nccl_collective_hang", node + "/gpu6", hosts, gpu=H100)
    pod = "mpt-30b-worker-1"
    a = [am_alert(c, "TrainingJobNoProgress", -60, "critical", "No training step for 10 minutes",
                  "mpt-30b has not reported a step for 10m.", "increase(train_steps_total[10m]) == 0",
                  job_name="mpt-30b", namespace="llm-train"),
         am_alert(c, "KubePodNotReady", -3000, "warning", "Pod has been in a non-ready state for more than 15 minutes.",
                  "Pod monitoring/grafana-7d5f9c8c9-xk2pl has been in a non-ready state for longer than 15 minutes.",
                  "kube_pod_status_phase{phase=~\"Pending|Unknown|Failed\"} > 0", namespace="monitoring",
                  pod="grafana-7d5f9c8c9-xk2pl")]
    for h in hosts[:2]:
        gpu_series(c, "DCGM_FI_DEV_GPU_UTIL", h, lambda g, s, h=h: (0 if (h == node and g == 6 and s > -700) else 100),
                   pod="mpt-30b-worker-%d" % hosts.index(h), decimals=0)
        gpu_series(c, "DCGM_FI_PROF_PIPE_TENSOR_ACTIVE", h, lambda g, s, h=h: (0.0 if s > -700 else 0.55), pod="mpt-30b-worker-%d" % hosts.index(h), decimals=3)
    c.series("train_steps_total", {"job_name": "mpt-30b", "namespace": "llm-train"}, lambda s: 51200 + min(s, -700) // 4 + 300, 0)
    webhook(c, a)
    cmd(c, "kubectl/exec-py-spy", ["$ kubectl -n llm-train exec %s -- py-spy dump --pid $(pgrep -f 'local_rank=6')" % pod,
        "Process 1877: /usr/bin/python -u train.py --local_rank=6",
        "Python v3.10.12 (/usr/bin/python3.10)", "",
        'Thread 1877 (idle): "MainThread"',
        "    acquire (threading.py:0)",
        "    log_metrics (utils/metrics.py:88)",
        "    train (train.py:301)",
        'Thread 1990 (idle): "pt_nccl_watchdog"'])
    return c


def rl7_29():
    """Xid 95 uncontained ECC on an H200, alert-first, with dcgmi health and a Xid series; the
    unrelated RAID alert on the boot mirror is a confounder."""
    hosts = ["h200-u%02d" % i for i in range(1, 5)]
    node = hosts[0]
    c = new(29, "gpu_memory_uncorrectable_ecc", node + "/gpu2", hosts, gpu=H200)
    a = [am_alert(c, "GPUXidError", -50, "critical", "GPU reported Xid 95 on %s" % node,
                  "GPU 2 (%s) on %s reported XID 95 for 1m." % (c.uuid(node, 2), node),
                  "max by (Hostname, gpu, UUID) (DCGM_FI_DEV_XID_ERRORS) > 0",
                  Hostname=node, gpu=2, UUID=c.uuid(node, 2), modelName=c.gpu, xid="95"),
         am_alert(c, "NodeRAIDDegraded", -7000, "critical", "RAID Array is degraded.",
                  "RAID array 'md0' at %s:9100 is in degraded state due to one or more disks failures." % node,
                  "node_md_disks_required - ignoring(state) (node_md_disks{state=\"active\"}) > 0",
                  instance=node + ":9100", device="md0")]
    gpu_series(c, "DCGM_FI_DEV_XID_ERRORS", node, lambda g, s: (95 if s > -120 else 0) if g == 2 else 0, decimals=0)
    gpu_series(c, "DCGM_FI_DEV_ECC_DBE_VOL_TOTAL", node, lambda g, s: (2 if s > -120 else 0) if g == 2 else 0, decimals=0)
    webhook(c, a, group_by=("Hostname",))
    cmd(c, node + "/cmd/dcgmi-health", [
        "$ dcgmi health -g 0 -c -j",
        '{"body": {"GPU": {"children": {"2": {"children": {"Memory": {"children": {"Error": {"value": "A DBE has occurred for GPU 2."}, "Error 1": {"value": "Detected uncontained ECC error on GPU 2; the GPU must be reset."}}, "value": "Failure"}}, "value": "Failure"}}}, "Overall Health": {"value": "Failure"}}, "header": ["Health Monitor Report"]}',
        "$ dmesg -T | grep -i xid",
        "[%s] NVRM: Xid (%s): 95, pid=8123, name=pt_main_thread, Uncontained: FBHUB. RST: Yes, D-RST: No" % (c.at(-125).strftime("%a %b %d %H:%M:%S %Y"), nvrm_bus(c, 2)),
        "[%s] NVRM: Xid (%s): 154, pid=8123, name=pt_main_thread, GPU recovery action changed from 0x0 (None) to 0x1 (GPU Reset Required)" % (c.at(-125).strftime("%a %b %d %H:%M:%S %Y"), nvrm_bus(c, 2)),
        "$ cat /proc/mdstat | head -3",
        "Personalities : [raid1]",
        "md0 : active raid1 nvme1n1p2[1] nvme0n1p2[0](F)",
        "      936560640 blocks super 1.2 [2/1] [_U]"])
    return c


def rl7_30():
    """One GPU capped at 400 W by a leftover `nvidia-smi -pl`, SW power cap reason, that rank slow,
    alert-first; CPUThrottlingHigh (C)."""
    hosts = ["gpu-h100-h%02d" % i for i in range(1, 5)]
    node = hosts[2]
    c = new(30, "gpu_power_throttle", node + "/gpu2", hosts, gpu=H100)
    pod = "vit-22b-worker-2"
    a = [am_alert(c, "GPUClocksThrottled", -400, "warning", "GPU clocks are being held down on %s" % node,
                  "DCGM_FI_DEV_CLOCKS_EVENT_REASONS on %s gpu 2 is 4 (SW power cap)." % node,
                  "DCGM_FI_DEV_CLOCKS_EVENT_REASONS & 0xEC > 0", Hostname=node, gpu=2, UUID=c.uuid(node, 2),
                  modelName=c.gpu, pod=pod, namespace="vision"),
         am_alert(c, "CPUThrottlingHigh", -1300, "info", "Processes experience elevated CPU throttling.",
                  "61.4%% throttling of CPU in namespace vision for container tb-sidecar in pod %s." % pod,
                  "sum(increase(container_cpu_cfs_throttled_periods_total[5m])) > 0.25", namespace="vision",
                  pod=pod, container="tb-sidecar")]
    gpu_series(c, "DCGM_FI_DEV_POWER_MGMT_LIMIT", node, lambda g, s: 400 if g == 2 else 700, pod=pod, ns="vision", decimals=0)
    gpu_series(c, "DCGM_FI_DEV_POWER_USAGE", node, lambda g, s: (c.rng.uniform(395, 401) if g == 2 else c.rng.uniform(560, 640)), pod=pod, ns="vision")
    gpu_series(c, "DCGM_FI_DEV_SM_CLOCK", node, lambda g, s: (c.rng.uniform(1310, 1420) if g == 2 else 1980), pod=pod, ns="vision", decimals=0)
    gpu_series(c, "DCGM_FI_DEV_CLOCKS_EVENT_REASONS", node, lambda g, s: 4 if g == 2 else 0, pod=pod, ns="vision", decimals=0)
    webhook(c, a)
    cmd(c, node + "/cmd/nvidia-smi-q-POWER", ["$ nvidia-smi -q -d POWER -i 2 | sed -n '/Power Readings/,/Max Power/p'",
        "    GPU Power Readings", "        Power Draw                        : 398.71 W",
        "        Current Power Limit               : 400.00 W", "        Requested Power Limit             : 400.00 W",
        "        Default Power Limit               : 700.00 W", "        Min Power Limit                   : 200.00 W",
        "        Max Power Limit                   : 700.00 W"])
    return c


CASES = [rl7_01, rl7_02, rl7_03, rl7_04, rl7_05, rl7_06, rl7_07, rl7_08, rl7_09, rl7_10,
         rl7_11, rl7_12, rl7_13, rl7_14, rl7_15, rl7_16, rl7_17, rl7_18, rl7_19, rl7_20,
         rl7_21, rl7_22, rl7_23, rl7_24, rl7_25, rl7_26, rl7_27, rl7_28, rl7_29, rl7_30]


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default=HERE)
    args = ap.parse_args(argv)
    n = casekit.write_cases([f() for f in CASES], args.out)
    print("realistic7: wrote %d cases to %s" % (n, args.out))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
