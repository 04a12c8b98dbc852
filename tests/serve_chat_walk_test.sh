#!/usr/bin/env bash
# End to end (DOG8): the chat page and the REST API walked as an on-call engineer walks them, in a
# real headless Chromium (tests/lib/chat_walk.js: questions typed and sent with Enter) against a real
# `vigil serve` (--no-probes, no Prometheus) fed Alertmanager-shaped webhooks: an Xid 79 on node-3,
# a NodeDown of node-7.cluster.local, a hot GPU on gpu-a17 whose summary holds a 300-character path,
# and 24 DiskPressure alerts. Then: asked by incident id, by node name (short name of an FQDN), by
# alert name, a follow-up ("how was it fixed?"), a citation opened, a resolution recorded (REST, and
# from the incident's view in the page) and asked about, a symptom searched, a question nothing answers; on a phone's viewport; a long answer;
# the question asked while serve is stopped (SIGSTOP) and after it has ended. And GET
# /api/v1/incidents' search: node=, alertname=, fingerprint=, since= / until=, limit=, bad input.
# DOG9: the resolution form offers the categories (GET /api/v1/categories: the taxonomy's 24 and one
# the user's imported postmortems added, which #2 is resolved with); then a second serve with
# --auth-token-file walked without the token, with a wrong one, with it, and with the token replaced
# on the server (SIGHUP) while a resolution is typed: the page says what to do and loses nothing.
#   bash tests/serve_chat_walk_test.sh BUILD_DIR
# Exit 77 (skipped) when chromium, node (>= 20) or curl is missing (scripts/lib/setup.sh installs them).
source "$(dirname "$0")/lib/e2e.sh" "$@"
require_chromium_node  # sets chromium
source "$HERE/lib/prometheus.sh"  # PIDS stopped at exit
source "$HERE/lib/serve.sh"       # start_serve, wait_for
PY=/usr/bin/python3

# The user's own history: a postmortem whose root cause the taxonomy lacks (kept as a user-defined
# category, which the form offers as learned from the user's incidents).
cat >"$TMP/postmortems.jsonl" <<'JSON'
{"id": "pm-lustre-1", "title": "Lustre MDS overloaded: every rank stuck in open()", "raw_text": "ls on /lustre hangs; MDS load 400; ranks blocked in open() of checkpoint shards", "root_cause": "lustre_mds_overload", "component": "storage", "mitigation": "failed the MDS over to its standby"}
JSON
check "a postmortem with a root cause of its own imported" 0 'lustre_mds_overload' -- \
  "$VIGIL" --data-dir "$TMP/var" kb import "$TMP/postmortems.jsonl"
start_serve "$TMP/serve.log" --log-level error --data-dir "$TMP/var" --prometheus-url "" --alertmanager-url "" \
  serve --listen 127.0.0.1:0 --no-probes
NOW=$(date +%s)
at() { date -u -d "@$((NOW - $1))" +%Y-%m-%dT%H:%M:%SZ; }
LONG=/scratch/$(printf 'checkpoint_shard_%03d' $(seq 1 20) | tr -d ' ')/optimizer_state.pt
cat >"$TMP/hook1.json" <<JSON
{"version": "4", "groupKey": "{}:{}", "status": "firing", "receiver": "vigil",
 "groupLabels": {}, "commonLabels": {}, "commonAnnotations": {}, "externalURL": "http://alertmanager:9093",
 "alerts": [
  {"status": "firing", "labels": {"alertname": "GPUXidError", "Hostname": "node-3", "gpu": "5", "severity": "critical"},
   "annotations": {"summary": "Xid 79 on node-3 GPU 5: GPU has fallen off the bus"},
   "startsAt": "$(at 3600)", "endsAt": "0001-01-01T00:00:00Z", "fingerprint": "aaaa000000000001"},
  {"status": "firing", "labels": {"alertname": "NodeDown", "instance": "node-7.cluster.local:9100", "severity": "critical"},
   "annotations": {"summary": "node-7.cluster.local has not answered scrapes for 5 minutes"},
   "startsAt": "$(at 3000)", "endsAt": "0001-01-01T00:00:00Z", "fingerprint": "aaaa000000000002"},
  {"status": "firing", "labels": {"alertname": "GpuTemperatureHigh", "Hostname": "gpu-a17", "gpu": "2", "severity": "warning"},
   "annotations": {"summary": "GPU 2 on gpu-a17 above 85 C while writing $LONG"},
   "startsAt": "$(at 2400)", "endsAt": "0001-01-01T00:00:00Z", "fingerprint": "aaaa000000000003"}]}
JSON
"$PY" - "$TMP/hook2.json" "$(at 1200)" <<'PY'
import json, sys
alerts = [{"status": "firing", "labels": {"alertname": "DiskPressure", "node": "disk-%02d" % i, "severity": "warning"},
           "annotations": {"summary": "/var on disk-%02d is 93%% full" % i}, "startsAt": sys.argv[2],
           "endsAt": "0001-01-01T00:00:00Z", "fingerprint": "bbbb0000000000%02d" % i} for i in range(24)]
json.dump({"version": "4", "groupKey": "{}:{alertname=\"DiskPressure\"}", "status": "firing", "receiver": "vigil",
           "groupLabels": {}, "commonLabels": {}, "commonAnnotations": {}, "externalURL": "", "alerts": alerts},
          open(sys.argv[1], "w"))
PY
for h in hook1 hook2; do
  check "webhook $h taken" 0 '"created"' -- curl -sf -H 'Content-Type: application/json' --data-binary @"$TMP/$h.json" "$V/api/v1/alerts"
done
wait_for 240 'j["count"] == 27 and all(i["state"] == "diagnosed" for i in j["incidents"])' && passed=$((passed + 1)) ||
  { bad "27 diagnosed incidents within 240 s: $(curl -s "$V/api/v1/incidents?limit=3")"; exit 1; }
check "resolution of incident 1 recorded" 0 '"replaced_earlier": false' -- curl -s -H 'Content-Type: application/json' \
  -d '{"root_cause": "gpu_fallen_off_bus", "summary": "GPU 5 dropped off the PCIe bus", "resolution": "reseated GPU 5 and its riser", "by": "oncall"}' \
  "$V/api/v1/incidents/1/resolution"

# REST search (count and ids of GET /api/v1/incidents?QUERY).
ids() { curl -s "$V/api/v1/incidents?$1" | "$PY" -c 'import json,sys; j=json.load(sys.stdin); print(" ".join(str(i["id"]) for i in j.get("incidents", [])) or j.get("error"))'; }
search() {  # NAME QUERY WANT_IDS
  local got; got=$(ids "$2")
  [ "$got" = "$3" ] && passed=$((passed + 1)) || bad "search $1 (?$2): got '$got', want '$3'"
}
search "node short name of an FQDN" "node=node-7" "2"
search "node by Hostname" "node=node-3" "1"
search "node FQDN" "node=node-7.cluster.local" "2"
search "alertname" "alertname=GpuTemperatureHigh" "3"
search "alertname, limit" "alertname=DiskPressure&limit=2" "27 26"
search "fingerprint" "fingerprint=bbbb000000000005" "9"
search "since (RFC 3339)" "since=$(at 1300)&alertname=DiskPressure&limit=1" "27"
search "until (unix seconds)" "until=$((NOW - 2500))" "2 1"
search "resolved on node-3" "node=node-3&state=resolved" "1"
search "nothing on node-30" "node=node-30" "None"
bad_query() {  # NAME QUERY WHERE
  local body; body=$(curl -s -w '\n%{http_code}' "$V/api/v1/incidents?$2")
  grep -q "\"where\": \"$3\"" <<<"$body" && [ "$(tail -1 <<<"$body")" = 400 ] && passed=$((passed + 1)) ||
    bad "bad input $1 (?$2): want 400 at $3, got: $body"
}
bad_query "unknown parameter" "host=node-3" query.host
bad_query "malformed time" "since=last%20tuesday" query.since
bad_query "since after until" "since=$(at 10)&until=$(at 3600)" query.since
bad_query "limit 0" "limit=0" query.limit
bad_query "limit huge" "limit=99999999" query.limit
bad_query "SQL in node" "node=x%27%20OR%201%3D1--" query.node
check "the store is whole after the bad queries" 0 '"count": 27' -- curl -s "$V/api/v1/incidents?limit=100"

# The walk.
CHROMIUM_WALK=$TMP/walk.json
node --experimental-websocket "$HERE/lib/chat_walk.js" "$chromium" "$TMP/profile" "$V" "$VPID" >"$CHROMIUM_WALK" 2>"$TMP/walk.err" ||
  { cat "$TMP/walk.err"; bad "the walk did not finish"; echo "$passed passed, $fail failed"; exit 1; }
"$PY" - "$CHROMIUM_WALK" "$HERE/lib" <<'PY'
import sys
sys.path.insert(0, sys.argv[2])
from walk_steps import Walk
walk = Walk(sys.argv[1], "walk")
steps, expect = walk.steps, walk.expect
def text(step): return steps.get(step, {}).get("text", "")
def vigil(step): return steps.get(step, {}).get("role") == "msg vigil"
expect("ask-id", "incident #1 described with its root cause", vigil("ask-id") and "gpu_fallen_off_bus" in text("ask-id"))
expect("follow-up", "\"how was it fixed?\" after #1 answers with #1's resolution, not a knowledge-base search",
       vigil("follow-up") and "reseated GPU 5" in text("follow-up") and "About incident #1" in text("follow-up"))
expect("ask-node", "node-7 finds the NodeDown of node-7.cluster.local", vigil("ask-node") and "NodeDown" in text("ask-node"))
expect("ask-alertname", "the alert name finds #3", vigil("ask-alertname") and "#3" in text("ask-alertname"))
expect("ask-node-list", "incidents on node-3 names #1", "#1" in text("ask-node-list") and "node-3" in text("ask-node-list"))
expect("search", "a symptom is searched in the knowledge base, with kb citations",
       "knowledge base" in text("search") and any(c.startswith("kb:") for c in steps["search"]["citations"]))
expect("unanswerable", "a question nothing answers says so and cites nothing (no unrelated past or live incidents)",
       vigil("unanswerable") and not steps["unanswerable"]["citations"] and "none that shares a word" in text("unanswerable"))
expect("ask-fix", "the recorded resolution", "reseated GPU 5" in text("ask-fix"))
expect("open-cited", "a click on the citation shows the incident described, its record folded",
       steps["open-cited"].get("clicked") and "gpu_fallen_off_bus" in steps["open-cited"].get("view", "")
       and steps["open-cited"].get("record"))
f = steps.get("resolve-form", {})
expect("resolve-form", "the incident view has a form recording what fixed it", f.get("shown") and "error" not in f)
expect("resolve-form", "a misspelt root cause is named with the nearest category, the text kept",
       "did you mean `gpu_thermal_throttle`" in f.get("misspelt", "") and f.get("kept") == "replaced fan 2 of the tray")
expect("resolve-form", "the corrected one is recorded", f.get("recorded", "").startswith("Recorded for incident #3"))
expect("ask-3-fix", "the chat answers with the resolution recorded from the page", "replaced fan 2 of the tray" in text("ask-3-fix"))
ids = [o[0] for o in f.get("options", [])]
expect("resolve-form", "the root cause offers the taxonomy's 24 categories, then the learned one (%d offered)" % len(ids),
       f.get("list_id") and len(ids) == 25 and ids[0] == "gpu_fallen_off_bus" and ids[23] == "launch_config_error"
       and ids[24] == "lustre_mds_overload")
expect("resolve-form", "each option says its layer, a learned one that it was learned",
       f.get("options") and f["options"][0][1].startswith("gpu") and f["options"][24][1].startswith("learned from your incidents, 1 past incident"))
expect("resolve-form", "the label says to pick or type", "pick from the list, or type one" in f.get("label", ""))
g = steps.get("resolve-learned", {})
expect("resolve-learned", "#2 recorded with the learned category picked from the list",
       g.get("picked") == "lustre_mds_overload" and g.get("recorded", "").startswith("Recorded for incident #2")
       and "root cause lustre_mds_overload" in g.get("recorded", ""))
for s in ("phone-id", "phone-follow-up"):
    st = steps.get(s, {})
    expect(s, "no sideways scrolling on a phone (page %s px wide, viewport %s px)" % (st.get("scroll_width"), st.get("viewport_width")),
           vigil(s) and st.get("scroll_width", 9999) <= 375 and st.get("viewport_width") == 375)
    expect(s, "the Ask button inside the viewport", 0 < st.get("ask_right", -1) <= st.get("viewport_width", 0))
expect("phone-follow-up", "a follow-up on the phone is about #3", "About incident #3" in text("phone-follow-up"))
lines = text("long-answer").count("\n  - #")
expect("long-answer", "every open incident listed (%d lines)" % lines, vigil("long-answer") and lines == 24)  # 27 less #1, #2 and #3 (resolutions recorded)
expect("long-answer", "no sideways scrolling", steps["long-answer"]["scroll_width"] <= steps["long-answer"]["viewport_width"])
p = steps.get("pending", {})
expect("pending", "while serve does not answer, the page says it is asking and the Ask button waits",
       p.get("state") == "asking" and p.get("ask_disabled") is True and "asking" in p.get("text", "").lower())
expect("pending", "the answer comes once serve runs again", "after_error" not in p)
l = steps.get("lost-input", {})
expect("lost-input", "serve gone: an error is shown", l.get("role") == "msg error")
expect("lost-input", "serve gone: the question is back in the box to send again", l.get("box") == "is node-3 still down?")
for s in steps.values():  # what an engineer waited (the report's figures)
    if "ms" in s: print("  %-16s %6d ms  %s" % (s["step"], s["ms"], s.get("question", "")))
sys.exit(walk.done())
PY
rc=$?
[ $rc = 0 ] && passed=$((passed + 1)) || fail=$((fail + 1))

# The token walk (DOG9): a serve with --auth-token-file, one incident, the page without the token,
# with a wrong one, with it, and with it replaced on the server while a resolution is typed.
TOKEN=walk-token-0123456789abcdef
NEW_TOKEN=walk-token-rotated-fedcba9876543210
echo "$TOKEN" >"$TMP/tokens"
chmod 600 "$TMP/tokens"  # serve refuses a token file others may read
start_serve "$TMP/serve2.log" --log-level error --data-dir "$TMP/var2" --prometheus-url "" --alertmanager-url "" \
  serve --listen 127.0.0.1:0 --no-probes --auth-token-file "$TMP/tokens"
A=(-H "Authorization: Bearer $TOKEN")
"$PY" -c 'import json,sys; j=json.load(open(sys.argv[1])); j["alerts"]=j["alerts"][:1]; print(json.dumps(j))' "$TMP/hook1.json" >"$TMP/hook3.json"
check "auth: webhook taken with the token" 0 '"created"' -- curl -sf "${A[@]}" -H 'Content-Type: application/json' --data-binary @"$TMP/hook3.json" "$V/api/v1/alerts"
for _ in $(seq 600); do
  curl -s "${A[@]}" "$V/api/v1/incidents/1" | grep -q '"state": "diagnosed"' && break
  sleep 0.2
done
check "auth: incident 1 diagnosed" 0 '"state": "diagnosed"' -- curl -s "${A[@]}" "$V/api/v1/incidents/1"
node --experimental-websocket "$HERE/lib/chat_walk.js" "$chromium" "$TMP/profile2" "$V" "$VPID" \
  auth "$TOKEN" "$TMP/tokens" "$NEW_TOKEN" >"$TMP/walk2.json" 2>"$TMP/walk2.err" ||
  { cat "$TMP/walk2.err"; bad "the token walk did not finish"; }
"$PY" - "$TMP/walk2.json" "$HERE/lib" <<'PY'
import sys
sys.path.insert(0, sys.argv[2])
from walk_steps import Walk
walk = Walk(sys.argv[1], "token walk")
steps, expect = walk.steps, walk.expect
n = steps.get("auth-none", {})
expect("auth-none", "without a token: the 401 said, and what to do", n.get("role") == "msg error" and "401" in n.get("text", "")
       and "paste the token in the box at the top" in n.get("text", ""))
expect("auth-none", "the token form shown, focused, saying the server needs its token",
       n.get("auth_shown") and n.get("token_focused") and "needs its bearer token" in n.get("auth_why", ""))
w = steps.get("auth-wrong", {})
expect("auth-wrong", "a wrong token: the question sent again and refused again",
       "error" not in w and w.get("role") == "msg error" and "401" in w.get("text", ""))
expect("auth-wrong", "the token form says the token was refused", w.get("auth_shown") and "was refused" in w.get("auth_why", ""))
r = steps.get("auth-right", {})
expect("auth-right", "the right token: the question answered, the form hidden",
       "error" not in r and r.get("role") == "msg vigil" and "#1" in r.get("text", "") and not r.get("auth_shown"))
t = steps.get("auth-rotated", {})
expect("auth-rotated", "the form offers the categories with the token", len(t.get("options", [])) == 24)
expect("auth-rotated", "the token replaced: Record refused, saying what to do and that nothing typed is lost",
       "error" not in t and "401" in t.get("result", "") and "paste the token in the box at the top" in t.get("result", "")
       and "nothing typed is lost" in t.get("result", ""))
expect("auth-rotated", "the fields keep their text", t.get("kept") == "reseated GPU 5 at 03:10")
expect("auth-rotated", "the token form says this tab's token was refused", t.get("auth_shown") and "was refused" in t.get("auth_why", ""))
e = steps.get("auth-new", {})
expect("auth-new", "the new token: the resolution posted as typed", e.get("result", "").startswith("Recorded for incident #1")
       and "reseated GPU 5 at 03:10" in e.get("result", "") and "night-oncall" in e.get("result", ""))
expect("auth-new", "and the question asked meanwhile answered", e.get("role") == "msg vigil" and not e.get("auth_shown"))
sys.exit(walk.done())
PY
[ $? = 0 ] && passed=$((passed + 1)) || fail=$((fail + 1))
check "auth: the resolution stored as typed" 0 '"resolution": "reseated GPU 5 at 03:10"' -- \
  curl -s -H "Authorization: Bearer $NEW_TOKEN" "$V/api/v1/incidents/1"
echo "$passed passed, $fail failed"
[ "$fail" = 0 ]
