#!/usr/bin/env bash
# The whole on-call path on real GPUs (a device call; see probes/README.md): a real Alertmanager
# (Debian's binary, carried xz-compressed as .device/alertmanager.xz, with its templates
# in .device/am/) routes a StragglerRank alert
# to `vigil serve`'s webhook; vigil's triage workers diagnose it with live probes through the local
# executor while a second process saturates the rank's GPU with BF16 GEMMs; the test reads the
# incident back from the API. Writes $OUT/serve_*.
#   bash probes/gpu/serve_demo.sh .device
set -u
dev=${1:-.device}
out=${OUT:-/tmp/vigil-out}
mkdir -p "$out"
export NCCL_NVLS_ENABLE=0
export LD_LIBRARY_PATH="$dev/lib:$dev/minlib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
host=$(hostname)
work=$(mktemp -d)
xz -dc "$dev/alertmanager.xz" > "$work/alertmanager" && chmod +x "$work/alertmanager"
# Debian's Alertmanager reads its notification templates from this fixed folder.
tdir=/usr/share/prometheus/alertmanager
for t in default.tmpl email.tmpl; do
  [ -e "$tdir/$t" ] || { mkdir -p "$tdir" && cp "$dev/am/$t" "$tdir/$t"; }
done
ngpu=$(nvidia-smi -L | grep -c "^GPU")
g=$((ngpu > 1 ? 1 : 0))
vport=18080; aport=19093
"$dev/vigil" --data-dir "$work/var" --listen 127.0.0.1:$vport --log-level info \
  --probe-executor "local:binary=$dev/vigil-probe" --allow-intrusive-probes true \
  serve --workers 1 > "$out/serve_vigil.log" 2>&1 &
vpid=$!
cat > "$work/am.yml" <<YML
route:
  receiver: vigil
  group_by: [alertname]
  group_wait: 1s
  group_interval: 5s
  repeat_interval: 1h
receivers:
  - name: vigil
    webhook_configs:
      - url: http://127.0.0.1:$vport/api/v1/alerts
        send_resolved: true
YML
"$work/alertmanager" --config.file "$work/am.yml" --storage.path "$work/am" \
  --web.listen-address 127.0.0.1:$aport --cluster.listen-address= > "$out/serve_am.log" 2>&1 &
apid=$!
for _ in $(seq 1 100); do
  curl -sf "http://127.0.0.1:$vport/healthz" > /dev/null && curl -sf "http://127.0.0.1:$aport/-/ready" > /dev/null && break
  sleep 0.2
done
curl -s "http://127.0.0.1:$vport/healthz"; echo
python3 "$(dirname "$0")/gemm_hog.py" "$g" > "$out/serve_hog.log" 2>&1 &
hog=$!
rm -f /tmp/vigil_hog_stop
for _ in $(seq 1 300); do [ -e /tmp/vigil_hog_ready ] && break; sleep 0.1; done
now=$(date -u +%Y-%m-%dT%H:%M:%SZ)
t0=$(date +%s%N)
curl -s -XPOST -H 'Content-Type: application/json' "http://127.0.0.1:$aport/api/v2/alerts" -d "[{\"labels\":{\"alertname\":\"StragglerRank\",\"severity\":\"warning\",\"job\":\"llm-train\",\"node\":\"$host\",\"rank\":\"$g\"},\"annotations\":{\"summary\":\"rank $g on $host computes 45 ms a step vs 27 ms for the job's faster ranks (lower quartile): a straggler\"},\"startsAt\":\"$now\"}]"
echo "alert posted to Alertmanager"
state=""
for _ in $(seq 1 120); do
  curl -s "http://127.0.0.1:$vport/api/v1/incidents" > "$out/serve_incidents.json"
  state=$(python3 -c "import json; d=json.load(open('$out/serve_incidents.json')); l=d.get('incidents', []); print(l[0].get('state', '') if l else '')" 2>/dev/null)
  [ "$state" = diagnosed ] || [ "$state" = failed ] && break
  sleep 0.5
done
echo "incident state: $state after $(( ($(date +%s%N) - t0) / 1000000 )) ms (Alertmanager group_wait 1 s included)"
curl -s "http://127.0.0.1:$vport/api/v1/incidents/1" > "$out/serve_incident_1.json"
python3 - "$out/serve_incident_1.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
g = d.get("diagnosis", d)
g = g.get("diagnosis", g) if isinstance(g, dict) else g
print("root_cause=%s component=%s confidence=%s" % (g.get("root_cause"), g.get("component"), g.get("confidence")))
for e in g.get("evidence") or []:
    if e.get("kind") == "probe": print("  evidence:", e.get("source"), e.get("detail", "")[:160])
steps = (g.get("verification") or {}).get("steps", [])
print("  %d probe steps: %s" % (len(steps), ", ".join("%s %s" % (s.get("target"), s.get("outcome")) for s in steps)))
PY
curl -s "http://127.0.0.1:$vport/metrics" > "$out/serve_metrics.txt"; grep -c . "$out/serve_metrics.txt"
curl -s -XPOST -H 'Content-Type: application/json' "http://127.0.0.1:$vport/api/v1/chat" -d '{"message":"what happened on '"$host"'?"}' > "$out/serve_chat.json"; head -c 1500 "$out/serve_chat.json"; echo
touch /tmp/vigil_hog_stop; wait $hog; rm -f /tmp/vigil_hog_ready /tmp/vigil_hog_stop
cat "$out/serve_hog.log"
kill $apid $vpid; wait $apid $vpid 2>/dev/null
tail -5 "$out/serve_vigil.log"
