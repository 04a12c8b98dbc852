#!/usr/bin/env python3
"""realistic13: gray failures, misleading loud lines and decisive facts in odd shapes (stdlib only).

Writes case-rl13-01.json ... case-rl13-30.json here (or `--out DIR`); `--table` prints the answer key
each case's `expected` is checked against (decisive details: README.md). Deterministic (casekit.Case).
"""

import argparse
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))

import casekit as ck  # noqa: E402
from casekit import Case  # noqa: E402

H100 = "NVIDIA H100 80GB HBM3"
H200 = "NVIDIA H200"
GB200 = "NVIDIA GB200"
# GB200 compute tray: 4 GPUs, figures rounded from public numbers (not in casekit).
ck.EXTRA_GPU_SPECS.setdefault(GB200, dict(gemm=2150.0, gemm_min=1800.0, hbm=7200.0, hbm_min=6200.0,
                                          tdp=1200.0, clock=2062.0, mem_gib=186))

# case number -> (first evidence, root cause, component, confounder); the decisive detail of each case
# is in README.md's table, written before the run.
META = {}
CASES = []


def case(n, first, rc, comp, conf=False):
    def deco(fn):
        META[n] = (first, rc, comp, conf)
        CASES.append((n, fn))
        return fn
    return deco


# ------------------------------------------------------------------------- helpers (no answers)
def cid(n):
    return "case-rl13-%02d" % n


def new(n, hosts, gpu=H100, **kw):
    return Case(cid(n), META[n][1], META[n][2], hosts=hosts, gpu=gpu, **kw)


def jrn(c, host, s, text):
    return "%s %s %s" % (c.syslog(s), host, text)


def nvrm(c, g, num, text, pid=None, bus=None):
    pid = pid if pid is not None else c.rng.randrange(20000, 400000)
    return "kernel: NVRM: Xid (PCI:%s): %d, pid=%s, name=python3, %s" % (bus or c.bus(g), num, pid, text)


def slurm_t(c, s):
    return c.at(s).strftime("%Y-%m-%dT%H:%M:%S") + ".%03d" % c.rng.randrange(1000)


def k8s_age(s):
    m = int(-s // 60)
    return "%dm" % m if m < 60 else "%dh%dm" % (m // 60, m % 60)


def page(c, *args, **kw):
    """One firing alert as the webhook carries it (casekit), from this cluster's Prometheus."""
    ck.webhook_alert(c, *args, prometheus="http://prometheus-k8s.monitoring:9090", **kw)


def dcgm_lab(c, host, g, **extra):
    d = {"Hostname": host, "gpu": str(g), "UUID": c.uuid(host, g)}
    d.update({k: str(v) for k, v in extra.items()})
    return d


def per_gpu(c, name, host, fn, gpus=None, decimals=1):
    """One DCGM series per GPU of `host`; fn(g, s) -> value or None."""
    for g in (range(c.gpus) if gpus is None else gpus):
        c.series(name, dcgm_lab(c, host, g), lambda s, g=g: fn(g, s), decimals)


def jit(c, v, d):
    return v + c.rng.uniform(-d, d)


def srun_label(rank, line):
    return "%d: %s" % (rank, line)


def wd_short(c, rank, s, seq, op="ALLREDUCE", numel=134217728, timeout_ms=600000, pg="0 (default_pg)"):
    """The first watchdog line PyTorch 2.4+ prints for a timed-out collective."""
    return ("[rank%d]:[%s ProcessGroupNCCL.cpp:632] [PG ID %s Rank %d] Watchdog caught collective operation "
            "timeout: WorkNCCL(SeqNum=%d, OpType=%s, NumelIn=%d, NumelOut=%d, Timeout(ms)=%d) ran for %d "
            "milliseconds before timing out." % (rank, c.glog(s, "E"), pg, rank, seq, op, numel, numel,
                                                timeout_ms, timeout_ms + c.rng.randrange(10, 300)))


def titan(c, s, step, loss, mem, tps, rank=0, extra=""):
    return "[rank%d]:[titan] %s - root - INFO - step: %d  loss: %7.4f  memory: %.2fGiB(%.2f%%)  tps: %s%s" % (
        rank, c.ymd_ms(s), step, loss, mem, mem / 139.8 * 100, "{:,}".format(int(tps)), extra)


def smi_L(c, host):
    return ["GPU %d: %s (UUID: %s)" % (g, c.gpu, c.uuid(host, g)) for g in range(c.gpus)]


# ------------------------------------------------------------------------- the cases
@case(1, "logs", "gpu_fallen_off_bus", "a3u-h200-033/gpu6", conf=True)
def c01(n):
    hosts = ["a3u-h200-%03d" % i for i in range(31, 35)]
    c = new(n, hosts, H200)
    c.with_topology()
    bad, g, r = "a3u-h200-033", 6, 22
    out = [srun_label(0, x) for x in ck.megatron_iters(c, -1500, 2, 77120, step_s=5.6, total_it=250000)]
    for rk in (0, 9, 23, 31):
        out.append(srun_label(rk, wd_short(c, rk, -2 + 0.01 * rk, 493881)))
    out += [srun_label(0, "[rank0]:[E%s ProcessGroupNCCL.cpp:1834] [PG ID 0 PG GUID 0(default_pg) Rank 0] "
                          "Timeout at NCCL work: 493881, last enqueued NCCL work: 493881, last completed NCCL "
                          "work: 493880." % c.glog(0)[1:]),
            "srun: error: a3u-h200-031: tasks 0-7: Exited with exit code 1",
            "srun: error: a3u-h200-032: tasks 8-15: Exited with exit code 1",
            "srun: error: a3u-h200-034: tasks 24-31: Exited with exit code 1",
            "srun: error: a3u-h200-033: tasks 16-21,23: Exited with exit code 1",
            "srun: Job step aborted: Waiting up to 32 seconds for job step to finish.",
            "slurmstepd: error: *** STEP 6120331.0 ON a3u-h200-031 CANCELLED AT %s DUE TO TASK FAILURE ***" % slurm_t(c, 40),
            "srun: error: a3u-h200-033: task 22: Killed"]
    c.log("slurm-6120331.out", out)
    c.log("slurmctld.log", [
        "[%s] _job_complete: JobId=6120331 WEXITSTATUS 1" % slurm_t(c, 75),
        "[%s] error: _slurm_rpc_epilog_complete: JobId=6120331 epilog error on a3u-h200-033, draining the node" % slurm_t(c, 118),
        "[%s] update_node: node a3u-h200-033 reason set to: Epilog error" % slurm_t(c, 118),
        "[%s] update_node: node a3u-h200-033 state set to DRAINING" % slurm_t(c, 118),
        "[%s] _job_complete: JobId=6120331 done" % slurm_t(c, 119),
    ])
    c.log("a3u-h200-033/slurmd.log", [
        "[%s] [6120331.extern] done with job" % slurm_t(c, 80),
        "[%s] epilog for job 6120331 ran for 31 seconds" % slurm_t(c, 117),
        "[%s] error: /etc/slurm/epilog.d/50-gpu-check.sh: exited with status 0x0100" % slurm_t(c, 117),
        "[%s] epilog output: gpu-check: expected 8 GPUs, nvidia-smi lists 7" % slurm_t(c, 117),
        "[%s] epilog output: Unable to determine the device handle for GPU0000:BA:00.0: GPU is lost.  Reboot the system to recover this GPU" % slurm_t(c, 117),
        "[%s] error: [job 6120331] epilog failed status=1:0" % slurm_t(c, 117),
    ])
    c.log("ops/sinfo", ["$ sinfo -R -n a3u-h200-033",
                        "REASON               USER      TIMESTAMP           NODELIST",
                        "Epilog error         root      %s a3u-h200-033" % c.at(118).strftime("%Y-%m-%dT%H:%M:%S")])
    return c


@case(2, "alert", "gpu_fallen_off_bus", "k8s-h100-pool2-07/gpu2")
def c02(n):
    host = "k8s-h100-pool2-07"
    c = new(n, ["k8s-h100-pool2-%02d" % i for i in range(5, 9)], H100, step_s=120, window_s=600)
    g = 2
    page(c, "KubeNodeGPUAllocatableBelowCapacity", "Node %s: 7 of 8 nvidia.com/gpu allocatable" % host,
         {"node": host, "resource": "nvidia_com_gpu", "namespace": "kube-system", "job": "kube-state-metrics"},
         'kube_node_status_allocatable{resource="nvidia_com_gpu"} < kube_node_status_capacity{resource="nvidia_com_gpu"}',
         description="Fewer GPUs can be scheduled on the node than it has; pods asking for 8 stay Pending.")
    per_gpu(c, "DCGM_FI_DEV_GPU_UTIL", host,
            lambda gg, s: None if (gg == g and s > -380) else jit(c, 97, 2), decimals=0)
    c.log("kube-system/nvidia-device-plugin-daemonset-x7k2q", [
        "I%s 1 main.go:317] Starting Plugins." % c.glog(-86000)[1:],
        "I%s 1 server.go:146] Starting to serve 'nvidia.com/gpu' on /var/lib/kubelet/device-plugins/nvidia-gpu.sock" % c.glog(-86000)[1:],
        "I%s 1 server.go:153] Registered device plugin for 'nvidia.com/gpu' with Kubelet" % c.glog(-86000)[1:],
        "I%s 1 health.go:121] Ignoring the following XIDs for health checks: map[13:true 31:true 43:true 45:true 68:true 109:true]" % c.glog(-86000)[1:],
        "I%s 1 health.go:159] Processing event {Device:{Handle:0xc000d2} EventType:8 EventData:79 GpuInstanceId:4294967295 ComputeInstanceId:4294967295}" % c.glog(-392)[1:],
        "I%s 1 health.go:185] XidCriticalError: Xid=79 on Device=%s; marking device as unhealthy." % (c.glog(-392)[1:], c.uuid(host, g)),
        "I%s 1 server.go:267] 'nvidia.com/gpu' device marked unhealthy: %s" % (c.glog(-392)[1:], c.uuid(host, g)),
    ])
    c.log("ops/kubectl", [
        "$ kubectl get events -n llm-train --sort-by=.lastTimestamp | tail -6",
        "LAST SEEN   TYPE      REASON                     OBJECT                         MESSAGE",
        "7m          Warning   BackOff                    pod/sft-70b-worker-2           Back-off restarting failed container pytorch in pod sft-70b-worker-2",
        "5m          Normal    Killing                    pod/sft-70b-worker-2           Stopping container pytorch",
        "4m          Warning   UnexpectedAdmissionError   pod/sft-70b-worker-2           Allocate failed due to requested number of devices unavailable for nvidia.com/gpu. Requested: 8, Available: 7, which is unexpected",
        "2m          Warning   FailedScheduling           pod/sft-70b-worker-2           0/12 nodes are available: 1 Insufficient nvidia.com/gpu, 11 node(s) didn't match pod anti-affinity rules.",
        "$ kubectl logs sft-70b-worker-2 --previous | tail -3",
        "[rank18]:[E%s ProcessGroupNCCL.cpp:1595] [PG ID 0 PG GUID 0(default_pg) Rank 18] Process group watchdog thread terminated with exception: CUDA error: unspecified launch failure" % c.glog(-395)[1:],
        "terminate called after throwing an instance of 'c10::DistBackendError'",
        "E%s 1 torch/distributed/elastic/multiprocessing/api.py:869] failed (exitcode: -6) local_rank: 2 (pid: 211) of binary: /usr/bin/python" % c.glog(-390)[1:],
        "$ kubectl get node %s -o jsonpath='{.status.capacity.nvidia\\.com/gpu} {.status.allocatable.nvidia\\.com/gpu}'" % host,
        "8 7",
        "$ kubectl get pods -n llm-train -o wide | grep sft-70b-worker-2",
        "sft-70b-worker-2   0/1     Pending   4 (5m ago)   3h12m   <none>   <none>   <none>   <none>",
    ])
    return c


@case(3, "logs", "gpu_memory_uncorrectable_ecc", "h200-k8s-b02/gpu5", conf=True)
def c03(n):
    hosts = ["h200-k8s-b%02d" % i for i in range(1, 5)]
    c = new(n, hosts, H200)
    c.with_topology(rank_layout_note="pod llama-ft-worker-i runs on nodes[i], ranks 8i..8i+7")
    bad, g = "h200-k8s-b02", 5
    lines = [titan(c, -900 + 60 * i, 4410 + 10 * i, 1.71 - 0.002 * i, 101.3, 3120 * c.rng.uniform(0.98, 1.02)) for i in range(8)]
    lines += [wd_short(c, 0, -3, 26613, op="_REDUCE_SCATTER_BASE"),
              "[rank0]:[E%s ProcessGroupNCCL.cpp:1834] [PG ID 0 PG GUID 0(default_pg) Rank 0] Timeout at NCCL work: 26613, last enqueued NCCL work: 26613, last completed NCCL work: 26612." % c.glog(-3)[1:],
              "[rank0]:[E%s ProcessGroupNCCL.cpp:1595] [PG ID 0 PG GUID 0(default_pg) Rank 0] Process group watchdog thread terminated with exception: [Rank 0] Watchdog caught collective operation timeout" % c.glog(-2)[1:],
              "E%s 84 torch/distributed/elastic/multiprocessing/api.py:869] failed (exitcode: -6) local_rank: 0 (pid: 212) of binary: /usr/bin/python3" % c.glog(10)[1:]]
    c.log("llm/llama-ft-worker-0/pytorch", lines)
    c.log("ops/kubectl", [
        "$ kubectl logs -n llm llama-ft-worker-1 -c pytorch --previous",
        "unable to retrieve container logs for containerd://7f3c2a91e0b4d8c6a1f2e3d4c5b6a7980f1e2d3c4b5a69788796a5b4c3d2e1f0",
        "$ kubectl get events -n llm --field-selector involvedObject.name=llama-ft-worker-1",
        "LAST SEEN   TYPE      REASON     OBJECT                  MESSAGE",
        "%-11s Warning   BackOff    pod/llama-ft-worker-1   Back-off restarting failed container pytorch in pod llama-ft-worker-1_llm" % k8s_age(-420),
        "$ kubectl get events -A --field-selector involvedObject.kind=Node,involvedObject.name=%s" % bad,
        "NAMESPACE   LAST SEEN   TYPE      REASON             OBJECT               MESSAGE",
        "default     %-11s Warning   GPUXidError        node/%s   kernel-monitor: NVRM: Xid (PCI:0000:ab:00): 95, pid=1432, name=python3, Uncontained: FBHUB. RST: Yes, D-RST: No (GPU %s)" % (k8s_age(-650), bad, c.uuid(bad, g)),
        "default     %-11s Warning   GPUUnhealthy       node/%s   nvidia-device-plugin: device %s marked unhealthy" % (k8s_age(-648), bad, c.uuid(bad, g)),
        "$ kubectl debug node/%s -it --image=nvcr.io/nvidia/cuda:12.6.3-base-ubuntu24.04 -- nvidia-smi -L" % bad,
    ] + smi_L(c, bad))
    return c


@case(4, "alert", "gpu_memory_uncorrectable_ecc", "sxm-h100-d4-17/gpu1")
def c04(n):
    host = "sxm-h100-d4-17"
    c = new(n, ["sxm-h100-d4-%02d" % i for i in range(11, 27)], H100, step_s=120, window_s=600)
    g = 1
    page(c, "TrainingJobRestarted", "run mixtral-ft-3 restarted (restart_count 3 -> 4)",
         {"job": "training-exporter", "run": "mixtral-ft-3", "slurm_job_id": "7710554", "team": "post-training"},
         'increase(train_restart_count{run="mixtral-ft-3"}[10m]) > 0', severity="info")
    c.series("train_restart_count", {"job": "training-exporter", "run": "mixtral-ft-3"},
             lambda s: 3 if s < -150 else 4, 0)
    per_gpu(c, "DCGM_FI_DEV_ECC_DBE_VOL_TOTAL", host, lambda gg, s: 1 if (gg == g and s >= -330) else 0, decimals=0)
    per_gpu(c, "DCGM_FI_DEV_XID_ERRORS", host, lambda gg, s: 94 if (gg == g and s >= -300) else 0, decimals=0)
    c.log("slurm-7710554.out", [srun_label(0, x) for x in ck.deepspeed_steps(c, -500, 5, 30211, step_s=60)] + [
        srun_label(0, wd_short(c, 0, -160, 188412)),
        "srun: error: sxm-h100-d4-17: tasks 48-55: Exited with exit code 1",
        "srun: error: sxm-h100-d4-11: tasks 0-7: Exited with exit code 1",
        "[auto-restart] %s job step failed; restarting from global_step30200 (restart 4 of 10)" % c.ymd(-150),
    ])
    c.log("ops/sacct", ["$ sacct -j 7710554 --format=JobID%16,State,ExitCode,Elapsed,NodeList%24 | tail -5",
                        "       JobID      State ExitCode    Elapsed                 NodeList",
                        "   7710554.0     FAILED      1:0   05:12:44  sxm-h100-d4-[11-26]",
                        "   7710554.1     FAILED      1:0   09:40:02  sxm-h100-d4-[11-26]",
                        "   7710554.2     FAILED      1:0   02:18:31  sxm-h100-d4-[11-26]",
                        "   7710554.3     FAILED      1:0   06:55:10  sxm-h100-d4-[11-26]",
                        "   7710554.4    RUNNING      0:0   00:02:20  sxm-h100-d4-[11-26]"])
    return c


@case(5, "alert", "gpu_row_remap_failure", "hgx-h100-r2-09/gpu3")
def c05(n):
    host = "hgx-h100-r2-09"
    c = new(n, ["hgx-h100-r2-%02d" % i for i in range(1, 17)], H100)
    g = 3
    page(c, "NodeGPUHealthCheckFailed", "GPU health check failed on %s (check dcgm_diag_r2)" % host,
         {"instance": "%s:9100" % host, "job": "node-exporter", "check": "dcgm_diag_r2", "cluster": "hgx-r2"},
         'gpu_healthcheck_ok{check="dcgm_diag_r2"} == 0', severity="critical",
         description="The hourly idle-node check failed; the node is drained by the check.")
    c.log("%s/gpu-healthcheck.log" % host, [
        "%s healthcheck: node idle since job 9031127 ended, running dcgmi diag -r 2 -j" % c.ymd(-420),
        '{ "DCGM GPU Diagnostic" : { "test_categories" : [',
        '  { "category" : "Deployment", "tests" : [ { "name" : "Denylist", "results" : [ { "status" : "Pass" } ] },',
        '      { "name" : "NVML Library", "results" : [ { "status" : "Pass" } ] },',
        '      { "name" : "Persistence Mode", "results" : [ { "status" : "Pass" } ] },',
        '      { "name" : "Environment Variables", "results" : [ { "status" : "Pass" } ] },',
        '      { "name" : "Page Retirement/Row Remap", "results" : [',
        '          { "gpu_id" : "0", "status" : "Pass" }, { "gpu_id" : "1", "status" : "Pass" }, { "gpu_id" : "2", "status" : "Pass" },',
        '          { "gpu_id" : "3", "status" : "Fail", "warnings" : [ { "warning" : "GPU 3 had uncorrectable memory errors and row remapping failed. Drain the GPU and reset it or reboot the node to resolve this issue.", "error_id" : 96, "error_category" : 2, "error_severity" : 2 } ] },',
        '          { "gpu_id" : "4", "status" : "Pass" }, { "gpu_id" : "5", "status" : "Pass" }, { "gpu_id" : "6", "status" : "Pass" }, { "gpu_id" : "7", "status" : "Pass" } ] } ] },',
        '  { "category" : "Integration", "tests" : [ { "name" : "PCIe", "results" : [ { "status" : "Skip", "info" : "Skipped due to a prior failure" } ] } ] },',
        '  { "category" : "Hardware", "tests" : [ { "name" : "GPU Memory", "results" : [ { "status" : "Skip" } ] } ] } ] },',
        '  "version" : "3.3.9" }',
        "%s healthcheck: FAIL dcgm_diag_r2 -> scontrol update nodename=%s state=drain reason=\"hc: dcgm diag r2\"" % (c.ymd(-300), host),
    ])
    c.log("%s/ops-shell" % host, [
        "$ journalctl -k --since -2h | grep -i xid",
        jrn(c, host, -2600, nvrm(c, g, 140, "ECC unrecovered error, Uncorrectable: DRAM, Bank 0x6, Row 0x1b2a0 - row remap failed")),
        jrn(c, host, -2599, "kernel: NVRM: Xid (PCI:%s): 154, GPU recovery action changed from 0x0 (None) to 0x1 (GPU Reset Required)" % c.bus(g)),
        "$ nvidia-smi -q -d ROW_REMAPPER -i 3",
        "GPU 00000000:5D:00.0",
        "    Remapped Rows",
        "        Correctable Error                 : 0",
        "        Uncorrectable Error               : 7",
        "        Pending                           : No",
        "        Remapping Failure Occurred        : Yes",
        "        Bank Remap Availability Histogram",
        "            Max                           : 0 bank(s)",
        "            High                          : 0 bank(s)",
        "            Partial                       : 0 bank(s)",
        "            Low                           : 0 bank(s)",
        "            None                          : 640 bank(s)",
    ])
    return c


@case(6, "logs", "gpu_firmware_error", "h200-gsp-n06/gpu5", conf=True)
def c06(n):
    hosts = ["h200-gsp-n%02d" % i for i in range(5, 9)]
    c = new(n, hosts, H200)
    c.with_topology()
    bad, g, r = "h200-gsp-n06", 5, 13
    out = [srun_label(0, x) for x in ck.megatron_iters(c, -78, 2, 40220, step_s=7.3)]
    out += [srun_label(r, x) for x in [
        "[rank13]: Traceback (most recent call last):",
        '[rank13]:   File "/workspace/megatron/training/training.py", line 1416, in train_step',
        "[rank13]:     losses_reduced = forward_backward_func(",
        "[rank13]: torch.AcceleratorError: CUDA error: unspecified launch failure",
        "[rank13]: CUDA kernel errors might be asynchronously reported at some other API call, so the stacktrace below might be incorrect.",
        "[rank13]: For debugging consider passing CUDA_LAUNCH_BLOCKING=1",
        "[rank13]: Compile with `TORCH_USE_CUDA_DSA` to enable device-side assertions."]]
    for rk in (2, 20, 29):
        out.append(srun_label(rk, wd_short(c, rk, -4 + 600, 912004)))
    out += ["srun: error: h200-gsp-n06: task 13: Exited with exit code 1",
            "srun: error: h200-gsp-n05: tasks 0-7: Exited with exit code 1"]
    c.log("slurm-2284417.out", out)
    c.log("%s/journal" % bad, ck.kernel_noise(c, bad, 3, -1500, 0) + [
        jrn(c, bad, -62, nvrm(c, g, 119, "Timeout after 45s of waiting for RPC response from GPU5 GSP! Expected function 76 (GSP_RM_CONTROL) (0x20800a4c 0x4).")),
        jrn(c, bad, -62, "kernel: NVRM: GPU5 GSP RPC buffer contains function 76 (GSP_RM_CONTROL) and data 0x0000000020800a4c 0x0000000000000004."),
        jrn(c, bad, -62, "kernel: NVRM: GPU5 RPC history (CPU -> GSP):"),
        jrn(c, bad, -61, "kernel: NVRM: Xid (PCI:%s): 154, GPU recovery action changed from 0x0 (None) to 0x2 (Node Reboot Required)" % c.bus(g)),
    ])
    c.log("ops/shell", [
        "$ timeout 60 nvidia-smi",
        "(no output after 60 s; exit 124)",
        "$ timeout 60 nvidia-smi -i 4 --query-gpu=index,pci.bus_id,temperature.gpu --format=csv,noheader",
        "4, 00000000:9A:00.0, 39",
    ])
    return c


@case(7, "alert", "nvlink_error", "dgx-h100-f3-12/gpu5")
def c07(n):
    hosts = ["dgx-h100-f3-%02d" % i for i in range(5, 13)]
    host, g = "dgx-h100-f3-12", 5
    c = new(n, hosts, H100, step_s=120, window_s=600)
    c.with_topology()
    page(c, "TrainingStepTimeRegression", "run dense-34b-v2: step time 3.91 s vs 7-day baseline 3.02 s",
         {"job": "training-exporter", "run": "dense-34b-v2", "slurm_job_id": "4419022"},
         'avg_over_time(train_step_seconds{run="dense-34b-v2"}[15m]) > 1.2 * avg_over_time(train_step_seconds{run="dense-34b-v2"}[7d] offset 1d)')
    c.series("train_step_seconds", {"job": "training-exporter", "run": "dense-34b-v2"}, lambda s: jit(c, 3.91, 0.05), 2)
    per_gpu(c, "DCGM_FI_PROF_NVLINK_TX_BYTES", host,
            lambda gg, s: jit(c, 6.1e10, 3e9) if gg == g else jit(c, 1.74e11, 6e9), decimals=0)
    lines = ["$ nvidia-smi nvlink -s -i 5", "GPU 5: NVIDIA H100 80GB HBM3 (UUID: %s)" % c.uuid(host, g)]
    for link in range(18):
        lines.append("\t Link %d: %s" % (link, "<inactive>" if link in (2, 3, 8, 9, 14, 15) else "26.562 GB/s"))
    lines += ["$ nvidia-smi nvlink -s -i 4 | grep -c inactive", "0",
              "$ journalctl -k -b | grep -ci xid", "0",
              "$ nvidia-smi nvlink -e -i 5 | grep -v ': 0$' | head -3",
              "GPU 5: NVIDIA H100 80GB HBM3 (UUID: %s)" % c.uuid(host, g)]
    c.log("%s/ops-shell" % host, lines)
    c.log("slurm-4419022.out", [srun_label(0, x) for x in ck.megatron_iters(c, -700, 2, 120400, step_s=3.9)] +
          ["0: [%s] straggler report: no rank slower than 0.95 of the median (min rank 37: 0.97)" % c.ymd(-200)])
    c.nccl("nccl.p2p_matrix@%s" % host, busbw=101.4,
           details={"slowest_pairs": "gpu5<->gpu0 101.4, gpu5<->gpu3 103.0, gpu5<->gpu7 104.8 GB/s; pairs without gpu5 >= 338 GB/s"})
    c.nccl("nccl.allreduce@%s" % host, busbw=212.5)
    c.health_rates("gpu.health@%s/gpu5" % host, nvlink_links_up=12)
    c.health_rates("gpu.health@%s/gpu4" % host)
    c.gemm("gpu.gemm@%s/gpu5" % host)
    return c


@case(8, "logs", "nvlink_error", "gb200-nvl72-r3-c07/gpu2", conf=True)
def c08(n):
    hosts = ["gb200-nvl72-r3-c%02d" % i for i in range(1, 19)]
    pci = ["0008:01", "0009:01", "0018:01", "0019:01"]
    c = new(n, hosts, GB200, gpus=4, pci=["01", "01", "01", "01"])
    c.with_topology(gpu_pci_bus={"gpu%d" % i: p + ":00.0" for i, p in enumerate(pci)}, nvlink_domain="NVL72 rack r3 (18 trays x 4 GPUs)")
    bad, g, r = "gb200-nvl72-r3-c07", 2, 26
    out = []
    for rk, peer in ((31, 26), (22, 26), (44, 26)):
        h = hosts[rk // 4]
        out.append(srun_label(rk, "%s:%d:%d [%d] NCCL WARN NET/IB : Got completion from peer 10.31.7.%d<%d> with status=5 opcode=1 len=0 vendor err 249 (Recv) localGid ::ffff:10.31.%d.%d remoteGids ::ffff:10.31.7.%d hca mlx5_%d" % (
            h, 7000 + rk, 7100 + rk, rk % 4, 70 + peer % 4, 43000 + rk, rk // 4 + 1, 70 + rk % 4, 70 + peer % 4, rk % 4)))
    out += [srun_label(r, x) for x in [
        "[rank26]:[E%s ProcessGroupNCCL.cpp:1896] [PG ID 0 PG GUID 0(default_pg) Rank 26] Process group watchdog thread terminated with exception: CUDA error: uncorrectable NVLink error detected during the execution" % c.glog(-31)[1:],
        "[rank26]: Exception raised from c10_cuda_check_implementation at /opt/pytorch/c10/cuda/CUDAException.cpp:43 (most recent call first):",
        "terminate called after throwing an instance of 'c10::DistBackendError'"]]
    for rk in (0, 40, 65):
        out.append(srun_label(rk, wd_short(c, rk, 570, 300551, op="ALLGATHER")))
    out += ["srun: error: gb200-nvl72-r3-c07: task 26: Aborted (core dumped)",
            "srun: error: gb200-nvl72-r3-c01: tasks 0-3: Exited with exit code 1"]
    c.log("slurm-1188301.out", out)
    c.log("%s/journal" % bad, ck.kernel_noise(c, bad, 3, -1500, 0) + [
        jrn(c, bad, -33, nvrm(c, g, 74, "NVLink: fatal error detected on link 7(0x0, 0x0, 0x10000, 0x0, 0x0, 0x0, 0x0)", pid=88101, bus=pci[g] + ":00")),
        jrn(c, bad, -33, "kernel: NVRM: Xid (PCI:%s:00): 74, pid=%d, name=python3, NVLink: link 7 (NVLink5) entered SAFE mode" % (pci[g], 88101)),
        jrn(c, bad, -20, "nvidia-imex[2731]: [node 7] peer gb200-nvl72-r3-c07 GPU 2 import of channel 12 failed: NVLink fabric link down"),
    ])
    c.log("%s/ops-shell" % bad, ["$ nvidia-smi nvlink -s -i 2", "GPU 2: NVIDIA GB200 (UUID: %s)" % c.uuid(bad, g)] +
          ["\t Link %d: %s" % (k, "<inactive>" if k == 7 else "50 GB/s") for k in range(18)] +
          ["$ nvidia-smi nvlink -s -i 1 | grep -c inactive", "0"])
    return c


@case(9, "alert", "gpu_thermal_throttle", "h200-sxm-e1-22/gpu1")
def c09(n):
    hosts = ["h200-sxm-e1-%02d" % i for i in range(15, 23)]
    host, g = "h200-sxm-e1-22", 1
    c = new(n, hosts, H200, step_s=120, window_s=600)
    c.with_topology()
    page(c, "TrainingMFULow", "run code-70b-ft MFU 31.2% (baseline 41%)",
         {"job": "training-exporter", "run": "code-70b-ft", "slurm_job_id": "5520876", "cluster": "e1"},
         'avg_over_time(train_mfu_percent{run="code-70b-ft"}[15m]) < 0.85 * avg_over_time(train_mfu_percent{run="code-70b-ft"}[1d] offset 1h)')
    hot = lambda s: s >= -420
    per_gpu(c, "DCGM_FI_DEV_CLOCKS_EVENT_REASONS", host, lambda gg, s: 32 if gg == g and hot(s) else 0, decimals=0)
    per_gpu(c, "DCGM_FI_DEV_SM_CLOCK", host, lambda gg, s: jit(c, 1410, 40) if gg == g and hot(s) else 1980, decimals=0)
    per_gpu(c, "DCGM_FI_DEV_MEMORY_TEMP", host, lambda gg, s: jit(c, 96.5, 0.6) if gg == g and hot(s) else jit(c, 61, 2), decimals=0)
    c.log("slurm-5520876.out", [srun_label(0, x) for x in ck.megatron_iters(c, -900, 2, 8810, step_s=6.4)] + [
        "0: [%s] StragglerDetector: rank 57 (%s, local 1) relative GPU performance 0.71; all other ranks >= 0.97" % (c.ymd(-300), host),
        "0: [%s] StragglerDetector: rank 57 (%s, local 1) relative GPU performance 0.70; all other ranks >= 0.97" % (c.ymd(-60), host),
    ] + ["0: " + x for x in ck.app_noise(c, 7)])
    c.log("ops/shell", ["$ squeue -j 5520876 -h -o '%N %M'", "h200-sxm-e1-[15-22] 1-02:41:17",
                        "$ ipmitool -H h200-sxm-e1-22-bmc sdr type Fan | awk -F'|' '{print $5}' | sort -u | head -2", " 11640 RPM", " 11760 RPM",
                        "$ ipmitool -H h200-sxm-e1-22-bmc sdr get 'Inlet Temp' | grep Reading", " Sensor Reading        : 22 (+/- 0) degrees C",
                        "$ sinfo -n h200-sxm-e1-22 -h -o '%T %E'", "allocated none"])
    return c


@case(10, "logs", "gpu_thermal_throttle", "xe9680-h100-0211", conf=True)
def c10(n):
    hosts = ["xe9680-h100-%04d" % i for i in range(208, 212)]
    host = "xe9680-h100-0211"
    c = new(n, hosts, H100)
    c.with_topology()
    out = [srun_label(0, x) for x in ck.plain_steps(c, -800, 6, 61200, step_s=1.41)]
    out += ["0: %s | WARNING | straggler | rank 27 (%s local 3) step-time z-score 4.1, relative speed 0.74" % (c.ymd(-420), host),
            "0: %s | WARNING | straggler | rank 27 (%s local 3) step-time z-score 4.4, relative speed 0.72" % (c.ymd(-120), host),
            "0: %s | INFO | straggler | ranks 24-31 (%s) all below 0.85; other nodes 0.98-1.01" % (c.ymd(-119), host)]
    c.log("slurm-880213.out", out)
    temps = [85, 86, 87, 89, 88, 86, 85, 86]
    clocks = [1485, 1410, 1335, 1215, 1260, 1395, 1470, 1380]
    sh = ["$ nvidia-smi --query-gpu=index,temperature.gpu,clocks.sm,power.draw,clocks_event_reasons.active --format=csv",
          "index, temperature.gpu, clocks.current.sm [MHz], power.draw [W], clocks_event_reasons.active"]
    for i in range(8):
        sh.append("%d, %d, %d MHz, %.2f W, 0x%016x" % (i, temps[i], clocks[i], 405 + 7 * i, 0x60 if temps[i] >= 87 else 0x20))
    sh += ["$ ssh xe9680-h100-0210 nvidia-smi --query-gpu=index,temperature.gpu,clocks.sm --format=csv,noheader | head -2",
           "0, 58, 1980 MHz", "1, 60, 1980 MHz",
           "$ ipmitool sel elist | tail -4",
           "  %x | %s | Fan #0x35 | Lower Critical going low | Asserted" % (0x1a3, c.at(-1500).strftime("%m/%d/%Y | %H:%M:%S")),
           "  %x | %s | Fan #0x36 | Lower Critical going low | Asserted" % (0x1a4, c.at(-1490).strftime("%m/%d/%Y | %H:%M:%S")),
           "  %x | %s | Temperature #0x0e | Upper Non-critical going high | Asserted" % (0x1a5, c.at(-900).strftime("%m/%d/%Y | %H:%M:%S")),
           "$ ipmitool sdr type Fan | grep -E 'Fan5|Fan6|Fan4'",
           "Fan4 RPM         | 34h | ok  |  7.1 | 13440 RPM",
           "Fan5 RPM         | 35h | cr  |  7.1 | 0 RPM",
           "Fan6 RPM         | 36h | cr  |  7.1 | 0 RPM"]
    c.log("%s/ops-shell" % host, sh)
    return c


@case(11, "alert", "gpu_power_throttle", "dgx-h100-s7-04", conf=True)
def c11(n):
    hosts = ["dgx-h100-s7-%02d" % i for i in range(1, 9)]
    host = "dgx-h100-s7-04"
    c = new(n, hosts, H100, step_s=120, window_s=600)
    c.with_topology()
    page(c, "TrainingRankStraggler", "run rm-13b rank 26 on %s is 31%% slower than the median rank" % host,
         {"job": "training-exporter", "run": "rm-13b", "rank": "26", "Hostname": host, "gpu": "2"},
         'train_rank_step_seconds / ignoring(rank, Hostname, gpu) group_left quantile without(rank, Hostname, gpu)(0.5, train_rank_step_seconds) > 1.25')
    brake = lambda s: s >= -480
    per_gpu(c, "DCGM_FI_DEV_CLOCKS_EVENT_REASONS", host, lambda gg, s: 128 if brake(s) else 0, decimals=0)
    per_gpu(c, "DCGM_FI_DEV_POWER_USAGE", host, lambda gg, s: jit(c, 310, 12) if brake(s) else jit(c, 640, 25), decimals=0)
    c.series("train_rank_step_seconds", {"job": "training-exporter", "run": "rm-13b", "rank": "26", "Hostname": host, "gpu": "2"},
             lambda s: jit(c, 2.71, 0.04) if brake(s) else jit(c, 2.06, 0.03), 2)
    c.log("%s/ops-shell" % host, [
        "$ ipmitool sel elist | tail -3",
        "  2f1 | %s | Power Supply #0x62 | Power Supply AC lost | Asserted" % c.at(-485).strftime("%m/%d/%Y | %H:%M:%S"),
        "  2f2 | %s | Power Unit #0x01 | Redundancy Lost | Asserted" % c.at(-484).strftime("%m/%d/%Y | %H:%M:%S"),
        "  2f3 | %s | Power Supply #0x62 | Failure detected | Asserted" % c.at(-483).strftime("%m/%d/%Y | %H:%M:%S"),
        "$ ipmitool sdr type 'Power Supply'",
        "PS1 Status       | 61h | ok  | 10.1 | Presence detected",
        "PS2 Status       | 62h | ok  | 10.2 | Presence detected, Power Supply AC lost",
        "PS3 Status       | 63h | ok  | 10.3 | Presence detected",
        "PS4 Status       | 64h | ok  | 10.4 | Presence detected",
        "PS5 Status       | 65h | ok  | 10.5 | Presence detected",
        "PS6 Status       | 66h | ok  | 10.6 | Presence detected",
        "$ nvidia-smi -q -d PERFORMANCE -i 2 | sed -n 3,12p",
        "    Clocks Event Reasons",
        "        Idle                              : Not Active",
        "        Applications Clocks Setting       : Not Active",
        "        SW Power Cap                      : Not Active",
        "        HW Slowdown                       : Active",
        "            HW Thermal Slowdown           : Not Active",
        "            HW Power Brake Slowdown       : Active",
        "        Sync Boost                        : Not Active",
        "        SW Thermal Slowdown               : Not Active",
        "        Display Clock Setting             : Not Active",
    ])
    return c


@case(12, "logs", "pcie_link_degraded", "h100-q-0403/gpu7", conf=True)
def c12(n):
    hosts = ["h100-q-04%02d" % i for i in range(1, 5)]
    host, g, r = "h100-q-0403", 7, 23
    c = new(n, hosts, H100)
    c.with_topology()
    out = [srun_label(0, x) for x in ck.fsdp_steps(c, -900, 5, 15500, step_s=2.6)]
    for i in range(4):
        out.append("0: %s | WARNING | dataloader | rank 23 waited %.2f s for batch (median rank 0.01 s)" % (c.ymd(-700 + 180 * i), 0.41 + 0.02 * i))
    out += ["0: %s | INFO | timers (ms, min/median/max over ranks) | fwd 811/823/840 | bwd 1590/1611/1642 | h2d_copy 21.8/22.4/311.6 (max rank 23) | optim 96/98/101" % c.ymd(-400),
            "0: %s | INFO | timers (ms, min/median/max over ranks) | fwd 809/822/838 | bwd 1588/1609/1640 | h2d_copy 21.5/22.3/309.9 (max rank 23) | optim 96/97/100" % c.ymd(-100)]
    c.log("slurm-3301877.out", out)
    sh = ["$ nvidia-smi --query-gpu=index,pcie.link.gen.current,pcie.link.gen.max,pcie.link.width.current,pcie.link.width.max,utilization.gpu --format=csv",
          "index, pcie.link.gen.current, pcie.link.gen.max, pcie.link.width.current, pcie.link.width.max, utilization.gpu [%]"]
    for i in range(8):
        sh.append("%d, 5, 5, %d, 16, %d %%" % (i, 4 if i == g else 16, 84 if i == g else 97))
    sh += ["$ journalctl -k -b | grep -Ei 'aer|xid|pcieport' | wc -l", "0",
           "$ top -b -n1 -u svc-train | sed -n 8,10p",
           "  88123 svc-tra+  20   0   42.1g   9.8g 121344 S  31.2   0.5  88:01.22 pt_data_worker",
           "  88127 svc-tra+  20   0   42.1g   9.7g 121344 S  29.8   0.5  87:40.09 pt_data_worker"]
    c.log("%s/ops-shell" % host, sh)
    c.pcie("gpu.pcie_bandwidth@%s/gpu7" % host, h2d=12.6, d2h=12.1)
    c.pcie("gpu.pcie_bandwidth@%s/gpu6" % host)
    c.health_rates("gpu.health@%s/gpu7" % host, pcie_link_width=4)
    return c


@case(13, "logs", "gpu_silent_data_corruption", "dgx-h200-m3-06/gpu5", conf=True)
def c13(n):
    hosts = ["dgx-h200-m3-%02d" % i for i in range(1, 9)]
    host, g, r = "dgx-h200-m3-06", 5, 45
    c = new(n, hosts, H200)
    c.with_topology()
    it0 = 118205
    spike = lambda i: 1.71 + c.rng.uniform(-0.02, 0.02) if i != 4 else 9.84
    out = [srun_label(0, x) for x in ck.megatron_iters(c, -600, 6, it0, step_s=4.7, loss_fn=spike,
                                                        grad_fn=lambda i: 0.3 * c.rng.uniform(0.9, 1.1) if i != 4 else 3.1e3)]
    out += [srun_label(r, "Rank 45, node %s, device 5, iteration %d: Unexpected result nan (message='found NaN in local grad norm for bucket #3 in backward pass before data-parallel communication collective')" % (host, it0 + 4)),
            srun_label(0, "[%s] rerun state machine: iteration %d re-run on rank 45 (same data): local grad norm nan again" % (c.ymd(-140), it0 + 4)),
            srun_label(0, "[%s] rerun state machine: iteration %d re-run on spare %s device 5 (same data): loss 1.7032, local grad norm 0.31" % (c.ymd(-110), it0 + 4, "dgx-h200-m3-99")),
            srun_label(0, "[%s] rerun state machine: result is not reproducible on another GPU; exiting with code 16 (suspected faulty GPU on rank 45)" % c.ymd(-100))]
    c.log("slurm-6604121.out", out)
    c.log("%s/journal" % host, ck.kernel_noise(c, host, 4, -1500, 0) +
          [jrn(c, host, -20, "nv-hostengine[2101]: DCGM health watch: all GPUs healthy (memory, pcie, nvlink, thermal)"),
           jrn(c, host, -15, "kernel: NVRM: GPU at PCI:%s: GPU-serial: 1654023018812" % c.bus(g))] + ["$ nvidia-smi -q -d ECC -i 5 | grep -A2 Volatile", "        Volatile", "            SRAM Correctable              : 0", "            SRAM Uncorrectable Parity     : 0"])
    c.sdc("gpu.sdc@%s" % host, mismatched=418, bad_gpu="gpu5")
    c.sdc("gpu.sdc@dgx-h200-m3-05")
    c.health_rates("gpu.health@%s/gpu5" % host)
    return c


@case(14, "alert", "ib_link_failure", "h200-ib-w-0107/mlx5_3")
def c14(n):
    hosts = ["h200-ib-w-01%02d" % i for i in range(1, 17)]
    host = "h200-ib-w-0107"
    c = new(n, hosts, H200, step_s=120, window_s=600)
    c.with_topology()
    page(c, "TrainingThroughputLow", "run pretrain-8x22b tokens/s 18% below its 6h median",
         {"job": "training-exporter", "run": "pretrain-8x22b", "slurm_job_id": "9902371"},
         'sum(rate(train_tokens_total{run="pretrain-8x22b"}[10m])) < 0.85 * quantile_over_time(0.5, sum(rate(train_tokens_total{run="pretrain-8x22b"}[10m]))[6h:5m])')
    c.series("train_tokens_per_second", {"job": "training-exporter", "run": "pretrain-8x22b"},
             lambda s: jit(c, 1.21e6, 3e4) if s < -560 else jit(c, 0.99e6, 9e4), 0)
    downs = [-540, -400, -280, -170, -60]
    nics = ["mlx5_0", "mlx5_3", "mlx5_4", "mlx5_5", "mlx5_6", "mlx5_9", "mlx5_10", "mlx5_11"]
    for d in nics:
        base = 12 if d == "mlx5_3" else c.rng.choice([0, 0, 1, 2])
        lab = {"instance": "%s:9100" % host, "job": "node-exporter", "device": d, "port": "1"}
        c.series("node_infiniband_link_downed_total", lab,
                 lambda s, d=d, base=base: base + (sum(1 for x in downs if s >= x) if d == "mlx5_3" else 0), 0)
    for d in ("mlx5_3", "mlx5_4"):
        lab = {"instance": "%s:9100" % host, "job": "node-exporter", "device": d, "port": "1"}
        c.series("node_infiniband_port_errors_total", dict(lab, type="symbol_error"),
                 lambda s, d=d: (118 + 41 * (s + 600) / 60.0) if d == "mlx5_3" else 3, 0)
    c.log("slurm-9902371.out", [srun_label(0, x) for x in ck.megatron_iters(c, -600, 4, 220310, step_s=8.1,
                                                                            step_fn=lambda i: 8.1 * (1.0 if i < 2 else c.rng.uniform(1.05, 1.4)))] +
          ["0: " + x for x in ck.app_noise(c, 6)])
    c.log("ops/shell", ["$ grep -c 'NCCL WARN' slurm-9902371.out", "0",
                        "$ pdsh -w h200-ib-w-01[01-16] 'ibstat | grep -c \"State: Active\"' | dshbak -c",
                        "----------------", "h200-ib-w-01[01-16]", "----------------", "8",
                        "$ pdsh -w h200-ib-w-01[01-16] 'nvidia-smi -q -d PERFORMANCE | grep -c \": Active\"' | dshbak -c | tail -1", "0",
                        "$ sinfo -R -h -n h200-ib-w-01[01-16] | wc -l", "0"])
    return c


@case(15, "logs", "ib_link_failure", "h100-ib-p-0419/mlx5_2", conf=True)
def c15(n):
    hosts = ["h100-ib-p-04%02d" % i for i in range(13, 21)]
    host = "h100-ib-p-0419"
    c = new(n, hosts, H100)
    c.with_topology()
    out = [srun_label(0, x) for x in ck.deepspeed_steps(c, -1200, 3, 5510, step_s=9.4)]
    for rk in (0, 17, 49, 62):
        out.append(srun_label(rk, wd_short(c, rk, -5 + 0.02 * rk, 71550, op="ALLREDUCE", numel=52428800, timeout_ms=1800000)))
    out += ["srun: error: h100-ib-p-0413: tasks 0-7: Exited with exit code 1",
            "srun: error: h100-ib-p-0419: tasks 48-55: Exited with exit code 1"]
    c.log("slurm-4471920.out", out)
    guid = "0xa088c20300f1e2b4"
    c.log("ufm/events", [
        "%s [2871113] [331] WARNING [Hardware] Computer [%s] HCA port %s_1: Link is down, peer Switch [leaf-r4-07] port 23" % (c.ymd(-1815), host, guid),
        "%s [2871114] [64] WARNING [Hardware] Computer [%s] HCA port %s_1: Link state changed to Polling" % (c.ymd(-1810), host, guid),
        "%s [2871140] [112] MINOR [Fabric_Notification] Switch [leaf-r4-07] port 23: Symbol error counter rose by 4211 in 60 s" % c.ymd(-1880),
        "%s [2871177] [908] INFO [Maintenance] Fabric sweep completed: 2 ports down, 0 new GUIDs" % c.ymd(-1500),
    ])
    sh = ["$ ibstat | grep -E \"^CA '|State:|Physical state:|Port GUID\""]
    for i, d in enumerate(["mlx5_0", "mlx5_1", "mlx5_2", "mlx5_3"]):
        down = d == "mlx5_2"
        sh += ["CA '%s'" % d, "\t\tState: %s" % ("Down" if down else "Active"),
               "\t\tPhysical state: %s" % ("Polling" if down else "LinkUp"),
               "\t\tPort GUID: %s" % (guid if down else "0xa088c20300f1e2%02x" % (0x10 + i))]
    sh += ["$ cat /etc/nccl.conf", "NCCL_IB_HCA=mlx5_0,mlx5_1,mlx5_2,mlx5_3"]
    c.log("%s/ops-shell" % host, sh)
    return c


@case(16, "logs", "nccl_network_misconfig", "job", conf=True)
def c16(n):
    hosts = ["k8s-h100x-%02d" % i for i in range(1, 5)]
    c = new(n, hosts, H100)
    c.with_topology(rank_layout_note="pod pretrain-worker-i on nodes[i]")
    out = ["I%s 1 torch/distributed/elastic/rendezvous/c10d_rendezvous_backend.py] Rendezvous 'pretrain-4n' at pretrain-master-0:29500 complete: 4 nodes" % c.glog(-400)[1:],
           "[rank0]: NCCL INFO Bootstrap : Using eth0:10.233.65.12<0>",
           "[rank0]: NCCL INFO NET/IB : Using [0]mlx5_0:1/RoCE [1]mlx5_1:1/RoCE ; OOB eth0:10.233.65.12<0>"]
    for rk, peer in ((0, "10.233.71.4<41823>"), (0, "10.233.71.4<41823>"), (9, "10.233.65.12<38411>"), (17, "10.233.88.30<50277>"), (25, "10.233.65.12<38411>")):
        out.append("[rank%d]: %s:%d:%d [%d] misc/socket.cc:568 NCCL WARN socketPollConnect: Connect to %s returned 110(Connection timed out) errno 115(Operation now in progress)" % (
            rk, hosts[rk // 8], 300 + rk, 300 + rk, rk % 8, peer))
    out += ["[rank0]: Traceback (most recent call last):",
            '[rank0]:   File "/app/train.py", line 88, in <module>',
            "[rank0]:     dist.barrier()",
            "[rank0]: torch.distributed.DistBackendError: NCCL error in: /opt/pytorch/torch/csrc/distributed/c10d/NCCLUtils.hpp:317, remote process exited or there was a network error, NCCL version 2.23.4",
            "[rank0]: ncclRemoteError: A call failed possibly due to a network error or a remote process exiting prematurely.",
            "[rank0]: Last error:",
            "[rank0]: socketPollConnect: Connect to 10.233.71.4<41823> returned 110(Connection timed out) errno 115(Operation now in progress)"]
    c.log("training/pretrain-worker-0/pytorch", out)
    c.log("ops/kubectl", [
        "$ kubectl get networkpolicy -n training",
        "NAME               POD-SELECTOR   AGE",
        "restrict-ingress   <none>         41m",
        "$ kubectl get networkpolicy restrict-ingress -n training -o jsonpath='{.spec}'",
        '{"ingress":[{"from":[{"namespaceSelector":{"matchLabels":{"kubernetes.io/metadata.name":"training"}}}],"ports":[{"port":29500,"protocol":"TCP"}]}],"podSelector":{},"policyTypes":["Ingress"]}',
        "$ kubectl get pods -n training -o wide | head -3",
        "NAME                 READY   STATUS    RESTARTS      AGE   IP             NODE",
        "pretrain-master-0    0/1     Error     2 (60s ago)   8m    10.233.65.12   k8s-h100x-01",
        "pretrain-worker-1    0/1     Error     2 (58s ago)   8m    10.233.71.4    k8s-h100x-02",
        "$ kubectl exec pretrain-worker-1 -- nc -zv -w3 10.233.65.12 29500",
        "Connection to 10.233.65.12 29500 port [tcp/*] succeeded!",
        "$ kubectl exec pretrain-worker-1 -- nc -zv -w3 10.233.65.12 38411",
        "nc: connect to 10.233.65.12 port 38411 (tcp) timed out: Operation now in progress",
    ])
    return c


@case(17, "alert", "nccl_collective_hang", "h100-x-0122/gpu5")
def c17(n):
    hosts = ["h100-x-01%02d" % i for i in range(1, 65)]
    host, g, r = "h100-x-0122", 5, 173
    c = new(n, hosts, H100, step_s=60, window_s=1200)
    c.with_topology()
    assert hosts[r // 8] == host
    page(c, "TrainingJobStalled", "run moe-200b: no completed iteration for 15 min (last 41903)",
         {"job": "training-exporter", "run": "moe-200b", "slurm_job_id": "3390012", "severity_hint": "page"},
         'time() - train_last_iteration_timestamp_seconds{run="moe-200b"} > 900', severity="critical")
    c.series("train_iteration", {"job": "training-exporter", "run": "moe-200b"},
             lambda s: 41903 if s >= -900 else 41903 - int((-900 - s) / 5.2), 0)
    ras = ["$ ncclras -t 60",
           "Job summary", "===========", "",
           "  Nodes  Processes         GPUs  Processes     GPUs",
           "(total)   per node  per process    (total)  (total)",
           "     64          8            1        512      512", "",
           "Communicators... (0.41s)", "=============", "",
           "Group     Comms     Nodes     Ranks     Ranks     Ranks    Status  Errors",
           "    #  in group  per comm  per node  per comm  in group",
           "    0         1        64         8       512       512   RUNNING  MISMATCH",
           "    1         8        64         1        64       512   RUNNING  OK", "",
           "Errors", "======", "",
           "Warnings", "========", "",
           "#0-0 (7c1e90aa52d3f6b1) MISMATCH",
           "  Communicator ranks have different collective operation counts",
           "  511 ranks have launched up to operation 3a2f1",
           "  Rank 173 has launched up to operation 3a2f0 -- GPU %d managed by process 51877 on node 10.20.1.122 (%s)" % (g, host)]
    c.log("ops/ncclras", ras)
    c.log("%s/ops-shell" % host, [
        "$ py-spy dump --pid 51877 | head -12",
        "Process 51877: /usr/bin/python3 -u pretrain_gpt.py --config moe-200b.yaml",
        "Thread 51877 (idle): \"MainThread\"",
        "    acquire (threading.py:444)",
        "    emit (metrics/async_logger.py:131)",
        "    log_step (training/hooks.py:77)",
        "    train_step (megatron/training/training.py:1402)",
        "Thread 52011 (idle): \"metrics-flush\"",
        "    _send (metrics/exporter_client.py:58)",
        "    flush (metrics/async_logger.py:164)",
        "$ py-spy dump --pid 51876 | sed -n 3,4p",
        "    synchronize (torch/cuda/__init__.py:954)",
        "$ ssh 10.20.1.122 hostname", host,
    ])
    return c


@case(18, "logs", "rank_process_crash", "h100-q-07/gpu5", conf=True)
def c18(n):
    hosts = ["h100-q-%02d" % i for i in range(4, 8)]
    host, g, r = "h100-q-07", 5, 29
    c = new(n, hosts, H100)
    c.with_topology()
    out = [srun_label(rk, "[rank%d] pid %d on %s cuda:%d world 32" % (rk, 4412 if rk == 29 else 3000 + rk, hosts[rk // 8], rk % 8))
           for rk in (0, 8, 16, 24, 29)]
    out += [srun_label(0, x) for x in ck.plain_steps(c, -420, 6, 9011, step_s=1.3)]
    for rk in (0, 8, 28, 31):
        out.append(srun_label(rk, wd_short(c, rk, 300 + 0.01 * rk, 119922, numel=33554432, timeout_ms=300000)))
    out += ["srun: error: h100-q-04: tasks 0-7: Exited with exit code 1",
            "srun: error: h100-q-07: tasks 24-28,30-31: Exited with exit code 1",
            "srun: error: h100-q-07: task 29: Exited with exit code 1"]
    c.log("slurm-1120043.out", out)
    c.log("%s/journal" % host, ck.kernel_noise(c, host, 3, -1500, 0) + [
        jrn(c, host, -2, "kernel: python3[4412]: segfault at 18 ip 00007f3ac21b09d4 sp 00007f3a2fffe3c0 error 4 in libtokenizers_core.so[7f3ac1e00000+5c1000] likely on CPU 87 (core 23, socket 1)"),
        jrn(c, host, -2, "kernel: Code: 48 8b 47 08 48 85 c0 74 1d 48 8b 50 18 <48> 8b 42 18 c3 0f 1f 40 00"),
        jrn(c, host, -1, "systemd-coredump[77312]: Process 4412 (python3) of user 1001 dumped core."),
        jrn(c, host, 0, "systemd-coredump[77312]: Stack trace of thread 4530: #0 0x00007f3ac21b09d4 n/a (libtokenizers_core.so + 0x3b09d4)"),
    ])
    return c


@case(19, "logs", "cuda_oom", "job")
def c19(n):
    hosts = ["h200-fs-%02d" % i for i in range(1, 5)]
    c = new(n, hosts, H200)
    c.with_topology()
    out = ["[rank0]:[titan] %s - root - INFO - Applied FSDP (fully_shard) to the model; DeviceMesh('cuda', [[0..7],[8..15],[16..23],[24..31]], mesh_dim_names=('dp_replicate', 'dp_shard'))" % c.ymd_ms(-300),
           "[rank0]:[titan] %s - root - INFO - activation checkpointing: mode=none" % c.ymd_ms(-299),
           "[rank0]:[titan] %s - root - INFO - CUDA memory usage for model: 21.44GiB(15.33%%)" % c.ymd_ms(-250),
           "[rank0]:[titan] %s - root - INFO - Training starts at step 1, with local batch size 4, global batch size 128, sequence length 8192" % c.ymd_ms(-248)]
    for rk in (0, 3, 11, 22, 31):
        out += ["[rank%d]: Traceback (most recent call last):" % rk,
                "[rank%d]:   File \"/torchtitan/torchtitan/train.py\", line 412, in train_step" % rk,
                "[rank%d]: torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 7.83 GiB. GPU %d has a total capacity of 139.72 GiB of which 3.21 GiB is free. Including non-PyTorch memory, this process has 136.49 GiB memory in use. Of the allocated memory 128.90 GiB is allocated by PyTorch, and 5.12 GiB is reserved by PyTorch but unallocated. If reserved but unallocated memory is large try setting PYTORCH_CUDA_ALLOC_CONF=expandable_segments:True to avoid fragmentation." % (rk, rk % 8)]
    out.append("E%s 1 torch/distributed/elastic/multiprocessing/api.py:869] failed (exitcode: 1) local_rank: 0 (pid: 3810) of binary: /usr/bin/python3" % c.glog(-190)[1:])
    c.log("h200-fs-01/torchrun.log", out)
    c.log("ops/notes", [
        "$ git diff run-2024-11-20..HEAD -- train_configs/llama3_70b.toml",
        " [activation_checkpoint]",
        "-mode = 'selective'",
        "-selective_ac_option = 'op'",
        "+mode = 'none'",
        "$ grep 'memory:' logs/run-2024-11-20/rank0.log | tail -1",
        "[rank0]:[titan] step: 2000  loss:  1.8411  memory: 118.03GiB(84.42%)  tps: 1,311  mfu: 38.12%",
        "$ nvidia-smi --query-compute-apps=pid,gpu_uuid,used_memory --format=csv,noheader | wc -l",
        "0",
    ])
    return c


@case(20, "logs", "host_oom", "h200-dl-05", conf=True)
def c20(n):
    hosts = ["h200-dl-%02d" % i for i in range(1, 9)]
    host, g, r = "h200-dl-05", 3, 35
    c = new(n, hosts, H200, step_s=120, window_s=1200)
    c.with_topology()
    for h in (host, "h200-dl-04"):
        total = 1.0 if h == host else 2.0
        c.series("node_memory_MemAvailable_bytes", {"instance": "%s:9100" % h, "job": "node-exporter"},
                 lambda s, total=total: max(2.1e9, total * 1.0995e12 * 0.62 - (s + 1200) * 4.6e8 * c.rng.uniform(0.97, 1.03)), 0)
    out = [srun_label(0, x) for x in ck.fsdp_steps(c, -1200, 4, 88100, step_s=2.1, mem_gib=61.2)]
    out += [srun_label(r, x) for x in [
        "[rank35]: Traceback (most recent call last):",
        "[rank35]:   File \"/usr/local/lib/python3.12/dist-packages/torch/utils/data/_utils/pin_memory.py\", line 37, in do_one_step",
        "[rank35]:     data = pin_memory(data, device)",
        "[rank35]: RuntimeError: Caught RuntimeError in pin memory thread for device 3.",
        "[rank35]: RuntimeError: CUDA error: out of memory",
        "[rank35]: CUDA kernel errors might be asynchronously reported at some other API call, so the stacktrace below might be incorrect.",
        "[rank35]: RuntimeError: DataLoader worker (pid 190331) is killed by signal: Killed."]]
    out += ["srun: error: h200-dl-05: task 35: Exited with exit code 1"]
    c.log("slurm-5581200.out", out)
    c.log("%s/journal" % host, ck.kernel_noise(c, host, 4, -1500, -100) + [
        jrn(c, host, -30, "kernel: pt_data_worker invoked oom-killer: gfp_mask=0x140dca(GFP_HIGHUSER_MOVABLE|__GFP_COMP|__GFP_ZERO), order=0, oom_score_adj=0"),
        jrn(c, host, -29, "kernel: Out of memory: Killed process 190331 (pt_data_worker) total-vm:98123412kB, anon-rss:61877120kB, file-rss:10240kB, shmem-rss:0kB, UID:1001 pgtables:123456kB oom_score_adj:0"),
        jrn(c, host, -28, "kernel: oom_reaper: reaped process 190331 (pt_data_worker), now anon-rss:0kB, file-rss:0kB, shmem-rss:0kB"),
    ])
    c.log("%s/ops-shell" % host, [
        "$ ps -eo pid,rss,etime,comm --sort=-rss | head -4",
        "    PID   RSS     ELAPSED COMMAND", " 190329 60233812   02:41:10 pt_data_worker",
        " 190330 59871204   02:41:10 pt_data_worker", " 190332 59102444   02:41:10 pt_data_worker",
        "$ nvidia-smi --query-gpu=index,memory.used,memory.total --format=csv,noheader -i 3",
        "3, 62518 MiB, 143771 MiB",
    ])
    return c


@case(21, "logs", "illegal_memory_access", "job", conf=True)
def c21(n):
    hosts = ["h100-mm-%02d" % i for i in range(1, 9)]
    c = new(n, hosts, H100)
    c.with_topology()
    b1, b2 = "h100-mm-03", "h100-mm-07"
    c.log("%s/journal" % b1, [jrn(c, b1, -5400, nvrm(c, 6, 31, "Ch 00000010, intr 00000000. MMU Fault: ENGINE GRAPHICS GPCCLIENT_T1_3 faulted @ 0x7f2a_1c400000. Fault is of type FAULT_PDE ACCESS_TYPE_VIRT_READ"))]
          + ck.kernel_noise(c, b1, 3, -6000, -5000))
    c.log("%s/journal" % b2, [jrn(c, b2, -30, nvrm(c, 2, 31, "Ch 00000010, intr 00000000. MMU Fault: ENGINE GRAPHICS GPCCLIENT_T1_1 faulted @ 0x7f11_88a00000. Fault is of type FAULT_PDE ACCESS_TYPE_VIRT_READ"))]
          + ck.kernel_noise(c, b2, 3, -600, 0))
    out = ["== first run (job 7712001) ==",
           "22: [rank22]: RuntimeError: CUDA error: an illegal memory access was encountered",
           "22: [rank22]: Exception raised from c10_cuda_check_implementation at ../c10/cuda/CUDAException.cpp:43",
           "0: [%s] iteration 15877 failed; excluding %s (scontrol update nodename=%s state=drain reason=xid31)" % (c.ymd(-5380), b1, b1),
           "== restart (job 7712090, --exclude=%s) ==" % b1,
           "0: [%s] resumed from iter_0015500" % c.ymd(-2100)]
    out += [srun_label(0, x) for x in ck.megatron_iters(c, -400, 2, 15860, step_s=3.3)]
    out += ["42: [rank42]: RuntimeError: CUDA error: an illegal memory access was encountered",
            "42: [rank42]: Exception raised from c10_cuda_check_implementation at ../c10/cuda/CUDAException.cpp:43",
            "0: [%s] iteration 15877 failed again" % c.ymd(-25)]
    c.log("slurm-7712090.out", out)
    c.log("ops/compute-sanitizer", [
        "$ compute-sanitizer --tool memcheck python repro_moe_layer.py --iter 15877 --layer 23  # one GPU of a healthy spare node",
        "========= COMPUTE-SANITIZER",
        "========= Invalid __global__ read of size 16 bytes",
        "=========     at void moe_permute_kernel<__nv_bfloat16, 8>(const __nv_bfloat16 *, __nv_bfloat16 *, const int *, int, int)+0x4f0",
        "=========     by thread (96,0,0) in block (8191,0,0)",
        "=========     Address 0x7f0c3e000000 is out of bounds",
        "=========     and is 512 bytes after the nearest allocation at 0x7f0c1e000000 of size 536870400 bytes",
        "========= ERROR SUMMARY: 1 error",
        "# note: iteration 15877 routes 0 tokens to expert 63 in layer 23 (first time in the run)",
    ])
    return c


@case(22, "logs", "loss_divergence", "job", conf=True)
def c22(n):
    hosts = ["h200-fp-%02d" % i for i in range(1, 17)]
    c = new(n, hosts, H200)
    c.with_topology()
    it0 = 48206
    lf = lambda i: (1.66 + c.rng.uniform(-0.02, 0.02)) if i < 4 else (11.2 if i == 4 else 7.9 - 0.9 * (i - 5))
    gf = lambda i: 0.22 * c.rng.uniform(0.9, 1.1) if i < 4 else (48.0 if i == 4 else 9.0 / (i - 3))
    out = [srun_label(0, x) for x in ck.megatron_iters(c, -500, 7, it0, step_s=5.5, loss_fn=lf, grad_fn=gf)]
    out += ["0: [%s] TE fp8 stats iter %d: recipe=DelayedScaling(fp8_format=HYBRID, amax_history_len=1024) max amax fwd 412.5 bwd 3.9e-02, min scale 1.08e+00, non-finite amax 0" % (c.ymd(-440 + 5.5 * 10), it0 + 4),
            "0: [%s] TE fp8 stats iter %d: max amax fwd 398.1 bwd 2.7e-02, min scale 1.12e+00, non-finite amax 0" % (c.ymd(-440 + 5.5 * 12), it0 + 6)]
    c.log("slurm-8890122.out", out)
    c.log("ops/batch-inspect", [
        "$ python tools/inspect_batch.py --data-config data/mix-v9.yaml --iteration 48210 --global-batch 512",
        "iteration 48210: 512 sequences x 8192 tokens",
        "  sequences whose most common token covers > 90% of tokens: 9",
        "    seq 37  shard cc-2024-51/part-00311 doc 1188121  token 128001 x 8192",
        "    seq 38  shard cc-2024-51/part-00311 doc 1188122  token 128001 x 8192",
        "    seq 112 shard cc-2024-51/part-00311 doc 1188130  token 128001 x 8192",
        "    ... 6 more from cc-2024-51/part-00311",
        "  other iterations 48190-48230: 0 such sequences",
        "$ replay --from iter_0048000 --skip-iterations 48210 --steps 400  (same 16 nodes)",
        "  iter 48210 skipped; loss 1.659 at 48211, 1.652 at 48400; grad norm 0.21-0.26",
        "  (same nodes, same seed and data order; only iteration 48210 left out)",
    ])
    c.sdc("gpu.sdc@h200-fp-04")
    c.sdc("gpu.sdc@h200-fp-11")
    return c


@case(23, "logs", "fp16_loss_scale_collapse", "job")
def c23(n):
    hosts = ["h100-fp16-%02d" % i for i in range(1, 5)]
    c = new(n, hosts, H100)
    c.with_topology()
    out = []
    t = -1300
    for i in range(18):
        it = 92000 + 10 * i
        t += 10 * 3.4
        sc = 65536.0 / (2 ** max(0, i - 1)) if i >= 1 else 65536.0
        sc = max(sc, 1.0)
        bad = i >= 2
        out.append(" [%s] iteration %8d/  300000 | consumed samples: %12d | elapsed time per iteration (ms): %.1f | learning rate: 1.500000E-04 | global batch size:   512 | lm loss: %s | loss scale: %.1f | %snumber of skipped iterations: %3d | number of nan iterations:   0 |" % (
            c.ymd(t), it, it * 512, 3400 * c.rng.uniform(0.98, 1.02),
            "2.411300E+00" if bad else "%.6E" % (2.43 - 0.01 * i), sc,
            "" if bad else "grad norm: %.3f | " % (0.41 * c.rng.uniform(0.9, 1.1)), 10 if bad else 0))
    out += ["[%s] rank 0: training config fp16=True bf16=False initial_loss_scale=65536 min_loss_scale=1.0 loss_scale_window=1000 hysteresis=2" % c.ymd(-1900)]
    c.log("h100-fp16-01/megatron.log", out + ck.app_noise(c, 4))
    return c


@case(24, "alert", "fp8_scaling_overflow", "job", conf=True)
def c24(n):
    hosts = ["h100-fp8-%02d" % i for i in range(1, 33)]
    c = new(n, hosts, H100, step_s=60, window_s=600)
    c.with_topology()
    page(c, "TrainingLossNotFinite", "run pt-405b-fp8: loss is NaN since iteration 30117",
         {"job": "training-exporter", "run": "pt-405b-fp8", "slurm_job_id": "6612230"},
         'train_loss_is_finite{run="pt-405b-fp8"} == 0', severity="critical")
    c.series("train_grad_norm", {"job": "training-exporter", "run": "pt-405b-fp8"}, lambda s: jit(c, 0.25, 0.04) if s < -60 else None, 3)
    c.series("train_loss_is_finite", {"job": "training-exporter", "run": "pt-405b-fp8"}, lambda s: 1 if s < -60 else 0, 0)
    out = [srun_label(0, x) for x in ck.megatron_iters(c, -120, 4, 30112, step_s=14.2, grad_fn=lambda i: 0.25 * c.rng.uniform(0.9, 1.1))]
    out += ["0: [%s] [TE debug] iter 30115 layers.61.mlp.fc2 fprop_input amax_history max=inf scale=0.000e+00 scale_inv=inf (fp8 E4M3)" % c.ymd(-66),
            "0: [%s] [TE debug] iter 30116 layers.61.mlp.fc2 fprop_input amax_history max=inf scale=0.000e+00 scale_inv=inf (fp8 E4M3)" % c.ymd(-52),
            "0: [%s] [TE debug] iter 30116 all other layers: amax finite, min scale 2.3e-01" % c.ymd(-52),
            "0:  [%s] iteration    30117/  600000 | lm loss: nan | grad norm: nan | number of nan iterations:   1 |" % c.ymd(-38)]
    c.log("slurm-6612230.out", out)
    c.log("slurm-6612230.out (head)", [
        "0: [%s] using Transformer Engine 1.13.0; fp8 recipe DelayedScaling(margin=0, fp8_format=HYBRID, amax_history_len=16, amax_compute_algo='max')" % c.ymd(-90000),
        "0: [%s] model 126 layers, fp8 GEMMs in attention proj and MLP fc1 / fc2, bf16 elsewhere" % c.ymd(-90000),
        "0: [%s] grad clipping 1.0, lr 8.0e-05 cosine, warmup done at iteration 8000" % c.ymd(-90000),
        "$ sacct -j 6612230 --format=JobID,State,Elapsed -n | head -2",
        "     6612230    RUNNING   1-01:02:11",
        "  6612230.0     RUNNING   1-01:02:09"])
    c.log("ops/incident-notes", [
        "%s replay from iter_0030000 with --fp8-exclude-layers layers.61.mlp.fc2 (BF16 for that GEMM): iter 30117 loss 1.5921, ran to 30400 clean" % c.ymd(1800),
        "%s same checkpoint, FP8 everywhere, on 32 different nodes: NaN again at 30117" % c.ymd(2400),
        "%s gpu.sdc on h100-fp8-01..32: all pass; no Xid / ECC in the job's window (dcgm-exporter)" % c.ymd(2500),
        "%s data loader: iteration 30115-30117 batches re-read and checked, no anomaly (token histogram normal)" % c.ymd(2600),
        "%s grad norm 0.21-0.29 over iterations 29000-30116, no upward trend before the NaN" % c.ymd(2700),
        "%s decision: resume with layers.61.mlp.fc2 in BF16 and amax_history_len 1024" % c.ymd(2800),
    ])
    return c


@case(25, "logs", "moe_expert_imbalance", "job", conf=True)
def c25(n):
    hosts = ["h200-moe-%02d" % i for i in range(1, 9)]
    c = new(n, hosts, H200)
    c.with_topology()
    out = ["0: [%s] arguments: moe_router_topk=2 num_experts=64 expert_model_parallel_size=16 moe_token_dispatcher_type=alltoall moe_expert_capacity_factor=None moe_aux_loss_coeff=0.0" % c.ymd(-3000)]
    for i in range(8):
        out.append("0:  [%s] iteration %8d/ 200000 | elapsed time per iteration (ms): %.1f | lm loss: %.6E | load_balancing_loss: %.4E | grad norm: %.3f |" % (
            c.ymd(-1500 + 180 * i), 12200 + 50 * i, 6100 * (1 + 0.05 * i), 2.01 - 0.003 * i, 1.02 + 0.12 * i, 0.3 * c.rng.uniform(0.9, 1.1)))
    for layer, share in ((18, 27.4), (20, 30.9), (22, 29.2)):
        out.append("0: [%s] moe stats layer %d: tokens per expert max/mean = %.1f (expert 50, %.1f%% of routed tokens); min expert 0.1%%" % (c.ymd(-90), layer, share * 64 / 100.0 * 1.0, share))
    out += ["12: [rank12]: torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 21.31 GiB. GPU 4 has a total capacity of 139.72 GiB of which 9.88 GiB is free. Of the allocated memory 117.02 GiB is allocated by PyTorch, and 10.61 GiB is reserved by PyTorch but unallocated.",
            "12: [rank12]:   File \"/workspace/megatron/core/transformer/moe/experts.py\", line 211, in forward",
            "12: [rank12]:     intermediate_parallel, bias_parallel = self.linear_fc1(permuted_local_hidden_states)"]
    for rk in (0, 33, 60):
        out.append(srun_label(rk, wd_short(c, rk, 590, 1108321, op="ALLTOALL_BASE")))
    out += ["srun: error: h200-moe-02: task 12: Exited with exit code 1"]
    c.log("slurm-2231190.out", out)
    c.log("ops/notes", [
        "$ git log -1 --format=%s -- configs/moe-64e.yaml",
        "moe-64e: aux loss off (coefficient 0.0), rely on dropless routing",
        "$ grep -c 'OutOfMemoryError' slurm-2231190.out", "1",
        "$ nvidia-smi --query-compute-apps=pid,used_memory --format=csv,noheader  # h200-moe-02 after the job",
        "(no running processes)",
    ])
    return c


@case(26, "alert", "straggler_rank", "h200-c-11/gpu3")
def c26(n):
    hosts = ["h200-c-%02d" % i for i in range(1, 17)]
    host, g, r = "h200-c-11", 3, 83
    c = new(n, hosts, H200, step_s=120, window_s=600)
    c.with_topology()
    assert hosts[r // 8] == host
    page(c, "TrainingStepTimeHigh", "run sft-mix-405b step time p50 4.92 s over 5 min (usual 3.10 s)",
         {"job": "training-exporter", "run": "sft-mix-405b", "slurm_job_id": "7004518"},
         'quantile_over_time(0.5, train_step_seconds{run="sft-mix-405b"}[5m]) > 1.3 * 3.10')
    c.series("train_step_seconds", {"job": "training-exporter", "run": "sft-mix-405b"},
             lambda s: jit(c, 3.1, 0.04) if s < -420 else jit(c, 4.92, 0.07), 2)
    per_gpu(c, "DCGM_FI_PROF_SM_ACTIVE", host, lambda gg, s: jit(c, 0.81, 0.02) if gg != g else jit(c, 0.99, 0.005), decimals=3)
    c.log("slurm-7004518.out", [srun_label(0, x) for x in ck.megatron_iters(c, -600, 2, 20220, step_s=4.9)] + [
        "0: [%s] straggler report (relative GPU performance): rank 83 0.62 | 5 slowest others: 0.98 0.98 0.99 0.99 0.99" % c.ymd(-300)])
    c.log("%s/ops-shell" % host, [
        "$ nvidia-smi --query-compute-apps=pid,process_name,gpu_bus_id,used_memory --format=csv,noheader",
    ] + ["%d, /usr/bin/python3, 00000000:%s:00.0, 121880 MiB" % (70110 + i, c.pci[i].upper()) for i in range(8)] + [
        "39112, python, 00000000:5D:00.0, 12288 MiB",
        "$ ps -o user,etime,args -p 39112",
        "USER         ELAPSED COMMAND",
        "jdoe      2-04:11:52 python bench_attn.py --loop",
        "$ squeue -w %s -h -o '%%i %%u %%T'" % host,
        "7004518 svc-llm RUNNING",
        "$ nvidia-smi -q -d PERFORMANCE -i 3 | grep -c ': Active'", "0",
    ])
    c.gemm("gpu.gemm@%s/gpu3" % host, tflops=461.2)
    c.gemm("gpu.gemm@%s/gpu2" % host)
    c.health_rates("gpu.health@%s/gpu3" % host)
    return c


@case(27, "alert", "dataloader_stall", "job")
def c27(n):
    hosts = ["k8s-h100-gp-%02d" % i for i in range(1, 5)]
    host = "k8s-h100-gp-02"
    c = new(n, hosts, H100, step_s=120, window_s=600)
    c.with_topology(rank_layout_note="pod vlm-train-worker-i on nodes[i]")
    page(c, "GPUUtilizationLowForJob", "PyTorchJob vlm-train: mean GPU utilisation 34% over 5 min",
         {"namespace": "vision", "pytorchjob": "vlm-train", "job": "dcgm-exporter"},
         'avg by (namespace, pytorchjob) (avg_over_time(DCGM_FI_DEV_GPU_UTIL{namespace="vision"}[5m])) < 50')
    per_gpu(c, "DCGM_FI_DEV_GPU_UTIL", host, lambda gg, s: jit(c, 95, 3) if s < -480 else (100 if (int(s) // 60) % 3 == 0 else c.rng.choice([0, 2, 5])), decimals=0)
    for i in range(2):
        c.series("container_cpu_cfs_throttled_periods_ratio", {"namespace": "vision", "pod": "vlm-train-worker-%d" % i, "container": "pytorch"},
                 lambda s: jit(c, 0.9, 0.03) if s >= -480 else 0.0, 2)
    c.series("train_data_wait_seconds", {"namespace": "vision", "pytorchjob": "vlm-train"}, lambda s: jit(c, 2.8, 0.2) if s >= -480 else 0.04, 2)
    c.log("vision/vlm-train-worker-0/pytorch", [
        "%s | INFO | step %d | step_time 3.41s | data_wait 2.79s | fwd_bwd 0.58s | samples/s 75.1" % (c.ymd(-420 + 50 * i), 3100 + 15 * i) for i in range(8)
    ] + ["%s | INFO | dataloader: num_workers=12, prefetch_factor=4, pin_memory=True" % c.ymd(-1000)])
    c.log("ops/shell", [
        "$ helm history vlm-train -n vision | tail -2",
        "REVISION  UPDATED                   STATUS      CHART             DESCRIPTION",
        "7         %s  deployed    pytorchjob-1.4.0  Upgrade complete" % c.at(-500).strftime("%a %b %d %H:%M:%S %Y"),
        "$ helm diff revision vlm-train 6 7 -n vision | grep -A2 -B2 cpu",
        "           limits:",
        "-            cpu: \"96\"",
        "+            cpu: \"8\"",
        "             nvidia.com/gpu: \"8\"",
        "$ kubectl top pod -n vision | head -3",
        "NAME                 CPU(cores)   MEMORY(bytes)",
        "vlm-train-worker-0   7998m        211Gi",
        "vlm-train-worker-1   7991m        209Gi",
        "$ cat /proc/pressure/io  # k8s-h100-gp-02",
        "some avg10=0.12 avg60=0.10 avg300=0.09 total=88123311",
    ])
    return c


@case(28, "alert", "storage_failure", "job")
def c28(n):
    hosts = ["h100-nf-%02d" % i for i in range(1, 9)]
    host = "h100-nf-03"
    c = new(n, hosts, H100, step_s=60, window_s=600)
    c.with_topology()
    page(c, "TrainingDataLoaderWaitHigh", "run asr-2b: data loader wait 71% of step time over 10 min",
         {"job": "training-exporter", "run": "asr-2b", "slurm_job_id": "3312090"},
         'sum(rate(train_data_wait_seconds_total{run="asr-2b"}[10m])) / sum(rate(train_step_seconds_total{run="asr-2b"}[10m])) > 0.5')
    for h, j in (("h100-nf-03", "3312090"), ("h100-nf-06", "3312090"), ("h100-nf-11", "3310877")):
        c.series("nfs:read_latency_avg_seconds", {"instance": "%s:9100" % h, "mountpoint": "/datasets", "export": "vast-01:/datasets", "slurm_job_id": j},
                 lambda s: jit(c, 0.0021, 0.0003) if s < -420 else jit(c, 0.18, 0.02), 4)
    c.series("train_data_wait_ratio", {"job": "training-exporter", "run": "asr-2b"}, lambda s: 0.03 if s < -420 else jit(c, 0.71, 0.04), 2)
    c.log("%s/ops-shell" % host, [
        "$ nfsiostat 5 1 /datasets",
        "vast-01:/datasets mounted on /datasets:",
        "           ops/s       rpc bklog",
        "         412.600           38.20",
        "read:              ops/s            kB/s           kB/op         retrans    avg RTT (ms)    avg exe (ms)  avg queue (ms)          errors",
        "                 398.400       50995.200         128.000        0 (0.0%)         183.412         190.077           6.611        0 (0.0%)",
        "write:             ops/s            kB/s           kB/op         retrans    avg RTT (ms)    avg exe (ms)  avg queue (ms)          errors",
        "                   0.000           0.000           0.000        0 (0.0%)           0.000           0.000           0.000        0 (0.0%)",
        "$ ps -eo pid,stat,wchan:24,comm | grep pt_data | head -4",
        "  61201 D    rpc_wait_bit_killable    pt_data_worker",
        "  61202 D    rpc_wait_bit_killable    pt_data_worker",
        "  61203 D    rpc_wait_bit_killable    pt_data_worker",
        "  61204 S    futex_wait_queue         pt_data_worker",
        "$ top -b -n1 | sed -n 3p",
        "%Cpu(s):  2.1 us,  0.9 sy,  0.0 ni, 61.2 id, 35.6 wa,  0.0 hi,  0.2 si,  0.0 st",
    ])
    c.log("slurm-3312090.out", ["%s | INFO | step %d | step 2.61s | data 1.86s | compute 0.74s" % (c.ymd(-600 + 60 * i), 55100 + 23 * i) for i in range(6)])
    return c


@case(29, "logs", "launch_config_error", "job", conf=True)
def c29(n):
    hosts = ["k8s-h200-ax-%02d" % i for i in range(1, 5)]
    c = new(n, hosts, H200)
    c.with_topology(rank_layout_note="pod rl-policy-worker-i on nodes[i]")
    out = []
    for w in range(4):
        for lr in (4, 6, 7) if w != 2 else (5,):
            rk = 8 * w + lr
            out += ["[rank%d]: Traceback (most recent call last):" % rk,
                    "[rank%d]:     torch.cuda.set_device(local_rank)" % rk,
                    "[rank%d]: torch.AcceleratorError: CUDA error: invalid device ordinal" % rk]
    out += ["E%s 1 torch/distributed/elastic/multiprocessing/api.py:869] failed (exitcode: 1) local_rank: 4 (pid: 301) of binary: /usr/bin/python3" % c.glog(-30)[1:],
            "[rank0]: torch.distributed.DistStoreError: Timed out after 901 seconds waiting for clients. 16/32 clients joined."]
    c.log("rl/rl-policy-worker-*/pytorch (merged)", out)
    c.log("ops/kubectl", [
        "$ kubectl describe pod rl-policy-worker-1 -n rl | grep -A3 -E 'Limits|Command'",
        "    Command:",
        "      torchrun --nnodes=4 --nproc-per-node=8 --rdzv-backend=c10d --rdzv-endpoint=rl-policy-master-0:29400 train.py",
        "    Limits:",
        "      nvidia.com/gpu:  4",
        "$ kubectl exec rl-policy-worker-1 -n rl -- nvidia-smi -L",
        "GPU 0: NVIDIA H200 (UUID: %s)" % c.uuid(hosts[1], 0),
        "GPU 1: NVIDIA H200 (UUID: %s)" % c.uuid(hosts[1], 1),
        "GPU 2: NVIDIA H200 (UUID: %s)" % c.uuid(hosts[1], 2),
        "GPU 3: NVIDIA H200 (UUID: %s)" % c.uuid(hosts[1], 3),
        "$ kubectl debug node/k8s-h200-ax-02 -- nvidia-smi -L | wc -l",
        "8",
        "$ git log -1 --format='%h %s' -- charts/rl-policy/values.yaml",
        "a91c03e values: split policy and reward model onto half nodes (gpusPerPod 8 -> 4)",
    ])
    return c


@case(30, "logs", "nccl_collective_hang", "h100-pp-12/gpu6", conf=True)
def c30(n):
    hosts = ["h100-pp-%02d" % i for i in range(1, 17)]
    host, g, r = "h100-pp-12", 6, 94
    c = new(n, hosts, H100)
    c.with_topology(parallelism="TP=8 (one node), PP=16 (one stage per node), DP=1")
    assert hosts[r // 8] == host
    out = [srun_label(0, x) for x in ck.megatron_iters(c, -1500, 2, 3120, step_s=12.6)]
    for rk, op in ((86, "RECV"), (102, "SEND"), (14, "SEND"), (126, "RECV")):
        out.append(srun_label(rk, wd_short(c, rk, -3 + 0.01 * rk, 2231, op=op, numel=50331648, pg="5 (pp)")))
    out += ["srun: error: h100-pp-11: tasks 80-87: Exited with exit code 1",
            "srun: error: h100-pp-13: tasks 96-103: Exited with exit code 1",
            "srun: error: h100-pp-12: tasks 88-95: Exited with exit code 1"]
    c.log("slurm-2290831.out", out)
    c.log("ops/fr_trace", [
        "$ python -m torch.distributed.flight_recorder.fr_trace -j /scratch/fr/2290831/ --pg-filter pp",
        "Collective/P2P mismatch detected in process group 5 (pp)",
        "  op 2231: recv from rank 94 posted by ranks [86]; send to rank 94 posted by ranks [102]",
        "  rank 94: last entered op 2230 (recv from 86, completed); op 2231 never enqueued",
        "  all other ranks of pg pp: op 2231 enqueued, state scheduled",
        "$ py-spy dump --pid $(pgrep -f 'rank=94') --native | head -8  # h100-pp-12, before the job was cancelled",
        "Thread 40211 (idle): \"MainThread\"",
        "    __lll_lock_wait (libc.so.6)",
        "    wait (threading.py:355)",
        "    maybe_finalize_async_save (megatron/training/checkpointing.py:512)",
        "    train (megatron/training/training.py:1698)",
        "Thread 40377 (idle): \"async-ckpt-writer\"",
        "    __lll_lock_wait (libc.so.6)",
        "    write (megatron/core/dist_checkpointing/strategies/filesystem_async.py:301)",
    ])
    c.log("%s/journal" % host, ck.kernel_noise(c, host, 3, -1500, 0))
    return c


# ------------------------------------------------------------------------- output
def dump(d):
    """One case as JSON with a line per log line, metric series and probe result (the set stays small
    and diffs stay readable)."""
    j = lambda x: json.dumps(x, separators=(",", ":"))
    parts = ['"id": %s' % j(d["id"]), '"alert": %s' % j(d["alert"])]
    parts.append('"logs": [\n' + ",\n".join(
        '{"source": %s, "lines": [\n%s]}' % (j(src["source"]), ",\n".join(j(x) for x in src["lines"]))
        for src in d["logs"]) + "]")
    parts.append('"metrics": [' + ",".join("\n" + j(m) for m in d["metrics"]) + "]")
    parts.append('"probes": {' + ",".join("\n%s: %s" % (j(k), j(v)) for k, v in d["probes"].items()) + "}")
    topo = dict(d["topology"])
    rest = "\n".join(parts).lower()
    if not any(v[:10].lower() in rest for v in topo.get("gpu_pci_bus", {}).values()):
        del topo["gpu_pci_bus"]  # no bus id in the case: the map would only add bytes
    parts += ['"topology": %s' % j(topo), '"expected": %s' % j(d["expected"])]
    text = "{\n" + ",\n".join(parts) + "\n}\n"
    assert json.loads(text) == dict(d, topology=topo)
    return text


def write(cases, out_dir):
    os.makedirs(out_dir, exist_ok=True)
    for c in cases:
        with open(os.path.join(out_dir, c.id + ".json"), "w") as f:
            f.write(dump(c.to_json()))
    return len(cases)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default=HERE)
    ap.add_argument("--table", action="store_true", help="print the answer key and exit")
    args = ap.parse_args(argv)
    if args.table:
        print("| case | first evidence | expected root cause | component | C |")
        print("|---|---|---|---|---|")
        for n in sorted(META):
            first, rc, comp, conf = META[n]
            print("| rl13-%02d | %s | `%s` | `%s` | %s |" % (n, first, rc, comp, "C" if conf else ""))
        return 0
    built = []
    for n, fn in sorted(CASES):
        c = fn(n)
        assert c.expected == {"root_cause": META[n][1], "component": META[n][2]}, n
        assert (c.alert_obj is not None) == (META[n][0] == "alert"), n
        built.append(c)
    k = write(built, args.out)
    print("wrote %d cases to %s" % (k, args.out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
