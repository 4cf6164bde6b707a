#!/usr/bin/env bash
# Configures the build directory (build/, or $EDGEHUB_BUILD_DIR) for
# deploy/build.sh and deploy/quickstart.sh. Idempotent. Extra arguments go to
# cmake (for example: -DEDGEHUB_WERROR=OFF).
#
# A new build directory is made for a fast first build: Ninja when it is
# installed (faster than Makefiles, and a step count for the progress line)
# and unity builds of the programs' libraries (deploy/unity_build.cmake). An
# existing one keeps what it was made with: CMake refuses to change the
# generator, and a developer's build directory keeps its own settings.
# EDGEHUB_BUILD_TYPE (default RelWithDebInfo) sets CMAKE_BUILD_TYPE.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build_dir="${EDGEHUB_BUILD_DIR:-$repo/build}"

args=(-S "$repo" -B "$build_dir" -DCMAKE_BUILD_TYPE="${EDGEHUB_BUILD_TYPE:-RelWithDebInfo}")
if [[ ! -f "$build_dir/CMakeCache.txt" ]]; then
  args+=(-DEDGEHUB_UNITY_BUILD=ON)
  if [[ -z "${CMAKE_GENERATOR:-}" ]] && command -v ninja >/dev/null; then args+=(-G Ninja); fi
fi
exec cmake "${args[@]}" "$@"
