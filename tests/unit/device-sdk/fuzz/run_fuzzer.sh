#!/usr/bin/env bash
# Builds the broker-stream fuzzer with clang (libFuzzer + ASan + UBSan) and
# runs it for a bounded time. Exit 0: no crash; 1: a crash (the reproducer is
# in the work dir, named crash-*); 77: clang or libFuzzer not installed (a
# skip for ctest; deploy/install-deps.sh installs clang and libclang-rt-14-dev).
#
# usage: run_fuzzer.sh SOURCE_ROOT WORK_DIR [SECONDS]
set -euo pipefail
root=$1
work_dir=$2
seconds=${3:-20}
CXX=${FUZZ_CXX:-clang++}

if ! command -v "$CXX" >/dev/null; then
  echo "fuzz: $CXX not found; skipped"
  exit 77
fi
mkdir -p "$work_dir/corpus"
probe="$work_dir/probe.cpp"
printf 'extern "C" int LLVMFuzzerTestOneInput(const unsigned char*, unsigned long) { return 0; }\n' > "$probe"
if ! "$CXX" -fsanitize=fuzzer "$probe" -o "$work_dir/probe" 2>/dev/null; then
  echo "fuzz: $CXX cannot link libFuzzer (Debian: libclang-rt-14-dev); skipped"
  exit 77
fi

sdk="$root/device-sdk"
sources=("$sdk"/src/*.cpp "$sdk"/src/*/*.cpp "$root/common/src/topics.cpp"
  "$root/tests/unit/device-sdk/fuzz/broker_stream_fuzzer.cpp")
fuzzer="$work_dir/broker_stream_fuzzer"
"$CXX" -std=c++17 -g -O1 -fno-exceptions -fno-rtti \
  -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
  -I"$sdk/include" -I"$sdk/src" -I"$root/common/include" -I"$root/tests/unit/device-sdk" \
  "${sources[@]}" -o "$fuzzer"

# Seeds: a PUBLISH carrying a command, a desired document, flow notices; a
# SUBACK (commands, flow, desired), a PUBACK, a PINGRESP.
printf '\x08\x30\x36\x00\x1cdevices/fuzz-device/commands{"id":"1","name":"ping"}' > "$work_dir/corpus/seed-command"
printf '\x08\x30\x49\x00\x1bdevices/fuzz-device/desired{"version":2,"desired":{"a":1},"patch":null}' > "$work_dir/corpus/seed-desired"
printf '\x08\x30\x42\x00\x18devices/fuzz-device/flow{"state":"paused","first_refused_seq":1}\x30\x2d\x00\x18devices/fuzz-device/flow{"state":"resumed"}' > "$work_dir/corpus/seed-flow"
printf '\x10\x90\x05\x00\x01\x01\x01\x01\x40\x02\x00\x01\xd0\x00' > "$work_dir/corpus/seed-acks"

cd "$work_dir"
"$fuzzer" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=1024 -print_final_stats=1 corpus
