#!/usr/bin/env bash
# Tests of an installed wasmc, as an embedder uses it.
#   installed.sh install BUILD_DIR PREFIX        cmake --install into a fresh PREFIX
#   installed.sh examples PREFIX EXAMPLES_DIR    wasm-c-api's 13 C examples, through pkg-config
#   installed.sh cc-examples PREFIX EXAMPLES_DIR WORK  the 13 C++ (wasm.hh) examples: build, run, exit 0
#   installed.sh find-package PREFIX SOURCE WORK an out-of-tree CMake project (shared and static)
#   installed.sh pkg-config PREFIX SOURCE WORK   the same program built with pkg-config's flags
#   installed.sh relocated PREFIX WORK           the tree moved elsewhere: wasmc and the examples still work
set -euo pipefail
mode=$1
shift
cc=${CC:-clang-19}

case "$mode" in
install)
  rm -rf "$2"
  cmake --install "$1" --prefix "$2" > /dev/null
  ;;
examples)
  if [ ! -x "$2/run_examples.sh" ]; then
    echo "wasm-c-api examples not found: looked for $2/run_examples.sh. Set -DWASMC_EMBED_EXAMPLES_DIR=DIR" \
      "(or WASMC_SHARED_DIR to the folder holding embed/wasm-c-api)." >&2
    exit 1
  fi
  export PKG_CONFIG_PATH="$1/lib/pkgconfig"
  WASM_CFLAGS="$(pkg-config --cflags wasmc)" WASM_LDLIBS="$(pkg-config --libs wasmc)" CC="$cc" "$2/run_examples.sh"
  ;;
cc-examples)
  [ -d "$2/example" ] || { echo "wasm-c-api examples not found in $2" >&2; exit 1; }
  rm -rf "$3" && mkdir -p "$3" && cp "$2"/example/*.wasm "$3"/
  export PKG_CONFIG_PATH="$1/lib/pkgconfig"
  cxx=${CXX:-clang++-19}
  failed=0 passed=0
  for source in "$2"/example/*.cc; do
    name=$(basename "$source" .cc)
    # shellcheck disable=SC2046
    if ! "$cxx" -std=c++17 -O1 -o "$3/$name" "$source" $(pkg-config --cflags --libs wasmc) -pthread \
        > "$3/$name.build.log" 2>&1; then
      echo "FAIL $name (build)"; head -20 "$3/$name.build.log"; failed=$((failed + 1)); continue
    fi
    if (cd "$3" && timeout 300 "./$name" > "$name.out" 2>&1); then
      echo "PASS $name"; passed=$((passed + 1))
    else
      echo "FAIL $name (exit $?)"; tail -5 "$3/$name.out"; failed=$((failed + 1))
    fi
  done
  echo "$passed passed, $failed failed"
  [ "$failed" -eq 0 ]
  ;;
find-package)
  rm -rf "$3"
  cmake -S "$2" -B "$3" -DCMAKE_PREFIX_PATH="$1" -DCMAKE_C_COMPILER="$cc" > "$3.log" 2>&1 || { cat "$3.log"; exit 1; }
  cmake --build "$3" > "$3.log" 2>&1 || { cat "$3.log"; exit 1; }
  "$3/add" | tee /dev/stderr | grep -qx "add(40, 2) = 42"
  # libwasmc.a carries no path to the plugin's directory: name it.
  WASMC_CODEGEN_PLUGIN="$1/lib/libwasmc_codegen.so" "$3/add_static" | grep -qx "add(40, 2) = 42"
  echo "find_package: shared and static both ran"
  ;;
pkg-config)
  rm -rf "$3" && mkdir -p "$3"
  export PKG_CONFIG_PATH="$1/lib/pkgconfig"
  # shellcheck disable=SC2046
  "$cc" -o "$3/add" "$2/add.c" $(pkg-config --cflags --libs wasmc)
  "$3/add" | grep -qx "add(40, 2) = 42"
  # shellcheck disable=SC2046
  "$cc" -o "$3/add_static" "$2/add.c" $(pkg-config --cflags wasmc) "$1/lib/libwasmc.a" \
    $(pkg-config --libs-only-other --static wasmc | sed 's/-Wl,-rpath,[^ ]*//') -lstdc++ -lm -ldl -lpthread
  WASMC_CODEGEN_PLUGIN="$1/lib/libwasmc_codegen.so" "$3/add_static" | grep -qx "add(40, 2) = 42"
  echo "pkg-config: shared and static both ran"
  ;;
relocated)
  rm -rf "$2" && mkdir -p "$2"
  cp -a "$1" "$2/moved"
  printf '\0asm\1\0\0\0\1\5\1`\0\1\x7f\3\2\1\0\7\5\1\1f\0\0\n\6\1\4\0A\7\v' > "$2/seven.wasm"
  "$2/moved/bin/wasmc" run --no-cache --tier llvm --invoke f "$2/seven.wasm" | grep -qx 7
  "$2/moved/bin/wasmc" compile --exe "$2/seven.wasm" -o "$2/seven"
  echo "relocated: wasmc ran and linked an executable from the moved tree"
  ;;
*)
  echo "usage: see the top of $0" >&2
  exit 2
  ;;
esac
