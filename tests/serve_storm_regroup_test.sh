#!/usr/bin/env bash
# Two storm incidents of one Alertmanager group, made by a REAL Alertmanager (server/HISTORY.md "STM2",
# 2026-12-05). vigil groups a storm's alerts by what the whole webhook says (StormGroups: an alert
# without a rack label takes its node's rack from another alert of the webhook), so one alert's group
# can change between two webhooks of one Alertmanager group:
#  0. the start line names --storm-merge-window (10m here);
#  1. 12 NodeDown alerts (node_exporter's: `instance`, no rack label) of cluster train-a POSTed to
#     Alertmanager 0.25 (`group_by: [cluster]`, group_wait 5s, group_interval 2s): webhook 1, a storm
#     of the group `nodes` (`vigil serve --storm-alerts 10`), awaited;
#  2. 48 XidError alerts (dcgm-exporter's: Hostname, gpu, rack="r7") on the same 12 nodes POSTed:
#     webhook 2 holds 60; every NodeDown's node is in rack r7 now, so the NodeDowns are in the group
#     `rack=r7` with the Xid alerts: ONE storm of 60 members, and the `nodes` storm `merged` into it
#     (before STM2: a storm of 48 Xid alerts beside the storm of 12 NodeDowns, one failure
#     diagnosed twice); the merged storm still lists its 12 alerts, the chat names the link;
#  3. /metrics: vigil_incidents{state="merged"} 1, vigil_incidents_merged_total{incident="storm"} 1,
#     and `promtool check metrics` passes;
#  4. every alert ended: the rack's storm is resolved, and the storm merged into it stops firing too;
#  5. (STM3) a storm whose re-sent alerts fall in TWO other groups (cluster train-b: NodeDowns, then a
#     rack's Xid alerts on 8 of the nodes and a job's NCCL timeouts on the other 4): each alert goes
#     to its group's storm, the NodeDown storm is merged into the rack's, naming the job's (REST
#     `storm.now_in`, the chat, /metrics).
#  6. (STM4) a storm incident deleted by hand while serve runs: Alertmanager's next webhook re-sending
#     its alerts is taken (was a 500 retried for ever), its alerts in the rack's new storm;
#  7. (STM4) a storm keeping some re-sent alerts in its own group gives the others to the rack's storm.
# Skipped (exit 77) only when prometheus-alertmanager / promtool / curl are missing.
# Usage: bash tests/serve_storm_regroup_test.sh <build-dir>   (from the repo root)
source "$(dirname "$0")/lib/e2e.sh" "$@"
require_tools "$AM_BIN" promtool curl
PY=/usr/bin/python3
source "$HERE/lib/prometheus.sh"  # start_alertmanager, PIDS (stopped at exit)
source "$HERE/lib/serve.sh"       # start_serve, wait_for, fetch_incidents

start_serve "$TMP/vigil.log" --data-dir "$TMP/var" serve --listen 127.0.0.1:0 \
  --no-probes --storm-alerts 10 --storm-rediagnose-interval 0 --storm-merge-window 10m
grep -q 'merged into it within 10m (--storm-merge-window)' "$TMP/vigil.log" && passed=$((passed + 1)) ||
  bad "the start line does not name --storm-merge-window 10m: $(grep 'storm' "$TMP/vigil.log")"
cat >"$TMP/alertmanager.yml" <<EOF
route:
  receiver: vigil
  group_by: [cluster]
  group_wait: 5s
  group_interval: 2s
  repeat_interval: 1h
receivers:
  - name: vigil
    webhook_configs:
      - url: $V/api/v1/alerts
        send_resolved: true
EOF
start_alertmanager "$AM_BIN" "$TMP/alertmanager.yml"

# post KIND [ENDED]: KIND "down" (12 NodeDowns) or "xid" (48 XidErrors, GPUs 0-3 of the 12 nodes) to
# Alertmanager's API, startsAt fixed per alert (TMP/starts); with ENDED, endsAt now (resolved).
date -u +%Y-%m-%dT%H:%M:%S.000Z >"$TMP/starts"
post() {
  "$PY" - "$TMP/starts" "$@" >"$TMP/post.json" <<'PY'
import datetime, json, sys
starts = open(sys.argv[1]).read().strip()
now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"
out = []
for n in range(12):
    node = "rack7-node-%02d" % n
    if sys.argv[2] == "down":
        alerts = [{"alertname": "NodeDown", "instance": node + ":9100", "job": "node"}]
    else:
        alerts = [{"alertname": "XidError", "Hostname": node, "gpu": str(g), "rack": "r7"} for g in range(4)]
    for labels in alerts:
        labels.update({"cluster": "train-a", "severity": "critical"})
        a = {"labels": labels, "annotations": {"summary": labels["alertname"] + " on " + node}, "startsAt": starts}
        if len(sys.argv) > 3:
            a["endsAt"] = now
        out.append(a)
print(json.dumps(out))
PY
  curl -sf -XPOST -H 'Content-Type: application/json' --data-binary @"$TMP/post.json" "$AM/api/v2/alerts" >/dev/null
}
summary() {
  curl -s "$V/api/v1/incidents" | "$PY" -c 'import json,sys; print([(i["id"], i["state"], i.get("merged_into"), i.get("storm")) for i in json.load(sys.stdin)["incidents"]])'
}

# 1. Webhook 1: the NodeDowns, one storm of the group `nodes`.
post down && passed=$((passed + 1)) || bad "POST of 12 NodeDowns to Alertmanager"
wait_for 60 '[(i.get("storm", {}).get("group"), i.get("storm", {}).get("alerts")) for i in j["incidents"]] == [("nodes", 12)]' &&
  passed=$((passed + 1)) || bad "webhook 1 not one storm of 12 NodeDowns (group nodes) within 60 s: $(summary)"

# 2. The rack's GPU alerts: webhook 2 holds 60 alerts of rack r7.
post xid && passed=$((passed + 1)) || bad "POST of 48 XidErrors to Alertmanager"
if wait_for 60 'sum(1 for i in j["incidents"] if i["state"] != "merged") == 1 and [(i.get("storm", {}).get("group"), i.get("storm", {}).get("alerts")) for i in j["incidents"] if i["state"] != "merged"] == [("rack=r7", 60)]'; then
  passed=$((passed + 1))
else
  bad "not one storm of 60 alerts (rack=r7) with the NodeDowns' storm merged into it within 60 s: $(summary)"
fi
fetch_incidents "$TMP/incident"
"$PY" - "$TMP" >"$TMP/check.out" <<'PY' && passed=$((passed + 1)) || bad "the merged storm: $(cat "$TMP/check.out")"
import glob, json, sys
incidents = {i["id"]: i for i in (json.load(open(f)) for f in glob.glob(sys.argv[1] + "/incident*.json"))}
assert len(incidents) == 2, [(i["id"], i["state"]) for i in incidents.values()]
rack = [i for i in incidents.values() if i["state"] != "merged"][0]
nodes = [i for i in incidents.values() if i["state"] == "merged"][0]
assert rack["storm"]["group"] == "rack=r7" and rack["group_key"].endswith('{cluster="train-a"}'), rack["storm"]
names = sorted({m["alertname"] for m in rack["members"]})
assert names == ["NodeDown", "XidError"] and len(rack["members"]) == 60, (names, len(rack["members"]))
assert nodes["merged_into"] == rack["id"] and nodes["storm"]["group"] == "nodes", nodes
assert nodes["state_when_merged"] in ("queued", "running", "diagnosed"), nodes["state_when_merged"]
assert len(nodes["members"]) == 12 and {m["alertname"] for m in nodes["members"]} == {"NodeDown"}, nodes["members"][:2]
open(sys.argv[1] + "/ids", "w").write("%d %d\n" % (rack["id"], nodes["id"]))
print("storm %d (rack=r7): 60 members; storm %d (nodes, was %s) merged into it" % (rack["id"], nodes["id"], nodes["state_when_merged"]))
PY
cat "$TMP/check.out"
RACK=none NODES=none
[ -s "$TMP/ids" ] && read -r RACK NODES <"$TMP/ids"
grep -q "storm incident $NODES (.*) merged into storm incident $RACK (rack=r7)" "$TMP/vigil.log" && passed=$((passed + 1)) ||
  bad "no 'storm incident $NODES ... merged into storm incident $RACK' line in the log: $(grep -i 'merged' "$TMP/vigil.log" | tail -3)"
curl -sf -XPOST -H 'Content-Type: application/json' "$V/api/v1/chat" -d "{\"message\": \"what about incident #$NODES?\"}" >"$TMP/chat.json"
grep -q "merged into storm incident #$RACK" "$TMP/chat.json" && passed=$((passed + 1)) ||
  bad "the chat does not say incident $NODES is merged into #$RACK: $(head -c 600 "$TMP/chat.json")"

# 3. /metrics.
curl -sf "$V/metrics" >"$TMP/metrics.txt"
grep -q '^vigil_incidents{state="merged"} 1$' "$TMP/metrics.txt" &&
  grep -q '^vigil_incidents_merged_total{incident="storm"} 1$' "$TMP/metrics.txt" &&
  grep -q '^vigil_incidents_merged_total{incident="alert"} 0$' "$TMP/metrics.txt" && passed=$((passed + 1)) ||
  bad "/metrics: $(grep 'vigil_incidents' "$TMP/metrics.txt")"
promtool check metrics <"$TMP/metrics.txt" >"$TMP/promtool.out" 2>&1 && passed=$((passed + 1)) ||
  bad "promtool check metrics: $(cat "$TMP/promtool.out")"

# 4. Every alert ends: the rack's storm is resolved, the merged one stops firing with it.
post down ended && post xid ended && passed=$((passed + 1)) || bad "POST of the ended alerts to Alertmanager"
wait_for 60 'all(i["resolved_at"] is not None for i in j["incidents"]) and len(j["incidents"]) == 2' &&
  passed=$((passed + 1)) || bad "not both resolved within 60 s: $(summary)"

# 5. (STM3) A storm whose re-sent alerts fall in TWO other groups: cluster train-b's 12 NodeDowns (one
#    storm of the group `nodes`), then the rack's Xid alerts on nodes 0-7 (rack="r8") and a Slurm job's
#    NCCL timeouts on nodes 8-11 (slurm_job_id="4242"): webhook 2 of that Alertmanager group makes a
#    storm of rack=r8 (8 NodeDowns + 32 Xid) and one of job=4242 (4 NodeDowns + 4 NCCL); the NodeDown
#    storm's alerts go each to its group's storm, and it is merged into the rack's (8 of its 12),
#    naming the job's (before STM3: the NodeDown storm stayed beside both, its 12 alerts in it only).
post2() {
  "$PY" - "$TMP/starts2" "$1" >"$TMP/post2.json" <<'PY'
import json, sys
starts = open(sys.argv[1]).read().strip()
out = []
for n in range(12):
    node = "rack8-node-%02d" % n
    if sys.argv[2] == "down":
        alerts = [{"alertname": "NodeDown", "instance": node + ":9100", "job": "node"}]
    elif n < 8:
        alerts = [{"alertname": "XidError", "Hostname": node, "gpu": str(g), "rack": "r8"} for g in range(4)]
    else:
        alerts = [{"alertname": "NCCLTimeout", "Hostname": node, "slurm_job_id": "4242"}]
    for labels in alerts:
        labels.update({"cluster": "train-b", "severity": "critical"})
        out.append({"labels": labels, "annotations": {"summary": labels["alertname"] + " on " + node}, "startsAt": starts})
print(json.dumps(out))
PY
  curl -sf -XPOST -H 'Content-Type: application/json' --data-binary @"$TMP/post2.json" "$AM/api/v2/alerts" >/dev/null
}
# train-b's alerts start now: step 1's startsAt is older than group_wait by now, and an alert older
# than group_wait flushes its group at once (STM1), before Alertmanager has taken the other 11 of the
# POST, so a first webhook of a few NodeDowns (alert incidents, not a storm) raced the test; CI on 2
# busy cores lost that race once (2026-12-06, KeyError 'storm' in the wait below).
date -u +%Y-%m-%dT%H:%M:%S.000Z >"$TMP/starts2"
B='[i for i in j["incidents"] if i.get("group_key", "").endswith("{cluster=\"train-b\"}")]'
post2 down && passed=$((passed + 1)) || bad "POST of train-b's 12 NodeDowns to Alertmanager"
wait_for 60 "[(i.get('storm', {}).get('group'), i.get('storm', {}).get('alerts')) for i in $B] == [('nodes', 12)]" &&
  passed=$((passed + 1)) || bad "train-b's webhook 1 not one storm of 12 NodeDowns within 60 s: $(summary)"
post2 split && passed=$((passed + 1)) || bad "POST of train-b's Xid and NCCL alerts to Alertmanager"
if wait_for 60 "sorted((i.get('storm', {}).get('group', ''), i.get('storm', {}).get('alerts', 0)) for i in $B if i['state'] != 'merged') == [('job=4242', 8), ('rack=r8', 40)] and sum(1 for i in $B if i['state'] == 'merged') == 1"; then
  passed=$((passed + 1))
else
  bad "train-b: not a storm of rack=r8 (40) and one of job=4242 (8) with the NodeDowns' storm merged within 60 s: $(summary)"
fi
rm -f "$TMP"/incident*.json
fetch_incidents "$TMP/incident"
"$PY" - "$TMP" >"$TMP/check2.out" <<'PY' && passed=$((passed + 1)) || bad "the split storm: $(cat "$TMP/check2.out")"
import glob, json, sys
incidents = [json.load(open(f)) for f in glob.glob(sys.argv[1] + "/incident*.json")]
b = [i for i in incidents if i.get("group_key", "").endswith('{cluster="train-b"}')]
rack = [i for i in b if i["state"] != "merged" and i["storm"]["group"] == "rack=r8"][0]
job = [i for i in b if i["state"] != "merged" and i["storm"]["group"] == "job=4242"][0]
nodes = [i for i in b if i["state"] == "merged"][0]
assert nodes["merged_into"] == rack["id"], (nodes["merged_into"], rack["id"])
assert sorted((x["incident"], x["alerts"]) for x in nodes["storm"]["now_in"]) == sorted([(rack["id"], 8), (job["id"], 4)]), nodes["storm"]
assert len(nodes["members"]) == 12 and {m["alertname"] for m in nodes["members"]} == {"NodeDown"}, len(nodes["members"])
assert sorted(m["alertname"] for m in job["members"]) == ["NCCLTimeout"] * 4 + ["NodeDown"] * 4, job["members"]
assert sum(m["alertname"] == "NodeDown" for m in rack["members"]) == 8 and len(rack["members"]) == 40
open(sys.argv[1] + "/ids2", "w").write("%d %d %d\n" % (rack["id"], job["id"], nodes["id"]))
print("storm %d (nodes) merged into %d (rack=r8, 8 of its alerts), also into %d (job=4242, 4)" % (nodes["id"], rack["id"], job["id"]))
PY
cat "$TMP/check2.out"
RACK2=none JOB2=none NODES2=none
[ -s "$TMP/ids2" ] && read -r RACK2 JOB2 NODES2 <"$TMP/ids2"
curl -sf -XPOST -H 'Content-Type: application/json' "$V/api/v1/chat" -d "{\"message\": \"what about incident #$NODES2?\"}" >"$TMP/chat2.json"
grep -q "merged into storm incident #$RACK2; its alerts are now in .*#$RACK2 (8)" "$TMP/chat2.json" &&
  grep -q "merged into storm incident #$RACK2; its alerts are now in .*#$JOB2 (4)" "$TMP/chat2.json" && passed=$((passed + 1)) ||
  bad "the chat does not say where incident $NODES2's alerts are: $(head -c 600 "$TMP/chat2.json")"
curl -sf "$V/metrics" >"$TMP/metrics2.txt"
grep -q '^vigil_incidents{state="merged"} 2$' "$TMP/metrics2.txt" &&
  grep -q '^vigil_incidents_merged_total{incident="storm"} 2$' "$TMP/metrics2.txt" && passed=$((passed + 1)) ||
  bad "/metrics after the split: $(grep 'vigil_incidents' "$TMP/metrics2.txt")"

# post3 CLUSTER RACK KIND [XID_NODES]: KIND "down" (12 NodeDowns of rackN-node-NN, no rack label) or "xid"
# (XidErrors on GPUs 0-3 of the first XID_NODES nodes, default 12, with the rack label).
post3() {
  "$PY" - "$TMP/starts3" "$@" >"$TMP/post3.json" <<'PY'
import json, sys
starts = open(sys.argv[1]).read().strip()
cluster, rack, kind = sys.argv[2:5]
xid_nodes = int(sys.argv[5]) if len(sys.argv) > 5 else 12
out = []
for n in range(12):
    node = "%s-node-%02d" % (rack, n)
    if kind == "down":
        alerts = [{"alertname": "NodeDown", "instance": node + ":9100", "job": "node"}]
    elif n < xid_nodes:
        alerts = [{"alertname": "XidError", "Hostname": node, "gpu": str(g), "rack": rack} for g in range(4)]
    else:
        alerts = []
    for labels in alerts:
        labels.update({"cluster": cluster, "severity": "critical"})
        out.append({"labels": labels, "annotations": {"summary": labels["alertname"] + " on " + node}, "startsAt": starts})
print(json.dumps(out))
PY
  curl -sf -XPOST -H 'Content-Type: application/json' --data-binary @"$TMP/post3.json" "$AM/api/v2/alerts" >/dev/null
}
# Steps 6 and 7 start their alerts now: an alert older than group_wait flushes its group at once (STM1).
date -u +%Y-%m-%dT%H:%M:%S.000Z >"$TMP/starts3"
of_cluster() { echo "[i for i in j['incidents'] if i.get('group_key', '').endswith('{cluster=\"$1\"}')]"; }

# 6. (STM4) A storm incident deleted by hand while serve runs (an operator's `sqlite3 incidents.db
#    "DELETE FROM incidents WHERE id=N"`): its 12 member rows are orphans. Alertmanager's next webhook of
#    the group (the rack's Xid alerts added) re-sends them: before STM4 a 500 (UNIQUE constraint), which
#    Alertmanager retried for ever, nothing of it recorded; now the orphans are taken as new alerts of the
#    webhook: one storm of rack=rack9 with the 12 NodeDowns and 48 Xid alerts, said in serve's log.
C=$(of_cluster train-c)
post3 train-c rack9 down && passed=$((passed + 1)) || bad "POST of train-c's 12 NodeDowns to Alertmanager"
wait_for 60 "[(i.get('storm', {}).get('group'), i.get('storm', {}).get('alerts')) for i in $C] == [('nodes', 12)]" &&
  passed=$((passed + 1)) || bad "train-c's webhook 1 not one storm of 12 NodeDowns within 60 s: $(summary)"
DELETED=$(curl -s "$V/api/v1/incidents" | "$PY" -c "import json,sys; j=json.load(sys.stdin); print(($C)[0]['id'])" 2>/dev/null)
"$PY" -c 'import sqlite3,sys; db=sqlite3.connect(sys.argv[1], timeout=10); db.execute("DELETE FROM incidents WHERE id=?", (int(sys.argv[2]),)); db.commit()' \
  "$TMP/var/incidents.db" "${DELETED:-0}" && passed=$((passed + 1)) || bad "deleting incident ${DELETED:-?} by hand"
post3 train-c rack9 xid && passed=$((passed + 1)) || bad "POST of train-c's Xid alerts to Alertmanager"
wait_for 60 "[(i.get('storm', {}).get('group'), i.get('storm', {}).get('alerts')) for i in $C] == [('rack=rack9', 60)]" &&
  passed=$((passed + 1)) || bad "train-c: not one storm of rack=rack9 (60) after incident ${DELETED:-?} was deleted, within 60 s: $(summary); $(grep -c 'UNIQUE' "$TMP/vigil.log") lines naming UNIQUE in serve's log"
grep -q "incident ${DELETED:-?} is no longer in the store .*12 of its alerts sent again firing are taken as new" "$TMP/vigil.log" &&
  passed=$((passed + 1)) || bad "no line saying incident ${DELETED:-?}'s re-sent alerts were taken as new: $(grep -i 'no longer\|UNIQUE' "$TMP/vigil.log" | tail -2)"

# 7. (STM4) A storm of which some re-sent alerts stay in its own group: train-d's 12 NodeDowns (a storm
#    of `nodes`), then the rack's Xid alerts on nodes 0-7 only: NodeDowns 0-7 are in rack=rack10 now, 8-11
#    still in `nodes`. Before STM4 the NodeDown storm stayed whole (12) beside a rack storm of 32 Xid
#    alerts that lacked its nodes' NodeDowns; now it gives those 8 to the rack's storm (40) and keeps 4
#    (REST storm.gave), whichever order the alerts come in.
D=$(of_cluster train-d)
date -u +%Y-%m-%dT%H:%M:%S.000Z >"$TMP/starts3"  # fresh again: step 6 took longer than group_wait
post3 train-d rack10 down && passed=$((passed + 1)) || bad "POST of train-d's 12 NodeDowns to Alertmanager"
wait_for 60 "[(i.get('storm', {}).get('group'), i.get('storm', {}).get('alerts')) for i in $D if i['state'] != 'merged'] == [('nodes', 12)]" &&
  passed=$((passed + 1)) || bad "train-d's webhook 1 not one storm of 12 NodeDowns within 60 s: $(summary)"
post3 train-d rack10 xid 8 && passed=$((passed + 1)) || bad "POST of train-d's Xid alerts (8 nodes) to Alertmanager"
if wait_for 60 "sorted((i.get('storm', {}).get('group', ''), i.get('storm', {}).get('alerts', 0)) for i in $D if i['state'] != 'merged') == [('nodes', 4), ('rack=rack10', 40)]"; then
  passed=$((passed + 1))
else
  bad "train-d: not a storm of rack=rack10 (40) beside the NodeDowns' storm keeping 4 within 60 s: $(summary)"
fi
curl -s "$V/api/v1/incidents" | "$PY" -c "
import json, sys
j = json.load(sys.stdin)
d = $D
nodes = [i for i in d if i['state'] != 'merged' and i['storm']['group'] == 'nodes'][0]
rack = [i for i in d if i['state'] != 'merged' and i['storm']['group'] == 'rack=rack10'][0]
assert nodes['storm'].get('gave') == [{'incident': rack['id'], 'alerts': 8}], nodes['storm']
assert nodes['rule'] == 'storm: NodeDown x4', nodes['rule']
print('storm %d (nodes) kept 4, gave 8 to %d (rack=rack10)' % (nodes['id'], rack['id']))
" >"$TMP/check3.out" 2>&1 && passed=$((passed + 1)) || bad "train-d's split storm: $(tail -2 "$TMP/check3.out")"
cat "$TMP/check3.out"

kill -TERM "$VPID"
wait "$VPID"
rc=$?
[ "$rc" = 0 ] && passed=$((passed + 1)) || bad "SIGTERM: exit $rc, log: $(tail -3 "$TMP/vigil.log")"
echo "serve_storm_regroup_test: $passed passed, $fail failed"
[ "$fail" = 0 ]
