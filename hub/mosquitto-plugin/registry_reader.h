// The plugin's read-only view of registry.db: the seam between the decision
// logic and SQLite (sqlite_registry_reader.h is the real one; tests use an
// in-memory fake).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "edgehub/common/result.h"
#include "mosquitto-plugin/registered_identity.h"

namespace edgehub::hub::mosquitto_auth {

struct Revocation {
  std::int64_t id = 0;  // increasing; the plugin remembers the last one handled
  std::string device_id;
};

// Every method reports a failure to read (busy, I/O, broken row) as an Error;
// an identity that is simply not registered is an empty optional.
class RegistryReader {
 public:
  virtual ~RegistryReader() = default;

  virtual Result<std::optional<RegisteredIdentity>> find_identity(std::string_view id) = 0;
  // Revocations with id > after_id, oldest first.
  virtual Result<std::vector<Revocation>> revocations_after(std::int64_t after_id) = 0;
  // Id of the newest revocation, 0 if there is none.
  virtual Result<std::int64_t> last_revocation_id() = 0;
};

}  // namespace edgehub::hub::mosquitto_auth
