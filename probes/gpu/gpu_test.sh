#!/usr/bin/env bash
# GPU test for vigil-probe (ctest label `gpu`): bash probes/gpu/gpu_test.sh PATH/TO/vigil-probe
# Without a GPU it checks that every probe reports `unavailable` with exit code 4, then exits 77
# (ctest SKIP). With GPUs it checks: no probe errors; GEMM, NCCL and SDC correctness; the
# intrusive gate; the watchdog turning a hung kernel into a result (exit 3); and, with two or
# more GPUs, multi-process NCCL through the TCP rendezvous.
set -u
probe=${1:?usage: gpu_test.sh VIGIL_PROBE}
thresholds=data/probes/thresholds.json
py=python3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export NCCL_NVLS_ENABLE=${NCCL_NVLS_ENABLE:-0}
fail() { echo "FAIL: $*"; exit 1; }

"$probe" --probes all --allow-intrusive --thresholds "$thresholds" --time-limit 240 >"$tmp/all.json" 2>"$tmp/all.err"
rc=$?
if [ "$rc" = 4 ]; then
  $py - "$tmp/all.json" <<'PY' || exit 1
import json, sys
doc = json.load(open(sys.argv[1]))
bad = [r for r in doc["results"] if r["status"] != "unavailable" or not r["reason"]]
assert not bad, bad
print("no GPU: all %d probes unavailable (%s)" % (len(doc["results"]), doc["results"][0]["reason"]))
PY
  echo "SKIP: no GPU"
  exit 77
fi
[ "$rc" = 0 ] || [ "$rc" = 1 ] || fail "vigil-probe exit $rc: $(tail -5 "$tmp/all.err")"
$py - "$tmp/all.json" <<'PY' || fail "full probe set"
import json, sys
doc = json.load(open(sys.argv[1]))
res = {r["probe"]: r for r in doc["results"]}
ngpu = len(doc["gpus"])
problems = []
for r in doc["results"]:
    print("%-20s %-11s %6.2fs  %s" % (r["probe"], r["status"], r["duration_s"], r["reason"][:150]))
    if r["status"] == "error":
        problems.append(r["probe"] + ": error: " + r["reason"])
m = res["gpu.gemm"]["metrics"]
for t in ("bf16", "fp16", "tf32"):
    if not m.get(t + "_rel_error", 1) <= 1e-2:
        problems.append("gemm %s relative error %s" % (t, m.get(t + "_rel_error")))
if res["gpu.sdc"]["metrics"].get("disagreeing_gpus", 1) != 0:
    problems.append("sdc vote: " + res["gpu.sdc"]["reason"])
for p in ("nccl.allreduce", "nccl.allgather", "nccl.reducescatter", "nccl.alltoall", "nccl.sendrecv"):
    r = res[p]
    if ngpu >= 2 and (r["status"] == "unavailable" or r["metrics"].get("wrong_elements", 1) != 0):
        problems.append(p + ": " + r["reason"])
    if ngpu < 2 and r["status"] != "unavailable":
        problems.append(p + " should be unavailable on one GPU")
if res["gpu.inventory"]["metrics"].get("gpu_count") != ngpu:
    problems.append("inventory gpu_count")
# Throughput probes say which other processes computed on their GPUs (details.gpu_sharing,
# gpu_share.h); the probe itself is never among them (its own pid is left out).
for p in ("gpu.gemm", "gpu.hbm_bandwidth", "gpu.pcie_bandwidth", "gpu.kernel_launch"):
    share = (res[p].get("details") or {}).get("gpu_sharing")
    if not isinstance(share, dict) or "foreign_busy" not in share or len(share.get("gpus", {})) != ngpu:
        problems.append(p + ": no details.gpu_sharing for every GPU: " + json.dumps(share)[:300])
        continue
    print("%-20s gpu_sharing foreign_busy=%s foreign_processes=%s" % (p, share["foreign_busy"], share["foreign_processes"]))
    for g in share["gpus"].values():
        for o in g.get("other_processes", []):
            if o.get("name") == "vigil-probe":  # no other vigil-probe runs beside this test
                problems.append(p + ": lists a vigil-probe (itself) as another process: " + json.dumps(o))
        # Its own entry is told (host: getpid(); a container: the memory marker or NSpid) unless
        # NVML does not list it at all; VER5.
        own = g.get("own_process")
        if isinstance(own, str) or (isinstance(own, dict) and not own.get("identified_by")):
            problems.append(p + ": own NVML entry not told: " + json.dumps(own)[:300])
if problems:
    print("\n".join(problems))
    sys.exit(1)
PY

# Intrusive gate.
"$probe" --probes gpu.gemm,gpu.health >"$tmp/gate.json" 2>/dev/null
$py -c "
import json,sys; r={x['probe']:x for x in json.load(open('$tmp/gate.json'))['results']}
assert r['gpu.gemm']['status']=='unavailable' and 'allow-intrusive' in r['gpu.gemm']['reason'], r['gpu.gemm']
assert r['gpu.health']['status'] in ('pass','fail'), r['gpu.health']" || fail "intrusive gate"

# Watchdog: a kernel spinning 20 s against a 3 s limit must become an error result, exit 3, fast.
start=$(date +%s)
"$probe" --probes gpu.kernel_launch,gpu.health --gpus 0 --time-limit 3 --test-spin-ms 20000 >"$tmp/wd.json" 2>/dev/null
rc=$?
took=$(( $(date +%s) - start ))
[ "$rc" = 3 ] || fail "watchdog exit code $rc (want 3)"
[ "$took" -le 12 ] || fail "watchdog took ${took}s"
$py -c "
import json; r=json.load(open('$tmp/wd.json'))['results']
assert r[0]['status']=='error' and 'watchdog' in r[0]['reason'], r[0]
assert r[1]['status']=='error' and 'hung' in r[1]['reason'], r[1]" || fail "watchdog results"
echo "watchdog: exit 3 after ${took}s"

# Multi-process NCCL through the rendezvous (2 ranks on GPUs 0 and 1).
ngpu=$($py -c "import json; print(len(json.load(open('$tmp/all.json'))['gpus']))")
if [ "$ngpu" -ge 2 ]; then
  port=$((20000 + RANDOM % 20000))
  RANK=1 WORLD_SIZE=2 LOCAL_RANK=1 "$probe" --probes nccl.allreduce,gpu.gemm --allow-intrusive --rendezvous 127.0.0.1:$port --time-limit 60 >"$tmp/r1.json" 2>"$tmp/r1.err" &
  pid=$!
  RANK=0 WORLD_SIZE=2 LOCAL_RANK=0 "$probe" --probes nccl.allreduce,gpu.gemm --allow-intrusive --rendezvous 127.0.0.1:$port --time-limit 60 >"$tmp/r0.json" 2>"$tmp/r0.err"
  wait $pid
  [ ! -s "$tmp/r1.json" ] || fail "rank 1 printed a document"
  $py -c "
import json; r=json.load(open('$tmp/r0.json'))['results']
assert r[0]['status']=='pass' and r[0]['metrics']['wrong_elements']==0 and r[0]['metrics']['ranks']==2, r[0]
assert r[1]['status']=='unavailable', r[1]
print('multi-process allreduce busbw %.1f GB/s' % r[0]['metrics']['busbw_gbps'])" || fail "multi-process NCCL: $(tail -3 "$tmp/r0.err")"
fi
echo "PASS"
