#!/usr/bin/env bash
# A performance probe that ran beside another process's compute says so (a device call; probes/
# HISTORY.md, "Probes beside other processes' compute (VER4, 2026-12-04)"). The same three
# throughput probes (gpu.kernel_launch, gpu.gemm, gpu.hbm_bandwidth on GPU 0, vigil-probe by hand)
# run four times: on the idle GPU; beside gemm_hog.py's GEMM loop in another process (a training
# job or a hog, no lease); beside a spinning kernel (gemm_hog.py spin: the look of a hung NCCL
# kernel at 100 % SM use); beside an idle context (gemm_hog.py idle: a notebook holding memory).
# Each result's details.gpu_sharing names the other processes (pid, /proc/PID/comm, memory, SM
# share) and says whether they computed during the measurement (foreign_busy); its reason ends
# with "measured beside N other process(es) computing on GPU 0 (...)". Prints one summary line per
# probe and run; writes $OUT/contention_{idle,gemm,spin,notebook}.json.
# Then (VER5) the probes beside the GEMM hog from inside a separate pid namespace, as in a container:
# `unshare -p -f --mount-proc` (its own /proc: NVML's host pids are not visible, the memory marker
# must tell the probe's own entry: details.gpu_sharing.gpus.0.own_process.identified_by) and
# `unshare -p -f` (the host's /proc: NSpid names the host pid); each also with gpu.kernel_launch
# alone (a light probe beside one other process: foreign_busy must be true, not null). Every run
# prints the estimate alone (details.gpu_sharing.alone_estimate: verdict and figures). Needs
# CAP_SYS_ADMIN for unshare -p, else tries an unprivileged user namespace (unshare -U -r), else
# says why it could not and skips (writes $OUT/contention_ns_*.json).
#   bash probes/gpu/contention_demo.sh .device        # needs .device/vigil-probe; ~90 s on an H200
set -u
dev=${1:-.device}
out=${OUT:-/tmp/vigil-out}
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
mkdir -p "$out/locks_contention"
export LD_LIBRARY_PATH="$dev/lib:$dev/minlib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
nvidia-smi -L
summary() {  # name rc
  python3 - "$out/contention_$1.json" "$1" "$2" <<'PY'
import json, sys
path, name, rc = sys.argv[1:4]
try:
    results = json.load(open(path))["results"]
except Exception as e:
    print(f"{name}: exit {rc}, no result document ({e})"); sys.exit()
for r in results:
    m = r.get("metrics", {})
    keys = {"gpu.kernel_launch": ["roundtrip_us", "launch_us"], "gpu.gemm": ["bf16_tflops", "tf32_tflops"],
            "gpu.hbm_bandwidth": ["copy_tbps", "triad_tbps"]}.get(r["probe"], [])
    shown = ", ".join(f"{k} {m[k]:.4g}" for k in keys if k in m) or json.dumps(m)[:120]
    gs = (r.get("details") or {}).get("gpu_sharing") or {}
    others = []
    for gpu, g in (gs.get("gpus") or {}).items():
        for p in g.get("other_processes", []):
            others.append(f"gpu{gpu} pid {p.get('pid')} {p.get('name')} sm_max {p.get('sm_pct_max')}% "
                          f"mem {p.get('used_memory_mib') if p.get('used_memory_mib') is None else round(p['used_memory_mib'])} MiB"
                          f"{' computing' if p.get('computing') else ''}")
        nr = g.get("not_read")
        if nr:
            others.append(f"gpu{gpu} not read: {json.dumps(nr)[:200]}")
        others.append(f"gpu{gpu} util before/after {g.get('device_util_before_pct')}/{g.get('device_util_after_pct')}%")
    print(f"{name}: {r['probe']} {r['status']} ({shown}) foreign_busy={gs.get('foreign_busy')} "
          f"others: {'; '.join(others) or 'none'}")
    for gpu, g in (gs.get("gpus") or {}).items():
        print(f"    gpu{gpu} own_process: {json.dumps(g.get('own_process'))[:300]} foreign_sm_share "
              f"{g.get('foreign_sm_share')}{' marker not taken: ' + g['marker_not_taken'] if g.get('marker_not_taken') else ''}")
    est = gs.get("alone_estimate")
    if est:
        figs = "; ".join(f"{k} {v.get('measured')} -> {v.get('estimate_alone')} ({v.get('verdict')})"
                         for k, v in est.get("metrics", {}).items())
        print(f"    alone_estimate: {est.get('verdict')}: {figs}")
    print(f"    reason: {r.get('reason', '')[:400]}")
PY
}
wrap=()   # a command the probe runs under (the pid-namespace runs)
probes=gpu.kernel_launch,gpu.gemm,gpu.hbm_bandwidth
run() {  # name
  ${wrap[@]+"${wrap[@]}"} "$dev/vigil-probe" --probes "$probes" --target gpu0 --gpus 0 \
    --allow-intrusive --lock-dir "$out/locks_contention" --thresholds "$root/data/probes/thresholds.json" \
    --time-limit 60 >"$out/contention_$1.json" 2>"$out/contention_$1.err"
  summary "$1" $?
}
hog() {  # name mode: runs the probes while gemm_hog.py MODE runs on GPU 0 in another process
  rm -f /tmp/vigil_hog_ready /tmp/vigil_hog_stop
  python3 "$here/gemm_hog.py" 0 60 "$2" >"$out/hog_$1.log" 2>&1 &
  local pid=$!
  for _ in $(seq 1 300); do [ -e /tmp/vigil_hog_ready ] && break; kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  if [ -e /tmp/vigil_hog_ready ]; then
    echo "$1: gemm_hog.py $2 is pid $pid ($(cat /proc/$pid/comm 2>/dev/null)), warmed up"
  else
    echo "$1: gemm_hog.py $2 (pid $pid) did not get ready (its log follows): the probes run without it"
  fi
  run "$1"
  touch /tmp/vigil_hog_stop
  wait "$pid" 2>/dev/null
  rm -f /tmp/vigil_hog_ready /tmp/vigil_hog_stop
  cat "$out/hog_$1.log"
}
run idle
hog gemm gemm
hog spin spin
hog notebook idle
# In a separate pid namespace (a container's view): which of NVML's pids is the probe.
ns_prefix() {  # extra unshare flags -> prints the working prefix, or nothing
  for pre in "unshare -p -f $1" "unshare -U -r -p -f $1"; do
    if $pre true 2>/dev/null; then echo "$pre"; return; fi
  done
}
for variant in "own_proc:--mount-proc" "host_proc:"; do
  name=${variant%%:*}
  pre=$(ns_prefix "${variant#*:}")
  if [ -z "$pre" ]; then
    echo "ns_$name: skipped: unshare -p -f ${variant#*:} failed ($(unshare -p -f ${variant#*:} true 2>&1 | head -1)), also with -U -r"
    continue
  fi
  read -r -a wrap <<<"$pre"
  echo "ns_$name: the probe runs under: $pre"
  probes=gpu.kernel_launch,gpu.gemm,gpu.hbm_bandwidth
  hog "ns_${name}_gemm" gemm
  probes=gpu.kernel_launch
  hog "ns_${name}_launch" gemm
done
wrap=()
