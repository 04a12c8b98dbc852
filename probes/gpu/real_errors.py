"""Real PyTorch/NCCL error text on a GPU, for probes/gpu/real_errors_demo.sh. Each mode runs in
its own process (a CUDA error poisons the process's context) and prints the exception's text.

    python3 probes/gpu/real_errors.py oom            # torch.OutOfMemoryError of a 4 TiB tensor
    python3 probes/gpu/real_errors.py device-assert  # an out-of-range index on the GPU
    python3 -m torch.distributed.run --nproc_per_node=2 probes/gpu/real_errors.py same-gpu
        # two ranks of one NCCL communicator on one GPU (a forgotten torch.cuda.set_device(LOCAL_RANK))
    python3 -m torch.distributed.run --nproc_per_node=N probes/gpu/real_errors.py all-reduce
        # one all-reduce, each rank on its own GPU (LOCAL_RANK modulo the GPUs), for a job's NCCL env
    python3 -m torch.distributed.run --nnodes=2 --node_rank=R ... probes/gpu/real_errors.py rank-as-device
        # torch.cuda.set_device(RANK): the global rank used as the local GPU index (a job's bug that
        # shows only on the second node, where RANK >= the GPUs of a node)
    python3 -m torch.distributed.run --nproc_per_node=1 probes/gpu/real_errors.py loader
        # a training loop fed by a DataLoader of 4 workers whose samples are many small tensors (each
        # batch passes LOADER_TENSORS shared-memory tensors of LOADER_ELEMS floats from a worker; run it
        # under a small `ulimit -n` or a small /dev/shm)
    python3 -m torch.distributed.run --nproc_per_node=1 probes/gpu/real_errors.py loader-leak
        # the same loop whose dataset keeps every sample it read (a cache that never evicts): each
        # worker's memory grows by 256 MiB a sample (run it under a cgroup's memory.max)
"""
import os
import sys
import traceback

MODES = ("oom", "device-assert", "same-gpu", "all-reduce", "rank-as-device", "loader", "loader-leak")
if len(sys.argv) != 2 or sys.argv[1] not in MODES:
    sys.exit("usage: real_errors.py %s" % "|".join(MODES))
mode = sys.argv[1]

import torch  # after the argument check


class ManyTensors(torch.utils.data.Dataset):
    """Samples of many small tensors; with leak=True every sample read is kept (a cache that never evicts)."""

    def __init__(self, tensors, elems, leak):
        self.tensors, self.elems, self.leak, self.kept = tensors, elems, leak, []

    def __len__(self):
        return 1 << 20

    def __getitem__(self, i):
        if self.leak:
            self.kept.append(bytearray(256 << 20))  # zero-filled: the pages are really touched
        return [torch.full((self.elems,), float(i)) for _ in range(self.tensors)]


def train_from_loader(leak):
    torch.cuda.set_device(int(os.environ.get("LOCAL_RANK", "0")) % max(1, torch.cuda.device_count()))
    data = ManyTensors(int(os.environ.get("LOADER_TENSORS", "128")), int(os.environ.get("LOADER_ELEMS", "16384")), leak)
    loader = torch.utils.data.DataLoader(data, batch_size=4, num_workers=4, prefetch_factor=4)
    w = torch.zeros(1, device="cuda")
    for step, batch in enumerate(loader):
        w += sum(t.cuda(non_blocking=True).sum() for t in batch)
        if step % 20 == 0:
            print("rank %s step %d: %d tensors a batch" % (os.environ.get("RANK", "0"), step, len(batch)), flush=True)
        if step == 200:
            break
    torch.cuda.synchronize()
    print("rank %s: 200 steps from the loader finished (no error)" % os.environ.get("RANK", "0"))


try:
    if mode == "oom":
        x = torch.empty(4 << 40, dtype=torch.uint8, device="cuda")
    elif mode == "device-assert":
        a = torch.arange(10, device="cuda")
        idx = torch.tensor([20], device="cuda")
        print(a[idx].sum().item())
    elif mode in ("loader", "loader-leak"):
        train_from_loader(mode == "loader-leak")
        sys.exit(0)
    else:
        import torch.distributed as dist
        if mode == "rank-as-device":
            torch.cuda.set_device(int(os.environ["RANK"]))  # the bug: RANK, not LOCAL_RANK
        dist.init_process_group("nccl")
        if mode == "rank-as-device":
            t = torch.ones(1 << 20, device="cuda")
        elif mode == "all-reduce":
            torch.cuda.set_device(int(os.environ.get("LOCAL_RANK", "0")) % max(1, torch.cuda.device_count()))
            t = torch.ones(1 << 20, device="cuda")
        else:
            t = torch.ones(1 << 20, device="cuda:0")  # every rank on GPU 0: LOCAL_RANK not used
        dist.all_reduce(t)
        torch.cuda.synchronize()
        print("rank %s: all_reduce finished (no error)" % os.environ.get("RANK"))
        dist.destroy_process_group()
        sys.exit(0)
except Exception:
    traceback.print_exc()
    sys.exit(1)
print("%s: no error raised" % mode)
sys.exit(0)
