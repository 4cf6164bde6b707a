#include "operators/operator_token.h"

#include <doctest/doctest.h>

#include <set>

using namespace edgehub::hub;

TEST_CASE("new_operator_token_is_64_hex_digits_and_never_repeats") {
  std::set<std::string> seen;
  for (int i = 0; i < 100; ++i) {
    const std::string token = new_operator_token();
    CHECK(token.size() == 64);
    CHECK(token.find_first_not_of("0123456789abcdef") == std::string::npos);
    CHECK(seen.insert(token).second);
  }
}

TEST_CASE("token_digest_is_sha256_of_the_text") {
  // SHA-256("abc"), FIPS 180-2 appendix B.1.
  const TokenDigest expected{0xba, 0x78, 0x16, 0xbf, 0x8f, 0x01, 0xcf, 0xea, 0x41, 0x41, 0x40,
                             0xde, 0x5d, 0xae, 0x22, 0x23, 0xb0, 0x03, 0x61, 0xa3, 0x96, 0x17,
                             0x7a, 0x9c, 0xb4, 0x10, 0xff, 0x61, 0xf2, 0x00, 0x15, 0xad};
  CHECK(token_digest("abc") == expected);
  CHECK(digests_equal(token_digest("abc"), expected));
  CHECK_FALSE(digests_equal(token_digest("abd"), expected));
}
