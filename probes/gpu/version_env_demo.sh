#!/usr/bin/env bash
# A job's real library and build mismatches on the real stack (a device call; probes/HISTORY.md run 59).
# Each is a real program or torchrun job whose whole output goes to `vigil diagnose --log` as an
# on-call engineer would paste it, with the category an engineer would name (the taxonomy's
# launch_config_error covers "library version mismatch"):
#   a CUDA program built for sm_80 only (no PTX) run on an H100 / H200         -> launch_config_error
#   the CUDA toolkit's stub libcuda.so.1 first on LD_LIBRARY_PATH (a container
#     that kept its build-time stubs directory): a CUDA program, a torchrun job -> launch_config_error
#   MASTER_PORT already taken by another process on the node                    -> launch_config_error
#   the training script imports a package the image lacks (megatron)           -> launch_config_error
# Nothing here changes a GPU setting.
#   bash probes/gpu/version_env_demo.sh .device   # .device holds vigil, fault_inject_sm80 and
#                                                 # stubs/libcuda.so.1 (the toolkit's stub)
# Writes $OUT/version_*.txt.
set -u
prefix=version
source "$(dirname "$0")/demo_lib.sh"

echo "== a CUDA program built for sm_80 only"
"$dev/fault_inject_sm80" ok 0 > "$out/version_arch.txt" 2>&1
echo "rc=$?"; cat "$out/version_arch.txt"; diagnose arch launch_config_error "$host/job/stderr"

echo "== the stub libcuda first on LD_LIBRARY_PATH: a CUDA program"
LD_LIBRARY_PATH="$dev/stubs:$LD_LIBRARY_PATH" "$dev/fault_inject" ok 0 > "$out/version_stub_cuda.txt" 2>&1
echo "rc=$?"; cat "$out/version_stub_cuda.txt"; diagnose stub_cuda launch_config_error "$host/job/stderr"

echo "== the stub libcuda first on LD_LIBRARY_PATH: a torchrun job"
LD_LIBRARY_PATH="$dev/stubs:$LD_LIBRARY_PATH" NCCL_DEBUG=WARN timeout 120 $run --nproc_per_node=1 \
  --master_port=29571 "$here/real_errors.py" all-reduce > "$out/version_stub_torch.txt" 2>&1
echo "job rc=$?"; diagnose stub_torch launch_config_error "$host/job/stderr"

echo "== MASTER_PORT already taken on the node"
python3 -c "import socket, time; s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); s.bind(('0.0.0.0', 29572)); s.listen(); time.sleep(90)" &
holder=$!; sleep 2
NCCL_DEBUG=WARN timeout 120 $run --nproc_per_node=1 --master_addr=127.0.0.1 --master_port=29572 \
  "$here/real_errors.py" all-reduce > "$out/version_port_taken.txt" 2>&1
echo "job rc=$?"; kill $holder 2>/dev/null; wait $holder 2>/dev/null
diagnose port_taken launch_config_error "$host/job/stderr"

echo "== the script imports a package the image lacks"
script=$(mktemp -d)/pretrain_gpt.py
printf '%s\n' "import torch" "from megatron.core import parallel_state" "print('megatron imported: not a finding')" > "$script"
NCCL_DEBUG=WARN timeout 120 $run --nproc_per_node=1 --master_port=29573 "$script" > "$out/version_no_module.txt" 2>&1
echo "job rc=$?"; diagnose no_module launch_config_error "$host/job/stderr"

echo "== summary"; printf '%s' "$summary"
