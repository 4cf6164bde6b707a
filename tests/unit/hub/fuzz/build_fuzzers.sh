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

# What the targets reach in hubd: every source of these folders (a file added
# later is picked up), less the I/O glue no target needs (sockets, Paho,
# SQLite-file stores, worker threads). Objects go into an archive: each target
# links only those it needs.
modules=(common/src hub/streams hub/routing hub/ingest hub/journal hub/registry hub/sqlite
  hub/commands hub/mqtt hub/presence hub/twins hub/operators hub/api)
declare -A not_needed
for file in hub/api/rest_server.cpp hub/api/stream_routes.cpp hub/api/command_routes.cpp \
  hub/mqtt/paho_broker_connection.cpp hub/mqtt/tcp_nodelay.cpp hub/mqtt/nodelay_window.cpp \
  hub/streams/sqlite_stream_store.cpp hub/streams/retention_task.cpp \
  hub/registry/sqlite_device_registry.cpp hub/routing/sqlite_route_store.cpp \
  hub/commands/command_worker.cpp hub/journal/group_commit.cpp hub/journal/memory_journal.cpp; do
  not_needed[$file]=1
done
sources=()
for module in "${modules[@]}"; do
  for file in "$root/$module"/*.cpp; do
    relative=${file#"$root/"}
    [[ -n ${not_needed[$relative]:-} ]] || sources+=("$relative")
  done
done
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
  # The precompiled header itself is never taken from the cache: clang
  # records the header's mtime in it and refuses a cached copy made from an
  # earlier checkout of the same file ("has been modified since the
  # precompiled header was built").
  echo "PCH_CXX := $CXX"
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
  printf '\t$(PCH_CXX) $(FLAGS) -MMD -MP -fpch-instantiate-templates -x c++-header $< -o $@\n'
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
