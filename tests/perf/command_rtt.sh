#!/usr/bin/env bash
# Command round-trip benchmark (not a test): starts hubd (and its mosquitto)
# on free loopback ports in a temporary directory, connects BENCH_DEVICES
# (1000) simulated devices with firmware-sim, then measures with
# tests/perf/command_rtt.py:
#   hub: operator -> REST -> hubd -> mosquitto -> device -> mosquitto -> hubd
#        -> operator (synchronous `ping`, one at a time; then throughput with
#        BENCH_CONCURRENCY parallel operators)
#   raw: the same MQTT request/response (QoS 1 both ways, same TLS) through a
#        plain mosquitto started next to it, without the hub.
#   paho: the raw round trip again with two Paho MQTT C++ clients (the hub's
#        MQTT library; build/bin/paho_rtt): the client library's own share.
# The last line printed is one JSON object: p50_ms, p99_ms, raw_p50_ms,
# raw_p99_ms, commands_per_s, paho_p50_ms, paho_p99_ms, ratio_p50 (p50 / raw_p50),
# ratio_p50_vs_paho, ...
#
# Environment: EDGEHUB_BUILD_DIR (default build/), BENCH_DEVICES (1000),
# BENCH_COMMANDS (2000), BENCH_CONCURRENCY (8), BENCH_SKIP_BUILD=1,
# BENCH_DEVICE_LIMITS=1 to keep hubd's per-device limits (by default hubd runs
# with --no-device-limits: the responses of a device are sent back to back,
# and the benchmark measures the hub, not its limits).
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
build="${EDGEHUB_BUILD_DIR:-$repo/build}"
devices="${BENCH_DEVICES:-1000}"
commands="${BENCH_COMMANDS:-2000}"
concurrency="${BENCH_CONCURRENCY:-8}"
device_limits=(--no-device-limits)
[[ "${BENCH_DEVICE_LIMITS:-0}" == 1 ]] && device_limits=()

if [[ "${BENCH_SKIP_BUILD:-0}" != 1 ]]; then
  EDGEHUB_BUILD_DIR="$build" "$repo/deploy/build.sh" --target hubd hubctl firmware-sim edgehub_mosquitto_auth paho_rtt >&2
fi
bin="$build/bin"
work="$(mktemp -d /tmp/edgehub-rtt.XXXXXX)"
data="$work/data"
hubd_pid=""
sim_pid=""
raw_pid=""
source "$repo/tests/perf/bench_lib.sh"

cleanup() {
  stop_pid "$sim_pid"
  stop_pid "$raw_pid"
  stop_hub
  if [[ "${BENCH_KEEP:-0}" == 1 ]]; then echo "kept $work" >&2; else rm -rf "$work"; fi
}
trap cleanup EXIT

mqtt_port="$(free_port)"
http_port="$(free_port)"
raw_port="$(free_port)"
start_hubd "$mqtt_port" "$http_port" "${device_limits[@]}"
connect_simulated_devices "$mqtt_port" "$http_port" "$devices" rtt-

log "starting a plain mosquitto (raw baseline, port $raw_port, same TLS)"
cat >"$work/raw.conf" <<CONF
listener $raw_port 127.0.0.1
cafile $data/pki/ca.pem
certfile $data/pki/server.pem
keyfile $data/pki/server.key
require_certificate false
allow_anonymous true
set_tcp_nodelay true
persistence false
user $(id -un)
CONF
mosquitto -c "$work/raw.conf" >"$work/raw.log" 2>&1 &
raw_pid=$!
sleep 0.5

ids="$(python3 -c "print(','.join('rtt-%04d' % i for i in range(1, min($devices, 1000) + 1)))")"
log "measuring $commands commands (hub, then raw)"
python3 "$repo/tests/perf/command_rtt.py" --http-port "$http_port" --token "$token" \
  --devices "$ids" --raw-port "$raw_port" --ca "$data/pki/ca.pem" --count "$commands" \
  --concurrency "$concurrency" | tail -n 1 >"$work/result.json"
log "measuring $commands raw round trips with Paho"
"$bin/paho_rtt" --port "$raw_port" --ca "$data/pki/ca.pem" --count "$commands" | tail -n 1 >"$work/paho.json"
python3 -c "
import json, sys
result = json.load(open('$work/result.json'))
result.update(json.load(open('$work/paho.json')))
result['devices'] = $devices
# The target is p50 within 2x of the raw round trip (minimal clients); the
# same ratio against two Paho clients, the hub's MQTT library, for reference.
result['ratio_p50'] = round(result['p50_ms'] / result['raw_p50_ms'], 2)
result['ratio_p50_vs_paho'] = round(result['p50_ms'] / result['paho_p50_ms'], 2)
print(json.dumps(result))"
