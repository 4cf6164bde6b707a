#include "hubd/hub_metrics.h"

#include <spdlog/spdlog.h>

#include <array>
#include <string_view>
#include <system_error>

#include "presence/presence_event.h"  // kDeviceLimitNames

namespace edgehub::hub {
namespace {

// A row: the health counter `key` is the sample of `family` (with the label,
// if any). Rows of one family follow each other.
struct HealthRow {
  std::string_view key;
  std::string_view family;
  MetricType type;
  std::string_view help;
  std::string_view label_name = {};
  std::string_view label_value = {};
};

constexpr std::array kHealthRows{
    HealthRow{"telemetry_received", "edgehub_telemetry_received_total", MetricType::counter,
              "Telemetry messages the hub took from its journals (stored, duplicate, refused "
              "or dead-lettered)"},
    HealthRow{"telemetry_stored", "edgehub_telemetry_stored_total", MetricType::counter,
              "Telemetry messages stored in the telemetry stream"},
    HealthRow{"telemetry_duplicates", "edgehub_telemetry_duplicates_total", MetricType::counter,
              "Telemetry messages whose (device, seq) was stored already"},
    HealthRow{"telemetry_refused", "edgehub_telemetry_refused_total", MetricType::counter,
              "Telemetry messages a full stream (policy reject) refused"},
    HealthRow{"telemetry_deadlettered", "edgehub_telemetry_dead_lettered_total",
              MetricType::counter, "Telemetry messages put in the dead-letter stream"},
    HealthRow{"responses_deadlettered", "edgehub_command_responses_dead_lettered_total",
              MetricType::counter,
              "Command answers put in the dead-letter stream (unknown, late, second, invalid)"},
    HealthRow{"telemetry_routed", "edgehub_telemetry_routed_total", MetricType::counter,
              "Copies of telemetry appended to route streams"},
    HealthRow{"route_failures", "edgehub_route_failures_total", MetricType::counter,
              "Route evaluations or appends that failed"},
    HealthRow{"store_failures", "edgehub_store_failures_total", MetricType::counter,
              "Store attempts that failed (retried; nothing acknowledged was lost)"},
    HealthRow{"inbound_store_failed_attempts", "edgehub_inbound_store_failed_attempts_total",
              MetricType::counter, "Failed attempts to record a message from the broker"},
    HealthRow{"ingest_backlog", "edgehub_ingest_backlog_messages", MetricType::gauge,
              "Journaled messages not yet in the streams"},
    HealthRow{"ingest_backlog_bytes", "edgehub_ingest_backlog_bytes", MetricType::gauge,
              "Topic and payload bytes of the journaled messages not yet in the streams"},
    HealthRow{"presence_backlog", "edgehub_presence_backlog_events", MetricType::gauge,
              "Presence events journaled, not yet applied"},
    HealthRow{"ingest_set_aside", "edgehub_ingest_set_aside_total", MetricType::counter,
              "Journal entries the poison guard set aside as dead letters"},
    HealthRow{"broker_journal_bytes", "edgehub_journal_bytes", MetricType::gauge,
              "Bytes of the journals on disk", "journal", "broker"},
    HealthRow{"hubd_journal_bytes", "edgehub_journal_bytes", MetricType::gauge,
              "Bytes of the journals on disk", "journal", "hubd"},
    HealthRow{"presence_journal_bytes", "edgehub_journal_bytes", MetricType::gauge,
              "Bytes of the journals on disk", "journal", "presence"},
    HealthRow{"broker_journal_segments", "edgehub_broker_journal_segments", MetricType::gauge,
              "Segment files of the broker journal"},
    HealthRow{"broker_journal_torn_tails", "edgehub_broker_journal_torn_tails_total",
              MetricType::counter, "Torn ends of broker journal segments found and skipped"},
    HealthRow{"broker_journal_corrupt_regions", "edgehub_broker_journal_corrupt_regions_total",
              MetricType::counter, "Corrupt regions of the broker journal found and skipped"},
    HealthRow{"broker_restarts", "edgehub_broker_restarts_total", MetricType::counter,
              "Restarts of the supervised mosquitto"},
    HealthRow{"devices_paused", "edgehub_devices_paused", MetricType::gauge,
              "Devices told to pause sending (a full stream)"},
    HealthRow{"commands_waiting", "edgehub_commands_waiting", MetricType::gauge,
              "Synchronous command requests waiting for a device's answer"},
    // device_limit_hits: edgehub_device_limit_hits_total{limit} (limit_hits_family).
};

MetricFamily gauge(std::string name, std::string help, double value, MetricLabels labels = {}) {
  return MetricFamily{std::move(name),
                      std::move(help),
                      MetricType::gauge,
                      {MetricSample{std::move(labels), value}},
                      {}};
}

double seconds_since_epoch(std::chrono::system_clock::time_point at) {
  return std::chrono::duration<double>(at.time_since_epoch()).count();
}

}  // namespace

std::vector<MetricFamily> health_counter_families(
    const std::map<std::string, std::uint64_t>& counters) {
  std::vector<MetricFamily> families;
  for (const HealthRow& row : kHealthRows) {
    const auto value = counters.find(std::string(row.key));
    if (value == counters.end()) continue;
    if (families.empty() || families.back().name != row.family) {
      families.push_back(
          MetricFamily{std::string(row.family), std::string(row.help), row.type, {}, {}});
    }
    MetricLabels labels;
    if (!row.label_name.empty()) {
      labels.push_back({std::string(row.label_name), std::string(row.label_value)});
    }
    families.back().samples.push_back({std::move(labels), static_cast<double>(value->second)});
  }
  return families;
}

MetricFamily commands_by_state_family(const std::map<CommandState, std::size_t>& counts) {
  MetricFamily family{"edgehub_commands",
                      "Commands in commands.db by state (final ones until retention removes them)",
                      MetricType::gauge,
                      {},
                      {}};
  for (CommandState state : {CommandState::queued, CommandState::sent, CommandState::completed,
                             CommandState::rejected, CommandState::failed, CommandState::expired,
                             CommandState::timed_out, CommandState::cancelled}) {
    const auto count = counts.find(state);
    family.samples.push_back({{{"state", to_string(state)}},
                              count == counts.end() ? 0.0 : static_cast<double>(count->second)});
  }
  return family;
}

MetricFamily limit_hits_family(const std::map<std::string, std::uint64_t, std::less<>>& by_limit) {
  MetricFamily family{"edgehub_device_limit_hits_total",
                      "Hits of the broker's per-device limits since hubd started, by limit",
                      MetricType::counter,
                      {},
                      {}};
  std::map<std::string, std::uint64_t, std::less<>> all = by_limit;
  for (std::string_view known : kDeviceLimitNames) all.try_emplace(std::string(known), 0);
  for (const auto& [limit, hits] : all) {
    family.samples.push_back({{{"limit", limit}}, static_cast<double>(hits)});
  }
  return family;
}

std::map<std::string, std::uint64_t> database_sizes(const std::filesystem::path& dir) {
  std::map<std::string, std::uint64_t> sizes;
  std::error_code error;
  for (const auto& entry : std::filesystem::directory_iterator(dir, error)) {
    const std::filesystem::path& file = entry.path();
    if (file.extension() != ".db" || !entry.is_regular_file(error)) continue;
    std::uint64_t bytes = 0;
    // WAL mode: recent commits live in -wal until a checkpoint.
    for (const char* suffix : {"", "-wal", "-shm"}) {
      const auto size = std::filesystem::file_size(file.string() + suffix, error);
      if (!error) bytes += size;
    }
    sizes[file.stem().string()] = bytes;
  }
  return sizes;
}

std::uint64_t bytes_of_files_in(const std::filesystem::path& dir) {
  std::uint64_t bytes = 0;
  std::error_code error;
  for (const auto& entry : std::filesystem::directory_iterator(dir, error)) {
    if (!entry.is_regular_file(error)) continue;
    const auto size = entry.file_size(error);
    if (!error) bytes += size;
  }
  return bytes;
}

HubMetrics::HubMetrics(HubMetricSources sources)
    : sources_(std::move(sources)),
      store_commit_(registry_.histogram(
          "edgehub_store_commit_duration_seconds",
          "Time of one group-commit transaction that stored a batch of journaled messages",
          latency_buckets_seconds())),
      command_round_trip_(registry_.histogram(
          "edgehub_command_round_trip_seconds",
          "From a command's sending to the device's answer (millisecond resolution)",
          latency_buckets_seconds())) {
  registry_.add_collector([this] { return collect(); });
}

std::vector<MetricFamily> HubMetrics::collect() const {
  std::vector<MetricFamily> families;
  families.push_back(gauge("edgehub_build_info", "hubd's version (the value is always 1)", 1,
                           {{"version", sources_.version}}));
  families.push_back(gauge("edgehub_start_time_seconds", "When hubd started, Unix time",
                           seconds_since_epoch(sources_.started_at)));
  families.push_back(
      gauge("edgehub_uptime_seconds", "Time since hubd started",
            std::chrono::duration<double>(std::chrono::system_clock::now() - sources_.started_at)
                .count()));
  if (sources_.health) {
    const HealthReport health = sources_.health();
    families.push_back(gauge("edgehub_broker_connected",
                             "1 while hubd is connected to the MQTT broker",
                             health.broker_connected ? 1 : 0));
    families.push_back(gauge("edgehub_health_problems",
                             "Problems the health endpoint reports (0: status ok)",
                             static_cast<double>(health.problems.size())));
    std::map<std::string, std::uint64_t> counters = health.counters;
    if (!sources_.journal_dir.empty()) {
      counters["hubd_journal_bytes"] = bytes_of_files_in(sources_.journal_dir);
    }
    if (!sources_.presence_journal_dir.empty()) {
      counters["presence_journal_bytes"] = bytes_of_files_in(sources_.presence_journal_dir);
    }
    for (MetricFamily& family : health_counter_families(counters))
      families.push_back(std::move(family));
  }
  if (sources_.connected_devices) {
    families.push_back(gauge("edgehub_devices_connected", "Devices connected to the broker now",
                             static_cast<double>(sources_.connected_devices())));
  }
  if (sources_.limit_hits_by_limit)
    families.push_back(limit_hits_family(sources_.limit_hits_by_limit()));
  if (sources_.commands_by_state) {
    if (auto counts = sources_.commands_by_state()) {
      families.push_back(commands_by_state_family(*counts));
    } else {
      spdlog::warn("metrics: commands by state left out: {}", counts.error().message);
    }
  }
  if (sources_.twin_updates) {
    const TwinUpdateCounts twins = sources_.twin_updates();
    families.push_back(MetricFamily{
        "edgehub_twin_updates_total",
        "Twin changes stored since hubd started: operators' desired patches, devices' reports",
        MetricType::counter,
        {{{{"side", "desired"}}, static_cast<double>(twins.desired)},
         {{{"side", "reported"}}, static_cast<double>(twins.reported)}},
        {}});
  }
  if (!sources_.data_dir.empty()) {
    MetricFamily databases{"edgehub_database_bytes",
                           "Bytes of each SQLite database in the data directory (with -wal, -shm)",
                           MetricType::gauge,
                           {},
                           {}};
    for (const auto& [name, bytes] : database_sizes(sources_.data_dir)) {
      databases.samples.push_back({{{"database", name}}, static_cast<double>(bytes)});
    }
    families.push_back(std::move(databases));
  }
  return families;
}

}  // namespace edgehub::hub
