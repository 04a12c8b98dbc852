# Shared by the headless-Chromium e2e scripts (serve_chat_chromium_test.sh,
# serve_verification_chat_page_test.sh), sourced:
#   page_has NAME FILE [!]PATTERN...
# every pattern (a fixed string) is in FILE, one starting with `!` is not; prints `FAIL NAME: lacks P`
# / `FAIL NAME: holds P` for each that is wrong and returns 1 then, else 0. Each script decides what
# a failure does (count it, or stop).
page_has() {
  local name="$1" file="$2" p ok=0; shift 2
  for p in "$@"; do
    if [ "${p:0:1}" = "!" ]; then
      grep -qF -- "${p:1}" "$file" && { echo "FAIL $name: holds ${p:1}"; ok=1; }
    else
      grep -qF -- "$p" "$file" || { echo "FAIL $name: lacks $p"; ok=1; }
    fi
  done
  return $ok
}
