// The operator's own CAs ("bring your own CA"): stored where the broker's
// capath looks them up, and device certificates checked against them.
#include "pki/trusted_authorities.h"

#include <doctest/doctest.h>

#include <filesystem>
#include <stdexcept>

#include "edgehub/test/temp_directory.h"
#include "pki/certificate_authority.h"
#include "test_pki_material.h"

using namespace edgehub::hub;
using namespace edgehub::test;

namespace {

constexpr long kDay = 86400;

struct Fixture {
  TempDirectory directory;
  CertificateAuthority hub_ca =
      CertificateAuthority::load_or_create(directory.path() / "pki", "edgehub test CA");
  TrustedAuthorities trusted{directory.path() / "pki" / "trusted-cas", hub_ca.certificate_pem()};
  Issued operator_ca = make_certificate("Acme devices", true, -kDay, 365 * kDay, nullptr);
};

std::string refusal_to_add(TrustedAuthorities& trusted, const std::string& pem) {
  AuthorityFacts stored;
  try {
    trusted.add(pem, stored);
  } catch (const std::invalid_argument& refused) {
    return refused.what();
  }
  return "";
}

std::string refusal_of_device(const TrustedAuthorities& trusted, const std::string& pem,
                              const std::string& name) {
  try {
    trusted.check_device_certificate(pem, name);
  } catch (const std::invalid_argument& refused) {
    return refused.what();
  }
  return "";
}

}  // namespace

TEST_CASE("an added CA is listed and stored under its subject hash, as capath needs") {
  Fixture f;
  AuthorityFacts stored;
  REQUIRE(f.trusted.add(f.operator_ca.pem, stored));
  CHECK(stored.certificate_sha256 == der_sha256_hex(*f.operator_ca.certificate));
  CHECK(stored.subject == "CN = Acme devices");
  char hash[16];
  std::snprintf(hash, sizeof hash, "%08lx",
                X509_subject_name_hash(f.operator_ca.certificate.get()));
  CHECK(std::filesystem::exists(f.trusted.directory() / (std::string(hash) + ".0")));
  const auto listed = f.trusted.list();
  REQUIRE(listed.size() == 1);
  CHECK(listed.front().certificate_sha256 == stored.certificate_sha256);
  // Adding it again changes nothing.
  CHECK_FALSE(f.trusted.add(f.operator_ca.pem, stored));
  CHECK(f.trusted.list().size() == 1);
}

TEST_CASE("a certificate that is no CA, not self-signed, expired or not valid yet is not trusted") {
  Fixture f;
  const Issued leaf = make_certificate("boiler-1", false, -kDay, kDay, &f.operator_ca);
  CHECK(refusal_to_add(f.trusted, leaf.pem).find("not a CA certificate") != std::string::npos);
  const Issued intermediate = make_certificate("Acme sub", true, -kDay, kDay, &f.operator_ca);
  CHECK(refusal_to_add(f.trusted, intermediate.pem).find("not self-signed") != std::string::npos);
  const Issued expired = make_certificate("Old CA", true, -2 * kDay, -kDay, nullptr);
  CHECK(refusal_to_add(f.trusted, expired.pem) == "the CA certificate has expired");
  const Issued early = make_certificate("Future CA", true, kDay, 2 * kDay, nullptr);
  CHECK(refusal_to_add(f.trusted, early.pem) == "the CA certificate is not valid yet");
  CHECK(refusal_to_add(f.trusted, "nonsense").find("not a PEM certificate") != std::string::npos);
  CHECK(f.trusted.list().empty());
}

TEST_CASE("a device certificate from a trusted CA is accepted with its facts and issuer") {
  Fixture f;
  AuthorityFacts stored;
  REQUIRE(f.trusted.add(f.operator_ca.pem, stored));
  const Issued device = make_certificate("boiler-1", false, -kDay, 30 * kDay, &f.operator_ca);
  const DeviceCertificateFacts facts = f.trusted.check_device_certificate(device.pem, "boiler-1");
  CHECK(facts.common_name == "boiler-1");
  CHECK(facts.certificate_sha256 == der_sha256_hex(*device.certificate));
  CHECK(facts.issuer_sha256 == stored.certificate_sha256);
  CHECK(facts.not_after_ms - facts.not_before_ms == 31LL * kDay * 1000);
}

TEST_CASE("a device certificate from the hub's own CA is accepted too") {
  Fixture f;
  const IssuedCertificate issued = f.hub_ca.issue_client("boiler-1", std::chrono::days{30});
  const DeviceCertificateFacts facts =
      f.trusted.check_device_certificate(issued.certificate_pem, "boiler-1");
  CHECK(facts.issuer_sha256 ==
        CertificateAuthority::fingerprint_of_pem(f.hub_ca.certificate_pem()));
}

TEST_CASE("a device certificate is refused from an untrusted CA, for another CN, or expired") {
  Fixture f;
  const Issued device = make_certificate("boiler-1", false, -kDay, 30 * kDay, &f.operator_ca);
  CHECK(refusal_of_device(f.trusted, device.pem, "boiler-1")
            .find("does not verify against the hub's CA or a trusted CA") != std::string::npos);
  AuthorityFacts stored;
  REQUIRE(f.trusted.add(f.operator_ca.pem, stored));
  CHECK(refusal_of_device(f.trusted, device.pem, "boiler-1") == "");
  CHECK(refusal_of_device(f.trusted, device.pem, "boiler-2") ==
        "the device certificate is for CN 'boiler-1', not 'boiler-2'");
  const Issued expired = make_certificate("boiler-1", false, -2 * kDay, -kDay, &f.operator_ca);
  CHECK(refusal_of_device(f.trusted, expired.pem, "boiler-1").find("certificate has expired") !=
        std::string::npos);
  CHECK(refusal_of_device(f.trusted, f.operator_ca.pem, "Acme devices") ==
        "the device certificate is a CA certificate");
}

TEST_CASE("a removed CA vouches for no device any more; CAs sharing a hash keep their numbers") {
  Fixture f;
  AuthorityFacts first;
  REQUIRE(f.trusted.add(f.operator_ca.pem, first));
  // Same subject: same hash, stored as <hash>.1.
  const Issued twin = make_certificate("Acme devices", true, -kDay, 365 * kDay, nullptr);
  AuthorityFacts second;
  REQUIRE(f.trusted.add(twin.pem, second));
  CHECK(f.trusted.list().size() == 2);

  CHECK(f.trusted.remove(first.certificate_sha256));
  CHECK_FALSE(f.trusted.remove(first.certificate_sha256));
  const auto left = f.trusted.list();
  REQUIRE(left.size() == 1);
  CHECK(left.front().certificate_sha256 == second.certificate_sha256);
  char hash[16];
  std::snprintf(hash, sizeof hash, "%08lx", X509_subject_name_hash(twin.certificate.get()));
  CHECK(std::filesystem::exists(f.trusted.directory() / (std::string(hash) + ".0")));
  const Issued device = make_certificate("boiler-1", false, -kDay, kDay, &f.operator_ca);
  CHECK_FALSE(refusal_of_device(f.trusted, device.pem, "boiler-1").empty());
}
