#!/usr/bin/env python3
"""holdout15: diagnosis cases written after reasoner freeze 13 (stdlib only, deterministic).

Every case is a hand-written function below; casekit supplies only timestamps, background training
lines, noise, metric series and probe bookkeeping. Usage: holdout15_cases.py [--out DIR]
(default: the directory of this file). Whoever tunes the reasoner or the knowledge pack must not
read this file: the comments explain each case.
"""

import argparse
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
import casekit as ck  # noqa: E402

H100 = "NVIDIA H100 80GB HBM3"
H200 = "NVIDIA H200"
A100 = "NVIDIA A100-SXM4-80GB"


# ------------------------------------------------------------------ helpers (no answers in them)
def dcgm(c, host, fault=None, lost=None, which=("temp", "power", "clock", "util"), util=97.0):
    """DCGM series for every GPU of `host`. `fault` maps gpu -> {metric: fn(s, v)}; `lost` maps
    gpu -> offset after which that GPU's series stop (the exporter can no longer read it)."""
    fault = fault or {}
    lost = lost or {}
    spec = c.spec
    table = {
        "temp": ("DCGM_FI_DEV_GPU_TEMP", 54.0, 5.0, 0),
        "memtemp": ("DCGM_FI_DEV_MEMORY_TEMP", 58.0, 4.0, 0),
        "power": ("DCGM_FI_DEV_POWER_USAGE", 0.8 * spec["tdp"], 0.07 * spec["tdp"], 1),
        "clock": ("DCGM_FI_DEV_SM_CLOCK", spec["clock"] * 0.97, 25.0, 0),
        "util": ("DCGM_FI_DEV_GPU_UTIL", util, 3.0, 0),
    }
    for key in which:
        name, base, jit, dec = table[key]
        over = {}
        for g in set(fault) | set(lost):
            fn = fault.get(g, {}).get(key)
            t = lost.get(g)

            def f(s, v, fn=fn, t=t):
                if t is not None and s >= t:
                    return None
                return fn(s, v) if fn else v
            over[g] = f
        c.gpu_metric(name, host, base, jit, over=over, decimals=dec)


def after(t, val, before=None):
    """fn(s, v): `val` (a number or fn(s, v)) from offset t on, else v (or `before`)."""
    def f(s, v):
        if s >= t:
            return val(s, v) if callable(val) else val
        return v if before is None else before
    return f


def each_gpu(c, host, kind, bad=None, skip=(), err=None, gpus=None):
    """Records probe `kind` (health, gemm, hbm, pcie, kernel_launch, inventory) on every GPU of
    `host`; `bad` maps gpu -> kwargs for that GPU, `err` maps gpu -> error reason."""
    bad = bad or {}
    err = err or {}
    name = {"health": "gpu.health", "gemm": "gpu.gemm", "hbm": "gpu.hbm_bandwidth",
            "pcie": "gpu.pcie_bandwidth", "kernel_launch": "gpu.kernel_launch",
            "inventory": "gpu.inventory"}[kind]
    fn = {"health": c.health_rates, "gemm": c.gemm, "hbm": c.hbm, "pcie": c.pcie,
          "kernel_launch": c.kernel_launch, "inventory": c.inventory}[kind]
    for g in (range(c.gpus) if gpus is None else gpus):
        if g in skip:
            continue
        key = "%s@%s/gpu%d" % (name, host, g)
        if g in err:
            c.errored(key, err[g])
        else:
            fn(key, **bad.get(g, {}))


def train_until(c, kind, start, n, it0, **kw):
    f = {"megatron": ck.megatron_iters, "deepspeed": ck.deepspeed_steps, "fsdp": ck.fsdp_steps,
         "plain": ck.plain_steps}[kind]
    return f(c, start, n, it0, **kw)


def nvrm(c, host, s, xid, gpu, text, pid=None, name="python3", fmt="syslog"):
    pid = pid or c.rng.randrange(20000, 99999)
    body = "NVRM: Xid (PCI:%s): %d, pid=%d, name=%s, %s" % (c.bus(gpu), xid, pid, name, text)
    if fmt == "syslog":
        return "%s %s kernel: %s" % (c.syslog(s), host, body)
    return "%s %s" % (c.dmesg(s), body)


def timeouts(c, ranks, s, seq, **kw):
    out = []
    for r in ranks:
        out += ck.watchdog(c, r, s + c.rng.uniform(0, 1.5), seq, **kw)[:2]
    return out


# ------------------------------------------------------------------ cases
def m001():
    # Slurm Megatron on 4 H100 nodes; every rank logs a watchdog timeout, the cause is one GPU that
    # fell off the bus on the third node (its DCGM series stop, it is missing from the inventory).
    hosts = ["hpc-g017", "hpc-g018", "hpc-g019", "hpc-g020"]
    c = ck.Case("case-m001", "gpu_fallen_off_bus", "hpc-g019/gpu5", hosts, gpu=H100)
    c.alert("NCCLWatchdogTimeout", "32 of 32 ranks of job 881243 (llama3-70b-sft) hit the NCCL watchdog",
            job="llama3-70b-sft", node="hpc-g017", cluster="slurm-east")
    r0 = train_until(c, "megatron", -900, 30, 41220, step_s=5.8)
    r0 += timeouts(c, [0], -20, 182331, op="_ALLGATHER_BASE")
    r0 += ["[E ProcessGroupNCCL.cpp:1595] Process group watchdog thread terminated with exception"]
    c.log("hpc-g017/rank0/stderr", ck.app_noise(c, 4) + r0)
    c.log("hpc-g019/dmesg", ck.kernel_noise(c, "hpc-g019", 6, fmt="dmesg") + [
        "%s NVRM: GPU at PCI:%s.0: GPU-%s" % (c.dmesg(-642), c.bus(5), c.uuid("hpc-g019", 5)[4:]),
        "%s NVRM: GPU Board Serial Number: 1654023017442" % c.dmesg(-642),
        nvrm(c, "hpc-g019", -642, 79, 5, "GPU has fallen off the bus.", fmt="dmesg"),
        "%s NVRM: GPU 0000:%s:00.0: GPU has fallen off the bus." % (c.dmesg(-642.1), c.pci[5]),
        "%s NVRM: A GPU crash dump has been created. If possible, please run" % c.dmesg(-641),
        "%s NVRM: nvidia-bug-report.sh as root to collect this data before" % c.dmesg(-641),
        "%s NVRM: the NVIDIA kernel module is unloaded." % c.dmesg(-641),
        "%s pcieport 0000:%s:00.0: AER: Uncorrected (Fatal) error received: 0000:%s:00.0" % (
            c.dmesg(-643), "16", c.pci[5]),
    ])
    peers = [8, 9, 13, 20, 30]
    c.log("slurm/job-881243.err", timeouts(c, peers, -18, 182331, op="_ALLGATHER_BASE") + [
        "srun: error: hpc-g018: task 9: Exited with exit code 1",
        "srun: error: hpc-g020: tasks 24-31: Exited with exit code 1",
        "srun: error: hpc-g019: task 21: Killed",
        "slurmstepd: error: *** STEP 881243.0 ON hpc-g017 CANCELLED AT %s ***" % c.iso(-2)[:-1],
    ])
    for h in hosts:
        dcgm(c, h, lost={5: -640} if h == "hpc-g019" else None, which=("temp", "util"))
    each_gpu(c, "hpc-g019", "inventory", bad={g: {"count": 7} for g in range(8)},
             gpus=[5])
    each_gpu(c, "hpc-g019", "health", err={5: "nvmlDeviceGetHandleByIndex(5): GPU is lost"})
    each_gpu(c, "hpc-g018", "health")
    c.nccl("nccl.allreduce@hpc-g018")
    c.errored("nccl.allreduce@hpc-g019", "ncclCommInitRank failed: unhandled cuda error (cudaErrorDevicesUnavailable) on cudaDev 5")
    c.with_topology()
    return c


def m002():
    # Kubernetes FSDP on A100 pods: Xid 48 DBE on one GPU; its rank dies with "uncorrectable ECC
    # error encountered"; the other ranks fail on the broken communicator.
    hosts = ["a100-pool-7kq2x", "a100-pool-9fj4c"]
    c = ck.Case("case-m002", "gpu_memory_uncorrectable_ecc", "a100-pool-9fj4c/gpu2", hosts, gpu=A100,
                pci=ck.PCI_BUS_B)
    c.alert("KubeJobFailed", "PyTorchJob fsdp-mistral-ft/worker-1 failed (BackoffLimitExceeded)",
            job="fsdp-mistral-ft", namespace="research-nlp", node="a100-pool-9fj4c")
    rank = c.rank_of("a100-pool-9fj4c", 2)
    lines = ["[rank%d] %s" % (rank, x) for x in ck.plain_steps(c, -130, 25, 3100, step_s=3.4, loss=1.71)]
    lines += [
        "[rank%d]: Traceback (most recent call last):" % rank,
        '[rank%d]:   File "/workspace/train_fsdp.py", line 311, in train_step' % rank,
        "[rank%d]:     loss.backward()" % rank,
        "[rank%d]: RuntimeError: CUDA error: uncorrectable ECC error encountered" % rank,
        "[rank%d]: CUDA kernel errors might be asynchronously reported at some other API call, so the stacktrace below might be incorrect." % rank,
        "[rank%d]: For debugging consider passing CUDA_LAUNCH_BLOCKING=1" % rank,
        "[rank%d]: Compile with `TORCH_USE_CUDA_DSA` to enable device-side assertions." % rank,
    ]
    c.log("research-nlp/fsdp-mistral-ft-worker-1/pytorch", lines)
    c.log("a100-pool-9fj4c/journal", ck.kernel_noise(c, "a100-pool-9fj4c", 5) + [
        nvrm(c, "a100-pool-9fj4c", -38, 48, 2, "An uncorrectable double bit error (DBE) has been detected on GPU in the framebuffer at partition 3, subpartition 1."),
        nvrm(c, "a100-pool-9fj4c", -37, 63, 2, "Dynamic Page Retirement: New page marked for retirement, reboot to activate (0x0000000000d3a81c)."),
        "%s a100-pool-9fj4c kubelet[2210]: I1 pod_workers.go:1298] \"Error syncing pod, skipping\" pod=\"research-nlp/fsdp-mistral-ft-worker-1\"" % c.syslog(-20),
    ])
    c.log("research-nlp/fsdp-mistral-ft-worker-0/pytorch", [
        "[rank3]:[%s ProcessGroupNCCL.cpp:1785] [PG 0 (default_pg) Rank 3] Exception (either an error or timeout) detected by watchdog at work: 20913, last enqueued NCCL work: 20913, last completed NCCL work: 20912." % c.glog(-30, "E"),
        "[rank3]:[%s ProcessGroupNCCL.cpp:1578] [PG 0 (default_pg) Rank 3] NCCL watchdog thread terminated with exception: NCCL error: remote process exited or there was a network error, NCCL version 2.20.5" % c.glog(-30, "E"),
        "ncclRemoteError: A call failed possibly due to a network error or a remote process exiting prematurely.",
        "Last error:",
        "NET/IB : Got completion from peer 10.44.3.18<41023> with status=IBV_WC_REM_ACCESS_ERR(10) opcode=RDMA_WRITE(0) len=0 vendor_err=136 (Recv) localGid ::ffff:10.44.3.17 remoteGids::ffff:10.44.3.18 hca mlx5_1",
    ] + ck.app_noise(c, 14))
    for h in hosts:
        over = {2: {"temp": after(-40, lambda s, v: v + 1)}} if h == hosts[1] else None
        dcgm(c, h, fault=over, which=("temp", "power", "util"))
    c.gpu_metric("DCGM_FI_DEV_ECC_DBE_VOL_TOTAL", hosts[1], 0, 0, decimals=0,
                 over={2: after(-38, 2.0)})
    each_gpu(c, hosts[1], "health", bad={2: {"ecc_dbe_volatile": 2, "ecc_dbe_aggregate": 2,
                                             "retired_pages": 1, "xid_last": 48}})
    each_gpu(c, hosts[0], "health")
    c.with_topology()
    return c


def m003():
    # Prolog health check after a reboot: the node keeps failing Xid 64 on gpu6; nvidia-smi -q shows a
    # row-remapping failure. Jobs scheduled there fail the prolog (noise: other nodes fine).
    hosts = ["dgx-c21n04", "dgx-c21n05"]
    c = ck.Case("case-m003", "gpu_row_remap_failure", "dgx-c21n04/gpu6", hosts, gpu=H200)
    c.alert("SlurmNodeDrained", "dgx-c21n04 drained by prolog: gpu health check failed",
            node="dgx-c21n04", reason="prolog_gpu_check")
    c.log("dgx-c21n04/journal", ck.kernel_noise(c, "dgx-c21n04", 8) + [
        nvrm(c, "dgx-c21n04", -880, 94, 6, "Contained: SM (0x1). RST: No, D-RST: No"),
        nvrm(c, "dgx-c21n04", -879, 63, 6, "Row Remapper: New row (0x00000000006a3f20) marked for remapping, reset gpu to activate."),
        nvrm(c, "dgx-c21n04", -300, 64, 6, "Row Remapper: Failed to remap row (0x00000000006a3f24) - out of spare rows in bank."),
        "%s dgx-c21n04 slurmd[3011]: error: prolog failed: rc:1 output:gpu_check: GPU 6 (%s.0) remapping failure occurred" % (c.syslog(-20), c.bus(6)),
        "%s dgx-c21n04 slurmctld[1]: update_node: node dgx-c21n04 reason set to: prolog_gpu_check" % c.syslog(-5),
    ])
    c.log("dgx-c21n04/nvidia-smi-q", [
        "==============NVSMI LOG==============",
        "Timestamp                                 : %s" % c.at(-15).strftime("%a %b %d %H:%M:%S %Y"),
        "Driver Version                            : 550.127.05",
        "GPU 0000%s.0" % c.bus(6)[4:],
        "    Product Name                          : NVIDIA H200",
        "    ECC Errors",
        "        Volatile",
        "            SRAM Correctable              : 0",
        "            SRAM Uncorrectable            : 0",
        "            DRAM Correctable              : 14",
        "            DRAM Uncorrectable            : 2",
        "    Retired Pages",
        "        Single Bit ECC                    : N/A",
        "        Double Bit ECC                    : N/A",
        "    Remapped Rows",
        "        Correctable Error                 : 3",
        "        Uncorrectable Error               : 7",
        "        Pending                           : No",
        "        Remapping Failure Occurred        : Yes",
        "        Bank Remap Availability Histogram",
        "            Max                           : 639 bank(s)",
        "            High                          : 0 bank(s)",
        "            Partial                       : 1 bank(s)",
        "            Low                           : 0 bank(s)",
        "            None                          : 1 bank(s)",
    ])
    dcgm(c, "dgx-c21n04", which=("temp", "power"), util=0.0)
    each_gpu(c, "dgx-c21n04", "health", bad={6: {"remap_failure": 1, "remapped_rows_uncorrectable": 7,
                                                 "remapped_rows_correctable": 3, "xid_last": 64}})
    each_gpu(c, "dgx-c21n05", "health")
    c.hbm("gpu.hbm_bandwidth@dgx-c21n04/gpu6")
    c.with_topology()
    return c


def m004():
    # GSP RPC timeouts (Xid 119) on one GPU: the rank hangs in a collective, everyone times out,
    # nvidia-smi hangs on that node; health on that GPU times out, the others answer.
    hosts = ["gpu-h200-b12", "gpu-h200-b13", "gpu-h200-b14", "gpu-h200-b15"]
    c = ck.Case("case-m004", "gpu_firmware_error", "gpu-h200-b14/gpu1", hosts, gpu=H200)
    c.alert("TrainingStalled", "no iteration logged for 14m (torchtitan llama4-scout pretrain)",
            job="tt-llama4-scout", node="gpu-h200-b12")
    lines = ck.fsdp_steps(c, -1300, 18, 88012, step_s=6.2, tok_s=6600, mfu=44.0)
    lines += timeouts(c, [0], -150, 510227, op="REDUCE_SCATTER", timeout_ms=900000)
    c.log("gpu-h200-b12/rank0/stderr", lines + ck.app_noise(c, 3))
    c.log("gpu-h200-b14/dmesg", ck.kernel_noise(c, "gpu-h200-b14", 5, fmt="dmesg") + [
        nvrm(c, "gpu-h200-b14", -1040, 119, 1, "Timeout after 6s of waiting for RPC response from GPU1 GSP! Expected function 76 (GSP_RM_CONTROL) (0x20802a02 0x8).", fmt="dmesg"),
        "%s NVRM: GPU1 GSP RPC buffer contains function 76 (GSP_RM_CONTROL) and data 0x0000000020802a02 0x0000000000000008." % c.dmesg(-1040),
        "%s NVRM: GPU1 RPC history (CPU -> GSP):" % c.dmesg(-1040),
        "%s NVRM:     entry function                   data0              data1              ts_start           ts_end             duration actively_polling" % c.dmesg(-1040),
        "%s NVRM:      0    76   GSP_RM_CONTROL        0x0000000020802a02 0x0000000000000008 0x00062a1c3f5e0b31 0x0000000000000000          y" % c.dmesg(-1040),
        nvrm(c, "gpu-h200-b14", -1016, 119, 1, "Timeout after 6s of waiting for RPC response from GPU1 GSP! Expected function 10 (FREE) (0xa55a0040 0x0).", fmt="dmesg"),
        "%s NVRM: Xid (PCI:%s): 154, GPU recovery action changed from 0x0 (None) to 0x1 (GPU Reset Required)" % (c.dmesg(-1015), c.bus(1)),
        "%s INFO: task nvidia-smi:88123 blocked for more than 122 seconds." % c.dmesg(-880),
        "%s       Tainted: P           OE      6.5.0-1025-nvidia #26-Ubuntu" % c.dmesg(-880),
    ])
    for h in hosts:
        if h == "gpu-h200-b14":
            dcgm(c, h, lost={1: -1040}, fault={g: {"util": after(-1040, 100.0)} for g in range(8)},
                 which=("util", "power"))
        else:
            dcgm(c, h, fault={g: {"util": after(-1040, 100.0)} for g in range(8)}, which=("util",))
    each_gpu(c, "gpu-h200-b14", "health", err={1: "timed out after 30 s waiting for NVML (nvmlDeviceGetMemoryErrorCounter)"})
    each_gpu(c, "gpu-h200-b14", "kernel_launch", err={1: "timed out after 20 s: cudaStreamSynchronize did not return"},
             gpus=[0, 1, 2])
    each_gpu(c, "gpu-h200-b13", "health")
    c.with_topology()
    return c


def m005():
    # Xid 74 on one NVLink of gpu2; intra-node all-reduce collapses; the node is one of two.
    hosts = ["sxm-r3-07", "sxm-r3-08"]
    c = ck.Case("case-m005", "nvlink_error", "sxm-r3-08/gpu2", hosts, gpu=H100)
    c.alert("StepTimeRegression", "step time +64% vs 6h baseline on job deepspeed-codegen-34b",
            job="deepspeed-codegen-34b", node="sxm-r3-07")
    lines = ck.deepspeed_steps(c, -1150, 24, 7750, step_s=2.2) + ck.deepspeed_steps(
        c, -1150 + 24 * 2.2, 40, 7774, step_s=3.6)
    c.log("sxm-r3-07/rank0/stdout", lines)
    c.log("sxm-r3-08/syslog", ck.kernel_noise(c, "sxm-r3-08", 6) + [
        nvrm(c, "sxm-r3-08", -1098, 74, 2, "NVLink: fatal error detected on link 7(0x0, 0x0, 0x10000, 0x0, 0x0, 0x0, 0x0)"),
        "%s sxm-r3-08 nv-fabricmanager[2381]: detected NVSwitch non-fatal error 12028 on fid 0 on NVSwitch pci bus id 00000000:07:00.0 physical id 2 port 41" % c.syslog(-1097),
        "%s sxm-r3-08 kernel: nvidia-nvswitch2: SXid (PCI:0000:07:00.0): 12028, Non-fatal, Link 41 egress non-posted PRIV error (First)" % c.syslog(-1097),
        "%s sxm-r3-08 kernel: nvidia-nvswitch2: SXid (PCI:0000:07:00.0): 12028, Severity 0 Engine instance 41 Sub-engine instance 00" % c.syslog(-1097),
    ])
    c.log("sxm-r3-08/rank10/stderr", [
        "sxm-r3-08:44121:44380 [2] NCCL INFO Channel 12/0 : 10[2] -> 11[3] via P2P/CUMEM/read",
        "sxm-r3-08:44121:44380 [2] NCCL INFO NCCL_P2P_LEVEL set by environment to NVL",
    ] + ck.app_noise(c, 18))
    c.gpu_metric("DCGM_FI_DEV_NVLINK_CRC_FLIT_ERROR_COUNT_TOTAL", "sxm-r3-08", 40, 3, counter=True,
                 decimals=0, over={2: lambda s, v: v + (0 if s < -1100 else (s + 1100) * 31)})
    dcgm(c, "sxm-r3-08", which=("util", "power"), fault={g: {"util": after(-1098, 71.0)} for g in range(8)})
    each_gpu(c, "sxm-r3-08", "health", bad={2: {"nvlink_links_up": 17, "xid_last": 74,
                                               "nvlink_crc_errors": 41822, "nvlink_crc_errors_per_s": 318.0}})
    each_gpu(c, "sxm-r3-07", "health")
    c.nccl("nccl.allreduce@sxm-r3-08", busbw=196.4)
    c.nccl("nccl.allreduce@sxm-r3-07")
    c.nccl("nccl.p2p_matrix@sxm-r3-08", busbw=61.0, details={"slowest_pair": "gpu2-gpu6"})
    c.with_topology()
    return c


def m006():
    # Throughput alert; one GPU runs hot and its clocks drop (SW thermal slowdown), every other rank
    # waits for it. Metrics show it; gemm and health confirm; peers pass.
    hosts = ["node-c0%d" % i for i in range(1, 5)]
    c = ck.Case("case-m006", "gpu_thermal_throttle", "node-c03/gpu6", hosts, gpu=H200)
    c.alert("ThroughputDrop", "tokens/s down 21% on megatron gpt-175b-cont (all ranks)",
            job="gpt-175b-cont", node="node-c01")
    c.log("node-c01/rank0/stdout", ck.megatron_iters(c, -900, 50, 22100, step_s=4.3,
                                                     step_fn=lambda i: 4.3 if i < 26 else 5.2 + c.rng.uniform(-0.05, 0.05)))
    c.log("node-c03/journal", ck.kernel_noise(c, "node-c03", 10) + [
        "%s node-c03 ipmi-sensors[5102]: FAN5 reading 3120 RPM (nominal 9800 RPM)" % c.syslog(-650),
    ])
    hot = {6: {"temp": after(-800, lambda s, v: min(91, 62 + (s + 800) / 25.0)),
               "clock": after(-795, lambda s, v: 1410 + c.rng.uniform(-40, 40))}}
    dcgm(c, "node-c03", fault=hot, which=("temp", "clock", "power", "util"))
    dcgm(c, "node-c02", which=("temp", "clock"))
    c.gpu_metric("DCGM_FI_DEV_CLOCK_THROTTLE_REASONS", "node-c03", 0, 0, decimals=0,
                 over={6: after(-795, float(ck.CLK_SW_THERMAL))})
    each_gpu(c, "node-c03", "health", bad={6: {"temperature_c": 90, "sm_clock_mhz": 1395,
                                               "clock_event_reasons": ck.CLK_SW_THERMAL | ck.CLK_HW_THERMAL}})
    each_gpu(c, "node-c03", "gemm", bad={6: {"tflops": 512.0}})
    each_gpu(c, "node-c02", "health")
    c.with_topology()
    return c


def m007():
    # A whole node slow: BMC reports a PSU lost; all 8 GPUs show HW power brake; component node.
    hosts = ["hgx-p2-11", "hgx-p2-12", "hgx-p2-13"]
    c = ck.Case("case-m007", "gpu_power_throttle", "hgx-p2-12", hosts, gpu=H100)
    c.alert("StragglerNode", "ranks 8-15 slowest in 97% of steps (fsdp qwen-32b)", job="qwen32b-fsdp",
            node="hgx-p2-12")
    c.log("hgx-p2-11/rank0/stdout", ck.fsdp_steps(c, -860, 40, 5001, step_s=2.1,
                                                   step_fn=lambda i: 2.1 if i < 18 else 3.05))
    c.log("hgx-p2-12/ipmi-sel", [
        "  41 | %s | Power Supply PSU2_Status | Power Supply AC lost | Asserted" % c.at(-820).strftime("%m/%d/%Y | %H:%M:%S"),
        "  42 | %s | Power Supply PSU2_Status | Failure detected | Asserted" % c.at(-819).strftime("%m/%d/%Y | %H:%M:%S"),
        "  43 | %s | Power Unit PS_Redundancy | Redundancy Lost | Asserted" % c.at(-819).strftime("%m/%d/%Y | %H:%M:%S"),
    ] + ["  %d | %s | System Event | OEM record e0 | 0042%02x" % (30 + i, c.at(-5000 + i * 97).strftime("%m/%d/%Y | %H:%M:%S"), i)
         for i in range(4)])
    c.log("hgx-p2-12/journal", ck.kernel_noise(c, "hgx-p2-12", 14))
    brake = {g: {"clock": after(-815, lambda s, v: 1095 + c.rng.uniform(-60, 60)),
                 "power": after(-815, lambda s, v: 390 + c.rng.uniform(-25, 25))} for g in range(8)}
    dcgm(c, "hgx-p2-12", fault=brake, which=("clock", "power", "temp"))
    dcgm(c, "hgx-p2-11", which=("clock", "power"))
    bad = {g: {"sm_clock_mhz": 1080 + 15 * g, "power_w": 384 + g, "clock_event_reasons": ck.CLK_HW_POWER_BRAKE | ck.CLK_HW_SLOWDOWN}
           for g in range(8)}
    each_gpu(c, "hgx-p2-12", "health", bad=bad)
    each_gpu(c, "hgx-p2-11", "health")
    c.with_topology()
    return c


def m008():
    # One rank slow only in host<->device copies (CPU offload optimizer): gpu3 trained at Gen3 after
    # AER corrected errors. The step-time alert looks like a straggler; pcie probe decides.
    hosts = ["dgx-a-031", "dgx-a-032"]
    c = ck.Case("case-m008", "pcie_link_degraded", "dgx-a-032/gpu3", hosts, gpu=H100, pci=ck.PCI_BUS_B)
    c.alert("SlowRank", "rank 11 optimizer step 3.4x median (deepspeed zero-offload)", job="zero-offload-13b",
            node="dgx-a-032", rank="11")
    c.log("dgx-a-032/rank11/stdout", ck.deepspeed_steps(c, -1000, 30, 120, rank=11, step_s=4.4) + [
        "[%s] [INFO] [timer.py:264:stop] optimizer_step: 2711.42 ms (rank 11) vs 803.18 ms median" % c.ymd_ms(-40),
        "[%s] [WARNING] [stage3.py:1989:step] swap-in of optimizer state slower than expected: 5.1 GB/s" % c.ymd_ms(-35),
    ])
    c.log("dgx-a-032/dmesg", ck.kernel_noise(c, "dgx-a-032", 6, fmt="dmesg") + [
        "%s pcieport 0000:%s:00.0: AER: Corrected error received: 0000:%s:00.0" % (c.dmesg(-4000 + i * 11), "4a", c.pci[3]) for i in range(3)
    ] + [
        "%s nvidia 0000:%s:00.0: PCIe Bus Error: severity=Corrected, type=Physical Layer, (Receiver ID)" % (c.dmesg(-3966), c.pci[3]),
        "%s nvidia 0000:%s:00.0:   device [10de:2330] error status/mask=00000001/0000e000" % (c.dmesg(-3966), c.pci[3]),
        "%s nvidia 0000:%s:00.0:    [ 0] RxErr                  (First)" % (c.dmesg(-3966), c.pci[3]),
        "%s pci 0000:%s:00.0: 63.008 Gb/s available PCIe bandwidth, limited by 8.0 GT/s PCIe x8 link at 0000:4a:00.0 (capable of 252.056 Gb/s with 32.0 GT/s PCIe x16 link)" % (c.dmesg(-3960), c.pci[3]),
    ])
    dcgm(c, "dgx-a-032", which=("util", "power"), fault={3: {"util": lambda s, v: 62 + c.rng.uniform(-5, 5)}})
    c.gpu_metric("DCGM_FI_PROF_PCIE_RX_BYTES", "dgx-a-032", 1.9e10, 2e9, decimals=0,
                 over={3: lambda s, v: 6.1e9 + c.rng.uniform(-4e8, 4e8)})
    each_gpu(c, "dgx-a-032", "health", bad={3: {"pcie_link_gen": 3, "pcie_link_width": 8, "pcie_replay_count": 2210,
                                                "pcie_replay_per_s": 3.0}})
    each_gpu(c, "dgx-a-032", "pcie", bad={3: {"h2d": 6.4, "d2h": 6.1}})
    each_gpu(c, "dgx-a-031", "pcie")
    each_gpu(c, "dgx-a-032", "gemm")
    c.with_topology()
    return c


def m009():
    # Replicas disagree: the data-parallel checksum monitor flags DP group 5; no Xid, no ECC; the SDC
    # vote on the node singles out gpu4; health passes everywhere.
    hosts = ["h200-sj-%02d" % i for i in range(40, 44)]
    c = ck.Case("case-m009", "gpu_silent_data_corruption", "h200-sj-42/gpu4", hosts, gpu=H200)
    c.alert("ReplicaMismatch", "param checksum mismatch between DP replicas at step 64000", job="mt-moe-dense-2",
            node="h200-sj-40")
    r = c.rank_of("h200-sj-42", 4)
    lines = ck.megatron_iters(c, -1000, 20, 63980, step_s=5.0)
    lines += [
        "[%s] WARNING replica_check: step 64000 param fingerprint mismatch: dp_rank 5 (global rank %d) sha1=9f1c04aa... majority sha1=3be7d210... (31/32 agree)" % (c.ymd(-60), r),
        "[%s] WARNING replica_check: tensor decoder.layers.17.mlp.linear_fc1.weight differs in 3 elements, max abs diff 6.1e-02" % c.ymd(-60),
        "[%s] INFO replica_check: re-ran fingerprint on step 64000 shard: mismatch reproduced on global rank %d" % (c.ymd(-31), r),
    ]
    c.log("h200-sj-40/rank0/stdout", lines + ck.app_noise(c, 6))
    c.log("h200-sj-42/journal", ck.kernel_noise(c, "h200-sj-42", 9))
    dcgm(c, "h200-sj-42", which=("temp", "power", "clock"))
    c.gpu_metric("DCGM_FI_DEV_ECC_SBE_VOL_TOTAL", "h200-sj-42", 0, 0, decimals=0)
    c.sdc("gpu.sdc@h200-sj-42", mismatched=14, bad_gpu="gpu4")
    c.sdc("gpu.sdc@h200-sj-41")
    each_gpu(c, "h200-sj-42", "health")
    each_gpu(c, "h200-sj-42", "gemm")
    c.with_topology()
    return c


def m010():
    # IB retry-exceeded on many ranks; the local NIC mlx5_4 on one node flaps (link down/up in its
    # dmesg); peers report errors against that node's address.
    hosts = ["ib-n%03d" % i for i in (112, 113, 114, 115)]
    c = ck.Case("case-m010", "ib_link_failure", "ib-n114/mlx5_4", hosts, gpu=H100)
    c.alert("NCCLError", "ncclRemoteError on 9 ranks of job pretrain-8b-multi", job="pretrain-8b-multi",
            node="ib-n112")
    ip114 = "10.12.114.4"
    peer = []
    for r, h in ((3, "ib-n112"), (12, "ib-n113"), (28, "ib-n115")):
        pid = c.rng.randrange(10000, 99999)
        peer += [
            "%s:%d:%d [%d] transport/net_ib.cc:1697 NCCL WARN NET/IB : Got completion from peer %s<33761> with status=12 opcode=0 len=0 vendor_err=129 (Send) localGid fe80::ba3f:d203:8f:%04x remoteGids fe80::ba3f:d203:8f:114e hca mlx5_%d" % (h, pid, pid + 33, r % 8, ip114, r, r % 8),
            "%s:%d:%d [%d] NCCL INFO transport/net.cc:1298 -> 6" % (h, pid, pid + 33, r % 8),
            "%s:%d:%d [%d] NCCL INFO proxy.cc:1523 -> 6" % (h, pid, pid + 33, r % 8),
        ]
    c.log("mpi/pretrain-8b-multi.log", ck.app_noise(c, 6) + peer + [
        "RuntimeError: NCCL communicator was aborted on rank 3. Original reason for failure was: NCCL error: remote process exited or there was a network error, NCCL version 2.21.5",
    ])
    c.log("ib-n114/dmesg", ck.kernel_noise(c, "ib-n114", 6, fmt="dmesg") + [
        "%s mlx5_core 0000:%s:00.0: mlx5_port_module_event:1150:(pid 0): Port module event[error]: module 4, Cable error, High Temperature" % (c.dmesg(-200), ck.NIC_BUS[4]),
        "%s mlx5_core 0000:%s:00.0 ib4: Link down" % (c.dmesg(-96), ck.NIC_BUS[4]),
        "%s mlx5_core 0000:%s:00.0 ib4: Link up" % (c.dmesg(-88), ck.NIC_BUS[4]),
        "%s mlx5_core 0000:%s:00.0 ib4: Link down" % (c.dmesg(-61), ck.NIC_BUS[4]),
        "%s mlx5_core 0000:%s:00.0 ib4: Link up" % (c.dmesg(-50), ck.NIC_BUS[4]),
        "%s infiniband mlx5_4: mlx5_ib_event:3211:(pid 0): warning: event on port 1: PORT_ERR" % c.dmesg(-61),
    ])
    c.node_metric("node_infiniband_link_downed_total", {"instance": "ib-n114", "device": "mlx5_4", "port": "1"},
                  lambda s: 7 if s < -96 else (8 if s < -61 else 9), decimals=0)
    c.node_metric("node_infiniband_link_downed_total", {"instance": "ib-n114", "device": "mlx5_3", "port": "1"},
                  lambda s: 1, decimals=0)
    c.node_metric("node_infiniband_port_receive_errors_total", {"instance": "ib-n114", "device": "mlx5_4", "port": "1"},
                  lambda s: 12 if s < -200 else 12 + (s + 200) * 4.5, decimals=0)
    c.nccl("nccl.allreduce@job", busbw=23.1)
    c.nccl("nccl.allreduce@ib-n114")
    c.nccl("nccl.allreduce@ib-n113")
    each_gpu(c, "ib-n114", "health", gpus=[3, 4, 5])
    c.with_topology()
    return c


def m011():
    # Job never starts: the Slurm template exports NCCL_SOCKET_IFNAME=eth0, the nodes have only
    # ens*/ib* names after an image update. Every rank fails the same way; probes of nodes pass.
    hosts = ["cn-%d" % i for i in (301, 302, 303, 304)]
    c = ck.Case("case-m011", "nccl_network_misconfig", "job", hosts, gpu=H200)
    c.alert("JobFailedAtStart", "job 5512090 (nemo-gpt-20b) failed within 90 s of launch, 32/32 tasks exit 1",
            job="nemo-gpt-20b", node="cn-301")
    out = []
    for r, h in ((0, "cn-301"), (9, "cn-302"), (17, "cn-303"), (30, "cn-304")):
        pid = c.rng.randrange(10000, 99999)
        out += [
            "%s:%d:%d [%d] NCCL INFO NCCL_SOCKET_IFNAME set by environment to eth0" % (h, pid, pid, r % 8),
            "%s:%d:%d [%d] NCCL INFO Bootstrap : no socket interface found" % (h, pid, pid, r % 8) if r else
            "%s:%d:%d [%d] misc/socket.cc:484 NCCL WARN Bootstrap : no socket interface found" % (h, pid, pid, r % 8),
            "%s:%d:%d [%d] NCCL INFO init.cc:1873 -> 3" % (h, pid, pid, r % 8),
        ]
    out += [
        "[rank0]: torch.distributed.DistBackendError: NCCL error in: ../torch/csrc/distributed/c10d/ProcessGroupNCCL.cpp:1970, internal error - please report this issue to the NCCL developers, NCCL version 2.19.3",
        "[rank0]: ncclInternalError: Internal check failed.",
        "[rank0]: Last error:",
        "[rank0]: Bootstrap : no socket interface found",
        "srun: error: cn-302: tasks 8-15: Exited with exit code 1",
    ]
    c.log("slurm-5512090.out", ck.app_noise(c, 8) + out)
    c.log("cn-301/ip-addr", [
        "1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue state UNKNOWN group default qlen 1000",
        "2: ens21f0np0: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 9000 qdisc mq state UP group default qlen 1000",
        "    inet 10.30.1.1/16 brd 10.30.255.255 scope global ens21f0np0",
        "3: ibp24s0: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 4092 qdisc mq state UP group default qlen 256",
        "4: ibp41s0: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 4092 qdisc mq state UP group default qlen 256",
        "5: docker0: <NO-CARRIER,BROADCAST,MULTICAST,UP> mtu 1500 qdisc noqueue state DOWN group default",
    ])
    for h in hosts[:2]:
        c.nccl("nccl.allreduce@" + h)
    c.nccl("nccl.allreduce@job", busbw=188.0)
    c.with_topology()
    return c


def m012():
    # All 64 ranks time out in ALLREDUCE SeqNum 30118; the flight-recorder dump shows rank 37 never
    # entered it (its last enqueued is 30117, it is stuck in a Python-side barrier after a
    # conditional early eval). Hardware on its node is healthy.
    hosts = ["tt-%02d" % i for i in range(1, 9)]
    c = ck.Case("case-m012", "nccl_collective_hang", "tt-05/gpu5", hosts, gpu=H200)
    c.alert("NCCLWatchdogTimeout", "63/64 ranks timed out in ALLREDUCE (torchtitan run 'tt-405b-ablate-3')",
            job="tt-405b-ablate-3", node="tt-01")
    lines = ck.fsdp_steps(c, -1320, 12, 30100, step_s=7.4)
    lines += timeouts(c, [0, 8, 16, 24, 36, 38, 63], -30, 30118, timeout_ms=1200000)
    c.log("tt-01/torchrun", lines)
    fr = [
        "[%s] flight_recorder: dumping 64 ranks to /checkpoint/tt-405b-ablate-3/fr_trace/" % c.ymd(-25),
        "rank 0: last enqueued 30118 (nccl:all_reduce) state=started, last completed 30117",
        "rank 8: last enqueued 30118 (nccl:all_reduce) state=started, last completed 30117",
        "rank 36: last enqueued 30118 (nccl:all_reduce) state=started, last completed 30117",
        "rank 37: last enqueued 30117 (nccl:all_reduce) state=completed, last completed 30117",
        "rank 38: last enqueued 30118 (nccl:all_reduce) state=started, last completed 30117",
        "rank 63: last enqueued 30118 (nccl:all_reduce) state=started, last completed 30117",
        "fr_trace analysis: collective 30118 (all_reduce, pg 0) not entered by ranks [37]",
    ]
    c.log("tt-05/rank37/py-spy", fr + [
        "Thread 0x7F3A1E9FF740 (active): \"MainThread\"",
        "    wait (threading.py:324)",
        "    barrier (torchtitan/components/eval.py:88)",
        "    maybe_eval (torchtitan/train.py:402)",
        "    train_step (torchtitan/train.py:511)",
        "Thread 0x7F38EA7FC640 (idle): \"pt_autograd_0\"",
    ])
    dcgm(c, "tt-05", which=("util", "power"), fault={g: {"util": after(-1230, 100.0 if g != 5 else 0.0)} for g in range(8)})
    each_gpu(c, "tt-05", "health")
    c.gemm("gpu.gemm@tt-05/gpu5")
    c.nccl("nccl.allreduce@tt-05")
    c.with_topology()
    return c


def m013():
    # Rank 22 segfaults in a custom CUDA extension's host code; peers see connection resets.
    hosts = ["mlx-w%d" % i for i in range(10, 14)]
    c = ck.Case("case-m013", "rank_process_crash", "mlx-w12/gpu6", hosts, gpu=H100)
    c.alert("TrainingJobFailed", "job flash-llm-34b exited 1 (torchrun ChildFailedError)", job="flash-llm-34b",
            node="mlx-w10")
    r = c.rank_of("mlx-w12", 6)
    peers = []
    for pr in (14, 21, 23, 30):
        peers += [
            "[rank%d]:[%s ProcessGroupNCCL.cpp:1578] [PG 0 (default_pg) Rank %d] NCCL watchdog thread terminated with exception: NCCL error: remote process exited or there was a network error, NCCL version 2.21.5" % (pr, c.glog(-42 + pr * 0.05, "E"), pr),
            "[rank%d]: Last error: socketProgress: Connection closed by remote peer mlx-w12.cluster.local<47731>" % pr,
        ]
    c.log("mlx-w10/torchrun", ck.megatron_iters(c, -110, 20, 7301, step_s=3.1) + peers +
          ck.elastic_failure(c, -30, "mlx-w12", r, 6, -11, sig="SIGSEGV"))
    c.log("mlx-w12/journal", ck.kernel_noise(c, "mlx-w12", 6) + [
        "%s mlx-w12 kernel: pt_main_thread[88412]: segfault at 18 ip 00007f21c09ab3e2 sp 00007ffd93f1c2a0 error 4 in flash_attn_2_cuda.cpython-310-x86_64-linux-gnu.so[7f21c0200000+1ba4000] likely on CPU 77 (core 13, socket 1)" % c.syslog(-44),
        "%s mlx-w12 kernel: Code: 48 8b 47 18 48 85 c0 74 0a 48 8b 00 c3 0f 1f 44 00 00 31 c0 c3" % c.syslog(-44),
        "%s mlx-w12 systemd-coredump[90021]: Process 88412 (pt_main_thread) of user 1204 dumped core." % c.syslog(-41),
    ])
    dcgm(c, "mlx-w12", which=("util", "temp"), fault={6: {"util": after(-44, 0.0)}})
    each_gpu(c, "mlx-w12", "health")
    c.nccl("nccl.allreduce@mlx-w12")
    c.with_topology()
    return c


def m014():
    # Pipeline-parallel Megatron: the last stage (rank 31) OOMs on the logits of an unusually long
    # packed batch; the rest of the pipeline times out in send/recv.
    hosts = ["gpu%03d" % i for i in (201, 202, 203, 204)]
    c = ck.Case("case-m014", "cuda_oom", "gpu204/gpu7", hosts, gpu=H100)
    c.alert("NCCLWatchdogTimeout", "watchdog timeouts on 24 ranks (megatron pp=4 run 'sea-lion-v3')",
            job="sea-lion-v3", node="gpu201")
    lines = ck.megatron_iters(c, -900, 25, 11800, step_s=3.7) + timeouts(c, [0, 4, 9, 17, 23], -10, 590233,
                                                                          op="RECV", numel=16777216)
    c.log("gpu201/rank0/stderr", lines)
    c.log("gpu204/rank31/stderr", [
        "[rank31]: Traceback (most recent call last):",
        '[rank31]:   File "/opt/megatron-lm/megatron/core/tensor_parallel/cross_entropy.py", line 143, in forward',
        "[rank31]:     exp_logits = torch.exp(vocab_parallel_logits)",
        "[rank31]: torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 9.78 GiB. GPU 7 has a total capacity of 79.10 GiB of which 3.21 GiB is free. Including non-PyTorch memory, this process has 75.87 GiB memory in use. Of the allocated memory 61.02 GiB is allocated by PyTorch, and 13.48 GiB is reserved by PyTorch but unallocated. If reserved but unallocated memory is large try setting PYTORCH_CUDA_ALLOC_CONF=expandable_segments:True to avoid fragmentation.  See documentation for Memory Management  (https://pytorch.org/docs/stable/notes/cuda.html#environment-variables)",
        "%s WARNING data: packed sequence of 32768 tokens (max_seq_length 8192 x 4 packing) at global batch 11826" % c.ymd(-610),
    ] + ck.app_noise(c, 5))
    dcgm(c, "gpu204", which=("util",))
    each_gpu(c, "gpu204", "health")
    c.gpu_metric("DCGM_FI_DEV_FB_USED", "gpu204", 61200, 900, decimals=0,
                 over={7: lambda s, v: 77400 if s > -620 else 70100 + c.rng.uniform(-200, 200)})
    c.with_topology()
    return c


def m015():
    # A new fused rotary kernel (enabled for this run) faults on ranks of several nodes: Xid 13 on
    # three nodes, "illegal memory access" on those ranks -> application bug, job-wide.
    hosts = ["dgx-e%02d" % i for i in range(1, 5)]
    c = ck.Case("case-m015", "illegal_memory_access", "job", hosts, gpu=H100)
    c.alert("TrainingJobFailed", "rope-fused-test-7b failed at step 12 (4 ranks report CUDA errors)",
            job="rope-fused-test-7b", node="dgx-e01")
    err = []
    for r in (2, 13, 18, 27):
        err += [
            "[rank%d]: RuntimeError: CUDA error: an illegal memory access was encountered" % r,
            "[rank%d]: CUDA kernel errors might be asynchronously reported at some other API call, so the stacktrace below might be incorrect." % r,
        ]
    c.log("dgx-e01/launcher", [
        "%s INFO config: model.fused_rope=True (apex.transformer.functional.fused_rope) max_position_embeddings=131072 seq_length=16384" % c.ymd(-200),
    ] + ck.plain_steps(c, -190, 11, 1, step_s=9.1) + err)
    for h, g, tpc in (("dgx-e01", 2, 3), ("dgx-e02", 5, 0), ("dgx-e04", 3, 6)):
        c.log(h + "/dmesg", [
            nvrm(c, h, -88, 13, g, "Graphics SM Warp Exception on (GPC 4, TPC %d, SM 1): Out Of Range Address" % tpc, fmt="dmesg"),
            nvrm(c, h, -88, 13, g, "Graphics Exception: ESR 0x52e730=0x102000e 0x52e734=0x0 0x52e728=0xc81eb60 0x52e72c=0x1174", fmt="dmesg"),
        ] + ck.kernel_noise(c, h, 3, fmt="dmesg"))
    for h in hosts[:2]:
        each_gpu(c, h, "health")
    c.with_topology()
    return c


def m016():
    # Global OOM killer on one node kills a training rank (the node's page cache + a 400 GiB
    # in-memory dataset copy). torchrun reports -9; peers see resets.
    hosts = ["a3-mega-0%d" % i for i in range(1, 4)]
    c = ck.Case("case-m016", "host_oom", "a3-mega-02", hosts, gpu=H100)
    c.alert("TrainingJobFailed", "job ds-bloom-ft terminated (rank 12 signal 9)", job="ds-bloom-ft",
            node="a3-mega-01")
    c.log("a3-mega-01/launcher", ck.deepspeed_steps(c, -110, 30, 2200, step_s=2.5) +
          ck.elastic_failure(c, -32, "a3-mega-02", 12, 4, -9, sig="SIGKILL"))
    c.log("a3-mega-02/kern.log", ck.kernel_noise(c, "a3-mega-02", 5) + [
        "%s a3-mega-02 kernel: python3 invoked oom-killer: gfp_mask=0x140cca(GFP_HIGHUSER_MOVABLE|__GFP_COMP), order=0, oom_score_adj=0" % c.syslog(-34),
        "%s a3-mega-02 kernel: Mem-Info:" % c.syslog(-34),
        "%s a3-mega-02 kernel: active_anon:487211330 inactive_anon:1102 isolated_anon:0" % c.syslog(-34),
        "%s a3-mega-02 kernel: Out of memory: Killed process 71342 (python3) total-vm:2100843276kB, anon-rss:214301288kB, file-rss:1188204kB, shmem-rss:0kB, UID:1000 pgtables:431204kB oom_score_adj:0" % c.syslog(-33),
        "%s a3-mega-02 kernel: oom_reaper: reaped process 71342 (python3), now anon-rss:0kB, file-rss:0kB, shmem-rss:0kB" % c.syslog(-32),
    ])
    c.node_metric("node_memory_MemAvailable_bytes", {"instance": "a3-mega-02"},
                  lambda s: max(1.1e9, 3.4e11 - (s + 1200) * 2.9e8) if s < -33 else 2.9e11, decimals=0)
    c.node_metric("node_memory_MemAvailable_bytes", {"instance": "a3-mega-01"},
                  lambda s: 3.3e11 + c.rng.uniform(-2e9, 2e9), decimals=0)
    each_gpu(c, "a3-mega-02", "health", gpus=[4, 5])
    c.with_topology()
    return c


def m017():
    # Loss climbs then goes NaN after an LR warmup change; grad norm explodes first; hardware clean
    # (sdc passes on all nodes that were checked).
    hosts = ["h100-k%02d" % i for i in range(1, 5)]
    c = ck.Case("case-m017", "loss_divergence", "job", hosts, gpu=H100)
    c.alert("LossNaN", "lm loss NaN at iteration 30522 (megatron gpt-13b-code)", job="gpt-13b-code",
            node="h100-k01")

    def loss(i):
        if i < 20:
            return 1.92 + c.rng.uniform(-0.02, 0.02)
        if i < 30:
            return 1.95 + (i - 20) ** 2 * 0.09
        return float("nan")

    def grad(i):
        return 0.41 if i < 18 else (0.41 * 2.4 ** (i - 17) if i < 30 else float("nan"))
    c.log("h100-k01/rank0/stdout", [
        "%s INFO checkpointing: resumed from iter_0030490; lr schedule override: --lr 6e-4 (was 3e-4), --lr-warmup-iters 0" % c.ymd(-400),
    ] + ck.megatron_iters(c, -395, 34, 30490, step_s=3.0, loss_fn=loss, grad_fn=grad, lr=6e-4,
                          nan_fn=lambda i: max(0, i - 29)))
    for h in hosts:
        dcgm(c, h, which=("util",))
    for h in hosts:
        c.sdc("gpu.sdc@" + h)
    each_gpu(c, "h100-k02", "health")
    c.with_topology()
    return c


def m018():
    # DeepSpeed fp16: overflow every step, loss scale at minimum, run exits.
    hosts = ["v-node-%d" % i for i in (5, 6)]
    c = ck.Case("case-m018", "fp16_loss_scale_collapse", "job", hosts, gpu=A100)
    c.alert("TrainingJobFailed", "ds-t5-xxl-fp16 exited: loss scale at minimum", job="ds-t5-xxl-fp16",
            node="v-node-5")
    lines = ck.deepspeed_steps(c, -150, 20, 81000, step_s=2.8)
    scale = 65536.0
    t = -90
    while scale >= 1:
        lines.append("[%s] [INFO] [loss_scaler.py:183:update_scale] [deepspeed] OVERFLOW! Rank 0 Skipping step. Attempted loss scale: %d, reducing to %d" % (
            c.ymd_ms(t), int(scale), max(1, int(scale / 2))))
        scale /= 2
        t += 2.7
    lines += [
        "Exception: Current loss scale already at minimum - cannot decrease scale anymore. Exiting run.",
    ]
    c.log("v-node-5/rank0/stdout", lines)
    dcgm(c, "v-node-5", which=("util",))
    for h in hosts:
        c.sdc("gpu.sdc@" + h)
    c.with_topology()
    return c


def m019():
    # Transformer Engine FP8: amax history goes inf on one layer; scale factors collapse; loss spikes;
    # BF16 rerun of the same batch is fine (in the log).
    hosts = ["h200-fp8-%d" % i for i in range(1, 5)]
    c = ck.Case("case-m019", "fp8_scaling_overflow", "job", hosts, gpu=H200)
    c.alert("LossSpike", "loss 2.1 -> 9.7 within 40 steps (fp8 llama 70b)", job="fp8-llama70b", node="h200-fp8-1")

    def loss(i):
        return 2.1 + c.rng.uniform(-0.02, 0.02) if i < 25 else 2.1 + (i - 24) * 0.5
    lines = ck.megatron_iters(c, -700, 40, 14200, step_s=3.2, loss_fn=loss)
    lines += [
        "[%s] WARNING fp8_monitor: layer 61 self_attention.linear_proj fwd amax_history contains inf (recipe DelayedScaling margin=0 amax_history_len=1024)" % c.ymd(-625),
        "[%s] WARNING fp8_monitor: layer 61 linear_proj scale_inv=0.000e+00 (fp8 e4m3 saturated 41.3%% of elements)" % c.ymd(-619),
        "[%s] WARNING fp8_monitor: 7 GEMMs with scale < 1e-30 after amax update at iteration 14226" % c.ymd(-616),
        "[%s] INFO debug: replayed iteration 14226 micro-batch 3 in bf16 (fp8 disabled): loss 2.093, grad norm 0.41" % c.ymd(-60),
    ]
    c.log("h200-fp8-1/rank0/stdout", lines)
    dcgm(c, "h200-fp8-1", which=("util", "power"))
    c.sdc("gpu.sdc@h200-fp8-1")
    c.with_topology()
    return c


def m020():
    # MoE: router collapses onto 3 of 64 experts; token drop rate climbs; all-to-all time grows and
    # steps slow; network probes pass.
    hosts = ["moe-%02d" % i for i in range(1, 5)]
    c = ck.Case("case-m020", "moe_expert_imbalance", "job", hosts, gpu=H100)
    c.alert("StepTimeRegression", "step time 2.3x (megatron mixtral-style 64e run)", job="moe-64e-8b", node="moe-01")

    def st(i):
        return 3.0 if i < 15 else 3.0 + (i - 15) * 0.22
    lines = ck.megatron_iters(c, -1100, 35, 5600, step_s=3.0, step_fn=st)
    for k, (t, drop, top) in enumerate(((-760, 0.8, 0.05), (-600, 6.2, 0.19), (-420, 18.5, 0.33), (-240, 31.0, 0.41))):
        lines.append("[%s] moe_stats: layer 12 tokens/expert max=%d mean=%d (cap %d) dropped=%.1f%% top3 share=%.2f aux_loss=%.4f" % (
            c.ymd(t), 4096 + k * 9000, 2048, 2560, drop, top + 0.05 * k, 0.011 + 0.002 * k))
    lines.append("[%s] timers: all-to-all-dispatch 412.3 ms (was 96.1 ms), expert-compute max/min rank 7.9x" % c.ymd(-100))
    c.log("moe-01/rank0/stdout", lines)
    c.nccl("nccl.alltoall@job")
    c.nccl("nccl.alltoall@moe-01")
    c.nccl("nccl.allreduce@job")
    c.with_topology()
    return c


def m021():
    # One slow GPU with clean health (no throttle, no errors); its HBM bandwidth is 30% low.
    hosts = ["sj2-h200-%02d" % i for i in (3, 4)]
    c = ck.Case("case-m021", "straggler_rank", "sj2-h200-04/gpu2", hosts, gpu=H200)
    c.alert("StragglerRank", "rank 10 slowest in 88% of steps (fsdp llama-8b)", job="fsdp-llama8b",
            node="sj2-h200-04", rank="10")
    lines = ck.fsdp_steps(c, -1000, 35, 900, step_s=1.35)
    lines.append("[rank0]:[titan] %s - root - WARNING - straggler detector: rank 10 fwd+bwd 1.61 s vs median 1.12 s (last 200 steps)" % c.ymd_ms(-60))
    c.log("sj2-h200-03/rank0/stdout", lines)
    c.log("sj2-h200-04/journal", ck.kernel_noise(c, "sj2-h200-04", 10))
    dcgm(c, "sj2-h200-04", which=("temp", "clock", "power", "util"))
    each_gpu(c, "sj2-h200-04", "health")
    each_gpu(c, "sj2-h200-04", "hbm", bad={2: {"gb_s": 2910}})
    each_gpu(c, "sj2-h200-04", "gemm")
    each_gpu(c, "sj2-h200-03", "hbm")
    c.with_topology()
    return c


def m022():
    # CPU-bound input pipeline after a config change (num_workers 16 -> 2): GPU util sawtooth, step
    # time up, data wait time high, no communication error; PCIe and GEMM probes pass.
    hosts = ["k8s-gpu-%s" % x for x in ("q7", "q8")]
    c = ck.Case("case-m022", "dataloader_stall", "job", hosts, gpu=H100)
    c.alert("GPUUtilLow", "mean GPU util 41% for 15m on job vit-22b-ft", job="vit-22b-ft",
            namespace="vision", node="k8s-gpu-q7")
    lines = ["%s | INFO | config | dataloader: num_workers=2 (was 16), prefetch_factor=2, pin_memory=True, decode=PIL" % c.ymd(-1190)]
    lines += ck.plain_steps(c, -1180, 40, 300, step_s=2.6, extra=" | data_wait 1.83s")
    lines.append("%s | WARNING | perf | input pipeline: 71%% of step time waiting for next batch" % c.ymd(-60))
    c.log("vision/vit-22b-ft-worker-0", lines)
    for h in hosts:
        dcgm(c, h, which=("util",), util=41.0,
             fault={g: {"util": lambda s, v: 95 if (int(s) // 30) % 3 == 0 else 12} for g in range(8)})
    c.node_metric("node_cpu_utilisation", {"instance": "k8s-gpu-q7"}, lambda s: 0.97 + c.rng.uniform(-0.02, 0.02))
    each_gpu(c, "k8s-gpu-q7", "pcie", gpus=[0, 1, 2, 3])
    each_gpu(c, "k8s-gpu-q7", "gemm", gpus=[0, 1])
    c.with_topology()
    return c


def m023():
    # Checkpoint save fails on all ranks: Lustre OST full (ENOSPC) on the shared checkpoint fs.
    hosts = ["lx-%03d" % i for i in (41, 42, 43, 44)]
    c = ck.Case("case-m023", "storage_failure", "job", hosts, gpu=H100)
    c.alert("CheckpointFailed", "checkpoint iter_0052000 save failed (megatron 'atlas-40b')", job="atlas-40b",
            node="lx-041")
    lines = ck.megatron_iters(c, -150, 15, 51985, step_s=3.9)
    lines += [
        "[%s] saving checkpoint at iteration   52000 to /lustre/ckpt/atlas-40b in torch_dist format" % c.ymd(-90),
        "[rank5]: OSError: [Errno 28] No space left on device: '/lustre/ckpt/atlas-40b/iter_0052000/__5_0.distcp'",
        "[rank13]: OSError: [Errno 28] No space left on device",
        "[rank0]: torch.distributed.checkpoint.api.CheckpointException: CheckpointException ranks:dict_keys([5, 13, 21, 22, 30])",
    ]
    c.log("lx-041/rank0/stdout", lines)
    c.log("lx-043/kern", [
        "%s lx-043 kernel: LustreError: 11-0: ckpt-OST0007-osc-ffff9a0d0e8b1000: operation ost_write to node 10.9.0.17@o2ib failed: rc = -28" % c.syslog(-70),
        "%s lx-043 kernel: LustreError: 3451:0:(osc_request.c:1801:osc_brw_fini_request()) ckpt-OST0007-osc: -28" % c.syslog(-69),
    ] + ck.kernel_noise(c, "lx-043", 6))
    c.node_metric("lustre_ost_available_kilobytes", {"target": "ckpt-OST0007"},
                  lambda s: max(0, 2.1e8 - (s + 1200) * 2.0e5), decimals=0)
    c.node_metric("lustre_ost_available_kilobytes", {"target": "ckpt-OST0006"}, lambda s: 9.1e9, decimals=0)
    each_gpu(c, "lx-043", "health")
    c.with_topology()
    return c


def m024():
    # Megatron parallel sizes do not divide the world size: assertion at startup on every rank.
    hosts = ["hpc-b%02d" % i for i in range(11, 14)]
    c = ck.Case("case-m024", "launch_config_error", "job", hosts, gpu=H200)
    c.alert("JobFailedAtStart", "job 7731002 (mega-gpt-66b) failed within 40 s", job="mega-gpt-66b", node="hpc-b11")
    lines = ck.app_noise(c, 10) + [
        "using world size: 24, data-parallel size: 1, context-parallel size: 1, tensor-model-parallel size: 8, pipeline-model-parallel size: 4",
        "Traceback (most recent call last):",
        '  File "/workspace/Megatron-LM/pretrain_gpt.py", line 248, in <module>',
        "    pretrain(",
        '  File "/workspace/Megatron-LM/megatron/training/initialize.py", line 60, in initialize_megatron',
        '  File "/workspace/Megatron-LM/megatron/training/arguments.py", line 205, in validate_args',
        "    assert args.world_size % total_model_size == 0, f\"world size ({args.world_size}) is not divisible by total_model_size ({total_model_size=})\"",
        "AssertionError: world size (24) is not divisible by total_model_size (total_model_size=32)",
        "srun: error: hpc-b12: tasks 8-15: Exited with exit code 1",
        "srun: error: hpc-b13: tasks 16-23: Exited with exit code 1",
        "#SBATCH --nodes=3   # (job script line 4)",
    ]
    c.log("slurm-7731002.out", lines)
    each_gpu(c, "hpc-b11", "inventory", gpus=[0, 7])
    c.nccl("nccl.allreduce@hpc-b12")
    c.with_topology()
    return c


def m025():
    # Kubernetes: pod restarts with "CUDA error: unknown error"/device count drop; the node's
    # journal shows Xid 79 on gpu3 and the device plugin marks it unhealthy. Loud lines are NCCL
    # errors on the other pods; the node itself still answers probes for the other GPUs.
    hosts = ["gke-a3-pool-2-7c1d", "gke-a3-pool-2-9x4m"]
    c = ck.Case("case-m025", "gpu_fallen_off_bus", "gke-a3-pool-2-9x4m/gpu3", hosts, gpu=H100, pci=ck.PCI_BUS_B)
    c.alert("KubePodCrashLooping", "pod train/jax-llm-worker-1 restarting (CrashLoopBackOff)", job="jax-llm",
            namespace="train", node="gke-a3-pool-2-9x4m", pod="jax-llm-worker-1")
    c.log("train/jax-llm-worker-0", ck.app_noise(c, 6) + [
        "%s E external/xla/xla/service/gpu/nccl_api.cc:612] NCCL operation ncclAllReduce(send_buffer.opaque(), recv_buffer.opaque(), count, nccl_dtype, nccl_reduction_kind, comm, stream) failed: unhandled system error (run with NCCL_DEBUG=INFO for details). Last NCCL warning(error) log entry (may be unrelated) 'socketProgress: Connection closed by remote peer 10.8.2.31<52311>'." % c.ymd(-70),
        "jaxlib.xla_extension.XlaRuntimeError: INTERNAL: external/xla/xla/service/gpu/nccl_api.cc:612: NCCL operation ncclAllReduce failed: unhandled system error",
    ])
    c.log("train/jax-llm-worker-1", [
        "%s I external/xla/xla/pjrt/gpu/se_gpu_pjrt_client.cc:889] Using BFC allocator." % c.ymd(-1100),
        "%s E external/xla/xla/stream_executor/cuda/cuda_driver.cc:1411] could not synchronize on CUDA context: CUDA_ERROR_UNKNOWN: unknown error :: *** Begin stack trace ***" % c.ymd(-80),
        "jaxlib.xla_extension.XlaRuntimeError: INTERNAL: Failed to synchronize GPU for autotuning: CUDA_ERROR_UNKNOWN: unknown error",
        "%s E external/xla/xla/stream_executor/cuda/cuda_driver.cc:278] failed call to cuInit: CUDA_ERROR_NO_DEVICE: no CUDA-capable device is detected" % c.ymd(-20),
        "RuntimeError: Unable to initialize backend 'cuda': FAILED_PRECONDITION: No visible GPU devices. (you may need to uninstall the failing plugin package, or set JAX_PLATFORMS=cpu to skip this backend.)",
    ] + ck.app_noise(c, 6))
    c.log("gke-a3-pool-2-9x4m/journal", ck.kernel_noise(c, "gke-a3-pool-2-9x4m", 6) + [
        "%s gke-a3-pool-2-9x4m kernel: NVRM: GPU at PCI:%s.0: %s" % (c.syslog(-82), c.bus(3), c.uuid("gke-a3-pool-2-9x4m", 3)),
        nvrm(c, "gke-a3-pool-2-9x4m", -82, 79, 3, "GPU has fallen off the bus."),
        "%s gke-a3-pool-2-9x4m kernel: NVRM: GPU 0000:%s:00.0: RmInitAdapter failed! (0x23:0xffff:1434)" % (c.syslog(-40), c.pci[3]),
        "%s gke-a3-pool-2-9x4m kernel: NVRM: GPU 0000:%s:00.0: rm_init_adapter failed, device minor number 3" % (c.syslog(-40), c.pci[3]),
        "%s gke-a3-pool-2-9x4m nvidia-device-plugin[1881]: 'nvidia.com/gpu' device marked unhealthy: %s (XID 79)" % (c.syslog(-78), c.uuid("gke-a3-pool-2-9x4m", 3)),
        "%s gke-a3-pool-2-9x4m kubelet[2411]: E1 pod_workers.go:1301] \"Error syncing pod, skipping\" err=\"failed to \\\"StartContainer\\\" for \\\"worker\\\" with CrashLoopBackOff\"" % c.syslog(-10),
    ])
    dcgm(c, "gke-a3-pool-2-9x4m", lost={3: -80}, which=("temp", "power", "util"))
    each_gpu(c, "gke-a3-pool-2-9x4m", "inventory", bad={g: {"count": 7} for g in range(8)}, gpus=[3])
    each_gpu(c, "gke-a3-pool-2-9x4m", "health", err={3: "NVML_ERROR_GPU_IS_LOST (nvmlDeviceGetHandleByPciBusId %s.0)" % c.bus(3)})
    each_gpu(c, "gke-a3-pool-2-7c1d", "health")
    c.with_topology()
    return c


def m026():
    # Xid 94 (contained ECC) on gpu0 of one node; the only lines the on-call sees first are watchdog
    # timeouts on all ranks. Peers' health passes; gpu0 shows volatile DBE.
    hosts = ["gpu-r2-n%02d" % i for i in (16, 17, 18, 19)]
    c = ck.Case("case-m026", "gpu_memory_uncorrectable_ecc", "gpu-r2-n17/gpu0", hosts, gpu=H200)
    c.alert("NCCLWatchdogTimeout", "collective timeout on 31/32 ranks, job 6120455 (llm-pretrain-v9)",
            job="llm-pretrain-v9", node="gpu-r2-n16")
    r = c.rank_of("gpu-r2-n17", 0)
    lines = ck.megatron_iters(c, -1990, 25, 90411, step_s=4.6)
    lines += timeouts(c, [0, 5, 14, 22, 29], -25, 4411023, op="_REDUCE_SCATTER_BASE", timeout_ms=1800000)
    c.log("gpu-r2-n16/slurm-6120455.out", lines)
    c.log("gpu-r2-n17/rank%d/stderr" % r, [
        "[rank%d]:[%s ProcessGroupNCCL.cpp:1484] [PG 0 (default_pg) Rank %d] Process group watchdog thread terminated with exception: CUDA error: uncorrectable ECC error encountered" % (r, c.glog(-1826, "E"), r),
        "Exception raised from c10_cuda_check_implementation at ../c10/cuda/CUDAException.cpp:43 (most recent call first):",
        "frame #0: c10::Error::Error(c10::SourceLocation, std::string) + 0x96 (0x7f0b8f2c2446 in /usr/local/lib/python3.10/dist-packages/torch/lib/libc10.so)",
        "frame #1: c10::cuda::c10_cuda_check_implementation(int, char const*, char const*, int, bool) + 0x118 (0x7f0b8f26c7b8 in /usr/local/lib/python3.10/dist-packages/torch/lib/libc10_cuda.so)",
    ])
    c.log("gpu-r2-n17/journal", ck.kernel_noise(c, "gpu-r2-n17", 7) + [
        nvrm(c, "gpu-r2-n17", -1830, 94, 0, "Contained: MMU (0x2). RST: No, D-RST: No"),
        nvrm(c, "gpu-r2-n17", -1829, 63, 0, "Row Remapper: New row (0x0000000000b01c80) marked for remapping, reset gpu to activate."),
        "%s gpu-r2-n17 kernel: NVRM: Xid (PCI:%s): 154, GPU recovery action changed from 0x0 (None) to 0x2 (Node Reboot Required)" % (c.syslog(-1829), c.bus(0)),
    ])
    c.gpu_metric("DCGM_FI_DEV_ECC_DBE_VOL_TOTAL", "gpu-r2-n17", 0, 0, decimals=0, over={0: lambda s, v: 1})
    dcgm(c, "gpu-r2-n17", which=("util", "power"), fault={g: {"util": after(-1800, 100.0)} for g in range(1, 8)})
    each_gpu(c, "gpu-r2-n17", "health", bad={0: {"ecc_dbe_volatile": 1, "ecc_dbe_aggregate": 1, "remap_pending": 1, "xid_last": 94}})
    each_gpu(c, "gpu-r2-n18", "health")
    c.nccl("nccl.allreduce@gpu-r2-n18")
    c.with_topology()
    return c


def m027():
    # DCGM background health watch flags a row remap failure on gpu5; the job there keeps running
    # with sporadic ECC counts; dcgmi output and nvidia-smi wording differ from m003.
    hosts = ["ai-rack9-u%02d" % i for i in (10, 14)]
    c = ck.Case("case-m027", "gpu_row_remap_failure", "ai-rack9-u14/gpu5", hosts, gpu=H100, pci=ck.PCI_BUS_B)
    c.alert("DCGMHealthFailure", "dcgm health watch: Memory FAIL on ai-rack9-u14", node="ai-rack9-u14",
            job="ds-phi-mix")
    c.log("ai-rack9-u14/dcgmi-health", [
        "+---------------------------+----------------------------------------------------------+",
        "| Health Monitor Report                                                                |",
        "+===========================+==========================================================+",
        "| Overall Health            | Failure                                                  |",
        "| GPU ID: 5                 | Failure                                                  |",
        "|                           | Memory system: Failure                                   |",
        "|                           |  - A row remap failure occurred on GPU 5. Drain the GPU  |",
        "|                           |  and reset it or reboot the node.                        |",
        "| GPU ID: 0-4,6,7           | Healthy                                                  |",
        "+---------------------------+----------------------------------------------------------+",
    ])
    c.log("ai-rack9-u14/kern.log", ck.kernel_noise(c, "ai-rack9-u14", 6) + [
        nvrm(c, "ai-rack9-u14", -3100, 48, 5, "An uncorrectable double bit error (DBE) has been detected on GPU in the framebuffer at partition 9, subpartition 0."),
        nvrm(c, "ai-rack9-u14", -3100, 63, 5, "Row Remapper: New row (0x0000000000b0e1a2) marked for remapping, reset gpu to activate."),
        nvrm(c, "ai-rack9-u14", -130, 64, 5, "Row Remapper: Failed to remap row (0x0000000000b0e1a6) - remapping failure occurred."),
    ])
    c.log("ai-rack9-u14/rank13/stdout", ck.deepspeed_steps(c, -1000, 20, 3002, rank=13, step_s=2.9))
    c.gpu_metric("DCGM_FI_DEV_ROW_REMAP_FAILURE", "ai-rack9-u14", 0, 0, decimals=0, over={5: after(-130, 1.0)})
    c.gpu_metric("DCGM_FI_DEV_UNCORRECTABLE_REMAPPED_ROWS", "ai-rack9-u14", 0, 0, decimals=0, over={5: lambda s, v: 4})
    each_gpu(c, "ai-rack9-u14", "health", bad={5: {"remap_failure": 1, "remap_pending": 1,
                                                   "remapped_rows_uncorrectable": 4, "xid_last": 64}})
    each_gpu(c, "ai-rack9-u10", "health")
    c.with_topology()
    return c


def m028():
    # Xid 120 GSP error followed by Xid 62 on one GPU of a K8s node; NCCL unhandled cuda error is
    # the loud line on the other pods.
    hosts = ["aks-ndh100-29104611-vmss00000%s" % x for x in ("a", "b", "c")]
    c = ck.Case("case-m028", "gpu_firmware_error", "aks-ndh100-29104611-vmss00000b/gpu4", hosts, gpu=H100)
    c.alert("PyTorchJobFailed", "pytorchjob llama-ft-ja: 2 of 3 workers Failed", job="llama-ft-ja",
            namespace="ml", node="aks-ndh100-29104611-vmss00000b")
    c.log("ml/llama-ft-ja-worker-0", ck.app_noise(c, 8) + [
        "[rank2]: torch.distributed.DistBackendError: NCCL error in: ../torch/csrc/distributed/c10d/NCCLUtils.hpp:317, unhandled cuda error (run with NCCL_DEBUG=INFO for details), NCCL version 2.21.5",
        "[rank2]: ncclUnhandledCudaError: Call to CUDA function failed.",
        "[rank2]: Last error:",
        "[rank2]: Cuda failure 'unspecified launch failure'",
    ])
    c.log("aks-ndh100-29104611-vmss00000b/dmesg", ck.kernel_noise(c, "aks-ndh100-29104611-vmss00000b", 5, fmt="dmesg") + [
        nvrm(c, "aks-ndh100-29104611-vmss00000b", -61, 120, 4, "GSP task timeout @ pc:0x4d3d5b4, partition:0#1, task:1", fmt="dmesg"),
        "%s NVRM: GPU4 GSP RPC history (CPU -> GSP):" % c.dmesg(-61),
        "%s NVRM: Xid (PCI:%s): 62, pid='<unknown>', name=<unknown>, 2ad5(31e0) 00000000 00000000" % (c.dmesg(-60), c.bus(4)),
        "%s NVRM: GPU4 RISC-V core halted: exception cause 0x0000000000000005 pc 0x000000000011f4a8" % c.dmesg(-60),
        "%s NVRM: Xid (PCI:%s): 154, GPU recovery action changed from 0x0 (None) to 0x1 (GPU Reset Required)" % (c.dmesg(-59), c.bus(4)),
    ])
    dcgm(c, "aks-ndh100-29104611-vmss00000b", which=("util", "temp"), lost={4: -60})
    each_gpu(c, "aks-ndh100-29104611-vmss00000b", "health", err={4: "NVML returned NVML_ERROR_UNKNOWN for nvmlDeviceGetTotalEccErrors after 3 retries"})
    c.errored("gpu.kernel_launch@aks-ndh100-29104611-vmss00000b/gpu4", "cudaLaunchKernel: unspecified launch failure")
    each_gpu(c, "aks-ndh100-29104611-vmss00000b", "kernel_launch", gpus=[3, 5])
    each_gpu(c, "aks-ndh100-29104611-vmss00000a", "health")
    c.with_topology()
    return c


def m029():
    # No Xid at all: intra-node all-reduce on one node is slow; NVLink replay/CRC error rates on gpu6
    # are far above the others (probe needed: logs and utilisation only show a slow job).
    hosts = ["hgx-m1-%02d" % i for i in range(21, 25)]
    c = ck.Case("case-m029", "nvlink_error", "hgx-m1-23/gpu6", hosts, gpu=H200)
    c.alert("MFUDrop", "MFU 41% -> 29% on job tt-dsv3-lite (no errors logged)", job="tt-dsv3-lite", node="hgx-m1-21")
    c.log("hgx-m1-21/rank0/stdout", ck.fsdp_steps(c, -1150, 40, 12000, step_s=3.0, mfu=41.0,
                                                   step_fn=lambda i: 3.0 if i < 12 else 4.25) + ck.app_noise(c, 4))
    c.log("hgx-m1-23/journal", ck.kernel_noise(c, "hgx-m1-23", 12))
    for h in ("hgx-m1-23", "hgx-m1-22"):
        dcgm(c, h, which=("util", "power", "temp"))
    each_gpu(c, "hgx-m1-23", "health", bad={6: {"nvlink_crc_errors": 9120455, "nvlink_crc_errors_per_s": 8810.0,
                                                "nvlink_replay_errors": 2210344, "nvlink_replay_errors_per_s": 2390.0}})
    each_gpu(c, "hgx-m1-22", "health")
    for h in hosts:
        c.nccl("nccl.allreduce@" + h, busbw=212.7 if h == "hgx-m1-23" else None)
    c.nccl("nccl.p2p_matrix@hgx-m1-23", busbw=88.2, details={"slowest_pairs": "gpu6-gpu0, gpu6-gpu3, gpu6-gpu7"})
    c.nccl("nccl.p2p_matrix@hgx-m1-22")
    c.with_topology()
    return c


def m030():
    # Whole node hot: chassis fan failure; all 8 GPUs at 86-90 C with thermal slowdown; component node.
    hosts = ["dgxh-14", "dgxh-15", "dgxh-16"]
    c = ck.Case("case-m030", "gpu_thermal_throttle", "dgxh-15", hosts, gpu=H100)
    c.alert("SlowNode", "node dgxh-15 ranks 8-15 gate every step (+37% step time)", job="nemo-mistral-22b", node="dgxh-15")
    c.log("dgxh-14/rank0/stdout", ck.megatron_iters(c, -830, 40, 3320, step_s=2.9,
                                                    step_fn=lambda i: 2.9 if i < 10 else 3.95))
    c.log("dgxh-15/bmc-sel", [
        "%s | Fan FAN_3_2 | Lower Critical going low  | Asserted | Reading 0 < Threshold 1200 RPM" % c.at(-980).strftime("%m/%d/%Y %H:%M:%S"),
        "%s | Fan FAN_3_1 | Lower Critical going low  | Asserted | Reading 420 < Threshold 1200 RPM" % c.at(-975).strftime("%m/%d/%Y %H:%M:%S"),
        "%s | Temperature GPU_TRAY_INLET | Upper Non-critical going high | Asserted | Reading 44 > Threshold 40 degrees C" % c.at(-700).strftime("%m/%d/%Y %H:%M:%S"),
    ])
    c.log("dgxh-15/journal", ck.kernel_noise(c, "dgxh-15", 12))
    hot = {g: {"temp": after(-950, lambda s, v: min(89 + c.rng.uniform(-1, 1), 60 + (s + 950) / 12.0)),
               "clock": after(-800, lambda s, v: 1390 + c.rng.uniform(-60, 60))} for g in range(8)}
    dcgm(c, "dgxh-15", fault=hot, which=("temp", "clock", "power"))
    dcgm(c, "dgxh-14", which=("temp", "clock"))
    bad = {g: {"temperature_c": 86 + g % 4, "sm_clock_mhz": 1365 + 10 * g,
               "clock_event_reasons": ck.CLK_SW_THERMAL | (ck.CLK_HW_THERMAL if g % 2 else 0)} for g in range(8)}
    each_gpu(c, "dgxh-15", "health", bad=bad)
    each_gpu(c, "dgxh-14", "health")
    c.with_topology()
    return c


def m031():
    # Straggler rank whose GPU has a 450 W power limit (left over from an energy experiment);
    # clocks sag under SW power cap. DCGM power looks flat-capped; health names the limit.
    hosts = ["sc-gpu-%03d" % i for i in (61, 62, 63, 64)]
    c = ck.Case("case-m031", "gpu_power_throttle", "sc-gpu-063/gpu1", hosts, gpu=H100)
    c.alert("StragglerRank", "rank 17 slowest in 93% of steps over 30 min (megatron 'falcon-ft')", job="falcon-ft",
            node="sc-gpu-063", rank="17")
    lines = ck.megatron_iters(c, -1100, 30, 7600, step_s=4.9)
    lines.append("[%s] straggler report: rank 17 (sc-gpu-063) relative GPU performance 0.71, others 0.97-1.00" % c.ymd(-40))
    c.log("sc-gpu-061/rank0/stdout", lines)
    c.log("sc-gpu-063/journal", ck.kernel_noise(c, "sc-gpu-063", 10))
    capped = {1: {"power": lambda s, v: 449 + c.rng.uniform(-2, 1), "clock": lambda s, v: 1515 + c.rng.uniform(-70, 70)}}
    dcgm(c, "sc-gpu-063", fault=capped, which=("power", "clock", "temp"))
    each_gpu(c, "sc-gpu-063", "health", bad={1: {"power_limit_w": 450, "power_w": 449, "sm_clock_mhz": 1500,
                                                 "clock_event_reasons": ck.CLK_SW_POWER_CAP}})
    each_gpu(c, "sc-gpu-063", "gemm", bad={1: {"tflops": 541.0}})
    each_gpu(c, "sc-gpu-062", "health")
    c.with_topology()
    return c


def m032():
    # A100 job: "data wait" dominates step time so it looks like an input-pipeline stall, but rank 7
    # copies its batch over a Gen1 link (after a reboot the slot trained at 2.5 GT/s). Probe needed.
    hosts = ["a100-dl-%02d" % i for i in (3, 4)]
    c = ck.Case("case-m032", "pcie_link_degraded", "a100-dl-03/gpu7", hosts, gpu=A100)
    c.alert("GPUUtilLow", "GPU util 52% on job bert-xxl-pretrain for 20m", job="bert-xxl-pretrain", node="a100-dl-03")
    lines = ck.plain_steps(c, -1150, 45, 40100, step_s=1.9, extra=" | data_time 0.71s")
    lines.append("%s | WARNING | perf | data_time > 30%% of step_time for 500 steps; consider more dataloader workers" % c.ymd(-100))
    c.log("a100-dl-03/rank0/train.log", lines)
    c.log("a100-dl-03/dmesg", ck.kernel_noise(c, "a100-dl-03", 10, fmt="dmesg", start_s=-90000, end_s=-80000))
    dcgm(c, "a100-dl-03", which=("util", "power"), util=52.0)
    each_gpu(c, "a100-dl-03", "pcie", bad={7: {"h2d": 1.6, "d2h": 1.5}})
    each_gpu(c, "a100-dl-04", "pcie")
    each_gpu(c, "a100-dl-03", "health", bad={7: {"pcie_link_gen": 1}})
    c.gemm("gpu.gemm@a100-dl-03/gpu7")
    c.with_topology()
    return c


def m033():
    # "Loss is NaN" looks like divergence; the non-finite check points to one rank; sdc vote fails on
    # that node's gpu5, health passes. Probe needed.
    hosts = ["h200-nx%02d" % i for i in range(1, 5)]
    c = ck.Case("case-m033", "gpu_silent_data_corruption", "h200-nx02/gpu5", hosts, gpu=H200)
    c.alert("LossNaN", "loss NaN at step 18221 (deepspeed zero3 'coder-33b')", job="coder-33b", node="h200-nx01")
    lines = ck.deepspeed_steps(c, -380, 30, 18190, step_s=2.4)
    lines += [
        "[%s] [WARNING] [nan_guard.py:58] non-finite gradient in 'model.layers.44.mlp.down_proj.weight' on rank 13 only (local grad norm inf, other ranks finite)" % c.ymd_ms(-60),
        "[%s] [WARNING] [nan_guard.py:58] non-finite gradient in 'model.layers.9.self_attn.o_proj.weight' on rank 13 only" % c.ymd_ms(-300),
        "[%s] [INFO] [train.py:412] step 18221 loss nan" % c.ymd_ms(-20),
    ]
    c.log("h200-nx01/rank0/stdout", lines)
    c.log("h200-nx02/journal", ck.kernel_noise(c, "h200-nx02", 8))
    dcgm(c, "h200-nx02", which=("temp", "power"))
    c.sdc("gpu.sdc@h200-nx02", mismatched=3, bad_gpu="gpu5")
    for h in ("h200-nx01", "h200-nx03", "h200-nx04"):
        c.sdc("gpu.sdc@" + h)
    each_gpu(c, "h200-nx02", "health")
    c.with_topology()
    return c


def m034():
    # RoCE fabric: retry-exceeded on many ranks; the port mlx5_2 of one node shows symbol errors and
    # link_downed increments; ranks on other nodes name that node's address.
    hosts = ["roce-%02d" % i for i in range(31, 35)]
    c = ck.Case("case-m034", "ib_link_failure", "roce-33/mlx5_2", hosts, gpu=H200)
    c.alert("TrainingJobFailed", "job gpt-oss-ft failed: NCCL error on 6 ranks", job="gpt-oss-ft", node="roce-31")
    ip = "192.168.33.12"
    out = []
    for h, g in (("roce-31", 2), ("roce-32", 2), ("roce-34", 2), ("roce-33", 2)):
        pid = c.rng.randrange(10000, 99999)
        tgt = ip if h != "roce-33" else "192.168.31.12"
        out.append("%s:%d:%d [%d] NCCL WARN NET/IB : Got completion from peer %s<50011> with error 12, opcode 32767, len 0, vendor err 129 (Recv) localGid ::ffff:%s remoteGid ::ffff:%s" % (
            h, pid, pid + 7, g, tgt, "192.168.%s.12" % h[-2:], tgt))
        out.append("%s:%d:%d [%d] NCCL INFO transport/net.cc:1293 -> 6" % (h, pid, pid + 7, g))
    c.log("launcher/gpt-oss-ft", ck.app_noise(c, 10) + out)
    c.log("roce-33/kern.log", ck.kernel_noise(c, "roce-33", 5) + [
        "%s roce-33 kernel: mlx5_core 0000:%s:00.0 ens2f0np0: Link down" % (c.syslog(-75), ck.NIC_BUS[2]),
        "%s roce-33 kernel: mlx5_core 0000:%s:00.0 ens2f0np0: Link up" % (c.syslog(-69), ck.NIC_BUS[2]),
        "%s roce-33 lldpd[1221]: removal request for address of 192.168.33.1%%ens2f0np0, but no knowledge of it" % c.syslog(-74),
    ])
    c.node_metric("node_infiniband_symbol_error_total", {"instance": "roce-33", "device": "mlx5_2", "port": "1"},
                  lambda s: 10 + max(0, s + 400) * 37, decimals=0)
    c.node_metric("node_infiniband_symbol_error_total", {"instance": "roce-33", "device": "mlx5_1", "port": "1"},
                  lambda s: 3, decimals=0)
    c.node_metric("node_infiniband_link_downed_total", {"instance": "roce-33", "device": "mlx5_2", "port": "1"},
                  lambda s: 2 if s < -75 else 3, decimals=0)
    c.nccl("nccl.allreduce@job", busbw=41.0)
    c.nccl("nccl.allreduce@roce-33")
    c.nccl("nccl.sendrecv@roce-33", busbw=11.0)
    c.nccl("nccl.sendrecv@roce-32")
    c.with_topology()
    return c


def m035():
    # Job-wide 7x slowdown after moving to new nodes: NCCL_IB_HCA names devices that do not exist
    # there, NCCL falls back to sockets. Node-local collectives fine, job-wide bandwidth tiny.
    hosts = ["ndv5-%02d" % i for i in range(1, 5)]
    c = ck.Case("case-m035", "nccl_network_misconfig", "job", hosts, gpu=H100)
    c.alert("StepTimeRegression", "step time 7.1x baseline since restart on new node pool", job="sft-70b-v2", node="ndv5-01")
    pid = 40211
    lines = [
        "ndv5-01:%d:%d [0] NCCL INFO NCCL_IB_HCA set to =mlx5_ib0:1,mlx5_ib1:1,mlx5_ib2:1,mlx5_ib3:1" % (pid, pid),
        "ndv5-01:%d:%d [0] NCCL INFO NET/IB : No device found." % (pid, pid),
        "ndv5-01:%d:%d [0] NCCL INFO NCCL_SOCKET_IFNAME set by environment to eth0" % (pid, pid),
        "ndv5-01:%d:%d [0] NCCL INFO NET/Socket : Using [0]eth0:10.1.0.4<0>" % (pid, pid),
        "ndv5-01:%d:%d [0] NCCL INFO Using network Socket" % (pid, pid),
        "ndv5-01:%d:%d [0] NCCL INFO Channel 00/0 : 7[7] -> 8[0] [receive] via NET/Socket/0" % (pid, pid + 90),
    ]
    lines += ck.megatron_iters(c, -1100, 30, 10, step_s=21.0)
    c.log("ndv5-01/rank0/stdout", lines)
    c.log("ndv5-01/ibv_devinfo", [
        "hca_id:\tmlx5_0", "\ttransport:\t\t\tInfiniBand (0)", "\tfw_ver:\t\t\t\t28.39.1002",
        "\t\tport:\t1", "\t\t\tstate:\t\t\tPORT_ACTIVE (4)", "\t\t\tlink_layer:\t\tInfiniBand",
        "hca_id:\tmlx5_1", "\t\tport:\t1", "\t\t\tstate:\t\t\tPORT_ACTIVE (4)",
    ])
    c.nccl("nccl.allreduce@job", busbw=6.8, details={"env": "job environment (NCCL_IB_HCA from the job spec)"})
    for h in hosts[:2]:
        c.nccl("nccl.allreduce@" + h)
    c.with_topology()
    return c


def m036():
    # Desync: rank 19 calls ALLGATHER with a different size (a conditional branch on a per-rank
    # value); everyone else waits. Heartbeat monitor fires; desync report names rank 19.
    hosts = ["c4-gpu-%d" % i for i in range(1, 5)]
    c = ck.Case("case-m036", "nccl_collective_hang", "c4-gpu-3/gpu3", hosts, gpu=H100)
    c.alert("TrainingStalled", "no progress for 30 min (job fsdp-vlm-13b)", job="fsdp-vlm-13b", node="c4-gpu-1")
    lines = ck.fsdp_steps(c, -2300, 10, 500, step_s=2.2)
    lines += timeouts(c, [0, 1, 11, 27], -420, 1205, op="_ALLGATHER_BASE", numel=5242880, timeout_ms=1800000)
    lines += [
        "[rank0]:[%s ProcessGroupNCCL.cpp:1378] [PG 0 (default_pg) Rank 0] Heartbeat monitor timed out! Process will be terminated after dumping debug info. workMetaList_.size()=1" % c.glog(-60, "E"),
        "[rank0]:[%s ProcessGroupNCCL.cpp:1185] [PG 0 (default_pg) Rank 0] ProcessGroupNCCL preparing to dump debug info." % c.glog(-59, "E"),
        "[rank0]:[%s ProcessGroupNCCL.cpp:1269] [Rank 0] [PG 0 (default_pg)] Desync report: collective SeqNum 1205 (_ALLGATHER_BASE, NumelIn=5242880) - ranks [19] entered _ALLGATHER_BASE with NumelIn=2621440; all other ranks with NumelIn=5242880" % c.glog(-58, "E"),
    ]
    c.log("c4-gpu-1/rank0/stderr", lines)
    c.log("c4-gpu-3/rank19/stderr", ["[rank19]:[titan] %s - root - INFO - vision tower: image batch of 3 tiles (dynamic tiling), padding skipped" % c.ymd_ms(-2300 + 22.5)] + ck.app_noise(c, 8))
    dcgm(c, "c4-gpu-3", which=("util", "power"))
    each_gpu(c, "c4-gpu-3", "health")
    c.nccl("nccl.allgather@c4-gpu-3")
    c.nccl("nccl.allgather@job")
    c.with_topology()
    return c


def m037():
    # One rank dies of a Python exception in its data path; peers then report IB completion errors
    # (the loudest, most numerous lines) against its node.
    hosts = ["sl-ib-%02d" % i for i in range(5, 9)]
    c = ck.Case("case-m037", "rank_process_crash", "sl-ib-07/gpu1", hosts, gpu=H200)
    c.alert("NCCLError", "IBV_WC_RETRY_EXC_ERR on 7 ranks (job megatron-pile-20b)", job="megatron-pile-20b", node="sl-ib-05")
    out = ck.megatron_iters(c, -120, 20, 90000, step_s=3.3)
    for r in (3, 9, 14, 26, 30):
        pid = c.rng.randrange(10000, 99999)
        out.append("sl-ib-%02d:%d:%d [%d] NCCL WARN NET/IB : Got completion from peer 10.3.7.17<38012> with status=IBV_WC_RETRY_EXC_ERR(12) opcode=RDMA_WRITE(0) len=65536 vendor_err=129 (Send) localGid fe80::a088:c203:21:%x remoteGids fe80::a088:c203:21:7111 hca mlx5_%d" % (
            5 + r // 8, pid, pid + 4, r % 8, r, r % 8))
    c.log("sl-ib-05/slurm.out", out)
    c.log("sl-ib-07/rank17/stderr", [
        "[rank17]: Traceback (most recent call last):",
        '[rank17]:   File "/workspace/megatron/core/datasets/gpt_dataset.py", line 213, in __getitem__',
        "[rank17]:     text, document_ids = self._query_document_sample_shuffle_indices(idx)",
        '[rank17]:   File "/workspace/megatron/core/datasets/indexed_dataset.py", line 522, in __getitem__',
        "[rank17]: IndexError: index 2847741902 is out of bounds for axis 0 with size 2847741900",
        "srun: error: sl-ib-07: task 17: Exited with exit code 1",
    ])
    dcgm(c, "sl-ib-07", which=("util",), fault={1: {"util": after(-50, 0.0)}})
    each_gpu(c, "sl-ib-07", "health")
    c.nccl("nccl.allreduce@job")
    c.with_topology()
    return c


def m038():
    # Rank 0 (on the first pod's node) OOMs gathering full-vocabulary logits for an eval; the other
    # pods end with watchdog timeouts. Kubernetes, FSDP.
    hosts = ["gpu-pool-h100-x7d", "gpu-pool-h100-k2p"]
    c = ck.Case("case-m038", "cuda_oom", "gpu-pool-h100-x7d/gpu0", hosts, gpu=H100)
    c.alert("PyTorchJobFailed", "fsdp-eval-mix: worker-1 Error (NCCL watchdog)", job="fsdp-eval-mix",
            namespace="llm", node="gpu-pool-h100-k2p")
    c.log("llm/fsdp-eval-mix-worker-1", timeouts(c, [8, 11, 15], -5, 77811, op="ALLGATHER", timeout_ms=600000) + ck.app_noise(c, 6))
    c.log("llm/fsdp-eval-mix-worker-0", ck.fsdp_steps(c, -650, 20, 4000, step_s=2.0) + [
        "[rank0]:[titan] %s - root - INFO - running eval: 512 prompts, gather_logits=True" % c.ymd_ms(-610),
        "[rank0]: Traceback (most recent call last):",
        '[rank0]:   File "/app/eval.py", line 77, in gather_logits',
        "[rank0]:     all_logits = torch.cat(gathered, dim=0).float()",
        "[rank0]: torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 15.66 GiB. GPU 0 has a total capacity of 79.11 GiB of which 9.12 GiB is free. Process 1190 has 69.98 GiB memory in use. Of the allocated memory 66.10 GiB is allocated by PyTorch, and 2.31 GiB is reserved by PyTorch but unallocated.",
    ])
    c.gpu_metric("DCGM_FI_DEV_FB_USED", "gpu-pool-h100-x7d", 52000, 1200, decimals=0,
                 over={0: lambda s, v: 71600 if -610 < s < -600 else v})
    each_gpu(c, "gpu-pool-h100-x7d", "health", gpus=[0, 1, 2, 3])
    c.with_topology()
    return c


def m039():
    # Device-side assert on one rank only (token id beyond the embedding table in one bad shard);
    # Xid 43 on that GPU; peers time out.
    hosts = ["dgx-g%02d" % i for i in range(40, 44)]
    c = ck.Case("case-m039", "illegal_memory_access", "dgx-g41/gpu5", hosts, gpu=H100)
    c.alert("TrainingJobFailed", "nemo job mt5-ext failed: rank 13 CUDA error", job="mt5-ext", node="dgx-g41")
    c.log("dgx-g41/rank13/stderr", [
        "../aten/src/ATen/native/cuda/Indexing.cu:1289: indexSelectLargeIndex: block: [301,0,0], thread: [%d,0,0] Assertion `srcIndex < srcSelectDimSize` failed." % t for t in (96, 97, 98, 99)
    ] + [
        "[rank13]: RuntimeError: CUDA error: device-side assert triggered",
        "[rank13]: Compile with `TORCH_USE_CUDA_DSA` to enable device-side assertions.",
        "%s INFO data: shard mc4-ext-000917.jsonl.gz (tokenizer v3) loaded on dp_rank 13" % c.ymd(-700),
    ])
    c.log("dgx-g40/rank0/stderr", ck.megatron_iters(c, -660, 20, 4400, step_s=2.7) +
          timeouts(c, [0, 4, 20, 31], -10, 30300, op="BROADCAST", numel=1))
    c.log("dgx-g41/dmesg", [nvrm(c, "dgx-g41", -600, 43, 5, "Ch 00000010", fmt="dmesg")] + ck.kernel_noise(c, "dgx-g41", 4, fmt="dmesg"))
    each_gpu(c, "dgx-g41", "health", bad={5: {"xid_last": 43}})
    c.with_topology()
    return c


def m040():
    # Kubernetes pod memory limit: DataLoader workers killed, pod OOMKilled; the node's cgroup OOM.
    hosts = ["ip-10-2-14-88", "ip-10-2-15-21"]
    c = ck.Case("case-m040", "host_oom", "ip-10-2-15-21", hosts, gpu=H100)
    c.alert("KubePodOOMKilled", "pod train/llava-ft-worker-1 OOMKilled", job="llava-ft", namespace="train",
            node="ip-10-2-15-21")
    c.log("train/llava-ft-worker-1", ck.app_noise(c, 8) + ck.plain_steps(c, -900, 14, 6100, step_s=3.3, loss=1.12) + [
        "RuntimeError: DataLoader worker (pid 3811) is killed by signal: Killed. ",
        "RuntimeError: DataLoader worker (pid(s) 3811, 3815) exited unexpectedly",
    ])
    c.log("scheduler/events", [
        "%s Warning OOMKilling node/ip-10-2-15-21 Memory cgroup out of memory: Killed process 3811 (pt_data_worker) total-vm:48211044kB, anon-rss:31820112kB" % c.iso(-40),
        "%s Normal Killing pod/llava-ft-worker-1 Stopping container worker" % c.iso(-35),
        "%s Warning BackOff pod/llava-ft-worker-1 Back-off restarting failed container worker" % c.iso(-5),
    ])
    c.log("ip-10-2-15-21/dmesg", [
        "%s Memory cgroup out of memory: Killed process 3811 (pt_data_worker) total-vm:48211044kB, anon-rss:31820112kB, file-rss:10220kB, shmem-rss:2210kB, UID:0 pgtables:63388kB oom_score_adj:936" % c.dmesg(-40),
        "%s pt_data_worker invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, oom_score_adj=936" % c.dmesg(-40.2),
        "%s memory: usage 1048576000kB, limit 1048576000kB, failcnt 211" % c.dmesg(-40.1),
    ])
    c.node_metric("container_memory_working_set_bytes", {"pod": "llava-ft-worker-1", "node": "ip-10-2-15-21"},
                  lambda s: min(1.0737e12, 7.1e11 + (s + 1200) * 3.1e8), decimals=0)
    each_gpu(c, "ip-10-2-15-21", "health", gpus=[0, 1])
    c.with_topology()
    return c


def m041():
    # NaN after a node swap: looks like SDC on the new node, but the sdc vote passes everywhere and
    # the grad norm was rising for hundreds of steps after a data-mix change: plain divergence.
    hosts = ["h100-p%02d" % i for i in (3, 4, 9, 6)]
    c = ck.Case("case-m041", "loss_divergence", "job", hosts, gpu=H100)
    c.alert("LossNaN", "loss NaN at iteration 71234 (job resumed 2h ago with h100-p09 replacing h100-p05)",
            job="gpt-30b-mix", node="h100-p09")

    def grad(i):
        return 0.35 * (1.13 ** i) if i < 38 else float("nan")

    def loss(i):
        return 2.02 + 0.002 * i * i if i < 38 else float("nan")
    c.log("h100-p03/rank0/stdout", [
        "%s INFO resumed from iter_0071190 on nodes h100-p03,h100-p04,h100-p09,h100-p06; data mix v7 -> v8 (code 35%%)" % c.ymd(-1200),
    ] + ck.megatron_iters(c, -180, 42, 71196, step_s=4.0, grad_fn=grad, loss_fn=loss))
    for h in hosts:
        c.sdc("gpu.sdc@" + h)
    each_gpu(c, "h100-p09", "health")
    each_gpu(c, "h100-p09", "gemm")
    c.with_topology()
    return c


def m042():
    # fairseq fp16: loss scale driven to the floor.
    hosts = ["fs-v100r-%d" % i for i in (1, 2)]
    c = ck.Case("case-m042", "fp16_loss_scale_collapse", "job", hosts, gpu=A100)
    c.alert("TrainingJobFailed", "fairseq job wmt-big-fp16 exited with FloatingPointError", job="wmt-big-fp16", node="fs-v100r-1")
    lines = []
    scale = 128.0
    for i in range(16):
        lines.append("%s | INFO | fairseq.trainer | NOTE: gradient overflow detected, ignoring gradient, setting loss scale to: %s" % (
            c.ymd(-300 + i * 15), repr(scale / 2 ** (i + 1))))
    lines += [
        "%s | INFO | train_inner | epoch 012:   4410 / 9811 loss=5.113, nll_loss=3.41, ppl=10.63, wps=291044, ups=2.31, wpb=126000, bsz=4096, num_updates=118410, lr=0.000421, gnorm=1.208, loss_scale=0.0039, train_wall=43, gb_free=31.2, wall=51110" % c.ymd(-310),
        "Traceback (most recent call last):",
        '  File "/opt/fairseq/fairseq/optim/dynamic_loss_scaler.py", line 61, in check_overflow',
        "FloatingPointError: Minimum loss scale reached (0.0001). Your loss is probably exploding. Try lowering the learning rate, using gradient clipping or increasing the batch size.",
    ]
    c.log("fs-v100r-1/train.log", ck.app_noise(c, 6) + lines)
    dcgm(c, "fs-v100r-1", which=("util",))
    for h in hosts:
        c.sdc("gpu.sdc@" + h)
    c.with_topology()
    return c


def m043():
    # NeMo/TE FP8: amax NaN and scale underflow reported by the fp8 stats callback; bf16 layers fine.
    hosts = ["eos-h100-%03d" % i for i in (120, 121, 122, 123)]
    c = ck.Case("case-m043", "fp8_scaling_overflow", "job", hosts, gpu=H100)
    c.alert("GradNormNaN", "grad_norm non-finite 9 times in 200 steps (nemo fp8 'gemma-like-27b')", job="nemo-fp8-27b", node="eos-h100-120")
    lines = []
    for i in range(20):
        lines.append("Epoch 0: : %d/250000 [%s, reduced_train_loss=%.3f, global_step=%d, consumed_samples=%d, train_step_timing in s=3.14, grad_norm=%s]" % (
            6200 + i, c.ymd(-1000 + i * 30), 2.4 - 0.002 * i if i < 14 else 2.4 + (i - 13) * 0.3, 6200 + i, (6200 + i) * 512,
            "%.3f" % (0.8 + c.rng.uniform(-0.1, 0.1)) if i < 14 else "nan"))
    lines += [
        "%s [NeMo W fp8_stats:112] amax_history[fwd][layers.30.mlp.fc2] = [inf, 4.41e+02, 4.38e+02, ...] (1 non-finite of 16)" % c.ymd(-580),
        "%s [NeMo W fp8_stats:118] scale[fwd][layers.30.mlp.fc2] 1.0e-38 -> 0.0 (underflow), fp8 margin=0, format=HYBRID" % c.ymd(-575),
        "%s [NeMo W fp8_stats:118] scale[bwd][layers.30.mlp.fc2] 3.1e-03 -> 0.0 (underflow)" % c.ymd(-570),
        "%s [NeMo I fp8_stats:130] 12 of 384 FP8 tensors saturated > 5%% (e4m3 max 448)" % c.ymd(-560),
    ]
    c.log("eos-h100-120/nemo_log_globalrank-0.txt", lines)
    for h in hosts[:2]:
        c.sdc("gpu.sdc@" + h)
    c.with_topology()
    return c


def m044():
    # MoE job: all-to-all time grows and it looks like a network slowdown; the fabric probes pass,
    # the router statistics (printed every 500 steps) show collapse onto few experts.
    hosts = ["ds-moe-%02d" % i for i in range(1, 5)]
    c = ck.Case("case-m044", "moe_expert_imbalance", "job", hosts, gpu=H200)
    c.alert("AllToAllLatencyHigh", "alltoall p99 latency 5.8x baseline (job deepspeed-moe-128e)", job="deepspeed-moe-128e", node="ds-moe-01")
    lines = ck.deepspeed_steps(c, -1100, 36, 12000, step_s=1.9, step_fn=lambda i: 1.9 + max(0, i - 10) * 0.06)
    lines += [
        "[%s] [INFO] [moe_monitor.py:41] step 12000 experts_used 117/128 gate_entropy 4.61 cap_overflow 0.4%%" % c.ymd_ms(-1090),
        "[%s] [INFO] [moe_monitor.py:41] step 12500 experts_used 23/128 gate_entropy 1.97 cap_overflow 27.1%% (tokens dropped)" % c.ymd_ms(-150),
        "[%s] [INFO] [comm_timer.py:88] all_to_all fwd mean 188.4 ms max 611.2 ms (expert ranks 3, 17 busiest)" % c.ymd_ms(-120),
    ]
    c.log("ds-moe-01/rank0/stdout", lines)
    c.nccl("nccl.alltoall@job")
    c.nccl("nccl.alltoall@ds-moe-02")
    c.nccl("nccl.allreduce@job")
    each_gpu(c, "ds-moe-01", "gemm", gpus=[3])
    c.with_topology()
    return c


def m045():
    # One rank slow: a leftover process of an earlier job still runs on gpu3 (the inventory details
    # list two compute processes); gemm on gpu3 is low, health passes. Probe needed.
    hosts = ["bm-gpu-%02d" % i for i in (50, 51)]
    c = ck.Case("case-m045", "straggler_rank", "bm-gpu-51/gpu3", hosts, gpu=H100)
    c.alert("StragglerRank", "rank 11 step time 1.4x median (job fsdp-sd3-ft)", job="fsdp-sd3-ft", node="bm-gpu-51", rank="11")
    c.log("bm-gpu-50/rank0/stdout", ck.fsdp_steps(c, -1000, 40, 2000, step_s=1.6))
    c.log("bm-gpu-51/journal", ck.kernel_noise(c, "bm-gpu-51", 12) + [
        "%s bm-gpu-51 slurmstepd[61203]: error: *** JOB 880112 STEPD TERMINATED ON bm-gpu-51 AT %s DUE TO JOB NOT ENDING WITH SIGNALS ***" % (c.syslog(-11000), c.iso(-11000)[:-1]),
    ])
    dcgm(c, "bm-gpu-51", which=("util", "power", "clock"), fault={3: {"util": lambda s, v: 100.0}})
    each_gpu(c, "bm-gpu-51", "health")
    each_gpu(c, "bm-gpu-51", "gemm", bad={3: {"tflops": 402.0}})
    c.inventory("gpu.inventory@bm-gpu-51/gpu3", details={"compute_processes": "python3 pid 41212 (23.1 GiB, started by job 880112), python3 pid 77102 (61.0 GiB, job 884020)"})
    c.with_topology()
    return c


def m046():
    # HF datasets tokenisation on the fly in 4 workers per rank: step time spiky, GPU util low on all
    # nodes, no communication error. PCIe / GEMM probes pass (probe needed to rule out hardware).
    hosts = ["lambda-h100-%d" % i for i in (7, 8)]
    c = ck.Case("case-m046", "dataloader_stall", "job", hosts, gpu=H100)
    c.alert("GPUUtilLow", "GPU util < 50% for 15m on job sft-mistral-hf", job="sft-mistral-hf", node="lambda-h100-7")
    lines = [
        "%s - INFO - datasets.arrow_dataset - Map (num_proc=4): streaming=True, tokenizing on the fly" % c.ymd(-1150),
    ]
    t = -1140
    for i in range(30):
        st = 0.9 if i % 4 else 6.5 + c.rng.uniform(-0.5, 0.5)
        t += st
        lines.append("{'loss': %.4f, 'grad_norm': %.3f, 'learning_rate': 1.9e-05, 'epoch': 0.%02d, 'step_time': %.2f, 'dataloader_wait': %.2f}  %s" % (
            1.31 - i * 0.002, 0.9 + c.rng.uniform(-0.1, 0.1), 40 + i // 3, st, st - 0.82, c.ymd(t)))
    c.log("lambda-h100-7/accelerate.log", lines)
    for h in hosts:
        dcgm(c, h, which=("util",), util=45.0, fault={g: {"util": lambda s, v: 96 if (int(s) // 30) % 4 == 0 else 18 + c.rng.uniform(-4, 4)} for g in range(8)})
    c.node_metric("node_load1", {"instance": "lambda-h100-7"}, lambda s: 208 + c.rng.uniform(-5, 5))
    each_gpu(c, "lambda-h100-7", "pcie")
    each_gpu(c, "lambda-h100-7", "gemm", gpus=[0, 4])
    c.with_topology()
    return c


def m047():
    # Local NVMe on one node fails; ext4 goes read-only; the checkpoint staging on that node's ranks
    # fails with EROFS.
    hosts = ["gpu-st-%02d" % i for i in range(11, 15)]
    c = ck.Case("case-m047", "storage_failure", "gpu-st-13", hosts, gpu=H200)
    c.alert("CheckpointFailed", "async checkpoint staging failed on ranks 16-23 (job titan-8x8)", job="titan-8x8", node="gpu-st-11")
    c.log("gpu-st-13/dmesg", ck.kernel_noise(c, "gpu-st-13", 4, fmt="dmesg") + [
        "%s nvme nvme1: I/O 712 (Write) QID 41 timeout, aborting" % c.dmesg(-300),
        "%s nvme nvme1: Abort status: 0x371" % c.dmesg(-300),
        "%s nvme nvme1: I/O 712 QID 41 timeout, reset controller" % c.dmesg(-270),
        "%s nvme nvme1: Device not ready; aborting reset, CSTS=0x3" % c.dmesg(-240),
        "%s blk_update_request: I/O error, dev nvme1n1, sector 1831204864 op 0x1:(WRITE) flags 0x800 phys_seg 32 prio class 0" % c.dmesg(-239),
        "%s EXT4-fs error (device nvme1n1): ext4_journal_check_start:83: comm python3: Detected aborted journal" % c.dmesg(-238),
        "%s EXT4-fs (nvme1n1): Remounting filesystem read-only" % c.dmesg(-238),
    ])
    c.log("gpu-st-11/rank0/stdout", ck.fsdp_steps(c, -310, 20, 3000, step_s=5.1) + [
        "[rank16]:[titan] %s - root - ERROR - checkpoint stage to /local_nvme/ckpt/step-3020 failed: [Errno 30] Read-only file system: '/local_nvme/ckpt/step-3020/__16_0.distcp'" % c.ymd_ms(-200),
        "[rank21]:[titan] %s - root - ERROR - checkpoint stage to /local_nvme/ckpt/step-3020 failed: [Errno 30] Read-only file system" % c.ymd_ms(-200),
    ])
    c.node_metric("node_disk_io_time_seconds_total", {"instance": "gpu-st-13", "device": "nvme1n1"},
                  lambda s: 5000 + (s + 1200) * 0.3 if s < -300 else 5000 + 900 * 0.3 + (s + 300) * 1.0)
    each_gpu(c, "gpu-st-13", "health", gpus=[0, 1])
    c.with_topology()
    return c


def m048():
    # sbatch exports CUDA_VISIBLE_DEVICES=0,1,2,3 but torchrun starts 8 local ranks: local ranks 4-7
    # on every node fail "invalid device ordinal". Looks like missing GPUs; inventory sees all 8.
    hosts = ["lg-%03d" % i for i in (7, 8)]
    c = ck.Case("case-m048", "launch_config_error", "job", hosts, gpu=H200)
    c.alert("JobFailedAtStart", "job 998123 failed: 8 of 16 ranks 'invalid device ordinal'", job="qwen-sft-16", node="lg-007")
    out = ["+ export CUDA_VISIBLE_DEVICES=0,1,2,3", "+ torchrun --nnodes=2 --nproc_per_node=8 --rdzv_backend=c10d --rdzv_endpoint=lg-007:29500 train.py"]
    for r in (4, 5, 6, 7, 12, 13, 14, 15):
        out.append("[rank%d]: torch.AcceleratorError: CUDA error: invalid device ordinal" % r)
        out.append("[rank%d]: GPU device may be out of range, do you have enough GPUs?" % r)
    out += ck.elastic_failure(c, -10, "lg-007", 4, 4, 1)
    c.log("slurm-998123.out", ck.app_noise(c, 4) + out)
    for h in hosts:
        each_gpu(c, h, "inventory", gpus=[4, 7])
    each_gpu(c, "lg-007", "health", gpus=[4, 5, 6, 7])
    c.with_topology()
    return c


def m049():
    # The node with the lost GPU hangs entirely after Xid 79 (probes cannot reach it); the last
    # kernel lines came out through netconsole; peers log timeouts.
    hosts = ["hx-%02d" % i for i in range(60, 64)]
    c = ck.Case("case-m049", "gpu_fallen_off_bus", "hx-62/gpu7", hosts, gpu=H200)
    c.alert("NodeNotReady", "hx-62 unreachable (node_exporter down), job 551020 hung", job="pt-moe-base", node="hx-62")
    c.log("netconsole/hx-62", [
        "%s hx-62 kernel: NVRM: GPU at PCI:%s.0: %s" % (c.syslog(-610), c.bus(7), c.uuid("hx-62", 7)),
        "%s hx-62 kernel: NVRM: Xid (PCI:%s): 79, pid='<unknown>', name=<unknown>, GPU has fallen off the bus." % (c.syslog(-610), c.bus(7)),
        "%s hx-62 kernel: pcieport 0000:b9:00.0: pciehp: Slot(7): Link Down" % c.syslog(-611),
        "%s hx-62 kernel: watchdog: BUG: soft lockup - CPU#61 stuck for 26s! [nv_queue:1211]" % c.syslog(-570),
    ])
    c.log("hx-60/rank0/stderr", ck.megatron_iters(c, -740, 30, 55012, step_s=4.2) +
          timeouts(c, [0, 3, 8, 31], -5, 201102, op="ALLTOALL_BASE"))
    for h in ("hx-62", "hx-61"):
        dcgm(c, h, which=("util", "temp"), lost={g: -600 for g in range(8)} if h == "hx-62" else None)
    for g in range(8):
        c.errored("gpu.health@hx-62/gpu%d" % g, "ssh hx-62: connect timed out after 30 s", duration=30.0)
    each_gpu(c, "hx-61", "health")
    c.with_topology()
    return c


def m050():
    # One node's ranks are all a bit slow; GPUs are fine (gemm/health pass), but kernel launch
    # latency is 6x: the BIOS reset the CPU power profile (powersave governor). Component node.
    hosts = ["cw-h100-%03d" % i for i in (200, 201, 202, 203)]
    c = ck.Case("case-m050", "straggler_rank", "cw-h100-202", hosts, gpu=H100)
    c.alert("StragglerNode", "ranks 16-23 last to enter all-reduce in 90% of steps", job="megatron-8b-small-batch", node="cw-h100-202")
    c.log("cw-h100-200/rank0/stdout", ck.megatron_iters(c, -1000, 35, 3000, step_s=1.1))
    c.log("cw-h100-202/journal", ck.kernel_noise(c, "cw-h100-202", 14) + [
        "%s cw-h100-202 kernel: intel_pstate: Intel P-state driver initializing" % c.syslog(-90000),
    ])
    c.node_metric("node_cpu_scaling_frequency_hertz", {"instance": "cw-h100-202", "cpu": "0"}, lambda s: 1.2e9 + c.rng.uniform(-1e8, 1e8), decimals=0)
    c.node_metric("node_cpu_scaling_frequency_hertz", {"instance": "cw-h100-201", "cpu": "0"}, lambda s: 3.5e9 + c.rng.uniform(-1e8, 1e8), decimals=0)
    each_gpu(c, "cw-h100-202", "gemm")
    each_gpu(c, "cw-h100-202", "kernel_launch", bad={g: {"us": 31.0 + g} for g in range(8)})
    each_gpu(c, "cw-h100-201", "kernel_launch")
    each_gpu(c, "cw-h100-202", "health", gpus=[0, 4])
    c.with_topology()
    return c


def m051():
    # Two NVLinks of gpu0 inactive after a warm reset; nvidia-smi nvlink shows them, p2p pairs with
    # gpu0 are slow; no Xid was logged in the retained journal.
    hosts = ["gx-a%02d" % i for i in (1, 2)]
    c = ck.Case("case-m051", "nvlink_error", "gx-a02/gpu0", hosts, gpu=H100)
    c.alert("StepTimeRegression", "step time +28% since node gx-a02 returned from maintenance", job="tp8-llama-13b", node="gx-a02")
    c.log("gx-a02/nvidia-smi-nvlink", ["GPU 0: NVIDIA H100 80GB HBM3 (UUID: %s)" % c.uuid("gx-a02", 0)] + [
        "\t Link %d: %s" % (k, "<inactive>" if k in (3, 4) else "26.562 GB/s") for k in range(18)
    ] + ["GPU 1: NVIDIA H100 80GB HBM3 (UUID: %s)" % c.uuid("gx-a02", 1), "\t Link 0: 26.562 GB/s"])
    c.log("gx-a01/rank0/stdout", ck.megatron_iters(c, -900, 25, 150, step_s=2.6))
    each_gpu(c, "gx-a02", "health", bad={0: {"nvlink_links_up": 16}})
    c.nccl("nccl.p2p_matrix@gx-a02", busbw=180.0, details={"slowest_pairs": "gpu0-gpu1 .. gpu0-gpu7"})
    c.nccl("nccl.allreduce@gx-a02", busbw=281.0)
    c.nccl("nccl.allreduce@gx-a01")
    c.with_topology()
    return c


def m052():
    # A100 Xid 95 (uncontained ECC) in a DeepSpeed job; peers of the dead rank print IB completion
    # errors; the GPU needs a reset.
    hosts = ["a100-ds-%02d" % i for i in (21, 22, 23)]
    c = ck.Case("case-m052", "gpu_memory_uncorrectable_ecc", "a100-ds-21/gpu6", hosts, gpu=A100)
    c.alert("TrainingJobFailed", "deepspeed job bloomz-7b1-ft failed (3 hosts)", job="bloomz-7b1-ft", node="a100-ds-22")
    c.log("a100-ds-22/deepspeed.log", ck.deepspeed_steps(c, -110, 20, 7000, rank=8) + [
        "a100-ds-22: a100-ds-22:1201:1401 [0] NCCL WARN NET/IB : Got completion from peer 10.0.21.5<50312> with error 5, opcode 0, len 0, vendor err 249 (Send) localGid ::ffff:10.0.22.5 remoteGid ::ffff:10.0.21.5",
        "a100-ds-22: RuntimeError: NCCL communicator was aborted on rank 8.",
        "[%s] [INFO] [launch.py:319:sigkill_handler] Killing subprocess 1201" % c.ymd_ms(-30),
    ])
    c.log("a100-ds-21/syslog", ck.kernel_noise(c, "a100-ds-21", 6) + [
        nvrm(c, "a100-ds-21", -60, 95, 6, "Uncontained: FBHUB. RST: Yes, D-RST: No"),
        "%s a100-ds-21 deepspeed[4410]: a100-ds-21: [rank6] RuntimeError: CUDA error: uncorrectable ECC error encountered" % c.syslog(-59),
    ])
    c.gpu_metric("DCGM_FI_DEV_ECC_DBE_VOL_TOTAL", "a100-ds-21", 0, 0, decimals=0, over={6: after(-60, 1.0)})
    each_gpu(c, "a100-ds-21", "health", bad={6: {"ecc_dbe_volatile": 1, "ecc_dbe_aggregate": 3, "xid_last": 95}})
    each_gpu(c, "a100-ds-22", "health", gpus=[0, 1])
    c.with_topology()
    return c


CASES = [m001, m002, m003, m004, m005, m006, m007, m008, m009, m010, m011, m012, m013, m014, m015,
         m016, m017, m018, m019, m020, m021, m022, m023, m024, m025, m026, m027, m028, m029,
         m030, m031, m032, m033, m034, m035, m036, m037, m038, m039, m040, m041, m042, m043, m044,
         m045, m046, m047, m048, m049, m050, m051, m052]


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default=HERE)
    args = ap.parse_args()
    n = ck.write_cases([f() for f in CASES], args.out)
    print("wrote %d cases to %s" % (n, args.out))


if __name__ == "__main__":
    main()
