#!/usr/bin/env bash
# End-to-end: `vigil kb import|mine|search|stats` as a user meets them, on a fresh data dir with
# the shipped pack (data/knowledge) loaded by default. Run by ctest from the repository root as
#   bash tests/kb_cli_test.sh <build-dir>
set -u
BUILD="${1:-build}"
VIGIL="$BUILD/bin/vigil"
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
export VIGIL_DATA_DIR="$tmp/var"
export VIGIL_LOG_LEVEL=warn
source "$(dirname "$0")/lib/check.sh"
json_check() {  # json_check NAME PYTHON_EXPR -- CMD...   (expr over `j`, the parsed stdout)
  local name="$1" expr="$2"; shift 3
  local out
  out="$("$@" 2>/dev/null)"
  if ! "$PY" -c "import json,sys; j=json.load(sys.stdin); sys.exit(0 if ($expr) else 1)" <<<"$out"; then
    echo "FAIL $name: \`$expr\` does not hold; output:"; echo "$out" | head -20; fail=$((fail + 1))
  else
    passed=$((passed + 1))
  fi
}

# The shipped pack is loaded on first use.
json_check "stats: pack loaded" 'j["incidents"] >= 60 and j["guides"] >= 1 and j["schema_version"] == 4' \
  -- "$VIGIL" kb stats --json
check "stats text" 0 'incidents [0-9]+, log signatures' -- "$VIGIL" kb stats
# Search: an Xid 79 line finds the fallen-off-the-bus knowledge first.
json_check "search xid 79" 'j[0]["category"] == "gpu_fallen_off_bus" and len(j) <= 3' \
  -- "$VIGIL" kb search "NVRM: Xid (PCI:0000:9a:00): 79, pid=4242, GPU has fallen off the bus." --k 3 --json
check "search text output" 0 '^1\. \[' -- "$VIGIL" kb search "watchdog caught collective operation timeout"
json_check "search category filter" 'len(j) > 0 and all(h["category"] == "cuda_oom" for h in j)' \
  -- "$VIGIL" kb search "error" --category cuda_oom --k 10 --json
check "bad mode" 2 'unknown search mode `fuzzy`' -- "$VIGIL" kb search "x" --mode fuzzy
check "bad k" 2 '--k must be positive' -- "$VIGIL" kb search "x" --k 0
# Words no entry holds: the dense ranker still returns neighbours; the text output says they share
# no word instead of listing them as matches with "lexical rank 0" (before 2026-12-03, RV-OPS), and a
# blank query is refused (it listed neighbours of nothing).
check "search: no shared word said" 0 '^no entry shares a word with the query; the nearest by embedding' -- \
  "$VIGIL" kb search "zzqx blorf"
check "search: no lexical rank 0" 0 'lexical rank none: no shared word, dense rank 1\)' -- "$VIGIL" kb search "zzqx blorf"
check "search: blank query" 2 'query: empty' -- "$VIGIL" kb search "   "
out=$("$VIGIL" kb search "watchdog caught collective operation timeout" 2>&1)
grep -q 'no entry shares a word' <<<"$out" && bad "search with shared words said none shares a word"
check "no kb subcommand" 2 'choose import, mine, search, stats, delete or resolve' -- "$VIGIL" kb
# Import: good files commit, bad lines are reported with file:line, exit 1 when any was rejected.
json_check "import jsonl" 'j[0]["added"] == 6 and j[0]["rejected"] == 0' \
  -- "$VIGIL" kb import knowledge/testdata/incidents.jsonl
json_check "import again: duplicates" 'j[0]["added"] == 0 and j[0]["duplicates"] == 6' \
  -- "$VIGIL" kb import knowledge/testdata/incidents.jsonl
check "import bad lines" 1 'bad.jsonl:2: rejected: malformed JSON' -- "$VIGIL" kb import knowledge/testdata/bad.jsonl
check "import bad utf-8" 1 'bad.jsonl:3: rejected: invalid UTF-8' -- "$VIGIL" kb import knowledge/testdata/bad.jsonl
check "import missing" 1 'no such file or directory: /nonexistent' -- "$VIGIL" kb import /nonexistent/x.jsonl
check "import unsupported" 2 'unsupported file type' -- "$VIGIL" kb import CMakeLists.txt
# A folder of postmortems as .json / .txt: refused naming them (2026-12-02, DOG; before: exit 0,
# "added": 0, no word); beside an importable file, one warning naming them, without a ":0".
mkdir -p "$tmp/pm"; echo '{"title":"GPU lost"}' >"$tmp/pm/inc1.yaml"; echo 'xid 79' >"$tmp/pm/notes.txt"
check "import a folder with nothing to import" 2 \
  'pm: no incident \(.jsonl, .ndjson, .json, .csv\) or guide \(.md\) file in this folder \(2 other files: inc1.yaml, notes.txt\)' \
  -- "$VIGIL" kb import "$tmp/pm"
cp knowledge/testdata/incidents.jsonl "$tmp/pm/"
check "import a folder: other files named" 0 "^$tmp/pm: warning: 2 files not imported \(not .jsonl, .ndjson, .json, .csv or .md\): inc1.yaml, notes.txt$" \
  -- "$VIGIL" kb import "$tmp/pm"
json_check "import guides + csv" 'j[0]["added"] == 5 and j[1]["added"] == 2' \
  -- "$VIGIL" kb import knowledge/testdata/guides knowledge/testdata/incidents.csv
json_check "stats after import: user-defined category kept" '"scheduler_preemption" in j["user_defined_categories"]' \
  -- "$VIGIL" kb stats --json
# The index is rebuilt when its file is missing or corrupt.
rm -f "$tmp/var/kb.sqlite.faiss"
json_check "search after index loss" 'j[0]["category"] == "ib_link_failure"' \
  -- "$VIGIL" kb search "NET/IB : Got completion from peer with status=IBV_WC_RETRY_EXC_ERR(12)" --mode dense --json
echo garbage > "$tmp/var/kb.sqlite.faiss"
check "corrupt index rebuilt" 0 'rebuilding the vector index' -- "$VIGIL" kb stats
# A wrong fix in an imported tracker export, corrected in the export and imported again (WALKK,
# 2026-12-04): before, "duplicate of stored incident `inc-2041` (same normalized text); skipped" and
# the wrong fix stayed; a corrected text was "already exists with different content; skipped".
printf 'id,title,raw_text,root_cause,mitigation,source\ninc-2041,Training hung on gpu-17,NCCL watchdog timeout; ib0 on gpu-17 flapping,ib_link_failure,replaced the IB cable on port 2,jira\n' >"$tmp/tracker.csv"
"$VIGIL" kb import "$tmp/tracker.csv" >/dev/null 2>&1
sed -i 's/on port 2/on port 1 (not 2)/' "$tmp/tracker.csv"
check "re-import: a corrected fix replaces the stored one" 0 \
  'tracker.csv:2: warning: replaced the stored version of incident `inc-2041` \(same source jira\)' \
  -- "$VIGIL" kb import "$tmp/tracker.csv"
check "re-import: search shows the corrected fix" 0 'mitigation: replaced the IB cable on port 1 \(not 2\)' \
  -- "$VIGIL" kb search "ib0 on gpu-17 flapping" --k 1
# Where a hit came from, as the chat says it (WALKK): the record's source, or the file and line.
check "search: a hit's source" 0 '^   source: jira$' -- "$VIGIL" kb search "ib0 on gpu-17 flapping" --k 1
check "search: a pack hit's source" 0 '^   source: the shipped knowledge pack$' -- "$VIGIL" kb search "CUDA error: invalid device ordinal" --k 1
json_check "re-import unchanged: a duplicate" 'j[0]["added"] == 0 and j[0]["replaced"] == 0 and j[0]["duplicates"] == 1' \
  -- "$VIGIL" kb import "$tmp/tracker.csv"
# Recalled by a diagnosis: the imported incident is cited with where it came from and its fix (WALKK;
# before, `similar past incident: TITLE` alone).
cat >"$tmp/alert.json" <<'EOF'
{"version":"4","status":"firing","alerts":[{"status":"firing","labels":{"alertname":"NcclWatchdogTimeout","node":"gpu-17","severity":"critical"},"annotations":{"summary":"Training hung on gpu-17: NCCL watchdog timeout, ib0 flapping"},"startsAt":"2026-12-04T05:00:00Z"}]}
EOF
check "diagnose: a recalled import cites its source and fix" 0 \
  '"detail": "similar past incident: Training hung on gpu-17 \(jira; fixed then: replaced the IB cable on port 1 \(not 2\)\)' \
  -- "$VIGIL" diagnose --alert "$tmp/alert.json" --json
# A wrong entry deleted (WALKK, 2026-12-04; before, no command: `kb delete` was unknown): gone from
# search, printed as a JSON line that imports it back; an unknown id and a pack entry are refused.
check "delete: prints the incident" 0 '^\{.*"id":"inc-2041".*"mitigation":"replaced the IB cable on port 1 \(not 2\)"' \
  -- "$VIGIL" kb delete inc-2041
"$VIGIL" kb search "ib0 on gpu-17 flapping" --k 3 --json 2>/dev/null | grep -q '"id": "inc-2041"' && bad "delete: still found by search"
check "delete: unknown id" 1 'no incident `inc-2041` in the knowledge base' -- "$VIGIL" kb delete inc-2041
check "delete: a pack entry refused" 1 'shipped knowledge pack.*not deleted' -- "$VIGIL" kb delete pack-launch-invalid-device-ordinal
printf '{"id":"inc-9","title":"wrong one","raw_text":"zzwrong","root_cause":"unknown"}\n' >"$tmp/wrong.jsonl"
"$VIGIL" kb import "$tmp/wrong.jsonl" >/dev/null 2>&1
"$VIGIL" kb delete inc-9 >"$tmp/undo.jsonl" 2>/dev/null
json_check "delete: its output imports it back" 'j[0]["added"] == 1' -- "$VIGIL" kb import "$tmp/undo.jsonl"
# An outdated troubleshooting guide deleted by the path it was imported as (KB5, 2026-12-04; before,
# `kb delete` knew incidents only: "no incident `...`", and the guide's chunks stayed in every search).
g=knowledge/testdata/guides/nccl.md
check "delete: the guide is found before" 0 "guide $g: " -- "$VIGIL" kb search "NCCL_SOCKET_IFNAME interface" --k 10
check "delete: a guide by its path" 0 '^\{"deleted_guide":\{"category":"[^"]*","chunks":[1-9][0-9]*,"component":"[^"]*","path":"knowledge/testdata/guides/nccl.md","title":"NCCL troubleshooting"\}\}$' \
  -- "$VIGIL" kb delete "$g"
"$VIGIL" kb search "NCCL_SOCKET_IFNAME interface" --k 10 2>/dev/null | grep -q "guide $g: " && bad "delete: the deleted guide still found by search"
check "delete: a guide by its file name alone" 1 \
  'no incident `xid.md` in the knowledge base, nor a guide of that path \(a guide is stored as `knowledge/testdata/guides/xid.md`: a guide is named by the path it was imported as' \
  -- "$VIGIL" kb delete xid.md
check "delete: guide: naming an incident" 1 'no guide `inc-9` in the knowledge base: `inc-9` is an incident \(`vigil kb delete inc-9` deletes it\)' \
  -- "$VIGIL" kb delete guide:inc-9
x=knowledge/testdata/guides/xid.md
printf '{"id":"%s","title":"an id that is a path","raw_text":"zzpathid","root_cause":"unknown"}\n' "$x" >"$tmp/pathid.jsonl"
"$VIGIL" kb import "$tmp/pathid.jsonl" >/dev/null 2>&1
check "delete: a name both an incident and a guide refused" 1 \
  "\`$x\` is both an incident's id and a guide's path: not deleted; name one: \`incident:$x\` or \`guide:$x\`" -- "$VIGIL" kb delete "$x"
check "delete: incident: and guide: say which" 0 "^\{\"deleted_guide\":.*\"path\":\"$x\"" -- "$VIGIL" kb delete "guide:$x" "incident:$x"
"$VIGIL" kb import "$g" >/dev/null 2>&1
"$VIGIL" kb delete "$g" "$g" >"$tmp/undo_guide.jsonl" 2>"$tmp/twice.err"; rc=$?
{ [ $rc = 0 ] && [ "$(wc -l <"$tmp/undo_guide.jsonl")" = 1 ] &&
  grep -q "\`$g\` is named twice (arguments 1 and 2); deleted once" "$tmp/twice.err"; } ||
  bad "delete: the same path twice: rc=$rc, $(cat "$tmp/twice.err" "$tmp/undo_guide.jsonl")"
check "delete: a guide's line imported back says how it comes back" 0 \
  "undo_guide.jsonl:1: warning: a guide deleted by \`vigil kb delete\` \(\`$g\`\), not an incident: a guide comes back by importing its Markdown file \(\`vigil kb import $g\`\); skipped" \
  -- "$VIGIL" kb import "$tmp/undo_guide.jsonl"
# Another process's write lock (an import running): said after SQLite's 5 s wait, nothing deleted,
# the names after it not tried.
"$PY" -c 'import sqlite3, sys, time
c = sqlite3.connect(sys.argv[1], isolation_level=None); c.execute("BEGIN IMMEDIATE"); print("locked", flush=True); time.sleep(300)' \
  "$tmp/var/kb.sqlite" >"$tmp/lock.out" &
lock_pid=$!
# FLK1: the holder is killed below, not timed (it slept 20 s, which the two 5 s waits, each after a
# vigil start, could outlast when starved); its lock awaited up to 30 s (was 5 s, then went on unheld).
for _ in $(seq 300); do grep -q locked "$tmp/lock.out" 2>/dev/null && break; sleep 0.1; done
grep -q locked "$tmp/lock.out" 2>/dev/null || bad "the lock holder did not take kb.sqlite's write lock within 30 s"
check "delete: a locked store said" 1 "kb.sqlite is locked by another process's write .*: nothing deleted; try again when it is done" \
  -- "$VIGIL" kb delete inc-9 "$x"
check "delete: a locked store: the rest not tried" 1 "not tried: \`$x\`" -- "$VIGIL" kb delete inc-9 "$x"
kill "$lock_pid" 2>/dev/null; wait "$lock_pid" 2>/dev/null
json_check "delete: nothing deleted while locked" 'j[0]["incident"]["id"] == "inc-9"' \
  -- "$VIGIL" kb search "zzwrong" --k 1 --json --mode lexical
# A store the user may not write (as root, run as nobody against a copy of the store).
mkdir -p "$tmp/ro"; cp -a "$tmp/var/." "$tmp/ro/"; chmod -R a+rX,a-w "$tmp/ro"; chmod a+x "$tmp"
as_user=(); [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null && as_user=(setpriv --reuid=65534 --regid=65534 --clear-groups)
check "delete: a read-only store said" 1 "ro/kb.sqlite is read-only: nothing deleted" \
  -- env VIGIL_DATA_DIR="$tmp/ro" "${as_user[@]}" "$VIGIL" kb delete inc-9
chmod -R u+w "$tmp/ro"
# On-call history as the team has it (WALKK2): a Slack channel export (day files of JSON arrays,
# threads as incidents), a Mattermost bulk export, a tracker's .json, a postmortem in Markdown.
# Before: .json an unsupported file type (exit 2), Mattermost lines rejected as untitled
# incidents, a postmortem stored as a guide with no cause or fix.
json_check "import: Slack channel export, threads as incidents" 'j[0]["added"] == 3 and j[0]["rejected"] == 0' \
  -- "$VIGIL" kb import knowledge/testdata/oncall_slack
check "import: Slack bots and joins said" 0 'oncall_slack/oncall/2026-11-18.json: warning: skipped 1 `channel_join` events, 1 bot messages' \
  -- "$VIGIL" kb import knowledge/testdata/oncall_slack
check "import: an empty Slack message named" 0 '2026-11-19.json:18: warning: message 3: no text; skipped' \
  -- "$VIGIL" kb import knowledge/testdata/oncall_slack
check "search: a Slack thread's fix" 0 'mitigation: drained gpu-b-112, reseated the cable' \
  -- "$VIGIL" kb search "rank 37 mlx5_3 port down gpu-b-112" --k 1
# Its "Root cause:" line matches a pack signature of one category: taken as its root_cause, said
# (KB3, 2026-12-04; before, `unknown`, so `--category` missed it).
check "import: a Slack thread's category inferred from its Root cause line" 0 \
  '2026-11-18.json:9: warning: root_cause inferred as `ib_link_failure` from its root-cause text: it matches the log signature .* of incident `pack-ib-link-flap-counters`' \
  -- "$VIGIL" kb import knowledge/testdata/oncall_slack
json_check "search --category: a Slack thread by its inferred category" \
  'any(h["incident"]["id"] == "slack:oncall:1794988800.001200" for h in j)' \
  -- "$VIGIL" kb search "cable" --category ib_link_failure --k 5 --no-guides --json
# A Slack thread that runs past midnight UTC: its fix is in the next day's file (SLK). Before: the
# reply was rejected (`first message is not in this file`) and users.json read as 2 bad records.
mkdir -p "$tmp/slk/oncall"
printf '[{"id":"U1","name":"maya","real_name":"Maya Chen"},{"id":"U2","name":"ravi"}]' >"$tmp/slk/users.json"
printf '[{"type":"message","ts":"1793749800.000100","user":"U1","text":"zzmidnight job hung, NCCL timeout on gpu-q-41","thread_ts":"1793749800.000100"}]' \
  >"$tmp/slk/oncall/2026-11-03.json"
printf '[{"type":"message","ts":"1793751600.000400","user":"U2","text":"Fix: drained gpu-q-41 after midnight","thread_ts":"1793749800.000100"}]' \
  >"$tmp/slk/oncall/2026-11-04.json"
json_check "import: a Slack thread past midnight is one incident" 'j[0]["added"] == 1 and j[0]["rejected"] == 0' \
  -- "$VIGIL" kb import "$tmp/slk"
check "search: a Slack thread's fix posted after midnight" 0 'mitigation: drained gpu-q-41 after midnight' \
  -- "$VIGIL" kb search "zzmidnight gpu-q-41" --k 1
json_check "import: Mattermost export" 'j[0]["added"] == 1 and j[0]["rejected"] == 0' \
  -- "$VIGIL" kb import knowledge/testdata/oncall_mattermost.jsonl
check "search: a Mattermost thread's fix" 0 'mitigation: killed the orphans; added `--kill-on-bad-exit`' \
  -- "$VIGIL" kb search "orphaned sweep workers held CUDA contexts on gpu-c-004" --k 1
json_check "import: tracker .json" 'j[0]["added"] == 1 and j[0]["rejected"] == 1' \
  -- "$VIGIL" kb import knowledge/testdata/tracker_export.json
check "import: tracker .json record named" 1 'tracker_export.json:10: rejected: empty entry' \
  -- "$VIGIL" kb import knowledge/testdata/tracker_export.json
check "import: postmortem read as an incident" 0 'read as a postmortem.*imported as incident `postmortem:postmortem_ib_link`' \
  -- "$VIGIL" kb import knowledge/testdata/postmortem_ib_link.md
check "search: the postmortem's resolution" 0 'mitigation: Drained the two nodes behind ib-leaf-14 port 31' \
  -- "$VIGIL" kb search "ib-leaf-14 transceiver" --k 1
# Its Timeline gives when it started (KB3, 2026-12-04; before, started_at 0: --since never found it).
check "import: a postmortem's Timeline read" 0 \
  'postmortem_ib_link.md:12: warning: Timeline read: started_at 2026-11-02T02:10:00Z \(line 14, its first entry\); no entry says it was resolved' \
  -- "$VIGIL" kb import knowledge/testdata/postmortem_ib_link.md
check "search --since: the postmortem by its Timeline's start" 0 'postmortem:postmortem_ib_link' \
  -- "$VIGIL" kb search "ib-leaf-14 transceiver" --since 2026-11-02T00:00:00Z --until 2026-11-03T00:00:00Z --k 1 --no-guides
# A pasted log whose line matches a pack signature cites the postmortem showing the same line (KB3,
# 2026-12-04; before, only the pack's signature: no past incident).
echo '2026-11-02T02:40:11Z node-17 [rank 5] [E ProcessGroupNCCL.cpp:475] Watchdog caught collective operation timeout: WorkNCCL(SeqNum=88, OpType=ALLREDUCE, Timeout(ms)=1800000) ran for 1800391 milliseconds before timing out.' >"$tmp/job.log"
check "diagnose --log: the team's postmortem with the same line cited" 0 \
  '"detail": "similar past incident: Postmortem: 6-hour stall .*\(knowledge/testdata/postmortem_ib_link.md(, started [^)]*)?\): its text shows `Watchdog caught collective operation timeout`, as this log does; fixed then: Drained the two nodes behind ib-leaf-14 port 31, replaced the transceiver, restarted from the last checkpoint' \
  -- "$VIGIL" diagnose --log "$tmp/job.log" --no-probes --json
printf '[{"type":"message","ts":"1794988800.000100","text":"caf\xe9 GPU"}]' >"$tmp/latin1.json"
check "import: a non-UTF-8 export named with its byte" 1 'latin1.json:1: rejected: invalid UTF-8 at byte 55 of the file' \
  -- "$VIGIL" kb import "$tmp/latin1.json"
printf '[{"type":"message","ts":"1794988800.000100","text":"GPU lost"},\n{"type":' >"$tmp/cut.json"
check "import: a truncated export named with its line" 1 'cut.json:2: rejected: malformed JSON: parse error' \
  -- "$VIGIL" kb import "$tmp/cut.json"
# Mining.
printf '2024-06-01T03:04:05Z node-12 kernel: NVRM: Xid (PCI:0000:b7:00): 79, pid=9876, GPU has fallen off the bus.\n' > "$tmp/ticket.txt"
json_check "mine builtin" 'j["incident"]["root_cause"] == "gpu_fallen_off_bus" and "links" in j["unfilled"]' \
  -- "$VIGIL" kb mine "$tmp/ticket.txt"
check "mine missing file" 2 'nope.txt' -- "$VIGIL" kb mine "$tmp/nope.txt"
check "mine llm without endpoint" 2 'needs an LLM endpoint' -- "$VIGIL" kb mine "$tmp/ticket.txt" --miner llm

echo "kb_cli_test: $passed passed, $fail failed"
[ "$fail" = 0 ]
