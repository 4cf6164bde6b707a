#!/usr/bin/env bash
# Export benchmark (not a test; issue 15): builds export_bench
# (tests/perf/export_bench.cpp) and runs it: a 3-node JetStream cluster on
# 127.0.0.1 (free ports, temporary store directories, one R3 stream with a
# duplicate window; tests/support/nats_cluster.cpp), then, alternating for
# BENCH_ROUNDS rounds, with medians reported:
#   1. raw: a bare libnats JetStream async publisher (js_PublishAsync, same
#      pending window), payloads of the same size, no headers, no message id
#   2. raw with message id: the same, each message with only a Nats-Msg-Id
#   3. raw with identity: the same publisher sending what the destination
#      sends (six Edgehub-* headers and a Nats-Msg-Id), messages built before
#      the clock starts: what the identity costs the engine
#   4. export: the NATS destination (hub/exports/nats_destination.cpp) with
#      records built in memory, in batches, retried from the first
#      unacknowledged record as the export runner does (no hub yet)
#   Each of 1-4 also reports the cluster's CPU per message (three nodes,
#   user + system): raw / identity (message id, export) is the best rate
#   ratio any publisher of those messages can reach while the cluster's CPU
#   is the limit.
#   5. the end-to-end round (once): devices (ingest_bench's libmosquitto
#      publishers, QoS 1) -> mosquitto -> hubd -> telemetry stream -> export
#      runner -> a second R3 cluster (build/bin/nats_cluster):
#      a. BENCH_HUB_RECORDS (100000) records published into the stream with
#         no export (the hub's ingest rate, as ingest.sh measures it)
#      b. then an export of the stream added (REST, from offset 0): the
#         export's records/s = records / (time from the add until its lag
#         is 0, polled every 20 ms)
#      c. publishers paced at half the hub's rate from (a) for
#         BENCH_STEADY_SECONDS (10), the export's lag sampled every 20 ms
#         (about 500 samples, so that p99 is not simply the max): max lag
#         in records, p50, p99 and max of the oldest unexported record's
#         age (0 when the lag is 0), and the CPU each program and the
#         whole machine used meanwhile
#      The raw rate of step 1 is measured with records of the payload size
#      the hub's records have (unless BENCH_PAYLOAD_BYTES is given), so the
#      ratio compares like with like.
# The last line printed is one JSON object: both rates and their ratio.
#
# Environment: EDGEHUB_BUILD_DIR (default build/), BENCH_SKIP_BUILD=1 to use
# the binaries as they are, BENCH_RECORDS (100000 per round), BENCH_PAYLOAD_BYTES
# (the hub's record payload size), BENCH_BATCH (1000 records per send, also
# the hub export's batch_size), BENCH_MAX_PENDING (4096, also the hub
# export's max_pending), BENCH_ROUNDS (3), BENCH_HUB_RECORDS (100000),
# BENCH_DEVICES (4), BENCH_STEADY_SECONDS (10), BENCH_SKIP_HUB=1 for the
# engine rounds alone, BENCH_KEEP=1 to keep the hub's temporary directory.
# Needs nats-server in PATH (Debian: nats-server).
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
build="${EDGEHUB_BUILD_DIR:-$repo/build}"

if [[ "${BENCH_SKIP_BUILD:-0}" != 1 ]]; then
  EDGEHUB_BUILD_DIR="$build" "$repo/deploy/build.sh" --target export_bench nats_cluster hubd \
    hubctl ingest_bench edgehub_mosquitto_auth >&2
fi
command -v nats-server >/dev/null || { echo "export.sh: nats-server is not installed" >&2; exit 1; }
bin="$build/bin"
batch="${BENCH_BATCH:-1000}"
max_pending="${BENCH_MAX_PENDING:-4096}"

# ---- End-to-end round: devices -> hubd -> export runner -> JetStream ----
work="$(mktemp -d /tmp/edgehub-export-bench.XXXXXX)"
data="$work/data"
hubd_pid=""
cluster_pid=""
source "$repo/tests/perf/bench_lib.sh"  # log, stop_pid, stop_hub, free_port, start_hubd

cleanup() {
  stop_hub
  if [[ -n "$cluster_pid" ]]; then
    if [[ -n "${CLUSTER[1]:-}" ]]; then { echo quit >&"${CLUSTER[1]}"; } 2>/dev/null || true; fi
    stop_pid "$cluster_pid"  # its nodes die with it (PR_SET_PDEATHSIG)
  fi
  if [[ "${BENCH_KEEP:-0}" == 1 ]]; then echo "kept $work" >&2; else rm -rf "$work"; fi
}
trap cleanup EXIT

# One field of a JSON line.
field() { python3 -c 'import json,sys; print(json.loads(sys.argv[1])[sys.argv[2]])' "$1" "$2"; }

hub_json="{}"
payload_bytes="${BENCH_PAYLOAD_BYTES:-}"
if [[ "${BENCH_SKIP_HUB:-0}" != 1 ]]; then
  devices="${BENCH_DEVICES:-4}"
  hub_records="${BENCH_HUB_RECORDS:-100000}"
  per_device=$(( (hub_records + devices - 1) / devices ))
  hub_records=$(( per_device * devices ))
  coproc CLUSTER { exec "$bin/nats_cluster" 2>"$work/nats_cluster.log"; }
  # shellcheck disable=SC2153  # CLUSTER_PID is set by coproc
  cluster_pid=$CLUSTER_PID
  read -r -t 60 urls <&"${CLUSTER[0]}" || { echo "nats_cluster did not start:" >&2; cat "$work/nats_cluster.log" >&2; exit 1; }
  log "JetStream cluster for the hub: $urls"

  mqtt_port="$(free_port)"
  http_port="$(free_port)"
  while [[ "$http_port" == "$mqtt_port" ]]; do http_port="$(free_port)"; done
  # As ingest.sh: the publishers send far more than a device may (no limits).
  start_hubd "$mqtt_port" "$http_port" --no-device-limits --broker-max-queued 10000000 \
    --site-id bench-site
  url="http://127.0.0.1:$http_port"
  for i in $(seq 0 $((devices - 1))); do
    "$bin/hubctl" --hub "$url" --data-dir "$data" devices add "bench-$i" --out "$work/devices" >/dev/null
  done
  common=(--port "$mqtt_port" --ca "$data/pki/ca.pem" --devices-dir "$work/devices"
          --devices "$devices" --window 100 --publisher-threads "$devices")

  log "hub: $hub_records records into 'telemetry' (no export yet)"
  fill_json="$("$bin/ingest_bench" hub "${common[@]}" --http-port "$http_port" --token "$token" \
    --messages "$per_device" | tail -1)"
  hub_ingest_rate="$(field "$fill_json" hub_msgs_per_s)"
  log "hub ingest: $hub_ingest_rate records/s"

  # The hub's export: added now, from offset 0, timed until its lag is 0;
  # then its lag while the publishers run at half the hub's rate.
  half_rate="$(awk -v r="$hub_ingest_rate" 'BEGIN { printf "%d", r / 2 }')"
  steady_s="${BENCH_STEADY_SECONDS:-10}"
  steady_per_device="$(awk -v r="$half_rate" -v s="$steady_s" -v d="$devices" 'BEGIN { printf "%d", r * s / d }')"
  # The measurements, one Python process polling the REST API; it starts the
  # paced publishers itself (after the backlog is exported) and samples until
  # they are done.
  hub_json="$(python3 - "$url" "$token" "$urls" "$batch" "$max_pending" "$hub_records" \
      "$bin/ingest_bench" publish "${common[@]}" --messages "$steady_per_device" --rate "$half_rate" \
      <<'PY'
import json, subprocess, sys, time, urllib.request
url, token, urls, batch, max_pending, records = sys.argv[1:7]
publisher = sys.argv[7:]
records = int(records)

def call(method, path, body=None):
    request = urllib.request.Request(url + path, method=method,
                                     headers={"Authorization": "Bearer " + token,
                                              "Content-Type": "application/json"},
                                     data=None if body is None else json.dumps(body).encode())
    with urllib.request.urlopen(request, timeout=10) as answer:
        return json.load(answer)

first = call("GET", "/api/v1/streams/telemetry/records?from=0&limit=1")["records"][0]
payload = first.get("payload", first.get("data"))
payload_bytes = len(payload if isinstance(payload, str) else json.dumps(payload, separators=(",", ":")))

started = time.monotonic()
call("POST", "/api/v1/exports", {
    "name": "bench", "stream": "telemetry", "start": 0, "batch_size": int(batch),
    "destination": {"type": "nats",
                    "options": {"url": urls, "max_pending": int(max_pending)}}})
while True:
    state = call("GET", "/api/v1/exports/bench")
    if state["lag_records"] == 0 and state["position"] >= records:
        break
    if time.monotonic() - started > 600:
        sys.exit("export.sh: the export did not catch up in 600 s: " + json.dumps(state))
    time.sleep(0.02)
elapsed = time.monotonic() - started
export_rate = state["position"] / elapsed
print("hub export: %d records in %.2f s = %.0f records/s (failures %d)"
      % (state["position"], elapsed, export_rate, state["failures"]), file=sys.stderr)

# CPU time (seconds) per program name, and the machine's busy and total
# time, from /proc: where the cores went while the lag was measured.
import os, resource
TICK = os.sysconf("SC_CLK_TCK")
# The publishers are this script's child (ingest_bench): their CPU comes from
# its rusage once they have exited; the servers' from /proc.
SERVERS = ("nats-server", "mosquitto", "hubd")
def cpu_by_program():
    used = dict.fromkeys(SERVERS, 0.0)
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open("/proc/%s/stat" % pid) as stat:
                line = stat.read()
        except OSError:
            continue
        name = line[line.index("(") + 1:line.rindex(")")]
        if name in used:
            fields = line[line.rindex(")") + 2:].split()
            used[name] += (int(fields[11]) + int(fields[12])) / TICK
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    used["ingest_bench"] = children.ru_utime + children.ru_stime
    return used
def machine_times():
    with open("/proc/stat") as stat:
        values = [int(v) for v in stat.readline().split()[1:]]
    idle = values[3] + values[4]  # idle + iowait
    return sum(values) - idle, sum(values)

# Steady ingest at half the hub's rate; the lag sampled every 20 ms.
cpu_before, (busy_before, total_before) = cpu_by_program(), machine_times()
process = subprocess.Popen(publisher, stdout=subprocess.DEVNULL)
lags, ages, times = [], [], []
steady_start = time.monotonic()
while True:
    running = process.poll() is None
    state = call("GET", "/api/v1/exports/bench")
    lags.append(state["lag_records"])
    ages.append(state["oldest_unexported_age_ms"] or 0)
    times.append(time.monotonic() - steady_start)
    if not running:
        break
    time.sleep(0.02)
steady_seconds = time.monotonic() - steady_start
cpu_after, (busy_after, total_after) = cpu_by_program(), machine_times()
cpu_percent = {name: round(100 * (cpu_after[name] - cpu_before[name]) / steady_seconds)
               for name in cpu_after}
machine_busy_percent = round(100 * (busy_after - busy_before) / max(1, total_after - total_before))
print("CPU while steady (%% of one core): %s; machine busy %d%% of %d cores"
      % (cpu_percent, machine_busy_percent, os.cpu_count()), file=sys.stderr)
if process.returncode != 0:
    sys.exit("export.sh: the paced publishers failed")
# When the worst sample was, and how many were over 100 ms: a start-up
# burst and a steady lag look alike in the percentiles.
worst = max(range(len(ages)), key=lambda i: ages[i])
worst_at_s = round(times[worst], 2)
over_100ms = sum(1 for age in ages if age > 100)
ages.sort()
p50 = ages[len(ages) // 2]
p99 = ages[min(len(ages) - 1, int(0.99 * len(ages)))]
print("lag at half rate: %d samples, max %d records, age p50 %d ms, p99 %d ms, max %d ms "
      "(at %.2f s), %d samples over 100 ms"
      % (len(ages), max(lags), p50, p99, ages[-1], worst_at_s, over_100ms), file=sys.stderr)
print(json.dumps({"hub_records": records, "hub_payload_bytes": payload_bytes,
                  "hub_export_records_per_s": round(export_rate),
                  "hub_export_failures": state["failures"],
                  "lag_samples": len(ages), "lag_records_max_at_half_rate": max(lags),
                  "lag_ms_at_half_rate": ages[-1], "lag_ms_p99_at_half_rate": p99,
                  "lag_ms_p50_at_half_rate": p50, "lag_max_at_s": worst_at_s,
                  "lag_samples_over_100ms": over_100ms,
                  "steady_cpu_percent": cpu_percent,
                  "steady_machine_busy_percent": machine_busy_percent}))
PY
  )"
  hub_json="$(python3 -c 'import json,sys; h=json.loads(sys.argv[1]); h["hub_ingest_records_per_s"]=round(float(sys.argv[2])); h["half_rate"]=int(sys.argv[3]); print(json.dumps(h))' \
    "$hub_json" "$hub_ingest_rate" "$half_rate")"
  [[ -n "$payload_bytes" ]] || payload_bytes="$(field "$hub_json" hub_payload_bytes)"
  stop_hub
  if [[ -n "${CLUSTER[1]:-}" ]]; then echo quit >&"${CLUSTER[1]}"; fi
  wait "$cluster_pid" 2>/dev/null || true; cluster_pid=""
fi
# -------------------------------------------------------------------------

# export_bench starts and stops the cluster itself (its nodes die with it).
engine_json="$("$bin/export_bench" \
  --records "${BENCH_RECORDS:-100000}" --payload-bytes "${payload_bytes:-200}" \
  --batch "$batch" --max-pending "$max_pending" \
  --rounds "${BENCH_ROUNDS:-3}" | tail -n 1)"

# Both in one line; "hub_ratio": the hub's export rate / the raw publisher's.
python3 -c '
import json, sys
engine, hub = json.loads(sys.argv[1]), json.loads(sys.argv[2])
engine.update(hub)
if "hub_export_records_per_s" in hub:
    engine["hub_ratio"] = round(hub["hub_export_records_per_s"] / engine["raw_jetstream_msgs_per_s"], 3)
    # What the cluster alone needs to keep up at half rate (% of one core),
    # at the CPU per message it spent in the export rounds.
    engine["cluster_cpu_percent_needed_at_half_rate"] = round(
        hub["half_rate"] * engine["cluster_cpu_us_per_msg_export"] / 1e4)
print(json.dumps(engine))' "$engine_json" "$hub_json"
