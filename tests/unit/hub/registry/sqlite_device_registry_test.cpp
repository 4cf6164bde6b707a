// What only the SQLite registry does: durability, sharing the file with the
// broker plugin, refusing files it cannot use.
#include "registry/sqlite_device_registry.h"

#include <doctest/doctest.h>

#include <fstream>
#include <stdexcept>
#include <string>

#include "registry_fixtures.h"

using namespace edgehub;
using namespace edgehub::hub;
using edgehub::test::device_named;
using edgehub::test::fingerprint;
using edgehub::test::TempDirectory;

namespace {

std::string open_failure(const std::filesystem::path& file) {
  ManualClock clock;
  try {
    SqliteDeviceRegistry::open(file, clock);
  } catch (const std::runtime_error& failure) {
    return failure.what();
  }
  return "";
}

}  // namespace

TEST_CASE("a reopened registry still has its devices and revocations") {
  TempDirectory directory;
  ManualClock clock;
  const auto file = directory.path() / "registry.db";
  {
    auto registry = SqliteDeviceRegistry::open(file, clock);
    REQUIRE(registry->add(device_named("d1")).ok());
    REQUIRE(registry->add(device_named("d2")).ok());
    REQUIRE(registry->remove("d2").ok());
  }
  auto registry = SqliteDeviceRegistry::open(file, clock);
  CHECK(registry->find("d1").ok());
  CHECK(registry->find("d2").error().code == ErrorCode::not_found);
  REQUIRE(registry->set_status("d1", DeviceStatus::disabled).ok());
  CHECK(test::revocations_in_file(file) == std::vector<std::string>{"d2", "d1"});
}

TEST_CASE("the broker plugin's lookup query sees what the hub wrote, while the hub has it open") {
  test::SqliteRegistryFixture f;
  DeviceRecord device = device_named("sensor-9");
  device.certificate_sha256 = fingerprint('e');
  REQUIRE(f.registry->add(device).ok());

  SQLite::Database plugin_view(f.file.string(), SQLite::OPEN_READONLY);
  SQLite::Statement lookup(plugin_view, registry_schema::kLookupDevice);
  lookup.bind(1, "sensor-9");
  REQUIRE(lookup.executeStep());
  CHECK(lookup.getColumn(0).getString() == "device");
  CHECK(lookup.getColumn(1).getString() == "enabled");
  CHECK(lookup.getColumn(2).getString() == fingerprint('e'));

  SQLite::Statement last(plugin_view, registry_schema::kLastRevocation);
  REQUIRE(last.executeStep());
  CHECK(last.getColumn(0).getInt64() == 0);
}

TEST_CASE("revocations carry the time of the clock") {
  test::SqliteRegistryFixture f;
  REQUIRE(f.registry->add(device_named("d1")).ok());
  f.clock.advance_ms(42);
  REQUIRE(f.registry->remove("d1").ok());

  SQLite::Database plugin_view(f.file.string(), SQLite::OPEN_READONLY);
  CHECK(plugin_view.execAndGet("SELECT revoked_at_ms FROM revocations").getInt64() ==
        f.clock.now_ms());
}

TEST_CASE("the registry file is in WAL mode so that the plugin can read while the hub writes") {
  test::SqliteRegistryFixture f;
  SQLite::Database other(f.file.string(), SQLite::OPEN_READONLY);
  CHECK(other.execAndGet("PRAGMA journal_mode").getString() == "wal");
}

TEST_CASE("opening a registry in a missing directory fails naming the file") {
  TempDirectory directory;
  const auto file = directory.path() / "missing" / "registry.db";
  const std::string message = open_failure(file);
  CHECK(message.find(file.string()) != std::string::npos);
}

TEST_CASE("opening a file that is not a database fails naming the file") {
  TempDirectory directory;
  const auto file = directory.path() / "registry.db";
  std::ofstream(file) << "this is not a SQLite database, just some text that is long enough\n"
                      << std::string(4096, 'x');
  const std::string message = open_failure(file);
  CHECK(message.find(file.string()) != std::string::npos);
}

TEST_CASE("opening a database with another devices table fails naming the file") {
  TempDirectory directory;
  const auto file = directory.path() / "registry.db";
  {
    SQLite::Database foreign(file.string(), SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    foreign.exec("CREATE TABLE devices (name TEXT PRIMARY KEY)");
  }
  const std::string message = open_failure(file);
  CHECK(message.find(file.string()) != std::string::npos);
  CHECK(message.find("no such column") != std::string::npos);
}

TEST_CASE("opening a registry written by a newer schema version fails") {
  TempDirectory directory;
  const auto file = directory.path() / "registry.db";
  {
    SQLite::Database newer(file.string(), SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    newer.exec("PRAGMA user_version = 99");
  }
  const std::string message = open_failure(file);
  CHECK(message.find("schema version 99") != std::string::npos);
}

TEST_CASE("a version-1 registry is upgraded: every device keeps its one certificate") {
  TempDirectory directory;
  const auto file = directory.path() / "registry.db";
  {
    SQLite::Database old(file.string(), SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    old.exec(registry_schema::kCreateVersion1);
    old.exec(
        "INSERT INTO devices (id, role, status, cert_sha256, created_at_ms) VALUES "
        "('boiler-1', 'device', 'enabled', '" +
        fingerprint('a') + "', 77)");
    old.exec("PRAGMA user_version = 1");
  }
  ManualClock clock;
  auto registry = SqliteDeviceRegistry::open(file, clock);
  const auto certificates = registry->certificates("boiler-1");
  REQUIRE(certificates.ok());
  REQUIRE(certificates->size() == 1);
  CHECK(certificates->front().certificate_sha256 == fingerprint('a'));
  CHECK(certificates->front().added_at_ms == 77);
  CHECK(certificates->front().ended_at_ms == 0);
  CHECK(registry->find("boiler-1")->certificate_sha256 == fingerprint('a'));
  SQLite::Database check(file.string(), SQLite::OPEN_READONLY);
  CHECK(check.execAndGet("PRAGMA user_version").getInt() == 2);
}
