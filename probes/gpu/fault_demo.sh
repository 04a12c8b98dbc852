#!/usr/bin/env bash
# Does a probe catch a real fault? On a machine with 2+ GPUs (device call; see probes/README.md):
# a healthy baseline, then a second process saturating GPU 1 with BF16 GEMMs (a noisy neighbour:
# the straggler a job sees when something else runs on its GPU) while vigil-probe measures both
# GPUs. Expected: GPU 0 passes, GPU 1 fails gpu.gemm against the H200 baseline, and the
# collectives over both GPUs slow down. Writes $OUT/fault_*.json and prints a summary.
#   bash probes/gpu/fault_demo.sh .device/vigil-probe
set -u
probe=${1:-.device/vigil-probe}
out=${OUT:-/tmp/vigil-out}
mkdir -p "$out"
export NCCL_NVLS_ENABLE=0
set_probes=gpu.health,gpu.gemm,gpu.hbm_bandwidth,nccl.allreduce,nccl.p2p_matrix
"$probe" --probes $set_probes --allow-intrusive --thresholds data/probes/thresholds.json > "$out/fault_baseline.json"
echo "baseline rc=$?"
python3 "$(dirname "$0")/gemm_hog.py" 1 60 > "$out/hog.log" 2>&1 &
hog=$!
rm -f /tmp/vigil_hog_stop
for _ in $(seq 1 300); do [ -e /tmp/vigil_hog_ready ] && break; sleep 0.1; done
"$probe" --probes $set_probes --allow-intrusive --thresholds data/probes/thresholds.json > "$out/fault_hog.json"
echo "with hog on gpu1 rc=$?"
touch /tmp/vigil_hog_stop; wait $hog; rm -f /tmp/vigil_hog_ready /tmp/vigil_hog_stop
cat "$out/hog.log"
python3 - "$out" <<'PY'
import json, sys
out = sys.argv[1]
for tag in ("baseline", "hog"):
    d = {r["probe"]: r for r in json.load(open("%s/fault_%s.json" % (out, tag)))["results"]}
    for p, r in d.items():
        m = r["metrics"]
        keys = [k for k in m if k.endswith(("bf16_tflops", "copy_tbps", "busbw_gbps_256mib", "busbw_gbps_1gib",
                                           "gpu0_to_gpu1_gbps", "gpu1_to_gpu0_gbps", "crc_errors_per_s"))]
        print("%-8s %-18s %-5s %s | %s" % (tag, p, r["status"], " ".join("%s=%.1f" % (k, m[k]) for k in sorted(keys)),
                                          r["reason"][:160]))
PY
