#include "mosquitto-plugin/sqlite_registry_reader.h"

#include <sqlite3.h>

#include <stdexcept>

#include "registry/registry_schema.h"

namespace edgehub::hub::mosquitto_auth {
namespace {

// The broker's event loop waits while SQLite is busy: short, because a WAL
// reader is only ever blocked briefly (checkpoint, wal-index rebuild).
constexpr int kBusyTimeoutMs = 250;

// Resets a statement when a query is done, so that no read transaction (WAL
// snapshot) stays open between broker events.
class StatementUse {
 public:
  explicit StatementUse(sqlite3_stmt* statement) : statement_(statement) {}
  ~StatementUse() {
    sqlite3_reset(statement_);
    sqlite3_clear_bindings(statement_);
  }
  StatementUse(const StatementUse&) = delete;
  StatementUse& operator=(const StatementUse&) = delete;

 private:
  sqlite3_stmt* statement_;
};

std::string column_text(sqlite3_stmt* statement, int column) {
  const unsigned char* text = sqlite3_column_text(statement, column);
  if (text == nullptr) return {};
  return std::string(reinterpret_cast<const char*>(text),
                     static_cast<std::size_t>(sqlite3_column_bytes(statement, column)));
}

}  // namespace

void SqliteRegistryReader::CloseDatabase::operator()(sqlite3* database) const noexcept {
  sqlite3_close(database);
}

void SqliteRegistryReader::FinalizeStatement::operator()(sqlite3_stmt* statement) const noexcept {
  sqlite3_finalize(statement);
}

SqliteRegistryReader::SqliteRegistryReader(const std::string& path) {
  sqlite3* opened = nullptr;
  const int status = sqlite3_open_v2(path.c_str(), &opened, SQLITE_OPEN_READONLY, nullptr);
  database_.reset(opened);
  if (status != SQLITE_OK) {
    const std::string reason = opened != nullptr ? sqlite3_errmsg(opened) : sqlite3_errstr(status);
    throw std::runtime_error("cannot open registry '" + path + "' read-only: " + reason);
  }
  sqlite3_busy_timeout(database_.get(), kBusyTimeoutMs);
  lookup_device_ = prepare(path, registry_schema::kLookupDevice);
  lookup_certificates_ = prepare(path, registry_schema::kLookupCertificates);
  revocations_after_ = prepare(path, registry_schema::kRevocationsAfter);
  last_revocation_ = prepare(path, registry_schema::kLastRevocation);
}

SqliteRegistryReader::~SqliteRegistryReader() = default;

SqliteRegistryReader::Statement SqliteRegistryReader::prepare(const std::string& path,
                                                              const char* sql) {
  sqlite3_stmt* statement = nullptr;
  if (sqlite3_prepare_v3(database_.get(), sql, -1, SQLITE_PREPARE_PERSISTENT, &statement,
                         nullptr) != SQLITE_OK) {
    sqlite3_finalize(statement);
    throw std::runtime_error("registry '" + path + "' is not a hub registry (" +
                             sqlite3_errmsg(database_.get()) + ")");
  }
  return Statement(statement);
}

std::string SqliteRegistryReader::failure(const char* what) const {
  return std::string("registry ") + what + " failed: " + sqlite3_errmsg(database_.get());
}

Result<std::optional<RegisteredIdentity>> SqliteRegistryReader::find_identity(std::string_view id) {
  sqlite3_stmt* query = lookup_device_.get();
  StatementUse use(query);
  if (sqlite3_bind_text(query, 1, id.data(), static_cast<int>(id.size()), SQLITE_TRANSIENT) !=
      SQLITE_OK) {
    return make_error(ErrorCode::internal, failure("lookup"));
  }
  const int step = sqlite3_step(query);
  if (step == SQLITE_DONE) return std::optional<RegisteredIdentity>{};
  if (step != SQLITE_ROW) return make_error(ErrorCode::unavailable, failure("lookup"));
  auto identity = registered_identity_from_columns(id, column_text(query, 0), column_text(query, 1),
                                                   column_text(query, 2));
  if (!identity) return identity.error();
  if (Status listed = read_certificates(id, *identity); !listed) return listed.error();
  return std::optional<RegisteredIdentity>(std::move(identity).value());
}

Status SqliteRegistryReader::read_certificates(std::string_view id, RegisteredIdentity& identity) {
  sqlite3_stmt* query = lookup_certificates_.get();
  StatementUse use(query);
  if (sqlite3_bind_text(query, 1, id.data(), static_cast<int>(id.size()), SQLITE_TRANSIENT) !=
      SQLITE_OK) {
    return make_error(ErrorCode::internal, failure("certificate lookup"));
  }
  for (;;) {
    const int step = sqlite3_step(query);
    if (step == SQLITE_DONE) return ok_status();
    if (step != SQLITE_ROW)
      return make_error(ErrorCode::unavailable, failure("certificate lookup"));
    identity.certificates.push_back(
        AcceptedCertificate{column_text(query, 0), sqlite3_column_int64(query, 1)});
  }
}

Result<std::vector<Revocation>> SqliteRegistryReader::revocations_after(std::int64_t after_id) {
  sqlite3_stmt* query = revocations_after_.get();
  StatementUse use(query);
  if (sqlite3_bind_int64(query, 1, after_id) != SQLITE_OK) {
    return make_error(ErrorCode::internal, failure("revocation poll"));
  }
  std::vector<Revocation> revocations;
  for (;;) {
    const int step = sqlite3_step(query);
    if (step == SQLITE_DONE) return revocations;
    if (step != SQLITE_ROW) return make_error(ErrorCode::unavailable, failure("revocation poll"));
    revocations.push_back(Revocation{sqlite3_column_int64(query, 0), column_text(query, 1)});
  }
}

Result<std::int64_t> SqliteRegistryReader::last_revocation_id() {
  sqlite3_stmt* query = last_revocation_.get();
  StatementUse use(query);
  if (sqlite3_step(query) != SQLITE_ROW) {
    return make_error(ErrorCode::unavailable, failure("revocation query"));
  }
  return static_cast<std::int64_t>(sqlite3_column_int64(query, 0));
}

}  // namespace edgehub::hub::mosquitto_auth
