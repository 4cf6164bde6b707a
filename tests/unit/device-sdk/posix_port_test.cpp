// The POSIX port without network: clock, TLS identity loading errors, and the
// file storage that keeps the offline buffer across restarts.
#include <doctest/doctest.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include "edgehub/device/posix/file_storage.h"
#include "edgehub/device/posix/monotonic_clock.h"
#include "edgehub/device/posix/tls_connection.h"
#include "edgehub/device/posix/tls_context.h"
#include "edgehub/device/posix/tls_identity.h"
#include "edgehub/device/reliability/offline_buffer.h"

using namespace edgehub::device;
using namespace edgehub::device::posix;

namespace {

class TempDir {
 public:
  TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "sdk-posix-XXXXXX").string();
    path_ = mkdtemp(pattern.data());
  }
  ~TempDir() { std::filesystem::remove_all(path_); }
  std::filesystem::path file(const std::string& name, const std::string& content) const {
    std::ofstream(path_ / name) << content;
    return path_ / name;
  }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

// A fresh P-256 key and a self-signed certificate for it, as PEM files
// <name>.key and <name>.pem in dir.
void write_self_signed(const TempDir& dir, const std::string& name) {
  EVP_PKEY* key = EVP_EC_gen("P-256");
  X509* certificate = X509_new();
  X509_set_version(certificate, 2);
  ASN1_INTEGER_set(X509_get_serialNumber(certificate), 1);
  X509_gmtime_adj(X509_getm_notBefore(certificate), 0);
  X509_gmtime_adj(X509_getm_notAfter(certificate), 3600);
  X509_NAME* subject = X509_get_subject_name(certificate);
  X509_NAME_add_entry_by_txt(subject, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>(name.c_str()), -1, -1, 0);
  X509_set_issuer_name(certificate, subject);
  X509_set_pubkey(certificate, key);
  X509_sign(certificate, key, EVP_sha256());
  FILE* file = std::fopen((dir.path() / (name + ".pem")).c_str(), "w");
  PEM_write_X509(file, certificate);
  std::fclose(file);
  file = std::fopen((dir.path() / (name + ".key")).c_str(), "w");
  PEM_write_PrivateKey(file, key, nullptr, nullptr, 0, nullptr, nullptr);
  std::fclose(file);
  X509_free(certificate);
  EVP_PKEY_free(key);
}

}  // namespace

TEST_CASE("a device identity apart from the context: certificate and key that match") {
  TempDir dir;
  write_self_signed(dir, "a");
  TlsIdentity identity;
  CHECK(identity.load((dir.path() / "a.pem").string(), (dir.path() / "a.key").string()) ==
        Status::ok);
  CHECK(identity.loaded());
  CHECK(identity.native() != nullptr);
  TlsContext trust;  // the CA only, shared by many devices
  CHECK(trust.load_trust((dir.path() / "a.pem").string()) == Status::ok);
  CHECK(trust.loaded());
}

TEST_CASE("a device identity refuses a key of another certificate, naming both files") {
  TempDir dir;
  write_self_signed(dir, "a");
  write_self_signed(dir, "b");
  TlsIdentity identity;
  CHECK(identity.load((dir.path() / "a.pem").string(), (dir.path() / "b.key").string()) ==
        Status::bad_parameter);
  CHECK_FALSE(identity.loaded());
  CHECK(identity.error().find("b.key") != std::string::npos);
  CHECK(identity.error().find("a.pem") != std::string::npos);
}

TEST_CASE("a device identity names the file that is missing or not PEM") {
  TempDir dir;
  write_self_signed(dir, "a");
  const auto not_pem = dir.file("junk.pem", "not a certificate\n");
  TlsIdentity identity;
  CHECK(identity.load(not_pem.string(), (dir.path() / "a.key").string()) == Status::bad_parameter);
  CHECK(identity.error().find("junk.pem") != std::string::npos);
  CHECK(identity.load((dir.path() / "a.pem").string(), (dir.path() / "gone.key").string()) ==
        Status::bad_parameter);
  CHECK(identity.error().find("gone.key") != std::string::npos);
  TlsContext trust;
  CHECK(trust.load_trust((dir.path() / "missing-ca.pem").string()) == Status::bad_parameter);
  CHECK(trust.error().find("missing-ca.pem") != std::string::npos);
}

TEST_CASE("the monotonic clock never goes backwards") {
  const Clock clock = monotonic_clock();
  const std::uint32_t first = clock.now_ms(clock.context);
  const std::uint32_t second = clock.now_ms(clock.context);
  CHECK(elapsed_ms(first, second) < 1000);
}

TEST_CASE("loading a TLS identity names the file that is missing") {
  TempDir dir;
  TlsContext context;
  TlsFiles files{(dir.path() / "missing-ca.pem").string(), (dir.path() / "d.pem").string(),
                 (dir.path() / "d.key").string()};
  CHECK(context.load(files) == Status::bad_parameter);
  CHECK_FALSE(context.loaded());
  CHECK(context.error().find("missing-ca.pem") != std::string::npos);
}

TEST_CASE("loading a TLS identity refuses files that are not PEM") {
  TempDir dir;
  TlsContext context;
  const auto not_pem = dir.file("ca.pem", "this is not a certificate\n");
  TlsFiles files{not_pem.string(), not_pem.string(), not_pem.string()};
  CHECK(context.load(files) == Status::bad_parameter);
  CHECK(context.error().find("ca.pem") != std::string::npos);
}

TEST_CASE("a connection needs a loaded identity") {
  TlsContext context;
  TlsConnection connection(context);
  CHECK(connection.start("127.0.0.1", 1, 1000) == Status::bad_parameter);
  CHECK_FALSE(connection.last_error().empty());
  CHECK(connection.advance() == Status::wrong_state);
  CHECK(connection.poll_events(true) == 0);
}

TEST_CASE("an offline buffer in a file keeps its messages across a restart of the program") {
  TempDir dir;
  const std::string path = (dir.path() / "offline.bin").string();
  const std::size_t capacity = reliability::OfflineBuffer::storage_size(8, 32);
  {
    FileStorage file;
    REQUIRE(file.open(path, capacity) == Status::ok);
    reliability::OfflineBuffer buffer(file.storage(), reliability::OverflowPolicy::drop_oldest);
    CHECK(buffer.open() == Status::malformed);  // a new file: formatted
    REQUIRE(buffer.push(11, "first", 5) == Status::ok);
    REQUIRE(buffer.push(12, "second", 6) == Status::ok);
  }
  CHECK(std::filesystem::file_size(path) == capacity);
  FileStorage file;
  REQUIRE(file.open(path, capacity, false) == Status::ok);
  reliability::OfflineBuffer buffer(file.storage(), reliability::OverflowPolicy::drop_oldest);
  REQUIRE(buffer.open() == Status::ok);
  REQUIRE(buffer.count() == 2);
  reliability::StoredMessage message;
  char data[32];
  REQUIRE(buffer.read(buffer.head_position(), &message, data, sizeof data) == Status::ok);
  CHECK(message.seq == 11);
  CHECK(std::string(data, message.length) == "first");
  CHECK(buffer.last_seq() == 12);
}

TEST_CASE("a file storage that cannot be created names the path") {
  FileStorage file;
  CHECK(file.open("/nonexistent-dir/offline.bin", 1024) == Status::storage_failed);
  CHECK(file.last_error().find("/nonexistent-dir/offline.bin") != std::string::npos);
  CHECK(file.storage().capacity == 0);
}
