"""Building blocks for the hand-designed diagnosis cases (stdlib only, deterministic).

The fault content of every case (error lines, which probes fail, the twist) is written by hand in
generate_cases.py (dev) and holdout/holdout_cases.py (holdout). This module only supplies what is
tedious to write by hand and carries no answer: timestamps in the formats real tools print,
background training progress, harmless noise lines, metric series for a whole node with per-GPU
overrides, and probe results whose status/reason follow from their metrics and thresholds
(`health_rates` writes gpu.health the way vigil-probe reports it: NVLink/PCIe error rates over a 1 s
window next to the cumulative counters; `EXTRA_GPU_SPECS` holds models beyond `GPU_SPECS`).

Units of probe metrics are in the names: *_c degrees Celsius, *_w watts, *_mhz, *_gb_s gigabytes
per second, tflops TFLOP/s. Thresholds are named <metric>_min / <metric>_max.
"""

import datetime as _dt
import hashlib
import json
import os
import random
import re

# Standard HGX 8-GPU PCI bus ids (gpu index order) for two platform flavours.
PCI_BUS_A = ["18", "2a", "3a", "5d", "9a", "ab", "ba", "db"]
PCI_BUS_B = ["19", "3b", "4c", "5d", "9b", "bb", "cb", "db"]
NIC_BUS = ["0c", "1f", "3f", "4b", "8a", "9e", "c1", "e1"]

GPU_SPECS = {
    # name: gemm bf16 healthy/threshold, hbm GB/s healthy/threshold, tdp, max sm clock
    "NVIDIA H200": dict(gemm=760.0, gemm_min=650.0, hbm=4250.0, hbm_min=3600.0, tdp=700.0,
                        clock=1980.0, mem_gib=141),
    "NVIDIA H100 80GB HBM3": dict(gemm=725.0, gemm_min=620.0, hbm=2950.0, hbm_min=2600.0,
                                  tdp=700.0, clock=1980.0, mem_gib=80),
}

# Models beyond GPU_SPECS. Case() looks a model up in GPU_SPECS first, so a generator that puts its
# own figures for one of these models into GPU_SPECS (holdout3 and holdout4 do, for the A100) keeps
# producing exactly its committed cases.
EXTRA_GPU_SPECS = {
    # A100 SXM4 80GB: ~280 TFLOP/s sustained bf16 (312 peak), ~1.75 TB/s copy (2.0 peak), 400 W,
    # 1410 MHz max SM clock, PCIe Gen4 x16 (~25 GB/s pinned copies), 12 NVLinks (3rd gen).
    "NVIDIA A100-SXM4-80GB": dict(gemm=280.0, gemm_min=240.0, hbm=1750.0, hbm_min=1500.0,
                                  tdp=400.0, clock=1410.0, mem_gib=80, pcie_gen=4, nvlinks=12,
                                  pcie_h2d=(24.3, 26.2), pcie_d2h=(23.8, 25.9), pcie_min=20.0),
}

# NVML clock event reason bits.
CLK_IDLE = 0x1
CLK_APP_SETTING = 0x2
CLK_SW_POWER_CAP = 0x4
CLK_HW_SLOWDOWN = 0x8
CLK_SYNC_BOOST = 0x10
CLK_SW_THERMAL = 0x20
CLK_HW_THERMAL = 0x40
CLK_HW_POWER_BRAKE = 0x80
_THROTTLE_BITS = {CLK_APP_SETTING: "applications clocks setting", CLK_SW_POWER_CAP: "SW power cap", CLK_HW_SLOWDOWN: "HW slowdown",
                  CLK_SW_THERMAL: "SW thermal slowdown", CLK_HW_THERMAL: "HW thermal slowdown",
                  CLK_HW_POWER_BRAKE: "HW power brake slowdown"}
_HW_XIDS = {48, 62, 63, 64, 74, 79, 92, 94, 95, 119, 120}

MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


class Case:
    """One case under construction. `t0` is the alert time; offsets are seconds relative to it."""

    def __init__(self, case_id, root_cause, component, hosts, gpu="NVIDIA H200", gpus=8,
                 pci=PCI_BUS_A, step_s=30, window_s=1200):
        self.id = case_id
        seed = int(hashlib.sha256(case_id.encode()).hexdigest()[:12], 16)
        self.rng = random.Random(seed)
        base = _dt.datetime(2026, 1, 5, tzinfo=_dt.timezone.utc)
        self.t0 = base + _dt.timedelta(days=self.rng.randrange(0, 300),
                                       seconds=self.rng.randrange(0, 86400))
        self.t0 = self.t0.replace(microsecond=0)
        self.hosts = list(hosts)
        self.gpu = gpu
        self.spec = GPU_SPECS[gpu] if gpu in GPU_SPECS else EXTRA_GPU_SPECS[gpu]
        self.gpus = gpus
        self.pci = pci
        self.step_s = step_s
        self.window_s = window_s
        self.expected = {"root_cause": root_cause, "component": component}
        self.alert_obj = None
        self.logs = []
        self.metrics = []
        self.probes = {}
        self.topology = None
        self.uptime0 = self.rng.uniform(200000, 3000000)

    # ---------------------------------------------------------------- time formats
    def at(self, s):
        return self.t0 + _dt.timedelta(seconds=s)

    def ms(self, s):
        return int(round(self.at(s).timestamp() * 1000))

    def iso(self, s):
        return self.at(s).strftime("%Y-%m-%dT%H:%M:%SZ")

    def ymd(self, s):  # 2026-03-14 02:11:05
        return self.at(s).strftime("%Y-%m-%d %H:%M:%S")

    def ymd_ms(self, s):  # 2026-03-14 02:11:05,123
        t = self.at(s)
        return t.strftime("%Y-%m-%d %H:%M:%S") + ",%03d" % self.rng.randrange(1000)

    def syslog(self, s):  # Mar 14 02:11:05
        t = self.at(s)
        return "%s %2d %s" % (MONTHS[t.month - 1], t.day, t.strftime("%H:%M:%S"))

    def dmesg(self, s):  # [1234567.123456]
        return "[%13.6f]" % (self.uptime0 + s)

    def glog(self, s, level="I"):  # I0314 02:11:05.123456000 (c10 log prefix)
        t = self.at(s)
        return "%s%s %s.%06d000" % (level, t.strftime("%m%d"), t.strftime("%H:%M:%S"),
                                    self.rng.randrange(1000000))

    def bus(self, gpu_index):
        return "0000:%s:00" % self.pci[gpu_index]

    # ---------------------------------------------------------------- case parts
    def alert(self, alertname, summary, s=0, **labels):
        lab = {"alertname": alertname}
        lab.update({k: str(v) for k, v in labels.items()})
        self.alert_obj = {"labels": lab, "annotations": {"summary": summary}, "startsAt": self.iso(s)}

    def log(self, source, lines):
        """Adds a log source. When most lines carry a timestamp, lines are put in time order (a
        stable sort; an untimed line stays with the timed line before it), as a real log is."""
        lines = [str(x) for x in lines]
        keys = [_line_time(self, x) for x in lines]
        if sum(k is not None for k in keys) >= 0.7 * len(lines):
            last = float("-inf")
            full = []
            for k in keys:
                last = k if k is not None else last
                full.append(last)
            lines = [x for _, _, x in sorted(zip(full, range(len(lines)), lines))]
        self.logs.append({"source": source, "lines": lines})

    def with_topology(self, ranks_per_node=None, **extra):
        topo = {"gpu_model": self.gpu, "nodes": self.hosts,
                "gpus_per_node": self.gpus,
                "rank_layout": "rank r runs on nodes[r // %d], local GPU r %% %d" % (
                    ranks_per_node or self.gpus, ranks_per_node or self.gpus),
                "gpu_pci_bus": {"gpu%d" % i: "0000:%s:00.0" % b for i, b in enumerate(self.pci)}}
        topo.update(extra)
        self.topology = topo

    def rank_of(self, host, gpu):
        return self.hosts.index(host) * self.gpus + gpu

    # ---------------------------------------------------------------- metrics
    def sample_times(self):
        n = self.window_s // self.step_s
        return [-self.window_s + self.step_s * i for i in range(n + 3)]

    def series(self, name, labels, fn, decimals=2):
        """fn(s) -> value or None (no sample) for each sample offset s."""
        samples = []
        for s in self.sample_times():
            v = fn(s)
            if v is None:
                continue
            v = round(float(v), decimals)
            if decimals == 0:
                v = int(v)
            samples.append([self.ms(s), v])
        self.metrics.append({"name": name, "labels": dict(labels), "samples": samples})

    def gpu_metric(self, name, host, base, jitter=0.0, over=None, gpus=None, decimals=1,
                   counter=False):
        """One series per GPU of `host`. `over` maps gpu index -> fn(s, normal_value) -> value."""
        over = over or {}
        for g in (range(self.gpus) if gpus is None else gpus):
            offset = self.rng.uniform(-jitter, jitter) * 0.5
            state = {"acc": base}

            def normal(s, g=g, offset=offset, state=state):
                if counter:
                    state["acc"] += max(0.0, self.rng.uniform(0, jitter))
                    return state["acc"]
                return base + offset + self.rng.uniform(-jitter, jitter)

            fn = over.get(g)
            self.series(name, {"Hostname": host, "gpu": str(g),
                               "UUID": self.uuid(host, g), "modelName": self.gpu},
                        (lambda s, fn=fn, normal=normal: fn(s, normal(s))) if fn else normal,
                        decimals)

    def node_metric(self, name, labels, fn, decimals=2):
        self.series(name, labels, fn, decimals)

    def uuid(self, host, g):
        h = hashlib.md5(("%s/%s/%d" % (self.id[:4], host, g)).encode()).hexdigest()
        return "GPU-%s-%s-%s-%s-%s" % (h[:8], h[8:12], h[12:16], h[16:20], h[20:32])

    # ---------------------------------------------------------------- probes
    def probe(self, key, result):
        self.probes[key] = result

    def health(self, key, duration=None, **over):
        m = {"ecc_sbe_volatile": 0, "ecc_dbe_volatile": 0, "ecc_dbe_aggregate": 0,
             "retired_pages": 0, "remap_pending": 0, "remap_failure": 0,
             "remapped_rows_correctable": 0, "remapped_rows_uncorrectable": 0,
             "temperature_c": round(self.rng.uniform(41, 58)),
             "hbm_temperature_c": round(self.rng.uniform(44, 60)),
             "power_w": round(self.rng.uniform(480, 640)),
             "power_limit_w": self.spec["tdp"], "power_limit_default_w": self.spec["tdp"],
             "sm_clock_mhz": self.spec["clock"], "sm_clock_max_mhz": self.spec["clock"],
             "clock_event_reasons": 0,
             "pcie_link_gen": 5, "pcie_link_gen_max": 5, "pcie_link_width": 16,
             "pcie_link_width_max": 16, "pcie_replay_count": self.rng.randrange(0, 4),
             "nvlink_links_up": 18, "nvlink_links_total": 18,
             "nvlink_crc_errors": 0, "nvlink_replay_errors": 0, "nvlink_recovery_errors": 0,
             "xid_last": 0}
        m.update(over)
        th = {"ecc_dbe_volatile_max": 0, "remap_pending_max": 0, "remap_failure_max": 0,
              "temperature_c_max": 85, "pcie_replay_count_max": 100,
              "nvlink_crc_errors_max": 100, "nvlink_replay_errors_max": 100,
              "power_limit_w_min": round(0.9 * m["power_limit_default_w"])}
        bad = _health_problems(m, th, rates=False)
        status = "fail" if bad else "pass"
        reason = "; ".join(bad) if bad else "all health counters within thresholds"
        if m["xid_last"] and not bad:
            reason += " (last Xid %d is an application-class error)" % m["xid_last"]
        self.probes[key] = {"status": status, "metrics": m, "thresholds": th, "reason": reason,
                            "duration_s": duration or round(self.rng.uniform(1.4, 2.6), 2)}

    def health_rates(self, key, duration=None, window_s=1.0, **over):
        """gpu.health as vigil-probe reports it (probes/testdata/h200x2/*.json): NVLink and PCIe
        error counters both cumulative (since driver load) and as rates over a `window_s` sample
        window (`*_per_s`), judged on the rates (CRC/replay <= 100/s, recovery 0/s, PCIe replay
        <= 1/s); healthy links show a few CRC errors per second and large cumulative counts. PCIe
        generation and NVLink count follow the GPU model. Pass `*_per_s` values to set a fault."""
        gen = self.spec.get("pcie_gen", 5)
        links = self.spec.get("nvlinks", 18)
        m = {"ecc_sbe_volatile": 0, "ecc_dbe_volatile": 0, "ecc_dbe_aggregate": 0,
             "retired_pages": 0, "remap_pending": 0, "remap_failure": 0,
             "remapped_rows_correctable": 0, "remapped_rows_uncorrectable": 0,
             "temperature_c": round(self.rng.uniform(41, 58)),
             "hbm_temperature_c": round(self.rng.uniform(44, 60)),
             "power_w": round(self.rng.uniform(0.68, 0.9) * self.spec["tdp"]),
             "power_limit_w": self.spec["tdp"], "power_limit_default_w": self.spec["tdp"],
             "sm_clock_mhz": self.spec["clock"], "sm_clock_max_mhz": self.spec["clock"],
             "clock_event_reasons": 0,
             "pcie_link_gen": gen, "pcie_link_gen_max": gen, "pcie_link_width": 16,
             "pcie_link_width_max": 16, "pcie_replay_count": self.rng.randrange(0, 40),
             "pcie_replay_per_s": 0,
             "nvlink_links_up": links, "nvlink_links_total": links,
             "nvlink_crc_errors": self.rng.randrange(60, 9000),
             "nvlink_crc_errors_per_s": round(self.rng.uniform(1, 12), 1),
             "nvlink_replay_errors": self.rng.randrange(0, 3), "nvlink_replay_errors_per_s": 0,
             "nvlink_recovery_errors": 0, "nvlink_recovery_errors_per_s": 0,
             "sample_window_s": window_s, "xid_last": 0}
        m.update(over)
        th = {"ecc_dbe_volatile_max": 0, "remap_pending_max": 0, "remap_failure_max": 0,
              "temperature_c_max": 87, "pcie_replay_per_s_max": 1,
              "nvlink_crc_errors_per_s_max": 100, "nvlink_replay_errors_per_s_max": 100,
              "nvlink_recovery_errors_per_s_max": 0,
              "power_limit_w_min": round(0.9 * m["power_limit_default_w"])}
        bad = _health_problems(m, th, rates=True)
        status = "fail" if bad else "pass"
        reason = "; ".join(bad) if bad else "all health counters within thresholds"
        if m["xid_last"] and not bad:
            reason += " (last Xid %d is an application-class error)" % m["xid_last"]
        self.probes[key] = {"status": status, "metrics": m, "thresholds": th, "reason": reason,
                            "duration_s": duration or round(window_s + self.rng.uniform(0.4, 1.6), 2)}

    def _measured(self, key, metrics, thresholds, what, duration, details=None):
        bad = []
        for k, v in thresholds.items():
            name, kind = k.rsplit("_", 1)
            x = metrics[name]
            if (kind == "min" and x < v) or (kind == "max" and x > v):
                bad.append("%s %s %s %s" % (name, x, "below" if kind == "min" else "above", v))
        r = {"status": "fail" if bad else "pass", "metrics": metrics, "thresholds": thresholds,
             "reason": ("; ".join(bad) if bad else what + " within thresholds"),
             "duration_s": duration}
        if details is not None:
            r["details"] = details
        self.probes[key] = r

    def gemm(self, key, tflops=None, duration=None):
        t = tflops if tflops is not None else self.spec["gemm"] * self.rng.uniform(0.97, 1.03)
        self._measured(key, {"tflops": round(t, 1), "m": 8192, "n": 8192, "k": 8192},
                       {"tflops_min": self.spec["gemm_min"]}, "bf16 GEMM throughput",
                       duration or round(self.rng.uniform(6, 9), 1))

    def hbm(self, key, gb_s=None, duration=None):
        b = gb_s if gb_s is not None else self.spec["hbm"] * self.rng.uniform(0.97, 1.02)
        self._measured(key, {"bandwidth_gb_s": round(b)}, {"bandwidth_gb_s_min": self.spec["hbm_min"]},
                       "device memory bandwidth", duration or round(self.rng.uniform(2, 3.5), 1))

    def pcie(self, key, h2d=None, d2h=None, duration=None):
        h = h2d if h2d is not None else self.rng.uniform(*self.spec.get("pcie_h2d", (53, 56.5)))
        d = d2h if d2h is not None else self.rng.uniform(*self.spec.get("pcie_d2h", (52, 55.5)))
        lo = self.spec.get("pcie_min", 45.0)
        self._measured(key, {"h2d_gb_s": round(h, 1), "d2h_gb_s": round(d, 1)},
                       {"h2d_gb_s_min": lo, "d2h_gb_s_min": lo}, "pinned host-device copy bandwidth",
                       duration or round(self.rng.uniform(2, 4), 1))

    def sdc(self, key, mismatched=0, bad_gpu=None, duration=None):
        m = {"iterations": 200, "mismatched_elements": mismatched,
             "gpus_checked": self.gpus, "gpus_disagreeing": 1 if mismatched else 0}
        details = {"odd_one_out": bad_gpu} if bad_gpu else None
        if bad_gpu:
            m["disagreeing_gpu_index"] = int(bad_gpu[3:])
        self._measured(key, m, {"mismatched_elements_max": 0}, "bit-exact GEMM checksum vote",
                       duration or round(self.rng.uniform(4, 7), 1), details)
        if bad_gpu:
            self.probes[key]["reason"] = "%s disagrees with the other %d GPUs: %d mismatched elements" % (
                bad_gpu, self.gpus - 1, mismatched)

    def kernel_launch(self, key, us=None, duration=None):
        u = us if us is not None else self.rng.uniform(3.8, 6.2)
        self._measured(key, {"launch_latency_us": round(u, 2), "launch_sync_us": round(u * 2.1, 2)},
                       {"launch_latency_us_max": 20.0}, "kernel launch latency",
                       duration or round(self.rng.uniform(0.8, 1.3), 2))

    def nccl(self, key, busbw=None, minimum=None, duration=None, size="1GiB", details=None):
        op = key.split("@")[0].split(".")[1]
        scope_job = key.endswith("@job") or "," in key
        if minimum is None:
            minimum = {"allreduce": 300.0, "allgather": 280.0, "reducescatter": 280.0,
                       "alltoall": 200.0, "sendrecv": 150.0, "p2p_matrix": 250.0}[op]
            if scope_job and op != "p2p_matrix":
                minimum = {"allreduce": 150.0, "alltoall": 30.0, "sendrecv": 40.0}.get(op, 140.0)
        if busbw is None:
            busbw = minimum * self.rng.uniform(1.25, 1.45)
        name = "min_pair_gb_s" if op == "p2p_matrix" else "busbw_gb_s"
        metrics = {name: round(busbw, 1)}
        if op != "p2p_matrix":
            metrics["algbw_gb_s"] = round(busbw * (0.5 if op in ("allreduce",) else 0.9), 1)
            metrics["errors"] = 0
        self._measured(key, metrics, {name + "_min": minimum}, "%s bandwidth at %s" % (op, size),
                       duration or round(self.rng.uniform(3, 8), 1), details)

    def inventory(self, key, count=None, expected=None, details=None, duration=None):
        """gpu.inventory on "node/gpuN": what NVML and the CUDA runtime enumerate on that node, judged
        for the target GPU. A GPU that is not enumerated fails with the visible count."""
        expected = expected or self.gpus
        count = expected if count is None else count
        d = {"driver": "550.90.07", "cuda": "12.4", "name": self.gpu}
        if details:
            d.update(details)
        self._measured(key, {"gpu_count": count, "gpu_count_expected": expected},
                       {"gpu_count_min": expected}, "visible GPU count",
                       duration or round(self.rng.uniform(0.4, 0.9), 2), d)
        if count < expected:
            gpu = key.rsplit("/", 1)[-1]
            self.probes[key]["reason"] = "%s not enumerated by NVML or CUDA: %d of %d GPUs visible" % (
                gpu, count, expected)

    def errored(self, key, reason, duration=None):
        self.probes[key] = {"status": "error", "metrics": {}, "thresholds": {}, "reason": reason,
                            "duration_s": duration if duration is not None else round(self.rng.uniform(5, 60), 1)}

    def fail(self, key, reason):
        """Override the status of an already-added probe to fail with a reason (hand-set)."""
        self.probes[key]["status"] = "fail"
        self.probes[key]["reason"] = reason

    # ---------------------------------------------------------------- output
    def to_json(self):
        d = {"id": self.id, "alert": self.alert_obj, "logs": self.logs, "metrics": self.metrics,
             "probes": self.probes}
        if self.topology is None:
            self.with_topology()
        d["topology"] = self.topology
        d["expected"] = self.expected
        return d


def _health_problems(m, th, rates):
    """What a gpu.health result fails on. `rates`: judge NVLink/PCIe errors on their rates over the
    sample window (`*_per_s`, as vigil-probe does) instead of on the cumulative counters."""
    bad = []
    temp_max = th["temperature_c_max"]
    if m["ecc_dbe_volatile"] > 0:
        bad.append("%d volatile uncorrectable (DBE) ECC errors" % m["ecc_dbe_volatile"])
    if m["remap_failure"] > 0:
        bad.append("row remapping failure recorded")
    if m["remap_pending"] > 0:
        bad.append("row remap pending (GPU reset required)")
    if m["temperature_c"] > temp_max:
        bad.append("temperature %d C above %d C" % (m["temperature_c"], temp_max))
    reasons = [n for b, n in _THROTTLE_BITS.items() if int(m["clock_event_reasons"]) & b]
    if reasons and m["sm_clock_mhz"] < 0.9 * m["sm_clock_max_mhz"]:
        bad.append("clocks held at %d MHz of %d by: %s" % (
            m["sm_clock_mhz"], m["sm_clock_max_mhz"], ", ".join(reasons)))
    if m["power_limit_w"] < th["power_limit_w_min"]:
        bad.append("power limit %d W below default %d W" % (m["power_limit_w"],
                                                              m["power_limit_default_w"]))
    if m["pcie_link_gen"] < m["pcie_link_gen_max"] or m["pcie_link_width"] < m["pcie_link_width_max"]:
        bad.append("PCIe link Gen%d x%d, capable of Gen%d x%d" % (
            m["pcie_link_gen"], m["pcie_link_width"], m["pcie_link_gen_max"],
            m["pcie_link_width_max"]))
    if rates:
        if m["pcie_replay_per_s"] > th["pcie_replay_per_s_max"]:
            bad.append("PCIe replays %.1f/s (counter %d)" % (m["pcie_replay_per_s"], m["pcie_replay_count"]))
    elif m["pcie_replay_count"] > 100:
        bad.append("PCIe replay count %d" % m["pcie_replay_count"])
    if m["nvlink_links_up"] < m["nvlink_links_total"]:
        bad.append("%d of %d NVLink links down" % (m["nvlink_links_total"] - m["nvlink_links_up"],
                                                   m["nvlink_links_total"]))
    if rates:
        for name in ("crc", "replay", "recovery"):
            r = m["nvlink_%s_errors_per_s" % name]
            if r > th["nvlink_%s_errors_per_s_max" % name]:
                bad.append("NVLink %s errors %.1f/s over the %.0f s window (counter %d)" % (
                    name.upper() if name == "crc" else name, r, m["sample_window_s"],
                    m["nvlink_%s_errors" % name]))
    elif m["nvlink_crc_errors"] > 100 or m["nvlink_replay_errors"] > 100:
        bad.append("NVLink CRC %d / replay %d errors" % (m["nvlink_crc_errors"],
                                                          m["nvlink_replay_errors"]))
    if int(m["xid_last"]) in _HW_XIDS:
        bad.append("last Xid %d" % m["xid_last"])
    return bad


_YMD = re.compile(r"(\d{4})-(\d{2})-(\d{2})[ T_](\d{2}):(\d{2}):(\d{2})")
_SYSLOG = re.compile(r"^([A-Z][a-z]{2}) +(\d{1,2}) (\d{2}):(\d{2}):(\d{2}) ")
_DMESG = re.compile(r"^\[ *(\d+\.\d+)\]")
_GLOG = re.compile(r"(?<![A-Za-z0-9])[IWEF](\d{2})(\d{2}) (\d{2}):(\d{2}):(\d{2})\.\d+")


def _line_time(c, line):
    """Seconds relative to the case's t0 of a line's timestamp, or None."""
    m = _DMESG.match(line)
    if m:
        return float(m.group(1)) - c.uptime0
    m = _SYSLOG.match(line)
    if m and m.group(1) in MONTHS:
        t = _dt.datetime(c.t0.year, MONTHS.index(m.group(1)) + 1, int(m.group(2)), int(m.group(3)),
                         int(m.group(4)), int(m.group(5)), tzinfo=_dt.timezone.utc)
        return (t - c.t0).total_seconds()
    m = _YMD.search(line)
    if m:
        t = _dt.datetime(*map(int, m.groups()), tzinfo=_dt.timezone.utc)
        return (t - c.t0).total_seconds()
    m = _GLOG.search(line)
    if m:
        t = _dt.datetime(c.t0.year, *map(int, m.groups()), tzinfo=_dt.timezone.utc)
        return (t - c.t0).total_seconds()
    return None


# -------------------------------------------------------------------- Alertmanager webhook alert
def generator_url(expr, prometheus="http://prometheus.monitoring.svc:9090"):
    """The rule's generatorURL as Prometheus renders it (the expression in `g0.expr=`)."""
    from urllib.parse import quote
    return "%s/graph?g0.expr=%s&g0.tab=1" % (prometheus, quote(expr, safe=""))


def webhook_alert(c, name, summary, labels, expr, s=0, description=None, severity="warning",
                  prometheus="http://prometheus.monitoring.svc:9090"):
    """Sets c's alert to one firing alert as Alertmanager's webhook carries it: labels (alertname,
    severity first), annotations, startsAt at offset s, endsAt unset, generatorURL, fingerprint."""
    lab = {"alertname": name, "severity": severity}
    lab.update({k: str(v) for k, v in labels.items()})
    ann = {"summary": summary}
    if description:
        ann["description"] = description
    c.alert_obj = {"status": "firing", "labels": lab, "annotations": ann, "startsAt": c.iso(s),
                   "endsAt": "0001-01-01T00:00:00Z", "generatorURL": generator_url(expr, prometheus),
                   "fingerprint": "%016x" % c.rng.randrange(1 << 64)}


# -------------------------------------------------------------------- background noise
def interleave(rng, *streams):
    """Merge line lists randomly, keeping each list's own order."""
    streams = [list(s) for s in streams if s]
    out = []
    while streams:
        weights = [len(s) for s in streams]
        i = rng.choices(range(len(streams)), weights=weights)[0]
        out.append(streams[i].pop(0))
        if not streams[i]:
            streams.pop(i)
    return out


def insert_at(lines, frac, extra):
    """Insert `extra` lines after fraction `frac` of `lines`."""
    i = int(len(lines) * frac)
    return lines[:i] + list(extra) + lines[i:]


def megatron_iters(c, start_s, n, it0, total_it=500000, step_s=4.1, loss=2.31, lr=2.4e-4,
                   gbs=1024, grad=0.38, scale=None, step_fn=None, loss_fn=None, grad_fn=None,
                   skipped_fn=None, nan_fn=None, scale_fn=None, seq=4096):
    out = []
    t = start_s
    for i in range(n):
        it = it0 + i
        st = step_fn(i) if step_fn else step_s * c.rng.uniform(0.985, 1.015)
        t += st
        lo = loss_fn(i) if loss_fn else loss - 0.0009 * i + c.rng.uniform(-0.025, 0.025)
        gn = grad_fn(i) if grad_fn else grad * c.rng.uniform(0.85, 1.2)
        sc = scale_fn(i) if scale_fn else (scale if scale is not None else 1.0)
        sk = skipped_fn(i) if skipped_fn else 0
        nn = nan_fn(i) if nan_fn else 0
        if isinstance(lo, float) and lo != lo:
            lo = "nan"
        if isinstance(gn, float) and gn != gn:
            gn = "nan"
        lo_s = ("%.6E" % lo) if isinstance(lo, float) else str(lo)
        gn_s = ("%.3f" % gn) if isinstance(gn, float) and gn < 1e4 else (
            ("%.3E" % gn) if isinstance(gn, float) else str(gn))
        out.append(" [%s] iteration %8d/%8d | consumed samples: %12d | elapsed time per iteration "
                   "(ms): %.1f | throughput per GPU (TFLOP/s/GPU): %.1f | learning rate: %.6E | "
                   "global batch size: %5d | lm loss: %s | loss scale: %.1f | grad norm: %s | "
                   "number of skipped iterations: %3d | number of nan iterations: %3d |" % (
                       c.ymd(t), it, total_it, it * gbs, st * 1000, 4.1 / st * 402.0 * c.rng.uniform(0.99, 1.01),
                       lr, gbs, lo_s, sc, gn_s, sk, nn))
    return out


def deepspeed_steps(c, start_s, n, step0, rank=0, step_s=2.3, loss=1.92, lr=1.2e-4, skipped0=0,
                    samples=None, step_fn=None, loss_fn=None, mem=(38.4, 61.2)):
    out = []
    t = start_s
    for i in range(n):
        st = step_fn(i) if step_fn else step_s * c.rng.uniform(0.98, 1.02)
        t += st
        step = step0 + i
        if i % 2 == 0:
            out.append("[%s] [INFO] [logging.py:96:log_dist] [Rank %d] step=%d, skipped=%d, lr=[%.6e, %.6e], "
                       "mom=[(0.9, 0.95), (0.9, 0.95)]" % (c.ymd_ms(t), rank, step, skipped0, lr, lr))
        sps = (samples or 448.0) * step_s / st
        out.append("[%s] [INFO] [timer.py:264:stop] epoch=0/micro_step=%d/global_step=%d, "
                   "RunningAvgSamplesPerSec=%.3f, CurrSamplesPerSec=%.3f, MemAllocated=%.2fGB, "
                   "MaxMemAllocated=%.2fGB" % (c.ymd_ms(t), step * 8, step, sps * c.rng.uniform(0.99, 1.01),
                                              sps * c.rng.uniform(0.97, 1.03), mem[0], mem[1]))
        if i % 3 == 0:
            lo = loss_fn(i) if loss_fn else loss - 0.001 * i + c.rng.uniform(-0.03, 0.03)
            out.append("[%s] [INFO] [train.py:412] step %d loss %.4f" % (c.ymd_ms(t), step, lo))
    return out


def fsdp_steps(c, start_s, n, step0, step_s=1.8, loss=2.05, tok_s=None, mfu=42.0, step_fn=None,
               loss_fn=None, mem_gib=61.3, rank=0):
    out = []
    t = start_s
    tok = tok_s or 9100.0
    for i in range(n):
        st = step_fn(i) if step_fn else step_s * c.rng.uniform(0.985, 1.015)
        t += st
        lo = loss_fn(i) if loss_fn else loss - 0.0008 * i + c.rng.uniform(-0.02, 0.02)
        out.append("[rank%d]:[titan] %s - root - INFO - step: %d  loss: %7.4f  memory: %.2fGiB(%.2f%%)  "
                   "tps: %s  tflops: %.2f  mfu: %.2f%%" % (
                       rank, c.ymd_ms(t), step0 + i, lo, mem_gib, mem_gib / 0.795 / 1.0 * 0.55,
                       "{:,}".format(int(tok * step_s / st)), mfu * 9.89 * step_s / st,
                       mfu * step_s / st))
    return out


def plain_steps(c, start_s, n, step0, step_s=0.92, loss=3.1, step_fn=None, loss_fn=None, extra=""):
    out = []
    t = start_s
    for i in range(n):
        st = step_fn(i) if step_fn else step_s * c.rng.uniform(0.98, 1.02)
        t += st
        lo = loss_fn(i) if loss_fn else loss - 0.001 * i + c.rng.uniform(-0.03, 0.03)
        out.append("%s | INFO | train | epoch 3 step %d/%d | loss %.4f | step_time %.3fs | "
                   "samples/s %.1f%s" % (c.ymd(t), step0 + i, 120000, lo, st, 256 / st, extra))
    return out


NOISE_APP = [
    "UserWarning: TypedStorage is deprecated. It will be removed in the future and UntypedStorage will be the only storage class.",
    "FutureWarning: `torch.cuda.amp.autocast(args...)` is deprecated. Please use `torch.amp.autocast('cuda', args...)` instead.",
    "INFO: dataset shard 0412-of-4096 opened (1.9 GiB, 2419204 samples)",
    "INFO: prefetch queue depth 8/8",
    "wandb: WARNING Step only supports monotonically increasing values, use define_metric to set a custom x axis.",
    "INFO:megatron.core.optimizer:Setting up optimizer with config OptimizerConfig(optimizer='adam', lr=0.0003, min_lr=3e-05)",
    "> building indices for blendable datasets ...",
    "  > sample ratios:",
    "    dataset 0, input: 0.4, achieved: 0.4",
    "    dataset 1, input: 0.35, achieved: 0.35",
    "INFO:root:Tokenizer vocab size 128256 (padded to 128256)",
    "[W init.cpp:767] Warning: nvfuser is no longer supported in torch script, use _jit_set_nvfuser_enabled is deprecated and a no-op (function operator())",
    "WARNING: Logging before flag parsing goes to stderr.",
    "INFO: checkpoint retention: keeping last 3, deleting iter_0011000",
    "INFO: heartbeat ok (agent 0.4.2, 48 ranks reporting)",
    "INFO: eval every 2000 steps; next eval at step boundary",
    "/usr/local/lib/python3.10/dist-packages/torch/utils/checkpoint.py:429: UserWarning: torch.utils.checkpoint: please pass in use_reentrant=True or use_reentrant=False explicitly.",
    "INFO: grad accumulation steps 8, micro batch 2",
    "INFO: profiler disabled (set PROFILE_STEPS to enable)",
    "INFO: metrics pushed to pushgateway in 12 ms",
]

NOISE_KERNEL = [
    "systemd[1]: Started Session {n} of User slurm.",
    "systemd-logind[1602]: New session {n} of user slurm.",
    "kernel: IPv6: ADDRCONF(NETDEV_CHANGE): ib{k}: link becomes ready",
    "chronyd[1411]: Selected source 10.0.0.{k}",
    "systemd[1]: session-{n}.scope: Deactivated successfully.",
    "kernel: nvidia-nvswitch{k}: open (major=508, minor={k})",
    "nvidia-persistenced[2211]: device 0000:{bus}:00.0 - persistence mode enabled.",
    "slurmd[2871]: launch task StepId={n}.0 request from UID:1001 GID:1001 HOST:10.0.0.5 PORT:{n}",
    "kernel: audit: type=1400 audit({n}.120:{k}): apparmor=\"STATUS\" operation=\"profile_replace\"",
    "CRON[{n}]: (root) CMD (/usr/local/bin/node-exporter-textfile.sh)",
    "dcgm-exporter[3120]: level=info msg=\"Collecting DCP metrics\"",
    "kernel: mlx5_core 0000:{nic}:00.0: mlx5_pcie_event:299:(pid {n}): PCIe slot advertised sufficient power (75W).",
]


def app_noise(c, k, pool=None):
    pool = pool or NOISE_APP
    return [c.rng.choice(pool) for _ in range(k)]


def kernel_noise(c, host, k, start_s=-1500, end_s=0, fmt="syslog"):
    out = []
    times = sorted(c.rng.uniform(start_s, end_s) for _ in range(k))
    for t in times:
        line = c.rng.choice(NOISE_KERNEL).format(n=c.rng.randrange(1000, 99999), k=c.rng.randrange(0, 8),
                                                 bus=c.rng.choice(c.pci), nic=c.rng.choice(NIC_BUS))
        if fmt == "syslog":
            out.append("%s %s %s" % (c.syslog(t), host, line))
        else:
            out.append("%s %s" % (c.dmesg(t), line.split(": ", 1)[-1] if line.startswith("kernel") else line))
    return out


def nccl_init(c, host, rank, gpu, nranks, pid=None, version="2.21.5+cuda12.4", hca="mlx5_0:1,mlx5_3:1,mlx5_4:1,mlx5_5:1,mlx5_6:1,mlx5_9:1,mlx5_10:1,mlx5_11:1",
              ifname="bond0", ip=None):
    pid = pid or c.rng.randrange(10000, 99999)
    ip = ip or "10.0.%d.%d" % (sum(map(ord, host)) % 200, rank // 8 + 10)
    p = "%s:%d:%d [%d]" % (host, pid, pid, gpu)
    q = "%s:%d:%d [%d]" % (host, pid, pid + c.rng.randrange(20, 200), gpu)
    out = []
    if rank == 0:
        out.append("%s NCCL INFO NCCL version %s" % (p, version))
    out += [
        "%s NCCL INFO Bootstrap : Using %s:%s<0>" % (p, ifname, ip),
        "%s NCCL INFO NET/Plugin: No plugin found (libnccl-net.so)" % p,
        "%s NCCL INFO NET/IB : Using %s ; OOB %s:%s<0>" % (
            q, " ".join("[%d]%s/IB" % (i, h) for i, h in enumerate(hca.split(","))), ifname, ip),
        "%s NCCL INFO Using non-device net plugin version 0" % q,
        "%s NCCL INFO Using network IB" % q,
        "%s NCCL INFO comm 0x%x rank %d nranks %d cudaDev %d nvmlDev %d busId %s000 commId 0x%x - Init START" % (
            q, c.rng.randrange(1 << 40), rank, nranks, gpu, gpu, c.pci[gpu], c.rng.randrange(1 << 60)),
        "%s NCCL INFO Setting affinity for GPU %d to ffffffff,00000000" % (q, gpu),
        "%s NCCL INFO NVLS multicast support is not available on dev %d" % (q, gpu),
        "%s NCCL INFO Channel 00/32 :    0   1   2   3   4   5   6   7" % q,
        "%s NCCL INFO Trees [0] %d/-1/-1->%d->%d [1] %d/-1/-1->%d->%d" % (
            q, (rank + 1) % nranks, rank, (rank - 1) % nranks, (rank + 1) % nranks, rank, (rank - 1) % nranks),
        "%s NCCL INFO P2P Chunksize set to 524288" % q,
        "%s NCCL INFO Channel 00/0 : %d[%d] -> %d[%d] via P2P/CUMEM/read" % (
            q, rank, gpu, (rank + 1) % nranks, (gpu + 1) % 8),
        "%s NCCL INFO Connected all rings" % q,
        "%s NCCL INFO Connected all trees" % q,
        "%s NCCL INFO threadThresholds 8/8/64 | 512/8/64 | 512 | 512" % q,
        "%s NCCL INFO 32 coll channels, 32 collnet channels, 0 nvls channels, 32 p2p channels, 32 p2p channels per peer" % q,
        "%s NCCL INFO comm 0x%x rank %d nranks %d cudaDev %d nvmlDev %d busId %s000 commId 0x%x - Init COMPLETE" % (
            q, c.rng.randrange(1 << 40), rank, nranks, gpu, gpu, c.pci[gpu], c.rng.randrange(1 << 60)),
    ]
    return out


def watchdog(c, rank, s, seq, op="ALLREDUCE", numel=67108864, timeout_ms=600000, pg=0):
    """The lines torch's ProcessGroupNCCL prints when a collective times out on one rank."""
    ran = timeout_ms + c.rng.randrange(20, 400)
    wk = "WorkNCCL(SeqNum=%d, OpType=%s, NumelIn=%d, NumelOut=%d, Timeout(ms)=%d)" % (
        seq, op, numel, numel, timeout_ms)
    return [
        "[rank%d]:[%s ProcessGroupNCCL.cpp:616] [Rank %d] Watchdog caught collective operation timeout: "
        "%s ran for %d milliseconds before timing out." % (rank, c.glog(s, "E"), rank, wk, ran),
        "[rank%d]:[%s ProcessGroupNCCL.cpp:1785] [PG %d (default_pg) Rank %d] Exception (either an error or "
        "timeout) detected by watchdog at work: %d, last enqueued NCCL work: %d, last completed NCCL work: %d." % (
            rank, c.glog(s + 0.01, "E"), pg, rank, seq, seq, seq - 1),
        "[rank%d]:[%s ProcessGroupNCCL.cpp:630] [Rank %d] Some NCCL operations have failed or timed out. Due to "
        "the asynchronous nature of CUDA kernels, subsequent GPU operations might run on corrupted/incomplete "
        "data." % (rank, c.glog(s + 0.02, "E"), rank),
        "[rank%d]:[%s ProcessGroupNCCL.cpp:636] [Rank %d] To avoid data inconsistency, we are taking the entire "
        "process down." % (rank, c.glog(s + 0.02, "E"), rank),
        "[rank%d]:[%s ProcessGroupNCCL.cpp:1595] [PG %d (default_pg) Rank %d] Process group watchdog thread "
        "terminated with exception: [Rank %d] Watchdog caught collective operation timeout: %s ran for %d "
        "milliseconds before timing out." % (rank, c.glog(s + 0.03, "E"), pg, rank, rank, wk, ran),
        "terminate called after throwing an instance of 'c10::DistBackendError'",
    ]


def elastic_failure(c, s, host, rank, local_rank, exitcode, pid=None, sig=None, error_file="<N/A>",
                    traceback="To enable traceback see: https://pytorch.org/docs/stable/elastic/errors.html"):
    pid = pid or c.rng.randrange(10000, 99999)
    out = [
        "E%s %d torch/distributed/elastic/multiprocessing/api.py:826] failed (exitcode: %d) local_rank: %d "
        "(pid: %d) of binary: /usr/bin/python3" % (c.glog(s)[1:], pid, exitcode, local_rank, pid),
        "Traceback (most recent call last):",
        '  File "/usr/local/bin/torchrun", line 8, in <module>',
        "    sys.exit(main())",
        "torch.distributed.elastic.multiprocessing.errors.ChildFailedError: ",
        "============================================================",
        "train.py FAILED",
        "------------------------------------------------------------",
        "Root Cause (first observed failure):",
        "[0]:",
        "  time      : %s" % c.ymd(s).replace(" ", "_"),
        "  host      : %s" % host,
        "  rank      : %d (local_rank: %d)" % (rank, local_rank),
        "  exitcode  : %d (pid: %d)" % (exitcode, pid),
        "  error_file: %s" % error_file,
    ]
    if sig:
        out.append("  traceback : Signal %d (%s) received by PID %d" % (abs(exitcode), sig, pid))
    else:
        out.append("  traceback : %s" % traceback)
    out.append("============================================================")
    return out


def write_cases(cases, out_dir):
    os.makedirs(out_dir, exist_ok=True)
    seen = set()
    for c in cases:
        assert c.id not in seen, c.id
        seen.add(c.id)
        path = os.path.join(out_dir, c.id + ".json")
        text = json.dumps(c.to_json(), indent=1)
        # One metric sample per line instead of three.
        text = re.sub(r"\[\n\s*(-?\d+),\n\s*(-?[\d.eE+-]+)\n\s*\]", r"[\1, \2]", text)
        with open(path, "w") as f:
            f.write(text + "\n")
    return len(cases)
