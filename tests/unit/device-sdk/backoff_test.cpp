// Reconnect backoff: exponential ceilings, full jitter within them, a cap,
// never 0, and a schedule on the injected clock.
#include "edgehub/device/reliability/backoff.h"

#include <doctest/doctest.h>

#include <cstdint>
#include <set>
#include <vector>

#include "support/fake_transport.h"

using namespace edgehub::device;
using namespace edgehub::device::reliability;
using edgehub::device::testing::FakeClock;

namespace {

// Replays fixed numbers, so that the jitter's bounds can be hit exactly.
struct ScriptedRandom {
  std::vector<std::uint32_t> values;
  std::size_t next = 0;
  RandomSource source() {
    return RandomSource{this, [](void* context) {
                          auto* self = static_cast<ScriptedRandom*>(context);
                          return self->values[self->next++ % self->values.size()];
                        }};
  }
};

}  // namespace

TEST_CASE("backoff ceilings double from base up to the cap and stay there") {
  ScriptedRandom random{{0}};
  Backoff backoff(random.source(), 100, 1000);
  std::vector<std::uint32_t> ceilings;
  for (int i = 0; i < 6; ++i) {
    ceilings.push_back(backoff.ceiling_ms());
    (void)backoff.next_delay_ms();
  }
  CHECK(ceilings == std::vector<std::uint32_t>{100, 200, 400, 800, 1000, 1000});
}

TEST_CASE("full jitter draws from 1 to the ceiling inclusive, never 0") {
  ScriptedRandom lowest{{0}};
  Backoff low(lowest.source(), 100, 1000);
  CHECK(low.next_delay_ms() == 1);
  ScriptedRandom highest{{99}};  // 99 % 100 = 99 -> the ceiling itself
  Backoff high(highest.source(), 100, 1000);
  CHECK(high.next_delay_ms() == 100);
  ScriptedRandom largest{{0xFFFFFFFFU}};
  Backoff capped(largest.source(), 100, 1000);
  for (int i = 0; i < 40; ++i) {
    const std::uint32_t delay = capped.next_delay_ms();
    CHECK(delay >= 1);
    CHECK(delay <= 1000);
  }
}

TEST_CASE("devices with different random sources spread their reconnects") {
  std::set<std::uint32_t> delays;
  for (std::uint32_t device = 1; device <= 50; ++device) {
    Xorshift32 random(device * 2654435761U);
    Backoff backoff(random.source(), 1000, 60000);
    (void)backoff.next_delay_ms();
    (void)backoff.next_delay_ms();
    delays.insert(backoff.next_delay_ms());  // ceiling 4000 ms
  }
  CHECK(delays.size() > 40);
  CHECK(*delays.rbegin() <= 4000);
}

TEST_CASE("reset after a working connection starts from base again") {
  ScriptedRandom random{{0xFFFFFFFFU}};
  Backoff backoff(random.source(), 100, 10000);
  for (int i = 0; i < 5; ++i) (void)backoff.next_delay_ms();
  CHECK(backoff.ceiling_ms() == 3200);
  backoff.reset();
  CHECK(backoff.ceiling_ms() == 100);
  CHECK(backoff.next_delay_ms() <= 100);
}

TEST_CASE("huge attempt counts neither overflow nor exceed the cap") {
  ScriptedRandom random{{12345}};
  Backoff backoff(random.source(), 1, 0xFFFFFFFFU);
  for (int i = 0; i < 100; ++i) CHECK(backoff.next_delay_ms() >= 1);
  CHECK(backoff.ceiling_ms() == (1U << 20));
}

TEST_CASE("the reconnect schedule waits the drawn delay on the injected clock, across the wrap") {
  FakeClock clock(0xFFFFFF00U);
  ScriptedRandom random{{499}};  // 499 % 1000 + 1 = 500 ms
  ReconnectSchedule schedule(clock.clock(), Backoff(random.source(), 1000, 8000));
  CHECK(schedule.attempt_due());
  CHECK(schedule.failed() == 500);
  CHECK_FALSE(schedule.attempt_due());
  clock.advance(499);
  CHECK(schedule.ms_until_attempt() == 1);
  clock.advance(1);
  CHECK(schedule.attempt_due());
  schedule.connected();
  CHECK(schedule.backoff().ceiling_ms() == 1000);
}
