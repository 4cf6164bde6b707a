#!/usr/bin/env bash
# Configures and builds the project into build/ (or $EDGEHUB_BUILD_DIR).
# Incremental and idempotent. Extra arguments are passed to cmake --build
# (for example: --target hubd). Installs every package the tests need
# (deploy/install-deps.sh); EDGEHUB_JOBS (default: the number of cores) sets
# the parallel jobs.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build_dir="${EDGEHUB_BUILD_DIR:-$repo/build}"
jobs="${EDGEHUB_JOBS:-$(nproc)}"

"$repo/deploy/install-deps.sh"
"$repo/deploy/configure.sh" >/dev/null
cmake --build "$build_dir" -j "$jobs" "$@"
