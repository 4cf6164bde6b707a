#!/usr/bin/env bash
# Ingest benchmark (not a test): builds the project (deploy/build.sh), starts
# the stack on 127.0.0.1 with free ports in a temporary directory, and
# measures with build/bin/ingest_bench (tests/perf/ingest_bench.cpp; its
# publishers are libmosquitto clients, as cheap as a device's, so that the
# rates measure the broker and the hub rather than the load tool):
#   1. raw pass-through: publishers -> mosquitto (hubd's generated config, same
#      TLS, same plugin, without the broker journal) -> a plain Paho
#      subscriber with hubd's identity and settings
#   2. hub: the same publishers -> mosquitto (its plugin journals each
#      message before the PUBACK) -> broker journal -> hubd -> telemetry
#      stream (telemetry crosses the broker once; BENCH_TELEMETRY_PATH=mqtt
#      measures hubd's MQTT path instead)
#   steps 1 and 2 alternate BENCH_ROUNDS times (3); the figures are the
#   medians of the rounds, so that a burst of load on the shared machine
#   during one step does not decide the ratio
#   3. latency at half the hub's rate: publish -> visible in the stream (after
#      one second of warm-up, which is reported apart; the reader long-polls),
#      split at the broker's receive time; and the raw path's publish ->
#      arrival at the same rate, for comparison; for both, how busy the
#      whole machine was meanwhile (% of all cores: a latency measured on a
#      saturated machine is the machine's queue, whatever the path)
#   4. replay: 1,000,000 records read through the REST API
# The last line printed is one JSON object with every figure.
#
# Environment: EDGEHUB_BUILD_DIR (default build/), BENCH_DEVICES (4),
# BENCH_PUBLISHER_THREADS (4: the devices are spread over that many threads,
# each serving its devices with one poll()),
# BENCH_MESSAGES per device (25000), BENCH_WINDOW (100), BENCH_REPLAY
# (1000000), BENCH_ROUNDS (3), BENCH_SKIP_BUILD=1 to use the binaries as they are, BENCH_ROUTE=1
# to run the hub steps with one route in force, BENCH_KEEP=1 to keep the
# temporary directory, BENCH_DEVICE_LIMITS=1 to keep hubd's per-device limits
# (by default hubd runs with --no-device-limits: each publisher sends far more
# than the 200 msg/s a device may sustain, and a benchmark that hits a limit
# measures the limit). BENCH_PUBLISHERS_OWN_SESSION=1 runs the publishers'
# process in a session of its own (setsid): with the kernel's autogroup
# scheduling each session gets an equal share of the CPU, so the publishers
# then no longer take their CPU from the broker's and hubd's share (closer to
# devices on other machines); the same for the raw and the hub rounds.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
build="${EDGEHUB_BUILD_DIR:-$repo/build}"
devices="${BENCH_DEVICES:-4}"
messages="${BENCH_MESSAGES:-25000}"
window="${BENCH_WINDOW:-100}"
replay_count="${BENCH_REPLAY:-1000000}"
rounds="${BENCH_ROUNDS:-3}"
device_limits=(--no-device-limits)
[[ "${BENCH_DEVICE_LIMITS:-0}" == 1 ]] && device_limits=()

if [[ "${BENCH_SKIP_BUILD:-0}" != 1 ]]; then
  EDGEHUB_BUILD_DIR="$build" "$repo/deploy/build.sh" --target hubd hubctl ingest_bench edgehub_mosquitto_auth >&2
fi
bin="$build/bin"
work="$(mktemp -d /tmp/edgehub-bench.XXXXXX)"
data="$work/data"
hubd_pid=""
mosquitto_pid=""
subscriber_pid=""

source "$repo/tests/perf/bench_lib.sh"  # log, stop_pid, cpu_seconds, minus, broker_pid, machine_ticks

cleanup() {
  stop_pid "$hubd_pid"
  stop_pid "$mosquitto_pid"
  if [[ -f "$data/broker/mosquitto.pid" ]]; then stop_pid "$(cat "$data/broker/mosquitto.pid")"; fi
  if [[ "${BENCH_KEEP:-0}" == 1 ]]; then echo "kept $work" >&2; else rm -rf "$work"; fi
}
trap cleanup EXIT

# Something accepts connections on 127.0.0.1:<port> (bash's /dev/tcp, no tools needed).
listening() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

free_port() {
  local port
  while true; do
    port=$((20000 + RANDOM % 40000))
    if ! listening "$port"; then echo "$port"; return; fi
  done
}

mqtt_port="$(free_port)"
http_port="$(free_port)"
while [[ "$http_port" == "$mqtt_port" ]]; do http_port="$(free_port)"; done
url="http://127.0.0.1:$http_port"

start_hubd() {
  "$bin/hubd" --data-dir "$data" --mqtt-port "$mqtt_port" --http-port "$http_port" --http-plain \
    --broker-max-queued 10000000 "${device_limits[@]}" \
    --telemetry-path "${BENCH_TELEMETRY_PATH:-broker-journal}" ${BENCH_HUBD_ARGS:-} \
    --log-level warn >>"$work/hubd.log" 2>&1 &
  hubd_pid=$!
  for _ in $(seq 300); do
    if curl -sf "$url/api/v1/health" 2>/dev/null | grep -q '"broker_connected":true'; then return 0; fi
    kill -0 "$hubd_pid" 2>/dev/null || { cat "$work/hubd.log" >&2; return 1; }
    sleep 0.1
  done
  echo "hubd not ready" >&2; cat "$work/hubd.log" >&2; return 1
}

stop_hubd() { stop_pid "$hubd_pid"; hubd_pid=""; }

# Each thread's name and CPU seconds, one line, for the log.
thread_cpu() {
  local task
  for task in /proc/"$1"/task/*; do
    printf '%s=%s ' "$(tr ' ' _ <"$task/comm")" "$(stat_cpu_seconds "$task/stat")"
  done
}

field() { sed -E "s/.*\"$2\":([0-9.eE+-]+).*/\1/" <<<"$1"; }

log "stack: mqtt 127.0.0.1:$mqtt_port, http $url, data $data"
start_hubd
for i in $(seq 0 $((devices - 1))); do
  "$bin/hubctl" --hub "$url" --data-dir "$data" devices add "bench-$i" --out "$work/devices" >/dev/null
done
token="$(cat "$data/api-token")"
stop_hubd  # a graceful stop stops its broker too

log "filling stream 'replay' with $replay_count records"
"$bin/ingest_bench" fill --streams-db "$data/streams.db" --stream replay --count "$replay_count" >&2

publishers=("$bin/ingest_bench")
[[ "${BENCH_PUBLISHERS_OWN_SESSION:-0}" == 1 ]] && publishers=(setsid -w "$bin/ingest_bench")
common=(--port "$mqtt_port" --ca "$data/pki/ca.pem" --devices-dir "$work/devices"
        --devices "$devices" --window "$window" --publisher-threads "${BENCH_PUBLISHER_THREADS:-4}")

# The pass-through broker (hubd's configuration without the journal lines)
# and the plain subscriber expecting $1 messages (more subscriber options
# after it); sets mosquitto_pid and subscriber_pid.
start_raw_path() {
  local expect=$1; shift
  grep -v '^plugin_opt_journal' "$data/broker/mosquitto.conf" >"$work/raw-mosquitto.conf"
  "${MOSQUITTO:-/usr/sbin/mosquitto}" -c "$work/raw-mosquitto.conf" >>"$work/mosquitto.out" 2>&1 &
  mosquitto_pid=$!
  for _ in $(seq 100); do listening "$mqtt_port" && break; sleep 0.1; done
  "$bin/ingest_bench" subscribe --port "$mqtt_port" --ca "$data/pki/ca.pem" \
    --service-cert "$data/pki/hubd.pem" --service-key "$data/pki/hubd.key" \
    --expect "$expect" "$@" >"$work/subscriber.out" 2>&1 &
  subscriber_pid=$!
  for _ in $(seq 100); do grep -q subscribed "$work/subscriber.out" && break; sleep 0.1; done
}

# One raw round: mosquitto alone with hubd's configuration; prints msg/s.
raw_round() {
  start_raw_path $((devices * messages))
  local publish_json subscriber_json
  publish_json="$("${publishers[@]}" publish "${common[@]}" --messages "$messages" | tail -1)"
  wait "$subscriber_pid"
  subscriber_json="$(tail -1 "$work/subscriber.out")"
  echo "raw $(field "$subscriber_json" cpu_s) $(cpu_seconds "$mosquitto_pid") $(field "$publish_json" cpu_s)" >>"$work/cpu.txt"
  stop_pid "$mosquitto_pid"; mosquitto_pid=""
  local elapsed_us=$(( $(field "$subscriber_json" last_arrival_us) - $(field "$publish_json" start_us) ))
  awk -v n="$(field "$publish_json" published)" -v us="$elapsed_us" 'BEGIN { printf "%.1f", n * 1e6 / us }'
}

rest=(--http-port "$http_port" --token "$token")

# The raw path's latency at a rate: the same publishers, paced, through the
# pass-through broker to the plain subscriber (publish -> arrival, after a
# 1 s warm-up as in the hub's step 3); prints the subscriber's JSON line.
raw_latency() {
  local rate=$1 seconds=$2
  local per_device; per_device="$(awk -v r="$rate" -v s="$seconds" -v d="$devices" 'BEGIN { n = int(r * (s + 1) / d); print (n < 1 ? 1 : n) }')"
  start_raw_path $((devices * per_device)) --latency-warmup-ms 1000
  local ticks; ticks="$(machine_ticks)"
  "${publishers[@]}" publish "${common[@]}" --messages "$per_device" --rate "$rate" >/dev/null
  wait "$subscriber_pid"
  # In a file: the caller often runs this in a subshell, $(raw_latency ...).
  machine_busy_percent_since "$ticks" >"$work/raw_latency_busy"
  stop_pid "$mosquitto_pid"; mosquitto_pid=""
  grep '^subscriber:' "$work/subscriber.out" >&2
  log "raw path at $rate msg/s: machine busy $(cat "$work/raw_latency_busy")% of $(nproc) cores"
  tail -1 "$work/subscriber.out"
}

# One hub round: hubd (and its broker) started, measured, stopped; prints msg/s.
hub_round() {
  start_hubd
  if [[ "${BENCH_ROUTE:-0}" == 1 ]]; then
    "$bin/hubctl" --hub "$url" --data-dir "$data" routes add bench --stream routed \
      --condition "\$.temperature > 20 AND device LIKE 'bench-%'" \
      --projection "json_object('t', \$.temperature, 'sent_us', \$.sent_us, 'attrs', attributes.\$)" \
      >/dev/null 2>&1 || true  # exists from an earlier round
  fi
  local hub_json
  hub_json="$("${publishers[@]}" hub "${common[@]}" "${rest[@]}" --messages "$messages" | tail -1)"
  local broker; broker="$(broker_pid)"
  echo "hub $(cpu_seconds "$hubd_pid") ${broker:+$(cpu_seconds "$broker")} $(field "$hub_json" cpu_s)" >>"$work/cpu.txt"
  log "hub round: every publish acknowledged after $(field "$hub_json" acknowledged_s) s, all stored after $(field "$hub_json" stored_s) s"
  log "hubd threads, CPU s: $(thread_cpu "$hubd_pid")"
  stop_hubd
  field "$hub_json" hub_msgs_per_s
}

median() { tr ' ' '\n' <<<"$*" | sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

# BENCH_LATENCY_ONLY=<msg/s>: only step 3, at that rate (for looking into the
# latency; BENCH_LATENCY_SECONDS, default 5).
if [[ -n "${BENCH_LATENCY_ONLY:-}" ]]; then
  log "raw latency only, at $BENCH_LATENCY_ONLY msg/s"
  raw_latency "$BENCH_LATENCY_ONLY" "${BENCH_LATENCY_SECONDS:-5}" >/dev/null
  start_hubd
  log "latency only, at $BENCH_LATENCY_ONLY msg/s"
  hubd_cpu_before="$(cpu_seconds "$hubd_pid")"; broker_cpu_before="$(cpu_seconds "$(broker_pid)")"
  ticks="$(machine_ticks)"
  /usr/bin/time -f "latency tool: %U user + %S system s, %e s elapsed" \
    "${publishers[@]}" latency "${common[@]}" "${rest[@]}" --rate "$BENCH_LATENCY_ONLY" \
    --seconds "${BENCH_LATENCY_SECONDS:-5}" | tail -2
  log "machine busy $(machine_busy_percent_since "$ticks")% of $(nproc) cores during the latency tool's run (raw path: $(cat "$work/raw_latency_busy")%)"
  log "CPU s during it: hubd $(minus "$(cpu_seconds "$hubd_pid")" "$hubd_cpu_before"), mosquitto $(minus "$(cpu_seconds "$(broker_pid)")" "$broker_cpu_before")"
  log "CPU s since start: hubd $(cpu_seconds "$hubd_pid"), mosquitto $(cpu_seconds "$(broker_pid)"); hubd threads: $(thread_cpu "$hubd_pid")"
  exit 0
fi

raw_rates=(); hub_rates=()
for round in $(seq "$rounds"); do
  log "round $round/$rounds, raw: publishers -> mosquitto -> plain subscriber"
  raw_rates+=("$(raw_round)")
  log "round $round/$rounds, hub: publishers -> mosquitto -> hubd -> telemetry stream"
  [[ "${BENCH_ROUTE:-0}" == 1 ]] && log "with one route (every message matches, projected, attributes looked up)"
  hub_rates+=("$(hub_round)")
  log "round $round/$rounds: raw ${raw_rates[-1]} msg/s, hub ${hub_rates[-1]} msg/s"
done
raw_rate="$(median "${raw_rates[@]}")"
# CPU per message (medians of the rounds): less sensitive to other load on
# the machine than the rates, and the hub's cost over a plain subscriber.
cpu_us() { awk -v kind="$1" -v col="$2" -v n=$((devices * messages)) \
  '$1 == kind && NF >= col { printf "%.2f ", $col * 1e6 / n }' "$work/cpu.txt"; }
raw_subscriber_cpu_us="$(median $(cpu_us raw 2))"
raw_broker_cpu_us="$(median $(cpu_us raw 3))"
hub_cpu_us="$(median $(cpu_us hub 2))"
hub_broker_cpu_us="$(median $(cpu_us hub 3))"
# The publishers' own CPU (the hub round's also polls the record count).
raw_publisher_cpu_us="$(median $(cpu_us raw 4))"
hub_publisher_cpu_us="$(median $(cpu_us hub 4))"
log "CPU per message, us: hubd $hub_cpu_us (raw subscriber $raw_subscriber_cpu_us), mosquitto $hub_broker_cpu_us (raw $raw_broker_cpu_us)"
hub_rate="$(median "${hub_rates[@]}")"
start_hubd

half_rate="$(awk -v r="$hub_rate" 'BEGIN { printf "%d", r / 2 }')"

log "latency at $half_rate msg/s"
ticks="$(machine_ticks)"
latency_json="$("${publishers[@]}" latency "${common[@]}" "${rest[@]}" --rate "$half_rate" \
  --seconds 5 | tee /dev/stderr | tail -1)"
latency_busy="$(machine_busy_percent_since "$ticks")"
log "machine busy $latency_busy% of $(nproc) cores during the latency step"

log "replay of $replay_count records through the REST API"
replay_json="$("$bin/ingest_bench" replay "${rest[@]}" --stream replay --count "$replay_count" \
  | tee /dev/stderr | tail -1)"
stop_hubd

log "raw path latency at the same $half_rate msg/s (publish -> plain subscriber)"
raw_latency_json="$(raw_latency "$half_rate" 5)"

"$bin/ingest_bench" summary \
  "hub_msgs_per_s=$hub_rate" \
  "raw_msgs_per_s=$raw_rate" \
  "raw_rounds=$(tr ' ' ',' <<<"${raw_rates[*]}")" "hub_rounds=$(tr ' ' ',' <<<"${hub_rates[*]}")" \
  "p50_ms=$(field "$latency_json" p50_ms)" \
  "p99_ms=$(field "$latency_json" p99_ms)" \
  "latency_warmup_p99_ms=$(field "$latency_json" warmup_p99_ms)" \
  "latency_warmup_max_ms=$(field "$latency_json" warmup_max_ms)" \
  "to_broker_p99_ms=$(field "$latency_json" to_broker_p99_ms)" \
  "after_broker_p99_ms=$(field "$latency_json" after_broker_p99_ms)" \
  "latency_rate_msgs_per_s=$half_rate" \
  "raw_p50_ms=$(field "$raw_latency_json" raw_p50_ms)" \
  "raw_p99_ms=$(field "$raw_latency_json" raw_p99_ms)" \
  "latency_machine_busy_pct=$latency_busy" "raw_latency_machine_busy_pct=$(cat "$work/raw_latency_busy")" \
  "replay_records_per_s=$(field "$replay_json" replay_records_per_s)" \
  "hub_cpu_us_per_msg=$hub_cpu_us" "raw_subscriber_cpu_us_per_msg=$raw_subscriber_cpu_us" \
  "hub_broker_cpu_us_per_msg=$hub_broker_cpu_us" "raw_broker_cpu_us_per_msg=$raw_broker_cpu_us" \
  "raw_publisher_cpu_us_per_msg=$raw_publisher_cpu_us" "hub_publisher_cpu_us_per_msg=$hub_publisher_cpu_us" \
  "devices=$devices" "messages_per_device=$messages"
