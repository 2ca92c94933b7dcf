#!/usr/bin/env bash
# Long differential-fuzzing runs (and, with few seeds, the CTest smoke tests).
#
#   run-long.sh [-d WASMC_FUZZ_DIFF] [-o TRIAGE_DIR] [-t TIMEOUT] [-r RESULTS_DIR]
#               [-c CONFIGS] GENERATOR COUNT [START_SEED [JOBS]]
#
# GENERATOR: ttf (binaryen wasm-opt -ttf), loops (gen-loops.py) or all (both,
# COUNT each). Seeds START_SEED .. START_SEED+COUNT-1 (default 1), JOBS
# workers (default 1). Prints progress every 10 s, then counts per generator
# and configuration; every diverging module is copied into TRIAGE_DIR
# (default ./fuzz-triage) with the differ's report beside it.
# With -r, each module's "result" line is appended to RESULTS_DIR/GEN.results
# as soon as it is known, and kept: a campaign stopped early (or spread over
# several runs) still has its counts. -c passes a comma-separated subset of
# the differ's configurations (default: all of them). Exit status: 0 no divergence, 1
# divergences, 2 setup error.
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
diff_exe=""
triage=fuzz-triage
timeout=60
results_dir=""
configs=()
while getopts "d:o:t:r:c:" opt; do
  case $opt in
    d) diff_exe=$OPTARG ;;
    o) triage=$OPTARG ;;
    t) timeout=$OPTARG ;;
    r) results_dir=$OPTARG ;;
    c) configs=(--configs "$OPTARG") ;;
    *) exit 2 ;;
  esac
done
shift $((OPTIND - 1))
if [ $# -lt 2 ]; then
  echo "usage: $0 [-d WASMC_FUZZ_DIFF] [-o TRIAGE_DIR] [-t TIMEOUT] [-r RESULTS_DIR] [-c CONFIGS] ttf|loops|all COUNT [START_SEED [JOBS]]" >&2
  exit 2
fi
generator=$1 count=$2 start=${3:-1} jobs=${4:-1}
case $generator in
  ttf | loops) generators=($generator) ;;
  all) generators=(ttf loops) ;;
  *) echo "$0: unknown generator $generator (ttf, loops, all)" >&2; exit 2 ;;
esac
if [ -z "$diff_exe" ]; then
  for candidate in "$here/../../build/test/fuzz/wasmc-fuzz-diff" "$(command -v wasmc-fuzz-diff || true)"; do
    [ -x "$candidate" ] && diff_exe=$candidate && break
  done
fi
if [ ! -x "$diff_exe" ]; then
  echo "$0: wasmc-fuzz-diff not found; build it (cmake --build build --target wasmc-fuzz-diff) or pass -d" >&2
  exit 2
fi
missing=0
needed=(python3 wasm-interp wasm-validate wat2wasm)
[[ " ${generators[*]} " == *" ttf "* ]] && needed+=(wasm-opt wasm2wat)
for tool in "${needed[@]}"; do
  if ! command -v "$tool" >/dev/null; then
    echo "$0: $tool not found on PATH (Debian: apt-get install wabt binaryen python3)" >&2
    missing=1
  fi
done
[ $missing = 0 ] || exit 2

work=$(mktemp -d /tmp/wasmc-fuzz-run.XXXXXX)
trap 'kill $(jobs -p) 2>/dev/null; rm -rf "$work"' EXIT
mkdir -p "$triage"
results="$work"
if [ -n "$results_dir" ]; then
  mkdir -p "$results_dir"
  results=$(cd "$results_dir" && pwd)
fi
batch=10

# One worker: the batches of $batch consecutive seeds whose number is
# worker (mod jobs); appends the differ's "result" lines to the results and
# copies diverging modules. The generator runs once per batch (python's
# start-up was a tenth of the time per module), and seed by seed only when
# that fails, so that one bad seed does not lose the others.
worker() {
  local gen=$1 id=$2 dir="$work/$1-$2" seeds=() first
  mkdir -p "$dir"
  for ((first = start + id * batch; first < start + count; first += jobs * batch)); do
    local n=$((start + count - first < batch ? start + count - first : batch))
    seeds=()
    for ((s = first; s < first + n; ++s)); do seeds+=("$s"); done
    local files=()
    if python3 "$here/gen-$gen.py" "$dir" "$first" "$n" >/dev/null 2>"$dir/gen.err"; then
      for s in "${seeds[@]}"; do files+=("$dir/$gen-$s.wasm"); done
    else
      for s in "${seeds[@]}"; do
        if python3 "$here/gen-$gen.py" "$dir" "$s" >/dev/null 2>"$dir/gen.err"; then
          files+=("$dir/$gen-$s.wasm")
        else
          echo "result $dir/$gen-$s.wasm module=generator-failed" >>"$results/$gen.results"
          cp "$dir/gen.err" "$triage/$gen-$s.generator-error.txt"
        fi
      done
    fi
    if [ ${#files[@]} -gt 0 ]; then
      "$diff_exe" --timeout "$timeout" "${configs[@]}" "${files[@]}" >"$dir/out.txt" 2>&1
      local status=$?
      if [ $status -ge 2 ]; then
        echo "$0: wasmc-fuzz-diff failed (status $status):" >&2
        tail -5 "$dir/out.txt" >&2
      fi
      grep '^result ' "$dir/out.txt" >>"$results/$gen.results"
      for f in $(awk '/^result / && /module=diverged/ {print $2}' "$dir/out.txt"); do
        local name
        name=$(basename "$f" .wasm)
        cp "$f" "$triage/$name.wasm"
        [ -f "${f%.wasm}.wat" ] && cp "${f%.wasm}.wat" "$triage/$name.wat"
        awk -v f="$f" 'index($0, f ": ") == 1 {on = 1} on {print} index($0, "result " f " ") == 1 {on = 0}' \
          "$dir/out.txt" >"$triage/$name.txt"
      done
    fi
    rm -f "$dir"/*.wasm "$dir"/*.wat
  done
}

summary() {
  local gen=$1 file="$results/$1.results"
  [ -f "$file" ] || touch "$file"
  awk -v gen="$gen" '
    { for (i = 3; i <= NF; ++i) { split($i, kv, "="); if (kv[1] == "module") m[kv[2]]++; else { c[kv[1]] = 1; s[kv[1] "," kv[2]]++ } } n++ }
    END {
      printf "%s: %d modules: %d ok, %d partial (stack exhausted), %d skipped, %d diverged", gen, n, m["ok"], m["partial"], m["skipped"], m["diverged"]
      if (m["generator-failed"]) printf ", %d generator failures", m["generator-failed"]
      printf "\n"
      count = split("O0 O2 O3 lazy aot baseline tiered limits limits-tiered", order, " ")
      for (k = 1; k <= count; ++k) if (order[k] in c)
        printf "  %-5s ok %d, partial %d, diverged %d\n", order[k], s[order[k] ",ok"], s[order[k] ",partial"], s[order[k] ",diverged"]
    }' "$file"
}

began=$SECONDS
status=0
for gen in "${generators[@]}"; do
  echo "== $gen: seeds $start..$((start + count - 1)), $jobs jobs, triage in $triage"
  pids=()
  for ((id = 0; id < jobs; ++id)); do
    worker "$gen" "$id" &
    pids+=($!)
  done
  while kill -0 "${pids[@]}" 2>/dev/null; do
    sleep 2
    if [ $(((SECONDS - began) % 10)) -lt 2 ]; then
      done_count=$(cat "$results/$gen.results" 2>/dev/null | wc -l)
      diverged=$(grep -c 'module=diverged' "$results/$gen.results" 2>/dev/null)
      echo "  [$((SECONDS - began)) s] $gen: $done_count/$count modules, ${diverged:-0} diverged"
    fi
  done
  wait "${pids[@]}"
  summary "$gen"
  grep -q 'module=diverged' "$results/$gen.results" && status=1
done
elapsed=$((SECONDS - began))
echo "done in ${elapsed} s"
exit $status
