// An operator sends commands with hubctl; the device's answer (or the reason
// there is none) comes back as output and exit code (0 answered 2xx, 1 answered
// otherwise, 3 unknown device, 4 timeout).
#include <doctest/doctest.h>

#include "support/firmware_sim.h"
#include "support/hub_under_test.h"
#include "support/text.h"
#include "support/wait_until.h"

using namespace edgehub::itest;
using namespace std::chrono_literals;
using nlohmann::json;

namespace {

// hubctl send --json prints the REST answer: {"id", "device", "name", "status", "payload",
// "latency_ms"}.
json answer_printed_by(const CommandResult& result) {
  auto answer = json::parse(result.out, nullptr, false);
  return answer.is_discarded() ? json() : answer;
}

// A device is online once its telemetry arrives: it is connected, and the
// simulator subscribes to its commands before it publishes.
void wait_until_online(const HubUnderTest& hub, const std::string& device) {
  const bool online = wait_until(
      [&] {
        for (const auto& record : hub.read_stream("telemetry")) {
          if (record.value("device", "") == device) return true;
        }
        return false;
      },
      20s, 100ms);
  REQUIRE_MESSAGE(online, "no telemetry from " << device << " within 20 s: it never came online");
}

}  // namespace

TEST_CASE("a connected device answers the operator's commands through hubctl") {
  HubUnderTest hub({.name = "commands-sim"});
  Process simulator =
      start_firmware_sim(hub, {.ids = {"cmd-1"}, .interval_ms = 200, .label = "firmware-sim"});
  wait_until_online(hub, "cmd-1");

  SUBCASE("ping: exit code 0 and the device's pong is printed") {
    const auto result = hub.hubctl({"send", "cmd-1", "ping", "--timeout", "10"});
    INFO(result.describe());
    CHECK(result.exited_with(0));
    CHECK(contains_ignoring_case(result.out, "pong"));

    const auto as_json = hub.hubctl({"--json", "send", "cmd-1", "ping", "--timeout", "10"});
    INFO(as_json.describe());
    CHECK(as_json.exited_with(0));
    const auto answer = answer_printed_by(as_json);
    CHECK(answer.value("status", 0) == 200);
    CHECK(answer.value("device", "") == "cmd-1");
    REQUIRE(answer.contains("payload"));
    CHECK(answer.at("payload").value("pong", false) == true);
    CHECK(answer.at("payload").contains("uptime_ms"));
  }

  SUBCASE("set-interval with a payload: the device's answer carries the new interval") {
    const auto result = hub.hubctl({"--json", "send", "cmd-1", "set-interval", "--payload",
                                    R"({"interval_ms":250})", "--timeout", "10"});
    INFO(result.describe());
    CHECK(result.exited_with(0));
    const auto answer = answer_printed_by(result);
    CHECK(answer.value("status", 0) == 200);
    CHECK(answer.value("payload", json()) == json{{"interval_ms", 250}});
  }

  SUBCASE("set-interval out of range: the device's 400 is shown and the exit code is 1") {
    const auto result = hub.hubctl({"--json", "send", "cmd-1", "set-interval", "--payload",
                                    R"({"interval_ms":1})", "--timeout", "10"});
    INFO(result.describe());
    CHECK(result.exited_with(1));
    CHECK(answer_printed_by(result).value("status", 0) == 400);
  }

  SUBCASE("a command the device does not know: its 404 is shown and the exit code is 1") {
    const auto result = hub.hubctl({"send", "cmd-1", "self-destruct", "--timeout", "10"});
    INFO(result.describe());
    CHECK(result.exited_with(1));
    CHECK(result.combined_output().find("404") != std::string::npos);
  }

  CHECK_MESSAGE(simulator.running(), "firmware-sim stopped while answering commands");
}

TEST_CASE("a command to a device id that is not registered fails at once with exit code 3") {
  HubUnderTest hub({.name = "commands-unknown"});
  const auto result = hub.hubctl({"send", "ghost-device", "ping", "--timeout", "10"});
  INFO(result.describe());
  CHECK(result.exited_with(3));
  CHECK(result.combined_output().find("ghost-device") != std::string::npos);
  CHECK(contains_ignoring_case(result.combined_output(), "not registered"));
  CHECK(result.elapsed < 5s);  // no waiting for an answer that cannot come
}

TEST_CASE("a command to a registered device that is not connected times out with exit code 4") {
  HubUnderTest hub({.name = "commands-timeout"});
  hub.register_device("sleepy-1");
  const auto result = hub.hubctl({"send", "sleepy-1", "ping", "--timeout", "2"}, 30s);
  INFO(result.describe());
  CHECK(result.exited_with(4));
  CHECK(result.combined_output().find("sleepy-1") != std::string::npos);
  CHECK((contains_ignoring_case(result.combined_output(), "did not answer") ||
         contains_ignoring_case(result.combined_output(), "timed out") ||
         contains_ignoring_case(result.combined_output(), "timeout")));
  CHECK(result.elapsed >= 1900ms);  // it did wait for the answer
  CHECK(result.elapsed <= 5s);      // the timeout plus a small margin
}
