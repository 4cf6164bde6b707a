#include "edgehub/protocol/json_limits.h"

#include <doctest/doctest.h>

#include <chrono>
#include <string>

using namespace edgehub;
using namespace edgehub::protocol;

namespace {

std::string nested_arrays(std::size_t levels) {
  return std::string(levels, '[') + std::string(levels, ']');
}

std::string nested_objects(std::size_t levels) {
  std::string text;
  for (std::size_t i = 0; i < levels; ++i) text += "{\"a\":";
  text += "1";
  text += std::string(levels, '}');
  return text;
}

}  // namespace

TEST_CASE("json_nesting_depth counts levels of objects and arrays") {
  CHECK(json_nesting_depth("") == 0);
  CHECK(json_nesting_depth("1") == 0);
  CHECK(json_nesting_depth("\"text\"") == 0);
  CHECK(json_nesting_depth("{}") == 1);
  CHECK(json_nesting_depth("[1,2,3]") == 1);
  CHECK(json_nesting_depth("[[1],[2]]") == 2);
  CHECK(json_nesting_depth(R"({"a":[{"b":{}}],"c":1})") == 4);
  CHECK(json_nesting_depth(nested_objects(40)) == 40);
}

TEST_CASE("brackets inside strings do not count, escaped quotes do not end a string") {
  CHECK(json_nesting_depth(R"({"key[[[":"{{{{[[["})") == 1);
  CHECK(json_nesting_depth(R"(["a \" [[[[ still inside", 1])") == 1);
  CHECK(json_nesting_depth(R"(["ends with a backslash \\", [[2]]])") == 3);
  CHECK(json_nesting_depth(R"(["\\\"[[[", {}])") == 2);
  // An unterminated string hides the rest: the parser refuses the text anyway.
  CHECK(json_nesting_depth(R"(["open [[[[)") == 1);
}

TEST_CASE("stray closing brackets do not hide the nesting after them") {
  CHECK(json_nesting_depth("]]]][[[") == 3);
  CHECK(json_nesting_depth("}}{") == 1);
}

TEST_CASE("check_json_depth: exactly at the limit passes, one over is refused with the reason") {
  CHECK(check_json_depth(nested_arrays(32), 32).ok());
  CHECK(check_json_depth(nested_objects(32), 32).ok());

  const Status over = check_json_depth(nested_arrays(33), 32);
  REQUIRE_FALSE(over.ok());
  CHECK(over.error().code == ErrorCode::invalid_argument);
  CHECK(over.error().message == "JSON nested deeper than 32 levels");

  const Status objects_over = check_json_depth(nested_objects(33), 32);
  REQUIRE_FALSE(objects_over.ok());
  CHECK(objects_over.error().message == "JSON nested deeper than 32 levels");

  CHECK(check_json_depth(nested_arrays(5), 4).error().message ==
        "JSON nested deeper than 4 levels");
}

TEST_CASE("100,000 levels (200 KB) are refused quickly, without recursion") {
  const std::string hostile = nested_arrays(100000);
  REQUIRE(hostile.size() == 200000);
  const auto start = std::chrono::steady_clock::now();
  const Status checked = check_json_depth(hostile, 32);
  const auto took = std::chrono::steady_clock::now() - start;
  REQUIRE_FALSE(checked.ok());
  CHECK(checked.error().message == "JSON nested deeper than 32 levels");
  CHECK(took < std::chrono::milliseconds(50));
  // Counted to the end without a limit: still no recursion.
  CHECK(json_nesting_depth(hostile) == 100000);
  // Deep nesting hidden inside a string is harmless text.
  CHECK(check_json_depth("\"" + hostile + "\"", 32).ok());
}

TEST_CASE("json_member_count counts object members at every level, not colons in strings") {
  CHECK(json_member_count("{}") == 0);
  CHECK(json_member_count("[1,2,{}]") == 0);
  CHECK(json_member_count(R"({"a":1,"b":{"c":2,"d":[{"e":3}]}})") == 5);
  CHECK(json_member_count(R"({"time 12:30":"at 12:30:00","x\":y":1})") == 2);
}

TEST_CASE("the process-wide limit defaults to 32 and is clamped when set") {
  REQUIRE(max_json_depth() == kDefaultMaxJsonDepth);
  CHECK(check_json_depth(nested_arrays(32)).ok());
  CHECK_FALSE(check_json_depth(nested_arrays(33)).ok());

  set_max_json_depth(40);
  CHECK(max_json_depth() == 40);
  CHECK(check_json_depth(nested_arrays(40)).ok());
  CHECK(check_json_depth(nested_arrays(41)).error().message == "JSON nested deeper than 40 levels");

  set_max_json_depth(0);
  CHECK(max_json_depth() == 1);
  set_max_json_depth(1000000);
  CHECK(max_json_depth() == kMaxJsonDepthSetting);
  set_max_json_depth(kDefaultMaxJsonDepth);
}

TEST_CASE("json_widest_object finds the object with the most members, arrays do not count") {
  CHECK(json_widest_object("[1,2,3,4]") == 0);
  CHECK(json_widest_object(R"({"a":1,"b":{"c":1,"d":2,"e":3},"f":[{"g":1}]})") == 3);
  CHECK(json_widest_object(R"({"a:b":"c:d","e":1})") == 2);
}

TEST_CASE("check_untrusted_json: 1,000 members in one object pass, 1,001 do not") {
  const auto object_with = [](std::size_t members) {
    std::string text = "{";
    for (std::size_t i = 0; i < members; ++i) {
      if (i > 0) text += ',';
      text += "\"k" + std::to_string(i) + "\":1";
    }
    return text + "}";
  };
  CHECK(check_untrusted_json(object_with(1000)).ok());
  const Status wide = check_untrusted_json(object_with(1001));
  REQUIRE_FALSE(wide.ok());
  CHECK(wide.error().code == ErrorCode::invalid_argument);
  CHECK(wide.error().message == "JSON object with more than 1000 members");
  // Many small objects are fine: only one object's width matters.
  std::string many = "[";
  for (int i = 0; i < 5000; ++i) many += std::string(i > 0 ? "," : "") + R"({"a":1,"b":2})";
  CHECK(check_untrusted_json(many + "]").ok());
  CHECK(check_untrusted_json(std::string(100000, '[')).error().message ==
        "JSON nested deeper than 32 levels");
}
