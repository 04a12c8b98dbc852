#!/usr/bin/env bash
# Alert-only triage checked on a real GPU (a device call; see probes/README.md): an Xid 95
# (uncontained ECC) alert for GPU 0 of this host, as dcgm-exporter's labels and a team's rule
# annotate it, goes to `vigil diagnose --alert`
#   1. with no probe runner (`--no-probes`: what `vigil serve` answers with no Prometheus and no
#      probe runner): the alert's own facts are the only evidence, so the answer must say
#      "suspected ... not verified" and name the probes that would confirm it;
#   2. with the local probe executor on the real GPU, which is healthy (no DBE, no pending remap):
#      the probes must not confirm the alert's claim.
# Writes $OUT/alert_only_{noprobes,probes}.json and a summary per run.
#   bash probes/gpu/alert_only_demo.sh .device
# XID=31 (run 26): the alert names Xid 31 (an MMU fault) instead, and with INJECT=1 the script first
# makes a real one on GPU 0 (DIR/fault_inject illegal-address: an application fault, the GPU stays
# usable), so the kernel log holds the driver's own Xid 31 line for node.kernel_log to confirm.
# The files are then $OUT/alert_xid31_{noprobes,probes}.json.
set -u
dev=${1:-.device}
out=${OUT:-/tmp/vigil-out}
mkdir -p "$out"
export NCCL_NVLS_ENABLE=0
export LD_LIBRARY_PATH="$dev/lib:$dev/minlib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
vigil="$dev/vigil"
host=$(hostname)
uuid=$(nvidia-smi --query-gpu=uuid --format=csv,noheader -i 0 2>/dev/null | head -1)
model=$(nvidia-smi --query-gpu=name --format=csv,noheader -i 0 2>/dev/null | head -1)
data_dir=$(mktemp -d)
xid=${XID:-95}
case "$xid" in
  95) what="uncontained ECC error"; tag=alert_only ;;
  31) what="MMU fault: GPU memory page fault"; tag=alert_xid31 ;;
  *) echo "alert_only_demo.sh: XID must be 95 or 31, got $xid" >&2; exit 2 ;;
esac
if [ "${INJECT:-0}" = 1 ]; then
  "$dev/fault_inject" illegal-address 0; echo "fault_inject rc=$? (1: the fault was reported)"; sleep 2
fi
now=$(date -u +%Y-%m-%dT%H:%M:%SZ)
cat > "$out/xid${xid}_alert.json" <<JSON
{"labels":{"alertname":"GPUXidError","severity":"critical","Hostname":"$host","gpu":"0","UUID":"$uuid","modelName":"$model","xid":"$xid"},
 "annotations":{"summary":"GPU 0 on $host reported Xid $xid","description":"DCGM_FI_DEV_XID_ERRORS is $xid ($what) on $host GPU 0 ($uuid)."},
 "startsAt":"$now","status":"firing",
 "generatorURL":"http://prometheus:9090/graph?g0.expr=DCGM_FI_DEV_XID_ERRORS+%3E+0&g0.tab=1"}
JSON
summary() {  # file
  python3 - "$1" <<'PY'
import json, sys
raw = open(sys.argv[1]).read()
try:
    docs = json.loads(raw)
except Exception as e:
    print("  not JSON:", e, raw[:400]); sys.exit(0)
docs = docs if isinstance(docs, list) else [docs]
for d in docs:
    g = d.get("diagnosis", d)
    print("  root_cause=%s component=%s confidence=%s" % (g.get("root_cause"), g.get("component"), g.get("confidence")))
    print("  summary:", (g.get("summary") or "")[:300])
    print("  mitigation:", (g.get("mitigation") or "")[:200])
    for u in (g.get("unverified") or [])[:2]:
        print("  unverified:", u[:300])
    for h in (g.get("hypotheses") or [])[:3]:
        print("  hypothesis:", json.dumps(h)[:200])
    for e in g.get("evidence") or []:
        if e.get("kind") == "probe":
            print("  evidence:", json.dumps(e)[:300])
    v = g.get("verification") or {}
    steps = v.get("steps", []) if isinstance(v, dict) else []
    print("  verification: %d steps" % len(steps))
    for st in steps:
        print("   ", st.get("target"), st.get("outcome"), "%.1fs" % st.get("duration_s", 0))
PY
}
t0=$(date +%s%N)
"$vigil" --data-dir "$data_dir" --log-level warn diagnose --alert "$out/xid${xid}_alert.json" --no-probes --json \
  > "$out/${tag}_noprobes.json" 2> "$out/${tag}_noprobes.err"
echo "noprobes: rc=$? wall=$(( ($(date +%s%N) - t0) / 1000000 )) ms"
summary "$out/${tag}_noprobes.json"
t0=$(date +%s%N)
"$vigil" --data-dir "$data_dir" --log-level warn --probe-executor "local:binary=$dev/vigil-probe" \
  diagnose --alert "$out/xid${xid}_alert.json" --json > "$out/${tag}_probes.json" 2> "$out/${tag}_probes.err"
echo "probes: rc=$? wall=$(( ($(date +%s%N) - t0) / 1000000 )) ms"
summary "$out/${tag}_probes.json"
