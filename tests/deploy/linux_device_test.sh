#!/usr/bin/env bash
# edgehub-linux-device (device-sdk/examples/linux_device) with the folder the
# operator hands over, both ways of docs/device-onboarding.md, against a real
# hubd on loopback. Asserts what a user would see:
#   - copied key: `hubctl devices add --out DIR --hub-address H:P` (DIR/hub.conf); the device
#     started with that folder stores telemetry (its load and uptime), answers
#     `hubctl send ... ping` and `echo` (payload back), and exits 0 on SIGTERM;
#   - CSR: the device makes its key and CSR (--make-csr, key 0600), the
#     operator enrolls the CSR (`hubctl devices enroll --csr`, no key written,
#     the device's key unchanged, hub.conf by name); the device connects,
#     telemetry is stored, ping answered, exit 0 on SIGINT;
#   - rotation: a new key + CSR in a new folder, `devices certificates add
#     --csr`; the device runs from it (--host/--port); after `certificates end` of the old
#     one, the old folder is refused (CONNACK 5);
#   - a folder without a certificate, or no hub address: exit 2 with a reason.
#
# usage: linux_device_test.sh BIN_DIR
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
bin="$(cd "${1:?usage: linux_device_test.sh BIN_DIR}" && pwd)"
work="$(mktemp -d /tmp/edgehub-linux-device.XXXXXX)"
source "$repo/tests/support/stop_hub.sh"
source "$repo/tests/support/start_hub.sh"
hubd_pid="" device_pid=""
device="$bin/edgehub-linux-device"

cleanup() {
  [[ -n "$device_pid" ]] && kill -KILL "$device_pid" 2>/dev/null || true
  stop_hub "$hubd_pid" "$work/data"
  rm -rf "$work"
}
trap cleanup EXIT
fail() {
  echo "FAIL: $*" >&2
  for log in hubd.log device.log; do
    [[ -f "$work/$log" ]] && { echo "--- $log" >&2; tail -15 "$work/$log" >&2; }
  done
  exit 1
}

read -r mqtt_port http_port < <(free_ports 2)
start_hub "$bin" "$work/data" "$mqtt_port" "$http_port" "$work/hubd.log" || fail "hubd not ready"
hubctl=("$bin/hubctl" --hub "http://127.0.0.1:$http_port" --data-dir "$work/data")

# Telemetry records of DEVICE stored so far, one payload per line.
stored_payloads() {
  "${hubctl[@]}" --json streams read telemetry --from 0 --limit 10000 | python3 -c '
import json, sys
for record in json.load(sys.stdin)["records"]:
    if record["device"] == sys.argv[1]:
        print(json.dumps(record["payload"]))' "$1"
}
wait_for_telemetry() {
  for _ in $(seq 1 100); do
    (($(stored_payloads "$1" | wc -l) >= 3)) && return 0
    kill -0 "$device_pid" 2>/dev/null || fail "the device exited"
    sleep 0.2
  done
  fail "no telemetry stored from $1"
}
stop_device() {
  kill "-$1" "$device_pid"
  local code=0
  wait "$device_pid" || code=$?
  device_pid=""
  ((code == 0)) || fail "the device exited $code on SIG$1"
  grep -q "stopped:" "$work/device.log" || fail "the device did not say it stopped"
}

# Bad folders: exit 2 with the reason.
mkdir -p "$work/empty"
code=0
"$device" --device-folder "$work/empty" --host 127.0.0.1 >"$work/bad.log" 2>&1 || code=$?
((code == 2)) || fail "an empty folder: exit $code, expected 2"
grep -q "no device certificate" "$work/bad.log" || fail "no reason: $(cat "$work/bad.log")"

# 1. The copied-key path: the folder carries the hub's address (hub.conf).
"${hubctl[@]}" devices add linux-0001 --out "$work/linux-0001" \
  --hub-address "127.0.0.1:$mqtt_port" >/dev/null || fail "devices add"
grep -q "^port = $mqtt_port$" "$work/linux-0001/hub.conf" || fail "hub.conf without the port"
mkdir -p "$work/no-address"
cp "$work/linux-0001/linux-0001.pem" "$work/linux-0001/linux-0001.key" "$work/linux-0001/ca.pem" \
  "$work/no-address/"
code=0
"$device" --device-folder "$work/no-address" >"$work/bad.log" 2>&1 || code=$?
((code == 2)) && grep -q "no hub address" "$work/bad.log" ||
  fail "no hub address: exit $code, $(cat "$work/bad.log")"
"$device" --device-folder "$work/linux-0001" --interval 0.2 >"$work/device.log" 2>&1 &
device_pid=$!
wait_for_telemetry linux-0001
# (Captured, not piped into grep -q: an early exit would be a SIGPIPE.)
payloads="$(stored_payloads linux-0001)"
grep -q '"load1"' <<<"$payloads" || fail "telemetry without the load: $payloads"
answer="$("${hubctl[@]}" send linux-0001 ping --timeout 5)" || fail "ping not answered: $answer"
grep -q "status 200" <<<"$answer" || fail "ping: $answer"
answer="$("${hubctl[@]}" send linux-0001 echo --payload '{"hello":"edge"}' --timeout 5)" ||
  fail "echo not answered: $answer"
grep -q '"hello": "edge"' <<<"$answer" || fail "echo did not return the payload: $answer"
code=0
answer="$("${hubctl[@]}" send linux-0001 reboot --timeout 5 2>&1)" || code=$?
((code == 1)) || fail "an unknown command: hubctl exit $code, expected 1 (404)"
grep -q "status 404" <<<"$answer" && grep -q "unknown command" <<<"$answer" ||
  fail "an unknown command: $answer"
stop_device TERM
echo "copied key: telemetry stored, ping and echo answered, stopped on SIGTERM"

# 2. The CSR path: the key never leaves the device's folder.
mkdir -p "$work/linux-0002"
"$device" --device-folder "$work/linux-0002" --make-csr linux-0002 >/dev/null ||
  fail "--make-csr"
[[ "$(stat -c %a "$work/linux-0002/linux-0002.key")" == 600 ]] || fail "the key is not 0600"
key_sum="$(sha256sum <"$work/linux-0002/linux-0002.key")"
"${hubctl[@]}" devices enroll linux-0002 --csr "$work/linux-0002/linux-0002.csr" \
  --out "$work/linux-0002" --hub-address "localhost:$mqtt_port" >/dev/null ||
  fail "devices enroll --csr"
[[ -f "$work/linux-0002/linux-0002.pem" && -f "$work/linux-0002/ca.pem" ]] ||
  fail "enroll wrote no certificate"
[[ "$(sha256sum <"$work/linux-0002/linux-0002.key")" == "$key_sum" ]] ||
  fail "the device's key was replaced"
"$device" --device-folder "$work/linux-0002" --interval 0.2 >"$work/device.log" 2>&1 &
device_pid=$!
wait_for_telemetry linux-0002
"${hubctl[@]}" send linux-0002 ping --timeout 5 >/dev/null || fail "ping (CSR device) not answered"
stop_device INT
echo "CSR: key made on the device, certificate enrolled, telemetry stored, stopped on SIGINT"

# 3. Rotation: a new key and CSR in a new folder; both certificates are
# accepted until the operator ends the old one, then the old is refused.
mkdir -p "$work/linux-0002.new"
"$device" --device-folder "$work/linux-0002.new" --make-csr linux-0002 >/dev/null ||
  fail "--make-csr (rotation)"
"${hubctl[@]}" devices certificates add linux-0002 --csr "$work/linux-0002.new/linux-0002.csr" \
  --out "$work/linux-0002.new" >/dev/null || fail "devices certificates add --csr"
cp "$work/linux-0002/ca.pem" "$work/linux-0002.new/"
old_sha="$(openssl x509 -in "$work/linux-0002/linux-0002.pem" -outform DER | sha256sum | cut -d' ' -f1)"
before="$(stored_payloads linux-0002 | wc -l)"
"$device" --device-folder "$work/linux-0002.new" --host 127.0.0.1 --port "$mqtt_port" \
  --interval 0.2 >"$work/device.log" 2>&1 &
device_pid=$!
for _ in $(seq 1 100); do
  (($(stored_payloads linux-0002 | wc -l) >= before + 3)) && break
  sleep 0.2
done
(($(stored_payloads linux-0002 | wc -l) >= before + 3)) || fail "no telemetry with the new certificate"
grep -q "linux-0002\.[0-9a-f]\{12\}\.pem" "$work/device.log" || fail "the new certificate was not used"
stop_device TERM
"${hubctl[@]}" devices certificates end linux-0002 "$old_sha" >/dev/null || fail "certificates end"
"$device" --device-folder "$work/linux-0002" --host 127.0.0.1 --port "$mqtt_port" \
  >"$work/device.log" 2>&1 &
device_pid=$!
refused=0
for _ in $(seq 1 50); do
  grep -q "CONNACK 5" "$work/device.log" && { refused=1; break; }
  sleep 0.1
done
grep -q ": connected" "$work/device.log" && fail "the ended certificate was let in"
((refused)) || fail "the ended certificate was not refused: $(cat "$work/device.log")"
stop_device TERM
echo "PASS: the linux device runs from a devices-add folder, from its own key + enrolled CSR," \
  "and after a rotation (the ended certificate is refused)"
