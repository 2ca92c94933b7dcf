#!/usr/bin/env bash
# Mutation check of the "state at a trap" argument (docs/SECURITY.md): a
# fault ends a wasm function at any memory access, and the host then sees
# memory, globals and tables exactly as the instructions before the access
# left them. The code generator guarantees this by making every access that
# may fault, and every write to state that outlives a trap, volatile (LLVM
# keeps the number and order of volatile operations), and by keeping every
# load unconditional: no AVX-512 (a masked move skips a masked-off load)
# and no CMOV conversion (which turns a cmov from memory into a branch
# around the load), even after an in-process lld link has reset LLVM's
# options. This script removes
# one premise at a time, rebuilds, and replays the regression modules of
# test/regress against wasm-interp in every configuration (and runs
# DiscardedLoadTest, which loads the plugin just built). A survivor is a
# premise no regression module exercises (the script says which are known).
#   test/mutation/trap-state.sh [BUILD_DIR]      (default: build)
# MUTANTS_MATCHING=TEXT runs only the mutants whose name contains TEXT.
set -uo pipefail
cd "$(dirname "$0")/../.."
BUILD_DIR=${1:-build}
export CCACHE_BASEDIR=$PWD

# name | file | sed expression applied to the file (each must change it)
MUTANTS=(
  "global.set not volatile|compiler/codegen/LowerVariable.cpp|s|globalCell(fc, instr.index), /\*isVolatile=\*/true)|globalCell(fc, instr.index), false)|"
  "memory.fill not volatile|compiler/codegen/LowerMemory.cpp|s|^\\( *\\)/\\*isVolatile=\\*/true);$|\\1false);|"
  "memory.copy not volatile|compiler/codegen/LowerMemory.cpp|s|Align(1), count, /\*isVolatile=\*/true)|Align(1), count, false)|"
  "table.set not volatile|compiler/codegen/LowerTable.cpp|s|b.CreateStore(value, address, /\*isVolatile=\*/true);|b.CreateStore(value, address);|"
  "scalar loads not volatile|compiler/codegen/LowerMemory.cpp|s|Align(1), /\*isVolatile=\*/true);$|Align(1), false);|"
  "scalar stores not volatile|compiler/codegen/LowerMemory.cpp|s|CreateAlignedStore(value, address, Align(1), /\*isVolatile=\*/true)|CreateAlignedStore(value, address, Align(1), false)|"
  "AVX-512 allowed|compiler/codegen/Target.cpp|s|  if (name.starts_with(\"avx512\"))|  if (false)|"
  "CMOV conversion left on|compiler/codegen/Target.cpp|s|  forceLlvmOption(\"x86-cmov-converter\", \"false\");|  (void)\&forceLlvmOption;|"
  "LLVM options not set again after a link|compiler/codegen/Target.cpp|s|^  setWasmcLlvmOptions();$|  (void)0;|"
  "globals not a kind of linear memory (TBAA)|compiler/codegen/ModuleContext.cpp|s|tbaaGlobal = tag(\"global\", memoryType).first;|tbaaGlobal = tag(\"global\", root).first; (void)memoryType;|"
)
# Expected survivors, with the reason (SECURITY.md).
declare -A KNOWN=(
  ["table.set not volatile"]="its bounds check's trap path is a call that may read the table, which keeps the first table.set alive; volatile is defence in depth"
  ["globals not a kind of linear memory (TBAA)"]="redundant since global.set is volatile (L2's fix also covers L1)"
)

modules=(test/regress/*.wat test/regress/*.wasm)
killed=0 survived=0 unexpected=0
for mutant in "${MUTANTS[@]}"; do
  IFS='|' read -r name file expr <<<"$mutant"
  [[ "$name" == *"${MUTANTS_MATCHING:-}"* ]] || continue
  backup=$(mktemp)
  cp "$file" "$backup"
  sed -i "$expr" "$file"
  if cmp -s "$backup" "$file"; then
    echo "ERROR: mutant '$name' did not apply"; unexpected=$((unexpected + 1)); rm -f "$backup"; continue
  fi
  if ! cmake --build "$BUILD_DIR" --target wasmc-fuzz-diff wasmc_codegen_plugin >/dev/null 2>&1; then
    echo "ERROR: mutant '$name' does not compile"; unexpected=$((unexpected + 1))
    cp "$backup" "$file"; rm -f "$backup"; continue
  fi
  diverged=$("$BUILD_DIR/test/fuzz/wasmc-fuzz-diff" "${modules[@]}" 2>&1 | grep '^result ' | grep -v 'module=ok' |
    awk '{print $2}' | xargs -r -n1 basename | tr '\n' ' ')
  # The discarded-load shapes in every configuration, the AOT one (an
  # in-process lld link) before the baseline and tiered ones; the test
  # loads the plugin just built.
  if [ -x "$BUILD_DIR/test/unit/codegen/jit_unit_tests" ] &&
     ! "$BUILD_DIR/test/unit/codegen/jit_unit_tests" --gtest_filter='DiscardedLoad.*' >/dev/null 2>&1; then
    diverged+="DiscardedLoadTest "
  fi
  cp "$backup" "$file"
  rm -f "$backup"
  if [ -n "$diverged" ]; then
    echo "killed:   $name (by $diverged)"; killed=$((killed + 1))
  elif [ -n "${KNOWN[$name]:-}" ]; then
    echo "survived: $name (known: ${KNOWN[$name]})"; survived=$((survived + 1))
  else
    echo "SURVIVED: $name"; survived=$((survived + 1)); unexpected=$((unexpected + 1))
  fi
done
cmake --build "$BUILD_DIR" --target wasmc-fuzz-diff wasmc_codegen_plugin >/dev/null 2>&1
echo "$killed killed, $survived survived ($unexpected unexpected)"
[ "$unexpected" -eq 0 ]
