# A node's exporters as Prometheus scrapes them on day one, for tests/serve_day_one_live_test.sh
# (Python stdlib):
#   python3 tests/lib/day_one_exporter.py PORT ROLE HOST FAULTS_FILE
# ROLE `dcgm`: dcgm-exporter with its Kubernetes pod mapping on HOST's 2 GPUs (DCGM_FI_DEV_GPU_TEMP,
# _XID_ERRORS, _ECC_DBE_VOL_TOTAL, _ROW_REMAP_FAILURE, _CLOCK_THROTTLE_REASONS,
# _NVLINK_CRC_FLIT_ERROR_COUNT_TOTAL; labels gpu, UUID, Hostname, modelName, pod, namespace,
# container). ROLE `train`: the trainer's metrics of HOST's 2 ranks (node-a: ranks 0, 1; node-b: 2,
# 3): train_loss, grad_norm, tokens_per_sec, mfu, compute_ms, nccl_busbw_gbps, labelled rank. The
# scrape config gives `job` and `instance`. Values are healthy with a little noise; FAULTS_FILE
# (JSON, read at every scrape, missing or unreadable = {}) overrides them:
#   {"METRIC HOST GPU": value, ...}   (a DCGM series; METRIC RANK for a trainer's: "grad_norm 3")
#   {"pod": "llm-1"}                  (the pod every GPU's series is labelled with; default llm-0)
# Serves GET /-/ready ("ok", for lib/prometheus.sh's start_ready). Loopback only; no access log.
import json
import math
import random
import sys
import time

from exporter_http import serve

port, role, host, faults_file = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
start = time.time()
gpus = ("0", "1")
ranks = ("0", "1") if host == "node-a" else ("2", "3")


def faults():
    try:
        with open(faults_file) as f:
            return json.load(f)
    except (OSError, ValueError):
        return {}


def dcgm(f):
    out = []
    pod = f.get("pod", "llm-0")
    for metric, kind in (("DCGM_FI_DEV_GPU_TEMP", "gauge"), ("DCGM_FI_DEV_XID_ERRORS", "gauge"),
                         ("DCGM_FI_DEV_ECC_DBE_VOL_TOTAL", "counter"), ("DCGM_FI_DEV_ROW_REMAP_FAILURE", "gauge"),
                         ("DCGM_FI_DEV_CLOCK_THROTTLE_REASONS", "gauge"),
                         ("DCGM_FI_DEV_NVLINK_CRC_FLIT_ERROR_COUNT_TOTAL", "counter")):
        out.append(f"# TYPE {metric} {kind}")
        for g in gpus:
            v = {"DCGM_FI_DEV_GPU_TEMP": 60 + random.gauss(0, 0.5), "DCGM_FI_DEV_NVLINK_CRC_FLIT_ERROR_COUNT_TOTAL": 1000,
                 "DCGM_FI_DEV_CLOCK_THROTTLE_REASONS": 0x4}.get(metric, 0)
            v = f.get(f"{metric} {host} {g}", v)
            labels = (f'gpu="{g}",UUID="GPU-{host}-{g}",Hostname="{host}",modelName="NVIDIA H100 80GB HBM3",'
                      f'pod="{pod}",namespace="ml",container="trainer"')
            out.append(f"{metric}{{{labels}}} {v}")
    return out


def train(f):
    out = []
    minutes = (time.time() - start) / 60
    for metric in ("train_loss", "grad_norm", "tokens_per_sec", "mfu", "compute_ms", "nccl_busbw_gbps"):
        out.append(f"# TYPE {metric} gauge")
        for r in ranks:
            v = {"train_loss": 3.0 * math.exp(-minutes / 300) + 0.5 + random.gauss(0, 0.01),
                 "grad_norm": 1.0 + random.gauss(0, 0.05), "tokens_per_sec": 50000 + random.gauss(0, 500),
                 "mfu": 0.45 + random.gauss(0, 0.004), "compute_ms": 200 + random.gauss(0, 3),
                 "nccl_busbw_gbps": 180 + random.gauss(0, 2)}[metric]
            v = f.get(f"{metric} {r}", v)
            out.append(f'{metric}{{rank="{r}"}} {v}')
    return out


serve(port, lambda: "\n".join(dcgm(faults()) if role == "dcgm" else train(faults())) + "\n")
