#!/usr/bin/env bash
# The ASan + UBSan build (docs/SECURITY.md): configures build-asan/ with
# -fsanitize=address,undefined and the libFuzzer targets, builds, runs the
# unit and spec tests under the sanitizers, then each libFuzzer target for
# FUZZ_SECONDS (default 60; 0 skips them). Install first with ./build.sh build.
#   tools/sanitize.sh                 build, unit + spec tests, 60 s per target
#   FUZZ_SECONDS=3600 tools/sanitize.sh
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${BUILD_DIR:-build-asan}
JOBS=${JOBS:-$(nproc)}
FUZZ_SECONDS=${FUZZ_SECONDS:-60}
export CCACHE_BASEDIR="$PWD"
cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_C_COMPILER=clang-19 -DCMAKE_CXX_COMPILER=clang++-19 \
  -DWASMC_SANITIZE=address,undefined -DWASMC_LIBFUZZER=ON -DWASMC_BUILD_BENCH=OFF
cmake --build "$BUILD_DIR" -j "$JOBS"
# The trap handler chains to ASan's. Locals stay on the real stack (the
# stack-limit tests compare their addresses with the limit).
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:allow_user_segv_handler=1:use_sigaltstack=0:detect_stack_use_after_return=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
(cd "$BUILD_DIR" && ctest -j "$JOBS" -L 'unit|spec' --output-on-failure)
[ "$FUZZ_SECONDS" -gt 0 ] || exit 0
# Valid modules to start from (spec tests, both differential generators):
# without them mutated bytes rarely stay a module past the decoder.
seeds="$BUILD_DIR/fuzz-seeds"
[ -d "$seeds/text" ] || test/libfuzzer/make-seeds.sh "$seeds" "${WASMC_SPEC_DIR:-../shared/testsuite/core}" 100
for target in decode compile run text; do
  corpus="$BUILD_DIR/fuzz-corpus/$target"
  mkdir -p "$corpus"
  maxLen=16384
  [ "$target" = text ] && maxLen=262144 # whole spec scripts
  echo "== wasmc-fuzz-$target for $FUZZ_SECONDS s"
  "$BUILD_DIR/test/libfuzzer/wasmc-fuzz-$target" -max_total_time="$FUZZ_SECONDS" -timeout=120 \
    -rss_limit_mb=4096 -max_len=$maxLen "$corpus" "$seeds/$target" 2>&1 | tail -5
done
