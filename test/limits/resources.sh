#!/usr/bin/env bash
# -W resource limits on the command line (JIT, baseline, .cwasm and a
# standalone executable): grows refused (-1) or trapping, instantiation
# refused, counts, the default bound on all tables, max-wasm-stack, bad
# values. (Through the API: test/embed/limits.c.)
#   resources.sh WASMC LIMITS_WASM WORK
set -euo pipefail
wasmc=$1 limits=$2 work=$3
rm -rf "$work" && mkdir -p "$work"
failures=0

# expect NAME STATUS PATTERN COMMAND...: exits with STATUS and PATTERN
# (a fixed string; "=TEXT": a whole line) is in its stdout or stderr.
expect() {
  local name=$1 want=$2 pattern=$3
  shift 3
  local status=0
  "$@" > "$work/$name.out" 2>&1 || status=$?
  local match=(grep -qF -- "$pattern")
  [[ $pattern == =* ]] && match=(grep -qxF -- "${pattern#=}")
  if [ "$status" -eq "$want" ] && "${match[@]}" "$work/$name.out"; then
    echo "ok   $name: $(tail -1 "$work/$name.out")"
  else
    echo "FAIL $name: exit $status (want $want and '$pattern')"; sed 's/^/     /' "$work/$name.out" | head -5
    failures=$((failures + 1))
  fi
}

"$wasmc" compile "$limits" -o "$work/limits.cwasm"
"$wasmc" compile --exe "$limits" -o "$work/limits-exe"
for form in jit baseline cwasm exe; do
  case $form in
    jit) run=("$wasmc" run --no-cache); file=("$limits") ;;
    baseline) run=("$wasmc" run --no-cache --tier baseline); file=("$limits") ;;
    cwasm) run=("$wasmc" run); file=("$work/limits.cwasm") ;;
    exe) run=("$work/limits-exe"); file=() ;;
  esac
  expect "$form-grow-ok" 0 "=1" "${run[@]}" -W max-memory-size=192K --invoke grow "${file[@]}" 2
  expect "$form-grow-refused" 0 "=-1" "${run[@]}" -W max-memory-size=192K --invoke grow "${file[@]}" 3
  expect "$form-grow-trap" 1 "memory or table grow failed" \
    "${run[@]}" -W max-memory-size=192K -W trap-on-grow-failure --invoke grow "${file[@]}" 3
  expect "$form-table-grow-refused" 0 "=-1" "${run[@]}" -W max-table-elements=10 --invoke table_grow "${file[@]}" 10
  expect "$form-table-grow-trap" 1 "memory or table grow failed" \
    "${run[@]}" -W max-table-elements=10 -W trap-on-grow-failure --invoke table_grow "${file[@]}" 10
  expect "$form-memory-refused" 1 "exceeds the memory limit of 32768 bytes" \
    "${run[@]}" -W max-memory-size=32K --invoke grow "${file[@]}" 0
  expect "$form-table-refused" 1 "limit of 0 elements per table" \
    "${run[@]}" -W max-table-elements=0 --invoke grow "${file[@]}" 0
  expect "$form-instances" 1 "limit of 0 instances" "${run[@]}" -W max-instances=0 --invoke grow "${file[@]}" 0
  expect "$form-tables" 1 "limit of 0 tables" "${run[@]}" -W max-tables=0 --invoke grow "${file[@]}" 0
  expect "$form-memories" 1 "limit of 0 memories" "${run[@]}" -W max-memories=0 --invoke grow "${file[@]}" 0
  expect "$form-stack-fits" 0 "=500" "${run[@]}" -W max-wasm-stack=256K --invoke recurse "${file[@]}" 500
  expect "$form-stack-exhausted" 1 "call stack exhausted" \
    "${run[@]}" -W max-wasm-stack=256K --invoke recurse "${file[@]}" 20000
  expect "$form-stack-default" 0 "=20000" "${run[@]}" --invoke recurse "${file[@]}" 20000
done

# 8 tables of 10,000,000 elements from 59 bytes: refused by the default
# bound on all tables of a store.
printf '\0asm\1\0\0\0\4\61\10' > "$work/tables8.wasm"
for i in 1 2 3 4 5 6 7 8; do printf '\160\0\200\255\342\4' >> "$work/tables8.wasm"; done
[ "$(stat -c %s "$work/tables8.wasm")" -eq 59 ] || { echo "FAIL tables8.wasm is not 59 bytes"; exit 1; }
expect tables8-default 1 "table elements" "$wasmc" run --no-cache "$work/tables8.wasm"

expect bad-size 2 "not a size" "$wasmc" run -W max-memory-size=12Q "$limits"
expect bad-count 2 "takes a whole number" "$wasmc" run -W max-instances=-1 "$limits"
expect compile-only 2 "unknown -W option" "$wasmc" compile -W max-instances=1 "$limits" -o "$work/x.cwasm"

echo "$failures failed"
[ "$failures" -eq 0 ]
