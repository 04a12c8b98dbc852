#!/usr/bin/env python3
"""realistic10: the page and the graphs (RL10, 2026-12-03; see README.md).

Thirty alert-first cases: one Alertmanager alert as today's rule sets produce it (dcgm-exporter
3.3 / 4.x labels through the GPU operator, kube-prometheus-stack and node-mixin rules, team rules on
DCGM fields, the training job's exporter and log-derived metrics, the Slurm exporter, the
node_exporter infiniband collector), with rendered annotations and the generatorURL holding the
rule's expression, and what Prometheus returns around it: in about half of the cases the series in
the window hold the decisive fact, in the other half they do not (scrape gaps, a crash-looping
exporter, a recording rule, fields the cluster's collector CSV leaves out, a restarted exporter).
Co-firing alerts of the same webhook group are in an `alertmanager/group` source (as `amtool alert
query -o extended` lists them); short command outputs and log excerpts a first responder has are in
the other sources; probe results in a few.

Usage: realistic10_cases.py [--out DIR] [--table]
Deterministic: every case seeds from its id (casekit.Case). stdlib python3 only.
"""

import argparse
import hashlib
import os
import sys
import urllib.parse

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import casekit  # noqa: E402
from casekit import Case  # noqa: E402

# Models beyond casekit's tables, with the figures the probes would read (put here, not in casekit).
SPECS = {
    "NVIDIA B200": dict(gemm=2150.0, gemm_min=1850.0, hbm=7600.0, hbm_min=6500.0, tdp=1000.0,
                        clock=1965.0, mem_gib=180),
    "NVIDIA GB200": dict(gemm=2300.0, gemm_min=1950.0, hbm=7700.0, hbm_min=6600.0, tdp=1200.0,
                         clock=2062.0, mem_gib=186),
}
for _k, _v in SPECS.items():
    casekit.EXTRA_GPU_SPECS.setdefault(_k, _v)

PROM = "http://prometheus-k8s.monitoring.svc:9090"
STEP = 60  # the query_range step vigil serve asks for


def new_case(n, root, component, hosts, gpu="NVIDIA H200", gpus=8, pci=casekit.PCI_BUS_A):
    return Case("case-rl10-%02d" % n, root, component, hosts, gpu=gpu, gpus=gpus, pci=pci,
                step_s=STEP, window_s=1200)


def alert(c, name, labels, summary, description, expr, s=-60, severity="critical", runbook=None,
          extra_ann=None):
    lab = {"alertname": name}
    lab.update({k: str(v) for k, v in labels.items()})
    lab.setdefault("severity", severity)
    lab.setdefault("prometheus", "monitoring/k8s")
    ann = {"summary": summary, "description": description}
    if runbook:
        ann["runbook_url"] = runbook
    if extra_ann:
        ann.update(extra_ann)
    fp = hashlib.sha256(repr(sorted(lab.items())).encode()).hexdigest()[:16]
    c.alert_obj = {"status": "firing", "labels": lab, "annotations": ann, "startsAt": c.iso(s),
                   "endsAt": "0001-01-01T00:00:00Z",
                   "generatorURL": "%s/graph?g0.expr=%s&g0.tab=1" % (PROM, urllib.parse.quote(expr, safe="")),
                   "fingerprint": fp}


def dcgm_labels(c, host, g, driver, pod=None, ns="ml-train"):
    lab = {"gpu": str(g), "UUID": c.uuid(host, g), "pci_bus_id": "00000000:%s:00.0" % c.pci[g].upper(),
           "device": "nvidia%d" % g, "modelName": c.gpu, "Hostname": host,
           "DCGM_FI_DRIVER_VERSION": driver, "container": "nvidia-dcgm-exporter",
           "namespace": "gpu-operator", "job": "nvidia-dcgm-exporter",
           "instance": "%s:9400" % host, "endpoint": "gpu-metrics"}
    if pod:
        lab.update({"exported_pod": pod, "exported_namespace": ns, "exported_container": "pytorch"})
    return lab


def dcgm(c, name, host, driver, fn, gpus=None, pod=None, decimals=1):
    """One series per GPU; fn(g, s) -> value or None."""
    for g in (range(c.gpus) if gpus is None else gpus):
        c.series(name, dcgm_labels(c, host, g, driver, pod(g) if callable(pod) else pod),
                 lambda s, g=g: fn(g, s), decimals)


def nodex(c, name, host, fn, decimals=2, **extra):
    lab = {"instance": "%s:9100" % host, "job": "node-exporter", "namespace": "monitoring",
           "container": "node-exporter", "nodename": host}
    lab.update({k: str(v) for k, v in extra.items()})
    c.series(name, lab, fn, decimals)


def trainx(c, name, fn, decimals=3, job="train-metrics", **extra):
    lab = {"job": job, "namespace": "ml-train"}
    lab.update({k: str(v) for k, v in extra.items()})
    c.series(name, lab, fn, decimals)


def jit(c, v, j):
    return lambda s: v + c.rng.uniform(-j, j)


def counter(c, start, rate_fn):
    """A counter: rate_fn(s) -> increase per sample (>= 0); a value is returned for each call."""
    st = {"v": float(start)}

    def f(s):
        st["v"] += max(0.0, rate_fn(s))
        return st["v"]
    return f


def group(c, alerts):
    """The webhook group's other alerts as `amtool alert query -o extended` lists them."""
    lines = ["$ amtool --alertmanager.url=http://alertmanager-main.monitoring:9093 alert query -o extended",
             "Labels  Annotations  Starts At  Ends At  Generator URL  State"]
    for name, labels, summary, s in alerts:
        lab = " ".join('%s="%s"' % (k, v) for k, v in [("alertname", name)] + list(labels.items()))
        lines.append('%s  summary="%s"  %s UTC  0001-01-01 00:00:00 UTC  %s/graph  active' % (
            lab, summary, c.ymd(s), PROM))
    c.log("alertmanager/group", lines)


def journal(c, host, lines, k=12, start=-1500):
    """Journal lines of `host` (offset, text) plus k harmless ones."""
    out = ["%s %s %s" % (c.syslog(s), host, t) for s, t in lines]
    c.log("%s/journal" % host, out + casekit.kernel_noise(c, host, k, start_s=start, end_s=0))


def kubectl_pods(c, job, n, restarts=None, status=None, node_of=None):
    restarts = restarts or {}
    status = status or {}
    out = ["$ kubectl -n ml-train get pods -l training.kubeflow.org/job-name=%s -o wide" % job,
           "NAME                         READY   STATUS    RESTARTS      AGE   IP             NODE"]
    for i in range(n):
        name = "%s-worker-%d" % (job, i)
        out.append("%-28s %-7s %-9s %-13s %-5s %-14s %s" % (
            name, "1/1" if status.get(i, "Running") == "Running" else "0/1", status.get(i, "Running"),
            str(restarts.get(i, 0)), "%dh" % (7 + i % 3), "10.244.%d.%d" % (i + 3, 17 + i),
            node_of(i) if node_of else "node-%d" % i))
    return out


def smi_q(c, gpu_idx, fields):
    out = ["$ nvidia-smi -q -i %d -d %s" % (gpu_idx, ",".join(sorted({f[0] for f in fields})))]
    for _, line in fields:
        out.append(line)
    return out


# ====================================================================== the cases
CASES = []
META = []


def case(meta):
    def deco(fn):
        CASES.append(fn)
        META.append(meta)
        return fn
    return deco


@case(dict(alert="GPUXidError (Xid 79, dgx-h200-031 gpu 5)", rc="gpu_fallen_off_bus", comp="dgx-h200-031/gpu5",
           decisive="yes", holds="no", conf="",
           detail="the alert's value is 79; dcgm-exporter on the node is crash-looping (no DCGM series in the window), node_exporter only"))
def c01():
    h = "dgx-h200-031"
    c = new_case(1, "gpu_fallen_off_bus", h + "/gpu5", ["dgx-h200-030", h, "dgx-h200-032", "dgx-h200-033"])
    expr = "max by (Hostname, gpu, UUID, modelName, pci_bus_id) (DCGM_FI_DEV_XID_ERRORS) > 0"
    alert(c, "GPUXidError", {"Hostname": h, "gpu": "5", "UUID": c.uuid(h, 5), "modelName": c.gpu,
                             "pci_bus_id": "00000000:AB:00.0", "DCGM_FI_DRIVER_VERSION": "550.90.07",
                             "namespace": "gpu-operator", "job": "nvidia-dcgm-exporter"},
          "GPU Xid error on %s GPU 5" % h,
          "GPU 5 (%s) on %s reported Xid 79. Driver 550.90.07." % (c.uuid(h, 5), h), expr,
          runbook="https://runbooks.internal/gpu/xid")
    nodex(c, "node_load1", h, jit(c, 38, 3))
    nodex(c, "node_memory_MemAvailable_bytes", h, jit(c, 1.41e12, 2e9), decimals=0)
    nodex(c, "node_cpu_seconds_total", h, counter(c, 9.1e7, lambda s: 60 * 0.4), cpu="all", mode="user")
    c.series("kube_pod_container_status_restarts_total",
             {"namespace": "gpu-operator", "pod": "nvidia-dcgm-exporter-7xk2q", "container": "nvidia-dcgm-exporter",
              "node": h, "job": "kube-state-metrics"}, lambda s: 0 if s < -420 else (1 if s < -240 else (2 if s < -60 else 3)), 0)
    c.log("kubectl", [
        "$ kubectl -n gpu-operator get pods -o wide --field-selector spec.nodeName=%s" % h,
        "NAME                                   READY   STATUS             RESTARTS      AGE",
        "nvidia-dcgm-exporter-7xk2q             0/1     CrashLoopBackOff   3 (52s ago)   41d",
        "nvidia-device-plugin-daemonset-p9x8d   1/1     Running            0             41d",
        "nvidia-driver-daemonset-550-ms2fh      1/1     Running            0             41d",
        "$ kubectl -n gpu-operator logs nvidia-dcgm-exporter-7xk2q --previous | tail -3",
        'time="%s" level=info msg="Starting dcgm-exporter" Version=3.3.5-3.4.1' % c.iso(-75),
        'time="%s" level=info msg="DCGM successfully initialized!"' % c.iso(-74),
        'time="%s" level=fatal msg="Failed to watch metrics: Error watching fields: The third-party Profiling module returned an unrecoverable error"' % c.iso(-73),
    ])
    journal(c, h, [(-300, "kubelet[3312]: E1 pod_workers.go:1298] \"Error syncing pod, skipping\" pod=\"gpu-operator/nvidia-dcgm-exporter-7xk2q\"")], k=12)
    return c


@case(dict(alert="DCGMDoubleBitECCError (gpu-b17 gpu 2, +1 in 5m)", rc="gpu_memory_uncorrectable_ecc", comp="gpu-b17/gpu2",
           decisive="yes", holds="no", conf="",
           detail="the alert says the volatile DBE total rose; the cluster's collector CSV leaves the ECC fields out, the window holds temperature/power/util only"))
def c02():
    h = "gpu-b17"
    c = new_case(2, "gpu_memory_uncorrectable_ecc", h + "/gpu2", ["gpu-b16", h], gpu="NVIDIA H100 80GB HBM3")
    drv = "550.127.05"
    expr = "increase(DCGM_FI_DEV_ECC_DBE_VOL_TOTAL[5m]) > 0"
    alert(c, "DCGMDoubleBitECCError", {"Hostname": h, "gpu": "2", "UUID": c.uuid(h, 2), "modelName": c.gpu,
                                        "DCGM_FI_DRIVER_VERSION": drv, "instance": "%s:9400" % h},
          "Uncorrectable (double-bit) ECC error on %s GPU 2" % h,
          "DCGM_FI_DEV_ECC_DBE_VOL_TOTAL of GPU 2 on %s rose by 1 in 5m. The GPU needs a reset; drain the node." % h,
          expr, runbook="https://runbooks.internal/gpu/ecc")
    pod = "gpt-moe-8x22b-worker-1"
    dcgm(c, "DCGM_FI_DEV_GPU_TEMP", h, drv, lambda g, s: 61 + g % 3 + c.rng.uniform(-2, 2), pod=pod)
    dcgm(c, "DCGM_FI_DEV_POWER_USAGE", h, drv, lambda g, s: (560 if s < -150 else 90) + c.rng.uniform(-30, 30), pod=pod)
    dcgm(c, "DCGM_FI_DEV_GPU_UTIL", h, drv, lambda g, s: (99 if s < -150 else 0), pod=pod, decimals=0)
    c.log("cm/dcgm-metrics", [
        "$ kubectl -n gpu-operator get cm dcgm-metrics-custom -o jsonpath='{.data.dcgm-metrics\\.csv}' | grep -v '^#'",
        "DCGM_FI_DEV_SM_CLOCK,  gauge, SM clock frequency (in MHz).",
        "DCGM_FI_DEV_MEM_CLOCK, gauge, Memory clock frequency (in MHz).",
        "DCGM_FI_DEV_GPU_TEMP,  gauge, GPU temperature (in C).",
        "DCGM_FI_DEV_POWER_USAGE, gauge, Power draw (in W).",
        "DCGM_FI_DEV_GPU_UTIL,  gauge, GPU utilization (in %).",
        "DCGM_FI_DEV_FB_USED,   gauge, Framebuffer memory used (in MiB).",
        "DCGM_FI_DEV_XID_ERRORS, gauge, Value of the last XID error encountered.",
    ])
    c.log("kubectl", kubectl_pods(c, "gpt-moe-8x22b", 2, status={1: "Error"}, restarts={1: 1},
                                  node_of=lambda i: ["gpu-b16", h][i]))
    journal(c, h, [], k=14)
    return c


@case(dict(alert="GPURowRemapFailure (hgx-h100-r07-n12 gpu 6)", rc="gpu_row_remap_failure", comp="hgx-h100-r07-n12/gpu6",
           decisive="yes", holds="no", conf="",
           detail="DCGM_FI_DEV_ROW_REMAP_FAILURE = 1 in the alert; the series in the window were scraped from the other exporter port and lack the remap fields"))
def c03():
    h = "hgx-h100-r07-n12"
    c = new_case(3, "gpu_row_remap_failure", h + "/gpu6", [h, "hgx-h100-r07-n13"], gpu="NVIDIA H100 80GB HBM3",
                 pci=casekit.PCI_BUS_B)
    drv = "560.35.03"
    expr = "DCGM_FI_DEV_ROW_REMAP_FAILURE > 0"
    alert(c, "GPURowRemapFailure", {"Hostname": h, "gpu": "6", "UUID": c.uuid(h, 6), "modelName": c.gpu,
                                     "pci_bus_id": "00000000:CB:00.0", "DCGM_FI_DRIVER_VERSION": drv},
          "Row remapping failed on %s GPU 6" % h,
          "GPU 6 on %s has DCGM_FI_DEV_ROW_REMAP_FAILURE = 1: the memory bank has no spare rows left. RMA the GPU." % h,
          expr, severity="critical")
    dcgm(c, "DCGM_FI_DEV_GPU_TEMP", h, drv, lambda g, s: 55 + c.rng.uniform(-3, 3))
    dcgm(c, "DCGM_FI_DEV_FB_USED", h, drv, lambda g, s: 71800 + c.rng.uniform(-300, 300), decimals=0)
    nodex(c, "node_load1", h, jit(c, 22, 2))
    c.log("train/rank48", [
        "[rank48]: Traceback (most recent call last):",
        '[rank48]:   File "/workspace/train.py", line 288, in <module>',
        "[rank48]:     main()",
        "[rank48]: RuntimeError: CUDA error: uncorrectable ECC error encountered",
        "[rank48]: CUDA kernel errors might be asynchronously reported at some other API call, so the stacktrace below might be incorrect.",
    ])
    journal(c, h, [(-130, "kernel: NVRM: Xid (PCI:0000:cb:00): 64, pid=48811, name=python3, Ch 00000008, errorString CTX SWITCH TIMEOUT, Info 0x3c"),
                   (-129, "kernel: NVRM: Xid (PCI:0000:cb:00): 48, pid=48811, name=python3, An uncorrectable double bit error (DBE) has been detected on GPU in the framebuffer at physAddr 0x1f4e2b0000.")], k=13)
    return c


@case(dict(alert="GPUXidCritical from recording rule gpu:xid_last:max (Xid 119, b200-pod3-n07 gpu 1)", rc="gpu_firmware_error",
           comp="b200-pod3-n07/gpu1", decisive="yes", holds="no", conf="",
           detail="Xid 119 (GSP RPC timeout) in the alert; the raw DCGM_FI_DEV_XID_ERRORS sample was between scrapes, the window shows 0"))
def c04():
    h = "b200-pod3-n07"
    c = new_case(4, "gpu_firmware_error", h + "/gpu1", ["b200-pod3-n06", h, "b200-pod3-n08"], gpu="NVIDIA B200")
    drv = "570.124.06"
    expr = 'gpu:xid_last:max{xid=~"62|119|120|140|143"} > 0'
    alert(c, "GPUXidCritical", {"Hostname": h, "gpu": "1", "UUID": c.uuid(h, 1), "modelName": c.gpu,
                                 "xid": "119", "rule_group": "gpu-xid.rules"},
          "Critical Xid 119 on %s GPU 1" % h,
          "GPU 1 on %s reported Xid 119 (recorded by gpu:xid_last:max). Driver 570.124.06. Cordon the node and reset the GPU." % h,
          expr)
    dcgm(c, "DCGM_FI_DEV_XID_ERRORS", h, drv, lambda g, s: 0, decimals=0)
    dcgm(c, "DCGM_FI_DEV_GPU_UTIL", h, drv, lambda g, s: (100 if s < -200 else (100 if g == 1 else 0)), decimals=0)
    dcgm(c, "DCGM_FI_DEV_POWER_USAGE", h, drv, lambda g, s: (820 if s < -200 else (310 if g == 1 else 160)) + c.rng.uniform(-40, 40))
    journal(c, h, [], k=18)
    c.log("kubectl", ["$ kubectl get node %s -o jsonpath='{.metadata.labels}' | tr , '\\n' | grep nvidia.com/gpu" % h,
                      '"nvidia.com/gpu.count":"8"', '"nvidia.com/gpu.product":"NVIDIA-B200"',
                      '"nvidia.com/cuda.driver.major":"570"'])
    return c


@case(dict(alert="DCGMNVLinkCRCErrorsHigh (dgx-h200-114 gpu 6)", rc="nvlink_error", comp="dgx-h200-114/gpu6",
           decisive="yes", holds="yes", conf="",
           detail="NVLink CRC flit counter of gpu 6 climbs ~4,000/s and recovery errors rise; the other seven GPUs stay near 1/s"))
def c05():
    h = "dgx-h200-114"
    c = new_case(5, "nvlink_error", h + "/gpu6", ["dgx-h200-113", h])
    drv = "565.57.01"
    expr = "rate(DCGM_FI_DEV_NVLINK_CRC_FLIT_ERROR_COUNT_TOTAL[5m]) > 100"
    alert(c, "DCGMNVLinkCRCErrorsHigh", {"Hostname": h, "gpu": "6", "UUID": c.uuid(h, 6), "modelName": c.gpu,
                                          "DCGM_FI_DRIVER_VERSION": drv},
          "NVLink CRC errors on %s GPU 6" % h, "NVLink CRC flit errors on GPU 6 of %s at 4127/s over 5m." % h, expr,
          severity="warning")
    crc = {g: counter(c, 1000 * g + 300, lambda t, g=g: 240000 if (g == 6 and t > -700) else 60) for g in range(8)}
    dcgm(c, "DCGM_FI_DEV_NVLINK_CRC_FLIT_ERROR_COUNT_TOTAL", h, drv, lambda g, s: crc[g](s), decimals=0)
    dcgm(c, "DCGM_FI_DEV_NVLINK_RECOVERY_ERROR_COUNT_TOTAL", h, drv,
         lambda g, s: (0 if g != 6 or s < -600 else int((s + 600) / 120)), decimals=0)
    dcgm(c, "DCGM_FI_PROF_NVLINK_TX_BYTES", h, drv, lambda g, s: (1.9e11 if s < -700 else 1.1e11) * c.rng.uniform(0.95, 1.05), decimals=0)
    c.log("train/rank0", casekit.megatron_iters(c, -900, 22, 81200, step_s=3.4,
                                                step_fn=lambda i: 3.4 if i < 6 else 5.2 * c.rng.uniform(0.97, 1.03)))
    journal(c, h, [], k=6)
    return c


@case(dict(alert="GPUTemperatureHigh from recording rule (gpu-a42 gpu 1, 91 C)", rc="gpu_thermal_throttle", comp="gpu-a42/gpu1",
           decisive="yes", holds="no", conf="",
           detail="the alert fired from gpu:temperature:max5m at 91 C; gpu 1's raw series has a scrape gap over the last 9 minutes, the seven others are at 55-62 C"))
def c06():
    h = "gpu-a42"
    c = new_case(6, "gpu_thermal_throttle", h + "/gpu1", ["gpu-a41", h, "gpu-a43", "gpu-a44"])
    drv = "550.54.15"
    expr = "gpu:temperature:max5m > 87"
    alert(c, "GPUTemperatureHigh", {"Hostname": h, "gpu": "1", "UUID": c.uuid(h, 1), "modelName": c.gpu},
          "GPU 1 on %s is at 91 C" % h,
          "GPU 1 on %s has been above 87 C for 5 minutes (91). Clocks will be reduced (thermal slowdown)." % h, expr,
          severity="warning")
    dcgm(c, "DCGM_FI_DEV_GPU_TEMP", h, drv,
         lambda g, s: (None if (g == 1 and s > -560) else ((70 + (s + 1200) / 60.0 if g == 1 else 58) + c.rng.uniform(-2, 2))))
    dcgm(c, "DCGM_FI_DEV_SM_CLOCK", h, drv, lambda g, s: None if (g == 1 and s > -560) else 1980, decimals=0)
    nodex(c, "up", h, lambda s: 1, decimals=0)
    c.log("train/rank9", casekit.fsdp_steps(c, -700, 22, 40210, rank=9, step_s=1.9,
                                            step_fn=lambda i: 1.9 * (1.0 if i < 8 else 1.3) * c.rng.uniform(0.98, 1.02)))
    journal(c, h, [], k=6)
    return c


@case(dict(alert="GPUTemperatureHigh (dgx-h100-077 gpu 4, 88 C)", rc="gpu_power_throttle", comp="dgx-h100-077",
           decisive="no", holds="yes", conf="C",
           detail="all eight GPUs of the node show clock-event reasons 0x88 (HW slowdown + HW power brake) and power falling to ~250 W at once; ipmi PSU 2 status failed; gpu 4's 88 C is its usual peak"))
def c07():
    h = "dgx-h100-077"
    c = new_case(7, "gpu_power_throttle", h, ["dgx-h100-076", h, "dgx-h100-078"], gpu="NVIDIA H100 80GB HBM3")
    drv = "550.90.07"
    expr = "DCGM_FI_DEV_GPU_TEMP > 87"
    alert(c, "GPUTemperatureHigh", {"Hostname": h, "gpu": "4", "UUID": c.uuid(h, 4), "modelName": c.gpu,
                                     "DCGM_FI_DRIVER_VERSION": drv},
          "GPU 4 on %s is at 88 C" % h, "GPU 4 on %s has been above 87 C for 2 minutes (88)." % h, expr,
          severity="warning")
    ev = -480
    dcgm(c, "DCGM_FI_DEV_GPU_TEMP", h, drv,
         lambda g, s: (84 if g == 4 else 66) + c.rng.uniform(-1.5, 1.5) + (4 if (g == 4 and -600 < s < -60) else 0), decimals=0)
    dcgm(c, "DCGM_FI_DEV_CLOCK_THROTTLE_REASONS", h, drv, lambda g, s: 136 if s > ev else 0, decimals=0)
    dcgm(c, "DCGM_FI_DEV_POWER_USAGE", h, drv, lambda g, s: (250 if s > ev else 640) + c.rng.uniform(-25, 25))
    dcgm(c, "DCGM_FI_DEV_SM_CLOCK", h, drv, lambda g, s: (810 if s > ev else 1980) + c.rng.uniform(-40, 0), decimals=0)
    c.series("ipmi_sensor_state", {"instance": "%s-bmc:9290" % h, "job": "ipmi-exporter", "name": "PSU2 Status",
                                   "type": "Power Supply", "node": h}, lambda s: 2 if s > ev - 20 else 0, 0)
    c.series("ipmi_power_watts", {"instance": "%s-bmc:9290" % h, "job": "ipmi-exporter", "name": "Pwr Consumption",
                                  "node": h}, lambda s: (3900 if s > ev else 8700) + c.rng.uniform(-200, 200), 0)
    c.log("ipmitool", ["$ ipmitool sel elist | tail -4",
                       "  b1f | %s | Power Supply PSU2 Status | Failure detected | Asserted" % c.ymd(ev - 25).replace(" ", " | "),
                       "  b20 | %s | Power Supply PSU2 Status | Power Supply AC lost | Asserted" % c.ymd(ev - 24).replace(" ", " | "),
                       "  b21 | %s | Power Unit PS Redundancy | Redundancy Lost | Asserted" % c.ymd(ev - 24).replace(" ", " | ")])
    journal(c, h, [], k=16)
    return c


@case(dict(alert="GPUPowerLimitBelowDefault (hgx-b200-r12-n04 gpu 0, 600 W)", rc="gpu_power_throttle", comp="hgx-b200-r12-n04",
           decisive="yes", holds="yes", conf="",
           detail="DCGM_FI_DEV_POWER_MGMT_LIMIT dropped 1000 -> 600 W on all eight GPUs at the same minute, reasons 0x4 (SW power cap) on all, clocks 1.3 GHz"))
def c08():
    h = "hgx-b200-r12-n04"
    c = new_case(8, "gpu_power_throttle", h, ["hgx-b200-r12-n03", h, "hgx-b200-r12-n05", "hgx-b200-r12-n06"], gpu="NVIDIA B200")
    drv = "570.133.20"
    expr = "DCGM_FI_DEV_POWER_MGMT_LIMIT < 0.9 * DCGM_FI_DEV_ENFORCED_POWER_LIMIT offset 1d"
    alert(c, "GPUPowerLimitBelowDefault", {"Hostname": h, "gpu": "0", "UUID": c.uuid(h, 0), "modelName": c.gpu,
                                            "DCGM_FI_DRIVER_VERSION": drv},
          "GPU 0 on %s power limit is 600 W" % h,
          "The power management limit of GPU 0 on %s is 600 W, below 90%% of its limit a day ago." % h, expr,
          severity="warning")
    ev = -780
    dcgm(c, "DCGM_FI_DEV_POWER_MGMT_LIMIT", h, drv, lambda g, s: 600 if s > ev else 1000, decimals=0)
    dcgm(c, "DCGM_FI_DEV_CLOCKS_EVENT_REASONS", h, drv, lambda g, s: 4 if s > ev else 0, decimals=0)
    dcgm(c, "DCGM_FI_DEV_SM_CLOCK", h, drv, lambda g, s: (1310 if s > ev else 1965) + c.rng.uniform(-30, 0), decimals=0)
    dcgm(c, "DCGM_FI_DEV_POWER_USAGE", h, drv, lambda g, s: (596 if s > ev else 905) + c.rng.uniform(-8, 8))
    c.health("gpu.health@%s/gpu0" % h, power_limit_w=600, power_w=598, sm_clock_mhz=1310, clock_event_reasons=4)
    journal(c, h, [(ev - 5, "sudo[77120]: opsbot : TTY=unknown ; PWD=/root ; USER=root ; COMMAND=/usr/bin/nvidia-smi -pl 600"),
                   (ev - 4, "kernel: NVRM: GPU at PCI:0000:18:00: power limit changed")], k=20)
    return c


@case(dict(alert="GPUPCIeLinkDegraded (gpu-c09 gpu 3, x4)", rc="pcie_link_degraded", comp="gpu-c09/gpu3",
           decisive="yes", holds="no", conf="",
           detail="the alert says link width 4 of 16; the window holds only utilisation and power (PCIe fields not in the collector CSV)"))
def c09():
    h = "gpu-c09"
    c = new_case(9, "pcie_link_degraded", h + "/gpu3", ["gpu-c08", h])
    drv = "550.127.05"
    expr = "DCGM_FI_DEV_PCIE_LINK_WIDTH < DCGM_FI_DEV_PCIE_MAX_LINK_WIDTH"
    alert(c, "GPUPCIeLinkDegraded", {"Hostname": h, "gpu": "3", "UUID": c.uuid(h, 3), "modelName": c.gpu,
                                      "pci_bus_id": "00000000:5D:00.0"},
          "PCIe link of GPU 3 on %s is degraded" % h,
          "GPU 3 on %s trained its PCIe link at width 4 (max 16)." % h, expr, severity="warning")
    dcgm(c, "DCGM_FI_DEV_GPU_UTIL", h, drv, lambda g, s: (71 if g == 3 else 97) + c.rng.uniform(-3, 2), decimals=0)
    dcgm(c, "DCGM_FI_DEV_POWER_USAGE", h, drv, lambda g, s: (430 if g == 3 else 610) + c.rng.uniform(-20, 20))
    c.log("train/rank11", casekit.plain_steps(c, -400, 20, 1880, step_s=1.4))
    journal(c, h, [], k=6)
    return c


@case(dict(alert="TrainingLossSpike (run llama-405b-ft)", rc="gpu_silent_data_corruption", comp="node-r3-17/gpu3",
           decisive="no", holds="yes", conf="C",
           detail="the training exporter's DP parameter-checksum check flags rank 27 (node-r3-17 gpu 3) alone, 6 min before the loss spike; no Xid, no ECC; gpu.sdc fails on gpu3, gpu.health passes"))
def c10():
    hosts = ["node-r3-%02d" % i for i in range(14, 20)]
    h = "node-r3-17"
    c = new_case(10, "gpu_silent_data_corruption", h + "/gpu3", hosts)
    expr = 'train_loss{run="llama-405b-ft"} > 1.5 * avg_over_time(train_loss{run="llama-405b-ft"}[1h])'
    alert(c, "TrainingLossSpike", {"run": "llama-405b-ft", "namespace": "ml-train", "job": "train-metrics",
                                    "team": "pretrain"},
          "Loss of llama-405b-ft spiked to 3.92", "train_loss of run llama-405b-ft is 3.92, above 1.5x its 1h average.",
          expr, severity="warning")
    trainx(c, "train_loss", lambda s: 1.71 + c.rng.uniform(-0.02, 0.02) + (2.2 if s > -90 else 0), run="llama-405b-ft")
    bad = c.rank_of(h, 3)
    for r in (0, 9, 18, bad, 36, 45):
        hh = hosts[r // 8]
        trainx(c, "train_dp_param_checksum_mismatch", (lambda s, r=r: (0 if (r != bad or s < -400) else 1 + int((s + 400) / 60))),
               decimals=0, run="llama-405b-ft", rank=str(r), host=hh, local_gpu=str(r % 8))
    trainx(c, "train_grad_norm", lambda s: 0.31 + c.rng.uniform(-0.03, 0.03) + (4.1 if s > -150 else 0), run="llama-405b-ft")
    c.sdc("gpu.sdc@%s" % h, mismatched=3, bad_gpu="gpu3")
    c.health("gpu.health@%s/gpu3" % h)
    c.log("train/rank0", casekit.megatron_iters(c, -700, 22, 5120, step_s=6.1, loss=1.72,
                                                loss_fn=lambda i: 1.72 + (0 if i < 16 else 0.4 * (i - 15)),
                                                grad_fn=lambda i: 0.3 if i < 16 else 1.9 * (i - 15)))
    return c


@case(dict(alert="NodeInfinibandPortDown (ibnode-044 mlx5_3 port 1)", rc="ib_link_failure", comp="ibnode-044/mlx5_3",
           decisive="yes", holds="no", conf="",
           detail="node_infiniband_state_id 1 (DOWN) in the alert; the node_exporter restarted and its infiniband collector fails since, no node_infiniband_* in the window"))
def c11():
    h = "ibnode-044"
    c = new_case(11, "ib_link_failure", h + "/mlx5_3", ["ibnode-043", h, "ibnode-045", "ibnode-046"])
    expr = 'node_infiniband_state_id{device=~"mlx5_[0-9]+"} != 4'
    alert(c, "NodeInfinibandPortDown", {"instance": "%s:9100" % h, "device": "mlx5_3", "port": "1", "job": "node-exporter"},
          "InfiniBand port mlx5_3/1 on %s is not ACTIVE" % h,
          "Port 1 of mlx5_3 on %s reports state 1 (DOWN) for 2 minutes." % h, expr)
    nodex(c, "node_load1", h, jit(c, 41, 3))
    nodex(c, "node_exporter_build_info", h, lambda s: 1 if s > -300 else None, decimals=0, version="1.8.2")
    nodex(c, "node_scrape_collector_success", h, lambda s: 0 if s > -300 else None, decimals=0, collector="infiniband")
    c.log("node-exporter", ['ts=%s caller=collector.go:169 level=error msg="collector failed" name=infiniband duration_seconds=0.0021 err="failed to read file \\"/sys/class/infiniband/mlx5_3/ports/1/counters/port_rcv_data\\": no such device"' % c.iso(-240 + 60 * i)
                            for i in range(4)])
    c.log("train/rank0", casekit.nccl_init(c, "ibnode-043", 0, 0, 32)[:4] + ["INFO: prefetch queue depth 8/8"])
    journal(c, h, [], k=12)
    return c


@case(dict(alert="NCCLWatchdogTimeout (log-derived, run qwen-72b-sft)", rc="cuda_oom", comp="a3-node-02/gpu5",
           decisive="no", holds="no", conf="C",
           detail="rank 13's stderr (a3-node-02 local GPU 5) ends with torch.OutOfMemoryError 2 minutes before the peers' watchdog timeouts; metrics show FB high on all GPUs (normal for the caching allocator)"))
def c12():
    hosts = ["a3-node-01", "a3-node-02", "a3-node-03", "a3-node-04"]
    h = "a3-node-02"
    c = new_case(12, "cuda_oom", h + "/gpu5", hosts)
    drv = "550.90.07"
    expr = 'sum by (run) (increase(nccl_watchdog_timeouts_total{run="qwen-72b-sft"}[5m])) > 0'
    alert(c, "NCCLWatchdogTimeout", {"run": "qwen-72b-sft", "namespace": "ml-train", "job": "promtail-derived"},
          "NCCL watchdog timeouts in qwen-72b-sft", "31 ranks of qwen-72b-sft logged a ProcessGroupNCCL watchdog timeout in 5m.",
          expr)
    trainx(c, "nccl_watchdog_timeouts_total", lambda s: 0 if s < -90 else 31, decimals=0, run="qwen-72b-sft", job="promtail-derived")
    dcgm(c, "DCGM_FI_DEV_FB_USED", h, drv, lambda g, s: (610 if (g == 5 and s > -720) else 131500 + c.rng.uniform(-900, 900)), decimals=0)
    dcgm(c, "DCGM_FI_DEV_GPU_UTIL", h, drv, lambda g, s: (100 if s > -720 else 98) if g != 5 else (0 if s > -720 else 97), decimals=0)
    rk = c.rank_of(h, 5)
    c.log("%s/rank%d/stderr" % (h, rk), [
        "[rank%d]: Traceback (most recent call last):" % rk,
        '[rank%d]:   File "/workspace/sft/train.py", line 341, in training_step' % rk,
        "[rank%d]:     logits = self.model(input_ids, attention_mask=mask).logits" % rk,
        '[rank%d]:   File "/usr/local/lib/python3.11/site-packages/transformers/models/qwen2/modeling_qwen2.py", line 1182, in forward' % rk,
        "[rank%d]:     logits = logits.float()" % rk,
        "[rank%d]: torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 9.28 GiB. GPU 5 has a total capacity of 139.81 GiB of which 6.12 GiB is free. Process 91822 has 133.68 GiB memory in use. Of the allocated memory 121.04 GiB is allocated by PyTorch, and 10.77 GiB is reserved by PyTorch but unallocated." % rk,
        "E%s 91822 torch/distributed/elastic/multiprocessing/api.py:869] failed (exitcode: 1) local_rank: 5 (pid: 91822) of binary: /usr/bin/python3" % c.glog(-718)[1:],
    ])
    c.log("a3-node-01/rank0/stderr", casekit.watchdog(c, 0, -100, 19422, op="ALLGATHER", numel=262144000)[:5])
    c.log("a3-node-03/rank17/stderr", casekit.watchdog(c, 17, -99, 19422, op="ALLGATHER", numel=262144000)[:5])
    journal(c, h, [], k=4)
    return c


@case(dict(alert="KubePodCrashLooping (mistral-22b-pt-worker-0)", rc="nccl_network_misconfig", comp="job",
           decisive="no", holds="no", conf="",
           detail="every worker fails in NCCL bootstrap: NCCL_SOCKET_IFNAME=ens1f0 names an interface the nodes do not have (they have eth0 / net1); restarts in kube-state-metrics only"))
def c13():
    hosts = ["k8s-gpu-%02d" % i for i in (21, 22, 23, 24)]
    c = new_case(13, "nccl_network_misconfig", "job", hosts, gpu="NVIDIA H100 80GB HBM3")
    expr = 'max_over_time(kube_pod_container_status_waiting_reason{reason="CrashLoopBackOff", job="kube-state-metrics"}[5m]) >= 1'
    alert(c, "KubePodCrashLooping", {"namespace": "ml-train", "pod": "mistral-22b-pt-worker-0", "container": "pytorch",
                                      "job": "kube-state-metrics", "reason": "CrashLoopBackOff"},
          "Pod is crash looping.",
          'Pod ml-train/mistral-22b-pt-worker-0 (pytorch) is in waiting state (reason: "CrashLoopBackOff").',
          expr, severity="warning", runbook="https://runbooks.prometheus-operator.dev/runbooks/kubernetes/kubepodcrashlooping")
    for i in range(4):
        c.series("kube_pod_container_status_restarts_total",
                 {"namespace": "ml-train", "pod": "mistral-22b-pt-worker-%d" % i, "container": "pytorch",
                  "job": "kube-state-metrics", "node": hosts[i]},
                 lambda s: max(0, int((s + 1000) / 240)), 0)
    c.log("kubectl", kubectl_pods(c, "mistral-22b-pt", 4, status={0: "CrashLoopBackOff", 1: "Error", 2: "Error", 3: "CrashLoopBackOff"},
                                  restarts={i: 4 for i in range(4)}, node_of=lambda i: hosts[i]) +
          ["$ kubectl -n ml-train exec mistral-22b-pt-worker-1 -- sh -c 'env | grep ^NCCL; ls /sys/class/net'",
           "NCCL_SOCKET_IFNAME=ens1f0", "NCCL_IB_HCA=mlx5", "NCCL_DEBUG=INFO", "eth0  lo  net1"])
    p = "k8s-gpu-21:412:412 [0]"
    c.log("ml-train/mistral-22b-pt-worker-0/pytorch", [
        "%s NCCL INFO NCCL version 2.21.5+cuda12.4" % p,
        "%s NCCL INFO NCCL_SOCKET_IFNAME set by environment to ens1f0" % p,
        "%s NCCL WARN Bootstrap : no socket interface found" % p,
        "%s NCCL INFO init.cc:1761 -> 3" % p,
        "[rank0]: torch.distributed.DistBackendError: NCCL error in: ../torch/csrc/distributed/c10d/NCCLUtils.hpp:317, internal error - please report this issue to the NCCL developers, NCCL version 2.21.5",
        "[rank0]: ncclInternalError: Internal check failed.",
        "[rank0]: Last error:",
        "[rank0]: Bootstrap : no socket interface found",
    ])
    journal(c, hosts[0], [], k=8)
    return c


@case(dict(alert="NCCLWatchdogTimeout (log-derived, run gpt-neox-20b)", rc="nccl_collective_hang", comp="dgx-06/gpu1",
           decisive="no", holds="no", conf="",
           detail="63 ranks time out in ALLREDUCE SeqNum 48211; the desync report says rank 41 (dgx-06 gpu 1) is in ALLGATHER SeqNum 48210 and never joined; no crash, no Xid, links clean"))
def c14():
    hosts = ["dgx-%02d" % i for i in range(1, 9)]
    c = new_case(14, "nccl_collective_hang", "dgx-06/gpu1", hosts)
    drv = "560.35.03"
    expr = 'sum by (run) (increase(nccl_watchdog_timeouts_total{run="gpt-neox-20b"}[5m])) > 0'
    alert(c, "NCCLWatchdogTimeout", {"run": "gpt-neox-20b", "namespace": "ml-train", "job": "promtail-derived"},
          "NCCL watchdog timeouts in gpt-neox-20b", "63 ranks of gpt-neox-20b logged a ProcessGroupNCCL watchdog timeout in 5m.",
          expr)
    dcgm(c, "DCGM_FI_DEV_GPU_UTIL", "dgx-06", drv, lambda g, s: 100 if s > -700 else 96, decimals=0)
    dcgm(c, "DCGM_FI_DEV_XID_ERRORS", "dgx-06", drv, lambda g, s: 0, decimals=0)
    lines = []
    for r in (0, 17, 40, 42):
        lines += casekit.watchdog(c, r, -100 + r * 0.01, 48211)[:2]
    lines += [
        "[rank0]:[%s ProcessGroupNCCL.cpp:1299] [PG 0 (default_pg) Rank 0] ProcessGroupNCCL preparing to dump debug info." % c.glog(-99, "E"),
        "[rank0]:[%s ProcessGroupNCCL.cpp:1341] [PG 0 (default_pg) Rank 0] Received a dump signal from this local rank and will start to dump the debug info." % c.glog(-98, "E"),
        "[rank0]:[%s ProcessGroupNCCL.cpp:1355] [PG 0 (default_pg) Rank 0] Stack trace of the failed collective:" % c.glog(-98, "E"),
        "[rank0]:[%s ProcessGroupNCCL.cpp:1374] [PG 0 (default_pg) Rank 0] Desync report: rank 41 is stuck in collective (SeqNum 48210, OpType ALLGATHER), other ranks are waiting in collective (SeqNum 48211, OpType ALLREDUCE)" % c.glog(-97, "E"),
    ]
    c.log("job/stderr", lines)
    c.log("dgx-06/py-spy-rank41", [
        "$ py-spy dump --pid 77310 (rank 41, dgx-06 GPU 1)",
        "Thread 77310 (active): \"MainThread\"",
        "    _all_gather_base (torch/distributed/distributed_c10d.py:3432)",
        "    all_gather_into_tensor (torch/distributed/distributed_c10d.py:3405)",
        "    _maybe_log_eval_metrics (megatron/training/training.py:1211)",
        "    train (megatron/training/training.py:1390)",
    ])
    journal(c, "dgx-06", [], k=8)
    return c


@case(dict(alert="TrainingJobStalled (run deepseek-v2-lite)", rc="rank_process_crash", comp="gpu-n31/gpu6",
           decisive="no", holds="no", conf="C",
           detail="the kernel log of gpu-n31 has python3 segfault in libfused_rope.so and torchrun reports local_rank 6 exit -11 (SIGSEGV) before the peers' NCCL errors"))
def c15():
    hosts = ["gpu-n29", "gpu-n30", "gpu-n31", "gpu-n32"]
    h = "gpu-n31"
    c = new_case(15, "rank_process_crash", h + "/gpu6", hosts)
    expr = 'time() - train_last_step_timestamp_seconds{run="deepseek-v2-lite"} > 600'
    alert(c, "TrainingJobStalled", {"run": "deepseek-v2-lite", "namespace": "ml-train", "job": "train-metrics"},
          "deepseek-v2-lite has not finished a step in 10m", "No optimizer step of deepseek-v2-lite for 612s.", expr)
    trainx(c, "train_last_step_timestamp_seconds", lambda s: c.ms(min(s, -640)) / 1000.0, decimals=0, run="deepseek-v2-lite")
    nodex(c, "node_load1", h, lambda s: (44 if s < -640 else 6) + c.rng.uniform(-2, 2))
    rk = c.rank_of(h, 6)
    c.log("%s/dmesg" % h, [
        "%s python3[55102]: segfault at 0 ip 00007f3a1c2e41b7 sp 00007ffd8a1f6c20 error 4 in libfused_rope.so[7f3a1c2d0000+3c000] likely on CPU 71 (core 7, socket 1)" % c.dmesg(-645),
        "%s Code: 48 8b 47 08 48 85 c0 74 1c 48 8b 10 48 89 d1 48 c1 e9 20 <8b> 04 0a 89 c2 c1 ea 10" % c.dmesg(-645)])
    c.log("%s/torchrun" % h, casekit.elastic_failure(c, -640, h, rk, 6, -11, pid=55102, sig="SIGSEGV"))
    c.log("gpu-n29/rank3/stderr", [
        "[rank3]:[%s ProcessGroupNCCL.cpp:1895] [PG 0 (default_pg) Rank 3] Process group watchdog thread terminated with exception: NCCL error: remote process exited or there was a network error, NCCL version 2.21.5" % c.glog(-630, "E"),
        "ncclRemoteError: A call failed possibly due to a network error or a remote process exiting prematurely.",
        "Last error:",
        "socket recv failed (peer closed connection) from gpu-n31<38122>"])
    return c


@case(dict(alert="NodeMemoryHighUtilization (cpu-mem pressure, gpu-m04)", rc="host_oom", comp="gpu-m04",
           decisive="yes", holds="yes", conf="",
           detail="MemAvailable falls to 0.4% and node_vmstat_oom_kill rises by 3; journal: oom-kill of pt_data_worker processes"))
def c16():
    h = "gpu-m04"
    c = new_case(16, "host_oom", h, ["gpu-m03", h])
    expr = '100 - (node_memory_MemAvailable_bytes{job="node-exporter"} / node_memory_MemTotal_bytes{job="node-exporter"} * 100) > 90'
    alert(c, "NodeMemoryHighUtilization", {"instance": "%s:9100" % h, "job": "node-exporter", "namespace": "monitoring"},
          "Host is running out of memory.", "Memory is filling up at %s:9100, has been above 90%% for the last 15 minutes, is currently at 99.6%%." % h,
          expr, severity="warning", runbook="https://runbooks.prometheus-operator.dev/runbooks/node/nodememoryhighutilization")
    tot = 2.0e12
    nodex(c, "node_memory_MemTotal_bytes", h, lambda s: tot, decimals=0)
    nodex(c, "node_memory_MemAvailable_bytes", h, lambda s: max(8e9, tot * (0.35 - (s + 1200) / 3000.0)) + c.rng.uniform(0, 1e9), decimals=0)
    nodex(c, "node_vmstat_oom_kill", h, lambda s: 0 if s < -200 else (1 if s < -100 else 3), decimals=0)
    nodex(c, "node_memory_SwapFree_bytes", h, lambda s: 0, decimals=0)
    journal(c, h, [(-200, "kernel: pt_data_worker invoked oom-killer: gfp_mask=0x140cca(GFP_HIGHUSER_MOVABLE|__GFP_COMP), order=0, oom_score_adj=0"),
                   (-199, "kernel: Out of memory: Killed process 61822 (pt_data_worker) total-vm:96122336kB, anon-rss:88410220kB, file-rss:0kB, shmem-rss:0kB, UID:1000 pgtables:175012kB oom_score_adj:0"),
                   (-100, "kernel: Out of memory: Killed process 61830 (pt_data_worker) total-vm:95870012kB, anon-rss:87004112kB, file-rss:0kB, shmem-rss:0kB, UID:1000 pgtables:174220kB oom_score_adj:0")], k=18)
    return c


@case(dict(alert="GPUXidError (Xid 13, hgx-h200-r2-n09 gpu 2)", rc="illegal_memory_access", comp="job",
           decisive="yes", holds="yes", conf="C",
           detail="DCGM_FI_DEV_XID_ERRORS = 13 on all 8 GPUs of two nodes within 20 s; the rank log shows a device-side assert in the new custom kernel (index out of bounds) on every rank"))
def c17():
    hosts = ["hgx-h200-r2-n08", "hgx-h200-r2-n09"]
    h = "hgx-h200-r2-n09"
    c = new_case(17, "illegal_memory_access", "job", hosts)
    drv = "570.86.15"
    expr = "max by (Hostname, gpu, UUID, modelName, pci_bus_id) (DCGM_FI_DEV_XID_ERRORS) > 0"
    alert(c, "GPUXidError", {"Hostname": h, "gpu": "2", "UUID": c.uuid(h, 2), "modelName": c.gpu,
                             "pci_bus_id": "00000000:3A:00.0", "DCGM_FI_DRIVER_VERSION": drv},
          "GPU Xid error on %s GPU 2" % h, "GPU 2 (%s) on %s reported Xid 13. Driver %s." % (c.uuid(h, 2), h, drv), expr)
    for n, hh in enumerate(hosts):
        dcgm(c, "DCGM_FI_DEV_XID_ERRORS", hh, drv, lambda g, s, n=n: 13 if s > -180 + n * 10 else 0, decimals=0)
    c.log("hgx-h200-r2-n08/rank0/stderr", [
        "../csrc/paged_gather.cu:142: gather_kv_kernel: block: [311,0,0], thread: [64,0,0] Assertion `idx < num_blocks` failed.",
        "../csrc/paged_gather.cu:142: gather_kv_kernel: block: [311,0,0], thread: [65,0,0] Assertion `idx < num_blocks` failed.",
        "[rank0]: RuntimeError: CUDA error: device-side assert triggered",
        "[rank0]: Compile with `TORCH_USE_CUDA_DSA` to enable device-side assertions.",
        "[rank9]: RuntimeError: CUDA error: device-side assert triggered",
        "[rank12]: RuntimeError: CUDA error: device-side assert triggered",
    ])
    journal(c, h, [(-175 + i, "kernel: NVRM: Xid (PCI:0000:%s:00): 13, pid=%d, name=python3, Graphics SM Warp Exception on (GPC 1, TPC 3, SM 0): Assert" % (c.pci[i], 70100 + i)) for i in range(8)], k=8)
    c.log("git", ["$ git -C /workspace log --oneline -2", "e41c09a kv: paged gather kernel for long-context eval (deployed today)",
                  "77ab2d1 data: bump shard list"])
    return c


@case(dict(alert="TrainingLossNaN (run mixtral-ft-v3)", rc="loss_divergence", comp="job",
           decisive="yes", holds="no", conf="",
           detail="the alert is the training exporter's non-finite loss counter; the window holds DCGM only (the exporter's series carry a different job label, not matched); logs: grad norm climbing then nan, bf16, no loss scale"))
def c18():
    hosts = ["gpu-f11", "gpu-f12"]
    c = new_case(18, "loss_divergence", "job", hosts)
    drv = "550.127.05"
    expr = 'increase(train_nonfinite_loss_total{run="mixtral-ft-v3"}[5m]) > 0'
    alert(c, "TrainingLossNaN", {"run": "mixtral-ft-v3", "namespace": "ml-train", "job": "pushgateway", "exported_job": "trainer"},
          "Loss of mixtral-ft-v3 is not finite", "mixtral-ft-v3 logged 4 non-finite loss values in 5m (loss=NaN).", expr)
    for hh in hosts:
        dcgm(c, "DCGM_FI_DEV_GPU_UTIL", hh, drv, lambda g, s: 99 + c.rng.uniform(-2, 0.5), decimals=0)
    c.log("train/rank0", casekit.megatron_iters(c, -600, 22, 9900, step_s=2.6, loss=1.98,
                                                loss_fn=lambda i: 1.98 + (0 if i < 12 else (0.6 * (i - 11) if i < 18 else float("nan"))),
                                                grad_fn=lambda i: 0.42 if i < 10 else (0.42 * 3 ** (i - 9) if i < 18 else float("nan")),
                                                nan_fn=lambda i: max(0, i - 17)))
    return c


@case(dict(alert="TrainingTokensPerSecondLow (run gemma-9b-cont)", rc="fp16_loss_scale_collapse", comp="job",
           decisive="no", holds="yes", conf="",
           detail="train_loss_scale halves from 65536 to 1 in the window while train_skipped_steps_total climbs; tokens/s falls because most steps are skipped"))
def c19():
    hosts = ["v5-node-1", "v5-node-2"]
    c = new_case(19, "fp16_loss_scale_collapse", "job", hosts, gpu="NVIDIA H100 80GB HBM3")
    expr = 'sum by (run) (rate(train_tokens_total{run="gemma-9b-cont"}[10m])) < 0.5 * sum by (run) (rate(train_tokens_total{run="gemma-9b-cont"}[6h] offset 1h))'
    alert(c, "TrainingTokensPerSecondLow", {"run": "gemma-9b-cont", "namespace": "ml-train", "job": "train-metrics"},
          "gemma-9b-cont throughput dropped", "gemma-9b-cont is at 41k tokens/s, under half its 6h average.", expr,
          severity="warning")
    trainx(c, "train_loss_scale", lambda s: 65536.0 / (2 ** max(0, min(16, int((s + 1000) / 60)))), decimals=1, run="gemma-9b-cont")
    trainx(c, "train_skipped_steps_total", counter(c, 12, lambda s: 0 if s < -1000 else 9), decimals=0, run="gemma-9b-cont")
    trainx(c, "train_tokens_per_second", lambda s: (98000 if s < -1000 else 41000) + c.rng.uniform(-2000, 2000), decimals=0, run="gemma-9b-cont")
    trainx(c, "train_loss", lambda s: 2.21 + c.rng.uniform(-0.02, 0.02), run="gemma-9b-cont")
    c.log("train/rank0", casekit.deepspeed_steps(c, -300, 16, 15020, step_s=1.1, skipped0=412) + [
        "[%s] [INFO] [loss_scaler.py:183:update_scale] [deepspeed] OVERFLOW! Rank 0 Skipping step. Attempted loss scale: 2.0, reducing to 1.0" % c.ymd_ms(-20)])
    return c


@case(dict(alert="TrainingLossNaN (run nemo-340b-fp8)", rc="fp8_scaling_overflow", comp="job",
           decisive="no", holds="no", conf="C",
           detail="Transformer Engine logs non-finite amax in the fc2 GEMM's FP8 recipe and scale factors collapsing to 0 on several ranks before the loss goes NaN; metrics only the loss counter"))
def c20():
    hosts = ["gb200-t1-c%02d" % i for i in range(1, 5)]
    c = new_case(20, "fp8_scaling_overflow", "job", hosts, gpu="NVIDIA GB200", gpus=4)
    expr = 'increase(train_nonfinite_loss_total{run="nemo-340b-fp8"}[5m]) > 0'
    alert(c, "TrainingLossNaN", {"run": "nemo-340b-fp8", "namespace": "ml-train", "job": "train-metrics"},
          "Loss of nemo-340b-fp8 is not finite", "nemo-340b-fp8 logged 2 non-finite loss values in 5m (loss=NaN).", expr)
    trainx(c, "train_nonfinite_loss_total", lambda s: 0 if s < -120 else 2, decimals=0, run="nemo-340b-fp8")
    trainx(c, "train_grad_norm", lambda s: 0.21 + c.rng.uniform(-0.02, 0.02) if s < -120 else None, run="nemo-340b-fp8")
    c.log("train/rank0", casekit.megatron_iters(c, -500, 14, 22100, step_s=9.8, loss=1.61) + [
        "[NeMo W %s transformer_engine/pytorch/fp8.py:512] FP8 amax history for 'decoder.layers.61.mlp.linear_fc2' contains non-finite values (amax=inf); recipe DelayedScaling(margin=0, fp8_format=HYBRID, amax_history_len=1024)" % c.ymd(-140),
        "[NeMo W %s transformer_engine/pytorch/fp8.py:530] scale_inv for 'decoder.layers.61.mlp.linear_fc2' fwd GEMM1 became 0.0; FP8 casts saturate (E4M3 max 448)" % c.ymd(-138),
        "[NeMo W %s transformer_engine/pytorch/fp8.py:512] FP8 amax history for 'decoder.layers.62.mlp.linear_fc2' contains non-finite values (amax=inf)" % c.ymd(-137),
        " [%s] iteration    22115/  500000 | lm loss: nan | grad norm: nan | number of nan iterations:   1 |" % c.ymd(-125),
        " [%s] iteration    22116/  500000 | lm loss: nan | grad norm: nan | number of nan iterations:   2 |" % c.ymd(-115),
    ])
    journal(c, hosts[1], [], k=6)
    return c


@case(dict(alert="TrainingStepTimeHigh (run dbrx-style-moe)", rc="moe_expert_imbalance", comp="job",
           decisive="no", holds="yes", conf="",
           detail="moe_tokens_dropped_ratio rises 0.01 -> 0.37 and the top expert's load share to 0.61 of 16 while all-to-all time per step triples; GPUs and links healthy"))
def c21():
    hosts = ["hgx-m%02d" % i for i in range(1, 5)]
    c = new_case(21, "moe_expert_imbalance", "job", hosts)
    expr = 'histogram_quantile(0.5, sum by (le, run) (rate(train_step_seconds_bucket{run="dbrx-style-moe"}[10m]))) > 1.5 * 4.2'
    alert(c, "TrainingStepTimeHigh", {"run": "dbrx-style-moe", "namespace": "ml-train", "job": "train-metrics"},
          "dbrx-style-moe step time is high", "Median step time of dbrx-style-moe is 9.8s (baseline 4.2s).", expr,
          severity="warning")
    ramp = lambda s, a, b: a if s < -900 else (b if s > -300 else a + (b - a) * (s + 900) / 600.0)  # noqa: E731
    trainx(c, "train_step_seconds_p50", lambda s: ramp(s, 4.2, 9.8) + c.rng.uniform(-0.1, 0.1), run="dbrx-style-moe")
    trainx(c, "moe_tokens_dropped_ratio", lambda s: ramp(s, 0.01, 0.37), run="dbrx-style-moe", layer="all")
    trainx(c, "moe_expert_load_max_share", lambda s: ramp(s, 0.08, 0.61), run="dbrx-style-moe", num_experts="16")
    trainx(c, "train_alltoall_seconds_per_step", lambda s: ramp(s, 0.9, 2.9), run="dbrx-style-moe")
    dcgm(c, "DCGM_FI_DEV_GPU_UTIL", "hgx-m02", "570.86.15", lambda g, s: 93 + c.rng.uniform(-4, 4), decimals=0)
    c.log("train/rank0", casekit.megatron_iters(c, -400, 20, 3300, step_s=9.6))
    return c


@case(dict(alert="TrainingStepTimeHigh (run llama3-70b-pt)", rc="straggler_rank", comp="dgx-h100-305",
           decisive="no", holds="yes", conf="C",
           detail="node_cpu_scaling_frequency_hertz on dgx-h100-305 sits at 800 MHz (others 3.1+ GHz) since a BIOS/power profile change, its ranks' data-to-device step phase is 3x, the other nodes wait in all-reduce; GPUs of all nodes healthy"))
def c22():
    hosts = ["dgx-h100-%d" % i for i in range(302, 308)]
    h = "dgx-h100-305"
    c = new_case(22, "straggler_rank", h, hosts, gpu="NVIDIA H100 80GB HBM3")
    expr = 'histogram_quantile(0.5, sum by (le, run) (rate(train_step_seconds_bucket{run="llama3-70b-pt"}[10m]))) > 1.3 * 5.1'
    alert(c, "TrainingStepTimeHigh", {"run": "llama3-70b-pt", "namespace": "ml-train", "job": "train-metrics"},
          "llama3-70b-pt step time is high", "Median step time of llama3-70b-pt is 7.4s (baseline 5.1s).", expr,
          severity="warning")
    for hh in (hosts[1], h, hosts[4]):
        nodex(c, "node_cpu_scaling_frequency_hertz", hh,
              (lambda s, hh=hh: (8.0e8 if (hh == h and s > -1000) else 3.1e9 + c.rng.uniform(0, 2e8))), decimals=0, cpu="0")
        nodex(c, "node_load1", hh, lambda s, hh=hh: (140 if (hh == h and s > -1000) else 61) + c.rng.uniform(-4, 4))
    trainx(c, "train_rank_h2d_phase_seconds", lambda s: 0.21 + c.rng.uniform(-0.02, 0.02), run="llama3-70b-pt", host=hosts[1])
    trainx(c, "train_rank_h2d_phase_seconds", lambda s: (0.68 if s > -1000 else 0.21) + c.rng.uniform(-0.03, 0.03), run="llama3-70b-pt", host=h)
    dcgm(c, "DCGM_FI_DEV_GPU_UTIL", h, "550.90.07", lambda g, s: 64 + c.rng.uniform(-4, 4), decimals=0)
    journal(c, h, [(-1010, "kernel: intel_pstate: Intel P-state driver: HWP disabled, powersave governor forced by platform profile 'Power Saver'"),
                   (-1009, "systemd[1]: Started ipmi-bios-profile-sync.service - sync BIOS power profile.")], k=18)
    return c


@case(dict(alert="GPUUtilizationLow (gpt-j-ft on gpu-s01..s04)", rc="dataloader_stall", comp="job",
           decisive="no", holds="yes", conf="C",
           detail="DCGM util falls to ~25% on every GPU of all four nodes at once while train_dataloader_wait_seconds rises to 3.1 s/step; no NCCL errors, GPU health normal, CPU iowait high on all nodes"))
def c23():
    hosts = ["gpu-s01", "gpu-s02", "gpu-s03", "gpu-s04"]
    c = new_case(23, "dataloader_stall", "job", hosts)
    drv = "550.54.15"
    expr = 'avg by (exported_namespace, exported_pod) (DCGM_FI_DEV_GPU_UTIL{exported_namespace="ml-train"}) < 40'
    alert(c, "GPUUtilizationLow", {"exported_namespace": "ml-train", "exported_pod": "gpt-j-ft-worker-2", "Hostname": "gpu-s03"},
          "GPUs of ml-train/gpt-j-ft-worker-2 are mostly idle", "Average GPU utilisation of gpt-j-ft-worker-2 is 24% for 15m.",
          expr, severity="warning")
    for hh in hosts[1:3]:
        dcgm(c, "DCGM_FI_DEV_GPU_UTIL", hh, drv, lambda g, s: (97 if s < -1000 else 24) + c.rng.uniform(-6, 6), decimals=0,
             pod="gpt-j-ft-worker-%d" % hosts.index(hh))
    trainx(c, "train_dataloader_wait_seconds", lambda s: (0.04 if s < -1000 else 3.1) + c.rng.uniform(0, 0.2), run="gpt-j-ft")
    for hh in hosts[::2]:
        nodex(c, "node_cpu_seconds_total", hh, counter(c, 4.1e6, lambda s: 60 * 90 * (0.02 if s < -1000 else 0.41)), cpu="all", mode="iowait")
    c.log("train/rank0", casekit.plain_steps(c, -300, 20, 7700, step_s=4.0))
    return c


@case(dict(alert="NodeFilesystemAlmostOutOfSpace (gpu-l07 /local_nvme, 0.8%)", rc="storage_failure", comp="gpu-l07",
           decisive="yes", holds="no", conf="",
           detail="the alert is node-mixin's on /local_nvme at 0.8% free; the window has node_filesystem_* for / and /boot only (collector mount-points exclude), logs: checkpoint save fails ENOSPC"))
def c24():
    h = "gpu-l07"
    c = new_case(24, "storage_failure", h, ["gpu-l06", h])
    expr = '(node_filesystem_avail_bytes{job="node-exporter",fstype!=""} / node_filesystem_size_bytes{job="node-exporter",fstype!=""} * 100 < 3 and node_filesystem_readonly{job="node-exporter",fstype!=""} == 0)'
    alert(c, "NodeFilesystemAlmostOutOfSpace", {"instance": "%s:9100" % h, "job": "node-exporter", "device": "/dev/md0",
                                                 "fstype": "xfs", "mountpoint": "/local_nvme"},
          "Filesystem has less than 3% space left.",
          "Filesystem on /dev/md0, mounted on /local_nvme, at %s:9100 has only 0.82%% available space left." % h,
          expr, runbook="https://runbooks.prometheus-operator.dev/runbooks/node/nodefilesystemalmostoutofspace")
    for mp, dev, size, fr in (("/", "/dev/nvme0n1p2", 8.9e11, 0.61), ("/boot", "/dev/nvme0n1p1", 1.0e9, 0.72)):
        nodex(c, "node_filesystem_avail_bytes", h, lambda s, size=size, fr=fr: size * fr, decimals=0, device=dev, fstype="ext4", mountpoint=mp)
    c.log("train/rank0", casekit.megatron_iters(c, -500, 16, 12001, step_s=5.0) + [
        "saving checkpoint at iteration   12017 to /local_nvme/ckpt/run-77",
        "Traceback (most recent call last):",
        '  File "/opt/megatron/megatron/core/dist_checkpointing/strategies/filesystem_async.py", line 218, in write_preloaded_data',
        "OSError: [Errno 28] No space left on device: '/local_nvme/ckpt/run-77/iter_0012017/__3_0.distcp'",
    ])
    return c


@case(dict(alert="KubeJobFailed (ml-train/bert-xl-launcher)", rc="launch_config_error", comp="job",
           decisive="no", holds="no", conf="",
           detail="torchrun rendezvous: the launcher asks --nnodes=4 while the PyTorchJob has 3 worker replicas; every worker exits on the rendezvous timeout; metrics: kube-state-metrics only"))
def c25():
    hosts = ["gpu-p%02d" % i for i in (1, 2, 3)]
    c = new_case(25, "launch_config_error", "job", hosts)
    expr = 'kube_job_failed{job="kube-state-metrics", namespace=~".*"} > 0'
    alert(c, "KubeJobFailed", {"namespace": "ml-train", "job_name": "bert-xl-launcher", "job": "kube-state-metrics",
                                "condition": "true"},
          "Job failed to complete.", "Job ml-train/bert-xl-launcher failed to complete. Removing failed job after investigation should clear this alert.",
          expr, severity="warning", runbook="https://runbooks.prometheus-operator.dev/runbooks/kubernetes/kubejobfailed")
    c.series("kube_job_failed", {"namespace": "ml-train", "job_name": "bert-xl-launcher", "job": "kube-state-metrics", "condition": "true"},
             lambda s: 1 if s > -120 else 0, 0)
    for i in range(3):
        c.series("kube_pod_container_status_restarts_total",
                 {"namespace": "ml-train", "pod": "bert-xl-worker-%d" % i, "container": "pytorch", "job": "kube-state-metrics", "node": hosts[i]},
                 lambda s: 0 if s < -500 else 1, 0)
    c.log("ml-train/bert-xl-worker-0/pytorch", [
        "+ torchrun --nnodes=4 --nproc-per-node=8 --rdzv-backend=c10d --rdzv-endpoint=bert-xl-worker-0:29400 --rdzv-id=bert-xl train.py",
        "[W%s] The node 'bert-xl-worker-0_77_0' has failed to get the required number of nodes (4) in time." % c.glog(-480)[1:],
        "torch.distributed.elastic.rendezvous.api.RendezvousTimeoutError",
        "[E%s] rendezvous: 3 of 4 participants joined before the join timeout (600s)" % c.glog(-481)[1:],
    ])
    c.log("kubectl", ["$ kubectl -n ml-train get pytorchjob bert-xl -o jsonpath='{.spec.pytorchReplicaSpecs.Worker.replicas}'", "3"] +
          kubectl_pods(c, "bert-xl", 3, status={i: "Error" for i in range(3)}, restarts={i: 1 for i in range(3)}, node_of=lambda i: hosts[i]) +
          ["$ kubectl -n ml-train logs job/bert-xl-launcher | tail -2",
           "Error: worker pods exited with code 1 (RendezvousTimeoutError)", "launcher: giving up after 1 attempt(s)"])
    journal(c, hosts[0], [], k=8)
    return c


@case(dict(alert="NCCLWatchdogTimeout + InfinibandSymbolErrors (co-firing), run falcon-180b", rc="gpu_fallen_off_bus", comp="dgx-b-12/gpu6",
           decisive="no", holds="yes", conf="C",
           detail="DCGM_FI_DEV_XID_ERRORS of dgx-b-12 gpu 6 is 79 for one scrape, then gpu 6's series stop (the Xid rule's for: 5m never fired); the IB symbol errors are the usual slow trickle on another node"))
def c26():
    hosts = ["dgx-b-%02d" % i for i in range(9, 15)]
    h = "dgx-b-12"
    c = new_case(26, "gpu_fallen_off_bus", h + "/gpu6", hosts)
    drv = "550.90.07"
    expr = 'sum by (run) (increase(nccl_watchdog_timeouts_total{run="falcon-180b"}[5m])) > 0'
    alert(c, "NCCLWatchdogTimeout", {"run": "falcon-180b", "namespace": "ml-train", "job": "promtail-derived"},
          "NCCL watchdog timeouts in falcon-180b", "47 ranks of falcon-180b logged a ProcessGroupNCCL watchdog timeout in 5m.", expr)
    ev = -720
    dcgm(c, "DCGM_FI_DEV_XID_ERRORS", h, drv, lambda g, s: (None if (g == 6 and s > ev + 60) else (79 if (g == 6 and s > ev) else 0)), decimals=0)
    dcgm(c, "DCGM_FI_DEV_GPU_UTIL", h, drv, lambda g, s: None if (g == 6 and s > ev + 60) else (100 if s > ev else 97), decimals=0)
    nodex(c, "node_infiniband_symbol_error_total", "dgx-b-10", counter(c, 18412, lambda s: c.rng.choice([0, 0, 1, 2])), decimals=0,
          device="mlx5_4", port="1")
    nodex(c, "node_infiniband_link_downed_total", "dgx-b-10", lambda s: 3, decimals=0, device="mlx5_4", port="1")
    group(c, [("InfinibandSymbolErrors", {"instance": "dgx-b-10:9100", "device": "mlx5_4", "port": "1", "severity": "warning"},
               "Symbol errors increasing on dgx-b-10 mlx5_4/1", -300)])
    lines = []
    for r in (0, 8, 33, 47):
        lines += casekit.watchdog(c, r, -120 + r * 0.01, 31007, op="REDUCE_SCATTER")[:1]
    c.log("job/stderr", lines + ["INFO: heartbeat ok (agent 0.4.2, 47 ranks reporting)"] * 2)
    journal(c, h, [], k=14)
    return c


@case(dict(alert="GPUClocksThermalSlowdown (gpu-e33 gpu 2)", rc="gpu_thermal_throttle", comp="gpu-e33",
           decisive="yes", holds="yes", conf="",
           detail="every GPU of gpu-e33 climbs to 86-90 C with clock-event reasons 0x60 (SW+HW thermal) at the same time; ipmi fan 3 and 4 at 0 RPM; gpu.health on gpu2 fails on temperature and clocks"))
def c27():
    h = "gpu-e33"
    c = new_case(27, "gpu_thermal_throttle", h, ["gpu-e32", h, "gpu-e34"])
    drv = "565.57.01"
    expr = "(floor(DCGM_FI_DEV_CLOCKS_EVENT_REASONS / 32) % 4) > 0"
    alert(c, "GPUClocksThermalSlowdown", {"Hostname": h, "gpu": "2", "UUID": c.uuid(h, 2), "modelName": c.gpu,
                                           "DCGM_FI_DRIVER_VERSION": drv},
          "GPU 2 on %s is in thermal slowdown" % h,
          "GPU 2 on %s reports a thermal clock event reason (value 96) for 5m." % h, expr, severity="warning")
    ev = -900
    dcgm(c, "DCGM_FI_DEV_GPU_TEMP", h, drv, lambda g, s: (62 if s < ev else min(86 + g % 4, 62 + (s - ev) / 20.0)) + c.rng.uniform(-1, 1), decimals=0)
    dcgm(c, "DCGM_FI_DEV_CLOCKS_EVENT_REASONS", h, drv, lambda g, s: 96 if s > ev + 420 else 0, decimals=0)
    dcgm(c, "DCGM_FI_DEV_SM_CLOCK", h, drv, lambda g, s: (1350 if s > ev + 420 else 1980) + c.rng.uniform(-50, 0), decimals=0)
    for fan in (1, 2, 3, 4):
        c.series("ipmi_fan_speed_rpm", {"instance": "%s-bmc:9290" % h, "job": "ipmi-exporter", "name": "FAN%d" % fan, "node": h},
                 (lambda s, fan=fan: 0 if (fan >= 3 and s > ev - 60) else 11800 + c.rng.uniform(-300, 300)), 0)
    c.health("gpu.health@%s/gpu2" % h, temperature_c=89, sm_clock_mhz=1340, clock_event_reasons=0x60)
    journal(c, h, [], k=20)
    return c


@case(dict(alert="GPUFramebufferNearlyFull + TrainingJobStalled (co-firing), run sd3-finetune", rc="storage_failure", comp="job",
           decisive="no", holds="yes", conf="C",
           detail="node_filesystem_readonly of the shared NFS mount /mnt/ckpt turns 1 on every node at the same minute; the trainer blocks in checkpoint save with EROFS; FB at 97% is the caching allocator's steady state"))
def c28():
    hosts = ["gpu-w%02d" % i for i in (3, 4, 5)]
    c = new_case(28, "storage_failure", "job", hosts)
    drv = "570.86.15"
    expr = "DCGM_FI_DEV_FB_USED / (DCGM_FI_DEV_FB_USED + DCGM_FI_DEV_FB_FREE) > 0.95"
    alert(c, "GPUFramebufferNearlyFull", {"Hostname": "gpu-w04", "gpu": "0", "UUID": c.uuid("gpu-w04", 0), "modelName": c.gpu,
                                           "exported_pod": "sd3-finetune-worker-1", "exported_namespace": "ml-train"},
          "GPU 0 on gpu-w04 framebuffer 97% full", "Framebuffer of GPU 0 on gpu-w04 is 97% used.", expr, severity="warning")
    dcgm(c, "DCGM_FI_DEV_FB_USED", "gpu-w04", drv, lambda g, s: 137500 + c.rng.uniform(-200, 200), decimals=0, gpus=range(4))
    dcgm(c, "DCGM_FI_DEV_FB_FREE", "gpu-w04", drv, lambda g, s: 4100 + c.rng.uniform(-200, 200), decimals=0, gpus=range(4))
    for hh in hosts:
        nodex(c, "node_filesystem_readonly", hh, lambda s: 1 if s > -840 else 0, decimals=0, device="nfs-ckpt.internal:/export/ckpt",
              fstype="nfs4", mountpoint="/mnt/ckpt")
    group(c, [("TrainingJobStalled", {"run": "sd3-finetune", "namespace": "ml-train", "severity": "critical"},
               "sd3-finetune has not finished a step in 10m", -120)])
    c.log("train/rank0", casekit.fsdp_steps(c, -1000, 12, 3880, step_s=12.0) + [
        "[rank0]:[titan] %s - root - INFO - Saving checkpoint at step 3892 to /mnt/ckpt/sd3-ft/step-3892" % c.ymd_ms(-845),
        "[rank0]:[titan] %s - root - ERROR - async checkpoint writer: [Errno 30] Read-only file system: '/mnt/ckpt/sd3-ft/step-3892/.metadata.tmp'" % c.ymd_ms(-830),
        "[rank0]:[titan] %s - root - WARNING - checkpoint save still pending after 600s; training blocked on staging buffer" % c.ymd_ms(-230),
    ])
    journal(c, "gpu-w03", [(-842, "kernel: nfs: server nfs-ckpt.internal not responding, still trying"),
                           (-841, "kernel: NFS: mount /mnt/ckpt remounted read-only after server error (-5)")], k=4)
    return c


@case(dict(alert="DCGMNVLinkCRCErrors (hgx-h200-b4 gpu 3) + TrainingStepTimeHigh (co-firing)", rc="pcie_link_degraded", comp="hgx-h200-b4/gpu3",
           decisive="no", holds="yes", conf="C",
           detail="gpu 3's NVLink CRC rate is 0.3/s like its peers; DCGM_FI_DEV_PCIE_LINK_GEN of gpu 3 is 3 (others 5) and its PCIe RX bytes a third of the peers'; gpu.pcie_bandwidth 13 GB/s"))
def c29():
    h = "hgx-h200-b4"
    c = new_case(29, "pcie_link_degraded", h + "/gpu3", ["hgx-h200-b3", h])
    drv = "550.127.05"
    expr = "increase(DCGM_FI_DEV_NVLINK_CRC_FLIT_ERROR_COUNT_TOTAL[10m]) > 50"
    alert(c, "DCGMNVLinkCRCErrors", {"Hostname": h, "gpu": "3", "UUID": c.uuid(h, 3), "modelName": c.gpu,
                                      "DCGM_FI_DRIVER_VERSION": drv},
          "NVLink CRC errors on %s GPU 3" % h, "GPU 3 on %s counted 184 NVLink CRC flit errors in 10m." % h, expr,
          severity="info")
    crc = {g: counter(c, 2000 + 300 * g, lambda t: c.rng.uniform(12, 24)) for g in range(8)}
    dcgm(c, "DCGM_FI_DEV_NVLINK_CRC_FLIT_ERROR_COUNT_TOTAL", h, drv, lambda g, s: crc[g](s), decimals=0)
    dcgm(c, "DCGM_FI_DEV_PCIE_LINK_GEN", h, drv, lambda g, s: 3 if g == 3 else 5, decimals=0)
    dcgm(c, "DCGM_FI_PROF_PCIE_RX_BYTES", h, drv, lambda g, s: (7.1e9 if g == 3 else 2.2e10) * c.rng.uniform(0.95, 1.05), decimals=0)
    group(c, [("TrainingStepTimeHigh", {"run": "vlm-34b", "namespace": "ml-train", "severity": "warning"},
               "vlm-34b step time is high", -240)])
    c.pcie("gpu.pcie_bandwidth@%s/gpu3" % h, h2d=13.1, d2h=12.6)
    c.health_rates("gpu.health@%s/gpu3" % h, pcie_link_gen=3)
    c.log("train/rank0", casekit.plain_steps(c, -300, 20, 5500, step_s=2.4))
    return c


@case(dict(alert="SlurmNodeDown (slurm exporter, gpu-q12)", rc="host_oom", comp="gpu-q12",
           decisive="no", holds="yes", conf="C",
           detail="MemAvailable of gpu-q12 goes to ~0 and node_vmstat_oom_kill rises before node_exporter stops answering; the journal shows the OOM killer ending slurmd and the job's python3; scontrol reason 'Not responding'"))
def c30():
    h = "gpu-q12"
    c = new_case(30, "host_oom", h, ["gpu-q11", h, "gpu-q13"])
    expr = 'slurm_node_state{state=~"down|down\\\\*|drained\\\\*"} == 1'
    alert(c, "SlurmNodeDown", {"node": h, "state": "down*", "partition": "gpu", "job": "slurm-exporter", "instance": "slurmctld:8080"},
          "Slurm node %s is down" % h, "Slurm reports node %s in state down* (partition gpu)." % h, expr)
    ev = -420
    nodex(c, "node_memory_MemAvailable_bytes", h, lambda s: None if s > ev + 60 else max(1.2e9, 1.0e12 * (0.2 - (s + 1200) / 3900.0)), decimals=0)
    nodex(c, "node_vmstat_oom_kill", h, lambda s: None if s > ev + 60 else (0 if s < ev - 120 else 2), decimals=0)
    c.series("slurm_node_state", {"node": h, "state": "down*", "partition": "gpu", "job": "slurm-exporter", "instance": "slurmctld:8080"},
             lambda s: 1 if s > -120 else 0, 0)
    journal(c, h, [(ev - 110, "kernel: python3 invoked oom-killer: gfp_mask=0x140dca(GFP_HIGHUSER_MOVABLE|__GFP_COMP|__GFP_ZERO), order=0, oom_score_adj=0"),
                   (ev - 109, "kernel: Out of memory: Killed process 40233 (python3) total-vm:412203344kB, anon-rss:301220004kB, file-rss:0kB, shmem-rss:0kB, UID:20411 pgtables:601220kB oom_score_adj:0"),
                   (ev - 30, "kernel: Out of memory: Killed process 2871 (slurmd) total-vm:401220kB, anon-rss:12004kB, file-rss:0kB, shmem-rss:0kB, UID:0 pgtables:220kB oom_score_adj:0")], k=14, start=-1200)
    c.log("slurm", ["$ scontrol show node %s | grep -E 'State|Reason'" % h,
                    "   State=DOWN*+DRAIN ThreadsPerCore=2 TmpDisk=0 Weight=1 Owner=N/A MCS_label=N/A",
                    "   Reason=Not responding [slurm@%s]" % c.iso(-150),
                    "$ sacct -j 881204 --format=JobID,State,ExitCode,NodeList -X",
                    "881204        NODE_FAIL      0:0  gpu-q[11-13]"])
    return c


# ====================================================================== main
def build():
    return [fn() for fn in CASES]


def table():
    out = ["| case | alert | expected root cause | component | alert-decisive | metrics hold the fact | the decisive detail | C |",
           "|---|---|---|---|---|---|---|---|"]
    for i, m in enumerate(META, 1):
        out.append("| rl10-%02d | %s | `%s` | `%s` | %s | %s | %s | %s |" % (
            i, m["alert"], m["rc"], m["comp"], m["decisive"], m["holds"], m["detail"], m["conf"]))
    return "\n".join(out)


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default=os.path.dirname(os.path.abspath(__file__)))
    ap.add_argument("--table", action="store_true", help="print the README table and exit")
    args = ap.parse_args(argv)
    if args.table:
        print(table())
        return 0
    cases = build()
    for c, m in zip(cases, META):
        assert c.expected == {"root_cause": m["rc"], "component": m["comp"]}, c.id
    n = casekit.write_cases(cases, args.out)
    print("wrote %d cases to %s" % (n, args.out))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
