// The per-device random generator (small state, reproducible per seed).
#include "random_source.h"

#include <doctest/doctest.h>

#include <set>

using namespace edgehub::sim;

TEST_CASE("one seed gives one sequence, another seed another") {
  SeededRandom first(42), again(42), other(43);
  std::set<std::uint64_t> seen;
  for (int i = 0; i < 1000; ++i) {
    const std::uint64_t value = first.next();
    CHECK(value == again.next());
    CHECK(value != other.next());
    seen.insert(value);
  }
  CHECK(seen.size() == 1000);  // no short cycle
}

TEST_CASE("its state is a few words, not a Mersenne twister's 5 kB") {
  CHECK(sizeof(SeededRandom) <= 48);
}

TEST_CASE("draws spread over a range: every value of a small range comes up") {
  SeededRandom random(7);
  std::set<std::uint64_t> seen;
  for (int i = 0; i < 500; ++i) seen.insert(uniform_between(random, 10, 19));
  CHECK(seen.size() == 10);
  CHECK(*seen.begin() == 10);
  CHECK(*seen.rbegin() == 19);
}
