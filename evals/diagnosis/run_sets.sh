#!/usr/bin/env bash
# Runs `vigil eval diagnose` on every case set under a folder, one report per set.
#   evals/diagnosis/run_sets.sh VIGIL OUT [SETS_DIR]
# VIGIL: the vigil binary; OUT: where OUT/<set>/report.{json,md} and OUT/<set>.log go; SETS_DIR:
# the folder holding the sets (default evals/diagnosis, run from the repository root; or the
# folder alert_only.py wrote). A set that fails is named on stderr and the exit status is 1.
# Exit 2 on bad usage: VIGIL not an executable, OUT empty or not a directory that can be made,
# SETS_DIR not a directory or with no set (a folder holding case-*.json) in it, or OUT already
# holding a report of one of the sets (an earlier run: choose another OUT); each named.
# Compare two runs with evals/diagnosis/compare_runs.py. (The lead's /tmp/s28|s29/cmp.sh and
# cmp_ao.sh, named in older README figures, are this script over evals/diagnosis and over the
# alert-only variants.)
set -u
if [ $# -lt 2 ]; then echo "usage: $0 VIGIL OUT [SETS_DIR]" >&2; exit 2; fi
vigil=$1; out=$2; sets=${3:-evals/diagnosis}
[ -n "$vigil" ] || { echo "$0: VIGIL: empty (the vigil binary)" >&2; exit 2; }
[ -f "$vigil" ] && [ -x "$vigil" ] || { echo "$0: $vigil: not an executable file" >&2; exit 2; }
# An empty OUT would put the reports at /<set>.
[ -n "$out" ] || { echo "$0: OUT: empty (the folder the reports go to)" >&2; exit 2; }
[ -d "$sets" ] || { echo "$0: ${sets:-''}: not a directory" >&2; exit 2; }
found=0
for d in "$sets"/*/; do
  compgen -G "$d/case-*.json" >/dev/null && found=$((found + 1))
done
[ "$found" -gt 0 ] || { echo "$0: $sets: no case set (a folder holding case-*.json) in it" >&2; exit 2; }
# An earlier run's reports in OUT are not replaced: `vigil eval diagnose` refuses a folder holding a
# report (RVFIX2), so every set would fail one by one; said once, before anything runs.
held=""
for d in "$sets"/*/; do
  n=$(basename "$d")
  compgen -G "$d/case-*.json" >/dev/null || continue
  [ -e "$out/$n/report.json" ] || [ -e "$out/$n/report.md" ] && held="$held${held:+, }$n"
done
[ -z "$held" ] || { echo "$0: $out holds an earlier run's reports ($held); choose another OUT, or remove them" >&2; exit 2; }
mkdir -p -- "$out" 2>/dev/null && [ -d "$out" ] && [ -w "$out" ] ||
  { echo "$0: $out: cannot be made a writable directory" >&2; exit 2; }
rc=0
for d in "$sets"/*/; do
  n=$(basename "$d")
  compgen -G "$d/case-*.json" >/dev/null || continue
  if ! "$vigil" eval diagnose --cases "$d" --out "$out/$n" > "$out/$n.log" 2>&1; then
    echo "$0: $n failed (see $out/$n.log)" >&2; rc=1
  fi
done
exit $rc
