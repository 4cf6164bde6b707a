#include "mosquitto-plugin/sqlite_registry_reader.h"

#include <doctest/doctest.h>
#include <sqlite3.h>
#include <unistd.h>

#include <filesystem>
#include <map>
#include <stdexcept>
#include <string>

#include "registry/registry_schema.h"

using namespace edgehub::hub;
using namespace edgehub::hub::mosquitto_auth;
namespace fs = std::filesystem;

namespace {

// A registry.db in a fresh temporary directory, written the way hubd does
// (WAL), kept open by the "writer" while the reader works.
class RegistryFile {
 public:
  RegistryFile() {
    static int counter = 0;
    directory_ = fs::temp_directory_path() / ("edgehub-plugin-test-" + std::to_string(getpid()) +
                                              "-" + std::to_string(counter++));
    fs::create_directories(directory_);
    path_ = (directory_ / "registry.db").string();
    if (sqlite3_open(path_.c_str(), &writer_) != SQLITE_OK) throw std::runtime_error("open");
  }
  ~RegistryFile() {
    sqlite3_close(writer_);
    std::error_code ignored;
    fs::remove_all(directory_, ignored);
  }
  void create_schema() {
    execute("PRAGMA journal_mode = WAL");
    execute(registry_schema::kCreateVersion1);
    execute(registry_schema::kUpgrade1To2);
  }
  void execute(const std::string& sql) {
    char* error = nullptr;
    if (sqlite3_exec(writer_, sql.c_str(), nullptr, nullptr, &error) != SQLITE_OK) {
      const std::string message = error != nullptr ? error : "?";
      sqlite3_free(error);
      throw std::runtime_error(message);
    }
  }
  const std::string& path() const { return path_; }
  fs::path directory() const { return directory_; }

 private:
  fs::path directory_;
  std::string path_;
  sqlite3* writer_ = nullptr;
};

}  // namespace

TEST_CASE("a registered device is read with its role, status and fingerprint") {
  RegistryFile file;
  file.create_schema();
  file.execute(
      "INSERT INTO devices (id, role, status, cert_sha256, created_at_ms) VALUES"
      " ('boiler-1', 'device', 'enabled', 'abc123', 1), ('hubd', 'service', 'disabled', 'f00', 2)");
  SqliteRegistryReader reader(file.path());

  const auto boiler = reader.find_identity("boiler-1");
  REQUIRE(boiler.ok());
  REQUIRE(boiler->has_value());
  CHECK((*boiler)->role == DeviceRole::device);
  CHECK((*boiler)->status == DeviceStatus::enabled);
  CHECK((*boiler)->certificate_sha256 == "abc123");

  const auto hubd = reader.find_identity("hubd");
  REQUIRE(hubd.ok());
  REQUIRE(hubd->has_value());
  CHECK((*hubd)->role == DeviceRole::service);
  CHECK((*hubd)->status == DeviceStatus::disabled);
}

TEST_CASE("an unregistered id is absent, not an error") {
  RegistryFile file;
  file.create_schema();
  SqliteRegistryReader reader(file.path());
  const auto missing = reader.find_identity("nobody");
  REQUIRE(missing.ok());
  CHECK_FALSE(missing->has_value());
}

TEST_CASE("changes written by hubd after the plugin opened the registry are seen at once") {
  RegistryFile file;
  file.create_schema();
  SqliteRegistryReader reader(file.path());
  CHECK_FALSE(reader.find_identity("boiler-1")->has_value());
  CHECK(reader.last_revocation_id().value() == 0);

  file.execute(
      "INSERT INTO devices (id, role, status, cert_sha256, created_at_ms) VALUES"
      " ('boiler-1', 'device', 'enabled', 'abc', 1)");
  CHECK(reader.find_identity("boiler-1")->has_value());

  file.execute("UPDATE devices SET status = 'disabled' WHERE id = 'boiler-1'");
  file.execute("INSERT INTO revocations (device_id, revoked_at_ms) VALUES ('boiler-1', 5)");
  CHECK((*reader.find_identity("boiler-1").value()).status == DeviceStatus::disabled);
  CHECK(reader.last_revocation_id().value() == 1);
}

TEST_CASE("revocations after a given id are listed oldest first") {
  RegistryFile file;
  file.create_schema();
  file.execute(
      "INSERT INTO revocations (device_id, revoked_at_ms) VALUES ('a', 1), ('b', 2), ('c', 3)");
  SqliteRegistryReader reader(file.path());
  const auto revocations = reader.revocations_after(1);
  REQUIRE(revocations.ok());
  REQUIRE(revocations->size() == 2);
  CHECK(revocations.value()[0].id == 2);
  CHECK(revocations.value()[0].device_id == "b");
  CHECK(revocations.value()[1].device_id == "c");
  CHECK(reader.revocations_after(3)->empty());
}

TEST_CASE("every certificate of an identity is read, with when it was ended") {
  RegistryFile file;
  file.create_schema();
  file.execute(
      "INSERT INTO devices (id, role, status, cert_sha256, created_at_ms) VALUES"
      " ('boiler-1', 'device', 'enabled', 'new', 1)");
  file.execute(
      "INSERT INTO device_certificates (device_id, cert_sha256, added_at_ms, ended_at_ms) VALUES"
      " ('boiler-1', 'old', 1, 500), ('boiler-1', 'new', 2, NULL), ('other', 'x', 1, NULL)");
  SqliteRegistryReader reader(file.path());
  const auto identity = reader.find_identity("boiler-1");
  REQUIRE(identity.ok());
  REQUIRE(identity.value().has_value());
  // In no particular order: the decision looks each one up.
  std::map<std::string, std::int64_t> ended_at;
  for (const auto& certificate : identity.value()->certificates) {
    ended_at[certificate.certificate_sha256] = certificate.ended_at_ms;
  }
  CHECK(ended_at == std::map<std::string, std::int64_t>{{"new", 0}, {"old", 500}});
}

TEST_CASE("a version-1 registry (no device_certificates) is refused when the plugin loads") {
  RegistryFile file;
  file.execute(registry_schema::kCreateVersion1);
  CHECK_THROWS_WITH_AS(SqliteRegistryReader{file.path()},
                       doctest::Contains("no such table: device_certificates"), std::runtime_error);
}

TEST_CASE("a row with an unknown role is an error naming the device, not an admission") {
  RegistryFile file;
  file.execute(
      "CREATE TABLE devices (id TEXT PRIMARY KEY, role TEXT, status TEXT, cert_sha256 TEXT,"
      " created_at_ms INTEGER, attributes TEXT)");
  file.execute("CREATE TABLE revocations (id INTEGER PRIMARY KEY, device_id TEXT, revoked_at_ms)");
  file.execute(registry_schema::kUpgrade1To2);
  file.execute("INSERT INTO devices VALUES ('boiler-1', 'admin', 'enabled', 'abc', 1, '{}')");
  SqliteRegistryReader reader(file.path());
  const auto identity = reader.find_identity("boiler-1");
  REQUIRE_FALSE(identity.ok());
  CHECK(identity.error().message.find("unknown role 'admin' for 'boiler-1'") != std::string::npos);
}

TEST_CASE("a missing registry file is refused with its path, and not created") {
  RegistryFile file;
  const std::string missing = (file.directory() / "absent.db").string();
  CHECK_THROWS_WITH_AS(SqliteRegistryReader{missing},
                       doctest::Contains(("cannot open registry '" + missing + "'").c_str()),
                       std::runtime_error);
  CHECK_FALSE(fs::exists(missing));
}

TEST_CASE("a database without the registry tables is refused at load") {
  RegistryFile file;
  file.execute("CREATE TABLE unrelated (x)");
  CHECK_THROWS_WITH_AS(SqliteRegistryReader{file.path()},
                       doctest::Contains("is not a hub registry"), std::runtime_error);
}
