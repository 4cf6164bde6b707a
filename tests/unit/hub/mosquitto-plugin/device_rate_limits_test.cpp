#include "mosquitto-plugin/device_rate_limits.h"

#include <doctest/doctest.h>

using namespace edgehub::hub::mosquitto_auth;
using std::chrono::milliseconds;

namespace {

const SteadyTime kStart{std::chrono::seconds(1000)};

DeviceLimitSettings small_limits() {
  DeviceLimitSettings settings;
  settings.messages_per_second = 10;
  settings.message_burst = 20;
  settings.bytes_per_second = 1000;
  settings.byte_burst = 4000;
  settings.connects_per_minute = 3;
  return settings;
}

}  // namespace

TEST_CASE("a token bucket lets a burst through, then the rate, and refills while idle") {
  TokenBucket bucket(/*rate_per_second=*/10, /*burst=*/5, kStart);
  for (int i = 0; i < 5; ++i) CHECK(bucket.take(1, kStart));
  CHECK_FALSE(bucket.take(1, kStart));
  CHECK_FALSE(bucket.take(1, kStart + milliseconds(50)));  // half a token
  CHECK(bucket.take(1, kStart + milliseconds(100)));
  CHECK_FALSE(bucket.is_full(kStart + milliseconds(100)));
  CHECK(bucket.is_full(kStart + milliseconds(600)));
  CHECK(bucket.take(5, kStart + milliseconds(10000)));  // never above the burst
  CHECK_FALSE(bucket.take(1, kStart + milliseconds(10000)));
}

TEST_CASE("a cost over the whole burst passes from a full bucket and is paid back at the rate") {
  TokenBucket bucket(/*rate_per_second=*/100, /*burst=*/100, kStart);
  CHECK(bucket.take(300, kStart));                           // full: taken, owes 200
  CHECK_FALSE(bucket.take(1, kStart + milliseconds(2000)));  // back to 0
  CHECK(bucket.take(1, kStart + milliseconds(2020)));
  CHECK_FALSE(bucket.take(300, kStart + milliseconds(2500)));  // not full: refused
}

TEST_CASE("a device over its messages per second is limited after its burst; others are not") {
  DeviceRateLimits limits(small_limits());
  for (int i = 0; i < 20; ++i) REQUIRE_FALSE(limits.check_publish("flood", 1, false, kStart));
  const auto hit = limits.check_publish("flood", 1, false, kStart);
  REQUIRE(hit.has_value());
  CHECK(hit->limit == DeviceLimit::messages_per_second);
  CHECK(hit->reason == "over 10 messages/s (burst 20)");
  CHECK_FALSE(limits.check_publish("calm", 1, false, kStart).has_value());
  // The rate: one message per 100 ms again.
  CHECK_FALSE(limits.check_publish("flood", 1, false, kStart + milliseconds(100)).has_value());
  CHECK(limits.check_publish("flood", 1, false, kStart + milliseconds(100)).has_value());
}

TEST_CASE("a device over its bytes per second is limited with the byte limit named") {
  DeviceRateLimits limits(small_limits());
  CHECK_FALSE(limits.check_publish("d", 3000, false, kStart).has_value());
  const auto hit = limits.check_publish("d", 1500, false, kStart);
  REQUIRE(hit.has_value());
  CHECK(hit->limit == DeviceLimit::bytes_per_second);
  CHECK(hit->reason == "over 1000 payload bytes/s (burst 4000)");
  CHECK_FALSE(limits.check_publish("d", 1500, false, kStart + milliseconds(1000)).has_value());
}

TEST_CASE("a retained publish is refused whatever the rates, unless allowed") {
  DeviceRateLimits limits(small_limits());
  const auto hit = limits.check_publish("d", 1, true, kStart);
  REQUIRE(hit.has_value());
  CHECK(hit->limit == DeviceLimit::retained);
  DeviceLimitSettings allowing = small_limits();
  allowing.refuse_retained = false;
  DeviceRateLimits permissive(allowing);
  CHECK_FALSE(permissive.check_publish("d", 1, true, kStart).has_value());
}

TEST_CASE("connects per minute: a burst of the limit, then one per 60/limit seconds") {
  DeviceRateLimits limits(small_limits());
  for (int i = 0; i < 3; ++i) REQUIRE_FALSE(limits.check_connect("loop", kStart));
  const auto hit = limits.check_connect("loop", kStart);
  REQUIRE(hit.has_value());
  CHECK(hit->limit == DeviceLimit::connects_per_minute);
  CHECK(hit->reason == "over 3 connects/minute");
  CHECK(limits.check_connect("loop", kStart + milliseconds(19000)).has_value());
  CHECK_FALSE(limits.check_connect("loop", kStart + milliseconds(20000)).has_value());
  CHECK_FALSE(limits.check_connect("other", kStart).has_value());
}

TEST_CASE("zero turns a limit off") {
  DeviceLimitSettings off;
  off.messages_per_second = 0;
  off.bytes_per_second = 0;
  off.connects_per_minute = 0;
  DeviceRateLimits limits(off);
  for (int i = 0; i < 100000; ++i) REQUIRE_FALSE(limits.check_publish("d", 1 << 20, false, kStart));
  for (int i = 0; i < 1000; ++i) REQUIRE_FALSE(limits.check_connect("d", kStart));
  CHECK(limits.tracked_devices() == 0);
}

TEST_CASE("the defaults let a normal device through and stop a flood within seconds") {
  DeviceRateLimits limits{DeviceLimitSettings{}};
  // A chatty device: 50 messages of 1 KiB per second for ten minutes.
  for (int i = 0; i < 50 * 600; ++i) {
    REQUIRE_FALSE(limits.check_publish("normal", 1024, false, kStart + milliseconds(i * 20)));
  }
  // A store-and-forward backlog of 2,000 messages at once after a reconnect.
  for (int i = 0; i < 2000; ++i) {
    REQUIRE_FALSE(limits.check_publish("backlog", 200, false, kStart));
  }
  // A flood at 12,000 msg/s is stopped within its first second.
  int passed = 0;
  for (int i = 0; i < 12000; ++i) {
    if (limits.check_publish("flood", 100, false, kStart + std::chrono::microseconds(i * 83))) {
      break;
    }
    ++passed;
  }
  CHECK(passed < 12000);
  CHECK(passed >= 2000);
}

TEST_CASE("devices whose buckets refilled are forgotten") {
  DeviceRateLimits limits(small_limits());
  REQUIRE_FALSE(limits.check_publish("a", 1, false, kStart));
  REQUIRE_FALSE(limits.check_connect("b", kStart));
  CHECK(limits.tracked_devices() == 2);
  limits.forget_idle(kStart + milliseconds(100));
  CHECK(limits.tracked_devices() == 1);  // a's message is paid back; b's connect only after 20 s
  limits.forget_idle(kStart + milliseconds(20000));
  CHECK(limits.tracked_devices() == 0);
}
