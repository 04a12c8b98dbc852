#!/usr/bin/env bash
# A storm's first webhook split off by a REAL Alertmanager (server/HISTORY.md "STM1", 2026-12-05).
# Alertmanager flushes an aggregation group at once when an inserted alert's startsAt is older than
# group_wait (dispatch.go: `if !ag.hasFlushed && alert.StartsAt.Add(groupWait).Before(now)`), so
# alerts re-sent after a restart, or arriving late, split a storm's first notification:
#  1. 3 alerts of rack r7 POSTed to Alertmanager 0.25 (`group_by: [rack]`, group_wait 30s, the
#     production default) with a startsAt an hour old: flushed at once, webhook 1 holds those 3;
#     `vigil serve --storm-alerts 50` makes 3 incidents of one alert (awaited);
#  2. the other 57 alerts of the rack POSTed: webhook 2 (group_interval later) holds all 60: ONE
#     storm incident of 60 members, and the 3 earlier incidents `merged` into it (`merged_into`),
#     so the list has one incident not merged (before STM1: the storm of 57 beside 3 strays);
#  3. 2 more alerts: the group re-sent with 62, they join the storm (still one incident);
#  4. every alert ended (endsAt now): the resolved notification resolves the storm, the 3 merged
#     members included.
# Skipped (exit 77) only when prometheus-alertmanager / curl are missing.
# Usage: bash tests/serve_storm_split_test.sh <build-dir>   (from the repo root)
source "$(dirname "$0")/lib/e2e.sh" "$@"
require_tools "$AM_BIN" curl
PY=/usr/bin/python3
source "$HERE/lib/prometheus.sh"  # start_alertmanager, PIDS (stopped at exit)
source "$HERE/lib/serve.sh"       # start_serve, wait_for

start_serve "$TMP/vigil.log" --data-dir "$TMP/var" serve --listen 127.0.0.1:0 \
  --no-probes --storm-alerts 50 --storm-rediagnose-interval 0
cat >"$TMP/alertmanager.yml" <<EOF
route:
  receiver: vigil
  group_by: [rack]
  group_wait: 30s
  group_interval: 2s
  repeat_interval: 1h
receivers:
  - name: vigil
    webhook_configs:
      - url: $V/api/v1/alerts
        send_resolved: true
EOF
start_alertmanager "$AM_BIN" "$TMP/alertmanager.yml"

# post FROM TO AGE_S [ENDED]: alerts FROM..TO-1 of rack r7 (XidError on rack7-node-<i/8> GPU <i%8>)
# to Alertmanager's API, startsAt AGE_S seconds ago; with ENDED, endsAt now (resolved).
post() {
  "$PY" - "$@" >"$TMP/post.json" <<'PY'
import datetime, json, sys
lo, hi, age = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
now = datetime.datetime.now(datetime.timezone.utc)
fmt = lambda t: t.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"
out = []
for i in range(lo, hi):
    a = {"labels": {"alertname": "XidError", "rack": "r7", "Hostname": "rack7-node-%02d" % (i // 8),
                    "gpu": str(i % 8), "severity": "critical"},
         "annotations": {"summary": "Xid 79 on rack7-node-%02d GPU %d" % (i // 8, i % 8)},
         "startsAt": fmt(now - datetime.timedelta(seconds=age))}
    if len(sys.argv) > 4:
        a["endsAt"] = fmt(now)
    out.append(a)
print(json.dumps(out))
PY
  curl -sf -XPOST -H 'Content-Type: application/json' --data-binary @"$TMP/post.json" "$AM/api/v2/alerts" >/dev/null
}
# The first 3 alerts' startsAt (an hour ago) is kept for every later post of them (same alert).
post 0 3 3600 && passed=$((passed + 1)) || bad "POST of 3 alerts to Alertmanager"

# 1. Webhook 1: 3 incidents of one alert each (a small webhook).
wait_for 60 'j["count"] == 3 and not any(i.get("storm") for i in j["incidents"])' && passed=$((passed + 1)) ||
  bad "webhook 1 (3 alerts flushed at once) not 3 incidents within 60 s: $(curl -s "$V/api/v1/incidents" | head -c 1500)"

# 2. The rest of the rack: webhook 2 holds all 60.
post 3 60 0 && passed=$((passed + 1)) || bad "POST of 57 alerts to Alertmanager"
if wait_for 60 'sum(1 for i in j["incidents"] if i["state"] != "merged") == 1 and [i["storm"]["alerts"] for i in j["incidents"] if i.get("storm")] == [60]'; then
  passed=$((passed + 1))
else
  bad "not one storm of 60 alerts with the first webhook's 3 incidents merged within 60 s: $(curl -s "$V/api/v1/incidents" | "$PY" -c 'import json,sys; print([(i["id"], i["state"], i.get("merged_into"), i.get("storm")) for i in json.load(sys.stdin)["incidents"]])')"
fi
fetch_incidents "$TMP/incident"
"$PY" - "$TMP" <<'PY' && passed=$((passed + 1)) || bad "the merged incidents (see above)"
import glob, json, sys
incidents = {i["id"]: i for i in (json.load(open(f)) for f in glob.glob(sys.argv[1] + "/incident*.json"))}
storms = [i for i in incidents.values() if i.get("storm")]
assert len(storms) == 1, [(i["id"], i["state"]) for i in incidents.values()]
storm = storms[0]
assert storm["storm"]["group"] == "rack=r7", storm["storm"]
assert storm["group_key"].endswith('{rack="r7"}'), storm.get("group_key")
members = {(m["node"], m["gpu"]) for m in storm["members"]}
assert members == {("rack7-node-%02d" % (i // 8), str(i % 8)) for i in range(60)}, sorted(members)
merged = [i for i in incidents.values() if i["id"] != storm["id"]]
assert len(merged) == 3, len(merged)
for i in merged:
    assert i["state"] == "merged" and i["merged_into"] == storm["id"], (i["id"], i["state"], i.get("merged_into"))
    assert i["state_when_merged"] in ("queued", "running", "diagnosed"), i["state_when_merged"]
print("storm %d: %d members; merged into it: %s" % (storm["id"], len(members),
      ", ".join("%d (was %s)" % (i["id"], i["state_when_merged"]) for i in merged)))
PY
grep -q "merged into storm incident" "$TMP/vigil.log" && passed=$((passed + 1)) ||
  bad "no 'merged into storm incident' line in the log: $(grep -i 'webhook\|merged' "$TMP/vigil.log" | tail -5)"

# 3. Two more alerts of the rack: the group re-sent with 62, they join the storm.
post 60 62 0 && passed=$((passed + 1)) || bad "POST of 2 more alerts to Alertmanager"
wait_for 60 'sum(1 for i in j["incidents"] if i["state"] != "merged") == 1 and [i["storm"]["alerts"] for i in j["incidents"] if i.get("storm")] == [62]' &&
  passed=$((passed + 1)) || bad "the 2 later alerts did not join the storm within 60 s: $(curl -s "$V/api/v1/incidents" | head -c 1500)"

# 4. Every alert ends: the storm is resolved (the merged members too).
post 0 3 3600 ended && post 3 62 0 ended && passed=$((passed + 1)) || bad "POST of the ended alerts to Alertmanager"
wait_for 60 '[(i["resolved_at"] is not None, i["storm"]["firing"]) for i in j["incidents"] if i.get("storm")] == [(True, 0)]' &&
  passed=$((passed + 1)) || bad "the storm not resolved within 60 s: $(curl -s "$V/api/v1/incidents" | head -c 1500)"

kill -TERM "$VPID"
wait "$VPID"
rc=$?
[ "$rc" = 0 ] && passed=$((passed + 1)) || bad "SIGTERM: exit $rc, log: $(tail -3 "$TMP/vigil.log")"
echo "serve_storm_split_test: $passed passed, $fail failed"
[ "$fail" = 0 ]
