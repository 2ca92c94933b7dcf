#!/usr/bin/env bash
# Re-runs every core spec script and rewrites the counts in
# expected-failures.txt (with --3.0: every script under testsuite-3.0/core,
# named by its path below core/, and expected-failures-3.0.txt). A script
# that now passes is dropped from the list; a listed script keeps its reason
# with the new count; a script that fails but was not listed is printed and
# NOT added: explain it (or fix it) by hand.
#
# usage: test/spec/update-expected-failures.sh [--3.0] [path/to/wasmc]
#        (WASMC_SPEC_TESTSUITE_DIR or WASMC_SPEC_TESTSUITE_3_DIR selects the
#        suite, as in CMake)
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
features=()
if [[ ${1:-} == --3.0 ]]; then
  shift
  suite=${WASMC_SPEC_TESTSUITE_3_DIR:-$root/../shared/testsuite-3.0}/core
  list=$root/test/spec/expected-failures-3.0.txt
  scripts=$(cd "$suite" && find . -name '*.wast' | sed 's|^\./||' | LC_ALL=C sort)
else
  suite=${WASMC_SPEC_TESTSUITE_DIR:-$root/../shared/testsuite}/core
  list=$root/test/spec/expected-failures.txt
  scripts=$(cd "$suite" && ls -- *.wast | LC_ALL=C sort)
  features=(--wasm extended-const=n,gc=n,relaxed-simd=n,tail-call=n) # as test/spec/CMakeLists.txt runs 2.0
fi
wasmc=${1:-$root/build/tools/wasmc/wasmc}

[[ -x $wasmc ]] || { echo "no wasmc binary at $wasmc (build first, or pass its path)" >&2; exit 1; }
[[ -d $suite ]] || { echo "no spec scripts at $suite (set WASMC_SPEC_TESTSUITE_DIR)" >&2; exit 1; }

declare -A reasons
while read -r name _count reason; do
  [[ -z $name || $name == \#* ]] && continue
  reasons[$name]=$reason
done < "$list"

new=$(mktemp)
trap 'rm -f "$new"' EXIT
sed -n '/^#/!q;p' "$list" > "$new"
unexplained=0
for name in $scripts; do
  summary=$("$wasmc" wast "${features[@]}" "$suite/$name" 2>/dev/null | tail -n 1 || true)
  failed=$(sed -n 's/^[0-9]* passed, \([0-9]*\) failed.*/\1/p' <<<"$summary")
  [[ -n $failed ]] || { echo "$name: no summary line (crash?)" >&2; unexplained=1; continue; }
  [[ $failed == 0 ]] && continue
  if [[ -n ${reasons[$name]:-} ]]; then
    echo "$name $failed ${reasons[$name]}" >> "$new"
  else
    echo "$name: $failed failures and no entry: fix them or add a line with a reason" >&2
    unexplained=1
  fi
done
cp "$new" "$list"
exit $unexplained
