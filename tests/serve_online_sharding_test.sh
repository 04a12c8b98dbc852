#!/usr/bin/env bash
# `vigil serve --rules --max-series-per-query N` against a REAL Prometheus (server/online_detection.h,
# "A selector matching many series" in server/README.md; OD3):
#  1. bad values of --max-series-per-query: 0, -1, abc, 1.5, 100001 (over the engine's
#     max_series_per_rule), a number past 2^64: exit 2 naming the flag and the value; the same
#     values of the max_series_per_query setting (SV3) in a config file, and 0 in
#     VIGIL_MAX_SERIES_PER_QUERY: exit 2 naming the setting, its source and the value, the flag's
#     words; 3 in a config file reaches the detection (start-up line); the main run's config says 5
#     and its flag 2: the flag wins;
#  2. a python3 http.server exporter scraped every 1 s: `od3_load{node=...,gpu="0","1"}`, node names
#     with regex metacharacters (`n1 n.2 n|3 n(4) n+5 n[6]`, quoted in the shards' regex)
#     (12 series; only `node` splits them into values of at most 2 series) and
#     `od3_grid{a="x","y","z",b="p","q","r",c="k","l","m"}` (27 series; every value of each label
#     has 9 series and every pair of values of two labels 3, so neither one label nor two together
#     split them); `vigil serve --rules R --eval-interval 1 --max-series-per-query 2`;
#  3. the warm-up read of od3_load (several grid times, 12 series over 2) is listed and read in shards
#     by node (`read in shards by label from now on`, then no read error for its rule: over 2 series
#     a read of several grid times succeeds only in shards); the
#     one of od3_grid fails for its own rule only: counted in
#     vigil_detection_rule_read_errors_total{rule="Od3GridHot"} and too_many_series;
#  4. (and od3_pair{x="x|2",y="y(2)"}: 3 x 3 series, read in shards of two labels, OD3)
#     od3_load{node="n|3",gpu="1"} at 95 from the start: the incident of Od3LoadHot is recorded,
#     named after the rule, with node n|3 / gpu 1 and a startsAt before vigil started (found by the
#     warm-up's sharded read; the other rule's failure did not stop it).
# Reads of one grid time (the steady state at --eval-interval 1) ask for a select's series at once,
# up to max_series_per_selector (server/README.md): od3_grid is read then; its failure is the
# warm-up's (and any catch-up's).
# Skipped (exit 77) only when prometheus / curl are missing.
# Usage: bash tests/serve_online_sharding_test.sh <build-dir>   (from the repo root)
source "$(dirname "$0")/lib/e2e.sh" "$@"
for b in prometheus curl; do
  command -v "$b" >/dev/null || { echo "SKIP: $b not installed (scripts/test installs prometheus and curl)"; exit 77; }
done
PY=/usr/bin/python3
source "$HERE/lib/prometheus.sh"  # free_port, start_ready, PIDS (stopped at exit)
source "$HERE/lib/serve.sh"       # start_serve, wait_for
mkdir -p "$TMP/rules"
cat >"$TMP/rules/od3.rules" <<'EOF'
rule Od3LoadHot {
  select od3_load{gpu=~".+"}
  when od3_load > 80
  for 2s
  severity critical
}
rule Od3PairHot {
  select od3_pair
  when od3_pair > 80
}
rule Od3GridHot {
  select od3_grid
  when od3_grid > 80
}
EOF

# 1. Bad values, before anything is started.
bad_flag() {  # bad_flag VALUE PATTERN
  check "--max-series-per-query $1" 2 "$2" -- \
    "$VIGIL" --data-dir "$TMP/bad" --prometheus-url http://127.0.0.1:9 serve --listen 127.0.0.1:0 \
    --rules "$TMP/rules" --max-series-per-query "$1"
}
bad_flag 0 '^vigil: --max-series-per-query: must be a whole number from 1 to 100000, got `0`'
bad_flag -1 '^vigil: --max-series-per-query: must be a whole number from 1 to 100000, got `-1`'
bad_flag abc '^vigil: --max-series-per-query: must be a whole number from 1 to 100000, got `abc`'
bad_flag 1.5 '^vigil: --max-series-per-query: must be a whole number from 1 to 100000, got `1\.5`'
bad_flag 100001 "^vigil: --max-series-per-query: \`100001\` is over 100000, the engine's max_series_per_rule"
bad_flag 99999999999999999999999 '^vigil: --max-series-per-query: must be a whole number from 1 to 100000, got `99999999999999999999999`'
# The same values as the max_series_per_query setting (SV3): from a config file (a JSON number or
# string, as written) and from the environment, the same words naming the setting and its source;
# a good one reaches the detection (its start-up line names the setting); serve's flag overrides it.
bad_config() {  # bad_config JSON_VALUE SHOWN PATTERN
  printf '{"max_series_per_query": %s}\n' "$1" >"$TMP/bad.json"
  check "max_series_per_query $1 in a config file" 2 \
    "^vigil: invalid value \`$2\` for max_series_per_query \(from config file $TMP/bad.json, line 1\): $3" -- \
    "$VIGIL" --config "$TMP/bad.json" --data-dir "$TMP/bad" --prometheus-url http://127.0.0.1:9 serve \
    --listen 127.0.0.1:0 --rules "$TMP/rules"
}
bad_config 0 0 'must be a whole number from 1 to 100000, got `0`$'
bad_config -1 -1 'must be a whole number from 1 to 100000, got `-1`$'
bad_config '"abc"' abc 'must be a whole number from 1 to 100000, got `abc`$'
bad_config 1.5 '1\.5' 'must be a whole number from 1 to 100000, got `1\.5`$'
bad_config 100001 100001 "\`100001\` is over 100000, the engine's max_series_per_rule"
bad_config '"99999999999999999999999"' 99999999999999999999999 'must be a whole number from 1 to 100000, got `99999999999999999999999`$'
check "VIGIL_MAX_SERIES_PER_QUERY=0" 2 \
  '^vigil: invalid value `0` for max_series_per_query \(from environment VIGIL_MAX_SERIES_PER_QUERY\): must be a whole number from 1 to 100000, got `0`$' -- \
  env VIGIL_MAX_SERIES_PER_QUERY=0 "$VIGIL" --data-dir "$TMP/bad" --prometheus-url http://127.0.0.1:9 serve \
  --listen 127.0.0.1:0 --rules "$TMP/rules"
printf '{"max_series_per_query": 3}\n' >"$TMP/three.json"
timeout 10 "$VIGIL" --config "$TMP/three.json" --data-dir "$TMP/bad" --prometheus-url http://127.0.0.1:9 serve \
  --listen 127.0.0.1:0 --no-probes --rules "$TMP/rules" >"$TMP/three.log" 2>&1
grep -qF "; reads of at most 3 series a query, more read in shards by label (max_series_per_query, config file $TMP/three.json, line 1)" \
  "$TMP/three.log" && passed=$((passed + 1)) || bad "max_series_per_query 3 in a config file: $(head -c 1500 "$TMP/three.log")"
printf '{"max_series_per_query": 5}\n' >"$TMP/five.json"  # the main run's: its --max-series-per-query 2 wins

# 2. The exporter: 12 od3_load series (n|3/gpu 1 at the value in TMP/value, the others 50) and 9
# od3_grid series at 27. n|3/gpu 1 is hot from the start, so its incident is found by the warm-up,
# whose read of several grid times is the sharded one.
echo 95 >"$TMP/value"
{
  echo "# TYPE od3_load gauge"
  # Node names with regex metacharacters: a shard's `node=~"..."` must quote them.
  for n in n1 n.2 'n|3' 'n(4)' n+5 'n[6]'; do
    for g in 0 1; do
      v=50
      [ "$n $g" = "n|3 1" ] && v='{value}'
      printf 'od3_load{node="%s",gpu="%d"} %s\n' "$n" "$g" "$v"
    done
  done
  # 3 x 3: every value of x or y has 3 series, a (x, y) pair 1: read by two labels (OD3).
  echo "# TYPE od3_pair gauge"
  for x in x1 'x|2' x.3; do
    for y in y1 'y(2)' y3; do
      v=50
      [ "$x $y" = "x|2 y(2)" ] && v=95
      printf 'od3_pair{x="%s",y="%s"} %s\n' "$x" "$y" "$v"
    done
  done
  echo "# TYPE od3_grid gauge"
  for a in x y z; do
    for b in p q r; do
      for c in k l m; do printf 'od3_grid{a="%s",b="%s",c="%s"} 50\n' "$a" "$b" "$c"; done
    done
  done
} >"$TMP/series.prom"
start_ready exporter "$TMP/exporter.log" "$PY" "$HERE/lib/exporter.py" "{PORT}" "$TMP/series.prom" "$TMP/value"
cat >"$TMP/prometheus.yml" <<EOF
global:
  scrape_interval: 1s
scrape_configs:
  - job_name: od3
    static_configs:
      - targets: ['127.0.0.1:$READY_PORT']
EOF
start_ready prometheus "$TMP/prometheus.log" prometheus --config.file="$TMP/prometheus.yml" \
  --storage.tsdb.path="$TMP/tsdb" --web.listen-address="127.0.0.1:{PORT}"
PROM_URL=$READY_URL
# Data old enough for the warm-up's reads of several grid times (review RV-OD3). The warm-up reads
# 3600 s up to end = floor(start - --eval-lag 2 s) in parts of 240 grid times: its last part is end
# alone, and a read of one grid time takes a select at once (no shards, no failure). A series whose
# first sample is at end or later is read only there: od3_grid then fails nowhere and od3_load is
# read in shards nowhere (OD3's flaky run; waiting for a count of samples only made it less likely:
# with 1 sample it failed 3 runs of 3, `warmed up on 3600 s of history (0 series)`). So: every od3
# series has a sample at or before now - 6 s (an instant query there: Prometheus's lookback finds a
# sample at or before it): end - 1 >= start - 4 s has data, and Od3LoadHot's `for 2s` from its first
# grid time (<= start - 5 s) fires at <= start - 3 s <= end, before vigil started.
ODS='count(%7B__name__%3D~%22od3_.%2A%22%7D)'  # count({__name__=~"od3_.*"}): 12 + 9 + 27 series
old_enough=0
for _ in $(seq 150); do
  curl -sf "$PROM_URL/api/v1/query?query=$ODS&time=$(($(date +%s) - 6))" | grep -q '"48"\]' && { old_enough=1; break; }
  sleep 0.2
done
[ "$old_enough" = 1 ] || { bad "set-up: Prometheus has no sample 6 s old of all 48 od3 series after 30 s: $(cat "$TMP/prometheus.log" | tail -5)"; echo "serve_online_sharding_test: $passed passed, $fail failed"; exit 1; }

T_START=$(date +%s.%N)
start_serve "$TMP/vigil.log" --config "$TMP/five.json" --data-dir "$TMP/var" --prometheus-url "$PROM_URL" \
  serve --listen 127.0.0.1:0 --no-probes --rules "$TMP/rules" --eval-interval 1 --max-series-per-query 2
grep -q 'online detection: 3 rule(s) from 1 file(s) every 1 s, .*; reads of at most 2 series a query, more read in shards by label (--max-series-per-query)' "$TMP/vigil.log" &&
  passed=$((passed + 1)) || bad "start line: $(cat "$TMP/vigil.log")"
for _ in $(seq 300); do
  grep -q 'warmed up on' "$TMP/vigil.log" && break
  sleep 0.1
done
# 3. The warm-up: od3_load's 12 series read in shards; od3_grid's read failed for its rule only.
# The warm-up is read in parts of 240 grid times: its part of several grid times with data (od3_load
# read in shards, od3_grid failed) and, at a last part of one grid time, both at once.
grep -q 'warmed up on [0-9]* s of history' "$TMP/vigil.log" && passed=$((passed + 1)) ||
  bad "no warm-up: $(cat "$TMP/vigil.log")"
grep -q 'the select of 1 rule(s) (`Od3LoadHot`) matches more series than one read takes' "$TMP/vigil.log" &&
  passed=$((passed + 1)) || bad "od3_load not read in shards: $(cat "$TMP/vigil.log")"
grep -q 'rule(s) `Od3GridHot` get no data from .*no one label' "$TMP/vigil.log" && passed=$((passed + 1)) ||
  bad "od3_grid's failure not logged: $(cat "$TMP/vigil.log")"
grep -q 'rule(s) `Od3LoadHot` get no data' "$TMP/vigil.log" && bad "od3_load's read failed: $(cat "$TMP/vigil.log")" ||
  passed=$((passed + 1))
metric() {  # metric NAME: its value on /metrics (0 when absent)
  curl -sf "$V/metrics" | awk -v n="$1" '$1 == n { v = $2 } END { print (v == "" ? 0 : v) }'
}
GRID_ERRS=$(metric 'vigil_detection_rule_read_errors_total{rule="Od3GridHot"}')
LOAD_ERRS=$(metric 'vigil_detection_rule_read_errors_total{rule="Od3LoadHot"}')
PAIR_ERRS=$(metric 'vigil_detection_rule_read_errors_total{rule="Od3PairHot"}')
TOO_MANY=$(metric 'vigil_detection_errors_total{reason="too_many_series"}')
[ "${GRID_ERRS%.*}" -ge 1 ] && [ "${LOAD_ERRS%.*}" = 0 ] && [ "${PAIR_ERRS%.*}" = 0 ] && [ "${TOO_MANY%.*}" -ge 1 ] &&
  passed=$((passed + 1)) || bad "read errors: Od3GridHot $GRID_ERRS, Od3LoadHot $LOAD_ERRS, Od3PairHot $PAIR_ERRS, too_many_series $TOO_MANY"
for _ in $(seq 600); do  # (up to 60 s; FLK1: was 10 s) every series evaluated: od3_grid's too, at reads of one grid time
  [ "$(metric vigil_detection_series)" = 48 ] && break
  sleep 0.1
done
[ "$(metric vigil_detection_series)" = 48 ] && passed=$((passed + 1)) || bad "series: $(metric vigil_detection_series), not 48"

# 4. n|3/gpu 1 hot since before vigil started: Od3LoadHot's incident, found by the warm-up's shards
# (startsAt before vigil started; a shard regex that did not quote `|` would not match the series,
# and the steady reads would find it firing only 2 s after they first saw it, after the start).
wait_for 60 'j["count"] == 2 and sorted(i["rule"] for i in j["incidents"]) == ["Od3LoadHot", "Od3PairHot"]' &&
  passed=$((passed + 1)) || bad "no Od3LoadHot and Od3PairHot incidents within 60 s: $(curl -s "$V/api/v1/incidents"; cat "$TMP/vigil.log")"
for ID in $(curl -sf "$V/api/v1/incidents" | "$PY" -c 'import json,sys; print(" ".join(str(i["id"]) for i in json.load(sys.stdin)["incidents"]))'); do
  curl -sf "$V/api/v1/incidents/$ID" >"$TMP/incident.json"
  "$PY" - "$TMP/incident.json" "$T_START" <<'PY' && passed=$((passed + 1)) || bad "incident $ID: $(head -c 3000 "$TMP/incident.json")"
import datetime, json, sys
j = json.load(open(sys.argv[1]))
a = j["alert"]
if j["rule"] == "Od3LoadHot":
    assert a["labels"]["node"] == "n|3" and a["labels"]["gpu"] == "1", a
else:
    assert j["rule"] == "Od3PairHot" and a["labels"]["x"] == "x|2" and a["labels"]["y"] == "y(2)", a
starts = datetime.datetime.fromisoformat(j["starts_at"].replace("Z", "+00:00")).timestamp()
assert starts < float(sys.argv[2]), (j["starts_at"], sys.argv[2])
PY
done
kill -TERM "$VPID"; wait "$VPID"

echo "serve_online_sharding_test: $passed passed, $fail failed"
[ "$fail" = 0 ]
