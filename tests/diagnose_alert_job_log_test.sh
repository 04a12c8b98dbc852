#!/usr/bin/env bash
# Live triage reads the alerted job's own log (LOGC, agents/job_logs.h, connectors/job_log_source.h)
# against a REAL Slurm (tests/lib/slurm.sh: slurmctld + slurmd + munge, one node): a batch job
# prints what a training job prints when its GPU falls off the bus (iteration lines, NCCL WARN, the
# CUDA error, the Xid its own dmesg dump shows) into its --output file and keeps running; then
# `vigil diagnose --alert` for an alert naming that job by `slurm_job_id`:
#   - scontrol show job names its StdOut (the %x-%j pattern expanded), the tail is read, the
#     answer is gpu_fallen_off_bus and cites a line of the job's log (source job/<id>/stdout);
#     without the job label, or with job_log_slurm=false, it is not (the alert alone);
#   - bad input, each one note and the rest of the triage unchanged (exit 0): an unknown job id, a
#     job whose StdOut is /dev/null, a job whose output file was removed;
#   - job_log_path (no Slurm): a 2 GB sparse file (its last 1 MiB read), a file of binary bytes
#     (replaced), a symlink loop in the glob (said), a template without {job} (refused, exit 2);
#   - `vigil serve`: the alert posted as a webhook, its incident's diagnosis cites the job's log;
#   - slurmctld down: "Slurm unreachable", still a diagnosis.
# Fails with a binary before LOGC (no job log read: the answer is not gpu_fallen_off_bus, no note).
#   bash tests/diagnose_alert_job_log_test.sh BUILD_DIR   (needs root to run slurmd; exit 77 = skipped)
set -u
build=$(cd "${1:?usage: diagnose_alert_job_log_test.sh BUILD_DIR}" && pwd)
vigil="$build/bin/vigil"
source tests/lib/check.sh
source tests/lib/slurm.sh
command -v sbatch >/dev/null || { echo "SKIP: sbatch not installed"; exit 77; }
VG=("$vigil" --log-level error --data-dir "$tmp/var" --prometheus-url "" --alertmanager-url "")
mkdir -p "$tmp/logs"
now=$(date -u +%Y-%m-%dT%H:%M:%SZ)
stamp() { date -u -d "$1" '+%Y-%m-%d %H:%M:%S'; }
cat >"$tmp/train.sh" <<SH
#!/bin/bash
echo "[$(stamp '-20 min')] iteration 1200/50000 | consumed samples 2457600 | lm loss 1.932 | step time 0.81 s"
echo "[$(stamp '-3 min')] $node:31337:31402 [3] NCCL WARN Cuda failure 'unspecified launch failure'"
echo "[$(stamp '-3 min')] [rank3]: RuntimeError: CUDA error: unspecified launch failure"
echo "[$(stamp '-3 min')] [rank3]: dmesg: NVRM: Xid (PCI:0000:9b:00): 79, pid=31337, name=python, GPU has fallen off the bus."
sleep 600
SH
chmod +x "$tmp/train.sh"
submit() { sbatch --parsable -p probes "$@" | cut -d';' -f1; }
job=$(submit -J llama-pretrain -o "$tmp/logs/%x-%j.out" "$tmp/train.sh") || { echo "FAIL: sbatch"; exit 1; }
null_job=$(submit -J quiet -o /dev/null --wrap "echo quiet")
gone_job=$(submit -J gone -o "$tmp/logs/gone-%j.out" --wrap "echo hello")
# (2 cores: the first job runs, the others may wait; a job that ended stays known for MinJobAge, 300 s)
# Up to 120 s (FLK1: was 30 s, and the `gone` job's log was removed whether or not it had been
# written: a job that started later wrote it after the rm, and "output file removed" failed).
for _ in $(seq 1 600); do
  grep -q Xid "$tmp/logs/llama-pretrain-$job.out" 2>/dev/null && [ -s "$tmp/logs/gone-$gone_job.out" ] && break
  sleep 0.2
done
grep -q Xid "$tmp/logs/llama-pretrain-$job.out" || { echo "FAIL: the job wrote no log: $(squeue 2>&1)"; exit 1; }
[ -s "$tmp/logs/gone-$gone_job.out" ] || { echo "FAIL: job $gone_job (gone) wrote no log within 120 s: $(squeue 2>&1)"; exit 1; }
rm -f "$tmp/logs/gone-$gone_job.out"
echo "job $job writes $tmp/logs/llama-pretrain-$job.out: $(scontrol show job -o "$job" | grep -o 'StdOut=[^ ]*')"

alert() {  # alert FILE LABELS-JSON
  cat >"$1" <<JSON
{"version":"4","status":"firing","receiver":"vigil","groupLabels":{},"commonLabels":{},"commonAnnotations":{},
 "externalURL":"http://am","alerts":[{"status":"firing",
 "labels":{"alertname":"TrainingStalled","node":"$node","job":"llama-pretrain","severity":"critical"$2},
 "annotations":{"summary":"training job llama-pretrain made no step for 10 minutes"},
 "startsAt":"$now","endsAt":"0001-01-01T00:00:00Z","fingerprint":"j0b1"}]}
JSON
}
alert "$tmp/a.json" ",\"slurm_job_id\":\"$job\""
check "job log read, the answer from it" 0 "root_cause: +gpu_fallen_off_bus" -- "${VG[@]}" diagnose --alert "$tmp/a.json" --no-probes
check "a line of the job's log cited" 0 "e[0-9]+ \[log \+[0-9.]+\] job/$job/stdout\+stderr:[0-9]+" -- "${VG[@]}" diagnose --alert "$tmp/a.json" --no-probes
check "what was read, said" 0 "job log: $job \(label slurm_job_id, slurm \(scontrol show job\)\): $tmp/logs/llama-pretrain-$job.out \(stdout\+stderr\): 4 lines read as job/$job/stdout\+stderr" -- \
  "${VG[@]}" diagnose --alert "$tmp/a.json" --no-probes
"${VG[@]}" diagnose --alert "$tmp/a.json" --no-probes --json >"$tmp/a.out" 2>&1
/usr/bin/python3 - "$tmp/a.out" "$job" <<'PY' && passed=$((passed + 1)) || bad "--json: no evidence item from the job's log"
import json, sys
r = json.load(open(sys.argv[1]))[0]
ev = r["diagnosis"]["evidence"] if "diagnosis" in r else r["evidence"]
sys.exit(0 if any(e.get("source", "").startswith("job/" + sys.argv[2] + "/stdout+stderr:") and "Xid" in e.get("detail", "") for e in ev) else 1)
PY
alert "$tmp/nolabel.json" ""
check "no job label: said, no job log" 0 "job log: not read \(the alert names no job id" -- "${VG[@]}" diagnose --alert "$tmp/nolabel.json" --no-probes
out=$("${VG[@]}" diagnose --alert "$tmp/nolabel.json" --no-probes 2>&1)
grep -q "root_cause: +gpu_fallen_off_bus" <<<"$out" && bad "the alert alone answered gpu_fallen_off_bus: the job-log check above proves nothing"
check "job_log_slurm=false: not read" 0 "^" -- "${VG[@]}" --job-log-slurm false diagnose --alert "$tmp/a.json" --no-probes
out=$("${VG[@]}" --job-log-slurm false diagnose --alert "$tmp/a.json" --no-probes 2>&1)
grep -q "job/$job/stdout" <<<"$out" && bad "job_log_slurm=false still read the job's log"

# Bad input: each one note, a diagnosis all the same.
alert "$tmp/unknown.json" ",\"slurm_job_id\":\"987654\""
check "unknown job" 0 "job log: slurm job 987654 not read: the job is unknown to Slurm \(.*Invalid job id" -- \
  "${VG[@]}" diagnose --alert "$tmp/unknown.json" --no-probes
alert "$tmp/null.json" ",\"slurm_job_id\":\"$null_job\""
check "StdOut /dev/null" 0 "slurm job $null_job's StdOut /dev/null: not read: not a regular file: a character device" -- \
  "${VG[@]}" diagnose --alert "$tmp/null.json" --no-probes
alert "$tmp/gone.json" ",\"slurm_job_id\":\"$gone_job\""
check "output file removed" 0 "gone-$gone_job.out: not read: no such file \(Slurm writes it on the batch host" -- \
  "${VG[@]}" diagnose --alert "$tmp/gone.json" --no-probes

# job_log_path: a cluster without Slurm.
mkdir -p "$tmp/jobs/555"
truncate -s 2G "$tmp/jobs/555/big.log"
printf '\n[%s] %s:1:2 [5] NCCL WARN Cuda failure '"'"'unspecified launch failure'"'"'\n[%s] dmesg: NVRM: Xid (PCI:0000:9b:00): 79, pid=1, GPU has fallen off the bus.\n' \
  "$(stamp '-2 min')" "$node" "$(stamp '-2 min')" >>"$tmp/jobs/555/big.log"
head -c 3000 /dev/urandom >"$tmp/jobs/555/binary.log"
ln -s "$tmp/jobs/555/loop-b.log" "$tmp/jobs/555/loop-a.log"
ln -s "$tmp/jobs/555/loop-a.log" "$tmp/jobs/555/loop-b.log"
alert "$tmp/p.json" ",\"jobid\":\"555\""
P=("${VG[@]}" --job-log-path "$tmp/jobs/{job}/*.log")
start=$(date +%s.%N)
check "2 GB sparse file: only its tail" 0 "big.log: 2 lines read as job/555/big.log, from its last 1.0 MiB of 2.0 GiB" -- "${P[@]}" diagnose --alert "$tmp/p.json" --no-probes
echo "a 2 GB file's triage took $(echo "$(date +%s.%N) - $start" | bc) s"
check "2 GB sparse file: the answer from its tail" 0 "root_cause: +gpu_fallen_off_bus" -- "${P[@]}" diagnose --alert "$tmp/p.json" --no-probes
check "binary bytes replaced" 0 "binary.log: [0-9]+ lines read as job/555/binary.log.* bytes not UTF-8 text replaced by U\+FFFD" -- "${P[@]}" diagnose --alert "$tmp/p.json" --no-probes
check "symlink loop said" 0 "loop-a.log: a symlink loop" -- "${P[@]}" diagnose --alert "$tmp/p.json" --no-probes
check "template without {job}" 2 "job_log_path .*names no \{job\}" -- "${VG[@]}" --job-log-path "$tmp/jobs/x.log" diagnose --alert "$tmp/p.json" --no-probes
check "job_log_max_lines 0" 2 "job_log_max_lines: 0 is not a whole number from 1 to 100000" -- "${VG[@]}" --job-log-max-lines 0 diagnose --alert "$tmp/p.json" --no-probes

# vigil serve's Alertmanager path: the same alert posted as a webhook, triaged by a worker.
if command -v curl >/dev/null; then
  VIGIL=$vigil PIDS=() PY=/usr/bin/python3
  source tests/lib/serve.sh  # start_serve, wait_for, fetch_incidents
  start_serve "$tmp/serve.log" --log-level error --data-dir "$tmp/serve-var" --prometheus-url "" --alertmanager-url "" \
    serve --listen 127.0.0.1:0 --no-probes
  check "serve: webhook accepted" 0 '' -- curl -sf -XPOST -H 'Content-Type: application/json' --data-binary @"$tmp/a.json" "$V/api/v1/alerts"
  wait_for 120 'j["count"] == 1 and all(i["state"] == "diagnosed" for i in j["incidents"])' && passed=$((passed + 1)) ||
    bad "serve: no diagnosed incident within 120 s: $(curl -s "$V/api/v1/incidents")"
  fetch_incidents "$tmp/incident-"
  "$PY" - "$tmp" "$job" <<'PY' && passed=$((passed + 1)) || bad "serve: the job's log not read or not cited (above)"
import glob, json, sys
inc = [json.load(open(f)) for f in glob.glob(sys.argv[1] + "/incident-*.json")]
d = inc[0]["diagnosis"]
src = "job/" + sys.argv[2] + "/stdout+stderr:"
assert d["root_cause"] == "gpu_fallen_off_bus", d["root_cause"]
assert any(e["source"].startswith(src) and "Xid" in e["detail"] for e in d["evidence"]), d["evidence"]
assert any(u.startswith("job log: " + sys.argv[2] + " (label slurm_job_id") for u in d["unverified"]), d["unverified"]
PY
  kill "$VPID" 2>/dev/null; wait "$VPID" 2>/dev/null
fi

# slurmctld down (last): Slurm unreachable, a diagnosis all the same.
scontrol shutdown slurmctld >/dev/null 2>&1
for _ in $(seq 1 50); do scontrol ping 2>&1 | grep -q DOWN && break; sleep 0.2; done
check "Slurm down" 0 "job log: slurm job $job not read: Slurm unreachable" -- "${VG[@]}" diagnose --alert "$tmp/a.json" --no-probes

echo "passed $passed, failed $fail"
[ "$fail" = 0 ]
