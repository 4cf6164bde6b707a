// Telemetry envelopes, command parsing and response building (docs/protocol.md 3-4).
#include <doctest/doctest.h>

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "edgehub/device/hub/command.h"
#include "edgehub/device/hub/telemetry.h"
#include "edgehub/device/hub/telemetry_batch.h"

using namespace edgehub::device;
using namespace edgehub::device::hub;

TEST_CASE("telemetry envelope carries seq, ts and the caller's data as written") {
  char buffer[128];
  std::size_t length = 0;
  REQUIRE(build_telemetry(1732631234000123ULL, 1732631234000ULL, R"({"temperature": 21.5})", buffer,
                          sizeof(buffer), &length) == Status::ok);
  CHECK(std::string(buffer, length) ==
        R"({"seq":1732631234000123,"ts":1732631234000,"data":{"temperature": 21.5}})");
  REQUIRE(build_telemetry(0, kNoTimestamp, "[1,2]", buffer, sizeof(buffer), &length) == Status::ok);
  CHECK(std::string(buffer, length) == R"({"seq":0,"data":[1,2]})");
}

TEST_CASE("seq and ts are written in decimal exactly for any 64-bit value") {
  // The envelope's number writer divides by 10 without a 64-bit divide
  // instruction: check it against the standard library across the range.
  std::vector<std::uint64_t> values = {0,
                                       1,
                                       9,
                                       10,
                                       99,
                                       100,
                                       4294967295ULL,
                                       4294967296ULL,
                                       9999999999999999999ULL,
                                       10000000000000000000ULL,
                                       UINT64_MAX};
  std::mt19937_64 random(20261126);
  for (int i = 0; i < 20000; ++i) values.push_back(random() >> (random() % 64));
  for (std::uint64_t power = 1; power <= UINT64_MAX / 10; power *= 10) {
    values.push_back(power - 1);
    values.push_back(power);
    values.push_back(power * 10 - 1);
  }
  char buffer[128];
  std::size_t length = 0;
  for (const std::uint64_t value : values) {
    REQUIRE(build_telemetry(value, value, "1", buffer, sizeof(buffer), &length) == Status::ok);
    const std::string text = std::to_string(value);
    const std::string expected =
        "{\"seq\":" + text + (value == kNoTimestamp ? "" : ",\"ts\":" + text) + ",\"data\":1}";
    REQUIRE(std::string(buffer, length) == expected);
  }
}

TEST_CASE("telemetry into a buffer one byte short is buffer_too_small") {
  const std::string expected = R"({"seq":18446744073709551615,"ts":5,"data":"x"})";
  std::vector<char> buffer(expected.size());
  std::size_t length = 0;
  REQUIRE(build_telemetry(UINT64_MAX, 5, R"("x")", buffer.data(), buffer.size(), &length) ==
          Status::ok);
  CHECK(std::string(buffer.data(), length) == expected);
  CHECK(build_telemetry(UINT64_MAX, 5, R"("x")", buffer.data(), buffer.size() - 1, &length) ==
        Status::buffer_too_small);
  CHECK(expected.size() - 3 <= kTelemetryEnvelopeOverhead);
}

TEST_CASE("telemetry refuses data that is not JSON") {
  char buffer[128];
  std::size_t length = 0;
  CHECK(build_telemetry(1, 0, "", buffer, sizeof(buffer), &length) == Status::bad_parameter);
  CHECK(build_telemetry(1, 0, "{\"a\":", buffer, sizeof(buffer), &length) == Status::bad_parameter);
  CHECK(build_telemetry(1, 0, "1}", buffer, sizeof(buffer), &length) == Status::bad_parameter);
}

TEST_CASE("parse_command reads the documented command") {
  Command command;
  REQUIRE(
      parse_command(
          R"({"id": "c-7f3a2b", "name": "set-interval", "payload": {"interval_ms": 500}, "timeout_ms": 10000})",
          &command) == Status::ok);
  CHECK(command.id() == "c-7f3a2b");
  CHECK(command.name() == "set-interval");
  CHECK(command.payload() == R"({"interval_ms": 500})");
  CHECK(command.timeout_ms() == 10000);
}

TEST_CASE("parse_command decodes escapes in id and name and keeps the payload raw") {
  Command command;
  REQUIRE(
      parse_command(R"({"payload":[1,{"a":"}"}],"name":"p\u0069ng","id":"c\u002d1","extra":true})",
                    &command) == Status::ok);
  CHECK(command.id() == "c-1");
  CHECK(command.name() == "ping");
  CHECK(command.payload() == R"([1,{"a":"}"}])");
  CHECK(command.timeout_ms() == 0);
}

TEST_CASE("parse_command reads the hub's deadline, 0 when the command has none") {
  Command command;
  REQUIRE(
      parse_command(R"({"id":"c1","name":"ping","timeout_ms":10000,"deadline_ms":1764201600123})",
                    &command) == Status::ok);
  CHECK(command.deadline_ms() == 1764201600123ULL);
  REQUIRE(parse_command(R"({"id":"c1","name":"ping","deadline_ms":18446744073709551615})",
                        &command) == Status::ok);
  CHECK(command.deadline_ms() == UINT64_MAX);
  // A command parsed into the same object after one with a deadline has none.
  REQUIRE(parse_command(R"({"id":"c2","name":"ping"})", &command) == Status::ok);
  CHECK(command.deadline_ms() == 0);
}

TEST_CASE("a command whose deadline is not an unsigned integer is malformed, answerable 400") {
  for (const char* text : {R"({"id":"c1","name":"ping","deadline_ms":-1})",
                           R"({"id":"c1","name":"ping","deadline_ms":1.5})",
                           R"({"id":"c1","name":"ping","deadline_ms":"1764201600123"})",
                           R"({"id":"c1","name":"ping","deadline_ms":null})",
                           R"({"id":"c1","name":"ping","deadline_ms":18446744073709551616})",
                           R"({"id":"c1","name":"ping","deadline_ms":1,"deadline_ms":2})"}) {
    CAPTURE(text);
    Command command;
    CHECK(parse_command(text, &command) == Status::malformed);
    CHECK(command.id() == "c1");
  }
}

TEST_CASE("a command without payload has payload null") {
  Command command;
  REQUIRE(parse_command(R"({"id":"c1","name":"ping"})", &command) == Status::ok);
  CHECK(command.payload() == "null");
}

TEST_CASE("malformed commands without a usable id cannot be answered") {
  for (const char* text :
       {"", "not json", R"({"id":"c1","name":"ping")", R"([{"id":"c1"}])", R"({"name":"ping"})",
        R"({"id":"bad id","name":"ping"})", R"({"id":"","name":"ping"})",
        R"({"id":5,"name":"ping"})", R"({"id":"c1","id":"c2","name":"ping"})",
        R"({"id":"c1","name":"ping"} trailing)", R"({"id":"c\u00e9","name":"ping"})"}) {
    CAPTURE(text);
    Command command;
    CHECK(parse_command(text, &command) == Status::malformed);
    CHECK(command.id().empty());
  }
  Command command;
  const std::string long_id = R"({"id":")" + std::string(65, 'a') + R"(","name":"ping"})";
  CHECK(parse_command(long_id, &command) == Status::malformed);
  CHECK(command.id().empty());
  const std::string longest_id = R"({"id":")" + std::string(64, 'a') + R"(","name":"ping"})";
  CHECK(parse_command(longest_id, &command) == Status::ok);
}

TEST_CASE("malformed commands with a usable id keep it, so that they can be answered 400") {
  for (const char* text :
       {R"({"id":"c1"})", R"({"id":"c1","name":"no spaces"})", R"({"id":"c1","name":null})",
        R"({"id":"c1","name":"ping","timeout_ms":-1})",
        R"({"id":"c1","name":"ping","timeout_ms":4294967296})",
        R"({"id":"c1","name":"ping","timeout_ms":1.5})", R"({"id":"c1","name":"a","name":"b"})",
        R"({"id":"c1","name":"ping","payload":1,"payload":2})"}) {
    CAPTURE(text);
    Command command;
    CHECK(parse_command(text, &command) == Status::malformed);
    CHECK(command.id() == "c1");
  }
}

TEST_CASE("command response has the documented shape") {
  char buffer[160];
  std::size_t length = 0;
  REQUIRE(build_command_response("c-7f3a2b", 200, R"({"interval_ms":500})", buffer, sizeof(buffer),
                                 &length) == Status::ok);
  CHECK(std::string(buffer, length) ==
        R"({"id":"c-7f3a2b","status":200,"payload":{"interval_ms":500}})");
  REQUIRE(build_command_response("c1", 404, "", buffer, sizeof(buffer), &length) == Status::ok);
  CHECK(std::string(buffer, length) == R"({"id":"c1","status":404,"payload":null})");
}

TEST_CASE("command response into a buffer one byte short is buffer_too_small") {
  const std::string expected = R"({"id":"c1","status":500,"payload":[true]})";
  std::vector<char> buffer(expected.size());
  std::size_t length = 0;
  REQUIRE(build_command_response("c1", 500, "[true]", buffer.data(), buffer.size(), &length) ==
          Status::ok);
  CHECK(std::string(buffer.data(), length) == expected);
  CHECK(build_command_response("c1", 500, "[true]", buffer.data(), buffer.size() - 1, &length) ==
        Status::buffer_too_small);
}

TEST_CASE("the longest response envelope fits kResponseEnvelopeOverhead") {
  const std::string id(kMaxCommandIdLength, 'i');
  std::vector<char> buffer(kResponseEnvelopeOverhead + 4);
  std::size_t length = 0;
  REQUIRE(build_command_response(id, 599, "null", buffer.data(), buffer.size(), &length) ==
          Status::ok);
  CHECK(length == buffer.size());
}

TEST_CASE("command response refuses an invalid id, status or payload") {
  char buffer[160];
  std::size_t length = 0;
  CHECK(build_command_response("a b", 200, "1", buffer, sizeof(buffer), &length) ==
        Status::bad_parameter);
  CHECK(build_command_response("c1", 99, "1", buffer, sizeof(buffer), &length) ==
        Status::bad_parameter);
  CHECK(build_command_response("c1", 600, "1", buffer, sizeof(buffer), &length) ==
        Status::bad_parameter);
  CHECK(build_command_response("c1", 200, "{", buffer, sizeof(buffer), &length) ==
        Status::bad_parameter);
}

TEST_CASE("a telemetry batch (proposed envelope) holds each reading with its own seq") {
  char buffer[128];
  TelemetryBatch batch(buffer, sizeof buffer);
  std::string_view envelope;
  CHECK(batch.finish(&envelope) == Status::not_found);
  REQUIRE(batch.add(7, 1732631234000ULL, R"({"t":1})") == Status::ok);
  REQUIRE(batch.add(8, kNoTimestamp, "2") == Status::ok);
  REQUIRE(batch.finish(&envelope) == Status::ok);
  CHECK(envelope ==
        R"({"batch":[{"seq":7,"ts":1732631234000,"data":{"t":1}},{"seq":8,"data":2}]})");
  CHECK(batch.add(8, kNoTimestamp, "3") == Status::bad_parameter);  // seq must increase
  CHECK(batch.add(9, kNoTimestamp, "{oops") == Status::bad_parameter);
  CHECK(batch.count() == 2);
}

TEST_CASE("a reading that does not fit leaves the batch complete and sendable") {
  // Exactly room for one reading: {"batch":[{"seq":1,"data":1}]} is 30 bytes.
  char buffer[30];
  TelemetryBatch batch(buffer, sizeof buffer);
  REQUIRE(batch.add(1, kNoTimestamp, "1") == Status::ok);
  CHECK(batch.add(2, kNoTimestamp, "1") == Status::buffer_too_small);
  std::string_view envelope;
  REQUIRE(batch.finish(&envelope) == Status::ok);
  CHECK(envelope == R"({"batch":[{"seq":1,"data":1}]})");
  char one_short[29];
  TelemetryBatch tight(one_short, sizeof one_short);
  CHECK(tight.add(1, kNoTimestamp, "1") == Status::buffer_too_small);
  CHECK(tight.finish(&envelope) == Status::not_found);
}
