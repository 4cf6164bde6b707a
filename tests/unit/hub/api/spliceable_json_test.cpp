// The quick check that lets a stored payload be copied into a response as it
// is: it must never let through what nlohmann's parser refuses (a response
// would then not be JSON), and it should let through what the hub stores.
#include "api/spliceable_json.h"

#include <doctest/doctest.h>

#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <vector>

using namespace edgehub::hub;
using nlohmann::json;

TEST_CASE("payloads as devices send them are copied as they are") {
  for (const std::string text :
       {R"({"temperature":21.5,"i":7})", R"({"t": [1, 2.5, "x\n"], "ok": true, "n": null})",
        "  {\"a\" :\r\n {\"b\": [ ] , \"c\": {}} }  ", "5", "-0.5e-3", R"("text")", "[]",
        R"({"unit":"°C","s":"\u00e9\"\\\/\b\f\n\r\t"})", "1E+2", "[false,true,null,0,-1]"}) {
    CAPTURE(text);
    CHECK(json::accept(text));
    CHECK(is_spliceable_json(text));
  }
}

TEST_CASE("whatever is not JSON is never taken for JSON") {
  const std::vector<std::string> texts = {"",
                                          " ",
                                          "{",
                                          "}",
                                          "[1,]",
                                          "{\"a\":}",
                                          "{\"a\" 1}",
                                          "{\"a\":1,}",
                                          "{a:1}",
                                          "01",
                                          "1.",
                                          ".5",
                                          "-",
                                          "1e",
                                          "1e+",
                                          "+1",
                                          "tru",
                                          "nul",
                                          "truex",
                                          "\"\\x\"",
                                          "\"\t\"",
                                          "\"abc",
                                          "\"\xff\"",
                                          "\"\xc0\xaf\"",
                                          "\"\xed\xa0\x80\"",
                                          "1e999",
                                          "-1e400",
                                          "[1}",
                                          "{\"a\":1]",
                                          "{}}",
                                          "[[]",
                                          "1 2",
                                          "nan",
                                          "Infinity",
                                          "'a'",
                                          std::string("\"a\0b\"", 5),
                                          "[\"\\u12G4\"]",
                                          "\"\\u12\"",
                                          "[1 2]",
                                          "{\"a\":1 \"b\":2}"};
  for (const std::string& text : texts) {
    CAPTURE(text);
    CHECK_FALSE(json::accept(text));
    CHECK_FALSE(is_spliceable_json(text));
  }
}

TEST_CASE("JSON the quick check is not sure of is left to the full parser") {
  std::string deep;
  for (int i = 0; i < 100; ++i) deep += '[';
  for (int i = 0; i < 100; ++i) deep += ']';
  const std::string number(80, '7');
  // nlohmann's parser also stops at a NUL byte, taking what precedes it.
  const std::string nul_ended("{}\0tail", 7);
  for (const std::string& text : {deep, std::string("\xEF\xBB\xBF{}"),
                                  std::string(R"(["\ud83d\ude00"])"), number, nul_ended}) {
    CAPTURE(text);
    CHECK(json::accept(text));
    CHECK_FALSE(is_spliceable_json(text));
  }
}

TEST_CASE("mutated payloads: the quick check never accepts what the parser refuses") {
  const std::vector<std::string> seeds = {
      R"({"temperature":21.5,"i":7,"tags":["a","b\n"],"on":true,"x":null})",
      R"([1,-2.5e3,{"k":"\u00e9"},[[]],{}])", R"({"s":"°C \"q\" \\ /","n":-0})"};
  const std::string alphabet = "{}[]\":,\\ 0123456789.eE+-tfnul\x01\xc3\xa9\xff\r\n";
  std::mt19937 random(20261126);
  int spliced = 0;
  int refused = 0;
  for (int i = 0; i < 30000; ++i) {
    std::string text = seeds[random() % seeds.size()];
    const int edits = 1 + static_cast<int>(random() % 3);
    for (int e = 0; e < edits && !text.empty(); ++e) {
      const std::size_t at = random() % text.size();
      const char c = alphabet[random() % alphabet.size()];
      switch (random() % 3) {
        case 0:
          text[at] = c;
          break;
        case 1:
          text.insert(text.begin() + static_cast<std::ptrdiff_t>(at), c);
          break;
        default:
          text.erase(at, 1);
      }
    }
    const bool quick = is_spliceable_json(text);
    const bool parser = json::accept(text);
    if (quick && !parser) {
      CAPTURE(text);
      FAIL("taken for JSON but the parser refuses it");
    }
    spliced += quick ? 1 : 0;
    refused += parser ? 0 : 1;
  }
  // Both kinds occurred, so the comparison above meant something.
  CHECK(spliced > 1000);
  CHECK(refused > 1000);
}
