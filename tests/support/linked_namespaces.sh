# Source it (not a program): two network namespaces joined by a veth pair,
# for tests and benchmarks that need "another machine" without leaving this
# one. Needs root and ip.
#
# link_namespaces SITE PEER SUBNET: creates both namespaces, loopback up in
# each, SITE at SUBNET.1/24 and PEER at SUBNET.2/24 (SUBNET: three octets).
# The caller removes them: remove_namespaces SITE PEER.

link_namespaces() {
  local site="$1" peer="$2" subnet="$3"
  local link  # interface names: at most 15 characters
  link="eh$(printf "%x" $(((($$ << 15) + RANDOM) & 0xffffffff)))"
  ip netns add "$site"
  ip netns add "$peer"
  ip link add "${link}s" netns "$site" type veth peer name "${link}p" netns "$peer"
  ip -n "$site" addr add "$subnet.1/24" dev "${link}s"
  ip -n "$peer" addr add "$subnet.2/24" dev "${link}p"
  ip -n "$site" link set lo up
  ip -n "$peer" link set lo up
  ip -n "$site" link set "${link}s" up
  ip -n "$peer" link set "${link}p" up
}

remove_namespaces() {
  local namespace
  for namespace in "$@"; do ip netns del "$namespace" 2>/dev/null || true; done
}
