#!/usr/bin/env python3
"""Writes an Alertmanager v4 webhook for an alert storm (a rack losing power, a switch failing).

Every GPU of every node of the rack fires the same few alerts at about the same time: XID errors,
NVLink errors, the node exporter down, the job stalled; optionally one co-firing job alert without
a node. The alerts look like what dcgm-exporter + Prometheus rules + Alertmanager send: labels
alertname, Hostname, instance, gpu, UUID, job, severity; annotations summary/description; startsAt
within a minute; generatorURL with the rule's expression.

  python3 bench/storm_webhook.py --alerts 3000 > /tmp/storm.json      # ~3,000 alerts
  python3 bench/storm_webhook.py --nodes 10 --names XidError,NVLinkDown --job-alert > storm.json

--alerts N picks the node count so that nodes x 8 GPUs x names reaches N, then cuts to N.
Deterministic (no clock, no randomness): the same arguments give the same bytes.
"""
import argparse
import json
import sys
import urllib.parse

ALERTS = {
    # name: (severity, summary, description, expression, per_gpu)
    "XidError": ("critical", "XID 79 on {node} GPU {gpu}",
                 "GPU {gpu} ({uuid}) on {node} reported XID 79: GPU has fallen off the bus.",
                 "DCGM_FI_DEV_XID_ERRORS > 0", True),
    "NVLinkDown": ("warning", "NVLink errors on {node} GPU {gpu}",
                   "NVLink CRC/replay errors rising on {node} GPU {gpu}.",
                   "rate(DCGM_FI_DEV_NVLINK_CRC_FLIT_ERROR_COUNT_TOTAL[5m]) > 0", True),
    "GPUMissing": ("critical", "GPU {gpu} of {node} not reported",
                   "dcgm-exporter on {node} stopped reporting GPU {gpu}.",
                   "absent(DCGM_FI_DEV_GPU_TEMP)", True),
    "NodeDown": ("critical", "{node} is down", "node_exporter on {node} has not answered for 2 minutes.",
                 "up{job=\"node\"} == 0", False),
}


def gen_url(expr):
    return "http://prometheus:9090/graph?g0.expr=" + urllib.parse.quote(expr, safe="") + "&g0.tab=1"


def build(nodes, names, job_alert, start, limit):
    alerts = []
    for n in range(nodes):
        node = "rack7-node-%02d" % n
        inst = "10.7.0.%d:9400" % (n + 10)
        for name in names:
            sev, summ, desc, expr, per_gpu = ALERTS[name]
            for gpu in (range(8) if per_gpu else [None]):
                uuid = "GPU-%08x-7a1c-4e0b-9f3d-%012x" % (n * 8 + (gpu or 0), n)
                labels = {"alertname": name, "Hostname": node, "instance": inst, "job": "dcgm-exporter"
                          if per_gpu else "node", "severity": sev, "cluster": "train-a"}
                if gpu is not None:
                    labels["gpu"] = str(gpu)
                    labels["UUID"] = uuid
                g = gpu if gpu is not None else 0
                alerts.append({
                    "status": "firing",
                    "labels": labels,
                    "annotations": {"summary": summ.format(node=node, gpu=g, uuid=uuid),
                                    "description": desc.format(node=node, gpu=g, uuid=uuid)},
                    "startsAt": "%s:%02d.%03dZ" % (start, (n * 7 + g) % 60, (n * 131 + g * 17) % 1000),
                    "endsAt": "0001-01-01T00:00:00Z",
                    "generatorURL": gen_url(expr),
                    "fingerprint": "%016x" % (hash_str(name + node + str(gpu)) & 0xFFFFFFFFFFFFFFFF),
                })
    if limit is not None:
        alerts = alerts[:limit]
    if job_alert:
        alerts.append({
            "status": "firing",
            "labels": {"alertname": "TrainingJobStalled", "job": "llama-70b-pretrain", "severity": "critical",
                       "cluster": "train-a"},
            "annotations": {"summary": "llama-70b-pretrain made no step for 10 minutes",
                            "description": "The trainer's step counter has not moved since the rack went down."},
            "startsAt": start + ":45.000Z",
            "endsAt": "0001-01-01T00:00:00Z",
            "generatorURL": gen_url("increase(trainer_step_total[10m]) == 0"),
            "fingerprint": "7f3a0c1d2e4b5a69",
        })
    return {
        "version": "4",
        "groupKey": "{}:{cluster=\"train-a\"}",
        "truncatedAlerts": 0,
        "status": "firing",
        "receiver": "vigil",
        "groupLabels": {"cluster": "train-a"},
        "commonLabels": {"cluster": "train-a"},
        "commonAnnotations": {},
        "externalURL": "http://alertmanager:9093",
        "alerts": alerts,
    }


def hash_str(s):  # FNV-1a 64: stable across runs (Python's hash() is salted)
    h = 0xcbf29ce484222325
    for ch in s.encode():
        h = ((h ^ ch) * 0x100000001b3) & 0xFFFFFFFFFFFFFFFF
    return h


MAX_ALERTS = 1000000


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--nodes", type=int, help="nodes of the rack (8 GPUs each)")
    ap.add_argument("--alerts", type=int, help="about this many alerts (nodes chosen to reach it, then cut)")
    ap.add_argument("--names", default="XidError,NVLinkDown,GPUMissing,NodeDown",
                    help="alert names, comma-separated, of: " + ", ".join(ALERTS))
    ap.add_argument("--job-alert", action="store_true", help="add one co-firing TrainingJobStalled alert")
    ap.add_argument("--start", default="2026-11-28T03:14", help="startsAt minute, UTC (YYYY-MM-DDTHH:MM)")
    a = ap.parse_args()
    names = [x for x in a.names.split(",") if x]
    for x in names:
        if x not in ALERTS:
            ap.error("unknown alert name %r; known: %s" % (x, ", ".join(ALERTS)))
    if (a.nodes is None) == (a.alerts is None):
        ap.error("give one of --nodes, --alerts")
    if (a.nodes is not None and a.nodes < 1) or (a.alerts is not None and a.alerts < 1):
        ap.error("--nodes / --alerts must be >= 1")
    per_node = sum(8 if ALERTS[x][4] else 1 for x in names)
    nodes = a.nodes if a.nodes is not None else -(-a.alerts // per_node)
    # vigil refuses a webhook of more than 10,000 alerts (serve and diagnose --alert); 1,000,000 lets
    # the over-limit case be written while a typo (--alerts 100000000) fails at once instead of
    # filling memory (review RV-PERF, F2).
    if nodes * per_node > MAX_ALERTS:
        ap.error("--nodes / --alerts give %d alerts, more than %d" % (nodes * per_node, MAX_ALERTS))
    json.dump(build(nodes, names, a.job_alert, a.start, a.alerts), sys.stdout, indent=1)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
