// The pure parts of exports: definitions, backoff, throughput, the upstream
// MQTT options and the message a record becomes.
#include <doctest/doctest.h>

#include <algorithm>

#include "exports/export_backoff.h"
#include "exports/export_definition.h"
#include "exports/export_throughput.h"
#include "exports/mqtt_destination_settings.h"
#include "exports/mqtt_record_message.h"

using namespace edgehub;
using namespace edgehub::hub;
using namespace std::chrono_literals;

TEST_CASE("an export definition parses with defaults and reads back from its stored form") {
  const nlohmann::json request = {
      {"name", "up"},
      {"stream", "telemetry"},
      {"destination", {{"type", "mqtt"}, {"options", {{"url", "mqtts://h:8883"}}}}}};
  auto parsed = parse_export_definition(request);
  REQUIRE(parsed.ok());
  CHECK(parsed->batch_size == 500);
  CHECK(parsed->on_retention == OnRetention::keep);
  CHECK(parsed->holds_retention());
  CHECK_FALSE(parsed->paused);
  auto again = parse_export_definition(export_definition_json(*parsed));
  REQUIRE(again.ok());
  CHECK(export_definition_json(*again) == export_definition_json(*parsed));
  CHECK(again->destination_options["url"] == "mqtts://h:8883");

  for (const auto& [field, value] :
       std::vector<std::pair<std::string, nlohmann::json>>{{"batch_size", 0},
                                                           {"batch_size", 10001},
                                                           {"linger_ms", -1},
                                                           {"paused", "yes"},
                                                           {"on_retention", "drop"},
                                                           {"name", ""},
                                                           {"destination", "mqtt"}}) {
    nlohmann::json bad = request;
    bad[field] = value;
    auto refused = parse_export_definition(bad);
    REQUIRE_FALSE(refused.ok());
    CHECK(refused.error().code == ErrorCode::invalid_argument);
    CHECK(refused.error().message.find(field) != std::string::npos);
  }
  CHECK(parse_export_start({{"start", "latest"}})->kind == ExportStart::Kind::latest);
  CHECK(parse_export_start({{"start", 42}})->offset == 42);
  CHECK_FALSE(parse_export_start({{"start", "yesterday"}}).ok());
}

TEST_CASE("retry delays double from the initial one up to the cap, jittered in the upper half") {
  const ExportBackoff backoff{200ms, 30000ms};
  CHECK(export_retry_delay(backoff, 1, 0.999) <= 200ms);
  CHECK(export_retry_delay(backoff, 1, 0.0) == 100ms);
  CHECK(export_retry_delay(backoff, 2, 0.0) == 200ms);
  CHECK(export_retry_delay(backoff, 4, 0.0) == 800ms);
  CHECK(export_retry_delay(backoff, 30, 0.999) <= 30000ms);
  CHECK(export_retry_delay(backoff, 1000000, 0.0) == 15000ms);
}

TEST_CASE("throughput is the recent rate and falls to zero when sending stops") {
  ExportThroughput throughput(1000);
  throughput.sent(0, 0);
  throughput.sent(500, 500);
  CHECK(throughput.per_second(1000) == doctest::Approx(500.0));
  throughput.sent(1000, 1500);  // window 2 running
  CHECK(throughput.per_second(1500) == doctest::Approx(1000.0));
  CHECK(throughput.per_second(5000) == doctest::Approx(0.0));
}

TEST_CASE("upstream MQTT options: url, TLS files, topic and protocol are checked") {
  auto settings = parse_mqtt_destination_settings({{"url", "mqtts://central.example.net:8884"},
                                                   {"ca_file", "/ca.pem"},
                                                   {"cert_file", "/c.pem"},
                                                   {"key_file", "/k.pem"},
                                                   {"protocol", "3.1.1"}},
                                                  "up", "site-1");
  REQUIRE(settings.ok());
  CHECK(settings->server_uri() == "ssl://central.example.net:8884");
  CHECK(settings->client_id == "edgehub-site-1-up");
  CHECK(settings->protocol == MqttProtocol::v311);
  CHECK(settings->envelope);

  auto loopback = parse_mqtt_destination_settings({{"url", "mqtt://127.0.0.1:1884"}}, "up", "s");
  REQUIRE(loopback.ok());
  CHECK(loopback->server_uri() == "tcp://127.0.0.1:1884");
  CHECK(parse_mqtt_destination_settings({{"url", "mqtts://[::1]"}}, "up", "s")->server_uri() ==
        "ssl://[::1]:8883");

  for (const nlohmann::json& bad : std::vector<nlohmann::json>{
           {{"url", "mqtt://broker.example.net:1883"}},  // plain beyond loopback
           {{"url", "http://h"}},
           {{"url", "mqtts://h:0"}},
           {{"url", "mqtts://h:8883"}, {"cert_file", "/c.pem"}},  // without its key
           {{"url", "mqtts://h:8883"}, {"topic", "edge/{devices}"}},
           {{"url", "mqtts://h:8883"}, {"topic", "edge/#"}},
           {{"url", "mqtts://h:8883"}, {"protocol", "4"}},
           {{"url", "mqtts://h:8883"}, {"qos", 2}},
           {}}) {
    auto refused = parse_mqtt_destination_settings(bad, "up", "s");
    CHECK_MESSAGE(!refused.ok(), bad.dump());
  }
}

TEST_CASE("a record's MQTT message carries its identity in the envelope and the properties") {
  ExportRecord record{
      "site-1",      "telemetry",    42, "boiler/1", 7, "devices/boiler/1/telemetry",
      1700000000000, R"({"t":21.5})"};
  const auto message = mqtt_record_message(record, "edge/{site}/{device}/{stream}", true);
  CHECK(message.topic == "edge/site-1/boiler_1/telemetry");
  const auto envelope = nlohmann::json::parse(message.payload);
  CHECK(envelope["site"] == "site-1");
  CHECK(envelope["stream"] == "telemetry");
  CHECK(envelope["offset"] == 42);
  CHECK(envelope["device"] == "boiler/1");
  CHECK(envelope["seq"] == 7);
  CHECK(envelope["received_at_ms"] == 1700000000000);
  CHECK(envelope["payload"]["t"] == 21.5);
  CHECK(std::find(message.user_properties.begin(), message.user_properties.end(),
                  std::pair<std::string, std::string>{"Edgehub-Offset", "42"}) !=
        message.user_properties.end());

  record.payload = std::string("\x00\xff", 2);
  record.seq.reset();
  const auto raw = nlohmann::json::parse(mqtt_record_message(record, "{stream}", true).payload);
  CHECK(raw["payload_base64"] == "AP8=");
  CHECK(raw["seq"].is_null());
  CHECK(mqtt_record_message(record, "{stream}", false).payload == record.payload);
}
