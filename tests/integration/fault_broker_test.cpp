// Whatever dies, nothing a device was told is safe is lost (issue 12): device
// telemetry is journaled by the broker plugin before the PUBACK, so a SIGKILL
// of mosquitto, or of mosquitto and hubd together, under load loses no
// acknowledged message and stores none twice. Checked per (device, seq)
// against what firmware-sim saw acknowledged (its --ack-log).
#include <doctest/doctest.h>
#include <signal.h>

#include <thread>

#include "support/acknowledged_delivery.h"
#include "support/firmware_sim.h"
#include "support/hub_under_test.h"
#include "support/wait_until.h"

using namespace edgehub::itest;
using namespace std::chrono_literals;

namespace {

constexpr int kDevices = 10;
constexpr int kIntervalMs = 20;  // 10 devices x 50 msg/s = 500 msg/s

// Waits until the flow has added `more` records since `before`.
void wait_for_flow(const HubUnderTest& hub, Process& simulator, std::uint64_t more) {
  const auto before = hub.record_count("telemetry");
  const bool flowing =
      wait_until([&] { return hub.record_count("telemetry") >= before + more; }, 60s, 20ms);
  REQUIRE_MESSAGE(flowing, "telemetry did not flow: " << hub.record_count("telemetry")
                                                      << " records\n"
                                                      << hub.log_tails());
  REQUIRE_MESSAGE(simulator.running(), "the simulator finished before the fault");
}

void kill_broker(const HubUnderTest& hub) {
  const auto broker = hub.broker_pid();
  REQUIRE(broker.has_value());
  REQUIRE(::kill(*broker, SIGKILL) == 0);
  REQUIRE(wait_until([&] { return process_is_gone(*broker); }, 10s, 10ms));
}

}  // namespace

TEST_CASE("SIGKILL of the broker, three times under load: nothing acknowledged is lost") {
  HubUnderTest hub({.name = "fault-broker", .log_level = "info"});
  constexpr int kMessages = 1500;  // 30 s of flow per device at most
  SimulatorOptions options{.devices = kDevices,
                           .id_prefix = "fb-",
                           .interval_ms = kIntervalMs,
                           .count = kMessages,
                           .ack_log = hub.work_dir() / "acks.log"};
  Process simulator = start_firmware_sim(hub, options);
  for (int round = 1; round <= 3; ++round) {
    CAPTURE(round);
    wait_for_flow(hub, simulator, 500);
    const auto broker_before = hub.broker_pid();
    kill_broker(hub);
    // hubd's supervisor starts a new broker; the devices reconnect to it.
    REQUIRE_MESSAGE(wait_until(
                        [&] {
                          const auto now = hub.broker_pid();
                          return now && now != broker_before && !process_is_gone(*now);
                        },
                        30s, 50ms),
                    "no new broker\n"
                        << hub.log_tails());
  }
  check_simulator_delivered_everything(hub, simulator, *options.ack_log, kDevices * kMessages, 180s,
                                       60s);
  CHECK(hub.record_count("deadletter") == 0);
  CHECK(hub.hubd_running());
}

TEST_CASE("SIGKILL of hubd and the broker together, twice under load: nothing lost") {
  HubUnderTest hub({.name = "fault-both", .log_level = "info"});
  constexpr int kMessages = 1200;
  SimulatorOptions options{.devices = kDevices,
                           .id_prefix = "fh-",
                           .interval_ms = kIntervalMs,
                           .count = kMessages,
                           .ack_log = hub.work_dir() / "acks.log"};
  Process simulator = start_firmware_sim(hub, options);
  for (int round = 1; round <= 2; ++round) {
    CAPTURE(round);
    wait_for_flow(hub, simulator, 500);
    hub.kill_hard();
    kill_broker(hub);
    std::this_thread::sleep_for(1s);  // the devices find nobody for a while
    hub.restart();
  }
  check_simulator_delivered_everything(hub, simulator, *options.ack_log, kDevices * kMessages, 180s,
                                       60s);
  CHECK(hub.record_count("deadletter") == 0);
}
