// A hub crash (SIGKILL) in the middle of a steady flow loses nothing a device
// was told is delivered, and stores nothing twice: every (device, seq) the
// simulator got a PUBACK for is in the telemetry stream exactly once, and the
// stream's offsets stay gap-free. The broker keeps running across the crash
// (it holds the hub's persistent session); the restarted hub adopts it.
#include <doctest/doctest.h>

#include <set>
#include <thread>

#include "support/firmware_sim.h"
#include "support/hub_under_test.h"
#include "support/mqtt_cli.h"
#include "support/stream_records.h"
#include "support/wait_until.h"

using namespace edgehub::itest;
using namespace std::chrono_literals;
using nlohmann::json;

TEST_CASE("every acknowledged telemetry message survives two hub crashes, stored exactly once") {
  HubUnderTest hub({.name = "durability", .log_level = "info"});
  constexpr int kDevices = 4;
  constexpr int kMessagesPerDevice = 800;  // at 10 ms: 8 s of flow, enough for two crashes
  SimulatorOptions options{.devices = kDevices,
                           .id_prefix = "dur-",
                           .interval_ms = 10,
                           .count = kMessagesPerDevice,
                           .ack_log = hub.work_dir() / "acks.log"};
  const auto ids = simulator_device_ids(options);
  Process simulator = start_firmware_sim(hub, options);

  const auto broker_before = hub.broker_pid();
  for (int crash = 1; crash <= 2; ++crash) {
    CAPTURE(crash);
    // Crash once the flow is well under way (and, the second time, after the
    // restarted hub has stored plenty of new messages).
    const auto stored_before = hub.record_count("telemetry");
    const bool flowing =
        wait_until([&] { return hub.record_count("telemetry") >= stored_before + 300; }, 30s, 20ms);
    REQUIRE_MESSAGE(flowing,
                    "telemetry did not flow: " << hub.record_count("telemetry") << " records");
    REQUIRE_MESSAGE(simulator.running(),
                    "the simulator finished before crash "
                        << crash << ": the crash would not be in the middle of the flow");
    hub.kill_hard();
    // The devices keep publishing to the broker while the hub is down.
    std::this_thread::sleep_for(500ms);
    CHECK_MESSAGE(simulator.running(),
                  "the simulator finished while the hub was down after crash " << crash);
    hub.restart();
    CHECK(hub.broker_pid() == broker_before);  // the restarted hub adopted the running broker
  }

  const auto exit = simulator.wait_for_exit(90s);
  REQUIRE_MESSAGE(exit.has_value(), "firmware-sim did not finish within 90 s");
  CHECK_MESSAGE(exit->exited_with(0), "firmware-sim " << exit->describe());
  const auto summary = simulator_summary(simulator);
  INFO("firmware-sim summary: " << summary.dump());
  CHECK(summary.value("sent", 0) == kDevices * kMessagesPerDevice);
  CHECK(summary.value("acked", 0) == kDevices * kMessagesPerDevice);
  const auto acknowledged = read_ack_log(*options.ack_log);
  CHECK(acknowledged.size() == static_cast<std::size_t>(kDevices * kMessagesPerDevice));
  const std::set<DeviceSeq> acknowledged_set(acknowledged.begin(), acknowledged.end());
  CHECK_MESSAGE(acknowledged_set.size() == acknowledged.size(),
                "the ack log lists a (device, seq) twice");

  // The queued backlog drains after the restart: wait until every
  // acknowledged message is stored (or time runs out).
  std::vector<json> records;
  std::size_t missing = acknowledged_set.size();
  wait_until(
      [&] {
        records = hub.read_stream("telemetry");
        const auto stored = records_per_device_seq(records);
        missing = 0;
        for (const auto& key : acknowledged_set) missing += stored.count(key) == 0 ? 1 : 0;
        return missing == 0;
      },
      60s, 250ms);

  const auto stored = records_per_device_seq(records);
  CHECK_MESSAGE(missing == 0, missing << " of " << acknowledged_set.size()
                                      << " acknowledged messages are not in the telemetry stream");
  int reported = 0;
  for (const auto& key : acknowledged_set) {
    if (stored.count(key) == 0 && ++reported <= 10)
      MESSAGE("missing: " << key.first << " seq " << key.second);
  }
  std::size_t duplicates = 0;
  for (const auto& [key, count] : stored) {
    if (count > 1) {
      ++duplicates;
      if (duplicates <= 10)
        MESSAGE("stored " << count << " times: " << key.first << " seq " << key.second);
    }
  }
  CHECK_MESSAGE(duplicates == 0, duplicates << " (device, seq) pairs are stored more than once");
  CHECK(offset_gap_problem(records) == "");
  const std::set<std::string> known(ids.begin(), ids.end());
  for (const auto& [key, count] : stored) {
    if (known.count(key.first) == 0)
      FAIL_CHECK("a record from an unexpected device: " << key.first);
  }
  CHECK(hub.record_count("deadletter") == 0);
}

TEST_CASE("telemetry sent while hubd is down is stored once it is back") {
  HubUnderTest hub({.name = "durability-offline"});
  const auto device = hub.register_device("patient-1");
  const MqttConnection connection{.port = hub.mqtt_port(), .credentials = device};
  const std::string topic = "devices/patient-1/telemetry";
  REQUIRE(mqtt_publish(connection, topic, telemetry_payload(1, R"({"n":1})")).exited_with(0));
  REQUIRE(wait_until([&] { return hub.record_count("telemetry") == 1; }, 15s, 50ms));

  hub.kill_hard();
  const auto broker = hub.broker_pid();
  REQUIRE(broker.has_value());
  CHECK_FALSE(process_is_gone(*broker));  // the broker outlives the hub, by design
  for (std::uint64_t seq : {2, 3}) {
    // Accepted by the broker (PUBACK) while no hub is connected.
    const auto result = mqtt_publish(
        connection, topic, telemetry_payload(seq, R"({"n":)" + std::to_string(seq) + "}"));
    INFO(result.describe());
    CHECK(result.exited_with(0));
  }
  hub.restart();

  std::vector<json> records;
  CHECK(wait_until(
      [&] {
        records = hub.read_stream("telemetry");
        return records.size() >= 3;
      },
      15s, 50ms));
  INFO("telemetry: " << json(records).dump());
  std::vector<std::uint64_t> seqs;
  for (const auto& record : records) seqs.push_back(record.value("seq", std::uint64_t{0}));
  CHECK(seqs == std::vector<std::uint64_t>{1, 2, 3});
  CHECK(offset_gap_problem(records) == "");
}

TEST_CASE(
    "a message hubd acknowledged but had not stored yet when it died is stored at its next start") {
  // Transactions at least 5 s apart: after the first message is committed,
  // the next one stays in the journal only for that long.
  HubUnderTest hub({.name = "durability-journal",
                    .log_level = "info",
                    .extra_arguments = {"--ingest-linger-ms", "5000"}});
  const auto device = hub.register_device("patient-2");
  const MqttConnection connection{.port = hub.mqtt_port(), .credentials = device};
  const std::string topic = "devices/patient-2/telemetry";
  // Device telemetry is journaled by the broker plugin (issue 12).
  const std::filesystem::path journal = hub.data_dir() / "journal" / "broker";
  const auto journaled_bytes = [&] {
    std::uintmax_t bytes = 0;
    for (const auto& item : std::filesystem::directory_iterator(journal)) {
      if (item.path().extension() == ".journal") bytes += item.file_size();
    }
    return bytes;
  };
  REQUIRE(mqtt_publish(connection, topic, telemetry_payload(40, R"({"n":40})")).exited_with(0));
  REQUIRE(wait_until([&] { return hub.record_count("telemetry") == 1; }, 15s, 20ms));
  const std::uintmax_t before = journaled_bytes();

  REQUIRE(mqtt_publish(connection, topic, telemetry_payload(41, R"({"n":41})")).exited_with(0));
  // The broker plugin journaled it before the PUBACK; hubd has read it but
  // not stored it yet (it lingers).
  REQUIRE(wait_until([&] { return journaled_bytes() > before; }, 4s, 20ms));
  REQUIRE(hub.record_count("telemetry") == 1);

  hub.kill_hard();
  hub.restart();  // stores the journal's entries before it reports ready

  const auto records = hub.read_stream("telemetry");
  REQUIRE(records.size() == 2);
  CHECK(records[1].value("seq", std::uint64_t{0}) == 41);
  CHECK(records[1].value("device", std::string()) == "patient-2");
  CHECK(offset_gap_problem(records) == "");
  CHECK(read_text_file(hub.logs_dir() / "hubd.log").find("broker-journal: stored 1 messages") !=
        std::string::npos);
}
