#!/bin/bash
# bench/storm_serve_check.sh BIN PORT [ALERTS] (from anywhere; vigil serve runs from the repo root, its data in a temp dir): a storm webhook of ALERTS alerts (default 900), then one other webhook; time until the other is diagnosed, and what the storm became (incidents, storm incidents, the storm incident's state and summary when diagnosed).
[ $# -eq 2 ] || [ $# -eq 3 ] || { echo "usage: $0 VIGIL_BIN PORT [ALERTS]" >&2; exit 2; }
N=${3:-900}
[[ "$N" =~ ^[0-9]+$ ]] && [ "$N" -ge 1 ] && [ "$N" -le 10000 ] || { echo "$0: ALERTS must be 1-10000, got: $N" >&2; exit 2; }
[ -x "$1" ] && [ -f "$1" ] || { echo "$0: not an executable: $1" >&2; exit 2; }
[[ "$2" =~ ^[0-9]+$ ]] && [ "$2" -ge 1 ] && [ "$2" -le 65535 ] || { echo "$0: PORT must be 1-65535, got: $2" >&2; exit 2; }
BIN=$(realpath "$1")
PORT=$2; D=$(mktemp -d); SP=
trap '[ -n "$SP" ] && kill $SP 2>/dev/null; rm -rf "$D"' EXIT
cd "$(dirname "$0")/.."
python3 -c "
import json,subprocess,sys
d=json.loads(subprocess.run([sys.executable,'bench/storm_webhook.py','--alerts','$N'],capture_output=True,text=True).stdout)
open('$D/storm.json','w').write(json.dumps(d,separators=(',',':')))
o=json.loads(subprocess.run([sys.executable,'bench/storm_webhook.py','--nodes','1','--names','NodeDown','--start','2026-11-28T05:00'],capture_output=True,text=True).stdout)
o['alerts'][0]['labels']['Hostname']='other-node-1'; o['alerts'][0]['fingerprint']='00000000000000aa'
open('$D/other.json','w').write(json.dumps(o))
"
ls -la $D/storm.json
$BIN serve --listen 127.0.0.1:$PORT --no-probes --data-dir $D/var > $D/serve.log 2>&1 &
SP=$!
UP=
for i in $(seq 1 100); do
  kill -0 $SP 2>/dev/null || break
  curl -sf -o /dev/null http://127.0.0.1:$PORT/healthz && { UP=1; break; }; sleep 0.3; done
[ -n "$UP" ] || { echo "$0: vigil serve did not come up on port $PORT; its log:" >&2; tail -n 20 $D/serve.log >&2; exit 1; }
T0=$(date +%s.%N)
curl -s -o $D/r1 -w "storm: %{http_code} %{time_total}s\n" -H 'Content-Type: application/json' --data-binary @$D/storm.json http://127.0.0.1:$PORT/api/v1/alerts
curl -s -o $D/r2 -w "other: %{http_code} %{time_total}s\n" -H 'Content-Type: application/json' --data-binary @$D/other.json http://127.0.0.1:$PORT/api/v1/alerts
python3 -c "
import json
try:
    r=json.load(open('$D/r1'))
except Exception:
    print('storm: not taken: '+open('$D/r1').read()[:300]); raise SystemExit
if 'error' in r:
    print('storm: refused: ' + str(r['error'])[:300]); raise SystemExit
print('storm: %d incident(s) created, %d storm incident(s)%s' % (len(r.get('created',[])), len(r.get('storms',[])),
      ''.join(' #%d (%s, %d alerts)' % (s['incident'], s['group'], s['new_alerts']) for s in r.get('storms',[]))))
" 2>/dev/null || echo "storm: answer not JSON: $(head -c 300 $D/r1)"
ID=$(python3 -c "import json;print(json.load(open('$D/r2'))['created'][0])") || { echo "$0: the other webhook created no incident: $(head -c 500 $D/r2)" >&2; exit 1; }
curl -s -o /dev/null -w "GET /api/v1/incidents while busy: %{http_code} %{time_total}s\n" http://127.0.0.1:$PORT/api/v1/incidents
for i in $(seq 1 1200); do
  S=$(curl -s http://127.0.0.1:$PORT/api/v1/incidents/$ID | python3 -c "import json,sys;print(json.load(sys.stdin).get('state'))")
  [ "$S" = diagnosed ] || [ "$S" = failed ] && break; sleep 0.5; done
T1=$(date +%s.%N)
OT=$(curl -s http://127.0.0.1:$PORT/api/v1/incidents/$ID | python3 -c "import json,sys;print(round(json.load(sys.stdin).get('triage_seconds',0),1))")
echo "other incident $ID: $S after $(python3 -c "print(round($T1-$T0,1))") s (its own triage $OT s)"
SID=$(python3 -c "import json;s=json.load(open('$D/r1')).get('storms',[]);print(s[0]['incident'] if s else '')" 2>/dev/null)
if [ -n "$SID" ]; then
  for i in $(seq 1 600); do
    S2=$(curl -s http://127.0.0.1:$PORT/api/v1/incidents/$SID | python3 -c "import json,sys;print(json.load(sys.stdin).get('state'))")
    [ "$S2" = diagnosed ] || [ "$S2" = failed ] && break; sleep 0.5; done
  T2=$(date +%s.%N)
  curl -s http://127.0.0.1:$PORT/api/v1/incidents/$SID | python3 -c "
import json,sys
j=json.load(sys.stdin); d=j.get('diagnosis') or {}
print('storm incident %d: %s after %s s, triage %.1f s; %s / %s / %s' % (j['id'], j['state'], round($T2-$T0,1), j.get('triage_seconds',0), d.get('root_cause'), d.get('component'), d.get('confidence')))
print('  summary: ' + (d.get('summary') or j.get('error',''))[:400])"
fi
kill $SP; wait $SP 2>/dev/null; SP=
