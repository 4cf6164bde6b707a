#include "hubd/json_log_line.h"

#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

using namespace edgehub::hub;
using nlohmann::json;

namespace {

const auto kAt = std::chrono::system_clock::time_point(std::chrono::milliseconds(1796518192123));

json parsed(const std::string& line) {
  REQUIRE(!line.empty());
  CHECK(line.back() == '\n');
  CHECK(line.find('\n') == line.size() - 1);  // one record, one line
  return json::parse(line);                   // throws: not JSON
}

}  // namespace

TEST_CASE("a_record_is_one_json_object_with_time_level_logger_component_and_message") {
  const json record = parsed(json_log_line({kAt, "info", "", "mqtt: connected to 127.0.0.1"}));
  CHECK(record == json{{"time", "2026-12-06T00:49:52.123Z"},
                       {"level", "info"},
                       {"logger", "hubd"},
                       {"component", "mqtt"},
                       {"message", "mqtt: connected to 127.0.0.1"}});
  CHECK(json_log_line({kAt, "warning", "", "x"})
            .starts_with(R"({"time":"2026-12-06T00:49:52.123Z")"));
}

TEST_CASE("time_is_rfc3339_utc_with_milliseconds") {
  CHECK(rfc3339_utc_ms(std::chrono::system_clock::time_point{}) == "1970-01-01T00:00:00.000Z");
  CHECK(rfc3339_utc_ms(kAt + std::chrono::milliseconds(877)) == "2026-12-06T00:49:53.000Z");
}

TEST_CASE("quotes_backslashes_and_control_characters_are_escaped_and_kept") {
  const std::string message = "say \"hi\" C:\\x\n\ttab\r\x01\x1f end";
  CHECK(parsed(json_log_line({kAt, "error", "", message}))["message"] == message);
  const std::string line = json_log_line({kAt, "error", "", "\x01"});
  CHECK(line.find(R"("message":"\u0001")") != std::string::npos);
}

TEST_CASE("utf8_is_kept_as_is_and_bytes_that_are_not_utf8_become_the_text_xNN") {
  CHECK(parsed(json_log_line({kAt, "info", "", "température 21 °C ✓ 😀"}))["message"] ==
        "température 21 °C ✓ 😀");
  // A lone continuation byte, a truncated sequence, an overlong form, a surrogate.
  const std::string bad = std::string("a\x80 b\xE2\x82 c\xC0\xAF d\xED\xA0\x80", 15);
  CHECK(parsed(json_log_line({kAt, "info", "", bad}))["message"] ==
        "a\\x80 b\\xE2\\x82 c\\xC0\\xAF d\\xED\\xA0\\x80");
}

TEST_CASE("the_component_is_the_leading_word_before_a_colon_else_hubd") {
  CHECK(log_component("store: stopping") == "store");
  CHECK(log_component("broker-journal: message 3 set aside") == "broker-journal");
  CHECK(log_component("hubd ready: mqtt=...") == "hubd");  // a space before the colon
  CHECK(log_component("Reload: x") == "hubd");
  CHECK(log_component("no colon") == "hubd");
  CHECK(log_component(": empty") == "hubd");
}
