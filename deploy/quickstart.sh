#!/usr/bin/env bash
# Quick start: builds the project, starts the hub (hubd, which generates its
# CA and certificates and runs mosquitto with the device-identity plugin) and
# a small simulated fleet, checks that telemetry flows and that a command is
# answered, and prints what to type next.
#
#   deploy/quickstart.sh          start (or show, if already running)
#   deploy/quickstart.sh --no-build
#                                 start with the programs already built in
#                                 the build directory (no packages, no build)
#   deploy/quickstart.sh --listen 192.168.1.10 --server-name hub.lan
#                                 start, and let devices on the network in:
#                                 an MQTT/TLS listener on that address (or
#                                 0.0.0.0 for all), the address and names in
#                                 the broker's server certificate
#   deploy/quickstart.sh stop     stop the fleet and the hub
#   deploy/quickstart.sh status   is it running?
#   deploy/quickstart.sh reset    stop, and delete the quick start's state
#                                 (hub data, certificates, fleet, logs)
#
# Idempotent: a second run finds the running hub and fleet and reuses them.
# Each stage says what it does; the build shows one progress line with the
# time left and keeps the compiler's output in <state dir>/build.log.
# Settings (environment): EDGEHUB_QUICKSTART_DIR (default <repo>/quickstart),
# EDGEHUB_BUILD_DIR (<repo>/build), EDGEHUB_JOBS (the number of cores),
# EDGEHUB_MQTT_PORT (8883), EDGEHUB_HTTP_PORT (8080), EDGEHUB_DEVICES (5),
# EDGEHUB_LISTEN (as --listen), EDGEHUB_SERVER_NAMES (space-separated, as
# --server-name). Listeners and names take effect when hubd (re)starts.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build_dir="${EDGEHUB_BUILD_DIR:-$repo/build}"
bin="$build_dir/bin"
state_dir="${EDGEHUB_QUICKSTART_DIR:-$repo/quickstart}"
data_dir="$state_dir/hub-data"
fleet_dir="$state_dir/fleet"
mqtt_port="${EDGEHUB_MQTT_PORT:-8883}"
http_port="${EDGEHUB_HTTP_PORT:-8080}"
devices="${EDGEHUB_DEVICES:-5}"
hub_url="https://127.0.0.1:$http_port"
# The REST API is HTTPS with the certificate of the hub's own CA (made at the
# first start): curl and hubctl trust that CA.
ca_file="$data_dir/pki/ca.pem"

say() { printf 'quickstart: %s\n' "$*"; }
stage_number=0
stage() { stage_number=$((stage_number + 1)); say "[$stage_number/$stage_count] $*"; }
die() { printf 'quickstart: error: %s\n' "$*" >&2; exit 1; }

pid_alive() { [[ -f "$1" ]] && kill -0 "$(cat "$1")" 2>/dev/null; }

hub_healthy() {
  [[ -f "$ca_file" ]] &&
    curl -fsS --max-time 2 --cacert "$ca_file" "$hub_url/api/v1/health" 2>/dev/null |
    grep -q '"broker_connected": *true'
}

wait_for() {  # wait_for <seconds> <description> <command...>
  local seconds=$1 what=$2; shift 2
  local deadline=$((SECONDS + seconds))
  until "$@"; do
    ((SECONDS < deadline)) || return 1
    sleep 0.3
  done
}

stop_all() {
  for name in fleet hubd; do
    local pid_file="$state_dir/$name.pid"
    if pid_alive "$pid_file"; then
      say "stopping $name (pid $(cat "$pid_file"))"
      kill -TERM "$(cat "$pid_file")"
      wait_for 15 "$name to stop" bash -c "! kill -0 $(cat "$pid_file") 2>/dev/null" ||
        kill -KILL "$(cat "$pid_file")" 2>/dev/null || true
    fi
    rm -f "$pid_file"
  done
}

listen="${EDGEHUB_LISTEN:-}"
read -r -a server_names <<<"${EDGEHUB_SERVER_NAMES:-}"
action=start build=1
while (($#)); do
  case "$1" in
    --listen) (($# >= 2)) || die "--listen needs an address"; listen=$2; shift 2 ;;
    --server-name) (($# >= 2)) || die "--server-name needs a name"; server_names+=("$2"); shift 2 ;;
    --no-build) build=0; shift ;;
    start | stop | status | reset) action=$1; shift ;;
    *) die "unknown argument '$1' (start, stop, status, reset, --listen ADDRESS, --server-name NAME, --no-build)" ;;
  esac
done
# The local fleet and hubctl keep using 127.0.0.1: a specific address gets a
# listener of its own beside loopback's.
listener_args=(--mqtt-bind 127.0.0.1)
case "$listen" in
  "" | 127.0.0.1) ;;
  0.0.0.0 | "::") listener_args=(--mqtt-bind "$listen") ;;
  *) listener_args+=(--mqtt-bind "$listen") ;;
esac
for name in "${server_names[@]}"; do listener_args+=(--server-name "$name"); done

case "$action" in
  stop) stop_all; exit 0 ;;
  reset)
    stop_all
    if [[ -d "$state_dir" ]]; then
      say "deleting $state_dir (hub data, certificates, fleet, logs)"
      rm -rf "$state_dir"
    fi
    exit 0 ;;
  status)
    pid_alive "$state_dir/hubd.pid" && say "hubd running (pid $(cat "$state_dir/hubd.pid"))" || say "hubd not running"
    pid_alive "$state_dir/fleet.pid" && say "fleet running (pid $(cat "$state_dir/fleet.pid"))" || say "fleet not running"
    exit 0 ;;
  start) ;;
  *) die "unknown action '$action' (start, stop, status, reset)" ;;
esac

started=$SECONDS
stage_count=3
((build)) && stage_count=6
mkdir -p "$state_dir" "$fleet_dir"
if ((build)); then
  stage "checking the packages the quick start needs (deploy/install-deps.sh --quickstart)"
  "$repo/deploy/install-deps.sh" --quickstart | sed 's/^/  /'
  build_log="$state_dir/build.log"
  : >"$build_log"
  stage "configuring the build in $build_dir (log: $build_log)"
  "$repo/deploy/configure.sh" >>"$build_log" 2>&1 || { tail -20 "$build_log" >&2; die "configuring failed (log: $build_log)"; }
  targets=(hubd hubctl firmware-sim edgehub_mosquitto_auth)
  jobs="${EDGEHUB_JOBS:-$(nproc)}"
  estimate=""
  if [[ -f "$build_dir/build.ninja" ]]; then
    steps="$(ninja -C "$build_dir" -n "${targets[@]}" 2>/dev/null | grep -c '^\[')" || steps=0
    # Measured from a fresh clone: about 5 s of one core per step (469 s of
    # CPU for 89 steps; docs/performance.md, "Quick start").
    estimate=$((steps * 5 / jobs))
    if ((steps == 0)); then
      stage "building hubd, hubctl, firmware-sim and the broker plugin: already up to date"
    else
      stage "building hubd, hubctl, firmware-sim and the broker plugin: $steps steps, about $(((estimate + 30) / 60)) min with $jobs jobs (log: $build_log)"
    fi
  else
    stage "building hubd, hubctl, firmware-sim and the broker plugin with $jobs jobs (log: $build_log)"
  fi
  set +e
  cmake --build "$build_dir" -j "$jobs" --target "${targets[@]}" 2>&1 | "$repo/deploy/build-progress.sh" "$build_log" $estimate
  built=${PIPESTATUS[0]}
  set -e
  if ((built != 0)); then
    grep -v '^\[' "$build_log" | tail -30 >&2
    die "the build failed (full log: $build_log)"
  fi
fi

hubctl=("$bin/hubctl" --hub "$hub_url" --data-dir "$data_dir")

if pid_alive "$state_dir/hubd.pid"; then
  stage "hubd already running (pid $(cat "$state_dir/hubd.pid"))"
else
  if (exec 3<>"/dev/tcp/127.0.0.1/$http_port") 2>/dev/null; then
    die "something else listens on 127.0.0.1:$http_port; set EDGEHUB_HTTP_PORT to a free port"
  fi
  stage "starting hubd (data in $data_dir, MQTT/TLS on ${listen:-127.0.0.1}:$mqtt_port, REST on 127.0.0.1:$http_port)"
  nohup "$bin/hubd" --data-dir "$data_dir" --mqtt-port "$mqtt_port" --http-port "$http_port" \
    "${listener_args[@]}" \
    >>"$state_dir/hubd.log" 2>&1 &
  echo $! >"$state_dir/hubd.pid"
fi
wait_for 30 "hubd" hub_healthy || { tail -20 "$state_dir/hubd.log" >&2; die "hubd did not become ready (log: $state_dir/hubd.log)"; }
say "hubd is ready"

if pid_alive "$state_dir/fleet.pid"; then
  stage "simulated fleet already running (pid $(cat "$state_dir/fleet.pid"))"
else
  stage "starting a simulated fleet of $devices devices (registers them on first run)"
  nohup "$bin/firmware-sim" --host 127.0.0.1 --port "$mqtt_port" --cert-dir "$fleet_dir" \
    --register --hub "$hub_url" --data-dir "$data_dir" \
    --devices "$devices" --id-prefix sim- --interval-ms 1000 \
    >>"$state_dir/fleet.log" 2>&1 &
  echo $! >"$state_dir/fleet.pid"
fi

# A record in the stream, not the stream alone: hubd creates it at start.
telemetry_flowing() {
  [[ -n "$("${hubctl[@]}" streams read telemetry --limit 1 2>/dev/null)" ]]
}
stage "checking that data flows: telemetry stored, a command answered"
wait_for 30 "telemetry" telemetry_flowing || { tail -20 "$state_dir/fleet.log" >&2; die "no telemetry arrived (logs: $state_dir/*.log)"; }
say "telemetry is flowing into the 'telemetry' stream"
if "${hubctl[@]}" send sim-0001 ping --timeout 5 >/dev/null; then
  say "command round trip works (sim-0001 answered ping)"
else
  die "sim-0001 did not answer ping (logs: $state_dir/*.log)"
fi
elapsed=$((SECONDS - started))
say "ready: data flowing $((elapsed / 60))m$(printf '%02d' $((elapsed % 60)))s after the start"

cat <<NEXT

The hub and $devices simulated devices are running. Put hubctl on your PATH,
with this hub and its API token, for this shell:

  export PATH="$bin:\$PATH" HUBCTL_URL=$hub_url HUBCTL_CA=$ca_file HUBCTL_TOKEN="\$(cat $data_dir/api-token)"

Then try:

  hubctl devices list
  hubctl streams list
  hubctl streams read telemetry --limit 10
  hubctl send sim-0001 ping
  hubctl send sim-0002 set-interval --payload '{"interval_ms": 200}'
  hubctl devices add my-device --out $state_dir/my-device

The web console: $hub_url/console/ (sign in with the API token in
$data_dir/api-token; the browser must trust $ca_file, or accept the
certificate once). Metrics for Prometheus: $hub_url/metrics (same token).

Logs: $state_dir/hubd.log, $state_dir/fleet.log, $data_dir/broker/mosquitto.log
Stop: deploy/quickstart.sh stop     Start over: deploy/quickstart.sh reset
NEXT
