#!/usr/bin/env bash
# Rules trained from Prometheus history keep detecting after the DCGM exporter pod moves (WALKT,
# 2026-12-04; training/HISTORY.md "What a trained rule selects"). Before, the trained select named
# the exporter's `instance` and pod, so after the pod restarted on another address the rules
# selected nothing and `vigil serve --rules` only warned about it.
#  1. backfills 6 h ending 70 min ago (before serve's 1-h warm-up) (`promtool tsdb create-blocks-from openmetrics`, 1-min
#     points) of DCGM_FI_DEV_GPU_TEMP for GPUs 0 and 1 of node-a as a Kubernetes scrape of
#     dcgm-exporter stores them: Hostname, gpu, UUID, modelName, job="dcgm-exporter" and the
#     exporter pod's instance="10.0.0.11:9400", pod, container, endpoint, service, namespace;
#  2. `vigil train-rules --data prom:...` over it: no select names instance or the pod's labels
#     (nor does a rule-file name),
#     each rule file's `# select:` line says which it left out and why, training.json likewise;
#     Series told apart by instance alone (CSV, two trainers' throughput): their selects keep it and
#     train-rules warns once on stderr (since 2026-12-04; before, only the rule files said so);
#  3. the exporter "moves": a live exporter (lib/exporter.py) on a new loopback address, with a new
#     pod name, serves the same two GPUs (noisy, 60-63 C), scraped every 1 s by the same Prometheus;
#  4. `vigil serve --rules <the trained folder> --eval-interval 1`: the rules watch the 2 GPUs'
#     new series (vigil_detection_series 2, vigil_detection_rules_selecting_nothing 0), and it warns
#     that they were trained at step 1m (it reads at its 1 s interval; said since 2026-12-04);
#     GPU 0 to 95 C -> an incident of one of GPU 0's trained rules on Hostname node-a, gpu 0 (with
#     the new instance).
# Skipped (exit 77) only when prometheus / promtool / curl are missing.
# Usage: bash tests/train_rules_exporter_moves_test.sh <build-dir>   (from the repo root)
source "$(dirname "$0")/lib/e2e.sh" "$@"
require_tools prometheus promtool curl
PY=/usr/bin/python3
source "$HERE/lib/prometheus.sh"  # free_port, start_ready, backfill, PIDS (stopped at exit)
source "$HERE/lib/serve.sh"       # start_serve, wait_for

NOW=$(date +%s)
S=$(( (NOW - 6 * 3600 - 70 * 60) / 60 * 60 ))  # ends 70 min ago: before serve's 1-h warm-up
"$PY" - "$S" "$TMP/history.om" <<'PY'
import random, sys
S, out = int(sys.argv[1]), sys.argv[2]
rnd = random.Random(7)
with open(out, "w") as f:
    f.write("# TYPE DCGM_FI_DEV_GPU_TEMP gauge\n")
    for gpu in ("0", "1"):
        labels = (f'Hostname="node-a",UUID="GPU-5f1c-{gpu}",container="nvidia-dcgm-exporter",'
                  f'endpoint="gpu-metrics",gpu="{gpu}",instance="10.0.0.11:9400",job="dcgm-exporter",'
                  f'modelName="NVIDIA H200",namespace="gpu-operator",pod="nvidia-dcgm-exporter-x7k2p",'
                  f'service="nvidia-dcgm-exporter"')
        for i in range(360):
            f.write(f"DCGM_FI_DEV_GPU_TEMP{{{labels}}} {60 + rnd.uniform(0, 3):.2f} {S + 60 * i}\n")
    f.write("# EOF\n")
PY
backfill "$TMP/history.om" "$TMP/tsdb"

# 3 (first, so that train-rules and serve read one Prometheus): the moved exporter, noisy values.
write_series() {  # write_series GPU0_VALUE: both GPUs' exposition, GPU 1 always normal
  "$PY" - "$1" "$TMP/series.prom" <<'PY'
import os, random, sys
v0, out = sys.argv[1], sys.argv[2]
r = random.Random()
v0 = float(v0) if v0 != "normal" else 60 + r.uniform(0, 3)
with open(out + ".tmp", "w") as f:
    f.write("# TYPE DCGM_FI_DEV_GPU_TEMP gauge\n")
    for gpu, v in (("0", v0), ("1", 60 + r.uniform(0, 3))):
        f.write(f'DCGM_FI_DEV_GPU_TEMP{{Hostname="node-a",UUID="GPU-5f1c-{gpu}",gpu="{gpu}",modelName="NVIDIA H200"}} {v:.2f}\n')
os.replace(out + ".tmp", out)
PY
}
echo normal >"$TMP/gpu0"
write_series normal
echo 0 >"$TMP/value"
( while :; do write_series "$(cat "$TMP/gpu0")"; sleep 0.3; done ) &
PIDS+=($!)
start_ready exporter "$TMP/exporter.log" "$PY" "$HERE/lib/exporter.py" "{PORT}" "$TMP/series.prom" "$TMP/value"
EXPORTER_PORT=$READY_PORT
cat >"$TMP/prometheus.yml" <<EOF
global:
  scrape_interval: 1s
scrape_configs:
  - job_name: dcgm-exporter
    static_configs:
      - targets: ['127.0.0.1:$EXPORTER_PORT']
        labels: {pod: nvidia-dcgm-exporter-q9w4r, container: nvidia-dcgm-exporter, endpoint: gpu-metrics,
                 service: nvidia-dcgm-exporter, namespace: gpu-operator}
EOF
start_ready prometheus "$TMP/prometheus.log" prometheus --config.file="$TMP/prometheus.yml" \
  --storage.tsdb.path="$TMP/tsdb" --storage.tsdb.retention.time=30d --web.listen-address="127.0.0.1:{PORT}"
PROM_URL=$READY_URL

# 2. Train on the backfilled history (the old address).
Q='DCGM_FI_DEV_GPU_TEMP{instance="10.0.0.11:9400"}'
check "train-rules on the history" 0 "trained 2 targets \(2 with rules, 0 failed\)" -- "$VIGIL" train-rules \
  --data "prom:$PROM_URL?query=$Q&start=$S&end=$((S + 359 * 60))&step=1m" --out "$TMP/rules"
if grep -h '^ *select' "$TMP"/rules/*.rules | grep -qE 'instance|pod|container|endpoint|service|namespace'; then
  bad "a trained select names a scrape label: $(grep -h '^ *select' "$TMP"/rules/*.rules | sort -u)"
else
  passed=$((passed + 1))
fi
ls "$TMP/rules" | grep -qE 'x7k2p|10_0_0_11|instance' && bad "rule file names carry the exporter's pod or address: $(ls "$TMP/rules")" || passed=$((passed + 1))
grep -h '^ *select' "$TMP"/rules/*.rules | grep -q 'Hostname="node-a"' && passed=$((passed + 1)) ||
  bad "no select names the GPU's Hostname: $(grep -h '^ *select' "$TMP"/rules/*.rules | sort -u)"
[ "$(grep -l '^# select: left container="nvidia-dcgm-exporter", endpoint="gpu-metrics", instance="10.0.0.11:9400", namespace="gpu-operator", pod="nvidia-dcgm-exporter-x7k2p", service="nvidia-dcgm-exporter" out of the select: scrape labels that change when the exporter restarts or moves' "$TMP"/rules/*.rules | wc -l)" = 2 ] &&
  passed=$((passed + 1)) || bad "the rule files do not say which labels they left out: $(grep -h '^# select' "$TMP"/rules/*.rules)"
"$PY" -c 'import json, sys; t = json.load(open(sys.argv[1]))["targets"]; sys.exit(0 if len(t) == 2 and all("instance=" in x["selector_note"] and "instance" not in x["selector"] for x in t) else 1)' \
  "$TMP/rules/training.json" && passed=$((passed + 1)) || bad "training.json has no selector_note: $(head -c 2000 "$TMP/rules/training.json")"

# Series told apart by instance alone (two trainers' throughput, one scrape job): the selects keep
# instance, and train-rules says so on stderr, once for all such targets.
"$PY" -c '
print("timestamp,series,value,instance,job")
for i in range(200):
    for a in ("10.1.0.5:8000", "10.1.0.9:8000"):
        print(f"{1796000000 + 60 * i},samples_per_second,{1800 + (i * 37) % 11},{a},trainers")' >"$TMP/tput.csv"
"$VIGIL" train-rules --data "csv:$TMP/tput.csv" --out "$TMP/tput" >/dev/null 2>"$TMP/tput.err"
[ "$(grep -c 'warning: .* select on volatile scrape labels' "$TMP/tput.err")" = 1 ] &&
  grep -q '^train-rules: warning: 2 target(s) select on volatile scrape labels; .*: kept instance in the select: no other label but the scrape.s job names the unit, .* (the others: their rule files. `# select:` lines)$' "$TMP/tput.err" &&
  passed=$((passed + 1)) || bad "train-rules does not warn once about selects kept on instance: $(cat "$TMP/tput.err")"

# 4. serve the trained rules against the moved exporter.
for _ in $(seq 150); do
  curl -sf "$PROM_URL/api/v1/query?query=DCGM_FI_DEV_GPU_TEMP%7Bpod%3D%22nvidia-dcgm-exporter-q9w4r%22%7D" | grep -q '"value"' && break
  sleep 0.2
done
start_serve "$TMP/vigil.log" --data-dir "$TMP/var" --prometheus-url "$PROM_URL" \
  serve --listen 127.0.0.1:0 --no-probes --rules "$TMP/rules" --eval-interval 1
# Trained at step 1m, served every 1 s: serve says so, as vigil detect does for a read at another step.
grep -q "vigil serve: warning: $TMP/rules/.*rules (and 1 more rule files) was trained on prom: data at step 1m (its \`# data:\` line); vigil serve reads and evaluates at step 1s (--eval-interval): .*; serve them with --eval-interval 60" "$TMP/vigil.log" &&
  passed=$((passed + 1)) || bad "serve does not warn that the rules were trained at step 1m: $(grep -i warn "$TMP/vigil.log")"
# The rules watch the moved GPUs' series (the warm-up's read ends 2 intervals before it runs, maybe
# before the new exporter's first scrapes; the gauges follow each evaluation).
detection_metric() { curl -sf "$V/metrics" | awk -v n="$1" '$1 == n { v = $2 } END { print (v == "" ? -1 : v) }'; }
for _ in $(seq 600); do  # up to 60 s (FLK1: was 10 s)
  [ "$(detection_metric vigil_detection_rules_selecting_nothing)" = 0 ] && [ "$(detection_metric vigil_detection_series)" = 2 ] && break
  sleep 0.1
done
[ "$(detection_metric vigil_detection_rules_selecting_nothing)" = 0 ] && [ "$(detection_metric vigil_detection_series)" = 2 ] &&
  passed=$((passed + 1)) || bad "after 60 s the trained rules watch $(detection_metric vigil_detection_series) series, not 2, and $(detection_metric vigil_detection_rules_selecting_nothing) of them select nothing: $(grep -c 'selects no series' "$TMP/vigil.log") warning(s)"
# Their first samples came before serve started, so no rule may be named as selecting nothing
# (before, the warm-up's read ended 2 s before it ran, saw 0 series, and all 6 rules were named:
# "a misspelt metric or label?"; since 2026-12-04, WALKT2, that waits for a read reaching the warm-up).
n_nothing=$(grep -c 'selects no series' "$TMP/vigil.log")
[ "$n_nothing" = 0 ] && passed=$((passed + 1)) ||
  bad "$n_nothing rule(s) named as selecting no series though their series were in Prometheus when serve started: $(grep -E 'warmed up|selects no series' "$TMP/vigil.log" | head -3)"
echo 95 >"$TMP/gpu0"
wait_for 60 'any(i["rule"].startswith("DCGM_FI_DEV_GPU_TEMP") for i in j["incidents"])' && passed=$((passed + 1)) ||
  bad "no incident of a trained rule within 60 s of GPU 0 at 95 C: $(curl -s "$V/api/v1/incidents"; tail -20 "$TMP/vigil.log")"
fetch_incidents "$TMP/inc-"
"$PY" - "$EXPORTER_PORT" "$TMP"/inc-*.json <<'PY' && passed=$((passed + 1)) || bad "the incident is not on node-a GPU 0 at the new address (above)"
import json, sys
port, files = sys.argv[1], sys.argv[2:]
hits = [json.load(open(f)) for f in files]
hits = [j for j in hits if j["rule"].startswith("DCGM_FI_DEV_GPU_TEMP")]
ok = False
for j in hits:
    l = j["alert"]["labels"]
    if l.get("Hostname") == "node-a" and l.get("gpu") == "0" and l.get("instance") == f"127.0.0.1:{port}":
        ok = True
    else:
        print("incident elsewhere:", j["rule"], l)
sys.exit(0 if ok else 1)
PY
# The incident's rule is named as an engineer reads the GPU (metric, Hostname, gpu, rule kind), not
# after every label (before: DCGM_FI_DEV_GPU_TEMP_Hostname__node_a__UUID__GPU_..._modelName__NVIDIA_H200___value_high).
"$PY" - "$TMP"/inc-*.json <<'PY' && passed=$((passed + 1)) || bad "the incident's rule name is not DCGM_FI_DEV_GPU_TEMP_Hostname_node_a_gpu_0_<kind> (above)"
import json, re, sys
names = {json.load(open(f))["rule"] for f in sys.argv[1:]}
names = {n for n in names if n.startswith("DCGM_FI_DEV_GPU_TEMP")}
print("incident rule names:", sorted(names))
sys.exit(0 if names and all(re.fullmatch(r"DCGM_FI_DEV_GPU_TEMP_Hostname_node_a_gpu_0_[a-z][a-z0-9_]*", n) and "UUID" not in n
                            and "modelName" not in n for n in names) else 1)
PY
echo "train_rules_exporter_moves_test: $passed passed, $fail failed"
[ "$fail" = 0 ]
