#!/usr/bin/env bash
# One call on the GPU machine (see probes/README.md): full probe set on 1 and 2 GPUs, timed; the
# GPU test; PyTorch baselines in the same run; a summary with ratios. Writes under $OUT.
#   bash probes/gpu/device_run.sh .device/vigil-probe
set -u
probe=${1:-.device/vigil-probe}
out=${OUT:-/tmp/vigil-out}
mkdir -p "$out"
export NCCL_NVLS_ENABLE=0 PYTHONUNBUFFERED=1
log="$out/run.log"
exec > >(tee "$log") 2>&1
nvidia-smi > "$out/nvidia-smi.txt" 2>&1; nvidia-smi topo -m >> "$out/nvidia-smi.txt" 2>&1
if ldd "$probe" | grep -q "not found"; then  # borrow PyTorch's CUDA libraries
  sp=$(python3 -c "import nvidia, os; print(os.path.dirname(nvidia.__path__[0]))" 2>/dev/null)
  for d in "$sp"/nvidia/*/lib "$sp"/nvidia/cu13/lib; do [ -d "$d" ] && export LD_LIBRARY_PATH="$d:${LD_LIBRARY_PATH:-}"; done
  ldd "$probe" | grep "not found"
fi
t() { python3 -c "import time; print(time.time())"; }
a=$(t); "$probe" --probes all --allow-intrusive --gpus 0 --thresholds data/probes/thresholds.json --time-limit 300 > "$out/probe_1gpu.json"; echo "1gpu rc=$?"; b=$(t)
ngpu=$(nvidia-smi -L | wc -l); echo "GPUs: $ngpu"
c=$(t); [ "$ngpu" -ge 2 ] && "$probe" --probes all --allow-intrusive --thresholds data/probes/thresholds.json --time-limit 300 > "$out/probe_2gpu.json"; echo "2gpu rc=$?"; d=$(t)
python3 probes/gpu/torch_baseline.py > "$out/torch.json"; echo "torch rc=$?"
[ "$ngpu" -ge 2 ] && torchrun --standalone --nproc_per_node=2 probes/gpu/torch_baseline.py --allreduce > "$out/torch_allreduce.json"; echo "torchrun rc=$?"
bash probes/gpu/gpu_test.sh "$probe"; echo "gpu_test rc=$?"
python3 - "$out" "$a" "$b" "$c" "$d" <<'PY' | tee "$out/summary.txt"
import json, sys
out, a, b, c, d = sys.argv[1], *map(float, sys.argv[2:])
p1 = {r["probe"]: r for r in json.load(open(out + "/probe_1gpu.json"))["results"]}
def load(f):
    try:
        return json.load(open(out + f))
    except Exception as e:
        print("no", f, e)
        return None
p2 = {r["probe"]: r for r in (load("/probe_2gpu.json") or {"results": []})["results"]}
tj = json.load(open(out + "/torch.json"))
ta = load("/torch_allreduce.json") or {}
print("full set wall time: 1 GPU %.1f s, 2 GPUs %.1f s" % (b - a, d - c))
for name, p in (("1gpu", p1), ("2gpu", p2)):
    for r in p.values():
        print("%s %-20s %-11s %6.2fs %s" % (name, r["probe"], r["status"], r["duration_s"], r["reason"][:160]))
g = p1["gpu.gemm"]["metrics"]; h = p1["gpu.hbm_bandwidth"]["metrics"]
print("gemm bf16 %.1f TFLOP/s vs torch.matmul %.1f: ratio %.3f" % (g["bf16_tflops"], tj["matmul_bf16_8192_tflops"], g["bf16_tflops"] / tj["matmul_bf16_8192_tflops"]))
print("gemm fp16 %.1f, tf32 %.1f, fp8 %s TFLOP/s" % (g.get("fp16_tflops", 0), g.get("tf32_tflops", 0), g.get("fp8_tflops")))
print("hbm copy %.3f / kernel copy %.3f / triad %.3f TB/s vs torch copy %.3f: ratio %.3f" % (h["copy_tbps"], h["kernel_copy_tbps"], h["triad_tbps"], tj["copy_2gib_tbps_read_plus_write"], h["copy_tbps"] / tj["copy_2gib_tbps_read_plus_write"]))
ar = p2["nccl.allreduce"]["metrics"] if p2 else {}
for tag in ("256mib", "1gib"):
    k = "busbw_gbps_" + tag
    if k in ar and ta:
        print("allreduce busbw %s %.1f GB/s vs torch %.1f: ratio %.3f" % (tag, ar[k], ta["allreduce_busbw_gbps_" + tag], ar[k] / ta["allreduce_busbw_gbps_" + tag]))
for p in ("nccl.allgather", "nccl.reducescatter", "nccl.alltoall", "nccl.sendrecv"):
    if p2: print("%s busbw %.1f GB/s" % (p, p2[p]["metrics"].get("busbw_gbps", 0)))
print("pcie h2d %.1f d2h %.1f GB/s; launch %.2f us roundtrip %.2f us" % (p1["gpu.pcie_bandwidth"]["metrics"]["h2d_gbps"], p1["gpu.pcie_bandwidth"]["metrics"]["d2h_gbps"], p1["gpu.kernel_launch"]["metrics"]["launch_us"], p1["gpu.kernel_launch"]["metrics"]["roundtrip_us"]))
if p2: print("p2p", p2["nccl.p2p_matrix"]["metrics"])
PY
