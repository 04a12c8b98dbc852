#!/usr/bin/env python3
"""Writes a realistic training job's log of about --mb megabytes to stdout, for pasted_log_bench.py.

What a 64-rank PyTorch job run with NCCL_DEBUG=INFO prints to one file (8 nodes x 8 GPUs):
  ~45 %  NCCL INFO channel lines   "gpu-node-03:1012:2012 [4] NCCL INFO Channel 07/0 : 12 -> 13 via P2P/IPC/read ..."
  ~10 %  NCCL INFO init lines      "... NCCL INFO comm 0x.. rank 12 nranks 64 cudaDev 4 busId 3b000 ... Init COMPLETE"
  ~35 %  step lines                "[2026-12-04 10:01:12,345] [INFO] [rank12] step 4211 | loss 2.3120 | lr 3.0e-04 | ..."
  ~8 %   dataloader warnings       "[2026-12-04 10:00:00,000] [WARNING] [rank12] ...: dataloader worker 3 took 0.53s ..."
  --warn-percent of NCCL WARN lines without a time stamp (an IB fabric going bad: "NCCL WARN NET/IB :
         Got completion from peer ... with status=12 ... vendor err 129"; each matches a knowledge-base
         signature, so the log budget keeps every one), 0 by default;
then the failure: rank 12's NCCL watchdog timeout and its Python traceback. Deterministic (--seed).
"""
import argparse
import random
import sys

TRACEBACK = """[rank12]:[E1204 10:59:59.123456 140012 ProcessGroupNCCL.cpp:607] [Rank 12] Watchdog caught collective operation timeout: WorkNCCL(SeqNum=88211, OpType=ALLREDUCE, NumelIn=262144000, NumelOut=262144000, Timeout(ms)=600000) ran for 600017 milliseconds before timing out.
[rank12]:[E1204 10:59:59.223456 140012 ProcessGroupNCCL.cpp:1664] [PG 0 Rank 12] Exception (either an error or timeout) detected by watchdog at work: 88211, last enqueued NCCL work: 88212, last completed NCCL work: 88210.
Traceback (most recent call last):
  File "/workspace/train.py", line 412, in <module>
    main()
  File "/workspace/train.py", line 388, in main
    loss.backward()
  File "/usr/lib/python3/dist-packages/torch/_tensor.py", line 525, in backward
    torch.autograd.backward(
RuntimeError: NCCL communicator was aborted on rank 12. Original reason for failure was: [Rank 12] Watchdog caught collective operation timeout: WorkNCCL(SeqNum=88211, OpType=ALLREDUCE) ran for 600017 milliseconds before timing out.
"""


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--mb", type=float, default=50, help="size in megabytes (10^6 bytes), at most 2000")
    ap.add_argument("--warn-percent", type=float, default=0, help="percent of lines that are NCCL WARN lines")
    ap.add_argument("--seed", type=int, default=7)
    a = ap.parse_args()
    if not 0 < a.mb <= 2000 or not 0 <= a.warn_percent <= 100:
        print("training_log.py: --mb must be in (0, 2000] and --warn-percent in [0, 100]", file=sys.stderr)
        return 2
    rnd = random.Random(a.seed)
    target = int(a.mb * 1_000_000) - len(TRACEBACK)
    hosts = [f"gpu-node-{i:02d}" for i in range(8)]
    out = sys.stdout
    written, step = 0, 0
    warn = a.warn_percent / 100
    lines = []
    while written < target:
        r = rnd.random()
        h = rnd.choice(hosts)
        rank = rnd.randrange(64)
        head = f"{h}:{1000 + rank}:{2000 + rank} [{rank % 8}]"
        if r < warn:
            line = (f"{head} NCCL WARN NET/IB : Got completion from peer 10.0.{rank}.{rank % 8}<{40000 + rank}> with "
                    f"status=12 opcode=0 len=0 vendor err 129 (Recv) localGid ::ffff:10.0.0.1 remoteGids ::ffff:10.0.0.2 "
                    f"hca mlx5_{rank % 4}")
        else:
            r = (r - warn) / (1 - warn) if warn < 1 else 0
            if r < 0.45:
                line = (f"{head} NCCL INFO Channel {rnd.randrange(32):02d}/0 : {rank} -> {(rank + 1) % 64} via "
                        f"P2P/IPC/read comm 0x{rnd.getrandbits(40):x} nRanks 64")
            elif r < 0.55:
                line = (f"{head} NCCL INFO comm 0x{rnd.getrandbits(40):x} rank {rank} nranks 64 cudaDev {rank % 8} "
                        f"busId {rnd.randrange(16, 255):x}000 commId 0x{rnd.getrandbits(60):x} - Init COMPLETE")
            elif r < 0.9:
                step += 1
                line = (f"[2026-12-04 10:{(step // 60) % 60:02d}:{step % 60:02d},{rnd.randrange(1000):03d}] [INFO] "
                        f"[rank{rank}] step {step} | loss {rnd.uniform(1.5, 3.0):.4f} | lr 3.0e-04 | grad_norm "
                        f"{rnd.uniform(0.2, 1.5):.3f} | tokens/s {rnd.randrange(180000, 220000)} | mem 61.2GiB")
            else:
                line = (f"[2026-12-04 10:00:00,000] [WARNING] [rank{rank}] torch/distributed/distributed_c10d.py:"
                        f"{rnd.randrange(100, 4000)}: dataloader worker {rnd.randrange(8)} took "
                        f"{rnd.uniform(0.1, 2):.2f}s to produce batch")
        lines.append(line)
        written += len(line) + 1
        if len(lines) >= 10000:
            out.write("\n".join(lines) + "\n")
            lines.clear()
    if lines:
        out.write("\n".join(lines) + "\n")
    out.write(TRACEBACK)
    return 0


if __name__ == "__main__":
    sys.exit(main())
