# Shared start of the end-to-end scripts, sourced with the script's arguments:
#   source "$(dirname "$0")/lib/e2e.sh" "$@"      (the script run as: bash tests/X_test.sh <build-dir>)
# Sets -uo pipefail, VIGIL (the absolute path of <build-dir>/bin/vigil, so the script may cd), HERE
# (the tests/ folder), TMP (a fresh folder removed at exit) and the check helper (lib/check.sh).
set -uo pipefail
BUILD=${1:?build dir}
VIGIL="$(cd "$BUILD" && pwd)/bin/vigil"
HERE="$(cd "$(dirname "${BASH_SOURCE[1]}")" && pwd)"
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
source "$HERE/lib/check.sh"
