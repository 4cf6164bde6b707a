// hubctl streams create | config | read --group/--from-time | tail | commit | groups,
// against a fake hub (no network).
#include "hubctl/streams_cli.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "fake_transport.h"
#include "hubctl/cli.h"

using namespace edgehub::hubctl;
using nlohmann::json;
using testing::FakeTransport;

namespace {

struct Run {
  int exit_code = -1;
  std::string out;
  std::string err;
};

struct FakeHub {
  FakeTransport transport;

  Run run(const std::vector<std::string>& arguments) {
    CliEnvironment environment;
    environment.variable = [](const std::string&) -> std::optional<std::string> {
      return std::nullopt;
    };
    environment.make_transport = [this](const std::string&, const std::string&) {
      return std::unique_ptr<HttpTransport>(new Forwarding(transport));
    };
    std::vector<std::string> full{"--token", "t"};
    full.insert(full.end(), arguments.begin(), arguments.end());
    std::ostringstream out;
    std::ostringstream err;
    Run result;
    result.exit_code = run_cli(full, environment, out, err);
    result.out = out.str();
    result.err = err.str();
    return result;
  }

  struct Forwarding final : HttpTransport {
    explicit Forwarding(FakeTransport& target) : target_(target) {}
    TransportResult send(const HttpRequest& request) override { return target_.send(request); }
    FakeTransport& target_;
  };
};

const char* kStream = R"({"name": "alerts", "first_offset": 0, "next_offset": 0,
  "record_count": 0, "total_bytes": 0, "rejected": 0,
  "retention": {"max_age_ms": 604800000, "max_bytes": null, "max_records": 10,
                "when_full": "reject"}})";

}  // namespace

TEST_CASE("streams create sends the limits as the API's fields") {
  FakeHub hub;
  hub.transport.answer(201, kStream);
  const Run run = hub.run({"streams", "create", "alerts", "--max-age", "7d", "--max-records", "10",
                           "--when-full", "reject"});
  CHECK(run.exit_code == 0);
  REQUIRE(hub.transport.requests.size() == 1);
  CHECK(hub.transport.requests[0].method == "POST");
  CHECK(json::parse(*hub.transport.requests[0].json_body) == json{{"name", "alerts"},
                                                                  {"max_age_ms", 604800000},
                                                                  {"max_records", 10},
                                                                  {"when_full", "reject"}});
  CHECK(run.out.find("max_records=10 when_full=reject") != std::string::npos);
}

TEST_CASE("streams config removes a limit with none and refuses bad values locally") {
  FakeHub hub;
  hub.transport.answer(200, kStream);
  const Run run = hub.run({"streams", "config", "telemetry", "--max-bytes", "none"});
  CHECK(run.exit_code == 0);
  CHECK(hub.transport.requests.at(0).method == "PATCH");
  CHECK(hub.transport.requests.at(0).path == "/api/v1/streams/telemetry");
  CHECK(json::parse(*hub.transport.requests.at(0).json_body) == json{{"max_bytes", nullptr}});
  CHECK(hub.run({"streams", "config", "telemetry", "--when-full", "drop"}).exit_code == 2);
  CHECK(hub.run({"streams", "config", "telemetry", "--max-age", "soon"}).exit_code == 2);
  CHECK(hub.transport.requests.size() == 1);
}

TEST_CASE("streams read starts at a group's commit or at a time") {
  FakeHub hub;
  hub.transport.answer(200, R"({"stream": "telemetry", "records": [], "next_offset": 4})");
  hub.transport.answer(200, R"({"stream": "telemetry", "records": [], "next_offset": 4})");
  CHECK(hub.run({"streams", "read", "telemetry", "--group", "billing"}).exit_code == 0);
  CHECK(hub.run({"streams", "read", "telemetry", "--from-time", "1970-01-01T00:00:01.500Z"})
            .exit_code == 0);
  CHECK(hub.transport.requests.at(0).path ==
        "/api/v1/streams/telemetry/records?group=billing&limit=100");
  CHECK(hub.transport.requests.at(1).path ==
        "/api/v1/streams/telemetry/records?from_time=1500&limit=100");
  CHECK(hub.run({"streams", "read", "telemetry", "--from", "1", "--group", "g"}).exit_code == 2);
}

TEST_CASE("streams tail long-polls from the end and commits each batch for its group") {
  FakeHub hub;
  hub.transport.answer(200, R"({"stream": "telemetry", "next_offset": 6, "records": [
      {"offset": 5, "received_at_ms": 0, "device": "a", "seq": 9, "payload": 1}]})");
  hub.transport.answer(200, R"({"group": "g", "stream": "telemetry", "committed_offset": 6,
      "updated_at_ms": 1})");
  const Run run =
      hub.run({"streams", "tail", "telemetry", "--group", "g", "--commit", "--count", "1"});
  CHECK(run.exit_code == 0);
  CHECK(run.out == "5  1970-01-01T00:00:00.000Z  a  seq=9  1\n");
  REQUIRE(hub.transport.requests.size() == 2);
  CHECK(hub.transport.requests[0].path ==
        "/api/v1/streams/telemetry/records?group=g&limit=1&wait_ms=10000");
  CHECK(hub.transport.requests[1].path == "/api/v1/streams/telemetry/groups/g/commit");
  CHECK(json::parse(*hub.transport.requests[1].json_body) == json{{"offset", 6}});

  FakeHub fresh;
  fresh.transport.answer(200, R"({"name": "telemetry", "next_offset": 12})");
  fresh.transport.answer(200, R"({"stream": "telemetry", "next_offset": 13, "records": [
      {"offset": 12, "received_at_ms": 0, "device": "a", "seq": 1, "payload": 1}]})");
  CHECK(fresh.run({"streams", "tail", "telemetry", "--count", "1"}).exit_code == 0);
  CHECK(fresh.transport.requests.at(1).path ==
        "/api/v1/streams/telemetry/records?from=12&limit=1&wait_ms=10000");
  CHECK(fresh.run({"streams", "tail", "telemetry", "--commit"}).exit_code == 2);  // needs --group
}

TEST_CASE("streams commit and groups") {
  FakeHub hub;
  hub.transport.answer(200, R"({"group": "g", "stream": "s", "committed_offset": 3,
      "updated_at_ms": 0})");
  hub.transport.answer(200, R"({"stream": "s", "groups": [{"group": "g", "stream": "s",
      "committed_offset": 3, "updated_at_ms": 0, "lag": 4}]})");
  CHECK(hub.run({"streams", "commit", "s", "g", "3"}).exit_code == 0);
  const Run groups = hub.run({"streams", "groups", "s"});
  CHECK(groups.exit_code == 0);
  CHECK(groups.out ==
        "GROUP  COMMITTED  LAG  UPDATED\ng      3          4    1970-01-01T00:00:00.000Z\n");
}

TEST_CASE("durations and times parse as documented") {
  CHECK(*parse_duration_ms("500ms") == 500);
  CHECK(*parse_duration_ms("90s") == 90000);
  CHECK(*parse_duration_ms("2h") == 7'200'000);
  CHECK(*parse_duration_ms("1500") == 1500);
  CHECK_FALSE(parse_duration_ms("0s").ok());
  CHECK_FALSE(parse_duration_ms("s").ok());
  CHECK(*parse_time_ms("1732631234012") == 1732631234012);
  CHECK(*parse_time_ms("2024-11-26T14:27:14Z") == 1732631234000);
  CHECK_FALSE(parse_time_ms("2024-13-26T14:27:14Z").ok());
  CHECK_FALSE(parse_time_ms("yesterday").ok());
}

TEST_CASE("streams read of more than 10000 records reads NDJSON and prints every record") {
  const std::string body =
      "{\"offset\":0,\"received_at_ms\":1,\"device\":\"d1\",\"seq\":1,\"topic\":\"t\","
      "\"payload\":{\"n\":1}}\n"
      "{\"offset\":1,\"received_at_ms\":2,\"device\":\"d2\",\"seq\":2,\"topic\":\"t\","
      "\"payload\":{\"n\":2}}\n"
      "{\"next_offset\":2}\n";
  FakeHub hub;
  hub.transport.answer(200, body);
  const Run text = hub.run({"streams", "read", "telemetry", "--limit", "50000"});
  CHECK(text.exit_code == 0);
  CHECK(hub.transport.requests.at(0).path ==
        "/api/v1/streams/telemetry/records?from=0&limit=50000&format=ndjson");
  CHECK(std::count(text.out.begin(), text.out.end(), '\n') == 2);
  CHECK(text.out.find("d1") < text.out.find("d2"));
  CHECK(text.err.find("next offset: 2") != std::string::npos);

  hub.transport.answer(200, body);
  const Run as_json = hub.run({"--json", "streams", "read", "telemetry", "--limit", "50000"});
  CHECK(as_json.exit_code == 0);
  const json page = json::parse(as_json.out);
  CHECK(page.at("stream") == "telemetry");
  CHECK(page.at("records").size() == 2);
  CHECK(page.at("records").at(1).at("device") == "d2");
  CHECK(page.at("next_offset") == 2);
}

TEST_CASE("an NDJSON read that ends in an error or is cut short fails after its records") {
  const std::string record =
      "{\"offset\":0,\"received_at_ms\":1,\"device\":\"d1\",\"seq\":1,\"topic\":\"t\","
      "\"payload\":{}}\n";
  FakeHub hub;
  hub.transport.answer(200, record + R"({"error":{"code":"internal","message":"disk gone"}})"
                                     "\n");
  const Run failed = hub.run({"streams", "read", "telemetry", "--limit", "20000"});
  CHECK(failed.exit_code != 0);
  CHECK(std::count(failed.out.begin(), failed.out.end(), '\n') == 1);
  CHECK(failed.err.find("disk gone") != std::string::npos);

  hub.transport.answer(200, record + "{\"offset\":1,");
  const Run cut = hub.run({"streams", "read", "telemetry", "--limit", "20000"});
  CHECK(cut.exit_code != 0);
  CHECK(cut.err.find("cut short") != std::string::npos);

  CHECK(hub.run({"streams", "read", "telemetry", "--limit", "1000001"}).exit_code == 2);
}
