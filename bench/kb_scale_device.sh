#!/usr/bin/env bash
# Runs the knowledge-base scale benchmark (bench/kb_bench.cc) at 1 M entries on a machine without
# FAISS or the other libraries it was linked against, from a folder holding the binary and them.
#
#   here (the build machine):  bash bench/kb_scale_device.sh --collect [build-kb]
#       copies build-kb/bin/kb_bench and every shared library it loads, except the C library's
#       own (libc, libm, libpthread, libdl, librt, libresolv, ld-linux, libstdc++/libgcc_s are
#       taken from the host, which must be at least as new: glibc >= 2.34, GLIBCXX >= 3.4.29),
#       into .device/kb/ (ignored by git; ~33 MB). FAISS itself is linked statically.
#   there, from the repository root (needs data/knowledge and evals/knowledge/queries.jsonl):
#       bash bench/kb_scale_device.sh [SIZES [KB_BENCH_ARGS...]]   # default: 1000000 --no-baselines
#       writes the output to stdout and to $OUT/kb_scale.log when $OUT is set (each result line,
#       import progress after every call of 100 000 included, is flushed as soon as it is
#       measured). The benchmark is stopped after KB_DEVICE_LIMIT_S seconds (default 570, inside
#       a 590 s device call), so a slow run still ends with what it measured and an exit line.
#       KB_DEVICE_MODES="default off" runs one benchmark per mode at the same time, each pinned
#       to an idle core of its own (taskset, cores KB_DEVICE_CORES, default "2 4"): `default` is
#       the product's near-duplicate check, `off` adds --near-duplicate 0; logs go to
#       $OUT/kb_scale_<mode>.log. The two share the host's memory bandwidth and last-level cache.
#       The baselines (FTS5 lexical, Flat dense) are left out by default: at 1 M the Flat reopen
#       re-embeds every entry and FTS5 takes seconds per query, which does not fit an 8-minute
#       budget; pass e.g. `1000000 --baseline-queries 20` to include them. Any kb_bench flag
#       after SIZES reaches every mode's run, e.g. the page-size A/B
#       `1000000 --no-baselines --sqlite-page-size 4096` (the store's page size is printed).
#       KB_DEVICE_IMPORT_THREADS=N passes --import-threads N (default 1: the one-core figure the
#       earlier runs measured). With 2, give each mode two idle cores: a KB_DEVICE_CORES entry may
#       be a taskset list, e.g. KB_DEVICE_MODES="default" KB_DEVICE_CORES="3,4" (entries are
#       separated by spaces, one per mode). The queries run on the calling thread either way.
#
# One core: OMP_NUM_THREADS=1 (FAISS uses OpenMP). The database goes to $TMPDIR (needs ~12 GB
# free at 1 M). The index is kb_bench's default, the knowledge base's default `IVF1024,Flat`
# (pass e.g. `1000000 --no-baselines --index HNSW32` for the previous one, which does not fit
# the budget at 1 M). One run prints, in order: import progress after each call of 100 000, the
# query table (hybrid first pass, lexical, dense), the second hybrid pass, page faults and
# kernel CPU per pass, and the reopen time. Budget at 1 M on an idle core: see
# knowledge/HISTORY.md ("Scale").
set -euo pipefail
cd "$(dirname "$0")/.."
dest=.device/kb

if [[ "${1:-}" == "--collect" ]]; then
  build=${2:-build-kb}
  bin=$build/bin/kb_bench
  [[ -x $bin ]] || { echo "kb_scale_device.sh: $bin not built (ninja -C $build kb_bench)" >&2; exit 2; }
  rm -rf "$dest"
  mkdir -p "$dest/lib"
  cp "$bin" "$dest/"
  # The libraries kb_bench needs, with their own dependencies, except the C/C++ runtime and
  # libcurl's chain: the GPU machine has libcurl (kb_bench never calls it), and the ~17 MB of
  # libcurl's TLS/Kerberos/LDAP dependencies would push the carried tree past 64 MiB.
  needed=$(readelf -d "$bin" | sed -n 's/.*Shared library: \[\(.*\)\]/\1/p' | grep -v '^libcurl\.so')
  for lib in $needed; do
    path=$(ldd "$bin" | awk -v n="$lib" '$1 == n && $3 ~ /^\// {print $3}')
    [[ -n $path ]] || continue
    { echo "$lib $path"; ldd "$path" | awk '/=> \// {print $1, $3}'; }
  done | sort -u | while read -r name path; do
    case $name in
      libc.so*|libm.so*|libpthread.so*|libdl.so*|librt.so*|libresolv.so*|ld-linux*|libstdc++.so*|libgcc_s.so*) ;;
      *) cp -L "$path" "$dest/lib/$name" ;;
    esac
  done
  echo "collected into $dest:"
  ls -la "$dest" "$dest/lib"
  exit 0
fi

sizes=${1:-1000000}
shift || true
extra=("$@")
[[ ${#extra[@]} -gt 0 ]] || extra=(--no-baselines)
import_threads=${KB_DEVICE_IMPORT_THREADS:-1}
[[ $import_threads =~ ^[1-9][0-9]*$ ]] || { echo "kb_scale_device.sh: KB_DEVICE_IMPORT_THREADS=$import_threads is not a count of 1 or more" >&2; exit 2; }
extra+=(--import-threads "$import_threads")
[[ -x $dest/kb_bench ]] || { echo "kb_scale_device.sh: $dest/kb_bench missing; run --collect on the build machine" >&2; exit 2; }
missing=$(LD_LIBRARY_PATH=$dest/lib ldd "$dest/kb_bench" | grep "not found" || true)
if [[ -n $missing ]]; then
  echo "kb_scale_device.sh: shared libraries not found:" >&2
  echo "$missing" >&2
  exit 2
fi
if [[ -n ${KB_DEVICE_MODES:-} ]]; then
  read -r -a modes <<<"$KB_DEVICE_MODES"
  read -r -a cores <<<"${KB_DEVICE_CORES:-2 4}"
  pin=(taskset -c)
  command -v taskset >/dev/null || { echo "# taskset not found: the runs are not pinned" >&2; pin=(); }
  pids=()
  for i in "${!modes[@]}"; do
    mode=${modes[$i]}
    mode_args=()
    case $mode in
      default) ;;
      off) mode_args=(--near-duplicate 0) ;;
      *) echo "kb_scale_device.sh: unknown mode $mode (default, off)" >&2; exit 2 ;;
    esac
    log=${OUT:-/tmp}/kb_scale_$mode.log
    (
      echo "# mode $mode, cores ${cores[$i]}, import threads $import_threads: $(date -u +%FT%TZ) $(uname -n) $(nproc) cores; $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2)"
      echo "# load: $(cat /proc/loadavg)"
      start=$(date +%s)
      rc=0
      LD_LIBRARY_PATH=$dest/lib OMP_NUM_THREADS=1 timeout "${KB_DEVICE_LIMIT_S:-570}" ${pin[@]+"${pin[@]}"} ${pin[@]+"${cores[$i]}"} \
        "$dest/kb_bench" --skip-quality --sizes "$sizes" --chunk 100000 "${extra[@]}" "${mode_args[@]}" 2>&1 || rc=$?
      [[ $rc -ne 124 ]] || echo "# stopped at KB_DEVICE_LIMIT_S=${KB_DEVICE_LIMIT_S:-570} s"
      echo "# exit $rc, $(($(date +%s) - start)) s in all"
      exit $rc
    ) >"$log" 2>&1 &
    pids+=($!)
  done
  rc=0
  for pid in "${pids[@]}"; do wait "$pid" || rc=$?; done
  for mode in "${modes[@]}"; do
    echo "=== $mode"
    cat "${OUT:-/tmp}/kb_scale_$mode.log"
  done
  exit $rc
fi

log=${OUT:-/tmp}/kb_scale.log
{
  echo "# import threads $import_threads; $(date -u +%FT%TZ) $(uname -n) $(nproc) cores; $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2)"
  echo "# load: $(cat /proc/loadavg)"
  start=$(date +%s)
  rc=0
  LD_LIBRARY_PATH=$dest/lib OMP_NUM_THREADS=1 timeout "${KB_DEVICE_LIMIT_S:-570}" "$dest/kb_bench" \
    --skip-quality --sizes "$sizes" --chunk 100000 "${extra[@]}" 2>&1 || rc=$?
  [[ $rc -ne 124 ]] || echo "# stopped at KB_DEVICE_LIMIT_S=${KB_DEVICE_LIMIT_S:-570} s"
  echo "# exit $rc, $(($(date +%s) - start)) s in all"
  exit $rc
} | tee "$log"
