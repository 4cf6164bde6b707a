// The POSIX port's own key + CSR: what hubctl devices enroll --csr signs.
#include <doctest/doctest.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <sys/stat.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>

#include "edgehub/device/posix/key_request.h"

using namespace edgehub::device;
using namespace edgehub::device::posix;

namespace {

struct Directory {
  Directory() {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "sdk-key-request-XXXXXX").string();
    path = mkdtemp(pattern.data());
  }
  ~Directory() { std::filesystem::remove_all(path); }
  std::filesystem::path path;
};

template <typename T, typename Read>
std::unique_ptr<T, void (*)(T*)> read_pem(const std::filesystem::path& file, Read read,
                                          void (*release)(T*)) {
  std::FILE* stream = std::fopen(file.c_str(), "r");
  T* object = stream != nullptr ? read(stream, nullptr, nullptr, nullptr) : nullptr;
  if (stream != nullptr) std::fclose(stream);
  return {object, release};
}

}  // namespace

TEST_CASE("a key and a CSR for the device id are made; the CSR is signed with that key") {
  Directory directory;
  const KeyRequestFiles files{(directory.path / "boiler-1.key").string(),
                              (directory.path / "boiler-1.csr").string()};
  std::string error;
  REQUIRE(make_key_and_request("boiler-1", files, error) == Status::ok);
  CHECK(error.empty());

  const auto key = read_pem<EVP_PKEY>(files.private_key_file, PEM_read_PrivateKey, EVP_PKEY_free);
  const auto request = read_pem<X509_REQ>(files.request_file, PEM_read_X509_REQ, X509_REQ_free);
  REQUIRE(key);
  REQUIRE(request);
  CHECK(EVP_PKEY_is_a(key.get(), "EC"));
  CHECK(X509_REQ_verify(request.get(), key.get()) == 1);
  CHECK(EVP_PKEY_eq(X509_REQ_get0_pubkey(request.get()), key.get()) == 1);
  char name[128] = {};
  X509_NAME_get_text_by_NID(X509_REQ_get_subject_name(request.get()), NID_commonName, name,
                            sizeof name);
  CHECK(std::string(name) == "boiler-1");
  struct stat info {};
  REQUIRE(::stat(files.private_key_file.c_str(), &info) == 0);
  CHECK((info.st_mode & 0777) == 0600);
}

TEST_CASE("an existing key is never replaced") {
  Directory directory;
  const KeyRequestFiles files{(directory.path / "boiler-1.key").string(),
                              (directory.path / "boiler-1.csr").string()};
  std::ofstream(files.private_key_file) << "the device's identity";
  std::string error;
  CHECK(make_key_and_request("boiler-1", files, error) == Status::bad_parameter);
  CHECK(error.find(files.private_key_file) != std::string::npos);
  std::ifstream kept(files.private_key_file);
  std::string content((std::istreambuf_iterator<char>(kept)), std::istreambuf_iterator<char>());
  CHECK(content == "the device's identity");
  CHECK_FALSE(std::filesystem::exists(files.request_file));
}

TEST_CASE("a key is not left behind when the CSR cannot be written") {
  Directory directory;
  const KeyRequestFiles files{(directory.path / "boiler-1.key").string(),
                              (directory.path / "missing" / "boiler-1.csr").string()};
  std::string error;
  CHECK(make_key_and_request("boiler-1", files, error) == Status::bad_parameter);
  CHECK(error.find("missing") != std::string::npos);
  CHECK_FALSE(std::filesystem::exists(files.private_key_file));
}
