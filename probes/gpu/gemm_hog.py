"""A noisy neighbour for the live-triage demos: BF16 8192^3 GEMMs on one GPU until told to stop.

    python3 probes/gpu/gemm_hog.py GPU   # touches /tmp/vigil_hog_ready once running; stops at
                                          # /tmp/vigil_hog_stop or after 240 s; prints its count
Used by triage_demo.sh and serve_demo.sh (needs PyTorch with CUDA: the GPU machine has it).
"""
import os
import sys
import time

import torch

torch.cuda.set_device(int(sys.argv[1]))
a = torch.randn(8192, 8192, device="cuda", dtype=torch.bfloat16)
for _ in range(5):
    a @ a
torch.cuda.synchronize()
open("/tmp/vigil_hog_ready", "w").close()
t = time.time()
n = 0
while time.time() - t < 240 and not os.path.exists("/tmp/vigil_hog_stop"):
    for _ in range(10):
        a @ a
    torch.cuda.synchronize()
    n += 10
print("hog: %d GEMMs in %.1f s" % (n, time.time() - t))
