#!/usr/bin/env bash
# A long run of one hub fuzz target whose corpus outlives the run: kept in
# $EDGEHUB_FUZZ_HOME/<target>/corpus (default ~/.cache/edgehub-fuzz, outside
# the repository), grown by every run and seeded from generate_seeds.py.
# Findings land in $EDGEHUB_FUZZ_HOME/<target>/artifacts. Built with -O1
# (faster executions than the CI build) in $EDGEHUB_FUZZ_HOME/build.
#
# usage: tests/unit/hub/fuzz/run_long.sh TARGET SECONDS [libFuzzer flags...]
#   e.g. run_long.sh telemetry_fuzzer 3600 -jobs=2 -workers=2
# Reproduce a finding: $EDGEHUB_FUZZ_HOME/build/TARGET ARTIFACT
set -euo pipefail
if (($# < 2)); then
  sed -n '2,10p' "$0"
  exit 2
fi
target=$1
seconds=$2
shift 2
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../../../.." && pwd)
home=${EDGEHUB_FUZZ_HOME:-$HOME/.cache/edgehub-fuzz}

FUZZ_OPT=${FUZZ_OPT:--O1} bash "$here/build_fuzzers.sh" "$root" "$home/build"
mkdir -p "$home/$target/corpus" "$home/$target/artifacts" "$home/seeds"
python3 "$here/generate_seeds.py" "$home/seeds"
source "$here/fuzz_environment.sh"
cd "$home/$target"
exec "$home/build/$target" "${fuzz_flags[@]}" -max_total_time="$seconds" \
  -artifact_prefix="$home/$target/artifacts/" "$@" corpus "$home/seeds/$target"
