#!/usr/bin/env bash
# The web console in a real browser (issue 14): a hub (mosquitto + hubd,
# the REST API over HTTPS with the hub CA's certificate) on free loopback
# ports, one simulated device sending telemetry every 200 ms and answering
# commands, an operator and a viewer token, and headless Chromium driven
# over the DevTools protocol by console_check.py (python3, standard library
# only). Screenshots go to ARTIFACT_DIR. Everything started here is stopped
# in the EXIT trap, also on failure.
#
# Chromium trusts only this hub's certificate (its public key's hash in
# --ignore-certificate-errors-spki-list), resolves no name but loopback and
# runs with its background services off: all its traffic goes to 127.0.0.1.
# --no-sandbox only when running as root (Chromium refuses to start
# otherwise).
#
# usage: console_browser_test.sh BIN_DIR ARTIFACT_DIR
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
bin="$(cd "${1:?usage: console_browser_test.sh BIN_DIR ARTIFACT_DIR}" && pwd)"
artifacts="${2:?usage: console_browser_test.sh BIN_DIR ARTIFACT_DIR}"
work="$(mktemp -d /tmp/edgehub-console-browser.XXXXXX)"
hubd_pid="" sim_pid="" chromium_pid=""
source "$repo/tests/support/start_hub.sh"  # free_ports, wait_for_api, wait_for_connected
source "$repo/tests/support/stop_hub.sh"

cleanup() {
  if [[ -n "$chromium_pid" ]]; then
    kill -TERM "$chromium_pid" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$chromium_pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$chromium_pid" 2>/dev/null || true
    wait "$chromium_pid" 2>/dev/null || true
  fi
  if [[ -n "$sim_pid" ]]; then kill "$sim_pid" 2>/dev/null || true; wait "$sim_pid" 2>/dev/null || true; fi
  stop_hub "$hubd_pid" "$work/data"
  rm -rf "$work"
}
trap cleanup EXIT
fail() {
  echo "FAIL: $*" >&2
  for log in hubd sim chromium; do
    [[ -f "$work/$log.log" ]] && { echo "--- $log.log (last lines)" >&2; tail -15 "$work/$log.log" >&2; }
  done
  exit 1
}

command -v chromium >/dev/null || fail "chromium is not installed (deploy/install-deps.sh installs it)"
mkdir -p "$artifacts"
rm -f "$artifacts"/*.png

read -r mqtt_port http_port <<<"$(free_ports 2)"
"$bin/hubd" --data-dir "$work/data" --plugin "$bin/../lib/libedgehub_mosquitto_auth.so" \
  --mqtt-bind 127.0.0.1 --http-bind 127.0.0.1 --mqtt-port "$mqtt_port" --http-port "$http_port" \
  >"$work/hubd.log" 2>&1 &
hubd_pid=$!
admin=("$bin/hubctl" --hub "https://127.0.0.1:$http_port" --data-dir "$work/data")
wait_for_api "$hubd_pid" "${admin[@]}" || fail "hubd exited or its API did not answer"
# hubd says where its console is (once ready, just after the API answers).
for _ in $(seq 1 50); do
  grep -q "web console: https://127.0.0.1:$http_port/console/" "$work/hubd.log" && break
  sleep 0.1
done
grep -q "web console: https://127.0.0.1:$http_port/console/" "$work/hubd.log" ||
  fail "hubd does not say where its console is"

device=console-dev-1
"${admin[@]}" devices add "$device" --out "$work/devices" >/dev/null || fail "devices add"
"$bin/firmware-sim" --host 127.0.0.1 --port "$mqtt_port" --cert-dir "$work/devices" \
  --ids "$device" --interval-ms 200 --count 1000000 >"$work/sim.log" 2>&1 &
sim_pid=$!
wait_for_connected "$device" "${admin[@]}" || fail "the simulated device did not connect"
# A consumer group that processed one record: the streams page shows its lag.
"${admin[@]}" streams commit telemetry console-readers 1 >/dev/null || fail "streams commit"
operator_token="$("${admin[@]}" operators add opal --role operator 2>/dev/null)"
viewer_token="$("${admin[@]}" operators add vic --role viewer 2>/dev/null)"
[[ ${#operator_token} -eq 64 && ${#viewer_token} -eq 64 ]] || fail "operators add printed no token"

# The API's certificate: the hub CA's server certificate (first in the file).
spki="$(openssl x509 -in "$work/data/pki/server.pem" -pubkey -noout |
  openssl pkey -pubin -outform der | openssl dgst -sha256 -binary | base64)"
sandbox=()
[[ $EUID -eq 0 ]] && sandbox=(--no-sandbox)
chromium --headless=new --remote-debugging-port=0 --remote-debugging-address=127.0.0.1 \
  --user-data-dir="$work/chromium" "${sandbox[@]}" \
  --ignore-certificate-errors-spki-list="$spki" \
  --host-resolver-rules="MAP * ~NOTFOUND, EXCLUDE 127.0.0.1" \
  --no-first-run --no-default-browser-check --disable-background-networking \
  --disable-component-update --disable-sync --disable-default-apps --disable-extensions \
  --disable-domain-reliability --disable-client-side-phishing-detection --no-pings \
  --disable-features=Translate,OptimizationHints,MediaRouter,DialMediaRouteProvider \
  --metrics-recording-only --password-store=basic --use-mock-keychain \
  --disable-gpu --window-size=1400,1000 about:blank >"$work/chromium.log" 2>&1 &
chromium_pid=$!
devtools_port=""
for _ in $(seq 1 150); do
  if [[ -s "$work/chromium/DevToolsActivePort" ]]; then
    devtools_port="$(head -1 "$work/chromium/DevToolsActivePort")"
    [[ -n "$devtools_port" ]] && break
  fi
  kill -0 "$chromium_pid" 2>/dev/null || fail "chromium exited"
  sleep 0.2
done
[[ -n "$devtools_port" ]] || fail "chromium wrote no DevToolsActivePort"

python3 "$here/console_check.py" --devtools-port "$devtools_port" \
  --url "https://127.0.0.1:$http_port" --device "$device" --admin-token "$(cat "$work/data/api-token")" \
  --operator-token "$operator_token" --viewer-token "$viewer_token" \
  --artifacts "$artifacts" || fail "console check failed (screenshots in $artifacts)"
