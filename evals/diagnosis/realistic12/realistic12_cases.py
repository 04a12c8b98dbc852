#!/usr/bin/env python3
"""realistic12: failures as published reports of large training runs describe them (stdlib only).

Writes case-rl12-01.json ... case-rl12-30.json to this folder (or `--out DIR`); `--table` prints the
README table from the same metadata each case's `expected` is checked against. Deterministic: every
case seeds from its id (casekit.Case). Written blind to the reasoner, the knowledge pack and the other
realistic / holdout sets (realistic12/README.md).
"""

import argparse
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))

import casekit as ck  # noqa: E402
from casekit import Case  # noqa: E402

H100 = "NVIDIA H100 80GB HBM3"
H200 = "NVIDIA H200"
DAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]

# case number -> (first evidence, root cause, component, decisive detail, published report, confounder)
META = {}
CASES = []


def case(n, first, rc, comp, decisive, report, conf=False):
    def deco(fn):
        META[n] = (first, rc, comp, decisive, report, conf)
        CASES.append((n, fn))
        return fn
    return deco


# ------------------------------------------------------------------------- helpers (no answers)
def cid(n):
    return "case-rl12-%02d" % n


def jl(c, host, s, text):
    """journalctl short format line."""
    return "%s %s %s" % (c.syslog(s), host, text)


def dmesg_t(c, s, text):
    t = c.at(s)
    return "[%s %s %2d %s %d] %s" % (DAYS[t.weekday()], ck.MONTHS[t.month - 1], t.day,
                                     t.strftime("%H:%M:%S"), t.year, text)


def kmsg(c, s, text):
    return "%s %s" % (c.dmesg(s), text)


def xid(c, g, num, text, pid=None, name="python3"):
    pid = pid if pid is not None else c.rng.randrange(20000, 400000)
    return "NVRM: Xid (PCI:%s): %d, pid=%s, name=%s, %s" % (c.bus(g), num, pid, name, text)


def nv_ts(c, s, g):
    return "%s" % c.ymd(s)


def slurm_ts(c, s):
    return c.at(s).strftime("%Y-%m-%dT%H:%M:%S") + ".%03d" % c.rng.randrange(1000)


def dcgm(c, host, name, base, jitter, over=None, decimals=1):
    c.gpu_metric(name, host, base, jitter=jitter, over=over, decimals=decimals)


def after(s0, v):
    """Override: value v from offset s0 on."""
    return lambda s, x: v if s >= s0 else x


def from_to(s0, v, gone=False):
    def f(s, x):
        if s >= s0:
            return None if gone else v
        return x
    return f


def torch_cuda_err(rank, msg, newer=True):
    head = "torch.AcceleratorError" if newer else "RuntimeError"
    return [
        "[rank%d]: Traceback (most recent call last):" % rank,
        '[rank%d]:   File "/workspace/train.py", line 611, in <module>' % rank,
        "[rank%d]:     main()" % rank,
        '[rank%d]:   File "/workspace/train.py", line 588, in train_step' % rank,
        "[rank%d]:     loss.backward()" % rank,
        "[rank%d]: %s: CUDA error: %s" % (rank, head, msg),
        "[rank%d]: CUDA kernel errors might be asynchronously reported at some other API call, so the stacktrace below might be incorrect." % rank,
        "[rank%d]: For debugging consider passing CUDA_LAUNCH_BLOCKING=1" % rank,
        "[rank%d]: Compile with `TORCH_USE_CUDA_DSA` to enable device-side assertions." % rank,
    ]


def smi_ecc(dram_unc=0, sram_unc=0, sram_parity=0, dram_corr=0, rem_corr=0, rem_unc=0, pending="No",
            failure="No", hist=(2558, 2, 0, 0, 0), gpu_bus="00000000:9A:00.0", agg_extra=0, after_reset=False):
    v = 0 if after_reset else 1
    return [
        "GPU %s" % gpu_bus,
        "    ECC Mode",
        "        Current                           : Enabled",
        "        Pending                           : Enabled",
        "    ECC Errors",
        "        Volatile",
        "            SRAM Correctable              : 0",
        "            SRAM Uncorrectable Parity     : %d" % sram_parity,
        "            SRAM Uncorrectable SEC-DED    : %d" % (sram_unc * v),
        "            DRAM Correctable              : %d" % (dram_corr * v),
        "            DRAM Uncorrectable            : %d" % (dram_unc * v),
        "        Aggregate",
        "            SRAM Correctable              : 0",
        "            SRAM Uncorrectable Parity     : %d" % sram_parity,
        "            SRAM Uncorrectable SEC-DED    : %d" % sram_unc,
        "            DRAM Correctable              : %d" % (dram_corr + agg_extra),
        "            DRAM Uncorrectable            : %d" % dram_unc,
        "            SRAM Threshold Exceeded       : No",
        "    Remapped Rows",
        "        Correctable Error                 : %d" % rem_corr,
        "        Uncorrectable Error               : %d" % rem_unc,
        "        Pending                           : %s" % pending,
        "        Remapping Failure Occurred        : %s" % failure,
        "        Bank Remap Availability Histogram",
        "            Max                           : %d bank(s)" % hist[0],
        "            High                          : %d bank(s)" % hist[1],
        "            Partial                       : %d bank(s)" % hist[2],
        "            Low                           : %d bank(s)" % hist[3],
        "            None                          : %d bank(s)" % hist[4],
    ]


def ibstat_port(dev, state="Active", phys="LinkUp", rate=400, guid="0x946dae0300a1c2f4", lid=None):
    return [
        "CA '%s'" % dev,
        "\tCA type: MT4129",
        "\tNumber of ports: 1",
        "\tFirmware version: 28.41.1000",
        "\tPort 1:",
        "\t\tState: %s" % state,
        "\t\tPhysical state: %s" % phys,
        "\t\tRate: %d" % rate,
        "\t\tBase lid: %d" % (lid or 1201),
        "\t\tPort GUID: %s" % guid,
        "\t\tLink layer: InfiniBand",
    ]


def smi_perf(c, g, clock, reasons_active=(), temp=None, power=None, limit=700.0):
    names = ["Idle", "Applications Clocks Setting", "SW Power Cap", "HW Slowdown",
             "HW Thermal Slowdown", "HW Power Brake Slowdown", "Sync Boost", "SW Thermal Slowdown",
             "Display Clock Setting"]
    out = ["GPU %s.0" % c.bus(g).replace("0000:", "00000000:").upper(), "    Performance State             : P0",
           "    Clocks Event Reasons"]
    for n in names:
        out.append("        %-30s: %s" % (n, "Active" if n in reasons_active else "Not Active"))
    out.append("    Clocks")
    out.append("        SM                        : %d MHz" % clock)
    if temp is not None:
        out.append("    Temperature")
        out.append("        GPU Current Temp          : %d C" % temp)
        out.append("        GPU T.Limit Temp          : %d C" % (87 - temp if temp < 87 else 0))
        out.append("        GPU Shutdown Temp         : 92 C")
        out.append("        GPU Slowdown Temp         : 89 C")
    if power is not None:
        out.append("    GPU Power Readings")
        out.append("        Power Draw                : %.2f W" % power)
        out.append("        Current Power Limit       : %.2f W" % limit)
        out.append("        Requested Power Limit     : %.2f W" % limit)
        out.append("        Default Power Limit       : 700.00 W")
        out.append("        Min Power Limit           : 200.00 W")
        out.append("        Max Power Limit           : 700.00 W")
    return out


def labels_dcgm(c, host, g, **extra):
    d = {"Hostname": host, "gpu": str(g), "UUID": c.uuid(host, g), "modelName": c.gpu,
         "DCGM_FI_DRIVER_VERSION": extra.pop("driver", "570.133.20"), "container": "nvidia-dcgm-exporter",
         "namespace": "gpu-operator"}
    d.update({k: str(v) for k, v in extra.items()})
    return d


set_alert = ck.webhook_alert  # generatorURL on http://prometheus.monitoring.svc:9090


def srun_err(c, host, task, what):
    return "srun: error: %s: task %d: %s" % (host, task, what)


# ------------------------------------------------------------------------- the cases
@case(1, "logs", "gpu_memory_uncorrectable_ecc", "h100-pod3-n109/gpu5",
      "rank 69 (n109 gpu5) raised 'CUDA error: uncorrectable ECC error encountered' 10 min before every "
      "peer's watchdog timeout; n109's kernel log has Xid 94 (contained ECC) on bus ab (gpu5) and "
      "nvidia-smi -q after the reset shows aggregate DRAM Uncorrectable 1 and its row remapped (none pending)",
      "Llama 3 (HBM3 ~17% of interruptions; watchdog timeouts as the first symptom)")
def c01(n):
    hosts = ["h100-pod3-n%03d" % i for i in range(101, 117)]
    c = Case(cid(n), *META[n][1:3], hosts=hosts, gpu=H100)
    bad, g, rank = "h100-pod3-n109", 5, 69
    c.log("h100-pod3-n101/rank0/stdout", ck.nccl_init(c, hosts[0], 0, 0, 128, version="2.23.4+cuda12.6")[:6]
          + ck.megatron_iters(c, -700, 14, 181204, step_s=6.2)
          + ck.watchdog(c, 0, -2, 181218, numel=134217728))
    c.log("%s/rank%d/stderr" % (bad, rank), [
        "[rank69]:[W%s ProcessGroupNCCL.cpp:1168] Warning: NCCL_ASYNC_ERROR_HANDLING is deprecated, use TORCH_NCCL_ASYNC_ERROR_HANDLING instead" % c.glog(-6000)[1:],
    ] + torch_cuda_err(rank, "uncorrectable ECC error encountered", newer=False)
        + ["[rank69]:[E%s ProcessGroupNCCL.cpp:1896] [PG ID 0 PG GUID 0(default_pg) Rank 69] Process group watchdog thread terminated with exception: CUDA error: uncorrectable ECC error encountered" % c.glog(-605)[1:]])
    c.log("%s/journal" % bad, ck.kernel_noise(c, bad, 8, -1500, 0) + [
        jl(c, bad, -607, "kernel: " + xid(c, g, 94, "Contained: SM (0x1). RST: No, D-RST: No")),
        jl(c, bad, -606, "kernel: NVRM: Xid (PCI:%s): 94, Ch 0000003c" % c.bus(g)),
        jl(c, bad, -30, "nv-hostengine[3391]: DCGM health watch: GPU 5 memory: Volatile DBE errors detected (1)"),
    ])
    c.log("%s/nvidia-smi-q-ecc-gpu5" % bad, ["$ nvidia-smi -q -d ECC,ROW_REMAPPER -i 5  # after the job ended and the GPU was reset (nvidia-smi -r -i 5)"]
          + smi_ecc(dram_unc=1, rem_unc=1, pending="No", gpu_bus="00000000:AB:00.0", after_reset=True))
    return c


@case(2, "alert", "gpu_memory_uncorrectable_ecc", "dgx-h200-0412/gpu2",
      "alert on DCGM_FI_DEV_XID_ERRORS == 48 for gpu2; DCGM_FI_DEV_ECC_DBE_VOL_TOTAL of gpu2 steps 0 -> 2 "
      "while its 7 peers stay 0; the pod log on gpu2 has 'uncorrectable ECC error encountered'",
      "Llama 3 (GPU HBM3 memory, ~17%); OPT-175B logbook (ECC errors ending runs)")
def c02(n):
    host = "dgx-h200-0412"
    c = Case(cid(n), *META[n][1:3], hosts=["dgx-h200-0409", "dgx-h200-0410", "dgx-h200-0411", host],
             gpu=H200, window_s=900)
    g = 2
    set_alert(c, "GPUXidErrorCritical", "Xid 48 (double-bit ECC) on %s GPU %d" % (host, g),
              dict(labels_dcgm(c, host, g, driver="570.124.06"), xid="48", cluster="trn-east-2",
                   pod="nvidia-dcgm-exporter-7hx2q"),
              "max by (Hostname, gpu, UUID, modelName) (DCGM_FI_DEV_XID_ERRORS) == 48", severity="critical",
              description="DCGM reports Xid 48 on GPU %d (%s). The GPU should be drained and reset." % (g, c.uuid(host, g)))
    dcgm(c, host, "DCGM_FI_DEV_XID_ERRORS", 0, 0, {g: after(-60, 48)}, decimals=0)
    dcgm(c, host, "DCGM_FI_DEV_ECC_DBE_VOL_TOTAL", 0, 0, {g: lambda s, x: 0 if s < -60 else 2}, decimals=0)
    dcgm(c, host, "DCGM_FI_DEV_GPU_UTIL", 97, 3, {g: after(-60, 0)}, decimals=0)
    c.log("trainjobs/llm-70b-pt-0/pod/worker-3/pytorch", [
        "%s | INFO | step 48211 | loss 1.8823 | grad_norm 0.291 | lr 1.50e-04 | tok/s/gpu 3912" % c.ymd(-180),
        "%s | INFO | step 48212 | loss 1.8791 | grad_norm 0.287 | lr 1.50e-04 | tok/s/gpu 3920" % c.ymd(-120),
    ] + torch_cuda_err(26, "uncorrectable ECC error encountered", newer=True) + [
        "%s | ERROR | rank 26 (local_rank 2) failed; torchrun will tear down the worker group" % c.ymd(-55),
    ])
    c.log("%s/kubectl-describe-node" % host, [
        "Conditions:",
        "  Type             Status  LastHeartbeatTime                 Reason          Message",
        "  GPUHealthy       False   %s   XidCritical     Xid 48 on GPU-%s" % (c.iso(-40), c.uuid(host, g)[4:]),
        "  MemoryPressure   False   %s   KubeletHasSufficientMemory   kubelet has sufficient memory available" % c.iso(-40),
        "Allocatable:",
        "  nvidia.com/gpu:  7",
        "Events:",
        "  Warning  XidCritical  40s  nvidia-device-plugin  XidCriticalError: Xid=48 on Device=%s; marking device as unhealthy." % c.uuid(host, g),
    ])
    return c


@case(3, "logs", "gpu_memory_uncorrectable_ecc", "gpu-h100-b07-12/gpu6",
      "journal Xid 95 'Uncontained' on bus ba (gpu6) and nvidia-smi -q: SRAM Uncorrectable SEC-DED 1 on GPU "
      "BA (DRAM 0, no remap pending); rank 54's 'uncorrectable ECC error' is the first error of the job",
      "Llama 3 (GPU SRAM memory ~4.5%)")
def c03(n):
    hosts = ["gpu-h100-b07-%02d" % i for i in range(9, 13)] + ["gpu-h100-b08-%02d" % i for i in range(1, 5)]
    c = Case(cid(n), *META[n][1:3], hosts=hosts, gpu=H100)
    bad, g, rank = "gpu-h100-b07-12", 6, 30
    c.log("slurm-5120334.out", [
        "0: " + x for x in ck.megatron_iters(c, -50, 10, 9120, step_s=3.3)] + [
        "30: " + x for x in torch_cuda_err(rank, "uncorrectable ECC error encountered", newer=True)[5:]] + [
        srun_err(c, bad, rank, "Exited with exit code 1"),
        "srun: Job step aborted: Waiting up to 32 seconds for job step to finish.",
        "0: [rank0]:[E%s ProcessGroupNCCL.cpp:1536] [PG ID 0 PG GUID 0(default_pg) Rank 0] Process group watchdog thread terminated with exception: NCCL error: remote process exited or there was a network error, NCCL version 2.25.1" % c.glog(-2)[1:],
        "0: ncclRemoteError: A call failed possibly due to a network error or a remote process exiting prematurely.",
        "slurmstepd: error: *** STEP 5120334.0 ON gpu-h100-b07-09 CANCELLED AT %s ***" % c.at(0).strftime("%Y-%m-%dT%H:%M:%S"),
    ])
    c.log("%s/journal" % bad, ck.kernel_noise(c, bad, 7, -1400, 0) + [
        jl(c, bad, -9, "kernel: " + xid(c, g, 95, "Uncontained: SM (0x1). RST: Yes, D-RST: No")),
        jl(c, bad, -8, "kernel: NVRM: GPU at PCI:%s.0: %s" % (c.bus(g), c.uuid(bad, g))),
        jl(c, bad, -8, "kernel: NVRM: GPU Board Serial Number: 1654123045981"),
    ])
    c.log("%s/nvidia-smi-q" % bad, ["$ nvidia-smi -q -d ECC,ROW_REMAPPER -i 6"]
          + smi_ecc(sram_unc=1, dram_unc=0, pending="No", gpu_bus="00000000:BA:00.0"))
    return c


@case(4, "logs", "gpu_row_remap_failure", "sxm-h100-c3-07/gpu2",
      "after the Xid 94 that ended the job, Xid 64 on bus 3a (gpu2) and nvidia-smi -q: 'Remapping Failure "
      "Occurred: Yes', Bank Remap Availability None 8; dcgmi diag -r 2 fails gpu2 with "
      "DCGM_FR_ROW_REMAP_FAILURE: the ECC error is the symptom, the GPU can no longer remap",
      "Llama 3 (HBM3 faults; faulty GPUs replaced)", conf=True)
def c04(n):
    hosts = ["sxm-h100-c3-%02d" % i for i in range(1, 9)]
    c = Case(cid(n), *META[n][1:3], hosts=hosts, gpu=H100)
    bad, g = "sxm-h100-c3-07", 2
    rank = c.rank_of(bad, g)
    c.log("%s/rank%d/stderr" % (bad, rank), ck.megatron_iters(c, -530, 8, 30511, step_s=5.1)
          + torch_cuda_err(rank, "uncorrectable ECC error encountered", newer=False))
    c.log("%s/dmesg" % bad, [kmsg(c, -1300 + 90 * i, x) for i, x in enumerate([
        "mlx5_core 0000:4b:00.0: mlx5_pcie_event:299:(pid 1203): PCIe slot advertised sufficient power (75W).",
        "nvidia-nvswitch2: open (major=508, minor=2)",
        "IPv6: ADDRCONF(NETDEV_CHANGE): ib2: link becomes ready"])] + [
        kmsg(c, -480, xid(c, g, 94, "Contained: SM (0x1). RST: No, D-RST: No")),
        kmsg(c, -479, xid(c, g, 64, "Failed to persist row remap information: insufficient spare rows", pid="'<unknown>'", name="<unknown>")),
        kmsg(c, -200, "NVRM: Xid (PCI:%s): 154, GPU recovery action changed from 0x0 (None) to 0x1 (GPU Reset Required)" % c.bus(g)),
    ])
    c.log("%s/ops-shell" % bad, ["$ nvidia-smi -q -d ROW_REMAPPER,ECC -i 2"]
          + smi_ecc(dram_unc=3, dram_corr=14, rem_corr=5, rem_unc=3, pending="No", failure="Yes",
                    hist=(0, 0, 0, 2550, 8), gpu_bus="00000000:3A:00.0", agg_extra=221) + [
        "$ dcgmi diag -r 2 -i 2",
        "+---------------------------+------------------------------------------------+",
        "| Diagnostic                | Result                                         |",
        "+===========================+================================================+",
        "| Deployment                | Pass                                           |",
        "| Memory                    | Fail - GPU: 2                                  |",
        "| Warning                   | GPU 2 DCGM_FR_ROW_REMAP_FAILURE: GPU 2 had a row remapping failure. Drain the GPU and reset it or replace the board. |",
        "| PCIe                      | Pass                                           |",
        "+---------------------------+------------------------------------------------+",
    ])
    return c


@case(5, "alert", "gpu_fallen_off_bus", "xe9680-0117/gpu3",
      "alert: 7 of 8 GPUs exported on xe9680-0117; gpu3's DCGM series stop 4 min before; dmesg 'GPU has "
      "fallen off the bus' for 0000:5d:00.0 (gpu3) and device-plugin Xid 79 on gpu3's UUID; lspci rev ff",
      "Llama 3 (faulty GPUs ~30%, the largest class)")
def c05(n):
    host = "xe9680-0117"
    c = Case(cid(n), *META[n][1:3], hosts=[host, "xe9680-0118", "xe9680-0121", "xe9680-0122"], gpu=H100,
             window_s=900)
    g = 3
    set_alert(c, "GPUCountBelowExpected", "%s exports 7 GPUs, expected 8" % host,
              {"Hostname": host, "namespace": "gpu-operator", "cluster": "research-a", "team": "infra"},
              'count by (Hostname) (DCGM_FI_DEV_GPU_TEMP{modelName=~".*H100.*"}) < 8', severity="critical")
    dcgm(c, host, "DCGM_FI_DEV_GPU_TEMP", 58, 4, {g: from_to(-240, 0, gone=True)}, decimals=0)
    dcgm(c, host, "DCGM_FI_DEV_POWER_USAGE", 610, 40, {g: from_to(-240, 0, gone=True)})
    c.log("%s/dmesg-T" % host, [dmesg_t(c, -1200 + 100 * i, x) for i, x in enumerate([
        "nvidia-nvswitch1: open (major=508, minor=1)",
        "IPv6: ADDRCONF(NETDEV_CHANGE): ibp154s0: link becomes ready"])] + [
        dmesg_t(c, -262, xid(c, g, 79, "GPU has fallen off the bus.")),
        dmesg_t(c, -262, "NVRM: GPU 0000:5d:00.0: GPU has fallen off the bus."),
        dmesg_t(c, -261, "NVRM: A GPU crash dump has been created. If possible, please run"),
        dmesg_t(c, -261, "NVRM: nvidia-bug-report.sh as root to collect this data before"),
        dmesg_t(c, -261, "NVRM: the NVIDIA kernel module is unloaded."),
        dmesg_t(c, -250, "pcieport 0000:5c:02.0: pciehp: Slot(3): Link Down"),
    ])
    c.log("gpu-operator/nvidia-device-plugin-daemonset-k2v8m", [
        "I%s 1 health.go:151] Processing event {Device:%s EventType:XidCritical Data:79}" % (c.glog(-258)[1:], c.uuid(host, g)),
        "I%s 1 health.go:174] XidCriticalError: Xid=79 on Device=%s; marking device as unhealthy." % (c.glog(-258)[1:], c.uuid(host, g)),
        "I%s 1 server.go:267] 'nvidia.com/gpu' device marked unhealthy: %s" % (c.glog(-257)[1:], c.uuid(host, g)),
    ])
    c.log("trainjobs/ft-34b/pod/ft-34b-worker-0", [
        "%s [rank3]: torch.distributed.DistBackendError: NCCL error in: /opt/pytorch/torch/csrc/distributed/c10d/ProcessGroupNCCL.cpp:3356, unhandled cuda error (run with NCCL_DEBUG=INFO for details), NCCL version 2.25.1" % c.ymd(-258),
        "%s [rank3]: ncclUnhandledCudaError: Call to CUDA function failed." % c.ymd(-258),
        "%s [rank3]: Last error:" % c.ymd(-258),
        "%s [rank3]: Cuda failure 'unknown error'" % c.ymd(-258),
    ])
    c.log("%s/ops-shell" % host, [
        "$ lspci -s 5d:00.0",
        "5d:00.0 3D controller: NVIDIA Corporation GH100 [H100 SXM5 80GB] (rev ff)",
        "$ nvidia-smi -L",
        "Unable to determine the device handle for GPU0000:5D:00.0: Unknown Error",
        "GPU 0: NVIDIA H100 80GB HBM3 (UUID: %s)" % c.uuid(host, 0),
        "GPU 1: NVIDIA H100 80GB HBM3 (UUID: %s)" % c.uuid(host, 1),
        "GPU 2: NVIDIA H100 80GB HBM3 (UUID: %s)" % c.uuid(host, 2),
    ])
    return c


@case(6, "logs", "gpu_firmware_error", "gcp-a3m-0413/gpu2",
      "Xid 119 'Timeout after 6s of waiting for RPC response from GPU2 GSP' on bus 3a (gpu2) then Xid 154 "
      "'GPU Reset Required', 10 min before every rank's watchdog timeout; rank 18 (gpu2) last completed "
      "an earlier collective than its peers",
      "Llama 3 (GPU system processor ~4%)")
def c06(n):
    hosts = ["gcp-a3m-%04d" % i for i in (401, 402, 407, 413, 420, 421, 433, 436)]
    c = Case(cid(n), *META[n][1:3], hosts=hosts, gpu=H100)
    bad, g = "gcp-a3m-0413", 2
    rank = c.rank_of(bad, g)
    lines = []
    for r in (0, 9, rank, 41, 63):
        seq = 77302
        lines += [x.replace("last completed NCCL work: %d" % (seq - 1),
                            "last completed NCCL work: %d" % (seq - (3 if r == rank else 1)))
                  for x in ck.watchdog(c, r, -1 + r * 0.01, seq, op="_ALLGATHER_BASE", numel=52428800)[:2]]
    c.log("launcher/job-7751.log", ck.fsdp_steps(c, -660, 12, 21980, step_s=2.9) + lines + [
        "E%s 2210 torch/distributed/elastic/multiprocessing/api.py:869] failed (exitcode: -6) local_rank: 0 (pid: 2210) of binary: /usr/bin/python3" % c.glog(4)[1:],
    ])
    c.log("%s/journal" % bad, ck.kernel_noise(c, bad, 9, -1500, 0) + [
        jl(c, bad, -611, "kernel: " + xid(c, g, 119, "Timeout after 6s of waiting for RPC response from GPU2 GSP! Expected function 76 (GSP_RM_CONTROL) (0x20800a4c 0x4).")),
        jl(c, bad, -611, "kernel: NVRM: GPU2 GSP RPC buffer contains function 76 (GSP_RM_CONTROL) and data 0x0000000020800a4c 0x0000000000000004."),
        jl(c, bad, -610, "kernel: NVRM: GPU2 RPC history (CPU -> GSP):"),
        jl(c, bad, -605, "kernel: " + xid(c, g, 119, "Timeout after 6s of waiting for RPC response from GPU2 GSP! Expected function 10 (FREE) (0xa55a0050 0x0).")),
        jl(c, bad, -598, "kernel: NVRM: Xid (PCI:%s): 154, GPU recovery action changed from 0x0 (None) to 0x1 (GPU Reset Required)" % c.bus(g)),
    ])
    return c


@case(7, "logs", "nvlink_error", "dgx-h100-221/gpu6",
      "Xid 74 'NVLink: fatal error detected on link 12' on bus ba (gpu6); rank 6's 'uncorrectable NVLink "
      "error detected during the execution'; nvidia-smi nvlink -s shows GPU 6 link 12 inactive and the "
      "replay/recovery counters of GPU 6 only",
      "Llama 3 (faulty GPUs incl. NVLink); SuperBench (NVLink bandwidth checks)")
def c07(n):
    hosts = ["dgx-h100-%03d" % i for i in (219, 221, 222, 230)]
    c = Case(cid(n), *META[n][1:3], hosts=hosts, gpu=H100, pci=ck.PCI_BUS_A)
    bad, g = "dgx-h100-221", 6
    rank = c.rank_of(bad, g)
    c.log("%s/rank%d/stderr" % (bad, rank), ck.nccl_init(c, bad, rank, g, 32, version="2.21.5+cuda12.4")[:8]
          + ck.deepspeed_steps(c, -40, 10, 4410, rank=0)
          + torch_cuda_err(rank, "uncorrectable NVLink error detected during the execution", newer=False))
    c.log("%s/journal" % bad, ck.kernel_noise(c, bad, 6, -1400, 0) + [
        jl(c, bad, -14, "kernel: " + xid(c, g, 74, "NVLink: fatal error detected on link 12(0x0, 0x0, 0x10000, 0x0, 0x0, 0x0, 0x0)")),
        jl(c, bad, -14, "kernel: NVRM: Xid (PCI:%s): 74, pid=<unknown>, name=<unknown>, NVLink: fatal error detected on link 13(0x0, 0x0, 0x0, 0x0, 0x0, 0x0, 0x0)" % c.bus(g)),
    ])
    c.log("%s/ops-shell" % bad, ["$ nvidia-smi nvlink -s -i 6"] + [
        "\t Link %d: %s" % (l, "<inactive>" if l == 12 else "26.562 GB/s") for l in range(10, 15)] + [
        "$ nvidia-smi nvlink -e -i 5 | grep -E 'Link 1[23]|Replay|Recovery' | head -4",
        "\t Link 12: Replay Errors: 0", "\t Link 12: Recovery Errors: 0",
        "$ nvidia-smi nvlink -e -i 6 | grep -E 'Link 12' ",
        "\t Link 12: Replay Errors: 381", "\t Link 12: Recovery Errors: 17", "\t Link 12: CRC Errors: 2041",
    ])
    return c


@case(8, "alert", "gpu_thermal_throttle", "hgx-h200-r14-03/gpu4",
      "step-time alert; on hgx-h200-r14-03 only gpu4 runs at 88-91 C with DCGM clock-event reasons 0x40 "
      "(HW thermal) and SM clock ~1.3 GHz while its neighbours sit at 60 C / 1.98 GHz and the BMC's fans and "
      "inlet are normal (thermal interface of one GPU)",
      "Llama 3 (thermal interface / sensor); SuperBench (gray: a GPU slower than its peers)")
def c08(n):
    hosts = ["hgx-h200-r14-%02d" % i for i in range(1, 9)]
    host = "hgx-h200-r14-03"
    c = Case(cid(n), *META[n][1:3], hosts=hosts, gpu=H200, window_s=900)
    g = 4
    set_alert(c, "TrainingStepTimeHigh", "job pretrain-405b step time 11.8 s, 1h median 9.6 s",
              {"job": "training-exporter", "slurm_job_id": "8812093", "user": "llm-pretrain", "cluster": "hpc-h200-b"},
              'avg_over_time(train_step_seconds{slurm_job_id="8812093"}[10m]) > 1.15 * quantile_over_time(0.5, train_step_seconds{slurm_job_id="8812093"}[1h])')
    c.node_metric("train_step_seconds", {"slurm_job_id": "8812093", "job": "training-exporter"},
                  lambda s: 9.6 + c.rng.uniform(-0.15, 0.15) if s < -600 else 11.8 + c.rng.uniform(-0.3, 0.3))
    dcgm(c, host, "DCGM_FI_DEV_GPU_TEMP", 60, 4, {g: lambda s, x: x if s < -660 else 89 + c.rng.uniform(-1, 2)}, decimals=0)
    dcgm(c, host, "DCGM_FI_DEV_SM_CLOCK", 1980, 0, {g: lambda s, x: x if s < -660 else 1290 + c.rng.uniform(-60, 60)}, decimals=0)
    dcgm(c, host, "DCGM_FI_DEV_CLOCK_THROTTLE_REASONS", 0, 0, {g: lambda s, x: 0 if s < -660 else 64}, decimals=0)
    c.log("%s/ops-shell" % host, ["$ nvidia-smi -q -d PERFORMANCE,TEMPERATURE -i 4"]
          + smi_perf(c, g, 1275, ("HW Thermal Slowdown", "HW Slowdown"), temp=90) + [
        "$ ipmitool sdr type Fan | head -6",
        "FAN1_TACH        | 30h | ok  | 29.1 | 11760 RPM", "FAN2_TACH        | 31h | ok  | 29.2 | 11880 RPM",
        "FAN3_TACH        | 32h | ok  | 29.3 | 11640 RPM", "FAN4_TACH        | 33h | ok  | 29.4 | 11800 RPM",
        "$ ipmitool sdr get 'Inlet Temp' | grep Reading", " Sensor Reading        : 23 (+/- 0) degrees C",
    ])
    return c


@case(9, "alert", "gpu_power_throttle", "sxm-h100-g17",
      "alert names rank 133 (sxm-h100-g17 gpu5) as straggler, but all 8 GPUs of sxm-h100-g17 draw <=450 W "
      "with DCGM_FI_DEV_POWER_MGMT_LIMIT 450 W (default 700) and clock-event reason SW power cap, after a "
      "host-maintenance 'nvidia-smi -pl 450' in the journal: a node-wide cap, not one GPU",
      "Llama 3 (host maintenance ~8%); MegaScale (one slow host)", conf=True)
def c09(n):
    hosts = ["sxm-h100-g%02d" % i for i in range(1, 33)]
    host = "sxm-h100-g17"
    c = Case(cid(n), *META[n][1:3], hosts=hosts, gpu=H100, window_s=900)
    set_alert(c, "TrainingStragglerRank", "rank 133 compute time 27% above the job median",
              {"job": "megatron-straggler-detector", "rank": "133", "slurm_job_id": "7719230",
               "cluster": "trn-hpc-1"},
              'train_rank_compute_seconds{slurm_job_id="7719230"} > 1.2 * scalar(quantile(0.5, train_rank_compute_seconds{slurm_job_id="7719230"}))')
    c.with_topology()
    dcgm(c, host, "DCGM_FI_DEV_POWER_USAGE", 446, 6)
    dcgm(c, host, "DCGM_FI_DEV_POWER_MGMT_LIMIT", 450, 0, decimals=0)
    dcgm(c, host, "DCGM_FI_DEV_SM_CLOCK", 1410, 50, decimals=0)
    dcgm(c, host, "DCGM_FI_DEV_CLOCK_THROTTLE_REASONS", 4, 0, decimals=0)
    c.log("%s/journal" % host, ck.kernel_noise(c, host, 5, -8000, -7000) + [
        jl(c, host, -7260, "systemd[1]: Starting nvidia-power-policy.service - site GPU power policy (maintenance profile)..."),
        jl(c, host, -7259, "nvidia-power-policy[4417]: applying profile 'burn-in-limited' from /etc/gpu-power/profile"),
        jl(c, host, -7259, "nvidia-power-policy[4417]: + nvidia-smi -pl 450"),
        jl(c, host, -7258, "nvidia-power-policy[4417]: Power limit for GPU 00000000:18:00.0 was set to 450.00 W from 700.00 W."),
        jl(c, host, -7258, "nvidia-power-policy[4417]: All done."),
        jl(c, host, -7000, "systemd[1]: Finished nvidia-power-policy.service - site GPU power policy (maintenance profile)."),
    ])
    c.log("%s/ops-shell" % host, ["$ nvidia-smi -q -d POWER,PERFORMANCE -i 5"]
          + smi_perf(c, 5, 1395, ("SW Power Cap",), power=447.3, limit=450.0) + [
        "$ nvidia-smi --query-gpu=index,power.limit,clocks.sm --format=csv,noheader",
    ] + ["%d, 450.00 W, %d MHz" % (i, 1380 + c.rng.randrange(60)) for i in range(8)])
    return c


@case(10, "logs", "pcie_link_degraded", "gpu-h200-d2-11/gpu4",
      "no error line: lspci -vv for 9a:00.0 (gpu4) 'LnkSta: Speed 32GT/s, Width x4 (downgraded)', "
      "gpu.pcie_bandwidth on gpu4 13 GB/s vs 54 on gpu3, gpu.health fails on link width; the job's "
      "all-reduce time grew on ranks of that node only",
      "Alibaba / SuperBench (gray failures: PCIe degraded with no error)")
def c10(n):
    hosts = ["gpu-h200-d2-%02d" % i for i in range(5, 13)]
    c = Case(cid(n), *META[n][1:3], hosts=hosts, gpu=H200)
    bad, g = "gpu-h200-d2-11", 4
    slow = lambda i: 4.1 * (1.0 if i < 6 else 1.34) * c.rng.uniform(0.99, 1.01)
    c.log("slurm-912004.out", ["0: " + x for x in ck.megatron_iters(c, -1200, 16, 77120, step_fn=slow)] + [
        "0: [timers] all-grads-sync (ms) min/max over ranks: 310.2 / 1698.4 (max on rank 52)",
        "0: [timers] forward-backward (ms) min/max over ranks: 3702.1 / 3761.0",
        "0: [timers] all-grads-sync (ms) min/max over ranks: 318.9 / 1702.6 (max on rank 52)",
    ])
    c.log("%s/ops-shell" % bad, [
        "$ sudo lspci -vv -s 9a:00.0 | grep -E 'LnkCap|LnkSta'",
        "\t\tLnkCap:\tPort #0, Speed 32GT/s, Width x16, ASPM not supported",
        "\t\tLnkSta:\tSpeed 32GT/s, Width x4 (downgraded)",
        "$ sudo lspci -vv -s 5d:00.0 | grep -E 'LnkCap|LnkSta'",
        "\t\tLnkCap:\tPort #0, Speed 32GT/s, Width x16, ASPM not supported",
        "\t\tLnkSta:\tSpeed 32GT/s, Width x16",
        "$ journalctl -k --since -2h | grep -ciE 'xid|aer'",
        "0",
    ])
    c.health_rates("gpu.health@%s/gpu%d" % (bad, g), pcie_link_width=4)
    c.health_rates("gpu.health@%s/gpu3" % bad)
    c.pcie("gpu.pcie_bandwidth@%s/gpu%d" % (bad, g), h2d=13.4, d2h=13.1)
    c.pcie("gpu.pcie_bandwidth@%s/gpu3" % bad)
    c.gemm("gpu.gemm@%s/gpu%d" % (bad, g))
    return c


@case(11, "logs", "gpu_silent_data_corruption", "dgx-b200-077/gpu3",
      "a loss / grad-norm spike that looks like divergence, but Megatron's rerun state machine re-ran the "
      "iteration: same result on the same GPU, a normal result on a different GPU ('persistent error on "
      "rank 315'); gpu.sdc on dgx-b200-077 names gpu3 the odd one out; rank 315 = dgx-b200-077 gpu3",
      "Google / Meta silent data corruption papers; Llama 3 (silent data corruption)", conf=True)
def c11(n):
    hosts = ["dgx-b200-%03d" % i for i in range(38, 102)]
    c = Case(cid(n), *META[n][1:3], hosts=hosts, gpu=H200)
    bad, g = "dgx-b200-077", 3
    rank = c.rank_of(bad, g)
    spike = {9: 7.91, 10: 7.88}
    gn = {9: 148.2, 10: 151.0}
    c.log("slurm-30418822.out", ["0: " + x for x in ck.megatron_iters(
        c, -1500, 12, 210331, step_s=7.8, loss=1.74, loss_fn=lambda i: spike.get(i, 1.74 + c.rng.uniform(-0.02, 0.02)),
        grad_fn=lambda i: gn.get(i, 0.21 * c.rng.uniform(0.9, 1.1)))] + [
        "0: [%s] WARNING:megatron.core.rerun_state_machine:Unexpected result 7.91 on rank %d at iteration #210340 invocation #1 (message='Spiky loss')" % (c.ymd(-1420), rank),
        "0: [%s] INFO:megatron.core.rerun_state_machine:Rerunning iteration #210340 on the same GPU to check reproducibility" % c.ymd(-1419),
        "0: [%s] WARNING:megatron.core.rerun_state_machine:Rerun of iteration #210340 on rank %d reproduced the unexpected result 7.88" % (c.ymd(-1404), rank),
        "0: [%s] INFO:megatron.core.rerun_state_machine:Rerunning iteration #210340 on a different GPU (checkpoint -> rank %d's replica on rank %d)" % (c.ymd(-1400), rank, rank - 64),
        "0: [%s] WARNING:megatron.core.rerun_state_machine:Result on rank %d was 1.7421 (expected range): the error is persistent and specific to rank %d; suspected hardware fault, saving checkpoint and exiting with code 16" % (c.ymd(-1370), rank - 64, rank),
        "0: [%s] INFO:megatron.training.checkpointing:saving checkpoint at iteration 210339 to /lustre/ckpt/llm-b200" % c.ymd(-1368),
        "srun: error: dgx-b200-038: task 0: Exited with exit code 16",
    ])
    c.log("ops/notes", [
        "%s restart 1 on the same allocation from iteration 210339: loss spike again at iteration 210340 (7.90)" % c.ymd(-1000),
        "%s restart 2 with dgx-b200-077 excluded (--exclude=dgx-b200-077, spare dgx-b200-140 in): iteration 210340 loss 1.7398, no spike over 400 iterations" % c.ymd(-200),
        "%s dgx-b200-077: no Xid, dcgmi health -c: Healthy, ECC counters 0" % c.ymd(-150),
    ])
    c.sdc("gpu.sdc@%s" % bad, mismatched=4113, bad_gpu="gpu%d" % g)
    c.health_rates("gpu.health@%s/gpu%d" % (bad, g))
    c.gemm("gpu.gemm@%s/gpu%d" % (bad, g))
    return c


@case(12, "alert", "gpu_silent_data_corruption", "hgx-h100-k2-31/gpu1",
      "alert on the trainer's cross-replica parameter checksum: DP group 12 disagrees at step 88400; the "
      "checksum table shows rank 249 (hgx-h100-k2-31 gpu1) alone differs, twice, and gpu.sdc on "
      "hgx-h100-k2-31 names gpu1; DCGM shows nothing (no Xid, no ECC, normal clocks)",
      "Meta 'Silent Data Corruptions at Scale' / Google 'Cores that don't count' (found by checksum)")
def c12(n):
    hosts = ["hgx-h100-k2-%02d" % i for i in range(0, 128)]
    c = Case(cid(n), *META[n][1:3], hosts=hosts, gpu=H100, window_s=900)
    bad, g = "hgx-h100-k2-31", 1
    rank = c.rank_of(bad, g)
    set_alert(c, "TrainingReplicaChecksumMismatch", "data-parallel replicas disagree on parameter checksum (job llama-ft-1t)",
              {"job": "training-exporter", "slurm_job_id": "1188203", "dp_group": "12", "cluster": "h100-k2"},
              'increase(train_param_checksum_mismatch_total{slurm_job_id="1188203"}[15m]) > 0', severity="critical")
    c.node_metric("train_param_checksum_mismatch_total", {"job": "training-exporter", "slurm_job_id": "1188203", "dp_group": "12"},
                  lambda s: 0 if s < -420 else (1 if s < -60 else 2), decimals=0)
    dcgm(c, bad, "DCGM_FI_DEV_XID_ERRORS", 0, 0, decimals=0)
    dcgm(c, bad, "DCGM_FI_DEV_SM_CLOCK", 1980, 0, decimals=0)
    c.log("slurm-1188203/checksum.log", [
        "%s checksum step=88400 dp_group=12 tp=0 pp=3: %s" % (c.ymd(-430), "; ".join(
            "rank %d 0x%s" % (r, "9e3a41c27d10b5f8" if r != rank else "9e3a41c27d10b5fa")
            for r in [rank % 128 + 128 * k for k in range(8)])),
        "%s checksum step=88400 dp_group=12: MISMATCH: 1 of %d replicas differs (rank %d)" % (c.ymd(-430), 8, rank),
        "%s checksum step=88600 dp_group=12: MISMATCH: 1 of 8 replicas differs (rank %d)" % (c.ymd(-70), rank),
        "%s checksum step=88600 dp_group=0..11,13..15: ok" % c.ymd(-70),
    ] + ["%s | step %d | loss %.4f | grad_norm %.3f" % (c.ymd(-900 + 40 * i), 88200 + 20 * i,
                                                      1.63 - 0.0004 * i + c.rng.uniform(-0.01, 0.01),
                                                      0.24 * c.rng.uniform(0.9, 1.1)) for i in range(18)])
    c.log("%s/dcgmi" % bad, ["$ dcgmi health -g 0 -c", "+---------------------------+----------------------------------------------------------+",
                             "| Health Monitor Report                                                                |",
                             "| Overall Health            | Healthy                                                  |",
                             "+---------------------------+----------------------------------------------------------+"])
    c.sdc("gpu.sdc@%s" % bad, mismatched=211, bad_gpu="gpu%d" % g)
    c.health_rates("gpu.health@%s/gpu%d" % (bad, g))
    return c


@case(13, "logs", "ib_link_failure", "ib-h100-0522/mlx5_4",
      "NCCL WARN status=12 (retry exceeded) on ranks of ib-h100-0515 naming remote 10.42.5.22 = ib-h100-0522; "
      "ib-h100-0522's kernel log shows mlx5_4 (ib4) going down/up three times and perfquery on mlx5_4: "
      "LinkDownedCounter 3, SymbolErrorCounter 9811; the other HCAs are clean",
      "Llama 3 (network switch / cable ~8%); MegaScale (network flapping)")
def c13(n):
    hosts = ["ib-h100-%04d" % i for i in range(510, 526)]
    c = Case(cid(n), *META[n][1:3], hosts=hosts, gpu=H100)
    bad, peer = "ib-h100-0522", "ib-h100-0515"
    pr = c.rank_of(peer, 4)
    pid = 71102
    pre = "%s:%d:%d [4]" % (peer, pid, pid + 141)
    c.log("%s/rank%d/stderr" % (peer, pr), ck.megatron_iters(c, -70, 10, 51820, step_s=5.6) + [
        "%s transport/net_ib.cc:1696 NCCL WARN NET/IB : Got completion from peer 10.42.5.22<47231> with status=12 opcode=0 len=0 vendor err 129 (Send) localGid ::ffff:10.42.5.15 remoteGids::ffff:10.42.5.22 hca mlx5_4" % pre,
        "%s NCCL INFO transport/net.cc:1302 -> 6" % pre,
        "%s NCCL INFO proxy.cc:698 -> 6" % pre,
        "%s NCCL INFO proxy.cc:878 -> 6 [Progress Thread]" % pre,
        "[rank%d]:[E%s ProcessGroupNCCL.cpp:1806] [PG ID 0 PG GUID 0(default_pg) Rank %d] Process group watchdog thread terminated with exception: NCCL error: remote process exited or there was a network error, NCCL version 2.23.4" % (pr, c.glog(-5)[1:], pr),
        "ncclRemoteError: A call failed possibly due to a network error or a remote process exiting prematurely.",
        "Last error:",
        "NET/IB : Got completion from peer 10.42.5.22<47231> with status=12 opcode=0 len=0 vendor err 129 (Send) localGid ::ffff:10.42.5.15 remoteGids::ffff:10.42.5.22 hca mlx5_4",
    ])
    c.log("%s/journal" % bad, ck.kernel_noise(c, bad, 6, -1500, 0) + [
        jl(c, bad, -420, "kernel: mlx5_core 0000:4b:00.0 ib4: Link down"),
        jl(c, bad, -416, "kernel: mlx5_core 0000:4b:00.0 ib4: Link up"),
        jl(c, bad, -95, "kernel: mlx5_core 0000:4b:00.0 ib4: Link down"),
        jl(c, bad, -90, "kernel: mlx5_core 0000:4b:00.0 ib4: Link up"),
        jl(c, bad, -12, "kernel: mlx5_core 0000:4b:00.0 ib4: Link down"),
        jl(c, bad, -3, "kernel: mlx5_core 0000:4b:00.0 ib4: Link up"),
    ])
    c.log("%s/ops-shell" % bad, ["$ perfquery -x -C mlx5_4 -P 1 | grep -E 'SymbolError|LinkDowned|LinkErrorRecovery|PortRcvErrors'",
                                 "SymbolErrorCounter:..............9811", "LinkErrorRecoveryCounter:........14",
                                 "LinkDownedCounter:...............3", "PortRcvErrors:...................2207",
                                 "$ perfquery -x -C mlx5_3 -P 1 | grep -E 'SymbolError|LinkDowned'",
                                 "SymbolErrorCounter:..............0", "LinkDownedCounter:...............0"])
    return c


@case(14, "alert", "ib_link_failure", "gpu-h200-e4-19/mlx5_2",
      "alert on node_infiniband_link_downed_total rising on gpu-h200-e4-19 mlx5_2 (5 downs in 15 min) with "
      "symbol errors climbing on that port only; mlxlink shows effective physical errors and a raw BER of "
      "1.2E-06 on mlx5_2; the job's step time jitters with NCCL 'retrying' lines",
      "MegaScale (network flapping); Llama 3 (switch / cable)")
def c14(n):
    hosts = ["gpu-h200-e4-%02d" % i for i in range(12, 28)]
    host = "gpu-h200-e4-19"
    c = Case(cid(n), *META[n][1:3], hosts=hosts, gpu=H200, window_s=900)
    set_alert(c, "InfinibandPortFlapping", "IB port mlx5_2/1 on %s went down 5 times in 15m" % host,
              {"instance": "%s:9100" % host, "job": "node-exporter", "device": "mlx5_2", "port": "1", "cluster": "e4"},
              "increase(node_infiniband_link_downed_total[15m]) > 2")
    downs = [-800, -610, -400, -250, -60]
    for dev in range(8):
        lab = {"instance": "%s:9100" % host, "job": "node-exporter", "device": "mlx5_%d" % dev, "port": "1"}
        if dev == 2:
            c.node_metric("node_infiniband_link_downed_total", lab, lambda s: 11 + sum(1 for d in downs if s >= d), decimals=0)
            c.node_metric("node_infiniband_symbol_error_total", lab, lambda s: 40210 + int(max(0, s + 900) * 31), decimals=0)
        else:
            c.node_metric("node_infiniband_link_downed_total", lab, lambda s: 1, decimals=0)
            c.node_metric("node_infiniband_symbol_error_total", lab, lambda s, d=dev: d * 3, decimals=0)
    r = c.rank_of(host, 2)
    pre = "%s:%d:%d [2]" % (host, 58110, 58302)
    c.log("%s/rank%d/stderr" % (host, r), ck.fsdp_steps(c, -880, 8, 6120, step_s=3.1, step_fn=lambda i: 3.1 * (1.0 if i % 3 else 1.9)) + [
        "%s NCCL INFO NET/IB : mlx5_2:1 port state changed to DOWN, retrying" % pre,
        "%s NCCL INFO NET/IB : mlx5_2:1 port recovered (ACTIVE)" % pre,
    ])
    c.log("%s/ops-shell" % host, ["$ ibstat mlx5_2"] + ibstat_port("mlx5_2", guid="0xa088c20300f1e2d2", lid=877) + ["$ mlxlink -d mlx5_2 -c | grep -E 'State|Effective|Raw|Link Down'",
                                  "State                           : Active",
                                  "Effective Physical Errors       : 41873",
                                  "Effective Physical BER          : 3E-10",
                                  "Raw Physical BER                : 1.2E-06",
                                  "Link Down Counter               : 16",
                                  "$ mlxlink -d mlx5_1 -c | grep -E 'Raw|Link Down'",
                                  "Raw Physical BER                : 1.0E-12",
                                  "Link Down Counter               : 1"])
    return c


@case(15, "logs", "nccl_network_misconfig", "job",
      "every rank prints 'NET/IB : No device found.' then 'Using network Socket' after the pod spec lost its "
      "rdma/ib resource request (no /dev/infiniband in the pods); no error, only a job 9x slower and "
      "nccl.allreduce at 2.4 GB/s busbw across nodes",
      "MegaScale / Kubernetes training reports (wrong transport, slow job with no error)")
def c15(n):
    hosts = ["k8s-h100-pool2-%02d" % i for i in range(1, 9)]
    c = Case(cid(n), *META[n][1:3], hosts=hosts, gpu=H100)
    lines = []
    for r, host in ((0, hosts[0]), (8, hosts[1]), (40, hosts[5])):
        p = "%s:%d:%d [0]" % ("ptjob-llm13b-worker-%d" % (r // 8), 101 + r, 101 + r)
        q = "%s:%d:%d [0]" % ("ptjob-llm13b-worker-%d" % (r // 8), 101 + r, 180 + r)
        if r == 0:
            lines.append("%s NCCL INFO NCCL version 2.26.2+cuda12.8" % p)
        lines += ["%s NCCL INFO Bootstrap: Using eth0:10.233.%d.%d<0>" % (p, 64 + r // 8, 12 + r),
                  "%s NCCL INFO NET/Plugin: Could not find: libnccl-net.so. Using internal net plugin." % p,
                  "%s NCCL INFO NCCL_IB_HCA set to mlx5_0,mlx5_3,mlx5_4,mlx5_5,mlx5_6,mlx5_9,mlx5_10,mlx5_11" % q,
                  "%s NCCL INFO NET/IB : No device found." % q,
                  "%s NCCL INFO NET/Socket : Using [0]eth0:10.233.%d.%d<0>" % (q, 64 + r // 8, 12 + r),
                  "%s NCCL INFO Using network Socket" % q,
                  "%s NCCL INFO comm 0x%x rank %d nranks 64 cudaDev 0 nvmlDev 0 busId 18000 commId 0x5e2 - Init COMPLETE" % (q, 0x55d0a1 + r, r)]
    c.log("kubeflow/ptjob-llm13b/worker-0", lines + ck.fsdp_steps(c, -900, 10, 120, step_s=16.4, tok_s=1010, mfu=4.7) + [
        "INFO: expected step time for this config (previous run on pool1): 1.8 s"])
    c.log("k8s-h100-pool2-01/ops-shell", [
        "$ kubectl -n llm exec ptjob-llm13b-worker-0 -- ls /dev/infiniband",
        "ls: cannot access '/dev/infiniband': No such file or directory",
        "$ kubectl -n llm get pod ptjob-llm13b-worker-0 -o jsonpath='{.spec.containers[0].resources.limits}'",
        '{"cpu":"96","memory":"1600Gi","nvidia.com/gpu":"8"}',
        "$ ibstat -s | head -3   # on the host",
        "CA 'mlx5_0'", "\tCA type: MT4129", "\tPort 1: State: Active",
    ])
    c.nccl("nccl.allreduce@job", busbw=2.4)
    c.nccl("nccl.allreduce@k8s-h100-pool2-01")
    return c


@case(16, "logs", "fp8_scaling_overflow", "job",
      "loss goes NaN like a divergence, but Transformer Engine's FP8 debug stats show amax_history of "
      "layers.31.mlp.fc2 going to inf and its scale to 0 three steps before; the same checkpoint resumed in "
      "BF16 (fp8 off) trains on smoothly past that step",
      "DeepSeek-V3 / FP8 training reports (delayed-scaling amax overflow)", conf=True)
def c16(n):
    hosts = ["h200-fp8-%02d" % i for i in range(1, 17)]
    c = Case(cid(n), *META[n][1:3], hosts=hosts, gpu=H200)
    nanl = lambda i: float("nan") if i >= 11 else 2.02 - 0.001 * i + c.rng.uniform(-0.02, 0.02)
    gnf = lambda i: float("nan") if i >= 11 else (0.3 if i < 8 else 3.5 * (i - 7))
    c.log("slurm-6601293.out", ["0: " + x for x in ck.megatron_iters(c, -1300, 14, 40110, step_s=3.6, loss_fn=nanl, grad_fn=gnf,
                                                                       nan_fn=lambda i: max(0, i - 10))] + [
        "0: [%s] WARNING:transformer_engine.pytorch.fp8:fp8 debug: step 40118 layers.31.mlp.fc2 fwd amax_history max=448.0 scale=1.000e+00" % c.ymd(-1265),
        "0: [%s] WARNING:transformer_engine.pytorch.fp8:fp8 debug: step 40119 layers.31.mlp.fc2 fwd amax_history max=inf scale=0.000e+00 (non-finite amax)" % c.ymd(-1262),
        "0: [%s] WARNING:transformer_engine.pytorch.fp8:fp8 debug: step 40119 layers.31.mlp.fc2 bwd grad amax_history max=inf scale=0.000e+00 (non-finite amax)" % c.ymd(-1262),
        "0: [%s] WARNING:transformer_engine.pytorch.fp8:fp8 debug: step 40120 layers.30.mlp.fc2 fwd amax_history max=inf scale=0.000e+00 (non-finite amax)" % c.ymd(-1258),
        "0: [%s] ERROR: NaN detected in loss at iteration 40121; stopping (--check-for-nan-in-loss-and-grad)" % c.ymd(-1250),
        "0: [%s] recipe: DelayedScaling(margin=0, fp8_format=HYBRID, amax_history_len=1024, amax_compute_algo='max')" % c.ymd(-1249),
    ])
    c.log("ops/notes", [
        "%s resumed from iter_0040000 with --fp8-format unset (bf16 only) on the same 16 nodes: iterations 40100-40400 loss 2.00-1.97, grad norm 0.28-0.33, no NaN" % c.ymd(-300),
        "%s dcgmi health on all 16 nodes: Healthy; no Xid in any kernel log since the job start" % c.ymd(-280),
        "%s data: iterations 40110-40125 draw from shards 0882-0884 (code, web); same shards seen in epoch 0 without issue" % c.ymd(-270),
    ] + ["%s [bf16 resume] iteration %d | lm loss: %.6E | grad norm: %.3f" % (c.ymd(-250 + 10 * i), 40115 + i, 2.0 - 0.001 * i, 0.3 * c.rng.uniform(0.9, 1.1)) for i in range(8)])
    return c


@case(17, "alert", "nccl_collective_hang", "gpu-h100-p9-044/gpu5",
      "job-stalled alert; every GPU busy at ~100% util with low power (NCCL kernels spinning); the "
      "flight-recorder dump shows 511 ranks in ALLREDUCE seq 88213 and rank 349 (gpu-h100-p9-044 gpu5) "
      "never enqueued it; py-spy shows rank 349 blocked in a queue.get of the async metrics hook; no Xid, "
      "IB ports clean",
      "MegaScale (NCCL hangs; one rank stuck); Llama 3 (NCCL watchdog timeouts)")
def c17(n):
    hosts = ["gpu-h100-p9-%03d" % i for i in range(1, 65)]
    host = "gpu-h100-p9-044"
    c = Case(cid(n), *META[n][1:3], hosts=hosts, gpu=H100, window_s=900)
    g = 5
    rank = c.rank_of(host, g)
    set_alert(c, "TrainingProgressStalled", "no training step completed in 15 minutes (slurm job 2203417)",
              {"job": "training-exporter", "slurm_job_id": "2203417", "cluster": "p9"},
              'increase(train_iteration_total{slurm_job_id="2203417"}[15m]) == 0', severity="critical")
    c.node_metric("train_iteration_total", {"job": "training-exporter", "slurm_job_id": "2203417"},
                  lambda s: 88212 - max(0, (-960 - s) // 8), decimals=0)
    dcgm(c, host, "DCGM_FI_DEV_GPU_UTIL", 100, 0, decimals=0)
    dcgm(c, host, "DCGM_FI_DEV_POWER_USAGE", 600, 30, over={i: (lambda s, x: x if s < -950 else 118 + c.rng.uniform(-6, 6)) for i in range(8)})
    c.log("ops/fr_trace", [
        "$ python -m torch.distributed.flight_recorder.fr_trace /scratch/fr/2203417 -j",
        "Rank 349 (%s local 5) last enqueued: seq 88212 _ALLGATHER_BASE completed" % host,
        "Collective 88213 ALLREDUCE (pg 0, size 512): started on 511 ranks, not enqueued on ranks [349]",
        "Collective 88213 state on rank 0: scheduled -> started (waiting), 912 s",
        "Mismatch analysis: 1 rank behind; no collective type/size mismatch",
    ])
    c.log("%s/py-spy-rank%d" % (host, rank), [
        "$ py-spy dump --pid 118833",
        "Process 118833: /usr/bin/python3 -u pretrain.py",
        "Thread 118833 (idle): \"MainThread\"",
        "    wait (threading.py:355)",
        "    get (queue.py:171)",
        "    flush_step_metrics (llm/telemetry/async_hook.py:88)",
        "    on_step_end (llm/callbacks.py:214)",
        "    train (pretrain.py:402)",
        "Thread 118901 (idle): \"metrics-uploader\"",
        "    _recv (socket.py:720)  # waiting on metrics gateway connection opened 15 min ago",
        "$ journalctl -k --since '-1h' | grep -c -E 'Xid|mlx5.*(down|error)'",
        "0",
        "$ ibstat | grep -c 'State: Active'",
        "8",
        "$ dcgmi health -g 0 -c | grep Overall",
        "| Overall Health            | Healthy                                                  |",
    ])
    return c


@case(18, "logs", "rank_process_crash", "gb-h200-114/gpu2",
      "rank 106 (gb-h200-114 gpu2) died with SIGSEGV (kernel 'segfault at 0 ... in libc10_cuda.so', srun "
      "'Segmentation fault (core dumped)') 2 s before its peers' NCCL status=12 completion errors naming "
      "its IP; ibstat on gb-h200-114 all Active with zero link-downed",
      "Llama 3 (software bugs ~13%); OPT-175B logbook (process crashes)", conf=True)
def c18(n):
    hosts = ["gb-h200-%03d" % i for i in range(101, 117)]
    c = Case(cid(n), *META[n][1:3], hosts=hosts, gpu=H200)
    bad, g = "gb-h200-114", 2
    rank = c.rank_of(bad, g)
    lines = ["0: " + x for x in ck.megatron_iters(c, -40, 8, 12003, step_s=4.4)]
    for peer, pg in ((0, 0), (98, 2), (114, 2), (122, 2)):
        h = hosts[peer // 8]
        pid = 40000 + peer
        pre = "%s:%d:%d [%d]" % (h, pid, pid + 90, pg)
        lines += [
            "%d: %s transport/net_ib.cc:1696 NCCL WARN NET/IB : Got completion from peer 10.8.14.%d<52011> with status=12 opcode=0 len=0 vendor err 129 (Send) localGid ::ffff:10.8.14.%d remoteGids::ffff:10.8.14.%d hca mlx5_2" % (peer, pre, 114, 101 + peer // 8, 114),
            "%d: %s NCCL INFO transport/net.cc:1302 -> 6" % (peer, pre),
        ]
    lines += [
        srun_err(c, bad, rank, "Segmentation fault (core dumped)"),
        "0: [rank0]:[E%s ProcessGroupNCCL.cpp:1806] Process group watchdog thread terminated with exception: NCCL error: remote process exited or there was a network error, NCCL version 2.24.3" % c.glog(2)[1:],
    ]
    c.log("slurm-440021.out", lines)
    c.log("%s/journal" % bad, ck.kernel_noise(c, bad, 7, -1400, 0) + [
        jl(c, bad, -2, "kernel: pt_main_thread[81334]: segfault at 0 ip 00007f3b9a4c1d20 sp 00007f3a1bffe9d0 error 4 in libc10_cuda.so[7f3b9a4a0000+5c000] likely on CPU 57 (core 25, socket 1)"),
        jl(c, bad, -1, "systemd-coredump[81790]: Process 81334 (pt_main_thread) of user 1207 dumped core."),
        jl(c, bad, 0, "kernel: NVRM: Xid (PCI:%s): 45, pid=81334, name=pt_main_thread, Ch 00000008" % c.bus(g)),
    ])
    c.log("%s/ops-shell" % bad, ["$ ibstat | grep -E \"CA '|State\"", ] + sum(
        [["CA 'mlx5_%d'" % d, "\t\tState: Active", "\t\tPhysical state: LinkUp"] for d in (0, 2, 4)], []) + [
        "$ perfquery -x -C mlx5_2 -P 1 | grep LinkDowned", "LinkDownedCounter:...............0"])
    return c


@case(19, "logs", "cuda_oom", "job",
      "'torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 16.00 GiB' on ranks of every node at "
      "the first evaluation (step 2000): eval runs sequences of 32768 tokens with packing off while training "
      "uses 8192; no other process on the GPUs",
      "OPT-175B logbook / BLOOM chronicles (OOM after config changes)")
def c19(n):
    hosts = ["a100x-h100-%02d" % i for i in range(1, 9)]
    c = Case(cid(n), *META[n][1:3], hosts=hosts, gpu=H100)
    lines = ck.plain_steps(c, -600, 10, 1990, step_s=1.6, extra=" | seq_len 8192")
    lines += ["%s | INFO | eval | starting evaluation at step 2000 (eval_seq_len=32768, pack_sequences=False, eval_micro_batch=2)" % c.ymd(-580)]
    for r in (0, 17, 42, 61):
        lines += [
            "[rank%d]: torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 16.00 GiB. GPU %d has a total capacity of 79.19 GiB of which 9.87 GiB is free. Including non-PyTorch memory, this process has 69.30 GiB memory in use. Of the allocated memory 64.02 GiB is allocated by PyTorch, and 3.91 GiB is reserved by PyTorch but unallocated. If reserved but unallocated memory is large try setting PYTORCH_CUDA_ALLOC_CONF=expandable_segments:True to avoid fragmentation.  See documentation for Memory Management  (https://pytorch.org/docs/stable/notes/cuda.html#environment-variables)" % (r, r % 8),
        ]
    c.log("launcher/torchrun.log", lines + [
        "E%s 5512 torch/distributed/elastic/multiprocessing/api.py:869] failed (exitcode: 1) local_rank: 0 (pid: 5512) of binary: /usr/bin/python3" % c.glog(-570)[1:]])
    c.log("%s/nvidia-smi" % hosts[2], ["$ nvidia-smi --query-compute-apps=pid,process_name,used_memory --format=csv  # during training steps",
                                       "pid, process_name, used_memory"] + ["%d, /usr/bin/python3, 58120 MiB" % (30010 + i) for i in range(8)])
    return c


@case(20, "logs", "illegal_memory_access", "job",
      "'CUDA error: an illegal memory access was encountered' and Xid 31 (MMU fault) at iteration 3312 on "
      "gpu-h100-m1-06 gpu1; after excluding that node the restart fails at iteration 3312 again on a "
      "different node and GPU; the run had switched to a new fused attention kernel (USE_FUSED_ROPE_V2=1) "
      "that day: an application bug, not the GPU",
      "Llama 3 (software bugs ~13%); OPT-175B logbook (restarts after code changes)", conf=True)
def c20(n):
    hosts = ["gpu-h100-m1-%02d" % i for i in range(1, 13)]
    c = Case(cid(n), *META[n][1:3], hosts=hosts, gpu=H100)
    a, ga, b, gb = "gpu-h100-m1-06", 1, "gpu-h100-m1-11", 6
    ra, rb = c.rank_of(a, ga), c.rank_of(b, gb) - 8
    c.log("slurm-771201.out", [
        "0: [%s] run config: USE_FUSED_ROPE_V2=1 (new since commit 4be01c2, deployed today), tp=4 pp=2" % c.ymd(-2400),
    ] + ["0: " + x for x in ck.megatron_iters(c, -2380, 6, 3306, step_s=3.9)] + [
        "%d: [rank%d]: RuntimeError: CUDA error: an illegal memory access was encountered" % (ra, ra),
        "%d: [rank%d]: Exception raised from c10_cuda_check_implementation at ../c10/cuda/CUDAException.cpp:43 (most recent call first): in fused_rope_v2_bwd" % (ra, ra),
        srun_err(c, a, ra, "Exited with exit code 1"),
        "[%s] restart 1 with --exclude=%s (88 ranks), resume from iter_0003000" % (c.ymd(-1200), a),
    ] + ["0: " + x for x in ck.megatron_iters(c, -1180, 6, 3306, step_s=3.9)] + [
        "%d: [rank%d]: RuntimeError: CUDA error: an illegal memory access was encountered" % (rb, rb),
        "%d: [rank%d]: Exception raised from c10_cuda_check_implementation at ../c10/cuda/CUDAException.cpp:43 (most recent call first): in fused_rope_v2_bwd" % (rb, rb),
        srun_err(c, b, rb, "Exited with exit code 1"),
    ])
    c.log("%s/journal" % a, ck.kernel_noise(c, a, 3, -3000, -2000) + [
        jl(c, a, -2352, "kernel: " + xid(c, ga, 31, "channel 0x00000009, intr 00000000. MMU Fault: ENGINE GRAPHICS GPC3 GPCCLIENT_T1_12 faulted @ 0x7f1c_94a00000. Fault is of type FAULT_PDE ACCESS_TYPE_VIRT_READ")),
    ])
    c.log("%s/journal" % b, ck.kernel_noise(c, b, 3, -1100, -200) + [
        jl(c, b, -1152, "kernel: " + xid(c, gb, 31, "channel 0x00000009, intr 00000000. MMU Fault: ENGINE GRAPHICS GPC1 GPCCLIENT_T1_4 faulted @ 0x7f40_11c00000. Fault is of type FAULT_PDE ACCESS_TYPE_VIRT_READ")),
    ])
    return c


@case(21, "logs", "host_oom", "h100-sn-0733",
      "rank 5's worker died with exitcode -9 (SIGKILL) and its peers saw the connection drop, but "
      "h100-sn-0733's kernel log has 'Out of memory: Killed process ... (python3)' and slurmstepd "
      "'Detected 1 oom_kill event'; node_memory_MemAvailable_bytes of that node falls to ~0 over 15 min "
      "(dataloader workers' pinned buffers growing)",
      "OPT-175B logbook (lost nodes, host memory); MegaScale (data loader memory)", conf=True)
def c21(n):
    hosts = ["h100-sn-%04d" % i for i in range(733, 741)]
    c = Case(cid(n), *META[n][1:3], hosts=hosts, gpu=H100)
    bad = "h100-sn-0733"
    c.log("launcher/torchrun-node0.log", ck.deepspeed_steps(c, -50, 10, 15210, rank=0) + ck.elastic_failure(
        c, -14, bad, 5, 5, -9, pid=51877, sig="SIGKILL") + [
        "[rank13]: torch.distributed.DistBackendError: [13] is setting up NCCL communicator and retrieving ncclUniqueId from [0] via c10d key-value store by key '0:1', but store->get('0:1') got error: Connection reset by peer",
        "[rank22]:[E%s ProcessGroupNCCL.cpp:1806] Process group watchdog thread terminated with exception: NCCL error: remote process exited or there was a network error, NCCL version 2.21.5" % c.glog(-10)[1:],
    ])
    c.log("%s/journal" % bad, ck.kernel_noise(c, bad, 5, -1500, 0) + [
        jl(c, bad, -16, "kernel: pt_data_worker invoked oom-killer: gfp_mask=0x140cca(GFP_HIGHUSER_MOVABLE|__GFP_COMP), order=0, oom_score_adj=0"),
        jl(c, bad, -16, "kernel: Mem-Info: active_anon:498211302 inactive_anon:21841 isolated_anon:0 free:201334"),
        jl(c, bad, -15, "kernel: oom-kill:constraint=CONSTRAINT_NONE,nodemask=(null),cpuset=step_0,mems_allowed=0-1,oom_memcg=/system.slice/slurmstepd.scope/job_3321907,task_memcg=/system.slice/slurmstepd.scope/job_3321907/step_0/user/task_5,task=python3,pid=51877,uid=1044"),
        jl(c, bad, -15, "kernel: Out of memory: Killed process 51877 (python3) total-vm:1901233412kB, anon-rss:1963412008kB, file-rss:210432kB, shmem-rss:31228kB, UID:1044 pgtables:3911220kB oom_score_adj:0"),
        jl(c, bad, -13, "slurmstepd[51702]: error: Detected 1 oom_kill event in StepId=3321907.0. Some of the step tasks have been OOM Killed."),
    ])
    c.node_metric("node_memory_MemAvailable_bytes", {"instance": "%s:9100" % bad, "job": "node-exporter"},
                  lambda s: max(1.2e9, 1.6e12 - (s + 1200) * 1.45e9) if s < -15 else 1.3e12, decimals=0)
    c.node_metric("node_memory_MemAvailable_bytes", {"instance": "h100-sn-0734:9100", "job": "node-exporter"},
                  lambda s: 1.52e12 + c.rng.uniform(-2e9, 2e9), decimals=0)
    return c


@case(22, "alert", "loss_divergence", "job",
      "loss-spike alert; grad norm grows for ~300 steps before the spike; replaying from the checkpoint on a "
      "disjoint set of 32 nodes reproduces the spike at the same step 61544, and gpu.sdc passes on the nodes "
      "first suspected: the data / optimizer, not a GPU",
      "OPT-175B logbook / BLOOM chronicles (loss spikes, restart with lower LR, skip batches)", conf=True)
def c22(n):
    hosts = ["h200-lm-%03d" % i for i in range(1, 33)] + ["h200-lm-%03d" % i for i in range(101, 133)]
    c = Case(cid(n), *META[n][1:3], hosts=hosts, gpu=H200, window_s=900)
    set_alert(c, "TrainingLossSpike", "train loss 6.92 is 3.4x its 1h EMA (job llm-400b, step 61544)",
              {"job": "training-exporter", "slurm_job_id": "9901223", "run": "llm-400b-r7", "cluster": "lm"},
              'train_loss{run="llm-400b-r7"} > 3 * avg_over_time(train_loss{run="llm-400b-r7"}[1h])', severity="critical")
    c.node_metric("train_loss", {"job": "training-exporter", "run": "llm-400b-r7"},
                  lambda s: 2.03 + c.rng.uniform(-0.02, 0.02) if s < -60 else 6.92)
    c.node_metric("train_grad_norm", {"job": "training-exporter", "run": "llm-400b-r7"},
                  lambda s: 0.25 * (1.0 + max(0.0, s + 700) / 70.0) ** 1.6 if s < -60 else 412.0)
    c.log("ops/incident-notes", [
        "%s loss spike at step 61544 (6.92), grad norm had been climbing from 0.25 (step 61250) to 9.8 (step 61540)" % c.ymd(-40),
        "%s suspect SDC? gpu.sdc run on h200-lm-007 and h200-lm-021 (highest per-rank grad norm): both pass" % c.ymd(400),
        "%s replay from iter_0061000 on the spare half (h200-lm-101..132, no node shared with the run): spike at step 61544 again (6.88), grad norm climb from ~61250 again" % c.ymd(1600),
        "%s per-rank grad norms within 1%% of each other at every step of the climb" % c.ymd(1610),
        "%s plan: restart from iter_0061000 with lr 1.5e-4 -> 1.0e-4 and skip data batches 61400-61560" % c.ymd(1700),
    ] + [" [%s] iteration %8d/  900000 | lm loss: %.6E | grad norm: %.3f | learning rate: 1.500000E-04 | number of skipped iterations:   0 | number of nan iterations:   0 |" % (
        c.ymd(-700 + 40 * i), 61250 + 18 * i, 2.03 + (0.0 if i < 12 else 0.05 * (i - 11)), 0.25 * (1 + 18 * i / 70.0) ** 1.6) for i in range(17)])
    c.sdc("gpu.sdc@h200-lm-007")
    c.sdc("gpu.sdc@h200-lm-021")
    return c


@case(23, "logs", "loss_divergence", "job",
      "bf16 run (no loss scaler): grad norm climbs from 0.4 to 60 in 40 iterations right after LR warmup "
      "reaches its peak, then loss and grad norm turn NaN on every rank together; no Xid, no ECC, nodes "
      "healthy; the team restarts from the last checkpoint with a lower peak LR",
      "OPT-175B logbook (divergence, restart with lower LR); BLOOM-176B chronicles")
def c23(n):
    hosts = ["bloom-h100-%02d" % i for i in range(1, 25)]
    c = Case(cid(n), *META[n][1:3], hosts=hosts, gpu=H100)
    def gnf(i):
        return float("nan") if i >= 22 else (0.4 if i < 8 else 0.4 * 1.45 ** (i - 7))
    def lf(i):
        return float("nan") if i >= 22 else (2.61 if i < 12 else 2.61 + 0.35 * (i - 11))
    c.log("slurm-2230871.out", ["0: " + x for x in ck.megatron_iters(c, -1500, 26, 11990, step_s=5.2, lr=3.0e-4,
                                                                       loss_fn=lf, grad_fn=gnf, nan_fn=lambda i: max(0, i - 21))] + [
        "0: [%s] INFO: lr warmup finished at iteration 12000 (peak lr 3.0e-04)" % c.ymd(-1440),
        "0: [%s] ERROR: found NaN in local grad norm in backward pass on rank 0 at iteration 12012; exiting" % c.ymd(-1380),
        "[%s] logbook: all 24 nodes pass dcgmi diag -r 1; no Xid since job start; restart from global_step11500 with lr 3.0e-4 -> 2.0e-4" % c.ymd(-600),
    ])
    return c


@case(24, "logs", "fp16_loss_scale_collapse", "job",
      "DeepSpeed fp16: 'OVERFLOW! Rank 0 Skipping step. Attempted loss scale: N, reducing to N/2' on every "
      "step from 65536 down to 1, then 'Current loss scale already at minimum - cannot decrease scale "
      "anymore. Exiting run.'",
      "BLOOM chronicles (fp16 instabilities of the 104B prototype); OPT-175B logbook (fp16 loss scale)")
def c24(n):
    hosts = ["v-h100-%02d" % i for i in range(1, 9)]
    c = Case(cid(n), *META[n][1:3], hosts=hosts, gpu=H100)
    lines = ck.deepspeed_steps(c, -900, 6, 30111, rank=0)
    scale = 65536
    t = -700
    while scale >= 2:
        lines.append("[%s] [INFO] [loss_scaler.py:183:update_scale] [deepspeed] OVERFLOW! Rank 0 Skipping step. Attempted loss scale: %d, reducing to %d" % (c.ymd_ms(t), scale, scale // 2))
        scale //= 2
        t += 21
    lines += [
        "[%s] [INFO] [loss_scaler.py:183:update_scale] [deepspeed] OVERFLOW! Rank 0 Skipping step. Attempted loss scale: 1, reducing to 1" % c.ymd_ms(t),
        "Traceback (most recent call last):",
        '  File "/opt/conda/lib/python3.10/site-packages/deepspeed/runtime/fp16/loss_scaler.py", line 175, in update_scale',
        "    raise Exception(",
        "Exception: Current loss scale already at minimum - cannot decrease scale anymore. Exiting run.",
    ]
    c.log("%s/rank0/stdout" % hosts[0], lines)
    c.log("ds_config.json", ['"fp16": {"enabled": true, "loss_scale": 0, "initial_scale_power": 16, "loss_scale_window": 1000, "hysteresis": 2, "min_loss_scale": 1}'])
    return c


@case(25, "alert", "straggler_rank", "h100-sb-046/gpu6",
      "step-time regression alert with no error anywhere; the trainer's straggler detector scores rank "
      "366 (h100-sb-046 gpu6) at 0.74 of its peers; gpu.gemm on gpu6 548 TFLOP/s and gpu.hbm_bandwidth 2.28 "
      "TB/s, both below threshold, while gpu.health passes (no throttle reason, clocks at max, no ECC)",
      "Microsoft SuperBench / Alibaba gray failures; MegaScale (stragglers)")
def c25(n):
    hosts = ["h100-sb-%03d" % i for i in range(1, 65)]
    host = "h100-sb-046"
    c = Case(cid(n), *META[n][1:3], hosts=hosts, gpu=H100, window_s=900)
    g = 6
    rank = c.rank_of(host, g)
    set_alert(c, "TrainingStepTimeRegression", "step time of run gpt-moe-dense-7 up 31% over its 24h baseline",
              {"job": "training-exporter", "run": "gpt-dense-7", "slurm_job_id": "6610294", "cluster": "sb"},
              'avg_over_time(train_step_seconds{run="gpt-dense-7"}[15m]) > 1.25 * avg_over_time(train_step_seconds{run="gpt-dense-7"}[24h] offset 1d)')
    c.node_metric("train_step_seconds", {"job": "training-exporter", "run": "gpt-dense-7"}, lambda s: 8.1 * 1.31 + c.rng.uniform(-0.1, 0.1))
    dcgm(c, host, "DCGM_FI_DEV_SM_CLOCK", 1980, 0, decimals=0)
    dcgm(c, host, "DCGM_FI_DEV_GPU_TEMP", 61, 4, decimals=0)
    dcgm(c, host, "DCGM_FI_PROF_PIPE_TENSOR_ACTIVE", 0.41, 0.03, {g: lambda s, x: 0.58 + c.rng.uniform(-0.02, 0.02)}, decimals=3)
    c.log("slurm-6610294/straggler.log", [
        "[%s] StragglerDetector: GPU relative performance scores (1.0 = fastest); section fwd_bwd" % c.ymd(-300 - 120 * i) for i in (2, 1, 0)] + [
        "[%s] StragglerDetector: rank %d (%s, local 6): 0.74; next lowest rank 17: 0.97; median 0.99" % (c.ymd(-300 - 120 * i), rank, host) for i in (2, 1, 0)] + [
        "[%s] StragglerDetector: no node-level stragglers (node scores 0.96-1.00)" % c.ymd(-300),
    ] + ["[%s] iteration %d | elapsed time per iteration (ms): %.1f" % (c.ymd(-880 + 60 * i), 401220 + 7 * i, 10600 + c.rng.uniform(-80, 80)) for i in range(14)] + [
        "$ nvidia-smi -q -d PERFORMANCE -i 6 (on %s)" % host] + smi_perf(c, g, 1980))
    c.gemm("gpu.gemm@%s/gpu%d" % (host, g), tflops=548.0)
    c.hbm("gpu.hbm_bandwidth@%s/gpu%d" % (host, g), gb_s=2280)
    c.gemm("gpu.gemm@%s/gpu5" % host)
    c.health_rates("gpu.health@%s/gpu%d" % (host, g))
    return c


@case(26, "alert", "dataloader_stall", "job",
      "low-GPU-utilisation alert for the whole job; utilisation on every GPU saw-tooths between 0 and 100 "
      "with no NCCL or hardware error; the trainer's data_time is 4.1 s of a 5.3 s step since config v14 set "
      "num_workers=2 (was 12); two worker processes per rank pinned at 100% CPU tokenizing; the file "
      "system reads at its normal rate",
      "MegaScale (data loader stalls)")
def c26(n):
    hosts = ["l40-h100-%02d" % i for i in range(1, 9)]
    host = hosts[2]
    c = Case(cid(n), *META[n][1:3], hosts=hosts, gpu=H100, window_s=900)
    set_alert(c, "TrainingGPUUtilizationLow", "job 5510732 average GPU utilisation 31% over 15m",
              {"job": "dcgm-exporter", "slurm_job_id": "5510732", "cluster": "l40", "user": "vision-team"},
              'avg by (slurm_job_id) (DCGM_FI_DEV_GPU_UTIL * on(Hostname, gpu) group_left(slurm_job_id) slurm_job_gpu_info) < 40')
    dcgm(c, host, "DCGM_FI_DEV_GPU_UTIL", 30, 0, {i: (lambda s, x: 100 if (int(s) // 30) % 4 == 0 else 8) for i in range(8)}, decimals=0)
    c.node_metric("node_load1", {"instance": "%s:9100" % host, "job": "node-exporter"}, lambda s: 17 + c.rng.uniform(-0.5, 0.5))
    c.log("slurm-5510732.out", [
        "[%s] config v14 loaded: dataloader.num_workers=2 (v13: 12), dataloader.prefetch_factor=2, tokenize_on_the_fly=True" % c.ymd(-3000),
    ] + ["[%s] step %d | loss %.4f | step_time 5.31s | data_time 4.12s | fwd_bwd 1.10s | comm_wait 0.05s" % (
        c.ymd(-880 + 53 * i), 18830 + 10 * i, 1.41 - 0.001 * i) for i in range(16)])
    c.log("%s/ops-shell" % host, [
        "$ top -b -n1 -o %CPU | head -18",
        "    PID USER      PR  NI    VIRT    RES    SHR S  %CPU  %MEM     TIME+ COMMAND",
    ] + ["%7d vision    20   0   38.1g   6.2g   1.1g R 100.0   0.3 %3d:%02d.%02d pt_data_worker" % (71200 + i, 40 + i, i * 7 % 60, i) for i in range(16)] + [
        "$ fio --name=readcheck --rw=read --bs=4M --size=8G --directory=/weka/datasets --direct=1 | grep READ",
        "   READ: bw=6114MiB/s (6411MB/s), io=8192MiB, run=1340-1340msec",
        "$ nproc", "112",
    ])
    return c


@case(27, "logs", "storage_failure", "job",
      "every rank but 0 times out in a BARRIER/ALLREDUCE after 'saving checkpoint at iteration 30000'; rank 0 "
      "is in D state in a Lustre write ('task python3 blocked for more than 122 seconds', "
      "'Connection to scratch-OST0023 ... was lost'): the shared file system stalled the checkpoint",
      "OPT-175B logbook / BLOOM chronicles (checkpoint storage problems); Llama 3 (storage)", conf=True)
def c27(n):
    hosts = ["lz-h200-%03d" % i for i in range(201, 217)]
    c = Case(cid(n), *META[n][1:3], hosts=hosts, gpu=H200)
    r0 = hosts[0]
    lines = ["0: " + x for x in ck.megatron_iters(c, -2500, 6, 29995, step_s=4.2)]
    lines.append("0: [%s] saving checkpoint at iteration   30000 to /lustre/scratch/ckpt/run42 in torch_dist format" % c.ymd(-2470))
    for r in (8, 61, 127):
        lines += ["%d: %s" % (r, x) for x in ck.watchdog(c, r, -670 + r * 0.01, 120411, op="BARRIER", numel=1, timeout_ms=1800000)[:2]]
    c.log("slurm-1022934.out", lines)
    c.log("%s/journal" % r0, [
        jl(c, r0, -2460, "kernel: LustreError: 11-0: scratch-OST0023-osc-ffff9a1c3b2e5000: operation ost_write to node 10.1.0.23@o2ib failed: rc = -107"),
        jl(c, r0, -2460, "kernel: Lustre: scratch-OST0023-osc-ffff9a1c3b2e5000: Connection to scratch-OST0023 (at 10.1.0.23@o2ib) was lost; in progress operations using this service will wait for recovery to complete"),
        jl(c, r0, -2330, "kernel: INFO: task python3:40211 blocked for more than 122 seconds."),
        jl(c, r0, -2330, "kernel:       Tainted: G           OE     5.15.0-122-generic #132-Ubuntu"),
        jl(c, r0, -2330, 'kernel: "echo 0 > /proc/sys/kernel/hung_task_timeout_secs" disables this message.'),
        jl(c, r0, -2330, "kernel: task:python3         state:D stack:0     pid:40211 ppid:40150  flags:0x00004002"),
        jl(c, r0, -2330, "kernel:  osc_io_unplug+0x1c/0x30 [osc]"),
        jl(c, r0, -2330, "kernel:  ll_file_write_iter+0x2a1/0x330 [lustre]"),
        jl(c, r0, -1600, "kernel: LustreError: 40211:0:(osc_request.c:1988:osc_brw_redo_request()) @@@ redo for recoverable error -107"),
        jl(c, r0, -900, "kernel: Lustre: scratch-OST0023-osc-ffff9a1c3b2e5000: Connection restored to 10.1.0.23@o2ib (at 10.1.0.23@o2ib)"),
        jl(c, r0, -880, "kernel: INFO: task python3:40211 blocked for more than 1596 seconds."),
    ])
    c.log("%s/ops-shell" % r0, ["$ lfs check servers | grep -v active", "scratch-OST0023-osc-ffff9a1c3b2e5000: check error: Resource temporarily unavailable",
                                "$ ps -o pid,stat,wchan:20,cmd -p 40211", "  PID STAT WCHAN                CMD",
                                "40211 Dl   osc_io_unplug        python3 pretrain_gpt.py --save /lustre/scratch/ckpt/run42"])
    return c


@case(28, "logs", "launch_config_error", "dgx-b200-031",
      "the 8 ranks of dgx-b200-031 fail at start with 'The NVIDIA driver on your system is too old (found "
      "version 12040)'; that node came back from maintenance re-imaged with driver 550.127.05 while the "
      "others run 570.133.20 and the container is built for CUDA 12.8; the other ranks only time out in "
      "rendezvous",
      "Llama 3 (host maintenance ~8%); BLOOM chronicles (node image / software mismatches)")
def c28(n):
    hosts = ["dgx-b200-%03d" % i for i in range(25, 33)]
    c = Case(cid(n), *META[n][1:3], hosts=hosts, gpu=H200)
    bad = "dgx-b200-031"
    lines = ["[%s] slurmctld: node %s returned to service after maintenance (reason: 'reimage + BMC fw')" % (c.ymd(-3600), bad)]
    for lr in range(0, 8, 3):
        r = c.rank_of(bad, lr)
        lines += ["%d: [rank%d]: Traceback (most recent call last):" % (r, r),
                  "%d: [rank%d]:   File \"/workspace/train.py\", line 41, in <module>" % (r, r),
                  "%d: [rank%d]:     torch.cuda.set_device(local_rank)" % (r, r),
                  "%d: [rank%d]: RuntimeError: The NVIDIA driver on your system is too old (found version 12040). Please update your GPU driver by downloading and installing a new version from the URL: http://www.nvidia.com/Download/index.aspx Alternatively, go to: https://pytorch.org to install a PyTorch version that has been compiled with your version of the CUDA driver." % (r, r)]
    lines += [srun_err(c, bad, c.rank_of(bad, 0), "Exited with exit code 1"),
              "0: [rank0]: torch.distributed.DistStoreError: Timed out after 901 seconds waiting for clients. 56/64 clients joined.",
              "0: torch version 2.7.1+cu128, NCCL 2.26.2"]
    c.log("slurm-881204.out", lines)
    c.log("ops/nvidia-smi-versions", ["$ pdsh -w dgx-b200-0[25-32] \"nvidia-smi --query-gpu=driver_version --format=csv,noheader | sort -u\""] + [
        "%s: %s" % (h, "550.127.05" if h == bad else "570.133.20") for h in hosts] + [
        "$ ssh %s 'cat /etc/node-image-release'" % bad, "IMAGE=gpu-node-2025.02 (driver 550)",
        "$ ssh dgx-b200-025 'cat /etc/node-image-release'", "IMAGE=gpu-node-2025.09 (driver 570)"])
    return c


@case(29, "logs", "gpu_fallen_off_bus", "rack9-h100-05/gpu3",
      "the torchrun restart fails on rack9-h100-05 with 'CUDA error: invalid device ordinal' for local_rank "
      "7 (looks like a launch error), because only 7 GPUs enumerate: dmesg -T has Xid 79 'GPU has fallen "
      "off the bus' for PCI 0000:5d:00 (gpu3) 20 min earlier, when the first failure happened",
      "Llama 3 (faulty GPUs ~30%); OPT-175B logbook (lost GPUs, restart loops)", conf=True)
def c29(n):
    hosts = ["rack9-h100-%02d" % i for i in range(1, 9)]
    c = Case(cid(n), *META[n][1:3], hosts=hosts, gpu=H100)
    bad, g = "rack9-h100-05", 3
    rank7 = c.rank_of(bad, 7)
    c.log("launcher/torchrun-%s.log" % bad, [
        "[%s] WARNING torch.distributed.elastic.agent.server.api: [default] Worker group FAILED. 3/3 attempts left; will restart worker group" % c.ymd(-1190),
        "[%s] INFO torch.distributed.elastic.agent.server.api: [default] Rendezvous complete for workers. Result: restart_count=1 master_addr=rack9-h100-01 master_port=29500 group_rank=4 group_world_size=8 local_ranks=[0, 1, 2, 3, 4, 5, 6, 7]" % c.ymd(-1100),
        "[rank%d]: Traceback (most recent call last):" % rank7,
        "[rank%d]:   File \"/workspace/train.py\", line 58, in setup" % rank7,
        "[rank%d]:     torch.cuda.set_device(int(os.environ[\"LOCAL_RANK\"]))" % rank7,
        "[rank%d]: torch.AcceleratorError: CUDA error: invalid device ordinal" % rank7,
        "[rank%d]: GPU device may be out of range, do you have enough GPUs?" % rank7,
        "[%s] WARNING torch.distributed.elastic.agent.server.api: [default] Worker group FAILED. 2/3 attempts left; will restart worker group" % c.ymd(-1080),
        "[rank%d]: torch.AcceleratorError: CUDA error: invalid device ordinal" % rank7,
        "[%s] WARNING torch.distributed.elastic.agent.server.api: [default] Worker group FAILED. 1/3 attempts left; will restart worker group" % c.ymd(-960),
        "[rank%d]: torch.AcceleratorError: CUDA error: invalid device ordinal" % rank7,
        "[%s] ERROR torch.distributed.elastic.multiprocessing.api: failed (exitcode: 1) local_rank: 7 (pid: 88102) of binary: /usr/bin/python3" % c.ymd(-850),
        "[%s] INFO: user note: 'CUDA_VISIBLE_DEVICES unset, nproc_per_node=8 as always'" % c.ymd(-600),
    ])
    c.log("%s/dmesg-T" % bad, [dmesg_t(c, -1800 + 120 * i, x) for i, x in enumerate([
        "nvidia-nvswitch3: open (major=508, minor=3)", "IPv6: ADDRCONF(NETDEV_CHANGE): ibp24s0: link becomes ready",
        "audit: type=1400 audit(1771224000.120:4): apparmor=\"STATUS\" operation=\"profile_replace\""])] + [
        dmesg_t(c, -1205, xid(c, g, 79, "GPU has fallen off the bus.")),
        dmesg_t(c, -1205, "NVRM: GPU 0000:5d:00.0: GPU has fallen off the bus."),
        dmesg_t(c, -1204, "NVRM: GPU 0000:5d:00.0: GPU serial number is 1652222031553."),
        dmesg_t(c, -1204, "NVRM: A GPU crash dump has been created. If possible, please run"),
    ])
    c.log("%s/ops-shell" % bad, ["$ nvidia-smi --query-gpu=index,pci.bus_id --format=csv,noheader"] + [
        "%d, 00000000:%s:00.0" % (i, b.upper()) for i, b in enumerate([x for j, x in enumerate(c.pci) if j != g])])
    return c


@case(30, "logs", "moe_expert_imbalance", "job",
      "step time +60% with all-to-all time up, which looks like the network, but ibstat / nccl.alltoall "
      "are normal and the router's logged load shows expert 5 taking 38-41% of tokens in layers 12-20 with "
      "a 31% capacity drop rate and the aux loss rising since step 52000",
      "Mixtral / DeepSeek-MoE / MegaScale-MoE reports (routing collapse)", conf=True)
def c30(n):
    hosts = ["moe-h200-%02d" % i for i in range(1, 17)]
    c = Case(cid(n), *META[n][1:3], hosts=hosts, gpu=H200)
    lines = []
    for i in range(14):
        st = 3.9 if i < 4 else 3.9 * (1.0 + 0.06 * min(i - 3, 10))
        lines.append(" [%s] iteration %8d/ 400000 | elapsed time per iteration (ms): %.1f | lm loss: %.6E | load_balancing_loss: %.4E | grad norm: %.3f |" % (
            c.ymd(-1400 + 90 * i), 51990 + 5 * i, st * 1000, 1.92 - 0.001 * i, 1.01e-2 * (1.0 + 0.35 * max(0, i - 3)), 0.31 * c.rng.uniform(0.9, 1.1)))
    lines += [
        " [%s] [timers] moe-dispatch-alltoall (ms) min/max over ranks: 410.3 / 1221.8 (was 190 / 240 at step 51900)" % c.ymd(-160),
        " [%s] moe router stats layer 12: tokens per expert (%% of routed): e0 4.1 e1 3.9 e2 5.0 e3 6.1 e4 3.3 e5 38.4 e6 4.2 e7 2.9 ... | dropped (capacity_factor=1.25): 31.2%%" % c.ymd(-150),
        " [%s] moe router stats layer 16: tokens per expert (%% of routed): e0 3.7 e1 4.4 e2 4.1 e3 5.3 e4 3.0 e5 40.9 e6 3.9 e7 3.1 ... | dropped (capacity_factor=1.25): 33.0%%" % c.ymd(-150),
        " [%s] moe router stats layer 20: tokens per expert (%% of routed): e0 4.4 e1 4.0 e2 4.9 e3 5.8 e4 3.6 e5 39.7 e6 4.0 e7 2.8 ... | dropped (capacity_factor=1.25): 30.7%%" % c.ymd(-150),
        " [%s] moe router stats layer 4: tokens per expert (%% of routed): balanced (max 7.1%%) | dropped: 0.4%%" % c.ymd(-150),
    ]
    c.log("slurm-3310092.out", lines)
    c.log("ops/checks", [
        "$ pdsh -w moe-h200-[01-16] 'ibstat | grep -c \"State: Active\"' | sort -u -k2", "moe-h200-01: 8",
        "$ pdsh -w moe-h200-[01-16] 'perfquery -x | grep -E \"SymbolError|LinkDowned\"' | awk '$2>0' | wc -l", "0",
        "$ nccl-tests alltoall_perf -b 1G -e 1G on the 16 nodes: busbw 41.8 GB/s (baseline 40-43)",
    ])
    c.nccl("nccl.alltoall@job", busbw=41.8)
    return c


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default=HERE)
    ap.add_argument("--table", action="store_true", help="print the README table and exit")
    args = ap.parse_args(argv)
    if args.table:
        print("| case | first evidence | expected root cause | component | the decisive detail | published report it follows | C |")
        print("|---|---|---|---|---|---|---|")
        for n in sorted(META):
            first, rc, comp, dec, rep, conf = META[n]
            print("| rl12-%02d | %s | `%s` | `%s` | %s | %s | %s |" % (n, first, rc, comp, dec, rep, "C" if conf else ""))
        return 0
    built = []
    for n, fn in sorted(CASES):
        c = fn(n)
        assert c.expected == {"root_cause": META[n][1], "component": META[n][2]}, n
        assert (c.alert_obj is not None) == (META[n][0] == "alert"), n
        if c.alert_obj is None:
            c.alert_obj = None
        built.append(c)
    k = ck.write_cases(built, args.out)
    print("wrote %d cases to %s" % (k, args.out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
