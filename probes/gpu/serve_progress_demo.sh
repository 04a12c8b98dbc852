#!/usr/bin/env bash
# What the on-call engineer sees while `vigil serve` verifies an incident on real GPUs (a device call;
# see probes/README.md): serve with the local executor and the real vigil-probe, a second process
# saturating GPU g with BF16 GEMMs (the noisy neighbour that makes rank g a straggler), and a
# StragglerRank alert POSTed to serve's webhook as Alertmanager sends it (Alertmanager itself no longer
# fits a device call's 64 MiB). GET /api/v1/incidents/1 is read every 0.25 s until the incident is
# diagnosed; each new `verification.summary` is printed with the seconds since the POST (VER3 / VER4:
# steps done / running / planned, the reasoner's leading hypotheses, the budget left). Writes
# $OUT/progress_{serve.log,final.json} and prints the timeline and the diagnosis.
#   bash probes/gpu/serve_progress_demo.sh .device
set -u
dev=${1:-.device}
out=${OUT:-/tmp/vigil-out}
mkdir -p "$out"
export NCCL_NVLS_ENABLE=0
export LD_LIBRARY_PATH="$dev/lib:$dev/minlib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
host=$(hostname)
ngpu=$(nvidia-smi -L | grep -c "^GPU")
g=$((ngpu > 1 ? 1 : 0))
work=$(mktemp -d)
port=18181
"$dev/vigil" --data-dir "$work/var" --log-level info --probe-executor "local:binary=$dev/vigil-probe" \
  --allow-intrusive-probes true serve --listen 127.0.0.1:$port --workers 1 > "$out/progress_serve.log" 2>&1 &
vpid=$!
for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break; sleep 0.1; done
python3 "$(dirname "$0")/gemm_hog.py" "$g" > "$out/progress_hog.log" 2>&1 &
hog=$!
rm -f /tmp/vigil_hog_stop
for _ in $(seq 1 300); do [ -e /tmp/vigil_hog_ready ] && break; kill -0 $hog 2>/dev/null || break; sleep 0.1; done
cat > "$work/hook.json" <<JSON
{"version":"4","status":"firing","receiver":"vigil","groupKey":"g","alerts":[
 {"status":"firing","labels":{"alertname":"StragglerRank","severity":"warning","job":"llm-train","node":"$host","rank":"$g"},
  "annotations":{"summary":"rank $g on $host computes 45 ms a step vs 27 ms for the job's faster ranks (lower quartile): a straggler; every other rank waits for it in the all-reduce"},
  "startsAt":"$(date -u +%Y-%m-%dT%H:%M:%SZ)","fingerprint":"f1"}]}
JSON
t0=$(date +%s.%N)
curl -sf -H 'Content-Type: application/json' --data @"$work/hook.json" "http://127.0.0.1:$port/api/v1/alerts" \
  > "$out/progress_webhook.json" || echo "webhook refused (see progress_serve.log)"
last=""
for _ in $(seq 1 480); do
  curl -sf "http://127.0.0.1:$port/api/v1/incidents/1" > "$work/inc.json" 2>/dev/null || { sleep 0.25; continue; }
  line=$(python3 - "$work/inc.json" "$t0" <<'PY'
import json, sys, time
j = json.load(open(sys.argv[1]))
v = j.get("verification") or {}
print("%s | %s" % (j.get("state"), v.get("summary", "(no verification yet)")))
PY
)
  if [ "$line" != "$last" ]; then
    printf '%6.2f s  %s\n' "$(awk -v a="$(date +%s.%N)" -v b="$t0" 'BEGIN{print a-b}')" "$line"
    last=$line
  fi
  case "$line" in queued*|running*|"") ;; *) break ;; esac
  sleep 0.25
done
cp "$work/inc.json" "$out/progress_final.json"
python3 - "$work/inc.json" <<'PY'
import json, sys
j = json.load(open(sys.argv[1]))
d = j.get("diagnosis") or {}
print("state=%s root_cause=%s component=%s confidence=%s" % (j.get("state"), d.get("root_cause"), d.get("component"), d.get("confidence")))
v = j.get("verification") or {}
print("verification:", json.dumps({k: v[k] for k in ("state", "steps", "budget_s", "left_s", "round") if k in v}))
PY
touch /tmp/vigil_hog_stop; wait $hog; rm -f /tmp/vigil_hog_ready /tmp/vigil_hog_stop
kill -TERM $vpid; wait $vpid
rm -rf "$work"
