// The life of a command as an operator sees it through hubctl and the REST
// API: queued for an offline device and delivered when it connects, expiry,
// cancel, idempotent ids, a device dropping offline in the middle of a
// command, presence (devices list, lifecycle stream), and SIGKILL of hubd
// with commands queued and in flight.
#include <doctest/doctest.h>

#include "support/firmware_sim.h"
#include "support/hub_under_test.h"
#include "support/mqtt_cli.h"
#include "support/text.h"
#include "support/wait_until.h"

using namespace edgehub::itest;
using namespace std::chrono_literals;
using nlohmann::json;

namespace {

json printed_json(const CommandResult& result) {
  auto parsed = json::parse(result.out, nullptr, false);
  return parsed.is_discarded() ? json() : parsed;
}

// hubctl --json send <device> <name> --queue [extra...]: the queued command's id.
std::string queue_command(const HubUnderTest& hub, const std::string& device,
                          const std::string& name, std::vector<std::string> extra = {}) {
  std::vector<std::string> arguments = {"--json", "send", device, name, "--queue"};
  arguments.insert(arguments.end(), extra.begin(), extra.end());
  const auto result = hub.hubctl(arguments);
  INFO(result.describe());
  REQUIRE(result.exited_with(0));
  const json command = printed_json(result).value("command", json::object());
  REQUIRE(command.contains("id"));
  return command["id"].get<std::string>();
}

json command(const HubUnderTest& hub, const std::string& id) {
  const HttpReply reply = hub.get("/api/v1/commands/" + id);
  INFO(reply.describe());
  REQUIRE(reply.status == 200);
  return reply.json;
}

std::string state_of(const HubUnderTest& hub, const std::string& id) {
  return command(hub, id).value("state", "");
}

bool reaches_state(const HubUnderTest& hub, const std::string& id, const std::string& state,
                   std::chrono::milliseconds timeout = 20s) {
  return wait_until([&] { return state_of(hub, id) == state; }, timeout, 50ms);
}

std::string connection_of(const HubUnderTest& hub, const std::string& device) {
  const HttpReply reply = hub.get("/api/v1/devices/" + device);
  return reply.status == 200 ? reply.json.value("connection", "") : "";
}

std::vector<std::string> lifecycle_events(const HubUnderTest& hub, const std::string& device) {
  std::vector<std::string> events;
  for (const auto& record : hub.read_stream("lifecycle")) {
    if (record.value("device", "") != device) continue;
    const json payload = record.value("payload", json());
    events.push_back(payload.is_object() ? payload.value("event", "?") : "?");
  }
  return events;
}

// A device that receives commands and never answers: mosquitto_sub with its certificate.
Process silent_device(HubUnderTest& hub, const std::string& id) {
  const DeviceCredentials credentials = hub.register_device(id);
  Process subscriber = mqtt_subscribe({.port = hub.mqtt_port(), .credentials = credentials},
                                      {"devices/" + id + "/commands"},
                                      hub.logs_dir() / (id + ".log"));
  const bool connected = wait_until([&] { return connection_of(hub, id) == "connected"; }, 20s);
  REQUIRE_MESSAGE(connected, "the broker never reported " << id << " connected");
  return subscriber;
}

}  // namespace

TEST_CASE("a command queued for an offline device is delivered when it connects, with its "
          "whole life recorded") {
  HubUnderTest hub({.name = "lifecycle-queue"});
  hub.register_device("late-1");
  CHECK(connection_of(hub, "late-1") == "never");

  const std::string id = queue_command(hub, "late-1", "ping", {"--ttl", "1h"});
  const json queued = command(hub, id);
  CHECK(queued.value("state", "") == "queued");
  CHECK(queued.at("sent_at_ms").is_null());
  CHECK(queued.at("expires_at_ms").get<std::int64_t>() -
            queued.at("created_at_ms").get<std::int64_t>() ==
        3600000);

  Process simulator = start_firmware_sim(hub, {.ids = {"late-1"}, .interval_ms = 500});
  REQUIRE_MESSAGE(reaches_state(hub, id, "completed"), hub.log_tails());
  const json done = command(hub, id);
  CHECK(done.at("sent_at_ms").get<std::int64_t>() >= done.at("created_at_ms").get<std::int64_t>());
  CHECK(done.at("finished_at_ms").get<std::int64_t>() >= done.at("sent_at_ms").get<std::int64_t>());
  CHECK(done.at("response").value("status", 0) == 200);
  CHECK(done.at("response").at("payload").value("pong", false));

  // Presence: from the broker, in the devices list and the lifecycle stream.
  CHECK(connection_of(hub, "late-1") == "connected");
  const auto listed = hub.hubctl({"devices", "list"});
  CHECK(listed.exited_with(0));
  CHECK(listed.out.find("connected") != std::string::npos);
  CHECK(lifecycle_events(hub, "late-1") == std::vector<std::string>{"connected"});
  simulator.stop();
  CHECK(wait_until([&] { return connection_of(hub, "late-1") == "disconnected"; }, 20s));
  CHECK(lifecycle_events(hub, "late-1") ==
        std::vector<std::string>{"connected", "disconnected"});

  // hubctl commands show / list.
  const auto shown = hub.hubctl({"commands", "show", id});
  INFO(shown.describe());
  CHECK(shown.exited_with(0));
  CHECK(shown.out.find("completed") != std::string::npos);
  const auto all = hub.hubctl({"--json", "commands", "list", "--device", "late-1"});
  CHECK(all.exited_with(0));
  CHECK(printed_json(all).value("commands", json::array()).size() == 1);
}

TEST_CASE("queued commands expire after their TTL, can be cancelled, and the queue has a limit") {
  HubUnderTest hub({.name = "lifecycle-expire"});
  hub.register_device("away-1");
  const std::string short_lived = queue_command(hub, "away-1", "ping", {"--ttl", "1s"});
  const std::string to_cancel = queue_command(hub, "away-1", "reboot");
  CHECK(reaches_state(hub, short_lived, "expired", 10s));

  const auto cancelled = hub.hubctl({"commands", "cancel", to_cancel});
  INFO(cancelled.describe());
  CHECK(cancelled.exited_with(0));
  CHECK(state_of(hub, to_cancel) == "cancelled");
  const auto again = hub.hubctl({"commands", "cancel", to_cancel});
  CHECK_FALSE(again.exited_with(0));
  CHECK(again.combined_output().find("cancelled") != std::string::npos);

  // Neither reaches the device when it connects.
  Process simulator = start_firmware_sim(hub, {.ids = {"away-1"}, .interval_ms = 200});
  CHECK(wait_until([&] { return connection_of(hub, "away-1") == "connected"; }, 20s));
  std::this_thread::sleep_for(500ms);
  CHECK(state_of(hub, short_lived) == "expired");
  CHECK(state_of(hub, to_cancel) == "cancelled");
  CHECK(command(hub, short_lived).at("sent_at_ms").is_null());

  // The queue depth limit (hubd --max-queued-commands, default 100).
  simulator.stop();
  CHECK(wait_until([&] { return connection_of(hub, "away-1") == "disconnected"; }, 20s));
  for (int i = 0; i < 100; ++i) {
    const HttpReply reply =
        hub.post("/api/v1/devices/away-1/commands", {{"name", "ping"}, {"queue", true}});
    REQUIRE_MESSAGE(reply.status == 202, reply.describe());
  }
  const auto refused = hub.hubctl({"send", "away-1", "ping", "--queue"});
  CHECK_FALSE(refused.exited_with(0));
  CHECK(contains_ignoring_case(refused.combined_output(), "queued commands already"));
}

TEST_CASE("a command id sent twice is executed once") {
  HubUnderTest hub({.name = "lifecycle-idempotent"});
  Process simulator = start_firmware_sim(hub, {.ids = {"once-1"}, .interval_ms = 200});
  REQUIRE(wait_until([&] { return connection_of(hub, "once-1") == "connected"; }, 20s));
  const auto first = hub.hubctl({"--json", "send", "once-1", "ping", "--id", "op-1"});
  const auto second = hub.hubctl({"--json", "send", "once-1", "ping", "--id", "op-1"});
  INFO(first.describe());
  INFO(second.describe());
  CHECK(first.exited_with(0));
  CHECK(second.exited_with(0));
  CHECK(printed_json(first).value("id", "") == "op-1");
  CHECK(printed_json(second).value("payload", json()) == printed_json(first).value("payload", json()));
  const auto listed = hub.get("/api/v1/commands?device=once-1");
  REQUIRE(listed.status == 200);
  CHECK(listed.json.at("commands").size() == 1);
  const auto conflict = hub.hubctl({"send", "once-1", "reboot", "--id", "op-1"});
  CHECK_FALSE(conflict.exited_with(0));
}

TEST_CASE("a device that drops offline in the middle of a command: timed-out, never 'delivered'") {
  HubUnderTest hub({.name = "lifecycle-drop"});
  Process device = silent_device(hub, "drop-1");
  const std::string id = queue_command(hub, "drop-1", "ping", {});
  CHECK(state_of(hub, id) == "sent");
  CHECK(wait_until([&] { return !received_on(hub.logs_dir() / "drop-1.log",
                                             "devices/drop-1/commands").empty(); }, 10s));
  device.kill_hard();  // gone without an answer
  CHECK(wait_until([&] { return connection_of(hub, "drop-1") == "disconnected"; }, 20s));
  CHECK(state_of(hub, id) == "sent");
  CHECK(reaches_state(hub, id, "timed-out", 20s));  // its 10 s deadline

  // A synchronous send to the offline device: not sent, expired, exit code 4.
  const auto sync = hub.hubctl({"send", "drop-1", "ping", "--timeout", "1"});
  CHECK(sync.exited_with(4));
  CHECK(contains_ignoring_case(sync.combined_output(), "not connected"));
}

TEST_CASE("after SIGKILL of hubd no queued command is lost and none in flight stays stuck") {
  HubUnderTest hub({.name = "lifecycle-sigkill"});
  hub.register_device("later-1");
  const std::string queued_a = queue_command(hub, "later-1", "ping", {"--ttl", "1h"});
  const std::string queued_b =
      queue_command(hub, "later-1", "set-interval", {"--payload", R"({"interval_ms":300})"});
  Process device = silent_device(hub, "busy-1");
  const std::string in_flight = queue_command(hub, "busy-1", "ping", {"--timeout", "3"});
  CHECK(state_of(hub, in_flight) == "sent");

  hub.kill_hard();
  std::this_thread::sleep_for(3500ms);  // the in-flight command's deadline passes while hubd is down
  hub.restart();

  CHECK(state_of(hub, in_flight) == "timed-out");  // resolved at start, not stuck in "sent"
  CHECK(state_of(hub, queued_a) == "queued");
  CHECK(state_of(hub, queued_b) == "queued");
  // hubd still knows busy-1 is connected (the broker kept running): a new command reaches it.
  CHECK(connection_of(hub, "busy-1") == "connected");
  const std::string after = queue_command(hub, "busy-1", "ping", {});
  CHECK(state_of(hub, after) == "sent");

  Process simulator = start_firmware_sim(hub, {.ids = {"later-1"}, .interval_ms = 500});
  CHECK(reaches_state(hub, queued_a, "completed"));
  CHECK(reaches_state(hub, queued_b, "completed"));
  CHECK(command(hub, queued_b).at("response").at("payload") == json{{"interval_ms", 300}});
}
