#!/usr/bin/env bash
# Export benchmark (not a test; issue 15): builds export_bench
# (tests/perf/export_bench.cpp) and runs it: a 3-node JetStream cluster on
# 127.0.0.1 (free ports, temporary store directories, one R3 stream with a
# duplicate window; tests/support/nats_cluster.cpp), then, alternating for
# BENCH_ROUNDS rounds, with medians reported:
#   1. raw: a bare libnats JetStream async publisher (js_PublishAsync, same
#      pending window), payloads of the same size, no headers, no message id
#   2. raw with identity: the same publisher sending what the destination
#      sends (six Edgehub-* headers and a Nats-Msg-Id), messages built before
#      the clock starts: what the identity costs the engine
#   3. export: the NATS destination (hub/exports/nats_destination.cpp) with
#      records built in memory, in batches, retried from the first
#      unacknowledged record as the export runner does (no hub yet)
#   4. (not built yet) the end-to-end round: hubd with an export to the same
#      cluster, devices publishing, lag at half the hub's rate: see the
#      marked place below
# The last line printed is one JSON object: both rates and their ratio.
#
# Environment: EDGEHUB_BUILD_DIR (default build/), BENCH_SKIP_BUILD=1 to use
# the binary as it is, BENCH_RECORDS (100000 per round), BENCH_PAYLOAD_BYTES
# (200), BENCH_BATCH (1000 records per send), BENCH_MAX_PENDING (4096),
# BENCH_ROUNDS (3). Needs nats-server in PATH (Debian: nats-server).
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
build="${EDGEHUB_BUILD_DIR:-$repo/build}"

if [[ "${BENCH_SKIP_BUILD:-0}" != 1 ]]; then
  EDGEHUB_BUILD_DIR="$build" "$repo/deploy/build.sh" --target export_bench >&2
fi
command -v nats-server >/dev/null || { echo "export.sh: nats-server is not installed" >&2; exit 1; }

# export_bench starts and stops the cluster itself (its nodes die with it).
engine_json="$("$build/bin/export_bench" \
  --records "${BENCH_RECORDS:-100000}" --payload-bytes "${BENCH_PAYLOAD_BYTES:-200}" \
  --batch "${BENCH_BATCH:-1000}" --max-pending "${BENCH_MAX_PENDING:-4096}" \
  --rounds "${BENCH_ROUNDS:-3}" | tail -n 1)"

# ---- End-to-end round (to be added with the export runner, issue 15) ----
# Start the cluster for the script with build/bin/nats_cluster (prints the
# URLs, then takes "kill N", "restart N", "messages", "quit" on stdin:
# tests/support/nats_cluster_main.cpp; e.g. coproc), start hubd (bench_lib.sh: start_hubd), add an export of
# `telemetry` to the cluster's URLs with hubctl, publish with ingest_bench at
# the hub's rate and at half of it, and measure the export's records/s and
# its lag (hubctl exports show). Merge its figures into the JSON below as
# "hub_export_records_per_s" and "lag_ms_at_half_rate".
# --------------------------------------------------------------------------

echo "$engine_json"
