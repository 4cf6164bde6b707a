#!/usr/bin/env bash
# Fleet benchmark (not a test; issue 17): hubd with its supervised broker
# (mTLS; free loopback ports, temporary directory) and ONE firmware-sim
# process simulating the whole fleet, one message per second per device from
# the start (BENCH_STORM_INTERVAL_MS: another interval during the storms).
#   0. registration: firmware-sim --register creates the N devices through
#      the REST API (POST /api/v1/devices); its duration is reported, it is
#      not part of any other figure; then that process is stopped
#   1. connect storm: N devices connect at BENCH_CONNECT_RATE; seconds from
#      firmware-sim's start until its live statistics (--stats-json, every
#      BENCH_STATS_INTERVAL_MS, stamped with the wall clock by a reader here
#      as they appear) show all N connected; handshake errors by kind,
#      connects/s
#   2. memory: resident memory (VmRSS) of firmware-sim, mosquitto and hubd
#      before the fleet (after registration) and BENCH_SETTLE_SECONDS after
#      all N are connected (firmware-sim returns freed heap every 5 s);
#      per device: firmware-sim's whole RSS / N (it has no fleet-less state
#      worth subtracting), mosquitto's and hubd's growth / N
#   3. reconnect storm: the broker is killed (SIGKILL, a crash), hubd's
#      supervisor (hub/broker/broker_supervisor.cpp) starts it again; seconds
#      from the kill until all N are connected again (and until the new
#      broker's pid appeared), errors by kind during it
#   4. steady telemetry at 1 msg/s per device (with another storm interval:
#      first a fleet command, a job, POST /api/v1/jobs: set-interval 1000 ms
#      to every device; how long until all answered is reported),
#      BENCH_WARMUP_SECONDS (2) of warm-up (hubd may still be storing what
#      the devices buffered during the reconnect storm), then
#      BENCH_STEADY_SECONDS of measuring: acknowledged msg/s and PUBACK
#      p50/p99 (firmware-sim: publish -> PUBACK, per statistics interval: the
#      median of the intervals' p50s, the median and the worst of their
#      p99s), and from the hub's side a reader long-polling the telemetry
#      stream through the REST API: records/s stored (the stream's
#      next_offset) and read by it, and broker receipt ->
#      readable latency p50/p99 (the record's received_at_ms, the broker
#      plugin's clock in whole ms, to the moment the reader had the long
#      poll's answer; the device's `ts` is not stored in the record,
#      docs/protocol.md sections 3 and 5, so the device -> broker leg is in
#      the PUBACK figure instead)
#   5. CPU seconds (user + system, /proc/<pid>/stat) of mosquitto, hubd and
#      firmware-sim in each phase
# N is BENCH_DEVICES, lowered to what the open-files limit allows
# (firmware-sim needs one descriptor per device; hubd gives the broker its
# own limit, --broker-max-open-files): the output says so. A storm that does
# not complete within BENCH_STORM_TIMEOUT_SECONDS is reported as null with
# the count it reached, and the run goes on.
# The last line printed is one JSON object with every figure.
#
# Environment: EDGEHUB_BUILD_DIR (default build/), BENCH_SKIP_BUILD=1 to use
# the binaries as they are, BENCH_DEVICES (10000), BENCH_CONNECT_RATE
# (connects/s of the fleet, firsts and reconnects; default firmware-sim's
# 300; 0 = unlimited), BENCH_STEADY_SECONDS (30), BENCH_STORM_INTERVAL_MS
# (1000: telemetry interval per device before step 4), BENCH_STATS_INTERVAL_MS
# (200: resolution of the storm times), BENCH_SETTLE_SECONDS (6),
# BENCH_STORM_TIMEOUT_SECONDS (60 + 4 N / rate), BENCH_SIM_ARGS (more
# firmware-sim options), BENCH_KEEP=1 to keep the temporary directory (logs,
# statistics).
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
build="${EDGEHUB_BUILD_DIR:-$repo/build}"
requested="${BENCH_DEVICES:-10000}"
rate="${BENCH_CONNECT_RATE:-300}"
steady_s="${BENCH_STEADY_SECONDS:-30}"
storm_interval_ms="${BENCH_STORM_INTERVAL_MS:-1000}"
stats_ms="${BENCH_STATS_INTERVAL_MS:-200}"
settle_s="${BENCH_SETTLE_SECONDS:-6}"
warmup_s="${BENCH_WARMUP_SECONDS:-2}"
read -r -a sim_extra <<<"${BENCH_SIM_ARGS:-}"

if [[ "${BENCH_SKIP_BUILD:-0}" != 1 ]]; then
  EDGEHUB_BUILD_DIR="$build" "$repo/deploy/build.sh" --target hubd firmware-sim edgehub_mosquitto_auth >&2
fi
bin="$build/bin"
work="$(mktemp -d /tmp/edgehub-fleet.XXXXXX)"
data="$work/data"
hubd_pid=""
register_pid=""
sim_pid=""
watcher_pid=""
reader_pid=""
source "$repo/tests/perf/bench_lib.sh"  # log, stop_pid, stop_hub, free_port, start_hubd, cpu_seconds, minus, broker_pid

cleanup() {
  stop_pid "$reader_pid"
  stop_pid "$register_pid"
  stop_pid "$sim_pid"
  stop_pid "$watcher_pid"
  stop_hub
  if [[ "${BENCH_KEEP:-0}" == 1 ]]; then echo "kept $work" >&2; else rm -rf "$work"; fi
}
trap cleanup EXIT

now() { date +%s.%N | cut -c1-14; }  # wall clock, 1/1000 s
elapsed_since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.3f", b - a }'; }
rss_kb() { awk '$1 == "VmRSS:" { print $2 }' "/proc/$1/status" 2>/dev/null || echo 0; }

# --- how many devices fit: firmware-sim holds one socket per device, and so
# does the broker (hubd raises the broker's limit to 65,536 only where it
# may exceed the hard limit; otherwise the broker gets this same limit) ---
ulimit -Sn "$(ulimit -Hn)" 2>/dev/null || true
open_files="$(ulimit -Sn)"
devices="$requested"
fits_note="BENCH_DEVICES fits the open-files limit ($open_files)"
if [[ "$open_files" != unlimited ]] && (( requested + 64 > open_files )); then
  devices=$((open_files - 64))
  fits_note="lowered from $requested: the open-files limit (firmware-sim's, and the broker's unless hubd may raise it) is $open_files"
fi
log "$devices devices ($fits_note)"

if [[ -n "${BENCH_STORM_TIMEOUT_SECONDS:-}" ]]; then storm_timeout_s="$BENCH_STORM_TIMEOUT_SECONDS"
elif [[ "$rate" == 0 ]]; then storm_timeout_s=$((60 + devices / 50))
else storm_timeout_s=$((60 + 4 * devices / rate)); fi

mqtt_port="$(free_port)"
http_port="$(free_port)"
while [[ "$http_port" == "$mqtt_port" ]]; do http_port="$(free_port)"; done
max_connections=$((devices + 1000 > 20000 ? devices + 1000 : 20000))
start_hubd "$mqtt_port" "$http_port" --broker-max-connections "$max_connections"
hub_url="http://127.0.0.1:$http_port"

# --- 0. registration (not timed into the storm) --------------------------
# firmware-sim registers the devices it has no certificate for, then starts
# connecting: it is pointed at a port nobody listens on and stopped as soon
# as it says it simulates the fleet.
closed_port="$(free_port)"
log "registering $devices devices (firmware-sim --register)"
hubd_cpu_registration="$(cpu_seconds "$hubd_pid")"
registration_started="$(now)"
"$bin/firmware-sim" --port "$closed_port" --cert-dir "$work/devices" --id-prefix fleet- \
  --devices "$devices" --register --hub "$hub_url" --data-dir "$data" --connect-rate 1/s \
  --stats-interval-ms 0 --log-level info >"$work/register.log" 2>&1 &
register_pid=$!
until grep -q "simulating $devices devices" "$work/register.log"; do
  kill -0 "$register_pid" 2>/dev/null || { echo "registration failed:" >&2; tail -20 "$work/register.log" >&2; exit 1; }
  sleep 0.2
done
registration_s="$(elapsed_since "$registration_started")"
registration_sim_cpu="$(cpu_seconds "$register_pid")"
stop_pid "$register_pid"
register_pid=""
log "registered $devices devices in $registration_s s"

sleep 1
hubd_rss_before="$(rss_kb "$hubd_pid")"
broker_before="$(broker_pid)"
broker_rss_before="$(rss_kb "$broker_before")"
hubd_cpu_0="$(cpu_seconds "$hubd_pid")"; broker_cpu_0="$(cpu_seconds "$broker_before")"

# --- 1. connect storm ----------------------------------------------------
# A reader stamps each statistics line with the wall clock as it appears.
touch "$work/stats.jsonl"
python3 - "$work/stats.jsonl" "$work/stamped.jsonl" <<'PY' &
import json, sys, time
source, stamped = sys.argv[1], sys.argv[2]
with open(source) as lines, open(stamped, "a", buffering=1) as out:
    pending = ""
    while True:
        part = lines.readline()
        if not part:
            time.sleep(0.02)
            continue
        pending += part
        if not pending.endswith("\n"):
            continue
        try:
            row = json.loads(pending)
        except ValueError:
            pending = ""
            continue
        pending = ""
        row["wall_s"] = round(time.time(), 3)
        out.write(json.dumps(row, separators=(",", ":")) + "\n")
        if row.get("type") == "summary":
            break
PY
watcher_pid=$!
touch "$work/stamped.jsonl"

log "connect storm: $devices devices at ${rate}/s (one message per $storm_interval_ms ms each)"
sim_started="$(now)"
"$bin/firmware-sim" --port "$mqtt_port" --cert-dir "$work/devices" --id-prefix fleet- \
  --devices "$devices" --interval-ms "$storm_interval_ms" --connect-rate "${rate}/s" \
  --stats-interval-ms "$stats_ms" --stats-json "$work/stats.jsonl" \
  --json --log-level warn "${sim_extra[@]}" >"$work/sim.out" 2>"$work/sim.err" &
sim_pid=$!

last_stats() { grep '"type":"stats"' "$work/stamped.jsonl" | tail -1; }
# wait_for_fleet AFTER_WALL DEADLINE_WALL: waits for a statistics line
# stamped after AFTER_WALL with every device connected (with DROP=1: only
# after one showed fewer connected); prints that line. 1 at the deadline.
wait_for_fleet() {
  local after="$1" deadline="$2" seen_drop=0 line connected wall
  while true; do
    kill -0 "$sim_pid" 2>/dev/null || { echo "firmware-sim exited:" >&2; tail -20 "$work/sim.err" >&2; exit 1; }
    line="$(last_stats)"
    if [[ -n "$line" ]]; then
      connected="$(jq -r .connected <<<"$line")"; wall="$(jq -r .wall_s <<<"$line")"
      if awk -v w="$wall" -v a="$after" 'BEGIN { exit !(w > a) }'; then
        (( connected < devices )) && seen_drop=1
        if (( connected >= devices )) && [[ "${DROP:-0}" == 0 || "$seen_drop" == 1 ]]; then
          echo "$line"; return 0
        fi
      fi
    fi
    awk -v d="$deadline" -v n="$(now)" 'BEGIN { exit !(n > d) }' && return 1
    sleep 0.05
  done
}
at() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", a + b }'; }

connect_s=null; connected_line=""
if connected_line="$(wait_for_fleet 0 "$(at "$sim_started" "$storm_timeout_s")")"; then
  connect_s="$(minus "$(jq -r .wall_s <<<"$connected_line")" "$sim_started")"
  log "all $devices connected after $connect_s s"
else
  log "not all connected within $storm_timeout_s s: $(last_stats)"
fi
sim_cpu_1="$(cpu_seconds "$sim_pid")"; hubd_cpu_1="$(cpu_seconds "$hubd_pid")"; broker_cpu_1="$(cpu_seconds "$broker_before")"
connect_errors="$(jq -c '.errors_by_kind' <<<"${connected_line:-$(last_stats)}")"

# --- 2. memory -----------------------------------------------------------
sleep "$settle_s"
sim_rss="$(rss_kb "$sim_pid")"; hubd_rss="$(rss_kb "$hubd_pid")"; broker_rss="$(rss_kb "$broker_before")"
log "RSS with $devices connected: firmware-sim $sim_rss kB, mosquitto $broker_rss kB (before $broker_rss_before), hubd $hubd_rss kB (before $hubd_rss_before)"

# --- 3. reconnect storm --------------------------------------------------
reconnect_s=null; broker_back_s=null; reconnect_errors=null
sim_cpu_2="$(cpu_seconds "$sim_pid")"; hubd_cpu_2="$(cpu_seconds "$hubd_pid")"; broker_cpu_2="$(cpu_seconds "$broker_before")"
broker_after="$broker_before"
if [[ "$connect_s" != null ]]; then
  errors_before_kill="$(jq -c .errors_by_kind <<<"$(last_stats)")"
  log "reconnect storm: killing the broker (pid $broker_before)"
  killed_at="$(now)"
  kill -KILL "$broker_before"
  while true; do
    broker_after="$(broker_pid)"
    [[ -n "$broker_after" && "$broker_after" != "$broker_before" ]] && kill -0 "$broker_after" 2>/dev/null && break
    awk -v d="$(at "$killed_at" 30)" -v n="$(now)" 'BEGIN { exit !(n > d) }' && break
    sleep 0.05
  done
  broker_back_s="$(elapsed_since "$killed_at")"
  log "new broker pid ${broker_after:-none} after $broker_back_s s"
  if reconnected_line="$(DROP=1 wait_for_fleet "$killed_at" "$(at "$killed_at" "$storm_timeout_s")")"; then
    reconnect_s="$(minus "$(jq -r .wall_s <<<"$reconnected_line")" "$killed_at")"
    log "all $devices connected again $reconnect_s s after the kill"
  else
    reconnected_line="$(last_stats)"
    log "not all reconnected within $storm_timeout_s s: $reconnected_line"
  fi
  reconnect_errors="$(jq -c --argjson before "$errors_before_kill" \
    '.errors_by_kind | with_entries(.value -= ($before[.key] // 0))' <<<"$reconnected_line")"
fi
sim_cpu_3="$(cpu_seconds "$sim_pid")"; hubd_cpu_3="$(cpu_seconds "$hubd_pid")"; broker_cpu_3="$(cpu_seconds "$broker_after")"
broker_rss_reconnected="$(rss_kb "$broker_after")"

# --- 4. steady telemetry at 1 msg/s per device -------------------------------
job_s=null
if [[ "$storm_interval_ms" != 1000 ]]; then
  log "steady phase: a job sets every device's interval to 1000 ms"
  job_s="$(python3 - "$http_port" "$token" "$storm_timeout_s" <<'PY' || echo null
import json, sys, time, urllib.request
port, token, timeout = sys.argv[1], sys.argv[2], float(sys.argv[3])
def call(method, path, body=None):
    request = urllib.request.Request("http://127.0.0.1:%s%s" % (port, path), method=method,
                                     data=None if body is None else json.dumps(body).encode(),
                                     headers={"Authorization": "Bearer " + token,
                                              "Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=timeout) as answer:
        return json.load(answer)
started = time.time()
job = call("POST", "/api/v1/jobs", {"selector": {"id_pattern": "fleet-*"}, "name": "set-interval",
                                    "payload": {"interval_ms": 1000}, "timeout_ms": 60000})
print("job %s created after %.1f s" % (job["id"], time.time() - started), file=sys.stderr)
while job["pending"] > 0 and time.time() - started < timeout:
    time.sleep(0.2)
    job = call("GET", "/api/v1/jobs/" + job["id"])
print("job %s: %d of %d completed, %d failed, %d pending" % (job["id"], job["completed"], job["total"],
      job["failed"], job["pending"]), file=sys.stderr)
print("%.1f" % (time.time() - started) if job["pending"] == 0 and job["failed"] == 0 else "null")
PY
)"
  log "every device answered set-interval after $job_s s (null: not all, or the job failed)"
fi
log "steady phase: 1 msg/s per device, $warmup_s s of warm-up, then $steady_s s measured"
window_start="$(at "$(now)" "$warmup_s")"
window_end="$(at "$window_start" "$steady_s")"
while awk -v d="$window_start" -v n="$(now)" 'BEGIN { exit !(n < d) }'; do sleep 0.05; done
sim_cpu_4="$(cpu_seconds "$sim_pid")"; hubd_cpu_4="$(cpu_seconds "$hubd_pid")"; broker_cpu_4="$(cpu_seconds "$broker_after")"
# The hub's side: a long-polling reader of the telemetry stream, as a live
# consumer reads (tests/perf/ingest_bench.cpp's latency reader does the same).
python3 - "$http_port" "$token" "$steady_s" >"$work/reader.json" <<'PY' &
import json, sys, time, urllib.request
port, token, seconds = sys.argv[1], sys.argv[2], float(sys.argv[3])
def get(path):
    request = urllib.request.Request("http://127.0.0.1:%s%s" % (port, path),
                                     headers={"Authorization": "Bearer " + token})
    with urllib.request.urlopen(request, timeout=30) as answer:
        body = answer.read()
    return json.loads(body), time.time()
position = first = get("/api/v1/streams/telemetry")[0]["next_offset"]
started = time.time()
latencies = []
while time.time() - started < seconds:
    page, seen = get("/api/v1/streams/telemetry/records?from=%d&limit=10000&wait_ms=1000" % position)
    for record in page["records"]:
        latencies.append(seen * 1000 - record["received_at_ms"])
    position = page["next_offset"]
elapsed = time.time() - started
# What the hub stored meanwhile, by its own count (the reader may lag behind
# it: then its latency includes the reader's own delay).
stored = get("/api/v1/streams/telemetry")[0]["next_offset"] - first
latencies.sort()
def pct(p):
    return round(latencies[min(len(latencies) - 1, int(p * len(latencies)))], 1) if latencies else None
print(json.dumps({"stored_per_s": round(stored / elapsed, 1), "records": len(latencies),
                  "records_per_s": round(len(latencies) / elapsed, 1),
                  "received_to_readable_p50_ms": pct(0.5), "received_to_readable_p99_ms": pct(0.99),
                  "received_to_readable_max_ms": latencies[-1] if latencies else None}))
PY
reader_pid=$!
while awk -v d="$window_end" -v n="$(now)" 'BEGIN { exit !(n < d) }'; do sleep 0.05; done
sim_cpu_5="$(cpu_seconds "$sim_pid")"; hubd_cpu_5="$(cpu_seconds "$hubd_pid")"; broker_cpu_5="$(cpu_seconds "$broker_after")"
sim_rss_steady="$(rss_kb "$sim_pid")"; hubd_rss_steady="$(rss_kb "$hubd_pid")"; broker_rss_steady="$(rss_kb "$broker_after")"
wait "$reader_pid" || { echo "the stream reader failed" >&2; exit 1; }
reader_pid=""
log "hub side: $(cat "$work/reader.json")"
steady_json="$(jq -cs --argjson from "$window_start" --argjson to "$window_end" '
  def median: map(select(. > 0)) | sort | if length > 0 then .[(length / 2 | floor)] else null end;
  [ .[] | select(.type == "stats" and .wall_s >= $from and .wall_s <= $to) ] as $in
  |  { intervals: ($in | length),
    acked_per_s: (if ($in | length) > 1
                  then (($in[-1].acked - $in[0].acked) / ($in[-1].elapsed_s - $in[0].elapsed_s) | floor)
                  else null end),
    connected_min: ([ $in[].connected ] | min),
    puback_p50_ms: ([ $in[].puback_p50_ms ] | median),
    puback_p99_ms: ([ $in[].puback_p99_ms ] | median),
    puback_p99_worst_ms: ([ $in[].puback_p99_ms ] | max) }' "$work/stamped.jsonl")"
log "firmware-sim in the steady window: $steady_json"

kill -TERM "$sim_pid"
wait "$sim_pid" || log "firmware-sim exited with $?"
sim_pid=""
summary="$(tail -1 "$work/sim.out")"
log "firmware-sim summary: $summary"

reconnect_broker_cpu="$(minus "$broker_cpu_3" "$broker_cpu_2")"
# A new broker's CPU is all its own (the old one's last moments are lost with it).
[[ "$broker_after" != "$broker_before" ]] && reconnect_broker_cpu="$broker_cpu_3"
per_device() { awk -v a="$1" -v b="${2:-0}" -v n="$devices" 'BEGIN { printf "%.2f", (a - b) / n }'; }
per_s() { [[ "$2" == null ]] && { echo null; return; }; awk -v n="$1" -v s="$2" 'BEGIN { printf "%.1f", n / s }'; }
jq -nc --argjson devices "$devices" --argjson requested "$requested" --arg note "$fits_note" \
  --argjson rate "$rate" --argjson storm_interval_ms "$storm_interval_ms" --argjson stats_ms "$stats_ms" \
  --argjson registration_s "$registration_s" --argjson job_s "$job_s" \
  --argjson connect_s "$connect_s" --argjson connects_per_s "$(per_s "$devices" "$connect_s")" \
  --argjson connect_errors "$connect_errors" \
  --argjson reconnect_s "$reconnect_s" --argjson reconnects_per_s "$(per_s "$devices" "$reconnect_s")" \
  --argjson broker_back_s "$broker_back_s" --argjson reconnect_errors "$reconnect_errors" \
  --argjson rss "{\"firmware_sim\":$sim_rss,\"mosquitto\":$broker_rss,\"hubd\":$hubd_rss,
                  \"mosquitto_before\":$broker_rss_before,\"hubd_before\":$hubd_rss_before,
                  \"mosquitto_after_reconnect\":$broker_rss_reconnected,
                  \"firmware_sim_steady\":$sim_rss_steady,\"mosquitto_steady\":$broker_rss_steady,
                  \"hubd_steady\":$hubd_rss_steady}" \
  --argjson per_device "{\"firmware_sim\":$(per_device "$sim_rss"),
                         \"mosquitto\":$(per_device "$broker_rss" "$broker_rss_before"),
                         \"hubd\":$(per_device "$hubd_rss" "$hubd_rss_before")}" \
  --argjson steady_s "$steady_s" --argjson steady "$steady_json" --argjson reader "$(cat "$work/reader.json")" \
  --argjson cpu "{\"registration\":{\"hubd\":$(minus "$hubd_cpu_0" "$hubd_cpu_registration"),\"firmware_sim\":$registration_sim_cpu},
                  \"connect\":{\"mosquitto\":$(minus "$broker_cpu_1" "$broker_cpu_0"),\"hubd\":$(minus "$hubd_cpu_1" "$hubd_cpu_0"),\"firmware_sim\":$sim_cpu_1},
                  \"reconnect\":{\"mosquitto\":$reconnect_broker_cpu,\"hubd\":$(minus "$hubd_cpu_3" "$hubd_cpu_2"),\"firmware_sim\":$(minus "$sim_cpu_3" "$sim_cpu_2")},
                  \"steady\":{\"mosquitto\":$(minus "$broker_cpu_5" "$broker_cpu_4"),\"hubd\":$(minus "$hubd_cpu_5" "$hubd_cpu_4"),\"firmware_sim\":$(minus "$sim_cpu_5" "$sim_cpu_4")}}" \
  --argjson summary "${summary:-null}" \
  '{benchmark: "fleet", devices: $devices, devices_requested: $requested, devices_note: $note,
    connect_rate_per_s: $rate, storm_telemetry_interval_ms: $storm_interval_ms, stats_interval_ms: $stats_ms,
    registration_s: $registration_s,
    connect_s: $connect_s, connects_per_s: $connects_per_s, connect_errors_by_kind: $connect_errors,
    reconnect_s: $reconnect_s, reconnects_per_s: $reconnects_per_s, broker_restarted_after_s: $broker_back_s,
    reconnect_errors_by_kind: $reconnect_errors,
    rss_kb: $rss, kb_per_device: $per_device,
    steady_set_interval_job_s: $job_s, steady_seconds: $steady_s, steady_acked_per_s: $steady.acked_per_s, steady_connected_min: $steady.connected_min,
    steady_puback_p50_ms: $steady.puback_p50_ms, steady_puback_p99_ms: $steady.puback_p99_ms,
    steady_puback_p99_worst_ms: $steady.puback_p99_worst_ms,
    steady_stored_per_s: $reader.stored_per_s, steady_read_per_s: $reader.records_per_s,
    steady_received_to_readable_p50_ms: $reader.received_to_readable_p50_ms,
    steady_received_to_readable_p99_ms: $reader.received_to_readable_p99_ms,
    cpu_s: $cpu,
    sim_errors_by_kind: $summary.errors_by_kind, sim_puback_p99_ms_whole_run: $summary.puback_p99_ms}'
