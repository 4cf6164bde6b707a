// Input built to take the hub down, from a registered device and from an
// operator: JSON nested 100,000 deep (which overflowed the stack of hubd's
// recursive JSON code, at every restart too, as it was journaled), oversized
// responses and twin reports, a batch that would become thousands of dead
// letters, a twin grown without bound. Each is refused with a reason (a dead
// letter for a device, 4xx for an operator), hubd keeps running, restarts,
// and a well-behaved device's telemetry is still stored.
#include <doctest/doctest.h>
#include <httplib.h>

#include <chrono>
#include <map>
#include <set>
#include <tuple>

#include "support/hub_under_test.h"
#include "support/mqtt_cli.h"
#include "support/temp_dir.h"
#include "support/wait_until.h"

using namespace edgehub::itest;
using namespace std::chrono_literals;
using nlohmann::json;

namespace {

constexpr std::string_view kDepthReason = "JSON nested deeper than 32 levels";

std::string nested(std::size_t levels) {
  return std::string(levels, '[') + std::string(levels, ']');
}

// 200 KB of brackets: over any argv limit for mosquitto_pub -m, so from a file.
void publish_file(const HubUnderTest& hub, const DeviceCredentials& device,
                  const std::string& topic, const std::string& payload, const std::string& name) {
  const auto file = hub.work_dir() / (name + ".payload");
  write_text_file(file, payload);
  const auto result =
      mqtt_publish_file({.port = hub.mqtt_port(), .credentials = device}, topic, file);
  INFO(result.describe());
  REQUIRE(result.exited_with(0));
}

std::vector<json> wait_for_records(const HubUnderTest& hub, const std::string& stream,
                                   std::size_t count) {
  std::vector<json> records;
  const bool arrived = wait_until(
      [&] {
        records = hub.read_stream(stream);
        return records.size() >= count;
      },
      20s, 100ms);
  REQUIRE_MESSAGE(arrived, "expected " << count << " records in " << stream << ", found "
                                       << records.size() << "\n"
                                       << hub.log_tails());
  return records;
}

// A raw request body (the fixture's post() takes a json value, which could
// not even hold 100,000 levels without overflowing this test's stack).
HttpReply send_raw(const HubUnderTest& hub, const std::string& method, const std::string& path,
                   const std::string& body) {
  httplib::Client client("127.0.0.1", hub.http_port());
  client.set_read_timeout(10, 0);
  client.set_write_timeout(10, 0);
  const httplib::Headers headers{{"Authorization", "Bearer " + hub.api_token()}};
  httplib::Result result = method == "PATCH" ? client.Patch(path, headers, body, "application/json")
                                             : client.Post(path, headers, body, "application/json");
  HttpReply reply;
  if (!result) {
    reply.error = httplib::to_string(result.error());
    return reply;
  }
  reply.status = result->status;
  reply.body = result->body;
  reply.json = json::parse(reply.body, nullptr, false);
  return reply;
}

void check_telemetry_still_stored(HubUnderTest& hub, const DeviceCredentials& good,
                                  std::uint64_t seq) {
  const auto sent =
      mqtt_publish({.port = hub.mqtt_port(), .credentials = good},
                   "devices/" + good.id + "/telemetry", telemetry_payload(seq, R"({"t":21.5})"));
  INFO(sent.describe());
  REQUIRE(sent.exited_with(0));
  const bool stored = wait_until(
      [&] {
        for (const json& record : hub.read_stream("telemetry")) {
          if (record.value("device", "") == good.id && record.value("seq", 0u) == seq) return true;
        }
        return false;
      },
      20s, 100ms);
  CHECK_MESSAGE(stored, "telemetry " << seq << " of " << good.id << " not stored\n"
                                     << hub.log_tails());
}

}  // namespace

TEST_CASE(
    "JSON nested 100,000 deep from a device or an operator is refused; hubd stays up, "
    "restarts, and keeps storing telemetry") {
  // Response and report limits raised over the 200 KB payloads, so that the
  // depth check (not the size check) is what refuses them.
  HubUnderTest hub(
      {.name = "hostile-depth",
       .extra_arguments = {"--max-response-bytes", "262144", "--max-twin-report-bytes", "262144"}});
  const DeviceCredentials evil = hub.register_device("evil-1");
  const DeviceCredentials good = hub.register_device("good-1");
  const std::string deep = nested(100000);

  publish_file(hub, evil, "devices/evil-1/telemetry", R"({"seq":1,"data":)" + deep + "}",
               "telemetry");
  publish_file(hub, evil, "devices/evil-1/telemetry",
               R"({"batch":[{"seq":2,"data":1},{"seq":3,"data":)" + deep + "}]}", "batch");
  publish_file(hub, evil, "devices/evil-1/reported",
               R"({"version":1,"reported":{"x":)" + deep + "}}", "report");
  publish_file(hub, evil, "devices/evil-1/responses",
               R"({"id":"c-1","status":200,"payload":)" + deep + "}", "response");

  const auto dead = wait_for_records(hub, "deadletter", 4);
  CHECK(dead.size() == 4);
  std::set<std::string> topics;
  for (const json& record : dead) {
    INFO(record.value("topic", "") << ": " << record.value("reason", ""));
    CHECK(record.value("reason", "").find(kDepthReason) != std::string::npos);
    CHECK(record.value("device", "") == "evil-1");
    topics.insert(record.value("topic", ""));
  }
  CHECK(topics == std::set<std::string>{"devices/evil-1/telemetry", "devices/evil-1/reported",
                                        "devices/evil-1/responses"});
  CHECK(hub.record_count("telemetry") == 0);  // not even the batch's valid element
  CHECK(hub.hubd_running());

  {  // The same nesting in REST bodies is a 400 naming the depth.
    const std::string reason = "request body: " + std::string(kDepthReason);
    const std::vector<std::tuple<std::string, std::string, std::string>> requests = {
        {"POST", "/api/v1/devices", R"({"id":"evil-2","attributes":{"x":)" + deep + "}}"},
        {"PATCH", "/api/v1/devices/good-1/twin", R"({"desired":{"x":)" + deep + "}}"},
        {"POST", "/api/v1/devices/good-1/commands", R"({"name":"ping","payload":)" + deep + "}"},
        {"POST", "/api/v1/routes",
         R"({"name":"r","condition":"1","stream":"s","x":)" + deep + "}"}};
    for (const auto& [method, path, body] : requests) {
      const HttpReply reply = send_raw(hub, method, path, body);
      INFO(method << " " << path << ": " << reply.status << " " << reply.body.substr(0, 300));
      CHECK(reply.status == 400);
      CHECK(reply.json.is_object());
      if (reply.json.is_object()) {
        CHECK(reply.json["error"]["code"] == "invalid_argument");
        CHECK(reply.json["error"]["message"] == reason);
      }
    }
    CHECK(hub.get("/api/v1/devices/evil-2").status == 404);
    CHECK(hub.hubd_running());
  }

  {  // A poison pill queued while hubd is down does not stop it from starting.
    hub.kill_hard();
    // The broker keeps hubd's session: this waits for the next hubd.
    publish_file(hub, evil, "devices/evil-1/telemetry", R"({"seq":9,"data":)" + deep + "}",
                 "queued");
    hub.restart();
    const auto after = wait_for_records(hub, "deadletter", 5);
    CHECK(after.back().value("reason", "") == kDepthReason);
    CHECK(hub.hubd_running());
    // And once more, with everything already stored.
    hub.kill_hard();
    hub.restart();
    CHECK(hub.hubd_running());
  }

  check_telemetry_still_stored(hub, good, 1);
  CHECK(hub.hubd_running());
}

TEST_CASE(
    "size limits: a huge batch is one dead letter, oversized responses and reports are "
    "dead letters 'too large'") {
  HubUnderTest hub({.name = "hostile-size"});
  const DeviceCredentials evil = hub.register_device("evil-1");
  const DeviceCredentials good = hub.register_device("good-1");

  std::string batch = R"({"batch":[1)";
  for (int i = 1; i < 5000; ++i) batch += ",1";
  batch += "]}";
  publish_file(hub, evil, "devices/evil-1/telemetry", batch, "batch");
  const std::string response =
      R"({"id":"c-1","status":200,"payload":")" + std::string(70 * 1024, 'x') + R"("})";
  publish_file(hub, evil, "devices/evil-1/responses", response, "response");
  const std::string report =
      R"({"version":1,"reported":{"blob":")" + std::string(40 * 1024, 'x') + R"("}})";
  publish_file(hub, evil, "devices/evil-1/reported", report, "report");

  const auto dead = wait_for_records(hub, "deadletter", 3);
  // Give a flood of per-element dead letters time to show up, were there one.
  check_telemetry_still_stored(hub, good, 1);
  const auto settled = hub.read_stream("deadletter");
  REQUIRE(settled.size() == 3);
  std::map<std::string, std::string> reasons;
  for (const json& record : settled)
    reasons[record.value("topic", "")] = record.value("reason", "");
  CHECK(reasons["devices/evil-1/telemetry"] == "batch too large: 5000 readings > 1000");
  CHECK(reasons["devices/evil-1/responses"] ==
        "command response too large: " + std::to_string(response.size()) + " bytes > 65536");
  CHECK(reasons["devices/evil-1/reported"] ==
        "twin report too large: " + std::to_string(report.size()) + " bytes > 32768");
  CHECK(hub.get("/api/v1/devices/evil-1/twin").json["reported"]["version"] == 0);
  CHECK(hub.hubd_running());
}

TEST_CASE("a twin grown past the key limit is refused and stays as it was; reading it is fast") {
  HubUnderTest hub({.name = "hostile-twin"});
  const DeviceCredentials evil = hub.register_device("evil-1");

  const auto report_with_keys = [](std::uint64_t version, int first, int count) {
    json reported = json::object();
    for (int i = first; i < first + count; ++i) reported["k" + std::to_string(i)] = i;
    return json{{"version", version}, {"reported", reported}}.dump();
  };
  publish_file(hub, evil, "devices/evil-1/reported", report_with_keys(1, 0, 900), "first");
  const bool stored = wait_until(
      [&] { return hub.get("/api/v1/devices/evil-1/twin").json["reported"]["version"] == 1; }, 20s,
      100ms);
  REQUIRE(stored);
  const json before = hub.get("/api/v1/devices/evil-1/twin").json["reported"];

  publish_file(hub, evil, "devices/evil-1/reported", report_with_keys(2, 900, 200), "grow");
  const auto dead = wait_for_records(hub, "deadletter", 1);
  CHECK(dead.back().value("reason", "") ==
        "reported properties of 'evil-1' would have 1100 keys > 1000");

  const auto start = std::chrono::steady_clock::now();
  const HttpReply twin = hub.get("/api/v1/devices/evil-1/twin");
  const auto took = std::chrono::steady_clock::now() - start;
  REQUIRE(twin.status == 200);
  CHECK(twin.json["reported"] == before);
  CHECK(twin.json["reported"]["properties"].size() == 900);
  CHECK(took < 1s);

  // An operator's desired patches growing it past the limit: 413, nothing changed.
  const auto desired_keys = [](int first, int count) {
    json desired = json::object();
    for (int i = first; i < first + count; ++i) desired["d" + std::to_string(i)] = i;
    return json{{"desired", desired}}.dump();
  };
  REQUIRE(send_raw(hub, "PATCH", "/api/v1/devices/evil-1/twin", desired_keys(0, 600)).status ==
          200);
  const HttpReply refused =
      send_raw(hub, "PATCH", "/api/v1/devices/evil-1/twin", desired_keys(600, 500));
  INFO(refused.body);
  CHECK(refused.status == 413);
  CHECK(refused.json["error"]["message"] ==
        "desired properties of 'evil-1' would have 1100 keys > 1000");
  const json desired = hub.get("/api/v1/devices/evil-1/twin").json["desired"];
  CHECK(desired["version"] == 1);
  CHECK(desired["properties"].size() == 600);
  CHECK(hub.hubd_running());
}
