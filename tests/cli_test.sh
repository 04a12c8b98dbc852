#!/usr/bin/env bash
# End-to-end: the `vigil` command line as a user meets it (help, bad usage, bad settings).
set -u
BUILD="${1:-build}"
VIGIL="$BUILD/bin/vigil"
source "$(dirname "$0")/lib/check.sh"
help="$("$VIGIL" --help)" || { echo "FAIL: vigil --help exited non-zero"; exit 1; }
for cmd in serve detect rules train-rules kb diagnose probe eval; do
  if ! grep -qE "^  $cmd +[a-z]" <<<"$help"; then echo "FAIL: --help lacks a line for $cmd"; fail=$((fail + 1)); fi
done
grep -q "VIGIL_DATA_DIR" <<<"$help" || { echo "FAIL: --help lacks settings from the config table"; fail=$((fail + 1)); }
check "unknown command" 2 'unknown command `frobnicate`; commands: serve, detect' -- "$VIGIL" frobnicate
check "did you mean" 2 'did you mean `detect`' -- "$VIGIL" detcet
check "no command" 2 'subcommand is required' -- "$VIGIL"
check "unknown flag" 2 'not expected: --bogus' -- "$VIGIL" --bogus kb
# DOG5 (2026-12-05): a command's unknown subcommand was "A subcommand is required"; a command and its
# subcommand joined (`check-rules`) got no hint; a flag's first words (`--job-log`) only CLI11's line;
# a command's --help said nothing of the settings (`--listen` after `serve`, as scripts/run passes it).
check "a command's unknown subcommand" 2 'unknown command `rules chek`; did you mean `rules check`\?; commands of `vigil rules`: check, explain' -- \
  "$VIGIL" rules chek data/rules
check "a command and its subcommand joined" 2 'unknown command `check-rules`; did you mean `rules check`\?' -- \
  "$VIGIL" check-rules data/rules
check "a flag's first words" 2 '`--job-log` is not a flag of `vigil diagnose`; flags beginning so: `--job-log-path`, `--job-log-slurm`' -- \
  "$VIGIL" diagnose --job-log x.log
check "a command without its subcommand" 2 '^vigil: `vigil probe` needs a subcommand: list, run' -- "$VIGIL" probe
check "a command's help names the settings" 0 'may also be given here, after `serve`, or before it' -- "$VIGIL" serve --help
# DOG6 (2026-12-05): a command (or a command's subcommand) mistyped after global settings got CLI11's
# "The following arguments were not expected" with no hint, while `vigil diagnoes` got one.
check "a command's typo after settings" 2 '^vigil: unknown command `diagnoes`; did you mean `diagnose`\?; commands: serve' -- \
  "$VIGIL" --data-dir /nonexistent --log-level error diagnoes --case x.json
check "a subcommand's typo after settings" 2 'unknown command `rules chek`; did you mean `rules check`\?' -- \
  "$VIGIL" --data-dir=/nonexistent rules chek data/rules
check "a command without its subcommand after settings" 2 '^vigil: `vigil kb` needs a subcommand|^vigil: `vigil probe` needs a subcommand: list, run' -- \
  "$VIGIL" --log-level error probe
check "settings only: CLI11's line" 2 'subcommand is required' -- "$VIGIL" --data-dir /nonexistent
# DOG6: output that could not be written (a full disk: /dev/full) exited 0, the output lost; now 1, said.
check "detect's output to a full disk" 1 '^vigil: cannot write the output to stdout.*: what it holds is incomplete' -- \
  bash -c '"$0" detect --rules data/rules --data csv:data/samples/training_telemetry.csv > /dev/full' "$VIGIL"
check "diagnose --json to a full disk" 1 '^vigil: cannot write the output to stdout.*: what it holds is incomplete' -- \
  bash -c '"$0" --log-level error --data-dir "$1" diagnose --case evals/diagnosis/dev/case-001.json --no-probes --json > /dev/full' \
  "$VIGIL" "$(mktemp -d)"
# DOG6: `--case -` read a file named `-` ("case file -: No such file or directory"); --alert - and --log - read stdin.
check "diagnose --case - reads stdin" 0 '"root_cause": "gpu_fallen_off_bus"' -- \
  bash -c '"$0" --log-level error --data-dir "$1" diagnose --case - --no-probes --json < evals/diagnosis/dev/case-001.json' \
  "$VIGIL" "$(mktemp -d)"
check "diagnose --case - of bad JSON names stdin" 2 '^vigil: --case - \(stdin\)' -- \
  bash -c 'echo "{" | "$0" --log-level error --data-dir "$1" diagnose --case - --no-probes' "$VIGIL" "$(mktemp -d)"
# DOG6: `--log-level error` still printed detect's notes and summary, and there was no -q: a cron job mailed them.
check "detect -q: nothing on stderr" 0 '^$' -- \
  bash -c '"$0" -q detect --rules data/rules --data csv:data/samples/training_telemetry.csv 2>&1 >/dev/null' "$VIGIL"
check "detect --log-level warn: no notes, no summary" 0 '^$' -- \
  bash -c '"$0" detect --log-level warn --rules data/rules --data csv:data/samples/training_telemetry.csv 2>&1 >/dev/null' "$VIGIL"
check "detect -q: the alerts on stdout" 0 '^35$' -- \
  bash -c '"$0" detect -q --rules data/rules --data csv:data/samples/training_telemetry.csv | wc -l' "$VIGIL"
check "detect -q: an error still said" 1 'nonexistent.csv' -- \
  "$VIGIL" -q detect --rules data/rules --data csv:/nonexistent.csv
# DOG7: -q (and --log-level error) held detect's messages only: kb import's warnings, diagnose --log's
# note, train-rules' one line per target (a cron job's mail), eval detect's progress went on. Each
# command: stderr empty with -q, its output on stdout kept, an error still said.
q_tmp=$(mktemp -d)
printf 'Mar 18 22:06:45 node-3 kernel: NVRM: Xid (PCI:0000:ab:00): 79, pid=1, name=python, GPU has fallen off the bus.\n' >"$q_tmp/xid.log"
quiet_check() {  # NAME ARGS...: `vigil -q ARGS` prints nothing on stderr and something on stdout, exit 0
  local name=$1; shift
  check "-q $name: stderr empty, stdout kept" 0 '^rc=0 out=[1-9][0-9]* err=0$' -- \
    bash -c '"$0" -q --data-dir "$1" "${@:2}" >"$1/q.out" 2>"$1/q.err"; echo "rc=$? out=$(wc -l <"$1/q.out") err=$(wc -c <"$1/q.err")"' \
    "$VIGIL" "$q_tmp" "$@"
}
# kb import: a re-import's "duplicate of stored guide ...; skipped" lines (the pack is imported when the
# knowledge base opens); a warning about the input itself is kept (new_user_walk_test's header-only CSV).
quiet_check "kb import (a re-import's duplicate lines)" kb import data/knowledge/guides
quiet_check "diagnose --log (the syslog host note)" diagnose --log "$q_tmp/xid.log"
quiet_check "train-rules (a line per target off a TTY)" train-rules --data csv:data/samples/training_telemetry.csv --out "$q_tmp/trained"
quiet_check "eval detect (its progress lines)" eval detect --dataset gpu --detectors mad-band --out "$q_tmp/eval" --no-plots
quiet_check "probe list" probe list
quiet_check "rules check" rules check data/rules
check "--log-level warn train-rules: no line per target" 0 '^0$' -- \
  bash -c '"$0" --log-level warn train-rules --data csv:data/samples/training_telemetry.csv --out "$1/trained2" 2>&1 >/dev/null | grep -c "target [0-9]*/" || true' \
  "$VIGIL" "$q_tmp"
# DOG7: plain-text prose pasted as --log (a .txt runbook) is still read (on-call notes are evidence:
# PLC27), and the output's notes say that no line had a log line's shape; real log shapes get no such note.
printf '%s\n' 'GPU fallen off the bus runbook' '' 'When a node reports that a GPU has fallen off the bus, drain the node first.' \
  'Then check the kernel log for Xid 79 and reseat the card if it repeats.' \
  'If NCCL hangs across the job, look for the rank that stopped making progress.' >"$q_tmp/runbook.txt"
check "--log a plain-text runbook: read, the note says no line had a log line's shape" 0 \
  "no line of --log $q_tmp/runbook.txt has a log line's shape .*if it is a runbook, a wiki page or other documentation" -- \
  "$VIGIL" -q --data-dir "$q_tmp" diagnose --log "$q_tmp/runbook.txt"
printf '%s\n' '[rank5]: Traceback (most recent call last):' '[rank5]:   File "train.py", line 88, in <module>' \
  '[rank5]: torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 2.00 GiB' >"$q_tmp/rank.log"
printf '%s\n' 'NVRM: Xid (PCI:0000:ab:00): 79, pid=1, name=python, GPU has fallen off the bus.' \
  'NVRM: GPU 0000:ab:00.0: GPU has fallen off the bus.' 'NVRM: A GPU crash dump has been created.' >"$q_tmp/dmesg_t.log"
printf '%s\n' 'node-1:2211:2290 [3] NCCL INFO Channel 00/0 : 3[3] -> 4[4] via P2P/IPC' \
  'node-1:2211:2290 [3] NCCL WARN Timeout waiting for peer' 'slurmstepd: error: *** STEP 4411.0 ON node-1 CANCELLED AT 2026-12-05T02:10:11 ***' >"$q_tmp/nccl.log"
printf '%s\n' 'training stalled around 02:10, rank 3 stopped logging' 'GPUs sit at ~30%; step time 3.5 s vs 1.1 s last week' \
  'I restarted the job once, same thing' >"$q_tmp/oncall_notes.txt"
for f in rank.log dmesg_t.log nccl.log; do
  check "--log $f (a real log's shapes): no prose note" 0 '^0$' -- \
    bash -c '"$0" -q --data-dir "$1" diagnose --log "$2" | grep -c "has a log line.s shape" || true' "$VIGIL" "$q_tmp" "$q_tmp/$f"
done
check "--log on-call notes with a time of day: no prose note, read" 0 '^0$' -- \
  bash -c '"$0" -q --data-dir "$1" diagnose --log "$2" | grep -c "has a log line.s shape" || true' "$VIGIL" "$q_tmp" "$q_tmp/oncall_notes.txt"
check "-q kb import: an error still said" 1 '^vigil: import /nonexistent-dog7: no such file' -- "$VIGIL" -q --data-dir "$q_tmp" kb import /nonexistent-dog7
check "-q diagnose --log: an error still said" 2 '^vigil: .*nonexistent-dog7' -- "$VIGIL" -q --data-dir "$q_tmp" diagnose --log /nonexistent-dog7.log
check "-q train-rules: an error still said" 1 'nonexistent-dog7' -- "$VIGIL" -q train-rules --data csv:/nonexistent-dog7.csv --out "$q_tmp/t3"
# A misspelt flag of a command is offered the nearest of that command's flags and the global ones
# (RVU, 2026-12-04; before, only CLI11's "The following arguments were not expected: FILE --logs").
check "unknown flag: did you mean a command's" 2 '`--logs` is not a flag of `vigil diagnose`; did you mean `--log`\?' -- \
  "$VIGIL" diagnose --logs x.log
check "unknown flag: did you mean a global one" 2 '`--prometheus-ur` is not a flag of `vigil serve`; did you mean `--prometheus-url`\?' -- \
  "$VIGIL" --data-dir /nonexistent serve --prometheus-ur http://p:9090
check "unknown flag: a subcommand's subcommand" 2 '`--kk` is not a flag of `vigil kb search`; did you mean `--k`\?' -- \
  "$VIGIL" kb search "xid" --kk 3
# REV2: a serve flag put in the config file was "unknown setting `workers`" with no word of where it goes.
cfg=$(mktemp)
printf '{\n  "listen": "127.0.0.1:0",\n  "workers": 4\n}\n' >"$cfg"
check "a command's flag in the config file: said to be serve's flag" 2 \
  'config file .*, line 3: unknown setting `workers`; it is a flag of `vigil serve` \(--workers\), not a setting: give it on the command line, `vigil serve --workers VALUE`' \
  -- "$VIGIL" --config "$cfg" serve
printf '{"no_probes": true}' >"$cfg"
check "a switch of serve in the config file" 2 'unknown setting `no_probes`; it is a flag of `vigil serve` \(--no-probes\), not a setting: give it on the command line, `vigil serve --no-probes`' \
  -- "$VIGIL" --config "$cfg" serve
rm -f "$cfg"
check "bad env value" 2 'invalid value `loud` for log_level \(from environment VIGIL_LOG_LEVEL\): accepted: debug' \
  -- env VIGIL_LOG_LEVEL=loud "$VIGIL" kb
check "env typo" 2 'unknown environment variable VIGIL_DATADIR; did you mean VIGIL_DATA_DIR' \
  -- env VIGIL_DATADIR=/tmp "$VIGIL" kb
check "bad flag value" 2 'invalid value `soon` for llm_timeout \(from flag --llm-timeout\)' \
  -- "$VIGIL" --llm-timeout soon kb
check "bad url" 2 'expected a URL starting with http' -- env VIGIL_LLM_URL=localhost:8000 "$VIGIL" kb
check "missing config file" 2 'config file: cannot open /nonexistent/vigil.json' -- "$VIGIL" --config /nonexistent/vigil.json kb
tmp="$(mktemp)"; echo '{"data_dri": "x"}' > "$tmp"
check "config file typo" 2 'unknown setting `data_dri`; did you mean `data_dir`' -- "$VIGIL" --config "$tmp" kb
rm -f "$tmp"
# Layer checker: the real tree passes; a forbidden include fails with file:line.
check "layers clean" 0 '' -- scripts/check-layers
fake="$(mktemp -d)"; mkdir -p "$fake/rules" "$fake/knowledge"
echo '#include "agents/diagnosis_agent.h"' > "$fake/rules/bad.h"
echo '#include <curl/curl.h>' > "$fake/knowledge/net.cc"
check "layers violation" 1 'rules/bad.h:1: includes "agents/diagnosis_agent.h": rules/ may depend on core' -- scripts/check-layers "$fake"
check "third-party confinement" 1 'knowledge/net.cc:1: includes <curl/curl.h>: libcurl only in connectors/' -- scripts/check-layers "$fake"
rm -rf "$fake"
echo "cli: $passed passed, $fail failed"
[ "$fail" = 0 ]
