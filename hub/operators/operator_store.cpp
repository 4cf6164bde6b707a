#include "operators/operator_store.h"

#include <SQLiteCpp/SQLiteCpp.h>

#include <algorithm>
#include <stdexcept>

#include "sqlite/open_database.h"

namespace edgehub::hub {
namespace {

constexpr const char* kCreateOperators = R"sql(
CREATE TABLE operators (
  name           TEXT PRIMARY KEY,
  role           TEXT NOT NULL,
  token_sha256   BLOB NOT NULL,
  created_at_ms  INTEGER NOT NULL,
  revoked_at_ms  INTEGER          -- NULL while active
);
)sql";

DatabaseSchema operator_database_schema() {
  return DatabaseSchema{"operator store", 1, {SchemaStep{0, 1, kCreateOperators}}};
}

Error storage_error(const std::exception& error) {
  return make_error(ErrorCode::internal, std::string("operators: ") + error.what());
}

TokenDigest digest_from_blob(const SQLite::Column& column) {
  TokenDigest digest{};
  if (column.getBytes() == static_cast<int>(digest.size())) {
    const auto* bytes = static_cast<const std::uint8_t*>(column.getBlob());
    std::copy(bytes, bytes + digest.size(), digest.begin());
  }
  return digest;  // a damaged row: all zeros, which no token hashes to
}

}  // namespace

Status check_operator_name(std::string_view name) {
  const auto allowed = [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
           c == '_' || c == '-';
  };
  if (name.empty() || name.size() > 64 || name.front() == '.' || name.front() == '-' ||
      !std::all_of(name.begin(), name.end(), allowed)) {
    return make_error(ErrorCode::invalid_argument,
                      "operator name must be 1 to 64 of A-Z a-z 0-9 . _ - (not starting with . "
                      "or -), got '" +
                          std::string(name) + "'");
  }
  return ok_status();
}

std::unique_ptr<OperatorStore> OperatorStore::open(const std::filesystem::path& file) {
  auto database = open_database(file, operator_database_schema());
  if (!database) {
    throw std::runtime_error("operators: " + file.string() + ": " + database.error().message);
  }
  return std::make_unique<OperatorStore>(std::move(database.value()));
}

OperatorStore::OperatorStore(SQLite::Database database) : database_(std::move(database)) {
  std::lock_guard lock(mutex_);
  if (Status loaded = reload_active(); !loaded) throw std::runtime_error(loaded.error().message);
}

Status OperatorStore::reload_active() {
  try {
    std::vector<Active> active;
    SQLite::Statement query(database_,
                            "SELECT name, role, token_sha256 FROM operators "
                            "WHERE revoked_at_ms IS NULL");
    while (query.executeStep()) {
      const auto role = parse_operator_role(query.getColumn(1).getString());
      if (!role) continue;  // written by a later release: not honoured
      active.push_back(Active{OperatorIdentity{query.getColumn(0).getString(), *role},
                              digest_from_blob(query.getColumn(2))});
    }
    active_ = std::move(active);
    return ok_status();
  } catch (const std::exception& error) {
    return storage_error(error);
  }
}

Result<NewOperator> OperatorStore::add(std::string_view name, Role role, std::int64_t now_ms) {
  if (Status valid = check_operator_name(name); !valid) return valid.error();
  if (role == Role::none) {
    return make_error(ErrorCode::invalid_argument, "role must be viewer, operator or admin");
  }
  NewOperator made{OperatorInfo{std::string(name), role, now_ms, std::nullopt},
                   new_operator_token()};
  const TokenDigest digest = token_digest(made.token);
  std::lock_guard lock(mutex_);
  try {
    SQLite::Statement insert(database_,
                             "INSERT INTO operators (name, role, token_sha256, created_at_ms) "
                             "VALUES (?1, ?2, ?3, ?4) ON CONFLICT(name) DO UPDATE SET "
                             "role = ?2, token_sha256 = ?3, created_at_ms = ?4, "
                             "revoked_at_ms = NULL WHERE revoked_at_ms IS NOT NULL");
    insert.bind(1, made.info.name);
    insert.bind(2, std::string(role_name(role)));
    insert.bind(3, digest.data(), static_cast<int>(digest.size()));
    insert.bind(4, static_cast<std::int64_t>(now_ms));
    if (insert.exec() == 0) {
      return make_error(ErrorCode::conflict,
                        "operator '" + made.info.name + "' exists (revoke it first)");
    }
  } catch (const std::exception& error) {
    return storage_error(error);
  }
  if (Status loaded = reload_active(); !loaded) return loaded.error();
  return made;
}

Result<std::vector<OperatorInfo>> OperatorStore::list() const {
  std::lock_guard lock(mutex_);
  try {
    std::vector<OperatorInfo> operators;
    SQLite::Statement query(database_,
                            "SELECT name, role, created_at_ms, revoked_at_ms FROM operators "
                            "ORDER BY name");
    while (query.executeStep()) {
      OperatorInfo info;
      info.name = query.getColumn(0).getString();
      info.role = parse_operator_role(query.getColumn(1).getString()).value_or(Role::none);
      info.created_at_ms = query.getColumn(2).getInt64();
      if (!query.getColumn(3).isNull()) info.revoked_at_ms = query.getColumn(3).getInt64();
      operators.push_back(std::move(info));
    }
    return operators;
  } catch (const std::exception& error) {
    return storage_error(error);
  }
}

Status OperatorStore::revoke(std::string_view name, std::int64_t now_ms) {
  std::lock_guard lock(mutex_);
  const auto found = std::find_if(active_.begin(), active_.end(),
                                  [&](const Active& a) { return a.identity.name == name; });
  if (found == active_.end()) {
    return make_error(ErrorCode::not_found, "no active operator '" + std::string(name) + "'");
  }
  if (found->identity.role == Role::admin &&
      std::count_if(active_.begin(), active_.end(),
                    [](const Active& a) { return a.identity.role == Role::admin; }) == 1) {
    return make_error(
        ErrorCode::conflict,
        "'" + std::string(name) + "' is the last admin: add another admin before revoking it");
  }
  try {
    SQLite::Statement update(database_,
                             "UPDATE operators SET revoked_at_ms = ?2 "
                             "WHERE name = ?1 AND revoked_at_ms IS NULL");
    update.bind(1, std::string(name));
    update.bind(2, static_cast<std::int64_t>(now_ms));
    update.exec();
  } catch (const std::exception& error) {
    return storage_error(error);
  }
  return reload_active();
}

std::optional<OperatorIdentity> OperatorStore::authenticate(std::string_view token) const {
  if (token.empty()) return std::nullopt;
  const TokenDigest digest = token_digest(token);
  std::lock_guard lock(mutex_);
  // Every digest is compared, in constant time each: how long this takes
  // does not tell how close a guess came, nor which operator matched.
  const Active* match = nullptr;
  for (const Active& active : active_) {
    if (digests_equal(active.digest, digest) && match == nullptr) match = &active;
  }
  if (match == nullptr) return std::nullopt;
  return match->identity;
}

Status OperatorStore::adopt_token(std::string_view name, Role role, std::string_view token,
                                  std::int64_t now_ms) {
  if (Status valid = check_operator_name(name); !valid) return valid;
  const TokenDigest digest = token_digest(token);
  std::lock_guard lock(mutex_);
  try {
    SQLite::Statement upsert(database_,
                             "INSERT INTO operators (name, role, token_sha256, created_at_ms) "
                             "VALUES (?1, ?2, ?3, ?4) ON CONFLICT(name) DO UPDATE SET "
                             "token_sha256 = ?3 WHERE revoked_at_ms IS NULL");
    upsert.bind(1, std::string(name));
    upsert.bind(2, std::string(role_name(role)));
    upsert.bind(3, digest.data(), static_cast<int>(digest.size()));
    upsert.bind(4, static_cast<std::int64_t>(now_ms));
    upsert.exec();
  } catch (const std::exception& error) {
    return storage_error(error);
  }
  return reload_active();
}

}  // namespace edgehub::hub
