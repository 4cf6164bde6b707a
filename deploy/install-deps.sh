#!/usr/bin/env bash
# Installs the Debian 12 packages the project builds and runs with, if any
# is missing. Idempotent: does nothing (and no apt-get update) when all are
# present. Must run as root when something is missing.
#
#   install-deps.sh               everything: build, run and the whole test suite
#   install-deps.sh --quickstart  only what building and running the hub,
#                                 hubctl and firmware-sim need (deploy/quickstart.sh):
#                                 no cross compiler, qemu or clang, which take
#                                 minutes to install and only tests use
set -euo pipefail

# Build and run: hubd, hubctl, firmware-sim, the broker plugin.
QUICKSTART_PACKAGES=(
  build-essential cmake ninja-build pkg-config git ca-certificates openssl
  mosquitto mosquitto-clients mosquitto-dev libmosquitto-dev
  libtomlplusplus-dev  # firmware-sim --scenario files
  libpaho-mqttpp-dev libpaho-mqtt-dev
  libssl-dev libsqlite3-dev sqlite3 libsqlitecpp-dev zlib1g-dev
  nlohmann-json3-dev doctest-dev libcli11-dev libspdlog-dev libfmt-dev libcpp-httplib-dev
  # exports (issue 15): the NATS JetStream and Kafka destinations are built
  # into hubd
  libnats-dev librdkafka-dev
  # the quick start's checks, and the README examples (hubctl ... | jq)
  curl python3 jq
)
# The test suite on top of that (deploy/test.sh).
TEST_PACKAGES=(
  # deploy/connect-rate-limit.sh and its test, the README examples test
  # (network namespaces)
  nftables iproute2 util-linux
  # the Debian package and its test (cpack's dependency scan, the system
  # user, systemd-analyze verify of the unit)
  dpkg-dev adduser systemd
  # the web console's browser test (tests/browser: headless, driven over DevTools)
  chromium
  # device-sdk: footprint on Cortex-M (footprint.sh), libFuzzer target,
  # SDK unit tests on an emulated Cortex-M (qemu)
  gcc-arm-none-eabi libstdc++-arm-none-eabi-newlib clang libclang-rt-14-dev qemu-system-arm
  # the exports' engine tests and benchmark: a 3-node JetStream cluster on
  # loopback (Kafka's tests use librdkafka's mock cluster: no broker needed)
  nats-server
)

case "${1:-}" in
  --quickstart) PACKAGES=("${QUICKSTART_PACKAGES[@]}") ;;
  "") PACKAGES=("${QUICKSTART_PACKAGES[@]}" "${TEST_PACKAGES[@]}") ;;
  *) echo "usage: install-deps.sh [--quickstart]" >&2; exit 2 ;;
esac

missing=()
for package in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$package")
  fi
done

if ((${#missing[@]} == 0)); then
  echo "install-deps: all ${#PACKAGES[@]} packages present"
  exit 0
fi

if [[ $(id -u) -ne 0 ]]; then
  echo "install-deps: missing packages: ${missing[*]}" >&2
  echo "install-deps: run as root (or install them with sudo apt-get install)" >&2
  exit 1
fi

echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}"
# Debian starts the packaged mosquitto service on install where an init
# system runs; the hub runs its own broker, so the system one is not needed.
if command -v systemctl >/dev/null && systemctl is-active --quiet mosquitto 2>/dev/null; then
  systemctl disable --now mosquitto >/dev/null 2>&1 || true
fi
