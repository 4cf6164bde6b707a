// firmware-sim as a device with behaviour (issue 4): commands answered after a
// configured latency and with a configured share of failures, without holding
// up the other devices of its worker thread; a device that goes offline in
// the middle of a command and comes back, as the operator sees it through the
// REST API (docs/protocol.md 4.1).
#include <doctest/doctest.h>

#include <set>
#include <thread>

#include "support/firmware_sim.h"
#include "support/hub_under_test.h"
#include "support/wait_until.h"

using namespace edgehub::itest;
using namespace std::chrono_literals;
using nlohmann::json;

namespace {

std::string connection_of(const HubUnderTest& hub, const std::string& device) {
  const HttpReply reply = hub.get("/api/v1/devices/" + device);
  return reply.status == 200 ? reply.json.value("connection", "") : "";
}

void wait_until_connected(const HubUnderTest& hub, const std::string& device) {
  REQUIRE_MESSAGE(wait_until([&] { return connection_of(hub, device) == "connected"; }, 20s, 50ms),
                  device << " never connected\n"
                         << hub.log_tails());
}

// POST .../commands with "queue": true: the command's id.
std::string queue_command(const HubUnderTest& hub, const std::string& device, const json& request) {
  json body = request;
  body["queue"] = true;
  const HttpReply reply = hub.post("/api/v1/devices/" + device + "/commands", body);
  INFO(reply.describe());
  REQUIRE(reply.status == 202);
  return reply.json.at("command").at("id").get<std::string>();
}

json command(const HubUnderTest& hub, const std::string& id) {
  const HttpReply reply = hub.get("/api/v1/commands/" + id);
  INFO(reply.describe());
  REQUIRE(reply.status == 200);
  return reply.json;
}

bool is_final(const std::string& state) { return state != "queued" && state != "sent"; }

json wait_for_final(const HubUnderTest& hub, const std::string& id,
                    std::chrono::milliseconds timeout) {
  json last;
  wait_until(
      [&] {
        last = command(hub, id);
        return is_final(last.value("state", ""));
      },
      timeout, 50ms);
  return last;
}

std::int64_t at(const json& object, const char* key) {
  return object.at(key).is_number() ? object.at(key).get<std::int64_t>() : -1;
}

}  // namespace

TEST_CASE(
    "commands are answered after the configured latency, without holding up other devices "
    "on the same thread") {
  HubUnderTest hub({.name = "sim-latency"});
  Process simulator = start_firmware_sim(
      hub, {.ids = {"slow-1", "slow-2"},
            .interval_ms = 200,
            .label = "firmware-sim-latency",
            .extra_arguments = {"--threads", "1", "--command-latency-ms", "1500"}});
  wait_until_connected(hub, "slow-1");
  wait_until_connected(hub, "slow-2");

  // Both at once: if one device's wait blocked the thread, the second answer
  // would come 1.5 s after the first.
  const json interval = {
      {"name", "set-interval"}, {"payload", {{"interval_ms", 300}}}, {"timeout_ms", 10000}};
  const std::string first = queue_command(hub, "slow-1", interval);
  const std::string second = queue_command(hub, "slow-2", interval);
  const json first_done = wait_for_final(hub, first, 15s);
  const json second_done = wait_for_final(hub, second, 15s);
  INFO(first_done.dump() << "\n" << second_done.dump() << "\n" << simulator.log_tail());
  REQUIRE(first_done.value("state", "") == "completed");
  REQUIRE(second_done.value("state", "") == "completed");
  for (const json* done : {&first_done, &second_done}) {
    const std::int64_t took = at(*done, "finished_at_ms") - at(*done, "sent_at_ms");
    CHECK(took >= 1500);
    CHECK(took < 5000);
    CHECK(done->at("response").at("payload") == json{{"interval_ms", 300}});
  }
  CHECK(std::abs(at(first_done, "finished_at_ms") - at(second_done, "finished_at_ms")) < 1000);

  // The operator waiting on hubctl sees the latency too.
  const auto result = hub.hubctl({"--json", "send", "slow-1", "set-interval", "--payload",
                                  R"({"interval_ms":400})", "--timeout", "10"});
  INFO(result.describe());
  CHECK(result.exited_with(0));
  const json answer = json::parse(result.out, nullptr, false);
  REQUIRE(answer.is_object());
  CHECK(answer.value("status", 0) == 200);
  CHECK(answer.value("latency_ms", 0) >= 1500);
}

TEST_CASE("the configured share of commands fails with status 500 and is not executed") {
  HubUnderTest hub({.name = "sim-failures"});
  Process simulator =
      start_firmware_sim(hub, {.ids = {"flaky-1"},
                               .interval_ms = 200,
                               .label = "firmware-sim-failures",
                               .extra_arguments = {"--command-failure-rate", "0.5"}});
  wait_until_connected(hub, "flaky-1");

  int completed = 0;
  int failed = 0;
  constexpr int kCommands = 20;
  for (int i = 0; i < kCommands; ++i) {
    const auto result = hub.hubctl({"--json", "send", "flaky-1", "set-interval", "--payload",
                                    R"({"interval_ms":250})", "--timeout", "10"});
    INFO(result.describe());
    const json answer = json::parse(result.out, nullptr, false);
    REQUIRE(answer.is_object());
    if (answer.value("status", 0) == 200) {
      CHECK(result.exited_with(0));
      ++completed;
    } else {
      CHECK(answer.value("status", 0) == 500);
      CHECK(answer.at("payload").value("error", "") == "simulated failure");
      CHECK(result.exited_with(1));  // the device answered, with a failure
      ++failed;
    }
  }
  // 20 draws at 0.5: all on one side happens once in half a million runs.
  CHECK(completed + failed == kCommands);
  CHECK(completed > 0);
  CHECK(failed > 0);

  const auto states = hub.get("/api/v1/commands?device=flaky-1&state=failed&limit=100");
  REQUIRE(states.status == 200);
  CHECK(states.json.at("commands").size() == static_cast<std::size_t>(failed));

  simulator.stop();
  const json summary = simulator_summary(simulator);
  INFO(summary.dump());
  CHECK(summary.value("commands_failed", -1) == failed);
  CHECK(summary.value("commands_received", -1) == kCommands);
}

TEST_CASE("a device that goes offline in the middle of a command comes back and answers it once") {
  HubUnderTest hub({.name = "sim-offline"});
  // Online 1.5 s after each connect, offline 2.5 s; a command keeps the device
  // busy 2.5 s: one delivered while online always loses its answer (and its
  // PUBACK) with the connection, and the broker delivers it again on return.
  Process simulator = start_firmware_sim(
      hub, {.ids = {"away-1"},
            .interval_ms = 100,
            .label = "firmware-sim-offline",
            .extra_arguments = {"--command-latency-ms", "2500", "--offline-every", "1500ms",
                                "--offline-for", "2500ms", "--offline-mode", "drop"}});
  wait_until_connected(hub, "away-1");

  SUBCASE("back within the command's timeout: 'sent' while away, then completed") {
    const std::string id = queue_command(
        hub, "away-1",
        {{"name", "set-interval"}, {"payload", {{"interval_ms", 150}}}, {"timeout_ms", 15000}});
    REQUIRE(wait_until([&] { return command(hub, id).value("state", "") == "sent"; }, 10s, 20ms));
    const bool seen_away_while_sent = wait_until(
        [&] {
          return connection_of(hub, "away-1") == "disconnected" &&
                 command(hub, id).value("state", "") == "sent";
        },
        5s, 20ms);
    CHECK_MESSAGE(seen_away_while_sent, "the command was never 'sent' while the device was away");

    const json done = wait_for_final(hub, id, 15s);
    INFO(done.dump() << "\n" << simulator.log_tail());
    CHECK(done.value("state", "") == "completed");
    CHECK(done.at("response").value("status", 0) == 200);
    CHECK(done.at("response").at("payload") == json{{"interval_ms", 150}});
    CHECK(done.at("response").value("late", true) == false);
    CHECK(at(done, "finished_at_ms") - at(done, "sent_at_ms") >= 2500);
    CHECK(connection_of(hub, "away-1") == "connected");
  }

  SUBCASE("back after the command's timeout: timed-out, the late answer kept on the command") {
    const std::string id = queue_command(
        hub, "away-1",
        {{"name", "set-interval"}, {"payload", {{"interval_ms", 150}}}, {"timeout_ms", 2000}});
    const json done = wait_for_final(hub, id, 10s);
    CHECK(done.value("state", "") == "timed-out");
    const bool late_answer =
        wait_until([&] { return command(hub, id).at("response").is_object(); }, 15s, 50ms);
    const json after = command(hub, id);
    INFO(after.dump() << "\n" << simulator.log_tail());
    REQUIRE(late_answer);
    CHECK(after.value("state", "") == "timed-out");
    CHECK(after.at("response").value("status", 0) == 200);
    CHECK(after.at("response").value("late", false) == true);
  }

  simulator.stop();
  const json summary = simulator_summary(simulator);
  INFO(summary.dump() << "\n" << simulator.log_tail(80));
  CHECK(summary.value("offline_periods", 0) >= 1);
  CHECK(summary.value("telemetry_buffered_offline", 0) >= 1);
  // Delivered twice (the first answer was lost with the connection), executed once.
  CHECK(summary.value("commands_received", 0) == 2);
  CHECK(summary.value("commands_executed", 0) == 1);
  CHECK(summary.value("commands_duplicates", 0) == 1);
}

TEST_CASE("a simulated device applies its twin's desired properties and reports them back") {
  HubUnderTest hub({.name = "sim-twin"});
  Process simulator = start_firmware_sim(
      hub, {.ids = {"twin-sim-1"}, .interval_ms = 1000, .label = "firmware-sim-twin"});
  wait_until_connected(hub, "twin-sim-1");
  const auto twin_of = [&] {
    const HttpReply reply = hub.get("/api/v1/devices/twin-sim-1/twin");
    REQUIRE(reply.status == 200);
    return reply.json;
  };

  const auto set =
      hub.hubctl({"twin", "set", "twin-sim-1", "--desired", R"({"interval_ms":200,"mode":"eco"})"});
  INFO(set.describe());
  REQUIRE(set.exited_with(0));
  REQUIRE_MESSAGE(
      wait_until([&] { return twin_of().value("desired_acknowledged_version", 0) == 1; }, 10s,
                 50ms),
      twin_of().dump() << "\n"
                       << simulator.log_tail());
  CHECK(twin_of().at("reported").at("properties") == json{{"interval_ms", 200}, {"mode", "eco"}});

  // The new interval is in force: about 5 readings a second instead of 1.
  const auto count_now = [&] { return hub.record_count("telemetry"); };
  const std::uint64_t before = count_now();
  std::this_thread::sleep_for(2s);
  CHECK(count_now() - before >= 6);

  // A key removed and a value the device cannot use: the report says what it holds.
  REQUIRE(hub.hubctl({"twin", "set", "twin-sim-1", "--desired", R"({"mode":null,"interval_ms":1})"})
              .exited_with(0));
  REQUIRE_MESSAGE(
      wait_until([&] { return twin_of().value("desired_acknowledged_version", 0) == 2; }, 10s,
                 50ms),
      twin_of().dump() << "\n"
                       << simulator.log_tail());
  CHECK(twin_of().at("reported").at("properties") == json{{"interval_ms", 200}});
}

TEST_CASE(
    "a simulated device pauses when the hub refuses its telemetry, resumes, and loses nothing") {
  HubUnderTest hub({.name = "sim-flow"});
  REQUIRE(
      hub.hubctl({"streams", "config", "telemetry", "--max-records", "5", "--when-full", "reject"})
          .exited_with(0));
  constexpr int kMessages = 30;
  Process simulator = start_firmware_sim(
      hub,
      {.ids = {"flow-sim-1"}, .interval_ms = 50, .count = kMessages, .label = "firmware-sim-flow"});
  REQUIRE_MESSAGE(
      wait_until([&] { return hub.get("/api/v1/streams/telemetry").json.value("rejected", 0) > 0; },
                 20s, 50ms),
      simulator.log_tail());
  // Paused: the device holds its readings; make room and it sends them again.
  std::this_thread::sleep_for(1500ms);
  REQUIRE(hub.hubctl({"streams", "config", "telemetry", "--max-records", "none"}).exited_with(0));

  const auto exit = simulator.wait_for_exit(30s);
  INFO(simulator.log_tail(60));
  REQUIRE(exit.has_value());
  CHECK(exit->exited_with(0));
  const json summary = simulator_summary(simulator);
  INFO(summary.dump());
  CHECK(summary.value("flow_paused", 0) >= 1);
  CHECK(summary.value("flow_resumed", 0) >= 1);
  CHECK(summary.value("sent", 0) == kMessages);

  std::set<std::uint64_t> stored;
  for (const auto& record : hub.read_stream("telemetry")) {
    if (record.value("device", "") == "flow-sim-1")
      stored.insert(record.value("seq", std::uint64_t{0}));
  }
  CHECK(stored.size() == static_cast<std::size_t>(kMessages));
}
