// In-memory transport and clock for SDK tests: the test plays the broker,
// pushing bytes in and reading what the client sent, and can make the
// transport slow (a few bytes per call), blocked (0) or broken (-1).
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <limits>
#include <string>
#include <vector>

#include "edgehub/device/clock.h"
#include "edgehub/device/mqtt/deserializer.h"
#include "edgehub/device/transport.h"

namespace edgehub::device::testing {

using Bytes = std::vector<std::uint8_t>;

class FakeTransport {
 public:
  std::deque<std::uint8_t> inbound;  // what the broker sent, not yet read
  Bytes outbound;                    // everything the client sent

  std::size_t max_recv_per_call = std::numeric_limits<std::size_t>::max();
  std::size_t max_send_per_call = std::numeric_limits<std::size_t>::max();
  // Bytes send() still accepts before it returns 0 (a full socket).
  std::size_t send_budget = std::numeric_limits<std::size_t>::max();
  bool fail_send = false;
  bool fail_recv = false;
  // The peer closed: once inbound is drained, recv() returns -1.
  bool closed_after_inbound = false;
  int recv_calls = 0;

  Transport transport() {
    Transport transport;
    transport.context = this;
    transport.send = &FakeTransport::send;
    transport.recv = &FakeTransport::recv;
    return transport;
  }

  void push(const Bytes& bytes) { inbound.insert(inbound.end(), bytes.begin(), bytes.end()); }

  // Splits what was sent since the last call into whole packets.
  std::vector<Bytes> take_sent_packets() {
    std::vector<Bytes> packets;
    std::size_t at = 0;
    while (at < outbound.size()) {
      mqtt::Packet packet;
      std::size_t used = 0;
      if (mqtt::decode_packet(outbound.data() + at, outbound.size() - at, &packet, &used) !=
          Status::ok) {
        break;  // an incomplete packet stays for the next call
      }
      packets.emplace_back(outbound.begin() + static_cast<std::ptrdiff_t>(at),
                           outbound.begin() + static_cast<std::ptrdiff_t>(at + used));
      at += used;
    }
    outbound.erase(outbound.begin(), outbound.begin() + static_cast<std::ptrdiff_t>(at));
    return packets;
  }

 private:
  static std::int32_t send(void* context, const std::uint8_t* data, std::size_t length) {
    auto* self = static_cast<FakeTransport*>(context);
    if (self->fail_send) return -1;
    std::size_t count = std::min({length, self->max_send_per_call, self->send_budget});
    self->outbound.insert(self->outbound.end(), data, data + count);
    if (self->send_budget != std::numeric_limits<std::size_t>::max()) self->send_budget -= count;
    return static_cast<std::int32_t>(count);
  }

  static std::int32_t recv(void* context, std::uint8_t* buffer, std::size_t capacity) {
    auto* self = static_cast<FakeTransport*>(context);
    ++self->recv_calls;
    if (self->fail_recv) return -1;
    if (self->inbound.empty()) return self->closed_after_inbound ? -1 : 0;
    std::size_t count = std::min({capacity, self->max_recv_per_call, self->inbound.size()});
    for (std::size_t i = 0; i < count; ++i) {
      buffer[i] = self->inbound.front();
      self->inbound.pop_front();
    }
    return static_cast<std::int32_t>(count);
  }
};

class FakeClock {
 public:
  explicit FakeClock(std::uint32_t start_ms = 1000) : now_(start_ms) {}
  Clock clock() {
    Clock clock;
    clock.context = this;
    clock.now_ms = [](void* context) { return static_cast<FakeClock*>(context)->now_; };
    return clock;
  }
  void advance(std::uint32_t ms) { now_ += ms; }  // wraps like a real counter
  std::uint32_t now() const { return now_; }

 private:
  std::uint32_t now_;
};

inline std::string text_of(const Bytes& bytes) { return std::string(bytes.begin(), bytes.end()); }

}  // namespace edgehub::device::testing
