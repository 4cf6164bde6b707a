// hubctl routes add | list | remove | test against a fake hub (no network).
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>
#include <sstream>

#include "fake_transport.h"
#include "hubctl/cli.h"

using namespace edgehub::hubctl;
using nlohmann::json;
using testing::FakeTransport;

namespace {

struct RoutesRun {
  int exit_code = -1;
  std::string out;
  std::string err;
};

struct RoutesHub {
  FakeTransport transport;

  RoutesRun run(const std::vector<std::string>& arguments) {
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
    RoutesRun result;
    result.exit_code = run_cli(full, environment, out, err);
    result.out = out.str();
    result.err = err.str();
    return result;
  }

  json body(std::size_t request) const {
    return json::parse(transport.requests.at(request).json_body.value_or("null"));
  }

  struct Forwarding final : HttpTransport {
    explicit Forwarding(FakeTransport& target) : target_(target) {}
    TransportResult send(const HttpRequest& request) override { return target_.send(request); }
    FakeTransport& target_;
  };
};

}  // namespace

TEST_CASE("routes add posts the rule and a compile error shows SQLite's message, exit 2") {
  RoutesHub hub;
  hub.transport.answer(201, R"({"name": "hot", "stream": "hot"})");
  const auto added = hub.run({"routes", "add", "hot", "--condition", "$.t > 30", "--stream", "hot",
                              "--projection", "json_object('t', $.t)"});
  CHECK(added.exit_code == 0);
  REQUIRE(hub.transport.requests.size() == 1);
  CHECK(hub.transport.requests[0].method == "POST");
  CHECK(hub.transport.requests[0].path == "/api/v1/routes");
  CHECK(hub.body(0) == json{{"name", "hot"},
                            {"condition", "$.t > 30"},
                            {"stream", "hot"},
                            {"projection", "json_object('t', $.t)"}});

  hub.transport.answer(
      400,
      R"({"error": {"code": "invalid_argument", "message": "condition: near \"FROM\": syntax error"}})");
  const auto refused = hub.run({"routes", "add", "bad", "--condition", "$.t >", "--stream", "x"});
  CHECK(refused.exit_code == 2);
  CHECK(refused.err.find("syntax error") != std::string::npos);
  CHECK_FALSE(hub.body(1).contains("projection"));
}

TEST_CASE("routes test prints whether the rule matched and the projected output") {
  RoutesHub hub;
  hub.transport.answer(
      200,
      R"({"matched": true, "stream": "hot", "output": {"t": 31}, "error": null, "attributes": {}})");
  const auto tested =
      hub.run({"routes", "test", "hot", "--device", "boiler-1", "--message", R"({"t": 31})"});
  CHECK(tested.exit_code == 0);
  CHECK(tested.out.find("matched: yes") != std::string::npos);
  CHECK(tested.out.find(R"(output: {"t":31})") != std::string::npos);
  CHECK(hub.transport.requests[0].path == "/api/v1/routes/test");
  CHECK(hub.body(0) ==
        json{{"device", "boiler-1"}, {"seq", 0}, {"data", {{"t", 31}}}, {"name", "hot"}});

  hub.transport.answer(200, R"({"matched": false, "stream": null, "output": null, "error": null})");
  const auto missed =
      hub.run({"routes", "test", "--condition", "$.h > 1", "--device", "d", "--message", "{}"});
  CHECK(missed.out.find("matched: no") != std::string::npos);
  CHECK(hub.body(1)["condition"] == "$.h > 1");
}

TEST_CASE("routes test refuses a message that is not JSON, or no rule, without calling the hub") {
  RoutesHub hub;
  CHECK(hub.run({"routes", "test", "hot", "--device", "d", "--message", "{nope"}).exit_code == 2);
  CHECK(hub.run({"routes", "test", "--device", "d", "--message", "{}"}).exit_code == 2);
  CHECK(hub.transport.requests.empty());
}

TEST_CASE("routes list shows a table and routes remove deletes by name") {
  RoutesHub hub;
  hub.transport.answer(200, R"({"routes": [{"name": "hot", "condition": "$.t > 30",
      "projection": null, "stream": "hot", "created_at_ms": 1, "matched": 4, "errors": 1}]})");
  const auto listed = hub.run({"routes", "list"});
  CHECK(listed.exit_code == 0);
  CHECK(listed.out.find("ROUTE") != std::string::npos);
  CHECK(listed.out.find("$.t > 30") != std::string::npos);
  hub.transport.answer(204, "");
  CHECK(hub.run({"routes", "remove", "hot"}).exit_code == 0);
  CHECK(hub.transport.requests[1].method == "DELETE");
  CHECK(hub.transport.requests[1].path == "/api/v1/routes/hot");
}
