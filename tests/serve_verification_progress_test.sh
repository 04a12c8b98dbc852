#!/usr/bin/env bash
# End-to-end (VER3): what the on-call engineer sees while `vigil serve` verifies an incident. Before,
# GET /api/v1/incidents/ID of a running triage showed `"diagnosis": null` and nothing else (VER2's
# walk). Now it has `verification`: the probe steps answered / running (probe, target, for how long,
# their limit), the hypotheses (categories) the steps bear on, the budget and the seconds left; and
# after the triage the same object with state "diagnosed" and every step's verdict. The chat
# ("what is happening with incident 1?") gives the same line while it runs (before: "Not diagnosed
# yet (status running): the diagnosis runs in the background; ask again in a moment.").
# Every probe hangs here (a fake vigil-probe that sleeps; the executor cuts it at its limit), budget
# 8 s, grace_s 0.2 (so probes start and are cut until 8 - 2.7 = 5.3 s). Since VER4 it also checks the
# reasoner's ranking (`leading`, `round`, `planned`); main before VER4 fails there.
#   bash tests/serve_verification_progress_test.sh BUILD_DIR
source "$(dirname "$0")/lib/e2e.sh" "$@"
require_tools curl
source "$HERE/lib/prometheus.sh"  # PIDS stopped at exit
source "$HERE/lib/serve.sh"       # start_serve
PY=/usr/bin/python3
fail() { echo "FAIL: $*"; exit 1; }

source "$HERE/lib/hanging_serve.sh"  # hanging_serve, post_straggler
hanging_serve 8 "$TMP/serve.log"
post_straggler

# While it runs: a step running, the budget and the time left.
seen=""
for _ in $(seq 100); do
  curl -sf "$V/api/v1/incidents/1" >"$TMP/running.json" || fail "GET /api/v1/incidents/1"
  if "$PY" - "$TMP/running.json" <<'PY'; then seen=1; break; fi
import json, sys
j = json.load(open(sys.argv[1]))
v = j.get("verification")
sys.exit(0 if j["state"] == "running" and v and v["running"] else 1)
PY
  sleep 0.1
done
[ -n "$seen" ] || fail "no running verification shown: $(cat "$TMP/running.json")"
"$PY" - "$TMP/running.json" <<'PY' || fail "running verification: $(cat "$TMP/running.json")"
import json, sys
j = json.load(open(sys.argv[1]))
v = j["verification"]
assert j["diagnosis"] is None, j
assert v["state"] == "running", v
assert v["budget_s"] == 8 and abs(v["probe_grace_s"] - 2.7) < 1e-9, v
assert 0 <= v["left_s"] <= 8, v
assert v["steps"]["running"] == len(v["running"]) >= 1, v
assert v["steps"]["total"] == v["steps"]["done"] + v["steps"]["running"] + v["steps"]["abandoned"], v
for r in v["running"]:
    assert r["probe"] and r["limit_s"] > 0 and r["for_s"] >= 0, r
assert v["checking"], v  # the categories the running probes bear on
assert v["summary"].startswith("verifying: ") and "s of the 8 s budget left" in v["summary"], v["summary"]
assert "hang.sh" in v["executor"], v
# The reasoner's own view (VER4, agents/verification_observer.h): its ranking before the probes (or
# after a round), each hypothesis with where it is placed and its posterior, and the round whose
# steps run; the steps it planned that have not started (`planned`, empty once all started).
assert v["round"] >= 1 and v["leading_round"] >= 0, v
assert v["leading"] and all(0 < h["posterior"] <= 1 and h["hypothesis"] for h in v["leading"]), v
assert v["leading"][0]["hypothesis"] == "straggler_rank", v["leading"]
assert isinstance(v["planned"], list), v
assert "leading now: straggler_rank" in v["summary"], v["summary"]
PY

# The chat, asked while it runs: the same line, not just "Not diagnosed yet".
curl -sf -XPOST -H 'Content-Type: application/json' --data '{"message": "what is happening with incident 1?"}' \
  "$V/api/v1/chat" >"$TMP/chat.json" || fail "POST /api/v1/chat"
"$PY" - "$TMP/chat.json" <<'PY' || fail "chat while verifying: $(cat "$TMP/chat.json")"
import json, sys
a = json.load(open(sys.argv[1]))["answer"]
print(a.splitlines()[1])
if "status running" in a:
    assert "verifying: " in a and "s budget left" in a and "probe step(s) answered" in a, a
    assert "ask again in a moment." not in a, a
else:  # the triage ended meanwhile (a slow machine): the diagnosis is shown
    assert "Root cause" in a, a
PY

# After: the same object, ended, every step with a verdict.
for _ in $(seq 300); do
  curl -sf "$V/api/v1/incidents/1" >"$TMP/after.json"
  "$PY" -c 'import json, sys; j = json.load(open(sys.argv[1]))
sys.exit(0 if j["state"] == "diagnosed" and j.get("verification", {}).get("state") == "diagnosed" else 1)' \
    "$TMP/after.json" 2>/dev/null && break
  sleep 0.1
done
"$PY" - "$TMP/after.json" <<'PY' || fail "ended verification: $(cat "$TMP/after.json")"
import json, sys
j = json.load(open(sys.argv[1]))
assert j["state"] == "diagnosed", j["state"]
v = j["verification"]
assert v["state"] == "diagnosed", v
assert v["running"] == [] and v["steps"]["running"] == 0, v
assert v["steps"]["total"] == len(v["done"]) >= 1, v
for d in v["done"]:
    assert d["status"] in ("pass", "fail", "error", "unavailable", "timeout", "abandoned"), d
    assert d["reason"], d
assert v["summary"].startswith("verification ended (diagnosed): "), v["summary"]
assert v["planned"] == [] and v["leading"], v
assert "leading at the end: " in v["summary"], v["summary"]
PY
# An incident the board has no record of (never claimed): no `verification`.
curl -s "$V/api/v1/incidents/2" | grep -q '"verification"' && fail "incident 2 has a verification"

# A restarted serve (VER4): the ended record is kept with the incident (incidents.db), not only in
# the old process's memory. Before, the restarted serve showed no `verification` at all.
kill -TERM "$VPID"
wait "$VPID"
hanging_serve 8 "$TMP/serve2.log"
curl -sf "$V/api/v1/incidents/1" >"$TMP/restarted.json" || fail "GET /api/v1/incidents/1 after the restart"
"$PY" - "$TMP/after.json" "$TMP/restarted.json" <<'PY' || fail "after the restart: $(cat "$TMP/restarted.json")"
import json, sys
before = json.load(open(sys.argv[1]))["verification"]
j = json.load(open(sys.argv[2]))
assert "verification" in j, "no verification after the restart"
assert j["verification"] == before, (j["verification"], before)
PY
echo PASS
