#!/usr/bin/env bash
# Builds the hub's libFuzzer targets with clang (libFuzzer + ASan + UBSan)
# into OUT_DIR/<target>. Each hub source is compiled once into an object
# shared by every target (a generated Makefile: parallel, incremental; ccache
# when installed). Exit 77 when clang or libFuzzer is not installed (a skip
# for ctest; deploy/install-deps.sh installs clang and libclang-rt-14-dev).
#
# usage: build_fuzzers.sh SOURCE_ROOT OUT_DIR
# FUZZ_CXX (default clang++), FUZZ_JOBS (default 2), FUZZ_OPT (default -O1)
# override.
set -euo pipefail
root=$(cd "$1" && pwd)
out=$2
CXX=${FUZZ_CXX:-clang++}
jobs=${FUZZ_JOBS:-2}
opt=${FUZZ_OPT:--O1}
here="$root/tests/unit/hub/fuzz"

if ! command -v "$CXX" >/dev/null; then
  echo "fuzz: $CXX not found; skipped"
  exit 77
fi
mkdir -p "$out"
probe="$out/probe.cpp"
printf 'extern "C" int LLVMFuzzerTestOneInput(const unsigned char*, unsigned long) { return 0; }\n' > "$probe"
if ! "$CXX" -fsanitize=fuzzer "$probe" -o "$out/probe" 2>/dev/null; then
  echo "fuzz: $CXX cannot link libFuzzer (Debian: libclang-rt-14-dev); skipped"
  exit 77
fi

# What the targets reach in hubd (objects in an archive: each target links
# only those it needs).
sources=(
  common/src/payloads.cpp common/src/result.cpp common/src/topics.cpp
  hub/streams/memory_stream_store.cpp hub/streams/stream_store.cpp
  hub/streams/new_record_validation.cpp
  hub/routing/memory_route_store.cpp hub/routing/route.cpp hub/routing/route_expression.cpp
  hub/routing/route_expression_rewrite.cpp hub/routing/route_table.cpp
  hub/ingest/message_plan.cpp hub/ingest/telemetry_ingestor.cpp
  hub/journal/journal_codec.cpp hub/journal/file_journal.cpp
  hub/registry/device_record_strings.cpp hub/registry/device_record_validation.cpp
  hub/registry/memory_device_registry.cpp
  hub/sqlite/wal_checkpointer.cpp
  hub/commands/command_dispatcher.cpp hub/commands/command_id.cpp
  hub/commands/command_state.cpp hub/commands/pending_commands.cpp
  hub/commands/sqlite_command_store.cpp hub/commands/fleet_jobs.cpp
  hub/mqtt/memory_broker_connection.cpp
  hub/presence/presence_event.cpp hub/presence/presence_tracker.cpp
  hub/twins/twin_service.cpp hub/twins/twin_store.cpp
  hub/api/api_response.cpp hub/api/command_handlers.cpp hub/api/device_enrollment.cpp
  hub/api/json_views.cpp hub/api/rest_handlers.cpp hub/api/route_handlers.cpp
  hub/api/stream_handlers.cpp hub/api/ndjson_records.cpp hub/api/record_text.cpp
  hub/api/spliceable_json.cpp hub/api/text_encoding.cpp hub/api/twin_routes.cpp
)
targets=(telemetry_fuzzer command_response_fuzzer twin_report_fuzzer journal_fuzzer
  rest_body_fuzzer route_expression_fuzzer)

launcher=""
if command -v ccache >/dev/null; then
  launcher=ccache
  # Objects built with the precompiled header are cacheable only so.
  export CCACHE_SLOPPINESS=${CCACHE_SLOPPINESS:-pch_defines,time_macros}
fi
{
  echo "CXX := $launcher $CXX"
  echo "FLAGS := -std=c++20 $opt -gline-tables-only -fno-omit-frame-pointer" \
    "-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined" \
    "-I$root/hub -I$root/common/include -I$here" \
    "$(pkg-config --cflags spdlog cpp-httplib)"
  # The third-party headers every source parses, parsed once.
  echo "CXXFLAGS := \$(FLAGS) -include-pch pch.h.pch"
  echo "LDFLAGS := -fsanitize=fuzzer,address,undefined"
  echo "LIBS := -lSQLiteCpp $(pkg-config --libs spdlog sqlite3 cpp-httplib openssl zlib) -lpthread"
  echo "OBJECTS :=$(printf ' obj/%s.o' "${sources[@]}")"
  echo "all:$(printf ' %s' "${targets[@]}")"
  echo "-include pch.h.d \$(OBJECTS:.o=.d) \$(patsubst %,obj/%.d,${targets[*]})"
  echo "pch.h.pch: $here/fuzz_pch.h"
  printf '\t$(CXX) $(FLAGS) -MMD -MP -fpch-instantiate-templates -x c++-header $< -o $@\n'
  echo "obj/%.o: $root/% pch.h.pch"
  printf '\t@mkdir -p $(dir $@)\n\t$(CXX) $(CXXFLAGS) -MMD -MP -c $< -o $@\n'
  echo "libhub.a: \$(OBJECTS)"
  printf '\trm -f $@ && ar rcs $@ $^\n'
  for target in "${targets[@]}"; do
    echo "obj/$target.o: $here/$target.cpp pch.h.pch"
    printf '\t@mkdir -p obj\n\t$(CXX) $(CXXFLAGS) -MMD -MP -c $< -o $@\n'
    echo "$target: obj/$target.o libhub.a"
    printf '\t$(CXX) $(LDFLAGS) $^ $(LIBS) -o $@\n'
  done
} > "$out/Makefile"
make -C "$out" -j"$jobs" --no-print-directory
