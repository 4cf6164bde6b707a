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
#
# Its RelWithDebInfo has line tables only (-g1: backtraces with file and
# line, as sanitizers and crash reports print them) instead of full debug
# information (-g: types and variables for a debugger), which took a third
# of the compile time of the hub's template-heavy sources (35.6 s -> 22.3 s
# of CPU for hubd's unity batch; docs/performance.md, quick start). For a
# debugger, configure a build directory of your own, or pass
# -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O2 -g -DNDEBUG".
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build_dir="${EDGEHUB_BUILD_DIR:-$repo/build}"

args=(-S "$repo" -B "$build_dir" -DCMAKE_BUILD_TYPE="${EDGEHUB_BUILD_TYPE:-RelWithDebInfo}")
if [[ ! -f "$build_dir/CMakeCache.txt" ]]; then
  args+=(-DEDGEHUB_UNITY_BUILD=ON
    "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O2 -g1 -DNDEBUG" "-DCMAKE_C_FLAGS_RELWITHDEBINFO=-O2 -g1 -DNDEBUG")
  if [[ -z "${CMAKE_GENERATOR:-}" ]] && command -v ninja >/dev/null; then args+=(-G Ninja); fi
fi
exec cmake "${args[@]}" "$@"
