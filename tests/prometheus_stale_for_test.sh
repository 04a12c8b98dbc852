#!/usr/bin/env bash
# `stale_for` on data read from a REAL Prometheus fires when the samples stop, not 5 minutes later
# (connectors/prometheus_source.h PromQueryRangeFresh; rules/README.md "`stale_for` on data read
# from Prometheus"):
#  1. backfills (`promtool tsdb create-blocks-from openmetrics`: no staleness markers, as remote
#     write and federation) DCGM_FI_DEV_GPU_TEMP and DCGM_FI_DEV_POWER_USAGE every 15 s for two
#     GPUs: node-a's exporter stops at T = S + 20 min, node-b's goes on to S + 40 min;
#  2. starts its own `prometheus` over it (tests/lib/prometheus.sh);
#  3. `vigil detect --rules data/rules/gpu_training.rules` (its DcgmExporterStale: stale_for(2m))
#     on `prom:...query=DCGM_FI_DEV_GPU_TEMP&step=60s`: one alert, node-a's, starting within one
#     step of T + 2 min (before the fix: T + 7 min, Prometheus's 5 min lookback answering the last
#     sample up to T + 5 min); none for node-b; with --prometheus-scrape-interval 15s the same;
#  3b. node-a's series alone (one series in the answer): the same alert (OPS5: none before);
#  4. a `{__name__=~"...|..."}` selector of two metrics (a marker query per name): both of node-a's
#     series stale within one step of T + 2 min (a rule of its own over the power series);
#  5. PromQL that is not a plain selector (label_replace(...)) is read as Prometheus answers it:
#     the alert comes at T + 7 min, as documented;
#  6. Prometheus's request counter: the plain read made 2 query_range requests (values and
#     freshness markers), the two-name read 3.
# Skipped (exit 77) only when prometheus / promtool / curl are missing (scripts/test installs them).
# Usage: bash tests/prometheus_stale_for_test.sh <build-dir>   (from the repo root)
source "$(dirname "$0")/lib/e2e.sh" "$@"
require_tools prometheus promtool curl
PY=/usr/bin/python3
source "$HERE/lib/prometheus.sh"

NOW=$(date +%s)
S=$(( (NOW - 4 * 3600) / 3600 * 3600 ))  # on the hour, 3-4 h ago (blocks end before the head)
T=$((S + 20 * 60))
"$PY" - "$S" "$TMP/history.om" <<'PY'
import sys
S, out = int(sys.argv[1]), sys.argv[2]
with open(out, "w") as f:
    for metric, base in (("DCGM_FI_DEV_GPU_TEMP", 60), ("DCGM_FI_DEV_POWER_USAGE", 280)):
        f.write(f"# TYPE {metric} gauge\n")
        for host, minutes in (("node-a", 20), ("node-b", 40)):
            for t in range(S, S + minutes * 60 + 1, 15):
                f.write(f'{metric}{{Hostname="{host}",gpu="0"}} {base + (t - S) % 7} {t}\n')
    f.write("# EOF\n")
PY
backfill "$TMP/history.om" "$TMP/tsdb"
start_prometheus "$TMP/tsdb"
ranges() { curl -sf "$URL/metrics" | sed -n 's/^prometheus_http_requests_total{code="200",handler="\/api\/v1\/query_range"} //p'; }

# stale_alerts FILE RULE: "Hostname starts_at_s" per alert of RULE, one a line.
stale_alerts() {
  "$PY" - "$1" "$2" <<'PY'
import json, sys
for line in open(sys.argv[1]):
    if line.strip():
        a = json.loads(line)
        if a["rule"] == sys.argv[2]:
            print(a["labels"].get("Hostname"), a["labels"].get("__name__") or "-", a["starts_at_ms"] // 1000)
PY
}
# expect_stale NAME FILE RULE LOW HIGH [COUNT]: COUNT (default 1) alerts of RULE, all node-a's,
# each starting in [T + LOW, T + HIGH] seconds.
expect_stale() {
  local name=$1 file=$2 rule=$3 low=$4 high=$5 count=${6:-1} got n=0 ok=1 host metric at
  got=$(stale_alerts "$file" "$rule")
  while read -r host metric at; do
    [ -z "$host" ] && continue
    n=$((n + 1))
    [ "$host" = node-a ] && [ "$at" -ge $((T + low)) ] && [ "$at" -le $((T + high)) ] || ok=0
  done <<<"$got"
  if [ "$ok" = 1 ] && [ "$n" = "$count" ]; then
    passed=$((passed + 1))
    while read -r host metric at; do [ -n "$host" ] && echo "ok $name: $rule $host starts at T+$((at - T))s"; done <<<"$got"
  else
    bad "$name: want $count node-a alert(s) of $rule starting T+${low}s..T+${high}s; got (host metric starts_at - T):"
    while read -r host metric at; do [ -n "$host" ] && echo "  $host $metric $((at - T))s"; done <<<"$got"
  fi
}

R="start=$S&end=$((S + 40 * 60))&step=60s"
# 3. The bundled rule over a plain selector.
before=$(ranges)
"$VIGIL" detect --rules data/rules/gpu_training.rules --data "prom:$URL?query=DCGM_FI_DEV_GPU_TEMP&$R" \
  >"$TMP/alerts.jsonl" 2>"$TMP/detect.err" || { bad "detect exit $?"; cat "$TMP/detect.err"; }
after=$(ranges)
expect_stale "plain selector" "$TMP/alerts.jsonl" DcgmExporterStale 120 180
[ "$((after - before))" = 2 ] && passed=$((passed + 1)) ||
  bad "the plain read made $((after - before)) query_range requests, not 2 (values and freshness markers)"
grep -q "freshness of" "$TMP/detect.err" && bad "a note on the freshness markers: $(cat "$TMP/detect.err")" || passed=$((passed + 1))
"$VIGIL" --prometheus-scrape-interval 15s detect --rules data/rules/gpu_training.rules \
  --data "prom:$URL?query=DCGM_FI_DEV_GPU_TEMP&$R" >"$TMP/alerts15.jsonl" 2>"$TMP/detect15.err" ||
  { bad "detect --prometheus-scrape-interval 15s exit $?"; cat "$TMP/detect15.err"; }
expect_stale "scrape interval 15s" "$TMP/alerts15.jsonl" DcgmExporterStale 120 180

# 3b. node-a's series alone (OPS5): no other series has a point after T, so before vigil detect
# added the query's grid as evaluation times (a clock series, as serve has), nothing was left to
# evaluate the stale rule at and it never fired (0 alerts).
"$VIGIL" detect --rules data/rules/gpu_training.rules --data "prom:$URL?query=DCGM_FI_DEV_GPU_TEMP{Hostname=\"node-a\"}&$R" \
  >"$TMP/alone.jsonl" 2>"$TMP/alone.err" || { bad "detect of node-a alone exit $?"; cat "$TMP/alone.err"; }
expect_stale "one series alone" "$TMP/alone.jsonl" DcgmExporterStale 120 180
grep -q "over 1 series" "$TMP/alone.err" && passed=$((passed + 1)) || bad "the clock counted as a series: $(cat "$TMP/alone.err")"

# 4. Two metrics through one {__name__=~...} selector: one sample-time read per name.
cat >"$TMP/power.rules" <<'EOF'
rule PowerStale {
  select DCGM_FI_DEV_POWER_USAGE
  when stale_for(2m)
  severity warning
  explain "no power reading from {{Hostname}}"
}
EOF
before=$(ranges)
"$VIGIL" detect --rules data/rules/gpu_training.rules --rules "$TMP/power.rules" \
  --data "prom:$URL?query={__name__=~\"DCGM_FI_DEV_GPU_TEMP|DCGM_FI_DEV_POWER_USAGE\"}&$R" \
  >"$TMP/two.jsonl" 2>"$TMP/two.err" || { bad "detect of two metrics exit $?"; cat "$TMP/two.err"; }
after=$(ranges)
expect_stale "two metrics: temperature" "$TMP/two.jsonl" DcgmExporterStale 120 180
expect_stale "two metrics: power" "$TMP/two.jsonl" PowerStale 120 180
[ "$((after - before))" = 3 ] && passed=$((passed + 1)) ||
  bad "the two-name read made $((after - before)) query_range requests, not 3 (values, a marker per name)"

# 5. Not a plain selector: read as Prometheus answers it (the last sample repeated to T + 5 min).
LQ='label_replace(DCGM_FI_DEV_GPU_TEMP, "job", "dcgm", "", "")'
"$VIGIL" detect --rules data/rules/gpu_training.rules --data "prom:$URL?query=$LQ&$R" >"$TMP/func.jsonl" 2>"$TMP/func.err" ||
  { bad "detect of a function exit $?"; cat "$TMP/func.err"; }
expect_stale "not a plain selector" "$TMP/func.jsonl" DcgmExporterStale 420 480

echo "prometheus_stale_for: $passed passed, $fail failed"
[ "$fail" = 0 ]
