#!/usr/bin/env bash
# -W timeout on the command line: the run ends with "interrupt" and exit
# status 1 within the timeout plus a margin, whatever the guest does.
#   timeout.sh WASMC BLOCKING_WASM SPIN_WAT2WASM_OUTPUT WORK
set -euo pipefail
wasmc=$1 blocking=$2 spin=$3 work=$4
rm -rf "$work" && mkdir -p "$work"
failures=0

# expect_interrupt NAME MAX_MS COMMAND...: exit 1, "interrupt" on stderr,
# done within MAX_MS of wall time (the timeout plus compile and start-up).
expect_interrupt() {
  local name=$1 max=$2
  shift 2
  local start end status=0
  start=$(date +%s%N)
  "$@" > "$work/$name.out" 2> "$work/$name.err" || status=$?
  end=$(date +%s%N)
  local ms=$(( (end - start) / 1000000 ))
  if [ "$status" -eq 1 ] && grep -q "interrupt" "$work/$name.err" && [ "$ms" -le "$max" ]; then
    echo "ok   $name: exit 1, interrupt, ${ms} ms"
  else
    echo "FAIL $name: exit $status after ${ms} ms (limit $max)"; sed 's/^/     /' "$work/$name.err" | head -5
    failures=$((failures + 1))
  fi
}

expect_interrupt loop-tiered 3000 "$wasmc" run --no-cache -W timeout=10ms "$spin"
expect_interrupt loop-llvm 3000 "$wasmc" run --no-cache --tier llvm -W timeout=10ms "$spin"
expect_interrupt loop-baseline 3000 "$wasmc" run --no-cache --tier baseline -W timeout=10ms "$spin"
expect_interrupt c-loop 5000 "$wasmc" run --no-cache -W timeout=50ms "$blocking" spin
expect_interrupt wasi-sleep 5000 "$wasmc" run --no-cache -W timeout=100ms "$blocking" sleep
# A pipe that stays open and empty: its read end is held open by fd 3.
mkfifo "$work/fifo"
exec 3<> "$work/fifo"
expect_interrupt wasi-read-pipe 5000 "$wasmc" run --no-cache -W timeout=100ms "$blocking" read < "$work/fifo"
exec 3>&-

# Ahead of time: a .cwasm and an executable compiled interruptible stop;
# one compiled without it is refused with -W timeout (its loops never look).
"$wasmc" compile -W interruptible "$spin" -o "$work/spin.cwasm"
expect_interrupt cwasm 3000 "$wasmc" run -W timeout=10ms "$work/spin.cwasm"
"$wasmc" compile --exe -W interruptible "$spin" -o "$work/spin-exe"
expect_interrupt exe 3000 "$work/spin-exe" -W timeout=10ms
"$wasmc" compile "$spin" -o "$work/plain.cwasm"
if "$wasmc" run -W timeout=10ms "$work/plain.cwasm" 2> "$work/plain.err"; then
  echo "FAIL plain .cwasm ran under -W timeout"; failures=$((failures + 1))
elif grep -q "compiled without -W interruptible" "$work/plain.err"; then
  echo "ok   plain .cwasm refused under -W timeout"
else
  echo "FAIL plain .cwasm: unexpected error"; cat "$work/plain.err"; failures=$((failures + 1))
fi
if "$wasmc" run -W bogus=1 "$spin" 2> "$work/bogus.err"; then
  echo "FAIL -W bogus accepted"; failures=$((failures + 1))
elif grep -q "unknown -W option" "$work/bogus.err"; then
  echo "ok   -W bogus refused"
fi

echo "$failures failed"
[ "$failures" -eq 0 ]
