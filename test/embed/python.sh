#!/usr/bin/env bash
# The Python package as a user gets it: `pip install ./python` (offline, into
# a fresh venv of Debian's python3, which brings pytest from python3-pytest),
# then its pytest suite.
#   python.sh SOURCE_DIR BUILD_DIR WORK_DIR
set -euo pipefail
source=$1 build=$2 work=$3
rm -rf "$work"
/usr/bin/python3 -m venv --system-site-packages "$work/venv"
WASMC_BUILD_DIR="$build" "$work/venv/bin/pip" install --quiet --no-index "$source/python"
cd "$work"
"$work/venv/bin/python" -m pytest -q -p no:cacheprovider "$source/python/tests"
