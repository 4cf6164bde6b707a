// Request bodies built to hurt the hub: JSON nested 100,000 deep in every
// body the REST API reads is a 400 naming the depth, decided before parsing;
// stored data too deep to parse safely is shown as raw text.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "api/json_views.h"
#include "in_memory_rest_handlers.h"

using namespace edgehub;
using namespace edgehub::hub;
using nlohmann::json;

namespace {

const std::string kDeep = std::string(100000, '[') + std::string(100000, ']');
const std::string kDepthReason = "request body: JSON nested deeper than 32 levels";

struct Fixture : InMemoryRestHandlers {
  Fixture() { REQUIRE(handlers.add_device(R"({"id":"boiler-1"})").status == 201); }
};

void check_depth_refused(const ApiResponse& response) {
  CHECK(response.status == 400);
  const json body = json::parse(response.body);
  CHECK(body["error"]["code"] == "invalid_argument");
  CHECK(body["error"]["message"] == kDepthReason);
}

std::string levels(std::size_t n) { return std::string(n, '[') + std::string(n, ']'); }

}  // namespace

TEST_CASE("parse_json_object_body refuses deep bodies before parsing, takes 32 levels") {
  const auto deep = parse_json_object_body(R"({"a":)" + kDeep + "}");
  REQUIRE_FALSE(deep.ok());
  CHECK(deep.error().code == ErrorCode::invalid_argument);
  CHECK(deep.error().message == kDepthReason);
  CHECK(parse_json_object_body(R"({"a":)" + levels(31) + "}").ok());
  CHECK(parse_json_object_body(R"({"a":)" + levels(32) + "}").error().message == kDepthReason);
  // Brackets in strings are text.
  CHECK(parse_json_object_body(R"({"a":")" + std::string(1000, '[') + R"("})").ok());
}

TEST_CASE_FIXTURE(Fixture, "device attributes nested 100,000 deep: 400, nothing registered") {
  check_depth_refused(handlers.add_device(R"({"id":"evil","attributes":{"x":)" + kDeep + "}}"));
  CHECK(registry.find("evil").error().code == ErrorCode::not_found);
}

TEST_CASE_FIXTURE(Fixture, "a command payload nested 100,000 deep: 400, nothing published") {
  check_depth_refused(
      handlers.send_command("boiler-1", R"({"name":"ping","payload":)" + kDeep + "}"));
  CHECK(broker.published().empty());
}

TEST_CASE_FIXTURE(Fixture, "a command payload over the size limit: 413") {
  const std::string blob(70 * 1024, 'x');
  const auto response =
      handlers.send_command("boiler-1", R"({"name":"ping","payload":")" + blob + R"("})");
  CHECK(response.status == 413);
  CHECK(json::parse(response.body)["error"]["message"] ==
        "command payload too large: " + std::to_string(blob.size() + 2) + " bytes > 65536");
  CHECK(broker.published().empty());
}

TEST_CASE_FIXTURE(Fixture, "stream and consumer bodies nested 100,000 deep: 400") {
  check_depth_refused(handlers.streams().create(R"({"name":"s1","x":)" + kDeep + "}"));
  check_depth_refused(handlers.streams().configure("telemetry", kDeep));
  check_depth_refused(handlers.streams().commit("telemetry", "g1", R"({"offset":)" + kDeep + "}"));
}

TEST_CASE_FIXTURE(Fixture, "a stored record too deep to parse safely is shown as raw text") {
  // Stored before the hub had a depth limit.
  const std::string payload = R"({"x":)" + kDeep + "}";
  REQUIRE(streams
              .append(NewRecord{"telemetry", 1, "boiler-1", 1, "devices/boiler-1/telemetry",
                                payload, std::nullopt})
              .ok());
  const auto response = handlers.read_records("telemetry", std::nullopt, std::nullopt);
  REQUIRE(response.status == 200);
  const json body = json::parse(response.body);
  REQUIRE(body["records"].size() == 1);
  CHECK(body["records"][0]["payload_text"] == payload);
  CHECK_FALSE(body["records"][0].contains("payload"));
  // The same through record_json (the other shape of a record).
  const StreamRecord record{"telemetry", 0, 1, "boiler-1", 1, "devices/boiler-1/telemetry", payload,
                            std::nullopt};
  CHECK(record_json(record)["payload_text"] == payload);
}

TEST_CASE_FIXTURE(Fixture,
                  "a body with an object of 100,000 members is a 400, not minutes of "
                  "parsing") {
  std::string attributes = "{";
  for (int i = 0; i < 100000; ++i) {
    attributes += std::string(i > 0 ? "," : "") + "\"k" + std::to_string(i) + "\":1";
  }
  attributes += "}";
  const auto response = handlers.add_device(R"({"id":"wide","attributes":)" + attributes + "}");
  CHECK(response.status == 400);
  CHECK(json::parse(response.body)["error"]["message"] ==
        "request body: JSON object with more than 1000 members");
}
