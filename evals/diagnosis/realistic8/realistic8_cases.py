#!/usr/bin/env python3
"""realistic8: 15 pairs of near-twin incidents (30 cases), written blind to the reasoner (RL8).

The two cases of a pair (01/02, 03/04, ...) share the job, the first symptom and most of the log,
alert and metric shapes; they differ in the one or two details an on-call engineer would use to
tell them apart, and each carries positive evidence for its own answer. See README.md.

Usage: realistic8_cases.py [--out DIR]   (default: this file's directory). Deterministic: every
case draws from its own seed (casekit.Case seeds from the case id).
"""

import argparse
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))

from casekit import (Case, app_noise, kernel_noise, nccl_init, watchdog, elastic_failure,  # noqa: E402
                     megatron_iters, deepspeed_steps, fsdp_steps, plain_steps, write_cases,
                     CLK_SW_THERMAL, CLK_HW_THERMAL, CLK_HW_SLOWDOWN, CLK_SW_POWER_CAP,
                     CLK_HW_POWER_BRAKE)


def C(*args, **kw):
    """A case whose metric series are sampled every 60 s (keeps the set small)."""
    kw.setdefault("step_s", 60)
    return Case(*args, **kw)


def hosts(prefix, n, start=1, width=3):
    return ["%s%0*d" % (prefix, width, start + i) for i in range(n)]


def dcgm_node(c, host, clocks=None, temps=None, power=None, util=None, skip=()):
    """dcgm-exporter's usual series for every GPU of `host`; per-GPU overrides are fn(s, v)."""
    if "temp" not in skip:
        c.gpu_metric("DCGM_FI_DEV_GPU_TEMP", host, 58, jitter=3, over=temps or {}, decimals=0)
    if "clock" not in skip:
        c.gpu_metric("DCGM_FI_DEV_SM_CLOCK", host, 1980, jitter=0, over=clocks or {}, decimals=0)
    if "power" not in skip:
        c.gpu_metric("DCGM_FI_DEV_POWER_USAGE", host, 612, jitter=40, over=power or {}, decimals=1)
    if "util" not in skip:
        c.gpu_metric("DCGM_FI_DEV_GPU_UTIL", host, 97, jitter=2, over=util or {}, decimals=0)


def after(t, before, then):
    """Value fn switching from `before` to `then` at offset t (seconds before the alert)."""
    return lambda s, v: v if s < t else then(s, v)


# ============================================================ pair 1: loss spike — FP8 amax vs SDC
def loss_spike_common(c, it0):
    def loss_fn(i):
        return 1.87 - 0.0004 * i + c.rng.uniform(-0.02, 0.02) if i < 14 else (
            [7.91, 9.84, 11.02, 10.77, 10.91, 11.06][min(i - 14, 5)])

    def grad_fn(i):
        return c.rng.uniform(0.21, 0.29) if i < 14 else [38.2, 1.2e3, 4.4e3, 3.9e3, 5.1e3, 4.8e3][min(i - 14, 5)]
    return megatron_iters(c, -180, 20, it0, total_it=250000, step_s=6.2, loss=1.87, lr=1.5e-4,
                          gbs=2048, loss_fn=loss_fn, grad_fn=grad_fn)


def case_01():
    hs = hosts("h200-b", 8, 21)
    c = C("case-rl8-01", "fp8_scaling_overflow", "job", hs)
    c.alert("TrainingLossSpike", "lm loss rose from 1.86 to 7.9 within one iteration (job llm-70b-fp8)",
            job="llm-70b-fp8", severity="warning", cluster="h200-b")
    it = loss_spike_common(c, 118402)
    te = [
        "[%s] WARNING: transformer_engine/pytorch/fp8.py: amax_history for FP8 tensor 'fwd_input' of "
        "module decoder.layers.37.mlp.linear_fc2 contains non-finite values (inf) at iteration 118416" % c.ymd(-92),
        "[%s] WARNING: transformer_engine: scaling factor for recipe DelayedScaling(margin=0, "
        "fp8_format=HYBRID, amax_history_len=1024, amax_compute_algo='max') became 0.0 for 6 of 320 FP8 "
        "tensors (decoder.layers.37.*, decoder.layers.38.*)" % c.ymd(-91),
        "[%s] WARNING: transformer_engine: FP8 cast of 'grad_output' saturated 14.2%% of elements at "
        "E5M2 max (57344.0) in decoder.layers.38.self_attention.linear_proj" % c.ymd(-86),
        "[%s] WARNING: transformer_engine: amax_history for 'fwd_weight' of decoder.layers.38.mlp.linear_fc1 "
        "is inf on all 64 data-parallel ranks (amax reduction group size 64)" % c.ymd(-80),
    ]
    lines = ["using world size: 64, data-parallel size: 8, context-parallel size: 1, tensor-model-parallel "
             "size: 8, pipeline-model-parallel size: 1",
             "  fp8 ............................................ hybrid",
             "  fp8_amax_history_len ........................... 1024",
             "  fp8_amax_compute_algo .......................... max",
             "  fp8_margin ..................................... 0",
             "  check_for_nan_in_loss_and_grad ................. True"] + it[:14] + te + it[14:]
    lines.append("[%s] WARNING:megatron.core.rerun_state_machine:Result validation enabled; rerunning "
                 "iteration 118417 on the same ranks reproduced the same loss 1.098400E+01 (deterministic, "
                 "not a transient fault)" % c.ymd(-40))
    lines += app_noise(c, 6)
    c.log("%s/rank0/stdout" % hs[0], lines)
    c.log("%s/journal" % hs[3], kernel_noise(c, hs[3], 8))
    dcgm_node(c, hs[3], skip=("temp", "clock"))
    c.sdc("gpu.sdc@%s" % hs[0])
    c.sdc("gpu.sdc@%s" % hs[3])
    return c


def case_02():
    hs = hosts("h200-b", 8, 21)
    c = C("case-rl8-02", "gpu_silent_data_corruption", "h200-b024/gpu5", hs)
    c.alert("TrainingLossSpike", "lm loss rose from 1.87 to 7.9 within one iteration (job llm-70b-fp8)",
            job="llm-70b-fp8", severity="warning", cluster="h200-b")
    it = loss_spike_common(c, 203311)
    lines = ["using world size: 64, data-parallel size: 8, context-parallel size: 1, tensor-model-parallel "
             "size: 8, pipeline-model-parallel size: 1",
             "  fp8 ............................................ hybrid",
             "  fp8_amax_history_len ........................... 1024",
             "  check_for_nan_in_loss_and_grad ................. True"] + it[:14]
    lines += [
        "[%s] WARNING: transformer_engine: FP8 cast of 'grad_output' saturated 0.8%% of elements at E5M2 "
        "max (57344.0) in decoder.layers.11.self_attention.linear_proj" % c.ymd(-88),
        "[%s] WARNING:megatron.core.rerun_state_machine:Result validation enabled; rerunning iteration "
        "203325: the rerun on the same ranks produced loss 1.861203E+00 (was 7.910344E+00): "
        "NOT REPRODUCIBLE, suspecting a transient hardware fault" % c.ymd(-60),
        "[%s] WARNING:megatron.core.rerun_state_machine:Rerunning iteration 203325 on a different set of "
        "GPUs: loss 1.860977E+00; faulty result attributed to data-parallel replica 3 "
        "(ranks 24-31 on h200-b024)" % c.ymd(-44),
        "[%s] ERROR: grad checksum mismatch across data-parallel replicas at iteration 203325: replica 3 "
        "(global rank 29, h200-b024 local rank 5) sha1 9e1c0f4a... differs from the other 7 "
        "replicas (sha1 41b7d2c0...)" % c.ymd(-43),
    ] + it[14:] + app_noise(c, 5)
    c.log("%s/rank0/stdout" % hs[0], lines)
    c.log("%s/journal" % hs[3], kernel_noise(c, hs[3], 8))
    dcgm_node(c, hs[3], skip=("temp", "clock"))
    c.sdc("gpu.sdc@%s" % hs[0])
    c.sdc("gpu.sdc@%s" % hs[3], mismatched=3817, bad_gpu="gpu5")
    c.health("gpu.health@%s/gpu5" % hs[3])
    return c


# ============================================================ pair 2: watchdog — IB flap vs crashed rank
def watchdog_wall(c, hs, first_s, skip_rank=None, n=6):
    out = []
    for k, r in enumerate([3, 9, 17, 26, 31, 12][:n]):
        if r == skip_rank:
            continue
        out += ["[%s]:%s" % (hs[r // 8], x) for x in watchdog(c, r, first_s + 2 * k, 88412, op="_ALLGATHER_BASE",
                                                                numel=131072000, timeout_ms=600000)[:2]]
    return out


def case_03():
    hs = hosts("gpu-c", 4, 101)
    c = C("case-rl8-03", "ib_link_failure", "gpu-c102/mlx5_4", hs)
    c.alert("SlurmJobFailed", "job 771203 (fsdp-pretrain) FAILED on 4 nodes, exit code 1",
            job="fsdp-pretrain", slurm_job_id="771203")
    steps = fsdp_steps(c, -1400, 10, 88400, step_s=2.1)
    k = [
        "%s gpu-c102 kernel: mlx5_core 0000:4b:00.0: mlx5_port_module_event:1196:(pid 0): Port module event: "
        "module 4, Cable unplugged" % c.syslog(-607),
        "%s gpu-c102 kernel: mlx5_core 0000:4b:00.0 ibp75s0: Link down" % c.syslog(-607),
        "%s gpu-c102 kernel: mlx5_core 0000:4b:00.0: mlx5_port_module_event:1196:(pid 0): Port module event: "
        "module 4, Cable plugged" % c.syslog(-598),
        "%s gpu-c102 kernel: mlx5_core 0000:4b:00.0 ibp75s0: Link up" % c.syslog(-596),
        "%s gpu-c102 kernel: infiniband mlx5_4: ib_query_port: port 1 state PORT_ACTIVE" % c.syslog(-595),
    ] + kernel_noise(c, "gpu-c102", 7)
    c.log("gpu-c102/journal", k)
    nc = [
        "[gpu-c102]:gpu-c102:41877:42310 [4] transport/net_ib.cc:1696 NCCL WARN NET/IB : Got completion from "
        "peer 10.14.2.103<53922> with status=IBV_WC_RETRY_EXC_ERR(12) opcode=IBV_WC_SEND(0) reqSize=524288 "
        "vendor_err=129 req_type=Send localGid ::ffff:10.14.2.102 remoteGids::ffff:10.14.2.103 hca mlx5_4",
        "[gpu-c102]:gpu-c102:41877:42310 [4] NCCL INFO transport/net.cc:1298 -> 6",
        "[gpu-c102]:gpu-c102:41877:42310 [4] NCCL INFO proxy.cc:694 -> 6",
        "[gpu-c102]:gpu-c102:41877:42310 [4] NCCL INFO proxy.cc:874 -> 6 [Progress Thread]",
        "[gpu-c103]:gpu-c103:39120:39544 [4] transport/net_ib.cc:1696 NCCL WARN NET/IB : Got completion from "
        "peer 10.14.2.102<40411> with status=IBV_WC_RETRY_EXC_ERR(12) opcode=IBV_WC_RECV(128) reqSize=0 "
        "vendor_err=129 req_type=Recv localGid ::ffff:10.14.2.103 remoteGids::ffff:10.14.2.102 hca mlx5_4",
    ]
    nc = ["%s %s" % (c.ymd(-604 + i * 0.2), x) for i, x in enumerate(nc)]
    wd = watchdog_wall(c, hs, -3)
    wd.append("[gpu-c101]:E%s 771203 torch/distributed/elastic/multiprocessing/api.py:869] failed (exitcode: -6) "
              "local_rank: 3 (pid: 51220) of binary: /usr/bin/python3" % c.glog(12)[1:])
    wd.append("srun: error: gpu-c102: task 1: Exited with exit code 1")
    wd.append("srun: error: gpu-c101: task 0: Exited with exit code 1")
    c.log("slurm-771203.out", ["[gpu-c101]:%s" % x for x in steps] + nc + wd)
    return c


def case_04():
    hs = hosts("gpu-c", 4, 101)
    c = C("case-rl8-04", "rank_process_crash", "gpu-c102/gpu4", hs)
    c.alert("SlurmJobFailed", "job 771388 (fsdp-pretrain) FAILED on 4 nodes, exit code 1",
            job="fsdp-pretrain", slurm_job_id="771388")
    steps = fsdp_steps(c, -1400, 10, 91200, step_s=2.1)
    k = [
        "%s gpu-c102 kernel: pt_autograd_0[42310]: segfault at 18 ip 00007f3a9c21e4b7 sp 00007f39c1ffe8a0 "
        "error 4 in libtorch_cuda.so[7f3a9a200000+3c8a000] likely on CPU 71 (core 7, socket 1)" % c.syslog(-611),
        "%s gpu-c102 kernel: Code: 48 8b 47 08 48 85 c0 74 0b 48 8b 40 18 c3 0f 1f 80 00 00 00 00 31 c0 c3"
        % c.syslog(-611),
        "%s gpu-c102 kernel: infiniband mlx5_4: ib_query_port: port 1 state PORT_ACTIVE" % c.syslog(-1100),
        "%s gpu-c102 systemd-coredump[90211]: Process 41877 (python3) of user 1013 dumped core." % c.syslog(-600),
    ] + kernel_noise(c, "gpu-c102", 7)
    c.log("gpu-c102/journal", k)
    nc = [
        "[gpu-c102]:E%s 771388 torch/distributed/elastic/multiprocessing/api.py:869] failed (exitcode: -11) "
        "local_rank: 4 (pid: 41877) of binary: /usr/bin/python3" % c.glog(-605)[1:],
        "[gpu-c102]:  traceback : Signal 11 (SIGSEGV) received by PID 41877",
        "[gpu-c101]:gpu-c101:51220:51644 [3] transport/net_socket.cc:540 NCCL WARN NET/Socket : peer "
        "10.14.2.102<40411> message truncated : receiving 0 bytes instead of 8",
        "[gpu-c103]:gpu-c103:39120:39544 [4] transport/net_ib.cc:1696 NCCL WARN NET/IB : Got completion from "
        "peer 10.14.2.102<40411> with status=IBV_WC_RETRY_EXC_ERR(12) opcode=IBV_WC_RECV(128) reqSize=0 "
        "vendor_err=129 req_type=Recv localGid ::ffff:10.14.2.103 remoteGids::ffff:10.14.2.102 hca mlx5_4",
    ]
    nc = ["%s %s" % (c.ymd(-604 + i * 0.3), x) for i, x in enumerate(nc)]
    wd = watchdog_wall(c, hs, -3, skip_rank=12)
    wd.append("srun: error: gpu-c102: task 1: Exited with exit code 1")
    wd.append("srun: error: gpu-c101: task 0: Exited with exit code 1")
    c.log("slurm-771388.out", ["[gpu-c101]:%s" % x for x in steps] + nc + wd)
    return c


# ============================================================ pair 3: CUDA OOM — micro-batch vs MoE routing
OOM = ("torch.OutOfMemoryError: CUDA out of memory. Tried to allocate %s. GPU %d has a total capacity of "
       "139.72 GiB of which %s is free. Including non-PyTorch memory, this process has %s memory in use. Of "
       "the allocated memory %s is allocated by PyTorch, and %s is reserved by PyTorch but unallocated. If "
       "reserved but unallocated memory is large try setting PYTORCH_CUDA_ALLOC_CONF=expandable_segments:True "
       "to avoid fragmentation.  See documentation for Memory Management  "
       "(https://pytorch.org/docs/stable/notes/cuda.html#environment-variables)")


def case_05():
    hs = hosts("moe-n", 4, 1, width=2)
    c = C("case-rl8-05", "cuda_oom", "job", hs)
    c.alert("KubeJobFailed", "Job training/mixtral-sft-0412 failed (BackoffLimitExceeded)",
            namespace="training", job_name="mixtral-sft-0412")
    ev = [
        "%s Normal   Scheduled  pod/mixtral-sft-0412-worker-0  Successfully assigned training/mixtral-sft-0412-worker-0 to moe-n01" % c.iso(-500),
        "%s Normal   Pulled     pod/mixtral-sft-0412-worker-0  Container image \"registry.local/llm/megatron:24.09-py3\" already present on machine" % c.iso(-498),
        "%s Normal   Started    pod/mixtral-sft-0412-worker-0  Started container pytorch" % c.iso(-496),
        "%s Warning  BackOff    pod/mixtral-sft-0412-worker-2  Back-off restarting failed container pytorch in pod mixtral-sft-0412-worker-2" % c.iso(-20),
        "%s Warning  BackoffLimitExceeded  job/mixtral-sft-0412  Job has reached the specified backoff limit" % c.iso(0),
    ]
    c.log("kubectl-events", ev)
    lines = [
        "[%s] INFO: launch diff vs. last good run (mixtral-sft-0408): --micro-batch-size 2 -> 8, "
        "--seq-length 8192 (unchanged), --recompute-granularity selective -> none" % c.ymd(-470),
        "  micro_batch_size ............................... 8",
        "  global_batch_size .............................. 512",
        "  num_experts .................................... 8",
        "  moe_router_topk ................................ 2",
        "  moe_aux_loss_coeff ............................. 0.01",
        "  expert_model_parallel_size ..................... 8",
        "[%s] [Rank 0] (after 1 iterations) memory (MB) | allocated: 121344.2 | max allocated: 138021.6 | "
        "reserved: 139264.0 | max reserved: 139264.0" % c.ymd(-160),
        "[%s] MoE load (iteration 1, layer 0): tokens per expert [8213, 8190, 8177, 8232, 8154, 8201, 8260, 8109] "
        "(max/mean 1.01)" % c.ymd(-158),
    ]
    for r in (0, 8, 17, 30):
        lines.append("[%s] [rank%d]: %s" % (c.ymd(-150 + r), r, OOM % ("7.25 GiB", r % 8, "2.11 GiB", "137.59 GiB",
                                                                      "129.02 GiB", "6.47 GiB")))
    lines.append("[%s] [rank0]: Traceback: megatron/core/transformer/moe/experts.py:257 in forward -> "
                 "megatron/core/fusions/fused_bias_swiglu.py:61 (activation of the full micro-batch)" % c.ymd(-149))
    lines += ["[%s] %s" % (c.ymd(-300 + i), x) for i, x in enumerate(app_noise(c, 10))]
    c.log("moe-n01/pod/mixtral-sft-0412-worker-0/pytorch", lines)
    for h in hs[:2]:
        c.gpu_metric("DCGM_FI_DEV_FB_USED", h, 138900, jitter=300, decimals=0)
    return c


def case_06():
    hs = hosts("moe-n", 4, 1, width=2)
    c = C("case-rl8-06", "moe_expert_imbalance", "job", hs)
    c.alert("KubeJobFailed", "Job training/mixtral-sft-0419 failed (BackoffLimitExceeded)",
            namespace="training", job_name="mixtral-sft-0419")
    ev = [
        "%s Normal   Scheduled  pod/mixtral-sft-0419-worker-0  Successfully assigned training/mixtral-sft-0419-worker-0 to moe-n01" % c.iso(-5000),
        "%s Normal   Started    pod/mixtral-sft-0419-worker-0  Started container pytorch" % c.iso(-4990),
        "%s Warning  BackOff    pod/mixtral-sft-0419-worker-2  Back-off restarting failed container pytorch in pod mixtral-sft-0419-worker-2" % c.iso(-20),
        "%s Warning  BackoffLimitExceeded  job/mixtral-sft-0419  Job has reached the specified backoff limit" % c.iso(0),
    ]
    c.log("kubectl-events", ev)
    lines = [
        "  micro_batch_size ............................... 2",
        "  num_experts .................................... 8",
        "  moe_router_topk ................................ 2",
        "  moe_aux_loss_coeff ............................. 0.0",
        "  moe_expert_capacity_factor ..................... None",
        "  moe_token_dispatcher_type ...................... alltoall",
        "  expert_model_parallel_size ..................... 8",
    ]
    loads = [(3400, [2101, 2180, 2050, 2230, 2092, 2155, 2011, 2197], 1.03),
             (1800, [980, 1120, 660, 990, 9860, 720, 830, 1040], 4.68),
             (900, [410, 380, 290, 350, 12650, 220, 390, 310], 6.0),
             (300, [120, 90, 70, 140, 15720, 60, 110, 90], 7.63)]
    for t, ld, r in loads:
        lines.append("[%s] MoE load (layer 14): tokens per expert %s (max/mean %.2f), aux loss 0.000" % (
            c.ymd(-t), ld, r))
    lines += [
        "[%s] [Rank 0] (after 4100 iterations) memory (MB) | allocated: 58211.7 | max allocated: 71230.9 | "
        "reserved: 76544.0 | max reserved: 76544.0" % c.ymd(-3000),
        "[%s] [Rank 20] (after 4380 iterations) memory (MB) | allocated: 61002.3 | max allocated: 132871.4 | "
        "reserved: 136192.0 | max reserved: 136192.0" % c.ymd(-200),
        "[%s] [rank20]: %s" % (c.ymd(-150), OOM % ("9.77 GiB", 4, "3.02 GiB", "136.69 GiB", "127.40 GiB", "8.19 GiB")),
        "[%s] [rank20]: Traceback: megatron/core/transformer/moe/token_dispatcher.py:512 in token_permutation -> "
        "torch.distributed.all_to_all_single (output split sizes [1963, 2011, 1874, 1990, 2102, 1955, 1921, 2008] "
        "x 8 experts routed to local expert 4)" % c.ymd(-149),
        "[%s] [rank4]: %s" % (c.ymd(-148), OOM % ("9.61 GiB", 4, "2.88 GiB", "136.83 GiB", "126.92 GiB", "8.63 GiB")),
    ]
    lines += megatron_iters(c, -700, 6, 4374, total_it=20000, step_s=9.8, loss=1.34, lr=1e-5, gbs=512)
    lines += ["[%s] %s" % (c.ymd(-2500 + i), x) for i, x in enumerate(app_noise(c, 6))]
    c.log("moe-n01/pod/mixtral-sft-0419-worker-0/pytorch", lines)
    for h in hs[:2]:
        c.gpu_metric("DCGM_FI_DEV_FB_USED", h, 77000, jitter=800, decimals=0,
                     over={4: lambda s, v: v if s < -900 else 77000 + (s + 900) * 70})
    return c


# ============================================================ pair 4: slow steps — thermal (one GPU) vs power cap (node)
def slow_common(c, host, step_fn):
    return megatron_iters(c, -790, 14, 51200, total_it=400000, step_s=4.4, step_fn=step_fn)


def case_07():
    hs = hosts("dgx-h100-", 4, 11, width=2)
    c = C("case-rl8-07", "gpu_thermal_throttle", "dgx-h100-13/gpu6", hs, gpu="NVIDIA H100 80GB HBM3")
    c.alert("TrainingStepTimeHigh", "step time 27% above its 24h median on job gpt-13b-h100",
            job="gpt-13b-h100", severity="warning")
    lines = slow_common(c, hs[2], lambda i: 4.4 * (1.0 if i < 5 else 1.27) * c.rng.uniform(0.99, 1.01))
    lines += ["[%s] (min, max) time across ranks (ms): forward-backward ...............................: "
              "(3921.44, 5560.12)" % c.ymd(-200),
              "[%s] straggler detector: slowest rank 22 (dgx-h100-13, local rank 6) 1.31x the median "
              "GPU time; fastest rank 3" % c.ymd(-190)]
    lines += ["[%s] %s" % (c.ymd(-1200 + i * 37), x) for i, x in enumerate(app_noise(c, 8))]
    c.log("dgx-h100-11/rank0/stdout", lines)
    j = ["%s dgx-h100-13 nv-hostengine[3302]: DCGM_FR_CLOCK_THROTTLE_THERMAL: Clocks are being throttled for "
         "GPU 6 because of clocks_event_reason HW_THERMAL_SLOWDOWN" % c.syslog(-700),
         "%s dgx-h100-13 ipmievd[1840]: Sensor GPU6_Temp (Temperature) Upper Critical going high: reading 91 C "
         "> threshold 90 C" % c.syslog(-705),
         "%s dgx-h100-13 ipmievd[1840]: Sensor FAN4B (Fan) reading 9800 RPM nominal" % c.syslog(-706)]
    c.log("dgx-h100-13/journal", j + kernel_noise(c, "dgx-h100-13", 6))
    dcgm_node(c, "dgx-h100-13",
              temps={6: after(-760, None, lambda s, v: 89 + c.rng.uniform(0, 4))},
              clocks={6: after(-760, None, lambda s, v: 1410 + c.rng.uniform(-60, 30))},
              power={6: after(-760, None, lambda s, v: 470 + c.rng.uniform(-20, 20))})
    c.gpu_metric("DCGM_FI_DEV_CLOCK_THROTTLE_REASONS", "dgx-h100-13", 0, decimals=0,
                 over={6: after(-760, None, lambda s, v: CLK_HW_THERMAL | CLK_SW_THERMAL | CLK_HW_SLOWDOWN)})
    for g in (5, 6):
        c.health("gpu.health@dgx-h100-13/gpu%d" % g,
                 **({} if g == 5 else dict(temperature_c=91, sm_clock_mhz=1395,
                                           clock_event_reasons=CLK_HW_THERMAL | CLK_SW_THERMAL | CLK_HW_SLOWDOWN,
                                           power_w=455)))
    return c


def case_08():
    hs = hosts("dgx-h100-", 4, 11, width=2)
    c = C("case-rl8-08", "gpu_power_throttle", "dgx-h100-13", hs, gpu="NVIDIA H100 80GB HBM3")
    c.alert("TrainingStepTimeHigh", "step time 24% above its 24h median on job gpt-13b-h100",
            job="gpt-13b-h100", severity="warning")
    lines = slow_common(c, hs[2], lambda i: 4.4 * (1.0 if i < 5 else 1.24) * c.rng.uniform(0.99, 1.01))
    lines += ["[%s] (min, max) time across ranks (ms): forward-backward ...............................: "
              "(3930.10, 5433.87)" % c.ymd(-200),
              "[%s] straggler detector: slowest ranks 16-23 (dgx-h100-13, local ranks 0-7) 1.25-1.28x the "
              "median GPU time; fastest rank 3" % c.ymd(-190)]
    lines += ["[%s] %s" % (c.ymd(-1200 + i * 37), x) for i, x in enumerate(app_noise(c, 8))]
    c.log("dgx-h100-11/rank0/stdout", lines)
    j = ["%s dgx-h100-13 nvidia-smi[88120]: Power limit for GPU 00000000:%s:00.0 was set to 450.00 W from 700.00 W."
         % (c.syslog(-770), c.pci[g].upper()) for g in range(8)]
    j += ["%s dgx-h100-13 sudo[88101]:   ops-bot : PWD=/root ; USER=root ; COMMAND=/usr/bin/nvidia-smi -pl 450" % c.syslog(-771),
          "%s dgx-h100-13 ipmievd[1840]: Sensor GPU6_Temp (Temperature) reading 71 C nominal" % c.syslog(-705)]
    c.log("dgx-h100-13/journal", j + kernel_noise(c, "dgx-h100-13", 5))
    pw = {g: after(-760, None, lambda s, v: 446 + c.rng.uniform(-4, 3)) for g in range(8)}
    ck = {g: after(-760, None, lambda s, v: 1500 + c.rng.uniform(-80, 60)) for g in range(8)}
    dcgm_node(c, "dgx-h100-13", clocks=ck, power=pw,
              temps={6: lambda s, v: v + 9})
    c.gpu_metric("DCGM_FI_DEV_CLOCK_THROTTLE_REASONS", "dgx-h100-13", 0, decimals=0,
                 over={g: after(-760, None, lambda s, v: CLK_SW_POWER_CAP) for g in range(8)})
    c.gpu_metric("DCGM_FI_DEV_POWER_MGMT_LIMIT", "dgx-h100-13", 700, decimals=0,
                 over={g: after(-770, None, lambda s, v: 450) for g in range(8)})
    for g in (5, 6):
        c.health("gpu.health@dgx-h100-13/gpu%d" % g, power_limit_w=450, power_w=447, sm_clock_mhz=1515,
                 clock_event_reasons=CLK_SW_POWER_CAP, temperature_c=69 if g == 6 else 61)
    return c


# ============================================================ pair 5: one slow rank — PCIe x4 vs foreign process
def case_09():
    hs = ["a100x-%02d" % i for i in (3, 4)]
    c = C("case-rl8-09", "pcie_link_degraded", "a100x-04/gpu2", hs, gpu="NVIDIA A100-SXM4-80GB")
    c.alert("TrainingStragglerRank", "rank 10 step time 1.5x the job median (vit-22b-ft)", job="vit-22b-ft")
    lines = plain_steps(c, -706, 18, 30210, step_s=0.94,
                        step_fn=lambda i: 0.94 * (1 if i < 6 else 1.48) * c.rng.uniform(0.99, 1.01))
    lines.append("%s | WARNING | profiler | rank 10: cudaMemcpyAsync HtoD of pinned batch (512 MiB) took 41.2 ms "
                 "(job median 21.8 ms); GPU kernel time per step 0.86s (peers 0.85s)" % c.ymd(-300))
    c.log("a100x-03/rank0/train.log", lines + ["%s | INFO | %s" % (c.ymd(-880 + 9 * i), x) for i, x in enumerate(app_noise(c, 6))])
    lsp = ["$ sudo lspci -vvv -s %s:00.0" % c.pci[2] + " | grep -E 'LnkCap|LnkSta'",
           "\t\tLnkCap:\tPort #0, Speed 16GT/s, Width x16, ASPM not supported",
           "\t\tLnkSta:\tSpeed 16GT/s, Width x4 (downgraded)",
           "\t\tLnkCap2: Supported Link Speeds: 2.5-16GT/s, Crosslink- Retimer+ 2Retimers+ DRS-",
           "\t\tLnkSta2: Current De-emphasis Level: -3.5dB, EqualizationComplete+ EqualizationPhase1+"]
    c.log("a100x-04/shell", lsp)
    j = ["%s a100x-04 kernel: pcieport 0000:37:01.0: AER: Corrected error received: 0000:%s:00.0" % (c.syslog(-2000), c.pci[2]),
         "%s a100x-04 kernel: nvidia 0000:%s:00.0: PCIe Bus Error: severity=Corrected, type=Physical Layer, (Receiver ID)" % (c.syslog(-2000), c.pci[2]),
         "%s a100x-04 kernel: nvidia 0000:%s:00.0:   device [10de:20b2] error status/mask=00000001/0000e000" % (c.syslog(-2000), c.pci[2]),
         "%s a100x-04 kernel: nvidia 0000:%s:00.0:    [ 0] RxErr                  (First)" % (c.syslog(-2000), c.pci[2])]
    c.log("a100x-04/journal", j + kernel_noise(c, "a100x-04", 6))
    dcgm_node(c, "a100x-04", util={2: lambda s, v: v if s < -700 else 64 + c.rng.uniform(-3, 3)})
    c.gpu_metric("DCGM_FI_PROF_PCIE_RX_BYTES", "a100x-04", 1.9e9, jitter=1e8, decimals=0,
                 over={2: lambda s, v: v if s < -700 else 0.55e9 + c.rng.uniform(0, 3e7)})
    c.pcie("gpu.pcie_bandwidth@a100x-04/gpu2", h2d=6.1, d2h=5.8)
    c.pcie("gpu.pcie_bandwidth@a100x-04/gpu3")
    c.health("gpu.health@a100x-04/gpu2", pcie_link_gen=4, pcie_link_gen_max=4, pcie_link_width=4,
             nvlink_links_up=12, nvlink_links_total=12)
    return c


def case_10():
    hs = ["a100x-%02d" % i for i in (3, 4)]
    c = C("case-rl8-10", "straggler_rank", "a100x-04/gpu2", hs, gpu="NVIDIA A100-SXM4-80GB")
    c.alert("TrainingStragglerRank", "rank 10 step time 1.5x the job median (vit-22b-ft)", job="vit-22b-ft")
    lines = plain_steps(c, -706, 18, 30210, step_s=0.94,
                        step_fn=lambda i: 0.94 * (1 if i < 6 else 1.47) * c.rng.uniform(0.99, 1.01))
    lines.append("%s | WARNING | profiler | rank 10: GPU kernel time per step 1.37s (peers 0.85s); HtoD copy "
                 "of pinned batch 21.9 ms (job median 21.8 ms)" % c.ymd(-300))
    c.log("a100x-03/rank0/train.log", lines + ["%s | INFO | %s" % (c.ymd(-880 + 9 * i), x) for i, x in enumerate(app_noise(c, 6))])
    smi = ["$ nvidia-smi --query-compute-apps=pid,process_name,gpu_bus_id,used_memory --format=csv",
           "pid, process_name, gpu_bus_id, used_memory [MiB]"]
    for g in range(8):
        smi.append("%d, /usr/bin/python3, 00000000:%s:00.0, 61234 MiB" % (40110 + g, c.pci[g].upper()))
    smi.append("77812, /opt/conda/envs/eval/bin/python, 00000000:%s:00.0, 14022 MiB" % c.pci[2].upper())
    smi += ["$ ps -o pid,user,etime,cmd -p 77812",
            "  PID USER     ELAPSED CMD",
            "77812 jchen      12:31 python eval_harness.py --model ckpt/iter_0030000 --device cuda:2 --tasks mmlu",
            "$ sudo lspci -vvv -s %s:00.0" % c.pci[2] + " | grep LnkSta:",
            "\t\tLnkSta:\tSpeed 16GT/s, Width x16"]
    c.log("a100x-04/shell", smi)
    j = ["%s a100x-04 sshd[77790]: Accepted publickey for jchen from 10.2.0.41 port 51522 ssh2" % c.syslog(-760),
         "%s a100x-04 kernel: pcieport 0000:37:01.0: AER: Corrected error received: 0000:%s:00.0" % (c.syslog(-9000 + 7000), c.pci[2]),
         "%s a100x-04 kernel: nvidia 0000:%s:00.0: PCIe Bus Error: severity=Corrected, type=Physical Layer, (Receiver ID)" % (c.syslog(-2000), c.pci[2])]
    c.log("a100x-04/journal", j + kernel_noise(c, "a100x-04", 6))
    dcgm_node(c, "a100x-04", util={2: lambda s, v: 100})
    c.gpu_metric("DCGM_FI_PROF_PCIE_RX_BYTES", "a100x-04", 1.9e9, jitter=1e8, decimals=0)
    c.pcie("gpu.pcie_bandwidth@a100x-04/gpu2")
    c.health("gpu.health@a100x-04/gpu2", nvlink_links_up=12, nvlink_links_total=12, pcie_link_gen=4,
             pcie_link_gen_max=4)
    c.gemm("gpu.gemm@a100x-04/gpu2", tflops=171.0)
    c.fail("gpu.gemm@a100x-04/gpu2", "tflops 171.0 below 240.0 (GPU shared: 2 compute processes on the device)")
    return c


# ============================================================ pair 6: GPUs idle waiting on input — dataloader vs Lustre
def input_common(c, it0):
    return deepspeed_steps(c, -1010, 12, it0, step_s=2.3,
                           step_fn=lambda i: 2.3 if i < 4 else 2.3 * c.rng.uniform(2.6, 3.4))


def case_11():
    hs = hosts("cpu-gpu", 2, 7, width=2)
    c = C("case-rl8-11", "dataloader_stall", "job", hs)
    c.alert("GPUUtilizationLow", "job llava-ft: mean GPU utilisation 31% over 15m (was 96%)", job="llava-ft",
            severity="warning")
    lines = input_common(c, 6120)
    lines += ["[%s] [INFO] [train.py:301] data wait per step: 4.71s of 6.94s (num_workers=4, prefetch_factor=2, "
              "pin_memory=True)" % c.ymd_ms(-400),
              "[%s] [WARNING] [data/llava_dataset.py:188] image preprocessing switched to on-the-fly decode+resize "
              "(cache 'preproc-336px' missing for shard set v3; 1.92M images)" % c.ymd_ms(-1090)]
    c.log("cpu-gpu07/rank0/stdout", lines + ["[%s] [INFO] %s" % (c.ymd_ms(-1000 + 40 * i), x) for i, x in enumerate(app_noise(c, 6))])
    top = ["$ top -b -n1 -o %CPU | head -12",
           "top - load average: 131.20, 127.88, 96.41",
           "%Cpu(s): 98.7 us,  1.0 sy,  0.0 ni,  0.2 id,  0.0 wa,  0.0 hi,  0.1 si",
           "    PID USER      PR  NI    VIRT    RES    SHR S  %CPU  %MEM     TIME+ COMMAND",
           "  61202 ml        20   0   38.1g   6.2g 402.1m R 398.0   0.6  61:20.77 pt_data_worker",
           "  61203 ml        20   0   38.1g   6.1g 401.8m R 397.3   0.6  61:11.04 pt_data_worker",
           "  61204 ml        20   0   38.1g   6.1g 399.6m R 396.9   0.6  60:58.31 pt_data_worker",
           "$ iostat -x 5 1 | grep -E 'Device|nvme|lustre'",
           "Device  r/s  rkB/s  r_await  %util",
           "nvme0n1 12.1  611.3  0.21  0.9",
           "$ lfs check servers | head -3",
           "scratch-MDT0000-mdc-ffff9d2a: active",
           "scratch-OST0000-osc-ffff9d2a: active"]
    c.log("cpu-gpu07/shell", top)
    for h in hs:
        dcgm_node(c, h, util={g: after(-1000, None, lambda s, v: 31 + c.rng.uniform(-6, 6)) for g in range(8)},
                  skip=("temp", "power"))
        c.node_metric("node_load1", {"instance": h + ":9100"},
                      lambda s: 24 + c.rng.uniform(0, 3) if s < -1000 else 128 + c.rng.uniform(0, 6))
        c.node_metric("node_pressure_cpu_waiting_seconds_total", {"instance": h + ":9100"},
                      lambda s: (s + 1300) * (0.02 if s < -1000 else 0.81), decimals=1)
    return c


def case_12():
    hs = hosts("cpu-gpu", 2, 7, width=2)
    c = C("case-rl8-12", "storage_failure", "job", hs)
    c.alert("GPUUtilizationLow", "job llava-ft: mean GPU utilisation 28% over 15m (was 96%)", job="llava-ft",
            severity="warning")
    lines = input_common(c, 7440)
    lines += ["[%s] [INFO] [train.py:301] data wait per step: 5.02s of 7.21s (num_workers=16, prefetch_factor=4, "
              "pin_memory=True)" % c.ymd_ms(-400)]
    c.log("cpu-gpu07/rank0/stdout", lines + ["[%s] [INFO] %s" % (c.ymd_ms(-1000 + 40 * i), x) for i, x in enumerate(app_noise(c, 6))])
    dm = [
        "%s LustreError: 11-0: scratch-OST0007-osc-ffff9d2a3c4e8000: operation ost_read to node 10.9.0.27@o2ib failed: rc = -107",
        "%s Lustre: scratch-OST0007-osc-ffff9d2a3c4e8000: Connection to scratch-OST0007 (at 10.9.0.27@o2ib) was lost; in progress operations using this service will wait for recovery to complete",
        "%s Lustre: 4021:0:(client.c:2310:ptlrpc_expire_one_request()) @@@ Request sent has timed out for slow reply: [sent 1733301120/real 1733301120]  req@00000000a1b2c3d4 x1790123456789/t0(0) o3->scratch-OST0007-osc-ffff9d2a3c4e8000@10.9.0.27@o2ib:6/4 lens 488/440 e 0 to 1 dl 1733301167 ref 2 fl Rpc:XQr/2/ffffffff rc 0/-1 job:'llava-ft'",
        "%s Lustre: scratch-OST0007-osc-ffff9d2a3c4e8000: Connection restored to 10.9.0.27@o2ib (at 10.9.0.27@o2ib)",
        "%s LustreError: 11-0: scratch-OST0007-osc-ffff9d2a3c4e8000: operation ost_read to node 10.9.0.27@o2ib failed: rc = -107",
        "%s Lustre: scratch-OST0007-osc-ffff9d2a3c4e8000: Connection to scratch-OST0007 (at 10.9.0.27@o2ib) was lost; in progress operations using this service will wait for recovery to complete",
    ]
    c.log("cpu-gpu08/dmesg", [x % c.dmesg(-1050 + 160 * i) for i, x in enumerate(dm)] + kernel_noise(c, "cpu-gpu08", 5, fmt="dmesg"))
    sh = ["$ top -b -n1 -o %CPU | head -5",
          "top - load average: 71.02, 69.40, 52.12",
          "%Cpu(s):  6.1 us,  2.0 sy,  0.0 ni,  7.4 id, 84.3 wa,  0.0 hi,  0.2 si",
          "  61202 ml        20   0   38.1g   6.2g 402.1m D   1.3   0.6   1:20.77 pt_data_worker",
          "$ lfs check servers | grep -v active",
          "scratch-OST0007-osc-ffff9d2a3c4e8000: check error: Resource temporarily unavailable"]
    c.log("cpu-gpu07/shell", sh)
    for h in hs:
        dcgm_node(c, h, util={g: after(-1000, None, lambda s, v: 28 + c.rng.uniform(-6, 6)) for g in range(8)},
                  skip=("temp", "power"))
        c.node_metric("node_load1", {"instance": h + ":9100"},
                      lambda s: 24 + c.rng.uniform(0, 3) if s < -1000 else 70 + c.rng.uniform(0, 4))
        c.node_metric("node_pressure_io_waiting_seconds_total", {"instance": h + ":9100"},
                      lambda s: (s + 1300) * (0.01 if s < -1000 else 0.92), decimals=1)
    return c


# ============================================================ pair 7: rank killed — host OOM vs segfault
def killed_common(c, host, local_rank, exitcode, sig):
    ds = deepspeed_steps(c, -800, 8, 14210, step_s=3.1)
    ef = elastic_failure(c, -2, host, 8 + local_rank, local_rank, exitcode, pid=301442, sig=sig)
    return ds + ef


def case_13():
    hs = ["trn-%s" % x for x in ("alpha", "bravo")]
    c = C("case-rl8-13", "host_oom", "trn-bravo", hs)
    c.alert("PyTorchJobRankExited", "rank 13 of ds-sft-34b exited with signal SIGKILL", job="ds-sft-34b")
    lines = killed_common(c, "trn-bravo", 5, -9, "SIGKILL")
    lines.insert(3, "[%s] [INFO] [stage3.py:1850:_configure_tensor_swapping] offload_optimizer: device=cpu, "
                    "pin_memory=True; offload_param: device=cpu, pin_memory=True" % c.ymd_ms(-790))
    c.log("launcher/ds-sft-34b.log", lines)
    dm = [
        "%s python3 invoked oom-killer: gfp_mask=0x140cca(GFP_HIGHUSER_MOVABLE|__GFP_COMP), order=0, oom_score_adj=0",
        "%s Mem-Info:",
        "%s active_anon:251021944 inactive_anon:12011 isolated_anon:0 unevictable:9830112",
        "%s Out of memory: Killed process 301442 (python3) total-vm:1189223104kB, anon-rss:201342112kB, file-rss:88412kB, shmem-rss:41943040kB, UID:1013 pgtables:402112kB oom_score_adj:0",
        "%s oom_reaper: reaped process 301442 (python3), now anon-rss:0kB, file-rss:0kB, shmem-rss:41943040kB",
    ]
    c.log("trn-bravo/dmesg", [x % c.dmesg(-4 + 0.01 * i) for i, x in enumerate(dm)] + kernel_noise(c, "trn-bravo", 6, fmt="dmesg"))
    c.node_metric("node_memory_MemAvailable_bytes", {"instance": "trn-bravo:9100"},
                  lambda s: 2.1e11 - max(0, s + 900) * 2.2e8 if s < 0 else 1.9e11, decimals=0)
    c.node_metric("node_memory_MemAvailable_bytes", {"instance": "trn-alpha:9100"},
                  lambda s: 1.6e11 + c.rng.uniform(0, 1e9), decimals=0)
    c.node_metric("node_vmstat_oom_kill", {"instance": "trn-bravo:9100"}, lambda s: 0 if s < -4 else 1, decimals=0)
    return c


def case_14():
    hs = ["trn-%s" % x for x in ("alpha", "bravo")]
    c = C("case-rl8-14", "rank_process_crash", "trn-bravo/gpu5", hs)
    c.alert("PyTorchJobRankExited", "rank 13 of ds-sft-34b exited with signal SIGSEGV", job="ds-sft-34b")
    lines = killed_common(c, "trn-bravo", 5, -11, "SIGSEGV")
    lines.insert(3, "[%s] [INFO] [stage3.py:1850:_configure_tensor_swapping] offload_optimizer: device=cpu, "
                    "pin_memory=True; offload_param: device=cpu, pin_memory=True" % c.ymd_ms(-790))
    k = next(i for i, x in enumerate(lines) if "elastic/multiprocessing/api.py" in x)
    lines[k:k] = ["[rank13]: Fatal Python error: Segmentation fault",
                  "[rank13]: Thread 0x00007f1d2bfff640 (most recent call first):",
                  "[rank13]:   File \"/usr/local/lib/python3.10/dist-packages/deepspeed/ops/adam/cpu_adam.py\", "
                  "line 147 in step"]
    c.log("launcher/ds-sft-34b.log", lines)
    dm = [
        "%s python3[301442]: segfault at 7f1b00000010 ip 00007f1d9a0c31f2 sp 00007f1d2bffd9b0 error 6 in "
        "cpu_adam.so[7f1d9a0b0000+41000] likely on CPU 88 (core 24, socket 1)",
        "%s Code: c5 fc 58 04 07 c5 fc 11 04 01 48 83 c0 20 48 39 d0 75 ec c5 f8 77 c3",
    ]
    c.log("trn-bravo/dmesg", [x % c.dmesg(-4 + 0.01 * i) for i, x in enumerate(dm)] + kernel_noise(c, "trn-bravo", 6, fmt="dmesg"))
    c.node_metric("node_memory_MemAvailable_bytes", {"instance": "trn-bravo:9100"},
                  lambda s: 0.9e11 + c.rng.uniform(0, 2e9) if s < 0 else 1.9e11, decimals=0)
    c.node_metric("node_memory_MemAvailable_bytes", {"instance": "trn-alpha:9100"},
                  lambda s: 0.9e11 + c.rng.uniform(0, 2e9), decimals=0)
    c.node_metric("node_vmstat_oom_kill", {"instance": "trn-bravo:9100"}, lambda s: 0, decimals=0)
    return c


# ============================================================ pair 8: GPU gone — Xid 79 vs Xid 119 (GSP)
def gone_common(c, host, g):
    ts = fsdp_steps(c, -500, 8, 1200, step_s=1.9)
    err = ["[rank%d]: RuntimeError: CUDA error: unspecified launch failure" % (8 + g),
           "[rank%d]: CUDA kernel errors might be asynchronously reported at some other API call, so the stacktrace "
           "below might be incorrect." % (8 + g),
           "[rank%d]: For debugging consider passing CUDA_LAUNCH_BLOCKING=1" % (8 + g)]
    return ts + err


def case_15():
    hs = ["h200-e%02d" % i for i in (4, 5)]
    c = C("case-rl8-15", "gpu_fallen_off_bus", "h200-e05/gpu3", hs)
    c.alert("DCGMExporterGPUMissing", "dcgm-exporter on h200-e05 reports 7 GPUs, expected 8",
            Hostname="h200-e05", severity="critical")
    c.log("h200-e04/rank0/stdout", gone_common(c, "h200-e05", 3))
    j = ["%s h200-e05 kernel: NVRM: GPU at PCI:0000:5d:00: GPU-%s" % (c.syslog(-40), c.uuid("h200-e05", 3)[4:]),
         "%s h200-e05 kernel: NVRM: Xid (PCI:0000:5d:00): 79, pid='<unknown>', name=<unknown>, GPU has fallen off the bus." % c.syslog(-40),
         "%s h200-e05 kernel: NVRM: GPU 0000:5d:00.0: GPU has fallen off the bus." % c.syslog(-40),
         "%s h200-e05 kernel: pcieport 0000:5a:01.0: pciehp: Slot(3): Link Down" % c.syslog(-41),
         "%s h200-e05 kernel: pcieport 0000:5a:01.0: AER: Uncorrected (Fatal) error received: 0000:5a:01.0" % c.syslog(-41),
         "%s h200-e05 kernel: NVRM: A GPU crash dump has been created. If possible, please run" % c.syslog(-39),
         "%s h200-e05 kernel: NVRM: nvidia-bug-report.sh as root to collect this data before" % c.syslog(-39),
         "%s h200-e05 kernel: NVRM: the NVIDIA kernel module is unloaded." % c.syslog(-39),
         "%s h200-e05 nvidia-persistenced[2211]: device 0000:5d:00.0 - failed to query device state" % c.syslog(-30)]
    c.log("h200-e05/journal", j + kernel_noise(c, "h200-e05", 6))
    c.log("h200-e05/shell", ["$ nvidia-smi -L | wc -l", "7",
                             "$ nvidia-smi -i 3", "Unable to determine the device handle for GPU0000:5D:00.0: GPU is lost.  Reboot the system to recover this GPU"])
    dcgm_node(c, "h200-e05", skip=("util", "power"),
              temps={3: lambda s, v: v if s < -40 else None}, clocks={3: lambda s, v: v if s < -40 else None})
    return c


def case_16():
    hs = ["h200-e%02d" % i for i in (4, 5)]
    c = C("case-rl8-16", "gpu_firmware_error", "h200-e05/gpu3", hs)
    c.alert("DCGMExporterGPUMissing", "dcgm-exporter on h200-e05 reports 7 GPUs, expected 8",
            Hostname="h200-e05", severity="critical")
    c.log("h200-e04/rank0/stdout", gone_common(c, "h200-e05", 3))
    j = ["%s h200-e05 kernel: NVRM: Xid (PCI:0000:5d:00): 119, pid=88213, name=python3, Timeout after 6s of waiting "
         "for RPC response from GPU3 GSP! Expected function 76 (GSP_RM_CONTROL) (0x20800a6a 0x4)." % c.syslog(-44),
         "%s h200-e05 kernel: NVRM: GPU3 GSP RPC buffer contains function 76 (GSP_RM_CONTROL) and data "
         "0x0000000020800a6a 0x0000000000000004." % c.syslog(-44),
         "%s h200-e05 kernel: NVRM: GPU3 RPC history (CPU -> GSP):" % c.syslog(-44),
         "%s h200-e05 kernel: NVRM:     entry function                   data0              data1              ts_start           ts_end             duration actively_polling" % c.syslog(-44),
         "%s h200-e05 kernel: NVRM:      0    76 GSP_RM_CONTROL           0x0000000020800a6a 0x0000000000000004 0x0006149c7a8b6f12 0x0000000000000000          y" % c.syslog(-44),
         "%s h200-e05 kernel: NVRM: Xid (PCI:0000:5d:00): 119, pid=88213, name=python3, Timeout after 45s of waiting "
         "for RPC response from GPU3 GSP! Expected function 10 (FREE) (0xa55a0080 0x0)." % c.syslog(-2),
         "%s h200-e05 kernel: NVRM: Rate limiting GSP RPC error prints for GPU at PCI:0000:5d:00 (printing 1 of every 30).  The GPU likely needs to be reset." % c.syslog(-1),
         "%s h200-e05 kernel: pcieport 0000:5a:01.0: AER: Corrected error received: 0000:5a:01.0" % c.syslog(-900)]
    c.log("h200-e05/journal", j + kernel_noise(c, "h200-e05", 6))
    c.log("h200-e05/shell", ["$ nvidia-smi -L | wc -l", "7",
                             "$ nvidia-smi -i 3 -q | grep -iE 'GSP|Product'",
                             "    Product Name                          : NVIDIA H200",
                             "    GSP Firmware Version                  : 550.127.05",
                             "Unable to determine the device handle for gpu 0000:5D:00.0: Unknown Error"])
    dcgm_node(c, "h200-e05", skip=("util", "power"),
              temps={3: lambda s, v: v if s < -44 else None}, clocks={3: lambda s, v: v if s < -44 else None})
    return c


# ============================================================ pair 9: all-reduce slow — socket fallback vs IB port down
def ar_common(c, host):
    return megatron_iters(c, -600, 8, 210, total_it=300000, step_s=11.8, loss=7.1)


def case_17():
    hs = hosts("xe9680-", 4, 1, width=2)
    c = C("case-rl8-17", "nccl_network_misconfig", "job", hs)
    c.alert("NCCLBusBandwidthLow", "job llama3-8b-pt: nccl.allreduce busbw 3.1 GB/s (expected > 150)", job="llama3-8b-pt")
    lines = ["NCCL_IB_HCA=mlx5_ib0,mlx5_ib1,mlx5_ib2,mlx5_ib3", "NCCL_SOCKET_IFNAME=eth0", "NCCL_DEBUG=INFO"]
    p = "xe9680-01:18821:18821 [0]"
    lines += [
        "%s NCCL INFO NCCL version 2.23.4+cuda12.6" % p,
        "%s NCCL INFO Bootstrap : Using eth0:10.20.1.11<0>" % p,
        "%s NCCL INFO NET/Plugin: Could not find: libnccl-net.so. Using internal network plugin." % p,
        "%s NCCL INFO NET/IB : No device found." % p,
        "%s NCCL INFO NET/Socket : Using [0]eth0:10.20.1.11<0>" % p,
        "%s NCCL INFO Using network Socket" % p,
        "%s NCCL INFO comm 0x55d1c0 rank 0 nranks 32 cudaDev 0 nvmlDev 0 busId 18000 commId 0x8f1e2a - Init COMPLETE" % p,
        "%s NCCL INFO Channel 00/0 : 7[7] -> 8[0] [send] via NET/Socket/0" % p,
        "%s NCCL INFO Channel 01/0 : 7[7] -> 8[0] [send] via NET/Socket/0" % p,
    ]
    lines += ar_common(c, hs[0])
    lines.append("[%s] throughput per GPU 38.2 TFLOP/s/GPU (expected ~400 on this cluster)" % c.ymd(-10))
    c.log("xe9680-01/rank0/stdout", lines + app_noise(c, 5))
    c.log("xe9680-02/shell", ["$ ibdev2netdev", "mlx5_0 port 1 ==> ibp26s0 (Up)", "mlx5_1 port 1 ==> ibp60s0 (Up)",
                              "mlx5_2 port 1 ==> ibp77s0 (Up)", "mlx5_3 port 1 ==> ibp94s0 (Up)",
                              "$ ibstat mlx5_2 | grep -E 'State|Rate'", "\t\tState: Active",
                              "\t\tPhysical state: LinkUp", "\t\tRate: 400"])
    return c


def case_18():
    hs = hosts("xe9680-", 4, 1, width=2)
    c = C("case-rl8-18", "ib_link_failure", "xe9680-02/mlx5_2", hs)
    c.alert("NCCLBusBandwidthLow", "job llama3-8b-pt: nccl.allreduce busbw 41.7 GB/s (expected > 150)", job="llama3-8b-pt")
    lines = ["NCCL_IB_HCA=mlx5_0,mlx5_1,mlx5_2,mlx5_3", "NCCL_SOCKET_IFNAME=eth0", "NCCL_DEBUG=INFO"]
    p = "xe9680-01:18821:18821 [0]"
    lines += [
        "%s NCCL INFO NCCL version 2.23.4+cuda12.6" % p,
        "%s NCCL INFO Bootstrap : Using eth0:10.20.1.11<0>" % p,
        "%s NCCL INFO NET/Plugin: Could not find: libnccl-net.so. Using internal network plugin." % p,
        "%s NCCL INFO NET/IB : Using [0]mlx5_0:1/IB [1]mlx5_1:1/IB [2]mlx5_2:1/IB [3]mlx5_3:1/IB [RO]; OOB eth0:10.20.1.11<0>" % p,
        "%s NCCL INFO Using network IB" % p,
        "%s NCCL INFO comm 0x55d1c0 rank 0 nranks 32 cudaDev 0 nvmlDev 0 busId 18000 commId 0x8f1e2a - Init COMPLETE" % p,
        "%s NCCL INFO Channel 00/0 : 7[7] -> 8[0] [send] via NET/IB/0" % p,
        "xe9680-02:20114:20377 [4] NCCL INFO NET/IB: IbDev 2 Port 1 qpn 1123 mtu 5 LID 0 subnet-prefix fe80000000000000",
        "xe9680-02:20114:20377 [4] transport/net_ib.cc:1696 NCCL WARN NET/IB : Got completion from peer "
        "10.20.1.13<43344> with status=IBV_WC_RETRY_EXC_ERR(12) opcode=IBV_WC_SEND(0) reqSize=131072 vendor_err=129 "
        "req_type=Send localGid ::ffff:10.20.2.12 remoteGids::ffff:10.20.2.13 hca mlx5_2",
    ]
    lines += ar_common(c, hs[0])
    lines.append("[%s] throughput per GPU 251.6 TFLOP/s/GPU (expected ~400 on this cluster)" % c.ymd(-10))
    c.log("xe9680-01/rank0/stdout", lines + app_noise(c, 5))
    c.log("xe9680-02/shell", ["$ ibdev2netdev", "mlx5_0 port 1 ==> ibp26s0 (Up)", "mlx5_1 port 1 ==> ibp60s0 (Up)",
                              "mlx5_2 port 1 ==> ibp77s0 (Down)", "mlx5_3 port 1 ==> ibp94s0 (Up)",
                              "$ ibstat mlx5_2 | grep -E 'State|Rate'", "\t\tState: Down",
                              "\t\tPhysical state: Polling", "\t\tRate: 10",
                              "$ perfquery -x -C mlx5_2 -P 1 | grep -E 'SymbolError|LinkDowned|PortRcvErrors'",
                              "SymbolErrorCounter:..............65535", "LinkDownedCounter:...............211",
                              "PortRcvErrors:...................40127"])
    c.node_metric("node_infiniband_link_downed_total", {"instance": "xe9680-02:9100", "device": "mlx5_2", "port": "1"},
                  lambda s: 20 if s < -900 else 20 + int((s + 900) / 5), decimals=0)
    c.node_metric("node_infiniband_link_downed_total", {"instance": "xe9680-02:9100", "device": "mlx5_0", "port": "1"},
                  lambda s: 0, decimals=0)
    return c


# ============================================================ pair 10: hang at start — world size vs stuck rank
def case_19():
    hs = hosts("sl-gpu", 3, 31, width=3)
    c = C("case-rl8-19", "launch_config_error", "job", hs)
    c.alert("SlurmJobTimeLimit", "job 902211 (ft-llama) produced no training output for 30 min", job="ft-llama",
            slurm_job_id="902211")
    lines = [
        "+ srun --nodes=3 --ntasks-per-node=1 torchrun --nnodes=4 --nproc-per-node=8 --rdzv-backend=c10d "
        "--rdzv-endpoint=sl-gpu031:29500 --rdzv-id=902211 --rdzv-conf=join_timeout=1800 train.py "
        "--config cfg/ft-llama-70b.yaml",
        "SLURM_JOB_NUM_NODES=3",
        "SLURM_JOB_NODELIST=sl-gpu[031-033]",
    ]
    for h in hs:
        lines.append("[%s]:I%s 90 torch/distributed/launcher/api.py:188] Starting elastic_operator with launch configs:" % (h, c.glog(-1900)[1:]))
        # Review RV-RL8: torch's launcher prints min_nodes / max_nodes (there is no "nnodes" row).
        lines.append("[%s]:  entrypoint       : train.py" % h)
        lines.append("[%s]:  min_nodes        : 4" % h)
        lines.append("[%s]:  max_nodes        : 4" % h)
        lines.append("[%s]:  nproc_per_node   : 8" % h)
        lines.append("[%s]:  run_id           : 902211" % h)
        lines.append("[%s]:  rdzv_backend     : c10d" % h)
        lines.append("[%s]:  rdzv_endpoint    : sl-gpu031:29500" % h)
        lines.append("[%s]:  rdzv_configs     : {'join_timeout': '1800', 'timeout': 900}" % h)
    lines += [
        "[sl-gpu031]:I%s 90 torch/distributed/elastic/agent/server/api.py:866] [default] starting workers for entrypoint: python3" % c.glog(-1890)[1:],
        "[sl-gpu031]:I%s 90 torch/distributed/elastic/agent/server/api.py:677] [default] Rendezvous'ing worker group" % c.glog(-1889)[1:],
        "[sl-gpu032]:I%s 90 torch/distributed/elastic/agent/server/api.py:677] [default] Rendezvous'ing worker group" % c.glog(-1888)[1:],
        "[sl-gpu033]:I%s 90 torch/distributed/elastic/agent/server/api.py:677] [default] Rendezvous'ing worker group" % c.glog(-1888)[1:],
        # Review RV-RL8: dynamic_rendezvous.py's own wording; the timeout is raised with no message (and
        # no log line of its own), so the traceback ends in the bare class name.
        "[sl-gpu031]:I%s 90 torch/distributed/elastic/rendezvous/dynamic_rendezvous.py:1124] The node 'sl-gpu031_90_0' attempts to join the next round of the rendezvous '902211'." % c.glog(-1887)[1:],
        "[sl-gpu032]:I%s 90 torch/distributed/elastic/rendezvous/dynamic_rendezvous.py:1124] The node 'sl-gpu032_90_0' attempts to join the next round of the rendezvous '902211'." % c.glog(-1886)[1:],
        "[sl-gpu033]:I%s 90 torch/distributed/elastic/rendezvous/dynamic_rendezvous.py:1124] The node 'sl-gpu033_90_0' attempts to join the next round of the rendezvous '902211'." % c.glog(-1886)[1:],
        "[sl-gpu031]:I%s 90 torch/distributed/elastic/rendezvous/dynamic_rendezvous.py:740] The node 'sl-gpu031_90_0' added itself to the participants of round 0 of the rendezvous '902211'. Pending sync." % c.glog(-1886)[1:],
        "[sl-gpu031]:torch.distributed.elastic.rendezvous.api.RendezvousTimeoutError",
        "[sl-gpu032]:torch.distributed.elastic.rendezvous.api.RendezvousTimeoutError",
        "[sl-gpu033]:torch.distributed.elastic.rendezvous.api.RendezvousTimeoutError",
        "srun: error: sl-gpu032: task 1: Exited with exit code 1",
    ]
    c.log("slurm-902211.out", lines)
    j = kernel_noise(c, "sl-gpu033", 8)
    j.append("%s sl-gpu033 slurmd[2871]: launch task StepId=902211.0 request from UID:1001 GID:1001 HOST:10.0.0.5 PORT:41822" % c.syslog(-1905))
    c.log("sl-gpu033/journal", j)
    return c


def case_20():
    hs = hosts("sl-gpu", 4, 31, width=3)
    c = C("case-rl8-20", "nccl_collective_hang", "sl-gpu033/gpu6", hs)
    c.alert("SlurmJobTimeLimit", "job 902480 (ft-llama) produced no training output for 30 min", job="ft-llama",
            slurm_job_id="902480")
    lines = [
        "+ srun --nodes=4 --ntasks-per-node=1 torchrun --nnodes=4 --nproc-per-node=8 --rdzv-backend=c10d "
        "--rdzv-endpoint=sl-gpu031:29500 --rdzv-id=902480 train.py --config cfg/ft-llama-70b.yaml",
        "SLURM_JOB_NUM_NODES=4",
        "SLURM_JOB_NODELIST=sl-gpu[031-034]",
        "[sl-gpu031]:I%s 90 torch/distributed/elastic/rendezvous/dynamic_rendezvous.py:1192] The node 'sl-gpu031_90_0' has joined round 0 of the rendezvous '902480' as rank 0 in a world of size 4." % c.glog(-7200)[1:],
    ]
    lines += ["[sl-gpu031]:%s" % x for x in plain_steps(c, -2400, 6, 2990, step_s=8.2)]
    lines += ["[sl-gpu031]:%s | INFO | train | evaluation at step 3000: running 64 eval batches per rank" % c.ymd(-2340)]
    for k, r in enumerate([0, 9, 17, 25]):
        lines += ["[%s]:%s" % (hs[r // 8], x) for x in watchdog(c, r, -90 + 3 * k, 61207, op="ALLREDUCE", numel=1,
                                                               timeout_ms=1800000)[:2]]
    lines += ["[sl-gpu031]:[rank0]:[E%s ProcessGroupNCCL.cpp:1576] [PG 0 (default_pg) Rank 0] Observed flight "
              "recorder dump signal from another rank via TCPStore." % c.glog(-80)[1:]]
    c.log("slurm-902480.out", lines)
    fr = ["$ python tools/fr_trace.py -j /tmp/nccl_trace_rank_ --print-only",
          # Review RV-RL8: the flight-recorder analyser's own mismatch report.
          "Not all ranks joining collective 61207 at entry 61207",
          "group info: 0:default_pg",
          "collective: nccl:all_reduce",
          "missing ranks: {22}",
          "input sizes: [[1]]",
          "output sizes: [[1]]",
          "expected ranks: 32",
          "collective state: scheduled",
          "$ py-spy dump --pid 118822   # rank 22 on sl-gpu033 (local rank 6)",
          "Thread 118822 (active): \"MainThread\"",
          "    _next_data (torch/utils/data/dataloader.py:1448)",
          "    evaluate (train.py:611)",
          "    main (train.py:902)",
          "Note: rank 22's eval shard has 65 batches; the other ranks' have 64 (eval sampler drop_last=False)"]
    c.log("sl-gpu033/shell", fr)
    return c


# ============================================================ pair 11: ECC — DBE contained vs remap failure
def ecc_common(c, host, g):
    ts = megatron_iters(c, -400, 6, 8812, total_it=90000, step_s=5.0)
    err = ["[rank%d]: RuntimeError: CUDA error: uncorrectable ECC error encountered" % (8 + g),
           "[rank%d]: Compile with `TORCH_USE_CUDA_DSA` to enable device-side assertions." % (8 + g)]
    return ts + err


def case_21():
    hs = ["b200-r2-%02d" % i for i in (7, 8)]
    c = C("case-rl8-21", "gpu_memory_uncorrectable_ecc", "b200-r2-08/gpu1", hs)
    c.alert("DCGMUncorrectableECC", "DCGM_FI_DEV_ECC_DBE_VOL_TOTAL increased on b200-r2-08 gpu 1",
            Hostname="b200-r2-08", gpu="1", severity="critical")
    c.log("b200-r2-07/rank0/stdout", ecc_common(c, "b200-r2-08", 1))
    j = ["%s b200-r2-08 kernel: NVRM: Xid (PCI:0000:%s:00): 94, pid=51008, name=python3, Contained: SM (0x1). "
         "RST: No, D-RST: No" % (c.syslog(-30), c.pci[1]),
         "%s b200-r2-08 kernel: NVRM: Xid (PCI:0000:%s:00): 63, pid=51008, name=python3, Row Remapper: New row "
         "(0x0000000020011a80) Marked for Remapping, reset gpu to activate." % (c.syslog(-30), c.pci[1])]
    c.log("b200-r2-08/journal", j + kernel_noise(c, "b200-r2-08", 6))
    c.log("b200-r2-08/shell", ["$ nvidia-smi -i 1 -q -d ROW_REMAPPER",
                               "    Remapped Rows",
                               "        Correctable Error                 : 0",
                               "        Uncorrectable Error               : 1",
                               "        Pending                           : Yes",
                               "        Remapping Failure Occurred        : No",
                               "        Bank Remap Availability Histogram",
                               "            Max                           : 639 bank(s)",
                               "            High                          : 1 bank(s)"])
    c.gpu_metric("DCGM_FI_DEV_ECC_DBE_VOL_TOTAL", "b200-r2-08", 0, decimals=0,
                 over={1: lambda s, v: 0 if s < -30 else 2})
    c.gpu_metric("DCGM_FI_DEV_UNCORRECTABLE_REMAPPED_ROWS", "b200-r2-08", 0, decimals=0,
                 over={1: lambda s, v: 0 if s < -30 else 1})
    c.gpu_metric("DCGM_FI_DEV_ROW_REMAP_FAILURE", "b200-r2-08", 0, decimals=0)
    return c


def case_22():
    hs = ["b200-r2-%02d" % i for i in (7, 8)]
    c = C("case-rl8-22", "gpu_row_remap_failure", "b200-r2-08/gpu1", hs)
    c.alert("DCGMUncorrectableECC", "DCGM_FI_DEV_ECC_DBE_VOL_TOTAL increased on b200-r2-08 gpu 1",
            Hostname="b200-r2-08", gpu="1", severity="critical")
    c.log("b200-r2-07/rank0/stdout", ecc_common(c, "b200-r2-08", 1))
    j = ["%s b200-r2-08 kernel: NVRM: Xid (PCI:0000:%s:00): 94, pid=51008, name=python3, Contained: SM (0x1). "
         "RST: No, D-RST: No" % (c.syslog(-30), c.pci[1]),
         "%s b200-r2-08 kernel: NVRM: Xid (PCI:0000:%s:00): 64, pid=51008, name=python3, Row Remapper Error: "
         "(0x0000000020011a80) - All reserved rows for bank are remapped" % (c.syslog(-30), c.pci[1])]
    c.log("b200-r2-08/journal", j + kernel_noise(c, "b200-r2-08", 6))
    c.log("b200-r2-08/shell", ["$ nvidia-smi -i 1 -q -d ROW_REMAPPER",
                               "    Remapped Rows",
                               "        Correctable Error                 : 3",
                               "        Uncorrectable Error               : 5",
                               "        Pending                           : No",
                               "        Remapping Failure Occurred        : Yes",
                               "        Bank Remap Availability Histogram",
                               "            Max                           : 632 bank(s)",
                               "            None                          : 1 bank(s)"])
    c.gpu_metric("DCGM_FI_DEV_ECC_DBE_VOL_TOTAL", "b200-r2-08", 0, decimals=0,
                 over={1: lambda s, v: 0 if s < -30 else 2})
    c.gpu_metric("DCGM_FI_DEV_UNCORRECTABLE_REMAPPED_ROWS", "b200-r2-08", 0, decimals=0,
                 over={1: lambda s, v: 5})
    c.gpu_metric("DCGM_FI_DEV_ROW_REMAP_FAILURE", "b200-r2-08", 0, decimals=0,
                 over={1: lambda s, v: 0 if s < -30 else 1})
    return c


# ============================================================ pair 12: illegal memory access — NVLink Xid 74 vs app bug
def ima_common(c, ranks):
    out = megatron_iters(c, -300, 5, 15510, total_it=60000, step_s=3.3)
    for r in ranks:
        out += ["[rank%d]: RuntimeError: CUDA error: an illegal memory access was encountered" % r,
                "[rank%d]: CUDA kernel errors might be asynchronously reported at some other API call, so the "
                "stacktrace below might be incorrect." % r]
    return out


def case_23():
    hs = ["gb-n%02d" % i for i in (1, 2)]
    c = C("case-rl8-23", "nvlink_error", "gb-n02/gpu3", hs)
    c.alert("TrainingJobCrashed", "job dit-video-xl exited: CUDA error: an illegal memory access was encountered",
            job="dit-video-xl")
    lines = ima_common(c, [11, 10])
    lines.insert(5, "gb-n02:77102:77520 [3] NCCL INFO Channel 04/0 : 11[3] -> 12[4] via P2P/CUMEM/read")
    lines += ["gb-n02:77102:77520 [3] enqueue.cc:1514 NCCL WARN Cuda failure 700 'an illegal memory access was encountered'",
              "gb-n02:77102:77520 [3] NCCL INFO group.cc:248 -> 1"]
    c.log("gb-n01/rank0/stdout", lines + app_noise(c, 4))
    dm = ["%s NVRM: Xid (PCI:0000:" + c.pci[3] + ":00): 74, pid=77102, name=python3, NVLink: fatal error detected on "
          "link 11(0x0, 0x0, 0x10000, 0x0, 0x0, 0x0, 0x0)",
          "%s NVRM: Xid (PCI:0000:" + c.pci[3] + ":00): 74, pid=77102, name=python3, NVLink: fatal error detected on "
          "link 12(0x0, 0x0, 0x10000, 0x0, 0x0, 0x0, 0x0)",
          "%s NVRM: Xid (PCI:0000:" + c.pci[3] + ":00): 31, pid=77102, name=python3, channel 0x00000011, intr "
          "00000000. MMU Fault: ENGINE CE4 HUBCLIENT_CE2 faulted @ 0x7f2c_a0000000. Fault is of type FAULT_PDE "
          "ACCESS_TYPE_VIRT_WRITE"]
    c.log("gb-n02/dmesg", [x % c.dmesg(-6 + i) for i, x in enumerate(dm)] + kernel_noise(c, "gb-n02", 6, fmt="dmesg"))
    c.gpu_metric("DCGM_FI_DEV_NVLINK_CRC_FLIT_ERROR_COUNT_TOTAL", "gb-n02", 40, jitter=3, counter=True, decimals=0,
                 over={3: lambda s, v: v + (0 if s < -400 else (s + 400) * 260)})
    c.gpu_metric("DCGM_FI_DEV_NVLINK_REPLAY_ERROR_COUNT_TOTAL", "gb-n02", 0, decimals=0,
                 over={3: lambda s, v: 0 if s < -400 else int((s + 400) * 11)})
    c.health_rates("gpu.health@gb-n02/gpu3", nvlink_links_up=16, nvlink_crc_errors_per_s=2380.0,
                   nvlink_crc_errors=104221, nvlink_replay_errors_per_s=120.0, nvlink_replay_errors=4310, xid_last=74)
    c.nccl("nccl.p2p_matrix@gb-n02", busbw=61.0)
    c.fail("nccl.p2p_matrix@gb-n02", "min_pair_gb_s 61.0 below 250.0 (pairs gpu3<->gpu4, gpu3<->gpu7)")
    return c


def case_24():
    hs = ["gb-n%02d" % i for i in (1, 2)]
    c = C("case-rl8-24", "illegal_memory_access", "job", hs)
    c.alert("TrainingJobCrashed", "job dit-video-xl exited: CUDA error: an illegal memory access was encountered",
            job="dit-video-xl")
    lines = ["[%s] INFO: launch diff vs. last good run: flash-attn 2.6.3 -> 3.0.0b1 (custom wheel), "
             "--max-frames 64 -> 129" % c.ymd(-900)]
    lines += ima_common(c, [11, 2, 14, 7])
    lines += ["[rank2]: Exception raised from c10_cuda_check_implementation at ../c10/cuda/CUDAException.cpp:43",
              "[rank2]:   File \"/opt/venv/lib/python3.11/site-packages/flash_attn_interface.py\", line 428, in "
              "_flash_attn_varlen_forward",
              "[rank2]: RuntimeError: CUDA error: an illegal memory access was encountered"]
    c.log("gb-n01/rank0/stdout", lines + app_noise(c, 4))
    for h in hs:
        dm = ["%s NVRM: Xid (PCI:0000:" + c.pci[g] + ":00): 13, pid=" + str(77000 + g) + ", name=python3, Graphics SM "
              "Warp Exception on (GPC 4, TPC 1, SM 0): Out Of Range Address" for g in ((2, 7) if h == "gb-n01" else (3, 6))]
        g0 = 2 if h == "gb-n01" else 3
        dm += ["%s NVRM: Xid (PCI:0000:" + c.pci[g0] + ":00): 43, pid=" + str(77000 + g0) + ", name=python3, Ch 00000008"]
        c.log(h + "/dmesg", [x % c.dmesg(-6 + i * 0.1) for i, x in enumerate(dm)] + kernel_noise(c, h, 5, fmt="dmesg"))
    c.gpu_metric("DCGM_FI_DEV_NVLINK_CRC_FLIT_ERROR_COUNT_TOTAL", "gb-n02", 40, jitter=3, counter=True, decimals=0)
    c.health_rates("gpu.health@gb-n02/gpu3", xid_last=13)
    return c


# ============================================================ pair 13: NaN loss — bf16 divergence vs fp16 scale collapse
def case_25():
    hs = ["tpu-free-%d" % i for i in (1, 2)]
    c = C("case-rl8-25", "loss_divergence", "job", hs)
    c.alert("TrainingLossNaN", "job code-7b: loss is NaN", job="code-7b")
    lines = ["[%s] [INFO] [config.py:1000:print] bf16_enabled ........... True" % c.ymd_ms(-1500),
             "[%s] [INFO] [config.py:1000:print] fp16_enabled ........... False" % c.ymd_ms(-1500),
             "[%s] [INFO] [config.py:1000:print] gradient_clipping ...... 0.0" % c.ymd_ms(-1500),
             "[%s] [INFO] [config.py:1000:print] lr schedule ............ WarmupLR (warmup 2000 steps to 6e-4)" % c.ymd_ms(-1500)]
    gn = [0.41, 0.44, 0.52, 0.83, 1.9, 4.7, 12.8, 55.1, 310.4, float("inf"), float("nan"), float("nan")]
    lo = [1.42, 1.41, 1.43, 1.49, 1.71, 2.38, 3.91, 6.62, 9.87, 11.4, float("nan"), float("nan")]
    for i in range(12):
        lines.append("[%s] [INFO] [train.py:412] step %d loss %s grad_norm %s lr 5.9%02de-04" % (
            c.ymd_ms(-600 + 40 * i), 1990 + i, lo[i], gn[i], 40 + i * 5))
    lines.append("[%s] [WARNING] [train.py:433] non-finite loss at step 2000; model params contain inf in "
                 "layers.27.attention.wo.weight" % c.ymd_ms(-100))
    lines += ["[%s] [INFO] %s" % (c.ymd_ms(-1400 + 50 * i), x) for i, x in enumerate(app_noise(c, 8))]
    c.log("tpu-free-1/rank0/stdout", lines)
    c.log("tpu-free-1/journal", kernel_noise(c, "tpu-free-1", 8))
    c.node_metric("training_grad_norm", {"job": "code-7b"},
                  lambda s: 0.4 + c.rng.uniform(0, 0.1) if s < -420 else min(300.0, 0.4 * 2 ** ((s + 420) / 25)))
    return c


def case_26():
    hs = ["tpu-free-%d" % i for i in (1, 2)]
    c = C("case-rl8-26", "fp16_loss_scale_collapse", "job", hs)
    c.alert("TrainingLossNaN", "job code-7b: loss is NaN", job="code-7b")
    lines = ["[%s] [INFO] [config.py:1000:print] bf16_enabled ........... False" % c.ymd_ms(-1500),
             "[%s] [INFO] [config.py:1000:print] fp16_enabled ........... True" % c.ymd_ms(-1500),
             "[%s] [INFO] [config.py:1000:print] gradient_clipping ...... 1.0" % c.ymd_ms(-1500),
             "[%s] [INFO] [config.py:1000:print] fp16 ................... {'enabled': True, 'loss_scale': 0, "
             "'initial_scale_power': 16, 'loss_scale_window': 1000, 'hysteresis': 2, 'min_loss_scale': 1}" % c.ymd_ms(-1500)]
    # Review RV-RL8: DeepSpeed's DynamicLossScaler divides the scale by its scale_factor (2) per overflow,
    # once hysteresis (2) is spent: the first overflow only lowers the hysteresis, then 65536 -> 32768 ...
    # -> 1 (16 halvings), then "1, reducing to 1" and the scaler's exception at the minimum (it raises;
    # no log line of its own).
    timed = []
    for i in range(12):
        timed.append((-600 + 40 * i, "[%s] [INFO] [train.py:412] step %d loss %s grad_norm %s" % (
            c.ymd_ms(-600 + 40 * i), 1990 + i, [1.42, 1.41, 1.43, 1.49, 1.71, 2.38][min(i, 5)] if i < 6 else "nan",
            "%.2f" % (0.41 + 0.2 * i) if i < 6 else "nan")))
    over = ["Attempted loss scale: 65536, but hysteresis is 2. Reducing hysteresis to 1"]
    sc = 65536
    while sc > 1:
        over.append("Attempted loss scale: %d, reducing to %d" % (sc, sc // 2))
        sc //= 2
    over.append("Attempted loss scale: 1, reducing to 1")
    for k, x in enumerate(over):
        t = -438 + 18 * k
        timed.append((t, "[%s] [INFO] [loss_scaler.py:183:update_scale] [deepspeed] OVERFLOW! Rank 0 Skipping step. %s"
                      % (c.ymd_ms(t), x)))
    timed.sort(key=lambda tx: tx[0])
    lines += [x for _, x in timed]
    lines.append("[%s] [INFO] [logging.py:96:log_dist] [Rank 0] step=2001, skipped=%d, lr=[5.99e-04], mom=[(0.9, 0.95)]"
                 % (c.ymd_ms(-100), len(over)))
    lines.append("Exception: Current loss scale already at minimum - cannot decrease scale anymore. Exiting run.")
    lines += ["[%s] [INFO] %s" % (c.ymd_ms(-1400 + 50 * i), x) for i, x in enumerate(app_noise(c, 8))]
    c.log("tpu-free-1/rank0/stdout", lines)
    c.log("tpu-free-1/journal", kernel_noise(c, "tpu-free-1", 8))
    c.node_metric("training_loss_scale", {"job": "code-7b"},
                  lambda s: 65536 if s < -420 else max(1, 65536 / 2 ** ((s + 420) / 18)))
    return c


# ============================================================ pair 14: slow node — power brake (one GPU) vs fan failure (node)
def case_27():
    hs = hosts("hgx-", 3, 41, width=3)
    c = C("case-rl8-27", "gpu_power_throttle", "hgx-042/gpu0", hs)
    c.alert("GPUClocksThrottled", "hgx-042: DCGM clock throttle reasons non-zero", Hostname="hgx-042", severity="warning")
    lines = megatron_iters(c, -570, 10, 7001, step_s=4.0, step_fn=lambda i: 4.0 * (1 if i < 4 else 1.19))
    c.log("hgx-041/rank0/stdout", lines + app_noise(c, 6))
    j = ["%s hgx-042 ipmievd[1840]: Sensor PSU3_Status (Power Supply) Power Supply AC lost - Asserted" % c.syslog(-560),
         "%s hgx-042 ipmievd[1840]: Sensor PS_Redundancy (Power Supply) Redundancy Lost - Asserted" % c.syslog(-559),
         "%s hgx-042 nv-hostengine[3302]: DCGM_FR_CLOCK_THROTTLE_POWER: Clocks are being throttled for GPU 0 "
         "because of clocks_event_reason HW_POWER_BRAKE_SLOWDOWN" % c.syslog(-550),
         "%s hgx-042 ipmievd[1840]: Sensor SYS_FAN3 (Fan) reading 11200 RPM nominal" % c.syslog(-549)]
    c.log("hgx-042/journal", j + kernel_noise(c, "hgx-042", 5))
    dcgm_node(c, "hgx-042", clocks={0: after(-550, None, lambda s, v: 1155 + c.rng.uniform(-40, 40))},
              power={0: after(-550, None, lambda s, v: 318 + c.rng.uniform(-15, 15))},
              temps={0: after(-550, None, lambda s, v: v - 6)})
    c.gpu_metric("DCGM_FI_DEV_CLOCK_THROTTLE_REASONS", "hgx-042", 0, decimals=0,
                 over={0: after(-550, None, lambda s, v: CLK_HW_POWER_BRAKE | CLK_HW_SLOWDOWN)})
    return c


def case_28():
    hs = hosts("hgx-", 3, 41, width=3)
    c = C("case-rl8-28", "gpu_thermal_throttle", "hgx-042", hs)
    c.alert("GPUClocksThrottled", "hgx-042: DCGM clock throttle reasons non-zero", Hostname="hgx-042", severity="warning")
    lines = megatron_iters(c, -620, 10, 7001, step_s=4.0, step_fn=lambda i: 4.0 * (1 if i < 4 else 1.22))
    c.log("hgx-041/rank0/stdout", lines + app_noise(c, 6))
    j = ["%s hgx-042 ipmievd[1840]: Sensor SYS_FAN3 (Fan) Lower Critical going low: reading 0 RPM < threshold 1200 RPM" % c.syslog(-700),
         "%s hgx-042 ipmievd[1840]: Sensor SYS_FAN4 (Fan) Lower Critical going low: reading 0 RPM < threshold 1200 RPM" % c.syslog(-699),
         "%s hgx-042 ipmievd[1840]: Sensor PS_Redundancy (Power Supply) Fully Redundant" % c.syslog(-1100),
         "%s hgx-042 nv-hostengine[3302]: DCGM_FR_CLOCK_THROTTLE_THERMAL: Clocks are being throttled for GPU 0 "
         "because of clocks_event_reason SW_THERMAL_SLOWDOWN" % c.syslog(-550)]
    c.log("hgx-042/journal", j + kernel_noise(c, "hgx-042", 5))
    hot = {g: after(-650, None, lambda s, v: 86 + c.rng.uniform(0, 5)) for g in range(8)}
    dcgm_node(c, "hgx-042", temps=hot,
              clocks={g: after(-600, None, lambda s, v: 1500 + c.rng.uniform(-60, 40)) for g in range(8)},
              power={g: after(-600, None, lambda s, v: 505 + c.rng.uniform(-25, 25)) for g in range(8)})
    c.gpu_metric("DCGM_FI_DEV_CLOCK_THROTTLE_REASONS", "hgx-042", 0, decimals=0,
                 over={g: after(-600, None, lambda s, v: CLK_SW_THERMAL) for g in range(8)})
    return c


# ============================================================ pair 15: checkpoint save dies — local disk full vs host OOM
def ckpt_common(c):
    return megatron_iters(c, -700, 6, 4994, total_it=100000, step_s=5.5) + [
        " [%s] saving checkpoint at iteration    5000 to /local_nvme/ckpt/llm-30b in torch_dist format" % c.ymd(-660)]


def case_29():
    hs = hosts("ws-", 2, 11, width=2)
    c = C("case-rl8-29", "storage_failure", "ws-12", hs)
    c.alert("TrainingJobCrashed", "job llm-30b exited during checkpoint save at iteration 5000", job="llm-30b")
    lines = ckpt_common(c) + [
        "[rank9]: Traceback (most recent call last):",
        "[rank9]:   File \"/opt/megatron/megatron/core/dist_checkpointing/strategies/filesystem_async.py\", line 211, in write_preloaded_data",
        "[rank9]:     f.write(buf)",
        "[rank9]: OSError: [Errno 28] No space left on device",
        "[rank9]: torch.distributed.checkpoint.api.CheckpointException: CheckpointException ranks:dict_keys([9, 10, 11, 12, 13, 14, 15, 8])",
        "E%s 1402 torch/distributed/elastic/multiprocessing/api.py:869] failed (exitcode: 1) local_rank: 1 (pid: 33012) of binary: /usr/bin/python3" % c.glog(-600)[1:],
    ]
    c.log("ws-11/rank0/stdout", lines + app_noise(c, 4))
    c.log("ws-12/shell", ["$ df -h /local_nvme", "Filesystem      Size  Used Avail Use% Mounted on",
                          "/dev/nvme1n1    3.5T  3.5T     0 100% /local_nvme",
                          "$ free -g | head -2", "               total        used        free      shared  buff/cache   available",
                          "Mem:            2015         812          41         11        1162        1190"])
    c.log("ws-12/journal", kernel_noise(c, "ws-12", 10))
    for h in hs:
        c.node_metric("node_filesystem_avail_bytes", {"instance": h + ":9100", "mountpoint": "/local_nvme", "device": "/dev/nvme1n1"},
                      (lambda s: max(0.0, 4.1e11 - max(0, s + 680) * 7e9)) if h == "ws-12" else (lambda s: 2.2e12), decimals=0)
        c.node_metric("node_memory_MemAvailable_bytes", {"instance": h + ":9100"}, lambda s: 1.2e12 + c.rng.uniform(0, 1e10), decimals=0)
    return c


def case_30():
    hs = hosts("ws-", 2, 11, width=2)
    c = C("case-rl8-30", "host_oom", "ws-12", hs)
    c.alert("TrainingJobCrashed", "job llm-30b exited during checkpoint save at iteration 5000", job="llm-30b")
    lines = ckpt_common(c) + [
        "E%s 1402 torch/distributed/elastic/multiprocessing/api.py:869] failed (exitcode: -9) local_rank: 1 (pid: 33012) of binary: /usr/bin/python3" % c.glog(-600)[1:],
        "  traceback : Signal 9 (SIGKILL) received by PID 33012",
        "[rank0]: torch.distributed.DistBackendError: [0] is setting up NCCL communicator and retrieving ncclUniqueId "
        "from [0] via c10d key-value store by key '0:1', but store->get('0:1') got error: Connection reset by peer",
    ]
    c.log("ws-11/rank0/stdout", lines + app_noise(c, 4))
    c.log("ws-12/shell", ["$ df -h /local_nvme", "Filesystem      Size  Used Avail Use% Mounted on",
                          "/dev/nvme1n1    3.5T  2.9T  612G  83% /local_nvme",
                          "$ free -g | head -2", "               total        used        free      shared  buff/cache   available",
                          "Mem:            2015        1988           3         11          24           5"])
    dm = ["%s python3 invoked oom-killer: gfp_mask=0x140dca(GFP_HIGHUSER_MOVABLE|__GFP_COMP|__GFP_ZERO), order=0, oom_score_adj=0",
          "%s Out of memory: Killed process 33012 (python3) total-vm:2031123456kB, anon-rss:1890112004kB, file-rss:102400kB, shmem-rss:0kB, UID:1013 pgtables:3912004kB oom_score_adj:0"]
    c.log("ws-12/journal", ["%s ws-12 kernel: %s" % (c.syslog(-601 + i), x[3:]) for i, x in enumerate(dm)] + kernel_noise(c, "ws-12", 10))
    for h in hs:
        c.node_metric("node_filesystem_avail_bytes", {"instance": h + ":9100", "mountpoint": "/local_nvme", "device": "/dev/nvme1n1"},
                      (lambda s: 6.9e11 - max(0, s + 680) * 1e9) if h == "ws-12" else (lambda s: 2.2e12), decimals=0)
        c.node_metric("node_memory_MemAvailable_bytes", {"instance": h + ":9100"},
                      (lambda s: max(5e9, 1.2e12 - max(0, s + 680) * 2e10)) if h == "ws-12" else (lambda s: 1.2e12), decimals=0)
    return c


CASES = [case_01, case_02, case_03, case_04, case_05, case_06, case_07, case_08, case_09, case_10,
         case_11, case_12, case_13, case_14, case_15, case_16, case_17, case_18, case_19, case_20,
         case_21, case_22, case_23, case_24, case_25, case_26, case_27, case_28, case_29, case_30]


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default=HERE)
    args = ap.parse_args()
    n = write_cases([f() for f in CASES], args.out)
    print("wrote %d cases to %s" % (n, args.out))


if __name__ == "__main__":
    main()
