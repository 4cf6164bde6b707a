# shellcheck shell=bash
# Source it (not a program): starts a hubd from a build tree on loopback
# for a shell test. Stop it with stop_hub (tests/support/stop_hub.sh).
# Needs python3 (free ports) and curl.

# free_ports N: prints N distinct free loopback TCP ports on one line (all
# bound at once before any is released, so that no two are the same).
free_ports() {
  python3 -c '
import socket, sys
sockets = [socket.socket() for _ in range(int(sys.argv[1]))]
for s in sockets: s.bind(("127.0.0.1", 0))
print(" ".join(str(s.getsockname()[1]) for s in sockets))' "$1"
}

# start_hub BIN_DIR DATA_DIR MQTT_PORT HTTP_PORT LOG_FILE: starts
# BIN_DIR/hubd (plugin from BIN_DIR/../lib) on 127.0.0.1 and waits up to
# 30 s until its health says the broker is connected. Sets hubd_pid (also
# when it fails, so that the caller's cleanup stops it); returns 1 if hubd
# exited or did not get ready.
start_hub() {
  local bin="$1" data="$2" mqtt_port="$3" http_port="$4" log="$5"
  "$bin/hubd" --data-dir "$data" --plugin "$bin/../lib/libedgehub_mosquitto_auth.so" \
    --mqtt-port "$mqtt_port" --http-port "$http_port" --http-plain >"$log" 2>&1 &
  hubd_pid=$!
  for _ in $(seq 1 150); do
    if curl -fsS --max-time 2 "http://127.0.0.1:$http_port/api/v1/health" 2>/dev/null |
      grep -q '"broker_connected":true'; then
      return 0
    fi
    kill -0 "$hubd_pid" 2>/dev/null || return 1
    sleep 0.2
  done
  return 1
}

# wait_for_api HUBD_PID HUBCTL_COMMAND...: waits up to 30 s until
# `HUBCTL_COMMAND --json streams list` succeeds (hubd's API answers; over
# HTTPS too, which start_hub's health check with plain curl does not
# cover); returns 1 if hubd exited or did not answer in time.
wait_for_api() {
  local pid="$1"
  shift
  for _ in $(seq 1 150); do
    "$@" --json streams list >/dev/null 2>&1 && return 0
    kill -0 "$pid" 2>/dev/null || return 1
    sleep 0.2
  done
  return 1
}

# wait_for_connected DEVICE HUBCTL_COMMAND...: waits up to 20 s until the
# hub lists DEVICE as connected; returns 1 otherwise.
wait_for_connected() {
  local device="$1"
  shift
  for _ in $(seq 1 100); do
    "$@" --json devices list 2>/dev/null | python3 -c '
import json, sys
body = json.load(sys.stdin)
devices = body["devices"] if isinstance(body, dict) else body
sys.exit(0 if any(d["id"] == sys.argv[1] and d["connection"] == "connected" for d in devices) else 1)
' "$device" && return 0
    sleep 0.2
  done
  return 1
}
