# Shared by the e2e scripts of a running verification (serve_verification_progress_test.sh, VER3;
# serve_verification_chat_page_test.sh, VER4), sourced after lib/e2e.sh, lib/prometheus.sh and
# lib/serve.sh:
#   hanging_serve BUDGET_S LOG
# starts `vigil serve` (start_serve: sets VPID and V) whose probe binary is $TMP/hang.sh, a fake
# vigil-probe that sleeps (the executor cuts every probe at its limit; grace_s 0.2), intrusive
# probes allowed, verification budget BUDGET_S, data in $TMP/var (kept across calls), output in LOG.
#   post_straggler
# posts a StragglerRank alert for this host (written once to $TMP/hook.json) to its webhook;
# exits 1 with serve's log when refused.
cat >"$TMP/hang.sh" <<'SH'
#!/bin/bash
exec sleep 600
SH
chmod +x "$TMP/hang.sh"
cat >"$TMP/hook.json" <<JSON
{"version":"4","status":"firing","receiver":"vigil","groupKey":"g","alerts":[
 {"status":"firing","labels":{"alertname":"StragglerRank","severity":"warning","job":"llm-train","node":"$(hostname)","rank":"0"},
  "annotations":{"summary":"rank 0 computes 45 ms a step vs 27 ms for the job's faster ranks: a straggler"},
  "startsAt":"$(date -u +%Y-%m-%dT%H:%M:%SZ)","fingerprint":"f1"}]}
JSON
hanging_serve() {
  VIGIL_VERIFICATION_BUDGET_S=$1 start_serve "$2" --data-dir "$TMP/var" --log-level warn \
    --probe-executor "local:binary=$TMP/hang.sh,grace_s=0.2" --allow-intrusive-probes true serve --listen 127.0.0.1:0
}
post_straggler() {
  curl -sf -H 'Content-Type: application/json' --data @"$TMP/hook.json" "$V/api/v1/alerts" >/dev/null ||
    { echo "FAIL: webhook refused: $(cat "$TMP/serve.log")"; exit 1; }
}
