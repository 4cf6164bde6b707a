// Flow control through HubClient (docs/protocol.md section 3.2): a paused
// hub refused telemetry the broker had acknowledged; the device keeps it,
// stops sending, and sends it again in seq order once resumed.
#include <doctest/doctest.h>

#include <algorithm>
#include <deque>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "edgehub/device/hub/flow.h"
#include "edgehub/device/hub/hub_client.h"
#include "support/broker_packets.h"
#include "support/hub_fixture.h"

using namespace edgehub::device;
using namespace edgehub::device::hub;
using namespace edgehub::device::testing;

namespace {

std::string paused(std::uint64_t first_refused_seq) {
  return R"({"state":"paused","stream":"telemetry","retry_after_ms":1000,"first_refused_seq":)" +
         std::to_string(first_refused_seq) + "}";
}
const std::string kResumed = R"({"state":"resumed","stream":"telemetry"})";

// Delivers a flow notice; returns what the device sent in answer besides the PUBACK.
std::vector<Bytes> deliver_flow(HubFixture& f, const std::string& json,
                                std::uint16_t packet_id = 70) {
  f.net.push(publish_packet(kFlow, json, mqtt::QoS::at_least_once, packet_id));
  REQUIRE(f.hub.process() == Status::ok);
  std::vector<Bytes> others;
  bool acknowledged = false;
  for (auto& packet : f.net.take_sent_packets()) {
    if (decode_sent_puback(packet) == packet_id) {
      acknowledged = true;
    } else {
      others.push_back(packet);
    }
  }
  CHECK(acknowledged);
  return others;
}

// Sends telemetry "1".."count" (seq first..), all acknowledged by the broker.
void send_acknowledged(HubFixture& f, int count) {
  for (int i = 1; i <= count; ++i) {
    REQUIRE(f.hub.send_telemetry(std::to_string(i), kNoTimestamp, nullptr) == Status::ok);
  }
  for (const auto& message : telemetry_in(f.net.take_sent_packets())) {
    f.net.push(puback(message.packet_id));
  }
  REQUIRE(f.hub.process() == Status::ok);
}

}  // namespace

TEST_CASE(
    "paused stops telemetry and keeps the refused messages; resumed sends them in seq order") {
  HubFixture f;
  f.connect();
  f.hub.set_next_seq(10);
  send_acknowledged(f, 4);  // seq 10..13, all acknowledged by the broker
  CHECK(f.acknowledged == std::vector<std::uint64_t>{10, 11, 12, 13});
  CHECK(f.hub.unacknowledged_telemetry() == 0);

  // The hub stored 10, refused 11 and everything after it. Every kept copy
  // goes again (10 too: which ones were "sent after" 11 is not known by seq
  // once messages have been sent again; the hub stores a seq once).
  CHECK(deliver_flow(f, paused(11)).empty());
  CHECK(f.hub.flow_state() == FlowState::paused);
  REQUIRE(f.flow.size() == 1);
  CHECK(f.flow[0].state == FlowState::paused);
  CHECK(f.flow[0].first_refused_seq == 11);
  CHECK(f.flow[0].retry_after_ms == 1000);
  CHECK(f.hub.statistics().flow_pauses == 1);
  CHECK(f.hub.unacknowledged_telemetry() == 4);

  // Measurements go on while paused: stored, not published.
  std::uint64_t seq = 0;
  REQUIRE(f.hub.send_telemetry("5", kNoTimestamp, &seq) == Status::ok);
  CHECK(seq == 14);
  REQUIRE(f.hub.process() == Status::ok);
  CHECK(telemetry_in(f.net.take_sent_packets()).empty());
  CHECK(f.hub.unacknowledged_telemetry() == 5);

  const auto resent = telemetry_in(deliver_flow(f, kResumed));
  CHECK(f.hub.flow_state() == FlowState::resumed);
  REQUIRE(f.flow.size() == 2);
  CHECK(f.flow[1].state == FlowState::resumed);
  CHECK(seqs_of(resent) == std::vector<std::string>{"10", "11", "12", "13", "14"});
  for (const auto& message : resent) f.net.push(puback(message.packet_id));
  REQUIRE(f.hub.process() == Status::ok);
  CHECK(f.hub.unacknowledged_telemetry() == 0);
}

TEST_CASE("a PUBACK arriving while paused does not release the message: it goes again on resumed") {
  HubFixture f;
  f.connect();
  f.hub.set_next_seq(1);
  REQUIRE(f.hub.send_telemetry("1", kNoTimestamp, nullptr) == Status::ok);
  REQUIRE(f.hub.send_telemetry("2", kNoTimestamp, nullptr) == Status::ok);
  const auto in_flight = telemetry_in(f.net.take_sent_packets());
  REQUIRE(in_flight.size() == 2);
  deliver_flow(f, paused(1));
  for (const auto& message : in_flight) f.net.push(puback(message.packet_id));
  REQUIRE(f.hub.process() == Status::ok);
  CHECK(f.acknowledged.empty());  // perhaps refused as well: not reported as safe
  CHECK(f.hub.unacknowledged_telemetry() == 2);
  const auto resent = telemetry_in(deliver_flow(f, kResumed));
  CHECK(seqs_of(resent) == std::vector<std::string>{"1", "2"});
  for (const auto& message : resent) f.net.push(puback(message.packet_id));
  REQUIRE(f.hub.process() == Status::ok);
  CHECK(f.acknowledged == std::vector<std::uint64_t>{1, 2});
}

TEST_CASE("a pause makes every kept copy pending again, also after a resend in between") {
  HubFixture f;
  f.connect();
  f.hub.set_next_seq(1);
  send_acknowledged(f, 3);
  deliver_flow(f, paused(3));  // 3 refused
  const auto first = telemetry_in(deliver_flow(f, kResumed));
  CHECK(seqs_of(first) == std::vector<std::string>{"1", "2", "3"});
  for (const auto& message : first) f.net.push(puback(message.packet_id));
  REQUIRE(f.hub.process() == Status::ok);
  // The resent 1 and 2 were refused as well (after 3, by time): the next
  // notice names 3 again, yet 1 and 2 go once more.
  deliver_flow(f, paused(3));
  CHECK(f.hub.unacknowledged_telemetry() == 3);
  CHECK(seqs_of(telemetry_in(deliver_flow(f, kResumed))) ==
        std::vector<std::string>{"1", "2", "3"});
}

TEST_CASE(
    "a pause outlasts a reconnect; without resumed the device tries again after retry_after_ms") {
  HubFixture f;
  f.connect();
  f.hub.set_next_seq(1);
  send_acknowledged(f, 2);
  deliver_flow(f, paused(1));  // retry_after_ms 1000
  f.hub.connection_lost();
  CHECK(telemetry_in(f.connect()).empty());
  CHECK(f.hub.flow_state() == FlowState::paused);

  f.clock.advance(999);
  REQUIRE(f.hub.process() == Status::ok);
  CHECK(telemetry_in(f.net.take_sent_packets()).empty());
  f.clock.advance(1);
  REQUIRE(f.hub.process() == Status::ok);
  CHECK(f.hub.flow_state() == FlowState::resumed);
  REQUIRE(f.flow.size() == 2);
  CHECK(f.flow[1].state == FlowState::resumed);
  CHECK(seqs_of(telemetry_in(f.net.take_sent_packets())) == std::vector<std::string>{"1", "2"});
}

namespace {

// The broker's journal could not take telemetry (docs/protocol.md 3.2): no
// PUBACK for the refused message, so no first_refused_seq.
const std::string kJournalPaused =
    R"({"state":"paused","reason":"journal_unavailable","retry_after_ms":5000})";
const std::string kJournalResumed = R"({"state":"resumed","reason":"journal_unavailable"})";

// The broker refused seq 3 (no PUBACK) and closed the connection; the device
// connects again and the journal's notice comes right after the CONNACK.
// Returns the telemetry the device sent on that connection.
std::vector<SentPublish> reconnect_into_journal_pause(HubFixture& f) {
  f.hub.set_next_seq(1);
  send_acknowledged(f, 2);  // 1 and 2 are stored: kept copies
  REQUIRE(f.hub.send_telemetry("3", kNoTimestamp, nullptr) == Status::ok);
  CHECK(seqs_of(telemetry_in(f.net.take_sent_packets())) == std::vector<std::string>{"3"});
  f.hub.connection_lost();
  REQUIRE(f.hub.connect(HubConnectOptions{}) == Status::ok);
  f.net.push(connack(true));
  f.net.push(publish_packet(kFlow, kJournalPaused, mqtt::QoS::at_least_once, 71));
  REQUIRE(f.hub.process() == Status::ok);
  std::vector<SentPublish> telemetry;
  bool acknowledged = false;
  std::uint16_t subscribe_id = 0;
  for (auto& packet : f.net.take_sent_packets()) {
    if (type_of(packet) == mqtt::PacketType::subscribe) {
      subscribe_id = static_cast<std::uint16_t>((packet.at(2) << 8) | packet.at(3));
    } else if (type_of(packet) == mqtt::PacketType::puback) {
      acknowledged = decode_sent_puback(packet) == 71;
    } else if (type_of(packet) == mqtt::PacketType::publish) {
      telemetry.push_back(decode_sent_publish(packet));
    }
  }
  CHECK(acknowledged);
  REQUIRE(subscribe_id != 0);
  f.net.push(suback_for(subscribe_id, kHubSubscriptions));
  REQUIRE(f.hub.process() == Status::ok);
  for (auto& packet : f.net.take_sent_packets()) {
    if (type_of(packet) == mqtt::PacketType::publish)
      telemetry.push_back(decode_sent_publish(packet));
  }
  return telemetry;
}

}  // namespace

TEST_CASE(
    "journal unavailable (paused without first_refused_seq): the device waits, keeps its stored "
    "copies stored, and sends only what was not acknowledged after retry_after_ms") {
  HubFixture f;
  f.connect();
  CHECK(reconnect_into_journal_pause(f).empty());  // the notice came before the resend
  CHECK(f.hub.flow_state() == FlowState::paused);
  REQUIRE(f.flow.size() == 1);
  CHECK(f.flow[0].state == FlowState::paused);
  CHECK(f.flow[0].first_refused_seq == 0);
  CHECK(f.flow[0].retry_after_ms == 5000);
  CHECK(f.problems.empty());  // nothing acknowledged was lost: no queue_full report
  CHECK(f.hub.unacknowledged_telemetry() == 1);

  f.clock.advance(4999);
  REQUIRE(f.hub.process() == Status::ok);
  CHECK(telemetry_in(f.net.take_sent_packets()).empty());
  f.clock.advance(1);
  REQUIRE(f.hub.process() == Status::ok);
  CHECK(f.hub.flow_state() == FlowState::resumed);
  // 1 and 2 were stored: only 3 goes again.
  const auto resent = telemetry_in(f.net.take_sent_packets());
  CHECK(seqs_of(resent) == std::vector<std::string>{"3"});
  for (const auto& message : resent) f.net.push(puback(message.packet_id));
  REQUIRE(f.hub.process() == Status::ok);
  CHECK(f.acknowledged == std::vector<std::uint64_t>{1, 2, 3});
  CHECK(f.hub.unacknowledged_telemetry() == 0);
}

TEST_CASE("journal unavailable: resumed sends the pending messages in seq order at once") {
  HubFixture f;
  f.connect();
  CHECK(reconnect_into_journal_pause(f).empty());
  REQUIRE(f.hub.send_telemetry("4", kNoTimestamp, nullptr) == Status::ok);
  REQUIRE(f.hub.process() == Status::ok);
  CHECK(telemetry_in(f.net.take_sent_packets()).empty());  // stored, not sent while paused
  const auto resent = telemetry_in(deliver_flow(f, kJournalResumed));
  CHECK(f.hub.flow_state() == FlowState::resumed);
  CHECK(seqs_of(resent) == std::vector<std::string>{"3", "4"});
  CHECK(f.problems.empty());
}

TEST_CASE("a refused message whose copy already made room is reported, not silently lost") {
  const std::size_t record = reliability::OfflineBuffer::kRecordOverhead + 32;
  HubFixture f("dev-1", 512, reliability::OfflineBuffer::kHeaderSize + 2 * record);
  f.connect();
  f.hub.set_next_seq(1);
  const std::string data = R"("0123456789")";  // 29-byte envelope: two fit
  for (int i = 0; i < 3; ++i) {
    REQUIRE(f.hub.send_telemetry(data, kNoTimestamp, nullptr) == Status::ok);
    for (const auto& message : telemetry_in(f.net.take_sent_packets())) {
      f.net.push(puback(message.packet_id));
    }
    REQUIRE(f.hub.process() == Status::ok);
  }
  CHECK(f.dropped.empty());    // copy 1 made room for message 3: acknowledged, nothing to report
  deliver_flow(f, paused(1));  // ... but the hub refused it
  REQUIRE(f.problems.size() == 1);
  CHECK(f.problems[0].first == Status::queue_full);
  CHECK(seqs_of(telemetry_in(deliver_flow(f, kResumed))) == std::vector<std::string>{"2", "3"});
}

TEST_CASE("a malformed flow notice is reported, acknowledged and changes nothing") {
  for (const char* message : {"nope", "[]", R"({"stream":"telemetry"})", R"({"state":"stopped"})",
                              R"({"state":1})", R"({"state":"paused","first_refused_seq":-1})",
                              R"({"state":"paused","retry_after_ms":4294967296})",
                              R"({"state":"paused","state":"resumed"})"}) {
    CAPTURE(message);
    HubFixture f;
    f.connect();
    f.hub.set_next_seq(1);
    CHECK(deliver_flow(f, message).empty());
    CHECK(f.hub.flow_state() == FlowState::resumed);
    CHECK(f.flow.empty());
    REQUIRE(f.problems.size() == 1);
    CHECK(f.problems[0].first == Status::malformed);
    REQUIRE(f.hub.send_telemetry("1", kNoTimestamp, nullptr) == Status::ok);
    CHECK(telemetry_in(f.net.take_sent_packets()).size() == 1);
  }
}

TEST_CASE("at most config::kKeepAcknowledged acknowledged copies stay in the offline buffer") {
  HubFixture f("dev-1", 512, 16384);
  f.connect();
  f.hub.set_next_seq(1);
  const int count = static_cast<int>(config::kKeepAcknowledged) + 5;
  for (int i = 0; i < count; i += 8) send_acknowledged(f, 8);
  CHECK(f.offline.count() == config::kKeepAcknowledged);
  CHECK(f.hub.unacknowledged_telemetry() == 0);
  // The oldest copies are gone: a refusal from before them resends what is kept.
  deliver_flow(f, paused(1));
  std::vector<std::string> resent;
  auto round = telemetry_in(deliver_flow(f, kResumed));
  while (!round.empty()) {  // as many at a time as the outstanding table takes
    for (const auto& message : round) {
      resent.push_back(seq_of(message));
      f.net.push(puback(message.packet_id));
    }
    REQUIRE(f.hub.process() == Status::ok);
    round = telemetry_in(f.net.take_sent_packets());
  }
  REQUIRE(resent.size() == config::kKeepAcknowledged);
  CHECK(resent.front() == std::to_string(f.hub.next_seq() - config::kKeepAcknowledged));
  CHECK(resent.back() == std::to_string(f.hub.next_seq() - 1));
}

TEST_CASE("acknowledged copies make room silently, whatever the overflow policy") {
  const std::size_t record = reliability::OfflineBuffer::kRecordOverhead + 32;
  for (const auto policy :
       {reliability::OverflowPolicy::drop_oldest, reliability::OverflowPolicy::refuse_newest}) {
    HubFixture f("dev-1", 512, reliability::OfflineBuffer::kHeaderSize + 2 * record, policy);
    f.connect();
    f.hub.set_next_seq(1);
    const std::string data = R"("0123456789")";  // 29-byte envelope: two fit
    REQUIRE(f.hub.send_telemetry(data, kNoTimestamp, nullptr) == Status::ok);
    REQUIRE(f.hub.send_telemetry(data, kNoTimestamp, nullptr) == Status::ok);
    const auto sent = telemetry_in(f.net.take_sent_packets());
    f.net.push(puback(sent.at(0).packet_id));
    REQUIRE(f.hub.process() == Status::ok);
    REQUIRE(f.hub.send_telemetry(data, kNoTimestamp, nullptr) == Status::ok);  // replaces copy 1
    CHECK(f.dropped.empty());
    CHECK(f.hub.statistics().telemetry_dropped == 0);
    CHECK(f.hub.unacknowledged_telemetry() == 2);
    CHECK(seqs_of(telemetry_in(f.net.take_sent_packets())) == std::vector<std::string>{"3"});
  }
}

// A broker and a hub whose telemetry stream fills and empties at random,
// refusing what arrives while full and telling the device so (at most once a
// second, like hubd), with the connection cut now and then. With room in the
// offline buffer, once the hub has room again every seq the device sent is
// stored. With a small buffer, copies of refused messages may have to make
// room before the notice comes: such a loss is the hub's to count (and the
// SDK reports it when first_refused_seq itself is gone); what is stored is
// still only what was sent, and nothing else goes wrong.
TEST_CASE("random pauses, resumes and cut connections never lose a refused message") {
  const std::size_t small = reliability::OfflineBuffer::storage_size(24, 32);
  for (std::uint32_t seed = 1; seed <= 120; ++seed) {
    CAPTURE(seed);
    std::mt19937 random(seed);
    const unsigned variant = seed % 3;  // roomy; small drop_oldest; small refuse_newest
    HubFixture f("dev-1", 4096, variant == 0 ? 65536 : small,
                 variant == 2 ? reliability::OverflowPolicy::refuse_newest
                              : reliability::OverflowPolicy::drop_oldest);
    f.connect();
    f.hub.set_next_seq(1);
    struct Received {
      std::uint16_t packet_id;
      std::uint64_t seq;
    };
    std::deque<Received> received;     // by the broker, not yet acknowledged
    std::vector<std::string> notices;  // flow notices queued for the device
    std::set<std::uint64_t> sent, stored;
    bool hub_full = false;
    bool device_paused = false;                    // as the hub sees it
    std::uint64_t now_ms = 0, last_notice_ms = 0;  // the hub notifies at most every 1000 ms
    std::uint16_t notice_id = 1000;

    const auto collect = [&](const std::vector<Bytes>& packets) {
      for (const auto& message : telemetry_in(packets)) {
        received.push_back({message.packet_id, std::stoull(seq_of(message))});
      }
    };
    const auto process = [&] {
      REQUIRE(f.hub.process() == Status::ok);
      collect(f.net.take_sent_packets());
    };
    const auto acknowledge = [&](std::size_t count) {
      for (; count > 0 && !received.empty(); --count) {
        const Received message = received.front();
        received.pop_front();
        if (hub_full) {
          if (!device_paused || now_ms - last_notice_ms >= 1000) {
            notices.push_back(paused(message.seq));
            last_notice_ms = now_ms;
          }
          device_paused = true;
        } else {
          stored.insert(message.seq);
        }
        f.net.push(puback(message.packet_id));
      }
      process();
    };
    const auto deliver_notices = [&] {
      for (const auto& notice : notices) {
        f.net.push(publish_packet(kFlow, notice, mqtt::QoS::at_least_once, ++notice_id));
      }
      notices.clear();
      process();
    };

    for (int step = 0; step < 300; ++step) {
      f.clock.advance(100);
      now_ms += 100;
      const unsigned action = random() % 10;
      if (action < 4) {
        std::uint64_t seq = 0;
        const Status status = f.hub.send_telemetry("1", kNoTimestamp, &seq);
        if (status == Status::ok) {
          sent.insert(seq);
        } else {
          REQUIRE(status == Status::queue_full);
          REQUIRE(variant == 2);
        }
        collect(f.net.take_sent_packets());
      } else if (action < 6) {
        acknowledge(1 + random() % 4);
      } else if (action == 7) {
        if (hub_full && random() % 2 == 0) {
          hub_full = false;
          if (device_paused) notices.push_back(kResumed);
          device_paused = false;
        } else if (!hub_full && random() % 3 == 0) {
          hub_full = true;
        }
      } else if (action == 8 && random() % 3 == 0) {
        f.hub.connection_lost();
        received.clear();  // never reached the broker: the device sends them again
        collect(f.connect());
      }
      if (action == 6 || step % 5 == 0) deliver_notices();
    }

    // The hub has room again; everything drains.
    hub_full = false;
    if (device_paused) notices.push_back(kResumed);
    deliver_notices();
    for (int round = 0; round < 100 && !(received.empty() && f.hub.unacknowledged_telemetry() == 0);
         ++round) {
      acknowledge(received.size());
    }
    CHECK(f.hub.unacknowledged_telemetry() == 0);
    CHECK(f.hub.flow_state() == FlowState::resumed);
    std::set<std::uint64_t> expected = sent;
    for (const std::uint64_t seq : f.dropped) expected.erase(seq);
    // Stored: what was sent, except what the offline buffer reported dropped
    // (sent and dropped in flight may arrive all the same) or what a loss
    // report (on_problem, only with a small buffer) covers.
    std::size_t missing = 0;
    for (const std::uint64_t seq : sent) {
      const bool dropped = std::find(f.dropped.begin(), f.dropped.end(), seq) != f.dropped.end();
      if (stored.count(seq) == 0 && !dropped) ++missing;
    }
    for (const std::uint64_t seq : stored) CHECK(sent.count(seq) == 1);
    if (variant == 0) {
      CHECK(missing == 0);
      CHECK(f.problems.empty());
    } else {
      for (const auto& problem : f.problems) CHECK(problem.first == Status::queue_full);
    }
  }
}

TEST_CASE("parse_flow reads both notices and ignores other members") {
  FlowNotice notice;
  REQUIRE(parse_flow(paused(18446744073709551615ULL), &notice) == Status::ok);
  CHECK(notice.state == FlowState::paused);
  CHECK(notice.first_refused_seq == 18446744073709551615ULL);
  CHECK(notice.retry_after_ms == 1000);
  REQUIRE(parse_flow(R"({"stream":"x","state":"resumed","extra":{"a":[1]}})", &notice) ==
          Status::ok);
  CHECK(notice.state == FlowState::resumed);
  CHECK(notice.first_refused_seq == 0);
  CHECK(parse_flow("{}", nullptr) == Status::bad_parameter);
}
