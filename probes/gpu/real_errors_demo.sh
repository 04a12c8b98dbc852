#!/usr/bin/env bash
# Real fault text from a GPU node (device call; probes/HISTORY.md "Real error text"): what the CUDA
# runtime, PyTorch, NCCL and the driver's kernel log print for application faults, and whether
# vigil-probe's node.kernel_log reads the driver's lines. Application faults only: each poisons
# its own process's CUDA context; the GPU stays usable for the next process (gpu.health at the end
# checks it). Nothing here changes a GPU setting or resets a GPU.
#   bash probes/gpu/real_errors_demo.sh DIR   # DIR holds vigil-probe and fault_inject
# Writes $OUT/real_*.txt and $OUT/real_kernel_log_probe.json.
set -u
dir=${1:-.device}
out=${OUT:-/tmp/vigil-out}
mkdir -p "$out"
export NCCL_NVLS_ENABLE=0
here=$(dirname "$0")
step() { echo "== $1"; }
kmsg() { dmesg --time-format iso 2>&1 | grep -iE 'nvrm|xid|nvidia' ; }
kmsg > "$out/real_dmesg_before.txt"; echo "dmesg NVRM lines before: $(wc -l < "$out/real_dmesg_before.txt")"
step "illegal address"; "$dir/fault_inject" illegal-address 0 > "$out/real_illegal_address.txt" 2>&1; echo "rc=$?"; cat "$out/real_illegal_address.txt"
sleep 2
step "trap"; "$dir/fault_inject" trap 0 > "$out/real_trap.txt" 2>&1; echo "rc=$?"; cat "$out/real_trap.txt"
sleep 2
step "torch OOM"; python3 "$here/real_errors.py" oom > "$out/real_torch_oom.txt" 2>&1; echo "rc=$?"; tail -3 "$out/real_torch_oom.txt"
step "torch device-side assert"; python3 "$here/real_errors.py" device-assert > "$out/real_torch_device_assert.txt" 2>&1; echo "rc=$?"; tail -6 "$out/real_torch_device_assert.txt"
sleep 2
step "NCCL, two ranks on one GPU"
NCCL_DEBUG=WARN timeout 180 python3 -m torch.distributed.run --nproc_per_node=2 --master_port=29533 \
  "$here/real_errors.py" same-gpu > "$out/real_nccl_same_gpu.txt" 2>&1; echo "rc=$?"; grep -iE 'nccl|error|duplicate' "$out/real_nccl_same_gpu.txt" | head -20
sleep 2
kmsg > "$out/real_dmesg_after.txt"
dmesg > "$out/real_dmesg_raw_after.txt" 2>&1
echo "dmesg NVRM lines after: $(wc -l < "$out/real_dmesg_after.txt")"
diff "$out/real_dmesg_before.txt" "$out/real_dmesg_after.txt" | grep '^>' | head -40
step "vigil-probe node.kernel_log + gpu.health"
"$dir/vigil-probe" --probes node.kernel_log,gpu.health --since 900 > "$out/real_kernel_log_probe.json" 2> "$out/real_kernel_log_probe.err"
echo "rc=$?"
python3 - "$out/real_kernel_log_probe.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
for r in d["results"]:
    print(r["probe"], r["status"], r["reason"][:300])
    det = r.get("details", {})
    for k in ("categories", "gpus_by_category"):
        if k in det: print("  ", k, json.dumps(det[k])[:300])
    for f in det.get("findings", [])[:8]: print("   finding", json.dumps(f)[:300])
PY
nvidia-smi --query-gpu=index,pci.bus_id,driver_version,ecc.errors.uncorrected.volatile.total,clocks_event_reasons.active --format=csv > "$out/real_nvidia_smi_after.txt" 2>&1
cat "$out/real_nvidia_smi_after.txt"
