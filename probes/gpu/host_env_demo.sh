#!/usr/bin/env bash
# A job's real host-side limits on the real stack (a device call).
# NOT YET RUN ON A GPU: written 2026-12-07; every device call of that session (22:38-00:35 UTC) got no
# machine, so neither this script nor real_errors.py's loader modes have run, and the answers below are what an
# engineer would name, not what vigil said. Run it, record the run in probes/HISTORY.md, then drop this note.
# Each is a real torchrun job whose whole output goes to `vigil diagnose --log` as an on-call engineer
# would paste it, with the category an engineer would name:
#   `ulimit -n 512` under a DataLoader of 4 workers (each batch passes its
#     tensors between processes as file descriptors)                         -> launch_config_error
#   /dev/shm of 64 MiB (a container's default) under the same DataLoader      -> launch_config_error
#   a DataLoader worker's cache that never evicts, in a cgroup with
#     memory.max = 3 GiB: the kernel's OOM killer ends the worker             -> host_oom
#     (pasted twice: the job's output alone, then with the kernel's lines)
#   NCCL_ALGO with a misspelt algorithm                                       -> launch_config_error
# A case whose set-up this machine refuses (no mount namespace, no writable cgroup) is skipped and
# says so. Nothing here changes a GPU setting.
#   bash probes/gpu/host_env_demo.sh .device
# Writes $OUT/host_*.txt.
set -u
prefix=host
source "$(dirname "$0")/demo_lib.sh"
small_batches="LOADER_TENSORS=128 LOADER_ELEMS=16384"

echo "== ulimit -n 512 under a DataLoader of 4 workers"
(ulimit -n 512; env $small_batches NCCL_DEBUG=WARN timeout 180 $run --nproc_per_node=1 --master_port=29581 \
  "$here/real_errors.py" loader) > "$out/host_fd_limit.txt" 2>&1
echo "job rc=$?"; diagnose fd_limit launch_config_error "$host/job/stderr"

echo "== /dev/shm of 64 MiB under the same DataLoader (a private mount namespace)"
if unshare -m true 2>/dev/null; then
  unshare -m sh -c "mount -t tmpfs -o size=64m tmpfs /dev/shm && df -h /dev/shm && env $small_batches \
    NCCL_DEBUG=WARN timeout 180 $run --nproc_per_node=1 --master_port=29582 '$here/real_errors.py' loader" \
    > "$out/host_shm_small.txt" 2>&1
  echo "job rc=$?"; diagnose shm_small launch_config_error "$host/job/stderr"
else
  echo "skipped: unshare -m is refused here (no mount namespace to shrink /dev/shm in)"
fi

echo "== a DataLoader worker's cache that never evicts, memory.max = 3 GiB"
cg=/sys/fs/cgroup/vigil-host-demo-$$
if mkdir "$cg" 2>/dev/null && echo 3G > "$cg/memory.max" 2>/dev/null; then
  echo 0 > "$cg/memory.swap.max" 2>/dev/null
  dmesg > "$out/host_dmesg_before.txt" 2>&1
  sh -c "echo \$\$ > '$cg/cgroup.procs' && exec env LOADER_TENSORS=8 LOADER_ELEMS=1024 NCCL_DEBUG=WARN \
    timeout 180 $run --nproc_per_node=1 --master_port=29583 '$here/real_errors.py' loader-leak" \
    > "$out/host_cgroup_oom.txt" 2>&1
  echo "job rc=$?"; cat "$cg/memory.events" 2>/dev/null
  dmesg > "$out/host_dmesg_after.txt" 2>&1
  rmdir "$cg" 2>/dev/null
  diagnose cgroup_oom host_oom "$host/job/stderr"
  # the kernel's lines of this run, as `dmesg -T | tail` would show them beside the job's output
  { cat "$out/host_cgroup_oom.txt"; echo "\$ dmesg | tail -40"
    diff "$out/host_dmesg_before.txt" "$out/host_dmesg_after.txt" | sed -n 's/^> //p' | tail -40; } \
    > "$out/host_cgroup_oom_dmesg.txt"
  diagnose cgroup_oom_dmesg host_oom "$host/job/stderr"
else
  rmdir "$cg" 2>/dev/null
  echo "skipped: no writable cgroup v2 memory controller under /sys/fs/cgroup"
fi

echo "== NCCL_ALGO=Rign (a misspelt Ring), $ngpu rank(s)"
NCCL_ALGO=Rign NCCL_DEBUG=WARN timeout 120 $run --nproc_per_node=$ngpu --master_port=29584 \
  "$here/real_errors.py" all-reduce > "$out/host_nccl_algo.txt" 2>&1
echo "job rc=$?"; diagnose nccl_algo launch_config_error "$host/job/stderr"

echo "== summary"; printf '%s' "$summary"
