#!/usr/bin/env bash
# Runs bench/rules_bench (new engine) against a base build on the GPU host's CPU (the device tool's
# machines), interleaved, from a folder holding both binaries and the KPI training set.
#
#   here (the build machine), from the repository root:
#       bash bench/rules_bench_device.sh --collect BUILD BASEBUILD
#     copies BUILD/bin/rules_bench (new) and BASEBUILD/bin/rules_bench (as rules_bench_base) and
#     a tarball of ../shared/datasets/kpi/train (~11 MB) into .device/rb/ (ignored by git; the
#     device tool carries at most 64 MiB). Both binaries must need no shared library beyond the C
#     and C++ runtimes (link rules_bench from the rules, detectors and core libraries only, e.g.
#     `c++ -O3 -o BUILD/bin/rules_bench BUILD/bench/CMakeFiles/rules_bench.dir/rules_bench.cc.o
#     BUILD/rules/libvigil_rules.a BUILD/detectors/libvigil_detectors.a BUILD/core/libvigil_core.a`);
#     --collect refuses others. Prints the two binaries' sizes and checksums.
#   there, from the repository root (the device call: command
#       `export NCCL_NVLS_ENABLE=0; bash bench/rules_bench_device.sh`, carry [".device/rb"]):
#     unpacks the data to $TMPDIR, prints nproc, the CPU model, its flags of interest and the load,
#     then on each core of RB_DEVICE_CORES (default "5 11", taskset -c) interleaves base and new:
#     two full runs each (--no-baseline: pandas is not there), two `--stream-only --repeat 3`
#     each, one `--profile 10` each; a section is skipped once RB_DEVICE_LIMIT_S (default 130) s
#     have passed since the start, so a 200 s call ends with what it measured. Every line goes
#     to stdout and to $OUT/rules_bench_device.log (when OUT is set), and a summary at the end
#     lists per run: batch flags-only s and M point·rules/s/core, streaming s, flags, digest.
# Any other argument, an RB_DEVICE_CORES entry that is not a core this machine lets it pin to, or
# a non-numeric RB_DEVICE_LIMIT_S is refused (exit 2, the reason named) before anything runs.
# The bench reads bench/rules_bench_rules.txt from the repository root and the data from its
# first plain argument (KPI_DIR).
set -euo pipefail
cd "$(dirname "$0")/.."
dest=.device/rb

usage="usage: rules_bench_device.sh --collect BUILD BASEBUILD (here), rules_bench_device.sh (on the device, no arguments)"
if [[ "${1:-}" == "--collect" ]]; then
  (($# == 3)) || { echo "rules_bench_device.sh: --collect takes BUILD and BASEBUILD, got $(($# - 1)) argument(s); $usage" >&2; exit 2; }
  new=$2/bin/rules_bench
  base=$3/bin/rules_bench
  data=../shared/datasets/kpi/train
  for b in "$new" "$base"; do
    [[ -x $b ]] || { echo "rules_bench_device.sh: $b not built" >&2; exit 2; }
    extra=$(ldd "$b" | awk '$1 !~ /^(linux-vdso|libstdc\+\+|libm|libgcc_s|libc|\/lib64\/ld-linux)/ {print $1}' | sed 's/\.so.*//' | sort -u | tr '\n' ' ')
    [[ -z $extra ]] || { echo "rules_bench_device.sh: $b needs shared libraries the device lacks: $extra(link it from the engine libraries only)" >&2; exit 2; }
  done
  [[ -d $data ]] || { echo "rules_bench_device.sh: $data not found" >&2; exit 2; }
  rm -rf "$dest"
  mkdir -p "$dest"
  cp "$new" "$dest/rules_bench"
  cp "$base" "$dest/rules_bench_base"
  tar -czf "$dest/kpi_train.tar.gz" -C "$(dirname "$data")" "$(basename "$data")"
  echo "collected into $dest:"
  ls -la "$dest"
  (cd "$dest" && sha256sum rules_bench rules_bench_base)
  exit 0
fi

# Run mode takes no argument: a mistyped option must not start a 130 s benchmark.
(($# == 0)) || { echo "rules_bench_device.sh: unknown argument '$1'; $usage" >&2; exit 2; }
for f in rules_bench rules_bench_base kpi_train.tar.gz; do
  [[ -e $dest/$f ]] || { echo "rules_bench_device.sh: $dest/$f missing; run --collect on the build machine" >&2; exit 2; }
done
log=${OUT:-/tmp}/rules_bench_device.log
limit=${RB_DEVICE_LIMIT_S:-130}
read -r -a cores <<<"${RB_DEVICE_CORES:-5 11}"
[[ $limit =~ ^-?[0-9]+$ ]] || { echo "rules_bench_device.sh: RB_DEVICE_LIMIT_S '$limit' is not a number of seconds" >&2; exit 2; }
pin=(taskset -c)
command -v taskset >/dev/null || pin=()
for c in "${cores[@]}"; do  # each entry a core this process may be pinned to (checked before any run)
  [[ $c =~ ^[0-9]+$ ]] && { ((${#pin[@]} == 0)) || taskset -c "$c" true 2>/dev/null; } ||
    { echo "rules_bench_device.sh: RB_DEVICE_CORES entry '$c' is not a core this machine lets it run on (nproc $(nproc))" >&2; exit 2; }
done
tmp=${TMPDIR:-/tmp}/rb_device.$$
mkdir -p "$tmp"
trap 'rm -rf "$tmp"' EXIT  # also when a run fails
tar -xzf "$dest/kpi_train.tar.gz" -C "$tmp"
kpi=$tmp/train
start=$(date +%s)

run() {  # run LABEL CORE BINARY ARGS...: one bench run, its lines prefixed with the label
  local label=$1 core=$2 bin=$3
  shift 3
  echo "=== $label (core $core, $(date -u +%T), load $(cut -d' ' -f1-3 /proc/loadavg)): ${bin##*/} $*"
  ${pin[@]+"${pin[@]}"} ${pin[@]+"$core"} "$bin" "$kpi" "$@" 2>&1 | sed "s/^/[$label] /"
}
in_time() {
  if (($(date +%s) - start > limit)); then
    echo "# skipped from here: past RB_DEVICE_LIMIT_S=$limit s"
    return 1
  fi
}

{
  echo "# rules_bench_device: $(date -u +%FT%TZ) $(uname -n), nproc $(nproc), cores ${cores[*]}"
  echo "# cpu: $(lscpu | sed -n 's/^Model name: *//p')"
  echo "# cpu flags: $(grep -m1 -o -w -E 'avx2|avx512f|avx512dq|bmi2' /proc/cpuinfo | sort -u | tr '\n' ' ')"
  echo "# load: $(cat /proc/loadavg)"
  echo "# binaries: $(cd "$dest" && sha256sum rules_bench rules_bench_base | awk '{print $2 "=" substr($1, 1, 12)}' | tr '\n' ' ')"
  B=$dest/rules_bench_base
  N=$dest/rules_bench
  done_all=1
  for c in "${cores[@]}"; do
    for i in 1 2; do
      in_time || { done_all=0; break 2; }
      run "base full c$c.$i" "$c" "$B" --no-baseline
      run "new full c$c.$i" "$c" "$N" --no-baseline
    done
    for i in 1 2; do
      in_time || { done_all=0; break 2; }
      run "base stream c$c.$i" "$c" "$B" --stream-only --repeat 3
      run "new stream c$c.$i" "$c" "$N" --stream-only --repeat 3
    done
    in_time || { done_all=0; break; }
    run "base profile c$c" "$c" "$B" --profile 10
    run "new profile c$c" "$c" "$N" --profile 10
  done
  echo "# finished after $(($(date +%s) - start)) s (all sections: $done_all), load $(cat /proc/loadavg)"
} 2>&1 | tee "$log"

# Summary, one line per run: batch flags-only s / M, streaming s (each pass), flags, digest.
{
  echo "# summary (s CPU; M point·rules/s/core)"
  awk '
    /^=== / { label = $2 " " $3 " " $4; next }
    /^\[/ {
      if ($0 ~ /batch \(flags only/) { match($0, /: [0-9.]+ s CPU, [0-9.]+ M/); b[label] = substr($0, RSTART + 2, RLENGTH - 2) }
      if ($0 ~ /alerts in order/) { d[label] = $NF }
      if ($0 ~ /streaming passes/) { sub(/.*\(s CPU\): */, ""); p[label] = $0 }
      if ($0 ~ /streaming \(flags only/) { match($0, /: [0-9.]+ s CPU/); s[label] = substr($0, RSTART + 2, RLENGTH - 8); f[label] = $(NF - 2) }
      if ($0 ~ /^\[[^]]*\] profile:/) { match($0, /[0-9.]+ s CPU each/); pr[label] = substr($0, RSTART, RLENGTH - 11) }
      order[label] = order[label] ? order[label] : ++n; names[order[label]] = label
    }
    END {
      for (i = 1; i <= n; ++i) {
        l = names[i]
        printf "%-22s", l
        if (l in b) printf " batch %s;", b[l]
        if (l in s) printf " streaming %s s (passes %s), flags %s;", s[l], (l in p ? p[l] : s[l]), f[l]
        if (l in d) printf " digest %s;", d[l]
        if (l in pr) printf " profile %s s;", pr[l]
        printf "\n"
      }
    }' "$log"
} | tee -a "$log"
rm -rf "$tmp"
