// Route conditions and projections as SQLite evaluates them: missing fields,
// wrong types, nested objects, arrays, attributes, refused constructs.
#include "routing/route_expression.h"

#include <doctest/doctest.h>

#include <chrono>
#include <string>

using namespace edgehub;
using namespace edgehub::hub;

namespace {

struct Sample {
  std::string device = "boiler-7";
  std::string data = R"({"temperature": 31.5, "unit": "C", "count": 3, "ok": true,
      "text_number": "40", "nothing": null, "a": {"b": {"c": 5}}, "list": [10, 20, 30],
      "name": "it's"})";
  std::string attributes = R"({"room": "cellar", "floor": -1})";

  RouteMessage message() const { return RouteMessage{device, 42, 1700000000000, data, attributes}; }
};

// Evaluates one condition against the sample; fails the test if it does not compile.
bool matches(std::string_view condition, const Sample& sample = {}) {
  RouteEngine engine;
  auto compiled = engine.compile(condition, "");
  INFO(condition << ": " << (compiled ? std::string() : compiled.error().message));
  REQUIRE(compiled.ok());
  auto evaluation = (*compiled)->evaluate(sample.message());
  INFO((evaluation ? std::string() : evaluation.error().message));
  REQUIRE(evaluation.ok());
  return evaluation->matched;
}

std::string project(std::string_view projection, const Sample& sample = {}) {
  RouteEngine engine;
  auto compiled = engine.compile("1", projection);
  INFO(projection << ": " << (compiled ? std::string() : compiled.error().message));
  REQUIRE(compiled.ok());
  auto evaluation = (*compiled)->evaluate(sample.message());
  INFO((evaluation ? std::string() : evaluation.error().message));
  REQUIRE(evaluation.ok());
  REQUIRE(evaluation->output.has_value());
  return *evaluation->output;
}

std::string compile_error(std::string_view condition, std::string_view projection = "") {
  RouteEngine engine;
  auto compiled = engine.compile(condition, projection);
  REQUIRE_FALSE(compiled.ok());
  CHECK(compiled.error().code == ErrorCode::invalid_argument);
  return compiled.error().message;
}

}  // namespace

TEST_CASE("a numeric comparison on a data field matches when it holds and not otherwise") {
  CHECK(matches("$.temperature > 30"));
  CHECK_FALSE(matches("$.temperature > 40"));
  CHECK(matches("$.temperature > 30 AND device LIKE 'boiler-%'"));
  CHECK_FALSE(matches("$.temperature > 30 AND device LIKE 'pump-%'"));
}

TEST_CASE("a missing field is NULL: no comparison on it matches, IS NULL does") {
  CHECK_FALSE(matches("$.humidity > 30"));
  CHECK_FALSE(matches("$.humidity <= 30"));
  CHECK_FALSE(matches("NOT ($.humidity > 30)"));
  CHECK(matches("$.humidity IS NULL"));
  CHECK(matches("$.nothing IS NULL"));
  CHECK_FALSE(matches("$.a.x.y = 1"));
}

TEST_CASE("wrong types follow SQLite's ordering: text compares greater than any number") {
  // "40" is TEXT: TEXT > INTEGER for every text, so both of these hold.
  CHECK(matches("$.text_number > 30"));
  CHECK(matches("$.text_number > 1000"));
  CHECK_FALSE(matches("$.text_number = 40"));
  // An explicit CAST compares numbers.
  CHECK(matches("CAST($.text_number AS REAL) > 30"));
  CHECK_FALSE(matches("CAST($.text_number AS REAL) > 1000"));
  // A number is never equal to text; a JSON boolean is 1.
  CHECK_FALSE(matches("$.temperature = 'hot'"));
  CHECK(matches("$.ok = 1"));
  CHECK(matches("$.ok"));
  // An object used as a number: its JSON text, so text > number again.
  CHECK(matches("$.a > 100"));
  CHECK(matches("json_type($.temperature) = 'real' AND typeof($.count) = 'integer'"));
}

TEST_CASE("nested objects and arrays are reached with paths") {
  CHECK(matches("$.a.b.c = 5"));
  CHECK(matches("$.list[0] = 10"));
  CHECK(matches("$.list[#-1] = 30"));
  CHECK(matches("json_array_length($.list) = 3"));
  CHECK_FALSE(matches("$.list[5] IS NOT NULL"));
  CHECK(matches("json_extract(payload, '$.a.b.c') = 5"));
}

TEST_CASE("device, seq, received_at_ms and registry attributes are available") {
  CHECK(matches("device = 'boiler-7' AND seq = 42 AND received_at_ms = 1700000000000"));
  CHECK(matches("attributes.$.room = 'cellar' AND attributes.$.floor < 0"));
  CHECK_FALSE(matches("attributes.$.missing = 'x'"));
  CHECK(matches("$.name = 'it''s'"));
}

TEST_CASE("a path inside a string literal is text, not data") {
  CHECK(matches("'$.temperature' = '$.temperature'"));
}

TEST_CASE("a projection builds the routed payload as JSON, with attributes") {
  CHECK(project("json_object('t', $.temperature, 'room', attributes.$.room)") ==
        R"({"t":31.5,"room":"cellar"})");
  CHECK(project("json_object('abc', $.a.b)") == R"({"abc":{"c":5}})");
  CHECK(project("$.temperature") == "31.5");
  CHECK(project("$.unit") == R"("C")");
  CHECK(project("$.missing") == "null");
  CHECK(project("$.list") == "[10,20,30]");
}

TEST_CASE("without a projection the data is routed as is") {
  RouteEngine engine;
  auto compiled = engine.compile("1", "");
  REQUIRE(compiled.ok());
  const Sample sample;
  auto evaluation = (*compiled)->evaluate(sample.message());
  REQUIRE(evaluation.ok());
  CHECK(evaluation->output == sample.data);
}

TEST_CASE("a condition that does not compile is refused with SQLite's message") {
  CHECK(compile_error("$.temperature >").find("syntax error") != std::string::npos);
  CHECK(compile_error("no_such_column > 1").find("no such column: no_such_column") !=
        std::string::npos);
  CHECK(compile_error("nosuchfunction(1)").find("no such function: nosuchfunction") !=
        std::string::npos);
  CHECK(compile_error("1", "json_object('a'").find("projection") != std::string::npos);
}

TEST_CASE("constructs that could escape the expression or touch files are refused") {
  CHECK(compile_error("1; DROP TABLE x").find("';'") != std::string::npos);
  CHECK(compile_error("load_extension('x')").find("load_extension") != std::string::npos);
  CHECK(compile_error("zeroblob(1000000000)").find("zeroblob") != std::string::npos);
  CHECK(compile_error("(SELECT count(*) FROM sqlite_master) > 0").find("not allowed") !=
        std::string::npos);
  CHECK(compile_error("1) THEN 1 ELSE 0 END, (1").find("unbalanced") != std::string::npos);
  CHECK_FALSE(compile_error("1) THEN 1 ELSE 0 END FROM (SELECT 1) --").empty());
  CHECK(compile_error("$name = 1").find("'$'") != std::string::npos);
  CHECK(compile_error("?1 = 1").find("parameters") != std::string::npos);
  CHECK(compile_error("'unterminated").find("unterminated") != std::string::npos);
  CHECK(compile_error("(WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) "
                      "SELECT count(*) FROM c) > 0")
            .find("not allowed") != std::string::npos);
}

TEST_CASE("an evaluation that fails for one message reports SQLite's message") {
  RouteEngine engine;
  auto compiled = engine.compile("1", "json($.unit)");
  REQUIRE(compiled.ok());
  auto evaluation = (*compiled)->evaluate(Sample{}.message());
  REQUIRE_FALSE(evaluation.ok());
  CHECK(evaluation.error().message.find("malformed JSON") != std::string::npos);
  // The statement is usable again for the next message.
  Sample good;
  good.data = R"({"unit": [1]})";
  auto next = (*compiled)->evaluate(good.message());
  REQUIRE(next.ok());
  CHECK(next->output == "[1]");
}

TEST_CASE("an expression doing unbounded work is cut off") {
  RouteEngine engine;
  auto compiled = engine.compile(
      "length(replace(hex(printf('%.*c', 1000000, 'x')), '78', 'yy')) > 0 "
      "AND length(printf('%.*c', 10000000, 'x')) > 0",
      "");
  if (compiled.ok()) {
    auto evaluation = (*compiled)->evaluate(Sample{}.message());
    // Either refused for its size or completed: never hangs, never crashes.
    CHECK((evaluation.ok() || !evaluation.error().message.empty()));
  } else {
    CHECK_FALSE(compiled.error().message.empty());
  }
}

namespace {

// A long run of 'a' and a pattern that makes LIKE compare it at every
// position (SQLite's LIKE is pattern length x text length).
std::string long_text(std::size_t bytes = 256 * 1024) { return std::string(bytes, 'a'); }
std::string slow_pattern(std::size_t literal = 98) { return "%" + std::string(literal, 'a') + "b"; }

std::chrono::milliseconds elapsed_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() -
                                                               start);
}

}  // namespace

TEST_CASE("the pattern from the issue is answered at once, not in seconds") {
  RouteEngine engine;
  auto compiled = engine.compile("$.text LIKE '%a%a%a%a%a%a%a%a%a%a%b'", "");
  REQUIRE(compiled.ok());
  Sample sample;
  sample.data = R"({"text": ")" + long_text() + R"("})";
  const auto start = std::chrono::steady_clock::now();
  auto evaluation = (*compiled)->evaluate(sample.message());
  REQUIRE(evaluation.ok());
  CHECK_FALSE(evaluation->matched);
  CHECK(elapsed_since(start) < std::chrono::milliseconds(50));
}

TEST_CASE("a LIKE or GLOB pattern over 100 bytes is refused, also when a device sends it") {
  RouteEngine engine;
  Sample sample;
  sample.data = R"({"text": "aaa", "pattern": ")" + slow_pattern(200) + R"("})";
  for (const char* condition :
       {"$.text LIKE $.pattern", "$.text GLOB $.pattern", "$.text LIKE $.pattern ESCAPE '!'"}) {
    CAPTURE(condition);
    auto compiled = engine.compile(condition, "");
    REQUIRE(compiled.ok());
    auto evaluation = (*compiled)->evaluate(sample.message());
    REQUIRE_FALSE(evaluation.ok());
    CHECK(evaluation.error().code == ErrorCode::too_large);
    CHECK(evaluation.error().message.find("pattern too complex") != std::string::npos);
  }
}

TEST_CASE("LIKE and GLOB keep SQLite's meaning under the budget") {
  CHECK(matches("device LIKE 'BOILER-%'"));        // case-insensitive
  CHECK_FALSE(matches("device GLOB 'BOILER-*'"));  // case-sensitive
  CHECK(matches("device GLOB 'boiler-[0-9]'"));
  CHECK(matches("device NOT LIKE 'pump%'"));
  CHECK(matches("'50%' LIKE '50!%' ESCAPE '!'"));
  CHECK_FALSE(matches("'500' LIKE '50!%' ESCAPE '!'"));
  CHECK(matches("$.nothing LIKE '%' IS NULL"));
}

TEST_CASE("a condition of many slow matches is cut off at its time budget") {
  RouteEngine engine(std::chrono::milliseconds(50));
  std::string condition = "$.text LIKE $.pattern";
  for (int i = 0; i < 40; ++i) condition += " OR $.text LIKE $.pattern";
  auto compiled = engine.compile(condition, "");
  REQUIRE(compiled.ok());
  Sample sample;
  sample.data = R"({"text": ")" + long_text() + R"(", "pattern": ")" + slow_pattern() + R"("})";
  const auto start = std::chrono::steady_clock::now();
  auto evaluation = (*compiled)->evaluate(sample.message());
  const auto took = elapsed_since(start);
  REQUIRE_FALSE(evaluation.ok());
  CHECK(evaluation.error().code == ErrorCode::timeout);
  CHECK(evaluation.error().message.find("exceeded its budget") != std::string::npos);
  // 41 matches at up to ~45 ms each without the budget; one match past it with.
  CHECK(took < std::chrono::milliseconds(400));
  // The next message gets a fresh budget.
  auto next = (*compiled)->evaluate(Sample{}.message());
  REQUIRE(next.ok());
  CHECK_FALSE(next->matched);
}

TEST_CASE("expressions nested deeper than 100 are refused") {
  RouteEngine engine;
  std::string condition = "1";
  for (int i = 0; i < 150; ++i) condition += " + 1";  // a chain of 150 additions, 150 deep
  auto compiled = engine.compile(condition + " > 0", "");
  REQUIRE_FALSE(compiled.ok());
  INFO(compiled.error().message);
  CHECK(compiled.error().message.find("too large") != std::string::npos);
}
