#!/usr/bin/env python3
"""PyTorch baselines for vigil-probe's figures, measured the same way on the same GPUs.

  python3 torch_baseline.py                 # bf16 matmul 8192^3 TFLOP/s, device copy TB/s (GPU 0)
  torchrun --nproc_per_node=2 torch_baseline.py --allreduce   # all_reduce busbw, 256 MiB and 1 GiB

Prints one JSON object. Method mirrors vigil-probe: random data, warm-up (for the matmul at least 0.3 s,
as gpu.gemm does; a 5-product "burst" figure is printed too), then the median of CUDA-event-timed
iterations (matmul, copy); all_reduce is host wall time of 20 iterations after 5
warm-up with the stream synchronised (nccl-tests' method), busbw = algbw * 2(n-1)/n.
"""
import json
import os
import statistics
import sys
import time

import torch


def timed_median(fn, warmup, iters, warmup_s=0.0):
    for _ in range(warmup):
        fn()
    t0 = time.perf_counter()
    while time.perf_counter() - t0 < warmup_s:  # sustained: clocks settle at the power limit
        for _ in range(10):
            fn()
        torch.cuda.synchronize()
    ev = [torch.cuda.Event(enable_timing=True) for _ in range(iters + 1)]
    ev[0].record()
    for i in range(iters):
        fn()
        ev[i + 1].record()
    torch.cuda.synchronize()
    return statistics.median(ev[i].elapsed_time(ev[i + 1]) / 1e3 for i in range(iters))


def single():
    torch.backends.cuda.matmul.allow_tf32 = False
    n = 8192
    a = torch.rand(n, n, device="cuda", dtype=torch.bfloat16) * 2 - 1
    b = torch.rand(n, n, device="cuda", dtype=torch.bfloat16) * 2 - 1
    # Burst: 5 warm-up products (a common quick benchmark); sustained: >= 0.3 s of warm-up first,
    # exactly as vigil-probe's gpu.gemm does. Both are printed.
    t = timed_median(lambda: torch.matmul(a, b), 5, 20)
    out = {"torch": torch.__version__, "gpu": torch.cuda.get_device_name(0),
           "matmul_bf16_8192_tflops_burst": 2 * n ** 3 / t / 1e12}
    t = timed_median(lambda: torch.matmul(a, b), 0, 20, warmup_s=0.3)
    out["matmul_bf16_8192_tflops"] = 2 * n ** 3 / t / 1e12
    nbytes = 2 << 30
    src = torch.empty(nbytes // 4, device="cuda", dtype=torch.float32).uniform_(-1, 1)
    dst = torch.empty_like(src)
    t = timed_median(lambda: dst.copy_(src), 3, 20)
    out["copy_2gib_tbps_read_plus_write"] = 2 * nbytes / t / 1e12
    print(json.dumps(out))


def allreduce():
    import torch.distributed as dist
    dist.init_process_group("nccl")
    rank, world = dist.get_rank(), dist.get_world_size()
    torch.cuda.set_device(int(os.environ.get("LOCAL_RANK", rank)))
    res = {"world": world}
    for nbytes, tag in ((256 << 20, "256mib"), (1 << 30, "1gib")):
        x = torch.ones(nbytes // 4, device="cuda", dtype=torch.float32)
        y = x.clone()
        for _ in range(5):
            y.copy_(x)
            dist.all_reduce(y)
        torch.cuda.synchronize()
        t0 = time.perf_counter()
        for _ in range(20):
            dist.all_reduce(y)
        torch.cuda.synchronize()
        sec = (time.perf_counter() - t0) / 20
        algbw = nbytes / sec / 1e9
        res["allreduce_busbw_gbps_" + tag] = algbw * 2 * (world - 1) / world
        res["allreduce_algbw_gbps_" + tag] = algbw
    if rank == 0:
        print(json.dumps(res))
    dist.destroy_process_group()


if __name__ == "__main__":
    allreduce() if "--allreduce" in sys.argv else single()
