#include "edgehub/protocol/payloads.h"

#include <doctest/doctest.h>

#include <chrono>
#include <stdexcept>
#include <string>

using namespace edgehub;
using namespace edgehub::protocol;

TEST_CASE("telemetry round-trips through build and parse") {
  TelemetryEnvelope envelope;
  envelope.seq = 18446744073709551615ULL;
  envelope.device_time_ms = 1732631234000;
  envelope.data_json = R"({"temperature":21.5,"tags":["a"]})";
  auto parsed = parse_telemetry(build_telemetry(envelope));
  REQUIRE(parsed.ok());
  CHECK(parsed->seq == envelope.seq);
  CHECK(parsed->device_time_ms == envelope.device_time_ms);
  CHECK(parsed->data_json == envelope.data_json);
}

TEST_CASE("telemetry without ts has no device time") {
  auto parsed = parse_telemetry(R"({"seq":1,"data":3})");
  REQUIRE(parsed.ok());
  CHECK_FALSE(parsed->device_time_ms.has_value());
  CHECK(parsed->data_json == "3");
}

TEST_CASE("malformed telemetry is refused with a reason an operator can read") {
  auto not_json = parse_telemetry("{temperature: 5");
  REQUIRE_FALSE(not_json.ok());
  CHECK(not_json.error().code == ErrorCode::invalid_argument);
  CHECK(not_json.error().message.find("not valid JSON") == 0);

  auto not_object = parse_telemetry("[1,2]");
  REQUIRE_FALSE(not_object.ok());
  CHECK(not_object.error().message == "payload is not a JSON object");

  auto no_seq = parse_telemetry(R"({"data":1})");
  REQUIRE_FALSE(no_seq.ok());
  CHECK(no_seq.error().message == "missing field 'seq'");

  auto negative_seq = parse_telemetry(R"({"seq":-1,"data":1})");
  REQUIRE_FALSE(negative_seq.ok());
  CHECK(negative_seq.error().message == "field 'seq' is not an unsigned integer");

  auto no_data = parse_telemetry(R"({"seq":1})");
  REQUIRE_FALSE(no_data.ok());
  CHECK(no_data.error().message == "missing field 'data'");

  auto bad_ts = parse_telemetry(R"({"seq":1,"data":1,"ts":"now"})");
  REQUIRE_FALSE(bad_ts.ok());
  CHECK(bad_ts.error().message == "field 'ts' is not an integer");

  auto empty = parse_telemetry("");
  REQUIRE_FALSE(empty.ok());
  CHECK(empty.error().message.find("not valid JSON") == 0);
}

TEST_CASE("commands round-trip and validate id, name and timeout") {
  CommandRequest command{"c-1", "set-interval", R"({"interval_ms":500})", 10000};
  auto parsed = parse_command(build_command(command));
  REQUIRE(parsed.ok());
  CHECK(parsed->id == "c-1");
  CHECK(parsed->name == "set-interval");
  CHECK(parsed->payload_json == R"({"interval_ms":500})");
  CHECK(parsed->timeout_ms == 10000);

  CHECK_FALSE(parse_command(R"({"name":"ping"})").ok());
  CHECK_FALSE(parse_command(R"({"id":"a/b","name":"ping"})").ok());
  CHECK_FALSE(parse_command(R"({"id":"c","name":""})").ok());
  CHECK_FALSE(parse_command(R"({"id":"c","name":"ping","timeout_ms":-5})").ok());
  CHECK_FALSE(parse_command(R"({"id":"c","name":"ping","timeout_ms":4294967296})").ok());
  auto minimal = parse_command(R"({"id":"c","name":"ping"})");
  REQUIRE(minimal.ok());
  CHECK(minimal->payload_json == "null");
  CHECK_FALSE(minimal->deadline_ms.has_value());
}

TEST_CASE("a command's deadline is the last field when given and absent otherwise") {
  CommandRequest command{"c-1", "ping", "null", 5000};
  CHECK(build_command(command) == R"({"id":"c-1","name":"ping","payload":null,"timeout_ms":5000})");
  command.deadline_ms = 1764201600123;
  const std::string text = build_command(command);
  CHECK(
      text ==
      R"({"id":"c-1","name":"ping","payload":null,"timeout_ms":5000,"deadline_ms":1764201600123})");
  auto parsed = parse_command(text);
  REQUIRE(parsed.ok());
  CHECK(parsed->deadline_ms == std::optional<std::int64_t>(1764201600123));

  CHECK_FALSE(parse_command(R"({"id":"c","name":"ping","deadline_ms":-1})").ok());
  CHECK_FALSE(parse_command(R"({"id":"c","name":"ping","deadline_ms":"soon"})").ok());
  CHECK_FALSE(parse_command(R"({"id":"c","name":"ping","deadline_ms":9223372036854775808})").ok());
}

TEST_CASE("command responses round-trip and validate status") {
  CommandResponse response{"c-1", 404, R"({"error":"unknown command"})"};
  auto parsed = parse_command_response(build_command_response(response));
  REQUIRE(parsed.ok());
  CHECK(parsed->id == "c-1");
  CHECK(parsed->status == 404);
  CHECK(parsed->payload_json == R"({"error":"unknown command"})");

  auto no_status = parse_command_response(R"({"id":"c-1"})");
  REQUIRE_FALSE(no_status.ok());
  CHECK(no_status.error().message == "missing integer field 'status'");
  auto out_of_range = parse_command_response(R"({"id":"c-1","status":99})");
  REQUIRE_FALSE(out_of_range.ok());
  CHECK(out_of_range.error().message == "field 'status' is outside 100..599");
}

TEST_CASE("builders refuse JSON text that is not JSON (caller bug)") {
  TelemetryEnvelope envelope;
  envelope.data_json = "{oops";
  CHECK_THROWS_AS(build_telemetry(envelope), std::invalid_argument);
}

TEST_CASE("canonical_json normalises whitespace and refuses garbage") {
  auto canonical = canonical_json(" { \"a\" : [ 1 , 2 ] } ");
  REQUIRE(canonical.ok());
  CHECK(*canonical == R"({"a":[1,2]})");
  CHECK_FALSE(canonical_json("nope").ok());
}

TEST_CASE("a payload with a NUL byte is refused, not cut short at it") {
  const std::string payload("{\"seq\":1,\"data\":1}\0tail", 23);
  const auto parsed = parse_telemetry(payload);
  REQUIRE_FALSE(parsed.ok());
  CHECK(parsed.error().message == "not valid JSON: NUL byte at position 18");
  CHECK_FALSE(parse_telemetry_message(payload).ok());
}

TEST_CASE("a telemetry batch gives one reading per element, valid or not") {
  const auto message = parse_telemetry_message(
      R"({"batch":[{"seq":1,"data":{"t":1}},{"seq":"x","data":2},{"seq":3,"ts":9,"data":[1]}]})");
  REQUIRE(message.ok());
  CHECK(message->batch);
  REQUIRE(message->readings.size() == 3);
  REQUIRE(message->readings[0].envelope.has_value());
  CHECK(message->readings[0].envelope->data_json == R"({"t":1})");
  CHECK_FALSE(message->readings[1].envelope.has_value());
  CHECK(message->readings[1].problem == "field 'seq' is not an unsigned integer");
  CHECK(message->readings[1].text == R"({"seq":"x","data":2})");
  CHECK(message->readings[2].envelope->device_time_ms == std::optional<std::int64_t>(9));

  const auto single = parse_telemetry_message(R"({"seq":5,"data":true})");
  REQUIRE(single.ok());
  CHECK_FALSE(single->batch);
  REQUIRE(single->readings.size() == 1);
  CHECK(single->readings[0].envelope->seq == 5);
}

TEST_CASE("every parser refuses JSON nested deeper than the limit before parsing it") {
  const std::string deep = std::string(100000, '[') + std::string(100000, ']');
  const std::string reason = "JSON nested deeper than 32 levels";
  CHECK(parse_telemetry(R"({"seq":1,"data":)" + deep + "}").error().message == reason);
  CHECK(parse_telemetry_message(R"({"batch":[{"seq":1,"data":)" + deep + "}]}").error().message ==
        reason);
  CHECK(parse_command(R"({"id":"c1","name":"x","payload":)" + deep + "}").error().message ==
        reason);
  const auto response =
      parse_command_response(R"({"id":"c1","status":200,"payload":)" + deep + "}");
  REQUIRE_FALSE(response.ok());
  CHECK(response.error().code == ErrorCode::invalid_argument);
  CHECK(response.error().message == reason);
  CHECK(canonical_json(deep).error().message == reason);
  // A response at the limit is fine: {"payload": <31 levels>} is 32.
  CHECK(parse_command_response(R"({"id":"c1","status":200,"payload":)" + std::string(31, '[') +
                               std::string(31, ']') + "}")
            .ok());
}

TEST_CASE("a batch of more readings than the limit is refused whole as too large") {
  std::string batch = R"({"batch":[1)";
  for (int i = 1; i < 1001; ++i) batch += ",1";
  batch += "]}";
  const auto refused = parse_telemetry_message(batch);
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.error().code == ErrorCode::too_large);
  CHECK(refused.error().message == "batch too large: 1001 readings > 1000");
  auto at_limit = parse_telemetry_message(batch, 1001);
  REQUIRE(at_limit.ok());
  CHECK(at_limit->readings.size() == 1001);
}

TEST_CASE("telemetry with one object of 25,000 keys is refused before parsing, quickly") {
  std::string data = "{";
  for (int i = 0; i < 25000; ++i)
    data += std::string(i > 0 ? "," : "") + "\"k" + std::to_string(i) + "\":1";
  data += "}";
  const auto start = std::chrono::steady_clock::now();
  const auto refused = parse_telemetry_message(R"({"seq":1,"data":)" + data + "}");
  const auto took = std::chrono::steady_clock::now() - start;
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.error().message == "JSON object with more than 1000 members");
  CHECK(took < std::chrono::milliseconds(100));  // parsing it took 0.9 s
}
