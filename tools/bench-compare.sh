#!/usr/bin/env bash
# Two wasmc builds on the same programs, side by side, to measure what a
# code-generation change costs:
#
#   tools/bench-compare.sh [--instructions] OLD_WASMC NEW_WASMC [WASM...]
#
# Default: wall time. Each module is compiled by both (`wasmc compile`,
# native CPU) and run RUNS times (default 5) alternating old and new, so a
# machine that slows down slows both alike; medians per module.
#
# --instructions: instructions executed, counted by valgrind (callgrind),
# one run each. Unlike wall time this does not move with the machine's load
# (this machine has no hardware counters, and its timing noise is larger
# than the few per cent a change is allowed). Modules are compiled with
# --target-cpu=$TARGET_CPU (default haswell: valgrind 3.19 does not run
# AVX-512); the whole process is counted, start-up included (well under
# 0.1% for these programs).
#
# Outputs of old and new must agree. Prints one line per module and the
# geometric mean of new/old. Default modules: the tuned benchmark suite of
# build/.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
mode=time
if [ "${1:-}" = "--instructions" ]; then
  mode=instructions
  shift
fi
if [ $# -lt 2 ]; then
  echo "usage: $0 [--instructions] OLD_WASMC NEW_WASMC [WASM...]" >&2
  exit 2
fi
old=$1 new=$2
shift 2
modules=("$@")
[ ${#modules[@]} -gt 0 ] || modules=("$here"/build/bench/tuned/*.wasm)
runs=${RUNS:-5}
compile_flags=()
if [ $mode = instructions ]; then
  command -v valgrind >/dev/null || { echo "$0: valgrind not found (apt-get install valgrind)" >&2; exit 2; }
  compile_flags=(--target-cpu="${TARGET_CPU:-haswell}")
  runs=1
fi

work=$(mktemp -d /tmp/wasmc-compare.XXXXXX)
trap 'rm -rf "$work"' EXIT

# One run of ARTIFACT by WASMC, its stdout in OUT: seconds, or instructions.
measure() {
  local wasmc=$1 artifact=$2 out=$3
  if [ $mode = instructions ]; then
    valgrind --tool=callgrind --callgrind-out-file=/dev/null "$wasmc" run "$artifact" >"$out" 2>"$out.err" ||
      { echo "$0: $wasmc run $artifact failed:" >&2; tail -5 "$out.err" >&2; exit 1; }
    awk '/Collected :/ {print $NF}' "$out.err"
    return
  fi
  local start end
  start=$(date +%s.%N)
  "$wasmc" run "$artifact" >"$out" 2>/dev/null || { echo "$0: $wasmc run $artifact failed" >&2; exit 1; }
  end=$(date +%s.%N)
  awk -v a="$start" -v b="$end" 'BEGIN {printf "%.4f", b - a}'
}

median() { printf "%s\n" "$@" | sort -g | awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }

printf "%-16s %16s %16s %8s\n" module "old ($mode)" "new ($mode)" new/old
log_sum=0
n=0
for wasm in "${modules[@]}"; do
  name=$(basename "$wasm" .wasm)
  "$old" compile "${compile_flags[@]}" "$wasm" -o "$work/$name-old.cwasm"
  "$new" compile "${compile_flags[@]}" "$wasm" -o "$work/$name-new.cwasm"
  old_values=() new_values=()
  for ((run = 0; run < runs; ++run)); do
    old_values+=("$(measure "$old" "$work/$name-old.cwasm" "$work/old.out")")
    new_values+=("$(measure "$new" "$work/$name-new.cwasm" "$work/new.out")")
    cmp -s "$work/old.out" "$work/new.out" || { echo "$0: $name prints something else with the new wasmc" >&2; exit 1; }
  done
  old_median=$(median "${old_values[@]}")
  new_median=$(median "${new_values[@]}")
  ratio=$(awk -v a="$old_median" -v b="$new_median" 'BEGIN {printf "%.4f", b / a}')
  printf "%-16s %16s %16s %8s\n" "$name" "$old_median" "$new_median" "$ratio"
  log_sum=$(awk -v s="$log_sum" -v r="$ratio" 'BEGIN {printf "%.10f", s + log(r)}')
  n=$((n + 1))
done
awk -v s="$log_sum" -v n="$n" -v runs="$runs" -v mode="$mode" \
  'BEGIN {printf "geomean new/old (%s) over %d modules, %d run(s) each, medians: %.4f\n", mode, n, runs, exp(s / n)}'
