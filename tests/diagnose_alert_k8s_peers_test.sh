#!/usr/bin/env bash
# Live triage takes a Kubernetes training pod's peers from kube-state-metrics' series in a REAL
# Prometheus (agents/peer_series.h, TRI4; no Kubernetes API client), and refuses a `job` label that
# is a scrape job of that Prometheus (`up{job=...}` has targets):
#  1. history (2 h ending 2 h ago, backfilled as diagnose_alert_peers_test.sh does): kube-state-metrics'
#     kube_pod_info{namespace,pod,node,created_by_kind,created_by_name} and kube_pod_labels
#     {namespace,pod,label_training_kubeflow_org_job_name} of
#       - PyTorchJob ml/llama: llama-master-0 on k8s-a, llama-worker-0..2 on k8s-b, k8s-c, k8s-d, and
#         llama-worker-3 pending (kube_pod_labels, no kube_pod_info);
#       - PyTorchJob ml/bert: bert-0 on k8s-a (the same node as llama-master-0), bert-1 on k8s-e;
#       - PyTorchJob ml/solo: one pod on k8s-a;
#       - a StatefulSet ml2/lws (its job label not exported): lws-0 on k8s-a, lws-1 on k8s-f;
#     dcgm-exporter's (kubernetes mode) DCGM_FI_DEV_GPU_TEMP{Hostname,pod,namespace,container} under the
#     scrape job "gpu-telemetry" (not on IsScrapeJobName's list) on k8s-a..k8s-g and a fleet of 40
#     nodes (fleet001..), k8s-a's and k8s-g's with rack="r1"; `up{job="gpu-telemetry"}` for its 47
#     targets; node_exporter's pause counters of k8s-a, k8s-b, k8s-c (k8s-c's NIC sends PFC pause);
#  2. `vigil diagnose --alert` on alerts of dcgm-exporter (job="gpu-telemetry") on k8s-a naming a pod:
#     llama-master-0 -> peers k8s-b, k8s-c, k8s-d (the pending pod and k8s-d's missing pause counters
#     said, no fleet node read); bert-0 -> k8s-e alone (two jobs on one node); solo-0 -> none, said;
#     lws-0 -> the job not known (said), the rack's k8s-g instead; a pod with no kube-state-metrics
#     series -> said; an alert naming no pod -> "gpu-telemetry" is a scrape job (up), no peer;
#     Prometheus down (last) -> exit 0, said, no peer.
# Before TRI4 (the binary of a0e99ef7): the 32 first fleet nodes by name were the peers (job="gpu-telemetry"
# taken as a training job). Skipped (exit 77) without prometheus / promtool / curl.
# Usage: bash tests/diagnose_alert_k8s_peers_test.sh <build-dir>   (from the repo root)
source "$(dirname "$0")/lib/e2e.sh" "$@"
require_tools prometheus promtool curl
source "$HERE/lib/prometheus.sh"  # free_port, PIDS stopped at exit, backfill, start_prometheus
PY=/usr/bin/python3
V=("$VIGIL" --log-level error --data-dir "$TMP/var" --alertmanager-url "")

NOW=$(date +%s)
S=$(( (NOW - 4 * 3600) / 60 * 60 ))
ONSET=$((S + 3600))
"$PY" - "$S" "$ONSET" "$TMP/history.om" <<'PY'
import sys
S, onset, out = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
times = range(S, S + 2 * 3600, 30)
# (namespace, pod, node or None, owner kind, owner name, job label value or None)
pods = [("ml", "llama-master-0", "k8s-a", "PyTorchJob", "llama", "llama"),
        ("ml", "llama-worker-0", "k8s-b", "PyTorchJob", "llama", "llama"),
        ("ml", "llama-worker-1", "k8s-c", "PyTorchJob", "llama", "llama"),
        ("ml", "llama-worker-2", "k8s-d", "PyTorchJob", "llama", "llama"),
        ("ml", "llama-worker-3", None, "PyTorchJob", "llama", "llama"),
        ("ml", "bert-0", "k8s-a", "PyTorchJob", "bert", "bert"),
        ("ml", "bert-1", "k8s-e", "PyTorchJob", "bert", "bert"),
        ("ml", "solo-0", "k8s-a", "PyTorchJob", "solo", "solo"),
        ("ml2", "lws-0", "k8s-a", "StatefulSet", "lws", None),
        ("ml2", "lws-1", "k8s-f", "StatefulSet", "lws", None)]
ksm = 'instance="10.1.0.9:8080",job="kube-state-metrics"'
with open(out, "w") as f:
    f.write("# TYPE kube_pod_info gauge\n")
    for ns, pod, node, kind, owner, _ in pods:
        if node is None:
            continue
        for t in times:
            f.write(f'kube_pod_info{{{ksm},namespace="{ns}",pod="{pod}",node="{node}",created_by_kind="{kind}",'
                    f'created_by_name="{owner}",uid="{pod}-uid"}} 1 {t}\n')
    f.write("# TYPE kube_pod_labels gauge\n")
    for ns, pod, node, kind, owner, job in pods:
        label = f',label_training_kubeflow_org_job_name="{job}"' if job else ""
        for t in times:
            f.write(f'kube_pod_labels{{{ksm},namespace="{ns}",pod="{pod}",uid="{pod}-uid"{label}}} 1 {t}\n')
    gpu_hosts = [f"k8s-{c}" for c in "abcdefg"] + [f"fleet{i:03d}" for i in range(1, 41)]
    f.write("# TYPE up gauge\n")
    for i, h in enumerate(gpu_hosts):
        for t in times:
            f.write(f'up{{instance="10.2.0.{i + 1}:9400",job="gpu-telemetry"}} 1 {t}\n')
    f.write("# TYPE DCGM_FI_DEV_GPU_TEMP gauge\n")
    on = {p[2]: p for p in pods if p[2]}
    for i, h in enumerate(gpu_hosts):
        rack = ',rack="r1"' if h in ("k8s-a", "k8s-g") else ""
        pod = f',namespace="{on[h][0]}",pod="{on[h][1]}",container="pytorch"' if h in on else ""
        for t in times:
            f.write(f'DCGM_FI_DEV_GPU_TEMP{{Hostname="{h}",gpu="0",instance="10.2.0.{i + 1}:9400",job="gpu-telemetry"{rack}{pod}}} 60 {t}\n')
    for metric in ("node_ethtool_tx_prio3_pause", "node_ethtool_rx_prio3_pause"):
        f.write(f"# TYPE {metric} gauge\n")
        for h in ("k8s-a", "k8s-b", "k8s-c"):
            v = 1000.0
            for t in times:
                sends = h == "k8s-c" and metric.startswith("node_ethtool_tx")
                gets = h != "k8s-c" and metric.startswith("node_ethtool_rx")
                if t >= onset and (sends or gets):
                    v += 16000 if sends else 7800
                f.write(f'{metric}{{instance="{h}:9100",device="ens7np0",job="node"}} {v:.0f} {t}\n')
    f.write("# EOF\n")
PY
backfill "$TMP/history.om" "$TMP/tsdb"
start_prometheus "$TMP/tsdb"
PROM=$URL

# alert_file FILE NAMESPACE POD [RACK]: dcgm-exporter's alert on k8s-a's GPU 0 naming that pod, 5 min
# after the onset ("" = no pod).
alert_file() {
  "$PY" - "$1" "$2" "$3" "${4:-}" "$((ONSET + 300))" <<'PY'
import datetime, json, sys
path, ns, pod, rack, starts = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5])
at = datetime.datetime.fromtimestamp(starts, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
labels = {"alertname": "GpuTemperatureHigh", "Hostname": "k8s-a", "gpu": "0", "job": "gpu-telemetry",
          "instance": "10.2.0.1:9400", "severity": "warning"}
if pod:
    labels.update({"namespace": ns, "pod": pod, "container": "pytorch"})
if rack:
    labels["rack"] = rack
json.dump({"labels": labels, "annotations": {"summary": "GPU 0 on k8s-a runs hot"}, "startsAt": at}, open(path, "w"))
PY
}
# diagnose NAME NAMESPACE POD [RACK]: vigil on that alert into $TMP/NAME.out; exit 0 wanted.
diagnose() {
  alert_file "$TMP/$1.json" "$2" "$3" "${4:-}"
  "${V[@]}" diagnose --alert "$TMP/$1.json" --prometheus-url "$PROM" --no-probes --json >"$TMP/$1.out" 2>"$TMP/$1.err"
  local rc=$?
  [ "$rc" = 0 ] && passed=$((passed + 1)) || { bad "diagnose $1 exit $rc"; cat "$TMP/$1.err"; }
}
# notes NAME PYTHON-ASSERTS: the asserts run with d (the diagnosis), notes, series, prom.
notes() {
  "$PY" - "$TMP/$1.out" "$PROM" <<PY && passed=$((passed + 1)) || bad "$1 (above)"
import json, sys
d = json.load(open(sys.argv[1]))[0]
prom = sys.argv[2]
notes, series = d["trace"][0]["notes"], d["trace"][0]["series"]
assert d["root_cause"], d
assert not any("fleet0" in s for s in series), [s for s in series if "fleet0" in s]
assert not any("fleet0" in n for n in notes), [n for n in notes if "fleet0" in n]
$2
PY
}

# 2. The PyTorchJob's other nodes are the peers.
diagnose llama ml llama-master-0
notes llama '
assert any(n.startswith(f"peers: pod ml/llama-master-0 is one of k8s job ml/llama\x27s 5 pods (kube_pod_labels label_training_kubeflow_org_job_name=\"llama\" at prometheus {prom})") for n in notes), notes
assert any(n.startswith("peers: 1 of k8s job ml/llama\x27s pods have no kube_pod_info naming a node") and "(llama-worker-3:" in n for n in notes), notes
want = "peers: 3 other nodes of k8s job ml/llama read beside k8s-a (k8s-b, k8s-c, k8s-d): 6 pause-counter series"
assert any(n.startswith(want) for n in notes), (want, notes)
assert any("no node_ethtool pause counters" in n and "for k8s-d (" in n for n in notes), notes
assert any("node_ethtool_tx_prio3_pause" in s and "k8s-c:9100" in s for s in series), series
'
diagnose bert ml bert-0
notes bert '
assert any(n.startswith("peers: 1 other nodes of k8s job ml/bert read beside k8s-a (k8s-e)") for n in notes), notes
assert not any("k8s-b" in s or "k8s-c" in s for s in series), series
'
diagnose solo ml solo-0
notes solo '
assert any(n == "peers: k8s job ml/solo has 1 pod (solo-0): no other node to read" for n in notes), notes
assert not any(n.startswith("peers: no job\x27s node list") for n in notes), notes
assert not any("pause" in s for s in series), series
'
diagnose lws ml2 lws-0 r1
notes lws '
assert any(n.startswith("peers: pod ml2/lws-0\x27s job is not known: its kube_pod_labels at") and "--metric-labels-allowlist" in n and "created_by_kind=\"StatefulSet\"" in n for n in notes), notes
assert any(n.startswith("peers: job=\"gpu-telemetry\" is a Prometheus scrape job (up{job=\"gpu-telemetry\"} names 47 targets") and "the nodes of rack=\"r1\" taken instead" in n for n in notes), notes
assert any(n.startswith("peers: 1 other nodes of rack=\"r1\" read beside k8s-a (k8s-g)") for n in notes), notes
assert not any("k8s-f" in n for n in notes), notes
'
diagnose ghost ml ghost-0
notes ghost '
assert any(n.startswith("peers: no kube_pod_labels or kube_pod_info series for pod ml/ghost-0 at") for n in notes), notes
assert any(n.startswith("peers: no job\x27s node list: k8s-a\x27s peers not read (job=\"gpu-telemetry\" is a Prometheus scrape job") for n in notes), notes
'
diagnose nopod "" ""
notes nopod '
want = f"peers: no job\x27s node list: k8s-a\x27s peers not read (job=\"gpu-telemetry\" is a Prometheus scrape job (up{{job=\"gpu-telemetry\"}} names 47 targets at prometheus {prom}), not a training job; the alert carries no Slurm job id"
assert any(n.startswith(want) for n in notes), (want, notes)
assert not any("pause" in s for s in series), series
'
# Prometheus down (last): the alert's own metrics are not read either, so the peers are not asked; said, exit 0.
kill "$PROM_PID"; wait "$PROM_PID" 2>/dev/null
diagnose down ml llama-master-0
notes down '
assert any(n.startswith("metrics: prometheus") and "could not be read" in n for n in notes), notes
assert not any(n.startswith("peers: 3 other nodes") for n in notes), notes
assert not series, series
'

echo "diagnose_alert_k8s_peers_test: $passed passed, $fail failed"
[ "$fail" = 0 ]
