// One command to many devices: hubctl jobs start --devices 'fleet-*' follows
// the progress and prints a final summary; offline devices expire.
#include <doctest/doctest.h>

#include "support/firmware_sim.h"
#include "support/hub_under_test.h"
#include "support/wait_until.h"

using namespace edgehub::itest;
using namespace std::chrono_literals;
using nlohmann::json;

TEST_CASE("a fleet command reaches every connected device of a pattern and summarises") {
  HubUnderTest hub({.name = "fleet"});
  Process simulator = start_firmware_sim(hub, {.devices = 3, .id_prefix = "fleet-", .interval_ms = 500});
  const bool online = wait_until(
      [&] {
        int connected = 0;
        for (const auto& device : hub.get("/api/v1/devices").json.value("devices", json::array())) {
          if (device.value("connection", "") == "connected") ++connected;
        }
        return connected == 3;
      },
      30s, 100ms);
  REQUIRE_MESSAGE(online, hub.log_tails());
  hub.register_device("fleet-offline");

  const auto result = hub.hubctl(
      {"jobs", "start", "--devices", "fleet-*", "ping", "--ttl", "2s", "--wait", "20"}, 40s);
  INFO(result.describe());
  CHECK(result.exited_with(1));  // the offline device's command expired
  CHECK(result.out.find("done: job") != std::string::npos);
  CHECK(result.out.find("3/4 completed, 1 failed, 0 pending") != std::string::npos);

  const auto tagged = hub.post("/api/v1/jobs", {{"selector", {{"tag", "site=nowhere"}}}, {"name", "ping"}});
  CHECK(tagged.status == 404);
  CHECK(simulator.running());
}
