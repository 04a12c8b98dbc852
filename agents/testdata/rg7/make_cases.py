#!/usr/bin/env python3
"""Writes the RG7 test cases (agents/diagnosis_rg7_test.cc) as case JSON files beside this script.

Deterministic, stdlib only. Node names n-01 ...; written for the tests, not copied from a set.
The same files run through `vigil diagnose --case FILE` (how each was checked to fail before the fix).
"""
import json, os

HERE = os.path.dirname(os.path.abspath(__file__))
T0 = 1788000000000  # ms
STEP = 60000
PCI = ["18", "2a", "3a", "5d", "9a", "ab", "ba", "db"]


def dcgm(name, node, gpu, values, start=0):
    return {"name": name,
            "labels": {"gpu": str(gpu), "Hostname": node, "device": "nvidia%d" % gpu,
                       "pci_bus_id": "00000000:%s:00.0" % PCI[gpu].upper(), "modelName": "NVIDIA H200",
                       "job": "nvidia-dcgm-exporter", "instance": node + ":9400"},
            "samples": [[T0 + (start + i) * STEP, v] for i, v in enumerate(values)]}


def topo(nodes):
    return {"gpu_model": "NVIDIA H200", "nodes": nodes, "gpus_per_node": 8,
            "gpu_pci_bus": {"gpu%d" % g: "0000:%s:00.0" % p for g, p in enumerate(PCI)}}


def ts(i):  # ISO time of minute i
    import datetime
    return datetime.datetime.fromtimestamp((T0 + i * STEP) / 1000, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def syslog(i):
    import datetime
    d = datetime.datetime.fromtimestamp((T0 + i * STEP) / 1000, datetime.timezone.utc)
    return d.strftime("%b %e %H:%M:%S")


def write(name, case):
    with open(os.path.join(HERE, name), "w") as f:
        json.dump(case, f, indent=1)
        f.write("\n")


# 1. Xid 64 then Xid 48 on one GPU (the driver's lines with their PCI address): the remap failed.
write("remap_xid64_xid48.json", {
    "id": "rg7-remap", "alert": {"labels": {"alertname": "TrainingJobFailed", "run": "r1"},
                                  "annotations": {"summary": "run r1 failed"}, "startsAt": ts(12)},
    "logs": [
        {"source": "n-01/journal", "lines": [
            syslog(8) + " n-01 kernel: NVRM: Xid (PCI:0000:5d:00): 64, pid='<unknown>', name=<unknown>, Ch 00000008",
            syslog(9) + " n-01 kernel: NVRM: Xid (PCI:0000:5d:00): 48, pid=48811, name=python3, An uncorrectable double bit error (DBE) has been detected on GPU in the framebuffer at physAddr 0x1f4e2b0000.",
        ]},
        {"source": "train/rank3", "lines": [
            "[rank3]: RuntimeError: CUDA error: uncorrectable ECC error encountered",
        ]},
    ],
    "metrics": [], "topology": topo(["n-01"])})

# 2. A hang whose stuck participant is the GPU with an Xid 79 in the DCGM series (one scrape, then
#    its series stop), beside two symbol errors on another node's HCA.
xid = [dcgm("DCGM_FI_DEV_XID_ERRORS", "n-02", g, [0] * 23) for g in range(8) if g != 6]
xid.append(dcgm("DCGM_FI_DEV_XID_ERRORS", "n-02", 6, [0] * 9 + [79]))
util = [dcgm("DCGM_FI_DEV_GPU_UTIL", "n-02", g, [97] * 23) for g in range(8) if g != 6]
util.append(dcgm("DCGM_FI_DEV_GPU_UTIL", "n-02", 6, [97] * 10))
sym = {"name": "node_infiniband_symbol_error_total",
       "labels": {"device": "mlx5_4", "port": "1", "instance": "n-01:9100", "nodename": "n-01", "job": "node-exporter"},
       "samples": [[T0 + i * STEP, 100 + (2 if i >= 8 else 0)] for i in range(23)]}
watchdog = ("[rank%d]:[E%s ProcessGroupNCCL.cpp:616] [Rank %d] Watchdog caught collective operation timeout: "
            "WorkNCCL(SeqNum=31007, OpType=REDUCE_SCATTER, NumelIn=67108864, NumelOut=67108864, Timeout(ms)=600000) "
            "ran for 600366 milliseconds before timing out.")
import datetime
g = datetime.datetime.fromtimestamp((T0 + 21 * STEP) / 1000, datetime.timezone.utc).strftime("%m%d %H:%M:%S.391901000")
write("hang_dcgm_xid79.json", {
    "id": "rg7-xid79-series", "alert": {"labels": {"alertname": "NCCLWatchdogTimeout", "run": "r2"},
                                         "annotations": {"summary": "NCCL watchdog timeouts in r2"}, "startsAt": ts(22)},
    "logs": [{"source": "job/stderr", "lines": [watchdog % (r, g, r) for r in (0, 3, 17, 21)]}],
    "metrics": xid + util + [sym], "topology": topo(["n-01", "n-02", "n-03"])})

# 3. NVLink CRC flit errors at ~1/s on every GPU of the node, ~4,000/s on GPU 3 with recovery errors.
crc = []
for gpu in range(8):
    rate = 4000 if gpu == 3 else 1
    crc.append(dcgm("DCGM_FI_DEV_NVLINK_CRC_FLIT_ERROR_COUNT_TOTAL", "n-01", gpu,
                    [1000 + rate * 60 * i for i in range(21)]))
rec = [dcgm("DCGM_FI_DEV_NVLINK_RECOVERY_ERROR_COUNT_TOTAL", "n-01", gpu,
            [0] * 12 + ([1, 1, 2, 2, 3, 3, 3, 4, 4] if gpu == 3 else [0] * 9)) for gpu in range(8)]
write("nvlink_crc_outlier.json", {
    "id": "rg7-crc", "alert": {"labels": {"alertname": "DCGMNVLinkCRCErrorsHigh", "Hostname": "n-01", "gpu": "3"},
                                "annotations": {"summary": "NVLink CRC errors on n-01 GPU 3"}, "startsAt": ts(20)},
    "logs": [], "metrics": crc + rec, "topology": topo(["n-01"])})

# 4. MoE router statistics under an exporter's own names; step time up.
def job_series(name, values, extra=None):
    labels = {"job": "train-metrics", "run": "r4"}
    labels.update(extra or {})
    return {"name": name, "labels": labels, "samples": [[T0 + i * STEP, v] for i, v in enumerate(values)]}
write("moe_exporter_names.json", {
    "id": "rg7-moe", "alert": {"labels": {"alertname": "TrainingStepTimeHigh", "run": "r4"},
                                "annotations": {"summary": "r4 step time is high"}, "startsAt": ts(20)},
    "logs": [],
    "metrics": [job_series("train_step_seconds_p50", [4.2] * 8 + [4.7, 6.5, 8.1, 9.7, 9.8, 9.7] + [9.8] * 7),
                job_series("moe_tokens_dropped_ratio", [0.01] * 8 + [0.05, 0.15, 0.26, 0.37] + [0.37] * 9, {"layer": "all"}),
                job_series("moe_expert_load_max_share", [0.08] * 8 + [0.13, 0.29, 0.45, 0.61] + [0.61] * 9)],
    "topology": {"nodes": ["n-01"], "gpus_per_node": 8}})

# 5. A GPU busier than its peers with no hang shown (no watchdog line, no stalled steps): the alert is
#    an Xid 119 from a recording rule whose raw series shows 0.
util5 = [dcgm("DCGM_FI_DEV_GPU_UTIL", "n-01", g, [30] * 21) for g in range(8) if g != 1]
util5.append(dcgm("DCGM_FI_DEV_GPU_UTIL", "n-01", 1, [30] * 10 + [100] * 11))
write("util_odd_no_hang.json", {
    "id": "rg7-util", "alert": {"labels": {"alertname": "GPUXidCritical", "Hostname": "n-01", "gpu": "1", "xid": "119"},
                                 "annotations": {"summary": "Xid 119 (GSP RPC timeout) on n-01 GPU 1",
                                                 "description": "gpu:xid_last:max is 119: NCCL timeouts and hangs follow GSP timeouts"},
                                 "startsAt": ts(20)},
    "logs": [], "metrics": util5 + [dcgm("DCGM_FI_DEV_XID_ERRORS", "n-01", g, [0] * 21) for g in range(8)],
    "topology": topo(["n-01"])})

# 6. The monitoring stack's own lines: dcgm-exporter's fatal exit under `kubectl logs`, its journal
#    line, the kubelet syncing its pod.
write("monitoring_lines.json", {
    "id": "rg7-monitoring", "alert": {"labels": {"alertname": "DCGMExporterDown", "Hostname": "n-01"},
                                       "annotations": {"summary": "dcgm-exporter on n-01 is down"}, "startsAt": ts(20)},
    "logs": [
        {"source": "kubectl", "lines": [
            "$ kubectl -n gpu-operator get pods -o wide --field-selector spec.nodeName=n-01",
            "NAME                                   READY   STATUS             RESTARTS      AGE",
            "nvidia-dcgm-exporter-7xk2q             0/1     CrashLoopBackOff   3 (52s ago)   41d",
            "$ kubectl -n gpu-operator logs nvidia-dcgm-exporter-7xk2q --previous | tail -2",
            "time=\"%s\" level=info msg=\"DCGM successfully initialized!\"" % ts(19),
            "time=\"%s\" level=fatal msg=\"Failed to watch metrics: Error watching fields: The third-party Profiling module returned an unrecoverable error\"" % ts(19),
        ]},
        {"source": "n-01/journal", "lines": [
            syslog(15) + " n-01 dcgm-exporter[3120]: level=info msg=\"Collecting DCP metrics\"",
            syslog(18) + " n-01 kubelet[3312]: E1 pod_workers.go:1298] \"Error syncing pod, skipping\" pod=\"gpu-operator/nvidia-dcgm-exporter-7xk2q\"",
        ]},
    ],
    "metrics": [], "topology": topo(["n-01"])})

# Review RV-RG7's cases.
# 7. The DCGM Xid field keeps the last Xid: a 79 that stands from the window's first sample on a GPU
#    that keeps working (utilisation 97 % throughout) is an old incident's, not this hang's cause.
xid7 = [dcgm("DCGM_FI_DEV_XID_ERRORS", "n-02", g, [0] * 23) for g in range(8) if g != 6]
xid7.append(dcgm("DCGM_FI_DEV_XID_ERRORS", "n-02", 6, [79] * 23))
util7 = [dcgm("DCGM_FI_DEV_GPU_UTIL", "n-02", g, [97] * 23) for g in range(8)]
write("hang_stale_dcgm_xid79.json", {
    "id": "rvrg7-stale-xid79", "alert": {"labels": {"alertname": "NCCLWatchdogTimeout", "run": "r2"},
                                          "annotations": {"summary": "NCCL watchdog timeouts in r2"}, "startsAt": ts(22)},
    "logs": [{"source": "job/stderr", "lines": [watchdog % (r, g, r) for r in (0, 3, 17, 21)]}],
    "metrics": xid7 + util7, "topology": topo(["n-01", "n-02", "n-03"])})

def ib(name, node, values, device="mlx5_4", n=None):
    return {"name": name,
            "labels": {"device": device, "port": "1", "instance": node + ":9100", "nodename": node, "job": "node-exporter"},
            "samples": [[T0 + i * STEP, v] for i, v in enumerate(values)]}


ib_alert = {"labels": {"alertname": "NCCLBusBandwidthLow", "run": "r9"},
            "annotations": {"summary": "r9 all-reduce bus bandwidth is low"}}
# 9. A few symbol errors on a port whose link went down in the window: a link flap.
write("ib_symbol_few_link_downed.json", {
    "id": "rvrg7-ib-flap", "alert": dict(ib_alert, startsAt=ts(22)), "logs": [],
    "metrics": [ib("node_infiniband_symbol_error_total", "n-01", [40] * 8 + [43] * 15),
                ib("node_infiniband_link_downed_total", "n-01", [2] * 8 + [3] * 15)],
    "topology": {"nodes": ["n-01", "n-02"], "gpus_per_node": 8}})
# 10. 300 symbol errors in two minutes of a 60-minute window (75 per 15 min on average over the window).
write("ib_symbol_burst.json", {
    "id": "rvrg7-ib-burst", "alert": dict(ib_alert, startsAt=ts(60)), "logs": [],
    "metrics": [ib("node_infiniband_symbol_error_total", "n-01", [40] * 30 + [190] + [340] * 30)],
    "topology": {"nodes": ["n-01", "n-02"], "gpus_per_node": 8}})
# 11. A healthy MoE run's histogram of tokens per expert: buckets (cumulative counts by `le`), _sum, _count.
les = ["64", "128", "256", "512", "1024", "2048", "4096", "8192", "+Inf"]
cum = [0, 0, 0, 0, 0, 2, 40, 1000, 1024]
hist = [job_series("moe_tokens_per_expert_bucket", [c * (i + 1) for i in range(21)], {"le": le, "layer": "3"})
        for le, c in zip(les, cum)]
hist.append(job_series("moe_tokens_per_expert_sum", [6.5e6 * (i + 1) for i in range(21)], {"layer": "3"}))
hist.append(job_series("moe_tokens_per_expert_count", [1024 * (i + 1) for i in range(21)], {"layer": "3"}))
write("moe_tokens_histogram.json", {
    "id": "rvrg7-moe-hist", "alert": {"labels": {"alertname": "TrainingStepTimeHigh", "run": "r4"},
                                       "annotations": {"summary": "r4 step time is high"}, "startsAt": ts(20)},
    "logs": [],
    "metrics": [job_series("train_step_seconds_p50", [4.2] * 8 + [4.7, 6.5, 8.1, 9.7, 9.8, 9.7] + [9.8] * 7)] + hist,
    "topology": {"nodes": ["n-01"], "gpus_per_node": 8}})

# 12. The same fatal line printed under `kubectl logs` of a trainer's pod, filtered by a grep that
#    names an exporter: the pod read is the trainer's, so its line votes as any workload line does.
write("trainer_logs_grep_exporter.json", {
    "id": "rvrg7-trainer-grep", "alert": {"labels": {"alertname": "TrainingJobFailed", "run": "r12"},
                                          "annotations": {"summary": "run r12 failed"}, "startsAt": ts(20)},
    "logs": [
        {"source": "kubectl", "lines": [
            "$ kubectl -n train logs trainer-0 --previous | grep -v dcgm-exporter | tail -2",
            "time=\"%s\" level=info msg=\"DCGM successfully initialized!\"" % ts(19),
            "time=\"%s\" level=fatal msg=\"Failed to watch metrics: Error watching fields: The third-party Profiling module returned an unrecoverable error\"" % ts(19),
        ]},
    ],
    "metrics": [], "topology": topo(["n-01"])})
