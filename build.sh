#!/usr/bin/env bash
# One entry point for a fresh Debian 12 machine (run as root, or with sudo
# available): installs what is missing, configures, builds, then
#   ./build.sh example   runs the bundled hello program (WASI) with wasmc run
#   ./build.sh test      runs the whole test suite (what CI runs)
#   ./build.sh build     only builds
# BUILD_DIR (default: build) and JOBS (default: nproc) can be overridden.
set -euo pipefail
cd "$(dirname "$0")"

BUILD_DIR=${BUILD_DIR:-build}
JOBS=${JOBS:-$(nproc)}
MODE=${1:-build}

PACKAGES=(
  cmake ninja-build ccache
  clang-19 lld-19 llvm-19-dev liblld-19-dev libclang-rt-19-dev
  libcli11-dev libgtest-dev zlib1g-dev libzstd-dev
  wabt binaryen wasi-libc libclang-rt-19-dev-wasm32
  python3-venv python3-pytest pkg-config
)

install_missing() {
  local missing=()
  for pkg in "${PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "build.sh: installing ${missing[*]}"
  local sudo=""
  [ "$(id -u)" -ne 0 ] && sudo=sudo
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
}

configure_and_build() {
  # Paths relative to the checkout in ccache's keys: a fresh clone elsewhere
  # (as CI makes) still hits the cache of earlier builds on this machine.
  export CCACHE_BASEDIR="$PWD"
  cmake -S . -B "$BUILD_DIR" -G Ninja \
    -DCMAKE_BUILD_TYPE=Release \
    -DCMAKE_C_COMPILER=clang-19 -DCMAKE_CXX_COMPILER=clang++-19
  cmake --build "$BUILD_DIR" -j "$JOBS"
}

install_missing
configure_and_build

case "$MODE" in
  build) ;;
  example)
    "$BUILD_DIR/tools/wasmc/wasmc" run "$BUILD_DIR/test/programs/hello.wasm" hello world
    ;;
  test)
    cd "$BUILD_DIR"
    ctest --output-on-failure -j "$JOBS"
    ;;
  *)
    echo "usage: $0 [build|example|test]" >&2
    exit 2
    ;;
esac
