// The REST server's routes over a real loopback socket (rest_server_fixture.h).
#include "api/rest_server.h"

#include <doctest/doctest.h>
#include <httplib.h>

#include <nlohmann/json.hpp>

#include "rest_server_fixture.h"

using namespace edgehub;
using namespace edgehub::hub;
using namespace edgehub::test;
using nlohmann::json;

TEST_CASE_FIXTURE(ServerFixture, "health needs no token, everything else does") {
  auto http = client();
  auto health = http.Get("/api/v1/health");
  REQUIRE(health);
  CHECK(health->status == 200);
  CHECK(json::parse(health->body)["broker_connected"] == true);

  auto anonymous = http.Get("/api/v1/devices");
  REQUIRE(anonymous);
  CHECK(anonymous->status == 401);
  CHECK(json::parse(anonymous->body)["error"]["code"] == "unauthorized");

  auto wrong = http.Get("/api/v1/devices", {{"Authorization", "Bearer nope"}});
  REQUIRE(wrong);
  CHECK(wrong->status == 401);

  auto allowed = http.Get("/api/v1/devices", authorized());
  REQUIRE(allowed);
  CHECK(allowed->status == 200);
  CHECK(allowed->get_header_value("Content-Type") == "application/json");
}

TEST_CASE_FIXTURE(ServerFixture, "routes reach their handlers with path ids and query values") {
  auto http = client();
  auto created =
      http.Post("/api/v1/devices", authorized(), R"({"id":"boiler-1"})", "application/json");
  REQUIRE(created);
  CHECK(created->status == 201);
  auto device = http.Get("/api/v1/devices/boiler-1", authorized());
  REQUIRE(device);
  CHECK(json::parse(device->body)["id"] == "boiler-1");
  auto records = http.Get("/api/v1/streams/telemetry/records?from=0&limit=0", authorized());
  REQUIRE(records);
  CHECK(records->status == 400);
  auto removed = http.Delete("/api/v1/devices/boiler-1", authorized());
  REQUIRE(removed);
  CHECK(removed->status == 204);
}

TEST_CASE_FIXTURE(ServerFixture, "unknown routes and oversized bodies get the error shape") {
  auto http = client();
  auto missing = http.Get("/api/v1/nothing-here", authorized());
  REQUIRE(missing);
  CHECK(missing->status == 404);
  CHECK(json::parse(missing->body)["error"]["code"] == "not_found");

  auto too_big =
      http.Post("/api/v1/devices", authorized(), std::string(4096, ' '), "application/json");
  REQUIRE(too_big);
  CHECK(too_big->status == 413);
  CHECK(json::parse(too_big->body)["error"]["code"] == "too_large");
}

TEST_CASE_FIXTURE(ServerFixture, "a second server on the same port fails to start") {
  auto settings = small_server_settings();
  settings.port = server.port();
  RestServer second{handlers, settings};
  const auto started = second.start();
  REQUIRE_FALSE(started.ok());
  CHECK(started.error().code == ErrorCode::conflict);
}

TEST_CASE_FIXTURE(ServerFixture, "records come as NDJSON when asked, as a JSON object otherwise") {
  for (std::uint64_t seq = 1; seq <= 2; ++seq) {
    NewRecord record;
    record.stream = "telemetry";
    record.received_at_ms = 7;
    record.device_id = "d1";
    record.seq = seq;
    record.topic = "devices/d1/telemetry";
    record.payload = "{\"n\":" + std::to_string(seq) + "}";
    REQUIRE(streams.append(record).ok());
  }
  const std::string lines =
      "{\"offset\":0,\"received_at_ms\":7,\"device\":\"d1\",\"seq\":1,"
      "\"topic\":\"devices/d1/telemetry\",\"payload\":{\"n\":1}}\n"
      "{\"offset\":1,\"received_at_ms\":7,\"device\":\"d1\",\"seq\":2,"
      "\"topic\":\"devices/d1/telemetry\",\"payload\":{\"n\":2}}\n"
      "{\"next_offset\":2}\n";
  auto http = client();
  auto by_parameter = http.Get("/api/v1/streams/telemetry/records?format=ndjson", authorized());
  REQUIRE(by_parameter);
  CHECK(by_parameter->status == 200);
  CHECK(by_parameter->get_header_value("Content-Type") == "application/x-ndjson");
  CHECK(by_parameter->body == lines);

  httplib::Headers accept = authorized();
  accept.emplace("Accept", "application/x-ndjson");
  auto by_header = http.Get("/api/v1/streams/telemetry/records?from=1", accept);
  REQUIRE(by_header);
  CHECK(by_header->body == lines.substr(lines.find('\n') + 1));

  auto object = http.Get("/api/v1/streams/telemetry/records?format=json", accept);
  REQUIRE(object);
  CHECK(object->get_header_value("Content-Type") == "application/json");
  CHECK(json::parse(object->body)["next_offset"] == 2);

  auto unknown = http.Get("/api/v1/streams/telemetry/records?format=xml", authorized());
  REQUIRE(unknown);
  CHECK(unknown->status == 400);
  CHECK(json::parse(unknown->body)["error"]["code"] == "invalid_argument");
  auto missing = http.Get("/api/v1/streams/nothing/records?format=ndjson", authorized());
  REQUIRE(missing);
  CHECK(missing->status == 404);
  CHECK(json::parse(missing->body)["error"]["code"] == "not_found");
}
