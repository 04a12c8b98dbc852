#!/usr/bin/env bash
# The shipped GPU rules (data/rules/gpu_training.rules) over series named and labelled EXACTLY as
# NVIDIA's dcgm-exporter exports them and Prometheus stores them, read through a REAL Prometheus
# (`vigil detect --data prom:...`):
#  1. backfills 3 h ending 2 h ago (`promtool tsdb create-blocks-from openmetrics`, 30 s points):
#     DCGM_FI_DEV_GPU_TEMP, _GPU_UTIL, _FB_USED and _XID_ERRORS of two hosts x 4 GPUs, each series
#     with dcgm-exporter's labels gpu, UUID, device, modelName="NVIDIA H200", Hostname, and the
#     scrape's instance and job="dcgm-exporter" (not a training job); gpu-node-a's GPUs (running a
#     job) also carry the workload's pod, namespace and container, as dcgm-exporter's Kubernetes
#     mapping adds them. No series has a `node` label.
#     gpu-node-a trains (GPUs at 64-66 C); gpu-node-b idles (36-38 C). Planted:
#       gpu-node-a gpu 2 at 80 C from minute 100 (a cooling fault: 14-16 C above its 3 peers under
#         the same load, below the 85 C limit, so only the peer comparison can see it);
#       gpu-node-a gpu 1 busy 10% in minutes 150-160 (an input stall on that GPU);
#       gpu-node-a gpu 0 memory +20 MiB/s in minutes 120-130, then freed (a leak);
#       gpu-node-b gpu 1 Xid 79 at minute 140 (fell off the bus), its series gone from minute 141;
#     and DCGM_FI_DEV_CLOCK_THROTTLE_REASONS (NVML's clock-event bitmask): gpu-node-a gpu 2 0x20 (SW
#       thermal slowdown) from minute 100 with its heat, gpu-node-a gpu 3 0x4 (SW power cap) in
#       minutes 60-70, gpu-node-b gpu 3 0x88 (HW power brake + HW slowdown: 136, above the 32 of
#       `>= 32`) in minutes 30-40; otherwise 0 on gpu-node-a (gpu 1: 0x2, application clocks) and
#       0x1 (idle) on gpu-node-b (gpu 0: 0x3, idle + application clocks): no fault. And the same
#       bitmask under dcgm-exporter 4.x's name, DCGM_FI_DEV_CLOCKS_EVENT_REASONS, from a third
#       host, gpu-node-f (upgraded; only that field of it here): gpu 1 0x40 (HW thermal slowdown)
#       from minute 50, gpu 2 0x80 (HW power brake) in minutes 20-30, gpu 3 0x4 (SW power cap) in
#       minutes 80-90; 0x1 otherwise (SM2, 2026-12-03: the rules read the 3.x name only before).
#     Beside them, two training jobs' `compute_ms` (per rank, 4 ranks each) as a plain Prometheus
#     scrape of the trainers stores it: the trainer's own `job` label renamed `exported_job`
#     (llm-70b at ~296 ms a step, llm-8b at ~120 ms), `job` the scrape job "trainers" for both,
#     plus rank and node; llm-8b's rank 2 computes 1.6x in minutes 60-80 (a straggler). And two
#     more jobs as Prometheus stores them with `honor_labels: true` (a Pushgateway, or a scrape
#     that keeps the target's labels): `job` is the training job itself (llm-13b at ~250 ms,
#     llm-1b at ~90 ms), no exported_job; llm-1b's rank 1 computes 1.6x in minutes 100-120.
#  2. starts its own `prometheus` on a free loopback port (its own --storage.tsdb.path in the temp
#     folder; stopped at exit);
#  3. `vigil detect --rules data/rules/gpu_training.rules --data 'prom:...'` and checks on the JSON
#     alerts: GpuThermalExcursion alerts on gpu-node-a gpu 2 and on no other GPU (its 3 peers, and
#     gpu-node-b's idle GPUs, which are more than 12 C below the cluster-wide median), its text
#     names the host and its GPUs' median; each other planted fault gets its rule's alert on its
#     GPU (GpuUtilDrop, GpuMemoryGrowth, GpuXidError, DcgmExporterStale; GpuThermalSlowdown on
#     gpu-node-a gpu 2 only, GpuPowerSlowdown on gpu-node-b gpu 3's power brake only (not on
#     gpu-node-a gpu 3's 10 minutes of SW power cap: a busy GPU at its limit), their
#     texts naming which reason bits are set) and nothing else alerts (not idle 0x1 or 0x2);
#     every DCGM alert's text names its series' Hostname and gpu and no label is `<... unset>`;
#     StragglerRank alerts on llm-8b's rank 2 and llm-1b's rank 1 only (its peers are the ranks
#     of its own training job: not every rank under the scrape job, and, where `job` is the
#     training job, not every job without an exported_job).
# The rules file of 9506856 fails it (checked: `RULES=<that file> bash tests/dcgm_exporter_rules_test.sh
# build-s`): its thermal rule grouped `by (node)`, which dcgm-exporter's series do not have, so all
# 8 GPUs of both hosts made one group (median ~51 C) and the 3 healthy GPUs of gpu-node-a, 65 C, paged
# too; every DCGM text read `<node unset>`; StragglerRank (`by (job)`) compared llm-70b's ranks with
# llm-8b's and flagged all four of them. `by (exported_job)` alone fails it too (checked: llm-13b's
# 4 ranks alert, compared with llm-1b's under the empty exported_job).
# Skipped (exit 77) only when prometheus / promtool / curl are missing (scripts/test installs them).
# Usage: bash tests/dcgm_exporter_rules_test.sh <build-dir>   (from the repo root)
source "$(dirname "$0")/lib/e2e.sh" "$@"
for b in prometheus promtool curl; do  # curl: the readiness wait
  command -v "$b" >/dev/null || { echo "SKIP: $b not installed (scripts/test installs the prometheus and curl packages)"; exit 77; }
done
PY=/usr/bin/python3
RULES=${RULES:-data/rules/gpu_training.rules}  # RULES=other.rules to check another file
source "$HERE/lib/prometheus.sh"  # backfill, start_prometheus; the server is stopped at exit

NOW=$(date +%s)
S=$(( (NOW - 5 * 3600) / 60 * 60 ))  # 3 h from here, ending 2 h ago, on a minute
E=$((S + 3 * 3600 - 30))
"$PY" - "$S" "$TMP/dcgm.om" <<'PY'
import hashlib, random, sys
S, out = int(sys.argv[1]), sys.argv[2]
N = 3 * 120  # 3 h at 30 s
HOSTS = {"gpu-node-a": "10.0.0.11:9400", "gpu-node-b": "10.0.0.12:9400"}
INSTANCES = dict(HOSTS, **{"gpu-node-f": "10.0.0.16:9400"})  # gpu-node-f: dcgm-exporter 4.x
rng = random.Random(20261201)

def labels(host, gpu):
    h = hashlib.md5(f"{host}/{gpu}".encode()).hexdigest()
    uuid = f"GPU-{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:32]}"
    # dcgm-exporter's own labels, then Prometheus's target labels (instance, job).
    ls = [("gpu", str(gpu)), ("UUID", uuid), ("device", f"nvidia{gpu}"), ("modelName", "NVIDIA H200"),
          ("Hostname", host)]
    if host == "gpu-node-a":  # the Kubernetes pod using the GPU
        ls += [("container", "trainer"), ("namespace", "training"), ("pod", "llm-70b-worker-0")]
    ls += [("instance", INSTANCES[host]), ("job", "dcgm-exporter")]
    return ",".join(f'{k}="{v}"' for k, v in ls)

def gone(host, gpu, m):  # gpu-node-b gpu 1 fell off the bus at minute 140: its series end at 141
    return host == "gpu-node-b" and gpu == 1 and m >= 141

def value(metric, host, gpu, m):
    busy = host == "gpu-node-a"
    if metric == "DCGM_FI_DEV_GPU_TEMP":
        if busy and gpu == 2 and m >= 100:
            return 80 + rng.uniform(-0.5, 0.5)
        return (64 if busy else 36) + gpu * 0.5 + rng.uniform(-0.8, 0.8)
    if metric == "DCGM_FI_DEV_GPU_UTIL":
        if not busy:
            return 0
        return 10 if gpu == 1 and 150 <= m < 160 else rng.choice((97, 98, 99, 100))
    if metric == "DCGM_FI_DEV_FB_USED":
        if not busy:
            return 0
        used = 40960.0 + 256 * gpu
        if gpu == 0 and 120 <= m < 130:
            used += 20 * (m - 120) * 60
        return used
    if metric == "DCGM_FI_DEV_XID_ERRORS":
        return 79 if host == "gpu-node-b" and gpu == 1 and m >= 140 else 0
    if metric == "DCGM_FI_DEV_CLOCK_THROTTLE_REASONS":
        if busy:
            if gpu == 2 and m >= 100:
                return 0x20
            if gpu == 3 and 60 <= m < 70:
                return 0x4
            return 0x2 if gpu == 1 else 0
        if gpu == 3 and 30 <= m < 40:
            return 0x88
        return 0x3 if gpu == 0 else 0x1

with open(out, "w") as f:
    for metric, help_ in (("DCGM_FI_DEV_GPU_TEMP", "GPU temperature (in C)."),
                          ("DCGM_FI_DEV_GPU_UTIL", "GPU utilization (in %)."),
                          ("DCGM_FI_DEV_FB_USED", "Framebuffer memory used (in MiB)."),
                          ("DCGM_FI_DEV_XID_ERRORS", "Value of the last XID error encountered."),
                          ("DCGM_FI_DEV_CLOCK_THROTTLE_REASONS", "Current clock throttle reasons.")):
        f.write(f"# HELP {metric} {help_}\n# TYPE {metric} gauge\n")
        for host in HOSTS:
            for gpu in range(4):
                for i in range(N):
                    m = i / 2
                    if gone(host, gpu, m):
                        break
                    v = value(metric, host, gpu, m)
                    f.write(f"{metric}{{{labels(host, gpu)}}} {v:g} {S + 30 * i}\n")
    # dcgm-exporter 4.x's name of the clock-event reasons, from gpu-node-f.
    f.write("# HELP DCGM_FI_DEV_CLOCKS_EVENT_REASONS Current clock event reasons.\n"
            "# TYPE DCGM_FI_DEV_CLOCKS_EVENT_REASONS gauge\n")
    for gpu in range(4):
        for i in range(N):
            m = i / 2
            v = 0x1
            if gpu == 1 and m >= 50:
                v = 0x40
            elif gpu == 2 and 20 <= m < 30:
                v = 0x80
            elif gpu == 3 and 80 <= m < 90:
                v = 0x4
            f.write(f"DCGM_FI_DEV_CLOCKS_EVENT_REASONS{{{labels('gpu-node-f', gpu)}}} {v:g} {S + 30 * i}\n")
    # Four training jobs' per-rank compute time. llm-70b and llm-8b scraped by one Prometheus job
    # ("trainers") without honor_labels: the trainer's `job` is stored as `exported_job`. llm-13b
    # and llm-1b kept as the trainer labels them (honor_labels: true): `job` is the training job.
    # A straggler (1.6x) in llm-8b (rank 2, minutes 60-80) and in llm-1b (rank 1, minutes 100-120).
    f.write("# HELP compute_ms Forward + backward time of a step (ms).\n# TYPE compute_ms gauge\n")
    slow = {"llm-8b": (2, 60, 80), "llm-1b": (1, 100, 120)}
    for tjob, base, node, ip, honor in (("llm-70b", 296.0, "gpu-node-a", "10.1.0.21", False),
                                        ("llm-8b", 120.0, "gpu-node-c", "10.1.0.31", False),
                                        ("llm-13b", 250.0, "gpu-node-d", "10.1.0.41", True),
                                        ("llm-1b", 90.0, "gpu-node-e", "10.1.0.51", True)):
        for rank in range(4):
            ls = (f'job="{tjob}"' if honor else f'exported_job="{tjob}",job="trainers"') + \
                f',instance="{ip}:{8000 + rank}",node="{node}",rank="{rank}"'
            for i in range(N):
                m = i / 2
                v = base * (1 + rng.uniform(-0.01, 0.01))
                if tjob in slow and rank == slow[tjob][0] and slow[tjob][1] <= m < slow[tjob][2]:
                    v *= 1.6
                f.write(f"compute_ms{{{ls}}} {v:.1f} {S + 30 * i}\n")
    f.write("# EOF\n")
PY
backfill "$TMP/dcgm.om" "$TMP/tsdb"
start_prometheus "$TMP/tsdb"

# What Prometheus holds is what dcgm-exporter gives: no `node` label, job="dcgm-exporter".
Q='{__name__=~"DCGM_FI_DEV_.*|compute_ms"}'
check "Prometheus serves the exporter's label set" 0 '"Hostname":"gpu-node-a".*"job":"dcgm-exporter".*"modelName":"NVIDIA H200"' \
  -- curl -sfG "$URL/api/v1/series" --data-urlencode "match[]=DCGM_FI_DEV_GPU_TEMP{Hostname=\"gpu-node-a\",gpu=\"2\"}" \
  --data-urlencode "start=$S" --data-urlencode "end=$E"
check "no series has a node label" 0 '^\{"status":"success","data":\[\]\}$' \
  -- curl -sfG "$URL/api/v1/series" --data-urlencode 'match[]={__name__=~"DCGM_FI_DEV_.*",node!=""}' \
  --data-urlencode "start=$S" --data-urlencode "end=$E"

"$VIGIL" detect --rules "$RULES" --data "prom:$URL?query=$Q&start=$S&end=$E&step=30s" >"$TMP/alerts.jsonl" 2>"$TMP/detect.err"
rc=$?
[ "$rc" = 0 ] && passed=$((passed + 1)) || { bad "detect exit $rc"; cat "$TMP/detect.err"; }
check "detect read all 60 series" 0 'over 60 series' -- cat "$TMP/detect.err"
sed 's/^/  /' "$TMP/detect.err"

# One line per alert: rule, Hostname and gpu (a DCGM series) or the training job (exported_job, else
# job) and rank (a trainer's),
# minute after S when it became pending, summary.
"$PY" - "$TMP/alerts.jsonl" "$S" >"$TMP/alerts.txt" <<'PY'
import json, sys
S = int(sys.argv[2])
for line in open(sys.argv[1]):
    if line.strip():
        a = json.loads(line)
        l = a["labels"]
        who = (l.get("Hostname", "-"), l.get("gpu", "-")) if "rank" not in l else (l.get("exported_job", l.get("job", "-")), l["rank"])
        print("%s|%s|%s|%.1f|%s" % ((a["rule"],) + who + ((a["active_at_ms"] / 1000 - S) / 60, a["annotations"]["summary"])))
PY
sed 's/^/  /' "$TMP/alerts.txt"

# The hot GPU alerts, once, from the peer comparison (it stays below 85 C): its text names the
# host and the median of that host's GPUs (~65 C), not `<node unset>` or the cluster's median.
check "thermal: gpu-node-a gpu 2 alerts, text names its host" 0 \
  '^GpuThermalExcursion\|gpu-node-a\|2\|10[0-9]\.[0-9]\|gpu-node-a gpu 2 at 80(\.[0-9]+)? C \(median of gpu-node-a'"'"'s GPUs now 6[4-6](\.[0-9]+)? C\)$' \
  -- cat "$TMP/alerts.txt"
check "thermal: no alert on its 3 peers or on gpu-node-b's GPUs" 0 '^1$' \
  -- bash -c 'grep -c "^GpuThermalExcursion|" "$1"; true' _ "$TMP/alerts.txt"
# The other DCGM rules, each on its planted GPU, their texts naming host and GPU.
check "GpuUtilDrop: gpu-node-a gpu 1's stall" 0 '^GpuUtilDrop\|gpu-node-a\|1\|15[0-9]\.[0-9]\|gpu-node-a gpu 1 busy ' \
  -- cat "$TMP/alerts.txt"
check "GpuMemoryGrowth: gpu-node-a gpu 0's leak" 0 '^GpuMemoryGrowth\|gpu-node-a\|0\|12[0-9]\.[0-9]\|gpu-node-a gpu 0 uses ' \
  -- cat "$TMP/alerts.txt"
check "GpuXidError: gpu-node-b gpu 1" 0 '^GpuXidError\|gpu-node-b\|1\|140\.0\|gpu-node-b gpu 1 reported Xid 79$' \
  -- cat "$TMP/alerts.txt"
check "DcgmExporterStale: gpu-node-b gpu 1 gone" 0 '^DcgmExporterStale\|gpu-node-b\|1\|14[0-9]\.[0-9]\|no DCGM temperature from gpu-node-b gpu 1 for 2 minutes' \
  -- cat "$TMP/alerts.txt"
# The straggler among the ranks of its own training job (exported_job), not of the scrape job.
check "StragglerRank: llm-8b rank 2 only" 0 '^StragglerRank\|llm-8b\|2\|6[0-9]\.[0-9]\|rank 2 on gpu-node-c computes 19[0-9](\.[0-9]+)? ms a step vs 1[12][0-9](\.[0-9]+)? ms' \
  -- cat "$TMP/alerts.txt"
check "StragglerRank: llm-1b rank 1 (job is the training job, no exported_job)" 0 '^StragglerRank\|llm-1b\|1\|10[0-9]\.[0-9]\|rank 1 on gpu-node-e computes 14[0-9](\.[0-9]+)? ms a step vs (89|9[01])(\.[0-9]+)? ms' \
  -- cat "$TMP/alerts.txt"
check "StragglerRank: twice, nowhere else" 0 '^2$' -- bash -c 'grep -c "^StragglerRank|" "$1"; true' _ "$TMP/alerts.txt"
# Clock-event reasons: heat on the hot GPU only, power where the HW power brake is set (not the SW
# power cap alone); not on idle (0x1) or application clocks (0x2), and the power brake (0x88 = 136)
# is no heat.
check "GpuThermalSlowdown: gpu-node-a gpu 2, text names the bits" 0 \
  '^GpuThermalSlowdown\|gpu-node-a\|2\|100\.0\|gpu-node-a gpu 2 clocks slowed by heat: clock-event reasons 32 \(SW thermal slowdown 0x20: 1, HW thermal slowdown 0x40: 0; 1 = set\)$' \
  -- cat "$TMP/alerts.txt"
check "GpuThermalSlowdown: once" 0 '^1$' -- bash -c 'grep -c "^GpuThermalSlowdown|" "$1"; true' _ "$TMP/alerts.txt"
check "GpuPowerSlowdown: gpu-node-b gpu 3's power brake" 0 \
  '^GpuPowerSlowdown\|gpu-node-b\|3\|30\.0\|gpu-node-b gpu 3 clocks held down by the HW power brake: clock-event reasons 136 \(HW power brake 0x80: 1, SW power cap 0x4: 0; 1 = set\)$' \
  -- cat "$TMP/alerts.txt"
check "GpuPowerSlowdown: once (not for gpu-node-a gpu 3's SW power cap alone)" 0 '^1$' -- bash -c 'grep -c "^GpuPowerSlowdown|" "$1"; true' _ "$TMP/alerts.txt"
# The same rules on dcgm-exporter 4.x's name (the ...Dcgm4 pair): heat on gpu-node-f gpu 1, the power
# brake on its gpu 2, nothing for its gpu 3's SW power cap or the idle bit.
check "GpuThermalSlowdownDcgm4: gpu-node-f gpu 1, text names the bits" 0 \
  '^GpuThermalSlowdownDcgm4\|gpu-node-f\|1\|50\.0\|gpu-node-f gpu 1 clocks slowed by heat: clock-event reasons 64 \(SW thermal slowdown 0x20: 0, HW thermal slowdown 0x40: 1; 1 = set\)$' \
  -- cat "$TMP/alerts.txt"
check "GpuPowerSlowdownDcgm4: gpu-node-f gpu 2's power brake" 0 \
  '^GpuPowerSlowdownDcgm4\|gpu-node-f\|2\|20\.0\|gpu-node-f gpu 2 clocks held down by the HW power brake: clock-event reasons 128 \(HW power brake 0x80: 1, SW power cap 0x4: 0; 1 = set\)$' \
  -- cat "$TMP/alerts.txt"
check "gpu-node-f: those two alerts only" 0 '^2$' -- bash -c 'grep -c "|gpu-node-f|" "$1"; true' _ "$TMP/alerts.txt"
check "nothing else alerts" 0 '^11$' -- bash -c 'grep -c . "$1"; true' _ "$TMP/alerts.txt"
# Every text names its series' host and GPU; no label of a template is missing.
check "no text reads <... unset>" 0 '^0$' -- bash -c 'grep -c "unset>" "$1"; true' _ "$TMP/alerts.txt"
check "every DCGM text names its Hostname and gpu" 0 '^0$' -- bash -c \
  'grep -v "^StragglerRank|" "$1" | awk -F"|" "index(\$5, \$2 \" gpu \" \$3) == 0" | grep -c .; true' _ "$TMP/alerts.txt"

echo "dcgm_exporter_rules_test: $passed passed, $fail failed"
[ "$fail" = 0 ]
