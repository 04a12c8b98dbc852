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
