#!/usr/bin/env bash
# input_fuzz's own command line (tests/fuzz/README.md): what it refuses exits 2 with a message that
# names what was wrong; --list names every target; a replay of an input that returns exits 0.
#   bash tests/fuzz_usage_test.sh BUILD_DIR
set -u
fuzz="${1:?usage: fuzz_usage_test.sh BUILD_DIR}/bin/input_fuzz"
[ -x "$fuzz" ] || { echo "FAIL: $fuzz is not built"; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
expect() {  # WANT_RC TEXT ARG...: input_fuzz ARG... exits WANT_RC and prints TEXT
  local want=$1 text=$2 out rc
  shift 2
  out=$("$fuzz" "$@" 2>&1)
  rc=$?
  if [ "$rc" -ne "$want" ] || ! grep -qF -- "$text" <<<"$out"; then
    echo "FAIL: input_fuzz $* exited $rc (want $want) without \`$text\`:"
    head -5 <<<"$out"
    fail=1
  else
    echo "ok: input_fuzz $* -> $rc"
  fi
}
expect 2 'unknown target `nope` (--list shows them)' --targets nope --iterations 1
expect 2 '--replay needs exactly one target in --targets' --replay /dev/null
expect 2 '--replay needs exactly one target in --targets' --targets fields,rules --replay /dev/null
expect 2 "--replay $tmp/absent: not a readable file" --targets fields --replay "$tmp/absent"
expect 2 'unknown argument `--bogus`' --bogus
expect 2 '--iterations needs a value' --iterations
expect 2 '--iterations: `many` is not a number' --iterations many
expect 2 '--seed: `99999999999999999999999` is out of range' --seed 99999999999999999999999
expect 2 '--max-bytes and --max-seconds must be positive' --max-seconds 0
# NaN passed `<= 0`, and 1e300 / inf overflowed the watchdog's int64 milliseconds (undefined; on x86
# every input the watchdog saw running was saved as a hang); stoul took -1 as 2^64 - 1.
expect 2 '--max-bytes and --max-seconds must be positive' --targets fields --iterations 1 --max-seconds nan
expect 2 '--max-seconds: at most 1000000' --targets fields --iterations 1 --max-seconds 1e300
expect 2 '--max-seconds: at most 1000000' --targets fields --iterations 1 --max-seconds inf
expect 2 '--iterations: `-1` is out of range' --targets fields --iterations -1
expect 2 '--max-bytes: `-5` is out of range' --targets fields --max-bytes -5
expect 2 'no seed found for case, incident_jsonl, guide_markdown (run from the repository root or pass --root)' --root "$tmp" --list
for t in rules case alertmanager prometheus_answer alertmanager_api embeddings_answer llm_http fields; do
  expect 0 "$t" --list
done
printf 'node-3/gpu5' > "$tmp/in"
expect 0 "input_fuzz: replay [fields] $tmp/in: returned" --targets fields --replay "$tmp/in"
[ "$fail" -eq 0 ] && echo "fuzz_usage_test: all passed"
exit "$fail"
