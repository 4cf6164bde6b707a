// The ids of recently answered commands: bounded, oldest forgotten first.
#include "command_memory.h"

#include <doctest/doctest.h>

using namespace edgehub::sim;

TEST_CASE("an answered id is remembered with its answer") {
  CommandMemory memory(4);
  CHECK_FALSE(memory.lookup("c-1"));
  memory.remember("c-1", {404, R"({"error":"unknown command"})"});
  CommandAnswer answer;
  CHECK(memory.lookup("c-1", &answer));
  CHECK(answer == CommandAnswer{404, R"({"error":"unknown command"})"});
  CHECK(memory.size() == 1);
}

TEST_CASE("the memory is bounded: the oldest ids are forgotten first") {
  CommandMemory memory(3);
  for (const char* id : {"a", "b", "c", "d"}) memory.remember(id, {});
  CHECK(memory.size() == 3);
  CHECK_FALSE(memory.lookup("a"));
  CHECK(memory.lookup("b"));
  CHECK(memory.lookup("d"));
}

TEST_CASE("remembering an id again replaces its answer and takes no more room") {
  CommandMemory memory(2);
  memory.remember("a", {200, "1"});
  memory.remember("a", {500, "2"});
  CommandAnswer answer;
  REQUIRE(memory.lookup("a", &answer));
  CHECK(answer == CommandAnswer{500, "2"});
  CHECK(memory.size() == 1);
}

TEST_CASE("the protocol's minimum of the last 16 ids is met by the default capacity") {
  CommandMemory memory;
  for (int i = 0; i < 100; ++i) memory.remember("c-" + std::to_string(i), {});
  CHECK(memory.capacity() >= 16);
  for (int i = 84; i < 100; ++i) CHECK(memory.lookup("c-" + std::to_string(i)));
  CHECK_FALSE(memory.lookup("c-0"));
}
