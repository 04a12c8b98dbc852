"""Holdout diagnosis cases (case-hNNN). Written to differ in surface from dev/: other host names,
frameworks (NeMo, JAX, FSDP/torchtitan, DeepSpeed, plain PyTorch, Kubernetes), phrasings and
numbers. The reasoner is not tuned on these; do not copy their content elsewhere.
Imported by ../generate_cases.py, which writes holdout/case-hNNN.json.
"""

from casekit import (CLK_HW_POWER_BRAKE, CLK_HW_SLOWDOWN, CLK_HW_THERMAL, CLK_SW_POWER_CAP,
                     CLK_SW_THERMAL, PCI_BUS_B, Case, app_noise, deepspeed_steps, elastic_failure,
                     fsdp_steps, interleave, kernel_noise, megatron_iters, nccl_init, plain_steps,
                     watchdog)

CASES = []


def case(fn):
    CASES.append(fn)
    return fn


NOISE_NEMO = [
    "[NeMo I {t} nemo_logging:381] Rank 0 has data parallel group : [0, 8, 16, 24]",
    "[NeMo W {t} nemo_logging:393] Could not copy Trainer's 'max_steps' to LR scheduler's 'max_steps'.",
    "[NeMo I {t} exp_manager:783] TensorboardLogger has been set up",
    "[NeMo I {t} megatron_gpt_model:1410] Pipeline model parallel rank: 0, Tensor model parallel rank: 0",
    "LOCAL_RANK: 0 - CUDA_VISIBLE_DEVICES: [0,1,2,3,4,5,6,7]",
    "[NeMo W {t} nemo_logging:393] The dataloader, train_dataloader, does not have many workers which may be a bottleneck.",
    "[NeMo I {t} modelPT:783] Optimizer config = MegatronDistributedFusedAdam (lr: 0.0003, weight_decay: 0.1)",
]
NOISE_JAX = [
    "I{g} 140233 gpu_executable.cc:442] Executable compiled for cuda:0 in 1.2s",
    "I{g} 140233 xla_bridge.py:889] Unable to initialize backend 'tpu': INTERNAL: Failed to open libtpu.so",
    "I{g} 140233 checkpoint_manager.py:1040] Skipping checkpoint at step 20400 (interval 1000)",
    "I{g} 140233 train.py:233] host 3: prefetch buffer 16/16",
    "W{g} 140233 pjit.py:1120] Large constant captured in the trace (512 MiB)",
]
NOISE_K8S = [
    "kubelet: I{g} 2211 prober.go:107] \"Probe succeeded\" probeType=\"Readiness\" pod=\"training/trainer-worker-{k}\"",
    "kubelet: I{g} 2211 kubelet.go:2434] \"SyncLoop UPDATE\" source=\"api\" pods=[\"training/trainer-worker-{k}\"]",
    "containerd: time=\"{iso}\" level=info msg=\"StartContainer for \\\"pytorch\\\" returns successfully\"",
    "nvidia-device-plugin: I{g} 1 server.go:332] Registered device plugin for 'nvidia.com/gpu' with Kubelet",
]


def pool_noise(c, pool, k, start_s=-1500, end_s=-10):
    """k lines from `pool` at sorted random times in [start_s, end_s]; {t} is "YYYY-mm-dd HH:MM:SS",
    {g} the glog "mmdd HH:MM:SS.uuuuuu", {iso} RFC 3339."""
    out = []
    for s in sorted(c.rng.uniform(start_s, end_s) for _ in range(k)):
        t = c.at(s)
        out.append(c.rng.choice(pool).format(t=t.strftime("%Y-%m-%d %H:%M:%S"), k=c.rng.randrange(8),
                                             g=t.strftime("%m%d %H:%M:%S") + ".%06d" % c.rng.randrange(10 ** 6),
                                             iso=t.strftime("%Y-%m-%dT%H:%M:%SZ")))
    return out


def nemo_progress(c, start_s, n, step0, total=100000, step_s=3.2, loss_fn=None, extra=""):
    out = []
    t = start_s
    for i in range(n):
        t += step_s * c.rng.uniform(0.98, 1.02)
        lo = loss_fn(i) if loss_fn else 2.4 - 0.0008 * i + c.rng.uniform(-0.02, 0.02)
        lo_s = "nan" if lo != lo else "%.3f" % lo
        out.append("Epoch 0: : %d%%| %d/%d [%s<%s, %.2fs/it, lr=0.000291, global_step=%d, consumed_samples=%d, reduced_train_loss=%s, "
                   "train_step_timing in s=%.3f%s]" % (100 * (step0 + i) // total, step0 + i, total, c.at(t).strftime("%H:%M:%S"), "71:10:01",
                                                       step_s, step0 + i - 1, (step0 + i) * 512, lo_s, step_s * c.rng.uniform(0.99, 1.01), extra))
    return out


def host(prefix, *ns):
    return ["%s%02d" % (prefix, n) for n in ns]


def dcgm(c, name, h, base, jitter, over=None, gpus=None, dec=0):
    c.gpu_metric(name, h, base, jitter, over, gpus=gpus, decimals=dec)


# ---------------------------------------------------------------------------------------------
@case
def case_h001():
    # Kubernetes: the device plugin marks a GPU unhealthy and nvidia-smi cannot get a handle; the
    # pod on that node crash-loops with "CUDA error: no CUDA-capable device is detected" on one
    # local rank. No dmesg. Inventory probe: 7 of 8 GPUs.
    c = Case("case-h001", "gpu_fallen_off_bus", "gpu-a17/gpu2", host("gpu-a", 16, 17, 18), gpu="NVIDIA H100 80GB HBM3", pci=PCI_BUS_B)
    c.alert("KubePodCrashLooping", "training/trainer-worker-1 restarted 5 times in 20m", namespace="training", pod="trainer-worker-1",
            instance="gpu-a17")
    c.log("gpu-a17/pod/trainer-worker-1/pytorch", app_noise(c, 5) + [
        "LOCAL_RANK=2 RANK=10 WORLD_SIZE=24",
        "Traceback (most recent call last):",
        '  File "/app/fsdp_train.py", line 58, in setup',
        "    torch.cuda.set_device(local_rank)",
        "RuntimeError: CUDA error: invalid device ordinal",
        "GPU count visible to torch: 7"] + app_noise(c, 6))
    c.log("gpu-a17/pod/nvidia-device-plugin", pool_noise(c, NOISE_K8S, 6) + [
        "I%s 1 health.go:165] 'nvidia.com/gpu' device marked unhealthy: %s (XidCriticalError: GPU lost)" % (c.glog(-900)[1:], c.uuid("gpu-a17", 2)),
        "E%s 1 nvml.go:112] nvmlDeviceGetHandleByIndex(2): Unable to determine the device handle for GPU0000:4C:00.0: Unknown Error" % c.glog(-880)[1:]])
    c.log("gpu-a16/pod/trainer-worker-0/pytorch", interleave(c.rng, fsdp_steps(c, -1400, 30, 9000), app_noise(c, 6)) + [
        "[rank0]: torch.distributed.DistNetworkError: The client socket has timed out after 900s while trying to connect to (gpu-a16, 29500)."])
    dcgm(c, "DCGM_FI_DEV_GPU_UTIL", "gpu-a17", 96, 3, {2: lambda s, v: v if s < -900 else None})
    dcgm(c, "DCGM_FI_DEV_MEMORY_TEMP", "gpu-a17", 61, 4, {2: lambda s, v: v if s < -900 else None})
    c.inventory("gpu.inventory@gpu-a17/gpu2", count=7, details={"missing_bus_ids": ["0000:4c:00.0"]})
    c.errored("gpu.health@gpu-a17/gpu2", "device handle unavailable (NVML_ERROR_GPU_IS_LOST)", 0.4)
    return c


@case
def case_h002():
    # JAX job on DGX: Xid 95 (uncontained ECC) takes the GPU down; XLA reports it as an internal
    # CUDA error; the other hosts time out at a barrier.
    c = Case("case-h002", "gpu_memory_uncorrectable_ecc", "dgx-b03/gpu6", host("dgx-b", 1, 2, 3, 4), gpu="NVIDIA H100 80GB HBM3")
    c.alert("JaxCoordinatorBarrierTimeout", "paxml-lm-64b: barrier 'step_20457' timed out", job="paxml-lm-64b", host="dgx-b01")
    c.log("dgx-b01/jax-host0", pool_noise(c, NOISE_JAX, 14) + [
        "E%s 140233 coordination_service_agent.cc:332] Coordination agent is set to ERROR: DEADLINE_EXCEEDED: Barrier timed out. Barrier_id: step_20457. Timed out task names: /job:jax_worker/replica:0/task:2" % c.glog(-30)[1:]])
    c.log("dgx-b03/jax-host2", pool_noise(c, NOISE_JAX, 10) + [
        "E%s 88121 pjrt_stream_executor_client.cc:2985] Execution of replica 6 failed: INTERNAL: Failed to complete all kernels launched on stream 0x5581aa2c: CUDA error: : CUDA_ERROR_ECC_UNCORRECTABLE: uncorrectable ECC error encountered" % c.glog(-400)[1:],
        "jaxlib.xla_extension.XlaRuntimeError: INTERNAL: Failed to complete all kernels launched on stream 0x5581aa2c: CUDA error: : CUDA_ERROR_ECC_UNCORRECTABLE: uncorrectable ECC error encountered"])
    c.log("dgx-b03/dmesg", kernel_noise(c, "dgx-b03", 9, fmt="dmesg") + [
        "%s NVRM: Xid (PCI:%s): 95, pid=88121, name=python3, Uncontained: FBHUB. RST: Yes, D-RST: No" % (c.dmesg(-401), c.bus(6))])
    dcgm(c, "DCGM_FI_DEV_ECC_DBE_VOL_TOTAL", "dgx-b03", 0, 0, {6: lambda s, v: 0 if s < -401 else 4})
    dcgm(c, "DCGM_FI_DEV_GPU_UTIL", "dgx-b03", 92, 5, {6: lambda s, v: v if s < -401 else 0})
    c.health("gpu.health@dgx-b03/gpu6", ecc_dbe_volatile=4, ecc_dbe_aggregate=4, remap_pending=1, xid_last=95)
    c.sdc("gpu.sdc@dgx-b02")
    return c


@case
def case_h003():
    # The DCGM diagnostic run by the scheduler's epilog reports remapping exhausted on GPU 4; the
    # job was failing with an ECC error at model load for the past hours.
    c = Case("case-h003", "gpu_row_remap_failure", "hgx-r07-n3/gpu4", ["hgx-r07-n3", "hgx-r07-n4"], pci=PCI_BUS_B)
    c.alert("NodeDrainedByEpilog", "hgx-r07-n3 drained: DCGM diag level 2 failed", node="hgx-r07-n3", reason="dcgm_diag")
    c.log("hgx-r07-n3/epilog", ["+ dcgmi diag -r 2 -j"] + app_noise(c, 3) + [
        "|-----  Hardware  ---------+------------------------------------------------|",
        "| Memory                    | Fail - GPU: 4                                  |",
        "| Warning                   | GPU 4 Row remapping failure detected. The GPU  |",
        "|                           | needs to be reset and returned for service.    |",
        "| Diagnostic                | Pass - All                                     |",
        "|-----  Integration  ------+------------------------------------------------|",
        "| PCIe                      | Pass - All                                     |"] + ["| %-25s | Pass - All %35s|" % (x, "") for x in ("Targeted Stress", "Targeted Power", "Memory Bandwidth")])
    c.log("hgx-r07-n3/rank4/stderr", pool_noise(c, NOISE_NEMO, 8) + [
        "RuntimeError: CUDA error: uncorrectable ECC error encountered",
        "Exception raised from c10_cuda_check_implementation at /opt/pytorch/pytorch/c10/cuda/CUDAException.cpp:44 (most recent call first):"])
    c.log("hgx-r07-n3/journal", kernel_noise(c, "hgx-r07-n3", 8) + [
        "%s hgx-r07-n3 kernel: NVRM: Xid (PCI:%s): 64, pid=13001, name=python, Row Remapper Error: (0x00000003f0c1e40) - All reserved rows for bank are remapped" % (c.syslog(-9000), c.bus(4))])
    c.health("gpu.health@hgx-r07-n3/gpu4", remap_failure=1, remapped_rows_uncorrectable=9)
    return c


@case
def case_h004():
    # Plain PyTorch DDP; "CUDA error: launch timeout"-like symptoms, then Xid 120 GSP error and
    # Xid 154 reset-required on one GPU. nvidia-smi hangs.
    c = Case("case-h004", "gpu_firmware_error", "gpu-c11/gpu3", host("gpu-c", 11, 12), gpu="NVIDIA H100 80GB HBM3")
    c.alert("NodeExporterGPUScrapeTimeout", "gpu-c11: dcgm-exporter scrape exceeded 30s", instance="gpu-c11:9400")
    c.log("gpu-c11/ddp-rank3.log", interleave(c.rng, plain_steps(c, -600, 30, 2200, step_s=1.1), app_noise(c, 4)) + [
        "RuntimeError: CUDA error: the launch timed out and was terminated",
        "CUDA kernel errors might be asynchronously reported at some other API call, so the stacktrace below might be incorrect."])
    c.log("gpu-c11/kern.log", kernel_noise(c, "gpu-c11", 10) + [
        "%s gpu-c11 kernel: NVRM: Xid (PCI:%s): 120, pid=3321, name=python, GSP Error: Task 1 raised error code 0x5 for reason 0x0 at 0x65a6c7c (0 more errors skipped)" % (c.syslog(-250), c.bus(3)),
        "%s gpu-c11 kernel: NVRM: GPU3 GSP RPC buffer contains function 78 (DUP_OBJECT) and data 0x0000000000000000 0x0000000000000000." % c.syslog(-249),
        "%s gpu-c11 kernel: NVRM: Xid (PCI:%s): 154, GPU recovery action changed from 0x0 (None) to 0x2 (Node Reboot Required)" % (c.syslog(-248), c.bus(3))])
    dcgm(c, "DCGM_FI_DEV_XID_ERRORS", "gpu-c11", 0, 0, {3: lambda s, v: 0 if s < -250 else 120})
    c.errored("gpu.health@gpu-c11/gpu3", "nvmlDeviceGetClockInfo timed out after 15 s; GSP not responding", 15.0)
    c.health("gpu.health@gpu-c11/gpu2")
    return c


@case
def case_h005():
    # Probe-decided: all-gather slow inside one node (FSDP), no Xid. p2p matrix and health on gpu5.
    c = Case("case-h005", "nvlink_error", "hgx-r02-n1/gpu5", ["hgx-r02-n1", "hgx-r02-n2"], pci=PCI_BUS_B)
    c.alert("FSDPAllGatherSlow", "allgather share of step time 46% (baseline 14%)", job="titan-llama3-8b", node="hgx-r02-n1")
    c.log("hgx-r02-n1/rank0/stdout", interleave(c.rng, fsdp_steps(c, -400, 60, 3100, step_s=2.6), app_noise(c, 6)))
    c.log("hgx-r02-n1/profiler-summary", ["ncclDevKernel_AllGather_RING_LL  avg %.1f ms (p50 of last week %.1f ms)" % (34.2, 7.9),
                                          "ncclDevKernel_ReduceScatter_RING_LL avg %.1f ms (p50 of last week %.1f ms)" % (31.0, 8.3)] + app_noise(c, 4))
    c.nccl("nccl.allgather@hgx-r02-n1", 88.0)
    c.nccl("nccl.allgather@hgx-r02-n2")
    c.nccl("nccl.p2p_matrix@hgx-r02-n1", 22.4, details={"worst_pair": "gpu5->gpu1", "worst_pair_gb_s": 22.4, "median_pair_gb_s": 366.0})
    c.health("gpu.health@hgx-r02-n1/gpu5", nvlink_crc_errors=20211, nvlink_replay_errors=911)
    c.health("gpu.health@hgx-r02-n1/gpu1")
    c.gemm("gpu.gemm@hgx-r02-n1/gpu5")
    return c


@case
def case_h006():
    # HBM (memory) temperature, not GPU core temperature, drives the slowdown on one GPU.
    c = Case("case-h006", "gpu_thermal_throttle", "gpu-c02/gpu0", host("gpu-c", 1, 2, 3))
    c.alert("IterationTimeRegression", "nemo-gpt-43b: train_step_timing +22%", job="nemo-gpt-43b", node="gpu-c01")
    c.log("gpu-c01/nemo.log", interleave(c.rng, nemo_progress(c, -300, 40, 51200, step_s=4.4), pool_noise(c, NOISE_NEMO, 10)))
    dcgm(c, "DCGM_FI_DEV_MEMORY_TEMP", "gpu-c02", 63, 4, {0: lambda s, v: v if s < -1000 else 96 + c.rng.uniform(-1, 1)})
    dcgm(c, "DCGM_FI_DEV_GPU_TEMP", "gpu-c02", 58, 4, {0: lambda s, v: v + 6})
    dcgm(c, "DCGM_FI_DEV_CLOCKS_EVENT_REASONS", "gpu-c02", 0, 0, {0: lambda s, v: 0 if s < -1000 else CLK_HW_THERMAL})
    dcgm(c, "DCGM_FI_DEV_SM_CLOCK", "gpu-c02", 1980, 0, {0: lambda s, v: v if s < -1000 else 1290})
    c.health("gpu.health@gpu-c02/gpu0", hbm_temperature_c=97, temperature_c=66, sm_clock_mhz=1290, clock_event_reasons=CLK_HW_THERMAL)
    return c


@case
def case_h007():
    # Facility power capping through the BMC: all GPUs of one host capped; SW power cap bits.
    c = Case("case-h007", "gpu_power_throttle", "gpu-c09", host("gpu-c", 8, 9, 10, 11))
    c.alert("SlowHost", "gpu-c09 ranks trail by 19% for 40m", job="ds-13b", node="gpu-c09")
    c.log("gpu-c08/rank0/stderr", interleave(c.rng, deepspeed_steps(c, -400, 30, 21000, step_s=2.9), app_noise(c, 6)))
    c.log("gpu-c09/bmc", ["%s | Power Unit | Power capping activated by DCM policy 3: chassis limit 5600 W" % c.ymd(-2400),
                          "%s | Power Unit | GPU baseboard power limit set to 5600 W (per-GPU 560 W)" % c.ymd(-2399)] + app_noise(c, 10))
    dcgm(c, "DCGM_FI_DEV_POWER_USAGE", "gpu-c09", 556, 4, dec=1)
    dcgm(c, "DCGM_FI_DEV_POWER_MGMT_LIMIT", "gpu-c09", 560, 0)
    dcgm(c, "DCGM_FI_DEV_POWER_MGMT_LIMIT", "gpu-c10", 700, 0)
    dcgm(c, "DCGM_FI_DEV_CLOCKS_EVENT_REASONS", "gpu-c09", CLK_SW_POWER_CAP, 0)
    c.health("gpu.health@gpu-c09/gpu4", power_limit_w=560, power_w=558, sm_clock_mhz=1620, clock_event_reasons=CLK_SW_POWER_CAP)
    return c


@case
def case_h008():
    # Probe-decided: JAX host 5 slow in every step; logs only say the host is slow.
    c = Case("case-h008", "pcie_link_degraded", "tpu-free-h05/gpu7", host("tpu-free-h", 4, 5, 6))
    c.alert("JaxSlowHost", "host 5 step time 1.3x median", job="maxtext-22b", host="tpu-free-h05")
    c.log("tpu-free-h04/jax-host0", pool_noise(c, NOISE_JAX, 12) + ["I%s 140233 train.py:410] step %d, step_time %.2fs, slowest host 5 (%.2fs)" % (
        c.glog(-300 + 20 * i)[1:], 20400 + i, 2.1, 2.75) for i in range(12)])
    c.log("tpu-free-h05/jax-host1", pool_noise(c, NOISE_JAX, 10) + [
        "W%s 88121 host_transfer.cc:211] device_put to cuda:7 took 412 ms for 96 MiB" % c.glog(-100)[1:]])
    c.pcie("gpu.pcie_bandwidth@tpu-free-h05/gpu7", 27.1, 26.0)
    c.health("gpu.health@tpu-free-h05/gpu7", pcie_link_width=8)
    c.gemm("gpu.gemm@tpu-free-h05/gpu7")
    c.health("gpu.health@tpu-free-h05/gpu6")
    return c


@case
def case_h009():
    # Megatron's own NaN check points at one rank before the data-parallel reduction; sdc confirms
    # that GPU; health shows no ECC activity.
    c = Case("case-h009", "gpu_silent_data_corruption", "dgx-b07/gpu3", host("dgx-b", 5, 6, 7, 8))
    c.alert("TrainingCrashed", "gpt-moe-42b: AssertionError in grad norm check", job="gpt-moe-42b", node="dgx-b07")
    c.log("dgx-b05/rank0/stdout", interleave(c.rng, megatron_iters(c, -200, 30, 7710, step_s=5.0), app_noise(c, 6)))
    c.log("dgx-b07/rank19/stderr", app_noise(c, 4) + [
        "[rank19]: AssertionError: Rank 19: found NaN in local grad norm in backward pass before data-parallel communication collective. Device: 3, node: dgx-b07",
        "%s rerun from iter_0007700: Rank 19 found NaN in local grad norm again at iteration 7734 (different batch)" % c.ymd(-20)])
    c.health("gpu.health@dgx-b07/gpu3")
    c.sdc("gpu.sdc@dgx-b07", 4102, "gpu3")
    return c


@case
def case_h010():
    # RoCE fabric: bonded HCA with link flaps on one port; retry-exceeded completions.
    c = Case("case-h010", "ib_link_failure", "dgx-b11/mlx5_7", host("dgx-b", 10, 11, 12))
    c.alert("RdmaLinkFlap", "dgx-b11 mlx5_7 port 1 link down 4x in 10m", instance="dgx-b11", device="mlx5_7")
    c.log("dgx-b11/rank15/stderr", app_noise(c, 6) + [
        "dgx-b11:5511:5711 [7] transport/net_ib.cc:2143 NCCL WARN NET/IB: Got completion from peer 10.40.12.17<50122> with status=IBV_WC_RETRY_EXC_ERR(12) opcode=IBV_WC_SEND(0) reqSize=65536 vendor_err=129 req_type=Send localGid ::ffff:10.40.11.23 remoteGids ::ffff:10.40.12.17 hca mlx5_7",
        "dgx-b11:5511:5711 [7] NCCL INFO transport/net.cc:1233 -> 6",
        "[rank15]: torch.distributed.DistBackendError: NCCL error: remote process exited or there was a network error, NCCL version 2.23.4"])
    c.log("dgx-b11/journal", kernel_noise(c, "dgx-b11", 6) + sum([[
        "%s dgx-b11 kernel: mlx5_core 0000:e1:00.1 enp225s0f1np1: Link down" % c.syslog(-600 + 140 * i),
        "%s dgx-b11 kernel: mlx5_core 0000:e1:00.1 enp225s0f1np1: Link up" % c.syslog(-590 + 140 * i)] for i in range(4)], []))
    c.node_metric("rdma_port_link_downed_total", {"instance": "dgx-b11", "device": "mlx5_7"}, lambda s: max(0, (s + 600) // 140 + 1), 0)
    c.node_metric("rdma_port_link_downed_total", {"instance": "dgx-b11", "device": "mlx5_6"}, lambda s: 0, 0)
    c.nccl("nccl.sendrecv@dgx-b11", 9.7)
    return c


@case
def case_h011():
    # A host firewall rule (new security baseline) blocks NCCL's ephemeral bootstrap ports
    # between racks; connect() times out. Probe within a node passes.
    c = Case("case-h011", "nccl_network_misconfig", "job", host("gpu-e", 1, 2, 9, 10))
    c.alert("JobInitFailure", "ft-embedding-7b: NCCL init failed on all ranks", job="ft-embedding-7b", node="gpu-e01")
    c.log("gpu-e09/rank16/stderr", app_noise(c, 6) + [
        "gpu-e09:7781:7781 [0] NCCL INFO Bootstrap : Using ens1f0np0:10.50.9.1<0>",
        "gpu-e09:7781:7902 [0] misc/socket.cc:538 NCCL WARN socketPollConnect: connect returned Connection timed out, exceeded error retry count (35)",
        "gpu-e09:7781:7902 [0] NCCL INFO bootstrap.cc:88 -> 6",
        "[rank16]: torch.distributed.DistBackendError: NCCL error in: /opt/pytorch/torch/csrc/distributed/c10d/ProcessGroupNCCL.cpp:2027, remote process exited or there was a network error, NCCL version 2.22.3",
        "[rank16]: ncclRemoteError: A call failed possibly due to a network error or a remote process exiting prematurely."])
    c.log("gpu-e09/change-log", ["%s ansible: applied role security-baseline v3 to hosts gpu-e[01-64] (nftables: drop tcp dport 1024-65535 from 10.50.0.0/16 except 22,29500)" % c.ymd(-7000)] + app_noise(c, 6))
    c.log("gpu-e01/rank0/stderr", pool_noise(c, NOISE_NEMO, 8))
    c.nccl("nccl.allreduce@gpu-e09")
    c.errored("nccl.allreduce@job", "ncclCommInitRank timed out after 60 s: bootstrap connect 10.50.1.1 -> 10.50.9.1 timed out", 60.0)
    return c


@case
def case_h012():
    # Uneven data shards: rank 6 runs out of batches one step early and enters the epoch-end
    # barrier while the others wait in ALLREDUCE. The evidence singles out rank 6.
    c = Case("case-h012", "nccl_collective_hang", "gpu-a31/gpu6", host("gpu-a", 31, 32))
    c.alert("JobHeartbeatMissing", "ds-bert: no heartbeat from rank 0 for 30m", job="ds-bert", node="gpu-a31")
    c.log("gpu-a31/rank0/stderr", interleave(c.rng, deepspeed_steps(c, -2600, 20, 12480), app_noise(c, 4)) + watchdog(c, 0, -30, 24998, timeout_ms=1800000))
    c.log("gpu-a31/rank6/stderr", app_noise(c, 4) + [
        "%s [INFO] rank 6: epoch 3 finished after 1249 batches" % c.ymd(-1830),
        "%s [INFO] rank 6: entering barrier(epoch_end)" % c.ymd(-1830)])
    c.log("gpu-a32/rank9/stderr", app_noise(c, 3) + ["%s [INFO] rank 9: shard 9 has 159872 samples (1250 batches)" % c.ymd(-90000)] + watchdog(c, 9, -29, 24998, timeout_ms=1800000))
    dcgm(c, "DCGM_FI_DEV_GPU_UTIL", "gpu-a31", 97, 2, {g: (lambda s, v: v if s < -1830 else (0 if g == 6 else 100)) for g in range(8)})
    c.nccl("nccl.allreduce@gpu-a31")
    return c


@case
def case_h013():
    # torch.compile'd C++ wrapper aborts on one rank; peers see Gloo/NCCL connection resets.
    c = Case("case-h013", "rank_process_crash", "gpu-a21/gpu5", host("gpu-a", 20, 21))
    c.alert("TrainingJobFailed", "sam2-ft: worker exited with signal 6", job="sam2-ft", node="gpu-a21")
    c.log("gpu-a21/torchrun", app_noise(c, 4) + [
        "terminate called after throwing an instance of 'std::out_of_range'",
        "  what():  vector::_M_range_check: __n (which is 18446744073709551615) >= this->size() (which is 3)",
        "Fatal Python error: Aborted",
        "Current thread 0x00007f21d1a3f740 (most recent call first):",
        '  File "/tmp/torchinductor_root/c2/cc2x3.py", line 1202 in call'] + elastic_failure(c, -40, "gpu-a21", 13, 5, -6, sig="SIGABRT"))
    c.log("gpu-a20/rank2/stderr", app_noise(c, 4) + [
        "[rank2]:[E%s ProcessGroupGloo.cpp:144] Gloo connectFullMesh failed with [../third_party/gloo/gloo/transport/tcp/pair.cc:598] Connection reset by peer" % c.glog(-38)[1:]])
    c.log("gpu-a20/rank0/stdout", interleave(c.rng, plain_steps(c, -300, 30, 500), app_noise(c, 4)))
    c.health("gpu.health@gpu-a21/gpu5")
    return c


@case
def case_h014():
    # Old-style PyTorch OOM message; misleading NCCL timeouts on the other ranks.
    c = Case("case-h014", "cuda_oom", "gpu-b14/gpu6", host("gpu-b", 13, 14), gpu="NVIDIA H100 80GB HBM3")
    c.alert("CollectiveTimeout", "wav2vec-xl: ranks stuck in ALLREDUCE", job="wav2vec-xl", node="gpu-b13")
    c.log("gpu-b13/rank0/stderr", interleave(c.rng, plain_steps(c, -900, 30, 40000), app_noise(c, 4)) + watchdog(c, 0, -10, 60051, timeout_ms=300000))
    c.log("gpu-b14/rank14/stderr", app_noise(c, 6) + [
        "%s | INFO | batch 60050: 38 utterances, max duration 41.8 s" % c.ymd(-330),
        "RuntimeError: CUDA out of memory. Tried to allocate 1.95 GiB (GPU 6; 79.11 GiB total capacity; 74.21 GiB already allocated; 1.02 GiB free; 76.66 GiB reserved in total by PyTorch) If reserved memory is >> allocated memory try setting max_split_size_mb to avoid fragmentation."])
    dcgm(c, "DCGM_FI_DEV_FB_FREE", "gpu-b14", 9000, 1500, {6: lambda s, v: v if s < -340 else 900})
    c.health("gpu.health@gpu-b14/gpu6")
    return c


@case
def case_h015():
    # Triton kernel with misaligned vector loads; Xid 13 with graphics exception ESR details.
    c = Case("case-h015", "illegal_memory_access", "gpu-d04/gpu1", host("gpu-d", 3, 4))
    c.alert("TrainingJobFailed", "rwkv-14b: CUDA error on rank 9", job="rwkv-14b", node="gpu-d04")
    c.log("gpu-d04/rank9/stderr", app_noise(c, 6) + [
        "  File \"/workspace/rwkv/ops/wkv7_triton.py\", line 311, in backward",
        "RuntimeError: CUDA error: misaligned address",
        "CUDA kernel errors might be asynchronously reported at some other API call, so the stacktrace below might be incorrect."])
    c.log("gpu-d04/kern.log", kernel_noise(c, "gpu-d04", 8) + [
        "%s gpu-d04 kernel: NVRM: Xid (PCI:%s): 13, pid=9912, name=python, Graphics Exception: ESR 0x51e730=0x1000000e 0x51e734=0x0 0x51e728=0x4c1eb72 0x51e72c=0x174" % (c.syslog(-60), c.bus(1)),
        "%s gpu-d04 kernel: NVRM: Xid (PCI:%s): 13, pid=9912, name=python, Graphics SM Global Exception on (GPC 2, TPC 3, SM 1): Misaligned Address" % (c.syslog(-60), c.bus(1))])
    c.log("gpu-d03/rank0/stdout", interleave(c.rng, plain_steps(c, -300, 20, 7000), app_noise(c, 4)))
    c.sdc("gpu.sdc@gpu-d04")
    return c


@case
def case_h016():
    # Kubernetes pod OOMKilled by its container memory limit (exit 137).
    c = Case("case-h016", "host_oom", "gpu-a05", host("gpu-a", 5, 6))
    c.alert("KubePodOOMKilled", "training/trainer-worker-0 OOMKilled", namespace="training", pod="trainer-worker-0", instance="gpu-a05")
    c.log("gpu-a05/kubectl-describe", ["Name:         trainer-worker-0", "Node:         gpu-a05/10.60.0.5", "Containers:", "  pytorch:",
                                       "    State:          Waiting", "      Reason:       CrashLoopBackOff", "    Last State:     Terminated",
                                       "      Reason:       OOMKilled", "      Exit Code:    137",
                                       "    Limits:", "      memory:          512Gi", "      nvidia.com/gpu:  8"] + pool_noise(c, NOISE_K8S, 6))
    c.log("gpu-a06/pod/trainer-worker-1/pytorch", interleave(c.rng, fsdp_steps(c, -600, 20, 700), app_noise(c, 6)) + [
        "[rank8]: RuntimeError: [../third_party/gloo/gloo/transport/tcp/unbound_buffer.cc:81] Timed out waiting 1800000ms for recv operation to complete"])
    c.node_metric("container_memory_working_set_bytes", {"instance": "gpu-a05", "pod": "trainer-worker-0", "container": "pytorch"},
                  lambda s: min(5.49e11, 3.0e11 + (s + 1200) * 2.4e8) if s < -60 else 0, 0)
    return c


@case
def case_h017():
    # NeMo: reduced_train_loss goes to nan after a steady rise; grad clipping was off.
    c = Case("case-h017", "loss_divergence", "job", host("gpu-c", 20, 21, 22, 23))
    c.alert("NeMoLossNaN", "reduced_train_loss=nan in nemo-llama-34b", job="nemo-llama-34b", node="gpu-c20")

    def loss(i):
        return 1.9 + (0 if i < 20 else 0.25 * (i - 20)) if i < 32 else float("nan")
    c.log("gpu-c20/nemo.log", ["[NeMo I nemo_logging:381] gradient_clip_val: 0.0"] + interleave(c.rng, nemo_progress(c, -150, 36, 14100, loss_fn=loss), pool_noise(c, NOISE_NEMO, 8)))
    c.node_metric("reduced_train_loss", {"job": "nemo-llama-34b"}, lambda s: 1.9 if s < -90 else (1.9 + (s + 90) * 0.06 if s < -20 else None))
    c.health("gpu.health@gpu-c21/gpu0")
    return c


@case
def case_h018():
    # apex amp (O2): repeated overflows drive the dynamic loss scale to tiny values.
    c = Case("case-h018", "fp16_loss_scale_collapse", "job", host("gpu-d", 10))
    c.alert("TrainingStuck", "legacy-bert-fp16: loss flat, 0 optimizer steps in 15m", job="legacy-bert-fp16", node="gpu-d10")
    lines = ["Gradient overflow.  Skipping step, loss scaler 0 reducing loss scale to %s" % (2.0 ** (15 - i)) for i in range(30)]
    c.log("gpu-d10/train.out", interleave(c.rng, plain_steps(c, -600, 25, 311000, loss_fn=lambda i: 1.47), lines, app_noise(c, 6)) + [
        "Gradient overflow.  Skipping step, loss scaler 0 reducing loss scale to 1.52587890625e-05"])
    return c


@case
def case_h019():
    # torchao float8 training: the per-tensor scale underflows after an amax spike in one MLP.
    c = Case("case-h019", "fp8_scaling_overflow", "job", host("gpu-b", 1, 2))
    c.alert("TrainingLossNaN", "titan-llama3-70b-float8: loss nan", job="titan-llama3-70b-float8", node="gpu-b01")
    c.log("gpu-b01/rank0/stdout", ["[rank0]:[titan] Float8 training active (tensorwise scaling, enable_fsdp_float8_all_gather=True)"] +
          interleave(c.rng, fsdp_steps(c, -120, 30, 1800, loss_fn=lambda i: 2.3 if i < 27 else float("nan")), app_noise(c, 4)) + [
        "[rank0]:[titan] WARNING float8 amax for layers.61.feed_forward.w2 (grad_output) = inf; computed scale = 0.0",
        "[rank0]:[titan] WARNING float8 cast produced non-finite values in layers.61.feed_forward.w2"])
    c.log("gpu-b02/rank9/stderr", app_noise(c, 10))
    return c


@case
def case_h020():
    # Mixtral-style FSDP MoE: router collapse visible in expert utilisation vectors.
    c = Case("case-h020", "moe_expert_imbalance", "job", host("gpu-e", 30, 31))
    c.alert("MFURegression", "olmoe-7b: MFU 18% (target 35%)", job="olmoe-7b", node="gpu-e30")
    c.log("gpu-e30/rank0/stdout", interleave(c.rng, fsdp_steps(c, -300, 30, 4200, mfu=18.0), app_noise(c, 4), [
        "%s [rank0] layer %d expert_utilization=[%s] aux_loss=%.3f" % (c.ymd(-280 + 9 * i), i, ", ".join(
            "%.2f" % x for x in ([0.61, 0.22] + [0.01] * 6 if i % 3 else [0.02, 0.55, 0.31] + [0.02] * 5)), 0.09 + 0.01 * i) for i in range(16)]))
    c.nccl("nccl.alltoall@job")
    return c


@case
def case_h021():
    # Probe-decided straggler: MIG mode got enabled on one GPU (it now exposes a 1g slice).
    c = Case("case-h021", "straggler_rank", "gpu-a33/gpu1", host("gpu-a", 33, 34))
    c.alert("RankSlow", "rank 1 step time 6x median", job="gemma-2b-sweep", node="gpu-a33", rank="1")
    c.log("gpu-a33/rank0/stdout", interleave(c.rng, plain_steps(c, -300, 40, 900, step_s=0.5), app_noise(c, 6)))
    c.health("gpu.health@gpu-a33/gpu1")
    c.gemm("gpu.gemm@gpu-a33/gpu1", 104.0)
    c.probe("gpu.inventory@gpu-a33/gpu1", {
        "status": "fail", "metrics": {"gpu_count": 1, "gpu_count_expected": 1, "mig_mode_enabled": 1},
        "thresholds": {"gpu_count_min": 1, "mig_mode_enabled_max": 0},
        "reason": "MIG mode is Enabled (expected Disabled); the job sees one 1g.18gb instance", "duration_s": 0.55,
        "details": {"mig_mode": "Enabled", "mig_devices": ["1g.18gb"]}})
    c.pcie("gpu.pcie_bandwidth@gpu-a33/gpu1")
    return c


@case
def case_h022():
    # Tokenizer parallelism disabled after fork: tokenization in the input pipeline crawls.
    c = Case("case-h022", "dataloader_stall", "job", host("gpu-d", 20, 21))
    c.alert("GPUUtilisationLow", "code-llm-ft: mean GPU util 33%", job="code-llm-ft", node="gpu-d20")
    c.log("gpu-d20/rank0/stderr", [
        "huggingface/tokenizers: The current process just got forked, after parallelism has already been used. Disabling parallelism to avoid deadlocks...",
        "To disable this warning, you can either:",
        "\t- Avoid using `tokenizers` before the fork if possible",
        "\t- Explicitly set the environment variable TOKENIZERS_PARALLELISM=(true | false)"] +
        interleave(c.rng, plain_steps(c, -400, 40, 300, step_s=3.0, extra=" | data_wait 2.1s"), app_noise(c, 6)))
    dcgm(c, "DCGM_FI_DEV_GPU_UTIL", "gpu-d20", 33, 12)
    c.nccl("nccl.allreduce@job")
    c.gemm("gpu.gemm@gpu-d20/gpu0")
    return c


@case
def case_h023():
    # Lustre OST evictions make checkpoint writes crawl; the job's checkpoint timer fires.
    c = Case("case-h023", "storage_failure", "job", host("gpu-f", 1, 2, 3))
    c.alert("CheckpointSlow", "checkpoint save 1843 s (p50 95 s)", job="ds-65b", node="gpu-f01")
    c.log("gpu-f01/rank0/stderr", interleave(c.rng, deepspeed_steps(c, -2300, 10, 3990), app_noise(c, 4)) + [
        "[%s] [INFO] [engine.py:3554:_save_zero_checkpoint] zero checkpoint saved /lustre/ckpt/ds-65b/global_step4000/zero_pp_rank_0_mp_rank_00_optim_states.pt in 1843.2s" % c.ymd_ms(-20)])
    c.log("gpu-f02/dmesg", kernel_noise(c, "gpu-f02", 6, fmt="dmesg") + [
        "%s LustreError: 11-0: scratch-OST0012-osc-ffff9c2a81f3e000: operation ost_write to node 10.70.5.12@o2ib failed: rc = -107" % c.dmesg(-1800),
        "%s Lustre: scratch-OST0012-osc-ffff9c2a81f3e000: Connection to scratch-OST0012 (at 10.70.5.12@o2ib) was lost; in progress operations using this service will wait for recovery to complete" % c.dmesg(-1799),
        "%s Lustre: scratch-OST0012-osc-ffff9c2a81f3e000: Connection restored to 10.70.5.12@o2ib (at 10.70.5.12@o2ib)" % c.dmesg(-60)])
    c.node_metric("lustre_write_bytes_rate", {"instance": "gpu-f01", "target": "scratch-OST0012"}, lambda s: 2.1e9 if s < -1800 else 3.0e6, 0)
    return c


@case
def case_h024():
    # Wrong LOCAL_RANK mapping from a custom launcher: two ranks land on the same GPU.
    c = Case("case-h024", "launch_config_error", "job", host("gpu-e", 40, 41))
    c.alert("TrainingJobFailed", "dpo-8b failed at init: ncclInvalidUsage", job="dpo-8b", node="gpu-e40")
    c.log("gpu-e40/rank1/stderr", ["+ export CUDA_VISIBLE_DEVICES=$SLURM_LOCALID  # launcher v2",
                                   "+ python -m dpo.train --local_rank=$((SLURM_PROCID % 4))"] + app_noise(c, 6) + [
        "gpu-e40:33121:33121 [1] init.cc:1029 NCCL WARN Duplicate GPU detected : rank 1 and rank 5 both on CUDA device 1b000",
        "gpu-e40:33121:33121 [1] NCCL INFO init.cc:1611 -> 5",
        "[rank1]: torch.distributed.DistBackendError: NCCL error in: ../torch/csrc/distributed/c10d/ProcessGroupNCCL.cpp:1970, invalid usage (run with NCCL_DEBUG=WARN for details), NCCL version 2.21.5",
        "[rank1]: ncclInvalidUsage: This usually reflects invalid usage of NCCL library.",
        "[rank1]: Last error:",
        "[rank1]: Duplicate GPU detected : rank 1 and rank 5 both on CUDA device 1b000"])
    c.log("gpu-e41/rank4/stderr", app_noise(c, 8) + [
        "INFO:torch.distributed.distributed_c10d:Rank 4: Completed store-based barrier for key:store_based_barrier_key:1 with 8 nodes.",
        "gpu-e41:9120:9120 [0] NCCL INFO cudaDriverVersion 12040",
        "gpu-e41:9120:9120 [0] NCCL INFO Bootstrap : Using bond0:10.60.41.1<0>",
        "[rank4]: torch.distributed.DistBackendError: NCCL error in: ../torch/csrc/distributed/c10d/ProcessGroupNCCL.cpp:1970, remote process exited or there was a network error, NCCL version 2.21.5"])
    return c


@case
def case_h025():
    # Probe-decided straggler: GPU clocks down from SW thermal slowdown; no temperature metrics
    # in the case, so only gpu.health tells (PCIe passes, dataloader wait is small).
    c = Case("case-h025", "gpu_thermal_throttle", "dgx-b07/gpu3", host("dgx-b", 7, 8))
    c.alert("RankSlow", "rank 3 backward +27%", job="nemo-mistral-12b", node="dgx-b07", rank="3")
    c.log("dgx-b07/nemo.log", interleave(c.rng, nemo_progress(c, -300, 40, 800, step_s=3.9), pool_noise(c, NOISE_NEMO, 8)))
    c.log("dgx-b07/rank3-timing", ["%s rank 3 data_wait %d ms fwd %d ms bwd %d ms" % (c.ymd(-200 + 10 * i), 4, 980, 2540) for i in range(10)])
    c.health("gpu.health@dgx-b07/gpu3", temperature_c=84, sm_clock_mhz=1530, clock_event_reasons=CLK_SW_THERMAL)
    c.pcie("gpu.pcie_bandwidth@dgx-b07/gpu3")
    c.gemm("gpu.gemm@dgx-b07/gpu3", 575.0)
    return c


@case
def case_h026():
    # Probe-decided: HW slowdown with power brake on one GPU (faulty power stage); temperature and
    # power limit look normal in the dashboards.
    c = Case("case-h026", "gpu_power_throttle", "gpu-c30/gpu6", host("gpu-c", 30, 31))
    c.alert("RankSlow", "rank 6 forward 2.1x median", job="ds-llama-13b", node="gpu-c30", rank="6")
    c.log("gpu-c30/rank0/stderr", interleave(c.rng, deepspeed_steps(c, -300, 30, 5500, step_s=3.1), app_noise(c, 6)))
    dcgm(c, "DCGM_FI_DEV_GPU_TEMP", "gpu-c30", 55, 4)
    dcgm(c, "DCGM_FI_DEV_POWER_MGMT_LIMIT", "gpu-c30", 700, 0)
    c.health("gpu.health@gpu-c30/gpu6", sm_clock_mhz=705, power_w=210, clock_event_reasons=CLK_HW_SLOWDOWN | CLK_HW_POWER_BRAKE)
    c.gemm("gpu.gemm@gpu-c30/gpu6", 298.0)
    c.pcie("gpu.pcie_bandwidth@gpu-c30/gpu6")
    return c


# ------------------------------------------------------------------ second batch (h027-h042)
@case
def case_h027():
    # DeepSpeed job; peers report IB completion errors (their partner's process vanished), the
    # real event is Xid 79 on dgx-b12 GPU 6 (bus cb) a few seconds earlier.
    c = Case("case-h027", "gpu_fallen_off_bus", "dgx-b12/gpu6", host("dgx-b", 12, 13), pci=PCI_BUS_B)
    c.alert("NCCLRemoteError", "ds-70b-rlhf: ncclRemoteError on 8 ranks", job="ds-70b-rlhf", node="dgx-b13")
    c.log("dgx-b13/rank14/stderr", interleave(c.rng, deepspeed_steps(c, -500, 18, 770, rank=14), app_noise(c, 4)) + [
        "dgx-b13:4411:4590 [6] transport/net_ib.cc:1696 NCCL WARN NET/IB : Got completion from peer 10.30.12.6<41877> with status=12 opcode=0 len=0 vendor err 129 (Recv) localGid ::ffff:10.30.13.6 hca mlx5_6",
        "[rank14]: torch.distributed.DistBackendError: NCCL error: remote process exited or there was a network error, NCCL version 2.21.5"])
    c.log("dgx-b12/syslog", kernel_noise(c, "dgx-b12", 10, -1500, -60) + [
        "%s dgx-b12 kernel: NVRM: GPU at PCI:%s: %s" % (c.syslog(-52), c.bus(6), c.uuid("dgx-b12", 6)),
        "%s dgx-b12 kernel: NVRM: Xid (PCI:%s): 79, pid=9120, name=python3, GPU has fallen off the bus." % (c.syslog(-52), c.bus(6)),
        "%s dgx-b12 kernel: NVRM: GPU %s.0: RmInitAdapter failed! (0x23:0x65:1426)" % (c.syslog(-20), c.bus(6)),
        "%s dgx-b12 kernel: NVRM: GPU %s.0: rm_init_adapter failed, device minor number 6" % (c.syslog(-20), c.bus(6))])
    dcgm(c, "DCGM_FI_DEV_GPU_UTIL", "dgx-b12", 95, 4, {6: lambda s, v: v if s < -52 else None})
    c.inventory("gpu.inventory@dgx-b12/gpu6", count=7)
    c.nccl("nccl.sendrecv@dgx-b13")
    return c


@case
def case_h028():
    # Probe-decided, misleading toward an application bug: rank 10 dies with "illegal memory
    # access"; no kernel log was collected. gpu.health shows a DBE and Xid 94 on that GPU; sdc
    # passes.
    c = Case("case-h028", "gpu_memory_uncorrectable_ecc", "gpu-f07/gpu2", host("gpu-f", 6, 7))
    c.alert("TrainingJobFailed", "gemma-ft: rank 10 CUDA error", job="gemma-ft", node="gpu-f07")
    c.log("gpu-f06/rank0/stdout", interleave(c.rng, fsdp_steps(c, -400, 35, 6100), app_noise(c, 6)))
    c.log("gpu-f07/rank10/stderr", app_noise(c, 6) + [
        "[rank10]: RuntimeError: CUDA error: an illegal memory access was encountered",
        "[rank10]: CUDA kernel errors might be asynchronously reported at some other API call, so the stacktrace below might be incorrect.",
        "[rank10]: For debugging consider passing CUDA_LAUNCH_BLOCKING=1"])
    c.health("gpu.health@gpu-f07/gpu2", ecc_dbe_volatile=1, ecc_dbe_aggregate=1, remap_pending=1, xid_last=94)
    c.sdc("gpu.sdc@gpu-f07")
    c.health("gpu.health@gpu-f07/gpu3")
    return c


@case
def case_h029():
    # The job hangs (watchdog) after an NVLink fatal error on one GPU; the all-reduce probe on that
    # node is slow and the p2p matrix singles out gpu0.
    c = Case("case-h029", "nvlink_error", "hgx-r11-n2/gpu0", ["hgx-r11-n1", "hgx-r11-n2"])
    c.alert("TrainingHung", "titan-13b: no step for 20m", job="titan-13b", node="hgx-r11-n1")
    c.log("hgx-r11-n1/rank0/stdout", interleave(c.rng, fsdp_steps(c, -1600, 25, 17200), app_noise(c, 4)) + watchdog(c, 0, -5, 88120, op="_ALLGATHER_BASE", timeout_ms=1200000))
    c.log("hgx-r11-n2/kern.log", kernel_noise(c, "hgx-r11-n2", 9, -1500, -1300) + [
        "%s hgx-r11-n2 kernel: NVRM: Xid (PCI:%s): 74, pid=22109, name=python, NVLink: fatal error detected on link 12(0x0, 0x0, 0x0, 0x0, 0x0, 0x0, 0x1)" % (c.syslog(-1240), c.bus(0)),
        "%s hgx-r11-n2 kernel: NVRM: Xid (PCI:%s): 74, pid=22109, name=python, NVLink: fatal error detected on link 13(0x0, 0x0, 0x0, 0x0, 0x0, 0x0, 0x1)" % (c.syslog(-1240), c.bus(0))])
    c.nccl("nccl.allreduce@hgx-r11-n2", 61.0)
    c.nccl("nccl.p2p_matrix@hgx-r11-n2", 12.0, details={"worst_pair": "gpu0->gpu3", "worst_pair_gb_s": 12.0})
    c.health("gpu.health@hgx-r11-n2/gpu0", nvlink_links_up=16, xid_last=74)
    return c


@case
def case_h030():
    # Liquid-cooled rack: the CDU reports low coolant flow; every GPU on gpu-c40 runs hot and
    # clocks down.
    c = Case("case-h030", "gpu_thermal_throttle", "gpu-c40", host("gpu-c", 40, 41))
    c.alert("HostSlow", "gpu-c40 step contribution 1.25x peers", job="nemo-gpt-8b", node="gpu-c40")
    c.log("gpu-c41/nemo.log", interleave(c.rng, nemo_progress(c, -300, 30, 3000, step_s=2.1), pool_noise(c, NOISE_NEMO, 6)))
    c.log("rack-c4/cdu", ["%s CDU-3 WARN secondary loop flow %.1f L/min below 40.0 L/min (rack c4: gpu-c40)" % (c.ymd(-1500 + 120 * i), 22.0 - i * 0.4) for i in range(6)] + app_noise(c, 4))
    dcgm(c, "DCGM_FI_DEV_GPU_TEMP", "gpu-c40", 58, 3, {g: (lambda s, v: v if s < -1400 else 84 + c.rng.uniform(0, 4)) for g in range(8)})
    dcgm(c, "DCGM_FI_DEV_GPU_TEMP", "gpu-c41", 57, 3)
    dcgm(c, "DCGM_FI_DEV_CLOCKS_EVENT_REASONS", "gpu-c40", 0, 0, {g: (lambda s, v: 0 if s < -1300 else CLK_SW_THERMAL) for g in range(8)})
    c.health("gpu.health@gpu-c40/gpu3", temperature_c=88, sm_clock_mhz=1500, clock_event_reasons=CLK_SW_THERMAL)
    return c


@case
def case_h031():
    # Kernel boot message: the GPU's link trained at 2.5 GT/s x4; the job is slow on that rank.
    c = Case("case-h031", "pcie_link_degraded", "dgx-b20/gpu0", host("dgx-b", 20, 21), pci=PCI_BUS_B)
    c.alert("RankSlow", "rank 0 data transfer phase 6x peers", job="vision-moe", node="dgx-b20", rank="0")
    c.log("dgx-b20/rank0/stdout", interleave(c.rng, plain_steps(c, -300, 40, 12000, step_s=1.6), app_noise(c, 6)))
    c.log("dgx-b20/dmesg", [
        "%s pci 0000:19:00.0: [10de:2335] type 00 class 0x030200" % c.dmesg(4.1 - c.uptime0),
        "%s pci 0000:19:00.0: 8.000 Gb/s available PCIe bandwidth, limited by 2.5 GT/s PCIe x4 link at 0000:17:01.0 (capable of 504.112 Gb/s with 32.0 GT/s PCIe x16 link)" % c.dmesg(4.2 - c.uptime0)]
        + kernel_noise(c, "dgx-b20", 10, fmt="dmesg"))
    dcgm(c, "DCGM_FI_DEV_PCIE_LINK_GEN", "dgx-b20", 5, 0, {0: lambda s, v: 1})
    dcgm(c, "DCGM_FI_DEV_PCIE_LINK_WIDTH", "dgx-b20", 16, 0, {0: lambda s, v: 4})
    c.pcie("gpu.pcie_bandwidth@dgx-b20/gpu0", 1.8, 1.7)
    return c


@case
def case_h032():
    # Probe-decided: FSDP loss spikes that look like divergence; they only appear while one node is
    # in the job; sdc on that node fails on gpu4; health passes.
    c = Case("case-h032", "gpu_silent_data_corruption", "gpu-e22/gpu4", host("gpu-e", 21, 22))
    c.alert("LossSpike", "titan-llama-3b: loss 4.2 (trend 2.3)", job="titan-llama-3b", node="gpu-e21")
    c.log("gpu-e21/rank0/stdout", interleave(c.rng, fsdp_steps(c, -200, 40, 77000, loss_fn=lambda i: 2.3 + (1.9 if i in (12, 13, 31) else 0) + c.rng.uniform(-0.02, 0.02)), app_noise(c, 6)))
    c.log("ops/notes", ["%s spikes at steps 76412, 76680, 77012 - all runs that included gpu-e22" % c.ymd(-600),
                        "%s lr already lowered 20%%, spikes continue" % c.ymd(-500)])
    c.health("gpu.health@gpu-e22/gpu4")
    c.sdc("gpu.sdc@gpu-e22", 57, "gpu4")
    c.sdc("gpu.sdc@gpu-e21")
    return c


@case
def case_h033():
    # perfquery shows the LinkDowned and SymbolError counters of one HCA climbing; NCCL reports a
    # port error async event, then the communicator aborts.
    c = Case("case-h033", "ib_link_failure", "gpu-f11/mlx5_3", host("gpu-f", 10, 11))
    c.alert("NCCLCommAborted", "sft-34b aborted: ncclSystemError", job="sft-34b", node="gpu-f11")
    c.log("gpu-f11/rank11/stderr", app_noise(c, 6) + [
        "gpu-f11:6120:6230 [3] NCCL INFO NET/IB : Got async event : port error",
        "gpu-f11:6120:6230 [3] NCCL WARN NET/IB : mlx5_3:1 async fatal event: port error",
        "gpu-f11:6120:6231 [3] transport/net_ib.cc:1696 NCCL WARN NET/IB : Got completion from peer 10.70.10.3<52011> with status=12 opcode=1 len=0 vendor err 129 (Send) hca mlx5_3",
        "[rank11]: torch.distributed.DistBackendError: NCCL error: unhandled system error, NCCL version 2.22.3"])
    c.log("gpu-f11/perfquery", ["# Port counters: Lid 211 port 1 (mlx5_3)", "SymbolErrorCounter:..............65535",
                                "LinkErrorRecoveryCounter:........255", "LinkDownedCounter:...............17",
                                "PortRcvErrors:...................4410", "# Port counters: Lid 212 port 1 (mlx5_4)",
                                "SymbolErrorCounter:..............0", "LinkDownedCounter:...............0"] + app_noise(c, 6))
    c.log("gpu-f10/rank0/stdout", interleave(c.rng, plain_steps(c, -300, 20, 900), app_noise(c, 4)))
    c.nccl("nccl.sendrecv@gpu-f11", 6.6)
    c.nccl("nccl.allreduce@gpu-f11")
    return c


@case
def case_h034():
    # RoCE cluster: NCCL_IB_GID_INDEX unset, so NCCL picks GID 0 (link-local) and QP setup fails
    # on every rank; the fabric itself is healthy.
    c = Case("case-h034", "nccl_network_misconfig", "job", host("gpu-g", 1, 2))
    c.alert("JobInitFailure", "roce-bringup-llama: NCCL init error", job="roce-bringup-llama", node="gpu-g01")
    c.log("gpu-g01/rank0/stderr", app_noise(c, 6) + [
        "gpu-g01:3001:3001 [0] NCCL INFO NET/IB : Using [0]mlx5_0:1/RoCE [1]mlx5_1:1/RoCE ; OOB ens1f0:10.80.1.1<0>",
        "gpu-g01:3001:3101 [0] NCCL INFO NET/IB: IbDev 0 Port 1 qpn 1123 mtu 5 GID 0 (80FE/0) fifoRkey=0x1a2b fifoLkey=0x1a2b",
        "gpu-g01:3001:3101 [0] misc/ibvwrap.cc:263 NCCL WARN Call to ibv_modify_qp failed with error Connection timed out",
        "gpu-g01:3001:3101 [0] NCCL INFO transport/net_ib.cc:918 -> 2",
        "[rank0]: torch.distributed.DistBackendError: NCCL error in: ../torch/csrc/distributed/c10d/ProcessGroupNCCL.cpp:1970, unhandled system error, NCCL version 2.21.5",
        "[rank0]: ncclSystemError: System call (e.g. socket, malloc) or external library call failed or device error."])
    c.log("gpu-g01/show_gids", ["DEV\tPORT\tINDEX\tGID\t\t\t\t\tIPv4\t\tVER\tDEV", "mlx5_0\t1\t0\tfe80:0000:0000:0000:ba3f:d2ff:fe11:0a01\t\t\tv1\tens1f0",
                                "mlx5_0\t1\t1\tfe80:0000:0000:0000:ba3f:d2ff:fe11:0a01\t\t\tv2\tens1f0",
                                "mlx5_0\t1\t2\t0000:0000:0000:0000:0000:ffff:0a50:0101\t10.80.1.1\tv1\tens1f0",
                                "mlx5_0\t1\t3\t0000:0000:0000:0000:0000:ffff:0a50:0101\t10.80.1.1\tv2\tens1f0"] + app_noise(c, 6))
    c.errored("nccl.allreduce@job", "ncclCommInitRank failed: ibv_modify_qp: Connection timed out (NCCL_IB_GID_INDEX unset)", 31.0)
    c.nccl("nccl.allreduce@gpu-g01")
    return c


@case
def case_h035():
    # A process sub-group was created on only some ranks; rank 27 waits in that group's barrier
    # while the rest run ALLGATHER on the default group. The flight recorder dump names it.
    c = Case("case-h035", "nccl_collective_hang", "gpu-e33/gpu3", host("gpu-e", 30, 31, 32, 33))
    c.alert("CollectiveTimeout", "pp-eval: ALLGATHER timeout on 31 ranks", job="pp-eval", node="gpu-e30")
    c.log("gpu-e30/rank0/stderr", interleave(c.rng, plain_steps(c, -1500, 20, 300), app_noise(c, 4)) + watchdog(c, 0, -10, 312, op="ALLGATHER", timeout_ms=900000))
    c.log("gpu-e30/fr_dump", ["%s Flight recorder summary (pg default_pg, 32 ranks):" % c.ymd(-5),
                              "  ranks 0-26,28-31: seq 312 ALLGATHER state=started",
                              "  rank 27: seq 311 completed; now in pg 'eval_subgroup' (ranks [24, 27]) seq 4 BARRIER state=scheduled",
                              "  pg 'eval_subgroup' rank 24: never entered seq 4 (created on ranks 24,27 only in evaluate())"] + app_noise(c, 4))
    c.nccl("nccl.allreduce@gpu-e33")
    c.health("gpu.health@gpu-e33/gpu3")
    return c


@case
def case_h036():
    # SIGSEGV in a custom CUDA extension on rank 9 (DeepSpeed launcher format); peers then fail
    # with connection resets. Health passes.
    c = Case("case-h036", "rank_process_crash", "gpu-b22/gpu1", host("gpu-b", 21, 22))
    c.alert("TrainingJobFailed", "ds-ul2-20b failed: launcher reports exit -11", job="ds-ul2-20b", node="gpu-b22")
    c.log("gpu-b22/launcher", app_noise(c, 6) + [
        "[%s] [INFO] [launch.py:319:sigkill_handler] Killing subprocess 48812" % c.ymd_ms(-30),
        "[%s] [ERROR] [launch.py:325:sigkill_handler] ['/usr/bin/python3', '-u', 'train.py', '--local_rank=1', '--deepspeed_config=ds.json'] exits with return code = -11" % c.ymd_ms(-30)])
    c.log("gpu-b22/dmesg", kernel_noise(c, "gpu-b22", 8, fmt="dmesg") + [
        "%s python3[48812]: segfault at 0 ip 00007f3b51c2e0a4 sp 00007ffe1c9a3e80 error 6 in ul2_span_corrupt.cpython-310-x86_64-linux-gnu.so[7f3b51c00000+40000]" % c.dmesg(-31)])
    c.log("gpu-b21/rank0/stderr", interleave(c.rng, deepspeed_steps(c, -400, 16, 2300), app_noise(c, 4)) + [
        "[rank0]: RuntimeError: [../third_party/gloo/gloo/transport/tcp/pair.cc:534] Connection closed by peer [10.50.22.1]:19552"])
    c.health("gpu.health@gpu-b22/gpu1")
    return c


@case
def case_h037():
    # OOM surfaced through cuBLAS workspace allocation; FB free at ~0 on that GPU only.
    c = Case("case-h037", "cuda_oom", "gpu-a40/gpu7", host("gpu-a", 40))
    c.alert("TrainingJobFailed", "codegen-16b-lora: cuBLAS error on rank 7", job="codegen-16b-lora", node="gpu-a40")
    c.log("gpu-a40/rank7/stderr", app_noise(c, 8) + [
        "[rank7]: RuntimeError: CUDA error: CUBLAS_STATUS_ALLOC_FAILED when calling `cublasCreate(handle)`",
        "%s [rank7] memory: allocated 77.9 GiB, reserved 78.6 GiB, max_allocated 78.4 GiB (device 79.1 GiB)" % c.ymd(-40)])
    c.log("gpu-a40/rank0/stdout", interleave(c.rng, plain_steps(c, -300, 30, 8800), app_noise(c, 4)))
    dcgm(c, "DCGM_FI_DEV_FB_FREE", "gpu-a40", 14000, 2000, {7: lambda s, v: 310})
    return c


@case
def case_h038():
    # Host OOM killer; misleading IB status=12 errors on the peer node.
    c = Case("case-h038", "host_oom", "gpu-d30", host("gpu-d", 29, 30))
    c.alert("NCCLRemoteError", "ft-vlm: remote process exited", job="ft-vlm", node="gpu-d29")
    c.log("gpu-d29/rank3/stderr", app_noise(c, 4) + [
        "gpu-d29:6610:6790 [3] transport/net_ib.cc:1696 NCCL WARN NET/IB : Got completion from peer 10.90.30.3<40112> with status=12 opcode=0 len=0 vendor err 129 (Recv) hca mlx5_3"])
    c.log("gpu-d30/kern.log", kernel_noise(c, "gpu-d30", 8) + [
        "%s gpu-d30 kernel: pt_main_thread invoked oom-killer: gfp_mask=0x100cca(GFP_HIGHUSER_MOVABLE), order=0, oom_score_adj=0" % c.syslog(-70),
        "%s gpu-d30 kernel: Out of memory: Killed process 71230 (pt_main_thread) total-vm:1021233456kB, anon-rss:201002344kB, file-rss:0kB, shmem-rss:41200kB, UID:0 pgtables:401230kB oom_score_adj:0" % c.syslog(-70)])
    c.log("gpu-d30/torchrun", elastic_failure(c, -64, "gpu-d30", 11, 3, -9, sig="SIGKILL"))
    c.node_metric("node_memory_MemAvailable_bytes", {"instance": "gpu-d30"}, lambda s: max(0.3e9, 9e11 - (s + 1200) * 8e8) if s < -70 else 8.1e11, 0)
    c.nccl("nccl.sendrecv@gpu-d29")
    return c


@case
def case_h039():
    # Probe-decided: the team suspected gpu-c61 (new node). sdc and health pass there; the loss
    # blew up on all replicas right after a data-mixture switch with a higher peak LR.
    c = Case("case-h039", "loss_divergence", "job", host("gpu-c", 60, 61))
    c.alert("LossSpike", "nemo-mistral-7b-cpt: reduced_train_loss 6.9", job="nemo-mistral-7b-cpt", node="gpu-c60")
    c.log("gpu-c60/nemo.log", ["[NeMo I nemo_logging:381] data mixture v7 active from step 48000 (code 40% -> 65%), lr peak 3e-4 -> 6e-4"] +
          interleave(c.rng, nemo_progress(c, -150, 36, 48010, loss_fn=lambda i: 1.8 if i < 18 else 1.8 + 0.3 * (i - 18)), pool_noise(c, NOISE_NEMO, 6)))
    c.sdc("gpu.sdc@gpu-c61")
    c.health("gpu.health@gpu-c61/gpu0")
    c.health("gpu.health@gpu-c61/gpu5")
    return c


@case
def case_h040():
    # Shared /home quota exhausted by checkpoints: every rank-0 save fails.
    c = Case("case-h040", "storage_failure", "job", host("gpu-d", 40, 41))
    c.alert("CheckpointFailed", "llm-ablation-12: save failed", job="llm-ablation-12", node="gpu-d40")
    c.log("gpu-d40/rank0/stderr", interleave(c.rng, plain_steps(c, -300, 30, 19970), app_noise(c, 4)) + [
        "%s | INFO | ckpt | saving step 20000 to /home/team-llm/ckpt/ablation-12/step_20000" % c.ymd(-10),
        "OSError: [Errno 122] Disk quota exceeded: '/home/team-llm/ckpt/ablation-12/step_20000/model_00003-of-00008.safetensors'"])
    c.log("storage/quota-report", ["Disk quotas for group team-llm (gid 4410):", "     Filesystem  blocks   quota   limit   grace   files",
                                   "  nfs01:/home   20.0T*  20.0T   20.0T  none    88120"])
    return c


@case
def case_h041():
    # Probe-decided straggler: someone pinned application clocks on one GPU (nvidia-smi -ac);
    # no thermal or power reason, only the applications-clocks bit.
    c = Case("case-h041", "straggler_rank", "gpu-c51/gpu5", host("gpu-c", 50, 51))
    c.alert("RankSlow", "rank 13 compute 35% slower", job="titan-8b", node="gpu-c51", rank="13")
    c.log("gpu-c50/rank0/stdout", interleave(c.rng, fsdp_steps(c, -300, 40, 2000, step_s=2.4), app_noise(c, 6)))
    dcgm(c, "DCGM_FI_DEV_GPU_TEMP", "gpu-c51", 55, 4)
    dcgm(c, "DCGM_FI_DEV_POWER_USAGE", "gpu-c51", 600, 40, {5: lambda s, v: 430})
    c.health("gpu.health@gpu-c51/gpu5", sm_clock_mhz=1275, clock_event_reasons=0x2, power_w=432)
    c.gemm("gpu.gemm@gpu-c51/gpu5", 489.0)
    c.pcie("gpu.pcie_bandwidth@gpu-c51/gpu5")
    return c


@case
def case_h042():
    # Probe-decided: webdataset decode on CPU starves the GPUs after a move to higher-resolution
    # shards; compute, links and network all test fine.
    c = Case("case-h042", "dataloader_stall", "job", host("gpu-f", 30, 31))
    c.alert("MFURegression", "dit-xl: MFU 19% (last week 44%)", job="dit-xl", node="gpu-f30")
    c.log("gpu-f30/rank0/stdout", ["INFO: webdataset shards s3-cache/laion-hr-{000000..099999}.tar (1024px, decode=pil)",
                                   "INFO: DataLoader num_workers=6 per rank"] +
          interleave(c.rng, fsdp_steps(c, -300, 35, 140000, step_s=4.3, mfu=19.0), app_noise(c, 6)))
    c.node_metric("node_cpu_busy_fraction", {"instance": "gpu-f30"}, lambda s: 0.98)
    dcgm(c, "DCGM_FI_DEV_GPU_UTIL", "gpu-f30", 38, 14)
    c.gemm("gpu.gemm@gpu-f30/gpu0")
    c.health("gpu.health@gpu-f30/gpu0")
    c.nccl("nccl.allreduce@job")
    c.pcie("gpu.pcie_bandwidth@gpu-f30/gpu0")
    return c
