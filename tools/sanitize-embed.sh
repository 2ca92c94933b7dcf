#!/usr/bin/env bash
# The embedding API under the sanitizers (docs/EMBEDDING.md): builds
# libwasmc in build-asan/ (ASan + LSan + UBSan) and build-tsan/ (TSan), then
# runs the C API coverage test, the wasmc.h and wasmc.hh tests (limits,
# fuel and interruption included) and all 26
# wasm-c-api examples (C and C++) under ASan, and the threads examples and
# the interruption test (epoch thread, signal handler) under TSan. Any report fails the run. Install first with ./build.sh build.
#   tools/sanitize-embed.sh [EXAMPLES_DIR]   (default ../shared/embed/wasm-c-api)
set -euo pipefail
cd "$(dirname "$0")/.."
examples=${1:-../shared/embed/wasm-c-api}
export CCACHE_BASEDIR="$PWD"
configure() { # DIR SANITIZERS
  cmake -S . -B "$1" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_C_COMPILER=clang-19 \
    -DCMAKE_CXX_COMPILER=clang++-19 -DWASMC_SANITIZE="$2" -DWASMC_BUILD_BENCH=OFF > /dev/null
}
configure build-asan address,undefined
configure build-tsan thread
cmake --build build-asan --target libwasmc capi_coverage embed_wasi_host embed_cxx_api embed_coverage_wasm \
  embed_limits embed_fuel embed_interrupt
cmake --build build-tsan --target libwasmc embed_interrupt
export ASAN_OPTIONS=detect_leaks=1:allow_user_segv_handler=1:use_sigaltstack=0:detect_stack_use_after_return=0
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
export TSAN_OPTIONS=halt_on_error=1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
test_dir=build-asan/test/embed
"$test_dir/capi_coverage" "$test_dir/coverage.wasm"
# The wasm guests come from the regular build (the sanitizer builds do not make them).
"$test_dir/embed_wasi_host" build/test/embed/embed_wasi_guest.wasm "$work/wasi"
"$test_dir/embed_cxx_api" build/test/embed/cxx_api.wasm build/test/embed/embed_wasi_guest.wasm "$work/cxx"
"$test_dir/embed_limits" build/test/embed/limits.wasm
"$test_dir/embed_fuel" build/test/embed/fuel.wasm test/limits/fuel.wat
"$test_dir/embed_interrupt" build/test/embed/interrupt.wasm build/test/embed/interrupt_start.wasm
cp "$examples"/example/*.wasm "$work"/
include=third_party/wasm-c-api/include
failed=0
run_example() { # NAME SOURCE COMPILER FLAGS LIBDIR
  local name=$1 source=$2 compiler=$3 flags=$4 libdir=$5
  "$compiler" $flags -O1 -g -I"$include" "$source" -o "$work/$name" -L"$libdir" -lwasmc -Wl,-rpath,"$PWD/$libdir" -pthread
  if (cd "$work" && timeout 600 "./$name" > "$name.out" 2> "$name.err"); then
    echo "clean $name"
  else
    echo "FAIL $name"; head -30 "$work/$name.err"; failed=$((failed + 1))
  fi
}
for source in "$examples"/example/*.c; do
  run_example "$(basename "$source" .c)-c-asan" "$source" clang-19 "-std=gnu11 -fsanitize=address,undefined" build-asan/embed
done
for source in "$examples"/example/*.cc; do
  run_example "$(basename "$source" .cc)-cc-asan" "$source" clang++-19 "-std=c++17 -fsanitize=address,undefined" build-asan/embed
done
# Timeouts, interrupts from other threads, epochs ticked by a thread and by
# a signal handler, deadline callbacks on the engine's epoch thread.
if (TSAN_OPTIONS=halt_on_error=1 build-tsan/test/embed/embed_interrupt build/test/embed/interrupt.wasm \
    build/test/embed/interrupt_start.wasm > "$work/interrupt-tsan.out" 2>&1); then
  echo "clean interrupt-tsan"
else
  echo "FAIL interrupt-tsan"; head -40 "$work/interrupt-tsan.out"; failed=$((failed + 1))
fi
run_example threads-c-tsan "$examples/example/threads.c" clang-19 "-std=gnu11 -fsanitize=thread" build-tsan/embed
run_example threads-cc-tsan "$examples/example/threads.cc" clang++-19 "-std=c++17 -fsanitize=thread" build-tsan/embed
echo "$failed failed"
[ "$failed" -eq 0 ]
