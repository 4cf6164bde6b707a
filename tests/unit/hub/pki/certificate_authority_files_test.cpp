// The CA's files: created once with private permissions, loaded back as the
// same CA, and refused with a message naming the file when broken.
#include <doctest/doctest.h>
#include <sys/stat.h>

#include <fstream>
#include <stdexcept>
#include <string>

#include "pki/certificate_authority.h"
#include "edgehub/test/temp_directory.h"
#include "x509_inspection.h"

using namespace edgehub::hub;
using namespace edgehub::test;
using std::chrono::days;

namespace {

unsigned permissions_of(const std::filesystem::path& path) {
  struct stat status {};
  REQUIRE(::stat(path.c_str(), &status) == 0);
  return status.st_mode & 0777;
}

std::string load_failure(const std::filesystem::path& directory) {
  try {
    CertificateAuthority::load_or_create(directory, "test CA");
  } catch (const std::runtime_error& failure) {
    return failure.what();
  }
  return "";
}

void overwrite(const std::filesystem::path& file, const std::string& content) {
  std::ofstream(file, std::ios::trunc) << content;
}

}  // namespace

TEST_CASE("load_or_create makes a private directory with ca.pem and a 0600 ca.key") {
  TempDirectory temp;
  const auto directory = temp.path() / "data" / "pki";
  const CertificateAuthority ca = CertificateAuthority::load_or_create(directory, "test CA");

  CHECK(permissions_of(directory) == 0700);
  CHECK(permissions_of(directory / "ca.key") == 0600);
  CHECK((permissions_of(directory / "ca.pem") & 0022) == 0);
  CHECK_FALSE(std::filesystem::exists(directory / "ca.key.tmp"));
  std::ifstream key_file(directory / "ca.key");
  const std::string key_text((std::istreambuf_iterator<char>(key_file)),
                             std::istreambuf_iterator<char>());
  CHECK(key_text.starts_with("-----BEGIN "));
  CHECK(pem_label(key_text) == "PRIVATE KEY");  // unencrypted PKCS#8
  std::ifstream certificate_file(directory / "ca.pem");
  const std::string stored((std::istreambuf_iterator<char>(certificate_file)),
                           std::istreambuf_iterator<char>());
  CHECK(stored == ca.certificate_pem());
}

TEST_CASE("load_or_create a second time returns the same CA") {
  TempDirectory temp;
  const CertificateAuthority first = CertificateAuthority::load_or_create(temp.path(), "test CA");
  const IssuedCertificate issued_before = first.issue_client("d1", days{30});

  const CertificateAuthority second =
      CertificateAuthority::load_or_create(temp.path(), "another name is ignored");
  CHECK(CertificateAuthority::fingerprint_of_pem(second.certificate_pem()) ==
        CertificateAuthority::fingerprint_of_pem(first.certificate_pem()));
  const Certificate ca = parse_certificate(second.certificate_pem());
  const Certificate before = parse_certificate(issued_before.certificate_pem);
  const Certificate after = parse_certificate(second.issue_client("d2", days{30}).certificate_pem);
  REQUIRE(ca);
  CHECK(verification_failure(*ca, *before, X509_PURPOSE_SSL_CLIENT) == "");
  CHECK(verification_failure(*ca, *after, X509_PURPOSE_SSL_CLIENT) == "");
}

TEST_CASE("a corrupt ca.pem is refused with a message naming it") {
  TempDirectory temp;
  { CertificateAuthority::load_or_create(temp.path(), "test CA"); }
  overwrite(temp.path() / "ca.pem", "-----BEGIN CERTIFICATE-----\ngarbage\n");
  const std::string message = load_failure(temp.path());
  CHECK(message.find((temp.path() / "ca.pem").string()) != std::string::npos);
  CHECK(message.find("does not hold a PEM certificate") != std::string::npos);
}

TEST_CASE("a corrupt ca.key is refused with a message naming it") {
  TempDirectory temp;
  { CertificateAuthority::load_or_create(temp.path(), "test CA"); }
  overwrite(temp.path() / "ca.key", "not a key");
  const std::string message = load_failure(temp.path());
  CHECK(message.find((temp.path() / "ca.key").string()) != std::string::npos);
}

TEST_CASE("a ca.key of another CA is refused") {
  TempDirectory first;
  TempDirectory second;
  { CertificateAuthority::load_or_create(first.path(), "first CA"); }
  { CertificateAuthority::load_or_create(second.path(), "second CA"); }
  std::filesystem::copy_file(second.path() / "ca.key", first.path() / "ca.key",
                             std::filesystem::copy_options::overwrite_existing);
  const std::string message = load_failure(first.path());
  CHECK(message.find("is not the private key of") != std::string::npos);
}

TEST_CASE("a leaf certificate in place of ca.pem is refused") {
  TempDirectory temp;
  std::string leaf;
  {
    const CertificateAuthority ca = CertificateAuthority::load_or_create(temp.path(), "test CA");
    leaf = ca.issue_client("d1", days{30}).certificate_pem;
  }
  overwrite(temp.path() / "ca.pem", leaf);
  CHECK(load_failure(temp.path()).find("is not a CA certificate") != std::string::npos);
}

TEST_CASE("half a CA (ca.key without ca.pem) is refused rather than replaced") {
  TempDirectory temp;
  { CertificateAuthority::load_or_create(temp.path(), "test CA"); }
  std::filesystem::remove(temp.path() / "ca.pem");
  const std::string message = load_failure(temp.path());
  CHECK(message.find((temp.path() / "ca.pem").string()) != std::string::npos);
  CHECK(message.find((temp.path() / "ca.key").string()) != std::string::npos);
  CHECK_FALSE(std::filesystem::exists(temp.path() / "ca.pem"));
}

TEST_CASE("a directory path that is a file is refused") {
  TempDirectory temp;
  overwrite(temp.path() / "pki", "");
  CHECK(load_failure(temp.path() / "pki").find("not a directory") != std::string::npos);
}
