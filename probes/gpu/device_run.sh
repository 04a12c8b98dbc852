#!/usr/bin/env bash
# One call on the GPU machine (see probes/README.md): the full probe set, timed, three times,
# interleaved with the PyTorch baselines (same GPU, same run); on 2+ GPUs also the full set over
# all GPUs and torchrun all_reduce; then the GPU test; then a summary with ratios. Writes $OUT.
#   bash probes/gpu/device_run.sh .device/vigil-probe
set -u
probe=${1:-.device/vigil-probe}
out=${OUT:-/tmp/vigil-out}
mkdir -p "$out"
export NCCL_NVLS_ENABLE=0 PYTHONUNBUFFERED=1
exec > >(tee "$out/run.log") 2>&1
nvidia-smi > "$out/nvidia-smi.txt" 2>&1; nvidia-smi topo -m >> "$out/nvidia-smi.txt" 2>&1
if ldd "$probe" | grep -q "not found"; then  # borrow PyTorch's CUDA libraries
  sp=$(python3 -c "import nvidia, os; print(os.path.dirname(nvidia.__path__[0]))" 2>/dev/null)
  for d in "$sp"/nvidia/*/lib "$sp"/nvidia/cu13/lib; do [ -d "$d" ] && export LD_LIBRARY_PATH="$d:${LD_LIBRARY_PATH:-}"; done
  ldd "$probe" | grep "not found"
fi
ngpu=$(nvidia-smi -L | wc -l); echo "GPUs: $ngpu"
t() { python3 -c "import time; print(time.time())"; }
: > "$out/torch.json"; : > "$out/times.txt"
for i in 1 2 3; do
  a=$(t); "$probe" --probes all --allow-intrusive --gpus 0 --thresholds data/probes/thresholds.json --time-limit 300 > "$out/probe_1gpu_$i.json"; echo "1gpu run $i rc=$?"; b=$(t)
  echo "1gpu $i $a $b" >> "$out/times.txt"
  python3 probes/gpu/torch_baseline.py >> "$out/torch.json"; echo "torch rc=$?"
done
if [ "$ngpu" -ge 2 ]; then
  a=$(t); "$probe" --probes all --allow-intrusive --thresholds data/probes/thresholds.json --time-limit 300 > "$out/probe_ngpu.json"; echo "ngpu rc=$?"; b=$(t)
  echo "ngpu 1 $a $b" >> "$out/times.txt"
  torchrun --standalone --nproc_per_node="$ngpu" probes/gpu/torch_baseline.py --allreduce > "$out/torch_allreduce.json"; echo "torchrun rc=$?"
fi
bash probes/gpu/gpu_test.sh "$probe"; echo "gpu_test rc=$?"
python3 - "$out" <<'PY' | tee "$out/summary.txt"
import json, os, sys
out = sys.argv[1]
times = [l.split() for l in open(out + "/times.txt")]
torch = [json.loads(l) for l in open(out + "/torch.json") if l.strip()]
for (kind, i, a, b) in times:
    print("%s run %s: full set wall time %.2f s (process start to exit)" % (kind, i, float(b) - float(a)))
for i in (1, 2, 3):
    p = {r["probe"]: r for r in json.load(open(out + "/probe_1gpu_%d.json" % i))["results"]}
    tj = torch[i - 1]
    g = p["gpu.gemm"]["metrics"]; h = p["gpu.hbm_bandwidth"]["metrics"]
    print("run %d: torch.matmul burst (5 warm-up) %.1f TFLOP/s" % (i, tj["matmul_bf16_8192_tflops_burst"]))
    print("run %d: gemm bf16 %.1f vs torch.matmul sustained %.1f TFLOP/s ratio %.3f | fp16 %.1f tf32 %.1f fp8 %.1f | "
          "hbm copy %.3f vs torch copy %.3f TB/s ratio %.3f (kernel copy %.3f, triad %.3f) | pcie h2d %.1f d2h %.1f GB/s | "
          "launch %.2f us roundtrip %.2f us" % (i, g["bf16_tflops"], tj["matmul_bf16_8192_tflops"], g["bf16_tflops"] / tj["matmul_bf16_8192_tflops"],
          g.get("fp16_tflops", 0), g.get("tf32_tflops", 0), g.get("fp8_tflops", 0), h["copy_tbps"], tj["copy_2gib_tbps_read_plus_write"],
          h["copy_tbps"] / tj["copy_2gib_tbps_read_plus_write"], h["kernel_copy_tbps"], h["triad_tbps"],
          p["gpu.pcie_bandwidth"]["metrics"]["h2d_gbps"], p["gpu.pcie_bandwidth"]["metrics"]["d2h_gbps"],
          p["gpu.kernel_launch"]["metrics"]["launch_us"], p["gpu.kernel_launch"]["metrics"]["roundtrip_us"]))
    for r in p.values():
        print("   %-20s %-11s %6.2fs %s" % (r["probe"], r["status"], r["duration_s"], r["reason"][:140]))
if os.path.exists(out + "/probe_ngpu.json"):
    p = {r["probe"]: r for r in json.load(open(out + "/probe_ngpu.json"))["results"]}
    ta = json.load(open(out + "/torch_allreduce.json"))
    for r in p.values():
        print("ngpu %-20s %-11s %6.2fs %s" % (r["probe"], r["status"], r["duration_s"], r["reason"][:140]))
    ar = p["nccl.allreduce"]["metrics"]
    for tag in ("256mib", "1gib"):
        k = "busbw_gbps_" + tag
        if k in ar:
            print("allreduce busbw %s %.1f GB/s vs torch %.1f: ratio %.3f" % (tag, ar[k], ta["allreduce_busbw_gbps_" + tag], ar[k] / ta["allreduce_busbw_gbps_" + tag]))
    for q in ("nccl.allgather", "nccl.reducescatter", "nccl.alltoall", "nccl.sendrecv", "nccl.p2p_matrix"):
        print(q, {k: round(v, 1) for k, v in p[q]["metrics"].items()})
PY
