// hubctl devices list over the paged device list (hub/hubctl/device_listing.h):
// every page by default, one page with --limit, the state filter.
#include "hubctl/device_listing.h"

#include <doctest/doctest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "fake_hub.h"

using namespace edgehub::hubctl;
using namespace edgehub::hubctl::testing;

namespace {
std::string device(const std::string& id) {
  return R"({"id": ")" + id +
         R"(", "role": "device", "status": "enabled", "certificate_sha256": "ab", )"
         R"("created_at_ms": 0, "attributes": {}, "connection": "connected", "last_seen_ms": 0})";
}
}  // namespace

TEST_CASE("devices list walks every page and shows the whole fleet") {
  FakeHub hub;
  hub.transport.answer(
      200, R"({"devices": [)" + device("a") + "," + device("b") + R"(], "next_after": "b"})");
  hub.transport.answer(200, R"({"devices": [)" + device("c") + "]}");
  const Run run = hub.run({"--token", "t", "devices", "list"});
  CHECK(run.exit_code == 0);
  REQUIRE(hub.transport.requests.size() == 2);
  CHECK(hub.transport.requests[0].path == "/api/v1/devices?limit=500");
  CHECK(hub.transport.requests[1].path == "/api/v1/devices?limit=500&after=b");
  CHECK(run.out.find("\na ") != std::string::npos);
  CHECK(run.out.find("\nb ") != std::string::npos);
  CHECK(run.out.find("\nc ") != std::string::npos);
  CHECK(run.err.empty());
}

TEST_CASE("devices list --json of a walk is one devices array without next_after") {
  FakeHub hub;
  hub.transport.answer(200, R"({"devices": [)" + device("a") + R"(], "next_after": "a"})");
  hub.transport.answer(200, R"({"devices": [)" + device("b") + "]}");
  const Run run = hub.run({"--token", "t", "--json", "devices", "list", "--state", "connected"});
  CHECK(run.exit_code == 0);
  CHECK(hub.transport.requests[0].path == "/api/v1/devices?limit=500&state=connected");
  CHECK(hub.transport.requests[1].path == "/api/v1/devices?limit=500&after=a&state=connected");
  const auto printed = nlohmann::json::parse(run.out);
  REQUIRE(printed["devices"].size() == 2);
  CHECK(printed["devices"][1]["id"] == "b");
  CHECK_FALSE(printed.contains("next_after"));
}

TEST_CASE("devices list --limit gives one page and says on stderr how to get the next") {
  FakeHub hub;
  hub.transport.answer(
      200, R"({"devices": [)" + device("m") + "," + device("n") + R"(], "next_after": "n"})");
  const Run run = hub.run(
      {"--token", "t", "devices", "list", "--limit", "2", "--after", "l", "--state", "offline"});
  CHECK(run.exit_code == 0);
  REQUIRE(hub.transport.requests.size() == 1);
  CHECK(hub.transport.requests[0].path == "/api/v1/devices?limit=2&after=l&state=offline");
  CHECK(run.out.find("\nn ") != std::string::npos);
  CHECK(run.err ==
        "more devices follow: hubctl devices list --limit 2 --after n --state offline\n");
}

TEST_CASE("devices list with a state that nothing is in says so") {
  FakeHub hub;
  hub.transport.answer(200, R"({"devices": []})");
  const Run run = hub.run({"--token", "t", "devices", "list", "--state", "disabled"});
  CHECK(run.exit_code == 0);
  CHECK(run.out == "no disabled devices\n");
}

TEST_CASE("devices list refuses a state or limit the hub does not know, sending nothing") {
  FakeHub hub;
  CHECK(hub.run({"--token", "t", "devices", "list", "--state", "online"}).exit_code == 2);
  CHECK(hub.run({"--token", "t", "devices", "list", "--limit", "0"}).exit_code == 2);
  CHECK(hub.run({"--token", "t", "devices", "list", "--limit", "5001"}).exit_code == 2);
  CHECK(hub.transport.requests.empty());
}

TEST_CASE("devices list stops at a next_after that does not move forward") {
  FakeHub hub;
  hub.transport.answer(200, R"({"devices": [)" + device("b") + R"(], "next_after": "b"})");
  hub.transport.answer(200, R"({"devices": [], "next_after": "a"})");
  const Run run = hub.run({"--token", "t", "devices", "list"});
  CHECK(run.exit_code != 0);
  CHECK(hub.transport.requests.size() == 2);
  CHECK(run.err.find("does not move forward") != std::string::npos);
}
