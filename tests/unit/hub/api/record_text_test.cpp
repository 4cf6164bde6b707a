// One record as a client reads it (docs/protocol.md section 5): the exact
// text, which must also be the value record_json() builds.
#include "api/record_text.h"

#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "api/json_views.h"

using namespace edgehub::hub;
using nlohmann::json;

namespace {

StreamRecord telemetry(std::string payload) {
  return StreamRecord{"telemetry",        4,           17,
                      "boiler-1",         9,           "devices/boiler-1/telemetry",
                      std::move(payload), std::nullopt};
}

StreamRecord dead_letter(std::string payload, std::string reason) {
  return StreamRecord{
      "deadletter",     0, 1, "d1", std::nullopt, "devices/d1/telemetry", std::move(payload),
      std::move(reason)};
}

// The text is one JSON object, equal to what record_json() builds.
void check_same_as_record_json(const StreamRecord& record) {
  const std::string text = record_text(record);
  CAPTURE(text);
  CHECK(text.find('\n') == std::string::npos);
  CHECK(json::parse(text) ==
        json::parse(record_json(record).dump(-1, ' ', false, json::error_handler_t::replace)));
}

}  // namespace

TEST_CASE("a telemetry payload is embedded exactly as stored") {
  const StreamRecord record = telemetry(R"({"t": [1, 2.5, "x\n"], "unit": "°C"})");
  CHECK(record_text(record) ==
        R"({"offset":4,"received_at_ms":17,"device":"boiler-1","seq":9,)"
        R"("topic":"devices/boiler-1/telemetry","payload":{"t": [1, 2.5, "x\n"], "unit": "°C"}})");
  check_same_as_record_json(record);
}

TEST_CASE("line breaks between a payload's tokens become spaces: one record, one line") {
  const StreamRecord record = telemetry("{\"a\":\r\n  1}");
  CHECK(record_text(record) == R"({"offset":4,"received_at_ms":17,"device":"boiler-1","seq":9,)"
                               R"("topic":"devices/boiler-1/telemetry","payload":{"a":    1}})");
  check_same_as_record_json(record);
}

TEST_CASE("a dead letter shows its bytes as text or base64, with the reason") {
  CHECK(record_text(dead_letter("5", "not an object")) ==
        R"({"offset":0,"received_at_ms":1,"device":"d1","seq":null,)"
        R"("topic":"devices/d1/telemetry","payload_text":"5","reason":"not an object"})");
  CHECK(record_text(dead_letter("line\n\"q\"\x01", "bad")) ==
        R"({"offset":0,"received_at_ms":1,"device":"d1","seq":null,)"
        R"("topic":"devices/d1/telemetry","payload_text":"line\n\"q\"\u0001","reason":"bad"})");
  CHECK(record_text(dead_letter(std::string("\xff\x00\xfe", 3), "not UTF-8")) ==
        R"({"offset":0,"received_at_ms":1,"device":"d1","seq":null,)"
        R"("topic":"devices/d1/telemetry","payload_base64":"/wD+","reason":"not UTF-8"})");
  check_same_as_record_json(dead_letter("5", "not an object"));
  check_same_as_record_json(dead_letter("line\n\"q\"\x01", "bad"));
  check_same_as_record_json(dead_letter(std::string("\xff\x00\xfe", 3), "not UTF-8"));
}

TEST_CASE("a record that is not JSON outside the dead-letter stream shows as text") {
  const StreamRecord record = telemetry("not json");
  CHECK(record_text(record).ends_with(R"(,"payload_text":"not json"})"));
  check_same_as_record_json(record);
}

TEST_CASE("JSON the quick check leaves to the parser is still shown as JSON") {
  std::string deep;
  for (int i = 0; i < 100; ++i) deep += '[';
  for (int i = 0; i < 100; ++i) deep += ']';
  for (const std::string& payload :
       {deep, std::string("\xEF\xBB\xBF{\"a\":1}"), std::string(R"(["\ud83d\ude00"])"),
        std::string("{\"a\":1}\0tail", 12)}) {
    CAPTURE(payload);
    const StreamRecord record = telemetry(payload);
    CHECK(record_text(record).find(R"(,"payload":)") != std::string::npos);
    check_same_as_record_json(record);
  }
  CHECK(record_text(telemetry("\xEF\xBB\xBF{\"a\":1}")).ends_with(R"(,"payload":{"a":1}})"));
}

TEST_CASE("ids and topics are escaped; invalid UTF-8 in them is replaced") {
  StreamRecord record = telemetry("{}");
  record.device_id = "d\"\\1\t";
  record.topic = std::string("t\xff", 2);
  CHECK(record_text(record) ==
        "{\"offset\":4,\"received_at_ms\":17,\"device\":\"d\\\"\\\\1\\t\",\"seq\":9,"
        "\"topic\":\"t\xEF\xBF\xBD\",\"payload\":{}}");
  check_same_as_record_json(record);
}

TEST_CASE("the largest offsets and sequence numbers are written in full") {
  StreamRecord record = telemetry("1");
  record.offset = 18446744073709551615ULL;
  record.seq = 18446744073709551615ULL;
  record.received_at_ms = -5;
  CHECK(record_text(record) ==
        R"({"offset":18446744073709551615,"received_at_ms":-5,"device":"boiler-1",)"
        R"("seq":18446744073709551615,"topic":"devices/boiler-1/telemetry","payload":1})");
}
