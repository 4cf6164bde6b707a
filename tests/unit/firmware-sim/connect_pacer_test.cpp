// The fleet-wide connect ramp (--connect-rate).
#include "connect_pacer.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <thread>
#include <vector>

#include "option_values.h"

using namespace edgehub::sim;

TEST_CASE("attempts asked for at once are spread at the rate") {
  ConnectPacer pacer(500);  // one every 2 ms
  CHECK(pacer.claim(1'000'000) == 1'000'000);
  CHECK(pacer.claim(1'000'000) == 1'002'000);
  CHECK(pacer.claim(1'000'000) == 1'004'000);
}

TEST_CASE("an idle pacer does not save up slots for a burst") {
  ConnectPacer pacer(1000);
  CHECK(pacer.claim(0) == 0);
  CHECK(pacer.claim(5'000'000) == 5'000'000);
  CHECK(pacer.claim(5'000'000) == 5'001'000);
}

TEST_CASE("rate 0 lets every attempt go at once") {
  ConnectPacer pacer(0);
  CHECK(pacer.claim(7) == 7);
  CHECK(pacer.claim(7) == 7);
}

TEST_CASE("the schedule is shared by all worker threads: no slot is given twice") {
  ConnectPacer pacer(1'000'000);  // 1 us apart
  std::vector<std::vector<std::uint64_t>> claimed(4);
  std::vector<std::thread> threads;
  for (auto& mine : claimed) {
    threads.emplace_back([&pacer, &mine] {
      for (int i = 0; i < 1000; ++i) mine.push_back(pacer.claim(0));
    });
  }
  for (auto& thread : threads) thread.join();
  std::vector<std::uint64_t> all;
  for (const auto& mine : claimed) all.insert(all.end(), mine.begin(), mine.end());
  std::sort(all.begin(), all.end());
  REQUIRE(all.size() == 4000);
  for (std::size_t i = 0; i < all.size(); ++i) CHECK(all[i] == i);
}

TEST_CASE("--connect-rate accepts N/s or N") {
  CHECK(parse_rate_per_second("500/s") == 500U);
  CHECK(parse_rate_per_second("1000") == 1000U);
  CHECK(parse_rate_per_second("0") == 0U);
  CHECK_FALSE(parse_rate_per_second(""));
  CHECK_FALSE(parse_rate_per_second("/s"));
  CHECK_FALSE(parse_rate_per_second("-5/s"));
  CHECK_FALSE(parse_rate_per_second("5/m"));
  CHECK_FALSE(parse_rate_per_second("1.5"));
}
