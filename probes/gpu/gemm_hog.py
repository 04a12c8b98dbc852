"""A noisy neighbour for the GPU demos: BF16 8192^3 GEMMs on one GPU until told to stop.

    python3 probes/gpu/gemm_hog.py GPU [SECONDS]
        # touches /tmp/vigil_hog_ready once warmed up; stops at /tmp/vigil_hog_stop or SECONDS
        # (default 240) after warm-up, whichever comes first; prints its count
Used by triage_demo.sh, serve_demo.sh (240 s) and fault_demo.sh (60 s); needs PyTorch with CUDA
(the GPU machine has it).
"""
import os
import sys
import time

if len(sys.argv) not in (2, 3):
    sys.exit("usage: gemm_hog.py GPU [SECONDS]")
try:
    gpu = int(sys.argv[1])
    seconds = float(sys.argv[2]) if len(sys.argv) == 3 else 240.0
except ValueError:
    sys.exit("gemm_hog.py: GPU must be an integer and SECONDS a number, got %r" % sys.argv[1:])
if gpu < 0 or not 0 < seconds < float("inf"):
    sys.exit("gemm_hog.py: GPU must be >= 0 and SECONDS > 0 and finite, got %r" % sys.argv[1:])

import torch  # after the argument check, so a bad call fails fast

torch.cuda.set_device(gpu)
a = torch.randn(8192, 8192, device="cuda", dtype=torch.bfloat16)
for _ in range(5):
    a @ a
torch.cuda.synchronize()
open("/tmp/vigil_hog_ready", "w").close()
t = time.time()
n = 0
while time.time() - t < seconds and not os.path.exists("/tmp/vigil_hog_stop"):
    for _ in range(10):
        a @ a
    torch.cuda.synchronize()
    n += 10
print("hog: %d GEMMs in %.1f s" % (n, time.time() - t))
