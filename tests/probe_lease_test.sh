#!/usr/bin/env bash
# End-to-end: intrusive probes of two processes on one host never load the same GPU at once (VER2,
# 2026-12-04). The planner's lease (agents/verification_planner.cc) kept apart only the triages of
# one process; a second `vigil serve`, `vigil diagnose --alert` or a `vigil probe run gpu.gemm` by
# hand ran its GEMM on the GPU beside serve's, each measuring about half the throughput. Now the
# command executors take a host-wide lease, flock'd files in a lock folder (probes/probe_lock.h):
#  - two `vigil probe run gpu.gemm --target gpu0` at once: the second starts when the first ended;
#  - GPU 0 and GPU 1 at once overlap; a node-wide run (no --target) waits for a GPU's;
#  - non-intrusive probes take no lease, but for gpu.kernel_launch, which times the GPU: it takes the
#    GPU's lease shared (VER6), kept from another process's GEMM there and keeping it out;
#  - a lease held past the request's limit: `unavailable`, the reason names the lock, nothing ran;
#  - a lock folder that cannot be made: `error` naming it and why.
# A fake probe binary logs when it starts and ends (no GPU needed).
#   bash tests/probe_lease_test.sh BUILD_DIR
source "$(dirname "$0")/lib/e2e.sh" "$@"
vigil=$VIGIL
tmp=$TMP
fail() { echo "FAIL: $*"; exit 1; }
host=$(hostname)

cat >"$tmp/probe.sh" <<'SH'
#!/bin/bash
# Fake vigil-probe: logs "start|end PROBES TARGET TIME", holds the "GPU" until the other run of the
# pair has started too (then 0.2 s more) or PAIR_WAIT s (pair() below; 0 otherwise) have passed,
# passes every probe. FLK1: it held a fixed 1 s, so two runs meant to overlap did not when the second
# vigil started over 1 s after the first (a loaded machine), and a lease that failed to keep two
# apart went unseen then.
probes="" target=""
while [ $# -gt 0 ]; do
  case "$1" in --probes) probes=$2; shift ;; --target) target=$2; shift ;; esac
  shift
done
echo "start $probes $target $(date +%s.%N)" >>"$LOG"
for _ in $(seq $((${PAIR_WAIT:-0} * 10))); do [ "$(grep -c '^start' "$LOG")" -ge 2 ] && break; sleep 0.1; done
sleep 0.2
echo "end $probes $target $(date +%s.%N)" >>"$LOG"
results=""
for p in ${probes//,/ }; do
  results="$results${results:+,}{\"probe\":\"$p\",\"target\":\"$target\",\"status\":\"pass\",\"metrics\":{},\"thresholds\":{},\"reason\":\"fake\",\"duration_s\":1}"
done
echo "{\"vigil_probe\":1,\"host\":\"fake\",\"results\":[$results]}"
SH
chmod +x "$tmp/probe.sh"
export LOG="$tmp/log"
exec_spec="local:binary=$tmp/probe.sh,lock_dir=$tmp/locks,grace_s=1"
run() { "$vigil" --log-level warn probe run "$@" --executor "$exec_spec" --time-limit 20 --allow-intrusive; }

# Whether the two runs logged in $LOG overlapped in time.
overlapped() {
  python3 - "$LOG" <<'PY'
import sys
ev = [l.split() for l in open(sys.argv[1])]
starts = sorted(float(e[-1]) for e in ev if e[0] == "start")
ends = sorted(float(e[-1]) for e in ev if e[0] == "end")
assert len(starts) == 2 and len(ends) == 2, ev
# Two runs overlap when the second started before the first ended.
sys.exit(0 if starts[1] < ends[0] else 1)
PY
}

mkdir -p "$tmp/locks"
# Runs two `vigil probe run` at once (the second DELAY s after the first), each with its own words
# ("PROBE TARGET", TARGET may be empty), with a fresh log; sets ra and rb to their exit codes.
pair() {  # "PROBE [TARGET]" "PROBE [TARGET]" [DELAY]
  local a b first second
  read -r -a first <<<"$1"
  read -r -a second <<<"$2"
  : >"$LOG"
  PAIR_WAIT=5 run "${first[0]}" ${first[1]:+--target "${first[1]}"} >"$tmp/a" 2>&1 &
  a=$!
  sleep "${3:-0}"
  PAIR_WAIT=5 run "${second[0]}" ${second[1]:+--target "${second[1]}"} >"$tmp/b" 2>&1 &
  b=$!
  wait $a; ra=$?
  wait $b; rb=$?
}

# Two processes, one GPU.
pair "gpu.gemm gpu0" "gpu.gemm $host/gpu0"
[ $ra = 0 ] && [ $rb = 0 ] || fail "two gpu.gemm on gpu0: exit $ra, $rb: $(cat "$tmp/a" "$tmp/b")"
overlapped && fail "two processes ran gpu.gemm on GPU 0 at once: $(cat "$LOG")"
ls "$tmp/locks/$host.gpu0.lock" >/dev/null || fail "no lock file $tmp/locks/$host.gpu0.lock: $(ls "$tmp/locks")"

# Two GPUs overlap.
pair "gpu.gemm gpu0" "gpu.gemm gpu1"
overlapped || fail "gpu.gemm on GPU 0 and GPU 1 were kept apart: $(cat "$LOG")"

# The whole node (no --target: every GPU) waits for a GPU's probe.
pair "gpu.gemm gpu1" "gpu.gemm" 0.3
overlapped && fail "a node-wide gpu.gemm ran beside GPU 1's: $(cat "$LOG")"

# Non-intrusive probes take no lease.
pair "gpu.health gpu0" "gpu.health gpu0"
overlapped || fail "two gpu.health on GPU 0 were kept apart: $(cat "$LOG")"
# A probe that times the GPU takes it shared (VER6): another process's GEMM there keeps it out (it
# timed the GEMM: 2,458 us on an H200), and it keeps the GEMM out; two of them share the GPU. Before,
# gpu.kernel_launch took no lease and ran beside the GEMM.
pair "gpu.gemm gpu0" "gpu.kernel_launch gpu0" 0.3
[ $ra = 0 ] && [ $rb = 0 ] || fail "gpu.gemm and gpu.kernel_launch on gpu0: exit $ra, $rb: $(cat "$tmp/a" "$tmp/b")"
overlapped && fail "gpu.kernel_launch ran beside another process's gpu.gemm on GPU 0: $(cat "$LOG")"
pair "gpu.kernel_launch gpu0" "gpu.gemm gpu0" 0.3
overlapped && fail "gpu.gemm ran beside another process's gpu.kernel_launch on GPU 0: $(cat "$LOG")"
pair "gpu.kernel_launch gpu0" "gpu.kernel_launch gpu0"
overlapped || fail "two gpu.kernel_launch on GPU 0 were kept apart: $(cat "$LOG")"
pair "gpu.gemm gpu1" "gpu.kernel_launch gpu0"
overlapped || fail "gpu.kernel_launch on GPU 0 waited for GPU 1's gpu.gemm: $(cat "$LOG")"

# Another process holds GPU 0 for longer than the request's limit.
: >"$LOG"
python3 - "$tmp/locks/$host.gpu0.lock" "$tmp/held" <<'PY' &
import fcntl, os, sys, time
fd = os.open(sys.argv[1], os.O_RDONLY | os.O_CREAT, 0o666)
fcntl.flock(fd, fcntl.LOCK_EX)
open(sys.argv[2], "w").close()
time.sleep(60)  # killed below; FLK1: 4 s ran out before vigil asked when its start took over 3 s
PY
holder=$!
for _ in $(seq 600); do [ -e "$tmp/held" ] && break; sleep 0.05; done  # up to 30 s (FLK1: was 5 s)
"$vigil" --log-level warn probe run gpu.gemm --target gpu0 --executor "$exec_spec" --time-limit 1 --allow-intrusive \
  >"$tmp/out" 2>&1
rc=$?
kill $holder 2>/dev/null; wait $holder 2>/dev/null
[ $rc = 1 ] || fail "GPU 0 held by another process: exit $rc (want 1): $(cat "$tmp/out")"
grep -q "^gpu.gemm  *unavailable .*not run: another process on this host held GPU 0 of this host .* for 0.9[0-9]* s of the 1 s limit, when it was given up to answer within the limit (lock $tmp/locks/$host.gpu0.lock, held by pid $holder ([^)]*python3 - $tmp/locks/$host.gpu0.lock $tmp/held)); nothing was measured" "$tmp/out" ||
  fail "GPU 0 held by another process: $(cat "$tmp/out")"
[ ! -s "$LOG" ] || fail "the probe ran though GPU 0 was held: $(cat "$LOG")"

# The same in a triage (RVS): the planner abandons a step at its limit, and the wait gave up at that
# same limit, so main's step said only "timeout (no answer within the 6.3 s left of the verification's
# time budget: abandoned)". Now the wait ends a tenth of the limit early and the step is `unavailable`,
# naming the holder. The whole node is held; gpu.sdc (node-wide, intrusive) waits for it.
cat >"$tmp/inventory.sh" <<'SH'
#!/bin/bash
probes="" target=""
while [ $# -gt 0 ]; do
  case "$1" in --probes) probes=$2; shift ;; --target) target=$2; shift ;; esac
  shift
done
results=""
for p in ${probes//,/ }; do
  m='{}'; [ "$p" = gpu.inventory ] && m='{"gpu_count":2}'
  results="$results${results:+,}{\"probe\":\"$p\",\"target\":\"$target\",\"status\":\"pass\",\"metrics\":$m,\"thresholds\":{},\"reason\":\"fake\",\"duration_s\":0.1}"
done
echo "{\"vigil_probe\":1,\"host\":\"fake\",\"results\":[$results]}"
SH
chmod +x "$tmp/inventory.sh"
cat >"$tmp/alert.json" <<JSON
{"labels":{"alertname":"StragglerRank","severity":"warning","job":"llm-train","node":"$host","rank":"0"},
 "annotations":{"summary":"rank 0 computes 45 ms a step vs 27 ms for the job's faster ranks: a straggler"},
 "startsAt":"$(date -u +%Y-%m-%dT%H:%M:%SZ)","status":"firing"}
JSON
rm -f "$tmp/held"
python3 - "$tmp/locks/$host.lock" "$tmp/held" <<'PY' &
import fcntl, os, sys, time
fd = os.open(sys.argv[1], os.O_RDONLY | os.O_CREAT, 0o666)
fcntl.flock(fd, fcntl.LOCK_EX)
open(sys.argv[2], "w").close()
time.sleep(600)  # killed below (FLK1: was 30 s, a vigil start and its 10 s budget inside it)
PY
holder=$!
for _ in $(seq 600); do [ -e "$tmp/held" ] && break; sleep 0.05; done  # up to 30 s (FLK1: was 5 s)
"$vigil" --data-dir "$tmp/var" --log-level warn --probe-executor "local:binary=$tmp/inventory.sh,lock_dir=$tmp/locks,grace_s=0.2" \
  --allow-intrusive-probes true --verification-budget-s 10 diagnose --alert "$tmp/alert.json" --json >"$tmp/diag.json" 2>"$tmp/err"
rc=$?
kill $holder 2>/dev/null; wait $holder 2>/dev/null
[ $rc = 0 ] || fail "diagnose with the node held: exit $rc: $(cat "$tmp/err")"
python3 - "$tmp/diag.json" "$holder" <<'PY' || fail "diagnose with the node held: $(head -c 4000 "$tmp/diag.json")"
import json, sys
d = json.load(open(sys.argv[1]))
d = d[0] if isinstance(d, list) else d
sdc = [s for s in d["verification"]["steps"] if s["target"].startswith("gpu.sdc@")]
assert sdc, d["verification"]["steps"]
s = sdc[0]
assert s["outcome"] == "unavailable", s
why = [u for u in d["unverified"] if u.startswith("probe " + s["target"] + ": unavailable (")]
assert why and "another process on this host held" in why[0] and ("held by pid %s (" % sys.argv[2]) in why[0], d["unverified"]
PY

# A lock folder that cannot be made.
"$vigil" --log-level warn probe run gpu.gemm --target gpu0 --executor "local:binary=$tmp/probe.sh,lock_dir=$tmp/nope/locks" \
  --allow-intrusive >"$tmp/out" 2>&1
rc=$?
[ $rc = 1 ] || fail "lock folder that cannot be made: exit $rc: $(cat "$tmp/out")"
grep -q "error .*probe lock folder $tmp/nope/locks (the executor's lock_dir=): cannot make it: No such file or directory" "$tmp/out" ||
  fail "lock folder that cannot be made: $(cat "$tmp/out")"
# Lock files another user made (RVS). Debian ships fs.protected_regular = 2 (procps' sysctl.d): in a
# sticky world-writable folder (/run/lock/vigil-probe is 1777) an open with O_CREAT of a file owned
# neither by the caller nor by the folder's owner is refused (EACCES), root included. Main opened every
# lock file with O_CREAT, so once any user's `vigil probe run` had made vm.gpu0.lock, root's `vigil
# serve` answered every intrusive probe on GPU 0 with `error`: "probe lock .../vm.lock: cannot open it:
# Permission denied" (seen with the sysctl set to 1 here). This host's kernel has it at 0, so a
# preloaded shim refuses such opens as the kernel does; needs root (chown) and a C compiler.
if [ "$(id -u)" = 0 ] && command -v cc >/dev/null; then
  cat >"$tmp/protected_regular.c" <<'C'
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdarg.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
// fs.protected_regular = 1: O_CREAT without O_EXCL on an existing regular file in a sticky,
// world-writable folder, owned neither by the caller nor by the folder's owner: EACCES.
static int refused(const char* path, int flags) {
  struct stat f, d;
  char buf[4096];
  if (!(flags & O_CREAT) || (flags & O_EXCL) || lstat(path, &f) != 0 || !S_ISREG(f.st_mode)) return 0;
  strncpy(buf, path, sizeof buf - 1);
  buf[sizeof buf - 1] = 0;
  if (stat(dirname(buf), &d) != 0 || !(d.st_mode & S_ISVTX) || !(d.st_mode & S_IWOTH)) return 0;
  return f.st_uid != geteuid() && f.st_uid != d.st_uid;
}
#define SHIM(name)                                                        \
  int name(const char* path, int flags, ...) {                            \
    static int (*real)(const char*, int, ...);                            \
    mode_t mode = 0;                                                      \
    if (flags & O_CREAT) {                                                \
      va_list ap;                                                         \
      va_start(ap, flags);                                                \
      mode = va_arg(ap, int);                                             \
      va_end(ap);                                                         \
    }                                                                     \
    if (refused(path, flags)) {                                           \
      errno = EACCES;                                                     \
      return -1;                                                          \
    }                                                                     \
    if (!real) real = (int (*)(const char*, int, ...))dlsym(RTLD_NEXT, #name); \
    return real(path, flags, mode);                                       \
  }
SHIM(open)
SHIM(open64)
C
  cc -shared -fPIC -O1 -o "$tmp/protected_regular.so" "$tmp/protected_regular.c" -ldl ||
    fail "cannot build the protected_regular shim"
  mkdir -m 1777 "$tmp/shared"
  touch "$tmp/shared/$host.lock" "$tmp/shared/$host.gpu0.lock"
  chown 65534 "$tmp/shared/$host.lock" "$tmp/shared/$host.gpu0.lock"
  chmod 666 "$tmp/shared/"*.lock
  : >"$LOG"
  LD_PRELOAD="$tmp/protected_regular.so" "$vigil" --log-level warn probe run gpu.gemm --target gpu0 \
    --executor "local:binary=$tmp/probe.sh,lock_dir=$tmp/shared" --time-limit 5 --allow-intrusive >"$tmp/out" 2>&1
  rc=$?
  [ $rc = 0 ] && grep -q "^gpu.gemm  *pass" "$tmp/out" ||
    fail "lock files another user made (protected_regular): exit $rc: $(cat "$tmp/out")"
  grep -q "^start gpu.gemm gpu0" "$LOG" || fail "lock files another user made: the probe did not run: $(cat "$LOG")"
fi

# A FIFO in a lock file's place (RVS): anyone may make one in the 1777 folder, and opening it for
# reading waited for a writer; main's `vigil probe run --time-limit 2` never returned.
mkdir "$tmp/fifo"
mkfifo "$tmp/fifo/$host.gpu0.lock"
timeout 20 "$vigil" --log-level warn probe run gpu.gemm --target gpu0 --executor "local:binary=$tmp/probe.sh,lock_dir=$tmp/fifo" \
  --time-limit 2 --allow-intrusive >"$tmp/out" 2>&1
rc=$?
[ $rc = 1 ] || fail "a FIFO as the lock file: exit $rc (124: it hung): $(cat "$tmp/out")"
grep -q "error .*probe lock $tmp/fifo/$host.gpu0.lock: it is not a regular file" "$tmp/out" ||
  fail "a FIFO as the lock file: $(cat "$tmp/out")"

# vigil ended while its intrusive probe runs (RVS): the probe, started in its own process group, ran
# on as an orphan (with main's binary `sleep 600` was still there after SIGTERM or SIGKILL to vigil)
# while the lease, held by vigil alone, was gone: the next process's GEMM ran on the same GPU. Now
# the probe gets SIGKILL when the vigil that started it dies.
cat >"$tmp/hang.sh" <<SH
#!/bin/bash
echo \$\$ >"$tmp/hang.pid"
trap '' TERM
exec sleep 600
SH
chmod +x "$tmp/hang.sh"
for sig in TERM KILL; do
  rm -f "$tmp/hang.pid"
  "$vigil" --log-level warn probe run gpu.gemm --target gpu0 --executor "local:binary=$tmp/hang.sh,lock_dir=$tmp/locks" \
    --time-limit 60 --allow-intrusive >"$tmp/out" 2>&1 &
  v=$!
  for _ in $(seq 200); do [ -s "$tmp/hang.pid" ] && break; sleep 0.05; done
  [ -s "$tmp/hang.pid" ] || fail "SIG$sig: the hanging probe did not start: $(cat "$tmp/out")"
  probe=$(cat "$tmp/hang.pid")
  kill -$sig $v
  wait $v 2>/dev/null
  for _ in $(seq 100); do kill -0 "$probe" 2>/dev/null || break; sleep 0.05; done
  if kill -0 "$probe" 2>/dev/null; then
    kill -KILL "$probe"
    fail "SIG$sig to vigil: its probe (pid $probe) ran on without the lease"
  fi
done
echo PASS
