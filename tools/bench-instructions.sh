#!/usr/bin/env bash
# Instructions executed by two wasmc builds on the same programs, counted by
# valgrind (callgrind): a measure of what a code-generation change costs
# that, unlike wall time, does not move with the machine's load (this
# machine has no hardware counters, and its timing noise is larger than the
# few per cent a change is allowed).
#
#   tools/bench-instructions.sh OLD_WASMC NEW_WASMC [WASM...]
#
# Each module is compiled by each wasmc (`wasmc compile --target-cpu=CPU`,
# default haswell: valgrind 3.19 does not run AVX-512), run once under
# callgrind, and the outputs are compared (a difference is an error). The
# whole process is counted, start-up included (well under 0.1% here).
# Prints one line per module and the geometric mean of new/old. Default
# modules: the tuned benchmark suite of the build beside this script.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
if [ $# -lt 2 ]; then
  echo "usage: $0 OLD_WASMC NEW_WASMC [WASM...]" >&2
  exit 2
fi
old=$1 new=$2
shift 2
modules=("$@")
[ ${#modules[@]} -gt 0 ] || modules=("$here"/build/bench/tuned/*.wasm)
cpu=${TARGET_CPU:-haswell}
command -v valgrind >/dev/null || { echo "$0: valgrind not found (apt-get install valgrind)" >&2; exit 2; }

work=$(mktemp -d /tmp/wasmc-instructions.XXXXXX)
trap 'rm -rf "$work"' EXIT

# Instructions of one run of ARTIFACT by WASMC; its stdout goes to OUT.
count() {
  local wasmc=$1 artifact=$2 out=$3
  valgrind --tool=callgrind --callgrind-out-file=/dev/null "$wasmc" run "$artifact" >"$out" 2>"$out.err" ||
    { echo "$0: $wasmc run $artifact failed:" >&2; tail -5 "$out.err" >&2; exit 1; }
  awk '/Collected :/ {print $NF}' "$out.err"
}

printf "%-16s %16s %16s %8s\n" module old new new/old
log_sum=0
n=0
for wasm in "${modules[@]}"; do
  name=$(basename "$wasm" .wasm)
  "$old" compile --target-cpu="$cpu" "$wasm" -o "$work/$name-old.cwasm"
  "$new" compile --target-cpu="$cpu" "$wasm" -o "$work/$name-new.cwasm"
  old_count=$(count "$old" "$work/$name-old.cwasm" "$work/$name-old.out")
  new_count=$(count "$new" "$work/$name-new.cwasm" "$work/$name-new.out")
  if ! cmp -s "$work/$name-old.out" "$work/$name-new.out"; then
    echo "$0: $name prints something else with the new wasmc" >&2
    exit 1
  fi
  ratio=$(awk -v a="$old_count" -v b="$new_count" 'BEGIN {printf "%.4f", b / a}')
  printf "%-16s %16s %16s %8s\n" "$name" "$old_count" "$new_count" "$ratio"
  log_sum=$(awk -v s="$log_sum" -v r="$ratio" 'BEGIN {printf "%.10f", s + log(r)}')
  n=$((n + 1))
done
awk -v s="$log_sum" -v n="$n" 'BEGIN {printf "geomean new/old over %d modules: %.4f\n", n, exp(s / n)}'
