#!/usr/bin/env bash
# scripts/sanitize's reporting, without its hour-long instrumented build: the script is pointed
# (VIGIL_BUILD_DIR) at a small CMake project made here, configured with VIGIL_SANITIZE=address,undefined
# as the script checks, whose ctest tests stand in for the instrumented binaries:
#  1. a test that passes but printed a UBSan "runtime error" line: the script fails (exit 1) and
#     says "UBSan reports above (1 ..."; the line is shown. Before 2026-12-03 the script exited 0:
#     a UBSan report of a process that went on (or whose exit code a test ignored) was never seen.
#  2. the same without that line, one test failing: the script fails with ctest's exit code (8).
#  3. all clean: exit 0, "tests took N s"; the options the tests saw: halt_on_error=1 for UBSan.
#  4. `--keep-going`: halt_on_error=0 in ASAN_OPTIONS and UBSAN_OPTIONS (before 2026-12-03 the
#     flag went on to ctest, which refused it).
#  5. a file in sanitizer-logs/ (what ASan / LSan write through log_path) fails the script.
# The package step must be a no-op: every package of scripts/test installed, else exit 77.
# Usage: bash tests/scripts_sanitize_test.sh <build-dir>   (from the repo root; the build is not used)
source "$(dirname "$0")/lib/e2e.sh" "$@"
ROOT="$(cd "$HERE/.." && pwd)"
require_tools cmake ninja ctest
missing=$(bash -c 'source "$1/scripts/lib/setup.sh"; vigil_missing_packages "${VIGIL_BUILD_PACKAGES[@]}" "${VIGIL_TEST_PACKAGES[@]}"' _ "$ROOT")
[ -z "$missing" ] || { echo "SKIP: packages not installed ($missing): scripts/sanitize would install them"; exit 77; }
while read -r name; do unset "$name"; done < <(env | sed -n 's/^\(VIGIL_[A-Z_0-9]*\)=.*/\1/p')

# toy BODY: a project in $TMP/toy (built in $TMP/toy/b) whose tests are BODY's add_test lines.
toy() {
  rm -rf "$TMP/toy"
  mkdir -p "$TMP/toy"
  printf 'cmake_minimum_required(VERSION 3.20)\nproject(toy NONE)\nset(VIGIL_SANITIZE "" CACHE STRING "")\nenable_testing()\n%s\n' \
    "$1" >"$TMP/toy/CMakeLists.txt"
  cmake -S "$TMP/toy" -B "$TMP/toy/b" -G Ninja -DVIGIL_SANITIZE=address,undefined >/dev/null ||
    { bad "toy project did not configure"; return 1; }
}
sanitize() { VIGIL_BUILD_DIR="$TMP/toy/b" bash "$ROOT/scripts/sanitize" "$@"; }
options='add_test(NAME options COMMAND sh -c "echo ASAN=$ASAN_OPTIONS; echo UBSAN=$UBSAN_OPTIONS")'

# 1.
toy 'add_test(NAME quiet COMMAND sh -c "echo fine")
add_test(NAME ubsan_went_on COMMAND sh -c "echo \"x.cc:3:49: runtime error: signed integer overflow\" >&2; exit 0")'
out=$(sanitize 2>&1)
rc=$?
[ "$rc" = 1 ] && grep -q '^x\.cc:3:49: runtime error: signed integer overflow' <<<"$out" &&
  grep -q '^vigil: UBSan reports above (1 "runtime error" line' <<<"$out" && passed=$((passed + 1)) ||
  bad "a passing test's runtime error line: exit $rc (want 1), $(tail -3 <<<"$out")"
# 2.
toy 'add_test(NAME quiet COMMAND sh -c "echo fine")
add_test(NAME fails COMMAND sh -c "exit 3")'
check "a failing test fails the script" 8 'tests failed out of 2' -- sanitize
# 3.
toy "add_test(NAME quiet COMMAND sh -c \"echo fine\")
$options"
out=$(sanitize 2>&1)
rc=$?
log="$TMP/toy/b/Testing/Temporary/LastTest.log"
[ "$rc" = 0 ] && grep -qE '^vigil: sanitize: tests took [0-9]+ s' <<<"$out" && ! grep -q 'reports above' <<<"$out" &&
  grep -q '^UBSAN=.*halt_on_error=1' "$log" && passed=$((passed + 1)) ||
  bad "a clean run: exit $rc, $(tail -3 <<<"$out"), options: $(grep -E '^(A|UB)SAN=' "$log")"
# 4.
check "--keep-going passes" 0 'tests took' -- sanitize --keep-going
grep -q '^ASAN=.*halt_on_error=0' "$log" && grep -q '^UBSAN=.*halt_on_error=0' "$log" && passed=$((passed + 1)) ||
  bad "--keep-going: options $(grep -E '^(A|UB)SAN=' "$log")"
# 5. A report through log_path (the file name the runtimes use: sanitizer.<pid>).
toy 'add_test(NAME leaks COMMAND sh -c "dir=\${ASAN_OPTIONS##*log_path=}; echo \"ERROR: LeakSanitizer: detected memory leaks\" >\${dir%%:*}.42")'
check "a report file fails the script" 1 '^vigil: sanitizer reports above \(1 file' -- sanitize

echo "scripts_sanitize_test: $passed passed, $fail failed"
[ "$fail" = 0 ]
