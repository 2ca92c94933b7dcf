#!/usr/bin/env bash
# Seed corpora for the libFuzzer targets: valid modules to mutate from, so
# the compile and run targets reach the code generator instead of mostly
# the decoder's error paths.
#
#   make-seeds.sh OUT_DIR [SPEC_DIR [GENERATED]]
#
# Sources: every module wast2json writes for the spec tests in SPEC_DIR
# (default ../shared/testsuite/core; valid, invalid and malformed ones), and
# GENERATED (default 200) modules of each differential-fuzzing generator
# (test/fuzz/gen-ttf.py, gen-loops.py). Writes OUT_DIR/decode (the modules
# as they are) and OUT_DIR/compile, OUT_DIR/run (each module behind the
# configuration byte those targets read first: the -O level in its low two
# bits, the lazy JIT in bit 2; the seeds cycle through all eight), and
# OUT_DIR/text (the spec scripts and generated .wat, for the text target).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
if [ $# -lt 1 ]; then
  echo "usage: $0 OUT_DIR [SPEC_DIR [GENERATED]]" >&2
  exit 2
fi
out=$1
spec=${2:-$here/../../../shared/testsuite/core}
generated=${3:-200}
for tool in wast2json python3 wasm-opt; do
  command -v "$tool" >/dev/null || { echo "$0: $tool not found (apt-get install wabt binaryen python3)" >&2; exit 2; }
done
if [ ! -d "$spec" ]; then
  echo "$0: spec tests not found at $spec (pass SPEC_DIR)" >&2
  exit 2
fi

work=$(mktemp -d /tmp/wasmc-seeds.XXXXXX)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/modules"
for wast in "$spec"/*.wast; do
  name=$(basename "$wast" .wast)
  # Some files use features wabt 1.0.32 does not parse; their modules are
  # simply not seeds.
  wast2json --enable-all "$wast" -o "$work/$name.json" >/dev/null 2>&1 || continue
  for wasm in "$work/$name".*.wasm; do
    [ -e "$wasm" ] && mv "$wasm" "$work/modules/spec-$(basename "$wasm")"
  done
done
for ((seed = 1; seed <= generated; ++seed)); do
  python3 "$here/../fuzz/gen-ttf.py" "$work/modules" "$seed" >/dev/null 2>&1 || true
  python3 "$here/../fuzz/gen-loops.py" "$work/modules" "$seed" >/dev/null 2>&1 || true
done

mkdir -p "$out/decode" "$out/compile" "$out/run"
config=0
count=0
for wasm in "$work/modules"/*.wasm; do
  base=$(basename "$wasm" .wasm)
  cp "$wasm" "$out/decode/$base"
  for target in compile run; do
    { printf "\\x$(printf %02x $config)"; cat "$wasm"; } >"$out/$target/$base"
  done
  config=$(((config + 1) % 8))
  count=$((count + 1))
done
# The text target starts from the scripts themselves, and gen-loops' .wat.
mkdir -p "$out/text"
cp "$spec"/*.wast "$out/text/"
for wat in "$work/modules"/*.wat; do
  [ -e "$wat" ] && cp "$wat" "$out/text/"
done
echo "$0: $count seed modules in $out/{decode,compile,run}, $(ls "$out/text" | wc -l) texts in $out/text"
