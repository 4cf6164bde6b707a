// The heap-free JSON scanner the SDK reads commands with.
#include "edgehub/device/hub/json_scanner.h"

#include <doctest/doctest.h>

#include <string>

#include "edgehub/device/config.h"

using namespace edgehub::device;
using namespace edgehub::device::json;

TEST_CASE("validate accepts every kind of JSON value") {
  for (const char* text :
       {"0", "-1", "1.5", "-0.25e+3", "1E5", "true", "false", "null", R"("")", R"("a\"b\\c\/\n")",
        R"("\u00e9\uD83D\uDE00")", "[]", "[1, [2, {}], \"x\"]", "{}",
        R"( { "a" : { "b" : [ true , null ] } } )", "\t\r\n 7 \n"}) {
    CAPTURE(text);
    CHECK(validate(text) == Status::ok);
  }
}

TEST_CASE("validate refuses text that is not exactly one JSON value") {
  for (const char* text : {"",           " ",
                           "{",          "}",
                           "[1,]",       "[,1]",
                           "{\"a\"}",    "{\"a\":}",
                           "{\"a\":1,}", "{a:1}",
                           "01",         "1.",
                           ".5",         "-",
                           "1e",         "+1",
                           "tru",        "nul",
                           "True",       "\"abc",
                           "\"a\\x\"",   "\"\\u12G4\"",
                           "\"\\u12\"",  "1 2",
                           "{} {}",      "[1] x",
                           "'a'",        "\"tab\there\"",
                           "NaN",        "{\"a\":1 \"b\":2}"}) {
    CAPTURE(text);
    CHECK(validate(text) == Status::malformed);
  }
  CHECK(validate(std::string_view("\"a\0b\"", 5)) == Status::malformed);
}

TEST_CASE("nesting up to the configured depth is accepted, one deeper is refused") {
  const std::size_t depth = config::kJsonMaxDepth;
  const std::string fits = std::string(depth, '[') + std::string(depth, ']');
  const std::string too_deep = std::string(depth + 1, '[') + std::string(depth + 1, ']');
  CHECK(validate(fits) == Status::ok);
  CHECK(validate(too_deep) == Status::malformed);
  // A deeply nested bomb is refused without exhausting the stack.
  CHECK(validate(std::string(100'000, '[')) == Status::malformed);
}

TEST_CASE("ObjectReader walks members and gives raw values") {
  ObjectReader reader(R"( {"a": 1, "b" : {"c": [1,2]}, "d\u0065": "x"} )");
  std::string_view key;
  std::string_view value;
  REQUIRE(reader.next(&key, &value) == Status::ok);
  CHECK(key == "a");
  CHECK(value == "1");
  REQUIRE(reader.next(&key, &value) == Status::ok);
  CHECK(key == "b");
  CHECK(value == R"({"c": [1,2]})");
  REQUIRE(reader.next(&key, &value) == Status::ok);
  CHECK(string_equals(key, "de"));
  CHECK(value == R"("x")");
  CHECK(reader.next(&key, &value) == Status::not_found);
  CHECK(reader.next(&key, &value) == Status::not_found);
}

TEST_CASE("ObjectReader refuses what is not an object") {
  std::string_view key;
  std::string_view value;
  ObjectReader array("[1]");
  CHECK(array.next(&key, &value) == Status::malformed);
  ObjectReader broken(R"({"a":1 "b":2})");
  REQUIRE(broken.next(&key, &value) == Status::ok);
  CHECK(broken.next(&key, &value) == Status::malformed);
  ObjectReader empty("{}");
  CHECK(empty.next(&key, &value) == Status::not_found);
}

TEST_CASE("find_member finds a key written with escapes") {
  std::string_view value;
  REQUIRE(find_member(R"({"x":0,"interval\u005fms":500})", "interval_ms", &value) == Status::ok);
  CHECK(value == "500");
  CHECK(find_member(R"({"x":0})", "interval_ms", &value) == Status::not_found);
  CHECK(find_member("null", "interval_ms", &value) == Status::malformed);
}

TEST_CASE("read_string decodes escapes, \\u escapes and surrogate pairs to UTF-8") {
  char out[32];
  std::size_t length = 0;
  REQUIRE(read_string(R"("a\"b\\c\/\n\t")", out, sizeof(out), &length) == Status::ok);
  CHECK(std::string(out, length) == "a\"b\\c/\n\t");
  REQUIRE(read_string(R"("\u0041\u00e9\u20AC\uD83D\uDE00")", out, sizeof(out), &length) ==
          Status::ok);
  CHECK(std::string(out, length) == "A\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80");
  CHECK(read_string(R"("\uD83D")", out, sizeof(out), &length) == Status::malformed);
  CHECK(read_string(R"("\uDE00")", out, sizeof(out), &length) == Status::malformed);
  CHECK(read_string(R"("\uD83Dx")", out, sizeof(out), &length) == Status::malformed);
  CHECK(read_string("42", out, sizeof(out), &length) == Status::malformed);
  CHECK(read_string(R"("abc" )", out, sizeof(out), &length) == Status::malformed);
}

TEST_CASE("read_string into a buffer one byte short is buffer_too_small") {
  char out[8];
  std::size_t length = 0;
  REQUIRE(read_string(R"("abcd")", out, 4, &length) == Status::ok);
  CHECK(read_string(R"("abcd")", out, 3, &length) == Status::buffer_too_small);
  REQUIRE(read_string(R"("\u00e9")", out, 2, &length) == Status::ok);
  CHECK(read_string(R"("\u00e9")", out, 1, &length) == Status::buffer_too_small);
}

TEST_CASE("read_uint64 takes non-negative integers that fit 64 bits") {
  std::uint64_t value = 0;
  REQUIRE(read_uint64("0", &value) == Status::ok);
  CHECK(value == 0);
  REQUIRE(read_uint64("18446744073709551615", &value) == Status::ok);
  CHECK(value == UINT64_MAX);
  for (const char* text : {"18446744073709551616", "-1", "1.0", "01", "1e3", "", "\"5\"", " 5"}) {
    CAPTURE(text);
    CHECK(read_uint64(text, &value) == Status::malformed);
  }
}

TEST_CASE("read_members picks the named members of an object, absent ones empty") {
  static constexpr std::string_view kNames[] = {"a", "b", "c"};
  std::string_view values[3];
  REQUIRE(json::read_members(R"({"b":[1,{"x":2}],"z":null,"a":"t\u0061"})", kNames, 3, values) ==
          Status::ok);
  CHECK(values[0] == R"("t\u0061")");
  CHECK(values[1] == R"([1,{"x":2}])");
  CHECK(values[2].empty());
}

TEST_CASE("read_members refuses broken JSON, non-objects and members given twice") {
  static constexpr std::string_view kNames[] = {"a", "b"};
  std::string_view values[2];
  CHECK(json::read_members(R"({"a":1,"b":2} x)", kNames, 2, values) == Status::malformed);
  CHECK(values[0].empty());
  CHECK(json::read_members("[1]", kNames, 2, values) == Status::malformed);
  // The duplicated member is left empty, the others are still read.
  CHECK(json::read_members(R"({"a":1,"b":2,"a":3})", kNames, 2, values) == Status::malformed);
  CHECK(values[0].empty());
  CHECK(values[1] == "2");
  std::string_view value;
  CHECK(json::find_member(R"({"a":1,"a":2})", "a", &value) == Status::malformed);
}

TEST_CASE("is_object accepts one JSON object with whitespace around it, nothing else") {
  CHECK(json::is_object(" {\"a\":[]} "));
  CHECK(json::is_object("{}"));
  CHECK_FALSE(json::is_object("[]"));
  CHECK_FALSE(json::is_object("{} {}"));
  CHECK_FALSE(json::is_object(""));
  CHECK_FALSE(json::is_object("{\"a\":}"));
}
