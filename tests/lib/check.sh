# Shared helper for the end-to-end scripts (sourced). Counts in $passed / $fail.
# check NAME EXPECTED_RC PATTERN -- CMD...: runs CMD, expects its exit code and an ERE match in
# its combined output; prints the output on a mismatch.
# bad MESSAGE: counts one failure of a script's own test, printing FAIL MESSAGE.
fail=0; passed=0
check() {
  local name="$1" want_rc="$2" pattern="$3"; shift 4
  local out rc
  out="$("$@" 2>&1)"; rc=$?
  if [ "$rc" != "$want_rc" ] || ! grep -qE -- "$pattern" <<<"$out"; then
    echo "FAIL $name: rc=$rc (want $want_rc), output:"; echo "$out" | head -20; fail=$((fail + 1))
  else
    passed=$((passed + 1))
  fi
}
bad() { echo "FAIL $1"; fail=$((fail + 1)); }
