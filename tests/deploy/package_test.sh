#!/usr/bin/env bash
# The Debian package (issue 13): builds it with cpack from BUILD_DIR, installs
# it on this machine, and checks what an operator relies on:
#   - the files are where packaging.cmake says (programs, plugin, unit,
#     sample configuration, device SDK with its CMake package and .pc file);
#   - the system user edgehub exists and owns /var/lib/edgehub (0700);
#   - systemd-analyze verify accepts the unit; it runs hubd as edgehub with
#     LimitNOFILE and reload on SIGHUP;
#   - the installed hubd, started as edgehub with the installed configuration
#     and plugin, becomes ready (health answers) and stops cleanly on SIGTERM;
#   - the installed SDK builds a program with find_package and with pkg-config.
# Then purges the package (and the user). Needs root, dpkg, cpack.
#
# usage: package_test.sh BUILD_DIR
set -euo pipefail
build="$(cd "${1:?usage: package_test.sh BUILD_DIR}" && pwd)"
work="$(mktemp -d /tmp/edgehub-package.XXXXXX)"
hubd_pid=""
installed=0
source "$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)/tests/support/stop_hub.sh"
cleanup() {
  stop_hub "$hubd_pid" "$work/data"
  ((installed)) && dpkg --purge edgehub >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; tail -20 "$work/hubd.log" 2>/dev/null >&2 || true; exit 1; }
[[ $EUID -eq 0 ]] || fail "needs root (dpkg)"
if dpkg -s edgehub >/dev/null 2>&1; then fail "an edgehub package is installed already; not touching it"; fi

(cd "$build" && cpack -G DEB -B "$work/package" >"$work/cpack.log" 2>&1) ||
  fail "cpack: $(tail -20 "$work/cpack.log")"
deb="$(ls "$work"/package/edgehub_*.deb)"
# (grep -q on a pipe would end the writer early: a SIGPIPE that pipefail
# reports as a failure. Every check below greps captured output.)
grep -q "Depends:.*mosquitto" <<<"$(dpkg-deb --info "$deb")" || fail "the package does not depend on mosquitto"
installed=1
dpkg -i "$deb" >"$work/dpkg.log" 2>&1 || fail "dpkg -i: $(tail -20 "$work/dpkg.log")"

for file in /usr/bin/hubd /usr/bin/hubctl /usr/bin/firmware-sim /usr/bin/edgehub-linux-device \
  /usr/share/edgehub/backup.sh /usr/share/edgehub/restore.sh \
  /usr/share/edgehub/openapi.json /usr/share/edgehub/grafana-dashboard.json \
  /usr/lib/edgehub/libedgehub_mosquitto_auth.so /usr/lib/systemd/system/edgehub-hubd.service \
  /etc/edgehub/hubd.toml /etc/logrotate.d/edgehub /usr/lib/libedgehub_device_sdk.a /usr/lib/libedgehub_device_sdk_posix.a \
  /usr/include/edgehub/device/hub/hub_client.h /usr/include/edgehub/protocol/topics.h \
  /usr/lib/cmake/edgehub-device-sdk/edgehub-device-sdk-config.cmake \
  /usr/lib/pkgconfig/edgehub-device-sdk.pc; do
  [[ -e "$file" ]] || fail "not installed: $file"
done
getent passwd edgehub >/dev/null || fail "no user edgehub"
[[ "$(stat -c '%U %a' /var/lib/edgehub)" == "edgehub 700" ]] || fail "/var/lib/edgehub: $(stat -c '%U %a' /var/lib/edgehub)"
grep -q "^hubd " <<<"$(/usr/bin/hubd --version)" || fail "hubd --version"
grep -q "^hubctl " <<<"$(/usr/bin/hubctl --version)" || fail "hubctl --version"
grep -q "^firmware-sim " <<<"$(/usr/bin/firmware-sim --version)" || fail "firmware-sim --version"

unit=/usr/lib/systemd/system/edgehub-hubd.service
systemd-analyze verify "$unit" >"$work/verify.log" 2>&1 || fail "systemd-analyze verify: $(cat "$work/verify.log")"
grep -q "^User=edgehub$" "$unit" || fail "the unit does not run hubd as edgehub"
grep -q "^LimitNOFILE=" "$unit" || fail "the unit sets no LimitNOFILE"
grep -q "^ExecReload=.*HUP" "$unit" || fail "the unit does not reload with SIGHUP"
# The sample configuration documents every option hubd has, and hubd takes it.
for option in mqtt-bind server-name journal-max-bytes certificate-renew-days; do
  grep -q "^# $option *=" /etc/edgehub/hubd.toml || fail "hubd.toml does not document $option"
done

# The installed hubd, as the service would run it (its user, its config and
# plugin), on a data dir of the test's and free ports.
mkdir -p "$work/data" && chown edgehub:edgehub "$work" "$work/data" && chmod 0700 "$work/data"
# Two free ports, distinct: both bound at once before either is released.
read -r mqtt_port http_port < <(python3 -c '
import socket
a, b = socket.socket(), socket.socket()
a.bind(("127.0.0.1", 0)); b.bind(("127.0.0.1", 0))
print(a.getsockname()[1], b.getsockname()[1])')
setpriv --reuid edgehub --regid edgehub --init-groups /usr/bin/hubd --config /etc/edgehub/hubd.toml --data-dir "$work/data" \
  --mqtt-port "$mqtt_port" --http-port "$http_port" >"$work/hubd.log" 2>&1 &
hubd_pid=$!
ready=0
for _ in $(seq 1 150); do
  # HTTPS (hubd's default) with the certificate from the hub's own CA.
  if grep -q '"broker_connected":true' <<<"$(curl -fsS --max-time 2 --cacert "$work/data/pki/ca.pem" "https://127.0.0.1:$http_port/api/v1/health" 2>/dev/null)"; then
    ready=1; break
  fi
  kill -0 "$hubd_pid" 2>/dev/null || fail "the installed hubd exited"
  sleep 0.2
done
((ready)) || fail "the installed hubd did not become ready"
grep -q "/usr/lib/edgehub/libedgehub_mosquitto_auth.so" "$work/data/broker/mosquitto.conf" ||
  fail "the installed hubd does not use the installed plugin"
[[ "$(stat -c %U "$work/data/registry.db")" == edgehub ]] || fail "state not owned by edgehub"
kill -TERM "$hubd_pid"
for _ in $(seq 1 150); do kill -0 "$hubd_pid" 2>/dev/null || break; sleep 0.1; done
kill -0 "$hubd_pid" 2>/dev/null && fail "hubd did not stop on SIGTERM"
wait "$hubd_pid" || fail "hubd exited non-zero on SIGTERM"
hubd_pid=""

# The SDK as a firmware project elsewhere would use it.
mkdir -p "$work/app"
cat >"$work/app/main.cpp" <<'CPP'
#include <edgehub/device/hub/hub_client.h>
#include <edgehub/protocol/topics.h>
int main() { return 0; }
CPP
cat >"$work/app/CMakeLists.txt" <<'CMAKE'
cmake_minimum_required(VERSION 3.25)
project(sdk_user CXX)
find_package(edgehub-device-sdk REQUIRED)
add_executable(sdk_user main.cpp)
target_link_libraries(sdk_user PRIVATE edgehub::edgehub_device_sdk_posix)
CMAKE
cmake -S "$work/app" -B "$work/app/build" >"$work/app.log" 2>&1 &&
  cmake --build "$work/app/build" >>"$work/app.log" 2>&1 || fail "find_package build: $(tail -20 "$work/app.log")"
g++ -std=c++17 "$work/app/main.cpp" $(pkg-config --cflags --libs edgehub-device-sdk) -o "$work/app/pc_user" \
  >>"$work/app.log" 2>&1 || fail "pkg-config build: $(tail -20 "$work/app.log")"

dpkg --purge edgehub >/dev/null 2>&1 || fail "dpkg --purge"
installed=0
getent passwd edgehub >/dev/null && fail "purge left the user edgehub"
[[ -e /usr/bin/hubd ]] && fail "purge left /usr/bin/hubd"
echo "PASS: $(basename "$deb") installs, verifies, runs as edgehub and purges"
