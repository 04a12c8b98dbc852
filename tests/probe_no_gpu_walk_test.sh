#!/usr/bin/env bash
# End-to-end, the real vigil-probe built here on a host with no usable GPU (WALKP, 2026-12-04): what
# an on-call engineer meets verifying an alert there.
#  - `vigil probe run gpu.health,gpu.health`: two results named gpu.health (the second was a
#    nameless, reasonless row);
#  - `vigil diagnose --alert` on this host: gpu.inventory's "no usable GPU" makes the node's GPU
#    count 0, so no per-GPU sweep and no NCCL probe follows (25 steps before), one line says what
#    that means for the verdict, and the plan's time counts the inventory's run (it counted 0);
#  - a probe wrapper that leaves a process holding its output: its answer is read, not a timeout.
# Skipped (77) without vigil-probe (no CUDA toolkit) or on a host where a GPU answers.
#   bash tests/probe_no_gpu_walk_test.sh BUILD_DIR
set -u
build=${1:?usage: probe_no_gpu_walk_test.sh BUILD_DIR}
vigil="$build/bin/vigil"
probe="$build/bin/vigil-probe"
[ -x "$probe" ] || { echo "SKIP: no vigil-probe built (no CUDA toolkit)"; exit 77; }
"$probe" --probes gpu.inventory >/dev/null 2>&1
[ $? = 4 ] || { echo "SKIP: vigil-probe finds a usable GPU here"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

# A probe named twice.
"$vigil" probe run gpu.health,gpu.health --executor "local:binary=$probe" --json >"$tmp/twice.json" 2>"$tmp/err"
[ $? = 1 ] || fail "probe run gpu.health,gpu.health: exit $? (want 1): $(cat "$tmp/err")"
python3 - "$tmp/twice.json" <<'PY' || fail "probe named twice: $(cat "$tmp/twice.json")"
import json, sys
r = json.load(open(sys.argv[1]))["results"]
assert [x["probe"] for x in r] == ["gpu.health", "gpu.health"], r
assert all(x["status"] == "unavailable" and x["reason"].startswith("no usable GPU") for x in r), r
PY

# An alert on this host, triaged with the real probes.
host=$(hostname)
now=$(date -u +%Y-%m-%dT%H:%M:%SZ)
cat >"$tmp/alert.json" <<JSON
{"labels":{"alertname":"StragglerRank","severity":"warning","job":"llm-train","node":"$host","rank":"0"},
 "annotations":{"summary":"rank 0 on $host computes 45 ms a step vs 27 ms for the job's faster ranks (lower quartile): a straggler"},
 "startsAt":"$now","status":"firing"}
JSON
"$vigil" --data-dir "$tmp/var" --log-level warn --probe-executor "local:binary=$probe" --allow-intrusive-probes true \
  diagnose --alert "$tmp/alert.json" --json >"$tmp/diag.json" 2>"$tmp/err" || fail "diagnose --alert: $(cat "$tmp/err")"
python3 - "$tmp/diag.json" "$host" <<'PY' || fail "diagnose on a host with no GPU: $(head -c 3000 "$tmp/diag.json")"
import json, re, sys
d = json.load(open(sys.argv[1]))
d = d[0] if isinstance(d, list) else d
host = sys.argv[2]
steps = d["verification"]["steps"]
targets = [s["target"] for s in steps]
assert targets[0] == "gpu.inventory@" + host, targets
assert steps[0]["outcome"] == "unavailable", steps[0]
# Nothing that needs a GPU after the count of 0; the kernel log needs none.
assert all(t == "node.kernel_log@" + host for t in targets[1:]), targets
lines = [u for u in d["unverified"] if "no usable GPU" in u]
assert len(lines) == 1, lines
assert "GPU count of %s: 0" % host in lines[0] and "no GPU probe can run there" in lines[0], lines
for h in d["hypotheses"]:
    assert h["status"] not in ("confirmed", "refuted"), h
# The inventory's run took its time, and the plan counts it.
assert steps[0]["duration_s"] > 0, steps[0]
assert d["verification"]["sequential_s"] >= steps[0]["duration_s"] - 1e-9, d["verification"]
assert d["verification"]["planned_s"] >= steps[0]["duration_s"] - 1e-9, d["verification"]
PY

# A wrapper that starts a process holding its stdout and stderr, then prints vigil-probe's answer.
cat >"$tmp/wrapper.sh" <<SH
#!/bin/sh
sleep 600 &
exec "$probe" "\$@"
SH
chmod +x "$tmp/wrapper.sh"
"$vigil" probe run gpu.inventory --executor "local:binary=$tmp/wrapper.sh,grace_s=1" --time-limit 3 >"$tmp/out" 2>"$tmp/err"
grep -q "^gpu.inventory  *unavailable .*no usable GPU" "$tmp/out" || fail "wrapper holding the pipes: $(cat "$tmp/out" "$tmp/err")"
echo PASS
