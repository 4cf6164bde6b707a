#!/usr/bin/env bash
# firmware-sim --scenario against a real hub (loopback, mTLS broker): two
# groups of devices and a day in five phases (ramp, steady, burst, mass
# disconnect, reconnect storm). Asserts what the test engineer would see:
#   - each group's devices exist with their own ids (and no more);
#   - the burst raises the telemetry rate well above the steady one;
#   - the mass disconnect drops every device and the reconnect storm brings
#     them all back (connects at least twice the fleet);
#   - the run ends by itself after the last phase, exit status 0;
#   - a mistake in the file stops it at once with exit 2 and FILE:LINE.
# Everything started is stopped, also on failure.
#
# usage: firmware_sim_scenario_test.sh BIN_DIR
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
bin="$(cd "${1:?usage: firmware_sim_scenario_test.sh BIN_DIR}" && pwd)"
work="$(mktemp -d /tmp/edgehub-sim-scenario-test.XXXXXX)"
source "$repo/tests/support/stop_hub.sh"
source "$repo/tests/support/start_hub.sh"
hubd_pid=""

cleanup() {
  stop_hub "$hubd_pid" "$work/data"
  rm -rf "$work"
}
trap cleanup EXIT
fail() {
  echo "FAIL: $*" >&2
  for log in hubd.log sim.err stats.jsonl; do
    [[ -f "$work/$log" ]] && { echo "--- $log" >&2; tail -20 "$work/$log" >&2; }
  done
  exit 1
}

cat >"$work/day.toml" <<'TOML'
[[group]]
name = "meter"
count = 6
interval = "1s"

[[group]]
name = "pump"
count = 4
id_prefix = "pump-"
interval = "1s"
command_latency = "10-50"

[[phase]]
kind = "ramp"
duration = "2s"
connect_rate = 20

[[phase]]
kind = "steady"
duration = "2s"

[[phase]]
kind = "burst"
duration = "2s"
interval = "100ms"

[[phase]]
kind = "mass_disconnect"
duration = "1s"
share = 1.0

[[phase]]
kind = "reconnect_storm"
duration = "3s"
connect_rate = 50
TOML

read -r mqtt_port http_port < <(free_ports 2)
start_hub "$bin" "$work/data" "$mqtt_port" "$http_port" "$work/hubd.log" || fail "hubd not ready"
sim=("$bin/firmware-sim" --port "$mqtt_port" --cert-dir "$work/fleet" --register
  --hub "http://127.0.0.1:$http_port" --data-dir "$work/data" --stats-interval-ms 500)

started=$(date +%s)
timeout 60 "${sim[@]}" --scenario "$work/day.toml" --stats-json "$work/stats.jsonl" \
  >"$work/sim.out" 2>"$work/sim.err" || fail "firmware-sim exited with $?"
seconds=$(($(date +%s) - started))

for id in meter-0001 meter-0006 pump-0001 pump-0004; do
  [[ -f "$work/fleet/$id.pem" ]] || fail "no device $id"
done
[[ ! -e "$work/fleet/meter-0007.pem" && ! -e "$work/fleet/pump-0005.pem" ]] || fail "too many devices"
grep -q "scenario over: stopping" "$work/sim.err" || fail "the run did not end with its phases"

python3 - "$work/stats.jsonl" <<'PY' || fail "the scenario did not run as described"
import json, sys
lines = [json.loads(line) for line in open(sys.argv[1])]
stats = [l for l in lines if l["type"] == "stats"]
summary = lines[-1]
assert summary["type"] == "summary" and summary["devices"] == 10, summary
# 10 devices at 1 s make about 10/s; the burst at 100 ms about 100/s.
steady = [s["sent_per_s"] for s in stats if 3.0 <= s["elapsed_s"] <= 4.5]
burst = max(s["sent_per_s"] for s in stats)
assert steady and max(steady) <= 25, steady
assert burst >= 50, [s["sent_per_s"] for s in stats]
assert summary["offline_periods"] >= 10, summary
assert summary["connects"] >= 20, summary
assert stats[-1]["connected"] == 10, stats[-1]
assert 9 <= summary["elapsed_s"] <= 25, summary
print(f"steady {max(steady)}/s, burst {burst}/s, connects {summary['connects']}, "
      f"offline periods {summary['offline_periods']}, {summary['elapsed_s']} s")
PY
echo "ran in ${seconds}s"

printf '[[group]]\nname = "x"\ncount = 1\n\n[[phase]]\nkind = "nap"\nduration = "1s"\n' >"$work/bad.toml"
status=0
"${sim[@]}" --scenario "$work/bad.toml" >/dev/null 2>"$work/bad.err" || status=$?
[[ $status == 2 ]] || fail "a bad scenario exited with $status, not 2"
grep -q "bad.toml:6: \[\[phase\]\] 1: 'kind' must be" "$work/bad.err" || fail "no FILE:LINE message: $(cat "$work/bad.err")"
echo "PASS"
