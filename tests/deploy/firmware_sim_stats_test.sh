#!/usr/bin/env bash
# firmware-sim's live statistics against a real hub (loopback, mTLS broker):
# a small fleet runs for a few seconds with --stats-json FILE and text lines
# on stderr. Asserts what a test engineer watching it would rely on:
#   - every line of the JSON stream parses; it starts with ramp-up progress,
#     has a stats object per interval and ends with the summary;
#   - the figures grow: connected reaches the fleet size, acknowledged
#     telemetry goes up and PUBACK latency is measured;
#   - the summary's counts are the fleet's (devices x --count acknowledged),
#     and stderr shows the same in text (progress, stats, final stats).
# Everything started is stopped, also on failure.
#
# usage: firmware_sim_stats_test.sh BIN_DIR
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
bin="$(cd "${1:?usage: firmware_sim_stats_test.sh BIN_DIR}" && pwd)"
work="$(mktemp -d /tmp/edgehub-sim-stats-test.XXXXXX)"
source "$repo/tests/support/stop_hub.sh"
source "$repo/tests/support/start_hub.sh"
hubd_pid=""

cleanup() {
  stop_hub "$hubd_pid" "$work/data"
  rm -rf "$work"
}
trap cleanup EXIT
fail() {
  echo "FAIL: $*" >&2
  for log in hubd.log sim.err stats.jsonl; do
    [[ -f "$work/$log" ]] && { echo "--- $log" >&2; tail -20 "$work/$log" >&2; }
  done
  exit 1
}

devices=12 count=8
read -r mqtt_port http_port < <(free_ports 2)
start_hub "$bin" "$work/data" "$mqtt_port" "$http_port" "$work/hubd.log" || fail "hubd not ready"

"$bin/firmware-sim" --port "$mqtt_port" --cert-dir "$work/fleet" --id-prefix stats- \
  --devices "$devices" --register --hub "http://127.0.0.1:$http_port" --data-dir "$work/data" \
  --count "$count" --interval-ms 400 --connect-rate 20/s --stats-interval-ms 500 \
  --stats-json "$work/stats.jsonl" --json >"$work/sim.out" 2>"$work/sim.err" ||
  fail "firmware-sim exited with $?"

python3 - "$work/stats.jsonl" "$devices" "$count" <<'PY' || fail "the JSON statistics are wrong"
import json, sys
path, devices, count = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
lines = [json.loads(line) for line in open(path)]  # every line must parse
types = [line["type"] for line in lines]
assert types[0] == "progress", types[:3]
assert types[-1] == "summary" and types.count("summary") == 1, types[-3:]
stats = [line for line in lines if line["type"] == "stats"]
progress = [line for line in lines if line["type"] == "progress"]
assert len(stats) >= 4, f"only {len(stats)} stats lines"
# The ramp at 20/s takes about 0.6 s: at least one progress line shows it
# under way, and the ramp is reported done once everything is connected.
assert any(p["connected"] < devices for p in progress), progress
assert max(s["connected"] for s in stats) == devices, [s["connected"] for s in stats]
acked = [s["acked"] for s in stats]
assert acked == sorted(acked) and acked[-1] > 0, acked
assert any(s["acked_per_s"] > 0 and s["puback_p99_ms"] > 0 for s in stats), stats
for s in stats:
    assert s["connected"] + s["connecting"] + s["offline"] + s["done"] == devices, s
    assert s["errors"] == sum(s["errors_by_kind"].values()), s
summary = lines[-1]
assert summary["acked"] == devices * count, summary
assert summary["sent"] == devices * count, summary
assert summary["done"] == devices and summary["connects"] >= devices, summary
assert summary["puback_p99_ms"] >= summary["puback_p50_ms"] > 0, summary
print(f"{len(stats)} stats lines, {len(progress)} progress lines, acked {summary['acked']}, "
      f"PUBACK p50 {summary['puback_p50_ms']} ms p99 {summary['puback_p99_ms']} ms")
PY

grep -q "^ramp-up: connected [0-9]* of $devices " "$work/sim.err" || fail "no ramp-up line on stderr"
grep -q "^stats: $devices connected, " "$work/sim.err" || fail "no stats line with every device connected"
grep -q "^final stats: 0 connected, 0 connecting, 0 offline, $devices done " "$work/sim.err" ||
  fail "no final stats line"
python3 -c 'import json, sys; s = json.loads(open(sys.argv[1]).read()); assert s["acked"] == int(sys.argv[2]), s' \
  "$work/sim.out" "$((devices * count))" || fail "the --json summary on stdout is wrong"
echo "PASS"
