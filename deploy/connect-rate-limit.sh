#!/usr/bin/env bash
# Rate-limits new TCP connections to the hub's MQTT TLS port per source
# address, with nftables. Why (docs/security.md, "Connections to the MQTT
# port"): a TLS handshake costs the broker about 2.5 ms of CPU before any
# identity is known, so one peer that reconnects in a loop (a refused or
# misbehaving device, or anyone on the network) takes a share of the CPU
# every device needs. The broker plugin's per-device limits act only after
# the handshake; this acts before it, in the kernel, on SYNs.
#
#   deploy/connect-rate-limit.sh [--port 8883] [--rate 20] [--burst 100]
#   deploy/connect-rate-limit.sh --remove [--port 8883]
#   deploy/connect-rate-limit.sh --print [...]   # the ruleset, not applied
#
# Per source address (IPv4 and IPv6 alike): at most --rate new connections a
# second after a burst of --burst; SYNs over that are dropped, and the peer's
# TCP retries them after 1, 2, 4 ... s, so a fleet behind one NAT address
# that reconnects at once (after a broker restart, say) still gets in, more
# slowly: 1,000 devices behind one address take about (1000 - burst) / rate
# seconds. Loopback is never limited (hubd's own connection, firmware-sim).
# The table is named edgehub_mqtt_guard_<port>; applying it again replaces it
# atomically (idempotent). It lasts until reboot: to keep it, add the --print
# output to /etc/nftables.conf (Debian's nftables.service loads that file).
# Needs root and nftables (installed if missing).
set -euo pipefail

port=8883
rate=5
burst=50
action=apply

usage() { sed -n '2,/^set -euo/p' "$0" | sed -e '$d' -e 's/^# \{0,1\}//'; }
while [[ $# -gt 0 ]]; do
  case "$1" in
    --port) port="$2"; shift 2 ;;
    --rate) rate="$2"; shift 2 ;;
    --burst) burst="$2"; shift 2 ;;
    --remove) action=remove; shift ;;
    --print) action=print; shift ;;
    -h | --help) usage; exit 0 ;;
    *) echo "connect-rate-limit.sh: unknown argument '$1' (--help)" >&2; exit 2 ;;
  esac
done
for value in "$port" "$rate" "$burst"; do
  [[ "$value" =~ ^[1-9][0-9]*$ ]] || { echo "connect-rate-limit.sh: '$value' is not a positive number" >&2; exit 2; }
done
((port <= 65535)) || { echo "connect-rate-limit.sh: port $port is out of range" >&2; exit 2; }

table="edgehub_mqtt_guard_$port"
ruleset() {
  cat <<EOF
table inet $table
delete table inet $table
table inet $table {
  set new_connections_v4 { type ipv4_addr; size 65535; flags dynamic,timeout; timeout 1m; }
  set new_connections_v6 { type ipv6_addr; size 65535; flags dynamic,timeout; timeout 1m; }
  chain input {
    type filter hook input priority filter - 10; policy accept;
    iifname != "lo" tcp dport $port ct state new update @new_connections_v4 { ip saddr limit rate over $rate/second burst $burst packets } counter drop comment "edgehub: new MQTT connections per source address"
    iifname != "lo" tcp dport $port ct state new update @new_connections_v6 { ip6 saddr limit rate over $rate/second burst $burst packets } counter drop comment "edgehub: new MQTT connections per source address"
  }
}
EOF
}

if [[ "$action" == print ]]; then ruleset; exit 0; fi
[[ $EUID -eq 0 ]] || { echo "connect-rate-limit.sh: run as root (it changes the firewall)" >&2; exit 1; }
if ! command -v nft >/dev/null; then
  apt-get install -y nftables >/dev/null 2>&1 || { apt-get update >/dev/null && apt-get install -y nftables >/dev/null; }
fi
if [[ "$action" == remove ]]; then
  nft delete table inet "$table" 2>/dev/null || true
  echo "removed the rate limit on new connections to port $port"
  exit 0
fi
ruleset | nft -f -
echo "new connections to port $port: at most $rate/s per source address after a burst of $burst (table inet $table; loopback exempt)"
