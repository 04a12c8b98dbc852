# Shared set-up for scripts/run and scripts/test (sourced). Idempotent and quiet when nothing
# is missing: installs missing Debian packages, then configures and builds in Release.
set -euo pipefail

VIGIL_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
VIGIL_BUILD="${VIGIL_BUILD_DIR:-$VIGIL_ROOT/build}"
# The scripts' own VIGIL_* variables stay in this shell: vigil refuses a VIGIL_* environment
# variable that is not one of its settings (a typo, usually), so exported they stopped every vigil
# these scripts start ("unknown environment variable VIGIL_BUILD_DIR").
export -n VIGIL_BUILD_DIR VIGIL_CMAKE_ARGS VIGIL_BUILD_TARGETS VIGIL_SANITIZE

# Packages needed to build Vigil (Debian 12 names). tzdata: the IANA zone database the diagnosis
# reads a case's topology.timezone from ("Europe/Berlin", core/tz_database.h).
VIGIL_BUILD_PACKAGES=(cmake ninja-build g++ pkg-config python3
  libcurl4-openssl-dev nlohmann-json3-dev libsqlite3-dev libfaiss-dev libcpp-httplib-dev
  doctest-dev libcli11-dev tzdata)
# Packages the test suite and its integration tests use (set by scripts/test).
VIGIL_TEST_PACKAGES=(python3-pandas python3-sklearn slurmctld slurmd slurm-client munge
  openssh-server openssh-client prometheus prometheus-alertmanager chromium curl openssl nodejs)

vigil_missing_packages() {
  local missing=() p
  for p in "$@"; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
      missing+=("$p")
    fi
  done
  echo "${missing[@]:-}"
}

vigil_install_packages() {
  local missing
  missing="$(vigil_missing_packages "$@")"
  [ -z "$missing" ] && return 0
  echo "vigil: installing Debian packages: $missing"
  local sudo=""
  if [ "$(id -u)" != 0 ]; then
    command -v sudo >/dev/null || { echo "vigil: need root or sudo to install: $missing" >&2; exit 1; }
    sudo="sudo"
  fi
  # Refresh package lists once if they are missing or stale (older than a day).
  if [ -z "$(find /var/lib/apt/lists -maxdepth 1 -name '*Packages*' -mtime -1 2>/dev/null | head -1)" ]; then
    $sudo apt-get update -qq >/dev/null
  fi
  # shellcheck disable=SC2086
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends $missing >/dev/null
}

vigil_build() {
  local cuda_flag=()
  if [ ! -f "$VIGIL_BUILD/CMakeCache.txt" ]; then
    if [ -x /usr/local/cuda/bin/nvcc ] || command -v nvcc >/dev/null; then
      echo "vigil: CUDA toolkit found; vigil-probe (CUDA, cuBLAS, NCCL) will be built"
    else
      echo "vigil: no CUDA toolkit (nvcc) found; skipping vigil-probe, GPU probes will be unavailable"
      cuda_flag=(-DVIGIL_WITH_CUDA=OFF)
    fi
    # The configure log lives in the build folder (git-ignored), not beside it in the checkout.
    mkdir -p "$VIGIL_BUILD"
    cmake -S "$VIGIL_ROOT" -B "$VIGIL_BUILD" -G Ninja -DCMAKE_BUILD_TYPE=Release \
      "${cuda_flag[@]}" ${VIGIL_CMAKE_ARGS:-} >"$VIGIL_BUILD/configure.log" 2>&1 ||
      { cat "$VIGIL_BUILD/configure.log" >&2; echo "vigil: cmake configure failed" >&2; exit 1; }
  fi
  # Quiet when up to date; the full log on failure.
  local log="$VIGIL_BUILD/build.log"
  # VIGIL_BUILD_TARGETS (space-separated, e.g. "vigil"): only those and what they need; default all.
  local targets=()
  # shellcheck disable=SC2206
  [ -n "${VIGIL_BUILD_TARGETS:-}" ] && targets=(--target $VIGIL_BUILD_TARGETS)
  if ! cmake --build "$VIGIL_BUILD" -j "$(nproc)" "${targets[@]}" >"$log" 2>&1; then
    grep -E "error|Error|FAILED" -A5 "$log" | head -80 >&2
    echo "vigil: build failed; full log in $log" >&2
    exit 1
  fi
}
