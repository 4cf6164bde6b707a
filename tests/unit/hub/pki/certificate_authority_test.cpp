// What the CA issues, checked with OpenSSL directly: chains, names, key
// usages, keys and fingerprints as a TLS peer or the broker plugin sees them.
#include "pki/certificate_authority.h"

#include <doctest/doctest.h>

#include <stdexcept>
#include <string>

#include "edgehub/test/temp_directory.h"
#include "x509_inspection.h"

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

const std::vector<std::string> kServerNames = {"127.0.0.1", "::1", "localhost"};

}  // namespace

TEST_CASE("the CA certificate is a self-signed CA restricted to signing certificates") {
  CaFixture f;
  REQUIRE(f.ca_certificate);
  X509& ca = *f.ca_certificate;
  CHECK(common_name_of(ca) == "edgehub test CA");
  CHECK(X509_get_version(&ca) == X509_VERSION_3);
  CHECK(X509_check_ca(&ca) == 1);
  CHECK((X509_get_extension_flags(&ca) & EXFLAG_SS) != 0);
  const int critical_index = X509_get_ext_by_NID(&ca, NID_basic_constraints, -1);
  REQUIRE(critical_index >= 0);
  CHECK(X509_EXTENSION_get_critical(X509_get_ext(&ca, critical_index)) == 1);
  CHECK(X509_get_key_usage(&ca) == (KU_KEY_CERT_SIGN | KU_CRL_SIGN));
  CHECK(X509_get0_subject_key_id(&ca) != nullptr);
  CHECK(X509_get_signature_nid(&ca) == NID_ecdsa_with_SHA256);
  CHECK(verification_failure(ca, ca, X509_PURPOSE_ANY) == "");
}

TEST_CASE("an issued client certificate verifies against the CA for TLS client use") {
  CaFixture f;
  const IssuedCertificate issued = f.ca.issue_client("boiler-1", days{365});
  const Certificate certificate = parse_certificate(issued.certificate_pem);
  REQUIRE(certificate);

  CHECK(verification_failure(*f.ca_certificate, *certificate, X509_PURPOSE_SSL_CLIENT) == "");
  CHECK(common_name_of(*certificate) == "boiler-1");
  CHECK(X509_get_extended_key_usage(certificate.get()) == XKU_SSL_CLIENT);
  CHECK(X509_get_key_usage(certificate.get()) == KU_DIGITAL_SIGNATURE);
  CHECK(X509_check_ca(certificate.get()) == 0);
  CHECK(X509_get_signature_nid(certificate.get()) == NID_ecdsa_with_SHA256);
  CHECK(subject_alt_names_of(*certificate).empty());
  // clientAuth only: it cannot serve as a broker certificate.
  CHECK(verification_failure(*f.ca_certificate, *certificate, X509_PURPOSE_SSL_SERVER) != "");
}

TEST_CASE("an issued certificate names the CA's key as its authority key") {
  CaFixture f;
  const Certificate certificate =
      parse_certificate(f.ca.issue_client("d1", days{30}).certificate_pem);
  REQUIRE(certificate);
  const ASN1_OCTET_STRING* authority_key = X509_get0_authority_key_id(certificate.get());
  const ASN1_OCTET_STRING* ca_key = X509_get0_subject_key_id(f.ca_certificate.get());
  REQUIRE(authority_key != nullptr);
  REQUIRE(ca_key != nullptr);
  CHECK(ASN1_OCTET_STRING_cmp(authority_key, ca_key) == 0);
  CHECK(X509_get0_subject_key_id(certificate.get()) != nullptr);
}

TEST_CASE("an issued server certificate carries the requested IP and DNS names") {
  CaFixture f;
  const IssuedCertificate issued = f.ca.issue_server("edgehub broker", kServerNames, days{825});
  const Certificate certificate = parse_certificate(issued.certificate_pem);
  REQUIRE(certificate);

  CHECK(verification_failure(*f.ca_certificate, *certificate, X509_PURPOSE_SSL_SERVER) == "");
  CHECK(X509_get_extended_key_usage(certificate.get()) == XKU_SSL_SERVER);
  CHECK(X509_check_ip_asc(certificate.get(), "127.0.0.1", 0) == 1);
  CHECK(X509_check_ip_asc(certificate.get(), "::1", 0) == 1);
  CHECK(X509_check_host(certificate.get(), "localhost", 0, 0, nullptr) == 1);
  CHECK(X509_check_host(certificate.get(), "example.com", 0, 0, nullptr) == 0);
  CHECK(subject_alt_names_of(*certificate) ==
        std::vector<std::string>{"IP:127.0.0.1", "IP:::1", "DNS:localhost"});
}

TEST_CASE("the issued private key is an unencrypted PKCS#8 P-256 key matching the certificate") {
  CaFixture f;
  const IssuedCertificate issued = f.ca.issue_client("d1", days{30});
  CHECK(issued.private_key_pem.starts_with("-----BEGIN "));
  CHECK(pem_label(issued.private_key_pem) == "PRIVATE KEY");
  const PrivateKey key = parse_private_key(issued.private_key_pem);
  const Certificate certificate = parse_certificate(issued.certificate_pem);
  REQUIRE(key);
  REQUIRE(certificate);
  CHECK(X509_check_private_key(certificate.get(), key.get()) == 1);
  CHECK(EVP_PKEY_is_a(key.get(), "EC") == 1);
  char group[64] = {};
  REQUIRE(EVP_PKEY_get_group_name(key.get(), group, sizeof group, nullptr) == 1);
  CHECK(std::string(group) == "prime256v1");
  // Every certificate gets its own key.
  const IssuedCertificate other = f.ca.issue_client("d1", days{30});
  CHECK(other.private_key_pem != issued.private_key_pem);
}

TEST_CASE("the reported fingerprint is the SHA-256 of the DER certificate") {
  CaFixture f;
  const IssuedCertificate issued = f.ca.issue_client("d1", days{30});
  const Certificate certificate = parse_certificate(issued.certificate_pem);
  REQUIRE(certificate);
  const std::string expected = der_sha256_hex(*certificate);
  CHECK(expected.size() == 64);
  CHECK(issued.certificate_sha256 == expected);
  CHECK(CertificateAuthority::fingerprint_of_pem(issued.certificate_pem) == expected);
  CHECK(CertificateAuthority::fingerprint_of_pem(f.ca.certificate_pem()) ==
        der_sha256_hex(*f.ca_certificate));
}

TEST_CASE("fingerprint_of_pem refuses text that is not a certificate") {
  CHECK_THROWS_AS(CertificateAuthority::fingerprint_of_pem(""), std::invalid_argument);
  CHECK_THROWS_AS(CertificateAuthority::fingerprint_of_pem("-----BEGIN CERTIFICATE-----\nAAAA\n"
                                                           "-----END CERTIFICATE-----\n"),
                  std::invalid_argument);
}

TEST_CASE("issued certificates have distinct 128-bit random serials") {
  CaFixture f;
  const Certificate first = parse_certificate(f.ca.issue_client("d1", days{30}).certificate_pem);
  const Certificate second = parse_certificate(f.ca.issue_client("d1", days{30}).certificate_pem);
  REQUIRE(first);
  REQUIRE(second);
  CHECK(ASN1_INTEGER_cmp(X509_get0_serialNumber(first.get()),
                         X509_get0_serialNumber(second.get())) != 0);
  BIGNUM* serial = ASN1_INTEGER_to_BN(X509_get0_serialNumber(first.get()), nullptr);
  CHECK(BN_num_bits(serial) > 96);  // fewer only with probability 2^-32
  CHECK(BN_num_bits(serial) <= 128);
  CHECK_FALSE(BN_is_negative(serial));
  BN_free(serial);
}

TEST_CASE("validity starts an hour early for clock skew and lasts the requested days") {
  CaFixture f;
  const Certificate certificate =
      parse_certificate(f.ca.issue_client("d1", days{30}).certificate_pem);
  REQUIRE(certificate);
  const long not_before = seconds_from_now(X509_get0_notBefore(certificate.get()));
  const long not_after = seconds_from_now(X509_get0_notAfter(certificate.get()));
  CHECK(not_before <= -3500);
  CHECK(not_before >= -3700);
  CHECK(not_after >= 30 * 86400L - 100);
  CHECK(not_after <= 30 * 86400L + 100);
}

TEST_CASE("issuing refuses malformed names and validity periods") {
  CaFixture f;
  CHECK_THROWS_AS(f.ca.issue_client("", days{30}), std::invalid_argument);
  CHECK_THROWS_AS(f.ca.issue_client(std::string(65, 'x'), days{30}), std::invalid_argument);
  CHECK_THROWS_AS(f.ca.issue_client("d1", days{0}), std::invalid_argument);
  CHECK_THROWS_AS(f.ca.issue_client("d1", days{-5}), std::invalid_argument);
  CHECK_THROWS_AS(f.ca.issue_server("broker", {"127.0.0.1", "bad name,DNS:evil"}, days{30}),
                  std::invalid_argument);
  CHECK_THROWS_AS(f.ca.issue_server("broker", {""}, days{30}), std::invalid_argument);
  CHECK_THROWS_AS(f.ca.issue_server("broker", {"-leading.example"}, days{30}),
                  std::invalid_argument);
  CHECK_NOTHROW(
      f.ca.issue_server("broker", {"*.local", "hub-1.example.org", "10.0.0.2"}, days{30}));
}
