// Telemetry the hub cannot accept is never silently dropped: it lands in the
// `deadletter` stream with a reason an operator can read (REST and hubctl).
#include <doctest/doctest.h>

#include "support/hub_under_test.h"
#include "support/mqtt_cli.h"
#include "support/text.h"
#include "support/wait_until.h"

using namespace edgehub::itest;
using namespace std::chrono_literals;
using nlohmann::json;

namespace {

constexpr std::size_t kLimit = 1024;  // hubd --max-payload-bytes in these tests

std::vector<json> wait_for_deadletter_records(const HubUnderTest& hub, std::size_t count) {
  std::vector<json> records;
  const bool arrived = wait_until(
      [&] {
        records = hub.read_stream("deadletter");
        return records.size() >= count;
      },
      15s, 100ms);
  INFO("deadletter: " << json(records).dump());
  REQUIRE_MESSAGE(arrived, "expected " << count << " deadletter records, found " << records.size());
  return records;
}

std::string base64(const std::string& bytes) {
  static const char* alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  std::size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    const unsigned n = (static_cast<unsigned char>(bytes[i]) << 16) |
                       (static_cast<unsigned char>(bytes[i + 1]) << 8) |
                       static_cast<unsigned char>(bytes[i + 2]);
    out += {alphabet[(n >> 18) & 63], alphabet[(n >> 12) & 63], alphabet[(n >> 6) & 63],
            alphabet[n & 63]};
  }
  if (i + 1 == bytes.size()) {
    const unsigned n = static_cast<unsigned char>(bytes[i]) << 16;
    out += {alphabet[(n >> 18) & 63], alphabet[(n >> 12) & 63], '=', '='};
  } else if (i + 2 == bytes.size()) {
    const unsigned n = (static_cast<unsigned char>(bytes[i]) << 16) |
                       (static_cast<unsigned char>(bytes[i + 1]) << 8);
    out += {alphabet[(n >> 18) & 63], alphabet[(n >> 12) & 63], alphabet[(n >> 6) & 63], '='};
  }
  return out;
}

}  // namespace

TEST_CASE("telemetry that is not valid JSON lands in deadletter with a reason mentioning JSON") {
  HubUnderTest hub({.name = "bad-json", .max_payload_bytes = kLimit});
  const auto device = hub.register_device("sloppy-1");
  const std::string garbage = "temperature=21.5 {not json";
  const auto result = mqtt_publish({.port = hub.mqtt_port(), .credentials = device},
                                   "devices/sloppy-1/telemetry", garbage);
  INFO(result.describe());
  REQUIRE(result.exited_with(0));

  const auto records = wait_for_deadletter_records(hub, 1);
  INFO("deadletter: " << json(records).dump());
  REQUIRE(records.size() == 1);
  const auto& record = records.front();
  CHECK(record.value("offset", std::uint64_t{99}) == 0);
  CHECK(contains_ignoring_case(record.value("reason", ""), "json"));
  CHECK(record.value("payload_text", "") == garbage);
  CHECK(record.value("device", "") == "sloppy-1");
  CHECK(record.value("topic", "") == "devices/sloppy-1/telemetry");
  CHECK(hub.record_count("telemetry") == 0);

  const auto shown = hub.hubctl({"streams", "read", "deadletter"});
  INFO(shown.describe());
  CHECK(shown.exited_with(0));
  CHECK(shown.out.find(garbage) != std::string::npos);
  CHECK(shown.out.find(record.value("reason", "<no reason>")) != std::string::npos);
}

TEST_CASE(
    "JSON telemetry that breaks the envelope rules lands in deadletter with the parser's reason") {
  HubUnderTest hub({.name = "bad-envelope", .max_payload_bytes = kLimit});
  const auto device = hub.register_device("sloppy-2");
  struct Case {
    std::string payload;
    std::string reason_mentions;
  };
  const std::vector<Case> cases = {
      {R"([1,2,3])", "object"},           {R"({"data":{"t":1}})", "seq"},
      {R"({"seq":5})", "data"},           {R"({"seq":"five","data":{}})", "seq"},
      {R"({"seq":-1,"data":{}})", "seq"},
  };
  for (const auto& bad : cases) {
    const auto result = mqtt_publish({.port = hub.mqtt_port(), .credentials = device},
                                     "devices/sloppy-2/telemetry", bad.payload);
    INFO(result.describe());
    REQUIRE(result.exited_with(0));
  }
  const auto records = wait_for_deadletter_records(hub, cases.size());
  INFO("deadletter: " << json(records).dump());
  REQUIRE(records.size() == cases.size());
  for (std::size_t i = 0; i < cases.size(); ++i) {
    CAPTURE(cases[i].payload);
    CHECK(records[i].value("payload_text", "") == cases[i].payload);
    CHECK(contains_ignoring_case(records[i].value("reason", ""), cases[i].reason_mentions));
  }
  CHECK(hub.record_count("telemetry") == 0);
}

TEST_CASE("an empty or non-UTF-8 payload lands in deadletter, its bytes kept") {
  HubUnderTest hub({.name = "bad-bytes", .max_payload_bytes = kLimit});
  const auto device = hub.register_device("noisy-1");
  const std::string binary("\xff\xfe\x00\x01{\x80}", 7);
  write_text_file(hub.work_dir() / "binary.bin", binary);
  write_text_file(hub.work_dir() / "empty.bin", "");
  for (const auto* file : {"binary.bin", "empty.bin"}) {
    const auto result = mqtt_publish_file({.port = hub.mqtt_port(), .credentials = device},
                                          "devices/noisy-1/telemetry", hub.work_dir() / file);
    INFO(result.describe());
    REQUIRE(result.exited_with(0));
  }
  const auto records = wait_for_deadletter_records(hub, 2);
  INFO("deadletter: " << json(records).dump());
  REQUIRE(records.size() == 2);
  CHECK(records[0].value("payload_base64", "") == base64(binary));
  CHECK_FALSE(records[0].value("reason", "").empty());
  CHECK(records[1].value("payload_text", "<absent>") == "");
  CHECK_FALSE(records[1].value("reason", "").empty());
  CHECK(hub.record_count("telemetry") == 0);
}

TEST_CASE("a payload over --max-payload-bytes lands in deadletter as too large") {
  HubUnderTest hub({.name = "too-large", .max_payload_bytes = kLimit});
  const auto device = hub.register_device("chatty-1");
  // A valid envelope, so that its size is the only thing wrong with it.
  std::string payload = telemetry_payload(1, "{\"blob\":\"" + std::string(1500, 'x') + "\"}");
  REQUIRE(payload.size() > kLimit);
  REQUIRE(payload.size() < 2 * kLimit);
  const auto result = mqtt_publish({.port = hub.mqtt_port(), .credentials = device},
                                   "devices/chatty-1/telemetry", payload);
  INFO(result.describe());
  REQUIRE(result.exited_with(0));

  const auto records = wait_for_deadletter_records(hub, 1);
  INFO("deadletter: " << json(records).dump());
  REQUIRE(records.size() == 1);
  const auto reason = records.front().value("reason", "");
  CHECK(contains_ignoring_case(reason, "too large"));
  CHECK(reason.find(std::to_string(payload.size())) != std::string::npos);
  CHECK(reason.find(std::to_string(kLimit)) != std::string::npos);
  CHECK(hub.record_count("telemetry") == 0);

  const auto shown = hub.hubctl({"streams", "read", "deadletter"});
  INFO(shown.describe());
  CHECK(shown.exited_with(0));
  CHECK(contains_ignoring_case(shown.out, "too large"));

  // A payload within the limit from the same device is accepted.
  const auto fits =
      mqtt_publish({.port = hub.mqtt_port(), .credentials = device}, "devices/chatty-1/telemetry",
                   telemetry_payload(2, R"({"small":true})"));
  INFO(fits.describe());
  REQUIRE(fits.exited_with(0));
  CHECK(wait_until([&] { return hub.record_count("telemetry") == 1; }, 15s, 100ms));
}

TEST_CASE(
    "a packet over twice the limit is refused by the broker and the sender sees the connection "
    "drop") {
  // The broker's packet limit is twice the largest of the hub's message
  // limits: all of them kLimit here.
  HubUnderTest hub(
      {.name = "far-too-large",
       .max_payload_bytes = kLimit,
       .extra_arguments = {"--max-response-bytes", std::to_string(kLimit),
                           "--max-twin-report-bytes", std::to_string(kLimit), "--max-twin-bytes",
                           std::to_string(kLimit), "--max-command-bytes", std::to_string(kLimit)}});
  const auto device = hub.register_device("flood-1");
  write_text_file(hub.work_dir() / "huge.json",
                  telemetry_payload(1, "{\"blob\":\"" + std::string(3 * kLimit, 'x') + "\"}"));
  const auto result =
      mqtt_publish_file({.port = hub.mqtt_port(), .credentials = device},
                        "devices/flood-1/telemetry", hub.work_dir() / "huge.json", 10s);
  INFO(result.describe());
  CHECK_FALSE(result.exited_with(0));
  CHECK(result.out.find("received PUBACK") == std::string::npos);

  // The broker is fine afterwards; only the small message is stored.
  const auto fits =
      mqtt_publish({.port = hub.mqtt_port(), .credentials = device}, "devices/flood-1/telemetry",
                   telemetry_payload(2, R"({"small":true})"));
  INFO(fits.describe());
  REQUIRE(fits.exited_with(0));
  REQUIRE(wait_until([&] { return hub.record_count("telemetry") == 1; }, 15s, 100ms));
  CHECK(hub.read_stream("telemetry").front().value("seq", std::uint64_t{0}) == 2);
  CHECK(hub.record_count("deadletter") == 0);
}
