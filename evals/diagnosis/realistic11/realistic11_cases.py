#!/usr/bin/env python3
"""realistic11: what the stack's own error codes and log lines say (RL11, 2026-12-03; see README.md).

Thirty cases built on the codes the CUDA / NCCL / InfiniBand / DCGM stack prints today: CUDA errors as
PyTorch raises them, NCCL result codes with their "Last error" reasons, NCCL WARN lines from
net_ib.cc with IB verbs completion statuses, `dcgmi diag -r 3` results with DCGM_FR_* codes, Xid in
the formats drivers 550-575 and the tools around them print (kernel ring buffer, `dmesg -T`,
journalctl, node-problem-detector, mtail-derived counters), with the mess of real logs: several
time-stamp formats and zones in one case, consequences louder than causes, codes named to rule
them out, the same code on several nodes. 10 alert-first cases (an Alertmanager alert that names
a code), 20 log-first (no alert).

Usage: realistic11_cases.py [--out DIR] [--table]
Deterministic: every case seeds from its id (casekit.Case). stdlib python3 only.
"""

import argparse
import datetime as _dt
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import casekit  # noqa: E402
from casekit import Case  # noqa: E402

B200 = "NVIDIA B200"
casekit.EXTRA_GPU_SPECS.setdefault(B200, dict(gemm=1650.0, gemm_min=1400.0, hbm=6900.0,
                                              hbm_min=6000.0, tdp=1000.0, clock=1965.0,
                                              mem_gib=180, pcie_gen=5, nvlinks=18))

# case number -> (first evidence, root cause, component, decisive detail, confounder)
META = {}
CASES = []


def case(n, evidence, rc, comp, detail, conf=False):
    def deco(fn):
        META[n] = (evidence, rc, comp, detail, conf)
        CASES.append((n, fn))
        return fn
    return deco


# ------------------------------------------------------------------ time formats beyond casekit
def loc(c, s, tz_h):
    return c.at(s) + _dt.timedelta(hours=tz_h)


def jl(c, s, host, text, tz_h=0):
    """journalctl short format in the node's local time (no zone printed)."""
    t = loc(c, s, tz_h)
    return "%s %2d %s %s %s" % (casekit.MONTHS[t.month - 1], t.day, t.strftime("%H:%M:%S"), host, text)


def dmt(c, s, text, tz_h=0):
    """dmesg -T: local wall-clock, day name, no zone."""
    t = loc(c, s, tz_h)
    return "[%s] %s" % (t.strftime("%a %b %d %H:%M:%S %Y"), text)


def dm(c, s, text):
    return "%s %s" % (c.dmesg(s), text)


def isoz(c, s, tz_h=0):
    t = loc(c, s, tz_h)
    z = "Z" if tz_h == 0 else "%+03d:00" % tz_h
    return t.strftime("%Y-%m-%dT%H:%M:%S") + ".%03d" % (int(round((s % 1) * 1000)) % 1000) + z


def slurm(c, s, tz_h=0):
    t = loc(c, s, tz_h)
    return "[%s.%03d]" % (t.strftime("%Y-%m-%dT%H:%M:%S"), c.rng.randrange(1000))


def glog_br(c, s, level="E", tz_h=0):
    """glog's short bracket prefix some C++ trainers print: [E1203 03:14:07.123]."""
    t = loc(c, s, tz_h)
    return "[%s%s %s.%03d]" % (level, t.strftime("%m%d"), t.strftime("%H:%M:%S"), c.rng.randrange(1000))


def xid(c, g, code, text, pid=None, name=None, pci=True):
    who = ("pid=%d, name=%s" % (pid, name)) if pid else "pid='<unknown>', name=<unknown>"
    if pci:
        return "NVRM: Xid (PCI:%s): %d, %s, %s" % (c.bus(g), code, who, text)
    return "NVRM: Xid (%s): %d, %s, %s" % (c.bus(g), code, who, text)


def npre(c, host, gpu, pid):
    return "%s:%d:%d [%d]" % (host, pid, pid + 640 + gpu, gpu)


def nccl_err(kind, ver, last, where="ProcessGroupNCCL.cpp:2027"):
    head = {"ncclUnhandledCudaError": "unhandled cuda error (run with NCCL_DEBUG=INFO for details)",
            "ncclSystemError": "unhandled system error (run with NCCL_DEBUG=INFO for details)",
            "ncclInternalError": "internal error - please report this issue to the NCCL developers",
            "ncclInvalidUsage": "invalid usage (run with NCCL_DEBUG=WARN for details)",
            "ncclRemoteError": "remote process exited or there was a network error"}[kind]
    tail = {"ncclUnhandledCudaError": "Call to CUDA function failed.",
            "ncclSystemError": "System call (e.g. socket, malloc) or external library call failed or device error. ",
            "ncclInternalError": "Internal check failed.",
            "ncclInvalidUsage": "This usually reflects invalid usage of NCCL library.",
            "ncclRemoteError": "A call failed possibly due to a network error or a remote process exiting prematurely."}[kind]
    return ["torch.distributed.DistBackendError: NCCL error in: /opt/pytorch/pytorch/torch/csrc/distributed/c10d/%s, "
            "%s, NCCL version %s" % (where, head, ver),
            "%s: %s" % (kind, tail), "Last error:", last]


CUDA_TAIL = ["CUDA kernel errors might be asynchronously reported at some other API call, so the stacktrace below might be incorrect.",
             "For debugging consider passing CUDA_LAUNCH_BLOCKING=1",
             "Compile with `TORCH_USE_CUDA_DSA` to enable device-side assertions."]


def steps(c, s0, n, **kw):
    return casekit.megatron_iters(c, s0, n, 18200 + c.rng.randrange(9000), **kw)


def knoise(c, host, k, s0=-1500, s1=0, fmt="syslog"):
    return casekit.kernel_noise(c, host, k, s0, s1, fmt)


def dcgm_diag(ver, driver, rows):
    out = ["Successfully ran diagnostic for group.",
           "+---------------------------+------------------------------------------------+",
           "| Diagnostic                | Result                                         |",
           "+===========================+================================================+",
           "|-----  Metadata  ----------+------------------------------------------------|",
           "| DCGM Version              | %-46s |" % ver,
           "| Driver Version Detected   | %-46s |" % driver,
           "| GPU Device IDs Detected   | 2335,2335,2335,2335,2335,2335,2335,2335        |",
           "|-----  Deployment  --------+------------------------------------------------|",
           "| Denylist                  | Pass                                           |",
           "| NVML Library              | Pass                                           |",
           "| CUDA Main Library         | Pass                                           |",
           "| Permissions and OS Blocks | Pass                                           |",
           "| Persistence Mode          | Pass                                           |",
           "| Environment Variables     | Pass                                           |",
           "| Page Retirement/Row Remap | Pass                                           |",
           "| Graphics Processes        | Pass                                           |",
           "| Inforom                   | Pass                                           |"]
    sect = None
    for s, name, res in rows:
        if s != sect:
            out.append("|-----  %-10s --------+------------------------------------------------|" % s)
            sect = s
        out.append("| %-25s | %-46s |" % (name, res[:46]))
        if len(res) > 46:
            out.append("|                           | %-46s |" % res[46:92])
    out.append("+---------------------------+------------------------------------------------+")
    return out


def dcgm_metric(c, name, host, base, jitter, over=None, decimals=1):
    c.gpu_metric(name, host, base, jitter, over=over, decimals=decimals)


# ================================================================== cases
@case(1, "logs", "gpu_fallen_off_bus", "gpu-h100-r4-07/gpu3",
      "Xid 79 in dmesg -T on gpu-h100-r4-07 for bus 5d (gpu3) 2 s before every rank's ncclUnhandledCudaError; the other ranks' errors name 'unknown error' on their own GPUs only after it")
def c01(c):
    h = c.hosts
    pid = 51877
    tr = steps(c, -200, 8)
    tr += ["[rank27]:[%s ProcessGroupNCCL.cpp:1595] [PG 0 (default_pg) Rank 27] Process group watchdog thread terminated with exception: CUDA error: unspecified launch failure" % c.glog(3.1, "E")]
    tr += CUDA_TAIL
    for r in (3, 11, 19):
        tr += ["[rank%d]:[%s ProcessGroupNCCL.cpp:1595] [PG 0 (default_pg) Rank %d] Process group watchdog thread terminated with exception: NCCL error: unhandled cuda error (run with NCCL_DEBUG=INFO for details), NCCL version 2.23.4" % (r, c.glog(4 + r / 10, "E"), r),
               "ncclUnhandledCudaError: Call to CUDA function failed.", "Last error:",
               "Cuda failure 'unknown error'"]
    c.log("%s/srun" % h[0], tr + casekit.app_noise(c, 3))
    p = npre(c, h[3], 3, pid)
    c.log("%s/rank27/nccl" % h[3], [
        "%s NCCL INFO comm 0x9c1f2a0 rank 27 nranks 32 cudaDev 3 busId 5d000 - Init COMPLETE" % p,
        "%s include/alloc.h:124 NCCL WARN Cuda failure 'unspecified launch failure'" % p,
        "%s NCCL INFO transport/p2p.cc:281 -> 1" % p,
        "%s NCCL INFO enqueue.cc:1967 -> 1" % p])
    k = [dmt(c, -900, "mlx5_core 0000:1f:00.0: mlx5_pcie_event:299:(pid 1021): PCIe slot advertised sufficient power (75W).", 1),
         dmt(c, 1.2, "pcieport 0000:5b:01.0: AER: Uncorrected (Fatal) error message received from 0000:5d:00.0", 1),
         dmt(c, 1.2, "nvidia 0000:5d:00.0: PCIe Bus Error: severity=Uncorrected (Fatal), type=Inaccessible, (Unregistered Agent ID)", 1),
         dmt(c, 1.3, xid(c, 3, 79, "GPU has fallen off the bus."), 1),
         dmt(c, 1.3, "NVRM: GPU 0000:5d:00.0: GPU has fallen off the bus.", 1),
         dmt(c, 1.4, "NVRM: GPU 0000:5d:00.0: GPU serial number is 1652123045871.", 1),
         dmt(c, 1.4, "NVRM: A GPU crash dump has been created. If possible, please run", 1),
         dmt(c, 1.4, "NVRM: nvidia-bug-report.sh as root to collect this data before", 1),
         dmt(c, 1.4, "NVRM: the NVIDIA kernel module is unloaded.", 1),
         dmt(c, 40, "nvidia-peermem nv_get_p2p_free_callback:127 ERROR detected invalid context, skipping further processing", 1)]
    c.log("%s/dmesg" % h[3], k)
    c.log("%s/nvidia-smi" % h[3], ["$ nvidia-smi -L", "GPU 0: NVIDIA H100 80GB HBM3 (UUID: %s)" % c.uuid(h[3], 0),
                                  "Unable to determine the device handle for GPU3: 0000:5D:00.0: Unknown Error",
                                  "GPU 4: NVIDIA H100 80GB HBM3 (UUID: %s)" % c.uuid(h[3], 4)])
    c.with_topology()


@case(2, "logs", "gpu_memory_uncorrectable_ecc", "dgx-h200-12/gpu5",
      "rank 45's RuntimeError 'CUDA error: uncorrectable ECC error encountered' plus journal Xid 94 'Contained: SM' and 'DBE' in nvidia-smi -q for bus ab (gpu5); peers fail on the broken connection afterwards")
def c02(c):
    h = c.hosts
    tr = steps(c, -150, 6)
    tr += ["[rank45]: Traceback (most recent call last):",
           '[rank45]:   File "/workspace/megatron/training/training.py", line 1378, in train_step',
           "[rank45]:     losses_reduced = forward_backward_func(",
           "[rank45]: RuntimeError: CUDA error: uncorrectable ECC error encountered"] + ["[rank45]: " + x for x in CUDA_TAIL]
    for r in (40, 8):
        tr += ["[rank%d]:[%s ProcessGroupNCCL.cpp:1595] [PG 0 (default_pg) Rank %d] Process group watchdog thread terminated with exception: NCCL error: remote process exited or there was a network error, NCCL version 2.21.5" % (r, c.glog(30 + r / 10, "E"), r),
               "ncclRemoteError: A call failed possibly due to a network error or a remote process exiting prematurely.", "Last error:",
               "NET/IB : Got completion from peer 10.40.5.12<38122> with status=5 opcode=1 len=0 vendor err 249 (Recv) localGid ::ffff:10.40.1.3 remoteGids::ffff:10.40.5.12 hca mlx5_0"]
    c.log("%s/srun" % h[0], tr)
    c.log("%s/journal" % h[5], knoise(c, h[5], 5, fmt="syslog") + [
        jl(c, 0.4, h[5], "kernel: " + xid(c, 5, 94, "Contained: SM (0x1). RST: No, D-RST: No", 88120, "python3")),
        jl(c, 0.5, h[5], "kernel: NVRM: GPU at PCI:%s: %s" % (c.bus(5) + ".0", c.uuid(h[5], 5))),
        jl(c, 0.5, h[5], "kernel: NVRM: GPU Board Serial Number: 1654223017442"),
        jl(c, 60, h[5], "dcgm-exporter[3120]: level=info msg=\"Collecting DCP metrics\"")])
    c.log("%s/nvidia-smi-q" % h[5], ["$ nvidia-smi -q -i 5 -d ECC,ROW_REMAPPER",
        "    ECC Errors", "        Volatile", "            SRAM Correctable              : 0",
        "            SRAM Uncorrectable Parity     : 0", "            SRAM Uncorrectable SEC-DED    : 0",
        "            DRAM Correctable              : 0", "            DRAM Uncorrectable            : 2",
        "    Remapped Rows", "        Correctable Error                 : 0", "        Uncorrectable Error               : 1",
        "        Pending                           : Yes", "        Remapping Failure Occurred        : No"])
    c.with_topology()


@case(3, "alert", "gpu_row_remap_failure", "hgx-b200-a2-19/gpu2",
      "alert on DCGM_FI_DEV_ROW_REMAP_FAILURE=1 for gpu2; nvidia-smi -q: Remapping Failure Occurred: Yes, Xid 64; dcgmi diag fails 'Page Retirement/Row Remap' with DCGM_FR_ROW_REMAP_FAILURE", conf=False)
def c03(c):
    h = c.hosts[0]
    c.alert("GPURowRemapFailure", "Row remapping failed on %s GPU 2 - drain and RMA" % h, 0,
            Hostname=h, gpu="2", modelName=B200, severity="critical", namespace="gpu-operator",
            UUID=c.uuid(h, 2))
    c.alert_obj["annotations"]["description"] = "DCGM_FI_DEV_ROW_REMAP_FAILURE is 1 on %s gpu 2 (UUID %s)." % (h, c.uuid(h, 2))
    dcgm_metric(c, "DCGM_FI_DEV_ROW_REMAP_FAILURE", h, 0, 0, over={2: lambda s, v: 1 if s > -400 else 0}, decimals=0)
    dcgm_metric(c, "DCGM_FI_DEV_UNCORRECTABLE_REMAPPED_ROWS", h, 0, 0, over={2: lambda s, v: 7 if s > -400 else 6}, decimals=0)
    c.log("%s/dmesg" % h, knoise(c, h, 4, fmt="dmesg") + [
        dm(c, -410, xid(c, 2, 63, "Row Remapper: New row (0x0000000000c1b3f0) Marked for Remapping, reset gpu to activate.")),
        dm(c, -402, xid(c, 2, 64, "Row Remapper Error: (0x0000000000c1b3f4) - All reserved rows for bank are remapped")),
        dm(c, -401, xid(c, 2, 94, "Contained: SM (0x1). RST: No, D-RST: No", 44718, "python")) ])
    c.log("%s/nvidia-smi-q" % h, ["$ nvidia-smi -q -i 2 -d ROW_REMAPPER", "==============NVSMI LOG==============",
        "Driver Version                            : 570.133.20", "CUDA Version                              : 12.8",
        "GPU 00000000:%s:00.0" % c.pci[2].upper(), "    Remapped Rows",
        "        Correctable Error                 : 0", "        Uncorrectable Error               : 7",
        "        Pending                           : No", "        Remapping Failure Occurred        : Yes",
        "        Bank Remap Availability Histogram", "            Max                           : 1928 bank(s)",
        "            High                          : 0 bank(s)", "            Partial                       : 1 bank(s)",
        "            Low                           : 0 bank(s)", "            None                          : 1 bank(s)"])
    c.log("%s/dcgmi-diag" % h, ["$ dcgmi diag -r 3 -i 2"] + dcgm_diag("4.1.1", "570.133.20", [
        ("Hardware", "GPU Memory", "Fail - GPU: 2"),
        ("Hardware", "Warning", "GPU 2 DCGM_FR_ROW_REMAP_FAILURE: GPU 2 had uncorrectable memory errors and row remapping failed."),
        ("Integration", "PCIe", "Pass - All"), ("Stress", "Targeted Stress", "Skip - All")]))


@case(4, "logs", "gpu_firmware_error", "a3-node-0231/gpu4",
      "Xid 119 'Timeout after 6s of waiting for RPC response from GPU4 GSP' on bus 9a (gpu4) in the +01:00 ISO journal precedes every rank's NCCL watchdog timeout (UTC glog) by the 10 min timeout; 'no Xid since the reset' on the other nodes", conf=True)
def c04(c):
    h = c.hosts
    tr = steps(c, -700, 10)
    for r in (0, 9, 17, 36, 44, 52, 60):
        tr += casekit.watchdog(c, r, 600 + r / 20, 88120, "ALLREDUCE", 33554432)[:2]
    c.log("%s/srun" % h[0], tr)
    j = [ "%s %s kernel: %s" % (isoz(c, -3, 1), h[4], xid(c, 4, 119, "Timeout after 6s of waiting for RPC response from GPU4 GSP! Expected function 76 (GSP_RM_CONTROL) (0x20803039 0x1c).", 70311, "python3")),
          "%s %s kernel: NVRM: GPU4 GSP RPC buffer contains function 76 (GSP_RM_CONTROL) and data 0x0000000020803039 0x000000000000001c." % (isoz(c, -3, 1), h[4]),
          "%s %s kernel: NVRM: GPU4 RPC history (CPU -> GSP):" % (isoz(c, -3, 1), h[4]),
          "%s %s kernel: NVRM:     entry function                   data0              data1              ts_start           ts_end             duration actively_polling" % (isoz(c, -3, 1), h[4]),
          "%s %s kernel: NVRM:      0    76 GSP_RM_CONTROL          0x0000000020803039 0x000000000000001c 0x00063a1b2c9e8f10 0x0000000000000000          y" % (isoz(c, -3, 1), h[4]),
          "%s %s kernel: %s" % (isoz(c, 4, 1), h[4], xid(c, 4, 119, "Timeout after 6s of waiting for RPC response from GPU4 GSP! Expected function 10 (FREE) (0xa55a00b0 0x0).", 70311, "python3")),
          "%s %s kernel: NVRM: GPU4 GSP RPC buffer contains function 10 (FREE) and data 0x00000000a55a00b0 0x0000000000000000." % (isoz(c, 4, 1), h[4]),
          "%s %s nvidia-smi[90112]: Unable to determine the device handle for GPU4: 0000:9A:00.0: Unknown Error" % (isoz(c, 320, 1), h[4])]
    c.log("%s/journal" % h[4], j)
    c.log("ops/notes", ["# xid sweep across the job's nodes after the hang (journalctl -k --since boot | grep -c Xid)"] +
          ["%s: 0 Xid since the reset at boot" % x for x in h if x != h[4]] + ["%s: 3 (119, 119, 119) GPU4" % h[4]])
    c.with_topology()


@case(5, "logs", "nvlink_error", "dgx-h200-44/gpu6",
      "Xid 74 'NVLink: fatal error detected on link 12' on bus ba (gpu6) and dcgmi diag DCGM_FR_NVLINK_ERROR_THRESHOLD for GPU 6; the NCCL P2P/CUMEM ranks on the node then fail with ncclUnhandledCudaError")
def c05(c):
    h = c.hosts
    tr = steps(c, -120, 6)
    for r in (14, 10):
        tr += ["[rank%d]: torch.distributed.DistBackendError: NCCL error in: /opt/pytorch/pytorch/torch/csrc/distributed/c10d/NCCLUtils.hpp:317, unhandled cuda error (run with NCCL_DEBUG=INFO for details), NCCL version 2.21.5" % r,
               "[rank%d]: ncclUnhandledCudaError: Call to CUDA function failed." % r, "[rank%d]: Last error:" % r,
               "[rank%d]: Cuda failure 700 'an illegal memory access was encountered'" % r]
    c.log("%s/srun" % h[1], tr)
    c.log("%s/dmesg" % h[1], knoise(c, h[1], 4, fmt="dmesg") + [
        dm(c, -1, xid(c, 6, 74, "NVLink: fatal error detected on link 12(0x0, 0x0, 0x10000, 0x0, 0x0, 0x0, 0x0)", 61220, "python3")),
        dm(c, -1, xid(c, 6, 74, "NVLink: fatal error detected on link 13(0x0, 0x0, 0x10000, 0x0, 0x0, 0x0, 0x0)", 61220, "python3")),
        dm(c, 0.2, xid(c, 2, 45, "Ch 00000010", 61216, "python3")),
        dm(c, 0.2, xid(c, 6, 45, "Ch 00000010", 61220, "python3"))])
    c.log("%s/dcgmi-diag" % h[1], ["$ dcgmi diag -r 3"] + dcgm_diag("3.3.9", "550.127.05", [
        ("Integration", "PCIe", "Fail - GPU: 6"),
        ("Integration", "Warning", "GPU 6 DCGM_FR_NVLINK_ERROR_THRESHOLD: Detected 2 NvLink Replay errors for GPU 6's NVLink link 12 which exceeds threshold of 0"),
        ("Hardware", "GPU Memory", "Pass - All"), ("Stress", "Targeted Power", "Pass - All")]))
    c.with_topology()


@case(6, "alert", "gpu_thermal_throttle", "xe9680-n022/gpu1",
      "alert on DCGM clock event reason bit 0x40 (HW thermal) for gpu1 at 91 C; nvidia-smi -q: HW Thermal Slowdown Active, SM 1155 MHz; step time +35 %; the other seven GPUs at 55-62 C with no reason active")
def c06(c):
    h = c.hosts[0]
    c.alert("GPUClocksThrottledThermal", "%s GPU 1 clocks held down by HW thermal slowdown" % h, 0,
            Hostname=h, gpu="1", modelName=c.gpu, severity="warning", UUID=c.uuid(h, 1),
            reason="hw_thermal_slowdown", clock_event_reasons="0x40")
    hot = lambda s, v: 91 if s > -500 else 58 + (s + 1200) / 60
    dcgm_metric(c, "DCGM_FI_DEV_GPU_TEMP", h, 58, 4, over={1: hot}, decimals=0)
    dcgm_metric(c, "DCGM_FI_DEV_SM_CLOCK", h, 1980, 0, over={1: lambda s, v: 1155 if s > -500 else 1980}, decimals=0)
    dcgm_metric(c, "DCGM_FI_DEV_CLOCK_THROTTLE_REASONS", h, 0, 0, over={1: lambda s, v: 64 if s > -500 else 0}, decimals=0)
    tr = casekit.plain_steps(c, -600, 24, 40110, step_fn=lambda i: 0.92 * (1.35 if i > 6 else 1.0))
    c.log("%s/rank0/stdout" % h, tr)
    c.log("%s/nvidia-smi-q" % h, ["$ nvidia-smi -q -i 1 -d PERFORMANCE,TEMPERATURE",
        "    Clocks Event Reasons", "        Idle                              : Not Active",
        "        Applications Clocks Setting       : Not Active", "        SW Power Cap                      : Not Active",
        "        HW Slowdown                       : Active", "            HW Thermal Slowdown           : Active",
        "            HW Power Brake Slowdown       : Not Active", "        Sync Boost                        : Not Active",
        "        SW Thermal Slowdown               : Active", "        Display Clock Setting             : Not Active",
        "    Temperature", "        GPU Current Temp                  : 91 C",
        "        GPU T.Limit Temp                  : -4 C", "        GPU Shutdown Temp                 : 92 C",
        "        GPU Slowdown Temp                 : 90 C", "        Memory Current Temp               : 84 C"])
    c.with_topology()


@case(7, "alert", "gpu_power_throttle", "gpu-sxm-b07",
      "alert names rank 40 (gpu-sxm-b07) as straggler, but nvidia-smi -q on gpu-sxm-b07 shows Current Power Limit 450 W of 700 W default and 'SW Power Cap: Active' on all 8 GPUs; journal: nvidia-smi -pl 450 run by a cron'd power-capping script", conf=True)
def c07(c):
    h = c.hosts
    c.alert("TrainingStragglerRank", "job mixtral-ft: rank 40 on %s is the slowest rank for 15m (step time +41%%)" % h[5], 0,
            job="mixtral-ft", rank="40", node=h[5], severity="warning")
    for hh in (h[4], h[5]):
        dcgm_metric(c, "DCGM_FI_DEV_POWER_USAGE", hh, 620 if hh == h[4] else 449, 15)
        dcgm_metric(c, "DCGM_FI_DEV_SM_CLOCK", hh, 1980 if hh == h[4] else 1410, 30, decimals=0)
    c.log("%s/nvidia-smi-q" % h[5], ["$ nvidia-smi -q -d POWER,PERFORMANCE | grep -E 'GPU 0|Current Power Limit|Default Power Limit|SW Power Cap'"] +
          sum([["GPU 00000000:%s:00.0" % c.pci[g].upper(), "        Current Power Limit               : 450.00 W",
                "        Default Power Limit               : 700.00 W", "        SW Power Cap                      : Active"] for g in range(8)], []))
    c.log("%s/journal" % h[5], knoise(c, h[5], 4) + [
        jl(c, -1100, h[5], "CRON[55123]: (root) CMD (/opt/site/bin/rack-power-budget.sh --rack b)"),
        jl(c, -1099, h[5], "rack-power-budget[55124]: rack b over budget (41.2 kW of 40.0 kW); capping %s" % h[5]),
        jl(c, -1098, h[5], "nvidia-smi[55130]: Power limit for GPU 00000000:18:00.0 was set to 450.00 W from 700.00 W."),
        jl(c, -1098, h[5], "nvidia-smi[55130]: All done.")])
    c.log("%s/rank0/stdout" % h[0], casekit.plain_steps(c, -900, 20, 9900, step_fn=lambda i: 0.92 * (1.41 if i > 3 else 1.0)) +
          ["straggler detector: slowest rank 40 (%s) fwd+bwd 1.29s vs median 0.91s" % h[5]])
    c.with_topology()


@case(8, "logs", "pcie_link_degraded", "sm-h100-1132/gpu7",
      "dcgmi diag -r 3 'PCIe Fail - GPU: 7' with DCGM_FR_PCI_REPLAY_RATE and nvidia-smi -q Link Width Current 8x of 16x on bus db; AER correctable Receiver Error on the root port above it")
def c08(c):
    h = c.hosts[0]
    c.log("%s/rank0/stdout" % h, casekit.plain_steps(c, -600, 10, 2010, step_fn=lambda i: 0.92 * 1.22) +
          ["INFO: host->device batch copy 412 ms on rank 7 (others 180-195 ms)"] + casekit.app_noise(c, 3))
    c.log("%s/dmesg" % h, knoise(c, h, 3, fmt="dmesg") + [
        dm(c, -3000, "pcieport 0000:d8:01.0: AER: Correctable error message received from 0000:db:00.0"),
        dm(c, -3000, "nvidia 0000:db:00.0: PCIe Bus Error: severity=Correctable, type=Physical Layer, (Receiver ID)"),
        dm(c, -3000, "nvidia 0000:db:00.0:   device [10de:2330] error status/mask=00000001/0000e000"),
        dm(c, -3000, "nvidia 0000:db:00.0:    [ 0] RxErr                  (First)"),
        dm(c, -2990, "pcieport 0000:d8:01.0: AER: Multiple Correctable error message received from 0000:db:00.0")])
    c.log("%s/dcgmi-diag" % h, ["$ dcgmi diag -r 3"] + dcgm_diag("3.3.9", "550.163.01", [
        ("Integration", "PCIe", "Fail - GPU: 7"),
        ("Integration", "Warning", "GPU 7 DCGM_FR_PCI_REPLAY_RATE: Detected 1841 PCIe replays per minute for GPU 7 : 1841 which exceeds threshold of 8"),
        ("Hardware", "GPU Memory", "Pass - All"), ("Stress", "Memory Bandwidth", "Pass - All")]))
    c.log("%s/nvidia-smi-q" % h, ["$ nvidia-smi -q -i 7 -d PCIE", "    PCI",
        "        GPU Link Info", "            PCIe Generation", "                Max                       : 5",
        "                Current                   : 5", "            Link Width",
        "                Max                       : 16x", "                Current                   : 8x",
        "        Replays Since Reset               : 98231", "        Replay Number Rollovers           : 0"])
    c.health_rates("gpu.health@%s/gpu7" % h, pcie_link_width=8, pcie_replay_count=98231, pcie_replay_per_s=31)


@case(9, "logs", "gpu_silent_data_corruption", "node-c0417/gpu4",
      "Megatron loss spike only on DP replica of rank 12; the trainer's per-replica param checksum flags rank 12 (node-c0417 gpu4) every check; no Xid, dcgmi diag passes; gpu.sdc probe: gpu4 disagrees", conf=True)
def c09(c):
    h = c.hosts
    lines = steps(c, -400, 10, loss_fn=lambda i: 2.31 + (4.2 if i == 7 else 0.0) + c.rng.uniform(-0.02, 0.02))
    lines += ["WARNING: grad norm spike 41.77 at iteration (x113 of EMA)",
              "[dp-check] iteration %d: param checksum mismatch: dp rank 1 (global rank 12, %s gpu 4) 0x6a1e44f0 vs 0x6a1e44d0 on 63 other replicas" % (20000, h[1]),
              "[dp-check] iteration %d: param checksum mismatch: dp rank 1 (global rank 12, %s gpu 4) 0x1b0c3e12 vs 0x1b0c3f12" % (20050, h[1]),
              "[dp-check] iteration %d: all 64 replicas agree except global rank 12" % 20100]
    c.log("%s/rank0/stdout" % h[0], lines)
    c.log("%s/journal" % h[1], knoise(c, h[1], 6) + [
        jl(c, -50, h[1], "root[88121]: xid check: no Xid since boot (uptime 21 days)")])
    c.log("%s/dcgmi-diag" % h[1], ["$ dcgmi diag -r 3"] + dcgm_diag("3.3.9", "550.127.05", [
        ("Integration", "PCIe", "Pass - All"), ("Hardware", "GPU Memory", "Pass - All"),
        ("Hardware", "Diagnostic", "Pass - All"), ("Stress", "Targeted Stress", "Pass - All")]))
    c.sdc("gpu.sdc@%s" % h[1], mismatched=412, bad_gpu="gpu4")
    c.with_topology()


@case(10, "logs", "ib_link_failure", "gpu-h200-b3-09/mlx5_3",
      "NCCL WARN 'Got completion from peer ... with status=12' (IBV_WC_RETRY_EXC_ERR) on hca mlx5_3 on gpu-h200-b3-09; ibstat mlx5_3 State: Down / Physical state: Polling; mlx5_core link down in dmesg on the same NIC")
def c10(c):
    h = c.hosts
    tr = steps(c, -300, 6)
    p = npre(c, h[2], 3, 40122)
    tr += ["%s transport/net_ib.cc:2342 NCCL WARN NET/IB : Got completion from peer 10.28.2.11<50133> with status=12 opcode=0 len=0 vendor err 129 (Send) localGid ::ffff:10.28.1.9 remoteGids::ffff:10.28.2.11 hca mlx5_3" % p,
           "%s NCCL INFO transport/net.cc:1298 -> 6" % p, "%s NCCL INFO proxy.cc:698 -> 6" % p,
           "%s NCCL INFO proxy.cc:878 -> 6 [Progress Thread]" % p]
    tr += nccl_err("ncclRemoteError", "2.23.4", "NET/IB : Got completion from peer 10.28.2.11<50133> with status=12 opcode=0 len=0 vendor err 129 (Send) localGid ::ffff:10.28.1.9 remoteGids::ffff:10.28.2.11 hca mlx5_3")
    c.log("%s/srun" % h[0], tr)
    c.log("%s/dmesg" % h[2], knoise(c, h[2], 4, fmt="dmesg") + [
        dm(c, -40, "mlx5_core 0000:4b:00.0 ibp75s0: Link DOWN"),
        dm(c, -40, "mlx5_core 0000:4b:00.0: mlx5_port_module_event:1164:(pid 0): Port module event[error]: module 0, Cable error, High Temperature"),
        dm(c, -38, "mlx5_core 0000:4b:00.0 ibp75s0: Link INIT"), dm(c, -31, "mlx5_core 0000:4b:00.0 ibp75s0: Link DOWN")])
    c.log("%s/ibstat" % h[2], ["$ ibstat mlx5_3", "CA 'mlx5_3'", "\tCA type: MT4129", "\tNumber of ports: 1",
        "\tFirmware version: 28.41.1000", "\tHardware version: 0", "\tNode GUID: 0xa088c20300e1b4d2",
        "\tPort 1:", "\t\tState: Down", "\t\tPhysical state: Polling", "\t\tRate: 10", "\t\tBase lid: 65535",
        "\t\tLMC: 0", "\t\tSM lid: 1", "\t\tCapability mask: 0xa751e848", "\t\tLink layer: InfiniBand"])
    c.with_topology()


@case(11, "logs", "rank_process_crash", "node-117/gpu5",
      "the first line in time is rank 13's 'Fatal Python error: Segmentation fault' (slurmstepd local +01:00) on node-117 gpu5; the IBV_WC_WR_FLUSH_ERR (status=5) flood and ncclRemoteError on every other rank come after; torchrun: exitcode -11 (SIGSEGV) for local_rank 5", conf=True)
def c11(c):
    h = c.hosts
    tr = []
    for r in range(16):
        if r == 13:
            continue
        hh = h[r // 8]
        p = npre(c, hh, r % 8, 30000 + r)
        tr.append("%s transport/net_ib.cc:2342 NCCL WARN NET/IB : Got completion from peer 10.9.1.17<4409%d> with status=5 opcode=%d len=0 vendor err 244 (Recv) localGid ::ffff:10.9.1.%d remoteGids::ffff:10.9.1.17 hca mlx5_%d" % (p, r % 10, r % 2, 10 + r // 8, r % 8))
    for r in (0, 7, 8):
        tr += ["[rank%d]:" % r + nccl_err("ncclRemoteError", "2.22.3", "NET/IB : Got completion from peer 10.9.1.17<44091> with status=5 opcode=0 len=0 vendor err 244 (Recv)")[0]]
    tr += ["srun: error: %s: task 13: Exited with exit code 1" % h[1]]
    c.log("%s/srun" % h[0], tr)
    r13 = ["Fatal Python error: Segmentation fault", "",
           "Thread 0x00007f3a1d7fe640 (most recent call first):",
           '  File "/usr/lib/python3.10/threading.py", line 324 in wait',
           "Current thread 0x00007f3c2a1b5740 (most recent call first):",
           '  File "/workspace/ext/fused_rope/__init__.py", line 88 in apply_rotary',
           '  File "/workspace/model/attn.py", line 211 in forward',
           "Extension modules: numpy.core._multiarray_umath, torch._C, fused_rope_cuda (total: 61)"]
    c.log("%s/rank13/stderr" % h[1], r13)
    c.log("%s/slurmd" % h[1], ["%s [5120311.0] task 5 (pid 77210) exited. Killed by signal 11." % slurm(c, -0.4, 1),
                               "%s [5120311.0] done with step" % slurm(c, 20, 1)])
    c.log("%s/torchrun" % h[1], casekit.elastic_failure(c, -0.3, h[1], 13, 5, -11, sig="SIGSEGV"))
    c.log("%s/dmesg" % h[1], [dmt(c, -0.5, "python3[77210]: segfault at 18 ip 00007f3bf21c4a10 sp 00007ffd2a3b1e80 error 4 in fused_rope_cuda.cpython-310-x86_64-linux-gnu.so[7f3bf21a0000+40000] likely on CPU 52 (core 20, socket 1)", 1)])
    c.with_topology()


@case(12, "logs", "nccl_network_misconfig", "job",
      "ncclInternalError with 'Bootstrap : no socket interface found' on every rank at init; NCCL_SOCKET_IFNAME=eth0 in the job env while the nodes' interfaces are bond0/ibp*; no step ever ran")
def c12(c):
    h = c.hosts
    tr = ["+ export NCCL_SOCKET_IFNAME=eth0", "+ export NCCL_IB_HCA=mlx5", "+ srun --mpi=pmix torchrun --nnodes 4 --nproc-per-node 8 train.py"]
    for r in (0, 8, 16, 24):
        hh = h[r // 8]
        p = npre(c, hh, 0, 20000 + r)
        tr += ["%s NCCL INFO NCCL_SOCKET_IFNAME set by environment to eth0" % p,
               "%s misc/socket.cc:484 NCCL WARN Bootstrap : no socket interface found" % p,
               "%s NCCL INFO bootstrap.cc:90 -> 3" % p]
    tr += ["[rank0]:" + x for x in nccl_err("ncclInternalError", "2.24.3+cuda12.6", "Bootstrap : no socket interface found", "ProcessGroupNCCL.cpp:2051")]
    tr += ["srun: error: %s: tasks 0-7: Exited with exit code 1" % hh for hh in h]
    c.log("%s/srun" % h[0], tr)
    c.log("%s/ip-link" % h[0], ["$ ip -br link", "lo               UNKNOWN        00:00:00:00:00:00 <LOOPBACK,UP,LOWER_UP>",
        "eno8303          DOWN           b0:7b:25:d1:4a:10 <NO-CARRIER,BROADCAST,MULTICAST,UP>",
        "bond0            UP             b0:7b:25:d1:4a:12 <BROADCAST,MULTICAST,MASTER,UP,LOWER_UP>",
        "ibp24s0          UP             00:00:10:29:fe:80:00:00:00:00:00:00:a0:88:c2:03:00:2e:11:a4 <BROADCAST,MULTICAST,UP,LOWER_UP>",
        "ibp75s0          UP             00:00:10:29:fe:80:00:00:00:00:00:00:a0:88:c2:03:00:2e:11:b8 <BROADCAST,MULTICAST,UP,LOWER_UP>"])
    c.with_topology()


@case(13, "logs", "nccl_network_misconfig", "job",
      "NCCL_IB_HCA=mlx5_0,...,mlx5_7 but ibv_devinfo lists mlx5_ib0..7 (renamed devices after the DOCA upgrade): 'NET/IB : No device found' then 'Using network Socket' on every rank; all-reduce busbw 2.9 GB/s looks like a slow IB fabric", conf=True)
def c13(c):
    h = c.hosts
    tr = []
    for r in (0, 8):
        p = npre(c, h[r // 8], 0, 61000 + r)
        tr += ["%s NCCL INFO NCCL_IB_HCA set to mlx5_0,mlx5_1,mlx5_2,mlx5_3,mlx5_4,mlx5_5,mlx5_6,mlx5_7" % p,
               "%s NCCL INFO NET/IB : No device found." % p,
               "%s NCCL INFO NET/Socket : Using [0]bond0:10.30.%d.4<0>" % (p, r),
               "%s NCCL INFO Using network Socket" % p]
    tr += casekit.plain_steps(c, -500, 12, 10, step_fn=lambda i: 7.9)
    tr += ["WARNING: step time 7.9 s, expected ~1.1 s from the 2-node baseline; check the fabric"]
    c.log("%s/srun" % h[0], tr)
    c.log("%s/ibv_devinfo" % h[0], ["$ ibv_devinfo -l", "8 HCAs found:"] + ["\tmlx5_ib%d" % i for i in range(8)] +
          ["$ ibstat mlx5_ib3 | grep -E 'State|Rate'", "\t\tState: Active", "\t\tPhysical state: LinkUp", "\t\tRate: 400"])
    c.log("ops/nccl-tests", ["$ all_reduce_perf -b 1G -e 1G -g 1 (16 ranks, job env)",
        "#       size         count      type   redop    root     time   algbw   busbw #wrong",
        "  1073741824     268435456     float     sum      -1   692101    1.55    2.91      0",
        "$ NCCL_IB_HCA=mlx5_ib all_reduce_perf -b 1G -e 1G -g 1 (16 ranks)",
        "  1073741824     268435456     float     sum      -1    11980   89.63  168.04      0"])
    c.with_topology()


@case(14, "logs", "nccl_collective_hang", "trn-h100x-07/gpu2",
      "TORCH_NCCL_DESYNC_DEBUG report: rank 58 (trn-h100x-07 gpu2) never joined ALLREDUCE SeqNum=40012 while 63 ranks did; py-spy shows rank 58 in a rank-conditional eval barrier; every other rank's watchdog timeout is the consequence")
def c14(c):
    h = c.hosts
    tr = steps(c, -900, 5)
    for r in (0, 13, 31, 63):
        tr += casekit.watchdog(c, r, 0 + r / 100, 40012, "ALLREDUCE", 16777216)[:1]
    tr += ["[rank0]:[%s ProcessGroupNCCL.cpp:1323] [PG 0 (default_pg) Rank 0] Timeout at NCCL work: 40012, last enqueued NCCL work: 40012, last completed NCCL work: 40011." % c.glog(1, "E"),
           "[rank0]:[%s ProcessGroupNCCL.cpp:1420] Desync debugging report:" % c.glog(1.1, "E"),
           "Collective ALLREDUCE(SeqNum=40012) is not joined by Rank 58 (%s) : ranks 0-57,59-63 have entered it" % h[7],
           "Rank 58 last entered collective BROADCAST(SeqNum=40011) and completed it"]
    c.log("%s/srun" % h[0], tr)
    c.log("%s/py-spy" % h[7], ["$ py-spy dump --pid 91022  # rank 58", "Thread 91022 (idle): \"MainThread\"",
        "    wait (threading.py:320)", "    barrier (evaluator.py:77)",
        "    maybe_run_eval (train.py:512)", "        rank: 58", "    train (train.py:640)"])
    c.with_topology()


@case(15, "logs", "cuda_oom", "gpu-h200-a1-03/gpu2",
      "torch.OutOfMemoryError on rank 2: 'Process 41122 has 38.20 GiB memory in use' (a leftover process from the previous job on gpu2); nvidia-smi shows pid 41122 of another user on GPU 2; the other ranks' watchdog timeouts follow")
def c15(c):
    h = c.hosts
    tr = steps(c, -60, 3)
    tr += ["[rank2]: Traceback (most recent call last):",
           '[rank2]:   File "/app/train.py", line 301, in <module>',
           "[rank2]: torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 3.91 GiB. GPU 2 has a total capacity of 139.81 GiB of which 1.12 GiB is free. Process 41122 has 38.20 GiB memory in use. Including non-PyTorch memory, this process has 100.41 GiB memory in use. Of the allocated memory 96.20 GiB is allocated by PyTorch, and 2.31 GiB is reserved by PyTorch but unallocated. If reserved but unallocated memory is large try setting PYTORCH_CUDA_ALLOC_CONF=expandable_segments:True to avoid fragmentation.  See documentation for Memory Management  (https://pytorch.org/docs/stable/notes/cuda.html#environment-variables)"]
    for r in (0, 5, 9):
        tr += casekit.watchdog(c, r, 600 + r / 10, 211, "ALLGATHER", 8388608)[:1]
    c.log("%s/srun" % h[0], tr)
    c.log("%s/nvidia-smi" % h[0], ["$ nvidia-smi --query-compute-apps=gpu_bus_id,pid,process_name,used_memory --format=csv",
        "gpu_bus_id, pid, process_name, used_memory"] +
        ["00000000:%s:00.0, %d, /usr/bin/python3, 101422 MiB" % (c.pci[g].upper(), 52000 + g) for g in range(8)] +
        ["00000000:%s:00.0, 41122, /home/asmith/venv/bin/python, 39116 MiB" % c.pci[2].upper(),
         "$ ps -o user,pid,etime,cmd -p 41122", "USER       PID     ELAPSED CMD",
         "asmith   41122  2-03:14:55 python eval_sweep.py --ckpt /ckpt/run7 --device cuda:2"])
    c.with_topology()


@case(16, "logs", "cuda_oom", "job",
      "the NCCL-coded error 'ncclUnhandledCudaError ... Cuda failure 'out of memory'' comes from creating a new 64-rank subgroup after the job raised micro-batch to 4 (MaxMemAllocated 137 GiB of 139.8 on every rank); the NCCL WARN is the allocation, not the network", conf=True)
def c16(c):
    h = c.hosts
    tr = ["[config] micro_batch_size 2 -> 4 (resumed from iter 6000 with --override)"]
    tr += casekit.deepspeed_steps(c, -300, 6, 6001, mem=(121.4, 137.2))
    for r in (0, 17, 41):
        p = npre(c, h[r // 8], r % 8, 12000 + r)
        tr += ["%s include/alloc.h:183 NCCL WARN Cuda failure 2 'out of memory'" % p,
               "%s NCCL INFO channel.cc:41 -> 1" % p, "%s NCCL INFO init.cc:1412 -> 1" % p]
    tr += ["[rank0]:" + x for x in nccl_err("ncclUnhandledCudaError", "2.21.5", "Cuda failure 2 'out of memory'", "NCCLUtils.hpp:275")]
    tr += ['[rank0]:   File "/workspace/deepspeed/runtime/pipe/engine.py", line 412, in _exec_reduce_grads',
           "[rank0]:     dist.new_group(ranks=dp_ranks)"]
    c.log("%s/srun" % h[0], tr)
    c.log("ops/notes", ["dcgmi health -c: Healthy on all 8 nodes", "ibstat: all ports Active/LinkUp 400 Gb/s", "no Xid on any node since boot"] + casekit.app_noise(c, 2))
    c.with_topology()


@case(17, "logs", "illegal_memory_access", "job",
      "Xid 13 'Graphics SM Warp Exception ... Out Of Range Address' and Xid 43 on all 16 GPUs of both nodes in the same second, pid = the trainer; RuntimeError 'CUDA error: an illegal memory access was encountered' in a new custom kernel (flash_attn varlen with seqlen 131072) on every rank; dcgmi diag passes", conf=True)
def c17(c):
    h = c.hosts
    tr = ["[config] max_seq_len 65536 -> 131072 (long-context stage 2)"] + steps(c, -200, 4)
    for r in (0, 6, 11):
        tr += ["[rank%d]: RuntimeError: CUDA error: an illegal memory access was encountered" % r] + ["[rank%d]: %s" % (r, x) for x in CUDA_TAIL[:1]]
    tr += ['[rank0]:   File "/usr/local/lib/python3.11/dist-packages/flash_attn/flash_attn_interface.py", line 165, in _flash_attn_varlen_forward']
    c.log("%s/srun" % h[0], tr)
    for hh in h:
        lines = [jl(c, 0.1, hh, "kernel: " + xid(c, g, 13, "Graphics SM Warp Exception on (GPC 3, TPC 2, SM 1): Out Of Range Address", 71000 + g, "python3", pci=(hh == h[0])), -5) for g in range(8)]
        lines += [jl(c, 0.2, hh, "kernel: " + xid(c, g, 43, "Ch 00000008", 71000 + g, "python3"), -5) for g in (0, 1)]
        c.log("%s/journal" % hh, lines)
    c.log("%s/dcgmi-diag" % h[1], ["$ dcgmi diag -r 3"] + dcgm_diag("3.3.9", "550.127.05", [
        ("Integration", "PCIe", "Pass - All"), ("Hardware", "GPU Memory", "Pass - All"), ("Stress", "Targeted Stress", "Pass - All")]))
    c.with_topology()


@case(18, "alert", "ib_link_failure", "ib-node-r12-05/mlx5_4",
      "alert node_infiniband_state_id != 4 for mlx5_4 (port 1 state 1 = DOWN) on ib-node-r12-05; the job's NCCL WARN status=12 (IBV_WC_RETRY_EXC_ERR) names hca mlx5_4 of that node; perfquery shows LinkDownedCounter and SymbolErrorCounter rising")
def c18(c):
    h = c.hosts
    n = h[3]
    c.alert("InfinibandPortDown", "InfiniBand port mlx5_4/1 on %s is not ACTIVE" % n, 0, instance="%s:9100" % n,
            device="mlx5_4", port="1", job="node-exporter", severity="critical")
    c.node_metric("node_infiniband_state_id", {"instance": "%s:9100" % n, "device": "mlx5_4", "port": "1"},
                  lambda s: 1 if s > -120 else 4, 0)
    c.node_metric("node_infiniband_link_downed_total", {"instance": "%s:9100" % n, "device": "mlx5_4", "port": "1"},
                  lambda s: 3 if s > -120 else (1 if s > -600 else 0), 0)
    p = npre(c, n, 4, 81211)
    c.log("%s/rank28/stderr" % n, ["%s transport/net_ib.cc:2342 NCCL WARN NET/IB : Got completion from peer 10.70.4.12<46113> with status=12 opcode=0 len=0 vendor err 129 (Send) localGid ::ffff:10.70.3.5 remoteGids::ffff:10.70.4.12 hca mlx5_4" % p,
        "%s NCCL INFO transport/net.cc:1298 -> 6" % p] + nccl_err("ncclRemoteError", "2.25.1", "NET/IB : Got completion from peer 10.70.4.12<46113> with status=12 opcode=0 len=0 vendor err 129 (Send)"))
    c.log("%s/perfquery" % n, ["$ perfquery -x -C mlx5_4 -P 1", "# Port extended counters: Lid 211 port 1 (CapMask: 0x5A00)",
        "PortXmitData:....................2218838112884", "PortRcvData:.....................2218829911302",
        "$ perfquery -C mlx5_4 -P 1", "# Port counters: Lid 211 port 1 (CapMask: 0x5A00)",
        "SymbolErrorCounter:..............65535", "LinkErrorRecoveryCounter:........212", "LinkDownedCounter:...............3",
        "PortRcvErrors:...................1441", "LocalLinkIntegrityErrors:........9"])
    c.log("%s/journal" % n, knoise(c, n, 6))
    c.with_topology()


@case(19, "logs", "host_oom", "cpu-h100-09",
      "dmesg (seconds since boot, converted: 2 s before the first ncclRemoteError) on cpu-h100-09: 'Out of memory: Killed process 88231 (python3) ... anon-rss:402117220kB' - rank 27 killed by the kernel OOM killer; ncclRemoteError on every rank but 27 and torchrun exitcode -9", conf=True)
def c19(c):
    h = c.hosts
    tr = steps(c, -300, 5)
    for r in (0, 5, 12, 19, 31):
        tr += ["[rank%d]:" % r + nccl_err("ncclRemoteError", "2.21.5", "")[0],
               "[rank%d]: ncclRemoteError: A call failed possibly due to a network error or a remote process exiting prematurely." % r]
    c.log("%s/srun" % h[0], tr + casekit.elastic_failure(c, 1, h[3], 27, 3, -9, sig="SIGKILL"))
    c.log("%s/dmesg" % h[3], knoise(c, h[3], 3, fmt="dmesg") + [
        dm(c, -2.2, "python3 invoked oom-killer: gfp_mask=0x140cca(GFP_HIGHUSER_MOVABLE|__GFP_COMP), order=0, oom_score_adj=0"),
        dm(c, -2.2, "Mem-Info:"),
        dm(c, -2.1, "oom-kill:constraint=CONSTRAINT_NONE,nodemask=(null),cpuset=/,mems_allowed=0-1,global_oom,task_memcg=/system.slice/slurmstepd.scope/job_7712044,task=python3,pid=88231,uid=1001"),
        dm(c, -2.1, "Out of memory: Killed process 88231 (python3) total-vm:612234112kB, anon-rss:402117220kB, file-rss:102400kB, shmem-rss:8192kB, UID:1001 pgtables:801224kB oom_score_adj:0"),
        dm(c, -1.9, "oom_reaper: reaped process 88231 (python3), now anon-rss:0kB, file-rss:0kB, shmem-rss:8192kB")])
    c.log("%s/sacct" % h[0], ["$ sacct -j 7712044 --format=JobID,State,ExitCode,MaxRSS,NodeList",
        "JobID           State ExitCode     MaxRSS        NodeList", "7712044        FAILED      1:0            cpu-h100-[06-09]",
        "7712044.0  OUT_OF_ME+    0:125  402117220K cpu-h100-[06-09]"])
    c.with_topology()


@case(20, "logs", "loss_divergence", "job",
      "bf16 Megatron run: lm loss 2.1 -> 7.9 -> nan and grad norm 1e+05 -> nan within 4 iterations after LR warmup ended at a 3x higher peak; 'number of nan iterations' rises on all ranks; no loss scaling (bf16), no FP8, no Xid")
def c20(c):
    h = c.hosts
    L = [2.10, 2.12, 2.09, 2.11, 2.35, 3.9, 7.9, float("nan"), float("nan"), float("nan")]
    G = [0.4, 0.41, 0.39, 0.5, 3.2, 210.0, 1.1e5, float("nan"), float("nan"), float("nan")]
    tr = ["[config] lr 1.0e-4 -> 3.0e-4, lr_warmup_iters 2000 (ends at iteration 12000)", "[config] bf16=True fp16=False fp8=None"]
    tr += steps(c, -120, 10, loss_fn=lambda i: L[i], grad_fn=lambda i: G[i], nan_fn=lambda i: max(0, i - 6))
    tr += ["WARNING:megatron.core.optimizer: found NaN in grad norm on all DP ranks (64 of 64)"] + casekit.app_noise(c, 6)
    c.log("%s/rank0/stdout" % h[0], tr)
    c.log("%s/journal" % h[0], knoise(c, h[0], 5))


@case(21, "logs", "fp16_loss_scale_collapse", "job",
      "DeepSpeed fp16: 'OVERFLOW! Rank 0 Skipping step. Attempted loss scale: 2, reducing to 1' repeated, then 'Current loss scale already at minimum - cannot decrease scale anymore. Exiting run.'; skipped climbs every step on all ranks")
def c21(c):
    h = c.hosts
    tr = casekit.deepspeed_steps(c, -200, 6, 31000, skipped0=12)
    sc = 4096.0
    t = -150.0
    for i in range(12):
        t += 2.3
        tr.append("[%s] [INFO] [loss_scaler.py:183:update_scale] [deepspeed] OVERFLOW! Rank 0 Skipping step. Attempted loss scale: %d, reducing to %d" % (c.ymd_ms(t), int(sc), max(1, int(sc / 2))))
        sc = max(1, sc / 2)
    tr.append("[%s] [INFO] [logging.py:96:log_dist] [Rank 0] step=31018, skipped=30, lr=[1.2e-04, 1.2e-04]" % c.ymd_ms(t + 1))
    tr.append("Exception: Current loss scale already at minimum - cannot decrease scale anymore. Exiting run.")
    c.log("%s/rank0/stdout" % h[0], tr)


@case(22, "alert", "fp8_scaling_overflow", "job",
      "the alert names a NaN loss, but Transformer Engine's debug lines show amax_history inf and scale 0 for fc2 fp8 tensors three iterations before; the same run in bf16 (fp8 off) is stable; no fp16 loss scaler", conf=True)
def c22(c):
    h = c.hosts
    c.alert("TrainingLossNaN", "job llama-405b-fp8: training loss is NaN", 0, job="llama-405b-fp8", severity="critical")
    c.node_metric("training_loss", {"job": "llama-405b-fp8"}, lambda s: 1.84 if s < -60 else 1e9, 3)
    tr = steps(c, -120, 6, loss_fn=lambda i: 1.84 if i < 4 else float("nan"), grad_fn=lambda i: 0.3 if i < 4 else float("nan"))
    tr += ["[TE] recipe: DelayedScaling(margin=0, fp8_format=HYBRID, amax_history_len=1024, amax_compute_algo=max)",
           "[TE DEBUG] layer 61 mlp.fc2 fp8 fwd: amax_history max=inf, scale=0.000000e+00, scale_inv=inf",
           "[TE DEBUG] layer 61 mlp.fc2 fp8 bwd grad_output: amax=inf (E5M2 saturated 3.1% of elements)",
           "[TE DEBUG] layer 62 mlp.fc2 fp8 fwd: amax_history max=inf, scale=0.000000e+00, scale_inv=inf",
           "note: rerun from iter checkpoint with --fp8 none: iterations 1-200 finite, loss matches up to 1e-3"]
    c.log("%s/rank0/stdout" % h[0], tr + casekit.app_noise(c, 4))
    c.log("%s/journal" % h[3], knoise(c, h[3], 6))


@case(23, "logs", "moe_expert_imbalance", "job",
      "Megatron-Core MoE router: expert 3 gets 61% of tokens, 'dropped tokens' 38%, aux loss rising; all-to-all time triples while allreduce busbw is normal; NCCL shows no WARN")
def c23(c):
    h = c.hosts
    tr = steps(c, -400, 8, step_fn=lambda i: 4.1 * (1 + 0.25 * i))
    for i, frac in enumerate((0.31, 0.44, 0.52, 0.61)):
        tr.append(" [moe] iteration %d | layer 11 tokens per expert: e0 %.2f e1 0.04 e2 0.03 e3 %.2f e4 0.05 e5 0.04 e6 0.03 e7 0.02 | dropped 0.%02d | load_balancing_loss %.3f" % (
            20000 + i * 10, 0.2 - i * 0.04, frac, 12 + i * 9, 0.011 * (i + 1) ** 2))
    tr += ["[timers] all-to-all-dispatch 812.3 ms (was 240.1 ms) | grads-all-reduce 102.4 ms (unchanged)",
           "[config] moe_router_load_balancing_type=none (was aux_loss) moe_aux_loss_coeff=0.0"] + casekit.app_noise(c, 5)
    c.log("%s/rank0/stdout" % h[0], tr)
    c.log("ops/nccl-tests", ["all_reduce_perf 16 ranks: busbw 171.2 GB/s (baseline 168)", "alltoall_perf 16 ranks 128M: busbw 44.9 GB/s (baseline 45)"])


@case(24, "alert", "straggler_rank", "gpu-b200-p2-14/gpu6",
      "alert on step time; per-rank forward-backward timing has rank 22 (gpu-b200-p2-14 gpu6) 1.5x slower every step; its GPU is healthy (clocks max, no event reasons, gemm passes) but its process is pinned to the other socket (numactl shows CPU 0-55 for a GPU on NUMA 1) after a launcher change")
def c24(c):
    h = c.hosts
    c.alert("TrainingStepTimeHigh", "job b200-pretrain step time 1.43s > 1.2s for 10m", 0, job="b200-pretrain", severity="warning")
    c.node_metric("training_step_seconds", {"job": "b200-pretrain"}, lambda s: 1.43 + c.rng.uniform(-0.02, 0.02), 3)
    c.log("%s/rank0/stdout" % h[0], casekit.plain_steps(c, -400, 8, 800, step_fn=lambda i: 1.43) +
          ["[timing] fwd+bwd per rank (ms): median 902, max 1388 (rank 22), min 881 (rank 3)",
           "[timing] rank 22 slowest for 412 of last 412 steps; data wait 3 ms on all ranks"])
    c.log("%s/numactl" % h[2], ["$ cat /proc/%d/status | grep Cpus_allowed_list  # rank 22, local 6" % 71222,
        "Cpus_allowed_list:\t0-55", "$ nvidia-smi topo -m | grep GPU6",
        "GPU6\t SYS\t SYS\t SYS\t SYS\t NV18\t NV18\t X \tNV18\tNODE\t56-111\t1\t\tN/A",
        "$ grep cpu-bind /var/log/slurm/launch.log | tail -1", "launcher: --cpu-bind=none (was map_ldom:0,0,0,0,1,1,1,1)"])
    c.health_rates("gpu.health@%s/gpu6" % h[2])
    c.gemm("gpu.gemm@%s/gpu6" % h[2])
    c.log("%s/journal" % h[2], knoise(c, h[2], 6))
    c.with_topology()


@case(25, "alert", "dataloader_stall", "job",
      "alert DCGM_FI_DEV_GPU_UTIL < 30 on all 32 GPUs; trainer 'data_time' 3.8 s of 4.3 s step; DataLoader num_workers=1 after a config change, dataloader workers 100% CPU; no NCCL WARN, no Xid, storage latency normal")
def c25(c):
    h = c.hosts
    c.alert("GPUUtilizationLow", "GPU utilization below 30% on all GPUs of job vit-22b for 15m", 0, job="vit-22b", severity="warning")
    for hh in h[:2]:
        dcgm_metric(c, "DCGM_FI_DEV_GPU_UTIL", hh, 14, 6, decimals=0)
    tr = ["[config] data.num_workers 12 -> 1 (reduce host RAM per rank)"]
    t = -500
    for i in range(10):
        t += 4.3
        tr.append("%s | INFO | train | step %d | loss %.4f | step_time 4.31s | data_time 3.82s | fwd_bwd 0.47s" % (c.ymd(t), 5100 + i, 2.7 - 0.001 * i))
    c.log("%s/rank0/stdout" % h[0], tr)
    c.log("%s/top" % h[0], ["$ top -b -n1 | head -12", "top - load average: 8.02, 8.10, 7.95",
        "    PID USER      PR  NI    VIRT    RES    SHR S  %CPU  %MEM     TIME+ COMMAND"] +
        ["%7d train     20   0   48.1g  12.3g  1.2g R 100.0   1.2 %d:41.22 pt_data_worker" % (60100 + i, 40 + i) for i in range(8)] +
        ["$ iostat -x 1 1 | grep nvme0n1", "nvme0n1   412.0  52031.0   0.0   0.00  0.21 126.3   0.0   0.0   0.00   0.00  0.10  8.1"])


@case(26, "logs", "storage_failure", "ckpt-h100-03",
      "rank 0 checkpoint save: 'OSError: [Errno 30] Read-only file system' on /local_nvme; dmesg: 'EXT4-fs error (device nvme0n1p1)' then 'Remounting filesystem read-only' on ckpt-h100-03; the other ranks' watchdog timeouts are the barrier after the save")
def c26(c):
    h = c.hosts
    tr = steps(c, -300, 8) + ["saving checkpoint at iteration 22000 to /local_nvme/ckpt/iter_0022000"]
    tr += ["[rank0]: Traceback (most recent call last):", '[rank0]:   File "/workspace/megatron/training/checkpointing.py", line 402, in save_checkpoint',
           "[rank0]: OSError: [Errno 30] Read-only file system: '/local_nvme/ckpt/iter_0022000/__0_0.distcp'"]
    for r in (9, 17):
        tr += casekit.watchdog(c, r, 600 + r / 10, 90211, "ALLREDUCE", 1)[:1]
    c.log("%s/srun" % h[0], tr)
    c.log("%s/dmesg" % h[0], knoise(c, h[0], 3, fmt="dmesg") + [
        dm(c, -900, "nvme nvme0: I/O tag 412 (a19c) opcode 0x1 (I/O Cmd) QID 17 timeout, aborting req_op:WRITE(1) size:131072"),
        dm(c, -890, "nvme0n1: I/O Cmd(0x1) @ LBA 1887436800, 256 blocks, I/O Error (sct 0x2 / sc 0x81) MORE DNR"),
        dm(c, -890, "critical medium error, dev nvme0n1, sector 1887436800 op 0x1:(WRITE) flags 0x8800 phys_seg 16 prio class 2"),
        dm(c, -889, "EXT4-fs error (device nvme0n1p1): ext4_journal_check_start:83: comm python3: Detected aborted journal"),
        dm(c, -889, "EXT4-fs (nvme0n1p1): Remounting filesystem read-only")])
    c.with_topology()


@case(27, "logs", "launch_config_error", "job",
      "ncclInvalidUsage 'Duplicate GPU detected : rank 1 and rank 0 both on CUDA device 18000' on every node: the new launcher sets CUDA_VISIBLE_DEVICES=0 for every task while torchrun uses LOCAL_RANK; no hardware code anywhere")
def c27(c):
    h = c.hosts
    tr = ["+ export CUDA_VISIBLE_DEVICES=$SLURM_LOCALID  # srun --gpus-per-task=1 wrapper v2",
          "+ torchrun --nnodes 2 --nproc-per-node 8 --rdzv-backend c10d train.py"]
    for hh in h:
        p = npre(c, hh, 0, 33100)
        tr += ["%s NCCL INFO comm 0x55d1 rank 0 nranks 16 cudaDev 0 busId 18000 - Init START" % p,
               "%s NCCL INFO comm 0x55d2 rank 1 nranks 16 cudaDev 0 busId 18000 - Init START" % p,
               "%s init.cc:996 NCCL WARN Duplicate GPU detected : rank 1 and rank 0 both on CUDA device 18000" % p,
               "%s NCCL INFO init.cc:1526 -> 5" % p]
    tr += ["[rank1]:" + x for x in nccl_err("ncclInvalidUsage", "2.21.5", "Duplicate GPU detected : rank 1 and rank 0 both on CUDA device 18000")]
    c.log("%s/srun" % h[0], tr)
    c.log("%s/env" % h[0], ["$ srun -N2 --ntasks-per-node=8 env | grep -E 'CUDA_VISIBLE|LOCAL_RANK' | sort | uniq -c",
                            "     16 CUDA_VISIBLE_DEVICES=0", "      2 LOCAL_RANK=0", "      2 LOCAL_RANK=1", "      2 LOCAL_RANK=7"] + casekit.app_noise(c, 4))
    c.with_topology()


@case(28, "alert", "gpu_fallen_off_bus", "gb200-nvl72-r3-c07/gpu1",
      "node-problem-detector condition GPUHealth=False with reason XidHardwareFailure 'Xid 79' for bus of gpu1 on a GB200 tray; nvidia-smi: 3 of 4 GPUs; the NPD event repeats the NVRM line")
def c28(c):
    h = c.hosts[0]
    c.alert("KubeNodeGPUProblem", "node %s condition GPUHealth is False (XidHardwareFailure)" % h, 0,
            node=h, condition="GPUHealth", reason="XidHardwareFailure", xid="79", severity="critical")
    c.log("%s/kubectl-describe-node" % h, ["$ kubectl describe node %s" % h, "Conditions:",
        "  Type              Status  LastHeartbeatTime                 LastTransitionTime                Reason                Message",
        "  GPUHealth         False   %s   %s   XidHardwareFailure    Xid 79 on 0000:%s:00.0: GPU has fallen off the bus." % (c.iso(-20), c.iso(-40), c.pci[1]),
        "  KernelDeadlock    False   %s   %s   KernelHasNoDeadlock   kernel has no deadlock" % (c.iso(-20), c.iso(-9000)),
        "  MemoryPressure    False   %s   %s   KubeletHasSufficientMemory   kubelet has sufficient memory available" % (c.iso(-20), c.iso(-9000)),
        "Allocatable:", "  nvidia.com/gpu:     3", "Capacity:", "  nvidia.com/gpu:     4", "Events:",
        "  Warning  XidHardwareFailure  40s  gpu-xid-monitor  NVRM: Xid (PCI:%s): 79, pid='<unknown>', name=<unknown>, GPU has fallen off the bus." % c.bus(1)])
    c.log("%s/nvidia-smi" % h, ["$ nvidia-smi -L", "GPU 0: NVIDIA GB200 (UUID: %s)" % c.uuid(h, 0),
        "Unable to determine the device handle for GPU1: 0000:%s:00.0: Unknown Error" % c.pci[1].upper(),
        "GPU 2: NVIDIA GB200 (UUID: %s)" % c.uuid(h, 2), "GPU 3: NVIDIA GB200 (UUID: %s)" % c.uuid(h, 3)] + knoise(c, h, 6))
    c.inventory("gpu.inventory@%s/gpu1" % h, count=3, expected=4)
    c.with_topology()


@case(29, "alert", "gpu_memory_uncorrectable_ecc", "h100-sxm-2207/gpu0",
      "the page is the promtail counter nccl_watchdog_timeouts_total on 63 ranks; h100-sxm-2207's kernel log has Xid 95 'Uncontained: FBHUB. RST: Yes' and Xid 154 'GPU Reset Required' for bus 18 (gpu0) 4 s before the first timeout's SeqNum started, and DBE volatile 1", conf=True)
def c29(c):
    h = c.hosts
    c.alert("NCCLWatchdogTimeouts", "job gpt-mx: 63 ranks logged NCCL watchdog timeouts in 5m", 0, job="gpt-mx", severity="critical")
    c.node_metric("nccl_watchdog_timeouts_total", {"job": "gpt-mx"}, lambda s: 63 if s > -30 else 0, 0)
    tr = steps(c, -900, 5)
    for r in (1, 9, 33, 62):
        tr += casekit.watchdog(c, r, 0 + r / 100, 71122)[:1]
    c.log("%s/srun" % h[0], tr)
    c.log("%s/journal" % h[5], knoise(c, h[5], 9) + [
        jl(c, -604, h[5], "kernel: " + xid(c, 0, 95, "Uncontained: FBHUB. RST: Yes, D-RST: No", None)),
        jl(c, -604, h[5], "kernel: " + xid(c, 0, 154, "GPU recovery action changed from 0x0 (None) to 0x1 (GPU Reset Required)", None)),
        jl(c, -603, h[5], "nv-hostengine[2241]: DCGM_FR_VOLATILE_DBE_DETECTED: Detected 1 volatile double-bit ECC error(s) in GPU 0.")])
    c.node_metric("DCGM_FI_DEV_ECC_DBE_VOL_TOTAL", {"Hostname": h[5], "gpu": "0", "UUID": c.uuid(h[5], 0)},
                  lambda s: 1 if s > -600 else 0, 0)
    c.with_topology()


@case(30, "alert", "storage_failure", "job",
      "alert SlurmNodeDrain reason 'Kill task failed' on 3 nodes; their journals show 'nfs: server vast-nfs01 not responding, still trying' and python3 'blocked for more than 122 seconds' in nfs_wait; the shared /datasets mount stalled, not the nodes", conf=True)
def c30(c):
    h = c.hosts
    c.alert("SlurmNodeDrained", "3 nodes drained: Kill task failed", 0, partition="h200", severity="warning",
            reason="Kill task failed")
    c.log("slurmctld", ["%s error: slurmd error running JobId=8812001 on node(s)=%s: Kill task failed" % (slurm(c, -200, 1), hh) for hh in h[1:4]] +
          ["%s update_node: node %s reason set to: Kill task failed" % (slurm(c, -199, 1), hh) for hh in h[1:4]] +
          ["$ sinfo -R", "REASON               USER      TIMESTAMP           NODELIST", "Kill task failed     root      %s %s" % (c.ymd(-199).replace(" ", "T"), ",".join(h[1:4]))])
    for hh in h[1:4]:
        c.log("%s/journal" % hh, [jl(c, -900, hh, "kernel: nfs: server vast-nfs01 not responding, still trying", 1),
            jl(c, -780, hh, "kernel: INFO: task python3:%d blocked for more than 122 seconds." % c.rng.randrange(10000, 90000), 1),
            jl(c, -780, hh, "kernel:       Tainted: P           OE      6.8.0-1015-nvidia #16-Ubuntu", 1),
            jl(c, -780, hh, "kernel: Call Trace:  nfs_wait_bit_killable+0x1f/0x80 [nfs] rpc_wait_bit_killable+0x22/0xb0 [sunrpc]", 1)])


# ------------------------------------------------------------------ main
HOSTS = {
    1: ["gpu-h100-r4-0%d" % i for i in (4, 5, 6, 7)], 2: ["dgx-h200-%02d" % i for i in range(7, 15)],
    3: ["hgx-b200-a2-19"], 4: ["a3-node-02%02d" % i for i in range(27, 35)], 5: ["dgx-h200-43", "dgx-h200-44"],
    6: ["xe9680-n022"], 7: ["gpu-sxm-b0%d" % i for i in range(2, 10)], 8: ["sm-h100-1132"],
    9: ["node-c0416", "node-c0417", "node-c0418", "node-c0419"], 10: ["gpu-h200-b3-07", "gpu-h200-b3-08", "gpu-h200-b3-09", "gpu-h200-b3-10"],
    11: ["node-116", "node-117"], 12: ["ml-a%02d" % i for i in (1, 2, 3, 4)], 13: ["dc2-h200-11", "dc2-h200-12"],
    14: ["trn-h100x-0%d" % i for i in range(8)], 15: ["gpu-h200-a1-03", "gpu-h200-a1-04"],
    16: ["ds-h100-%02d" % i for i in range(1, 9)], 17: ["lc-h200-01", "lc-h200-02"], 18: ["ib-node-r12-0%d" % i for i in (2, 3, 4, 5)],
    19: ["cpu-h100-0%d" % i for i in (6, 7, 8, 9)], 20: ["mg-h100-%02d" % i for i in range(1, 9)], 21: ["fp16-v-01", "fp16-v-02"],
    22: ["te-h100-%02d" % i for i in range(1, 17)], 23: ["moe-h200-01", "moe-h200-02"],
    24: ["gpu-b200-p2-12", "gpu-b200-p2-13", "gpu-b200-p2-14", "gpu-b200-p2-15"], 25: ["vit-h100-01", "vit-h100-02", "vit-h100-03", "vit-h100-04"],
    26: ["ckpt-h100-03", "ckpt-h100-04", "ckpt-h100-05"], 27: ["lx-h200-01", "lx-h200-02"], 28: ["gb200-nvl72-r3-c07"],
    29: ["h100-sxm-22%02d" % i for i in range(2, 10)], 30: ["h200-nfs-%02d" % i for i in range(1, 9)],
}
GPU = {3: B200, 24: B200, 1: "NVIDIA H100 80GB HBM3", 7: "NVIDIA H100 80GB HBM3", 8: "NVIDIA H100 80GB HBM3",
       19: "NVIDIA H100 80GB HBM3", 20: "NVIDIA H100 80GB HBM3", 22: "NVIDIA H100 80GB HBM3",
       25: "NVIDIA H100 80GB HBM3", 26: "NVIDIA H100 80GB HBM3", 29: "NVIDIA H100 80GB HBM3", 6: "NVIDIA H100 80GB HBM3",
       28: "NVIDIA GB200", 14: "NVIDIA H100 80GB HBM3"}
casekit.EXTRA_GPU_SPECS.setdefault("NVIDIA GB200", dict(gemm=1800.0, gemm_min=1500.0, hbm=7200.0, hbm_min=6200.0,
                                                        tdp=1200.0, clock=2062.0, mem_gib=186, pcie_gen=6, nvlinks=18))


def build():
    out = []
    for n, fn in CASES:
        ev, rc, comp, _, _ = META[n]
        c = Case("case-rl11-%02d" % n, rc, comp, HOSTS[n], gpu=GPU.get(n, "NVIDIA H200"),
                 gpus=4 if n == 28 else 8, pci=casekit.PCI_BUS_A[:4] if n == 28 else casekit.PCI_BUS_A)
        fn(c)
        assert (c.alert_obj is not None) == (ev == "alert"), n
        assert c.expected == {"root_cause": rc, "component": comp}, n
        out.append(c)
    return out


def table():
    rows = ["| case | first evidence | expected root cause | component | the decisive detail | C |",
            "|---|---|---|---|---|---|"]
    for n in sorted(META):
        ev, rc, comp, det, conf = META[n]
        rows.append("| rl11-%02d | %s | `%s` | `%s` | %s | %s |" % (n, ev, rc, comp, det, "C" if conf else ""))
    return "\n".join(rows)


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default=os.path.dirname(os.path.abspath(__file__)))
    ap.add_argument("--table", action="store_true", help="print the README table and exit")
    args = ap.parse_args(argv)
    if args.table:
        print(table())
        return 0
    n = casekit.write_cases(build(), args.out)
    print("wrote %d cases to %s" % (n, args.out))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
