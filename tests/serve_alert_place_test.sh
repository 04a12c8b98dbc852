#!/usr/bin/env bash
# Where an alert is, through `vigil serve` with a REAL Prometheus (agents/scrape_labels.h, KSM2):
# two stand-in exporters (tests/lib/exporter.py) scraped by Prometheus 2.42,
#   - kube-state-metrics-like, scraped as the community `prometheus` chart's
#     kubernetes-service-endpoints job does it (honor_labels: true; the Service's labels, `service` and
#     the target's node as `node` attached): kube_pod_info{pod="trainer-0",node="gpu-7",...} keeps its
#     own node, kube_pod_container_status_restarts_total{pod="trainer-0",container="trainer"} gets
#     node="infra-1", kube-state-metrics' own node;
#   - a GPU host's exporters: DCGM_FI_DEV_GPU_TEMP{Hostname="gpu-7"|"gpu-n23"} and
#     node_uname_info{nodename="gpu-n23"};
# then alerts POSTed to serve's webhook (no Alertmanager needed), each read back from the REST API
# and the chat:
#   A. KubePodCrashLooping with the restarts series' labels exactly as Prometheus returns them
#      (node="infra-1"): triaged on gpu-7 (kube_pod_info asked; its evidence says infra-1 is not
#      read); main placed it on infra-1 and never asked kube_pod_info;
#   B. an Xid alert of pod trainer-9 (no kube_pod_info for it), `instance` its exporter's address:
#      the incident's component does not name that address, and says its node is unknown (main:
#      component 10.244.9.9/gpu5);
#   C. a PCIe alert naming its host `instance="gpu-n23.ml.example.net:9100"`: Prometheus names it
#      gpu-n23 (node_uname_info, DCGM): the incident is placed on gpu-n23 (main: on the FQDN), and the
#      chat finds it by either name.
# Skipped (exit 77) only when prometheus / curl are missing.
# Usage: bash tests/serve_alert_place_test.sh <build-dir>   (from the repo root)
source "$(dirname "$0")/lib/e2e.sh" "$@"
require_tools prometheus curl
source "$HERE/lib/prometheus.sh"  # free_port, PIDS stopped at exit, start_ready
source "$HERE/lib/serve.sh"       # start_serve, wait_for
PY=/usr/bin/python3

echo 5 >"$TMP/value"
printf '%s\n' '# TYPE kube_pod_info gauge' \
  'kube_pod_info{namespace="ml",pod="trainer-0",uid="0b6c2f7e-4d1a-4f5e-9d7b-2a9f1c3e5b71",host_ip="10.0.0.7",pod_ip="10.244.7.20",node="gpu-7",created_by_kind="StatefulSet",created_by_name="trainer",priority_class="",host_network="false"} 1' \
  '# TYPE kube_pod_container_status_restarts_total counter' \
  'kube_pod_container_status_restarts_total{namespace="ml",pod="trainer-0",uid="0b6c2f7e-4d1a-4f5e-9d7b-2a9f1c3e5b71",container="trainer"} {value}' \
  >"$TMP/ksm.prom"
printf '%s\n' '# TYPE DCGM_FI_DEV_GPU_TEMP gauge' 'DCGM_FI_DEV_GPU_TEMP{Hostname="gpu-7",gpu="5"} 60' \
  'DCGM_FI_DEV_GPU_TEMP{Hostname="gpu-n23",gpu="1"} 58' '# TYPE node_uname_info gauge' \
  'node_uname_info{nodename="gpu-n23",machine="x86_64",sysname="Linux"} 1' >"$TMP/host.prom"
start_ready ksm "$TMP/ksm.log" "$PY" "$HERE/lib/exporter.py" "{PORT}" "$TMP/ksm.prom" "$TMP/value"
KSM_INSTANCE=127.0.0.1:$READY_PORT
start_ready host "$TMP/host.log" "$PY" "$HERE/lib/exporter.py" "{PORT}" "$TMP/host.prom" "$TMP/value"
HOST_INSTANCE=127.0.0.1:$READY_PORT
# The target labels the chart's relabelling gives kube-state-metrics' endpoint (static here).
cat >"$TMP/prometheus.yml" <<EOF
global:
  scrape_interval: 1s
scrape_configs:
  - job_name: kubernetes-service-endpoints
    honor_labels: true
    static_configs:
      - targets: ['$KSM_INSTANCE']
        labels: {app_kubernetes_io_name: kube-state-metrics, app_kubernetes_io_instance: prometheus,
                 namespace: monitoring, service: prometheus-kube-state-metrics, node: infra-1}
  - job_name: gpu-host
    static_configs: [{targets: ['$HOST_INSTANCE']}]
EOF
start_ready prometheus "$TMP/prometheus.log" prometheus --config.file="$TMP/prometheus.yml" \
  --storage.tsdb.path="$TMP/tsdb" --web.listen-address="127.0.0.1:{PORT}"
PROM=$READY_URL
q() { curl -sf --data-urlencode "query=$1" "$PROM/api/v1/query"; }
for _ in $(seq 600); do
  n=$(q 'count(kube_pod_info) + count(kube_pod_container_status_restarts_total) + count(node_uname_info)' |
      "$PY" -c 'import json,sys; r=json.load(sys.stdin)["data"]["result"]; print(r[0]["value"][1] if r else 0)' 2>/dev/null)
  [ "$n" = 3 ] && break
  sleep 0.1
done
[ "$n" = 3 ] && passed=$((passed + 1)) || { tail -5 "$TMP/prometheus.log"; bad "the exporters were not scraped"; }
# What honor_labels did: the restarts series carries infra-1, kube_pod_info its own gpu-7.
q 'kube_pod_container_status_restarts_total' >"$TMP/restarts.json"
q 'kube_pod_info' >"$TMP/info.json"
"$PY" - "$TMP/restarts.json" "$TMP/info.json" <<'PY' && passed=$((passed + 1)) || bad "Prometheus' labels are not the chart's (above)"
import json, sys
r = json.load(open(sys.argv[1]))["data"]["result"][0]["metric"]
i = json.load(open(sys.argv[2]))["data"]["result"][0]["metric"]
assert r["node"] == "infra-1" and r["namespace"] == "ml" and r["service"] == "prometheus-kube-state-metrics", r
assert i["node"] == "gpu-7", i
PY
sleep 2  # a few more points

start_serve "$TMP/vigil.log" --log-level error --data-dir "$TMP/var" --prometheus-url "$PROM" serve --listen 127.0.0.1:0 --no-probes
STARTS=$(date -u -d "@$(($(date +%s) - 60))" +%Y-%m-%dT%H:%M:%SZ)
# The webhook body: A's labels are the restarts series' as Prometheus returned them.
"$PY" - "$TMP/restarts.json" "$STARTS" >"$TMP/webhook.json" <<'PY'
import json, sys
labels = json.load(open(sys.argv[1]))["data"]["result"][0]["metric"]
labels.pop("__name__", None)
labels.update({"alertname": "KubePodCrashLooping", "reason": "CrashLoopBackOff", "severity": "warning"})
starts = sys.argv[2]
alerts = [
    {"status": "firing", "labels": labels, "startsAt": starts,
     "annotations": {"summary": "Pod ml/trainer-0 (trainer) is in waiting state (reason: CrashLoopBackOff)."}},
    {"status": "firing", "startsAt": starts,
     "labels": {"alertname": "TrainerGpuLost", "namespace": "ml", "pod": "trainer-9", "gpu": "5", "xid": "79",
                "instance": "10.244.9.9:8000", "job": "kubernetes-pods", "severity": "critical"},
     "annotations": {"summary": "Xid 79 on GPU 5 of pod ml/trainer-9: GPU has fallen off the bus"}},
    {"status": "firing", "startsAt": starts,
     "labels": {"alertname": "GPUPCIeLinkDowngraded", "instance": "gpu-n23.ml.example.net:9100", "job": "node",
                "pci_bus": "0000:3a:00.0", "severity": "warning"},
     "annotations": {"summary": "PCIe link of device 0000:3a:00.0 on gpu-n23.ml.example.net:9100 trained at x4 (max x16)"}},
]
print(json.dumps({"version": "4", "status": "firing", "receiver": "vigil", "alerts": alerts}))
PY
check "webhook accepted" 0 '' -- curl -sf -XPOST -H 'Content-Type: application/json' --data-binary @"$TMP/webhook.json" "$V/api/v1/alerts"
wait_for 120 'j["count"] == 3 and all(i["state"] == "diagnosed" for i in j["incidents"])' && passed=$((passed + 1)) ||
  bad "not 3 diagnosed incidents within 120 s: $(curl -s "$V/api/v1/incidents")"
fetch_incidents "$TMP/incident-"
"$PY" - "$TMP" <<'PY' && passed=$((passed + 1)) || bad "A: the pod's node is kube_pod_info's, not kube-state-metrics' (above)"
import glob, json, sys
inc = [json.load(open(f)) for f in glob.glob(sys.argv[1] + "/incident-*.json")]
a = next(i for i in inc if i["rule"] == "KubePodCrashLooping")
d = a["diagnosis"]
t = d["trace"][0]
series = " ".join(t["series"])
assert 'kube_pod_info' in series and 'node="gpu-7"' in series, t["series"]
# gpu-7's GPU series read; none under infra-1's name (kube-state-metrics' own `up` carries it).
assert any(s.startswith("DCGM_FI_DEV_GPU_TEMP{") and 'Hostname="gpu-7"' in s for s in t["series"]), t["series"]
assert not any('infra-1' in s for s in t["series"] if not s.startswith("up{")), t["series"]
ev = [e for e in d["evidence"] if e["source"].endswith("kube_pod_info")]
assert ev and "runs on node gpu-7" in ev[0]["detail"] and "its `node` label (infra-1) is not read" in ev[0]["detail"], d["evidence"]
assert "infra-1" not in d["component"], d["component"]
PY
"$PY" - "$TMP" <<'PY' && passed=$((passed + 1)) || bad "B: no address as the pod's place (above)"
import glob, json, sys
inc = [json.load(open(f)) for f in glob.glob(sys.argv[1] + "/incident-*.json")]
b = next(i for i in inc if i["rule"] == "TrainerGpuLost")
d = b["diagnosis"]
assert "10.244.9.9" not in d["component"], d["component"]
assert all("10.244.9.9" not in h["component"] for h in d["hypotheses"]), d["hypotheses"]
assert any("pod ml/trainer-9: no kube_pod_info series" in u for u in d["unverified"]), d["unverified"]
PY
"$PY" - "$TMP" <<'PY' && passed=$((passed + 1)) || bad "C: placed on Prometheus' name for the host (above)"
import glob, json, sys
inc = [json.load(open(f)) for f in glob.glob(sys.argv[1] + "/incident-*.json")]
c = next(i for i in inc if i["rule"] == "GPUPCIeLinkDowngraded")
d = c["diagnosis"]
assert d["root_cause"] == "pcie_link_degraded", d["root_cause"]
assert d["component"].split("/")[0] == "gpu-n23", d["component"]
PY
# The chat finds C by either name; the list line names gpu-n23.
for name in gpu-n23 gpu-n23.ml.example.net; do
  curl -sf -XPOST -H 'Content-Type: application/json' --data "{\"message\": \"what is wrong with $name?\"}" "$V/api/v1/chat" >"$TMP/chat.json"
  "$PY" - "$TMP/chat.json" <<'PY' && passed=$((passed + 1)) || bad "chat: $name does not find the PCIe incident: $(head -c 800 "$TMP/chat.json")"
import json, sys
j = json.load(open(sys.argv[1]))
assert "GPUPCIeLinkDowngraded" in j["answer"] and "pcie_link_degraded on gpu-n23" in j["answer"], j["answer"]
assert "KubePodCrashLooping" not in j["answer"], j["answer"]
PY
done

echo "serve_alert_place_test: $passed passed, $fail failed"
[ "$fail" = 0 ]
