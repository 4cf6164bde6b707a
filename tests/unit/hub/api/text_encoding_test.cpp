#include "api/text_encoding.h"

#include <doctest/doctest.h>

using namespace edgehub::hub;

TEST_CASE("UTF-8 text is recognised, broken or disguised sequences are not") {
  CHECK(is_valid_utf8(""));
  CHECK(is_valid_utf8("plain ascii"));
  CHECK(
      is_valid_utf8("temp\xC2\xB0"
                    "C \xE2\x82\xAC \xF0\x9F\x98\x80"));  // °, €, emoji
  CHECK_FALSE(is_valid_utf8("\xff"));
  CHECK_FALSE(is_valid_utf8("\xC2"));              // truncated
  CHECK_FALSE(is_valid_utf8("\xC0\xAF"));          // overlong '/'
  CHECK_FALSE(is_valid_utf8("\xED\xA0\x80"));      // surrogate
  CHECK_FALSE(is_valid_utf8("\xF4\x90\x80\x80"));  // beyond U+10FFFF
  CHECK(is_valid_utf8(std::string("a\0b", 3)));    // NUL is valid UTF-8
}

TEST_CASE("base64 follows RFC 4648, padding included") {
  CHECK(base64_encode("") == "");
  CHECK(base64_encode("f") == "Zg==");
  CHECK(base64_encode("fo") == "Zm8=");
  CHECK(base64_encode("foo") == "Zm9v");
  CHECK(base64_encode("foobar") == "Zm9vYmFy");
  CHECK(base64_encode(std::string("\xff\x00\xfe", 3)) == "/wD+");
}
