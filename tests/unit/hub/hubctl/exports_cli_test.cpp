// hubctl exports add | list | show | pause | resume | remove against a fake
// hub (no network): the requests sent and what the operator reads.
#include "hubctl/exports_cli.h"

#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "fake_hub.h"

using namespace edgehub::hubctl;
using namespace edgehub::hubctl::testing;
using nlohmann::json;

namespace {

const char* kExport = R"json({"name": "up", "stream": "telemetry",
  "destination": {"type": "mqtt", "options": {"url": "mqtts://c:8883"}},
  "batch_size": 500, "linger_ms": 0, "paused": false, "on_retention": "keep",
  "state": "retrying", "position": 40, "lag_records": 60, "oldest_unexported_age_ms": 12500,
  "skipped_records": 3, "last_skipped_range": {"from": 0, "to": 3}, "sent": 37,
  "records_per_second": 12.4, "failures": 5, "failures_in_a_row": 2,
  "last_error": "cannot connect to mqtts://c:8883", "last_error_at_ms": 1000,
  "last_sent_at_ms": 900, "destination_description": "mqtts://c:8883 topic t (envelope)"
})json";

}  // namespace

TEST_CASE("exports add turns --option pairs into the destination's options") {
  FakeHub hub;
  hub.transport.answer(201, kExport);
  const Run run = hub.run({"--token",
                           "t",
                           "exports",
                           "add",
                           "up",
                           "--stream",
                           "telemetry",
                           "--type",
                           "mqtt",
                           "--option",
                           "url=mqtts://c:8883",
                           "--option",
                           "envelope=false",
                           "--option",
                           "ack_timeout_ms=5000",
                           "--batch-size",
                           "100",
                           "--on-retention",
                           "delete_oldest",
                           "--start",
                           "latest"});
  CHECK(run.exit_code == 0);
  REQUIRE(hub.transport.requests.size() == 1);
  CHECK(hub.transport.requests[0].method == "POST");
  CHECK(hub.transport.requests[0].path == "/api/v1/exports");
  CHECK(json::parse(*hub.transport.requests[0].json_body) ==
        json{{"name", "up"},
             {"stream", "telemetry"},
             {"destination",
              {{"type", "mqtt"},
               {"options",
                {{"url", "mqtts://c:8883"}, {"envelope", false}, {"ack_timeout_ms", 5000}}}}},
             {"paused", false},
             {"batch_size", 100},
             {"on_retention", "delete_oldest"},
             {"start", "latest"}});
  CHECK(run.out.find("export up added") != std::string::npos);
  // A malformed option is refused before anything is sent.
  CHECK(hub.run({"--token", "t", "exports", "add", "x", "--stream", "s", "--type", "mqtt",
                 "--option", "novalue"})
            .exit_code == 2);
  CHECK(hub.transport.requests.size() == 1);
}

TEST_CASE("exports list and show give position, lag, age, rate and the last error") {
  FakeHub hub;
  hub.transport.answer(200, std::string(R"({"exports": [)") + kExport + "]}");
  hub.transport.answer(200, kExport);
  const Run list = hub.run({"--token", "t", "exports", "list"});
  CHECK(list.exit_code == 0);
  CHECK(list.out.find("up") != std::string::npos);
  CHECK(list.out.find("retrying") != std::string::npos);
  CHECK(list.out.find("12 s") != std::string::npos);
  CHECK(list.out.find("12/s") != std::string::npos);
  const Run show = hub.run({"--token", "t", "exports", "show", "up"});
  CHECK(show.exit_code == 0);
  CHECK(hub.transport.requests.at(1).path == "/api/v1/exports/up");
  CHECK(show.out.find("position: 40") != std::string::npos);
  CHECK(show.out.find("lag: 60 records, oldest 12 s") != std::string::npos);
  CHECK(show.out.find("last error: cannot connect to mqtts://c:8883") != std::string::npos);
  CHECK(
      show.out.find("skipped: 3 records deleted by retention before sent (last: offsets 0 to 3)") !=
      std::string::npos);
}

TEST_CASE("exports pause, resume and remove call their routes") {
  FakeHub hub;
  hub.transport.answer(200, kExport);
  hub.transport.answer(200, kExport);
  hub.transport.answer(204, "");
  CHECK(hub.run({"--token", "t", "exports", "pause", "up"}).exit_code == 0);
  CHECK(hub.run({"--token", "t", "exports", "resume", "up"}).exit_code == 0);
  CHECK(hub.run({"--token", "t", "exports", "remove", "up"}).exit_code == 0);
  CHECK(hub.transport.requests.at(0).path == "/api/v1/exports/up/pause");
  CHECK(hub.transport.requests.at(1).path == "/api/v1/exports/up/resume");
  CHECK(hub.transport.requests.at(2).method == "DELETE");
  CHECK(hub.transport.requests.at(2).path == "/api/v1/exports/up");
}
