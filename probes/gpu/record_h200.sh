#!/usr/bin/env bash
# Records healthy and faulty probe documents on a 2-GPU machine for the CPU regression test
# (probes/testdata/h200x2/, see probes/README.md): the full set three times over both GPUs, once
# on GPU 0 alone, and the noisy-neighbour pair of fault_demo.sh. Writes $OUT.
#   bash probes/gpu/record_h200.sh .device/vigil-probe
set -u
probe=${1:-.device/vigil-probe}
out=${OUT:-/tmp/vigil-out}
mkdir -p "$out"
export NCCL_NVLS_ENABLE=0
now() { python3 -c "import time; print('%.3f' % time.time())"; }
for i in 1 2 3; do
  a=$(now); "$probe" --probes all --allow-intrusive --thresholds data/probes/thresholds.json > "$out/healthy_2gpu_$i.json"
  rc=$?; b=$(now); python3 -c "print('full set, 2 GPUs, run $i: rc=$rc wall %.2f s' % ($b - $a))"
done
a=$(now); "$probe" --probes all --allow-intrusive --gpus 0 --thresholds data/probes/thresholds.json > "$out/healthy_1gpu.json"
rc=$?; b=$(now); python3 -c "print('full set, 1 GPU: rc=$rc wall %.2f s' % ($b - $a))"
bash probes/gpu/fault_demo.sh "$probe"
