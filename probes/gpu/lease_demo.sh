#!/usr/bin/env bash
# Host-wide intrusive-probe leases on a real GPU (a device call; probes/HISTORY.md, "Intrusive probes
# of several processes on one host"): two `vigil probe run gpu.gemm --target gpu0` started together,
# as a second `vigil serve` or an engineer's hand-typed run beside serve's triage would. With the
# lease the second waits for the first, and both measure the GPU alone (about the single-run BF16
# figure); without it they ran together and each measured about half. Then a third run with a 1 s
# limit while a fourth holds GPU 0: `unavailable`, "not run: another process on this host held GPU 0
# ...". Then e (vigil probe run) and f (vigil-probe by hand, started while e holds GPU 0: it waits).
# Then g/h and i/j: a kernel launch beside another process's GEMM, with the lease (it waits) and
# without (separate lock folders: it times the GEMM). Writes $OUT/lease_{a..j}.json and prints one
# summary line per run, then whether j's probe ran inside i's (the control is one only then).
#   bash probes/gpu/lease_demo.sh .device
# J_DELAY (seconds, default 1.5): when j starts after i (run 38: 0.5 s, and j ended before i's GEMM).
set -u
dev=${1:-.device}
out=${OUT:-/tmp/vigil-out}
mkdir -p "$out"
export LD_LIBRARY_PATH="$dev/lib:$dev/minlib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
vigil="$dev/vigil"
mkdir -p "$out/locks"
summary() {  # name rc t0 t1: one line from $out/lease_NAME.json
  python3 - "$out/lease_$1.json" "$1" "$2" "$3" "$4" <<'PY'
import json, sys
path, name, rc, t0, t1 = sys.argv[1], sys.argv[2], sys.argv[3], float(sys.argv[4]), float(sys.argv[5])
try:
    r = json.load(open(path))["results"][0]
except Exception as e:
    print(f"lease_{name}: exit {rc}, no result ({e})"); sys.exit()
m = r.get("metrics", {})
bf16 = next((v for k, v in m.items() if "bf16" in k and "tflops" in k), None)
shown = f"bf16_tflops {bf16}" if bf16 is not None else f"metrics {json.dumps(m)[:200]}"
print(f"lease_{name}: exit {rc} wall {t1 - t0:.2f} s (from {t0:.2f} to {t1:.2f}) status {r['status']} "
      f"{shown} probe {r.get('duration_s')} s reason {r.get('reason', '')[:200]}")
PY
}
run() {  # name time-limit [probe [lock dir]]; $out/lease_NAME.time: its start and end
  local t0=$(date +%s.%N)
  "$vigil" --log-level warn probe run "${3:-gpu.gemm}" --target gpu0 --allow-intrusive \
    --executor "local:binary=$dev/vigil-probe,lock_dir=${4:-$out/locks}" \
    --time-limit "$2" --json >"$out/lease_$1.json" 2>"$out/lease_$1.err"
  local rc=$? t1=$(date +%s.%N)
  echo "$t0 $t1" >"$out/lease_$1.time"
  summary "$1" "$rc" "$t0" "$t1"
}
inside() {  # a b: whether b's probe ran inside a's, each probe's time the last duration_s of its run
  python3 - "$out" "$1" "$2" <<'PY'
import json, sys
out, a, b = sys.argv[1:4]
def window(name):
    t0, t1 = (float(x) for x in open(f"{out}/lease_{name}.time").read().split())
    try:
        d = float(json.load(open(f"{out}/lease_{name}.json"))["results"][0].get("duration_s") or 0)
    except Exception:
        d = 0
    return max(t0, t1 - d), t1  # vigil ends just after its probe: the probe ran in its last d s
(a0, a1), (b0, b1) = window(a), window(b)
verdict = "yes" if a0 <= b0 and b1 <= a1 else "NO"
print(f"lease_{b} inside lease_{a}'s probe: {verdict} ({b} {b0:.2f}-{b1:.2f}, {a} {a0:.2f}-{a1:.2f})")
PY
}
nvidia-smi -L
run a 60 &
a=$!
run b 60 &
b=$!
wait $a $b
run c 60 &
c=$!
sleep 0.5
run d 1
wait $c
# e and f: an engineer's vigil-probe by hand beside a vigil run (VER4): f starts while e holds GPU 0
# and waits for it; each measures the GPU alone.
run e 60 &
e=$!
sleep 0.5
t0=$(date +%s.%N)
"$dev/vigil-probe" --probes gpu.gemm --target gpu0 --allow-intrusive --lock-dir "$out/locks" --time-limit 60 \
  >"$out/lease_f.json" 2>"$out/lease_f.err"
rc=$? t1=$(date +%s.%N)
summary f "$rc" "$t0" "$t1"  # lease_f: the vigil-probe run by hand
wait $e
# g and h (VER6): gpu.kernel_launch takes its GPU's lease shared, so h, started while g's GEMM holds
# GPU 0, waits for it and times the launch round trip on a quiet GPU. i and j: the same pair with
# separate lock folders (two hosts' worth of locks, no lease between them): j runs beside i's GEMM
# and times it (the 2,45x us fail of runs 28-37). In run 38 j started 0.5 s after i and was done
# (0.50 s) before i's vigil-probe had begun its GEMMs (vigil, the lease, CUDA and cuBLAS start first;
# i's 3.1 s of wall time): j now starts J_DELAY (1.5 s) after i, inside i's GEMM, and the last line
# says whether it was.
run g 60 &
g=$!
sleep 0.5
run h 60 gpu.kernel_launch
wait $g
mkdir -p "$out/locks_i" "$out/locks_j"
run i 60 gpu.gemm "$out/locks_i" &
i=$!
sleep "${J_DELAY:-1.5}"
run j 60 gpu.kernel_launch "$out/locks_j"
wait $i
inside i j
