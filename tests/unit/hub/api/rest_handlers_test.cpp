#include "api/rest_handlers.h"

#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "commands/memory_command_store.h"
#include "edgehub/protocol/payloads.h"
#include "mqtt/memory_broker_connection.h"
#include "presence/device_limit_hits.h"
#include "presence/memory_device_presence.h"
#include "registry/memory_device_registry.h"
#include "streams/memory_stream_store.h"

using namespace edgehub;
using namespace edgehub::hub;
using nlohmann::json;

namespace {

struct Fixture {
  ManualClock clock;
  MemoryDeviceRegistry registry{clock};
  MemoryStreamStore streams;
  MemoryBrokerConnection broker;
  MemoryCommandStore command_store;
  MemoryDevicePresence presence{/*connected_by_default=*/true};
  CommandDispatcher commands{
      registry, broker, streams, clock, [] { return std::string("c-1"); }, command_store, presence};
  int certificates_issued = 0;
  DeviceEnrollment enrollment{registry,
                              [this](std::string_view common_name) {
                                ++certificates_issued;
                                return IssuedCertificate{"CERT " + std::string(common_name),
                                                         "KEY " + std::string(common_name),
                                                         std::string(64, 'b')};
                              },
                              "CA CERT"};
  bool connected = true;
  std::vector<std::string> problems;
  RestHandlers handlers{
      RestDependencies{registry, streams, commands, enrollment,
                       [this] {
                         return HealthReport{connected, {{"telemetry_stored", 7}}, problems};
                       },
                       "0.1.0"}};

  json body_of(const ApiResponse& response) { return json::parse(response.body); }

  void add(const std::string& id) {
    REQUIRE(handlers.add_device(json{{"id", id}}.dump()).status == 201);
  }
  void append(NewRecord record) { REQUIRE(streams.append(record).ok()); }
};

void check_error(const ApiResponse& response, int status, const std::string& code) {
  CHECK(response.status == status);
  const auto body = json::parse(response.body);
  CHECK(body["error"]["code"] == code);
  CHECK(body["error"]["message"].is_string());
}

}  // namespace

TEST_CASE_FIXTURE(Fixture, "health reports the broker connection and the version") {
  const auto response = handlers.health();
  CHECK(response.status == 200);
  const auto body = body_of(response);
  CHECK(body["status"] == "ok");
  CHECK(body["broker_connected"] == true);
  CHECK(body["version"] == "0.1.0");
  CHECK(body["counters"]["telemetry_stored"] == 7);
  CHECK_FALSE(body.contains("problems"));
  connected = false;
  CHECK(body_of(handlers.health())["broker_connected"] == false);
}

TEST_CASE_FIXTURE(Fixture,
                  "health says degraded, and why, while something keeps the hub from working") {
  problems = {
      "telemetry waits in the journal: the streams cannot store it (database or disk is full)"};
  const auto response = handlers.health();
  CHECK(response.status == 200);  // the hub answers: reads still work
  const auto body = body_of(response);
  CHECK(body["status"] == "degraded");
  CHECK(body["problems"] == json(problems));
  problems.clear();
  CHECK(body_of(handlers.health())["status"] == "ok");
}

TEST_CASE_FIXTURE(Fixture, "registering a device returns it with its certificate, key and the CA") {
  const auto response =
      handlers.add_device(R"({"id": "boiler-1", "attributes": {"site": "basement"}})");
  CHECK(response.status == 201);
  const auto body = body_of(response);
  CHECK(body["device"]["id"] == "boiler-1");
  CHECK(body["device"]["role"] == "device");
  CHECK(body["device"]["status"] == "enabled");
  CHECK(body["device"]["certificate_sha256"] == std::string(64, 'b'));
  CHECK(body["device"]["created_at_ms"] == clock.now_ms());
  CHECK(body["device"]["attributes"] == json{{"site", "basement"}});
  CHECK(body["certificate_pem"] == "CERT boiler-1");
  CHECK(body["private_key_pem"] == "KEY boiler-1");
  CHECK(body["ca_certificate_pem"] == "CA CERT");
  auto stored = registry.find("boiler-1");
  REQUIRE(stored.ok());
  CHECK(stored->certificate_sha256 == std::string(64, 'b'));
}

TEST_CASE_FIXTURE(Fixture, "registration refuses taken, reserved and malformed ids") {
  add("boiler-1");
  check_error(handlers.add_device(R"({"id": "boiler-1"})"), 409, "conflict");
  check_error(handlers.add_device(R"({"id": "hubd"})"), 409, "conflict");
  check_error(handlers.add_device(R"({"id": "-bad"})"), 400, "invalid_argument");
  check_error(handlers.add_device(R"({"id": "a/b"})"), 400, "invalid_argument");
  check_error(handlers.add_device(R"({"id": 5})"), 400, "invalid_argument");
  check_error(handlers.add_device(R"({})"), 400, "invalid_argument");
  check_error(handlers.add_device(R"({"id": "x", "attributes": [1]})"), 400, "invalid_argument");
  CHECK(certificates_issued == 1);
}

TEST_CASE_FIXTURE(Fixture, "a request body that is not a JSON object is a 400 that says so") {
  const auto not_json = handlers.add_device("id=boiler-1");
  check_error(not_json, 400, "invalid_argument");
  CHECK(body_of(not_json)["error"]["message"].get<std::string>().find("not valid JSON") !=
        std::string::npos);
  check_error(handlers.add_device(""), 400, "invalid_argument");
  check_error(handlers.add_device("[1]"), 400, "invalid_argument");
  check_error(handlers.send_command("boiler-1", "ping"), 400, "invalid_argument");
}

TEST_CASE_FIXTURE(Fixture, "devices are listed, read and removed") {
  add("a");
  add("b");
  const auto list = body_of(handlers.list_devices());
  REQUIRE(list["devices"].size() == 2);
  CHECK(list["devices"][0]["id"] == "a");
  CHECK(body_of(handlers.get_device("b"))["id"] == "b");
  check_error(handlers.get_device("c"), 404, "not_found");

  const auto removed = handlers.delete_device("a");
  CHECK(removed.status == 204);
  CHECK(removed.body.empty());
  check_error(handlers.get_device("a"), 404, "not_found");
  check_error(handlers.delete_device("a"), 404, "not_found");
}

TEST_CASE_FIXTURE(Fixture, "the device list comes in pages with where the next one starts") {
  for (const char* id : {"a", "b", "c"}) add(id);
  const auto first = body_of(handlers.list_devices("2", std::nullopt, std::nullopt));
  REQUIRE(first["devices"].size() == 2);
  CHECK(first["devices"][1]["id"] == "b");
  CHECK(first["next_after"] == "b");
  const auto last = body_of(handlers.list_devices("2", "b", std::nullopt));
  REQUIRE(last["devices"].size() == 1);
  CHECK(last["devices"][0]["id"] == "c");
  CHECK_FALSE(last.contains("next_after"));

  // The state filter asks the presence tracker (here every device is
  // connected unless told otherwise).
  handlers.set_presence(presence);
  presence.set("b", false);
  const auto offline = body_of(handlers.list_devices(std::nullopt, std::nullopt, "offline"));
  REQUIRE(offline["devices"].size() == 1);
  CHECK(offline["devices"][0]["id"] == "b");
  CHECK(offline["devices"][0]["connection"] == "disconnected");
  CHECK(body_of(handlers.list_devices(std::nullopt, std::nullopt, "connected"))["devices"].size() ==
        2);

  check_error(handlers.list_devices("0", std::nullopt, std::nullopt), 400, "invalid_argument");
  check_error(handlers.list_devices(std::nullopt, "a/b", std::nullopt), 400, "invalid_argument");
  const auto bad_state = handlers.list_devices(std::nullopt, std::nullopt, "online");
  check_error(bad_state, 400, "invalid_argument");
  CHECK(body_of(bad_state)["error"]["message"].get<std::string>().find(
            "connected, offline or disabled") != std::string::npos);
}

TEST_CASE_FIXTURE(Fixture, "devices show how often they hit each per-device limit") {
  add("a");
  add("b");
  DeviceLimitHits hits(streams);
  handlers.set_limit_hits(hits);
  PresenceEvent flood;
  flood.kind = PresenceEvent::Kind::limited;
  flood.device_id = "a";
  flood.limit = "messages_per_second";
  flood.reason = "over 200 messages/s (burst 2000)";
  flood.hits = 3;
  flood.seq = 1;
  REQUIRE(hits.record(flood).ok());
  flood.seq = 2;
  flood.hits = 2;
  REQUIRE(hits.record(flood).ok());

  CHECK(body_of(handlers.get_device("a"))["limit_hits"] == json{{"messages_per_second", 5}});
  CHECK(body_of(handlers.get_device("b"))["limit_hits"] == json::object());
  const auto list = body_of(handlers.list_devices());
  REQUIRE(list["devices"].size() == 2);
  CHECK(list["devices"][0]["limit_hits"]["messages_per_second"] == 5);
  CHECK(list["devices"][1]["limit_hits"].empty());
}

TEST_CASE_FIXTURE(Fixture, "the hub's service identity cannot be removed") {
  DeviceRecord service;
  service.id = "hubd";
  service.role = DeviceRole::service;
  service.certificate_sha256 = std::string(64, 'c');
  REQUIRE(registry.add(service).ok());
  check_error(handlers.delete_device("hubd"), 409, "conflict");
  CHECK(registry.find("hubd").ok());
}

TEST_CASE_FIXTURE(Fixture, "a command returns the device's answer") {
  add("boiler-1");
  broker.on_publish([this](const PublishedMessage& message) {
    auto command = protocol::parse_command(message.payload);
    protocol::CommandResponse response{command->id, 200, command->payload_json};
    CHECK(commands
              .on_response("devices/boiler-1/responses", protocol::build_command_response(response))
              .ok());
  });
  const auto response = handlers.send_command(
      "boiler-1",
      R"({"name": "set-interval", "payload": {"interval_ms": 500}, "timeout_ms": 2000})");
  CHECK(response.status == 200);
  const auto body = body_of(response);
  CHECK(body["id"] == "c-1");
  CHECK(body["device"] == "boiler-1");
  CHECK(body["name"] == "set-interval");
  CHECK(body["status"] == 200);
  CHECK(body["payload"] == json{{"interval_ms", 500}});
  CHECK(body["latency_ms"].is_number_integer());
}

TEST_CASE_FIXTURE(Fixture, "command failures map to the protocol's statuses") {
  add("boiler-1");
  check_error(handlers.send_command("nobody", R"({"name": "ping"})"), 404, "not_found");
  check_error(handlers.send_command("boiler-1", R"({"name": "ping", "timeout_ms": 50})"), 504,
              "timeout");
  check_error(handlers.send_command("boiler-1", R"({"payload": 1})"), 400, "invalid_argument");
  check_error(handlers.send_command("boiler-1", R"({"name": "ping", "timeout_ms": 300001})"), 400,
              "invalid_argument");
  check_error(handlers.send_command("boiler-1", R"({"name": "ping", "timeout_ms": -1})"), 400,
              "invalid_argument");
  check_error(handlers.send_command("boiler-1", R"({"name": "ping", "timeout_ms": "soon"})"), 400,
              "invalid_argument");
  broker.set_connected(false);
  check_error(handlers.send_command("boiler-1", R"({"name": "ping"})"), 503, "unavailable");
}

TEST_CASE_FIXTURE(Fixture, "telemetry records show the stored data as JSON") {
  append(NewRecord{"telemetry", 1000, "boiler-1", 41, "devices/boiler-1/telemetry",
                   R"({"temperature":21.5,"a":1})", std::nullopt});
  const auto response = handlers.read_records("telemetry", std::nullopt, std::nullopt);
  CHECK(response.status == 200);
  // Field order as documented; data as the device sent it.
  CHECK(response.body ==
        R"({"stream":"telemetry","records":[{"offset":0,"received_at_ms":1000,"device":"boiler-1",)"
        R"("seq":41,"topic":"devices/boiler-1/telemetry","payload":{"temperature":21.5,"a":1}}],)"
        R"("next_offset":1})");
}

TEST_CASE_FIXTURE(Fixture, "dead letters show raw bytes as text or base64, with the reason") {
  append(NewRecord{"deadletter", 1, "a", std::nullopt, "devices/a/telemetry", "not json",
                   std::string("not valid JSON")});
  append(NewRecord{"deadletter", 2, "a", std::nullopt, "devices/a/telemetry",
                   std::string("\xff\x00", 2), std::string("binary")});
  append(NewRecord{"deadletter", 3, "a", std::nullopt, "devices/a/telemetry", "5",
                   std::string("payload is not a JSON object")});
  const auto body = body_of(handlers.read_records("deadletter", std::nullopt, std::nullopt));
  const auto& records = body["records"];
  REQUIRE(records.size() == 3);
  CHECK(records[0]["payload_text"] == "not json");
  CHECK(records[0]["reason"] == "not valid JSON");
  CHECK(records[0]["seq"].is_null());
  CHECK_FALSE(records[0].contains("payload"));
  CHECK(records[1]["payload_base64"] == "/wA=");
  CHECK_FALSE(records[1].contains("payload_text"));
  CHECK(records[2]["payload_text"] == "5");
  CHECK(body["next_offset"] == 3);
}

TEST_CASE_FIXTURE(Fixture, "records are paged with from and limit") {
  for (int seq = 0; seq < 5; ++seq) {
    append(NewRecord{"telemetry", 1, "a", static_cast<std::uint64_t>(seq), "devices/a/telemetry",
                     std::to_string(seq), std::nullopt});
  }
  const auto page = body_of(handlers.read_records("telemetry", "1", "2"));
  REQUIRE(page["records"].size() == 2);
  CHECK(page["records"][0]["offset"] == 1);
  CHECK(page["records"][1]["payload"] == 2);
  CHECK(page["next_offset"] == 3);
  const auto end = body_of(handlers.read_records("telemetry", "5", std::nullopt));
  CHECK(end["records"].empty());
  CHECK(end["next_offset"] == 5);
}

TEST_CASE_FIXTURE(Fixture, "bad paging parameters and unknown streams are refused") {
  append(NewRecord{"telemetry", 1, "a", 1, "devices/a/telemetry", "1", std::nullopt});
  check_error(handlers.read_records("telemetry", std::nullopt, "0"), 400, "invalid_argument");
  check_error(handlers.read_records("telemetry", std::nullopt, "10001"), 400, "invalid_argument");
  check_error(handlers.read_records("telemetry", "-1", std::nullopt), 400, "invalid_argument");
  check_error(handlers.read_records("telemetry", "abc", std::nullopt), 400, "invalid_argument");
  check_error(handlers.read_records("telemetry", "", std::nullopt), 400, "invalid_argument");
  CHECK(handlers.read_records("telemetry", std::nullopt, "10000").status == 200);
  check_error(handlers.read_records("no-such-stream", std::nullopt, std::nullopt), 404,
              "not_found");
}

TEST_CASE_FIXTURE(Fixture, "the two hub streams can be read before their first record") {
  const auto body = body_of(handlers.read_records("deadletter", std::nullopt, std::nullopt));
  CHECK(body["stream"] == "deadletter");
  CHECK(body["records"].empty());
  CHECK(body["next_offset"] == 0);
}

TEST_CASE_FIXTURE(Fixture, "streams are listed with their offsets") {
  append(NewRecord{"telemetry", 1, "a", 1, "devices/a/telemetry", "1", std::nullopt});
  append(NewRecord{"telemetry", 1, "a", 2, "devices/a/telemetry", "2", std::nullopt});
  const auto body = body_of(handlers.list_streams());
  REQUIRE(body["streams"].size() == 1);
  CHECK(body["streams"][0] == json{{"name", "telemetry"},
                                   {"first_offset", 0},
                                   {"next_offset", 2},
                                   {"record_count", 2},
                                   {"total_bytes", 2},
                                   {"retention",
                                    {{"max_age_ms", nullptr},
                                     {"max_bytes", nullptr},
                                     {"max_records", nullptr},
                                     {"when_full", "delete-oldest"}}},
                                   {"rejected", 0},
                                   {"retention_floor", nullptr}});
}
