// GET /metrics against a real hubd (issue 14): what a Prometheus scraping the
// hub would see after a device sent telemetry, a malformed message, answered a
// command and had its twin changed; who may scrape; that every metric the
// Grafana dashboard (deploy/grafana/edgehub.json) queries is in a real
// scrape; and that hubd --log-format json writes nothing but JSON lines.
#include <doctest/doctest.h>

#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>

#include "support/firmware_sim.h"
#include "support/hub_under_test.h"
#include "support/mqtt_cli.h"
#include "support/wait_until.h"

using namespace edgehub::itest;
using namespace std::chrono_literals;
using nlohmann::json;

namespace {

// The samples of a scrape, keyed as the text writes them: name{labels}.
struct Scrape {
  std::map<std::string, double> samples;
  std::set<std::string> names;     // sample names and the families of # TYPE lines
  std::set<std::string> families;  // the families of # TYPE lines

  double at(const std::string& key) const {
    const auto found = samples.find(key);
    if (found == samples.end()) FAIL("no sample " << key << " in the scrape");
    return found->second;
  }
};

Scrape parse_scrape(const std::string& text) {
  Scrape scrape;
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind("# TYPE ", 0) == 0) {
      std::istringstream words(line.substr(7));
      std::string name;
      words >> name;
      scrape.names.insert(name);
      scrape.families.insert(name);
      continue;
    }
    if (line.empty() || line[0] == '#') continue;
    const std::size_t space = line.rfind(' ');
    REQUIRE_MESSAGE(space != std::string::npos, "not a sample line: " << line);
    const std::string key = line.substr(0, space);
    scrape.samples[key] = std::stod(line.substr(space + 1));
    scrape.names.insert(key.substr(0, key.find('{')));
  }
  return scrape;
}

Scrape scrape_as(const HubUnderTest& hub, const std::string& token) {
  const HttpReply reply = hub.call("GET", "/metrics", token);
  REQUIRE_MESSAGE(reply.status == 200, reply.describe());
  return parse_scrape(reply.body);
}

std::string add_operator(HubUnderTest& hub, const std::string& name, const std::string& role) {
  const HttpReply made = hub.post("/api/v1/operators", json{{"name", name}, {"role", role}});
  REQUIRE_MESSAGE(made.status == 201, made.describe());
  return made.json.at("token").get<std::string>();
}

std::size_t lines_in(const std::filesystem::path& file) {
  std::ifstream in(file);
  std::size_t count = 0;
  for (std::string line; std::getline(in, line);) count += line.empty() ? 0 : 1;
  return count;
}

// Every metric name the dashboard's queries use.
std::set<std::string> dashboard_metric_names() {
  std::ifstream file(EDGEHUB_ITEST_DASHBOARD);
  REQUIRE_MESSAGE(file, "cannot read " << EDGEHUB_ITEST_DASHBOARD);
  const json dashboard = json::parse(file);
  std::set<std::string> names;
  const std::regex metric(R"(\bedgehub_[A-Za-z0-9_:]+)");
  std::size_t expressions = 0;
  for (const json& panel : dashboard.at("panels")) {
    for (const json& target : panel.value("targets", json::array())) {
      const std::string expression = target.value("expr", "");
      ++expressions;
      for (std::sregex_iterator at(expression.begin(), expression.end(), metric), end; at != end;
           ++at) {
        names.insert(at->str());
      }
    }
  }
  for (const json& variable : dashboard.at("templating").at("list")) {
    const std::string definition = variable.value("definition", "");
    for (std::sregex_iterator at(definition.begin(), definition.end(), metric), end; at != end;
         ++at) {
      names.insert(at->str());
    }
  }
  CHECK(expressions > 20);
  return names;
}

}  // namespace

TEST_CASE("a scrape shows what the devices and operators did; the dashboard's metrics all exist") {
  HubUnderTest hub({.name = "metrics",
                    .log_level = "debug",
                    .extra_arguments = {"--log-format", "json"},
                    .https = true});
  const std::string viewer = add_operator(hub, "prometheus", "viewer");

  {
    INFO("no token, or an unknown one: 401, like every other read");
    CHECK(hub.call("GET", "/metrics", "").status == 401);
    CHECK(hub.call("GET", "/metrics", std::string(64, 'f')).status == 401);
  }

  const Scrape before = scrape_as(hub, viewer);
  CHECK(before.at("edgehub_devices_connected") == 0);
  CHECK(before.at("edgehub_telemetry_stored_total") == 0);
  CHECK(before.at("edgehub_broker_connected") == 1);

  // A device sends 5 readings and one message that is not JSON (a dead letter).
  const auto meter = hub.register_device("meter-1");
  const MqttConnection connection{.port = hub.mqtt_port(), .credentials = meter};
  for (unsigned long long seq = 1; seq <= 5; ++seq) {
    const auto published =
        mqtt_publish(connection, "devices/meter-1/telemetry",
                     telemetry_payload(seq, R"({"kwh":)" + std::to_string(seq) + "}"));
    REQUIRE_MESSAGE(published.exited_with(0), published.describe());
  }
  const auto malformed = mqtt_publish(connection, "devices/meter-1/telemetry", "not json {");
  REQUIRE_MESSAGE(malformed.exited_with(0), malformed.describe());
  REQUIRE(wait_until([&] { return hub.record_count("telemetry") == 5; }, 20s, 100ms));
  REQUIRE(wait_until([&] { return hub.record_count("deadletter") == 1; }, 20s, 100ms));

  // A simulated device answers a command and takes a twin change.
  const auto ack_log = hub.logs_dir() / "sim-acks.log";
  Process simulator = start_firmware_sim(
      hub, {.ids = {"sim-1"}, .interval_ms = 200, .ack_log = ack_log, .label = "firmware-sim"});
  REQUIRE(wait_until([&] { return scrape_as(hub, viewer).at("edgehub_devices_connected") == 1; },
                     20s, 200ms));
  REQUIRE(wait_until([&] { return lines_in(ack_log) > 0; }, 20s, 100ms));  // subscribed by then
  const auto answered = hub.hubctl({"send", "sim-1", "ping", "--timeout", "10"});
  REQUIRE_MESSAGE(answered.exited_with(0), answered.describe());
  const HttpReply patched = hub.call("PATCH", "/api/v1/devices/sim-1/twin", hub.api_token(),
                                     json{{"desired", {{"interval_ms", 250}}}});
  REQUIRE_MESSAGE(patched.status == 200, patched.describe());
  REQUIRE(wait_until(
      [&] {
        return scrape_as(hub, viewer).at("edgehub_twin_updates_total{side=\"reported\"}") >= 1;
      },
      20s, 200ms));

  const Scrape running = scrape_as(hub, viewer);
  CHECK(running.at("edgehub_devices_connected") == 1);
  CHECK(running.at("edgehub_commands{state=\"completed\"}") == 1);
  CHECK(running.at("edgehub_commands{state=\"sent\"}") == 0);
  CHECK(running.at("edgehub_command_round_trip_seconds_count") == 1);
  CHECK(running.at("edgehub_command_round_trip_seconds_bucket{le=\"+Inf\"}") == 1);
  CHECK(running.at("edgehub_twin_updates_total{side=\"desired\"}") == 1);

  // Stopped: everything it was told was received is in the stream and counted
  // (a message in flight at the stop may be stored without its PUBACK having
  // arrived: the stream is what the hub stored).
  simulator.stop();
  const std::uint64_t acknowledged = 5 + lines_in(ack_log);
  REQUIRE(wait_until([&] { return hub.record_count("telemetry") >= acknowledged; }, 20s, 100ms));
  REQUIRE(
      wait_until([&] { return scrape_as(hub, viewer).at("edgehub_ingest_backlog_messages") == 0; },
                 20s, 100ms));
  REQUIRE(wait_until([&] { return scrape_as(hub, viewer).at("edgehub_devices_connected") == 0; },
                     20s, 100ms));
  const Scrape after = scrape_as(hub, viewer);
  const auto stored = static_cast<double>(hub.record_count("telemetry"));
  CHECK(stored >= static_cast<double>(acknowledged));
  CHECK(after.at("edgehub_telemetry_stored_total") == stored);
  CHECK(after.at("edgehub_telemetry_received_total") == stored + 1);  // + the malformed one
  CHECK(after.at("edgehub_telemetry_dead_lettered_total") == 1);
  CHECK(after.at("edgehub_telemetry_refused_total") == 0);
  CHECK(after.at("edgehub_telemetry_duplicates_total") == 0);
  CHECK(after.at("edgehub_store_commit_duration_seconds_count") >= 1);
  CHECK(after.at("edgehub_store_commit_duration_seconds_sum") > 0);
  CHECK(after.at("edgehub_database_bytes{database=\"streams\"}") > 0);
  CHECK(after.at("edgehub_database_bytes{database=\"commands\"}") > 0);
  CHECK(after.at("edgehub_journal_bytes{journal=\"broker\"}") > 0);
  CHECK(after.at("edgehub_device_limit_hits_total{limit=\"messages_per_second\"}") == 0);
  CHECK(after.at("edgehub_broker_restarts_total") == 0);
  CHECK(after.at("edgehub_uptime_seconds") > 0);
  CHECK(after.samples.count("edgehub_build_info{version=\"" +
                            hub.get("/api/v1/health").json.value("version", "?") + "\"}") == 1);

  // A renamed or removed metric breaks the dashboard: it must fail here.
  const std::set<std::string> queried = dashboard_metric_names();
  for (const std::string& name : queried) {
    CHECK_MESSAGE(after.names.count(name) == 1,
                  "the dashboard queries " << name << ", which /metrics does not have");
  }
  // And a new metric gets a panel (a histogram through its _bucket, _sum or _count).
  for (const std::string& family : after.families) {
    const bool shown = queried.count(family) == 1 || queried.count(family + "_bucket") == 1 ||
                       queried.count(family + "_count") == 1;
    CHECK_MESSAGE(shown, "the dashboard has no panel for " << family);
  }

  // --log-format json: every line hubd wrote (start-up included) is one JSON object.
  std::ifstream log(hub.logs_dir() / "hubd.log");
  std::size_t lines = 0;
  bool ready_seen = false;
  for (std::string line; std::getline(log, line);) {
    if (line.rfind("### ", 0) == 0) continue;  // the test harness's own notes (### started: ...)
    ++lines;
    const json record = json::parse(line, nullptr, false);
    REQUIRE_MESSAGE(record.is_object(), "not a JSON line in hubd's log: " << line);
    CHECK(record.contains("time"));
    CHECK(record.contains("level"));
    CHECK(record.contains("component"));
    CHECK(record.contains("message"));
    ready_seen = ready_seen || record.value("message", "").rfind("hubd ready", 0) == 0;
  }
  CHECK(lines > 5);
  CHECK(ready_seen);
}
