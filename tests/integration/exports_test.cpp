// Exports to an upstream MQTT broker (issue 15), with real processes: hubd,
// its broker, firmware-sim, and a second mosquitto started here as the
// upstream (TLS on a free loopback port, the hub authenticating with a client
// certificate from a test CA). What a consumer at the upstream observes:
// every record the hub stored arrives, in stream order per device, across an
// upstream outage and a SIGKILL of hubd; a resend is at most the batch that
// was in flight. And retention with an export that has not sent its records:
// kept (on_retention keep), or the skipped range counted (delete_oldest).
#include <arpa/inet.h>
#include <doctest/doctest.h>
#include <netinet/in.h>
#include <pwd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <thread>

#include "support/acknowledged_delivery.h"
#include "support/firmware_sim.h"
#include "support/free_port.h"
#include "support/hub_under_test.h"
#include "support/mqtt_cli.h"
#include "support/openssl_cli.h"
#include "support/programs.h"
#include "support/stream_records.h"
#include "support/wait_until.h"

using namespace edgehub::itest;
using namespace std::chrono_literals;
using nlohmann::json;

namespace {

bool accepts_connections(int port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return false;
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<std::uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  const bool connected =
      ::connect(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) == 0;
  ::close(fd);
  return connected;
}

// The upstream: a mosquitto of its own, TLS only, a client certificate
// required (from `clients_ca`), sessions persisted across its restarts (the
// consumer's queued messages survive an outage, as at a real central broker).
// Its server certificate is the hub's server.pem (names 127.0.0.1).
class UpstreamBroker {
 public:
  UpstreamBroker(const HubUnderTest& hub, const std::filesystem::path& clients_ca)
      : dir_(hub.work_dir() / "upstream"), port_(free_port()) {
    std::filesystem::create_directories(dir_);
    std::ofstream config(dir_ / "mosquitto.conf");
    // Started as root, mosquitto switches to `user`: the one that owns the
    // hub's key files (as hubd does for its own broker).
    const passwd* user = ::getpwuid(::geteuid());
    REQUIRE(user != nullptr);
    config << "user " << user->pw_name << "\n"
           << "persistence true\n"
           << "persistence_location " << dir_.string() << "/\n"
           << "max_queued_messages 0\n"
           // Redelivered to the consumer after a restart: at most this many.
           << "max_inflight_messages 20\n"
           << "log_dest stderr\n"
           << "allow_anonymous true\n"
           << "listener " << port_ << " 127.0.0.1\n"
           << "cafile " << clients_ca.string() << "\n"
           << "certfile " << (hub.data_dir() / "pki" / "server.pem").string() << "\n"
           << "keyfile " << (hub.data_dir() / "pki" / "server.key").string() << "\n"
           << "require_certificate true\n"
           << "use_identity_as_username true\n";
  }

  void start() {
    process_.emplace("upstream mosquitto",
                     std::vector<std::string>{Programs::mosquitto().string(), "-c",
                                              (dir_ / "mosquitto.conf").string()},
                     dir_ / "mosquitto.log");
    REQUIRE_MESSAGE(wait_until([&] { return accepts_connections(port_); }, 10s, 20ms),
                    "the upstream mosquitto did not start: " << process_->log_tail());
  }
  // SIGTERM: mosquitto writes its sessions to disk on the way out.
  void stop() {
    if (process_) process_->stop();
    process_.reset();
  }
  int port() const { return port_; }
  std::string log_tail() const { return process_ ? process_->log_tail() : "(stopped)"; }

 private:
  std::filesystem::path dir_;
  int port_;
  std::optional<Process> process_;
};

// The test's upstream PKI and a consumer subscribed there (MQTT 3.1.1, a
// persistent session: it sees the identity through the JSON envelope).
struct Upstream {
  explicit Upstream(const HubUnderTest& hub)
      : client(certificate_from_another_ca("edge-hub-client", hub.work_dir() / "upstream-pki",
                                           hub.ca_certificate())),
        broker(hub, hub.work_dir() / "upstream-pki" / "ca.pem"),
        consumer_log(hub.work_dir() / "logs" / "upstream-consumer.log") {
    broker.start();
    consumer.emplace(mqtt_subscribe(
        MqttConnection{broker.port(), client, "upstream-consumer", "mqttv311", {"-c"}}, {"edge/#"},
        consumer_log));
    REQUIRE_MESSAGE(wait_until([&] { return suback_codes(consumer_log).has_value(); }, 10s, 20ms),
                    "the upstream consumer did not subscribe: " << consumer->log_tail());
  }

  json export_definition(const std::string& name, const std::string& stream,
                         const HubUnderTest& hub) const {
    return {{"name", name},
            {"stream", stream},
            {"batch_size", 100},
            {"destination",
             {{"type", "mqtt"},
              {"options",
               {{"url", "mqtts://127.0.0.1:" + std::to_string(broker.port())},
                {"ca_file", hub.ca_certificate().string()},
                {"cert_file", client.certificate.string()},
                {"key_file", client.private_key.string()},
                {"topic", "edge/{site}/{stream}/{device}"}}}}}};
  }

  // The envelopes the consumer received, in arrival order.
  std::vector<json> received() const {
    std::vector<json> envelopes;
    std::ifstream in(consumer_log);
    for (std::string line; std::getline(in, line);) {
      if (line.rfind("edge/", 0) != 0) continue;
      const auto space = line.find(' ');
      if (space == std::string::npos) continue;
      json envelope = json::parse(line.substr(space + 1), nullptr, false);
      if (!envelope.is_discarded()) envelopes.push_back(std::move(envelope));
    }
    return envelopes;
  }

  DeviceCredentials client;
  UpstreamBroker broker;
  std::filesystem::path consumer_log;
  std::optional<Process> consumer;
};

json export_state(const HubUnderTest& hub, const std::string& name) {
  const auto reply = hub.get("/api/v1/exports/" + name);
  REQUIRE_MESSAGE(reply.status == 200, reply.describe());
  return json::parse(reply.body);
}

std::uint64_t next_offset(const HubUnderTest& hub, const std::string& stream) {
  const auto reply = hub.get("/api/v1/streams/" + stream);
  REQUIRE_MESSAGE(reply.status == 200, reply.describe());
  return json::parse(reply.body).at("next_offset").get<std::uint64_t>();
}

// What the consumer must have seen: every telemetry record of the hub, each
// first arrival in stream order per device, and how many arrived again.
struct ArrivalReport {
  std::size_t missing = 0;
  std::size_t repeats = 0;
  std::string order_problem;
};

ArrivalReport check_arrivals(const std::vector<json>& stored, const std::vector<json>& received,
                             const std::string& site) {
  ArrivalReport report;
  std::set<std::uint64_t> seen;
  std::map<std::string, std::uint64_t> last_offset_of_device;
  for (const json& envelope : received) {
    const auto offset = envelope.at("offset").get<std::uint64_t>();
    if (!seen.insert(offset).second) {
      ++report.repeats;
      continue;
    }
    if (envelope.at("site") != site && report.order_problem.empty()) {
      report.order_problem = "wrong site in " + envelope.dump();
    }
    const std::string device = envelope.at("device").get<std::string>();
    const auto last = last_offset_of_device.find(device);
    if (last != last_offset_of_device.end() && last->second > offset &&
        report.order_problem.empty()) {
      report.order_problem = "device " + device + ": offset " + std::to_string(offset) +
                             " arrived after " + std::to_string(last->second);
    }
    last_offset_of_device[device] = offset;
  }
  for (const json& record : stored) {
    if (seen.count(record.at("offset").get<std::uint64_t>()) == 0) ++report.missing;
  }
  return report;
}

// After the flow: the export "up" catches up with the telemetry stream and
// the consumer sees every record, first arrivals in order per device
// (checked here); the report says how many arrived twice.
ArrivalReport wait_for_everything_upstream(const HubUnderTest& hub, const Upstream& upstream,
                                           const std::string& site) {
  const std::uint64_t stored = next_offset(hub, "telemetry");
  REQUIRE(wait_until([&] { return export_state(hub, "up").at("position") == stored; }, 60s, 100ms));
  const auto records = hub.read_stream("telemetry");
  ArrivalReport report;
  wait_until(
      [&] {
        report = check_arrivals(records, upstream.received(), site);
        return report.missing == 0;
      },
      30s, 200ms);
  CHECK_MESSAGE(report.missing == 0, report.missing << " records never reached the upstream");
  CHECK_MESSAGE(report.order_problem.empty(), report.order_problem);
  MESSAGE(site << ": " << stored << " records stored, every one at the upstream, " << report.repeats
               << " arrived twice");
  return report;
}

}  // namespace

TEST_CASE("an upstream broker stopped for a while gets every record after it returns, in order") {
  HubUnderTest hub(
      {.name = "export-outage", .log_level = "info", .extra_arguments = {"--site-id", "site-a"}});
  Upstream upstream(hub);
  const auto added =
      hub.post("/api/v1/exports", upstream.export_definition("up", "telemetry", hub));
  REQUIRE_MESSAGE(added.status == 201, added.describe());

  constexpr int kDevices = 3;
  constexpr int kPerDevice = 400;
  SimulatorOptions options{.devices = kDevices,
                           .id_prefix = "exp-",
                           .interval_ms = 10,
                           .count = kPerDevice,
                           .ack_log = hub.work_dir() / "acks.log"};
  Process simulator = start_firmware_sim(hub, options);

  REQUIRE(wait_until([&] { return export_state(hub, "up").value("sent", 0) >= 300; }, 30s, 50ms));
  upstream.broker.stop();
  // Down: the export retries, its position stays where the last PUBACK left it.
  REQUIRE(wait_until([&] { return export_state(hub, "up").value("failures", 0) >= 2; }, 20s, 50ms));
  const json down = export_state(hub, "up");
  CHECK(down.at("state") == "retrying");
  CHECK(down.at("last_error").is_string());
  std::this_thread::sleep_for(2s);
  const json still_down = export_state(hub, "up");
  CHECK(still_down.at("position") == down.at("position"));
  CHECK(still_down.at("lag_records").get<std::uint64_t>() > 0);
  CHECK(still_down.at("oldest_unexported_age_ms").get<std::int64_t>() >= 2000);
  // The health report counts it too.
  const json health = json::parse(hub.get("/api/v1/health").body);
  CHECK(health.at("counters").at("exports_failing") == 1);
  CHECK(health.at("counters").at("export.up.lag_records").get<std::uint64_t>() > 0);
  upstream.broker.start();

  check_simulator_delivered_everything(hub, simulator, *options.ack_log,
                                       static_cast<std::size_t>(kDevices * kPerDevice), 90s, 60s);
  const std::uint64_t stored = next_offset(hub, "telemetry");
  const ArrivalReport report = wait_for_everything_upstream(hub, upstream, "site-a");
  // Only the batch in flight when the upstream went away can arrive twice
  // (100), and what the upstream itself redelivers to its consumer after its
  // restart (its in-flight window, 20).
  CHECK(report.repeats <= 120);
  const json shown = export_state(hub, "up");
  CHECK(shown.at("lag_records") == 0);
  CHECK(shown.at("skipped_records") == 0);
  CHECK(shown.at("sent").get<std::uint64_t>() >= stored);
}

TEST_CASE("hubd SIGKILLed mid-export resumes at its committed position: none skipped") {
  HubUnderTest hub(
      {.name = "export-kill", .log_level = "info", .extra_arguments = {"--site-id", "site-k"}});
  Upstream upstream(hub);
  REQUIRE(hub.post("/api/v1/exports", upstream.export_definition("up", "telemetry", hub)).status ==
          201);
  constexpr int kDevices = 3;
  constexpr int kPerDevice = 500;
  SimulatorOptions options{.devices = kDevices,
                           .id_prefix = "kill-",
                           .interval_ms = 10,
                           .count = kPerDevice,
                           .ack_log = hub.work_dir() / "acks.log"};
  Process simulator = start_firmware_sim(hub, options);
  REQUIRE(wait_until([&] { return export_state(hub, "up").value("sent", 0) >= 300; }, 30s, 50ms));
  const std::uint64_t before_kill = export_state(hub, "up").at("position");
  hub.kill_hard();
  std::this_thread::sleep_for(500ms);
  hub.restart();
  // The definition and position survived the kill.
  const json restarted = export_state(hub, "up");
  CHECK(restarted.at("position").get<std::uint64_t>() >= before_kill);
  CHECK(restarted.at("stream") == "telemetry");

  check_simulator_delivered_everything(hub, simulator, *options.ack_log,
                                       static_cast<std::size_t>(kDevices * kPerDevice), 90s, 60s);
  const ArrivalReport report = wait_for_everything_upstream(hub, upstream, "site-k");
  // Sent but not committed when hubd died: at most the batch in flight.
  CHECK(report.repeats <= 100);
}

TEST_CASE(
    "retention keeps what a keep export has not sent; a delete_oldest export reports its gap") {
  HubUnderTest hub({.name = "export-retention", .log_level = "info"});
  Upstream upstream(hub);
  // The audit stream: one record per API write, a stream the test fills at will.
  REQUIRE(hub.call("PATCH", "/api/v1/streams/audit", hub.api_token(),
                   json{{"max_records", 5}, {"when_full", "delete-oldest"}})
              .status == 200);
  json keep = upstream.export_definition("keep", "audit", hub);
  keep["paused"] = true;
  REQUIRE(hub.post("/api/v1/exports", keep).status == 201);
  const std::uint64_t held_from = export_state(hub, "keep").at("position");
  for (int write = 0; write < 10; ++write) {
    hub.post("/api/v1/exports/keep/pause", json::object());
  }
  json audit = json::parse(hub.get("/api/v1/streams/audit").body);
  CHECK(audit.at("first_offset") == held_from);  // nothing unsent was deleted
  CHECK(audit.at("retention_floor") == held_from);
  CHECK(audit.at("rejected").get<std::uint64_t>() > 0);  // full: refused instead
  // Sent: the hold moves on, the stream takes records again.
  REQUIRE(hub.post("/api/v1/exports/keep/resume", json::object()).status == 200);
  REQUIRE(wait_until([&] { return export_state(hub, "keep").at("lag_records") == 0; }, 20s, 50ms));
  REQUIRE(hub.del("/api/v1/exports/keep").status == 204);
  audit = json::parse(hub.get("/api/v1/streams/audit").body);
  CHECK(audit.at("retention_floor").is_null());

  json loose = upstream.export_definition("loose", "audit", hub);
  loose["paused"] = true;
  loose["on_retention"] = "delete_oldest";
  REQUIRE(hub.post("/api/v1/exports", loose).status == 201);
  const std::uint64_t loose_from = export_state(hub, "loose").at("position");
  for (int write = 0; write < 10; ++write) {
    hub.post("/api/v1/exports/loose/pause", json::object());
  }
  // Room again before the export resumes: the resume is itself an audit
  // record, which in a full stream would delete one more unsent record
  // while the export is catching up, a second gap after the first.
  REQUIRE(hub.call("PATCH", "/api/v1/streams/audit", hub.api_token(),
                   json{{"max_records", 1000}, {"when_full", "delete-oldest"}})
              .status == 200);
  audit = json::parse(hub.get("/api/v1/streams/audit").body);
  const std::uint64_t first = audit.at("first_offset");
  REQUIRE(first > loose_from);  // deleted before the export sent them
  REQUIRE(hub.post("/api/v1/exports/loose/resume", json::object()).status == 200);
  REQUIRE(wait_until([&] { return export_state(hub, "loose").at("lag_records") == 0; }, 20s, 50ms));
  const json shown = export_state(hub, "loose");
  CHECK(shown.at("skipped_records").get<std::uint64_t>() >= first - loose_from);
  CHECK(shown.at("last_skipped_range").at("from") == loose_from);
  // hubctl shows the same.
  const auto text = hub.hubctl({"exports", "show", "loose"});
  CHECK_MESSAGE(text.out.find("deleted by retention before sent") != std::string::npos, text.out);
}
