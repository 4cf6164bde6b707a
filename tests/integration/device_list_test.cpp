// The device list in pages (issue 17) against a real hubd: paging through
// gives every device exactly once, --state connected only the devices that
// are connected (firmware-sim's), through the REST API and through hubctl;
// and the API's own description, served without a token (issue 14).
#include <doctest/doctest.h>

#include <map>
#include <set>
#include <string>
#include <vector>

#include "support/firmware_sim.h"
#include "support/hub_under_test.h"
#include "support/wait_until.h"

using namespace edgehub::itest;
using namespace std::chrono_literals;
using nlohmann::json;

namespace {

// GET /api/v1/devices page after page from the first: the ids, and how many
// pages it took.
std::vector<std::string> walk_rest(const HubUnderTest& hub, const std::string& query, int& pages) {
  std::vector<std::string> ids;
  std::string after;
  pages = 0;
  for (;;) {
    const HttpReply page =
        hub.get("/api/v1/devices?" + query + (after.empty() ? "" : "&after=" + after));
    INFO(page.describe());
    REQUIRE(page.status == 200);
    ++pages;
    for (const json& device : page.json.at("devices")) ids.push_back(device.at("id"));
    if (!page.json.contains("next_after")) return ids;
    after = page.json.at("next_after").get<std::string>();
    REQUIRE(after == ids.back());
    REQUIRE(pages < 100);
  }
}

// hubctl devices list --json <arguments>: the ids it printed.
std::vector<std::string> hubctl_ids(const HubUnderTest& hub, std::vector<std::string> arguments) {
  arguments.insert(arguments.begin(), {"--json", "devices", "list"});
  const CommandResult listed = hub.hubctl(arguments);
  INFO(listed.describe());
  REQUIRE(listed.exited_with(0));
  const json answer = json::parse(listed.out);  // kept: the loop reads into it
  std::vector<std::string> ids;
  for (const json& device : answer.at("devices")) ids.push_back(device.at("id"));
  return ids;
}

// "a,b,c": what a failed comparison shows.
std::string joined(const std::vector<std::string>& ids) {
  std::string text;
  for (const std::string& id : ids) text += (text.empty() ? "" : ",") + id;
  return text;
}

std::map<std::string, int> counted(const std::vector<std::string>& ids) {
  std::map<std::string, int> counts;
  for (const std::string& id : ids) ++counts[id];
  return counts;
}

}  // namespace

TEST_CASE("the device list pages through every device once and filters by connection state") {
  HubUnderTest hub({.name = "device-list"});
  // Four devices that connect (firmware-sim registers them), four that never do.
  SimulatorOptions simulated;
  simulated.devices = 4;
  simulated.id_prefix = "live-";
  simulated.interval_ms = 1000;
  const std::vector<std::string> live = simulator_device_ids(simulated);
  const std::vector<std::string> idle{"idle-1", "idle-2", "idle-3", "idle-4"};
  for (const std::string& id : idle) hub.register_device(id);
  Process simulator = start_firmware_sim(hub, simulated);
  REQUIRE_MESSAGE(
      wait_until(
          [&] {
            for (const std::string& id : live) {
              const HttpReply device = hub.get("/api/v1/devices/" + id);
              if (device.status != 200 || device.json.value("connection", "") != "connected") {
                return false;
              }
            }
            return true;
          },
          30s, 100ms),
      "the simulated devices never all connected\n"
          << hub.log_tails());

  // Everything in one answer (the default page holds 500) is the truth the
  // pages are compared with: our 8 devices and the hub's own identity.
  const HttpReply whole = hub.get("/api/v1/devices");
  REQUIRE(whole.status == 200);
  CHECK_FALSE(whole.json.contains("next_after"));
  std::vector<std::string> every;
  std::vector<std::string> connected;  // the live ones, and hubd's own if presence shows it
  for (const json& device : whole.json.at("devices")) {
    every.push_back(device.at("id"));
    if (device.value("connection", "") == "connected") connected.push_back(device.at("id"));
  }
  for (const std::string& id : live) CHECK(counted(connected)[id] == 1);
  for (const std::string& id : idle) CHECK(counted(connected).count(id) == 0);
  for (const std::string& id : live) CHECK(counted(every)[id] == 1);
  for (const std::string& id : idle) CHECK(counted(every)[id] == 1);
  REQUIRE(every.size() >= 8);

  {  // REST: pages of 3 give every device exactly once, in id order
    int pages = 0;
    const auto walked = walk_rest(hub, "limit=3", pages);
    CHECK(pages == static_cast<int>((every.size() + 2) / 3));
    CHECK(pages >= 3);
    CHECK(joined(walked) == joined(every));
  }

  {  // REST: state=connected gives only the connected devices, across pages
    int pages = 0;
    CHECK(joined(walk_rest(hub, "limit=3&state=connected", pages)) == joined(connected));
    CHECK(pages == static_cast<int>((connected.size() + 2) / 3));
    const auto offline = walk_rest(hub, "limit=3&state=offline", pages);
    for (const std::string& id : idle) CHECK(counted(offline)[id] == 1);
    for (const std::string& id : live) CHECK(counted(offline).count(id) == 0);
  }

  {  // REST: malformed parameters are a 400 that names them
    const HttpReply zero = hub.get("/api/v1/devices?limit=0");
    CHECK(zero.status == 400);
    CHECK(zero.json["error"]["message"].get<std::string>().find("'limit' must be 1-5000") !=
          std::string::npos);
    const HttpReply online = hub.get("/api/v1/devices?state=online");
    CHECK(online.status == 400);
    CHECK(online.json["error"]["message"].get<std::string>().find("'state'") != std::string::npos);
  }

  {  // hubctl: every device by default, one page with --limit, --state connected
    CHECK(joined(hubctl_ids(hub, {})) == joined(every));
    // Page by page with --limit and --after, as the hint on stderr says.
    std::vector<std::string> walked;
    std::string after;
    int pages = 0;
    for (;;) {
      std::vector<std::string> arguments{"--limit", "3"};
      if (!after.empty()) arguments.insert(arguments.end(), {"--after", after});
      const CommandResult page = hub.hubctl([&] {
        std::vector<std::string> full{"--json", "devices", "list"};
        full.insert(full.end(), arguments.begin(), arguments.end());
        return full;
      }());
      INFO(page.describe());
      REQUIRE(page.exited_with(0));
      const json answer = json::parse(page.out);
      for (const json& device : answer.at("devices")) walked.push_back(device.at("id"));
      ++pages;
      if (!answer.contains("next_after")) break;
      after = answer.at("next_after").get<std::string>();
      REQUIRE(pages < 100);
    }
    CHECK(joined(walked) == joined(every));
    CHECK(pages >= 3);

    CHECK(joined(hubctl_ids(hub, {"--state", "connected"})) == joined(connected));
    const CommandResult text = hub.hubctl({"devices", "list", "--limit", "2"});
    REQUIRE(text.exited_with(0));
    CHECK(text.err.find("more devices follow: hubctl devices list --limit 2 --after ") !=
          std::string::npos);

    hub.hubctl({"devices", "disable", "idle-2"});
    CHECK(joined(hubctl_ids(hub, {"--state", "disabled"})) == "idle-2");
  }

  simulator.stop();
}

TEST_CASE("hubd serves its OpenAPI description without a token") {
  HubUnderTest hub({.name = "openapi"});
  const HttpReply served = hub.call("GET", "/api/v1/openapi.json", "");
  INFO(served.describe());
  REQUIRE(served.status == 200);
  CHECK(served.json.value("openapi", "").rfind("3.", 0) == 0);
  CHECK(served.json["paths"].contains("/api/v1/devices"));
  CHECK(served.json["paths"]["/api/v1/devices"]["get"]["x-required-role"] == "viewer");
  // Everything else still needs the token.
  CHECK(hub.call("GET", "/api/v1/devices", "").status == 401);
}
