// One fixture per CommandStore implementation, so that the contract test
// cases run against both (TEST_CASE_TEMPLATE).
#pragma once

#include <memory>
#include <string>

#include "commands/memory_command_store.h"
#include "commands/sqlite_command_store.h"
#include "edgehub/test/temp_directory.h"

namespace edgehub::test {

struct SqliteCommandStoreFixture {
  TempDirectory directory;
  std::unique_ptr<hub::CommandStore> store =
      hub::SqliteCommandStore::open(directory.path() / "commands.db");
};

struct MemoryCommandStoreFixture {
  std::unique_ptr<hub::CommandStore> store = std::make_unique<hub::MemoryCommandStore>();
};

// A command as submitted: queued at created_at_ms, expiring a minute later.
inline hub::CommandRecord queued_command(std::string id, std::string device_id = "boiler-1",
                                         std::int64_t created_at_ms = 1000) {
  hub::CommandRecord command;
  command.id = std::move(id);
  command.device_id = std::move(device_id);
  command.name = "reboot";
  command.timeout_ms = 5000;
  command.created_at_ms = created_at_ms;
  command.expires_at_ms = created_at_ms + 60000;
  return command;
}

}  // namespace edgehub::test
