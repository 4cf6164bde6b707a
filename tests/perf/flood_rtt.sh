#!/usr/bin/env bash
# Fairness benchmark (not a test): the command round trip to well-behaved
# devices, unloaded and while one registered device attacks the hub (twin
# report flood, unknown command responses, telemetry flood, oversized
# payloads, connect loop: tests/perf/flood_rtt.py). Starts hubd (and its
# mosquitto) on free loopback ports in a temporary directory, BENCH_DEVICES
# (20) simulated devices with firmware-sim, and registers one attacker device
# per attack with hubctl. The last line printed is one JSON object: the
# unloaded p50/p99, the same per attack with the attacker's counts, and
# worst_ratio_p99 (the largest loaded p99 / unloaded p99; the target is <= 2).
#
# Environment: EDGEHUB_BUILD_DIR (default build/), BENCH_DEVICES (20),
# BENCH_COMMANDS (2000 per phase), BENCH_HUBD_ARGS (more hubd options),
# BENCH_KINDS (comma-separated attacks), BENCH_ATTACKER_NICE (0; 19 leaves
# the attackers only the CPU nothing else wants, as if they ran on another
# machine: on two cores their own TLS work otherwise competes with the hub),
# BENCH_SKIP_BUILD=1.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
build="${EDGEHUB_BUILD_DIR:-$repo/build}"
devices="${BENCH_DEVICES:-20}"
commands="${BENCH_COMMANDS:-2000}"
max_payload=262144

if [[ "${BENCH_SKIP_BUILD:-0}" != 1 ]]; then
  EDGEHUB_BUILD_DIR="$build" "$repo/deploy/build.sh" --target hubd hubctl firmware-sim edgehub_mosquitto_auth >&2
fi
bin="$build/bin"
work="$(mktemp -d /tmp/edgehub-flood.XXXXXX)"
data="$work/data"
hubd_pid=""
sim_pid=""
source "$repo/tests/perf/bench_lib.sh"

cleanup() {
  stop_pid "$sim_pid"
  stop_hub
  if [[ "${BENCH_KEEP:-0}" == 1 ]]; then echo "kept $work" >&2; else rm -rf "$work"; fi
}
trap cleanup EXIT

mqtt_port="$(free_port)"
http_port="$(free_port)"
# The hub's defaults: the per-device limits are what is being measured.
start_hubd "$mqtt_port" "$http_port" ${BENCH_HUBD_ARGS:-}
connect_simulated_devices "$mqtt_port" "$http_port" "$devices" flood-victim-

kinds="${BENCH_KINDS:-twin-reports,unknown-responses,telemetry,oversized,connect-loop}"
for kind in ${kinds//,/ }; do
  "$bin/hubctl" --hub "http://127.0.0.1:$http_port" --data-dir "$data" \
    devices add "flood-$kind" --out "$work/attackers" >/dev/null
done

ids="$(python3 -c "print(','.join('flood-victim-%04d' % i for i in range(1, $devices + 1)))")"
log "measuring $commands commands unloaded, then under each attack: $kinds"
python3 "$repo/tests/perf/flood_rtt.py" --http-port "$http_port" --mqtt-port "$mqtt_port" \
  --token "$token" --devices "$ids" --ca "$data/pki/ca.pem" --attackers "$work/attackers" \
  --count "$commands" --kinds "$kinds" --max-payload-bytes "$max_payload" \
  --hubd-pid "$hubd_pid" --broker-pid "$(cat "$data/broker/mosquitto.pid")" \
  --attacker-nice "${BENCH_ATTACKER_NICE:-0}" | tail -n 1 >"$work/result.json"
kill -0 "$hubd_pid" 2>/dev/null || { echo "hubd died during the attacks:" >&2; tail -30 "$work/hubd.log" >&2; exit 1; }
curl -fs "http://127.0.0.1:$http_port/api/v1/health" >"$work/health.json"
rss_kb() { awk '/^VmHWM/ {print $2}' "/proc/$1/status" 2>/dev/null || echo 0; }
python3 -c "
import json
result = json.load(open('$work/result.json'))
result['hub_counters'] = json.load(open('$work/health.json')).get('counters', {})
result['hubd_peak_rss_mb'] = round($(rss_kb "$hubd_pid") / 1024, 1)
result['mosquitto_peak_rss_mb'] = round($(rss_kb "$(cat "$data/broker/mosquitto.pid")") / 1024, 1)
result['devices'] = $devices
print(json.dumps(result))"
