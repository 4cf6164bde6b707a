#!/usr/bin/env bash
# deploy/backup.sh while telemetry flows, deploy/restore.sh into a new data
# directory, a hub started on it (docs/operations.md, "Back up and
# restore"). Asserts what an operator would see:
#   - the backup is taken while a device keeps sending (acknowledgements go
#     on during it) and is owner-only (directories 0700, files 0600);
#   - on the restored hub the device is still registered, every record the
#     stream held before the backup started is there with the same offset
#     and seq, and every message acknowledged to the device before the
#     backup started is stored;
#   - the device connects to the restored hub with its old certificate and
#     its new telemetry is stored;
#   - restore refuses a non-empty data directory and a backup that no
#     longer matches its MANIFEST.
# Everything runs on 127.0.0.1 with free ports; everything started is
# stopped, also on failure.
#
# usage: backup_restore_test.sh BIN_DIR
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
bin="$(cd "${1:?usage: backup_restore_test.sh BIN_DIR}" && pwd)"
work="$(mktemp -d /tmp/edgehub-backup-test.XXXXXX)"
source "$repo/tests/support/stop_hub.sh"
source "$repo/tests/support/start_hub.sh"
hubd_pid="" original_pid="" device_pid=""

cleanup() {
  [[ -n "$device_pid" ]] && kill -KILL "$device_pid" 2>/dev/null || true
  stop_hub "$original_pid" "$work/data"
  stop_hub "$hubd_pid" "$work/restored"
  rm -rf "$work"
}
trap cleanup EXIT
fail() {
  echo "FAIL: $*" >&2
  for log in hubd.log restored-hubd.log device.log; do
    [[ -f "$work/$log" ]] && { echo "--- $log" >&2; tail -15 "$work/$log" >&2; }
  done
  exit 1
}

# "offset seq" per record of DEVICE in the telemetry stream, by offset.
stream_records() {
  local data="$1" port="$2" device="$3"
  "$bin/hubctl" --hub "http://127.0.0.1:$port" --data-dir "$data" --json \
    streams read telemetry --from 0 --limit 10000 |
    python3 -c '
import json, sys
for record in json.load(sys.stdin)["records"]:
    if record["device"] == sys.argv[1]:
        print(record["offset"], record["seq"])' "$device"
}
acknowledged() { [[ -f "$work/acks" ]] && wc -l <"$work/acks" || echo 0; }

read -r mqtt_port http_port mqtt_port2 http_port2 < <(free_ports 4)
start_hub "$bin" "$work/data" "$mqtt_port" "$http_port" "$work/hubd.log" || fail "hubd not ready"
original_pid="$hubd_pid" hubd_pid=""
hubctl=("$bin/hubctl" --hub "http://127.0.0.1:$http_port" --data-dir "$work/data")
"${hubctl[@]}" devices add backup-0001 --out "$work/devices" >/dev/null || fail "devices add"

# A device sending 50 messages a second until stopped.
"$bin/firmware-sim" --host 127.0.0.1 --port "$mqtt_port" --cert-dir "$work/devices" \
  --ids backup-0001 --interval-ms 20 --count 0 --ack-log "$work/acks" >"$work/device.log" 2>&1 &
device_pid=$!
for _ in $(seq 1 100); do (($(acknowledged) >= 100)) && break; sleep 0.1; done
(($(acknowledged) >= 100)) || fail "the device's telemetry does not flow"

# What exists before the backup starts.
stream_records "$work/data" "$http_port" backup-0001 >"$work/before.records" || fail "streams read"
cp "$work/acks" "$work/acked-before"
acks_at_start="$(wc -l <"$work/acked-before")"
"$repo/deploy/backup.sh" "$work/data" "$work/backup" >"$work/backup.log" 2>&1 ||
  fail "backup.sh: $(cat "$work/backup.log")"
acks_at_end="$(acknowledged)"
cat "$work/backup.log"
((acks_at_end > acks_at_start)) || fail "no telemetry acknowledged while the backup ran"
kill -0 "$device_pid" 2>/dev/null || fail "the device stopped during the backup"

# Owner-only, and holding what a hub needs.
loose="$(find "$work/backup" \( -type d ! -perm 0700 \) -o \( -type f ! -perm 0600 \))"
[[ -z "$loose" ]] || fail "backup files readable by others: $loose"
[[ "$(stat -c %a "$work/backup")" == 700 ]] || fail "backup directory is not 0700"
for file in registry.db streams.db commands.db twins.db pki/ca.pem pki/ca.key pki/server.pem \
  api-token MANIFEST; do
  [[ -f "$work/backup/$file" ]] || fail "backup lacks $file"
done
for file in broker/mosquitto.conf broker/mosquitto.pid journal/commit-attempt; do
  [[ ! -e "$work/backup/$file" ]] || fail "backup holds $file"
done

sleep 0.5  # the device goes on after the backup: none of this is expected back
kill -TERM "$device_pid"
wait "$device_pid" || fail "the device did not stop cleanly"
device_pid=""
stop_hub "$original_pid" "$work/data"
original_pid=""

# Restore: refused into a non-empty directory and from a changed backup.
mkdir -p "$work/occupied" && touch "$work/occupied/registry.db"
"$repo/deploy/restore.sh" "$work/backup" "$work/occupied" >"$work/refused.log" 2>&1 &&
  fail "restore into a non-empty directory was not refused"
grep -q "not empty" "$work/refused.log" || fail "no reason given: $(cat "$work/refused.log")"
cp -a "$work/backup" "$work/changed"
printf 'x' >>"$work/changed/api-token"
"$repo/deploy/restore.sh" "$work/changed" "$work/from-changed" >"$work/refused.log" 2>&1 &&
  fail "a backup that does not match its MANIFEST was restored"
[[ ! -e "$work/from-changed" ]] || fail "a refused restore wrote $work/from-changed"

"$repo/deploy/restore.sh" "$work/backup" "$work/restored" || fail "restore.sh"
start_hub "$bin" "$work/restored" "$mqtt_port2" "$http_port2" "$work/restored-hubd.log" ||
  fail "hubd does not start on the restored data"
hubctl=("$bin/hubctl" --hub "http://127.0.0.1:$http_port2" --data-dir "$work/restored")

"${hubctl[@]}" --json devices list | python3 -c '
import json, sys
devices = {d["id"]: d for d in json.load(sys.stdin)["devices"]}
assert "backup-0001" in devices, "backup-0001 is not registered"
' || fail "the device is not registered on the restored hub"

# Every record stored before the backup started: same offset, same seq.
# Every message acknowledged before the backup started: stored. (The
# journal replay takes a moment after start.)
check_restored() {
  stream_records "$work/restored" "$http_port2" backup-0001 >"$work/after.records" || return 1
  python3 - "$work/before.records" "$work/after.records" "$work/acked-before" <<'PY'
import sys
before = [tuple(line.split()) for line in open(sys.argv[1])]
after = {tuple(line.split()) for line in open(sys.argv[2])}
seqs = {seq for _, seq in after}
acked = [line.split()[1] for line in open(sys.argv[3]) if line.strip()]
missing = [r for r in before if r not in after]
unstored = [s for s in acked if s not in seqs]
print(f"{len(before)} records before the backup, {len(after)} restored, "
      f"{len(acked)} acknowledged before it; missing {len(missing)}, unstored {len(unstored)}")
sys.exit(1 if missing or unstored or not before else 0)
PY
}
restored=0
for _ in $(seq 1 25); do
  if check_restored >"$work/check.log" 2>&1; then restored=1; break; fi
  sleep 0.2
done
cat "$work/check.log"
((restored)) || fail "the restored stream lacks records stored or acknowledged before the backup"

# The device again, with the certificate it had.
: >"$work/acks"
timeout 30 "$bin/firmware-sim" --host 127.0.0.1 --port "$mqtt_port2" --cert-dir "$work/devices" \
  --ids backup-0001 --interval-ms 50 --count 5 --ack-log "$work/acks" >"$work/device.log" 2>&1 ||
  fail "the device cannot deliver to the restored hub with its old certificate"
[[ "$(acknowledged)" -eq 5 ]] || fail "expected 5 acknowledgements from the restored hub"
new_stored=0
for _ in $(seq 1 25); do
  stream_records "$work/restored" "$http_port2" backup-0001 >"$work/final.records"
  new_stored="$(awk 'NR == FNR { acked[$2] = 1; next } ($2 in acked) { n++ } END { print n + 0 }' \
    "$work/acks" "$work/final.records")"
  ((new_stored == 5)) && break
  sleep 0.2
done
((new_stored == 5)) || fail "expected the 5 new messages stored on the restored hub, found $new_stored"
echo "PASS: online backup during telemetry ($acks_at_start -> $acks_at_end acknowledged while it ran)," \
  "restored hub has every record and acknowledged message from before it, and the device reconnects"
