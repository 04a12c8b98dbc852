#!/usr/bin/env bash
# End-to-end: `vigil diagnose` and `vigil eval diagnose` as a user runs them, with bad input.
set -u
BUILD="${1:-build}"
VIGIL="$BUILD/bin/vigil"
TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT
source "$(dirname "$0")/lib/check.sh"
V=("$VIGIL" --log-level error --data-dir "$TMP/var")
# The notes on how input was read (a UTF-16 file, a syslog host taken as the source, the progress on a
# terminal) are info: `--log-level error` keeps them off (DOG7), so the checks of them run at the default level.
VI=("$VIGIL" --data-dir "$TMP/var")
CASE=evals/diagnosis/dev/case-040.json  # cuda_oom behind NCCL timeouts

check "text output" 0 '^root_cause: +cuda_oom' -- "${V[@]}" diagnose --case "$CASE"
check "text sections" 0 'verification: [0-9]+ steps, planned' -- "${V[@]}" diagnose --case "$CASE"
out="$("${V[@]}" diagnose --case "$CASE" --json)"
if ! /usr/bin/python3 - "$out" <<'PY'
import json, sys
d = json.loads(sys.argv[1])
assert d["root_cause"] == "cuda_oom", d["root_cause"]
for k in ("component", "confidence", "evidence", "mitigation", "trace"):
    assert k in d, k
v = d["verification"]
assert set(("steps", "planned_s", "sequential_s")) <= set(v), v
assert v["planned_s"] <= v["sequential_s"] + 1e-9
assert all(e["source"] for e in d["evidence"])
PY
then echo "FAIL json output"; fail=$((fail + 1)); else passed=$((passed + 1)); fi
check "no probes" 0 'no probe executor' -- "${V[@]}" diagnose --case "$CASE" --no-probes
# A job-wide answer (case-031: NCCL_SOCKET_IFNAME wrong on every node): `job` said in words for
# people, kept as `job` in JSON (RVFIX2, 2026-12-03; before, `component:   job`).
JOBCASE=evals/diagnosis/dev/case-031.json
check "component: the whole job" 0 '^component: +the whole job \(no single component\)$' -- "${V[@]}" diagnose --case "$JOBCASE"
check "component: job in JSON" 0 '"component": "job"' -- "${V[@]}" diagnose --case "$JOBCASE" --json
# An unknown root cause has no place (OPS3, 2026-12-03): a GPU temperature alert read from the alert
# alone is `unknown` with its leading hypothesis' component `job`, and the text said "component: the
# whole job (no single component)", a finding nobody made. JSON keeps the stored `job`.
cat > "$TMP/hot.json" <<'JSON'
{"status": "firing", "labels": {"alertname": "GPUHighTemperature", "Hostname": "gpu-a02", "gpu": "3", "instance": "10.42.3.2:9400", "job": "dcgm-exporter", "severity": "warning"}, "annotations": {"summary": "GPU 3 on gpu-a02 at 88C for 5m"}, "startsAt": "2026-12-03T02:21:00Z"}
JSON
check "unknown: no place" 0 '^component: +not determined \(root cause unknown\)$' -- "${V[@]}" diagnose --alert "$TMP/hot.json" --no-probes

# Bad input.
check "missing case" 2 'case file .*nope.json' -- "${V[@]}" diagnose --case "$TMP/nope.json"
printf '{"id": "x",\n "logs": [ oops ]}' > "$TMP/garbage.json"
check "garbage json" 2 'garbage.json: line 2' -- "${V[@]}" diagnose --case "$TMP/garbage.json"
echo '{"id": "x", "logs": [{"source": "n1/dmesg", "lines": ["ok", 7]}]}' > "$TMP/badline.json"
check "wrong type" 2 'logs\[0\]\.lines\[1\]: expected a string' -- "${V[@]}" diagnose --case "$TMP/badline.json"
echo '{"id": "x"}' > "$TMP/empty.json"
check "nothing to diagnose" 2 'nothing to diagnose' -- "${V[@]}" diagnose --case "$TMP/empty.json"
printf '{"id": "g", "logs": [{"source": "node-1/rank0/stderr", "lines": ["\\u0001\\u0002 binary junk", "%s"]}]}' \
  "$(head -c 3000 /dev/zero | tr '\0' 'x')" > "$TMP/junk.json"
check "garbage logs" 0 'root_cause: +unknown' -- "${V[@]}" diagnose --case "$TMP/junk.json"
check "missing flag" 2 'case is required' -- "${V[@]}" diagnose

# A pasted log: plain text lines, no case file to write first (--log; before 2026-12-03, RV-OPS, only
# --case's JSON or an Alertmanager payload were read, so `--log` was an unknown option).
cat > "$TMP/pasted.log" <<'LOG'
[rank12]:[E1203 10:14:02.118771 5512 ProcessGroupNCCL.cpp:616] [Rank 12] Watchdog caught collective operation timeout: WorkNCCL(SeqNum=88213, OpType=ALLREDUCE, NumelIn=52428800, NumelOut=52428800, Timeout(ms)=600000) ran for 600041 milliseconds before timing out.
node-7:5512:5590 [4] NCCL INFO [Service thread] Connection closed by localRank 4

node-7:5512:5601 [4] transport/net_ib.cc:1295 NCCL WARN NET/IB : Got completion from peer 10.12.3.9<40121> with status=IBV_WC_RETRY_EXC_ERR(12) opcode=IBV_WC_SEND(0) len=0 vendor_err=129 localGid ::ffff:10.12.3.7 hca mlx5_3
LOG
check "log: a pasted log file" 0 '^root_cause: +ib_link_failure' -- "${V[@]}" diagnose --log "$TMP/pasted.log" --no-probes
check "log: evidence names the file's line" 0 'pasted\.log:4' -- "${V[@]}" diagnose --log "$TMP/pasted.log" --no-probes
check "log: stdin with its source" 0 '^component: +node-7/mlx5_3' -- \
  bash -c '"$@" < "'"$TMP"'/pasted.log"' _ "${V[@]}" diagnose --log - --log-source node-7/rank12/stderr --no-probes
# A kernel log as syslog writes it names its host in each line's header; without --log-source that
# host is the source's node (OPS3, 2026-12-03: gpu_fallen_off_bus was placed on "the whole job").
cat > "$TMP/kern.log" <<'LOG'
Dec  3 02:19:58 gpu-a17 kernel: [812345.123460] NVRM: Xid (PCI:0000:9d:00): 79, pid='<unknown>', name=<unknown>, GPU has fallen off the bus.
Dec  3 02:19:58 gpu-a17 kernel: [812345.123470] NVRM: GPU 0000:9d:00.0: GPU has fallen off the bus.
2026-12-03T02:20:03.120+00:00 gpu-a17 slurmd[2211]: error: [job 1234] task 27 (pid 48211) exited abnormally
LOG
check "log: syslog host is the node" 0 '^component: +gpu-a17' -- "${V[@]}" diagnose --log "$TMP/kern.log" --no-probes
check "log: syslog host said" 0 'syslog lines name one host, gpu-a17: read as the source gpu-a17/kern\.log' -- \
  "${VI[@]}" diagnose --log "$TMP/kern.log" --no-probes
sed 's/^Dec  3 02:19:58 gpu-a17/Dec  3 02:19:58 gpu-a18/; 3d' "$TMP/kern.log" > "$TMP/two.log"
sed -n 2p "$TMP/kern.log" >> "$TMP/two.log"
# Two hosts: no source is named, each line is placed on its own header's host (OPS4A: before, "the
# whole job"): gpu-a18's Xid 79 is the answer.
if "${V[@]}" diagnose --log "$TMP/two.log" --no-probes 2>&1 | grep -q 'read as the source'; then bad "log: two hosts name no source"; else passed=$((passed + 1)); fi
check "log: two hosts, each line its host" 0 '^component: +gpu-a18' -- "${V[@]}" diagnose --log "$TMP/two.log" --no-probes
# --log-source names the file's place; a line's header names its writer, which wins for that line (OPS4A).
if "${V[@]}" diagnose --log "$TMP/kern.log" --log-source node-9/kern.log --no-probes 2>&1 | grep -q 'read as the source'; then bad "log: --log-source names no header"; else passed=$((passed + 1)); fi
check "log: a header wins over --log-source" 0 '^component: +gpu-a17' -- "${V[@]}" diagnose --log "$TMP/kern.log" --log-source node-9/kern.log --no-probes
# A hang log whose one kernel line names its host in a syslog-style header (OPS4A, 2026-12-03): the
# summary says the job-wide place as the component line does (it said "nccl_collective_hang on job"),
# and the IB link down is placed on the host the header names (it was "on the whole job").
cat > "$TMP/hang.log" <<'LOG'
[2026-12-03 02:14:07,112] [INFO] [train.py:412] step 18200 loss=1.8342 lr=2.4e-4 tokens/s=412k
[rank27]:[E1203 02:24:07.334119 48211 ProcessGroupNCCL.cpp:616] [Rank 27] Watchdog caught collective operation timeout: WorkNCCL(SeqNum=91022, OpType=ALLREDUCE, NumelIn=262144000, NumelOut=262144000, Timeout(ms)=600000) ran for 600041 milliseconds before timing out.
[rank27]:[E1203 02:24:07.401213 48211 ProcessGroupNCCL.cpp:636] [Rank 27] To avoid data inconsistency, we are taking the entire process down.
[2026-12-03 02:24:09] gpu-a17 kernel: mlx5_core 0000:c1:00.0 ibp193s0: Link down
LOG
check "log: summary says the whole job" 0 '^summary: +nccl_collective_hang on the whole job \(no single component\): ' -- \
  "${V[@]}" diagnose --log "$TMP/hang.log" --no-probes
check "log: IB link down on its syslog host" 0 '^  [0-9.]+  ib_link_failure on gpu-a17' -- \
  "${V[@]}" diagnose --log "$TMP/hang.log" --no-probes
sed 's/^\[2026-12-03 02:24:09\] gpu-a17 kernel:/Dec  3 02:24:09 gpu-b03 kernel: [812345.1]/' "$TMP/hang.log" > "$TMP/hang_bsd.log"
check "log: IB link down on its BSD syslog host" 0 '^  [0-9.]+  ib_link_failure on gpu-b03' -- \
  "${V[@]}" diagnose --log "$TMP/hang_bsd.log" --no-probes
# The one host of the kernel line is not the whole paste's (OPS4A: rank 27's timeout was put on
# gpu-b03/rank27 when the file took that host as its source).
check "log: a mixed paste's hang stays job-wide" 0 '^component: +the whole job \(no single component\)$' -- \
  "${V[@]}" diagnose --log "$TMP/hang_bsd.log" --no-probes
# CRLF line ends and a byte that is not UTF-8: read, said in the diagnosis, valid JSON out.
printf 'NVRM: Xid (PCI:0000:9d:00): 48, pid=1, name=python, An uncorrectable double bit error (DBE)\r\nbinary \377 junk\r\n' > "$TMP/crlf.log"
out="$("${V[@]}" diagnose --log "$TMP/crlf.log" --log-source node-2/dmesg --no-probes --json)"
if ! /usr/bin/python3 - "$out" <<'PY'
import json, sys
d = json.loads(sys.argv[1])
assert d["root_cause"] == "gpu_memory_uncorrectable_ecc", d["root_cause"]
assert any("not UTF-8" in u for u in d["unverified"]), d["unverified"]
assert all(not e["detail"].endswith("\r") for e in d["evidence"])
PY
then echo "FAIL log: crlf / not UTF-8 json"; fail=$((fail + 1)); else passed=$((passed + 1)); fi
printf '\n  \n' > "$TMP/blank.log"
check "log: blank" 2 'blank.log: no log line in it' -- "${V[@]}" diagnose --log "$TMP/blank.log"
check "log: missing" 2 'nope.log' -- "${V[@]}" diagnose --log "$TMP/nope.log"
# A compressed log (rotated logs are .gz, journal exports .zst, sosreports .xz): refused with what to
# run instead. Before (review S35), its bytes were read as text, each one not UTF-8 a U+FFFD, and a
# diagnosis of that (exit 0) came out with only a note about bytes that are not UTF-8.
gzip -c "$TMP/pasted.log" > "$TMP/rank12.log.gz"
check "log: gzip-compressed" 2 'rank12\.log\.gz: gzip-compressed, not a text log: decompress it first \(zcat ' -- \
  "${V[@]}" diagnose --log "$TMP/rank12.log.gz" --no-probes
printf '\x28\xb5\x2f\xfd\x00junk' > "$TMP/journal.zst"
check "log: zstd-compressed" 2 'journal\.zst: zstd-compressed, not a text log: decompress it first \(zstdcat ' -- \
  "${V[@]}" diagnose --log "$TMP/journal.zst" --no-probes
check "log: gzip on stdin" 2 'stdin: gzip-compressed, not a text log' -- \
  bash -c '"$@" < "'"$TMP"'/rank12.log.gz"' _ "${V[@]}" diagnose --log - --no-probes
# A log saved on Windows: PowerShell's `>` writes UTF-16LE with a BOM, some tools UTF-16 with no
# BOM, Notepad UTF-8 with a BOM. Each NUL of UTF-16 is valid UTF-8, so it was read as noise with no
# word and answered `unknown`, exit 0; a UTF-8 BOM hid the first line's syslog header (RVU, 2026-12-04).
iconv -f utf-8 -t utf-16 "$TMP/pasted.log" > "$TMP/pasted-utf16.log"
check "log: UTF-16 with a BOM" 0 '^root_cause: +ib_link_failure' -- "${V[@]}" diagnose --log "$TMP/pasted-utf16.log" --no-probes
check "log: UTF-16 said" 0 'pasted-utf16\.log: UTF-16LE text \(byte order mark\), read as UTF-8' -- \
  "${VI[@]}" diagnose --log "$TMP/pasted-utf16.log" --no-probes
iconv -f utf-8 -t utf-16le "$TMP/kern.log" > "$TMP/kern-utf16le.log"
check "log: UTF-16LE without a BOM" 0 '^component: +gpu-a17' -- "${V[@]}" diagnose --log "$TMP/kern-utf16le.log" --no-probes
iconv -f utf-8 -t utf-16be "$TMP/pasted.log" > "$TMP/pasted-utf16be.log"
check "log: UTF-16BE on stdin" 0 '^root_cause: +ib_link_failure' -- \
  bash -c '"$@" < "'"$TMP"'/pasted-utf16be.log"' _ "${V[@]}" diagnose --log - --no-probes
{ printf '\xef\xbb\xbf'; sed 's/$/\r/' "$TMP/kern.log"; } > "$TMP/kern-bom-crlf.log"
check "log: UTF-8 BOM and CRLF" 0 '^component: +gpu-a17' -- "${V[@]}" diagnose --log "$TMP/kern-bom-crlf.log" --no-probes
# An alert saved as UTF-16 is read as the UTF-8 it converts to (losslessly), and said; it was
# refused before (exit 2), and before that "not valid UTF-8 at byte 0" (RVU's finding; RVU2: one
# detector with --log's, core/text_encoding.h). Not valid UTF-16 (an odd length): refused at its byte.
printf '{"labels":{"alertname":"GpuXidError","Hostname":"node-1","xid":"79"}}' | iconv -f utf-8 -t utf-16 > "$TMP/alert-utf16.json"
check "alert: UTF-16 triaged" 0 '^== alert GpuXidError' -- "${V[@]}" diagnose --alert "$TMP/alert-utf16.json" --no-probes
check "alert: UTF-16 said" 0 'alert-utf16\.json: body: UTF-16LE text \(byte order mark\), read as UTF-8' -- \
  "${VI[@]}" diagnose --alert "$TMP/alert-utf16.json" --no-probes
{ cat "$TMP/alert-utf16.json"; printf 'x'; } > "$TMP/alert-utf16-odd.json"
check "alert: not valid UTF-16" 2 'alert-utf16-odd\.json: body: UTF-16LE text \(byte order mark\), not valid UTF-16 at byte [0-9]+: an odd number of bytes' -- \
  "${V[@]}" diagnose --alert "$TMP/alert-utf16-odd.json" --no-probes
# One alert of a group that cannot be read is left out alone: the others are triaged, the bad one
# named, exit 2 (RVU2; the whole file was refused before).
printf '[{"labels":{"alertname":"GpuXidError","Hostname":"node-1"}},{"labels":{"Hostname":"node-2"}}]' > "$TMP/alerts-one-bad.json"
check "alert: the good one of two triaged" 2 '^== alert GpuXidError' -- "${V[@]}" diagnose --alert "$TMP/alerts-one-bad.json" --no-probes
check "alert: the bad one named" 2 'alerts-one-bad\.json: \[1\]\.labels: no `alertname` label: this alert is left out' -- \
  "${V[@]}" diagnose --alert "$TMP/alerts-one-bad.json" --no-probes
# A log of more than the load limit's million lines (a long run's stderr with NCCL_DEBUG=INFO): its
# failure is at the end, and the lines past the limit were the ones dropped, so the answer was
# `unknown`, exit 0 (RVU, 2026-12-04). The last million lines are read now, and the note says so.
{ yes 'step ok' | head -n 1000100; tail -n 1 "$TMP/pasted.log"; } > "$TMP/million.log"
check "log: over a million lines, the end read" 0 '^root_cause: +ib_link_failure' -- \
  "${V[@]}" diagnose --log "$TMP/million.log" --no-probes
check "log: over a million lines, the head left out said" 0 'the first 101 lines of .*million\.log were not read' -- \
  "${V[@]}" diagnose --log "$TMP/million.log" --no-probes
check "log: over a million lines, evidence keeps the file's line number" 0 'million\.log:1000101' -- \
  "${V[@]}" diagnose --log "$TMP/million.log" --no-probes
# A large log on a terminal: what runs is shown on stderr, in place, and erased before the answer;
# nothing of it when stderr is a file or a pipe (RVU2: a 50 MB log ran for minutes with nothing shown).
/usr/bin/python3 bench/training_log.py --mb 6 > "$TMP/big.log"
script -qfec "$(printf '%q ' "${VI[@]}") diagnose --log $TMP/big.log --no-probes" /dev/null </dev/null >"$TMP/big-tty.out" 2>&1
/usr/bin/python3 - "$TMP/big-tty.out" <<'PY' && passed=$((passed + 1)) || bad "log: progress on a terminal: $(tail -c 600 "$TMP/big-tty.out" | cat -v)"
import re, sys
raw = open(sys.argv[1], "rb").read().decode("utf-8", "replace")
assert re.search(r"\r\x1b\[Kvigil diagnose: --log \S*big\.log: reading 6\.0 MB \.\.\. \d+\.\d s", raw), "no reading line"
assert re.search(r"\r\x1b\[Kvigil diagnose: --log big\.log: \d+ lines: diagnosing \.\.\. \d+\.\d s", raw), "no diagnosing line"
# Erased before the answer: the answer's first line starts after an erase.
assert re.search(r"\r\x1b\[K(\r\n)?case: +log:big\.log", raw), "the answer does not follow an erase"
PY
check "log: no progress line off a terminal" 0 '^root_cause: +nccl_collective_hang' -- "${V[@]}" diagnose --log "$TMP/big.log" --no-probes
"${V[@]}" diagnose --log "$TMP/big.log" --no-probes 2>&1 >/dev/null | grep -q 'diagnosing' && bad "log: progress written off a terminal" || passed=$((passed + 1))
check "log: with --case" 2 'are exclusive' -- "${V[@]}" diagnose --log "$TMP/pasted.log" --case "$CASE"
check "log-source alone" 2 'give --log too' -- "${V[@]}" diagnose --case "$CASE" --log-source n1
check "help: exit status" 0 'Exit status: 0 diagnosed' -- "$VIGIL" diagnose --help

# The benchmark on a small folder: two real cases and one with an unknown category.
mkdir -p "$TMP/cases"
cp evals/diagnosis/dev/case-040.json evals/diagnosis/dev/case-046.json "$TMP/cases/"
/usr/bin/python3 - "$TMP/cases" <<'PY'
import json, sys
c = json.load(open("evals/diagnosis/dev/case-043.json"))
c["id"] = "case-bad"
c["expected"]["root_cause"] = "cosmic_rays"
json.dump(c, open(sys.argv[1] + "/case-bad.json", "w"))
PY
check "eval diagnose" 0 'top-1 accuracy: +0\.667' -- "${V[@]}" eval diagnose --cases "$TMP/cases" --out "$TMP/report"
grep -q 'is not in the taxonomy' "$TMP/report/report.md" || { echo "FAIL eval report lacks the bad case's error"; fail=$((fail + 1)); }
/usr/bin/python3 -c "import json,sys; r=json.load(open(sys.argv[1])); assert r['cases']==3 and r['errors']==1" "$TMP/report/report.json" \
  || { echo "FAIL eval report.json"; fail=$((fail + 1)); }
# A second run into the same folder: refused before any case is read, the earlier report kept;
# --overwrite (or --force) replaces it (RVFIX2, 2026-12-03; before, it was replaced without a word).
echo "earlier run" >> "$TMP/report/report.md"
cp "$TMP/report/report.md" "$TMP/report.md.before"
check "eval diagnose: a folder holding a report" 2 \
  "--out $TMP/report holds the report of an earlier run \(report.md, report.json\); choose another folder, or pass --overwrite" -- \
  "${V[@]}" eval diagnose --cases "$TMP/cases" --out "$TMP/report"
cmp -s "$TMP/report/report.md" "$TMP/report.md.before" || { echo "FAIL eval diagnose replaced the earlier report.md"; fail=$((fail + 1)); }
check "eval diagnose --overwrite" 0 'top-1 accuracy: +0\.667' -- "${V[@]}" eval diagnose --cases "$TMP/cases" --out "$TMP/report" --overwrite
grep -q 'earlier run' "$TMP/report/report.md" && { echo "FAIL eval diagnose --overwrite kept the earlier report.md"; fail=$((fail + 1)); }
check "eval diagnose --force" 0 'top-1 accuracy: +0\.667' -- "${V[@]}" eval diagnose --cases "$TMP/cases" --out "$TMP/report" --force
check "eval missing dir" 2 'not found' -- "${V[@]}" eval diagnose --cases "$TMP/none"
# A folder where no case can be diagnosed (an Alertmanager webhook, a case without `expected`): no
# accuracy was measured, exit 1 saying so (before 2026-12-03, RV-OPS: exit 0, "top-1 accuracy: 0.000").
mkdir -p "$TMP/nocases"
printf '{"version":"4","status":"firing","alerts":[{"status":"firing","labels":{"alertname":"X"}}]}' > "$TMP/nocases/webhook.json"
printf '{"id":"p","logs":[{"source":"n/r0","lines":["NCCL WARN x"]}]}' > "$TMP/nocases/pasted.json"
check "eval diagnose: no case diagnosable" 1 'none of the 2 case file\(s\) in .* could be diagnosed and scored' -- \
  "${V[@]}" eval diagnose --cases "$TMP/nocases" --out "$TMP/noreport"
grep -q 'no `expected` block' "$TMP/noreport/report.md" || { echo "FAIL eval report lacks the case without expected"; fail=$((fail + 1)); }

echo "diagnose_cli_test: $passed passed, $fail failed"
[ "$fail" = 0 ]
