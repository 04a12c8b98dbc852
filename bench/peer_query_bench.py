#!/usr/bin/env python3
"""The cost of live triage's peer queries (agents/peer_series.h) against a REAL Prometheus (TRI3).

A fleet of N nodes (default 2,000), each with 4 dcgm-exporter series under job="dcgm-exporter"
(Hostname=gpuNNNN) and node_exporter's node_ethtool tx/rx pause counters and node_uname_info under
job="node" (instance=gpuNNNN:9100), backfilled (`promtool tsdb create-blocks-from openmetrics`) over
the last 2 h at 60 s. An alert of dcgm-exporter on gpu0001 with 32 peers:
  before (TRI2): the peers from `topk(128, group by (<node labels>) ({job="dcgm-exporter"}))` over
                 the 35 min window at 10 steps (every series of the scrape job), then the pause
                 selector of the 33 nodes at 15 s;
  after  (TRI3): the peers from Slurm (no query), then node_uname_info of the 32 peers (10 steps)
                 and the same pause selector.
The queries are written as peer_series.cc writes them. Prints, per query, the median wall time of
--reps runs (curl-less: urllib) and Prometheus's own totalQueryableSamples (stats=all), and the
ratio before / after. Usage: python3 bench/peer_query_bench.py [--nodes 2000] [--reps 5]
Needs prometheus and promtool on PATH.
"""
import argparse
import json
import re
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request

NODE_LABELS = "Hostname, hostname, node, kubernetes_node, host, nodename, exported_instance, instance"
PAUSE = r"node_ethtool_(tx|rx)_([a-z0-9]+_)*pause(_[a-z0-9]+)*"
NOT_PAUSE = r".*(duration|transition|storm|events).*"


def regex(name, port):
    return re.escape(name.split(".")[0]) + r"(\..*)?" + (r"(:[0-9]+)?" if port else "")


def pause_selector(names):
    by_name = "|".join(regex(n, False) for n in names)
    by_inst = "|".join(regex(n, True) for n in names)
    metric = f"__name__=~`{PAUSE}`, __name__!~`{NOT_PAUSE}`"
    parts = [f"{{{metric}, {k}=~`(?i)({by_name})`}}" for k in ("Hostname", "hostname", "node", "nodename", "host")]
    parts.append(f"{{{metric}, instance=~`(?i)({by_inst})`}}")
    return " or ".join(parts)


def write_history(path, nodes, end):
    start = end - 2 * 3600
    times = range(start, end, 60)
    with open(path, "w") as f:
        for m in ("DCGM_FI_DEV_GPU_TEMP", "DCGM_FI_DEV_POWER_USAGE", "DCGM_FI_DEV_GPU_UTIL", "DCGM_FI_DEV_XID_ERRORS"):
            f.write(f"# TYPE {m} gauge\n")
            for i in range(1, nodes + 1):
                lab = f'Hostname="gpu{i:04d}",gpu="0",job="dcgm-exporter"'
                f.write("".join(f"{m}{{{lab}}} 1 {t}\n" for t in times))
        for m in ("node_ethtool_tx_prio3_pause", "node_ethtool_rx_prio3_pause", "node_uname_info"):
            f.write(f"# TYPE {m} gauge\n")
            for i in range(1, nodes + 1):
                lab = f'instance="gpu{i:04d}:9100",job="node"' + (f',nodename="gpu{i:04d}"' if m == "node_uname_info" else ',device="ens7np0"')
                f.write("".join(f"{m}{{{lab}}} {t % 977} {t}\n" for t in times))
        f.write("# EOF\n")


def query(url, q, start, end, step, reps):
    args = urllib.parse.urlencode({"query": q, "start": start, "end": end, "step": step, "stats": "all"}).encode()
    walls, samples, series = [], 0, 0
    for _ in range(reps):
        t = time.perf_counter()
        with urllib.request.urlopen(url + "/api/v1/query_range", data=args, timeout=120) as r:
            body = json.load(r)
        walls.append(time.perf_counter() - t)
        assert body["status"] == "success", body
        samples = body["data"]["stats"]["samples"]["totalQueryableSamples"]
        series = len(body["data"]["result"])
    return statistics.median(walls), samples, series


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--nodes", type=int, default=2000)
    ap.add_argument("--reps", type=int, default=5)
    a = ap.parse_args()
    tmp = tempfile.mkdtemp(prefix="peer-bench-")
    proc = None
    try:
        end = int(time.time()) // 60 * 60 - 3600  # history ends 1 h ago: in blocks, not the head
        write_history(f"{tmp}/h.om", a.nodes, end)
        subprocess.run(["promtool", "tsdb", "create-blocks-from", "openmetrics", "-q", f"{tmp}/h.om", f"{tmp}/tsdb"],
                       check=True, stdout=subprocess.DEVNULL)
        os.remove(f"{tmp}/h.om")
        s = socket.socket(); s.bind(("127.0.0.1", 0)); port = s.getsockname()[1]; s.close()
        with open(f"{tmp}/p.yml", "w") as f:
            f.write("global:\n  scrape_interval: 1h\n")
        proc = subprocess.Popen(["prometheus", f"--config.file={tmp}/p.yml", f"--storage.tsdb.path={tmp}/tsdb",
                                 "--storage.tsdb.retention.time=30d", f"--web.listen-address=127.0.0.1:{port}"],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        url = f"http://127.0.0.1:{port}"
        for _ in range(300):
            try:
                urllib.request.urlopen(url + "/-/ready", timeout=1)
                break
            except Exception:
                time.sleep(0.2)
        w_end, w_start = end - 600, end - 600 - 35 * 60  # the triage window
        coarse = max(15, (w_end - w_start) // 10)
        peers = [f"gpu{i:04d}" for i in range(2, 34)]
        names = ["gpu0001"] + peers
        old_nodes = f'topk(128, group by ({NODE_LABELS}) ({{job="dcgm-exporter"}}))'
        uname = "topk(128, node_uname_info{nodename=~`(?i)(" + "|".join(regex(n, False) for n in peers) + ")`})"
        pause = pause_selector(names)
        rows = [("before: the scrape job's nodes", old_nodes, coarse), ("after: node_uname_info of the 32 peers", uname, coarse),
                ("both: the 33 nodes' pause counters", pause, 15)]
        got = {}
        print(f"fleet: {a.nodes} nodes x 4 dcgm-exporter series + 3 node_exporter series; window 35 min; reps {a.reps}")
        for label, q, step in rows:
            wall, samples, series = query(url, q, w_start, w_end - 1, step, a.reps)
            got[label] = (wall, samples)
            print(f"{label:42s} {wall * 1000:9.1f} ms  {samples:9d} samples  {series:5d} series")
        b = got[rows[0][0]]; u = got[rows[1][0]]; p = got[rows[2][0]]
        print(f"peer queries before: {(b[0] + p[0]) * 1000:.1f} ms, {b[1] + p[1]} samples; after: "
              f"{(u[0] + p[0]) * 1000:.1f} ms, {u[1] + p[1]} samples; ratio before/after: "
              f"{(b[0] + p[0]) / (u[0] + p[0]):.1f}x time, {(b[1] + p[1]) / max(1, u[1] + p[1]):.1f}x samples")
        print(f"the node-list query alone: {b[0] / u[0]:.1f}x time, {b[1] / max(1, u[1]):.1f}x samples")
    finally:
        if proc:
            proc.terminate()
            proc.wait()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
