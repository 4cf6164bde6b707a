// One log record as one line of JSON (hubd --log-format json), for log
// collectors (Loki, Elasticsearch, journald's JSON export) that would
// otherwise parse free text:
//   {"time":"2026-12-06T00:49:52.123Z","level":"info","logger":"hubd",
//    "component":"mqtt","message":"mqtt: connected to ..."}
// Nothing of the message is lost: quotes, backslashes and control
// characters are escaped as JSON says, and bytes that are not UTF-8 (a
// device id or payload quoted in a message) become the text \xNN, so the
// line is always valid JSON. Pure.
#pragma once

#include <chrono>
#include <string>
#include <string_view>

namespace edgehub::hub {

struct LogRecord {
  std::chrono::system_clock::time_point time;
  std::string_view level;   // "info", "warning", ...
  std::string_view logger;  // empty: "hubd"
  std::string_view message;
};

// The record's JSON object and a line feed.
std::string json_log_line(const LogRecord& record);

// RFC 3339 in UTC with milliseconds: 2026-12-06T00:49:52.123Z.
std::string rfc3339_utc_ms(std::chrono::system_clock::time_point time);

// The part of hubd the message is from, by the project's habit of starting
// a message with it ("mqtt: ...", "store: ..."): the leading lower-case word
// before ": ", else "hubd".
std::string_view log_component(std::string_view message);

// Appends text as a JSON string (with its quotes), escaped as above.
void append_json_string(std::string& out, std::string_view text);

}  // namespace edgehub::hub
