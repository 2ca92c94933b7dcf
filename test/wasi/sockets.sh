#!/usr/bin/env bash
# wasi/sockets: runs sockets.wasm with a listening socket preopened by
# `wasmc run --tcplisten`, connects with bash's /dev/tcp, exchanges a line
# and checks what the guest reports.   sockets.sh WASMC SOCKETS_WASM
set -u
WASMC=$1
WASM=$2
OUT=$(mktemp)
trap 'rm -f "$OUT"' EXIT
for attempt in 1 2 3 4 5; do
  PORT=$((20000 + (RANDOM % 20000)))
  "$WASMC" run -O0 --tcplisten "127.0.0.1:$PORT" "$WASM" > "$OUT" 2>&1 &
  PID=$!
  for _ in $(seq 50); do
    if exec 3<>"/dev/tcp/127.0.0.1/$PORT" 2>/dev/null; then
      echo ping >&3
      REPLY=$(head -n1 <&3)
      exec 3<&-
      wait "$PID"
      STATUS=$?
      cat "$OUT"
      [ "$STATUS" = 0 ] || { echo "guest exited with $STATUS"; exit 1; }
      [ "$REPLY" = pong ] || { echo "reply was '$REPLY'"; exit 1; }
      grep -q "^recv errno 0: ping$" "$OUT" &&
        grep -q "^send errno 0 sent 5$" "$OUT" &&
        grep -q "^shutdown wr 0$" "$OUT" &&
        grep -q "^shutdown how=0 28 " "$OUT" &&
        grep -q "^shutdown stdout 57 " "$OUT" &&
        grep -q "^accept on stdout 57$" "$OUT" &&
        grep -q "^accept on a closed fd 8 " "$OUT" || { echo "unexpected guest output"; exit 1; }
      exit 0
    fi
    if ! kill -0 "$PID" 2>/dev/null; then
      break # the port was taken: try another
    fi
    sleep 0.1
  done
  kill "$PID" 2>/dev/null
  wait "$PID" 2>/dev/null
done
echo "could not connect to the guest"
cat "$OUT"
exit 1
