#!/usr/bin/env bash
# Device list memory benchmark (not a test; issue 17): hubd's resident memory
# before and after BENCH_CALLS (20) listings of the whole fleet of
# BENCH_DEVICES (5000) registered devices through GET /api/v1/devices.
#
# The devices are written straight into registry.db (rows only, no
# certificates: listing does not need them) while hubd is stopped, then
# hubd is started again on free loopback ports and listed. BENCH_MODE:
#   pages  every page of BENCH_PAGE (500) in turn, as `hubctl devices list` does
#   whole  the whole fleet in one answer (?limit=BENCH_PAGE with BENCH_PAGE=5000;
#          a hubd from before paging answers everything to any GET)
# The last line printed is one JSON object: rss_start_kb (after start),
# rss_end_kb (after the listings), rss_peak_kb (VmHWM), ms_per_listing,
# pages_per_listing, devices_per_listing.
#
# Environment: EDGEHUB_BUILD_DIR (default build/; its bin/hubd is measured),
# BENCH_DEVICES, BENCH_CALLS, BENCH_MODE (pages), BENCH_PAGE (500),
# BENCH_SKIP_BUILD=1.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
build="${EDGEHUB_BUILD_DIR:-$repo/build}"
devices="${BENCH_DEVICES:-5000}"
calls="${BENCH_CALLS:-20}"
mode="${BENCH_MODE:-pages}"
page="${BENCH_PAGE:-500}"
[[ "$mode" == pages || "$mode" == whole ]] || { echo "BENCH_MODE must be pages or whole" >&2; exit 2; }

if [[ "${BENCH_SKIP_BUILD:-0}" != 1 ]]; then
  EDGEHUB_BUILD_DIR="$build" "$repo/deploy/build.sh" --target hubd edgehub_mosquitto_auth >&2
fi
bin="$build/bin"
work="$(mktemp -d /tmp/edgehub-devlist.XXXXXX)"
data="$work/data"
hubd_pid=""
source "$repo/tests/perf/bench_lib.sh"
trap 'stop_hub; rm -rf "$work"' EXIT

rss_kb() { awk -v field="$2:" '$1 == field {print $2}' "/proc/$1/status"; }

mqtt_port="$(free_port)"
http_port="$(free_port)"
start_hubd "$mqtt_port" "$http_port"  # creates registry.db with its schema
stop_hub
log "registering $devices devices in registry.db"
sqlite3 "$data/registry.db" <<SQL
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $devices)
INSERT INTO devices (id, role, status, cert_sha256, created_at_ms, attributes)
  SELECT printf('dev-%05d', i), 'device', 'enabled', printf('%064x', i),
         1733400000000 + i, '{"room": "hall-' || (i % 40) || '", "floor": ' || (i % 7) || '}'
  FROM n;
SQL
start_hubd "$mqtt_port" "$http_port"
sleep 2  # let start-up allocations settle
rss_start="$(rss_kb "$hubd_pid" VmRSS)"
log "hubd rss after start: $rss_start kB; $calls listings ($mode, $page per request)"

result="$(python3 - "$http_port" "$token" "$calls" "$mode" "$page" <<'PY'
import json, sys, time, urllib.request
port, token, calls, mode, page = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4], sys.argv[5]
def get(query):
    request = urllib.request.Request("http://127.0.0.1:%s/api/v1/devices?%s" % (port, query),
                                     headers={"Authorization": "Bearer " + token})
    return json.load(urllib.request.urlopen(request, timeout=60))
started = time.monotonic()
requests = listed = 0
for _ in range(calls):
    after = None
    while True:
        answer = get("limit=%s" % page + ("&after=" + after if after else ""))
        requests += 1
        listed += len(answer["devices"])
        after = answer.get("next_after") if mode == "pages" else None
        if not after:
            break
elapsed_ms = (time.monotonic() - started) * 1000
print(json.dumps({"ms_per_listing": round(elapsed_ms / calls, 1),
                  "pages_per_listing": requests / calls,
                  "devices_per_listing": listed / calls}))
PY
)"
sleep 1
rss_end="$(rss_kb "$hubd_pid" VmRSS)"
rss_peak="$(rss_kb "$hubd_pid" VmHWM)"
log "hubd rss after $calls listings: $rss_end kB (peak $rss_peak kB)"
python3 -c '
import json, sys
row = {"benchmark": "device_list_memory", "hubd": sys.argv[1], "devices": int(sys.argv[2]),
       "calls": int(sys.argv[3]), "mode": sys.argv[4], "page": int(sys.argv[5]),
       "rss_start_kb": int(sys.argv[6]), "rss_end_kb": int(sys.argv[7]), "rss_peak_kb": int(sys.argv[8])}
row.update(json.loads(sys.argv[9]))
print(json.dumps(row))' "$bin/hubd" "$devices" "$calls" "$mode" "$page" "$rss_start" "$rss_end" \
  "$rss_peak" "$result"
