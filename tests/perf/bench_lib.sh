# Shared by the benchmarks that run a whole hub (source it; not a program):
# logging, stopping processes, free ports, starting hubd in a work directory
# and connecting a fleet of simulated devices to it, CPU time of a process
# and of the whole machine.
#
# Expects: $bin (programs), $work (temporary directory), $data ($work/data).
# Sets: hubd_pid, token (start_hubd); sim_pid (connect_simulated_devices).

log() { echo "[$(date -u +%H:%M:%S)] $*" >&2; }

stop_pid() {
  local pid="$1"
  [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
  kill -KILL "$pid" 2>/dev/null || true
}

# The pid of the broker hubd started ("" when there is none).
broker_pid() { cat "$data/broker/mosquitto.pid" 2>/dev/null || true; }

# Stops hubd and the broker it started (it outlives a killed hubd by design).
stop_hub() {
  stop_pid "${hubd_pid:-}"
  stop_pid "$(broker_pid)"
}

# CPU seconds (user + system) in a /proc stat file: a process's (all its
# threads) or a thread's; 0 if it is gone. The fields after "pid (name) ",
# so that a name with spaces does not shift them.
stat_cpu_seconds() {
  [[ -r "$1" ]] || { echo 0; return; }
  sed 's/^.*) //' "$1" | awk -v hz="$(getconf CLK_TCK)" '{ printf "%.2f", ($12 + $13) / hz }'
}
cpu_seconds() { stat_cpu_seconds "/proc/$1/stat"; }
minus() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a - b }'; }

free_port() {
  local port
  while true; do
    port=$((20000 + RANDOM % 40000))
    # Any socket on the port (a client connection's local port too), not only listeners.
    if ! ss -tan "( sport = :$port )" 2>/dev/null | grep -q ":$port"; then echo "$port"; return; fi
  done
}

# start_hubd MQTT_PORT HTTP_PORT [more hubd options...]: until it is connected
# to its broker (exits the script with hubd's log if it dies first).
start_hubd() {
  local mqtt_port="$1" http_port="$2"
  shift 2
  log "starting hubd (mqtt $mqtt_port, http $http_port) in $work"
  # Plain HTTP on loopback (--http-plain): the benchmarks measure the hub,
  # not TLS, and their curl/hubctl/firmware-sim calls use http://.
  "$bin/hubd" --data-dir "$data" --mqtt-port "$mqtt_port" --http-port "$http_port" --http-plain \
    --log-level warn "$@" >"$work/hubd.log" 2>&1 &
  hubd_pid=$!
  for _ in $(seq 300); do
    if curl -fs "http://127.0.0.1:$http_port/api/v1/health" 2>/dev/null | grep -q '"broker_connected":true'; then break; fi
    kill -0 "$hubd_pid" 2>/dev/null || { echo "hubd exited:" >&2; cat "$work/hubd.log" >&2; exit 1; }
    sleep 0.1
  done
  token="$(cat "$data/api-token")"
}

# count_connected_devices HTTP_PORT: devices connected now, counted over the
# paged device list (GET /api/v1/devices?state=connected, next_after); 0 if
# the hub does not answer.
count_connected_devices() {
  python3 - "$1" "$token" <<'PY' 2>/dev/null || echo 0
import json, sys, urllib.request
port, token = sys.argv[1], sys.argv[2]
count, after = 0, None
while True:
    url = "http://127.0.0.1:%s/api/v1/devices?state=connected&limit=5000" % port
    if after:
        url += "&after=" + after
    request = urllib.request.Request(url, headers={"Authorization": "Bearer " + token})
    page = json.load(urllib.request.urlopen(request, timeout=10))
    count += len(page["devices"])
    after = page.get("next_after")
    if not after:
        break
print(count)
PY
}

# connect_simulated_devices MQTT_PORT HTTP_PORT COUNT ID_PREFIX: firmware-sim
# registers COUNT devices (<prefix>0001...) and connects them; returns once
# the hub sees all of them connected.
connect_simulated_devices() {
  local mqtt_port="$1" http_port="$2" devices="$3" prefix="$4" connected=0
  log "connecting $devices simulated devices"
  "$bin/firmware-sim" --host 127.0.0.1 --port "$mqtt_port" --cert-dir "$work/devices" \
    --devices "$devices" --id-prefix "$prefix" --interval-ms 60000 --register \
    --hub "http://127.0.0.1:$http_port" --data-dir "$data" --log-level warn >"$work/sim.log" 2>&1 &
  sim_pid=$!
  for _ in $(seq 1200); do
    connected="$(count_connected_devices "$http_port")"
    [[ "$connected" -ge "$devices" ]] && break
    kill -0 "$sim_pid" 2>/dev/null || { echo "firmware-sim exited:" >&2; tail -20 "$work/sim.log" >&2; exit 1; }
    sleep 0.5
  done
  log "$connected devices connected"
  [[ "$connected" -ge "$devices" ]] || { echo "only $connected of $devices devices connected" >&2; exit 1; }
}

# The whole machine's CPU time from /proc/stat, in ticks: "busy total" (busy
# = everything but idle and iowait). machine_busy_percent_since takes an
# earlier reading and prints how busy all cores together were since, in %
# of all of them: what tells a benchmark that it measured a saturated machine.
machine_ticks() { awk '$1 == "cpu" { t = 0; for (i = 2; i <= NF; ++i) t += $i; print t - $5 - $6, t }' /proc/stat; }
machine_busy_percent_since() {
  local before_busy before_total
  read -r before_busy before_total <<<"$1"
  machine_ticks | awk -v b="$before_busy" -v t="$before_total" \
    '{ printf "%d", ($2 > t) ? 100 * ($1 - b) / ($2 - t) : 0 }'
}
