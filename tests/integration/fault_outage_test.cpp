// A long hubd outage, and a full journal, under load (issue 12): the broker
// keeps acknowledging telemetry only as long as its journal can take it; hubd
// catches up when it is back; a journal that is full refuses (no PUBACK: the
// devices keep the messages) instead of dropping, and takes again by itself
// once hubd has stored and deleted what it holds. With the whole data
// directory full, hubd stays up serving reads and carries on by itself.
#include <doctest/doctest.h>

#include <cstdlib>
#include <thread>

#include "support/acknowledged_delivery.h"
#include "support/firmware_sim.h"
#include "support/hub_under_test.h"
#include "support/temp_dir.h"
#include "support/wait_until.h"

using namespace edgehub::itest;
using namespace std::chrono_literals;

TEST_CASE("hubd down for 60 s under load: every acknowledged message is stored once it is back") {
  HubUnderTest hub({.name = "fault-outage", .log_level = "info"});
  constexpr int kDevices = 10;
  constexpr int kMessages = 4000;  // 80 s of flow at 50 msg/s per device
  SimulatorOptions options{.devices = kDevices,
                           .id_prefix = "fo-",
                           .interval_ms = 20,
                           .count = kMessages,
                           .ack_log = hub.work_dir() / "acks.log"};
  Process simulator = start_firmware_sim(hub, options);
  REQUIRE(wait_until([&] { return hub.record_count("telemetry") >= 500; }, 60s, 20ms));
  hub.kill_hard();
  const auto acked_before = read_ack_log(*options.ack_log).size();
  std::this_thread::sleep_for(60s);
  // The broker kept acknowledging: far more than its queue for hubd's session
  // would have held with the old design at this rate.
  const auto acked_during = read_ack_log(*options.ack_log).size() - acked_before;
  MESSAGE(acked_during << " messages acknowledged while hubd was down");
  CHECK(acked_during > 20000);
  hub.restart();

  check_simulator_delivered_everything(hub, simulator, *options.ack_log, kDevices * kMessages, 120s,
                                       90s);
}

namespace {

// Devices publish; hubd is killed, so nobody empties the broker journal; it
// fills up and the broker stops acknowledging (refusal_in_broker_log says
// why); hubd comes back, and every acknowledged message is stored once.
void fill_the_journal_then_recover(HubUnderTest& hub, const std::string& id_prefix,
                                   const std::string& refusal_in_broker_log) {
  constexpr int kDevices = 5;
  constexpr int kMessages = 2000;
  SimulatorOptions options{.devices = kDevices,
                           .id_prefix = id_prefix,
                           .interval_ms = 10,
                           .count = kMessages,
                           .ack_log = hub.work_dir() / "acks.log"};
  Process simulator = start_firmware_sim(hub, options);
  REQUIRE(wait_until([&] { return hub.record_count("telemetry") >= 200; }, 60s, 20ms));
  hub.kill_hard();
  const bool stalled = wait_until_acknowledgements_stop(*options.ack_log, 1500ms, 60s);
  const std::size_t acked = read_ack_log(*options.ack_log).size();
  CHECK_MESSAGE(stalled, "acknowledgements never stopped: the journal did not fill up");
  CHECK(acked < static_cast<std::size_t>(kDevices * kMessages));
  CHECK(simulator.running());
  // The refusals are recorded for the operator.
  CHECK(read_text_file(hub.broker_log()).find(refusal_in_broker_log) != std::string::npos);
  hub.restart();  // stores and deletes what the journal holds: space returns
  check_simulator_delivered_everything(hub, simulator, *options.ack_log, kDevices * kMessages, 180s,
                                       60s);
  CHECK(hub.hubd_running());
}

}  // namespace

TEST_CASE("a full journal refuses telemetry without losing it and takes again by itself") {
  // 1 MiB: the smallest budget; about 5,000 small messages.
  HubUnderTest hub({.name = "fault-full",
                    .log_level = "info",
                    .extra_arguments = {"--journal-max-bytes", "1048576"}});
  fill_the_journal_then_recover(hub, "ff-", "journal full");
}

namespace {

// A tmpfs mounted by the test, unmounted when the test ends (declared before
// the hub, so that it outlives the processes that write to it).
class SmallFileSystem {
 public:
  ~SmallFileSystem() {
    if (!mount_point_.empty())
      (void)std::system(("umount -l '" + mount_point_.string() + "'").c_str());
  }
  // Mounts a tmpfs of `size` (e.g. "1m") at dir (created); false if it cannot.
  bool mount(const std::filesystem::path& dir, const std::string& size) {
    std::filesystem::create_directories(dir);
    const std::string command =
        "mount -t tmpfs -o size=" + size + ",mode=0700 tmpfs '" + dir.string() + "'";
    if (std::system(command.c_str()) != 0) return false;
    mount_point_ = dir;
    return true;
  }

 private:
  std::filesystem::path mount_point_;
};

}  // namespace

TEST_CASE("the broker journal's file system full: refused without PUBACK, nothing lost, recovers") {
  SmallFileSystem small;
  bool mounted = false;
  // The broker journal alone on a 1 MiB file system: it fills long before
  // the 1 GiB budget while hubd is down.
  HubUnderTest hub({.name = "fault-disk",
                    .log_level = "info",
                    .before_first_start = [&](const std::filesystem::path& data) {
                      mounted = small.mount(data / "journal" / "broker", "1m");
                    }});
  REQUIRE_MESSAGE(mounted, "cannot mount a tmpfs (the test needs root)");
  fill_the_journal_then_recover(hub, "fd-", "No space left on device");
}

TEST_CASE("the whole data directory full: hubd stays up serving reads, and carries on by itself") {
  SmallFileSystem small;
  bool mounted = false;
  // Everything of hubd's and the broker's on one small file system: the
  // streams, the other databases, both journals, the broker's log.
  HubUnderTest hub({.name = "fault-data-full",
                    .log_level = "info",
                    .before_first_start = [&](const std::filesystem::path& data) {
                      mounted = small.mount(data, "48m");
                    }});
  REQUIRE_MESSAGE(mounted, "cannot mount a tmpfs (the test needs root)");
  constexpr int kDevices = 5;
  constexpr int kMessages = 3000;
  SimulatorOptions options{.devices = kDevices,
                           .id_prefix = "fdd-",
                           .interval_ms = 10,
                           .count = kMessages,
                           .ack_log = hub.work_dir() / "acks.log"};
  Process simulator = start_firmware_sim(hub, options);
  REQUIRE(wait_until([&] { return hub.record_count("telemetry") >= 200; }, 60s, 20ms));

  // The disk fills up (dd stops at "No space left on device").
  const std::filesystem::path filler = hub.data_dir() / "filler";
  (void)std::system(("dd if=/dev/zero of='" + filler.string() + "' bs=64k 2>/dev/null").c_str());
  const bool stalled = wait_until_acknowledgements_stop(*options.ack_log, 1500ms, 60s);
  CHECK_MESSAGE(stalled, "the broker kept acknowledging on a full disk");
  // Longer than hubd used to survive a failing store (about 19 s, then exit 3).
  std::this_thread::sleep_for(30s);
  REQUIRE_MESSAGE(hub.hubd_running(), hub.log_tails());
  const HttpReply health = hub.get("/api/v1/health");
  CHECK(health.status == 200);
  MESSAGE("health on a full disk: " << health.body);
  const HttpReply read = hub.get("/api/v1/streams/telemetry/records?from=0&limit=10");
  CHECK(read.status == 200);
  CHECK(read.json["records"].size() == 10);
  CHECK(simulator.running());

  std::filesystem::remove(filler);  // space returns: nobody restarts anything
  check_simulator_delivered_everything(hub, simulator, *options.ack_log, kDevices * kMessages, 180s,
                                       60s);
  CHECK(hub.hubd_running());
  CHECK(wait_until([&] { return hub.get("/api/v1/health").json.value("status", "") == "ok"; }, 30s,
                   200ms));
}
