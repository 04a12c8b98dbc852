# Shared start of the end-to-end scripts, sourced with the script's arguments:
#   source "$(dirname "$0")/lib/e2e.sh" "$@"      (the script run as: bash tests/X_test.sh <build-dir>)
# Sets -uo pipefail, VIGIL (the absolute path of <build-dir>/bin/vigil, so the script may cd), HERE
# (the tests/ folder), TMP (a fresh folder removed at exit), the check helper (lib/check.sh), and
#   require_tools TOOL...   skips the test (exit 77) naming the first TOOL that is not installed
# and AM_BIN (Debian's prometheus-alertmanager, wherever PATH finds it).
set -uo pipefail
BUILD=${1:?build dir}
VIGIL="$(cd "$BUILD" && pwd)/bin/vigil"
HERE="$(cd "$(dirname "${BASH_SOURCE[1]}")" && pwd)"
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
source "$HERE/lib/check.sh"
require_tools() {
  local b
  for b in "$@"; do
    [ -n "$b" ] && command -v "$b" >/dev/null ||
      { echo "SKIP: ${b:-a tool} not installed (scripts/test installs it)"; exit 77; }
  done
}
# require_chromium_node: sets `chromium` (Debian's chromium, or chromium-browser) and skips the test
# (exit 77) when it, curl or node >= 20 with --experimental-websocket (tests/lib/cdp.js) is missing.
require_chromium_node() {
  chromium=$(command -v chromium || command -v chromium-browser || true)
  require_tools curl node "${chromium:-chromium}"
  node --experimental-websocket -e 'typeof WebSocket === "function" || process.exit(1)' 2>/dev/null ||
    { echo "SKIP: node >= 20 (with --experimental-websocket) is needed"; exit 77; }
}
AM_BIN=$(command -v prometheus-alertmanager || echo /usr/bin/prometheus-alertmanager)
