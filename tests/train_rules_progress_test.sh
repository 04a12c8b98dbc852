#!/usr/bin/env bash
# `vigil train-rules` shows a progress bar with an ETA on a terminal and plain lines otherwise
# (issue 4). The terminal is a real pseudo-terminal: util-linux `script` runs the command with its
# stdin, stdout and stderr on a pty and copies everything written there to ours.
#  1. on a pty: carriage-return updates of `[###   ]  NN%  target i/3  ETA Ns`, `ETA    --` until
#     target 1 is done (no estimate before; its last step has one), ending at 100% and target
#     3/3, then a newline; none of the plain per-target lines.
#  2. stderr to a file, stdout to a pipe: one plain line per target, `train-rules: target i/3 NAME
#     (elapsed Ns, ETA Ns)`, `ETA --` for target 1, no carriage return and no escape sequence.
# The run takes well under a second, so every ETA here reads <1s once there is one, and 0s at
# 100% (since 2026-11-30, L; before, 0s throughout): the ETA's value is checked with a FakeClock
# in server/train_progress_test.cc. Before (2026-11-30, D2) target 1 showed `ETA 0s`, as if about
# to finish.
# Usage: bash tests/train_rules_progress_test.sh <build-dir>   (from the repo root)
set -u
BUILD="${1:-build}"
VIGIL="$(cd "$(dirname "$BUILD/bin/vigil")" && pwd)/vigil"
TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT
source "$(dirname "$0")/lib/check.sh"  # fail, passed, bad
ok() { passed=$((passed + 1)); }
command -v script >/dev/null || { echo "FAIL: util-linux script is not installed"; exit 1; }

# Three series (three targets, one-for-one) of 600 points with labeled spikes.
{
  echo "timestamp,series,value,label"
  for s in gpu_util_a gpu_util_b gpu_util_c; do
    for i in $(seq 0 599); do
      v=$((100 + (i * 37 % 11) - 5)); l=0
      if [ $((i % 97)) -eq 50 ]; then v=170; l=1; fi
      echo "$((1700000000 + i * 10)),$s,$v,$l"
    done
  done
} >"$TMP/data.csv"
CMD="$VIGIL train-rules --data csv:$TMP/data.csv --max-candidates 60"

# 1. On a pseudo-terminal.
script -qfec "$CMD --out $TMP/tty" /dev/null </dev/null >"$TMP/tty.out" 2>&1
rc=$?
if [ $rc -eq 0 ]; then ok; else bad "train-rules on a pty exited $rc: $(tail -c 400 "$TMP/tty.out")"; fi
/usr/bin/python3 - "$TMP/tty.out" <<'PY'
import re, sys
raw = open(sys.argv[1], "rb").read().decode("utf-8", "replace")
# The pty turns each "\n" into "\r\n"; a bar update is a "\r" NOT followed by "\n".
updates = re.findall(r"\r(?!\n)(\[[# ]{30}\] +\d+%  target \d+/\d+  ETA +(?:\d+s|<1s|--)[^\r\n]*)", raw)
problems = []
if len(updates) < 3:
    problems.append(f"{len(updates)} carriage-return bar updates, want >= 3")
targets = {re.search(r"target (\d+)/3", u).group(1) for u in updates if re.search(r"target (\d+)/3", u)}
if targets != {"1", "2", "3"}:
    problems.append(f"bar showed targets {sorted(targets)}, want 1, 2, 3 of 3")
if updates and not re.search(r"\] 100%  target 3/3  ETA +0s", updates[-1]):
    problems.append(f"last update is not 100% of target 3/3 with ETA 0s: {updates[-1]!r}")
if updates and not re.search(r"target 1/3  ETA +--", updates[0]):
    problems.append(f"the first update has an ETA before any target is done: {updates[0]!r}")
for u in updates:
    if "target 1/3" not in u and re.search(r"ETA +--", u):
        problems.append(f"no ETA after a target is done: {u!r}")
pcts = [int(re.search(r"\] +(\d+)%", u).group(1)) for u in updates]
if pcts != sorted(pcts):
    problems.append(f"percentages go backwards: {pcts}")
if "train-rules: target" in raw:
    problems.append("plain per-target lines on a terminal")
if not re.search(r"ETA +(?:\d+s|<1s|--)[^\r\n]*\r\n", raw):
    problems.append("the bar is not ended by a newline")
if "trained 3 targets" not in raw:
    problems.append("no summary line")
if problems:
    print("FAIL pty: " + "; ".join(problems) + f"\n  output: {raw[-600:]!r}")
    sys.exit(1)
PY
if [ $? -eq 0 ]; then ok; else fail=$((fail + 1)); fi

# 2. Not a terminal: stderr to a file, stdout through a pipe.
$CMD --out "$TMP/plain" 2>"$TMP/plain.err" </dev/null | cat >"$TMP/plain.out"
rc=${PIPESTATUS[0]}
if [ $rc -eq 0 ]; then ok; else bad "train-rules piped exited $rc: $(tail -3 "$TMP/plain.err")"; fi
if LC_ALL=C grep -q $'[\r\x1b]' "$TMP/plain.err" "$TMP/plain.out"; then
  bad "carriage return or escape code without a terminal: $(od -c "$TMP/plain.err" | head -5)"; else ok; fi
for t in 1 2 3; do
  eta='([0-9]+s|<1s)'; [ $t = 1 ] && eta=--
  if grep -qE "^train-rules: target $t/3 gpu_util_[abc] \(elapsed [0-9]+s, ETA $eta\)$" "$TMP/plain.err"; then ok; else
    bad "no plain line for target $t/3 in: $(cat "$TMP/plain.err")"; fi
done
if [ "$(grep -c '^train-rules: target' "$TMP/plain.err")" -eq 3 ]; then ok; else bad "not one plain line per target"; fi
if grep -q '\[#' "$TMP/plain.err"; then bad "a bar without a terminal"; else ok; fi
if grep -q '^trained 3 targets' "$TMP/plain.out"; then ok; else bad "no summary on stdout: $(cat "$TMP/plain.out")"; fi

echo "train_rules_progress_test: $passed passed, $fail failed"
[ $fail -eq 0 ]
