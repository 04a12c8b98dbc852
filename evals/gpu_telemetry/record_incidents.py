#!/usr/bin/env python3
"""Record real GPU training telemetry with planted incidents, on a machine with NVIDIA GPUs.

Runs a small data-parallel training job (PyTorch, NCCL all-reduce, one process per GPU, at most
2 GPUs) for a fixed time and samples the GPUs through NVML once a second, the way DCGM exporter
would. After a normal stretch (the history a user trains rules on), it plants incidents that
change the real hardware's behaviour, each in a window fixed before the run:

  input_stall   every rank sleeps 150 ms per step (a starved data loader): GPU utilisation and
                power fall, step time rises, tokens/s falls
  straggler     rank 1's GPU also runs a competing matmul stream (a noisy neighbour): its compute
                time rises, the other rank waits in the all-reduce, the whole job slows
  memory_leak   rank 0 keeps 256 MiB more GPU memory every second, freed at the end
  loss_spike    three steps get inputs scaled by 30 (a bad batch): loss and gradient norm spike

Output (in --out): telemetry.csv in Vigil's long CSV format (timestamp,series,value,label,job,node,
rank,Hostname,gpu; detectors/README.md), label = 1 on the series an incident is expected to move,
inside its window; incidents.json with the windows (Unix seconds) and the expected series. Rows are
written as they are measured, so a run cut short still leaves what it measured. Labels as each
source names them: the trainer's step metrics carry job, node and rank (labels we define); the
NVML readings carry dcgm-exporter's `Hostname` (the node) and `gpu` (index), not job or node
(data/rules/README.md, "Labels").

Usage (on the GPU machine):
  NCCL_NVLS_ENABLE=0 python3 evals/gpu_telemetry/record_incidents.py --out DIR [--seconds 480]
"""
import argparse
import json
import math
import os
import socket
import threading
import time

# Seconds after the start of recording; chosen before any run.
NORMAL_END = 240
FAULTS = [
    # name, start, end, expected series (name, scope) where scope is "rank:N", "gpu:N", "job"
    ("input_stall", 260, 290, [("step_time_ms", "rank:*"), ("tokens_per_s", "job"),
                               ("DCGM_FI_DEV_GPU_UTIL", "gpu:*"), ("DCGM_FI_DEV_POWER_USAGE", "gpu:*")]),
    ("straggler", 320, 360, [("compute_ms", "rank:1"), ("allreduce_ms", "rank:0"),
                             ("step_time_ms", "rank:*"), ("tokens_per_s", "job")]),
    ("memory_leak", 390, 430, [("DCGM_FI_DEV_FB_USED", "gpu:0")]),
    ("loss_spike", 455, 458, [("train_loss", "job"), ("grad_norm", "job")]),
]
# How hard each incident hits (run 1's values; --plan 2 changes them and the times).
STRENGTH = {"stall_s": 0.15, "compete_duty": 1.0, "leak_mib_per_s": 256, "spike_scale": 30.0}
# Plan 2: a second run with other times, order and strengths, recorded to check rules written
# after seeing run 1 on a run they have not seen.
PLAN2_FAULTS = [
    ("straggler", 255, 285, FAULTS[1][3]),
    ("memory_leak", 300, 340, FAULTS[2][3]),
    ("input_stall", 370, 400, FAULTS[0][3]),
    ("loss_spike", 430, 433, FAULTS[3][3]),
]
PLAN2_STRENGTH = {"stall_s": 0.06, "compete_duty": 0.5, "leak_mib_per_s": 128, "spike_scale": 10.0}
JOB = "h200-ddp"
NODE = "node-0"
HIDDEN = 8192
LAYERS = 6
TOKENS = 8192  # per rank per step


def fault_at(rel):
    return [f for f in FAULTS if f[1] <= rel < f[2]]


def expected(fault, series, rank, gpu):
    for name, scope in fault[3]:
        if name != series:
            continue
        if scope == "job":
            return True
        kind, which = scope.split(":")
        value = rank if kind == "rank" else gpu
        if value is not None and (which == "*" or int(which) == value):
            return True
    return False


class CsvOut:
    """Appends rows to one csv part file, flushed every write (a cut run keeps its rows)."""

    def __init__(self, path, t0):
        self.f = open(path, "w", buffering=1)
        self.t0 = t0
        self.lock = threading.Lock()

    def row(self, t, series, value, rank=None, gpu=None):
        rel = t - self.t0
        label = 1 if any(expected(f, series, rank, gpu) for f in fault_at(rel)) else 0
        with self.lock:
            if series.startswith("DCGM_FI_"):  # dcgm-exporter's labels: Hostname, gpu
                labels = ("", "", "", NODE, gpu)
            else:  # the trainer's: job, node, rank
                labels = (JOB, NODE, "" if rank is None else rank, "", "")
            self.f.write("%.3f,%s,%.6g,%d,%s,%s,%s,%s,%s\n" % ((t, series, value, label) + labels))


def sample_gpus(out, stop, n_gpus):
    import pynvml
    pynvml.nvmlInit()
    handles = [pynvml.nvmlDeviceGetHandleByIndex(i) for i in range(n_gpus)]
    next_t = time.time()
    while not stop.is_set():
        t = time.time()
        for i, h in enumerate(handles):
            try:
                util = pynvml.nvmlDeviceGetUtilizationRates(h)
                mem = pynvml.nvmlDeviceGetMemoryInfo(h)
                out.row(t, "DCGM_FI_DEV_GPU_UTIL", util.gpu, gpu=i)
                out.row(t, "DCGM_FI_DEV_MEM_COPY_UTIL", util.memory, gpu=i)
                out.row(t, "DCGM_FI_DEV_POWER_USAGE", pynvml.nvmlDeviceGetPowerUsage(h) / 1000.0, gpu=i)
                out.row(t, "DCGM_FI_DEV_GPU_TEMP",
                        pynvml.nvmlDeviceGetTemperature(h, pynvml.NVML_TEMPERATURE_GPU), gpu=i)
                out.row(t, "DCGM_FI_DEV_SM_CLOCK",
                        pynvml.nvmlDeviceGetClockInfo(h, pynvml.NVML_CLOCK_SM), gpu=i)
                out.row(t, "DCGM_FI_DEV_FB_USED", mem.used / (1 << 20), gpu=i)
            except pynvml.NVMLError as e:  # keep sampling; say what failed
                print("nvml gpu %d: %s" % (i, e), flush=True)
        next_t += 1.0
        time.sleep(max(0.0, next_t - time.time()))
    pynvml.nvmlShutdown()


def apply_plan(plan):
    """Sets FAULTS and STRENGTH for the plan; called in every process (spawned workers re-import
    this module, so a change made in main() alone would not reach them)."""
    if plan == 2:
        FAULTS[:] = PLAN2_FAULTS
        STRENGTH.update(PLAN2_STRENGTH)


def worker(rank, world, args, t0):
    apply_plan(args.plan)
    # NVLink multicast stays off (the GPU host is shared; see the device notes)
    os.environ.update(NCCL_NVLS_ENABLE="0", NVSHMEM_DISABLE_NVLS="1",
                      TORCH_SYMM_MEM_DISABLE_MULTICAST="1")
    import torch
    import torch.distributed as dist
    torch.cuda.set_device(rank)
    dev = torch.device("cuda", rank)
    if world > 1:
        dist.init_process_group("nccl", init_method="tcp://127.0.0.1:%d" % args.port,
                                rank=rank, world_size=world)
    out = CsvOut(os.path.join(args.out, "part-rank%d.csv" % rank), t0)
    gpu_stop = threading.Event()
    sampler = None
    if rank == 0:
        sampler = threading.Thread(target=sample_gpus, args=(
            CsvOut(os.path.join(args.out, "part-nvml.csv"), t0), gpu_stop, world), daemon=True)
        sampler.start()

    gen = torch.Generator(device=dev).manual_seed(1234)  # same weights on every rank
    weights = [(torch.randn(HIDDEN, HIDDEN, device=dev, generator=gen, dtype=torch.bfloat16)
                / HIDDEN ** 0.5).requires_grad_() for _ in range(LAYERS)]
    teacher = torch.randn(HIDDEN, HIDDEN, device=dev, generator=gen, dtype=torch.bfloat16) / HIDDEN ** 0.5
    data_gen = torch.Generator(device=dev).manual_seed(99 + rank)
    lr = 0.05

    # straggler: a competing matmul stream on rank 1's GPU
    compete = threading.Event()

    def competitor():
        s = torch.cuda.Stream(device=dev)
        a = torch.randn(8192, 8192, device=dev, dtype=torch.bfloat16)
        with torch.cuda.stream(s):
            while not gpu_stop.is_set() and time.time() - t0 < args.seconds:
                if compete.is_set():
                    t_burst = time.time()
                    for _ in range(4):
                        a = (a @ a).clamp_(-1, 1)
                    s.synchronize()
                    duty = STRENGTH["compete_duty"]
                    if duty < 1.0:  # idle for the rest of the duty cycle
                        time.sleep((time.time() - t_burst) * (1.0 - duty) / duty)
                else:
                    time.sleep(0.05)

    if rank == 1:
        threading.Thread(target=competitor, daemon=True).start()

    leak = []
    ev = [torch.cuda.Event(enable_timing=True) for _ in range(4)]
    bucket = None
    acc = {}

    def flush(sec):
        n = acc.get("steps", 0)
        if n == 0 or sec < 0:  # warm-up before t0 is not recorded
            return
        t = t0 + sec + 1.0
        out.row(t, "step_time_ms", acc["step"] / n, rank=rank)
        out.row(t, "compute_ms", acc["compute"] / n, rank=rank)
        out.row(t, "allreduce_ms", acc["ar"] / n, rank=rank)
        if rank == 0:
            out.row(t, "tokens_per_s", n * TOKENS * world, None)
            out.row(t, "train_loss", acc["loss"] / n)
            out.row(t, "grad_norm", acc["gnorm"])

    step = 0
    spike_steps = 0
    last_leak = 0.0
    prev_end = time.time()
    while True:
        now = time.time()
        rel = now - t0
        if rel >= args.seconds:
            break
        active = {f[0] for f in fault_at(rel)}
        if "input_stall" in active:
            time.sleep(STRENGTH["stall_s"])
        if rank == 1:
            (compete.set if "straggler" in active else compete.clear)()
        if rank == 0:
            if "memory_leak" in active and now - last_leak >= 1.0:
                leak.append(torch.ones(STRENGTH["leak_mib_per_s"] << 20, dtype=torch.uint8, device=dev))
                last_leak = now
            elif "memory_leak" not in active and leak:
                leak.clear()
                torch.cuda.empty_cache()
        scale = 1.0
        if "loss_spike" in active and spike_steps < 3:
            scale = STRENGTH["spike_scale"]
            spike_steps += 1
        x = torch.randn(TOKENS, HIDDEN, device=dev, dtype=torch.bfloat16, generator=data_gen) * scale
        y = x @ teacher
        ev[0].record()
        h = x
        for w in weights:
            h = h @ w
        loss = torch.nn.functional.mse_loss(h.float(), y.float())
        loss.backward()
        ev[1].record()
        grads = [w.grad for w in weights]
        flat = torch.cat([g.reshape(-1) for g in grads])
        ev[2].record()
        if world > 1:
            dist.all_reduce(flat)
            flat /= world
        ev[3].record()
        gnorm = flat.float().norm()
        clip = torch.clamp(1.0 / (gnorm + 1e-6), max=1.0)
        with torch.no_grad():
            off = 0
            for w in weights:
                n = w.numel()
                w -= lr * clip * flat[off:off + n].view_as(w)
                w.grad = None
                off += n
        torch.cuda.synchronize()
        end = time.time()
        sec = math.floor(end - t0)  # floor: the second before t0 is its own bucket
        if bucket is not None and sec != bucket:
            flush(bucket)
            acc = {}
        bucket = sec
        acc["steps"] = acc.get("steps", 0) + 1
        acc["step"] = acc.get("step", 0.0) + (end - prev_end) * 1000.0
        acc["compute"] = acc.get("compute", 0.0) + ev[0].elapsed_time(ev[1])
        acc["ar"] = acc.get("ar", 0.0) + ev[2].elapsed_time(ev[3])
        acc["loss"] = acc.get("loss", 0.0) + loss.item()
        acc["gnorm"] = max(acc.get("gnorm", 0.0), gnorm.item())
        prev_end = end
        step += 1
    # The last bucket is not flushed: it holds only the steps before --seconds ran out, so its
    # tokens/s read low (runs 1 and 2 have that partial last second in their csv; the readme
    # of data/gpu_telemetry says so).
    gpu_stop.set()
    if sampler:
        sampler.join()
    if world > 1:
        dist.barrier()
        dist.destroy_process_group()
    print("rank %d: %d steps" % (rank, step), flush=True)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--out", required=True)
    p.add_argument("--seconds", type=float, default=480.0)
    p.add_argument("--gpus", type=int, default=2)
    p.add_argument("--port", type=int, default=29531)
    p.add_argument("--plan", type=int, choices=(1, 2), default=1,
                   help="1: the times and strengths of run 1; 2: those of the check run")
    args = p.parse_args()
    apply_plan(args.plan)
    import torch
    import torch.multiprocessing as mp
    world = max(1, min(args.gpus, torch.cuda.device_count()))
    os.makedirs(args.out, exist_ok=True)
    # warm-up happens inside the workers before t0 matters little: start t0 a little later
    t0 = time.time() + 20.0
    meta = {
        "job": JOB, "node": NODE, "world_size": world, "hidden": HIDDEN, "layers": LAYERS,
        "tokens_per_rank_step": TOKENS, "t0": t0, "seconds": args.seconds,
        "normal_end": t0 + NORMAL_END, "host": socket.gethostname(), "plan": args.plan,
        "strength": STRENGTH,
        "gpu": torch.cuda.get_device_name(0) if torch.cuda.is_available() else None,
        "torch": torch.__version__, "nccl": str(torch.cuda.nccl.version()),
        "incidents": [{"name": f[0], "start": t0 + f[1], "end": t0 + f[2],
                       "expected": [{"series": s, "scope": sc} for s, sc in f[3]]} for f in FAULTS],
    }
    with open(os.path.join(args.out, "incidents.json"), "w") as f:
        json.dump(meta, f, indent=1)
    if world > 1:
        mp.spawn(worker, args=(world, args, t0), nprocs=world, join=True)
    else:
        worker(0, 1, args, t0)
    merge(args.out, t0)


def merge(out_dir, t0):
    rows = []
    for name in sorted(os.listdir(out_dir)):
        if name.startswith("part-") and name.endswith(".csv"):
            with open(os.path.join(out_dir, name)) as f:
                for line in f:
                    if line.strip() and float(line.split(",", 1)[0]) >= t0:
                        rows.append(line)
    rows.sort(key=lambda r: float(r.split(",", 1)[0]))
    with open(os.path.join(out_dir, "telemetry.csv"), "w") as f:
        f.write("timestamp,series,value,label,job,node,rank,Hostname,gpu\n")
        f.writelines(rows)
    print("merged %d rows" % len(rows), flush=True)


if __name__ == "__main__":
    main()
