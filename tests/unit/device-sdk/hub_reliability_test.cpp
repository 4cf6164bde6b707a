// What a device keeps when its connection or its power goes: telemetry
// buffered offline and sent after connect, QoS 1 resend after a reconnect,
// the command subscription renewed, the offline buffer's overflow policies,
// and messages that survive a reboot.
#include <doctest/doctest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "edgehub/device/hub/hub_client.h"
#include "edgehub/device/reliability/memory_storage.h"
#include "support/broker_packets.h"
#include "support/fake_transport.h"
#include "support/hub_fixture.h"

using namespace edgehub::device;
using namespace edgehub::device::hub;
using namespace edgehub::device::testing;

TEST_CASE("telemetry sent while offline is stored and goes out in order once connected") {
  HubFixture f;
  f.hub.set_next_seq(10);
  std::uint64_t seq = 0;
  REQUIRE(f.hub.send_telemetry(R"({"v":1})", kNoTimestamp, &seq) == Status::ok);
  REQUIRE(f.hub.send_telemetry(R"({"v":2})", kNoTimestamp, &seq) == Status::ok);
  CHECK(seq == 11);
  CHECK(f.net.outbound.empty());
  CHECK(f.hub.unacknowledged_telemetry() == 2);

  const auto sent = telemetry_in(f.connect());
  REQUIRE(sent.size() == 2);
  CHECK(seqs_of(sent) == std::vector<std::string>{"10", "11"});
  CHECK_FALSE(sent[0].duplicate);
  f.net.push(puback(sent[0].packet_id));
  f.net.push(puback(sent[1].packet_id));
  REQUIRE(f.hub.process() == Status::ok);
  CHECK(f.acknowledged == std::vector<std::uint64_t>{10, 11});
  CHECK(f.hub.unacknowledged_telemetry() == 0);
}

TEST_CASE("after a reconnect unacknowledged telemetry is resent with its seq, packet id and DUP") {
  HubFixture f;
  f.connect();
  f.hub.set_next_seq(7);
  std::uint64_t seq = 0;
  REQUIRE(f.hub.send_telemetry(R"({"v":1})", 99, &seq) == Status::ok);
  REQUIRE(f.hub.send_telemetry(R"({"v":2})", 99, &seq) == Status::ok);
  const auto original = telemetry_in(f.net.take_sent_packets());
  REQUIRE(original.size() == 2);
  f.net.push(puback(original[0].packet_id));  // 7 is safe, 8 is not
  REQUIRE(f.hub.process() == Status::ok);

  f.hub.connection_lost();
  REQUIRE(f.hub.send_telemetry(R"({"v":3})", 99, &seq) == Status::ok);  // while offline
  const auto after = telemetry_in(f.connect());
  REQUIRE(after.size() == 2);
  CHECK(seq_of(after[0]) == "8");
  CHECK(after[0].packet_id == original[1].packet_id);
  CHECK(after[0].duplicate);
  CHECK(after[0].payload == original[1].payload);
  CHECK(seq_of(after[1]) == "9");
  CHECK_FALSE(after[1].duplicate);
  f.net.push(puback(after[0].packet_id));
  f.net.push(puback(after[1].packet_id));
  REQUIRE(f.hub.process() == Status::ok);
  CHECK(f.acknowledged == std::vector<std::uint64_t>{7, 8, 9});
  CHECK(f.hub.unacknowledged_telemetry() == 0);
}

TEST_CASE("a clean session sends unacknowledged telemetry again as new publishes") {
  HubFixture f;
  f.connect(true);
  f.hub.set_next_seq(1);
  std::uint64_t seq = 0;
  REQUIRE(f.hub.send_telemetry("1", kNoTimestamp, &seq) == Status::ok);
  (void)f.net.take_sent_packets();
  f.hub.connection_lost();
  const auto after = telemetry_in(f.connect(true));
  REQUIRE(after.size() == 1);
  CHECK(seq_of(after[0]) == "1");
  CHECK_FALSE(after[0].duplicate);
  f.net.push(puback(after[0].packet_id));
  REQUIRE(f.hub.process() == Status::ok);
  CHECK(f.acknowledged == std::vector<std::uint64_t>{1});
}

// MQTT 3.1.1 brokers acknowledge in the order they received (MQTT-4.6.0-2);
// one that does not must still lose nothing.
TEST_CASE("telemetry acknowledged out of order goes again and is reported once, in seq order") {
  HubFixture f;
  f.connect();
  f.hub.set_next_seq(1);
  std::uint64_t seq = 0;
  for (int i = 0; i < 3; ++i) REQUIRE(f.hub.send_telemetry("1", kNoTimestamp, &seq) == Status::ok);
  const auto sent = telemetry_in(f.net.take_sent_packets());
  REQUIRE(sent.size() == 3);
  f.net.push(puback(sent[1].packet_id));  // 2 before 1
  REQUIRE(f.hub.process() == Status::ok);
  CHECK(f.acknowledged.empty());
  CHECK(f.hub.unacknowledged_telemetry() == 3);  // 2 stays until 1 is acknowledged
  const auto again = telemetry_in(f.net.take_sent_packets());
  REQUIRE(again.size() == 1);
  CHECK(seq_of(again[0]) == "2");
  CHECK(again[0].payload == sent[1].payload);

  f.net.push(puback(sent[0].packet_id));
  f.net.push(puback(again[0].packet_id));
  f.net.push(puback(sent[2].packet_id));
  REQUIRE(f.hub.process() == Status::ok);
  CHECK(f.acknowledged == std::vector<std::uint64_t>{1, 2, 3});
  CHECK(f.hub.unacknowledged_telemetry() == 0);
  CHECK(telemetry_in(f.net.take_sent_packets()).empty());
  CHECK(f.hub.mqtt().outstanding().count() == 0);
}

TEST_CASE("a second PUBACK for a resent message is reported once") {
  HubFixture f;
  f.connect();
  f.hub.set_next_seq(1);
  std::uint64_t seq = 0;
  REQUIRE(f.hub.send_telemetry("1", kNoTimestamp, &seq) == Status::ok);
  const auto sent = telemetry_in(f.net.take_sent_packets());
  f.net.push(puback(sent.at(0).packet_id));
  f.net.push(puback(sent.at(0).packet_id));
  REQUIRE(f.hub.process() == Status::ok);
  CHECK(f.acknowledged == std::vector<std::uint64_t>{1});
}

TEST_CASE("more stored telemetry than outstanding slots drains as PUBACKs free them") {
  HubFixture f("dev-1", 4096, 16384);
  f.hub.set_next_seq(1);
  std::uint64_t seq = 0;
  const std::size_t total = config::kMaxOutstandingPublishes + 5;
  for (std::size_t i = 0; i < total; ++i) {
    REQUIRE(f.hub.send_telemetry("1", kNoTimestamp, &seq) == Status::ok);
  }
  auto sent = telemetry_in(f.connect());
  CHECK(sent.size() == config::kMaxOutstandingPublishes);
  std::size_t published = sent.size();
  while (!sent.empty()) {
    for (const auto& publish : sent) f.net.push(puback(publish.packet_id));
    REQUIRE(f.hub.process() == Status::ok);
    sent = telemetry_in(f.net.take_sent_packets());
    published += sent.size();
  }
  CHECK(published == total);
  CHECK(f.acknowledged.size() == total);
  CHECK(f.hub.unacknowledged_telemetry() == 0);
}

TEST_CASE("while the oldest message is unacknowledged, PUBACKs of newer ones lose nothing") {
  HubFixture f("dev-1", 4096, 16384);
  f.connect();
  f.hub.set_next_seq(1);
  std::uint64_t seq = 0;
  const std::size_t window = config::kMaxOutstandingPublishes;
  for (std::size_t i = 0; i < window; ++i) {
    REQUIRE(f.hub.send_telemetry("1", kNoTimestamp, &seq) == Status::ok);
  }
  const auto first = telemetry_in(f.net.take_sent_packets());
  REQUIRE(first.size() == window);
  for (std::size_t i = 1; i < window; ++i) f.net.push(puback(first[i].packet_id));  // all but 1
  REQUIRE(f.hub.process() == Status::ok);
  CHECK(f.acknowledged.empty());
  auto sent = telemetry_in(f.net.take_sent_packets());  // 2.. go again
  CHECK(sent.size() == window - 1);
  CHECK(f.hub.mqtt().outstanding().count() == window);
  REQUIRE(f.hub.send_telemetry("2", kNoTimestamp, &seq) == Status::ok);
  CHECK(telemetry_in(f.net.take_sent_packets()).empty());  // no packet id free: it waits
  CHECK(f.hub.unacknowledged_telemetry() == window + 1);

  f.net.push(puback(first[0].packet_id));
  while (!sent.empty()) {
    for (const auto& publish : sent) f.net.push(puback(publish.packet_id));
    REQUIRE(f.hub.process() == Status::ok);
    sent = telemetry_in(f.net.take_sent_packets());
  }
  std::vector<std::uint64_t> expected;
  for (std::uint64_t i = 1; i <= window + 1; ++i) expected.push_back(i);
  CHECK(f.acknowledged == expected);
  CHECK(f.hub.unacknowledged_telemetry() == 0);
  CHECK(f.hub.mqtt().outstanding().count() == 0);
}

TEST_CASE("a full offline buffer with drop_oldest drops and reports the oldest, even in flight") {
  const std::size_t record = reliability::OfflineBuffer::kRecordOverhead + 32;
  HubFixture f("dev-1", 512, reliability::OfflineBuffer::kHeaderSize + 3 * record,
               reliability::OverflowPolicy::drop_oldest);
  f.connect();
  f.hub.set_next_seq(1);
  std::uint64_t seq = 0;
  const std::string data = R"("0123456789")";  // envelope {"seq":N,"data":"..."} = 29 bytes
  REQUIRE(f.hub.send_telemetry(data, kNoTimestamp, &seq) == Status::ok);
  const auto in_flight = telemetry_in(f.net.take_sent_packets());
  f.hub.connection_lost();
  for (int i = 0; i < 3; ++i) REQUIRE(f.hub.send_telemetry(data, kNoTimestamp, &seq) == Status::ok);
  CHECK(f.dropped == std::vector<std::uint64_t>{1});
  CHECK(f.hub.statistics().telemetry_dropped == 1);

  const auto after = telemetry_in(f.connect());
  CHECK(seqs_of(after) == std::vector<std::string>{"2", "3", "4"});
  f.net.push(puback(in_flight.at(0).packet_id));  // a late PUBACK for the dropped one
  REQUIRE(f.hub.process() == Status::ok);
  CHECK(f.acknowledged.empty());
}

TEST_CASE("a full offline buffer with refuse_newest refuses with queue_full, seq unchanged") {
  const std::size_t record = reliability::OfflineBuffer::kRecordOverhead + 32;
  HubFixture f("dev-1", 512, reliability::OfflineBuffer::kHeaderSize + 2 * record,
               reliability::OverflowPolicy::refuse_newest);
  f.hub.set_next_seq(1);
  std::uint64_t seq = 0;
  const std::string data = R"("0123456789")";  // 29-byte envelope: two fit, not three
  REQUIRE(f.hub.send_telemetry(data, kNoTimestamp, &seq) == Status::ok);
  REQUIRE(f.hub.send_telemetry(data, kNoTimestamp, &seq) == Status::ok);
  CHECK(f.hub.send_telemetry(data, kNoTimestamp, &seq) == Status::queue_full);
  CHECK(f.hub.next_seq() == 3);
  CHECK(f.dropped.empty());
  const auto sent = telemetry_in(f.connect());
  REQUIRE(sent.size() == 2);
  f.net.push(puback(sent[0].packet_id));
  REQUIRE(f.hub.process() == Status::ok);
  CHECK(f.hub.send_telemetry(data, kNoTimestamp, &seq) == Status::ok);
  CHECK(seq == 3);
}

TEST_CASE("telemetry too large for the offline buffer is refused, never stored half") {
  HubFixture f("dev-1", 512, reliability::OfflineBuffer::kHeaderSize + 40);
  f.connect();
  std::uint64_t seq = 0;
  CHECK(f.hub.send_telemetry('"' + std::string(60, 'x') + '"', kNoTimestamp, &seq) ==
        Status::buffer_too_small);
  CHECK(f.hub.unacknowledged_telemetry() == 0);
  CHECK(f.net.take_sent_packets().empty());
}

TEST_CASE("the command subscription is renewed after every reconnect, session or not") {
  HubFixture f;
  for (int round = 0; round < 3; ++round) {
    f.connect(round == 1);  // connect() requires the SUBSCRIBE and waits for SUBACK
    CHECK(f.hub.state() == HubState::ready);
    f.hub.connection_lost();
    CHECK(f.hub.state() == HubState::disconnected);
  }
  f.connect();
  const SentPublish response = f.command(R"({"id":"c1","name":"ping"})");
  CHECK(response.topic == kResponses);
}

TEST_CASE("after a reboot the stored telemetry goes out again and seq continues after it") {
  std::vector<std::uint8_t> persistent(4096);
  std::vector<std::uint16_t> first_ids;
  {
    HubFixture before;
    before.connect();
    before.hub.set_next_seq(500);
    std::uint64_t seq = 0;
    REQUIRE(before.hub.send_telemetry("1", kNoTimestamp, &seq) == Status::ok);
    REQUIRE(before.hub.send_telemetry("2", kNoTimestamp, &seq) == Status::ok);
    const auto sent = telemetry_in(before.net.take_sent_packets());
    before.net.push(puback(sent.at(0).packet_id));
    REQUIRE(before.hub.process() == Status::ok);
    persistent = before.offline_storage;  // what flash would hold at power loss
  }
  HubFixture after;
  after.offline_storage = persistent;
  CHECK(after.offline.open() == Status::ok);
  // 500 was acknowledged, but its copy stays for flow control (a paused hub
  // may still report it refused); which copies were acknowledged is not
  // stored, so after a reboot it goes again: the hub stores a seq once.
  CHECK(after.hub.unacknowledged_telemetry() == 2);
  after.hub.set_next_seq(1);  // a device without a clock starts low
  std::uint64_t seq = 0;
  REQUIRE(after.hub.send_telemetry("3", kNoTimestamp, &seq) == Status::ok);
  CHECK(seq == 502);
  const auto sent = telemetry_in(after.connect());
  CHECK(seqs_of(sent) == std::vector<std::string>{"500", "501", "502"});
}

TEST_CASE("after a reboot with the buffer's head mid-storage the messages go out in order") {
  const std::size_t record = reliability::OfflineBuffer::kRecordOverhead + 32;
  const std::size_t capacity = reliability::OfflineBuffer::kHeaderSize + 3 * record;
  std::vector<std::uint8_t> persistent;
  {
    HubFixture before("dev-1", 512, capacity, reliability::OverflowPolicy::drop_oldest);
    before.hub.set_next_seq(1);
    const std::string data = R"("0123456789")";  // 29-byte envelope: three fit
    for (int i = 0; i < 5; ++i) {
      REQUIRE(before.hub.send_telemetry(data, kNoTimestamp, nullptr) == Status::ok);
    }
    CHECK(before.dropped == std::vector<std::uint64_t>{1, 2});  // the head moved on twice
    persistent = before.offline_storage;
  }
  HubFixture after("dev-1", 512, capacity, reliability::OverflowPolicy::drop_oldest);
  after.offline_storage = persistent;
  REQUIRE(after.offline.open() == Status::ok);  // after the client was constructed
  CHECK(after.hub.unacknowledged_telemetry() == 3);
  const auto sent = telemetry_in(after.connect());
  CHECK(seqs_of(sent) == std::vector<std::string>{"3", "4", "5"});
}

TEST_CASE("an offline buffer whose storage fails is reported and the client keeps working") {
  HubFixture f;
  f.connect();
  f.hub.set_next_seq(1);
  std::uint64_t seq = 0;
  REQUIRE(f.hub.send_telemetry("1", kNoTimestamp, &seq) == Status::ok);
  (void)f.net.take_sent_packets();
  f.hub.connection_lost();
  // Corrupt the stored record's length: it now runs past the stored bytes.
  f.offline_storage[reliability::OfflineBuffer::kHeaderSize + 9] = 0x7F;
  f.connect();
  REQUIRE_FALSE(f.problems.empty());
  CHECK(f.problems.back().first == Status::malformed);
  CHECK(f.hub.unacknowledged_telemetry() == 0);
  REQUIRE(f.hub.send_telemetry("2", kNoTimestamp, &seq) == Status::ok);
  CHECK(telemetry_in(f.net.take_sent_packets()).size() == 1);
}
