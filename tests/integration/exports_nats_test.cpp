// The NATS JetStream destination against a real 3-node JetStream cluster on
// loopback (tests/support/nats_cluster.cpp), driven by a loop that retries
// like the export runner: every record exactly once in the R3 stream across
// a node crash, and a send during a whole-cluster outage answers at once.
#include <doctest/doctest.h>

#include <chrono>
#include <map>
#include <set>
#include <utility>

#include "edgehub/test/export_send_loop.h"
#include "edgehub/test/nats_cluster.h"
#include "exports/nats_destination.h"

using edgehub::hub::ExportDestination;
using edgehub::hub::ExportRecord;
using edgehub::hub::make_nats_destination;
using edgehub::test::ExportSendLoopOptions;
using edgehub::test::NatsCluster;
using edgehub::test::NatsStoredMessage;
using edgehub::test::sample_export_records;
using edgehub::test::send_like_the_runner;
using namespace std::chrono_literals;

namespace {

std::unique_ptr<ExportDestination> destination_for(const NatsCluster& cluster,
                                                   std::int64_t ack_timeout_ms = 3000) {
  auto destination = make_nats_destination(
      {{"url", cluster.urls()}, {"max_pending", 2048}, {"ack_timeout_ms", ack_timeout_ms}});
  REQUIRE_MESSAGE(destination, (destination ? "" : destination.error().message));
  return std::move(destination).value();
}

// Waits until libnats has (re)connected: a destination answers
// {0, "not connected"} until then.
void wait_until_connected(ExportDestination& destination, const ExportRecord& first) {
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  while (std::chrono::steady_clock::now() < deadline) {
    const auto sent = destination.send(std::span(&first, 1));
    if (sent.acknowledged == 1) return;
    std::this_thread::sleep_for(100ms);
  }
  FAIL("the destination did not connect within 10 s");
}

}  // namespace

TEST_CASE(
    "100,000 records reach the R3 stream exactly once while the stream's leader is killed "
    "and restarted") {
  NatsCluster cluster;
  const auto records = sample_export_records(100'000, 10, 200);
  auto destination = destination_for(cluster);

  int killed = -1;
  bool restarted = false;
  ExportSendLoopOptions options;
  options.batch = 1000;
  options.backoff = 200ms;
  options.give_up_after = 4min;
  options.on_progress = [&](std::size_t acknowledged) {
    if (killed < 0 && acknowledged >= 30'000) {
      killed = cluster.stream_leader_node();
      if (killed < 0) killed = 0;
      cluster.kill_node(killed);
    } else if (killed >= 0 && !restarted && acknowledged >= 60'000) {
      cluster.restart_node(killed);
      restarted = true;
    }
  };
  const auto result = send_like_the_runner(*destination, records, options);
  MESSAGE("sends: " << result.sends << ", short: " << result.short_sends << ", "
                    << result.elapsed.count() << " ms, killed node n" << killed + 1);
  for (const std::string& error : result.errors) MESSAGE("short send: " << error);
  REQUIRE(result.acknowledged == records.size());
  REQUIRE(restarted);
  CHECK(cluster.wait_until_stream_current(60s));

  // The stream holds exactly one message per record: what a resend after a
  // lost PubAck carried again was dropped by the duplicate window.
  CHECK(cluster.stream_messages() == records.size());
  const std::vector<NatsStoredMessage> stored = cluster.read_stream(120s);
  REQUIRE(stored.size() == records.size());
  std::set<std::pair<std::string, std::string>> device_seqs;
  std::set<std::string> offsets;
  for (const NatsStoredMessage& message : stored) {
    const auto device = message.headers.find("Edgehub-Device");
    const auto seq = message.headers.find("Edgehub-Seq");
    REQUIRE(device != message.headers.end());
    REQUIRE(seq != message.headers.end());
    device_seqs.emplace(device->second, seq->second);
    offsets.insert(message.headers.at("Edgehub-Offset"));
  }
  CHECK(device_seqs.size() == records.size());
  CHECK(offsets.size() == records.size());

  // What a consumer sees for one record: subject, payload, identity.
  const ExportRecord& record = records[12'345];
  const auto found = std::find_if(stored.begin(), stored.end(), [&](const NatsStoredMessage& m) {
    return m.headers.at("Edgehub-Offset") == "12345";
  });
  REQUIRE(found != stored.end());
  CHECK(found->subject == "edgehub.site-a." + record.device_id + ".telemetry");
  CHECK(found->data == record.payload);
  CHECK(found->headers.at("Nats-Msg-Id") == "site-a:telemetry:12345");
  CHECK(found->headers.at("Edgehub-Site") == "site-a");
  CHECK(found->headers.at("Edgehub-Stream") == "telemetry");
  CHECK(found->headers.at("Edgehub-Seq") == std::to_string(*record.seq));
  CHECK(found->headers.at("Edgehub-Received-At") == std::to_string(record.received_at_ms));
}

TEST_CASE("a batch sent again after the hub lost its answers is stored once") {
  NatsCluster cluster;
  const auto records = sample_export_records(500, 5, 100);
  auto destination = destination_for(cluster);
  wait_until_connected(*destination, records[0]);
  // The runner resends from its committed position after a crash: here the
  // whole batch, twice, from a second destination as a restarted hub would.
  CHECK(destination->send(records).acknowledged == records.size());
  auto after_restart = destination_for(cluster);
  wait_until_connected(*after_restart, records[0]);
  const auto again = after_restart->send(records);
  CHECK(again.acknowledged == records.size());
  CHECK(again.error.empty());
  CHECK(cluster.stream_messages() == records.size());
}

TEST_CASE(
    "during a whole-cluster outage a send answers at once with nothing acknowledged, "
    "and resumes when the cluster is back") {
  NatsCluster cluster;
  const auto records = sample_export_records(2000, 4, 100);
  auto destination = destination_for(cluster, 2000);
  wait_until_connected(*destination, records[0]);
  REQUIRE(destination->send(std::span(records).subspan(0, 1000)).acknowledged == 1000);

  for (int node = 0; node < 3; ++node) cluster.kill_node(node);
  std::this_thread::sleep_for(300ms);  // libnats sees its socket close
  const auto started = std::chrono::steady_clock::now();
  const auto during = destination->send(std::span(records).subspan(1000, 1000));
  const auto took = std::chrono::steady_clock::now() - started;
  CHECK(during.acknowledged == 0);
  CHECK(during.error.find("not connected") != std::string::npos);
  CHECK(took < 2500ms);  // at most the ack timeout, never for ever

  for (int node = 0; node < 3; ++node) cluster.restart_node(node);
  ExportSendLoopOptions options;
  options.batch = 1000;
  options.give_up_after = 60s;
  const auto rest = send_like_the_runner(*destination, std::span(records).subspan(1000), options);
  CHECK(rest.acknowledged == 1000);
  CHECK(cluster.stream_messages() == records.size());
}
