"""A noisy neighbour for the GPU demos: BF16 8192^3 GEMMs on one GPU until told to stop.

    python3 probes/gpu/gemm_hog.py GPU [SECONDS [MODE]]
        # touches /tmp/vigil_hog_ready once warmed up; stops at /tmp/vigil_hog_stop or SECONDS
        # (default 240) after warm-up, whichever comes first; prints its count
MODE (default gemm): `gemm` the GEMM loop; `spin` one spinning kernel after another
(torch.cuda._sleep: a single block busy-waiting, the look of a hung NCCL kernel at 100 % SM use);
`idle` a context holding its 128 MiB matrix that computes nothing after warm-up (an engineer's
idle notebook).
Used by triage_demo.sh, serve_demo.sh (240 s), fault_demo.sh (60 s) and contention_demo.sh (all
three modes); needs PyTorch with CUDA (the GPU machine has it).
"""
import os
import sys
import time

if len(sys.argv) not in (2, 3, 4):
    sys.exit("usage: gemm_hog.py GPU [SECONDS [gemm|spin|idle]]")
mode = sys.argv[3] if len(sys.argv) == 4 else "gemm"
if mode not in ("gemm", "spin", "idle"):
    sys.exit("gemm_hog.py: MODE must be gemm, spin or idle, got %r" % mode)
try:
    gpu = int(sys.argv[1])
    seconds = float(sys.argv[2]) if len(sys.argv) >= 3 else 240.0
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
if mode == "idle":
    time.sleep(2)  # the warm-up's GEMMs out of the NVML samples a probe started next reads
open("/tmp/vigil_hog_ready", "w").close()
t = time.time()
n = 0
while time.time() - t < seconds and not os.path.exists("/tmp/vigil_hog_stop"):
    if mode == "gemm":
        for _ in range(10):
            a @ a
        n += 10
    elif mode == "spin":
        torch.cuda._sleep(100_000_000)  # about 50-60 ms of one spinning block
        n += 1
    else:
        time.sleep(0.05)
    torch.cuda.synchronize()
print("hog (%s): %d %s in %.1f s" % (mode, n, {"gemm": "GEMMs", "spin": "spin kernels", "idle": "kernels"}[mode],
                                     time.time() - t))
