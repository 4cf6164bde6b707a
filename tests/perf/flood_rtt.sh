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
# BENCH_SKIP_BUILD=1,
# BENCH_NETNS=1: the attacker on "another machine": the hub, the victims and
# the operator run in a network namespace of their own ("the site", loopback
# inside it), the attackers in a second one joined to it by a veth pair, and
# the site applies deploy/connect-rate-limit.sh to the MQTT port as
# docs/security.md recommends (BENCH_RATE_LIMIT=0 leaves it off). Needs root.
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

# BENCH_NETNS=1: set up the two namespaces, run this script again inside the
# site one, and remove them whatever happens.
if [[ "${BENCH_NETNS:-0}" == 1 && -z "${BENCH_SITE_NETNS:-}" ]]; then
  site="edgehub-site-$$" attacker="edgehub-atk-$$" subnet="10.213.$((RANDOM % 250))"
  source "$repo/tests/support/linked_namespaces.sh"
  trap 'remove_namespaces "$site" "$attacker"' EXIT
  link_namespaces "$site" "$attacker" "$subnet"
  status=0
  ip netns exec "$site" env BENCH_SITE_NETNS="$site" BENCH_ATTACKER_NETNS="$attacker" \
    BENCH_ATTACKER_TARGET="$subnet.1" BENCH_SKIP_BUILD=1 EDGEHUB_BUILD_DIR="$build" \
    bash "${BASH_SOURCE[0]}" || status=$?
  exit "$status"
fi

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
attacker_target=127.0.0.1
if [[ -n "${BENCH_SITE_NETNS:-}" ]]; then
  attacker_target="$BENCH_ATTACKER_TARGET"
  start_hubd "$mqtt_port" "$http_port" --mqtt-bind 0.0.0.0 ${BENCH_HUBD_ARGS:-}
  if [[ "${BENCH_RATE_LIMIT:-1}" == 1 ]]; then "$repo/deploy/connect-rate-limit.sh" --port "$mqtt_port" >&2; fi
else
  start_hubd "$mqtt_port" "$http_port" ${BENCH_HUBD_ARGS:-}
fi
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
  --attacker-nice "${BENCH_ATTACKER_NICE:-0}" --attacker-host "$attacker_target" \
  --attacker-netns "${BENCH_ATTACKER_NETNS:-}" | tail -n 1 >"$work/result.json"
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
result['attacker_network'] = 'namespace' if '${BENCH_SITE_NETNS:-}' else 'loopback'
result['connect_rate_limit'] = bool('${BENCH_SITE_NETNS:-}') and '${BENCH_RATE_LIMIT:-1}' == '1'
print(json.dumps(result))"
