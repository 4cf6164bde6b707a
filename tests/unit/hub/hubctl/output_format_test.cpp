#include "hubctl/output_format.h"

#include <doctest/doctest.h>

using namespace edgehub::hubctl;
using nlohmann::json;

TEST_CASE("times are shown as UTC ISO-8601 with milliseconds") {
  CHECK(iso8601_utc(0) == "1970-01-01T00:00:00.000Z");
  CHECK(iso8601_utc(1732631234012) == "2024-11-26T14:27:14.012Z");
  CHECK(iso8601_utc(-1) == "1969-12-31T23:59:59.999Z");
}

TEST_CASE("table columns are aligned to the widest cell") {
  CHECK(format_table({{"ID", "ROLE"}, {"boiler-1", "device"}, {"hubd", "service"}}) ==
        "ID        ROLE\n"
        "boiler-1  device\n"
        "hubd      service\n");
}

TEST_CASE("the device list shows id, role, status, connection, last seen, creation time and a "
          "fingerprint prefix") {
  const json answer = {{"devices",
                        {{{"id", "boiler-1"},
                          {"role", "device"},
                          {"status", "enabled"},
                          {"certificate_sha256", std::string(64, 'a')},
                          {"created_at_ms", 1732631234012},
                          {"connection", "connected"},
                          {"last_seen_ms", 1732631235000},
                          {"attributes", json::object()}},
                         {{"id", "boiler-2"},
                          {"role", "device"},
                          {"status", "enabled"},
                          {"certificate_sha256", std::string(64, 'b')},
                          {"created_at_ms", 1732631234012},
                          {"connection", "never"},
                          {"last_seen_ms", nullptr},
                          {"attributes", json::object()}}}}};
  CHECK(format_devices(answer) ==
        "ID        ROLE    STATUS   CONNECTION  LAST SEEN                 CREATED                 "
        "  FINGERPRINT\n"
        "boiler-1  device  enabled  connected   2024-11-26T14:27:15.000Z  2024-11-26T14:27:14.012Z"
        "  aaaaaaaaaaaaaaaa...\n"
        "boiler-2  device  enabled  never       -                         2024-11-26T14:27:14.012Z"
        "  bbbbbbbbbbbbbbbb...\n");
  CHECK(format_devices(json{{"devices", json::array()}}) == "no devices registered\n");
}

TEST_CASE("missing or oddly typed fields show as '-' instead of failing") {
  const json answer = {{"devices", {{{"id", "x"}, {"created_at_ms", "yesterday"}}}}};
  CHECK(format_devices(answer) ==
        "ID  ROLE  STATUS  CONNECTION  LAST SEEN  CREATED  FINGERPRINT\n"
        "x   -     -       -           -          -        -\n");
  CHECK(format_devices(json("not an object")) == "no devices registered\n");
}

TEST_CASE("streams are listed with their offsets and counts") {
  const json answer = {
      {"streams",
       {{{"name", "telemetry"}, {"first_offset", 0}, {"next_offset", 42}, {"record_count", 42}}}}};
  CHECK(format_streams(answer) ==
        "STREAM     FIRST  NEXT  RECORDS\n"
        "telemetry  0      42    42\n");
}

TEST_CASE("a telemetry record is one line: offset, time, device, seq, payload") {
  const json record = {{"offset", 41},
                       {"received_at_ms", 1732631234012},
                       {"device", "boiler-1"},
                       {"seq", 1732631234000123},
                       {"topic", "devices/boiler-1/telemetry"},
                       {"payload", {{"temperature", 21.5}}}};
  CHECK(format_record(record) ==
        "41  2024-11-26T14:27:14.012Z  boiler-1  seq=1732631234000123  {\"temperature\":21.5}");
}

TEST_CASE("a deadletter record shows its reason and raw payload on one line") {
  const json text_record = {{"offset", 3},
                            {"received_at_ms", 0},
                            {"device", "boiler-1"},
                            {"seq", nullptr},
                            {"reason", "not valid JSON: syntax error"},
                            {"payload_text", "{oops\nline two"}};
  CHECK(format_record(text_record) ==
        "3  1970-01-01T00:00:00.000Z  boiler-1  seq=-  reason=not valid JSON: syntax error"
        "  payload=\"{oops\\nline two\"");
  const json binary_record = {{"offset", 4},
                              {"received_at_ms", 0},
                              {"device", "boiler-1"},
                              {"reason", "payload too large: 300000 bytes > limit"},
                              {"payload_base64", "AAEC"}};
  CHECK(format_record(binary_record).find("  payload=base64:AAEC") != std::string::npos);
  CHECK(format_record(binary_record).find('\n') == std::string::npos);
}

TEST_CASE("a command answer names device, command, status, latency and shows the payload") {
  const json answer = {{"id", "c-1"},   {"device", "boiler-1"}, {"name", "ping"},
                       {"status", 200}, {"latency_ms", 3},      {"payload", {{"pong", true}}}};
  CHECK(format_command_answer(answer) ==
        "boiler-1 answered ping with status 200 in 3 ms\n"
        "{\n  \"pong\": true\n}\n");
}
