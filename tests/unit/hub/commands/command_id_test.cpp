#include "commands/command_id.h"

#include <doctest/doctest.h>

#include <set>

#include "edgehub/protocol/payloads.h"

TEST_CASE("command ids are valid protocol ids and do not repeat") {
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) {
    const std::string id = edgehub::hub::random_command_id();
    CHECK(edgehub::protocol::is_valid_command_id(id));
    CHECK(id.rfind("c-", 0) == 0);
    CHECK(id.size() == 18);
    seen.insert(id);
  }
  CHECK(seen.size() == 1000);
}
