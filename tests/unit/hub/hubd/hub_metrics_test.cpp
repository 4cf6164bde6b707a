#include "hubd/hub_metrics.h"

#include <doctest/doctest.h>

#include <fstream>
#include <set>

#include "edgehub/test/temp_directory.h"
#include "metrics/metric_names.h"

using namespace edgehub;
using namespace edgehub::hub;

namespace {

const MetricFamily* find_family(const std::vector<MetricFamily>& families, std::string_view name) {
  for (const MetricFamily& family : families) {
    if (family.name == name) return &family;
  }
  return nullptr;
}

double value_of(const MetricFamily& family, std::string_view label_value = {}) {
  for (const MetricSample& sample : family.samples) {
    if (label_value.empty() || (!sample.labels.empty() && sample.labels[0].value == label_value)) {
      return sample.value;
    }
  }
  FAIL("no sample " << label_value << " in " << family.name);
  return -1;
}

void write_bytes(const std::filesystem::path& file, std::size_t bytes) {
  std::ofstream(file) << std::string(bytes, 'x');
}

}  // namespace

TEST_CASE("health_counters_become_metrics_with_prometheus_names_and_types") {
  const auto families = health_counter_families({{"telemetry_stored", 5},
                                                 {"telemetry_deadlettered", 1},
                                                 {"ingest_backlog", 12},
                                                 {"broker_journal_bytes", 4096},
                                                 {"hubd_journal_bytes", 100},
                                                 {"presence_journal_bytes", 50},
                                                 {"broker_restarts", 2},
                                                 {"some_future_counter", 9}});
  for (const MetricFamily& family : families) CHECK(check_metric_family(family).ok());
  REQUIRE(find_family(families, "edgehub_telemetry_stored_total") != nullptr);
  CHECK(find_family(families, "edgehub_telemetry_stored_total")->type == MetricType::counter);
  CHECK(value_of(*find_family(families, "edgehub_telemetry_stored_total")) == 5);
  CHECK(value_of(*find_family(families, "edgehub_telemetry_dead_lettered_total")) == 1);
  CHECK(find_family(families, "edgehub_ingest_backlog_messages")->type == MetricType::gauge);
  CHECK(value_of(*find_family(families, "edgehub_broker_restarts_total")) == 2);
  // Both journals in one family, told apart by a label.
  const MetricFamily* journals = find_family(families, "edgehub_journal_bytes");
  REQUIRE(journals != nullptr);
  CHECK(value_of(*journals, "broker") == 4096);
  CHECK(value_of(*journals, "hubd") == 100);
  CHECK(value_of(*journals, "presence") == 50);
  // Absent counters are left out; unknown ones are not guessed at.
  CHECK(find_family(families, "edgehub_telemetry_refused_total") == nullptr);
  CHECK(families.size() == 5);  // the three journals share one
}

TEST_CASE("commands_by_state_has_every_state_and_limit_hits_every_limit_never_a_device") {
  const MetricFamily commands = commands_by_state_family({{CommandState::completed, 3}});
  CHECK(commands.samples.size() == 8);
  CHECK(value_of(commands, "completed") == 3);
  CHECK(value_of(commands, "timed-out") == 0);

  const MetricFamily hits = limit_hits_family({{"messages_per_second", 4}});
  CHECK(check_metric_family(hits).ok());
  CHECK(value_of(hits, "messages_per_second") == 4);
  CHECK(value_of(hits, "connect_timeout") == 0);
  for (const MetricSample& sample : hits.samples) {
    REQUIRE(sample.labels.size() == 1);
    CHECK(sample.labels[0].name == "limit");
  }
}

TEST_CASE("database_sizes_count_each_database_with_its_wal") {
  test::TempDirectory dir;
  write_bytes(dir.path() / "streams.db", 4096);
  write_bytes(dir.path() / "streams.db-wal", 1000);
  write_bytes(dir.path() / "registry.db", 2048);
  write_bytes(dir.path() / "api-token", 64);
  std::filesystem::create_directory(dir.path() / "journal");
  write_bytes(dir.path() / "journal" / "00000001.seg", 300);
  CHECK(database_sizes(dir.path()) ==
        std::map<std::string, std::uint64_t>{{"registry", 2048}, {"streams", 5096}});
  CHECK(bytes_of_files_in(dir.path() / "journal") == 300);
  CHECK(bytes_of_files_in(dir.path() / "missing") == 0);
}

TEST_CASE("a_scrape_renders_every_family_once_with_the_hub_sources") {
  test::TempDirectory dir;
  write_bytes(dir.path() / "commands.db", 10);
  HubMetricSources sources;
  sources.health = [] {
    HealthReport report;
    report.broker_connected = true;
    report.counters = {{"telemetry_stored", 7}, {"broker_journal_bytes", 1}};
    return report;
  };
  sources.connected_devices = [] { return std::size_t{2}; };
  sources.limit_hits_by_limit = [] { return std::map<std::string, std::uint64_t, std::less<>>{}; };
  sources.commands_by_state = [] {
    return Result<std::map<CommandState, std::size_t>>(
        std::map<CommandState, std::size_t>{{CommandState::sent, 1}});
  };
  sources.twin_updates = [] { return TwinUpdateCounts{2, 3}; };
  sources.data_dir = dir.path();
  sources.journal_dir = dir.path() / "journal";
  sources.presence_journal_dir = dir.path() / "journal" / "presence";
  // A subdirectory of hubd's journal directory, counted apart from it.
  std::filesystem::create_directories(sources.presence_journal_dir);
  write_bytes(sources.presence_journal_dir / "00000001.journal", 7);
  sources.version = "1.2.3";
  sources.started_at = std::chrono::system_clock::now() - std::chrono::seconds(10);
  HubMetrics metrics(std::move(sources));
  metrics.store_commit_seconds().observe(std::chrono::milliseconds(3));
  metrics.command_round_trip_seconds().observe(std::chrono::milliseconds(1));

  const std::string text = metrics.registry().render();
  for (const char* line :
       {"edgehub_build_info{version=\"1.2.3\"} 1\n", "edgehub_broker_connected 1\n",
        "edgehub_telemetry_stored_total 7\n", "edgehub_devices_connected 2\n",
        "edgehub_commands{state=\"sent\"} 1\n", "edgehub_twin_updates_total{side=\"reported\"} 3\n",
        "edgehub_database_bytes{database=\"commands\"} 10\n",
        "edgehub_journal_bytes{journal=\"hubd\"} 0\n",
        "edgehub_journal_bytes{journal=\"presence\"} 7\n",
        "edgehub_device_limit_hits_total{limit=\"retained\"} 0\n",
        "edgehub_store_commit_duration_seconds_count 1\n",
        "edgehub_command_round_trip_seconds_bucket{le=\"0.001\"} 1\n"}) {
    CHECK_MESSAGE(text.find(line) != std::string::npos, "missing: " << line << "\nin:\n" << text);
  }
  const auto families = metrics.registry().collect();
  const MetricFamily* uptime = find_family(families, "edgehub_uptime_seconds");
  REQUIRE(uptime != nullptr);
  CHECK(value_of(*uptime) >= 10);
}
