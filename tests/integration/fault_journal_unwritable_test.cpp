// The broker plugin unable to write its journal (issue 12): under load the
// journal directory becomes read-only for real. The broker stops
// acknowledging telemetry (no PUBACK: the devices keep it), tells the refused
// devices to pause (devices/<id>/flow, docs/protocol.md section 3.2), and
// hubd stays up serving reads; once the directory is writable again ingest
// resumes by itself, the paused devices are told so, and every acknowledged
// message is stored exactly once.
//
// Why a read-only bind mount and not `mount -o remount,ro`: the plugin always
// holds its current segment open for writing, and Linux refuses to remount a
// file system (or a mount) read-only while a file on it is open for writing
// (EBUSY). A read-only bind mount laid over the journal directory leaves that
// descriptor writable but makes every new segment file fail with EROFS; with
// a 1 MiB budget the segments are 128 KiB, so the plugin needs a new one
// within about a second at this rate, and from then on cannot write at all.
#include <doctest/doctest.h>
#include <unistd.h>

#include <cstdlib>
#include <set>
#include <string>
#include <thread>

#include "support/acknowledged_delivery.h"
#include "support/firmware_sim.h"
#include "support/hub_under_test.h"
#include "support/mqtt_cli.h"
#include "support/temp_dir.h"
#include "support/wait_until.h"

using namespace edgehub::itest;
using namespace std::chrono_literals;

namespace {

// A read-only bind mount over a directory, lifted (lazily: hubd may have a
// segment open for reading) when the test ends, also when it fails.
class ReadOnlyOverlay {
 public:
  ~ReadOnlyOverlay() { lift(); }
  bool lay_over(const std::filesystem::path& dir) {
    const std::string quoted = "'" + dir.string() + "'";
    if (std::system(("mount --bind -o ro " + quoted + " " + quoted).c_str()) != 0) return false;
    dir_ = dir;
    return true;
  }
  bool lift() {
    if (dir_.empty()) return true;
    const bool lifted = std::system(("umount -l '" + dir_.string() + "'").c_str()) == 0;
    dir_.clear();
    return lifted;
  }

 private:
  std::filesystem::path dir_;
};

std::uint64_t health_counter(const HubUnderTest& hub, const std::string& name) {
  const auto reply = hub.get("/api/v1/health");
  return reply.json.is_object() && reply.json.contains("counters")
             ? reply.json["counters"].value(name, std::uint64_t{0})
             : 0;
}

// The devices whose firmware-sim log says the hub paused their telemetry
// (SimulatedDevice::on_flow).
std::set<std::string> devices_told_to_pause(const HubUnderTest& hub,
                                            const std::vector<std::string>& ids) {
  const std::string log = read_text_file(hub.logs_dir() / "firmware-sim.log");
  std::set<std::string> told;
  for (const std::string& id : ids) {
    if (log.find(id + ": hub paused telemetry (first refused seq 0") != std::string::npos) {
      told.insert(id);
    }
  }
  return told;
}

}  // namespace

TEST_CASE(
    "the broker journal unwritable under load: no PUBACK, the devices are told to pause, hubd "
    "serves reads; writable again: ingest and the devices resume, nothing lost or doubled") {
  if (::geteuid() != 0) {
    MESSAGE("skipped: making the journal read-only needs root (mount)");
    return;
  }
  // 1 MiB: the smallest budget, 128 KiB segments (see above).
  HubUnderTest hub({.name = "fault-unwritable",
                    .log_level = "info",
                    .extra_arguments = {"--journal-max-bytes", "1048576"}});
  ReadOnlyOverlay read_only;  // after the hub: lifted before its directory is removed
  constexpr int kDevices = 5;
  constexpr int kMessages = 1500;  // 15 s of flow at 100 msg/s per device
  SimulatorOptions options{.devices = kDevices,
                           .id_prefix = "fu-",
                           .interval_ms = 10,
                           .count = kMessages,
                           .ack_log = hub.work_dir() / "acks.log"};
  const std::vector<std::string> ids = simulator_device_ids(options);
  Process simulator = start_firmware_sim(hub, options);
  REQUIRE(wait_until([&] { return hub.record_count("telemetry") >= 300; }, 60s, 20ms));
  const std::uint64_t hits_before = health_counter(hub, "device_limit_hits");

  const auto unwritable_since = std::chrono::steady_clock::now();
  REQUIRE_MESSAGE(read_only.lay_over(hub.data_dir() / "journal" / "broker"),
                  "cannot bind-mount the journal directory read-only");

  // No PUBACK once the plugin needs a new segment file.
  REQUIRE_MESSAGE(wait_until_acknowledgements_stop(*options.ack_log, 1500ms, 20s),
                  "acknowledgements never stopped: the journal was still written");
  const std::size_t acked_when_stopped = read_ack_log(*options.ack_log).size();
  const auto seconds_since = [](std::chrono::steady_clock::time_point since) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - since).count();
  };
  MESSAGE("acknowledgements stopped (1.5 s quiet) " << seconds_since(unwritable_since)
                                                    << " s after the journal became read-only");
  CHECK(acked_when_stopped < static_cast<std::size_t>(kDevices * kMessages));

  // Every refused device is told to pause when it reconnects.
  CHECK(
      wait_until([&] { return devices_told_to_pause(hub, ids).size() == ids.size(); }, 10s, 200ms));
  // A clean-session device is told too: its refused publish ends its
  // session, so the notice comes with its next connection, right after the
  // CONNACK (mosquitto_pub and mosquitto_sub use clean sessions).
  const MqttConnection clean{.port = hub.mqtt_port(),
                             .credentials = hub.register_device("fu-clean")};
  const CommandResult refused =
      mqtt_publish(clean, "devices/fu-clean/telemetry", telemetry_payload(1, "{}"), 10s);
  CHECK_MESSAGE(refused.combined_output().find("received PUBACK") == std::string::npos,
                refused.describe());
  const auto clean_log = hub.logs_dir() / "clean-device.log";
  Process clean_subscriber = mqtt_subscribe(clean, {"devices/fu-clean/flow"}, clean_log);
  const auto notices_to_clean = [&] {
    std::string text;
    for (const auto& line : received_on(clean_log, "devices/fu-clean/flow")) text += line + "\n";
    return text;
  };
  CHECK_MESSAGE(
      wait_until(
          [&] {
            return notices_to_clean().find(
                       R"({"state":"paused","reason":"journal_unavailable","retry_after_ms":5000})") !=
                   std::string::npos;
          },
          10s, 100ms),
      notices_to_clean());
  // hubd stays up and serves reads meanwhile.
  CHECK(hub.get("/api/v1/health").status == 200);
  const HttpReply read = hub.get("/api/v1/streams/telemetry/records?from=0&limit=10");
  CHECK_MESSAGE(read.status == 200, read.describe());
  CHECK(hub.hubd_running());
  // The refusals are recorded: a journal_unavailable limit hit, and the reason.
  CHECK(wait_until([&] { return health_counter(hub, "device_limit_hits") > hits_before; }, 10s,
                   200ms));
  const std::string broker_log = read_text_file(hub.broker_log());
  CHECK(broker_log.find("journal_unavailable") != std::string::npos);
  CHECK(broker_log.find("Read-only file system") != std::string::npos);

  // Unwritable for 9 s in all: the paused devices have probed once by then
  // (retry_after_ms 5000), and were refused again, still without a PUBACK.
  std::this_thread::sleep_until(unwritable_since + 9s);
  CHECK(read_ack_log(*options.ack_log).size() == acked_when_stopped);

  REQUIRE(read_only.lift());
  const auto writable_since = std::chrono::steady_clock::now();
  // Ingest resumes by itself: the next probe is written, and every paused
  // device is told "resumed".
  CHECK(wait_until([&] { return read_ack_log(*options.ack_log).size() > acked_when_stopped; }, 15s,
                   100ms));
  MESSAGE("acknowledged again " << seconds_since(writable_since) << " s after it was writable");
  CHECK(wait_until(
      [&] {
        return read_text_file(hub.broker_log()).find("the journal takes telemetry again") !=
               std::string::npos;
      },
      10s, 200ms));
  MESSAGE("resumed notices sent by " << seconds_since(writable_since) << " s");

  CHECK_MESSAGE(wait_until(
                    [&] {
                      return notices_to_clean().find(
                                 R"({"state":"resumed","reason":"journal_unavailable"})") !=
                             std::string::npos;
                    },
                    10s, 100ms),
                notices_to_clean());

  check_simulator_delivered_everything(hub, simulator, *options.ack_log, kDevices * kMessages, 60s,
                                       30s);
  const auto summary = simulator_summary(simulator);
  MESSAGE("firmware-sim: " << summary.dump());
  CHECK(summary.value("flow_paused", 0) >= kDevices);
  CHECK(summary.value("flow_resumed", 0) >= kDevices);
  CHECK(hub.hubd_running());
}
