#include "mosquitto-plugin/client_certificate.h"

#include <doctest/doctest.h>

#include <string>

#include "test_certificates.h"

using namespace edgehub::hub::mosquitto_auth;
using testing::make_certificate;
using testing::reference_fingerprint;

TEST_CASE("a certificate's CN and DER SHA-256 fingerprint are read as registered") {
  const auto certificate = make_certificate("boiler-1");
  const auto presented = read_presented_certificate(*certificate);
  REQUIRE(presented.ok());
  CHECK(presented->common_name == "boiler-1");
  CHECK(presented->sha256_hex == reference_fingerprint(*certificate));
  CHECK(presented->sha256_hex.size() == 64);
  CHECK(presented->sha256_hex.find_first_not_of("0123456789abcdef") == std::string::npos);
}

TEST_CASE("two certificates with the same CN have different fingerprints") {
  const auto first = make_certificate("boiler-1");
  const auto second = make_certificate("boiler-1");
  CHECK(certificate_sha256_hex(*first).value() != certificate_sha256_hex(*second).value());
}

TEST_CASE("a certificate without a CN is refused with that reason") {
  const auto certificate = make_certificate(std::vector<std::string>{});
  const auto presented = read_presented_certificate(*certificate);
  REQUIRE_FALSE(presented.ok());
  CHECK(presented.error().message == "certificate subject has no CN");
}

TEST_CASE("a certificate with two CNs is refused as ambiguous") {
  const auto certificate = make_certificate(std::vector<std::string>{"boiler-1", "boiler-2"});
  const auto presented = read_presented_certificate(*certificate);
  REQUIRE_FALSE(presented.ok());
  CHECK(presented.error().message == "certificate subject has more than one CN");
}

TEST_CASE("a CN with an embedded NUL is refused instead of being truncated") {
  const auto certificate = make_certificate(std::string("boiler-1\0evil", 13));
  const auto presented = read_presented_certificate(*certificate);
  REQUIRE_FALSE(presented.ok());
  CHECK(presented.error().message == "certificate CN contains a NUL character");
}
