// When simulated devices go offline and come back.
#include "offline_plan.h"

#include <doctest/doctest.h>

#include <string>

#include "scripted_random.h"

using namespace edgehub::sim;
using edgehub::sim::test::ScriptedRandom;

TEST_CASE("without jitter every period is exactly as configured") {
  OfflinePlan plan{30'000, 5'000, 0, OfflineMode::drop};
  ScriptedRandom random{123, 456};
  CHECK(plan.enabled());
  CHECK(plan.draw_online_ms(random) == 30'000);
  CHECK(plan.draw_offline_ms(random) == 5'000);
}

TEST_CASE("with jitter each period is drawn within plus or minus the jitter") {
  OfflinePlan plan{30'000, 5'000, 2'000, OfflineMode::drop};
  ScriptedRandom random{0, 4'000, 0, 4'000};
  CHECK(plan.draw_online_ms(random) == 28'000);
  CHECK(plan.draw_online_ms(random) == 32'000);
  CHECK(plan.draw_offline_ms(random) == 3'000);
  CHECK(plan.draw_offline_ms(random) == 7'000);
}

TEST_CASE("devices drawing from their own random sources do not all drop in step") {
  OfflinePlan plan{10'000, 1'000, 3'000, OfflineMode::drop};
  SeededRandom first(1), second(2);
  bool differ = false;
  for (int i = 0; i < 5; ++i)
    differ = differ || plan.draw_online_ms(first) != plan.draw_online_ms(second);
  CHECK(differ);
}

TEST_CASE("a jitter larger than the period never gives a zero-length period") {
  OfflinePlan plan{100, 100, 1'000, OfflineMode::drop};
  ScriptedRandom random{0, 0};
  CHECK(plan.draw_online_ms(random) == 1);
  CHECK(plan.draw_offline_ms(random) == 1);
}

TEST_CASE("a plan without an online period never goes offline") {
  CHECK_FALSE(OfflinePlan{}.enabled());
}

TEST_CASE("offline modes by name") {
  OfflineMode mode = OfflineMode::drop;
  CHECK(parse_offline_mode("disconnect", &mode));
  CHECK(mode == OfflineMode::disconnect);
  CHECK(std::string(offline_mode_name(mode)) == "disconnect");
  CHECK(parse_offline_mode("drop", &mode));
  CHECK(mode == OfflineMode::drop);
  CHECK_FALSE(parse_offline_mode("Drop", &mode));
}
