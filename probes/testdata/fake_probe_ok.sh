#!/bin/sh
# Fake vigil-probe: prints a valid document echoing its arguments into the reason.
echo '{"vigil_probe": 1, "host": "fake", "results": [
 {"probe": "gpu.health", "target": "", "status": "pass", "metrics": {"gpu0.temperature_c": 41}, "thresholds": {}, "reason": "args: '"$*"'", "duration_s": 0.25},
 {"probe": "gpu.gemm", "target": "", "status": "fail", "metrics": {"bf16_tflops": 600}, "thresholds": {"bf16_tflops_min": 741}, "reason": "below baseline", "duration_s": 3}
]}'
exit 1
