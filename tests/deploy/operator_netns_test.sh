#!/usr/bin/env bash
# An operator on "another machine" uses hubctl over HTTPS (issue 14): hubd
# runs in a network namespace of its own ("the site") with its REST API on
# the site's veth address (HTTPS, certificate from the hub's CA naming
# hub.edgehub.test), and a simulated device connected there; hubctl runs in
# a second namespace joined by a veth pair, where /etc/netns/<ns>/hosts maps
# hub.edgehub.test to the site's address, with only the hub's CA certificate
# and an operator token. Asserts what the operator sees:
#   - with a viewer token: the device list is readable, a command is refused
#     (exit 7, "needs role operator"), and the device never gets it;
#   - with an operator token: the command is sent and the device answers;
#   - hubctl without the hub's CA refuses the connection (not trusted);
#   - the audit stream records both attempts with who sent them.
# Needs root and ip; creates and removes its own namespaces and files.
#
# usage: operator_netns_test.sh BIN_DIR
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
bin="$(cd "${1:?usage: operator_netns_test.sh BIN_DIR}" && pwd)"
site="ehop-site-$$" operator_ns="ehop-op-$$" subnet="10.216.$((RANDOM % 250))"
work="$(mktemp -d /tmp/edgehub-operator-netns.XXXXXX)"
hubd_pid="" sim_pid=""
source "$repo/tests/support/linked_namespaces.sh"
source "$repo/tests/support/stop_hub.sh"

cleanup() {
  if [[ -n "$sim_pid" ]]; then kill "$sim_pid" 2>/dev/null || true; wait "$sim_pid" 2>/dev/null || true; fi
  stop_hub "$hubd_pid" "$work/data"
  remove_namespaces "$site" "$operator_ns"
  rm -rf "/etc/netns/$operator_ns" "$work"
}
trap cleanup EXIT
fail() {
  echo "FAIL: $*" >&2
  tail -20 "$work/hubd.log" >&2 2>/dev/null || true
  exit 1
}

[[ $EUID -eq 0 ]] || fail "needs root (network namespaces)"
link_namespaces "$site" "$operator_ns" "$subnet"
hub_address="$subnet.1"
mkdir -p "/etc/netns/$operator_ns"
printf '127.0.0.1 localhost\n%s hub.edgehub.test\n' "$hub_address" >"/etc/netns/$operator_ns/hosts"

mqtt_port=8883 http_port=8443
ip netns exec "$site" "$bin/hubd" --data-dir "$work/data" --plugin "$bin/../lib/libedgehub_mosquitto_auth.so" \
  --mqtt-bind 127.0.0.1 --http-bind 127.0.0.1 --http-bind "$hub_address" \
  --server-name hub.edgehub.test --mqtt-port "$mqtt_port" --http-port "$http_port" \
  --log-level info >"$work/hubd.log" 2>&1 &
hubd_pid=$!
# The site's own administrator: hubctl on the hub's machine, the data dir's token and CA.
admin=(ip netns exec "$site" "$bin/hubctl" --hub "https://127.0.0.1:$http_port" --data-dir "$work/data")
ready=0
for _ in $(seq 1 150); do
  if "${admin[@]}" --json streams list >/dev/null 2>&1; then ready=1; break; fi
  kill -0 "$hubd_pid" 2>/dev/null || fail "hubd exited"
  sleep 0.2
done
((ready)) || fail "hubd not ready"
# The API answers a moment before hubd logs its ready line.
said=0
for _ in $(seq 1 50); do
  if grep -q "https://$hub_address:$http_port" "$work/hubd.log"; then said=1; break; fi
  sleep 0.1
done
((said)) || fail "hubd does not say it serves https on $hub_address"

# A device on the site, connected and answering commands.
"${admin[@]}" devices add op-dev-1 --out "$work/devices" >/dev/null || fail "devices add"
ip netns exec "$site" "$bin/firmware-sim" --host 127.0.0.1 --port "$mqtt_port" \
  --cert-dir "$work/devices" --ids op-dev-1 --interval-ms 1000 --count 1000 \
  >"$work/sim.log" 2>&1 &
sim_pid=$!
connected=0
for _ in $(seq 1 100); do
  if "${admin[@]}" --json devices list | grep -q '"connection": *"connected"'; then connected=1; break; fi
  sleep 0.2
done
((connected)) || fail "the simulated device did not connect: $(tail -5 "$work/sim.log")"

viewer_token="$("${admin[@]}" operators add vic --role viewer 2>/dev/null)"
operator_token="$("${admin[@]}" operators add opal --role operator 2>/dev/null)"
[[ ${#viewer_token} -eq 64 && ${#operator_token} -eq 64 ]] || fail "operators add printed no token"
# What the operator is given: the hub's CA certificate and a token, nothing else.
mkdir -p "$work/operator" && cp "$work/data/pki/ca.pem" "$work/operator/hub-ca.pem"
remote() {
  local token="$1"
  shift
  ip netns exec "$operator_ns" env -u HUBCTL_URL -u HUBCTL_TOKEN HUBCTL_CA="$work/operator/hub-ca.pem" \
    "$bin/hubctl" --hub "https://hub.edgehub.test:$http_port" --token "$token" "$@"
}

# Viewer: reads, and is refused the command (exit 7, the role it would need).
remote "$viewer_token" devices list | grep -q op-dev-1 || fail "viewer cannot list devices"
set +e
refused="$(remote "$viewer_token" send op-dev-1 ping 2>&1)"
refused_status=$?
set -e
((refused_status == 7)) || fail "viewer's command: exit $refused_status, expected 7: $refused"
grep -q "role operator" <<<"$refused" || fail "the refusal does not name the role needed: $refused"
echo "viewer from $operator_ns: $refused"

# Operator: the command reaches the device and its answer comes back.
answer="$(remote "$operator_token" send op-dev-1 ping 2>&1)" || fail "operator's command failed: $answer"
grep -q "op-dev-1 answered ping with status 200" <<<"$answer" || fail "unexpected answer: $answer"
echo "operator from $operator_ns: $(head -1 <<<"$answer")"

# Without the hub's CA, hubctl does not trust the hub (nor send the token).
set +e
# (From a folder without ./hub-data: hubctl falls back to the system's CAs.)
untrusted="$(cd "$work/operator" && ip netns exec "$operator_ns" env -u HUBCTL_CA "$bin/hubctl" \
  --hub "https://hub.edgehub.test:$http_port" --token "$operator_token" devices list 2>&1)"
untrusted_status=$?
set -e
((untrusted_status == 5)) || fail "hubctl without the CA: exit $untrusted_status: $untrusted"
grep -q "not trusted" <<<"$untrusted" || fail "no trust error reported: $untrusted"

# The audit stream names who tried what, and what came of it.
audit="$("${admin[@]}" --json streams read audit --limit 100)"
python3 - "$audit" <<'PY' || fail "audit records missing: $audit"
import json, sys
document = json.loads(sys.argv[1])
records = document["records"] if isinstance(document, dict) else document
seen = {(r["payload"]["operator"], r["payload"]["route"], r["payload"]["status"]) for r in records}
assert ("vic", "/api/v1/devices/{device}/commands", 403) in seen, seen
assert ("opal", "/api/v1/devices/{device}/commands", 200) in seen, seen
PY
echo "PASS: from another namespace over HTTPS, a viewer token is refused a command and an operator token sends one"
