# Source it (not a program): stops a hubd a test started and the broker it
# supervises, even after a failure. Needs only kill.
#
# stop_hub HUBD_PID DATA_DIR: SIGTERM to hubd (it stops its broker), SIGKILL
# after 10 s; then SIGKILL to a broker still named in DATA_DIR's pid file
# (hubd leaves it running by design when it dies). HUBD_PID may be empty.
stop_hub() {
  local hubd_pid="$1" data_dir="$2"
  if [[ -n "$hubd_pid" ]]; then
    kill -TERM "$hubd_pid" 2>/dev/null || true
    for _ in $(seq 1 100); do kill -0 "$hubd_pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$hubd_pid" 2>/dev/null || true
  fi
  if [[ -f "$data_dir/broker/mosquitto.pid" ]]; then
    kill -KILL "$(cat "$data_dir/broker/mosquitto.pid")" 2>/dev/null || true
  fi
}
