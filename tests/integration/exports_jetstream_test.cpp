// The whole JetStream export path end to end (issue 15): devices publishing
// with QoS 1 (firmware-sim) -> the hub's broker -> hubd -> telemetry stream ->
// export runner -> NATS destination -> an R3 stream on a 3-node JetStream
// cluster (tests/support/nats_cluster.h), everything real on loopback. While
// it exports, one JetStream node is SIGKILLed and restarted, and hubd is
// SIGKILLed and restarted on the same data dir. What a consumer of the
// JetStream stream observes afterwards: exactly one message per record of the
// hub's stream (every (device, seq) once, every Edgehub-Offset once), and the
// export's committed position is the stream's next offset.
#include <doctest/doctest.h>

#include <chrono>
#include <cstdint>
#include <set>
#include <string>
#include <thread>
#include <utility>

#include "edgehub/test/nats_cluster.h"
#include "support/acknowledged_delivery.h"
#include "support/firmware_sim.h"
#include "support/hub_under_test.h"
#include "support/wait_until.h"

using namespace edgehub::itest;
using namespace std::chrono_literals;
using edgehub::test::NatsCluster;
using edgehub::test::NatsStoredMessage;
using nlohmann::json;

namespace {

// 50 devices x 2,000 messages, each device every 10 ms (firmware-sim's
// shortest interval): 100,000 records at up to 5,000/s, the count.
constexpr int kDevices = 50;
constexpr int kPerDevice = 2000;
constexpr std::size_t kRecords = static_cast<std::size_t>(kDevices) * kPerDevice;

json export_state(const HubUnderTest& hub) {
  const auto reply = hub.get("/api/v1/exports/js");
  REQUIRE_MESSAGE(reply.status == 200, reply.describe());
  return json::parse(reply.body);
}

json stream_state(const HubUnderTest& hub) {
  const auto reply = hub.get("/api/v1/streams/telemetry");
  REQUIRE_MESSAGE(reply.status == 200, reply.describe());
  return json::parse(reply.body);
}

// Waits until the export has sent at least `records` (counted since hubd
// last started, "sent"); the message names where it stood.
void wait_until_sent(const HubUnderTest& hub, std::uint64_t records, std::chrono::seconds timeout) {
  json last;
  const bool reached = wait_until(
      [&] {
        last = export_state(hub);
        return last.at("position").get<std::uint64_t>() >= records;
      },
      timeout, 50ms);
  REQUIRE_MESSAGE(reached, "the export did not reach position " << records << ": " << last.dump()
                                                                << "\n"
                                                                << hub.log_tails());
}

}  // namespace

TEST_CASE(
    "100,000 device records reach the R3 JetStream stream exactly once across a node crash and "
    "a hubd SIGKILL") {
  NatsCluster cluster;  // started first, stopped last (after hubd)
  HubUnderTest hub({.name = "export-jetstream",
                    .log_level = "info",
                    .extra_arguments = {"--site-id", "site-js"}});

  // As an operator adds it: hubctl, every node's URL, the cluster stream's subjects.
  const auto added =
      hub.hubctl({"exports", "add", "js", "--stream", "telemetry", "--type", "nats", "--option",
                  "url=" + cluster.urls(), "--option", "subject=edgehub.{site}.{device}.{stream}",
                  "--batch-size", "1000"});
  REQUIRE_MESSAGE(added.exited_with(0), added.out << added.err);

  SimulatorOptions options{.devices = kDevices,
                           .id_prefix = "js-",
                           .interval_ms = 10,
                           .count = kPerDevice,
                           .ack_log = hub.work_dir() / "acks.log",
                           .extra_arguments = {"--log-level", "warn"}};
  Process simulator = start_firmware_sim(hub, options);

  // A JetStream node crashes mid-export (the stream's leader: the one whose
  // loss loses PubAcks in flight) and comes back on its store.
  wait_until_sent(hub, 15'000, 120s);
  int leader = cluster.stream_leader_node();
  if (leader < 0) leader = 0;
  cluster.kill_node(leader);
  const auto at_node_kill = export_state(hub).at("position").get<std::uint64_t>();
  std::this_thread::sleep_for(2s);
  cluster.restart_node(leader);

  // Then hubd dies mid-batch and restarts on the same data dir; its broker
  // (and the devices' QoS 1 sessions) keep running meanwhile.
  wait_until_sent(hub, 40'000, 120s);
  const json before_hubd_kill = export_state(hub);
  hub.kill_hard();
  std::this_thread::sleep_for(500ms);
  hub.restart();
  const auto at_hubd_restart = export_state(hub).at("position").get<std::uint64_t>();
  CHECK(at_hubd_restart >= before_hubd_kill.at("position").get<std::uint64_t>());
  MESSAGE("node n" << leader + 1 << " killed at export position " << at_node_kill
                   << "; hubd killed at position " << before_hubd_kill.at("position")
                   << " (failures so far " << before_hubd_kill.at("failures") << ", last error "
                   << before_hubd_kill.at("last_error") << "), restarted at position "
                   << at_hubd_restart);
  // Both faults struck while records were still to be exported.
  CHECK(at_node_kill < kRecords);
  CHECK(before_hubd_kill.at("position").get<std::uint64_t>() < kRecords);

  check_simulator_delivered_everything(hub, simulator, *options.ack_log, kRecords, 150s, 60s);

  // Everything stored is exported: lag 0, the position at the stream's end.
  const json stream = stream_state(hub);
  const auto first_offset = stream.at("first_offset").get<std::uint64_t>();
  const auto next_offset = stream.at("next_offset").get<std::uint64_t>();
  const std::uint64_t stored = next_offset - first_offset;
  CHECK(stored == kRecords);
  json shown;
  const bool caught_up = wait_until(
      [&] {
        shown = export_state(hub);
        return shown.at("lag_records") == 0;
      },
      60s, 100ms);
  REQUIRE_MESSAGE(caught_up, "export lag never reached 0: " << shown.dump());
  CHECK(shown.at("position") == next_offset);
  CHECK(shown.at("skipped_records") == 0);
  MESSAGE("hub: " << stored << " records; export after the restart: " << shown.dump());

  // What a consumer of the JetStream stream sees: one message per record.
  CHECK(cluster.wait_until_stream_current(60s));
  CHECK(cluster.stream_messages() == stored);
  const std::vector<NatsStoredMessage> messages = cluster.read_stream(120s);
  CHECK(messages.size() == stored);
  std::set<std::pair<std::string, std::string>> device_seqs;
  std::set<std::uint64_t> offsets;
  std::size_t foreign = 0;
  for (const NatsStoredMessage& message : messages) {
    const auto device = message.headers.find("Edgehub-Device");
    const auto seq = message.headers.find("Edgehub-Seq");
    const auto offset = message.headers.find("Edgehub-Offset");
    REQUIRE(device != message.headers.end());
    REQUIRE(seq != message.headers.end());
    REQUIRE(offset != message.headers.end());
    if (message.headers.count("Edgehub-Site") == 0 ||
        message.headers.at("Edgehub-Site") != "site-js" ||
        message.subject != "edgehub.site-js." + device->second + ".telemetry") {
      ++foreign;
    }
    device_seqs.emplace(device->second, seq->second);
    offsets.insert(std::stoull(offset->second));
  }
  CHECK(foreign == 0);
  // With messages.size() == stored above: each pair and offset exactly once.
  CHECK(device_seqs.size() == stored);
  CHECK(offsets.size() == stored);
  // Exactly the hub's offsets, none from outside the stream's range.
  REQUIRE_FALSE(offsets.empty());
  CHECK(*offsets.begin() == first_offset);
  CHECK(*offsets.rbegin() == next_offset - 1);
}
