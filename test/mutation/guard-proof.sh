#!/usr/bin/env bash
# Mutation check of the proofs in compiler/codegen/WidenLoopAddresses.cpp
# (docs/SECURITY.md): removes one check or premise at a time, rebuilds the
# codegen tests and runs the ones about wrapping loop addresses. Every
# mutant must be killed (some test fails); a survivor means a premise no
# test exercises. Restores the source file when done.
#   test/mutation/guard-proof.sh [BUILD_DIR]      (default: build)
set -uo pipefail
cd "$(dirname "$0")/../.."
BUILD_DIR=${1:-build}
SOURCE=compiler/codegen/WidenLoopAddresses.cpp
BACKUP=$(mktemp)
cp "$SOURCE" "$BACKUP"
trap 'cp "$BACKUP" "$SOURCE"; rm -f "$BACKUP"' EXIT
export CCACHE_BASEDIR=$PWD
FILTER='*GuardProof*:*Guarded*:*LoopAddresses*'

# name | sed expression applied to the source (each must change it)
MUTANTS=(
  "start check dropped (guard proof)|s/Value\* wraps = builder.CreateOr(tooLarge, startWraps, \"wasmc.wraps\");/Value* wraps = tooLarge; (void)startWraps;/"
  "size check dropped (guard proof)|s/builder.CreateOr(tooLarge, startWraps,/builder.CreateOr(builder.getFalse(), startWraps,/"
  "access on every iteration not required|s/if (!dominators.dominates(block, latch))/if (false)/"
  "loops that call (memory.grow) accepted|s/if (!callsNothingThatReturns(loop))/if (false)/"
  "downward steps accepted by the guard proof|s/widening.step > 0 \&\& widening.step <= kMaxGuardStep/widening.step <= kMaxGuardStep/"
  "negative access offsets accepted|s/constant->getAPInt().isNonNegative() \&\& constant->getAPInt().ult/constant->getAPInt().ult/"
  "trip-count proof: low corner unchecked|s/for (const SCEV\* corner : {low, high})/for (const SCEV* corner : {high})/"
  "trip-count proof: high corner unchecked|s/for (const SCEV\* corner : {low, high})/for (const SCEV* corner : {low})/"
  "trip-count proof: 64-bit count not bounded|s/wraps = builder.CreateICmpUGT(count,/wraps = builder.getFalse(); (void)builder.CreateICmpUGT(count,/"
)

killed=0 survived=0
for mutant in "${MUTANTS[@]}"; do
  name=${mutant%%|*}
  expr=${mutant#*|}
  cp "$BACKUP" "$SOURCE"
  sed -i "$expr" "$SOURCE"
  if cmp -s "$BACKUP" "$SOURCE"; then
    echo "ERROR: mutant '$name' did not apply"; survived=$((survived + 1)); continue
  fi
  if ! cmake --build "$BUILD_DIR" --target jit_unit_tests >/dev/null 2>&1; then
    echo "ERROR: mutant '$name' does not compile"; survived=$((survived + 1)); continue
  fi
  # A crash (a fault the trap handler reports and aborts on) also kills it.
  log=$(mktemp)
  "$BUILD_DIR/test/unit/codegen/jit_unit_tests" --gtest_filter="$FILTER" >"$log" 2>&1
  status=$?
  failures=$(grep -c '^\[  FAILED  \].*(' "$log")
  crash=$(grep -m1 -o 'internal error: unexpected signal [0-9]*' "$log")
  rm -f "$log"
  if [ "$status" != 0 ]; then
    echo "killed:   $name (exit $status, $failures failing tests${crash:+, $crash})"; killed=$((killed + 1))
  else
    echo "SURVIVED: $name"; survived=$((survived + 1))
  fi
done
cp "$BACKUP" "$SOURCE"
cmake --build "$BUILD_DIR" --target jit_unit_tests >/dev/null 2>&1
echo "$killed killed, $survived survived"
[ "$survived" -eq 0 ]
