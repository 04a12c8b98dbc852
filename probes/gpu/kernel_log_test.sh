#!/bin/bash
# vigil-probe's node.kernel_log end to end, on any machine (no GPU needed): a recorded journal with
# times of the last hour through the --kernel-log-file / --kernel-log-bus-ids test hooks, a clean
# log, an unreadable file, the window, bad --since, and the machine's own kernel log.
# Usage: kernel_log_test.sh PATH/TO/vigil-probe
set -u
P=${1:?usage: kernel_log_test.sh vigil-probe}
PY=/usr/bin/python3
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
pass=0 fail=0
check() {  # check NAME CONDITION-EXIT-CODE
  if [ "$2" = 0 ]; then pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAIL $1"; fi
}
field() {  # field FILE PYTHON-EXPR-ON-r (r: the first result)
  $PY -c "import json,sys; r=json.load(open('$1'))['results'][0]; print($2)"
}
iso() { date -u -d "@$(( $(date +%s) - $1 ))" +%Y-%m-%dT%H:%M:%S.000000+00:00; }
cat > "$T/xid.log" <<LOG
$(iso 7200) node-3 kernel: NVRM: Xid (PCI:0000:18:00): 48, pid=1, An uncorrectable double bit error (DBE) has been detected
$(iso 900) node-3 kernel: pcieport 0000:b0:01.0: AER: Corrected error received: 0000:b1:00.0
$(iso 600) node-3 kernel: NVRM: Xid (PCI:0000:b1:00): 79, pid=48213, name=python3, GPU has fallen off the bus.
$(iso 590) node-3 kernel: NVRM: Xid (PCI:0000:b1:00): 45, pid=48213, name=python3, Ch 00000010
$(iso 500) node-3 kernel: mlx5_core 0000:0c:00.0: mlx5_port_module_event:1163:(pid 0): Port module event: module 0, Cable unplugged
LOG
printf '\x00\x01binary junk\xff\n' >> "$T/xid.log"
BUS=0000:18:00.0,0000:2a:00.0,0000:3a:00.0,0000:5d:00.0,0000:9a:00.0,0000:b1:00.0

"$P" --probes node.kernel_log --target node-3 --kernel-log-file "$T/xid.log" --kernel-log-bus-ids $BUS > "$T/out.json"
check "Xid 79 in the window: exit 1 (got $?)" $(( $? == 1 ? 0 : 1 ))
[ "$(field "$T/out.json" "r['status']")" = fail ]; check "status fail" $?
field "$T/out.json" "r['reason']" | grep -q '^gpu5 (PCI 0000:b1:00): Xid 79 \[gpu_fallen_off_bus\]'; check "reason leads with gpu5 Xid 79" $?
[ "$(field "$T/out.json" "r['details']['categories']")" = "['gpu_fallen_off_bus', 'ib_link_failure', 'pcie_link_degraded']" ]; check "categories, gravest first" $?
[ "$(field "$T/out.json" "int(r['metrics']['xid_lines']), int(r['metrics']['unknown_lines'])")" = "2 1" ]; check "2 Xid lines in the hour (the DBE 2 h ago is not), 1 junk line" $?
[ "$(field "$T/out.json" "r['details']['gpu_map']")" = "--kernel-log-bus-ids" ]; check "gpu map source named" $?

"$P" --probes node.kernel_log --target node-3 --kernel-log-file "$T/xid.log" --kernel-log-bus-ids $BUS --since 10800 > "$T/day.json"
field "$T/day.json" "r['reason']" | grep -q '^gpu5 (PCI 0000:b1:00): Xid 79'; check "3 h window: still Xid 79 first" $?
[ "$(field "$T/day.json" "int(r['metrics']['xid_lines'])")" = 3 ]; check "3 h window: the DBE too" $?

"$P" --probes node.kernel_log --target node-3 --kernel-log-file "$T/xid.log" --since 60 > "$T/short.json"
check "nothing in the last 60 s: exit 0 (got $?)" $(( $? == 0 ? 0 : 1 ))
field "$T/short.json" "r['reason']" | grep -q '^no Xid/NVLink/AER/mlx5-IB/OOM lines in the last 60 s of a readable log'; check "pass reason" $?

"$P" --probes node.kernel_log --kernel-log-file "$T/missing.log" > "$T/missing.json"
check "unreadable log: exit 1 (got $?)" $(( $? == 1 ? 0 : 1 ))
[ "$(field "$T/missing.json" "r['status']")" = unavailable ]; check "unreadable log: unavailable, never a pass" $?
field "$T/missing.json" "r['reason']" | grep -q "cannot read log file $T/missing.log"; check "unreadable log: reason names the file" $?

"$P" --probes node.kernel_log --since 0 > /dev/null 2> "$T/err"
check "--since 0: usage error (exit $?)" $(( $? == 2 ? 0 : 1 ))
grep -q -- '--since must be' "$T/err"; check "--since error names the flag" $?

# A kernel line holding bytes that are no UTF-8 (a process name, a line cut mid-character): the
# result is written (U+FFFD), not an abort with no output (review RV-KL: exit 134 before).
printf '%s node-3 kernel: NVRM: Xid (PCI:0000:b1:00): 79, pid=7, name=pyth\xffon3, GPU has fallen off the bus.\n' \
  "$(iso 60)" > "$T/bytes.log"
"$P" --probes node.kernel_log --target node-3 --kernel-log-file "$T/bytes.log" --kernel-log-bus-ids $BUS > "$T/bytes.json" 2> "$T/bytes.err"
check "non-UTF-8 bytes in an Xid line: exit 1 (got $?)" $(( $? == 1 ? 0 : 1 ))
field "$T/bytes.json" "r['reason']" | grep -q '^gpu5 (PCI 0000:b1:00): Xid 79 .*pyth.on3'; check "non-UTF-8 bytes: the verdict printed" $?

# Lines in no format the parser knows (dmesg -x): unavailable and exit 1, never a pass (review RV-KL).
printf 'kern  :warn  : [ 1234.5] NVRM: Xid (PCI:0000:b1:00): 79, pid=7, GPU has fallen off the bus.\n' > "$T/x.log"
"$P" --probes node.kernel_log --target node-3 --kernel-log-file "$T/x.log" > "$T/x.json"
check "unknown format: exit 1 (got $?)" $(( $? == 1 ? 0 : 1 ))
[ "$(field "$T/x.json" "r['status']")" = unavailable ]; check "unknown format: unavailable, never a pass" $?

# journalctl reads the window across boots (`-k` alone is this boot only: the Xid 79 that made the
# node reboot would be missed): a stand-in journalctl on PATH records how it is asked (review RV-KL).
mkdir "$T/bin"
cat > "$T/bin/journalctl" <<'SH'
#!/bin/sh
echo "$*" >> "$(dirname "$0")/args"
echo "$(date -u +%Y-%m-%dT%H:%M:%S.000000+00:00) node-3 kernel: NVRM: Xid (PCI:0000:b1:00): 79, pid=7, GPU has fallen off the bus."
SH
chmod +x "$T/bin/journalctl"
PATH="$T/bin:$PATH" "$P" --probes node.kernel_log --target node-3 > "$T/j.json"
[ "$(field "$T/j.json" "r['details']['source'] + ' ' + r['status']")" = "journalctl -k fail" ]; check "journalctl: its Xid 79 read" $?
grep -q '^_TRANSPORT=kernel -q --no-pager -o short-iso-precise --since @[0-9]*$' "$T/bin/args"; check "journalctl: the window across boots" $?

# The machine's own log: a verdict with its source named, or `unavailable` naming all it tried.
"$P" --probes node.kernel_log --target here > "$T/own.json"
st=$(field "$T/own.json" "r['status']")
case "$st" in
  pass | fail) field "$T/own.json" "r['details']['source']" | grep -Eq '^(journalctl -k|dmesg|/dev/kmsg)$'; check "own log: source named ($st)" $? ;;
  unavailable) field "$T/own.json" "r['reason']" | grep -q 'journalctl -k.*dmesg.*/dev/kmsg'; check "own log: unavailable names all three" $? ;;
  *) check "own log: status $st" 1 ;;
esac
echo "own log: $st: $(field "$T/own.json" "r['reason'][:200]")"

echo "kernel_log_test: $pass passed, $fail failed"
[ "$fail" = 0 ]
