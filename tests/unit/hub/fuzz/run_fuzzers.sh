#!/usr/bin/env bash
# The hub fuzz targets' short run (ctest hub_fuzz): builds them
# (build_fuzzers.sh), writes the seed corpus (generate_seeds.py) and runs each
# target for SECONDS from its seeds, one after the other, with a fixed
# libFuzzer seed. Exit 0: no finding; 1: a crash, leak, timeout or
# sanitizer report (the reproducer is WORK_DIR/artifacts/<target>-crash-*;
# rerun it with WORK_DIR/<target> <file>); 77: clang or libFuzzer missing.
#
# usage: run_fuzzers.sh SOURCE_ROOT WORK_DIR [SECONDS] [TARGET...]
# FUZZ_OPT (default here -O0: half the compile time of -O1, which CI cannot
# spare), FUZZ_JOBS as for build_fuzzers.sh.
set -euo pipefail
root=$(cd "$1" && pwd)
work_dir=$2
seconds=${3:-10}
shift $(($# < 3 ? $# : 3))
here="$root/tests/unit/hub/fuzz"

build_rc=0
FUZZ_OPT=${FUZZ_OPT:--O0} bash "$here/build_fuzzers.sh" "$root" "$work_dir" || build_rc=$?
if ((build_rc != 0)); then exit "$build_rc"; fi
targets=("$@")
if ((${#targets[@]} == 0)); then
  targets=(telemetry_fuzzer command_response_fuzzer twin_report_fuzzer journal_fuzzer
    rest_body_fuzzer route_expression_fuzzer)
fi

rm -rf "$work_dir/corpus" "$work_dir/artifacts"
mkdir -p "$work_dir/artifacts"
python3 "$here/generate_seeds.py" "$work_dir/corpus"
source "$here/fuzz_environment.sh"

failed=()
for target in "${targets[@]}"; do
  echo "fuzz: $target for ${seconds}s"
  if ! "$work_dir/$target" "${fuzz_flags[@]}" -seed=1 -max_total_time="$seconds" \
    -artifact_prefix="$work_dir/artifacts/$target-" "$work_dir/corpus/$target"; then
    failed+=("$target")
  fi
done
if ((${#failed[@]} > 0)); then
  echo "fuzz: findings in ${failed[*]}:"
  ls -l "$work_dir/artifacts"
  exit 1
fi
echo "fuzz: no finding in ${#targets[@]} targets"
