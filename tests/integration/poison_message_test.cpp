// A message that kills hubd while it is processed does not keep the hub down:
// after a bounded number of restarts it is set aside (dead letter, payload
// kept) and the hub starts and ingests again. The poison is real: telemetry
// whose data is JSON nested 100,000 deep, which overflowed the stack of the
// hub's JSON handling (issue 11). With a depth limit in the hub it is
// dead-lettered at once instead: either way the hub must end up running, the
// message in deadletter, other devices' telemetry stored, and no crash loop.
#include <doctest/doctest.h>

#include <fstream>
#include <thread>

#include "support/hub_under_test.h"
#include "support/mqtt_cli.h"
#include "support/wait_until.h"

using namespace edgehub::itest;
using namespace std::chrono_literals;
using nlohmann::json;

namespace {

std::string nested_array(std::size_t depth) {
  return std::string(depth, '[') + std::string(depth, ']');
}

std::vector<json> records_from(const std::vector<json>& records, const std::string& device) {
  std::vector<json> found;
  for (const auto& record : records) {
    if (record.value("device", "") == device) found.push_back(record);
  }
  return found;
}

}  // namespace

TEST_CASE("telemetry that crashes hubd is set aside after bounded restarts; the hub stays up") {
  HubUnderTest hub({.name = "poison", .log_level = "info"});
  const auto attacker = hub.register_device("poison-1");
  const auto neighbour = hub.register_device("good-1");
  const std::string poison = telemetry_payload(1, nested_array(100000));
  const auto poison_file = hub.work_dir() / "poison.json";
  std::ofstream(poison_file, std::ios::binary) << poison;

  const auto published = mqtt_publish_file({.port = hub.mqtt_port(), .credentials = attacker},
                                           "devices/poison-1/telemetry", poison_file);
  REQUIRE_MESSAGE(published.exited_with(0), published.describe());
  const auto good = mqtt_publish({.port = hub.mqtt_port(), .credentials = neighbour},
                                 "devices/good-1/telemetry", telemetry_payload(1, "{\"t\":1}"));
  REQUIRE_MESSAGE(good.exited_with(0), good.describe());

  // Whatever hubd does with it, restart it when it dies, as a supervisor
  // (systemd) would; count the deaths.
  int deaths = 0;
  std::vector<json> deadletters;
  const auto set_aside = [&] {
    deadletters = records_from(hub.read_stream("deadletter"), "poison-1");
    return !deadletters.empty();
  };
  for (int round = 0; round < 6; ++round) {
    bool settled = false;
    wait_until(
        [&] {
          if (!hub.hubd_running()) return true;
          settled = set_aside();
          return settled;
        },
        20s, 100ms);
    if (settled) break;
    REQUIRE_FALSE(hub.hubd_running());
    ++deaths;
    // A start that dies again during recovery throws: that is a death too.
    for (;;) {
      try {
        hub.restart();
        break;
      } catch (const std::exception& error) {
        MESSAGE("hubd died while starting: " << std::string(error.what()));
        ++deaths;
        REQUIRE_MESSAGE(deaths <= 4, "hubd keeps dying: a crash loop\n" << hub.log_tails());
      }
    }
  }
  INFO("hubd died " << deaths << " times\n" << hub.log_tails(40));
  // Died in the batch, then on the message alone (2 attempts): then set aside.
  CHECK(deaths <= 2);
  REQUIRE(hub.hubd_running());
  REQUIRE(set_aside());
  REQUIRE(deadletters.size() == 1);
  const json& letter = deadletters.front();
  MESSAGE("hubd died " << deaths << " times; dead letter reason: " << letter.value("reason", ""));
  CHECK(letter.value("topic", "") == "devices/poison-1/telemetry");
  CHECK_FALSE(letter.value("reason", "").empty());
  CHECK(letter.value("payload_text", "").size() == poison.size());  // kept, byte for byte
  if (deaths > 0) {
    CHECK(letter.value("reason", "") ==
          "hubd stopped while processing this message 2 times; set aside");
  }

  // The neighbour's message got through, and the hub keeps ingesting.
  const bool stored = wait_until(
      [&] { return !records_from(hub.read_stream("telemetry"), "good-1").empty(); }, 15s, 100ms);
  CHECK(stored);
  const auto later = mqtt_publish({.port = hub.mqtt_port(), .credentials = neighbour},
                                  "devices/good-1/telemetry", telemetry_payload(2, "{\"t\":2}"));
  REQUIRE_MESSAGE(later.exited_with(0), later.describe());
  CHECK(wait_until([&] { return records_from(hub.read_stream("telemetry"), "good-1").size() == 2; },
                   15s, 100ms));
  CHECK(hub.hubd_running());
  const auto health = hub.get("/api/v1/health");
  REQUIRE(health.status == 200);
}
