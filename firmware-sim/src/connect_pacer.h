// The fleet's connect ramp (--connect-rate): every connection attempt of
// every device, first connects and reconnects alike, takes the next free slot
// of one schedule shared by all worker threads, so N devices start over
// N / rate seconds whatever the number of workers, and a reconnect storm after
// a broker restart arrives at the broker at that rate too.
#pragma once

#include <atomic>
#include <cstdint>

namespace edgehub::sim {

class ConnectPacer {
 public:
  // per_second 0: no limit, every attempt may go at once.
  explicit ConnectPacer(std::uint32_t per_second) noexcept { set_rate(per_second); }

  // A new rate from now on (scenario phases: ramp, reconnect_storm).
  void set_rate(std::uint32_t per_second) noexcept {
    interval_us_.store(per_second == 0 ? 0 : 1'000'000 / per_second, std::memory_order_relaxed);
  }

  // When (steady clock, microseconds) an attempt asked for at now_us may
  // start: now_us, or the next free slot after the attempts already given.
  // Thread-safe, lock-free.
  std::uint64_t claim(std::uint64_t now_us) noexcept;

 private:
  std::atomic<std::uint64_t> interval_us_{0};
  std::atomic<std::uint64_t> next_free_us_{0};
};

}  // namespace edgehub::sim
