// docs/protocol.md, section by section, as a third-party device meets it:
// a client that is not the device SDK (Paho MQTT C++ with raw topics and
// JSON text, support/raw_mqtt_device.h) against a real hub (hubd, its
// mosquitto and the broker plugin, TLS, free loopback ports), once over
// MQTT 3.1.1 and once over MQTT 5. Each check quotes the sentence of the
// document it holds the hub to: when one of them fails, the hub or the
// document changed, and they must be made to agree again.
#include <doctest/doctest.h>
#include <sys/stat.h>

#include <future>

#include "support/hub_under_test.h"
#include "support/raw_mqtt_device.h"
#include "support/text.h"
#include "support/wait_until.h"

using namespace edgehub::itest;
using namespace std::chrono_literals;
using nlohmann::json;

namespace {

std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

json parsed(const std::optional<std::string>& text) {
  if (!text) return json();
  auto value = json::parse(*text, nullptr, false);
  return value.is_discarded() ? json() : value;
}

class Conformance {
 public:
  explicit Conformance(MqttVersion version)
      : version_(version),
        hub_({.name = version == MqttVersion::v5 ? "conformance-v5" : "conformance-v311",
              .log_level = "info"}) {}

  RawDeviceOptions device_options(const DeviceCredentials& device) const {
    return RawDeviceOptions{.port = hub_.mqtt_port(), .credentials = device, .version = version_};
  }

  // A connected device (clean session unless told), subscribed to `filters`.
  std::unique_ptr<RawMqttDevice> connected(const RawDeviceOptions& options,
                                           const std::vector<std::string>& filters = {}) {
    auto device = std::make_unique<RawMqttDevice>(options);
    const ConnectOutcome outcome = device->connect();
    INFO(outcome.error << "\n" << hub_.log_tails());
    REQUIRE(outcome.connected);
    for (const std::string& filter : filters) {
      INFO(filter);
      REQUIRE(device->subscribe(filter) == 1);
    }
    return device;
  }

  std::uint64_t counter(const std::string& name) const {
    const HttpReply health = hub_.get("/api/v1/health");
    return health.json.is_object() ? health.json["counters"].value(name, std::uint64_t{0}) : 0;
  }

  std::vector<json> records_of(const std::string& stream, const std::string& device) const {
    std::vector<json> found;
    for (const json& record : hub_.read_stream(stream)) {
      if (record.value("device", "") == device) found.push_back(record);
    }
    return found;
  }

  std::vector<json> wait_for_records(const std::string& stream, const std::string& device,
                                     std::size_t count) const {
    std::vector<json> found;
    wait_until(
        [&] {
          found = records_of(stream, device);
          return found.size() >= count;
        },
        10s, 50ms);
    return found;
  }

  std::string connection_of(const std::string& device) const {
    return hub_.get("/api/v1/devices/" + device).json.value("connection", "");
  }

  void identity();
  void telemetry();
  void commands();
  void twins();
  void persistent_session_and_flow();
  void lifecycle();

 private:
  MqttVersion version_;
  HubUnderTest hub_;
};

void Conformance::identity() {
  // §1 "Credentials: `hubctl devices add <id> [--out DIR]` registers the
  // device and writes three files into `DIR`: `<id>.pem`, `<id>.key` (mode
  // 0600) and `ca.pem`."
  const auto out = hub_.work_dir() / "hubctl-devices";
  const auto added = hub_.hubctl({"devices", "add", "conf-a", "--out", out.string()});
  REQUIRE_MESSAGE(added.exited_with(0), added.describe());
  const DeviceCredentials device{"conf-a", out / "conf-a.pem", out / "conf-a.key", out / "ca.pem"};
  for (const auto& file : {device.certificate, device.private_key, device.ca}) {
    CHECK_MESSAGE(std::filesystem::is_regular_file(file), file);
  }
  struct stat key_status {};
  REQUIRE(::stat(device.private_key.c_str(), &key_status) == 0);
  CHECK((key_status.st_mode & 0777) == 0600);
  // §4.5: a device that exists already is a conflict, exit 6.
  const auto again = hub_.hubctl({"devices", "add", "conf-a", "--out", out.string()});
  CHECK_MESSAGE(again.exited_with(6), again.describe());

  // §1 "client certificate | required (without one the TLS handshake fails)".
  RawDeviceOptions without = device_options(device);
  without.present_certificate = false;
  RawMqttDevice anonymous(without);
  CHECK_FALSE(anonymous.connect().connected);

  // §1 "The broker refuses the connection (CONNACK 5 "not authorized", MQTT
  // 5: 0x87) when: ... the MQTT client id differs from the CN."
  hub_.register_device("conf-b");
  RawDeviceOptions impostor = device_options(device);
  impostor.client_id = "conf-b";
  RawMqttDevice wrong_id(impostor);
  const ConnectOutcome refused = wrong_id.connect();
  CHECK_FALSE(refused.connected);
  CHECK_MESSAGE(refused.code == (version_ == MqttVersion::v5 ? 0x87 : 5), refused.error);

  // §2: the device's own topics are allowed, anything else refused.
  auto good = connected(device_options(device));
  // §2 "`devices/<id>/flow` | hub -> device | 1 | subscribe (exact topic)".
  CHECK(good->subscribe("devices/conf-a/flow") == 1);
  // §2 "A subscription to any other filter is refused (SUBACK 0x80)" (MQTT
  // 5: a reason code of 0x80 or above).
  CHECK(good->subscribe("devices/conf-b/commands") >= 0x80);
  CHECK(good->subscribe("devices/+/commands") >= 0x80);
}

void Conformance::telemetry() {
  const DeviceCredentials device = hub_.register_device("conf-t");
  auto sender = connected(device_options(device));
  const std::uint64_t duplicates_before = counter("telemetry_duplicates");

  // §3 "`data` ... stored as the same JSON value (compact: ... without
  // whitespace between tokens, keys in the device's order)".
  REQUIRE(sender->publish(
      "devices/conf-t/telemetry",
      R"({"seq": 100, "ts": 1732631234000, "data": { "z" : 1.50, "a" : [ 1, 2 ] }})"));
  std::vector<json> stored = wait_for_records("telemetry", "conf-t", 1);
  REQUIRE(stored.size() == 1);
  CHECK(stored[0].at("seq") == 100);
  CHECK(stored[0].at("topic") == "devices/conf-t/telemetry");
  const HttpReply raw =
      hub_.get("/api/v1/streams/telemetry/records?format=ndjson&from=" +
               std::to_string(stored[0].at("offset").get<std::uint64_t>()) + "&limit=1");
  CHECK_MESSAGE(raw.body.find(R"("payload":{"z":1.5,"a":[1,2]})") != std::string::npos, raw.body);

  // §3 "A message whose `seq` is lower than one already stored ... is stored
  // as a new record, after the others"; "a message whose `seq` equals a
  // retained record of that device is ... not stored, even if its `data`
  // differs ... counted in the health counter `telemetry_duplicates`".
  REQUIRE(sender->publish("devices/conf-t/telemetry", R"({"seq":50,"data":"lower"})"));
  REQUIRE(sender->publish("devices/conf-t/telemetry", R"({"seq":100,"data":"same seq"})"));
  REQUIRE(sender->publish("devices/conf-t/telemetry", R"({"seq":101,"data":"marker"})"));
  stored = wait_for_records("telemetry", "conf-t", 3);
  REQUIRE(stored.size() == 3);
  CHECK(stored[1].at("seq") == 50);
  CHECK(stored[1].at("payload") == "lower");
  CHECK(stored[2].at("seq") == 101);
  CHECK(stored[0].at("payload") == json{{"z", 1.5}, {"a", {1, 2}}});  // the first one stays
  CHECK(wait_until([&] { return counter("telemetry_duplicates") == duplicates_before + 1; }, 5s));

  // §3.1 "one record per element ... in the batch's order"; "An element that
  // is invalid goes to the `deadletter` stream on its own, with its position
  // counted from 1 ... and, as its payload, the element's JSON text as the
  // hub re-serializes it ... compact".
  REQUIRE(sender->publish(
      "devices/conf-t/telemetry",
      R"({"batch": [{"seq": 201, "data": 1}, { "data" : { "x" : 1.50 } }, {"seq": 203, "data": 3}]})"));
  stored = wait_for_records("telemetry", "conf-t", 5);
  REQUIRE(stored.size() == 5);
  CHECK(stored[3].at("seq") == 201);
  CHECK(stored[4].at("seq") == 203);
  std::vector<json> dead = wait_for_records("deadletter", "conf-t", 1);
  REQUIRE(dead.size() == 1);
  CHECK(dead[0].value("reason", "") == "batch element 2 of 3: missing field 'seq'");
  CHECK(dead[0].value("payload_text", "") == R"({"data":{"x":1.5}})");

  // §3 "payload that is not valid JSON ... stored in the `deadletter` stream
  // with the parser's reason"; §5 "the raw bytes are returned as
  // `payload_text`".
  REQUIRE(sender->publish("devices/conf-t/telemetry", "not json at all"));
  dead = wait_for_records("deadletter", "conf-t", 2);
  REQUIRE(dead.size() == 2);
  CHECK(contains_ignoring_case(dead[1].value("reason", ""), "json"));
  CHECK(dead[1].value("payload_text", "") == "not json at all");
}

void Conformance::commands() {
  const DeviceCredentials device = hub_.register_device("conf-c");
  const std::string commands_topic = "devices/conf-c/commands";

  // §4.3 "Between CONNACK and the SUBSCRIBE nothing is published on the
  // device's command topic; a synchronous command sent in that window waits
  // for the subscription within its `timeout_ms`" (§4.1 "a device that
  // subscribes a second after its CONNACK still completes the command").
  {
    RawMqttDevice late(device_options(device));
    const ConnectOutcome outcome = late.connect();
    REQUIRE_MESSAGE(outcome.connected, outcome.error);
    const auto connack = std::chrono::steady_clock::now();
    // The hub knows it is connected before the operator sends.
    REQUIRE(wait_until([&] { return connection_of("conf-c") == "connected"; }, 10s, 20ms));
    auto answer = std::async(std::launch::async, [&] {
      return hub_.post("/api/v1/devices/conf-c/commands",
                       {{"name", "ping"}, {"payload", {{"n", 1}}}, {"timeout_ms", 10000}}, 20s);
    });
    std::this_thread::sleep_until(connack + 1s);
    // §4.1 "`queued` | recorded, not handed to the broker (device not
    // connected, or connected but not yet subscribed to its command topic)".
    const HttpReply waiting = hub_.get("/api/v1/commands?device=conf-c");
    REQUIRE(waiting.json.is_object());
    REQUIRE(waiting.json["commands"].size() == 1);
    CHECK(waiting.json["commands"][0].value("state", "") == "queued");
    REQUIRE(late.subscribe(commands_topic) == 1);
    const json command = parsed(late.next_message(commands_topic, 10s));
    REQUIRE_MESSAGE(command.is_object(), hub_.log_tails());
    CHECK(command.at("payload") == json{{"n", 1}});
    REQUIRE(late.publish("devices/conf-c/responses",
                         json{{"id", command.at("id")}, {"status", 200}}.dump()));
    const HttpReply reply = answer.get();
    INFO(reply.describe());
    REQUIRE(reply.status == 200);
    CHECK(reply.json.value("state", "") == "completed");
    const HttpReply record = hub_.get("/api/v1/commands/" + command.at("id").get<std::string>());
    CHECK(record.json.value("state", "") == "completed");
    // §4.1 "`deadline_ms` = request time + `timeout_ms`, also when the
    // command waited for the subscription".
    CHECK(record.json.value("deadline_ms", 0) == record.json.value("created_at_ms", 0) + 10000);
    CHECK(record.json.value("sent_at_ms", 0) >= record.json.value("created_at_ms", 0) + 500);
  }

  // §4 "Every command carries all five fields"; a response `{"id", "status"}`
  // without payload "is a complete answer" (payload `null`).
  auto ready = connected(device_options(device), {commands_topic});
  auto answer = std::async(std::launch::async, [&] {
    return hub_.post("/api/v1/devices/conf-c/commands",
                     {{"name", "set-interval"}, {"payload", {{"interval_ms", 500}}}}, 20s);
  });
  const std::int64_t requested_at = now_ms();
  const json command = parsed(ready->next_message(commands_topic, 10s));
  REQUIRE(command.is_object());
  for (const char* field : {"id", "name", "payload", "timeout_ms", "deadline_ms"}) {
    CHECK_MESSAGE(command.contains(field), field << " in " << command.dump());
  }
  CHECK(command.value("name", "") == "set-interval");
  CHECK(command.value("timeout_ms", 0) == 10000);  // §6 "default 10000"
  const std::int64_t deadline = command.value("deadline_ms", std::int64_t{0});
  CHECK(deadline >= requested_at + 9000);
  CHECK(deadline <= requested_at + 11000);
  REQUIRE(ready->publish("devices/conf-c/responses",
                         json{{"id", command.at("id")}, {"status", 200}}.dump()));
  const HttpReply reply = answer.get();
  INFO(reply.describe());
  REQUIRE(reply.status == 200);
  CHECK(reply.json.value("status", 0) == 200);
  CHECK(reply.json.at("payload").is_null());

  // §4 "A response that ... names a command the hub is not waiting for, is
  // stored in the `deadletter` stream with the reason."
  REQUIRE(ready->publish("devices/conf-c/responses", R"({"id":"c-unknown","status":200})"));
  const std::vector<json> dead = wait_for_records("deadletter", "conf-c", 1);
  REQUIRE(dead.size() == 1);
  CHECK(contains_ignoring_case(dead[0].value("reason", ""), "not waiting"));

  // §4.5 "6 | 409 conflict: ... the `--id` belongs to another device or
  // command".
  const auto queued = hub_.hubctl({"send", "conf-c", "ping", "--queue", "--id", "op-conf-1"});
  CHECK_MESSAGE(queued.exited_with(0), queued.describe());
  const auto reused = hub_.hubctl({"send", "conf-c", "reboot", "--id", "op-conf-1"});
  CHECK_MESSAGE(reused.exited_with(6), reused.describe());
}

void Conformance::twins() {
  const DeviceCredentials device = hub_.register_device("conf-w");
  const std::string desired_topic = "devices/conf-w/desired";
  const auto set = hub_.hubctl({"twin", "set", "conf-w", "--desired", R"({"mode":"eco"})"});
  REQUIRE_MESSAGE(set.exited_with(0), set.describe());

  // §4.4 "the whole document when the device subscribes to
  // `devices/<id>/desired`"; "`patch` ... `null` when the whole document is
  // sent on subscription".
  auto twin = connected(device_options(device), {desired_topic});
  CHECK(parsed(twin->next_message(desired_topic, 10s)) ==
        json{{"version", 1}, {"desired", {{"mode", "eco"}}}, {"patch", nullptr}});
  // §4.4 "and on every change while it is connected".
  const auto change =
      hub_.hubctl({"twin", "set", "conf-w", "--desired", R"({"level":2})", "--version", "1"});
  REQUIRE_MESSAGE(change.exited_with(0), change.describe());
  CHECK(parsed(twin->next_message(desired_topic, 10s)) ==
        json{{"version", 2},
             {"desired", {{"mode", "eco"}, {"level", 2}}},
             {"patch", {{"level", 2}}}});
  // §4.4 "if `N` is given and is not the current desired version the patch
  // is refused (409 `conflict`...)"; §4.5 "6 | ... `--version N` is not the
  // current desired version".
  const auto stale =
      hub_.hubctl({"twin", "set", "conf-w", "--desired", R"({"level":3})", "--version", "1"});
  CHECK_MESSAGE(stale.exited_with(6), stale.describe());

  // §4.4 Device -> hub: `{"version", "reported", "desired_version"}`.
  REQUIRE(
      twin->publish("devices/conf-w/reported",
                    R"({"version":7,"reported":{"mode":"eco","level":2},"desired_version":2})"));
  json state;
  CHECK(wait_until(
      [&] {
        state = hub_.get("/api/v1/devices/conf-w/twin").json;
        return state.is_object() && state["reported"].value("version", 0) == 7;
      },
      10s, 50ms));
  CHECK(state["reported"]["properties"] == json{{"mode", "eco"}, {"level", 2}});
  CHECK(state.value("desired_acknowledged_version", 0) == 2);
  // "A report whose `version` is not higher than the stored one is refused as
  // stale (recorded in `deadletter`, reason `stale reported version N ...`)".
  REQUIRE(twin->publish("devices/conf-w/reported", R"({"version":7,"reported":{"mode":"off"}})"));
  const std::vector<json> dead = wait_for_records("deadletter", "conf-w", 1);
  REQUIRE(dead.size() == 1);
  CHECK(contains_ignoring_case(dead[0].value("reason", ""), "stale reported version 7"));
}

void Conformance::persistent_session_and_flow() {
  const DeviceCredentials device = hub_.register_device("conf-p");
  RawDeviceOptions persistent = device_options(device);
  // §1 "session (MQTT 3.1.1) | `clean_session=false`"; "session (MQTT 5) |
  // ... Clean Start 0 and a Session Expiry Interval > 0".
  persistent.persistent_session = true;
  persistent.session_expiry_s = version_ == MqttVersion::v5 ? 3600 : 0;

  if (version_ == MqttVersion::v5) {
    // §1 "MQTT 5's default expiry is 0: the session then ends with the
    // connection even with Clean Start 0".
    RawDeviceOptions no_expiry = persistent;
    no_expiry.session_expiry_s = 0;
    connected(no_expiry, {"devices/conf-p/flow"})->disconnect();
    auto again = std::make_unique<RawMqttDevice>(no_expiry);
    const ConnectOutcome outcome = again->connect();
    REQUIRE(outcome.connected);
    CHECK_FALSE(outcome.session_present);
  }

  auto first = connected(persistent, {"devices/conf-p/flow"});
  // §3.2 "the device is told on `devices/<id>/flow`" when a stream with
  // `when_full: reject` refuses its telemetry.
  const std::uint64_t stored = hub_.record_count("telemetry");
  const auto full = hub_.hubctl({"streams", "config", "telemetry", "--max-records",
                                 std::to_string(stored), "--when-full", "reject"});
  REQUIRE_MESSAGE(full.exited_with(0), full.describe());
  REQUIRE(first->publish("devices/conf-p/telemetry", R"({"seq":900,"data":1})"));
  const json paused = parsed(first->next_message("devices/conf-p/flow", 10s));
  CHECK(paused.value("state", "") == "paused");
  CHECK(paused.value("first_refused_seq", 0) == 900);
  first->disconnect();
  REQUIRE(wait_until([&] { return connection_of("conf-p") == "disconnected"; }, 10s));

  // §1 "what the hub published to the device and the broker has not
  // delivered yet ... waits in the broker for the device's return": the
  // `resumed` notice sent while the device is offline.
  const auto room = hub_.hubctl(
      {"streams", "config", "telemetry", "--max-records", "none", "--when-full", "delete-oldest"});
  REQUIRE_MESSAGE(room.exited_with(0), room.describe());
  REQUIRE(wait_until([&] { return counter("devices_paused") == 0; }, 10s, 100ms));
  RawMqttDevice back(persistent);
  const ConnectOutcome outcome = back.connect();
  REQUIRE_MESSAGE(outcome.connected, outcome.error);
  CHECK(outcome.session_present);
  // No SUBSCRIBE on this connection: the session kept the subscription.
  CHECK(parsed(back.next_message("devices/conf-p/flow", 10s)) ==
        json{{"state", "resumed"}, {"stream", "telemetry"}});
  // §3.2 "Resending is always safe": the refused reading is stored now.
  REQUIRE(back.publish("devices/conf-p/telemetry", R"({"seq":900,"data":1})"));
  CHECK(wait_for_records("telemetry", "conf-p", 1).size() == 1);
}

void Conformance::lifecycle() {
  // §5 "These three always exist".
  for (const char* stream : {"telemetry", "deadletter", "lifecycle"}) {
    CHECK_MESSAGE(hub_.get(std::string("/api/v1/streams/") + stream).status == 200, stream);
  }
  // §5 A `lifecycle` record: topic `$hub/presence/<id>`, payload `event`,
  // `at_ms`, `broker_run`, `connection`; "a reconnect has a higher number,
  // and a `disconnected` names the connection it ends".
  // conf-p connected, disconnected and came back (MQTT 5: twice more before).
  const std::vector<json> records = wait_for_records("lifecycle", "conf-p", 3);
  REQUIRE(records.size() >= 3);
  std::uint64_t previous_connection = 0;
  std::uint64_t open_connection = 0;
  for (const json& record : records) {
    INFO(record.dump());
    CHECK(record.value("topic", "") == "$hub/presence/conf-p");
    const json& payload = record.at("payload");
    CHECK(payload.at("at_ms") == record.at("received_at_ms"));
    CHECK(payload.at("broker_run").is_number_unsigned());
    const std::uint64_t connection = payload.value("connection", std::uint64_t{0});
    if (payload.value("event", "") == "connected") {
      CHECK(connection > previous_connection);
      previous_connection = open_connection = connection;
    } else {
      CHECK(payload.value("event", "") == "disconnected");
      CHECK(connection == open_connection);
    }
  }
}

void run_conformance(MqttVersion version) {
  Conformance hub(version);
  hub.identity();
  hub.telemetry();
  hub.commands();
  hub.twins();
  hub.persistent_session_and_flow();
  hub.lifecycle();
}

}  // namespace

TEST_CASE("a third-party device meets docs/protocol.md over MQTT 3.1.1") {
  run_conformance(MqttVersion::v311);
}

TEST_CASE("a third-party device meets docs/protocol.md over MQTT 5") {
  run_conformance(MqttVersion::v5);
}
