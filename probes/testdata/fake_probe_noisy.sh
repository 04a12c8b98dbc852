#!/bin/sh
# Fake vigil-probe on a node whose stdout carries more than the result document: a login banner
# (ssh runs the user's shell start-up files), a CUDA library's warning, and NCCL_DEBUG=INFO lines
# (NCCL writes them to stdout) before and after the document, which is printed as vigil-probe does
# (one key a line).
echo 'Welcome to gpu-node (Ubuntu 22.04.4 LTS)'
echo 'CUDA warning: lazy loading is not enabled {CUDA_MODULE_LOADING}'
echo "$(hostname):4821:4821 [0] NCCL INFO Bootstrap : Using eth0:10.0.0.7<0>"
cat <<DOC
{
 "vigil_probe": 1,
 "host": "fake",
 "results": [
  {"probe": "gpu.health", "target": "", "status": "pass", "metrics": {"gpu0.temperature_c": 41}, "thresholds": {}, "reason": "args: $*", "duration_s": 0.25},
  {"probe": "gpu.gemm", "target": "", "status": "fail", "metrics": {"bf16_tflops": 600}, "thresholds": {"bf16_tflops_min": 741}, "reason": "below baseline", "duration_s": 3}
 ]
}
DOC
echo "$(hostname):4821:4821 [0] NCCL INFO comm 0x55d1c0 rank 0 nranks 1 cudaDev 0 busId 3b000 - Destroy COMPLETE"
exit 1
