#!/usr/bin/env bash
# Measures stdout throughput of a WASI program under wasmc against `cat`
# moving the same data through a pipe (docs/WASI.md has the figures):
#   A: wasmc run write_stdout.wasm | cat > /dev/null    (1 GiB in 64 KiB fd_write calls)
#   B: cat FILE_1GiB | cat > /dev/null                  (the same bytes, cat to cat)
#   C: write_stdout-native | cat > /dev/null            (the same program, native)
# Usage: throughput.sh WASMC [RUNS]   (default 5 runs; prints each and the medians)
set -euo pipefail
WASMC=${1:?usage: throughput.sh WASMC [RUNS]}
RUNS=${2:-5}
HERE=$(cd "$(dirname "$0")" && pwd)
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

clang-19 --target=wasm32-wasi --sysroot=/usr -O2 "$HERE/write_stdout.c" -o "$TMP/write_stdout.wasm"
clang-19 -O2 "$HERE/write_stdout.c" -o "$TMP/write_stdout"
"$TMP/write_stdout" > "$TMP/big.bin"     # 1 GiB of input for cat

seconds() { # runs "$@" in bash, prints wall seconds
  local start end
  start=$(date +%s.%N)
  bash -c "$1"
  end=$(date +%s.%N)
  echo "$end - $start" | bc -l
}
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

declare -a A B C
for ((i = 0; i < RUNS; i++)); do
  A+=("$(seconds "'$WASMC' run '$TMP/write_stdout.wasm' | cat > /dev/null")")
  B+=("$(seconds "cat '$TMP/big.bin' | cat > /dev/null")")
  C+=("$(seconds "'$TMP/write_stdout' | cat > /dev/null")")
  printf 'run %d: wasmc %.3f s   cat|cat %.3f s   native %.3f s\n' "$((i + 1))" "${A[i]}" "${B[i]}" "${C[i]}"
done
ma=$(printf '%s\n' "${A[@]}" | median)
mb=$(printf '%s\n' "${B[@]}" | median)
mc=$(printf '%s\n' "${C[@]}" | median)
printf 'median: wasmc %.3f s (%.0f MiB/s)   cat|cat %.3f s (%.0f MiB/s)   native %.3f s   ratio wasmc/cat %.2f\n' \
  "$ma" "$(echo "1024 / $ma" | bc -l)" "$mb" "$(echo "1024 / $mb" | bc -l)" "$mc" "$(echo "$ma / $mb" | bc -l)"
