#!/usr/bin/env bash
# `vigil serve` with its --listen address taken (RV-OPS, 2026-12-03): it checks the address before
# it makes the data dir and imports the knowledge pack, so a wrong port fails at once (exit 1,
# `cannot listen on HOST:PORT: Address already in use ...`) and a new data dir is not made or
# filled. Before, the 145-entry pack went into the new data dir first, then the error came.
# Usage: bash tests/serve_port_in_use_test.sh <build-dir>   (from the repo root)
source "$(dirname "$0")/lib/e2e.sh" "$@"
PY=/usr/bin/python3
# A listener of our own on a free port (the kernel picks it), held while vigil tries it.
"$PY" -c '
import socket, sys, time
s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(1)
print(s.getsockname()[1], flush=True); sys.stdout.close(); time.sleep(120)' >"$TMP/port" &
HOLDER=$!
trap 'kill $HOLDER 2>/dev/null; rm -rf "$TMP"' EXIT
for _ in $(seq 300); do [ -s "$TMP/port" ] && break; sleep 0.1; done  # up to 30 s (FLK1: was 5 s)
PORT=$(cat "$TMP/port")
[ -n "$PORT" ] || { echo "FAIL: no port from the holder"; exit 1; }

check "serve on a port in use: exit 1 naming the address" 1 \
  "cannot listen on 127\.0\.0\.1:$PORT: Address already in use \(another process listens there: pick another with --listen\)" \
  -- "$VIGIL" --data-dir "$TMP/new-var" --listen "127.0.0.1:$PORT" serve --no-probes
if [ -e "$TMP/new-var" ]; then
  bad "the data dir was made before the address was checked: $(find "$TMP/new-var" | head -5 | tr '\n' ' ')"
else
  passed=$((passed + 1))
fi
# An existing data dir is left as it was (no knowledge base written into it).
mkdir -p "$TMP/old-var"
check "serve on a port in use with an existing data dir: exit 1" 1 "Address already in use" \
  -- "$VIGIL" --data-dir "$TMP/old-var" --listen "127.0.0.1:$PORT" serve --no-probes
[ -z "$(ls -A "$TMP/old-var")" ] && passed=$((passed + 1)) || bad "files written into the data dir: $(ls -A "$TMP/old-var")"

echo "serve_port_in_use_test: $passed passed, $fail failed"
[ "$fail" = 0 ]
