// A HubClient over the in-memory transport and clock, with its buffers, an
// offline buffer in memory, and the callbacks recorded.
#pragma once

#include <doctest/doctest.h>

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "edgehub/device/hub/hub_client.h"
#include "edgehub/device/reliability/memory_storage.h"
#include "support/broker_packets.h"
#include "support/fake_transport.h"

namespace edgehub::device::testing {

using namespace edgehub::device::hub;

constexpr const char* kCommands = "devices/dev-1/commands";
constexpr const char* kResponses = "devices/dev-1/responses";
constexpr const char* kTelemetry = "devices/dev-1/telemetry";
constexpr const char* kFlow = "devices/dev-1/flow";
constexpr const char* kDesired = "devices/dev-1/desired";
constexpr const char* kReported = "devices/dev-1/reported";
// The hub client subscribes to commands, flow and desired in one SUBSCRIBE
// (desired only with twins: on_desired set, as HubFixture does by default).
constexpr std::size_t kHubSubscriptions = 3;
constexpr std::size_t kHubSubscriptionsWithoutTwins = 2;

// The telemetry PUBLISHes among packets the device sent, and their seqs.
inline std::vector<SentPublish> telemetry_in(const std::vector<Bytes>& packets) {
  std::vector<SentPublish> out;
  for (const auto& packet : packets) {
    SentPublish publish = decode_sent_publish(packet);
    if (publish.topic == kTelemetry) out.push_back(publish);
  }
  return out;
}

inline std::string seq_of(const SentPublish& publish) {
  const auto start = publish.payload.find("\"seq\":") + 6;
  return publish.payload.substr(start, publish.payload.find(',', start) - start);
}

inline std::vector<std::string> seqs_of(const std::vector<SentPublish>& publishes) {
  std::vector<std::string> out;
  for (const auto& publish : publishes) out.push_back(seq_of(publish));
  return out;
}

class HubFixture {
 public:
  explicit HubFixture(std::string device_id = "dev-1", std::size_t send_capacity = 512,
                      std::size_t offline_capacity = 4096,
                      reliability::OverflowPolicy policy = reliability::OverflowPolicy::drop_oldest,
                      std::size_t report_capacity = 256, bool twins = true)
      : twins_(twins),
        send_(send_capacity),
        receive_(512),
        telemetry_(256),
        response_(256),
        report_(report_capacity),
        offline_storage(offline_capacity),
        offline(reliability::memory_storage(offline_storage.data(), offline_storage.size()),
                policy),
        hub(device_id, net.transport(), clock.clock(), buffers(), callbacks()) {}

  HubClientBuffers buffers() {
    HubClientBuffers buffers;
    buffers.mqtt =
        mqtt::ClientBuffers{send_.data(), send_.size(), receive_.data(), receive_.size()};
    buffers.telemetry = telemetry_.data();
    buffers.telemetry_capacity = telemetry_.size();
    buffers.response = response_.data();
    buffers.response_capacity = response_.size();
    (void)offline.open();
    buffers.offline = &offline;
    buffers.report = report_.empty() ? nullptr : report_.data();
    buffers.report_capacity = report_.size();
    return buffers;
  }

  HubCallbacks callbacks() {
    HubCallbacks callbacks;
    callbacks.context = this;
    callbacks.on_telemetry_acknowledged = [](void* context, std::uint64_t seq) {
      static_cast<HubFixture*>(context)->acknowledged.push_back(seq);
    };
    callbacks.on_set_interval = [](void* context, std::uint32_t interval_ms) {
      static_cast<HubFixture*>(context)->intervals.push_back(interval_ms);
    };
    callbacks.on_telemetry_dropped = [](void* context, std::uint64_t seq) {
      static_cast<HubFixture*>(context)->dropped.push_back(seq);
    };
    callbacks.on_problem = [](void* context, Status status, const char* what) {
      static_cast<HubFixture*>(context)->problems.push_back({status, what});
    };
    if (twins_) {
      callbacks.on_desired = [](void* context, std::uint64_t version, std::string_view document) {
        auto* self = static_cast<HubFixture*>(context);
        self->desired.push_back({version, std::string(document)});
        if (self->report_from_on_desired) {
          self->report_status = self->hub.report_properties(document, version, nullptr);
        }
      };
    }
    callbacks.on_flow = [](void* context, const FlowNotice& notice) {
      static_cast<HubFixture*>(context)->flow.push_back(notice);
    };
    return callbacks;
  }

  // CONNECT/CONNACK with default options; returns the packet id of the
  // SUBSCRIBE the hub sent then (pushing its SUBACK is the test's part).
  std::uint16_t connect_until_subscribe() {
    REQUIRE(hub.connect(HubConnectOptions{}) == Status::ok);
    net.push(connack());
    REQUIRE(hub.process() == Status::ok);
    const auto sent = net.take_sent_packets();
    REQUIRE(!sent.empty());
    REQUIRE(type_of(sent.back()) == mqtt::PacketType::subscribe);
    return static_cast<std::uint16_t>((sent.back().at(2) << 8) | sent.back().at(3));
  }

  // CONNECT/CONNACK, SUBSCRIBE/SUBACK; afterwards the hub is ready. Returns
  // what else the device sent meanwhile (stored telemetry going out).
  std::vector<Bytes> connect(bool clean_session = false) {
    HubConnectOptions options;
    options.clean_session = clean_session;
    REQUIRE(hub.connect(options) == Status::ok);
    net.push(connack(!clean_session));
    REQUIRE(hub.process() == Status::ok);
    REQUIRE(hub.state() == HubState::subscribing);
    auto sent = net.take_sent_packets();
    REQUIRE(sent.size() >= 2);
    CHECK(type_of(sent[0]) == mqtt::PacketType::connect);
    REQUIRE(type_of(sent[1]) == mqtt::PacketType::subscribe);
    const std::uint16_t subscribe_id =
        static_cast<std::uint16_t>((sent[1].at(2) << 8) | sent[1].at(3));
    net.push(suback_for(subscribe_id, twins_ ? kHubSubscriptions : kHubSubscriptionsWithoutTwins));
    REQUIRE(hub.process() == Status::ok);
    REQUIRE(hub.state() == HubState::ready);
    std::vector<Bytes> others(sent.begin() + 2, sent.end());
    for (auto& packet : net.take_sent_packets()) others.push_back(packet);
    return others;
  }

  // Delivers a command and returns the response the device published.
  SentPublish command(const std::string& json, std::uint16_t packet_id = 50) {
    net.push(publish_packet(kCommands, json, mqtt::QoS::at_least_once, packet_id));
    REQUIRE(hub.process() == Status::ok);
    const auto sent = net.take_sent_packets();
    SentPublish response;
    bool command_acknowledged = false;
    for (const auto& packet : sent) {
      if (type_of(packet) == mqtt::PacketType::publish) response = decode_sent_publish(packet);
      if (decode_sent_puback(packet) == packet_id) command_acknowledged = true;
    }
    CHECK(command_acknowledged);
    return response;
  }

  FakeTransport net;
  FakeClock clock;

 private:
  bool twins_;  // on_desired set
  std::vector<std::uint8_t> send_;
  std::vector<std::uint8_t> receive_;
  std::vector<char> telemetry_;
  std::vector<char> response_;
  std::vector<char> report_;

 public:
  std::vector<std::uint8_t> offline_storage;
  reliability::OfflineBuffer offline;
  HubClient hub;
  std::vector<std::uint64_t> dropped;
  std::vector<std::uint64_t> acknowledged;
  std::vector<std::uint32_t> intervals;
  std::vector<std::pair<Status, std::string>> problems;
  std::vector<std::pair<std::uint64_t, std::string>> desired;
  std::vector<FlowNotice> flow;
  bool report_from_on_desired = false;
  Status report_status = Status::ok;
};

}  // namespace edgehub::device::testing
