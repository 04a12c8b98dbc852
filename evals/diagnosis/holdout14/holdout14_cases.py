#!/usr/bin/env python3
"""holdout14: diagnosis cases written after reasoner freeze 13 (stdlib only, deterministic).

Every case is a hand-written function below; casekit (one folder up) only supplies timestamps,
background training lines, noise, metric series and probe bookkeeping.
Usage: holdout14_cases.py [--out DIR]   (default: the folder of this script)
"""

import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import casekit as ck  # noqa: E402

A100 = "NVIDIA A100-SXM4-80GB"
H100 = "NVIDIA H100 80GB HBM3"
H200 = "NVIDIA H200"


# ---------------------------------------------------------------- small helpers (no answers)
def dcgm(c, host, util=None, temp=None, power=None, clock=None, gone_after=None):
    """Utilisation, temperature, power and SM clock of every GPU of `host`. Each override maps a
    GPU index to fn(s, normal) -> value; `gone_after` maps a GPU index to the offset after which
    its series stop (a lost GPU)."""
    gone_after = gone_after or {}
    tdp = c.spec["tdp"]

    def cut(over, base_fn=None):
        out = dict(over or {})
        for g, t in gone_after.items():
            inner = out.get(g)
            out[g] = (lambda s, n, inner=inner, t=t: None if s > t else (inner(s, n) if inner else n))
        return out

    c.gpu_metric("DCGM_FI_DEV_GPU_UTIL", host, 97, 2.5, over=cut(util), decimals=0)
    c.gpu_metric("DCGM_FI_DEV_GPU_TEMP", host, 62, 4, over=cut(temp), decimals=0)
    c.gpu_metric("DCGM_FI_DEV_POWER_USAGE", host, 0.82 * tdp, 0.06 * tdp, over=cut(power))
    c.gpu_metric("DCGM_FI_DEV_SM_CLOCK", host, c.spec["clock"] - 15, 25, over=cut(clock), decimals=0)


def health_all(c, host, bad=None, skip=(), gpus=None):
    """gpu.health on every GPU of `host`; `bad` maps index -> overrides."""
    bad = bad or {}
    for g in range(gpus or c.gpus):
        if g in skip:
            continue
        c.health_rates("gpu.health@%s/gpu%d" % (host, g), **bad.get(g, {}))


def gemm_all(c, host, bad=None, gpus=None):
    bad = bad or {}
    for g in range(gpus or c.gpus):
        c.gemm("gpu.gemm@%s/gpu%d" % (host, g), tflops=bad.get(g))


def step_metric(c, job, fn):
    c.node_metric("training_step_time_seconds", {"job": job}, fn, decimals=3)


def rank_prefix(host, rank):
    return "%s/rank%d/stderr" % (host, rank)


# ---------------------------------------------------------------- cases
def k001():
    """Xid 79 on one H100 behind watchdog timeouts on every rank (Slurm, Megatron)."""
    hosts = ["sc-h100-%03d" % i for i in (41, 42, 43, 44)]
    c = ck.Case("case-k001", "gpu_fallen_off_bus", "sc-h100-043/gpu5", hosts, gpu=H100)
    bad = "sc-h100-043"
    c.alert("SlurmJobFailed", "job 881203 (gpt-13b-pretrain) exited with NCCL watchdog timeout on 32 ranks",
            job="gpt-13b-pretrain", node="sc-h100-041", cluster="sc-east")
    r0 = ck.megatron_iters(c, -820, 40, 20110, step_s=5.6)
    r0 += ck.watchdog(c, 0, 10, 188321, numel=140509184)
    c.log("sc-h100-041/rank0/stderr", ck.insert_at(r0, 0.3, ck.app_noise(c, 4)))
    c.log("sc-h100-042/rank13/stderr", ck.watchdog(c, 13, 11, 188321, numel=140509184) +
          ["[rank13]: RuntimeError: NCCL communicator was aborted on rank 13."])
    dm = ck.kernel_noise(c, bad, 6, fmt="dmesg")
    dm += [
        "%s NVRM: GPU at PCI:0000:9a:00: GPU-7c1f2a90-3d1e-11ee-bd2a-0242ac120002" % c.dmesg(-590),
        "%s NVRM: GPU Board Serial Number: 1652223019847" % c.dmesg(-590),
        "%s NVRM: Xid (PCI:0000:9a:00): 79, pid=2818842, name=pt_main_thread, GPU has fallen off the bus." % c.dmesg(-590),
        "%s NVRM: GPU 0000:9a:00.0: GPU has fallen off the bus." % c.dmesg(-589.9),
        "%s NVRM: A GPU crash dump has been created. If possible, please run" % c.dmesg(-589),
        "%s NVRM: nvidia-bug-report.sh as root to collect this data before" % c.dmesg(-589),
        "%s NVRM: the NVIDIA kernel module is unloaded." % c.dmesg(-589),
        "%s pcieport 0000:97:01.0: pciehp: Slot(26): Link Down" % c.dmesg(-588),
    ]
    c.log(bad + "/dmesg", dm)
    dcgm(c, bad, gone_after={5: -600})
    c.inventory("gpu.inventory@%s/gpu5" % bad, count=7)
    c.errored("gpu.health@%s/gpu5" % bad, "nvmlDeviceGetHandleByIndex(5): GPU is lost (NVML_ERROR_GPU_IS_LOST)", 0.6)
    health_all(c, bad, skip=(5,))
    return c


def k002():
    """GPU lost with no Xid line collected: only NVML errors from the exporter and a CUDA init
    failure on restart; the inventory probe decides (Kubernetes, FSDP, H200)."""
    hosts = ["gke-a3u-pool2-%s" % x for x in ("7q4m", "8zt2")]
    c = ck.Case("case-k002", "gpu_fallen_off_bus", "gke-a3u-pool2-8zt2/gpu3", hosts, gpu=H200,
                pci=ck.PCI_BUS_B)
    bad = hosts[1]
    c.alert("KubePodCrashLooping", "pod llama-ft-worker-1 restarting (CrashLoopBackOff)",
            namespace="research", pod="llama-ft-worker-1", node=bad)
    lines = ck.fsdp_steps(c, -474, 30, 4400, rank=8)
    lines += [
        "[rank11]:[W%s ProcessGroupNCCL.cpp:1168] [PG 0 Rank 11] Watchdog caught collective operation timeout" % c.glog(-90)[1:],
        "[rank11]: RuntimeError: CUDA error: unspecified launch failure",
        "[rank11]: CUDA kernel errors might be asynchronously reported at some other API call, so the stacktrace below might be incorrect.",
        "--- restart 1 ---",
        "[rank11]: RuntimeError: CUDA error: no CUDA-capable device is detected",
        "[rank11]: Device 3 is not accessible (cudaGetDeviceCount returned 7 with CUDA_VISIBLE_DEVICES unset)",
    ]
    c.log(bad + "/pod/llama-ft-worker-1", ck.insert_at(lines, 0.5, ck.app_noise(c, 3)))
    ex = ['time="%s" level=info msg="Collecting DCP metrics"' % c.iso(-900 + 60 * i) for i in range(4)]
    ex += ['time="%s" level=error msg="Failed to get device info for GPU 3: Unable to determine the device handle for GPU 0000:5d:00.0: Unknown Error"' % c.iso(-400 + 30 * i) for i in range(6)]
    ex += ['time="%s" level=warning msg="Skipping GPU-3 metrics: nvml: GPU is lost"' % c.iso(-200)]
    c.log(bad + "/pod/dcgm-exporter-x8k2p", ex)
    c.log("scheduler/events", [
        "%s Warning BackOff pod/llama-ft-worker-1 Back-off restarting failed container" % c.iso(-60),
        "%s Normal Pulled pod/llama-ft-worker-1 Container image already present on machine" % c.iso(-120),
        "%s Warning FailedScheduling pod/llama-ft-worker-1 0/2 nodes are available: 1 Insufficient nvidia.com/gpu." % c.iso(-30),
    ])
    dcgm(c, bad, gone_after={3: -420})
    dcgm(c, hosts[0])
    c.inventory("gpu.inventory@%s/gpu3" % bad, count=7)
    for g in (0, 1, 2, 4):
        c.inventory("gpu.inventory@%s/gpu%d" % (bad, g), count=7, expected=8)
        c.probes["gpu.inventory@%s/gpu%d" % (bad, g)]["status"] = "pass"
        c.probes["gpu.inventory@%s/gpu%d" % (bad, g)]["reason"] = "gpu%d enumerated; node shows 7 of 8 GPUs" % g
    c.errored("gpu.health@%s/gpu3" % bad, "NVML: Unable to determine the device handle: Unknown Error", 1.1)
    health_all(c, bad, skip=(3,))
    health_all(c, hosts[0])
    return c


def k003():
    """Xid 48 double-bit ECC on an A100, the rank dies, peers time out (DeepSpeed, Slurm)."""
    hosts = ["hgxa100-%02d" % i for i in (17, 18)]
    c = ck.Case("case-k003", "gpu_memory_uncorrectable_ecc", "hgxa100-18/gpu6", hosts, gpu=A100)
    bad = hosts[1]
    c.alert("TrainingJobDown", "bloom-7b-sft stopped logging for 10 minutes", job="bloom-7b-sft", node=hosts[0])
    r = ck.deepspeed_steps(c, -700, 24, 9120, rank=0)
    r += ck.watchdog(c, 0, -40, 51877, numel=25165824, timeout_ms=600000)
    c.log(hosts[0] + "/rank0/stderr", ck.insert_at(r, 0.4, ck.app_noise(c, 3)))
    c.log(bad + "/rank14/stderr", [
        "[%s] [INFO] [logging.py:96:log_dist] [Rank 14] step=9133, skipped=0" % c.ymd_ms(-660),
        "Traceback (most recent call last):",
        '  File "/workspace/train.py", line 311, in <module>',
        "    engine.backward(loss)",
        "RuntimeError: CUDA error: uncorrectable ECC error encountered",
        "Compile with `TORCH_USE_CUDA_DSA` to enable device-side assertions.",
    ])
    c.log(bad + "/journal", ck.kernel_noise(c, bad, 5) + [
        "%s %s kernel: NVRM: Xid (PCI:0000:ba:00): 48, pid=3310021, name=python3, An uncorrectable double bit error (DBE) has been detected on GPU in the framebuffer at partition 3, subpartition 1." % (c.syslog(-652), bad),
        "%s %s kernel: NVRM: Xid (PCI:0000:ba:00): 63, pid=3310021, name=python3, Dynamic Page Retirement: New page retired, reboot to activate (0x000000000007f2a1)." % (c.syslog(-651), bad),
    ])
    c.gpu_metric("DCGM_FI_DEV_ECC_DBE_VOL_TOTAL", bad, 0, 0, decimals=0,
                 over={6: lambda s, n: 0 if s < -660 else 2})
    dcgm(c, bad, util={6: lambda s, n: n if s < -650 else 0})
    c.health_rates("gpu.health@%s/gpu6" % bad, ecc_dbe_volatile=2, ecc_dbe_aggregate=2, retired_pages=1, xid_last=48)
    health_all(c, bad, skip=(6,))
    return c


def k004():
    """Xid 94 contained ECC on H200: the app dies with an illegal-address-looking error; the DBE
    counter and gpu.health point at HBM (Kubernetes, TorchTitan)."""
    hosts = ["dgx-h200-b%02d" % i for i in (3, 4, 5, 6)]
    c = ck.Case("case-k004", "gpu_memory_uncorrectable_ecc", "dgx-h200-b05/gpu1", hosts, gpu=H200)
    bad = hosts[2]
    c.alert("PyTorchJobFailed", "PyTorchJob titan-70b failed: worker-2 exit code 1", job="titan-70b", node=bad)
    r = ck.fsdp_steps(c, -250, 22, 18300, rank=17)
    r += [
        "[rank17]: Traceback (most recent call last):",
        '[rank17]:   File "/opt/torchtitan/train.py", line 402, in train_step',
        "[rank17]:     loss.backward()",
        "[rank17]: RuntimeError: CUDA error: an illegal memory access was encountered",
        "[rank17]: CUDA kernel errors might be asynchronously reported at some other API call, so the stacktrace below might be incorrect.",
        "[rank17]: For debugging consider passing CUDA_LAUNCH_BLOCKING=1",
    ]
    c.log(bad + "/pod/titan-70b-worker-2", r)
    c.log(bad + "/dmesg", ck.kernel_noise(c, bad, 5, fmt="dmesg") + [
        "%s NVRM: Xid (PCI:0000:2a:00): 94, pid=77120, name=python, Contained: SM (0x1). RST: No, D-RST: No" % c.dmesg(-210),
        "%s NVRM: Xid (PCI:0000:2a:00): 94, pid=77120, name=python, Ch 00000008, errorString CTX SWITCH TIMEOUT, Info 0x2c021" % c.dmesg(-209.8),
    ])
    c.log(hosts[0] + "/pod/titan-70b-worker-0", ck.watchdog(c, 0, -105, 90211, op="_REDUCE_SCATTER_BASE", numel=262144000, timeout_ms=100000))
    c.gpu_metric("DCGM_FI_DEV_ECC_DBE_VOL_TOTAL", bad, 0, 0, decimals=0, over={1: lambda s, n: 0 if s < -210 else 1})
    dcgm(c, bad, util={1: lambda s, n: n if s < -210 else 0})
    c.health_rates("gpu.health@%s/gpu1" % bad, ecc_dbe_volatile=1, ecc_dbe_aggregate=1, remapped_rows_uncorrectable=1, xid_last=94)
    health_all(c, bad, skip=(1,))
    return c


def k005():
    """Xid 64: row remapping failed; the job keeps crashing on the same GPU after requeue."""
    hosts = ["gpu-r07-n%d" % i for i in (1, 2, 3, 4)]
    c = ck.Case("case-k005", "gpu_row_remap_failure", "gpu-r07-n2/gpu0", hosts, gpu=H100, pci=ck.PCI_BUS_B)
    bad = hosts[1]
    c.alert("SlurmNodeDrained", "gpu-r07-n2 drained by healthcheck: GPU0 row remapping failure",
            node=bad, reason="dcgm_health")
    c.log("scheduler/slurmctld", [
        "[%s] _job_complete: JobId=55120 WEXITSTATUS 1" % c.iso(-1100)[:-1],
        "[%s] Requeuing JobId=55120" % c.iso(-1090)[:-1],
        "[%s] sched: Allocate JobId=55120 NodeList=gpu-r07-n[1-4] #CPUs=448" % c.iso(-1000)[:-1],
        "[%s] _job_complete: JobId=55120 WEXITSTATUS 1" % c.iso(-420)[:-1],
        "[%s] update_node: node gpu-r07-n2 reason set to: dcgm: GPU0 row remap failure" % c.iso(-5)[:-1],
        "[%s] update_node: node gpu-r07-n2 state set to DRAINED" % c.iso(-4)[:-1],
    ])
    c.log(bad + "/journal", ck.kernel_noise(c, bad, 6) + [
        "%s %s kernel: NVRM: Xid (PCI:0000:19:00): 63, pid=19211, name=python, Row Remapper: New row (0x0000000087fe) marked for remapping, reset gpu to activate." % (c.syslog(-1130), bad),
        "%s %s kernel: NVRM: Xid (PCI:0000:19:00): 64, pid=19211, name=python, Row Remapper Error: (0x0000000087fe) - All reserved rows for bank are remapped" % (c.syslog(-1120), bad),
        "%s %s kernel: NVRM: Xid (PCI:0000:19:00): 48, pid=44810, name=python, An uncorrectable double bit error (DBE) has been detected on GPU in the framebuffer at partition 5, subpartition 0." % (c.syslog(-440), bad),
        "%s %s nv-hostengine[2011]: DCGM health watch: GPU 0 row remap failure detected, GPU should be serviced" % (c.syslog(-10), bad),
    ])
    c.log(bad + "/rank8/stderr", [
        "%s megatron: rank 8 resuming from checkpoint iter_0031000" % c.ymd(-990),
        "RuntimeError: CUDA error: uncorrectable ECC error encountered",
    ] + ck.app_noise(c, 18))
    c.gpu_metric("DCGM_FI_DEV_ROW_REMAP_FAILURE", bad, 0, 0, decimals=0, over={0: lambda s, n: 0 if s < -1120 else 1})
    dcgm(c, bad, util={0: lambda s, n: 0 if s > -430 else n})
    c.health_rates("gpu.health@%s/gpu0" % bad, remap_failure=1, remapped_rows_uncorrectable=8, ecc_dbe_aggregate=3, xid_last=64)
    health_all(c, bad, skip=(0,))
    return c


def k006():
    """Remap pending after a burst of correctable errors: the GPU runs but the node health check
    flags it; gpu.health settles pending-remap vs plain ECC (A100, Kubernetes)."""
    hosts = ["a100-node-%02d" % i for i in (8, 9)]
    c = ck.Case("case-k006", "gpu_row_remap_failure", "a100-node-09/gpu4", hosts, gpu=A100)
    bad = hosts[1]
    c.alert("GPUHealthDegraded", "node-problem-detector: GPUUnhealthy on a100-node-09", node=bad, condition="GPUProblem")
    c.log(bad + "/node-problem-detector", [
        'I%s 1 log_monitor.go:160] New status generated: &{Source:gpu-monitor Events:[{Severity:warn Reason:GPUUnhealthy Message:"GPU 4 (0000:9a:00.0) reports pending row remap; reset required"}]}' % c.glog(-20)[1:],
        'I%s 1 log_monitor.go:160] New status generated: &{Source:kernel-monitor Events:[]}' % c.glog(-600)[1:],
    ] + ["I%s 1 plugin.go:283] gpu-monitor: %d GPUs ok" % (c.glog(-1200 + 120 * i)[1:], 8) for i in range(9)])
    r = ck.deepspeed_steps(c, -800, 26, 2110, rank=12)
    c.log(bad + "/pod/ds-llm-worker-1", ck.insert_at(r, 0.6, ["[W CUDAGuardImpl.h:118] Warning: CUDA warning: ECC error was corrected (function destroyEvent)"]))
    c.gpu_metric("DCGM_FI_DEV_ECC_SBE_VOL_TOTAL", bad, 0, 0, decimals=0, over={4: lambda s, n: max(0, int((s + 700) / 30) * 3) if s > -700 else 0})
    c.gpu_metric("DCGM_FI_DEV_ROW_REMAP_PENDING", bad, 0, 0, decimals=0, over={4: lambda s, n: 1 if s > -60 else 0})
    dcgm(c, bad)
    c.health_rates("gpu.health@%s/gpu4" % bad, ecc_sbe_volatile=117, remap_pending=1, remapped_rows_correctable=1, xid_last=63)
    health_all(c, bad, skip=(4,))
    gemm_all(c, bad)
    return c


def k007():
    """Xid 119 GSP RPC timeout on an H100: nvidia-smi hangs, ranks time out (Slurm, Megatron)."""
    hosts = ["cw-h100-%04d" % i for i in (311, 312, 313, 314)]
    c = ck.Case("case-k007", "gpu_firmware_error", "cw-h100-0313/gpu2", hosts, gpu=H100)
    bad = hosts[2]
    c.alert("NCCLWatchdogTimeout", "rank watchdog timeouts on 31 of 32 ranks, job mixtral-pt", job="mixtral-pt", node=hosts[0])
    c.log(hosts[0] + "/rank0/stderr", ck.megatron_iters(c, -856, 30, 6100, step_s=8.2) + ck.watchdog(c, 0, -8, 31190, op="ALLGATHER", numel=33554432))
    c.log(hosts[3] + "/rank27/stderr", ck.watchdog(c, 27, -7, 31190, op="ALLGATHER", numel=33554432))
    c.log(bad + "/journal", ck.kernel_noise(c, bad, 4) + [
        "%s %s kernel: NVRM: Xid (PCI:0000:3a:00): 119, pid=991204, name=python3, Timeout after 6s of waiting for RPC response from GPU2 GSP! Expected function 76 (GSP_RM_CONTROL) (0x20800a4c 0x4)." % (c.syslog(-610), bad),
        "%s %s kernel: NVRM: GPU2 GSP RPC buffer contains function 76 (GSP_RM_CONTROL) and data 0x0000000020800a4c 0x0000000000000004." % (c.syslog(-580), bad),
        "%s %s kernel: NVRM: GPU2 RPC history (CPU -> GSP):" % (c.syslog(-580), bad),
        "%s %s kernel: NVRM: Xid (PCI:0000:3a:00): 119, pid=2210, name=nv-hostengine, Timeout after 45s of waiting for RPC response from GPU2 GSP! Expected function 10 (FREE) (0xa55a0040 0x0)." % (c.syslog(-530), bad),
        "%s %s kernel: INFO: task nvidia-smi:1022131 blocked for more than 122 seconds." % (c.syslog(-400), bad),
        "%s %s kernel:       Tainted: P           OE      6.5.0-1019-nvidia #19" % (c.syslog(-400), bad),
    ])
    dcgm(c, bad, gone_after={2: -560})
    c.errored("gpu.health@%s/gpu2" % bad, "probe timed out after 60 s (nvmlDeviceGetClockInfo did not return)", 60.0)
    health_all(c, bad, skip=(2,))
    return c


def k008():
    """Xid 62 micro-controller halt on an A100, reported as a CUDA launch failure (DeepSpeed)."""
    hosts = ["lambda-a100-%02d" % i for i in (3, 7)]
    c = ck.Case("case-k008", "gpu_firmware_error", "lambda-a100-07/gpu7", hosts, gpu=A100)
    bad = hosts[1]
    c.alert("JobFailed", "deepspeed job rlhf-ppo exited 1", job="rlhf-ppo", node=bad)
    c.log(bad + "/rank15/stderr", ck.deepspeed_steps(c, -345, 14, 700, rank=15) + [
        "RuntimeError: CUDA error: unspecified launch failure",
        "CUDA kernel errors might be asynchronously reported at some other API call, so the stacktrace below might be incorrect.",
        "[%s] [INFO] [launch.py:316:sigkill_handler] Killing subprocess 201177" % c.ymd_ms(-300),
        "[%s] [ERROR] [launch.py:322:sigkill_handler] ['/usr/bin/python', '-u', 'ppo.py', '--local_rank=7'] exits with return code = 1" % c.ymd_ms(-299),
    ])
    c.log(bad + "/dmesg", ck.kernel_noise(c, bad, 5, fmt="dmesg") + [
        "%s NVRM: Xid (PCI:0000:db:00): 62, pid=201177, name=python, 0000(0000) 00000000 00000000" % c.dmesg(-312),
        "%s NVRM: Xid (PCI:0000:db:00): 45, pid=201177, name=python, Ch 00000010" % c.dmesg(-311),
    ])
    c.log(hosts[0] + "/rank3/stderr", [
        "%s NCCL WARN NET/IB : Got completion from peer 10.12.4.7<52311> with status=12 opcode=1 len=0 vendor err 129 (Recv) localGid ::ffff:10.12.4.3 remoteGids::ffff:10.12.4.7" % "lambda-a100-03:1207:1311 [3]",
        "lambda-a100-03:1207:1311 [3] NCCL INFO transport/net.cc:1136 -> 6",
    ] + ck.app_noise(c, 6))
    dcgm(c, bad, util={7: lambda s, n: n if s < -310 else 0})
    c.health_rates("gpu.health@%s/gpu7" % bad, xid_last=62)
    health_all(c, bad, skip=(7,))
    return c


def k009():
    """Xid 74 NVLink fatal error with links down on one H100 (Slurm, Megatron)."""
    hosts = ["hpc-g%03d" % i for i in (120, 121)]
    c = ck.Case("case-k009", "nvlink_error", "hpc-g121/gpu3", hosts, gpu=H100)
    bad = hosts[1]
    c.alert("NCCLError", "ncclUnhandledCudaError on 8 ranks of llama3-8b-cpt", job="llama3-8b-cpt", node=bad)
    c.log(bad + "/rank11/stderr", ck.megatron_iters(c, -322, 20, 300, step_s=3.1) + [
        "hpc-g121:88812:89011 [3] NCCL WARN Cuda failure 'an illegal memory access was encountered'",
        "hpc-g121:88812:89011 [3] NCCL INFO transport/p2p.cc:275 -> 1",
        "torch.distributed.DistBackendError: NCCL error in: ../torch/csrc/distributed/c10d/ProcessGroupNCCL.cpp:1970, unhandled cuda error (run with NCCL_DEBUG=INFO for details), NCCL version 2.20.5",
    ])
    c.log(bad + "/journal", ck.kernel_noise(c, bad, 5) + [
        "%s %s kernel: NVRM: Xid (PCI:0000:5d:00): 74, pid=88812, name=python, NVLink: fatal error detected on link 7(0x10000, 0x0, 0x0, 0x0, 0x0, 0x0, 0x0)" % (c.syslog(-260), bad),
        "%s %s kernel: NVRM: Xid (PCI:0000:5d:00): 74, pid=88812, name=python, NVLink: fatal error detected on link 8(0x10000, 0x0, 0x0, 0x0, 0x0, 0x0, 0x0)" % (c.syslog(-260), bad),
        "%s %s nvidia-fabricmanager[3111]: detected NVSwitch non-fatal error 12028 on NVSwitch pci bus id 0000:05:00.0 physical id 3 port 41" % (c.syslog(-259), bad),
    ])
    c.gpu_metric("DCGM_FI_DEV_NVLINK_CRC_FLIT_ERROR_COUNT_TOTAL", bad, 100, 8, counter=True, decimals=0,
                 over={3: lambda s, n: n + (0 if s < -300 else 4000 + 300 * (s + 300))})
    dcgm(c, bad)
    c.health_rates("gpu.health@%s/gpu3" % bad, nvlink_links_up=16, nvlink_recovery_errors=14, nvlink_recovery_errors_per_s=2.0, xid_last=74)
    health_all(c, bad, skip=(3,))
    return c


def k010():
    """No Xid: the job is 35 % slower; intra-node all-reduce on one node is low; gpu.health shows
    one GPU's NVLink replay rate far above its peers (probe decides)."""
    hosts = ["dgx-h200-c%02d" % i for i in (1, 2, 3, 4)]
    c = ck.Case("case-k010", "nvlink_error", "dgx-h200-c03/gpu6", hosts, gpu=H200)
    bad = hosts[2]
    c.alert("TrainingThroughputDrop", "tokens/s of job nemo-405b down 35% for 15m", job="nemo-405b", node=hosts[0])
    slow = lambda i: 6.1 * (1.0 if i < 12 else 1.36) * c.rng.uniform(0.99, 1.01)
    c.log(hosts[0] + "/rank0/stderr", ck.insert_at(ck.megatron_iters(c, -1150, 30, 77120, step_s=6.1, step_fn=slow), 0.5, ck.app_noise(c, 4)))
    step_metric(c, "nemo-405b", lambda s: 6.1 if s < -780 else 8.3 + c.rng.uniform(-0.1, 0.1))
    for h in (hosts[0], bad):
        dcgm(c, h, util={g: (lambda s, n: n if s < -780 else n - 18) for g in range(8)})
    for h in hosts:
        c.nccl("nccl.allreduce@%s" % h, busbw=(205.0 if h == bad else None))
    c.nccl("nccl.p2p_matrix@%s" % bad, busbw=61.0, details={"slowest_pair": "gpu6<->gpu2"})
    health_all(c, bad, bad={6: dict(nvlink_replay_errors=880231, nvlink_replay_errors_per_s=3410.0, nvlink_crc_errors_per_s=5120.0, nvlink_crc_errors=1990321)})
    gemm_all(c, bad)
    return c


def k011():
    """One GPU in HW thermal slowdown makes the whole job look like a straggler (Megatron, H100)."""
    hosts = ["node%02d" % i for i in range(21, 25)]
    c = ck.Case("case-k011", "gpu_thermal_throttle", "node23/gpu4", hosts, gpu=H100)
    bad = hosts[2]
    c.alert("StepTimeRegression", "step time of gpt-30b up 28% (straggler suspected)", job="gpt-30b", node=bad)
    slow = lambda i: 4.4 * (1.0 if i < 15 else 1.28) * c.rng.uniform(0.99, 1.01)
    c.log(hosts[0] + "/rank0/stderr", ck.megatron_iters(c, -1100, 34, 1200, step_s=4.4, step_fn=slow))
    c.log(bad + "/journal", ck.kernel_noise(c, bad, 8))
    dcgm(c, bad, temp={4: lambda s, n: n if s < -700 else 90 + c.rng.uniform(0, 3)},
         clock={4: lambda s, n: n if s < -700 else 1305 + c.rng.uniform(-40, 40)})
    c.gpu_metric("DCGM_FI_DEV_CLOCK_THROTTLE_REASONS", bad, 0, 0, decimals=0, over={4: lambda s, n: 0 if s < -700 else 0x40})
    c.health_rates("gpu.health@%s/gpu4" % bad, temperature_c=92, hbm_temperature_c=88, sm_clock_mhz=1290, clock_event_reasons=0x40 | 0x8)
    health_all(c, bad, skip=(4,))
    gemm_all(c, bad, bad={4: 455.0})
    return c


def k012():
    """Failed fan on a node: all 8 GPUs of one node in SW thermal slowdown (node is the component)."""
    hosts = ["sjc-gpu-%03d" % i for i in (7, 8, 9)]
    c = ck.Case("case-k012", "gpu_thermal_throttle", "sjc-gpu-008", hosts, gpu=H200, pci=ck.PCI_BUS_B)
    bad = hosts[1]
    c.alert("GPUTemperatureHigh", "DCGM_FI_DEV_GPU_TEMP > 85 on 8 GPUs of sjc-gpu-008", node=bad, severity="warning")
    c.log(bad + "/ipmi-sel", [
        "%s | Fan FAN3 | Lower Critical going low  | Asserted | Reading 0 RPM < Threshold 1200 RPM" % c.ymd(-900),
        "%s | Fan FAN4 | Lower Critical going low  | Asserted | Reading 600 RPM < Threshold 1200 RPM" % c.ymd(-860),
        "%s | Temperature GPU_Tray_Inlet | Upper Non-critical going high | Asserted | Reading 41 > 38 degrees C" % c.ymd(-700),
    ] + ["%s | System Event | OEM record | Asserted" % c.ymd(-1300 + 30 * i) for i in range(2)])
    c.log(hosts[0] + "/rank0/stderr", ck.fsdp_steps(c, -1000, 40, 2900, step_s=2.2,
                                                    step_fn=lambda i: 2.2 * (1 if i < 14 else 1.22) * c.rng.uniform(0.99, 1.01)))
    hot = {g: (lambda s, n: n if s < -750 else 86 + c.rng.uniform(0, 4)) for g in range(8)}
    clk = {g: (lambda s, n: n if s < -750 else 1560 + c.rng.uniform(-60, 60)) for g in range(8)}
    dcgm(c, bad, temp=hot, clock=clk)
    dcgm(c, hosts[0])
    over = {g: dict(temperature_c=87 + g % 3, sm_clock_mhz=1545 + 5 * g, clock_event_reasons=0x20) for g in range(8)}
    health_all(c, bad, bad=over)
    health_all(c, hosts[0])
    return c


def k013():
    """PSU failure: HW power brake on every GPU of one node; peers fine (Slurm, DeepSpeed)."""
    hosts = ["gpu-%d" % i for i in (101, 102, 103, 104)]
    c = ck.Case("case-k013", "gpu_power_throttle", "gpu-104", hosts, gpu=H100)
    bad = hosts[3]
    c.alert("JobSlow", "samples/s of ds-13b down 40%", job="ds-13b", node=hosts[0])
    c.log(hosts[0] + "/rank0/stderr", ck.deepspeed_steps(c, -900, 30, 8800, rank=0,
                                                         step_fn=lambda i: 2.3 * (1 if i < 12 else 1.6) * c.rng.uniform(0.99, 1.01)))
    c.log(bad + "/journal", ck.kernel_noise(c, bad, 4) + [
        "%s %s ipmiseld[1521]: SEL: Power Supply PSU2 Status: Failure detected - Asserted" % (c.syslog(-640), bad),
        "%s %s ipmiseld[1521]: SEL: Power Supply PS Redundancy: Redundancy Lost - Asserted" % (c.syslog(-639), bad),
    ])
    brake = {g: (lambda s, n: n if s < -630 else 700 + c.rng.uniform(-80, 80)) for g in range(8)}
    pw = {g: (lambda s, n: n if s < -630 else 290 + c.rng.uniform(-20, 20)) for g in range(8)}
    dcgm(c, bad, clock=brake, power=pw)
    dcgm(c, hosts[1])
    health_all(c, bad, bad={g: dict(sm_clock_mhz=690 + 10 * g, power_w=300, clock_event_reasons=0x80 | 0x8) for g in range(8)})
    health_all(c, hosts[1])
    return c


def k014():
    """A leftover `nvidia-smi -pl 400` on one H200: SW power cap holds it down; looks like a
    straggler; gpu.health (power limit) and gemm decide."""
    hosts = ["h200-sea-%02d" % i for i in (11, 12)]
    c = ck.Case("case-k014", "gpu_power_throttle", "h200-sea-12/gpu2", hosts, gpu=H200)
    bad = hosts[1]
    c.alert("StragglerDetected", "rank 10 step time 1.3x median (straggler detector)", job="sft-mistral", node=bad, rank="10")
    c.log(hosts[0] + "/rank0/stderr", ck.plain_steps(c, -600, 30, 5500, step_s=1.4) + [
        "%s | WARNING | straggler | rank 10 (h200-sea-12) step compute 1.31x median over last 50 steps" % c.ymd(-5),
    ])
    c.log(bad + "/journal", ck.kernel_noise(c, bad, 6) + [
        "%s %s sudo[88123]:    svc-bench : TTY=pts/3 ; PWD=/home/svc-bench ; USER=root ; COMMAND=/usr/bin/nvidia-smi -i 2 -pl 400" % (c.syslog(-86400 * 0 - 1500), bad),
    ] + ["%s %s sshd[99012]: Accepted publickey for svc-bench from 10.1.0.9 port 51120" % (c.syslog(-1600), bad)])
    dcgm(c, bad, power={2: lambda s, n: 395 + c.rng.uniform(0, 5)}, clock={2: lambda s, n: 1480 + c.rng.uniform(-30, 30)})
    dcgm(c, hosts[0])
    c.health_rates("gpu.health@%s/gpu2" % bad, power_limit_w=400, power_w=398, sm_clock_mhz=1470, clock_event_reasons=0x4)
    health_all(c, bad, skip=(2,))
    gemm_all(c, bad, bad={2: 548.0})
    return c


def k015():
    """PCIe link trained x8 after AER errors on one H100: low host-device bandwidth (Slurm)."""
    hosts = ["cn-gpu-%02d" % i for i in (31, 32)]
    c = ck.Case("case-k015", "pcie_link_degraded", "cn-gpu-31/gpu1", hosts, gpu=H100, pci=ck.PCI_BUS_B)
    bad = hosts[0]
    c.alert("GPUPCIeReplays", "DCGM_FI_DEV_PCIE_REPLAY_COUNTER rising on cn-gpu-31 gpu1", node=bad, gpu="1")
    c.log(bad + "/dmesg", ck.kernel_noise(c, bad, 4, fmt="dmesg") + [
        "%s pcieport 0000:38:01.0: AER: Corrected error received: 0000:3b:00.0" % c.dmesg(-800 + 40 * i) for i in range(4)
    ] + [
        "%s nvidia 0000:3b:00.0: PCIe Bus Error: severity=Corrected, type=Physical Layer, (Receiver ID)" % c.dmesg(-799),
        "%s nvidia 0000:3b:00.0:   device [10de:2330] error status/mask=00000001/0000e000" % c.dmesg(-799),
        "%s nvidia 0000:3b:00.0:    [ 0] RxErr                  (First)" % c.dmesg(-799),
        "%s pci 0000:3b:00.0: 126.024 Gb/s available PCIe bandwidth, limited by 32.0 GT/s PCIe x8 link at 0000:38:01.0 (capable of 252.048 Gb/s with 32.0 GT/s PCIe x16 link)" % c.dmesg(-700),
    ])
    c.log(bad + "/rank1/stderr", ck.megatron_iters(c, -900, 25, 4000, step_s=3.3) + ck.app_noise(c, 3))
    c.gpu_metric("DCGM_FI_DEV_PCIE_REPLAY_COUNTER", bad, 2, 0.4, counter=True, decimals=0,
                 over={1: lambda s, n: n + max(0, (s + 820) * 3.5)})
    dcgm(c, bad)
    c.health_rates("gpu.health@%s/gpu1" % bad, pcie_link_width=8, pcie_replay_count=3281, pcie_replay_per_s=4.0)
    health_all(c, bad, skip=(1,))
    for g in range(8):
        c.pcie("gpu.pcie_bandwidth@%s/gpu%d" % (bad, g), h2d=(26.1 if g == 1 else None), d2h=(25.4 if g == 1 else None))
    return c


def k016():
    """Looks like a dataloader stall on one rank (util dips, data wait long); the GPU's link is at
    Gen1: gpu.health and gpu.pcie_bandwidth decide (A100, Kubernetes)."""
    hosts = ["k8s-a100-%s" % x for x in ("p4x", "q9w", "r2z")]
    c = ck.Case("case-k016", "pcie_link_degraded", "k8s-a100-q9w/gpu5", hosts, gpu=A100)
    bad = hosts[1]
    c.alert("GPUUtilLow", "GPU utilisation < 60% on k8s-a100-q9w gpu5 for 10m", node=bad, gpu="5")
    lines = []
    for i in range(24):
        lines.append("%s rank13 step %d data_wait %.2fs fwd_bwd %.2fs h2d %.2fs" % (
            c.ymd(-1100 + 40 * i), 3100 + i, 0.02 + c.rng.uniform(0, 0.01), 0.71, 0.48 + c.rng.uniform(0, 0.04)))
    c.log(bad + "/pod/vit-g-worker-1", ck.insert_at(lines, 0.5, ck.app_noise(c, 3)))
    dcgm(c, bad, util={5: lambda s, n: 55 + c.rng.uniform(-5, 5)})
    dcgm(c, hosts[0])
    c.gpu_metric("DCGM_FI_DEV_PCIE_RX_THROUGHPUT", bad, 9000000, 400000, decimals=0, over={5: lambda s, n: 1900000 + c.rng.uniform(-1e5, 1e5)})
    c.health_rates("gpu.health@%s/gpu5" % bad, pcie_link_gen=1)
    health_all(c, bad, skip=(5,))
    for g in range(8):
        c.pcie("gpu.pcie_bandwidth@%s/gpu%d" % (bad, g), h2d=(3.1 if g == 5 else None), d2h=(3.0 if g == 5 else None))
    c.kernel_launch("gpu.kernel_launch@%s/gpu5" % bad)
    return c


def k017():
    """Replica checksum mismatch: one data-parallel replica's parameters diverge; gpu.sdc names
    the GPU (Megatron, H200)."""
    hosts = ["gpu-h200-%02d" % i for i in (51, 52, 53, 54)]
    c = ck.Case("case-k017", "gpu_silent_data_corruption", "gpu-h200-52/gpu6", hosts, gpu=H200)
    bad = hosts[1]
    c.alert("ReplicaChecksumMismatch", "DP replicas disagree on parameter checksum at iteration 41000", job="llm-34b", node=hosts[0])
    r = ck.megatron_iters(c, -900, 20, 40980, step_s=5.2)
    r += [
        "%s [checksum] iteration 41000: dp-group 1 param checksum 0x7a31e08f1c22d3b0 (ranks 8-15), expected 0x7a31e08f1c22d3b1 from 3 of 4 replicas" % c.ymd(-5),
        "%s [checksum] mismatching shard owned by rank 14 (gpu-h200-52, local 6): 3 of 1048576 elements differ" % c.ymd(-4),
    ]
    c.log(hosts[0] + "/rank0/stderr", r)
    c.log(bad + "/journal", ck.kernel_noise(c, bad, 7))
    dcgm(c, bad)
    health_all(c, bad)
    c.sdc("gpu.sdc@%s" % bad, mismatched=17, bad_gpu="gpu6")
    c.sdc("gpu.sdc@%s" % hosts[0])
    return c


def k018():
    """Sporadic NaN grad norm that looks like divergence; no ECC, no Xid; gpu.sdc fails on one
    GPU of one node (probe decides; DeepSpeed, H100)."""
    hosts = ["ml-h100-%02d" % i for i in (60, 61, 62)]
    c = ck.Case("case-k018", "gpu_silent_data_corruption", "ml-h100-62/gpu3", hosts, gpu=H100)
    bad = hosts[2]
    c.alert("LossSpike", "loss spike / non-finite grad norm in job ds-coder-15b", job="ds-coder-15b", node=hosts[0])
    r = ck.deepspeed_steps(c, -1000, 30, 14000, rank=0)
    r = ck.insert_at(r, 0.4, ["[%s] [WARNING] [stage3.py:2011:step] grad norm is nan at step 14011, skipping update" % c.ymd_ms(-700)])
    r = ck.insert_at(r, 0.8, ["[%s] [WARNING] [stage3.py:2011:step] grad norm is nan at step 14022, skipping update" % c.ymd_ms(-160)])
    c.log(hosts[0] + "/rank0/stderr", r)
    c.log(bad + "/journal", ck.kernel_noise(c, bad, 5))
    for h in hosts:
        dcgm(c, h)
    health_all(c, bad)
    for h in hosts:
        c.sdc("gpu.sdc@%s" % h, mismatched=(4 if h == bad else 0), bad_gpu=("gpu3" if h == bad else None))
    return c


def k019():
    """IB link down on one HCA: retry-exceeded completions logged by the peers (Slurm, Megatron)."""
    hosts = ["ib-h100-%03d" % i for i in (201, 202, 203, 204)]
    c = ck.Case("case-k019", "ib_link_failure", "ib-h100-203/mlx5_2", hosts, gpu=H100)
    bad = hosts[2]
    c.alert("NCCLError", "NCCL remote error on 6 ranks of job gpt-175b-ft", job="gpt-175b-ft", node=hosts[0])
    c.log(hosts[0] + "/rank2/stderr", [
        "ib-h100-201:40012:40511 [2] NCCL WARN NET/IB : Got completion from peer 10.40.3.18<49122> with status=12 opcode=0 len=0 vendor err 129 (Send) localGid ::ffff:10.40.1.12 remoteGids::ffff:10.40.3.18 hca mlx5_2",
        "ib-h100-201:40012:40511 [2] NCCL INFO transport/net.cc:1302 -> 6",
        "ib-h100-201:40012:40511 [2] NCCL INFO proxy.cc:697 -> 6",
        "ib-h100-201:40012:40511 [2] NCCL INFO proxy.cc:877 -> 6 [Progress Thread]",
        "torch.distributed.DistBackendError: NCCL error: remote process exited or there was a network error, NCCL version 2.21.5",
        "ncclRemoteError: A call failed possibly due to a network error or a remote process exiting prematurely.",
        "Last error:",
        "NET/IB : Got completion from peer 10.40.3.18<49122> with status=IBV_WC_RETRY_EXC_ERR(12) opcode=0 len=0 vendor err 129 (Send)",
    ] + ck.app_noise(c, 4))
    c.log(bad + "/journal", ck.kernel_noise(c, bad, 6) + [
        "%s %s kernel: mlx5_core 0000:3f:00.0 ibp63s0: Link down" % (c.syslog(-45), bad),
        "%s %s kernel: mlx5_core 0000:3f:00.0: Port module event[error]: module 0, Cable error, High Temperature" % (c.syslog(-46), bad),
        "%s %s kernel: mlx5_core 0000:3f:00.0 ibp63s0: Link up" % (c.syslog(-20), bad),
        "%s %s kernel: mlx5_core 0000:3f:00.0 ibp63s0: Link down" % (c.syslog(-12), bad),
    ])
    c.node_metric("node_infiniband_link_downed_total", {"instance": bad, "device": "mlx5_2", "port": "1"},
                  lambda s: 0 if s < -45 else (1 if s < -12 else 2), decimals=0)
    c.node_metric("node_infiniband_link_downed_total", {"instance": bad, "device": "mlx5_1", "port": "1"}, lambda s: 0, decimals=0)
    c.nccl("nccl.allreduce@job", busbw=11.0)
    for h in hosts:
        c.nccl("nccl.allreduce@%s" % h)
    health_all(c, bad)
    return c


def k020():
    """Slow inter-node all-reduce with occasional retry errors everywhere; symbol errors on one
    NIC; job-wide vs intra-node NCCL probes and the port counters decide."""
    hosts = ["rk%02d-h200" % i for i in (5, 6, 7, 8)]
    c = ck.Case("case-k020", "ib_link_failure", "rk07-h200/mlx5_5", hosts, gpu=H200)
    bad = hosts[2]
    c.alert("TrainingThroughputDrop", "step time of titan-8x8 up 70%", job="titan-8x8", node=hosts[0])
    c.log(hosts[0] + "/rank0/stderr", ck.fsdp_steps(c, -1000, 30, 700, step_fn=lambda i: 1.9 * (1 if i < 10 else 1.7)) + [
        "rk05-h200:9912:10410 [5] NCCL INFO NET/IB : req 0x7f1c2a0 retransmission (ibv_poll_cq) on mlx5_5, peer rk07-h200",
    ])
    c.log(bad + "/journal", ck.kernel_noise(c, bad, 9))
    for h in hosts:
        for d in ("mlx5_0", "mlx5_5"):
            c.node_metric("node_infiniband_symbol_error_total",
                          {"instance": h, "device": d, "port": "1"},
                          (lambda s: 12 + max(0, (s + 800) * 40)) if (h == bad and d == "mlx5_5") else (lambda s: 3), decimals=0)
    c.nccl("nccl.allreduce@job", busbw=52.0)
    for h in hosts:
        c.nccl("nccl.allreduce@%s" % h)
    health_all(c, bad)
    return c


def k021():
    """NCCL_SOCKET_IFNAME names an interface that does not exist on the new image (job-wide)."""
    hosts = ["tr-h100-%02d" % i for i in (1, 2)]
    c = ck.Case("case-k021", "nccl_network_misconfig", "job", hosts, gpu=H100)
    c.alert("JobFailed", "job dpo-run-77 failed at startup on all ranks", job="dpo-run-77", node=hosts[0])
    pid = 5123
    c.log(hosts[0] + "/rank0/stderr", ck.app_noise(c, 8) + [
        "%s:%d:%d [0] NCCL INFO NCCL_SOCKET_IFNAME set by environment to ens9f0" % (hosts[0], pid, pid),
        "%s:%d:%d [0] NCCL WARN Bootstrap : no socket interface found" % (hosts[0], pid, pid),
        "%s:%d:%d [0] NCCL INFO init.cc:1740 -> 3" % (hosts[0], pid, pid),
        "torch.distributed.DistBackendError: NCCL error in: ../torch/csrc/distributed/c10d/NCCLUtils.hpp:275, internal error - please report this issue to the NCCL developers, NCCL version 2.19.3",
        "ncclInternalError: Internal check failed.",
        "Last error:",
        "Bootstrap : no socket interface found",
    ])
    c.log(hosts[1] + "/rank9/stderr", [
        "%s:7712:7712 [1] NCCL INFO NCCL_SOCKET_IFNAME set by environment to ens9f0" % hosts[1],
        "%s:7712:7712 [1] NCCL WARN Bootstrap : no socket interface found" % hosts[1],
    ] + ck.app_noise(c, 6))
    c.log(hosts[1] + "/ip-link", ["1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536", "2: enp27s0np0: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 9000",
                                  "3: ibp12s0: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 4092", "4: docker0: <NO-CARRIER,BROADCAST,MULTICAST,UP> mtu 1500"])
    for h in hosts:
        dcgm(c, h, util={g: (lambda s, n: 0) for g in range(8)})
    health_all(c, hosts[1])
    for h in hosts:
        c.nccl("nccl.allreduce@%s" % h)
    c.nccl("nccl.allreduce@job")
    return c


def k022():
    """NCCL_IB_HCA names devices absent on this SKU: NCCL falls back to sockets without failing;
    a 6x slowdown; job-wide busbw tiny, intra-node fine (probe decides)."""
    hosts = ["ax-%02d" % i for i in (61, 62, 63, 64)]
    c = ck.Case("case-k022", "nccl_network_misconfig", "job", hosts, gpu=H200)
    c.alert("TrainingThroughputLow", "megatron-70b throughput 6x below baseline since launch", job="megatron-70b", node=hosts[0])
    p = "ax-61:30110:30110 [0]"
    lines = [
        "%s NCCL INFO NCCL version 2.21.5+cuda12.4" % p,
        "%s NCCL INFO NCCL_IB_HCA set to mlx5_ib0,mlx5_ib1,mlx5_ib2,mlx5_ib3" % p,
        "%s NCCL INFO NET/IB : No device found." % p,
        "%s NCCL INFO NET/Socket : Using [0]bond0:10.3.61.5<0>" % p,
        "%s NCCL INFO Using network Socket" % p,
    ] + ck.megatron_iters(c, -1000, 28, 10, step_s=31.0)
    c.log(hosts[0] + "/rank0/stderr", lines)
    for h in hosts[:2]:
        dcgm(c, h, util={g: (lambda s, n: 18 + c.rng.uniform(-4, 4)) for g in range(8)})
    c.nccl("nccl.allreduce@job", busbw=2.9)
    for h in hosts:
        c.nccl("nccl.allreduce@%s" % h)
    health_all(c, hosts[0])
    return c


def k023():
    """All ranks log the watchdog; one rank never entered the all-reduce (stuck in a Python
    checkpoint-metadata loop); flight recorder points at it (Slurm, Megatron)."""
    hosts = ["p5-%02d" % i for i in (11, 12, 13, 14)]
    c = ck.Case("case-k023", "nccl_collective_hang", "p5-13/gpu3", hosts, gpu=H100)
    c.alert("NCCLWatchdogTimeout", "collective timeout on 31 ranks of job llama-65b", job="llama-65b", node=hosts[0])
    c.log(hosts[0] + "/rank0/stderr", ck.megatron_iters(c, -800, 20, 1990, step_s=9.0) + ck.watchdog(c, 0, -20, 77123, numel=262668288))
    c.log(hosts[1] + "/rank12/stderr", ck.watchdog(c, 12, -19, 77123, numel=262668288))
    c.log(hosts[0] + "/flight-recorder", [
        "%s fr_trace: collective seq 77123 ALLREDUCE pg 0: 31 of 32 ranks entered" % c.ymd(-18),
        "%s fr_trace: missing ranks: [19]" % c.ymd(-18),
        "%s fr_trace: rank 19 last completed seq 77122, last enqueued seq 77122" % c.ymd(-18),
        "%s py-spy dump --pid 188120 (rank 19, host p5-13):" % c.ymd(-10),
        "Thread 188120 (active): \"MainThread\"",
        "    wait (threading.py:324)",
        "    barrier_fn (megatron/training/checkpointing.py:388)",
        "    save_checkpoint (megatron/training/checkpointing.py:412)",
    ])
    dcgm(c, "p5-13", util={3: lambda s, n: n if s < -620 else 0})
    health_all(c, "p5-13")
    return c


def k024():
    """Hang at startup of pipeline stage: every rank of stage 2 times out on a SEND/RECV; its
    source rank is hung with 100 % GPU util in a spinning kernel; health passes (probe rules
    hardware out)."""
    hosts = ["a3-mega-%02d" % i for i in (1, 2, 3, 4)]
    c = ck.Case("case-k024", "nccl_collective_hang", "a3-mega-02/gpu7", hosts, gpu=H100)
    c.alert("NCCLWatchdogTimeout", "P2P watchdog timeouts on pipeline stage 2, job pp-moe", job="pp-moe", node=hosts[2])
    for h, rk in ((hosts[2], 16), (hosts[2], 17)):
        c.log("%s/rank%d/stderr" % (h, rk), ck.watchdog(c, rk, -10 + rk % 3, 51, op="RECV", numel=16777216, pg=3))
    c.log(hosts[1] + "/rank15/stderr", [
        "%s [pipeline] stage 1 rank 15 entered send to stage 2 (microbatch 4)" % c.ymd(-640),
        "%s [W heartbeat] rank 15 no progress for 300 s" % c.ymd(-340),
        "%s [W heartbeat] rank 15 no progress for 600 s" % c.ymd(-40),
    ] + ck.app_noise(c, 12))
    dcgm(c, hosts[1], util={7: lambda s, n: 100}, power={7: lambda s, n: 260 + c.rng.uniform(-10, 10)})
    health_all(c, hosts[1])
    c.errored("gpu.gemm@%s/gpu7" % hosts[1], "cudaSetDevice(7): all CUDA-capable devices are busy or unavailable (compute mode EXCLUSIVE_PROCESS, held by pid 201377)", 2.1)
    c.errored("nccl.sendrecv@%s" % hosts[1], "probe could not acquire GPUs: all 8 held by the hung job", 30.0)
    return c


def k025():
    """One rank segfaults in a custom extension; peers report IB flush errors and resets."""
    hosts = ["pdx-h100-%02d" % i for i in (71, 72)]
    c = ck.Case("case-k025", "rank_process_crash", "pdx-h100-72/gpu2", hosts, gpu=H100)
    c.alert("TrainingJobFailed", "torchrun job rm-train exited: ChildFailedError", job="rm-train", node=hosts[0])
    c.log(hosts[0] + "/rank0/stderr", ck.fsdp_steps(c, -336, 20, 9000) + [
        "pdx-h100-71:11021:11190 [0] NCCL WARN NET/IB : Got completion from peer 10.9.0.72<37711> with status=5 opcode=1 len=0 vendor err 249 (Recv) localGid ::ffff:10.9.0.71 remoteGids::ffff:10.9.0.72",
        "pdx-h100-71:11021:11190 [0] NCCL WARN NET/IB : Got completion from peer 10.9.0.72<37711> with status=IBV_WC_WR_FLUSH_ERR(5) opcode=1",
        "[rank0]: torch.distributed.DistBackendError: NCCL error: remote process exited or there was a network error",
    ])
    c.log(hosts[1] + "/torchrun", ck.elastic_failure(c, -300, hosts[1], 10, 2, -11, sig="SIGSEGV"))
    c.log(hosts[1] + "/journal", ck.kernel_noise(c, hosts[1], 5) + [
        "%s %s kernel: pt_main_thread[44120]: segfault at 18 ip 00007f2a1c0d3e11 sp 00007ffd91aa2c10 error 4 in libfused_ops.cpython-310-x86_64-linux-gnu.so[7f2a1c000000+4a000]" % (c.syslog(-301), hosts[1]),
    ])
    dcgm(c, hosts[1], util={2: lambda s, n: n if s < -300 else 0})
    health_all(c, hosts[1])
    c.kernel_launch("gpu.kernel_launch@%s/gpu2" % hosts[1])
    return c


def k026():
    """A Python exception on one rank (bad sample) kills it; others see the TCPStore close and
    broken NCCL connections (Kubernetes, DeepSpeed)."""
    hosts = ["gpu-worker-%d" % i for i in range(4)]
    c = ck.Case("case-k026", "rank_process_crash", "gpu-worker-2/gpu5", hosts, gpu=A100)
    c.alert("PyTorchJobFailed", "job code-llm-ft failed", job="code-llm-ft", node=hosts[0])
    c.log(hosts[0] + "/pod/code-llm-ft-worker-0", ck.deepspeed_steps(c, -147, 16, 3300) + [
        "[rank0]:[W%s socket.cpp:428] [c10d] The server socket has failed to listen... wait" % c.glog(-100)[1:],
        "[rank0]: RuntimeError: [../third_party/gloo/gloo/transport/tcp/pair.cc:534] Connection closed by peer [10.20.2.14]:41233",
        "[rank0]: torch.distributed.DistBackendError: NCCL error: remote process exited or there was a network error",
    ])
    c.log(hosts[2] + "/pod/code-llm-ft-worker-2", [
        "[rank21]: Traceback (most recent call last):",
        '[rank21]:   File "/app/data/collate.py", line 88, in __call__',
        "[rank21]:     ids = torch.tensor([s['input_ids'] for s in batch])",
        "[rank21]: KeyError: 'input_ids'",
        "[%s] [ERROR] [launch.py:321:sigkill_handler] exits with return code = 1" % c.ymd_ms(-110),
    ] + ck.app_noise(c, 10))
    dcgm(c, hosts[2], util={5: lambda s, n: n if s < -110 else 0})
    health_all(c, hosts[2])
    return c


def k027():
    """CUDA OOM on the last pipeline stage (bigger vocab head) cascades into watchdog timeouts on
    every other rank (Slurm, Megatron, H100)."""
    hosts = ["gcp-h100-%02d" % i for i in (20, 21, 22, 23)]
    c = ck.Case("case-k027", "cuda_oom", "gcp-h100-23/gpu7", hosts, gpu=H100)
    c.alert("NCCLWatchdogTimeout", "watchdog timeouts on 31 ranks of job llama-70b-pp4", job="llama-70b-pp4", node=hosts[0])
    c.log(hosts[0] + "/rank0/stderr", ck.megatron_iters(c, -838, 18, 200, step_s=11.0) + ck.watchdog(c, 0, -15, 4410, op="SEND", numel=8388608, pg=2))
    c.log(hosts[1] + "/rank9/stderr", ck.watchdog(c, 9, -14, 4410, op="RECV", numel=8388608, pg=2))
    c.log(hosts[3] + "/rank31/stderr", [
        "[rank31]: Traceback (most recent call last):",
        '[rank31]:   File "/workspace/megatron/core/pipeline_parallel/schedules.py", line 388, in forward_step',
        "[rank31]:     output_tensor = model(tokens, position_ids, attention_mask, labels=labels)",
        '[rank31]:   File "/workspace/megatron/core/tensor_parallel/cross_entropy.py", line 131, in forward',
        "[rank31]: torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 7.83 GiB. GPU 7 has a total capacity of 79.11 GiB of which 5.12 GiB is free. Including non-PyTorch memory, this process has 73.98 GiB memory in use. Of the allocated memory 68.40 GiB is allocated by PyTorch, and 4.11 GiB is reserved by PyTorch but unallocated. If reserved but unallocated memory is large try setting PYTORCH_CUDA_ALLOC_CONF=expandable_segments:True to avoid fragmentation.  See documentation for Memory Management  (https://pytorch.org/docs/stable/notes/cuda.html#environment-variables)",
    ] + ck.app_noise(c, 6))
    c.gpu_metric("DCGM_FI_DEV_FB_USED", hosts[3], 61000, 800, decimals=0, over={7: lambda s, n: 79000 if s > -640 else 76000})
    dcgm(c, hosts[3], util={7: lambda s, n: n if s < -620 else 0})
    health_all(c, hosts[3])
    return c


def k028():
    """A Python exception with an illegal address on every rank at the same step after a
    custom attention kernel change (job-wide application bug; DeepSpeed, H200)."""
    hosts = ["hx-%02d" % i for i in (1, 2)]
    c = ck.Case("case-k028", "illegal_memory_access", "job", hosts, gpu=H200)
    c.alert("JobFailed", "long-ctx-128k failed on all 16 ranks", job="long-ctx-128k", node=hosts[0])
    c.log(hosts[0] + "/rank0/stderr", ck.deepspeed_steps(c, -400, 8, 0) + [
        "[%s] [INFO] [engine.py:1102] seq_len=131072 micro_batch=1 using kernel flash_attn_varlen_ext (custom build 0.3.1+local)" % c.ymd_ms(-380),
        "../aten/src/ATen/native/cuda/IndexKernel.cu:92: operator(): block: [301,0,0], thread: [64,0,0] Assertion `-sizes[i] <= index && index < sizes[i] && \"index out of bounds\"` failed.",
        "RuntimeError: CUDA error: device-side assert triggered",
        "CUDA kernel errors might be asynchronously reported at some other API call, so the stacktrace below might be incorrect.",
        "Compile with `TORCH_USE_CUDA_DSA` to enable device-side assertions.",
    ])
    c.log(hosts[1] + "/rank12/stderr", [
        "../aten/src/ATen/native/cuda/IndexKernel.cu:92: operator(): block: [301,0,0], thread: [96,0,0] Assertion `-sizes[i] <= index && index < sizes[i] && \"index out of bounds\"` failed.",
        "RuntimeError: CUDA error: device-side assert triggered",
    ] + ck.app_noise(c, 4))
    c.log(hosts[1] + "/dmesg", ck.kernel_noise(c, hosts[1], 4, fmt="dmesg"))
    dcgm(c, hosts[1])
    health_all(c, hosts[1])
    for h in hosts:
        c.sdc("gpu.sdc@%s" % h)
    return c


def k029():
    """The kernel OOM killer ends one rank (a memory-hungry eval callback on rank 0's node);
    peers hang and time out (Slurm, FSDP)."""
    hosts = ["hpc-h200-%02d" % i for i in (3, 4)]
    c = ck.Case("case-k029", "host_oom", "hpc-h200-03", hosts, gpu=H200)
    bad = hosts[0]
    c.alert("SlurmJobFailed", "job 99331 (fsdp-13b) failed: watchdog timeout on 15 ranks", job="fsdp-13b", node=hosts[1])
    c.log(hosts[1] + "/rank9/stderr", ck.fsdp_steps(c, -646, 20, 1200, rank=9) + ck.watchdog(c, 9, -8, 15511, op="_ALLGATHER_BASE", numel=131072000))
    c.log(bad + "/journal", ck.kernel_noise(c, bad, 4) + [
        "%s %s kernel: python invoked oom-killer: gfp_mask=0x140cca(GFP_HIGHUSER_MOVABLE|__GFP_COMP), order=0, oom_score_adj=0" % (c.syslog(-611), bad),
        "%s %s kernel: Mem-Info:" % (c.syslog(-611), bad),
        "%s %s kernel: active_anon:499120331 inactive_anon:1211020 isolated_anon:0" % (c.syslog(-611), bad),
        "%s %s kernel: oom-kill:constraint=CONSTRAINT_NONE,nodemask=(null),cpuset=/,mems_allowed=0-1,global_oom,task_memcg=/system.slice/slurmstepd.scope/job_99331,task=python,pid=77123,uid=1002" % (c.syslog(-611), bad),
        "%s %s kernel: Out of memory: Killed process 77123 (python) total-vm:1410234556kB, anon-rss:198221040kB, file-rss:112340kB, shmem-rss:0kB, UID:1002 pgtables:401224kB oom_score_adj:0" % (c.syslog(-610), bad),
        "%s %s slurmstepd[77001]: error: Detected 1 oom_kill event in StepId=99331.0. Some of the step tasks have been OOM Killed." % (c.syslog(-600), bad),
    ])
    c.node_metric("node_memory_MemAvailable_bytes", {"instance": bad}, lambda s: max(2.1e9, 1.9e12 - (s + 1260) * 2.6e9), decimals=0)
    c.node_metric("node_memory_MemAvailable_bytes", {"instance": hosts[1]}, lambda s: 1.62e12 + c.rng.uniform(-2e9, 2e9), decimals=0)
    dcgm(c, bad)
    health_all(c, bad)
    return c


def k030():
    """Megatron bf16 run: loss climbs then goes NaN with grad norm exploding; no hardware sign
    (job-wide divergence)."""
    hosts = ["eos-%04d" % i for i in (101, 102, 103, 104)]
    c = ck.Case("case-k030", "loss_divergence", "job", hosts, gpu=H100)
    c.alert("TrainingLossNaN", "lm loss is nan in job gpt4x-moe-dense", job="gpt4x-moe-dense", node=hosts[0])
    lossf = lambda i: (2.41 + c.rng.uniform(-0.02, 0.02)) if i < 16 else (2.41 * 1.5 ** (i - 15) if i < 22 else float("nan"))
    gradf = lambda i: 0.41 * c.rng.uniform(0.9, 1.1) if i < 14 else (0.41 * 4.0 ** (i - 13) if i < 22 else float("nan"))
    r = ck.megatron_iters(c, -900, 26, 51000, step_s=4.2, loss_fn=lossf, grad_fn=gradf, nan_fn=lambda i: max(0, i - 21))
    c.log(hosts[0] + "/rank0/stderr", ck.insert_at(r, 0.3, ck.app_noise(c, 3)))
    c.log(hosts[0] + "/wandb", ["%s wandb: train/grad_norm step %d = %s" % (c.ymd(-900 + 30 * i), 51000 + i, "%.3f" % (0.41 * c.rng.uniform(0.9, 1.1))) for i in range(6)])
    for h in hosts[:2]:
        dcgm(c, h)
    for h in hosts:
        c.sdc("gpu.sdc@%s" % h)
    return c


def k031():
    """DeepSpeed fp16: OVERFLOW on every step, loss scale driven to 1 and held (job-wide)."""
    hosts = ["v100-era-%02d" % i for i in (1, 2)]
    c = ck.Case("case-k031", "fp16_loss_scale_collapse", "job", hosts, gpu=A100)
    c.alert("TrainingStalled", "loss flat for 40 min in job t5-xxl-fp16", job="t5-xxl-fp16", node=hosts[0])
    r = []
    sc = 65536.0
    for i in range(26):
        t = -1100 + 40 * i
        new = max(1.0, sc / 2)
        r.append("[%s] [INFO] [fused_optimizer.py:344:_update_scale] Grad overflow on iteration %d" % (c.ymd_ms(t), 22100 + i))
        r.append("[%s] [INFO] [fused_optimizer.py:345:_update_scale] Reducing dynamic loss scale from %s to %s" % (c.ymd_ms(t), sc, new))
        r.append("[%s] [INFO] [logging.py:96:log_dist] [Rank 0] Overflow detected. Skipping step. Attempted loss scale: %s, reducing to %s" % (c.ymd_ms(t), sc, new))
        sc = new
    r.append("[%s] [WARNING] [loss_scaler.py:183:update_scale] Current loss scale already at minimum - cannot decrease scale anymore. Exiting run." % c.ymd_ms(-10))
    c.log(hosts[0] + "/rank0/stderr", r)
    for h in hosts:
        dcgm(c, h)
    health_all(c, hosts[0])
    return c


def k032():
    """TransformerEngine FP8: amax history turns inf, scale factors collapse, loss spikes
    (job-wide; Megatron on H200)."""
    hosts = ["h200-fp8-%02d" % i for i in (1, 2, 3, 4)]
    c = ck.Case("case-k032", "fp8_scaling_overflow", "job", hosts, gpu=H200)
    c.alert("LossSpike", "lm loss 3.2x trend in job fp8-70b", job="fp8-70b", node=hosts[0])
    lossf = lambda i: 2.05 + c.rng.uniform(-0.02, 0.02) if i < 18 else 6.6 + c.rng.uniform(-0.3, 0.3)
    r = ck.megatron_iters(c, -1000, 26, 12000, step_s=5.0, loss_fn=lossf)
    r = ck.insert_at(r, 0.68, [
        "%s [fp8-monitor] layer 61 fc2 fwd amax_history contains inf (recipe DelayedScaling margin=0 amax_history_len=1024)" % c.ymd(-380),
        "%s [fp8-monitor] layer 61 fc2 scale_inv=inf scale=0.000000e+00 (E4M3)" % c.ymd(-379),
        "%s [fp8-monitor] 14 GEMMs with >5%% saturated casts in last 10 steps (max 31.2%% layers.61.mlp.fc2 dgrad E5M2)" % c.ymd(-300),
    ])
    c.log(hosts[0] + "/rank0/stderr", r)
    for h in hosts[:2]:
        dcgm(c, h)
    health_all(c, hosts[0])
    return c


def k033():
    """MoE routing collapse: a few experts take most tokens, capacity overflow drops tokens,
    all-to-all slows (job-wide; Megatron MoE on H100)."""
    hosts = ["moe-h100-%02d" % i for i in range(1, 5)]
    c = ck.Case("case-k033", "moe_expert_imbalance", "job", hosts, gpu=H100)
    c.alert("StepTimeRegression", "step time of mixtral-8x22b-cpt up 2.1x", job="mixtral-8x22b-cpt", node=hosts[0])
    r = ck.megatron_iters(c, -1100, 26, 3300, step_s=6.0, step_fn=lambda i: 6.0 * (1 if i < 10 else 1 + 0.1 * min(11, i - 9)))
    r = ck.insert_at(r, 0.5, [
        "%s [router] layer 12: tokens per expert (max/mean) 5.83, experts over capacity 2/8, dropped tokens 21.4%%" % c.ymd(-700),
        "%s [router] layer 20: load_balancing_loss 0.0021 -> 0.0894, top-1 expert share 0.61" % c.ymd(-600),
        "%s [router] layer 28: tokens per expert (max/mean) 6.90, experts over capacity 3/8, dropped tokens 27.9%%" % c.ymd(-400),
    ])
    c.log(hosts[0] + "/rank0/stderr", r)
    step_metric(c, "mixtral-8x22b-cpt", lambda s: 6.0 if s < -800 else 6.0 + min(6.6, (s + 800) / 100))
    for h in hosts[:2]:
        dcgm(c, h)
    c.nccl("nccl.alltoall@job")
    for h in hosts:
        c.nccl("nccl.alltoall@%s" % h)
    return c


def k034():
    """One GPU slower than its peers with no throttle, no error, clean health: gemm and hbm
    show it (probe decides; H200)."""
    hosts = ["sxm-h200-%02d" % i for i in (31, 32, 33, 34)]
    c = ck.Case("case-k034", "straggler_rank", "sxm-h200-34/gpu0", hosts, gpu=H200)
    bad = hosts[3]
    c.alert("StragglerDetected", "rank 24 compute 1.22x median", job="titan-llama3", node=bad, rank="24")
    c.log(hosts[0] + "/rank0/stderr", ck.fsdp_steps(c, -800, 28, 3010, step_fn=lambda i: 1.8 * (1 if i < 8 else 1.2)) +
          ["[rank0]:[titan] %s - root - WARNING - straggler: rank 24 fwd+bwd 1.22x median (p50 1.41s)" % c.ymd_ms(-20)])
    dcgm(c, bad)
    health_all(c, bad)
    gemm_all(c, bad, bad={0: 601.0})
    c.hbm("gpu.hbm_bandwidth@%s/gpu0" % bad, gb_s=3390)
    c.hbm("gpu.hbm_bandwidth@%s/gpu1" % bad)
    return c


def k035():
    """GPUs idle half the time; step time up; no NCCL error: dataloader workers CPU-bound after a
    switch to on-the-fly image decoding (job-wide; Kubernetes)."""
    hosts = ["vision-a100-%d" % i for i in (1, 2)]
    c = ck.Case("case-k035", "dataloader_stall", "job", hosts, gpu=A100)
    c.alert("GPUUtilLow", "mean GPU util 41% on job clip-vitl", job="clip-vitl", node=hosts[0])
    r = []
    for i in range(24):
        t = -1100 + 45 * i
        dw = 0.05 if i < 6 else 1.9 + c.rng.uniform(-0.2, 0.3)
        r.append("%s | INFO | trainer | step %d | data_time %.3fs | batch_time %.3fs | imgs/s %.0f" % (c.ymd(t), 8000 + i, dw, 1.3 + dw, 4096 / (1.3 + dw)))
    r = ck.insert_at(r, 0.3, ["%s | INFO | data | decode=pillow-simd resize=on_the_fly num_workers=4 per rank" % c.ymd(-830)])
    c.log(hosts[0] + "/pod/clip-vitl-worker-0", r)
    for h in hosts:
        c.node_metric("node_cpu_utilization_ratio", {"instance": h}, lambda s: 0.35 if s < -830 else 0.99, decimals=3)
        dcgm(c, h, util={g: (lambda s, n: n if s < -830 else 41 + c.rng.uniform(-8, 8)) for g in range(8)})
    health_all(c, hosts[0])
    for g in range(8):
        c.pcie("gpu.pcie_bandwidth@%s/gpu%d" % (hosts[0], g))
    return c


def k036():
    """Checkpoint save hits ENOSPC on the shared file system; ranks waiting in the barrier after
    it time out (misleading watchdog; job-wide)."""
    hosts = ["dgx-%03d" % i for i in (200, 201)]
    c = ck.Case("case-k036", "storage_failure", "job", hosts, gpu=H100)
    c.alert("NCCLWatchdogTimeout", "watchdog timeout on 15 ranks of job llm-7b", job="llm-7b", node=hosts[1])
    c.log(hosts[0] + "/rank0/stderr", ck.megatron_iters(c, -1100, 10, 4990, step_s=3.3) + [
        "%s saving checkpoint at iteration    5000 to /lustre/proj/llm-7b/ckpt" % c.ymd(-1060),
        "Traceback (most recent call last):",
        '  File "/opt/megatron/megatron/core/dist_checkpointing/strategies/filesystem_async.py", line 291, in write_preloaded_data',
        "    torch.save(obj, f)",
        "OSError: [Errno 28] No space left on device: '/lustre/proj/llm-7b/ckpt/iter_0005000/__0_1.distcp'",
    ])
    c.log(hosts[1] + "/rank8/stderr", ck.watchdog(c, 8, -450, 120111, op="BARRIER", numel=1))
    c.log(hosts[0] + "/journal", ck.kernel_noise(c, hosts[0], 5) + [
        "%s %s kernel: LustreError: 11-0: proj-OST0007-osc-ff3a10e4a9d12000: operation ost_write to node 10.5.0.17@o2ib failed: rc = -28" % (c.syslog(-1055), hosts[0])])
    c.node_metric("lustre_available_kilobytes", {"target": "proj-OST0007"}, lambda s: max(0, 1.2e9 - (s + 1260) * 1.5e6), decimals=0)
    health_all(c, hosts[0])
    c.nccl("nccl.allreduce@job")
    return c


def k037():
    """torchrun with --nnodes 4 but only 3 nodes allocated: rendezvous never completes (job)."""
    hosts = ["slurm-h100-%02d" % i for i in (5, 6, 7)]
    c = ck.Case("case-k037", "launch_config_error", "job", hosts, gpu=H100)
    c.alert("JobStuckStarting", "job sft-8b has not logged a step 15 min after start", job="sft-8b", node=hosts[0])
    c.log(hosts[0] + "/torchrun", [
        "W%s 3311 torch/distributed/run.py:779] *****************************************" % c.glog(-900)[1:],
        "I%s 3311 torch/distributed/launcher/api.py:188] Starting elastic_operator with launch configs:" % c.glog(-899)[1:],
        "  entrypoint       : train.py",
        "  min_nodes        : 4",
        "  max_nodes        : 4",
        "  nproc_per_node   : 8",
        "  rdzv_backend     : c10d",
        "  rdzv_endpoint    : slurm-h100-05:29500",
        "I%s 3311 torch/distributed/elastic/agent/server/api.py:840] [default] starting workers for entrypoint: python" % c.glog(-898)[1:],
        "I%s 3311 torch/distributed/elastic/agent/server/api.py:677] [default] Rendezvous'ing worker group" % c.glog(-897)[1:],
        "torch.distributed.DistStoreError: Timed out after 901 seconds waiting for clients. 3/4 clients joined.",
    ])
    c.log("scheduler/slurmctld", [
        "[%s] sched: Allocate JobId=77410 NodeList=slurm-h100-[05-07] #CPUs=672 Partition=gpu" % c.iso(-905)[:-1],
        "[%s] JobId=77410 submit line: sbatch -N 3 --gres=gpu:8 run.sh (run.sh: torchrun --nnodes=4 ...)" % c.iso(-910)[:-1],
    ] + ["[%s] _slurm_rpc_submit_batch_job: JobId=%d InitPrio=4294901 usec=812" % (c.iso(-1200 + 30 * i)[:-1], 77400 + i) for i in range(8)])
    for h in hosts:
        dcgm(c, h, util={g: (lambda s, n: 0) for g in range(8)})
    for h in hosts:
        c.nccl("nccl.allreduce@%s" % h)
        c.inventory("gpu.inventory@%s/gpu0" % h)
    return c


def k038():
    """Every rank OOMs on the first step after the sequence length went from 4k to 16k (job-wide;
    DeepSpeed ZeRO-3, older PyTorch OOM wording)."""
    hosts = ["azr-nd96-%02d" % i for i in (4, 5)]
    c = ck.Case("case-k038", "cuda_oom", "job", hosts, gpu=A100)
    c.alert("JobFailed", "job longctx-sft exited 1 on 16 ranks", job="longctx-sft", node=hosts[0])
    r = ["[%s] [INFO] [config.py:1000:print] seq_length ............. 16384" % c.ymd_ms(-500),
         "[%s] [INFO] [config.py:1000:print] train_micro_batch_size_per_gpu 4" % c.ymd_ms(-500),
         "[%s] [INFO] [stage3.py:1850:_configure_tensor_swapping] ZeRO stage 3, offload_param none" % c.ymd_ms(-499)]
    r += ck.app_noise(c, 5)
    for rk in (0, 3, 6):
        r.append("RuntimeError: CUDA out of memory. Tried to allocate 8.00 GiB (GPU %d; 79.15 GiB total capacity; 70.88 GiB already allocated; 6.02 GiB free; 71.90 GiB reserved in total by PyTorch) If reserved memory is >> allocated memory try setting max_split_size_mb to avoid fragmentation." % rk)
    c.log(hosts[0] + "/deepspeed.log", r)
    c.log(hosts[1] + "/rank9/stderr", [
        "RuntimeError: CUDA out of memory. Tried to allocate 8.00 GiB (GPU 1; 79.15 GiB total capacity; 70.91 GiB already allocated; 5.98 GiB free; 71.94 GiB reserved in total by PyTorch)",
        "[%s] [ERROR] [launch.py:321:sigkill_handler] ['/usr/bin/python', '-u', 'sft.py', '--local_rank=1'] exits with return code = 1" % c.ymd_ms(-300),
    ] + ck.app_noise(c, 8))
    for h in hosts:
        c.gpu_metric("DCGM_FI_DEV_FB_USED", h, 76500, 900, decimals=0, over={g: (lambda s, n: n if s < -300 else 600) for g in range(8)})
    health_all(c, hosts[1])
    return c


def k039():
    """Xid 31 MMU fault on one GPU and a rank dying with an illegal address: hardware or code?
    gpu.health, gpu.sdc and gemm pass, no ECC: the code (a custom fused kernel on one
    tensor-parallel shape) (probe decides; H100, Slurm)."""
    hosts = ["gh-%03d" % i for i in (12, 13)]
    c = ck.Case("case-k039", "illegal_memory_access", "gh-013/gpu5", hosts, gpu=H100)
    bad = hosts[1]
    c.alert("SlurmJobFailed", "job 310144 (moe-dbg) failed: rank 13 exit 1", job="moe-dbg", node=bad)
    c.log(bad + "/rank13/stderr", ck.megatron_iters(c, -187, 12, 700, step_s=3.9) + [
        "[rank13]: Traceback (most recent call last):",
        '[rank13]:   File "/opt/ext/fused_moe/permute.py", line 77, in forward',
        "[rank13]:     out = _C.permute_tokens(x, idx, num_out)",
        "[rank13]: RuntimeError: CUDA error: an illegal memory access was encountered",
        "[rank13]: Compile with `TORCH_USE_CUDA_DSA` to enable device-side assertions.",
    ])
    c.log(bad + "/journal", ck.kernel_noise(c, bad, 5) + [
        "%s %s kernel: NVRM: Xid (PCI:0000:ab:00): 31, pid=411230, name=python, Ch 00000018, intr 00000000. MMU Fault: ENGINE GRAPHICS GPC3 GPCCLIENT_T1_5 faulted @ 0x7f3a_9e200000. Fault is of type FAULT_PDE ACCESS_TYPE_VIRT_WRITE" % (c.syslog(-140), bad),
    ])
    c.log(hosts[0] + "/rank2/stderr", ck.watchdog(c, 2, -5, 9120, op="ALLTOALL_BASE", numel=4194304) + ck.app_noise(c, 3))
    dcgm(c, bad, util={5: lambda s, n: n if s < -140 else 0})
    c.health_rates("gpu.health@%s/gpu5" % bad, xid_last=31)
    health_all(c, bad, skip=(5,))
    c.sdc("gpu.sdc@%s" % bad)
    c.gemm("gpu.gemm@%s/gpu5" % bad)
    c.hbm("gpu.hbm_bandwidth@%s/gpu5" % bad)
    return c


def k040():
    """Pod OOMKilled by its cgroup limit: DataLoader workers die with SIGKILL (node memory;
    Kubernetes, FSDP)."""
    hosts = ["aks-ndh100-%s" % x for x in ("3311", "3312")]
    c = ck.Case("case-k040", "host_oom", "aks-ndh100-3312", hosts, gpu=H100)
    bad = hosts[1]
    c.alert("KubePodOOMKilled", "container trainer in pod audio-fsdp-worker-1 OOMKilled", pod="audio-fsdp-worker-1", node=bad, namespace="speech")
    c.log(bad + "/pod/audio-fsdp-worker-1", ck.fsdp_steps(c, -190, 16, 23000, rank=8) + [
        "[rank11]: RuntimeError: DataLoader worker (pid 31337) is killed by signal: Killed. ",
        "[rank11]: Traceback (most recent call last):",
        '[rank11]:   File "/usr/local/lib/python3.11/site-packages/torch/utils/data/dataloader.py", line 1133, in _try_get_data',
        "[rank11]: RuntimeError: DataLoader worker (pid(s) 31337, 31338) exited unexpectedly",
    ])
    c.log("scheduler/events", [
        "%s Warning OOMKilling node/%s Memory cgroup out of memory: Killed process 31337 (pt_data_worker) total-vm:84120332kB, anon-rss:71002231kB" % (c.iso(-160), bad),
        "%s Normal Killing pod/audio-fsdp-worker-1 Stopping container trainer" % c.iso(-150),
        "%s Warning BackOff pod/audio-fsdp-worker-1 Back-off restarting failed container trainer (exit code 137, reason OOMKilled)" % c.iso(-30),
    ])
    c.node_metric("container_memory_working_set_bytes", {"pod": "audio-fsdp-worker-1", "node": bad}, lambda s: min(1.6e12, 9e11 + (s + 1260) * 6.5e8), decimals=0)
    c.node_metric("kube_pod_container_resource_limits_memory_bytes", {"pod": "audio-fsdp-worker-1", "node": bad}, lambda s: 1.6e12, decimals=0)
    dcgm(c, bad)
    health_all(c, bad)
    return c


def k041():
    """NaN on every rank at the same iteration, after the LR warmup ends; looks like it could be
    SDC or ECC; all nodes' gpu.sdc and gpu.health pass (probe decides; H200 Megatron)."""
    hosts = ["cs-h200-%02d" % i for i in (40, 41, 42, 43)]
    c = ck.Case("case-k041", "loss_divergence", "job", hosts, gpu=H200)
    c.alert("TrainingLossNaN", "NaN loss in job dense-90b on 32 ranks", job="dense-90b", node=hosts[2])
    lossf = lambda i: 2.22 + c.rng.uniform(-0.02, 0.02) if i < 19 else (4.9 if i == 19 else (11.3 if i == 20 else float("nan")))
    gradf = lambda i: 0.3 * c.rng.uniform(0.9, 1.2) if i < 18 else (8.1 if i < 20 else float("nan"))
    c.log(hosts[0] + "/rank0/stderr", ck.megatron_iters(c, -800, 24, 2980, step_s=7.2, lr=6e-4, loss_fn=lossf, grad_fn=gradf, nan_fn=lambda i: max(0, i - 20)))
    c.log(hosts[2] + "/rank20/stderr", ["%s rank 20 iteration 3001: found NaN in local grad norm" % c.ymd(-30), "%s rank 20 iteration 3002: found NaN in local grad norm" % c.ymd(-23)] + ck.app_noise(c, 6))
    for h in hosts[:2]:
        dcgm(c, h)
    for h in hosts:
        c.sdc("gpu.sdc@%s" % h)
    health_all(c, hosts[2])
    return c


def k042():
    """Megatron fp16: loss scale halves every few iterations and skipped iterations pile up;
    no NaN reported in the loss itself (job-wide)."""
    hosts = ["a100-r2-%02d" % i for i in (9, 10)]
    c = ck.Case("case-k042", "fp16_loss_scale_collapse", "job", hosts, gpu=A100)
    c.alert("TrainingProgressStalled", "consumed samples flat while job bert-xl-fp16 runs", job="bert-xl-fp16", node=hosts[0])
    scale = lambda i: max(1.0, 131072.0 / 2 ** (i // 2))
    c.log(hosts[0] + "/rank0/stderr", ck.megatron_iters(c, -1000, 36, 88000, step_s=2.1, scale_fn=scale,
                                                        skipped_fn=lambda i: min(100, 20 + i * 2), loss_fn=lambda i: 1.93 + c.rng.uniform(-0.005, 0.005)))
    for h in hosts:
        dcgm(c, h)
    health_all(c, hosts[0])
    return c


def k043():
    """FP8 recipe breakdown on H100: TE reports non-finite amax and the loss jumps; restarting from
    the checkpoint in bf16 runs clean (job-wide)."""
    hosts = ["h100-te-%02d" % i for i in (1, 2)]
    c = ck.Case("case-k043", "fp8_scaling_overflow", "job", hosts, gpu=H100)
    c.alert("LossSpike", "loss 2.9x trend, job nemotron-fp8", job="nemotron-fp8", node=hosts[0])
    r = ck.megatron_iters(c, -1100, 22, 7700, step_s=4.0, loss_fn=lambda i: 1.88 + c.rng.uniform(-0.02, 0.02) if i < 15 else 5.5)
    r = ck.insert_at(r, 0.7, [
        "/usr/local/lib/python3.10/dist-packages/transformer_engine/pytorch/fp8.py:512: UserWarning: Non-finite amax encountered in fp8 meta tensors (forward, layer decoder.layers.17.self_attention.linear_proj); scale will be reset",
        "[TE] FP8 scaling factor underflow: fwd scale for GEMM 3 of layer 17 = 0.0 (E4M3, margin 0, amax_compute_algo=max)",
    ])
    c.log(hosts[0] + "/rank0/stderr", r)
    c.log(hosts[0] + "/ops-notes", ["%s resumed from iter_0007700 with --fp8-format none (bf16): loss 1.87 at iter 7710, clean" % c.ymd(-100 + 3 * i) if i == 0 else "%s bf16 iteration %d lm loss %.3f" % (c.ymd(-100 + 3 * i), 7700 + i, 1.87 + c.rng.uniform(-0.02, 0.02)) for i in range(6)])
    dcgm(c, hosts[0])
    health_all(c, hosts[0])
    return c


def k044():
    """Step time doubles after a data mix change; all-to-all shows in the profile so the network is
    suspected; nccl.alltoall at full bandwidth; router statistics show collapse (probe decides)."""
    hosts = ["xai-h100-%03d" % i for i in (501, 502, 503, 504)]
    c = ck.Case("case-k044", "moe_expert_imbalance", "job", hosts, gpu=H100)
    c.alert("StepTimeRegression", "step time 2.0x in job deepseek-moe-cpt; all-to-all 61% of step", job="deepseek-moe-cpt", node=hosts[0])
    r = ck.megatron_iters(c, -1000, 24, 110, step_s=7.0, step_fn=lambda i: 7.0 if i < 8 else 14.1)
    r = ck.insert_at(r, 0.4, [
        "%s [data] switched blend to code-heavy mix v7 at iteration 118" % c.ymd(-940),
        "%s [moe] expert load (layer 9, 64 experts): max 0.211 min 0.000 mean 0.0156 | aux loss 1.2e-3" % c.ymd(-600),
        "%s [moe] expert load (layer 21, 64 experts): max 0.305 min 0.000 mean 0.0156 | 41 experts < 0.001" % c.ymd(-500),
    ])
    c.log(hosts[0] + "/rank0/stderr", r)
    c.log(hosts[0] + "/profile-summary", ["kernel %s %.1f%%" % (k, v) for k, v in (("ncclDevKernel_SendRecv", 61.2), ("sm90_xmma_gemm_bf16", 22.1), ("flash_fwd_kernel", 7.4))] + ck.app_noise(c, 4))
    for h in hosts[:2]:
        dcgm(c, h, util={g: (lambda s, n, g=g: n if s < -900 else (95 if g in (2, 5) else 48)) for g in range(8)})
    c.nccl("nccl.alltoall@job")
    for h in hosts:
        c.nccl("nccl.alltoall@%s" % h)
    health_all(c, hosts[0])
    return c


def k045():
    """A forgotten notebook process shares GPU 6 of one node with the training rank (straggler)."""
    hosts = ["lab-h100-%02d" % i for i in (1, 2)]
    c = ck.Case("case-k045", "straggler_rank", "lab-h100-02/gpu6", hosts, gpu=H100)
    bad = hosts[1]
    c.alert("StragglerDetected", "rank 14 slowest in 96% of the last 200 steps", job="sft-qwen", node=bad, rank="14")
    c.log(hosts[0] + "/rank0/stderr", ck.deepspeed_steps(c, -800, 22, 3000, step_fn=lambda i: 2.3 * (1 if i < 7 else 1.35)))
    c.log(bad + "/nvidia-smi", [
        "+-----------------------------------------------------------------------------------------+",
        "| Processes:                                                                              |",
        "|  GPU   GI   CI        PID   Type   Process name                              GPU Memory |",
        "|    5   N/A  N/A    201311      C   /usr/bin/python3                              71022MiB |",
        "|    6   N/A  N/A    201312      C   /usr/bin/python3                              58110MiB |",
        "|    6   N/A  N/A    188004      C   /opt/conda/bin/python (ipykernel_launcher)    19880MiB |",
        "|    7   N/A  N/A    201313      C   /usr/bin/python3                              71001MiB |",
        "+-----------------------------------------------------------------------------------------+",
    ] + ck.kernel_noise(c, bad, 4))
    c.gpu_metric("DCGM_FI_DEV_FB_USED", bad, 71000, 300, decimals=0, over={6: lambda s, n: 77990})
    dcgm(c, bad)
    health_all(c, bad)
    gemm_all(c, bad, bad={6: 402.0})
    return c


def k046():
    """Throughput down 45%, GPU util saw-tooth; no comm errors, and all GPU, PCIe and NCCL probes
    pass: tokenisation workers cannot keep up (probe rules out hardware; TorchTitan)."""
    hosts = ["titan-h200-%02d" % i for i in (1, 2)]
    c = ck.Case("case-k046", "dataloader_stall", "job", hosts, gpu=H200)
    c.alert("TrainingThroughputDrop", "tps down 45% on job titan-8b-multilingual", job="titan-8b-multilingual", node=hosts[0])
    r = ck.fsdp_steps(c, -900, 30, 12000, step_fn=lambda i: 1.5 if i < 8 else 2.7 + c.rng.uniform(-0.6, 0.6))
    r = ck.insert_at(r, 0.3, [
        "[rank0]:[titan] %s - root - WARNING - dataloader: waited 1.41s for batch (prefetch queue empty, 8 workers)" % c.ymd_ms(-700),
        "[rank0]:[titan] %s - root - INFO - dataset switched to shard set multilingual-v3 (on-the-fly sentencepiece tokenisation)" % c.ymd_ms(-760),
    ])
    c.log(hosts[0] + "/rank0/stderr", r)
    for h in hosts:
        c.node_metric("node_load1", {"instance": h}, lambda s: 42 if s < -760 else 221 + c.rng.uniform(-5, 5), decimals=1)
        dcgm(c, h, util={g: (lambda s, n: n if s < -760 else c.rng.choice([12, 30, 97, 98, 99, 55])) for g in range(8)})
    health_all(c, hosts[0])
    gemm_all(c, hosts[0])
    for g in range(8):
        c.pcie("gpu.pcie_bandwidth@%s/gpu%d" % (hosts[0], g))
    c.nccl("nccl.allreduce@job")
    return c


def k047():
    """NFS server not responding: rank 0 blocks in the checkpoint write, every other rank times
    out in the next collective (misleading watchdog; job-wide)."""
    hosts = ["ws-a100-%02d" % i for i in (3, 4, 5, 6)]
    c = ck.Case("case-k047", "storage_failure", "job", hosts, gpu=A100)
    c.alert("NCCLWatchdogTimeout", "watchdog timeout on 31 ranks, job paligemma-ft", job="paligemma-ft", node=hosts[1])
    c.log(hosts[0] + "/rank0/stderr", ck.deepspeed_steps(c, -1200, 10, 1990) + [
        "[%s] [INFO] [engine.py:3490:_save_checkpoint] Saving model checkpoint: /mnt/nfs/ckpt/paligemma/global_step2000/mp_rank_00_model_states.pt" % c.ymd_ms(-1150),
        "[%s] [INFO] [torch_checkpoint_engine.py:21:save] [Torch] Saving /mnt/nfs/ckpt/paligemma/global_step2000/zero_pp_rank_0_mp_rank_00_optim_states.pt..." % c.ymd_ms(-1149),
    ])
    c.log(hosts[1] + "/rank8/stderr", ck.watchdog(c, 8, -500, 40112, op="ALLREDUCE", numel=1, timeout_ms=600000))
    c.log(hosts[0] + "/journal", ck.kernel_noise(c, hosts[0], 4) + [
        "%s %s kernel: nfs: server nfs-ckpt-01 not responding, still trying" % (c.syslog(-1140 + 200 * i), hosts[0]) for i in range(4)
    ] + ["%s %s kernel: INFO: task python:55101 blocked for more than 122 seconds." % (c.syslog(-1000), hosts[0]),
         "%s %s kernel: Call Trace: nfs_wait_on_request+0x1c/0x30 [nfs]" % (c.syslog(-1000), hosts[0])])
    c.node_metric("node_nfs_rpc_retransmissions_total", {"instance": hosts[0]}, lambda s: 3 if s < -1150 else 3 + (s + 1150) * 0.8, decimals=0)
    health_all(c, hosts[0])
    c.nccl("nccl.allreduce@job")
    return c


def k048():
    """One node came back from maintenance with a newer image: its ranks fail at CUDA init with a
    driver/runtime mismatch; the rendezvous on the others then times out (node image)."""
    hosts = ["dgx-a100-%02d" % i for i in (21, 22, 23)]
    c = ck.Case("case-k048", "launch_config_error", "dgx-a100-23", hosts, gpu=A100)
    bad = hosts[2]
    c.alert("SlurmJobFailed", "job 77102 (vlm-pt) failed at startup", job="vlm-pt", node=hosts[0])
    c.log(bad + "/rank16/stderr", [
        "Traceback (most recent call last):",
        '  File "/workspace/train.py", line 40, in <module>',
        "    torch.cuda.set_device(local_rank)",
        "RuntimeError: The NVIDIA driver on your system is too old (found version 12020). Please update your GPU driver by downloading and installing a new version from the URL: http://www.nvidia.com/Download/index.aspx Alternatively, go to: https://pytorch.org to install a PyTorch version that has been compiled with your version of the CUDA driver.",
    ])
    c.log(bad + "/journal", ck.kernel_noise(c, bad, 5) + [
        "%s %s kernel: nvidia: module license 'NVIDIA' taints kernel." % (c.syslog(-1500), bad),
        "%s %s kernel: NVRM: loading NVIDIA UNIX x86_64 Kernel Module  535.129.03  Thu Oct 19 18:56:32 UTC 2023" % (c.syslog(-1500), bad),
        "%s %s slurmd[2012]: node image vlm-base:2026.11 (torch 2.5.1+cu124) applied after maintenance" % (c.syslog(-1400), bad)])
    c.log(hosts[0] + "/torchrun", ["E%s 2211 torch/distributed/elastic/rendezvous/dynamic_rendezvous.py:1121] The node 'dgx-a100-21_2211_0' has failed to join the rendezvous: timed out waiting for 2 more nodes" % c.glog(-30)[1:],
                                   "torch.distributed.elastic.rendezvous.api.RendezvousTimeoutError"] + ck.app_noise(c, 8))
    for h in hosts:
        c.inventory("gpu.inventory@%s/gpu0" % h, details={"driver": "535.129.03", "cuda": "12.2"} if h == bad else None)
    health_all(c, bad)
    return c


def k049():
    """One rank is killed by a segfault in the pinned-memory thread; its peers log IB retry-exceeded
    and the alert says network. Port counters are clean and the job-wide all-reduce passes
    afterwards (probe decides; Megatron, H200)."""
    hosts = ["ib-h200-%02d" % i for i in (31, 32, 33, 34)]
    c = ck.Case("case-k049", "rank_process_crash", "ib-h200-33/gpu4", hosts, gpu=H200)
    bad = hosts[2]
    c.alert("NCCLNetworkError", "IBV_WC_RETRY_EXC_ERR on 7 ranks of job mm-34b", job="mm-34b", node=hosts[0])
    for h, rk in ((hosts[0], 4), (hosts[1], 12), (hosts[3], 28)):
        c.log("%s/rank%d/stderr" % (h, rk), [
            "%s:%d:%d [4] NCCL WARN NET/IB : Got completion from peer 10.77.3.33<40211> with status=12 opcode=0 len=0 vendor err 129 (Send) localGid ::ffff:10.77.3.%d remoteGids::ffff:10.77.3.33 hca mlx5_4" % (h, 3000 + rk, 3100 + rk, 31 + hosts.index(h)),
            "%s:%d:%d [4] NCCL INFO transport/net.cc:1302 -> 6" % (h, 3000 + rk, 3100 + rk),
            "[rank%d]: torch.distributed.DistBackendError: NCCL error: remote process exited or there was a network error" % rk,
        ])
    c.log(bad + "/rank20/stderr", ck.megatron_iters(c, -180, 15, 400, step_s=6.0) + [
        "Fatal Python error: Segmentation fault",
        "",
        "Thread 0x00007f8a1d7fe640 (most recent call first):",
        '  File "/usr/local/lib/python3.10/dist-packages/torch/utils/data/_utils/pin_memory.py", line 25 in do_one_step',
        "Current thread 0x00007f8b9c4a8740 (most recent call first):",
        '  File "/workspace/megatron/training/training.py", line 788 in train_step',
    ])
    c.log(bad + "/torchrun", ck.elastic_failure(c, -80, bad, 20, 4, -11, sig="SIGSEGV"))
    for h in hosts:
        c.node_metric("node_infiniband_link_downed_total", {"instance": h, "device": "mlx5_4", "port": "1"}, lambda s: 0, decimals=0)
    c.nccl("nccl.allreduce@job")
    for h in hosts:
        c.nccl("nccl.allreduce@%s" % h)
    health_all(c, bad)
    return c


def k050():
    """Straggler alert; the DCGM exporter on the node is down (no temperature series); gpu.health
    shows HW thermal slowdown on one GPU, gemm low there (probe decides)."""
    hosts = ["c%02d-h100" % i for i in (11, 12, 13, 14)]
    c = ck.Case("case-k050", "gpu_thermal_throttle", "c13-h100/gpu1", hosts, gpu=H100)
    bad = hosts[2]
    c.alert("StragglerDetected", "rank 17 compute 1.4x median", job="pt-llama-33b", node=bad, rank="17")
    c.log(hosts[0] + "/rank0/stderr", ck.megatron_iters(c, -900, 24, 900, step_s=5.0, step_fn=lambda i: 5.0 * (1 if i < 9 else 1.38)))
    c.log(bad + "/journal", ck.kernel_noise(c, bad, 5) + [
        "%s %s systemd[1]: dcgm-exporter.service: Main process exited, code=exited, status=1/FAILURE" % (c.syslog(-1300), bad),
        "%s %s systemd[1]: dcgm-exporter.service: Failed with result 'exit-code'." % (c.syslog(-1300), bad),
        "%s %s systemd[1]: dcgm-exporter.service: Start request repeated too quickly." % (c.syslog(-1290), bad),
    ])
    dcgm(c, hosts[0])
    c.health_rates("gpu.health@%s/gpu1" % bad, temperature_c=91, sm_clock_mhz=1140, clock_event_reasons=0x40)
    health_all(c, bad, skip=(1,))
    gemm_all(c, bad, bad={1: 399.0})
    return c


def k051():
    """All ranks time out in ALLREDUCE; one rank took a different branch (an eval step triggered
    by a local counter) and waits in an ALLGATHER no one else calls (hang; Slurm, FSDP)."""
    hosts = ["sl-h100-%02d" % i for i in (81, 82)]
    c = ck.Case("case-k051", "nccl_collective_hang", "job", hosts, gpu=H100)
    c.alert("NCCLWatchdogTimeout", "watchdog timeouts on all 16 ranks of job fsdp-ablate-3", job="fsdp-ablate-3", node=hosts[0])
    c.log(hosts[0] + "/rank0/stderr", ck.fsdp_steps(c, -662, 12, 4990) + ck.watchdog(c, 0, -10, 80112, op="ALLREDUCE", numel=1))
    c.log(hosts[1] + "/rank8/stderr", [
        "%s | INFO | eval | rank 8 local step counter hit eval_every=5000, starting evaluation" % c.ymd(-640),
    ] + ck.watchdog(c, 8, -9, 80112, op="_ALLGATHER_BASE", numel=25690112) + ck.app_noise(c, 4))
    c.log(hosts[1] + "/rank9/stderr", ck.watchdog(c, 9, -9, 80112, op="ALLREDUCE", numel=1))
    for h in hosts:
        dcgm(c, h)
    health_all(c, hosts[1])
    return c


def k052():
    """Xid 79 on an A100 under Kubernetes; peers on other nodes log IB flush errors and the NCCL
    abort is what the alert shows (fallen off the bus)."""
    hosts = ["aks-a100-%d" % i for i in (20, 21, 22)]
    c = ck.Case("case-k052", "gpu_fallen_off_bus", "aks-a100-22/gpu0", hosts, gpu=A100, pci=ck.PCI_BUS_B)
    bad = hosts[2]
    c.alert("PyTorchJobFailed", "job asr-conformer failed: ncclRemoteError on worker-0", job="asr-conformer", node=hosts[0])
    c.log(hosts[0] + "/pod/asr-conformer-worker-0", ck.deepspeed_steps(c, -223, 10, 500) + [
        "aks-a100-20:801:1022 [3] NCCL WARN NET/IB : Got completion from peer 10.244.2.7<33011> with status=5 opcode=1 len=0 vendor err 249 (Recv)",
        "[rank3]: torch.distributed.DistBackendError: NCCL error: remote process exited or there was a network error, NCCL version 2.18.5",
    ])
    c.log(bad + "/dmesg", ck.kernel_noise(c, bad, 5, fmt="dmesg") + [
        "%s NVRM: Xid (PCI:0000:19:00): 79, pid='<unknown>', name=<unknown>, GPU has fallen off the bus." % c.dmesg(-200),
        "%s NVRM: GPU 0000:19:00.0: GPU has fallen off the bus." % c.dmesg(-200),
        "%s NVRM: GPU 0000:19:00.0: GPU serial number is 1324021044112." % c.dmesg(-199),
        "%s NVRM: GPU 0000:19:00.0: RmInitAdapter failed! (0x26:0x56:1474)" % c.dmesg(-120),
        "%s NVRM: GPU 0000:19:00.0: rm_init_adapter failed, device minor number 0" % c.dmesg(-120),
    ])
    dcgm(c, bad, gone_after={0: -210})
    c.inventory("gpu.inventory@%s/gpu0" % bad, count=7)
    c.errored("gpu.health@%s/gpu0" % bad, "NVML_ERROR_GPU_IS_LOST", 0.4)
    health_all(c, bad, skip=(0,))
    return c


def k053():
    """Whole job slower after a datacenter power-capping policy hit one rack: one node's 8 GPUs run
    at a 500 W limit (SW power cap); nothing in the job logs explains it (probe decides)."""
    hosts = ["r14-h100-%02d" % i for i in (1, 2, 3, 4)]
    c = ck.Case("case-k053", "gpu_power_throttle", "r14-h100-03", hosts, gpu=H100)
    bad = hosts[2]
    c.alert("StepTimeRegression", "step time of gpt-neo-20b up 18%", job="gpt-neo-20b", node=hosts[0])
    c.log(hosts[0] + "/rank0/stderr", ck.insert_at(ck.megatron_iters(c, -1000, 30, 2000, step_s=4.0, step_fn=lambda i: 4.0 * (1 if i < 11 else 1.18)), 0.5, ck.app_noise(c, 5)))
    c.log(bad + "/journal", ck.kernel_noise(c, bad, 8))
    dcgm(c, bad, power={g: (lambda s, n: n if s < -720 else 497 + c.rng.uniform(0, 3)) for g in range(8)},
         clock={g: (lambda s, n: n if s < -720 else 1610 + c.rng.uniform(-40, 40)) for g in range(8)})
    dcgm(c, hosts[0])
    health_all(c, bad, bad={g: dict(power_limit_w=500, power_w=498, sm_clock_mhz=1600 + 5 * g, clock_event_reasons=0x4) for g in range(8)})
    health_all(c, hosts[0])
    return c


def k054():
    """Loss goes NaN on all ranks (looks like divergence); the node's dmesg ring buffer no longer
    holds the Xid and ECC fields are not exported; gpu.health shows a volatile DBE on one GPU while
    gpu.sdc passes everywhere (probe decides; H200)."""
    hosts = ["sea-h200-%02d" % i for i in (70, 71, 72, 73)]
    c = ck.Case("case-k054", "gpu_memory_uncorrectable_ecc", "sea-h200-71/gpu7", hosts, gpu=H200)
    bad = hosts[1]
    c.alert("TrainingLossNaN", "lm loss nan at iteration 61044, job gpt-sea-65b", job="gpt-sea-65b", node=hosts[0])
    lossf = lambda i: 2.01 + c.rng.uniform(-0.02, 0.02) if i < 20 else float("nan")
    c.log(hosts[0] + "/rank0/stderr", ck.megatron_iters(c, -900, 24, 61024, step_s=6.4, loss_fn=lossf, nan_fn=lambda i: max(0, i - 19)))
    c.log(bad + "/dmesg", ck.kernel_noise(c, bad, 7, fmt="dmesg"))
    dcgm(c, bad)
    for h in hosts:
        c.sdc("gpu.sdc@%s" % h)
    c.health_rates("gpu.health@%s/gpu7" % bad, ecc_dbe_volatile=1, ecc_dbe_aggregate=1, remapped_rows_uncorrectable=1, remap_pending=0)
    health_all(c, bad, skip=(7,))
    return c


CASES = [k001, k002, k003, k004, k005, k006, k007, k008, k009, k010, k011, k012, k013, k014,
         k015, k016, k017, k018, k019, k020, k021, k022, k023, k024, k025, k026,
         k027, k028, k029, k030, k031, k032, k033, k034, k035, k036, k037,
         k038, k039, k040, k041, k042, k043, k044, k045, k046, k047, k048, k049, k050, k051,
         k052, k053, k054]


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default=os.path.dirname(os.path.abspath(__file__)))
    args = ap.parse_args()
    n = ck.write_cases([f() for f in CASES], args.out)
    print("wrote %d cases to %s" % (n, args.out))


if __name__ == "__main__":
    main()
