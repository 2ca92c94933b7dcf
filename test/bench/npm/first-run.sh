#!/usr/bin/env bash
# First runs of real programs from npm against node (issue 15; the table in
# docs/BENCHMARKS.md, "Real programs"): yosys synthesises counter.v for
# iCE40, nextpnr-ice40 places and routes the result. Each command runs on
# node (the package's own bundle) and on wasmc (the package's core module),
# with an empty compile cache; the outputs must be byte-identical.
#   test/bench/npm/first-run.sh [WASMC] [RUNS]   (needs node and npm access)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
wasmc=$(realpath "${1:-$here/../../../build/tools/wasmc/wasmc}")
runs=${2:-2}
work=${WORK:-/tmp/wasmc-first-run}
mkdir -p "$work" && cd "$work"
for pkg in @yowasp/yosys@0.55.944 @yowasp/nextpnr-ice40@0.8.621; do
  dir=$(echo "$pkg" | sed 's|@yowasp/||; s|@|-|')
  if [ ! -d "$dir" ]; then
    tgz=$(npm pack --silent "$pkg")
    mkdir -p "$dir" && tar -xzf "$tgz" -C "$dir"
  fi
done
Y=$work/yosys-0.55.944/package/gen N=$work/nextpnr-ice40-0.8.621/package/gen
rm -rf node root && mkdir -p node root/tmp
cp "$here/counter.v" node/top.v && cp "$here/counter.v" root/top.v
node "$here/extract-share.mjs" "$Y/resources-yosys.js" root
node "$here/extract-share.mjs" "$N/resources-nextpnr-ice40.js" root
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
for run in $(seq "$runs"); do
  measure "yosys node" . node "$here/node-run.mjs" "$Y/bundle.js" runYosys node -q -p "synth_ice40 -json top.json" top.v
  for tier in auto baseline; do
    measure "yosys wasmc --tier $tier" root "$wasmc" run --tier $tier --dir .::/ "$Y/yosys.core.wasm" \
      -q -p "synth_ice40 -json top.json" top.v
    cmp root/top.json node/top.json
  done
  measure "nextpnr node" . node "$here/node-run.mjs" "$N/bundle.js" runNextpnrIce40 node \
    --up5k --package sg48 --json top.json --asc top.asc --pcf-allow-unconstrained --seed 1
  for tier in auto baseline; do
    measure "nextpnr wasmc --tier $tier" root "$wasmc" run --tier $tier --dir .::/ "$N/nextpnr-ice40.core.wasm" \
      --up5k --package sg48 --json top.json --asc top.asc --pcf-allow-unconstrained --seed 1
    cmp root/top.asc node/top.asc
  done
done
echo "outputs byte-identical to node's"
