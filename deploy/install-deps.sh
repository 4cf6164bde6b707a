#!/usr/bin/env bash
# Installs the Debian 12 packages the project builds and runs with, if any
# is missing. Idempotent: does nothing (and no apt-get update) when all are
# present. Must run as root when something is missing.
set -euo pipefail

PACKAGES=(
  build-essential cmake pkg-config git ca-certificates openssl
  mosquitto mosquitto-clients mosquitto-dev libmosquitto-dev
  libpaho-mqttpp-dev libpaho-mqtt-dev
  libssl-dev libsqlite3-dev sqlite3 libsqlitecpp-dev zlib1g-dev
  nlohmann-json3-dev doctest-dev libcli11-dev libspdlog-dev libfmt-dev libcpp-httplib-dev
  curl python3
  # deploy/connect-rate-limit.sh and its test (network namespaces)
  nftables iproute2
  # the Debian package and its test (cpack's dependency scan, the system
  # user, systemd-analyze verify of the unit)
  dpkg-dev adduser systemd util-linux
  # device-sdk: footprint on Cortex-M (footprint.sh), libFuzzer target,
  # SDK unit tests on an emulated Cortex-M (qemu)
  gcc-arm-none-eabi libstdc++-arm-none-eabi-newlib clang libclang-rt-14-dev qemu-system-arm
)

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
