#!/usr/bin/env python3
"""Writes evals/diagnosis/realistic9/ (RL9): 30 alert-first cases, as `vigil serve` receives them.

Each case is the moment an on-call engineer is paged: one Alertmanager alert (labels, rendered
annotations, startsAt, generatorURL carrying the rule's expression) as today's rule sets produce
it (dcgm-exporter 3.3 / 4.x via the GPU operator, kube-prometheus-stack, the node_exporter mixin,
the team's own training rules on the job exporter and on log-derived metrics, a Slurm exporter),
the Prometheus series around it (dcgm-exporter, node_exporter incl. the infiniband collector,
ipmi_exporter, kube-state-metrics, the training exporter), the short command outputs / log
excerpts a first responder would have, and probe results in a few cases.

Deterministic (one seed per case id, casekit.Case), stdlib python3. `--out DIR` writes elsewhere.
Written blind to the reasoner, the knowledge pack and the other realistic / holdout sets.
"""

import argparse
import hashlib
import os
import sys
import urllib.parse

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
import casekit  # noqa: E402
from casekit import (Case, app_noise, kernel_noise, nccl_init, watchdog, elastic_failure,  # noqa: E402
                     write_cases, PCI_BUS_A, PCI_BUS_B)

casekit.EXTRA_GPU_SPECS.setdefault("NVIDIA B200", dict(
    gemm=1620.0, gemm_min=1400.0, hbm=6900.0, hbm_min=6000.0, tdp=1000.0, clock=1965.0, mem_gib=180))
casekit.EXTRA_GPU_SPECS.setdefault("NVIDIA GB200", dict(
    gemm=1700.0, gemm_min=1450.0, hbm=7000.0, hbm_min=6100.0, tdp=1200.0, clock=2062.0, mem_gib=186))

PROM = "http://prometheus-k8s-0:9090"
RUNBOOK = "https://runbooks.ml-infra.internal/gpu/"


# ------------------------------------------------------------------------------------ helpers
def mk(cid, rc, comp, hosts, gpu="NVIDIA H200", driver="550.127.05", gpus=8, pci=PCI_BUS_A):
    c = Case(cid, rc, comp, hosts, gpu=gpu, gpus=gpus, pci=pci, step_s=60, window_s=1200)
    c.driver = driver
    return c


def dcgm_labels(c, host, g):
    return {"Hostname": host, "gpu": str(g), "UUID": c.uuid(host, g), "modelName": c.gpu,
            "pci_bus_id": "00000000:%s:00.0" % c.pci[g].upper(), "device": "nvidia%d" % g,
            "DCGM_FI_DRIVER_VERSION": c.driver}


def dcgm(c, name, host, fn, decimals=0, gpus=None):
    """One dcgm-exporter series per GPU of `host`; fn(g, s) -> value or None (no sample)."""
    for g in (range(c.gpus) if gpus is None else gpus):
        c.series(name, dcgm_labels(c, host, g), lambda s, g=g: fn(g, s), decimals)


def am(c, name, severity, labels, summary, description, expr, s=0, runbook=None, dcgm_target=None,
       job=None):
    """The alert as Alertmanager's webhook carries it."""
    lab = {"alertname": name, "severity": severity}
    if dcgm_target:
        host, g = dcgm_target
        lab.update(dcgm_labels(c, host, g))
        lab.update({"container": "nvidia-dcgm-exporter", "endpoint": "gpu-metrics",
                    "instance": "10.42.%d.%d:9400" % (sum(map(ord, host)) % 250, 7 + g % 3),
                    "job": "nvidia-dcgm-exporter", "namespace": "gpu-operator",
                    "pod": "nvidia-dcgm-exporter-%s" % hashlib.md5(host.encode()).hexdigest()[:5],
                    "service": "nvidia-dcgm-exporter"})
        if job:
            lab.update({"exported_namespace": "training", "exported_pod": job})
    lab.update({k: str(v) for k, v in labels.items()})
    ann = {"summary": summary, "description": description}
    if runbook:
        ann["runbook_url"] = runbook
    fp = hashlib.sha1(repr(sorted(lab.items())).encode()).hexdigest()[:16]
    c.alert_obj = {"status": "firing", "labels": lab, "annotations": ann, "startsAt": c.iso(s),
                   "endsAt": "0001-01-01T00:00:00Z",
                   "generatorURL": PROM + "/graph?g0.expr=" + urllib.parse.quote(expr, safe="") + "&g0.tab=1",
                   "fingerprint": fp}


def flat(v, j=0.0):
    return lambda c: v + c.rng.uniform(-j, j)


def nvrm(c, host, s, gi, xid, text, pid=None, name=None):
    who = "pid=%d, name=%s" % (pid, name) if pid else "pid='<unknown>', name=<unknown>"
    return "%s %s kernel: NVRM: Xid (PCI:%s): %d, %s, %s" % (c.syslog(s), host, c.bus(gi), xid, who, text)


def jlog(c, host, s, text):
    return "%s %s %s" % (c.syslog(s), host, text)


def steps_log(c, start, n, step0, step_s=2.4, loss=2.1, tok=None, step_fn=None, loss_fn=None, gn=None):
    """Training exporter / trainer progress lines: `[2026-..] step N | loss | grad_norm | step_time | tok/s`."""
    out, t = [], start
    for i in range(n):
        st = step_fn(i) if step_fn else step_s * c.rng.uniform(0.98, 1.02)
        t += st
        lo = loss_fn(i) if loss_fn else loss - 0.0005 * i + c.rng.uniform(-0.02, 0.02)
        g = gn(i) if gn else c.rng.uniform(0.25, 0.45)
        tk = (tok or 1.2e6) * (step_s / st)
        out.append("[%s] step %d | loss %.4f | grad_norm %.3f | step_time %.2fs | tokens/s %.0f" % (
            c.ymd(t), step0 + i, lo, g, st, tk))
    return out


def job_series(c, name, job, fn, decimals=3, extra=None):
    lab = {"job": "train-exporter", "training_job": job, "namespace": "training"}
    lab.update(extra or {})
    c.series(name, lab, fn, decimals)


def node_series(c, name, host, fn, decimals=2, extra=None):
    lab = {"instance": "%s:9100" % host, "job": "node-exporter"}
    lab.update(extra or {})
    c.series(name, lab, fn, decimals)


# ------------------------------------------------------------------------------------ cases
def case01():
    """Xid 79 alert; the GPU is gone from the bus. Decisive from the alert."""
    h = ["hgx-h200-0412", "hgx-h200-0413", "hgx-h200-0414", "hgx-h200-0415"]
    c = mk("case-rl9-01", "gpu_fallen_off_bus", "hgx-h200-0414/gpu3", h, driver="550.127.05")
    host, g = h[2], 3
    am(c, "GPUXidCriticalError", "critical", {"xid": "79"},
       "GPU %d on %s reported a critical Xid error" % (g, host),
       "GPU %d (UUID %s) on node %s reported Xid 79 (value 79). Drain the node and open a hardware ticket." % (
           g, c.uuid(host, g), host),
       'DCGM_FI_DEV_XID_ERRORS{namespace="gpu-operator"} == 79 or DCGM_FI_DEV_XID_ERRORS == 74 or DCGM_FI_DEV_XID_ERRORS == 95',
       runbook=RUNBOOK + "xid-critical", dcgm_target=(host, g), job="llama-405b-ft-w-2")
    dcgm(c, "DCGM_FI_DEV_XID_ERRORS", host, lambda gi, s: (79 if s >= -60 else 0) if gi == g else 0)
    dcgm(c, "DCGM_FI_DEV_GPU_UTIL", host, lambda gi, s: (97 + c.rng.uniform(-2, 2) if s < -90 else None) if gi == g
         else (97 + c.rng.uniform(-2, 2) if s < -60 else 0))
    lines = kernel_noise(c, host, 8, -1100, -100)
    lines += [nvrm(c, host, -75, g, 79, "GPU has fallen off the bus."),
              jlog(c, host, -75, "kernel: NVRM: GPU %s.0: GPU has fallen off the bus." % c.bus(g)),
              jlog(c, host, -75, "kernel: NVRM: GPU %s.0: GPU serial number is 1654723%05d." % (c.bus(g), c.rng.randrange(99999))),
              jlog(c, host, -74, "kernel: NVRM: A GPU crash dump has been created. If possible, please run"),
              jlog(c, host, -74, "kernel: NVRM: nvidia-bug-report.sh as root to collect this data before"),
              jlog(c, host, -74, "kernel: NVRM: the NVIDIA kernel module is unloaded."),
              jlog(c, host, -70, "kernel: pcieport 0000:%s:01.0: pciehp: Slot(%d): Link Down" % (c.pci[g][0] + "0", 40 + g)),
              jlog(c, host, -69, "nv-hostengine[2412]: ERROR: GPU %d is lost (nvmlReturn 15: GPU is lost)" % g),
              jlog(c, host, -40, "kubelet[2977]: E pod_workers.go:1298] \"Error syncing pod, skipping\" err=\"failed to \\\"StartContainer\\\" for \\\"trainer\\\" with CrashLoopBackOff\" pod=\"training/llama-405b-ft-w-2\"")]
    c.log("%s/journal" % host, lines)
    c.log("%s/nvidia-smi" % host, [
        "$ nvidia-smi --query-gpu=index,pci.bus_id,name --format=csv",
        "Unable to determine the device handle for GPU%s.0: Unknown Error" % c.bus(g).upper(),
        "$ lspci -s %s.0" % c.bus(g)[5:],
        "%s.0 3D controller: NVIDIA Corporation GH100 [H200 SXM 141GB] (rev ff)" % c.bus(g)[5:],
        "$ cat /sys/bus/pci/devices/%s.0/current_link_width" % c.bus(g), "0"])
    c.inventory("gpu.inventory@%s/gpu%d" % (host, g), count=7, details={"driver": c.driver, "cuda": "12.4",
                "missing_bus_ids": [c.bus(g) + ".0"]})
    return c


def case02():
    """DBE alert on an H100; Xid 94 contained + DBE counter. Decisive from the alert."""
    h = ["gpu-h100-117", "gpu-h100-118"]
    c = mk("case-rl9-02", "gpu_memory_uncorrectable_ecc", "gpu-h100-118/gpu6", h, gpu="NVIDIA H100 80GB HBM3",
           driver="535.183.06", pci=PCI_BUS_B)
    host, g = h[1], 6
    am(c, "GPUDoubleBitECCError", "critical", {},
       "Uncorrectable ECC errors on GPU %d of %s" % (g, host),
       "DCGM_FI_DEV_ECC_DBE_VOL_TOTAL increased by 2 in 10m on %s GPU %d (NVIDIA H100 80GB HBM3)." % (host, g),
       "increase(DCGM_FI_DEV_ECC_DBE_VOL_TOTAL[10m]) > 0", runbook=RUNBOOK + "ecc",
       dcgm_target=(host, g), job="mistral-moe-sft-1")
    dcgm(c, "DCGM_FI_DEV_ECC_DBE_VOL_TOTAL", host, lambda gi, s: (2 if s >= -240 else 0) if gi == g else 0)
    dcgm(c, "DCGM_FI_DEV_ECC_SBE_VOL_TOTAL", host, lambda gi, s: (14 if s >= -300 else 3) if gi == g else gi % 2)
    dcgm(c, "DCGM_FI_DEV_XID_ERRORS", host, lambda gi, s: (94 if s >= -240 else 0) if gi == g else 0)
    lines = kernel_noise(c, host, 17, -1100, -60)
    lines += [nvrm(c, host, -250, g, 94, "Contained: SM (0x1). RST: No, D-RST: No", pid=41877, name="pt_main_thread"),
              nvrm(c, host, -250, g, 63, "Row Remapper: New row (0x0000000000a1c340) Marked for Remapping, reset gpu to activate.", pid=41877, name="pt_main_thread"),
              jlog(c, host, -249, "kernel: NVRM: GPU at PCI:%s: GPU-%s" % (c.bus(g), c.uuid(host, g)[4:]))]
    c.log("%s/journal" % host, lines)
    c.log("training/mistral-moe-sft-1/rank14", [
        "[rank14]: Traceback (most recent call last):",
        "[rank14]:   File \"/workspace/train.py\", line 412, in <module>",
        "[rank14]:     loss.backward()",
        "[rank14]: RuntimeError: CUDA error: uncorrectable ECC error encountered",
        "[rank14]: CUDA kernel errors might be asynchronously reported at some other API call, so the stacktrace below might be incorrect.",
        "[rank14]: Compile with `TORCH_USE_CUDA_DSA` to enable device-side assertions."])
    c.health("gpu.health@%s/gpu%d" % (host, g), ecc_dbe_volatile=2, ecc_sbe_volatile=14, remap_pending=1, xid_last=94)
    return c


def case03():
    """Row-remap failure alert; Xid 64. Decisive from the alert."""
    h = ["dgx-h200-a21", "dgx-h200-a22", "dgx-h200-a23"]
    c = mk("case-rl9-03", "gpu_row_remap_failure", "dgx-h200-a22/gpu1", h, driver="560.35.03")
    host, g = h[1], 1
    am(c, "GPURowRemapFailure", "critical", {},
       "Row remapping failed on %s GPU %d" % (host, g),
       "GPU %d on %s has DCGM_FI_DEV_ROW_REMAP_FAILURE = 1: the GPU ran out of spare rows. The GPU must be replaced (RMA)." % (g, host),
       "DCGM_FI_DEV_ROW_REMAP_FAILURE > 0", runbook=RUNBOOK + "row-remap", dcgm_target=(host, g))
    dcgm(c, "DCGM_FI_DEV_ROW_REMAP_FAILURE", host, lambda gi, s: (1 if s >= -120 else 0) if gi == g else 0)
    dcgm(c, "DCGM_FI_DEV_UNCORRECTABLE_REMAPPED_ROWS", host, lambda gi, s: (8 if s >= -120 else 7) if gi == g else 0)
    dcgm(c, "DCGM_FI_DEV_CORRECTABLE_REMAPPED_ROWS", host, lambda gi, s: 2 if gi == g else (1 if gi == 4 else 0))
    lines = kernel_noise(c, host, 12, -1100, -60)
    lines += [nvrm(c, host, -140, g, 48, "An uncorrectable double bit error (DBE) has been detected on GPU in the framebuffer at physAddr 0x3c1a8e000.", pid=77310, name="python3"),
              nvrm(c, host, -139, g, 64, "Row Remapper: Failed to remap row (0x0000000001e0d470), out of spare rows.", pid=77310, name="python3")]
    c.log("%s/journal" % host, lines)
    c.log("%s/nvidia-smi-q" % host, [
        "$ nvidia-smi -q -i %d -d ROW_REMAPPER" % g,
        "GPU %s.0" % c.bus(g).replace("0000:", "00000000:"),
        "    Remapped Rows",
        "        Correctable Error                 : 2",
        "        Uncorrectable Error               : 8",
        "        Pending                           : No",
        "        Remapping Failure Occurred        : Yes",
        "        Bank Remap Availability Histogram",
        "            Max                           : 0 bank(s)",
        "            High                          : 0 bank(s)",
        "            Partial                       : 2 bank(s)",
        "            Low                           : 5 bank(s)",
        "            None                          : 633 bank(s)"])
    return c


def case04():
    """Xid 119 GSP RPC timeout alert (B200). Decisive from the alert."""
    h = ["b200-r07-n%02d" % i for i in range(1, 5)]
    c = mk("case-rl9-04", "gpu_firmware_error", "b200-r07-n03/gpu5", h, gpu="NVIDIA B200", driver="570.124.06")
    host, g = h[2], 5
    am(c, "GPUXidCriticalError", "critical", {"xid": "119"},
       "GPU %d on %s reported a critical Xid error" % (g, host),
       "GPU %d (UUID %s) on node %s reported Xid 119 (value 119). Drain the node and open a hardware ticket." % (
           g, c.uuid(host, g), host),
       "DCGM_FI_DEV_XID_ERRORS == 79 or DCGM_FI_DEV_XID_ERRORS == 119 or DCGM_FI_DEV_XID_ERRORS == 120",
       runbook=RUNBOOK + "xid-critical", dcgm_target=(host, g), job="dsv3-pt-r07-0")
    dcgm(c, "DCGM_FI_DEV_XID_ERRORS", host, lambda gi, s: (119 if s >= -90 else 0) if gi == g else 0)
    dcgm(c, "DCGM_FI_DEV_GPU_UTIL", host, lambda gi, s: (0 if s >= -60 else 98) if gi == g else (100 if s >= -60 else 98))
    lines = kernel_noise(c, host, 17, -1100, -100)
    lines += [nvrm(c, host, -95, g, 119, "Timeout after 6s of waiting for RPC response from GPU%d GSP! Expected function 76 (GSP_RM_CONTROL) (0x20800a6a 0x4)." % g, pid=190442, name="pt_main_thread"),
              jlog(c, host, -95, "kernel: NVRM: GPU%d GSP RPC buffer contains function 76 (GSP_RM_CONTROL) and data 0x0000000020800a6a 0x0000000000000004." % g),
              jlog(c, host, -95, "kernel: NVRM: GPU%d RPC history (CPU -> GSP):" % g),
              jlog(c, host, -95, "kernel: NVRM:     entry function                   data0              data1              ts_start           ts_end             duration actively_polling"),
              jlog(c, host, -95, "kernel: NVRM:      0    76 GSP_RM_CONTROL            0x0000000020800a6a 0x0000000000000004 0x00062c3f4a1b23c1 0x0000000000000000          y"),
              nvrm(c, host, -89, g, 119, "Timeout after 6s of waiting for RPC response from GPU%d GSP! Expected function 10 (FREE) (0x5c000007 0x0)." % g, pid=190442, name="pt_main_thread"),
              jlog(c, host, -60, "kernel: NVRM: Rate limiting GSP RPC error prints for GPU at PCI:%s (printing 1 of every 30)." % c.bus(g))]
    c.log("%s/journal" % host, lines)
    return c


def case05():
    """NVLink CRC alert with Xid 74. Decisive from the alert."""
    h = ["hgx-h100-c%02d" % i for i in range(10, 14)]
    c = mk("case-rl9-05", "nvlink_error", "hgx-h100-c12/gpu4", h, gpu="NVIDIA H100 80GB HBM3", driver="550.90.07")
    host, g = h[2], 4
    am(c, "GPUNVLinkCRCErrorsHigh", "warning", {},
       "NVLink CRC flit errors rising on %s GPU %d" % (host, g),
       "GPU %d on %s: NVLink CRC FLIT errors at 1843/s over 5m (threshold 100/s)." % (g, host),
       "rate(DCGM_FI_DEV_NVLINK_CRC_FLIT_ERROR_COUNT_TOTAL[5m]) > 100",
       runbook=RUNBOOK + "nvlink", dcgm_target=(host, g), job="llava-next-pt-3")
    acc = {"v": 1200}

    def crc(gi, s):
        if gi != g:
            return 40 + 3 * (s + 1200) / 60 + gi
        acc["v"] += 30 if s < -600 else 110000
        return acc["v"]
    dcgm(c, "DCGM_FI_DEV_NVLINK_CRC_FLIT_ERROR_COUNT_TOTAL", host, crc)
    dcgm(c, "DCGM_FI_DEV_XID_ERRORS", host, lambda gi, s: (74 if s >= -200 else 0) if gi == g else 0)
    lines = kernel_noise(c, host, 10, -1100, -60)
    lines += [nvrm(c, host, -210, g, 74, "NVLink: fatal error detected on link 11(0x0, 0x0, 0x10000, 0x0, 0x0, 0x0, 0x0)"),
              nvrm(c, host, -180, g, 74, "NVLink: fatal error detected on link 11(0x0, 0x0, 0x10000, 0x0, 0x0, 0x0, 0x0)")]
    c.log("%s/journal" % host, lines)
    c.log("%s/nvlink" % host, [
        "$ nvidia-smi nvlink -e -i %d | grep -A4 'Link 11'" % g,
        "	 Link 11: Replay Errors: 0",
        "	 Link 11: Recovery Errors: 37",
        "	 Link 11: CRC Errors: 2394103",
        "$ nvidia-smi nvlink -s -i %d | grep -c inactive" % g, "1",
        "$ nvidia-smi nvlink -s -i 3 | grep -c inactive", "0"])
    return c


def case06():
    """GPU temperature alert on one GPU; only that GPU is hot, thermal slowdown bits, fans fine."""
    h = ["gpu-h200-r3-%02d" % i for i in range(1, 3)]
    c = mk("case-rl9-06", "gpu_thermal_throttle", "gpu-h200-r3-02/gpu2", h, driver="565.57.01")
    host, g = h[1], 2
    am(c, "GPUTemperatureHigh", "warning", {},
       "GPU %d on %s is running hot" % (g, host),
       "GPU %d on %s has been above 87C for 10 minutes (current value: 91C)." % (g, host),
       "avg_over_time(DCGM_FI_DEV_GPU_TEMP[10m]) > 87", runbook=RUNBOOK + "thermal",
       dcgm_target=(host, g), job="qwen-72b-dpo-1")
    dcgm(c, "DCGM_FI_DEV_GPU_TEMP", host, lambda gi, s: (84 + (s + 1200) / 170 + c.rng.uniform(-1, 1)) if gi == g else 61 + gi % 3 + c.rng.uniform(-2, 2))
    dcgm(c, "DCGM_FI_DEV_CLOCK_THROTTLE_REASONS", host, lambda gi, s: (0x60 if s > -700 else 0x20) if gi == g else 0)
    dcgm(c, "DCGM_FI_DEV_SM_CLOCK", host, lambda gi, s: (1290 + c.rng.uniform(-60, 60)) if gi == g else 1980)
    for fan in ("Fan1", "Fan2", "Fan3", "Fan4", "Fan5", "Fan6"):
        c.series("ipmi_fan_speed_rpm", {"instance": host, "job": "ipmi-exporter", "name": fan},
                 lambda s: 11800 + c.rng.uniform(-200, 200), 0)
    c.log("%s/nvidia-smi" % host, [
        "$ nvidia-smi --query-gpu=index,temperature.gpu,temperature.memory,clocks.sm,clocks_event_reasons.active,power.draw --format=csv"] +
        ["%d, %d, %d, %d MHz, 0x%016x, %.2f W" % (i, 91 if i == g else 60 + i % 3, 89 if i == g else 66, 1290 if i == g else 1980,
                                                  0x60 if i == g else 0, 512.4 if i == g else 640 + i) for i in range(8)] +
        ["$ nvidia-smi -q -d PERFORMANCE -i %d | grep -i slowdown" % g,
         "        HW Slowdown                       : Not Active",
         "        HW Thermal Slowdown               : Active",
         "        HW Power Brake Slowdown           : Not Active",
         "        SW Thermal Slowdown               : Active",
         "$ ipmitool sdr type Fan | head -3",
         "Fan1             | 30h | ok  | 29.1 | 11760 RPM",
         "Fan2             | 31h | ok  | 29.2 | 11900 RPM",
         "Fan3             | 32h | ok  | 29.3 | 11840 RPM"])
    c.log("%s/journal" % host, kernel_noise(c, host, 8, -1100, -30))
    c.health("gpu.health@%s/gpu%d" % (host, g), temperature_c=91, sm_clock_mhz=1290, clock_event_reasons=0x60)
    return c


def case07():
    """Step-time alert; one node's GPUs all hot after a fan failure: thermal, node."""
    h = ["hgx-h200-%03d" % i for i in range(201, 205)]
    c = mk("case-rl9-07", "gpu_thermal_throttle", "hgx-h200-203", h, driver="550.127.05")
    bad = h[2]
    am(c, "TrainingStepTimeHigh", "warning", {"training_job": "gpt-oss-120b-pt", "namespace": "training",
                                              "job": "train-exporter"},
       "Step time of gpt-oss-120b-pt is 41% above its 1h baseline",
       "Training job gpt-oss-120b-pt: mean step time 5.07s over 10m vs 3.60s baseline (value: 1.41).",
       "avg_over_time(training_step_time_seconds[10m]) / avg_over_time(training_step_time_seconds[1h] offset 10m) > 1.3",
       runbook=RUNBOOK + "step-time")
    job_series(c, "training_step_time_seconds", "gpt-oss-120b-pt", lambda s: 3.6 + c.rng.uniform(-0.05, 0.05) if s < -700 else 5.05 + c.rng.uniform(-0.1, 0.1))
    for host in h:
        if host == bad:
            dcgm(c, "DCGM_FI_DEV_GPU_TEMP", host, lambda gi, s: (63 if s < -750 else min(93, 63 + (s + 750) / 15)) + c.rng.uniform(-1, 1))
            dcgm(c, "DCGM_FI_DEV_CLOCK_THROTTLE_REASONS", host, lambda gi, s: 0 if s < -700 else (0x60 if gi in (0, 1, 2, 3, 5, 6) else 0x20))
        else:
            dcgm(c, "DCGM_FI_DEV_GPU_TEMP", host, lambda gi, s: 62 + c.rng.uniform(-2, 2))
    for fan in ("FAN1", "FAN2", "FAN3", "FAN4"):
        c.series("ipmi_fan_speed_rpm", {"instance": bad, "job": "ipmi-exporter", "name": fan},
                 lambda s, fan=fan: (0 if s >= -780 else 9800) if fan in ("FAN2", "FAN3") else 12600 + c.rng.uniform(-100, 100), 0)
    c.log("%s/ipmi-sel" % bad, [
        "$ ipmitool sel elist | tail -4",
        "  1a3 | %s | Fan FAN2 | Lower Critical going low  | Asserted | Reading 0 < Threshold 1800 RPM" % c.ymd(-790).replace("-", "/"),
        "  1a4 | %s | Fan FAN3 | Lower Critical going low  | Asserted | Reading 0 < Threshold 1800 RPM" % c.ymd(-788).replace("-", "/"),
        "  1a5 | %s | Fan FAN_PSU1 | Transition to Degraded | Asserted" % c.ymd(-760).replace("-", "/"),
        "  1a6 | %s | Temperature GPU_BASE_TEMP | Upper Non-critical going high | Asserted" % c.ymd(-420).replace("-", "/")])
    c.log("training/gpt-oss-120b-pt/rank0", steps_log(c, -540, 22, 88120, step_s=5.05, tok=2.9e6))
    return c


def case08():
    """GPU-temperature alert on one GPU, but the node lost a PSU: HW power brake on all 8 GPUs."""
    h = ["dgx-h100-b%02d" % i for i in range(3, 7)]
    c = mk("case-rl9-08", "gpu_power_throttle", "dgx-h100-b05", h, gpu="NVIDIA H100 80GB HBM3", driver="550.54.15")
    host, g = h[2], 7
    am(c, "GPUTemperatureHigh", "warning", {},
       "GPU %d on %s is running hot" % (g, host),
       "GPU %d on %s has been above 85C for 10 minutes (current value: 86C)." % (g, host),
       "avg_over_time(DCGM_FI_DEV_GPU_TEMP[10m]) > 85", runbook=RUNBOOK + "thermal",
       dcgm_target=(host, g), job="sd3-finetune-7")
    dcgm(c, "DCGM_FI_DEV_GPU_TEMP", host, lambda gi, s: (86 if gi == g else 71 + gi % 4) + c.rng.uniform(-1, 1))
    dcgm(c, "DCGM_FI_DEV_CLOCK_THROTTLE_REASONS", host, lambda gi, s: 0x80 if s > -600 else 0)
    dcgm(c, "DCGM_FI_DEV_POWER_USAGE", host, lambda gi, s: (290 if s > -600 else 640) + c.rng.uniform(-20, 20), 1)
    dcgm(c, "DCGM_FI_DEV_SM_CLOCK", host, lambda gi, s: (1095 if s > -600 else 1980) + c.rng.uniform(-30, 30))
    for psu in ("PSU1", "PSU2", "PSU3", "PSU4", "PSU5", "PSU6"):
        c.series("ipmi_sensor_state", {"instance": host, "job": "ipmi-exporter", "name": psu + "_Status", "type": "Power Supply"},
                 lambda s, psu=psu: 2 if (psu in ("PSU3", "PSU4") and s > -620) else 0, 0)
    c.log("%s/ipmi-sel" % host, [
        "$ ipmitool sel elist | tail -5",
        "  2f1 | %s | Power Supply PSU3_Status | Power Supply AC lost | Asserted" % c.ymd(-625).replace("-", "/"),
        "  2f2 | %s | Power Supply PSU4_Status | Power Supply AC lost | Asserted" % c.ymd(-624).replace("-", "/"),
        "  2f3 | %s | Power Unit PWR_Redundancy | Redundancy Lost | Asserted" % c.ymd(-623).replace("-", "/"),
        "  2f4 | %s | System Event GPU_PWR_BRAKE | State Asserted" % c.ymd(-622).replace("-", "/")])
    c.log("%s/nvidia-smi" % host, [
        "$ nvidia-smi --query-gpu=index,temperature.gpu,clocks.sm,clocks_event_reasons.hw_power_brake_slowdown,clocks_event_reasons.hw_thermal_slowdown,power.draw --format=csv"] +
        ["%d, %d, %d MHz, Active, Not Active, %.2f W" % (i, 86 if i == g else 71 + i % 4, 1095, 290 + 3 * i) for i in range(8)] +
        ["$ journalctl -k --since -15min | grep -ci nvrm", "0"] + kernel_noise(c, host, 6, -1100, -30))
    return c


def case09():
    """PCIe replay alert; AER corrected errors and the link trained down to x8."""
    h = ["gpu-h200-p%02d" % i for i in range(1, 3)]
    c = mk("case-rl9-09", "pcie_link_degraded", "gpu-h200-p01/gpu1", h, driver="560.35.03")
    host, g = h[0], 1
    am(c, "GPUPCIeReplayErrors", "warning", {},
       "PCIe replays rising on %s GPU %d" % (host, g),
       "GPU %d on %s: 4212 PCIe replays in the last 10 minutes." % (g, host),
       "increase(DCGM_FI_DEV_PCIE_REPLAY_COUNTER[10m]) > 100", runbook=RUNBOOK + "pcie",
       dcgm_target=(host, g), job="whisper-v4-pt-0")
    acc = {"v": 910}

    def rep(gi, s):
        if gi != g:
            return gi
        acc["v"] += 420 + c.rng.randrange(40)
        return acc["v"]
    dcgm(c, "DCGM_FI_DEV_PCIE_REPLAY_COUNTER", host, rep)
    dcgm(c, "DCGM_FI_DEV_PCIE_LINK_WIDTH", host, lambda gi, s: 8 if gi == g else 16)
    dcgm(c, "DCGM_FI_DEV_PCIE_LINK_GEN", host, lambda gi, s: 5)
    bdf = c.bus(g) + ".0"
    lines = kernel_noise(c, host, 6, -1100, -30)
    for k in range(8):
        t = -1000 + 120 * k
        lines.append(jlog(c, host, t, "kernel: pcieport 0000:%s:01.0: AER: Corrected error received: %s" % (c.pci[g][0] + "0", bdf)))
        lines.append(jlog(c, host, t, "kernel: nvidia %s: PCIe Bus Error: severity=Corrected, type=Data Link Layer, (Receiver ID)" % bdf))
    lines.append(jlog(c, host, -880, "kernel: nvidia %s:   device [10de:2335] error status/mask=00000080/00002000" % bdf))
    lines.append(jlog(c, host, -880, "kernel: nvidia %s:    [ 7] BadDLLP" % bdf))
    c.log("%s/journal" % host, lines)
    c.log("%s/lspci" % host, ["$ lspci -vvv -s %s | grep -E 'LnkCap|LnkSta'" % bdf[5:],
                              "		LnkCap:	Port #0, Speed 32GT/s, Width x16, ASPM not supported",
                              "		LnkSta:	Speed 32GT/s, Width x8 (downgraded)"])
    c.health("gpu.health@%s/gpu%d" % (host, g), pcie_link_width=8, pcie_replay_count=9410)
    c.pcie("gpu.pcie_bandwidth@%s/gpu%d" % (host, g), h2d=24.6, d2h=23.9)
    return c


def case10():
    """Loss NaN alert; one GPU computes wrong results (sdc vote fails, the replica's loss diverges)."""
    h = ["gb200-t%02d" % i for i in range(1, 9)]
    c = mk("case-rl9-10", "gpu_silent_data_corruption", "gb200-t06/gpu2", h, gpu="NVIDIA GB200", driver="570.133.20", gpus=4, pci=PCI_BUS_A[:4])
    host, g = h[5], 2
    am(c, "TrainingLossNaN", "critical", {"training_job": "nemotron-340b-sft", "namespace": "training", "job": "train-exporter"},
       "Loss of nemotron-340b-sft is NaN",
       "Training job nemotron-340b-sft reported a non-finite loss at step 19311.",
       "training_loss{training_job=\"nemotron-340b-sft\"} != training_loss{training_job=\"nemotron-340b-sft\"}",
       runbook=RUNBOOK + "loss-nan")
    job_series(c, "training_grad_norm", "nemotron-340b-sft", lambda s: 0.31 + c.rng.uniform(-0.03, 0.03) if s < -90 else None)
    lines = steps_log(c, -600, 14, 19297, step_s=38, loss=1.42)
    lines += ["[%s] WARNING dp-consistency: data-parallel replica checksum mismatch at step 19309: dp_rank %d (host %s, local gpu %d) param_sha=9c01e2.. others=51a7f0.." % (c.ymd(-70), c.rank_of(host, g), host, g),
              "[%s] WARNING dp-consistency: replica losses at step 19310: min 1.4011 median 1.4087 max 7.9121 (dp_rank %d)" % (c.ymd(-40), c.rank_of(host, g)),
              "[%s] ERROR step 19311 | loss nan | grad_norm nan | skipping optimizer step" % c.ymd(-5)]
    c.log("training/nemotron-340b-sft/rank0", lines)
    c.log("%s/journal" % host, kernel_noise(c, host, 6, -1100, -30) + [
        jlog(c, host, -300, "dcgm-exporter[3120]: level=info msg=\"Collecting DCP metrics\"")])
    dcgm(c, "DCGM_FI_DEV_XID_ERRORS", host, lambda gi, s: 0)
    dcgm(c, "DCGM_FI_DEV_ECC_DBE_VOL_TOTAL", host, lambda gi, s: 0)
    c.health("gpu.health@%s/gpu%d" % (host, g))
    c.sdc("gpu.sdc@%s" % host, mismatched=4096, bad_gpu="gpu%d" % g)
    c.sdc("gpu.sdc@%s" % h[4])
    return c


def case11():
    """IB link flap alert (node_exporter infiniband collector). Decisive from the alert."""
    h = ["hgx-h200-e%02d" % i for i in range(1, 9)]
    c = mk("case-rl9-11", "ib_link_failure", "hgx-h200-e05/mlx5_3", h, driver="550.127.05")
    host, dev = h[4], "mlx5_3"
    am(c, "InfiniBandPortFlapping", "warning", {"instance": "%s:9100" % host, "job": "node-exporter", "device": dev, "port": "1"},
       "InfiniBand port %s/1 on %s is flapping" % (dev, host),
       "The physical state of %s port 1 on %s changed 6 times in 15m." % (dev, host),
       "changes(node_infiniband_physical_state_id[15m]) > 2", runbook=RUNBOOK + "ib")
    for d in ("mlx5_0", "mlx5_3", "mlx5_4", "mlx5_5"):
        flap = d == dev
        node_series(c, "node_infiniband_physical_state_id", host,
                    lambda s, flap=flap: (3 if (flap and int(s / 60) % 3 == 0 and s > -900) else 5), 0, {"device": d, "port": "1"})
        node_series(c, "node_infiniband_link_downed_total", host,
                    lambda s, flap=flap: (2 + max(0, int((s + 900) / 180))) if flap else 0, 0, {"device": d, "port": "1"})
        node_series(c, "node_infiniband_symbol_error_total", host,
                    lambda s, flap=flap: (4100 + 900 * max(0, (s + 900) / 60)) if flap else 3, 0, {"device": d, "port": "1"})
    lines = kernel_noise(c, host, 8, -1100, -30)
    for k in range(6):
        t = -880 + 150 * k
        lines.append(jlog(c, host, t, "kernel: mlx5_core 0000:%s:00.0 ibp%ss0: Link down" % ("3f", "63")))
        lines.append(jlog(c, host, t + 9, "kernel: mlx5_core 0000:%s:00.0 ibp%ss0: Link up" % ("3f", "63")))
    c.log("%s/journal" % host, lines)
    c.log("training/mixtral-8x22b-pt/rank32", [
        "%s:%d:%d [0] NCCL INFO NET/IB : Got async event : port error" % (host, 51022, 51200),
        "%s:%d:%d [0] transport/net_ib.cc:2227 NCCL WARN NET/IB : Got completion from peer 10.12.5.33<41772> with status=IBV_WC_RETRY_EXC_ERR(12) opcode=0 len=0 vendor err 129 (Send) localGid ::ffff:10.12.5.23 remoteGids::ffff:10.12.5.33 hca %s" % (host, 51022, 51200, dev)])
    return c


def case12():
    """NCCL watchdog alert; root is one HCA of one node (symbol errors, link down, retry exceeded)."""
    h = ["gpu-h100-%03d" % i for i in range(40, 48)]
    c = mk("case-rl9-12", "ib_link_failure", "gpu-h100-045/mlx5_4", h, gpu="NVIDIA H100 80GB HBM3", driver="550.90.07")
    host, dev = h[5], "mlx5_4"
    am(c, "NCCLWatchdogTimeout", "critical", {"training_job": "llama3-70b-cpt", "namespace": "training", "job": "train-log-metrics"},
       "NCCL watchdog timeouts in llama3-70b-cpt",
       "64 ranks of llama3-70b-cpt logged 'Watchdog caught collective operation timeout' in the last 5m.",
       "sum by (training_job) (increase(nccl_watchdog_timeouts_total[5m])) > 0", runbook=RUNBOOK + "nccl-timeout")
    for hh in h:
        for d in ("mlx5_0", "mlx5_3", "mlx5_4", "mlx5_5"):
            bad = hh == host and d == dev
            node_series(c, "node_infiniband_symbol_error_total", hh,
                        lambda s, bad=bad: (12 + 5200 * max(0, (s + 800) / 60)) if bad else 1, 0, {"device": d, "port": "1"})
            if hh == host:
                node_series(c, "node_infiniband_state_id", hh, lambda s, bad=bad: (1 if (bad and s > -700) else 4), 0, {"device": d, "port": "1"})
    lines = ["%s:%d:%d [4] transport/net_ib.cc:2227 NCCL WARN NET/IB : Got completion from peer 10.20.4.46<52011> with status=IBV_WC_RETRY_EXC_ERR(12) opcode=0 len=0 vendor err 129 (Send) localGid ::ffff:10.20.4.45 remoteGids::ffff:10.20.4.46 hca %s" % (host, 88210, 88400, dev),
             "%s:%d:%d [4] NCCL INFO transport/net.cc:1302 -> 6" % (host, 88210, 88400)]
    for r in (0, 17, 40, 63):
        lines += watchdog(c, r, -30 + r * 0.01, 30412)
    c.log("training/llama3-70b-cpt/ranks", lines)
    c.log("%s/journal" % host, kernel_noise(c, host, 6, -1100, -30) + [
        jlog(c, host, -700, "kernel: mlx5_core 0000:4b:00.0 ibp75s0: Link down"),
        jlog(c, host, -699, "kernel: mlx5_core 0000:4b:00.0: mlx5_port_module_event:1174:(pid 0): Port module event[error]: module 4, Cable error, High Temperature")])
    c.log("%s/shell" % host, ["$ ibstat %s | grep -E 'State|Physical'" % dev, "		State: Down", "		Physical state: Polling",
                              "$ ibstat mlx5_3 | grep -E 'State|Physical'", "		State: Active", "		Physical state: LinkUp"])
    return c


def case13():
    """Job never reaches step 1: NCCL_SOCKET_IFNAME names an interface the new image lacks."""
    h = ["b200-r02-n%02d" % i for i in range(1, 5)]
    c = mk("case-rl9-13", "nccl_network_misconfig", "job", h, gpu="NVIDIA B200", driver="570.124.06")
    am(c, "TrainingJobNoProgress", "warning", {"training_job": "flux-dev-ft-2", "namespace": "training", "job": "train-exporter"},
       "flux-dev-ft-2 has made no training progress for 20m",
       "training_step of flux-dev-ft-2 has not increased in 20m (current value: 0).",
       "increase(training_step{training_job=\"flux-dev-ft-2\"}[20m]) == 0 and training_job_running == 1",
       runbook=RUNBOOK + "no-progress")
    job_series(c, "training_step", "flux-dev-ft-2", lambda s: 0, 0)
    host = h[0]
    lines = ["+ export NCCL_SOCKET_IFNAME=ens1f0np0", "+ export NCCL_IB_HCA=mlx5", "+ torchrun --nnodes 4 --nproc-per-node 8 --rdzv-backend c10d --rdzv-endpoint b200-r02-n01:29400 train.py"]
    lines += ["%s:41021:41021 [0] NCCL INFO NCCL version 2.23.4+cuda12.6" % host,
              "%s:41021:41021 [0] NCCL INFO NCCL_SOCKET_IFNAME set by environment to ens1f0np0" % host,
              "%s:41021:41021 [0] misc/socket.cc:484 NCCL WARN Net : No interface found in the same subnet as remote address fe80::e63d:1aff:fe72:2e10%%ibp12s0<0>" % host,
              "%s:41021:41021 [0] NCCL INFO Bootstrap : no socket interface found" % host,
              "%s:41021:41021 [0] NCCL INFO init.cc:1414 -> 3" % host,
              "%s:41021:41021 [0] NCCL INFO init.cc:2069 -> 3" % host,
              "[rank0]: torch.distributed.DistBackendError: NCCL error in: /opt/pytorch/torch/csrc/distributed/c10d/ProcessGroupNCCL.cpp:2204, internal error - please report this issue to the NCCL developers, NCCL version 2.23.4",
              "[rank0]: ncclInternalError: Internal check failed.",
              "[rank0]: Last error:",
              "[rank0]: Bootstrap : no socket interface found",
              "$ ip -br link | awk '{print $1, $2}'", "lo UNKNOWN", "enp86s0f0np0 UP", "ibp12s0 UP", "ibp75s0 UP", "ibp141s0 UP", "ibp186s0 UP"]
    lines += elastic_failure(c, -1100, host, 0, 0, 1)
    c.log("training/flux-dev-ft-2/node0", lines)
    c.log("scheduler/events", [
        "%s Normal  Pulled   pod/flux-dev-ft-2-worker-0  Container image \"registry.internal/ml/flux-train:2025.11-r2\" already present on machine" % c.iso(-1300),
        "%s Warning BackOff  pod/flux-dev-ft-2-worker-0  Back-off restarting failed container trainer" % c.iso(-600)])
    return c


def case14():
    """NCCL watchdog alert; all ranks time out on the same collective, no hardware or process fault."""
    h = ["hgx-h200-%03d" % i for i in range(301, 305)]
    c = mk("case-rl9-14", "nccl_collective_hang", "job", h, driver="550.127.05")
    am(c, "NCCLWatchdogTimeout", "critical", {"training_job": "gemma-27b-distill", "namespace": "training", "job": "train-log-metrics"},
       "NCCL watchdog timeouts in gemma-27b-distill",
       "32 ranks of gemma-27b-distill logged 'Watchdog caught collective operation timeout' in the last 5m.",
       "sum by (training_job) (increase(nccl_watchdog_timeouts_total[5m])) > 0", runbook=RUNBOOK + "nccl-timeout")
    for host in h:
        dcgm(c, "DCGM_FI_DEV_GPU_UTIL", host, lambda gi, s: 100 if s > -660 else 96 + c.rng.uniform(-3, 3))
        dcgm(c, "DCGM_FI_DEV_XID_ERRORS", host, lambda gi, s: 0)
    lines = []
    for r in (0, 9, 18, 31):
        lines += watchdog(c, r, -20 + r * 0.01, 551204, op="_ALLGATHER_BASE", numel=33554432, timeout_ms=600000)
    lines += ["[rank%d]:[%s ProcessGroupNCCL.cpp:1377] [PG 0 (default_pg) Rank %d] ProcessGroupNCCL preparing to dump debug info." % (r, c.glog(-19, "E"), r) for r in (0, 31)]
    lines += ["[rank0]:[%s NCCLUtils.cpp:452] [Rank 0] NCCL flight recorder: all 32 ranks entered _ALLGATHER_BASE SeqNum=551204; 0 ranks completed it" % c.glog(-18, "I"),
              "[rank0]:[%s NCCLUtils.cpp:461] [Rank 0] No rank is missing; no NCCL async error on any rank" % c.glog(-18, "I")]
    c.log("training/gemma-27b-distill/ranks", lines)
    c.log("%s/journal" % h[1], kernel_noise(c, h[1], 8, -1100, -30))
    c.log("scheduler/events", ["%s Normal  Running  pod/gemma-27b-distill-worker-%d  all 8 containers running, 0 restarts" % (c.iso(-10), i) for i in range(4)])
    for host in h:
        c.nccl("nccl.allreduce@%s" % host)
    return c


def case15():
    """NCCL watchdog alert; one rank segfaulted first (exit 139), peers time out."""
    h = ["gpu-h100-%03d" % i for i in range(210, 214)]
    c = mk("case-rl9-15", "rank_process_crash", "gpu-h100-212/gpu5", h, gpu="NVIDIA H100 80GB HBM3", driver="550.90.07")
    host, g = h[2], 5
    r = c.rank_of(host, g)
    am(c, "NCCLWatchdogTimeout", "critical", {"training_job": "yi-34b-rlhf", "namespace": "training", "job": "train-log-metrics"},
       "NCCL watchdog timeouts in yi-34b-rlhf",
       "31 ranks of yi-34b-rlhf logged 'Watchdog caught collective operation timeout' in the last 5m.",
       "sum by (training_job) (increase(nccl_watchdog_timeouts_total[5m])) > 0", runbook=RUNBOOK + "nccl-timeout")
    lines = ["[rank%d]: *** SIGSEGV (@0x0) received by PID 73311 (TID 0x7f31b9fff640) from PID 0; stack trace: ***" % r,
             "[rank%d]:     @     0x7f34d0a42520 (unknown)" % r,
             "[rank%d]:     @     0x7f2f8813ac21 vllm::rollout::KVCacheManager::evict()" % r,
             "[rank%d]:     @     0x7f2f88131e0a vllm::rollout::Engine::step()" % r]
    for rr in (0, 7, 30):
        lines += watchdog(c, rr, -30 + rr * 0.01, 90117)
    c.log("training/yi-34b-rlhf/ranks", lines)
    c.log("scheduler/events", [
        "%s Warning Error pod/yi-34b-rlhf-worker-2 container trainer-%d terminated: exit code 139 (Error), reason: Error" % (c.iso(-640), g),
        "%s Normal Killing pod/yi-34b-rlhf-worker-0 Stopping container trainer-0" % c.iso(0)] +
        ["%s Normal  Running  pod/yi-34b-rlhf-worker-%d  8 containers running" % (c.iso(-1200), i) for i in range(4)])
    jl = kernel_noise(c, host, 10, -1100, -30)
    jl.append(jlog(c, host, -641, "kernel: pt_main_thread[73311]: segfault at 0 ip 00007f2f8813ac21 sp 00007f31b9ff8e40 error 4 in librollout_ext.so[7f2f88100000+1a2000] likely on CPU 37 (core 5, socket 1)"))
    c.log("%s/journal" % host, jl)
    dcgm(c, "DCGM_FI_DEV_GPU_UTIL", host, lambda gi, s: (0 if s > -630 else 95) if gi == g else (100 if s > -630 else 95))
    return c


def case16():
    """NCCL watchdog alert; one rank hit CUDA OOM (its framebuffer full) and stopped joining collectives."""
    h = ["hgx-h200-f%02d" % i for i in range(1, 5)]
    c = mk("case-rl9-16", "cuda_oom", "hgx-h200-f03/gpu0", h, driver="560.35.03")
    host, g = h[2], 0
    r = c.rank_of(host, g)
    am(c, "NCCLWatchdogTimeout", "critical", {"training_job": "dit-xl-video-pt", "namespace": "training", "job": "train-log-metrics"},
       "NCCL watchdog timeouts in dit-xl-video-pt",
       "31 ranks of dit-xl-video-pt logged 'Watchdog caught collective operation timeout' in the last 5m.",
       "sum by (training_job) (increase(nccl_watchdog_timeouts_total[5m])) > 0", runbook=RUNBOOK + "nccl-timeout")
    dcgm(c, "DCGM_FI_DEV_FB_USED", host, lambda gi, s: (143600 if (gi == g and s > -700) else 121000 + c.rng.uniform(-1500, 1500)))
    dcgm(c, "DCGM_FI_DEV_FB_FREE", host, lambda gi, s: (160 if (gi == g and s > -700) else 22600 + c.rng.uniform(-1500, 1500)))
    lines = ["[rank%d]: Traceback (most recent call last):" % r,
             "[rank%d]:   File \"/app/train_video.py\", line 288, in train_step" % r,
             "[rank%d]:     latents = vae.encode(frames).latent_dist.sample()" % r,
             "[rank%d]: torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 7.91 GiB. GPU 0 has a total capacity of 139.81 GiB of which 152.00 MiB is free. Process 55102 has 139.65 GiB memory in use. Of the allocated memory 131.02 GiB is allocated by PyTorch, and 6.77 GiB is reserved by PyTorch but unallocated. If reserved but unallocated memory is large try setting PYTORCH_CUDA_ALLOC_CONF=expandable_segments:True to avoid fragmentation.  See documentation for Memory Management  (https://pytorch.org/docs/stable/notes/cuda.html#environment-variables)" % r,
             "[rank%d]: batch at step 7741 had 257 frames at 720x1280 (bucket max 256x720x1280)" % r]
    for rr in (0, 8, 31):
        lines += watchdog(c, rr, -25 + rr * 0.01, 40221)
    c.log("training/dit-xl-video-pt/ranks", lines)
    c.log("%s/journal" % host, kernel_noise(c, host, 6, -1100, -30))
    return c


def case17():
    """Xid 43 alert on one GPU; an application index bug: device-side assert on all ranks."""
    h = ["hgx-h200-g%02d" % i for i in range(1, 3)]
    c = mk("case-rl9-17", "illegal_memory_access", "job", h, driver="550.127.05")
    host, g = h[0], 0
    am(c, "GPUXidError", "warning", {},
       "GPU %d on %s reported Xid %d" % (g, host, 43),
       "GPU %d (UUID %s) on node %s reported Xid 43." % (g, c.uuid(host, g), host),
       "DCGM_FI_DEV_XID_ERRORS > 0", runbook=RUNBOOK + "xid", dcgm_target=(host, g), job="tokfree-byte-lm-0")
    for hh in h:
        dcgm(c, "DCGM_FI_DEV_XID_ERRORS", hh, lambda gi, s: 43 if s >= -60 else 0)
    lines = kernel_noise(c, host, 6, -1100, -100)
    for gi in range(8):
        lines.append(nvrm(c, host, -70 + gi * 0.1, gi, 43, "Ch 00000008", pid=62010 + gi, name="pt_main_thread"))
    c.log("%s/journal" % host, lines)
    c.log("training/tokfree-byte-lm-0/rank3", [
        "/opt/pytorch/aten/src/ATen/native/cuda/Indexing.cu:1289: indexSelectLargeIndex: block: [113,0,0], thread: [96,0,0] Assertion `srcIndex < srcSelectDimSize` failed.",
        "/opt/pytorch/aten/src/ATen/native/cuda/Indexing.cu:1289: indexSelectLargeIndex: block: [113,0,0], thread: [97,0,0] Assertion `srcIndex < srcSelectDimSize` failed.",
        "[rank3]: Traceback (most recent call last):",
        "[rank3]:   File \"/app/model/embed.py\", line 57, in forward",
        "[rank3]:     return self.byte_embed(ids + self.offset)",
        "[rank3]: RuntimeError: CUDA error: device-side assert triggered",
        "[rank3]: Compile with `TORCH_USE_CUDA_DSA` to enable device-side assertions.",
        "[rank3]: (the same assert on ranks 0-15 at step 12; job restarted from step 0 on other nodes hgx-h200-g07,g08 yesterday with the same failure at step 12)",
        "config diff vs last good run: model.byte_offset 3 -> 259, vocab_size 259 (unchanged)"])
    return c


def case18():
    """Node memory alert (node-mixin); the kernel OOM killer ended a rank."""
    h = ["cpu-h100-%02d" % i for i in range(1, 3)]
    c = mk("case-rl9-18", "host_oom", "cpu-h100-02", h, gpu="NVIDIA H100 80GB HBM3", driver="535.183.06")
    host = h[1]
    am(c, "NodeMemoryHighUtilization", "warning", {"instance": "%s:9100" % host, "job": "node-exporter", "container": "node-exporter", "namespace": "monitoring"},
       "Host is running out of memory.",
       "Memory is filled up at 98.71%% on %s:9100." % host,
       "100 - (node_memory_MemAvailable_bytes{job=\"node-exporter\"} / node_memory_MemTotal_bytes{job=\"node-exporter\"} * 100) > 90",
       runbook="https://runbooks.prometheus-operator.dev/runbooks/node/nodememoryhighutilization")
    total = 2.0e12
    node_series(c, "node_memory_MemAvailable_bytes", host, lambda s: max(2.5e10, total * (0.42 - 0.4 * (s + 1200) / 1100)), 0)
    node_series(c, "node_memory_MemTotal_bytes", host, lambda s: total, 0)
    node_series(c, "node_vmstat_oom_kill", host, lambda s: 0 if s < -90 else 1, 0)
    lines = kernel_noise(c, host, 13, -1100, -200)
    lines += [jlog(c, host, -95, "kernel: pt_data_worker invoked oom-killer: gfp_mask=0x140cca(GFP_HIGHUSER_MOVABLE|__GFP_COMP), order=0, oom_score_adj=0"),
              jlog(c, host, -95, "kernel: Mem-Info:"),
              jlog(c, host, -95, "kernel: active_anon:482210034 inactive_anon:1732 isolated_anon:0"),
              jlog(c, host, -94, "kernel: oom-kill:constraint=CONSTRAINT_NONE,nodemask=(null),cpuset=/,mems_allowed=0-1,global_oom,task_memcg=/system.slice/slurmstepd.scope/job_88124/step_0,task=python3,pid=301877,uid=1001"),
              jlog(c, host, -94, "kernel: Out of memory: Killed process 301877 (python3) total-vm:612308112kB, anon-rss:389114820kB, file-rss:81920kB, shmem-rss:0kB, UID:1001 pgtables:770912kB oom_score_adj:0"),
              jlog(c, host, -93, "slurmstepd[301800]: error: Detected 1 oom_kill event in StepId=88124.0. Some of the step tasks have been OOM Killed.")]
    c.log("%s/journal" % host, lines)
    c.log("slurm/88124.out", ["[%s] INFO loading shard index into RAM (in-memory dataset, 24 workers x 3 prefetch)" % c.ymd(-1180),
                              "srun: error: %s: task 9: Out Of Memory" % host,
                              "srun: Job step aborted: Waiting up to 32 seconds for job step to finish."])
    return c


def case19():
    """Loss NaN alert; plain divergence: grad norm grows over steps after LR warm-up, all ranks agree."""
    h = ["hgx-h100-%03d" % i for i in range(60, 64)]
    c = mk("case-rl9-19", "loss_divergence", "job", h, gpu="NVIDIA H100 80GB HBM3", driver="550.90.07")
    am(c, "TrainingLossNaN", "critical", {"training_job": "olmo-13b-ablation-4", "namespace": "training", "job": "train-exporter"},
       "Loss of olmo-13b-ablation-4 is NaN",
       "Training job olmo-13b-ablation-4 reported a non-finite loss at step 2311.",
       "training_loss{training_job=\"olmo-13b-ablation-4\"} != training_loss{training_job=\"olmo-13b-ablation-4\"}",
       runbook=RUNBOOK + "loss-nan")
    job_series(c, "training_grad_norm", "olmo-13b-ablation-4", lambda s: 0.4 * (1.25 ** ((s + 1200) / 60)) if s < -20 else None)
    job_series(c, "training_learning_rate", "olmo-13b-ablation-4", lambda s: min(6e-3, 6e-3 * (s + 1400) / 1000), 6)
    lines = steps_log(c, -900, 20, 2290, step_s=44, loss=2.9, loss_fn=lambda i: 2.9 + 0.02 * 1.4 ** i if i < 18 else 9.7,
                      gn=lambda i: 0.4 * 1.5 ** i)
    lines += ["[%s] step 2310 | loss inf | grad_norm inf | lr 6.00e-03 (peak) | bf16" % c.ymd(-60),
              "[%s] step 2311 | loss nan | grad_norm nan" % c.ymd(-10),
              "INFO: run config: precision=bf16-mixed, lr=6e-3 (sweep point 4 of 5, 3x the baseline 2e-3), warmup 1000 steps, z-loss off",
              "INFO: all 32 DP ranks report the same loss at every step (max spread 3e-6)"]
    c.log("training/olmo-13b-ablation-4/rank0", lines)
    c.sdc("gpu.sdc@%s" % h[0])
    c.sdc("gpu.sdc@%s" % h[2])
    return c


def case20():
    """fp16 loss-scale alert; DeepSpeed overflow messages drive the scale to its minimum."""
    h = ["gpu-h100-v%02d" % i for i in range(1, 3)]
    c = mk("case-rl9-20", "fp16_loss_scale_collapse", "job", h, gpu="NVIDIA H100 80GB HBM3", driver="550.54.15")
    am(c, "TrainingLossScaleCollapsed", "warning", {"training_job": "t5-xxl-fp16-legacy", "namespace": "training", "job": "train-exporter"},
       "Loss scale of t5-xxl-fp16-legacy is at its minimum",
       "Dynamic loss scale of t5-xxl-fp16-legacy is 1 (min_loss_scale) and 142 steps were skipped in 30m.",
       "training_loss_scale <= 1 and increase(training_skipped_steps_total[30m]) > 50", runbook=RUNBOOK + "loss-scale")
    job_series(c, "training_loss_scale", "t5-xxl-fp16-legacy", lambda s: max(1, 65536 / 2 ** int((s + 1200) / 70)), 0)
    job_series(c, "training_skipped_steps_total", "t5-xxl-fp16-legacy", lambda s: max(0, int((s + 1100) * 0.13)), 0)
    lines = []
    scale = 64.0
    for k in range(16):
        t = -500 + 30 * k
        ns = max(1.0, scale / 2)
        lines.append("[%s] [INFO] [loss_scaler.py:183:update_scale] [deepspeed] OVERFLOW! Rank 0 Skipping step. Attempted loss scale: %d, reducing to %d" % (c.ymd_ms(t), scale, ns))
        scale = ns
    lines += ["[%s] [INFO] [logging.py:128:log_dist] [Rank 0] step=48820, skipped=4211, lr=[1e-4], mom=[(0.9, 0.999)]" % c.ymd_ms(-20),
              "[%s] [INFO] [timer.py:264:stop] epoch=0/micro_step=390560/global_step=48820, RunningAvgSamplesPerSec=412.1, CurrSamplesPerSec=415.0" % c.ymd_ms(-19),
              "[%s] [WARNING] [loss_scaler.py:92] Current loss scale already at minimum - cannot decrease scale anymore. Exiting run." % c.ymd_ms(-5),
              "fp16: {enabled: true, loss_scale: 0, initial_scale_power: 16, min_loss_scale: 1, hysteresis: 2}"]
    c.log("training/t5-xxl-fp16-legacy/rank0", lines)
    return c


def case21():
    """Loss-spike alert; Transformer Engine FP8 amax goes non-finite and the scales collapse."""
    h = ["hgx-h200-k%02d" % i for i in range(1, 5)]
    c = mk("case-rl9-21", "fp8_scaling_overflow", "job", h, driver="565.57.01")
    am(c, "TrainingLossSpike", "warning", {"training_job": "llama4-scout-fp8-pt", "namespace": "training", "job": "train-exporter"},
       "Loss of llama4-scout-fp8-pt spiked",
       "Loss of llama4-scout-fp8-pt is 3.4x its 1h average (value: 3.41).",
       "training_loss / avg_over_time(training_loss[1h] offset 5m) > 2", runbook=RUNBOOK + "loss-spike")
    job_series(c, "training_loss", "llama4-scout-fp8-pt", lambda s: 1.92 + c.rng.uniform(-0.02, 0.02) if s < -300 else 6.6 + c.rng.uniform(-0.4, 0.4))
    job_series(c, "te_fp8_amax_history_max", "llama4-scout-fp8-pt", lambda s: 412.0 + c.rng.uniform(-10, 10) if s < -330 else 448.0 * 1e6, 1,
               {"layer": "decoder.layers.31.mlp.fc2", "tensor": "grad_output"})
    lines = steps_log(c, -700, 10, 61800, step_s=6.2, loss=1.92)
    lines += ["[%s] WARNING transformer_engine.pytorch.fp8: amax_history for decoder.layers.31.mlp.fc2 (grad_output, E5M2) contains inf; scale=0.000e+00 scale_inv=inf" % c.ymd(-330),
              "[%s] WARNING transformer_engine.pytorch.fp8: 14 of 96 FP8 GEMMs saturated > 5%% of elements at fp8 max (448.0, E4M3) in the last 10 steps" % c.ymd(-320),
              "[%s] WARNING fp8-monitor: scale factors collapsed to 0 for 11 tensors in layers 28-31 (recipe DelayedScaling(margin=0, amax_history_len=16, amax_compute_algo='max'))" % c.ymd(-300)]
    lines += steps_log(c, -290, 10, 61850, step_s=6.2, loss_fn=lambda i: 6.6 + 0.1 * i, gn=lambda i: 30 + i)
    lines += ["INFO: bf16 reference replay of steps 61850-61855 from checkpoint: loss 1.91-1.93 (no spike)",
              "INFO: all DP replicas agree bit-for-bit (dp-consistency check ok)"]
    c.log("training/llama4-scout-fp8-pt/rank0", lines)
    return c


def case22():
    """Tokens/s alert; MoE router collapse: capacity overflow, dropped tokens, slow all-to-all."""
    h = ["hgx-h200-m%02d" % i for i in range(1, 9)]
    c = mk("case-rl9-22", "moe_expert_imbalance", "job", h, driver="550.127.05")
    am(c, "TrainingThroughputLow", "warning", {"training_job": "deepseek-moe-16b-cpt", "namespace": "training", "job": "train-exporter"},
       "Throughput of deepseek-moe-16b-cpt dropped",
       "deepseek-moe-16b-cpt processes 2.1M tokens/s, 44% below its 6h median of 3.8M.",
       "sum(rate(training_tokens_total[10m])) by (training_job) < 0.7 * quantile_over_time(0.5, job:training_tokens_per_second:rate10m[6h])",
       runbook=RUNBOOK + "throughput")
    job_series(c, "training_tokens_per_second", "deepseek-moe-16b-cpt", lambda s: 3.8e6 * (1 - 0.45 * min(1, max(0, (s + 1000) / 600))), 0)
    job_series(c, "moe_tokens_dropped_ratio", "deepseek-moe-16b-cpt", lambda s: 0.01 + 0.36 * min(1, max(0, (s + 1000) / 600)), 3)
    job_series(c, "moe_alltoall_seconds", "deepseek-moe-16b-cpt", lambda s: 0.21 + 0.9 * min(1, max(0, (s + 1000) / 600)), 3)
    lines = steps_log(c, -1100, 10, 140200, step_s=1.1, tok=3.8e6)
    lines += ["[%s] moe: layer 7 expert load (tokens/expert, 64 experts): max 41922 (expert 13) min 0 (22 experts empty), capacity 6144, dropped 37.1%%" % c.ymd(-600),
              "[%s] moe: layer 11 router entropy 0.41 nats (was 3.98 at step 138000); aux_loss 0.0009 (coeff 1e-4)" % c.ymd(-590),
              "[%s] moe: all-to-all dispatch 1.11s / step (was 0.21s); EP=8 ranks hosting experts 8-15 receive 61%% of tokens" % c.ymd(-580)]
    lines += steps_log(c, -570, 10, 140700, step_s=2.0, tok=3.8e6 * 1.1)
    c.log("training/deepseek-moe-16b-cpt/rank0", lines)
    for host in h[:2]:
        dcgm(c, "DCGM_FI_DEV_GPU_UTIL", host, lambda gi, s: 71 + c.rng.uniform(-5, 5))
    c.nccl("nccl.alltoall@job")
    return c


def case23():
    """Step-time alert; one node's CPUs run at 800 MHz (powersave after BIOS reflash): its ranks lag."""
    h = ["hgx-h100-s%02d" % i for i in range(1, 5)]
    c = mk("case-rl9-23", "straggler_rank", "hgx-h100-s02", h, gpu="NVIDIA H100 80GB HBM3", driver="550.90.07")
    bad = h[1]
    am(c, "TrainingStepTimeHigh", "warning", {"training_job": "phi-mm-14b-sft", "namespace": "training", "job": "train-exporter"},
       "Step time of phi-mm-14b-sft is 63% above its 1h baseline",
       "Training job phi-mm-14b-sft: mean step time 2.05s over 10m vs 1.26s baseline (value: 1.63).",
       "avg_over_time(training_step_time_seconds[10m]) / avg_over_time(training_step_time_seconds[1h] offset 10m) > 1.3",
       runbook=RUNBOOK + "step-time")
    for host in h:
        node_series(c, "node_cpu_scaling_frequency_hertz", host, lambda s, host=host: 8.0e8 if host == bad else 3.5e9 + c.rng.uniform(-1e8, 1e8), 0, {"cpu": "0"})
        dcgm(c, "DCGM_FI_DEV_GPU_UTIL", host, lambda gi, s, host=host: (52 if host == bad else 88) + c.rng.uniform(-4, 4), gpus=[0, 1, 2, 3])
    job_series(c, "training_rank_forward_backward_seconds", "phi-mm-14b-sft", lambda s: 2.0 + c.rng.uniform(-0.05, 0.05), 3, {"host": bad})
    job_series(c, "training_rank_forward_backward_seconds", "phi-mm-14b-sft", lambda s: 1.2 + c.rng.uniform(-0.05, 0.05), 3, {"host": h[0]})
    c.log("%s/shell" % bad, [
        "$ cpupower frequency-info | grep -E 'governor|current CPU'",
        "  The governor \"powersave\" may decide which speed to use",
        "  current CPU frequency: 800 MHz (asserted by call to kernel)",
        "$ cat /sys/devices/system/cpu/cpu0/cpufreq/scaling_driver", "intel_pstate",
        "$ sudo dmidecode -s bios-version", "2.4.1 (flashed %s)" % c.ymd(-3 * 3600).split()[0]] + kernel_noise(c, bad, 8, -1100, -30))
    c.log("training/phi-mm-14b-sft/rank0", steps_log(c, -500, 14, 31200, step_s=2.05))
    for host in (bad, h[0]):
        c.gemm("gpu.gemm@%s/gpu0" % host)
    return c


def case24():
    """GPU-utilisation alert; the input pipeline starves every rank (data wait dominates)."""
    h = ["gpu-h200-d%02d" % i for i in range(1, 3)]
    c = mk("case-rl9-24", "dataloader_stall", "job", h, driver="560.35.03")
    am(c, "TrainingGPUUtilizationLow", "warning", {"training_job": "siglip-so400m-pt", "namespace": "training", "job": "train-exporter"},
       "GPUs of siglip-so400m-pt are underutilised",
       "Average GPU utilisation of siglip-so400m-pt is 31% over 15m.",
       "avg by (exported_pod) (DCGM_FI_DEV_GPU_UTIL{exported_namespace=\"training\"}) < 40",
       runbook=RUNBOOK + "gpu-util")
    for host in h:
        dcgm(c, "DCGM_FI_DEV_GPU_UTIL", host, lambda gi, s: (92 if s < -900 else 31) + c.rng.uniform(-10, 10))
        node_series(c, "node_load1", host, lambda s: 12 + c.rng.uniform(-2, 2))
    job_series(c, "training_data_wait_seconds", "siglip-so400m-pt", lambda s: (0.02 if s < -900 else 1.9) + c.rng.uniform(0, 0.1))
    lines = steps_log(c, -1100, 6, 9000, step_s=0.95)
    lines += ["INFO: resumed from checkpoint step 9006; dataloader config: num_workers=2 (was 16; changed in %s), prefetch_factor=2, webdataset shards s3://laion-x/{000000..047999}.tar" % "commit 4be1c2a",
              "WARNING: step 9010: data wait 1.93s of 2.71s step (71%); decode workers 2/2 busy"]
    lines += steps_log(c, -850, 12, 9011, step_s=2.7, tok=None)
    lines += ["[%s] profiler: top stack (rank 0, 30 s): 71.2%% DataLoader.__next__ -> _MultiProcessingDataLoaderIter._get_data, 22.9%% forward/backward, 0.4%% nccl" % c.ymd(-30)]
    c.log("training/siglip-so400m-pt/rank0", lines)
    return c


def case25():
    """NCCL watchdog alert; rank 0 is blocked writing a checkpoint to an NFS server that stopped answering."""
    h = ["hgx-h200-n%02d" % i for i in range(1, 5)]
    c = mk("case-rl9-25", "storage_failure", "job", h, driver="550.127.05")
    host = h[0]
    am(c, "NCCLWatchdogTimeout", "critical", {"training_job": "codellama-34b-cpt", "namespace": "training", "job": "train-log-metrics"},
       "NCCL watchdog timeouts in codellama-34b-cpt",
       "31 ranks of codellama-34b-cpt logged 'Watchdog caught collective operation timeout' in the last 5m.",
       "sum by (training_job) (increase(nccl_watchdog_timeouts_total[5m])) > 0", runbook=RUNBOOK + "nccl-timeout")
    lines = ["[%s] INFO saving checkpoint iter_0042000 to /mnt/ckpt/codellama-34b-cpt (rank 0 gathers, async=False)" % c.ymd(-640)]
    for r in (1, 9, 31):
        lines += watchdog(c, r, -30 + r * 0.01, 210044, op="BROADCAST")
    c.log("training/codellama-34b-cpt/ranks", lines)
    jl = kernel_noise(c, host, 8, -1100, -30)
    jl += [jlog(c, host, -610, "kernel: nfs: server ckpt-nfs-02.storage.internal not responding, still trying"),
           jlog(c, host, -420, "kernel: INFO: task pt_main_thread:88120 blocked for more than 122 seconds."),
           jlog(c, host, -420, "kernel:       Tainted: P           OE      6.5.0-1025-nvidia #26-Ubuntu"),
           jlog(c, host, -420, "kernel: \"echo 0 > /proc/sys/kernel/hung_task_timeout_secs\" disables this message."),
           jlog(c, host, -420, "kernel: task:pt_main_thread  state:D stack:0     pid:88120 ppid:88011  flags:0x00004002"),
           jlog(c, host, -420, "kernel:  nfs_wait_bit_killable+0x1e/0xa0 [nfs]")]
    c.log("%s/journal" % host, jl)
    c.log("%s/shell" % h[2], ["$ timeout 5 stat /mnt/ckpt/codellama-34b-cpt", "(no output: timed out after 5 s)",
                              "$ dmesg | grep -c 'ckpt-nfs-02.storage.internal not responding'", "3"])
    for hh in h:
        node_series(c, "node_nfs_requests_total", hh, lambda s: 1.2e7 + (s + 1200) * 40 if s < -620 else 1.2e7 + 580 * 40, 0, {"method": "Write", "proto": "3"})
    return c


def case26():
    """Job-failed alert at start-up: the container's torch was built for NCCL 2.21 but LD_LIBRARY_PATH loads 2.18."""
    h = ["gpu-h100-w%02d" % i for i in range(1, 3)]
    c = mk("case-rl9-26", "launch_config_error", "job", h, gpu="NVIDIA H100 80GB HBM3", driver="550.90.07")
    am(c, "KubeJobFailed", "warning", {"job_name": "bert-mlm-repro-31", "namespace": "training", "job": "kube-state-metrics",
                                       "container": "kube-state-metrics", "service": "prometheus-kube-state-metrics"},
       "Job failed to complete.",
       "Job training/bert-mlm-repro-31 failed to complete. Removing failed job after investigation should clear this alert.",
       "kube_job_failed{job=\"kube-state-metrics\",namespace=~\".*\"} > 0",
       runbook="https://runbooks.prometheus-operator.dev/runbooks/kubernetes/kubejobfailed")
    c.series("kube_job_failed", {"job_name": "bert-mlm-repro-31", "namespace": "training", "condition": "true"}, lambda s: 0 if s < -300 else 1, 0)
    host = h[0]
    lines = ["+ export LD_LIBRARY_PATH=/opt/nccl-2.18.3/lib:/usr/local/cuda/lib64",
             "+ torchrun --nnodes 2 --nproc-per-node 8 train.py --config configs/repro31.yaml",
             "Traceback (most recent call last):",
             "  File \"/app/train.py\", line 3, in <module>",
             "    import torch",
             "  File \"/usr/local/lib/python3.11/dist-packages/torch/__init__.py\", line 367, in <module>",
             "    from torch._C import *  # noqa: F403",
             "ImportError: /usr/local/lib/python3.11/dist-packages/torch/lib/libtorch_cuda.so: undefined symbol: ncclCommSplit",
             "$ python -c 'import torch; print(torch.__version__, torch.cuda.nccl.version())'  # with LD_LIBRARY_PATH unset",
             "2.5.1+cu124 (2, 21, 5)",
             "$ ls /opt/nccl-2.18.3/lib", "libnccl.so  libnccl.so.2  libnccl.so.2.18.3"]
    lines += elastic_failure(c, -320, host, 0, 0, 1)
    c.log("training/bert-mlm-repro-31/worker-0", lines)
    c.log("scheduler/events", ["%s Warning BackoffLimitExceeded job/bert-mlm-repro-31 Job has reached the specified backoff limit" % c.iso(-300),
                               "%s Normal  SuccessfulCreate    job/bert-mlm-repro-31 Created pod: bert-mlm-repro-31-worker-0" % c.iso(-900)])
    return c


def case27():
    """All-reduce bandwidth canary alert; one GPU has NVLink links down."""
    h = ["dgx-h200-q%02d" % i for i in range(1, 3)]
    c = mk("case-rl9-27", "nvlink_error", "dgx-h200-q02/gpu3", h, driver="570.86.15")
    host, g = h[1], 3
    am(c, "NCCLTestsBusBandwidthLow", "warning", {"instance": host, "job": "nccl-canary", "collective": "all_reduce_perf", "scope": "intra-node"},
       "Intra-node all-reduce bandwidth low on %s" % host,
       "nccl-tests all_reduce_perf on %s (8 GPUs, 1 GiB) measured busbw 96.3 GB/s (expected > 300)." % host,
       "nccl_canary_busbw_gbytes_per_second{collective=\"all_reduce_perf\",scope=\"intra-node\"} < 300", runbook=RUNBOOK + "nccl-canary")
    for hh in h:
        c.series("nccl_canary_busbw_gbytes_per_second", {"instance": hh, "job": "nccl-canary", "collective": "all_reduce_perf", "scope": "intra-node"},
                 lambda s, hh=hh: (96 if (hh == host and s > -400) else 412) + c.rng.uniform(-4, 4), 1)
    dcgm(c, "DCGM_FI_DEV_NVLINK_BANDWIDTH_TOTAL", host, lambda gi, s: (0.9e5 if (gi == g and s > -400) else 3.9e5) + c.rng.uniform(-5e3, 5e3))
    c.log("%s/nvlink" % host, [
        "$ nvidia-smi nvlink -s -i %d" % g, "GPU %d: NVIDIA H200 (UUID: %s)" % (g, c.uuid(host, g))] +
        ["	 Link %d: %s" % (k, "<inactive>" if k in (2, 3, 4, 5, 8, 9, 10, 11, 12, 13, 16, 17) else "26.562 GB/s") for k in range(18)] +
        ["$ nvidia-smi nvlink -s -i 2 | grep -c inactive", "0"] + kernel_noise(c, host, 4, -1100, -30))
    c.health("gpu.health@%s/gpu%d" % (host, g), nvlink_links_up=6)
    c.nccl("nccl.allreduce@%s" % host, busbw=96.3)
    c.nccl("nccl.allreduce@%s" % h[0])
    return c


def case28():
    """dcgm-exporter target down on one node; the exporter died because a GPU fell off the bus."""
    h = ["hgx-h200-%03d" % i for i in range(511, 515)]
    c = mk("case-rl9-28", "gpu_fallen_off_bus", "hgx-h200-513/gpu6", h, driver="550.127.05")
    host, g = h[2], 6
    am(c, "TargetDown", "warning", {"job": "nvidia-dcgm-exporter", "namespace": "gpu-operator", "service": "nvidia-dcgm-exporter"},
       "One or more targets are unreachable.",
       "25% of the nvidia-dcgm-exporter/nvidia-dcgm-exporter targets in gpu-operator namespace are down.",
       "100 * (count(up == 0) BY (cluster, job, namespace, service) / count(up) BY (cluster, job, namespace, service)) > 10",
       runbook="https://runbooks.prometheus-operator.dev/runbooks/general/targetdown")
    for hh in h:
        c.series("up", {"instance": "10.42.%d.7:9400" % (sum(map(ord, hh)) % 250), "job": "nvidia-dcgm-exporter", "Hostname": hh},
                 lambda s, hh=hh: 0 if (hh == host and s > -780) else 1, 0)
    c.log("%s/pod/gpu-operator/nvidia-dcgm-exporter" % host, [
        "time=\"%s\" level=info msg=\"Starting dcgm-exporter\" version=4.1.1-4.0.4" % c.iso(-760),
        "time=\"%s\" level=info msg=\"DCGM successfully initialized!\"" % c.iso(-759),
        "time=\"%s\" level=error msg=\"Failed to watch metrics: Error watching fields: GPU is lost\"" % c.iso(-758),
        "time=\"%s\" level=fatal msg=\"Error getting device busid: GPU is lost\" gpu=%d" % (c.iso(-758), g)])
    jl = kernel_noise(c, host, 13, -1100, -30)
    jl += [nvrm(c, host, -800, g, 79, "GPU has fallen off the bus."),
           jlog(c, host, -800, "kernel: NVRM: GPU %s.0: GPU has fallen off the bus." % c.bus(g)),
           jlog(c, host, -799, "kernel: NVRM: A GPU crash dump has been created. If possible, please run"),
           jlog(c, host, -770, "kubelet[2977]: I prober.go:107] \"Probe failed\" probeType=\"Liveness\" pod=\"gpu-operator/nvidia-dcgm-exporter-7kq2x\" containerName=\"nvidia-dcgm-exporter\""),
           jlog(c, host, -600, "kubelet[2977]: E pod_workers.go:1298] \"Error syncing pod, skipping\" err=\"failed to \\\"StartContainer\\\" for \\\"nvidia-dcgm-exporter\\\" with CrashLoopBackOff\"")]
    c.log("%s/journal" % host, jl)
    c.inventory("gpu.inventory@%s/gpu%d" % (host, g), count=7, details={"driver": c.driver, "missing_bus_ids": [c.bus(g) + ".0"]})
    return c


def case29():
    """Pod crash-loop alert on a trainer; the cause is uncorrectable ECC on one GPU (Xid 95)."""
    h = ["hgx-h200-u%02d" % i for i in range(1, 5)]
    c = mk("case-rl9-29", "gpu_memory_uncorrectable_ecc", "hgx-h200-u04/gpu2", h, driver="565.57.01")
    host, g = h[3], 2
    am(c, "KubePodCrashLooping", "warning", {"namespace": "training", "pod": "mamba2-hybrid-pt-worker-3", "container": "trainer",
                                             "job": "kube-state-metrics", "reason": "CrashLoopBackOff"},
       "Pod is crash looping.",
       "Pod training/mamba2-hybrid-pt-worker-3 (trainer) is in waiting state (reason: \"CrashLoopBackOff\").",
       "max_over_time(kube_pod_container_status_waiting_reason{reason=\"CrashLoopBackOff\", job=\"kube-state-metrics\"}[5m]) >= 1",
       runbook="https://runbooks.prometheus-operator.dev/runbooks/kubernetes/kubepodcrashlooping")
    dcgm(c, "DCGM_FI_DEV_ECC_DBE_VOL_TOTAL", host, lambda gi, s: (1 if s > -1000 else 0) if gi == g else 0)
    dcgm(c, "DCGM_FI_DEV_XID_ERRORS", host, lambda gi, s: (95 if s > -1000 else 0) if gi == g else 0)
    c.log("training/mamba2-hybrid-pt-worker-3/trainer", [
        "[rank26]: RuntimeError: CUDA error: uncorrectable ECC error encountered",
        "[rank26]: CUDA kernel errors might be asynchronously reported at some other API call, so the stacktrace below might be incorrect.",
        "[rank26]: (restart 1) CUDA error: uncorrectable ECC error encountered",
        "[rank26]: (restart 2) torch.cuda.init(): CUDA call failed lazily at initialization with error: uncorrectable ECC error encountered"])
    jl = kernel_noise(c, host, 15, -1100, -30)
    jl += [nvrm(c, host, -1010, g, 95, "Uncontained: FBHUB. RST: Yes, D-RST: No", pid=50911, name="pt_main_thread"),
           jlog(c, host, -1009, "kernel: NVRM: GPU at PCI:%s: GPU-%s" % (c.bus(g), c.uuid(host, g)[4:])),
           jlog(c, host, -1008, "kernel: NVRM: GPU Board Serial Number: 1653224%06d" % c.rng.randrange(999999)),
           jlog(c, host, -400, "kubelet[3011]: I kuberuntime_manager.go:1050] \"Back-off restarting failed container\" containerName=\"trainer\" pod=\"training/mamba2-hybrid-pt-worker-3\"")]
    c.log("%s/journal" % host, jl)
    c.health("gpu.health@%s/gpu%d" % (host, g), ecc_dbe_volatile=1, remap_pending=1, xid_last=95)
    return c


def case30():
    """Filesystem filling alert on a node's local NVMe; checkpoint writes fail with ENOSPC."""
    h = ["gpu-h100-%03d" % i for i in range(90, 94)]
    c = mk("case-rl9-30", "storage_failure", "gpu-h100-092", h, gpu="NVIDIA H100 80GB HBM3", driver="550.90.07")
    host = h[2]
    am(c, "NodeFilesystemAlmostOutOfSpace", "critical", {"instance": "%s:9100" % host, "job": "node-exporter", "device": "/dev/md0",
                                                         "fstype": "xfs", "mountpoint": "/local_nvme"},
       "Filesystem has less than 3% space left.",
       "Filesystem on /dev/md0 at %s:9100 has only 0.41%% available space left." % host,
       "(node_filesystem_avail_bytes{job=\"node-exporter\",fstype!=\"\",mountpoint!=\"\"} / node_filesystem_size_bytes{job=\"node-exporter\",fstype!=\"\",mountpoint!=\"\"} * 100 < 3 and node_filesystem_readonly{job=\"node-exporter\",fstype!=\"\",mountpoint!=\"\"} == 0)",
       runbook="https://runbooks.prometheus-operator.dev/runbooks/node/nodefilesystemalmostoutofspace")
    size = 2.8e13
    node_series(c, "node_filesystem_avail_bytes", host, lambda s: max(1.1e11, size * (0.1 - 0.1 * (s + 1200) / 900)), 0,
                {"device": "/dev/md0", "fstype": "xfs", "mountpoint": "/local_nvme"})
    lines = ["[%s] INFO saving shard-local checkpoint to /local_nvme/ckpt/step_18000 (staging before upload)" % c.ymd(-200),
             "[rank%d]: OSError: [Errno 28] No space left on device: '/local_nvme/ckpt/step_18000/__3_0.distcp'" % c.rank_of(host, 3),
             "[rank%d]: torch.distributed.checkpoint.api.CheckpointException: CheckpointException ranks:dict_keys([16, 17, 18, 19, 20, 21, 22, 23])" % c.rank_of(host, 0),
             "$ du -sh /local_nvme/ckpt/* | sort -h | tail -3", "3.1T	/local_nvme/ckpt/step_16000", "3.1T	/local_nvme/ckpt/step_17000", "1.4T	/local_nvme/ckpt/step_18000",
             "$ systemctl status ckpt-uploader", "  Active: failed (Result: exit-code) since %s" % c.ymd(-5000),
             "INFO: other nodes: /local_nvme usage 41-44% (their uploader is active)"]
    c.log("training/gpt-j-ckpt-test/ranks", lines)
    c.log("%s/journal" % host, kernel_noise(c, host, 15, -1100, -30) + [
        jlog(c, host, -5000, "systemd[1]: ckpt-uploader.service: Main process exited, code=exited, status=1/FAILURE")])
    return c


CASES = [case01, case02, case03, case04, case05, case06, case07, case08, case09, case10,
         case11, case12, case13, case14, case15, case16, case17, case18, case19, case20,
         case21, case22, case23, case24, case25, case26, case27, case28, case29, case30]


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default=HERE)
    args = ap.parse_args(argv)
    cases = []
    for fn in CASES:
        c = fn()
        c.with_topology()
        cases.append(c)
    n = write_cases(cases, args.out)
    print("wrote %d cases to %s" % (n, args.out))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
