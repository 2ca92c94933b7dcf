#!/usr/bin/env bash
# Every function libwasmc.so exports from wasm.h is called by coverage.c:
# each name must appear as a call in its preprocessed source (the vector and
# reference families are spelled by macros there).
#   coverage-check.sh LIBWASMC COVERAGE_C INCLUDE_DIR CC
set -euo pipefail
lib=$1 source=$2 include=$3 cc=$4
exported=$(nm -D --defined-only "$lib" | awk '$2 == "T" && $3 ~ /^wasm_/ {print $3}' | sort -u)
count=$(echo "$exported" | wc -l)
called=$("$cc" -E -P -I"$include" "$source" | grep -o 'wasm_[a-z0-9_]*[[:space:]]*(' | tr -d ' (' | sort -u)
missing=$(comm -23 <(echo "$exported") <(echo "$called"))
if [ -n "$missing" ]; then
  echo "not called by $source:"; echo "$missing"; exit 1
fi
echo "$count wasm_* functions exported, all called by coverage.c"
[ "$count" -eq 280 ] || { echo "expected 280 exported wasm_* functions"; exit 1; }
