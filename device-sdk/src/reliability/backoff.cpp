#include "edgehub/device/reliability/backoff.h"

namespace edgehub::device::reliability {
namespace {

// 2^20 * base exceeds any useful cap; stopping there keeps the shift defined.
constexpr std::uint32_t kMaxDoublings = 20;

}  // namespace

Backoff::Backoff(const RandomSource& random, std::uint32_t base_ms, std::uint32_t cap_ms) noexcept
    : random_(random),
      base_ms_(base_ms == 0 ? 1 : base_ms),
      cap_ms_(cap_ms < base_ms_ ? base_ms_ : cap_ms) {}

std::uint32_t Backoff::ceiling_ms() const noexcept {
  const std::uint64_t ceiling = static_cast<std::uint64_t>(base_ms_) << attempt_;
  return ceiling > cap_ms_ ? cap_ms_ : static_cast<std::uint32_t>(ceiling);
}

std::uint32_t Backoff::next_delay_ms() noexcept {
  const std::uint32_t ceiling = ceiling_ms();
  if (attempt_ < kMaxDoublings) ++attempt_;
  const std::uint32_t draw = random_.next != nullptr ? random_.next(random_.context) : ceiling;
  return 1 + draw % ceiling;  // [1, ceiling]
}

std::uint32_t ReconnectSchedule::failed() noexcept {
  failed_at_ms_ = clock_.now_ms(clock_.context);
  delay_ms_ = backoff_.next_delay_ms();
  return delay_ms_;
}

void ReconnectSchedule::connected() noexcept {
  backoff_.reset();
  delay_ms_ = 0;
}

std::uint32_t ReconnectSchedule::ms_until_attempt() const noexcept {
  const std::uint32_t waited = elapsed_ms(failed_at_ms_, clock_.now_ms(clock_.context));
  return waited >= delay_ms_ ? 0 : delay_ms_ - waited;
}

}  // namespace edgehub::device::reliability
