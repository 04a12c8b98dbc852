#!/usr/bin/env python3
"""holdout3: diagnosis cases written after reasoner freeze 3 (commit df3cfdd, 2026-11-29 19:14 UTC).

Writes evals/diagnosis/holdout3/case-t001.json ... (or --out DIR). Stdlib only, deterministic.

Every case is one hand-written function below; its docstring says what happened and why the case is
hard. The author had not read the reasoner (agents/), the knowledge pack (data/knowledge/) or the
earlier case sets and their generators. Whoever changes the reasoner or the pack must not read this
file or the cases it writes: nothing may be tuned on them.

Content follows public facts (NVIDIA Xid catalog wording of recent and older drivers, NVML clock
event reasons and health fields, DCGM field names, NCCL WARN/INFO lines, ProcessGroupNCCL and
torchrun reports, CUDA error strings, Megatron-LM / DeepSpeed / FSDP / torchtitan / fairseq log
lines, kernel messages, Slurm and Kubernetes events). No case is a real incident; host names,
serial numbers, addresses and job names are invented.
"""

import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import casekit as ck  # noqa: E402

H200 = "NVIDIA H200"
H100 = "NVIDIA H100 80GB HBM3"
A100 = "NVIDIA A100-SXM4-80GB"
# casekit knows H200 and H100; A100 SXM4 80GB typical figures (bf16 cuBLAS ~280 of 312 peak TFLOP/s,
# HBM2e copy ~1.75 of 2.04 TB/s, 400 W, 1410 MHz max SM clock, 12 NVLink3 links, PCIe Gen4).
ck.GPU_SPECS.setdefault(A100, dict(gemm=282.0, gemm_min=240.0, hbm=1760.0, hbm_min=1550.0,
                                   tdp=400.0, clock=1410.0, mem_gib=80))

CASES = []


def case(fn):
    CASES.append(fn)
    return fn


def mk(cid, rc, comp, hosts, gpu=H200, gpus=8, pci=ck.PCI_BUS_A):
    c = ck.Case(cid, rc, comp, hosts, gpu=gpu, gpus=gpus, pci=pci)
    c.with_topology()
    return c


def is_a100(c):
    return c.gpu == A100


# ------------------------------------------------------------------------------------ metrics
def _normal(c, name):
    """(base, jitter, decimals, counter) of a healthy GPU under training load."""
    sp = c.spec
    return {
        "DCGM_FI_DEV_GPU_UTIL": (97, 3, 0, False),
        "DCGM_FI_DEV_GPU_TEMP": (57 if not is_a100(c) else 52, 9, 0, False),
        "DCGM_FI_DEV_MEMORY_TEMP": (61, 7, 0, False),
        "DCGM_FI_DEV_POWER_USAGE": (sp["tdp"] * 0.82, sp["tdp"] * 0.09, 1, False),
        "DCGM_FI_DEV_SM_CLOCK": (sp["clock"] - 110, 70, 0, False),
        "DCGM_FI_DEV_FB_USED": (sp["mem_gib"] * 1024 * 0.84, 1500, 0, False),
        "DCGM_FI_DEV_XID_ERRORS": (0, 0, 0, False),
        "DCGM_FI_DEV_ECC_DBE_VOL_TOTAL": (0, 0, 0, False),
        "DCGM_FI_DEV_ECC_SBE_VOL_TOTAL": (0, 0, 0, False),
        "DCGM_FI_DEV_PCIE_REPLAY_COUNTER": (c.rng.randrange(0, 6), 0, 0, False),
        "DCGM_FI_DEV_NVLINK_CRC_FLIT_ERROR_COUNT_TOTAL": (c.rng.randrange(200, 900), 40, 0, True),
        "DCGM_FI_DEV_CLOCK_THROTTLE_REASONS": (0, 0, 0, False),
        "DCGM_FI_DEV_CLOCKS_EVENT_REASONS": (0, 0, 0, False),
        "DCGM_FI_PROF_PIPE_TENSOR_ACTIVE": (0.41, 0.05, 3, False),
        "DCGM_FI_PROF_GR_ENGINE_ACTIVE": (0.93, 0.04, 3, False),
        "DCGM_FI_PROF_PCIE_RX_BYTES": (2.1e9, 4e8, 0, False),
        "DCGM_FI_PROF_NVLINK_TX_BYTES": (9.5e10, 8e9, 0, False),
        "DCGM_FI_DEV_POWER_MGMT_LIMIT": (sp["tdp"], 0, 0, False),
    }[name]


def dcgm(c, host, names, over=None, lost=None, gpus=None):
    """DCGM series for every GPU of `host` (or `gpus`). over: {metric: {gpu: fn(s, v)}};
    lost: {gpu: s} - that GPU's series stop at offset s (the exporter can no longer read it)."""
    over = over or {}
    lost = lost or {}
    for n in names:
        base, jit, dec, counter = _normal(c, n)
        o = dict(over.get(n, {}))
        for g, s_lost in lost.items():
            inner = o.get(g)
            o[g] = (lambda s, v, inner=inner, s_lost=s_lost:
                    None if s >= s_lost else (inner(s, v) if inner else v))
        c.gpu_metric(n, host, base, jitter=jit, over=o, decimals=dec, counter=counter, gpus=gpus)


def ramp(s0, s1, a, b):
    """fn(s, v) that keeps v before s0 and moves linearly from a to b between s0 and s1."""
    def f(s, v):
        if s < s0:
            return v
        x = min(1.0, (s - s0) / float(s1 - s0))
        return a + (b - a) * x
    return f


def after(s0, value_fn):
    """fn(s, v): v before s0, value_fn(s, v) from s0 on."""
    return lambda s, v: v if s < s0 else value_fn(s, v)


# ------------------------------------------------------------------------------------ probes
def health(c, key, **over):
    """gpu.health as vigil-probe reports it: cumulative counters plus NVLink/PCIe error rates over
    a 1 s window (judged on rates; healthy links tick a few CRC errors per second)."""
    a100 = is_a100(c)
    m = {"ecc_sbe_volatile": 0, "ecc_dbe_volatile": 0, "ecc_sbe_aggregate": c.rng.randrange(0, 3),
         "ecc_dbe_aggregate": 0, "retired_pages": 0, "remap_pending": 0, "remap_failure": 0,
         "remapped_rows_correctable": 0, "remapped_rows_uncorrectable": 0,
         "temperature_c": round(c.rng.uniform(44, 62)), "hbm_temperature_c": round(c.rng.uniform(46, 64)),
         "power_w": round(c.rng.uniform(0.6, 0.9) * c.spec["tdp"]),
         "power_limit_w": c.spec["tdp"], "power_limit_default_w": c.spec["tdp"],
         "sm_clock_mhz": c.spec["clock"] - c.rng.randrange(0, 120), "sm_clock_max_mhz": c.spec["clock"],
         "clock_event_reasons": c.rng.choice([0, 0, ck.CLK_SW_POWER_CAP]),
         "pcie_link_gen": 4 if a100 else 5, "pcie_link_gen_max": 4 if a100 else 5,
         "pcie_link_width": 16, "pcie_link_width_max": 16,
         "pcie_replay_count": c.rng.randrange(0, 5), "pcie_replay_per_s": 0,
         "nvlink_links_up": 12 if a100 else 18, "nvlink_links_total": 12 if a100 else 18,
         "nvlink_crc_errors": c.rng.randrange(150, 1200), "nvlink_crc_errors_per_s": round(c.rng.uniform(1, 12), 1),
         "nvlink_replay_errors": 0, "nvlink_replay_errors_per_s": 0,
         "nvlink_recovery_errors": 0, "nvlink_recovery_errors_per_s": 0,
         "xid_last": 0, "sample_window_s": 1.0}
    m.update(over)
    th = {"ecc_dbe_volatile_max": 0, "remap_pending_max": 0, "remap_failure_max": 0,
          "temperature_c_max": 87, "nvlink_crc_errors_per_s_max": 100, "nvlink_replay_errors_per_s_max": 100,
          "nvlink_recovery_errors_per_s_max": 0, "pcie_replay_per_s_max": 1,
          "power_limit_w_min": round(0.9 * m["power_limit_default_w"])}
    bad = []
    if m["ecc_dbe_volatile"] > 0:
        bad.append("%d volatile uncorrectable (DBE) ECC errors" % m["ecc_dbe_volatile"])
    if m["remap_failure"] > 0:
        bad.append("row remapping failure recorded")
    if m["remap_pending"] > 0:
        bad.append("row remap pending (GPU reset required)")
    if m["temperature_c"] > th["temperature_c_max"]:
        bad.append("temperature %d C above %d C" % (m["temperature_c"], th["temperature_c_max"]))
    slow = int(m["clock_event_reasons"]) & (ck.CLK_HW_SLOWDOWN | ck.CLK_SW_THERMAL | ck.CLK_HW_THERMAL |
                                            ck.CLK_HW_POWER_BRAKE)
    if slow:
        names = [n for b, n in ck._THROTTLE_BITS.items() if int(m["clock_event_reasons"]) & b]
        bad.append("clocks at %d of %d MHz, reasons: %s" % (m["sm_clock_mhz"], m["sm_clock_max_mhz"],
                                                          ", ".join(names)))
    if m["power_limit_w"] < th["power_limit_w_min"]:
        bad.append("power limit %d W below default %d W" % (m["power_limit_w"], m["power_limit_default_w"]))
    if m["pcie_link_width"] < m["pcie_link_width_max"] or m["pcie_link_gen"] < m["pcie_link_gen_max"]:
        bad.append("PCIe link Gen%d x%d, capable of Gen%d x%d" % (
            m["pcie_link_gen"], m["pcie_link_width"], m["pcie_link_gen_max"], m["pcie_link_width_max"]))
    if m["pcie_replay_per_s"] > th["pcie_replay_per_s_max"]:
        bad.append("PCIe replays %.0f/s" % m["pcie_replay_per_s"])
    if m["nvlink_links_up"] < m["nvlink_links_total"]:
        bad.append("%d of %d NVLink links inactive" % (m["nvlink_links_total"] - m["nvlink_links_up"],
                                                      m["nvlink_links_total"]))
    if (m["nvlink_crc_errors_per_s"] > th["nvlink_crc_errors_per_s_max"] or
            m["nvlink_replay_errors_per_s"] > th["nvlink_replay_errors_per_s_max"] or
            m["nvlink_recovery_errors_per_s"] > 0):
        bad.append("NVLink error rates CRC %.0f/s, replay %.0f/s, recovery %.0f/s" % (
            m["nvlink_crc_errors_per_s"], m["nvlink_replay_errors_per_s"], m["nvlink_recovery_errors_per_s"]))
    if int(m["xid_last"]) in ck._HW_XIDS:
        bad.append("Xid %d during the probe" % m["xid_last"])
    c.probes[key] = {"status": "fail" if bad else "pass", "metrics": m, "thresholds": th,
                     "reason": "; ".join(bad) if bad else "all checks passed",
                     "duration_s": round(c.rng.uniform(1.3, 2.4), 2)}


def pcie_probe(c, key, h2d=None, d2h=None):
    """gpu.pcie_bandwidth with the link generation's expectation (Gen4 x16 ~25 GB/s, Gen5 ~54)."""
    if not is_a100(c):
        return c.pcie(key, h2d, d2h)
    h = h2d if h2d is not None else c.rng.uniform(24.2, 25.6)
    d = d2h if d2h is not None else c.rng.uniform(24.0, 25.9)
    c._measured(key, {"h2d_gb_s": round(h, 1), "d2h_gb_s": round(d, 1)},
                {"h2d_gb_s_min": 21.0, "d2h_gb_s_min": 21.0}, "pinned host-device copy bandwidth",
                round(c.rng.uniform(2, 4), 1))


# ------------------------------------------------------------------------------------ log helpers
def xid(c, s, gpu, code, text, pid=None, name="python3", fmt="dmesg", host=None):
    """An NVRM Xid line; recent drivers print pid=..., name=...; fmt 'syslog' adds host and 'kernel:'."""
    pid = pid if pid is not None else c.rng.randrange(20000, 4000000)
    who = "pid='<unknown>', name=<unknown>" if pid == 0 else "pid=%d, name=%s" % (pid, name)
    body = "NVRM: Xid (PCI:%s): %d, %s, %s" % (c.bus(gpu), code, who, text)
    if fmt == "syslog":
        return "%s %s kernel: %s" % (c.syslog(s), host or c.hosts[0], body)
    return "%s %s" % (c.dmesg(s), body)


def slurm_prefix(rank, line):
    return "%d: %s" % (rank, line)


def nccl_timeout_short(c, rank, s, seq, op="ALLREDUCE", numel=262144000, timeout_ms=1800000):
    """Older torch (2.1/2.2) wording of a watchdog timeout."""
    return ["[E ProcessGroupNCCL.cpp:475] [Rank %d] Watchdog caught collective operation timeout: "
            "WorkNCCL(SeqNum=%d, OpType=%s, NumelIn=%d, NumelOut=%d, Timeout(ms)=%d) ran for %d milliseconds "
            "before timing out." % (rank, seq, op, numel, numel, timeout_ms, timeout_ms + c.rng.randrange(5, 90)),
            "[E ProcessGroupNCCL.cpp:489] Some NCCL operations have failed or timed out. Due to the asynchronous "
            "nature of CUDA kernels, subsequent GPU operations might run on corrupted/incomplete data.",
            "[E ProcessGroupNCCL.cpp:495] To avoid data inconsistency, we are taking the entire process down."]


def k8s_event(c, s, kind, reason, obj, msg):
    return "%s   %-7s  %-22s %-40s %s" % (c.iso(s), kind, reason, obj, msg)


def slurmctld(c, s, msg):
    return "[%s.%03d] %s" % (c.iso(s)[:-1], c.rng.randrange(1000), msg)


def ipmi_sel(c, s, n, what):
    return "%4x | %s | %s" % (n, c.at(s).strftime("%m/%d/%Y | %H:%M:%S"), what)


# ==================================================================================== cases
@case
def t001():
    """Xid 79 on one H100 of a 4-node Megatron job: every other rank logs the ProcessGroupNCCL watchdog
    timeout 10 minutes later; the lost GPU's rank prints nothing (stuck in the driver). The kernel log of
    one node and the DCGM series that stop name the GPU. The health probe cannot reach it."""
    hosts = ["h100-pool-b-029", "h100-pool-b-030", "h100-pool-b-031", "h100-pool-b-032"]
    bad, g = "h100-pool-b-031", 4
    c = mk("case-t001", "gpu_fallen_off_bus", "%s/gpu%d" % (bad, g), hosts, gpu=H100)
    c.alert("TrainingJobNoProgress", "job gpt-moe-52b (slurm 812345) made no progress for 10 minutes",
            job="gpt-moe-52b", cluster="pool-b", severity="page")
    tl = -650
    out = ck.megatron_iters(c, tl - 12 * 5.2, 12, 40211, step_s=5.2, loss=2.07, gbs=1536, lr=1.5e-4)
    out = [slurm_prefix(0, x) for x in out]
    out += ck.app_noise(c, 3)
    seq = 318877
    for i, r in enumerate((0, 3, 9, 15, 17, 22, 27, 29, 31)):
        out += [slurm_prefix(r, x) for x in ck.watchdog(c, r, tl + 600.2 + 0.4 * i, seq,
                                                        numel=50331648, timeout_ms=600000)[:3]]
    out += ["srun: error: h100-pool-b-029: tasks 0-7: Aborted (core dumped)",
            "srun: error: h100-pool-b-030: tasks 8-15: Aborted (core dumped)",
            "srun: error: h100-pool-b-031: tasks 16-19,21-23: Aborted (core dumped)",
            "srun: error: h100-pool-b-032: tasks 24-31: Aborted (core dumped)",
            "slurmstepd: error: *** STEP 812345.0 ON h100-pool-b-029 CANCELLED AT %s DUE TO TASK FAILURE ***"
            % c.iso(-5)[:-1]]
    c.log("slurm/gpt-moe-52b-812345.out", out)
    j = ck.kernel_noise(c, bad, 7)
    pid = c.rng.randrange(100000, 900000)
    j += [xid(c, tl, g, 79, "GPU has fallen off the bus.", pid=0, fmt="syslog", host=bad),
          "%s %s kernel: NVRM: GPU 0000:9a:00.0: GPU has fallen off the bus." % (c.syslog(tl), bad),
          "%s %s kernel: NVRM: GPU at PCI:0000:9a:00: %s" % (c.syslog(tl), bad, c.uuid(bad, g)),
          "%s %s kernel: NVRM: GPU Board Serial Number: 1654123018842" % (c.syslog(tl), bad),
          "%s %s kernel: NVRM: A GPU crash dump has been created. If possible, please run" % (c.syslog(tl + 1), bad),
          "%s %s kernel: NVRM: nvidia-bug-report.sh as root to collect this data before" % (c.syslog(tl + 1), bad),
          "%s %s kernel: NVRM: the NVIDIA kernel module is unloaded." % (c.syslog(tl + 1), bad),
          "%s %s kernel: INFO: task pt_main_thread:%d blocked for more than 122 seconds." % (c.syslog(tl + 125), bad, pid),
          "%s %s kernel:       Tainted: P           OE      6.5.0-1024-nvidia #25-Ubuntu" % (c.syslog(tl + 125), bad),
          "%s %s kernel: \"echo 0 > /proc/sys/kernel/hung_task_timeout_secs\" disables this message." % (c.syslog(tl + 125), bad),
          "%s %s nv-hostengine[2981]: Got NVML_ERROR_GPU_IS_LOST for gpuId 4. Marking the GPU as lost." % (c.syslog(tl + 15), bad)]
    c.log(bad + "/journal", j)
    spin = {gg: after(tl, lambda s, v: v * 0.3) for gg in range(8)}
    dcgm(c, bad, ["DCGM_FI_DEV_GPU_UTIL", "DCGM_FI_DEV_POWER_USAGE", "DCGM_FI_DEV_GPU_TEMP"],
         over={"DCGM_FI_DEV_POWER_USAGE": spin}, lost={g: tl})
    dcgm(c, "h100-pool-b-030", ["DCGM_FI_DEV_GPU_UTIL", "DCGM_FI_DEV_POWER_USAGE"],
         over={"DCGM_FI_DEV_POWER_USAGE": spin})
    c.errored("gpu.health@%s/gpu%d" % (bad, g),
              "nvmlDeviceGetHandleByPciBusId(0000:9a:00.0) failed: GPU is lost (NVML_ERROR_GPU_IS_LOST)", 0.4)
    health(c, "gpu.health@%s/gpu3" % bad)
    return c


@case
def t002():
    """Kubernetes pod on H200: a rank dies with 'CUDA error: unspecified launch failure' (which also reads
    like an application kernel fault) and the restarted pod cannot see its GPU; no kernel log is
    shipped. dcgm-exporter loses the GPU and gpu.inventory on that node sees 7 of 8 GPUs."""
    hosts = ["gke-a3u-pool-7f2c-0k1m", "gke-a3u-pool-7f2c-2x9q"]
    bad, g = "gke-a3u-pool-7f2c-2x9q", 3
    c = mk("case-t002", "gpu_fallen_off_bus", "%s/gpu%d" % (bad, g), hosts, gpu=H200)
    c.alert("PodCrashLooping", "pod llama-sft-worker-1 restarted 3 times in 10 minutes",
            namespace="research", pod="llama-sft-worker-1", node=bad)
    r = c.rank_of(bad, g)
    tl = -540
    lg = ck.fsdp_steps(c, tl - 14 * 1.9, 14, 1880, step_s=1.9, rank=r)
    lg += ck.app_noise(c, 3)
    lg += ["[rank%d]: Traceback (most recent call last):" % r,
           '[rank%d]:   File "/workspace/torchtitan/train.py", line 371, in main' % r,
           "[rank%d]:     loss.backward()" % r,
           '[rank%d]:   File "/usr/local/lib/python3.11/site-packages/torch/_tensor.py", line 581, in backward' % r,
           "[rank%d]: RuntimeError: CUDA error: unspecified launch failure" % r,
           "[rank%d]: CUDA kernel errors might be asynchronously reported at some other API call, so the "
           "stacktrace below might be incorrect." % r,
           "[rank%d]: For debugging consider passing CUDA_LAUNCH_BLOCKING=1" % r,
           "[rank%d]: Compile with `TORCH_USE_CUDA_DSA` to enable device-side assertions." % r]
    c.log("research/llama-sft-worker-1/trainer (previous)", lg)
    ev = [k8s_event(c, tl + 4, "Warning", "BackOff", "pod/llama-sft-worker-1", "Back-off restarting failed container trainer in pod llama-sft-worker-1_research"),
          k8s_event(c, tl + 40, "Normal", "Pulled", "pod/llama-sft-worker-1", "Container image \"us-docker.pkg.dev/acme/train:2026.03\" already present on machine"),
          k8s_event(c, tl + 41, "Normal", "Started", "pod/llama-sft-worker-1", "Started container trainer"),
          k8s_event(c, tl + 95, "Warning", "BackOff", "pod/llama-sft-worker-1", "Back-off restarting failed container trainer in pod llama-sft-worker-1_research"),
          k8s_event(c, tl + 120, "Warning", "Unhealthy", "pod/nvidia-dcgm-exporter-5hqzl", "Readiness probe failed: HTTP probe failed with statuscode: 503"),
          k8s_event(c, tl + 300, "Warning", "BackOff", "pod/llama-sft-worker-1", "Back-off restarting failed container trainer in pod llama-sft-worker-1_research")]
    c.log("k8s/events", ev)
    rs = ["[rank%d]: RuntimeError: CUDA error: CUDA-capable device(s) is/are busy or unavailable" % r,
          "[rank%d]: CUDA kernel errors might be asynchronously reported at some other API call, so the "
          "stacktrace below might be incorrect." % r,
          "[W socket.cpp:464] [c10d] The server socket has failed to bind to [::]:29500 (errno: 98 - Address already in use).",
          "E%s 1 torch/distributed/elastic/multiprocessing/api.py:833] failed (exitcode: 1) local_rank: %d (pid: 211) of binary: /usr/bin/python" % (c.glog(tl + 60)[1:], g),
          "time=\"%s\" level=warning msg=\"Unable to get device handle for GPU 3: Unknown Error\" component=dcgm-exporter" % c.iso(tl + 8)]
    c.log("research/llama-sft-worker-1/trainer", rs)
    dcgm(c, bad, ["DCGM_FI_DEV_GPU_UTIL", "DCGM_FI_DEV_FB_USED", "DCGM_FI_DEV_GPU_TEMP"],
         over={"DCGM_FI_DEV_GPU_UTIL": {gg: after(tl, lambda s, v: 0) for gg in range(8) if gg != g}},
         lost={g: tl})
    c.inventory("gpu.inventory@%s/gpu%d" % (bad, g), count=7, details={"missing_bus_id": "0000:5d:00.0"})
    c.inventory("gpu.inventory@%s/gpu%d" % (hosts[0], g))
    health(c, "gpu.health@%s/gpu2" % bad)
    return c


@case
def t003():
    """A100 node: one GPU falls off the bus; the driver then tears down the channels of the job's contexts
    on the other seven GPUs, so Xid 45 lines (preemptive cleanup) appear on every GPU and outnumber the
    single Xid 79. DeepSpeed job, Slurm."""
    hosts = ["a100-node-041", "a100-node-042", "a100-node-043", "a100-node-044"]
    bad, g = "a100-node-043", 6
    c = mk("case-t003", "gpu_fallen_off_bus", "%s/gpu%d" % (bad, g), hosts, gpu=A100, pci=ck.PCI_BUS_B)
    c.alert("NodeGPUXidErrors", "a100-node-043: 8 GPUs reported Xid errors in 5 minutes", node=bad,
            severity="critical")
    tl = -260
    d = ck.kernel_noise(c, bad, 5, fmt="dmesg")
    pid = c.rng.randrange(100000, 500000)
    d += [xid(c, tl, g, 79, "GPU has fallen off the bus.", pid=0),
          "%s NVRM: GPU 0000:%s:00.0: GPU has fallen off the bus." % (c.dmesg(tl), c.pci[g]),
          "%s NVRM: GPU Board Serial Number: 1323521009317" % c.dmesg(tl)]
    for gg in [0, 1, 2, 3, 4, 5, 7]:
        d.append(xid(c, tl + 1.5 + gg * 0.01, gg, 45, "Ch %08x" % (gg + 8), pid=pid + gg))
        d.append(xid(c, tl + 1.6 + gg * 0.01, gg, 45, "Ch %08x" % (gg + 9), pid=pid + gg))
    d.append("%s nvidia-nvswitch2: SXid (PCI:0000:%s:00.0): 20034, Fatal, Link 33 LTSSM Fault Up" % (c.dmesg(tl + 2), "84"))
    c.log(bad + "/dmesg", d)
    rk = c.rank_of(bad, 0)
    lg = ck.deepspeed_steps(c, tl - 30, 10, 9120, rank=0, step_s=3.2, mem=(51.2, 74.9))
    lg += ["[rank%d]:[E ProcessGroupNCCL.cpp:1316] [PG 0 Rank %d] NCCL watchdog thread terminated with exception: "
           "CUDA error: unspecified launch failure" % (rk + 2, rk + 2),
           "[rank%d]:terminate called after throwing an instance of 'c10::DistBackendError'" % (rk + 2),
           "%s: %s NCCL WARN Cuda failure 'unspecified launch failure'" % (bad, "%s:%d:%d [1]" % (bad, pid + 1, pid + 40)),
           "%s: %s NCCL WARN Cuda failure 'unspecified launch failure'" % (bad, "%s:%d:%d [5]" % (bad, pid + 5, pid + 71)),
           "[%s] [ERROR] [launch.py:325:sigkill_handler] ['/usr/bin/python', '-u', 'pretrain.py', '--local_rank=7', "
           "'--deepspeed', 'ds_config.json'] exits with return code = -6" % c.ymd_ms(tl + 6)]
    c.log(bad + "/deepspeed-launcher.log", lg)
    dcgm(c, bad, ["DCGM_FI_DEV_GPU_UTIL", "DCGM_FI_DEV_XID_ERRORS"],
         over={"DCGM_FI_DEV_XID_ERRORS": {gg: after(tl, lambda s, v: 45) for gg in range(8) if gg != g},
               "DCGM_FI_DEV_GPU_UTIL": {gg: after(tl + 10, lambda s, v: 0) for gg in range(8)}},
         lost={g: tl})
    return c


@case
def t004():
    """Xid 94 (contained uncorrectable ECC error) on one H100: the process on that GPU dies with
    'uncorrectable ECC error encountered', the other 31 ranks hit NCCL errors. Megatron, Slurm. The
    loud part is the rank-0 traceback about a NCCL error."""
    hosts = ["sj3-gpu-r12-05", "sj3-gpu-r12-06", "sj3-gpu-r12-07", "sj3-gpu-r12-08"]
    bad, g = "sj3-gpu-r12-07", 5
    c = mk("case-t004", "gpu_memory_uncorrectable_ecc", "%s/gpu%d" % (bad, g), hosts, gpu=H100)
    c.alert("SlurmJobFailed", "job 4471920 (mixtral-ft) ended with state FAILED, exit 1", job="mixtral-ft",
            partition="h100")
    tl = -95
    r = c.rank_of(bad, g)
    out = ck.megatron_iters(c, tl - 10 * 3.4, 10, 22501, step_s=3.4, loss=1.62, gbs=512)
    out += ["[rank0]: torch.distributed.DistBackendError: NCCL error in: ../torch/csrc/distributed/c10d/NCCLUtils.hpp:317, "
            "remote process exited or there was a network error, NCCL version 2.20.5",
            "[rank0]: ncclRemoteError: A call failed possibly due to a network error or a remote process exiting prematurely.",
            "[rank0]: Last error:",
            "[rank0]: NET/IB : Got completion from peer 10.44.7.27<50013> with status=5 opcode=1 len=0 vendor err 249 (Recv) localGid fe80::a088:c203:6f:1c2e remoteGids fe80::a088:c203:6f:4b91 hca mlx5_1",
            "[rank%d]: RuntimeError: CUDA error: uncorrectable ECC error encountered" % r,
            "[rank%d]: CUDA kernel errors might be asynchronously reported at some other API call, so the stacktrace below might be incorrect." % r,
            "srun: error: sj3-gpu-r12-07: task %d: Exited with exit code 1" % r,
            "srun: Terminating StepId=4471920.0"]
    c.log("slurm/4471920/stdout", out)
    j = ck.kernel_noise(c, bad, 6)
    j += [xid(c, tl, g, 94, "Contained: SM (0x1). RST: No, D-RST: No", pid=c.rng.randrange(10 ** 5, 10 ** 6),
              name="pt_main_thread", fmt="syslog", host=bad),
          "%s %s kernel: NVRM: Xid (PCI:%s): 63, pid=%d, name=pt_main_thread, Row Remapper: New row (0x00000000082f3c0) marked for remapping, reset gpu to activate." % (
              c.syslog(tl), bad, c.bus(g), c.rng.randrange(10 ** 5, 10 ** 6))]
    c.log(bad + "/journal", j)
    dcgm(c, bad, ["DCGM_FI_DEV_ECC_DBE_VOL_TOTAL", "DCGM_FI_DEV_ECC_SBE_VOL_TOTAL", "DCGM_FI_DEV_XID_ERRORS",
                  "DCGM_FI_DEV_GPU_UTIL"],
         over={"DCGM_FI_DEV_ECC_DBE_VOL_TOTAL": {g: after(tl, lambda s, v: 1)},
               "DCGM_FI_DEV_ECC_SBE_VOL_TOTAL": {g: after(tl - 400, lambda s, v: 3)},
               "DCGM_FI_DEV_XID_ERRORS": {g: after(tl, lambda s, v: 94)},
               "DCGM_FI_DEV_GPU_UTIL": {gg: after(tl + 5, lambda s, v: 0) for gg in range(8)}})
    return c


@case
def t005():
    """Xid 95 (uncontained ECC error) on an H200 of node gpu-h200-117 in a DeepSpeed job; the page that
    fired is a GPU temperature alert on another node (a warm but healthy GPU at 83 C). All ranks then
    log watchdog timeouts; the culprit is in one node's dmesg and the DBE counter."""
    hosts = ["gpu-h200-114", "gpu-h200-115", "gpu-h200-116", "gpu-h200-117"]
    bad, g = "gpu-h200-117", 2
    warm = "gpu-h200-115"
    c = mk("case-t005", "gpu_memory_uncorrectable_ecc", "%s/gpu%d" % (bad, g), hosts, gpu=H200, pci=ck.PCI_BUS_B)
    c.alert("GPUTemperatureHigh", "GPU 6 on gpu-h200-115 at 83 C for 10m", node=warm, gpu="6", severity="warning",
            s=-30)
    tl = -480
    d = ck.kernel_noise(c, bad, 6, fmt="dmesg")
    d += [xid(c, tl, g, 95, "Uncontained: LTC TAG (0x2,0x0). RST: Yes, D-RST: No", pid=c.rng.randrange(10 ** 5, 10 ** 6)),
          "%s NVRM: Xid (PCI:%s): 45, pid=%d, name=python, Ch 00000008" % (c.dmesg(tl + 0.3), c.bus(g), c.rng.randrange(10 ** 5, 10 ** 6))]
    c.log(bad + "/dmesg", d)
    out = ck.deepspeed_steps(c, tl - 25, 8, 33020, step_s=2.9)
    for rk in (0, 5, 12, 21, 30):
        out += ck.watchdog(c, rk, tl + 1800 + c.rng.uniform(0, 3), 99312, op="_ALLGATHER_BASE", timeout_ms=1800000)[:2]
    c.log("gpu-h200-114/ds-train.log", out)
    dcgm(c, warm, ["DCGM_FI_DEV_GPU_TEMP"], over={"DCGM_FI_DEV_GPU_TEMP": {6: lambda s, v: 82 + c.rng.uniform(-1, 1.4)}})
    dcgm(c, bad, ["DCGM_FI_DEV_ECC_DBE_VOL_TOTAL", "DCGM_FI_DEV_GPU_TEMP", "DCGM_FI_DEV_XID_ERRORS"],
         over={"DCGM_FI_DEV_ECC_DBE_VOL_TOTAL": {g: after(tl, lambda s, v: 2)},
               "DCGM_FI_DEV_XID_ERRORS": {g: after(tl, lambda s, v: 95)}})
    health(c, "gpu.health@%s/gpu6" % warm, temperature_c=83, clock_event_reasons=ck.CLK_SW_POWER_CAP)
    health(c, "gpu.health@%s/gpu%d" % (bad, g), ecc_dbe_volatile=2, ecc_dbe_aggregate=2, xid_last=95)
    return c


@case
def t006():
    """Row remapper failure on one H100: the node health check drains the node after an uncorrectable
    error could not be remapped (Xid 64; nvidia-smi -q shows 'Remapping Failure Occurred: Yes' and a
    bank without spare rows). The job's own error is 'uncorrectable ECC error encountered', which reads
    like a plain ECC fault."""
    hosts = ["sj3-gpu-r14-01", "sj3-gpu-r14-02"]
    bad, g = "sj3-gpu-r14-02", 2
    c = mk("case-t006", "gpu_row_remap_failure", "%s/gpu%d" % (bad, g), hosts, gpu=H100)
    c.alert("SlurmNodeDrained", "sj3-gpu-r14-02 drained by NHC", node=bad, partition="h100")
    tl = -300
    r = c.rank_of(bad, g)
    out = ck.fsdp_steps(c, tl - 12 * 2.2, 12, 640, step_s=2.2, mem_gib=70.4)
    out += ["[rank%d]:[%s ProcessGroupNCCL.cpp:1292] Warning: WorkNCCL(SeqNum=81234, OpType=_REDUCE_SCATTER_BASE) "
            "failed, rank %d will abort" % (r, c.glog(tl + 1, "W"), r),
            "[rank%d]: RuntimeError: CUDA error: uncorrectable ECC error encountered" % r,
            "[rank%d]: Compile with `TORCH_USE_CUDA_DSA` to enable device-side assertions." % r,
            "srun: error: %s: task %d: Exited with exit code 1" % (bad, r)]
    c.log("slurm/4480112/stdout", out)
    pid = c.rng.randrange(10 ** 5, 10 ** 6)
    j = ck.kernel_noise(c, bad, 5)
    j += [xid(c, tl - 1, g, 48, "An uncorrectable double bit error (DBE) has been detected on GPU in the framebuffer at partition 3, subpartition 1.",
              pid=pid, name="pt_main_thread", fmt="syslog", host=bad),
          xid(c, tl - 1, g, 64, "ECC page retirement or row remapper recording failure", pid=pid,
              name="pt_main_thread", fmt="syslog", host=bad),
          "%s %s nhc[%d]: ERROR:  nhc:  Health check failed:  check_nv_gpu_remapped_rows:  GPU 2 (%s) row remapping failure" % (
              c.syslog(tl + 60), bad, c.rng.randrange(4000, 9000), c.bus(g) + ".0"),
          "%s %s nhc[%d]: NHC: Marking node %s offline: check_nv_gpu_remapped_rows" % (
              c.syslog(tl + 60), bad, c.rng.randrange(4000, 9000), bad)]
    c.log(bad + "/journal", j)
    q = ["==============NVSMI LOG==============", "Timestamp                                 : %s" % c.at(tl + 70).strftime("%a %b %d %H:%M:%S %Y"),
         "Driver Version                            : 550.127.05", "GPU 00000000:%s:00.0" % c.pci[g].upper(),
         "    Product Name                          : NVIDIA H100 80GB HBM3",
         "    ECC Errors", "        Volatile", "            SRAM Correctable              : 0",
         "            SRAM Uncorrectable            : 0", "            DRAM Correctable              : 0",
         "            DRAM Uncorrectable            : 1",
         "    Remapped Rows", "        Correctable Error                 : 0",
         "        Uncorrectable Error               : 8", "        Pending                           : No",
         "        Remapping Failure Occurred        : Yes", "        Bank Remap Availability Histogram",
         "            Max                           : 638 bank(s)", "            High                          : 1 bank(s)",
         "            Partial                       : 0 bank(s)", "            Low                           : 0 bank(s)",
         "            None                          : 1 bank(s)"]
    c.log(bad + "/nhc/nvidia-smi-q-gpu2.txt", q)
    dcgm(c, bad, ["DCGM_FI_DEV_ECC_DBE_VOL_TOTAL", "DCGM_FI_DEV_XID_ERRORS", "DCGM_FI_DEV_GPU_UTIL"],
         over={"DCGM_FI_DEV_ECC_DBE_VOL_TOTAL": {g: after(tl - 1, lambda s, v: 1)},
               "DCGM_FI_DEV_XID_ERRORS": {g: after(tl - 1, lambda s, v: 64)},
               "DCGM_FI_DEV_GPU_UTIL": {gg: after(tl + 2, lambda s, v: 0) for gg in range(8)}})
    return c


@case
def t007():
    """H200 pod that fails three restarts in a row with 'uncorrectable ECC error encountered' on the same
    GPU, minutes into each run. No kernel log is shipped; the DCGM exporter has no row-remap fields.
    Plain ECC fault or a GPU whose remapper can no longer remap? gpu.health settles it: remap failure,
    a bank out of spare rows."""
    hosts = ["k8s-h200-a07", "k8s-h200-a08", "k8s-h200-a09"]
    bad, g = "k8s-h200-a08", 6
    c = mk("case-t007", "gpu_row_remap_failure", "%s/gpu%d" % (bad, g), hosts, gpu=H200)
    c.alert("JobRestartLoop", "PyTorchJob qwen-cpt restarted 3 times within 40 minutes", namespace="cpt",
            job="qwen-cpt", node=bad)
    r = c.rank_of(bad, g)
    ev = []
    lg = []
    for k, t in enumerate((-2100, -1220, -330)):
        ev.append(k8s_event(c, t - 90, "Normal", "Started", "pod/qwen-cpt-worker-1", "Started container pytorch"))
        ev.append(k8s_event(c, t + 3, "Warning", "Failed", "pod/qwen-cpt-worker-1",
                            "Error: container pytorch terminated with exit code 1"))
        ev.append(k8s_event(c, t + 20, "Normal", "SuccessfulCreate", "pytorchjob/qwen-cpt",
                            "restart %d of 5: recreated pods after failure of worker-1" % (k + 1)))
        lg += ["%s [rank%d] resuming from /ckpt/qwen-cpt/step_%d" % (c.ymd(t - 80), r, 18000 + 250 * k),
               "%s [rank%d] RuntimeError: CUDA error: uncorrectable ECC error encountered" % (c.ymd(t), r),
               "%s [rank%d] CUDA kernel errors might be asynchronously reported at some other API call, so the "
               "stacktrace below might be incorrect." % (c.ymd(t), r)]
    lg += ck.app_noise(c, 4)
    c.log("cpt/qwen-cpt-worker-1/pytorch", lg)
    c.log("k8s/events", ev)
    dcgm(c, bad, ["DCGM_FI_DEV_GPU_UTIL", "DCGM_FI_DEV_ECC_DBE_VOL_TOTAL", "DCGM_FI_DEV_XID_ERRORS"],
         over={"DCGM_FI_DEV_ECC_DBE_VOL_TOTAL": {g: lambda s, v: 1 if s < -1220 else (2 if s < -330 else 3)},
               "DCGM_FI_DEV_XID_ERRORS": {g: lambda s, v: 48 if s >= -2100 else 0}})
    health(c, "gpu.health@%s/gpu%d" % (bad, g), ecc_dbe_volatile=3, ecc_dbe_aggregate=11, remap_failure=1,
           remapped_rows_uncorrectable=8, xid_last=48)
    c.hbm("gpu.hbm_bandwidth@%s/gpu%d" % (bad, g))
    health(c, "gpu.health@%s/gpu5" % bad)
    return c


@case
def t008():
    """GSP firmware RPC timeouts (Xid 119) on one H100; the GPU stops answering, the step hangs and all
    ranks hit the 30-minute watchdog. The health probe on that GPU hangs as well (error); the GPU next
    to it answers normally. torchtitan, Slurm."""
    hosts = ["h100-cw-0412", "h100-cw-0413", "h100-cw-0414"]
    bad, g = "h100-cw-0413", 1
    c = mk("case-t008", "gpu_firmware_error", "%s/gpu%d" % (bad, g), hosts, gpu=H100, pci=ck.PCI_BUS_B)
    c.alert("TrainingStalled", "llama3-70b-ft: no step logged for 30m", job="llama3-70b-ft")
    tl = -1850
    pid = c.rng.randrange(10 ** 5, 10 ** 6)
    j = ck.kernel_noise(c, bad, 6, start_s=-2000)
    for k in range(3):
        j.append(xid(c, tl + 12 * k, g, 119, "Timeout after 6s of waiting for RPC response from GPU%d GSP! Expected "
                     "function 76 (GSP_RM_CONTROL) (0x20800a4c 0x4)." % g, pid=pid, fmt="syslog", host=bad))
    j += ["%s %s kernel: NVRM: GPU%d GSP RPC buffer contains function 76 (GSP_RM_CONTROL) and data 0x0000000020800a4c 0x0000000000000004." % (c.syslog(tl), bad, g),
          "%s %s kernel: NVRM: GPU%d RPC history (CPU -> GSP):" % (c.syslog(tl), bad, g),
          "%s %s kernel: NVRM:     entry function                   data0              data1              ts_start           ts_end             duration actively_polling" % (c.syslog(tl), bad),
          "%s %s kernel: NVRM:      0    76   GSP_RM_CONTROL        0x0000000020800a4c 0x0000000000000004 0x000613a5e9e1b2c1 0x0000000000000000          y" % (c.syslog(tl), bad),
          "%s %s kernel: NVRM: GPU%d GSP RPC buffer contains function 10 (FREE) and data 0x00000000c1d0023b 0x0000000000000000." % (c.syslog(tl + 24), bad, g),
          "%s %s kernel: NVRM: Rate limiting GSP RPC error prints for GPU at PCI:%s (printing 1 of every 30).  The GPU likely needs to be reset." % (c.syslog(tl + 36), bad, c.bus(g)),
          "%s %s kernel: INFO: task nvidia-smi:%d blocked for more than 120 seconds." % (c.syslog(tl + 400), bad, c.rng.randrange(10 ** 5, 10 ** 6))]
    c.log(bad + "/journal", j)
    out = ck.fsdp_steps(c, tl - 10 * 2.6, 10, 5210, step_s=2.6)
    out += ck.app_noise(c, 3)
    for i, rk in enumerate((0, 4, 9, 13, 20)):
        out += ck.watchdog(c, rk, tl + 1800 + i * 0.3, 10422, op="_ALLGATHER_BASE", timeout_ms=1800000)[:2]
    c.log("slurm/991201/train.out", out)
    dcgm(c, bad, ["DCGM_FI_DEV_GPU_UTIL", "DCGM_FI_DEV_POWER_USAGE"],
         over={"DCGM_FI_DEV_GPU_UTIL": {gg: after(tl, lambda s, v: 100) for gg in range(8)},
               "DCGM_FI_DEV_POWER_USAGE": {gg: after(tl, lambda s, v: v * 0.25) for gg in range(8)}},
         gpus=[gg for gg in range(8) if gg != g])
    c.errored("gpu.health@%s/gpu%d" % (bad, g), "probe exceeded its 30 s limit (nvmlDeviceGetHandleByIndex(1) did not return); process killed", 30.0)
    health(c, "gpu.health@%s/gpu0" % bad)
    return c


@case
def t009():
    """Xid 62 (internal micro-controller halt) on an A100, older driver without GSP: the job dies with
    'CUDA error: unknown error' and NCCL 'Cuda failure'; a PCIe corrected-error line on a NIC of the
    same node is a harmless distraction."""
    hosts = ["a100-node-017", "a100-node-018"]
    bad, g = "a100-node-017", 4
    c = mk("case-t009", "gpu_firmware_error", "%s/gpu%d" % (bad, g), hosts, gpu=A100)
    c.alert("SlurmJobFailed", "job 2231770 (bert-distill) failed on a100-node-017", job="bert-distill", node=bad)
    tl = -140
    d = ck.kernel_noise(c, bad, 5, fmt="dmesg")
    d += [xid(c, tl, g, 62, "2c03(2a44) 00000000 00000000", pid=c.rng.randrange(10 ** 4, 10 ** 5), name="python"),
          "%s NVRM: GPU at PCI:%s: %s" % (c.dmesg(tl), c.bus(g), c.uuid(bad, g)),
          "%s NVRM: GPU Board Serial Number: 1322021024411" % c.dmesg(tl),
          "%s NVRM: Xid (PCI:%s): 45, pid=%d, name=python, Ch 00000010" % (c.dmesg(tl + 0.4), c.bus(g), c.rng.randrange(10 ** 4, 10 ** 5)),
          "%s pcieport 0000:80:03.1: AER: Corrected error received: 0000:8a:00.0" % c.dmesg(tl - 700),
          "%s mlx5_core 0000:8a:00.0: PCIe Bus Error: severity=Corrected, type=Physical Layer, (Receiver ID)" % c.dmesg(tl - 700),
          "%s mlx5_core 0000:8a:00.0:   device [15b3:101b] error status/mask=00000001/00000000" % c.dmesg(tl - 700),
          "%s mlx5_core 0000:8a:00.0:    [ 0] RxErr" % c.dmesg(tl - 700)]
    c.log(bad + "/dmesg", d)
    r = c.rank_of(bad, g)
    pid = c.rng.randrange(10 ** 4, 10 ** 5)
    out = ck.plain_steps(c, tl - 14 * 0.95, 14, 30122, step_s=0.95)
    out += ["%s:%d:%d [%d] NCCL INFO include/alloc.h:125 -> 1" % (bad, pid, pid + 31, g),
            "%s:%d:%d [%d] enqueue.cc:1103 NCCL WARN Cuda failure 'unknown error'" % (bad, pid, pid, g),
            "Traceback (most recent call last):",
            '  File "/opt/distill/train.py", line 214, in <module>',
            "    scaler.scale(loss).backward()",
            "RuntimeError: CUDA error: unknown error",
            "srun: error: %s: task %d: Exited with exit code 1" % (bad, r)]
    c.log("slurm/2231770/out-%d.log" % r, out)
    dcgm(c, bad, ["DCGM_FI_DEV_GPU_UTIL", "DCGM_FI_DEV_XID_ERRORS", "DCGM_FI_DEV_GPU_TEMP"],
         over={"DCGM_FI_DEV_XID_ERRORS": {g: after(tl, lambda s, v: 62)},
               "DCGM_FI_DEV_GPU_UTIL": {gg: after(tl + 3, lambda s, v: 0) for gg in range(8)}})
    return c


@case
def t010():
    """Xid 74 (NVLink fatal error) on one H200: NCCL and torch on several ranks of the node print 'an
    illegal memory access was encountered', which reads like an application bug; the NVSwitch SXid
    and the Xid 74 on one GPU name the link. Megatron TP=8, Slurm."""
    hosts = ["trn-h200-0917", "trn-h200-0918"]
    bad, g = "trn-h200-0918", 3
    c = mk("case-t010", "nvlink_error", "%s/gpu%d" % (bad, g), hosts, gpu=H200)
    c.alert("SlurmJobFailed", "job 77120 (nemo-gpt-8b) FAILED", job="nemo-gpt-8b")
    tl = -75
    pid = c.rng.randrange(10 ** 5, 10 ** 6)
    d = ck.kernel_noise(c, bad, 5, fmt="dmesg")
    d += [xid(c, tl, g, 74, "NVLink: fatal error detected on link 11(0x0, 0x0, 0x0, 0x0, 0x10000, 0x0, 0x0)", pid=pid),
          xid(c, tl + 0.01, g, 74, "NVLink: fatal error detected on link 12(0x0, 0x0, 0x0, 0x0, 0x10000, 0x0, 0x0)", pid=pid),
          "%s nvidia-nvswitch2: SXid (PCI:0000:07:00.0): 24007, Fatal, Link 41 sourcetrack timeout error" % c.dmesg(tl + 0.02),
          "%s nvidia-nvswitch2: SXid (PCI:0000:07:00.0): 24007, Severity 1 Engine instance 41 Sub-engine instance 00" % c.dmesg(tl + 0.02),
          "%s nvidia-nvswitch2: SXid (PCI:0000:07:00.0): 24007, Data {0x00000000, 0x00000000, 0x00000100}" % c.dmesg(tl + 0.02)]
    for gg in (0, 5):
        d.append("%s NVRM: Xid (PCI:%s): 45, pid=%d, name=pt_main_thread, Ch 00000018" % (c.dmesg(tl + 0.5), c.bus(gg), pid + gg))
    c.log(bad + "/dmesg", d)
    out = ck.megatron_iters(c, tl - 9 * 2.9, 9, 1201, step_s=2.9, loss=2.9, gbs=256)
    for rk in (8, 11, 13):
        lr = rk - 8
        out += ["%s:%d:%d [%d] NCCL WARN Cuda failure 'an illegal memory access was encountered'" % (bad, pid + lr, pid + lr + 77, lr),
                "[rank%d]: RuntimeError: CUDA error: an illegal memory access was encountered" % rk]
    out += ["[rank11]: Compile with `TORCH_USE_CUDA_DSA` to enable device-side assertions.",
            "srun: error: trn-h200-0918: tasks 8-15: Exited with exit code 1"]
    c.log("slurm/77120/stdout", out)
    dcgm(c, bad, ["DCGM_FI_DEV_XID_ERRORS", "DCGM_FI_PROF_NVLINK_TX_BYTES"],
         over={"DCGM_FI_DEV_XID_ERRORS": {g: after(tl, lambda s, v: 74)},
               "DCGM_FI_PROF_NVLINK_TX_BYTES": {gg: after(tl, lambda s, v: 0) for gg in range(8)}})
    return c


@case
def t011():
    """Six of eighteen NVLink links of one H100 inactive after a node reboot, no Xid in the window: the
    FSDP job is 35% slower and nothing errors. Step times and NVLink traffic drop on the whole node
    (every rank waits for the slow ring), so only probes find the GPU: the node's all-reduce and
    peer-to-peer matrix fail around gpu6, its health shows 12 of 18 links up, its GEMM is fine."""
    hosts = ["h100-sxm-p3-017", "h100-sxm-p3-018"]
    bad, g = "h100-sxm-p3-018", 6
    c = mk("case-t011", "nvlink_error", "%s/gpu%d" % (bad, g), hosts, gpu=H100)
    c.alert("TrainingThroughputLow", "vit-22b tokens/s 35% below its 24h median for 15m", job="vit-22b", severity="warning")
    slow = lambda i: 2.45 * c.rng.uniform(0.98, 1.03)
    out = ck.fsdp_steps(c, -700, 16, 91020, step_s=1.8, step_fn=slow, tok_s=9100)
    out += ck.app_noise(c, 4)
    out += ["%s - root - INFO - resumed from checkpoint step-91000 after node h100-sxm-p3-018 rejoined" % c.ymd_ms(-760)]
    c.log("slurm/551902/rank0.log", out)
    j = ck.kernel_noise(c, bad, 8, start_s=-1200)
    j += ["%s %s systemd[1]: Started NVIDIA fabric manager service." % (c.syslog(-1150), bad),
          "%s %s nv-fabricmanager[3311]: Successfully configured all the available NVSwitches to route GPU NVLink traffic." % (c.syslog(-1148), bad)]
    c.log(bad + "/journal", j)
    nvtx = {gg: (lambda s, v, gg=gg: v * (0.55 if gg == g else 0.71)) for gg in range(8)}
    dcgm(c, bad, ["DCGM_FI_PROF_NVLINK_TX_BYTES", "DCGM_FI_DEV_GPU_UTIL", "DCGM_FI_DEV_POWER_USAGE"],
         over={"DCGM_FI_PROF_NVLINK_TX_BYTES": nvtx,
               "DCGM_FI_DEV_POWER_USAGE": {gg: (lambda s, v: v * 0.8) for gg in range(8)}})
    dcgm(c, hosts[0], ["DCGM_FI_PROF_NVLINK_TX_BYTES"],
         over={"DCGM_FI_PROF_NVLINK_TX_BYTES": {gg: (lambda s, v: v * 0.72) for gg in range(8)}})
    c.node_metric("training_step_seconds", {"job": "vit-22b", "rank": "0"},
                  lambda s: (1.8 if s < -780 else 2.45) * c.rng.uniform(0.98, 1.03), 3)
    c.nccl("nccl.allreduce@%s" % bad, busbw=212.4, details={"note": "8 local GPUs, 1 GiB"})
    c.nccl("nccl.allreduce@%s" % hosts[0], busbw=371.9)
    c.nccl("nccl.p2p_matrix@%s" % bad, busbw=101.3,
           details={"slowest_pairs": "gpu6->gpu2 101.3, gpu2->gpu6 104.0, gpu6->gpu0 118.7 GB/s; median pair 362.5 GB/s"})
    health(c, "gpu.health@%s/gpu%d" % (bad, g), nvlink_links_up=12, nvlink_crc_errors_per_s=3.0)
    c.gemm("gpu.gemm@%s/gpu%d" % (bad, g))
    health(c, "gpu.health@%s/gpu2" % bad)
    return c


@case
def t012():
    """A marginal NVLink on one H200: CRC and replay errors at thousands per second, NCCL retries
    silently and all-reduce time grows 25%. DCGM shows SW power cap on every GPU (normal under load)
    and exports no NVLink error fields; the health probe's rates single out gpu2 (healthy links tick a
    few CRC errors per second)."""
    hosts = ["gpu-h200-201", "gpu-h200-202", "gpu-h200-203", "gpu-h200-204"]
    bad, g = "gpu-h200-203", 2
    c = mk("case-t012", "nvlink_error", "%s/gpu%d" % (bad, g), hosts, gpu=H200)
    c.alert("StepTimeRegression", "deepseek-distill step time p50 up 25% (DCGM reports power capping)", job="deepseek-distill")
    out = ck.deepspeed_steps(c, -600, 14, 44100, step_s=2.9, step_fn=lambda i: 2.9 * 1.25 * c.rng.uniform(0.97, 1.04))
    out += ck.app_noise(c, 3)
    c.log("gpu-h200-201/ds-train.log", out)
    capped = {gg: (lambda s, v: ck.CLK_SW_POWER_CAP if c.rng.random() < 0.6 else 0) for gg in range(8)}
    for h in (bad, hosts[0]):
        dcgm(c, h, ["DCGM_FI_DEV_CLOCKS_EVENT_REASONS", "DCGM_FI_DEV_SM_CLOCK", "DCGM_FI_DEV_POWER_USAGE"],
             over={"DCGM_FI_DEV_CLOCKS_EVENT_REASONS": capped})
    c.node_metric("ds_step_time_seconds", {"job": "deepseek-distill"},
                  lambda s: (2.9 if s < -900 else 3.62) * c.rng.uniform(0.97, 1.04), 3)
    health(c, "gpu.health@%s/gpu%d" % (bad, g), nvlink_crc_errors=8123344, nvlink_crc_errors_per_s=3140.0,
           nvlink_replay_errors=211873, nvlink_replay_errors_per_s=412.0, nvlink_recovery_errors=7,
           nvlink_recovery_errors_per_s=1.0, clock_event_reasons=ck.CLK_SW_POWER_CAP)
    health(c, "gpu.health@%s/gpu5" % bad, clock_event_reasons=ck.CLK_SW_POWER_CAP)
    health(c, "gpu.health@%s/gpu2" % hosts[0], clock_event_reasons=ck.CLK_SW_POWER_CAP)
    c.nccl("nccl.allreduce@%s" % bad, busbw=241.7)
    c.nccl("nccl.allreduce@%s" % hosts[1], busbw=402.3)
    c.gemm("gpu.gemm@%s/gpu%d" % (bad, g))
    return c


@case
def t013():
    """One H100 at 89-91 C with clocks falling to ~1.3 GHz (a blocked air inlet on that slot): the loud
    signal is Megatron's straggler report naming the rank and NCCL being slow; the GPU temperature and
    clock series show the throttle."""
    hosts = ["h100-pool-a-101", "h100-pool-a-102", "h100-pool-a-103"]
    bad, g = "h100-pool-a-102", 7
    c = mk("case-t013", "gpu_thermal_throttle", "%s/gpu%d" % (bad, g), hosts, gpu=H100)
    r = c.rank_of(bad, g)
    c.alert("StragglerDetected", "rank %d is the slowest rank in 12 of the last 12 reports" % r, job="llm-13b-sweep3")
    out = ck.megatron_iters(c, -640, 14, 7702, step_s=3.9 * 1.3, loss=2.41, gbs=768)
    rep = []
    for k in range(4):
        t = -560 + 140 * k
        rep.append(" [%s] straggler detector: MnRtt/Rnk: %.2fms/%d | MxRtt/Rnk: %.2fms/%d | MnPwr/Rnk: %dW/%d | "
                   "MxPwr/Rnk: %dW/%d | MnTmp/Rnk: %dC/%d | MxTmp/Rnk: %dC/%d | MnUtl/Rnk: %d%%/%d | MxUtl/Rnk: %d%%/%d | "
                   "MnClk/Rnk: %dMHz/%d | MxClk/Rnk: %dMHz/%d" % (
                       c.ymd(t), 3710 + c.rng.uniform(0, 30), c.rng.randrange(0, 24), 5080 + c.rng.uniform(0, 90), r,
                       470 + c.rng.randrange(0, 20), r, 690 + c.rng.randrange(0, 9), c.rng.randrange(0, 24),
                       48 + c.rng.randrange(0, 3), c.rng.randrange(0, 24), 90 + c.rng.randrange(0, 2), r,
                       98, c.rng.randrange(0, 24), 100, c.rng.randrange(0, 24), 1290 + c.rng.randrange(0, 60), r,
                       1980, c.rng.randrange(0, 24)))
    out = out[:4] + rep[:2] + out[4:10] + rep[2:] + out[10:] + ck.app_noise(c, 4)
    c.log("slurm/8812213/stdout", out)
    dcgm(c, bad, ["DCGM_FI_DEV_GPU_TEMP", "DCGM_FI_DEV_SM_CLOCK", "DCGM_FI_DEV_POWER_USAGE"],
         over={"DCGM_FI_DEV_GPU_TEMP": {g: ramp(-1100, -800, 74, 90)},
               "DCGM_FI_DEV_SM_CLOCK": {g: ramp(-1000, -750, 1860, 1310)},
               "DCGM_FI_DEV_POWER_USAGE": {g: ramp(-1000, -750, 600, 475)}})
    return c


@case
def t014():
    """Node-wide thermal slowdown: a chassis fan failed (BMC SEL), all eight H200s of one node run at
    86-88 C with SW/HW thermal slowdown in their clock-event reasons; the job alert only says the job
    is slower. Component is the node (fan)."""
    hosts = ["hgx-h200-r22-n1", "hgx-h200-r22-n2", "hgx-h200-r22-n3", "hgx-h200-r22-n4"]
    bad = "hgx-h200-r22-n3"
    c = mk("case-t014", "gpu_thermal_throttle", bad, hosts, gpu=H200, pci=ck.PCI_BUS_B)
    c.alert("JobSlow", "pretrain-v7 throughput 28% below baseline", job="pretrain-v7", severity="warning")
    sel = ["%4x | %s | Fan FAN6_R | Lower Critical going low  | Asserted" % (0x2f1, c.at(-1320).strftime("%m/%d/%Y | %H:%M:%S")),
           "%4x | %s | Fan FAN6_R | Lower Non-recoverable going low  | Asserted" % (0x2f2, c.at(-1318).strftime("%m/%d/%Y | %H:%M:%S")),
           "%4x | %s | Temperature GPU_Tray_Exh | Upper Non-critical going high | Asserted" % (0x2f3, c.at(-1010).strftime("%m/%d/%Y | %H:%M:%S")),
           "%4x | %s | Temperature GPU_Tray_Exh | Upper Critical going high | Asserted" % (0x2f4, c.at(-820).strftime("%m/%d/%Y | %H:%M:%S"))]
    c.log(bad + "/ipmitool-sel-list", sel)
    j = ["%s %s ipmiseld[1877]: SEL sync: 4 new record(s)" % (c.syslog(-800), bad)]
    j += ck.kernel_noise(c, bad, 12, start_s=-1200)
    c.log(bad + "/journal", j)
    out = ck.megatron_iters(c, -520, 12, 150033, step_s=6.1 * 1.28, loss=1.88, gbs=4096)
    c.log("slurm/3090441/stdout", out)
    hot = {gg: ramp(-1100, -700, 62, 86 + gg % 3) for gg in range(8)}
    reasons = {gg: after(-800, lambda s, v: ck.CLK_SW_THERMAL | (ck.CLK_HW_THERMAL if c.rng.random() < 0.3 else 0))
               for gg in range(8)}
    dcgm(c, bad, ["DCGM_FI_DEV_GPU_TEMP", "DCGM_FI_DEV_CLOCKS_EVENT_REASONS", "DCGM_FI_DEV_SM_CLOCK"],
         over={"DCGM_FI_DEV_GPU_TEMP": hot, "DCGM_FI_DEV_CLOCKS_EVENT_REASONS": reasons,
               "DCGM_FI_DEV_SM_CLOCK": {gg: ramp(-900, -700, 1860, 1420) for gg in range(8)}})
    dcgm(c, hosts[1], ["DCGM_FI_DEV_GPU_TEMP", "DCGM_FI_DEV_CLOCKS_EVENT_REASONS"],
         over={"DCGM_FI_DEV_CLOCKS_EVENT_REASONS": {gg: (lambda s, v: ck.CLK_SW_POWER_CAP if c.rng.random() < 0.5 else 0) for gg in range(8)}})
    return c


@case
def t015():
    """One A100's HBM overheats (memory temperature is not exported here) and the GPU runs under SW
    thermal slowdown at a modest 71 C core temperature; power and clocks are lower, which reads like a
    power cap or a slow rank. gpu.health shows HBM at 97 C and the thermal bit; the GEMM probe is slow;
    PCIe is fine."""
    hosts = ["a100-node-061", "a100-node-062", "a100-node-063", "a100-node-064"]
    bad, g = "a100-node-062", 5
    c = mk("case-t015", "gpu_thermal_throttle", "%s/gpu%d" % (bad, g), hosts, gpu=A100, pci=ck.PCI_BUS_B)
    c.alert("TrainingThroughputLow", "bloom-ft: samples/s down 30%", job="bloom-ft")
    out = ck.deepspeed_steps(c, -700, 14, 6600, step_s=3.1, step_fn=lambda i: 3.1 * 1.3 * c.rng.uniform(0.98, 1.03),
                             mem=(47.1, 70.2))
    out += ck.app_noise(c, 3)
    c.log("a100-node-061/train.log", out)
    dcgm(c, bad, ["DCGM_FI_DEV_GPU_TEMP", "DCGM_FI_DEV_SM_CLOCK", "DCGM_FI_DEV_POWER_USAGE", "DCGM_FI_DEV_GPU_UTIL"],
         over={"DCGM_FI_DEV_GPU_TEMP": {g: ramp(-1000, -800, 60, 71)},
               "DCGM_FI_DEV_SM_CLOCK": {g: ramp(-950, -800, 1300, 1050)},
               "DCGM_FI_DEV_POWER_USAGE": {g: ramp(-950, -800, 330, 255)}})
    health(c, "gpu.health@%s/gpu%d" % (bad, g), temperature_c=71, hbm_temperature_c=97, sm_clock_mhz=1035,
           clock_event_reasons=ck.CLK_SW_THERMAL, power_w=251)
    c.gemm("gpu.gemm@%s/gpu%d" % (bad, g), tflops=201.4)
    pcie_probe(c, "gpu.pcie_bandwidth@%s/gpu%d" % (bad, g))
    health(c, "gpu.health@%s/gpu4" % bad)
    return c


@case
def t016():
    """A configuration-management run lowered the power limit of every H200 on one node to 450 W
    (nvidia-smi -pl); the node's GPUs sit at 450 W with SW power cap and lower clocks, the job slows.
    The component is the node (its power cap)."""
    hosts = ["gpu-h200-301", "gpu-h200-302", "gpu-h200-303", "gpu-h200-304"]
    bad = "gpu-h200-302"
    c = mk("case-t016", "gpu_power_throttle", bad, hosts, gpu=H200)
    c.alert("JobSlow", "mm-pretrain step time up 22% over the last 15 minutes", job="mm-pretrain", severity="warning")
    j = ck.kernel_noise(c, bad, 8, start_s=-1200)
    pid = c.rng.randrange(10 ** 5, 10 ** 6)
    j += ["%s %s ansible-ansible.legacy.command[%d]: Invoked with _raw_params=nvidia-smi -pl 450 _uses_shell=False "
          "expand_argument_vars=True stdin_add_newline=True strip_empty_ends=True" % (c.syslog(-960), bad, pid)]
    for gg in range(8):
        j.append("%s %s ansible-ansible.legacy.command[%d]: Power limit for GPU 00000000:%s:00.0 was set to 450.00 W from 700.00 W." % (
            c.syslog(-959), bad, pid, c.pci[gg].upper()))
    j.append("%s %s ansible-ansible.legacy.command[%d]: All done." % (c.syslog(-959), bad, pid))
    c.log(bad + "/journal", j)
    out = ck.megatron_iters(c, -500, 12, 61200, step_s=4.4 * 1.22, loss=2.02, gbs=2048)
    c.log("slurm/603311/stdout", out)
    cap = {gg: after(-960, lambda s, v: 447 + c.rng.uniform(0, 3)) for gg in range(8)}
    dcgm(c, bad, ["DCGM_FI_DEV_POWER_USAGE", "DCGM_FI_DEV_POWER_MGMT_LIMIT", "DCGM_FI_DEV_SM_CLOCK",
                  "DCGM_FI_DEV_CLOCKS_EVENT_REASONS"],
         over={"DCGM_FI_DEV_POWER_USAGE": cap,
               "DCGM_FI_DEV_POWER_MGMT_LIMIT": {gg: after(-960, lambda s, v: 450) for gg in range(8)},
               "DCGM_FI_DEV_SM_CLOCK": {gg: after(-960, lambda s, v: 1390 + c.rng.uniform(-40, 40)) for gg in range(8)},
               "DCGM_FI_DEV_CLOCKS_EVENT_REASONS": {gg: after(-960, lambda s, v: ck.CLK_SW_POWER_CAP) for gg in range(8)}})
    dcgm(c, hosts[0], ["DCGM_FI_DEV_POWER_USAGE", "DCGM_FI_DEV_SM_CLOCK"])
    return c


@case
def t017():
    """Every A100 of one node drops to ~800 MHz at normal temperature: HW power brake asserted by the
    baseboard after a PSU lost AC (no BMC log in the case). A CPU package-temperature kernel line on
    the node is a distraction. Only gpu.health names the reason (HW power brake slowdown) on two GPUs of
    the node, and a GPU of another node passes. Component: the node."""
    hosts = ["a100-node-081", "a100-node-082", "a100-node-083", "a100-node-084", "a100-node-085", "a100-node-086"]
    bad = "a100-node-085"
    c = mk("case-t017", "gpu_power_throttle", bad, hosts, gpu=A100)
    c.alert("TrainingThroughputLow", "ocr-large samples/s down 45% for 12m", job="ocr-large")
    out = ck.deepspeed_steps(c, -650, 14, 2301, step_s=1.9, step_fn=lambda i: 1.9 * 1.8 * c.rng.uniform(0.98, 1.03),
                             mem=(33.0, 55.4), samples=1024.0)
    c.log("a100-node-081/deepspeed.log", out)
    j = ck.kernel_noise(c, bad, 8, start_s=-1200)
    j += ["%s %s kernel: CPU14: Package temperature above threshold, cpu clock throttled (total events = 1)" % (c.syslog(-840), bad),
          "%s %s kernel: CPU14: Package temperature/speed normal" % (c.syslog(-838), bad),
          "%s %s kernel: mce: [Hardware Error]: Machine check events logged" % (c.syslog(-838), bad)]
    c.log(bad + "/journal", j)
    dcgm(c, bad, ["DCGM_FI_DEV_SM_CLOCK", "DCGM_FI_DEV_POWER_USAGE", "DCGM_FI_DEV_GPU_TEMP"],
         over={"DCGM_FI_DEV_SM_CLOCK": {gg: after(-850, lambda s, v: 810 + c.rng.uniform(-25, 25)) for gg in range(8)},
               "DCGM_FI_DEV_POWER_USAGE": {gg: after(-850, lambda s, v: 170 + c.rng.uniform(-15, 15)) for gg in range(8)},
               "DCGM_FI_DEV_GPU_TEMP": {gg: after(-850, lambda s, v: v - 9) for gg in range(8)}})
    dcgm(c, hosts[2], ["DCGM_FI_DEV_SM_CLOCK"])
    health(c, "gpu.health@%s/gpu0" % bad, sm_clock_mhz=795, power_w=166, temperature_c=44,
           clock_event_reasons=ck.CLK_HW_SLOWDOWN | ck.CLK_HW_POWER_BRAKE)
    health(c, "gpu.health@%s/gpu5" % bad, sm_clock_mhz=810, power_w=171, temperature_c=46,
           clock_event_reasons=ck.CLK_HW_SLOWDOWN | ck.CLK_HW_POWER_BRAKE)
    health(c, "gpu.health@%s/gpu0" % hosts[2])
    c.gemm("gpu.gemm@%s/gpu0" % bad, tflops=151.0)
    return c


@case
def t018():
    """One H200 left with a 500 W power limit by an earlier benchmarking session (nvidia-smi -i 3 -pl 500;
    no trace in the case's logs, and the exporter does not send the limit field). Its rank is the
    straggler; its power sits flat at ~495 W and its clocks are lower while the temperature is normal.
    gpu.health shows the limit below default and SW power cap; GEMM on it is slow."""
    hosts = ["dgx-h200-b11", "dgx-h200-b12"]
    bad, g = "dgx-h200-b12", 3
    c = mk("case-t018", "gpu_power_throttle", "%s/gpu%d" % (bad, g), hosts, gpu=H200)
    r = c.rank_of(bad, g)
    c.alert("TrainingThroughputLow", "sd3-finetune images/s 14% below baseline", job="sd3-finetune", severity="info")
    out = ck.plain_steps(c, -500, 14, 4411, step_s=1.02 * 1.14, loss=0.118)
    out += ["%s | WARNING | perf | slowest rank by forward+backward time: rank %d (%.0f ms vs median %.0f ms)" % (
        c.ymd(-300 + 60 * k), r, 1080 + c.rng.uniform(-15, 15), 940 + c.rng.uniform(-10, 10)) for k in range(4)]
    out += ck.app_noise(c, 4)
    c.log("dgx-h200-b11/train-rank0.log", out)
    dcgm(c, bad, ["DCGM_FI_DEV_POWER_USAGE", "DCGM_FI_DEV_SM_CLOCK", "DCGM_FI_DEV_GPU_TEMP"],
         over={"DCGM_FI_DEV_POWER_USAGE": {g: lambda s, v: 494 + c.rng.uniform(0, 4)},
               "DCGM_FI_DEV_SM_CLOCK": {g: lambda s, v: 1515 + c.rng.uniform(-30, 30)},
               "DCGM_FI_DEV_GPU_TEMP": {g: lambda s, v: v - 6}})
    health(c, "gpu.health@%s/gpu%d" % (bad, g), power_limit_w=500, power_w=497, sm_clock_mhz=1530,
           clock_event_reasons=ck.CLK_SW_POWER_CAP)
    c.gemm("gpu.gemm@%s/gpu%d" % (bad, g), tflops=571.8)
    c.hbm("gpu.hbm_bandwidth@%s/gpu%d" % (bad, g))
    health(c, "gpu.health@%s/gpu4" % bad)
    return c


@case
def t019():
    """One H100 whose PCIe link trained at x4 after a riser was reseated. The job streams large video
    batches host-to-device, so that rank spends longer in its input step and logs 'data time' warnings:
    it looks like an input-pipeline stall on one rank. gpu.pcie_bandwidth on it is ~12 GB/s and health
    shows Gen5 x4; a neighbour GPU passes."""
    hosts = ["h100-vid-n01", "h100-vid-n02"]
    bad, g = "h100-vid-n02", 7
    c = mk("case-t019", "pcie_link_degraded", "%s/gpu%d" % (bad, g), hosts, gpu=H100)
    r = c.rank_of(bad, g)
    c.alert("TrainingThroughputLow", "video-dit throughput down 31%", job="video-dit")
    lg = []
    for k in range(14):
        t = -600 + 40 * k
        lg.append("[rank%d]:[titan] %s - root - INFO - step: %d  loss:  0.4121  data_time: %.3fs  fwd_bwd: %.3fs  tps: 8,912" % (
            r, c.ymd_ms(t), 12010 + k, 0.61 + c.rng.uniform(-0.03, 0.05), 1.41 + c.rng.uniform(-0.02, 0.02)))
        if k % 4 == 1:
            lg.append("[rank%d]:[titan] %s - root - WARNING - data loading took 43%% of the step (>20%%); consider more "
                      "dataloader workers or pinned memory" % (r, c.ymd_ms(t + 1)))
    lg += ck.app_noise(c, 3)
    lg.append("[rank0]:[titan] %s - root - INFO - step: 12020  loss:  0.4101  data_time: 0.071s  fwd_bwd: 1.402s  tps: 8,905" % c.ymd_ms(-200))
    c.log("%s/rank%d/stdout" % (bad, r), lg)
    rx = {gg: (lambda s, v: 9.1e9 + c.rng.uniform(-4e8, 4e8)) for gg in range(8)}
    rx[g] = lambda s, v: 1.21e10 + c.rng.uniform(-2e8, 2e8)
    dcgm(c, bad, ["DCGM_FI_PROF_PCIE_RX_BYTES", "DCGM_FI_DEV_GPU_UTIL"],
         over={"DCGM_FI_PROF_PCIE_RX_BYTES": rx, "DCGM_FI_DEV_GPU_UTIL": {gg: (lambda s, v: v * 0.72) for gg in range(8)}})
    pcie_probe(c, "gpu.pcie_bandwidth@%s/gpu%d" % (bad, g), h2d=12.4, d2h=12.9)
    health(c, "gpu.health@%s/gpu%d" % (bad, g), pcie_link_width=4)
    pcie_probe(c, "gpu.pcie_bandwidth@%s/gpu6" % bad)
    c.gemm("gpu.gemm@%s/gpu%d" % (bad, g))
    return c


@case
def t020():
    """A flood of PCIe AER corrected errors (Bad DLLP, Replay Timer Timeout) on one H200's upstream port
    and its replay counter climbing thousands per minute; the job throughput sags. There is no Xid;
    the loudest alert is an unrelated disk-usage warning on the same node."""
    hosts = ["gpu-h200-411", "gpu-h200-412"]
    bad, g = "gpu-h200-411", 4
    c = mk("case-t020", "pcie_link_degraded", "%s/gpu%d" % (bad, g), hosts, gpu=H200)
    c.alert("NodeFilesystemAlmostFull", "/var/log on gpu-h200-411 is 91% full", node=bad, severity="warning",
            mountpoint="/var/log")
    d = ck.kernel_noise(c, bad, 5, fmt="dmesg")
    port = "0000:97:01.0"
    for k in range(9):
        t = -1000 + 105 * k
        d += ["%s pcieport %s: AER: Corrected error message received from %s.0" % (c.dmesg(t), port, c.bus(g)),
              "%s nvidia %s.0: PCIe Bus Error: severity=Corrected, type=Data Link Layer, (Transmitter ID)" % (c.dmesg(t), c.bus(g)),
              "%s nvidia %s.0:   device [10de:2335] error status/mask=000011c0/00002000" % (c.dmesg(t), c.bus(g)),
              "%s nvidia %s.0:    [ 7] BadDLLP" % (c.dmesg(t), c.bus(g)),
              "%s nvidia %s.0:    [12] Timeout" % (c.dmesg(t), c.bus(g))]
        if k == 4:
            d.append("%s pcieport %s: AER: 37 Corrected errors received" % (c.dmesg(t + 1), port))
    c.log(bad + "/dmesg", d)
    out = ck.fsdp_steps(c, -550, 12, 3300, step_s=1.6, step_fn=lambda i: 1.6 * 1.17 * c.rng.uniform(0.97, 1.05))
    c.log("gpu-h200-411/rank0.log", out)
    dcgm(c, bad, ["DCGM_FI_DEV_PCIE_REPLAY_COUNTER", "DCGM_FI_PROF_PCIE_RX_BYTES"],
         over={"DCGM_FI_DEV_PCIE_REPLAY_COUNTER": {g: lambda s, v: max(3, 3 + (s + 1050) * 61.5) if s > -1050 else 3}})
    c.node_metric("node_filesystem_avail_bytes", {"instance": bad, "mountpoint": "/var/log", "fstype": "xfs"},
                  lambda s: 9.1e9 - (s + 1200) * 1.3e5, 0)
    return c


@case
def t021():
    """Loss spikes that recover, then a NaN, in an FSDP run on H100: it reads like plain divergence.
    No ECC or Xid anywhere. The checksum vote (gpu.sdc) fails on one node with gpu6 the odd one out and
    passes on the other node; gpu6's health counters are clean."""
    hosts = ["h100-ml-0231", "h100-ml-0232"]
    bad, g = "h100-ml-0232", 6
    c = mk("case-t021", "gpu_silent_data_corruption", "%s/gpu%d" % (bad, g), hosts, gpu=H100)
    c.alert("TrainingLossNaN", "code-llm-7b: loss is NaN at step 20417", job="code-llm-7b")
    spikes = {3: 6.8, 9: 5.1}

    def loss(i):
        if i == 15:
            return float("nan")
        return spikes.get(i, 1.31 - 0.0006 * i + c.rng.uniform(-0.02, 0.02))
    out = ck.fsdp_steps(c, -40 - 16 * 1.7, 16, 20402, step_s=1.7, loss_fn=loss)
    out += ["[rank0]:[titan] %s - root - WARNING - loss spike at step 20405: 6.8000 > 3.0 x running mean 1.3066" % c.ymd_ms(-60),
            "[rank0]:[titan] %s - root - WARNING - loss spike at step 20411: 5.1000 > 3.0 x running mean 1.3071" % c.ymd_ms(-45),
            "[rank0]:[titan] %s - root - ERROR - non-finite loss at step 20417, stopping (last checkpoint step-20000)" % c.ymd_ms(-1)]
    out += ck.app_noise(c, 3)
    c.log("slurm/7781002/rank0.log", out)
    dcgm(c, bad, ["DCGM_FI_DEV_ECC_SBE_VOL_TOTAL", "DCGM_FI_DEV_ECC_DBE_VOL_TOTAL", "DCGM_FI_DEV_XID_ERRORS",
                  "DCGM_FI_DEV_GPU_TEMP"])
    c.sdc("gpu.sdc@%s" % hosts[0])
    c.sdc("gpu.sdc@%s" % bad, mismatched=1843, bad_gpu="gpu%d" % g)
    health(c, "gpu.health@%s/gpu%d" % (bad, g))
    c.gemm("gpu.gemm@%s/gpu%d" % (bad, g))
    return c


@case
def t022():
    """An in-house parameter checksum monitor compares data-parallel replicas after the optimizer step:
    one replica disagrees on two successive checks, always the same rank. No error, no ECC; the loss of
    that replica's micro-batches is a little off. Megatron on H200, Slurm."""
    hosts = ["gpu-h200-501", "gpu-h200-502", "gpu-h200-503", "gpu-h200-504"]
    bad, g = "gpu-h200-503", 6
    r = 2 * 8 + g
    c = mk("case-t022", "gpu_silent_data_corruption", "%s/gpu%d" % (bad, g), hosts, gpu=H200)
    c.alert("ReplicaChecksumMismatch", "pretrain-34b: DP replica checksum mismatch (2 in a row)", job="pretrain-34b")
    out = ck.megatron_iters(c, -900, 14, 88401, step_s=6.2, loss=1.74, gbs=2048)
    for k, t in enumerate((-620, -20)):
        it = 88500 + 100 * k
        out += [" [%s] [param-checksum] iteration %d: 4 DP replicas, 64 shards checked in 1.9 s" % (c.ymd(t), it),
                " [%s] [param-checksum] MISMATCH shard 17 (decoder.layers.22.mlp.linear_fc1.weight): replicas 0,1,3 "
                "crc32c=0x%08x, replica 2 crc32c=0x%08x" % (c.ymd(t), 0x9c1e4a77 + k * 0x1111, 0x3d0b9e12 + k * 0x2f03),
                " [%s] [param-checksum] replica 2 shard 17 owner: global rank %d (host %s, local rank %d)" % (c.ymd(t), r, bad, g)]
    out.append(" [%s] [param-checksum] two consecutive mismatches from the same owner; pausing job for inspection" % c.ymd(-18))
    c.log("slurm/8123001/stdout", out)
    dcgm(c, bad, ["DCGM_FI_DEV_ECC_SBE_VOL_TOTAL", "DCGM_FI_DEV_ECC_DBE_VOL_TOTAL", "DCGM_FI_DEV_GPU_TEMP"])
    return c


@case
def t023():
    """IB completion errors (retry exceeded, status 12) on ranks of three nodes, each through its own
    local HCA; every one names the same remote address, which the NCCL init lines map to node
    h100-ib-c3, and that node's kernel log shows mlx5_6's port going down. The NIC at fault is on the
    node that logged the fewest errors."""
    hosts = ["h100-ib-c1", "h100-ib-c2", "h100-ib-c3", "h100-ib-c4"]
    bad, nic = "h100-ib-c3", 6
    c = mk("case-t023", "ib_link_failure", "%s/mlx5_%d" % (bad, nic), hosts, gpu=H100)
    c.alert("SlurmJobFailed", "job 7002114 (llama-70b-pt) failed: NCCL error", job="llama-70b-pt")
    ips = {h: "10.60.%d.%d" % (12 + i, 21 + nic) for i, h in enumerate(hosts)}
    gid = {h: "a088:c203:%x:%x" % (c.rng.randrange(16, 255), c.rng.randrange(4096, 65535)) for h in hosts}
    tl = -120
    out = []
    for h in (hosts[0], bad):
        gg = nic
        out += [slurm_prefix(c.rank_of(h, gg), x) for x in ck.nccl_init(c, h, c.rank_of(h, gg), gg, 32, ip=ips[h])[:4]]
    out += ck.megatron_iters(c, tl - 6 * 5, 6, 3021, step_s=5.0, gbs=1024)
    for h in (hosts[0], hosts[1], hosts[3]):
        rk = c.rank_of(h, nic)
        pid = c.rng.randrange(10 ** 5, 10 ** 6)
        out += [slurm_prefix(rk, "%s:%d:%d [%d] transport/net_ib.cc:1696 NCCL WARN NET/IB : Got completion from peer "
                             "%s<%d> with status=12 opcode=0 len=0 vendor err 129 (Send) localGid fe80::%s remoteGids fe80::%s hca mlx5_%d" % (
                                 h, pid, pid + 88, nic, ips[bad], c.rng.randrange(30000, 60000), gid[h], gid[bad], nic)),
                slurm_prefix(rk, "%s:%d:%d [%d] NCCL INFO transport/net.cc:1301 -> 6" % (h, pid, pid + 88, nic)),
                slurm_prefix(rk, "[rank%d]: torch.distributed.DistBackendError: NCCL error in: ../torch/csrc/distributed/c10d/ProcessGroupNCCL.cpp:1970, "
                             "remote process exited or there was a network error, NCCL version 2.21.5" % rk)]
    out += ["srun: error: h100-ib-c1: task 6: Exited with exit code 1", "srun: error: h100-ib-c2: task 14: Exited with exit code 1",
            "srun: error: h100-ib-c4: task 30: Exited with exit code 1"]
    c.log("slurm/7002114/stdout", out)
    j = ck.kernel_noise(c, bad, 6)
    bus = ck.NIC_BUS[nic]
    j += ["%s %s kernel: mlx5_core 0000:%s:00.0: mlx5_port_module_event:1161:(pid 0): Port module event[error]: module 6, Cable error, Power budget exceeded" % (c.syslog(tl - 14), bad, bus),
          "%s %s kernel: mlx5_core 0000:%s:00.0 ibp%ds0: Link down" % (c.syslog(tl - 13), bad, bus, int(bus, 16)),
          "%s %s kernel: infiniband mlx5_%d: mlx5_ib_port_event: port 1 state changed to DOWN" % (c.syslog(tl - 13), bad, nic)]
    c.log(bad + "/journal", j)
    for d in range(8):
        lab = {"instance": bad, "device": "mlx5_%d" % d, "port": "1"}
        c.node_metric("node_infiniband_link_downed_total", lab,
                      (lambda s: 1 if s >= tl - 13 else 0) if d == nic else (lambda s: 0), 0)
    return c


@case
def t024():
    """All-reduce across nodes is 3x slower but nothing errors: one HCA of one node came back from a flap
    at 1X width (100 Gb/s instead of 400). A periodic ibstat dump shows it among sixteen healthy ports.
    The job-wide all-reduce probe fails while the same node's intra-node all-reduce passes, so it is
    the network, not the GPUs."""
    hosts = ["h200-ib-r5-01", "h200-ib-r5-02"]
    bad, nic = "h200-ib-r5-02", 2
    c = mk("case-t024", "ib_link_failure", "%s/mlx5_%d" % (bad, nic), hosts, gpu=H200)
    c.alert("StepTimeRegression", "olmo-ablation step time 3.1x its 24h median", job="olmo-ablation")
    out = ck.megatron_iters(c, -500, 10, 2211, step_s=2.1 * 3.1, loss=3.02, gbs=512)
    c.log("slurm/611/stdout", out)
    st = []
    for h in hosts:
        for d in range(8):
            slow = h == bad and d == nic
            st += ["%s host=%s ibstat-collector: CA 'mlx5_%d' Port 1: State: Active, Physical state: LinkUp, Rate: %d, Base lid: %d, "
                   "Link layer: InfiniBand" % (c.ymd(-300), h, d, 100 if slow else 400, 100 + 16 * hosts.index(h) + d)]
    c.log("fleet/ibstat-collector", st)
    for d in range(8):
        lab = {"instance": bad, "device": "mlx5_%d" % d, "port": "1"}
        c.node_metric("node_infiniband_link_error_recovery_total", lab,
                      (lambda s: 0 if s < -1000 else 1) if d == nic else (lambda s: 0), 0)
    c.nccl("nccl.allreduce@job", busbw=46.3)
    c.nccl("nccl.allreduce@%s" % bad, busbw=409.1)
    c.gemm("gpu.gemm@%s/gpu%d" % (bad, nic))
    return c


@case
def t025():
    """A new node image renamed the network interfaces (bond0 is gone, ports are ens7f0np0...), but the
    job still exports NCCL_SOCKET_IFNAME=bond0: every rank fails at the first collective with a bootstrap
    error. The TCPStore 'connection refused' retries on some ranks look like a network outage."""
    hosts = ["hgx-img-a1", "hgx-img-a2", "hgx-img-a3", "hgx-img-a4"]
    c = mk("case-t025", "nccl_network_misconfig", "job", hosts, gpu=H100)
    c.alert("SlurmJobFailed", "job 91201 (rlhf-ppo) failed 40 s after start, all tasks exit 1", job="rlhf-ppo")
    out = ["%s | INFO | launcher | NCCL_SOCKET_IFNAME=bond0 NCCL_IB_HCA=mlx5 NCCL_DEBUG=INFO TORCH_NCCL_ASYNC_ERROR_HANDLING=1" % c.ymd(-60)]
    out += ["[W socket.cpp:697] [c10d] The client socket has failed to connect to [hgx-img-a1]:29500 (errno: 111 - Connection refused)."] * 2
    for i, h in enumerate(hosts):
        for lg in (0, 5):
            rk = i * 8 + lg
            pid = c.rng.randrange(10 ** 5, 10 ** 6)
            out += [slurm_prefix(rk, "%s:%d:%d [%d] NCCL INFO NCCL_SOCKET_IFNAME set by environment to bond0" % (h, pid, pid, lg)),
                    slurm_prefix(rk, "%s:%d:%d [%d] bootstrap.cc:%d NCCL WARN Bootstrap : no socket interface found" % (h, pid, pid, lg, 97)),
                    slurm_prefix(rk, "%s:%d:%d [%d] NCCL INFO init.cc:1759 -> 3" % (h, pid, pid, lg))]
    out += ["0: [rank0]: torch.distributed.DistBackendError: NCCL error in: ../torch/csrc/distributed/c10d/ProcessGroupNCCL.cpp:1970, "
            "internal error - please report this issue to the NCCL developers, NCCL version 2.21.5",
            "0: [rank0]: ncclInternalError: Internal check failed.",
            "0: [rank0]: Last error:",
            "0: [rank0]: Bootstrap : no socket interface found",
            "srun: error: hgx-img-a1: tasks 0-7: Exited with exit code 1",
            "srun: error: hgx-img-a3: tasks 16-23: Exited with exit code 1"]
    c.log("slurm/91201/stdout", out)
    j = ["%s %s systemd-networkd[1201]: ens7f0np0: Link UP" % (c.syslog(-900), hosts[0]),
         "%s %s systemd-networkd[1201]: ens7f0np0: Gained carrier" % (c.syslog(-899), hosts[0]),
         "%s %s cloud-init[1422]: image hgx-2026.04.1 (netplan: ens7f0np0, ens7f1np1; no bond)" % (c.syslog(-950), hosts[0])]
    j += ck.kernel_noise(c, hosts[0], 8, start_s=-1000)
    c.log(hosts[0] + "/journal", j)
    dcgm(c, hosts[0], ["DCGM_FI_DEV_GPU_UTIL"], over={"DCGM_FI_DEV_GPU_UTIL": {gg: (lambda s, v: 0) for gg in range(8)}})
    return c


@case
def t026():
    """RoCE cluster on Kubernetes: the job template sets NCCL_IB_GID_INDEX=0 (the link-local fe80:: GID),
    which is not routable between racks. Ranks in the same rack connect; every cross-rack connection
    times out in ibv_modify_qp on every HCA at the first all-reduce. It reads like a failing IB
    fabric, but it is the same error on all nodes and all NICs, at startup."""
    hosts = ["roce-h100-r01-a", "roce-h100-r01-b", "roce-h100-r02-a", "roce-h100-r02-b"]
    c = mk("case-t026", "nccl_network_misconfig", "job", hosts, gpu=H100)
    c.alert("PyTorchJobFailed", "pytorchjob/mistral-sft failed during initialization (4/4 workers)", namespace="sft", job="mistral-sft")
    lg = ["%s [rank0] env: NCCL_IB_HCA=mlx5 NCCL_IB_GID_INDEX=0 NCCL_SOCKET_IFNAME=eth0 NCCL_NET_GDR_LEVEL=PHB" % c.ymd(-95)]
    for i, h in enumerate(hosts):
        other = hosts[(i + 2) % 4]
        for lgpu in (0, 3, 6):
            rk = i * 8 + lgpu
            pid = c.rng.randrange(100, 900)
            lgid = "fe80::%x:%x:fe%x:%x" % (c.rng.randrange(4096, 65535), c.rng.randrange(4096, 65535),
                                            c.rng.randrange(16, 255), c.rng.randrange(4096, 65535))
            rgid = "fe80::%x:%x:fe%x:%x" % (c.rng.randrange(4096, 65535), c.rng.randrange(4096, 65535),
                                            c.rng.randrange(16, 255), c.rng.randrange(4096, 65535))
            lg.append("%s:%d:%d [%d] NCCL INFO NET/IB: Dev %d Port 1 qpn %d mtu 5 GID 0 (%s)" % (
                h, pid, pid + 60, lgpu, lgpu, c.rng.randrange(200, 900), lgid))
            lg.append("%s:%d:%d [%d] transport/net_ib.cc:945 NCCL WARN NET/IB : ibv_modify_qp failed with 110 Connection timed out, "
                      "on dev mlx5_%d:1, curr state INIT, next state RTR, local GID index 0, local GID %s, remote GID %s" % (
                          h, pid, pid + 60, lgpu, lgpu, lgid, rgid))
            lg.append("%s:%d:%d [%d] NCCL INFO transport/net_ib.cc:1120 -> 2 (peer rank %d on %s)" % (h, pid, pid + 60, lgpu, ((i + 2) % 4) * 8 + lgpu, other))
    lg += ["[rank9]: torch.distributed.DistBackendError: NCCL error in: ../torch/csrc/distributed/c10d/ProcessGroupNCCL.cpp:1970, "
           "unhandled system error (run with NCCL_DEBUG=INFO for details), NCCL version 2.21.5",
           "[rank9]: ncclSystemError: System call (e.g. socket, malloc) or external library call failed or device error.",
           "[rank9]: Last error:",
           "[rank9]: NET/IB : ibv_modify_qp failed with 110 Connection timed out, on dev mlx5_1:1, curr state INIT, next state RTR"]
    c.log("sft/mistral-sft-workers (aggregated)", lg)
    ev = [k8s_event(c, -140, "Normal", "Scheduled", "pod/mistral-sft-worker-%d" % k, "Successfully assigned sft/mistral-sft-worker-%d to %s" % (k, hosts[k])) for k in range(4)]
    ev += [k8s_event(c, -10, "Warning", "Failed", "pytorchjob/mistral-sft", "PyTorchJob mistral-sft is failed because 4 Worker replica(s) failed.")]
    c.log("k8s/events", ev)
    dcgm(c, hosts[2], ["DCGM_FI_DEV_GPU_UTIL", "DCGM_FI_DEV_FB_USED"],
         over={"DCGM_FI_DEV_GPU_UTIL": {gg: after(-95, lambda s, v: 0) for gg in range(8)},
               "DCGM_FI_DEV_FB_USED": {gg: (lambda s, v: 0 if s < -100 else 1630) for gg in range(8)}})
    return c


@case
def t027():
    """Collective hang: all ranks but one time out in the same all-reduce; the flight-recorder analysis
    names the one rank that never joined it, and a py-spy dump of that rank shows its main thread
    blocked on a logging lock inherited across a fork (a process deadlock, not a GPU fault). GPU
    telemetry stays at 100% utilisation everywhere (NCCL kernels spin)."""
    hosts = ["h100-pool-c-011", "h100-pool-c-012", "h100-pool-c-013", "h100-pool-c-014"]
    bad, g = "h100-pool-c-013", 5
    r = 2 * 8 + g
    c = mk("case-t027", "nccl_collective_hang", "%s/gpu%d" % (bad, g), hosts, gpu=H100)
    c.alert("TrainingStalled", "mamba-hybrid-8b: no progress for 20 minutes", job="mamba-hybrid-8b")
    tl = -1230
    out = ck.megatron_iters(c, tl - 8 * 3.3, 8, 17730, step_s=3.3, loss=2.2, gbs=1024)
    seq = 70934
    for i, rk in enumerate((0, 7, 12, 21, 26, 31)):
        out += [slurm_prefix(rk, x) for x in ck.watchdog(c, rk, tl + 1200 + 0.2 * i, seq, numel=16777216, timeout_ms=1200000)[:2]]
    out += [slurm_prefix(0, "[rank0]:[E%s ProcessGroupNCCL.cpp:1376] [PG 0 Rank 0] ProcessGroupNCCL preparing to dump debug info." % c.glog(tl + 1201)[1:]),
            slurm_prefix(0, "[rank0]:[E%s ProcessGroupNCCL.cpp:1382] [PG 0 Rank 0] Dumped flight recorder to /scratch/fr/mamba-hybrid-8b/rank_0" % c.glog(tl + 1203)[1:])]
    c.log("slurm/5512093/stdout", out)
    fr = ["$ python -m torch.distributed.flight_recorder.fr_trace /scratch/fr/mamba-hybrid-8b -j",
          "loaded 31 of 32 rank dumps (rank %d: no dump; process did not respond to the dump signal)" % r,
          "Not all ranks joining collective 70934 at entry 412",
          "  group: default_pg, collective: nccl:all_reduce, input sizes: [[16777216]], output sizes: [[16777216]]",
          "  expected ranks: 32, joined: 31",
          "  missing ranks: {%d}" % r,
          "  last collective completed by rank %d: 70933 (nccl:all_reduce), state: completed" % r,
          "all other ranks: state scheduled/started for collective 70934"]
    c.log("oncall/fr_trace-5512093.txt", fr)
    spid = c.rng.randrange(10 ** 5, 10 ** 6)
    spy = ["$ srun --jobid 5512093 -w %s --overlap py-spy dump --pid %d" % (bad, spid),
           "Process %d: /usr/bin/python3 -u pretrain_mamba.py --tensor-model-parallel-size 4" % spid,
           "Python v3.10.12 (/usr/bin/python3.10)",
           "",
           "Thread 0x7F3A11E4B740 (idle): \"MainThread\"",
           "    acquire (threading.py:168)",
           "    handle (logging/__init__.py:966)",
           "    callHandlers (logging/__init__.py:1696)",
           "    _log (logging/__init__.py:1624)",
           "    info (logging/__init__.py:1477)",
           "    log_data_stats (megatron/training/utils.py:412)",
           "    train_step (megatron/training/training.py:731)",
           "Thread 0x7F38C57FE640 (idle): \"pt_nccl_watchdg\"",
           "    (no Python frames)"]
    c.log("oncall/py-spy-rank%d.txt" % r, spy)
    dcgm(c, bad, ["DCGM_FI_DEV_GPU_UTIL", "DCGM_FI_DEV_POWER_USAGE"],
         over={"DCGM_FI_DEV_GPU_UTIL": {gg: after(tl, lambda s, v: 100) for gg in range(8)},
               "DCGM_FI_DEV_POWER_USAGE": {gg: after(tl, lambda s, v: (v * 0.3) if gg != g else 92) for gg in range(8)}})
    health(c, "gpu.health@%s/gpu%d" % (bad, g))
    c.errored("nccl.allreduce@%s" % bad, "cudaMalloc of 2 GiB failed on gpu5: out of memory (the training process holds "
              "77.9 GiB); no result", 3.2)
    return c


@case
def t028():
    """A rank stopped by a debugger: someone attached gdb to a training process on one node to look at a
    warning and left the session open. The process is in tracing stop (ps state 't'), its 7 node peers
    and all other ranks time out in a reduce-scatter. DeepSpeed ZeRO-3, Slurm."""
    hosts = ["a100-node-101", "a100-node-102"]
    bad, g = "a100-node-102", 3
    r = 8 + g
    c = mk("case-t028", "nccl_collective_hang", "%s/gpu%d" % (bad, g), hosts, gpu=A100)
    c.alert("TrainingStalled", "t5-xxl-ft: no step logged in 30 minutes", job="t5-xxl-ft")
    tl = -1850
    out = ck.deepspeed_steps(c, tl - 20, 6, 40120, step_s=2.8)
    for i, rk in enumerate((0, 2, 6, 9, 14)):
        out += nccl_timeout_short(c, rk, tl + 1800 + i, 482211, op="_REDUCE_SCATTER_BASE", numel=125829120)
    c.log("a100-node-101/ds.log", out)
    ps = ["$ ps -eo pid,stat,etime,user,cmd --sort=pid | grep -E 'python|gdb'",
          "  %d Sl   03:12:40 mlops   /usr/bin/python -u train.py --local_rank=0 --deepspeed ds_z3.json" % 41201,
          "  %d Sl   03:12:40 mlops   /usr/bin/python -u train.py --local_rank=1 --deepspeed ds_z3.json" % 41202,
          "  %d Sl   03:12:40 mlops   /usr/bin/python -u train.py --local_rank=2 --deepspeed ds_z3.json" % 41203,
          "  %d tl   03:12:40 mlops   /usr/bin/python -u train.py --local_rank=3 --deepspeed ds_z3.json" % 41204,
          "  %d Sl   03:12:40 mlops   /usr/bin/python -u train.py --local_rank=4 --deepspeed ds_z3.json" % 41205,
          "  %d Sl   03:12:40 mlops   /usr/bin/python -u train.py --local_rank=5 --deepspeed ds_z3.json" % 41206,
          "  %d Sl   03:12:40 mlops   /usr/bin/python -u train.py --local_rank=6 --deepspeed ds_z3.json" % 41207,
          "  %d Sl   03:12:40 mlops   /usr/bin/python -u train.py --local_rank=7 --deepspeed ds_z3.json" % 41208,
          "  %d S+   00:31:05 jlee    gdb -p 41204" % 58812]
    c.log(bad + "/oncall-ps.txt", ps)
    j = ck.kernel_noise(c, bad, 6, start_s=-2000)
    j += ["%s %s sshd[58790]: Accepted publickey for jlee from 10.8.1.44 port 51322 ssh2" % (c.syslog(tl - 20), bad),
          "%s %s sudo[58811]:     jlee : TTY=pts/3 ; PWD=/home/jlee ; USER=root ; COMMAND=/usr/bin/gdb -p 41204" % (c.syslog(tl - 5), bad)]
    c.log(bad + "/journal", j)
    dcgm(c, bad, ["DCGM_FI_DEV_GPU_UTIL", "DCGM_FI_DEV_POWER_USAGE"],
         over={"DCGM_FI_DEV_GPU_UTIL": {gg: after(tl, lambda s, v: 100 if gg != g else 0) for gg in range(8)},
               "DCGM_FI_DEV_POWER_USAGE": {gg: after(tl, lambda s, v: v * 0.35 if gg != g else 62) for gg in range(8)}})
    return c


@case
def t029():
    """One rank segfaults in a C++ extension (kernel 'segfault at' line, torchrun exit -11). Its peers on
    three other nodes log IB completion errors and 'remote process exited or there was a network
    error' — the loudest lines are network errors, but the first failure is the segfault."""
    hosts = ["h200-sv-21", "h200-sv-22", "h200-sv-23", "h200-sv-24"]
    bad, g = "h200-sv-22", 6
    r = 8 + g
    c = mk("case-t029", "rank_process_crash", "%s/gpu%d" % (bad, g), hosts, gpu=H200)
    c.alert("SlurmJobFailed", "job 330291 (dit-xl-video) failed, NCCL errors on 24 ranks", job="dit-xl-video")
    tl = -50
    pid = c.rng.randrange(10 ** 5, 10 ** 6)
    j = ck.kernel_noise(c, bad, 6)
    j.append("%s %s kernel: pt_main_thread[%d]: segfault at 18 ip 00007f9c2a41d8b6 sp 00007ffc1f0e7a40 error 4 in "
             "flash_attn_2_cuda.cpython-310-x86_64-linux-gnu.so[7f9c2a000000+1c4a000] likely on CPU 87 (core 23, socket 1)" % (c.syslog(tl), bad, pid))
    j.append("%s %s kernel: Code: 48 8b 47 18 48 85 c0 74 0a 48 8b 00 c3 0f 1f 44 00 00 31 c0 c3 <48> 8b 40 18 c3" % (c.syslog(tl), bad))
    c.log(bad + "/journal", j)
    out = ck.plain_steps(c, tl - 10 * 1.2, 10, 5502, step_s=1.2, loss=0.71)
    for h in (hosts[0], hosts[2], hosts[3]):
        for lgpu in (1, 6):
            rk = c.rank_of(h, lgpu)
            p2 = c.rng.randrange(10 ** 5, 10 ** 6)
            out.append(slurm_prefix(rk, "%s:%d:%d [%d] NCCL WARN NET/IB : Got completion from peer 10.22.1.%d<%d> with status=12 opcode=0 len=0 vendor err 129 (Recv) hca mlx5_%d" % (
                h, p2, p2 + 40, lgpu, 32 + g, c.rng.randrange(30000, 60000), lgpu)))
        out.append(slurm_prefix(c.rank_of(h, 1), "[rank%d]: ncclRemoteError: A call failed possibly due to a network error or a remote process exiting prematurely." % c.rank_of(h, 1)))
    out += ck.elastic_failure(c, tl + 1, bad, r, g, -11, pid=pid, sig="SIGSEGV")
    c.log("slurm/330291/stdout", out)
    dcgm(c, bad, ["DCGM_FI_DEV_GPU_UTIL", "DCGM_FI_DEV_XID_ERRORS"],
         over={"DCGM_FI_DEV_GPU_UTIL": {gg: after(tl, lambda s, v: 0) for gg in range(8)}})
    return c


@case
def t030():
    """Kubernetes job: one worker's Python raised KeyError in a custom collate function on a malformed
    sample and exited 1; the other workers then fail on the broken TCPStore and NCCL connections
    ('Connection reset by peer'). The k8s events show the first container to terminate."""
    hosts = ["gke-a3-h100-pool-4j2d", "gke-a3-h100-pool-9wq1", "gke-a3-h100-pool-k7xz"]
    bad, g = "gke-a3-h100-pool-9wq1", 2
    r = 8 + g
    c = mk("case-t030", "rank_process_crash", "%s/gpu%d" % (bad, g), hosts, gpu=H100)
    c.alert("PyTorchJobFailed", "pytorchjob/whisper-ft failed", namespace="speech", job="whisper-ft")
    tl = -70
    w1 = ["[rank%d]: Traceback (most recent call last):" % r,
          '[rank%d]:   File "/app/train.py", line 288, in <module>' % r,
          "[rank%d]:     for step, batch in enumerate(loader):" % r,
          '[rank%d]:   File "/usr/local/lib/python3.11/site-packages/torch/utils/data/dataloader.py", line 701, in __next__' % r,
          '[rank%d]:   File "/app/data/collate.py", line 57, in collate_audio' % r,
          "[rank%d]:     lengths = [x[\"input_features_len\"] for x in batch]" % r,
          "[rank%d]: KeyError: 'input_features_len'" % r,
          "E%s 1 torch/distributed/elastic/multiprocessing/api.py:869] failed (exitcode: 1) local_rank: %d (pid: 87) of binary: /usr/bin/python" % (c.glog(tl + 1)[1:], g)]
    w1 = ck.fsdp_steps(c, tl - 8 * 0.9, 8, 9901, step_s=0.9, rank=r, loss=0.52) + w1
    c.log("speech/whisper-ft-worker-1/pytorch", w1)
    w0 = ["[rank3]:[W%s socket.cpp:462] [c10d] Connection reset by peer; retrying (attempt 1/3)" % c.glog(tl + 2)[1:],
          "[rank3]: torch.distributed.DistBackendError: [3] is setting up NCCL communicator and retrieving ncclUniqueId from [0] via c10d key-value store by key '1', but store->get('1') got error: Connection reset by peer",
          "[rank0]:[E%s ProcessGroupNCCL.cpp:1316] [PG 0 Rank 0] NCCL watchdog thread terminated with exception: NCCL error: remote process exited or there was a network error, NCCL version 2.20.5" % c.glog(tl + 4)[1:],
          "[rank0]: ncclRemoteError: A call failed possibly due to a network error or a remote process exiting prematurely.",
          "[rank0]: Last error:",
          "[rank0]: socketProgressOpt: Call to recv from 10.128.0.41<49282> failed : Connection reset by peer"]
    c.log("speech/whisper-ft-worker-0/pytorch", w0)
    ev = [k8s_event(c, tl + 2, "Normal", "Killing", "pod/whisper-ft-worker-1", "Stopping container pytorch (exit code 1, reason Error)"),
          k8s_event(c, tl + 6, "Normal", "Killing", "pod/whisper-ft-worker-0", "Stopping container pytorch (exit code 1, reason Error)"),
          k8s_event(c, tl + 7, "Normal", "Killing", "pod/whisper-ft-worker-2", "Stopping container pytorch (exit code 1, reason Error)"),
          k8s_event(c, tl + 9, "Warning", "JobFailed", "pytorchjob/whisper-ft", "PyTorchJob whisper-ft is failed because 1 Worker replica(s) failed.")]
    c.log("k8s/events", ev)
    dcgm(c, bad, ["DCGM_FI_DEV_GPU_UTIL", "DCGM_FI_DEV_FB_USED"],
         over={"DCGM_FI_DEV_GPU_UTIL": {gg: after(tl, lambda s, v: 0) for gg in range(8)},
               "DCGM_FI_DEV_FB_USED": {gg: after(tl + 10, lambda s, v: 0) for gg in range(8)}})
    return c


OOM_TAIL = ("If reserved but unallocated memory is large try setting PYTORCH_CUDA_ALLOC_CONF=expandable_segments:True to "
            "avoid fragmentation.  See documentation for Memory Management  "
            "(https://pytorch.org/docs/stable/notes/cuda.html#environment-variables)")


@case
def t031():
    """A relaunch doubled the sequence length (4096 -> 8192) without lowering the micro-batch. The last
    pipeline stage (logits and loss over a 152k vocabulary) runs out of GPU memory on all of its ranks
    at the first step; the other stages log NCCL watchdog timeouts, which are the loudest lines.
    The cause is the job's configuration."""
    hosts = ["h200-pp-01", "h200-pp-02", "h200-pp-03", "h200-pp-04"]
    c = mk("case-t031", "cuda_oom", "job", hosts, gpu=H200)
    c.alert("SlurmJobFailed", "job 4410021 (qwen-long-ctx) failed 11 minutes after start", job="qwen-long-ctx")
    tl = -660
    out = [" [%s] using world size: 32, data-parallel size: 1, context-parallel size: 1, tensor-model-parallel size: 8, "
           "pipeline-model-parallel size: 4" % c.ymd(tl - 60),
           " [%s] ------------------------ arguments ------------------------" % c.ymd(tl - 60),
           "  micro_batch_size ................................ 2",
           "  seq_length ...................................... 8192",
           "  max_position_embeddings ......................... 8192",
           "  padded_vocab_size ............................... 152064",
           " [%s] -------------------- end of arguments ---------------------" % c.ymd(tl - 60)]
    out += ck.app_noise(c, 3)
    for lg in (0, 3, 5):
        rk = 24 + lg
        out += [slurm_prefix(rk, "[rank%d]: torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 9.28 GiB. GPU %d has a total "
                             "capacity of 139.81 GiB of which 6.12 GiB is free. Including non-PyTorch memory, this process has 133.67 GiB "
                             "memory in use. Of the allocated memory 121.40 GiB is allocated by PyTorch, and 10.96 GiB is reserved by "
                             "PyTorch but unallocated. %s" % (rk, lg, OOM_TAIL)),
                slurm_prefix(rk, '[rank%d]:   File "/workspace/megatron/core/tensor_parallel/cross_entropy.py", line 142, in forward' % rk)]
    for i, rk in enumerate((0, 6, 9, 15, 17, 22)):
        out += [slurm_prefix(rk, x) for x in ck.watchdog(c, rk, tl + 600 + 0.3 * i, 33, op="RECV", numel=67108864, timeout_ms=600000)[:2]]
    out += ["srun: error: h200-pp-04: tasks 24-31: Exited with exit code 1",
            "srun: error: h200-pp-01: tasks 0-7: Aborted (core dumped)"]
    c.log("slurm/4410021/stdout", out)
    dcgm(c, hosts[3], ["DCGM_FI_DEV_FB_USED", "DCGM_FI_DEV_GPU_UTIL"],
         over={"DCGM_FI_DEV_FB_USED": {gg: after(tl - 30, lambda s, v: 136900 + c.rng.uniform(-400, 400)) for gg in range(8)},
               "DCGM_FI_DEV_GPU_UTIL": {gg: after(tl + 2, lambda s, v: 0) for gg in range(8)}})
    dcgm(c, hosts[0], ["DCGM_FI_DEV_FB_USED"])
    return c


@case
def t032():
    """A previous job's process (a zombie left by a crashed container) still holds 31 GiB on one H100.
    The new job's rank on that GPU runs out of memory; the OOM message lists both processes; the DCGM
    framebuffer series of that GPU was already high before the job started."""
    hosts = ["h100-pool-d-050", "h100-pool-d-051"]
    bad, g = "h100-pool-d-051", 2
    r = 8 + g
    c = mk("case-t032", "cuda_oom", "%s/gpu%d" % (bad, g), hosts, gpu=H100)
    c.alert("SlurmJobFailed", "job 2219034 (sdxl-lora) failed at step 0", job="sdxl-lora")
    tl = -240
    out = ck.app_noise(c, 4)
    out += ["[rank%d]: Traceback (most recent call last):" % r,
            '[rank%d]:   File "/code/train_lora.py", line 512, in main' % r,
            "[rank%d]:     unet = unet.to(accelerator.device, dtype=weight_dtype)" % r,
            "[rank%d]: torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 2.00 GiB. GPU 2 has a total capacity of "
            "79.10 GiB of which 1.06 GiB is free. Process 88213 has 31.20 GiB memory in use. Process 90127 has 46.81 GiB memory "
            "in use. Of the allocated memory 45.12 GiB is allocated by PyTorch, and 1.02 GiB is reserved by PyTorch but "
            "unallocated. %s" % (r, OOM_TAIL),
            "[rank%d]:[W%s ProcessGroupNCCL.cpp:1250] Warning: WARNING: process group has NOT been destroyed before we destruct "
            "ProcessGroupNCCL." % (r, c.glog(tl + 1)[1:]),
            "srun: error: %s: task %d: Exited with exit code 1" % (bad, r),
            "srun: Job step aborted: Waiting up to 32 seconds for job step to finish."]
    out = ck.plain_steps(c, tl - 200, 0, 0) + ["%s | INFO | accelerate | Distributed environment: MULTI_GPU  Backend: nccl, "
                                                "Num processes: 16, Process index: %d, Local process index: %d, Device: cuda:%d" % (
                                                    c.ymd(tl - 30), r, g, g)] + out
    c.log("slurm/2219034/stdout", out)
    j = ck.kernel_noise(c, bad, 8, start_s=-1200)
    j += ["%s %s slurmstepd[81022]: error: *** JOB 2218877 ON %s CANCELLED AT %s ***" % (c.syslog(-1150), bad, bad, c.iso(-1150)[:-1]),
          "%s %s slurmstepd[81022]: error: Failed to kill process 88213 in job 2218877: process in uninterruptible sleep" % (c.syslog(-1090), bad),
          "%s %s slurmstepd[81022]: done with job" % (c.syslog(-1088), bad)]
    c.log(bad + "/journal", j)
    fb = {gg: (lambda s, v: 0 if s < tl - 30 else 47900 + c.rng.uniform(-50, 50)) for gg in range(8)}
    fb[g] = lambda s, v: 31950 + c.rng.uniform(-5, 5) if s < tl - 30 else 79000
    dcgm(c, bad, ["DCGM_FI_DEV_FB_USED"], over={"DCGM_FI_DEV_FB_USED": fb})
    return c


@case
def t033():
    """An illegal memory access (Xid 31 MMU fault, CUDA 'an illegal memory access was encountered') in a
    custom Triton kernel on one H200 at step 1520. Slurm requeues the job excluding that node; the same
    fault hits a different GPU on a different node at the same step (same data order). The GPU's
    health probe is clean. The cause is the code, not a GPU."""
    hosts = ["h200-res-12", "h200-res-13", "h200-res-14", "h200-res-15"]  # the second allocation
    c = mk("case-t033", "illegal_memory_access", "job", hosts, gpu=H200)
    c.alert("SlurmJobRequeueFailed", "job 662100 (sparse-attn-exp) failed twice with CUDA errors", job="sparse-attn-exp")
    t1, t2 = -1100, -60
    d = ck.kernel_noise(c, "h200-res-11", 4, fmt="dmesg")
    d.append(xid(c, t1, 1, 31, "Ch 00000018, intr 00000000. MMU Fault: ENGINE GRAPHICS GPCCLIENT_T1_2 faulted @ 0x7f2c_8e400000. "
                 "Fault is of type FAULT_PDE ACCESS_TYPE_VIRT_READ", pid=31207))
    c.log("h200-res-11/dmesg", d)
    d2 = ck.kernel_noise(c, "h200-res-13", 4, fmt="dmesg")
    d2.append(xid(c, t2, 4, 31, "Ch 00000020, intr 00000000. MMU Fault: ENGINE GRAPHICS GPCCLIENT_T1_5 faulted @ 0x7f11_02a00000. "
                  "Fault is of type FAULT_PDE ACCESS_TYPE_VIRT_READ", pid=77120))
    c.log("h200-res-13/dmesg", d2)
    out = []
    for t, rk in ((t1, 1), (t2, 12)):  # first allocation h200-res-11..14: rank 1 = res-11/gpu1; second: rank 12 = res-13/gpu4
        out += ["[%s] step 1519 | loss 2.8812 | lr 3.0e-04 | tok/s 1.21M" % c.ymd(t - 2),
                "[rank%d]: Traceback (most recent call last):" % rk,
                '[rank%d]:   File "/home/exp/sparse_attn/kernels/block_sparse.py", line 211, in _fwd' % rk,
                "[rank%d]:     _block_sparse_attn_fwd[grid](q, k, v, layout, out, BLOCK=128, num_warps=8)" % rk,
                "[rank%d]: RuntimeError: CUDA error: an illegal memory access was encountered" % rk,
                "[rank%d]: For debugging consider passing CUDA_LAUNCH_BLOCKING=1" % rk]
    out.insert(6, "slurmctld: requeue JobId=662100 (exclude h200-res-11), new nodes h200-res-12,h200-res-13,h200-res-14,h200-res-15")
    out += ck.app_noise(c, 5)
    c.log("slurm/662100/stdout", out)
    dcgm(c, "h200-res-13", ["DCGM_FI_DEV_XID_ERRORS", "DCGM_FI_DEV_GPU_UTIL"],
         over={"DCGM_FI_DEV_XID_ERRORS": {4: after(t2, lambda s, v: 31)}})
    health(c, "gpu.health@h200-res-11/gpu1", xid_last=31)
    health(c, "gpu.health@h200-res-13/gpu4", xid_last=31)
    c.sdc("gpu.sdc@h200-res-11")
    return c


@case
def t034():
    """A tokenizer update added special tokens but the embedding table was not resized: a batch with a new
    token id hits the index-out-of-bounds device assert on one rank ('device-side assert triggered'); the
    peers then fail on the broken NCCL connection. After a restart from the last checkpoint the assert
    fires on another rank on another node. FSDP, torchtitan, Slurm."""
    hosts = ["h100-pool-e-201", "h100-pool-e-202", "h100-pool-e-203"]
    c = mk("case-t034", "illegal_memory_access", "job", hosts, gpu=H100)
    c.alert("SlurmJobFailed", "job 5120111 (chat-sft-v4) failed again after restart", job="chat-sft-v4")
    out = ["[rank0]:[titan] %s - root - INFO - tokenizer /data/tok/chat-v4: vocab size 128264 (added 8 special tokens); "
           "model vocab_size 128256" % c.ymd_ms(-1500)]
    for t, rk in ((-1110, 13), (-80, 19)):
        out += ck.fsdp_steps(c, t - 6 * 1.5, 6, 700 if t < -500 else 650, step_s=1.5)
        out += ["[rank%d]: ../aten/src/ATen/native/cuda/Indexing.cu:1369: indexSelectLargeIndex: block: [%d,0,0], thread: [%d,0,0] "
                "Assertion `srcIndex < srcSelectDimSize` failed." % (rk, c.rng.randrange(100, 900), c.rng.randrange(0, 128)) for _ in range(3)]
        out += ["[rank%d]: RuntimeError: CUDA error: device-side assert triggered" % rk,
                "[rank%d]: Compile with `TORCH_USE_CUDA_DSA` to enable device-side assertions." % rk,
                "[rank0]:[titan] %s - root - ERROR - rank %d failed; job will be restarted from step-600 (restart %d/3)" % (
                    c.ymd_ms(t + 5), rk, 1 if t < -500 else 2)]
    c.log("slurm/5120111/stdout", out)
    dcgm(c, hosts[1], ["DCGM_FI_DEV_XID_ERRORS", "DCGM_FI_DEV_GPU_UTIL"],
         over={"DCGM_FI_DEV_XID_ERRORS": {5: after(-1110, lambda s, v: 43)}})
    return c


@case
def t035():
    """ZeRO-Offload keeps optimizer state in host memory; one node booted with half its DIMMs disabled
    (EDAC at boot) and has 1 TiB instead of 2 TiB. The kernel OOM killer ends one training process there
    (exit -9, which reads like a crash); the rest of the job fails on NCCL. Component: that node."""
    hosts = ["a100-big-07", "a100-big-08", "a100-big-09"]
    bad = "a100-big-08"
    c = mk("case-t035", "host_oom", bad, hosts, gpu=A100)
    c.alert("SlurmJobFailed", "job 88120 (opt-30b-offload) failed: a task was killed by signal 9", job="opt-30b-offload")
    tl = -130
    j = ["%s %s kernel: EDAC MC1: 4 CE memory read error on CPU_SrcID#1_MC#1_Chan#0_DIMM#0 (channel:0 slot:0 page:0x0 offset:0x0 grain:32 syndrome:0x0)" % (c.syslog(-1190), bad),
         "%s %s kernel: EDAC skx: DIMM P1_DIMMA1 disabled by BIOS (memory training failure); 8 of 16 DIMMs online" % (c.syslog(-1190), bad),
         "%s %s kernel: pt_main_thread invoked oom-killer: gfp_mask=0x140dca(GFP_HIGHUSER_MOVABLE|__GFP_COMP|__GFP_ZERO), order=0, oom_score_adj=0" % (c.syslog(tl), bad),
         "%s %s kernel: Mem-Info:" % (c.syslog(tl), bad),
         "%s %s kernel: active_anon:251873112 inactive_anon:10221 isolated_anon:0" % (c.syslog(tl), bad),
         "%s %s kernel: oom-kill:constraint=CONSTRAINT_NONE,nodemask=(null),cpuset=/,mems_allowed=0-1,global_oom,task_memcg=/system.slice/slurmstepd.scope/job_88120/step_0/user/task_3,task=python,pid=220411,uid=1009" % (c.syslog(tl), bad),
         "%s %s kernel: Out of memory: Killed process 220411 (python) total-vm:1107812232kB, anon-rss:126412200kB, file-rss:512340kB, shmem-rss:1024kB, UID:1009 pgtables:251204kB oom_score_adj:0" % (c.syslog(tl), bad)]
    j += ck.kernel_noise(c, bad, 6)
    c.log(bad + "/journal", j)
    out = ck.deepspeed_steps(c, tl - 30, 8, 1401, step_s=6.5, mem=(22.4, 61.9))
    out += ["[%s] [INFO] [stage3.py:2131:step] [deepspeed] CPU Adam offload: optimizer state 702.4 GB host memory per node" % c.ymd_ms(tl - 300),
            "[%s] [ERROR] [launch.py:325:sigkill_handler] ['/usr/bin/python', '-u', 'train.py', '--local_rank=3'] exits with return code = -9" % c.ymd_ms(tl + 2),
            "%s:%d:%d [1] NCCL WARN Net : Connection closed by remote peer a100-big-08.cluster<52211>" % (hosts[0], 88123, 88190),
            "[rank1]: ncclRemoteError: A call failed possibly due to a network error or a remote process exiting prematurely."]
    c.log("a100-big-07/deepspeed.log", out)
    for h in hosts:
        tot = 1.0995e12 if h == bad else 2.199e12
        c.node_metric("node_memory_MemTotal_bytes", {"instance": h}, lambda s, tot=tot: tot, 0)
        c.node_metric("node_memory_MemAvailable_bytes", {"instance": h},
                      (lambda s, tot=tot: max(1.1e9, tot - 0.72e12 - 3.78e11 * min(1.0, (s + 1100) / 900.0)) if s < tl else tot * 0.93)
                      if h == bad else (lambda s, tot=tot: tot - 1.08e12 + c.rng.uniform(-1e9, 1e9)), 0)
    return c


@case
def t036():
    """Kubernetes pod with a 240 GiB memory limit; a data-loading change increased prefetching and the
    container's memory cgroup hits its limit: the kernel kills a DataLoader worker, and PyTorch reports
    'DataLoader worker (pid N) is killed by signal: Killed', which reads like an input-pipeline stall.
    The OOM is the host memory of that pod's node."""
    hosts = ["aks-ndh100v5-31042", "aks-ndh100v5-31043"]
    bad = "aks-ndh100v5-31043"
    c = mk("case-t036", "host_oom", bad, hosts, gpu=H100)
    c.alert("PodOOMKilled", "container trainer in pod vlm-pt-worker-1 terminated: OOMKilled (exit 137)", namespace="vlm",
            pod="vlm-pt-worker-1", node=bad)
    tl = -90
    j = ["%s %s kernel: pt_data_worker invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, oom_score_adj=936" % (c.syslog(tl), bad),
         "%s %s kernel: memory: usage 251658240kB, limit 251658240kB, failcnt 1873" % (c.syslog(tl), bad),
         "%s %s kernel: Memory cgroup stats for /kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod7d2a91e3.slice:" % (c.syslog(tl), bad),
         "%s %s kernel: oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=cri-containerd-4b1e.scope,mems_allowed=0-1,oom_memcg=/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod7d2a91e3.slice,task=pt_data_worker,pid=4412,uid=0" % (c.syslog(tl), bad),
         "%s %s kernel: Memory cgroup out of memory: Killed process 4412 (pt_data_worker) total-vm:38812344kB, anon-rss:21012412kB, file-rss:81232kB, shmem-rss:4194304kB, UID:0 pgtables:42112kB oom_score_adj:936" % (c.syslog(tl), bad)]
    j += ck.kernel_noise(c, bad, 5)
    c.log(bad + "/journal", j)
    lg = ck.fsdp_steps(c, tl - 10 * 2.1, 10, 3310, step_s=2.1, rank=8)
    lg += ["[rank8]: RuntimeError: DataLoader worker (pid 4412) is killed by signal: Killed. ",
           "[rank8]: RuntimeError: DataLoader worker (pid(s) 4412) exited unexpectedly",
           "[rank8]: data: prefetch_factor=16 num_workers=12 per rank (was prefetch_factor=4)"]
    c.log("vlm/vlm-pt-worker-1/trainer", lg)
    ev = [k8s_event(c, tl + 1, "Warning", "OOMKilling", "node/" + bad, "Memory cgroup out of memory: Killed process 4412 (pt_data_worker)"),
          k8s_event(c, tl + 3, "Normal", "Killing", "pod/vlm-pt-worker-1", "Container trainer terminated (OOMKilled, exit code 137)")]
    c.log("k8s/events", ev)
    c.node_metric("container_memory_working_set_bytes", {"namespace": "vlm", "pod": "vlm-pt-worker-1", "container": "trainer", "node": bad},
                  lambda s: min(2.576e11, 1.6e11 + (s + 1200) * 9.0e7) if s < tl else 3.1e10, 0)
    c.node_metric("container_memory_working_set_bytes", {"namespace": "vlm", "pod": "vlm-pt-worker-0", "container": "trainer", "node": hosts[0]},
                  lambda s: 1.71e11 + c.rng.uniform(-2e9, 2e9), 0)
    return c


@case
def t037():
    """Plain divergence right after warm-up ends at a high peak LR: grad norm climbs over ~15 iterations on
    every replica, the loss spikes, then NaN. Megatron's NaN check fires first on one rank and names
    its node and GPU, which points at a faulty GPU; the checksum vote on that node passes and its health
    is clean."""
    hosts = ["gpu-h200-601", "gpu-h200-602", "gpu-h200-603", "gpu-h200-604"]
    c = mk("case-t037", "loss_divergence", "job", hosts, gpu=H200)
    c.alert("TrainingLossNaN", "llm-3b-hparam-sweep-lr6e-3: NaN detected, job stopped", job="llm-3b-hparam-sweep-lr6e-3")
    n = 16

    def lo(i):
        return float("nan") if i == n - 1 else 2.61 + (0 if i < 6 else 0.09 * (i - 5) ** 1.6)

    def gn(i):
        return float("nan") if i == n - 1 else 0.9 * (1.55 ** i)
    out = ck.megatron_iters(c, -5 - n * 1.9, n, 2001, step_s=1.9, loss_fn=lo, grad_fn=gn, lr=6.0e-3, gbs=512)
    out.insert(2, " [%s] learning rate warmup finished at iteration 2000 (peak lr 6.000E-03)" % c.ymd(-30))
    out += ["[rank22]: RuntimeError: Rank 22: found NaN in local grad norm in backward pass before data-parallel communication "
            "collective. Device: 6, node: gpu-h200-603",
            "[rank0]: [%s] iteration 2016: skipping checkpoint, non-finite state" % c.ymd(-3)]
    out += ck.app_noise(c, 3)
    c.log("slurm/900412/stdout", out)
    dcgm(c, "gpu-h200-603", ["DCGM_FI_DEV_ECC_SBE_VOL_TOTAL", "DCGM_FI_DEV_ECC_DBE_VOL_TOTAL", "DCGM_FI_DEV_XID_ERRORS"])
    c.sdc("gpu.sdc@gpu-h200-603")
    health(c, "gpu.health@gpu-h200-603/gpu6")
    return c


@case
def t038():
    """Lightning/NeMo run resumed from a checkpoint with the LR scheduler state dropped, so LR restarted at
    its peak 10x higher than where it was; in bf16 there is no loss scaling and no NaN, the loss jumps
    from 1.9 to above 9 and stays there. No hardware signal."""
    hosts = ["h100-nemo-41", "h100-nemo-42"]
    c = mk("case-t038", "loss_divergence", "job", hosts, gpu=H100)
    c.alert("TrainingLossSpike", "nemo-gpt-20b: train loss 9.7 vs 1.9 one hour ago", job="nemo-gpt-20b")
    lines = ["[NeMo I %s exp_manager:394] Resuming training from checkpoint: /results/ckpt/megatron_gpt--step=42000-consumed_samples=43008000.0.ckpt" % c.ymd(-1150),
             "[NeMo W %s nlp_overrides:612] optimizer state found, lr_scheduler state missing in checkpoint; scheduler re-initialised (warmup_steps=0)" % c.ymd(-1149)]
    for k in range(20):
        t = -1100 + 55 * k
        loss = 1.91 + c.rng.uniform(-0.03, 0.03) if k < 4 else min(9.9, 1.9 + 2.1 * (k - 3)) + c.rng.uniform(-0.1, 0.1)
        gnorm = 0.31 * c.rng.uniform(0.9, 1.1) if k < 4 else 38.0 * (k - 3) * c.rng.uniform(0.8, 1.2)
        lines.append("Epoch 0: :  %d%%|%s| %d/100000 [%s, reduced_train_loss=%.3f, global_step=%d.0, consumed_samples=%d.0, "
                     "train_step_timing in s=2.610, lr=%.2e, grad_norm=%.3g]" % (
                         42 + k // 8, "#" * 4, 42001 + k * 20, c.ymd(t), loss, 42001 + k * 20, (42001 + k * 20) * 1024,
                         3.0e-4, gnorm))
    lines += ck.app_noise(c, 2)
    c.log("h100-nemo-41/nemo_log_globalrank-0.txt", lines)
    c.node_metric("train_loss", {"job": "nemo-gpt-20b"}, lambda s: 1.9 + c.rng.uniform(-0.04, 0.04) if s < -880 else min(9.8, 1.9 + (s + 880) * 0.038), 3)
    dcgm(c, hosts[0], ["DCGM_FI_DEV_GPU_UTIL", "DCGM_FI_DEV_XID_ERRORS"])
    return c


@case
def t039():
    """DeepSpeed fp16: a run of overflows drives the dynamic loss scale down to its minimum, DeepSpeed
    stops the run. Some ranks printed 'grad norm: nan', which reads like divergence."""
    hosts = ["a100-ds-03", "a100-ds-04"]
    c = mk("case-t039", "fp16_loss_scale_collapse", "job", hosts, gpu=A100)
    c.alert("TrainingJobFailed", "gpt-neox-6b-fp16 exited with error", job="gpt-neox-6b-fp16")
    out = []
    scale = 2048
    t = -400
    for k in range(12):
        t += 16
        out.append("[%s] [INFO] [fused_optimizer.py:363:_update_scale] [deepspeed] OVERFLOW! Rank 0 Skipping step. Attempted loss scale: %d, reducing to %d" % (
            c.ymd_ms(t), scale, max(1, scale // 2)))
        scale = max(1, scale // 2)
        if k % 3 == 0:
            out.append("[%s] [INFO] [logging.py:96:log_dist] [Rank 0] step=%d, skipped=%d, lr=[5.8e-05], mom=[(0.9, 0.95)]" % (
                c.ymd_ms(t + 1), 18020 + k, 3 + k))
            out.append("[%s] [INFO] [train.py:301] step %d loss %.4f grad norm: nan" % (c.ymd_ms(t + 1), 18020 + k, 2.41 + 0.05 * k))
    out += ["[%s] [INFO] [fused_optimizer.py:363:_update_scale] [deepspeed] OVERFLOW! Rank 0 Skipping step. Attempted loss scale: 1, but hysteresis is 2. Reducing hysteresis to 1" % c.ymd_ms(-15),
            "Traceback (most recent call last):",
            '  File "/opt/deepspeed/runtime/fp16/loss_scaler.py", line 183, in update_scale',
            '    raise Exception("Current loss scale already at minimum - cannot decrease scale anymore. Exiting run.")',
            "Exception: Current loss scale already at minimum - cannot decrease scale anymore. Exiting run."]
    out = ck.deepspeed_steps(c, -700, 6, 18000, step_s=2.0) + out
    c.log("a100-ds-03/ds_train.log", out)
    c.node_metric("deepspeed_loss_scale", {"job": "gpt-neox-6b-fp16"}, lambda s: 65536 if s < -400 else max(1, 2048 / 2 ** ((s + 400) // 16)), 0)
    return c


@case
def t040():
    """fairseq fp16: gradient overflows every few updates, the loss scale halves until fairseq's minimum
    and the run aborts with 'Minimum loss scale reached'. The grad norms before were inf, not a slow
    climb."""
    hosts = ["a100-mt-01"]
    c = mk("case-t040", "fp16_loss_scale_collapse", "job", hosts, gpu=A100, pci=ck.PCI_BUS_B)
    c.alert("TrainingJobFailed", "nllb-distill exited 1", job="nllb-distill", node="a100-mt-01")
    out = []
    t = -900
    for k in range(22):
        t += 38
        if k < 4:
            out.append("%s | INFO | train_inner | epoch 007:   %d / 2810 loss=3.412, nll_loss=1.702, ppl=3.25, wps=96211.4, ups=2.31, "
                       "wpb=41644.2, bsz=1398.1, num_updates=%d, lr=0.000412, gnorm=0.522, loss_scale=8, train_wall=43, gb_free=21.4, wall=81200" % (
                           c.ymd(t), 400 + 100 * k, 19100 + 100 * k))
        else:
            sc = 8 / 2 ** (k - 3)
            out.append("%s | INFO | fairseq.trainer | NOTE: gradient overflow detected, ignoring gradient, setting loss scale to: %s" % (c.ymd(t), repr(sc)))
    out += ["%s | WARNING | fairseq.trainer | gnorm=inf at update 19612" % c.ymd(-55),
            "Traceback (most recent call last):",
            '  File "/usr/local/lib/python3.10/dist-packages/fairseq/optim/dynamic_loss_scaler.py", line 61, in check_overflow',
            "FloatingPointError: Minimum loss scale reached (0.0001). Your loss is probably exploding. Try lowering the learning "
            "rate, using gradient clipping or increasing the batch size."]
    c.log("a100-mt-01/fairseq-train.log", out)
    dcgm(c, "a100-mt-01", ["DCGM_FI_DEV_GPU_UTIL"])
    return c


@case
def t041():
    """FP8 delayed scaling with TransformerEngine: an in-house FP8 monitor shows the amax history of one
    layer turning inf and its scale collapsing to 0; a few steps later the loss is NaN. The NaN loss
    is the loud part."""
    hosts = ["h100-fp8-01", "h100-fp8-02", "h100-fp8-03", "h100-fp8-04"]
    c = mk("case-t041", "fp8_scaling_overflow", "job", hosts, gpu=H100)
    c.alert("TrainingLossNaN", "fp8-llama-70b: loss NaN at iteration 30917", job="fp8-llama-70b")
    n = 12
    out = ck.megatron_iters(c, -10 - n * 6.0, n, 30906, step_s=6.0, loss_fn=lambda i: float("nan") if i >= n - 1 else 1.68 + 0.01 * max(0, i - 7),
                            gbs=2048)
    mon = []
    for k, (amax, sc) in enumerate(((412.0, 1.087), (448.0, 1.0), ("inf", 0.0), ("inf", 0.0))):
        t = -40 + 8 * k
        mon.append(" [%s] fp8-monitor: iter %d decoder.layers.61.mlp.linear_fc2 fwd e4m3 amax_history[max]=%s scale=%s "
                   "scale_inv=%s" % (c.ymd(t), 30913 + k, amax, sc, "inf" if sc == 0.0 else "%.4f" % (1 / sc)))
    mon.append(" [%s] fp8-monitor: iter 30915 3 tensors with non-finite amax (decoder.layers.61.mlp.linear_fc2 fwd/bwd, "
               "decoder.layers.62.self_attention.linear_qkv bwd); recipe DelayedScaling(margin=0, amax_history_len=1024, amax_compute_algo='max')" % c.ymd(-20))
    out = out[:8] + mon + out[8:]
    out += ck.app_noise(c, 3)
    c.log("slurm/1199021/stdout", out)
    dcgm(c, hosts[0], ["DCGM_FI_DEV_XID_ERRORS", "DCGM_FI_DEV_ECC_DBE_VOL_TOTAL"])
    return c


@case
def t042():
    """FP8 saturation without NaN: an FP8 statistics hook reports a growing share of activations clipped at
    the e4m3 maximum (448) in the MLP projections, with per-tensor scales pinned at their floor; the
    loss drifts above the bf16 reference run. torchtitan with float8 training."""
    hosts = ["h200-tt-31", "h200-tt-32"]
    c = mk("case-t042", "fp8_scaling_overflow", "job", hosts, gpu=H200)
    c.alert("LossAboveReference", "titan-8b-fp8 loss 0.21 above bf16 reference at step 14000", job="titan-8b-fp8", severity="warning")
    out = []
    for k in range(10):
        t = -1000 + 100 * k
        out += ck.fsdp_steps(c, t, 1, 13100 + 100 * k, loss=2.21 + 0.021 * k)
        out.append("[rank0]:[titan] %s - float8_stats - WARNING - step %d: layers.27.feed_forward.w2 input e4m3 saturated=%.1f%% "
                   "(|x|>=448 after scaling), scale=%.3e (floor), amax=%.1f" % (
                       c.ymd_ms(t + 2), 13100 + 100 * k, 1.8 + 2.3 * k, 1.0e-4, 4.1e6 * (1 + 0.4 * k)))
    out += ck.app_noise(c, 3)
    c.log("h200-tt-31/rank0.log", out)
    c.node_metric("train_loss_minus_reference", {"job": "titan-8b-fp8"}, lambda s: max(0.0, 0.02 + (s + 1200) * 0.00018), 3)
    return c


@case
def t043():
    """MoE run (Megatron, expert parallel 8) slows by 60%: the expert all-to-all dominates the step and the
    slowest EP ranks change over time. It looks like a network problem. The router's auxiliary
    load-balancing loss was switched off by a config change and max/mean expert load climbs; the job's
    all-to-all probe and the GPU probes pass, so the network and GPUs are fine."""
    hosts = ["h100-moe-a1", "h100-moe-a2", "h100-moe-a3", "h100-moe-a4"]
    c = mk("case-t043", "moe_expert_imbalance", "job", hosts, gpu=H100)
    c.alert("StepTimeRegression", "moe-16x7b: step time +60% over 30 min, all-to-all share 58%", job="moe-16x7b")
    out = [" [%s] ------------------------ arguments ------------------------" % c.ymd(-1300),
           "  moe_router_load_balancing_type .................. none",
           "  moe_aux_loss_coeff .............................. 0.0",
           "  moe_expert_capacity_factor ...................... None",
           "  expert_model_parallel_size ...................... 8"]
    out += ck.megatron_iters(c, -700, 10, 5001, step_fn=lambda i: 4.1 * (1.4 + 0.03 * i))
    for k in range(4):
        t = -600 + 150 * k
        out.append(" [%s] timers: forward-backward %.1f ms | moe-alltoall-dispatch %.1f ms (max rank %d) | moe-alltoall-combine %.1f ms | "
                   "optimizer %.1f ms" % (c.ymd(t), 6100 + 250 * k, 1900 + 180 * k, c.rng.choice([3, 11, 19, 26]), 1650 + 160 * k, 210.0))
    out += ck.app_noise(c, 3)
    c.log("slurm/7300101/stdout", out)
    c.node_metric("moe_tokens_per_expert_max_over_mean", {"job": "moe-16x7b", "layer": "all"},
                  lambda s: min(7.5, 1.3 + max(0.0, s + 1250) * 0.0052), 2)
    c.node_metric("training_step_seconds", {"job": "moe-16x7b"}, lambda s: 4.1 * (1.0 + min(0.6, max(0.0, s + 1250) * 0.00045)), 3)
    c.nccl("nccl.alltoall@job")
    c.nccl("nccl.allreduce@job")
    c.gemm("gpu.gemm@h100-moe-a2/gpu3")
    health(c, "gpu.health@h100-moe-a2/gpu3")
    return c


@case
def t044():
    """DeepSpeed-MoE with a capacity factor: the MoE layer logs a growing fraction of tokens dropped as two
    experts overflow; the loss stalls. No errors, no slowdown of note."""
    hosts = ["a100-moe-11", "a100-moe-12"]
    c = mk("case-t044", "moe_expert_imbalance", "job", hosts, gpu=A100)
    c.alert("LossPlateau", "ds-moe-1.3b: validation loss flat for 3 evals", job="ds-moe-1.3b", severity="info")
    out = ck.deepspeed_steps(c, -1100, 6, 22000, step_s=1.1)
    for k in range(12):
        t = -1000 + 80 * k
        out.append("[%s] [INFO] [sharded_moe.py:412:top1gating] layer 7: capacity %d tokens/expert (cf=1.25), tokens dropped "
                   "%.1f%%, expert load max/mean %.2f (experts 2,5 over capacity)" % (c.ymd_ms(t), 5120, 6.0 + 2.8 * k, 1.9 + 0.33 * k))
    out += ["[%s] [INFO] [eval.py:88] eval step 22500 val_loss 2.8811 (prev 2.8807, 2.8815)" % c.ymd_ms(-30)]
    out += ck.app_noise(c, 2)
    c.log("a100-moe-11/ds.log", out)
    c.node_metric("moe_dropped_token_fraction", {"job": "ds-moe-1.3b", "layer": "7"}, lambda s: min(0.4, 0.05 + max(0.0, s + 1100) * 0.00032), 3)
    return c


@case
def t045():
    """One H200 shared with another process: a misconfigured device plugin let a notebook pod land on the
    same GPU. The rank on it is the straggler. Its health counters are clean, GEMM and HBM bandwidth are
    a third of the norm, the neighbour GPU is normal (what a real noisy neighbour does on H200)."""
    hosts = ["k8s-h200-b01", "k8s-h200-b02"]
    bad, g = "k8s-h200-b02", 1
    r = 8 + g
    c = mk("case-t045", "straggler_rank", "%s/gpu%d" % (bad, g), hosts, gpu=H200)
    c.alert("StragglerDetected", "rank %d slowest in 20 of 20 step-time reports" % r, job="embed-contrastive", namespace="search")
    out = ck.plain_steps(c, -600, 14, 88100, step_s=0.92 * 1.9, loss=0.341)
    out += ["%s | WARNING | straggler | rank %d fwd+bwd %.0f ms vs median %.0f ms" % (c.ymd(-500 + 100 * k), r, 1610 + c.rng.uniform(-30, 30), 840 + c.rng.uniform(-10, 10)) for k in range(5)]
    out += ck.app_noise(c, 3)
    c.log("search/embed-contrastive-worker-0/trainer", out)
    capped = {gg: (lambda s, v: ck.CLK_SW_POWER_CAP if c.rng.random() < 0.5 else 0) for gg in range(8)}
    capped[g] = lambda s, v: ck.CLK_SW_POWER_CAP
    dcgm(c, bad, ["DCGM_FI_DEV_GPU_UTIL", "DCGM_FI_DEV_POWER_USAGE", "DCGM_FI_DEV_GPU_TEMP", "DCGM_FI_DEV_FB_USED",
                  "DCGM_FI_DEV_CLOCK_THROTTLE_REASONS"],
         over={"DCGM_FI_DEV_FB_USED": {g: lambda s, v: v + 21500}, "DCGM_FI_DEV_POWER_USAGE": {g: lambda s, v: 689 + c.rng.uniform(-5, 5)},
               "DCGM_FI_DEV_CLOCK_THROTTLE_REASONS": capped})
    health(c, "gpu.health@%s/gpu%d" % (bad, g), power_w=690, clock_event_reasons=ck.CLK_SW_POWER_CAP)
    c.gemm("gpu.gemm@%s/gpu%d" % (bad, g), tflops=268.9)
    c.hbm("gpu.hbm_bandwidth@%s/gpu%d" % (bad, g), gb_s=1375)
    c.gemm("gpu.gemm@%s/gpu0" % bad)
    c.hbm("gpu.hbm_bandwidth@%s/gpu0" % bad)
    return c


@case
def t046():
    """Kubernetes: one worker pod got a CPU limit of 8 cores (a template override) instead of 96; its eight
    ranks spend their time CFS-throttled in the Python/launch path, so that node's ranks are the
    stragglers. GPU telemetry is clean (lower utilisation on that node only)."""
    hosts = ["eks-p5-node-a", "eks-p5-node-b", "eks-p5-node-c"]
    bad = "eks-p5-node-b"
    c = mk("case-t046", "straggler_rank", bad, hosts, gpu=H100)
    c.alert("TrainingThroughputLow", "rec-transformer tokens/s down 38% since the last redeploy", job="rec-transformer", namespace="ranking")
    out = ck.fsdp_steps(c, -800, 12, 7701, step_s=1.3, step_fn=lambda i: 1.3 * 1.6 * c.rng.uniform(0.97, 1.04))
    out += ["[rank0]:[titan] %s - root - WARNING - slowest ranks by step time: 8-15 (median %.0f ms, others %.0f ms)" % (
        c.ymd_ms(-600 + 150 * k), 2050 + c.rng.uniform(-30, 30), 1290 + c.rng.uniform(-15, 15)) for k in range(4)]
    c.log("ranking/rec-transformer-worker-0/trainer", out)
    ev = [k8s_event(c, -1180, "Normal", "Scheduled", "pod/rec-transformer-worker-%d" % k, "Successfully assigned ranking/rec-transformer-worker-%d to %s" % (k, hosts[k])) for k in range(3)]
    c.log("k8s/events", ev)
    desc = ["$ kubectl -n ranking describe pod rec-transformer-worker-1", "Name:             rec-transformer-worker-1",
            "Namespace:        ranking", "Node:             %s/10.0.41.17" % bad, "Containers:", "  trainer:",
            "    Limits:", "      cpu:             8", "      memory:          900Gi", "      nvidia.com/gpu:  8",
            "    Requests:", "      cpu:             8", "      memory:          900Gi", "      nvidia.com/gpu:  8",
            "QoS Class:        Guaranteed"]
    c.log("k8s/describe-pod-rec-transformer-worker-1", desc)
    for k, h in enumerate(hosts):
        c.node_metric("container_cpu_cfs_throttled_periods_total", {"namespace": "ranking", "pod": "rec-transformer-worker-%d" % k, "container": "trainer", "node": h},
                      (lambda s: max(0, (s + 1180) * 9.8)) if h == bad else (lambda s: 0), 0)
    dcgm(c, bad, ["DCGM_FI_DEV_GPU_UTIL"], over={"DCGM_FI_DEV_GPU_UTIL": {gg: (lambda s, v: 58 + c.rng.uniform(-6, 6)) for gg in range(8)}})
    dcgm(c, hosts[0], ["DCGM_FI_DEV_GPU_UTIL"], over={"DCGM_FI_DEV_GPU_UTIL": {gg: (lambda s, v: 71 + c.rng.uniform(-6, 6)) for gg in range(8)}})
    return c


@case
def t047():
    """A data-pipeline refactor set num_workers=2 (was 16) with on-the-fly image decoding: every rank waits
    for data, GPU utilisation saws between 0 and 100%, the step time varies a lot and the logged data
    wait dominates. No communication error, no rank stands out."""
    hosts = ["h100-cv-01", "h100-cv-02"]
    c = mk("case-t047", "dataloader_stall", "job", hosts, gpu=H100)
    c.alert("GPUUtilizationLow", "clip-vit-h: mean GPU util 41% over 15m", job="clip-vit-h", severity="warning")
    out = ["%s | INFO | data | DataLoader(num_workers=2, prefetch_factor=2, pin_memory=True, persistent_workers=False)" % c.ymd(-1150)]
    for k in range(16):
        t = -900 + 50 * k
        dt = c.rng.uniform(0.9, 2.6)
        out.append("%s | INFO | train | step %d | loss %.4f | data_wait %.3fs | compute %.3fs | imgs/s %.0f" % (
            c.ymd(t), 30400 + k * 20, 1.91 - 0.002 * k, dt, 0.71, 32768 / (dt + 0.71) / 16))
    out += ck.app_noise(c, 3)
    c.log("h100-cv-01/rank0.log", out)
    saw = {gg: (lambda s, v: (97 if c.rng.random() < 0.4 else c.rng.uniform(0, 25)) if s > -1150 else v) for gg in range(8)}
    dcgm(c, "h100-cv-02", ["DCGM_FI_DEV_GPU_UTIL", "DCGM_FI_DEV_POWER_USAGE"],
         over={"DCGM_FI_DEV_GPU_UTIL": saw, "DCGM_FI_DEV_POWER_USAGE": {gg: after(-1150, lambda s, v: v * 0.55) for gg in range(8)}})
    c.node_metric("node_cpu_busy_cores", {"instance": "h100-cv-02"}, lambda s: 3.9 + c.rng.uniform(-0.3, 0.3) if s > -1150 else 60, 1)
    return c


@case
def t048():
    """GPU utilisation low on every rank of an A100 speech job; the storage read latency and throughput
    are normal, the node CPUs are at 100% user in the DataLoader workers (CPU-bound augmentation added by
    a new config). Probes: PCIe and GEMM pass on a sampled GPU, so the hosts' links and GPUs are fine."""
    hosts = ["a100-asr-01", "a100-asr-02", "a100-asr-03"]
    c = mk("case-t048", "dataloader_stall", "job", hosts, gpu=A100)
    c.alert("TrainingThroughputLow", "conformer-xl utterances/s down 55%", job="conformer-xl")
    out = ["%s | INFO | config | augment: speed_perturb=[0.9,1.0,1.1] + rir_convolve(p=0.8) + musan_noise(p=0.5) [new in this run]" % c.ymd(-1190)]
    out += ck.plain_steps(c, -900, 14, 4100, step_s=0.92, step_fn=lambda i: 0.92 * 2.2 * c.rng.uniform(0.8, 1.3))
    out += ["%s | WARNING | data | batch queue empty for %.1fs on %d of 24 ranks" % (c.ymd(-700 + 150 * k), c.rng.uniform(0.8, 1.6), c.rng.randrange(17, 24)) for k in range(4)]
    out += ck.app_noise(c, 3)
    c.log("a100-asr-01/train.log", out)
    for h in hosts[:2]:
        c.node_metric("node_cpu_utilization_ratio", {"instance": h, "mode": "user"}, lambda s: 0.98 + c.rng.uniform(-0.015, 0.015) if s > -1180 else 0.41, 3)
        c.node_metric("node_nfs_read_latency_ms", {"instance": h, "mount": "/datasets"}, lambda s: 2.1 + c.rng.uniform(-0.4, 0.4), 2)
    dcgm(c, hosts[1], ["DCGM_FI_DEV_GPU_UTIL"], over={"DCGM_FI_DEV_GPU_UTIL": {gg: after(-1180, lambda s, v: 38 + c.rng.uniform(-10, 10)) for gg in range(8)}})
    pcie_probe(c, "gpu.pcie_bandwidth@a100-asr-02/gpu3")
    c.gemm("gpu.gemm@a100-asr-02/gpu3")
    return c


@case
def t049():
    """Rank 0 writes the checkpoint to Lustre while the other ranks wait in a barrier; an OST becomes
    unreachable, rank 0's write blocks in the Lustre client and every other rank hits the watchdog
    timeout, so it reads like a collective hang on one rank. The Lustre client errors show the
    shared file system is the cause."""
    hosts = ["h100-hpc-301", "h100-hpc-302", "h100-hpc-303", "h100-hpc-304"]
    c = mk("case-t049", "storage_failure", "job", hosts, gpu=H100)
    c.alert("TrainingStalled", "pretrain-13b-en: no step for 30 minutes (last log: saving checkpoint)", job="pretrain-13b-en")
    tl = -1860
    out = ck.megatron_iters(c, tl - 6 * 4.0, 6, 49995, step_s=4.0, gbs=1024)
    out += [" [%s] saving checkpoint at iteration   50000 to /lustre/scratch/pt13b/ckpt in torch_dist format" % c.ymd(tl + 1)]
    for i, rk in enumerate((1, 8, 17, 30)):
        out += [slurm_prefix(rk, x) for x in ck.watchdog(c, rk, tl + 1800 + 0.4 * i, 250031, op="BARRIER", numel=1, timeout_ms=1800000)[:2]]
    c.log("slurm/3321900/stdout", out)
    j = ["%s %s kernel: LustreError: 11-0: scratch-OST0012-osc-ffff9a1c3e5d4000: operation ost_write to node 10.9.0.22@o2ib failed: rc = -107" % (c.syslog(tl + 40), hosts[0]),
         "%s %s kernel: Lustre: scratch-OST0012-osc-ffff9a1c3e5d4000: Connection to scratch-OST0012 (at 10.9.0.22@o2ib) was lost; in progress operations using this service will wait for recovery to complete" % (c.syslog(tl + 40), hosts[0]),
         "%s %s kernel: LNetError: 3321:0:(o2iblnd_cb.c:3373:kiblnd_check_txs_locked()) Timed out tx: active_txs, 2 seconds" % (c.syslog(tl + 38), hosts[0]),
         "%s %s kernel: INFO: task pt_main_thread:%d blocked for more than 122 seconds." % (c.syslog(tl + 170), hosts[0], c.rng.randrange(10 ** 5, 10 ** 6)),
         "%s %s kernel:  ll_file_io_generic+0x2b1/0x6d0 [lustre]" % (c.syslog(tl + 170), hosts[0]),
         "%s %s kernel: LustreError: 167-0: scratch-OST0012-osc-ffff9a1c3e5d4000: This client was evicted by scratch-OST0012; in progress operations using this service will fail." % (c.syslog(tl + 700), hosts[0])]
    j += ck.kernel_noise(c, hosts[0], 6, start_s=-2000)
    c.log(hosts[0] + "/journal", j)
    c.node_metric("lustre_client_write_bytes_rate", {"instance": hosts[0], "fs": "scratch"}, lambda s: 0.0, 0)
    dcgm(c, hosts[2], ["DCGM_FI_DEV_GPU_UTIL"], over={"DCGM_FI_DEV_GPU_UTIL": {gg: (lambda s, v: 100) for gg in range(8)}})
    return c


@case
def t050():
    """The node-local NVMe that caches dataset shards fails (I/O timeouts, controller reset, ext4 remounted
    read-only); the ranks on that node die with 'Input/output error' on shard reads, the other ranks fail
    on NCCL. Component: that node (local disk)."""
    hosts = ["h200-data-71", "h200-data-72", "h200-data-73"]
    bad = "h200-data-73"
    c = mk("case-t050", "storage_failure", bad, hosts, gpu=H200)
    c.alert("SlurmJobFailed", "job 7701233 (vlm-stage2) failed: 8 tasks on h200-data-73 exited 1", job="vlm-stage2")
    tl = -200
    d = ck.kernel_noise(c, bad, 4, fmt="dmesg")
    d += ["%s nvme nvme1: I/O 512 QID 14 timeout, aborting" % c.dmesg(tl - 40),
          "%s nvme nvme1: I/O 513 QID 14 timeout, aborting" % c.dmesg(tl - 40),
          "%s nvme nvme1: Abort status: 0x0" % c.dmesg(tl - 39),
          "%s nvme nvme1: I/O 512 QID 14 timeout, reset controller" % c.dmesg(tl - 10),
          "%s nvme nvme1: controller is down; will reset: CSTS=0xffffffff, PCI_STATUS=0xffff" % c.dmesg(tl - 8),
          "%s nvme nvme1: Removing after probe failure status: -19" % c.dmesg(tl - 5),
          "%s I/O error, dev nvme1n1, sector 1882112 op 0x0:(READ) flags 0x80700 phys_seg 32 prio class 2" % c.dmesg(tl - 5),
          "%s EXT4-fs error (device nvme1n1): ext4_find_entry:1455: inode #2: comm pt_data_worker: reading directory lblock 0" % c.dmesg(tl - 4),
          "%s EXT4-fs (nvme1n1): Remounting filesystem read-only" % c.dmesg(tl - 4)]
    c.log(bad + "/dmesg", d)
    out = ck.fsdp_steps(c, tl - 10 * 2.0, 10, 14400, step_s=2.0)
    for lg in (0, 4, 7):
        rk = 16 + lg
        out += ["[rank%d]: OSError: [Errno 5] Input/output error: '/local_cache/vlm/shards/shard-%05d.tar'" % (rk, c.rng.randrange(100, 3000)),
                "[rank%d]: DataLoader worker exited unexpectedly while reading /local_cache/vlm/shards" % rk]
    out += ["srun: error: h200-data-73: tasks 16-23: Exited with exit code 1",
            "[rank3]: ncclRemoteError: A call failed possibly due to a network error or a remote process exiting prematurely."]
    c.log("slurm/7701233/stdout", out)
    c.node_metric("node_disk_io_time_seconds_total", {"instance": bad, "device": "nvme1n1"},
                  lambda s: 81200 + (s + 1200) * 0.4 if s < tl - 40 else (81200 + (tl + 1160) * 0.4 + (s - tl + 40) * 1.0 if s < tl - 5 else None), 1)
    return c


@case
def t051():
    """One node of the job came back from repair with an older driver (535, CUDA 12.2) while the container
    needs CUDA 12.4: its eight ranks fail at CUDA init, the other nodes' ranks time out in the rendezvous.
    gpu.inventory shows the driver difference. Component: the node (its image)."""
    hosts = ["h100-pool-f-001", "h100-pool-f-002", "h100-pool-f-003", "h100-pool-f-004"]
    bad = "h100-pool-f-003"
    c = mk("case-t051", "launch_config_error", bad, hosts, gpu=H100)
    c.alert("SlurmJobFailed", "job 1002311 (pt-multilingual) failed at startup", job="pt-multilingual")
    tl = -300
    out = []
    for lg in (0, 5):
        rk = 16 + lg
        out += ["%d: [rank%d]: Traceback (most recent call last):" % (rk, rk),
                '%d: [rank%d]:   File "/opt/train/main.py", line 41, in <module>' % (rk, rk),
                "%d: [rank%d]:     torch.cuda.set_device(local_rank)" % (rk, rk),
                "%d: [rank%d]: RuntimeError: The NVIDIA driver on your system is too old (found version 12020). Please update your GPU "
                "driver by downloading and installing a new version from the URL: http://www.nvidia.com/Download/index.aspx "
                "Alternatively, go to: https://pytorch.org to install a PyTorch version that has been compiled with your version of the "
                "CUDA driver." % (rk, rk)]
    out += ["0: [rank0]: torch.distributed.DistStoreError: Timed out after 901 seconds waiting for clients. 24/32 clients joined.",
            "srun: error: h100-pool-f-003: tasks 16-23: Exited with exit code 1",
            "srun: error: h100-pool-f-001: tasks 0-7: Exited with exit code 1"]
    out += ck.app_noise(c, 4)
    c.log("slurm/1002311/stdout", out)
    c.log("slurm/slurmctld.log", [slurmctld(c, -1110, "update_node: node %s reason set to: RMA GPU tray replaced, back in service" % bad),
                                  slurmctld(c, -1100, "update_node: node %s state set to IDLE" % bad),
                                  slurmctld(c, -330, "sched: Allocate JobId=1002311 NodeList=h100-pool-f-[001-004] #CPUs=512 Partition=h100")])
    j = ["%s %s kernel: nvidia: loading out-of-tree module taints kernel." % (c.syslog(-1190), bad),
          "%s %s kernel: NVRM: loading NVIDIA UNIX x86_64 Kernel Module  535.161.08  Tue Mar  5 22:42:15 UTC 2024" % (c.syslog(-1190), bad),
          "%s %s nvidia-persistenced[2211]: Started (2211)" % (c.syslog(-1180), bad)]
    j += ck.kernel_noise(c, bad, 4, start_s=-1100)
    c.log(bad + "/journal", j)
    c.inventory("gpu.inventory@%s/gpu0" % bad, details={"driver": "535.161.08", "cuda": "12.2"})
    c.inventory("gpu.inventory@%s/gpu0" % hosts[0])
    dcgm(c, bad, ["DCGM_FI_DEV_GPU_UTIL"], over={"DCGM_FI_DEV_GPU_UTIL": {gg: (lambda s, v: 0) for gg in range(8)}})
    return c


@case
def t052():
    """The job was resubmitted with --nodes=6 while its Megatron arguments still assume 64 GPUs:
    Megatron asserts that the world size is not divisible by TP x PP, on every rank; some ranks also
    print TCPStore connection errors as rank 0 exits first."""
    hosts = ["h200-gen-%02d" % i for i in range(1, 7)]
    c = mk("case-t052", "launch_config_error", "job", hosts, gpu=H200)
    c.alert("SlurmJobFailed", "job 6120044 (gpt-40b) failed in 38 s", job="gpt-40b")
    out = ["#SBATCH --nodes=6 --ntasks-per-node=8 --gpus-per-node=8",
           "+ torchrun --nnodes 6 --nproc-per-node 8 --rdzv-backend c10d --rdzv-endpoint h200-gen-01:29400 pretrain_gpt.py "
           "--tensor-model-parallel-size 8 --pipeline-model-parallel-size 4 --num-layers 48 ..."]
    for rk in (0, 13, 40):
        out += ["[rank%d]: Traceback (most recent call last):" % rk,
                '[rank%d]:   File "/workspace/Megatron-LM/megatron/training/initialize.py", line 63, in initialize_megatron' % rk,
                "[rank%d]:     validate_args(args, args_defaults)" % rk,
                '[rank%d]:   File "/workspace/Megatron-LM/megatron/training/arguments.py", line 236, in validate_args' % rk,
                "[rank%d]: AssertionError: world size (48) is not divisible by tensor model parallel size (8) times pipeline model "
                "parallel size (4)" % rk]
    out += ["[W%s socket.cpp:464] [c10d] The client socket has failed to connect to [h200-gen-01]:29400 (errno: 111 - Connection refused)." % c.glog(-20)[1:],
            "E%s 7 torch/distributed/elastic/multiprocessing/api.py:833] failed (exitcode: 1) local_rank: 0 (pid: 41182) of binary: /usr/bin/python3" % c.glog(-19)[1:]]
    out += ck.app_noise(c, 3)
    c.log("slurm/6120044/stdout", out)
    dcgm(c, hosts[0], ["DCGM_FI_DEV_GPU_UTIL"], over={"DCGM_FI_DEV_GPU_UTIL": {gg: (lambda s, v: 0) for gg in range(8)}})
    return c


@case
def t053():
    """A rank dies with the generic 'CUDA error: unspecified launch failure' (it could be an application
    kernel fault, a lost GPU or an ECC error) and no kernel log is shipped. The GPU is still enumerated
    (gpu.inventory passes) and gpu.health reports one volatile DBE and last Xid 48."""
    hosts = ["gpu-h200-701", "gpu-h200-702"]
    bad, g = "gpu-h200-702", 4
    r = 8 + g
    c = mk("case-t053", "gpu_memory_uncorrectable_ecc", "%s/gpu%d" % (bad, g), hosts, gpu=H200)
    c.alert("SlurmJobFailed", "job 8800123 (emb-pt) failed: rank %d CUDA error" % r, job="emb-pt")
    tl = -60
    out = ck.deepspeed_steps(c, tl - 25, 8, 60120, step_s=2.7)
    out += ["[rank%d]: Traceback (most recent call last):" % r,
            '[rank%d]:   File "/opt/conda/lib/python3.11/site-packages/deepspeed/runtime/engine.py", line 2213, in step' % r,
            "[rank%d]: RuntimeError: CUDA error: unspecified launch failure" % r,
            "[rank%d]: CUDA kernel errors might be asynchronously reported at some other API call, so the stacktrace below might be incorrect." % r,
            "[%s] [ERROR] [launch.py:325:sigkill_handler] ['/usr/bin/python', '-u', 'train.py', '--local_rank=%d'] exits with return code = 1" % (c.ymd_ms(tl + 2), g),
            "[rank3]: ncclRemoteError: A call failed possibly due to a network error or a remote process exiting prematurely."]
    out += ck.app_noise(c, 3)
    c.log("slurm/8800123/stdout", out)
    dcgm(c, bad, ["DCGM_FI_DEV_GPU_UTIL", "DCGM_FI_DEV_GPU_TEMP"],
         over={"DCGM_FI_DEV_GPU_UTIL": {gg: after(tl, lambda s, v: 0) for gg in range(8)}})
    c.inventory("gpu.inventory@%s/gpu%d" % (bad, g))
    health(c, "gpu.health@%s/gpu%d" % (bad, g), ecc_dbe_volatile=1, ecc_dbe_aggregate=1, xid_last=48)
    c.kernel_launch("gpu.kernel_launch@%s/gpu%d" % (bad, g))
    return c


@case
def t054():
    """Job-wide 9x slowdown with no error and NCCL_DEBUG unset: NCCL_IB_HCA names a device that does not
    exist on these nodes ('=mlx5_bond_0', exact match), so NCCL uses TCP sockets across nodes. The
    launcher's env line shows the variable but not its effect; the job-wide all-reduce probe is at 2 GB/s
    while the intra-node all-reduce and the GPUs are fine, and IB port counters are flat."""
    hosts = ["h100-eth-11", "h100-eth-12", "h100-eth-13", "h100-eth-14"]
    c = mk("case-t054", "nccl_network_misconfig", "job", hosts, gpu=H100)
    c.alert("TrainingThroughputLow", "llama-8b-cpt tokens/s at 11% of the reference run", job="llama-8b-cpt")
    out = ["%s | launcher | env NCCL_IB_HCA==mlx5_bond_0 NCCL_SOCKET_IFNAME=ens10f0 NCCL_DEBUG=WARN CUDA_DEVICE_MAX_CONNECTIONS=1" % c.ymd(-1150)]
    out += ck.fsdp_steps(c, -900, 14, 200, step_s=1.6, step_fn=lambda i: 1.6 * 9.0 * c.rng.uniform(0.95, 1.06))
    out += ck.app_noise(c, 6)
    c.log("slurm/4550021/rank0.log", out)
    for d in range(4):
        c.node_metric("node_infiniband_port_data_transmitted_bytes_total", {"instance": hosts[1], "device": "mlx5_%d" % d, "port": "1"},
                      lambda s: 8.8e12, 0)
    c.node_metric("node_network_transmit_bytes_total", {"instance": hosts[1], "device": "ens10f0"},
                  lambda s: 3.1e12 + (s + 1200) * 2.3e9, 0)
    c.nccl("nccl.allreduce@job", busbw=2.1)
    c.nccl("nccl.allreduce@%s" % hosts[1], busbw=391.0)
    c.gemm("gpu.gemm@%s/gpu0" % hosts[1])
    return c


@case
def t055():
    """One H100 with degraded HBM bandwidth (2.0 of ~2.95 TB/s; no ECC, no throttle, normal clocks) makes
    its rank the straggler in a memory-bound job. The clock and temperature series look normal, so
    thermal and power throttling do not explain it; only the HBM probe shows the cause."""
    hosts = ["h100-pool-g-210", "h100-pool-g-211"]
    bad, g = "h100-pool-g-210", 5
    r = g
    c = mk("case-t055", "straggler_rank", "%s/gpu%d" % (bad, g), hosts, gpu=H100)
    c.alert("StragglerDetected", "rank %d slowest in 15 of the last 15 reports (+27%%)" % r, job="dlrm-v3")
    out = ck.plain_steps(c, -700, 12, 220100, step_s=0.61 * 1.27, loss=0.1312)
    out += ["%s | WARNING | straggler | rank %d step %.0f ms vs median %.0f ms" % (c.ymd(-600 + 120 * k), r, 775 + c.rng.uniform(-10, 10), 611 + c.rng.uniform(-6, 6)) for k in range(5)]
    out += ck.app_noise(c, 3)
    c.log("%s/rank0.log" % bad, out)
    dcgm(c, bad, ["DCGM_FI_DEV_SM_CLOCK", "DCGM_FI_DEV_GPU_TEMP", "DCGM_FI_DEV_POWER_USAGE"],
         over={"DCGM_FI_DEV_POWER_USAGE": {g: lambda s, v: v * 0.9}})
    health(c, "gpu.health@%s/gpu%d" % (bad, g))
    c.hbm("gpu.hbm_bandwidth@%s/gpu%d" % (bad, g), gb_s=2010)
    c.gemm("gpu.gemm@%s/gpu%d" % (bad, g), tflops=698.0)
    c.hbm("gpu.hbm_bandwidth@%s/gpu4" % bad)
    return c



@case
def t056():
    """ZeRO-Offload on A100: the rank on one GPU is slow in its optimizer step (host<->device copies of the
    offloaded state), which reads like host CPU slowness; the node's CPU is not busy. That GPU's link
    retrained to Gen1 after a correctable-error storm earlier in the day (no trace left in the window).
    gpu.pcie_bandwidth on it is ~3 GB/s and health shows Gen1 x16; its neighbour is at Gen4 speed."""
    hosts = ["a100-zo-21", "a100-zo-22"]
    bad, g = "a100-zo-22", 2
    r = 8 + g
    c = mk("case-t056", "pcie_link_degraded", "%s/gpu%d" % (bad, g), hosts, gpu=A100, pci=ck.PCI_BUS_B)
    c.alert("TrainingThroughputLow", "llama-13b-offload samples/s down 40%", job="llama-13b-offload")
    out = ck.deepspeed_steps(c, -700, 10, 5120, step_s=5.0, step_fn=lambda i: 5.0 * 1.4 * c.rng.uniform(0.98, 1.03), mem=(28.1, 44.0))
    for k in range(4):
        out.append("[%s] [INFO] [utils.py:781:see_memory_usage] rank %d optimizer_step (cpu offload) %.0f ms, h2d %.0f ms, d2h %.0f ms; "
                   "median over ranks: step %.0f ms, h2d %.0f ms" % (c.ymd_ms(-600 + 140 * k), r, 3900 + c.rng.uniform(-60, 60),
                                                                   2410 + c.rng.uniform(-40, 40), 1180 + c.rng.uniform(-30, 30),
                                                                   1610 + c.rng.uniform(-20, 20), 290 + c.rng.uniform(-10, 10)))
    out += ck.app_noise(c, 3)
    c.log("a100-zo-21/ds.log", out)
    c.node_metric("node_cpu_utilization_ratio", {"instance": bad, "mode": "user"}, lambda s: 0.34 + c.rng.uniform(-0.04, 0.04), 3)
    rx = {gg: (lambda s, v: 4.1e9 + c.rng.uniform(-3e8, 3e8)) for gg in range(8)}
    rx[g] = lambda s, v: 1.6e9 + c.rng.uniform(-1e8, 1e8)
    dcgm(c, bad, ["DCGM_FI_PROF_PCIE_RX_BYTES", "DCGM_FI_DEV_GPU_UTIL", "DCGM_FI_DEV_PCIE_REPLAY_COUNTER"],
         over={"DCGM_FI_PROF_PCIE_RX_BYTES": rx, "DCGM_FI_DEV_PCIE_REPLAY_COUNTER": {g: lambda s, v: 2241}})
    pcie_probe(c, "gpu.pcie_bandwidth@%s/gpu%d" % (bad, g), h2d=3.1, d2h=3.0)
    health(c, "gpu.health@%s/gpu%d" % (bad, g), pcie_link_gen=1, pcie_replay_count=2241)
    pcie_probe(c, "gpu.pcie_bandwidth@%s/gpu3" % bad)
    c.gemm("gpu.gemm@%s/gpu%d" % (bad, g))
    return c


@case
def t057():
    """Loss spikes on an H100 job, and DCGM shows correctable (single-bit) ECC errors ticking on gpu1 of
    one node, which draws the eye to that GPU. The correctable errors are harmless; the checksum vote
    fails on gpu5 of the same node (gpu1 agrees with the plurality), and gpu5's health is clean."""
    hosts = ["h100-llm-0610", "h100-llm-0611", "h100-llm-0612"]
    bad, g = "h100-llm-0611", 5
    c = mk("case-t057", "gpu_silent_data_corruption", "%s/gpu%d" % (bad, g), hosts, gpu=H100, pci=ck.PCI_BUS_B)
    c.alert("TrainingLossSpike", "ko-llm-8b: 3 loss spikes > 4x running mean in 20 minutes", job="ko-llm-8b")
    spikes = {2: 7.9, 7: 6.2, 12: 8.4}
    out = ck.megatron_iters(c, -900, 14, 66120, step_s=4.3, loss_fn=lambda i: spikes.get(i, 1.98 + c.rng.uniform(-0.02, 0.02)),
                            grad_fn=lambda i: 45.0 if i in spikes else 0.42 * c.rng.uniform(0.9, 1.1), gbs=1024)
    out += [" [%s] WARNING: loss spike at iteration %d (%.2f), skipping update via spike guard" % (c.ymd(-900 + 4.3 * (i + 1) + 1), 66120 + i, v)
            for i, v in sorted(spikes.items())]
    out += ck.app_noise(c, 3)
    c.log("slurm/2230114/stdout", out)
    dcgm(c, bad, ["DCGM_FI_DEV_ECC_SBE_VOL_TOTAL", "DCGM_FI_DEV_ECC_DBE_VOL_TOTAL", "DCGM_FI_DEV_XID_ERRORS"],
         over={"DCGM_FI_DEV_ECC_SBE_VOL_TOTAL": {1: lambda s, v: 12 + max(0, int((s + 1200) / 150))}})
    c.sdc("gpu.sdc@%s" % bad, mismatched=311, bad_gpu="gpu%d" % g)
    health(c, "gpu.health@%s/gpu%d" % (bad, g))
    health(c, "gpu.health@%s/gpu1" % bad, ecc_sbe_volatile=19, ecc_sbe_aggregate=63)
    c.sdc("gpu.sdc@%s" % hosts[2])
    return c


@case
def t058():
    """After a maintenance reboot one node's job fails at startup: local rank 7 prints 'invalid device
    ordinal' (which reads like a launch/CUDA_VISIBLE_DEVICES mistake), the other 31 ranks time out
    waiting for it. The other nodes run the same launch line fine; gpu.inventory on that node
    enumerates 7 of 8 GPUs: the GPU at bus 0000:db is gone."""
    hosts = ["h200-mx-51", "h200-mx-52", "h200-mx-53", "h200-mx-54"]
    bad, g = "h200-mx-52", 7
    r = 8 + g
    c = mk("case-t058", "gpu_fallen_off_bus", "%s/gpu%d" % (bad, g), hosts, gpu=H200)
    c.alert("SlurmJobFailed", "job 9100771 (asr-llm) failed at startup after node maintenance", job="asr-llm")
    out = ["%d: [rank%d]: Traceback (most recent call last):" % (r, r),
           '%d: [rank%d]:   File "/srv/asr/train.py", line 77, in setup' % (r, r),
           "%d: [rank%d]:     torch.cuda.set_device(int(os.environ[\"LOCAL_RANK\"]))" % (r, r),
           "%d: [rank%d]: RuntimeError: CUDA error: invalid device ordinal" % (r, r),
           "%d: [rank%d]: CUDA kernel errors might be asynchronously reported at some other API call, so the stacktrace below might be incorrect." % (r, r),
           "%d: [rank%d]: Compile with `TORCH_USE_CUDA_DSA` to enable device-side assertions." % (r, r),
           "0: [rank0]: torch.distributed.DistStoreError: Timed out after 601 seconds waiting for clients. 31/32 clients joined.",
           "srun: error: h200-mx-52: task %d: Exited with exit code 1" % r,
           "srun: error: h200-mx-51: tasks 0-7: Exited with exit code 1"]
    out += ck.app_noise(c, 4)
    c.log("slurm/9100771/stdout", out)
    c.log("slurm/slurmctld.log", [slurmctld(c, -1150, "update_node: node h200-mx-52 state set to IDLE (maintenance reservation maint_0412 ended)"),
                                  slurmctld(c, -700, "sched: Allocate JobId=9100771 NodeList=h200-mx-[51-54] #CPUs=768 Partition=gpu"),
                                  slurmctld(c, -60, "_job_complete: JobId=9100771 WEXITSTATUS 1"),
                                  slurmctld(c, -60, "_job_complete: JobId=9100771 done")])
    j = ["%s %s systemd[1]: Startup finished in 41.218s (firmware) + 9.611s (loader) + 6.104s (kernel) + 2min 12.877s (userspace) = 3min 9.811s." % (c.syslog(-1180), bad),
         "%s %s systemd[1]: Reached target multi-user.target - Multi-User System." % (c.syslog(-1180), bad),
         "%s %s nvidia-persistenced[2211]: Started (2211)" % (c.syslog(-1178), bad)]
    j += ck.kernel_noise(c, bad, 5, start_s=-1150)
    c.log(bad + "/journal", j)
    dcgm(c, bad, ["DCGM_FI_DEV_GPU_UTIL", "DCGM_FI_DEV_GPU_TEMP"], gpus=list(range(7)),
         over={"DCGM_FI_DEV_GPU_UTIL": {gg: (lambda s, v: 0) for gg in range(7)}})
    c.inventory("gpu.inventory@%s/gpu%d" % (bad, g), count=7, details={"missing_bus_id": "0000:db:00.0"})
    c.inventory("gpu.inventory@%s/gpu%d" % (hosts[0], g))
    c.errored("gpu.health@%s/gpu%d" % (bad, g), "no GPU with index 7 on this node (NVML device count 7)", 0.3)
    return c

def main(argv):
    ap = argparse.ArgumentParser(description="writes the holdout3 diagnosis cases")
    ap.add_argument("--out", default=os.path.dirname(os.path.abspath(__file__)))
    args = ap.parse_args(argv)
    n = ck.write_cases([fn() for fn in CASES], args.out)
    print("holdout3: wrote %d cases to %s" % (n, args.out))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
