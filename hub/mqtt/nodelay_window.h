// When the hub's broker connection runs with TCP_NODELAY.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <functional>
#include <mutex>
#include <vector>

namespace edgehub::hub {

// Two kinds of traffic share hubd's connection to the broker, and they want
// opposite TCP settings:
// - what the hub publishes (commands, desired properties) must leave at
//   once: under Nagle's algorithm a PUBLISH waits for the broker's delayed
//   ACK of the previous segment, up to 40 ms (tests/perf/command_rtt.sh);
// - a stream of incoming telemetry is answered with one PUBACK per message:
//   with TCP_NODELAY each is a segment of its own, about 2.5 us more CPU per
//   message in hubd and as much in the broker (tests/perf/ingest.sh), while
//   Nagle's algorithm sends them in few segments and delays none of them
//   long while messages keep arriving (the broker's data carries the ACKs).
// So TCP_NODELAY is set from the moment the hub publishes until `hold` has
// passed without a publish, and cleared by the next incoming message after
// that. Setting TCP_NODELAY also sends at once whatever Nagle held back.
class NodelayWindow {
 public:
  using Clock = std::chrono::steady_clock;
  using SetNodelay = std::function<void(int socket, bool on)>;

  explicit NodelayWindow(std::chrono::milliseconds hold, SetNodelay set_nodelay);

  // A new connection's sockets (Nagle on, as every new socket), or none.
  void attach(std::vector<int> sockets);
  void detach() { attach({}); }

  // Around each publish: TCP_NODELAY before it is handed to the client, and
  // not cleared until `hold` after it has been acknowledged.
  void publishing();
  void published(Clock::time_point now);

  // On each incoming message (cheap while TCP_NODELAY is off).
  void receiving(Clock::time_point now);

  bool nodelay() const { return nodelay_.load(std::memory_order_relaxed); }

 private:
  void set_all(bool on);  // with mutex_ held

  const std::chrono::milliseconds hold_;
  const SetNodelay set_nodelay_;
  std::mutex mutex_;
  std::vector<int> sockets_;
  std::size_t publishes_in_progress_ = 0;
  Clock::time_point last_publish_{};
  std::atomic<bool> nodelay_{false};
};

}  // namespace edgehub::hub
