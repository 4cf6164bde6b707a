// Enrolment by CSR: the hub signs the device's own key, after checking the
// request's self-signature, its CN and the key's strength.
#include <doctest/doctest.h>

#include <stdexcept>
#include <string>

#include "edgehub/test/temp_directory.h"
#include "pki/certificate_authority.h"
#include "test_pki_material.h"

using namespace edgehub::hub;
using namespace edgehub::test;
using std::chrono::days;

namespace {

struct CaFixture {
  TempDirectory directory;
  CertificateAuthority ca =
      CertificateAuthority::load_or_create(directory.path() / "pki", "edgehub test CA");
  Certificate ca_certificate = parse_certificate(ca.certificate_pem());
};

std::string refusal(const CaFixture& f, const std::string& request, const std::string& name) {
  try {
    f.ca.sign_client_request(request, name, days{30});
  } catch (const std::invalid_argument& refused) {
    return refused.what();
  }
  return "";
}

}  // namespace

TEST_CASE("a device's CSR is signed into a client certificate for the device's own key") {
  CaFixture f;
  const PrivateKey device_key = p256_key();
  const IssuedCertificate issued =
      f.ca.sign_client_request(request_pem(*device_key, "boiler-1"), "boiler-1", days{30});
  CHECK(issued.private_key_pem.empty());  // the key never left the device
  const Certificate certificate = parse_certificate(issued.certificate_pem);
  REQUIRE(certificate);
  CHECK(common_name_of(*certificate) == "boiler-1");
  CHECK(verification_failure(*f.ca_certificate, *certificate, X509_PURPOSE_SSL_CLIENT) == "");
  CHECK(EVP_PKEY_eq(X509_get0_pubkey(certificate.get()), device_key.get()) == 1);
  CHECK(X509_get_extended_key_usage(certificate.get()) == XKU_SSL_CLIENT);
  CHECK(issued.certificate_sha256 == der_sha256_hex(*certificate));
  CHECK(issued.not_after_ms - issued.not_before_ms == (30LL * 86400 + 3600) * 1000);
}

TEST_CASE("a CSR for another device id is refused") {
  CaFixture f;
  const PrivateKey key = p256_key();
  CHECK(refusal(f, request_pem(*key, "boiler-2"), "boiler-1") ==
        "the certificate request is for CN 'boiler-2', not 'boiler-1'");
}

TEST_CASE("a CSR whose signature was not made with its key is refused") {
  CaFixture f;
  const PrivateKey claimed = p256_key();
  const PrivateKey signer = p256_key();
  CHECK(refusal(f, request_pem(*claimed, "boiler-1", signer.get()), "boiler-1") ==
        "the certificate request's signature does not verify with its own key");
}

TEST_CASE("a CSR with a weak key is refused, a strong RSA key is accepted") {
  CaFixture f;
  const PrivateKey weak = rsa_key(1024);
  CHECK(refusal(f, request_pem(*weak, "boiler-1"), "boiler-1") ==
        "the certificate request's key is refused: RSA key of 1024 bits (at least 2048 "
        "required)");
  const PrivateKey strong = rsa_key(2048);
  CHECK(refusal(f, request_pem(*strong, "boiler-1"), "boiler-1") == "");
}

TEST_CASE("text that is not a CSR is refused") {
  CaFixture f;
  CHECK(refusal(f, "hello", "boiler-1").find("not a PEM certificate request") == 0);
  CHECK(refusal(f, f.ca.certificate_pem(), "boiler-1").find("not a PEM certificate request") == 0);
}
