#!/usr/bin/env bash
# End-to-end: `vigil probe list` and `vigil probe run` through the replay and local executors,
# and the bad inputs (unknown probe, intrusive without allowance, bad executor spec, missing
# replay file), each with its documented exit code. CPU only.
#   bash tests/probe_cli_test.sh BUILD_DIR
set -u
build=${1:?usage: probe_cli_test.sh BUILD_DIR}
vigil="$build/bin/vigil"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
expect() {  # expect CODE PATTERN -- command...
  local code=$1 pattern=$2; shift 3
  "$@" >"$tmp/out" 2>"$tmp/err"
  local rc=$?
  [ "$rc" = "$code" ] || fail "$* -> exit $rc (want $code): $(cat "$tmp/err")"
  grep -q -- "$pattern" "$tmp/out" "$tmp/err" || fail "$* -> output lacks '$pattern': $(cat "$tmp/out" "$tmp/err")"
}

expect 0 "nccl.p2p_matrix" -- "$vigil" probe list
expect 0 '"fail_supports"' -- "$vigil" probe list --json

cat >"$tmp/rec.json" <<'JSON'
{"gpu.health@node-3/gpu5": {"probe": "gpu.health", "status": "fail", "reason": "ecc_dbe_volatile 2 > 0",
                            "metrics": {"ecc_dbe_volatile": 2}, "duration_s": 1.5},
 "gpu.inventory@node-3/gpu5": {"probe": "gpu.inventory", "status": "pass", "duration_s": 0.5}}
JSON
expect 1 "ecc_dbe_volatile 2 > 0" -- "$vigil" probe run gpu.health,gpu.inventory --target node-3/gpu5 --executor "replay:$tmp/rec.json"
expect 0 '"status": "pass"' -- "$vigil" probe run gpu.inventory --target node-3/gpu5 --executor "replay:$tmp/rec.json" --json
expect 1 "no recorded result" -- "$vigil" probe run gpu.inventory --target node-4 --executor "replay:$tmp/rec.json"

# Counters, sizes and times are whole numbers and printed whole (2026-12-02, DOG: %.4g printed
# `pcie_replay_count 1.235e+05` and `read_at_unix_s 1.796e+09`, the last digits of a counter one
# compares between two runs lost).
cat >"$tmp/counts.json" <<'JSON'
{"gpu.health@node-3/gpu5": {"probe": "gpu.health", "status": "fail", "reason": "pcie_replay_count 123457 > 1000",
                            "metrics": {"pcie_replay_count": 123457, "memory_total_mib": 143771, "temperature_c": 41.5,
                                        "read_at_unix_s": 1796236419, "started_at_unix_s": 1796236419.37,
                                        "hbm_copy_gbps": 3911.23},
                            "thresholds": {"pcie_replay_count_max": 1000}, "duration_s": 1.5}}
JSON
expect 1 "pcie_replay_count  *123457  (max 1000)$" -- "$vigil" probe run gpu.health --target node-3/gpu5 --executor "replay:$tmp/counts.json"
expect 1 "memory_total_mib  *143771$" -- "$vigil" probe run gpu.health --target node-3/gpu5 --executor "replay:$tmp/counts.json"
expect 1 "read_at_unix_s  *1796236419$" -- "$vigil" probe run gpu.health --target node-3/gpu5 --executor "replay:$tmp/counts.json"
expect 1 "temperature_c  *41.5$" -- "$vigil" probe run gpu.health --target node-3/gpu5 --executor "replay:$tmp/counts.json"
# A fraction of 10 000 or more keeps its integer part (2026-12-03, DOG2: node.kernel_log's fractional
# read time still printed 1.796e+09); below, 4 significant digits as before.
expect 1 "started_at_unix_s  *1796236419.4$" -- "$vigil" probe run gpu.health --target node-3/gpu5 --executor "replay:$tmp/counts.json"
expect 1 "hbm_copy_gbps  *3911$" -- "$vigil" probe run gpu.health --target node-3/gpu5 --executor "replay:$tmp/counts.json"

# Bad inputs.
expect 2 "did you mean \`gpu.gemm\`" -- "$vigil" probe run gpu.gem --executor "replay:$tmp/rec.json"
expect 2 "allow-intrusive" -- "$vigil" probe run gpu.gemm --executor "replay:$tmp/rec.json"
expect 2 "unknown probe executor" -- "$vigil" probe run gpu.health --executor "k8s:ns=a"
expect 1 "cannot open" -- "$vigil" probe run gpu.health --executor "replay:$tmp/missing.json"
echo '{"gpu.health@": {"probe": "gpu.health", "status": "so-so"}}' >"$tmp/bad.json"
expect 2 "so-so" -- "$vigil" probe run gpu.health --executor "replay:$tmp/bad.json"
expect 2 "" -- "$vigil" probe run

# The local executor with a fake probe binary that hangs: an error result, not a hang.
cat >"$tmp/hang.sh" <<'SH'
#!/bin/sh
sleep 1000
SH
chmod +x "$tmp/hang.sh"
expect 1 "timed out" -- "$vigil" probe run gpu.health --executor "local:binary=$tmp/hang.sh,grace_s=0" --time-limit 1

# The real vigil-probe, when built: without a GPU every probe is unavailable (exit 1 here).
if [ -x "$build/bin/vigil-probe" ] && ! nvidia-smi -L >/dev/null 2>&1; then
  expect 1 "unavailable" -- "$vigil" probe run gpu.health,gpu.inventory --executor "local:binary=$build/bin/vigil-probe"
fi
if [ -x "$build/bin/vigil-probe" ]; then
  expect 2 "health-sample-s must be in" -- "$build/bin/vigil-probe" --probes gpu.health --health-sample-s 11
  expect 2 "health-sample-s must be in" -- "$build/bin/vigil-probe" --probes gpu.health --health-sample-s -1
fi
echo PASS
