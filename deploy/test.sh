#!/usr/bin/env bash
# Builds everything and runs the whole test suite (unit + integration)
# through ctest. Works on a fresh Debian 12 machine as root: installs what is
# missing. Idempotent. Extra arguments go to ctest (for example: -L unit).
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build_dir="${EDGEHUB_BUILD_DIR:-$repo/build}"

"$repo/deploy/build.sh"
cd "$build_dir"
ctest --output-on-failure --timeout 600 "$@"
