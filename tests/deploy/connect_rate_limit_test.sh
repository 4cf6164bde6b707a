#!/usr/bin/env bash
# deploy/connect-rate-limit.sh against real connections: a TCP listener in a
# network namespace of its own ("the site"), clients in a second namespace
# joined to it by a veth pair ("another machine") and on the site's loopback.
# Asserts what an operator relies on: a peer gets its burst and then about
# --rate connections a second, loopback is never limited, applying twice
# leaves one table, --remove lifts the limit, bad arguments are refused.
# Needs root, ip and nft (deploy/install-deps.sh installs nftables); creates
# and removes its own namespaces, never touches the machine's own firewall.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
script="$repo/deploy/connect-rate-limit.sh"
site="ehtest-site-$$" peer="ehtest-peer-$$" subnet="10.214.$((RANDOM % 250))"
listener_pid=""
source "$repo/tests/support/linked_namespaces.sh"

cleanup() {
  [[ -n "$listener_pid" ]] && kill "$listener_pid" 2>/dev/null || true
  remove_namespaces "$site" "$peer"
}
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

[[ $EUID -eq 0 ]] || fail "needs root (network namespaces, nftables)"
link_namespaces "$site" "$peer" "$subnet"

port=8883
ip netns exec "$site" python3 -c '
import socket
server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
server.bind(("0.0.0.0", '"$port"'))
server.listen(512)
while True:
    connection, _ = server.accept()
    connection.close()
' &
listener_pid=$!

# connects NAMESPACE HOST COUNT: how many of COUNT back-to-back connects
# succeed within 0.3 s each (a dropped SYN is retried only after 1 s).
connects() {
  ip netns exec "$1" python3 -c '
import socket, sys
host, count, ok = sys.argv[1], int(sys.argv[2]), 0
for _ in range(count):
    try:
        socket.create_connection((host, '"$port"'), timeout=0.3).close()
        ok += 1
    except OSError:
        pass
print(ok)' "$2" "$3"
}

for _ in $(seq 50); do [[ "$(connects "$site" 127.0.0.1 1)" == 1 ]] && break; sleep 0.1; done
[[ "$(connects "$peer" "$subnet.1" 30)" == 30 ]] || fail "without the limit every connect should succeed"

# Bad arguments are refused before anything changes.
for bad in "--rate 0" "--rate x" "--port 70000" "--bogus"; do
  if ip netns exec "$site" "$script" $bad >/dev/null 2>&1; then fail "accepted '$bad'"; fi
done
[[ -z "$(ip netns exec "$site" nft list tables 2>/dev/null)" ]] || fail "a refused call changed the firewall"

ip netns exec "$site" "$script" --port "$port" --rate 2 --burst 5 >/dev/null
ip netns exec "$site" "$script" --port "$port" --rate 2 --burst 5 >/dev/null  # idempotent
tables="$(ip netns exec "$site" nft list tables | grep -c "edgehub_mqtt_guard_$port" || true)"
[[ "$tables" == 1 ]] || fail "applying twice left $tables tables"

started=$(date +%s.%N)
limited="$(connects "$peer" "$subnet.1" 30)"
seconds="$(python3 -c "import time; print(round(time.time() - $started, 1))")"
# The burst (5) plus at most rate x elapsed (2/s), and never all 30.
allowed="$(python3 -c "import math; print(5 + math.ceil(2 * $seconds) + 1)")"
echo "peer: $limited of 30 connects in ${seconds}s (at most $allowed allowed)"
((limited >= 5)) || fail "the burst was not let through ($limited)"
((limited <= allowed)) || fail "$limited connects got through, more than $allowed"

[[ "$(connects "$site" 127.0.0.1 30)" == 30 ]] || fail "loopback was limited"
dropped="$(ip netns exec "$site" nft list table inet "edgehub_mqtt_guard_$port" | grep -o 'packets [0-9]*' | awk '{s += $2} END {print s + 0}')"
((dropped > 0)) || fail "the counter shows no dropped SYNs"

ip netns exec "$site" "$script" --port "$port" --remove >/dev/null
[[ -z "$(ip netns exec "$site" nft list tables)" ]] || fail "--remove left a table"
[[ "$(connects "$peer" "$subnet.1" 30)" == 30 ]] || fail "connects still limited after --remove"
echo "PASS: burst 5 + ~2/s per source address; loopback exempt; idempotent; removable"
