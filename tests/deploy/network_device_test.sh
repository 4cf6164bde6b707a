#!/usr/bin/env bash
# A device on "another machine" reaches the hub by name (issue 13): hubd and
# its broker run in a network namespace of their own ("the site") with an
# MQTT/TLS listener on the site's veth address and --server-name
# hub.edgehub.test; a device (firmware-sim) runs in a second namespace joined
# by a veth pair, where /etc/netns/<ns>/hosts maps two names to the site's
# address. Asserts what a user would see:
#   - by the name in the server certificate the device connects and its
#     telemetry is stored;
#   - by a name that is not in it (same address) the device refuses the
#     broker (host name check) and nothing is acknowledged;
#   - the server certificate names the listener address and the server name.
# Needs root and ip; creates and removes its own namespaces and files.
#
# usage: network_device_test.sh BIN_DIR
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
bin="$(cd "${1:?usage: network_device_test.sh BIN_DIR}" && pwd)"
site="ehnet-site-$$" device_ns="ehnet-dev-$$" subnet="10.215.$((RANDOM % 250))"
work="$(mktemp -d /tmp/edgehub-network-device.XXXXXX)"
hubd_pid=""
source "$repo/tests/support/linked_namespaces.sh"
source "$repo/tests/support/stop_hub.sh"

cleanup() {
  # The broker lives in the site namespace: nothing of it may survive.
  stop_hub "$hubd_pid" "$work/data"
  remove_namespaces "$site" "$device_ns"
  rm -rf "/etc/netns/$device_ns" "$work"
}
trap cleanup EXIT
fail() {
  echo "FAIL: $*" >&2
  tail -20 "$work/hubd.log" >&2 2>/dev/null || true
  exit 1
}

[[ $EUID -eq 0 ]] || fail "needs root (network namespaces)"
link_namespaces "$site" "$device_ns" "$subnet"
hub_address="$subnet.1"
mkdir -p "/etc/netns/$device_ns"
printf '127.0.0.1 localhost\n%s hub.edgehub.test\n%s other.edgehub.test\n' \
  "$hub_address" "$hub_address" >"/etc/netns/$device_ns/hosts"

mqtt_port=8883 http_port=8080
ip netns exec "$site" "$bin/hubd" --data-dir "$work/data" --plugin "$bin/../lib/libedgehub_mosquitto_auth.so" \
  --mqtt-bind 127.0.0.1 --mqtt-bind "$hub_address" --server-name hub.edgehub.test \
  --mqtt-port "$mqtt_port" --http-port "$http_port" --log-level info >"$work/hubd.log" 2>&1 &
hubd_pid=$!
# HTTPS (hubd's default); hubctl trusts the CA in --data-dir.
hubctl=(ip netns exec "$site" "$bin/hubctl" --hub "https://127.0.0.1:$http_port" --data-dir "$work/data")
ready=0
for _ in $(seq 1 150); do
  if "${hubctl[@]}" --json streams list >/dev/null 2>&1; then ready=1; break; fi
  kill -0 "$hubd_pid" 2>/dev/null || fail "hubd exited"
  sleep 0.2
done
((ready)) || fail "hubd not ready"

# The certificate names what devices use.
names="$(openssl x509 -in "$work/data/pki/server.pem" -noout -ext subjectAltName)"
grep -q "IP Address:$hub_address" <<<"$names" || fail "server certificate lacks $hub_address: $names"
grep -q "DNS:hub.edgehub.test" <<<"$names" || fail "server certificate lacks hub.edgehub.test: $names"
grep -q "other.edgehub.test" <<<"$names" && fail "server certificate names other.edgehub.test"

"${hubctl[@]}" devices add net-0001 --out "$work/devices" >/dev/null || fail "devices add"
[[ -f "$work/devices/net-0001.pem" && -f "$work/devices/ca.pem" ]] || fail "no credentials written"

# By a name the certificate does not hold: the device refuses the broker.
timeout 8 ip netns exec "$device_ns" "$bin/firmware-sim" --host other.edgehub.test \
  --port "$mqtt_port" --cert-dir "$work/devices" --ids net-0001 --interval-ms 100 --count 3 \
  --ack-log "$work/wrong-name.acks" >"$work/wrong-name.log" 2>&1 && fail "connected by a name not in the certificate"
[[ ! -s "$work/wrong-name.acks" ]] || fail "messages acknowledged by a name not in the certificate"
refusal="$(grep -i -m1 "hostname mismatch\|certificate verify failed" "$work/wrong-name.log")" ||
  fail "no host name error reported: $(tail -5 "$work/wrong-name.log")"
echo "by other.edgehub.test: $refusal"

# By the name in the certificate: connected, acknowledged, stored.
timeout 60 ip netns exec "$device_ns" "$bin/firmware-sim" --host hub.edgehub.test \
  --port "$mqtt_port" --cert-dir "$work/devices" --ids net-0001 --interval-ms 100 --count 5 \
  --ack-log "$work/right-name.acks" >"$work/right-name.log" 2>&1 ||
  fail "device could not deliver by the certificate's name: $(tail -5 "$work/right-name.log")"
[[ "$(wc -l <"$work/right-name.acks")" -eq 5 ]] || fail "expected 5 acknowledgements"
stored=0
for _ in $(seq 1 50); do
  stored="$("${hubctl[@]}" --json streams read telemetry --limit 100 |
    python3 -c '
import json, sys
text = sys.stdin.read()
try:
    document = json.loads(text)
    records = document["records"] if isinstance(document, dict) else document
except ValueError:
    records = [json.loads(line) for line in text.splitlines() if line.strip()]
print(sum(1 for record in records if record.get("device") == "net-0001"))')"
  ((stored >= 5)) && break
  sleep 0.2
done
((stored == 5)) || fail "expected 5 stored records from net-0001, found $stored"
echo "PASS: a device in another namespace connected by name ($hub_address as hub.edgehub.test); refused by other.edgehub.test"
