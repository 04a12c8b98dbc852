#!/usr/bin/env bash
# More of a job's real bad launch settings on the real stack (a device call; probes/HISTORY.md run 57).
# Each is a real torchrun job whose whole output goes to `vigil diagnose --log` as an on-call engineer
# would paste it, with the category an engineer would name:
#   ulimit -v (a virtual-memory limit of the launch) too small for CUDA      -> launch_config_error
#   torch.cuda.set_device(RANK) on a job of 2 nodes: node 1's ranks ask for
#     a GPU index the node does not have ("invalid device ordinal")          -> launch_config_error
#   --nnodes=2 with one node started: the rendezvous times out                -> launch_config_error
#   MASTER_ADDR naming a host that does not resolve                           -> launch_config_error
#   PYTORCH_CUDA_ALLOC_CONF with a bad value                                  -> launch_config_error
# Nothing here changes a GPU setting.
#   bash probes/gpu/launch_env_demo.sh .device
# Writes $OUT/launch_*.txt.
set -u
prefix=launch
source "$(dirname "$0")/demo_lib.sh"

echo "== ulimit -v 16 GiB"
(ulimit -v 16777216; NCCL_DEBUG=WARN timeout 120 $run --nproc_per_node=1 --master_port=29561 \
  "$here/real_errors.py" all-reduce) > "$out/launch_vmem_limit.txt" 2>&1
echo "job rc=$?"; diagnose vmem_limit launch_config_error "$host/job/stderr"

echo "== set_device(RANK) on 2 nodes of $ngpu GPUs (both agents on this host)"
port=29562
NCCL_DEBUG=WARN timeout 150 $run --nnodes=2 --node_rank=0 --nproc_per_node=$ngpu --master_addr=127.0.0.1 \
  --master_port=$port "$here/real_errors.py" rank-as-device > "$out/launch_rank_as_device_n0.txt" 2>&1 &
n0=$!
NCCL_DEBUG=WARN timeout 150 $run --nnodes=2 --node_rank=1 --nproc_per_node=$ngpu --master_addr=127.0.0.1 \
  --master_port=$port "$here/real_errors.py" rank-as-device > "$out/launch_rank_as_device.txt" 2>&1
echo "node 1 rc=$?"
sleep 20; kill $n0 2>/dev/null; wait $n0; echo "node 0 rc=$?"
diagnose rank_as_device launch_config_error "$host-node1/job/stderr"

echo "== --nnodes=2, one node started (c10d rendezvous, join_timeout 40 s)"
NCCL_DEBUG=WARN timeout 150 $run --nnodes=2 --nproc_per_node=1 --rdzv-backend=c10d \
  --rdzv-endpoint=127.0.0.1:29563 --rdzv-id=vigil-demo --rdzv-conf=join_timeout=40 \
  "$here/real_errors.py" all-reduce > "$out/launch_nnodes_missing.txt" 2>&1
echo "job rc=$?"; diagnose nnodes_missing launch_config_error "$host/job/stderr"

echo "== MASTER_ADDR that does not resolve"
NCCL_DEBUG=WARN timeout 90 $run --nnodes=2 --node_rank=1 --nproc_per_node=1 \
  --master_addr=trainer-0.vigil-nosuch.invalid --master_port=29564 \
  "$here/real_errors.py" all-reduce > "$out/launch_master_addr.txt" 2>&1
echo "job rc=$?"; diagnose master_addr launch_config_error "$host/job/stderr"

echo "== PYTORCH_CUDA_ALLOC_CONF=expandable_segments:yes"
PYTORCH_CUDA_ALLOC_CONF=expandable_segments:yes NCCL_DEBUG=WARN timeout 120 $run --nproc_per_node=1 \
  --master_port=29565 "$here/real_errors.py" all-reduce > "$out/launch_alloc_conf.txt" 2>&1
echo "job rc=$?"; diagnose alloc_conf launch_config_error "$host/job/stderr"

echo "== summary"; printf '%s' "$summary"
