// One fixture per DeviceRegistry implementation, so that the contract test
// cases run against both (TEST_CASE_TEMPLATE).
#pragma once

#include <SQLiteCpp/SQLiteCpp.h>

#include <memory>
#include <string>
#include <vector>

#include "clock/clock.h"
#include "registry/memory_device_registry.h"
#include "registry/registry_schema.h"
#include "registry/sqlite_device_registry.h"
#include "edgehub/test/temp_directory.h"

namespace edgehub::test {

// Reads the revocations as the broker plugin does: another connection, the
// plugin's own query.
inline std::vector<std::string> revocations_in_file(const std::filesystem::path& file) {
  SQLite::Database database(file.string(), SQLite::OPEN_READONLY);
  SQLite::Statement query(database, hub::registry_schema::kRevocationsAfter);
  query.bind(1, static_cast<std::int64_t>(0));
  std::vector<std::string> device_ids;
  while (query.executeStep()) device_ids.push_back(query.getColumn(1).getString());
  return device_ids;
}

struct SqliteRegistryFixture {
  TempDirectory directory;
  hub::ManualClock clock;
  std::filesystem::path file = directory.path() / "registry.db";
  std::unique_ptr<hub::SqliteDeviceRegistry> registry =
      hub::SqliteDeviceRegistry::open(file, clock);

  std::vector<std::string> revoked_device_ids() const { return revocations_in_file(file); }
};

struct MemoryRegistryFixture {
  hub::ManualClock clock;
  std::unique_ptr<hub::MemoryDeviceRegistry> registry =
      std::make_unique<hub::MemoryDeviceRegistry>(clock);

  std::vector<std::string> revoked_device_ids() const { return registry->revoked_device_ids(); }
};

// A well-formed fingerprint that differs per digit.
inline std::string fingerprint(char digit) { return std::string(64, digit); }

inline hub::DeviceRecord device_named(std::string id) {
  hub::DeviceRecord device;
  device.id = std::move(id);
  device.certificate_sha256 = fingerprint('a');
  return device;
}

}  // namespace edgehub::test
