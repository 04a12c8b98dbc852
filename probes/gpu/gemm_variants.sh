#!/usr/bin/env bash
# GEMM variants against torch.matmul on the same GPU, interleaved (device call; see README).
set -u
probe=${1:-.device/vigil-probe}
for rep in 1 2; do
  for v in "" "--gemm-no-autotune"; do
    "$probe" --probes gpu.gemm --allow-intrusive --gpus 0 $v | python3 -c "
import json,sys; m=json.load(sys.stdin)['results'][0]['metrics']
print('variant [%s] bf16 %.1f fp16 %.1f tf32 %.1f fp8 %.1f (bf16 sm clock %s MHz, %s W)' % ('$v' or 'default', m['bf16_tflops'], m['fp16_tflops'], m['tf32_tflops'], m.get('fp8_tflops', 0), m.get('gpu0.bf16_sm_clock_mhz'), m.get('gpu0.bf16_power_w')))"
    python3 probes/gpu/torch_baseline.py | python3 -c "import json,sys; d=json.load(sys.stdin); print('  torch.matmul bf16 sustained %.1f burst %.1f' % (d['matmul_bf16_8192_tflops'], d['matmul_bf16_8192_tflops_burst']))"
  done
done
