#!/usr/bin/env bash
# Integration: the `slurm` probe executor against a real Slurm (Debian's slurmctld + slurmd +
# munge, started here as a one-node cluster in a temporary directory on random ports). Checks a
# probe run through `srun -w NODE`, an unknown node, a probe that prints garbage, and a probe
# that hangs (our limit fires, the job is gone from the queue afterwards); a probe whose stdout has
# a banner and NCCL lines around its document, a hostlist target, and slurmctld down (last).
#   bash tests/probe_slurm_test.sh BUILD_DIR      (needs root to run slurmd; exit 77 = skipped)
set -u
build=$(cd "${1:?usage: probe_slurm_test.sh BUILD_DIR}" && pwd)
root=$(pwd)
vigil="$build/bin/vigil"
source tests/lib/check.sh
source tests/lib/slurm.sh

ex="slurm:partition=probes,binary=$root/probes/testdata/fake_probe_ok.sh"
# A run through srun on the node: the fake probe echoes the arguments it got.
check "srun run" 1 "gpu.gemm +fail.*below baseline" -- "$vigil" probe run gpu.health,gpu.gemm --target "$node/gpu2" --allow-intrusive --executor "$ex"
check "srun args" 0 "args: --probes gpu.health --time-limit [0-9.]+ --target $node/gpu2 --gpus 2" -- \
  "$vigil" probe run gpu.health --target "$node/gpu2" --executor "$ex" --json
# The real vigil-probe on a node without a GPU: every probe unavailable, not an error.
if [ -x "$build/bin/vigil-probe" ] && ! nvidia-smi -L >/dev/null 2>&1; then
  check "real vigil-probe" 1 "gpu.health +unavailable.*no usable GPU" -- \
    "$vigil" probe run gpu.health --target "$node" --executor "slurm:partition=probes,binary=$build/bin/vigil-probe"
fi
# Bad inputs: unknown node, garbage output, a hang, a target without a node.
check "unknown node" 1 "gpu.health +error.*Invalid node name" -- \
  "$vigil" probe run gpu.health --target no-such-node --executor "$ex"
check "garbage" 1 "error.*no valid result document.*cuInit failed" -- \
  "$vigil" probe run gpu.health --target "$node" --executor "slurm:partition=probes,binary=$root/probes/testdata/fake_probe_garbage.sh"
check "hang" 1 "gpu.health +error.*timed out" -- \
  "$vigil" probe run gpu.health --target "$node" --time-limit 2 --executor "slurm:partition=probes,grace_s=1,binary=$root/probes/testdata/fake_probe_hang.sh"
for _ in $(seq 1 50); do [ -z "$(squeue -h 2>/dev/null)" ] && break; sleep 0.2; done
check "queue drained after the hang" 0 "^$" -- squeue -h
check "no node" 1 "needs a node in the target" -- "$vigil" probe run gpu.health --target gpu1 --executor "$ex"
# Bad output and targets from the node's side (RVU3): stdout with a login banner, a CUDA warning and
# NCCL_DEBUG=INFO lines around the document (read, the other lines named in a warning; before, every
# probe `error` "no valid result document"); a Slurm hostlist as the target (refused naming it, not
# handed to srun -w).
check "noisy stdout" 1 "printed 4 lines on stdout that are not its result document \(3 before it, 1 after; the first: .Welcome to gpu-node" -- \
  "$vigil" probe run gpu.health,gpu.gemm --target "$node" --allow-intrusive --executor "slurm:partition=probes,binary=$root/probes/testdata/fake_probe_noisy.sh"
check "noisy stdout results" 1 "gpu.health +pass" -- \
  "$vigil" probe run gpu.health,gpu.gemm --target "$node" --allow-intrusive --executor "slurm:partition=probes,binary=$root/probes/testdata/fake_probe_noisy.sh"
check "hostlist target" 1 "gpu.health +error.*is a Slurm hostlist, not one node" -- \
  "$vigil" probe run gpu.health --target "$node,no-such-node" --executor "$ex"
# slurmctld down (slurmd still up): srun's own words about the controller come back as the reason,
# within our limit.
scontrol shutdown slurmctld >/dev/null 2>&1
for _ in $(seq 1 50); do scontrol ping 2>&1 | grep -q DOWN && break; sleep 0.2; done
start=$(date +%s)
out=$("$vigil" probe run gpu.health --target "$node" --time-limit 3 \
  --executor "slurm:partition=probes,grace_s=1,binary=$root/probes/testdata/fake_probe_ok.sh" 2>&1); rc=$?
took=$(( $(date +%s) - start ))
echo "controller down, after $took s: $(grep -m1 'gpu.health' <<<"$out" | cut -c1-300)"
check "controller down" 1 "gpu.health +error.*(Unable to contact slurm controller|connect failure|Unable to allocate resources)" -- \
  bash -c 'printf "%s\n" "$1"; exit "$2"' _ "$out" "$rc"
[ "$took" -le 40 ] || bad "controller down: took $took s (limit 3 s + grace 1 s + 30 s scheduling)"

echo "passed $passed, failed $fail"
[ "$fail" = 0 ]
