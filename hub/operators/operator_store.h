// The operators who may use the REST API: a name, a role and the SHA-256 of
// their token, in <data-dir>/operators.db. Tokens are shown once, when made,
// and never stored. Every active operator is also kept in memory, so that a
// request is authenticated without SQLite and a revocation applies to the
// next request.
#pragma once

#include <SQLiteCpp/Database.h>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "edgehub/common/result.h"
#include "operators/operator_role.h"
#include "operators/operator_token.h"

namespace edgehub::hub {

// Who sent a request whose token was accepted.
struct OperatorIdentity {
  std::string name;
  Role role = Role::none;
};

struct OperatorInfo {
  std::string name;
  Role role = Role::viewer;
  std::int64_t created_at_ms = 0;
  std::optional<std::int64_t> revoked_at_ms;  // revoked operators stay listed
};

struct NewOperator {
  OperatorInfo info;
  std::string token;  // the only time it is known
};

// 1 to 64 of [A-Za-z0-9._-], not starting with '.' or '-'.
Status check_operator_name(std::string_view name);

class OperatorStore {
 public:
  // Throws std::runtime_error naming the file if it cannot be opened.
  static std::unique_ptr<OperatorStore> open(const std::filesystem::path& file);
  explicit OperatorStore(SQLite::Database database);
  OperatorStore(const OperatorStore&) = delete;
  OperatorStore& operator=(const OperatorStore&) = delete;

  // invalid_argument: bad name or role none; conflict: an active operator
  // has the name (a revoked one is replaced).
  Result<NewOperator> add(std::string_view name, Role role, std::int64_t now_ms);
  // Active and revoked, by name.
  Result<std::vector<OperatorInfo>> list() const;
  // not_found: no active operator of that name; conflict: the last active
  // admin (nobody could manage operators any more).
  Status revoke(std::string_view name, std::int64_t now_ms);
  // The active operator holding this token; nullopt for any other token.
  std::optional<OperatorIdentity> authenticate(std::string_view token) const;
  // Makes `token` the token of operator `name` with `role`: hubd's api-token
  // file is the "admin" operator's token, so that setups from before
  // operators keep working and a new token file (the old one deleted) takes
  // over at the next start. A revoked operator stays revoked.
  Status adopt_token(std::string_view name, Role role, std::string_view token, std::int64_t now_ms);

 private:
  struct Active {
    OperatorIdentity identity;
    TokenDigest digest;
  };
  Status reload_active();  // mutex_ held

  mutable std::mutex mutex_;
  mutable SQLite::Database database_;
  std::vector<Active> active_;
};

}  // namespace edgehub::hub
