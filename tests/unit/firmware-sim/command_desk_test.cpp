// How a simulated device answers commands: latency, failures, deadlines and
// redeliveries, with time and chance scripted by the test.
#include "command_desk.h"

#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "scripted_random.h"

using namespace edgehub::sim;
using edgehub::sim::test::draw_for_unit;
using edgehub::sim::test::ScriptedRandom;
using nlohmann::json;

namespace {

class FakeDevice final : public DeviceActions {
 public:
  std::uint64_t uptime_ms() override { return 4242; }
  void set_interval(std::uint32_t interval_ms) override {
    ++interval_changes;
    interval = interval_ms;
  }
  int interval_changes = 0;
  std::uint32_t interval = 1000;
};

constexpr std::uint64_t kEpoch = 1'732'631'234'000;  // "now" on the hub's clock

IncomingCommand command(std::string_view id, std::string_view name,
                        std::string_view payload = "null", std::uint64_t deadline_ms = 0) {
  return IncomingCommand{id, name, payload, deadline_ms};
}

}  // namespace

TEST_CASE("latency: a range draws each command's delay uniformly within it") {
  const CommandBehaviour behaviour{{100, 800}, 0.0};
  ScriptedRandom lowest{0, 0};
  CHECK(decide(behaviour, lowest) == CommandDecision{100, false});
  ScriptedRandom highest{700, 0};  // 100 + 700 % 701
  CHECK(decide(behaviour, highest) == CommandDecision{800, false});
  ScriptedRandom wraps{701 + 5, 0};
  CHECK(decide(behaviour, wraps) == CommandDecision{105, false});
}

TEST_CASE("failure rate: a draw below the rate fails the command, one at or above it does not") {
  const CommandBehaviour behaviour{{0, 0}, 0.25};
  ScriptedRandom below{0, draw_for_unit(0.2499)};
  CHECK(decide(behaviour, below).fail);
  ScriptedRandom above{0, draw_for_unit(0.25)};
  CHECK_FALSE(decide(behaviour, above).fail);
  ScriptedRandom never{0, 0};
  CHECK_FALSE(decide(CommandBehaviour{{0, 0}, 0.0}, never).fail);
  ScriptedRandom always{0, ~std::uint64_t{0}};
  CHECK(decide(CommandBehaviour{{0, 0}, 1.0}, always).fail);
}

TEST_CASE("a failure rate of 0.1 fails about a tenth of many commands") {
  SeededRandom random(7);
  const CommandBehaviour behaviour{{0, 0}, 0.1};
  int failed = 0;
  for (int i = 0; i < 10'000; ++i) failed += decide(behaviour, random).fail ? 1 : 0;
  CHECK(failed > 850);
  CHECK(failed < 1150);
}

TEST_CASE("without latency a command is executed and answered at once") {
  const CommandBehaviour behaviour{};
  ScriptedRandom random{};
  FakeDevice device;
  CommandDesk desk(behaviour, random, device);

  const auto pong = desk.receive(command("c-1", "ping"), kEpoch);
  CHECK(pong.busy_ms == 0);
  CHECK(pong.answer.status == 200);
  CHECK(json::parse(pong.answer.payload) == json{{"pong", true}, {"uptime_ms", 4242}});

  const auto interval =
      desk.receive(command("c-2", "set-interval", R"({"interval_ms":500})"), kEpoch);
  CHECK(interval.answer == CommandAnswer{200, R"({"interval_ms":500})"});
  CHECK(device.interval == 500);

  CHECK(desk.receive(command("c-3", "reboot"), kEpoch).answer.status == 404);
  CHECK(
      desk.receive(command("c-4", "set-interval", R"({"interval_ms":5})"), kEpoch).answer.status ==
      400);
  CHECK(desk.receive(command("c-5", "set-interval", "null"), kEpoch).answer.status == 400);
  CHECK(device.interval_changes == 1);
  CHECK(desk.statistics().executed == 5);
  CHECK(desk.statistics().received == 5);
}

TEST_CASE("with latency the device is busy for the drawn time before its answer goes out") {
  const CommandBehaviour behaviour{{100, 800}, 0.0};
  ScriptedRandom random{350, 0};
  FakeDevice device;
  CommandDesk desk(behaviour, random, device);
  const auto outcome =
      desk.receive(command("c-1", "set-interval", R"({"interval_ms":250})"), kEpoch);
  CHECK(outcome == CommandOutcome{{200, R"({"interval_ms":250})"}, 450});
  CHECK(device.interval == 250);
}

TEST_CASE("a simulated failure is answered 500 after the same latency and does not execute") {
  const CommandBehaviour behaviour{{300, 300}, 0.5};
  ScriptedRandom random{0, draw_for_unit(0.1)};
  FakeDevice device;
  CommandDesk desk(behaviour, random, device);
  const auto outcome =
      desk.receive(command("c-1", "set-interval", R"({"interval_ms":250})"), kEpoch);
  CHECK(outcome.answer.status == 500);
  CHECK(json::parse(outcome.answer.payload).at("error") == "simulated failure");
  CHECK(outcome.busy_ms == 300);
  CHECK(device.interval_changes == 0);
  CHECK(desk.statistics().failed == 1);
  CHECK(desk.statistics().executed == 0);
}

TEST_CASE("a command whose deadline has passed is not executed and is answered 408 at once") {
  const CommandBehaviour behaviour{{500, 500}, 0.0};
  ScriptedRandom random{};
  FakeDevice device;
  CommandDesk desk(behaviour, random, device);

  SUBCASE("past when it arrives") {
    const auto outcome =
        desk.receive(command("c-1", "set-interval", R"({"interval_ms":250})", kEpoch - 1), kEpoch);
    CHECK(outcome.answer.status == 408);
    CHECK(outcome.busy_ms == 0);
    CHECK(device.interval_changes == 0);
    CHECK(random.taken() == 0);  // no latency or failure drawn for a command that is not run
    CHECK(desk.statistics().deadline_passed == 1);
  }
  SUBCASE("exactly at the deadline it still runs") {
    CHECK(desk.receive(command("c-1", "set-interval", R"({"interval_ms":250})", kEpoch), kEpoch)
              .answer.status == 200);
    CHECK(device.interval_changes == 1);
  }
  SUBCASE("without a deadline it always runs") {
    CHECK(desk.receive(command("c-1", "ping"), kEpoch + 1'000'000).answer.status == 200);
  }
}

TEST_CASE("a redelivered command is answered again from memory, at once, and not executed twice") {
  const CommandBehaviour behaviour{{1000, 1000}, 0.0};
  ScriptedRandom random{};
  FakeDevice device;
  CommandDesk desk(behaviour, random, device);
  const auto first = desk.receive(command("c-1", "set-interval", R"({"interval_ms":250})"), kEpoch);
  CHECK(first.busy_ms == 1000);
  const auto again = desk.receive(command("c-1", "set-interval", R"({"interval_ms":250})"), kEpoch);
  CHECK(again.answer == first.answer);
  CHECK(again.busy_ms == 0);
  CHECK(device.interval_changes == 1);
  CHECK(desk.statistics().duplicates == 1);
  CHECK(desk.statistics().executed == 1);
}

TEST_CASE("a failed command redelivered gets the same failure, not a second chance") {
  const CommandBehaviour behaviour{{0, 0}, 0.5};
  ScriptedRandom random{0, draw_for_unit(0.0), 0, draw_for_unit(0.99)};
  FakeDevice device;
  CommandDesk desk(behaviour, random, device);
  CHECK(desk.receive(command("c-1", "ping"), kEpoch).answer.status == 500);
  CHECK(desk.receive(command("c-1", "ping"), kEpoch).answer.status == 500);
  CHECK(random.taken() == 2);  // the redelivery drew nothing
}

TEST_CASE("a command too old for the memory is treated as new") {
  const CommandBehaviour behaviour{};
  ScriptedRandom random{};
  FakeDevice device;
  CommandDesk desk(behaviour, random, device);
  (void)desk.receive(command("c-old", "set-interval", R"({"interval_ms":250})"), kEpoch);
  for (std::size_t i = 0; i < CommandMemory::kDefaultCapacity; ++i) {
    (void)desk.receive(command("c-" + std::to_string(i), "ping"), kEpoch);
  }
  (void)desk.receive(command("c-old", "set-interval", R"({"interval_ms":250})"), kEpoch);
  CHECK(device.interval_changes == 2);
  CHECK(desk.statistics().duplicates == 0);
}
