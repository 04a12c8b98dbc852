#!/usr/bin/env bash
# Live alert triage on real GPUs (a device call; see probes/README.md): a StragglerRank alert for
# rank 1 of a job on this host goes to `vigil diagnose --alert` with the local probe executor,
# first with both GPUs healthy, then while a second process saturates that rank's GPU with BF16 GEMMs (the
# noisy neighbour that makes rank 1 a straggler). Writes $OUT/triage_{healthy,hog}.json and the
# printed diagnoses, and a summary line per run.
#   bash probes/gpu/triage_demo.sh .device
set -u
dev=${1:-.device}
out=${OUT:-/tmp/vigil-out}
mkdir -p "$out"
export NCCL_NVLS_ENABLE=0
export LD_LIBRARY_PATH="$dev/lib:$dev/minlib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
vigil="$dev/vigil"
host=$(hostname)
nvidia-smi -L
ngpu=$(nvidia-smi -L | grep -c "^GPU")
g=$((ngpu > 1 ? 1 : 0))  # the straggler's GPU (and rank): 1 on a 2-GPU machine, 0 on one GPU
data_dir=$(mktemp -d)
now=$(date -u +%Y-%m-%dT%H:%M:%SZ)
cat > "$out/alert.json" <<JSON
{"labels":{"alertname":"StragglerRank","severity":"warning","job":"llm-train","node":"$host","rank":"$g"},
 "annotations":{"summary":"rank $g on $host computes 45 ms a step vs 27 ms for the job's faster ranks (lower quartile): a straggler; every other rank waits for it in the all-reduce"},
 "startsAt":"$now","status":"firing"}
JSON
run() {  # name
  local t0=$(date +%s%N)
  "$vigil" --data-dir "$data_dir" --log-level warn --probe-executor "local:binary=$dev/vigil-probe" \
    --allow-intrusive-probes true diagnose --alert "$out/alert.json" --json > "$out/triage_$1.json" 2> "$out/triage_$1.err"
  local rc=$?
  echo "$1: rc=$rc wall=$(( ($(date +%s%N) - t0) / 1000000 )) ms"
  python3 - "$out/triage_$1.json" <<'PY'
import json, sys
raw = open(sys.argv[1]).read()
try:
    docs = json.loads(raw)
except Exception as e:
    print("  not JSON:", e, raw[:400]); sys.exit(0)
docs = docs if isinstance(docs, list) else [docs]
for d in docs:
    g = d.get("diagnosis", d)
    print("  root_cause=%s component=%s confidence=%s mode=%s" % (g.get("root_cause"), g.get("component"), g.get("confidence"), d.get("mode")))
    print("  summary:", g.get("summary"))
    for h in (g.get("hypotheses") or [])[:3]:
        print("  hypothesis:", json.dumps(h)[:240])
    for e in g.get("evidence") or []:
        if e.get("kind") == "probe":
            print("  evidence:", json.dumps(e)[:300])
    v = g.get("verification") or {}
    steps = v.get("steps", []) if isinstance(v, dict) else []
    print("  verification: %d steps; %s" % (len(steps), json.dumps({k: v[k] for k in v if k != "steps"})[:300] if isinstance(v, dict) else ""))
    for st in steps:
        print("   ", st.get("target"), st.get("outcome"), "%.1fs" % st.get("duration_s", 0))
PY
}
run healthy
python3 "$(dirname "$0")/gemm_hog.py" "$g" > "$out/hog.log" 2>&1 &
hog=$!
rm -f /tmp/vigil_hog_stop
for _ in $(seq 1 300); do [ -e /tmp/vigil_hog_ready ] && break; sleep 0.1; done
run hog
touch /tmp/vigil_hog_stop; wait $hog; rm -f /tmp/vigil_hog_ready /tmp/vigil_hog_stop
cat "$out/hog.log"
