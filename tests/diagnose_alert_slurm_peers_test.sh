#!/usr/bin/env bash
# Live triage takes the alert's peers from its Slurm job's NodeList (agents/peer_series.h, TRI3),
# against a REAL Slurm (tests/lib/slurm.sh: slurmctld, munge and four slurmd: this host's node and
# vgpu01..vgpu03, each its own daemon on 127.0.0.1) and a REAL Prometheus (backfilled history):
#  1. a batch job on the four nodes (`sbatch -N 4`: NodeList=vgpu[01-03],<node>, expanded by Vigil)
#     and an array task (`sbatch --array=7 -N 2 -w <node>,vgpu03`: id <job>_7); a heterogeneous job
#     (TRI4: `#SBATCH hetjob`, component +0 on vgpu01, +1 on vgpu02; Debian 12's Slurm 22.05 runs it
#     with this cluster's select/cons_tres);
#  2. history: node_exporter's pause counters of <node> and vgpu01 (by instance host:port) and of
#     vgpu02 by ADDRESS only (instance="127.0.0.12:9100", its node_uname_info{nodename="vgpu02"} on
#     the same instance), vgpu02's NIC sending PFC pause from the onset; vgpu03 has no series; a
#     dcgm-exporter fleet of 40 other nodes (fleet001..) all under job="dcgm-exporter";
#  3. a dcgm-exporter alert (job="dcgm-exporter") on <node> with slurm_job_id: the peers are the
#     job's nodes (vgpu01..03), vgpu02 matched by its address, vgpu03's missing series said, no
#     fleet node read; the array task's id is read as one; without slurm_job_id: "no job's node
#     list" and no fleet node read; a job unknown to Slurm, then slurmctld down: said, exit 0, the
#     alert's own triage kept; an alert on vgpu01 with the het job's base id: both components'
#     NodeLists read, vgpu02 its peer (before TRI4: the first component's, vgpu01 alone: no peer).
# Before TRI3: the 32 first fleet nodes by name were the "peers" (job="dcgm-exporter"), no node of
# the Slurm job was read. Skipped (exit 77) without prometheus / promtool / curl / sbatch, or root.
# Usage: bash tests/diagnose_alert_slurm_peers_test.sh <build-dir>   (from the repo root)
source "$(dirname "$0")/lib/e2e.sh" "$@"
require_tools prometheus promtool curl sbatch
source "$HERE/lib/prometheus.sh"  # free_port, PIDS, backfill, start_prometheus (its EXIT trap replaced below)
SLURM_EXTRA_NODES="vgpu01 vgpu02 vgpu03"
source "$HERE/lib/slurm.sh"       # sets tmp, node, SLURM_CONF; its cleanup
trap 'for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done; cleanup; wait 2>/dev/null; rm -rf "$TMP"' EXIT
PY=/usr/bin/python3
V=("$VIGIL" --log-level error --data-dir "$TMP/var" --alertmanager-url "")

# 1. The jobs.
job=$(sbatch --parsable -p probes -N 4 -J llama -o "$tmp/%x-%j.out" --wrap "sleep 900" | cut -d';' -f1) || { echo "FAIL: sbatch -N 4"; exit 1; }
arr=$(sbatch --parsable -p probes -N 2 -w "$node,vgpu03" --array=7 -J llama-sweep -o "$tmp/%x-%A_%a.out" --wrap "sleep 900" | cut -d';' -f1) || { echo "FAIL: sbatch --array"; exit 1; }
printf '#!/bin/bash\n#SBATCH -p probes\n#SBATCH -N 1\n#SBATCH -w vgpu01\n#SBATCH hetjob\n#SBATCH -p probes\n#SBATCH -N 1\n#SBATCH -w vgpu02\nsleep 900\n' >"$tmp/het.sh"
het=$(sbatch --parsable -J llama-het -o "$tmp/%x-%j.out" "$tmp/het.sh" | cut -d';' -f1) || { echo "FAIL: sbatch hetjob"; exit 1; }
for _ in $(seq 1 600); do  # up to 120 s (FLK1: was 30 s; Slurm's start of 4 jobs under ctest -j2)
  [ "$(squeue -h -j "$job" -o %T)" = RUNNING ] && [ "$(squeue -h -j "${arr}_7" -o %T)" = RUNNING ] &&
    [ "$(squeue -h -j "$het" -o %T | sort -u)" = RUNNING ] && break
  sleep 0.2
done
nodelist=$(scontrol show job -o "$job" | grep -o ' NodeList=[^ ]*')
echo "job $job: $nodelist; array task ${arr}_7: $(scontrol show job -o "${arr}_7" | grep -o ' NodeList=[^ ]*'); het job $het: $(scontrol show job -o "$het" | grep -o ' NodeList=[^ ]*' | tr '\n' ' ')"
[ "$(scontrol show job -o "$het" | grep -c '^JobId=')" = 2 ] || { echo "FAIL: het job $het not listed as 2 components: $(scontrol show job -o "$het")"; exit 1; }
[ "$(squeue -h -j "$job" -o %T)" = RUNNING ] || { echo "FAIL: job $job not running: $(squeue 2>&1)"; exit 1; }
grep -q '\[' <<<"$nodelist" || bad "NodeList $nodelist is no bracketed host list"

# 2. History: 2 h ending 2 h ago.
NOW=$(date +%s)
S=$(( (NOW - 4 * 3600) / 60 * 60 ))
ONSET=$((S + 3600))
"$PY" - "$S" "$ONSET" "$TMP/history.om" "$node" <<'PY'
import sys
S, onset, out, node = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], sys.argv[4]
times = range(S, S + 2 * 3600, 30)
hosts = {node: f'instance="{node}:9100"', "vgpu01": 'instance="vgpu01:9100"', "vgpu02": 'instance="127.0.0.12:9100"'}
with open(out, "w") as f:
    f.write("# TYPE node_uname_info gauge\n")
    for h, labels in hosts.items():
        for t in times:
            f.write(f'node_uname_info{{{labels},job="node",nodename="{h}",sysname="Linux"}} 1 {t}\n')
    for metric in ("node_ethtool_tx_prio3_pause", "node_ethtool_rx_prio3_pause"):
        f.write(f"# TYPE {metric} gauge\n")
        for h, labels in hosts.items():
            v = 1000.0
            for t in times:
                sends = h == "vgpu02" and metric.startswith("node_ethtool_tx")
                gets = h != "vgpu02" and metric.startswith("node_ethtool_rx")
                if t >= onset and (sends or gets):
                    v += 16000 if sends else 7800
                f.write(f'{metric}{{{labels},device="ens7np0",job="node"}} {v:.0f} {t}\n')
    f.write("# TYPE DCGM_FI_DEV_GPU_TEMP gauge\n")
    for h in [node] + [f"fleet{i:03d}" for i in range(1, 41)]:
        for t in times:
            f.write(f'DCGM_FI_DEV_GPU_TEMP{{Hostname="{h}",gpu="0",job="dcgm-exporter"}} 60 {t}\n')
    f.write("# EOF\n")
PY
backfill "$TMP/history.om" "$TMP/tsdb"
start_prometheus "$TMP/tsdb"
PROM=$URL

# alert_file FILE SLURM_ID [HOST]: dcgm-exporter's alert on HOST (the node), 5 min after the onset ("" = no id).
alert_file() {
  "$PY" - "$1" "$2" "$((ONSET + 300))" "${3:-$node}" <<'PY'
import datetime, json, sys
path, slurm, starts, node = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
at = datetime.datetime.fromtimestamp(starts, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
labels = {"alertname": "GpuTemperatureHigh", "Hostname": node, "gpu": "0", "job": "dcgm-exporter", "severity": "warning"}
if slurm:
    labels["slurm_job_id"] = slurm
json.dump({"labels": labels, "annotations": {"summary": f"GPU 0 on {node} runs hot"}, "startsAt": at}, open(path, "w"))
PY
}
# diagnose NAME SLURM_ID [HOST]: runs vigil on that alert into $TMP/NAME.out; exit 0 wanted.
diagnose() {
  alert_file "$TMP/$1.json" "$2" "${3:-}"
  "${V[@]}" diagnose --alert "$TMP/$1.json" --prometheus-url "$PROM" --no-probes --json >"$TMP/$1.out" 2>"$TMP/$1.err"
  local rc=$?
  [ "$rc" = 0 ] && passed=$((passed + 1)) || { bad "diagnose $1 exit $rc"; cat "$TMP/$1.err"; }
}
# notes NAME PYTHON-ASSERTS: the asserts run with d (the diagnosis), notes, series, node, job, arr, het.
notes() {
  "$PY" - "$TMP/$1.out" "$node" "$job" "$arr" "$het" <<PY && passed=$((passed + 1)) || bad "$1 (above)"
import json, sys
d = json.load(open(sys.argv[1]))[0]
node, job, arr, het = sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5]
notes, series = d["trace"][0]["notes"], d["trace"][0]["series"]
assert d["root_cause"], d
assert not any("fleet0" in s for s in series), [s for s in series if "fleet0" in s]
$2
PY
}

# 3. The job's nodes are the peers.
diagnose job "$job"
notes job '
want = f"peers: 3 other nodes of slurm job {job} read beside {node} (vgpu01, vgpu02, vgpu03): 1 by address (node_uname_info), 6 pause-counter series"
assert any(n.startswith(want) for n in notes), (want, notes)
assert any("no node_ethtool pause counters" in n and "for vgpu03 (" in n for n in notes), notes
assert any("node_ethtool_tx_prio3_pause" in s and "127.0.0.12:9100" in s for s in series), series
assert any("node_ethtool_rx_prio3_pause" in s and "vgpu01:9100" in s for s in series), series
'
diagnose array "${arr}_7"
notes array '
assert any(n.startswith(f"peers: 1 other nodes of slurm job {arr}_7 read beside {node}") for n in notes), notes
'
# The het job's base id: both components' nodes (TRI4).
diagnose het "$het" vgpu01
notes het '
assert f"peers: slurm job {het} is a heterogeneous job: its 2 components\x27 NodeLists read (+0: vgpu01, +1: vgpu02)" in notes, notes
want = f"peers: 1 other nodes of slurm job {het} read beside vgpu01 (vgpu02): 1 by address (node_uname_info), 4 pause-counter series"
assert any(n.startswith(want) for n in notes), (want, notes)
assert any("node_ethtool_tx_prio3_pause" in s and "127.0.0.12:9100" in s for s in series), series
'
diagnose none ""
notes none '
want = f"peers: no job\x27s node list: {node}\x27s peers not read (job=\"dcgm-exporter\" names an exporter\x27s scrape job, not a training job; the alert carries no Slurm job id"
assert any(n.startswith(want) for n in notes), (want, notes)
assert not any("vgpu" in s for s in series), series
'
diagnose unknown 987654
notes unknown '
assert any(n.startswith("peers: slurm job 987654\x27s node list (label slurm_job_id) not read from slurm (scontrol show job): the job is unknown to Slurm") for n in notes), notes
assert any(n.startswith("peers: no job\x27s node list") for n in notes), notes
'
# slurmctld down (last): said, a diagnosis all the same.
scontrol shutdown slurmctld >/dev/null 2>&1
for _ in $(seq 1 50); do scontrol ping 2>&1 | grep -q DOWN && break; sleep 0.2; done
diagnose down "$job"
notes down '
assert any(n.startswith(f"peers: slurm job {job}\x27s node list (label slurm_job_id) not read from slurm (scontrol show job): Slurm unreachable") for n in notes), notes
assert not any("vgpu" in s for s in series), series
'

echo "diagnose_alert_slurm_peers_test: $passed passed, $fail failed"
[ "$fail" = 0 ]
