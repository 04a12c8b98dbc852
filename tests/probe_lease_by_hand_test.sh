#!/usr/bin/env bash
# End-to-end (VER4): `vigil-probe` run by hand takes the host-wide lease (probes/gpu/host_lease.h,
# the one the command executors take since VER2) before an intrusive probe, so it no longer runs a
# GEMM on a GPU where `vigil serve`'s probe runs; one started by a command executor is told
# (VIGIL_PROBE_LEASE_HELD, set by the executor) that its caller holds the lease and takes none (it
# would wait on its own caller's lock). Before, vigil-probe took no lock at all (and had no
# --lock-dir option). gpu.kernel_launch, which times the GPU, takes it shared (VER6); a run that
# waits names the holder (pid, command line) on stderr and in its answer (VER6).
# Uses the real build/bin/vigil-probe (built where the CUDA toolkit is; no GPU needed: without one
# its GPU probes answer `unavailable`, "no GPU visible" or the driver's reason, after the lease).
# Another process's lease is held with python's flock, as a command executor holds it: shared on
# HOST.lock, exclusive on HOST.gpu0.lock.
#   bash tests/probe_lease_by_hand_test.sh BUILD_DIR      (exit 77: no vigil-probe in BUILD_DIR)
source "$(dirname "$0")/lib/e2e.sh" "$@"
PROBE="$(cd "$BUILD" && pwd)/bin/vigil-probe"
[ -x "$PROBE" ] || { echo "SKIP: $PROBE not built (needs the CUDA toolkit)"; exit 77; }
fail() { echo "FAIL: $*"; exit 1; }
host=$(hostname)
locks=$TMP/locks
mkdir -p "$locks"

python3 - "$locks/$host.lock" "$locks/$host.gpu0.lock" "$TMP/held" <<'PY' &
import fcntl, os, sys, time
node = os.open(sys.argv[1], os.O_RDONLY | os.O_CREAT, 0o666)
fcntl.flock(node, fcntl.LOCK_SH)
gpu = os.open(sys.argv[2], os.O_RDONLY | os.O_CREAT, 0o666)
fcntl.flock(gpu, fcntl.LOCK_EX)
open(sys.argv[3], "w").close()
time.sleep(600)  # killed at exit; FLK1: 30 s ran out under load before the last held-lock check
PY
holder=$!
PIDS=("$holder")
trap 'kill "${PIDS[@]}" 2>/dev/null; wait 2>/dev/null; rm -rf "$TMP"' EXIT
for _ in $(seq 600); do [ -e "$TMP/held" ] && break; sleep 0.05; done  # up to 30 s (FLK1: was 5 s)
[ -e "$TMP/held" ] || fail "the lock holder did not start"

# result FILE: "STATUS|REASON" of each result of the vigil-probe document in FILE, one a line.
result() {
  python3 -c 'import json, sys
for r in json.load(open(sys.argv[1]))["results"]: print(r["status"] + "|" + r["reason"])' "$1" 2>/dev/null ||
    { echo "not a vigil-probe document: $(cat "$1")"; }
}
held_msg="not run: another process on this host held"

# 1. By hand, GPU 0 held by another process for longer than the limit: not run, exit 5.
"$PROBE" --probes gpu.gemm --gpus 0 --allow-intrusive --time-limit 1 --lock-dir "$locks" >"$TMP/a.json" 2>"$TMP/a.err"
rc=$?
[ $rc = 5 ] || fail "GPU 0 held: exit $rc (want 5): $(cat "$TMP/a.err" "$TMP/a.json")"
# Who holds it (VER6: the executors' answer named the holder, the hand-run one did not), in the
# answer and on stderr when it starts to wait.
a=$(result "$TMP/a.json")
[[ "$a" == "unavailable|$held_msg GPU 0 of this host for an intrusive probe of its own the whole 1 s limit (lock $locks/$host.gpu0.lock, held by pid $holder ("*"python3 - "*"); nothing was measured" ]] ||
  fail "GPU 0 held: $a"
grep -qF "vigil-probe: waiting up to 1 s for GPU 0 of this host (lock $locks/$host.gpu0.lock, held by pid $holder (" "$TMP/a.err" ||
  fail "GPU 0 held: stderr does not say who holds it: $(cat "$TMP/a.err")"
# The same GPU named by --target (as `vigil probe run --target HOST/gpu0` passes it).
"$PROBE" --probes gpu.hbm_bandwidth --target "$host/gpu0" --allow-intrusive --time-limit 0.5 --lock-dir "$locks" >"$TMP/b.json" 2>"$TMP/b.err"
[ $? = 5 ] && result "$TMP/b.json" | grep -qF "$held_msg GPU 0 of $host " || fail "--target $host/gpu0 held: $(result "$TMP/b.json")"
# The whole node (no GPU named) waits for any GPU's lease.
"$PROBE" --probes gpu.gemm --allow-intrusive --time-limit 0.5 --lock-dir "$locks" >"$TMP/c.json" 2>"$TMP/c.err"
[ $? = 5 ] && result "$TMP/c.json" | grep -qF "$held_msg this host for an intrusive probe" || fail "node-wide: $(result "$TMP/c.json")"

# A probe that times the GPU takes its lease shared (VER6): it does not time another process's GEMM.
"$PROBE" --probes gpu.kernel_launch --gpus 0 --time-limit 0.5 --lock-dir "$locks" >"$TMP/k.json" 2>"$TMP/k.err"
[ $? = 5 ] && result "$TMP/k.json" | grep -qF "$held_msg GPU 0 of this host for an intrusive probe of its own the whole 0.5 s limit" ||
  fail "gpu.kernel_launch beside GPU 0's holder: $(result "$TMP/k.json")"

# 2. What takes no lease: another GPU; a non-intrusive probe; an intrusive one not allowed; a
# vigil-probe whose caller holds the lease (VIGIL_PROBE_LEASE_HELD).
no_wait() {  # NAME ARG...: vigil-probe ARG... must not answer with the lease's reason
  local name=$1
  shift
  "$PROBE" "$@" --time-limit 1 --lock-dir "$locks" >"$TMP/n.json" 2>&1
  local rc=$?
  [ $rc != 5 ] && [ $rc != 2 ] && ! result "$TMP/n.json" | grep -qF "$held_msg" ||
    fail "$name: exit $rc: $(result "$TMP/n.json")"
}
no_wait "GPU 1 while GPU 0 is held" --probes gpu.gemm --gpus 1 --allow-intrusive
no_wait "gpu.kernel_launch on GPU 1 while GPU 0 is held" --probes gpu.kernel_launch --gpus 1
no_wait "a non-intrusive probe" --probes gpu.health --gpus 0 --allow-intrusive
no_wait "an intrusive probe without --allow-intrusive" --probes gpu.gemm --gpus 0
VIGIL_PROBE_LEASE_HELD=1 no_wait "its caller holds the lease" --probes gpu.gemm --gpus 0 --allow-intrusive

# 3. Started by `vigil probe run` (the local executor holds the lease and says so): vigil-probe
# does not wait on its own caller's lock. Both in the default folder (/run/lock/vigil-probe, as on
# a real host: vigil-probe is given no --lock-dir by the executors), GPU 1 of this host, 1 s limit.
# Without VIGIL_PROBE_LEASE_HELD from the executor it waited the whole second on its caller's lock.
"$VIGIL" --log-level warn probe run gpu.gemm --target gpu1 --allow-intrusive --time-limit 1 \
  --executor "local:binary=$PROBE" --json >"$TMP/e.json" 2>&1
grep -qF "$held_msg" "$TMP/e.json" && fail "vigil probe run: vigil-probe waited on its caller's lease: $(cat "$TMP/e.json")"
grep -q '"probe": *"gpu.gemm"' "$TMP/e.json" || fail "vigil probe run: no gpu.gemm result: $(cat "$TMP/e.json")"

# 4. A --lock-dir that cannot be made: error, exit 1, nothing run.
"$PROBE" --probes gpu.gemm --gpus 0 --allow-intrusive --time-limit 1 --lock-dir "$TMP/nope/locks" >"$TMP/d.json" 2>&1
rc=$?
[ $rc = 1 ] || fail "bad --lock-dir: exit $rc: $(cat "$TMP/d.json")"
[ "$(result "$TMP/d.json")" = "error|not run: probe lock folder $TMP/nope/locks (--lock-dir): cannot make it: No such file or directory, so this intrusive run cannot be kept apart from other processes' probes" ] ||
  fail "bad --lock-dir: $(result "$TMP/d.json")"
echo PASS
