#!/usr/bin/env bash
# Configures and builds the project into build/ (or $EDGEHUB_BUILD_DIR).
# Incremental and idempotent. Extra arguments are passed to cmake --build
# (for example: --target hubd).
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build_dir="${EDGEHUB_BUILD_DIR:-$repo/build}"
jobs="${EDGEHUB_JOBS:-$(nproc)}"

"$repo/deploy/install-deps.sh"
cmake -S "$repo" -B "$build_dir" -DCMAKE_BUILD_TYPE="${EDGEHUB_BUILD_TYPE:-RelWithDebInfo}" >/dev/null
cmake --build "$build_dir" -j "$jobs" "$@"
